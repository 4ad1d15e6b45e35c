"""Time units in calendar months or years (``months since 1960-01-01``), and times without units.

CF advises against ``months`` and ``years`` as time units: UDUNITS defines a year as
365.242198781 days and a month as a twelfth of it (30.436875 days), not a calendar month, so
in the ``standard``, ``gregorian``, ``noleap``, … calendars "3 months since 1850-01-01" is not
a date the file's author meant. In the ``360_day`` calendar every month has 30 days and every
year 360, so such units are exact there: they are decoded (as days since the same date, which
is also how the times are written back to ``predictions.nc``). In any other calendar the file
is refused with the command that rewrites its time axis in days.

UDUNITS units of time that cftime does not know (``nanoseconds since 1970-01-01``, what
pandas-based writers give ``datetime64[ns]``; ``weeks``) are read as the same instants in a
unit it does (:func:`in_cftime_units`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import xarray as xr

from climann.data.absolute_time import ABSOLUTE_UNITS_KEY, DEFAULT_CALENDAR, absolute_time_unit, absolute_times
from climann.data.before_present import before_present_problem
from climann.data.cycle_axes import cycle_axis_problem, cycle_units_message
from climann.data.daylight_saving import daylight_saving_message, names_daylight_saving_zone
from climann.data.decimal_years import decimal_years_problem, whole_years_problem
from climann.data.julian_days import julian_day_problem
from climann.data.long_name_dates import counted_since_problem, long_name_reference_problem
from climann.data.season_counts import year_dates_statements
from climann.data.shell import (
    attribute_command, cdo_command, copies_of_files, input_and_copy, ncatted_attribute, xarray_command, xarray_data,
    xarray_values,
)
from climann.data.sources import files_text
from climann.data.year_attribute_months import month_numbers_problem
from climann.data.text_times import digit_dates_units_message, text_dates, text_dates_advice, unread_text_dates_advice
from climann.data.time_precision import coarse_storage, on_whole_seconds, rounded_bounds, rounded_stamps, unit_seconds
from climann.data.time_zones import (TIME_ZONE_READING_KEY, abbreviated_zone_message, declared_local_time,
                                     local_or_utc_units, time_zone_offset)
from climann.data.time_values import (
    ClimatologyError, TimeValuesError, beyond_any_date, early_reference_problem, hours_of_monthly_means_message,
    is_time_axis, missing_stamps_message, neighbour_steps, no_calendar_message, not_a_series_message,
    utc_as_standard_message,
    year_zero_message,
)

#: Where a decoded time axis keeps a warning for its file (in ``encoding``, not written as
#: an attribute), given once per file by whoever opened it; see climann.data.time_values.
TIME_WARNING_KEY = "time_warning"

#: Where a decoded time axis keeps why its stamps have no regular step when the cause is their
#: storage in a floating type too coarse for the step (see climann.data.time_precision), for
#: the refusal of lags on it; in ``encoding``, not written.
TIME_STORAGE_KEY = "time_storage"


#: Days per calendar unit in the calendars where the unit has a fixed length. UDUNITS'
#: ``common_year`` is 365 days in any calendar (its ``year`` is 365.24 days, no calendar year);
#: in ``360_day`` climann has read it as that calendar's year since it first read it.
EXACT_UNIT_DAYS: dict[str, dict[str, int]] = {
    "360_day": {"month": 30, "year": 360, "common_year": 360},
    **{calendar: {"common_year": 365} for calendar in ("standard", "gregorian", "proleptic_gregorian", "julian",
                                                        "noleap", "365_day", "all_leap", "366_day")},
}

_CALENDAR_UNITS = re.compile(r"^\s*(common_)?(month|year)s?\s+since\s+(?P<reference>.+?)\s*$", re.IGNORECASE)


def calendar_unit(units: str) -> tuple[str, str] | None:
    """``("month", "1960-01-01")`` for ``months since 1960-01-01`` (also ``years``, and
    ``common_years`` as ``"common_year"``); None for other units."""
    match = _CALENDAR_UNITS.match(str(units))
    return ((match.group(1) or "").lower() + match.group(2).lower(), match.group("reference")) if match else None


#: What CF (conventions 1.8 §4.4) and UDUNITS-2 make of each calendar unit: a year is the
#: tropical year, 365.242198781 days; a month is 1/12 of it.
_UDUNITS_LENGTHS = {
    "month": "CF and UDUNITS: a month is 1/12 year = 30.436850 days, not a calendar month",
    "year": "CF and UDUNITS: a year is 365.242198781 days, the tropical year, not a calendar year",
}


#: The words of :func:`months_since_message` that say its refusal, by which the refusal of one
#: file is made again for every file given (:mod:`climann.data.open`).
MONTHS_SINCE_REASON = "is not a fixed length of time"


#: Days in every year of the calendars whose years are all one length: there ``years since``
#: read as calendar years is a fixed number of days (:func:`months_since_message`).
CALENDAR_YEAR_DAYS = {"noleap": 365, "365_day": 365, "all_leap": 366, "366_day": 366}


def months_since_message(name: str, units: str, calendar: str, path: Path, bounds: str | None = None, *,
                         alike: Sequence[Path] = ()) -> str | None:
    """Why ``months/years since`` cannot be read in ``calendar``, and how to fix the file
    ``path`` and the files ``alike`` (the others given whose time has the same units and calendar):
    a copy of each in a new folder beside them, then the ``--data`` that takes the copies
    (:func:`climann.data.shell.copies_of_files`); None when the units are not in calendar months
    or years, or exact in ``calendar``. A copy beside the original was taken with it by a glob over
    their folder and refused again, and a 13-file RG Argo series got a line for its first file only
    (break54d A5).

    The way out is CDO's ``-setreftime``, which reads the units as calendar months or years;
    for years in a calendar whose years are all one length (:data:`CALENDAR_YEAR_DAYS`:
    ``noleap``, 365 days) also the same reading in Python (xarray: the values times 365 as days
    since the same date, with the variable ``bounds`` of the axis), which runs where CDO is not
    installed (:func:`climann.data.shell.xarray_command`).
    """
    if calendar_unit(units) is None or calendar_unit(units)[0] in EXACT_UNIT_DAYS.get(calendar.lower(), {}):
        return None
    unit, reference = calendar_unit(units)
    every = list(dict.fromkeys([Path(path), *map(Path, alike)]))

    def advice(files: str, _file: str) -> str:
        return (f"`{cdo_command(f'-setreftime,{reference.split()[0]},00:00:00,days', files)}`"
                f"{_calendar_years_in_python(name, units, calendar, files, bounds)}")

    return (
        f"time '{name}' in {files_text(every)} has units '{units}' in the '{calendar}' calendar, where a {unit} "
        f"{MONTHS_SINCE_REASON} ({_UDUNITS_LENGTHS[unit]}), so "
        f"its dates are ambiguous; rewrite the time axis as days since a date, e.g. "
        f"{copies_of_files(advice, every, name='days_since')} (only the "
        f"'360_day' calendar makes {unit}s exact)"
    )


#: The calendars of years of different lengths whose dates cftime counts (``years since`` in
#: them is written as each year's date, :func:`~climann.data.season_counts.year_dates_statements`).
_DATED_YEAR_CALENDARS = ("standard", "gregorian", "proleptic_gregorian", "julian")


def _calendar_years_in_python(name: str, units: str, calendar: str, files: str, bounds: str | None) -> str:
    """``, or in Python (…): `python -c "…"``` for ``years since`` in a calendar of
    :data:`CALENDAR_YEAR_DAYS`: the values times its days per year, as days since the same date;
    in one of :data:`_DATED_YEAR_CALENDARS`: whole years as those years' dates
    (:func:`~climann.data.season_counts.year_dates_statements`); ``""`` otherwise."""
    unit, reference = calendar_unit(units)
    days = CALENDAR_YEAR_DAYS.get(calendar.lower())
    if unit == "year" and days is None and calendar.lower() in _DATED_YEAR_CALENDARS:
        # whole years as the years' dates, as CDO reads them, for where CDO is not installed (break34b B2)
        statements = year_dates_statements(name, bounds, reference, calendar)
        return f", or in Python (whole years as those years' dates): `{xarray_command(statements, files)}`"
    if unit != "year" or days is None:
        return ""
    statements = []
    for variable in [name, *([bounds] if bounds else [])]:
        statements += [xarray_values(variable, f"{xarray_data(variable)}.astype('f8') * {days}.0"),
                       f"d[{variable!r}].encoding.update(dtype='f8', _FillValue=None)"]
    statements.append(f"d[{name!r}].attrs['units'] = {'days since ' + reference!r}")
    return (f", or in Python (each year of the '{calendar}' calendar is {days} days): "
            f"`{xarray_command(statements, files)}`")


class ExactCalendarCoder(xr.coders.CFDatetimeCoder):
    """xarray's CF time decoder (cftime dates), which also reads ``months since`` and
    ``years since`` in calendars where they are exact (``360_day``), as days since the same
    date, and CDO's absolute time axis (``day as %Y%m%d.%f``, see
    :mod:`climann.data.absolute_time`), kept as days since the start of its first year. In other
    calendars xarray's error stands for ``months since`` (see :func:`months_since_message`).
    A time axis stored in a floating type too coarse for its step (float32 hourly ``days
    since 1850``) has its stamps put on their regular grid, noted in
    ``encoding[TIME_WARNING_KEY]`` (see :mod:`climann.data.time_precision`); stamps and cell
    bounds within 0.1 s of a whole second are put on it (11:59:59.999 left by float rounding is
    12:00, :func:`climann.data.time_precision.on_whole_seconds`). Text with time
    units (ISO dates given ``units = "days since …"``) is left as it is, for the refusal that
    says it is text (:func:`time_units_problem`), not failed on as a number.

    Raises
    ------
    climann.data.absolute_time.AbsoluteTimeError
        From :meth:`decode`, for an absolute time value that is not a date.
    climann.data.time_values.TimeValuesError
        From :meth:`decode`, for a time axis that is a climatology (CF §7.4; unless
        ``climatologies``) or has calendar ``none``, that has a step without a value (fill
        value or NaN), or whose pre-1582 reference date in the ``standard`` calendar was
        evidently counted in the proleptic Gregorian calendar (see :mod:`climann.data.time_values`).

    Parameters
    ----------
    use_cftime : bool, optional
        As xarray's.
    climatologies : bool
        Read a climatology's time axis (CF §7.4) as its stamps, for new data of a trained run
        (``predict``, ``evaluate --data``), said by the opener
        (:func:`~climann.data.time_values.climatology_steps_note`); refused when False (training).
    """

    def __init__(self, use_cftime: bool | None = None, *, climatologies: bool = False) -> None:
        super().__init__(use_cftime=use_cftime)
        self.climatologies = climatologies

    def decode(self, variable: xr.Variable, name: object = None) -> xr.Variable:
        if variable.dtype.kind in "SUO":  # text with units is no number; see time_units_problem
            return variable
        if str(variable.attrs.get("calendar", "")).lower() != "utc":
            return self._decode_any(variable, name)
        # CF's utc calendar, which cftime lacks: read as standard, or refused (see utc_as_standard_message)
        attrs = {**variable.attrs, "calendar": "standard"}
        variable = xr.Variable(variable.dims, variable.data, attrs, variable.encoding)
        units = variable.attrs.get("units")
        if not (isinstance(units, str) and " since " in units and is_time_axis(name, variable.dims, attrs)):
            return self._decode_any(variable, name)  # its bounds: read as the axis is
        note, refused = utc_as_standard_message(str(name), np.asarray(variable.values, dtype=np.float64), units)
        if refused:
            raise TimeValuesError(note)
        decoded = self._decode_any(variable, name)
        decoded.encoding[TIME_WARNING_KEY] = "; ".join(
            text for text in (decoded.encoding.get(TIME_WARNING_KEY), note) if text)
        return decoded

    def _decode_any(self, variable: xr.Variable, name: object) -> xr.Variable:
        """A time variable in a calendar cftime knows, decoded as the class says."""
        units = variable.attrs.get("units")
        if isinstance(units, str) and (spelt := since_units(units)) != units:  # "days after", "DAYS SINCE"
            variable = xr.Variable(variable.dims, variable.data, {**variable.attrs, "units": spelt}, variable.encoding)
            units = spelt
        # a zone said only by an abbreviation (CST: US Central or China): never guessed; see climann.data.time_zones
        if (isinstance(units, str) and is_time_axis(name, variable.dims, variable.attrs)
                and (abbreviated := abbreviated_zone_message(str(name), variable.attrs, units, variable.values,
                                                             words=False))):
            raise TimeValuesError(abbreviated)
        # a local clock that follows daylight saving time: no offset fits it; see climann.data.daylight_saving
        if (isinstance(units, str) and names_daylight_saving_zone(variable.attrs)
                and is_time_axis(name, variable.dims, variable.attrs)
                and (daylight := daylight_saving_message(str(name), variable.attrs, units, variable.values))):
            raise TimeValuesError(daylight)
        zone = (local_or_utc_units(str(name), units, variable.values)
                if isinstance(units, str) and time_zone_offset(units) is not None else None)
        if zone is not None:  # local days or months read on their local dates; see climann.data.time_zones
            attrs = {**variable.attrs, "units": zone[0]}
            variable = xr.Variable(variable.dims, variable.data, attrs, variable.encoding)
            units = zone[0]
        if (isinstance(units, str) and not_cftime_units(units)  # (the values read only then: opening stays lazy)
                and (readable := in_cftime_units(units, variable.values)) is not None):
            variable = xr.Variable(variable.dims, readable[1], {**variable.attrs, "units": readable[0]},
                                   variable.encoding)
            units = readable[0]
        if absolute_time_unit(units):
            return self._decode_absolute(variable, name)
        if is_time_axis(name, variable.dims, variable.attrs):
            decoded = self._decode_axis(variable, name)
            if zone is not None:
                decoded.encoding[TIME_WARNING_KEY] = "; ".join(
                    text for text in (decoded.encoding.get(TIME_WARNING_KEY), zone[1]) if text)
                decoded.encoding[TIME_ZONE_READING_KEY] = "utc" if time_zone_offset(zone[0]) else "local"
            elif isinstance(units, str) and (local := declared_local_time(str(name), variable.attrs, units,
                                                                            variable.values)) is not None:
                decoded.encoding[TIME_WARNING_KEY] = "; ".join(
                    text for text in (decoded.encoding.get(TIME_WARNING_KEY), local) if text)
            return decoded
        variable, stored = self._bounds_on_stored_grid(variable, name)
        if variable.ndim == 2 and variable.shape[-1] == 2:  # time-cell bounds, read as their stamps are
            variable = _on_whole_seconds(variable)
        decoded = self._decode_since(variable, name)
        if stored:
            decoded.encoding[TIME_WARNING_KEY] = stored
        return decoded

    @staticmethod
    def _bounds_on_stored_grid(variable: xr.Variable, name: object) -> tuple[xr.Variable, str]:
        """Time-cell bounds (shape (n_time, 2), in a floating type) on the regular grids of
        their columns when their type is too coarse for their step, as the stamps are put on
        theirs (:func:`climann.data.time_precision.rounded_bounds`), and the warning to give."""
        units = variable.attrs.get("units")
        if (variable.ndim != 2 or variable.shape[1] != 2 or not isinstance(units, str) or " since " not in units
                or calendar_unit(units) is not None):
            return variable, ""
        dtype = np.dtype(variable.encoding.get("dtype", variable.dtype))
        if dtype.kind != "f":
            return variable, ""
        calendar = str(variable.attrs.get("calendar", "standard"))
        rounded = rounded_bounds(str(name), np.asarray(variable.values, dtype=np.float64), dtype, units, calendar)
        if rounded is None:
            return variable, ""
        encoding = {**variable.encoding, "dtype": np.dtype("float64")}  # never written back as float32
        return xr.Variable(variable.dims, rounded[0], variable.attrs, encoding), rounded[1]

    def _decode_axis(self, variable: xr.Variable, name: object) -> xr.Variable:
        """A time axis decoded after the checks of climann.data.time_values: a climatology, a
        time without a calendar and a step without a value refused (never dated at the
        reference date), a reference date in year 0 in a calendar without one refused, a pre-1582
        reference date in the ``standard`` calendar refused or noted in ``encoding[TIME_WARNING_KEY]``."""
        not_a_series = (no_calendar_message(str(name), variable.attrs) if self.climatologies
                        else not_a_series_message(str(name), variable.attrs, variable.size))
        if not_a_series:  # a CF climatology: its own type, which the opener reads apart (climatology_axes)
            climatology = bool(variable.attrs.get("climatology")) and not self.climatologies
            raise (ClimatologyError if climatology else TimeValuesError)(not_a_series)
        values = np.asarray(variable.values, dtype=np.float64)
        cycle = cycle_units_message(str(name), variable.attrs, np.asarray(variable.values))
        if cycle:  # Month 1 … 12 in days since 1970-01-01: a climatology, not 12 days; see climann.data.cycle_axes
            raise TimeValuesError(cycle)
        digits = digit_dates_units_message(str(name), variable.attrs, np.asarray(variable.values))
        if digits:  # 2014354 (YYYYDDD) in days since 1970-01-01: the year 7485, not a date (break47b A3)
            raise TimeValuesError(digits)
        calendar = str(variable.attrs.get("calendar", "standard"))
        year_zero = year_zero_message(str(name), values, str(variable.attrs["units"]), calendar)
        if year_zero:
            raise TimeValuesError(year_zero)
        far = beyond_any_date(values, unit_seconds(str(variable.attrs["units"]), calendar))
        if far.any() or not np.all(np.isfinite(values)):
            undated = np.where(far, np.nan, values)
            steps = neighbour_steps(undated)
            valid = xr.Variable(variable.dims, undated[steps], {**variable.attrs}, {})
            dates = [str(date)[:19].removesuffix(" 00:00:00") for date in self._decode_since(valid, name).values]
            fill = variable.encoding.get("_FillValue", variable.encoding.get("missing_value"))
            first = int(np.flatnonzero(~np.isfinite(undated))[0])
            raw = np.asarray(variable.values)[first]
            stored = (f"{_stored_text(raw)} {variable.attrs['units']}, "
                      f"{_default_fill(raw, variable) or 'further from it than any date can lie'}"
                      if far[first] else None)
            raise TimeValuesError(missing_stamps_message(str(name), variable.dims[0], undated, dates, fill, stored))
        warning, refused = early_reference_problem(str(name), values, str(variable.attrs["units"]), calendar)
        if refused:
            raise TimeValuesError(warning)
        variable, stored = self._on_stored_grid(variable, name, values, calendar)
        decoded = self._decode_since(_on_whole_seconds(variable), name)
        by_hour = hours_of_monthly_means_message(str(name), decoded.values)
        if by_hour:
            raise TimeValuesError(by_hour)
        notes = [note for note in (warning, stored.get(TIME_WARNING_KEY)) if note]
        if notes:
            decoded.encoding[TIME_WARNING_KEY] = "; ".join(notes)
        if stored.get(TIME_STORAGE_KEY):
            decoded.encoding[TIME_STORAGE_KEY] = stored[TIME_STORAGE_KEY]
        return decoded

    @staticmethod
    def _on_stored_grid(
        variable: xr.Variable, name: object, values: np.ndarray, calendar: str
    ) -> tuple[xr.Variable, dict]:
        """The time variable with its stamps on their regular grid when its floating type is
        too coarse for its step (see climann.data.time_precision), and what to note: the
        warning that they were rounded, or why they could not be."""
        units = str(variable.attrs["units"])
        if calendar_unit(units) is not None:
            return variable, {}
        dtype = np.dtype(variable.encoding.get("dtype", variable.dtype))
        rounded = rounded_stamps(str(name), values, dtype, units, calendar)
        if rounded is None:
            cause = coarse_storage(str(name), values, dtype, units, calendar)
            return variable, ({TIME_STORAGE_KEY: cause} if cause else {})
        encoding = {**variable.encoding, "dtype": np.dtype("float64")}  # never written back as float32
        return xr.Variable(variable.dims, rounded[0], variable.attrs, encoding), {TIME_WARNING_KEY: rounded[1]}

    def _decode_since(self, variable: xr.Variable, name: object) -> xr.Variable:
        """CF's ``units since date``, and ``months/years since`` where exact."""
        units = variable.attrs.get("units")
        found = calendar_unit(units) if isinstance(units, str) else None
        if found is None:
            return super().decode(variable, name)
        unit, reference = found
        calendar = str(variable.attrs.get("calendar", "standard")).lower()
        days = EXACT_UNIT_DAYS.get(calendar, {}).get(unit)
        if days is None:
            return super().decode(variable, name)
        attrs = {**variable.attrs, "units": f"days since {reference}"}
        values = np.asarray(variable.values, dtype=np.float64) * days
        return super().decode(xr.Variable(variable.dims, values, attrs, variable.encoding), name)

    def _decode_absolute(self, variable: xr.Variable, name: object) -> xr.Variable:
        """CDO's absolute dates decoded exactly (as seconds since the start of the first
        year), to be written back as CF ``days since`` that date."""
        calendar = variable.attrs.get("calendar") or DEFAULT_CALENDAR
        times = absolute_times(variable.values, variable.attrs["units"], calendar, name=str(name))
        attrs = {**variable.attrs, "units": f"seconds since {times.reference}", "calendar": calendar}
        decoded = super().decode(xr.Variable(variable.dims, times.seconds, attrs, variable.encoding), name)
        decoded.encoding.update(units=f"days since {times.reference}", dtype=np.dtype("float64"))
        decoded.encoding[ABSOLUTE_UNITS_KEY] = variable.attrs["units"]
        return decoded


