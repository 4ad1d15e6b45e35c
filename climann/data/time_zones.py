"""Time units whose reference date carries a time-zone offset (``days since 1850-01-01 00:00 +05:30``).

UDUNITS and CF (CF 1.11 §4.4.1, "Time Coordinate Units") allow a time-zone offset after the
reference time: ``seconds since 1992-10-8 15:15:42.5 -6:00`` counts from 15:15:42.5 in the time
zone six hours west of UTC. Read literally, every stamp is an instant in UTC, so a monthly mean
stamped at 00:00 local time on the 1st becomes 18:30 UTC on the last day of the month before,
and a file of daily or monthly values is labelled one day or one month early: national
services (IMD, BoM, JMA) and station networks write their daily and monthly products in local
time this way. cftime also reads ``+05:30`` and ``+0530`` as offsets but ignores ``+5:30`` and
``-6:00`` (CF's own example) without a word.

climann reads such a time axis as follows, with one warning that names the offset:

- a step (or, for one stamp, the time-cell width of its bounds, or with neither a stamp at
  local midnight) of at least a day: the values are of the file's local days, months or
  years; the stamps are read in the file's local time (the offset dropped), so that each value
  keeps the date its producer gave it, the date climann pairs, splits and averages by;
- a shorter step: the stamps are instants, compared with other files' instants in UTC, as CF
  reads them (the offset applied, whichever way it is spelt).

Time-cell bounds are read as their axis (the same units and the same rule, from their own
cell width, or from the step between their cells: cdo's ``daymean`` of half-hourly values bounds
each local day by its first and last stamp, 23.5 h apart, one day from the next). Files of
one series holding one stamp each are read each by its own stamp; if some were read on local
dates and others in UTC (hourly files, one at local midnight), the series is refused (:mod:`climann.data.series_files`).
"""

from __future__ import annotations

import datetime
import re
import zoneinfo
from collections.abc import Mapping

import numpy as np

from climann.data.shell import attribute_command, ncatted_attribute
from climann.data.time_axis import year_text
from climann.data.time_precision import unit_seconds
from climann.data.time_values import COMMAND_FILES_PLACEHOLDER, FILE_PLACEHOLDER, TimeValuesError

#: Where a decoded time axis keeps how its offset was read (``"local"`` or ``"utc"``), in
#: ``encoding`` (not written): the files of one series must have been read alike.
TIME_ZONE_READING_KEY = "climann_time_zone_reading"

#: Seconds in a day: steps and cells at least this long are local days, months or years.
DAY_SECONDS = 86_400.0

#: ``<unit> since <date> <clock> <offset>``: the offset after the date or a clock time (``00``,
#: ``0:0:0``, ``00:00:00.0``, or ``T00:00:00``: UDUNITS-2 allows one-digit fields), with optional
#: ``UTC``/``GMT`` before or after it; one- or two-digit hours, minutes (and ``:00`` seconds) with
#: or without colons (UDUNITS-2's ``-6:00``, ISO 8601's ``+0530``, ``+05:30:00``). A bare ``Z``
#: or ``UTC`` is no offset.
_OFFSET_UNITS = re.compile(
    r"^\s*(?P<unit>[A-Za-z_]+)\s+since\s+(?P<year>[-+]?\d{1,4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"
    r"(?:[ T]+(?P<hour>\d{1,2})(?::(?P<minute>\d{1,2})(?::(?P<second>\d{1,2}(?:\.\d*)?))?)?)?"
    r"\s*(?:UTC|GMT)?\s*(?P<sign>[-+])(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2})(?::?00)?)?\s*(?:UTC|GMT)?\s*$",
    re.IGNORECASE,
)

#: The time zones of the world lie from UTC−12:00 to UTC+14:00 (ISO 8601 allows ±99:59).
_LARGEST_OFFSET_MINUTES = 14 * 60


