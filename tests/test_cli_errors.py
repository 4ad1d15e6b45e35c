"""Every CLI command with wrong arguments: exit 2, one line ``climann: error: …`` on stderr,
no traceback, and no file written or removed in the working directory.

The commands run in this process through the console script's entry point
(:func:`climann.cli.main`, which also turns click's usage errors into one line), in a
working directory holding a tiny NetCDF file, a fake finished run (its files are never read
before the refusal), a file and a folder of the user's.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from climann.cli import main
from climann.workflow.config import build_config, config_to_toml
from climann.data.sample_data import write_sample_dataset
from climann.model import Network
from tests.conftest import write_user_image


@pytest.fixture(scope="module")
def tiny_sample(tmp_path_factory):
    return write_sample_dataset(tmp_path_factory.mktemp("data") / "sample.nc", years=3, resolution=30.0)


@pytest.fixture(scope="module")
def user_image(tmp_path_factory):
    """A user's matplotlib PNG, drawn once for the module and copied into each workspace (the
    same bytes; drawing it was a figure per test)."""
    path = tmp_path_factory.mktemp("images") / "activations.png"
    write_user_image(path, "matplotlib")
    return path


@pytest.fixture
def workspace(tmp_path, tiny_sample, user_image, monkeypatch):
    """The working directory of a user: their data, notes, an older file and a finished run."""
    work = tmp_path / "work"
    (work / "mydata").mkdir(parents=True)
    shutil.copy(tiny_sample, work / "mydata" / "sample.nc")
    (work / "mydata" / "notes.txt").write_text("my notes, not NetCDF\n")
    (work / "existing.nc").write_bytes(b"an older file of the user's")
    (work / "existing.toml").write_text("# the user's config\n")
    (work / "scores").mkdir()
    (work / "scores" / "metrics.json").write_text("{}")
    (work / "figs").mkdir()
    shutil.copy(user_image, work / "figs" / "activations.png")  # unmarked, as an older climann's
    run = work / "runs" / "demo"
    run.mkdir(parents=True)
    (run / "config.toml").write_text(config_to_toml(build_config({"data": {"paths": ["mydata/sample.nc"]}})))
    Network([3, 4, 1]).save(run / "model.npz", metadata={"features": ["rsdt", "orog", "lat"], "targets": ["tas"]})
    other = work / "other_ml"  # another ML tool's folder: climann's file names, not climann's files
    other.mkdir()
    (other / "config.toml").write_text("[model]\nlr = 0.1\n")
    np.savez(other / "model.npz", w=np.ones(3))
    (other / "history.csv").write_text("step,loss\n1,0.5\n")
    (work / "ck").mkdir()
    np.savez(work / "ck" / "checkpoint.npz", w=np.ones(3))  # a user's own checkpoint
    (work / "link").symlink_to("nowhere/run")
    monkeypatch.chdir(work)
    # an empty regionmask cache: no AR6 regions downloaded earlier on this machine
    from regionmask.core.options import OPTIONS

    monkeypatch.setitem(OPTIONS, "cache_dir", str(tmp_path / "regionmask-cache"))
    return work


def _snapshot(folder: Path) -> dict[str, str]:
    """Every file and folder under ``folder`` with a hash of its content."""
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "/"
            for path in sorted(folder.rglob("*"))}


def _run(arguments, capsys, monkeypatch) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["climann", *arguments])
    with pytest.raises(SystemExit) as exited:
        main()
    out, err = capsys.readouterr()
    return exited.value.code, out, err


DATA = ["--data", "mydata/sample.nc"]
PREDICT = ["predict", "runs/demo", *DATA]

CASES = [
    # train: where it would write
    pytest.param(["train", *DATA, "--out", "mydata", "--overwrite"], "--out mydata contains the input file",
                 id="train-out-holds-the-input"),
    pytest.param(["train", *DATA, "--out", ".", "--overwrite"], "is the working directory or contains it",
                 id="train-out-dot"),
    pytest.param(["train", *DATA, "--out", "..", "--overwrite"], "is the working directory or contains it",
                 id="train-out-ancestor"),
    pytest.param(["train", *DATA, "--out", "existing.nc"], "--out existing.nc is a file", id="train-out-a-file"),
    pytest.param(["train", *DATA, "--out", "scores", "--overwrite"], "--out scores is not a climann run directory",
                 id="train-out-foreign-folder"),
    pytest.param(["train", *DATA, "--out", "runs/demo"], "run directory runs/demo is not empty; .*--overwrite",
                 id="train-out-a-run-without-overwrite"),
    pytest.param(["train", "--resume", "runs/nosuch"], "no checkpoint", id="train-resume-nothing"),
    pytest.param(["train", *DATA, "--out", "other_ml", "--overwrite"], "--out other_ml is not a climann run directory; "
                 "it holds config.toml, history.csv, model.npz, which climann did not write; choose another --out",
                 id="train-out-another-tools-run"),
    pytest.param(["train", *DATA, "--out", "ck", "--overwrite"], "--out ck is not a climann run directory; it holds "
                 "checkpoint.npz, which climann did not write", id="train-out-a-users-checkpoint"),
    pytest.param(["train", "--resume", "other_ml"], "--resume other_ml is not a climann run directory; it holds "
                 "config.toml, history.csv, model.npz", id="train-resume-another-tools-run"),
    pytest.param(["evaluate", "other_ml"], "other_ml is not a climann run directory; it holds config.toml, "
                 "history.csv, model.npz", id="evaluate-another-tools-run"),
    pytest.param(["info", "other_ml"], r"the directory holds no NetCDF file \(\*\.nc\); it holds 1 \*\.\w+, 1 \*\.\w+, 1 \*\.\w+; give its files",
                 id="info-another-tools-run-is-no-run"),
    pytest.param(["train", *DATA, "--out", "link"], "--out link is a symbolic link to nowhere/run, which does not "
                 "exist", id="train-out-dangling-link"),
    # train: data
    pytest.param(["train", "--data", "nosuch.nc"], "no file matches 'nosuch.nc'", id="train-no-file"),
    pytest.param(["train", "--data", "mydata/notes.txt", "--predictors", "rsdt"],
                 r"notes.txt is not a readable NetCDF file \(truncated or another format\)$", id="train-not-netcdf"),
    pytest.param(["train", *DATA, "--target", "tass"], "did you mean 'tas'", id="train-unknown-variable"),
    # train: options
    pytest.param(["train", *DATA, "--region", "10,20,30"], "region needs 4 numbers, south, north, west, east; got 3",
                 id="train-region-3-numbers"),
    pytest.param(["train", *DATA, "--region", "30,10,0,40"], "south 30 is north of north 10", id="train-region-swapped"),
    pytest.param(["train", *DATA, "--lags", "tas=1,ts=1"], r"give each NAME=VALUES pair its own option or key \(e\.g\. --lags tas=1 --lags ts=1\)$",
                 id="train-two-lags-in-one-option"),
    pytest.param(["train", *DATA, "--optimizer", "adamm"], "did you mean 'adam'", id="train-optimizer"),
    pytest.param(["train", *DATA, "--loss", "msee"], "did you mean 'mse'", id="train-loss"),
    pytest.param(["train", *DATA, "--schedule", "cosin"], "did you mean 'cosine'", id="train-schedule"),
    pytest.param(["train", *DATA, "--activation", "relu2"], "did you mean 'relu'", id="train-activation"),
    pytest.param(["train", *DATA, "--mode", "fields"], "did you mean 'field'", id="train-mode"),
    pytest.param(["train", *DATA, "--features", "latt"], "did you mean 'lat'", id="train-feature"),
    pytest.param(["train", *DATA, "--epochs", "many"], "Invalid value for '--epochs'", id="train-epochs-not-a-number"),
    pytest.param(["train", *DATA, "--epochs", "0"], "epochs", id="train-no-epochs"),
    pytest.param(["train", "--nosuch"], "No such option: --nosuch", id="train-unknown-option"),
    pytest.param(["train", "--quiet", "--verbose"], "--quiet and --verbose exclude each other", id="train-quiet-verbose"),
    pytest.param(["train", *DATA, "--rename", "oops"], "not of the form GLOB:OLD=NEW", id="train-rename"),
    pytest.param(["train", *DATA, "--set", "training.epochs"], "training.epochs", id="train-set-without-value"),
    pytest.param(["train", "--config", "nosuch.toml"], "nosuch.toml", id="train-no-config-file"),
    pytest.param(["train", *DATA, "--workers", "2", "--scheduler", "tcp://localhost:1"], "not both",
                 id="train-workers-and-scheduler"),
    pytest.param(["train", *DATA, "--set", "evaluation.regions={box = [1, 2, 3]}"],
                 r"\[evaluation\] regions.box must be four numbers \[lat_min, lat_max, lon_min, lon_max\], got 3$",
                 id="train-region-box-of-3"),
    pytest.param(["train", *DATA, "--set", "evaluation.regions={box = [-95, 10, 0, 10]}"],
                 r"regions.box latitudes must be in \[-90, 90\], got -95 and 10$", id="train-region-box-beyond-pole"),
    pytest.param(["train", *DATA, "--set", "evaluation.regions={box = [20, 10, 0, 10]}"],
                 "regions.box lat_min 20 must be below lat_max 10$", id="train-region-box-swapped"),
    pytest.param(["train", *DATA, "--set", "evaluation.regions={box = [10, 10, 0, 10]}"],
                 "regions.box lat_min 10 must be below lat_max 10$", id="train-region-box-empty"),
    pytest.param(["train", *DATA, "--set", 'evaluation.regions={box = ["south", 10, 0, 10]}'],
                 "regions.box must be of type float, got str 'south'$", id="train-region-box-not-numbers"),
    pytest.param(["train", *DATA, "--set", 'evaluation.named_regions=["XYZ"]'],
                 r"no region 'XYZ' in srex; valid abbreviations: ALA, .*NEU.* \(names: \S+/python -c .*srex.to_dataframe",
                 id="train-named-region-unknown"),
    pytest.param(["train", *DATA, "--set", 'evaluation.named_regions=["ar6:NEU"]'],
                 r"the AR6 regions are not in regionmask's cache \(.*regionmask-cache.*\) and climann downloads nothing: "
                 r"run \S+/python -c .*ar6.all.* once with network", id="train-named-region-ar6"),
    # predict
    pytest.param(["predict", "runs/nosuch", *DATA, "--out", "p.nc"], "run directory runs/nosuch does not exist",
                 id="predict-no-run"),
    pytest.param(["predict", "mydata", *DATA, "--out", "p.nc"], "mydata is not a climann run directory; it holds "
                 "notes.txt, sample.nc, but no model.npz, checkpoint.npz or provenance.json written by climann; give "
                 "a directory written by climann train",
                 id="predict-not-a-run"),
    pytest.param([*PREDICT, "--out", "existing.nc"], "^climann: error: existing.nc was not written by climann, and "
                 "--overwrite replaces only climann's own outputs; choose another name", id="predict-out-exists"),
    pytest.param([*PREDICT, "--out", "mydata/sample.nc", "--overwrite"], "is an input of this command",
                 id="predict-out-is-the-input"),
    pytest.param([*PREDICT, "--out", "mydata", "--overwrite"], "mydata is a directory", id="predict-out-a-folder"),
    pytest.param(["predict", "runs/demo", "--data", "nosuch.nc", "--out", "p.nc"], "no file matches",
                 id="predict-no-file"),
    pytest.param(["predict", "runs/demo", *DATA], "Missing option '--out'", id="predict-without-out"),
    # evaluate
    pytest.param(["evaluate", "runs/nosuch"], "run directory runs/nosuch does not exist", id="evaluate-no-run"),
    pytest.param(["evaluate", "runs/demo", *DATA], "needs --out DIR", id="evaluate-other-data-without-out"),
    pytest.param(["evaluate", "runs/demo", *DATA, "--out", "./runs/demo/"], "--out runs/demo is the run directory: "
                 "the scores on other data would replace the run's own metrics.json", id="evaluate-other-data-into-the-run"),
    pytest.param(["evaluate", "runs/demo", *DATA, "--out", "runs/demo", "--overwrite"], "is the run directory",
                 id="evaluate-other-data-into-the-run-overwrite"),
    pytest.param(["evaluate", "runs/demo", *DATA, "--out", "existing.nc"], "existing.nc exists and is not a directory",
                 id="evaluate-out-a-file"),
    pytest.param(["evaluate", "runs/demo", *DATA, "--out", "scores"], "scores/metrics.json was not written by climann, .*; choose "
                 "another directory", id="evaluate-out-holds-scores"),
    # plot
    pytest.param(["plot", "runs/nosuch"], "runs/nosuch", id="plot-no-run"),
    pytest.param(["plot", "lesson"], "needs --out DIR", id="plot-lesson-without-out"),
    pytest.param(["plot", "lesson", "--out", "existing.nc"], "existing.nc exists and is not a directory",
                 id="plot-lesson-out-a-file"),
    pytest.param(["plot", "lesson", "--out", "figs"], "figs/activations.png carries no climann mark \\(written by "
                 "another program, or by a climann from before 2026-12-01, which did not mark its figures\\), .*; "
                 "choose another directory", id="plot-lesson-out-holds-figures"),
    pytest.param(["plot", "lesson", "--out", "new", "--dpi", "0"], "dpi", id="plot-lesson-dpi"),
    pytest.param(["plot", "runs/demo", "--out", "x"], "--out is only for `climann plot lesson`", id="plot-out-for-a-run"),
    # info
    pytest.param(["info", "nosuch.nc"], "no file matches", id="info-no-file"),
    pytest.param(["info", "mydata/notes.txt"], r"is not a readable NetCDF file \(truncated or another format\)$",
                 id="info-not-netcdf"),
    pytest.param(["info"], "Missing argument", id="info-nothing"),
    # config
    pytest.param(["config", "show", "nosuch.toml"], "nosuch.toml", id="config-show-no-file"),
    pytest.param(["config", "show", "--set", 'training.optimizer="adamm"'], "did you mean 'adam'",
                 id="config-show-unknown-optimizer"),
    pytest.param(["config", "show", "--set", "trainin.epochs=3"], "did you mean 'training'",
                 id="config-show-unknown-section"),
    pytest.param(["config", "init", "existing.toml"], "existing.toml exists and is not a template that `climann "
                 "config init` wrote .*; choose another name", id="config-init-exists"),
    pytest.param(["config", "nosuch"], "No such command", id="config-unknown-command"),
    # sample-data
    pytest.param(["sample-data", "existing.nc"], "existing.nc was not written by climann, .*; choose another "
                 "name", id="sample-data-exists"),
    pytest.param(["sample-data", "mydata", "--overwrite"], "mydata is a directory", id="sample-data-a-folder"),
    # an output that is a symbolic link to nothing: one rule for every command, the link kept
    pytest.param(["evaluate", "runs/demo", *DATA, "--out", "link"], "--out link is a symbolic link to nowhere/run, "
                 "which does not exist; create that directory first, or choose another --out$", id="evaluate-out-link"),
    pytest.param(["plot", "lesson", "--out", "link"], "--out link is a symbolic link to nowhere/run, which does not "
                 "exist; create that directory first, or choose another --out$", id="plot-lesson-out-link"),
    pytest.param([*PREDICT, "--out", "link"], "--out link is a symbolic link to nowhere/run, whose folder .*/nowhere "
                 "does not exist; create that folder first, or choose another --out$", id="predict-out-link"),
    pytest.param(["sample-data", "link"], "link is a symbolic link to nowhere/run, whose folder .*/nowhere does not "
                 "exist; create that folder first, or choose another name$", id="sample-data-link"),
    pytest.param(["config", "init", "link"], "link is a symbolic link to nowhere/run, whose folder .*/nowhere does not "
                 "exist; create that folder first, or choose another name$", id="config-init-link"),
    pytest.param(["sample-data", "new.nc", "--resolution", "7"], "7", id="sample-data-resolution"),
    pytest.param(["sample-data", "new.nc", "--years", "0"], "years", id="sample-data-no-years"),
]


@pytest.mark.parametrize("arguments, message", CASES)
def test_a_wrong_argument_is_one_line_exit_2_and_touches_no_file(workspace, capsys, monkeypatch, arguments, message):
    before = _snapshot(workspace)
    code, out, err = _run(arguments, capsys, monkeypatch)
    lines = err.strip().splitlines()
    assert code == 2, err
    assert len(lines) == 1 and lines[0].startswith("climann: error: "), err
    assert re.search(message, lines[0]), lines[0]
    assert "Traceback" not in out + err
    assert _snapshot(workspace) == before


def test_info_advice_names_positional_paths_and_runs_as_printed(tmp_path, monkeypatch, capsys):
    """break44d A7: `climann info tas.nc pred.nc` with pred stamped on the 1st without bounds ended with
    "then give --data tas.nc --data with_bounds/pred.nc in place of the --data given"; followed, info said
    "No such option: --data". The advice says info's own paths, and info given them (the copy written as
    `cdo settbounds,month` writes it, by hand) exits 0."""
    from tests.conftest import grid_dataset
    from tests.data.test_time_axes import _monthly, _settbounds_month

    monkeypatch.chdir(tmp_path)
    _monthly(grid_dataset(n_years=2)[["tas"]], 2000, day=16).to_netcdf("tas.nc")
    _monthly(grid_dataset(n_years=2)[["pred"]], 2000, day=1).to_netcdf("pred.nc")
    monkeypatch.setattr(sys, "argv", ["climann", "info", "tas.nc", "pred.nc"])
    with pytest.raises(SystemExit) as exited:
        main()
    error = capsys.readouterr().err
    assert exited.value.code == 2
    line = [line for line in error.splitlines() if line.startswith("climann: error:")][-1]
    assert "--data" not in line and "in place of the paths given" in line and "a path that still takes" in line
    paths = re.search(r"then give (.+) in place of the paths given", line).group(1).split()
    assert paths == ["tas.nc", "with_bounds/pred.nc"]
    Path("with_bounds").mkdir()
    _settbounds_month(Path("pred.nc"), Path("with_bounds/pred.nc"))
    monkeypatch.setattr(sys, "argv", ["climann", "info", *paths])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code in (0, None), capsys.readouterr().err


def test_positional_words_keep_another_command_s_data_option():
    """Only info's own advice is reworded: `climann evaluate RUN --data FILE` stays a line of evaluate."""
    from climann.workflow.terminal import with_positional_paths

    assert with_positional_paths("give --data a.nc and --data 'b/*.nc' in place of the --data given; give both "
                                 "copies to --data") == ("give a.nc and 'b/*.nc' in place of the paths given; give "
                                                         "both copies to info")
    kept = "score it elsewhere: `climann evaluate run --data x.nc --out s`"
    assert with_positional_paths(kept) == kept
