"""Files that each hold less than one period of the coarser steps a run needs (fix54k): NLDAS-2's
hourly ``APCP``, one GRIB message a file, beside a daily target. ``cdo daysum`` of each file
wrote one "day" of one hour per file; the files are merged first (``-mergetime``), and totals
stamped at the end of their windows (the valid time ``H + 1`` of a total over ``[H, H + 1]``)
are moved to their windows' starts (``-shifttime``) so that each falls in the period it covers:
the hour 23–24 is the last of its day, not the first of the next. Periods the files cover only
in part (a first day from 05:00) are named and left out of the merged copy, not summed short.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Sequence

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


def _steps_in(period: tuple, step: datetime.timedelta) -> float:
    """How many steps of ``step`` one period (``(year, month, day)``, ``(year, month)``, ``(year,)``) holds."""
    if len(period) == 3:
        days = 1
    elif len(period) == 2:
        days = calendar.monthrange(*period)[1]
    else:
        days = 366 if calendar.isleap(period[0]) else 365
    return days * 86400 / step.total_seconds()


def partial_periods(starts: Sequence, step: datetime.timedelta, prefix: str) -> list[tuple[tuple, int, int]]:
    """The first and last periods that ``starts`` (values each over ``step`` from its start) cover
    in part: ``(period, values held, values a whole period holds)`` for each, e.g.
    ``((2000, 1, 1), 19, 24)`` for a first day from 05:00. Periods inside the record are not
    looked at (a missing hour there is a gap, told elsewhere)."""
    counts: dict[tuple, int] = {}
    for time in starts:
        key = _period_of(time, prefix)
        counts[key] = counts.get(key, 0) + 1
    ordered = sorted(counts)
    found = []
    for period in dict.fromkeys((ordered[0], ordered[-1])):
        whole = round(_steps_in(period, step))
        if counts[period] < whole:
            found.append((period, counts[period], whole))
    return found


def period_name(period: tuple) -> str:
    """``2000-01-01``, ``2000-01`` or ``2000`` for a day, month or year."""
    return "-".join(f"{part:02d}" if index else f"{part:04d}" for index, part in enumerate(period))


def whole_periods_selection(periods: Sequence[tuple], kept: tuple[tuple, tuple], prefix: str) -> str:
    """CDO's ``-seldate`` keeping the periods from ``kept[0]`` to ``kept[1]`` (the record's first and
    last whole ones), its dates after the shift to the cells' starts; ``""`` when none is partial
    (``periods``, :func:`partial_periods`)."""
    if not periods:
        return ""
    first, last = kept
    start = datetime.datetime(*(first + (1,) * (3 - len(first))))
    end_year, end_month = last[0], last[1] if len(last) > 1 else 12
    end_day = last[2] if len(last) > 2 else calendar.monthrange(end_year, end_month)[1]
    return (f" -seldate,{start:%Y-%m-%d}T00:00:00,"
            f"{datetime.datetime(end_year, end_month, end_day):%Y-%m-%d}T23:59:59")


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
