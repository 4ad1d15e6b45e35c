"""ICON's GRIB2 converted by cdo without its grid (data on ``ncells``, no clon/clat), and the grid
file given beside it (break49d A2): each is named for what it is, with ``cdo setgrid`` first."""

import os
import re
import shutil
import subprocess

import numpy as np
import pytest
import xarray as xr

from climann.data.coords import find_coordinate
from climann.data.open import open_dataset
from climann.errors import ClimannError
from tests.followed_twice import GUARD, without_guards
from tests.fresh_python import shell_path

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
    assert (f"`mkdir -p {tmp_path}/with_grid && cdo setgrid,GRIDFILE {tmp_path}/icon_t2m.nc "  # its copy apart (fix57i)
            f"{tmp_path}/with_grid/icon_t2m.nc` (its copy in a new folder), then give --data "
            f"{tmp_path}/with_grid/icon_t2m.nc in place of {tmp_path}/icon_t2m.nc") in without_guards(message)
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
    assert (f"here icon_t2m.nc beside it, with `mkdir -p {tmp_path}/with_grid && cdo setgrid,"  # its copy apart (fix57i)
            f"{tmp_path}/icon_grid_0047_R19B07_L.nc {tmp_path}/icon_t2m.nc {tmp_path}/with_grid/icon_t2m.nc` (its copy "
            f"in a new folder), then give --data {tmp_path}/with_grid/icon_t2m.nc in place of both") in \
        without_guards(message)
    assert "DATA" not in message


def test_a_grid_file_alone_in_its_folder_says_its_placeholder_is_the_user_s_data(tmp_path):
    _grid_file(tmp_path / "icon_grid_0047_R19B07_L.nc")
    _gridless_data(tmp_path / "other_grid.nc")  # 40 cells
    with xr.open_dataset(tmp_path / "other_grid.nc") as opened:
        opened.isel(ncells=slice(0, 30)).to_netcdf(tmp_path / "thirty.nc")
    (tmp_path / "other_grid.nc").unlink()
    with pytest.raises(ClimannError) as refused:
        open_dataset([tmp_path / "icon_grid_0047_R19B07_L.nc"])
    assert ("`cdo setgrid,{0}/icon_grid_0047_R19B07_L.nc DATA.nc DATA_withgrid.nc` (DATA.nc your data file on 40 "
            "cells: none lies beside icon_grid_0047_R19B07_L.nc)").format(tmp_path) in str(refused.value)


def test_several_data_files_beside_the_grid_file_are_each_named(tmp_path):
    _grid_file(tmp_path / "grid.nc")
    for name in ("a.nc", "b.nc", "c.nc", "d.nc"):
        _gridless_data(tmp_path / name)
    with pytest.raises(ClimannError) as refused:
        open_dataset([tmp_path / "grid.nc"])
    message = str(refused.value)
    assert "here a.nc, b.nc, c.nc and 1 more beside it" in message
    assert (f'`mkdir -p {tmp_path}/with_grid && ( for f in {tmp_path}/a.nc {tmp_path}/b.nc {tmp_path}/c.nc '
            f'{tmp_path}/d.nc; do cdo setgrid,{tmp_path}/grid.nc "$f" {tmp_path}/with_grid/"${{f##*/}}" || exit 1; '
            f"done )` (a copy of each in a new folder), then give --data '{tmp_path}/with_grid/*.nc'") in \
        without_guards(message)  # the copies apart (fix57i)


@CDO
def test_the_grid_file_s_setgrid_runs_as_printed_and_gives_data_read_on_the_grid(tmp_path):
    """break49e: the advice said ``DATA.nc DATA_withgrid.nc``; run as printed it now writes the copy of
    the user's file, whose latitudes are the grid file's (read on its unstructured grid)."""
    _grid_file(tmp_path / "icon_grid_0047_R19B07_L.nc")
    _gridless_data(tmp_path / "icon_t2m.nc")
    with pytest.raises(ClimannError) as refused:
        open_dataset([tmp_path / "icon_t2m.nc", tmp_path / "icon_grid_0047_R19B07_L.nc"])
    command = re.search(rf"`({GUARD}mkdir -p [^`]+ && cdo setgrid,[^`]+)`", str(refused.value))[1]
    subprocess.run(command, shell=True, check=True, capture_output=True, cwd=tmp_path)
    with xr.open_dataset(tmp_path / "with_grid" / "icon_t2m.nc") as copied, \
            xr.open_dataset(tmp_path / "icon_grid_0047_R19B07_L.nc") as grid:
        np.testing.assert_allclose(copied["clat"].values, grid["clat"].values)
    with pytest.raises(ClimannError, match=r"the grid is unstructured \(latitude 'clat' and longitude 'clon'"):
        open_dataset([tmp_path / "with_grid" / "icon_t2m.nc"])


