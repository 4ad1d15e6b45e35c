"""Time axes that count the steps of a cycle (the month of the year, the day of the year, the hour
of the day), not dates: a climatology's axis, refused as one.

The LIS/OTD lightning climatologies (Cecil et al. 2014, Atmos. Res. 135, 404) write their time as
``Month(Month)`` = 1 … 12 (HRMC, one map per calendar month) or ``Day_of_year`` = 1 … 365 (LRFC),
without units: each value is a position in the annual cycle, the mean of that month or day over
the years observed, as ``cdo ymonmean`` or ``ydaymean`` write a climatology. Such an axis holds
no dates, so no years to split into training, validation and test blocks, and no step from one
value to the next to learn: climann learns from time series, and refuses it in one line, with
the series it was computed from as the way out. The general advice for a time without units, "CF
expects units = 'days since 1970-01-01'", followed literally made the 12 months the days
1970-01-02 … 1970-01-13: training went on, every season feature January, persistence pairing each
month with the month before as if one day apart, and the report scored the November and December
maps as DJF alone (break43b A1). So an axis recognised here (:func:`cycle_axis`) is never told to
take days since a date (:func:`cycle_axis_problem`), and one that took units of another length
than its cycle's step (``Month`` 1 … 12 in ``days since 1970-01-01``) is refused as it is decoded
(:func:`cycle_units_message`).

An axis is a cycle's when its name or ``long_name`` says which (:data:`CYCLES`: ``Month``,
``month_of_year``, "month of year"; ``Day_of_year``, ``doy``; ``hour_of_day``) and its values
are distinct whole numbers within the cycle (1 … 12, 1 … 366, 0 … 24). A value alone does not
say it (``time`` = 1 … 12 may be 12 days); a forecast's lead month (``forecastMonth``) or
``Month_since_Jan_95``, a count of months since a date
(:func:`~climann.data.long_name_dates.counted_since_problem`), is no name of a cycle. A CF
climatology (§7.4, the ``climatology`` attribute of a dated axis) is said by its file and refused
by :mod:`climann.data.time_values`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import xarray as xr

from climann.data.time_values import FILE_PLACEHOLDER

__all__ = ["CYCLES", "Cycle", "cycle_axis", "cycle_axis_problem", "cycle_units_message"]


@dataclass(frozen=True)
class Cycle:
    """A cycle whose steps an axis may count.

    Attributes
    ----------
    step : str
        One of its steps, as a message says it (``"month of the year"``).
    names : frozenset of str
        Names of an axis of it, lower case without ``_``, ``-`` or spaces (``monthofyear``).
    long_name : re.Pattern
        A ``long_name`` of such an axis (lower case, single-spaced, ``_`` read as a space).
    first, last : int
        The smallest and largest value of a step.
    unit : str
        The CF unit of time of one step (``month``): units since a date in it may count such
        steps; in any other unit they are not the cycle's.
    value : str
        What each value of a climatology of it is.
    series : str
        The series a climatology of it is computed from, for the way out.
    """

    step: str
    names: frozenset[str]
    long_name: re.Pattern
    first: int
    last: int
    unit: str
    value: str
    series: str


#: The cycles recognised, by what an axis of each is called. Add a row for another, not code.
CYCLES = (
    Cycle("month of the year", frozenset({"month", "months", "mon", "moy", "monthofyear", "monthoftheyear",
                                          "calendarmonth", "monthnumber"}),
          re.compile(r"^(?:calendar )?months?(?: of (?:the )?year)?(?: number)?$"), 1, 12, "month",
          "the mean of one calendar month over years", "each year's monthly means"),
    Cycle("day of the year", frozenset({"dayofyear", "dayoftheyear", "doy", "yday", "yearday"}),
          re.compile(r"^(?:julian )?day of (?:the )?year$"), 1, 366, "day",
          "the mean of one day of the year over years", "each year's daily values"),
    Cycle("hour of the day", frozenset({"hourofday", "houroftheday", "hod", "hour", "localhour"}),
          re.compile(r"^(?:local |utc )?hour(?: of (?:the )?day)?$"), 0, 24, "hour",
          "the mean of one hour of the day over days", "each day's hourly values"),
)

#: The unit word of CF units since a date (``days since 1970-01-01``), singular, lower case.
_SINCE_UNIT = re.compile(r"^\s*(?P<unit>[A-Za-z_]+?)s?\s+since\s", re.IGNORECASE)

#: Spellings of a unit of time (UDUNITS, CF §4.4) → the cycle unit they are, when they are one.
_UNIT_WORDS = {"month": "month", "mon": "month", "day": "day", "d": "day", "hour": "hour", "hr": "hour",
               "h": "hour"}


def _said_by(name: str, attrs: dict) -> tuple[Cycle, str] | None:
    """The cycle an axis's name or ``long_name`` names, and how the messages say where."""
    compact = re.sub(r"[\s_\-]", "", name.lower())
    long_name = " ".join(str(attrs.get("long_name", "")).replace("_", " ").lower().split())
    for cycle in CYCLES:
        if compact in cycle.names:
            return cycle, f"its name '{name}'"
        if long_name and cycle.long_name.match(long_name):
            return cycle, f"its long_name '{attrs['long_name']}'"
    return None


