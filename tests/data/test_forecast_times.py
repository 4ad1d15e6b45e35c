import numpy as np
import pytest

from climann.data.forecast_times import on_valid_time
from climann.data.open import open_dataset
from tests.forecast_files import REFERENCE_TIMES, cfgrib_layout


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
