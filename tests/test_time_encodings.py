"""Whole runs on inputs whose time encoding is unusual: months since a date in a 360-day
calendar trains and writes its predictions with the input's dates; nothing fails after
training because of the input's encoding."""

import dataclasses

import cftime
import netCDF4
import numpy as np
import pytest
import xarray as xr

from climann.workflow.config import build_config
from climann.errors import ClimannError
from climann.workflow.pipeline import run_training

TINY = {"model": {"hidden": [4]}, "training": {"epochs": 1, "batch_size": 64},
        "evaluation": {"figures": False}}


@pytest.fixture(scope="module")
def months_since_360_day(tmp_path_factory):
    """Five years of months, time in 'months since 1960-01-01' (float32, mid-month) in 360_day."""
    path = tmp_path_factory.mktemp("data") / "months_since_360day.nc"
    rng = np.random.default_rng(3)
    n, lat, lon = 60, np.array([-45.0, 0.0, 45.0]), np.array([0.0, 90.0, 180.0, 270.0])
    pred = rng.uniform(0, 1, (n, lat.size, lon.size))
    with netCDF4.Dataset(path, "w") as nc:
        nc.createDimension("time", n)
        nc.createDimension("lat", lat.size)
        nc.createDimension("lon", lon.size)
        time = nc.createVariable("time", "f4", ("time",))
        time.units, time.calendar, time.standard_name = "months since 1960-01-01", "360_day", "time"
        time[:] = np.arange(n) + 0.5
        for name, values, units in (("lat", lat, "degrees_north"), ("lon", lon, "degrees_east")):
            variable = nc.createVariable(name, "f4", (name,))
            variable.units, variable[:] = units, values
        variable = nc.createVariable("pred", "f4", ("time", "lat", "lon"))
        variable.units, variable[:] = "1", pred
        variable = nc.createVariable("tas", "f4", ("time", "lat", "lon"))
        variable.units, variable[:] = "K", 280 + 10 * pred + 0.1 * lat[None, :, None]
    return path


@pytest.mark.parametrize("limit_gb", [pytest.param(2.0, id="in-memory"), pytest.param(1e-6, id="streamed")])
def test_months_since_in_360_day_trains_and_writes_the_inputs_dates(months_since_360_day, tmp_path, limit_gb):
    config = build_config({**TINY, "data": {"paths": [str(months_since_360_day)], "predictors": ["pred"],
                                            "features": ["lat"], "lags": {"tas": [1]}, "in_memory_limit_gb": limit_gb}})
    result = run_training(config, run_dir=tmp_path / "run")
    written = xr.open_dataset(result.run_dir / "predictions.nc", decode_times=xr.coders.CFDatetimeCoder(use_cftime=True))
    # the input's dates, computed independently: a 360-day month is 30 days
    expected = cftime.num2date((np.arange(60) + 0.5) * 30, "days since 1960-01-01", calendar="360_day")
    # every time step, also streamed (scored and written chunk by chunk); the key of older streamed runs kept
    assert ("evaluated_every_nth_time_step" in result.metrics) == (limit_gb < 1)
    assert result.metrics.get("evaluated_every_nth_time_step", 1) == 1
    assert list(written["time"].values) == list(expected)
    assert written["time"].encoding["calendar"] == "360_day"
    assert written["time"].encoding["units"] == "days since 1960-01-01"


def test_an_output_encoding_that_cannot_be_written_fails_before_training(months_since_360_day, tmp_path, monkeypatch):
    import climann.workflow.pipeline as pipeline
    import climann.workflow.preparation as preparation

    real_build = preparation.build_samples

    def with_unwritable_units(config, source=None):
        samples = real_build(config, source)
        layout = dataclasses.replace(samples.layout, time_units="months since 1960-01-01")
        return dataclasses.replace(samples, layout=layout)

    def never(*args, **kwargs):
        raise AssertionError("training began")

    monkeypatch.setattr(preparation, "build_samples", with_unwritable_units)
    monkeypatch.setattr(pipeline, "fit_network", never)
    config = build_config({**TINY, "data": {"paths": [str(months_since_360_day)], "predictors": ["pred"]}})
    with pytest.raises(ClimannError, match="predictions.nc could not be written .*'months since 1960-01-01'"):
        run_training(config, run_dir=tmp_path / "run")
