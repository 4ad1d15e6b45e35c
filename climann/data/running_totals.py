"""Totals accumulated since a start (a simulation's, a forecast's): no amount of one time step.

WRF writes its precipitation as running totals: ``RAINNC`` ("ACCUMULATED TOTAL GRID SCALE
PRECIPITATION", mm) at each output time is all the rain since ``SIMULATION_START_DATE`` (WRF
User's Guide, "Output fields"; likewise ``RAINC``, ``SNOWNC``, ``ACSNOW``, the ``AC…`` fluxes).
Trained on as the rain of each step, a network learns the date: break38a A1 scored a test RMSE of
1078 mm on daily rain of 1.2 mm, with exit 0, while "persistence" (the total of the day before)
scored 2.2 mm, which is the day's rain itself. The amount of each step is the difference of
consecutive totals. GRIB totals from a forecast's start are refused with such a line already
(:mod:`climann.data.forecast_windows`); this module finds the same kind of value along the time
axis of any file (:func:`running_total_reason`, :func:`planned_running_totals`):

- by its words: a ``description`` (WRF's attribute) or ``long_name`` that begins with
  "ACCUMULATED" and names no window ("24-hour", "daily", "over", "last"), or says
  "accumulated since", "since the start of the simulation", "from model start", "running
  total" (:data:`_SINCE_A_START`);
- by its name, for WRF's totals of energy (:data:`WRF_ENERGY_TOTALS`: the ``AC…`` radiation,
  ``ACHFX``, ``ACLHF``, ``ACGRDFLX``), which a copy may hold without their description and whose
  values no rule reads (a heat flux's total falls at night);
- by CF: ``cell_methods`` "time: sum" (CF 7.3) with time bounds whose lower edge does not move
  (CF 7.1: every value is the sum from one instant to its own), :func:`sum_from_one_start`;
- by its values, where no word says it: a precipitation, rain, snowfall or runoff amount
  (:func:`~climann.data.units.water_quantity`: its words, or its name, among them the models'
  accumulations :data:`~climann.data.units.MODEL_WATER_AMOUNTS`, so that WRF's ``RAINNC`` copied
  without its ``description`` is still looked at), or a thermal-time index (growing degree days,
  chilling hours, heat units, by their words or units in ``K d``: :func:`thermal_time`; not a
  temperature), not a rate, nor a value whose ``cell_methods``
  say what it is over time, that is never negative and, within each file,
  never decreases from one step to the next at (almost) every cell while it grows at many, over
  enough steps that chance cannot make it so (:data:`MIN_EVIDENCE`, :func:`grows_without_falling`).
  A restart of the total (0 again at a new simulation's start) is one step where most cells
  fall; steps from a file's first to the file before are not compared (dask's blocks are per
  file). Rain itself falls somewhere between most pairs of steps, so it is not mistaken for a
  total; at one place (a station, one grid cell) it falls only after its wet steps, but as often
  as it rises, where a total grows several times between restarts (:data:`GROWTH_PER_RESTART`)
  or restarts at one hour of each day (:data:`MIN_PERIODIC_RESTARTS`).

Such a variable is refused (:func:`refuse_running_totals`), as target or predictor, with the
line that writes the amount of each step, per file: each ``wrfout`` file continues its
simulation's total or begins a new one (a restart run continues it; a new initialisation
restarts it at 0), so consecutive totals are differenced within a file, and a file's first step
from the last of the file before it only when both say they are of one simulation (WRF's
``SIMULATION_START_DATE``) and it ends one step before (break46a A6: ten daily files of one run
lost the 23-24 UTC hour of each day); else it is left out, with no step before it there. A step
where the total falls within a file (a total since 1 January at each 1 January) is left missing, as across files
(:data:`RESTART_RULE`). The copies get CF time bounds
[previous time, time] and ``cell_methods = "time: sum"``: the amounts are paired with other
data by the step they fall in. A total whose words date its start within each year (growing
degree days "accumulated since 1 January", a season's snowfall "since 1 September",
:func:`since_a_date`) is refused as the seasonal index it is, not in a simulation's words
(break38c R2), and so is a total whose values restart on one date each year, daily SNOTEL's
"Precipitation Accumulation" on 1 October (:func:`yearly_restart_date`, rerun39 N3), and one
"to date" of a year or season ("Water year to date precipitation"): it restarts at that date
each year, and trained on, the network learns how far into the season a step is rather than the
step's own amount. A plain "Growing degree days" (K d) or "Chilling hours" total restarting each
year is found so by its values (fix40b; each day's degree days, or a seasonal cycle, fall at many
steps and are no total); and a total said by words that give no date ("Cumulative growing degree
days", "Accumulated precipitation") is read for the date its values restart on
(:func:`read_for_restart_date`) before it is refused, so that the refusal names it.

WRF run with ``bucket_mm`` > 0 resets ``RAINNC`` and ``RAINC`` by that amount each time they pass
it and counts the resets in ``I_RAINNC`` and ``I_RAINC``: a difference across a reset is
``bucket_mm`` short (a step of 8 mm read as -2 mm with a 10 mm bucket). The line then
differences the whole totals, ``RAINNC + I_RAINNC × BUCKET_MM`` (the global attribute WRF
writes), and where a file holds the counters without ``BUCKET_MM``, or a bucket without its
counters, the totals are refused with no line: they cannot be made whole (:func:`_buckets`).
Its ``bucket_J`` resets the radiation totals (``ACSWDNB``, counted by ``I_ACSWDNB``) the same way,
by the global attribute ``BUCKET_J`` (J m-2), never by ``BUCKET_MM``
(:data:`BUCKET_ATTRIBUTES`). The totals of a signed flux (:data:`SIGNED_TOTALS`) fall where a
step's flux is negative: their falls are amounts, kept by the line.
"""

from __future__ import annotations

import glob
import os
import re
import shlex
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import xarray as xr

from climann.data.cell_methods import time_cell_method
from climann.data.coords import find_coordinate
from climann.data.daily_totals import (MIN_RESET_DAYS, WHOLE_FILES_KEY, checked_for_daily_reset, daily_amounts_command,
                                       daily_reset_reading, daily_restart, daily_text, hourly_totals_command,
                                       magnitude_changes, said_step, step_hours, step_words, untold_restart,
                                       untold_text)
from climann.data.fill_like import BlockReads, planned_counts_by_step, time_dimension
from climann.data.shell import (whole_write, file_time_names, new_folder, python_command, python_copies_by_folder,
                                shown_path, working_path)
from climann.data.sources import name_in_file, source_files, variable_where
from climann.data.units import described_as_anomaly, is_rate, parse_units, water_quantity
from climann.errors import ClimannError

__all__ = ["MIN_EVIDENCE", "MIN_YEARLY_RESTARTS", "RESTART_RULE", "across_files_command", "grows_without_falling",
           "planned_running_totals", "read_for_restart_date", "refuse_running_totals", "running_total_reason",
           "running_total_reasons", "since_a_date", "thermal_time",
           "step_amounts_command", "step_sums", "sum_from_one_start", "value_total_reason", "yearly_restart_date"]

#: Words of a ``long_name`` or ``description`` that say a total since a simulation's start.
_SIMULATION_START = (
    r"\b(?:since|from)\s+(?:the\s+)?(?:start|beginning)\s+of\s+(?:the\s+)?(?:model\s+)?"
    r"(?:simulation|run|integration|forecast)\b"
    r"|\b(?:since|from)\s+(?:the\s+)?(?:simulation|model|run|integration|forecast)\s+(?:start|initiali[sz]ation)\b")

#: Words of a ``long_name`` or ``description`` that say a total since a start.
_SINCE_A_START = re.compile(
    rf"\baccumulated\s+since\b|\brunning\s+total\b|\bcumulative\s+since\b|{_SIMULATION_START}", re.IGNORECASE)

#: The months' names as words of a date ("1 January", "Sept. 1").
_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*(?![a-z])\.?"

#: Words that say a total restarts at a date of each year (a seasonal index: growing degree days
#: "accumulated since 1 January", a season's snowfall "since 1 September", "since the start of the
#: water year"), not at a simulation's start: a day and month with no year ("since 1 January
#: 1979" is one start), or the start of a year or season.
_SINCE_A_DATE = re.compile(
    rf"\b(?:since|from)\s+(?:the\s+)?(?:\d{{1,2}}(?:st|nd|rd|th)?[\s./-]*(?:of\s+)?{_MONTHS}"
    rf"|{_MONTHS}\s*\d{{1,2}}(?:st|nd|rd|th)?(?!\d))(?![\s,./-]*\d{{4}})"
    r"|\b(?:since|from)\s+the\s+(?:start|beginning|first\s+day)\s+of\s+(?:the\s+|each\s+)?"
    r"(?:(?:calendar|water|hydrological|agricultural)\s+)?(?:year|(?:growing\s+|snow\s+|rainy\s+)?season)\b",
    re.IGNORECASE)

