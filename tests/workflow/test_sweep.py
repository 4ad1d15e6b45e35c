"""``climann sweep`` / ``make sweep`` (climann/workflow/sweep.py): a sweep over two learning
rates on a tiny grid; a second call does nothing, a changed value retrains only its run."""

import json
import os
import re

import pytest
from typer.testing import CliRunner

from climann.cli import app
from climann.errors import ClimannError
from climann.workflow.outputs import COMPARE_FILES
from climann.workflow.sweep import (
    RECORD_FILE,
    file_sha256,
    fingerprint,
    is_up_to_date,
    load_sweep,
    run_sweep,
    value_text,
)
from tests.conftest import grid_dataset


def write_sweep(path, data, values, *, key="training.learning_rate", extra=""):
    path.write_text(
        f'[sweep]\nkey = "{key}"\nvalues = {json.dumps(values)}\n\n'
        f'[data]\npaths = ["{data}"]\ntarget = "tas"\npredictors = ["pred"]\nfeatures = ["lat"]\n\n'
        f"[model]\nhidden = [4]\n\n[training]\nepochs = 2\nbatch_size = 32\n\n"
        f"[evaluation]\nfigures = false\n{extra}"
    )
    return path


@pytest.fixture
def data(tmp_path):
    path = tmp_path / "grid.nc"
    grid_dataset(n_years=5).to_netcdf(path)
    return path


def times(paths):
    return {path: path.stat().st_mtime_ns for path in paths}


def test_a_second_call_does_nothing_and_a_changed_value_retrains_only_its_run(tmp_path, data):
    sweep_file = write_sweep(tmp_path / "lr.toml", data, [0.01, 0.003])
    runs = tmp_path / "runs"
    first = run_sweep(sweep_file, runs_dir=runs)
    assert first.trained == [runs / "lr-0.01", runs / "lr-0.003"] and first.skipped == [] and first.compared
    comparison = [runs / "lr" / name for name in (*COMPARE_FILES, RECORD_FILE)]
    files = [*comparison, *(run / "model.npz" for run in first.trained), *(run / "metrics.json" for run in first.trained)]
    before = times(files)
    text = (runs / "lr" / "comparison.md").read_text()
    assert "| lr-0.01 |" in text and "| lr-0.003 |" in text

    second = run_sweep(sweep_file, runs_dir=runs)
    assert second.trained == [] and second.skipped == first.trained and not second.compared
    assert times(files) == before  # nothing written, not even the comparison

    write_sweep(sweep_file, data, [0.01, 0.005])
    third = run_sweep(sweep_file, runs_dir=runs)
    assert third.trained == [runs / "lr-0.005"] and third.skipped == [runs / "lr-0.01"] and third.compared
    assert (runs / "lr-0.01" / "model.npz").stat().st_mtime_ns == before[runs / "lr-0.01" / "model.npz"]
    text = (runs / "lr" / "comparison.md").read_text()
    assert "| lr-0.005 |" in text and "lr-0.003" not in text
    assert (runs / "lr-0.003" / "model.npz").is_file()  # a run left out of the sweep is kept, not removed
    record = json.loads((runs / "lr" / RECORD_FILE).read_text())["runs"]
    assert set(record) == {"lr-0.01", "lr-0.005"}
    assert record["lr-0.005"]["model_sha256"] == file_sha256(runs / "lr-0.005" / "model.npz")

    result = CliRunner().invoke(app, ["sweep", str(sweep_file), "--runs", str(runs)])
    assert result.exit_code == 0, result.output
    assert "nothing changed" in result.output and "lr-0.005" in result.output


def test_the_fingerprint_follows_settings_and_input_files_and_a_replaced_model_is_not_up_to_date(tmp_path, data):
    sweep_file = write_sweep(tmp_path / "lr.toml", data, [0.01])
    run = load_sweep(sweep_file).runs[0]
    current = fingerprint(run)
    assert fingerprint(load_sweep(sweep_file).runs[0]) == current
    assert fingerprint(load_sweep(write_sweep(sweep_file, data, [0.02])).runs[0]) != current
    status = data.stat()
    os.utime(data, ns=(status.st_atime_ns, status.st_mtime_ns + 10**9))  # the data file changed (as make sees it)
    assert fingerprint(run) != current

    run_dir = tmp_path / "run"
    run_dir.mkdir()
    for name in ("metrics.json", "history.csv", "model.npz", "config.toml"):
        (run_dir / name).write_text(name)
    recorded = {"fingerprint": "f", "model_sha256": file_sha256(run_dir / "model.npz")}
    assert is_up_to_date(run_dir, recorded, "f")
    assert not is_up_to_date(run_dir, recorded, "g")
    (run_dir / "model.npz").write_text("retrained by hand")
    assert not is_up_to_date(run_dir, recorded, "f")


