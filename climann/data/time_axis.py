"""The nominal step of a time axis, judged against its calendar, and where each time sits on it.

"k steps earlier" (lags, the persistence baseline) means k steps of the axis's nominal
frequency earlier, not k array positions: on a monthly axis without April–June 2001, the
month before July 2001 is June 2001, which is missing, not March 2001.

A step is either a whole number of calendar months (monthly, seasonal, yearly: months have
different lengths, 30 days each in ``360_day``, and October 1582 has 21 days in the
``standard`` calendar) or a fixed duration (daily, 6-hourly, …: exact ``cftime`` differences,
so that the 1582 switch and leap days count as the calendar says). No pandas frequencies:
they assume the proleptic Gregorian calendar.
"""

from __future__ import annotations

import calendar
import datetime
import re
import os
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal
from pathlib import Path

import cftime
import numpy as np

from climann.data.shell import input_and_copy, rename_command
from climann.errors import ClimannError

#: Time steps named by their number of calendar months.
MONTH_STEP_NAMES: dict[int, str] = {1: "monthly", 3: "seasonal (every 3 months)", 12: "yearly"}

#: How far apart within their months the stamps of a monthly axis may be: by day of the month
#: (the 15th, or the last day: 28th to 31st) or as a fraction of the month (midpoints of the
#: months' bounds, which fall on the 21st of October 1582 in the ``standard`` calendar).
_DAY_OF_MONTH_SPREAD = 4.0
_MONTH_FRACTION_SPREAD = 0.15

_MICROSECOND = datetime.timedelta(microseconds=1)

#: Half the shortest calendar month (October 1582 of the standard calendar: 21 days): a shorter
#: time cell spans less than half a month in every calendar, so is no whole month.
_HALF_SHORTEST_MONTH = datetime.timedelta(days=10, hours=12)


@dataclass(frozen=True)
class TimeStep:
    """The nominal step of a time axis: ``months`` calendar months, or a fixed ``duration``.

    Attributes
    ----------
    months : int
        Calendar months per step (1 monthly, 3 seasonal, 12 yearly), 0 for a fixed duration.
    duration : datetime.timedelta or None
        The fixed step (1 day, 6 hours, …) when ``months`` is 0.
    """

    months: int = 0
    duration: datetime.timedelta | None = None

    @property
    def name(self) -> str:
        """"monthly", "yearly", "every 2 months", "daily", "6-hourly", "5 days", "every 30 minutes",
        "every 3.725 seconds"…: a step shorter than a day and no whole number of hours in minutes,
        or, no whole number of those either, in seconds (a CALIPSO profile every 3.725 s read
        "0.00103472-hourly", break41b B12)."""
        if self.months:
            return MONTH_STEP_NAMES.get(self.months, f"every {self.months} months")
        seconds = self.duration.total_seconds()
        days = seconds / 86400
        if days == 1:
            return "daily"
        if days < 1:
            hours = days * 24
            if hours == round(hours):
                return "hourly" if hours == 1 else f"{hours:g}-hourly"
            minutes = seconds / 60
            if minutes == round(minutes):
                return f"every {minutes:g} minutes"
            return f"every {seconds:g} seconds"
        return f"{days:g} days"

    def span(self, steps: int = 1) -> str:
        """The length of ``steps`` steps in words: "1 month", "12 months", "2 days", "6 hours";
        under an hour in minutes, under a minute in seconds ("3.725 seconds")."""
        if self.months:
            count, unit = steps * self.months, "month"
        else:
            seconds = steps * self.duration.total_seconds()
            count, unit = ((seconds / 86400, "day") if seconds >= 86400 else (seconds / 3600, "hour")
                           if seconds >= 3600 else (seconds / 60, "minute") if seconds >= 60 else (seconds, "second"))
        return f"{count:g} {unit}" + ("" if count == 1 else "s")

    @property
    def approximate_days(self) -> float:
        """The step's length in days, a calendar month counted as 365.25 / 12 days: enough
        to tell which of two steps is the finer."""
        return self.months * 365.25 / 12 if self.months else self.duration.total_seconds() / 86400

    def record(self) -> dict:
        """The step as JSON (``model.npz`` metadata ``time_step``): ``{"name", "months",
        "microseconds"}``, exact; read back with :meth:`from_record`."""
        microseconds = 0 if self.duration is None else self.duration // _MICROSECOND
        return {"name": self.name, "months": self.months, "microseconds": int(microseconds)}

    @classmethod
    def from_record(cls, record: dict) -> TimeStep:
        """The step of a :meth:`record`."""
        if record["months"]:
            return cls(months=int(record["months"]))
        return cls(duration=datetime.timedelta(microseconds=int(record["microseconds"])))


@dataclass(frozen=True)
class PeriodStep:
    """The step of an axis of periods that restart each year or month: one period of its
    calendar (:func:`climann.data.composites.period_positions`), no fixed time.

    Attributes
    ----------
    period : str
        One period: ``"pentad"``, ``"dekad"``, ``"half-month"``, ``"16-day composite"``.
    per_year : int
        Periods a year (73 pentads, 36 dekads, 24 half-months, 23 16-day composites).
    description : str
        The calendar in words, for ``climann info``.
    """

    period: str
    per_year: int
    description: str
    months: int = 0
    duration: None = None

    @property
    def name(self) -> str:
        """One period: "pentad", "dekad"… ("the pentad time axis")."""
        return self.period

    def span(self, steps: int = 1) -> str:
        """``steps`` periods in words: "1 pentad", "2 dekads"."""
        return f"{steps} {self.period}{'' if steps == 1 else 's'}"

    @property
    def approximate_days(self) -> float:
        """A period's mean length, 365.2425 / ``per_year`` days (Gregorian year)."""
        return 365.2425 / self.per_year

    def record(self) -> dict:
        """The calendar as JSON (a time coordinate's ``encoding``,
        :data:`climann.data.time_cells.VALUE_PERIODS_KEY`): ``{"period", "per_year",
        "description"}``; read back with :meth:`from_record`."""
        return {"period": self.period, "per_year": self.per_year, "description": self.description}

    @classmethod
    def from_record(cls, record: dict) -> PeriodStep:
        """The calendar of a :meth:`record`."""
        return cls(period=str(record["period"]), per_year=int(record["per_year"]),
                   description=str(record["description"]))


