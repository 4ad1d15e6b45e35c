"""Tiles of one grid (climann/data/grid_tiles.py): two Daymet-style tiles on one Lambert conformal
conic lattice, offset by whole cells and each missing outside its own box, are told as pieces of a
mosaic with the line that joins them; pasted, every cell with data of every tile is in the mosaic
with its value (checked against the tiles read with netCDF4, by each cell's x and y)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import netCDF4
import numpy as np
import pytest
import xarray as xr
from pyproj import Proj

from climann.data import shell
from climann.data.grid_tiles import lattice_offsets
from climann.data.open import open_dataset
from climann.data.sources import names_apart
from climann.errors import ClimannError
from tests.console import run_main
from tests.fresh_python import shell_path

#: The whole lattice: 6 rows, 12 columns of 1 km; tile 11935 has columns 0–7 (data in 0–5), tile
#: 11936 columns 4–11 (data in 6–11): 4 columns overlap, as break53d A2's.
X = 1000.0 * (np.arange(12) + 250.25)
Y = 1000.0 * (np.arange(6)[::-1] - 300.5)
TILES = {"11935": (slice(0, 8), slice(0, 6)), "11936": (slice(4, 12), slice(2, 8))}
MAPPING = {"grid_mapping_name": "lambert_conformal_conic", "longitude_of_central_meridian": -100.0,
           "latitude_of_projection_origin": 42.5, "false_easting": 0.0, "false_northing": 0.0,
           "standard_parallel": np.array([25.0, 60.0]), "semi_major_axis": 6378137.0,
           "inverse_flattening": 298.257223563}

_LCC = Proj(proj="lcc", lat_1=25, lat_2=60, lat_0=42.5, lon_0=-100, x_0=0, y_0=0, ellps="WGS84")


def _write_tiles(folder: Path, years=(2015, 2016), variables=("tmax", "prcp")) -> list[Path]:
    """Daymet's single-tile layout, ``tiles/<year>/<tile>_<year>/<var>.nc``: 3 days a year, -9999 (its
    ``_FillValue`` and ``missing_value``) outside each tile's box, 2-D lat/lon, the LCC mapping."""
    rng = np.random.default_rng(53)
    written = []
    for year in years:
        for number, variable in enumerate(variables):
            full = (20 + 5 * rng.standard_normal((3, Y.size, X.size))).astype("f4") + number
            for tile, (columns, valid) in TILES.items():
                path = folder / "tiles" / str(year) / f"{tile}_{year}" / f"{variable}.nc"
                path.parent.mkdir(parents=True, exist_ok=True)
                x = X[columns]
                with netCDF4.Dataset(path, "w") as nc:
                    nc.createDimension("time", None)
                    nc.createDimension("y", Y.size)
                    nc.createDimension("x", x.size)
                    nc.createDimension("nv", 2)
                    for name, values, kind in (("x", x, "projection_x_coordinate"),
                                               ("y", Y, "projection_y_coordinate")):
                        axis = nc.createVariable(name, "f4", (name,))
                        axis[:], axis.units, axis.standard_name = values, "m", kind
                    lon, lat = _LCC(*np.meshgrid(x, Y), inverse=True)  # each cell's position by the mapping
                    for name, values, units in (("lat", lat, "degrees_north"), ("lon", lon, "degrees_east")):
                        coordinate = nc.createVariable(name, "f4", ("y", "x"))
                        coordinate[:], coordinate.units = values, units
                        coordinate.standard_name = "latitude" if name == "lat" else "longitude"
                    start = (np.datetime64(f"{year}-01-01") - np.datetime64("1950-01-01")).astype(int) + np.arange(3.0)
                    time = nc.createVariable("time", "f4", ("time",))
                    time[:], time.units, time.calendar, time.bounds = start + 0.5, "days since 1950-01-01", \
                        "standard", "time_bnds"
                    nc.createVariable("time_bnds", "f4", ("time", "nv"))[:] = np.stack([start, start + 1], 1)
                    mapping = nc.createVariable("lambert_conformal_conic", "i2")
                    mapping.setncatts(MAPPING)
                    data = nc.createVariable(variable, "f4", ("time", "y", "x"), fill_value=np.float32(-9999))
                    data.missing_value, data.units = np.float32(-9999), "degrees C" if variable == "tmax" else "mm/day"
                    data.coordinates, data.grid_mapping = "lat lon", "lambert_conformal_conic"
                    values = full[:, :, columns].copy()
                    outside = np.ones(x.size, bool)
                    outside[valid] = False
                    values[..., outside] = -9999.0
                    data[:] = values
                written.append(path)
    return written


