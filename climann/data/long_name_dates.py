"""A time axis in a unit of time without the date it counts from, whose ``long_name`` names that date.

CF §4.4 writes time as a unit since a reference date (``hours since 2018-01-01 00:00:00``);
a unit alone (``hours``) dates nothing. The CAMS European air-quality ensemble (Météo-France's
downloads from the Atmosphere Data Store) writes each monthly file's time as ``units =
"hours"`` with ``long_name = "ANALYSIS time from 20180101"``: the date is there, packed as
``YYYYMMDD`` (UDUNITS-2's packed timestamp, :func:`climann.data.time_units.since_units`), in
the long name rather than the units. climann never reads dates from a long name by itself
(another product may write another date there: the start of a forecast, a file's creation);
it refuses as before, but its advice gives the ``ncatted`` line that writes the units with
that date, saying that climann took the date from the long name, to be checked. For several
files (a folder of months, each counting from its own first day), one loop writes every
file's copy into a new folder: with each file's own date read from its long name by
``ncks -m`` (NCO's metadata in CDL) and ``sed`` when the dates differ, else the one date as
:func:`~climann.data.shell.copies_of_files` gives it.

A time axis without units whose ``long_name`` or name says what it counts since which date in
words (LIS/OTD's LRMTS: ``Month_since_Jan_95`` = 0 … 119, "Months since January 1995") is given
those units (:func:`counted_since_problem`): ``months since 1995-01-01``, never the "days since
1970-01-01" of a time without units, which made its 120 months 120 days (break43b A1). Months
and years since a date are no fixed length in CF and UDUNITS outside the ``360_day`` calendar
(:func:`~climann.data.time_units.months_since_message`), so the advice goes on with CDO's
``-setreftime``, which reads them as calendar months, as climann's refusal of ``months since`` does.
"""

from __future__ import annotations

import datetime
import re
import shlex
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import xarray as xr

from climann.data.paths import is_zarr_store
from climann.data.shell import (
    attribute_command, beside, copies_command, copies_data, copies_folder, copies_of_files, input_and_copy,
    ncatted_attribute, none_there, shown_path,
)

__all__ = ["counted_since", "counted_since_problem", "long_name_reference", "long_name_reference_advice",
           "long_name_reference_problem"]

#: A unit of time as cftime reads it before ``since`` (CF §4.4 and UDUNITS-2 spellings), alone:
#: the units of a time axis that does not say the date it counts from.
_BARE_UNIT = re.compile(r"^\s*(days?|d|hours?|hrs?|hr|h|minutes?|mins?|min|seconds?|secs?|sec|s)\s*$",
                        re.IGNORECASE)

#: The word of each unit that xarray writes (:data:`climann.data.time_units.ENCODABLE_TIME_UNITS`).
_UNIT_WORDS = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}

#: A date packed as ``YYYYMMDD`` (UDUNITS-2's packed timestamp), not part of a longer number.
_PACKED_DATE = re.compile(r"(?<!\d)(\d{4})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)")

#: The folder beside the files that the loop writes their copies into.
COPIES_FOLDER = "units_dated"

#: The ``sed`` script that prints, as ``YYYY-MM-DD``, the packed date of a time variable's
#: long name in the CDL of ``ncks -m`` (``time:long_name = "ANALYSIS time from 20180101" ;``);
#: ``{name}`` the variable, as CDL writes it.
_SED_SCRIPT = (r's/^ *{name}:long_name = "\(.*[^0-9]\)\{{0,1\}}\([0-9]\{{4\}}\)\([0-9][0-9]\)\([0-9][0-9]\)'
               r'\([^0-9].*\)\{{0,1\}}" ;$/\2-\3-\4/p')


#: The months of the year by their English names and abbreviations (lower case) → their numbers.
_MONTHS = {name: number for number, names in enumerate(
    (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
     ("dec", "december")), start=1) for name in names}

