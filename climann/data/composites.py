"""N-day composites that restart on 1 January (MODIS's 8-day MOD11C2, 16-day MOD13), and periods
that restart each month (half-months, dekads), counted one period after another.

Half-months (GIMMS NDVI3g's 15-day composites, the 1st–15th and the 16th to the month's end) and
dekads (1st–10th, 11th–20th, 21st to the month's end: the agrometeorological dekads of FAO and
WMO, SPOT-VGT's and PROBA-V's S10 syntheses, CHIRPS's dekadal rainfall) are fixed to the calendar
month as MODIS's composites are to the year: 13 to 16 days or 8 to 11 days long, so no fixed step
separates them (:func:`month_periods`), and each is known by its month and its place in it.
CHIRPS's pentads (Funk et al. 2015, Sci. Data 2, 150066: six a month, days 1–5, 6–10, 11–15,
16–20, 21–25 and the 26th to the month's end, 3 to 6 days; 72 a year, each file stamped at the
pentad's first day) are such a calendar too, of six periods a month.

CPC's pentads (CMAP's and GPCP's pentad analyses, CPC's pentad products) are 73 a year: pentad k
holds days 5k − 4 … 5k of a 365-day year, and in a leap year the 12th, 25 February – 1 March,
holds 29 February too and is 6 days long (:func:`pentads_of_year`). They are tied to the year as
MODIS's composites are, but end each year with a full pentad and take the leap day in February.

Such an axis has no regular step (each year's last composite is shorter; a leap year's 12th pentad
is longer), so "k steps earlier" is no fixed time. It is k periods earlier in the calendar: the
composite before each one is the previous composite of the same year, and for a year's first
composite the last one of the year before. That is the natural persistence forecast of
composites and the lag of their calendar; :func:`period_positions` numbers the periods one
after another across the years (:func:`climann.data.lags.lagged_steps` counts lags by it,
:func:`previous_composites` gives persistence), so that a period missing from the data leaves
the one after it without a forecast or lag rather than given an older one.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Sequence

import cftime
import numpy as np

from climann.data.features import days_in_year
from climann.data.time_axis import (
    SAME_PLACE_SECONDS, PeriodStep, earlier_steps, yearly_restart_days, years_later,
)

#: The days of the month on which the periods of each month-bound calendar start
#: (:func:`month_periods`), by the number of periods a month.
MONTH_PERIOD_STARTS = {2: (1, 16), 3: (1, 11, 21), 6: (1, 6, 11, 16, 21, 26)}

#: What one period of each month-bound calendar is called, by the number of periods a month.
MONTH_PERIOD_NAMES = {2: "half-month", 3: "dekad", 6: "pentad"}

#: What a climatology keyed per period of each month-bound calendar is per (``metrics.json``
#: ``climatology_per``), by the number of periods a month: CHIRPS's are not CPC's "pentad of the year".
MONTH_PERIOD_KEYS = {2: "half-month of the year", 3: "dekad of the year", 6: "CHIRPS pentad of the year"}

#: What ``climann info`` adds to a month-bound calendar's name: CHIRPS's pentads are not CPC's
#: (:data:`PENTADS_A_YEAR`).
MONTH_PERIOD_NOTES = {6: "CHIRPS's: 72 a year, the 6th from the 26th to the month's end, 3 to 6 days long; "}


#: CPC's pentads a year (CMAP, GPCP's pentad analyses): :func:`pentads_of_year`.
PENTADS_A_YEAR = 73

#: The two calendars of pentads, by their count a year (``model.npz`` ``time_periods_a_year``), in
#: the words a refusal names them: CPC's (:func:`cpc_pentads`) and CHIRPS's (:func:`month_periods`).
PENTAD_CALENDARS = {
    PENTADS_A_YEAR: "CPC's pentads (73 a year, 5-day windows of the year, the 12th 6 days long in a leap year)",
    72: "CHIRPS's pentads (72 a year, six a month from the 1st, 6th, 11th, 16th, 21st and 26th)",
}


def period_positions(times: Sequence[cftime.datetime]) -> tuple[PeriodStep, np.ndarray] | None:
    """The calendar of periods ``times`` are of, and each time's place in the series of its
    periods: the one rule by which lags (:func:`climann.data.lags.lagged_steps`),
    persistence (:func:`previous_composites`) and ``climann info`` count such periods.

    The calendars, tried in this order: N-day composites that restart on 1 January
    (:func:`~climann.data.time_axis.yearly_restart_days`, MODIS's 8- and 16-day), periods of the
    month (:func:`month_periods`: half-months, dekads, CHIRPS's pentads) and CPC's pentads
    (:func:`cpc_pentads`). CHIRPS's and CPC's pentads cannot be taken for one another: CPC's 7th
    pentad (31 January – 4 February) straddles two months, and two of CPC's stamps fall in one
    CHIRPS pentad each month; CHIRPS's stamps on the 1st are 1 to 4 days into CPC's pentads.

    Parameters
    ----------
    times : sequence of cftime.datetime, shape (n_time,)
        In order, stamped at the periods' starts or at one place within them (middles, last days).

    Returns
    -------
    (PeriodStep, ndarray of int64 of shape (n_time,)) or None
        The calendar, and the places, consecutive periods one apart across a new year (a year's
        first composite is one after the last of the year before); None when ``times`` are of
        none of these calendars.

    Examples
    --------
    >>> from datetime import timedelta
    >>> starts = [cftime.DatetimeGregorian(2003, 12, 27), cftime.DatetimeGregorian(2004, 1, 1)]
    >>> starts += [cftime.DatetimeGregorian(2004, 1, 1) + timedelta(days=5 * k + (k > 11)) for k in range(1, 73)]
    >>> step, places = period_positions(starts)
    >>> step.name, (places[1:] - places[:-1]).tolist() == [1] * 73
    ('pentad', True)
    """
    times = list(times)
    days = yearly_restart_days(times)
    if days is not None:
        per_year = math.ceil(max(days_in_year(year, times[0].calendar) for year in (2001, 2004)) / days)
        step = PeriodStep(f"{days}-day composite", per_year,
                          f"{days}-day composites restarting each 1 January ({per_year} a year)")
        return step, _composite_places(times, days)
    periods = month_periods(times)
    if periods is not None:
        name = MONTH_PERIOD_NAMES[periods]
        starts = ", ".join(_ordinal(day) for day in MONTH_PERIOD_STARTS[periods])
        described = f"{name}s ({MONTH_PERIOD_NOTES.get(periods, '')}{starts} of each month)"
        return PeriodStep(name, 12 * periods, described), _month_period_places(times, periods)
    if cpc_pentads(times):
        step = PeriodStep("pentad", PENTADS_A_YEAR,
                          f"pentads ({PENTADS_A_YEAR} a year, CPC's: the 12th, 25 February – 1 March, is 6 days long "
                          "in a leap year)")
        return step, _pentad_places(times)
    return None


def composite_positions(times: Sequence[cftime.datetime]) -> np.ndarray | None:
    """Each time's place in the series of its periods (:func:`period_positions`), shape (n_time,),
    or None when ``times`` are of no calendar of periods that restart each year or month.

    N-day composites: ``Σ_{earlier years} ⌈L_y / N⌉ + ⌊d / N⌋`` (``d`` the days from 1 January
    of its year to the stamp, ``L_y`` the length of year ``y`` in its calendar); half-months and
    dekads: 12 · P · y + P · (m − 1) + j (:func:`month_period_keys`); pentads: 73 · y + k − 1
    (:func:`pentads_of_year`).
    """
    found = period_positions(times)
    return None if found is None else found[1]


def places_in_calendar(times: Sequence[cftime.datetime], periods: PeriodStep) -> np.ndarray | None:
    """Each time's place in the series of the periods of the calendar ``periods``, shape (n_time,):
    the places :func:`period_positions` gives, for times of that calendar that need not be
    consecutive periods (every other CPC pentad, ``time_stride = 2``, whose own spacing is of no
    calendar); None when ``periods`` is of none of the calendars here.

    Parameters
    ----------
    times : sequence of cftime.datetime, shape (n_time,)
    periods : PeriodStep
        The calendar the times were of before a selection thinned them
        (:attr:`climann.data.layout.GridLayout.value_periods`).
    """
    times = list(times)
    if not times:
        return np.zeros(0, np.int64)
    if periods.per_year == PENTADS_A_YEAR and periods.period == "pentad":
        return _pentad_places(times)
    per_month = {12 * count: count for count in MONTH_PERIOD_STARTS}.get(periods.per_year)
    if per_month is not None and periods.period == MONTH_PERIOD_NAMES[per_month]:
        return _month_period_places(times, per_month)
    if periods.period.endswith("-day composite") and periods.period.split("-")[0].isdigit():
        return _composite_places(times, int(periods.period.split("-")[0]))
    return None


def period_cells(times: Sequence[cftime.datetime], periods: PeriodStep | None = None
                 ) -> tuple[PeriodStep, np.ndarray] | None:
    """The time cell of each time of a calendar of periods that restart each year or month: the
    period of its calendar that holds it, [its first instant, the next period's first instant].

    The cells the calendar itself gives, as CF bounds would (CF 1.8 section 7.1): CPC's pentads
    5 days long but the 12th of a leap year, 25 February – 1 March, 6 days (:func:`pentads_of_year`);
    dekads 1–10, 11–20 and the 21st to the month's end (8 to 11 days), half-months and CHIRPS's
    pentads likewise to the month's end (:data:`MONTH_PERIOD_STARTS`); N-day composites restarting
    each 1 January N days long but each year's last, which ends on 1 January of the next year
    (MODIS's 8-day: 27 December – 31 December, 5 or 6 days). A time at a period's first instant (a
    pentad stamped on its first day, as NOAA PSL stamps CPC's and GPCP's pentads) opens that period.

    Parameters
    ----------
    times : sequence of cftime.datetime, shape (n_time,)
        In order, each at one place of its period (:func:`period_positions`).
    periods : PeriodStep, optional
        The calendar, when the times alone cannot show it (a selection thinned them:
        :data:`climann.data.time_cells.VALUE_PERIODS_KEY`); else found by :func:`period_positions`.

    Returns
    -------
    (PeriodStep, ndarray of cftime.datetime of shape (n_time, 2)) or None
        The calendar and the cells [start, end]; None when the times are of no such calendar.

    Examples
    --------
    >>> from datetime import timedelta
    >>> starts = [cftime.DatetimeGregorian(1980, 1, 1) + timedelta(days=5 * k + (k > 11)) for k in range(73)]
    >>> step, cells = period_cells(starts)
    >>> [cell.strftime("%m-%d") for cell in cells[11]], [cell.strftime("%m-%d") for cell in cells[-1]]
    (['02-25', '03-02'], ['12-27', '01-01'])
    """
    times = list(times)
    if not times:
        return None
    if periods is None:
        found = period_positions(times)
        if found is None:
            return None
        periods = found[0]
    cell = _cell_rule(periods)
    if cell is None:
        return None
    return periods, np.array([cell(time) for time in times], dtype=object).reshape(len(times), 2)


def _cell_rule(periods: PeriodStep) -> Callable[[cftime.datetime], tuple[cftime.datetime, cftime.datetime]] | None:
    """The function giving the (start, end) of the period of ``periods`` holding a time, or None
    for a calendar not of this module (as :func:`places_in_calendar` reads them)."""
    if periods.per_year == PENTADS_A_YEAR and periods.period == "pentad":
        return _pentad_cell
    per_month = {12 * count: count for count in MONTH_PERIOD_STARTS}.get(periods.per_year)
    if per_month is not None and periods.period == MONTH_PERIOD_NAMES[per_month]:
        return lambda time: _month_period_cell(time, per_month)
    if periods.period.endswith("-day composite") and periods.period.split("-")[0].isdigit():
        days = int(periods.period.split("-")[0])
        return lambda time: _composite_cell(time, days)
    return None


def _composite_cell(time: cftime.datetime, days: int) -> tuple[cftime.datetime, cftime.datetime]:
    """The start and end of the N-day composite restarting each 1 January that ``time`` falls in:
    the year's last ends on 1 January of the next year."""
    make = dict(calendar=time.calendar, has_year_zero=time.has_year_zero)
    first = cftime.datetime(time.year, 1, 1, **make)
    following = cftime.datetime(years_later(time.year, 1, has_year_zero=time.has_year_zero), 1, 1, **make)
    start = first + datetime.timedelta(days=days * int((time - first).total_seconds() // (days * 86_400)))
    return start, min(start + datetime.timedelta(days=days), following)


def _composite_places(times: list[cftime.datetime], days: int) -> np.ndarray:
    """``Σ_{earlier years} ⌈L_y / N⌉ + ⌊d / N⌋`` for N-day composites (:func:`composite_positions`)."""
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


def pentads_of_year(times: Sequence[cftime.datetime]) -> np.ndarray:
    """Each time's pentad of the year in CPC's calendar, 1 … 73, shape (n_time,).

    k = ⌊(d' − 1) / 5⌋ + 1, d' the day of the year counted as in a 365-day year: from 29 February
    on, a leap year's day numbers less one, so that the 12th pentad holds 25 February – 1 March
    (6 days) and every later pentad the dates it holds in other years. This is the pentad
    calendar of CPC's Merged Analysis of Precipitation (Xie and Arkin 1997, Bull. Amer. Meteor.
    Soc. 78, 2539–2558; the pentad CMAP of Xie et al. 2003, J. Climate 16, 2197–2214, and GPCP's
    pentad product built on it): 73 pentads a year, whose GrADS descriptors at CPC read the
    series with ``365_day_calendar``, the leap day inside the 12th pentad. CHIRPS's pentads
    (six a month, the last 3 to 6 days long, 72 a year) are another calendar
    (:func:`month_periods`, :func:`month_period_keys`).

    Parameters
    ----------
    times : sequence of cftime.datetime, shape (n_time,)
        In a calendar of 365- and 366-day years.

    Returns
    -------
    ndarray of int64, shape (n_time,)

    Examples
    --------
    >>> pentads_of_year([cftime.DatetimeGregorian(2004, 2, 29), cftime.DatetimeGregorian(2004, 3, 1),
    ...                  cftime.DatetimeGregorian(2004, 3, 2), cftime.DatetimeGregorian(2003, 3, 2)]).tolist()
    [12, 12, 13, 13]
    """
    days = np.array([time.dayofyr for time in times], dtype=np.int64)
    leap = np.array([days_in_year(time.year, time.calendar) == 366 for time in times], dtype=bool)
    days = days - (leap & (days >= 60))
    return (days - 1) // 5 + 1


def cpc_pentads(times: Sequence[cftime.datetime]) -> bool:
    """Whether ``times`` are one value per pentad of CPC's calendar (:func:`pentads_of_year`): a
    calendar of 365- and 366-day years, every time in its own pentad (none twice; pentads missing
    from the data allowed, but most times the pentad after the one before: January means one a
    year each fall in a pentad of their own too, and are no pentads), each at one place in it (the
    same offset from its start or before its end, or the same fraction of its length: its middle,
    to :data:`~climann.data.time_axis.SAME_PLACE_SECONDS`), at least two times.

    A series of 5-day steps that no leap year interrupts has a regular step as well, which
    lags and persistence take first (:func:`climann.data.lags.lagged_steps`).
    """
    times = list(times)
    if len(times) < 2 or any(days_in_year(time.year, time.calendar) not in (365, 366) for time in times):
        return False
    places = np.diff(_pentad_places(times))
    return bool(np.all(places > 0) and np.median(places) == 1
                and _at_one_place(times, [_pentad_cell(time) for time in times]))


def _pentad_places(times: Sequence[cftime.datetime]) -> np.ndarray:
    """73 · y + k − 1 for each time: its place in the series of pentads."""
    return np.array([PENTADS_A_YEAR * time.year for time in times], dtype=np.int64) + pentads_of_year(times) - 1


def _pentad_cell(time: cftime.datetime) -> tuple[cftime.datetime, cftime.datetime]:
    """The start and end of the CPC pentad ``time`` falls in."""
    make = dict(calendar=time.calendar, has_year_zero=time.has_year_zero)
    first = cftime.datetime(time.year, 1, 1, **make)
    leap = days_in_year(time.year, time.calendar) == 366
    pentad = int(pentads_of_year([time])[0])

    def start(k: int) -> cftime.datetime:
        if k > PENTADS_A_YEAR:
            return cftime.datetime(years_later(time.year, 1, has_year_zero=time.has_year_zero), 1, 1, **make)
        return first + datetime.timedelta(days=5 * (k - 1) + int(leap and k > 12))

    return start(pentad), start(pentad + 1)


def _at_one_place(times: Sequence[cftime.datetime],
                  cells: Sequence[tuple[cftime.datetime, cftime.datetime]]) -> bool:
    """Whether every time lies at one place in its period (start, end): the same offset from
    the start, the same fraction of the period's length (its middle), or the same offset before
    its end (its last day: Copernicus Global Land Service dates each dekad by its last day, the
    10th, the 20th and the month's last, break40c C2), to
    :data:`~climann.data.time_axis.SAME_PLACE_SECONDS`."""
    offsets = np.array([(time - start).total_seconds() for time, (start, _) in zip(times, cells)])
    lengths = np.array([(end - start).total_seconds() for start, end in cells])
    same_offset = np.ptp(offsets) <= SAME_PLACE_SECONDS
    same_fraction = np.ptp(offsets / lengths) * lengths.min() <= SAME_PLACE_SECONDS
    same_before_end = np.ptp(lengths - offsets) <= SAME_PLACE_SECONDS
    return bool(same_offset or same_fraction or same_before_end)


def _ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 11th, 16th, 21st."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def previous_composites(times: Sequence[cftime.datetime]) -> np.ndarray | None:
    """Index of the period just before each one (−1 where it is not in the data), or None
    when ``times`` are of no calendar of periods that restart each year or month
    (:func:`period_positions`): 1 March's half-month is forecast by the 16–28 February one,
    a leap year's 13th pentad (2 March) by its 12th (25 February – 1 March).

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
    """The number of periods a month, P (2: half-months, 3: dekads, 6: CHIRPS's pentads), of a series of one value per
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
        P when every time falls in its own period (none twice) and lies at one place in it: the same
        offset from its start, the same fraction of its length (its middle), or the same offset
        before its end (its last day, as Copernicus Global Land dates its dekads: the 10th, 20th and
        the month's last), to :data:`~climann.data.time_axis.SAME_PLACE_SECONDS`; and every one of
        the P periods of a month holds a time (periods missing from the data are allowed). None
        otherwise, and for fewer than two times. CHIRPS's pentads are not looked for in the
        ``360_day`` calendar: its months of 30 days make every pentad 5 days long, a regular 5-day
        axis (whose 72 windows of the year are the same keys), as climann read such series before it
        knew CHIRPS's pentads.
    """
    times = list(times)
    if len(times) < 2:
        return None
    for periods in MONTH_PERIOD_STARTS:
        if periods == 6 and times[0].calendar == "360_day":
            continue  # every pentad 5 days: a regular 5-day axis, keyed per pentad of the year as before
        places = _month_period_places(times, periods)
        # the cells (a cftime pair per time) only for times each in a period of its own
        if (np.all(np.diff(places) > 0) and len(set(places % periods)) == periods
                and _at_one_place(times, [_month_period_cell(time, periods) for time in times])):
            return periods
    return None


def month_period_keys(times: Sequence[cftime.datetime], periods: int) -> np.ndarray:
    """Each time's period of the year, P · (m − 1) + j + 1 (1 … 12 · P), shape (n_time,): m its
    month, j its period of the month (0 … P − 1, :data:`MONTH_PERIOD_STARTS`); 16 February's
    half-month is the 4th, 1 March's the 5th, whatever the year."""
    starts = MONTH_PERIOD_STARTS[periods]
    months = np.array([time.month for time in times], dtype=np.int64)
    days = np.array([time.day for time in times], dtype=np.int64)
    # j: how many of the month's later period starts the day has reached (one array pass, not a
    # Python sum per time: 315 k five-minute steps, break42d R1)
    return periods * (months - 1) + np.searchsorted(np.asarray(starts[1:]), days, side="right") + 1


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
