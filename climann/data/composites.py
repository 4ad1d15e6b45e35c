"""N-day composites that restart on 1 January (MODIS's 8-day MOD11C2, 16-day MOD13), counted
one composite after another.

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
from climann.data.time_axis import earlier_steps, yearly_restart_days, years_later


def composite_positions(times: Sequence[cftime.datetime]) -> np.ndarray | None:
    """The place of each composite in the series of composites from the first year's first.

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
        ``times`` are not such composites.
    """
    days = yearly_restart_days(times)
    if days is None:
        return None
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
    when ``times`` are not composites that restart on 1 January (:func:`composite_positions`).

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
