"""Means stamped on their periods' first instants whose file says by its stated time coverage
which period each value is of.

A monthly mean stamped on the 1st at 00:00 without time bounds may be the mean of the month it
opens (ERA5, CDO's ``monmean`` followed by ``setday,1``) or of the month it closes (CESM history
files, ECHAM and ICON raw output: the January mean at 1 February 00:00); read as the first, the
second shifts every season by a month and puts the last December in a year of its own (break43b
A6: ICON's 2000 … 2002 split as "train 2000-02 to 2001-12, val 2002, test 2003-01"). Most files
say nothing more, and climann reads the stamp as opening its month with a warning that gives the
command for the other reading (:func:`~climann.data.step_periods.closing_bounds_advice`).

A file that states when its data begin settles it: ACDD 1.3's global attribute
``time_coverage_start`` (and ``time_coverage_end``, when it has one) with a time statistic over
the cells in ``cell_methods`` (``time: mean``, ``time: sum``, …; CF §7.3, not ``time: point``).
When the stated start is one period before the first stamp (``2000-01-01`` for a first stamp on
``2000-02-01``), each stamp closes its period; when it is the first stamp, each opens its own.
A stated end must agree: within the last period of that reading (``2002-12-31T23:59:59`` or
``2003-01-01`` for the month ending at 2003-01-01). The time then gets the bounds of those
periods (:func:`with_covered_cells`), as ``cdo -settbounds,month -shifttime,-1day`` or ``cdo
settbounds,month`` write them, and each value is dated by its cell (:mod:`climann.data.time_cells`),
said in one line. Nothing else decides: a file that names ICON as its source (its raw output
stamps at the end) may have been re-stamped since, and a run that starts in February is not a
year whose January is missing.
"""

from __future__ import annotations

import datetime
import logging
import re

import cftime
import numpy as np
import xarray as xr

from climann.data.cell_bounds import STATED_CELLS_KEY, with_made_time_bounds
from climann.data.cell_methods import time_cell_method
from climann.data.coords import time_coordinate
from climann.data.notes import note_once
from climann.data.step_periods import first_instant_text, frequency_of, period_start
from climann.data.time_axis import date_text

__all__ = ["covered_cells", "with_covered_cells"]

_log = logging.getLogger(__name__)

#: An ISO 8601 date and time of ACDD's ``time_coverage_start``/``end`` in UTC (``Z``, ``+00:00`` or
#: none): ``2000-01-01``, ``2000-01-01T00:00:00Z``, ``2000-01-01 00:00``.
_ISO_INSTANT = re.compile(r"^\s*(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
                          r"(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.\d+)?)?)?"
                          r"\s*(?:Z|UTC|[+-]00:?00)?\s*$")

#: The periods whose stamps on a first instant are read by the stated coverage: the
#: frequencies of :mod:`climann.data.step_periods` → the unit the messages name.
_PERIOD_WORDS = {"monthly": "month", "daily": "day", "yearly": "year"}

#: Words of CF time methods that are no statistic over the cell (CF §7.3: ``point``).
_INSTANT_METHODS = ("point",)


def _stated_instant(text: object, like: cftime.datetime) -> cftime.datetime | None:
    """``text`` (an ISO 8601 instant in UTC) as a date of ``like``'s calendar, or None."""
    found = _ISO_INSTANT.match(str(text)) if text is not None else None
    if found is None:
        return None
    parts = [int(found[key] or 0) for key in ("year", "month", "day", "hour", "minute", "second")]
    try:
        return cftime.datetime(*parts, calendar=like.calendar, has_year_zero=like.has_year_zero)
    except ValueError:  # 2001-02-30 in the standard calendar
        return None


def _next_period(start: cftime.datetime, frequency: str) -> cftime.datetime:
    """The first instant of the period after the one opening at ``start``."""
    if frequency == "daily":
        return start + datetime.timedelta(days=1)
    months = 12 if frequency == "yearly" else 1
    number = start.year * 12 + start.month - 1 + months
    return cftime.datetime(number // 12, number % 12 + 1, 1, calendar=start.calendar,
                           has_year_zero=start.has_year_zero)


def _previous_period(stamp: cftime.datetime, frequency: str) -> cftime.datetime:
    """The first instant of the period ending at ``stamp`` (a period's first instant)."""
    return period_start(stamp - datetime.timedelta(seconds=1), frequency)


