"""ICON's GRIB2 converted by cdo without its grid (data on ``ncells``, no clon/clat), and the grid
file given beside it (break49d A2): each is named for what it is, with ``cdo setgrid`` first."""

import re
import shutil
import subprocess

import numpy as np
import pytest
import xarray as xr

from climann.data.coords import find_coordinate
from climann.data.open import open_dataset
from climann.errors import ClimannError

CELLS = 40

CDO = pytest.mark.skipif(shutil.which("cdo") is None, reason="needs CDO")


def _grid_file(path):
    """An ICON grid file as DWD's hold it: ``clon``/``clat`` in radians on ``ncells`` with triangle
    corners, ``cell_area``, and a global ``uuidOfHGrid``; no field."""
    rng = np.random.default_rng(1)
    lat, lon = np.deg2rad(rng.uniform(45, 55, CELLS)), np.deg2rad(rng.uniform(5, 15, CELLS))
    step = np.deg2rad(0.3)
    xr.Dataset(
        {"clon_bnds": (("ncells", "vertices"), np.stack([lon - step, lon, lon + step], 1)),
         "clat_bnds": (("ncells", "vertices"), np.stack([lat - step, lat + step, lat - step], 1)),
         "cell_area": ("ncells", np.full(CELLS, 1e8), {"units": "m2", "standard_name": "cell_area",
                                                         "coordinates": "clat clon"})},
        coords={"clon": ("ncells", lon, {"standard_name": "longitude", "units": "radian", "bounds": "clon_bnds"}),
                "clat": ("ncells", lat, {"standard_name": "latitude", "units": "radian", "bounds": "clat_bnds"})},
        attrs={"uuidOfHGrid": "0f1e2d3c"}).to_netcdf(path)


def _gridless_data(path):
    """``t_2m(time, ncells)`` as ``cdo -f nc copy`` writes ICON's GRIB2: CDI_grid_type unstructured, no coordinates."""
    rng = np.random.default_rng(2)
    xr.Dataset({"t_2m": (("time", "ncells"), rng.normal(280, 3, (4, CELLS)).astype("f4"),
                         {"units": "K", "CDI_grid_type": "unstructured", "number_of_grid_in_reference": 1})},
               coords={"time": ("time", np.arange(4.0), {"units": "days since 2021-01-01", "standard_name": "time"})},
               attrs={"number_of_grid_used": 47}).to_netcdf(path)


def test_data_without_their_grid_are_told_to_attach_it_with_cdo_setgrid(tmp_path):
    """Before: "no latitude coordinate found … coordinates present: time", with no way out."""
    _gridless_data(tmp_path / "icon_t2m.nc")
    with pytest.raises(ClimannError) as refused:
        find_coordinate(open_dataset([tmp_path / "icon_t2m.nc"]), "latitude")
    message = str(refused.value)
    assert "'ncells', the cells of an unstructured grid, with no coordinates" in message
    assert f"`cdo setgrid,GRIDFILE {tmp_path}/icon_t2m.nc {tmp_path}/icon_t2m_withgrid.nc`" in message
    assert "grid number 47" in message


def test_the_grid_file_is_named_a_grid_file_and_never_advised_a_remap(tmp_path):
    """Before: the grid file (no data) was advised `cdo remapcon,… grid.nc grid_remapped.nc`."""
    _grid_file(tmp_path / "icon_grid_0047_R19B07_L.nc")
    _gridless_data(tmp_path / "icon_t2m.nc")
    with pytest.raises(ClimannError) as refused:
        open_dataset([tmp_path / "icon_grid_0047_R19B07_L.nc"])
    message = str(refused.value)
    assert "remap" not in message.split("`")[1] and "_remapped" not in message
    assert "it is a model's grid file, not data" in message
    assert f"cdo setgrid,{tmp_path}/icon_grid_0047_R19B07_L.nc DATA.nc DATA_withgrid.nc" in message


@CDO
def test_the_setgrid_advised_gives_a_file_read_on_its_unstructured_grid(tmp_path):
    """Run as printed with the grid file in place of GRIDFILE, the copy has the grid's cells: it
    meets the unstructured grid's own remap advice (its latitudes found), not "no latitude"."""
    _grid_file(tmp_path / "grid.nc")
    _gridless_data(tmp_path / "icon_t2m.nc")
    with pytest.raises(ClimannError) as refused:
        find_coordinate(open_dataset([tmp_path / "icon_t2m.nc"]), "latitude")
    command = re.search(r"`(cdo setgrid,GRIDFILE [^`]+)`", str(refused.value))[1]
    subprocess.run(command.replace("GRIDFILE", str(tmp_path / "grid.nc")), shell=True, check=True,
                   capture_output=True)
    with xr.open_dataset(tmp_path / "icon_t2m_withgrid.nc") as copied:
        np.testing.assert_allclose(copied["clat"].values, xr.open_dataset(tmp_path / "grid.nc")["clat"].values)
    with pytest.raises(ClimannError, match=r"the grid is unstructured \(latitude 'clat' and longitude 'clon'"):
        open_dataset([tmp_path / "icon_t2m_withgrid.nc"])
