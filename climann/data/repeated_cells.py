"""Cells of a curvilinear grid that repeat another cell's position (an ORCA grid's halo), used once.

NEMO writes its output on ORCA grids with the halo its own arithmetic needs (``lbc_lnk``;
NEMO reference manual, "Lateral boundary conditions", and the ORCA grid's ``jperio``):

- the east-west halo: the first column is a copy of the last interior column and the last
  column a copy of the first interior one (``jperio`` 1, 4, 6), same ``nav_lat``/``nav_lon``
  and same values;
- the north fold: with a T-point pivot (``jperio = 4``, ORCA2, ORCA025) the top row
  mirrors the row two below it and half of the row below it mirrors its other half; with an
  F-point pivot (``jperio = 6``, ORCA1) the top row mirrors the row below it. Vector
  components (``uo``, ``vo``) are copied across the fold with the opposite sign (``lbc_lnk``'s
  ``psgn = -1``): on the fold's rows a copy equal to minus its original repeats it too.

Read as data, each such cell would be one place counted twice: two samples in training and
double weight in the scores. Cells whose latitudes are equal and whose longitudes are equal
modulo 360° are one cell (:func:`position_step`): whole rows or columns at
the edges of the grid that repeat other cells are dropped (:func:`repeated_cells`); other
repeating cells (half a fold row) are kept on the grid but masked, so that they give no
sample and no weight. When the copies hold different values (beyond the precision they are
stored in, :func:`climann.data.cyclic.storage_tolerance`) which is that place's is not known,
and the file is refused.

Equal, not near: NEMO's halo and fold cells are copies of ``nav_lat``/``nav_lon`` (bit-equal),
and a 2-D grid's columns at longitudes 0 and 360 (or −180 and 180) are equal after the
longitude is taken modulo 360 in float64. Two distinct places, however close, are never one:
a fixed tolerance (10⁻⁴°, 11 m, as before) made adjacent rows of a 10 m urban or LES grid one
place and masked a tenth of its cells as "the north fold". Latitudes must be equal. The only
slack is in the longitude, for one stored once as λ and once as λ + 360 in float32, whose roundings
differ by up to an ulp at 360° (3·10⁻⁵°): two longitudes at one latitude within
:data:`POSITION_FRACTION` (10⁻³) of the grid's own smallest nonzero distance between
neighbouring cells (:func:`position_step`; the fraction of a regular grid's cyclic column,
:data:`climann.data.cyclic.REPEAT_TOLERANCE`) are one place, so that no two cells of the grid,
which are at least that distance apart, ever are (a 1° grid allows 10⁻³°, a 10 m grid 10⁻⁷°).

A regular latitude-longitude grid's cyclic column is :mod:`climann.data.cyclic`'s.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from collections.abc import Sequence
from pathlib import Path

import dask
import numpy as np
import xarray as xr

from climann.data.coords import time_coordinate, two_dimensional_coordinates
from climann.data.cyclic import grid_without_repeats, storage_tolerance, without_repeated_longitudes
from climann.data.notes import note_once
from climann.data.shell import cut_command, input_and_copy, source_and_copy
from climann.data.variables import data_variable_names
from climann.errors import ClimannError

#: Longitudes at one latitude closer than this fraction of the grid's smallest nonzero distance
#: between neighbouring cells are one place (see the module's docstring and :func:`position_step`).
POSITION_FRACTION = 1e-3

#: Positions an ocean model writes where it has none (NEMO's eliminated land processors), as
#: :data:`climann.data.grids._NO_POSITION`: such cells are not repeats of one another.
_NO_POSITION = ((0.0, 0.0), (-1.0, -1.0))

#: Where what was done is recorded (the 2-D latitude's ``encoding``, never written to an
#: output), for ``climann info`` to say so: the note's words after the file names.
USED_ONCE_KEY = "climann_repeated_cells"

_log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class RepeatedCells:
    """Which cells of a (n_rows, n_columns) grid repeat another's position.

    Attributes
    ----------
    rows, columns : tuple of int
        The rows and columns kept, in order; the others (at the grid's edges) repeat kept cells.
    masked : ndarray of bool, shape (n_rows, n_columns)
        Cells of the kept rows and columns that repeat another kept cell: masked.
    original : ndarray of int, shape (n_rows, n_columns)
        For each dropped or masked cell, the flat index (row-major, on the whole grid) of the
        kept cell it repeats; −1 elsewhere.
    """

    rows: tuple[int, ...]
    columns: tuple[int, ...]
    masked: np.ndarray
    original: np.ndarray

    @property
    def any(self) -> bool:
        return bool((self.original >= 0).any())


def position_step(latitude: np.ndarray, longitude: np.ndarray) -> float:
    """How close, in degrees, two longitudes at one latitude are one place: :data:`POSITION_FRACTION`
    of the smallest nonzero distance between neighbouring cells (along rows or columns; the larger
    of the latitude and the longitude difference, modulo 360°), 0 (equality) on a grid without one.

    Parameters
    ----------
    latitude, longitude : ndarray, shape (n_rows, n_columns)
        Degrees, float64; missing positions are not distances.

    Examples
    --------
    >>> lat = np.array([[52.5, 52.5], [52.50009, 52.50009]])
    >>> lon = np.array([[0.0, 0.000148], [0.0, 0.000148]])
    >>> f"{position_step(lat, lon):.2g}"
    '9e-08'
    """
    distances = []
    for axis in (0, 1):
        if latitude.shape[axis] < 2:
            continue
        d_lat = np.abs(np.diff(latitude, axis=axis))
        d_lon = np.abs(np.diff(longitude, axis=axis)) % 360.0
        distance = np.fmax(d_lat, np.minimum(d_lon, 360.0 - d_lon))
        distances.append(distance[np.isfinite(distance) & (distance > 0)])
    found = np.concatenate(distances) if distances else np.empty(0)
    return float(found.min()) * POSITION_FRACTION if found.size else 0.0


def _position_groups(latitude: np.ndarray, longitude: np.ndarray) -> np.ndarray:
    """One label per cell, shape (n_rows, n_columns): cells of one position share it; −1 for
    cells without a position (missing, or NEMO's eliminated-processor (0, 0) and (−1, −1)).
    One position: equal latitudes, longitudes modulo 360° within :func:`position_step`."""
    lat, lon = np.asarray(latitude, np.float64), np.asarray(longitude, np.float64)
    placed = np.isfinite(lat) & np.isfinite(lon) & ~np.logical_or.reduce([(lat == a) & (lon == b)
                                                                           for a, b in _NO_POSITION])
    lat, lon = np.where(placed, lat, 0.0), np.where(placed, lon % 360.0, 0.0)
    step = position_step(np.where(placed, lat, np.nan), np.where(placed, lon, np.nan))
    lon = np.where(lon > 360.0 - step, lon - 360.0, lon).ravel()  # just below 360° is 0°
    order = np.lexsort((lon, lat.ravel()))
    # sorted by latitude, then longitude: a new place where the latitude changes or the
    # longitude moves on by more than the step
    new = np.ones(order.size, bool)
    new[1:] = (np.diff(lat.ravel()[order]) != 0) | (np.diff(lon[order]) > step)
    labels = np.empty(order.size, np.int64)
    labels[order] = np.cumsum(new) - 1
    return np.where(placed, labels.reshape(placed.shape), -1)


def _edge_repeats(labels: np.ndarray, axis: int, rows: list[int], columns: list[int]) -> None:
    """Drop, from the ends of ``rows`` (axis 0) or ``columns`` (axis 1), in place, each line
    whose placed cells all repeat cells of the other kept lines (and that has one). Of the two
    ends, one whose cells repeat only inner lines goes first: of a halo on both sides
    (columns 0 and n−1 copying n−2 and 1) both halo columns go, not column 0 and then 1."""
    kept = rows if axis == 0 else columns

    def line_cells(line: int) -> np.ndarray:
        cells = labels[line, columns] if axis == 0 else labels[rows, line]
        return cells[cells >= 0]

    def repeats(line: int, among: list[int]) -> bool:
        among = set(among)  # a set: a list's `in` made this quadratic in the grid's width
        others = [index for index in kept if index != line and index in among]
        block = labels[np.ix_(others, columns) if axis == 0 else np.ix_(rows, others)]
        cells = line_cells(line)
        return bool(cells.size) and bool(np.isin(cells, block).all())

    while len(kept) > 2:
        ends = [kept[0], kept[-1]]
        inner = [line for line in ends if repeats(line, kept[1:-1])]
        # two ends that repeat each other only (a regular grid's 0° and 360° columns): the
        # later goes, the first is kept, as climann.data.cyclic keeps a cyclic column's first
        dropped = inner or [line for line in ends if repeats(line, kept)][-1:]
        if not dropped:
            return
        for line in dropped:
            kept.remove(line)


def repeated_cells(latitude: np.ndarray, longitude: np.ndarray) -> RepeatedCells:
    """The cells of a curvilinear grid that repeat another cell's position, and what is done
    with them: whole rows and columns at the grid's edges whose cells all repeat cells of the
    rest (an ORCA grid's east-west halo columns, its north-fold top row) are dropped, columns
    first; of the cells of one position left among the rest (half of a T-pivot fold row), the
    first in row-major order is kept and the others masked.

    Parameters
    ----------
    latitude, longitude : ndarray, shape (n_rows, n_columns)
        Degrees; longitudes in either convention. Cells at the same latitude and the same
        longitude modulo 360° (within :func:`position_step`) are one place (a row at a pole,
        whose longitudes differ, is not: its velocities differ by direction). Missing
        positions repeat none.

    Returns
    -------
    RepeatedCells

    Examples
    --------
    >>> lon = np.array([[340.0, 0.0, 20.0, 340.0, 0.0]] * 2)
    >>> lat = np.array([[0.0] * 5, [10.0] * 5])
    >>> found = repeated_cells(lat, lon)
    >>> found.columns, int(found.masked.sum())
    ((1, 2, 3), 0)
    """
    labels = _position_groups(latitude, longitude)
    rows, columns = list(range(labels.shape[0])), list(range(labels.shape[1]))
    original = np.full(labels.shape, -1)
    masked = np.zeros(labels.shape, bool)
    counts = np.bincount(labels[labels >= 0].ravel(), minlength=1)
    if not (counts > 1).any():
        return RepeatedCells(tuple(rows), tuple(columns), masked, original)
    _edge_repeats(labels, 1, rows, columns)
    _edge_repeats(labels, 0, rows, columns)
    inside = np.zeros(labels.shape, bool)
    inside[np.ix_(rows, columns)] = True
    flat_labels = labels.ravel()
    candidates = np.flatnonzero(inside.ravel() & (flat_labels >= 0))
    # the first kept cell (row-major) of each position: np.unique's indices are the first occurrences
    placed_labels, first_at = np.unique(flat_labels[candidates], return_index=True)
    first = np.full(int(flat_labels.max()) + 1, -1)
    first[placed_labels] = candidates[first_at]
    kept = np.where(flat_labels >= 0, first[np.maximum(flat_labels, 0)], -1)
    copy = (kept >= 0) & (kept != np.arange(flat_labels.size))
    original.ravel()[copy] = kept[copy]
    masked.ravel()[copy] = inside.ravel()[copy]
    return RepeatedCells(tuple(rows), tuple(columns), masked, original)


def _grid_names(dataset: xr.Dataset) -> tuple[str, str, tuple[str, str]] | None:
    """The 2-D latitude and longitude names and their (row, column) dims, or None."""
    try:
        names = two_dimensional_coordinates(dataset)
    except ClimannError:
        return None
    if names is None:
        return None
    dims = tuple(map(str, dataset[names[0]].dims))
    return names[0], names[1], dims


def _found(dataset: xr.Dataset) -> tuple[tuple[str, str], RepeatedCells] | None:
    names = _grid_names(dataset)
    if names is None:
        return None
    latitude, longitude, dims = names
    with dask.config.set(scheduler="synchronous"):  # the grid's coordinates: metadata, not the data pipeline
        lat = np.ascontiguousarray(dataset[latitude].transpose(*dims).values, np.float64)
        lon = np.ascontiguousarray(dataset[longitude].transpose(*dims).values, np.float64)
    found = _repeated_cells_of(lat, lon)
    return (dims, found) if found.any else None


#: :func:`repeated_cells` of the grids seen last, by their coordinates' bytes: the files of
#: one grid (one per year) and each open of them share one result.
_SEEN: dict[tuple, RepeatedCells] = {}
_SEEN_SIZE = 4


def _repeated_cells_of(latitude: np.ndarray, longitude: np.ndarray) -> RepeatedCells:
    """:func:`repeated_cells`, computed once per grid (coordinates equal to the byte)."""
    key = (latitude.shape, hashlib.blake2b(latitude.tobytes() + longitude.tobytes(), digest_size=16).digest())
    if key not in _SEEN:
        if len(_SEEN) >= _SEEN_SIZE:
            del _SEEN[next(iter(_SEEN))]
        found = repeated_cells(latitude, longitude)
        found.masked.flags.writeable = found.original.flags.writeable = False  # shared: read only
        _SEEN[key] = found
    return _SEEN[key]


def grid_without_repeated_cells(dataset: xr.Dataset) -> xr.Dataset:
    """``dataset`` without the edge rows and columns that repeat other cells, judged by the
    coordinates alone: the grid a file has once :func:`without_repeated_cells` has read it."""
    found = _found(dataset)
    if found is None:
        return dataset
    (row, column), cells = found
    return dataset.isel({row: list(cells.rows), column: list(cells.columns)})


def _fold_rows(cells: RepeatedCells) -> np.ndarray:
    """Which rows are the north fold's, shape (n_rows,) of bool: the rows dropped and those
    holding a masked cell (half a T-pivot row)."""
    fold = np.ones(cells.original.shape[0], bool)
    fold[list(cells.rows)] = False
    fold |= cells.masked.any(axis=1)
    return fold


def _compared(dataset: xr.Dataset, dims: tuple[str, str], cells: RepeatedCells
              ) -> tuple[tuple[str, int, int, int, int, str] | None, np.ndarray, list[str]]:
    """The first variable and cell (row, column) whose values differ from those of the cell it
    repeats (row, column) beyond their stored precision, on the first and last time steps,
    and by how much (text), or None when none does (a copy that is missing repeats nothing);
    which copies hold a value, shape (n_rows, n_columns) of bool; and the variables whose
    copies on the fold's rows are minus their originals (vector components: NEMO's
    ``lbc_lnk`` copies them across the north fold with ``psgn = -1``; NEMO reference manual,
    "North-fold boundary condition"). On the halo columns of other rows copies are equal."""
    copies = np.argwhere(cells.original >= 0)
    kept = np.array(np.unravel_index(cells.original[cells.original >= 0], cells.original.shape)).T
    at_copy = {dims[0]: xr.DataArray(copies[:, 0], dims="cell"), dims[1]: xr.DataArray(copies[:, 1], dims="cell")}
    at_kept = {dims[0]: xr.DataArray(kept[:, 0], dims="cell"), dims[1]: xr.DataArray(kept[:, 1], dims="cell")}
    on_fold = _fold_rows(cells)[copies[:, 0]]
    time = time_coordinate(dataset)
    pairs = {}
    for name in data_variable_names(dataset):
        variable = dataset[name]
        if not set(dims) <= set(variable.dims) or not np.issubdtype(variable.dtype, np.number):
            continue
        if time in variable.dims and variable.sizes[time] > 2:
            variable = variable.isel({time: [0, -1]})
        pairs[name] = (variable.isel(at_copy).transpose("cell", ...).data,
                       variable.isel(at_kept).transpose("cell", ...).data)
    with dask.config.set(scheduler="synchronous"):  # the repeated cells of two steps: a small read
        computed = dask.compute(pairs)[0]
    held = np.zeros(cells.original.shape, bool)
    for copy, _ in computed.values():
        copy = np.asarray(copy, np.float64).reshape(len(copies), -1)
        held[copies[:, 0], copies[:, 1]] |= np.isfinite(copy).any(axis=1)
    negated = []
    for name, (copy, original) in computed.items():
        copy, original = np.asarray(copy, np.float64), np.asarray(original, np.float64)
        tolerance = storage_tolerance(dataset[name], copy, original)
        gap = np.abs(copy - original)
        beyond = np.isfinite(copy) & ~(gap <= tolerance)
        # across the fold a copy may be minus its original (a vector component; on the pivot
        # row the halo columns' plain copies of the pivot points keep their sign)
        turned = beyond & on_fold.reshape((-1,) + (1,) * (copy.ndim - 1)) & (np.abs(copy + original) <= tolerance)
        beyond &= ~turned
        if turned.any():
            negated.append(name)
        if beyond.any():
            index = int(np.argwhere(beyond)[0][0])
            units = str(dataset[name].attrs.get("units", ""))
            how = (f"by up to {np.nanmax(np.where(beyond, gap, np.nan)):.3g}{' ' + units if units else ''}"
                   if np.isfinite(gap[beyond]).any() else "missing in one, present in the other")
            return (name, *map(int, copies[index]), *map(int, kept[index]), how), held, negated
    return None, held, negated


def _ranges(indices: Sequence[int]) -> str:
    """``0 and 19`` / ``8, 9`` as text of a few indices."""
    return " and ".join(map(str, indices)) if len(indices) <= 2 else ", ".join(map(str, indices))


def _refusal(dataset: xr.Dataset, dims: tuple[str, str], cells: RepeatedCells, where: str,
             differing: tuple[str, int, int, int, int, str], files: Sequence[Path]) -> ClimannError:
    name, row, column, kept_row, kept_column, how = differing
    n_rows, n_columns = cells.original.shape
    rows, columns = list(cells.rows), list(cells.columns)
    masked_rows = np.flatnonzero(cells.masked.any(axis=1))
    if masked_rows.size:  # ncks cannot mask cells: the rows from the first with a masked cell go whole
        rows = [index for index in rows if index < masked_rows[0]]
    arguments = input_and_copy(files[0]) if len(files) == 1 else source_and_copy(dataset, dataset[name])
    spans = {dim: (kept[0], kept[-1]) for dim, kept, size in
             ((dims[0], rows, n_rows), (dims[1], columns, n_columns)) if kept and len(kept) < size}
    cut = cut_command(spans, arguments)
    if not rows:
        fix = "mask the cells that repeat others (e.g. with NCO's ncap2) or remove them"
    elif masked_rows.size:
        fix = (f"keep one copy of each place, e.g. {cut} (which leaves out {dims[0]} "
               f"{_ranges([int(index) for index in masked_rows])} whole: half of it repeats its other half)")
    else:
        fix = f"keep one copy, e.g. {cut}"
    return ClimannError(
        f"{where}: cell {dims[0]}={row}, {dims[1]}={column} is at the position of cell {dims[0]}={kept_row}, "
        f"{dims[1]}={kept_column} ({int((cells.original >= 0).sum())} cells repeat others' positions), but "
        f"'{name}' differs between them ({how}), so which holds that place's values is not known; {fix}"
    )


def _note(dims: tuple[str, str], cells: RepeatedCells, held: np.ndarray, where: str,
          negated: Sequence[str] = ()) -> str | None:
    """What was done, in one line; None when nothing that held a value was dropped or masked
    (a dataset read a second time: its masked copies are missing). The ORCA grid is named only
    where the repeats are its halo: both edge columns repeating the opposite inner ones, the
    top rows (the north fold); a regular grid's 0° and 360° columns are repeat columns."""
    n_rows, n_columns = cells.original.shape
    parts = []
    lines = ((dims[1], cells.columns, n_columns, "columns"), (dims[0], cells.rows, n_rows, "rows"))
    for dim, kept, size, word in lines:
        dropped = [index for index in range(size) if index not in kept]
        if dropped:
            copied = cells.original[:, dropped] if word == "columns" else cells.original[dropped, :]
            of = []  # the line each dropped line repeats (most of its cells'), in the dropped lines' order
            for line in copied.T if word == "columns" else copied:
                at = np.unravel_index(line[line >= 0], cells.original.shape)[1 if word == "columns" else 0]
                of.append(int(np.bincount(at).argmax()))
            one = word[:-1] if len(dropped) == 1 else word
            verb = "repeats" if len(dropped) == 1 else "repeat"
            orca = (dropped == [0, size - 1] and of == [size - 2, 1] if word == "columns"
                    else min(dropped) > max(kept))
            halo = "" if not orca else (" (the east-west halo of an ORCA grid)" if word == "columns"
                                        else " (the north fold of an ORCA grid)")
            parts.append(f"{one} {_ranges(dropped)} of {dim} {verb} {one} {_ranges(of)}{halo}: dropped")
    if (cells.masked & held).any():
        rows = sorted({int(i) for i in np.argwhere(cells.masked & held)[:, 0]})
        fold = " (the north fold of an ORCA grid)" if rows == [max(cells.rows)] else ""
        parts.append(f"{int((cells.masked & held).sum())} cells of {dims[0]} {_ranges(rows)} repeat other "
                     f"cells{fold}: masked, no sample and no weight")
    if not parts:
        return None
    if negated:
        parts.append(f"{', '.join(repr(name) for name in negated)} "
                     f"{'is' if len(negated) == 1 else 'are'} copied across the fold with the opposite sign "
                     "(a vector component, as NEMO copies one)")
    return f"{where}: {_what(parts)}"


def _what(parts: Sequence[str]) -> str:
    return ("cells at the position of other cells with the same values, used once: " + "; ".join(parts)
            + "; predictions are written on the grid without the dropped rows and columns")


def without_repeated_cells(dataset: xr.Dataset, *, files: Sequence[Path] = ()) -> xr.Dataset:
    """``dataset`` with each position of its curvilinear grid used once (see :func:`repeated_cells`).

    Edge rows and columns that repeat other cells are dropped; other repeating cells are set
    missing in every numeric data variable on the grid (no sample, no weight; an integer one
    becomes float64, its attributes kept), with one note per run (the files of one grid say
    the same: the first names its file) (``train.log``, ``climann info``). Datasets without 2-D latitude and
    longitude, or without repeated positions, are returned unchanged; reading a result again
    changes nothing (a masked copy is missing, which repeats nothing).

    Parameters
    ----------
    dataset : xarray.Dataset
        Opened lazily; only the repeated cells of the first and last time steps are read.
    files : sequence of Path
        The files read, named in the note and messages.

    Raises
    ------
    ClimannError
        If a variable's values at a cell differ from those at the cell whose position it
        repeats beyond their stored precision: which holds that place's values is not known.
    """
    found = _found(dataset)
    if found is None:
        return dataset
    dims, cells = found
    where = ", ".join(Path(path).name for path in files[:3]) + (" …" if len(files) > 3 else "") or "the data"
    differing, held, negated = _compared(dataset, dims, cells)
    if differing is not None:
        raise _refusal(dataset, dims, cells, where, differing, files)
    note = _note(dims, cells, held, where, negated)
    if note is not None:  # once per run: the files of one grid (one per year) have the same words after their names
        note_once(_log, logging.INFO, note, key=(__name__, note[len(where) + 2:]))
    trimmed = dataset.isel({dims[0]: list(cells.rows), dims[1]: list(cells.columns)})
    latitude = _grid_names(dataset)[0]
    if note is not None:
        trimmed[latitude].encoding[USED_ONCE_KEY] = note[len(where) + 2:]
    if not cells.masked.any():
        return trimmed
    keep = xr.DataArray(~cells.masked[np.ix_(cells.rows, cells.columns)], dims=dims)
    for name in data_variable_names(trimmed):
        variable = trimmed[name]
        if not set(dims) <= set(variable.dims):
            continue
        floating = np.issubdtype(variable.dtype, np.floating)
        if floating or np.issubdtype(variable.dtype, np.integer):
            # an integer variable (no _FillValue, so not decoded to float) becomes float64 to hold
            # the missing value: masked as the others, not a sample of a place counted twice
            masked = (variable if floating else variable.astype(np.float64)).where(keep).transpose(*variable.dims)
            masked.attrs = dict(variable.attrs)
            masked.encoding = {key: value for key, value in variable.encoding.items() if floating or key != "dtype"}
            trimmed[name] = masked
    return trimmed


def each_place_once(dataset: xr.Dataset, *, files: Sequence[Path] = ()) -> xr.Dataset:
    """``dataset`` with each place of its grid read once: a regular grid's cyclic longitude
    column dropped (:func:`~climann.data.cyclic.without_repeated_longitudes`), a curvilinear
    grid's repeated cells (an ORCA grid's halo) used once (:func:`without_repeated_cells`).

    Raises
    ------
    ClimannError
        As those two: a copy whose values differ from those of the place it repeats.
    """
    return without_repeated_cells(without_repeated_longitudes(dataset, files=files), files=files)


def grid_of_each_place_once(dataset: xr.Dataset) -> xr.Dataset:
    """The grid :func:`each_place_once` leaves, judged by the coordinates alone (for comparing
    files' grids): :func:`~climann.data.cyclic.grid_without_repeats`, then
    :func:`grid_without_repeated_cells`."""
    return grid_without_repeated_cells(grid_without_repeats(dataset))