#: Words of a total since the start of a year or season, "to date" ("Water year to date
#: precipitation", "year-to-date", "season to date"): a seasonal total, restarting each year.
_TO_DATE = re.compile(
    r"\b(?:(?P<kind>(?:calendar|water|hydrological|agricultural)\s+year|year|(?:growing\s+|snow\s+|rainy\s+)?season)"
    r")[\s-]+to[\s-]+date\b", re.IGNORECASE)

#: WRF's words: a description that begins with "ACCUMULATED" ("ACCUMULATED TOTAL GRID SCALE
#: PRECIPITATION"), and a long name that begins with "Cumulative" ("Cumulative growing degree
#: days", rerun39: trained without a word) …
_ACCUMULATED_FIRST = re.compile(r"^\s*(?:accumulated|cumulative)\b", re.IGNORECASE)

#: … and names no window of its own (GPM IMERG's "Daily accumulated precipitation", "accumulated
#: over the last 6 hours", "24-hour accumulated"): such a total is over that window.
_WINDOW_WORDS = re.compile(
    r"\b(?:over|during|within|last|past|per|each|hourly|daily|monthly|yearly|annual)\b|\d+\s*-?\s*(?:h|hr|hour|day|min)",
    re.IGNORECASE)

#: WRF's running totals of energy (J m-2) since ``SIMULATION_START_DATE``, by name (WRF Registry,
#: descriptions "ACCUMULATED …"; WRF User's Guide, "Output fields"): the shortwave and longwave
#: radiation (``SW``, ``LW``) upwelling and downwelling (``UP``, ``DN``) at the top and bottom of the
#: atmosphere (``T``, ``B``), all-sky and clear-sky (``C``): ``ACSWDNB``, ``ACLWUPTC`` …; and the
#: surface's upward sensible, latent and ground heat fluxes (``ACHFX``, ``ACLHF``, ``ACGRDFLX``).
#: A copy may hold them without their description, and no values rule finds them (a heat flux's
#: total falls at night), so their names say it (:func:`running_total_reason`); WRF's water totals
#: (``RAINNC`` … ``SFROFF``, ``UDROFF``, ``ACSNOM``: :data:`~climann.data.units.MODEL_WATER_AMOUNTS`)
#: are found by their values.
WRF_RADIATION_TOTALS = frozenset(f"AC{band}{way}{level}{sky}" for band in ("SW", "LW") for way in ("UP", "DN")
                                 for level in ("T", "B") for sky in ("", "C"))
WRF_ENERGY_TOTALS = WRF_RADIATION_TOTALS | {"ACHFX", "ACLHF", "ACGRDFLX"}

#: Totals of a signed flux (upward heat, negative when the flux points down): they fall from one
#: step to the next where the step's amount is negative, which is an amount, not a restart. The
#: printed lines keep their falls (:data:`RESTART_RULE` applies to the others).
SIGNED_TOTALS = frozenset({"ACHFX", "ACLHF", "ACGRDFLX"})

#: The water quantities whose values are checked for a total that grows without falling: amounts
#: that fall or flow (snow on the ground grows all winter and is no such total).
_AMOUNTS = frozenset({"precipitation", "rain", "snowfall", "runoff"})

#: Words of a thermal-time index, a sum over days (or hours) of degrees above (or below) a base, or
#: of hours in a temperature range: growing, heating and cooling degree days (``gdd``, ``cgdd``,
#: ``agdd``), degree hours, chilling hours (units, portions), corn heat units, thermal time. Read
#: in the name, ``standard_name``, ``long_name``, ``description`` and ``units`` ("degree_day").
_THERMAL_TIME_WORDS = re.compile(
    r"degree[\s_-]*(?:days?|hours?)(?![a-z])|(?<![a-z])[ac]?gdd(?![a-z])|(?<![a-z])chill(?:ing)?[\s_-]*"
    r"(?:hours?|units?|portions?)(?![a-z])|(?<![a-z])heat[\s_-]*units?(?![a-z])|(?<![a-z])thermal[\s_-]*time(?![a-z])",
    re.IGNORECASE)

#: What the printed lines (:func:`step_amounts_command`, :func:`across_files_command`) write at a
#: step where a total falls: it restarted within that step, and its amount is missing. The total
#: after a restart is the amount since the restart, which is the step's amount only when the
#: restart fell on the step's start; the values cannot tell when it fell (WRF's new simulation
#: writes 0 at its first output, while the rain of the step before fell in the old one), so
#: neither the difference (-2602 K d of growing degree days at each 1 January, break38c R1) nor
#: the new total is written: the step is left missing.
RESTART_RULE = ("a total that falls from one step to the next restarted within that step (a new simulation, a "
                "new season of a total since a date), and that step's amount is left missing")

#: :data:`RESTART_RULE` for a seasonal index (:func:`since_a_date`): its restart each year.
_SEASONAL_RESTARTS = ("a total that falls from one step to the next restarted within that step (its date, each "
                      "year), and that step's amount is left missing: the total after the restart is the new "
                      "season's since the date, the step's own amount only when the date falls at the step's start, "
                      "which the values cannot tell")

#: At a step where more than this share of the compared cells falls, a total restarted (or it is
#: no total); at the others, at most this share may fall (rounding of a packed total).
FALLING_SHARE = 0.01

#: A running total grows: over the steps where it does not restart, at least this share of the
#: compared cells grows from one step to the next.
GROWING_SHARE = 0.05

#: A total restarts at most at this share of the steps compared (files of 4 steps or more).
RESTART_SHARE = 0.25

#: The least evidence the values rule takes: this many steps compared without a restart, and as
#: many (cell, step) pairs that grow. Any series of independent values is non-decreasing over k
#: steps (k + 1 values) with probability 1/(k + 1)!: over 5 steps (a 6-day station file, break38c
#: R3) 1/720, which rain at one station meets by chance; over 9, 1/10! = 2.8e-7. Growth is
#: counted too, for dry days tie: one cell at 0 for 9 days and then wet passes no threshold of
#: shares, but grows once. WRF's files of a month of daily (31 steps) or hourly output have many
#: more.
MIN_EVIDENCE = 9

#: A total grows between its restarts, each cell at (on average) at least this many steps per
#: restart where it falls: ``growing`` pairs at the steps kept over ``falling`` pairs at the restarts.
#: A series of amounts of each step is no such thing: it falls back after every wet step (to 0 on
#: the next dry one) and rises again at the next wet one, as often as it falls (break46d A1: GHCN
#: PRCP at one station, wet on 16 % of the days, rose at 329 steps and fell at 323; with fewer than
#: 25 % of the steps falling, each fall was taken for a restart and the daily amounts for a running
#: total). A total restarting each year grows at every wet day of the year (some 100 times per
#: restart), one restarting at a new simulation over its run; each of those whose restarts come
#: more often than that at few cells (a day's total at 3-hourly steps, at a dry cell) is told by
#: its restarts' hour of the day instead (:data:`MIN_PERIODIC_RESTARTS`).
GROWTH_PER_RESTART = 3

#: The least number of restarts, all at one hour of the day on a sub-daily axis, that say a total
#: restarts daily whatever it grows between (:func:`grows_without_falling`): amounts fall at any
#: hour, and 9 falls of 6-hourly amounts all at one of the 4 hours by chance is 4**-8 = 1.5e-5.
MIN_PERIODIC_RESTARTS = 9


def _words(variable: xr.DataArray) -> list[tuple[str, str]]:
    """(attribute, text) of the ``description`` and ``long_name`` of ``variable`` that it has."""
    return [(key, " ".join(str(variable.attrs[key]).split())) for key in ("description", "long_name")
            if str(variable.attrs.get(key, "")).strip()]


def _time_method(variable: xr.DataArray, time: str | None) -> str | None:
    """The time part of the CF ``cell_methods`` of ``variable`` (CF 7.3), its entries keyed by the
    time dimension's own name (``valid_time: sum``, the new CDS's ERA5) or by ``time``, the
    standard name (:func:`~climann.data.cell_methods.time_cell_method`); None when it says nothing
    of time. A search for ``time:`` missed ``valid_time: sum`` after its "_" (break46d A1)."""
    return time_cell_method(str(variable.attrs.get("cell_methods", "")), time or "time")


def sum_from_one_start(dataset: xr.Dataset, variable: xr.DataArray) -> bool:
    """Whether ``variable`` says CF ``cell_methods`` "time: sum" (CF 7.3; keyed by its time
    dimension's name or ``time``) on a time axis of ``dataset`` whose bounds (CF 7.1) all begin at
    one instant while they end at each step's own: every value is the total from that instant."""
    time = time_dimension(variable)
    if time is None or not re.search(r"\bsum\b", _time_method(variable, time) or "") or variable.sizes[time] < 2:
        return False
    bounds = dataset[time].attrs.get("bounds") or dataset[time].encoding.get("bounds")
    if bounds not in dataset.variables or dataset[bounds].shape != (variable.sizes[time], 2):
        return False
    edges = dataset[bounds].values
    return bool((edges[:, 0] == edges[0, 0]).all() and (edges[1:, 1] != edges[0, 1]).any())


