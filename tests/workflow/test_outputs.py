"""Tests for climann/workflow/outputs.py: no command removes or replaces a file that it did not make."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from climann.data.sample_data import write_sample_dataset
from climann.errors import ClimannError
from climann.workflow.outputs import (
    RunDirectoryTaken,
    check_output_link,
    check_run_directory,
    create_folder,
    current_umask,
    figures_all_or_none,
    folder_written,
    foreign_entries,
    is_predict_output,
    prepare_output_folder,
    publish_run,
    refuse_existing,
    refuse_run_files,
    remove_leftovers,
    staging_directory,
    written_by_climann,
)
from tests.conftest import write_climann_file, write_climann_run, write_tagged_png, write_user_image


def _files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative name → content)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _finished_run(run_dir: Path, *, figures=("map_test.png",), marked: bool = False) -> Path:
    """A climann run made before climann marked its figures (``marked``: since)."""
    run_dir.mkdir(parents=True)
    write_climann_run(run_dir, "old", figures=figures, marked=marked)
    return run_dir


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


# --- check_run_directory ------------------------------------------------------------------------------
@pytest.mark.parametrize("overwrite", [False, True])
def test_a_directory_with_foreign_files_is_refused_naming_them(tmp_path, overwrite):
    mydata = tmp_path / "mydata"
    mydata.mkdir()
    for name in ("notes.txt", "sample.nc", "thesis.tex", "zz.csv"):
        (mydata / name).write_text(name)
    before = _files(mydata)
    with pytest.raises(ClimannError, match=r"not a climann run directory; it holds notes.txt, sample.nc, "
                                           r"thesis.tex and 1 more, which climann did not write; choose another --out"):
        check_run_directory(mydata, overwrite)
    assert _files(mydata) == before


def test_a_run_directory_with_many_foreign_items_is_refused_naming_each(tmp_path):
    """break28b A7: four items were named "figures/readme.txt, my_extra.nc, mystuff/ and 1 more":
    the way out is to move each away, and the docs promise to name each."""
    run_dir = _finished_run(tmp_path / "run")
    (run_dir / "figures" / "readme.txt").write_text("mine")
    (run_dir / "mystuff").mkdir()
    for name in ("my_extra.nc", "notes.txt", "zz.csv"):
        (run_dir / name).write_text("mine")
    with pytest.raises(ClimannError) as refused:
        check_run_directory(run_dir, overwrite=True)
    named = re.search(r"also holds (.*), which climann did not write", str(refused.value)).group(1)
    assert sorted(named.split(", ")) == ["figures/readme.txt", "my_extra.nc", "mystuff/", "notes.txt", "zz.csv"]


def test_a_run_directory_with_a_foreign_file_is_refused_even_with_overwrite(tmp_path):
    run_dir = _finished_run(tmp_path / "run")
    (run_dir / "figures" / "my_sketch.png").write_text("mine")
    with pytest.raises(ClimannError, match=f"^--out {run_dir} is a climann run, but it also holds "
                                           "figures/my_sketch.png, which climann did not write and --overwrite never "
                                           "replaces; move it away, or choose another --out$"):
        check_run_directory(run_dir, overwrite=True)


@pytest.mark.parametrize("write, what", [
    pytest.param(lambda path: write_user_image(path, "matplotlib"), "carries no climann mark, in a run or folder made "
                 "since climann marks every figure it draws", id="a-users-matplotlib-figure"),
    pytest.param(lambda path: path.write_text("fake"), "was not written by climann", id="a-text-file"),
])
@pytest.mark.parametrize("name", ["figures/map_test.png", "explain/importance.png"])
def test_a_users_file_of_a_figures_name_in_a_run_made_since_the_mark_is_refused_even_with_overwrite(
    tmp_path, write, what, name
):
    """tour13: train --overwrite (and explain --overwrite, plot RUN) replaced the user's own figure
    saved under a climann figure name in a run made on 2 Dec 2026, whose figures climann marks."""
    run_dir = _finished_run(tmp_path / "run", marked=True)
    _climann_importance(run_dir / "explain", old=False)
    write(run_dir / name)
    before = (run_dir / name).read_bytes()
    with pytest.raises(ClimannError, match=f"^--out {run_dir} is a climann run, but it also holds {name}, which "
                                           "climann did not write and --overwrite never replaces; move it away, or "
                                           "choose another --out$"):
        check_run_directory(run_dir, overwrite=True)
    with pytest.raises(ClimannError, match=f"^{run_dir / name} {what}"):
        prepare_output_folder(run_dir / Path(name).parent, [Path(name).name], overwrite=True)
    assert (run_dir / name).read_bytes() == before


def test_an_unmarked_figure_of_a_run_made_before_the_mark_is_the_runs(tmp_path):
    """Runs made before climann marked its figures keep the documented older behaviour."""
    run_dir = _finished_run(tmp_path / "run")
    write_user_image(run_dir / "figures" / "error_maps_test.png", "matplotlib")  # as climann drew it then
    assert foreign_entries(run_dir) == []
    check_run_directory(run_dir, overwrite=True)


def test_what_a_killed_run_left_is_not_named_as_files_climann_did_not_write(tmp_path):
    """verify22b F4: the claim on the replaced model (a hard link to it, .model.npz.replaced.tmp)
    and the temporaries a SIGKILL leaves were named by foreign_entries, so `climann sweep`
    refused the folder although `train --overwrite` removes them (remove_leftovers); a live
    process's temporary and a user's dotfile still are named."""
    from climann.run_files import REPLACED_MODEL_CLAIM

    run_dir = _finished_run(tmp_path / "run")
    dead, alive = _dead_pid(), os.getpid()
    os.link(run_dir / "model.npz", run_dir / REPLACED_MODEL_CLAIM)
    (run_dir / f".metrics.json.{dead}.ab12cd34.tmp").write_text("half")
    (run_dir / "figures" / f".figures.{dead}.x1y2.tmp").mkdir(parents=True)
    (run_dir / "figures" / f".map_test.png.{dead}.0a0b.tmp").write_text("half")
    assert foreign_entries(run_dir) == []
    (run_dir / f".metrics.json.{alive}.ab12cd34.tmp").write_text("being written")
    (run_dir / ".notes.txt.swp").write_text("mine")
    assert foreign_entries(run_dir) == [f".metrics.json.{alive}.ab12cd34.tmp", ".notes.txt.swp"]


@pytest.mark.parametrize("inside, named", [
    pytest.param("explain/notes.md", "explain/notes.md", id="a-file-in-climanns-explain-folder"),
    pytest.param("ssp585/sub/notes.md", "ssp585/sub/", id="a-folder-in-climanns-evaluate-folder"),
    pytest.param("my_plots/mine.png", "my_plots/", id="a-users-folder"),
])
def test_a_users_file_inside_a_runs_folder_is_named_itself(tmp_path, inside, named):
    """tour13 finding 8: a user's explain/notes.md was named as "explain/, which climann did not
    write" although climann wrote explain/."""
    run_dir = _finished_run(tmp_path / "run")
    _climann_importance(run_dir / "explain", old=False)
    for name in ("metrics.json", "predictions.nc", "report.md"):
        write_climann_file(run_dir / "ssp585" / name)
    (run_dir / inside).parent.mkdir(parents=True, exist_ok=True)
    (run_dir / inside).write_text("mine")
    assert foreign_entries(run_dir) == [named]


def test_a_folder_of_climann_names_that_is_no_run_is_refused(tmp_path):
    folder = tmp_path / "results"
    folder.mkdir()
    (folder / "metrics.json").write_text("{}")  # e.g. written by hand or another tool
    with pytest.raises(ClimannError, match="is not a climann run directory"):
        check_run_directory(folder, overwrite=True)