def time_zone_offset(units: str) -> tuple[str, int] | None:
    """The units without their time-zone offset (the reference date and time written in full,
    ``YYYY-MM-DD hh:mm:ss``), and the offset in minutes east of UTC; None when the units carry no
    offset (or a zero one).

    Examples
    --------
    >>> time_zone_offset("days since 1850-01-01 00:00:00 +05:30")
    ('days since 1850-01-01 00:00:00', 330)
    >>> time_zone_offset("seconds since 1992-10-8 15:15:42.5 -6:00")
    ('seconds since 1992-10-08 15:15:42.5', -360)
    >>> time_zone_offset("hours since 2000-1-1 0:0:0 +5:00")
    ('hours since 2000-01-01 00:00:00', 300)
    >>> time_zone_offset("hours since 1900-01-01 00:00:00"), time_zone_offset("days since 2000-01-01 00:00 +00:00")
    (None, None)
    """
    match = _OFFSET_UNITS.match(str(units))
    if match is None:
        return None
    minutes = int(match["hours"]) * 60 + int(match["minutes"] or 0)
    if minutes == 0:
        return None
    second = match["second"] or "0"
    whole, _, fraction = second.partition(".")
    clock = f"{int(match['hour'] or 0):02d}:{int(match['minute'] or 0):02d}:{int(whole):02d}"
    clock += f".{fraction}" if fraction else ""
    date = f"{year_text(int(match['year']))}-{int(match['month']):02d}-{int(match['day']):02d}"
    head = f"{match['unit']} since {date} {clock}"
    return head, minutes if match["sign"] == "+" else -minutes


def offset_text(minutes: int) -> str:
    """``+05:30`` for 330 minutes east of UTC."""
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def read_in_local_time(units: str, values: np.ndarray) -> bool:
    """Whether a time variable in ``units`` with a time-zone offset holds local days, months
    or years (read in local time) rather than instants (read in UTC); see the module's rule.

    Parameters
    ----------
    units : str
        ``<unit> since <reference> <offset>``, the offset non-zero (:func:`time_zone_offset`).
    values : ndarray, shape (n_time,) for stamps or (n_time, 2) for time-cell bounds
        The stored values, in ``units``; NaN for a missing value.
    """
    found = time_zone_offset(units)
    # the unit's length read from the units without the offset; months and years since: None (calendar periods)
    seconds = unit_seconds(found[0] if found else units, "standard")
    values = np.asarray(values, dtype=np.float64)
    if seconds is None or values.size == 0:
        return True  # months/years since (calendar units) are local periods
    if values.ndim == 2 and values.shape[-1] == 2:
        widths = np.abs(values[:, 1] - values[:, 0]) * seconds
        widths = widths[np.isfinite(widths)]
        # cells a day apart are local days as their stamps are, however much of the day they span: cdo
        # daymean of half-hourly values bounds each day by its first and last stamp (23.5 h), and those
        # bounds were read in UTC beside an axis read on local dates (break45a A7)
        starts = np.sort(values[:, 0][np.isfinite(values[:, 0])])
        steps = np.diff(starts)
        steps = steps[steps > 0]
        return bool(widths.size == 0 or np.median(widths) >= DAY_SECONDS
                    or (steps.size > 0 and np.median(steps) * seconds >= DAY_SECONDS))
    stamps = np.sort(values[np.isfinite(values)].ravel())
    if stamps.size >= 2:
        steps = np.diff(stamps)
        steps = steps[steps > 0]
        return bool(steps.size == 0 or np.median(steps) * seconds >= DAY_SECONDS)
    if stamps.size == 1:
        head = found[0] if found else units
        clock = re.search(r"(\d{1,2}):(\d{2})(?::(\d{2}(?:\.\d*)?))?\s*$", head)
        start = (int(clock[1]) * 3600 + int(clock[2]) * 60 + float(clock[3] or 0)) if clock else 0.0
        return bool(((start + stamps[0] * seconds) % DAY_SECONDS) == 0.0)
    return True