#: "<unit> since <date>" in a long name or a variable's name (``_`` read as a space): the unit, and
#: the date as ISO ``1995-01(-01)`` or in words, ``January 1995``, ``1 Jan 1995``, ``Jan_1995``.
_COUNTED_SINCE = re.compile(
    r"\b(?P<unit>months?|years?|days?|hours?)\s+since\s+(?:(?P<year>\d{4})-(?P<month>\d{1,2})(?:-(?P<day>\d{1,2}))?"
    r"|(?:(?P<day_first>\d{1,2})\s+)?(?P<month_name>[a-z]+)\.?,?\s+(?:(?P<day_after>\d{1,2}),?\s+)?"
    r"(?P<year_after>\d{4}))\b", re.IGNORECASE)

#: The CF unit word of each unit said (plural, as xarray and CDO write them).
_COUNTED_UNITS = {"month": "months", "year": "years", "day": "days", "hour": "hours"}


def counted_since(time: xr.DataArray) -> tuple[str, datetime.date, str] | None:
    """What a time coordinate without units counts and since which date, when its ``long_name``
    (or else its name) says so in words: ``("months", date(1995, 1, 1), "its long_name 'Months
    since January 1995'")``; None with units, without such words, or with values that are no
    numbers.

    Examples
    --------
    >>> time = xr.DataArray([0, 1], dims="Month_since_Jan_95", name="Month_since_Jan_95",
    ...                     attrs={"long_name": "Months since January 1995"})
    >>> counted_since(time)[:2]
    ('months', datetime.date(1995, 1, 1))
    """
    if str(time.attrs.get("units", "")).strip() or time.dtype.kind not in "iuf":
        return None
    for where, text in (("long_name", str(time.attrs.get("long_name", ""))), ("name", str(time.name))):
        found = _COUNTED_SINCE.search(text.replace("_", " "))
        if found is None:
            continue
        year = int(found["year"] or found["year_after"])
        month = int(found["month"]) if found["month"] else _MONTHS.get(found["month_name"].lower())
        day = int(found["day"] or found["day_first"] or found["day_after"] or 1)
        try:
            date = datetime.date(year, month, day) if month else None
        except ValueError:  # 1995-02-30
            date = None
        if date is not None:
            return _COUNTED_UNITS[found["unit"].lower().rstrip("s")], date, f"its {where} '{text}'"
    return None


def counted_since_problem(time: xr.DataArray, source: str | Path | None) -> str | None:
    """Why a time coordinate without units whose long name or name says what it counts since
    which date (:func:`counted_since`) is not dates, and the command that writes those units in
    a copy of ``source`` (``IN.nc OUT.nc`` when not known): ``ncatted`` alone for days or hours;
    for months or years, which CF reads as fixed lengths (1/12 of 365.24 days), ``ncatted``
    followed by CDO's ``-setreftime`` that rewrites them as days of calendar months, the way
    :func:`~climann.data.time_units.months_since_message` gives. None for any other axis, and
    for a Zarr store (neither tool reads one: the general advice stands).

    Examples
    --------
    >>> time = xr.DataArray([0, 1], dims="M", name="M", attrs={"long_name": "Days since 2001-03-01"})
    >>> print(counted_since_problem(time, None))  # doctest: +NORMALIZE_WHITESPACE
    it has no units; its long_name 'Days since 2001-03-01' says it counts days since 2001-03-01 (0 … 1): climann
    took the date from the long_name and applies nothing by itself: check that the first value, 0, is
    2001-03-01, then set the units: `ncatted -a units,M,o,c,'days since 2001-03-01 00:00:00' IN.nc OUT.nc`
    """
    found = counted_since(time)
    if found is None or (source is not None and is_zarr_store(source)):
        return None
    unit, date, where = found
    values = np.asarray(time.values, dtype=np.float64).ravel()
    if not values.size or not np.all(np.isfinite(values)):
        return None
    name, reference = str(time.name), date.isoformat()
    fix = ncatted_attribute("units", name, "o", "c", _units(unit, reference))
    counted = f"{values[0]:g} … {values[-1]:g}" if values.size > 1 else f"{values[0]:g}"
    said = (f"it has no units; {where} says it counts {unit} since {reference} ({counted}): climann took the date "
            f"from the {where.split()[1]} and applies nothing by itself: check that the first value, {values[0]:g}, "
            f"is {_counted_text(values[0], unit, date)}, then set the units")
    if unit in ("days", "hours"):
        files = "IN.nc OUT.nc" if source is None else input_and_copy(source)
        return f"{said}: `{attribute_command([fix], files)}`"
    original, counted_copy, dated = (("IN.nc", "IN_counted.nc", "OUT.nc") if source is None else
                                     (shown_path(source), beside(source, "counted"), beside(source, "dated")))
    length = "30.44 days, a twelfth of a year" if unit == "months" else "365.24 days"
    # cdo writes over a file there, and ncatted answered "n" on one exits 0, then rm removed it: neither there first
    # (fix51j: the line followed again replaced the dated copy; a file at the counted name was removed)
    guard = none_there(*(shlex.split(name)[0] for name in (counted_copy, dated)))
    return (f"{said} and rewrite them as days of calendar {unit} (CF and UDUNITS read a {unit[:-1]} as {length}, "
            f"CDO as a calendar {unit[:-1]}): `{guard}ncatted {fix} {original} "
            f"{counted_copy} && cdo -setreftime,{reference},00:00:00,days {counted_copy} {dated} && rm {counted_copy}`"
            f" (then give {dated} in place of {original})")


