import numpy as np
import pytest
import xarray as xr

from climann.data.forecast_times import on_valid_time
from climann.data.open import open_dataset

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


def _dates(values: np.ndarray) -> list[str]:
    return [value.isoformat(sep=" ") if hasattr(value, "isoformat") else str(value) for value in np.ravel(values)]


@pytest.mark.parametrize("suffix", [pytest.param(".nc", id="netcdf"), pytest.param(".zarr", id="zarr")])
def test_a_cfgrib_copy_is_on_its_valid_times(tmp_path, suffix):
    """cfgrib's NetCDF (or Zarr) copy of a GRIB file: ``time`` is the forecast reference time,
    ``valid_time(time)`` the times the fields are valid at; the time axis is the valid time."""
    if suffix == ".zarr":
        pytest.importorskip("zarr")
    written = cfgrib_layout([6])
    path = tmp_path / f"era{suffix}"
    written.to_netcdf(path) if suffix == ".nc" else written.to_zarr(path, consolidated=False)
    opened = open_dataset([path])
    expected = [str(date).replace("T", " ") for date in (REFERENCE_TIMES + np.timedelta64(6, "h")).astype("datetime64[s]")]
    assert opened["t2m"].dims == ("time", "latitude", "longitude")
    assert _dates(opened["time"].values) == expected  # 1990-01-01 06:00:00, …
    np.testing.assert_array_equal(opened["t2m"].values, written["t2m"].values)
    assert float(opened["step"]) == 6.0 and opened["step"].attrs["units"] == "hours"  # the lead time, kept


def test_a_valid_time_on_a_reference_time_dimension_of_another_name_replaces_it():
    """Not only cfgrib's names: the CF standard names say which coordinate is which."""
    dataset = cfgrib_layout([0]).rename({"time": "reftime", "valid_time": "valid"})
    swapped = on_valid_time(dataset)
    assert swapped["t2m"].dims == ("time", "latitude", "longitude")
    assert "reftime" not in swapped.variables
    np.testing.assert_array_equal(swapped["time"].values, REFERENCE_TIMES)


def test_a_dated_dimension_of_another_kind_is_left_alone():
    """A valid time beside a dimension that is not a forecast's (no forecast_reference_time)
    is none of this function's business (see time_on_its_dimension)."""
    dataset = cfgrib_layout([0])
    dataset["time"].attrs["standard_name"] = "time"
    kept = on_valid_time(dataset)
    assert kept["valid_time"].dims == ("time",)
    np.testing.assert_array_equal(kept["time"].values, REFERENCE_TIMES)