def local_or_utc_units(name: str, units: str, values: np.ndarray) -> tuple[str, str] | None:
    """The units to decode a time variable with, and the warning to give, when ``units``
    carry a time-zone offset; None otherwise.

    Local days, months or years (:func:`read_in_local_time`) are decoded with the offset
    dropped; instants with it spelt as cftime reads it (``+HH:MM``).

    Examples
    --------
    >>> units, note = local_or_utc_units("time", "days since 1850-01-01 00:00:00 +05:30", np.array([0.0, 31.0]))
    >>> units
    'days since 1850-01-01 00:00:00'
    >>> local_or_utc_units("time", "hours since 2000-01-01 00:00 -6:00", np.array([0.0, 1.0]))[0]
    'hours since 2000-01-01 00:00:00 -06:00'
    """
    found = time_zone_offset(units)
    if found is None:
        return None
    head, minutes = found
    offset = offset_text(minutes)
    if abs(minutes) > _LARGEST_OFFSET_MINUTES:
        raise TimeValuesError(
            f"the time units of {name!r}, {units!r}, carry the time-zone offset {offset}, beyond any time zone "
            f"(UTC-12:00 to UTC+14:00): correct them, e.g. for values in UTC: "
            f"{attribute_command([ncatted_attribute('units', str(name), 'o', 'c', head)], FILE_PLACEHOLDER)}")
    if read_in_local_time(units, values):
        return head, (f"the time units of {name!r}, {units!r}, carry the time-zone offset {offset}: its values are "
                      f"of local days or months, read on the file's local dates (the offset dropped: moved to UTC, "
                      f"a stamp at local midnight would fall on another day)")
    return f"{head} {offset}", (f"the time units of {name!r}, {units!r}, carry the time-zone offset {offset}: its "
                                f"sub-daily stamps are read as instants in UTC (local time {offset}), as CF reads them")


#: Attributes of a time variable that name its time zone or its offset from UTC (as station
#: networks and loggers write them beside units without an offset: ``time_zone = "Asia/Shanghai"``,
#: ``utc_offset = "+08:00"``), compared in lower case without ``_``.
_ZONE_ATTRIBUTES = ("timezone", "tz", "utcoffset", "timezoneoffset", "gmtoffset", "offsetfromutc")

#: Words of a long name or comment that say the stamps are local: "time (local standard time)",
#: "LST", "local time". Not "local solar time": that is no time zone, and no offset fits it.
_LOCAL_WORDS = re.compile(r"\blocal\s+(?:standard\s+|clock\s+)?time\b|\bLST\b", re.IGNORECASE)

#: An offset as text: ``+08:00``, ``+0800``, ``UTC+8``, ``GMT-5:30``, ``8``, ``-3.5`` (hours).
_OFFSET_TEXT = re.compile(r"^\s*(?:UTC|GMT)?\s*(?P<sign>[-+]?)\s*(?P<hours>\d{1,2})(?:(?::?(?P<minutes>\d{2}))|"
                          r"(?P<fraction>\.\d+))?\s*(?:h|hours?)?\s*$", re.IGNORECASE)

#: Zone names that are UTC: no warning.
_UTC_NAMES = {"utc", "gmt", "z", "zulu", "etc/utc", "etc/gmt", "universal", "coordinated universal time", "0", "+0",
              "00:00", "+00:00", "utc+0", "utc+00:00"}


def _offset_of(value: object, reference: datetime.datetime) -> tuple[int, bool] | None:
    """Minutes east of UTC that a zone attribute's value says, and whether its zone keeps daylight
    saving time (then the minutes are its standard time's); None when it says no offset it can be
    read as. An IANA name (``Asia/Shanghai``) is read by :mod:`zoneinfo` at ``reference``."""
    if isinstance(value, (int, float, np.integer, np.floating)) and np.isfinite(value):
        return round(float(value) * 60), False
    text = str(value).strip()
    if (beside := _ABBREVIATED_OFFSET.match(text)) is not None:  # "JST (UTC+9)": the offset decides (fix44k)
        text = beside["offset"]  # one that disagrees with the abbreviation is refused (abbreviated_zone_message)
    if (found := _OFFSET_TEXT.match(text)) is not None:
        minutes = int(found["hours"]) * 60 + int(found["minutes"] or 0) + round(float(found["fraction"] or 0) * 60)
        return (-minutes if found["sign"] == "-" else minutes), False
    try:
        zone = zoneinfo.ZoneInfo(text)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
    winter, summer = (reference.replace(month=month, day=15, tzinfo=zone) for month in (1, 7))
    standard = winter.utcoffset() - winter.dst()
    return round(standard.total_seconds() / 60), winter.utcoffset() != summer.utcoffset()


