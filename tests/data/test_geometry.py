"""Tests for climann/data/geometry.py: cell areas from corners, against pyproj.Geod cell by cell."""

from pathlib import Path

import numpy as np
import pyproj
import pytest

from climann.data.geometry import (
    centre_spacing_areas, crossed_quadrilaterals, encircled_pole, goes_round_the_globe, great_circle_polygon_areas,
    longitude_ends, longitude_ends_text, longitude_span, polygon_areas, rows_wrap_around, steps_around_the_circle,
)
from tests.grid_files import rotated_to_geographic

RADIUS = 6371000.0


def _stereographic_cells(offset_x, offset_y, size=7.5e5):
    """Latitude and longitude corners, shape (4, 4, 4), of 4 × 4 square cells of a polar
    stereographic map on a sphere, the grid's middle shifted by (offset_x, offset_y) metres
    from the North Pole; CF vertex order."""
    to_lonlat = pyproj.Transformer.from_crs(
        pyproj.CRS.from_proj4(f"+proj=stere +lat_0=90 +lon_0=-45 +lat_ts=70 +R={RADIUS}"), "EPSG:4326", always_xy=True)
    edges = np.arange(-2, 3) * size
    lon, lat = to_lonlat.transform(*np.meshgrid(edges + offset_x, edges + offset_y, indexing="xy"))
    vertices = lambda c: np.stack([c[:-1, :-1], c[:-1, 1:], c[1:, 1:], c[1:, :-1]], axis=-1)  # noqa: E731
    return vertices(lat), vertices(lon)


def _geod_areas(geod, latitude_bounds, longitude_bounds):
    """pyproj.Geod's polygon area of each cell, one at a time."""
    return np.array([[abs(geod.polygon_area_perimeter(longitude_bounds[i, j], latitude_bounds[i, j])[0])
                      for j in range(latitude_bounds.shape[1])] for i in range(latitude_bounds.shape[0])])


@pytest.mark.parametrize("offset, rows, columns", [
    pytest.param((0.0, 0.0), [1, 1, 2, 2], [1, 2, 1, 2], id="pole-at-a-corner"),
    pytest.param((0.0, 3e5), [1, 1], [1, 2], id="pole-on-an-edge"),
    pytest.param((2e5, 3e5), [1], [1], id="pole-inside-a-cell"),
])
def test_cells_at_the_pole_get_their_spherical_areas(offset, rows, columns):
    """polygon_areas (unit sphere) against pyproj.Geod on a sphere, for the cells that touch the pole."""
    latitude_bounds, longitude_bounds = _stereographic_cells(*offset)
    hand = _geod_areas(pyproj.Geod(a=RADIUS, b=RADIUS), latitude_bounds, longitude_bounds) / RADIUS**2
    areas = polygon_areas(latitude_bounds, longitude_bounds)
    np.testing.assert_allclose(areas[rows, columns], hand[rows, columns], rtol=1e-9)


def test_geodesic_cells_on_the_ellipsoid_have_its_relative_areas():
    """Cells of 750 km around and away from the pole on WGS 84: within 1e-5 of pyproj.Geod's."""
    latitude_bounds, longitude_bounds = _stereographic_cells(0.0, 3e5)
    hand = _geod_areas(pyproj.Geod(ellps="WGS84"), latitude_bounds, longitude_bounds)
    areas = great_circle_polygon_areas(latitude_bounds, longitude_bounds, flattening=1 / 298.257223563)
    np.testing.assert_allclose(areas / areas.mean(), hand / hand.mean(), rtol=1e-5)


