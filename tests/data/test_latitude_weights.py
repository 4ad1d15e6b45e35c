"""Tests for climann/data/latitude_weights.py: CAM's Gaussian weights gw(lat) read as latitude bounds.

The latitudes are those of a real Gaussian grid (Gauss–Legendre nodes from NumPy's
``leggauss``, whose weights are the sine differences of the rows' edges and sum to 2), on
which edges midway between the centres give the polar rows too much area (break29b A8).
"""

import logging

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from climann.data.info import describe
from climann.data.latitude_weights import edges_from_weights
from climann.data.open import open_dataset
from climann.data.variables import grid_layout
from tests.conftest import unwrapped_report

N_LATITUDES, N_LONGITUDES = 16, 12


def _gaussian_grid() -> tuple[np.ndarray, np.ndarray]:
    """Latitudes (ascending, degrees) and weights of a Gaussian grid of 16 rows, by NumPy."""
    nodes, weights = np.polynomial.legendre.leggauss(N_LATITUDES)  # nodes are sin φ, weights sum to 2
    return np.degrees(np.arcsin(nodes)), weights


def _write_cam(path, *, descending: bool = False, rows: slice = slice(None), weights_name: str = "gw",
               long_name: str = "gauss weights"):
    """A CAM history file as ncrcat leaves it: lat without bounds, gw(lat), TREFHT(time, lat, lon)."""
    latitude, weights = _gaussian_grid()
    latitude, weights = latitude[rows], weights[rows]
    if descending:
        latitude, weights = latitude[::-1], weights[::-1]
    values = 280.0 + np.random.default_rng(0).standard_normal((24, latitude.size, N_LONGITUDES)).astype(np.float32)
    xr.Dataset(
        {"TREFHT": (("time", "lat", "lon"), values, {"units": "K"}),
         weights_name: ("lat", weights, {"long_name": long_name})},
        coords={"time": pd.date_range("2000-01-01", periods=24, freq="MS"),
                "lat": ("lat", latitude, {"units": "degrees_north", "long_name": "latitude"}),
                "lon": ("lon", np.arange(N_LONGITUDES) * 30.0, {"units": "degrees_east", "long_name": "longitude"})},
    ).to_netcdf(path)
    return path


def _weights_of(path) -> np.ndarray:
    return grid_layout(open_dataset([path]), "TREFHT", []).cell_area_weights()


def _expected(weights: np.ndarray) -> np.ndarray:
    """Each cell's area ∝ its row's Gaussian weight (equal longitude widths), normalised to mean 1."""
    areas = np.repeat(weights[:, None], N_LONGITUDES, axis=1)
    return areas / areas.mean()


@pytest.mark.parametrize("descending", [False, True], ids=["ascending", "descending"])
def test_the_area_weights_are_the_gaussian_weights(tmp_path, descending):
    weights = _weights_of(_write_cam(tmp_path / "cam.nc", descending=descending))
    gaussian = _gaussian_grid()[1]
    np.testing.assert_allclose(weights, _expected(gaussian[::-1] if descending else gaussian), rtol=1e-9)


def test_without_the_weights_the_polar_rows_are_too_large(tmp_path):
    """What the weights change: edges midway between the centres give other areas."""
    xr.load_dataset(_write_cam(tmp_path / "cam.nc")).drop_vars("gw").to_netcdf(tmp_path / "no_gw.nc")
    midway = _weights_of(tmp_path / "no_gw.nc")
    expected = _expected(_gaussian_grid()[1])
    assert midway[0, 0] / expected[0, 0] > 1.005  # 0.9 % on 16 rows
    assert not np.allclose(midway, expected, rtol=1e-3)


def test_the_edges_are_the_arcsines_of_the_summed_weights():
    """By hand on three rows: sin edges −1, −1 + w₀, −1 + w₀ + w₁, 1."""
    weights = np.array([0.5, 1.0, 0.5])
    sines = np.array([-1.0, -0.5, 0.5, 1.0])
    edges = np.degrees(np.arcsin(sines))
    np.testing.assert_allclose(edges_from_weights(np.array([-50.0, 0.0, 50.0]), weights),
                               np.stack([edges[:-1], edges[1:]], -1), atol=1e-12)
    np.testing.assert_allclose(edges_from_weights(np.array([50.0, 0.0, -50.0]), weights[::-1]),
                               np.stack([edges[1:], edges[:-1]], -1)[::-1], atol=1e-12)


def test_info_says_the_edges_come_from_the_weights(tmp_path):
    report = unwrapped_report(describe([str(_write_cam(tmp_path / "cam.nc"))]))
    assert "cell edges from 'gw' (CAM's Gaussian weights" in report


def test_weights_named_by_their_long_name_are_read(tmp_path):
    weights = _weights_of(_write_cam(tmp_path / "cam.nc", weights_name="gauss_wgt", long_name="Gaussian weights"))
    np.testing.assert_allclose(weights, _expected(_gaussian_grid()[1]), rtol=1e-9)


def test_weights_of_a_regional_cut_are_not_used_and_said(tmp_path, caplog):
    """Rows 4 to 11 only: the weights no longer sum to 2 and cannot place the edges; the areas are those
    of the same file without weights, with a warning."""
    from climann.data.notes import forget_notes

    forget_notes()
    with caplog.at_level(logging.WARNING):
        weights = _weights_of(_write_cam(tmp_path / "cut.nc", rows=slice(4, 12)))
    xr.load_dataset(tmp_path / "cut.nc").drop_vars("gw").to_netcdf(tmp_path / "no_gw.nc")
    np.testing.assert_array_equal(weights, _weights_of(tmp_path / "no_gw.nc"))
    assert "cut.nc: 'gw' (Gaussian weights of 'lat', as CESM's CAM writes them) sums to" in caplog.text
    assert "not 2 (the rows of a whole globe)" in caplog.text


def test_weights_of_other_rows_are_not_used_and_said(tmp_path, caplog):
    """The weights reversed against the latitudes: the edges they give do not hold the centres."""
    from climann.data.notes import forget_notes

    path = _write_cam(tmp_path / "cam.nc", rows=slice(None))
    shuffled = xr.load_dataset(path)
    shuffled["gw"] = ("lat", np.linspace(0.01, 1.0, N_LATITUDES) * 2 / np.linspace(0.01, 1.0, N_LATITUDES).sum())
    shuffled.to_netcdf(tmp_path / "other.nc")
    forget_notes()
    with caplog.at_level(logging.WARNING):
        weights = _weights_of(tmp_path / "other.nc")
    shuffled.drop_vars("gw").to_netcdf(tmp_path / "no_gw.nc")
    np.testing.assert_array_equal(weights, _weights_of(tmp_path / "no_gw.nc"))
    assert "they are not the weights of these rows" in caplog.text
