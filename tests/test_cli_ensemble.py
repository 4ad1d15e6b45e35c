"""``climann train --ensemble N`` from the command line: the files, the summary, bad values."""

import json
import sys
from types import SimpleNamespace

import pytest
import xarray as xr
from typer.testing import CliRunner

from climann.cli import app, main

runner = CliRunner()


@pytest.fixture
def climann(capsys, monkeypatch):
    """Run the console script's entry point in this process: exit code, stdout, stderr."""
    def run(*arguments):
        monkeypatch.setattr(sys, "argv", ["climann", *arguments])
        with pytest.raises(SystemExit) as exited:
            main()
        out, err = capsys.readouterr()
        return SimpleNamespace(returncode=exited.value.code, stdout=out, stderr=err)

    return run


@pytest.fixture(scope="module")
def tiny_sample(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "tiny.nc"
    result = runner.invoke(app, ["sample-data", str(path), "--years", "3", "--resolution", "30"])
    assert result.exit_code == 0, result.output
    return path


def test_train_ensemble_end_to_end(tiny_sample, tmp_path, climann):
    out = tmp_path / "run"
    result = climann("train", "--data", str(tiny_sample), "--out", str(out), "--epochs", "2",
                                "--hidden", "8", "--ensemble", "2", "--seed", "3", "--set", "evaluation.dpi=40")
    assert result.returncode == 0, result.stderr
    assert {"model.npz", "model_members.npz", "predictions.nc", "metrics.json"} <= {p.name for p in out.iterdir()}
    assert (out / "figures" / "spread_test.png").is_file()
    assert (out / "figures" / "learning_curves.png").is_file()
    assert json.loads((out / "metrics.json").read_text())["ensemble"]["seeds"] == [3, 4]
    with xr.open_dataset(out / "predictions.nc") as written:
        assert "tas_spread" in written
    assert "member 1 of 2 (seed 3)" in result.stderr and "member 2 of 2 (seed 4)" in result.stderr
    log = (out / "train.log").read_text()
    assert "member 1 of 2 (seed 3)" in log and "member 2 of 2 (seed 4)" in log
    summary = [line for line in result.stdout.splitlines() if line.startswith("ensemble of 2")]
    assert len(summary) == 1 and "spread–skill ratio" in summary[0] and len(summary[0]) <= 80
    assert "spread–skill ratio" in (out / "report.md").read_text()
    assert "![spread test](figures/spread_test.png)" in (out / "report.md").read_text()
    for figure in (out / "figures").iterdir():
        figure.unlink()
    redrawn = climann("plot", str(out), "--dpi", "40")  # the spread is no baseline, and its map is redrawn
    assert redrawn.returncode == 0, redrawn.stderr
    assert (out / "figures" / "spread_test.png").is_file()
    assert "figures/spread_test.png" in (out / "report.md").read_text()


@pytest.mark.parametrize("value", [pytest.param("0", id="zero"), pytest.param("-1", id="negative"),
                                   pytest.param("x", id="not a number")])
def test_bad_ensemble_sizes_exit_2_with_one_line(tiny_sample, tmp_path, value, climann):
    result = climann("train", "--data", str(tiny_sample), "--out", str(tmp_path / "run"),
                                "--ensemble", value)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("climann: error: ") and "ensemble" in lines[0]
    assert not (tmp_path / "run").exists()