def test_latitude_longitude_boxes_keep_their_exact_band_areas():
    """Edges along parallels: (sin φ₂ − sin φ₁)(λ₂ − λ₁), also across the antimeridian."""
    latitude_bounds = np.array([[10.0, 10.0, 70.0, 70.0], [-80.0, -80.0, -30.0, -30.0], [-90.0, -90.0, -85.0, -85.0]])
    longitude_bounds = np.array([[170.0, -170.0, -170.0, 170.0], [0.0, 40.0, 40.0, 0.0], [0.0, 10.0, 10.0, 0.0]])
    sin = lambda degrees: np.sin(np.deg2rad(degrees))  # noqa: E731
    hand = np.array([sin(70) - sin(10), sin(-30) - sin(-80), sin(-85) - sin(-90)]) * np.deg2rad([20.0, 40.0, 10.0])
    np.testing.assert_allclose(polygon_areas(latitude_bounds, longitude_bounds), hand, rtol=1e-12)


@pytest.mark.parametrize(
    ("west_edges", "widths", "expected"),
    [
        # 5° boxes 170…190E: the gap is 190E round to 170E (340°)
        pytest.param([170.0, 175.0, -180.0, -175.0], 5.0, (170.0, 190.0), id="dateline-minus180-180"),
        pytest.param([180.0, 170.0, 185.0, 175.0], 5.0, (170.0, 190.0), id="dateline-0-360-unordered"),
        # 5° boxes 10W…10E: west at 350, east 10 + 360
        pytest.param([-10.0, -5.0, 0.0, 5.0], 5.0, (350.0, 370.0), id="greenwich-minus180-180"),
        pytest.param([355.0, 0.0, 350.0, 5.0], 5.0, (350.0, 370.0), id="greenwich-0-360"),
        pytest.param([100.0], 2.5, (100.0, 102.5), id="one-column"),
        pytest.param(np.arange(-180.0, 180.0, 30.0), 30.0, (0.0, 360.0), id="whole-circle-minus180-180"),
        pytest.param(np.arange(0.0, 360.0, 30.0), 30.0, (0.0, 360.0), id="whole-circle-0-360"),
        # centres (no width): from the first after the widest gap (170) to the last before it (-170 = 190)
        pytest.param([-175.0, -170.0, 170.0, 175.0], 0.0, (170.0, 190.0), id="centres-across-the-dateline"),
        pytest.param([42.0], 0.0, (42.0, 42.0), id="one-centre"),
        # cells of different widths: 0…20 and 30…40; the widest gap is 40 round to 0 (320°)
        pytest.param([30.0, 0.0], [10.0, 20.0], (0.0, 40.0), id="widths-of-each-cell"),
    ],
)
def test_longitude_span_is_the_circle_less_the_widest_gap(west_edges, widths, expected):
    assert longitude_span(np.array(west_edges), widths) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(("longitudes", "separator", "expected"), [
    pytest.param([172.5, 177.5, -177.5, -172.5], "…", "172.5…-172.5 across the dateline", id="dateline-180"),
    pytest.param([172.5, 177.5, 182.5, 187.5], "…", "172.5…187.5", id="dateline-0-360"),
    pytest.param([350.0, 355.0, 0.0, 5.0], "…", "350…5 across the prime meridian", id="greenwich-0-360"),
    pytest.param(np.arange(-177.5, 180.0, 5.0), "…", "-177.5…177.5", id="global"),
    pytest.param(np.r_[150.0:181.0:5.0, -175.0:-149.0:5.0], " to ", "150 to -150 across the dateline", id="info"),
])
def test_the_longitudes_of_a_box_read_from_its_west_to_its_east_end(longitudes, separator, expected):
    assert longitude_ends_text(longitude_ends(np.array(longitudes)), separator=separator) == expected


# --- areas from the centres alone -----------------------------------------------------------------
def _rotated_centres(rlat, rlon, pole_latitude):
    """Geographic latitude and longitude (degrees) of rotated coordinates whose north pole is at
    (pole_latitude, 180°): the geographic North Pole is then at rotated (pole_latitude, 0)."""
    phi, lam = np.meshgrid(np.deg2rad(rlat), np.deg2rad(rlon), indexing="ij")
    x, y, z = np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)
    tilt = np.deg2rad(90.0 - pole_latitude)  # about the y axis, taking rotated (pole_latitude, 0) to z
    x, z = np.cos(tilt) * x - np.sin(tilt) * z, np.sin(tilt) * x + np.cos(tilt) * z
    return np.rad2deg(np.arcsin(np.clip(z, -1, 1))), np.rad2deg(np.arctan2(y, x))


