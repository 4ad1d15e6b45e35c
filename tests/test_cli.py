"""The command line: exit codes, one-line errors, and a real `climann train`."""

import glob
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from climann.data import shell
from climann import __version__
from climann.cli import app
from climann.evaluation.negative_skill import negative_skill_text
from climann.workflow.config import build_config, load_config_file
from climann.workflow.runlog import run_inputs
from tests.conftest import unwrapped_report
from tests.console import run_main
from tests.followed_twice import run_one_copy, without_guards

runner = CliRunner()
#: For the runs whose figures no test looks at (drawn after the scores, they take most of a tiny run's time).
NO_FIGURES = ["--set", "evaluation.figures=false"]
#: For runs whose figures a test only counts or finds by name (at 150 dpi they took most of the run).
LOW_DPI = ["--set", "evaluation.dpi=40"]


@pytest.fixture(scope="module")
def tiny_sample(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "tiny.nc"
    result = runner.invoke(app, ["sample-data", str(path), "--years", "3", "--resolution", "30"])
    assert result.exit_code == 0, result.output
    return path


def run_console_script(*arguments, cwd=None):
    """The real console script in a subprocess (a few tests; the others call ``run_main`` in this process)."""
    code = "from climann.cli import main; main()"
    return subprocess.run([sys.executable, "-c", code, *arguments], capture_output=True, text=True, cwd=cwd)


def test_version_and_help():
    assert runner.invoke(app, ["--version"]).output.strip() == f"climann {__version__}"
    help_text = runner.invoke(app, ["--help"]).output
    assert "train" in help_text and "sample-data" in help_text


def test_train_end_to_end_writes_a_run_directory(tiny_sample, tmp_path):
    out = tmp_path / "run"
    result = runner.invoke(
        app, ["train", "--data", str(tiny_sample), "--out", str(out), "--epochs", "2", "--hidden", "8", "--quiet", *LOW_DPI]
    )
    assert result.exit_code == 0, result.output
    metrics = json.loads((out / "metrics.json").read_text())
    assert set(metrics["splits"]) == {"train", "val", "test"}
    # --quiet: nothing else but the land-only soil moisture left out of the predictors (missing on more than 5 %
    # of tas's values: break33b B2), the warning of a climatology from one training year (3 sample years), and
    # that the network, 2 epochs of 8 units, scores worse than that climatology on the test block (fix38c)
    (few_years,) = [note["reason"] for note in metrics["notes"] if "values_per_key" in note]
    assert metrics["splits"]["test"]["model"]["mse"] > metrics["splits"]["test"]["climatology"]["mse"]
    left_out, *rest = result.output.splitlines()
    assert left_out.startswith("climann: warning: left out of the default predictors: mrso (")
    # fitted to the run's inputs as its config.toml records them (rerun38 N3: rsdt, orog, not "no predictor")
    inputs = run_inputs(build_config(load_config_file(out / "config.toml")).data)
    assert inputs["predictors"] and "no predictor" not in negative_skill_text(metrics, **inputs)
    assert rest == [f"climann: warning: {few_years}", f"climann: warning: {negative_skill_text(metrics, **inputs)}",
                    f"run directory: {out}"]
    assert "hidden = [8]" in (out / "config.toml").read_text()
    for figure in (out / "figures").iterdir():
        figure.unlink()
    redrawn = runner.invoke(app, ["plot", str(out), "--dpi", "40"])
    assert redrawn.exit_code == 0, redrawn.output
    assert {p.name for p in (out / "figures").iterdir()} == {
        "map_test.png", "map_test_mean.png", "error_maps_test.png", "learning_curves.png",
        "predicted_vs_observed_test.png", "area_mean_series.png", "anomaly_correlation_test.png",
        "skill_by_season_region_test.png",
    }


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        pytest.param(["--data", "/nonexistent/file.nc"], "no file matches '/nonexistent/file.nc'", id="missing-file"),
        pytest.param(["--target", "tass"], "variable 'tass' not in tiny.nc; available: .*did you mean 'tas'", id="missing-variable"),
        pytest.param(["--config", "/nonexistent/climann.toml"], "config file not found", id="missing-config"),
        pytest.param(["--epochs", "0"], "epochs must be ≥ 1", id="bad-value"),
        pytest.param(["--activation", "relux"], "relux", id="bad-activation"),
        pytest.param(["--set", "evaluation.climatology_window_days=60"],
                     r"climatology_window_days must be an odd number of days from 1 to 359 .*got 60: e\.g\. 61",
                     id="even-climatology-window"),
    ],
)
def test_user_errors_exit_2_with_one_line(tiny_sample, tmp_path, capfd, monkeypatch, arguments, message):
    if "--data" not in arguments:
        arguments = ["--data", str(tiny_sample), *arguments]
    result = run_main("train", "--out", str(tmp_path / "run"), "--quiet", *arguments, capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert lines[0].startswith("climann: error: ")
    assert re.search(message, lines[0]), lines[0]
    assert not (tmp_path / "run").exists()


class _Killed(BaseException):
    """SIGKILL between two renames: nothing catches it, nothing after it runs."""


def _killed_while_replacing(monkeypatch, *, stop) -> None:
    """Publishing a run stops (as if killed) before the first rename whose target ``stop`` takes."""
    import os

    import climann.workflow.outputs as outputs

    def rename(source, target):
        if stop(target):
            raise _Killed
        os.replace(source, target)

    monkeypatch.setattr(outputs, "_rename", rename)


def _replaced_in_part_training(tiny_sample) -> list[str]:
    return ["train", "--data", str(tiny_sample), "--epochs", "1", "--hidden", "4", "--quiet", *NO_FIGURES]


@pytest.fixture(scope="module")
def two_finished_runs(tiny_sample, tmp_path_factory):
    """Two runs of the same training (each test copies them: both of its cases began by training them).
    The second is a copy of the first: the same training with the same seed writes the same weights, and
    each test copies both into a folder of its own anyway (one tiny training the less).
    :func:`test_predict_takes_a_period_of_the_new_data` predicts from a copy of the first."""
    import shutil

    folder = tmp_path_factory.mktemp("two_runs")
    result = runner.invoke(app, [*_replaced_in_part_training(tiny_sample), "--out", str(folder / "run")])
    assert result.exit_code == 0, result.output
    shutil.copytree(folder / "run", folder / "other")
    return folder


@pytest.mark.parametrize("stop, mended", [
    pytest.param(lambda target: target.name != "metrics.json", True, id="killed-after-metrics-json"),
    pytest.param(lambda target: target.name == "model.npz", False, id="killed-before-model-npz"),
])
def test_a_run_replaced_in_part_is_refused_by_every_command_that_reads_it(tiny_sample, two_finished_runs, tmp_path,
                                                                        capfd, monkeypatch, stop, mended):
    """F5: the old model.npz beside the new metrics.json was read by evaluate, predict, plot,
    explain and compare without a word. Each refuses in one line naming the way out; while
    only the evaluation is newer than the model, `climann evaluate RUN` re-scores it and mends it,
    and the retraining's checkpoint, removed last, lets `climann train --resume RUN` finish it."""
    import shutil

    run, other = tmp_path / "run", tmp_path / "other"
    train = _replaced_in_part_training(tiny_sample)
    for out in (run, other):
        shutil.copytree(two_finished_runs / out.name, out)
    with monkeypatch.context() as patched:
        _killed_while_replacing(patched, stop=stop)
        with pytest.raises(_Killed):
            run_main(*train, "--seed", "1", "--out", run, "--overwrite", capfd=capfd, monkeypatch=monkeypatch)
    commands = [("predict", run, "--data", tiny_sample, "--out", tmp_path / "p.nc"), ("plot", run, "--dpi", "40"),
                ("explain", run, "--repeats", "1"), ("compare", other, run)]
    way = f"climann evaluate {run}" if mended else f"climann train --resume {run}"  # its checkpoint is there
    for command in [*commands, *([] if mended else [("evaluate", run)])]:
        result = run_main(*command, capfd=capfd, monkeypatch=monkeypatch)
        assert result.returncode == 2, (command, result.stderr)
        assert re.fullmatch(f"climann: error: {run} mixes two runs: its .*{way}.*\n", result.stderr), result.stderr
    mend = ("evaluate", run) if mended else ("train", "--resume", run, "--quiet")
    assert run_main(*mend, capfd=capfd, monkeypatch=monkeypatch).returncode == 0
    for command in commands:
        assert run_main(*command, capfd=capfd, monkeypatch=monkeypatch).returncode == 0, command


def test_predict_takes_a_period_of_the_new_data(tiny_sample, two_finished_runs, tmp_path, capfd, monkeypatch):
    """Of a copy of :func:`two_finished_runs`' run: the tiny training this test ran itself, the
    same options (train --epochs 1 --hidden 4 --quiet, no figures) and seed."""
    import shutil

    import xarray as xr

    run = tmp_path / "run"
    shutil.copytree(two_finished_runs / "run", run)
    with xr.open_dataset(tiny_sample, decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)) as sample:
        middle_year = sample["time"].values[12].year
    out = tmp_path / "p.nc"
    predicted = runner.invoke(app, ["predict", str(run), "--data", str(tiny_sample), "--out", str(out),
                                    "--time-range", f"{middle_year},{middle_year}"])
    assert predicted.exit_code == 0, predicted.output
    with xr.open_dataset(out, decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)) as predictions:
        assert [time.year for time in predictions["time"].values] == [middle_year] * 12
    result = run_main("evaluate", str(run), "--data", str(tiny_sample), "--out", str(tmp_path / "scored"),
                      "--time-range", str(middle_year), capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 2 and result.stderr.strip() == (
        f"climann: error: --time-range takes FIRST,LAST (two dates YYYY[-MM[-DD[THH[:MM]]]]), got {middle_year}")


def test_an_unknown_option_is_a_one_line_usage_error():
    result = run_console_script("train", "--epoks", "3")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("climann: error: No such option: --epoks")


@pytest.mark.parametrize(("arguments", "hint"), [
    pytest.param(("train", "--no-progress"), "; train --quiet (-q) leaves out the progress and the results table",
                 id="train-no-progress"),
    pytest.param(("sweep", "sweep.toml", "--no-progress-bar"), "; sweep --quiet (-q) leaves out the training progress and the "
                 "table", id="sweep-no-progress-bar"),
    pytest.param(("evaluate", "runs/x", "--no-progress"), "; evaluate --quiet (-q) leaves out the spinner and the "
                 "results table", id="evaluate-no-progress"),
    pytest.param(("predict", "--no-progress"), "", id="predict-has-no-quiet"),
])
def test_an_option_spelled_as_other_tools_do_names_quiet(arguments, hint):
    result = run_console_script(*arguments)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1
    assert lines[0] == f"climann: error: No such option: {arguments[-1]}{hint}"


def test_a_glob_the_shell_expanded_after_data_is_told_to_be_quoted(tmp_path, capfd, monkeypatch):
    """`--data data/*.nc` unquoted reaches climann as several words (the files it matched);
    typer's own message named only the extra words."""
    monkeypatch.chdir(tmp_path)
    for name in ("a.nc", "b.nc", "c.nc"):
        (tmp_path / name).touch()
    result = run_main("train", "--data", "a.nc", "b.nc", "c.nc", "--target", "tas", "--out", str(tmp_path / "run"),
                      capfd=capfd, monkeypatch=monkeypatch)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1
    assert lines[0].startswith("climann: error: Got unexpected extra argument")  # click's own words
    assert lines[0].endswith("(b.nc c.nc); --data takes one file or glob each: quote the glob so that climann expands "
                             "it (--data 'data/*.nc') or repeat the option (--data a.nc --data b.nc)")
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("stray", [pytest.param([], id="two-globs"), pytest.param(["nosuch*"], id="and-a-stray-word")])
def test_two_quoted_globs_after_one_data_are_told_to_repeat_the_option(tmp_path, capfd, monkeypatch, stray):
    """`--data 'obs/*.nc' 'regridded/*.nc4'`: told to quote the two together, the one glob matched
    nothing (break46c A2); the advice repeats --data, and its values take every file."""
    monkeypatch.chdir(tmp_path)
    for name in ("obs/a.nc", "obs/b.nc", "regridded/c.nc4"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).touch()
    result = run_main("train", "--data", "obs/*.nc", "regridded/*.nc4", *stray, "--target", "tas", "--out",
                      str(tmp_path / "run"), capfd=capfd, monkeypatch=monkeypatch)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1
    assert "--data 'obs/*.nc' --data 'regridded/*.nc4'" in lines[0], lines[0]
    assert "must be quoted" not in lines[0]
    advised = shlex.split(lines[0].split("repeat it")[1].split(";")[0].strip(" ,()"))
    assert advised[0::2] == ["--data", "--data"]
    assert sorted(path for pattern in advised[1::2] for path in glob.glob(pattern)) == [
        "obs/a.nc", "obs/b.nc", "regridded/c.nc4"]
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize(
    ("arguments", "hint"),
    [
        pytest.param(["--select", "plev=500", "hPa"],
                     "(hPa); 'hPa' follows --select plev=500: a value with a space must be quoted so that the shell "
                     "passes it as one word (--select 'plev=500 hPa'); otherwise remove 'hPa'", id="select-unquoted"),
        pytest.param(["--select=plev=500", "hPa"],
                     "(hPa); 'hPa' follows --select plev=500: a value with a space must be quoted so that the shell "
                     "passes it as one word (--select 'plev=500 hPa'); otherwise remove 'hPa'", id="select-equals"),
        pytest.param(["--out", "r_x", "extra"],
                     "(extra); 'extra' follows --out r_x: a value with a space must be quoted so that the shell "
                     "passes it as one word (--out 'r_x extra'); otherwise remove 'extra'", id="stray-after-out"),
        pytest.param(["--wide", "extra"],
                     "(extra); 'extra' is neither an option nor its value: remove it, or quote the value it belongs "
                     "to if it holds a space, so that the shell passes it as one word (--select 'plev=500 hPa')",
                     id="stray-after-a-flag"),
        pytest.param(["b.nc", "extra"],
                     "(b.nc extra); 'extra' is neither an option nor its value: remove it, or quote the value it "
                     "belongs to if it holds a space, so that the shell passes it as one word "
                     "(--select 'plev=500 hPa')", id="a-file-and-a-stray-word"),
    ],
)
def test_a_stray_word_is_named_not_blamed_on_the_data_glob(tmp_path, capfd, monkeypatch, arguments, hint):
    """A word that is no file is not a glob the shell expanded: the glob advice misled
    (`--select plev=500 hPa` unquoted was told to quote --data's glob)."""
    monkeypatch.chdir(tmp_path)
    for name in ("a.nc", "b.nc"):
        (tmp_path / name).touch()
    result = run_main("train", "--data", "a.nc", "--target", "ta", *arguments, capfd=capfd, monkeypatch=monkeypatch)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1
    assert lines[0].startswith("climann: error: Got unexpected extra argument")
    assert lines[0].endswith(hint), lines[0]
    assert "glob" not in lines[0]
    assert not (tmp_path / "r_x").exists()


def test_sample_data_bad_arguments_exit_2(tmp_path):
    result = run_console_script("sample-data", str(tmp_path / "x.nc"), "--resolution", "7")
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.nc").exists()


def test_sample_data_overwrite_replaces_a_sample_never_another_output_of_climann(tiny_sample, tmp_path, capfd,
                                                                              monkeypatch):
    from tests.conftest import write_climann_file

    sample = tmp_path / "sample.nc"
    sample.write_bytes(tiny_sample.read_bytes())
    replaced = run_main("sample-data", sample, "--years", "1", "--resolution", "60", "--overwrite", capfd=capfd,
                        monkeypatch=monkeypatch)
    assert replaced.returncode == 0, replaced.stderr
    assert sample.read_bytes() != tiny_sample.read_bytes()
    predictions = tmp_path / "predictions.nc"
    before = write_climann_file(predictions)
    refused = run_main("sample-data", predictions, "--overwrite", capfd=capfd, monkeypatch=monkeypatch)
    assert refused.returncode == 2 and refused.stderr == (
        f"climann: error: {predictions} is a file climann wrote, but not a sample dataset of `climann sample-data`, "
        "and --overwrite replaces only those; choose another file name for the sample dataset\n")
    assert predictions.read_bytes() == before


def test_data_options_reach_the_resolved_config(tiny_sample, tmp_path):
    out = tmp_path / "run"
    result = runner.invoke(app, [
        "train", "--data", str(tiny_sample), "--out", str(out), "--epochs", "1", "--hidden", "4", "--quiet",
        "--region", "-60,60,300,60", "--seasons", "DJF,JJA", "--lags", "tas=1", "--global-means", "rsdt",
        "--select", "height=2", "--sample-fraction", "0.5", "--regional-means", "clt=-30,30,150,-150",
        *NO_FIGURES,
    ])
    assert result.exit_code == 0, result.output
    config = (out / "config.toml").read_text()
    for line in ('region = [-60.0, 60.0, 300.0, 60.0]', 'seasons = ["DJF", "JJA"]', 'lags = {"tas" = [1]}',
                 'global_means = ["rsdt"]', 'select = {"height" = 2}', "sample_fraction = 0.5",
                 'split_years = {"train" = ', 'regional_means = {"clt" = [-30.0, 30.0, 150.0, -150.0]}'):
        assert line in config, line
    import xarray as xr
    with xr.open_dataset(out / "predictions.nc") as predictions:
        months = {t.month for t in predictions["time"].values}
        assert months == {12, 1, 2, 6, 7, 8}
        assert predictions["lat"].values.max() <= 60 and predictions["lat"].values.min() >= -60
    assert set(json.loads((out / "metrics.json").read_text())["n_samples"]) == {"train", "val", "test"}
    from climann.model import Network
    features = Network.load(out / "model.npz").metadata["features"]
    assert {"rsdt_global_mean", "clt_mean_30S-30N_150E-150W"} <= set(features)


@pytest.fixture(scope="module")
def sample_years(tiny_sample, tmp_path_factory):
    """The tiny sample's three years, one file each (a file per year, as downloads come)."""
    import xarray as xr

    folder = tmp_path_factory.mktemp("years")
    with xr.open_dataset(tiny_sample) as sample:
        paths = []
        for index in range(3):
            path = folder / f"tiny_year{index + 1}.nc"
            sample.isel(time=slice(12 * index, 12 * index + 12)).to_netcdf(path)
            paths.append(path)
    return paths


def test_split_files_option_trains_on_one_file_and_tests_on_another(sample_years, tmp_path):
    out = tmp_path / "by-dataset"
    result = runner.invoke(app, [
        "train", "--split-files", f"train={sample_years[0]}", "--split-files", f"val={sample_years[1]}",
        "--split-files", f"test={sample_years[2]}", "--out", str(out), "--epochs", "1", "--hidden", "4", "--quiet",
        *NO_FIGURES,
    ])
    assert result.exit_code == 0, result.output
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["split_periods"]["test"].endswith("(test files)")
    assert metrics["n_samples"]["train"] == metrics["n_samples"]["test"]  # a year of the same cells in each block


@pytest.mark.parametrize("equals", [pytest.param(False, id="option-then-value"), pytest.param(True, id="option=value")])
def test_split_files_given_one_option_several_blocks_is_told_to_repeat_it_and_that_runs(
        sample_years, tmp_path, capfd, monkeypatch, equals):
    """rerun42 N4: ``--split-files train=A val=B test=C`` was told to quote the blocks as one word, which is
    refused in turn ("no files for val, test"); the advice is the option repeated, one block each, built from the
    user's own words, and run as printed it trains."""
    blocks = [f"{name}={path}" for name, path in zip(("train", "val", "test"), sample_years)]
    first = [f"--split-files={blocks[0]}"] if equals else ["--split-files", blocks[0]]
    result = run_main("train", *first, *blocks[1:], "--out", str(tmp_path / "run"), capfd=capfd,
                      monkeypatch=monkeypatch)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1 and not (tmp_path / "run").exists()
    repeated = " ".join(f"--split-files {block}" for block in blocks)
    assert lines[0].endswith(f"({' '.join(blocks[1:])}); --split-files takes one KEY=VALUE each (the shell gave "
                             f"{' '.join(blocks[1:])} to no option): repeat it, {repeated}"), lines[0]
    advised = shlex.split(lines[0].rpartition("repeat it, ")[2])
    out = tmp_path / "advised"
    result = run_main("train", *advised, "--out", str(out), "--epochs", "1", "--hidden", "4", "--quiet", *NO_FIGURES,
                      capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 0, result.stderr
    assert json.loads((out / "metrics.json").read_text())["split_periods"]["test"].endswith("(test files)")


def test_select_given_one_option_two_dimensions_is_told_to_repeat_it(tmp_path, capfd, monkeypatch):
    """rerun42 N4's kind: ``--select number=2 plev=500`` quoted is one value of number ("2 plev=500")."""
    monkeypatch.chdir(tmp_path)
    result = run_main("train", "--data", "a.nc", "--select", "number=2", "plev=500", capfd=capfd,
                      monkeypatch=monkeypatch)
    assert result.returncode == 2
    assert result.stderr.strip().endswith("(plev=500); --select takes one KEY=VALUE each (the shell gave plev=500 to "
                                          "no option): repeat it, --select number=2 --select plev=500")


def _calendar_blocks(folder, calendars):
    """Monthly train (2000-2001, ERA5's hours since 1900), val (2002) and test (2003) files, each block in its
    calendar (the CMIP blocks in days since 1850), and the data written."""
    import cftime

    from tests.conftest import grid_dataset

    full = grid_dataset(n_years=4)[["tas", "pred"]]
    blocks = {"train": (0, 24), "val": (24, 36), "test": (36, 48)}
    arguments = []
    for (name, (start, stop)), calendar in zip(blocks.items(), calendars):
        block = full.isel(time=slice(start, stop))
        block = block.assign_coords(time=[cftime.datetime(t.year, t.month, 15, calendar=calendar)
                                          for t in block["time"].values])
        units = "hours since 1900-01-01" if name == "train" else "days since 1850-01-01"
        block.to_netcdf(folder / f"{name}.nc", encoding={"time": {"units": units, "calendar": calendar}})
        arguments += ["--split-files", f"{name}={folder / f'{name}.nc'}"]
    return full, arguments


def test_split_files_of_era5_in_proleptic_gregorian_and_cmip_in_standard_train_in_one_calendar(
        tmp_path, capfd, monkeypatch):
    """ERA5 (proleptic_gregorian) for training, CMIP (standard) for val and test: it trained, then failed writing
    predictions.nc with an unexpected TypeError, a lone checkpoint.npz left (break15 F8). The calendars agree
    after 1582: one time axis in the train block's calendar, each date as its file says."""
    import datetime

    import netCDF4

    full, blocks = _calendar_blocks(tmp_path, ("proleptic_gregorian", "standard", "standard"))
    out = tmp_path / "run"
    result = run_main("train", *blocks, "--target", "tas", "--predictors", "pred", "--epochs", "1", "--hidden", "4",
                      "--out", str(out), "--quiet", *NO_FIGURES, capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 0, result.stderr
    for name in ("val", "test"):  # the same dates in either calendar: the run log says so, the terminal not
        line = (f"{name}.nc ({name}) uses the standard calendar and train.nc (train) the proleptic_gregorian calendar, "
                "which agree from 1582-10-15 on: its dates are read in the proleptic_gregorian calendar")
        assert line in (out / "train.log").read_text() and line not in result.stderr
    with netCDF4.Dataset(out / "predictions.nc") as raw:
        assert (raw["time"].units, raw["time"].calendar) == ("hours since 1900-01-01", "proleptic_gregorian")
        # Python's datetime is the proleptic Gregorian calendar: hours since 1900-01-01 by hand
        expected = [(datetime.datetime(2000 + k // 12, k % 12 + 1, 15) - datetime.datetime(1900, 1, 1)).days * 24
                    for k in range(48)]
        np.testing.assert_array_equal(raw["time"][:], expected)
        assert expected[36] == 903_216  # 2003-01-15: 103 years of 365 days, 25 leap days (1904…2000) and 14 days
        np.testing.assert_array_equal(raw["split"][:], [1] * 24 + [2] * 12 + [3] * 12)
        # the climatology baseline of each val and test month: the mean of that month's two training years
        train = full["tas"].values[:24].astype(np.float64)
        by_month = (train[:12] + train[12:]) / 2
        np.testing.assert_allclose(raw["tas_climatology"][24:], np.concatenate([by_month, by_month]), rtol=1e-6)
        np.testing.assert_array_equal(raw["tas"][:], full["tas"].values)


def test_split_files_of_observations_in_standard_and_a_model_in_noleap_exit_2_before_writing(
        tmp_path, capfd, monkeypatch):
    """Observations (standard) for training, a model (noleap) for testing: an unexpected TypeError (break15 F7)."""
    _, blocks = _calendar_blocks(tmp_path, ("standard", "noleap", "noleap"))
    out = tmp_path / "run"
    result = run_main("train", *blocks, "--target", "tas", "--predictors", "pred", "--epochs", "1",
                      "--out", str(out), capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [
        "climann: error: the split blocks are in different calendars: train.nc (train) standard, val.nc (val) noleap, "
        "test.nc (test) noleap; predictions.nc has one time axis in one calendar and the climatology is the train "
        "block's, per calendar month or day of its year: convert the val and test blocks' files to the standard "
        "calendar first (xarray's Dataset.convert_calendar('standard'), after dropping their time bounds, which it "
        "does not convert, or cdo setcalendar,standard when their dates are all valid standard dates)"]
    assert not out.exists()


@pytest.mark.parametrize("data", [
    pytest.param("tiny_year*.nc", id="glob-matching-the-blocks-files"),
    pytest.param("tiny_year3.nc", id="the-test-file"),
])
def test_data_that_a_block_of_split_files_also_reads_exit_2(sample_years, tmp_path, capfd, monkeypatch, data):
    """--data is shared by every block: a glob that matches the blocks' files put the test year
    into train, val and test (identical scores, exit 0)."""
    blocks = [f"{block}={path}" for block, path in zip(("train", "val", "test"), sample_years)]
    result = run_main("train", "--data", str(sample_years[0].parent / data), *(f"--split-files={b}" for b in blocks),
                      "--out", str(tmp_path / "run"), "--quiet", capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 2, result.stderr
    assert re.fullmatch(r"climann: error: tiny_year\d.nc is in \[data\] paths \(--data\), which every block of "
                        r"split_files reads, and in the (train|test) block of split_files: .*", result.stderr.splitlines()[0])
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        pytest.param(["--region", "70,80,0,10"], "contains no grid cell", id="empty-region"),
        pytest.param(["--time-range", "1900,1901"], "time selection .* is empty", id="empty-time"),
        pytest.param(["--select", "plev=850"], "no dimension 'plev'", id="select-missing-dim"),
        pytest.param(["--lags", "tas"], "not of the form KEY=VALUE", id="lags-form"),
        pytest.param(["--anomalies", "tas"], "anomalies: the target 'tas' at the same time step", id="target-anomaly"),
        pytest.param(["--mode", "field", "--sample-fraction", "0.5"], "sample_fraction applies to mode",
                     id="field-sample-fraction"),
        pytest.param(["--mode", "field", "--lags", "clt=1", "--workers", "2"], "a dask cluster .* needs",
                     id="field-cluster"),
        pytest.param(["--regional-means", "tas=0,10,20"], r"regional_means.tas must be \[south", id="regional-box"),
        pytest.param(["--split-files", "train=x.nc"], "split_files must give files for each block", id="split-files-blocks"),
        pytest.param(["--split-files", "train=/nonexistent/*.nc", "--split-files", "val=a.nc", "--split-files", "test=b.nc"],
                     "no file matches '/nonexistent/", id="split-files-no-match"),
    ],
)
def test_bad_data_options_exit_2(tiny_sample, tmp_path, capfd, monkeypatch, arguments, message):
    result = run_main("train", "--data", str(tiny_sample), "--out", str(tmp_path / "run"), "--quiet", *arguments,
                      capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 2, result.stderr
    assert re.search(message, result.stderr) and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "run").exists()


def test_info_describes_a_file_and_its_errors_exit_2(tiny_sample, capfd, monkeypatch):
    result = runner.invoke(app, ["info", str(tiny_sample)])
    assert result.exit_code == 0, result.output
    report = unwrapped_report(result.output)
    assert "tas" in report and "calendar noleap" in report and "[data]" in report
    missing = run_main("info", "/nonexistent/*.nc", capfd=capfd, monkeypatch=monkeypatch)
    assert missing.returncode == 2 and missing.stderr.strip() == "climann: error: no file matches '/nonexistent/*.nc'"


def test_plot_lesson_writes_the_lesson_figures(tmp_path):
    out = tmp_path / "lesson"
    result = runner.invoke(app, ["plot", "lesson", "--out", str(out), "--dpi", "30"])
    assert result.exit_code == 0, result.output
    names = ["activations.png", "gradient_descent.png", "learning_rates.png", "loss_surface.png"]
    assert result.output.splitlines() == [f"figure: {out / name}" for name in names]
    assert sorted(p.name for p in out.iterdir()) == names


def test_plot_help_shows_both_uses():
    help_text = runner.invoke(app, ["plot", "--help"]).output
    assert "climann plot runs/demo" in help_text and "climann plot lesson --out" in help_text
    assert "climann plot ssp585_tas.nc --time 2050-07 --out maps" in help_text


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        pytest.param(["lesson"], "climann plot lesson needs --out DIR", id="lesson-without-out"),
        pytest.param(["lesson", "--out", "a_file.txt"], "a_file.txt exists and is not a directory", id="out-is-a-file"),
        pytest.param(["some_run", "--out", "figures"], "--out is only for `climann plot lesson`", id="out-with-a-run"),
        pytest.param(["./lesson"], "lesson/predictions.nc not found", id="a-run-directory-named-lesson"),
    ],
)
def test_plot_errors_exit_2_with_one_line(tmp_path, capfd, monkeypatch, arguments, message):
    (tmp_path / "a_file.txt").write_text("not a folder")
    monkeypatch.chdir(tmp_path)
    result = run_main("plot", *arguments, capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("climann: error: ") and message in lines[0], lines
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file.txt"]


# --- curvilinear and rotated-pole grids -------------------------------------------------------------
def test_a_curvilinear_ocean_file_trains_end_to_end(tmp_path):
    """The shared curvilinear case: y/x index dims with 2-D nav_lat/nav_lon."""
    import netCDF4
    import numpy as np

    from tests.grid_files import curvilinear_coordinates, write_curvilinear

    data, out = write_curvilinear(tmp_path / "tos.nc"), tmp_path / "run"
    result = runner.invoke(app, ["train", "--data", str(data), "--target", "tos", "--predictors", "", "--features",
                                 "lat,season", "--epochs", "2", "--hidden", "4", "--out", str(out), "--quiet", *LOW_DPI])
    assert result.exit_code == 0, result.output
    with netCDF4.Dataset(out / "predictions.nc") as raw:
        assert raw["tos_pred"].dimensions == ("time", "y", "x")
        assert set(raw["tos_pred"].coordinates.split()) == {"nav_lat", "nav_lon"}
        np.testing.assert_allclose(raw["nav_lat"][:], curvilinear_coordinates()[0])
        assert np.isfinite(raw["tos_pred"][:]).all()
    assert len(list((out / "figures").glob("*.png"))) == 8  # with the ACC map and the skill by season and region


def test_a_rotated_file_with_a_region_trains_on_the_cells_inside_only(tmp_path):
    import netCDF4
    import numpy as np

    from tests.grid_files import write_rotated

    data, out = write_rotated(tmp_path / "rotated.nc", n_time=36), tmp_path / "run"
    result = runner.invoke(app, ["train", "--data", str(data), "--target", "tas", "--predictors", "", "--features",
                                 "lat,lon,season", "--region", "45,55,0,20", "--epochs", "2", "--hidden", "4",
                                 "--out", str(out), "--quiet", *NO_FIGURES])
    assert result.exit_code == 0, result.output
    with netCDF4.Dataset(out / "predictions.nc") as raw:
        lat, lon, predicted = raw["lat"][:], raw["lon"][:], raw["tas_pred"][:].filled(np.nan)
        inside = (lat >= 45) & (lat <= 55) & (lon >= 0) & (lon <= 20)
        assert 0 < inside.sum() < inside.size
        assert (np.isfinite(predicted) == inside[None]).all()
        assert raw["tas_pred"].grid_mapping == "rotated_pole" and "rotated_pole" in raw.variables


def test_wrf_output_with_xlat_repeated_in_time_trains_exactly_as_with_2d_xlat(tmp_path):
    """The shared wrf case: XLAT/XLONG on (Time, south_north, west_east) against the same file with
    them 2-D (the control, which trained before): the same metrics and predictions, to the bit."""
    import netCDF4
    import numpy as np

    from tests.grid_files import wrf_coordinates, write_wrf

    runs = {}
    for name, repeated in (("repeated", True), ("control", False)):
        data, runs[name] = write_wrf(tmp_path / f"{name}.nc", repeated=repeated), tmp_path / f"run_{name}"
        result = runner.invoke(app, ["train", "--data", str(data), "--target", "T2", "--region", "35,50,-100,-85",
                                     "--epochs", "3", "--hidden", "4", "--out", str(runs[name]), "--quiet",
                                     *NO_FIGURES])
        assert result.exit_code == 0, result.output
    # model_sha256 names each run's own model.npz, whose metadata records each file's grid as read
    metrics = [{key: value for key, value in json.loads((run / "metrics.json").read_text()).items()
                if key != "model_sha256"} for run in runs.values()]
    assert metrics[0] == metrics[1] and metrics[0]
    with netCDF4.Dataset(runs["repeated"] / "predictions.nc") as raw, \
            netCDF4.Dataset(runs["control"] / "predictions.nc") as control:
        assert raw["T2_pred"].dimensions == ("XTIME", "south_north", "west_east")
        assert set(raw["T2_pred"].coordinates.split()) == {"XLAT", "XLONG"}
        np.testing.assert_array_equal(raw["T2_pred"][:].filled(np.nan), control["T2_pred"][:].filled(np.nan))
        # the region by the true latitude and longitude: the rows and columns holding cells inside
        latitude, longitude = (values.astype(np.float32) for values in wrf_coordinates())
        inside = (latitude >= 35) & (latitude <= 50) & (longitude >= -100) & (longitude <= -85)
        rows, columns = np.flatnonzero(inside.any(axis=1)), np.flatnonzero(inside.any(axis=0))
        assert 0 < inside.sum() < inside.size and len(rows) < 5 and len(columns) < 6
        np.testing.assert_array_equal(raw["XLAT"][:], latitude[np.ix_(rows, columns)])
        np.testing.assert_array_equal(raw["XLONG"][:], longitude[np.ix_(rows, columns)])
        assert (np.isfinite(raw["T2_pred"][:].filled(np.nan)) == inside[np.ix_(rows, columns)][None]).all()
        assert "Times" not in raw.variables


def test_a_wrf_moving_nest_is_refused_in_one_line(tmp_path, capfd, monkeypatch):
    from tests.grid_files import write_wrf

    data = write_wrf(tmp_path / "nest.nc", moved_from=4)
    result = run_main("train", "--data", data, "--target", "T2", "--out", tmp_path / "run", "--quiet",
                      capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    copy = f"{tmp_path}/nominal_position/nest.nc"  # fix56a: nest_relative.nc was written beside nest.nc
    assert lines == ["climann: error: nest.nc: 'XLAT' changes in time (at time step 4 counting from 0, 1990-05-16 00:00:00, by up to 0.5 "
                     "degree_north): the grid moves (a moving nest or a box that follows a storm), and climann needs "
                     "cells fixed in place; interpolate each time step from its own grid to one fixed grid first (in "
                     "Python, e.g. scipy.interpolate.griddata of each step's values at that step's latitudes and "
                     "longitudes, or an xESMF regridder built per step: a regridder built once from the first step's "
                     "grid puts every step on that step's places), or, to learn in the box's own frame (a "
                     f"storm-relative composite), leave the positions out: `mkdir -p {tmp_path}/nominal_position && "
                     f"{{ [ ! -e {copy} ] || {{ echo '{copy} is "
                     "there already: left as it is, nothing written; move it away or write another name' >&2; false; "
                     f"}}; }} && ncks -C -x -v XLAT,XLONG {tmp_path}/nest.nc "
                     f"{copy} && ncap2 -O -s 'lat=0.0;lat@units=\"degrees_north\";lat@standard_name=\"latitude\";"
                     "lon=0.0;lon@units=\"degrees_east\";lon@standard_name=\"longitude\"' "
                     f"{copy} {copy}` (its copy in a new folder), then give --data {copy} in place of {tmp_path}/nest.nc "
                     "(one nominal position; the box's cells are then chosen with [data] select)"]
    assert not (tmp_path / "run").exists()
    if shutil.which("ncks") is None or shutil.which("ncap2") is None:
        pytest.skip("needs NCO (ncks, ncap2)")
    import netCDF4

    from tests.followed_twice import assert_left_as_it_is

    command = lines[0].split("`")[1]
    subprocess.run(["bash", "-c", command], check=True, capture_output=True)
    assert sorted(os.listdir(tmp_path)) == ["nest.nc", "nominal_position"]  # the original alone beside the new folder
    with netCDF4.Dataset(copy) as written, netCDF4.Dataset(data) as original:
        np.testing.assert_array_equal(written["T2"][...], original["T2"][...])
        assert "XLAT" not in written.variables and "XLONG" not in written.variables
        assert written["lat"][...] == 0.0 and written["lon"].units == "degrees_east"
    # fix51j: followed again, ncks's "exists: e(xit), o(verwrite) or a(ppend)?" answered e exits 0, and ncap2 -O then
    # rewrote the file there
    assert_left_as_it_is(copy, lambda: subprocess.run(["bash", "-c", command], input="e\n", capture_output=True,
                                                      text=True), data)


def test_a_wrf_wind_on_a_staggered_grid_named_as_predictor_is_refused_in_one_line(tmp_path, capfd, monkeypatch):
    from tests.grid_files import write_wrf

    data = write_wrf(tmp_path / "wrfout.nc", staggered=True)
    result = run_main("train", "--data", data, "--target", "T2", "--predictors", "SWDOWN,U", "--out", tmp_path / "run",
                      "--quiet", capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines == ["climann: error: variable 'U' lies on a staggered grid (its dims are XTIME, south_north, "
                     "west_east_stag; the grid's south_north, west_east): interpolate it to the grid's points first "
                     "(e.g. wrf-python's wrf.destagger, or with xarray the mean of neighbouring values along "
                     "west_east_stag), or choose another variable"]
    assert not (tmp_path / "run").exists()


def _small_file(path, *, names, yearly=False, n_years=6):
    """A small file: each name a field on a 4 × 6 grid (``orog`` static), monthly or yearly."""
    import cftime
    import numpy as np
    import xarray as xr

    times = [cftime.datetime(2000 + year, 7 if yearly else month, 2, calendar="noleap")
             for year in range(n_years) for month in ((7,) if yearly else range(1, 13))]
    rng = np.random.default_rng(0)
    lat = np.array([-60.0, -20.0, 20.0, 60.0])
    variables = {}
    for name in names:
        if name == "orog":
            variables[name] = (("lat", "lon"), rng.uniform(0, 3000, (4, 6)), {"units": "m"})
        else:
            values = 280 + 0.1 * lat[None, :, None] + rng.normal(size=(len(times), 4, 6))
            variables[name] = (("time", "lat", "lon"), values.astype("float32"), {"units": "K"})
    xr.Dataset(variables, coords={
        "time": ("time", times, {"standard_name": "time"}),
        "lat": ("lat", lat, {"standard_name": "latitude", "units": "degrees_north"}),
        "lon": ("lon", np.arange(6) * 60.0, {"standard_name": "longitude", "units": "degrees_east"}),
    }).to_netcdf(path)
    return path


@pytest.fixture(scope="module")
def own_files(tmp_path_factory):
    """Files as users bring them: the sample at 10° (mrso land-only), yearly means, one variable."""
    folder = tmp_path_factory.mktemp("own")
    sample = folder / "sample10.nc"
    assert runner.invoke(app, ["sample-data", str(sample), "--years", "3", "--resolution", "10"]).exit_code == 0
    return {
        "sample-like": (sample, ["rsdt", "orog", "sftlf", "clt"], ["lat", "season"]),
        "yearly": (_small_file(folder / "yearly.nc", names=["tas", "pr", "orog"], yearly=True), ["pr", "orog"], ["lat"]),
        "one-variable": (_small_file(folder / "tas_only.nc", names=["tas"], n_years=3), [], ["lat", "season"]),
    }


@pytest.mark.parametrize("case", ["sample-like", "yearly", "one-variable"])
def test_the_config_info_prints_trains_as_it_is(own_files, tmp_path, case):
    import tomllib

    path, predictors, features = own_files[case]
    info = runner.invoke(app, ["info", str(path)])  # stdout is not a terminal, as in `climann info FILE > my.toml`
    assert info.exit_code == 0, info.output
    config_file = tmp_path / "my.toml"
    config_file.write_text(info.stdout)
    data = tomllib.loads(info.stdout)["data"]  # the whole output is TOML
    assert (data["target"], data["predictors"], data["features"]) == ("tas", predictors, features)
    out = tmp_path / "run"
    result = runner.invoke(app, ["train", "--config", str(config_file), "--out", str(out), "--epochs", "1",
                                 "--hidden", "4", "--set", "evaluation.figures=false", "--quiet"])
    assert result.exit_code == 0, result.output
    recorded = tomllib.loads((out / "config.toml").read_text())["data"]
    assert (recorded["predictors"], recorded["features"]) == (predictors, features)


def test_train_without_inputs_chooses_them_warns_and_records_them(own_files, tmp_path):
    import tomllib

    path, predictors, features = own_files["sample-like"]
    out = tmp_path / "run"
    result = runner.invoke(app, ["train", "--data", str(path), "--out", str(out), "--epochs", "1", "--hidden", "4",
                                 "--set", "evaluation.figures=false"])
    assert result.exit_code == 0, result.output
    warning = "climann: warning: left out of the default predictors: mrso ("
    assert [line for line in result.stderr.splitlines() if line.startswith(warning)], result.stderr
    assert "left out of the default predictors: mrso" in (out / "train.log").read_text()
    recorded = tomllib.loads((out / "config.toml").read_text())["data"]
    assert (recorded["predictors"], recorded["features"]) == (predictors, features)
    predicted = runner.invoke(app, ["predict", str(out), "--data", str(path), "--out", str(tmp_path / "p.nc")])
    assert predicted.exit_code == 0, predicted.output


def test_an_empty_predictors_option_means_none(own_files, tmp_path):
    import tomllib

    path, _, _ = own_files["sample-like"]
    out = tmp_path / "run"
    result = runner.invoke(app, ["train", "--data", str(path), "--predictors", "", "--out", str(out), "--epochs", "1",
                                 "--hidden", "4", "--set", "evaluation.figures=false", "--quiet"])
    assert result.exit_code == 0, result.output
    recorded = tomllib.loads((out / "config.toml").read_text())["data"]
    assert (recorded["predictors"], recorded["features"]) == ([], ["lat", "season"])


def test_info_notes_coordinates_known_only_by_their_names(tmp_path):
    import tomllib

    import xarray as xr

    path = _small_file(tmp_path / "bare.nc", names=["tas", "pr"], n_years=3)
    with xr.open_dataset(path) as opened:
        bare = opened.load()
    for name in ("lat", "lon"):
        bare[name].attrs.clear()
    bare.to_netcdf(tmp_path / "bare2.nc")
    result = runner.invoke(app, ["info", str(tmp_path / "bare2.nc")])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "climann: warning: bare2.nc: coordinates without CF attributes recognised by name: 'lat' as latitude, "
        "'lon' as longitude; add standard_name and units to the file to say so"
    ]
    assert tomllib.loads(result.stdout)["data"]["predictors"] == ["pr"]


def test_info_on_overlapping_files_suggests_the_overlap_setting_that_trains(tmp_path):
    import tomllib

    import xarray as xr

    from tests.conftest import grid_dataset

    full = grid_dataset(n_years=4)
    full.isel(time=slice(0, 36)).to_netcdf(tmp_path / "tas_hist.nc")  # years 1-3
    full.isel(time=slice(24, 48)).to_netcdf(tmp_path / "tas_ssp.nc")  # years 3-4: one year twice
    pattern = str(tmp_path / "tas_*.nc")
    refused = runner.invoke(app, ["info", pattern])
    assert refused.exit_code == 2 and "overlap" in refused.stderr
    info = runner.invoke(app, ["info", pattern, "--overlap", "first"])
    assert info.exit_code == 0, info.output
    data = tomllib.loads(info.stdout)["data"]
    assert data["overlap"] == "first"
    (tmp_path / "my.toml").write_text(info.stdout)
    result = runner.invoke(app, ["train", "--config", str(tmp_path / "my.toml"), "--out", str(tmp_path / "run"),
                                 "--epochs", "1", "--hidden", "4", "--set", "evaluation.figures=false", "--quiet"])
    assert result.exit_code == 0, result.output
    with xr.open_dataset(tmp_path / "run" / "predictions.nc") as predictions:
        assert predictions.sizes["time"] == 48  # each month once


def test_train_target_anomaly_flag_sets_the_key_and_a_field_run_with_it_exits_2(tmp_path):
    import tomllib

    from climann.data.sample_data import write_sample_dataset

    path = write_sample_dataset(tmp_path / "sample.nc", years=4, resolution=30.0, seed=3)
    out = tmp_path / "run"
    result = runner.invoke(app, ["train", "--data", str(path), "--out", str(out), "--epochs", "1", "--hidden", "4",
                                 "--predictors", "clt", "--target-anomaly", "--set", "evaluation.figures=false"])
    assert result.exit_code == 0, result.output
    assert tomllib.loads((out / "config.toml").read_text())["data"]["target_anomaly"] is True
    refused = runner.invoke(app, ["train", "--data", str(path), "--out", str(tmp_path / "field"), "--mode", "field",
                                  "--predictors", "clt", "--target-anomaly"])
    assert refused.exit_code == 2
    assert 'target_anomaly needs mode = "pointwise"' in refused.stderr


def test_a_configuration_error_is_told_before_the_pipeline_is_imported():
    """A mistaken flag is told at once: xarray, dask and matplotlib (seconds to import) are
    imported only once the configuration is valid."""
    code = ("import sys\nfrom climann.cli import main\nsys.argv = ['climann', 'train', '--epochs', '0']\n"
            "try:\n    main()\nexcept SystemExit as exit:\n"
            "    print(exit.code, sorted(m for m in ('xarray', 'dask', 'matplotlib.pyplot') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.split("\n")[0] == "2 []", result.stdout + result.stderr
    assert result.stderr.strip() == "climann: error: [training] epochs must be ≥ 1, got 0"


def test_paths_with_brackets_are_printed_whole(tiny_sample, tmp_path):
    """rich reads [exp] as a style tag: the summary's paths are printed as plain text."""
    out = tmp_path / "[exp]"
    result = runner.invoke(app, ["train", "--data", str(tiny_sample), "--out", str(out), "--epochs", "1",
                                 "--hidden", "4", "--set", "evaluation.figures=false"])
    assert result.exit_code == 0, result.output
    assert f"run directory: {out}\n" in result.output
    assert f"scores by season and region: {out / 'report.md'}" in result.output.replace("\n", "")


def test_train_on_one_glob_brings_a_later_file_of_the_target_to_its_first_files_units(tmp_path):
    """The predictor's file comes first in the glob: the target's later file (degC) is still
    converted to its first file's K, as predictions.nc shows."""
    import numpy as np
    import xarray as xr

    from tests.conftest import grid_dataset

    full = grid_dataset(n_years=3)
    full[["pred"]].to_netcdf(tmp_path / "a_pred.nc")
    full[["tas"]].isel(time=slice(0, 24)).to_netcdf(tmp_path / "b_tas_1.nc")
    later = full["tas"].isel(time=slice(24, 36))
    (later - 273.15).assign_attrs(units="degC").to_dataset().to_netcdf(tmp_path / "b_tas_2.nc")
    result = runner.invoke(app, ["train", "--data", str(tmp_path / "*.nc"), "--target", "tas", "--predictors", "pred",
                                 "--out", str(tmp_path / "run"), "--epochs", "1", "--hidden", "4",
                                 "--set", "evaluation.figures=false", "--quiet"])
    assert result.exit_code == 0, result.output
    with xr.open_dataset(tmp_path / "run" / "predictions.nc") as predictions:
        assert predictions["tas"].attrs["units"] == "K"
        np.testing.assert_allclose(predictions["tas"].values, full["tas"].values, rtol=1e-6)


def test_info_promises_no_config_that_train_refuses(tmp_path, capfd, monkeypatch):
    """A land-sea mask with one time step: info's config would not train (one step cannot be
    split), so info says why instead of promising one, and exits 2 with that reason in one line:
    ``climann info DIR > my.toml && climann train --config my.toml`` stops there (verify20 F13)."""
    import numpy as np
    import xarray as xr

    path = tmp_path / "lsm.nc"
    xr.Dataset({"lsm": (("time", "lat", "lon"), np.ones((1, 3, 4), "f4"), {"units": "1"})}, coords={
        "time": ("time", [0.0], {"units": "days since 2000-01-01", "standard_name": "time"}),
        "lat": ("lat", [-30.0, 0.0, 30.0], {"units": "degrees_north"}),
        "lon": ("lon", [0.0, 90.0, 180.0, 270.0], {"units": "degrees_east"}),
    }).to_netcdf(path)
    monkeypatch.chdir(tmp_path)
    info = run_main("info", "lsm.nc", capfd=capfd, monkeypatch=monkeypatch)
    # in info's words: its paths are positional, it takes no --data (fix53h), and the report still wrapped at 80
    reason = ("the data cover 1 time step (1 year): too few to split into train, val and test blocks with fractions "
              "[0.7, 0.15, 0.15]; give a longer series (several files: 'folder/*.nc')")
    assert info.returncode == 2 and "[data]" not in info.stdout and "A config that trains" not in info.stdout
    assert unwrapped_report(info.stdout).rstrip().splitlines()[-1] == f"# No config to start from: {reason}"
    assert info.stderr == f"climann: error: no config to start from: {reason}\n"
    assert max(len(line) for line in info.stdout.splitlines()) <= 80
    assert "--data" not in info.stdout


def test_info_states_the_missing_latitude_advice_once_and_following_it_gives_a_config(tmp_path, capfd, monkeypatch):
    """fix37c: a file on longitudes alone printed the missing-latitude advice (the ncap2 and xarray that give
    it a latitude) in the Grid section and again as the reason for no config. Said once; the xarray way out,
    run as printed, gives a file info proposes a config for."""
    import numpy as np
    import xarray as xr

    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(3)
    xr.Dataset({"tas": (("time", "lon"), 280 + rng.normal(0, 5, (48, 5)), {"units": "K"}),
                "ps": (("time", "lon"), 1e5 + rng.normal(0, 50, (48, 5)), {"units": "Pa"})},
               coords={"time": ("time", np.arange(48) * 30.0 + 15, {"units": "days since 2000-01-01",
                                                                     "calendar": "360_day"}),
                       "lon": ("lon", np.arange(0.0, 360.0, 72.0), {"units": "degrees_east"})}).to_netcdf("band.nc")
    info = run_main("info", "band.nc", capfd=capfd, monkeypatch=monkeypatch)
    report = unwrapped_report(info.stdout)
    assert info.returncode == 2
    # the xarray line as it runs (fix45m: written whole, to positioned/band.nc.part renamed positioned/band.nc;
    # fix53a: one file's copy in a new folder, not beside it)
    way_out = re.search(rf"\(or xarray: (mkdir -p positioned && {re.escape(shell.advised_python())} -c \"[^\"]*"
                        r"os\.replace\(p,'positioned/band\.nc'\)\") \(its copy in a new folder\), "
                        r"then give positioned/band\.nc in place of band\.nc\)", report)
    assert way_out is not None, report
    assert report.count("ncap2 -s") == report.count("or xarray:") == 1
    assert report.rstrip().splitlines()[-1] == "# No config to start from: no latitude coordinate read (see Grid above)"
    assert info.stderr == "climann: error: no config to start from: no latitude coordinate read (see Grid above)\n"
    this_python = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    subprocess.run(["bash", "-c", way_out.group(1)], check=True, cwd=tmp_path, env=this_python)
    assert sorted(str(path.relative_to(tmp_path)) for path in tmp_path.rglob("*")) == [
        "band.nc", "positioned", "positioned/band.nc"]
    fixed = run_main("info", "positioned/band.nc", capfd=capfd, monkeypatch=monkeypatch)
    assert fixed.returncode == 0 and 'target = "tas"' in fixed.stdout and "No config" not in fixed.stdout


def test_train_refuses_a_config_file_that_names_no_data(tmp_path, capfd, monkeypatch):
    """``climann info DIR > my.toml`` with no config to print leaves a file of comments only;
    ``train --config my.toml`` had trained on the demo sample (writing data/sample.nc into the
    working directory), exit 0, as if it were the user's data (verify20 F13). A config file
    without [data] paths is refused in one line; the sample stays the default without --config."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "my.toml").write_text("# No config to start from: the data cover 1 time step (1 year)\n")
    (tmp_path / "train_only.toml").write_text("[data]\ntarget = \"tas\"\n\n[training]\nepochs = 1\n")
    for name, what in (("my.toml", "no [data] section"), ("train_only.toml", "no paths in its [data] section")):
        refused = run_main("train", "--config", name, "--epochs", "1", "--out", "runs/x", capfd=capfd,
                           monkeypatch=monkeypatch)
        assert refused.returncode == 2
        assert refused.stderr.startswith(f"climann: error: config file {name} has {what}, so it names no data to "
                                         "train on: add paths = [")
        assert len(refused.stderr.splitlines()) == 1
    assert not (tmp_path / "data").exists() and not (tmp_path / "runs").exists()


def test_a_config_from_info_used_from_another_folder_says_where_its_paths_are_read(tmp_path, capfd, monkeypatch,
                                                                                    tiny_sample):
    """break22b F12, as README's "Your own file" goes: `climann info my_data/ > my.toml` in one
    folder, `climann train --config` of it from another. It said "no file matches 'my_data/'"
    and nothing more; it now names both folders and the ways out. A working directory with a
    my_data/ of its own is read, as config paths always were, with one warning line."""
    import shutil

    clone, work = tmp_path / "clone", tmp_path / "work"
    (clone / "my_data").mkdir(parents=True)
    work.mkdir()
    shutil.copy(tiny_sample, clone / "my_data" / "tas.nc")
    monkeypatch.chdir(clone)
    info = run_main("info", "my_data/", capfd=capfd, monkeypatch=monkeypatch)
    assert info.returncode == 0, info.stderr
    (clone / "my.toml").write_text(info.stdout)
    assert (f"# paths are relative to the working directory of climann train, not to this file; written in {clone}: "
            "train from there, or make them absolute\npaths = [\"my_data/\"]") in unwrapped_report(info.stdout)
    monkeypatch.chdir(work)
    train = ("train", "--config", clone / "my.toml", "--epochs", "1", "--out", "runs/x", "-q", *NO_FIGURES)
    refused = run_main(*train, capfd=capfd, monkeypatch=monkeypatch)
    assert refused.returncode == 2 and refused.stderr == (
        f"climann: error: no file matches 'my_data/' in the working directory {work}, which [data] paths of "
        f"{clone / 'my.toml'} are relative to, but its folder {clone} holds {clone}/my_data/: run climann from there "
        f"(cd {clone}), or make the path absolute in my.toml (\"{clone}/my_data/\")\n")
    (work / "my_data").mkdir()
    shutil.copy(tiny_sample, work / "my_data" / "other.nc")
    trained = run_main(*train, capfd=capfd, monkeypatch=monkeypatch)
    assert trained.returncode == 0, trained.stderr
    assert f"climann: warning: 'my_data/' of [data] paths in {clone / 'my.toml'} is read in the working directory " \
           f"{work} ({work}/my_data/other.nc), not in the file's folder" in trained.stderr
    assert f'paths = ["{work}/my_data/other.nc"]' in (work / "runs" / "x" / "config.toml").read_text()


def test_a_refused_file_beside_its_corrected_copy_is_named_with_the_way_out(tmp_path, capfd, monkeypatch):
    """The printed ncatted writes its copy beside the original, in the folder given to --data;
    the next run on that folder refused the original again and offered a third file
    (obs_restamped_2.nc). It now names the copy already there and says to move the original."""
    import shutil

    import netCDF4

    monkeypatch.chdir(tmp_path)
    (tmp_path / "d").mkdir()
    with netCDF4.Dataset(tmp_path / "d" / "obs.nc", "w") as nc:
        for name, size in (("time", 24), ("lat", 2), ("lon", 2), ("nv", 2)):
            nc.createDimension(name, size)
        time = nc.createVariable("time", "f8", ("time",))
        time.units, time.calendar, time.bounds = "hours since 2000-01-01 00:00:00 +05:00", "standard", "time_bnds"
        time[:] = np.arange(24.0) + 1
        bounds = nc.createVariable("time_bnds", "f8", ("time", "nv"))
        bounds.units = "hours since 2000-01-01 00:00:00"  # without the time's offset
        bounds[:] = np.stack([np.arange(24.0), np.arange(24.0) + 1], axis=1)
        for name, values, units in (("lat", [10.0, 11.0], "degrees_north"), ("lon", [70.0, 71.0], "degrees_east")):
            variable = nc.createVariable(name, "f8", (name,))
            variable.units, variable[:] = units, values
        obs = nc.createVariable("obs", "f4", ("time", "lat", "lon"))
        obs.units, obs[:] = "K", np.full((24, 2, 2), 280.0)
    shutil.copy(tmp_path / "d" / "obs.nc", tmp_path / "d" / "obs_restamped.nc")  # as if the fix had been run
    result = run_main("train", "--data", "d", "--target", "obs", "--predictors", "", "--out", "run", "--quiet",
                      capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 2
    [line] = [text for text in result.stderr.splitlines() if text.startswith("climann: error:")]
    # fix54b: the new line writes its copy into a new folder; the copy beside is named, not given "as before"
    assert "mkdir -p d/bounds_units_removed && ncatted -a units,time_bnds,d,, d/obs.nc d/bounds_units_removed/obs.nc`" \
        in line
    assert line.endswith("then give --data d/bounds_units_removed/obs.nc in place of d/obs.nc; d/obs_restamped.nc, "
                         "beside d/obs.nc, may be its corrected copy written before: if so, move d/obs.nc out of the "
                         "files given to climann (a folder is read whole), and run again")
    followed = run_one_copy(line, tmp_path)  # as printed: the bounds' own units gone from the copy alone
    with netCDF4.Dataset(tmp_path / followed["copy"]) as copy, netCDF4.Dataset(tmp_path / "d" / "obs.nc") as original:
        assert "units" not in copy["time_bnds"].ncattrs() and original["time_bnds"].units == "hours since 2000-01-01 00:00:00"


@pytest.mark.parametrize("arguments", [
    pytest.param(["--set", "training.epochs=4", "--epochs", "3"], id="set-first"),
    pytest.param(["--epochs", "3", "--set", "training.epochs=4"], id="flag-first"),
])
def test_train_refuses_a_flag_and_a_set_that_give_one_key_two_values(tiny_sample, tmp_path, arguments):
    """``--set training.epochs=4 --epochs 3`` trained 3 epochs without a word, in either order
    (break30b A4): refused in one line naming both, before anything is written."""
    out = tmp_path / "run"
    result = runner.invoke(app, ["train", "--data", str(tiny_sample), "--out", str(out), *arguments, *NO_FIGURES])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == ("climann: error: --set training.epochs=4 and --epochs 3 both set [training] "
                                     "epochs, to different values: give one of them")
    assert not out.exists()


def test_plot_on_an_evaluate_data_folder_names_the_command_that_maps_its_predictions(tiny_sample, tmp_path):
    """``climann plot EVAL_DIR`` on a folder of ``evaluate --data`` said "no time step is in the test
    split" and no way out (break30b A5): refused with the command that maps its predictions,
    which works as given."""
    import shlex

    import xarray as xr

    run, scores = tmp_path / "run", tmp_path / "on other data"
    trained = runner.invoke(app, ["train", "--data", str(tiny_sample), "--out", str(run), "--epochs", "1",
                                  "--hidden", "4", "--quiet", *NO_FIGURES])
    assert trained.exit_code == 0, trained.output
    evaluated = runner.invoke(app, ["evaluate", str(run), "--data", str(tiny_sample), "--out", str(scores), "--quiet"])
    assert evaluated.exit_code == 0, evaluated.output
    result = runner.invoke(app, ["plot", str(scores)])
    assert result.exit_code == 2, result.output
    message = result.stderr.strip()
    assert message.startswith(f"climann: error: {scores} holds the scores of `climann evaluate --data` on other data "
                              "(one block 'all', ")
    assert not (scores / "figures").exists()
    command = re.search(r"map its predictions with `climann plot (.*?) --out DIR`", message).group(1)
    assert shlex.split(command) == [str(scores / "predictions.nc")]
    step = re.search(r"`--time (\S+)` for one step", message).group(1)
    with xr.open_dataset(scores / "predictions.nc", decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)) as predictions:
        assert step == str(predictions["time"].values[-1])[:10]
    maps = tmp_path / "maps"
    mapped = runner.invoke(app, ["plot", *shlex.split(command), "--out", str(maps), "--time", step])
    assert mapped.exit_code == 0, mapped.output
    assert (maps / f"predictions_map_{step}.png").is_file()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        pytest.param(["--target", "tas", "--predictors", "rsdt,station_obs"],
                     "variable 'station_obs' in typed.nc is a NetCDF-4 variable-length (VLEN) array of float32: each "
                     "cell holds a list of values of its own length, not one number, so it cannot be a feature",
                     id="vlen-predictor"),
        pytest.param(["--target", "station_obs"], "so it cannot be a target", id="vlen-target"),
        pytest.param(["--target", "tas", "--predictors", "wind"],
                     "variable 'wind' in typed.nc is a NetCDF-4 compound of the numeric fields u (float32), "
                     "v (float32), not one number, so it cannot be a feature as it is", id="compound-predictor"),
    ],
)
def test_netcdf4_vlen_and_compound_variables_named_are_refused_in_one_line(tmp_path, capfd, monkeypatch,
                                                                          arguments, message):
    """break41b B4, B10: 'unexpected error: ValueError' (VLEN), 'holds objects' with no way out (compound)."""
    import netCDF4

    path = tmp_path / "typed.nc"
    with netCDF4.Dataset(path, "w") as dataset:
        for dim, size in (("time", 24), ("lat", 3), ("lon", 4)):
            dataset.createDimension(dim, size)
        for name, units, values in (("time", "days since 2000-01-01", np.arange(24) + 0.5),
                                    ("lat", "degrees_north", [-30.0, 0.0, 30.0]),
                                    ("lon", "degrees_east", [0.0, 90.0, 180.0, 270.0])):
            variable = dataset.createVariable(name, "f8", (name,))
            variable.units = units
            variable[:] = values
        rng = np.random.default_rng(0)
        for name in ("tas", "rsdt"):
            dataset.createVariable(name, "f4", ("time", "lat", "lon"))[:] = rng.uniform(200, 300, (24, 3, 4))
        lists = dataset.createVariable("station_obs", dataset.createVLType(np.float32, "obs_t"), ("lat", "lon"))
        for i in range(3):
            for j in range(4):
                lists[i, j] = np.arange(i + j + 1, dtype="f4")
        fields = np.dtype([("u", "f4"), ("v", "f4")])
        wind = dataset.createVariable("wind", dataset.createCompoundType(fields, "wind_t"), ("time", "lat", "lon"))
        wind[:] = np.zeros((24, 3, 4), fields)
    result = run_main("train", "--data", path, *arguments, "--out", tmp_path / "run", "--quiet",
                      capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("climann: error: ") and message in lines[0], lines
    assert not (tmp_path / "run").exists()


def test_a_netcdf4_enum_target_is_refused_as_classes_in_one_line(tmp_path, capfd, monkeypatch):
    """break41b B2: an enum of land-cover classes trained as amounts with exit 0."""
    from tests.data.test_user_types import write_enum_file

    path = write_enum_file(tmp_path / "enum.nc")
    monkeypatch.chdir(tmp_path)
    result = run_main("train", "--data", path, "--target", "lc", "--out", tmp_path / "run", "--quiet",
                      capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 2, result.stderr
    *notes, line = result.stderr.strip().splitlines()  # the note: mask's no_data member read as missing
    assert all(note.startswith("climann: warning: 'mask'") for note in notes), notes
    assert line.startswith(
        "climann: error: the target 'lc' in enum.nc is a CF flag variable (flag_values 1 2 3 4: forest grass desert "
        "ice): its codes are classes, not amounts"), line  # rerun41 R8: the fill member read as missing is no class
    assert "ncap2" not in line and "python -c" in line
    assert not (tmp_path / "run").exists()


def _four_members(path):
    """cfgrib's layout of an ensemble: t2m and msl of members number = 0 … 3 (units "1"), member k
    10 k K warmer, monthly over 4 years on a 3 × 4 grid."""
    import pandas as pd
    import xarray as xr

    rng = np.random.default_rng(0)
    msl = 101000 + 500 * rng.standard_normal((4, 48, 3, 4))
    t2m = 280 + 10 * np.arange(4)[:, None, None, None] + 0.01 * (msl - 101000) + rng.standard_normal(msl.shape)
    dims = ("number", "time", "latitude", "longitude")
    xr.Dataset({"t2m": (dims, t2m.astype("f4"), {"units": "K"}), "msl": (dims, msl.astype("f4"), {"units": "Pa"})},
               coords={"number": ("number", np.arange(4), {"standard_name": "realization", "units": "1"}),
                       "time": pd.date_range("2000-01-01", periods=48, freq="MS"),
                       "latitude": ("latitude", [50.0, 45.0, 40.0], {"units": "degrees_north"}),
                       "longitude": ("longitude", [0.0, 5.0, 10.0, 15.0], {"units": "degrees_east"})}).to_netcdf(path)


def test_several_members_are_refused_and_the_sweep_it_names_trains_each(tmp_path, capfd, monkeypatch):
    """break42c A1: --select number=1,3 exited 0 trained on member 3 (pint read 1,3 as 1 × 3). It is refused
    before anything is written, and the ways it names train on each member given: the sweep over
    data.select as printed, and the loop's `train --select number=3`, which trains what the sweep's run does.
    rerun42 N3: the sweep advice was its [sweep] lines alone, a file that names no data (refused, "or give
    --data", which sweep does not take); it is a command writing the whole sweep file, this run's settings
    and the [sweep] lines, run here as printed (a select.toml already there is left alone)."""
    import xarray as xr

    monkeypatch.chdir(tmp_path)
    data = "ens.nc"
    _four_members(tmp_path / data)
    (tmp_path / "select.toml").write_text("# the user's own file\n")
    common = ["--epochs", "1", "--quiet", *NO_FIGURES]
    refused = run_main("train", "--data", data, "--target", "t2m", "--select", "number=1,3", *common, "--out",
                       tmp_path / "both", capfd=capfd, monkeypatch=monkeypatch)
    assert refused.returncode == 2 and not (tmp_path / "both").exists()
    (line,) = refused.stderr.strip().splitlines()
    written = ("printf '%s\\n' '[data]' 'paths = [\"ens.nc\"]' 'target = \"t2m\"' '[evaluation]' 'figures = false' "
               "'[training]' 'epochs = 1' '[sweep]' 'key = \"data.select\"' "
               "'values = [{number = 1}, {number = 3}]' > select-2.toml")
    printed = re.search(r"run once per value: (.*? > select-2\.toml) && climann sweep select-2\.toml \(trains each and "
                        r"compares them\)", line)[1]
    assert without_guards(printed) == written and "select-2.toml is there already" in printed  # fix52b's guard
    assert line.endswith("or for v in 1 3; do climann train … --select number=$v --out runs/number$v; done"), line
    subprocess.run(["bash", "-c", printed], check=True, cwd=tmp_path)  # the printed command, as printed
    assert (tmp_path / "select.toml").read_text() == "# the user's own file\n"
    swept = run_main("sweep", "select-2.toml", "--runs", tmp_path / "runs", capfd=capfd, monkeypatch=monkeypatch)
    assert swept.returncode == 0, swept.stderr
    looped = run_main("train", "--data", data, "--target", "t2m", "--select", "number=3", *common, "--out",
                      tmp_path / "number3", capfd=capfd, monkeypatch=monkeypatch)
    assert looped.returncode == 0, looped.stderr
    with xr.open_dataset(tmp_path / data) as members:
        for member, out in [(1, "runs/select-2-number-1"), (3, "runs/select-2-number-3"), (3, "number3")]:
            with xr.open_dataset(tmp_path / out / "predictions.nc") as predictions:
                assert int(predictions["number"]) == member
                np.testing.assert_array_equal(predictions["t2m"].values, members["t2m"].sel(number=member).values)
    with (xr.open_dataset(tmp_path / "runs/select-2-number-3/predictions.nc") as swept_run,
          xr.open_dataset(tmp_path / "number3/predictions.nc") as looped_run):
        np.testing.assert_array_equal(swept_run["t2m_pred"].values, looped_run["t2m_pred"].values)