@dataclass(frozen=True)
class TimeStride:
    """A run's ``time_stride``: one step in ``every`` kept of an axis of step ``native``.

    The series kept is the series the run forecasts, its step ``every`` native steps: the
    value one such step earlier is its persistence (:func:`climann.data.lags.strided_previous_steps`),
    as the lags count its steps. JRA-55's 6-hourly analyses kept one in four are a daily series
    (persistence: the analysis 1 day earlier), monthly means kept one in two a 2-monthly one.

    Attributes
    ----------
    native : TimeStep or PeriodStep
        The step of the axis before the stride (:attr:`climann.data.layout.GridLayout.value_time_step`,
        or its calendar of periods, :attr:`~climann.data.layout.GridLayout.value_periods`).
    every : int
        The stride, ≥ 2.
    """

    native: TimeStep | PeriodStep
    every: int

    @property
    def step(self) -> TimeStep | None:
        """The step of the series kept, ``every`` native steps; None on a calendar of periods."""
        if isinstance(self.native, PeriodStep):
            return None
        if self.native.months:
            return TimeStep(months=self.native.months * self.every)
        return TimeStep(duration=self.native.duration * self.every)

    def span(self) -> str:
        """The series' step in words: "1 day", "2 months", "4 pentads"."""
        return self.native.span(self.every)

    def text(self) -> str:
        """What the run kept, for messages: "one step in 4 (--time-stride 4)"."""
        return f"one step in {self.every} (--time-stride {self.every})"


#: Units of time a lead time keeps from its file (UDUNITS spellings, CF section 4.4), numpy's
#: ``timedelta64`` code of each; here, below the modules that read them (forecast times, NCL's
#: one record: :mod:`climann.data.ncl_initial_times`), so that none imports another for them.
TIME_UNIT_CODES = {"days": "D", "day": "D", "d": "D", "hours": "h", "hour": "h", "hr": "h", "h": "h",
                   "minutes": "m", "minute": "m", "min": "m", "seconds": "s", "second": "s", "sec": "s", "s": "s"}