@CDO
def test_the_setgrid_advised_gives_a_file_read_on_its_unstructured_grid(tmp_path):
    """Run as printed with the grid file in place of GRIDFILE, the copy has the grid's cells: it
    meets the unstructured grid's own remap advice (its latitudes found), not "no latitude". The grid
    file elsewhere (not beside the data, where it would be named)."""
    (tmp_path / "grids").mkdir()
    _grid_file(tmp_path / "grids" / "grid.nc")
    _gridless_data(tmp_path / "icon_t2m.nc")
    with pytest.raises(ClimannError) as refused:
        find_coordinate(open_dataset([tmp_path / "icon_t2m.nc"]), "latitude")
    command = re.search(rf"`({GUARD}mkdir -p [^`]+ && cdo setgrid,GRIDFILE [^`]+)`", str(refused.value))[1]
    subprocess.run(command.replace("GRIDFILE", str(tmp_path / "grids" / "grid.nc")), shell=True, check=True,
                   capture_output=True)
    with xr.open_dataset(tmp_path / "with_grid" / "icon_t2m.nc") as copied:
        np.testing.assert_allclose(copied["clat"].values,
                                   xr.open_dataset(tmp_path / "grids" / "grid.nc")["clat"].values)
    with pytest.raises(ClimannError, match=r"the grid is unstructured \(latitude 'clat' and longitude 'clon'"):
        open_dataset([tmp_path / "with_grid" / "icon_t2m.nc"])


@CDO
def test_data_beside_their_grid_file_are_told_its_name_and_the_setgrid_runs_as_printed(tmp_path):
    """break49e: the data's advice said ``GRIDFILE`` with the grid file beside them; named, it runs."""
    _grid_file(tmp_path / "icon_grid_0047_R19B07_L.nc")
    _gridless_data(tmp_path / "icon_t2m.nc")
    with pytest.raises(ClimannError) as refused:
        find_coordinate(open_dataset([tmp_path / "icon_t2m.nc"]), "latitude")
    message = str(refused.value)
    assert "icon_grid_0047_R19B07_L.nc beside it is a grid file of its 40 cells" in message and "GRIDFILE" not in message
    command = re.search(rf"`({GUARD}mkdir -p [^`]+ && cdo setgrid,[^`]+)`", message)[1]
    assert without_guards(command) == (f"mkdir -p {tmp_path}/with_grid && cdo setgrid,"
                                       f"{tmp_path}/icon_grid_0047_R19B07_L.nc {tmp_path}/icon_t2m.nc "
                                       f"{tmp_path}/with_grid/icon_t2m.nc")
    subprocess.run(command, shell=True, check=True, capture_output=True, cwd=tmp_path)
    with pytest.raises(ClimannError, match=r"the grid is unstructured \(latitude 'clat' and longitude 'clon'"):
        open_dataset([tmp_path / "with_grid" / "icon_t2m.nc"])


@CDO
def test_the_setgrid_loop_over_several_files_stops_at_the_first_it_cannot_copy(tmp_path):
    """fix56i: the printed ``for f in a.nc b.nc …; do cdo setgrid,… ; done`` went on after a file CDO
    could not read, and answered with the last file's status. Run as printed with b.nc no NetCDF
    file: it ends non-zero, a.nc's copy holds a.nc's values on the grid file's latitudes, and no file
    after b.nc gets a copy; with b.nc readable every copy is written."""
    _grid_file(tmp_path / "grid.nc")
    for name in ("a.nc", "b.nc", "c.nc", "d.nc"):
        _gridless_data(tmp_path / name)
    with pytest.raises(ClimannError) as refused:
        open_dataset([tmp_path / "grid.nc"])
    command = re.search(rf"`({GUARD}mkdir -p [^`]+ && \( for f in [^`]+)`", str(refused.value))[1]
    good = (tmp_path / "b.nc").read_bytes()
    (tmp_path / "b.nc").write_bytes(b"not a NetCDF file")
    finished = subprocess.run(["bash", "-c", command], capture_output=True, text=True, cwd=tmp_path)
    assert finished.returncode != 0, finished
    assert sorted(path.name for path in tmp_path.glob("with_grid/*.nc")) == ["a.nc"], finished.stderr
    with xr.open_dataset(tmp_path / "with_grid" / "a.nc") as copied, xr.open_dataset(tmp_path / "a.nc") as original, \
            xr.open_dataset(tmp_path / "grid.nc") as grid:
        np.testing.assert_allclose(copied["clat"].values, grid["clat"].values)
        np.testing.assert_array_equal(copied["t_2m"].values, original["t_2m"].values)
    (tmp_path / "with_grid" / "a.nc").unlink()
    (tmp_path / "b.nc").write_bytes(good)
    subprocess.run(["bash", "-c", command], check=True, capture_output=True, cwd=tmp_path)
    assert sorted(path.name for path in tmp_path.glob("with_grid/*.nc")) == [f"{n}.nc" for n in "abcd"]