def step_sums(dataset: xr.Dataset, variable: xr.DataArray) -> bool:
    """Whether ``variable`` says CF ``cell_methods`` "time: sum" on a time axis of ``dataset``
    with bounds that do not all begin at one instant: each value the total over its own step
    (as the copies :func:`step_amounts_command` writes)."""
    time = time_dimension(variable)
    if time is None or not re.search(r"\bsum\b", _time_method(variable, time) or ""):
        return False
    bounds = dataset[time].attrs.get("bounds") or dataset[time].encoding.get("bounds")
    return bounds in dataset.variables and not sum_from_one_start(dataset, variable)


def running_total_reason(name: str, variable: xr.DataArray, dataset: xr.Dataset) -> str | None:
    """What says the values of ``variable`` are totals accumulated since a start, for the
    message ("its description 'ACCUMULATED TOTAL GRID SCALE PRECIPITATION'"); None when nothing
    in its attributes does (see the module description). A variable whose CF ``cell_methods``
    "time: sum" come with time bounds that move (each step's own total, as the copies the advice
    writes) is not one, whatever its words.

    Parameters
    ----------
    name : str
        The variable's name.
    variable : xarray.DataArray
        With a time dimension (a static field is never one).
    dataset : xarray.Dataset
        Holding its time coordinate and that coordinate's bounds.

    Returns
    -------
    str or None
    """
    time = time_dimension(variable)
    if time is None or described_as_anomaly(name, variable.attrs):
        return None
    if sum_from_one_start(dataset, variable):
        bounds = dataset[time].attrs.get("bounds") or dataset[time].encoding.get("bounds")
        methods = variable.attrs["cell_methods"]
        return f"its cell_methods '{methods}' over time bounds ({bounds}) that all begin at one time"
    if step_sums(dataset, variable):
        return None  # totals over each step's own cell, said in CF's terms
    for key, text in _words(variable):
        if (_SINCE_A_START.search(text) or _TO_DATE.search(text)
                or (_ACCUMULATED_FIRST.search(text) and not _WINDOW_WORDS.search(text))):
            return f"its {key} '{text}'"
    if (own := _wrf_energy_name(name, variable)) is not None:
        return f"its name, {own}: WRF's total since SIMULATION_START_DATE (Registry: 'ACCUMULATED …')"
    return None


def _wrf_energy_name(name: str, variable: xr.DataArray) -> str | None:
    """The name of ``variable`` (as the run names it, or in its file) among WRF's running totals
    of energy (:data:`WRF_ENERGY_TOTALS`), or None."""
    return next((own for own in (name, name_in_file(variable, name)) if own in WRF_ENERGY_TOTALS), None)


def _falls_and_grows(block: np.ndarray, time_axis: int) -> np.ndarray:
    """Shape (4, n_steps of the block): at each step, how many cells fall from the step before
    in the block, how many are compared (a value at both), how many grow, and how many values
    are negative (the block's first step compared with nothing)."""
    values = np.moveaxis(np.asarray(block, dtype=np.float64), time_axis, 0).reshape(np.shape(block)[time_axis], -1)
    counts = np.zeros((4, values.shape[0]), dtype=np.int64)
    before, after = values[:-1], values[1:]
    compared = np.isfinite(before) & np.isfinite(after)
    counts[0, 1:] = np.count_nonzero(compared & (after < before), axis=1)
    counts[1, 1:] = np.count_nonzero(compared, axis=1)
    counts[2, 1:] = np.count_nonzero(compared & (after > before), axis=1)
    counts[3] = np.count_nonzero(values < 0, axis=1)
    return counts


def grows_without_falling(counts: np.ndarray, *, hours: np.ndarray | None = None) -> bool:
    """Whether counts by step (:func:`_falls_and_grows`: falling, compared, growing, negative)
    are those of a total since a start: no negative value; at most :data:`RESTART_SHARE` of the
    compared steps where more than :data:`FALLING_SHARE` of the cells fall (restarts); at the
    other steps, at least :data:`MIN_EVIDENCE`, at most that share falling and at least
    :data:`GROWING_SHARE` growing, with at least :data:`MIN_EVIDENCE` (cell, step) pairs growing;
    and between its restarts it grows: at least :data:`GROWTH_PER_RESTART` growing pairs at the
    steps kept for each pair that falls at a restart, unless its restarts are periodic (at least
    :data:`MIN_PERIODIC_RESTARTS`, all at one of the ``hours``). At one cell (a station) every fall
    is a "restart": daily rain falls after each wet day as often as it rises, a total rarely.

    Parameters
    ----------
    counts : numpy.ndarray
        Shape (4, n_steps).
    hours : numpy.ndarray or None
        Shape (n_steps,): the hour of the day of each step, on an axis of steps at several hours
        of the day; None otherwise.

    Returns
    -------
    bool

    Examples
    --------
    >>> import numpy as np
    >>> totals = np.cumsum(np.ones((10, 3)), axis=0)         # 3 cells, 1 mm a step, 9 steps compared
    >>> grows_without_falling(_falls_and_grows(totals, 0))
    True
    >>> grows_without_falling(_falls_and_grows(totals[:6], 0))  # 5 steps: too few to tell
    False
    >>> grows_without_falling(_falls_and_grows(np.array([[1.0, 0.0], [0.0, 2.0], [3.0, 0.0]]), 0))
    False
    >>> rain = np.tile([0.0, 0.0, 0.0, 0.0, 0.0, 2.0], 5)[:, None]   # wet one day in six: falls 4 times, rises 5
    >>> grows_without_falling(_falls_and_grows(rain, 0))
    False
    """
    falling, compared, growing, negative = (np.asarray(row) for row in counts)
    if negative.sum():
        return False
    stepped = compared > 0
    restarts = stepped & (falling > FALLING_SHARE * compared)
    kept = stepped & ~restarts
    if kept.sum() < MIN_EVIDENCE or restarts.sum() > RESTART_SHARE * stepped.sum():
        return False
    grown = growing[kept].sum()
    if not (grown >= MIN_EVIDENCE and grown >= GROWING_SHARE * compared[kept].sum()):
        return False
    return bool(grown >= GROWTH_PER_RESTART * falling[restarts].sum() or _periodic(restarts, hours))


def _periodic(restarts: np.ndarray, hours: np.ndarray | None) -> bool:
    """Whether the ``restarts`` (a flag per step) are at least :data:`MIN_PERIODIC_RESTARTS`, all
    at one of the ``hours`` of the day (a day's total on a sub-daily axis)."""
    if hours is None or restarts.sum() < MIN_PERIODIC_RESTARTS:
        return False
    return np.unique(np.asarray(hours)[restarts]).size == 1


def _hours_of_steps(dataset: xr.Dataset, variable: xr.DataArray) -> np.ndarray | None:
    """The hour of the day of each step of ``variable``'s time axis when its steps fall at several
    hours of the day (:func:`grows_without_falling`), None otherwise (daily or longer steps, all at
    one hour, whose restarts are all at that hour whatever they are)."""
    time = time_dimension(variable)
    if time is None or time not in dataset.coords or dataset[time].dtype.kind not in "MO":
        return None
    try:
        hours = np.asarray(dataset[time].dt.hour.values, dtype=int)
    except (TypeError, AttributeError, ValueError):
        return None
    return hours if np.unique(hours).size > 1 else None


def thermal_time(name: str, attrs: Mapping) -> bool:
    """Whether a variable is a thermal-time index (growing degree days, chilling hours, heat
    units): its name or words say one (:data:`_THERMAL_TIME_WORDS`), or its units are a
    temperature difference times a time (``K d``, ``degC d``, ``°C days``: pint's dimensions
    [temperature]·[time]). A temperature (``K``) is none, nor a duration alone (``hours``, ``days``:
    a day of the year, an hour of the day) that no word calls one.

    Parameters
    ----------
    name : str
        The variable's name.
    attrs : mapping
        Its attributes (``standard_name``, ``long_name``, ``description``, ``units``).

    Returns
    -------
    bool

    Examples
    --------
    >>> thermal_time("gdd", {}), thermal_time("v", {"units": "degC d"}), thermal_time("chill", {"units": "hours"})
    (True, True, False)
    >>> thermal_time("ch", {"long_name": "Chilling hours", "units": "hours"}), thermal_time("tas", {"units": "K"})
    (True, False)
    """
    texts = [name, *(str(attrs.get(key, "")) for key in ("standard_name", "long_name", "description", "units"))]
    if any(_THERMAL_TIME_WORDS.search(text) for text in texts):  # each alone: "chill" and "hours" are no words
        return True
    units = str(attrs.get("units", "")).strip()
    try:
        dimensions = dict(parse_units(units, variable=name).dimensionality) if units else {}
    except ClimannError:
        return False
    return dimensions == {"[temperature]": 1, "[time]": 1}


