"""Files whose time axes use different calendars, combined only where their dates mean the same;
and files of a single time step that are static fields.

Dates of two calendars cannot be compared (a ``noleap`` year has no 29 February, a
``360_day`` year has 30 February), so files in different calendars are combined only where
nothing needs to be guessed; the calendar of the first file with more than one time step
(the series) is kept:

- names of one calendar (CF-1.8 §4.4.1: ``gregorian`` is ``standard``, ``365_day`` is
  ``noleap``, ``366_day`` is ``all_leap``) are one calendar, silently;
- ``standard`` and ``proleptic_gregorian`` agree for dates from 1582-10-15 on (CF-1.8
  §4.4.1: they differ only before the Gregorian reform): a file whose dates all lie from then
  on is relabelled in the series' calendar, its dates unchanged, with an INFO line in the run
  log (a warning per file, such as each ``cdo`` copy of a series, said only that nothing
  needed doing, verify25 F3); so are ``standard`` and ``julian`` for dates before 1582-10-05
  (the standard calendar is Julian until then: a paleo run's files); the series' calendar is that of
  the files reaching before the reform when they share one (a proleptic_gregorian past1000
  run beside a standard historical one), else the first series file's;
- ``julian`` beside ``standard`` or ``proleptic_gregorian`` when the julian file's dates, cell edges and
  the epoch of its time units all lie from 1900-03-01 to 2100-02-28, where the calendars have the same
  months and leap years: each date is read as the date of the same name (as ``convert_calendar`` and
  ``cdo setcalendar`` relabel), its days from the epoch unchanged, with one warning for all such files
  (break56b A4: GPM IMERG and the GPCP CDR write "julian" for Gregorian dates, and CDO writes their
  copies "standard", so climann's own advised CDO copies were refused beside the files they came from);
- a file with a single time step whose variables are in no other file (an ERA5-style
  land-sea mask with ``time = 1`` next to model data), beside a series, is a static field
  in whatever calendar (the series' own too): its time is dropped, with a warning naming
  the file and the date of its step. A single step of a variable that other files also
  hold (one file per month) belongs to a series and keeps its time;
- monthly series in a model's calendar (``360_day``, ``noleap``, ``all_leap``) beside one in any other
  (a model's ``tas`` in ``360_day`` beside observed ``pr`` in ``standard``) are paired by year and
  month, with a warning: a model's monthly mean is the mean of its calendar month, whose days are
  the model's own, and it is compared with the observed month of that name (fix46c: refused
  before, with a conversion whose ``align_on`` chooses days that monthly means do not have); two
  calendars of the real world's days (``julian`` and a Gregorian one before 1582) name other days
  by one month's label and stay refused. Each value of the
  other file is dated at the middle of its month in the series' calendar (its cell's month
  when the file has CF bounds, which become that month's edges), :func:`by_period_in_calendar`;
  yearly series so by year (ISIMIP's old annual output in ``360_day`` beside ``cdo yearmean``
  of ``proleptic_gregorian`` inputs, break51c A2). A stamp on its period's first instant without
  bounds (the 1st at 00:00) may open its month or close the one before in any calendar: it keeps
  that instant, and the pairing of periods (:mod:`climann.data.time_axes`) reads it as it reads
  such stamps of the series' calendar: refused beside periods that are known, with the ``cdo
  settbounds`` line of each reading (break51c A1: read as month starts in ``360_day`` alone, a
  file stamped at the months' ends was paired a month late);
- anything else (``noleap`` against ``standard`` daily series, ``360_day`` against any other) is
  refused in one line naming both files' calendars and how to convert every file of one side (the side
  of fewer files), in one loop, with no ``cdo setcalendar`` for a grid CDO reads as generic.

Only the time coordinates are read (as :mod:`climann.data.time_overlap` does), before the
files are combined.

The blocks of a split by files (:func:`blocks_in_one_calendar`: observations for training, a
model for testing) follow the same rules, the train block's calendar kept: ``standard`` and
``proleptic_gregorian`` after 1582 are one calendar, with the same INFO line; any other pair is
refused before anything is written, since ``predictions.nc`` has one time axis in one
calendar and the train block's climatology is kept per calendar month or day of its year.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import xarray as xr

from climann.data.coords import FILE_TIME_COORDINATE, find_coordinate
from climann.data.shell import cdo_command, copies_of_files, python_command, whole_write
from climann.data.time_axis import date_text
from climann.data.time_overlap import file_times
from climann.errors import ClimannError

_log = logging.getLogger(__name__)

#: Other CF names of one calendar (CF-1.8 §4.4.1).
CALENDAR_ALIASES = {"gregorian": "standard", "365_day": "noleap", "366_day": "all_leap"}

#: The first day of the Gregorian calendar: ``standard`` and ``proleptic_gregorian`` agree from it on.
GREGORIAN_REFORM = (1582, 10, 15)

_GREGORIAN = {"standard", "proleptic_gregorian"}


@dataclass(frozen=True)
class _FileCalendar:
    path: Path
    time: str
    calendar: str
    times: np.ndarray
    variables: frozenset[str]
    label: str = ""  # how messages name it, when not by the file's name (a split block: its files and name)
    own: str = ""  # the calendar as the file spells it (``365_day``), when it says
    cells: tuple = ()  # each step's time cell (CF bounds), None without; () when not read (a split block)
    epoch: object = None  # the date the file's time units count from (``days since 1970-01-01``), None unread

    @property
    def name(self) -> str:
        return self.label or self.path.name

    @property
    def said(self) -> str:
        """The calendar as the file names it (``365_day``), else its canonical name (``noleap``)."""
        return self.own or self.calendar


def calendar_name(calendar: str) -> str:
    """The CF calendar's canonical name (``gregorian`` → ``standard``, ``365_day`` → ``noleap``)."""
    name = str(calendar).strip().lower()
    return CALENDAR_ALIASES.get(name, name)


