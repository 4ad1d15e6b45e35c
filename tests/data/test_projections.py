"""Tests for climann/data/projections.py: distances and the plausibility of a reading.

The readings themselves (false origin in km or metres, geostationary radians, the file's own
positions) are tested through the grids they place, in tests/data/test_grids.py.
"""

import numpy as np
import pytest

from climann.data.projections import EARTH_RADIUS_KM, _is_plausible, _scale_range, distance_km


@pytest.mark.parametrize(("a", "b", "expected"), [
    pytest.param((0.0, 0.0), (0.0, 90.0), np.pi / 2 * EARTH_RADIUS_KM, id="quarter-equator"),
    pytest.param((90.0, 0.0), (-90.0, 123.0), np.pi * EARTH_RADIUS_KM, id="pole-to-pole"),
    pytest.param((10.0, 179.5), (10.0, -179.5), np.deg2rad(1.0) * np.cos(np.deg2rad(10.0)) * EARTH_RADIUS_KM,
                 id="across-the-antimeridian"),  # to 1e-5: a parallel is not a great circle
])
def test_distance_is_the_great_circle_distance(a, b, expected):
    assert distance_km(*a, *b) == pytest.approx(expected, rel=1e-5)


def test_scale_is_distance_on_the_earth_over_distance_on_the_map():
    """Three cells 100 km apart on the map, placed 1° of latitude apart (111.2 km) on the Earth."""
    rows, columns = np.array([0.0, 100.0, 200.0]), np.zeros(3)
    latitude, longitude = np.array([0.0, 1.0, 2.0]), np.zeros(3)
    low, high = _scale_range(rows, columns, (1000.0, 1000.0), latitude, longitude)
    assert low == pytest.approx(np.deg2rad(1.0) * EARTH_RADIUS_KM / 100.0) == pytest.approx(high)
    assert _is_plausible((low, high))


@pytest.mark.parametrize("latitude", [pytest.param(np.array([-89.97, -89.97, -89.97]), id="in-a-point"),
                                      pytest.param(np.array([-80.0, 0.0, 80.0]), id="spread-over-the-earth")])
def test_a_grid_squeezed_into_a_point_or_spread_over_the_earth_is_no_reading(latitude):
    rows, columns = np.array([0.0, 100.0, 200.0]), np.zeros(3)
    assert not _is_plausible(_scale_range(rows, columns, (1000.0, 1000.0), latitude, np.zeros(3)))


def test_a_reading_with_no_cell_on_the_earth_is_none():
    nowhere = np.full(3, np.nan)
    assert _scale_range(np.arange(3.0), np.zeros(3), (1.0, 1.0), nowhere, nowhere) is None
    assert not _is_plausible(None)
