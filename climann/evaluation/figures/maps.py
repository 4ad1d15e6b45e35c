"""Maps: truth, prediction and error for a time step or a period; RMSE and bias per cell; the
anomaly correlation per cell."""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.text import Text
from matplotlib.ticker import FuncFormatter, Locator, MaxNLocator, MultipleLocator

from climann.data.geometry import bounds_from_centres, longitude_span, wrapped_difference
from climann.data.layout import GridLayout
from climann.data.levels import chosen_levels, level_text
from climann.data.shell import wrapped_lines
from climann.data.splits import compact_periods
from climann.data.stations import station_label
from climann.data.time_axis import date_text
from climann.data.units import difference_units
from climann.evaluation.coastlines import draw_coastlines
from climann.evaluation.metrics import nanmean_over_time
from climann.evaluation.baselines import run_climatology_per
from climann.evaluation.scores import cell_anomaly_correlation, cell_scores
from climann.evaluation.figures.projected import (
    cell_corners,
    draw_projected_map,
    edges,
    filled_positions,
    map_projection,
)
from climann.evaluation.figures.style import (
    ERROR_COLORMAP,
    NO_DATA_COLOR,
    RMSE_COLORMAP,
    VALUE_COLORMAP,
    _cell_edges,
    _figure,
    _period,
    _save,
    _with_units,
    symmetric_limit,
    value_limits,
)


#: The widest a map is drawn, longitude over latitude extent in degrees: a narrower band (an
#: equatorial strip of 10° × 360°) has its latitude stretched to this shape, and says so.
MAX_MAP_RATIO = 6.0


class MapPanel(NamedTuple):
    """One map of a figure: what it shows, and its colours."""

    title: str
    field: np.ndarray  # (n_lat, n_lon)
    cmap: str
    vmin: float
    vmax: float
    label: str  # the colorbar's, with units
    extend: str | None = None  # the colorbar's arrows; default: where the field goes beyond the scale


class MapGrid(NamedTuple):
    """Where each cell of a layout is drawn: the corners of every cell in degrees."""

    longitude: np.ndarray  # (n_lat + 1, n_lon + 1), continuous (no jump of 360°)
    latitude: np.ndarray  # (n_lat + 1, n_lon + 1)
    columns: np.ndarray  # order in which the layout's columns are drawn, (n_lon,)
    hidden: np.ndarray  # (n_lat, n_lon) True for cells across the map's seam, not drawn


#: Tick spacings of the degree axes, in degrees: below 1° for small domains (break41a A5: SNODAS's
#: 30″ 12×16 cells, 0.1° × 0.13°, and a 1/120° CCI Lakes box had one tick per axis, "45°N" alone).
DEGREE_STEPS = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 5, 10, 15, 30, 45, 60, 90)
#: The most ticks a colorbar gets (fewer when their labels would not fit side by side).
COLORBAR_TICKS = 6
#: The least space between two neighbouring tick labels, in points.
TICK_LABEL_GAP_POINTS = 3.0


def _degree_step(extent: float) -> float:
    """A tick spacing in degrees that gives at most about 7 ticks (at least 3 for an extent of
    0.003° or more: the next finer step gives more than 7)."""
    return next((step for step in DEGREE_STEPS if extent / step <= 7), 90)


class SpacedTicks(Locator):
    """The ticks of the first of ``locators`` (densest first) whose labels lie side by side
    along a horizontal axis without touching, as drawn: the label widths are measured with the
    figure's renderer against the axis's length in pixels when the figure is laid out, so that
    a narrow map or colorbar gets fewer ticks (the last locator's when none fits).

    Parameters
    ----------
    locators : sequence of matplotlib.ticker.Locator
        From the most ticks to the fewest.
    """

    def __init__(self, locators: Sequence[Locator]) -> None:
        self.locators = list(locators)
        self._chosen: tuple[tuple, np.ndarray] | None = None  # (view, axis width, dpi) and its ticks

    def set_axis(self, axis) -> None:
        super().set_axis(axis)
        for locator in self.locators:
            locator.set_axis(axis)

    def __call__(self) -> np.ndarray:
        return self.tick_values(*self.axis.get_view_interval())

    def tick_values(self, vmin: float, vmax: float) -> np.ndarray:
        # a draw asks many times (layout, ticks, labels): the labels are measured once per
        # view and width of the axis
        key = (vmin, vmax, *(() if self.axis is None else
                             (self.axis.axes.get_window_extent().width, self.axis.axes.figure.dpi)))
        if self._chosen is not None and self._chosen[0] == key:
            return self._chosen[1]
        ticks = np.array([])
        for locator in self.locators:
            ticks = np.asarray(locator.tick_values(vmin, vmax))
            if self.axis is None or _labels_fit(self.axis, ticks):
                break
        self._chosen = (key, ticks)
        return ticks


def _labels_fit(axis, ticks: np.ndarray) -> bool:
    """Whether the labels of ``ticks`` on the horizontal ``axis`` (those within its view) are
    at least :data:`TICK_LABEL_GAP_POINTS` apart, in the axis's formatter and tick font."""
    low, high = sorted(axis.get_view_interval())
    shown = ticks[(ticks >= low - 1e-9 * (high - low)) & (ticks <= high + 1e-9 * (high - low))]
    if shown.size < 2:
        return True
    figure = axis.axes.figure
    renderer = figure.canvas.get_renderer()
    measured = Text(fontsize=mpl.rcParams["xtick.labelsize"], figure=figure)  # one text, set to each label
    widths = []
    for label in axis.get_major_formatter().format_ticks(list(shown)):
        measured.set_text(label)
        widths.append(measured.get_window_extent(renderer).width)
    centres = axis.axes.transData.transform(np.column_stack([shown, np.zeros(shown.size)]))[:, 0]
    room = np.abs(np.diff(centres)) - (np.add(widths[:-1], widths[1:]) / 2)
    return bool(room.min() >= TICK_LABEL_GAP_POINTS * figure.dpi / 72.0)


