"""Time axes counted in years before present, recognised so that their refusal gives the way out.

Paleoclimate simulations and proxy stacks count time back from "present", 1950 by the
radiocarbon convention (Stuiver & Polach 1977): TraCE-21ka's decadal means hold ``time`` in
``units = "ka BP"`` (thousands of years, -22.00 … 0.04: below 0 before 1950); proxy records write
``"kyr BP"``, ``"yr BP"`` or ``"cal yr BP"``, often as positive ages. CF reads no such axis as
dates (CF §4.4: a count of a unit since a reference date, in a calendar), and climann does not
guess them: it refuses, naming the reading it would take, with the command that writes that
reading into a copy as days since 1950-01-01 in the ``noleap`` calendar, where every year is
365 days, so that whole years before 1950 stay 1 January of their years (cftime reads years
far before year 1 in it; :func:`before_present_problem`). An age model's fraction of a year
(49.7 years BP) is no day of the year: it is rounded away when no two values then share a year
(1900), and kept (as days) only when rounding would merge values, said so (break35a A1: 49.7
BP became 1900-04-21, and "seasons" followed).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import xarray as xr

from climann.data.shell import input_and_copy, ncap2_name, values_advice, xarray_data, xarray_values
from climann.data.time_axis import year_text

#: Units of time before present (lower case, spaces collapsed), by the years in one unit.
_BEFORE_PRESENT = re.compile(
    r"^(?P<unit>ka|kyr|kyrs|ky|kya|cal ka|k years|kiloyears|thousand years|a|yr|yrs|year|years|cal yr|cal years)"
    r" ?(?:bp|b\.p\.|before present)(?: \(?1950\)?)?$")

#: Years in one unit of :data:`_BEFORE_PRESENT`.
_THOUSANDS = {"ka", "kyr", "kyrs", "ky", "kya", "cal ka", "k years", "kiloyears", "thousand years"}

#: What the copy's time axis is written in.
WRITTEN_UNITS, WRITTEN_CALENDAR = "days since 1950-01-01", "noleap"


def years_per_unit(units: str) -> int | None:
    """Years in one unit of a time before present (``"ka BP"``: 1000, ``"yr BP"``: 1); None
    for other units.

    Examples
    --------
    >>> [years_per_unit(units) for units in ("ka BP", "kyr before present", "cal yr BP", "days since 1950-01-01")]
    [1000, 1000, 1, None]
    """
    match = _BEFORE_PRESENT.match(" ".join(str(units).lower().split()))
    if match is None:
        return None
    return 1000 if match["unit"] in _THOUSANDS else 1


def _conversion(name: str, bounds: str | None, factor: float, files: str, *, whole_years: bool = False) -> str:
    """The ncap2 and xarray lines (:func:`climann.data.shell.values_advice`) that write
    ``name`` (and its ``bounds``) times ``factor``, rounded to whole days, as days since 1950
    in the noleap calendar; with ``whole_years``, times ``factor`` / 365 (years) rounded to
    whole years first (halves to the later year), each on 1 January of its year."""
    scripts, statements = [], []
    for variable in [name, *([bounds] if bounds else [])]:
        if whole_years:
            years = factor / 365.0
            # floor(y + 0.5) in both: NCO's round() takes halves away from zero, NumPy's to even
            scripts.append(f"{ncap2_name(variable)}=floor(double({ncap2_name(variable)})*{years:.1f}+0.5)*365.0")
            statements.append(xarray_values(
                variable, f"({xarray_data(variable)}.astype('f8') * {years:.1f} + 0.5) // 1 * 365.0"))
        else:
            scripts.append(f"{ncap2_name(variable)}=round(double({ncap2_name(variable)})*{factor:.1f})")
            statements.append(xarray_values(
                variable, f"({xarray_data(variable)}.astype('f8') * {factor:.1f}).round()"))
        statements.append(f"d[{variable!r}].encoding.update(dtype='f8', _FillValue=None)")
    scripts += [f'{ncap2_name(name)}@units="{WRITTEN_UNITS}"', f'{ncap2_name(name)}@calendar="{WRITTEN_CALENDAR}"']
    statements.append(f"d[{name!r}].attrs.update(units={WRITTEN_UNITS!r}, calendar={WRITTEN_CALENDAR!r})")
    return values_advice(scripts, statements, files)


def before_present_problem(time: xr.DataArray, source: str | Path | None) -> str | None:
    """Why a time coordinate in years before present is not dates, the reading of its first
    value, and the commands that write that reading into a copy of ``source`` (``IN.nc OUT.nc``
    when not known) as days since 1950-01-01 in the ``noleap`` calendar; None for other units.

    Values below 0 anywhere mean a signed axis, below 0 before 1950 (TraCE-21ka: -22.0 ka BP is
    the year -20050); values all 0 or above are ages, counted back from 1950 (21.0 ka BP is the
    year -19050). The message names the reading so that a reader can check it.

    Parameters
    ----------
    time : xarray.DataArray, shape (n_time,)
        The time coordinate, as opened (not decoded), with its ``units`` (and ``bounds``).
    source : str or Path, optional
        The one file (or Zarr store) it was read from.

    Returns
    -------
    str or None
    """
    units = str(time.attrs.get("units", ""))
    scale = years_per_unit(units)
    values = np.asarray(time.values, dtype=np.float64)
    values = values[np.isfinite(values)]
    if scale is None or not values.size:
        return None
    sign = 1 if (values < 0).any() else -1  # signed: below 0 before 1950; else ages before 1950
    first = float(values[0])
    year = round(1950 + sign * first * scale)
    reading = ("values below 0 count back from 1950, as TraCE-21ka writes them" if sign > 0
               else "the values are ages before 1950")
    files = "IN.nc OUT.nc" if source is None else input_and_copy(source)
    bounds = time.attrs.get("bounds")
    years = sign * scale * values
    fractions = _fractions(years, time.dtype)
    whole_years = fractions and len(np.unique(np.floor(years + 0.5))) == len(np.unique(years))
    conversion = _conversion(str(time.name), str(bounds) if bounds else None, sign * scale * 365.0, files,
                             whole_years=whole_years)
    return (
        f"its units are '{units}', years before present (1950), which name no calendar date (CF expects units = "
        f"'days since 1970-01-01' and a calendar), and climann does not guess them: if {first:g} {units} is the "
        f"year {year_text(year)} ({reading}), write the times as {WRITTEN_UNITS} in the '{WRITTEN_CALENDAR}' calendar "
        f"({_years_written(years, fractions=fractions, whole_years=whole_years)}) into a copy, e.g. {conversion}"
    )


def _fractions(years: np.ndarray, stored: np.dtype) -> bool:
    """Whether some of ``years`` (signed years from 1950) hold a fraction of a year, beyond the
    rounding of their stored type (float32 ka BP: -21.99 × 1000 is -21989.9998)."""
    precision = np.finfo(stored).eps if np.issubdtype(stored, np.floating) else np.finfo(np.float64).eps
    tolerance = max(1e-6, 4 * precision * float(np.abs(years).max()))
    return bool((np.abs(years - np.round(years)) > tolerance).any())


def _years_written(years: np.ndarray, *, fractions: bool, whole_years: bool) -> str:
    """How the years are written into the copy, for :func:`before_present_problem`: whole
    years stay whole; fractions of a year (an age model's, no day of the year) are rounded
    away when no two values then share a year, else kept as days of the year, which are no
    season (climann takes no seasonal cycle from samples a year or more apart,
    :mod:`climann.data.multiyear_steps`)."""
    if not fractions:
        return "365-day years: whole years stay whole"
    if whole_years:
        return ("each value on 1 January of its nearest whole year, halves to the later: the fraction of a year an "
                "age gives is no day of the year, and rounding it away keeps every value apart")
    shared = len(years) - len(np.unique(np.floor(years + 0.5)))
    return (f"365-day years; the fractions of a year are kept as days, since rounding them would put {shared} of "
            "the values in a year that holds another: those days of the year are no season, and climann takes no "
            "seasonal cycle from values a year or more apart")