def _counted_text(first: float, unit: str, date: datetime.date) -> str:
    """The date the first value names, in words: ``January 1995`` for 0 months since 1995-01-01,
    ``2001-03-02`` for 1 day since 2001-03-01."""
    if unit == "months" and first == int(first) and date.day == 1:
        number = date.year * 12 + date.month - 1 + int(first)
        return f"{_MONTH_NAMES[number % 12]} {number // 12}"
    if unit == "years" and first == int(first) and (date.month, date.day) == (1, 1):
        return str(date.year + int(first))
    if unit in ("days", "hours"):
        instant = datetime.datetime(date.year, date.month, date.day) + datetime.timedelta(**{unit: float(first)})
        return instant.isoformat(sep=" ").removesuffix(" 00:00:00")
    return f"{first:g} {unit} after {date.isoformat()}"


#: The months' names, for :func:`_counted_text`.
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                "November", "December")


def long_name_reference(time: xr.DataArray) -> tuple[str, datetime.date] | None:
    """The unit and the date a time coordinate counts from when its ``units`` are a unit of
    time alone (``hours``) and its ``long_name`` names one date, packed as ``YYYYMMDD``
    (``ANALYSIS time from 20180101``); None otherwise (units since a date, no unit of time, no
    date or several in the long name).

    Parameters
    ----------
    time : xarray.DataArray, shape (n_time,)
        The time coordinate, not decoded.

    Returns
    -------
    (str, datetime.date) or None
        The unit as xarray writes it (``hours``) and the date.

    Examples
    --------
    >>> time = xr.DataArray([0.0, 24.0], dims="time", name="time",
    ...                     attrs={"units": "hours", "long_name": "ANALYSIS time from 20180101"})
    >>> long_name_reference(time)
    ('hours', datetime.date(2018, 1, 1))
    """
    unit = _BARE_UNIT.match(str(time.attrs.get("units", "")))
    dates = set(_PACKED_DATE.findall(str(time.attrs.get("long_name", ""))))
    if unit is None or len(dates) != 1 or time.dtype.kind not in "iuf":
        return None
    year, month, day = map(int, dates.pop())
    try:
        date = datetime.date(year, month, day)
    except ValueError:  # 20180231
        return None
    return _UNIT_WORDS[unit[1][0].lower()], date


def _units(unit: str, date: str) -> str:
    """CF units of ``unit`` since ``date`` (``YYYY-MM-DD``, or the shell's ``$d``) at midnight."""
    return f"{unit} since {date} 00:00:00"


def _taken(time: xr.DataArray, unit: str, date: datetime.date) -> str:
    """Why the units are not dates and where the date comes from, for the messages."""
    return (f"its units are '{time.attrs['units']}', a unit of time without the date it counts from (CF: "
            f"'{_units(unit, date.isoformat())}'); its long_name '{time.attrs['long_name']}' names {date}: climann "
            "took the date from the long_name and applies nothing by itself: check that the values count from it, "
            "then set the units")


