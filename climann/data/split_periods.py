"""Files that each hold less than one period of the coarser steps a run needs (fix54k): NLDAS-2's
hourly ``APCP``, one GRIB message a file, beside a daily target. ``cdo daysum`` of each file
wrote one "day" of one hour per file; the files are merged first (``-mergetime``), and totals
stamped at the end of their windows (the valid time ``H + 1`` of a total over ``[H, H + 1]``)
are moved to their windows' starts (``-shifttime``) so that each falls in the period it covers:
the hour 23–24 is the last of its day, not the first of the next. Periods the files cover only
in part (a first day from 05:00) are named and left out of the merged copy, not summed short. The
length of a month or a year is that of the values' own calendar (CF 4.4.1: ``noleap``'s February
of 28 days, ``360_day``'s months of 30, read through cftime), not the Gregorian calendar's.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

import cftime

#: CDO's statistic prefix (``day``, ``mon``, ``year``) → the words of one such period.
_PERIOD_WORDS = {"day": "day", "mon": "month", "year": "year"}


def window_start_shift(times: Sequence, cells: Sequence) -> datetime.timedelta | None:
    """How far each of ``times`` lies after the start of its time cell, when every stamp is the
    end of its cell and all cells are one length (a forecast's total stamped at its valid time,
    :mod:`climann.data.forecast_windows`: ``[H, H + 1]`` at ``H + 1``); None otherwise (no cells,
    stamps inside their cells, cells of several lengths).

    Parameters
    ----------
    times : sequence of datetime-like, (n,)
        The stamps, as CDO reads them (a GRIB message's valid time).
    cells : sequence of (start, end) pairs or None, (n,)
        Each stamp's time cell (CF 7.1 bounds).

    Returns
    -------
    datetime.timedelta or None
        The cells' length, by which ``-shifttime`` moves each stamp back to its cell's start.
    """
    if not times or None in cells:
        return None
    lengths = {max(cell) - min(cell) for cell in cells}
    if len(lengths) != 1 or any(time != max(cell) for time, cell in zip(times, cells)):
        return None
    length = lengths.pop()
    return length if length.total_seconds() > 0 else None


def shifttime_operator(shift: datetime.timedelta | None) -> str:
    """CDO's ``-shifttime`` moving stamps back by ``shift`` (``-shifttime,-1hour``), in whole hours
    or else minutes; ``""`` for None."""
    if shift is None:
        return ""
    seconds = int(shift.total_seconds())
    return f" -shifttime,-{seconds // 3600}hour" if seconds % 3600 == 0 else f" -shifttime,-{seconds // 60}minute"


def _period_of(time, prefix: str) -> tuple:
    return {"day": (time.year, time.month, time.day), "mon": (time.year, time.month), "year": (time.year,)}[prefix]


def periods_split_by_files(starts: Sequence, files: Sequence, prefix: str) -> bool:
    """Whether some period (``prefix``: ``day``, ``mon``, ``year``) holds values of several files:
    a statistic of each file alone is then not the period's. ``starts``: each value's time (its
    cell's start when stamped at the end), ``files`` the file holding each."""
    holders: dict[tuple, set] = {}
    for time, file in zip(starts, files):
        holders.setdefault(_period_of(time, prefix), set()).add(str(file))
    return any(len(held) > 1 for held in holders.values())


def calendar_of(times: Sequence) -> str:
    """The CF calendar of ``times``: a cftime date's own (``noleap``, ``360_day`` …), else the
    Gregorian ``standard`` (Python's and NumPy's dates)."""
    return next((str(time.calendar) for time in times if getattr(time, "calendar", "")), "standard")


def days_in(period: tuple, calendar: str) -> int:
    """How many days one period (``(year, month, day)``, ``(year, month)``, ``(year,)``) has in ``calendar``.

    Examples
    --------
    >>> days_in((2001, 2), "360_day"), days_in((2000, 2), "noleap"), days_in((2000, 2), "standard")
    (30, 28, 29)
    >>> days_in((2000,), "noleap"), days_in((2000,), "360_day"), days_in((2000,), "standard")
    (365, 360, 366)
    """
    if len(period) == 3:
        return 1
    if len(period) == 1:
        start, end = (period[0], 1), (period[0] + 1, 1)
    else:
        year, month = period
        start, end = (year, month), ((year + 1, 1) if month == 12 else (year, month + 1))
    return (cftime.datetime(*end, 1, calendar=calendar) - cftime.datetime(*start, 1, calendar=calendar)).days


def _steps_in(period: tuple, step: datetime.timedelta, calendar: str) -> float:
    """How many steps of ``step`` one period holds in ``calendar`` (:func:`days_in`)."""
    return days_in(period, calendar) * 86400 / step.total_seconds()


def partial_periods(starts: Sequence, step: datetime.timedelta, prefix: str) -> list[tuple[tuple, int, int]]:
    """The first and last periods that ``starts`` (values each over ``step`` from its start) cover
    in part: ``(period, values held, values a whole period holds)`` for each, e.g.
    ``((2000, 1, 1), 19, 24)`` for a first day from 05:00; a month or year as long as the values'
    calendar makes it (:func:`calendar_of`, :func:`days_in`). Periods inside the record are not
    looked at (a missing hour there is a gap, told elsewhere)."""
    counts: dict[tuple, int] = {}
    for time in starts:
        key = _period_of(time, prefix)
        counts[key] = counts.get(key, 0) + 1
    ordered = sorted(counts)
    calendar = calendar_of(starts)
    found = []
    for period in dict.fromkeys((ordered[0], ordered[-1])):
        whole = round(_steps_in(period, step, calendar))
        if counts[period] < whole:
            found.append((period, counts[period], whole))
    return found


def period_name(period: tuple) -> str:
    """``2000-01-01``, ``2000-01`` or ``2000`` for a day, month or year."""
    return "-".join(f"{part:02d}" if index else f"{part:04d}" for index, part in enumerate(period))


def whole_periods_selection(periods: Sequence[tuple], kept: tuple[tuple, tuple], prefix: str,
                            calendar: str = "standard") -> str:
    """CDO's ``-seldate`` keeping the periods from ``kept[0]`` to ``kept[1]`` (the record's first and
    last whole ones), its dates after the shift to the cells' starts, the last day of a month that of
    ``calendar`` (``360_day``: the 30th of February); ``""`` when none is partial
    (``periods``, :func:`partial_periods`)."""
    if not periods:
        return ""
    first, last = kept
    start = period_name(first + (1,) * (3 - len(first)))
    end_year, end_month = last[0], last[1] if len(last) > 1 else 12
    end_day = last[2] if len(last) > 2 else days_in((end_year, end_month), calendar)
    return f" -seldate,{start}T00:00:00,{end_year:04d}-{end_month:02d}-{end_day:02d}T23:59:59"


def period_words(prefix: str) -> str:
    """``day``, ``month`` or ``year`` for CDO's ``day``, ``mon``, ``year``."""
    return _PERIOD_WORDS[prefix]


def whole_range(starts: Sequence, partials: Sequence[tuple[tuple, int, int]], prefix: str
                ) -> tuple[tuple, tuple] | None:
    """The first and last periods of ``starts`` that are not among ``partials``
    (:func:`partial_periods`); None when no whole period is left."""
    left_out = {period for period, _, _ in partials}
    ordered = [period for period in sorted({_period_of(time, prefix) for time in starts}) if period not in left_out]
    return (ordered[0], ordered[-1]) if ordered else None
