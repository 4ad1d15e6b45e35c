"""A run's period (``[data] time_range``, ``--time-range``): two dates ``YYYY[-MM[-DD]]``,
inclusive, as instants of a file's calendar (CF conventions §4.4.1); years as climann prints
them (:func:`~climann.data.time_axis.date_text`: ``-0009-01-01``, ``0850``, ``-20050``); a day
may end with a time of day, ``YYYY-MM-DDTHH[:MM]`` (ISO 8601, in the time of the file's axis).

``("1990", "1999")`` is 1990-01-01 00:00 up to (not including) 2000-01-01 00:00; a month or a
day given is the whole month or day, an hour or a minute the whole hour or minute:
``("2019-09-13T12:00", "2019-12-31")`` begins at 12:00 of the first day, as a split by steps of
3-hourly data begins its test block (break48c A2: a range by days scored 4 validation steps).
The dates are read in each file's own calendar, so that ``2000-02-30`` is a day of a
``360_day`` file and refused for a ``standard`` one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import cftime

import re

from climann.data.time_axis import DATE_FORMS, date_parts, date_text, year_text, year_zero_problem, years_later
from climann.errors import ClimannError

#: The forms a ``time_range`` date may take: :data:`~climann.data.time_axis.DATE_FORMS` and a day's hour.
TIME_RANGE_FORMS = f"{DATE_FORMS}, or a day with its hour, YYYY-MM-DDTHH or YYYY-MM-DDTHH:MM"

#: A day and a time of day, ``2019-09-13T12:00`` or ``2019-09-13T12`` (ISO 8601; a space for the T).
_TIME_OF_DAY = re.compile(r"^(?P<date>.+?\d)[T ](?P<hour>\d{1,2})(?::(?P<minute>\d{2}))?$")


def range_bounds(time_range: Sequence[str], calendar: str) -> tuple[cftime.datetime, cftime.datetime]:
    """The first instant of ``time_range = (first, last)`` and the first instant after it.

    Parameters
    ----------
    time_range : sequence of two str
        ``(first, last)``, each ``'YYYY'``, ``'YYYY-MM'``, ``'YYYY-MM-DD'``, ``'YYYY-MM-DDTHH'`` or
        ``'YYYY-MM-DDTHH:MM'``, inclusive; a year before year 1 with its sign (``'-0009-01'``,
        :func:`~climann.data.time_axis.date_parts`).
    calendar : str
        The data's CF calendar.

    Returns
    -------
    tuple of cftime.datetime
        ``(start, after_last)``: a date ``t`` lies in the period when ``start <= t < after_last``.

    Raises
    ------
    ClimannError
        If a date is not of that form, or not a day of ``calendar`` (31 January in ``360_day``,
        year 0 in ``standard``), or its hour is past 23 or its minute past 59.

    Examples
    --------
    >>> [str(date) for date in range_bounds(("2019-09-13T12:00", "2019-12-31T21"), "standard")]
    ['2019-09-13 12:00:00', '2019-12-31 22:00:00']
    """
    return _parse_date(time_range[0], calendar, end=False), _parse_date(time_range[1], calendar, end=True)


def outside_time_range(period: tuple[cftime.datetime, cftime.datetime], time_range: Sequence[str]) -> bool:
    """Whether a file's time steps, from ``period[0]`` to ``period[1]`` (cftime dates, in the
    file's calendar), all lie outside ``time_range`` (false when none is given).

    Raises
    ------
    ClimannError
        As :func:`range_bounds`.
    """
    if not time_range:
        return False
    start, after_last = range_bounds(time_range, getattr(period[0], "calendar", "standard") or "standard")
    return period[1] < start or period[0] >= after_last


def _parse_date(text: str, calendar: str, *, end: bool) -> cftime.datetime:
    """A date as :func:`~climann.data.time_axis.date_parts` reads it (``'YYYY'``, ``'YYYY-MM'``
    or ``'YYYY-MM-DD'``, signed years as climann prints them), or a day with its hour
    (:data:`_TIME_OF_DAY`), as the first instant of that period, or (``end``) the first instant
    after it, in ``calendar``."""
    time_of_day = _TIME_OF_DAY.match(str(text).strip())
    if time_of_day is None:
        return _parse_day(text, calendar, end=end)
    day = _parse_day(time_of_day.group("date"), calendar, end=False)
    if len(date_parts(time_of_day.group("date")) or ()) != 3:
        raise ClimannError(f"time_range value '{text}' is not a date {TIME_RANGE_FORMS}")
    hour, minute = int(time_of_day.group("hour")), time_of_day.group("minute")
    if hour > 23 or int(minute or 0) > 59:
        raise ClimannError(f"time_range value '{text}' has no such time of day: hours are 00–23, minutes 00–59")
    start = day + timedelta(hours=hour, minutes=int(minute or 0))
    return start + (timedelta(hours=1) if minute is None else timedelta(minutes=1)) if end else start


def _parse_day(text: str, calendar: str, *, end: bool) -> cftime.datetime:
    """A date ``'YYYY'``, ``'YYYY-MM'`` or ``'YYYY-MM-DD'`` (:func:`_parse_date`) as the first
    instant of that period, or (``end``) the first instant after it, in ``calendar``."""
    parts = date_parts(text)
    if parts is None or not 1 <= (*parts, 1, 1)[1] <= 12 or (*parts, 1, 1)[2] < 1:
        raise ClimannError(f"time_range value '{text}' is not a date {TIME_RANGE_FORMS}")
    year, month, day = (*parts, 1, 1)[:3]
    no_year = year_zero_problem(year, calendar)
    if no_year:
        raise ClimannError(f"time_range value '{text}' is year 0: {no_year}; give a year the data have")
    try:
        start = cftime.datetime(year, month, day, calendar=calendar)
    except ValueError:  # a day this calendar lacks: 29 February in noleap, 31 January in 360_day
        last = next(last for last in range(min(day - 1, 31), 0, -1) if is_day(year, month, last, calendar))
        month_shown = f"{year_text(year)}-{month:02d}"
        raise ClimannError(
            f"time_range value '{text}' is not a day of the data's '{calendar}' calendar, whose "
            f"{month_shown} ends on day {last}; give a day it has, e.g. '{month_shown}-{last:02d}'"
        ) from None
    if not end:
        return start
    if len(parts) == 1:
        return _first_of_year(year + 1, calendar)
    if len(parts) == 2:
        return _first_of_year(year + month // 12, calendar).replace(month=month % 12 + 1)
    return start + timedelta(days=1)


def _first_of_year(year: int, calendar: str) -> cftime.datetime:
    """1 January of ``year``, the year after year -1 being year 1 in a calendar without year 0."""
    return cftime.datetime(1 if year == 0 and year_zero_problem(0, calendar) else year, 1, 1, calendar=calendar)


def is_day(year: int, month: int, day: int, calendar: str) -> bool:
    """Whether ``calendar`` (CF conventions §4.4.1) has that day."""
    try:
        cftime.datetime(year, month, day, calendar=calendar)
    except ValueError:
        return False
    return True


def held_time_range(times: Sequence, first: int, last: int) -> tuple[str, str]:
    """The ``time_range`` that chooses the time steps ``first`` … ``last`` of ``times`` (where a
    variable holds values): their whole years when they span at least one, else their months.

    A year is whole when the steps begin at its first step on the time axis and end at its
    last: the range ``2012-01,2018-01`` of values that stop on 2018-01-09 would leave a test
    block of one month, most of its steps without values (break29b A7); ``2012,2017`` leaves
    whole years to split.

    Parameters
    ----------
    times : sequence of cftime.datetime
        The time axis, in order.
    first, last : int
        The indices of the first and the last step in the period, ``first <= last``.

    Returns
    -------
    (str, str)
        ``("2012", "2017")``, or ``("2012-03", "2012-10")`` when no year is whole.

    Examples
    --------
    >>> times = [cftime.DatetimeNoLeap(2012 + m // 12, m % 12 + 1, 15) for m in range(36)]
    >>> held_time_range(times, 2, 30)
    ('2013', '2013')
    >>> held_time_range(times, 2, 10)
    ('2012-03', '2012-11')
    """
    starts_a_year = first == 0 or times[first - 1].year != times[first].year
    ends_a_year = last == len(times) - 1 or times[last + 1].year != times[last].year
    has_year_zero = getattr(times[first], "has_year_zero", True)
    first_year = years_later(times[first].year, 0 if starts_a_year else 1, has_year_zero=has_year_zero)
    last_year = years_later(times[last].year, 0 if ends_a_year else -1, has_year_zero=has_year_zero)
    if first_year <= last_year:
        return year_text(first_year), year_text(last_year)
    return month_text(times[first]), month_text(times[last])


def month_text(time: object) -> str:
    """``1962-11``: the year and month of a date (a cftime or datetime object), as ``time_range``
    takes them."""
    return date_text(time, precision="month")