def _checked_by_values(name: str, variable: xr.DataArray) -> bool:
    """Whether the values of ``variable`` are to be looked at: an amount (:data:`_AMOUNTS`) by its
    name, ``standard_name``, ``long_name`` or WRF ``description``, or a thermal-time index
    (:func:`thermal_time`: growing degree days, chilling hours), on a time axis, in units that
    are no rate (:func:`~climann.data.units.is_rate`), with no time entry in its CF
    ``cell_methods`` (which say what each value is: a mean, a sum over its own cell)."""
    attrs = dict(variable.attrs)
    attrs.setdefault("long_name", attrs.get("description", ""))
    if _time_method(variable, time_dimension(variable)) is not None or is_rate(attrs.get("units")):
        return False  # CF says what each value is over its cell ("valid_time: sum"); a rate (mm/h) is no total
    return (variable.dtype.kind in "fiu" and time_dimension(variable) is not None
            and (water_quantity(name, attrs) in _AMOUNTS or thermal_time(name, attrs))
            and not described_as_anomaly(name, attrs))


def read_for_restart_date(name: str, variable: xr.DataArray, dataset: xr.Dataset) -> bool:
    """Whether ``variable``, a total by its words (:func:`running_total_reason`: "Cumulative
    growing degree days", "Accumulated precipitation"), is to be read for the date of each year at
    which its values restart (:func:`yearly_restart_date`): its words give no date
    (:func:`since_a_date`), and neither its words nor its file say a simulation's start
    (``SIMULATION_START_DATE``, WRF's ``description``, CF "time: sum" from one start, "since the
    start of the simulation"). Such a total is refused after its values are read, with the date
    they show (:func:`refuse_running_totals`), not before.

    Parameters
    ----------
    name : str
        The variable's name.
    variable : xarray.DataArray
        The variable.
    dataset : xarray.Dataset
        Holding it and its time coordinate.

    Returns
    -------
    bool
    """
    if (variable.dtype.kind not in "fiu" or running_total_reason(name, variable, dataset) is None
            or since_a_date(variable) is not None):
        return False
    said = ("SIMULATION_START_DATE" in dataset.attrs or "description" in variable.attrs
            or sum_from_one_start(dataset, variable)
            or any(re.search(_SIMULATION_START, text, re.IGNORECASE) for _, text in _words(variable)))
    return not said


def planned_running_totals(dataset: xr.Dataset, names: Sequence[str], *, shared: Sequence[str] = ()) -> BlockReads:
    """The reads that find, among ``names``, the amounts and thermal-time indices whose values grow
    without falling (:func:`grows_without_falling`), to be computed with the run's other checks of
    every value (:func:`~climann.data.fill_like.read_together`); variables their words already
    call running totals (:func:`running_total_reason`) are read only for the date of each year at
    which they restart, where their words give none (:func:`read_for_restart_date`).

    Parameters
    ----------
    dataset : xarray.Dataset
        As opened, lazy (dask's blocks per file: steps of two files are not compared).
    names : sequence of str
        The variables to check.
    shared : sequence of str
        The variables whose blocks keep the file's keys.

    Returns
    -------
    climann.data.fill_like.BlockReads
        Its answer: the names found by their values, then those of :func:`read_for_restart_date`,
        each with the date of each year at which its values restart (:func:`yearly_restart_date`;
        None when they do not say one).
    """
    chosen = [name for name in names if name in dataset.data_vars and _checked_by_values(name, dataset[name])
              and running_total_reason(name, dataset[name], dataset) is None and not step_sums(dataset, dataset[name])]
    worded = [name for name in names
              if name in dataset.data_vars and read_for_restart_date(name, dataset[name], dataset)]
    chosen += worded
    daily = [name for name in names if name in dataset.data_vars and checked_for_daily_reset(name, dataset[name])
             and running_total_reason(name, dataset[name], dataset) is None and not step_sums(dataset, dataset[name])]
    arrays = []
    for name in chosen:
        variable = dataset[name]
        arrays.append((variable.data, variable.dims.index(time_dimension(variable)), _falls_and_grows, 4))
    for name in daily:
        variable = dataset[name]
        arrays.append((variable.data, variable.dims.index(time_dimension(variable)), magnitude_changes, 2))
    reads = planned_counts_by_step(arrays, shared=[name in shared for name in [*chosen, *daily]])

    def finish(parts: Sequence[np.ndarray]) -> dict[str, str | None]:
        counted = reads.finish(parts)
        restarts = _daily_restarts(dataset, daily, counted[len(chosen):])
        # read on the whole files before a time range or stride chose some of their steps (break51d A1)
        whole = {name: str(dataset[name].encoding[WHOLE_FILES_KEY]) for name in daily
                 if WHOLE_FILES_KEY in dataset[name].encoding}
        restarts = {**{name: text for name, text in restarts.items() if name not in whole},
                    **{name: text for name, text in whole.items() if text}}
        found = {name: yearly_restart_date(dataset, dataset[name], counts)
                 for name, counts in zip(chosen, counted[:len(chosen)], strict=True)
                 if name not in restarts and name not in whole and (name in worded or grows_without_falling(
                     counts, hours=_hours_of_steps(dataset, dataset[name])))}
        return {**restarts, **found}

    return BlockReads(reads.tasks, finish)


def _daily_restarts(dataset: xr.Dataset, names: Sequence[str], counts: Sequence[np.ndarray]) -> dict[str, str]:
    """The totals among ``names`` restarted each day (:func:`~climann.data.daily_totals.daily_reset_reading`
    of their ``counts``), with the answer of the values rule: :func:`~climann.data.daily_totals.daily_text`
    of the hour of the step after each restart, or :func:`~climann.data.daily_totals.untold_text` where
    too few days are read to rule out amounts of each hour; and with them every GRIB
    accumulation (``GRIB_stepType = "accum"``) of ``names`` held by the same files, and every
    other of ``names`` without GRIB attributes held by the same files beside one such found: a
    product accumulates all its fields alike (ERA5-Land: from 00 UTC; JRA-3Q's 3-hourly totals
    copied by CDO), so a field whose values alone do not tell (evaporation that dew turns back at
    night) is read as its file's others."""
    restarts = {}
    for name, each in zip(names, counts, strict=True):
        hour, told = daily_reset_reading(dataset, dataset[name], each)
        if hour is not None:  # the axis's step said too: 3-hourly totals since 00 UTC restart at 03 UTC
            step = step_hours(dataset, dataset[name]) or 1
            restarts[name] = daily_text(hour, step) if told else untold_text(hour, step)
    for name in names:
        kind = str(dataset[name].attrs.get("GRIB_stepType", "")).strip().lower()
        if name in restarts or kind not in ("accum", ""):
            continue
        files = source_files(dataset[name])
        # GRIB accumulations as their file's; without GRIB attributes (CDO's copy of JRA-3Q's or ERA5's forecast
        # totals), the file's other amounts and energies per area as its found ones (fix52a: e, its dew a fall)
        alike = [hour for other, hour in restarts.items()
                 if files and source_files(dataset[other]) == files and dataset[other].dims == dataset[name].dims
                 and str(dataset[other].attrs.get("GRIB_stepType", "")).strip().lower() == kind]
        if alike:
            restarts[name] = alike[0]
    return restarts


#: The least number of restarts, each in its own year on one date, that say a total restarts each
#: year (:func:`yearly_restart_date`): one restart could as well be a new simulation's.
MIN_YEARLY_RESTARTS = 2

_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                "November", "December")


def yearly_restart_date(dataset: xr.Dataset, variable: xr.DataArray, counts: np.ndarray) -> str | None:
    """The date of each year at which a total found by its values (:func:`grows_without_falling`)
    restarts, as words of :func:`since_a_date` ("since 1 October"), where its restarts (steps where
    more than :data:`FALLING_SHARE` of the cells fall) are at least :data:`MIN_YEARLY_RESTARTS`,
    each in its own year, all at steps of one month and day, each a day after the step before
    (daily or finer steps date the restart to the day); None otherwise (a simulation's restarts;
    restarts between steps further apart, whose day the values cannot tell). SNOTEL's
    "Precipitation Accumulation" restarts on 1 October, its water year's start (rerun39 N3).

    Parameters
    ----------
    dataset : xarray.Dataset
        Holding the time coordinate.
    variable : xarray.DataArray
        The total, with a time dimension.
    counts : numpy.ndarray
        Shape (4, n_steps): :func:`_falls_and_grows` of its blocks.

    Returns
    -------
    str or None
    """
    falling, compared = np.asarray(counts[0]), np.asarray(counts[1])
    steps = np.flatnonzero((compared > 0) & (falling > FALLING_SHARE * compared))
    time = time_dimension(variable)
    if steps.size < MIN_YEARLY_RESTARTS or time is None or time not in dataset.coords:
        return None
    stamps = dataset[time]
    if stamps.dtype.kind not in "MO":  # undecoded
        return None
    try:
        at = stamps.isel({time: steps})
        before = stamps.isel({time: steps - 1})
        months, days, years = (np.asarray(getattr(at.dt, part).values) for part in ("month", "day", "year"))
        apart = np.asarray((at - before).values)
    except (TypeError, AttributeError, ValueError):
        return None
    one_day = np.timedelta64(1, "D")
    if (len(set(zip(months.tolist(), days.tolist(), strict=True))) != 1 or len(set(years.tolist())) != steps.size
            or not all(gap <= one_day for gap in apart)):
        return None
    return f"since {int(days[0])} {_MONTH_NAMES[int(months[0]) - 1]}"


