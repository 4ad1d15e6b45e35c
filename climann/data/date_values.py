"""Dates held by a data variable (a day of onset: MODIS MCD12Q2's ``Greenup_0`` in ``days since
1970-01-01``) read as the day of year of each date.

CF dates are a count since a reference date; a data variable stored so is decoded to dates by
xarray, which were left out among metadata and refused as a target ("holds objects, not
numbers", break42a A2), and whose missing values (MCD12Q2's ``_FillValue = 32767``) crashed
cftime when read. A phenologist reads a day of onset as its day of the year (PEP725's ``DAY``,
the day-of-year layers users derive from MCD12Q2): a count since 1970 is dominated by the
years themselves (each year 365 days later), so its climatology and scaling would measure the
calendar, not the season. So a data variable holding dates is read as

    day of year = (t − t(1 January of year Y)) / (1 day) + 1,

``t`` the stored numbers in their units (the variable's own calendar), ``Y`` the calendar year
of the time step that holds the value: 1 is 1 January of the step's year, a date in the year
before is 0 or less, one in the year after over 365 (366). Counting from the step's year, not
the date's own, keeps a southern-hemisphere onset in late December and early January of a
season continuous (355, 370) rather than wrapped (355, 5). A variable without a time
coordinate of dates counts from the date's own year. The values are in days (``units =
"days"``), with a note naming the variable and the rule; missing dates are NaN; the valid range
is applied in the stored units first (MCD12Q2's ``valid_min = 11138`` is a date).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import cftime
import numpy as np
import xarray as xr

from climann.data.forecast_times import TIME_UNIT_CODES
from climann.data.masking import VALID_RANGE_ATTRIBUTES, valid_limits
from climann.data.notes import note_once
from climann.data.shell import attribute_command, input_and_copy, ncatted_attribute
from climann.data.time_encodings import time_encoding_names
from climann.data.time_units import since_units
from climann.data.variables import metadata_variable_names
from climann.errors import ClimannError

_log = logging.getLogger(__name__)

#: Standard names of the variables that stamp times rather than hold dates as data.
TIME_STANDARD_NAMES = frozenset({"time", "forecast_reference_time"})


#: A reference date with its year last (MODIS MCD12Q2's ``days since 1-1-1970``), which cftime
#: reads as year 1, day 19.
_YEAR_LAST = re.compile(r"^(?P<unit>\S+\s+since\s+)(?P<first>\d{1,2})[-/](?P<second>\d{1,2})[-/](?P<year>\d{4})"
                        r"(?P<rest>(?:\s.*)?)$", re.IGNORECASE | re.DOTALL)


def year_first_units(units: str) -> str | None:
    """``units`` with a reference date written year last (``days since 1-1-1970``, as MODIS's
    MCD12Q2 user guide writes it) put year first, as CF and cftime read dates (``days since
    1970-01-01``): read so when its day and month are not in doubt (both the same, or one over
    12); None when they are (``3-4-1970``). Other units unchanged.

    Examples
    --------
    >>> year_first_units("days since 1-1-1970"), year_first_units("days since 1970-01-01")
    ('days since 1970-01-01', 'days since 1970-01-01')
    >>> year_first_units("days since 3-4-1970") is None
    True
    """
    match = _YEAR_LAST.match(units)
    if match is None:
        return units
    first, second = int(match["first"]), int(match["second"])
    if first != second and max(first, second) <= 12:
        return None
    month, day = (second, first) if first > 12 else (first, second)
    return f"{match['unit']}{match['year']}-{month:02d}-{day:02d}{match['rest']}"


def _counts_since(variable: xr.DataArray | xr.Variable) -> bool:
    """Units ``UNIT since …`` in its attributes (not decoded), or in its encoding where xarray
    decoded it to dates, UNIT a fixed length of time
    (:data:`~climann.data.forecast_times.TIME_UNIT_CODES`: not ``months since``)."""
    decoded = variable.dtype.kind in "MO" and "units" not in variable.attrs
    words = str((variable.encoding if decoded else variable.attrs).get("units", "")).split()
    return len(words) >= 3 and words[1].lower() == "since" and words[0].lower() in TIME_UNIT_CODES


def _coordinate_holds_dates(coordinate: xr.DataArray) -> bool:
    """A coordinate of datetime64 or of cftime dates."""
    if coordinate.dtype.kind == "M":
        return True
    return coordinate.dtype.kind == "O" and coordinate.size > 0 and isinstance(
        np.asarray(coordinate.values).flat[0], cftime.datetime)


def dated_data_names(dataset: xr.Dataset) -> list[str]:
    """The data variables of ``dataset`` (as stored, opened with them not decoded, or decoded) that
    hold dates as data: units ``UNIT since …``, at least one dimension, no time
    standard name nor ``axis = "T"``, not named by any other variable (bounds, coordinates, a
    time-mean period: :func:`climann.data.variables.metadata_variable_names`), not the
    coordinate of a dimension, and not 1-D on a dimension without a coordinate of its own (which
    may be its time axis), nor the time of the steps written again
    (:func:`~climann.data.time_encodings.time_encoding_names`: NCL's ``initial_time0_hours``
    beside a time axis of another name). :func:`climann.data.open` opens them undecoded: xarray decodes a
    variable's first and last values when it opens it, and a missing one (MCD12Q2's fill over
    the sea) made cftime fail, the file refused."""
    metadata = metadata_variable_names(dataset) | set(time_encoding_names(dataset))
    return [str(name) for name, variable in dataset.variables.items()
            if _counts_since(variable) and variable.ndim > 0 and str(name) not in metadata
            and str(name) not in dataset.dims and name not in dataset.coords
            and variable.attrs.get("standard_name") not in TIME_STANDARD_NAMES
            and str(variable.attrs.get("axis", "")).upper() != "T"
            and not (variable.ndim == 1 and variable.dims[0] not in dataset.variables)]


def _step_years(variable: xr.DataArray) -> xr.DataArray | None:
    """The calendar year of each time step of ``variable``: of its one coordinate of dates on one
    of its dimensions (or scalar); None when it has none, or more than one."""
    dated = [coordinate for coordinate in variable.coords.values()
             if _coordinate_holds_dates(coordinate)
             and (coordinate.ndim == 0 or (coordinate.ndim == 1 and coordinate.dims[0] in variable.dims))]
    if len(dated) != 1:
        return None
    return xr.DataArray(np.asarray(dated[0].dt.year.values, np.int64), dims=dated[0].dims)  # no coordinates to align


def _january_firsts(years: np.ndarray, units: str, calendar: str) -> np.ndarray:
    """``t(1 January of each year)``: the numbers of ``units`` (``days since 1970-01-01``) that
    1 January 00:00 of each year is in ``calendar``."""
    years = np.asarray(years, np.int64)
    unique, places = np.unique(years, return_inverse=True)
    firsts = cftime.date2num([cftime.datetime(int(year), 1, 1, calendar=calendar) for year in unique],
                             units, calendar=calendar)
    return np.asarray(firsts, np.float64)[places].reshape(years.shape)


def days_of_year(numbers: np.ndarray, units: str, calendar: str, years: np.ndarray | None = None) -> np.ndarray:
    """The day of year of each date: ``(t − t(1 January of year Y)) / (1 day) + 1``.

    Parameters
    ----------
    numbers : ndarray of float, any shape
        The dates as stored: numbers of ``units``; NaN where missing.
    units : str
        CF time units, a unit of :data:`~climann.data.forecast_times.TIME_UNIT_CODES` since a date
        (``days since 1970-01-01``).
    calendar : str
        The dates' CF calendar.
    years : ndarray of int, broadcastable to ``numbers``, optional
        The year ``Y`` each day is counted from (each value's time step's year); the date's own
        year when not given.

    Returns
    -------
    ndarray of float64
        Days; 1 is 1 January of ``Y``; NaN where ``numbers`` is.

    Examples
    --------
    >>> days_of_year(np.array([11438.0, np.nan]), "days since 1970-01-01", "standard")  # 2001-04-26
    array([116.,  nan])
    >>> days_of_year(np.array([11322.0]), "days since 1970-01-01", "standard", np.array([2001]))  # 2000-12-31
    array([0.])
    """
    numbers = np.asarray(numbers, np.float64)
    day = float(np.timedelta64(1, TIME_UNIT_CODES[units.split()[0].lower()]) / np.timedelta64(1, "D"))
    present = np.isfinite(numbers)
    if years is None:
        years = np.full(numbers.shape, 2000, np.int64)  # any year where missing: NaN all the same
        dates = cftime.num2date(numbers[present], units, calendar=calendar)
        years[present] = [date.year for date in np.atleast_1d(dates)]
    firsts = _january_firsts(np.broadcast_to(years, numbers.shape), units, calendar)
    return np.where(present, (numbers - firsts) * day + 1, np.nan)


def _day_of_year_variable(variable: xr.DataArray, units: str) -> tuple[xr.DataArray, bool]:
    """``variable``'s dates (stored numbers, not decoded; ``units`` its units read year first)
    as days of year: its valid range applied in the stored units, then :func:`days_of_year`
    counted from each step's year (True) or each date's own (False), lazily."""
    calendar = str(variable.attrs.get("calendar", "standard"))
    limits = valid_limits(variable)
    numbers = xr.DataArray(variable.variable.astype(np.float64))  # without coordinates: nothing to align
    if limits is not None:
        numbers = numbers.where((numbers >= limits[0]) & (numbers <= limits[1]))
    years = _step_years(variable)
    if years is not None:
        numbers, years = xr.broadcast(numbers, years)
    arguments = [numbers] if years is None else [numbers, years]
    days = xr.apply_ufunc(
        lambda values, *year: days_of_year(values, units, calendar, *year), *arguments,
        dask="parallelized", output_dtypes=[np.float64])
    days = days.transpose(*variable.dims).assign_coords(variable.coords)
    kept = {key: value for key, value in variable.attrs.items()
            if key not in ("units", "calendar", *VALID_RANGE_ATTRIBUTES)}
    days.attrs = {**kept, "units": "days", "long_name": f"{kept.get('long_name', variable.name)}, day of year"}
    days.encoding = {key: value for key, value in variable.encoding.items() if key != "dtype"}
    return days.rename(variable.name), years is not None


def _since_an_event(units: str) -> bool:
    """A count since an event named in words (a crop model's ``days since planting``): no digit
    in what follows ``since``."""
    return not any(character.isdigit() for character in units.split(maxsplit=2)[2])


def _length_of_time(variable: xr.DataArray) -> xr.DataArray:
    """A count since an event read as a length of time in its unit (``days since planting`` →
    ``days``), as stored."""
    unit = str(variable.attrs["units"]).split()[0].lower()
    numbers = variable.astype(np.promote_types(variable.dtype, np.float32))
    numbers.attrs = {**variable.attrs, "units": unit}
    numbers.encoding = dict(variable.encoding)
    return numbers


def with_dates_as_days_of_year(dataset: xr.Dataset, path: Path) -> xr.Dataset:
    """``dataset`` with each data variable holding dates (:func:`dated_data_names`, opened with
    them not decoded: the stored numbers, NaN where missing) read as the day of year of each
    date (:func:`days_of_year`), in days, with a note; a count since an event in words (``days
    since planting``) read as the length of time it is, in its unit, with a note.

    Parameters
    ----------
    dataset : xarray.Dataset
        One file as opened, its times decoded but those of :func:`dated_data_names`, lazy.
    path : Path
        The file, for the notes and the refusal's fix.

    Returns
    -------
    xarray.Dataset
        The same dataset when no data variable holds dates.

    Raises
    ------
    ClimannError
        If a reference date is written year last with its day and month in doubt (``days since
        3-4-1970``), or is no date cftime reads: the ``ncatted`` that writes it year first.
    """
    names = [name for name in dated_data_names(dataset) if name in dataset.data_vars and "units" in dataset[name].attrs]
    converted, said = {}, {True: [], False: [], None: []}
    for name in names:
        variable, written = dataset[name], str(dataset[name].attrs["units"])
        if _since_an_event(since_units(written)):
            converted[name] = _length_of_time(variable)
            said[None].append(f"{name} ({written})")
            continue
        units = year_first_units(since_units(written))
        if units is None or not _readable(units, str(variable.attrs.get("calendar", "standard"))):
            fix = ncatted_attribute("units", name, "o", "c", f"{written.split()[0]} since YYYY-MM-DD")
            raise ClimannError(
                f"'{name}' in {path.name} holds dates in units '{written}', whose reference date is "
                f"{'written year last with its day and month in doubt' if units is None else 'no date'}; "
                f"write it as CF does, year first: `{attribute_command([fix], input_and_copy(path))}`")
        converted[name], by_step = _day_of_year_variable(variable, units)
        said[by_step].append(f"{name} ({written}{'' if units == since_units(written) else f', read as {units}'})")
    for by_step, named in said.items():
        if named:
            _note(path, named, by_step)
    return dataset.assign(converted) if converted else dataset


def _readable(units: str, calendar: str) -> bool:
    """Whether cftime reads the reference date of ``units`` in ``calendar``."""
    try:
        cftime.date2num(cftime.datetime(2000, 1, 1, calendar=calendar), units, calendar=calendar)
    except (ValueError, TypeError):
        return False
    return True


def _note(path: Path, named: list[str], by_step: bool | None) -> None:
    """The one note of how the variables ``named`` were read."""
    holds = f"{', '.join(named)} hold{'s' if len(named) == 1 else ''}"
    if by_step is None:
        text = (f"{holds} a count since an event, not since a date: read as a length of time in "
                f"{'its unit' if len(named) == 1 else 'their units'}")
    else:
        start = "its time step's year" if by_step else "the date's own year"
        text = (f"{holds} dates, read as the day of year of each date in days, counted from 1 January of {start} "
                f"(1 = 1 January{'; a date in the year before is 0 or less' if by_step else ''})")
    note_once(_log, logging.WARNING, f"{path.name}: {text}")
