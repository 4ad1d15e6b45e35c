"""Time cells shorter than the file's usual cell: a partial first or last day, month, ….

``cdo daysum`` (or ``daymean``) of hourly data that end within a day makes that day of the hours
there are: ERA5 downloaded through 00 UTC of the next 1 January, as one does to close the last
day, ends with a "day" of one hour, its CF cell (7.1) [D 00:00, D 00:00], its total 1/24 of a
day's (break52a A3: 9.3e-6 m against ~3e-4 m, scored in the test block as a whole day, unsaid).
A cell shorter than the usual cell of the axis (the median) by more than :data:`SHORT_TOLERANCE`
(:func:`short_cells`) is such a part of a period: a day summed from 17 of its 24 hours is no day's
total, however many hours it lacks (session 73: a cell under half the usual one was told, and a
17-hour ``daysum`` passed as a day). Cells of a month or longer are compared as parts of the calendar
months they lie in, in the dates' own calendar (``360_day``, ``noleap``: :func:`whole_months_share`), so
that months of 28 to 31 days and seasons of 90 to 92 are whole. The tolerance is the rounding of cells
that ``cdo`` spans from the first to the last value (a month of daily values ``[1st, last day]``: 27 of
28 days against 30 of 31, 0.35 % apart), not a missing hour of a day (4 % of it), of 3-hourly values
(14 %) or a missing day of a month (3 %); a year short of a day (0.3 %) is not told. The last N-day
composite of a year (MODIS's of 5 days, ending on 1 January where the next year's first begins), the
product's own design, is not a short cell.

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

import cftime
import numpy as np
import xarray as xr

from climann.data.cell_methods import time_cell_method
from climann.data.coords import time_coordinate
from climann.data.notes import note_once
from climann.data.shell import copies_of_files, steps_command
from climann.data.sources import SOURCE_TIMES_KEY, as_file_stamps, dates_in, files_text, source_files
from climann.data.time_axis import date_text
from climann.data.time_cells import STEPS_BEFORE_RANGE_KEY
from climann.data.time_range import range_bounds
from climann.data.value_words import is_accumulated_amount
from climann.errors import ClimannError

__all__ = ["SHORT_TOLERANCE", "ShortCells", "check_own_short_cells", "check_short_cells", "short_cells",
           "short_cells_found", "warn_short_cells", "whole_months_share"]

_log = logging.getLogger(__name__)

#: A cell shorter than the usual by more than this share of it is a part of a period (see the module's words).
SHORT_TOLERANCE = 0.01

#: Cells at least this many days long (on the median) are compared as shares of their calendar months.
_MONTH_DAYS = 27


def _cell_seconds(bounds: np.ndarray) -> np.ndarray:
    """Shape (n_time,): each cell's length in seconds, either order of its two vertices."""
    return np.array([abs((upper - lower).total_seconds()) for lower, upper in bounds])