#: The Python (xarray) that writes the amount of each step of one file: ``python -c SCRIPT IN
#: OUT [PREVIOUS]``. ``{names}`` the totals, ``{time}`` the file's time variable; the first step is
#: the difference from the last of PREVIOUS (the file before it in the loop) when that file
#: continues the same simulation (WRF's global ``SIMULATION_START_DATE`` the same in both, the
#: time in the same units, its last step one step before IN's first: break46a A6, ten daily
#: wrfout files of one run lost the 23-24 UTC hour of each day), else left out, with no step before
#: it; a fall (a restart: a new simulation, a total "since 1 January" at each 1 January) is left
#: missing (:data:`RESTART_RULE`); the time gets CF bounds [previous, own] (in its units as
#: stored), the amounts ``cell_methods = "time: sum"``.
_PYTHON_STEP_AMOUNTS = (
    "import sys,numpy as np,xarray as xr;d=xr.open_dataset(sys.argv[1],decode_times=False);"
    "n={names!r};t=d[{time!r}];s=t.dims[0];{whole}"
    "p=(sys.argv[3:] or [''])[0];P=xr.open_dataset(p,decode_times=False) if p else None;"
    "r=str(d.attrs.get('SIMULATION_START_DATE','')).strip();"
    "c=P is not None and r!='' and str(P.attrs.get('SIMULATION_START_DATE','')).strip()==r and {time!r} in P.variables "
    "and P[{time!r}].attrs.get('units')==t.attrs.get('units') and t.size>1 and P.sizes.get(s,0)>0 "
    "and bool(np.isclose(P[{time!r}].values[-1]+t.values[1]-t.values[0],t.values[0]));"
    "o=d.isel({{s:slice(0 if c else 1,None)}});"
    "q=[x for x in [*n,*('I_'+v for v in n)] if x in d.variables and (not c or x in P.variables)];"
    "d=xr.concat([P[q].isel({{s:[-1]}}),d[q]],s,coords='minimal',compat='override',join='override') if c else d;"
    "t=d[{time!r}];a=xr.Dataset({{v:W(v) for v in n}}).diff(s);g={signed!r};"
    "o=o.assign({{v:(a[v] if v in g else a[v].where(a[v]>=0)).astype(np.result_type(d[v].dtype,'f4'))"
    ".assign_attrs({{**d[v].attrs,'cell_methods':'time: sum'}}) for v in n}});"
    "o[{bounds!r}]=((s,'bnds'),np.stack([t.values[:-1],t.values[1:]],-1));"
    "o[{time!r}].attrs['bounds']={bounds!r};" + whole_write("o.to_netcdf")
)


#: WRF's bucket for water (``bucket_mm`` in the namelist, the global attribute ``BUCKET_MM`` of its
#: output; WRF User's Guide, "&physics": "bucket reset value for water accumulations", -1 off): each
#: time ``RAINNC`` (``RAINC``) passes it, it drops by ``BUCKET_MM`` and ``I_RAINNC`` (``I_RAINC``)
#: counts one more tip; the total since the start is ``RAINNC + I_RAINNC × BUCKET_MM``.
BUCKET_ATTRIBUTE = "BUCKET_MM"

#: WRF's bucket for energy (``bucket_J``, global attribute ``BUCKET_J``: "bucket reset value for
#: energy accumulations", J m-2, -1 off), which resets the radiation totals
#: (:data:`WRF_RADIATION_TOTALS`) as ``bucket_mm`` resets the rain, counted by ``I_ACSWDNB`` ….
ENERGY_BUCKET_ATTRIBUTE = "BUCKET_J"

#: The totals WRF's buckets reset, each counted by ``I_`` and its name, and the global attribute of
#: its bucket's size (wrfncxnj's and WRF's own lists: rain by ``bucket_mm``, radiation by ``bucket_J``).
BUCKET_ATTRIBUTES = {"RAINNC": BUCKET_ATTRIBUTE, "RAINC": BUCKET_ATTRIBUTE,
                     **dict.fromkeys(sorted(WRF_RADIATION_TOTALS), ENERGY_BUCKET_ATTRIBUTE)}
BUCKET_TOTALS = frozenset(BUCKET_ATTRIBUTES)

#: The units of each bucket's size and its namelist entry, for the messages.
_BUCKET_UNITS = {BUCKET_ATTRIBUTE: "mm", ENERGY_BUCKET_ATTRIBUTE: "J m-2"}
_NAMELIST = {BUCKET_ATTRIBUTE: "bucket_mm", ENERGY_BUCKET_ATTRIBUTE: "bucket_J"}

#: The Python statement defining ``W(v)``, a total made whole of its bucket tips in the file ``d``:
#: ``v + I_v × size``, the size the global attribute ``k[v]`` of each total (:data:`BUCKET_ATTRIBUTES`;
#: a bucket of -1, off, adds nothing), in float64 (WRF's float32 totals lose the digits of a step's
#: amount near 1e9 J m-2, the reason bucket_J exists); without counters, ``W(v)`` is ``d[v]``.
_WHOLE_PLAIN = "W=lambda v:d[v];"
_WHOLE_BUCKET = ("k={attributes!r};"
                 "W=lambda v:d[v].astype('f8')+d['I_'+v]*max(float(d.attrs.get(k[v],0)),0.0) "
                 "if v in k and 'I_'+v in d.variables else d[v];")


def _script(template: str, names: Sequence[str], time: str, *, buckets: Mapping[str, str] | bool) -> str:
    """``template`` (:data:`_PYTHON_STEP_AMOUNTS`, :data:`_PYTHON_ACROSS_FILES`) for ``names``,
    whose totals named in ``buckets`` (name in the files → global attribute of its bucket's size;
    True: ``BUCKET_MM`` for each) are made whole of WRF's bucket tips (:data:`_WHOLE_BUCKET`);
    those of a signed flux (:data:`SIGNED_TOTALS`) keep their falls."""
    if buckets is True:
        buckets = dict.fromkeys(names, BUCKET_ATTRIBUTE)
    whole = _WHOLE_BUCKET.format(attributes=dict(buckets)) if buckets else _WHOLE_PLAIN
    return template.format(names=list(names), time=time, bounds=f"{time}_bnds", whole=whole,
                           signed=[name for name in names if name in SIGNED_TOTALS])


def step_amounts_command(files: Sequence[str | Path], names: Sequence[str], time: str, *,
                         buckets: Mapping[str, str] | bool = False) -> tuple[str, str]:
    """The shell command that writes, into a new folder beside each folder of ``files``
    (``step_amounts``, :func:`~climann.data.shell.new_folder`), a copy of each file whose
    totals ``names`` are the amounts of each step (:data:`_PYTHON_STEP_AMOUNTS`: differences of
    consecutive totals within the file, and from the file before it in the loop when it continues
    that file's simulation; a fall left missing: :data:`RESTART_RULE`), and the ``--data`` that
    takes the copies.

    Parameters
    ----------
    files : sequence of str or Path
        The files holding the totals.
    names : sequence of str
        The totals, by their names in the files.
    time : str
        The files' time variable.
    buckets : mapping of str to str, or bool
        The totals made whole first, ``v + I_v × size`` in each file (WRF's buckets), each with
        the global attribute of its bucket's size (:data:`BUCKET_ATTRIBUTES`: ``BUCKET_MM``,
        ``BUCKET_J``); True: every total by ``BUCKET_MM``; False: none.

    Returns
    -------
    tuple of str
        The command (one line: a loop over several files) and the ``--data`` argument.
    """
    script = _script(_PYTHON_STEP_AMOUNTS, names, time, buckets=buckets)
    return python_copies_by_folder(script, files, "step_amounts", previous=True)


#: The Python that writes the amounts of each step of files of one step each: ``python -c SCRIPT
#: OUT IN...``; the files concatenated in time order, consecutive totals differenced, a fall (a
#: restart) left missing (:data:`RESTART_RULE`); time bounds and ``cell_methods`` as :data:`_PYTHON_STEP_AMOUNTS`.
_PYTHON_ACROSS_FILES = (
    "import sys,numpy as np,xarray as xr;f=[xr.open_dataset(p,decode_times=False) for p in sys.argv[2:]];"
    "s=f[0][{time!r}].dims[0];d=xr.concat(f,s).sortby({time!r});n={names!r};t=d[{time!r}].values;"
    "{whole}a=xr.Dataset({{v:W(v) for v in n}}).diff(s);o=d.isel({{s:slice(1,None)}});g={signed!r};"
    "o=o.assign({{v:(a[v] if v in g else a[v].where(a[v]>=0)).astype(np.result_type(d[v].dtype,'f4'))"
    ".assign_attrs({{**d[v].attrs,'cell_methods':'time: sum'}}) for v in n}});"
    "o[{bounds!r}]=((s,'bnds'),np.stack([t[:-1],t[1:]],-1));o[{time!r}].attrs['bounds']={bounds!r};"
    + whole_write("o.to_netcdf", "sys.argv[1]")  # never over a file there (the folder's name was free when printed)
)