def zone_attributes(attrs: Mapping) -> dict:
    """The attributes of ``attrs`` that name a time zone or an offset (:data:`_ZONE_ATTRIBUTES`)."""
    return {key: value for key, value in attrs.items() if key.lower().replace("_", "") in _ZONE_ATTRIBUTES}


def file_local_time_notes(dataset) -> dict[str, str]:
    """The warning of :func:`declared_local_time` for each time axis of a file (decoded, its units
    in ``encoding``) whose units carry no offset while the file's global attributes name a local
    time zone, with its own attributes naming none; ``{}`` for others.

    Parameters
    ----------
    dataset : xarray.Dataset
        One file as opened and decoded.

    Returns
    -------
    dict of str to str
        The time axis's name → the warning (with :data:`~climann.data.time_values.FILE_PLACEHOLDER`).
    """
    if not zone_attributes(dataset.attrs):
        return {}
    from xarray.coding.times import encode_cf_datetime

    notes = {}
    for name in dataset.dims:
        variable = dataset.variables.get(name)
        units = str(variable.encoding.get("units", "")) if variable is not None else ""
        if variable is None or variable.ndim != 1 or " since " not in units or variable.dtype.kind not in "MO" \
                or TIME_ZONE_READING_KEY in variable.encoding:
            continue
        try:
            stored, _, _ = encode_cf_datetime(variable.values, units, variable.encoding.get("calendar"))
        except (TypeError, ValueError, OverflowError):
            continue  # no dates: nothing of a time zone to say
        note = declared_local_time(str(name), dict(variable.attrs), units, np.asarray(stored, dtype=np.float64),
                                   file_attrs=dataset.attrs)
        if note is not None:
            notes[str(name)] = note
    return notes