def continuous_longitudes(longitude: np.ndarray) -> np.ndarray:
    """The longitudes of a regular grid shifted by whole turns so that the cells lie in one
    piece on the map.

    A regional grid is put in the window that starts just east of the widest gap between
    its longitudes (:func:`~climann.data.geometry.longitude_span`): a box across the dateline
    (170°…−170°, or 150°…210° in a 0…360 file) becomes 170…190 or 150…210, not two strips at
    the edges of a world map; a window east of 180° is moved back by 360° (so −10…10, not
    350…370). A grid without a gap wider than twice its mean step (a global one) keeps its
    values.

    Parameters
    ----------
    longitude : ndarray, shape (n_lon,)
        Degrees east.

    Returns
    -------
    ndarray, shape (n_lon,)
    """
    longitude = np.asarray(longitude, np.float64)
    distinct = np.unique(np.round(longitude[np.isfinite(longitude)] % 360.0, 9))
    if distinct.size < 2:
        return longitude
    west, east = longitude_span(distinct)
    if 360.0 - (east - west) <= 2 * (east - west) / (distinct.size - 1):
        return longitude  # no gap much wider than the mean step: a global grid, in the file's own convention
    start = west - 1e-6  # below the rounding of ``distinct``
    shifted = start + (longitude - start) % 360.0
    return shifted - 360.0 if np.nanmin(shifted) >= 180.0 else shifted


def unwrapped_longitudes(longitude: np.ndarray) -> np.ndarray:
    """The 2-D longitudes of a curvilinear grid without jumps of 360° between neighbouring
    cells: unwrapped along each row, rows shifted by whole turns to follow the first column,
    then moved by whole turns so that the smallest lies in [−180, 180).

    Parameters
    ----------
    longitude : ndarray, shape (n_rows, n_columns)
        Degrees east.

    Returns
    -------
    ndarray, shape (n_rows, n_columns)
    """
    along_rows = np.unwrap(np.asarray(longitude, np.float64), period=360.0, axis=1)
    first_column = along_rows[:, 0]
    along_rows += (np.unwrap(first_column, period=360.0) - first_column)[:, None]
    return along_rows - 360.0 * np.floor((np.nanmin(along_rows) + 180.0) / 360.0)


