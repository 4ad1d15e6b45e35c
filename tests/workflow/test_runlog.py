"""The run log: epoch lines, phases with timings, what train.log collects."""

import json
import logging
import re

import numpy as np
import pytest

from climann.model import History
from climann.workflow.runlog import EpochLogger, PhaseTimer, capture_run_log, duration_text, epoch_line, run_logger

TIMESTAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3} "


def test_epoch_line_with_and_without_validation():
    assert epoch_line(3, 15, History(train_loss=[1.0, 0.5, 0.123456], val_loss=[2.0, 1.0, 0.2]), 1.44, 4.25) == (
        "epoch   3/15  train_loss 0.12346  val_loss 0.20000  in 1.4 s (4.2 s elapsed)"
    )
    assert epoch_line(1, 2, History(train_loss=[0.5]), 0.0, 0.0) == "epoch   1/2  train_loss 0.50000  in 0.0 s (0.0 s elapsed)"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        pytest.param(4.25, "4.2 s", id="seconds"),
        pytest.param(59.94, "59.9 s", id="just-under-a-minute"),
        pytest.param(125.4, "0:02:05", id="minutes"),
        pytest.param(3 * 3600 + 61, "3:01:01", id="hours"),
    ],
)
def test_durations_read_as_seconds_then_as_a_clock(seconds, text):
    assert duration_text(seconds) == text


def test_each_epoch_line_gives_that_epoch_s_own_duration(monkeypatch):
    clock = iter([100.0, 103.0, 104.5])  # created, end of epoch 1 (3 s), end of epoch 2 (1.5 s)
    monkeypatch.setattr("climann.workflow.runlog.time.perf_counter", lambda: next(clock))
    with capture_run_log() as run_log:
        logger = EpochLogger(2)
        logger(1, History(train_loss=[0.5]))
        logger(2, History(train_loss=[0.5, 0.4]))
    assert [line.split("  ")[-1] for line in run_log.lines] == ["in 3.0 s (3.0 s elapsed)", "in 1.5 s (4.5 s elapsed)"]


def test_the_collector_keeps_timestamped_lines_and_not_progress_records():
    logger = logging.getLogger("climann")
    handlers, level = list(logger.handlers), logger.level
    with capture_run_log() as run_log:
        phases = PhaseTimer()
        phases.begin("preparing data")
        logging.getLogger("climann.data.pointwise").info("read", extra={"progress": ("reading samples", 1, 2)})
        EpochLogger(2)(1, History(train_loss=[0.5], val_loss=[0.6]))
        phases.begin("training")
        phases.end()
        logging.getLogger("elsewhere").warning("not climann's")
    assert logger.handlers == handlers and logger.level == level
    messages = [re.sub(TIMESTAMP, "", line) for line in run_log.lines]
    assert all(re.match(TIMESTAMP, line) for line in run_log.lines)
    assert messages[0] == "preparing data …"
    assert re.fullmatch(r"epoch   1/2  train_loss 0.50000  val_loss 0.60000  in \d+\.\d s \(\d+\.\d s elapsed\)", messages[1])
    assert re.fullmatch(r"preparing data: \d+\.\d s", messages[2])
    assert messages[3] == "training …" and re.fullmatch(r"training: \d+\.\d s", messages[4])
    assert len(messages) == 5
    assert set(phases.durations) == {"preparing data", "training"}
    assert run_log.text() == "\n".join(run_log.lines) + "\n"


def test_nothing_is_collected_outside_a_run():
    with capture_run_log() as run_log:
        pass
    run_logger.info("after the run")
    assert run_log.lines == [] and run_log.text() == ""


def test_a_warning_repeated_by_a_second_opening_of_the_files_is_shown_and_logged_once(capsys):
    """The data layer warns at each opening of the files; the display and train.log say it once.
    Other warnings, and repeated INFO lines, all pass."""
    from climann.workflow.progress import warnings_on_stderr

    units = logging.getLogger("climann.data.units")
    with capture_run_log() as run_log, warnings_on_stderr():
        for _ in range(3):  # three openings
            units.warning("'tas' in b.nc converted from degC to K, the units of a.nc")
            run_logger.info("recording the inputs …")
        units.warning("'rsdt' in b.nc converted from mW m-2 to W m-2, the units of a.nc")
    messages = [re.sub(TIMESTAMP, "", line) for line in run_log.lines]
    assert messages == ["'tas' in b.nc converted from degC to K, the units of a.nc", "recording the inputs …",
                        "recording the inputs …", "recording the inputs …",
                        "'rsdt' in b.nc converted from mW m-2 to W m-2, the units of a.nc"]
    assert capsys.readouterr().err.splitlines() == [
        "climann: warning: 'tas' in b.nc converted from degC to K, the units of a.nc",
        "climann: warning: 'rsdt' in b.nc converted from mW m-2 to W m-2, the units of a.nc",
    ]