@pytest.mark.parametrize("text, words", [
    pytest.param("[training]\nepochs = 2\n", "no [sweep] section", id="no-sweep"),
    pytest.param('[sweep]\nkey = "learning_rate"\nvalues = [1]\n', "SECTION.KEY", id="key-without-section"),
    pytest.param('[sweep]\nkey = "training.learning_rate"\nvalues = []\n', "non-empty list", id="no-values"),
    pytest.param('[sweep]\nkey = "training.learning_rate"\nvalues = [0.1, 0.1]\n', "twice", id="same-value"),
    pytest.param('[sweep]\nkey = "training.learning_rate"\nvalues = [0.1, -1.0]\n', "learning_rate = -1.0",
                 id="invalid-value"),
    pytest.param('[sweep]\nkey = "training.learnig_rate"\nvalues = [0.1]\n', "learning_rate", id="unknown-key"),
    pytest.param('[sweep]\nbase = "missing.toml"\nkey = "training.epochs"\nvalues = [1]\n', "missing.toml",
                 id="missing-base"),
    pytest.param('[sweep]\nkey = "training.epochs"\nvalues = [1]\n', "has no [data] section, so it names no data",
                 id="no-data"),  # it had trained on the demo sample (verify20 F13)
])
def test_a_bad_sweep_file_is_one_line_and_exit_2(tmp_path, text, words):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ClimannError, match=None) as error:
        load_sweep(path)
    assert words in str(error.value)
    result = CliRunner().invoke(app, ["sweep", str(path), "--runs", str(tmp_path / "runs")])
    assert result.exit_code == 2 and result.output.strip().count("\n") == 0
    assert not (tmp_path / "runs").exists()


@pytest.mark.parametrize(("text", "what"), [
    pytest.param('[sweep]\nkey = "training.epochs"\nvalues = [1, 2]\n', "no [data] section", id="no-data"),
    pytest.param('[sweep]\nkey = "data.select"\nvalues = [{number = 2}, {number = 4}]\n',
                 "no paths in its [data] section", id="only-the-swept-selection"),
    pytest.param('[data]\ntarget = "t2m"\n[sweep]\nkey = "data.select"\nvalues = [{number = 2}]\n',
                 "no paths in its [data] section", id="no-paths"),
])
def test_a_sweep_file_without_data_names_what_sweep_takes_not_data_option(tmp_path, text, what):
    """rerun42 N3: a sweep file without [data] paths was refused "(or give --data …)", an option climann sweep does
    not have (only --runs and --quiet): the refusal names the file's [data] and its base as the way."""
    path = tmp_path / "SWEEP.toml"
    path.write_text(text)
    result = CliRunner().invoke(app, ["sweep", str(path), "--runs", str(tmp_path / "runs")])
    assert result.exit_code == 2
    assert result.output.strip() == (
        f"climann: error: sweep file {path} (with its [sweep] base, if any) has {what}, so it names no data to train "
        'on: add [data] with paths = ["my_data/*.nc"] and target = "VARIABLE" to it (climann sweep takes every '
        'setting from the file and its [sweep] base = "CONFIG.toml"; its only options are --runs and --quiet); the '
        "sample data/sample.nc is no sweep's default")
    assert "--data" not in result.output and not (tmp_path / "runs").exists()