@pytest.mark.parametrize("pole_latitude, hemisphere", [
    pytest.param(30.0, 1, id="north-pole-at-a-centre"),
    pytest.param(30.0, -1, id="south-pole-at-a-centre"),
    pytest.param(31.0, 1, id="pole-at-a-corner"),
    pytest.param(30.5, 1, id="pole-on-an-edge"),
])
def test_a_rotated_grid_of_bare_centres_has_its_areas_also_at_the_pole(pole_latitude, hemisphere):
    """2° cells of a rotated grid written as 2-D latitude and longitude only: each cell's
    area within 3e-3 of the rotated box's (sin φ₂ − sin φ₁)·Δλ (a rotation keeps areas), the
    cells at the pole within 1e-3; the cell centred on it had cos 90° = 0."""
    rlat, rlon = np.arange(-10.0, 40.1, 2.0), np.arange(-30.0, 30.1, 2.0)
    latitude, longitude = _rotated_centres(rlat, rlon, pole_latitude)
    edges = np.deg2rad(np.concatenate([rlat - 1.0, [rlat[-1] + 1.0]]))
    true = np.diff(np.sin(edges))[:, None] * np.deg2rad(2.0) * np.ones(rlon.size)
    areas = centre_spacing_areas(hemisphere * latitude, longitude)
    np.testing.assert_allclose(areas, true, rtol=3e-3)
    near_pole = np.hypot(rlat[:, None] - pole_latitude, rlon[None, :]) < 2.0
    np.testing.assert_allclose(areas[near_pole], true[near_pole], rtol=1e-3)


@pytest.mark.parametrize("latitudes", [
    pytest.param(np.arange(-90.0, 90.1, 30.0), id="both-poles"),
    pytest.param(np.arange(90.0, 59.0, -1.0), id="north-pole-first-row"),
    pytest.param(np.array([-89.0, -70.0, -40.0]), id="edge-beyond-the-pole-clipped"),
])
def test_a_latitude_longitude_grid_written_in_2d_has_the_areas_of_its_1d_axes(latitudes):
    """The bands between the edges midway, the end ones half a spacing out clipped to ±90° (a
    centre at a pole has its share of the polar cap), by hand; the pole rows had 1e-14."""
    longitudes = np.arange(0.0, 360.0, 45.0)
    latitude, longitude = np.meshgrid(latitudes, longitudes, indexing="ij")
    middles = (latitudes[1:] + latitudes[:-1]) / 2
    edges = np.clip(np.concatenate([[2 * latitudes[0] - middles[0]], middles, [2 * latitudes[-1] - middles[-1]]]),
                    -90.0, 90.0)
    bands = np.abs(np.diff(np.sin(np.deg2rad(edges))))
    np.testing.assert_allclose(centre_spacing_areas(latitude, longitude),
                               bands[:, None] * np.deg2rad(45.0) * np.ones(longitudes.size), rtol=1e-9)


def test_cells_near_a_pole_whose_edges_span_many_degrees_of_longitude_get_their_spherical_areas():
    """break21c F7: 25 km polar stereographic cells within 100 km of the pole (edges spanning up to 80° of longitude)
    were 3.5 % off with straight edges in the (λ, sin φ) plane; now within 1e-9 of pyproj.Geod on the sphere."""
    latitude_bounds, longitude_bounds = _stereographic_cells(3e3, 5e3, size=2.5e4)
    hand = _geod_areas(pyproj.Geod(a=RADIUS, b=RADIUS), latitude_bounds, longitude_bounds) / RADIUS**2
    np.testing.assert_allclose(polygon_areas(latitude_bounds, longitude_bounds), hand, rtol=1e-9)