def declared_local_time(name: str, attrs: dict, units: str, values: np.ndarray, *,
                        file_attrs: Mapping | None = None) -> str | None:
    """The warning for a time axis whose attributes say its stamps are local time while its units
    carry no offset (``time_zone = "Asia/Shanghai"`` beside ``hours since 2021-01-01 00:00:00``),
    or None. Without such an attribute of its own, the file's global attributes may say it
    (``:time_zone = "UTC+01:00"``, as loggers and station networks write it for the whole file):
    fix43b, read as UTC without a word before.

    CF reads stamps whose units carry no offset as UTC (CF-1.11 §4.4.1); the offset belongs in the
    units (``hours since 2021-01-01 00:00:00 +08:00``), which climann reads (:func:`local_or_utc_units`).
    Read as UTC, sub-daily local stamps are late by the offset (break41a A3: the ``hour``
    feature and the per-hour climatology 8 h off); daily and longer steps are local days, which a
    stamp read as UTC keeps, and are not warned of.

    Parameters
    ----------
    name : str
        The time variable.
    attrs : dict
        Its attributes (``time_zone``, ``utc_offset``, ``long_name``, ``comment`` are looked at).
    units : str
        ``<unit> since <date>``.
    values : ndarray, shape (n_time,)
        Its stored values, in ``units``.
    file_attrs : mapping, optional
        The file's global attributes, whose zone attributes (:data:`_ZONE_ATTRIBUTES`, not their
        words: a global comment's "local time" may be of anything) count when ``attrs`` hold none.

    Returns
    -------
    str or None
        The warning, with :data:`~climann.data.time_values.FILE_PLACEHOLDER` and
        :data:`~climann.data.time_values.COMMAND_FILES_PLACEHOLDER`.
    """
    if time_zone_offset(units) is not None or " since " not in units:
        return None
    zones, by = zone_attributes(attrs), "its attributes"
    if not zones and (zones := zone_attributes(file_attrs or {})):
        by = "the file's global attributes"
    if any(str(value).strip().lower() in _UTC_NAMES for value in zones.values()):
        return None
    words = [key for key in ("long_name", "comment", "description") if _LOCAL_WORDS.search(str(attrs.get(key, "")))]
    if not zones and not words or read_in_local_time(units, values):
        return None
    reference = datetime.datetime(2001, 1, 1)
    read = [(key, value, found) for key, value in zones.items() if (found := _offset_of(value, reference)) is not None]
    said = ", ".join([f"{key} = {str(value)!r}" for key, value in zones.items()]
                     + [f"{key} {str(attrs[key])!r}" for key in words])
    head = f"{FILE_PLACEHOLDER}: time {name!r} is local time by {by} ({said}), but its units {units!r}"
    if read and all(found[0] == 0 for _, _, found in read):
        return None  # an offset of 0: UTC
    if not read:
        return (f"{head} carry no offset: read as UTC, as CF reads them (the hour feature and any per-hour "
                f"climatology off by the offset); CF puts the offset in the units, which climann reads: "
                f"`ncatted {ncatted_attribute('units', name, 'o', 'c', units.strip() + ' +HH:MM')} "
                f"{COMMAND_FILES_PLACEHOLDER}` with the zone's offset")
    minutes, daylight = read[0][2]
    offset = offset_text(minutes)
    spelt = time_zone_offset(f"{units.strip()} {offset}")
    fixed = f"{spelt[0] if spelt else units.strip()} {offset}"
    saving = (" (its standard time; stamps that follow daylight saving time take no fixed offset: convert them to "
              "UTC)") if daylight else ""
    return (f"{head} carry no offset: read as UTC, as CF reads them, they are {abs(minutes) / 60:g} h "
            f"{'late' if minutes > 0 else 'early'} (the hour feature and any per-hour climatology with them); CF puts "
            f"the offset in the units, which climann reads: "
            f"`ncatted {ncatted_attribute('units', name, 'o', 'c', fixed)} {COMMAND_FILES_PLACEHOLDER}`{saving}")


