"""Which values a block's scores are over, as fingerprints that two runs can compare.

Two runs' scores are comparable one to one only when they are over the same values. Their
number (``n_samples``) does not show it: a box of the southern and one of the northern
subtropics, or January–March and July–September of the same years, can hold as many values
(break22c F1). What chooses the values of a block of one input file is where and when they
lie (the grid's cells inside ``region`` — on a curvilinear or rotated grid not the rectangle
of rows and columns around it, whose other cells are never scored — after ``grid_stride``,
``select``; the block's time steps after ``months``, ``seasons``, ``time_stride``) and the
target's single-valued coordinates
(a level chosen with ``select``). :func:`block_fingerprints` records each as a SHA-256 of
its values, which ``metrics.json`` keeps as ``scored_on`` (``climann compare`` compares
them; the input files themselves it compares by their checksums in ``provenance.json``).

Cells are identified by their true latitude and longitude (on a rotated-pole or curvilinear
grid too), rounded to :data:`DEGREE_DECIMALS` decimals with longitudes taken modulo 360°, so
that the same cells read from a 0…360 and a −180…180 file, or in the other latitude order,
are the same; time steps by their dates as text with the calendar.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from climann.data.layout import GridLayout

__all__ = [
    "CELLS_IN_REGION_KEY", "DEGREE_DECIMALS", "block_fingerprints", "cells_fingerprint", "layout_fingerprints",
    "region_record", "times_fingerprint",
]

#: The key of each block's ``scored_on`` record saying that its cells are those scored inside
#: ``[data] region``. Records written before 4 December 2026 lack it: on a curvilinear or rotated
#: grid cut by a region, their ``n_cells`` and ``cells_sha256`` are of the rectangle of rows and
#: columns around the box (break24a F5); ``climann compare`` judges them by the ``region`` key.
CELLS_IN_REGION_KEY = "cells_in_region"

#: Decimals of a degree the cells' coordinates are compared to (about 11 m of latitude): float32
#: and float64 copies of one grid agree, neighbouring cells of any grid in use differ.
DEGREE_DECIMALS = 4


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def cells_fingerprint(latitude: np.ndarray, longitude: np.ndarray, levels: Sequence[tuple[str, object]] = ()) -> str:
    """SHA-256 of the set of cells (and the target's single-valued coordinates).

    Parameters
    ----------
    latitude, longitude : ndarray, shape (n_lat, n_lon) or (n_cells,)
        Every cell's true latitude and longitude, degrees.
    levels : sequence of (name, value)
        The target's single-valued coordinates (``plev = 85000``).

    Returns
    -------
    str
        64 hex digits; the same for the same cells in any order.
    """
    rounded = np.round(np.stack([np.asarray(latitude, np.float64).ravel(),
                                 np.mod(np.asarray(longitude, np.float64).ravel(), 360.0)], axis=1), DEGREE_DECIMALS)
    rounded[np.isclose(rounded[:, 1], 360.0), 1] = 0.0  # 359.99999 → 360.0 is 0°
    cells = rounded[np.lexsort((rounded[:, 1], rounded[:, 0]))] + 0.0  # −0.0 is 0.0
    described = ";".join(f"{name}={np.asarray(value).item()!r}" for name, value in sorted(levels))
    return _sha256(f"{described}|" + ",".join(f"{value:.{DEGREE_DECIMALS}f}" for value in cells.ravel()))


def times_fingerprint(times: np.ndarray, calendar: str) -> str:
    """SHA-256 of a block's time steps (dates as text, in order, with the calendar).

    Parameters
    ----------
    times : ndarray of cftime.datetime or datetime64, shape (n_steps,)
    calendar : str
        CF calendar (``noleap``, ``360_day``...); ``standard`` and ``gregorian`` are one.

    Returns
    -------
    str
        64 hex digits.
    """
    calendar = "standard" if calendar in ("", "gregorian", "proleptic_gregorian") else calendar
    stamps = (str(np.datetime64(value, "s")) if isinstance(value, np.datetime64)
              else value.isoformat() if hasattr(value, "isoformat") else str(value) for value in times)
    return _sha256(f"{calendar}|" + ",".join(stamps))


def block_fingerprints(
    time_masks: Mapping[str, np.ndarray], times: np.ndarray, calendar: str, latitude: np.ndarray,
    longitude: np.ndarray, levels: Sequence[tuple[str, object]] = (),
) -> dict[str, dict]:
    """``metrics.json``'s ``scored_on``: per block, its time steps' and the grid's cells'
    fingerprints and numbers.

    Parameters
    ----------
    time_masks : mapping of block name to ndarray of bool, shape (n_time,)
    times : ndarray, shape (n_time,)
    calendar : str
    latitude, longitude : ndarray, shape (n_lat, n_lon) or (n_cells,)
        The true coordinates of the cells scored.
    levels : sequence of (name, value)
        As for :func:`cells_fingerprint`.

    Returns
    -------
    dict
        ``{block: {"n_steps", "times_sha256", "n_cells", "cells_sha256"}}``.
    """
    cells = cells_fingerprint(latitude, longitude, levels)
    times = np.asarray(times)
    return {block: {"n_steps": int(np.count_nonzero(mask)),
                    "times_sha256": times_fingerprint(times[np.asarray(mask, bool)], calendar),
                    "n_cells": int(np.asarray(latitude).size), "cells_sha256": cells}
            for block, mask in time_masks.items()}


def layout_fingerprints(
    layout: GridLayout, time_masks: Mapping[str, np.ndarray], *, region: Sequence[float],
) -> dict[str, dict]:
    """:func:`block_fingerprints` of a run's grid (a :class:`climann.data.layout.GridLayout`)
    and blocks: the true coordinates of the cells it scores, its time steps and calendar, and
    the target's single-valued coordinates.

    Parameters
    ----------
    layout : GridLayout
    time_masks : mapping of block name to ndarray of bool, shape (n_time,)
    region : (south, north, west, east), or empty
        The run's ``[data] region``: on a curvilinear or rotated grid the layout holds the
        rectangle of rows and columns around it, of which only the cells inside are scored
        (:meth:`~climann.data.layout.GridLayout.cells_in_region`); they alone are counted
        and fingerprinted.

    Returns
    -------
    dict
        As :func:`block_fingerprints`, each block with :data:`CELLS_IN_REGION_KEY` true.
    """
    latitude, longitude = layout.geographic_coordinates()
    scored = layout.cells_in_region(region)
    levels = [(coordinate.name, coordinate.values) for coordinate in layout.scalar_coordinates]
    blocks = block_fingerprints(time_masks, np.asarray(layout.time.values), layout.calendar, latitude[scored],
                                longitude[scored], levels)
    return {block: {**record, CELLS_IN_REGION_KEY: True} for block, record in blocks.items()}


def region_record(layout: GridLayout, region: Sequence[float]) -> dict | None:
    """``metrics.json``'s ``region``: the run's ``[data] region`` box by the names of its sides,
    and the cells of the grid inside it, which the run trained on and scores.

    The box is said back by name because its four numbers alone are ambiguous: ``--region
    -10,30,35,70`` meant as west, east, south, north (CDO's ``sellonlatbox`` order) trains on
    latitude −10…30 and longitude 35…70 (fix46f: neither the table, ``report.md`` nor
    ``metrics.json`` said which box was used).

    Parameters
    ----------
    layout : GridLayout
        The run's grid after the region and ``grid_stride`` (on a curvilinear or rotated grid
        the rectangle of rows and columns around the box).
    region : (south, north, west, east), or empty
        Degrees, as ``[data] region`` gives it (for new data: the run's own).

    Returns
    -------
    dict or None
        ``{"south", "north", "west", "east"}`` in degrees and ``n_cells``, the cells whose true
        latitude and longitude are in the box
        (:meth:`~climann.data.layout.GridLayout.cells_in_region`: on a curvilinear or rotated
        grid those inside the mask, not the rectangle), and ``n_grid_cells``, the grid's cells
        before the region cut it (:attr:`~climann.data.layout.GridLayout.region_grid_cells`;
        left out where not known, or where ``grid_stride`` thinned the box's cells since);
        None without a region.
    """
    if not region:
        return None
    south, north, west, east = (float(value) for value in region)
    grid = {"n_grid_cells": layout.region_grid_cells} if layout.region_grid_cells and layout.grid_stride == 1 else {}
    return {"south": south, "north": north, "west": west, "east": east,
            "n_cells": int(np.count_nonzero(layout.cells_in_region(region))), **grid}
