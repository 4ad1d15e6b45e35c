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
  on is relabelled in the series' calendar, with a warning; the series' calendar is that of
  the files reaching before the reform when they share one (a proleptic_gregorian past1000
  run beside a standard historical one), else the first series file's;
- a file with a single time step whose variables are in no other file (an ERA5-style
  land-sea mask with ``time = 1`` next to model data), beside a series, is a static field
  in whatever calendar (the series' own too): its time is dropped, with a warning naming
  the file and the date of its step. A single step of a variable that other files also
  hold (one file per month) belongs to a series and keeps its time;
- anything else (``noleap`` against ``standard`` series, ``360_day`` against any other) is
  refused in one line naming both files' calendars and how to convert one of them.

Only the time coordinates are read (as :mod:`climann.data.time_overlap` does), before the
files are combined.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import xarray as xr

from climann.data.coords import find_coordinate
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


def calendar_name(calendar: str) -> str:
    """The CF calendar's canonical name (``gregorian`` → ``standard``, ``365_day`` → ``noleap``)."""
    name = str(calendar).strip().lower()
    return CALENDAR_ALIASES.get(name, name)


def _file_calendar(path: Path, open_file: Callable[[Path], xr.Dataset]) -> _FileCalendar | None:
    """The file's time axis (:func:`~climann.data.time_overlap.file_times`) and calendar, None
    without a decoded one (or when unreadable: the combined opening then says why)."""
    info = file_times(path, open_file)
    if info is None:
        return None
    return _FileCalendar(path, info.name, calendar_name(info.times[0].calendar), info.times, info.variables)


def _after_reform(times: np.ndarray) -> bool:
    return all((t.year, t.month, t.day) >= GREGORIAN_REFORM for t in times)


@dataclass(frozen=True)
class CalendarPlan:
    """What to do with each file so that all share the series' ``calendar``: relabel its
    dates (``relabelled``) or drop its single time step (``static``), by real path."""

    calendar: str
    relabelled: frozenset[str] = field(default_factory=frozenset)
    static: frozenset[str] = field(default_factory=frozenset)

    def apply(self, dataset: xr.Dataset) -> xr.Dataset:
        """One file's dataset (lazy) with its dates in the series' calendar, or without its time."""
        source = dataset.encoding.get("source")
        path = os.path.realpath(source) if source else None
        if path not in self.relabelled and path not in self.static:
            return dataset
        time = find_coordinate(dataset, "time")
        bounds = dataset[time].attrs.get("bounds")
        if path in self.static:
            dropped = [name for name in (time, bounds) if name in dataset.variables]
            return dataset.isel({time: 0}).drop_vars(dropped)
        relabel = np.vectorize(lambda date: date.change_calendar(self.calendar), otypes=[object])
        changed = {time: (dataset[time].dims, relabel(dataset[time].values), dataset[time].attrs)}
        if bounds in dataset.variables:
            changed[bounds] = (dataset[bounds].dims, relabel(dataset[bounds].values), dataset[bounds].attrs)
        result = dataset.assign_coords({time: changed[time]}).assign({k: v for k, v in changed.items() if k != time})
        result[time].encoding = {**dataset[time].encoding, "calendar": self.calendar}
        return result


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


def _refusal(series: _FileCalendar, other: _FileCalendar) -> ClimannError:
    # align_on chooses the days of a 360_day year; between other calendars it has no role
    align = ", align_on=..." if "360_day" in (series.calendar, other.calendar) else ""
    return ClimannError(
        f"{series.path.name} uses the {series.calendar} calendar and {other.path.name} the {other.calendar} "
        f"calendar: their dates cannot be aligned without a choice; convert one file to the other's calendar "
        f"first (xarray's Dataset.convert_calendar('{series.calendar}'{align}), or cdo "
        f"setcalendar,{series.calendar} when its dates are all valid {series.calendar} dates)"
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
    relabelled, static = set(), set()
    for info, is_static in zip(infos, statics):
        if is_static:
            static.add(os.path.realpath(info.path))
            _log.warning(
                "%s (%s) has a single time step, %s in the %s calendar, and its variables are in no other file: "
                "taken as a static field beside the series of %s, its time dropped", info.path.name,
                ", ".join(sorted(info.variables)), date_text(info.times[0]), info.calendar, series.path.name,
            )
        elif info.calendar == series.calendar:
            continue
        elif {info.calendar, series.calendar} == _GREGORIAN and _after_reform(info.times):
            relabelled.add(os.path.realpath(info.path))
            _log.warning(
                "%s uses the %s calendar and %s the %s calendar, which agree from 1582-10-15 on: its dates are "
                "read in the %s calendar", info.path.name, info.calendar, series.path.name, series.calendar,
                series.calendar,
            )
        else:
            raise _refusal(series, info)
    return CalendarPlan(series.calendar, frozenset(relabelled), frozenset(static))
