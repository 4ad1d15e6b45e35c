"""Tests for climann/data/corner_arrays.py: xESMF's lat_b/lon_b corner arrays read as CF bounds.

The grid has uneven latitude edges (−90, −60, −40, −25, −10, 0, 10, 25, 40, 60, 90), so that
edges midway between the centres give other areas than the corners (break29b A2).
"""

import logging

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from climann.data.info import describe
from climann.data.open import open_dataset
from climann.data.variables import grid_layout
from tests.conftest import unwrapped_report

LATITUDE_EDGES = np.array([-90.0, -60.0, -40.0, -25.0, -10.0, 0.0, 10.0, 25.0, 40.0, 60.0, 90.0])
LONGITUDE_EDGES = np.arange(-180.0, 181.0, 30.0)


def _edge_areas() -> np.ndarray:
    """Each cell's area from its edges, (sin φ₂ − sin φ₁)(λ₂ − λ₁), shape (10, 12), by hand."""
    by_latitude = np.diff(np.sin(np.deg2rad(LATITUDE_EDGES)))
    return by_latitude[:, None] * np.deg2rad(np.diff(LONGITUDE_EDGES))[None, :]


def _centres(edges: np.ndarray) -> np.ndarray:
    return (edges[1:] + edges[:-1]) / 2


def _tas(shape: tuple[int, int]) -> np.ndarray:
    return 280.0 + np.random.default_rng(0).standard_normal((24, *shape)).astype(np.float32)


def _write_xesmf_2d(path, *, flipped: bool = False, attributes: bool = True):
    """xESMF's output with its target grid: 2-D lat/lon on (y, x), corners on (y_b, x_b)."""
    longitude, latitude = np.meshgrid(_centres(LONGITUDE_EDGES), _centres(LATITUDE_EDGES))
    longitude_b, latitude_b = np.meshgrid(LONGITUDE_EDGES, LATITUDE_EDGES)
    if flipped:  # the rows reversed, the corners left as they were
        latitude, longitude = latitude[::-1], longitude[::-1]
    lat_attrs = {"standard_name": "latitude", "units": "degrees_north"} if attributes else {}
    lon_attrs = {"standard_name": "longitude", "units": "degrees_east"} if attributes else {}
    xr.Dataset(
        {"tas": (("time", "y", "x"), _tas(latitude.shape), {"units": "K"})},
        coords={"time": pd.date_range("2000-01-01", periods=24, freq="MS"),
                "lat": (("y", "x"), latitude, lat_attrs), "lon": (("y", "x"), longitude, lon_attrs),
                "lat_b": (("y_b", "x_b"), latitude_b), "lon_b": (("y_b", "x_b"), longitude_b)},
    ).to_netcdf(path)
    return path


def _write_xesmf_1d(path):
    """xESMF's rectilinear form: 1-D lat/lon with 1-D lat_b/lon_b of n + 1 edges."""
    xr.Dataset(
        {"tas": (("time", "lat", "lon"), _tas((LATITUDE_EDGES.size - 1, LONGITUDE_EDGES.size - 1)), {"units": "K"})},
        coords={"time": pd.date_range("2000-01-01", periods=24, freq="MS"),
                "lat": ("lat", _centres(LATITUDE_EDGES), {"standard_name": "latitude", "units": "degrees_north"}),
                "lon": ("lon", _centres(LONGITUDE_EDGES), {"standard_name": "longitude", "units": "degrees_east"}),
                "lat_b": ("lat_b", LATITUDE_EDGES), "lon_b": ("lon_b", LONGITUDE_EDGES)},
    ).to_netcdf(path)
    return path


@pytest.mark.parametrize("write", [pytest.param(_write_xesmf_2d, id="2-D"), pytest.param(_write_xesmf_1d, id="1-D")])
def test_the_area_weights_are_those_of_the_corner_arrays(tmp_path, write):
    weights = grid_layout(open_dataset([write(tmp_path / "xesmf.nc")]), "tas", []).cell_area_weights()
    expected = _edge_areas()
    np.testing.assert_allclose(weights, expected / expected.mean(), rtol=1e-9)


def test_the_weights_equal_those_of_the_same_corners_written_as_cf_bounds(tmp_path):
    """The tester's workaround (break29b make_xesmf_cf.py): lat_bnds(y, x, 4) anticlockwise."""
    xesmf = xr.load_dataset(_write_xesmf_2d(tmp_path / "xesmf.nc"))
    corners = {name: np.stack([b[:-1, :-1], b[:-1, 1:], b[1:, 1:], b[1:, :-1]], -1)
               for name, b in (("lat", xesmf.lat_b.values), ("lon", xesmf.lon_b.values))}
    cf = xesmf.drop_vars(["lat_b", "lon_b"]).assign(
        lat_bnds=(("y", "x", "nv"), corners["lat"]), lon_bnds=(("y", "x", "nv"), corners["lon"]))
    cf.lat.attrs["bounds"], cf.lon.attrs["bounds"] = "lat_bnds", "lon_bnds"
    cf.to_netcdf(tmp_path / "cf.nc")
    weights = [grid_layout(open_dataset([tmp_path / name]), "tas", []).cell_area_weights() for name in ("xesmf.nc", "cf.nc")]
    np.testing.assert_array_equal(weights[0], weights[1])


@pytest.mark.parametrize("write, said", [
    pytest.param(_write_xesmf_2d, "cell corners 'lat_b', 'lon_b' (xESMF's corner arrays of (rows + 1) × (columns + 1) "
                 "corners, read as CF bounds); areas from the cell corners", id="2-D"),
    pytest.param(_write_xesmf_1d, "cell edges from 'lat_b' (xESMF's corner array of n + 1 edges, read as CF bounds)",
                 id="1-D"),
])
def test_info_says_the_corners_were_read_from_the_corner_arrays(tmp_path, write, said):
    report = unwrapped_report(describe([str(write(tmp_path / "xesmf.nc"))]))
    assert said in report
    assert "no cell corners" not in report and "midway" not in report


def test_corners_that_do_not_surround_the_centres_are_not_used_and_said(tmp_path, caplog):
    """Rows reversed without their corners: the corners are other cells'; the areas are those of the same file
    without corners (from the centres), with a warning."""
    from climann.data.notes import forget_notes

    forget_notes()
    with caplog.at_level(logging.WARNING):
        layout = grid_layout(open_dataset([_write_xesmf_2d(tmp_path / "flipped.nc", flipped=True)]), "tas", [])
    xr.load_dataset(tmp_path / "flipped.nc").drop_vars(["lat_b", "lon_b"]).to_netcdf(tmp_path / "centres.nc")
    from_centres = grid_layout(open_dataset([tmp_path / "centres.nc"]), "tas", []).cell_area_weights()
    np.testing.assert_array_equal(layout.cell_area_weights(), from_centres)
    assert not np.allclose(from_centres, np.flipud(_edge_areas()) / _edge_areas().mean(), rtol=1e-3)
    assert ("flipped.nc: 'lat_b' (of shape (11, 13): the cell corners of 'lat', as xESMF writes them) does not "
            "surround lat=75 at index (0, 0) (corners -90, -90, -60, -60): not used") in caplog.text