def test_small_cells_away_from_the_poles_keep_straight_edges_within_1e_4():
    """Tilted 1° cells at 45°N (no edge along a parallel, none spanning more than 1° of longitude): the plane's
    shoelace, within 1e-4 of pyproj.Geod on the sphere, as the docstring says."""
    latitude_bounds = np.array([[45.0, 45.3, 46.2, 45.9]])
    longitude_bounds = np.array([[10.0, 10.95, 10.65, 9.7]])
    hand = _geod_areas(pyproj.Geod(a=RADIUS, b=RADIUS), latitude_bounds[None], longitude_bounds[None])[0] / RADIUS**2
    np.testing.assert_allclose(polygon_areas(latitude_bounds, longitude_bounds), hand, rtol=1e-4)


@pytest.mark.parametrize(("order", "crossed"), [
    pytest.param([0, 1, 2, 3], False, id="round-the-cell"),
    pytest.param([3, 2, 1, 0], False, id="clockwise"),
    pytest.param([0, 1, 3, 2], True, id="row-by-row"),
    pytest.param([0, 2, 1, 3], True, id="diagonals"),
])
def test_corners_not_listed_round_the_cell_are_crossed(order, crossed):
    """Cells around and away from the pole; a bowtie is crossed, a cell in either direction round it is not."""
    latitude_bounds, longitude_bounds = _stereographic_cells(2e5, 3e5)
    found = crossed_quadrilaterals(latitude_bounds[..., order], longitude_bounds[..., order])
    assert found.all() if crossed else not found.any()


def test_a_concave_cell_or_one_with_a_repeated_vertex_is_not_crossed():
    latitude_bounds = np.array([[0.0, 0.0, 1.0, 0.2], [0.0, 0.0, 1.0, 1.0]])  # an arrowhead; a triangle
    longitude_bounds = np.array([[0.0, 1.0, 1.0, 0.8], [0.0, 1.0, 1.0, 1.0]])
    assert not crossed_quadrilaterals(latitude_bounds, longitude_bounds).any()


def test_latitude_longitude_boxes_with_corners_rounded_to_float32_keep_their_exact_areas():
    """verify21b F5: a 10° box's corners stored in float32 (latitudes off by up to 3.8e-6° at 60°N) made its
    parallels "not along a parallel", so the box got a geodesic polygon area, 0.5 % off; its area is
    (sin φ₂ − sin φ₁) Δλ to float32's rounding."""
    south = np.arange(-90.0, 90.0, 10.0)
    latitude_bounds = np.stack([south, south, south + 10, south + 10], axis=-1)[:, None, :] * np.ones((1, 36, 1))
    west = np.arange(0.0, 360.0, 10.0)
    longitude_bounds = np.stack([west, west + 10, west + 10, west], axis=-1)[None, :, :] * np.ones((18, 1, 1))
    rounded = latitude_bounds.astype(np.float32).astype(np.float64)
    rounded = rounded + 1e-6 * np.sign(np.sin(np.arange(rounded.size))).reshape(rounded.shape)
    rounded = np.clip(rounded, -90.0, 90.0)  # jitter below float32's spacing, as a reprojection leaves it, the poles
    # too (verify21c F2: a polar box with one corner at 90 and one at 89.999999 was taken as a polygon round the pole)
    exact = np.abs(np.sin(np.deg2rad(south + 10)) - np.sin(np.deg2rad(south)))[:, None] * np.deg2rad(10.0)
    np.testing.assert_allclose(polygon_areas(rounded, longitude_bounds), exact * np.ones((1, 36)), rtol=1e-6)


# --- grids round a pole ---------------------------------------------------------------------------
def _stereographic_centres(offset_x, offset_y, *, south=False, size=1e5, n=6):
    """Latitude and longitude centres, shape (n, n), of a polar stereographic grid (pyproj) whose
    middle lies (offset_x, offset_y) metres from the pole."""
    proj = f"+proj=stere +lat_0={-90 if south else 90} +lon_0=-45 +lat_ts={-70 if south else 70} +R={RADIUS}"
    to_lonlat = pyproj.Transformer.from_crs(pyproj.CRS.from_proj4(proj), "EPSG:4326", always_xy=True)
    centres = (np.arange(n) - (n - 1) / 2) * size
    lon, lat = to_lonlat.transform(*np.meshgrid(centres + offset_x, centres + offset_y, indexing="xy"))
    return lat, lon


