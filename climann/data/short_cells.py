"""Time cells much shorter than the file's usual cell: a partial first or last day, month, ….

``cdo daysum`` (or ``daymean``) of hourly data that end within a day makes that day of the hours
there are: ERA5 downloaded through 00 UTC of the next 1 January, as one does to close the last
day, ends with a "day" of one hour, its CF cell (7.1) [D 00:00, D 00:00], its total 1/24 of a
day's (break52a A3: 9.3e-6 m against ~3e-4 m, scored in the test block as a whole day, unsaid).
A cell shorter than :data:`SHORT_FRACTION` of the median cell of the axis (:func:`short_cells`)
is such a part of a period; months of 28 to 31 days, seasons of 90 to 92, MODIS's last 8-day
composite of 5 days, are not.

What follows depends on the value over the cell (CF 7.3, ``cell_methods``):

- a total (``time: sum``, an accumulated amount: :func:`~climann.data.value_words.is_accumulated_amount`)
  grows with its cell: over an hour it is a number of another size than a day's, and trained on or
  scored as a day it is a wrong number. Refused (:func:`check_short_cells`);
- a mean, an extreme, an instant is of the same size over a shorter cell, only noisier (and off
  by the part of the day it leaves out): warned of once, and kept.

Both name the steps, their lengths against the usual one, and the ways out: a ``--time-range``
that ends before a short last cell (begins after a short first one), when such a range exists,
and the ``cdo delete,timestep=…`` that writes a copy of each file holding them without them
(:func:`~climann.data.shell.steps_command`, guarded so that it writes over no file).
``climann info`` tells them (:func:`warn_short_cells`) for every variable it describes, in the same
words, whatever the config it proposes uses and also when it proposes none, once beside its config's check.
Only the steps of the run's period count: steps read before ``--time-range`` for persistence
and lags (:data:`~climann.data.time_cells.STEPS_BEFORE_RANGE_KEY`) are not trained on or scored.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import xarray as xr

from climann.data.cell_methods import time_cell_method
from climann.data.coords import time_coordinate
from climann.data.notes import note_once
from climann.data.shell import copies_of_files, steps_command
from climann.data.sources import SOURCE_TIMES_KEY, as_file_stamps, dates_in, source_files
from climann.data.time_axis import date_text
from climann.data.time_cells import STEPS_BEFORE_RANGE_KEY
from climann.data.time_range import range_bounds
from climann.data.value_words import is_accumulated_amount
from climann.errors import ClimannError

__all__ = ["SHORT_FRACTION", "ShortCells", "check_short_cells", "short_cells", "short_cells_found", "warn_short_cells"]

_log = logging.getLogger(__name__)

#: A cell shorter than this fraction of the axis's median cell is a part of a period.
SHORT_FRACTION = 0.5


def short_cells(bounds: np.ndarray) -> np.ndarray:
    """Which time cells are shorter than :data:`SHORT_FRACTION` of the median cell length.

    Parameters
    ----------
    bounds : ndarray of cftime.datetime, shape (n_time, 2)
        The cells [lower, upper] (CF 7.1), either order of the two vertices.

    Returns
    -------
    ndarray of bool, shape (n_time,)
        True where ``|upper − lower| < SHORT_FRACTION × median``; all False for fewer than two
        cells or a median of zero (instants given as empty cells).
    """
    if len(bounds) < 2:
        return np.zeros(len(bounds), dtype=bool)
    seconds = np.array([abs((upper - lower).total_seconds()) for lower, upper in bounds])
    usual = float(np.median(seconds))
    return seconds < SHORT_FRACTION * usual if usual > 0 else np.zeros(len(bounds), dtype=bool)


@dataclass(frozen=True)
class ShortCells:
    """What :func:`short_cells_found` found: the words that tell it, and the totals among the variables.

    Attributes
    ----------
    message : str
        The short cells, their lengths against the usual one, the ways out, and ``refused: …``
        naming the totals (``train`` refuses them) or ``kept: …`` when there are none.
    totals : tuple of str
        The variables that are totals over their cells (``time: sum``, an accumulated amount).
    cells : str
        The short cells and their lengths alone (the part of ``message`` that names no variable or file).
    key : tuple
        The note's key (:func:`~climann.data.notes.note_once`): the short cells and the totals, so that
        ``climann info``, which tells them for every variable, and its config's check say them once.
    """

    message: str
    totals: tuple[str, ...]
    cells: str
    key: tuple


def short_cells_found(dataset: xr.Dataset, names: Sequence[str], *, where: str) -> ShortCells | None:
    """The time cells of the run's period much shorter than the usual (:func:`short_cells`), in words.

    Parameters
    ----------
    dataset : xarray.Dataset
        The data after the time selection, bounds in memory.
    names : sequence of str
        The variables to look at (those absent or off the time axis are passed over).
    where : str
        The files, for the message.

    Returns
    -------
    ShortCells or None
        None when the time axis has no CF cells (7.1) of cftime dates or none is short.
    """
    name = time_coordinate(dataset)
    bounds_name = None if name is None else dataset[name].attrs.get("bounds")
    if bounds_name not in dataset.variables or dataset[bounds_name].ndim != 2 or dataset[name].ndim != 1:
        return None
    bounds = np.asarray(dataset[bounds_name].values)
    if bounds.shape[1:] != (2,) or not all(hasattr(value, "calendar") for value in bounds.ravel()):
        return None
    short = short_cells(bounds)
    short[:int(dataset[name].encoding.get(STEPS_BEFORE_RANGE_KEY, 0))] = False
    if not short.any():
        return None
    dim = dataset[name].dims[0]
    used = [variable for variable in dict.fromkeys(names) if variable in dataset.data_vars
            and dim in dataset[variable].dims]
    totals = tuple(variable for variable in used if _is_total(dataset[variable], dim))
    cells_text = _cells_text(bounds, short)
    message = f"{where}: {cells_text}; {_ways_out(dataset, name, used, short)}"
    if totals:
        described = ", ".join(f"{variable} ({_method(dataset[variable], dim)})" for variable in totals)
        message += (f"; refused: {described} there is a total over the short cell, a number of another size "
                    f"than over a usual one, and would be trained on and scored as one")
    else:
        message += "; kept: a mean (or extreme) over a short cell is of the same size as over a usual one, only noisier"
    cells = tuple((date_text(min(bounds[step]), precision="minute"), date_text(max(bounds[step]), precision="minute"))
                  for step in np.flatnonzero(short))
    return ShortCells(message, totals, cells_text, ("short time cells", cells, totals))


def check_short_cells(dataset: xr.Dataset, names: Sequence[str], *, where: str) -> None:
    """Refuse a total, warn of any other value, on a time cell much shorter than the usual
    (:func:`short_cells`) within the run's period.

    Parameters
    ----------
    dataset : xarray.Dataset
        The run's data after the time selection, times at their cells' middles, bounds in memory.
    names : sequence of str
        The variables the run uses (those absent are passed over).
    where : str
        The files, for the message.

    Raises
    ------
    ClimannError
        When a variable among ``names`` on the time axis is a total over its cells (``time: sum``,
        an accumulated amount) and a cell of the period is short: the steps, their lengths, and the
        ``--time-range`` and ``cdo delete`` that leave them out.
    """
    found = short_cells_found(dataset, names, where=where)
    if found is not None and found.totals:
        raise ClimannError(found.message)
    if found is not None:
        warn_short_cells(found)


def warn_short_cells(found: ShortCells) -> None:
    """Say ``found`` as a warning, once (its key): ``climann info`` tells it whatever the config it
    proposes uses, before ``train`` refuses a total or warns of a mean there.

    Parameters
    ----------
    found : ShortCells
        As :func:`short_cells_found` gives it.
    """
    note_once(_log, logging.WARNING, found.message, key=found.key)


def _is_total(variable: xr.DataArray, dim: str) -> bool:
    """A total over each cell: ``time: sum`` or an accumulated amount (CF 7.3)."""
    method = time_cell_method(variable.attrs.get("cell_methods"), dim) or ""
    return "sum" in method or is_accumulated_amount(str(variable.name), variable.attrs)


def _method(variable: xr.DataArray, dim: str) -> str:
    """The variable's time cell method, or ``an accumulated amount``, for the message."""
    return time_cell_method(variable.attrs.get("cell_methods"), dim) or "an accumulated amount"