def _row_edges(bounds: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """The edges of the rows along an axis as drawn, shape (n + 1,), in the axis's order.

    Rows whose CF bounds (n, 2), in either vertex order (CF section 7.1 fixes none), touch
    their neighbours' are drawn on them. Rows that do not touch (every 2nd row of a
    ``grid_stride`` run: −82.5, −52.5, … with their own 15° bounds) are drawn midway between
    their centres (:func:`~climann.data.geometry.bounds_from_centres`, clipped at ±90°): each
    value centred where its row lies. Drawing them from each row's own lower edge to the next
    row's put every row half a stride north of its cells and cut the last one short.
    """
    if not _rows_touch(bounds):
        bounds = bounds_from_centres(centres, latitude=True)
    lower, upper = bounds.min(axis=1), bounds.max(axis=1)
    if bounds.shape[0] > 1 and lower[-1] < lower[0]:  # descending: north to south
        return np.append(upper, lower[-1])
    return np.append(lower, upper[-1])


def _rows_touch(bounds: np.ndarray) -> bool:
    """Whether each row's bounds (n, 2) meet the next row's, in either order."""
    lower, upper = bounds.min(axis=1), bounds.max(axis=1)
    if bounds.shape[0] > 1 and lower[-1] < lower[0]:
        lower, upper = lower[::-1], upper[::-1]
    tolerance = 1e-6 * max(float(np.ptp(bounds)), 1.0)
    return bool(np.allclose(upper[:-1], lower[1:], rtol=0.0, atol=tolerance))


def map_grid(layout: GridLayout, present: np.ndarray | None = None) -> MapGrid:
    """The cells of ``layout`` as drawn: corners in geographic degrees.

    A regular grid's columns are sorted by (continuous) longitude and its edges lie midway
    between centres; its rows' edges are those of its area weights
    (:meth:`~climann.data.layout.GridLayout.axis_bounds`: a row centred at a pole is drawn as
    its polar cap, to ±90°, not as a full row beyond the pole), or midway between the centres
    where those do not touch (every n-th row of a ``grid_stride`` run). A curvilinear, rotated-pole or
    projected grid is drawn on its true 2-D latitude and (unwrapped) longitude, corners midway
    between neighbouring centres; a cell whose corners are more than 180° of longitude apart
    straddles the map's seam and is hidden. A list of points written as a curvilinear grid (a
    JULES land-point list, :attr:`~climann.data.layout.GridLayout.is_point_list`) has no corners:
    its "corners" are the points themselves, shape (n_rows, n_columns), longitudes shifted by
    whole turns to lie in one piece (:func:`continuous_longitudes`), drawn as dots (:func:`_draw_points`).
    ``present`` (n_lat, n_lon), the cells with data: a curvilinear grid whose columns go round the
    globe is drawn from the column after its widest band of columns without data
    (:func:`_first_drawn_column`), so that a region across the file's 0° (300°…60°E on 0…360
    longitudes) is one piece, not two slivers at the ends of a 0…360° axis (break47a A3).
    """
    if layout.is_point_list:  # points have no corners: the points themselves
        latitude, longitude = layout.geographic_coordinates()
        shape = latitude.shape
        longitude = continuous_longitudes(np.asarray(longitude, np.float64).reshape(-1)).reshape(shape)
        return MapGrid(longitude, np.asarray(latitude, np.float64), np.arange(layout.shape[2]),
                       ~np.isfinite(latitude) | ~np.isfinite(longitude))
    if not layout.is_curvilinear:
        longitude = _around_data(continuous_longitudes(layout.longitude.values), present)
        columns = np.argsort(longitude, kind="stable")
        lon_edges = _cell_edges(longitude[columns])
        lat_edges = _row_edges(layout.axis_bounds()[0], layout.latitude.values)
        lon_edges = _one_cell_edges(longitude, layout.longitude_bounds, layout.latitude.values, longitude=True,
                                    otherwise=lon_edges)
        lat_edges = _one_cell_edges(layout.latitude.values, layout.latitude_bounds, longitude, longitude=False,
                                    otherwise=lat_edges)
        corner_lat, corner_lon = np.meshgrid(lat_edges, lon_edges, indexing="ij")
        hidden = np.zeros(layout.shape[1:], dtype=bool)
        return MapGrid(corner_lon, corner_lat, columns, hidden)
    latitude, longitude = layout.geographic_coordinates()
    positionless = ~np.isfinite(latitude) | ~np.isfinite(longitude)
    first, empty = _first_drawn_column(filled_positions(longitude, positionless), present)
    columns = np.roll(np.arange(layout.shape[2]), -first)[:layout.shape[2] - empty]
    drawn = positionless[:, columns]
    longitude = unwrapped_longitudes(filled_positions(np.asarray(longitude)[:, columns], drawn))
    latitude = filled_positions(np.asarray(latitude)[:, columns], drawn)
    corner_lon, corner_lat = cell_corners(longitude), cell_corners(latitude)
    quads = np.stack([corner_lon[:-1, :-1], corner_lon[:-1, 1:], corner_lon[1:, 1:], corner_lon[1:, :-1]])
    hidden = positionless.copy()  # in the layout's order
    hidden[:, columns] = (np.ptp(quads, axis=0) > 180.0) | drawn
    return MapGrid(corner_lon, corner_lat, columns, hidden)


def _around_data(longitude: np.ndarray, present: np.ndarray | None) -> np.ndarray:
    """The longitudes of a regular grid's columns (degrees east, shape (n_lon,)) shifted by
    whole turns into the 360° window that :func:`continuous_longitudes` gives the columns with
    data (``present``, (n_lat, n_lon), any row): the rule by which a curvilinear map starts
    after its widest band without data (:func:`_first_drawn_column`), for a regular grid too.
    A 0…360 file holding Europe and Asia was drawn 0…360, its 345–355° columns at the far right
    (break48d A7); it is drawn from −15°. Unchanged when every column or none has data."""
    if present is None or longitude.size < 3:
        return longitude
    filled = np.asarray(present, bool).any(axis=0)
    if filled.all() or not filled.any():
        return longitude
    west = float(np.nanmin(continuous_longitudes(longitude[filled])))
    return west + (longitude - west) % 360.0


def _first_drawn_column(longitude: np.ndarray, present: np.ndarray | None) -> tuple[int, int]:
    """The column a curvilinear map starts from and the number of columns left out at its end:
    the one after the widest band of neighbouring columns without data (``present`` false all
    along them, counted round the globe) and that band, when the grid's last column neighbours
    its first (their longitudes no farther apart than twice the widest step between neighbouring
    columns, modulo 360°) and some column has data; else (0, 0), every column drawn in order."""
    if present is None or longitude.shape[1] < 3:
        return 0, 0
    filled = np.asarray(present, bool).any(axis=0)
    if filled.all() or not filled.any():
        return 0, 0
    steps = np.abs(wrapped_difference(longitude[:, 1:], longitude[:, :-1]))
    seam = np.abs(wrapped_difference(longitude[:, 0], longitude[:, -1]))
    if not np.all(seam <= 2.0 * np.nanmax(steps, axis=1)):
        return 0, 0
    empty = np.concatenate([~filled, ~filled])  # round the globe twice: a band across the file's last column
    best, start, run = 0, 0, 0
    for index, value in enumerate(empty):
        run = run + 1 if value else 0
        if run > best:
            best, start = run, index + 1
    return int(start % filled.size), int(min(best, filled.size - 1))


def _one_cell_edges(centres: np.ndarray, bounds: np.ndarray | None, other_centres: np.ndarray, *, longitude: bool,
                    otherwise: np.ndarray) -> np.ndarray:
    """The edges of an axis of one cell as drawn, shape (2,), degrees: its CF bounds (CF
    conventions section 7.1), a longitude's taken round the circle to its centre (a cell of
    355…5 about 0 is −5…5); without bounds, as wide as the other axis's spacing (a square
    cell, as the grid's other cells are spaced) when that has several cells. ``otherwise``
    (the edges of an axis of several cells, shape (n + 1,)) is returned unchanged."""
    if np.size(centres) != 1:
        return otherwise
    centre = float(np.ravel(centres)[0])
    if bounds is not None and np.all(np.isfinite(bounds)) and np.ptp(bounds) > 0:
        edges = np.ravel(bounds)[:2].astype(np.float64)
        return np.sort(centre + wrapped_difference(edges, centre) if longitude else edges)
    if np.size(other_centres) > 1:
        spacing = float(np.median(np.abs(np.diff(np.sort(np.ravel(other_centres))))))
        edges = np.array([centre - spacing / 2, centre + spacing / 2])
        return edges if longitude else np.clip(edges, -90.0, 90.0)  # a row at a pole: its cap
    return otherwise


def _is_close(value: float, target: float) -> bool:
    """``numpy.isclose(value, target)`` (its tolerances: 1e-8 plus 1e-5 of ``target``) for two
    floats, without building arrays: a figure's draw formats its degree ticks thousands of times."""
    return abs(value - target) <= 1e-8 + 1e-5 * abs(target)


def _longitude_label(value: float, _position: object = None) -> str:
    """A longitude tick as people write it: 30°W, 0°, 150°E, 180° (any number of turns)."""
    wrapped = (value + 180.0) % 360.0 - 180.0
    if _is_close(abs(wrapped), 180.0) or _is_close(wrapped, 0.0):
        return f"{abs(wrapped):g}°"
    return f"{abs(wrapped):g}°{'W' if wrapped < 0 else 'E'}"


def _latitude_label(value: float, _position: object = None) -> str:
    """A latitude tick: 30°S, 0°, 45°N."""
    return "0°" if _is_close(value, 0.0) else f"{abs(value):g}°{'S' if value < 0 else 'N'}"


def draws_maps(layout: GridLayout) -> bool:
    """Whether a run's maps are drawn for ``layout``: not on a grid of one cell (a station, or
    one cell cut out of a grid), where each map would be one square of one colour; the
    area-mean series (the cell's own values) says it all (:data:`.style.NO_MAPS_TEXT`)."""
    return layout.n_cells > 1


def cell_position(layout: GridLayout) -> str:
    """Where the first cell of ``layout`` lies, on its true latitude and longitude: '12.5°N,
    52.5°E' (the station of a grid of one cell)."""
    latitude, longitude = layout.geographic_coordinates()
    return f"{_latitude_label(float(latitude.flat[0]))}, {_longitude_label(float(longitude.flat[0]))}"


def cell_place(layout: GridLayout) -> str:
    """Where the data of a grid of one cell are, for a title: 'station BBB (22.5°S, 127.5°E)'
    when the layout keeps a station's name (the scalar coordinate with CF ``cf_role =
    "timeseries_id"``, CF section 9.5: a station has no cell; GRDC's name beside its number,
    :func:`~climann.data.stations.station_label`), else 'the single grid cell
    (12.5°N, 52.5°E)' (:func:`cell_position`); then its level, ', depth = 3 m'
    (:func:`~climann.data.levels.chosen_levels`)."""
    name = station_label(layout.scalar_coordinates)
    levels = "".join(f", {level_text(level)}" for level in chosen_levels(layout.scalar_coordinates))
    if name is not None:
        return f"station {name} ({cell_position(layout)}){levels}"
    return f"the single grid cell ({cell_position(layout)}){levels}"


def latitude_stretch(grid: MapGrid) -> float:
    """How much a map's latitude is stretched: 1 (a degree as long on both axes) unless the
    domain is more than :data:`MAX_MAP_RATIO` times wider than high, then the factor that
    draws it at that ratio (a 10° × 360° strip would otherwise be a sliver with its latitude
    labels on top of each other)."""
    lon_extent, lat_extent = np.ptp(grid.longitude), np.ptp(grid.latitude)
    if not lat_extent > 0:
        return 1.0
    return float(max(1.0, lon_extent / lat_extent / MAX_MAP_RATIO))


def _draw_map(figure: Figure, axis: Axes, layout: GridLayout, panel: MapPanel,
              present: np.ndarray | None = None) -> None:
    """One map on ``axis``: cells, coastlines (not on an invented planet:
    :attr:`~climann.data.layout.GridLayout.synthetic_geography`), degree axes, a colorbar
    below it; a projected grid in its own x and y (:mod:`.projected`)."""
    projected = map_projection(layout)
    if projected is not None:
        axis.set_facecolor(NO_DATA_COLOR)
        mesh = draw_projected_map(axis, layout, projected, panel.field, cmap=panel.cmap, vmin=panel.vmin,
                                  vmax=panel.vmax)
        axis.set_title(panel.title)
        _colorbar(figure, axis, mesh, panel)
        return
    grid = map_grid(layout, present)
    if layout.is_point_list:
        mesh = _draw_points(axis, grid, panel)
    else:
        field = np.where(grid.hidden, np.nan, panel.field)[:, grid.columns]
        axis.set_facecolor(NO_DATA_COLOR)
        mesh = axis.pcolormesh(
            grid.longitude, grid.latitude, np.ma.masked_invalid(field), shading="flat",
            cmap=panel.cmap, vmin=panel.vmin, vmax=panel.vmax,
        )
        axis.set_xlim(np.nanmin(grid.longitude), np.nanmax(grid.longitude))
        axis.set_ylim(np.nanmin(grid.latitude), np.nanmax(grid.latitude))  # north up, whatever the file's order
    if not layout.synthetic_geography:  # the Earth's coastlines would lie across invented continents
        draw_coastlines(axis, grid.longitude, grid.latitude)
    # labels like "150°W" are wide: fewer of them along longitude
    step = _degree_step(1.6 * np.ptp(grid.longitude))
    axis.xaxis.set_major_locator(SpacedTicks([MultipleLocator(wider) for wider in DEGREE_STEPS if wider >= step]
                                             + [MultipleLocator(360)]))
    axis.yaxis.set_major_locator(MultipleLocator(_degree_step(np.ptp(grid.latitude))))
    axis.xaxis.set_major_formatter(FuncFormatter(_longitude_label))
    axis.yaxis.set_major_formatter(FuncFormatter(_latitude_label))
    stretch = latitude_stretch(grid)
    axis.set_aspect(stretch)  # 1: "equal"
    axis.set_title(panel.title)
    axis.set_xlabel("longitude")
    axis.set_ylabel("latitude" if stretch == 1 else f"latitude (stretched ×{stretch:.2g})")
    _colorbar(figure, axis, mesh, panel)


#: The margin round a map of points, in degrees: the outermost dots drawn whole.
POINT_MARGIN_DEGREES = 2.0


def _draw_points(axis: Axes, grid: MapGrid, panel: MapPanel):
    """The points of a list of points (:func:`map_grid`) as dots coloured by ``panel.field``, those
    without a value as grey rings (the grey of a grid's cells without data); returns the dots for
    the colour bar. A dot's size shrinks with the number of points, so that a few hundred stay apart."""
    placed = ~grid.hidden
    longitude, latitude = grid.longitude[placed], grid.latitude[placed]
    values = np.asarray(panel.field, np.float64)[placed]
    valued = np.isfinite(values)
    size = float(np.clip(3000.0 / max(longitude.size, 1), 4.0, 60.0))
    axis.scatter(longitude[~valued], latitude[~valued], s=size, facecolors="none", edgecolors=NO_DATA_COLOR,
                 linewidths=0.8)
    dots = axis.scatter(longitude[valued], latitude[valued], c=values[valued], s=size, cmap=panel.cmap,
                        vmin=panel.vmin, vmax=panel.vmax, edgecolors="black", linewidths=0.2)
    axis.set_xlim(longitude.min() - POINT_MARGIN_DEGREES, longitude.max() + POINT_MARGIN_DEGREES)
    axis.set_ylim(max(latitude.min() - POINT_MARGIN_DEGREES, -90.0), min(latitude.max() + POINT_MARGIN_DEGREES, 90.0))
    return dots


def _colorbar(figure: Figure, axis: Axes, mesh, panel: MapPanel) -> None:
    """The map's colour bar, below it, with the panel's label (units) and arrows; a label longer
    than its map is wide wrapped onto more lines (:func:`colorbar_label`)."""
    extend = panel.extend or _colorbar_extend(panel)
    width = axis.get_position().width * figure.get_figwidth()  # the map's share of the row, in inches
    colorbar = figure.colorbar(mesh, ax=axis, orientation="horizontal", shrink=0.85, aspect=30,
                               label=colorbar_label(panel.label, width), extend=extend)
    symmetric = panel.vmin == -panel.vmax
    colorbar.ax.xaxis.set_major_locator(SpacedTicks([MaxNLocator(nbins=nbins, symmetric=symmetric)
                                                     for nbins in range(COLORBAR_TICKS, 0, -1)]))


def colorbar_label(label: str, width_inches: float) -> str:
    """``label`` wrapped at spaces to fit a map ``width_inches`` wide in the axis label's font
    (``axes.labelsize``, :data:`TITLE_CHARACTER_EMS` per character): three maps side by side
    with "ARGO_TEMPERATURE_ANOMALY error (degree celcius (ITS-90))" under each had their labels
    run into each other (break44a A8); a word longer than a line is kept whole.

    Examples
    --------
    >>> colorbar_label("ARGO_TEMPERATURE_ANOMALY error (degC)", 2.0).splitlines()
    ['ARGO_TEMPERATURE_ANOMALY', 'error (degC)']
    """
    points = FontProperties(size=mpl.rcParams["axes.labelsize"]).get_size_in_points()
    columns = max(int(width_inches * 72 / (points * TITLE_CHARACTER_EMS)), 12)
    return "\n".join(wrapped_lines(label, columns)) or label


def _colorbar_extend(panel: MapPanel) -> str:
    """The colour bar's arrows: at each end where the field has values beyond the scale
    (drawn in the end colour), so that no clipped value goes unseen."""
    values = np.asarray(panel.field, dtype=np.float64)
    values = values[np.isfinite(values)]
    below = bool(values.size and values.min() < panel.vmin)
    above = bool(values.size and values.max() > panel.vmax)
    return {(True, True): "both", (True, False): "min", (False, True): "max"}.get((below, above), "neither")


#: What a map's title says of a file whose geography is invented (the synthetic sample).
SYNTHETIC_GEOGRAPHY_NOTE = "synthetic geography, not the Earth's"

#: Inches a map figure grows by for each line of its title beyond two.
TITLE_LINE_INCHES = 0.25


def _map_figure_size(layout: GridLayout, n_panels: int, present: np.ndarray | None = None) -> tuple[float, float]:
    """Inches for a row of maps: each map about 2.3 in high and as wide as its aspect asks,
    plus room for the latitude axis (beside) and titles and colorbar (above and below), so
    colorbars are as wide as their maps and titles clear of each other, globally and regionally."""
    projected = map_projection(layout)
    if projected is not None:  # drawn in its own x and y, a km as long on both axes; a polar square
        x_edges, y_edges = edges(projected)
        ratio = np.ptp(x_edges) / np.ptp(y_edges)  # needs room for ticks
        width = float(np.clip(3.2 * ratio, 3.2, 6.0))
        return (width + 0.9) * n_panels, float(np.clip(width / ratio, 1.2, 5.0)) + 2.1
    grid = map_grid(layout, present)
    lon_extent, lat_extent = np.ptp(grid.longitude), np.ptp(grid.latitude)
    ratio = lon_extent / lat_extent / latitude_stretch(grid) if lat_extent > 0 else 1.0
    width = float(np.clip(2.3 * ratio, 2.2, 6.0))
    height = float(np.clip(width / ratio, 1.2, 5.0))
    return (width + 0.9) * n_panels, height + 2.1


def _map_figure(layout: GridLayout, panels: Sequence[MapPanel], *, title: str, path: str | Path, dpi: int) -> Path:
    """A row of maps with one title; grey cells are noted in it when there are any, and an
    invented geography (drawn without coastlines) always."""
    notes = ["grey: no data"] if any(np.isnan(panel.field).any() for panel in panels) else []
    if layout.synthetic_geography:
        notes.append(SYNTHETIC_GEOGRAPHY_NOTE)
    if notes:
        title += f"\n({'; '.join(notes)})"
    present = np.any([np.isfinite(panel.field) for panel in panels], axis=0)  # one map start for every panel
    width, height = _map_figure_size(layout, len(panels), present)
    title = wrapped_title(title, width)
    # the maps keep their aspect: a title of more than two lines needs the figure taller
    height += TITLE_LINE_INCHES * max(0, title.count("\n") - 1)
    # drawn at the dpi it is saved at: the layout measured below is the one saved
    figure = _figure(figsize=(width, height), layout="constrained", dpi=dpi)
    axes = figure.subplots(1, len(panels), squeeze=False)
    for axis, panel in zip(axes[0], panels):
        _draw_map(figure, axis, layout, panel, present)
    _clear_the_title(figure, figure.suptitle(title), axes[0])
    return _save(figure, path, dpi)


#: The width of a character of a figure's title, in ems (DejaVu Sans, matplotlib's font: its
#: letters average about 0.55 em; a little more keeps capitals and digits inside).
TITLE_CHARACTER_EMS = 0.6


def wrapped_title(title: str, width_inches: float) -> str:
    """``title`` with each line wrapped at spaces to fit a figure ``width_inches`` wide in the
    figure title's font (``figure.titlesize``), so that a long ``long_name`` (OC-CCI's 190
    characters) makes the title taller, not the figure wider (break38b C3: a map of 3151 pixels,
    its maps small); a word longer than a line is kept whole, and a number with its units
    (:func:`climann.data.shell.wrapped_lines`, as on the terminal).

    Parameters
    ----------
    title : str
        Lines separated by newlines.
    width_inches : float
        The figure's width.

    Returns
    -------
    str
    """
    points = FontProperties(size=mpl.rcParams["figure.titlesize"]).get_size_in_points()
    columns = max(int(width_inches * 72 / (points * TITLE_CHARACTER_EMS)), 20)
    return "\n".join("\n".join(wrapped_lines(line, columns)) or line for line in title.split("\n"))


def _clear_the_title(figure: Figure, heading: Text, axes: Sequence[Axes], *,
                     gap_inches: float = 0.06) -> None:
    """Make the figure taller until its title clears every map's own title. Constrained
    layout places the titles before a map's fixed aspect shrinks it (a wide, flat box is
    shortened towards its colorbar), so at some aspect ratios the two titles overlapped; the
    overlap is measured on the drawn figure rather than guessed from the aspect.

    The layout that clears the titles is then kept (the figure's layout engine set to none):
    saving draws the figure as laid out here instead of laying it out twice more (matplotlib's
    ``savefig`` lays a constrained figure out in a draw of its own before the real one), the
    same pixels in a third of the layouts when the figure is drawn at its saving dpi.

    The titles are measured on the layout alone, without drawing the figure: the layout
    engine places the axes and the figure's title, and each map then takes its fixed aspect
    (``apply_aspect``, as a draw would), which is all a title's place depends on."""
    for _ in range(4):
        renderer = figure.canvas.get_renderer()
        figure.get_layout_engine().execute(figure)
        for axis in axes:
            axis.apply_aspect()
        bottom = heading.get_window_extent(renderer).y0
        top = max(axis.title.get_window_extent(renderer).y1 for axis in axes)
        overlap = (top - bottom) / figure.dpi + gap_inches
        # a title wider than a narrow figure (one tall, narrow map) ran off both its sides
        titles = [text.get_window_extent(renderer) for text in (heading, *(axis.title for axis in axes))]
        beyond = max(0.0, *(-box.x0 for box in titles), *(box.x1 - figure.bbox.width for box in titles))
        if overlap <= 0 and beyond <= 0:
            figure.set_layout_engine("none")
            return
        width, height = figure.get_size_inches()
        figure.set_size_inches(width + (2 * beyond / figure.dpi + gap_inches if beyond > 0 else 0.0),
                               height + max(overlap, 0.0))


def _truth_prediction_error_panels(
    layout: GridLayout, truth_map: np.ndarray, predicted_map: np.ndarray
) -> list[MapPanel]:
    """Truth and prediction on one colour scale, error (prediction − truth) zero-centred."""
    name, units = layout.target_name, layout.target_units
    low, high = value_limits(truth_map, predicted_map)
    error_map = predicted_map - truth_map
    limit = symmetric_limit(error_map)
    return [
        MapPanel("truth", truth_map, VALUE_COLORMAP, low, high, _with_units(name, units)),
        MapPanel("prediction", predicted_map, VALUE_COLORMAP, low, high, _with_units(name, units)),
        MapPanel("error (prediction − truth)", error_map, ERROR_COLORMAP, -limit, limit,
                 _with_units(f"{name} error", difference_units(units))),
    ]


def _variable_title(layout: GridLayout) -> str:
    """'tas (Near-Surface Air Temperature)', or the name alone: without a long_name, or with one
    that only repeats the name (TRMM's ``precipitation``, long_name "precipitation"; case,
    ``_`` and spaces aside), which the title would show twice (break39a F8); then the target's
    level, as a single cell's title names it (:func:`cell_place`): 'thetao (Temperature) at
    depth = 9.573 m' (:func:`~climann.data.levels.chosen_levels`; break53a: a map of thetao at a
    selected depth did not say which)."""
    long_name = str(layout.target_attrs.get("long_name") or "")
    words = [re.findall(r"[a-z0-9]+", text.lower()) for text in (long_name, layout.target_name)]
    title = f"{layout.target_name} ({long_name})" if long_name and words[0] != words[1] else layout.target_name
    levels = ", ".join(level_text(level) for level in chosen_levels(layout.scalar_coordinates))
    return f"{title} at {levels}" if levels else title


def time_step_label(times: np.ndarray, index: int) -> str:
    """The date of step ``index`` of ``times`` (cftime or datetime, shape (n_time,)) as a
    map's title names it: '2000-12-03', and with the hour and minute, '2000-12-03 15:00', when
    steps are less than a day apart (an hourly field's map is of one hour: where the sun is)."""
    stamp = times[index]
    steps = [later - earlier for earlier, later in zip(times[:-1], times[1:])]
    sub_daily = any(datetime.timedelta(0) < abs(step) < datetime.timedelta(days=1) for step in steps)
    return date_text(stamp, precision="minute" if sub_daily else "day")


def truth_mean_shown(paired: np.ndarray, own: np.ndarray) -> np.ndarray:
    """The truth's mean map as drawn beside the prediction's: ``paired``, its mean over the steps
    the prediction is present at too (so that prediction − truth is the bias), and where there
    are none, ``own``, its mean over its own steps. A cell where a predictor has no value (GLEAM
    v4's ``Ep`` missing at a few coastal cells that have ``E``) was grey in the truth map, read
    as "no data" where the data have some (fix53d).

    Parameters
    ----------
    paired, own : ndarray, shape (n_lat, n_lon)
        NaN where there is no value.

    Returns
    -------
    ndarray, shape (n_lat, n_lon)
        NaN only where ``own`` is.
    """
    return np.where(np.isfinite(paired), paired, own)


def plot_truth_prediction_error(
    layout: GridLayout,
    truth: np.ndarray,
    predicted: np.ndarray,
    *,
    time_index: int,
    split: str,
    path: str | Path,
    dpi: int = 150,
) -> Path:
    """Three maps for one time step: truth, prediction and error (prediction − truth).

    Parameters
    ----------
    layout : GridLayout
    truth, predicted : ndarray, shape (n_time, n_lat, n_lon)
        NaN where there is no data.
    time_index : int
        Which time step to draw.
    split : str
        The block the time step belongs to, named in the title.
    path : str or Path
        The PNG to write (atomically).
    dpi : int

    Returns
    -------
    Path
    """
    when = time_step_label(layout.time.values, time_index)
    panels = _truth_prediction_error_panels(layout, truth[time_index], predicted[time_index])
    title = f"{_variable_title(layout)} on {when}, {split} split: truth, prediction and error"
    return _map_figure(layout, panels, title=title, path=path, dpi=dpi)


def plot_mean_truth_prediction_error(
    layout: GridLayout,
    truth: np.ndarray,
    predicted: np.ndarray,
    *,
    time_steps: np.ndarray,
    split: str,
    period: str | None = None,
    path: str | Path,
    dpi: int = 150,
) -> Path:
    """Three maps of the mean over a block of time: truth, prediction and their difference.

    Both means are taken where truth and prediction are both present, so that the third map
    is exactly the mean error (the bias) of each cell; a cell of the truth never predicted
    shows the truth's own mean (:func:`truth_mean_shown`).

    Parameters
    ----------
    layout : GridLayout
    truth, predicted : ndarray, shape (n_time, n_lat, n_lon)
    time_steps : ndarray of bool, shape (n_time,)
        The block's time steps.
    split : str
        The block's name, for the title.
    period : str, optional
        The block as its split names it (``metrics.json`` ``split_periods``: ``"1999-01 to
        2000-01"``, :func:`climann.workflow.preparation.split_for`), for the title; default:
        its first and last years.
    path : str or Path
    dpi : int

    Returns
    -------
    Path
    """
    both = np.isfinite(truth) & np.isfinite(predicted)
    truth_mean = truth_mean_shown(nanmean_over_time(np.where(both, truth, np.nan)[time_steps]),
                                  nanmean_over_time(truth[time_steps]))
    predicted_mean = nanmean_over_time(np.where(both, predicted, np.nan)[time_steps])
    panels = _truth_prediction_error_panels(layout, truth_mean, predicted_mean)
    period = compact_periods(period) if period else _period([time.year for time in layout.time.values[time_steps]])
    title = f"{_variable_title(layout)}, mean over {period}, {split} split: truth, prediction and error"
    return _map_figure(layout, panels, title=title, path=path, dpi=dpi)


def plot_error_maps(
    layout: GridLayout,
    truth: np.ndarray,
    predicted: np.ndarray,
    *,
    time_steps: np.ndarray,
    split: str,
    period: str | None = None,
    path: str | Path,
    dpi: int = 150,
) -> Path:
    """Two maps of each cell's errors over a block of time: RMSE (from 0) and bias (zero-centred).

    RMSE = √(mean (ŷ − y)²) and bias = mean (ŷ − y) over the block's time steps where both
    are present (:func:`climann.evaluation.scores.cell_scores`).

    Parameters
    ----------
    layout : GridLayout
    truth, predicted : ndarray, shape (n_time, n_lat, n_lon)
    time_steps : ndarray of bool, shape (n_time,)
    split : str
    period : str, optional
        The block as its split names it (``metrics.json`` ``split_periods``: ``"1999-01 to
        2000-01"``, :func:`climann.workflow.preparation.split_for`), for the title; default:
        its first and last years.
    path : str or Path
    dpi : int

    Returns
    -------
    Path
    """
    name, units = layout.target_name, layout.target_units
    scores = cell_scores(predicted[time_steps], truth[time_steps])
    limit = symmetric_limit(scores["bias"])
    panels = [
        MapPanel("RMSE", scores["rmse"], RMSE_COLORMAP, 0.0, value_limits(scores["rmse"])[1],
                 _with_units(f"{name} RMSE", difference_units(units))),
        MapPanel("bias (mean of prediction − truth)", scores["bias"], ERROR_COLORMAP, -limit, limit,
                 _with_units(f"{name} bias", difference_units(units))),
    ]
    period = compact_periods(period) if period else _period([time.year for time in layout.time.values[time_steps]])
    title = f"{_variable_title(layout)}: error of each grid cell over {period}, {split} split"
    return _map_figure(layout, panels, title=title, path=path, dpi=dpi)




def plot_anomaly_correlation_map(
    layout: GridLayout,
    truth: np.ndarray,
    predicted: np.ndarray,
    climatology: np.ndarray,
    *,
    time_steps: np.ndarray,
    split: str,
    period: str | None = None,
    climatology_per: str | None = None,
    path: str | Path,
    dpi: int = 150,
) -> Path:
    """The map of the anomaly correlation over a block of time: at each cell, the correlation
    over the block's steps of the prediction's and the truth's anomalies from the climatology
    (:func:`climann.evaluation.scores.cell_anomaly_correlation`), on a diverging scale from −1
    to 1 (1: the prediction follows every departure from the usual; 0: none).

    Parameters
    ----------
    layout : GridLayout
    truth, predicted, climatology : ndarray, shape (n_time, n_lat, n_lon)
        The climatology: the training years' mean of each step's calendar month (or day of year).
    time_steps : ndarray of bool, shape (n_time,)
    split : str
    period : str, optional
        The block as its split names it (``metrics.json`` ``split_periods``: ``"1999-01 to
        2000-01"``, :func:`climann.workflow.preparation.split_for`), for the title; default:
        its first and last years.
    climatology_per : str, optional
        What the climatology is taken per, as the run decided it (``metrics.json``
        ``climatology_per``, :func:`~climann.evaluation.baselines.run_climatology_per`), for the
        caption; default: that of ``layout``'s whole time axis (never of the block's times
        alone, which may suggest another step).
    path : str or Path
    dpi : int

    Returns
    -------
    Path
    """
    field = cell_anomaly_correlation(predicted[time_steps], truth[time_steps], climatology[time_steps])
    times = layout.time.values[time_steps]
    per = climatology_per or run_climatology_per(layout)
    panel = MapPanel(f"network's and truth's anomalies from the training\nyears' mean of each {per}",
                     field, ERROR_COLORMAP, -1.0, 1.0, "anomaly correlation over time (no units)", "neither")
    period = compact_periods(period) if period else _period([time.year for time in times])
    line = f"anomaly correlation of each grid cell over {period}, {split} split"
    if len(line) > 70:  # one map is narrow: a longer period ("…, every 3rd year") goes on its own line
        line = line.replace(" over ", "\nover ", 1)
    title = f"{_variable_title(layout)}\n{line}"
    return _map_figure(layout, [panel], title=title, path=path, dpi=dpi)


def plot_prediction_maps(
    layout: GridLayout,
    predicted_map: np.ndarray,
    truth_map: np.ndarray | None = None,
    *,
    when: str,
    path: str | Path,
    dpi: int = 150,
) -> Path:
    """Maps of one field of a prediction file: truth, prediction and error (prediction −
    truth) when the truth is given, else the prediction alone.

    Parameters
    ----------
    layout : GridLayout
    predicted_map, truth_map : ndarray, shape (n_lat, n_lon)
        NaN where there is no data; ``truth_map`` None when the file has no truth.
    when : str
        What time the maps are of, for the title (e.g. "on 2019-07-16 from ssp585.nc").
    path : str or Path
    dpi : int

    Returns
    -------
    Path
    """
    if truth_map is None:
        low, high = value_limits(predicted_map)
        panels = [MapPanel("prediction", predicted_map, VALUE_COLORMAP, low, high,
                           _with_units(layout.target_name, layout.target_units))]
        shown = "prediction"
    else:
        panels = _truth_prediction_error_panels(layout, truth_map, predicted_map)
        shown = "truth, prediction and error"
    return _map_figure(layout, panels, title=f"{_variable_title(layout)} {when}: {shown}", path=path, dpi=dpi)


def plot_spread_map(
    layout: GridLayout,
    spread: np.ndarray,
    truth: np.ndarray,
    predicted: np.ndarray,
    *,
    n_members: int | None,
    time_steps: np.ndarray,
    split: str,
    period: str | None = None,
    path: str | Path,
    dpi: int = 150,
) -> Path:
    """An ensemble's spread over a block, beside the error of its mean: at each cell the mean
    over the block's steps of the spread (the members' standard deviation, ddof = 1), and the
    RMSE of the ensemble mean over the same steps, on one colour scale from 0 (where the
    spread is well below the RMSE, the ensemble is over-confident there).

    Parameters
    ----------
    layout : GridLayout
    spread, truth, predicted : ndarray, shape (n_time, n_lat, n_lon)
        ``predicted`` is the ensemble mean.
    n_members : int or None
        Named in the title when known.
    time_steps : ndarray of bool, shape (n_time,)
    split : str
    period : str, optional
        The block as its split names it (``metrics.json`` ``split_periods``: ``"1999-01 to
        2000-01"``, :func:`climann.workflow.preparation.split_for`), for the title; default:
        its first and last years.
    path : str or Path
    dpi : int

    Returns
    -------
    Path
    """
    both = np.isfinite(truth) & np.isfinite(predicted) & np.isfinite(spread)
    spread_map = nanmean_over_time(np.where(both, spread, np.nan)[time_steps])
    rmse_map = cell_scores(np.where(both, predicted, np.nan)[time_steps], truth[time_steps])["rmse"]
    high = value_limits(spread_map, rmse_map)[1]
    high = high if high > 0 else 1.0
    name, units = layout.target_name, difference_units(layout.target_units)  # a spread and an RMSE are differences
    panels = [
        MapPanel(f"spread of the {n_members or ''} members (std, ddof=1),\nmean over the block".replace("  ", " "),
                 spread_map, RMSE_COLORMAP, 0.0, high, _with_units(f"{name} spread", units)),
        MapPanel("RMSE of the ensemble mean", rmse_map, RMSE_COLORMAP, 0.0, high, _with_units(f"{name} RMSE", units)),
    ]
    period = compact_periods(period) if period else _period([time.year for time in layout.time.values[time_steps]])
    title = f"{_variable_title(layout)}, ensemble spread and error over {period}, {split} split"
    return _map_figure(layout, panels, title=title, path=path, dpi=dpi)