@pytest.mark.parametrize("paths_in", [pytest.param("sweep", id="the-sweep-file"), pytest.param("base", id="its-base")])
def test_data_paths_found_only_beside_the_file_naming_them_are_refused_with_the_way_out(tmp_path, monkeypatch,
                                                                                       paths_in):
    """break22b F12 for sweeps: [sweep] base is relative to the sweep file, [data] paths to the
    working directory; a path found only beside the file that names it says so."""
    folder = tmp_path / "sweeps" / "base" if paths_in == "base" else tmp_path / "sweeps"
    (tmp_path / "sweeps" / "base").mkdir(parents=True)
    (folder / "grid.nc").write_text("a file")
    data = '[data]\npaths = ["grid.nc"]\n'
    (tmp_path / "sweeps" / "base" / "b.toml").write_text(data if paths_in == "base" else "")
    (tmp_path / "sweeps" / "lr.toml").write_text(('' if paths_in == "base" else data) + '[sweep]\nbase = "base/b.toml"\n'
                                                 'key = "training.epochs"\nvalues = [1, 2]\n')
    monkeypatch.chdir(tmp_path)
    named_in = tmp_path / "sweeps" / ("base/b.toml" if paths_in == "base" else "lr.toml")
    with pytest.raises(ClimannError) as refused:
        load_sweep(tmp_path / "sweeps" / "lr.toml")
    assert str(refused.value).startswith(f"no file matches 'grid.nc' in the working directory {tmp_path}, which [data] "
                                         f"paths of {named_in} are relative to, but its folder {folder} holds "
                                         f"{folder}/grid.nc: run climann from there")


def test_the_base_is_read_relative_to_the_sweep_file_and_overridden_by_its_sections(tmp_path):
    (tmp_path / "base.toml").write_text('[data]\npaths = ["grid.nc"]\n\n[model]\nhidden = [32]\n\n[training]\nepochs = 9\n'
                                        'seed = 4\n')
    path = tmp_path / "widths.toml"
    path.write_text('[sweep]\nbase = "base.toml"\nkey = "model.hidden"\nvalues = [[16], [8, 8]]\n\n'
                    "[training]\nepochs = 2\n")
    sweep = load_sweep(path)
    assert [run.name for run in sweep.runs] == ["widths-16", "widths-8-8"]
    assert [run.config.model.hidden for run in sweep.runs] == [(16,), (8, 8)]
    assert {(run.config.training.epochs, run.config.training.seed) for run in sweep.runs} == {(2, 4)}


def test_a_base_beginning_with_a_tilde_is_read_from_the_home_folder(tmp_path, monkeypatch):
    """verify21b F6: ``[sweep] base = "~/base.toml"`` was joined under the sweep file's folder ("config file not
    found: exp/~/base.toml"); ``~`` is the home folder, as for every other path climann is given."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    (home / "base.toml").write_text('[data]\npaths = ["grid.nc"]\n\n[training]\nseed = 7\n')
    (tmp_path / "exp").mkdir()
    path = tmp_path / "exp" / "lr.toml"
    path.write_text('[sweep]\nbase = "~/base.toml"\nkey = "training.epochs"\nvalues = [1, 2]\n')
    assert {run.config.training.seed for run in load_sweep(path).runs} == {7}


def test_value_text_makes_directory_names():
    assert value_text(0.001) == "0.001"
    assert value_text([64, 64]) == "64-64"
    assert value_text("a b/c") == "a_b_c"
    assert value_text(True) == "true"


@pytest.mark.parametrize("users_files", [
    pytest.param(("lr/comparison.md",), id="comparison-folder"),
    pytest.param(("lr-0.03/notes.txt",), id="second-run-folder"),
    pytest.param(("lr/comparison.md", "lr-0.01/config.toml", "lr-0.01/model.npz", "lr-0.03/notes.txt"),
                 id="every-file-named"),
])
def test_folders_holding_a_users_files_are_refused_before_any_training(tmp_path, data, users_files):
    """Every run's folder and the comparison's are checked before the first run is trained
    (a user's file in the second run's folder used to be found after the first was trained
    and recorded), every such file is named, and the way out is the sweep's own (--runs)."""
    sweep_file = write_sweep(tmp_path / "lr.toml", data, [0.01, 0.03])
    runs = tmp_path / "runs"
    for name in users_files:
        (runs / name).parent.mkdir(parents=True, exist_ok=True)
        (runs / name).write_text("mine\n")
    before = sorted(path.relative_to(runs) for path in runs.rglob("*"))
    with pytest.raises(ClimannError) as refused:
        run_sweep(sweep_file, runs_dir=runs)
    message = str(refused.value)
    for name in users_files:
        folder, file = name.split("/")
        assert re.search(rf"{re.escape(str(runs / folder))}/: [^;)]*\b{re.escape(file)}\b", message), name
    assert "--runs DIR" in message and "--out" not in message
    assert sorted(path.relative_to(runs) for path in runs.rglob("*")) == before  # nothing trained, nothing recorded
    assert all((runs / name).read_text() == "mine\n" for name in users_files)