def _cells_text(bounds: np.ndarray, short: np.ndarray) -> str:
    """The short cells (three at most) and their lengths against the usual one."""
    seconds = np.array([abs((upper - lower).total_seconds()) for lower, upper in bounds])
    usual = float(np.median(seconds))
    steps = np.flatnonzero(short)
    unit, size = next((unit, size) for unit, size in (("day", 86_400), ("hour", 3_600), ("minute", 60), ("second", 1))
                      if usual % size == 0 and all(seconds[steps] % size == 0))
    cells = ", ".join(f"step {step + 1} ({date_text(min(bounds[step]), precision='minute')} to "
                      f"{date_text(max(bounds[step]), precision='minute')}, {seconds[step] / size:g} {unit}s long)"
                      for step in steps[:3])
    more = f" and {steps.size - 3} more" if steps.size > 3 else ""
    verb = "is" if steps.size == 1 else "are"
    return (f"{steps.size} of the {len(bounds)} time cells {verb} much shorter than the usual {usual / size:g} {unit}s "
            f"(less than {SHORT_FRACTION:g} of it): {cells}{more}; a partial first or last period, as cdo daysum "
            f"makes of hourly data that end within a day (ERA5 downloaded through 00 UTC of the next day)")


def _ways_out(dataset: xr.Dataset, name: str, used: Sequence[str], short: np.ndarray) -> str:
    """The ``--time-range`` that leaves the short cells out, when one does, and the ``cdo delete``
    lines of the files holding them."""
    ways = []
    time_range = _range_without(np.asarray(dataset[name].values), short)
    if time_range:
        ways.append(f"--time-range {','.join(time_range)} ([data] time_range = [\"{time_range[0]}\", "
                    f"\"{time_range[1]}\"])")
    times = np.asarray(dataset[name].values)[short]
    numbers: dict[str, list[int]] = {}
    for variable in used:
        files, held = source_files(dataset[variable]), dataset[variable].encoding.get(SOURCE_TIMES_KEY)
        if held is None or len(held) != len(files):
            continue
        stamps = as_file_stamps(dataset[variable], times)
        for file, steps in zip(files, held):
            found = np.flatnonzero(dates_in(np.asarray(steps), stamps)) + 1
            if found.size:
                numbers.setdefault(file, sorted(set(numbers.get(file, [])) | set(found.tolist())))
    dim = dataset[name].dims[0]
    groups: dict[tuple[int, ...], list[str]] = {}
    for file, steps in numbers.items():
        groups.setdefault(tuple(steps), []).append(file)
    for steps, files in groups.items():
        ways.append(copies_of_files(lambda arguments, file, steps=steps: steps_command(
            list(steps), dim, arguments, suffix="whole_cells"), files, name="whole_cells"))
    if not ways:
        return "leave those steps out of the files (cdo delete,timestep=…)"
    return "leave them out with " + " or ".join(ways)


def _range_without(middles: np.ndarray, short: np.ndarray) -> tuple[str, str] | None:
    """The ``time_range`` (days, else hours) from the first to the last usual cell that holds
    none of the short ones; None when a short cell lies between usual ones or no such range exists."""
    usual = np.flatnonzero(~short)
    if not usual.size or short[usual[0]:usual[-1] + 1].any():
        return None
    first, last = middles[usual[0]], middles[usual[-1]]
    for precision in ("day", "hour"):
        time_range = tuple(_date(time, precision) for time in (first, last))
        start, after_last = range_bounds(time_range, first.calendar)
        within = np.array([start <= time < after_last for time in middles])
        if (within == ~short).all():
            return time_range
    return None


def _date(time: object, precision: str) -> str:
    """``YYYY-MM-DD`` or ``YYYY-MM-DDTHH`` of a cftime date, as ``--time-range`` reads it."""
    day = date_text(time, precision="day")
    return day if precision == "day" else f"{day}T{time.hour:02d}"
