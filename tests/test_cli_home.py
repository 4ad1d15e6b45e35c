"""A path that begins with ``~`` reaching climann unexpanded (quoted in a script, an element of a
``subprocess.run`` list, a Makefile variable): every command writes to and reads from the home
folder as the shell would have it, and leaves nothing anywhere else."""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

from climann.cli import app
from tests.console import run_main

runner = CliRunner()
QUICK = ["--epochs", "1", "--hidden", "4", "--quiet", "--set", "evaluation.figures=false"]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A tiny sample and a run trained on it, both by absolute paths."""
    folder = tmp_path_factory.mktemp("trained")
    sample = folder / "obs.nc"
    assert runner.invoke(app, ["sample-data", str(sample), "--years", "3", "--resolution", "30"]).exit_code == 0
    result = runner.invoke(app, ["train", "--data", str(sample), "--out", str(folder / "run"), *QUICK])
    assert result.exit_code == 0, result.output
    return sample, folder / "run"


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A home folder of its own and a working directory beside it; after the test, the working
    directory is still empty (no folder literally named ``~``)."""
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(work)
    yield home
    assert list(work.iterdir()) == []


def _no_hidden_files(folder: Path) -> None:
    """No temporary of climann's left (``.pred.nc.PID.HEX.tmp``, ``.run.PID.*.partial``); matplotlib
    may make its font cache in ``~/.cache``."""
    assert [path for path in folder.rglob(".*") if path.suffix in (".tmp", ".partial", ".old")] == []


def _predictions(path: Path) -> np.ndarray:
    with xr.open_dataset(path) as opened:
        return opened["tas_pred"].values


def test_predict_writes_its_file_in_the_home_folder(trained, home, capfd, monkeypatch):
    sample, run = trained
    reference = home.parent / "reference.nc"
    assert run_main("predict", run, "--data", sample, "--out", reference, capfd=capfd,
                    monkeypatch=monkeypatch).returncode == 0
    result = run_main("predict", run, "--data", sample, "--out", "~/pred.nc", capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 0, result.stderr
    assert sorted(path.name for path in home.iterdir()) == ["pred.nc"]
    np.testing.assert_array_equal(_predictions(home / "pred.nc"), _predictions(reference))


def test_data_and_run_named_from_the_home_folder_are_read(trained, home, capfd, monkeypatch):
    sample, run = trained
    (home / "obs.nc").symlink_to(sample)
    (home / "run").symlink_to(run)
    result = run_main("predict", "~/run", "--data", "~/obs.nc", "--out", home.parent / "p.nc", capfd=capfd,
                      monkeypatch=monkeypatch)
    assert result.returncode == 0, result.stderr
    assert (home.parent / "p.nc").stat().st_size > 0


def test_a_folder_literally_named_tilde_holds_the_file_and_home_stays_empty(trained, home, capfd, monkeypatch):
    sample, run = trained
    literal = Path.cwd() / "~"
    literal.mkdir()
    result = run_main("predict", run, "--data", sample, "--out", "./~/pred.nc", capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 0, result.stderr
    assert list(home.iterdir()) == []
    assert [path.name for path in literal.iterdir()] == ["pred.nc"]
    assert _predictions(literal / "pred.nc").size > 0
    (literal / "pred.nc").unlink()
    literal.rmdir()


def test_train_writes_its_run_and_records_the_data_it_read(trained, home, capfd, monkeypatch):
    sample, _ = trained
    (home / "obs.nc").symlink_to(sample)
    (home / "c.toml").write_text('[data]\npaths = ["~/obs.nc"]\n')
    result = run_main("train", "--config", "~/c.toml", "--out", "~/runs/a", *QUICK, capfd=capfd,
                      monkeypatch=monkeypatch)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"run directory: {home / 'runs' / 'a'}\n"
    assert json.loads((home / "runs" / "a" / "metrics.json").read_text())["splits"]
    # the path given, its link kept (break51a A7: advice beside the links given); provenance.json names the file read
    assert f'paths = ["{home / "obs.nc"}"]' in (home / "runs" / "a" / "config.toml").read_text()
    inputs = json.loads((home / "runs" / "a" / "provenance.json").read_text())["inputs"]
    assert [entry["path"] for entry in inputs] == [str(Path(sample).resolve())]
    _no_hidden_files(home)


def test_evaluate_and_compare_write_their_folders_in_the_home_folder(trained, home, capfd, monkeypatch):
    sample, run = trained
    evaluated = run_main("evaluate", run, "--data", sample, "--out", "~/ev", "--quiet", capfd=capfd,
                         monkeypatch=monkeypatch)
    assert evaluated.returncode == 0, evaluated.stderr
    assert {"metrics.json", "predictions.nc"} <= {path.name for path in (home / "ev").iterdir()}
    assert _predictions(home / "ev" / "predictions.nc").size > 0
    shutil.copytree(run, home.parent / "run2")
    compared = run_main("compare", run, home.parent / "run2", "--out", "~/cmp", capfd=capfd, monkeypatch=monkeypatch)
    assert compared.returncode == 0, compared.stderr
    assert (home / "cmp" / "comparison.md").stat().st_size > 0
    _no_hidden_files(home)


def test_sample_data_and_a_config_template_are_written_in_the_home_folder(home, capfd, monkeypatch):
    assert run_main("config", "init", "~/c.toml", capfd=capfd, monkeypatch=monkeypatch).returncode == 0
    made = run_main("sample-data", "~/s.nc", "--years", "1", "--resolution", "60", capfd=capfd,
                    monkeypatch=monkeypatch)
    assert made.returncode == 0, made.stderr
    assert sorted(path.name for path in home.iterdir()) == ["c.toml", "s.nc"]
    with xr.open_dataset(home / "s.nc") as sample:
        assert sample["tas"].size > 0
