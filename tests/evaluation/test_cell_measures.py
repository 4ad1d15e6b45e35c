"""The cell areas a prediction file carries (climann/evaluation/cell_measures.py): the areas
climann computed and weighed with, written as a CF cell measure in m², so that `cdo fldmean`
and CF-aware code weigh as climann's scores do (break21a F5)."""

import netCDF4
import numpy as np
import pytest

from climann.data.pointwise import build_pointwise_samples
from climann.evaluation.cell_measures import MEAN_EARTH_RADIUS, earth_radius
from climann.evaluation.predictions import predictions_dataset, write_predictions
from tests.conftest import grid_dataset


def _written(source, target, path):
    """Write a predictions file of ``source`` (prediction = truth + a field varying by cell)
    and return the layout and the error field (prediction − truth) the file holds."""
    samples = build_pointwise_samples(source, target=target, predictors=(), features=("lat",))
    layout = samples.layout
    truth = layout.to_grid(samples.target[:, 0], samples.flat_index)
    offset = np.random.default_rng(2).normal(0.0, 1.0, layout.shape[1:])
    write_predictions(predictions_dataset(layout, truth, truth + offset, [""] * layout.shape[0]), path, layout)
    return layout


def _cell_area(path, target="tas"):
    with netCDF4.Dataset(path) as raw:
        for name in (target, f"{target}_pred", f"{target}_error"):
            assert raw[name].cell_measures == "area: cell_area"
        area = raw["cell_area"]
        assert (area.standard_name, area.units) == ("cell_area", "m2")
        return np.ma.filled(area[:], np.nan).astype(np.float64), area.comment


def test_the_areas_computed_from_the_bounds_are_written_in_square_metres(tmp_path):
    """A 4 × 6 grid with lat_bnds and lon_bnds: each cell's area R²(λ₂ − λ₁)(sin φ₂ − sin φ₁)
    by hand, R = 6 371 000 m; together the Earth's surface 4πR²."""
    source = grid_dataset()
    source["lat"].attrs["bounds"] = "lat_bnds"
    source["lon"].attrs["bounds"] = "lon_bnds"
    edges = np.array([-90.0, -45.0, 0.0, 45.0, 90.0])
    source["lat_bnds"] = (("lat", "bnds"), np.stack([edges[:-1], edges[1:]], axis=1))
    source["lon_bnds"] = (("lon", "bnds"), np.stack([np.arange(6) * 60.0, np.arange(1, 7) * 60.0], axis=1))
    _written(source, "tas", tmp_path / "p.nc")
    area, comment = _cell_area(tmp_path / "p.nc")
    by_hand = np.outer(np.diff(np.sin(np.deg2rad(edges))), np.full(6, np.pi / 3)) * 6_371_000.0**2
    np.testing.assert_allclose(area, by_hand, rtol=1e-12)
    assert area.sum() == pytest.approx(4 * np.pi * MEAN_EARTH_RADIUS**2, rel=1e-12)
    assert "from the cell bounds lat_bnds and lon_bnds" in comment and "6371000.0 m" in comment


def test_without_bounds_the_cos_latitude_weights_are_written_and_said(tmp_path):
    """An evenly spaced grid without bounds weighs by cos φ: the written areas are
    proportional to cos φ of each row, and their comment says so."""
    source = grid_dataset(n_lat=6)
    layout = _written(source, "tas", tmp_path / "p.nc")
    area, comment = _cell_area(tmp_path / "p.nc")
    cos_latitude = np.cos(np.deg2rad(source["lat"].values))[:, None] * np.ones(6)
    np.testing.assert_allclose(area / area.sum(), cos_latitude / cos_latitude.sum(), rtol=1e-12)
    np.testing.assert_allclose(area / area.mean(), layout.cell_area_weights(), rtol=1e-12)
    assert "midway between the cell centres" in comment and "cos(latitude)" in comment


def _bounded(source):
    """``source`` (a :func:`grid_dataset`) with CF bounds 180/n_lat° by 360/n_lon° around its centres."""
    source = source.copy()
    half_lat, half_lon = 90.0 / source.sizes["lat"], 180.0 / source.sizes["lon"]
    source["lat"].attrs["bounds"], source["lon"].attrs["bounds"] = "lat_bnds", "lon_bnds"
    source["lat_bnds"] = (("lat", "bnds"), np.stack([source["lat"] - half_lat, source["lat"] + half_lat], axis=1))
    source["lon_bnds"] = (("lon", "bnds"), np.stack([source["lon"] - half_lon, source["lon"] + half_lon], axis=1))
    return source