def across_files_command(files: Sequence[str | Path], names: Sequence[str], time: str, *,
                         buckets: Mapping[str, str] | bool = False) -> tuple[str, str]:
    """The shell command that writes the amounts of each step of ``files`` that hold one step
    each (:data:`_PYTHON_ACROSS_FILES`) into one file, ``step_amounts/step_amounts.nc`` in a new
    folder beside the first (:func:`~climann.data.shell.new_folder`), and that file as a
    ``--data`` argument. The files are given as a glob of their common beginning when they
    share a folder and that glob takes only them, else listed.

    Parameters
    ----------
    files : sequence of str or Path
        Files of one time step each.
    names : sequence of str
        The totals, by their names in the files.
    time : str
        The files' time variable.
    buckets : mapping of str to str, or bool
        As :func:`step_amounts_command`.

    Returns
    -------
    tuple of str
    """
    script = _script(_PYTHON_ACROSS_FILES, names, time, buckets=buckets)
    parent = Path(str(files[0])).parent
    folder = new_folder(parent, "step_amounts")
    out = folder / "step_amounts.nc"
    prefix = os.path.commonprefix([Path(str(file)).name for file in files])
    taken = sorted(parent.glob(f"{glob.escape(prefix)}*")) if prefix else []
    if {Path(str(file)).parent for file in files} == {parent} and taken == sorted(Path(str(f)) for f in files):
        given = f"{shlex.quote(working_path(parent) + '/' + prefix) if prefix else ''}*"
    else:
        given = " ".join(shown_path(file) for file in files)
    return f"mkdir -p {shown_path(folder)} && {python_command(script)} {shown_path(out)} {given}", shown_path(out)


def refuse_running_totals(dataset: xr.Dataset, names: Sequence[str], *, where: str,
                          found: Sequence[str] | Mapping[str, str | None] = ()) -> None:
    """Refuse target or predictors that are totals accumulated since a start, by their words
    (:func:`running_total_reason`) or their values (``found``, :func:`planned_running_totals`),
    with the line that writes the amount of each step (:func:`step_amounts_command`).

    Parameters
    ----------
    dataset : xarray.Dataset
        As opened.
    names : sequence of str
        The run's target and predictors.
    where : str
        The files, when a variable does not record its own.
    found : sequence of str, or mapping of str to str or None
        The variables whose values grow without falling, and those whose words say a total read
        for its date (:func:`planned_running_totals`), with the date of each year at which they
        restart where their values say one (:func:`yearly_restart_date`): refused as seasonal
        totals since that date.

    Raises
    ------
    ClimannError
        Naming the totals, what says so, and the command.
    """
    reasons = running_total_reasons(dataset, names, found=found)
    if not reasons:
        return
    dated = {name: date for name, date in found.items() if date} if isinstance(found, Mapping) else {}
    raise ClimannError(_refusal(dataset, reasons, where=where, dated=dated))


def running_total_reasons(dataset: xr.Dataset, names: Sequence[str], *,
                          found: Sequence[str] | Mapping[str, str | None] = ()) -> dict[str, str]:
    """Which of ``names`` are totals accumulated since a start, and what says so: the rule
    ``train`` refuses them by (:func:`refuse_running_totals`), and the one by which the default
    predictors leave them out and ``climann info`` proposes none of them as the target.

    Parameters
    ----------
    dataset : xarray.Dataset
        As opened.
    names : sequence of str
        The variables judged by their words (:func:`running_total_reason`).
    found : sequence of str, or mapping of str to str or None
        The variables found by their values (:func:`planned_running_totals`), with the date of
        each year at which they restart where their values say one; each is a total whatever
        ``names`` holds.

    Returns
    -------
    dict of str to str
        Variable → what says it is a running total ("its description 'ACCUMULATED …'", "its
        values: never negative, and within each file they fall only on 1 January each year, and
        grow between"); those of ``names`` first, in their order. Empty when there is none.
    """
    reasons: dict[str, str] = {}
    dated = {name: date for name, date in found.items() if date} if isinstance(found, Mapping) else {}
    for name in names:
        if name in dataset.data_vars and (reason := running_total_reason(name, dataset[name], dataset)):
            shown = name in dated and since_a_date(dataset[name]) is None  # the date its values show
            reasons[name] = (f"{reason}, and within each file its values fall only on "
                             f"{_restart_steps_text(dated[name])}" if shown else reason)
    for name in found:
        reasons.setdefault(name, value_total_reason(dated.get(name)))
    return reasons


def value_total_reason(date: str | None) -> str:
    """What says a variable found by its values (:func:`planned_running_totals`) is a total
    accumulated since a start, for messages: "its values: never negative, and within each file
    they fall only on 1 January each year, and grow between" for ``date`` "since 1 January" (the
    date each year they restart, :func:`yearly_restart_date`), or that they never fall (None).

    Parameters
    ----------
    date : str or None
        As :func:`yearly_restart_date` gives it.

    Returns
    -------
    str
    """
    step = said_step(date)
    each = "hour" if step == 1 else f"{step} hours"
    if (hour := untold_restart(date)) is not None:
        return (f"its values fall back toward 0 at {hour:02d} UTC each day and move away from it at every other step, "
                f"but on fewer than {MIN_RESET_DAYS} days, too few to tell a total from {(hour - step) % 24:02d} UTC, "
                f"restarted daily, from amounts of each {each}")
    if (hour := daily_restart(date)) is not None:
        return (f"its values fall back toward 0 at {hour:02d} UTC each day and move away from it at every other step, "
                f"whatever their sign: a total from {(hour - step) % 24:02d} UTC, restarted daily"
                + ("" if step == 1 else f" (steps {step} hours apart)"))
    if date:
        return f"its values: never negative, and within each file they fall only on {_restart_steps_text(date)}, " \
               "and grow between"
    return ("its values: never negative, and within each file they grow from one step to the next, falling only "
            "where the total restarts")


def _restart_steps_text(date: str) -> str:
    """Where a total found by its values restarts: "1 October each year" of "since 1 October"."""
    return f"{date.removeprefix('since ')} each year"


def since_a_date(variable: xr.DataArray) -> str | None:
    """The words of ``variable``'s ``long_name`` or ``description`` that say it is accumulated since
    a date of each year (:data:`_SINCE_A_DATE`: "since 1 January", "since the start of the water
    year"; :data:`_TO_DATE`: "Water year to date", read as "since the start of the water year"), a
    seasonal index that restarts there each year; None when none do (a simulation's total, or a
    total its words do not date).

    Examples
    --------
    >>> import xarray as xr
    >>> since_a_date(xr.DataArray(0.0, attrs={"long_name": "growing degree days accumulated since 1 January"}))
    'since 1 January'
    >>> since_a_date(xr.DataArray(0.0, attrs={"long_name": "Water year to date precipitation"}))
    'since the start of the water year'
    >>> since_a_date(xr.DataArray(0.0, attrs={"long_name": "rain accumulated since 1 January 1979"})) is None
    True
    """
    for _, text in _words(variable):
        if (found := _SINCE_A_DATE.search(text)) is not None:
            return found.group(0)
        if (found := _TO_DATE.search(text)) is not None:  # "Water year to date precipitation"
            return f"since the start of the {' '.join(found.group('kind').lower().split())}"
    return None