def _over_cells(dataset: xr.Dataset, time: str) -> list[str]:
    """The ``cell_methods`` time entries of the time-varying data variables, when at least one
    says a statistic over the cells and none an instant (``time: point``); else empty."""
    methods = [time_cell_method(str(variable.attrs.get("cell_methods", "")) or None, time)
               for variable in dataset.data_vars.values() if time in variable.dims]
    said = [method for method in methods if method]
    if not said or any(word in method.split() for method in said for word in _INSTANT_METHODS):
        return []
    return sorted(set(said))


def covered_cells(dataset: xr.Dataset) -> tuple[np.ndarray, str] | None:
    """The time cells a file states (see the module's rules) and the words that say why, or None.

    Parameters
    ----------
    dataset : xarray.Dataset
        One file as opened, its time decoded to cftime and on its own dimension.

    Returns
    -------
    (ndarray of cftime.datetime, shape (n_time, 2), str) or None
        The cells [lower, upper] and ``"time_coverage_start = '2000-01-01T00:00:00Z' (ACDD), one
        month before the first stamp 2000-02-01, and cell_methods 'time: mean'"``.
    """
    time = time_coordinate(dataset)
    if time is None or "bounds" in dataset[time].attrs or dataset[time].dims != (time,):
        return None
    stamps = np.asarray(dataset[time].values)
    if stamps.size < 2 or not all(isinstance(stamp, cftime.datetime) for stamp in stamps):
        return None
    frequency = frequency_of(np.sort(stamps))
    if frequency not in _PERIOD_WORDS or any(stamp != period_start(stamp, frequency) for stamp in stamps):
        return None
    start = _stated_instant(dataset.attrs.get("time_coverage_start"), stamps[0])
    methods = _over_cells(dataset, time)
    if start is None or not methods:
        return None
    period = _PERIOD_WORDS[frequency]
    if start == _previous_period(stamps[0], frequency):
        lower = np.array([_previous_period(stamp, frequency) for stamp in stamps], dtype=object)
        cells, where = np.stack([lower, stamps], axis=1), f"one {period} before the first stamp"
    elif start == stamps[0]:
        upper = np.array([_next_period(stamp, frequency) for stamp in stamps], dtype=object)
        cells, where = np.stack([stamps, upper], axis=1), "the first stamp"
    else:
        return None
    end_text = dataset.attrs.get("time_coverage_end")
    if end_text is not None:
        end = _stated_instant(end_text, stamps[0])
        if end is None or not cells[-1, 0] < end <= cells[-1, 1]:
            return None  # a stated end of another reading, or unread: nothing is certain
    stated = f"time_coverage_start = '{dataset.attrs['time_coverage_start']}'" + (
        f" and time_coverage_end = '{end_text}'" if end_text is not None else "")
    return cells, (f"{stated} (ACDD), {where} {date_text(stamps[0])}, and cell_methods "
                   f"'{', '.join(methods)}'")


def with_covered_cells(dataset: xr.Dataset, where: str) -> xr.Dataset:
    """``dataset`` whose time, stamped on its periods' first instants without bounds, gets the
    cells its stated coverage says (:func:`covered_cells`), and why in their encoding
    (:data:`~climann.data.cell_bounds.STATED_CELLS_KEY`), for the warning that names stamps at
    the ends of their cells (:mod:`climann.data.time_cells`); stamps that open their cells (as
    they are read without it) said in one note naming ``where``. Else as it is.

    Parameters
    ----------
    dataset : xarray.Dataset
        One file as opened, its time decoded to cftime and on its own dimension.
    where : str
        The file's name, for the message.

    Returns
    -------
    xarray.Dataset
        With a bounds variable ``<time>_bnds`` (cftime dates, shape (n_time, 2)) named by the
        time's ``bounds`` attribute (CF 1.8 section 7.1).
    """
    found = covered_cells(dataset)
    if found is None:
        return dataset
    cells, said = found
    time = time_coordinate(dataset)
    stamps = np.asarray(dataset[time].values)
    frequency = frequency_of(np.sort(stamps))
    period = _PERIOD_WORDS[frequency]
    if cells[0, 0] == stamps[0]:  # as the stamps are read without it: a note (closing: the cells' warning says it)
        note_once(_log, logging.INFO, (
            f"{where}: '{time}' is stamped {first_instant_text(frequency)} without time bounds, and the file says "
            f"which {period} each value is of: {said}: each value is read as that of the {period} beginning at its "
            "stamp"))
    return with_made_time_bounds(dataset, time, cells, **{STATED_CELLS_KEY: said})