#: Time-zone abbreviations, each with the zones it names (what, IANA example, standard offset): an
#: abbreviation names no zone (CST is US Central, China and Cuba Standard Time) and says nothing of the
#: clock's daylight saving time, so none is read as an offset (fix44e: ``time_zone = "EST"`` was read
#: as IANA's fixed ``EST``, −05:00, Australian files use it for +10:00; ``"CST"`` in the units was
#: read as UTC without a word). Sources: the tz database's abbreviations (tzdata ``northamerica``,
#: ``asia``, ``australasia``, ``europe``).
ZONE_ABBREVIATIONS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "CST": (("US Central Standard Time", "America/Chicago", "-06:00"), ("China Standard Time", "Asia/Shanghai",
            "+08:00"), ("Cuba Standard Time", "America/Havana", "-05:00")),
    "CDT": (("US Central Daylight Time", "America/Chicago", "-05:00"), ("Cuba Daylight Time", "America/Havana",
            "-04:00")),
    "EST": (("US Eastern Standard Time", "America/New_York", "-05:00"),
            ("Australian Eastern Standard Time", "Australia/Sydney", "+10:00")),
    "EDT": (("US Eastern Daylight Time", "America/New_York", "-04:00"),),
    "MST": (("US Mountain Standard Time", "America/Denver", "-07:00"),
            ("Malaysia Standard Time", "Asia/Kuala_Lumpur", "+08:00")),
    "MDT": (("US Mountain Daylight Time", "America/Denver", "-06:00"),),
    "PST": (("US Pacific Standard Time", "America/Los_Angeles", "-08:00"),
            ("Philippine Standard Time", "Asia/Manila", "+08:00")),
    "PDT": (("US Pacific Daylight Time", "America/Los_Angeles", "-07:00"),),
    "AST": (("Atlantic Standard Time", "America/Halifax", "-04:00"), ("Arabia Standard Time", "Asia/Riyadh",
            "+03:00")),
    "ADT": (("Atlantic Daylight Time", "America/Halifax", "-03:00"),),
    "AKST": (("Alaska Standard Time", "America/Anchorage", "-09:00"),),
    "AKDT": (("Alaska Daylight Time", "America/Anchorage", "-08:00"),),
    "HST": (("Hawaii Standard Time", "Pacific/Honolulu", "-10:00"),),
    "NST": (("Newfoundland Standard Time", "America/St_Johns", "-03:30"),),
    "IST": (("India Standard Time", "Asia/Kolkata", "+05:30"), ("Irish Standard Time", "Europe/Dublin", "+01:00"),
            ("Israel Standard Time", "Asia/Jerusalem", "+02:00")),
    "BST": (("British Summer Time", "Europe/London", "+01:00"), ("Bangladesh Standard Time", "Asia/Dhaka",
            "+06:00")),
    "CET": (("Central European Time", "Europe/Berlin", "+01:00"),),
    "CEST": (("Central European Summer Time", "Europe/Berlin", "+02:00"),),
    "EET": (("Eastern European Time", "Europe/Athens", "+02:00"),),
    "EEST": (("Eastern European Summer Time", "Europe/Athens", "+03:00"),),
    "WET": (("Western European Time", "Europe/Lisbon", "+00:00"),),
    "WEST": (("Western European Summer Time", "Europe/Lisbon", "+01:00"),),
    "MSK": (("Moscow Time", "Europe/Moscow", "+03:00"),),
    "JST": (("Japan Standard Time", "Asia/Tokyo", "+09:00"),),
    "KST": (("Korea Standard Time", "Asia/Seoul", "+09:00"),),
    "HKT": (("Hong Kong Time", "Asia/Hong_Kong", "+08:00"),),
    "SGT": (("Singapore Time", "Asia/Singapore", "+08:00"),),
    "AEST": (("Australian Eastern Standard Time", "Australia/Sydney", "+10:00"),),
    "AEDT": (("Australian Eastern Daylight Time", "Australia/Sydney", "+11:00"),),
    "ACST": (("Australian Central Standard Time", "Australia/Adelaide", "+09:30"),),
    "AWST": (("Australian Western Standard Time", "Australia/Perth", "+08:00"),),
    "NZST": (("New Zealand Standard Time", "Pacific/Auckland", "+12:00"),),
    "NZDT": (("New Zealand Daylight Time", "Pacific/Auckland", "+13:00"),),
    "SAST": (("South Africa Standard Time", "Africa/Johannesburg", "+02:00"),),
}

#: Abbreviations as a zone attribute's whole value: ``CST``, ``CST/CDT``, ``CET-CEST``, ``EST (UTC-5)`` is not one.
_ABBREVIATIONS = "|".join(ZONE_ABBREVIATIONS)
#: In any case (``cst``, ``Cst``: fix44k, units ``… 00:00:00 cst`` were read as UTC without a word).
_ABBREVIATED_VALUE = re.compile(rf"^\s*({_ABBREVIATIONS})(?:\s*[/,\-]\s*({_ABBREVIATIONS}))?\s*$", re.IGNORECASE)
#: An abbreviation after the reference time of time units: ``hours since 2021-01-01 00:00:00 CST``, any case.
_ABBREVIATED_UNITS = re.compile(rf"^(?P<head>.*\bsince\b.*?\d)\s*(?P<zone>{_ABBREVIATIONS})\s*$", re.IGNORECASE)
#: An abbreviation with an offset beside it: ``JST (UTC+9)``, ``CST UTC-6``, ``EST [GMT-05:00]``; the offset decides,
#: and must be one of the abbreviation's meanings' (fix44k: read as no offset, and advised ``+HH:MM``).
_ABBREVIATED_OFFSET = re.compile(rf"^\s*(?P<zone>{_ABBREVIATIONS})\s*[(\[]?\s*(?P<offset>(?:UTC|GMT)\s*[-+]\s*\d{{1,2}}"
                                 rf"(?::?\d{{2}})?)\s*[)\]]?\s*$", re.IGNORECASE)
