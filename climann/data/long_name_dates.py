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
"""

from __future__ import annotations

import datetime
import re
import shlex
from collections.abc import Mapping
from pathlib import Path

import xarray as xr

from climann.data.paths import is_zarr_store
from climann.data.shell import (
    attribute_command, copies_command, copies_data, copies_folder, copies_of_files, input_and_copy, ncatted_attribute,
)

__all__ = ["long_name_reference", "long_name_reference_advice", "long_name_reference_problem"]

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
