"""CDO's absolute time axis: time values that are the date itself, ``19900116.5``.

``cdo -a`` (and many archived files written by CDO, MPI-M and ICON tools) write the time as
a date number instead of CF's "units since a reference date". The CDI library, which CDO
reads and writes files through, names three forms in the ``units`` attribute
(``cdfGetTimeUnits`` and ``set_base_time`` in CDI's ``stream_cdf``; case does not matter
and the unit may be plural):

- ``day as %Y%m%d.%f``: ``YYYYMMDD`` and the fraction of the day (``19900116.5`` is
  16 January 1990, 12:00);
- ``month as %Y%m.%f``: ``YYYYMM`` and a fraction of the month (CDO writes ``.5`` for
  any date within the month, ``199001.5``);
- ``year as %Y.%f``: ``YYYY`` and a fraction of the year.

The dates are in the variable's ``calendar`` (``proleptic_gregorian`` when it gives none,
as CDI assumes). They are decoded here with ``cftime`` into "seconds since the start of the
first year" (the fraction rounded to the second: a float64 date number near 2·10⁷ carries
about 0.3 ms, and 5 minutes written as ``.0034722`` are 299.998 s) and handed to xarray's
CF decoder, so that the dates are the same ``cftime`` objects as for CF units; the encoding kept for writing is CF's
``days since`` the start of the first year (``predictions.nc`` has a CF time axis, not CDO's).

A fraction of a month or year is taken as that fraction of the calendar month or year
(``199001.5`` is 16 January 1990, 12:00, half of 31 days), the reading a monthly mean's
time stamp has; CDI itself reads a month number as its 1st and ignores a year's fraction.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

import cftime
import numpy as np
import xarray as xr

from climann.data.time_axis import date_text
from climann.errors import ClimannError

#: The calendar of an absolute time axis without a ``calendar`` attribute (CDI's default).
DEFAULT_CALENDAR = "proleptic_gregorian"

#: Where the decoded time keeps its absolute units (in ``encoding``, which is not written as attributes).
ABSOLUTE_UNITS_KEY = "absolute_units"

#: The date digits of each unit: ``%Y%m%d`` for days, ``%Y%m`` for months, ``%Y`` for years.
_FORMATS = {"day": "%y%m%d", "month": "%y%m", "year": "%y"}

_ABSOLUTE_UNITS = re.compile(r"^\s*(?P<unit>day|month|year)s?\s+as\s+(?P<format>%y(%m(%d)?)?)\.%f\s*$", re.IGNORECASE)


class AbsoluteTimeError(ClimannError):
    """A value of an absolute time axis that is not a date (month 13, day 0, NaN, …)."""


@dataclass(frozen=True)
class AbsoluteTimes:
    """An absolute time axis as CF "seconds since" the start of its first year.

    Attributes
    ----------
    seconds : ndarray of int64, shape as the values
        Seconds since ``reference``.
    reference : str
        The start of the first date's year, ``"1990-01-01 00:00:00"``.
    """

    seconds: np.ndarray
    reference: str


def absolute_time_unit(units: object) -> str | None:
    """``"day"``, ``"month"`` or ``"year"`` for CDO's absolute time units (``day as
    %Y%m%d.%f``, ``month as %Y%m.%f``, ``year as %Y.%f``), None for any other units."""
    match = _ABSOLUTE_UNITS.match(units) if isinstance(units, str) else None
    if match is None or _FORMATS[match.group("unit").lower()] != match.group("format").lower():
        return None
    return match.group("unit").lower()


def _start_and_length(number: int, unit: str, calendar: str) -> tuple[cftime.datetime, datetime.timedelta]:
    """The first instant of the day, month or year ``number`` (``19900116``, ``199001``,
    ``1990``) and its length, in ``calendar``.

    Raises
    ------
    ValueError
        If ``number`` is not a date of ``calendar`` (cftime's check: month 13, day 0, 30 February).
    """
    if unit == "day":
        start = cftime.datetime(number // 10000, number // 100 % 100, number % 100, calendar=calendar)
        return start, datetime.timedelta(days=1)
    year, month = (number // 100, number % 100) if unit == "month" else (number, 1)
    start = cftime.datetime(year, month, 1, calendar=calendar)
    following = (year + (month == 12), month % 12 + 1) if unit == "month" else (year + 1, 1)
    return start, cftime.datetime(*following, 1, calendar=calendar) - start


def _instant(value: float, unit: str, calendar: str) -> cftime.datetime:
    """The date of one value, its fraction rounded to the second."""
    number = int(np.floor(value))
    start, length = _start_and_length(number, unit, calendar)
    return start + datetime.timedelta(seconds=round((value - number) * length.total_seconds()))


def absolute_times(values: np.ndarray, units: str, calendar: str | None = None, *, name: str = "time") -> AbsoluteTimes:
    """The dates of an absolute time axis (CDO, ``cdo -a``), as seconds since the start of the
    first one's year.

    Parameters
    ----------
    values : ndarray of float, any shape (time, or time bounds (n_time, 2))
        Date numbers: ``YYYYMMDD.f``, ``YYYYMM.f`` or ``YYYY.f`` as ``units`` says.
    units : str
        ``day as %Y%m%d.%f``, ``month as %Y%m.%f`` or ``year as %Y.%f``.
    calendar : str, optional
        The CF calendar of the dates; ``proleptic_gregorian`` when None (as CDI).
    name : str
        The variable's name, for the error message.

    Returns
    -------
    AbsoluteTimes

    Raises
    ------
    AbsoluteTimeError
        If a value is not a date of the calendar (month 13, day 0, 30 February in
        ``standard``, NaN, negative), naming the first such value.

    Examples
    --------
    >>> times = absolute_times(np.array([19900116.5, 19900215.0]), "day as %Y%m%d.%f")
    >>> times.reference, times.seconds.tolist()
    ('1990-01-01 00:00:00', [1339200, 3888000])
    """
    unit = absolute_time_unit(units)
    calendar = calendar or DEFAULT_CALENDAR
    flat = np.asarray(values, dtype=np.float64).ravel()
    dates = []
    for value in flat:
        try:
            if not np.isfinite(value) or value < 0:
                raise ValueError("not a positive number")
            dates.append(_instant(value, unit, calendar))
        except (ValueError, OverflowError) as error:
            raise AbsoluteTimeError(
                f"time '{name}' has units '{units}' (CDO's absolute time axis: the date as a number) but its "
                f"value {float(value)!r} is not a date of the '{calendar}' calendar ({_reason(error)}); correct "
                "that value in the file"
            ) from None
    if not dates:
        return AbsoluteTimes(np.zeros(np.shape(values), np.int64), "1970-01-01 00:00:00")
    reference = cftime.datetime(dates[0].year, 1, 1, calendar=calendar)
    seconds = [(date - reference) // datetime.timedelta(seconds=1) for date in dates]
    reference_text = date_text(reference, precision="second")
    return AbsoluteTimes(np.array(seconds, np.int64).reshape(np.shape(values)), reference_text)


def _reason(error: Exception) -> str:
    """cftime's "invalid day number provided in cftime.datetime(…)" as "invalid day number"."""
    return str(error).split(" provided in ")[0]


def with_absolute_time_bounds(dataset: xr.Dataset) -> xr.Dataset:
    """The dataset with the CF bounds (``bounds = "time_bnds"``, CF §7.1) of an absolute time
    axis decoded as the axis itself: bounds without units take the units and calendar of
    their coordinate (CF §7.1), which xarray does only for "units since a date".

    Raises
    ------
    AbsoluteTimeError
        If a bound is not a date.
    """
    decoded = {}
    for name, coordinate in dataset.coords.items():
        units, bounds_name = coordinate.encoding.get(ABSOLUTE_UNITS_KEY), coordinate.attrs.get("bounds")
        if units is None or bounds_name not in dataset.variables or dataset[bounds_name].dtype == object:
            continue
        bounds = dataset[bounds_name]
        calendar = coordinate.encoding.get("calendar", DEFAULT_CALENDAR)
        times = absolute_times(bounds.values, units, calendar, name=str(bounds_name))
        dates = cftime.num2date(times.seconds, f"seconds since {times.reference}", calendar=calendar)
        decoded[bounds_name] = bounds.copy(data=np.asarray(dates))
        decoded[bounds_name].encoding.update(units=coordinate.encoding["units"], calendar=calendar)
    return dataset.assign(decoded) if decoded else dataset


#: The units of a duration as a bounds variable may give them without "since" (FMS's ``time_bnds``).
_DURATIONS = {"day": "days", "days": "days", "d": "days", "hour": "hours", "hours": "hours", "h": "hours",
              "minute": "minutes", "minutes": "minutes", "second": "seconds", "seconds": "seconds", "s": "seconds"}


def with_duration_time_bounds(dataset: xr.Dataset) -> xr.Dataset:
    """The dataset with the CF bounds of a time axis that give its unit without its reference date
    decoded as the axis itself. MOM6's and other FMS output write ``time_bnds:units = "days"``
    beside ``time:units = "days since 0001-01-01 00:00:00"``; CF §7.1 gives bounds the units of
    their coordinate, and xarray, which decodes bounds only without units or with "units since
    a date", left them numbers, which every later use of the bounds (predictions.nc, the time
    cells) left out unsaid (break42b A8). Decoded only when each step lies within its bounds so
    read (inclusive); else left as they are.

    Parameters
    ----------
    dataset : xarray.Dataset
        One file, as opened (times decoded).

    Returns
    -------
    xarray.Dataset
        ``dataset``, the bounds of such a time axis as cftime dates (``encoding`` the axis's
        units and calendar, as xarray gives decoded bounds).
    """
    decoded = {}
    for name, coordinate in dataset.coords.items():
        units, bounds_name = str(coordinate.encoding.get("units", "")), coordinate.attrs.get("bounds")
        if " since " not in units or bounds_name not in dataset.variables:
            continue
        bounds = dataset[bounds_name]
        own = str(bounds.attrs.get("units", "")).strip().lower()
        if (bounds.dtype.kind not in "iuf" or bounds.ndim != 2 or bounds.dims[0] != name
                or _DURATIONS.get(own) is None
                or _DURATIONS.get(own) != _DURATIONS.get(units.split(" since ")[0].strip().lower())):
            continue
        values = np.asarray(bounds.values, dtype=float)
        calendar = str(coordinate.encoding.get("calendar", "standard"))
        if not np.isfinite(values).all():
            continue
        try:
            dates = np.asarray(cftime.num2date(values, units, calendar))
            inside = all(low <= time <= high for (low, high), time in zip(dates, coordinate.values, strict=True))
        except (ValueError, TypeError):  # not dates of that calendar, or an axis decoded otherwise
            continue
        if inside:
            attrs = {key: value for key, value in bounds.attrs.items() if key not in ("units", "calendar")}
            decoded[bounds_name] = xr.Variable(bounds.dims, dates, attrs)
            decoded[bounds_name].encoding.update(units=units, calendar=calendar)
    return dataset.assign(decoded) if decoded else dataset
