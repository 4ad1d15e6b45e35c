"""CAMS regional forecasts whose lead time no CF name marks (``leadtime`` in hours beside ``time``,
the "FORECAST base time"): read on their valid times, or refused when the time axis may be either
(break49d A1: the 24-hour forecast was dated at its start, exit 0)."""

import json
import shlex
import subprocess

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from climann.data.open import open_dataset
from climann.data.subset import select_values
from climann.errors import ClimannError
from tests.console import run_main

LATITUDES = np.array([49.9, 49.8, 49.7])
LONGITUDES = np.array([0.1, 0.2, 0.3, 0.4])
DAYS = 90


def _truth() -> np.ndarray:
    """The analysed pm10 of each day at 00 UTC, an AR(1) series per cell, shape (DAYS + 2, lat, lon)."""
    rng = np.random.default_rng(5)
    values = rng.normal(0, 1, (DAYS + 2, len(LATITUDES), len(LONGITUDES)))
    for day in range(1, DAYS + 2):
        values[day] = 0.5 * values[day - 1] + 0.87 * values[day]
    return (25 + 6 * values).astype("f4")


def _files(folder, *, time_long_name: str = "FORECAST base time", time_standard_name: str | None = None,
           lead_standard_name: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """An analysis ``pm10(time, lat, lon)`` and a forecast ``pm10_fc(time, leadtime, lat, lon)``
    from each day at leads 0, 24, 48 hours (the analysis of start + lead, plus noise of std 0.5),
    as CAMS's files come, no CF standard names; returns (truth, forecast)."""
    truth = _truth()
    rng = np.random.default_rng(6)
    leads = np.array([0, 24, 48])
    forecast = np.stack([truth[np.arange(DAYS) + lead // 24] for lead in leads], 1)
    forecast = (forecast + rng.normal(0, 0.5, forecast.shape)).astype("f4")
    days = pd.date_range("2021-01-01", periods=DAYS, freq="D")
    grid = {"latitude": ("latitude", LATITUDES, {"units": "degrees_north"}),
            "longitude": ("longitude", LONGITUDES, {"units": "degrees_east"})}
    time_attrs = {"long_name": time_long_name}
    if time_standard_name:
        time_attrs["standard_name"] = time_standard_name
    lead_attrs = {"long_name": "LEADTIME", "units": "hours"}
    if lead_standard_name:
        lead_attrs["standard_name"] = lead_standard_name
    xr.Dataset({"pm10_fc": (("time", "leadtime", "latitude", "longitude"), forecast, {"units": "ug m-3"})},
               coords={"time": ("time", days, time_attrs), "leadtime": ("leadtime", leads.astype("f4"), lead_attrs),
                       **grid}).to_netcdf(folder / "forecast.nc")
    xr.Dataset({"pm10": (("time", "latitude", "longitude"), truth[:DAYS], {"units": "ug m-3"})},
               coords={"time": ("time", days, {"long_name": "ANALYSIS time"}), **grid}).to_netcdf(folder / "analysis.nc")
    return truth, forecast


@pytest.mark.parametrize("marks", [
    pytest.param({}, id="no-CF-names"),
    pytest.param({"lead_standard_name": "forecast_period"}, id="lead-marked-only"),
    pytest.param({"time_standard_name": "forecast_reference_time", "time_long_name": "time"}, id="start-marked-only"),
])
def test_a_chosen_lead_is_dated_at_start_plus_lead(tmp_path, marks):
    """leadtime = 24 from starts 2021-01-01 … is valid 2021-01-02 …, its values those of start + 1 day."""
    _, forecast = _files(tmp_path, **marks)
    opened = select_values(open_dataset([tmp_path / "forecast.nc"], select={"leadtime": 24}), {"leadtime": 24})
    expected = pd.date_range("2021-01-02", periods=DAYS, freq="D").values
    np.testing.assert_array_equal(opened["time"].values.astype("datetime64[ns]"), expected)
    np.testing.assert_array_equal(opened["pm10_fc"].transpose("time", ...).values, forecast[:, 1])


def test_a_time_axis_that_may_be_either_is_refused_with_the_ncatted_that_says_which(tmp_path):
    """``time`` says nothing of being the start: refused in one line; its first ncatted, run, reads
    the file at start + lead; the second (time is the valid time) leaves the values at their stamps."""
    _files(tmp_path, time_long_name="time")
    with pytest.raises(ClimannError) as refused:
        open_dataset([tmp_path / "forecast.nc"], select={"leadtime": 24})
    message = str(refused.value)
    assert "\n" not in message and "'leadtime' (hours" in message
    as_start, as_valid = (command for command in message.split("`")[1::2])
    assert "standard_name,leadtime,o,c,forecast_period" in as_start
    assert "standard_name,time,o,c,forecast_reference_time" in as_start
    for command, first in ((as_start, "2021-01-02"), (as_valid, "2021-01-01")):
        words = shlex.split(command)
        subprocess.run([*words[:-2], str(tmp_path / "forecast.nc"), str(tmp_path / "fixed.nc")], check=True)
        opened = select_values(open_dataset([tmp_path / "fixed.nc"], select={"leadtime": 24}), {"leadtime": 24})
        assert str(opened["time"].values[0])[:10] == first
        (tmp_path / "fixed.nc").unlink()


def test_a_time_axis_marked_as_the_valid_time_keeps_its_stamps(tmp_path):
    """``time`` with CF standard_name time is the valid time (forecasts of several leads at each):
    a lead chosen leaves the stamps as they are."""
    _files(tmp_path, time_long_name="time", time_standard_name="time")
    opened = select_values(open_dataset([tmp_path / "forecast.nc"], select={"leadtime": 24}), {"leadtime": 24})
    assert str(opened["time"].values[0])[:10] == "2021-01-01"


def test_trained_beside_the_analysis_the_scores_are_those_of_the_correct_pairs(tmp_path, capfd, monkeypatch):
    """The 24-hour forecast misses the analysis of its valid day by noise of std 0.5: the linear
    baseline's test MSE equals numpy's lstsq fit on the forecasts paired with the analysis of start
    + 1 day, on climann's own split, and predictions.nc dates each value at that valid day. Before:
    paired with the analysis of its start day, the MSE was about 30."""
    truth, forecast = _files(tmp_path)
    out = tmp_path / "run"
    result = run_main("train", "--data", str(tmp_path / "analysis.nc"), "--data", str(tmp_path / "forecast.nc"),
                      "--target", "pm10", "--predictors", "pm10_fc", "--select", "leadtime=24", "--features", "",
                      "--epochs", "1", "--hidden", "4", "--out", str(out), "--set", "evaluation.figures=false",
                      capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 0, result.stderr
    with xr.open_dataset(out / "predictions.nc") as written:
        days = ((written["time"].values.astype("datetime64[D]") - np.datetime64("2021-01-01", "D"))
                .astype(int))
        split = written["split"].values
        linear = written["pm10_linear"].values
        area = np.broadcast_to(written["cell_area"].values, linear.shape)
        observed = written["pm10"].values
    # fix54f: the analysis of the first start's day, read for its persistence alone, leads the file unused (split 0)
    assert np.all(split[:1] == 0) and np.all(split[1:] > 0) and days[0] == 0
    days, split, linear, area, observed = days[1:], split[1:], linear[1:], area[1:], observed[1:]
    np.testing.assert_array_equal(observed, truth[days])  # the analysis of each day
    paired = forecast[days - 1, 1]  # valid on day d: the forecast from d - 1 at 24 hours
    train, test = split == 1, split == 3
    design = np.column_stack([paired[train].ravel(), np.ones(paired[train].size)]).astype(np.float64)
    (slope, intercept), *_ = np.linalg.lstsq(design, truth[days][train].ravel(), rcond=None)
    np.testing.assert_allclose(linear, slope * paired + intercept, atol=1e-3)
    errors = slope * paired[test] + intercept - truth[days][test]
    mse = np.sum(area[test] * errors**2) / area[test].sum()
    scores = json.loads((out / "metrics.json").read_text())["splits"]["test"]["linear"]
    np.testing.assert_allclose(scores["mse"], mse, rtol=1e-4)
    assert mse < 0.4  # the noise variance, 0.25; paired with the start day (before) it was about 30
