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
format, and WRF's with ``_``), each optionally followed by ISO 8601's mark of UTC, ``Z`` or
``+00:00`` (``2000-01-15T00:00:00Z``, the most common form of all: break41b B9, it was given no
line; the dates are UTC, as CF's times without a zone are read, so the mark changes nothing),
or ISO 8601's basic format of digits alone, ``YYYYMMDD``,
``YYYYMMDDhh``, ``YYYYMMDDhhmm`` or ``YYYYMMDDhhmmss`` (FLUXNET's ``TIMESTAMP_START``,
``200501010030``), every value of the variable in the same layout, each a date of
the ``standard`` calendar or else each one of the ``360_day`` calendar (``2000-02-30``).
Other layouts spreadsheets, loggers and MATLAB write are dates too (fix37j): ``2005/01/01``
(year first, slashes or dots), ``1-Jan-2005`` (the month's English abbreviation), and
``31/12/2005`` or ``12/31/2005`` (or with dots, dashes or, as AERONET writes, colons), day or
month first, each optionally with ``hh:mm[:ss]``.
Which of the last two it is only a day above 12 tells; when none is (``01/02/2005``), both
readings are offered, each saying which order it takes, and none is chosen. Whole numbers of
8, 10, 12 or 14 digits without ``units`` (``20050101``, ``200501010030``: the basic format
stored as numbers) are dates in the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import xarray as xr

from climann.data.shell import copy_path, whole_write, working_path

#: A date as text: the date, then optionally a separator and the time of day.
_LAYOUT = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"(?:(?P<separator>[ T_])(?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?P<fraction>\.\d{1,6})?)?"
    r"(?P<zone>Z|[+-]00:?00)?)?"
)

#: A date as text in ISO 8601's basic (compact) format, digits only: ``YYYYMMDD``, then
#: optionally ``hh``, ``hhmm`` or ``hhmmss`` (FLUXNET's ``TIMESTAMP_START`` ``200501010030``,
#: ``YYYYMMDDHHMM``; ERA5-Land's and many loggers' ``YYYYMMDDHH``).
_COMPACT = re.compile(
    r"(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})(?:(?P<hour>\d{2})(?:(?P<minute>\d{2})(?P<second>\d{2})?)?)?"
)

#: A date in ISO 8601's ordinal format, year and day of the year: ``YYYYDDD`` (the old IMS daily
#: files' ``time``, "Julian date of the analysis, YYYYDDD", 2014354 for 2014-12-20; MODIS's
#: ``A2014354``) or ``YYYY-DDD``.
_ORDINAL = re.compile(r"(?P<year>\d{4})(?P<mark>-?)(?P<yday>\d{3})")

#: Words of a description that say the values are ordinal dates: "YYYYDDD", "YYYYJJJ", "YYYY-DDD".
_ORDINAL_WORDS = re.compile(r"\byyyy-?(?:ddd|jjj)\b", re.IGNORECASE)

#: Ordinal dates stored as numbers without such words are read as dates only before this year: a
#: Julian Day Number of a modern date (2 378 497 in 1800 … 2 488 070 in 2100) has 7 digits too, and
#: its first four (2378 … 2488) would be a year (:mod:`climann.data.julian_days` reads those).
_ORDINAL_YEARS_BELOW = 2300

#: The time of day after a date of another layout: a space, ``T`` or ``_``, then ``hh:mm`` or
#: ``hh:mm:ss`` (one digit of hour too: ``1/1/2005 0:30``).
_TIME_OF_DAY = r"(?:(?P<separator>[ T_])(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?"

#: ``2005/01/01``: year, month, day with slashes (or dots), as spreadsheets and loggers write them.
_YEAR_FIRST = re.compile(r"(?P<year>\d{4})(?P<mark>[/.])(?P<month>\d{1,2})(?P=mark)(?P<day>\d{1,2})" + _TIME_OF_DAY)

#: ``01/01/2005 00:30``: two numbers then the year, day first (Europe: ``31/12/2005``,
#: ``31.12.2005``; AERONET's ``Date(dd:mm:yyyy)`` column, ``31:12:2005``, break44c A5) or month
#: first (the United States: ``12/31/2005``); which one only a day above 12 tells
#: (:func:`_day_month_order`).
_YEAR_LAST = re.compile(r"(?P<first>\d{1,2})(?P<mark>[/.:-])(?P<second_number>\d{1,2})(?P=mark)(?P<year>\d{4})"
                        + _TIME_OF_DAY)

#: ``1-Jan-2005``: the day, the month's English abbreviation, the year (Excel's ``d-mmm-yyyy``,
#: MATLAB's ``datestr`` ``01-Jan-2005``), with dashes or spaces.
_MONTH_NAMED = re.compile(r"(?P<day>\d{1,2})(?P<mark>[- ])(?P<month_name>[A-Za-z]{3})(?P=mark)(?P<year>\d{4})"
                          + _TIME_OF_DAY)

#: The English month abbreviations of ``%b`` (C locale), lower case, by month number.
_MONTH_NAMES = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}

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
    orders : tuple of str
        When the day and the month cannot be told apart (``01/02/2005``, no day above 12): the
        formats of both orders, day first then month first; ``format`` is then the first, and
        nothing is converted without the user's word. Empty otherwise.
    numbers : bool
        Whether the dates are numbers of digits (``20050101``, ``200501010030``: ISO 8601's basic
        format stored as integers without units), not text.
    """

    name: str
    dim: str
    examples: tuple[str, ...]
    count: int
    format: str
    calendar: str
    orders: tuple[str, ...] = ()
    numbers: bool = False

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
    """The strptime format of one matched text (of :data:`_YEAR_LAST`: day first)."""
    if match.re in (_YEAR_FIRST, _YEAR_LAST, _MONTH_NAMED):
        mark = match["mark"]
        date = {_YEAR_FIRST: f"%Y{mark}%m{mark}%d", _YEAR_LAST: f"%d{mark}%m{mark}%Y",
                _MONTH_NAMED: f"%d{mark}%b{mark}%Y"}[match.re]
        return date + (f"{match['separator']}%H:%M" + (":%S" if match["second"] else "") if match["separator"] else "")
    if match.re is _ORDINAL:
        return f"%Y{match['mark']}%j"
    if match.re is _COMPACT:
        return "%Y%m%d" + "".join(code for key, code in (("hour", "%H"), ("minute", "%M"), ("second", "%S"))
                                  if match[key])
    time_of_day = ""
    if match["separator"]:
        time_of_day = f"{match['separator']}%H:%M" + (":%S" if match["second"] else "")
        time_of_day += ".%f" if match["fraction"] else ""
        time_of_day += match["zone"] or ""  # UTC said (Z, +00:00): read as the literal text it is
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


def text_dates(variable: xr.DataArray, *, ordinal: bool = True) -> TextDates | None:
    """The dates a 1-D text variable holds, or None when it is not one or a value is not a date
    (in the layouts of this module's description, all in one layout).

    ISO 8601's ordinal dates, ``YYYYDDD`` (7 digits: the old IMS files' ``time``, "Julian date of
    the analysis, YYYYDDD", 2014354 for 2014-12-20), are read too when ``ordinal``, stored as text or
    as numbers without units, the day of the year within the year's days; as numbers only when a
    description says "YYYYDDD" or every year is before :data:`_ORDINAL_YEARS_BELOW` (a Julian Day
    Number has 7 digits too). Told "days since 1970-01-01", 2014354 was dated 7485-02-11 (break47b A3).

    Parameters
    ----------
    variable : xarray.DataArray, shape (n_time,)
        Any variable; char arrays are read by xarray as one text per step.
    ordinal : bool
        Whether ordinal dates (``YYYYDDD``) are read: for a time coordinate, not for a data
        variable's values (:func:`digit_dates`: a count of seven digits is no date).

    Returns
    -------
    TextDates or None
    """
    texts = _texts(variable)
    numbers = texts is None and (texts := _digit_numbers(variable, ordinal=ordinal)) is not None
    if texts is None:
        return None
    layouts = (_COMPACT,) if numbers else (_LAYOUT, _COMPACT, _YEAR_FIRST, _YEAR_LAST, _MONTH_NAMED)
    if ordinal and {len(text) for text in texts} <= {7, 8}:
        layouts = (*layouts, _ORDINAL)
    matches = [next((match for layout in layouts if (match := layout.fullmatch(text))), None) for text in texts]
    if not all(matches):
        return None
    formats = {_format(match) for match in matches}
    if len(formats) != 1:
        return None
    fields = np.array([_fields(match) for match in matches])
    orders: tuple[str, ...] = ()
    if matches[0].re is _YEAR_LAST:
        fields, formats, orders = _day_month_order(fields, formats.pop())
        if fields is None:
            return None
    calendar = _calendar(fields)
    if calendar is None:
        return None
    examples = texts if len(texts) <= _QUOTED + 1 else [*texts[:_QUOTED], texts[-1]]
    return TextDates(str(variable.name), str(variable.dims[0]), tuple(examples), len(texts), formats.pop(), calendar,
                     orders, numbers)


def _fields(match: re.Match) -> list[int]:
    """(year, month, day, hour, minute, second) of one matched text; of :data:`_YEAR_LAST`, the
    first number as the day (:func:`_day_month_order` turns them round), of :data:`_MONTH_NAMED`
    the month by its name (−1 for no month's)."""
    if match.re is _ORDINAL:
        return [*_ordinal_date(int(match["year"]), int(match["yday"])), 0, 0, 0]
    if match.re is _YEAR_LAST:
        date = [int(match["year"]), int(match["second_number"]), int(match["first"])]
    elif match.re is _MONTH_NAMED:
        date = [int(match["year"]), _MONTH_NAMES.get(match["month_name"].lower(), -1), int(match["day"])]
    else:
        date = [int(match[key]) for key in ("year", "month", "day")]
    return date + [int(match[key] or 0) for key in ("hour", "minute", "second")]


def _ordinal_date(year: int, yday: int) -> list[int]:
    """[year, month, day] of day ``yday`` of ``year`` in the proleptic Gregorian calendar (month −1,
    no date's, for a day 0 or beyond the year's last)."""
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    ends = np.cumsum(_MONTH_DAYS + np.array([0, int(leap)] + [0] * 10))
    if not 1 <= yday <= ends[-1]:
        return [year, -1, 1]
    month = int(np.searchsorted(ends, yday)) + 1
    return [year, month, yday - int(ends[month - 2] if month > 1 else 0)]


def _day_month_order(fields: np.ndarray, day_first: str) -> tuple[np.ndarray | None, set[str], tuple[str, ...]]:
    """The fields, format and undecided orders of texts ``NN/NN/YYYY``: day first when a first
    number is above 12, month first when a second one is (and no first one), both offered (never
    one guessed) when no number is above 12, none when both are. ``fields`` day first."""
    month_first = day_first.replace("%d", "%D").replace("%m", "%d").replace("%D", "%m")
    first_over, second_over = (fields[:, 2] > 12).any(), (fields[:, 1] > 12).any()
    if first_over and second_over:
        return None, set(), ()
    if second_over:
        return fields[:, [0, 2, 1, 3, 4, 5]], {month_first}, ()
    if first_over:
        return fields, {day_first}, ()
    return fields, {day_first}, (day_first, month_first)


def _digit_numbers(variable: xr.DataArray, *, ordinal: bool = False) -> list[str] | None:
    """A 1-D variable of whole numbers of 8, 10, 12 or 14 digits without ``units`` (``20050101``,
    ``200501010030``: dates in ISO 8601's basic format stored as numbers), written as their
    digits; with ``ordinal``, of 7 digits too (``2014354``, ``YYYYDDD``) when a description says
    "YYYYDDD" or every year is before :data:`_ORDINAL_YEARS_BELOW`; None for any other variable."""
    if (variable.ndim != 1 or variable.size == 0 or variable.dtype.kind not in "iuf"
            or str(variable.attrs.get("units", "")).strip()):
        return None
    values = np.asarray(variable.values, dtype=np.float64)
    if not (np.isfinite(values).all() and (values % 1 == 0).all() and (values >= 1e6).all() and (values < 1e14).all()):
        return None
    texts = [str(int(value)) for value in values]
    lengths = {len(text) for text in texts}
    if lengths == {7}:
        said = any(_ORDINAL_WORDS.search(str(variable.attrs.get(key, "")))
                   for key in ("long_name", "description", "comment", "standard_name"))
        early = all(int(text[:4]) < _ORDINAL_YEARS_BELOW for text in texts)
        return texts if ordinal and (said or early) else None
    return texts if lengths <= {8, 10, 12, 14} else None


#: At most this many values of a data variable are read to tell whether they are dates written as
#: digits (:func:`digit_dates`): a time stamp's every value is one, so a few hundred tell.
DIGIT_DATES_CHECKED_VALUES = 1000


def digit_dates(variable: xr.DataArray, *, time_dim: str | None = None) -> TextDates | None:
    """The dates a data variable of any shape holds as numbers of a date's digits, by the rule
    that reads them in a time coordinate (:func:`text_dates` on numbers: whole numbers of 8, 10,
    12 or 14 digits without ``units``, each a date of one calendar in one layout, ``%Y%m%d%H%M``),
    or None.

    FLUXNET2015's and AmeriFlux's ``TIMESTAMP_START`` and ``TIMESTAMP_END`` (``201201010030``) and
    the daily files' ``TIMESTAMP`` (``20120101``) stay data variables when a user converts the CSV
    with pandas and xarray; as the target or a predictor they are the calendar, not a quantity:
    every later year lies outside the range trained on (break45a A2). The missing values (NaN) are
    set aside, and at most :data:`DIGIT_DATES_CHECKED_VALUES` values are read: those of up to that
    many evenly spaced steps along ``time_dim`` (when the variable has it), then the first ones.

    Parameters
    ----------
    variable : xarray.DataArray
        Any variable, named, with its attributes (lazy: only the values looked at are read).
    time_dim : str, optional
        The time dimension, along which the values read are spread.

    Returns
    -------
    TextDates or None
        Its ``dim`` is the variable's first dimension, ``count`` the values looked at.
    """
    if (variable.dtype.kind not in "iuf" or variable.size == 0 or variable.ndim == 0
            or str(variable.attrs.get("units", "")).strip()):
        return None
    if time_dim in variable.dims and variable.sizes[time_dim] > DIGIT_DATES_CHECKED_VALUES:
        steps = np.linspace(0, variable.sizes[time_dim] - 1, DIGIT_DATES_CHECKED_VALUES).round().astype(int)
        variable = variable.isel({time_dim: np.unique(steps)})
    values = np.asarray(variable.values, dtype=np.float64).ravel()[:DIGIT_DATES_CHECKED_VALUES]
    values = values[np.isfinite(values)]
    if values.size == 0:
        return None
    dates = text_dates(xr.DataArray(values, dims=("value",), name=variable.name), ordinal=False)
    return None if dates is None else replace(dates, dim=str(variable.dims[0]))


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
    import sys, cftime, xarray as xr; ds = xr.open_dataset('IN.nc', decode_times=False); ds = ds.assign_coords({'Time':
    [cftime.datetime.strptime(s.strip(), '%Y-%m-%d_%H:%M:%S', calendar='standard')
    for s in ds['Times'].values.astype(str)]}); import os,shutil,numpy;p='OUT.nc'+'.part';os.path.lexists('OUT.nc') and
    sys.exit('OUT.nc'+' is there already: left as it is, nothing written; move it away or write another
    name');sys.excepthook=lambda
    *e:(shutil.rmtree(p,True) if os.path.isdir(p) else os.path.exists(p) and
    os.remove(p),sys.__excepthook__(*e));w_=ds.drop_vars('Times');[v.encoding.setdefault('_FillValue',
    numpy.ravel(v.encoding.pop('missing_value'))[0]) for v in w_.variables.values() if 'missing_value' in v.encoding
    and not numpy.array_equal(numpy.ravel(v.encoding['missing_value']), numpy.ravel(v.encoding.get('_FillValue',
    numpy.nan)), equal_nan=True)];w_.to_netcdf(p);os.replace(p,'OUT.nc')
    """
    return _conversion_code(dates, source, dates.format)


def _conversion_code(dates: TextDates, source: str | Path | None, layout: str) -> str:
    """:func:`conversion_code` with the texts read in ``layout`` (a strptime format); numbers
    (``dates.numbers``) are written as their digits first."""
    read, written = ("IN.nc", "OUT.nc") if source is None else (working_path(source), working_path(copy_path(source)))
    kept = "ds" if dates.name == dates.dim else f"ds.drop_vars({dates.name!r})"
    texts = f"ds[{dates.name!r}].values" + (".astype('int64')" if dates.numbers else "") + ".astype(str)"
    return (
        f"import sys, cftime, xarray as xr; ds = xr.open_dataset({read!r}, decode_times=False); "
        f"ds = ds.assign_coords({{{dates.dim!r}: "
        f"[cftime.datetime.strptime(s.strip(), {layout!r}, calendar={dates.calendar!r}) "
        f"for s in {texts}]}}); " + whole_write(f"{kept}.to_netcdf", repr(written))
    )


def conversion_statements(dates: TextDates) -> list[str]:
    """The Python statements on a dataset ``d`` (opened with ``decode_times=False``) that make
    the dates of the text ``dates`` its CF time coordinate on ``dates.dim`` and drop the text
    (:func:`conversion_code`'s change, for a loop over files:
    :func:`~climann.data.shell.dated_copies`). Day and month are read in the order of
    ``dates.format``: callers with undecided ``dates.orders`` must not offer them.

    The text is preferred over any other time on its dimension: a variable on ``dates.dim`` alone
    with units of time since a date (WRF's ``XTIME``, "minutes since" the run's start) is dropped,
    and the ``coordinates`` each variable was read with forgotten (xarray then writes those it
    still holds), so every copy holds one time coordinate. The loop runs on all files of a glob: a
    run whose later files kept ``XTIME`` got copies with two time coordinates, ``Time`` and
    ``XTIME``, refused again (break49c A2).

    Examples
    --------
    >>> dates = TextDates("Times", "Time", ("2000-01-15_00:00:00",), 1, "%Y-%m-%d_%H:%M:%S", "standard")
    >>> conversion_statements(dates)  # doctest: +NORMALIZE_WHITESPACE
    ["d = d.drop_vars([k for k, v in d.variables.items() if k != 'Time' and v.dims == ('Time',) and
    ' since ' in str(v.attrs.get('units', ''))])", "[v.encoding.pop('coordinates', None) for v in
    d.variables.values()]", 'import cftime', "d = d.assign_coords({'Time': [cftime.datetime.strptime(s.strip(),
    '%Y-%m-%d_%H:%M:%S', calendar='standard') for s in d['Times'].values.astype(str)]})",
    "d = d.drop_vars('Times')"]
    """
    texts = f"d[{dates.name!r}].values" + (".astype('int64')" if dates.numbers else "") + ".astype(str)"
    others = [f"d = d.drop_vars([k for k, v in d.variables.items() if k != {dates.dim!r} and v.dims == "
              f"({dates.dim!r},) and ' since ' in str(v.attrs.get('units', ''))])",
              "[v.encoding.pop('coordinates', None) for v in d.variables.values()]"]
    statements = [*others, "import cftime", f"d = d.assign_coords({{{dates.dim!r}: [cftime.datetime.strptime("
                  f"s.strip(), {dates.format!r}, calendar={dates.calendar!r}) for s in {texts}]}})"]
    return statements if dates.name == dates.dim else [*statements, f"d = d.drop_vars({dates.name!r})"]


def text_dates_advice(dates: TextDates, source: str | Path | None) -> str:
    """What a CF time axis is and the Python line that makes one from ``dates`` (see
    :func:`conversion_code`), for the end of a one-line refusal."""
    other = " (or the model's own, e.g. 'noleap')" if dates.calendar == "standard" else ""
    digits = "YYYYDDD, year and day of the year" if "%j" in dates.format else "YYYYMMDD…"
    stored = (f"a units attribute does not make digits of a date ({digits}) a time since one" if dates.numbers else
              "a units attribute does not make text numbers")
    start = (f"a CF time coordinate holds numbers in units of time since a date (units = 'days since …', CF §4.4; "
             f"{stored}); write a copy with one, calendar '{dates.calendar}'{other}")
    if dates.orders:
        day_first, month_first = (_conversion_code(dates, source, layout) for layout in dates.orders)
        return (f"{start}; no day above 12 tells whether they are day/month/year or month/day/year, and climann "
                f"does not guess: if the day comes first, in Python: `{day_first}`; if the month comes first: "
                f"`{month_first}`")
    return f"{start}, e.g. in Python: `{conversion_code(dates, source)}`"


def unread_text_dates_advice(variable: xr.DataArray, source: str | Path | None) -> str:
    """For a 1-D text variable whose values are in no layout :func:`text_dates` reads: the line of
    :func:`conversion_code` with the strptime format left for the user to write (``FORMAT``: the
    layout is not guessed), for the end of a one-line refusal. Text in a layout climann reads has
    its own line with its format (break44c A5: ``dd:mm:yyyy`` was refused with "see Time above for
    the way out", and Time gave none).

    Parameters
    ----------
    variable : xarray.DataArray, shape (n_time,)
        The text variable (the time coordinate, or WRF's ``Times``).
    source : str or Path, optional
        The file read (``IN.nc`` when not known).
    """
    dates = TextDates(str(variable.name), str(variable.dims[0]), (), variable.size, "FORMAT", "standard")
    code = _conversion_code(dates, source, "FORMAT")
    return (f"if they are dates, write a copy with a CF time coordinate, FORMAT being the layout of their text in "
            f"strptime codes (e.g. '%d:%m:%Y %H:%M' for '31:12:2005 18:00'): `{code}`")


#: Dates decoded past this year from digits of a date given units since a date are refused: the
#: digits were read as a count (2014354 "days since 1970-01-01" is 7485-02-11).
UNLIKELY_YEAR = 3000


def digit_dates_units_message(name: str, attrs: dict, values: np.ndarray) -> str | None:
    """One line for a time axis whose values are dates written as digits (``YYYYDDD``, ``YYYYMMDD``…:
    :func:`text_dates` on them without their units) but which has units of a time since a date that
    date them beyond :data:`UNLIKELY_YEAR` (the old advice "CF expects units = 'days since 1970-01-01'"
    followed literally on the old IMS files' ``time`` 2014354…: 7485-02-11 to 7486-11-29, break47b
    A3), for the decoder to refuse with the line that writes the dates; None for any other axis.

    Parameters
    ----------
    name : str
        The time axis.
    attrs : dict
        Its attributes (``units``, ``calendar``, ``long_name``).
    values : numpy.ndarray, shape (n_time,)
        Its values as stored.

    Returns
    -------
    str or None
        With :data:`~climann.data.time_values.FILE_PLACEHOLDER` where the file's name goes.
    """
    import cftime

    units = str(attrs.get("units", ""))
    if " since " not in f" {units.lower()} " or np.ndim(values) != 1 or np.size(values) == 0:
        return None
    without = {key: value for key, value in attrs.items() if key not in ("units", "calendar")}
    dates = text_dates(xr.DataArray(np.asarray(values), dims=(name,), name=name, attrs=without))
    if dates is None or not dates.numbers:
        return None
    try:
        first = cftime.num2date(float(np.asarray(values, dtype=np.float64)[0]), units,
                                str(attrs.get("calendar", "standard")))
    except (ValueError, OverflowError, TypeError):
        first = None
    if first is not None and first.year <= UNLIKELY_YEAR:
        return None
    from climann.data.time_values import FILE_PLACEHOLDER  # imported here: time_values reads this module's rules

    digits = "YYYYDDD, year and day of the year" if "%j" in dates.format else dates.format.replace("%", "")
    dated = f"in the year {first.year}" if first is not None else "beyond any date"
    return (f"{FILE_PLACEHOLDER}: time '{name}' has units '{units}', which date its values ({dates.quoted()}) {dated}: "
            f"they are dates written as digits ({digits}), not a count since a date; "
            f"{text_dates_advice(dates, None)}")