def test_a_run_folder_left_by_a_killed_sweep_is_retrained_as_train_overwrite_would(tmp_path, data, caplog):
    """verify22b F4: a sweep killed -9 while it published a run leaves the claim on the model it
    replaced (.model.npz.replaced.tmp) and its checkpoint; the next sweep refused the claim as a
    file "climann did not write". It removes them as `train --overwrite` does, and retrains."""
    from climann.run_files import REPLACED_MODEL_CLAIM
    from climann.workflow.checkpoints import CHECKPOINT_NAME
    from tests.conftest import write_climann_file, write_climann_run

    sweep_file = write_sweep(tmp_path / "lr.toml", data, [0.01])
    run_dir = tmp_path / "runs" / "lr-0.01"
    write_climann_run(run_dir, "the run before", figures=())  # the killed replacement's old run (and its checkpoint)
    write_climann_file(run_dir / CHECKPOINT_NAME, "the killed retraining")
    os.link(run_dir / "model.npz", run_dir / REPLACED_MODEL_CLAIM)
    with caplog.at_level("WARNING", logger="climann.run"):
        result = run_sweep(sweep_file, runs_dir=tmp_path / "runs")
    assert result.trained == [run_dir]
    assert f"removed 1 temporary file(s) left by an interrupted run: {REPLACED_MODEL_CLAIM}" in caplog.text
    assert sorted(os.listdir(run_dir)) == ["config.toml", "history.csv", "metrics.json", "model.npz",
                                           "predictions.nc", "provenance.json", "report.md", "train.log"]
    assert "the run before" not in (run_dir / "config.toml").read_text()


def test_the_fingerprint_follows_a_chunk_rewritten_inside_a_zarr_store(tmp_path):
    """Rewriting a chunk changes neither the store directory's size nor its time: the files
    inside it count."""
    store = tmp_path / "grid.zarr"
    grid_dataset(n_years=5).to_zarr(store, consolidated=False)
    run = load_sweep(write_sweep(tmp_path / "lr.toml", store, [0.01])).runs[0]
    current = fingerprint(run)
    chunk = next(path for path in sorted(store.rglob("*")) if path.is_file() and "tas" in path.parts
                 and not path.name.startswith((".", "zarr")))
    status, directory = chunk.stat(), store.stat()
    # a rewrite leaves the chunk the newest file of the store: later than every file's time (on a busy
    # machine writing the store takes over a second, so its own time + 1 s was not always the newest)
    newest = max(path.stat().st_mtime_ns for path in store.rglob("*") if path.is_file())
    os.utime(chunk, ns=(status.st_atime_ns, newest + 10**9))
    assert store.stat().st_mtime_ns == directory.st_mtime_ns
    assert fingerprint(run) != current


def test_a_broken_link_a_file_and_foreign_files_are_all_named_in_one_refusal(tmp_path, data):
    """A broken link as one run's folder was refused alone; the foreign run in another folder
    appeared on the next call. A lone history.csv (any training logger's header) was not named."""
    sweep_file = write_sweep(tmp_path / "lr.toml", data, [0.01, 0.03, 0.1])
    runs = tmp_path / "runs"
    runs.mkdir()
    (runs / "lr-0.01").symlink_to("/nonexistent/where")
    (runs / "lr-0.03").mkdir()
    (runs / "lr-0.03" / "history.csv").write_text("epoch,train_loss,val_loss\n1,0.5,0.6\n")
    (runs / "lr-0.03" / "model.npz").write_bytes(b"PK another tool's weights")
    (runs / "lr-0.1").write_text("a file")
    (runs / "lr").symlink_to("nowhere")
    with pytest.raises(ClimannError) as refused:
        run_sweep(sweep_file, runs_dir=runs)
    assert str(refused.value) == (
        f"sweep {sweep_file}: {runs}/lr-0.01 (the folder of the run lr-0.01) is a symbolic link to /nonexistent/where, "
        f"which does not exist; {runs}/lr-0.1 (the folder of the run lr-0.1) is a file; {runs}/lr (the comparison "
        f"folder) is a symbolic link to nowhere, which does not exist; its folders hold files climann did not write "
        f"({runs}/lr-0.03/: history.csv, model.npz), which a sweep never replaces; move them away, or give the sweep "
        "another folder with --runs DIR (nothing was trained)")
    assert sorted(os.listdir(runs)) == ["lr", "lr-0.01", "lr-0.03", "lr-0.1"]
    assert sorted(os.listdir(runs / "lr-0.03")) == ["history.csv", "model.npz"]