@pytest.mark.parametrize(("grid", "pole"), [
    pytest.param(lambda: _stereographic_centres(0.0, 0.0), "North Pole", id="nsidc-north"),
    pytest.param(lambda: _stereographic_centres(1.2e5, -0.7e5), "North Pole", id="pole-off-the-middle"),
    pytest.param(lambda: _stereographic_centres(0.0, 0.0, south=True), "South Pole", id="south"),
    pytest.param(lambda: _stereographic_centres(2e6, 0.0), None, id="beside-the-pole"),
    pytest.param(lambda: _rotated_centres(np.arange(-10.0, 11.0, 2.0), np.arange(-10.0, 11.0, 2.0), 30.0),
                 None, id="rotated-away-from-the-pole"),
    pytest.param(lambda: np.meshgrid(np.arange(-87.5, 90.0, 5.0), np.arange(-180.0, 180.0, 5.0), indexing="ij"),
                 None, id="global-latitude-longitude"),
    pytest.param(lambda: np.meshgrid(np.arange(60.0, 80.0, 2.0), np.arange(170.0, 200.0, 2.0), indexing="ij"),
                 None, id="box-across-the-dateline"),
])
def test_a_grid_round_a_pole_is_told_by_the_ring_of_its_outer_cells(grid, pole):
    assert encircled_pole(*grid()) == pole


def _ease2_with_gaps(keep):
    """A global EASE-Grid 2.0 (EPSG:6933, 288 km cells, 120 × 50; pyproj) centres, NaN off ``keep(lat, lon)``."""
    size = 36032.220840584 * 8
    x, y = (np.arange(120) - 59.5) * size, (24.5 - np.arange(50)) * size
    lon, lat = pyproj.Transformer.from_crs(6933, 4326, always_xy=True).transform(*np.meshgrid(x, y))
    kept = keep(lat, lon)
    return np.where(kept, lat, np.nan), np.where(kept, lon, np.nan)


@pytest.mark.parametrize(("grid", "pole"), [
    # break52b A4: SMAP L3's latitude/longitude at -9999 off the retrievals; the ring jumped the gaps the short way
    pytest.param(lambda: _ease2_with_gaps(lambda lat, lon: (np.sin(np.radians(lon) * 2 + 0.5) * np.cos(np.radians(lat)
                 * 3) > 0.1) & (lat > -55) & (lat < 75)), None, id="global-ease2-with-gaps-off-the-land"),
    pytest.param(lambda: _ease2_with_gaps(lambda lat, lon: lat < 100), None, id="global-ease2-whole"),
    # eliminated cells of a few columns on a grid round the pole keep it round the pole
    pytest.param(lambda: tuple(np.where((np.arange(6) == 0)[:, None] & (np.arange(6) == 2), np.nan, a)
                               for a in _stereographic_centres(0.0, 0.0)), "North Pole", id="nsidc-one-cell-missing"),
])
def test_a_ring_with_missing_cells_is_round_a_pole_only_where_the_gaps_cannot_hide_half_a_turn(grid, pole):
    assert encircled_pole(*grid()) == pole


def test_a_grid_round_a_pole_reads_as_such_not_as_across_the_dateline():
    """The 25 km NSIDC-like grid's longitudes have a gap by its central meridian: their "ends"
    read as "-41.9872…-48.0128 across the dateline" (break21c); round the pole they have none."""
    latitude, longitude = _stereographic_centres(0.0, 0.0, size=25e3, n=20)
    assert longitude_ends_text(longitude_ends(longitude)) == "-41.9872…-48.0128 across the dateline"
    assert longitude_ends_text(longitude_ends(longitude), pole=encircled_pole(latitude, longitude)) == (
        "all, round the North Pole")


