"""What `climann train` prints with --quiet, by default and with --verbose, and that a run's
saved config.toml reruns to bit-identical weights from the command line."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from climann.cli import app
from climann.evaluation.negative_skill import negative_skill_text
from climann.workflow.config import build_config, load_config_file
from climann.workflow.runlog import run_inputs
from climann.model import Network

runner = CliRunner()
FAST = ["--epochs", "2", "--hidden", "4", "--set", "evaluation.figures=false"]


@pytest.fixture(scope="module")
def tiny_sample(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "tiny.nc"
    result = runner.invoke(app, ["sample-data", str(path), "--years", "3", "--resolution", "30"])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def five_years(tmp_path_factory):
    """Five years: the default split trains on more than one, so that a run warns of nothing in its data (one
    training year is warned about: climann/evaluation/climatology_years.py)."""
    path = tmp_path_factory.mktemp("data") / "five.nc"
    result = runner.invoke(app, ["sample-data", str(path), "--years", "5", "--resolution", "30"])
    assert result.exit_code == 0, result.output
    return path


def train(tiny_sample, out, *options):
    result = runner.invoke(app, ["train", "--data", str(tiny_sample), "--out", str(out), *FAST, *options])
    assert result.exit_code == 0, result.output
    return result


#: The sample's predictors but its land-only soil moisture, whose note would be a warning (break33b B2).
EVERYWHERE = ["--predictors", "rsdt,orog,sftlf,clt"]


def _worse_than_climatology(run) -> list[str]:
    """The warning that the run's network, 2 epochs of 4 units, scores worse than the climatology on the test
    block (fix38c: true of these tiny runs, whose skill is far below 0), as stderr prints it."""
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["splits"]["test"]["model"]["skill_vs_climatology"] < 0
    inputs = run_inputs(build_config(load_config_file(run / "config.toml")).data)  # fitted to the run (rerun38 N3)
    return [f"climann: warning: {negative_skill_text(metrics, **inputs)}"]


def test_default_output_is_one_line_per_epoch_then_the_scores(five_years, tmp_path):
    result = train(five_years, tmp_path / "run", *EVERYWHERE)
    lines = result.stderr.splitlines()
    assert [line.split()[:2] for line in lines[:2]] == [["epoch", "1/2"], ["epoch", "2/2"]]
    assert lines[2:] == _worse_than_climatology(tmp_path / "run")
    assert "train_loss" in lines[0] and "val_loss" in lines[0]
    assert "climatology" in result.stdout and f"run directory: {tmp_path / 'run'}" in result.stdout


def test_verbose_adds_the_data_summary_and_phase_timings(tiny_sample, tmp_path):
    result = train(tiny_sample, tmp_path / "run", "--verbose")
    err = result.stderr
    # at 30° the synthetic soil moisture (land only) is missing on 49% of tas's values: no default predictor
    assert "inputs chosen from the data: predictors rsdt, orog, sftlf, clt; features lat, season" in err
    assert "samples: train " in err and "features: rsdt, orog, sftlf, clt, lat, season_sin, season_cos" in err
    for phase in ("recording the inputs", "preparing data", "training", "evaluating", "writing the run directory"):
        assert f"{phase} …" in err and f"{phase}: " in err
    log = (tmp_path / "run" / "train.log").read_text()
    assert "samples: train " in log and log.count("epoch ") == 2


def test_quiet_prints_only_the_run_directory(five_years, tmp_path):
    result = train(five_years, tmp_path / "run", "--quiet", *EVERYWHERE)
    assert result.stderr.splitlines() == _worse_than_climatology(tmp_path / "run")  # a warning, as --quiet keeps them
    assert result.stdout == f"run directory: {tmp_path / 'run'}\n"
    assert (tmp_path / "run" / "train.log").read_text().count("epoch ") == 2  # the log is complete anyway


def test_quiet_and_verbose_exclude_each_other(tiny_sample, tmp_path):
    result = runner.invoke(app, ["train", "--data", str(tiny_sample), "--out", str(tmp_path / "run"), "-q", "-v"])
    assert result.exit_code == 2 and "--quiet and --verbose exclude each other" in result.stderr
    assert not (tmp_path / "run").exists()


def test_the_saved_config_reruns_to_bit_identical_weights(tiny_sample, tmp_path):
    first = tmp_path / "first"
    train(tiny_sample, first, "--quiet", "--seed", "3", "--set", "training.optimizer='momentum'")
    again = tmp_path / "again"
    result = runner.invoke(app, ["train", "--config", str(first / "config.toml"), "--out", str(again), "--quiet"])
    assert result.exit_code == 0, result.output
    assert (again / "config.toml").read_text() == (first / "config.toml").read_text()
    a, b = Network.load(first / "model.npz"), Network.load(again / "model.npz")
    assert len(a.weights) == 2
    for left, right in zip(a.weights + a.biases, b.weights + b.biases, strict=True):
        np.testing.assert_array_equal(left, right)


def table_lines(output):
    return [line for line in output.splitlines() if line[:1] in ("┏", "┃", "┡", "│", "├", "└")]


def test_results_table_fits_80_columns_and_wide_shows_every_column(tiny_sample, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    result = train(tiny_sample, tmp_path / "run")
    table = table_lines(result.stdout)
    assert len(table) == 3 + 12 + 2 + 1 and max(cell_len(line) for line in table) <= 80  # borders, header, 3 splits × 4 models: no row wrapped
    header = table[1]
    assert "RMSE" in header and "ACC" in header and "skill" in header and "period" not in header
    wide = runner.invoke(app, ["evaluate", str(tmp_path / "run"), "--wide"])
    assert wide.exit_code == 0, wide.output
    wide_table = table_lines(wide.stdout)
    assert [cell.strip() for cell in wide_table[1].strip("┃").split("┃")] == [
        "split", "period", "model", "MSE", "RMSE", "MAE", "bias", "R²", "corr", "ACC", "unc. ACC", "skill"]
    assert len(wide_table) == len(table) and max(cell_len(line) for line in wide_table) > 80
    quiet = runner.invoke(app, ["evaluate", str(tmp_path / "run"), "--quiet"])  # as train --quiet: no table
    assert quiet.exit_code == 0, quiet.output
    assert table_lines(quiet.stdout) == [] and quiet.stdout.strip() == f"written to {tmp_path / 'run'}"


def test_wide_prints_the_same_notes_below_its_table(tiny_sample, tmp_path, monkeypatch):
    """fix41k: ``--wide`` printed its table and nothing below it, where the table at the terminal's
    width notes what the scores cannot say (ACC n/a for the climatology, persistence's skill over
    other values). Both forms now print the same notes; only what the wide title already says
    (what skill and ACC are) and what a wide table shows (periods, every column) are not repeated."""
    monkeypatch.setenv("COLUMNS", "80")
    train(tiny_sample, tmp_path / "run", "--quiet")
    outputs = {}
    for form in ("--no-wide", "--wide"):
        result = runner.invoke(app, ["evaluate", str(tmp_path / "run"), form])
        assert result.exit_code == 0, result.output
        lines = result.stdout.splitlines()
        below = max(index for index, line in enumerate(lines) if line in table_lines(result.stdout))
        outputs[form] = [" ".join(line.split()) for line in lines[below + 1:] if not line.startswith("written to")]
    explained = ("skill = ", "ACC = ", "unc. ACC = ", "periods: ", "not shown: ")
    narrow = [line for line in outputs["--no-wide"] if not line.startswith(explained)]
    assert "ACC and unc. ACC: n/a for climatology, its anomaly is zero" in narrow
    assert outputs["--wide"] == narrow


SPINNER_PROBE = """
import os, sys
import climann.workflow.progress as progress

