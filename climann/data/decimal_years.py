"""Time axes in decimal years, recognised so that their refusal gives the command that restamps them.

Berkeley Earth's gridded files (``Land_and_Ocean_LatLong1.nc``; "Berkeley Earth Internal
Convention (based on CF-1.5)") hold ``time`` in ``units = "year A.D."``: 1980.0417 is the middle
of January 1980, steps of 1/12 year. Other products write ``years``, ``year`` or ``common_era``
the same way. CF reads no such axis as dates (CF §4.4: time is a count of a unit since a
reference date, in a calendar; UDUNITS' ``year`` is 365.24219 days, not a calendar year), and
the fraction of a year does not say which calendar date it means (1/12 year is no month), so
climann does not guess the dates: it refuses, naming the reading it would take, with the CDO
command that writes that reading into a copy as a CF axis (``cdo settaxis``, CDO's manual,
"SETTIME"; ``-settunits,days`` makes it ``days since`` the start, not CDO's absolute
``month as %Y%m.%f``, which keeps no day). CDO 2.1.1 warns "Fraction of a year is not
supported" on such a file and writes the new axis all the same.

Whole years without units (FAOSTAT's ``time`` 1961 … 2021, ``long_name = "year"``; a yield
data set's 1981 … 2016 with no attributes) are no CF time either: :func:`whole_years_problem`
refuses them with the xarray line that writes each year as its 1 January into a copy.
"""

from __future__ import annotations

import datetime
import math
from pathlib import Path

import numpy as np
import xarray as xr

from climann.data.shell import input_and_copy, xarray_command, xarray_values
from climann.data.time_axis import date_text
from climann.data.time_commands import dated_axis_command

#: Units of decimal-year time axes (lower case): Berkeley Earth's ``year A.D.`` and its kin.
DECIMAL_YEAR_UNITS = frozenset({
    "year a.d.", "years a.d.", "year ad", "years ad", "year ce", "years ce", "year", "years", "yr", "yrs",
    "common_era", "common era", "decimal year", "decimal years", "decimal_year", "decimal_years",
})

#: Units that say the years are of the common era, read down to year 1 (PAGES 2k and PMIP's
#: past1000 runs begin in 850); the other spellings (``year``, ``years``, ``yr``: also model
#: years 1, 2 …, which name no calendar year) only between 1000 and 3000.
COMMON_ERA_UNITS = frozenset({"year a.d.", "years a.d.", "year ad", "years ad", "year ce", "years ce",
                              "common_era", "common era"})

#: The regular steps a decimal-year axis is recognised by, as CDO's ``settaxis`` increments and
#: their lengths in years.
DECIMAL_YEAR_STEPS = {"1mon": 1 / 12, "1day": 1 / 365.25, "1year": 1.0}

#: How far each step may be from its length, relative to it: months of 28 to 31 days written
#: as days/365 (±8 %), days of leap years written as 1/366.
STEP_TOLERANCE = 0.1


def decimal_year_step(time: xr.DataArray) -> str | None:
    """The CDO increment (``1mon``, ``1day``, ``1year``) of a time coordinate in decimal years:
    units of :data:`DECIMAL_YEAR_UNITS`, values between 1000 (1 for :data:`COMMON_ERA_UNITS`) and 3000,
    steps regular to within
    :data:`STEP_TOLERANCE` of one of :data:`DECIMAL_YEAR_STEPS`; None for any other time.

    Parameters
    ----------
    time : xarray.DataArray, shape (n_time,)
        The time coordinate as stored (not decoded).
    """
    units = str(time.attrs.get("units", "")).strip().lower()
    if units not in DECIMAL_YEAR_UNITS or time.ndim != 1 or time.size < 2 or time.dtype.kind not in "fiu":
        return None
    values = np.asarray(time.values, dtype=np.float64)
    first_year = 1 if units in COMMON_ERA_UNITS else 1000
    if not (np.all(np.isfinite(values)) and np.all((values >= first_year) & (values <= 3000))):
        return None
    steps = np.diff(values)
    return next((increment for increment, length in DECIMAL_YEAR_STEPS.items()
                 if np.all(np.abs(steps - length) <= STEP_TOLERANCE * length)), None)