#: An abbreviation as a word of a long name, in capitals: "local time (CST/CDT)", "time (EST)".
_ABBREVIATED_WORD = re.compile(rf"(?<![A-Za-z])({_ABBREVIATIONS})(?![A-Za-z])")


def _abbreviations_said(name: str, attrs: Mapping, units: str, file_attrs: Mapping, *,
                        words: bool = True) -> tuple[list[str], str] | None:
    """The abbreviations that alone say the time zone of a time variable, and where (``"its units"``,
    ``"time_zone = 'CST/CDT'"``, ``"its long_name 'local time (CST/CDT)'"``); None when a zone
    attribute or the units say the zone otherwise (an IANA name, an offset) or nothing says one.
    ``words``: whether a long name's are looked at (only where the file's attributes are known:
    a global ``time_zone`` may name the zone the long name abbreviates)."""
    if (found := _ABBREVIATED_UNITS.match(units)) is not None:
        return [found["zone"].upper()], f"its units {units!r}"
    zones = zone_attributes(attrs) or zone_attributes(file_attrs)
    whose = "" if zone_attributes(attrs) else " of the file"
    for key, value in zones.items():
        if isinstance(value, str) and (found := _ABBREVIATED_VALUE.match(value)) is not None:
            return [word.upper() for word in found.groups() if word], f"{key}{whose} = {value!r}"
    if zones or time_zone_offset(units) is not None or not words:
        return None  # an IANA name or an offset says the zone; an abbreviation beside it only describes it
    for key in ("long_name", "comment", "description"):
        if isinstance(attrs.get(key), str) and (abbreviations := _ABBREVIATED_WORD.findall(attrs[key])):
            return list(dict.fromkeys(abbreviations)), f"its {key} {attrs[key]!r}"
    return None


def abbreviated_zone_message(name: str, attrs: Mapping, units: str, values: np.ndarray, *,
                             file_attrs: Mapping | None = None, words: bool = True) -> str | None:
    """The one line refusing sub-daily stamps whose time zone is said only by an abbreviation
    (:data:`ZONE_ABBREVIATIONS`: ``time_zone = "CST"``, ``"CET/CEST"``, units ``hours since …
    00:00:00 EST``, a long name "local time (CST/CDT)" with no zone attribute), or None.

    An abbreviation is never read as an offset: CST is US Central, China or Cuba Standard Time, and
    "CST/CDT" says a clock that follows daylight saving time, which no fixed offset fits
    (:mod:`climann.data.daylight_saving`). The message names what the abbreviation may be and asks
    for the IANA zone name (``America/Chicago``), by which climann converts or refuses the stamps.
    Daily and longer steps are local days (:func:`read_in_local_time`), which no zone moves: None.

    Parameters
    ----------
    name : str
        The time variable.
    attrs : mapping
        Its attributes.
    units : str
        Its units, ``<unit> since <date> [<abbreviation>]``.
    values : ndarray, shape (n_time,)
        Its stored values, in ``units``.
    file_attrs : mapping, optional
        The file's global attributes (a ``time_zone`` there counts when ``attrs`` name none).
    words : bool
        Whether the long name's words are looked at (False as the time is decoded, before the
        file's global attributes are at hand: :func:`file_abbreviated_zone_message` does).

    Returns
    -------
    str or None
        The message, with :data:`~climann.data.time_values.FILE_PLACEHOLDER` and
        :data:`~climann.data.time_values.COMMAND_FILES_PLACEHOLDER`.
    """
    if " since " not in units:
        return None
    if (disagreeing := _disagreeing_offset_message(name, attrs, units, values)) is not None:
        return disagreeing
    said = _abbreviations_said(name, attrs, units, file_attrs or {}, words=words)
    if said is None:
        return None
    found_words, where = said
    head = found["head"] if (found := _ABBREVIATED_UNITS.match(units)) is not None else units
    if read_in_local_time(head, np.asarray(values, dtype=np.float64)):
        return None
    meanings = "; ".join(f"{word}: " + ", ".join(f"{what} ({zone}, UTC{offset})"
                                                  for what, zone, offset in ZONE_ABBREVIATIONS[word])
                         for word in found_words)
    example = ZONE_ABBREVIATIONS[found_words[0]][0][1]
    on_file = " of the file" in where
    changes = [ncatted_attribute("time_zone", "global" if on_file else name, "o", "c", example)]
    if head != units:
        changes.insert(0, ncatted_attribute("units", name, "o", "c", head.strip()))
    return (f"{FILE_PLACEHOLDER}: time {name!r} says its time zone only by the abbreviation "
            f"{'/'.join(found_words)} ({where}), which names no zone and does not say whether its clock follows "
            f"daylight saving time ({meanings}); its sub-daily stamps are not read by a guess: give the IANA zone name "
            f"the stamps are in, e.g. `{attribute_command(changes, COMMAND_FILES_PLACEHOLDER)}` if they are "
            f"{ZONE_ABBREVIATIONS[found_words[0]][0][0]} (climann then reads that zone by zoneinfo and says how its "
            f"stamps are read)")