def _default_fill(value: np.generic, variable: xr.Variable) -> str | None:
    """What a time value far beyond any date is when it is a known placeholder, None otherwise:

    - numpy's and pandas' missing date ``NaT``, the int64 minimum -9223372036854775808, which
      xarray writes for a ``NaT`` in an int64 time (``pd.to_datetime(..., errors="coerce")``);
    - netCDF's default fill value of the variable's stored type (netcdf.h ``NC_FILL_DOUBLE``
      9.96921e36, ``NC_FILL_INT`` -2147483647, ``NC_FILL_INT64`` -9223372036854775806 …;
      NUG "Fill Values"): the value of a record whose time was never written.

    Integers are compared exactly (as float64 the int64 minimum and the int64 fill are one number)."""
    import netCDF4  # the netcdf4 engine's library, already imported when a file is decoded

    dtype = np.dtype(variable.encoding.get("dtype", variable.dtype))
    if dtype == np.int64 and np.issubdtype(np.asarray(value).dtype, np.integer) \
            and int(value) == np.iinfo(np.int64).min:
        return "a missing date (NaT, the int64 minimum) as pandas and xarray write it"
    default = netCDF4.default_fillvals.get(dtype.str[1:])
    if default is None:
        return None
    exact = np.issubdtype(np.asarray(value).dtype, np.integer) and dtype.kind in "iu"
    if (int(default) != int(value)) if exact else (float(np.asarray(default, dtype)) != float(value)):
        return None
    kind = _NETCDF_TYPES.get(dtype.str[1:], dtype.name)
    return f"netCDF's default fill value for {kind}, left where a time was never written"