def _month_start(date: object, months_on: int = 0) -> object:
    """The first instant of the calendar month of ``date`` (a cftime date), ``months_on`` months later,
    in its own calendar."""
    index = date.year * 12 + date.month - 1 + months_on
    return cftime.datetime(index // 12, index % 12 + 1, 1, calendar=date.calendar, has_year_zero=date.has_year_zero)


def whole_months_share(bounds: np.ndarray) -> np.ndarray:
    """Shape (n_time,): each cell's length as a share of the calendar months it lies in (from the first
    instant of its lower bound's month to that of the month after its upper bound's, an upper bound on
    a month's first instant closing the month before), in the dates' own calendar: 1 for ``[1 Feb, 1 Mar]``
    in every calendar, 27/28 for ``cdo monsum``'s ``[1 Feb, 28 Feb]`` of daily values of ``noleap``,
    28/30 of ``360_day``, and 17/31 for a January from the 15th. A cell from within one month to within
    the next (a GRACE solution's window, 17 December-17 January) is compared with the month of its
    middle: 31/31.

    Parameters
    ----------
    bounds : ndarray of cftime.datetime, shape (n_time, 2)

    Returns
    -------
    ndarray of float, shape (n_time,)
    """
    shares = []
    for cell in bounds:
        lower, upper = min(cell), max(cell)
        closing = _month_start(upper) == upper and upper > lower
        start, end = _month_start(lower), _month_start(upper, 0 if closing else 1)
        if _month_start(lower) != lower and not closing and end == _month_start(lower, 2):
            # a window across a month's end (GRACE's 17 December-17 January): a month's length, not a part
            # of two (break57b A3: 31 days called shorter than the usual 31), against the month of its middle
            middle = lower + (upper - lower) / 2
            start, end = _month_start(middle), _month_start(middle, 1)
        shares.append((upper - lower).total_seconds() / (end - start).total_seconds())
    return np.array(shares)


def short_cells(bounds: np.ndarray) -> np.ndarray:
    """Which time cells are shorter than the usual by more than :data:`SHORT_TOLERANCE` of it.

    Parameters
    ----------
    bounds : ndarray of cftime.datetime, shape (n_time, 2)
        The cells [lower, upper] (CF 7.1), either order of the two vertices.

    Returns
    -------
    ndarray of bool, shape (n_time,)
        True where ``length < (1 − SHORT_TOLERANCE) × median length``, lengths of cells a month or longer
        (on the median) their shares of their calendar months (:func:`whole_months_share`); the last
        N-day composite of a year, which ends on 1 January 00:00, is not short. All False for fewer than two
        cells or a median of zero (instants given as empty cells).
    """
    if len(bounds) < 2:
        return np.zeros(len(bounds), dtype=bool)
    seconds = _cell_seconds(bounds)
    usual = float(np.median(seconds))
    if usual <= 0:
        return np.zeros(len(bounds), dtype=bool)
    if usual >= _MONTH_DAYS * 86_400:
        lengths = whole_months_share(bounds)
        return lengths < (1 - SHORT_TOLERANCE) * float(np.median(lengths))
    short = seconds < (1 - SHORT_TOLERANCE) * usual
    if usual >= 2 * 86_400 and usual % 86_400 == 0:  # N-day composites restart each 1 January (MODIS)
        short &= ~np.array([(upper := max(cell)).month == 1 and upper.day == 1 and upper.hour == 0
                            and upper.minute == 0 for cell in bounds])
    return short


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
    """The time cells of the run's period shorter than the usual (:func:`short_cells`), in words.

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
    files = sorted({file for variable in used for file in source_files(dataset[variable])})
    where = files_text(files, listed=3) if files else where  # the files with the cells, not a static mask beside
    if not totals and not _at_ends(short):
        message = f"{where}: {cells_text}; {_KEPT_INSIDE}"
    else:
        message = f"{where}: {cells_text}; {_PARTIAL}; {_ways_out(dataset, name, used, short)}"
    if totals:
        described = ", ".join(f"{variable} ({_method(dataset[variable], dim)})" for variable in totals)
        message += (f"; refused: {described} there is a total over the short cell, a number of another size "
                    f"than over a usual one, and would be trained on and scored as one")
    elif _at_ends(short):
        message += "; kept: a mean (or extreme) over a short cell is of the same size as over a usual one, only noisier"
    cells = tuple((date_text(min(bounds[step]), precision="minute"), date_text(max(bounds[step]), precision="minute"))
                  for step in np.flatnonzero(short))
    return ShortCells(message, totals, cells_text, ("short time cells", cells, totals))


def check_short_cells(dataset: xr.Dataset, names: Sequence[str], *, where: str) -> None:
    """Refuse a total, warn of any other value, on a time cell shorter than the usual
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


def check_own_short_cells(variable: str, cells: Sequence[tuple], *, total: bool, where: str,
                          time_range: Sequence[str] = ()) -> None:
    """Refuse a total, warn of any other value, over a time cell of ``variable``'s own (CF bounds of
    its own files) shorter than its usual (:func:`short_cells`), before it is paired with another
    variable's steps by period and its cells give way to the target's (session 73: three daily totals
    of NLDAS-2's hours, the last of 17 hours, paired by day with a daily tas, were trained on as whole
    days with exit 0, the target's cells whole). Only cells within ``time_range`` count.

    Parameters
    ----------
    variable : str
        The variable's name, for the message.
    cells : sequence of (cftime.datetime, cftime.datetime)
        Its time cells, one per step, in time order.
    total : bool
        Whether its values are totals over their cells (``time: sum``, an accumulated amount).
    where : str
        Its files, for the message.
    time_range : sequence of two str, optional
        The run's period (``--time-range``): cells outside it are not trained on or scored.

    Raises
    ------
    ClimannError
        For a total: the short cells, their lengths, and the ``--time-range`` that leaves them out when
        one does.
    """
    bounds = np.array([tuple(cell) for cell in cells], dtype=object)
    if len(bounds) < 2 or not all(hasattr(value, "calendar") for value in bounds.ravel()):
        return
    short = short_cells(bounds)
    middles = np.array([min(cell) + (max(cell) - min(cell)) / 2 for cell in bounds])
    if len(time_range) == 2:
        start, after_last = range_bounds(time_range, middles[0].calendar)
        short &= np.array([start <= middle < after_last for middle in middles])
    if not short.any():
        return
    cells_text = _cells_text(bounds, short)
    time_range_out = _range_without(middles, short)
    way = (f"leave them out with --time-range {','.join(time_range_out)}" if time_range_out else
           "leave those steps out of the files (cdo delete,timestep=…)")
    if not total and not _at_ends(short):
        cells_key = tuple((date_text(min(cell), precision="minute"), date_text(max(cell), precision="minute"))
                          for cell in bounds[short])
        note_once(_log, logging.WARNING, f"{variable} in {where}: {cells_text}; {_KEPT_INSIDE}",
                  key=("short time cells", cells_key, ()))
        return
    message = f"{variable} in {where}: {cells_text}; {_PARTIAL}; {way}"
    if total:
        raise ClimannError(f"{message}; refused: {variable} is a total over each of its cells, and over a short one a "
                           f"number of another size than over a usual one, which would be trained on and scored as one")
    cells_key = tuple((date_text(min(cell), precision="minute"), date_text(max(cell), precision="minute"))
                      for cell in bounds[short])
    note_once(_log, logging.WARNING, f"{message}; kept: a mean (or extreme) over a short cell is of the same size as "
              f"over a usual one, only noisier", key=("short time cells", cells_key, ()))


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
    seconds = _cell_seconds(bounds)
    usual = float(np.median(seconds))
    steps = np.flatnonzero(short)
    unit, size = next((unit, size) for unit, size in (("day", 86_400), ("hour", 3_600), ("minute", 60), ("second", 1))
                      if usual % size == 0 and all(seconds[steps] % size == 0))
    cells = ", ".join(f"step {step + 1} ({date_text(min(bounds[step]), precision='minute')} to "
                      f"{date_text(max(bounds[step]), precision='minute')}, {seconds[step] / size:g} {unit}s long)"
                      for step in steps[:3])
    more = f" and {steps.size - 3} more" if steps.size > 3 else ""
    verb = "is" if steps.size == 1 else "are"
    if usual >= _MONTH_DAYS * 86_400:  # compared as shares of calendar months (whole_months_share)
        return (f"{steps.size} of the {len(bounds)} time cells {verb} shorter than the calendar months they stand "
                f"for (by more than {SHORT_TOLERANCE:.0%}, each month's own length allowed for): {cells}{more}")
    return (f"{steps.size} of the {len(bounds)} time cells {verb} shorter than the usual {usual / size:g} {unit}s "
            f"(shorter by more than {SHORT_TOLERANCE:.0%} of it): {cells}{more}")


#: What a short cell at the start or end of a series is (said with the ways to leave it out).
_PARTIAL = ("a partial period, as cdo daysum makes of hourly data that begin or end within a day (ERA5 downloaded "
            "through 00 UTC of the next day, a day of 17 of its 24 hours)")

#: Why a mean over a short cell among usual ones is kept, with no step to delete (break57b A3: GRACE's
#: solutions over fewer days of data were offered a ``cdo delete`` of 53 of 193 real months).
_KEPT_INSIDE = ("kept: each lies among usual cells, no partial first or last period; a mean (or extreme) over a "
                "shorter cell is of the same size as over a usual one, only noisier (a monthly solution from fewer "
                "days of data)")


def _at_ends(short: np.ndarray) -> bool:
    """Whether the short cells are all before the first usual cell or after the last one: a partial
    first or last period (``cdo daysum`` through 00 UTC of the next day), not cells among usual ones."""
    usual = np.flatnonzero(~short)
    if not usual.size:
        return True
    return not short[usual[0]:usual[-1] + 1].any()


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
