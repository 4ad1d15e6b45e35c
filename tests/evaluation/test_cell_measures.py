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