@pytest.mark.parametrize("files, message", [
    pytest.param({"history.csv": "epoch,train_loss,val_loss\n1,0.5,0.6\n"},
                 "it holds history.csv, which climann did not write", id="a-lone-history-csv"),
    pytest.param({"history.csv": "epoch,train_loss,val_loss\n1,0.5,0.6\n", "model.npz": "np.savez of another tool"},
                 "it holds history.csv, model.npz, which climann did not write", id="beside-another-tools-model"),
    pytest.param({"pred_2013.nc": None}, "it holds pred_2013.nc, but no model.npz, checkpoint.npz or provenance.json "
                                         "of a climann run", id="only-climanns-predictions"),
])
def test_a_folder_that_is_no_run_is_refused_naming_what_it_holds(tmp_path, files, message):
    """A foreign history.csv (its header is any training logger's) was taken for climann's, and
    the refusal named nothing: "--out h1 is not a climann run directory; choose another --out"."""
    folder = tmp_path / "h1"
    folder.mkdir()
    for name, content in files.items():
        if content is None:
            write_climann_file(folder / "predictions.nc")
            (folder / "predictions.nc").rename(folder / name)
        else:
            (folder / name).write_text(content)
    before = _files(folder)
    with pytest.raises(ClimannError, match=rf"^--out {folder} is not a climann run directory; {message}; choose "
                                           r"another --out \(--overwrite replaces only a climann run\)$"):
        check_run_directory(folder, overwrite=True)
    assert _files(folder) == before


def test_a_history_csv_in_a_run_is_the_runs(tmp_path):
    run_dir = _finished_run(tmp_path / "run")
    assert foreign_entries(run_dir) == []


@pytest.mark.parametrize(
    "out, message",
    [
        pytest.param(".", "is the working directory or contains it", id="dot"),
        pytest.param("..", "is the working directory or contains it", id="parent"),
        pytest.param("data", "contains the input file", id="holds-input"),
        pytest.param("data/file.nc", "is a file", id="a-file"),
    ],
)
def test_unsafe_places_are_refused_before_any_work(tmp_path, monkeypatch, out, message):
    work = tmp_path / "work"
    (work / "data").mkdir(parents=True)
    (work / "data" / "file.nc").write_bytes(b"input")
    monkeypatch.chdir(work)
    with pytest.raises(ClimannError, match=message):
        check_run_directory(Path(out), overwrite=True, inputs=[str(work / "data" / "file.nc")])
    assert (work / "data" / "file.nc").read_bytes() == b"input"


def test_a_climann_run_is_refused_without_overwrite_and_accepted_with_it(tmp_path):
    run_dir = _finished_run(tmp_path / "run")
    for name in ("metrics.json", "predictions.nc", "report.md"):  # climann evaluate --out run/ssp585
        write_climann_file(run_dir / "ssp585" / name, "ssp585")
    with pytest.raises(ClimannError, match="not empty; choose another --out or pass --overwrite"):
        check_run_directory(run_dir, overwrite=False)
    assert foreign_entries(run_dir) == []
    check_run_directory(run_dir, overwrite=True)


def _another_tools_run(folder: Path) -> None:
    """config.toml + model.npz + history.csv of another ML tool: climann's names, not its files."""
    folder.mkdir(parents=True)
    (folder / "config.toml").write_text("[model]\nlr = 0.1\n")
    np.savez(folder / "model.npz", w=np.ones(3))
    (folder / "history.csv").write_text("step,loss\n1,0.5\n")


def _a_run_with_a_users_history(folder: Path) -> None:
    write_climann_run(folder, "climann's")
    (folder / "history.csv").write_text("step,loss\n1,0.5\n")  # the user's own file put in its place


@pytest.mark.parametrize("make, holds", [
    pytest.param(_another_tools_run, "config.toml, history.csv, model.npz, which climann did not write",
                 id="another-tools-run"),
    pytest.param(lambda folder: (folder.mkdir(), np.savez(folder / "checkpoint.npz", w=np.ones(3))),
                 "checkpoint.npz, which climann did not write", id="a-users-checkpoint"),
    pytest.param(lambda folder: (folder.mkdir(), np.savez(folder / "best_model.npz", w=np.ones(3)),
                                 (folder / "notes.txt").write_text("mine")),
                 "best_model.npz, notes.txt, which climann did not write", id="a-users-best-model"),
    pytest.param(_a_run_with_a_users_history, None, id="a-run-holding-a-users-history"),
])
@pytest.mark.parametrize("overwrite", [False, True])
def test_files_of_climanns_names_that_climann_did_not_write_are_refused_even_with_overwrite(
    tmp_path, make, holds, overwrite
):
    """A folder is a climann run by what its files hold, not by their names: another tool's
    config.toml + model.npz + history.csv used to be replaced by --overwrite, and a lone
    checkpoint.npz of the user's removed."""
    folder = tmp_path / "my_model"
    make(folder)
    before = _files(folder)
    says = (rf"is not a climann run directory; it holds {holds}; choose another --out \(--overwrite replaces only a "
            r"climann run\)" if holds else
            r"is a climann run, but it also holds history.csv, which climann did not write and --overwrite never "
            r"replaces; move it away, or choose another --out")
    with pytest.raises(ClimannError, match=rf"^--out {folder} {says}$"):
        check_run_directory(folder, overwrite)
    assert _files(folder) == before


def test_a_run_of_an_earlier_climann_is_still_a_run(tmp_path):
    """Without provenance.json and train.log (before 24 Nov 2026) and with history.csv's
    columns of then: recognised by content all the same."""
    run_dir = _finished_run(tmp_path / "run")
    for name in ("provenance.json", "train.log"):
        (run_dir / name).unlink()
    (run_dir / "history.csv").write_text("epoch,train_loss,val_loss\n1,0.5,0.6\n")
    assert foreign_entries(run_dir) == []
    check_run_directory(run_dir, overwrite=True)


def test_overwrite_removes_climanns_outputs_of_the_replaced_model_and_keeps_the_rest(tmp_path, caplog):
    """tour13 F-stale: after `train --overwrite` with other settings, RUN/explain/importance.json
    still ranked inputs the new network does not have, and RUN/ssp585/ held the old network's
    scores. What climann made from the old model (explain, evaluate --out, predict --out
    RUN/pred.nc) goes with it; climann's other files and a file of another program's are kept."""
    import logging

    import xarray as xr

    run_dir = _finished_run(tmp_path / "run")
    _climann_importance(run_dir / "explain", old=False)
    _marked_figure(run_dir / "explain" / "importance.png")
    for name in ("metrics.json", "predictions.nc", "report.md"):
        write_climann_file(run_dir / "ssp585" / name, "ssp585")
    xr.Dataset({"pr_pred": ("x", [1.0])}, attrs={"source": "climann 0.1.0", "title": "climann predictions of pr"}
               ).to_netcdf(run_dir / "pred_2013.nc")
    xr.Dataset({"tas": ("x", [1.0])}, attrs={"source": "climann 0.1.0 sample generator"}).to_netcdf(
        run_dir / "sample.nc")  # climann's, but no output of the model
    kept = (run_dir / "sample.nc").read_bytes()
    check_run_directory(run_dir, overwrite=True)
    staging = staging_directory(run_dir)
    new = write_climann_run(staging, "new", figures=())
    with caplog.at_level(logging.WARNING, logger="climann"):
        publish_run(staging, run_dir, overwrite=True)
    assert _files(run_dir) == {**new, "sample.nc": kept}
    assert sorted(path.name for path in run_dir.iterdir()) == sorted([*new, "sample.nc"])
    assert [record.getMessage() for record in caplog.records] == [
        f"removed explain/, pred_2013.nc, ssp585/ from {run_dir}: climann's outputs of the run this one replaced "
        "(explain, evaluate --out, predict), whose model is gone; make them again for this run"]
    xr.Dataset({"pr": ("x", [1.0])}, attrs={"source": "ERA5"}).to_netcdf(run_dir / "era5.nc")  # a user's file
    with pytest.raises(ClimannError, match="it also holds era5.nc, which climann did not write and --overwrite never "
                                           "replaces; move it away"):
        check_run_directory(run_dir, overwrite=True)


