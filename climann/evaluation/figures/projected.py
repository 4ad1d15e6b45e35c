"""Maps of a projected grid (CF ``grid_mapping`` with projection ``x``/``y`` axes, e.g. NSIDC's
polar stereographic sea-ice grids) drawn in the projection's own coordinates.

Drawn in longitude and latitude, the cells of a polar grid smear into bands around the pole;
in its own x and y (kilometres) every cell is the rectangle the file describes. Lines of
latitude and longitude (a graticule) and the coastlines are projected onto the map with
pyproj (``pyproj.CRS.from_cf``, CF conventions section 5.6 and appendix F), no cartopy.
Rotated-pole grids (rotated degrees) and curvilinear grids without a projection are not
projected grids: they are drawn on their true latitude and longitude (:mod:`.maps`), unless
they hold a pole (CORDEX's Arctic domain ARC-44, a sea-ice grid given by its 2-D latitude and
longitude only): in longitude and latitude, the cells around a pole would be drawn up to 180°
wide over their neighbours, so such a grid is drawn on a polar stereographic plane
(:func:`polar_grid`).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pyproj
from matplotlib.collections import LineCollection
from matplotlib.path import Path
from matplotlib.ticker import MaxNLocator

from climann.data.layout import Coordinate, GridLayout
from climann.data.projections import crs_from_cf
from climann.evaluation.coastlines import LINE_STYLE, coastlines
from climann.evaluation.figures.style import _cell_edges

#: Graticule: latitudes every 10°, longitudes every 30°, thin and light so the cells show.
LATITUDE_STEP, LONGITUDE_STEP = 10.0, 30.0
GRATICULE_STYLE = {"colors": "0.45", "linewidths": 0.5, "linestyles": ":", "zorder": 2}


class ProjectedGrid(NamedTuple):
    """A projected grid as drawn: its axes in kilometres and the projection from degrees."""

    x: np.ndarray  # (n_x,) km, the file's column axis; or (n_y + 1, n_x + 1) km, the cells' corners
    y: np.ndarray  # (n_y,) km, the file's row axis; or (n_y + 1, n_x + 1) km, the cells' corners
    to_map: pyproj.Transformer  # longitude, latitude (degrees) → x, y (the projection's metres)
    axis_names: tuple[str, str] | None = None  # the x and y axes' labels; None: the file's axes
    hidden: np.ndarray | None = None  # (n_y, n_x) cells not drawn (no position); None: none


#: The plane a grid holding a pole is drawn on: polar stereographic on WGS 84, true scale at the
#: pole (EPSG:32661 and EPSG:32761's projection, UPS, without their false easting and northing).
POLAR_STEREOGRAPHIC = "+proj=stere +lat_0={pole} +lat_ts={pole} +lon_0=0 +k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m"


def cell_corners(centres: np.ndarray) -> np.ndarray:
    """Cell corners of a 2-D array of centres, shape (n + 1, m + 1): midway between
    neighbouring centres, and as far beyond the outer centres as the neighbouring step."""
    along_rows = np.apply_along_axis(_cell_edges, 0, centres)
    return np.apply_along_axis(_cell_edges, 1, along_rows)


def filled_positions(centres: np.ndarray, positionless: np.ndarray) -> np.ndarray:
    """Centres of 2-D cells without a position (NEMO's eliminated land processors) filled in by
    linear interpolation from the placed cells along their row, else along their column (the
    end values held), so that the neighbours' corners lie midway as on the rest of the grid;
    such cells are hidden on the map."""
    if not positionless.any():
        return centres
    filled = np.array(centres, np.float64)
    for values, missing in ((filled, positionless), (filled.T, positionless.T)):
        for row, gaps in zip(values, missing):
            if gaps.any() and not gaps.all():
                index = np.arange(row.size)
                row[gaps] = np.interp(index[gaps], index[~gaps], row[~gaps])
        positionless = ~np.isfinite(filled)
    return np.where(np.isfinite(filled), filled, 0.0)


def polar_grid(layout: GridLayout) -> ProjectedGrid | None:
    """A curvilinear or rotated-pole grid that holds a pole, on a polar stereographic plane
    (:data:`POLAR_STEREOGRAPHIC`, about the pole it holds); None for other grids.

    The grid holds a pole when the pole lies inside the ring of its outer cells' centres, on
    that plane. Each cell's centre is projected with pyproj and its corners lie midway between
    neighbouring centres there (:func:`cell_corners`), so that every cell is drawn where it is;
    drawn on longitude and latitude, the cells next to the pole would be quadrilaterals up to
    180° of longitude wide painted over their neighbours.

    Parameters
    ----------
    layout : GridLayout

    Returns
    -------
    ProjectedGrid or None
        ``x`` and ``y`` the cells' corners in km, shape (n_rows + 1, n_columns + 1).
    """
    if not layout.is_curvilinear or min(layout.shape[1:]) < 2:
        return None
    latitude, longitude = layout.geographic_coordinates()
    positionless = ~np.isfinite(latitude) | ~np.isfinite(longitude)
    if positionless.all():
        return None
    pole = 90 if np.nanmax(latitude) >= -np.nanmin(latitude) else -90
    to_map = pyproj.Transformer.from_crs("EPSG:4326", POLAR_STEREOGRAPHIC.format(pole=pole), always_xy=True)
    x, y = (np.asarray(values) / 1000.0 for values in to_map.transform(longitude, latitude))
    # the outer cells' centres in order round the grid: first row, last column, last row, first column
    ring = np.concatenate([np.column_stack(pair) for pair in (
        (x[0], y[0]), (x[1:, -1], y[1:, -1]), (x[-1, -2::-1], y[-1, -2::-1]), (x[-2:0:-1, 0], y[-2:0:-1, 0]))])
    ring = ring[np.isfinite(ring).all(axis=1)]
    if len(ring) < 3 or not Path(ring).contains_point((0.0, 0.0)):
        return None
    x, y = filled_positions(x, positionless), filled_positions(y, positionless)
    names = ("x (km, polar stereographic)", "y (km, polar stereographic)")
    return ProjectedGrid(cell_corners(x), cell_corners(y), to_map, names, positionless)


def map_projection(layout: GridLayout) -> ProjectedGrid | None:
    """The plane a grid's maps are drawn on: its own projection (:func:`projected_grid`), a
    polar stereographic one for a grid holding a pole (:func:`polar_grid`), or None
    (longitude and latitude)."""
    return projected_grid(layout) or polar_grid(layout)


def edges(grid: ProjectedGrid) -> tuple[np.ndarray, np.ndarray]:
    """The cells' edges in km: of the x and y axes, shapes (n_x + 1,) and (n_y + 1,), or the
    corners of every cell, each shape (n_y + 1, n_x + 1)."""
    if grid.x.ndim == 2:
        return grid.x, grid.y
    return _cell_edges(grid.x), _cell_edges(grid.y)


def projected_grid(layout: GridLayout) -> ProjectedGrid | None:
    """The grid's x and y in km and its projection, for a grid on a CF map projection whose
    row and column axes are projection coordinates (units of length, or a geostationary
    grid's scanning angles: in the projection's km, angle × satellite height), read as the
    grid's :attr:`~climann.data.layout.GeographicGrid.projection` says; None for other grids
    (regular, rotated-pole, curvilinear without a grid mapping, or a mapping pyproj cannot read).

    Parameters
    ----------
    layout : GridLayout

    Returns
    -------
    ProjectedGrid or None
    """
    reading = None if layout.geographic is None else layout.geographic.projection
    if reading is None or layout.grid_mapping is None or layout.is_rotated_pole:
        return None
    if {layout.latitude.name, layout.longitude.name} & set(layout.index_dims):
        return None
    try:
        crs = crs_from_cf(reading.attrs)
    except (pyproj.exceptions.CRSError, KeyError, ValueError):
        return None
    to_map = pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    x = np.asarray(layout.longitude.values, np.float64) * reading.factors[1] / 1000.0
    y = np.asarray(layout.latitude.values, np.float64) * reading.factors[0] / 1000.0
    return ProjectedGrid(x, y, to_map)


def projected_lines(grid: ProjectedGrid, longitude: np.ndarray, latitude: np.ndarray) -> list[np.ndarray]:
    """A line given in degrees as drawn on the map, in km; split where the projection has no
    point (outside its domain), each piece shape (n_points, 2)."""
    x, y = grid.to_map.transform(np.asarray(longitude, np.float64), np.asarray(latitude, np.float64))
    points = np.column_stack([np.asarray(x) / 1000.0, np.asarray(y) / 1000.0])
    valid = np.isfinite(points).all(axis=1)
    breaks = np.flatnonzero(np.diff(valid.astype(np.int8))) + 1
    return [piece for piece, ok in zip(np.split(points, breaks), np.split(valid, breaks)) if ok[0] and len(piece) > 1]


def graticule(grid: ProjectedGrid, layout: GridLayout) -> dict[str, list[np.ndarray]]:
    """Lines of latitude every :data:`LATITUDE_STEP` (within the grid's latitudes) and of
    longitude every :data:`LONGITUDE_STEP`, projected (:func:`projected_lines`), by label
    (``"70°N"``, ``"45°W"``), each a list of pieces of shape (n_points, 2) in km."""
    latitude, _ = layout.geographic_coordinates()
    south, north = float(np.nanmin(latitude)), float(np.nanmax(latitude))
    along = np.linspace(-180.0, 180.0, 721)
    lines = {}
    for parallel in np.arange(np.ceil(south / LATITUDE_STEP), np.floor(north / LATITUDE_STEP) + 1) * LATITUDE_STEP:
        if abs(parallel) < 90.0:
            label = "0°" if parallel == 0 else f"{abs(parallel):g}°{'N' if parallel > 0 else 'S'}"
            lines[label] = projected_lines(grid, along, np.full_like(along, parallel))
    span = np.linspace(max(south, -89.9), min(north, 89.9), 200)
    for meridian in np.arange(-180.0, 180.0, LONGITUDE_STEP):
        label = "0°" if meridian in (0.0, -180.0) else f"{abs(meridian):g}°{'E' if meridian > 0 else 'W'}"
        label = "180°" if meridian == -180.0 else label
        lines[label] = projected_lines(grid, np.full_like(span, meridian), span)
    return lines


#: The label of a projected axis by its CF standard name (appendix F): the projection's x and y,
#: whatever the file names the dimension (``cols``/``rows``, rerun36 V4).
_PROJECTION_AXIS_LABELS = {"projection_x_coordinate": "x", "projection_y_coordinate": "y"}


def _axis_label(axis: Coordinate) -> str:
    """``"x"`` for a ``projection_x_coordinate`` (``"y"`` for y), else the axis's name."""
    return _PROJECTION_AXIS_LABELS.get(str(axis.attrs.get("standard_name", "")), axis.name)


def draw_projected_map(axis, layout: GridLayout, grid: ProjectedGrid, field: np.ndarray, **style):
    """Draw ``field`` (shape (n_y, n_x), the layout's order) on ``axis`` in the projection's
    x and y (km) with ``pcolormesh`` (``style``: cmap, vmin, vmax), the graticule with its
    latitude labels and the coastlines (when installed, and the geography is the Earth's:
    :attr:`~climann.data.layout.GridLayout.synthetic_geography`) projected; returns the mesh."""
    x_edges, y_edges = edges(grid)
    if grid.hidden is not None:
        field = np.where(grid.hidden, np.nan, field)
    mesh = axis.pcolormesh(x_edges, y_edges, np.ma.masked_invalid(field), shading="flat", **style)
    limits = (x_edges.min(), x_edges.max()), (y_edges.min(), y_edges.max())
    for label, pieces in graticule(grid, layout).items():
        axis.add_collection(LineCollection(pieces, **GRATICULE_STYLE), autolim=False)
        if label.endswith(("N", "S")) and pieces:  # parallels labelled where they are inside the map
            inside = [point for piece in pieces for point in piece
                      if limits[0][0] <= point[0] <= limits[0][1] and limits[1][0] <= point[1] <= limits[1][1]]
            if inside:
                axis.annotate(label, inside[len(inside) // 2], fontsize=7, color="0.3", zorder=4)
    # none on an invented planet: the Earth's would lie across its continents
    coast = [] if layout.synthetic_geography else [
        piece for line in coastlines() for piece in projected_lines(grid, line[:, 0], line[:, 1])]
    if coast:
        axis.add_collection(LineCollection(coast, **LINE_STYLE), autolim=False)
    axis.set_xlim(*limits[0])
    axis.set_ylim(*limits[1])
    axis.set_aspect("equal")
    axis.xaxis.set_major_locator(MaxNLocator(nbins=4))  # "−3000" is wide: few labels along x
    x_name, y_name = grid.axis_names or (f"{_axis_label(layout.longitude)} (km)",
                                         f"{_axis_label(layout.latitude)} (km)")
    axis.set_xlabel(x_name)
    axis.set_ylabel(y_name)
    return mesh