def long_name_reference_problem(time: xr.DataArray, source: str | Path | None) -> str | None:
    """Why a time coordinate whose units are a unit alone is not dates, and the ``ncatted``
    line that sets its units to that unit since the date its ``long_name`` names
    (:func:`long_name_reference`), in a copy of ``source`` (``IN.nc OUT.nc`` when not known;
    zarr-python's edit of a Zarr store, :func:`~climann.data.shell.attribute_command`); None
    when the long name names no date.

    Examples
    --------
    >>> time = xr.DataArray([0.0, 24.0], dims="time", name="time",
    ...                     attrs={"units": "hours", "long_name": "ANALYSIS time from 20180101"})
    >>> print(long_name_reference_problem(time, None))  # doctest: +NORMALIZE_WHITESPACE
    its units are 'hours', a unit of time without the date it counts from (CF: 'hours since 2018-01-01
    00:00:00'); its long_name 'ANALYSIS time from 20180101' names 2018-01-01: climann took the date from the
    long_name and applies nothing by itself: check that the values count from it, then set the units: `ncatted -a
    units,time,o,c,'hours since 2018-01-01 00:00:00' IN.nc OUT.nc`
    """
    found = long_name_reference(time)
    if found is None:
        return None
    unit, date = found
    fix = ncatted_attribute("units", str(time.name), "o", "c", _units(unit, date.isoformat()))
    files = "IN.nc OUT.nc" if source is None else input_and_copy(source)
    return f"{_taken(time, unit, date)}: `{attribute_command([fix], files)}`"


def long_name_reference_advice(times: Mapping[Path, xr.DataArray]) -> str | None:
    """The way out for several files of one folder whose time coordinates are one unit alone
    with the date in the ``long_name`` (:func:`long_name_reference`): one loop writing a copy
    of each into a new folder (:data:`COPIES_FOLDER`) with its units set, and the ``--data``
    that takes the copies. When the files name one date, the loop sets it
    (:func:`~climann.data.shell.copies_of_files`); when their dates differ (a file per month,
    each from its first day), the loop reads each file's date from its long name (``ncks -m``,
    ``sed``) as climann read it. None when a file has no such date, the files' time names or
    units differ, they lie in several folders, or one is a Zarr store (each file's own advice
    stands).

    Parameters
    ----------
    times : mapping of Path to xarray.DataArray
        Each file's time coordinate, not decoded, in the order given.

    Returns
    -------
    str or None
    """
    found = {path: long_name_reference(time) for path, time in times.items()}
    read = {path: pair for path, pair in found.items() if pair is not None}
    files = list(read)
    if (len(files) < 2 or len(read) < len(found) or any(is_zarr_store(path) for path in files)
            or len({path.parent for path in files}) > 1 or len({str(time.name) for time in times.values()}) > 1
            or len({unit for unit, _ in read.values()}) > 1):
        return None
    name, (unit, first_date) = str(next(iter(times.values())).name), next(iter(read.values()))
    taken = _taken(next(iter(times.values())), unit, first_date)
    dates = {date for _, date in read.values()}
    if len(dates) == 1:
        fix = ncatted_attribute("units", name, "o", "c", _units(unit, first_date.isoformat()))
        loop = copies_of_files(lambda arguments, _: attribute_command([fix], arguments), files, name=COPIES_FOLDER)
        return f"{taken}: {loop}"
    folder = copies_folder(files[0].parent, COPIES_FOLDER)
    sed = shlex.quote(_SED_SCRIPT.format(name=re.sub(r"([.*^$\\[\]/])", r"\\\1", name)))

    def dated(each: str, copy: str) -> str:
        return (f"d=$(ncks -m -C -v {shlex.quote(name)} {each} | sed -n {sed}) && if [ -n \"$d\" ]; then "
                f"ncatted -a units,{shlex.quote(name)},o,c,\"{_units(unit, '$d')}\" {each} {copy}; "
                f"else echo {each}: no date in its long_name; fi")

    shown = ", ".join(f"{path.name} {date}" for path, (_, date) in list(read.items())[:2])
    return (f"{taken}; the {len(files)} files' long names name {len(dates)} dates ({shown} …): one loop sets each "
            f"file's own, read from its long_name as climann read it: `{copies_command(dated, folder, files)}` (a "
            f"copy of each of its {len(files)} files in a new folder), then give --data {copies_data(folder, files)} "
            "in place of the originals")