@pytest.mark.parametrize("claimed, what", [
    pytest.param("lr-0.01", "run directory", id="a-run"),
    pytest.param("lr", "comparison folder", id="the-comparison"),
])
def test_a_folder_another_climann_writes_is_refused_with_the_sweeps_own_way_out(tmp_path, data, holder, claimed,
                                                                                   what):
    """Two sweeps into one --runs at once: the refusal advised "choose another --out", an option
    `climann sweep` does not have (its is --runs); its runs' folders were not claimed at all."""
    sweep_file = write_sweep(tmp_path / "lr.toml", data, [0.01])
    runs = tmp_path / "runs"
    if claimed == "lr":
        run_sweep(sweep_file, runs_dir=runs)
        (runs / "lr" / "comparison.md").unlink()  # compared again on the next call
    runs.mkdir(exist_ok=True)
    other = holder(runs / claimed, folder=True)
    with pytest.raises(ClimannError) as refused:
        run_sweep(sweep_file, runs_dir=runs)
    assert str(refused.value) == (
        f"another climann (process {other.pid}) is writing {what} {runs / claimed} now; this one stops and leaves it "
        "alone: wait for it to finish, or give the sweep another folder with --runs DIR")
    assert not (runs / "lr-0.01" / "checkpoint.npz").exists()
    other.communicate("\n", timeout=60)


def test_a_run_folder_holding_only_what_a_killed_sweep_left_is_trained(tmp_path, data):
    """A sweep SIGKILLed at its first checkpoint left runs/lr-0.01/ with only its temporary (and
    its stale claim beside): the next sweep refused the folder as holding "no climann run"."""
    import subprocess
    import sys

    from climann.atomic import CLAIM_HEADER, TEMPORARY_RECORD, claim_path

    gone = int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True).stdout)
    sweep_file = write_sweep(tmp_path / "lr.toml", data, [0.01])
    run_dir = tmp_path / "runs" / "lr-0.01"
    run_dir.mkdir(parents=True)
    temporary = run_dir / f".checkpoint.npz.{gone}.0123abcd.tmp"
    temporary.write_bytes(b"half a checkpoint")
    claim_path(run_dir).write_text(f"{CLAIM_HEADER}{gone}\n{TEMPORARY_RECORD}{temporary}\n")
    result = run_sweep(sweep_file, runs_dir=tmp_path / "runs")
    assert result.trained == [run_dir]
    assert not [path for path in (tmp_path / "runs").rglob(".*")]
    assert (run_dir / "model.npz").is_file()


def test_a_sweep_over_the_target_is_refused_before_any_training_with_advice_for_a_sweep(tmp_path, data):
    """break35b B1: a sweep over data.target trained every run, then stopped with "compare runs of
    the same target" (exit 2), and again on every rerun; the targets are known from the
    configurations, so the sweep is refused before the first run."""
    sweep_file = write_sweep(tmp_path / "targets.toml", data, ["tas", "landonly"], key="data.target")
    with pytest.raises(ClimannError) as refused:
        load_sweep(sweep_file)
    assert str(refused.value) == (
        f"sweep {sweep_file}: its runs predict different targets (targets-tas tas, targets-landonly landonly), whose "
        'scores cannot be compared; make one sweep per target (set [data] target = "tas" in one sweep file, '
        '"landonly" in another) and sweep another key (nothing was trained)')
    runs = tmp_path / "runs"
    result = CliRunner().invoke(app, ["sweep", str(sweep_file), "--runs", str(runs)])
    assert result.exit_code == 2 and result.output.strip().count("\n") == 0, result.output
    assert result.output.startswith("climann: error: sweep ") and "one sweep per target" in result.output
    assert not runs.exists()  # nothing trained, nothing written



def _grid_in(path, units, **attrs):
    """The tiny grid with its tas given ``units`` (and attributes): only the metadata differ."""
    dataset = grid_dataset(n_years=5)
    dataset["tas"].attrs = {"units": units, **attrs}
    dataset.to_netcdf(path)
    return str(path)


