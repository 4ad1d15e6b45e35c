"""Dates stored as text: WRF's ``Times`` character array, ISO 8601 strings as a time coordinate.

CF reads time only from numbers in units of time since a reference date (``days since
2000-01-01``, CF 1.8 §4.4); xarray decodes those into dates. Some writers store the dates as
text instead: WRF writes ``char Times(Time, DateStrLen)`` holding ``2000-01-15_00:00:00``
beside a ``Time`` dimension without a coordinate variable (WRF User's Guide, ch. 5, "WRF
Output"), and pandas- or R-based tools write a time coordinate of NetCDF-4 strings
(``"2000-01-15"``). Neither is a CF time axis, and neither is fixed by an attribute (``units``
on a text variable does not make it numbers): the dates are found here so that the refusal says
so and gives the line of Python (cftime and xarray) that writes a CF time coordinate holding
the same dates into a copy of the file.

A text is taken as a date when it has the layout ``YYYY-MM-DD``, optionally followed by a
space, ``T`` or ``_`` and ``hh:mm``, ``hh:mm:ss`` or ``hh:mm:ss.ffffff`` (ISO 8601's extended
format, and WRF's with ``_``), or ISO 8601's basic format of digits alone, ``YYYYMMDD``,
``YYYYMMDDhh``, ``YYYYMMDDhhmm`` or ``YYYYMMDDhhmmss`` (FLUXNET's ``TIMESTAMP_START``,
``200501010030``), every value of the variable in the same layout, each a date of
the ``standard`` calendar or else each one of the ``360_day`` calendar (``2000-02-30``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr

from climann.data.shell import copy_path, working_path

#: A date as text: the date, then optionally a separator and the time of day.
_LAYOUT = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"(?:(?P<separator>[ T_])(?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?P<fraction>\.\d{1,6})?)?)?"
)

#: A date as text in ISO 8601's basic (compact) format, digits only: ``YYYYMMDD``, then
#: optionally ``hh``, ``hhmm`` or ``hhmmss`` (FLUXNET's ``TIMESTAMP_START`` ``200501010030``,
#: ``YYYYMMDDHHMM``; ERA5-Land's and many loggers' ``YYYYMMDDHH``).
_COMPACT = re.compile(
    r"(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})(?:(?P<hour>\d{2})(?:(?P<minute>\d{2})(?P<second>\d{2})?)?)?"
)

#: The calendars tried, in this order: the first in which every text is a date is the one written.
CALENDARS = ("standard", "360_day")

#: How many values a message quotes from the start of the series.
_QUOTED = 2

#: Days in each month of a common year of the Gregorian calendar.
_MONTH_DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


@dataclass(frozen=True)
class TextDates:
    """A 1-D variable whose values are dates written as text.

    Attributes
    ----------
    name : str
        The variable (``Times``, or the time coordinate itself).
    dim : str
        Its dimension: the time steps it dates.
    examples : tuple of str
        Its first two values and its last, as written (all of them when there are three or fewer).
    count : int
        Its number of values.
    format : str
        The :func:`cftime.datetime.strptime` format every value has (``%Y-%m-%d_%H:%M:%S``).
    calendar : str
        The first of :data:`CALENDARS` in which every value is a date.
    """

    name: str
    dim: str
    examples: tuple[str, ...]
    count: int
    format: str
    calendar: str

    def quoted(self) -> str:
        """The examples, quoted: ``'2000-01-15', '2000-02-15', …, '2009-12-15'``."""
        shown = [repr(value) for value in self.examples]
        return ", ".join([*shown[:-1], "…", shown[-1]] if self.count > len(self.examples) else shown)


def _texts(variable: xr.DataArray) -> list[str] | None:
    """The values of a 1-D text variable (bytes decoded), or None for any other variable."""
    if variable.ndim != 1 or variable.dtype.kind not in "SUO" or variable.size == 0:
        return None
    texts = []
    for value in np.asarray(variable.values):
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        if not isinstance(value, str):
            return None
        texts.append(value.strip())
    return texts


def _format(match: re.Match) -> str:
    """The strptime format of one matched text."""
    if match.re is _COMPACT:
        return "%Y%m%d" + "".join(code for key, code in (("hour", "%H"), ("minute", "%M"), ("second", "%S"))
                                  if match[key])
    time_of_day = ""
    if match["separator"]:
        time_of_day = f"{match['separator']}%H:%M" + (":%S" if match["second"] else "")
        time_of_day += ".%f" if match["fraction"] else ""
    return "%Y-%m-%d" + time_of_day


def _calendar(fields: np.ndarray) -> str | None:
    """The first of :data:`CALENDARS` in which every (year, month, day, hour, minute, second)
    row of ``fields`` is a date, or None. ``standard`` is checked as proleptic Gregorian, and
    the ten days the Gregorian reform skipped (1582-10-05 to 1582-10-14) are not dates in it."""
    year, month, day, hour, minute, second = fields.T
    if not ((1 <= month) & (month <= 12) & (day >= 1) & (hour < 24) & (minute < 60) & (second < 60)).all():
        return None
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0) | (year < 1582))  # Julian before the reform
    month_days = _MONTH_DAYS[month - 1] + ((month == 2) & leap)
    skipped = (year == 1582) & (month == 10) & (day >= 5) & (day <= 14)
    if (day <= month_days).all() and not skipped.any():
        return CALENDARS[0]
    return CALENDARS[1] if (day <= 30).all() else None


def text_dates(variable: xr.DataArray) -> TextDates | None:
    """The dates a 1-D text variable holds, or None when it is not one or a value is not a date
    (in the layouts of this module's description, all in one layout).

    Parameters
    ----------
    variable : xarray.DataArray, shape (n_time,)
        Any variable; char arrays are read by xarray as one text per step.

    Returns
    -------
    TextDates or None
    """
    texts = _texts(variable)
    if texts is None:
        return None
    matches = [_LAYOUT.fullmatch(text) or _COMPACT.fullmatch(text) for text in texts]
    if not all(matches):
        return None
    formats = {_format(match) for match in matches}
    if len(formats) != 1:
        return None
    fields = np.array([[int(match[key] or 0) for key in ("year", "month", "day", "hour", "minute", "second")]
                       for match in matches])
    calendar = _calendar(fields)
    if calendar is None:
        return None
    examples = texts if len(texts) <= _QUOTED + 1 else [*texts[:_QUOTED], texts[-1]]
    return TextDates(str(variable.name), str(variable.dims[0]), tuple(examples), len(texts), formats.pop(), calendar)


def text_dates_in(dataset: xr.Dataset) -> dict[str, TextDates]:
    """The 1-D text variables of ``dataset`` that hold dates (:func:`text_dates`), by the
    dimension they date; of several on one dimension, the first."""
    found: dict[str, TextDates] = {}
    for name in dataset.variables:
        dates = text_dates(dataset[name])
        if dates is not None:
            found.setdefault(dates.dim, dates)
    return found


def conversion_code(dates: TextDates, source: str | Path | None) -> str:
    """One line of Python that writes a copy of the file ``source`` (``IN.nc`` when not known)
    with a CF time coordinate on ``dates.dim`` holding the dates of the text (cftime dates in
    ``dates.calendar``, which xarray writes as numbers in units of time since the first date),
    the text variable dropped unless it is that coordinate itself. The file is opened without
    decoding times: xarray fails on text given time units (``units = "days since …"``), and the
    other variables are written back as they were stored.

    Examples
    --------
    >>> dates = TextDates("Times", "Time", ("2000-01-15_00:00:00",), 1, "%Y-%m-%d_%H:%M:%S", "standard")
    >>> print(conversion_code(dates, None))  # doctest: +NORMALIZE_WHITESPACE
    import cftime, xarray as xr; ds = xr.open_dataset('IN.nc', decode_times=False); ds = ds.assign_coords({'Time':
    [cftime.datetime.strptime(s.strip(), '%Y-%m-%d_%H:%M:%S', calendar='standard')
    for s in ds['Times'].values.astype(str)]}); ds.drop_vars('Times').to_netcdf('OUT.nc')
    """
    read, written = ("IN.nc", "OUT.nc") if source is None else (working_path(source), working_path(copy_path(source)))
    kept = "ds" if dates.name == dates.dim else f"ds.drop_vars({dates.name!r})"
    return (
        f"import cftime, xarray as xr; ds = xr.open_dataset({read!r}, decode_times=False); "
        f"ds = ds.assign_coords({{{dates.dim!r}: "
        f"[cftime.datetime.strptime(s.strip(), {dates.format!r}, calendar={dates.calendar!r}) "
        f"for s in ds[{dates.name!r}].values.astype(str)]}}); {kept}.to_netcdf({written!r})"
    )


def text_dates_advice(dates: TextDates, source: str | Path | None) -> str:
    """What a CF time axis is and the Python line that makes one from ``dates`` (see
    :func:`conversion_code`), for the end of a one-line refusal."""
    other = " (or the model's own, e.g. 'noleap')" if dates.calendar == "standard" else ""
    return (
        "a CF time coordinate holds numbers in units of time since a date (units = 'days since …', CF §4.4; a units "
        f"attribute does not make text numbers); write a copy with one, calendar '{dates.calendar}'{other}, e.g. "
        f"in Python: `{conversion_code(dates, source)}`"
    )