def _stored_text(value: np.generic) -> str:
    """A stored time value for a message: an integer to its last digit (-9223372036854775808,
    not -9.22337e+18), a floating one in ``%g``."""
    if np.issubdtype(np.asarray(value).dtype, np.integer):
        return str(int(value))
    return f"{float(value):g}"


#: The netCDF names of the NumPy types a time axis is stored in, for messages.
_NETCDF_TYPES = {"f8": "double", "f4": "float", "i8": "int64", "i4": "int", "i2": "short", "u8": "uint64",
                 "u4": "uint", "u2": "ushort"}


def _on_whole_seconds(variable: xr.Variable) -> xr.Variable:
    """A floating time variable (``<unit> since <date>``) with its stamps within a tenth of a
    second of a whole second put on it (:func:`climann.data.time_precision.on_whole_seconds`:
    11:59:59.999 left by float rounding is 12:00)."""
    units = variable.attrs.get("units")
    if (variable.dtype.kind != "f" or not isinstance(units, str) or " since " not in units
            or calendar_unit(units) is not None):
        return variable
    calendar = str(variable.attrs.get("calendar", "standard"))
    snapped = on_whole_seconds(np.asarray(variable.values, dtype=np.float64), units, calendar)
    if snapped is None:
        return variable
    encoding = {**variable.encoding, "dtype": np.dtype("float64")}
    return xr.Variable(variable.dims, snapped, variable.attrs, encoding)


