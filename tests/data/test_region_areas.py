"""A region's cells weigh their areas on the whole grid (climann.data.region_areas): break56a A4
(GODAS's uneven latitudes: the edge rows of a tropical region weighed 2/3 of their area) and A2
(a NEMO grid without corners: the region's edge cells 0.2–1.2 % less). The scores of a run with
``[data] region``, in memory and streamed, are recomputed with numpy from the whole grid's areas."""

import numpy as np
import pytest
import xarray as xr

from climann.data.boxes import cells_in_box
from climann.data.geometry import centre_spacing_areas
from climann.data.subset import select_region
from climann.data.variables import grid_layout
from climann.evaluation.predictions import split_labels
from climann.workflow.config import build_config
from climann.workflow.pipeline import run_training
from tests.conftest import draw_no_run_figures, monthly_times

#: GODAS-like: 1° rows between ±10°, 10° rows poleward; the region's edge rows (±10°) have their
#: whole-grid neighbours 10° away, where a cut alone puts their outer edge half a degree out.
UNEVEN_LATITUDES = np.concatenate([np.arange(-60.0, -10.0, 10.0), np.arange(-10.0, 10.5, 1.0),
                                   np.arange(20.0, 61.0, 10.0)])
TROPICS = [-10, 10, 0, 360]
#: Inside the curvilinear grid below, away from its edges and from the dateline.
CURVED_BOX = [-25, 25, -100, 20]


def _uneven_grid(path):
    """Monthly ``tas`` (4 years, K) on :data:`UNEVEN_LATITUDES` × 12 longitudes, no bounds."""
    rng = np.random.default_rng(5)
    times = monthly_times(4, "standard")
    lon = np.arange(15.0, 360.0, 30.0)
    month = np.arange(len(times)) % 12
    tas = (280 + 20 * np.cos(np.deg2rad(UNEVEN_LATITUDES))[None, :, None]
           + 3 * np.cos(2 * np.pi * month / 12)[:, None, None] + rng.normal(0, 1.0, (len(times), UNEVEN_LATITUDES.size, lon.size)))
    dataset = xr.Dataset(
        {"tas": (("time", "lat", "lon"), tas.astype(np.float32), {"units": "K", "standard_name": "air_temperature"})},
        coords={"time": ("time", times, {"standard_name": "time", "axis": "T"}),
                "lat": ("lat", UNEVEN_LATITUDES, {"standard_name": "latitude", "units": "degrees_north", "axis": "Y"}),
                "lon": ("lon", lon, {"standard_name": "longitude", "units": "degrees_east", "axis": "X"})})
    dataset["time"].encoding.update({"units": "days since 2000-01-01", "calendar": "standard"})
    dataset.to_netcdf(path)
    return path


def _curved_grid(path):
    """Monthly ``tos`` (4 years, degC) on a NEMO-like 14 × 20 grid: 2-D ``nav_lat``/``nav_lon``
    on index-only ``y``/``x``, bent and unevenly spaced, without corners."""
    rng = np.random.default_rng(6)
    rows, columns = np.meshgrid(np.arange(14), np.arange(20), indexing="ij")
    lon = -170 + 17.0 * columns + 3.0 * np.sin(rows / 14 * np.pi) + 0.08 * columns**2
    lat = -65 + 10.0 * rows + 1.5 * np.cos(columns / 20 * 2 * np.pi)
    times = monthly_times(4, "standard")
    month = np.arange(len(times)) % 12
    tos = (28 * np.cos(np.deg2rad(lat))[None] ** 2 + 3 * np.cos(2 * np.pi * month / 12)[:, None, None]
           + rng.normal(0, 0.5, (len(times), *lat.shape)))
    dataset = xr.Dataset(
        {"tos": (("time_counter", "y", "x"), tos.astype(np.float32),
                 {"units": "degC", "standard_name": "sea_surface_temperature"})},
        coords={"time_counter": ("time_counter", times, {"standard_name": "time", "axis": "T"}),
                "nav_lat": (("y", "x"), lat, {"standard_name": "latitude", "units": "degrees_north"}),
                "nav_lon": (("y", "x"), lon, {"standard_name": "longitude", "units": "degrees_east"})})
    dataset["time_counter"].encoding.update({"units": "days since 2000-01-01", "calendar": "standard"})
    dataset["tos"].encoding["coordinates"] = "nav_lat nav_lon"
    dataset.to_netcdf(path)
    return path


def _latitude_band_areas(latitude):
    """sin φ₂ − sin φ₁ of each row, its edges midway between the centres of the whole axis."""
    middle = (latitude[1:] + latitude[:-1]) / 2
    edges = np.deg2rad(np.concatenate([[1.5 * latitude[0] - 0.5 * latitude[1]], middle,
                                       [1.5 * latitude[-1] - 0.5 * latitude[-2]]]))
    return np.sin(edges[1:]) - np.sin(edges[:-1])