def probe(self, *args, **kwargs):
    heavy = [name for name in ("xarray", "dask", "matplotlib", "climann.workflow.pipeline") if name in sys.modules]
    print(f"{kwargs.get('status')}: {','.join(heavy) or 'none'}", flush=True)
    os._exit(0)

progress.RichDisplay.__init__ = probe
from climann.cli import main
sys.argv = ["climann", *sys.argv[1:]]
main()
"""


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["train", "--epochs", "1"], id="train"),
        pytest.param(["evaluate", "runs/nosuch"], id="evaluate"),
    ],
)
def test_the_spinner_turns_before_the_heavy_modules_are_imported(command, tmp_path):
    """The first line within a fraction of a second: on a terminal the spinner is drawn
    before xarray, dask, matplotlib and the pipeline are imported (seconds)."""
    env = {**os.environ, "TTY_COMPATIBLE": "1"}  # rich then draws as on a terminal
    result = subprocess.run([sys.executable, "-c", SPINNER_PROBE, *command], capture_output=True, text=True,
                            cwd=tmp_path, env=env, timeout=120)
    assert result.stdout.split(": ")[1].strip() == "none", result.stdout + result.stderr


def lines_below_the_table(stdout: str) -> list[str]:
    lines = stdout.splitlines()
    last_border = max(number for number, line in enumerate(lines) if line.startswith("└"))
    return lines[last_border + 1:]


#: How each message below the results table begins: a line beginning otherwise is a message's wrapped rest.
MESSAGES_BELOW_THE_TABLE = ("skill = ", "ACC = ", "unc. ACC = ", "ACC and unc. ACC: ", "ACC of ", "uncentred ACC of ",
                            "ACC and uncentred ACC of ", "periods: ", "not shown: ", "region: ",
                            "run directory: ",
                            "scores by season and region: ", "written to ")


@pytest.mark.parametrize("command", [pytest.param("train", id="train"), pytest.param("evaluate", id="evaluate")])
def test_each_line_below_the_results_table_is_one_message_in_a_pipe(tiny_sample, tmp_path, monkeypatch, command):
    """docs/cli.md: in a pipe or a file each message is one line (so that grep finds it). The
    notes below the table were the table's caption, wrapped at its width and padded with spaces
    ("periods: train 1980–1985, …␣␣␣" / "2015–2026 (val files), …")."""
    import json

    monkeypatch.setenv("COLUMNS", "56")  # the ACC column shown; its notes (one year per block) are longer
    run = tmp_path / "run"
    if command == "train":
        result = train(tiny_sample, run)
    else:
        train(tiny_sample, run, "--quiet")
        result = runner.invoke(app, ["evaluate", str(run)])
        assert result.exit_code == 0, result.output
    metrics = json.loads((run / "metrics.json").read_text())
    below = lines_below_the_table(result.stdout)
    assert all(line.startswith(MESSAGES_BELOW_THE_TABLE) for line in below), below
    assert all(line == line.rstrip() for line in below), below  # not padded to the table's width
    assert "ACC and unc. ACC: n/a for climatology, its anomaly is zero" in below
    # the notes of the blocks (one year of training: its truth is its climatology), not of the regions
    undefined = [line for line in below if line.startswith(("ACC of ", "uncentred ACC of "))]
    noted = {(note["score"], note["model"]) for note in metrics["score_notes"]
             if note["model"] != "climatology" and "region" not in note}
    assert noted and all(len(line) > 56 for line in undefined)
    assert {("acc_uncentred" if line.startswith("uncentred") else "acc", name) for line in undefined
            for name in line.split(" undefined ")[0].split(" of ")[1].replace(" and ", ", ").split(", ")} == noted
    periods = ", ".join(f"{split} {period}" for split, period in metrics["split_periods"].items())
    assert f"periods: {periods}" in below
    assert (f"run directory: {run}" if command == "train" else f"written to {run}") in below
