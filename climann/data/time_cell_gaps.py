"""Time cells that stop short of the next one: bounds that give a period's last day.

CF conventions 1.8 §7.1: the cells of a contiguous series share their edges, the upper bound
of one cell being the lower bound of the next (January 1990 is [1990-01-01, 1990-02-01]).
Some observational monthly files give the last day of the period instead, [1990-01-01,
1990-01-31]: read as CF says, each cell is one day short, a gap of a day lies between every
two, and a total over the cell converted to a rate (``mm`` with ``time: sum`` to
``mm day-1``, :func:`climann.data.units.convert_variable`) is divided by 30 days instead of
31 — 3.3 % too high (3.7 % in February). The file's own numbers say so, and nothing in it
says the other reading; so the cells are taken as they are, with one warning naming the gap,
its effect on rates, and the ``ncap2`` that makes each cell reach the next — when the file holds
totals over its cells (``time: sum``, an accumulated amount): a mean, GISTEMP's temperature
anomaly, is no rate of a total, and nothing is said of it (break51a A5).

A gap as long as a cell or longer is not this: a subset of the steps (January means of
several years, ``cdo selmon,1``; DJF means one a year; a missing month) leaves whole cells out.
Only gaps shorter than both cells beside them, or than the series' typical (median) cell, count
(:func:`short_gaps`: GRACE's windows 8 to 16 days long, 16 to 22 days before the next month's, are
short cells, break44d A4), and not even those when
the gap is whole cells of the calendar: a missing June (30 days) between May and July (31 days
each), a missing February, a missing DJF (90 days) between SON (91) and MAM (92) are missing
steps (:func:`whole_missing_cells`).

Cells of one length on a regular axis of at most a day whose steps are longer than the cells
(3-hour cells every 6 hours) are no subset of the steps either when the variable is a statistic
over time (``time: mean``): each value would cover part of its step and the hours between no
value. That is what 6-hourly means whose bounds were averaged look like (xarray's
``Dataset.resample(...).mean()`` averages ``time_bnds``, break33b B5): taken as they are, the
means are dated 1:30 into their cells instead of 3:00. They are taken as they are, with one
warning naming the cells, the steps and the ``ncap2`` that makes each cell reach the next
(:func:`warn_part_cells`).
"""

from __future__ import annotations

import datetime
import logging
from collections import Counter

import cftime
import numpy as np
import xarray as xr

from climann.data.cell_methods import time_cell_method
from climann.data.coords import time_coordinate
from climann.data.layout import FORECAST_WINDOW_KEY
from climann.data.notes import note_once
from climann.data.shell import (copies_of_files, ncap2_name, source_and_copy, values_command, xarray_data,
                                xarray_values)
from climann.data.sources import OWN_TIME_BOUNDS_KEY, files_text, source_files
from climann.data.time_axis import date_text
from climann.data.value_words import is_accumulated_amount
from climann.data.variables import data_variable_names

__all__ = ["JOINED_MARK", "part_cells", "short_gaps", "warn_cell_gaps", "warn_part_cells", "whole_missing_cells"]

_log = logging.getLogger(__name__)

#: The attribute the line of :func:`_fix` gives the bounds it moved: a file that has it is not moved
#: again, so the line run twice gives the cells it gave once.
JOINED_MARK = "climann_cells_joined"


