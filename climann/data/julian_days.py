"""Time axes in Julian Days, recognised so that their refusal gives the line that dates them.

A Julian Day (JD) counts days from noon of 1 January 4713 BC in the proleptic Julian calendar
(JD 0; Meeus, *Astronomical Algorithms*, ch. 7): JD 2451545.0 is 2000-01-01 12:00 (J2000.0) and
JD 2299160.5 is 1582-10-15 00:00, the first day of the Gregorian calendar. IRI's Data Library
writes such axes as ``units = "julian_day"``; others write ``"Julian Day"``, ``"JD"`` or
``"julian date"``. CF reads none of them (CF §4.4: a unit since a reference date), and the
advice "CF expects units = 'days since 1970-01-01'" followed literally dated IRI's 2001 as the
year 8683 (break40c C5). In CF terms a JD is ``days since -4713-01-01 12:00:00`` in the
``standard`` calendar: Julian before 1582-10-15, as the JD's origin is, and Gregorian after,
as the dates JDs name since are; cftime and NCO (``ncks --cal``) both read it so (the
``julian`` calendar would give Julian-calendar dates, 13 days behind in 2001, and
``proleptic_gregorian`` puts the origin in another year, with a year 0). A Modified Julian Day
(MJD = JD − 2400000.5) is ``days since 1858-11-17 00:00:00``.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import cftime
import numpy as np
import xarray as xr

from climann.data.shell import attribute_command, input_and_copy, ncatted_attribute
from climann.data.time_axis import date_text

#: Units of Julian Days (lower case, ``_`` as a space), and of Modified Julian Days.
_JULIAN_DAY = re.compile(r"^(?:julian ?days?|julian ?dates?|jd|jdn)$")
_MODIFIED_JULIAN_DAY = re.compile(r"^(?:modified julian ?days?|modified julian ?dates?|mjd)$")

#: The CF units and calendar of a Julian Day, and of a Modified Julian Day.
JULIAN_DAY_UNITS = "days since -4713-01-01 12:00:00"
MODIFIED_JULIAN_DAY_UNITS = "days since 1858-11-17 00:00:00"
JULIAN_DAY_CALENDAR = "standard"

#: The largest value read as a day of the year rather than a Julian Day (JD 366 is in 4712 BC).
_DAYS_OF_A_YEAR = 366.0


def julian_day_units(units: str) -> str | None:
    """The CF units of Julian Day ``units`` (:data:`JULIAN_DAY_UNITS`, or
    :data:`MODIFIED_JULIAN_DAY_UNITS` for a Modified Julian Day); None for other units.

    Examples
    --------
    >>> [julian_day_units(units) for units in ("julian_day", "Julian Day", "JD", "MJD", "days")]
    ['days since -4713-01-01 12:00:00', 'days since -4713-01-01 12:00:00', \
'days since -4713-01-01 12:00:00', 'days since 1858-11-17 00:00:00', None]
    """
    spelt = " ".join(str(units).replace("_", " ").lower().split())
    if _JULIAN_DAY.match(spelt):
        return JULIAN_DAY_UNITS
    if _MODIFIED_JULIAN_DAY.match(spelt):
        return MODIFIED_JULIAN_DAY_UNITS
    return None


def counts_from_julian_day_origin(units: str, calendar: str) -> bool:
    """Whether CF ``units`` in ``calendar`` count from the Julian Day origin (noon of 1 January
    4713 BC, Julian): a reference date before 1582 that software reading it with proleptic
    Gregorian arithmetic did not write (:func:`climann.data.time_values.early_reference_problem`
    does not warn of it). Only the ``standard`` (``gregorian``) and ``julian`` calendars put it there.

    Examples
    --------
    >>> counts_from_julian_day_origin("days since -4713-01-01 12:00:00", "standard")
    True
    >>> counts_from_julian_day_origin("days since -4713-01-01 12:00:00", "proleptic_gregorian")
    False
    """
    if calendar.strip().lower() not in ("standard", "gregorian", "julian"):
        return False
    try:
        with warnings.catch_warnings():  # cftime's CFWarning on a year before 1
            warnings.simplefilter("ignore", cftime.CFWarning)
            origin = cftime.num2date(0, units, calendar=calendar.strip().lower())
    except (ValueError, TypeError):
        return False
    return (origin.year, origin.month, origin.day, origin.hour, origin.minute, origin.second) == (-4713, 1, 1, 12, 0, 0)


def julian_day_date(value: float, units: str) -> str:
    """The date ``value`` names in CF ``units`` of :func:`julian_day_units`, in the ``standard``
    calendar, to the minute (``2451545.0`` → ``"2000-01-01 12:00"``)."""
    with warnings.catch_warnings():  # cftime's CFWarning on the year -4713: CF's reading of it, JD's own
        warnings.simplefilter("ignore", cftime.CFWarning)
        return date_text(cftime.num2date(value, units, calendar=JULIAN_DAY_CALENDAR), precision="minute")


def julian_day_problem(time: xr.DataArray, source: str | Path | None) -> str | None:
    """Why a time coordinate in Julian Days is not dates, the date its first value names and the
    ``ncatted`` that says so in a copy of ``source`` (``IN.nc OUT.nc`` when not known); None for
    other units. Values all within 0 … 366 are days of the year, which the name is often used
    for, and name no year: said so, without a command.

    Parameters
    ----------
    time : xarray.DataArray, shape (n_time,)
        The time coordinate as stored (not decoded), with its ``units``.
    source : str or Path, optional
        The one file it was read from.

    Returns
    -------
    str or None
    """
    units = str(time.attrs.get("units", ""))
    cf_units = julian_day_units(units)
    values = np.asarray(time.values, dtype=np.float64).ravel()
    values = values[np.isfinite(values)]
    if cf_units is None or not values.size:
        return None
    name = str(time.name)
    if cf_units == JULIAN_DAY_UNITS and values.max() <= _DAYS_OF_A_YEAR:
        return (f"its units are '{units}' but its values ({values.min():g} … {values.max():g}) are days of the year, "
                "which name no year (Julian Days of today are about 2.46 million); write them as days since 1 January "
                f"of their year: {name} − 1, with units 'days since' that year's 1 January ('days since 2019-01-01' "
                "for 2019: only you know the year, so no command is given)")
    files = "IN.nc OUT.nc" if source is None else input_and_copy(source)
    fixes = [ncatted_attribute("units", name, "o", "c", cf_units),
             ncatted_attribute("calendar", name, "o", "c", JULIAN_DAY_CALENDAR)]
    what = ("Julian Days, counted from noon of 1 January 4713 BC in the Julian calendar (JD 0)"
            if cf_units == JULIAN_DAY_UNITS else "Modified Julian Days (JD − 2400000.5), counted from 1858-11-17 00:00")
    return (f"its units are '{units}', {what}, which CF writes as units '{cf_units}' in the "
            f"'{JULIAN_DAY_CALENDAR}' calendar (Julian before 1582-10-15, Gregorian after); if these are such days "
            f"({values[0]:.10g} then reads {julian_day_date(float(values[0]), cf_units)}), say so in a copy: "
            f"`{attribute_command(fixes, files)}`")