def cycle_axis(name: str, attrs: dict, values: np.ndarray) -> tuple[Cycle, str] | None:
    """The cycle whose steps a time axis counts (:data:`CYCLES`) and why it is read so (its name
    or long name, and its values), or None: its name or ``long_name`` names the cycle and its
    values are distinct, increasing whole numbers within it.

    Parameters
    ----------
    name : str
        The axis's name.
    attrs : dict
        Its attributes (``long_name``).
    values : numpy.ndarray, shape (n_time,)
        Its values as stored (not decoded).

    Returns
    -------
    (Cycle, str) or None
        The cycle and ``"its name 'Month' and its values 1 … 12"``.

    Examples
    --------
    >>> cycle, why = cycle_axis("Month", {"long_name": "Month"}, np.arange(1, 13))
    >>> cycle.step, why
    ('month of the year', "its name 'Month' and its values 1 … 12")
    >>> cycle_axis("time", {}, np.arange(1, 13)) is None  # 12 days as well as 12 months
    True
    """
    said = _said_by(name, attrs)
    values = np.asarray(values)
    if said is None or values.ndim != 1 or not values.size or values.dtype.kind not in "iuf":
        return None
    numbers = values.astype(np.float64)
    cycle, where = said
    if (not np.all(np.isfinite(numbers)) or np.any(numbers != np.round(numbers)) or np.any(np.diff(numbers) <= 0)
            or numbers[0] < cycle.first or numbers[-1] > cycle.last):
        return None
    shown = f"{numbers[0]:g} … {numbers[-1]:g}" if numbers.size > 2 else " and ".join(f"{v:g}" for v in numbers)
    return cycle, f"{where} and its values {shown}"


def _refusal(cycle: Cycle, why: str) -> str:
    """The words shared by the two refusals: what the axis is, and the way out."""
    return (f"{why} say each step is a {cycle.step}: the axis of a climatology (each value {cycle.value}, "
            f"CF §7.4), which has no dates and so no years to split into training, validation and "
            f"test blocks, and is no number of days since a date; climann learns from time series: give the series it "
            f"was computed from ({cycle.series})")


def cycle_axis_problem(time: xr.DataArray) -> str | None:
    """Why a time coordinate not read as dates (no units, or units that are not time since a
    date) is a cycle's axis (:func:`cycle_axis`), for
    :func:`~climann.data.time_units.time_units_problem`; None for another axis.

    Parameters
    ----------
    time : xarray.DataArray, shape (n_time,)
        The time coordinate as stored (not decoded).

    Returns
    -------
    str or None
        ``"it has no units, and its name 'Month' and its values 1 … 12 say each step is a month of
        the year: the axis of a climatology …"``.
    """
    if time.ndim != 1 or time.dtype.kind not in "iuf":
        return None
    found = cycle_axis(str(time.name), time.attrs, np.asarray(time.values))
    if found is None:
        return None
    units = time.attrs.get("units")
    return f"{f'its units are {units!r}' if units else 'it has no units'}, and {_refusal(*found)}"


def cycle_units_message(name: str, attrs: dict, values: np.ndarray) -> str | None:
    """One line for a time axis of a cycle (:func:`cycle_axis`) given units since a date in
    another unit than its step's (``Month`` 1 … 12 in ``days since 1970-01-01``: 12 days of
    January 1970), for the decoder to refuse; None for any other axis, and for units in the
    cycle's own unit (``doy`` 1 … 365 in ``days since 2002-12-31`` may be a year of days).

    Parameters
    ----------
    name : str
        The time axis.
    attrs : dict
        Its attributes (``units``, ``long_name``).
    values : numpy.ndarray, shape (n_time,)
        Its values as stored.

    Returns
    -------
    str or None
        With :data:`~climann.data.time_values.FILE_PLACEHOLDER` where the file's name goes.
    """
    units = str(attrs.get("units", ""))
    unit = _SINCE_UNIT.match(units)
    found = cycle_axis(name, attrs, values)
    if found is None or unit is None or _UNIT_WORDS.get(unit["unit"].lower()) == found[0].unit:
        return None
    cycle, why = found
    return (f"{FILE_PLACEHOLDER}: time '{name}' has units '{units}', but {_refusal(cycle, why)}; these units "
            f"read its {len(values)} {cycle.step.split()[0]}s as {len(values)} steps of one {unit['unit'].lower()} "
            "each")