#: The unit words cftime reads (``cftime._cftime._units``; any case), besides ``months`` and
#: ``years`` (:func:`calendar_unit`).
CFTIME_UNIT_WORDS = frozenset({
    "microseconds", "microsecond", "microsec", "microsecs", "milliseconds", "millisecond", "millisec", "millisecs",
    "msec", "msecs", "ms", "second", "seconds", "sec", "secs", "s", "minute", "minutes", "min", "mins", "hour",
    "hours", "hr", "hrs", "h", "day", "days", "d",
})

#: The units cftime counts in, by their length in nanoseconds, longest first.
_CFTIME_UNITS_NS = {"days": 86_400_000_000_000, "hours": 3_600_000_000_000, "minutes": 60_000_000_000,
                    "seconds": 1_000_000_000, "milliseconds": 1_000_000, "microseconds": 1_000}


def not_cftime_units(units: str) -> bool:
    """Whether ``units`` are a length of time since a date in a word cftime does not read
    (``nanoseconds since …``, ``weeks since …``), which :func:`in_cftime_units` converts."""
    match = _SINCE.match(str(units))
    return match is not None and match["unit"].lower() not in CFTIME_UNIT_WORDS and calendar_unit(units) is None


def in_cftime_units(units: str, values: np.ndarray) -> tuple[str, np.ndarray] | None:
    """Times in a UDUNITS unit of time that cftime does not read, as the same instants in one
    it does: ``nanoseconds since 1970-01-01`` (pandas' ``datetime64[ns]`` written as it is,
    UDUNITS and xarray read it) in ``microseconds``, ``weeks since`` in ``days``; None for units
    cftime reads, calendar months and years (:func:`calendar_unit`), and units that are not a
    length of time since a date.

    The unit word is read with cf_xarray's UDUNITS registry (:func:`climann.data.units.unit_registry`,
    after lower-casing, as cftime does): ``ns``, ``nsec``, ``nanoseconds``, ``us``, ``usec``,
    ``weeks``, ``fortnight``, ``ks``. Integer values are converted exactly, except that a
    count of nanoseconds is rounded to the nearest microsecond, cftime's resolution (a
    stamp's part below a microsecond cannot be a date of it). Lengths of 28 days or more are
    left to :func:`calendar_unit` and cftime's error (a UDUNITS year is 365.24 days).

    Parameters
    ----------
    units : str
        CF time units, ``UNIT since REFERENCE``.
    values : ndarray
        The stored numbers, any shape.

    Returns
    -------
    (str, ndarray) or None
        The units in cftime's word and the numbers in them (int64 from integers, float64 else).

    Examples
    --------
    >>> in_cftime_units("nanoseconds since 1970-01-01", np.array([946684800000000000]))
    ('microseconds since 1970-01-01', array([946684800000000]))
    """
    import pint

    from climann.data.units import unit_registry

    if not not_cftime_units(units):
        return None
    match = _SINCE.match(str(units))
    try:
        nanoseconds = float(unit_registry().Quantity(1, match["unit"].lower()).to("nanosecond").magnitude)
    except (pint.PintError, AttributeError, TypeError, ValueError, AssertionError):
        return None
    # pint's factors round in the last digit (a week is 604799999999999.9 ns)
    whole = abs(nanoseconds - round(nanoseconds)) <= 1e-9 * nanoseconds
    if not (whole and 0 < nanoseconds < 28 * _CFTIME_UNITS_NS["days"]):
        return None
    length = round(nanoseconds)
    word = next((word for word, unit in _CFTIME_UNITS_NS.items() if length % unit == 0), "microseconds")
    unit = _CFTIME_UNITS_NS[word]
    values = np.asarray(values)
    if values.dtype.kind in "iu":
        # exact: whole units (weeks in days), or nanoseconds to the nearest microsecond
        total = values.astype(np.int64) * length
        counted = total // unit + (total % unit * 2 >= unit) if length % unit else total // unit
    else:
        counted = values.astype(np.float64) * (length / unit)
    return f"{match['space']}{word}{match['rest']}", counted


