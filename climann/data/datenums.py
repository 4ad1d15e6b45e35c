"""MATLAB serial date numbers (``datenum``), recognised so that their refusal gives the line that dates them.

MATLAB's ``datenum`` counts days in the proleptic Gregorian calendar of ISO 8601 from
``0000-01-00`` (the day before 1 January of year 0): ``datenum(0, 1, 1) = 1``,
``datenum(1970, 1, 1) = 719529``, ``datenum(2000, 1, 15) = 730500`` (MathWorks, "datenum").
Files written from MATLAB say so in their units, ``days since 0000-01-00 00:00:00``, whose day 0
of January no reader takes as a date (break40c C6). The exact CF reading, ``days since
-0001-12-31`` in the ``proleptic_gregorian`` calendar, is one that xarray cannot write back
(``invalid reference date for time units: -001-12-31``, so no ``predictions.nc``) and NCO
(5.1) dates 12 days off; CF itself advises against years before 1 (cf-conventions issue 298).
The copy therefore counts from 1970: the values minus 719529 (exact in float64), units ``days
since 1970-01-01 00:00:00``, calendar ``proleptic_gregorian`` (MATLAB's, the same as
``standard`` after 1582), written by ``ncap2`` or an xarray line (:func:`datenum_advice`).
"""

from __future__ import annotations

import re

import numpy as np

from climann.data.shell import ncap2_name, values_advice, xarray_data, xarray_values

#: ``datenum(1970, 1, 1)``: the datenum of the copy's reference date.
DATENUM_OF_1970 = 719529

#: The copy's time units and calendar.
WRITTEN_UNITS, WRITTEN_CALENDAR = "days since 1970-01-01 00:00:00", "proleptic_gregorian"

#: A reference date of day 0 of January of year 0, as MATLAB files write datenum's origin
#: (``0000-01-00``, ``0-1-0``, with or without a time of midnight).
_DATENUM_ORIGIN = re.compile(r"^\s*days?\s+since\s+0{1,4}-0?1-0{1,2}(?:[ T]0{1,2}:0{1,2}(?::0{1,2}(?:\.0*)?)?)?\s*$",
                             re.IGNORECASE)


def counts_from_datenum_origin(units: str) -> bool:
    """Whether ``units`` are days since MATLAB's datenum origin ``0000-01-00``.

    Examples
    --------
    >>> [counts_from_datenum_origin(units) for units in
    ...  ("days since 0000-01-00 00:00:00", "days since 0-1-0", "days since 0000-01-01", "hours since 0000-01-00")]
    [True, True, False, False]
    """
    return bool(_DATENUM_ORIGIN.match(str(units)))


def datenum_advice(name: str, bounds: str | None, files: str) -> str:
    """The ncap2 and xarray lines (:func:`climann.data.shell.values_advice`) that write the
    datenums of ``name`` (and of its ``bounds``) as days since 1970-01-01 in the
    ``proleptic_gregorian`` calendar into a copy (``files``: ``IN OUT``)."""
    scripts, statements = [], []
    for variable in [name, *([bounds] if bounds else [])]:
        scripts.append(f"{ncap2_name(variable)}=double({ncap2_name(variable)})-{DATENUM_OF_1970}.0")
        statements.append(xarray_values(variable, f"{xarray_data(variable)}.astype('f8') - {DATENUM_OF_1970}.0"))
        statements.append(f"d[{variable!r}].encoding.update(dtype='f8', _FillValue=None)")
    scripts += [f'{ncap2_name(name)}@units="{WRITTEN_UNITS}"', f'{ncap2_name(name)}@calendar="{WRITTEN_CALENDAR}"']
    statements.append(f"d[{name!r}].attrs.update(units={WRITTEN_UNITS!r}, calendar={WRITTEN_CALENDAR!r})")
    return values_advice(scripts, statements, files)


def datenum_message(name: str, units: str, values: np.ndarray, bounds: str | None, files: str) -> str:
    """Why time ``name`` in ``units`` since ``0000-01-00`` (:func:`counts_from_datenum_origin`)
    names no dates, the date its first value is as a datenum, and :func:`datenum_advice`.

    Parameters
    ----------
    name : str
        The time variable.
    units : str
        Its units, as written.
    values : ndarray, shape (n_time,)
        Its values as stored.
    bounds : str or None
        Its bounds variable.
    files : str
        ``IN OUT`` of the advised copy.
    """
    import datetime

    finite = np.asarray(values, dtype=np.float64).ravel()
    finite = finite[np.isfinite(finite)]
    first = float(finite[0]) if finite.size else None
    reading = ""
    if first is not None and 367 <= first < 3652425:  # datenums of the years 1 … 9999
        date = datetime.datetime(1, 1, 1) + datetime.timedelta(days=first - 367)
        clock = f" {date.hour:02d}:{date.minute:02d}" if date.hour or date.minute else ""
        reading = f" ({first:.10g} is then {date.year:04d}-{date.month:02d}-{date.day:02d}{clock})"
    return (f"its units '{units}' count from day 0 of January of year 0, the origin of MATLAB's datenum "
            f"(datenum(0, 1, 1) = 1, in the proleptic Gregorian calendar), which no reader takes as a date; if these "
            f"are datenums{reading}, write them as {WRITTEN_UNITS} ({WRITTEN_CALENDAR}, the datenum of 1970-01-01 is "
            f"{DATENUM_OF_1970}) into a copy, e.g. {datenum_advice(name, bounds, files)}")
