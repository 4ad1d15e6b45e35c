"""Maps of a projected grid (CF ``grid_mapping`` with projection ``x``/``y`` axes, e.g. NSIDC's
polar stereographic sea-ice grids) drawn in the projection's own coordinates.

Drawn in longitude and latitude, the cells of a polar grid smear into bands around the pole;
in its own x and y (kilometres) every cell is the rectangle the file describes. Lines of
latitude and longitude (a graticule) and the coastlines are projected onto the map with
pyproj (``pyproj.CRS.from_cf``, CF conventions section 5.6 and appendix F), no cartopy.
Rotated-pole grids (rotated degrees) and curvilinear grids without a projection are not
projected grids: they are drawn on their true latitude and longitude (:mod:`.maps`).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pyproj
from matplotlib.collections import LineCollection
from matplotlib.ticker import MaxNLocator

from climann.data.layout import GridLayout
from climann.evaluation.coastlines import LINE_STYLE, coastlines
from climann.evaluation.figures.style import _cell_edges

#: Graticule: latitudes every 10°, longitudes every 30°, thin and light so the cells show.
LATITUDE_STEP, LONGITUDE_STEP = 10.0, 30.0
GRATICULE_STYLE = {"colors": "0.45", "linewidths": 0.5, "linestyles": ":", "zorder": 2}


class ProjectedGrid(NamedTuple):
    """A projected grid as drawn: its axes in kilometres and the projection from degrees."""

    x: np.ndarray  # (n_x,) km, the file's column axis
    y: np.ndarray  # (n_y,) km, the file's row axis
    to_map: pyproj.Transformer  # longitude, latitude (degrees) → x, y (the projection's metres)


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
        crs = pyproj.CRS.from_cf(dict(reading.attrs))
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


def draw_projected_map(axis, layout: GridLayout, grid: ProjectedGrid, field: np.ndarray, **style):
    """Draw ``field`` (shape (n_y, n_x), the layout's order) on ``axis`` in the projection's
    x and y (km) with ``pcolormesh`` (``style``: cmap, vmin, vmax), the graticule with its
    latitude labels and the coastlines (when installed, and the geography is the Earth's:
    :attr:`~climann.data.layout.GridLayout.synthetic_geography`) projected; returns the mesh."""
    x_edges, y_edges = _cell_edges(grid.x), _cell_edges(grid.y)
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
    axis.set_xlabel(f"{layout.longitude.name} (km)")
    axis.set_ylabel(f"{layout.latitude.name} (km)")
    return mesh