def decimal_year_start(value: float, increment: str) -> datetime.datetime:
    """The date of the first stamp ``value`` (a decimal year) as the ``increment`` reads it.

    ``1mon``: the month the fraction falls in, at its start (``day 1``) or middle (day 15), to the
    nearest half month (1980.0417 = 1980 + 0.5/12: 1980-01-15). ``1year``: 1 January or 1 July,
    to the nearest half year. ``1day``: the fraction times the days of that year (366 in a leap
    year), to the nearest hour (1980.0014 = 1980 + 0.5/366: 1980-01-01 12:00).

    Returns
    -------
    datetime.datetime
    """
    year = math.floor(value)
    fraction = value - year
    if increment == "1day":
        days = 366 if (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 else 365
        return datetime.datetime(year, 1, 1) + datetime.timedelta(hours=round(fraction * days * 24))
    parts = 12 if increment == "1mon" else 1
    halves = round(fraction * parts * 2)  # half months (or half years) since 1 January
    year, part = year + halves // (2 * parts), halves % (2 * parts)
    if increment == "1mon":
        return datetime.datetime(year, part // 2 + 1, 15 if part % 2 else 1)
    return datetime.datetime(year, 7 if part else 1, 1)


def decimal_years_problem(time: xr.DataArray, source: str | Path | None) -> str | None:
    """Why a time coordinate in decimal years is not dates, the reading of its first stamp and
    the command that writes it as a CF axis into a copy of ``source`` (``IN.nc OUT.nc`` when not
    known; CDO's ``settaxis`` for a NetCDF file, an xarray line for a Zarr store,
    :func:`~climann.data.time_commands.dated_axis_command`); None for a time not in decimal years
    (see :func:`decimal_year_step`).

    Examples
    --------
    >>> time = xr.DataArray([1980.0417, 1980.125, 1980.2083], dims="time", name="time",
    ...                     attrs={"units": "year A.D."})
    >>> print(decimal_years_problem(time, None))  # doctest: +NORMALIZE_WHITESPACE
    it holds decimal years (units 'year A.D.': 1980.0417, 1980.125, …, monthly steps of 1/12 year), which name no
    calendar date (CF expects units = 'days since 1970-01-01' and a calendar), and climann does not guess them:
    if 1980.0417 is 1980-01-15 00:00, write the dates into a copy, e.g. `cdo -settunits,days
    -settaxis,1980-01-15,00:00:00,1mon IN.nc OUT.nc`
    """
    increment = decimal_year_step(time)
    if increment is None:
        return None
    values = np.asarray(time.values, dtype=np.float64)
    start = decimal_year_start(float(values[0]), increment)
    shown = ", ".join(f"{value:.8g}" for value in values[:2])
    step = {"1mon": "monthly steps of 1/12 year", "1day": "daily steps of 1/365 year", "1year": "yearly steps"}
    files = "IN.nc OUT.nc" if source is None else input_and_copy(source)
    day = date_text(start, precision="day")
    return (
        f"it holds decimal years (units '{time.attrs['units']}': {shown}, …, {step[increment]}), which name no "
        "calendar date (CF expects units = 'days since 1970-01-01' and a calendar), and climann does not guess them: "
        f"if {values[0]:.8g} is {day} {start:%H:%M}, write the dates into a copy, "
        f"e.g. `{dated_axis_command(str(time.name), start, increment, files)}`"
    )


#: The years a time axis of whole numbers without units is read as calendar years between
#: (:func:`whole_years_problem`): FAOSTAT's 1961 …, historical yield data sets (GDHY 1981 …), a
#: model's years 1850 … 2100; not a count of model years 1, 2 … or of days from 0.
WHOLE_YEAR_RANGE = (1000, 3000)


def whole_years(time: xr.DataArray) -> bool:
    """Whether ``time`` holds whole years without CF units: whole numbers that increase, each
    within :data:`WHOLE_YEAR_RANGE`, with no ``units`` (or units of years, :data:`DECIMAL_YEAR_UNITS`,
    whose steps are not all one: ``1961, 1965, 1970``).

    Parameters
    ----------
    time : xarray.DataArray, shape (n_time,)
        The time coordinate as stored (not decoded).
    """
    units = str(time.attrs.get("units", "")).strip().lower()
    if (units and units not in DECIMAL_YEAR_UNITS) or time.ndim != 1 or time.size == 0 or time.dtype.kind not in "fiu":
        return False
    values = np.asarray(time.values, dtype=np.float64)
    first, last = WHOLE_YEAR_RANGE
    return bool(np.all(np.isfinite(values)) and np.all(values % 1 == 0) and np.all(np.diff(values) > 0)
                and values.min() >= first and values.max() <= last)


def whole_years_problem(time: xr.DataArray, source: str | Path | None) -> str | None:
    """Why a time coordinate of whole years without units (:func:`whole_years`; FAOSTAT's
    ``time`` 1961 … 2021, ``long_name = "year"``) is not dates, and the xarray line that writes
    each year as its 1 January, as days since the first year's, into a copy of ``source``
    (``IN.nc OUT.nc`` when not known), which climann reads as yearly steps; None for any other
    time. CF reads a number as a date only with units of a time since a reference date (CF
    §4.4): followed literally, ``days since 1970-01-01`` made 1961 … 1996 the days 1975-05-16 …
    (break37b T2).

    Examples
    --------
    >>> time = xr.DataArray([1961, 1962, 1963], dims="time", name="time", attrs={"long_name": "year"})
    >>> print(whole_years_problem(time, None)[:104])
    it has no units, and its values 1961, 1962, …, 1963 (whole numbers, long_name 'year') look like calendar
    """
    if not whole_years(time):
        return None
    name, values = str(time.name), np.asarray(time.values, dtype=np.float64)
    first = int(values[0])
    days = f"days since {first:04d}-01-01"
    statements = ["import cftime",
                  f"assert (d[{name!r}].values % 1 == 0).all(), 'not whole years'",
                  xarray_values(name, f"cftime.date2num([cftime.datetime(int(n), 1, 1, calendar='standard') "
                                      f"for n in d[{name!r}].values], {days!r}, 'standard')"),
                  f"d[{name!r}].encoding.update(dtype='f8', _FillValue=None)",
                  f"d[{name!r}].attrs.update(units={days!r}, calendar='standard')"]
    files = "IN.nc OUT.nc" if source is None else input_and_copy(source, suffix="dated")
    shown = ", ".join(f"{value:g}" for value in values[:2]) + (f", …, {values[-1]:g}" if values.size > 2 else "")
    units = time.attrs.get("units")
    found = f"its units are '{units}'" if units else "it has no units"
    label = f", long_name '{time.attrs['long_name']}'" if time.attrs.get("long_name") else ""
    return (f"{found}, and its values {shown} (whole numbers{label}) look like calendar years, which CF writes as "
            f"dates (units = 'days since 1970-01-01', any unit since a reference date, and a calendar; read as days "
            f"since 1970-01-01 they would be days of the 1970s): if they are the years, write each as 1 January of its "
            f"year into a copy, e.g. `{xarray_command(statements, files)}`, and give that copy in place of the file")