def _cmip_icon_folder(folder):
    """A CMIP6 ICON-ESM-LR 'gn' download: tas(time, ncells) with its own clat/clon (radians, triangle corners)
    naming areacella in cell_measures, beside areacella_fx_…_gn.nc (clat/clon, areacella, no field)."""
    rng = np.random.default_rng(7)
    lat, lon = np.deg2rad(rng.uniform(-60, 60, CELLS)), np.deg2rad(rng.uniform(0, 360, CELLS))
    step = np.deg2rad(2.0)
    coords = {"clon": ("ncells", lon, {"standard_name": "longitude", "units": "radian", "bounds": "clon_bnds"}),
              "clat": ("ncells", lat, {"standard_name": "latitude", "units": "radian", "bounds": "clat_bnds"})}
    corners = {"clon_bnds": (("ncells", "vertices"), np.stack([lon - step, lon, lon + step], 1)),
               "clat_bnds": (("ncells", "vertices"), np.stack([lat - step, lat + step, lat - step], 1))}
    values = rng.normal(280, 3, (3, CELLS)).astype("f4")
    xr.Dataset({"tas": (("time", "ncells"), values, {"units": "K", "standard_name": "air_temperature",
                                                     "cell_measures": "area: areacella", "coordinates": "clat clon"}),
                **corners},
               coords={**coords, "time": ("time", [15.0, 45.0, 74.0], {"units": "days since 1980-01-01",
                                                                      "standard_name": "time"})},
               attrs={"external_variables": "areacella"}).to_netcdf(folder / "tas_Amon_ICON-ESM-LR_gn.nc")
    xr.Dataset({"areacella": ("ncells", np.full(CELLS, 2.5e11, "f4"), {"units": "m2", "standard_name": "cell_area"}),
                **corners}, coords=coords).to_netcdf(folder / "areacella_fx_ICON-ESM-LR_gn.nc")
    return values


@CDO
def test_a_cmip_areacella_beside_its_data_is_their_areas_and_the_data_s_remap_runs(tmp_path, monkeypatch):
    """break57a A5: areacella_fx_…_gn.nc beside tas was called "a model's grid file" with `cdo setgrid,… DATA.nc
    DATA_withgrid.nc` (beside the user's files; "none lies beside" though tas does). Now: the cell areas of tas,
    left out, and tas's remap, which runs as printed into a new folder; beside the files, that folder only."""
    monkeypatch.chdir(tmp_path)
    values = _cmip_icon_folder(tmp_path)
    with pytest.raises(ClimannError) as refused:
        open_dataset([tmp_path / "areacella_fx_ICON-ESM-LR_gn.nc"])
    message = str(refused.value)
    assert "grid file" not in message and "setgrid" not in message and "withgrid" not in message
    assert "holds only the cell areas (areacella)" in message and "do not remap it" in message
    line = re.search(r"e\.g\. `([^`]*)`", message).group(1)
    assert "cdo remapcon," in line and "tas_Amon_ICON-ESM-LR_gn.nc" in line and "areacella_fx" not in line
    subprocess.run(["bash", "-c", line], cwd=tmp_path, check=True, capture_output=True)
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "areacella_fx_ICON-ESM-LR_gn.nc", "remapped", "tas_Amon_ICON-ESM-LR_gn.nc"]
    copy = open_dataset([tmp_path / "remapped" / "tas_Amon_ICON-ESM-LR_gn.nc"])
    filled = copy["tas"].values[np.isfinite(copy["tas"].values)]
    assert filled.size and values.min() - 1e-3 <= filled.min() and filled.max() <= values.max() + 1e-3




@CDO
@pytest.mark.parametrize("given, data", [
    pytest.param("a.nc", ("a.nc",), id="data-given"),
    pytest.param("grid.nc", ("a.nc",), id="grid-given-one-file"),
    pytest.param("grid.nc", ("a.nc", "b.nc"), id="grid-given-loop"),
])
def test_the_setgrid_line_writes_apart_and_runs_in_a_folder_with_a_space(tmp_path, monkeypatch, given, data):
    """fix57i: the setgrid line wrote its copy beside the user's file (a_withgrid.nc, taken with it by a glob over
    the folder), and CDO 2.1.1 opens no path with a space: for files in "my data" it failed as printed. Run by bash
    as printed, each copy is now in a new folder, on the grid file's cells (its clat) with the file's values, and
    the folder holds only its files and the new folder."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "my data"
    folder.mkdir()
    _grid_file(folder / "grid.nc")
    for name in data:
        _gridless_data(folder / name)
    originals = sorted(path.name for path in folder.iterdir())
    with pytest.raises(ClimannError) as refused:
        find_coordinate(open_dataset([folder / given]), "latitude")
    line = next(part for part in str(refused.value).split("`") if "cdo setgrid" in part)
    subprocess.run(["bash", "-c", line], check=True, capture_output=True, cwd=tmp_path,
                   env={**os.environ, "PATH": shell_path()})
    assert sorted(path.name for path in folder.iterdir()) == sorted([*originals, "with_grid"])
    assert sorted(path.name for path in (folder / "with_grid").iterdir()) == sorted(data)
    with xr.open_dataset(folder / "grid.nc") as grid:
        for name in data:
            with xr.open_dataset(folder / "with_grid" / name) as copied, xr.open_dataset(folder / name) as original:
                np.testing.assert_allclose(copied["clat"].values, grid["clat"].values)
                np.testing.assert_array_equal(copied["t_2m"].values, original["t_2m"].values)