#: The unit words xarray encodes times in (it knows no other spelling: ``h``, ``hr``, ``sec``,
#: ``min``, ``msec``, which CF §4.4 and UDUNITS allow, fail in its ``_netcdf_to_numpy_timeunit``),
#: by their length in microseconds.
ENCODABLE_TIME_UNITS: dict[int, str] = {
    86_400_000_000: "days", 3_600_000_000: "hours", 60_000_000: "minutes", 1_000_000: "seconds",
    1_000: "milliseconds", 1: "microseconds",
}

_SINCE = re.compile(r"^(?P<space>\s*)(?P<unit>[A-Za-z_]+)(?P<rest>\s+since\s.*)$", re.IGNORECASE | re.DOTALL)


#: UDUNITS-2's words between a unit of time and its reference date ("timestamp" units): all
#: mean "since" (UDUNITS-2 manual, "Unit Syntax": ``since``, ``after``, ``from``, ``ref``, any
#: case), while cftime and xarray read ``since`` alone, in lower case.
_UDUNITS_SINCE = re.compile(r"^(?P<space>\s*)(?P<unit>[A-Za-z_]+)\s+(?:since|after|from|ref)(?P<rest>\s.*)$",
                            re.IGNORECASE | re.DOTALL)


#: A reference date packed as UDUNITS-2 reads it (``20000101``, ``20000101T120000``: its
#: "packed" timestamp, which some Fortran writers use), eight digits of year, month and day
#: and an optional packed clock; cftime reads only ``2000-01-01``. Shorter packed dates
#: (``2000115``) are left: their split is not evident to a reader, and they are refused.
_PACKED_DATE = re.compile(r"^(?P<year>\d{4})(?P<month>0[1-9]|1[0-2])(?P<day>0[1-9]|[12]\d|3[01])"
                          r"(?:T(?P<hour>[01]\d|2[0-3])(?P<minute>[0-5]\d)(?P<second>[0-5]\d)?)?(?=\s|$)")