def _reproduced(staging: Path, run_dir: Path) -> None:
    """The new run's model.npz the very bytes of the old one (a resumed or repeated training)."""
    shutil.copyfile(run_dir / "model.npz", staging / "model.npz")


def _reproduced_but_its_members_differ(staging: Path, run_dir: Path) -> None:
    """An ensemble whose model.npz is the same bytes but whose members are not."""
    _reproduced(staging, run_dir)
    write_climann_file(run_dir / "model_members.npz", "old")
    write_climann_file(staging / "model_members.npz", "new")


def _reproduced_with_its_members(staging: Path, run_dir: Path) -> None:
    _reproduced(staging, run_dir)
    write_climann_file(run_dir / "model_members.npz", "same")
    shutil.copyfile(run_dir / "model_members.npz", staging / "model_members.npz")


@pytest.mark.parametrize("model, kept", [
    pytest.param(lambda staging, run_dir: None, False, id="another-model"),
    pytest.param(_reproduced, True, id="the-same-model"),
    pytest.param(_reproduced_with_its_members, True, id="the-same-ensemble"),
    pytest.param(_reproduced_but_its_members_differ, False, id="the-same-model-other-members"),
])
def test_outputs_of_a_model_reproduced_byte_for_byte_are_kept(tmp_path, caplog, model, kept):
    """break22b F6: `make demo` interrupted, then `train --resume runs/demo`, removed
    runs/demo/ssp585/ and explain/ "whose model is gone", though the resumed run's model.npz
    had the SHA-256 of the one it replaced. A model that is the same bytes keeps what was made
    from it, silently; any other (or other ensemble members) removes it as before."""
    import logging

    run_dir = _finished_run(tmp_path / "run")
    _climann_importance(run_dir / "explain", old=False)
    for name in ("metrics.json", "predictions.nc", "report.md"):
        write_climann_file(run_dir / "ssp585" / name, "ssp585")
    outputs = {name: content for name, content in _files(run_dir).items() if name.startswith(("explain/", "ssp585/"))}
    staging = staging_directory(run_dir)
    write_climann_run(staging, "new", figures=())
    model(staging, run_dir)
    with caplog.at_level(logging.WARNING, logger="climann"):
        publish_run(staging, run_dir, overwrite=True)
    left = {name: content for name, content in _files(run_dir).items() if name.startswith(("explain/", "ssp585/"))}
    assert left == (outputs if kept else {})
    assert [record.getMessage() for record in caplog.records] == ([] if kept else [
        f"removed explain/, ssp585/ from {run_dir}: climann's outputs of the run this one replaced "
        "(explain, evaluate --out, predict), whose model is gone; make them again for this run"])


def test_a_dangling_symbolic_link_is_refused_saying_where_it_points(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("link").symlink_to("nowhere/run")
    with pytest.raises(ClimannError, match=r"^--out link is a symbolic link to nowhere/run, which does not exist; "
                                           "create that directory first, or choose another --out$"):
        check_run_directory(Path("link"), overwrite=True)
    assert os.readlink("link") == "nowhere/run" and not Path("nowhere").exists()


def test_a_parent_that_allows_no_new_folder_is_refused_before_any_work(tmp_path, monkeypatch):
    """chattr +i or a read-only mount of the parent of an existing run: the run is built in a
    hidden folder beside it, which could not be made (it used to be found after training, as
    "cannot create run directory par/run", which exists)."""
    run_dir = _finished_run(tmp_path / "par" / "run")
    writable = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: Path(path) != run_dir.parent and writable(path, mode))
    with pytest.raises(ClimannError, match=rf"^--out {run_dir}: climann builds a run in a hidden folder beside its "
                                           rf"directory and then moves it into place, but {run_dir.parent} does not "
                                           "allow creating folders"):
        check_run_directory(run_dir, overwrite=True)
    with pytest.raises(ClimannError, match=rf"^cannot create run directory {run_dir.parent / 'new'}: "
                                           rf"{run_dir.parent} does not allow creating folders"):
        check_run_directory(run_dir.parent / "new", overwrite=True)


@pytest.mark.parametrize("check, message", [
    pytest.param(lambda ro: check_run_directory(ro, overwrite=False),
                 "--out {ro} cannot be written (read-only, immutable or not yours); make it writable, or choose another "
                 "--out", id="train-into-an-empty-folder"),
    pytest.param(lambda ro: prepare_output_folder(ro / "explain", ["importance.json"], overwrite=True, create=False),
                 "--out {ro}/explain: {ro} does not allow creating folders (read-only, immutable or not yours); make "
                 "it writable, or choose another --out", id="explain-evaluate-compare-into-a-new-folder"),
    pytest.param(lambda ro: refuse_existing(ro / "p.nc", overwrite=False, what="predictions", option="--out"),
                 "--out {ro}/p.nc: {ro} cannot be written (read-only, immutable or not yours); make it writable, or "
                 "choose another --out", id="predict-into-it"),
])
def test_an_output_folder_that_cannot_be_written_is_refused_before_any_work(tmp_path, monkeypatch, check, message):
    """tour13 F-late: train --out into an existing folder that cannot be written trained every
    epoch, then failed on its checkpoint in the system's words; evaluate, explain, predict and
    plot into a read-only run computed everything first."""
    ro = tmp_path / "ro"
    ro.mkdir()
    writable = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: Path(path) != ro and writable(path, mode))
    with pytest.raises(ClimannError) as refused:
        check(ro)
    assert str(refused.value) == message.format(ro=ro)
    assert list(ro.iterdir()) == []


def test_an_output_under_a_file_is_refused_naming_the_file(tmp_path):
    (tmp_path / "afile").write_text("mine")
    with pytest.raises(ClimannError, match=rf"^--out {tmp_path}/afile/sub: {tmp_path}/afile is a file, not a folder; "
                                           "choose another --out$"):
        check_run_directory(tmp_path / "afile" / "sub", overwrite=False)
    assert (tmp_path / "afile").read_text() == "mine"


def test_figures_are_all_replaced_or_none(tmp_path):
    figures = tmp_path / "run" / "figures"
    figures.mkdir(parents=True)
    (figures / "map_test.png").write_text("old map")
    (figures / "learning_curves.png").write_text("old curves")
    with pytest.raises(ClimannError, match="drawing failed"), figures_all_or_none(figures) as drawing:
        (drawing / "map_test.png").write_text("new map")
        raise ClimannError("drawing failed")
    assert _files(figures) == {"map_test.png": b"old map", "learning_curves.png": b"old curves"}
    with figures_all_or_none(figures) as drawing:
        (drawing / "map_test.png").write_text("new map")
        (drawing / "learning_curves.png").write_text("new curves")
    assert _files(figures) == {"map_test.png": b"new map", "learning_curves.png": b"new curves"}
    with pytest.raises(ClimannError), figures_all_or_none(tmp_path / "new" / "figures"):
        raise ClimannError("drawing failed")
    assert not (tmp_path / "new" / "figures").exists()