def test_the_rows_of_a_region_on_uneven_latitudes_keep_their_whole_axis_areas(tmp_path):
    with xr.open_dataset(_uneven_grid(tmp_path / "godas.nc"), use_cftime=True) as whole:
        layout = grid_layout(select_region(whole, TROPICS), "tas", [])
    kept = (UNEVEN_LATITUDES >= -10) & (UNEVEN_LATITUDES <= 10)
    expected = np.outer(_latitude_band_areas(UNEVEN_LATITUDES)[kept], np.full(12, np.deg2rad(30.0)))
    np.testing.assert_allclose(layout.computed_cell_areas(), expected, rtol=1e-12)


def test_the_cells_of_a_region_of_a_grid_without_corners_keep_their_whole_grid_areas(tmp_path):
    with xr.open_dataset(_curved_grid(tmp_path / "oras5.nc"), use_cftime=True) as whole:
        everywhere = grid_layout(whole, "tos", []).computed_cell_areas()
        lat, lon = whole["nav_lat"].values, whole["nav_lon"].values
        layout = grid_layout(select_region(whole, CURVED_BOX), "tos", [])
    inside = cells_in_box(lat, lon, CURVED_BOX)
    rows, columns = np.flatnonzero(inside.any(axis=1)), np.flatnonzero(inside.any(axis=0))
    np.testing.assert_allclose(everywhere, centre_spacing_areas(lat, lon), rtol=1e-12)
    np.testing.assert_allclose(layout.computed_cell_areas(), everywhere[np.ix_(rows, columns)], rtol=1e-12)


def _test_mse(run, target, areas, time="time"):
    """The test block's climatology MSE from predictions.nc, weighed by ``areas`` (the whole grid's
    of the cells in predictions.nc's rows and columns)."""
    with xr.open_dataset(run.run_dir / "predictions.nc") as predictions:
        block = predictions.isel({time: np.flatnonzero(split_labels(predictions["split"]) == "test")})
        truth = block[target].values.astype(np.float64)
        error = block[f"{target}_climatology"].values - truth
        present = np.isfinite(error) & np.isfinite(block[f"{target}_pred"].values)
        weights = np.broadcast_to(areas, truth.shape)[present]
        return np.sum(weights * error[present] ** 2) / np.sum(weights), block


STORAGE = [pytest.param({}, id="in-memory"), pytest.param({"in_memory_limit_gb": 2e-5}, id="streamed")]


@pytest.mark.parametrize("storage", STORAGE)
def test_a_region_on_uneven_latitudes_is_scored_with_the_whole_axis_areas(tmp_path, monkeypatch, storage):
    draw_no_run_figures(monkeypatch)
    path = _uneven_grid(tmp_path / "godas.nc")
    config = build_config({"data": {"paths": [str(path)], "target": "tas", "predictors": [], "region": TROPICS,
                                    **storage}, "model": {"hidden": [4]}, "training": {"epochs": 1}})
    run = run_training(config, run_dir=tmp_path / "run")
    kept = (UNEVEN_LATITUDES >= -10) & (UNEVEN_LATITUDES <= 10)
    mse, block = _test_mse(run, "tas", _latitude_band_areas(UNEVEN_LATITUDES)[kept][:, None])
    np.testing.assert_array_equal(block["lat"].values, UNEVEN_LATITUDES[kept])
    assert run.metrics["splits"]["test"]["climatology"]["mse"] == pytest.approx(mse, rel=1e-6)
    edge_rows = block["cell_area"].values[[0, -1]] / block["cell_area"].values[[1, -2]]
    np.testing.assert_allclose(edge_rows, (np.sin(np.deg2rad(-9.5)) - np.sin(np.deg2rad(-15.0)))
                               / (np.sin(np.deg2rad(-8.5)) - np.sin(np.deg2rad(-9.5))), rtol=1e-6)


@pytest.mark.parametrize("storage", STORAGE)
def test_a_region_of_a_grid_without_corners_is_scored_with_the_whole_grid_areas(tmp_path, monkeypatch, storage):
    draw_no_run_figures(monkeypatch)
    path = _curved_grid(tmp_path / "oras5.nc")
    config = build_config({"data": {"paths": [str(path)], "target": "tos", "predictors": [], "region": CURVED_BOX,
                                    **storage}, "model": {"hidden": [4]}, "training": {"epochs": 1}})
    run = run_training(config, run_dir=tmp_path / "run")
    with xr.open_dataset(path) as whole:
        lat, lon = whole["nav_lat"].values, whole["nav_lon"].values
    inside = cells_in_box(lat, lon, CURVED_BOX)
    rows, columns = np.flatnonzero(inside.any(axis=1)), np.flatnonzero(inside.any(axis=0))
    areas = np.where(inside, centre_spacing_areas(lat, lon), 0.0)[np.ix_(rows, columns)]
    mse, block = _test_mse(run, "tos", areas, time="time_counter")
    np.testing.assert_array_equal(block["nav_lat"].values, lat[np.ix_(rows, columns)])
    assert run.metrics["splits"]["test"]["climatology"]["mse"] == pytest.approx(mse, rel=1e-6)
