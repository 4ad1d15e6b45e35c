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
    times, truth = six_hourly()
    units = "hours since 2001-01-01"
    hours = np.arange(times.size) * 6.0
    path = tmp_path_factory.mktemp("data") / "tas_6hr.nc"
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
    # by hand, on the run's own split (flags 1 train, 3 test): the training years' mean of each
    # (day of year, 6-hour step), scored with cos(latitude) area weights
    with xr.open_dataset(run_dir / "predictions.nc", decode_times=False) as predictions:
        labels = predictions["split"].values
    by_step = truth.astype(np.float32).astype(np.float64)
    train = labels == 1
    keys = np.arange(truth.shape[0]) % (365 * 4)
    climatology = np.stack([by_step[train & (keys == key)].mean(axis=0) for key in range(365 * 4)])
    test = labels == 3
    weights = np.cos(np.deg2rad([-30.0, 30.0]))[:, None] * np.ones((1, 3))
    error = (by_step[test] - climatology[keys[test]]) ** 2
    expected = float((error * weights).sum() / (weights.sum() * test.sum()))
    np.testing.assert_allclose(metrics["splits"]["test"]["climatology"]["mse"], expected, rtol=1e-5)
    assert metrics["climatology_per"] == "day of year and hour"
    assert "climatology per day of year and hour" in (run_dir / "report.md").read_text()