def _cells_with_data(path: Path, variable: str) -> dict[tuple[float, float, float], float]:
    """Each cell with data of a file, by (time, y, x) → value, read with netCDF4 (its fill masked)."""
    with netCDF4.Dataset(path) as nc:
        values = np.ma.filled(nc[variable][:].astype("f8"), np.nan)
        time, y, x = (np.asarray(nc[name][:], np.float64) for name in ("time", "y", "x"))
    held = {}
    for t, j, i in zip(*np.nonzero(np.isfinite(values))):
        held[(time[t], y[j], x[i])] = values[t, j, i]
    return held


def test_two_tiles_of_one_lattice_are_told_as_a_mosaic_whose_line_keeps_every_cell_with_data(
        tmp_path, capfd, monkeypatch):
    """break53d A2: refused as "different grids … between tmax.nc and tmax.nc" with a `cdo remapbil` of one
    tile onto the other's extent, which kept 42 of the 72 cells with data a day. Now the files are named by
    their tile folders, the tiles are told as pieces of one grid, and the pasted line writes one file that
    holds every cell with data of all 8 files (2 years × 2 variables × 2 tiles) with its value, and nothing
    where no tile has data; pasted again, it writes nothing and leaves the mosaic as it is."""
    files = _write_tiles(tmp_path)
    monkeypatch.chdir(tmp_path)
    refused = run_main("train", "--data", "tiles/*/*/*.nc", "--target", "tmax", "--epochs", "1", "--out", "run",
                       capfd=capfd, monkeypatch=monkeypatch)
    assert refused.returncode == 2 and not (tmp_path / "run").exists()
    (line,) = [told for told in refused.stderr.strip().splitlines() if told.startswith("climann: error: ")]
    assert "remap" not in line and "xESMF" not in line, line
    assert "between 11935_2015/prcp.nc and 11936_2015/prcp.nc" in line or \
        "between 11935_2015/tmax.nc and 11936_2015/tmax.nc" in line, line
    assert "they are tiles of one grid (the same evenly spaced y and x, offset by 4 cells along x)" in line, line
    command = re.search(rf"`(mkdir -p tiles/mosaic && {re.escape(shell.advised_python())} -c .*? tiles/mosaic/mosaic\.nc [^`]*)`",
                        line)[1]
    assert line.endswith("then give --data tiles/mosaic/mosaic.nc in place of the 8 files"), line
    environment = {**os.environ, "PATH": shell_path()}
    subprocess.run(["bash", "-c", command], check=True, capture_output=True, cwd=tmp_path, env=environment)
    mosaic = tmp_path / "tiles" / "mosaic" / "mosaic.nc"
    for variable in ("tmax", "prcp"):
        expected: dict[tuple[float, float, float], float] = {}
        for path in files:
            if path.name == f"{variable}.nc":
                expected.update(_cells_with_data(path, variable))
        held = _cells_with_data(mosaic, variable)
        assert len(expected) == 2 * 3 * Y.size * X.size  # both tiles together cover the lattice
        assert held == expected  # every cell with data, with its value, and none besides
    before = mosaic.read_bytes()
    again = subprocess.run(["bash", "-c", command], capture_output=True, text=True, cwd=tmp_path, env=environment)
    assert again.returncode != 0 and "is there already" in again.stderr and mosaic.read_bytes() == before
    trained = run_main("train", "--data", "tiles/mosaic/mosaic.nc", "--target", "tmax", "--epochs", "1", "--out",
                       "run", "--quiet", "--set", "evaluation.figures=false", capfd=capfd, monkeypatch=monkeypatch)
    assert trained.returncode == 0, trained.stderr
    with xr.open_dataset(tmp_path / "run" / "predictions.nc") as predictions:
        assert predictions.sizes["x"] == X.size and predictions.sizes["y"] == Y.size


def _axis(values) -> xr.DataArray:
    return xr.DataArray(np.asarray(values, np.float64), dims="x")


@pytest.mark.parametrize(("own", "expected"), [
    pytest.param([4000.0, 5000.0, 6000.0], {"x": 4}, id="whole-cells"),
    pytest.param([-2000.0, -1000.0, 0.0], {"x": -2}, id="whole-cells-before"),
    pytest.param([500.0, 1500.0, 2500.0], None, id="half-a-cell: cells differ"),
    pytest.param([0.0, 2000.0, 4000.0], None, id="another-spacing"),
    pytest.param([0.0, 1000.0, 2000.0], None, id="the-same-grid: nothing to join"),
])
def test_lattice_offsets_are_whole_cells_of_one_spacing(own, expected):
    assert lattice_offsets({"x": _axis([0.0, 1000.0, 2000.0])}, {"x": _axis(own)}) == expected


