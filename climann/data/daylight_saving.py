"""Sub-daily stamps in a local clock time that follows daylight saving time.

A station or logger that writes its local clock time (``time_zone = "America/Chicago"``, a
long name "local time (CST/CDT)") repeats an hour each autumn, when the clocks go back
(01:00 twice on the first Sunday of November in Chicago), and skips one each spring, when
they go forward (no 02:00 on the second Sunday of March). No fixed offset fits such stamps:
with the zone's standard offset in the units (the ``ncatted`` line climann gives for a fixed
zone, :func:`~climann.data.time_zones.declared_local_time`) every summer stamp is read an
hour late, and keeping the first or the last of each repeated hour (``--overlap``) hides
the fault (break43d A2: exit 0, the summer's hour feature and climatology one hour off).

When the zone named by the time variable's attributes (or the file's global attributes) is
an IANA zone with daylight saving time (:mod:`zoneinfo`), and its stamps read as that zone's
wall clock (the units' own offset, if any, dropped) repeat only times the clocks pass twice,
or skip only times the clocks never show, the file is refused in one line that names both,
with a Python line that converts the stamps to UTC by :mod:`zoneinfo` (the first of a
repeated hour read as summer time, the second as standard time: ``fold``, PEP 495) and marks
the copy's time ``time_zone = "UTC"``.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections import Counter
from collections.abc import Mapping

import numpy as np

from climann.data.shell import python_command, whole_write
from climann.data.time_values import COMMAND_FILES_PLACEHOLDER, FILE_PLACEHOLDER
from climann.data.time_zones import time_zone_offset, zone_attributes

#: Calendars whose dates are the real ones, in which a zone's clock changes.
_REAL_CALENDARS = {"", "standard", "gregorian", "proleptic_gregorian"}

#: How many repeated or skipped stamps a message shows.
_SHOWN = 3

#: The Python line's statements: read IN (its times as stored), convert each wall-clock time of
#: the zone to UTC (the second of two equal stamps with ``fold=1``: the hour after the clocks go
#: back, PEP 495), write them in the units without offset, the time's ``time_zone`` "UTC".
_CONVERSION = (
    "import sys, datetime, zoneinfo, cftime, xarray as xr",
    "d = xr.open_dataset(sys.argv[1], decode_times=False)",
    "t = d[{time!r}]",
    "z = zoneinfo.ZoneInfo({zone!r})",
    "u = {units!r}",
    "w = cftime.num2date(t.values, u, 'standard', only_use_cftime_datetimes=False, only_use_python_datetimes=True)",
    "s = set()",
    "f = [int(bool(x in s or s.add(x))) for x in w]",
    "v = [x.replace(tzinfo=z, fold=k).astimezone(datetime.timezone.utc).replace(tzinfo=None) for x, k in zip(w, f)]",
)
#: Time bounds, whose ends are not stamps of their own, are left out of the copy.
_BOUNDS_LEFT_OUT = "d = d.drop_vars(t.attrs.pop('bounds'))"
_WRITTEN = ("d[{time!r}] = xr.Variable(t.dims, cftime.date2num(v, u, 'standard'), {{**t.attrs, 'units': u, "
            "{key!r}: 'UTC'}})")
_GLOBAL_LEFT_OUT = "del d.attrs[{key!r}]"


def _zone_with_daylight_saving(attrs: Mapping, file_attrs: Mapping) -> tuple[str, str, zoneinfo.ZoneInfo, bool] | None:
    """The zone attribute (name, value), its zone and whether it is the file's global attribute,
    for the first attribute of the time variable (else of the file) naming an IANA zone whose
    clocks change in the year 2001 (:data:`~climann.data.time_zones.zone_attributes`); None
    when none does."""
    for found, is_global in ((zone_attributes(attrs), False), (zone_attributes(file_attrs), True)):
        for key, value in found.items():
            try:
                zone = zoneinfo.ZoneInfo(str(value).strip())
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                continue
            winter, summer = (datetime.datetime(2001, month, 15, tzinfo=zone) for month in (1, 7))
            if winter.utcoffset() != summer.utcoffset():
                return key, str(value).strip(), zone, is_global
        if found:
            return None  # the variable's own zone attribute decides
    return None


def names_daylight_saving_zone(attrs: Mapping, file_attrs: Mapping | None = None) -> bool:
    """Whether a zone attribute of ``attrs`` (else of ``file_attrs``) names a zone whose clocks
    change (:func:`daylight_saving_message` looks at the stamps only then)."""
    return _zone_with_daylight_saving(attrs, file_attrs or {}) is not None


def _skipped(time: datetime.datetime, zone: zoneinfo.ZoneInfo) -> bool:
    """Whether the wall-clock ``time`` never shows in ``zone`` (the hour the clocks go forward)."""
    there = time.replace(tzinfo=zone)
    return there.astimezone(datetime.timezone.utc).astimezone(zone).replace(tzinfo=None) != time


def _passed_twice(time: datetime.datetime, zone: zoneinfo.ZoneInfo) -> bool:
    """Whether the wall-clock ``time`` shows twice in ``zone`` (the hour the clocks go back)."""
    first, second = (time.replace(tzinfo=zone, fold=fold) for fold in (0, 1))
    return first.utcoffset() != second.utcoffset() and not _skipped(time, zone)


def _changing(times: list[datetime.datetime], zone: zoneinfo.ZoneInfo) -> list[datetime.datetime]:
    """Those of ``times`` that ``zone``'s clock passes twice or never (pandas' vectorised
    localisation marks them ``NaT``), to be told apart one by one."""
    import pandas as pd

    localised = pd.DatetimeIndex(times).tz_localize(zone.key, ambiguous="NaT", nonexistent="NaT")
    return [times[index] for index in np.flatnonzero(localised.isna())]


def _wall_clock(values: np.ndarray, units: str) -> list[datetime.datetime] | None:
    """The stored ``values`` as wall-clock datetimes of ``units`` (without offset); None when
    they cannot be read so."""
    import cftime

    try:
        return list(cftime.num2date(values, units, "standard", only_use_cftime_datetimes=False,
                                    only_use_python_datetimes=True))
    except (ValueError, TypeError, OverflowError):
        return None


def daylight_saving_message(name: str, attrs: Mapping, units: str, values: np.ndarray, *,
                            file_attrs: Mapping | None = None) -> str | None:
    """The refusal of a sub-daily time axis stamped in a local clock time that follows daylight
    saving time (see the module description), or None.

    Parameters
    ----------
    name : str
        The time variable (also its dimension in the Python line).
    attrs : mapping
        Its attributes: ``time_zone`` (or another zone attribute), ``calendar``.
    units : str
        ``<unit> since <date>``, with or without a time-zone offset (its offset is dropped: a
        fixed offset put in by hand does not change the wall clock the stamps were written in).
    values : ndarray, shape (n_time,)
        The stored values, in ``units``.
    file_attrs : mapping, optional
        The file's global attributes, whose zone attribute counts when ``attrs`` name none.

    Returns
    -------
    str or None
        One line, with :data:`~climann.data.time_values.FILE_PLACEHOLDER` and
        :data:`~climann.data.time_values.COMMAND_FILES_PLACEHOLDER`.
    """
    if str(attrs.get("calendar", "standard")).strip().lower() not in _REAL_CALENDARS or " since " not in units:
        return None
    found = _zone_with_daylight_saving(attrs, file_attrs or {})
    if found is None:
        return None
    key, zone_name, zone, is_global = found
    head = (time_zone_offset(units) or (units.strip(), 0))[0]
    stored = np.asarray(values, dtype=np.float64).ravel()
    clock = _wall_clock(stored[np.isfinite(stored)], head)
    if clock is None or len(clock) < 2:
        return None
    distinct = sorted(set(clock))
    steps = [later - earlier for earlier, later in zip(distinct[:-1], distinct[1:])]
    step = sorted(steps)[len(steps) // 2] if steps else None
    if step is None or step >= datetime.timedelta(days=1):
        return None
    if any(_skipped(time, zone) for time in _changing(distinct, zone)):  # a stamp the clock never shows: no wall clock
        return None
    repeated = sorted(time for time, count in Counter(clock).items() if count > 1)
    skipped = []
    for earlier, later in zip(distinct[:-1], distinct[1:]):
        between = [earlier + step * k for k in range(1, round((later - earlier) / step))]
        if between and all(_skipped(time, zone) for time in between):
            skipped.extend(between)
    if not (repeated or skipped) or not all(_passed_twice(time, zone) for time in repeated):
        return None
    return _message(name, (key, zone_name, is_global), head, repeated, skipped, zone, bounded="bounds" in attrs)


def _shown(times: list[datetime.datetime]) -> str:
    texts = [f"{time:%Y-%m-%d %H:%M}" for time in times[:_SHOWN]]
    return ", ".join(texts) + (", …" if len(times) > _SHOWN else "")


def _message(name: str, attribute: tuple[str, str, bool], head: str, repeated: list, skipped: list,
             zone: zoneinfo.ZoneInfo, *, bounded: bool) -> str:
    """The one line of :func:`daylight_saving_message`."""
    key, zone_name, is_global = attribute
    said = []
    if repeated:
        said.append(f"repeat {len(repeated)} where the clocks go back ({_shown(repeated)})")
    if skipped:
        said.append(f"skip {len(skipped)} where they go forward ({_shown(skipped)})")
    winter, summer = (datetime.datetime(2001, month, 15, tzinfo=zone) for month in (1, 7))
    shift = abs((summer.utcoffset() - winter.utcoffset()).total_seconds()) / 3600
    statements = [statement.format(time=name, zone=zone_name, units=head) for statement in _CONVERSION]
    statements += [_BOUNDS_LEFT_OUT] if bounded else []
    statements += [_WRITTEN.format(time=name, key="time_zone" if is_global else key)]
    statements += [_GLOBAL_LEFT_OUT.format(key=key)] if is_global else []
    code = "; ".join([*statements, whole_write()])
    where = "the file's global attribute" if is_global else "its attribute"
    marked = f"{name}:time_zone" if is_global else f"its {key}"
    return (f"{FILE_PLACEHOLDER}: time {name!r} is the local clock time of {zone_name} ({where} {key} = "
            f"{zone_name!r}), which follows daylight saving time: its stamps {' and '.join(said)}; no fixed offset "
            f"fits them (with the standard one every summer stamp is read {shift:g} h off), nor does keeping one of "
            f"each repeat (--overlap); convert them to UTC, each repeated hour's first stamp as summer time: "
            f"`{python_command(code)} {COMMAND_FILES_PLACEHOLDER}` ({marked} then 'UTC'"
            f"{'; its time bounds left out' if bounded else ''}), then give the copy to --data")


def file_daylight_saving_message(dataset) -> str | None:
    """:func:`daylight_saving_message` for a file (decoded, its units in ``encoding``) whose
    global attributes name a zone with daylight saving time (``:time_zone =
    "America/Chicago"``, as loggers write it for the whole file), for its first 1-D time axis
    whose own attributes name no zone; None for others.

    Parameters
    ----------
    dataset : xarray.Dataset
        One file as opened and decoded.

    Returns
    -------
    str or None
        As :func:`daylight_saving_message`.
    """
    if not names_daylight_saving_zone({}, dataset.attrs):
        return None
    from xarray.coding.times import encode_cf_datetime

    for name in dataset.dims:
        variable = dataset.variables.get(name)
        units = str(variable.encoding.get("units", "")) if variable is not None else ""
        if (variable is None or variable.ndim != 1 or " since " not in units or variable.dtype.kind not in "MO"
                or zone_attributes(variable.attrs)):
            continue
        calendar = variable.encoding.get("calendar", "standard")
        try:
            stored, _, _ = encode_cf_datetime(variable.values, units, calendar)
        except (TypeError, ValueError, OverflowError):
            continue
        message = daylight_saving_message(str(name), {**variable.attrs, "calendar": calendar}, units,
                                          np.asarray(stored, dtype=np.float64), file_attrs=dataset.attrs)
        if message is not None:
            return message
    return None