#: Each CF calendar name (CF-1.8 §4.4.1) → the name CDO's ``setcalendar`` takes for it: CDO 2.1
#: knows only ``standard``, ``proleptic_gregorian``, ``360_day``, ``365_day`` and ``366_day``
#: ("Calendar >noleap< unsupported!", break45d D1); ``julian`` and ``none`` it has none of.
CDO_CALENDARS = {
    "standard": "standard", "gregorian": "standard", "proleptic_gregorian": "proleptic_gregorian",
    "360_day": "360_day", "noleap": "365_day", "365_day": "365_day", "all_leap": "366_day", "366_day": "366_day",
}


def cdo_calendar(calendar: str) -> str | None:
    """The name CDO's ``setcalendar`` accepts for a CF calendar (:data:`CDO_CALENDARS`), None
    when it has none (``julian``).

    Examples
    --------
    >>> cdo_calendar("noleap"), cdo_calendar("all_leap"), cdo_calendar("julian")
    ('365_day', '366_day', None)
    """
    return CDO_CALENDARS.get(str(calendar).strip().lower())


def own_calendar_name(variable: xr.DataArray) -> str:
    """The calendar of a decoded time coordinate as its file spells it (``365_day``; cftime
    calls every date's calendar ``noleap``), "" when the file says none."""
    own = variable.encoding.get("calendar", variable.attrs.get("calendar", ""))
    return str(own).strip().lower() if own else ""


def _conversion(calendar: str, whose: str, copy: str, align: str, *, cdo: bool = True, time: str = "time") -> str:
    """The two ways to bring a file (``whose`` "its") or blocks' files ("their") to ``calendar``
    as the file spells it: xarray's ``convert_calendar`` and, when CDO has the calendar (and
    ``cdo``: CDO reads the file's grid), ``cdo setcalendar`` with CDO's name of it (``copy``: the
    command's file arguments when one file is converted). Without CDO's, the xarray line itself
    (:func:`_convert_calendar_command`, of the time ``time``) when ``copy`` is given and no
    ``align_on`` is to be chosen: a julian file outside 1900-03-01 … 2100-02-28 beside a
    Gregorian series was refused with the words alone (CDO has no julian calendar, fix57d)."""
    cdo = cdo_calendar(calendar) if cdo else None
    xarray = (f"xarray's Dataset.convert_calendar('{calendar}'{align}), after dropping {whose} time bounds, which it "
              f"does not convert")
    if cdo is None:
        if copy and not align:
            return f"({xarray}, each date to its namesake: `{_convert_calendar_command(calendar, time, copy)}`)"
        return f"({xarray})"
    line = f"`{cdo_command(f'setcalendar,{cdo}', copy)}`" if copy else f"cdo setcalendar,{cdo}"
    named = f" (CDO's name of {calendar})" if cdo != calendar else ""
    return f"({xarray}, or {line}{named} when {whose} dates are all valid {calendar} dates)"


def _convert_calendar_command(calendar: str, time: str, files: str) -> str:
    """The xarray line that writes a copy of the file of ``files`` (``IN OUT``) with its time ``time``
    in ``calendar``: :meth:`xarray.Dataset.convert_calendar` (each date to the date of the same name,
    dropping those ``calendar`` lacks), after dropping the time bounds it does not convert; the
    time's units kept (their epoch read in ``calendar``), whole or not at all (:func:`whole_write`).

    Examples
    --------
    >>> line = _convert_calendar_command("julian", "time", "tas.nc julian/tas.nc")
    >>> "d = d.convert_calendar('julian', dim='time'); " in line and line.endswith(" tas.nc julian/tas.nc")
    True
    """
    named, to = repr(time), repr(calendar)
    script = ("import sys, xarray as xr; d = xr.open_dataset(sys.argv[1], "
              "decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)); "
              f"t = d[{named}].variable; b = t.attrs.pop('bounds', t.encoding.pop('bounds', None)); "
              "d = d.drop_vars([b] if b in d.variables else []); u = t.encoding.get('units'); "
              f"d = d.convert_calendar({to}, dim={named}); u and d[{named}].variable.encoding.update(units=u); "
              + whole_write())
    return f"{python_command(script)} {files}"