def since_units(units: str) -> str:
    """``units`` as cftime reads them when UDUNITS-2 spells the shift or the date another way:
    ``days after 2000-01-01``, ``days from …``, ``days ref …`` and ``DAYS SINCE …`` become
    ``days since …`` (the unit word in lower case, as cftime wants it), and a packed
    reference date ``days since 20000101`` (``20000101T120000``) becomes ``days since
    2000-01-01`` (``2000-01-01 12:00:00``), the date UDUNITS-2 reads in it (checked with
    libudunits2: ``days since 20000115`` is 14 days after 2000-01-01); other units unchanged.

    Examples
    --------
    >>> since_units("days after 2000-01-01"), since_units("DAYS SINCE 2000-01-01")
    ('days since 2000-01-01', 'days since 2000-01-01')
    >>> since_units("days since 20000101"), since_units("hours since 19000101T063000 UTC")
    ('days since 2000-01-01', 'hours since 1900-01-01 06:30:00 UTC')
    >>> since_units("hours since 1900-01-01 00:00:00.0")
    'hours since 1900-01-01 00:00:00.0'
    """
    match = _UDUNITS_SINCE.match(units)
    if match is None:
        return units
    rest = match["rest"]
    date = rest.lstrip()
    if (packed := _PACKED_DATE.match(date)) is not None:
        clock = f" {packed['hour']}:{packed['minute']}:{packed['second'] or '00'}" if packed["hour"] else ""
        unpacked = f"{packed['year']}-{packed['month']}-{packed['day']}{clock}"
        rest = rest[: len(rest) - len(date)] + unpacked + date[packed.end():]
    return f"{match['space']}{match['unit'].lower()} since{rest}"


