"""Sub-daily data, end to end: the climatology baseline and the ACC's anomalies are per day of
year and hour (WeatherBench 2's climatology), in memory and streamed (one route)."""

import json

import numpy as np
import pytest
import xarray as xr

from climann.workflow.config import build_config
from climann.workflow.pipeline import run_training
from tests.evaluation.test_baselines import six_hourly


@pytest.fixture(scope="module")
def six_hourly_file(tmp_path_factory):
    return _six_hourly_file(tmp_path_factory.mktemp("data") / "tas_6hr.nc")


def _six_hourly_file(path, n_years=3):
    times, truth = six_hourly(n_years=n_years)
    units = "hours since 2001-01-01"
    hours = np.arange(times.size) * 6.0
    xr.Dataset(
        {"tas": (("time", "lat", "lon"), truth.astype(np.float32), {"units": "K"})},
        coords={"time": ("time", hours, {"units": units, "calendar": "noleap", "standard_name": "time"}),
                "lat": ("lat", [-30.0, 30.0], {"units": "degrees_north", "standard_name": "latitude"}),
                "lon": ("lon", [0.0, 120.0, 240.0], {"units": "degrees_east", "standard_name": "longitude"})},
    ).to_netcdf(path)
    return path, truth


@pytest.mark.parametrize("limit", [pytest.param(None, id="in-memory"), pytest.param(1e-4, id="streamed")])
def test_the_climatology_baseline_of_6_hourly_data_keeps_the_diurnal_cycle(six_hourly_file, tmp_path, limit):
    path, truth = six_hourly_file
    data = {"paths": [str(path)], "target": "tas", "predictors": [], "features": ["lat"]}
    if limit is not None:
        data["in_memory_limit_gb"] = limit
    config = build_config({"data": data, "model": {"hidden": [4]},
                           "training": {"epochs": 1, "batch_size": 256}, "evaluation": {"figures": False}})
    run_dir = run_training(config, run_dir=tmp_path / "run").run_dir
    metrics = json.loads((run_dir / "metrics.json").read_text())
    # by hand, on the run's own split (flags 1 train, 3 test): the training years' values of each
    # (day of year, 6-hour step), smoothed over 61 days of the year for each 6-hour step on its
    # own, scored with cos(latitude) area weights
    with xr.open_dataset(run_dir / "predictions.nc", decode_times=False) as predictions:
        labels = predictions["split"].values
    by_step = truth.astype(np.float32).astype(np.float64)
    train = labels == 1
    keys = np.arange(truth.shape[0]) % (365 * 4)
    climatology = _climatology_by_hand(by_step, keys, train)
    test = labels == 3
    weights = np.cos(np.deg2rad([-30.0, 30.0]))[:, None] * np.ones((1, 3))
    error = (by_step[test] - climatology[keys[test]]) ** 2
    expected = float((error * weights).sum() / (weights.sum() * test.sum()))
    np.testing.assert_allclose(metrics["splits"]["test"]["climatology"]["mse"], expected, rtol=1e-5)
    assert (metrics["climatology_per"], metrics["climatology_window_days"]) == ("day of year and hour", 61)
    assert "climatology per day of year and hour smoothed over 61 days" in (run_dir / "report.md").read_text()


def _climatology_by_hand(values, keys, train):
    """NumPy: the climatology of each 6-hourly key (day of year · 4 + step of the day, 0-based),
    shape (365 · 4, …): each step of the day's training values smoothed over 61 days of the year
    (WeatherBench 2, :func:`~tests.evaluation.test_baselines.wb2_climatology_by_hand`)."""
    from tests.evaluation.test_baselines import wb2_climatology_by_hand

    climatology = np.empty((365, 4, *values.shape[1:]))
    for step in range(4):
        chosen = keys % 4 == step
        climatology[:, step] = wb2_climatology_by_hand(values[chosen], keys[chosen] // 4, train[chosen], window=61,
                                                       n_days=365)
    return climatology.reshape(365 * 4, *values.shape[1:])


def test_a_gap_after_the_first_stamp_keeps_the_hours_apart_in_training_and_predict(tmp_path):
    """A file without its second stamp (1 January 06:00) is 6-hourly: the climatology baseline
    and the ``target_anomaly`` climatology stay per day of year and hour (by hand), and a run
    trained on the whole file predicts it with the values it gives those times in the whole file,
    as it does the stamps of 00 and 12 UTC only (6-hourly data with stamps missing: their
    slots of the run's climatology, not refused as data needing 12-hour slots; recheck7 #1)."""
    from climann.workflow.predict import predict_files

    path, truth = _six_hourly_file(tmp_path / "tas_6hr.nc", n_years=5)  # 3 training years
    gap = tmp_path / "tas_gap.nc"
    with xr.open_dataset(path, decode_times=False) as whole:
        whole.isel(time=np.setdiff1d(np.arange(whole.sizes["time"]), [1])).to_netcdf(gap)
    runs = {}
    # the gap run's climatology baseline is scored; the whole run's predictions alone are read
    for name, file, baselines in (("whole", path, []), ("gap", gap, ["climatology"])):
        data = {"paths": [str(file)], "target": "tas", "predictors": [], "features": ["lat"], "target_anomaly": True}
        config = build_config({"data": data, "model": {"hidden": [4]}, "training": {"epochs": 1, "batch_size": 256},
                               "evaluation": {"figures": False, "baselines": baselines}})
        runs[name] = run_training(config, run_dir=tmp_path / name).run_dir
    metrics = json.loads((runs["gap"] / "metrics.json").read_text())
    with xr.open_dataset(runs["gap"] / "predictions.nc", decode_times=False) as predictions:
        labels = predictions["split"].values
    values = np.delete(truth.astype(np.float32).astype(np.float64), 1, axis=0)
    keys = np.delete(np.arange(truth.shape[0]) % (365 * 4), 1)
    train, test = labels == 1, labels == 3
    climatology = _climatology_by_hand(values, keys, train)
    weights = np.cos(np.deg2rad([-30.0, 30.0]))[:, None] * np.ones((1, 3))
    error = (values[test] - climatology[keys[test]]) ** 2
    expected = float((error * weights).sum() / (weights.sum() * test.sum()))
    np.testing.assert_allclose(metrics["splits"]["test"]["climatology"]["mse"], expected, rtol=1e-5)
    assert metrics["climatology_per"] == "day of year and hour"
    predicted = predict_files(runs["whole"], [str(gap)], tmp_path / "gap_pred.nc").path
    with xr.open_dataset(predicted) as on_gap, xr.open_dataset(runs["whole"] / "predictions.nc") as on_whole:
        np.testing.assert_allclose(on_gap["tas_pred"].values,
                                   np.delete(on_whole["tas_pred"].values, 1, axis=0), rtol=1e-6)
    twice_a_day = tmp_path / "tas_00_12.nc"
    with xr.open_dataset(path, decode_times=False) as whole:
        whole.isel(time=slice(0, None, 2)).to_netcdf(twice_a_day)
    predicted = predict_files(runs["whole"], [str(twice_a_day)], tmp_path / "00_12_pred.nc").path
    with xr.open_dataset(predicted) as on_subset, xr.open_dataset(runs["whole"] / "predictions.nc") as on_whole:
        np.testing.assert_allclose(on_subset["tas_pred"].values, on_whole["tas_pred"].values[::2], rtol=1e-6)