def _disagreeing_offset_message(name: str, attrs: Mapping, units: str, values: np.ndarray) -> str | None:
    """The one line refusing sub-daily stamps whose zone attribute gives an abbreviation and an offset
    that none of its meanings has (``time_zone = "JST (UTC-5)"``: Japan is UTC+09:00), or None."""
    for key, value in zone_attributes(attrs).items():
        if not isinstance(value, str) or (found := _ABBREVIATED_OFFSET.match(value)) is None:
            continue
        word = found["zone"].upper()
        given = _offset_of(found["offset"], datetime.datetime(2000, 1, 1))
        meanings = ZONE_ABBREVIATIONS[word]
        if given is None or any(_offset_of(offset, datetime.datetime(2000, 1, 1)) == given
                                for _, _, offset in meanings):
            continue
        if read_in_local_time(units, np.asarray(values, dtype=np.float64)):
            return None
        said = ", ".join(f"{what} ({zone}, UTC{offset})" for what, zone, offset in meanings)
        change = ncatted_attribute(key, name, "o", "c", meanings[0][1])
        return (f"{FILE_PLACEHOLDER}: time {name!r} says its time zone as {key} = {value!r}, whose offset "
                f"UTC{offset_text(given[0])} is none of {word}'s ({said}): which one is meant cannot be told, and the "
                f"sub-daily stamps are not read by either; give the IANA zone name the stamps are in, e.g. "
                f"`{attribute_command([change], COMMAND_FILES_PLACEHOLDER)}` if they are {meanings[0][0]}, or the "
                f"offset alone if it is the right one")
    return None


def file_abbreviated_zone_message(dataset) -> str | None:
    """:func:`abbreviated_zone_message` for a file's 1-D time axes (decoded, their units in
    ``encoding``), with the file's global attributes: a global ``time_zone = "CST"``, or a long
    name's "(CST/CDT)" where neither the time nor the file names a zone otherwise; None for others.
    The stamps are encoded again only when an abbreviation is found."""
    from xarray.coding.times import encode_cf_datetime

    for name in dataset.dims:
        variable = dataset.variables.get(name)
        units = str(variable.encoding.get("units", "")) if variable is not None else ""
        if (variable is None or variable.ndim != 1 or " since " not in units or variable.dtype.kind not in "MO"
                or _abbreviations_said(str(name), variable.attrs, units, dataset.attrs) is None):
            continue
        try:
            stored, _, _ = encode_cf_datetime(variable.values, units, variable.encoding.get("calendar"))
        except (TypeError, ValueError, OverflowError):
            continue
        message = abbreviated_zone_message(str(name), variable.attrs, units, np.asarray(stored, dtype=np.float64),
                                           file_attrs=dataset.attrs)
        if message is not None:
            return message
    return None
