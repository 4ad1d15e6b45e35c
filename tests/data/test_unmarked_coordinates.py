import re
import shlex

import netCDF4
import numpy as np
import pytest

from climann.data.open import open_dataset
from climann.errors import ClimannError
from tests.fresh_python import bare_python, run_python

NY, NX, N_TIME = 3, 4, 6
NAV_LAT = np.linspace(-30.0, 30.0, NY * NX, dtype=np.float32).reshape(NY, NX)
NAV_LON = np.linspace(10.0, 120.0, NY * NX, dtype=np.float32).reshape(NY, NX)


def _o2() -> np.ndarray:
    """O2(time_counter, y, x) whose every value is different: a value paired with another cell shows."""
    return np.arange(N_TIME * NY * NX, dtype=np.float32).reshape(N_TIME, NY, NX) + 200.0


def _nemo_output(path):
    """An XIOS output file: O2 on an ORCA-like curvilinear grid, nav_lat/nav_lon as coordinates with attributes."""
    with netCDF4.Dataset(path, "w") as nc:
        for name, size in (("time_counter", N_TIME), ("y", NY), ("x", NX)):
            nc.createDimension(name, size)
        time = nc.createVariable("time_counter", "f8", ("time_counter",))
        time.units, time.calendar, time[:] = "days since 2000-01-01", "noleap", 15.0 + 30.0 * np.arange(N_TIME)
        for name, values, standard, units in (("nav_lat", NAV_LAT, "latitude", "degrees_north"),
                                              ("nav_lon", NAV_LON, "longitude", "degrees_east")):
            variable = nc.createVariable(name, "f4", ("y", "x"))
            variable.standard_name, variable.units, variable[:] = standard, units, values
        o2 = nc.createVariable("O2", "f4", ("time_counter", "y", "x"))
        o2.units, o2.coordinates, o2[:] = "mmol/m3", "time_counter nav_lat nav_lon", _o2()
    return path


def _mesh_mask(path, *, shift=0.0):
    """NEMO's mesh_mask.nc: nav_lat/nav_lon (moved by ``shift`` degrees) and the metrics, none with attributes."""
    with netCDF4.Dataset(path, "w") as nc:
        for name, size in (("t", 1), ("z", 2), ("y", NY), ("x", NX)):
            nc.createDimension(name, size)
        nc.createVariable("nav_lat", "f4", ("y", "x"))[:] = NAV_LAT + shift
        nc.createVariable("nav_lon", "f4", ("y", "x"))[:] = NAV_LON
        nc.createVariable("tmask", "i1", ("t", "z", "y", "x"))[:] = 1
        nc.createVariable("e1t", "f8", ("t", "y", "x"))[:] = 2.0e5 + np.arange(NY * NX).reshape(1, NY, NX)
    return path


@pytest.mark.parametrize("variables", [pytest.param(("O2",), id="train"), pytest.param(None, id="info")])
def test_a_mesh_mask_beside_the_output_is_read_on_the_outputs_cells(tmp_path, variables):
    output, mesh = _nemo_output(tmp_path / "ORCA2_ptrc_T.nc"), _mesh_mask(tmp_path / "mesh_mask.nc")
    dataset = open_dataset([output, mesh], grid_of="O2", variables=variables)
    np.testing.assert_array_equal(dataset["O2"].transpose("time_counter", "y", "x").values, _o2())
    np.testing.assert_array_equal(dataset["nav_lat"].values, NAV_LAT)
    assert dataset["nav_lat"].attrs["standard_name"] == "latitude"
    assert "nav_lat" not in dataset.data_vars and "nav_lon" not in dataset.data_vars
    if variables is None:  # the grid file's metrics are on the same cells
        np.testing.assert_array_equal(dataset["e1t"].squeeze().values,
                                      2.0e5 + np.arange(NY * NX).reshape(NY, NX))


def test_a_mesh_mask_of_other_positions_is_refused_with_a_copy_to_give_in_place(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    output, mesh = _nemo_output(tmp_path / "ORCA2_ptrc_T.nc"), _mesh_mask(tmp_path / "mesh_mask.nc", shift=0.5)
    with pytest.raises(ClimannError) as refused:
        open_dataset([output, mesh], grid_of="O2", variables=("O2",))
    message = str(refused.value)
    assert message.startswith("'nav_lat' is a coordinate of ORCA2_ptrc_T.nc and a plain variable of mesh_mask.nc")
    assert f"at {NY * NX} of its {NY * NX} cells (up to 0.5 apart)" in message
    assert message.endswith(" (then give mesh_mask_with_coordinates.nc in place of mesh_mask.nc in --data: a glob "
                            "over their folder takes both, and two files of one variable are refused)")
    command = shlex.split(re.search(r"coordinates: (python -c '.*?') \(then give", bare_python(message)).group(1))
    run_python(*command[1:], check=True, cwd=tmp_path)
    mesh.rename(tmp_path / "mesh_mask_moved_out.nc")  # as the message says: the copy in place of the original
    dataset = open_dataset([output, tmp_path / "mesh_mask_with_coordinates.nc"], grid_of="O2", variables=None)
    np.testing.assert_array_equal(dataset["nav_lat"].values, NAV_LAT)
    np.testing.assert_array_equal(dataset["O2"].transpose("time_counter", "y", "x").values, _o2())


def test_a_described_variable_named_as_another_files_coordinate_is_refused_in_one_line(tmp_path):
    """A variable that says what it is (a long_name) is not taken for the other file's coordinate;
    the files are refused naming the two kinds, not with xarray's own words alone."""
    output, mesh = _nemo_output(tmp_path / "ORCA2_ptrc_T.nc"), _mesh_mask(tmp_path / "mesh_mask.nc")
    with netCDF4.Dataset(mesh, "a") as nc:
        nc["nav_lat"].long_name = "grid latitude, model's own"
    with pytest.raises(ClimannError) as refused:
        open_dataset([output, mesh], grid_of="O2", variables=("O2",))
    message = str(refused.value)
    assert message.startswith("the files ORCA2_ptrc_T.nc, mesh_mask.nc do not combine: a variable is a coordinate in "
                              "one file and a data variable in another ("), message
    assert "nav_lat" in message and message.endswith("leave the file that holds it as a data variable out of the files "
                                                     "given (--data)")
