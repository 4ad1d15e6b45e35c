"""Forecast datasets laid out as cfgrib gives them (and writes them to NetCDF), for tests."""

from __future__ import annotations

import numpy as np
import xarray as xr

LATITUDES = np.array([10.0, 0.0, -10.0])
LONGITUDES = np.array([0.0, 10.0, 20.0, 30.0])
REFERENCE_TIMES = np.array(["1990-01-01", "1990-02-01", "1990-03-01", "1990-04-01", "1990-05-01"], "datetime64[ns]")


def cfgrib_layout(steps_hours: list[int], *, seed: int = 0) -> xr.Dataset:
    """A forecast dataset as cfgrib gives it (and its ``to_netcdf`` writes it): the reference
    time on the dimension ``time`` (standard_name forecast_reference_time), the lead time
    ``step`` (forecast_period), and ``valid_time`` (standard_name time) = time + step;
    ``step`` a scalar for one lead time, else a dimension with ``valid_time(time, step)``."""
    rng = np.random.default_rng(seed)
    steps = np.array(steps_hours, "timedelta64[h]").astype("timedelta64[ns]")
    one = len(steps) == 1
    shape = (len(REFERENCE_TIMES),) + (() if one else (len(steps),)) + (len(LATITUDES), len(LONGITUDES))
    dims = ("time",) + (() if one else ("step",)) + ("latitude", "longitude")
    valid = REFERENCE_TIMES[:, None] + steps[None, :]
    time_attrs = {"units": "seconds since 1970-01-01", "calendar": "proleptic_gregorian"}
    dataset = xr.Dataset(
        {"t2m": (dims, rng.normal(280, 5, shape).astype("float32"), {"units": "K"}),
         "msl": (dims, rng.normal(101300, 100, shape).astype("float32"), {"units": "Pa"})},
        coords={
            "time": ("time", REFERENCE_TIMES, {"standard_name": "forecast_reference_time"}),
            "step": ((), steps[0]) if one else ("step", steps),
            "valid_time": (("time",), valid[:, 0]) if one else (("time", "step"), valid),
            "latitude": ("latitude", LATITUDES, {"units": "degrees_north", "standard_name": "latitude"}),
            "longitude": ("longitude", LONGITUDES, {"units": "degrees_east", "standard_name": "longitude"}),
        },
    )
    dataset["step"].attrs.update(standard_name="forecast_period", long_name="time since forecast_reference_time")
    dataset["valid_time"].attrs.update(standard_name="time", long_name="time")
    for name in ("time", "valid_time"):
        dataset[name].encoding.update(time_attrs)
    return dataset
