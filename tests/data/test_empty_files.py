"""Files whose data hold no values (an unlimited dimension of length 0): refused in one line
naming them, never the good files of the set."""

import netCDF4
import numpy as np
import pytest
import xarray as xr

from climann.data.empty_files import empty_dimension
from climann.data.open import open_dataset
from climann.errors import ClimannError

LAT = np.array([-10.0, 10.0])
LON = np.array([0.0, 90.0, 180.0])


def _write(path, *, year, sizes=None, unlimited=("time",)):
    """tas(time, lat, lon) of one year (12 months), with the dimensions of ``sizes`` shortened."""
    sizes = {"time": 12, "lat": len(LAT), "lon": len(LON), **(sizes or {})}
    with netCDF4.Dataset(path, "w") as nc:
        for name in ("time", "lat", "lon"):
            nc.createDimension(name, None if name in unlimited else sizes[name])
        time = nc.createVariable("time", "f8", ("time",))
        time.units, time.calendar, time.standard_name = f"days since {year}-01-01", "noleap", "time"
        time[:] = (15.0 + 30.0 * np.arange(12))[: sizes["time"]]
        for name, values, units in (("lat", LAT, "degrees_north"), ("lon", LON, "degrees_east")):
            variable = nc.createVariable(name, "f8", (name,))
            variable.units = units
            variable[:] = values[: sizes[name]]
        tas = nc.createVariable("tas", "f4", ("time", "lat", "lon"))
        tas.units = "K"
        if all(sizes.values()):
            tas[:] = np.full((sizes["time"], sizes["lat"], sizes["lon"]), 280.0)
    return path


@pytest.mark.parametrize(
    ("sizes", "unlimited", "expected"),
    [
        pytest.param({"time": 0}, ("time",), "no time step (its time dimension 'time' has length 0)", id="time"),
        pytest.param({"lat": 0}, ("lat",), "no value of tas (dimension 'lat' has length 0)", id="lat"),
        pytest.param({"lon": 0}, ("time", "lon"), "no value of tas (dimension 'lon' has length 0)", id="lon"),
    ],
)
def test_a_file_without_values_is_refused_naming_the_empty_dimension(tmp_path, sizes, unlimited, expected):
    path = _write(tmp_path / "tas_2010.nc", year=2010, sizes=sizes, unlimited=unlimited)
    with pytest.raises(ClimannError) as error:
        open_dataset([path])
    message = str(error.value)
    assert message.startswith(f"tas_2010.nc holds {expected}: leave it out of the files given")
    assert ("cdo seldate" in message) == ("time" in sizes)


def test_in_a_set_only_the_empty_files_are_named(tmp_path):
    good = [_write(tmp_path / f"tas_{year}.nc", year=year) for year in (2007, 2008, 2009)]
    empty = [_write(tmp_path / f"tas_{year}.nc", year=year, sizes={"time": 0}) for year in (2010, 2011)]
    with pytest.raises(ClimannError) as error:
        open_dataset(good + empty)
    message = str(error.value)
    assert message.startswith("tas_2010.nc holds no time step (its time dimension 'time' has length 0); "
                              "tas_2011.nc holds no time step")
    assert "leave them out of the files given" in message
    assert "(the other 3 files hold values)" in message
    assert not any(path.name in message for path in good)


def test_the_good_files_alone_open(tmp_path):
    good = [_write(tmp_path / f"tas_{year}.nc", year=year) for year in (2008, 2009)]
    _write(tmp_path / "tas_2010.nc", year=2010, sizes={"time": 0})
    opened = open_dataset(good)
    assert opened.sizes["time"] == 24
    assert float(opened.tas.mean()) == 280.0


def test_a_static_field_beside_the_series_is_not_empty(tmp_path):
    """A file without time (orography) holds values: only a dimension of length 0 empties a file."""
    path = tmp_path / "orog.nc"
    with netCDF4.Dataset(path, "w") as nc:
        nc.createDimension("lat", 2)
        nc.createDimension("lon", 3)
        nc.createVariable("orog", "f4", ("lat", "lon"))[:] = np.zeros((2, 3))
    with xr.open_dataset(path) as dataset:
        assert empty_dimension(dataset) is None