def _file_calendar(path: Path, open_file: Callable[[Path], xr.Dataset]) -> _FileCalendar | None:
    """The file's time axis (:func:`~climann.data.time_overlap.file_times`) and calendar, None
    without a decoded one (or when unreadable: the combined opening then says why)."""
    info = file_times(path, open_file)
    if info is None:
        return None
    try:
        variable = open_file(path)[info.name]
        own = own_calendar_name(variable)
    except (ClimannError, OSError, ValueError, TypeError, KeyError):
        variable, own = None, ""
    calendar = calendar_name(info.times[0].calendar)
    return _FileCalendar(path, info.name, calendar, info.times, info.variables,
                         own=own if calendar_name(own) == calendar else "", cells=tuple(info.cells),
                         epoch=_epoch(variable, calendar))


def _epoch(variable: xr.DataArray | None, calendar: str) -> object:
    """The date a decoded time coordinate's units count from (``days since 1970-01-01`` → 1970-01-01
    in ``calendar``), None when its encoding does not say."""
    import cftime

    units = None if variable is None else variable.encoding.get("units")
    try:
        return cftime.num2date(0, str(units), calendar=calendar) if units else None
    except (ValueError, TypeError):
        return None


def _after_reform(times: np.ndarray) -> bool:
    return all((t.year, t.month, t.day) >= GREGORIAN_REFORM for t in times)


#: The last Julian day of the ``standard`` calendar is the day before this: ``standard`` and
#: ``julian`` agree before it (CF-1.8 §4.4.1; 1582-10-05 … 10-14 do not exist in ``standard``).
JULIAN_UNTIL = (1582, 10, 5)


def _same_dates(calendar: str, other: str, times: np.ndarray) -> str | None:
    """Why ``times`` of a file in ``calendar`` are the same instants in ``other`` (CF-1.8
    §4.4.1): ``"agree from 1582-10-15 on"`` for ``standard`` and ``proleptic_gregorian`` when
    all lie from the Gregorian reform on, ``"agree before 1582-10-05"`` for ``standard`` and
    ``julian`` when all lie before it (verify26b F4: a paleo run's julian file beside a standard
    one); None when they are not (relabelling would move them)."""
    pair = {calendar, other}
    if pair == _GREGORIAN and _after_reform(times):
        return "agree from 1582-10-15 on"
    if pair == {"standard", "julian"} and all((t.year, t.month, t.day) < JULIAN_UNTIL for t in times):
        return "agree before 1582-10-05"
    return None


#: The dates from which to which the ``julian`` calendar and the Gregorian ones (``standard``,
#: ``proleptic_gregorian``) have the same months and leap years (1900 and 2100 are Julian leap years only).
JULIAN_LIKE_GREGORIAN = ((1900, 3, 1), (2100, 2, 28))


def _within_gregorian_years(dates: Sequence[object]) -> bool:
    low, high = JULIAN_LIKE_GREGORIAN
    return all(date is not None and low <= (date.year, date.month, date.day) <= high for date in dates)


def _julian_as_gregorian(info: _FileCalendar, series_calendar: str) -> bool:
    """Whether ``info`` is in ``julian`` beside a Gregorian series (or the other way round) with its
    dates, its cells' edges and the date its units count from all within 1900-03-01 to 2100-02-28
    (:data:`JULIAN_LIKE_GREGORIAN`): there the two calendars count the same days between any two dates,
    so each value keeps its number of days from the epoch under the series' label of that date."""
    if {info.calendar, series_calendar} not in ({"julian", "standard"}, {"julian", "proleptic_gregorian"}):
        return False
    edges = [edge for cell in info.cells if cell is not None for edge in cell]
    return _within_gregorian_years([*info.times, *edges, info.epoch])