@pytest.mark.parametrize(("longitudes", "expected"), [
    pytest.param(np.r_[0.25:18.0:2.5, 350.25:358.0:2.5], [2.5] * 11, id="greenwich-stored-ascending"),
    pytest.param(np.r_[350.25:358.0:2.5, 0.25:18.0:2.5], [2.5] * 11, id="greenwich-west-to-east"),
    pytest.param(np.array([150.0, 155.0, 165.0, -175.0]), [5.0, 10.0, 20.0], id="irregular-across-the-dateline"),
    pytest.param(np.arange(0.0, 360.0, 30.0)[::-1], [30.0] * 11, id="global-descending"),
])
def test_steps_are_taken_round_the_circle_from_the_western_end(longitudes, expected):
    """The steps between neighbours in their order round the circle (the 332.5° from 17.75 to
    350.25 is the gap outside a region, not a step: break22c F6)."""
    np.testing.assert_allclose(steps_around_the_circle(longitudes), expected)


def _triangles_round_a_grid_pole(step):
    """The first ring of cells round the south pole of a rotated global grid of ``step``° cells
    (rotation by hand, tests/grid_files.py): each a triangle, its two corners on the grid pole
    bit-identical (CF section 7.1 allows a repeated vertex), in CF order round the cell."""
    west = np.arange(0.0, 360.0, step) - 180.0
    rlat = np.array([-90.0, -90.0, -90.0 + step, -90.0 + step])[None, :].repeat(west.size, axis=0)
    rlon = np.stack([west, west + step, west + step, west], axis=-1)
    latitude, longitude = rotated_to_geographic(rlat, rlon)
    latitude[:, :2], longitude[:, :2] = latitude[0, 0], longitude[0, 0]  # the grid pole, one point
    return latitude, longitude


@pytest.mark.parametrize("step", [pytest.param(4.0, id="4deg"), pytest.param(1.0, id="1deg"),
                                  pytest.param(0.25, id="quarter-deg")])
def test_the_triangles_round_a_grid_pole_are_not_crossed(step):
    """break24a F1: with two corners the same, v₀·(v₁ × v₂) is round-off of random sign, and 5–12 % of the
    triangles round a rotated grid's pole were called crossed (their file refused); in the other vertex orders
    a triangle stays a triangle, and the bowtie of a real cell is still crossed."""
    latitude, longitude = _triangles_round_a_grid_pole(step)
    assert not crossed_quadrilaterals(latitude, longitude).any()
    assert not crossed_quadrilaterals(latitude[:, [0, 1, 3, 2]], longitude[:, [0, 1, 3, 2]]).any()
    assert not crossed_quadrilaterals(latitude[:, ::-1], longitude[:, ::-1]).any()
    # a cell of the next ring, four distinct corners: its bowtie is crossed
    quads = rotated_to_geographic(np.array([[-90.0 + step, -90.0 + step, -90.0 + 2 * step, -90.0 + 2 * step]]),
                                  np.array([[0.0, step, step, 0.0]]))
    assert not crossed_quadrilaterals(*quads).any()
    assert crossed_quadrilaterals(quads[0][:, [0, 1, 3, 2]], quads[1][:, [0, 1, 3, 2]]).all()


def _rotated_cells_round_a_grid_pole(step, rings):
    """The corners, shape (rings, n_columns, 4), of the first ``rings`` rings of cells round the
    south pole of a rotated global grid of ``step``° cells (rotation by hand), in CF order."""
    west = np.arange(0.0, 360.0, step) - 180.0
    south = -90.0 + step * np.arange(rings)
    rlat = np.stack([south, south, south + step, south + step], axis=-1)[:, None, :].repeat(west.size, axis=1)
    rlon = np.stack([west, west + step, west + step, west], axis=-1)[None].repeat(rings, axis=0)
    return rotated_to_geographic(rlat, rlon)