def unreadable_reference_message(name: str, units: str, calendar: str, path: Path) -> str | None:
    """Why the time ``name`` of ``path``, whose ``units`` are a unit since a reference date
    (UDUNITS-2's words, :func:`since_units`), cannot be read: the date is none that cftime
    reads, even unpacked (``days since 2000115``: seven digits, whose split into month and day
    is not evident); the ``ncatted`` that sets the date it counts from, as ``YYYY-MM-DD``, in a
    copy. None when the date reads, or the units are not a time since a date."""
    import cftime

    match = _UDUNITS_SINCE.match(units)
    if match is None:
        return None
    spelt = since_units(units)
    try:
        cftime.num2date(0, spelt, calendar)
    except (ValueError, TypeError) as error:  # cftime 1.6: a TypeError for '2000115'
        if "calendar" in str(error).lower():
            return None  # an unknown calendar: said by its own message
    else:
        return None
    try:  # a date, but none of this calendar (year 0 of 'standard', 29 February 2001): its own message
        cftime.num2date(0, spelt, "all_leap", has_year_zero=True)
    except (ValueError, TypeError):
        pass
    else:
        return None
    unit, date = spelt.split()[0], spelt.split(maxsplit=2)[2]
    fix = ncatted_attribute("units", name, "o", "c", f"{unit} since YYYY-MM-DD")
    return (f"time '{name}' in {Path(path).name} has units '{units}', whose reference date '{date}' is not "
            f"written as a date (CF: 'days since 2000-01-01'; UDUNITS-2 also reads 20000101), so its dates are "
            f"unknown; set the date it counts from: "
            f"`{attribute_command([fix], input_and_copy(path))}`")