def _julian_warning(files: Sequence[_FileCalendar], series: _FileCalendar) -> None:
    """The one warning that ``files`` in the julian calendar (or a Gregorian one beside a julian
    series) are read by their dates' labels in the series' calendar (:func:`_julian_as_gregorian`)."""
    first = files[0]
    named = first.name if len(files) == 1 else f"{len(files)} files ({first.name}, …)"
    _log.warning(
        "%s %s the %s calendar and %s the %s calendar: from 1900-03-01 to 2100-02-28, where all their dates and "
        "time units lie, the two calendars have the same months and leap years, so each date is read as the "
        "date of the same name in the %s calendar, its count of days from the units' epoch unchanged (as "
        "xarray's convert_calendar and cdo setcalendar relabel; products such as GPM IMERG and the GPCP CDR "
        "write 'julian' for Gregorian dates); were the julian dates truly Julian days, each would lie 13 days "
        "after its Gregorian namesake: then convert them first", named, "uses" if len(files) == 1 else "use",
        first.said, series.name, series.said, series.said,
    )


@dataclass(frozen=True)
class CalendarPlan:
    """What to do with each file so that all share the series' ``calendar``: relabel its
    dates (``relabelled``) or drop its single time step (``static``), by real path."""

    calendar: str
    relabelled: frozenset[str] = field(default_factory=frozenset)
    static: frozenset[str] = field(default_factory=frozenset)
    by_month: frozenset[str] = field(default_factory=frozenset)
    by_year: frozenset[str] = field(default_factory=frozenset)

    def apply(self, dataset: xr.Dataset) -> xr.Dataset:
        """One file's dataset (lazy) with its dates in the series' calendar, or without its time."""
        source = dataset.encoding.get("source")
        path = os.path.realpath(source) if source else None
        if path in self.by_month:
            return by_period_in_calendar(dataset, self.calendar, "monthly")
        if path in self.by_year:
            return by_period_in_calendar(dataset, self.calendar, "yearly")
        if path not in self.relabelled and path not in self.static:
            return dataset
        time = find_coordinate(dataset, "time")
        bounds = dataset[time].attrs.get("bounds")
        if path in self.static:
            dropped = [name for name in (time, bounds) if name in dataset.variables]
            return dataset.isel({time: 0}).drop_vars(dropped)
        return in_calendar(dataset, self.calendar)


def in_calendar(dataset: xr.Dataset, calendar: str) -> xr.Dataset:
    """``dataset`` (lazy) with the dates of its time coordinate and of their CF bounds
    (section 7.1) relabelled in ``calendar``: the same year, month, day and time of day
    (:func:`dates_with_components`; the convention of xarray's ``convert_calendar`` and of ``cdo
    setcalendar``), which is the same instant only where the two calendars agree (``standard`` and
    ``proleptic_gregorian`` from 1582-10-15 on, ``standard`` and ``julian`` before 1582-10-05;
    :func:`calendar_plan` relabels only there). cftime's ``change_calendar`` keeps the instant
    instead (julian 2000-01-01 is standard 2000-01-14): a daily model file in ``julian`` would be
    paired 13 days off with observations of the same dates. The time is encoded in ``calendar``
    when written back.

    Raises
    ------
    ValueError
        From cftime, for a date that ``calendar`` lacks (julian 1900-02-29 in ``standard``;
        callers relabel only where none is).
    """
    time = find_coordinate(dataset, "time")
    bounds = dataset[time].attrs.get("bounds")

    def relabel(dates: np.ndarray) -> np.ndarray:
        return dates_with_components(dates, calendar)

    changed = {time: (dataset[time].dims, relabel(dataset[time].values), dataset[time].attrs)}
    if bounds in dataset.variables:
        changed[bounds] = (dataset[bounds].dims, relabel(dataset[bounds].values), dataset[bounds].attrs)
    stamps = {}
    if FILE_TIME_COORDINATE in dataset.coords:  # the files' own stamps of steps dated by their cells (verify27 F2)
        stamp = dataset[FILE_TIME_COORDINATE]
        stamps[FILE_TIME_COORDINATE] = (stamp.dims, relabel(stamp.values), stamp.attrs)
    result = dataset.assign_coords({time: changed[time], **stamps}).assign(
        {k: v for k, v in changed.items() if k != time})
    result[time].encoding = {**dataset[time].encoding, "calendar": calendar}
    return result