def test_narrow_cells_next_to_a_grid_pole_get_their_geodesic_areas():
    """break24a F2: cells round a rotated grid's pole span under 1° of longitude, so their edges were taken
    straight in the (λ, sin φ) plane: up to 2–7 % off pyproj.Geod's polygon on the sphere (the docs promised
    1e-4). Each edge off a parallel is now the great circle: pyproj.Geod's area, to round-off."""
    latitude_bounds, longitude_bounds = _rotated_cells_round_a_grid_pole(4.0, 3)
    hand = _geod_areas(pyproj.Geod(a=RADIUS, b=RADIUS), latitude_bounds, longitude_bounds) / RADIUS**2
    np.testing.assert_allclose(polygon_areas(latitude_bounds, longitude_bounds), hand, rtol=1e-9)
    # the areas of runs trained before: straight edges, as the shoelace in (λ, sin φ) gives them by hand
    x = np.deg2rad((longitude_bounds - longitude_bounds[..., :1] + 180.0) % 360.0 - 180.0)
    y = np.sin(np.deg2rad(latitude_bounds))
    shoelace = 0.5 * np.abs(np.sum(x * np.roll(y, -1, axis=-1) - np.roll(x, -1, axis=-1) * y, axis=-1))
    old = polygon_areas(latitude_bounds, longitude_bounds, straight_edges=True)
    steps = (np.roll(longitude_bounds, -1, axis=-1) - longitude_bounds + 180.0) % 360.0 - 180.0
    narrow = (np.abs(steps) < 1.0).all(axis=-1)  # the others got their geodesic areas already
    assert narrow.sum() > 10
    np.testing.assert_allclose(old[narrow], shoelace[narrow], rtol=1e-12)
    assert np.abs(old / hand - 1).max() > 0.01  # what the fix is for


def test_a_slanted_cell_with_two_corners_at_one_latitude_has_its_geodesic_area():
    """A 5° cell at 70°N with slanted sides whose south corners share a latitude (as the cells of a rotated grid
    symmetric about the meridian through its pole do): great circles all round, pyproj.Geod's area on the sphere,
    not a parallel along its south edge (3e-3 more here)."""
    latitude_bounds = np.array([[68.0, 68.0, 72.0, 72.5]])
    longitude_bounds = np.array([[10.0, 15.0, 16.0, 11.5]])
    hand = abs(pyproj.Geod(a=RADIUS, b=RADIUS).polygon_area_perimeter(longitude_bounds[0], latitude_bounds[0])[0])
    np.testing.assert_allclose(polygon_areas(latitude_bounds, longitude_bounds), hand / RADIUS**2, rtol=1e-9)


def test_a_latitude_longitude_box_keeps_its_exact_area_at_any_size():
    latitude_bounds = np.array([[-10.0, -10.0, 60.0, 60.0], [80.0, 80.0, 85.0, 85.0]])
    longitude_bounds = np.array([[350.0, 30.0, 30.0, 350.0], [0.0, 170.0, 170.0, 0.0]])
    exact = np.deg2rad([40.0, 170.0]) * (np.sin(np.deg2rad([60.0, 85.0])) - np.sin(np.deg2rad([-10.0, 80.0])))
    np.testing.assert_allclose(polygon_areas(latitude_bounds, longitude_bounds), exact, rtol=1e-12)


def _global_curvilinear(n_rows=10, n_columns=24):
    """Centres of a global curvilinear grid (break37a C4's, an ORCA-like 15° grid whose rows bend
    with longitude): every row goes round the globe, columns −172.5° … 172.5° shifted by up to 0.5°."""
    first = -70 + np.arange(n_rows) * (140 / (n_rows - 1))
    along = -172.5 + 15.0 * np.arange(n_columns)
    latitude = first[:, None] + 2 * np.sin(np.deg2rad(along))[None, :] * (first[:, None] / 70) ** 2
    longitude = along[None, :] + 0.5 * np.cos(np.deg2rad(first))[:, None]
    return latitude, longitude


