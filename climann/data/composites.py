"""N-day composites that restart on 1 January (MODIS's 8-day MOD11C2, 16-day MOD13), and periods
that restart each month (half-months, dekads), counted one period after another.

Half-months (GIMMS NDVI3g's 15-day composites, the 1st–15th and the 16th to the month's end) and
dekads (1st–10th, 11th–20th, 21st to the month's end: the agrometeorological dekads of FAO and
WMO, SPOT-VGT's and PROBA-V's S10 syntheses, CHIRPS's dekadal rainfall) are fixed to the calendar
month as MODIS's composites are to the year: 13 to 16 days or 8 to 11 days long, so no fixed step
separates them (:func:`month_periods`), and each is known by its month and its place in it.

Such an axis has no regular step (each year's last composite is shorter), so a lag of k steps
is no fixed time and climann takes none (:func:`climann.data.time_axis.yearly_restart_days`).
The composite before each one is nevertheless well defined: the previous composite of the
same year, and for a year's first composite the last one of the year before. That is the
natural persistence forecast of composites, and :func:`previous_composites` gives it by the
composites' places in their years, so that a composite missing from the data leaves the one
after it without a forecast rather than forecast by an older one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import cftime
import numpy as np

from climann.data.features import days_in_year
from climann.data.time_axis import SAME_PLACE_SECONDS, earlier_steps, yearly_restart_days, years_later

#: The days of the month on which the periods of each month-bound calendar start
#: (:func:`month_periods`), by the number of periods a month.
MONTH_PERIOD_STARTS = {2: (1, 16), 3: (1, 11, 21)}

#: What one period of each month-bound calendar is called, by the number of periods a month.
MONTH_PERIOD_NAMES = {2: "half-month", 3: "dekad"}


def composite_positions(times: Sequence[cftime.datetime]) -> np.ndarray | None:
    """The place of each composite in the series of composites from the first year's first
    (of each half-month or dekad: 12 · P · y + P · (m − 1) + j, :func:`month_period_keys`).

    Parameters
    ----------
    times : sequence of cftime.datetime, shape (n_time,)
        In order, stamped at the composites' starts or within them (middles).

    Returns
    -------
    ndarray of int64, shape (n_time,), or None
        ``Σ_{earlier years} ⌈L_y / N⌉ + ⌊d / N⌋``: ``N`` the composites' length in days
        (:func:`~climann.data.time_axis.yearly_restart_days`), ``d`` the days from 1 January
        of its year to the stamp, ``L_y`` the length of year ``y`` in its calendar; None when
        ``times`` are neither such composites nor half-months or dekads.
    """
    days = yearly_restart_days(times)
    if days is None:
        periods = month_periods(times)
        return None if periods is None else _month_period_places(times, periods)
    times = list(times)
    first_year, calendar = times[0].year, times[0].calendar
    has_year_zero = times[0].has_year_zero
    before = {first_year: 0}  # composites in the years before each year of the series
    year = first_year
    while year < times[-1].year:
        following = years_later(year, 1, has_year_zero=has_year_zero)
        before[following] = before[year] + math.ceil(days_in_year(year, calendar) / days)
        year = following
    starts = {year: cftime.datetime(year, 1, 1, calendar=calendar, has_year_zero=has_year_zero) for year in before}
    return np.array([before[time.year] + int((time - starts[time.year]).total_seconds() // (days * 86_400))
                     for time in times], dtype=np.int64)


def previous_composites(times: Sequence[cftime.datetime]) -> np.ndarray | None:
    """Index of the composite just before each one (−1 where it is not in the data), or None
    when ``times`` are neither composites that restart on 1 January nor half-months or dekads
    (:func:`composite_positions`): 1 March's half-month is forecast by the 16–28 February one.

    Examples
    --------
    >>> from datetime import timedelta
    >>> starts = [cftime.DatetimeNoLeap(year, 1, 1) + timedelta(days=8 * k)
    ...           for year in (2001, 2002) for k in range(46)]
    >>> previous = previous_composites(starts)
    >>> previous[[0, 1, 45, 46]].tolist()  # the first has none; 1 January 2002 has 27 December 2001
    [-1, 0, 44, 45]
    """
    positions = composite_positions(times)
    return None if positions is None else earlier_steps(positions, 1)


def month_periods(times: Sequence[cftime.datetime]) -> int | None:
    """The number of periods a month, P (2: half-months, 3: dekads), of a series of one value per
    period of a month-bound calendar (:data:`MONTH_PERIOD_STARTS`), or None.

    GIMMS NDVI3g stamps its half-months on the 1st and the 16th (or, with CF time bounds
    [1st, 16th) and [16th, 1st of the next month), at their middles): 15 days apart, then 13 to
    16. Keyed by their usual spacing, windows of 15 days drifted through the months (16 February
    and 1 March in one window, days 76–90 in none; break38b A2).

    Parameters
    ----------
    times : sequence of cftime.datetime, shape (n_time,)
        In order.

    Returns
    -------
    int or None
        P when every time falls in its own period (none twice) and lies at one place in it: the
        same offset from its start, or the same fraction of its length (its middle), to
        :data:`~climann.data.time_axis.SAME_PLACE_SECONDS`; and every one of the P periods of a
        month holds a time (periods missing from the data are allowed). None otherwise, and for
        fewer than two times.
    """
    times = list(times)
    if len(times) < 2:
        return None
    for periods in MONTH_PERIOD_STARTS:
        places = _month_period_places(times, periods)
        cells = [_month_period_cell(time, periods) for time in times]
        offsets = np.array([(time - start).total_seconds() for time, (start, _) in zip(times, cells)])
        lengths = np.array([(end - start).total_seconds() for start, end in cells])
        same_offset = np.ptp(offsets) <= SAME_PLACE_SECONDS
        same_fraction = np.ptp(offsets / lengths) * lengths.min() <= SAME_PLACE_SECONDS
        if (np.all(np.diff(places) > 0) and (same_offset or same_fraction)
                and len(set(places % periods)) == periods):
            return periods
    return None


def month_period_keys(times: Sequence[cftime.datetime], periods: int) -> np.ndarray:
    """Each time's period of the year, P · (m − 1) + j + 1 (1 … 12 · P), shape (n_time,): m its
    month, j its period of the month (0 … P − 1, :data:`MONTH_PERIOD_STARTS`); 16 February's
    half-month is the 4th, 1 March's the 5th, whatever the year."""
    starts = MONTH_PERIOD_STARTS[periods]
    return np.array([periods * (time.month - 1) + sum(time.day >= day for day in starts[1:]) + 1 for time in times],
                    dtype=np.int64)


def _month_period_places(times: Sequence[cftime.datetime], periods: int) -> np.ndarray:
    """12 · P · y + P · (m − 1) + j for each time: its place in the series of periods."""
    keys = month_period_keys(times, periods)
    return np.array([12 * periods * time.year for time in times], dtype=np.int64) + keys - 1


def _month_period_cell(time: cftime.datetime, periods: int) -> tuple[cftime.datetime, cftime.datetime]:
    """The start and end of the period of the month ``time`` falls in."""
    starts = MONTH_PERIOD_STARTS[periods]
    index = sum(time.day >= day for day in starts[1:])
    make = dict(calendar=time.calendar, has_year_zero=time.has_year_zero)
    start = cftime.datetime(time.year, time.month, starts[index], **make)
    if index + 1 < periods:
        return start, cftime.datetime(time.year, time.month, starts[index + 1], **make)
    following = (time.year, time.month + 1) if time.month < 12 else (
        years_later(time.year, 1, has_year_zero=time.has_year_zero), 1)
    return start, cftime.datetime(*following, 1, **make)