def short_gaps(bounds: np.ndarray) -> np.ndarray:
    """Which consecutive time cells leave a gap shorter than both of them, or than the median
    length of all the cells, between them.

    A gap that is itself one or more whole cells of the calendar (a missing June between May
    and July, 30 days between cells of 31, or a missing February) is a missing step, not a
    short cell (:func:`whole_missing_cells`), and does not count.

    Parameters
    ----------
    bounds : ndarray of cftime.datetime, shape (n_time, 2)
        The cells [lower, upper] (CF 7.1), in time order, either order of the two vertices.

    Returns
    -------
    ndarray of bool, shape (n_time − 1,)
        True at ``i`` when cell ``i`` ends before cell ``i + 1`` starts, by less than the
        length of both or than the median cell length (a short window, as GRACE's partial months,
        beside a month: break44d A4), and the gap is not whole missing cells.
    """
    if len(bounds) < 2:
        return np.zeros(0, dtype=bool)
    in_order = bounds[:, 0] <= bounds[:, 1]
    lower = np.where(in_order, bounds[:, 0], bounds[:, 1])
    upper = np.where(in_order, bounds[:, 1], bounds[:, 0])
    gaps = lower[1:] - upper[:-1]
    lengths = upper - lower
    zero = gaps[0] * 0
    typical = sorted(lengths)[len(lengths) // 2]
    return np.array([zero < gap and (gap < min(before, after) or gap < typical)
                     and not whole_missing_cells(lower[i:i + 2], upper[i:i + 2])
                     for i, (gap, before, after) in enumerate(zip(gaps, lengths[:-1], lengths[1:]))], dtype=bool)


def _calendar_months(start, end) -> int | None:
    """How many calendar months lead from ``start`` to ``end`` (cftime dates) when ``end`` is
    ``start`` moved by whole months (same day of the month and time of day); else None."""
    same_in_month = (start.day, start.hour, start.minute, start.second, start.microsecond) == (
        end.day, end.hour, end.minute, end.second, end.microsecond)
    months = (end.year * 12 + end.month) - (start.year * 12 + start.month)
    return months if same_in_month and months > 0 else None


def whole_missing_cells(lower: np.ndarray, upper: np.ndarray) -> bool:
    """Whether the gap between two consecutive time cells is a whole number of cells of the
    calendar: steps left out, not cells that stop short.

    Cells of whole calendar months (monthly, seasonal, yearly; CF 7.1 gives January 1990 as
    [1990-01-01, 1990-02-01]) differ in days, so a missing June between May and July lasts 30
    days, shorter than both neighbours: the gap is whole missing cells when it is itself a whole
    number of months that is a multiple of either neighbour's months. Cells of one fixed length
    (days, hours; both cells as long) leave gaps of whole cells when the gap is a multiple of
    that length.

    Parameters
    ----------
    lower, upper : ndarray of cftime.datetime, shape (2,)
        The lower and upper bounds of the two cells, in time order.

    Returns
    -------
    bool
        True when the gap, from ``upper[0]`` to ``lower[1]``, is one or more whole cells.
    """
    gap = lower[1] - upper[0]
    if gap <= gap * 0:
        return False
    gap_months = _calendar_months(upper[0], lower[1])
    one_length = upper[0] - lower[0] == upper[1] - lower[1]
    for start, end in zip(lower, upper):
        cell_months = _calendar_months(start, end)
        if cell_months is not None and gap_months is not None and gap_months % cell_months == 0:
            return True
        # a fixed length only when both cells have it: GRACE's 8-day window after a 16-day gap is no missing step
        if cell_months is None and one_length and gap % (end - start) == gap * 0:
            return True
    return False


def _time_cells(dataset: xr.Dataset) -> tuple[str, str, np.ndarray] | None:
    """The time coordinate's name, its ``bounds`` variable's name and the cells, shape (n_time, 2)
    of cftime dates (CF 7.1); None without such bounds in memory."""
    name = time_coordinate(dataset)
    bounds_name = None if name is None else str(dataset[name].attrs.get("bounds"))
    if bounds_name not in dataset.variables or dataset[bounds_name].ndim != 2:
        return None
    bounds = np.asarray(dataset[bounds_name].values)
    if bounds.shape[1:] != (2,) or not all(hasattr(value, "calendar") for value in bounds.ravel()):
        return None
    return name, bounds_name, bounds


def _most_common_step(times: np.ndarray):
    """The most common spacing of ``times`` (at least two stamps), a timedelta."""
    return Counter(later - earlier for earlier, later in zip(times[:-1], times[1:])).most_common(1)[0][0]


def warn_cell_gaps(dataset: xr.Dataset, where: str) -> None:
    """Warn once when the dataset's CF time cells stop short of the next ones
    (:func:`short_gaps`): how many, the first gap, what it does to rates from totals, and, when
    every cell stops short by the same amount, the ``ncap2`` that moves each upper bound to the
    next cell's start.

    Parameters
    ----------
    dataset : xarray.Dataset
        Times decoded to cftime and in increasing order, bounds in memory.
    where : str
        The files, for the message.
    """
    cells = _time_cells(dataset)
    if cells is None:
        return
    name, bounds_name, bounds = cells
    short = short_gaps(bounds)
    if not short.any():
        return
    first = int(np.argmax(short))
    lower, upper = np.sort(bounds[first]), np.sort(bounds[first + 1])
    gap, length = upper[0] - lower[1], lower[1] - lower[0]
    ordered = np.sort(bounds, axis=1)
    gaps = [after - before for before, after in zip(ordered[:-1, 1], ordered[1:, 0])]
    short_ones = [value for value, is_short in zip(gaps, short) if is_short]
    # the files holding these cells, not every file of the set: a file without any (`cdo selhour,12`'s, break52a
    # A5) or with cells of its own made from what it says (ERA5's month cells beside GRACE's, break53c A3) was
    # named among those whose cells stop short
    timed = _files_of_cells(dataset, bounds_name)
    where = files_text(timed) if timed else where
    if all(value == gap for value in short_ones) and gap <= datetime.timedelta(days=1):
        if not _totals_on(dataset, dataset[name].dims[0]):
            return  # a mean (GISTEMP's K anomaly) is the same over a cell a day short: nothing to say (break51a A5)
        effect = (f"as bounds that give a period's last day rather than the next one's start; CF cells of a series "
                  f"share their edges (7.1): taken as they are, each is {_span(gap)} short, and a total over it "
                  f"converted to a rate is divided by {_span(length)} instead of {_span(length + gap)}, "
                  f"{100 * gap / length:.1f} % too high")
    else:  # cells of their own lengths (GRACE's solution spans): no one factor, no last-day convention
        overlaps = sum(value < gap * 0 for value in gaps)
        overlapping = (f", and {overlaps} cell{'s overlap' if overlaps != 1 else ' overlaps'} the next"
                       if overlaps else "")
        sizes = (f"the gaps vary, from {_span(min(short_ones))} to {_span(max(short_ones))}"
                 if len(set(short_ones)) > 1 else f"the gap is {_span(gap)}")
        longer = (" (longer than the 1 day a period's last day given as its end leaves: windows shorter than their "
                  "steps, as GRACE's partial months)" if min(short_ones) > datetime.timedelta(days=1) else "")
        effect = (f"CF cells of a series share their edges (7.1), and here {sizes}{overlapping}{longer}; taken as "
                  f"they are, a total "
                  "over a cell converted to a rate is divided by the cell's own length, not by the time to the next "
                  "cell")
    message = (
        f"{where}: the time cells of '{bounds_name}' stop short of the next ones at {int(short.sum())} of "
        f"{short.size} steps (the cell {date_text(lower[0])} to {date_text(lower[1])} ends {_span(gap)} before the "
        f"next starts), {effect}"
    )
    note_once(_log, logging.WARNING, message + _fix(dataset, bounds_name, bounds, short))


def _totals_on(dataset: xr.Dataset, time_dim: str) -> bool:
    """Whether a data variable on ``time_dim`` is a total over each cell (``time: sum`` in its
    cell_methods, or an accumulated amount by :func:`~climann.data.value_words.is_accumulated_amount`),
    which a conversion to a rate divides by the cell's length."""
    for name in data_variable_names(dataset):
        variable = dataset[name]
        if time_dim not in variable.dims:
            continue
        method = time_cell_method(variable.attrs.get("cell_methods"), time_dim) or ""
        if "sum" in method or is_accumulated_amount(name, variable.attrs):
            return True
    return False


def part_cells(times: np.ndarray, bounds: np.ndarray) -> bool:
    """Whether every time cell has one length, shorter than the (most common) step between the stamps,
    which is at most a day (3-hour cells every 6 hours): cells that each leave part of their
    step out.

    Parameters
    ----------
    times : ndarray of cftime.datetime, shape (n_time,)
        The stamps, in time order.
    bounds : ndarray of cftime.datetime, shape (n_time, 2)
        The cells [lower, upper] (CF 7.1), either order of the two vertices.

    Returns
    -------
    bool
        False for fewer than two steps, a step (the most common) longer than a day, cells of
        several lengths, or cells as long as the step.
    """
    if len(times) < 2:
        return False
    step = _most_common_step(times)
    lengths = {abs(upper - lower) for lower, upper in bounds}
    if len(lengths) != 1:
        return False
    length = lengths.pop()
    return step.total_seconds() <= 86_400 and length < step


def warn_part_cells(dataset: xr.Dataset, where: str) -> None:
    """Warn once when a statistic over time (``cell_methods`` ``time: mean``, ``sum`` …) has
    CF time cells that each cover part of their step (:func:`part_cells`): the cells, the
    steps, the variables, and the ``ncap2`` that makes each cell reach the next. Silent when
    the cells also stop short of the next (:func:`short_gaps`): :func:`warn_cell_gaps` tells
    that one fault, with its one copy (fix43l: both told it, and the second's copies, read from
    the first's, moved each upper bound twice).

    Parameters
    ----------
    dataset : xarray.Dataset
        Times decoded to cftime and in increasing order, bounds in memory.
    where : str
        The files, for the message.
    """
    cells = _time_cells(dataset)
    if cells is None:
        return
    name, bounds_name, bounds = cells
    times = np.asarray(dataset[name].values)
    if len(bounds) != len(times) or not part_cells(times, bounds) or short_gaps(bounds).any():
        return  # cells that stop short of the next: warn_cell_gaps's one warning, its one copy (fix43l)
    time_dim = dataset[name].dims[0]
    statistics = {variable: method for variable in data_variable_names(dataset)
                  if time_dim in dataset[variable].dims
                  and (method := time_cell_method(dataset[variable].attrs.get("cell_methods"), time_dim))
                  and method != "time: point" and FORECAST_WINDOW_KEY not in dataset[variable].encoding}
    if not statistics:  # a forecast's window of one lead time from each start covers part of the step by design
        return
    first, second = np.sort(bounds[0]), np.sort(bounds[1])
    step = _most_common_step(times)
    length = first[1] - first[0]
    timed = sorted({file for variable in statistics for file in source_files(dataset[variable])})
    where = files_text(timed) if timed else where
    described = ", ".join(f"{variable} ({method})" for variable, method in statistics.items())
    message = (
        f"{where}: the time cells of '{bounds_name}' are {_span(length)} long and {_span(step)} apart (the first "
        f"{date_text(first[0])} to {date_text(first[1])}, the next from {date_text(second[0])}): each value of "
        f"{described} is then over {_span(length)} of every {_span(step)}, and the {_span(step - length)} between "
        f"are in no value; means over {_span(step)} whose bounds were averaged look so (xarray's Dataset.resample "
        f"averages time_bnds), and they are dated by the middles of these cells"
    )
    short = np.ones(len(bounds) - 1, dtype=bool)
    note_once(_log, logging.WARNING, message + _fix(dataset, bounds_name, bounds, short))


def _fix(dataset: xr.Dataset, bounds_name: str, bounds: np.ndarray, short: np.ndarray) -> str:
    """The ``ncap2`` that adds the gap to every upper bound, when every cell stops short of the
    next by the same number of the file's units (the last cell then ends where the next would
    start); for the cells of several files, one loop writing a copy of each into a new folder
    (:func:`~climann.data.shell.copies_of_files`); else the words of the fix."""
    said = "; if each cell is meant to reach the next, make its upper bound the next cell's lower bound"
    encoding = {**dataset[time_coordinate(dataset)].encoding, **dataset[bounds_name].encoding}
    units, calendar = encoding.get("units"), encoding.get("calendar", bounds[0, 0].calendar)
    if not short.all() or not isinstance(units, str) or not (bounds[:, 0] <= bounds[:, 1]).all():
        return said
    numbers = cftime.date2num(bounds.ravel(), units, calendar).reshape(bounds.shape)
    gaps = np.unique(numbers[1:, 0] - numbers[:-1, 1])
    if gaps.size != 1:
        return said
    gap = int(gaps[0]) if float(gaps[0]).is_integer() else float(gaps[0])
    bounds_own = ncap2_name(bounds_name)
    # run twice (on its copy, or on a file the copy replaced) the line adds the gap once: the copy's bounds
    # carry JOINED_MARK, and a file that has it is left as it is (fix44d: a second run made each cell a day long)
    note = f"upper bounds moved by {gap} to the lower bound of the next cell"
    script = (f"if(!exists({bounds_own}@{JOINED_MARK})){{{bounds_own}(:,1)={bounds_own}(:,1)+{gap};"
              f"{bounds_own}@{JOINED_MARK}=\"{note}\";}}")
    statements = [xarray_values(bounds_name, f"{xarray_data(bounds_name)} + ([0, {gap}] if {JOINED_MARK!r} not in "
                                             f"d[{bounds_name!r}].attrs else 0)"),
                  f"d[{bounds_name!r}].attrs[{JOINED_MARK!r}] = {note!r}"]
    files = _files_of_cells(dataset, bounds_name)
    if files:  # a folder of monthly files: every file's cells, not the first's (break39b B7); one file's copy
        # in a new folder too, with the --data to give (break52a A5: beside it, a glob took both)
        return f"{said}: " + copies_of_files(lambda arguments, file: values_command([script], statements, arguments),
                                             files, name="time_cells_joined")
    return f"{said}: {values_command([script], statements, source_and_copy(dataset, dataset[bounds_name]))}"


def _files_of_cells(dataset: xr.Dataset, bounds_name: str) -> list[str]:
    """The files holding the time cells: those of the bounds variable, else of the variables
    along time."""
    files = source_files(dataset[bounds_name])
    if not files:
        time_dim = dataset[bounds_name].dims[0]
        files = [file for variable in dataset.data_vars.values() if time_dim in variable.dims
                 and variable.encoding.get(OWN_TIME_BOUNDS_KEY, True) for file in source_files(variable)]
    return sorted(set(files))


def _span(duration) -> str:
    """A length of time in words: ``1 day``, ``30 days``, ``1 hour``, ``90 minutes``."""
    seconds = duration.total_seconds()
    for unit, size in (("day", 86_400), ("hour", 3_600), ("minute", 60), ("second", 1)):
        if seconds % size == 0 or unit == "second":
            count = seconds / size
            count = int(count) if float(count).is_integer() else round(count, 3)
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{seconds} seconds"