def dates_with_components(dates: np.ndarray, calendar: str) -> np.ndarray:
    """Each of ``dates`` (cftime datetimes, any shape) with its year, month, day, hour, minute,
    second and microsecond in ``calendar``: the date of the same name, as xarray's
    ``Dataset.convert_calendar`` and ``cdo setcalendar`` relabel dates (not the same instant,
    which is cftime's ``change_calendar``: julian 2000-01-01 is 2000-01-01 here, 2000-01-14 there).

    Parameters
    ----------
    dates : numpy.ndarray of cftime.datetime, any shape
    calendar : str
        A CF calendar name.

    Returns
    -------
    numpy.ndarray of cftime.datetime, the shape of ``dates``, with ``calendar``'s ``has_year_zero`` (as
        ``change_calendar`` gives it; a year before 1 counted in it: 1 BC is -1 without a year zero, 0 with one)

    Raises
    ------
    ValueError
        From cftime, for a date ``calendar`` lacks (julian 1900-02-29 in ``standard``, 1582-10-10
        in ``standard``).

    Examples
    --------
    >>> import cftime
    >>> julian = np.array([cftime.datetime(2000, 1, 1, 6, calendar="julian")])
    >>> [str(d) for d in dates_with_components(julian, "standard")]
    ['2000-01-01 06:00:00']
    """
    import cftime

    # the calendar's own date type and year zero, as decoded files and change_calendar give them (DatetimeGregorian:
    # xarray does not combine it with a plain cftime.datetime)
    sample = cftime.num2date(0, "days since 2000-01-01", calendar=calendar)
    kind, zero = type(sample), sample.has_year_zero

    def named(date: object) -> object:
        year = date.year
        if year < 1 and date.has_year_zero != zero:  # 1 BC is year 0 where there is a year zero (ISO 8601)
            year += 1 if zero else -1
        return kind(year, date.month, date.day, date.hour, date.minute, date.second, date.microsecond,
                    has_year_zero=zero)

    dates = np.asarray(dates, dtype=object)
    return np.frompyfunc(named, 1, 1)(dates).astype(object) if dates.size else dates.copy()