def encodable_time_units(units: str) -> str:
    """``units`` with the unit word spelt as xarray writes times: ``h since 2001-01-01`` →
    ``hours since 2001-01-01``; the reference date (and anything after it) as it was.

    CF §4.4 names the abbreviations ``d``, ``hr``/``h``, ``min``, ``sec``/``s``, and UDUNITS
    more (``hrs``, ``secs``, ``msec``, …); cftime decodes them all, but xarray encodes only
    ``days``, ``hours``, ``minutes``, ``seconds``, ``milliseconds``, ``microseconds`` (any case,
    with or without the plural ``s``). The unit is read with cf_xarray's UDUNITS registry
    (:func:`climann.data.units.unit_registry`) after lower-casing, as cftime does, and
    replaced by the word of the same length of time (:data:`ENCODABLE_TIME_UNITS`), so the
    numbers written are the same and mean the same dates. Units that xarray already writes,
    and those that are not a length of time since a date, are returned unchanged.

    Parameters
    ----------
    units : str
        CF time units, ``UNIT since REFERENCE``.

    Returns
    -------
    str

    Examples
    --------
    >>> encodable_time_units("hrs since 1950-01-01 00:00:00")
    'hours since 1950-01-01 00:00:00'
    >>> encodable_time_units("Days since 2001-01-01")
    'Days since 2001-01-01'
    """
    import pint

    from climann.data.units import unit_registry

    match = _SINCE.match(str(units))
    if match is None:
        return units
    word = match["unit"].lower()
    if (word if word.endswith("s") else f"{word}s") in ENCODABLE_TIME_UNITS.values():
        return units
    try:
        microseconds = float(unit_registry().Quantity(1, word).to("microsecond").magnitude)
    except (pint.PintError, AttributeError, TypeError, ValueError, AssertionError):
        return units
    written = ENCODABLE_TIME_UNITS.get(round(microseconds)) if abs(microseconds - round(microseconds)) < 1e-9 else None
    return units if written is None else f"{match['space']}{written}{match['rest']}"


def time_units_problem(time: xr.DataArray, source: str | Path | None = None) -> str:
    """Why a time coordinate is not dates (text, no CF units, or units not of time since a
    date), and what CF expects; for the axis of a cycle (``Month`` 1 … 12, ``Day_of_year``:
    :mod:`climann.data.cycle_axes`), that it is a climatology's, refused, and no units offered.

    Dates written as text (ISO 8601 strings, see :mod:`climann.data.text_times`) are named as
    such, with the line of Python that writes them as a CF time coordinate into a copy of
    ``source`` (the file read; ``IN.nc`` when not known): adding units to text does not help.

    Parameters
    ----------
    time : xarray.DataArray, shape (n_time,)
        The time coordinate, as opened (not decoded).
    source : str or Path, optional
        The one file it was read from.
    """
    dates = text_dates(time)
    if dates is not None:
        held = "numbers of a date's digits, without units" if dates.numbers else "text"
        return f"it holds them as {held} ({dates.quoted()}); {text_dates_advice(dates, source)}"
    if time.dtype.kind in "SUO":
        shown = ", ".join(repr(str(value)) for value in np.asarray(time.values)[:2])
        advice = f"; {unread_text_dates_advice(time, source)}" if time.ndim == 1 and time.size else ""
        return (f"it holds text ({shown}), not numbers; CF expects numbers with units = 'days since 1970-01-01' "
                f"(any unit since a reference date) and a calendar{advice}")
    months = month_numbers_problem(time, source)  # GIMMS v1's 1, 1.5, …, 6.5 of its global Year (break47b A3)
    if months:
        return months
    cycle = cycle_axis_problem(time)  # Month 1 … 12: a climatology, never days since a date
    if cycle:
        return cycle
    counted = counted_since_problem(time, source)  # "Months since January 1995": months since 1995-01-01
    if counted:
        return counted
    decimal_years = (decimal_years_problem(time, source) or before_present_problem(time, source)
                     or whole_years_problem(time, source) or long_name_reference_problem(time, source)
                     or julian_day_problem(time, source))
    if decimal_years:
        return decimal_years
    units = time.attrs.get("units")
    found = f"its units are '{units}'" if units else "it has no units"
    return f"{found}; CF expects units = 'days since 1970-01-01' (any unit since a reference date) and a calendar"


def undecoded_time_message(time: xr.DataArray, where: str, source: str | Path | None = None) -> str:
    """One line for a time coordinate that could not be read as dates (see :func:`time_units_problem`)."""
    return f"time coordinate '{time.name}' in {where} could not be read as dates: {time_units_problem(time, source)}"