def test_a_staging_folder_that_cannot_be_made_is_said_to_be_beside_the_run(tmp_path, monkeypatch):
    run_dir = _finished_run(tmp_path / "run")

    def refuse(*args, **kwargs):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr("climann.workflow.outputs.new_temporary", refuse)
    with pytest.raises(ClimannError, match=rf"^cannot create the folder in which run directory {run_dir} is built, "
                                           rf"beside it in {tmp_path}: Operation not permitted$"):
        staging_directory(run_dir)


# --- publish_run ---------------------------------------------------------------------------------------
def test_publishing_over_a_run_replaces_its_own_files_and_keeps_the_rest(tmp_path):
    run_dir = _finished_run(tmp_path / "run", figures=("map_test.png", "learning_curves.png"))
    write_climann_file(run_dir / "checkpoint.npz", "old")
    write_climann_file(run_dir / "best_model.npz", "best of a diverged run")
    (run_dir / "ssp585").mkdir()
    (run_dir / "ssp585" / "metrics.json").write_text("kept")
    staging = staging_directory(run_dir)
    new = {name: write_climann_file(staging / name, "new") for name in ("config.toml", "model.npz", "report.md")}
    (staging / "figures").mkdir()
    (staging / "figures" / "map_test.png").write_text("new map")
    publish_run(staging, run_dir, overwrite=True)
    assert _files(run_dir) == {**new, "figures/map_test.png": b"new map", "ssp585/metrics.json": b"kept"}
    assert not staging.exists()


def _staged(run_dir: Path, tag: str) -> tuple[Path, dict[str, bytes]]:
    staging = staging_directory(run_dir)
    return staging, write_climann_run(staging, tag, figures=("map_test.png",))


def test_the_second_of_two_runs_into_one_new_directory_is_refused_and_kept_beside_it(tmp_path):
    """Two trains into the same new --out without --overwrite (both checked an empty place when
    they began): the second to publish no longer replaces the first's run; its own run is kept,
    complete, in RUN-2, which the message names."""
    run_dir = tmp_path / "runs" / "same"
    first, first_files = _staged(run_dir, "seed 0")
    second, second_files = _staged(run_dir, "seed 5")
    run_dir.mkdir(parents=True)
    write_climann_file(run_dir / "checkpoint.npz", "seed 5")  # both trained into it: one checkpoint is left
    publish_run(first, run_dir)
    assert _files(run_dir) == first_files  # the checkpoint went with the publication
    with pytest.raises(RunDirectoryTaken, match=rf"^run directory {run_dir}: another run was written there while this "
                                                r"one ran \(it holds config.toml, history.csv, metrics.json and 5 more\); "
                                                rf"a run is replaced only with --overwrite: this run was written to "
                                                rf"{run_dir}-2 instead$") as taken:
        publish_run(second, run_dir)
    assert taken.value.kept == tmp_path / "runs" / "same-2"
    assert _files(run_dir) == first_files and _files(taken.value.kept) == second_files
    assert sorted(path.name for path in run_dir.parent.iterdir()) == ["same", "same-2"]  # no staging folder left


def test_two_runs_publishing_at_the_same_moment_do_not_both_succeed(tmp_path, monkeypatch):
    """The other run is published between this run's check and its move: the new model.npz goes
    in first as a hard link, which fails when the name exists, so nothing of either is mixed."""
    import climann.workflow.outputs as outputs

    run_dir = tmp_path / "same"
    run_dir.mkdir()
    write_climann_file(run_dir / "checkpoint.npz", "shared")
    first, first_files = _staged(run_dir, "first")
    second, second_files = _staged(run_dir, "second")
    checked = outputs._taken

    def other_publishes_right_after_the_check(*args, **kwargs):
        why = checked(*args, **kwargs)
        monkeypatch.setattr(outputs, "_taken", checked)
        publish_run(first, run_dir)
        return why

    monkeypatch.setattr(outputs, "_taken", other_publishes_right_after_the_check)
    with pytest.raises(RunDirectoryTaken, match="another run was written there at the same moment; a run is replaced "
                                                "only with --overwrite"):
        publish_run(second, run_dir)
    assert _files(run_dir) == first_files and _files(tmp_path / "same-2") == second_files


def test_files_put_into_a_run_while_it_trained_are_not_replaced_even_with_overwrite(tmp_path):
    run_dir = _finished_run(tmp_path / "run")
    staging, new = _staged(run_dir, "new")
    (run_dir / "report.md").write_text("my notes on this run\n")  # after check_run_directory, during training
    before = _files(run_dir)
    with pytest.raises(RunDirectoryTaken, match="it now holds report.md, which climann did not write .*; --overwrite "
                                                rf"replaces only what climann wrote: this run was written to {run_dir}-2"):
        publish_run(staging, run_dir, overwrite=True)
    assert _files(run_dir) == before and _files(tmp_path / "run-2") == new