def test_the_edge_columns_of_a_grid_round_the_globe_have_the_areas_of_their_neighbours_across_the_edge():
    """break37a C4: the first and last columns of a global curvilinear grid had their corners placed beyond a
    mirrored centre, not between them and the neighbouring column across the date line: 3-7 % off. Each corner is
    checked here as the normalised mean of the four centres around it (np.roll: the columns wrap), each cell's
    area as pyproj.Geod's polygon on the sphere through those corners (interior rows: the first and last are
    mirrored, as without a wrap)."""
    latitude, longitude = _global_curvilinear()
    phi, lam = np.deg2rad(latitude), np.deg2rad(longitude)
    vectors = np.stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)], axis=-1)
    corners = []
    for row_step, column_step in ((-1, -1), (-1, 1), (1, 1), (1, -1)):
        rows = np.roll(vectors, -row_step, axis=0)
        total = vectors + rows + np.roll(vectors, -column_step, axis=1) + np.roll(rows, -column_step, axis=1)
        corners.append(total)
    corners = np.stack(corners, axis=2)[1:-1]  # (rows, columns, 4, 3)
    corner_latitude = np.rad2deg(np.arctan2(corners[..., 2], np.hypot(corners[..., 0], corners[..., 1])))
    corner_longitude = np.rad2deg(np.arctan2(corners[..., 1], corners[..., 0]))
    expected = _geod_areas(pyproj.Geod(a=1.0, b=1.0), corner_latitude, corner_longitude)
    np.testing.assert_allclose(centre_spacing_areas(latitude, longitude)[1:-1], expected, rtol=1e-5)


@pytest.mark.parametrize(
    ("columns", "wraps"),
    [pytest.param(slice(None), True, id="round-the-globe"),
     pytest.param(slice(0, 12), False, id="half-of-it"),
     pytest.param(slice(0, 23), False, id="one-column-short"),
     pytest.param([*range(24), 0], True, id="a-repeated-first-column")],
)
def test_a_grid_wraps_when_each_row_goes_round_once(columns, wraps):
    latitude, longitude = _global_curvilinear()
    assert rows_wrap_around(latitude[:, columns], longitude[:, columns]) is wraps


def _tripolar_longitudes():
    """The 2-D latitudes and longitudes of tests.grid_files.write_tripolar's global grid."""
    import tempfile

    import xarray as xr

    from tests.grid_files import write_tripolar

    with tempfile.TemporaryDirectory() as folder:
        with xr.open_dataset(write_tripolar(Path(folder) / "t.nc")) as tripolar:
            return tripolar["latitude"].values, tripolar["longitude"].values


@pytest.mark.parametrize(("longitude", "expected"), [
    pytest.param(lambda: _tripolar_longitudes()[1], True, id="global-tripolar"),
    pytest.param(lambda: _tripolar_longitudes()[1][:, 2:6], False, id="four-columns-of-it"),
    pytest.param(lambda: np.meshgrid(np.arange(-87.5, 90.0, 5.0), np.arange(-180.0, 180.0, 5.0), indexing="ij")[1],
                 True, id="global-latitude-longitude"),
    pytest.param(lambda: _rotated_centres(np.arange(-10.0, 11.0, 2.0), np.arange(-10.0, 11.0, 2.0), 30.0)[1],
                 False, id="rotated-regional"),
    pytest.param(lambda: np.arange(0.0, 360.0, 5.0), False, id="one-dimensional"),
])
def test_a_curvilinear_grid_goes_round_the_globe_when_one_of_its_rows_does(longitude, expected):
    assert goes_round_the_globe(longitude()) is expected


def test_a_global_tripolar_grid_reads_as_every_longitude_not_as_across_the_prime_meridian():
    """break40a A7: the rows of a tripolar grid bent towards its northern poles fill the gaps
    between the columns of the others, so that the widest gap of all its longitudes is one
    column and their ends read "67.5…22.5 across the prime meridian"; it goes round the globe."""
    latitude, longitude = _tripolar_longitudes()
    assert longitude_ends_text(longitude_ends(longitude)) == "67.5…22.5 across the prime meridian"
    assert encircled_pole(latitude, longitude) is None
    assert longitude_ends_text(longitude_ends(longitude), every=goes_round_the_globe(longitude)) == "all"