def test_a_second_run_in_the_same_session_logs_the_notes_about_its_data_again(tmp_path):
    """The data layer says each note once per run (a run opens its files several times): a
    second run of the same file in one Python session records it in its own train.log too."""
    from climann.workflow.config import build_config
    from climann.workflow.pipeline import run_training
    from tests.conftest import grid_dataset

    dataset = grid_dataset(n_years=3)
    for name in ("lat", "lon"):
        dataset[name].attrs.clear()  # known only by their names: noted as such
    dataset.to_netcdf(tmp_path / "bare.nc")
    settings = {"data": {"paths": [str(tmp_path / "bare.nc")], "target": "tas", "predictors": ["pred"],
                         "features": ["lat"]},
                "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}}
    note = "bare.nc: coordinates without CF attributes recognised by name: 'lat' as latitude, 'lon' as longitude"
    for run in ("first", "second"):
        run_training(build_config(settings), run_dir=tmp_path / run)
        assert (tmp_path / run / "train.log").read_text().count(note) == 1, run


@pytest.mark.parametrize("one_value", [pytest.param(False, id="the-test-year-doubled"),
                                       pytest.param(True, id="one-record-value")])
def test_a_test_block_outside_the_training_range_is_warned_of_as_predict_does(tmp_path, one_value):
    """A test year whose predictor reaches 2 where the training year's stayed below 1: train
    warns in one line with the test block's share of samples outside the range (by hand from
    the file's values, the margin 1 % of the range), as ``predict`` does for new data; the
    validation year, inside the range, gets no line. One record value (1 of the block's 288
    samples, below BLOCK_EXTRAPOLATION_SHARE) gets none either."""
    from climann.evaluation.extrapolation import RANGE_MARGIN
    from climann.workflow.config import build_config
    from climann.workflow.pipeline import run_training
    from tests.conftest import grid_dataset

    dataset = grid_dataset(n_years=3)
    if one_value:
        dataset["pred"][30, 1, 1] = 2.0
    else:
        dataset["pred"][24:] = dataset["pred"][24:] * 2  # the test year, 2002
    dataset.to_netcdf(tmp_path / "warm.nc")
    settings = {"data": {"paths": [str(tmp_path / "warm.nc")], "target": "tas", "predictors": ["pred"],
                         "split_years": {"train": [2000, 2000], "val": [2001, 2001], "test": [2002, 2002]}},
                "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}}
    run_training(build_config(settings), run_dir=tmp_path / "run")
    training, test = dataset["pred"].values[:12], dataset["pred"].values[24:]
    low, high = training.min(), training.max()
    margin = RANGE_MARGIN * (high - low)
    share = np.mean((test < low - margin) | (test > high + margin))
    log = (tmp_path / "run" / "train.log").read_text()
    lines = [line for line in log.splitlines() if "outside the training range" in line]
    if one_value:
        assert share == pytest.approx(1 / 288) and lines == [], lines
        return
    assert len(lines) == 1 and "test block: " in lines[0], lines
    assert f"test block: {100 * share:.0f} % of samples lie outside the training range of pred" in lines[0]
    assert f"up to {test.max():.4g} here" in lines[0]


def test_the_year_feature_beyond_its_training_years_by_construction_is_not_warned_of(tmp_path):
    """verify21a F5: with the ``year`` feature every run warned "val block: 100 % of samples lie outside the training
    range of year" and the same for test: the blocks are later years by the split's construction. year is left out of
    the blocks' check (block_check_ranges, one function for every route); predict still checks it."""
    from climann.workflow.config import build_config
    from climann.workflow.pipeline import run_training
    from tests.conftest import grid_dataset

    grid_dataset(n_years=3).to_netcdf(tmp_path / "plain.nc")
    settings = {"data": {"paths": [str(tmp_path / "plain.nc")], "target": "tas", "predictors": ["pred"],
                         "features": ["year", "season"],
                         "split_years": {"train": [2000, 2000], "val": [2001, 2001], "test": [2002, 2002]}},
                "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}}
    run_training(build_config(settings), run_dir=tmp_path / "run")
    log = (tmp_path / "run" / "train.log").read_text()
    assert "outside the training range" not in log
    from climann.workflow.runlog import block_check_ranges

    ranges = {"names": ["pred", "year", "season_sin"], "min": [0.0, 2000.0, -1.0], "max": [1.0, 2000.9, 1.0]}
    assert block_check_ranges(ranges) == {"names": ["pred", "year", "season_sin"], "min": [0.0, -np.inf, -1.0],
                                          "max": [1.0, np.inf, 1.0]}


@pytest.mark.parametrize(("n_record", "warned"), [pytest.param(2, False, id="two-record-values"),
                                                  pytest.param(6, True, id="six-values-beyond")])
def test_a_few_record_values_of_a_short_block_are_not_warned_of(tmp_path, n_record, warned):
    """verify21a F7: on one cell's series (12 samples a block) one record value is 8 % of the block, over the 1 %
    share, and a series without a trend warned in most splits. A block warns only with at least
    BLOCK_EXTRAPOLATION_SAMPLES of its samples outside the range (and 1 % of them)."""
    from climann.workflow.config import build_config
    from climann.workflow.pipeline import run_training
    from climann.workflow.runlog import BLOCK_EXTRAPOLATION_SAMPLES
    from tests.conftest import grid_dataset

    dataset = grid_dataset(n_years=3, n_lat=1, n_lon=1)
    dataset["pred"][24:24 + n_record] = 3.0  # beyond the training year's 0 … 1 in n_record test months
    dataset.to_netcdf(tmp_path / "station.nc")
    settings = {"data": {"paths": [str(tmp_path / "station.nc")], "target": "tas", "predictors": ["pred"],
                         "features": [],
                         "split_years": {"train": [2000, 2000], "val": [2001, 2001], "test": [2002, 2002]}},
                "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}}
    run_training(build_config(settings), run_dir=tmp_path / "run")
    lines = [line for line in (tmp_path / "run" / "train.log").read_text().splitlines()
             if "outside the training range" in line]
    assert (n_record >= BLOCK_EXTRAPOLATION_SAMPLES) == warned
    if not warned:
        assert lines == []
        return
    assert len(lines) == 1 and f"test block: {100 * n_record / 12:.0f} % of samples lie outside" in lines[0]


#: The line's start for each run of :func:`test_the_target_s_own_area_mean_is_warned_of_and_recorded`.
TARGET_MEAN_LINE = "climann: warning: {said} of the target tas at the same time step: the scores assume its true mean"


@pytest.mark.parametrize("route", [pytest.param([], id="in-memory"),
                                   pytest.param(["--set", "data.in_memory_limit_gb=1e-6"], id="streamed")])
@pytest.mark.parametrize(("means", "expected"), [
    pytest.param(["--global-means", "tas"], ["tas_global_mean"], id="global-mean-of-the-target"),
    # a box outside the cells scored (the southern half) is the target's anomaly of the same step too
    pytest.param(["--region", "-90,0,0,360", "--regional-means", "tas=0,90,0,120"], ["tas_mean_0N-90N_0E-120E"],
                 id="regional-mean-of-the-target-elsewhere"),
    pytest.param(["--global-means", "pred", "--regional-means", "pred=0,90,0,120"], [], id="means-of-a-predictor"),
])
def test_the_target_s_own_area_mean_is_warned_of_and_recorded(tmp_path, route, means, expected):
    """break22c F7: the target's area mean at the same step handed the network the step's
    anomaly (test MSE 10× lower) without a word. train warns in one line on the terminal and
    in train.log, and metrics.json and report.md say so; an area mean of another variable
    gets nothing. The same on every route (in memory, streamed chunk by chunk)."""
    from typer.testing import CliRunner

    from climann.cli import app
    from tests.conftest import grid_dataset

    grid_dataset(n_years=3).to_netcdf(tmp_path / "grid.nc")
    result = CliRunner().invoke(app, ["train", "--data", str(tmp_path / "grid.nc"), "--target", "tas",
                                      "--predictors", "pred", *means, *route, "--hidden", "4", "--epochs", "1",
                                      "--set", "evaluation.figures=false", "--out", str(tmp_path / "run")])
    assert result.exit_code == 0, result.output
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert ("evaluated_every_nth_time_step" in metrics) == bool(route)
    log = (tmp_path / "run" / "train.log").read_text()
    report = (tmp_path / "run" / "report.md").read_text()
    if not expected:
        assert "target_area_means" not in metrics
        assert "of the target tas at the same time step" not in result.output + log + report
        return
    assert metrics["target_area_means"] == expected
    line = TARGET_MEAN_LINE.format(said=f"the input {expected[0]} is an area mean")
    assert [text for text in result.output.splitlines() if "at the same time step" in text] == [
        text for text in result.output.splitlines() if text.startswith(line)]
    assert result.output.count(line) == 1 and log.count(line.removeprefix("climann: warning: ")) == 1
    assert report.count(line.removeprefix("climann: warning: ")) == 1


def test_a_decadal_axis_s_blocks_are_logged_as_runs_of_decades(tmp_path):
    """break32b A4: decadal paleo means ("years since 1950-01-01", 360_day) had each block's
    every decade in the samples line of train.log (and in the terminal's "periods:" line,
    3 223 characters); metrics.json's split_periods keep the years one by one (the contract)."""
    import xarray as xr

    from climann.evaluation.report import metrics_table_notes
    from climann.workflow.config import build_config
    from climann.workflow.pipeline import run_training

    rng = np.random.default_rng(3)
    years = -2000 + 10 * np.arange(40)  # 40 decades: -2000 … -1610
    time = xr.Variable("time", (years - 1950).astype("f8"), {"units": "years since 1950-01-01", "calendar": "360_day"})
    shape = (years.size, 3, 4)
    dataset = xr.Dataset(
        {"tas": (("time", "lat", "lon"), 280 + rng.standard_normal(shape), {"units": "K"}),
         "pred": (("time", "lat", "lon"), rng.standard_normal(shape), {"units": "1"})},
        coords={"time": time, "lat": ("lat", [-30.0, 0.0, 30.0], {"units": "degrees_north"}),
                "lon": ("lon", [0.0, 90.0, 180.0, 270.0], {"units": "degrees_east"})})
    dataset.to_netcdf(tmp_path / "decadal.nc")
    settings = {"data": {"paths": [str(tmp_path / "decadal.nc")], "target": "tas", "predictors": ["pred"]},
                "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}}
    run_training(build_config(settings), run_dir=tmp_path / "run")
    log = (tmp_path / "run" / "train.log").read_text()
    samples = next(line for line in log.splitlines() if " samples: " in line)
    assert ("train 336 (-2000 … -1730 (28 decades)), val 72 (-1720 … -1670 (6 decades)), "
            "test 72 (-1660 … -1610 (6 decades))") in samples, samples
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert metrics["split_periods"]["test"] == ", ".join(str(year) for year in years[-6:])
    assert ("periods: train -2000 … -1730 (28 decades), val -1720 … -1670 (6 decades), test -1660 … -1610 "
            "(6 decades)") in metrics_table_notes(metrics, width=80)


def test_the_samples_line_says_how_many_samples_weigh_nothing_as_the_scores_count_them(tmp_path):
    """fix37j: a mean "where land" with sftlf 0 in 2 of 12 cells: those cells' samples weigh
    nothing and no score counts them (metrics.json n_samples: 480 training values of 6 years ×
    12 months × 10 cells), yet train.log's samples line said only "train 576"."""
    import xarray as xr

    from climann.workflow.config import build_config
    from climann.workflow.pipeline import run_training

    rng = np.random.default_rng(3)
    shape = (72, 3, 4)
    land = np.array([[0, 10, 100, 50], [100, 25, 0, 75], [5, 100, 100, 60]], "f4")
    dataset = xr.Dataset(
        {"mrso": (("time", "lat", "lon"), 280 + rng.standard_normal(shape),
                  {"units": "kg m-2", "cell_methods": "area: mean where land time: mean"}),
         "pr": (("time", "lat", "lon"), rng.standard_normal(shape), {"units": "1"}),
         "sftlf": (("lat", "lon"), land, {"standard_name": "land_area_fraction", "units": "%"})},
        coords={"time": xr.date_range("2000-01-01", periods=72, freq="MS", use_cftime=False),
                "lat": ("lat", [-30.0, 0.0, 30.0], {"units": "degrees_north"}),
                "lon": ("lon", [0.0, 90.0, 180.0, 270.0], {"units": "degrees_east"})})
    dataset.to_netcdf(tmp_path / "land.nc")
    settings = {"data": {"paths": [str(tmp_path / "land.nc")], "target": "mrso", "predictors": ["pr"]},
                "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}}
    run_training(build_config(settings), run_dir=tmp_path / "run")
    log = (tmp_path / "run" / "train.log").read_text()
    samples = next(line for line in log.splitlines() if " samples: " in line)
    weightless = {"train": 48 * 2, "val": 12 * 2, "test": 12 * 2}  # 2 cells without land at each month
    weigh = {"train": 48 * 10, "val": 12 * 10, "test": 12 * 10}
    assert "train 576 (2000–2003), val 144 (2004), test 144 (2005)" in samples, samples
    assert ("of zero weight, which no score counts: train 96, val 24, test 24 "
            "(samples that weigh: train 480, val 120, test 120)") in samples, samples
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert {name: metrics["splits"][name]["model"]["n_samples"] for name in weigh} == weigh
    assert {name: metrics["splits"][name]["model"]["n_samples"] + weightless[name] for name in weigh} == {
        "train": 576, "val": 144, "test": 144}