def _head(dataset: xr.Dataset, reasons: Mapping[str, str], *, where: str,
          dated: Mapping[str, str] | None = None) -> str:
    """What the totals of :func:`refuse_running_totals` are and why they mislead the network: a
    seasonal index when the words of each say a date of each year (:func:`since_a_date`) or its
    values restart on one (``dated``, :func:`yearly_restart_date`), else a simulation's total
    (WRF's wording)."""
    first = next(iter(reasons))
    what = "; ".join(f"{name}: {reason}" for name, reason in reasons.items())
    are = f"{', '.join(reasons)} in {variable_where(dataset[first], where)} {'are' if len(reasons) > 1 else 'is'}"
    if _untold_hour(reasons, dated) is not None:
        return _untold_head(reasons, are, _said_step(reasons, dated))
    if _daily_hour(reasons, dated) is not None:
        each = "hour" if (step := _said_step(reasons, dated)) == 1 else f"step ({step} hours)"
        said: dict[str, list[str]] = {}
        for name, reason in reasons.items():  # one reason, four fields: said once
            said.setdefault(reason, []).append(name)
        what = "; ".join(f"{', '.join(names)}: {reason}" for reason, names in said.items())
        return (f"{are} {'totals' if len(reasons) > 1 else 'a total'} accumulated from the start of each day's "
                f"forecast, restarted daily (ERA5-Land's accumulations run from 00 UTC: ECMWF, 'ERA5-Land: data "
                f"documentation', https://confluence.ecmwf.int/x/3AS2G), not the amount of each {each} ({what}): "
                f"trained on, the network learns the hour of the day, and 'persistence' scores the step's own amount "
                f"as its error")
    dates = [since_a_date(dataset[name]) or (dated or {}).get(name) for name in reasons]
    if all(dates):
        said = " and ".join(dict.fromkeys(str(date) for date in dates))
        return (f"{are} {'seasonal indices' if len(reasons) > 1 else 'a seasonal index'} accumulated {said} each "
                f"year ({what}): the value at a step is the sum of every step since that date, restarted each year, "
                f"not the step's own amount; trained on, the network learns mostly how far into the season the step "
                f"is (the day of the year and the sum of the weather before it), not the step's own conditions, and "
                f"'persistence' (the total of the step before) scores the step's own amount as its error")
    if any(_says_a_simulation(dataset, dataset[name]) for name in reasons):
        return (f"{are} {'totals' if len(reasons) > 1 else 'a total'} accumulated since a start (a simulation's, as "
                f"WRF's RAINNC since SIMULATION_START_DATE), not the amount of each time step ({what}): trained on, "
                f"the network learns how long the run has gone, and 'persistence' scores the step's own amount as its "
                f"error")
    return (f"{are} {'totals' if len(reasons) > 1 else 'a total'} accumulated since a start (a simulation's or a "
            f"season's: neither its words nor its values give the date), not the amount of each time step ({what}): "
            f"trained on, the network learns how long the total has been accumulating, and 'persistence' scores the "
            f"step's own amount as its error")


def _says_a_simulation(dataset: xr.Dataset, variable: xr.DataArray) -> bool:
    """Whether a running total is a simulation's by what its file says: WRF's global
    ``SIMULATION_START_DATE`` or a ``description`` (WRF's own attribute), words of a simulation's
    start (:data:`_SINCE_A_START`), or CF ``time: sum`` over bounds from one start."""
    return ("SIMULATION_START_DATE" in dataset.attrs or "description" in variable.attrs
            or sum_from_one_start(dataset, variable) or _wrf_energy_name(str(variable.name), variable) is not None
            or any(_SINCE_A_START.search(text) for _, text in _words(variable)))


def _refusal(dataset: xr.Dataset, reasons: Mapping[str, str], *, where: str,
             dated: Mapping[str, str] | None = None) -> str:
    """The one line of :func:`refuse_running_totals`."""
    first = next(iter(reasons))
    files = source_files(dataset[first])
    # every total of the files is differenced in one go: the run's other totals, and the files' own by their words
    totals = [*reasons, *(name for name in dataset.data_vars if name not in reasons
                          and source_files(dataset[name]) == files
                          and running_total_reason(str(name), dataset[name], dataset))]
    head = _head(dataset, reasons, where=where, dated=dated)
    if (hour := _untold_hour(reasons, dated)) is not None:
        untold = [name for name in reasons if untold_restart((dated or {}).get(name)) is not None]
        accumulated = [name for name in dataset.data_vars if name not in untold and source_files(dataset[name]) == files
                       and str(dataset[name].attrs.get("GRIB_stepType", "")).strip().lower() == "accum"]
        return _untold_refusal(dataset, head, [*untold, *accumulated], files, hour, _said_step(reasons, dated))
    if (hour := _daily_hour(reasons, dated)) is not None:
        daily = [name for name in reasons if daily_restart((dated or {}).get(name)) is not None]
        # a product accumulates its fields alike: its GRIB accumulations, and without GRIB attributes (CDO's copy
        # of JRA-3Q's 3-hourly totals) its other amounts and energies per area on the same steps
        accumulated = [name for name in dataset.data_vars if name not in daily and source_files(dataset[name]) == files
                       and (str(dataset[name].attrs.get("GRIB_stepType", "")).strip().lower() == "accum"
                            or ("GRIB_stepType" not in dataset[name].attrs and dataset[name].dims == dataset[
                                daily[0]].dims and checked_for_daily_reset(str(name), dataset[name])))]
        # the files' every accumulation
        return _daily_refusal(dataset, head, [*daily, *accumulated], files, hour, _said_step(reasons, dated))
    seasonal = all(since_a_date(dataset[name]) or (dated or {}).get(name) for name in reasons)
    restarts = _SEASONAL_RESTARTS if seasonal else RESTART_RULE
    signed = [name for name in totals if name_in_file(dataset[name]) in SIGNED_TOTALS]
    if signed:  # ACHFX falls at night: an amount, not a restart
        restarts += (f", except for {', '.join(signed)}, a signed flux's total, which falls wherever a step's flux is "
                     f"negative: its falls are kept as amounts (difference files of one simulation only)")
    time = _time_coordinate(dataset)
    if not files or time is None or time not in dataset.coords:
        return (f"{head}; write the amount of each step, the difference of consecutive totals within each file "
                f"(xarray: d[name].diff(time dimension)), with time bounds [previous time, time], and give those")
    names, time_name = [name_in_file(dataset[name]) for name in totals], file_time_names(dataset[time])[0]
    buckets, bucket_said = _buckets(dataset, dict(zip(totals, names, strict=True)), files)
    if bucket_said.startswith(";"):
        return head + bucket_said
    if len(files) > 1 and dataset.sizes[time] <= len(files):  # one step a file (WRF's frames_per_outfile = 1)
        command, data = across_files_command(files, names, time_name, buckets=buckets)
        return (f"{head}; write the amount of each step, the difference of consecutive totals, across the files "
                f"(each holds one step) in time order{bucket_said}; {restarts}; with time bounds [previous "
                f"time, time]: `{command}`, then give --data {data} in place of the files given (one file of their "
                f"variables)")
    command, data = step_amounts_command(files, names, time_name, buckets=buckets)
    given = f"the file {shown_path(files[0])}" if len(files) == 1 else "the files given"
    across = ("files are not differenced across; the first step of each file, with no step before it there, is "
              "left out" if seasonal else
              "a file continues its simulation's total or begins a new one at 0: a file's first step is differenced "
              "from the file before it when both say the same SIMULATION_START_DATE and it ends one step before, "
              "else left out, with no step before it there")
    return (f"{head}; write the amount of each step, the difference of consecutive totals within each file"
            f"{bucket_said} ({across}; "
            f"{restarts}), with time bounds [previous time, time]: `{command}`, then give {data} in place of {given} "
            f"(their other variables are copied as they are)")


def _time_coordinate(dataset: xr.Dataset) -> str | None:
    """The dataset's time coordinate (:func:`~climann.data.coords.find_coordinate`), None without one."""
    try:
        return find_coordinate(dataset, "time")
    except ClimannError:
        return None


def _daily_hour(reasons: Mapping[str, str], dated: Mapping[str, str] | None) -> int | None:
    """The hour of the step after each daily restart of the first of ``reasons`` the values rule
    found restarted daily (:func:`~climann.data.daily_totals.daily_restart`), None when none was."""
    return next((hour for name in reasons if (hour := daily_restart((dated or {}).get(name))) is not None), None)


def _said_step(reasons: Mapping[str, str], dated: Mapping[str, str] | None) -> int:
    """The hours between the steps of the first of ``reasons`` found restarted daily, or whose values
    fall back daily on too few days (:func:`~climann.data.daily_totals.said_step`): 1 for ERA5-Land's
    hours, 3 or 6 for forecast totals converted without their GRIB attributes."""
    return next((said_step(date) for name in reasons if (date := (dated or {}).get(name)) is not None
                 and (daily_restart(date) is not None or untold_restart(date) is not None)), 1)


def _untold_hour(reasons: Mapping[str, str], dated: Mapping[str, str] | None) -> int | None:
    """The hour of the step at which the first of ``reasons`` whose values fall back daily on too few
    days to tell (:func:`~climann.data.daily_totals.untold_restart`) would restart, None when none does."""
    return next((hour for name in reasons if (hour := untold_restart((dated or {}).get(name))) is not None), None)


def _untold_head(reasons: Mapping[str, str], are: str, step: int = 1) -> str:
    """What :func:`_refusal` says of hourly values that may be ERA5's amounts of each hour or
    ERA5-Land's totals restarted daily, on too few days to tell (break51d A1)."""
    said: dict[str, list[str]] = {}
    for name, reason in reasons.items():  # one reason for a file's every accumulation: said once
        said.setdefault(reason, []).append(name)
    what = "; ".join(f"{', '.join(names)}: {reason}" for reason, names in said.items())
    over = "the hour" if step == 1 else f"the {step} hours"
    return (f"{are} either {'totals' if len(reasons) > 1 else 'a total'} over {over} before each stamp (ERA5's "
            f"hourly accumulations) or accumulated from 00 UTC, restarted daily (ERA5-Land's: ECMWF, 'ERA5-Land: data "
            f"documentation', https://confluence.ecmwf.int/x/3AS2G), with the same GRIB attributes ({what}); read as "
            f"the wrong one, the amount at 18 UTC is the whole day's so far, or the reverse")