def _box_areas(lat_edges, lon_edges):
    """R²(λ₂ − λ₁)(sin φ₂ − sin φ₁) of each (row, column), edges of shape (n, 2) in degrees."""
    lat_edges, lon_edges = np.deg2rad(lat_edges), np.deg2rad(lon_edges)
    return np.outer(np.abs(np.diff(np.sin(lat_edges), axis=1))[:, 0], np.diff(lon_edges, axis=1)[:, 0]) * 6_371_000.0**2


def _no_cell_area(path):
    with netCDF4.Dataset(path) as raw:
        assert "cell_area" not in raw.variables
        for name in ("tas", "tas_pred", "tas_error"):
            assert "cell_measures" not in raw[name].ncattrs()


@pytest.mark.parametrize(
    "cells",
    [
        pytest.param({"lat": [2]}, id="one-row"),
        pytest.param({"lon": [3]}, id="one-column"),
        pytest.param({"lat": [2], "lon": [3]}, id="one-cell"),
    ],
)
def test_a_single_row_column_or_cell_without_bounds_gets_no_made_up_area(tmp_path, cells):
    """A single centre without bounds tells nothing of its cell's width (climann's weights give
    it 1°, which is no area of the input's 30° × 60° cells): no cell_area is written and no field
    names one (verify22a F1). The weights are those of before: cos φ of each row."""
    source = grid_dataset(n_lat=6).isel(cells)
    layout = _written(source, "tas", tmp_path / "p.nc")
    _no_cell_area(tmp_path / "p.nc")
    cos_latitude = np.cos(np.deg2rad(source["lat"].values))[:, None] * np.ones(source.sizes["lon"])
    np.testing.assert_allclose(layout.cell_area_weights(), cos_latitude / cos_latitude.mean(), rtol=1e-12)


def test_a_point_gets_no_made_up_area(tmp_path):
    """A station or other point (scalar latitude and longitude, one cell of climann's grid) has
    no area: none is written (verify22a F1: a 1° × 1° box of 8e9 m² was)."""
    from climann.data.scalar_coordinates import with_scalar_coordinates_as_axes

    point = with_scalar_coordinates_as_axes(grid_dataset(n_lat=6).isel(lat=1, lon=2))
    assert point["tas"].shape[1:] == (1, 1)
    _written(point, "tas", tmp_path / "p.nc")
    _no_cell_area(tmp_path / "p.nc")


@pytest.mark.parametrize(
    "cells",
    [pytest.param({"lat": [2]}, id="one-row"), pytest.param({"lat": [2], "lon": [3]}, id="one-cell")],
)
def test_a_single_row_or_cell_with_bounds_writes_its_bounded_area(tmp_path, cells):
    """With bounds the single row's or cell's area is known and written: R²Δλ(sin φ₂ − sin φ₁)
    of its 30° × 60° bounds."""
    source = _bounded(grid_dataset(n_lat=6)).isel(cells)
    _written(source, "tas", tmp_path / "p.nc")
    area, comment = _cell_area(tmp_path / "p.nc")
    np.testing.assert_allclose(area, _box_areas(source["lat_bnds"].values, source["lon_bnds"].values), rtol=1e-12)
    assert "from the cell bounds lat_bnds and lon_bnds" in comment


def test_a_grid_thinned_by_grid_stride_without_bounds_gets_no_area_and_the_same_weights(tmp_path):
    """grid_stride 2 of a 6 × 6 grid without bounds: the edges midway between the kept centres
    make each kept cell 2 × 2 input cells, so no cell_area is written (verify22a F1: 9 × the
    input's cells at stride 3); the score weights stay those of the midway edges between the
    kept centres (runs trained before re-score as trained)."""
    from climann.data.subset import select_grid_stride

    source = select_grid_stride(grid_dataset(n_lat=6, n_lon=6), 2)
    layout = _written(source, "tas", tmp_path / "p.nc")
    assert layout.grid_stride == 2
    _no_cell_area(tmp_path / "p.nc")
    lat = source["lat"].values
    np.testing.assert_array_equal(lat, [-75.0, -15.0, 45.0])
    # midway between the kept centres, half their 60° spacing beyond the ends, clipped at the pole
    edges = np.array([-90.0, -45.0, 15.0, 75.0])
    rows = np.diff(np.sin(np.deg2rad(edges)))[:, None] * np.ones(3)
    np.testing.assert_allclose(layout.cell_area_weights(), rows / rows.mean(), rtol=1e-12)