def by_period_in_calendar(dataset: xr.Dataset, calendar: str, frequency: str = "monthly") -> xr.Dataset:
    """``dataset`` (monthly or yearly values, lazy) with each time step dated in ``calendar`` by
    its calendar month (``frequency`` "monthly") or year ("yearly"): at the middle of that period
    in ``calendar``, the period of the middle of its CF bounds (section 7.1) when it has them,
    which become that period's edges in ``calendar``, else of its stamp. A monthly mean in
    ``360_day`` and one in ``standard`` are each the mean of their month (an annual mean of its
    year); dated so, they pair with the series' periods (:func:`calendar_plan`).

    A stamp on its period's first instant without bounds (the 1st at 00:00; 1 January at 00:00)
    may open its period (ERA5, ISIMIP) or close the one before (CESM history files), in every
    calendar: it keeps that instant, the same label in ``calendar`` (a day every calendar has),
    so that the pairing of periods reads it as it reads such a stamp of the series' own calendar
    (:mod:`climann.data.time_axes`: refused beside periods that are known, paired by stamp
    beside others stamped so). Dated at the middle of the month it opens, a CESM-like 360_day
    file stamped at each month's end was paired a month late with exit 0 (break51c A1).

    Parameters
    ----------
    dataset : xarray.Dataset
        With a time coordinate of cftime dates, one step per month or year.
    calendar : str
        The series' calendar (CF name).
    frequency : {"monthly", "yearly"}

    Returns
    -------
    xarray.Dataset
        Its time (and bounds, and the files' own stamps) in ``calendar``, encoded in it.

    Examples
    --------
    >>> import cftime
    >>> months = [cftime.datetime(2001, month, 16, calendar="360_day") for month in (1, 2)]
    >>> dated = by_period_in_calendar(xr.Dataset(coords={"time": months}), "standard")
    >>> [str(date) for date in dated["time"].values]
    ['2001-01-16 12:00:00', '2001-02-15 00:00:00']
    >>> firsts = [cftime.datetime(2001, month, 1, calendar="360_day") for month in (1, 2)]
    >>> [str(date) for date in by_period_in_calendar(xr.Dataset(coords={"time": firsts}), "standard")["time"].values]
    ['2001-01-01 00:00:00', '2001-02-01 00:00:00']
    """
    import cftime

    time = find_coordinate(dataset, "time")
    bounds = dataset[time].attrs.get("bounds")
    dates = np.asarray(dataset[time].values)
    bounded = bounds in dataset.variables
    if bounded:
        edges = np.asarray(dataset[bounds].values)
        dates = np.array([low + (high - low) / 2 for low, high in zip(edges.min(1), edges.max(1))], dtype=object)
    yearly = frequency == "yearly"
    starts = np.array([cftime.datetime(date.year, 1 if yearly else date.month, 1, calendar=calendar)
                       for date in dates], dtype=object)
    ends = np.array([cftime.datetime(date.year + 1, 1, 1, calendar=calendar) if yearly else
                     cftime.datetime(date.year + date.month // 12, date.month % 12 + 1, 1, calendar=calendar)
                     for date in dates], dtype=object)
    middles = np.array([start if not bounded and _on_first_instant(date, yearly=yearly) else start + (end - start) / 2
                        for date, start, end in zip(dates, starts, ends)], dtype=object)
    dims = dataset[time].dims
    changed = {time: (dims, middles, dataset[time].attrs)}
    if FILE_TIME_COORDINATE in dataset.coords:  # the files' own stamps, now the periods' middles too
        changed[FILE_TIME_COORDINATE] = (dims, middles, dataset[FILE_TIME_COORDINATE].attrs)
    result = dataset.assign_coords(changed)
    if bounded:
        result = result.assign({bounds: (dataset[bounds].dims, np.stack([starts, ends], 1), dataset[bounds].attrs)})
    result[time].encoding = {**dataset[time].encoding, "calendar": calendar}
    return result


def by_month_in_calendar(dataset: xr.Dataset, calendar: str) -> xr.Dataset:
    """``dataset`` (monthly values, lazy) dated by calendar month in ``calendar``:
    :func:`by_period_in_calendar` with ``frequency="monthly"`` (kept for callers of this name).

    Examples
    --------
    >>> import cftime
    >>> months = [cftime.datetime(2001, month, 16, calendar="360_day") for month in (1, 2)]
    >>> [str(date) for date in by_month_in_calendar(xr.Dataset(coords={"time": months}), "standard")["time"].values]
    ['2001-01-16 12:00:00', '2001-02-15 00:00:00']
    """
    return by_period_in_calendar(dataset, calendar, "monthly")


def _on_first_instant(date: object, *, yearly: bool) -> bool:
    """Whether ``date`` is the first instant of its month (of its year when ``yearly``), where a
    stamp may open its period or close the one before."""
    first = (date.day == 1 and (date.month == 1 or not yearly) and date.hour == date.minute == date.second == 0
             and date.microsecond == 0)
    return bool(first)


#: Calendars of the real world's days (CF-1.8 §4.4.1): one month's label names other days in each of
#: them (January 1500 in ``julian`` begins 10 days after its ``proleptic_gregorian`` namesake), which
#: convert_calendar converts by date; their monthly series are not paired by label.
_REAL_WORLD = {"standard", "proleptic_gregorian", "julian"}


def _period_step(times: np.ndarray) -> str | None:
    """"monthly" or "yearly" when ``times`` step one calendar month or year at a time
    (:func:`~climann.data.time_axis.axis_time_step`), else None."""
    from climann.data.time_axis import axis_time_step

    step = axis_time_step(np.asarray(times)) if len(times) > 1 else None
    return {1: "monthly", 12: "yearly"}.get(step.months) if step is not None else None


def _first_instants(info: _FileCalendar, frequency: str) -> int:
    """How many of the file's steps are stamped on their period's first instant without bounds."""
    cells = info.cells or (None,) * len(info.times)
    return sum(cell is None and _on_first_instant(time, yearly=frequency == "yearly")
               for time, cell in zip(info.times, cells))


def _by_period_warning(info: _FileCalendar, series: _FileCalendar, frequency: str) -> None:
    """The warning that ``info``'s values are paired with the series' by year and month (or by
    year), naming how its stamps are dated in the series' calendar."""
    month = frequency == "monthly"
    period, by = ("month", "year and month") if month else ("year", "year")
    dated = f"{info.name}'s are dated at the middles of their {period}s in the {series.said} calendar"
    if first := _first_instants(info, frequency):
        instant = "the 1st at 00:00" if month else "1 January at 00:00"
        dated += (f", except the {first} stamped on {instant} without time bounds, which keep that instant: "
                  f"there a stamp may open its {period} or close the {period} before, in any calendar, and it is "
                  f"read as such stamps of the {series.said} calendar are")
    _log.warning(
        "%s uses the %s calendar and %s the %s calendar; both are %s, so their values are paired by %s "
        "(a %s's mean is that %s's in either calendar): %s", info.name, info.said, series.name, series.said,
        frequency, by, period, period, dated,
    )


def _is_static(info: _FileCalendar, infos: Sequence[_FileCalendar]) -> bool:
    """A single time step, of variables that no other file holds, beside a series (a variable
    of other files at more than one time)."""
    others = [other for other in infos if other is not info]
    if len(info.times) != 1 or not info.variables or any(info.variables & other.variables for other in others):
        return False
    times: dict[str, set] = {}
    for other in others:
        for name in other.variables:
            times.setdefault(name, set()).update(other.times)
    return any(len(steps) > 1 for steps in times.values())


def _refusal(series: _FileCalendar, other: _FileCalendar, infos: Sequence[_FileCalendar] = ()) -> ClimannError:
    """Refusing ``other``'s calendar beside the ``series``', with the copies that convert every file of
    one side (of ``infos``, the files combined) to the other side's calendar: the side of fewer files, else
    ``other``'s (break56b A3: one GPCP file of sixty was converted, the other 59 "given as before", still
    in theirs, each refused in turn). Of a grid CDO reads as generic (a 1-D latitude on a dimension of
    another name, :func:`~climann.data.grid_cuts.cdo_grid_description`), no ``cdo setcalendar`` line: its
    copy lost the latitude and longitude (the xarray way is named alone)."""
    from climann.data.grid_cuts import cdo_grid_description

    # align_on chooses the days of a 360_day year; between other calendars it has no role
    align = ", align_on=..." if "360_day" in (series.calendar, other.calendar) else ""
    theirs = [info for info in infos if info.calendar == other.calendar] or [other]
    ours = [info for info in infos if info.calendar == series.calendar] or [series]
    converted, kept = (ours, other) if len(ours) < len(theirs) else (theirs, series)
    calendar = kept.said
    cdo = all(cdo_grid_description(info.path) is None for info in converted[:1])
    # the copies' folder named by their calendar as CDO or xarray writes it (julian: CDO has none, xarray's line)
    name = (cdo_calendar(calendar) if cdo else None) or (calendar if cdo else "converted")
    files = list(dict.fromkeys(str(info.path) for info in converted))
    named = converted[0].name if len(files) == 1 else f"the {len(files)} files in the {converted[0].said} calendar"
    why = ("" if cdo or cdo_calendar(calendar) is None else
           f" (no cdo setcalendar: CDO reads the grid of {converted[0].name} as generic, and its copy "
           "lost the latitude and longitude)")
    advice = copies_of_files(lambda arguments, _: _conversion(calendar, "its", arguments, align, cdo=cdo,
                                                              time=converted[0].time), files, name=name)
    return ClimannError(
        f"{series.name} uses the {series.said} calendar and {other.name} the {other.said} "
        f"calendar: their dates cannot be aligned without a choice; convert the files of one calendar to the "
        f"other's first, e.g. {named} to {calendar}{why} " + advice
    )


def _series_calendar(series: _FileCalendar, infos: Sequence[_FileCalendar]) -> str:
    """The calendar the combined series is read in: the first series file's, except where files in
    the standard and the proleptic Gregorian calendar meet and only those in one of the two reach
    before 1582-10-15: theirs, since the others' dates are the same in both (a PMIP past1000 run in
    proleptic_gregorian beside a historical run in standard)."""
    if series.calendar not in _GREGORIAN:
        return series.calendar
    before = {info.calendar for info in infos if info.calendar in _GREGORIAN and not _after_reform(info.times)}
    return before.pop() if len(before) == 1 else series.calendar


def calendar_plan(files: Sequence[Path], open_file: Callable[[Path], xr.Dataset]) -> CalendarPlan:
    """How to bring files with different calendars to one, and which files are static fields
    (see the module description).

    Parameters
    ----------
    files : sequence of Path
        Files to be combined, in the order given.
    open_file : callable
        Opens one file lazily with its times decoded to cftime dates.

    Returns
    -------
    CalendarPlan
        Empty (nothing to change) when all files share one calendar and none is a static
        field with a time step.

    Raises
    ------
    ClimannError
        If two files' calendars differ in a way that cannot be aligned without a choice,
        naming both files and calendars and how to convert one.
    """
    infos = [info for info in (_file_calendar(Path(path), open_file) for path in files) if info is not None]
    if not infos:
        return CalendarPlan("standard")
    statics = [_is_static(info, infos) for info in infos]
    series = next((info for info in infos if len(info.times) > 1), infos[statics.index(False)])
    calendar = _series_calendar(series, [info for info, is_static in zip(infos, statics) if not is_static])
    if calendar != series.calendar:  # the series read in the calendar of the files reaching before 1582
        series = next(info for info in infos if info.calendar == calendar and not _after_reform(info.times))
    relabelled, static, by_month, by_year = set(), set(), set(), set()
    julian = []
    for info, is_static in zip(infos, statics):
        if is_static:
            static.add(os.path.realpath(info.path))
            _log.warning(
                "%s (%s) has a single time step, %s in the %s calendar, and its variables are in no other file: "
                "taken as a static field beside the series of %s, its time dropped", info.name,
                ", ".join(sorted(info.variables)), date_text(info.times[0]), info.calendar, series.name,
            )
        elif info.calendar == series.calendar:
            continue
        elif agree := _same_dates(info.calendar, series.calendar, info.times):
            relabelled.add(os.path.realpath(info.path))
            _log.info(  # the same dates in either calendar: nothing to do, so the run log only (verify25 F3)
                "%s uses the %s calendar and %s the %s calendar, which %s: its dates are read in the %s calendar",
                info.name, info.calendar, series.name, series.calendar, agree, series.calendar,
            )
        elif _julian_as_gregorian(info, series.calendar):
            relabelled.add(os.path.realpath(info.path))
            julian.append(info)
        elif ((frequency := _period_step(info.times)) and frequency == _period_step(series.times)
              and not {info.calendar, series.calendar} <= _REAL_WORLD):
            (by_month if frequency == "monthly" else by_year).add(os.path.realpath(info.path))
            _by_period_warning(info, series, frequency)
        else:
            raise _refusal(series, info, infos)
    if julian:  # one warning for all (sixty GPCP files of a month each)
        _julian_warning(julian, series)
    return CalendarPlan(series.calendar, frozenset(relabelled), frozenset(static), frozenset(by_month),
                        frozenset(by_year))


def _block_calendar(dataset: xr.Dataset, label: str) -> _FileCalendar | None:
    """A split block's time axis and calendar, None without decoded dates."""
    try:
        time = find_coordinate(dataset, "time")
    except ClimannError:
        return None
    times = np.asarray(dataset[time].values)
    if times.ndim != 1 or not len(times) or not hasattr(times[0], "calendar"):
        return None
    calendar, own = calendar_name(times[0].calendar), own_calendar_name(dataset[time])
    return _FileCalendar(Path(label), time, calendar, times, frozenset(), label,
                         own=own if calendar_name(own) == calendar else "")


def _blocks_refusal(series: _FileCalendar, dated: Sequence[_FileCalendar],
                    converted: Sequence[tuple[str, _FileCalendar]]) -> ClimannError:
    """One line naming every block and its calendar and how to convert the ``converted``
    blocks (name, calendar) to the ``series`` calendar."""
    calendar = series.said
    # align_on chooses the days of a 360_day year; between other calendars it has no role
    align = ", align_on=..." if "360_day" in {series.calendar, *(info.calendar for _, info in converted)} else ""
    names = " and ".join(name for name, _ in converted)
    whose = f"the {names} block's" if len(converted) == 1 else f"the {names} blocks'"
    # a calendar under another of its names said so (break46a A5: 365_day and noleap read as two calendars)
    listed = ", ".join(f"{info.label} {info.said}" + (f" (= {info.calendar})" if info.said != info.calendar else "")
                       for info in dated)
    return ClimannError(
        f"the split blocks are in different calendars: {listed}; predictions.nc has one time axis in one "
        f"calendar and the climatology is the train block's, per calendar month or day of its year: convert "
        f"{whose} files to the {calendar} calendar first {_conversion(calendar, 'their', '', align)}"
    )


def blocks_in_one_calendar(parts: Sequence[xr.Dataset], names: Sequence[str], labels: Sequence[str]
                           ) -> list[xr.Dataset]:
    """The blocks of a split by files (train first) with their dates in one calendar, as the
    files of one set are (:func:`calendar_plan`).

    The calendar kept is the train block's, or that of the blocks reaching before 1582-10-15
    when those share one. A block in the other of ``standard`` and ``proleptic_gregorian``
    whose dates all lie from 1582-10-15 on (ERA5 for training, a CMIP model for testing; CF-1.8
    §4.4.1: the two agree from then on) is relabelled in it (:func:`in_calendar`), with a
    warning naming both blocks.

    Parameters
    ----------
    parts : sequence of xarray.Dataset
        One per block, lazy, with cftime dates; train first.
    names : sequence of str
        The blocks' names (``train``, ``val``, ``test``).
    labels : sequence of str
        How messages name each block: its files and its name, ``"obs.nc (train)"``.

    Returns
    -------
    list of xarray.Dataset
        The blocks in the order given; the same objects when their calendars agree.

    Raises
    ------
    ClimannError
        Any other pair of calendars (``noleap`` beside ``standard``, ``360_day`` beside any other, or
        ``standard`` beside ``proleptic_gregorian`` before 1582-10-15): one line naming every block
        with its calendar, and how to convert the others to the train block's. Dates of two such
        calendars cannot be put on one time axis, nor matched to the train block's climatology,
        without a choice (which day a ``360_day`` 30 February is, where a 29 February goes).
    """
    infos = [_block_calendar(part, label) for part, label in zip(parts, labels)]
    dated = [info for info in infos if info is not None]
    if len({info.calendar for info in dated}) < 2:
        return list(parts)
    calendar = _series_calendar(dated[0], dated)
    series = dated[0] if calendar == dated[0].calendar else next(
        info for info in dated if info.calendar == calendar and not _after_reform(info.times))
    others = [info for info in dated if info.calendar != calendar]
    unaligned = [(name, info) for name, info in zip(names, infos) if info is not None and info.calendar != calendar
                 and not _same_dates(info.calendar, calendar, info.times)]
    if unaligned:
        raise _blocks_refusal(series, dated, unaligned)
    for info in others:
        _log.info(  # the same dates in either calendar: the run log only, as for files (verify25 F3)
            "%s uses the %s calendar and %s the %s calendar, which %s: its dates are read in the %s calendar",
            info.name, info.calendar, series.name, series.calendar,
            _same_dates(info.calendar, calendar, info.times), series.calendar,
        )
    return [part if info is None or info.calendar == calendar else in_calendar(part, calendar)
            for part, info in zip(parts, infos)]