def _untold_refusal(dataset: xr.Dataset, head: str, totals: Sequence[str], files: Sequence[str], hour: int,
                    step: int = 1) -> str:
    """:func:`_refusal` for hourly totals that may be ERA5's or ERA5-Land's (:func:`_untold_head`):
    both readings, each with the line that writes copies saying it
    (:func:`~climann.data.daily_totals.hourly_totals_command`,
    :func:`~climann.data.daily_totals.daily_amounts_command`), or more days of the files."""
    start, apart = f"{(hour - step) % 24:02d} UTC", step_words(step)
    each = "hour" if step == 1 else f"{step} hours"
    more = f"or give at least {MIN_RESET_DAYS} days of the files whole (no --time-range), from which climann tells"
    time = _time_coordinate(dataset)
    if not files or time is None or time not in dataset.coords:
        return (f"{head}; for ERA5's add time bounds [time - {each}, time] and cell_methods 'time: sum', for "
                f"ERA5-Land's write the amount of each {each} (at {hour:02d} UTC the value itself, elsewhere the value "
                f"minus the one {apart} before), {more}")
    names, time_name = [name_in_file(dataset[name]) for name in totals], file_time_names(dataset[time])[0]
    era5, era5_data = hourly_totals_command(files, names, time_name, step=step)
    land, land_data = daily_amounts_command(files, names, time_name, hour=hour, step=step)
    return (f"{head}; if the files are ERA5's, say so: `{era5}`, then give {era5_data}; if they are ERA5-Land's, "
            f"write the amount of each {each} (at {hour:02d} UTC the value as it is, the total since {start}, "
            f"elsewhere the value minus the one {apart} before, in the file or at the end of the file before it, "
            f"the files taken in time order, missing where there is none): `{land}`, "
            f"then give {land_data}; {more}")


def _daily_refusal(dataset: xr.Dataset, head: str, totals: Sequence[str], files: Sequence[str], hour: int,
                   step: int = 1) -> str:
    """:func:`_refusal` for totals restarted daily at the step of ``hour``, on an axis of ``step``
    hours: the amount of each step is the value itself at that step and the difference of
    consecutive values elsewhere (:func:`~climann.data.daily_totals.daily_amounts_command`); the
    generic line (:func:`step_amounts_command`) subtracted the day before's total at it."""
    start, apart = f"{(hour - step) % 24:02d} UTC", step_words(step)
    each, first = ("hour", "the first hour's") if step == 1 else (f"{step} hours", f"the first {step} hours'")
    rule = (f"the amount of each {each}: at {hour:02d} UTC the value as it is (the total since {start}, {first}), "
            f"at every other step the value minus the one {apart} before (the value at {start} closes the day "
            f"before; a file's first step from the last of the file before it, the files taken in time order, when "
            f"that ends {apart} before), missing where there is no value {apart} before")
    time = _time_coordinate(dataset)
    if not files or time is None or time not in dataset.coords:
        return f"{head}; write {rule}, with time bounds [time - {each}, time], and give those"
    names, time_name = [name_in_file(dataset[name]) for name in totals], file_time_names(dataset[time])[0]
    command, data = daily_amounts_command(files, names, time_name, hour=hour, step=step)
    given = f"the file {shown_path(files[0])}" if len(files) == 1 else "the files given"
    return (f"{head}; write {rule}, with time bounds [time - {each}, time]: `{command}`, then give {data} in place of "
            f"{given} (their other variables are copied as they are)")


def _bucket_sizes(dataset: xr.Dataset, files: Sequence[str], attribute: str = BUCKET_ATTRIBUTE) -> list[float | None]:
    """The global ``attribute`` (``BUCKET_MM``, ``BUCKET_J``: a WRF bucket's size) of the files: the
    combined dataset's when the files agree, else each file's own (None where a file has none)."""
    if attribute in dataset.attrs:
        return [float(np.asarray(dataset.attrs[attribute]).item())]
    from climann.data.handles import open_file  # every input through its one handle

    sizes = []
    for file in files:
        with open_file(file, decode_times=False, decode_cf=False) as opened:
            value = opened.attrs.get(attribute)
        sizes.append(None if value is None else float(np.asarray(value).item()))
    return sizes


def _bucket_attribute(own: str, variable: xr.DataArray) -> str:
    """The global attribute of the size of the WRF bucket that resets the total ``own`` (its name in
    the files): :data:`BUCKET_ATTRIBUTES` for the totals WRF's Registry buckets; for another total with
    an ``I_`` counter, ``BUCKET_J`` when its units are an energy per area (``J m-2``: ACLHF, a
    contrived or newer bucketed total, was told of ``bucket_mm`` and ``BUCKET_MM``, rerun40 R3), else
    ``BUCKET_MM``."""
    if own in BUCKET_ATTRIBUTES:
        return BUCKET_ATTRIBUTES[own]
    units = str(variable.attrs.get("units", "")).strip()
    try:
        energy = bool(units) and (parse_units(units, variable=own).dimensionality
                                  == parse_units("J m-2", variable=own).dimensionality)
    except ClimannError:
        energy = False
    return ENERGY_BUCKET_ATTRIBUTE if energy else BUCKET_ATTRIBUTE


def _buckets(dataset: xr.Dataset, totals: Mapping[str, str], files: Sequence[str]) -> tuple[dict[str, str], str]:
    """The totals whose amounts are to add WRF's bucket tips (``I_RAINNC × BUCKET_MM``,
    ``I_ACSWDNB × BUCKET_J``), by their names in the files, each with its bucket's global attribute
    (:data:`BUCKET_ATTRIBUTES`), and the words of the refusal that say so: a clause, or, beginning
    with ";", the end of a refusal with no line, where the files hold the counters without the
    bucket's size or a bucket without its counters (either way the totals cannot be made whole).

    ``totals`` maps each total's name in the run to its name in the files."""
    counted = {name for name in totals if f"I_{name}" in dataset.variables}
    attribute_of = {name: _bucket_attribute(own, dataset[name]) for name, own in totals.items()
                    if name in counted or own in BUCKET_ATTRIBUTES}
    whole: dict[str, str] = {}
    clauses = []
    for attribute in dict.fromkeys(attribute_of.values()):
        own = {name: totals[name] for name, each in attribute_of.items() if each == attribute}
        made, said = _bucket(dataset, own, [name for name in own if name in counted], files, attribute)
        if said.startswith(";"):
            return {}, said
        whole.update(made)
        clauses += [said] if said else []
    if not clauses:
        return {}, ""
    return whole, (f" (of the whole totals, {'; '.join(clauses)}: WRF's bucket resets a total by its size each time it "
                   f"passes it, and I_ counts the resets)")


def _bucket(dataset: xr.Dataset, totals: Mapping[str, str], counted: Sequence[str], files: Sequence[str],
            attribute: str) -> tuple[dict[str, str], str]:
    """:func:`_buckets` for the ``totals`` of one bucket, whose size is the global ``attribute``;
    ``counted``: those with their ``I_`` counters in the files."""
    sizes = _bucket_sizes(dataset, files, attribute)
    units = _BUCKET_UNITS.get(attribute, "")
    if counted and any(size is None for size in sizes):
        listed = ", ".join(f"I_{name}" for name in counted)
        return {}, (f"; {listed} count{'s' if len(counted) == 1 else ''} the times WRF's bucket reset "
                    f"{', '.join(counted)} (namelist {_NAMELIST.get(attribute, attribute)}), but the files "
                    f"do not say the bucket's size (global attribute {attribute}), so the totals cannot be made whole: "
                    f"give the files as WRF wrote them, with {attribute}")
    tipping = [size for size in sizes if size is not None and size > 0]
    missing = [name for name, own in totals.items() if own in BUCKET_ATTRIBUTES and name not in counted]
    if tipping and missing:
        return {}, (f"; WRF resets {', '.join(missing)} each time it passes its bucket ({attribute} = "
                    f"{tipping[0]:g} {units}) and counts the resets in {', '.join(f'I_{n}' for n in missing)}, which "
                    f"the files do not hold, so the totals cannot be made whole (a difference across a reset "
                    f"is {tipping[0]:g} {units} short): give the files with "
                    f"{', '.join(f'I_{n}' for n in missing)} (WRF writes them beside the totals)")
    if not counted or not tipping:
        return {}, ""
    listed = ", ".join(f"{name} + I_{name} x {attribute}" for name in counted)
    return ({totals[name]: attribute for name in counted},
            f"{listed} of each file, {attribute} = {tipping[0]:g} {units}")