def test_a_grid_thinned_by_grid_stride_with_bounds_writes_the_inputs_cells(tmp_path):
    """With bounds the strided run's cells are the input's: their areas are written as before."""
    from climann.data.subset import select_grid_stride

    source = select_grid_stride(_bounded(grid_dataset(n_lat=6, n_lon=6)), 2)
    _written(source, "tas", tmp_path / "p.nc")
    area, _ = _cell_area(tmp_path / "p.nc")
    np.testing.assert_allclose(area, _box_areas(source["lat_bnds"].values, source["lon_bnds"].values), rtol=1e-12)


def test_the_written_areas_give_the_weighted_mean_of_the_scores(tmp_path):
    """On a curvilinear grid (areas from corners midway between the 2-D centres) the mean
    squared error weighed with the written areas is the one weighed with climann's weights."""
    from climann.data.open import open_dataset
    from tests.grid_files import write_curvilinear

    source = open_dataset([write_curvilinear(tmp_path / "curvilinear.nc")])
    layout = _written(source, "tos", tmp_path / "p.nc")
    area, comment = _cell_area(tmp_path / "p.nc", "tos")
    with netCDF4.Dataset(tmp_path / "p.nc") as raw:
        error = np.ma.filled(raw["tos_error"][:].astype(np.float64), np.nan)

    def weighted_mse(weights):
        weights = np.where(np.isfinite(error), np.broadcast_to(weights, error.shape), 0.0)
        return np.nansum(weights * error**2) / weights.sum()

    assert weighted_mse(area) == pytest.approx(weighted_mse(layout.cell_area_weights()), rel=1e-12)
    assert weighted_mse(area) != pytest.approx(np.nanmean(error**2), rel=1e-3)  # the areas differ
    assert "from corners midway between the cell centres" in comment


def test_a_rotated_grid_writes_its_areas_on_the_grid_mappings_sphere(tmp_path):
    from climann.data.open import open_dataset
    from tests.grid_files import RLAT, write_rotated

    source = open_dataset([write_rotated(tmp_path / "rotated.nc", with_latlon=False)])
    mapping = next(name for name in source.variables if "grid_mapping_name" in source[name].attrs)
    source[mapping].attrs["earth_radius"] = 6_371_229.0
    _written(source, "tas", tmp_path / "p.nc")
    area, comment = _cell_area(tmp_path / "p.nc")
    # a row between rotated latitudes φ₁ and φ₂: R² Δλ (sin φ₂ − sin φ₁), as on an unrotated sphere
    edges = np.deg2rad([(RLAT[1] + RLAT[2]) / 2, (RLAT[2] + RLAT[3]) / 2])
    np.testing.assert_allclose(area[2], 6_371_229.0**2 * np.deg2rad(4.4) * np.diff(np.sin(edges))[0], rtol=1e-9)
    assert "of the rotated grid" in comment and "6371229.0 m" in comment


@pytest.mark.parametrize(
    ("mapping", "radius"),
    [
        pytest.param({}, 6_371_000.0, id="none"),
        pytest.param({"earth_radius": 6_371_229.0}, 6_371_229.0, id="sphere"),
        # WGS84's authalic radius, 6 371 007.181 m (Moritz 2000, Geodetic Reference System 1980: 6 371 007.1810 m)
        pytest.param({"semi_major_axis": 6_378_137.0, "inverse_flattening": 298.257223563}, 6_371_007.181, id="wgs84"),
        pytest.param({"semi_major_axis": 6_378_137.0, "semi_minor_axis": 6_356_752.314245}, 6_371_007.181,
                     id="wgs84-by-axes"),
    ],
)
def test_earth_radius_of_a_grid_mapping(mapping, radius):
    assert earth_radius(mapping) == pytest.approx(radius, abs=1e-3)