def test_files_of_one_name_are_named_by_their_folders():
    assert names_apart("t/2015/11935_2015/tmax.nc", "t/2015/11936_2015/tmax.nc") == ["11935_2015/tmax.nc",
                                                                                      "11936_2015/tmax.nc"]
    assert names_apart("a/2015/x/tmax.nc", "a/2016/x/tmax.nc") == ["2015/x/tmax.nc", "2016/x/tmax.nc"]
    assert names_apart("a/pr.nc", "b/tas.nc") == ["pr.nc", "tas.nc"]


def test_a_run_given_tiles_of_one_grid_is_told_the_mosaic_once(tmp_path, capfd, monkeypatch):
    """The tiles of the target are refused with the mosaic line; the other variables' files of the other tile were
    first warned of as "left out, on another grid than the target" with the same line (fix54e): only the refusal
    is said now."""
    _write_tiles(tmp_path)
    monkeypatch.chdir(tmp_path)
    refused = run_main("train", "--data", "tiles/*/*/*.nc", "--target", "tmax", "--epochs", "1", "--out", "run",
                       capfd=capfd, monkeypatch=monkeypatch)
    assert refused.returncode == 2 and not (tmp_path / "run").exists()
    told = refused.stderr.strip().splitlines()
    assert len(told) == 1 and told[0].startswith("climann: error: the files are on different grids: "), told
    assert refused.stderr.count("mkdir -p tiles/mosaic && ") == 1 and " python -c " not in refused.stderr, refused.stderr


def _fv3_tile(path, tile: int, size: int = 4):
    """One FV3 tile as FMS writes it: grid_xt/grid_yt index axes 1…N in degrees_E/degrees_N, 2-D lat/lon of the
    tile's face of the cube (each tile another sixth of the globe: here its longitudes 90° × tile apart)."""
    index = np.arange(1.0, size + 1)
    lon, lat = np.meshgrid(90.0 * (tile - 1) + np.linspace(-40, 40, size), np.linspace(-40, 40, size))
    xr.Dataset(
        {"t2m": (("time", "grid_yt", "grid_xt"), np.full((2, size, size), 280.0 + tile, "f4"), {"units": "K"}),
         "lat": (("grid_yt", "grid_xt"), lat, {"units": "degrees_N", "long_name": "T-cell latitude"}),
         "lon": (("grid_yt", "grid_xt"), np.mod(lon, 360), {"units": "degrees_E", "long_name": "T-cell longitude"})},
        coords={"time": ("time", [15.5, 45.0], {"units": "days since 1980-01-01", "calendar": "julian"}),
                "grid_xt": ("grid_xt", index, {"units": "degrees_E", "cartesian_axis": "X"}),
                "grid_yt": ("grid_yt", index, {"units": "degrees_N", "cartesian_axis": "Y"})},
        attrs={"grid_tile": str(tile)},
    ).to_netcdf(path)


def test_fv3_tile_files_are_refused_as_faces_of_one_cube_never_interpolated_onto_each_other(tmp_path):
    """break57a A4: atmos_month.tile1.nc … tile6.nc were "files on different grids", with tiles 2–6 to be
    interpolated bilinearly onto tile 1 (another sixth of the globe; CDO copied them unchanged, then a loop).
    Now: tiles of one cubed sphere, with the ways out (one tile at a time, or all remapped together); no
    interpolation of one onto another. One tile alone opens (its own curvilinear grid)."""
    for tile in (1, 2, 3):
        _fv3_tile(tmp_path / f"atmos_month.tile{tile}.nc", tile)
    with pytest.raises(ClimannError) as refused:
        open_dataset(sorted(tmp_path.glob("*.nc")))
    message = str(refused.value)
    assert "tiles 1, 2, 3 of one cubed-sphere grid" in message and "faces of" not in message
    assert "remapbil" not in message and "interp(" not in message and "regridded" not in message
    assert f"--data {tmp_path}/atmos_month.tile1.nc" in message and "fregrid" in message
    one = open_dataset([tmp_path / "atmos_month.tile1.nc"])
    np.testing.assert_array_equal(one["t2m"].values, np.full((2, 4, 4), 281.0, "f4"))