def step_positions(times: Sequence[cftime.datetime], step: TimeStep) -> np.ndarray | None:
    """Each time's position counted in steps ``step`` from the first, shape (n_time,), or None
    when a time lies no whole number of such steps from the first: the positions on the axis
    of step ``step`` that ``times``, a selection of it, were taken from (``time_stride`` with
    gaps in the data, whose own spacing is then of no step).

    Months by calendar month (:func:`month_number`: stamps anywhere in their month, as
    :func:`time_step_positions` takes monthly values); fixed steps by exact differences, or for a
    step of whole days by calendar day (daily values stamped at 12:00, then at 00:00).

    Parameters
    ----------
    times : sequence of cftime.datetime, shape (n_time,)
        Increasing dates of one calendar.
    step : TimeStep

    Returns
    -------
    ndarray of int64, shape (n_time,), or None
    """
    times = list(times)
    if not times:
        return np.zeros(0, np.int64)
    if step.months:
        offsets = np.array([month_number(time) - month_number(times[0]) for time in times], dtype=np.int64)
        return offsets // step.months if np.all(offsets % step.months == 0) else None
    unit = step.duration // _MICROSECOND
    offsets = np.array([(time - times[0]) // _MICROSECOND for time in times], dtype=np.int64)
    if np.all(offsets % unit == 0):
        return offsets // unit
    days, whole = divmod(unit, 86_400_000_000)
    if days and not whole and all(hasattr(time, "toordinal") for time in times):
        ordinals = np.array([time.toordinal() - times[0].toordinal() for time in times], dtype=np.int64)
        return ordinals // days if np.all(ordinals % days == 0) else None
    return None


#: How much of a date :func:`date_text` shows: ``"month"`` for monthly or coarser data, ``"day"``,
#: ``"minute"`` for sub-daily data (also at midnight), ``"second"`` for the reference date of CF
#: time units; None: the day, with the hour and minute when not midnight.
DatePrecision = Literal["month", "day", "minute", "second"]

#: :func:`numpy.datetime_as_string`'s unit for each precision.
_DATETIME64_UNITS: dict[str, str] = {"month": "M", "day": "D", "minute": "m", "second": "s"}


def year_text(year: int, *, signed: bool = False) -> str:
    """A year in ISO 8601's form: four digits at least, with a minus sign before them for a
    year before year 0, ``0000`` for year 0, and more digits where the year needs them
    (``-20050``; ISO 8601's expanded years, as NumPy and cftime read them back). With
    ``signed``, a year from 0 on has its plus sign (``+0980``): ISO 8601's expanded
    representation (:func:`signed_years`). climann's own texts write the sign only where a year
    is negative (``-1050 to 0980``: break41c P1, fix41m), one rule in every place.

    ``year`` is numbered as its calendar numbers it (CF conventions §4.4.1, cftime), and
    :func:`date_parts` reads it back so: in calendars with a year 0 (``proleptic_gregorian``,
    ``noleap``, ``360_day``…) that is ISO 8601's astronomical numbering (``-0009`` is 10 BC);
    ``standard`` and ``julian`` have no year 0, and their ``-0009`` is 9 BC, ``-0001`` 1 BC
    (:func:`years_later`).

    Examples
    --------
    >>> [year_text(year) for year in (-20050, -9, 0, 850, 2003)]
    ['-20050', '-0009', '0000', '0850', '2003']
    >>> year_text(980, signed=True)
    '+0980'
    """
    return f"{'-' if year < 0 else '+' if signed else ''}{abs(int(year)):04d}"


def signed_years(years: Sequence[int]) -> bool:
    """Whether a text of ``years`` writes every year with its sign (:func:`year_text`'s
    ``signed``): when one of them is before year 0. ISO 8601 writes years before 0 in its
    expanded representation only, whose years all carry a sign (ISO 8601-1:2019 §5.2.2.3):
    padded to four digits as NumPy and cftime write them, a minus on one side and none on
    the other read as padding on one side (``-1050 to 0980``)."""
    return bool(len(years)) and min(int(year) for year in years) < 0


def year_span(first: int, last: int, *, signed: bool = False, spaced: bool | None = None) -> str:
    """A period of whole years as climann prints it (a split's block in ``metrics.json``
    ``split_periods``, the terminal, figure titles): ``"1980–1993"``, ``"1985"`` for one year,
    each year as :func:`year_text` writes it, and ``" to "`` between them when one is before
    year 0, where an en dash before a minus sign reads as a double dash (``"-20000 to -19994"``,
    not ``"-20000–-19994"``). The sign is written only where a year is negative, in every text
    climann writes (``"-0003 to 0002"``, as a split's ``"-0001 to 0004"``, break41c P1, and
    info's time line): one rule for all, so a span reads the same in each place.

    Parameters
    ----------
    first, last : int
        The years, as their calendar numbers them.
    signed : bool
        Write years from 0 on with a plus sign (:func:`year_text`); off in climann's own texts.
    spaced : bool, optional
        Write ``" to "`` between the years (a list of spans of which one holds a year before 0,
        each span then written alike: a split's ``"-0029 to -0002, -0001 to 0004, 0005 to
        0010"``, break41c P1); None: when the first year is before 0.

    Examples
    --------
    >>> [year_span(*years) for years in ((1980, 1993), (850, 850), (-20000, -19994), (-3, 2))]
    ['1980–1993', '0850', '-20000 to -19994', '-0003 to 0002']
    """
    if first == last:
        return year_text(first, signed=signed)
    spaced = signed or first < 0 if spaced is None else spaced
    return f"{year_text(first, signed=signed)}{' to ' if spaced else '–'}{year_text(last, signed=signed)}"


#: A year or a span of years as :func:`year_span` writes them (also the plain integers of runs
#: written before signed years were, ``"-40–-13"``), and not a date (``"1995-03 to 1997-12"``).
YEAR_SPAN = re.compile(r"[+-]?\d+(?:(?:–| to )[+-]?\d+)?")


def date_text(time: object, *, precision: DatePrecision | None = None, signed: bool = False) -> str:
    """A date as climann's messages show it: ``2003-01-16``, ``2003-01-16 06:00``.

    Parameters
    ----------
    time : cftime.datetime, datetime.datetime or numpy.datetime64
        One date, in any calendar (``360_day`` dates such as 2000-02-30 included).
    precision : {"month", "day", "minute", "second"} or None
        ``"month"`` gives ``2003-01``, ``"day"`` ``2003-01-16``, ``"minute"``
        ``2003-01-16 00:00`` and ``"second"`` ``2003-01-16 00:00:00`` (midnight shown);
        None gives the day with ``HH:MM`` when the hour or minute is not zero.
    signed : bool
        Write a year from 0 on with its plus sign (``+0980-01-01``), as beside a date before
        year 0 (:func:`signed_years`; :func:`year_text`).

    Returns
    -------
    str
        The year with four digits at least (``0850-01-01``), a year before year 0 with a minus
        sign before them as ISO 8601's expanded years write it (``-0009-01-01``, year 0 as
        ``0000``; :func:`year_text`); ``"NaT"`` for a missing datetime64; ``str(time)`` for a
        value that is not a date.
    """
    if isinstance(time, np.datetime64):
        if precision is None:
            precision = "day" if np.datetime64(time, "m") == np.datetime64(time, "D") else "minute"
        text = np.datetime_as_string(time, unit=_DATETIME64_UNITS[precision])
        if text.startswith("-"):  # NumPy writes year -9 as "-009"
            year, rest = text[1:].split("-", 1)
            text = f"{year_text(-int(year))}-{rest}"
        elif signed and text[:1].isdigit():  # not NaT
            text = f"+{text}"
        return text.replace("T", " ", 1) if len(text) > 10 else text  # not the T of "NaT"
    if not hasattr(time, "year"):
        return str(time)
    if precision is None:
        precision = "minute" if time.hour or time.minute else "day"
    text = f"{year_text(time.year, signed=signed)}-{time.month:02d}"
    if precision != "month":
        text += f"-{time.day:02d}"
    if precision in ("minute", "second"):
        text += f" {time.hour:02d}:{time.minute:02d}"
    return text + (f":{time.second:02d}" if precision == "second" else "")


#: The dates a user gives (``--time-range``, ``[data] time_range``, ``plot --time``) as
#: messages name them: :func:`date_text`'s forms, which :func:`date_parts` reads.
DATE_FORMS = "YYYY, YYYY-MM or YYYY-MM-DD (a negative year with its minus sign, as climann prints it: -0009-01-01)"

_DATE_TEXT = re.compile(r"(?P<year>[+-]?\d+)(?:-(?P<month>\d{1,2})(?:-(?P<day>\d{1,2}))?)?")


def date_parts(text: str) -> tuple[int, ...] | None:
    """The year, month and day that a date given by a user names, read as :func:`date_text`
    and :func:`year_text` write them (ISO 8601's form with signed years, numbered as the data's
    calendar numbers them: no year 0 in ``standard`` and ``julian``, where -1 is 1 BC): the
    year with its sign and any number of digits, then the month and the day.

    Parameters
    ----------
    text : str
        ``'YYYY'``, ``'YYYY-MM'`` or ``'YYYY-MM-DD'``; a year before year 1 with a minus sign
        (``-0009-01-01``, ``-20050``), year 0 as ``0000``, a year below 1000 with or without
        its leading zeros (``0850``, ``850``).

    Returns
    -------
    tuple of int or None
        ``(year,)``, ``(year, month)`` or ``(year, month, day)``, not checked against a
        calendar (months and days may be out of range); None when ``text`` is not of that form.

    Examples
    --------
    >>> [date_parts(text) for text in ("-0009-01-01", "0850-03", "-20050", "+2003", "July 1981")]
    [(-9, 1, 1), (850, 3), (-20050,), (2003,), None]
    """
    match = _DATE_TEXT.fullmatch(str(text).strip())
    if match is None:
        return None
    return tuple(int(part) for part in match.groups() if part is not None)


def year_zero_problem(year: int, calendar: str) -> str | None:
    """Why ``year`` is no year of ``calendar``: year 0 in a calendar that has none (CF
    conventions §4.4.1: ``standard``, ``julian``; there, as cftime counts, year -1 is
    followed by year 1), None otherwise."""
    if year != 0 or cftime.datetime(1, 1, 1, calendar=calendar).has_year_zero:
        return None
    return f"the '{calendar}' calendar has no year 0 (its year {year_text(-1)} is followed by {year_text(1)})"


def years_later(year: int, years: int, *, has_year_zero: bool) -> int:
    """The year ``years`` after ``year`` (before it, for a negative ``years``) as a calendar
    numbers its years (CF conventions §4.4.1, cftime): in one without year 0 (``standard``,
    ``gregorian``, ``julian``; cftime's ``has_year_zero`` false) year -1 (1 BC) is followed by
    year 1, in all others by year 0.

    Parameters
    ----------
    year : int
        A year of the calendar (not 0 when it has none).
    years : int
        How many years later.
    has_year_zero : bool
        Whether the calendar has a year 0 (``cftime.datetime.has_year_zero``).

    Examples
    --------
    >>> [years_later(year, 1, has_year_zero=False) for year in (-2, -1, 1)]
    [-1, 1, 2]
    >>> years_later(-1, 1, has_year_zero=True), years_later(2, -3, has_year_zero=False)
    (0, -2)
    """
    if has_year_zero:
        return year + years
    return calendar_year(year + years + (1 if year < 0 else 0), has_year_zero=False)


def calendar_year(counted: int, *, has_year_zero: bool) -> int:
    """The year a calendar numbers as the astronomical year ``counted`` (ISO 8601's: 0 is 1 BC,
    -1 is 2 BC).

    Parameters
    ----------
    counted : int
        The astronomical year.
    has_year_zero : bool
        Whether the calendar has a year 0 (``cftime.datetime.has_year_zero``).

    Returns
    -------
    int
        ``counted`` in a calendar with year 0; one less for years before 1 in one without
        (``standard``, ``julian``: 1 BC is their year -1, CF conventions §4.4.1).
    """
    return counted - 1 if counted <= 0 and not has_year_zero else counted


def month_number(time: object) -> int:
    """The calendar months from January of 1 BC to the month of ``time``.

    Parameters
    ----------
    time : cftime.datetime or datetime.datetime
        In any calendar; in one without year 0, December of year -1 (1 BC) and January of
        year 1 are one month apart, as in all others December of year -1 and January of year 0.

    Returns
    -------
    int
        ``12 · y + month − 1``, ``y`` the astronomical year (1 BC is 0, :func:`calendar_year`).
    """
    year = time.year + (1 if time.year < 0 and not getattr(time, "has_year_zero", True) else 0)
    return year * 12 + time.month - 1


def month_start(number: int, like: cftime.datetime) -> cftime.datetime:
    """The first instant of a calendar month.

    Parameters
    ----------
    number : int
        The month as :func:`month_number` counts it (months from January of 1 BC).
    like : cftime.datetime
        A date of the calendar to build it in.

    Returns
    -------
    cftime.datetime
        00:00 on day 1 of that month, in ``like``'s calendar (year 1 after December of year
        -1 where the calendar has no year 0).
    """
    counted, month = divmod(number, 12)
    year = calendar_year(counted, has_year_zero=like.has_year_zero)
    return cftime.datetime(year, month + 1, 1, calendar=like.calendar, has_year_zero=like.has_year_zero)


def _fraction_of_month(time: cftime.datetime) -> float:
    """How far into its calendar month a time is, 0 ≤ f < 1 (exact in every calendar)."""
    start = cftime.datetime(time.year, time.month, 1, calendar=time.calendar, has_year_zero=time.has_year_zero)
    return (time - start) / (month_start(month_number(time) + 1, time) - start)


def _month_positions(times: Sequence[cftime.datetime]) -> tuple[TimeStep, np.ndarray] | None:
    """A calendar-month step when every time falls in its own month, k months apart (k dividing
    12 or a number of years), at about the same point of its month."""
    months = np.array([month_number(time) for time in times], dtype=np.int64)
    steps = np.diff(months)
    if steps.min() < 1:
        return None
    step = int(np.gcd.reduce(steps))
    if 12 % step and step % 12:
        return None
    days = [time.day + (time.hour * 3600 + time.minute * 60 + time.second) / 86400 for time in times]
    if max(days) - min(days) > _DAY_OF_MONTH_SPREAD:
        fractions = [_fraction_of_month(time) for time in times]
        if max(fractions) - min(fractions) > _MONTH_FRACTION_SPREAD:
            return None
    return TimeStep(months=step), (months - months[0]) // step


def _calendar_month_positions(times: Sequence[cftime.datetime]) -> tuple[TimeStep, np.ndarray] | None:
    """Monthly when every time falls in its own calendar month and most are in consecutive
    months (gaps of missing months allowed), wherever each sits in its month: monthly values
    stamped on the 15th in one file and at other instants in another are still one value a
    month. Tried after a fixed duration, so that values every 31 days stay "31 days"."""
    months = _nominal_months(np.array([month_number(time) for time in times], dtype=np.int64))
    if months is None:
        return None
    steps = np.diff(months)
    if steps.min() < 1 or np.median(steps) != 1:
        return None
    return TimeStep(months=1), months - months[0]


def _nominal_months(months: np.ndarray) -> np.ndarray | None:
    """The months of a monthly series whose value for one month may be stamped in the month
    beside it, each such pair of values in one month given its own: the earlier to the month
    before when no value falls there, else the later to the month after (JPL GRACE: December
    2011's solution is centred on 1 January 2012, beside January's; May 2015's in April beside
    April's; gravity-toolkit's ``adjust_months``, break57b A2). Shape (n_time,), increasing
    calendar-month numbers; ``months`` itself when no two share a month; None when more than one
    pair a year shares one, or a pair has no free month beside it (values twice a month, pentads)."""
    shared = np.flatnonzero(np.diff(months) == 0)
    if not len(shared):
        return months
    if np.any(np.diff(months) < 0) or len(shared) * 12 > max(len(months), 12):
        return None
    nominal = months.copy()
    for first in shared:
        before = nominal[first - 1] if first else nominal[first] - 2
        after = nominal[first + 2] if first + 2 < len(nominal) else nominal[first] + 2
        if before < nominal[first] - 1:
            nominal[first] -= 1
        elif after > nominal[first + 1] + 1:
            nominal[first + 1] += 1
        else:
            return None
    return nominal


#: Daily values at other times of day change that time at most once in this many steps.
_DAY_RUN_STEPS = 10


def _day_number(time: cftime.datetime, first: cftime.datetime) -> int:
    """Calendar days from the day of ``first`` to the day of ``time`` (exact in every calendar)."""
    def midnight(day: cftime.datetime) -> cftime.datetime:
        return cftime.datetime(day.year, day.month, day.day, calendar=day.calendar, has_year_zero=day.has_year_zero)

    return (midnight(time) - midnight(first)).days


def _calendar_day_positions(times: Sequence[cftime.datetime]) -> tuple[TimeStep, np.ndarray] | None:
    """Daily when every time falls in its own calendar day, most in consecutive days (gaps of
    missing days allowed), at different times of day: daily values stamped at 12:00 in one
    file and at 00:00 in the next are one value a day, not a 12-hourly series with every
    other step missing (whose climatology would be per day of year and hour). The time of
    day changes in runs (a file's), at most once in :data:`_DAY_RUN_STEPS` steps: times at
    00:00 and 12:00 in turn are 36 hours apart, not daily. Times at one time of day are
    left to a fixed duration (exact)."""
    switches = int(np.count_nonzero(np.diff(_time_of_day_microseconds(times))))
    if switches == 0 or switches * _DAY_RUN_STEPS > len(times) - 1:
        return None
    days = np.array([_day_number(time, times[0]) for time in times], dtype=np.int64)
    steps = np.diff(days)
    if steps.min() < 1 or np.median(steps) != 1:
        return None
    return TimeStep(duration=datetime.timedelta(days=1)), days


#: Calendars that switch from the Julian to the Gregorian calendar in October 1582: the day of
#: the year (``dayofyr``) of a date after 4 October 1582 counts the 10 days the switch skipped.
_SWITCHING_CALENDARS = frozenset({"standard", "gregorian"})


def _time_of_day_microseconds(times: Sequence[cftime.datetime]) -> np.ndarray:
    """Microseconds since midnight of each time, int64, shape (n_time,)."""
    return np.array([((time.hour * 60 + time.minute) * 60 + time.second) * 1_000_000 + time.microsecond
                     for time in times], dtype=np.int64)


def _microseconds_since_first_year(times: Sequence[cftime.datetime]) -> np.ndarray | None:
    """Microseconds from 1 January 00:00 of the first time's year to each time, int64, shape
    (n_time,), exact: the days before each year's 1 January counted by ``cftime`` once per year,
    the day of the year (``dayofyr``) and the time of day read from each time. One pass over the
    times' fields instead of a ``cftime`` subtraction per time (5-minute radar data: 315 k
    steps, break42d R1). None for times in 1582 of a calendar that switches then (its day of
    the year counts skipped days; :data:`_SWITCHING_CALENDARS`): the caller subtracts."""
    first = times[0]
    years = np.array([time.year for time in times], dtype=np.int64)
    if first.calendar in _SWITCHING_CALENDARS and np.any(years == 1582):
        return None
    distinct, index = np.unique(years, return_inverse=True)
    start = cftime.datetime(first.year, 1, 1, calendar=first.calendar, has_year_zero=first.has_year_zero)
    year_days = np.array([(cftime.datetime(int(year), 1, 1, calendar=first.calendar,
                                           has_year_zero=first.has_year_zero) - start).days for year in distinct],
                         dtype=np.int64)
    days = year_days[index.ravel()] + np.array([time.dayofyr for time in times], dtype=np.int64) - 1
    return days * 86_400_000_000 + _time_of_day_microseconds(times)


def microsecond_differences(times: Sequence[cftime.datetime]) -> np.ndarray:
    """The spacings of consecutive times in whole microseconds (exact, as ``cftime`` subtracts).

    Parameters
    ----------
    times : sequence of cftime.datetime, shape (n_time,), n_time ≥ 1
        Of one calendar.

    Returns
    -------
    ndarray of int64, shape (n_time − 1,)
        ``times[i + 1] − times[i]`` in microseconds; read from the times' fields in one pass,
        subtracted time by time only in a calendar's switch year (:data:`_SWITCHING_CALENDARS`)
        or for times without a calendar.
    """
    since = _microseconds_since_first_year(times) if hasattr(times[0], "calendar") else None
    if since is None:
        return np.array([(later - earlier) // _MICROSECOND for earlier, later in zip(times[:-1], times[1:])],
                        dtype=np.int64)
    return np.diff(since)


def _duration_positions(times: Sequence[cftime.datetime]) -> tuple[TimeStep, np.ndarray] | None:
    """A fixed step when every difference between consecutive times is a whole number of
    the smallest one (exact, in microseconds)."""
    differences = microsecond_differences(times)
    step = int(differences.min())
    if step <= 0 or np.any(differences % step):
        return None
    positions = np.concatenate([[0], np.cumsum(differences // step)])
    return TimeStep(duration=datetime.timedelta(microseconds=step)), positions.astype(np.int64)


def time_step_positions(times: Sequence[cftime.datetime]) -> tuple[TimeStep | None, np.ndarray | None]:
    """The nominal step of a time axis and each time's position on the regular axis.

    Position p means p nominal steps after the first time: a monthly axis without
    April–June 2001 has positions ``0, 1, …, 14, 18, 19, …``. Months are tried first (a
    monthly axis stays monthly across the 1582 calendar switch and in ``360_day``), then one
    time in each of mostly consecutive calendar days at different times of day (daily values
    stamped at 12:00, then at 00:00), then a fixed duration (exact ``cftime`` differences),
    then one time in each of mostly consecutive calendar months, wherever in its month
    (monthly values stamped on the 15th, then elsewhere in their months: the step is the day
    or month the stamps fall in, not their smallest spacing).

    Parameters
    ----------
    times : sequence of cftime.datetime, shape (n_time,)
        Increasing dates of one calendar.

    Returns
    -------
    step : TimeStep or None
        None when the axis has no nominal step: a single time, times not increasing, or
        spacings that are not whole multiples of one step and not one time per calendar
        month ("irregular").
    positions : ndarray of int64, shape (n_time,), or None
        Strictly increasing, starting at 0; None with ``step``.

    Examples
    --------
    >>> times = [cftime.datetime(2001, m, 15, calendar="noleap") for m in (1, 2, 3, 7)]
    >>> step, positions = time_step_positions(times)
    >>> step.name, positions.tolist()
    ('monthly', [0, 1, 2, 6])
    """
    times = list(times)
    if len(times) < 2 or not all(hasattr(time, "calendar") for time in times):
        return None, None
    found = (_month_positions(times) or _calendar_day_positions(times) or _duration_positions(times)
             or _calendar_month_positions(times))
    return found if found else (None, None)


def axis_time_step(
    times: Sequence[cftime.datetime], *, segment_starts: np.ndarray | None = None
) -> TimeStep | None:
    """The nominal step of a time axis (:func:`time_step_positions`), the one its lags and
    persistence go by; with segments (one dataset's axis each, see ``segment_starts`` in
    :func:`climann.data.lags.lagged_steps`), their common step.

    Returns
    -------
    TimeStep or None
        None when no segment has a nominal step (single times, irregular spacing) or the
        segments' steps differ.
    """
    times = np.asarray(times)
    starts = np.zeros(len(times), np.int64) if segment_starts is None else np.asarray(segment_starts)
    steps = {time_step_positions(times[starts == first])[0] for first in np.unique(starts)} - {None}
    return steps.pop() if len(steps) == 1 else None


def continues_series(before: Sequence[object], after: Sequence[object]) -> bool:
    """Whether the times ``after`` continue the series of ``before`` as consecutive pieces of one
    series: one nominal step (:func:`time_step_positions`) over both, each piece's own step (when
    it has one), the first time of ``after`` one step after the last of ``before`` (no gap, no
    overlap). The 2019 monthly files after a 2004–2018 file do (break44a A7); two ensemble
    members of the same years, or a piece that starts before the other ends, do not.

    Parameters
    ----------
    before, after : sequence of cftime.datetime
        The increasing times of two pieces, ``before`` the earlier one in the order read.

    Returns
    -------
    bool
        False too when a step cannot be told (times not of one calendar, irregular spacing).

    Examples
    --------
    >>> first = [cftime.datetime(2018, m, 15, calendar="standard") for m in (10, 11, 12)]
    >>> continues_series(first, [cftime.datetime(2019, 1, 15, calendar="standard")])
    True
    >>> continues_series(first, [cftime.datetime(2019, 2, 15, calendar="standard")])
    False
    """
    before, after = list(before), list(after)
    if not before or not after or any(getattr(time, "calendar", None) != getattr(before[0], "calendar", "")
                                      for time in [*before, *after]):
        return False
    step, positions = time_step_positions([*before, *after])
    if step is None:
        return False
    own = {time_step_positions(piece)[0] for piece in (before, after) if len(piece) >= 2}
    return own <= {step} and int(positions[len(before)]) == int(positions[len(before) - 1]) + 1


def series_time_step(
    times: Sequence[cftime.datetime], *, segment_starts: np.ndarray | None = None,
    known_step: TimeStep | None = None, bounds: np.ndarray | None = None,
) -> TimeStep | None:
    """The step of the values on a time axis: its nominal step (:func:`axis_time_step`); on an
    axis of one or two times, whose spacing cannot show a step (one time has none, any two
    are one step of their own spacing), the step recorded for the values (``known_step``: a
    trained model's ``time_step``, given to new data) or else the common length of their time
    cells (``bounds``, CF 1.8 section 7.1, :func:`cell_time_step`), else the spacing of the two.

    One July mean with its bounds (or of a monthly run) is a month of data, not a year.

    Parameters
    ----------
    times : sequence of cftime.datetime, shape (n_time,)
    segment_starts : ndarray of int, shape (n_time,), optional
        As for :func:`axis_time_step`.
    known_step : TimeStep, optional
        :attr:`climann.data.layout.GridLayout.known_time_step`.
    bounds : ndarray of cftime.datetime, shape (n_time, 2), optional
        The CF time bounds.

    Returns
    -------
    TimeStep or None
        None when nothing tells it (a single time without bounds or a recorded step; irregular
        spacing).
    """
    times = np.asarray(times)
    if len(times) >= 3:
        return axis_time_step(times, segment_starts=segment_starts)
    told = known_step or (cell_time_step(np.asarray(bounds)) if bounds is not None and len(bounds) else None)
    return told or (axis_time_step(times, segment_starts=segment_starts) if len(times) == 2 else None)


def cell_time_step(bounds: np.ndarray) -> TimeStep | None:
    """The common length of the time cells (CF 1.8 section 7.1, the ``bounds`` of time): the
    period each value is a mean, sum or extreme over, whatever the spacing of the values.

    January means of several years (``cdo selmon,1``) are 12 months apart, but each is a
    monthly value: its cell is one month long.

    Parameters
    ----------
    bounds : ndarray of cftime.datetime, shape (n_time, 2)
        The cells [lower, upper], either order of the two vertices.

    Returns
    -------
    TimeStep or None
        ``k`` calendar months when every cell spans k whole months (to about 3 days, for
        bounds at the 28th to 31st), else the cells' common duration (exact); None when the
        cells have different lengths or the bounds are not dates.

    Examples
    --------
    >>> bounds = np.array([[cftime.datetime(y, 1, 1, calendar="noleap"),
    ...                     cftime.datetime(y, 2, 1, calendar="noleap")] for y in (1990, 1991)])
    >>> cell_time_step(bounds).name
    'monthly'
    """
    if bounds is None or len(bounds) == 0 or not all(hasattr(value, "calendar") for value in bounds.ravel()):
        return None
    in_order = bounds[:, 0] <= bounds[:, 1]
    lower = np.where(in_order, bounds[:, 0], bounds[:, 1])
    upper = np.where(in_order, bounds[:, 1], bounds[:, 0])

    def months(time: cftime.datetime) -> float:
        return month_number(time) + _fraction_of_month(time)

    durations = [(high - low) // _MICROSECOND for low, high in zip(lower, upper)]
    # a cell rounds to a whole month only from half the shortest month on (October 1582 of the
    # standard calendar, 21 days): with a shorter cell the months below cannot all be whole,
    # and the per-cell month arithmetic (most of the time on daily and sub-daily files) is skipped
    if min(durations) >= _HALF_SHORTEST_MONTH // _MICROSECOND:
        lengths = np.array([months(high) - months(low) for low, high in zip(lower, upper)])
        whole = np.round(lengths)
        if (whole.min() >= 1 and whole.min() == whole.max()
                and np.all(np.abs(lengths - whole) <= _MONTH_FRACTION_SPREAD)):
            return TimeStep(months=int(whole[0]))
    if len(unique := set(durations)) == 1 and (duration := unique.pop()) > 0:
        return TimeStep(duration=datetime.timedelta(microseconds=int(duration)))
    return None


#: The months' initials, January first: the letters of a season's name (DJF, JJAS).
_MONTH_LETTERS = "JFMAMJJASOND"


def _season_letters(bounds: np.ndarray, months: int) -> str | None:
    """The initials of the months of every cell ("DJF") when each cell is ``months`` (< 12)
    calendar months starting in the same month of the year, else None."""
    lower = np.where(bounds[:, 0] <= bounds[:, 1], bounds[:, 0], bounds[:, 1])
    # a cell starting on the last days of a month (28th to 31st) starts with the next month
    first = {(month_number(time) + round(_fraction_of_month(time))) % 12 for time in lower}
    if not 1 <= months < 12 or len(first) != 1:
        return None
    start = first.pop()
    if months == 1:
        return calendar.month_name[start + 1]
    return "".join(_MONTH_LETTERS[(start + index) % 12] for index in range(months))


def values_text(cells: TimeStep | None, spacing: TimeStep | None, bounds: np.ndarray | None = None) -> str:
    """What the values of a time axis are, in words, from the length of their time cells (CF
    1.8 section 7.1, :func:`cell_time_step`) and their spacing (:func:`axis_time_step`).

    The step's name ("monthly", "seasonal (every 3 months)") when the cells are as long as the
    spacing (or either is unknown); else both, since the name of either alone would say
    something untrue: DJF means one a year are "values of 3-month cells (DJF) a year apart",
    not "seasonal (every 3 months)" nor "yearly"; January means of several years are
    "values of 1-month cells (January) a year apart".

    Parameters
    ----------
    cells, spacing : TimeStep or None
    bounds : ndarray of cftime.datetime, shape (n_time, 2), optional
        The time bounds, to name the months of calendar-month cells.
    """
    if cells is None or spacing is None or cells == spacing:
        return (cells or spacing).name if (cells or spacing) else "irregular"
    letters = _season_letters(bounds, cells.months) if cells.months and bounds is not None else None
    length = cells.span().replace(" ", "-").removesuffix("s")  # "3-month", "1-day"
    apart = "a year" if spacing.months == 12 else spacing.span()
    return f"values of {length} cells{f' ({letters})' if letters else ''} {apart} apart"


def earlier_steps(positions: np.ndarray, lag: int) -> np.ndarray:
    """Index of the time ``lag`` nominal steps before each time, −1 where the axis lacks it.

    Parameters
    ----------
    positions : ndarray of int, shape (n_time,)
        From :func:`time_step_positions`, strictly increasing.
    lag : int
        Steps back, ≥ 1.

    Returns
    -------
    ndarray of int64, shape (n_time,)
        −1 before the axis starts and where the earlier time falls in a gap.
    """
    wanted = positions - lag
    index = np.clip(np.searchsorted(positions, wanted), 0, len(positions) - 1)
    return np.where(positions[index] == wanted, index, -1).astype(np.int64)


def in_gaps(positions: np.ndarray, lag: int) -> np.ndarray:
    """Whether the time ``lag`` steps before each time falls in a gap of the axis (after its
    start, but missing), shape (n_time,) of bool."""
    return (earlier_steps(positions, lag) < 0) & (positions - lag >= positions[0])


def in_months_left_out(times: np.ndarray, indices: np.ndarray, lag: int, step: TimeStep | PeriodStep) -> np.ndarray:
    """Whether the time ``lag`` nominal steps before each of ``times[indices]`` lies in a
    calendar month that holds no time of the axis: a month the run's own time selection
    (``--months``, ``--seasons``) left out, not a gap in the data, when a selection thinned
    the axis (:attr:`climann.data.layout.GridLayout.value_time_step`). Of data spanning less
    than a year, a month before the axis's first month or after its last is none: the data
    never reached it (a strided January's first step, whose step before is in December).

    Parameters
    ----------
    times : ndarray of cftime.datetime, shape (n_time,)
        The steps' dates as the selection chose them: their time cells' middles
        (:meth:`climann.data.layout.GridLayout.selection_dates`).
    indices : ndarray of int, shape (n,)
        The steps whose earlier time is missing.
    lag : int
        Steps back, ≥ 1.
    step : TimeStep or PeriodStep
        The axis's nominal step, or its period (the date a period's mean length × ``lag``
        earlier: the month of the period before, to a day or two).

    Returns
    -------
    ndarray of bool, shape (n,)
    """
    times, indices = np.asarray(times), np.asarray(indices, dtype=np.int64)
    if not times.size or not indices.size:
        return np.zeros(indices.size, dtype=bool)
    held = {time.month for time in times}
    if step.months:
        counted = [time.year * 12 + time.month - 1 - lag * step.months for time in times[indices]]
    else:
        # a period calendar's periods (PeriodStep) by their mean length: the month of a date that far back
        back = step.duration if step.duration is not None else datetime.timedelta(days=step.approximate_days)
        counted = [(earlier := time - lag * back).year * 12 + earlier.month - 1 for time in times[indices]]
    # a calendar month the data never reach is no month the selection left out: data of less than a year (a
    # January's files) hold no December before their start whatever the selection (break47c A4: the first steps
    # of a strided January were blamed on --months/--seasons, not given); over a year or more, every calendar
    # month lies within the data's span, and one they do not hold was left out
    first, last = (min(times).year * 12 + min(times).month - 1, max(times).year * 12 + max(times).month - 1)
    whole_year = last - first + 1 >= 12
    return np.array([month % 12 + 1 not in held and (whole_year or first <= month <= last) for month in counted],
                    dtype=bool)


#: The run's own selection of calendar months, for the messages that name it as a cause.
MONTHS_SELECTION = "the time selection (--months/--seasons)"


def coarse_storage_text(storage: str) -> str:
    """The cause of an axis without a regular step when it is the time's storage
    (:func:`climann.data.time_precision.coarse_storage`, ``time 't' is stored as float32
    (precision ≈ 5.6 min at 2004), too coarse for steps of about 15 min``) with its fix, one
    wording for every message that says so (lags, persistence, ``climann info``)."""
    return (f"{storage}; store time as double with its exact values (e.g. written again from the source, or "
            "`cdo settaxis` with the first date and the step)")


def yearly_restart_days(times: Sequence[cftime.datetime]) -> int | None:
    """The step, in whole days, of a series that restarts it at the start of each year, or None.

    MODIS's 8-day composites (MOD11C2; MOD13's 16-day) start on days 1, 9, …, 361 of each year:
    8 days apart within a year, the last one 5–6 days long. Such an axis, stamped at the
    composites' starts or at their middles, has no regular step (:func:`axis_time_step`), and
    none can be given: "k steps earlier" is k composites earlier, not a fixed time.

    Composites missing from the data (an outage, a skipped download: MOD13Q1 without its
    2001 day-161 composite) leave every other stamp at its place in its year's sequence, and
    the series is still one of composites (break38b A1: with one composite missing it was keyed
    by 16-day windows, and after February of a leap year each composite got the previous one's
    climatology).

    Parameters
    ----------
    times : sequence of cftime.datetime, shape (n_time,)
        In order.

    Returns
    -------
    int or None
        N, the days between composites within each year (2 … 27): the shortest spacing within a
        year between stamps other than a year's last, when every stamp lies at the same offset
        from the start of its composite k (days (k − 1) · N … k · N − 1 of its year, counted from
        1 January) but those of a year's last, shorter composite (at that offset or nearer its
        start: its middle), each composite held once, the axis spans a new year, and some spacing
        is no whole number of N days (the sequence restarts: a series N days apart throughout,
        gaps allowed, has a regular step instead); else None.
    """
    times = np.asarray(times)
    if len(times) < 3:
        return None
    years = np.array([time.year for time in times])
    offsets = _seconds_into_years(times)
    last_of_year = np.append(years[1:] != years[:-1], True)
    within = (years[1:] == years[:-1]) & ~last_of_year[1:]  # spacings within a year, not to its last stamp
    if not within.any() or years[0] == years[-1]:
        return None
    days = np.diff(offsets)[within].min() / 86_400
    if not (2 <= days <= 27 and days == round(days)):
        return None
    step = round(days) * 86_400
    places, into = np.divmod(offsets, step)
    distinct, first_of_year = np.unique(years, return_index=True)
    lengths = np.array([_seconds_into_year(times[i], following=True) for i in first_of_year])[
        np.searchsorted(distinct, years)]
    last_place = np.ceil(lengths / step) - 1
    usual = into[places < last_place]
    spacings = microsecond_differences(times) / 1e6
    if (not usual.size or np.ptp(usual) > SAME_PLACE_SECONDS
            or np.any(into[places == last_place] > usual[0] + SAME_PLACE_SECONDS)
            or np.any(np.diff(years * 1000 + places) <= 0)
            or np.all(np.abs(spacings - np.round(spacings / step) * step) <= SAME_PLACE_SECONDS)):
        return None
    return round(days)


#: Stamps of composites (or periods of the month) within this many seconds of one another's
#: offset into their period are at the same place in it (times decoded from float days).
SAME_PLACE_SECONDS = 60


def _seconds_into_years(times: Sequence[cftime.datetime]) -> np.ndarray:
    """:func:`_seconds_into_year` of each time, float64, shape (n_time,): the time of day and
    day of the year read from each time (exact, as a ``cftime`` subtraction), subtracted one by
    one only in the year a calendar switches (:data:`_SWITCHING_CALENDARS`)."""
    days = np.array([time.dayofyr for time in times], dtype=np.int64) - 1
    offsets = (days * 86_400_000_000 + _time_of_day_microseconds(times)) / 1e6
    if len(times) and times[0].calendar in _SWITCHING_CALENDARS:
        for i in np.flatnonzero([time.year == 1582 for time in times]):
            offsets[i] = _seconds_into_year(times[i])
    return offsets


def _seconds_into_year(time: cftime.datetime, *, following: bool = False) -> float:
    """Seconds from 1 January 00:00 of ``time``'s year to ``time`` (``following``: to 1 January
    of the next year, the year's length)."""
    first = cftime.datetime(time.year, 1, 1, calendar=time.calendar, has_year_zero=time.has_year_zero)
    if following:
        return (cftime.datetime(years_later(time.year, 1, has_year_zero=time.has_year_zero), 1, 1,
                                calendar=time.calendar, has_year_zero=time.has_year_zero) - first).total_seconds()
    return (time - first).total_seconds()


def check_strided_lags(times: Sequence[cftime.datetime], *, time_stride: int, lags: Mapping[str, Sequence[int]],
                       target: str, months: Sequence[int] = (), seasons: Sequence[str] = ()) -> None:
    """Refuse ``lags`` with a ``time_stride`` above 1 on a time axis with gaps.

    A lag counts the steps of the axis as kept: with ``time_stride = 2`` on a complete monthly
    axis the kept axis is every 2 months and lag 1 is 2 months back. Where the axis lacks steps
    (a target with missing months, GRACE's), every n-th of its steps are not always n steps
    apart (a month missing: 2 or 3 months apart), the kept axis has no step of n months, and a
    lag would count steps that are mostly not among those kept: no sample, or lags of changing
    length. Gaps of whole multiples of n steps keep the kept axis on its n-step grid (a gap in
    it, where the lag is missing as on any gappy axis), and pass.

    Chosen ``months`` or ``seasons`` leave such gaps every year (the months between them): the
    stride then passes only where the months it keeps are evenly spaced through the year
    (``months = [1, 3, 5, 7, 9, 11]`` with stride 2: January, May, September, every 4 months),
    and is refused naming the months otherwise (``seasons = ["DJF"]`` with stride 2, 2 and 10
    months apart; ``months = [1, 3, 5, 7]``, January and May, 4 and 8 months apart).

    Parameters
    ----------
    times : sequence of cftime.datetime, shape (n_time,)
        The axis before the stride is applied (after ``time_range`` and ``months``).
    time_stride : int
    lags : mapping of variable name to lags
        ``[data] lags``.
    target : str
        The target, whose steps the axis is, for the message.
    months, seasons : sequence, optional
        ``[data] months`` (1–12) and ``seasons`` (``"DJF"``, ...) that chose ``times``.

    Raises
    ------
    ClimannError
        Naming the stride, the lags, the gaps (or the months chosen) and the ways out.
    """
    if time_stride <= 1 or not any(lags.values()):
        return
    step, positions = time_step_positions(times)
    if step is None:
        return  # no nominal step: refused where a lag needs one
    lagged = " ".join(f"{name}={','.join(map(str, values))}" for name, values in lags.items() if values)
    off_grid = bool(np.any((positions[::time_stride] - positions[0]) % time_stride))
    if (months or seasons) and (off_grid or _uneven_months(times[::time_stride], step)):
        raise ClimannError(_strided_months(times, step, time_stride, lagged, months, seasons))
    if not off_grid:
        return  # the steps kept are n steps apart but for gaps
    gaps = np.flatnonzero(np.diff(positions) > 1)
    spacings = np.diff(positions[::time_stride])
    kept = f"{spacings.min()} to {step.span(int(spacings.max()))}" if spacings.size else "one step"
    shown = ", ".join(date_text(times[gap]) for gap in gaps[:3]) + (", …" if gaps.size > 3 else "")
    raise ClimannError(
        f"time_stride {time_stride} (--time-stride) with lags ({lagged}) on a {step.name} time axis with gaps "
        f"('{target}' lacks {positions[-1] + 1 - len(positions)} of its {step.name} steps, after {shown}): the "
        f"steps kept, one in {time_stride}, are {kept} apart, not {step.span(time_stride)}, so a lag, which counts "
        f"the steps kept, would be missing or of changing length; leave out --time-stride (the lags then count "
        f"{step.span()} steps, a predictor's from its own series), or leave out the lags")


def _uneven_months(kept: Sequence[cftime.datetime], step: TimeStep) -> bool:
    """Whether the calendar months of the steps ``kept`` (of an axis of ``step``) are not evenly
    spaced through the year: January and May (4, then 8 months apart). Only a step of whole
    months is judged; finer steps are judged by their positions."""
    if not step.months:
        return False
    kept_months = sorted({time.month for time in kept})
    apart = np.diff([*kept_months, kept_months[0] + 12])
    return bool(np.any(apart != apart[0]))


def _strided_months(times: Sequence[cftime.datetime], step: TimeStep, time_stride: int, lagged: str,
                    months: Sequence[int], seasons: Sequence[str]) -> str:
    """The refusal of a stride over chosen months or seasons whose kept steps are unevenly
    apart, naming the choice: the gaps are the months left out, not missing data."""
    chosen = " ".join(option for option in (f"--months {','.join(map(str, months))}" if months else "",
                                            f"--seasons {','.join(seasons)}" if seasons else "") if option)
    kept = times[::time_stride]
    shown = ", ".join(date_text(time) for time in kept[:4]) + (", …" if len(kept) > 4 else "")
    return (f"time_stride {time_stride} (--time-stride) with lags ({lagged}) over the months chosen ({chosen}): "
            f"the steps kept, one in {time_stride} of theirs ({shown}), are not evenly spaced, as the months left out "
            f"lie between them every year, so a lag, which counts the steps kept, would be missing or of changing "
            f"length; leave out --time-stride (the lags then count steps of {step.span()} by time, missing where the "
            f"step before is a month left out), or leave out the lags, or choose months that one in {time_stride} "
            f"keeps evenly spaced (e.g. --months 1,3,5,7,9,11 with --time-stride 2)")


#: The name of a predictor's lag taken from its own series (``lcopy@lag1``, see
#: :func:`climann.data.time_axes.own_series_lags`): CF names (section 2.3) are letters, digits and
#: underscores, but netCDF allows ``@``, so a file's variable of this form is refused
#: (:func:`check_no_own_series_lag_names`) rather than taken for the lag; it is never written to a file.
_OWN_LAG = re.compile(r"^(?P<variable>.+)@lag(?P<lag>[0-9]+)$")


def own_series_lag_name(variable: str, lag: int) -> str:
    """The name of ``variable``'s value ``lag`` steps earlier from its own series
    (:func:`climann.data.time_axes.own_series_lags`): ``lcopy@lag1``."""
    return f"{variable}@lag{lag}"


def own_series_lag_of(name: str) -> tuple[str, int] | None:
    """The (variable, lag) that ``name`` is the own-series lag of (:func:`own_series_lag_name`),
    or None for any other name."""
    found = _OWN_LAG.match(name)
    return (found["variable"], int(found["lag"])) if found else None


def check_no_own_series_lag_names(names: Sequence[str], path: str | os.PathLike) -> None:
    """Refuse a file's variable named as climann names a predictor's own-series lag
    (:func:`own_series_lag_name`, ``x@lag1``): it would be taken for the lag of ``x`` (or the
    lag made would replace it), a silently wrong input.

    Parameters
    ----------
    names : sequence of str
        The file's data variables, after ``[data] rename``.
    path : path-like
        The file, named in the message and its ``ncrename``.

    Raises
    ------
    ClimannError
        Naming the variable and the ``ncrename`` (or ``--rename``) that gives it another name.
    """
    file_name = Path(path).name
    for name in names:
        found = own_series_lag_of(str(name))
        if found is not None:
            variable, lag = found
            new = f"{variable}_at_lag{lag}"
            raise ClimannError(
                f"{file_name}: variable '{name}' is named as climann names the lag {lag} of '{variable}' taken from "
                f"its own series, and would be taken for it; give it another name: "
                f"{rename_command({str(name): new}, input_and_copy(path))} (or, in train, --rename "
                f"{shlex.quote(f'{file_name}:{name}={new}')})"
            )
