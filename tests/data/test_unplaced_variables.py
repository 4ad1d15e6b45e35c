import re
import shlex

import netCDF4
import numpy as np
import pytest
import xarray as xr

from climann.data.open import open_dataset
from climann.errors import ClimannError
from tests.fresh_python import bare_python, run_python

LAT, LON = np.array([-45.0, 0.0, 45.0]), np.array([0.0, 90.0, 180.0, 270.0])
N_TIME = 6


def _rsdt() -> np.ndarray:
    """rsdt(time, lat, lon) whose every value is different: a value paired with another step or cell shows."""
    return np.arange(N_TIME * LAT.size * LON.size, dtype=np.float32).reshape(N_TIME, LAT.size, LON.size)


def _root_and_group(path):
    """NetCDF-4: tas and the coordinates in the root, rsdt in the group 'forcing' on the root's
    dimensions (its coordinates are the root's, which a copy of the group alone leaves behind)."""
    with netCDF4.Dataset(path, "w") as nc:
        for name, size in (("time", N_TIME), ("lat", LAT.size), ("lon", LON.size)):
            nc.createDimension(name, size)
        time = nc.createVariable("time", "f8", ("time",))
        time.units, time.calendar, time[:] = "days since 2000-01-01", "noleap", 15.0 + 30.0 * np.arange(N_TIME)
        for name, values, units in (("lat", LAT, "degrees_north"), ("lon", LON, "degrees_east")):
            variable = nc.createVariable(name, "f8", (name,))
            variable.units, variable[:] = units, values
        tas = nc.createVariable("tas", "f4", ("time", "lat", "lon"))
        tas.units, tas[:] = "K", 280.0 + _rsdt() / 100
        rsdt = nc.createGroup("forcing").createVariable("rsdt", "f4", ("time", "lat", "lon"))
        rsdt.units, rsdt[:] = "W m-2", _rsdt()
    return path


def _group_copied_by_xarray(root, path, *, keep=()):
    """The group 'forcing' of ``root`` copied into a plain file as
    ``xr.open_dataset(root, group="forcing").to_netcdf(path)`` does (no coordinates), with the
    root's coordinates ``keep`` added."""
    copy = xr.open_dataset(root, group="forcing").load()
    with xr.open_dataset(root) as source:
        copy = copy.assign_coords({name: source[name].load() for name in keep})
    copy.to_netcdf(path)
    return path


@pytest.mark.parametrize("keep, named", [
    pytest.param((), "no time and horizontal coordinate values (its dimensions 'time', 'lat', 'lon' have", id="none"),
    pytest.param(("lat", "lon"), "no time coordinate values (its dimension 'time' has", id="no-time"),
    pytest.param(("time",), "no horizontal coordinate values (its dimensions 'lat', 'lon' have", id="no-lat-lon"),
])
def test_a_variable_whose_file_gives_no_coordinates_is_refused_not_paired_by_position(tmp_path, monkeypatch, keep,
                                                                                      named):
    monkeypatch.chdir(tmp_path)
    root = _root_and_group(tmp_path / "groups.nc")
    copy = _group_copied_by_xarray(root, tmp_path / "forcing.nc", keep=keep)
    with pytest.raises(ClimannError) as refused:
        open_dataset([root, copy], grid_of="tas", variables=("tas", "rsdt"))
    message = str(refused.value)
    assert message.startswith(f"variable 'rsdt' in forcing.nc has {named} none in that file, while groups.nc gives them)")
    assert message.endswith(" (then give forcing_with_coordinates.nc in place of forcing.nc in --data: a glob over "
                            "their folder takes both, and two files of one variable are refused)")
    assert "\n" not in message


def test_the_refusals_command_gives_a_file_that_trains_on_the_right_steps_and_cells(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    root = _root_and_group(tmp_path / "groups.nc")
    copy = _group_copied_by_xarray(root, tmp_path / "forcing.nc")
    with pytest.raises(ClimannError) as refused:
        open_dataset([root, copy], grid_of="tas", variables=("tas", "rsdt"))
    command = shlex.split(re.search(r"its root's\) (python -c .*)$", bare_python(str(refused.value))).group(1))
    run_python(*command[1:], check=True, cwd=tmp_path)
    dataset = open_dataset([root, tmp_path / "forcing_with_coordinates.nc"], grid_of="tas", variables=("tas", "rsdt"))
    np.testing.assert_array_equal(dataset["rsdt"].transpose("time", "lat", "lon").values, _rsdt())
    np.testing.assert_array_equal(dataset["lat"].values, LAT)


def test_a_file_of_an_unused_variable_without_coordinates_does_not_count(tmp_path):
    root = _root_and_group(tmp_path / "groups.nc")
    copy = _group_copied_by_xarray(root, tmp_path / "forcing.nc")
    dataset = open_dataset([root, copy], grid_of="tas", variables=("tas",))
    assert "rsdt" not in dataset.data_vars


@pytest.mark.parametrize("rename", [pytest.param({}, id="as-in-the-file"),
                                    pytest.param({"cdr_v4.nc": {"latitude": "lat"}}, id="latitude-renamed")])
def test_the_command_names_the_coordinates_as_their_file_holds_them(tmp_path, monkeypatch, rename):
    """break43a A1: beside the NSIDC CDR (x/y stored as xgrid(x)/ygrid(y), its latitude renamed to lat), the line
    copied ["y", "x", "lat", "longitude"] out of the CDR's file, which holds none of y, x or lat: KeyError 'lat'. It
    names them as the file holds them, and, run as printed, writes a copy whose t2m lies on the CDR's cells."""
    from tests.data.test_grid_axis_variables import X_M, Y_M, _write_cdr_v4

    monkeypatch.chdir(tmp_path)
    cdr = _write_cdr_v4(tmp_path / "cdr_v4.nc", with_positions=True)
    t2m = 250 + np.arange(3 * Y_M.size * X_M.size, dtype="f4").reshape(3, Y_M.size, X_M.size)
    with xr.open_dataset(cdr, decode_times=False) as own:
        time = own["time"].load()
    xr.Dataset({"t2m": (("tdim", "y", "x"), t2m, {"units": "K"})}, coords={"time": time}).to_netcdf("t2m.nc")
    with pytest.raises(ClimannError) as refused:
        open_dataset([cdr, tmp_path / "t2m.nc"], rename=rename, grid_of="cdr_seaice_conc_monthly",
                     variables=("cdr_seaice_conc_monthly", "t2m"))
    message = str(refused.value)
    assert message.startswith("variable 't2m' in t2m.nc has no horizontal coordinate values")
    command = shlex.split(re.search(r"its root's\) (python -c .*?) \(then give", bare_python(message)).group(1))
    assert '["ygrid", "xgrid", "latitude", "longitude"]' in command[2]
    run_python(*command[1:], check=True, cwd=tmp_path)
    dataset = open_dataset([cdr, tmp_path / "t2m_with_coordinates.nc"], rename=rename,
                           grid_of="cdr_seaice_conc_monthly", variables=("cdr_seaice_conc_monthly", "t2m"))
    np.testing.assert_array_equal(dataset["t2m"].transpose(..., "y", "x").values, t2m)
    np.testing.assert_array_equal(dataset["x"].values, X_M)
