"""How two grids differ (climann/data/grid_match.py): the sizes of 1-D axes, the shapes of 2-D grids."""

import numpy as np
import xarray as xr

from climann.data.grid_match import grid_mismatch


def _curvilinear(rows: int, columns: int) -> dict[str, xr.DataArray]:
    lat, lon = np.meshgrid(np.linspace(75.0, 89.0, rows), np.linspace(-45.0, 45.0, columns), indexing="ij")
    return {"latitude": xr.DataArray(lat, dims=("y", "x"), attrs={"units": "degrees_north"}),
            "longitude": xr.DataArray(lon, dims=("y", "x"), attrs={"units": "degrees_east"})}


def _regular(rows: int, columns: int) -> dict[str, xr.DataArray]:
    return {"latitude": xr.DataArray(np.linspace(90.0, 70.0, rows), dims="latitude",
                                     attrs={"units": "degrees_north"}),
            "longitude": xr.DataArray(np.arange(columns, dtype=float), dims="longitude",
                                      attrs={"units": "degrees_east"})}


def test_a_2d_latitude_beside_a_1d_one_is_told_by_the_grids_shapes():
    # break54a A3: "latitude has 864 values" counted the 72 x 12 cells of a 2-D latitude as latitudes
    said = grid_mismatch(_curvilinear(72, 12), _regular(21, 360), labels=("cdr.nc", "era5.nc"))
    assert said == ("a 72 × 12 curvilinear grid (2-D latitude, longitude on y, x) in cdr.nc against a 21 × 360 "
                    "latitude–longitude grid (latitude, longitude) in era5.nc")
    assert "864" not in said


def test_two_2d_grids_of_other_shapes_are_told_by_their_shapes():
    said = grid_mismatch(_curvilinear(72, 12), _curvilinear(36, 12), labels=("a.nc", "b.nc"))
    assert said.startswith("a 72 × 12 curvilinear grid (2-D latitude, longitude on y, x) in a.nc against a 36 × 12 "
                           "curvilinear grid"), said


def test_1d_axes_of_other_sizes_are_still_told_by_their_sizes():
    said = grid_mismatch(_regular(6, 8), _regular(4, 8), labels=("a.nc", "b.nc"))
    assert said == "latitude has 6 values in a.nc and 4 in b.nc"