def _sha(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_of_two_overwrite_runs_over_one_run_the_second_is_kept_beside_it(tmp_path):
    """Both set out to replace the run found at their start (its model.npz's SHA-256): the first
    does; the second finds another run there and goes to RUN-2, saying so."""
    run_dir = _finished_run(tmp_path / "same")
    found = _sha(run_dir / "model.npz")
    first, first_files = _staged(run_dir, "first")
    second, second_files = _staged(run_dir, "second")
    publish_run(first, run_dir, overwrite=True, replaces=found)
    assert _files(run_dir) == first_files
    with pytest.raises(RunDirectoryTaken, match=rf"^run directory {run_dir}: another run was written there while this "
                                                r"one ran \(its model.npz is not the one this run set out to replace\); "
                                                r"--overwrite replaces only the run that was there when this one "
                                                rf"started: this run was written to {run_dir}-2 instead$"):
        publish_run(second, run_dir, overwrite=True, replaces=found)
    assert _files(run_dir) == first_files and _files(tmp_path / "same-2") == second_files
    assert sorted(os.listdir(tmp_path)) == ["same", "same-2"]


def test_an_overwrite_run_that_found_no_run_replaces_none_published_meanwhile(tmp_path):
    run_dir = tmp_path / "same"
    run_dir.mkdir()
    write_climann_file(run_dir / "best_model.npz", "a diverged run")  # what --overwrite set out to replace
    other, other_files = _staged(run_dir, "other")
    mine, mine_files = _staged(run_dir, "mine")
    publish_run(other, run_dir, overwrite=True, replaces=None)
    assert _files(run_dir) == other_files  # the diverged run's best weights replaced
    with pytest.raises(RunDirectoryTaken, match="another run was written there while this one ran"):
        publish_run(mine, run_dir, overwrite=True, replaces=None)
    assert _files(run_dir) == other_files and _files(tmp_path / "same-2") == mine_files


def test_an_overwrite_run_whose_run_was_removed_meanwhile_is_placed_as_a_new_run(tmp_path):
    run_dir = _finished_run(tmp_path / "same")
    found = _sha(run_dir / "model.npz")
    for entry in run_dir.rglob("*"):  # the user cleared the folder while the run trained
        if entry.is_file():
            entry.unlink()
    staging, files = _staged(run_dir, "new")
    publish_run(staging, run_dir, overwrite=True, replaces=found)
    assert _files(run_dir) == files


def test_an_overwrite_run_does_not_replace_a_run_another_is_replacing_at_the_same_moment(tmp_path, monkeypatch):
    """The run found at the start is claimed by a hard link of its model.npz to one fixed name
    before it is compared: the other run, which holds that claim now, replaces it alone."""
    import climann.workflow.outputs as outputs

    run_dir = _finished_run(tmp_path / "same")
    found = _sha(run_dir / "model.npz")
    first, first_files = _staged(run_dir, "first")
    second, second_files = _staged(run_dir, "second")
    replace = outputs._replace_run_files

    def the_second_publishes_while_the_first_replaces(*args, **kwargs):
        with pytest.raises(RunDirectoryTaken, match="another run was being published there at the same moment; "
                                                    "--overwrite replaces only the run that was there when this one "
                                                    "started: this run was written to"):
            publish_run(second, run_dir, overwrite=True, replaces=found)
        replace(*args, **kwargs)

    monkeypatch.setattr(outputs, "_replace_run_files", the_second_publishes_while_the_first_replaces)
    publish_run(first, run_dir, overwrite=True, replaces=found)
    assert _files(run_dir) == first_files and _files(tmp_path / "same-2") == second_files
    assert sorted(os.listdir(run_dir)) == sorted({name.split("/")[0] for name in first_files})  # no claim left


class _Killed(BaseException):
    """SIGKILL between two renames: nothing catches it, nothing after it runs."""


def _recording_run(folder: Path, tag: str, *, recorded: bool = True) -> dict[str, bytes]:
    """A run as climann writes it: its metrics.json and provenance.json name its model.npz by
    SHA-256 (``recorded``; else a run of a climann before that record)."""
    write_climann_run(folder, tag, figures=("map_test.png", "learning_curves.png"))
    if recorded:
        for name in ("metrics.json", "provenance.json"):
            content = json.loads((folder / name).read_text())
            (folder / name).write_text(json.dumps({**content, "model_sha256": _sha(folder / "model.npz")}))
    return _files(folder)


#: What a replacement renames, in its order: the evaluation, the training record, model.npz last.
_PUBLISHED = ["metrics.json", "predictions.nc", "report.md", "learning_curves.png", "map_test.png",
              "provenance.json", "history.csv", "train.log", "config.toml", "model.npz"]
#: What `climann evaluate RUN` rewrites and `climann plot RUN` redraws.
_EVALUATION = {"metrics.json", "predictions.nc", "report.md", "learning_curves.png", "map_test.png"}


@pytest.mark.parametrize("old_recorded", [pytest.param(True, id="old-run-recorded"),
                                          pytest.param(False, id="old-run-of-an-earlier-climann")])
@pytest.mark.parametrize("renames", [pytest.param(k, id=f"killed-after-{k}") for k in range(len(_PUBLISHED) + 1)])
def test_a_replacement_killed_between_two_renames_leaves_a_run_that_is_refused_as_a_mix(
        tmp_path, monkeypatch, old_recorded, renames):
    """F5: `train --overwrite` killed between renames left the old model.npz beside the new
    metrics.json, and every command read the mix without a word. Each partial state is either
    one whole run or refused; `evaluate RUN` may mend it while only the evaluation is newer."""
    import climann.workflow.outputs as outputs
    from climann.run_files import mixed_run_problem

    run_dir = tmp_path / "run"
    old = _recording_run(run_dir, "old", recorded=old_recorded)
    staging = staging_directory(run_dir)
    new = _recording_run(staging, "new")
    done = []

    def killed_after_some(source: Path, target: Path) -> None:
        if len(done) == renames:
            raise _Killed
        os.replace(source, target)
        done.append(target.name)

    monkeypatch.setattr(outputs, "_rename", killed_after_some)
    unlink = Path.unlink

    def nothing_runs_after_a_kill(path: Path, *args, **kwargs) -> None:  # not publish_run's `finally` either
        if len(done) < renames or len(done) == len(_PUBLISHED):
            unlink(path, *args, **kwargs)

    monkeypatch.setattr(Path, "unlink", nothing_runs_after_a_kill)
    if renames < len(_PUBLISHED):
        with pytest.raises(_Killed):
            publish_run(staging, run_dir, overwrite=True, replaces=_sha(run_dir / "model.npz"))
    else:
        publish_run(staging, run_dir, overwrite=True, replaces=_sha(run_dir / "model.npz"))
    assert done == _PUBLISHED[:renames]
    # the claim on the replaced model stays after a kill: what --resume and the next run clear
    whole = {name: data for name, data in _files(run_dir).items() if name != ".model.npz.replaced.tmp"} in (old, new)
    assert whole == (renames in (0, len(_PUBLISHED)))
    problem = mixed_run_problem(run_dir)
    assert (problem is None) == whole
    assert (mixed_run_problem(run_dir, rescoring=True) is None) == (whole or set(done) <= _EVALUATION)
    if not whole:
        way = (f"climann evaluate {run_dir}" if set(done) <= _EVALUATION
               else f"climann train --out {run_dir} --overwrite")
        assert problem.startswith(f"{run_dir} mixes two runs: its ") and way in problem


def test_a_model_put_into_a_run_by_hand_is_scored_by_evaluate_not_taken_for_a_stopped_overwrite(tmp_path):
    """verify22b F3: a model.npz copied into a run on purpose (no checkpoint, no claim of a
    replacement: nothing was publishing) was refused as 'a `climann train --overwrite` stopped',
    with retraining as the only way out; `climann evaluate RUN` (make evaluate) scored it before
    the record and does again. Until then the scores there are another model's: said, with evaluate."""
    from climann.run_files import mixed_run_problem

    run_dir, other = tmp_path / "run", tmp_path / "other"
    _recording_run(run_dir, "old")
    _recording_run(other, "mine")
    shutil.copyfile(other / "model.npz", run_dir / "model.npz")
    assert mixed_run_problem(run_dir, rescoring=True) is None
    assert mixed_run_problem(run_dir) == (
        f"{run_dir}'s model.npz is not the one its metrics.json was written for (it was replaced after the run was "
        f"written, not by climann train); score it with: climann evaluate {run_dir}, or put back the run's own model.npz")
    metrics = json.loads((run_dir / "metrics.json").read_text())  # what evaluate then writes
    (run_dir / "metrics.json").write_text(json.dumps({**metrics, "model_sha256": _sha(run_dir / "model.npz")}))
    assert mixed_run_problem(run_dir) is None  # provenance.json keeps the training's record
    (run_dir / "checkpoint.npz").write_bytes(b"")  # a retraining stopped there: a mix, as before
    assert mixed_run_problem(run_dir).startswith(f"{run_dir} mixes two runs: its provenance.json")


def test_publishing_a_new_run_renames_the_staging_directory(tmp_path):
    staging = staging_directory(tmp_path / "runs" / "new")
    (staging / "model.npz").write_text("new")
    publish_run(staging, tmp_path / "runs" / "new")
    assert _files(tmp_path / "runs") == {"new/model.npz": b"new"}


@pytest.mark.parametrize("umask", [0o022, 0o027, 0o002])
def test_staging_directories_follow_the_umask(tmp_path, umask):
    previous = os.umask(umask)
    try:
        assert current_umask() == umask
        staging = staging_directory(tmp_path / "run")
    finally:
        os.umask(previous)
    assert staging.stat().st_mode & 0o777 == 0o777 & ~umask


# --- leftovers of killed runs ---------------------------------------------------------------------------
def test_leftovers_of_dead_processes_are_removed_and_those_of_live_ones_kept(tmp_path, caplog):
    run_dir = tmp_path / "runs" / "demo"
    (run_dir / "figures").mkdir(parents=True)
    dead, alive = _dead_pid(), os.getpid()
    removed = [run_dir / f".checkpoint.npz.{dead}.ab12cd34.tmp", run_dir / "figures" / f".map_test.png.{dead}.0a0b.tmp",
               tmp_path / "runs" / f".demo.{dead}.x1y2z3w4.partial", tmp_path / "runs" / ".demo.kif3dvpz.partial"]
    kept = [run_dir / f".checkpoint.npz.{alive}.ab12cd34.tmp", tmp_path / "runs" / f".other.{dead}.x1y2z3w4.partial",
            run_dir / ".notes.txt.swp", run_dir / f".mine.{dead}.1234.tmp"]
    for path in removed + kept:
        if path.name.endswith(".partial"):
            path.mkdir()
            (path / "model.npz").write_text("half")
        else:
            path.write_text("half")
    with caplog.at_level("WARNING", logger="climann.run"):
        assert sorted(remove_leftovers(run_dir)) == sorted(removed)
    assert [path for path in removed if path.exists()] == []
    assert all(path.exists() for path in kept)
    assert [record.getMessage() for record in caplog.records] == [
        f"removed 4 temporary file(s) left by an interrupted run: .checkpoint.npz.{dead}.ab12cd34.tmp, "
        f".demo.{dead}.x1y2z3w4.partial, .demo.kif3dvpz.partial and 1 more"
    ]


# --- single output files and folders ----------------------------------------------------------------------
def test_an_existing_file_is_replaced_only_with_overwrite_and_never_an_input(tmp_path):
    import xarray as xr

    path = tmp_path / "out.nc"
    xr.Dataset({"v": ("x", [1.0])}, attrs={"source": "climann 0.1.0"}).to_netcdf(path)
    with pytest.raises(ClimannError, match="out.nc exists; choose another file or pass --overwrite"):
        refuse_existing(path, overwrite=False, what="predictions")
    refuse_existing(path, overwrite=True, what="predictions")  # climann's own output: replaced with --overwrite
    with pytest.raises(ClimannError, match="is an input of this command"):
        refuse_existing(path, overwrite=True, what="predictions", inputs=[path])
    with pytest.raises(ClimannError, match="is a directory"):
        refuse_existing(tmp_path, overwrite=True, what="predictions")


@pytest.mark.parametrize("name, content", [
    pytest.param("data.nc", None, id="a-users-netcdf"),
    pytest.param("notes.txt", b"mine", id="text"),
    pytest.param("data.nc", b"not netcdf at all", id="unreadable"),
])
def test_overwrite_never_replaces_a_file_climann_did_not_write(tmp_path, name, content):
    import xarray as xr

    path = tmp_path / name
    if content is None:
        xr.Dataset({"tas": ("x", [280.0])}, attrs={"source": "ERA5"}).to_netcdf(path)
    else:
        path.write_bytes(content)
    before = path.read_bytes()
    with pytest.raises(ClimannError, match=f"{name} was not written by climann, and --overwrite replaces only"):
        refuse_existing(path, overwrite=True, what="predictions")
    assert path.read_bytes() == before


def _predictions_of_predict(path: Path, format: str = "NETCDF4") -> None:
    import xarray as xr

    xr.Dataset({"tas_pred": ("x", [1.0])}, attrs={"source": "climann 0.1.0",
                                                  "title": "climann predictions of tas"}).to_netcdf(path, format=format)


@pytest.mark.parametrize("name, write, replaced", [
    pytest.param("pred.nc", _predictions_of_predict, True, id="earlier-predictions"),
    pytest.param("predictions.nc", _predictions_of_predict, True, id="predictions-named-as-a-runs"),
    pytest.param("pred.netcdf", _predictions_of_predict, True, id="another-extension"),
    pytest.param("pred.NC", _predictions_of_predict, True, id="upper-case"),
    pytest.param("pred", _predictions_of_predict, True, id="no-extension"),
    pytest.param("pred_classic", lambda path: _predictions_of_predict(path, "NETCDF3_CLASSIC"), True,
                 id="netcdf3-without-extension"),
    pytest.param("ev/predictions.nc", _predictions_of_predict, False, id="an-evaluate-folders-predictions"),
    pytest.param("metrics.json", write_climann_file, False, id="metrics"),
    pytest.param("report.md", write_climann_file, False, id="report"),
    pytest.param("figures/map_test.png", lambda path: write_tagged_png(path, "", marked=True), False, id="figure"),
    pytest.param("sample.nc", lambda path: write_sample_dataset(path, years=1, resolution=60.0), False, id="sample"),
])
def test_overwrite_replaces_a_file_of_the_kind_written_only(tmp_path, name, write, replaced):
    """predict writes NetCDF whatever the name it is given (verify21b F1: ``--out pred.netcdf``,
    ``pred`` or ``pred.NC`` were written, then disowned by the next ``--overwrite``): a
    prediction file is known by its first bytes and attributes, not its extension."""
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if name.startswith("ev/"):
        write_climann_file(path.parent / "metrics.json")
    write(path)
    assert written_by_climann(path)
    assert is_predict_output(path) == replaced
    if replaced:
        refuse_existing(path, overwrite=True, what="predictions", same_kind=is_predict_output, kind="predictions")
        return
    with pytest.raises(ClimannError, match=rf"^{re.escape(str(path))} is a file climann wrote, but not predictions, "
                                           r"and --overwrite replaces only those; choose another file name for the "
                                           r"predictions$"):
        refuse_existing(path, overwrite=True, what="predictions", same_kind=is_predict_output, kind="predictions")


def test_an_output_folder_refuses_its_files_unless_overwrite_and_keeps_the_rest(tmp_path):
    folder = tmp_path / "scores"
    folder.mkdir()
    (folder / "report.md").write_text("mine")
    (folder / "notes.txt").write_text("mine")
    names = ("metrics.json", "predictions.nc", "report.md")
    for overwrite in (False, True):  # a user's own report.md: --overwrite is not offered, nor obeyed
        with pytest.raises(ClimannError, match="report.md was not written by climann, .*; choose another directory"):
            prepare_output_folder(folder, names, overwrite=overwrite)
    (folder / "metrics.json").write_text(json.dumps({"target": "tas", "splits": {}}))
    with pytest.raises(ClimannError, match="already holds metrics.json; choose another directory or pass --overwrite"):
        prepare_output_folder(folder, ("metrics.json",), overwrite=False)
    assert prepare_output_folder(folder, ("metrics.json",), overwrite=True) == folder  # climann's: replaced
    with pytest.raises(ClimannError, match="would replace the input file"):
        prepare_output_folder(folder, names, overwrite=True, inputs=[folder / "predictions.nc"])
    (tmp_path / "a_file").write_text("x")
    with pytest.raises(ClimannError, match="exists and is not a directory"):
        prepare_output_folder(tmp_path / "a_file", names, overwrite=True)
    assert json.dumps(_files(folder), default=str) == json.dumps(
        {"metrics.json": json.dumps({"target": "tas", "splits": {}}).encode(), "notes.txt": b"mine",
         "report.md": b"mine"}, default=str)


def _published(path: Path, text: str) -> None:
    """Write ``path`` as climann writes every file (:func:`climann.atomic.atomic_path`)."""
    from climann.atomic import atomic_path

    with atomic_path(path) as temporary:
        temporary.write_text(text)


def test_a_failed_block_leaves_no_folder_it_created_and_none_of_its_new_files(tmp_path):
    names = ("metrics.json", "predictions.nc", "report.md")
    out = tmp_path / "runs" / "scores"
    with pytest.raises(ClimannError, match="refused"), folder_written(out, names) as folder:
        _published(folder / "predictions.nc", "written before the refusal")
        raise ClimannError("refused")
    assert not (tmp_path / "runs").exists()  # both folders it made are gone
    existing = tmp_path / "scores"
    existing.mkdir()
    (existing / "metrics.json").write_text("climann's, replaced with --overwrite")
    (existing / "notes.txt").write_text("mine")
    with pytest.raises(ClimannError), folder_written(existing, names) as folder:
        _published(folder / "metrics.json", "new")
        _published(folder / "report.md", "new")
        raise ClimannError("refused")
    assert _files(existing) == {"metrics.json": b"new", "notes.txt": b"mine"}  # only its new report.md removed


def test_a_failed_block_keeps_a_file_that_appeared_under_one_of_its_names(tmp_path):
    """A file another program put under an output's name while the output was claimed made the
    publishing fail (:func:`climann.atomic.claimed_output`); the cleanup then removed that file."""
    from climann.atomic import atomic_path, claimed_output

    names = ("metrics.json", "report.md")
    out = tmp_path / "scores"
    with pytest.raises(ClimannError, match="appeared while this command ran"):
        with claimed_output(out, overwrite=False, folder=True), folder_written(out, names) as folder:
            _published(folder / "metrics.json", "climann's")
            with atomic_path(folder / "report.md") as temporary:
                temporary.write_text("climann's")
                (folder / "report.md").write_text("a user's")
    assert _files(out) == {"report.md": b"a user's"}  # climann's own metrics.json removed, the user's file kept


def test_an_interrupted_block_keeps_what_it_wrote_and_drops_only_empty_folders(tmp_path):
    names = ("metrics.json", "predictions.nc")
    with pytest.raises(KeyboardInterrupt), folder_written(tmp_path / "a", names) as folder:
        (folder / "predictions.nc").write_text("complete")  # named as written by the interruption's line
        raise KeyboardInterrupt
    assert _files(tmp_path / "a") == {"predictions.nc": b"complete"}
    with pytest.raises(KeyboardInterrupt), folder_written(tmp_path / "b", names):
        raise KeyboardInterrupt
    assert not (tmp_path / "b").exists()


def _marked_figure(path: Path) -> None:
    import matplotlib.pyplot as plt

    from climann.evaluation.figures.style import _save

    path.parent.mkdir(parents=True, exist_ok=True)
    _save(plt.figure(figsize=(1, 1)), path, dpi=20)


#: 30 Nov 2026, 12:00 UTC: before climann marked its figures (the evening of 1 Dec 2026).
BEFORE_THE_MARK = 1796040000


def _climann_comparison(folder: Path, *, old: bool = True) -> None:
    """climann's comparison.md in ``folder``; ``old``: written before climann marked its figures."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "comparison.md").write_text("# climann comparison\n")
    if old:
        os.utime(folder / "comparison.md", (BEFORE_THE_MARK, BEFORE_THE_MARK))


def _climann_importance(folder: Path, *, old: bool = True) -> None:
    """climann's importance.json in ``folder``; ``old``: written before climann marked its figures."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "importance.json").write_text(json.dumps({"source": "climann 0.1.0 explain"}))
    if old:
        os.utime(folder / "importance.json", (BEFORE_THE_MARK, BEFORE_THE_MARK))


# An unmarked figure is a user's matplotlib figure: byte for byte what climann wrote before it marked its figures.
@pytest.mark.parametrize("figure, setup, expected", [
    pytest.param("lesson/activations.png", _marked_figure, True, id="marked-anywhere"),
    pytest.param("lesson/activations.png", None, False, id="unmarked-lesson-figure"),
    pytest.param("mine/tas_map_1995.png", None, False, id="unmarked-map-of-a-file"),
    pytest.param("run/figures/map_test.png", lambda run: _finished_run(run.parents[1]), True,
                 id="unmarked-in-an-old-run-directory"),
    pytest.param("run/figures/mine.png", lambda run: _finished_run(run.parents[1]), False,
                 id="a-users-name-in-a-run-directory"),
    pytest.param("run/figures/map_test.png", None, False, id="a-run-figure-name-outside-a-run"),
    pytest.param("cmp/comparison.png", lambda path: _climann_comparison(path.parent), True,
                 id="unmarked-beside-climanns-comparison"),
    pytest.param("cmp/comparison.png", lambda path: path.parent.mkdir() or (path.parent / "comparison.md")
                 .write_text("# my comparison\n"), False, id="unmarked-beside-a-users-comparison"),
    pytest.param("run/explain/importance_maps.png", lambda path: _climann_importance(path.parent), True,
                 id="unmarked-beside-climanns-importance"),
    pytest.param("run/explain/importance.png", lambda path: _climann_importance(path.parent, old=False), False,
                 id="unmarked-beside-climanns-importance-written-since-the-mark"),
    pytest.param("cmp/comparison.png", lambda path: _climann_comparison(path.parent, old=False), False,
                 id="unmarked-beside-climanns-comparison-written-since-the-mark"),
    pytest.param("run/figures/map_test.png", lambda run: _finished_run(run.parents[1], marked=True, figures=()), False,
                 id="unmarked-in-a-run-made-since-the-mark"),
    pytest.param("run/figures/map_test.png", lambda run: (_finished_run(run.parents[1]), run.write_text("fake")),
                 False, id="no-png-in-an-old-run-directory"),
    pytest.param("run/explain/importance.png", lambda path: (_climann_importance(path.parent),
                                                            path.write_text("fake")), False,
                 id="no-png-beside-old-climann-importance"),
    pytest.param("mine/comparison.png", lambda path: _climann_importance(path.parent), False,
                 id="beside-another-commands-file"),
])
def test_a_figure_is_climanns_by_its_mark_or_where_an_older_climann_wrote_it(tmp_path, figure, setup, expected):
    path = tmp_path / figure
    if setup is not None:
        setup(path)
    if not path.exists():
        write_user_image(path, "matplotlib")
    assert written_by_climann(path) is expected


@pytest.mark.parametrize("overwrite", [False, True])
def test_a_users_images_in_an_output_folder_are_refused_without_offering_overwrite(tmp_path, overwrite):
    folder = tmp_path / "teaching"
    names = ("activations.png", "loss_surface.png", "photo.png", "notes.txt")
    before = {name: write_user_image(folder / name, kind) for name, kind in zip(
        names, ("matplotlib", "pil", "jpeg"))}
    (folder / "notes.txt").write_text("mine")
    with pytest.raises(ClimannError) as refused:
        prepare_output_folder(folder, names[:3], overwrite=overwrite)
    assert str(refused.value) == (
        f"{folder}/photo.png was not written by climann; {folder}/activations.png, {folder}/loss_surface.png carry no "
        "climann mark (written by another program, or by a climann from before 2026-12-01, which did not mark its "
        "figures), and --overwrite replaces only climann's own outputs; choose another directory (or move those "
        "files away yourself)")
    assert {name: (folder / name).read_bytes() for name in before} == before


def test_unmarked_figures_and_other_files_are_each_refused_with_what_is_known_of_them(tmp_path):
    """A PNG without the mark may be an older climann's (it did not mark its figures): it is
    not said to be another program's; a text file that is no climann output is."""
    folder = tmp_path / "lesson"
    write_user_image(folder / "activations.png", "matplotlib")
    (folder / "notes.txt").write_text("mine")
    with pytest.raises(ClimannError) as refused:
        prepare_output_folder(folder, ["activations.png", "notes.txt"], overwrite=True)
    assert str(refused.value) == (
        f"{folder}/notes.txt was not written by climann; {folder}/activations.png carries no climann mark (written "
        "by another program, or by a climann from before 2026-12-01, which did not mark its figures), and "
        "--overwrite replaces only climann's own outputs; choose another directory (or move those files away "
        "yourself)")


@pytest.fixture
def two_runs(tmp_path):
    """Two finished-looking run directories (config.toml and model.npz) with their predictions."""
    for name in ("run", "other_run"):
        write_climann_run(tmp_path / name, name, names=("config.toml", "model.npz", "predictions.nc", "metrics.json"),
                          figures=())
    return tmp_path


@pytest.mark.parametrize("out, run_dir, message", [
    pytest.param("run/predictions.nc", None, "is the predictions.nc of the run", id="predict-into-its-run"),
    pytest.param("other_run/metrics.json", None, "is the metrics.json of the run", id="predict-into-another-run"),
    pytest.param("other_run", "run", "is another run's directory", id="evaluate-into-another-run"),
])
def test_a_runs_own_files_are_refused_as_outputs(two_runs, monkeypatch, out, run_dir, message):
    monkeypatch.chdir(two_runs)
    before = _files(two_runs)
    with pytest.raises(ClimannError, match=message):
        refuse_run_files(out, run_dir=run_dir)
    assert _files(two_runs) == before


@pytest.mark.parametrize("out, run_dir", [
    pytest.param("run/predictions_ssp585.nc", None, id="a-new-file-in-a-run"),
    pytest.param("run/ssp585", "run", id="a-new-folder-in-the-run"),
    pytest.param("run", "run", id="the-run-itself-re-evaluated"),
    pytest.param("predictions.nc", None, id="outside-any-run"),
])
def test_new_names_beside_a_runs_files_are_allowed(two_runs, monkeypatch, out, run_dir):
    monkeypatch.chdir(two_runs)
    refuse_run_files(out, run_dir=run_dir)


def test_a_link_into_a_run_is_refused_as_the_runs_own_file(two_runs, monkeypatch):
    """Written through, the link would replace the run's predictions.nc."""
    monkeypatch.chdir(two_runs)
    Path("pred.nc").symlink_to("run/predictions.nc")
    with pytest.raises(ClimannError, match=rf"^--out pred.nc is a symbolic link to {two_runs}/run/predictions.nc, the "
                                           rf"predictions.nc of the run {two_runs}/run; writing there would replace"):
        refuse_run_files("pred.nc")


# --- symbolic links as outputs: written through, never removed or replaced ------------------------------
def _train_refusal(link: Path) -> str:
    """What ``climann train --out LINK`` says of a link to nothing (the message every output
    directory's refusal must match)."""
    with pytest.raises(ClimannError) as refused:
        check_run_directory(link, overwrite=True)
    return str(refused.value)


@pytest.mark.parametrize("refuse", [
    pytest.param(lambda out: prepare_output_folder(out, ("metrics.json",), overwrite=True, create=False),
                 id="evaluate-explain"),
    pytest.param(lambda out: prepare_output_folder(out, ("comparison.md", "comparison.png"), overwrite=False),
                 id="compare-plot"),
    pytest.param(lambda out: check_output_link(out, directory=True), id="the-rule"),
])
def test_an_output_folder_that_is_a_link_to_nothing_is_refused_as_train_refuses_it(tmp_path, monkeypatch, refuse):
    """evaluate and compare --out said "cannot create directory eval_link: File exists"."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scratch").mkdir()
    Path("eval_link").symlink_to("scratch/eval_dir")
    expected = "--out eval_link is a symbolic link to scratch/eval_dir, which does not exist; create that directory " \
               "first, or choose another --out"
    assert _train_refusal(Path("eval_link")) == expected
    with pytest.raises(ClimannError) as refused:
        refuse(Path("eval_link"))
    assert str(refused.value) == expected
    assert os.readlink("eval_link") == "scratch/eval_dir" and os.listdir("scratch") == []


def test_a_folder_through_a_link_to_nothing_names_the_link(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("data").symlink_to("/nonexistent/scratch")
    with pytest.raises(ClimannError, match=r"^data is a symbolic link to /nonexistent/scratch, which does not exist; "
                                           "create that directory first, or choose another name$"):
        create_folder(Path("data/sample"))  # sample-data data/sample/sample.nc
    assert Path("data").is_symlink()


@pytest.mark.parametrize("points_to, error", [
    pytest.param("scratch/pred.nc", None, id="its-folder-exists"),
    pytest.param("scratch/old.nc", "pred.nc exists; choose another file", id="to-climanns-file"),
    pytest.param("nowhere/pred.nc", "^--out pred.nc is a symbolic link to nowhere/pred.nc, whose folder "
                                    "{tmp}/nowhere does not exist; create that folder first, or choose another --out$",
                 id="its-folder-missing"),
    pytest.param("pred.nc", "^--out pred.nc is a symbolic link to pred.nc, which leads back to itself through links "
                            r"\(a loop\); fix the link, or choose another --out$", id="a-loop"),
])
def test_an_output_file_that_is_a_link_is_checked_where_it_points(tmp_path, monkeypatch, points_to, error):
    import xarray as xr

    monkeypatch.chdir(tmp_path)
    (tmp_path / "scratch").mkdir()
    xr.Dataset({"v": ("x", [1.0])}, attrs={"source": "climann 0.1.0"}).to_netcdf("scratch/old.nc")
    Path("pred.nc").symlink_to(points_to)
    if error is None:
        refuse_existing(Path("pred.nc"), overwrite=False, what="predictions", option="--out")
    else:
        with pytest.raises(ClimannError, match=error.format(tmp=tmp_path)):
            refuse_existing(Path("pred.nc"), overwrite=False, what="predictions", option="--out")
    assert os.readlink("pred.nc") == points_to


def test_a_file_in_an_output_folder_that_is_a_link_is_written_through_and_removed_from_there_on_failure(tmp_path):
    """A file the block wrote through a link is the one removed when the block fails; the link stays."""
    folder = tmp_path / "scores"
    folder.mkdir()
    (tmp_path / "scratch").mkdir()
    (folder / "predictions.nc").symlink_to(tmp_path / "scratch" / "p.nc")
    prepare_output_folder(folder, ("predictions.nc",), overwrite=False)
    with pytest.raises(ClimannError), folder_written(folder, ("predictions.nc",)):
        from climann.atomic import atomic_path

        with atomic_path(folder / "predictions.nc") as temporary:
            temporary.write_text("complete")
        assert (tmp_path / "scratch" / "p.nc").read_text() == "complete"
        raise ClimannError("refused")
    assert (folder / "predictions.nc").is_symlink() and os.listdir(tmp_path / "scratch") == []
    (folder / "metrics.json").symlink_to(tmp_path / "gone" / "m.json")
    with pytest.raises(ClimannError, match=rf"^{folder}/metrics.json is a symbolic link to {tmp_path}/gone/m.json, "
                                           rf"whose folder {tmp_path}/gone does not exist; create that folder first"):
        prepare_output_folder(folder, ("metrics.json",), overwrite=False)


def test_signals_wait_for_the_end_of_a_deferred_block_while_other_threads_run():
    """A signal sent to the process goes to any thread that does not block it; Python then ran
    its handler in the main thread inside the block (the renames of a run directory could stop
    half done: break36b B1, a cluster run's client has its own threads). It runs after the
    block now, once, with the handler that was in place."""
    import signal
    import threading

    from climann.workflow.outputs import signals_deferred

    class Stopped(Exception):
        pass

    def handler(number, frame):
        raise Stopped(number)

    done = threading.Event()
    other = threading.Thread(target=done.wait, daemon=True)
    other.start()
    previous = signal.signal(signal.SIGTERM, handler)
    steps = []
    try:
        with pytest.raises(Stopped):
            with signals_deferred():
                os.kill(os.getpid(), signal.SIGTERM)
                for _ in range(200_000):  # many instructions at which Python runs pending handlers
                    pass
                steps.append("the block's work is done")
        assert steps == ["the block's work is done"]
        assert signal.getsignal(signal.SIGTERM) is handler
    finally:
        signal.signal(signal.SIGTERM, previous)
        done.set()
        other.join()