@pytest.mark.parametrize(("units", "other_units", "why"), [
    pytest.param("K", "kg m-2 s-1", "a.nc), which do not convert by one factor: their scores have no common scale",
                 id="temperature-and-a-flux"),
    # pint would rescale percent of saturation by 0.01 as if it were a volume fraction
    pytest.param("m3 m-3", "percent", "a pure number and a ratio of named units are not one quantity",
                 id="volume-fraction-and-percent"),
])
def test_a_sweep_over_files_of_units_without_a_common_scale_is_refused_before_any_training(tmp_path, units,
                                                                                           other_units, why):
    """break36: a sweep over data.paths of files holding the target in units that do not convert
    trained every run, then refused their comparison; the units are in the files' metadata, so
    the sweep is refused before the first run, by the comparison's own rule."""
    files = [[_grid_in(tmp_path / "a.nc", units)], [_grid_in(tmp_path / "b.nc", other_units)]]
    sweep_file = write_sweep(tmp_path / "files.toml", files[0][0], files, key="data.paths")
    with pytest.raises(ClimannError) as refused:
        load_sweep(sweep_file)
    message = str(refused.value)
    assert message.startswith(f"sweep {sweep_file}: the comparison it ends with would be refused: the run ")
    assert f"predicts tas in '{other_units}'" in message and f"{tmp_path / 'b.nc'}" in message
    assert why in message and message.endswith("(nothing was trained)")
    runs = tmp_path / "runs"
    result = CliRunner().invoke(app, ["sweep", str(sweep_file), "--runs", str(runs)])
    assert result.exit_code == 2 and result.output.strip().count("\n") == 0, result.output
    assert result.output.strip() == f"climann: error: {message}"
    assert not runs.exists()  # nothing trained, nothing written


@pytest.mark.parametrize(("units", "other_units"), [
    pytest.param("K", "degC", id="temperature-scales"),  # the same scores: the offset cancels
    pytest.param("K", "kelvin", id="one-unit-spelled-twice"),
])
def test_a_sweep_over_files_of_convertible_units_is_not_refused(tmp_path, units, other_units):
    files = [[_grid_in(tmp_path / "a.nc", units)], [_grid_in(tmp_path / "b.nc", other_units)]]
    sweep = load_sweep(write_sweep(tmp_path / "files.toml", files[0][0], files, key="data.paths"))
    assert [run.config.data.paths for run in sweep.runs] == [tuple(paths) for paths in files]


def test_a_table_value_makes_a_readable_folder_name():
    """break35b D4: {depth = 0.494025} made sweep_d-__depth___0.494025_."""
    assert value_text({"depth": 0.494025}) == "depth-0.494025"
    assert value_text({"plev": "850 hPa", "member": "r1i1p1f1"}) == "plev-850_hPa_member-r1i1p1f1"
    assert value_text({"tas": [1, 12]}) == "tas-1-12"


def test_a_rerun_finds_the_runs_an_earlier_version_named_from_a_table(tmp_path, data):
    """The folders of a sweep written before the readable names (and its sweep.json, keyed by
    them) are found again: up to date, not trained anew beside them."""
    sweep_file = write_sweep(tmp_path / "lags.toml", data, [], key="data.lags")
    sweep_file.write_text(sweep_file.read_text().replace("values = []", "values = [{pred = [1]}, {pred = [2]}]"))
    runs = tmp_path / "runs"
    first = run_sweep(sweep_file, runs_dir=runs)
    assert first.trained == [runs / "lags-pred-1", runs / "lags-pred-2"]
    earlier = {"lags-pred-1": "lags-__pred____1__", "lags-pred-2": "lags-__pred____2__"}
    record_path = runs / "lags" / RECORD_FILE
    record = json.loads(record_path.read_text())
    record["runs"] = {earlier[name]: entry for name, entry in record["runs"].items()}
    record_path.write_text(json.dumps(record))
    for new, old in earlier.items():
        (runs / new).rename(runs / old)
    second = run_sweep(sweep_file, runs_dir=runs)
    assert second.trained == [] and second.skipped == [runs / old for old in earlier.values()]
    assert not (runs / "lags-pred-1").exists() and not (runs / "lags-pred-2").exists()
