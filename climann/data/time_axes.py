"""Variables of different files at different time steps: their common period, or a refusal.

climann needs every time-varying variable at the same time steps (a sample pairs the
target's map with the predictors' maps of the same step). Files holding different variables
are compared before they are combined, each step by the period it stands for
(:mod:`climann.data.step_periods`): on a yearly, monthly or daily axis the calendar year,
month or day of its time cell, from its CF bounds or from a stamp inside the period; on any
other axis (sub-daily, every k months) its stamp.

- the same periods stamped at different instants (CESM's January mean at 1 February 00:00
  with ``time_bnds``, CMIP's at 16 January 12:00, pandas' ``resample("ME")`` at 31 January,
  CDO's ``daymean`` at 09:00 beside daily means at 12:00): paired by period. The other
  variables take the target's stamps, and only the target's files keep their time bounds,
  so the combined data are dated (and written back to prediction files) as the target is;
- a variable stamped on its periods' first instants without bounds (ERA5's 1st at 00:00,
  which may open its month or, as in CESM history files, close the month before) beside a
  variable whose periods are known: refused, naming both files' stamps and the bounds that
  say each reading, when the two readings pair them differently (not ECMWF's monthly means
  whose GRIB attributes say which month each value is of, :mod:`climann.data.ecmwf_means`). Variables stamped at the
  same instants throughout are paired as they are stamped (each stamp read as the others'
  are), and so are variables none of whose periods are known (all stamped on the 1st);
- sub-daily means beside instants (CMIP6's 3hr ``pr`` beside 3hrPt ``tas``): which instant goes
  with each mean is a choice, refused with the two ways to make it, whether the means are
  stamped at their cells' middles (1:30 after the instants), ends (CESM: at the instants'
  stamps) or starts (break33b B6); the ways move the instants, never a mean's bounds;
- daily totals or means stamped at 00 UTC beside instants at those stamps (``time: point``, GRIB
  ``instant``: ERA5's daily sums beside its 00 UTC analyses): without bounds, which instant goes
  with each day (the one that opens it or the one that closes it) is refused as a choice, with a
  line for each; with bounds, paired by stamp and said once (:mod:`climann.data.day_instants`);
- sub-daily statistics (``time: mean``, ``sum``, ``maximum`` …) with CF bounds in every file:
  paired by their time cells, whatever instant of its cell each file stamps (3hr ``pr`` at
  the cells' ends beside ``rsds`` at their middles, break37a C3); the others take the
  target's stamps, as for periods;
- sub-daily steps paired (by stamps or cells) whose time cells differ (a file whose bounds
  CDO's ``shifttime`` moved with its times, beside one whose it did not): refused, naming the
  first pair, with the xarray line that moves either file's bounds alone onto the other's;
- the same steps over different periods (``tas`` 1990–1995, ``rsdt`` 1991–1996): only the
  common period is used, with a warning naming each variable's period and the steps left out.
  The configuration's ``time_range`` is applied after the files are combined, so it can only
  choose within that period; training on the years every variable covers is what a scientist
  would do by hand;
- different frequencies (a daily predictor beside a monthly target): refused, naming both
  frequencies and the ``cdo`` command that averages the finer one to the coarser; several
  variables at one finer step (ISIMIP3b's daily ``pr``, ``rsds`` and ``tas``) are named at once,
  with one loop over all their files (break51c A3: one was named per run);
- a target with missing steps beside complete predictors (GRACE's 33 missing months): the
  samples are the target's steps, the others taken at them, with one warning naming how many
  of the common period's steps the target lacks and the first few. A lag of such a predictor
  is its own value k steps earlier, from its own complete series (the month before a missing
  month of the target is in the predictor's file): :func:`own_series_lags`. A lag of the
  target, and persistence, are by time on the target's steps (across a missing month: missing);
- a step of the target that another variable the run uses lacks: refused (a sample there
  would miss an input), naming how many and the first few, with the ``cdo delete,timestep=``
  line for each of the target's files that leaves them out of the target;
- anything else (a period held twice by one variable and once by another, periods that do
  not overlap): refused, naming the period, or the two variables whose periods do not
  overlap (the one that ends first and the one that begins last).

Only the variables a run uses (its target, predictors, lagged, area-mean and anomaly
variables) count, when the caller names them: a variable nobody asked for (``huss`` in one
year's file only) neither narrows the period nor blocks the run; it is left out where its
steps are not the others'. A file whose steps all lie outside the common period keeps its
static fields (``orog`` beside an unused series of other years).

Frequencies are judged from the median step (:func:`~climann.data.step_periods.frequency_of`).
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import datetime
import logging
import os
import re
import shlex
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from itertools import compress
from pathlib import Path

import numpy as np
import xarray as xr

from climann.data.cell_methods import (
    time_cell_method, time_extreme, time_value_word, with_time_method, within_years_method,
)
from climann.data.cell_bounds import CELLS_SAID_KEY, with_made_time_bounds
from climann.data.coords import time_coordinate
from climann.data.day_instants import common_steps_command, day_cells_command, day_text
from climann.data.direction_regrid import cdo_direction_chain, file_directions
from climann.data.forecast_cycles import one_cycle_advice
from climann.data.forecast_windows import WINDOW_LONG_NAME
from climann.data.forecast_times import INSTANT_STEP_TYPES, is_forecast_period, is_lead_month
from climann.data.instant_values import holds_instants
from climann.data.notes import note_once, noted
from climann.data.paths import is_grib_file, is_zarr_store
from climann.data.resampling import (calendar_resample_command, composite_resample_command, resample_command,
                                      restamp_command)
from climann.data.shell import (
    cdo_command, cdo_input_files, cdo_inside_folder, copies_command, copies_data, copies_folder, copies_of_files,
    copy_in_folder, file_time_names, glob_words, grib_command, guards_itself, in_cdo_folder, in_place_note,
    input_and_copy, new_folder, none_there, none_there_in_loop, one_copy_line, python_command, shared_glob, shown_path,
    steps_command, stopping_loop, working_path,
)
from climann.data.sources import files_text
from climann.data.split_periods import (
    calendar_of, partial_periods, period_name, period_words, periods_split_by_files, shifttime_operator,
    whole_periods_selection, whole_range, window_start_shift,
)
from climann.data.step_periods import (
    PERIOD_FREQUENCIES, bounds_advice, first_instant_text, frequency_of, frequency_of_step, median_step_days,
    period_text, step_periods, steps_text, unknown_periods_refusal,
)
from climann.data.time_axis import (
    TimeStep, axis_time_step, cell_time_step, date_text, month_number, month_start, own_series_lag_name,
    own_series_lag_of, values_text,
)
from climann.data.lags import lagged_steps
from climann.data.time_cells import (
    check_stamps_in_cells, ending_bounds_command, inferred_cells, middle_dating, with_steps_before_common,
)
from climann.data.time_commands import (
    bounds_shift_command, cdo_copies, composite_bounds_command, edge_stamp_command, shift_command,
    times_of_day_command,
)
from climann.data.time_range import range_bounds
from climann.data.variables import data_variable_names
from climann.data.window_totals import window_end_reason
from climann.errors import ClimannError

_log = logging.getLogger(__name__)

_SAME_STEPS = "climann needs every variable at the same time steps"

#: Frequency name → the prefix of CDO's operators over its periods (``monmean``, ``monsum``).
_FREQUENCIES = {"yearly": "year", "monthly": "mon", "daily": "day"}
#: What each value is over its time cell (:func:`~climann.data.cell_methods.time_value_word`)
#: → the CDO statistic that keeps it over coarser periods, and its words: totals are summed,
#: never averaged (a month's precipitation total is the sum of its days', fix36c).
_KEPT_STATISTICS = {"mean": ("mean", "means"), "total": ("sum", "totals")}
#: An extreme over each time cell (``time: maximum``, :func:`~climann.data.cell_methods.time_extreme`)
#: → the CDO statistic that keeps it over coarser periods (``yearmax``: the year's maximum is the
#: largest of its months', break45d A3), and its words.
_EXTREME_STATISTICS = {"maximum": ("max", "maxima"), "minimum": ("min", "minima")}


@dataclass(frozen=True)
class _Axis:
    """One variable's time axis: its sorted distinct stamps and, for each, the file holding it,
    its time cell (CF 7.1 bounds; None without) and its period when a stamp on a period's
    first instant opens the period (``opening``) or closes the one before (``closing``), the
    two equal where the period is known (:func:`~climann.data.step_periods.step_periods`)."""

    variable: str
    times: np.ndarray
    files: tuple
    cells: tuple
    opening: np.ndarray | None = None
    closing: np.ndarray | None = None
    step: str | None = None  # the frequency the periods are of
    windows: bool = False  # cells of a forecast's statistic, ending at its valid times (climann.data.forecast_windows)
    lead: str | None = None  # a forecast's chosen lead time (``step = 21 days``): its stamps are valid times
    file_dims: tuple = ()  # (file, the file's own name of its time dimension) of each file: a command names it
    value_word: str = "mean"  # what each value is over its cell (cell_methods.time_value_word): totals are summed
    instants: bool = False  # values at instants (cell_methods "time: point"), not statistics over their cells
    statistic: bool = False  # cell_methods (or GRIB stepType) name a statistic over time: "time: mean", "avg"
    month_values: bool = False  # a seasonal forecast at one lead month (forecastMonth): each value one calendar month's
    extreme: str | None = None  # "maximum" or "minimum": each value that extreme over its cell (cell_methods)
    ending: str = ""  # what says each value is over the window ending at its stamp (window_end_reason), "" if nothing
    read_as_ending: int | None = None  # the first stamp on a period's first instant read as closing it (``ending``)
    grib_instants: bool = False  # cfgrib's GRIB_stepType "instant": values at instants (ERA5's analyses)
    issued: Mapping | None = None  # a forecast at a lead of fixed length: each valid stamp's start (its issue time)
    months_back: int | None = None  # a forecast at a lead in months: its persistence is this many months before

    @property
    def file(self) -> str | Path:
        """The first file holding the variable."""
        return self.files[0]

    @property
    def frequency(self) -> str | None:
        """The frequency of its steps (:func:`~climann.data.step_periods.frequency_of`); "monthly"
        for a seasonal forecast at one lead month (:attr:`month_values`), whatever its spacing: what
        a value is a statistic over decides, not how far apart its steps are. November starts at
        ``forecastMonth = 1`` (one November mean a year) were read as yearly values and paired with
        the December observations of the same years (break45d B1); starts in Feb/May/Aug/Nov as
        three-month seasons (B2, B3). Cells each within one calendar day, on days one after the other,
        are daily whatever their stamps: a ``daysum`` whose first or last day is partial is stamped off
        the others' middles (session 73: three days, the last of 17 hours, were "22.25-hourly", advised
        a ``daysum`` of them), and the partial day is told as such (:mod:`climann.data.short_cells`)."""
        if self.month_values:
            return "monthly"
        frequency = frequency_of(self.times)
        return "daily" if frequency != "daily" and _one_cell_a_day(self.cells) else frequency

    @property
    def cell_frequency(self) -> str | None:
        """The period every one of its time cells (CF bounds) is, "daily", "monthly" or "yearly"
        (:func:`~climann.data.step_periods.frequency_of_step` of each cell's length), on an axis
        whose steps are further apart than a day or irregular (S2S valid days, twice a week);
        None otherwise, or when a step has no cell or the cells are of several kinds.

        None on a daily, monthly or yearly axis: its steps give its periods (see
        :attr:`period_frequency`, which answers for every axis), and only an axis whose steps
        cannot say them lends its cells' period to others (``by_cells`` of :meth:`with_periods`)."""
        days = median_step_days(self.times)
        if self.frequency in PERIOD_FREQUENCIES or (days is not None and days < 1.01) or None in self.cells:
            return None
        kinds = {frequency_of_step((max(cell) - min(cell)).total_seconds() / 86400) for cell in self.cells}
        kind = kinds.pop() if len(kinds) == 1 else None
        return kind if kind in PERIOD_FREQUENCIES else None

    def with_periods(self, frequency: str | None, by_cells: str | None = None, *, paired: bool = False) -> _Axis:
        """The axis with its steps' periods at its own frequency, or ``frequency`` when it has
        none (a single step) or is ``paired`` with the periods of another axis (a forecast's valid
        times read in the days of observations, :func:`_on_forecast_periods`). On an axis of steps
        days apart or irregular, the periods are those its cells are (:attr:`cell_frequency`),
        else ``by_cells``, the period another variable's cells are (S2S daily means valid twice a
        week beside daily observations at the same days): a stamp inside a day is of that day, one
        at 00:00 read both ways."""
        step = frequency if paired else self.frequency or frequency
        days = median_step_days(self.times)
        if not paired and step not in PERIOD_FREQUENCIES and (days is None or days >= 1.01):
            step = self.cell_frequency or by_cells or step
        periods = [step_periods(time, cell, step) for time, cell in zip(self.times, self.cells)]
        opening, closing = (np.array(reading, dtype=object) for reading in zip(*periods))
        if self.month_values and step == "monthly":
            # ECMWF's lead month L is the L-th calendar month of the forecast, stamped at its first instant: the
            # month its stamp opens, known (mid-month ERA5 stamps were refused as if it might close the month before)
            closing = opening
        read_as_ending = None
        if self.ending and step == "daily" and not self.lead and not self.windows \
                and not np.array_equal(opening, closing):
            # GloFAS's dis24, "Mean discharge in the last 24 hours", stamped 00 UTC without bounds: the day before,
            # as info and docs/own-data.md say; it was refused beside IMERG's bounded days (break46b A5). Months
            # or years of it (cdo monmean keeps the long_name) are no 24 hours before their stamps: read so, each
            # was paired with the month before (fix47d; window_totals.ending_window reads no month so either)
            opening, read_as_ending = closing, int(np.flatnonzero(opening != closing)[0])
        return dataclasses.replace(self, opening=opening, closing=closing, step=step, read_as_ending=read_as_ending)

    @property
    def period_frequency(self) -> str | None:
        """The frequency of the periods its steps are paired by, as :meth:`with_periods` reads
        them without another axis: its own when that is yearly, monthly or daily, else that of
        its time cells (:attr:`cell_frequency`: twice-weekly days of 1-day cells are daily);
        None for neither (cells of several kinds, a step without a cell)."""
        return self.frequency if self.frequency in PERIOD_FREQUENCIES else self.cell_frequency

    def at_periods(self, periods: Collection[object]) -> _Axis:
        """The axis with only its steps whose period (``opening``) is one of ``periods``."""
        keep = np.array([period in periods for period in self.opening], dtype=bool)
        return dataclasses.replace(self, times=self.times[keep], files=tuple(compress(self.files, keep)),
                                   cells=tuple(compress(self.cells, keep)), opening=self.opening[keep],
                                   closing=self.closing[keep])

    @property
    def over_cells(self) -> bool:
        """Whether every value is a statistic over its time cell (CF 7.1 bounds on every step,
        not ``time: point``), neither a forecast's window nor at a chosen lead."""
        return bool(self.cells) and None not in self.cells and not (self.instants or self.windows or self.lead)

    @property
    def paired_by_cells(self) -> bool:
        """Whether its steps may be paired by their time cells (CF 7.1 bounds on every step, not
        ``time: point``): a statistic over each cell (:attr:`over_cells`), or a forecast's
        statistic over the window of lead times its cell holds (a weekly mean at lead 14 days over
        [reference + 7 d, reference + 14 d], :mod:`climann.data.forecast_windows`), whose stamp,
        the valid time, is the window's end and says nothing an observation's stamp must match."""
        return bool(self.cells) and None not in self.cells and not self.instants

    @property
    def at_instants(self) -> bool:
        """Whether every value is a value at its stamp: ``time: point``, or neither a time cell
        (CF 7.1 bounds) nor a statistic over time named (:func:`_names_a_statistic`; ERA5's
        hourly wind, CMEMS's 3-hourly wave heights); not a forecast's window nor at a chosen lead."""
        if self.windows or self.lead:
            return False
        return self.instants or (all(cell is None for cell in self.cells) and not self.statistic)

    @property
    def distinct_files(self) -> list[str]:
        """Its files, each once, in order."""
        return list(dict.fromkeys(str(file) for file in self.files))

    def by_cells(self) -> _Axis:
        """The axis with each step's period its time cell's lower bound: on an axis paired by
        stamps (sub-daily), means over the same cells stamped at their ends in one file and at
        their middles in another are then the same steps (CF 7.1: a mean's cell is its bounds,
        its stamp anywhere inside)."""
        starts = np.array([min(cell) for cell in self.cells], dtype=object)
        return dataclasses.replace(self, opening=starts, closing=starts.copy())

    @property
    def known(self) -> bool:
        """Whether the period of every step is known (none stamped on a period's first instant
        without bounds)."""
        return bool(np.all(self.opening == self.closing))

    def text(self, time: object) -> str:
        """The date of a step as precisely as its frequency needs (``1990-01`` for monthly)."""
        return period_text(time, self.step or self.frequency)

    @property
    def period(self) -> str:
        """Its first and last periods (its stamps' before the periods are known)."""
        periods = self.times if self.opening is None else self.opening
        return f"{self.text(min(periods))} to {self.text(max(periods))}"


def _time_dimension(dataset: xr.Dataset) -> str | None:
    """The dataset's time coordinate when it is a dimension with an index, else None."""
    time = time_coordinate(dataset)
    return time if time is not None and time in dataset.dims and time in dataset.indexes else None


def _time_cells(dataset: xr.Dataset, time: str, name: str | Path) -> list[tuple | None]:
    """Each step's time cell (lower, upper) from the CF bounds of ``time`` (section 7.1), or
    None for each step when there are none (or they are not dates).

    Raises
    ------
    ClimannError
        If a cell does not hold its stamp (:func:`~climann.data.time_cells.check_stamps_in_cells`).
    """
    stamps = np.asarray(dataset.indexes[time].values)
    bounds_name = str(dataset[time].attrs.get("bounds"))
    if bounds_name not in dataset.variables or dataset[bounds_name].dims[:1] != (time,):
        return [None] * len(stamps)
    bounds = np.asarray(dataset[bounds_name].values)
    if bounds.shape != (len(stamps), 2) or not all(hasattr(value, "calendar") for value in bounds.ravel()):
        return [None] * len(stamps)
    check_stamps_in_cells(stamps, bounds, (time, bounds_name), Path(str(name)).name,
                          input_and_copy(name, "restamped"),
                          units=(dataset[time].encoding.get("units"), dataset[bounds_name].encoding.get("units")))
    return [tuple(cell) for cell in bounds]


def _time_axes(datasets: Sequence[xr.Dataset], names: Sequence[str | Path]) -> tuple[str | None, list[_Axis]]:
    """The time dimension's name and each time-varying variable's axis (without its periods),
    in the order of the files."""
    steps: dict[str, dict] = {}
    windows: set[str] = set()
    leads: dict[str, str | None] = {}
    file_dims: dict[str, dict] = {}
    value_words: dict[str, str] = {}
    instants: dict[str, bool] = {}
    statistics: dict[str, bool] = {}
    month_values: dict[str, bool] = {}
    extremes: dict[str, str | None] = {}
    endings: dict[str, str] = {}
    grib_instants: dict[str, bool] = {}
    issued: dict[str, dict] = {}
    months_back: dict[str, int | None] = {}
    time_name = None
    for dataset, name in zip(datasets, names, strict=True):
        if (time := _time_dimension(dataset)) is None:
            continue
        time_name = time
        series = [variable for variable in data_variable_names(dataset) if time in dataset.variables[variable].dims]
        if not series:
            continue
        held = list(zip(dataset.indexes[time].values, _time_cells(dataset, time, name)))
        bounds = str(dataset.variables[time].attrs.get("bounds"))
        if bounds in dataset.variables and dataset.variables[bounds].attrs.get("long_name") == WINDOW_LONG_NAME:
            windows.update(series)
        time_names = file_time_names(dataset[time])[1]
        for variable in series:
            values = dataset[variable]  # one DataArray for all that is asked of it
            file_dims.setdefault(variable, {})[name] = time_names
            value_words.setdefault(variable, _value_word(values, time))
            instants.setdefault(variable, time_cell_method(values.attrs.get("cell_methods"), time) == "time: point")
            monthly = _lead_month(dataset) is not None
            month_values.setdefault(variable, monthly)
            leads.setdefault(variable, _chosen_lead(dataset) if monthly or _at_valid_instants(values, held) else None)
            statistics.setdefault(variable, _names_a_statistic(values))
            extremes.setdefault(variable, time_extreme(values.attrs.get("cell_methods"), time))
            endings.setdefault(variable, window_end_reason(variable, values.attrs))
            grib_instants.setdefault(variable, str(values.attrs.get("GRIB_stepType", "")).strip().lower() == "instant")
            for stamp, cell in held:
                steps.setdefault(variable, {}).setdefault(stamp, (name, cell))
            if (starts := _issue_times(dataset, variable, held)) is not None:
                issued.setdefault(variable, {}).update(starts)
            months_back.setdefault(variable, _lead_months_back(dataset))
    axes = []
    for variable, held in steps.items():
        times = np.array(sorted(held), dtype=object)
        axes.append(_Axis(variable, times, tuple(held[t][0] for t in times), tuple(held[t][1] for t in times),
                          windows=variable in windows, lead=leads[variable],
                          file_dims=tuple(file_dims[variable].items()), value_word=value_words[variable],
                          instants=instants[variable], statistic=statistics[variable],
                          month_values=month_values[variable], extreme=extremes[variable],
                          ending=endings[variable], grib_instants=grib_instants[variable],
                          issued=issued.get(variable), months_back=months_back[variable]))
    return time_name, axes


def _lead_months_back(dataset: xr.Dataset) -> int | None:
    """How many months before each valid month a forecast chosen at one lead in months
    (``forecastMonth = 2``, an NMME lead of 0.5 months) is persisted from
    (:func:`~climann.data.forecast_times.months_back_of_lead`): the month before its start;
    None for other data."""
    from climann.data.forecast_times import months_back_of_lead

    for name, coordinate in dataset.coords.items():
        if coordinate.ndim == 0 and np.issubdtype(coordinate.dtype, np.number):
            if (months := months_back_of_lead(name, coordinate.item(), dict(coordinate.attrs))) is not None:
                return months
    return None


def _issue_times(dataset: xr.Dataset, variable: str, held: Sequence[tuple]) -> dict | None:
    """Each stamp of ``held`` (stamp, cell) mapped to when the forecast valid then was issued,
    when ``dataset`` is a forecast at one lead of fixed length (a scalar ``forecast_period`` > 0
    in hours, days or weeks, not months): the valid time − the lead, or, for a statistic over a
    window of lead times (:data:`~climann.data.layout.FORECAST_WINDOW_KEY`), its cell's end − the
    window's last lead, as :func:`~climann.evaluation.baselines.forecast_start_times` dates it;
    None otherwise. The target's observations at those times are read for persistence
    (:func:`_periods_read_for_persistence`)."""
    from climann.data.forecast_times import calendar_months_per_unit, plus_lead_time
    from climann.data.layout import FORECAST_WINDOW_KEY

    lead = next((coordinate for coordinate in dataset.coords.values() if coordinate.ndim == 0
                 and is_forecast_period(coordinate) and np.issubdtype(coordinate.dtype, np.number)), None)
    units = "" if lead is None else str(lead.attrs.get("units", "")).strip()
    if (lead is None or not units or calendar_months_per_unit(units) is not None or not held
            or not np.isfinite(float(lead)) or float(lead) <= 0):
        return None
    window = dataset[variable].encoding.get(FORECAST_WINDOW_KEY)
    stamps = np.array([stamp for stamp, _ in held], dtype=object)
    if window is not None and all(cell is not None for _, cell in held):
        ends = np.array([cell[1] for _, cell in held], dtype=object)
        starts = plus_lead_time(ends, xr.DataArray(-float(window[1]), attrs={"units": units}))
    else:
        starts = plus_lead_time(stamps, xr.DataArray(-float(lead), attrs={"units": units}))
    return dict(zip(stamps, starts, strict=True))


def _value_word(variable: xr.DataArray, time: str) -> str:
    """What ``variable``'s value is over its time cell (:func:`~climann.data.cell_methods.time_value_word`):
    by its ``cell_methods``, or, where they say nothing of time, by cfgrib's ``GRIB_stepType``
    (ECMWF's GRIB 2 step types: ``accum`` a total, as ERA5's daily sums of ``tp`` from the CDS;
    ``max``/``min`` an extreme's value); else a mean, the reading climann assumes."""
    methods = variable.attrs.get("cell_methods")
    step_type = str(variable.attrs.get("GRIB_stepType", "")).strip().lower()
    if time_cell_method(methods, time) is None and step_type in _GRIB_VALUE_WORDS:
        return _GRIB_VALUE_WORDS[step_type]
    return time_value_word(methods, time)


#: What a value is over its cell by cfgrib's ``GRIB_stepType``, where ``cell_methods`` say nothing of time.
_GRIB_VALUE_WORDS = {"accum": "total", "max": "value", "min": "value"}


def _names_a_statistic(variable: xr.DataArray) -> bool:
    """Whether ``variable``'s ``cell_methods`` name a statistic over time (``time: mean``, not
    ``time: point``; CF 1.8 section 7.3) or its GRIB ``stepType`` one (``avg``, ``accum``)."""
    step_type = str(variable.attrs.get("GRIB_stepType", "")).strip().lower()
    return step_type not in INSTANT_STEP_TYPES or bool(_TIME_STATISTIC.search(str(variable.attrs.get("cell_methods",
                                                                                                       ""))))


def _at_valid_instants(variable: xr.DataArray, held: Sequence[tuple]) -> bool:
    """Whether a forecast's values may be paired by the instants of its valid times: values at
    them (GRIB ``stepType`` instant or none, no statistic over time in ``cell_methods``), or
    statistics whose time cells (CF bounds, every step in ``held``'s (stamp, cell)) say what
    they cover. A mean over the 24 hours ending at its valid time (``stepType = "avg"``) dated
    by that instant would be paired with the day after the one it averages (break31a A1)."""
    if held and all(cell is not None for _, cell in held):
        return True
    step_type = str(variable.attrs.get("GRIB_stepType", "")).strip().lower()
    return step_type in INSTANT_STEP_TYPES and not _TIME_STATISTIC.search(str(variable.attrs.get("cell_methods", "")))


#: A CF cell method over time other than ``point`` (CF section 7.3): a statistic over a period.
_TIME_STATISTIC = re.compile(r"\btime:\s*(?!point\b)[a-z_]")


def _chosen_lead(dataset: xr.Dataset) -> str | None:
    """``step = 21 days`` when the dataset is a forecast at one lead time (a scalar
    ``forecast_period`` coordinate: its times are valid times, :mod:`climann.data.forecast_times`;
    0 too, the forecast's start, as ``climann info`` chooses it first); None otherwise."""
    for name, coordinate in dataset.coords.items():
        if coordinate.ndim == 0 and is_forecast_period(coordinate) and np.issubdtype(coordinate.dtype, np.number):
            return f"{name} = {coordinate.item():g} {coordinate.attrs.get('units', '')}".rstrip()
    if (lead := _lead_month(dataset)) is not None:
        return f"{lead.name} = {lead.item():g}"
    return None


def _lead_month(dataset: xr.Dataset) -> xr.DataArray | None:
    """The chosen lead month of a seasonal forecast (a scalar ``forecastMonth``, ``leadtime_month``:
    :func:`~climann.data.forecast_times.is_lead_month`), whose values are each one calendar month's
    statistic, stamped at the month's first instant; None otherwise."""
    return next((coordinate for coordinate in dataset.coords.values() if coordinate.ndim == 0
                 and is_lead_month(coordinate) and np.issubdtype(coordinate.dtype, np.number)), None)


def _listed(parts: Sequence[str]) -> str:
    return ", ".join(parts[:-1]) + f" and {parts[-1]}" if len(parts) > 1 else parts[0]


def _one_cell_a_day(cells: Sequence[tuple | None]) -> bool:
    """Whether two or more time cells each lie within one calendar day (an upper bound at 00:00
    closing the day before) and fall on days one after the other, one a day."""
    if len(cells) < 2 or None in cells:
        return False
    days = []
    for cell in cells:
        lower, upper = min(cell), max(cell)
        day = lower.replace(hour=0, minute=0, second=0, microsecond=0)
        try:
            if upper - day > datetime.timedelta(days=1):
                return False
        except TypeError:  # dates of two calendars
            return False
        days.append(day)
    return all(later - earlier == datetime.timedelta(days=1) for earlier, later in zip(days, days[1:]))


def averaging_advice(file: str | Path, frequency: str, time: str = "time", *, value_word: str = "mean",
                     centred_on: float | None = None, bounded: bool = True,
                     extreme: str | None = None, series: Sequence[str | Path] = ()) -> str:
    """How to bring the finer data of ``file`` to ``frequency`` (``"monthly"``…): the cdo
    command when there is one, e.g. ``e.g. monthly means with `cdo monmean daily.nc daily_monthly.nc```
    (the file as :func:`climann.data.shell.shown_path` gives it, the means written into a new folder);
    for an ``N-hourly`` step, which no cdo operator names, the xarray line of
    :func:`~climann.data.resampling.resample_command` (``time`` the file's time dimension), which
    writes the new cells' bounds (``Dataset.resample`` alone averages them, break33b B5);
    xarray's ``resample`` for a Zarr store, which CDO does not read; for a file CDO does not
    copy whole (:func:`~climann.data.time_commands.cdo_copies`: a CF station file's
    ``runoff_mean(time, id)``, "Unsupported array structure", break44d A10) the xarray line of
    :func:`~climann.data.resampling.calendar_resample_command` over calendar months, years or days.

    ``value_word`` says what each value is over its time cell
    (:func:`~climann.data.cell_methods.time_value_word`): totals (``time: sum``, precipitation
    amounts) are summed (``cdo monsum``, ``Dataset.resample(...).sum()``), never averaged;
    means and any other values (instants, daily maxima) are averaged, as before. ``centred_on``: the
    ``N-hourly`` cells are centred that many hours after 00:00 and every N hours on, the stamps of a
    run trained on values without bounds (:func:`~climann.data.resampling.resample_command`), and
    the advice says so; so does it of values without time bounds (``bounded`` False), which that
    line counts over the step centred on each stamp, where climann reads them (fix45d).
    ``extreme``: ``"maximum"`` or ``"minimum"`` when each value is that extreme
    over its cell (``time: maximum``, :func:`~climann.data.cell_methods.time_extreme`): the coarser
    value is their extreme (``cdo yearmax``), which keeps the ``cell_methods`` right, never their mean
    (break45d A3). ``series``: every file of the series ``file`` is one of; more than one, the line is
    on them all, merged by time, its copy in a new folder, and the ``--data`` takes it in place of them
    all (:func:`_series_copies`; fix57a: the line copied ``file`` alone, the others "given as before"
    still at the finer step, refused again).
    """
    prefix = None if is_zarr_store(file) else _FREQUENCIES.get(frequency)
    statistic, words = _statistic_of(value_word, extreme)
    if prefix and not cdo_copies(str(file), time) and frequency in _CALENDAR_PERIODS:
        # a CF station file (runoff(time, id)): CDO skips its variables, "Unsupported file structure" (break44d A10)
        line = _series_copies(lambda files: calendar_resample_command(
            file, _CALENDAR_PERIODS[frequency], frequency, time, statistic=statistic, files=files), file, frequency,
            series)
        return f"e.g. {frequency} {words} with {line}"
    if prefix:
        operators = _cdo_time_statistic(f"{prefix}{statistic}", file_directions(file) if statistic == "mean" else {})
        line = _series_copies(lambda files: cdo_command(operators, files), file, frequency, series, cdo=True)
        return f"e.g. {frequency} {words} with {line}"
    if statistic != "mean":  # resample_command writes means
        kept = "totals are summed" if statistic == "sum" else f"{words} give their extreme"
        return f"e.g. with xarray's Dataset.resample(...).{statistic}() ({kept}, not averaged)"
    hours = re.fullmatch(r"([0-9.]+)-hourly", frequency or "")
    if hours and not is_zarr_store(file):
        step = float(hours.group(1))
        where = (f" centred on {_time_of_day(centred_on)}, {_time_of_day(centred_on + step)} …, the run's stamps "
                 f"(without time bounds, read at their hours)" if centred_on is not None else "")
        read = "" if bounded else " (each value, without time bounds, taken over the step centred on its stamp)"
        line = _series_copies(lambda files: resample_command(file, step, time, centred_on=centred_on, files=files),
                              file, frequency, series)
        return f"e.g. {frequency} means{where}{read} with {line}"
    return "e.g. with xarray's Dataset.resample"


def _series_copies(line: Callable[[str], str], file: str | Path, name: str, series: Sequence[str | Path], *,
                   cdo: bool = False) -> str:
    """``line(IN OUT)`` on the files of ``series`` merged by time (``file`` alone when the series
    holds fewer than two: :func:`_one_copy`), in backticks, writing one copy into a new folder
    ``name`` (:func:`~climann.data.shell.copies_folder`), then the ``--data`` that takes it in
    place of them all. ``cdo``: ``line`` is CDO's, which reads the merge as its input
    (``-mergetime``, :func:`_merged_series`); a Python line reads the merge CDO writes into the new
    folder first, removed after it. A line for the first file alone left the others at the finer
    step, "given as before", refused again (fix57a); a loop over the files, each copied alone, lost
    each period that straddles two files (an hourly value without bounds covers half an hour on
    either side of its stamp: a day's last 3-hour cell needs the next day's first value), as a
    month's mean needs every step of the month whichever file holds it (break48b A1)."""
    files = list(dict.fromkeys(str(each) for each in series))
    merged = _merged_series(files)
    if merged is None or not all(os.path.isfile(each) and not is_zarr_store(each) for each in files):
        return _one_copy(line, file, name)
    named, source, replaced = merged
    folder = copies_folder(Path(files[0]).parent, name)
    copy = copy_in_folder(folder, named, name)
    if cdo:
        command = line(f"{source} {shown_path(copy)}")
    else:
        joined = shown_path(folder / f"{named.stem}_merged.nc")
        resampled = line(f"{joined} {shown_path(copy)}")
        command = f"cdo {source.removeprefix('-')} {joined} && {resampled} && rm {joined}"
    kept = "" if guards_itself(command) else none_there(copy)
    return (f"`{kept}mkdir -p {shown_path(folder)} && {command}`, then give --data {shown_path(copy)} in place of "
            f"{replaced} {_OWN_FOLDER_MERGED}")


def _one_copy(line: Callable[[str], str], file: str | Path, name: str) -> str:
    """``line(IN OUT)``, a command on ``file`` and its copy, in backticks, the copy written under the
    file's own name into a new folder ``name`` beside it, then the ``--data`` to give in the file's place
    (:func:`~climann.data.shell.one_copy_line`): a copy beside the file (``pr_monthly.nc`` beside
    ``pr.nc``) was taken with it by a glob over their folder, and the run refused the two files of one
    variable (fix56b). A file that is not there (data built in memory) or a Zarr store: the line on
    ``file`` and its copy beside it."""
    if not os.path.isfile(file) or is_zarr_store(file):
        return f"`{line(input_and_copy(file, name))}`"
    return one_copy_line(lambda arguments, _: line(arguments), file, name)


def _cdo_time_statistic(operator: str, directions: Mapping[str, float]) -> str:
    """CDO's time statistic ``operator`` (``monmean``), the ``directions`` (name → radians per unit,
    :func:`~climann.data.direction_regrid.file_directions`) among the variables it averages taken by
    their sine and cosine, the angle recovered with atan2
    (:func:`~climann.data.direction_regrid.cdo_direction_chain`): a mean of ``mwd`` as numbers puts
    350° and 10° at 180° (fix52k; Fisher 1993, §2.2, eq. 2.9). No leading ``-``: the first operator."""
    return cdo_direction_chain(operator, dict(directions)).removeprefix("-")


def _statistic_of(value_word: str, extreme: str | None = None) -> tuple[str, str]:
    """The CDO statistic (``mean``, ``sum``, ``max``, ``min``) that keeps values of what
    ``value_word`` and ``extreme`` say (:func:`averaging_advice`) over coarser periods, and its words."""
    if extreme in _EXTREME_STATISTICS:
        return _EXTREME_STATISTICS[extreme]
    return _KEPT_STATISTICS.get(value_word, _KEPT_STATISTICS["mean"])


#: A time step's name → the pandas frequency of its calendar periods' starts
#: (:func:`~climann.data.resampling.calendar_resample_command`, for files CDO does not read whole).
_CALENDAR_PERIODS = {"monthly": "MS", "yearly": "YS", "daily": "D"}


def _time_of_day(hours: float) -> str:
    """``03:00`` for 3 hours, ``01:30`` for 1.5."""
    minutes = int(round(hours * 60))
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


#: A time step's name → CDO's ``settbounds`` frequency of the cells that stamps without bounds
#: open (climann reads a daily value stamped at 00:00 as the mean of the day beginning there).
_CDO_CELLS = {"daily": "day", "hourly": "hour", "1-hourly": "hour"}
#: A CDO statistic's period prefix (``day`` of ``daymean``) → its ``settbounds`` frequency.
_CDO_PERIODS = {"day": "day", "mon": "month", "year": "year"}


def series_averaging_advice(
    file: str | Path, frequency: str, methods: Mapping[str, str | None], *, time: str = "time", step: str = "",
    bounded: bool = True, units: Mapping[str, str | None] | None = None, static: Sequence[str] = (),
    flags: Sequence[str] = (), texts: Sequence[str] = (), centred_on: float | None = None,
    series: Sequence[str | Path] = (), learnt: Mapping[str, str | None] | None = None,
) -> str:
    """How to bring the finer data of ``file`` to ``frequency`` (``"monthly"``…), each variable
    by what its values are over their time cells (its ``cell_methods``, CF 1.8 section 7.3;
    of a climatology, CF section 7.4, what each year gave: ``time: sum within years time: mean
    over years`` is a climatology of totals, :func:`~climann.data.cell_methods.within_years_method`).

    Totals (``time: sum``) are summed, ``cdo monsum``; anything else averaged, ``cdo monmean``.
    A file of both gets one command for each, on the variables of each kind
    (``-selname,pr``), both copies (in a new folder) then given to ``--data`` (fix37c: a daily file of a ``tas``
    mean and a ``pr`` total was advised ``cdo monmean`` for the whole file: its monthly "totals"
    were daily means). Point values (``time: point``) averaged are means over the new cells: the
    copy says so (``-setattribute,tas@cell_methods=time: mean``), else a run trained on means
    refuses to score its target against them. Stamps without bounds (``bounded`` False) get the
    cells of their ``step`` that climann reads them as (``-settbounds,day``: CDO's own
    reading, instants, makes each new cell a day short); a step CDO has no cells of (every 30
    minutes) gives its new cells whole periods instead (``-settbounds,day -daymean``: ``daymean``
    alone made cells from the day's first stamp to its last, 23.5 hours, warned about as cells
    that stop short, fix43l). Text variables (``texts``, a station's ``station_name``), which CDO
    does not read and left out of the copy it said it kept them in, are appended by ``ncks -A``.
    Where CDO names no averaging operator (an ``N-hourly`` step, a Zarr store),
    :func:`averaging_advice`.

    Parameters
    ----------
    file : str or Path
        The finer data's file.
    frequency : str
        The coarser step's name: ``"monthly"``, ``"yearly"``, ``"daily"``.
    methods : mapping of str to str or None
        Each time-varying variable of ``file`` → its ``cell_methods`` attribute (None when it has none).
    time : str
        The file's time dimension.
    step : str
        The finer step's name (``"daily"``), for its cells' ``settbounds``.
    bounded : bool
        Whether the file's times have bounds (CF 7.1 ``bounds`` or 7.4 ``climatology``).
    units : mapping of str to str or None, optional
        Each variable's units: a rate per unit time (``g C m-2 day-1``) is a mean over its
        cells whatever its ``cell_methods`` say; any other variable whose ``cell_methods``
        say nothing of time (a ``burned_fraction`` in ``1``) is averaged on an assumption that
        the advice states, naming it (rerun37 T1).
    static : sequence of str, optional
        The file's variables without time (``orog``, ``sftlf``, ``areacella``): nothing to sum or
        average, so neither named among the means nor among the variables assumed to be means
        (fix38d: ``orog`` was "assumed a mean over each step"); kept in the means' copy
        (``-selname``) when the commands select variables, as a run given that copy needs them.
    flags : sequence of str, optional
        The file's CF flag variables with time (``flag_values``, ``flag_masks``; not in
        ``methods``): codes, whose mean or sum is no code (a quality flag's "bad" 2 averaged with
        0s is 0.04, which flags nothing), so left out of the copies (``-delname`` when no
        ``-selname`` chooses), and said so.
    texts : sequence of str, optional
        Those of ``static`` stored as text (NetCDF-4 strings, char arrays): copied into the
        means' copy (the only copy with one group) by ``ncks -A -v``, not by CDO.
    centred_on : float, optional
        Hours after 00:00 to centre ``N-hourly`` cells on: the stamps of a run trained without
        time bounds (:func:`averaging_advice`).
    series : sequence of str or Path, optional
        Every file of the series ``file`` is one of (the files holding the same variables): more
        than one, CDO merges them by time first (``-mergetime``, innermost in the chain) and
        writes one copy of the coarser steps, as a month's mean needs every step of the month
        whichever file holds it (break48b A1: GLDAS-2.1 3-hourly files hold one step each, and
        the first file's "monthly mean" was its one 3-hour step, the other files dropped).
    learnt : mapping of str to str or None, optional
        The time part of each variable's ``cell_methods`` a trained run learnt it with, at the
        coarser step: a point variable the run learnt as ``time: point`` at that step (GLDAS-2.1's
        monthly ``Tair_f_inst``, monthly means of its 3-hourly instants) keeps its attribute in
        the copy, which is then what the run learnt; ``time: mean`` written there was warned
        about as another quantity by the run the advice was for (break48b A1).

    Returns
    -------
    str
        ``e.g. monthly totals of pr with `mkdir -p d/monthly && cdo …` and monthly means of tas with `…`, then
        give --data 'd/monthly/*.nc' in place of d/x.nc (…)``: the copies in a new folder of their own
        (:func:`~climann.data.shell.copies_folder`, as :func:`_copies_advice` writes them; fix45l: written beside
        the original, a glob over its folder given as ``--data`` took both, refused as one variable at two
        frequencies).
    """
    words = {name: _kept_word(method, time) for name, method in methods.items()}
    groups = {word: sorted(name for name, each in words.items() if each == word)
              for word in ("total", "mean", "maximum", "minimum")}
    groups = {word: names for word, names in groups.items() if names}
    prefix = None if is_zarr_store(file) else _FREQUENCIES.get(frequency)
    assumed = _assumed_means_note(methods, frequency, time, prefix, units or {})
    unsaid = (f"; leave out {_listed(sorted(flags))}, {'flag variables' if len(flags) > 1 else 'a flag variable'} "
              f"(CF 3.5), whose codes have no {frequency} mean") if flags else ""
    if (prefix and len(groups) > 1 and frequency in _CALENDAR_PERIODS and not texts
            and not cdo_copies(str(file), time)):
        # a CF station file (pr(time, id) beside tas): CDO skips its station names (and refuses the file when time
        # is not first), and no texts were given to append: one xarray line sums the totals and averages the
        # means in one copy that keeps them (fix45c: two cdo lines whose copies no station name chooses)
        line = _one_copy(lambda files: calendar_resample_command(
            file, _CALENDAR_PERIODS[frequency], frequency, time, sums=groups["total"], files=files), file, frequency)
        return (f"e.g. {frequency} totals of {_listed(groups['total'])} and means of {_listed(groups['mean'])} "
                f"with {line}{unsaid}{assumed}")
    if prefix is None or not groups:
        only = next(iter(groups)) if len(groups) == 1 else "mean"
        return averaging_advice(file, frequency, time, value_word=only if only in _KEPT_STATISTICS else "mean",
                                centred_on=centred_on, bounded=bounded,
                                extreme=only if only in _EXTREME_STATISTICS else None, series=series
                                ) + unsaid + assumed
    cells = "" if bounded or step not in _CDO_CELLS else f" -settbounds,{_CDO_CELLS[step]}"
    # a step CDO has no cells of: the new cells are whole periods, set on the output (fix43l)
    new_cells = f"settbounds,{_CDO_PERIODS[prefix]} -" if not bounded and step not in _CDO_CELLS else ""
    left_out = f" -delname,{','.join(sorted(flags))}" if flags and len(groups) == 1 else ""
    # the copies into a folder of their own, as train's advice writes them (_copies_advice): written beside the
    # original, a glob over its folder given as --data took both, refused as one variable at two frequencies (fix45l)
    folder = copies_folder(Path(file).parent, frequency)
    merged = _merged_series(series)
    source, replaced = (file, shown_path(file)) if merged is None else merged[1:]
    named = file if merged is None else merged[0]
    copies = [copy_in_folder(folder, named, frequency if len(groups) == 1 else f"{frequency}_{plural}")
              for plural in (_statistic_of(word, word)[1] for word in groups)]
    commands = []
    for word, names in groups.items():
        statistic, plural = _statistic_of(word, word)
        kept = sorted(static) if word == "mean" or len(groups) == 1 else []
        appended = sorted(name for name in kept if name in texts)  # CDO reads no text: ncks copies it
        chosen = (f" -selname,{','.join(sorted([*names, *(name for name in kept if name not in appended)]))}"
                  if len(groups) > 1 else "")
        without_time = f" ({_listed(kept)}, without time, copied as {'it is' if len(kept) == 1 else 'they are'})" \
            if kept and len(groups) > 1 else ""
        points = [shlex.quote(f"-setattribute,{name}@cell_methods={_as_mean(methods[name], time)}")
                  for name in names if word == "mean" and _is_point(methods[name], time)
                  and not _is_point((learnt or {}).get(name), time)]
        copy = copies[len(commands)]
        appending = f" && ncks -A -v {','.join(appended)} {shown_path(file)} {shown_path(copy)}" if appended else ""
        directions = {name: factor for name, factor in file_directions(file).items()
                      if name in names and statistic == "mean"}
        operators = (f"{new_cells}{_cdo_time_statistic(f'{prefix}{statistic}', directions)}"
                     f"{''.join(f' {point}' for point in points)}{cells}{chosen}{left_out}")
        # CDO opens no path with a space: in a folder "my data" it runs inside the folder (fix56d)
        cdo = (cdo_inside_folder(operators, list(dict.fromkeys(map(str, series))) if merged else [file], copy)
               or f"cdo {operators} {shown_path(source) if merged is None else source} {shown_path(copy)}")
        commands.append(f"{frequency} {plural}{f' of {_listed(names)}' if len(groups) > 1 else ''}{without_time} with "
                        f"`{none_there(copy)}mkdir -p {shown_path(folder)} && {cdo}{appending}`")
    flags_said = (f"; {_listed(sorted(flags))} left out of the {'copies' if len(commands) > 1 else 'copy'}: "
                  f"{'flag variables' if len(flags) > 1 else 'a flag variable'} (CF 3.5), whose codes have no "
                  f"{frequency} mean (leave out the values a quality flag marks before averaging)") if flags else ""
    data = shown_path(copies[0]) if len(copies) == 1 else copies_data(folder, copies)  # or a glob over the folder
    kept_apart = (_OWN_FOLDER if len(copies) > 1 else _OWN_FOLDER_MERGED if merged is not None
                  else _OWN_FOLDER_ONE)
    return ("e.g. " + " and ".join(commands) + f", then give --data {data} in place of {replaced} "
            + kept_apart + flags_said + assumed)


def _merged_series(series: Sequence[str | Path]) -> tuple[Path, str, str] | None:
    """For several files of one series (:func:`series_averaging_advice`): the path their one
    merged copy is named after (the start their names share, ``GLDAS_NOAH025_3H.A200607``, else
    ``merged``), CDO's input that merges them by time (``-mergetime`` on a glob that takes them
    and nothing else, quoted for CDO to expand, :func:`~climann.data.shell.cdo_input_files`, else the
    files listed) and the words naming what the copy replaces; None for one file or none."""
    files = list(dict.fromkeys(str(file) for file in series))
    if len(files) < 2:
        return None
    start = os.path.commonprefix([Path(file).stem for file in files]).rstrip("._- ") or "merged"
    pattern = shared_glob(files)
    replaced = f"{glob_words(pattern)} (their {len(files)} files)" if pattern is not None else f"the {len(files)} files"
    # CDO expands the quoted glob itself: no shell lists 10 000 hourly files (the kernel's ARG_MAX)
    return Path(files[0]).parent / f"{start}.nc", f"-mergetime {cdo_input_files(files)}", replaced


def _assumed_means_note(methods: Mapping[str, str | None], frequency: str, time: str, prefix: str | None,
                        units: Mapping[str, str | None]) -> str:
    """Words saying which variables :func:`series_averaging_advice` averages only because their
    ``cell_methods`` say nothing of time (none, or no ``time:`` entry): a file does not say whether
    a daily ``burned_fraction`` in ``1`` is the day's mean or its total (rerun37 T1: stated as
    "monthly means", 1/30 of a monthly total fraction). A rate per unit time is a mean: not named.
    Empty when every variable's say."""
    from climann.data.units import is_rate

    unsaid = sorted(name for name, method in methods.items()
                    if within_years_method(time_cell_method(method, time)) is None and not is_rate(units.get(name)))
    if not unsaid:
        return ""
    summed = f"cdo {prefix}sum" if prefix else "sum"
    if len(unsaid) == 1:
        return (f"; the {frequency} means assume that {unsaid[0]} is a mean over each step, as its cell_methods do "
                f"not say: if it is a total over each step (its units cannot tell), sum it ({summed}) instead")
    return (f"; the {frequency} means assume that {_listed(unsaid)} are means over each step, as their cell_methods "
            f"do not say: if any is a total over each step (their units cannot tell), sum those ({summed}) instead")


def _kept_word(method: str | None, time: str) -> str:
    """``"total"`` for totals (a climatology's of totals too), ``"maximum"`` or ``"minimum"`` for
    extremes (:func:`~climann.data.cell_methods.time_extreme`), else ``"mean"``: what
    :func:`series_averaging_advice` sums, takes the extreme of or averages."""
    part = within_years_method(time_cell_method(method, time))
    return "total" if time_value_word(part) == "total" else time_extreme(part) or "mean"


def _is_point(method: str | None, time: str) -> bool:
    part = within_years_method(time_cell_method(method, time))
    return part is not None and time_value_word(part) == "value" and part.split(":")[-1].split()[0] == "point"


def _as_mean(method: str | None, time: str) -> str:
    """The ``cell_methods`` of means over the new cells of points: ``time: point`` replaced by
    ``time: mean`` and the other axes' entries kept."""
    return with_time_method(str(method), "point", "mean", time)


#: The three-month seasons starting in a month of each remainder modulo 3 (December's: DJF…).
_SEASONS = {0: ("DEC", "DJF, MAM, JJA, SON"), 1: ("JAN", "JFM, AMJ, JAS, OND"), 2: ("FEB", "FMA, MJJ, ASO, NDJ")}


def _season_starts(axis: _Axis) -> list | None:
    """The first instants of ``axis``'s steps when each is a three-month season: by its time
    cells (CF bounds) when every step has one, else by its stamps; None otherwise."""
    if all(cell is not None for cell in axis.cells) and axis.cells:
        starts, ends = [min(cell) for cell in axis.cells], [max(cell) for cell in axis.cells]
        whole = all(_months(end) - _months(start) == 3 for start, end in zip(starts, ends))
        return starts if whole and all(_month_start(t) for t in starts + ends) else None
    starts = list(axis.times)
    months = np.diff([_months(t) for t in starts])
    # seasons three months apart, some perhaps missing; steps all a year apart are years (ESA CCI land cover's
    # 1 January stamps were called "seasonal (JFM, AMJ, JAS, OND)", and seasonal means of tas advised: fix55f)
    return (starts if len(starts) > 1 and all(_month_start(t) for t in starts) and np.all(months % 3 == 0)
            and months.min() == 3 else None)


def _months(time: object) -> int:
    return time.year * 12 + time.month


def _month_start(time: object) -> bool:
    return time.day == 1 and time.hour == 0 and time.minute == 0 and time.second == 0


def calendar_seasons(axis: _Axis) -> tuple[str, str] | None:
    """``("seasonal (DJF, MAM, JJA, SON)", "QS-DEC")`` when every step of ``axis`` is a
    three-month season (xclim's ``QS-DEC`` indices) by its CF bounds or, without them, by its
    stamps on the first of months three months apart; None otherwise (break34b B5: such an
    axis is not "92-daily", and 92-day means are not its seasons)."""
    starts = _season_starts(axis)
    if starts is None or len({t.month % 3 for t in starts}) != 1:
        return None
    anchor, names = _SEASONS[starts[0].month % 3]
    return f"seasonal ({names})", f"QS-{anchor}"


def _frequency_refusal(first: _Axis, other: _Axis, used: Sequence[_Axis] = ()) -> ClimannError:
    """Refusing two axes at different steps, each named by its calendar seasons when it is
    seasonal (:func:`calendar_seasons`), with a way to average the finer one to the coarser's
    steps: to its seasons with the pandas frequency that makes them (``QS-DEC``), not to
    N-day steps that drift from them (break34b B5). A forecast at one lead time whose sub-daily
    steps are its several cycles a day is told to choose one
    (:func:`~climann.data.forecast_cycles.one_cycle_advice`), never to average them. Sub-daily
    values at instants beside finer ones (CMEMS's 3-hourly wave heights beside ERA5's hourly
    wind) are told to take the finer at the coarser's times of day (:func:`_subsampling_advice`:
    3-hourly means of instants, stamped 01:30, were then refused beside the instants, break43c
    A5); ``used``: the run's axes, whose variables in the finer's files must all be instants."""
    if (months := _month_values_refusal(first, other)) is not None:
        return months
    coarse, fine = (first, other) if median_step_days(first.times) > median_step_days(other.times) else (other, first)
    time = dict(fine.file_dims).get(fine.file, "time")
    cycles = one_cycle_advice(fine.file, time, fine.lead, fine.variable) if fine.lead and _sub_daily(fine) else None
    if cycles is not None:  # several starts a day: one chosen, never averaged (cdo daymean loses the valid times)
        return ClimannError(f"{first.variable} is {_kind(first)} ({first.period}) and {other.variable} {_kind(other)} "
                            f"({other.period}): {_SAME_STEPS}; {cycles}")
    if (subsampled := _subsampling_advice(coarse, fine, used)) is not None:
        return ClimannError(f"{first.variable} is {_kind(first)} ({first.period}) and {other.variable} {_kind(other)} "
                            f"({other.period}): {_SAME_STEPS}; {subsampled}")
    seasons = calendar_seasons(coarse)
    together = _fine_together(first, fine, used) if fine is other else None
    if together is not None:  # every variable at fine's step, one loop over all their files (break51c A3)
        fine, said = together, _listed([f"{axis.variable} {_kind(axis)} ({axis.period})" for axis in together.parts])
        if len({(_kind(axis), axis.period) for axis in together.parts}) == 1:
            said = f"{together.variable} {_kind(other)} ({other.period})"
    else:
        said = f"{other.variable} {_kind(other)} ({other.period})"
    if seasons and not is_zarr_store(fine.file):
        steps = "the seasons' steps"
        how = "e.g. seasonal means with " + _one_copy(lambda files: calendar_resample_command(
            fine.file, seasons[1], "seasonal", time, files=files), fine.file, "seasonal")
    else:
        noun = str(coarse.frequency).endswith("s")  # "8-day composites": the steps of them, not "composites steps"
        steps = f"the steps of {coarse.frequency}" if noun else f"{coarse.frequency} steps"
        how = _file_averaging_advice(fine, coarse.frequency, time, used)
    return ClimannError(
        f"{first.variable} is {_kind(first)} ({first.period}) and {said}: {_SAME_STEPS}; bring {fine.variable} to "
        f"{steps} first, {how}"
    )


@dataclass(frozen=True)
class _Together:
    """The variables at one finer step than the target's, to be brought to its step together:
    what :func:`_file_averaging_advice` reads of an axis, over all their files."""

    parts: tuple
    variable: str
    files: tuple
    value_word: str
    extreme: str | None
    file_dims: tuple

    @property
    def file(self) -> str | Path:
        return self.files[0]

    @property
    def distinct_files(self) -> list[str]:
        return list(dict.fromkeys(str(file) for file in self.files))


def _fine_together(target: _Axis, fine: _Axis, used: Sequence[_Axis]) -> _Together | None:
    """Every variable of ``used`` (the run's axes) besides the ``target`` at ``fine``'s step, when
    there are several (ISIMIP3b's daily ``pr``, ``rsds`` and ``tas`` beside a monthly target) and
    each is averaged (or summed) alike, in files that hold no variable of another kind: one advice,
    one loop over all their files, in place of one refusal per variable in turn (break51c A3:
    each run named the next daily variable). None otherwise (each is then told of alone)."""
    group = [axis for axis in used if axis is not target and axis.step == fine.step
             and axis.frequency == fine.frequency and not axis.lead]
    if len(group) < 2 or fine not in group or len({(axis.value_word, axis.extreme) for axis in group}) != 1:
        return None
    files = tuple(dict.fromkeys(str(file) for axis in group for file in axis.distinct_files))
    if any(is_zarr_store(file) for file in files):
        return None
    return _Together(tuple(group), _listed([axis.variable for axis in group]), files, fine.value_word, fine.extreme,
                     tuple(dict.fromkeys(pair for axis in group for pair in axis.file_dims)))


def _file_averaging_advice(fine: _Axis, frequency: str, time: str, used: Sequence[_Axis]) -> str:
    """How to bring ``fine``'s files to ``frequency``. When its file holds totals and means
    (``used``: every axis, those of its file read), each summed or averaged by what it is
    (:func:`series_averaging_advice`; fix45c: a station's daily ``tas`` and ``pr`` were advised
    one line averaging both, its monthly "totals" daily means); otherwise by ``fine``'s own
    values, the copies into a folder of their own (:func:`_copies_advice`), else
    :func:`averaging_advice`."""
    words = {axis.variable: axis.value_word for axis in used if fine.file in axis.files}
    words[fine.variable] = fine.value_word
    if {_SERIES_WORDS.get(word, "mean") for word in words.values()} != {"total", "mean"}:
        return _copies_advice(fine, str(frequency), time) or averaging_advice(
            fine.file, frequency, time, value_word=fine.value_word, extreme=fine.extreme, series=fine.distinct_files)
    methods = {name: f"{time}: {'sum' if _SERIES_WORDS.get(word) == 'total' else 'mean'}"
               for name, word in words.items()}
    return series_averaging_advice(fine.file, frequency, methods, time=time)


#: :attr:`_Axis.value_word` → what :func:`series_averaging_advice` does with it: totals summed, the rest averaged.
_SERIES_WORDS = {"total": "total"}


_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                "November", "December")


def _named_months(months: Sequence[int]) -> str:
    """``"November, December"`` for months 11 and 12."""
    return ", ".join(_MONTH_NAMES[month - 1] for month in months)


def _month_values_refusal(first: _Axis, other: _Axis) -> ClimannError | None:
    """The refusal of a seasonal forecast at one lead month (:attr:`_Axis.month_values`: each
    value one calendar month's) beside a variable whose steps are not monthly but all stamped on
    the 1st of months (December observations one a year, ``cdo selmon,12``; starts in
    Feb/May/Aug/Nov): each forecast month must be paired with the same month of the other, never
    with the year or three-month season its stamp opens. Names the months of each and the two ways
    out: the lead month whose valid month is the other's (``--select forecastMonth=2``) when the
    other holds one month a year, or the other's values of the forecast's months
    (``cdo selmon,…`` on monthly observations). None when neither axis is such a forecast, or the
    other's stamps are not all month starts (daily observations: averaged as any finer axis)."""
    forecast, observed = (first, other) if first.month_values else (other, first)
    if not forecast.month_values or observed.month_values or not all(map(_month_start, observed.times)):
        return None
    theirs = sorted({time.month for time in forecast.times})
    ours = sorted({time.month for time in observed.times})
    lead = str(forecast.lead or "")
    name, _, value = lead.partition(" = ")
    fc_months, ob_months = _named_months(theirs), _named_months(ours)
    ways = []
    if len(theirs) == 1 and len(ours) == 1 and value.strip().isdigit():
        other_lead = int(value) + (ours[0] - theirs[0]) % 12
        ways.append(f"choose the lead month whose forecasts are of {ob_months} (--select {name}={other_lead})")
    ways.append(f"give {observed.variable}'s values of {fc_months} from monthly data "
                f"(`cdo selmon,{','.join(map(str, theirs))} IN.nc OUT.nc` on the monthly file, then --data OUT.nc)")
    steps = steps_text(len(observed.times), observed.frequency)
    return ClimannError(
        f"{forecast.variable} is a seasonal forecast at one lead month ({lead}): each value is the forecast of one "
        f"calendar month ({fc_months}, {forecast.period}), and {observed.variable} is stamped on the 1st of "
        f"{ob_months} ({observed.period}, {steps}); {_SAME_STEPS}, each forecast month paired with the same month "
        f"of {observed.variable}{', and they share none' if not set(theirs) & set(ours) else ''}; "
        f"{' or '.join(ways)}")


def _copies_advice(fine: _Axis, frequency: str, time: str) -> str | None:
    """The ``cdo`` line that brings ``fine``'s files to ``frequency`` (``yearmax`` of maxima, ``yearsum``
    of totals, ``yearmean`` of means: :func:`_statistic_of`), writing the copies into a new folder
    beside them (:func:`_copies_of`), and the ``--data`` that takes them in place of the originals: a
    copy written beside its original in the folder given as ``--data`` was taken with it on the next
    run, and refused as an overlap (break45d A3). None where CDO has no such operator or does not
    copy the files whole (Zarr stores, steps of no calendar period): the advice of
    :func:`averaging_advice` then. Files CDO does not copy whole (a CF station file; WRF's wrfout,
    whose ``Times`` is text and whose ``XTIME`` is a variable on ``Time``) are written by the
    xarray line of :func:`~climann.data.resampling.calendar_resample_command`, in the same loop
    over every file (break46a A2: one wrfout file of ten was named, and the line failed on it)."""
    prefix = _FREQUENCIES.get(frequency)
    files = fine.distinct_files
    if any(is_zarr_store(file) for file in files):
        return None
    if (composites := _composite_advice(fine, frequency, time)) is not None:
        return composites
    if prefix is None:
        return None
    statistic, words = _statistic_of(fine.value_word, fine.extreme)
    if all(cdo_copies(str(file), time) for file in files):
        directions = file_directions(fine.file) if statistic == "mean" else {}
        operator = _cdo_time_statistic(f"{prefix}{statistic}", directions)
        # several variables in the same files (_Together: IMERG's precipitation and its quality index in each
        # half-hour's file) are one series of those files: merged by time as one variable's (break56b A2: a
        # per-file daymean of one-step files kept them half-hourly); in files of their own, one loop over them
        single = fine if isinstance(fine, _Axis) else _one_series_part(fine)
        if single is not None and (merged := _merged_periods_advice(single, frequency, prefix, operator,
                                                                    words)) is not None:
            return merged

        def tool(source: str, copy: str) -> str:
            return f"cdo {operator} {source} {copy}"
    elif frequency in _CALENDAR_PERIODS:
        def tool(source: str, copy: str) -> str:
            return calendar_resample_command(fine.file, _CALENDAR_PERIODS[frequency], frequency, time,
                                             statistic=statistic, files=f"{source} {copy}")
    else:
        return None
    command, data, replaced = _copies_of(fine, frequency, tool, period=frequency)
    kept_apart = _OWN_FOLDER if len(files) > 1 else _OWN_FOLDER_ONE
    return f"e.g. {frequency} {words} with `{command}`, then give --data {data} in place of {replaced} {kept_apart}"


def _one_series_part(together: _Together) -> _Axis | None:
    """The first of ``together``'s variables when every one of them is in the same files at the same
    stamps (one series of files, each holding all of them), None otherwise: that variable's axis then
    says how the files' steps fall in periods for all of them (:func:`_merged_periods_advice`)."""
    first = together.parts[0]
    same = all(sorted(map(str, part.distinct_files)) == sorted(map(str, first.distinct_files))
               and len(part.times) == len(first.times) and all(a == b for a, b in zip(part.times, first.times))
               for part in together.parts[1:])
    return first if same else None


#: A target's N-day composites restarting each 1 January, as its step is named (``"8-day composites"``).
_COMPOSITES = re.compile(r"(\d+)-day composites")


def _composite_advice(fine: _Axis, frequency: str, time: str) -> str | None:
    """The line that brings ``fine``'s files (every variable's at its step, :class:`_Together`)
    to ``frequency``'s N-day composites restarting each 1 January
    (:func:`~climann.data.resampling.composite_resample_command`), one loop over the files, the
    copies in a new folder, their bounds those of the target's composites (break55c A3: daily
    GLEAM beside 8-daily FLUXCOM was told "e.g. with xarray's Dataset.resample", no line). None
    for other steps, and for values neither averaged nor summed."""
    found = _COMPOSITES.fullmatch(str(frequency))
    statistic, words = _statistic_of(fine.value_word, fine.extreme)
    if found is None or statistic not in ("mean", "sum"):
        return None
    days = int(found.group(1))

    def tool(source: str, copy: str) -> str:
        return composite_resample_command(fine.file, days, time, statistic=statistic, files=f"{source} {copy}")

    command, data, replaced = _copies_of(fine, f"{days}-day", tool)
    return (f"e.g. {days}-day {words} restarting each 1 January, with the composites' bounds, with `{command}`, "
            f"then give --data {data} in place of {replaced} {_OWN_FOLDER}")


def _merged_periods_advice(fine: _Axis, frequency: str, prefix: str, operator: str, words: str) -> str | None:
    """The one ``cdo`` line for ``fine``'s files when a period of ``frequency`` holds values of several
    of them (:func:`~climann.data.split_periods.periods_split_by_files`; fix54k: NLDAS-2's hourly files
    were advised one ``daysum`` each, 72 one-hour "days"): merged by time first, each stamp at the end
    of its window moved to the window's start (``-shifttime`` by the files' own window,
    :func:`~climann.data.split_periods.window_start_shift`: the total over 23–24 h is its day's), then
    ``operator`` (``daysum``), each value given its whole period as its cell (``settbounds``), its copy in
    a new folder. A first or last period the files cover in part is named and left out (``-seldate``), not
    summed short. None when each period lies in one file."""
    shift = window_start_shift(list(fine.times), list(fine.cells))
    starts = [time - shift for time in fine.times] if shift is not None else list(fine.times)
    merged = _merged_series(fine.distinct_files)
    if merged is None or not periods_split_by_files(starts, fine.files, prefix):
        return None
    step = shift or min((later - earlier for earlier, later in zip(starts, starts[1:])), default=None)
    partials = partial_periods(starts, step, prefix) if step else []
    kept = whole_range(starts, partials, prefix)
    if kept is None:
        return None
    folder = copies_folder(Path(fine.file).parent, frequency)
    copy = copy_in_folder(folder, merged[0], frequency)
    # the period's own cell on each value: -shifttime moved the files' bounds with the stamps (a month of daily
    # totals from [D, D + 1] began the day before), and without bounds cdo spans the first to the last stamp (23 h)
    operators = (f"settbounds,{_CDO_PERIODS[prefix]} -{operator}"
                 f"{whole_periods_selection(partials, kept, prefix, calendar_of(starts))}{shifttime_operator(shift)}")
    # CDO opens no path with a space: in a folder "my data" it runs inside the folder (fix56d)
    cdo = (cdo_inside_folder(operators, list(dict.fromkeys(map(str, fine.distinct_files))), copy)
           or f"cdo {operators} {merged[1]} {shown_path(copy)}")
    command = f"{none_there(copy)}mkdir -p {shown_path(folder)} && {cdo}"
    if any(map(is_grib_file, fine.distinct_files)):
        command = grib_command(command)  # CDO writes GRIB from GRIB, under any name
    moved = (f", each stamp ({date_text(fine.times[0])}, …) the end of its value's {_duration_words(shift)} and "
             f"moved to its start so that each value falls in the {period_words(prefix)} it covers") if shift else ""
    left_out = "; ".join(f"{period_name(period)} holds {held} of its {whole} values, left out of the copy"
                         for period, held, whole in partials)
    told = f" ({left_out}: its {words} would be of those values only)" if partials else ""
    return (f"e.g. {frequency} {words} of the {len(fine.distinct_files)} files merged by time (each holds less than "
            f"a {period_words(prefix)}{moved}) with `{command}`{told}, then give --data {shown_path(copy)} in place "
            f"of {merged[2]} {_OWN_FOLDER_MERGED}")


def _duration_words(shift: datetime.timedelta) -> str:
    seconds = int(shift.total_seconds())
    return f"{seconds // 3600} h" if seconds % 3600 == 0 else f"{seconds // 60} min"


#: Said after the ``--data`` that takes copies written into a folder of their own (:func:`copies_folder`).
_OWN_FOLDER = "(the copies are in a folder of their own: a glob over the originals' folder does not take them)"
#: Said after the ``--data`` that takes the one copy of several files merged (:func:`_merged_series`).
_OWN_FOLDER_MERGED = "(the copy is in a folder of its own: a glob over the originals' folder does not take it)"
#: Said after the ``--data`` that takes the one copy of one file (fix55f: it was told "the copies are").
_OWN_FOLDER_ONE = "(the copy is in a folder of its own: a glob over the original's folder does not take it)"


#: The longest time cell, in days, of one calendar month's value (31 days and an hour of slack for
#: a cell written to the hour); a longer cell beside a forecast of one calendar month is several months'.
_LONGEST_MONTH_DAYS = 31.05


def _months_averaged(axis: _Axis) -> tuple[int, str] | None:
    """How many calendar months each value of ``axis`` is a statistic over when that is more than
    one, and what says so; None when it is one month, or cannot be told. By its time cells (CF 7.1
    bounds, the longest of them: DJF means of ``cdo seasmean`` bounded 1 December to 1 March), else,
    without bounds, when its cell_methods (or GRIB stepType) name a statistic over time and its
    stamps open three-month seasons one after another (:func:`calendar_seasons`: ``time: mean`` on
    the 1st of December, March, June and September), each value then that statistic over the
    season its stamp opens. Values one a year on the 1st without bounds (December values, or DJF
    means stamped 1 December) say neither: :func:`_with_forecast_month_cells` warns of that reading."""
    if axis.cells and None not in axis.cells:
        days = [(max(cell) - min(cell)).total_seconds() / 86400 for cell in axis.cells]
        if max(days) <= _LONGEST_MONTH_DAYS:
            return None
        first = axis.cells[next(index for index, length in enumerate(days) if length > _LONGEST_MONTH_DAYS)]
        return max(2, round(max(days) / 30.44)), (f"its time bounds, e.g. {date_text(min(first))} to "
                                                 f"{date_text(max(first))}")
    if all(cell is None for cell in axis.cells) and axis.statistic and (seasons := calendar_seasons(axis)):
        return 3, f"its cell_methods name a {axis.value_word} over each step, {seasons[0]}, without bounds"
    return None


def _check_month_forecast_partners(axes: Sequence[_Axis]) -> None:
    """Refuse a variable whose values are each a statistic over several months
    (:func:`_months_averaged`: DJF means) beside a seasonal forecast at one lead month
    (:attr:`_Axis.month_values`), whose values are each one calendar month's: paired by the month
    a stamp opens, a December forecast was scored against the DJF mean, silently (time bounds of
    three months) or as if it were December's (no bounds, one warning). Names the months each value
    covers, what says so, and the way out: the monthly values of the forecast's months.

    Raises
    ------
    ClimannError
        If such a pair is among ``axes`` (the used variables').
    """
    forecasts = [axis for axis in axes if axis.month_values]
    for other in (axis for axis in axes if forecasts and not axis.month_values and not axis.lead):
        if (averaged := _months_averaged(other)) is None:
            continue
        count, evidence = averaged
        forecast = forecasts[0]
        months = sorted({time.month for time in forecast.times})
        raise ClimannError(
            f"{other.variable} holds {count}-month {other.value_word}s ({evidence}) and {forecast.variable} is a "
            f"seasonal forecast at one lead month ({forecast.lead}), each value one calendar month's "
            f"({_named_months(months)}): a month's forecast is no forecast of a {count}-month {other.value_word} and "
            f"climann does not pair them; give {other.variable}'s monthly values of those months instead (`cdo "
            f"selmon,{','.join(map(str, months))} MONTHLY.nc OUT.nc` on the monthly file they were averaged from, "
            f"then --data OUT.nc in place of {other.file})")


def _times_of_day(coarse: _Axis, fine: _Axis) -> list[int] | None:
    """The times of day of ``coarse``'s stamps, in minutes after 00:00, when they are the same
    every day (its step divides a day: 3-hourly at 00, 03, … 21) and ``fine`` holds each of its
    stamps within ``fine``'s period, so that taking ``fine`` at those times gives ``coarse``'s
    steps; None otherwise."""
    step = _step_minutes(coarse)
    if step <= 0 or 1440 % step:
        return None
    try:
        if any(time.second or time.microsecond for time in coarse.times):
            return None
        minutes = sorted({time.hour * 60 + time.minute for time in coarse.times})
        within = {time for time in coarse.times if fine.times[0] <= time <= fine.times[-1]}
    except (AttributeError, TypeError):  # dates of two calendars
        return None
    held = set(fine.times)
    return minutes if len(minutes) == 1440 // step and within and within <= held else None


def _subsampling_advice(coarse: _Axis, fine: _Axis, used: Sequence[_Axis]) -> str | None:
    """The way to bring ``fine``'s files to ``coarse``'s sub-daily steps when both hold values at
    instants (:attr:`_Axis.at_instants`): the finer values at the coarser's times of day
    (:func:`_times_of_day`; ``cdo selhour``), a copy of each of ``fine``'s files in a new folder
    beside them (a loop over several), and the ``--data`` that takes the copies. Averaging
    instants would give means over cells ``coarse``'s instants are not of, stamped at their
    middles (break43c A5). None when either is not at instants, ``coarse`` is not sub-daily (a
    daily value without bounds is read as the day's), another used variable of ``fine``'s files
    is not at instants (a copy of the whole file is made), or the times do not fit."""
    files = fine.distinct_files
    beside = [axis for axis in used if set(axis.distinct_files) & set(files)]
    if not (_sub_daily(coarse) and coarse.at_instants and all(axis.at_instants for axis in [fine, *beside])):
        return None
    minutes = _times_of_day(coarse, fine)
    if minutes is None:
        return None
    time = dict(fine.file_dims).get(fine.file, "time")
    cdo = cdo_copies(str(fine.file), time)
    command, data, replaced = _copies_of(
        fine, str(coarse.frequency),
        lambda source, copy: times_of_day_command(minutes, time, f"{source} {copy}", cdo=cdo))
    clocks = [f"{minute // 60:02d}:{minute % 60:02d}" for minute in minutes]
    clocks = ", ".join(clocks) if len(clocks) <= 3 else f"{clocks[0]}, {clocks[1]}, …, {clocks[-1]}"
    return (f"both are values at instants (no time bounds, and no statistic over time in cell_methods), so take "
            f"{fine.variable} at the times of day of {coarse.variable} ({clocks}) rather than averaging it: "
            f"`{command}`; then give --data {data} in place of {replaced}")


def _kind(axis: _Axis) -> str:
    """The axis's frequency in words: ``seasonal (DJF, MAM, JJA, SON)`` or ``monthly``…"""
    seasons = calendar_seasons(axis)
    return seasons[0] if seasons else str(axis.frequency)


def _pairs(known: _Axis, unsure: _Axis, periods: np.ndarray) -> set:
    """The (stamp of ``known``, stamp of ``unsure``) of the steps paired when ``unsure``'s
    steps are of ``periods``."""
    at = dict(zip(periods, unsure.times))
    return {(time, at[period]) for time, period in zip(known.times, known.opening) if period in at}


def _opening_beside_forecast_months(unsure: _Axis, other: _Axis) -> bool:
    """Whether ``unsure``, monthly values stamped on the 1st without bounds (not a forecast), is
    beside ``other``, a seasonal forecast at one lead month (:attr:`_Axis.month_values`), whose
    months are known: the lead month's calendar month, stamped at its first instant. Such values
    are read as the months their stamps open, as ECMWF dates ERA5's monthly means and the forecast
    its months, with one warning (:func:`_warn_month_starts_beside_forecasts`)."""
    return other.month_values and not unsure.lead and not unsure.month_values and unsure.step == "monthly"


def _warn_month_starts_beside_forecasts(axes: Sequence[_Axis], given: Sequence[str | Path] = ()) -> None:
    """One warning for each variable of ``axes`` stamped on the 1st at 00:00 without time bounds
    beside a seasonal forecast at one lead month (:func:`_opening_beside_forecast_months`): paired by
    stamp, each value goes with the forecast of the month its stamp opens (ERA5's monthly means
    without their GRIB keys, which :mod:`climann.data.ecmwf_means` reads as so without a warning); a
    file stamped at the end of each month (CESM) would go with the forecast of the month after.
    Names that reading and the way to say which it is (:func:`~climann.data.step_periods.bounds_advice`).
    Monthly values stamped inside their months (the 15th, the 16th at 12:00) are paired with the
    forecast of their month and need no warning."""
    forecasts = [axis for axis in axes if axis.month_values]
    for unsure in (axis for axis in axes if forecasts and not axis.known):
        if not _opening_beside_forecast_months(unsure, forecasts[0]):
            continue
        stamped = np.flatnonzero(unsure.opening != unsure.closing)
        files = list(dict.fromkeys(unsure.files[step] for step in stamped))
        note_once(_log, logging.WARNING, (
            f"{unsure.variable} is stamped on the 1st at 00:00 without time bounds ({Path(str(files[0])).name}: "
            f"{date_text(unsure.times[stamped[0]])}, …), which may open its month (ERA5) or close the month before "
            f"(CESM history files); beside {forecasts[0].variable}, a seasonal forecast at one lead month "
            f"({forecasts[0].lead}) of the calendar month its valid time opens, each {unsure.variable} value is "
            f"read as the month its stamp opens, as ECMWF dates its monthly means; to say which it is, "
            f"{bounds_advice(files, 'monthly', given=given)}"), key=("month starts beside forecast months",
                                                                      unsure.variable))


def _check_known_periods(axes: Sequence[_Axis], given: Sequence[str | Path] = ()) -> None:
    """Refuse a variable stamped on its periods' first instants without bounds beside one whose
    periods are known, when the two readings of its stamps pair their steps differently; the
    advice's ``--data`` keeps the other files of ``given`` (every file read) beside the copies."""
    known = [axis for axis in axes if axis.known]
    for ending in (axis for axis in known if axis.read_as_ending is not None):
        if others := [axis.variable for axis in known if axis is not ending and axis.read_as_ending is None]:
            first, period = ending.read_as_ending, {"yearly": "year", "monthly": "month"}.get(ending.step, "day")
            note_once(_log, logging.WARNING, (
                f"{ending.variable} is stamped {first_instant_text(str(ending.step))} without time bounds "
                f"({date_text(ending.times[first])}, …) and {ending.ending} says each value is over the window ending "
                f"at its stamp: each is paired with {' and '.join(others)} of the {period} ending there "
                f"({date_text(ending.times[first])} with {period_text(ending.opening[first], ending.step)})"),
                key=("read as ending", ending.variable))
    for unsure in (axis for axis in axes if not axis.known):
        for other in known:
            if _opening_beside_forecast_months(unsure, other):
                continue  # read as the months its stamps open, with one warning (_warn_month_starts_beside_forecasts)
            if _pairs(other, unsure, unsure.opening) != _pairs(other, unsure, unsure.closing):
                stamped = np.flatnonzero(unsure.opening != unsure.closing)
                raise unknown_periods_refusal(
                    other.step, (unsure.variable, [unsure.files[step] for step in stamped], unsure.times[stamped[0]]),
                    (other.variable, other.file, other.times[0], other.cells[0]), given=given,
                    lead=unsure.lead)


def _no_overlap_refusal(axes: Sequence[_Axis]) -> ClimannError:
    """Naming the variable whose period ends first and the one whose period begins last
    (two that do not overlap; the first of ``axes``, the target, first when it is one)."""
    first = axes[0]
    ends_first = min(axes, key=lambda axis: max(axis.opening))
    begins_last = max(axes, key=lambda axis: min(axis.opening))
    one, other = sorted((ends_first, begins_last), key=lambda axis: axis is not first)
    return ClimannError(
        f"{one.variable} ({one.period}) and {other.variable} ({other.period}) cover periods that do not "
        f"overlap: {_SAME_STEPS}; give files of a common period"
    )


def _offset_refusal(first: _Axis, other: _Axis) -> ClimannError | None:
    """When every step of ``other`` lies one fixed interval from the step of ``first`` with
    the same index (CMIP6's 3-hourly instants ``3hrPt`` beside 3-hourly means ``3hr`` stamped
    at their cells' middles, 1:30 later), the refusal that says so and gives the two ways
    between which the user chooses (which mean goes with which instant is no fact of the files);
    None otherwise. The ways change ``other``'s files, each of them (a loop over several,
    :func:`_copies_of`): ``first``, the target, keeps its stamps (break43c A5: the observed wave
    heights' stamps were to be moved, in the first of their 30 files only). Instants are moved
    (:func:`~climann.data.time_commands.shift_command`); statistics over cells are stamped at
    their cells' start or end instead (:func:`_edge_choice`): CDO's ``shifttime`` moves a file's
    bounds with its times, and a mean's bounds moved 1:30 would say it is over a cell it is not
    (break37a C3)."""
    if len(first.times) != len(other.times) or len(first.times) < 2:
        return None
    try:
        offsets = {later - earlier for earlier, later in zip(first.times, other.times)}
    except TypeError:  # dates of two calendars
        return None
    if len(offsets) != 1:
        return None
    offset = offsets.pop()
    minutes = round(offset.total_seconds() / 60)
    if minutes == 0 or abs(offset.total_seconds()) >= median_step_days(first.times) * 86400:
        return None
    later, earlier = (other, first) if minutes > 0 else (first, other)
    shift = abs(minutes)
    said = (f"every step of {later.variable} lies {shift // 60}:{shift % 60:02d} after the step of {earlier.variable} "
            f"({later.variable} {later.period}, {earlier.variable} {earlier.period}; e.g. instants beside means over "
            f"cells that begin or end at them, as CMIP6's 3hrPt beside 3hr): {_SAME_STEPS}; ")
    if other.over_cells:
        return ClimannError(said + _edge_choice(other, first))
    sign = 1 if other is later else -1  # moving the earlier one later pairs as moving the later one earlier
    time = dict(other.file_dims).get(other.file, "time")
    cdo = cdo_copies(str(other.file), time)
    before, data, replaced = _copies_of(
        other, "shifted", lambda source, copy: shift_command(-shift * sign, time, f"{source} {copy}", cdo=cdo))
    after, _, _ = _copies_of(other, "shifted", lambda source, copy: shift_command(
        (_step_minutes(earlier) - shift) * sign, time, f"{source} {copy}", cdo=cdo))
    return ClimannError(
        f"{said}which of {later.variable}'s steps goes with which of {earlier.variable}'s is a choice, made on "
        f"{other.variable}'s files ({first.variable} keeps its stamps): `{before}` pairs each with the step of "
        f"{earlier.variable} before it, `{after}` with the one after it; then give --data {data} in place of {replaced}"
    )


def _copies_of(axis: _Axis, name: str, tool: Callable[[str, str], str], *, store_copy: str = ".zarr",
               period: str | None = None) -> tuple[str, str, str]:
    """The command that writes the copy ``tool(input, copy)`` makes of each of ``axis``'s files
    into a new folder ``name`` beside the first (:func:`~climann.data.shell.copies_command`:
    one command, or a loop over a glob or the files), the ``--data`` argument that takes the
    copies, and the words naming the files they replace. Of Zarr stores, which a shell loop's
    xarray line does not write, one command each (:func:`_store_copies`), each copy under its
    store's name in a new folder ``name``, ending ``store_copy`` (``.nc`` for a tool that writes
    NetCDF). ``period``: the copies hold statistics over these periods, named for them
    (:func:`~climann.data.shell.period_renaming`: daily means of ``pr_…_3hr_….nc`` under that
    name were listed as 3-hourly files, break54c A7)."""
    files = axis.distinct_files
    replaced = shown_path(files[0]) if len(files) == 1 else f"the {len(files)} files of {axis.variable}"
    if any(is_zarr_store(file) for file in files):
        return (*_store_copies(files, name, tool, store_copy), replaced)
    folder = copies_folder(Path(files[0]).parent, name)
    return copies_command(tool, folder, files, period=period), copies_data(folder, files, period=period), replaced


def _store_copies(files: Sequence[str], name: str, tool: Callable[[str, str], str], store_copy: str
                  ) -> tuple[str, str]:
    """:func:`_copies_of` for files among which are Zarr stores: the commands ``tool(input, copy)``,
    one per file, each copy under its file's name ending ``store_copy`` in a new folder ``name``
    beside it (:func:`~climann.data.shell.copies_folder`, one per folder of the files), made first
    and checked to hold none of them (:func:`~climann.data.shell.none_there`), then the
    ``--data`` arguments that take the copies. A copy written beside its store (``tas_fixed.zarr``
    beside ``tas.zarr``) was taken with it by a glob over their folder (fix57a, as break52a A1 for
    NetCDF files)."""
    folders = {parent: copies_folder(parent, name) for parent in dict.fromkeys(Path(file).parent for file in files)}
    copies = [folders[Path(file).parent] / f"{Path(file).stem}{store_copy}" for file in files]
    commands = [tool(shown_path(file), shown_path(copy)) for file, copy in zip(files, copies)]
    kept = "".join(none_there(copy) for command, copy in zip(commands, copies) if not guards_itself(command))
    made = " && ".join(f"mkdir -p {shown_path(folder)}" for folder in folders.values())
    return f"{kept}{made} && {' && '.join(commands)}", " --data ".join(shown_path(copy) for copy in copies)


def _edge_choice(means: _Axis, instants: _Axis) -> str:
    """The way out for statistics over time cells (``means``, CF bounds) beside the target's
    ``instants``: which instant goes with each is a choice, made on the statistics' files (the
    target keeps its stamps): each stamped at its cell's start, or its end, without its bounds
    (:func:`~climann.data.time_commands.edge_stamp_command`), for each edge at which some
    instant of ``instants`` lies."""
    time = dict(means.file_dims).get(means.file, "time")
    options, data, replaced = [], "", ""
    for edge, bound in (("start", min), ("end", max)):
        if not {bound(cell) for cell in means.cells} & set(instants.times):
            continue
        command, data, replaced = _copies_of(
            means, "at_instants", lambda source, copy, edge=edge: edge_stamp_command(edge, time, f"{source} {copy}"))
        options.append(f"`{command}` stamps each at its cell's {edge}, paired with the instant of "
                       f"{instants.variable} there")
    if not options:
        return (f"which of {instants.variable}'s instants goes with each value of {means.variable} is a choice, and no "
                f"edge of {means.variable}'s time cells lies at one: give {means.variable} at {instants.variable}'s "
                f"stamps ({instants.variable} keeps its own)")
    return (f"which of {instants.variable}'s instants goes with each value of {means.variable} (over the time cells "
            f"of its bounds) is a choice, made on {means.variable}'s files ({instants.variable} keeps its stamps): "
            f"{' or '.join(options)} (without its time bounds: means stamped at an edge of their cells beside "
            f"instants are this choice again); then give --data {data} in place of {replaced}")


def _stamped_edge(axis: _Axis) -> str | None:
    """``"end"`` or ``"start"`` when every stamp of ``axis`` is its time cell's upper or lower
    bound (CESM stamps a mean at its cell's end); None otherwise (a step without a cell, stamps
    inside their cells)."""
    if not axis.cells or None in axis.cells:
        return None
    for edge, bound in (("end", max), ("start", min)):
        if all(time == bound(cell) for time, cell in zip(axis.times, axis.cells)):
            return edge
    return None


def _sub_daily(axis: _Axis) -> bool:
    days = median_step_days(axis.times)
    return days is not None and days < 0.99


def _check_means_beside_instants(axes: Sequence[_Axis]) -> None:
    """Refuse sub-daily means stamped at an edge of their time cells (CESM's 3-hourly means at
    their ends) beside instants without cells at the same stamps (3hrPt ``tas``): which instant
    goes with each mean is a choice, refused as for the same means stamped at their cells'
    middles (CMIP6, :func:`_offset_refusal`), whatever instant the file stamps (break33b B6). A
    forecast's statistics over windows ending at their valid times are not such means
    (:mod:`climann.data.forecast_windows`)."""
    for mean in axes:
        edge = _stamped_edge(mean)
        if edge is None or mean.windows or mean.lead or not _sub_daily(mean):
            continue
        for instant in axes:
            if (instant is mean or instant.windows or any(cell is not None for cell in instant.cells)
                    or not _sub_daily(instant) or not set(mean.times) & set(instant.times)):
                continue
            raise _edge_refusal(mean, instant, edge, axes[0])


def _said_instants(axis: _Axis) -> bool:
    """Whether ``axis``'s values say they are at instants: CF ``time: point`` or cfgrib's
    ``GRIB_stepType = "instant"`` (ERA5's analyses), without time cells, neither a forecast's window
    nor at a chosen lead. A daily value that says nothing (no ``cell_methods``) may be a mean, and
    is not taken for one."""
    return ((axis.instants or axis.grib_instants) and all(cell is None for cell in axis.cells)
            and not axis.windows and not axis.lead)


def _daily_statistic(axis: _Axis) -> bool:
    """Whether ``axis`` holds daily statistics over time (``time: sum``, ``time: mean``, GRIB ``avg``
    or ``accum``) on days of their own (no bounds, or cells of one day), not a forecast's window, at
    a chosen lead, nor read as the day ending at its stamp by its words (GloFAS's dis24)."""
    one_day = datetime.timedelta(days=1)
    return (axis.frequency == "daily" and axis.statistic and not axis.instants and not axis.windows
            and not axis.lead and not axis.ending and axis.read_as_ending is None
            and all(cell is None or max(cell) - min(cell) == one_day for cell in axis.cells))


def _at_midnight(times: Sequence[object]) -> bool:
    """Whether every one of ``times`` is at 00:00."""
    return all((getattr(time, "hour", None), getattr(time, "minute", None), getattr(time, "second", None))
               == (0, 0, 0) for time in times)


def _next_day(time: object) -> object:
    """``time`` one day later (numpy, datetime or cftime)."""
    if isinstance(time, np.datetime64):
        return time + np.timedelta64(1, "D")
    return time + datetime.timedelta(days=1)


def _check_own_short_cells(axes: Sequence[_Axis], time_range: Sequence[str]) -> None:
    """Each used variable's own time cells, before its steps are paired by period with the target's and
    take the target's cells: a total over a cell shorter than its usual one refused, another value warned
    of (:func:`~climann.data.short_cells.check_own_short_cells`)."""
    from climann.data.short_cells import check_own_short_cells

    for axis in axes:
        if axis.cells and None not in axis.cells and not axis.windows and not axis.lead:
            check_own_short_cells(axis.variable, axis.cells, total=axis.value_word == "total",
                                  where=files_text(axis.distinct_files, listed=3), time_range=time_range)


def _check_days_beside_instants(axes: Sequence[_Axis]) -> None:
    """Daily statistics beside instants at their 00:00 stamps (:mod:`climann.data.day_instants`):
    without time bounds, refused (which instant goes with each day, the one that opens it or the
    one that closes it, is a choice: :func:`_day_instants_refusal`); with bounds of one day stamped
    at one edge of their cells, at the same stamps as the instants, paired by stamp and said once
    (:func:`_note_day_instants`)."""
    for days in (axis for axis in axes if _daily_statistic(axis)):
        for instant in axes:
            if instant is days or not _said_instants(instant) or instant.frequency != "daily":
                continue
            shared = set(days.times) & set(instant.times)
            if not shared or not _at_midnight(sorted(shared)):
                continue
            if all(cell is None for cell in days.cells):
                raise _day_instants_refusal(days, instant)
            if (edge := _stamped_edge(days)) is not None and np.array_equal(days.times, instant.times):
                _note_day_instants(days, instant, edge)


def check_mixed_day_instants(files: Mapping[str | Path, xr.Dataset], used: Collection[str] | None = None) -> None:
    """Refuse files that hold daily statistics (``time: sum``, ``time: mean``, GRIB ``accum``,
    ``avg``) and instants (``time: point``, GRIB ``instant``) on one time axis without bounds,
    stamped at 00:00, both kinds among the ``used`` variables (None: every one).

    Beside instants at their stamps, which instant goes with each day's value is a choice
    (:func:`_check_days_beside_instants`), made by the statistics' time bounds; but bounds on
    a file's one time axis would be the instants' too, giving an analysis a day's cell (CF 7.1:
    the bounds of a coordinate are every variable's along it). The way out splits the files
    (:func:`_split_kinds_command`, one guarded loop over a series of them: a line for the first
    file alone met the same refusal at the next, fix54a); the statistics' files alone are then
    bounded, as for two files. A file whose time has bounds is read
    (:func:`_note_mixed_bounded_days`).

    Parameters
    ----------
    files : mapping of str or Path to xarray.Dataset
        Each file given, opened.
    used : collection of str or None
        The variables the run reads.

    Raises
    ------
    ClimannError
        One line naming the files (how many), both kinds and the line that splits them.
    """
    mixed: dict[str | Path, tuple[list[_Axis], list[_Axis]]] = {}
    for path, dataset in files.items():
        if (kinds := _mixed_kinds(path, dataset, used)) is not None:
            mixed[path] = kinds
    if not mixed:
        return
    paths = list(mixed)
    statistics, instants = mixed[paths[0]]
    names = list(dict.fromkeys(axis.variable for kinds in mixed.values() for axis in kinds[1]))
    split, data = _split_kinds_command(paths, names)
    one = len(paths) == 1
    held = Path(str(paths[0])).name if one else f"{files_text(paths)} ({len(paths)} files) each"
    raise ClimannError(
        f"{held} hold{'s' if one else ''} {_listed([axis.variable for axis in statistics])}, daily "
        f"{_statistic_words(statistics[0])} (read as the day beginning at each stamp), and "
        f"{_listed([axis.variable for axis in instants])}, instants ({instants[0].variable}'s cell_methods "
        f"'time: point' or GRIB_stepType 'instant'), on one time axis without bounds stamped at 00:00 "
        f"({date_text(statistics[0].times[0])}, …): which instant goes with each day's value, the one that opens "
        f"the day or the one that closes it, is a choice the stamps do not make, and time bounds on "
        f"{'the' if one else 'a'} file's one axis would be the instants' too (a day's cell for an analysis); split "
        f"{'it' if one else 'them'}: `{split}`, then give {data} in place of "
        f"{Path(str(paths[0])).name if one else 'them'}, and climann gives the line that bounds the statistics for "
        f"either instant")


def _mixed_kinds(path: str | Path, dataset: xr.Dataset,
                 used: Collection[str] | None) -> tuple[list[_Axis], list[_Axis]] | None:
    """The axes of the daily statistics without bounds and of the daily instants of one file, both
    among ``used`` and stamped at 00:00 (:func:`check_mixed_day_instants`), or None when it holds
    not both. A file whose time has bounds is said once and read (:func:`_note_mixed_bounded_days`)."""
    time = _time_dimension(dataset)
    if time is None or dataset.indexes[time].dtype.kind not in "MO":
        return None  # no dated axis: the checks of the files' times say what they find
    marked = [dataset[name].attrs for name in data_variable_names(dataset) if time in dataset[name].dims]
    if not any(holds_instants(attrs) for attrs in marked):
        return None
    try:
        _, axes = _time_axes([dataset], [path])
    except (ClimannError, ValueError, TypeError):
        return None  # said of the file by the checks of its times
    axes = [axis for axis in axes if used is None or axis.variable in used]
    statistics = [axis for axis in axes if _daily_statistic(axis)]
    # the file's one time axis: its bounds, when there are any, are the instants' cells too
    instants = [axis for axis in axes if (axis.instants or axis.grib_instants) and not axis.windows
                and not axis.lead and axis.frequency == "daily"]
    if not statistics or not instants or not _at_midnight(statistics[0].times):
        return None
    if dataset[time].attrs.get("bounds") or dataset[time].encoding.get("bounds"):
        _note_mixed_bounded_days(path, statistics[0], instants)
        return None
    if not all(cell is None for cell in statistics[0].cells):
        return None
    return statistics, instants


def _note_mixed_bounded_days(path: str | Path, days: _Axis, instants: Sequence[_Axis]) -> None:
    """Say once how one file of daily statistics with one-day time bounds (``cdo merge`` of a
    bounded tp file and an analysis file keeps tp's ``time_bnds``) and instants at the same stamps
    is read: each statistic over its bounds, each instant at its stamp, paired by the file's own
    rows, the instant that opens (bounds ``[D, D + 1]``) or closes (``[D - 1, D]``) each day.
    CF 7.3's ``time: point`` says the instants' values are at their stamps whatever the time's
    bounds; the file's maker paired them (fix54a). Bounds of other lengths, or a stamp not at one
    edge of its cell, are left to the checks of the files' times."""
    edge = _stamped_edge(days)
    if edge is None:
        return
    low, high = sorted(days.cells[0])
    names = _listed([axis.variable for axis in instants])
    note_once(_log, logging.WARNING, (
        f"{Path(str(path)).name} holds {days.variable}'s daily {_statistic_words(days)} with time bounds "
        f"({date_text(days.times[0])} for {date_text(low)} to {date_text(high)}, …) and {names}, instants "
        f"('time: point' or GRIB 'instant') at the same stamps: each {days.variable} value is read over its bounds "
        f"and each instant at its stamp, paired as the file's rows pair them, with the instant that "
        f"{'opens' if edge == 'start' else 'closes'} its day; for the other instant, write {names} to a file of "
        f"{'its' if len(instants) == 1 else 'their'} own without the time bounds and give both files"),
        key=("mixed bounded days", str(path), days.variable))


def _split_kinds_command(paths: Sequence[str | Path], instants: Sequence[str]) -> tuple[str, str]:
    """The printed line that splits each file of ``paths`` into a new folder ``by_kind`` beside it
    (:func:`~climann.data.shell.new_folder`): ``STEM_statistics.nc``, every variable but the
    ``instants`` (``cdo delname``), and ``STEM_instants.nc``, the ``instants`` (``cdo selname``),
    each guarded against writing over a file (:func:`~climann.data.shell.cdo_command`; of several
    files of a folder, one loop over them, each copy checked first,
    :func:`~climann.data.shell.none_there_in_loop`). Of a Zarr store, which cdo does not read, the
    xarray line (:data:`_SPLIT_KINDS_PYTHON`), its two parts NetCDF files (cdo then reads them).

    Parameters
    ----------
    paths : sequence of str or Path
        The files, each holding both kinds.
    instants : sequence of str
        The files' names of their instantaneous variables.

    Returns
    -------
    tuple of str
        ``mkdir -p by_kind && cdo delname,t2m both.nc by_kind/both_statistics.nc && cdo selname,t2m
        both.nc by_kind/both_instants.nc`` with its guards (one line of ``&&`` for several folders), and
        the ``--data`` of the parts.
    """
    names = ",".join(instants)
    lines, data = [], []
    for parent in dict.fromkeys(Path(str(path)).parent for path in paths):
        own = [path for path in paths if Path(str(path)).parent == parent]
        folder = new_folder(parent, "by_kind")
        if len(own) == 1:
            line, given = _split_one(own[0], folder, names)
        else:
            line, given = _split_loop(own, folder, names)
        lines.append(line)
        data.append(given)
    return " && ".join(lines), " ".join(data)


#: The xarray that writes the two kinds of a Zarr store (``python -c SCRIPT IN STATISTICS INSTANTS
#: NAMES``, NAMES the instants, comma-separated) into two NetCDF files, which cdo and the lines
#: that bound the statistics then read; it refuses a file there already, and writes each whole or
#: not at all (a temporary name, then renamed).
_SPLIT_KINDS_PYTHON = (
    "import sys,os,xarray as xr;d=xr.open_zarr(sys.argv[1]);n=sys.argv[4].split(',');"
    "[sys.exit(p+' is there already: left as it is, nothing written; move it away or write another name') "
    "for p in sys.argv[2:4] if os.path.lexists(p)];"
    "[(x.to_netcdf(p+'.part'),os.replace(p+'.part',p)) for x,p in ((d.drop_vars(n),sys.argv[2]),(d[n],sys.argv[3]))]"
)


def _split_one(path: str | Path, folder: Path, names: str) -> tuple[str, str]:
    """:func:`_split_kinds_command` for one file (or Zarr store) ``path``, its parts into ``folder``."""
    source = Path(str(path))
    copies = [folder / f"{source.stem}_{kind}.nc" for kind in ("statistics", "instants")]
    if is_zarr_store(source):  # cdo reads no Zarr store: xarray writes its two parts as NetCDF files
        line = (f"mkdir -p {shown_path(folder)} && {python_command(_SPLIT_KINDS_PYTHON)} {shown_path(source)} "
                f"{shown_path(copies[0])} {shown_path(copies[1])} {shlex.quote(names)}")
        return line, " ".join(f"--data {shown_path(copy)}" for copy in copies)
    # CDO opens no path with a space: in a folder with one, run inside it (fix57i)
    split = in_cdo_folder(lambda named: " && ".join(
        cdo_command(f"{operator},{names}", f"{named(source)} {named(copy)}")
        for operator, copy in zip(("delname", "selname"), copies, strict=True)), [source], folder)
    return (f"mkdir -p {shown_path(folder)} && {split}",
            " ".join(f"--data {shown_path(copy)}" for copy in copies))


def _split_loop(paths: Sequence[str | Path], folder: Path, names: str) -> tuple[str, str]:
    """:func:`_split_kinds_command` for several files of one folder: one loop over them (their
    shared glob when one takes them alone, :func:`~climann.data.shell.shared_glob`), both parts of
    each checked not there before anything is written, stopped at the first file cdo fails on
    (:func:`~climann.data.shell.stopping_loop`)."""
    if any(is_zarr_store(path) for path in paths):  # a line for each store
        pieces = [_split_one(path, folder, names) for path in paths]
        return " && ".join(line for line, _ in pieces), " ".join(given for _, given in pieces)
    pattern = shared_glob(paths)
    listed = glob_words(pattern) if pattern is not None else " ".join(shown_path(path) for path in paths)
    copies = {kind: f'{shown_path(folder)}/"$(basename "${{f%.*}}")"_{kind}.nc' for kind in ("statistics", "instants")}
    guards = "".join(none_there_in_loop(listed, copy) for copy in copies.values())

    def loop(named: Callable[[str | Path], str]) -> str:
        """The loop over the files, each path named by ``named`` (from the folder CDO runs in)."""
        over = listed if named is shown_path else (glob_words(Path(pattern.name)) if pattern is not None else
                                                   " ".join(named(path) for path in paths))
        part = {kind: f'{named(folder)}/"$(basename "${{f%.*}}")"_{kind}.nc' for kind in copies}
        # stopped at the first file cdo cannot split: no later file split and no status of the last file's
        return stopping_loop(over, f"cdo delname,{names} \"$f\" {part['statistics']} && cdo selname,{names} "
                                   f"\"$f\" {part['instants']}")

    # CDO opens no path with a space: in a folder with one, the loop runs inside it (fix57i)
    line = f"{guards}mkdir -p {shown_path(folder)} && {in_cdo_folder(loop, paths, folder)}"
    data = " ".join(f"--data {shlex.quote(f'{working_path(folder)}/*_{kind}.nc')}" for kind in copies)
    return line, data


def _statistic_words(axis: _Axis) -> str:
    """"totals" or "means" (the value word of its ``cell_methods``), for messages."""
    return "totals" if axis.value_word == "total" else f"{axis.value_word}s"


def _restamped_lines(days: _Axis, instant: _Axis, edge: str) -> tuple[str, str]:
    """The lines that pair each daily statistic of ``days`` with the instant of ``instant`` at its
    day's ``edge`` ("start": the one that opens it, "end": the one that closes it): the statistics
    stamped there (bounds [time, time + 1 day] where they have none, their own kept) and both kept
    to the days both then hold (:func:`~climann.data.day_instants.day_cells_command`,
    :func:`~climann.data.day_instants.common_steps_command`); and the ``--data`` that takes them in
    place of the files."""
    if edge == "start":
        stamps = [time if cell is None else min(cell) for time, cell in zip(days.times, days.cells)]
    else:
        stamps = [_next_day(time) if cell is None else max(cell) for time, cell in zip(days.times, days.cells)]
    first, last = day_text(max(stamps[0], instant.times[0])), day_text(min(stamps[-1], instant.times[-1]))
    time = dict(days.file_dims).get(days.file, "time")
    own_time = dict(instant.file_dims).get(instant.file, "time")
    restamp, restamped, days_replaced = _copies_of(
        days, f"day_{edge}s", lambda source, copy: day_cells_command(edge, time, f"{source} {copy}", first=first,
                                                                     last=last), store_copy=".nc")
    cut, kept, instants_replaced = _copies_of(
        instant, "common_steps", lambda source, copy: common_steps_command(own_time, f"{source} {copy}", first=first,
                                                                           last=last), store_copy=".nc")
    return (f"`{restamp}` and `{cut}`",
            f"--data {restamped} and --data {kept} in place of {days_replaced} and {instants_replaced}")


def _day_instants_refusal(days: _Axis, instant: _Axis) -> ClimannError:
    """The refusal of :func:`_check_days_beside_instants` for daily statistics without time bounds:
    both readings, each with its line, run as printed (:func:`_restamped_lines`)."""
    words = _statistic_words(days)
    time = dict(days.file_dims).get(days.file, "time")
    bounded, data, replaced = _copies_of(
        days, "day_cells", lambda source, copy: day_cells_command("start", time, f"{source} {copy}"),
        store_copy=".nc")
    closing, closing_data = _restamped_lines(days, instant, "end")
    return ClimannError(
        f"{days.variable} holds daily {words} without time bounds stamped at 00:00 ({date_text(days.times[0])}, …; "
        f"read as the day beginning at each stamp, as ERA5 stamps its daily statistics) and {instant.variable} holds "
        f"instants at those stamps ({instant.variable}'s cell_methods 'time: point' or GRIB_stepType 'instant'): "
        f"which instant goes with each day's value, the one that opens the day (its 00:00) or the one that closes it "
        f"(the next day's 00:00), is a choice the files do not make: {_SAME_STEPS}; for the instant that opens each "
        f"day, `{bounded}` gives {days.variable} time bounds [time, time + 1 day], then give --data {data} in place "
        f"of {replaced}; for the instant that closes it, {closing} stamp each day's value at the day's end (bounds "
        f"[time, time + 1 day]) and keep the days both then hold, then give {closing_data} (for values of the day "
        f"ending at each stamp, as CESM stamps them, give bounds [time - 1 day, time] instead: paired with the "
        f"instant that closes the day)")


def _note_day_instants(days: _Axis, instant: _Axis, edge: str) -> None:
    """Say once which instant goes with each daily statistic stamped at its cells' ``edge`` beside
    instants at the same stamps: the one at its stamp, which opens (``start``) or closes (``end``)
    its day, with the lines that pair the other one (:func:`_restamped_lines`)."""
    low, high = sorted(days.cells[0])
    words = _statistic_words(days)
    opens = edge == "start"
    other_edge, verb = ("end", "closes") if opens else ("start", "opens")
    lines, data = _restamped_lines(days, instant, other_edge)
    other = (f"to pair each with the instant that {verb} its day, {lines} stamp them at their days' {other_edge}s "
             f"(bounds kept) and keep the days both then hold, then give {data}")
    note_once(_log, logging.WARNING, (
        f"{days.variable}'s daily {words} are stamped at the {edge}s of their time cells ({date_text(days.times[0])} "
        f"for {date_text(low)} to {date_text(high)}, …) and {instant.variable} holds instants at the same stamps: "
        f"each day's value is paired with the instant at its stamp (variables stamped alike are paired by their "
        f"stamps), the one that {'opens' if opens else 'closes'} its day; {other}"),
        key=("day instants", days.variable, instant.variable))


def _edge_refusal(mean: _Axis, instant: _Axis, edge: str, target: _Axis | None = None) -> ClimannError:
    """The refusal of :func:`_check_means_beside_instants`. When the instants are the
    ``target``'s, the way out is made on the means' files alone, the target keeping its stamps
    (:func:`_edge_choice`; break43c A5). Otherwise the Python line of
    :func:`~climann.data.resampling.restamp_command` that stamps each mean at its cell's middle,
    its bounds kept (CF 7.1: they say what the mean is over), then the two shifts of the
    instants' files (:func:`~climann.data.time_commands.shift_command`; they have no bounds to
    move) between which the user chooses; each a loop over several files (:func:`_copies_of`)."""
    low, high = sorted(mean.cells[0])
    said = (f"every step of {mean.variable} is stamped at the {edge} of its time cell ({date_text(mean.times[0])} for "
            f"{date_text(low)} to {date_text(high)}; e.g. CESM's means) and {instant.variable}, without time cells, "
            f"holds instants at those stamps: {_SAME_STEPS}; ")
    if instant is target:
        return ClimannError(said + _edge_choice(mean, instant))
    half = round((high - low).total_seconds() / 120)
    mean_time = dict(mean.file_dims).get(mean.file, "time")
    restamp, restamped, means_replaced = _copies_of(
        mean, "restamped", lambda source, copy: restamp_command(mean.file, 0, mean_time, files=f"{source} {copy}"),
        store_copy=".nc")
    time = dict(instant.file_dims).get(instant.file, "time")
    cdo = cdo_copies(str(instant.file), time)
    at_start, shifted, instants_replaced = _copies_of(
        instant, "shifted", lambda source, copy: shift_command(half, time, f"{source} {copy}", cdo=cdo))
    at_end, _, _ = _copies_of(instant, "shifted",
                              lambda source, copy: shift_command(-half, time, f"{source} {copy}", cdo=cdo))
    return ClimannError(
        f"{said}which of {instant.variable}'s instants goes with each mean of {mean.variable} is a choice, as for "
        f"CMIP6's 3hr means stamped at their cells' middles beside 3hrPt: `{restamp}` stamps each mean at its cell's "
        f"middle (its bounds kept); then `{at_start}` pairs each with the instant at its cell's start, `{at_end}` "
        f"with the one at its end; then give --data {restamped} and --data {shifted} in place of {means_replaced} "
        f"and {instants_replaced}"
    )


def _step_minutes(axis: _Axis) -> int:
    return round(median_step_days(axis.times) * 1440)


def _steps_refusal(first: _Axis, other: _Axis, start: object, end: object) -> ClimannError:
    offset = _offset_refusal(first, other)
    if offset is not None:
        return offset
    mine = Counter(period for period in first.opening if start <= period <= end)
    theirs = Counter(period for period in other.opening if start <= period <= end)
    if lacking := sorted(set(mine) - set(theirs)):
        return _lacking_refusal(first, other, lacking)
    period = min(period for period in mine if mine[period] != theirs[period])
    holder = first if mine[period] > theirs[period] else other
    return ClimannError(
        f"{first.variable} ({first.period}, {steps_text(len(first.times), first.frequency)}) and {other.variable} "
        f"({other.period}, {steps_text(len(other.times), other.frequency)}) are not at the same time steps: "
        f"{holder.text(period)} is in {holder.variable} twice; {_SAME_STEPS}; give them the same steps (e.g. cdo "
        f"seldate or cdo delete on one file)"
    )


def _some(texts: Sequence[str], shown: int = 5) -> str:
    """The first ``shown`` of ``texts``, then ``…`` when there are more."""
    return ", ".join(texts[:shown]) + (", …" if len(texts) > shown else "")


def _lacking_refusal(target: _Axis, other: _Axis, lacking: Sequence[object]) -> ClimannError:
    """The refusal of a variable ``other`` that lacks some periods (``lacking``, sorted) of the
    ``target``'s steps: a sample at such a step would miss an input. The way out leaves those
    steps out of the target's files: ``cdo delete,timestep=…`` with CDO's 1-based steps of each
    file (CDO's ``delete`` operator), their copies written into a new folder ``common_steps`` beside them
    (:func:`~climann.data.shell.copies_of_files`; ``tas_selected.nc`` beside ``tas.nc`` was taken with it by a
    glob over their folder, fix56b)."""
    left_out, steps_of = set(lacking), {}
    for period, file in zip(target.opening, target.files):
        steps_of.setdefault(file, []).append(period)
    dims = dict(target.file_dims)
    numbers_of = {file: numbers for file, periods in steps_of.items()
                  if (numbers := [number for number, period in enumerate(periods, start=1) if period in left_out])}
    if all(os.path.isfile(file) and not is_zarr_store(file) for file in numbers_of):
        # the copies into a new folder: beside their files, a glob over their folder took both (fix56b)
        by_name = {str(file): (numbers, dims[file]) for file, numbers in numbers_of.items()}  # copies_of_files' str
        way = copies_of_files(lambda words, file: f"`{steps_command(*by_name[file], words)}`", list(numbers_of),
                              name="common_steps")
    else:  # a Zarr store's copy is a new store beside it (xarray_command); data built in memory names no file
        commands = [f"`{steps_command(numbers, dims[file], input_and_copy(file, 'selected'), suffix='selected')}`"
                    for file, numbers in numbers_of.items()]
        way = f"{' and '.join(commands)}{_in_place_of(steps_of, left_out)}"
    return ClimannError(
        f"{other.variable} ({other.period}, {steps_text(len(other.times), other.frequency)}) lacks {len(lacking)} of "
        f"the steps of {target.variable} ({target.period}, {steps_text(len(target.times), target.frequency)}): "
        f"{_some([target.text(period) for period in lacking])}; a sample there would miss an input ({_SAME_STEPS} "
        f"as {target.variable}); leave those steps out of {target.variable}, {way}"
    )


def _in_place_of(steps_of: Mapping[object, Sequence[object]], left_out: Collection[object]) -> str:
    """The note that the copies written beside their files replace them in --data (a glob over their
    folder takes both, and the two were refused as overlapping: break50c A2)."""
    changed = [file for file, periods in steps_of.items() if any(period in left_out for period in periods)]
    if len(changed) != 1:
        return (" (then give the _selected copies in place of their files in --data: a glob over their folder "
                "takes both, and two files of one variable are refused)") if changed else ""
    return in_place_note(input_and_copy(changed[0], "selected"))


def _check_same_steps(axes: Sequence[_Axis], given: Sequence[str | Path] = ()) -> tuple[object, object]:
    """Refuse (see the module description) unless every axis holds each of the first's (the
    target's) periods within the common period, once; that period's first and last periods.
    Steps the others hold and the target lacks are left out later (:func:`_on_target_stamps`)."""
    first = axes[0]
    for other in axes[1:]:  # (their steps: a forecast's valid times may be read in the others' days)
        if first.frequency and other.frequency and first.step != other.step:
            raise _frequency_refusal(first, other, axes)
    _check_known_periods(axes, given)
    start = max(min(axis.opening) for axis in axes)
    end = min(max(axis.opening) for axis in axes)
    if start > end:
        raise _no_overlap_refusal(axes)
    wanted = [period for period in first.opening if start <= period <= end]
    for other in axes[1:]:
        if not _holds_once(other, wanted, start, end):
            raise _steps_refusal(first, other, start, end)
    return start, end


def _holds_once(axis: _Axis, wanted: Sequence[object], start: object, end: object) -> bool:
    """Whether ``axis`` holds each of the periods ``wanted`` as often as they are there (once,
    unless the target has two steps in one period), whatever it holds besides."""
    theirs = Counter(period for period in axis.opening if start <= period <= end)
    return all(theirs[period] == count for period, count in Counter(wanted).items())


def _stamped_alike(every_axis: Sequence[_Axis], axes: Sequence[_Axis]) -> bool:
    """Whether every variable has the same stamps and those whose periods are known agree on
    them: the files are then combined as they are. An unused variable counts too: combined as
    they are, the files' time bounds are the first file's, and a variable the run does not use
    whose cells end at the stamps (dis24 with bounds [D − 1, D]) gave its cells to the used one's
    that start there (tp, [D, D + 1]), which were dated a day early, with a warning naming both
    files' stamps at the ends of their cells (break47d A4); it is left out instead where it lacks
    the used ones' periods (:func:`_without_unused`)."""
    if not all(np.array_equal(axis.times, every_axis[0].times) for axis in every_axis):
        return False
    if any(axis.windows for axis in axes) and not all(axis.known for axis in axes):
        return False  # a forecast's window ends at its stamp; a stamp at 00:00 beside it may open or close its day
    used = {axis.variable for axis in axes}
    unused = [axis for axis in every_axis if axis.variable not in used]
    known = [axis.opening for axis in (*axes, *unused) if axis.known]
    return all(np.array_equal(periods, known[0]) for periods in known)


def on_common_time_steps(
    datasets: Sequence[xr.Dataset], names: Sequence[str | Path], *, target: str | None = None,
    variables: Collection[str] | None = None, time_range: Sequence[str] = (), earlier: bool = False,
) -> tuple[list[xr.Dataset], list[str | Path]]:
    """The datasets (one per file, or group of files) restricted to the period every
    time-varying variable covers, their steps paired by period (see the module description),
    with the files of those kept. Sub-daily statistics with CF bounds in every file are paired
    by their time cells (:meth:`_Axis.by_cells`), whatever instant of its cell each file stamps.

    Parameters
    ----------
    datasets : sequence of xarray.Dataset
        Lazy, to be combined, their time bounds (if any) in memory; static fields (no time
        dimension) pass unchanged.
    names : sequence of str or Path
        The file of each dataset, for the commands of the messages.
    target : str, optional
        The variable whose steps the others are compared with and whose stamps they take;
        without it, the first file's first variable.
    variables : collection of str, optional
        The variables the caller uses (the run's target, predictors, lagged, area-mean and
        anomaly variables): only these count for the common period and the checks; any
        other time-varying variable whose steps there are not theirs is dropped (named at
        the INFO level). Without it, every time-varying variable counts.
    time_range : sequence of two str, optional
        The run's period (``[data] time_range``, ``--time-range``; cut after the files are
        combined, :mod:`climann.data.subset`): the warnings name only the steps within it that
        some variable holds and another lacks, and are not given when the user's period
        already leaves out every such step.
    earlier : bool
        Keep the target's steps before the common period when a used variable is a forecast at
        one lead (:attr:`_Axis.lead`, :attr:`_Axis.windows`, :attr:`_Axis.month_values`) and
        the target is not: the weeks observed before the first forecasts were issued, their
        persistence (:func:`~climann.evaluation.baselines.forecast_persistence`; break47e B3).
        They open the target's datasets, their number recorded on each one's time coordinate
        (:data:`~climann.data.time_cells.STEPS_BEFORE_COMMON_KEY`), for the caller to set apart
        before the files are combined (:func:`steps_before_common_apart`).

    Returns
    -------
    (list of xarray.Dataset, list of str or Path)
        The same datasets when every variable has the same stamps (and the known periods
        agree); else each restricted (lazily) to the common period, after a warning when
        steps are left out (the other variables' steps that the target lacks too, warned
        once), those left without a step (or a variable) dropped, and, when
        the variables' stamps differ, every dataset at the target's stamps for the same
        periods, those without the target without their time bounds. Beside them, the file
        of each dataset kept, in the same order: a file wholly outside the common period (a
        predictor's year before the target's first) is left out with its dataset, so that
        what is said of a dataset later names its own file.

    Raises
    ------
    ClimannError
        If two variables are at different frequencies, sub-daily means stamped at an edge of
        their cells are beside instants at those stamps, a variable stamped on its periods'
        first instants without bounds is paired differently by the two readings of its
        stamps with one whose periods are known, a variable lacks some of the target's steps
        within their common period (or holds one twice), or two have no period in common,
        naming both variables, their periods and the way out; if two sub-daily variables'
        paired steps have different time cells (CF bounds), naming the first pair; if time
        bounds do not hold their stamps.
    """
    time, every_axis = _time_axes(datasets, names)
    in_file_order = [axis.variable for axis in every_axis]
    # without the caller's variables (climann info), a file's own variables before their ancillaries: a refusal
    # names ESA CCI land cover's lccs_class, not its change_count (first of the file by name)
    ancillary = _ancillary_names(datasets) if variables is None else set()
    every_axis.sort(key=lambda axis: (axis.variable != target, axis.variable in ancillary))
    used = [axis for axis in every_axis if variables is None or axis.variable in variables]
    frequency = next((axis.frequency for axis in used if axis.frequency), None)
    # steps days apart whose cells are days (S2S daily means) are paired by those days; see _Axis.with_periods
    by_cells = next((axis.cell_frequency for axis in used if axis.cell_frequency), None)
    every_axis = [axis.with_periods(frequency, by_cells) for axis in every_axis]
    axes = [axis for axis in every_axis if variables is None or axis.variable in variables]
    if (celled := _with_cells_beside_forecast_windows(list(datasets), names, axes, time)) is not None:
        return on_common_time_steps(celled, names, target=target, variables=variables, time_range=time_range,
                                     earlier=earlier)
    if _paired_by_cells(axes):
        every_axis = [axis.by_cells() if axis.paired_by_cells else axis for axis in every_axis]
        axes = [axis for axis in every_axis if variables is None or axis.variable in variables]
    _check_means_beside_instants(axes)
    _warn_offset_cells(axes)
    _check_paired_cells(axes)
    _check_month_forecast_partners(axes)
    _warn_month_starts_beside_forecasts(axes, names)
    _check_days_beside_instants(axes)
    if not axes or _stamped_alike(every_axis, axes):
        return _with_forecast_month_cells(list(datasets), list(names), axes, time)
    _check_own_short_cells(axes, time_range)
    # the target's own spacing, before a forecast's months choose among its steps
    own = _kind(axes[0]) if axes[0].frequency else None
    axes, every_axis = _on_forecast_periods(axes, every_axis)
    if len(axes) > 1:
        start, end = _check_same_steps(axes, names)
    else:
        start, end = min(axes[0].opening), max(axes[0].opening)
    in_use = {axis.variable for axis in axes}
    # each dataset travels with its file: a step that leaves a dataset out leaves its file out too
    files = _without_unused(list(zip(datasets, names, strict=True)),
                            [axis for axis in every_axis if axis.variable not in in_use], axes[0], start, end)
    chosen = _chosen_periods(axes, time_range)
    before = _periods_read_for_persistence(axes, every_axis, start) if earlier else set()
    _warn_common_period(axes, start, end, chosen, in_file_order=in_file_order, read_before=bool(before))
    _warn_target_gaps(axes, start, end, chosen)
    files = _on_target_stamps(files, time, axes[0], every_axis, start, end, before=before)
    return _with_forecast_month_cells([dataset for dataset, _ in files], [name for _, name in files], axes, time,
                                      own=own)


def _ancillary_names(datasets: Sequence[xr.Dataset]) -> set[str]:
    """The variables of ``datasets`` that another one names in its ``ancillary_variables`` (CF
    3.4: its counts, flags and uncertainties, ESA CCI land cover's ``change_count`` of
    ``lccs_class``)."""
    return {str(name) for dataset in datasets for variable in dataset.data_vars.values()
            for name in str(variable.attrs.get("ancillary_variables", "")).split() if name != variable.name}


def _with_forecast_month_cells(datasets: list[xr.Dataset], names: list, axes: Sequence[_Axis], time: str | None,
                               *, own: str | None = None) -> tuple[list[xr.Dataset], list]:
    """``datasets`` and ``names``, the target's datasets given the calendar month beginning at each
    stamp as CF time bounds when a used variable is a seasonal forecast at one lead month
    (:attr:`_Axis.month_values`) and the target, without bounds, is stamped on the 1st of months
    that are not every month (February, May, August and November of monthly observations paired
    with starts in those months; December observations beside November starts at
    ``forecastMonth = 2``). Read from their spacing, such values were taken for three-month or
    yearly means: their seasons in the scores and features three months or a year wide (break45d
    B2: February in MAM). Paired month by month with the forecast, each is one month's. When the
    target's own steps were so spaced already (``cdo selmon,2,5,8,11``), one warning says the
    reading; from every month of the observations (``own``, the target's frequency before the
    forecast's months chose among its steps), an INFO line."""
    forecasts = [axis for axis in axes if axis.month_values]
    if not forecasts or not axes or axes[0].month_values or time is None:
        return datasets, names
    target = axes[0]
    if any(cell is not None for cell in target.cells) or not all(map(_month_start, target.times)):
        return datasets, names
    result, given = [], False
    for dataset in datasets:
        if (target.variable not in dataset.data_vars or time not in dataset.dims or "bounds" in dataset[time].attrs
                or dataset.sizes[time] < 1):
            result.append(dataset)
            continue
        stamps = np.asarray(dataset[time].values)
        if frequency_of(stamps) == "monthly" or not all(map(_month_start, stamps)):
            result.append(dataset)
            continue
        cells = np.array([[stamp, month_start(month_number(stamp) + 1, stamp)] for stamp in stamps], dtype=object)
        result.append(with_made_time_bounds(dataset, time, cells))
        given = True
    if given:
        own = own or frequency_of(target.times)
        beside = _listed([axis.variable for axis in forecasts])
        text = (f"{target.variable} is read month by month beside {beside}, a seasonal forecast at one lead month "
                f"({forecasts[0].lead}) whose values are each one calendar month's: each {target.variable} value is "
                f"read as the month beginning at its stamp")
        if own == "monthly":
            _log.info("%s", text)
        else:
            note_once(_log, logging.WARNING, (
                f"{text} ({target.variable} has no time bounds and is {own or 'one step'} apart, stamped on the 1st: "
                f"nothing in its file says how long its values are); if they are means of several months (DJF means), "
                f"give the monthly values of the forecast's months instead (`cdo selmon` on the monthly file), or time "
                f"bounds that say what each value is over"), key=("forecast month cells", target.variable))
    return result, names


def _with_cells_beside_forecast_windows(datasets: list[xr.Dataset], names: Sequence[str | Path],
                                        axes: Sequence[_Axis], time: str | None) -> list[xr.Dataset] | None:
    """``datasets`` with the target's time cells made CF time bounds (:func:`with_made_time_bounds`)
    when the target is a statistic over time without bounds, every n days at 00:00 (no daily,
    monthly or yearly axis), beside a forecast whose values are over windows of lead times
    (:attr:`_Axis.windows`, :mod:`climann.data.forecast_windows`); None otherwise.

    Such a forecast is paired by its cells (its stamp, the valid time, is the window's end), but
    the observations had none and were paired by stamp: the week-3 mean over [start + 14 d,
    start + 21 d] with the weekly mean stamped start + 21 d, by climann's own reading of such stamps
    (:func:`~climann.data.time_cells.inferred_cells`: the 7 days beginning there) the week after
    the window, exit 0 and no word (break47e B5). Each value is read as the n days beginning at its
    stamp, as persistence reads it (:func:`climann.evaluation.baselines.observed_cell_ends`), said
    in one warning line with the month each counts in (its cell's middle,
    :func:`~climann.data.time_cells.middle_dating`) and the ``ncap2`` line that bounds the stamps as
    ends of their cells; the cells are marked said (:data:`~climann.data.cell_bounds.CELLS_SAID_KEY`),
    so that :mod:`climann.data.time_cells` does not say them again about the file (fix47p)."""
    target = axes[0] if axes else None
    windows = [axis for axis in axes[1:] if axis.windows and axis.cells and None not in axis.cells]
    if (time is None or not windows or target.windows or target.lead or target.instants or not target.statistic
            or any(cell is not None for cell in target.cells) or target.frequency in PERIOD_FREQUENCIES):
        return None
    step, days = axis_time_step(target.times), median_step_days(target.times)
    if step is None and days is not None and days == round(days) and 1 <= days < 28:
        step = TimeStep(duration=datetime.timedelta(days=round(days)))  # weeks 1–8 of each year: the median week
    found = inferred_cells(target.times, step)
    if found is None or found[1] in ("", "day") or found[0][0, 1] - found[0][0, 0] >= datetime.timedelta(days=28):
        return None
    cells, doubt = found
    cell_of = {stamp: cell for stamp, cell in zip(target.times, cells)}
    forecast = windows[0]
    result, methods, units = [], None, None
    for dataset in datasets:
        if (target.variable not in dataset.data_vars or time not in dataset.dims or time not in dataset.indexes
                or str(dataset[time].attrs.get("bounds")) in dataset.variables):
            result.append(dataset)
            continue
        methods = dataset[target.variable].attrs.get("cell_methods")
        units = units or dataset[time].encoding.get("units")
        stamps = dataset.indexes[time].values
        result.append(with_made_time_bounds(dataset, time, np.array([cell_of[stamp] for stamp in stamps]),
                                            **{CELLS_SAID_KEY: True}))  # its dating is said here, not again
    if methods is None:
        return None
    line = ending_bounds_command(cells[0, 1] - cells[0, 0], units=units or "days", files=target.distinct_files)
    window = forecast.cells[0]
    # the example pairs the forecast's first window with the observed cell so paired (the same first day)
    shown = next((cell for cell in cells if min(cell) == min(window)), cells[0])
    dating = middle_dating(np.asarray(target.times), np.array([low + (high - low) / 2 for low, high in cells]))
    dating = f"; {dating}" if dating else ""
    note_once(_log, logging.WARNING, (
        f"'{target.variable}' has no time bounds and its cell_methods ('{methods}') make each value a statistic over "
        f"{doubt}: it is paired with {forecast.variable}'s forecast windows as the {doubt} beginning at its stamp "
        f"({date_text(shown[0])} to {date_text(shown[1])} with the window "
        f"{date_text(min(window))} to {date_text(max(window))}){dating}; if each value is of the "
        f"{doubt} ending at its stamp, give the files time bounds [time − {doubt}, time] (CF 7.1): {line}"),
        key=("cells beside forecast windows", target.variable))
    return result


def _paired_by_cells(axes: Sequence[_Axis]) -> bool:
    """Whether the steps of ``axes`` (several, on steps of no calendar period: sub-daily) are
    paired by their time cells rather than their stamps: when every value of every one is a
    statistic over its cell (:attr:`_Axis.over_cells`; CF 7.1: the bounds say which values go
    together, the stamp inside a cell is free). Instants (no cells, or ``time: point``) beside
    them keep every axis paired by stamps, and refused as a choice (:func:`_offset_refusal`)."""
    return len(axes) > 1 and all(axis.paired_by_cells and axis.step not in PERIOD_FREQUENCIES for axis in axes)


def _check_paired_cells(axes: Sequence[_Axis]) -> None:
    """Refuse two variables on steps of no calendar period (sub-daily) whose paired steps have
    different time cells (CF 7.1 bounds): a file whose bounds were moved with its times (CDO's
    ``shifttime`` moves both) beside one whose were not; its values are then said to be of
    cells they are not of, and the bounds written to prediction files would be wrong. Each step
    is paired by its period (its stamp, or its cell by :meth:`_Axis.by_cells`); cells that are
    all one fixed interval apart step by step (then paired by none) are refused the same way."""
    sub_daily = [axis for axis in axes if axis.step not in PERIOD_FREQUENCIES and axis.cells
                 and None not in axis.cells]
    for index, first in enumerate(sub_daily):
        mine = dict(zip(first.opening, zip(first.times, first.cells)))
        for other in (axis for axis in sub_daily[index + 1:] if axis.step == first.step):  # else refused as steps
            paired = [(mine[period], (time, cell))
                      for period, time, cell in zip(other.opening, other.times, other.cells) if period in mine]
            if not paired and _cells_within_a_step(first, other):
                paired = list(zip(zip(first.times, first.cells), zip(other.times, other.cells)))
            differing = [(one, two) for one, two in paired if one[1] != two[1]]
            if differing:
                raise _paired_cells_refusal(first, other, differing, len(paired))


def _cells_within_a_step(first: _Axis, other: _Axis) -> bool:
    """Whether each cell of ``other`` lies one fixed interval, shorter than a step, from the
    cell of ``first`` with the same index (the same cells, one set moved)."""
    if len(first.cells) != len(other.cells) or len(first.cells) < 2:
        return False
    try:
        offsets = {min(two) - min(one) for one, two in zip(first.cells, other.cells)}
    except TypeError:  # dates of two calendars
        return False
    return len(offsets) == 1 and abs(offsets.pop().total_seconds()) < median_step_days(first.times) * 86400


def _paired_cells_refusal(first: _Axis, other: _Axis, differing: Sequence[tuple], n_paired: int) -> ClimannError:
    """The refusal of :func:`_check_paired_cells`, naming the first pair of steps whose cells
    differ; when every paired step's cells are one fixed interval apart, the xarray line
    (:func:`~climann.data.time_commands.bounds_shift_command`) that moves either variable's
    bounds onto the other's, its times unchanged, for each variable whose stamps its moved
    cells still hold."""
    ((time, cell), (their_time, their_cell)) = differing[0]
    offsets = ({min(two[1]) - min(one[1]) for one, two in differing}
               | {max(two[1]) - max(one[1]) for one, two in differing})
    ways = ""
    if len(differing) == n_paired and len(offsets) == 1:
        minutes = round(offsets.pop().total_seconds() / 60)
        lines = []
        for axis, shift, onto in ((first, minutes, other), (other, -minutes, first)):
            moved = datetime.timedelta(minutes=shift)
            # a forecast's window is no bounds of its file (its lead time's or its GRIB step type's, read at the
            # lead chosen): a line moving its file's time bounds would fail (break41c C1: KeyError 'bounds')
            if not axis.windows and all(min(c) + moved <= t <= max(c) + moved for t, c in zip(axis.times, axis.cells)):
                dim = dict(axis.file_dims).get(axis.file, "time")
                line = _one_copy(lambda files, shift=shift, dim=dim: bounds_shift_command(shift, dim, files),
                                 axis.file, "bounds_moved")
                lines.append(f"if {axis.variable}'s values are over {onto.variable}'s cells, move "
                             f"{axis.variable}'s bounds {_clock(shift)} {'later' if shift > 0 else 'earlier'}, "
                             f"its times kept: {line}")
        if lines:
            ways = "; " + "; ".join(lines)
    # only cells moved alike may have been moved by CDO's shifttime (break55c A3: said of cdo timselmean's cells)
    shifted = " (CDO's shifttime moves a file's time bounds with its times)" if ways else ""
    if not ways and (composites := _composite_bounds_way(first, other, differing, n_paired)):
        ways = f"; {composites}"
    return ClimannError(
        f"{first.variable} at {date_text(time)} is a value over {_cell_text(cell)} ({_cell_source(first)}) and "
        f"{other.variable} paired with it, at {date_text(their_time)}, over {_cell_text(their_cell)} "
        f"({len(differing)} of {n_paired} paired steps differ so): the bounds of one say other times than its values "
        f"are of{shifted}, and {_SAME_STEPS} over the same time cells; give each file the bounds of its values{ways}"
    )


def _composite_bounds_way(first: _Axis, other: _Axis, differing: Sequence[tuple], n_paired: int) -> str:
    """Beside N-day composites restarting each 1 January (FLUXCOM's 8-daily GPP), a variable whose
    every paired cell opens with its composite and closes inside it (``cdo timselmean,8`` of daily
    values bounds each mean by its first and last day's stamps, a day short), the line that gives
    its files the composites' bounds, its times kept
    (:func:`~climann.data.time_commands.composite_bounds_command`), in a loop into a new folder;
    empty otherwise (break55c A3: no line, and CDO's shifttime named though never used)."""
    for composites, means in ((first, other), (other, first)):
        found = _COMPOSITES.fullmatch(str(composites.frequency or ""))
        if found is None or means.windows or len(differing) != n_paired:
            continue
        index = 0 if composites is first else 1
        if not all(min(pair[1 - index][1]) == min(pair[index][1]) and max(pair[1 - index][1]) < max(pair[index][1])
                   for pair in differing):
            continue
        days, time = int(found.group(1)), dict(means.file_dims).get(means.file, "time")
        command, data, replaced = _copies_of(
            means, "composite_bounds", lambda source, copy: composite_bounds_command(days, time, f"{source} {copy}"))
        return (f"if {means.variable}'s values are means over whole {days}-day composites (`cdo timselmean,{days}` "
                f"bounds each by its first and last step's stamps), `{command}` gives them the composites' bounds "
                f"[start, next start), their times kept; then give --data {data} in place of {replaced}")
    return ""


def _cell_source(axis: _Axis) -> str:
    """What gives the cells of ``axis``: a forecast's window of lead times (its lead time's bounds or GRIB step
    type, :mod:`climann.data.forecast_windows`), else its time bounds."""
    return "its window of lead times" if axis.windows else "its time bounds"


def _cell_text(cell: tuple) -> str:
    low, high = sorted(cell)
    return f"{date_text(low)} to {date_text(high)}"


def _clock(minutes: int) -> str:
    return f"{abs(minutes) // 60}:{abs(minutes) % 60:02d}"


def _cell_start_month(axis: _Axis) -> int | None:
    """The month (1–12) every time cell (CF bounds) of a yearly or seasonal axis starts in;
    None without bounds on every step, for another frequency, or cells starting in months of
    several kinds (of the year; of the season, for seasons)."""
    if not axis.cells or None in axis.cells or (axis.period_frequency != "yearly" and not calendar_seasons(axis)):
        return None
    cycle = 12 if axis.period_frequency == "yearly" else 3
    starts = [min(cell) for cell in axis.cells]
    months = {start.month % cycle for start in starts}
    return starts[0].month if len(months) == 1 and all(_month_start(start) for start in starts) else None


def _warn_offset_cells(axes: Sequence[_Axis]) -> None:
    """Warn, once per pair, when the target's yearly (or seasonal) time cells and another
    variable's, both known from CF bounds, start in different months and a paired cell of the
    other covers months outside the target's (an October-start water year beside calendar years,
    break34b B4): their values are paired by the period holding each cell's middle; naming the
    first such pair of cells, the months outside, how many months later or earlier the other's
    cells start, and how many paired steps are so. A cell inside the target's (a June–August
    mean beside an October–October hydrological-year balance, break44d A3) is the pairing
    meant: no warning."""
    target = axes[0] if axes else None
    start = _cell_start_month(target) if target else None
    for other in axes[1:] if start else ():
        theirs = _cell_start_month(other)
        if theirs is None or theirs == start or target.period_frequency != other.period_frequency:
            continue
        cell_of = dict(zip(other.opening, other.cells))
        paired = [(mine, cell_of[period]) for mine, period in zip(target.cells, target.opening) if period in cell_of]
        try:
            outside = [(mine, their) for mine, their in paired
                       if min(their) < min(mine) or max(their) > max(mine)]
        except TypeError:  # dates of two calendars
            continue
        if not outside:
            continue
        mine, their = outside[0]
        low, high = min(mine), min(their)
        months = (high.year - low.year) * 12 + high.month - low.month
        after = f"{abs(months)} month{'s' if abs(months) != 1 else ''} {'after' if months > 0 else 'before'}"
        spans = [f"{date_text(a)} to {date_text(b)}" for a, b in ((min(their), min(mine)), (max(mine), max(their)))
                 if a < b]
        mine_text, their_text = (f"{date_text(min(cell))} to {date_text(max(cell))}" for cell in (mine, their))
        note_once(_log, logging.WARNING, (
            f"the time cells of {target.variable} and {other.variable} start in different months "
            f"({target.variable}: {mine_text}, …; {other.variable}: {their_text}, …, starting {after} "
            f"{target.variable}'s): each value is paired by the period holding its cell's middle, so "
            f"{target.variable} of {mine_text} is paired with {other.variable} of {their_text}, which covers "
            f"{' and '.join(spans)} outside it ({len(outside)} of {len(paired)} paired steps so); if that is not the "
            f"pairing meant, give {other.variable} over cells that match {target.variable}'s"),
            key=("offset time cells", target.variable, other.variable))


def _on_forecast_periods(axes: Sequence[_Axis], every_axis: Sequence[_Axis]) -> tuple[list[_Axis], list[_Axis]]:
    """The used ``axes`` and ``every_axis`` with each forecast's valid times (an axis with a
    chosen lead time) read in the periods of the first other used axis (the target, when it is
    not the forecast): the days of daily observations, or of observations whose time cells are
    days (twice-weekly days with 1-day bounds); the other used axes kept at the periods every
    forecast holds. A forecast valid every 3 or 4 days (S2S starts on Mondays and Thursdays)
    beside daily observations is then paired with the observation of each day its valid times
    fall in (a valid time at 12:00 with that day's cell, [start, end), as on a daily axis), said
    in one INFO line; the samples are those days. Both unchanged when no forecast is beside other
    variables, the others' steps are not of days, months or years, or a forecast has two valid
    times in one period (hourly forecasts beside daily means: refused as at different steps)."""
    forecasts = [axis for axis in axes if axis.lead]
    observed = [axis for axis in axes if not axis.lead]
    frequency = observed[0].period_frequency if forecasts and observed else None
    if forecasts and observed and all(axis.month_values for axis in forecasts):
        if all(frequency_of(axis.times) == "monthly" for axis in forecasts) and frequency == "monthly":
            return list(axes), list(every_axis)  # month after month beside months: as any monthly series
        if all(map(_month_start, observed[0].times)):
            frequency = "monthly"  # each forecast month with the same month of the others, however far apart
    if frequency is None:
        return list(axes), list(every_axis)
    paired = {axis.variable: axis.with_periods(frequency, paired=True) for axis in every_axis
              if axis.variable in {used.variable for used in axes} and (axis.lead or axis.step != frequency)}
    valid = [set(paired[axis.variable].opening) for axis in forecasts]
    if any(len(periods) != len(paired[axis.variable].opening) for periods, axis in zip(valid, forecasts)):
        return list(axes), list(every_axis)
    common = set.intersection(*valid)
    result = [axis if axis.lead else axis.at_periods(common) for axis in (paired.get(a.variable, a) for a in axes)]
    if any(not len(axis.times) for axis in result):
        return list(axes), list(every_axis)
    target = result[0] if not result[0].lead else next(axis for axis in result if not axis.lead)
    _log.info("%s %s a forecast (%s): paired with %s's %s that %s valid times fall in; the samples are those %d %s",
              _listed([axis.variable for axis in forecasts]), "is" if len(forecasts) == 1 else "are",
              "; ".join(sorted({str(axis.lead) for axis in forecasts})), target.variable,
              _PERIOD_NAMES[frequency], "its" if len(forecasts) == 1 else "their", len(target.times),
              _PERIOD_NAMES[frequency])
    return result, [paired.get(axis.variable, axis) for axis in every_axis]


#: The periods of a frequency, in words.
_PERIOD_NAMES = {"yearly": "years", "monthly": "months", "daily": "days"}


def _periods_before_common(axes: Sequence[_Axis], start: object) -> set[object]:
    """The target's (the first of ``axes``) periods before ``start``, the common period's first,
    when another used axis is a forecast at one lead and the target is not; none otherwise."""
    def forecast(axis: _Axis) -> bool:
        return bool(axis.lead or axis.windows or axis.month_values)

    if not axes or forecast(axes[0]) or not any(map(forecast, axes[1:])):
        return set()
    return {period for period in axes[0].opening if period < start}


def _periods_read_for_persistence(axes: Sequence[_Axis], every_axis: Sequence[_Axis], start: object) -> set[object]:
    """The target's periods read for the persistence of a forecast beside it, never trained on or
    scored: those before the common period (:func:`_periods_before_common`) and, beside a forecast
    at a lead of fixed length (:attr:`_Axis.issued`), within it those observed last by each
    forecast's start that are no forecast's valid period: the day before each start of S2S
    forecasts beside daily observations, which the valid days of the forecasts (2 to 46 days
    after their starts) hold only by chance (break54c A1: persistence was the last valid day
    before the start, 2 to 4 days older, or missing). Without time bounds both the step last
    stamped by the start and the one before are read (a mean stamped at its day's start is
    observed at its end); :func:`~climann.evaluation.baselines.forecast_issue_steps` chooses."""
    before = _periods_before_common(axes, start)
    if not axes or axes[0].lead or axes[0].windows or axes[0].month_values:
        return before
    own = next((axis for axis in every_axis if axis.variable == axes[0].variable), None)
    before |= _months_read_for_persistence(axes, own)
    issued = {time for axis in axes[1:] if axis.issued for time in axis.issued.values()}
    if own is None or own.opening is None or not issued or not len(own.times):
        return before
    unbounded = None in own.cells
    known = np.array(own.times if unbounded else [cell[1] for cell in own.cells], dtype=object)
    common = set(axes[0].opening)
    for time in sorted(issued):
        last = int(np.searchsorted(known, time, side="right")) - 1
        for index in (last, last - 1) if unbounded else (last,):
            if index >= 0 and own.opening[index] not in common:
                before.add(own.opening[index])
    return before


def _months_read_for_persistence(axes: Sequence[_Axis], own: _Axis | None) -> set[object]:
    """The target's months (``own``: its whole axis, every month the files hold) observed last
    before each start of a forecast at a lead in months beside it (:attr:`_Axis.months_back`):
    each valid month − the lead's months, the month before the start, where it is no forecast's
    valid month. November starts at ``forecastMonth = 2`` are valid in Decembers only, and the
    target was cut to them: persistence, each October, was never read, and left out of every
    block (fix55d)."""
    if own is None or own.opening is None or own.step != "monthly":
        return set()
    wanted = {_months_earlier(period, axis.months_back) for axis in axes[1:]
              if axis.months_back and axis.opening is not None and axis.step == "monthly" for period in axis.opening}
    common = set(axes[0].opening)
    return {period for period in own.opening if period in wanted and period not in common}


def _months_earlier(period: object, months: int) -> object:
    """The first instant of the month ``months`` calendar months before ``period``, the first
    instant of a month (:func:`~climann.data.step_periods.step_periods`)."""
    index = period.year * 12 + period.month - 1 - months
    return period.replace(year=index // 12, month=index % 12 + 1)


def _on_target_stamps(files: Sequence[tuple[xr.Dataset, str | Path]], time: str, target: _Axis,
                      every_axis: Sequence[_Axis], start: object, end: object, *,
                      before: Collection[object] = ()) -> list[tuple[xr.Dataset, str | Path]]:
    """The (dataset, file) pairs, each dataset restricted to the ``target``'s periods from
    ``start`` to ``end`` (the steps other variables hold where the target has none left out;
    a dataset left with no step and no static field left out with its file); when a step is
    stamped otherwise than the ``target``'s step of its period, each at the target's stamps,
    and those without the target without their time bounds (which the target's give).
    A dataset of the target keeps its steps of the periods ``before`` too (the weeks observed
    before a forecast's first valid week, :func:`_periods_before_common`), first, their number
    recorded (:data:`~climann.data.time_cells.STEPS_BEFORE_COMMON_KEY`)."""
    periods_of = {axis.variable: dict(zip(axis.times, axis.opening)) for axis in every_axis}
    stamp_of = dict(zip(target.opening, target.times))
    wanted = {period for period in target.opening if start <= period <= end}
    kept = []
    for dataset, name in files:
        if time not in dataset.dims or time not in dataset.indexes:
            kept.append((dataset, name, None, 0))
            continue
        series = [var for var in data_variable_names(dataset) if time in dataset[var].dims and var in periods_of]
        values = dataset.indexes[time].values
        own = target.variable if target.variable in series else series[0] if series else None
        periods = [periods_of[own][value] for value in values] if series else []
        earlier = np.array([own == target.variable and period in before for period in periods], dtype=bool)
        # those read for persistence first, also the days within the period before a forecast's start
        inside = np.concatenate([np.flatnonzero(earlier), np.flatnonzero(
            ~earlier & np.array([period in wanted for period in periods], dtype=bool))])
        if len(inside):
            within = dataset if np.array_equal(inside, np.arange(len(values))) else dataset.isel({time: inside})
            kept.append((within, name, [stamp_of.get(periods[i], values[i]) for i in inside], int(earlier.sum())))
        elif (static := dataset.drop_dims(time)).data_vars:
            kept.append((static, name, None, 0))  # its static fields (orog beside an unused series of other years) stay
    restamp = any(stamps is not None and list(dataset.indexes[time].values) != stamps
                  for dataset, _, stamps, _ in kept)
    if restamp:
        periods = {"yearly": "years", "monthly": "months", "daily": "days"}.get(target.step, "periods")
        note_once(_log, logging.INFO, f"the variables' values are paired by the {periods} they cover (their time "
                  f"cells) and take {target.variable}'s stamps ({date_text(target.times[0])}, …)")  # once per run
        kept = [(dataset if stamps is None else _restamped(dataset, time, stamps,
                                                           keep_bounds=target.variable in dataset), name, stamps, n)
                for dataset, name, stamps, n in kept]
    return [(with_steps_before_common(dataset, n) if n else dataset, name) for dataset, name, _, n in kept]


def _restamped(dataset: xr.Dataset, time: str, stamps: Sequence[object], *, keep_bounds: bool) -> xr.Dataset:
    """``dataset`` with its time coordinate holding ``stamps`` (attributes and encoding kept),
    and without its time bounds unless ``keep_bounds``."""
    coordinate = dataset[time].variable
    attrs = dict(coordinate.attrs)
    if not keep_bounds and "bounds" in attrs:
        bounds = str(attrs.pop("bounds"))
        dataset = dataset.drop_vars([bounds] if bounds in dataset.variables else [])
    stamped = xr.Variable(coordinate.dims, np.array(stamps, dtype=object), attrs, coordinate.encoding)
    return dataset.assign_coords({time: stamped})


@dataclass(frozen=True)
class _Chosen:
    """The run's own ``time_range`` (empty: every period), as a test of a step's period."""

    time_range: tuple[str, ...] = ()
    first: object = None
    after_last: object = None

    def __call__(self, period: object) -> bool:
        return not self.time_range or self.first <= period < self.after_last

    def text(self) -> str:
        """The range as the user gave it, for messages (empty without one)."""
        return f" within the time range {','.join(self.time_range)}" if self.time_range else ""


def _chosen_periods(axes: Sequence[_Axis], time_range: Sequence[str]) -> _Chosen:
    """Which steps' periods (their first instants) lie within the user's ``time_range``, in the
    calendar of the first of ``axes``.

    Raises
    ------
    ClimannError
        For a ``time_range`` date that is not a date of that calendar (:func:`range_bounds`).
    """
    if not time_range:
        return _Chosen()
    calendar = getattr(axes[0].times[0], "calendar", None) or "standard"
    return _Chosen(tuple(str(date) for date in time_range), *range_bounds(time_range, calendar))


class BlockPeriods:
    """The common-period warnings of the blocks of ``split_files`` (:func:`_warn_common_period`),
    collected while each block's files are opened (:meth:`block`) and said in one line
    (:meth:`warn`): a target in ``[data] paths`` shared by blocks of other years is cut to each
    block's own period, and a warning per block said the same thing three times (fix46j, break46e)."""

    def __init__(self) -> None:
        self.said: dict[str, tuple[str, str]] = {}  # block: (its text, its climatology hint)

    @contextlib.contextmanager
    def block(self, name: str):
        """Collect the warnings of block ``name``'s opening instead of saying them."""
        token = _BLOCK.set((self, name))
        try:
            yield
        finally:
            _BLOCK.reset(token)

    def warn(self) -> None:
        """One warning naming every block's common period and its steps left out; nothing without any.
        A climatology hint is kept where every block gave it (a file that all blocks share)."""
        if not self.said:
            return
        hints = {hint for _, hint in self.said.values()}
        hint = hints.pop() if len(hints) == 1 else ""  # the same in every block's: of a file they share
        blocks = "; ".join(f"the {name} block: {text}" for name, (text, _) in self.said.items())
        _log.warning("the variables of the blocks of split_files cover different periods: each block uses only "
                     "their common period (%s); [data] time_range chooses within it%s", blocks, hint)


#: The :class:`BlockPeriods` and block name of the block of ``split_files`` being opened, if any.
_BLOCK: contextvars.ContextVar[tuple[BlockPeriods, str] | None] = contextvars.ContextVar("block", default=None)


def _warn_common_period(axes: Sequence[_Axis], start: object, end: object, chosen: _Chosen = _Chosen(), *,
                        in_file_order: Sequence[str] = (), read_before: bool = False) -> None:
    """Warn that only the common period of the variables' ``axes`` is used, naming the steps
    left out that the user's own time range (``chosen``) would have kept, and, with
    ``read_before`` (beside a forecast, :func:`_periods_before_common`), that the target's last
    steps before that period are read for persistence and lags only (fix49c: the line said
    "is used" while the run's log said 2 steps before it were read); nothing when it
    leaves out none (the user's period lies within the common one), nor again in the same run for
    the same target file, period and steps left out (a second opening of the files once the
    predictors are chosen, listing fewer variables). The variables are named
    in the order of their files (``in_file_order``), not target first: ``climann info`` opens
    the files without a target, then checks its config with one, and the same warning in
    other words would be said twice."""
    order = {variable: index for index, variable in enumerate(in_file_order)}
    listed = sorted(axes, key=lambda axis: order.get(axis.variable, len(order)))
    outside = [(axis, sum(1 for period in axis.opening if not start <= period <= end and chosen(period)),
                sum(1 for period in axis.opening if chosen(period))) for axis in listed]
    left_out = [f"{count} of {axis.variable}'s {held}" for axis, count, held in outside if count]
    # once per target file and period: a run opens its files again once it has chosen its predictors,
    # and the line listed fewer variables then ('uncertainty' left out): the same warning twice, its
    # climatology hint's copy chained on itself as a second fix (break44d A9)
    key = ("common period", str(axes[0].file), axes[0].variable, str(start), str(end), tuple(left_out), chosen.text())
    if not left_out or noted(key):
        return
    note_once(_log, logging.DEBUG, lambda: None, key=key)  # remembered for the run; said below
    periods = [f"{axis.variable} ({axis.period})" for axis in listed]
    block = _BLOCK.get()
    if block is not None:  # a block of split_files: said with the others' in one line (BlockPeriods.warn)
        block[0].said[block[1]] = (f"{_listed(periods)}, {axes[0].text(start)} to {axes[0].text(end)}, "
                                   f"{_listed(left_out)} steps{chosen.text()} left out", _climatology_hint(axes))
        return
    used, outside = "is used", "left out"
    if read_before:
        used = "is trained on and scored"
        outside = (f"outside it; of those before it, {axes[0].variable}'s last that persistence and the lags need are "
                   "read too, never trained on or scored")
    _log.warning(
        "%s cover different periods: only their common period, %s to %s, %s (%s steps%s %s); "
        "[data] time_range chooses within it%s", _listed(periods), axes[0].text(start), axes[0].text(end), used,
        _listed(left_out), chosen.text(), outside, _climatology_hint(axes),
    )


def _climatology_hint(axes: Sequence[_Axis]) -> str:
    """For :func:`_warn_common_period`: when one variable holds the 12 months of a single year
    beside a series of several years (CDO's ``ymonmean`` output, stamped in the last year
    averaged, without the CF §7.4 ``climatology`` attribute that would say so), the words that
    ask whether it is a monthly climatology and the ``cdo`` that repeats it over the series'
    months (as for a CF-marked climatology, :func:`~climann.data.time_values.not_a_series_message`);
    else ``""``."""
    years = {axis.variable: {time.year for time in axis.times} for axis in axes}
    series = [axis for axis in axes if len(years[axis.variable]) > 1]
    for axis in axes:
        if series and axis.frequency == "monthly" and len(axis.times) == 12 and len(years[axis.variable]) == 1:
            other = series[0].variable  # the series' own variable and file: no VAR, SERIES.nc placeholders
            operators = (f"-chname,{other},{axis.variable} -ymonadd -mulc,0 -selname,{other} "
                         f"{shown_path(series[0].file)} -selname,{axis.variable}")
            repeated = _one_copy(lambda files: cdo_command(operators, files), axis.file, "repeated_over_series")
            return (f"; if {axis.variable} is a monthly climatology (its 12 steps are the months of one year beside "
                    f"{other}'s {len(years[other])} years), repeat it over the series' "
                    "months instead (with the series' first file: for a series in several files, a copy for each; "
                    "each input one variable: cdo aborts on inputs of different numbers of variables), "
                    f"e.g. {repeated}")
    return ""


def _warn_target_gaps(axes: Sequence[_Axis], start: object, end: object, chosen: _Chosen = _Chosen()) -> None:
    """Warn, once, when the other variables hold steps of the common period that the target
    (the first of ``axes``) lacks (GRACE's missing months beside a complete predictor): the
    samples are the target's steps, the others taken at them. Nothing when it lacks none
    within the user's own time range (``chosen``)."""
    target, others = axes[0], axes[1:]
    held = {period for axis in others for period in axis.opening if start <= period <= end and chosen(period)}
    mine = {period for period in target.opening if start <= period <= end and chosen(period)}
    if not (lacking := sorted(held - mine)):
        return
    holders = [axis.variable for axis in others if any(period in held - mine for period in axis.opening)]
    first, last = (min(held | mine), max(held | mine)) if chosen.time_range else (start, end)
    _log.warning(
        "%s has no value at %d of the %d %s steps from %s to %s that %s %s: %s; the samples are its %d steps, "
        "%s taken at them", target.variable, len(lacking), len(held | mine), target.step or "time",
        target.text(first), target.text(last), _listed(holders), "holds" if len(holders) == 1 else "hold",
        _some([target.text(period) for period in lacking]), len(mine), _listed(holders),
    )


def _without_unused(
    files: Sequence[tuple[xr.Dataset, str | Path]], unused: Sequence[_Axis], used: _Axis, start: object, end: object
) -> list[tuple[xr.Dataset, str | Path]]:
    """The (dataset, file) pairs without each ``unused`` variable that lacks some of the ``used``
    one's periods from ``start`` to ``end`` (it would not combine), and without the datasets
    (with their files) left holding no variable; said at the INFO level."""
    common = [period for period in used.opening if start <= period <= end]
    dropped = [axis for axis in unused if not _holds_once(axis, common, start, end)]
    if not dropped:
        return list(files)
    _log.info("%s, which the run does not use, left out: not at the time steps of %s", _listed(
        [f"{axis.variable} ({axis.period})" for axis in dropped]), used.variable)
    names = {axis.variable for axis in dropped}
    result = []
    for dataset, file in files:
        kept = dataset.drop_vars([name for name in dataset.data_vars if name in names])
        if kept.data_vars or not dataset.data_vars:
            result.append((kept, file))
    return result


def _file_values(dataset: xr.Dataset, time: str) -> tuple[TimeStep | None, TimeStep | None]:
    """What one file's values are: the length of their time cells (CF 7.1 bounds,
    :func:`~climann.data.time_axis.cell_time_step`; None without bounds) and their spacing
    (:func:`~climann.data.time_axis.axis_time_step`; None for a single or irregular time)."""
    times = np.asarray(dataset.indexes[time].values)
    bounds_name = str(dataset[time].attrs.get("bounds"))
    bounds = np.asarray(dataset[bounds_name].values) if bounds_name in dataset.variables else None
    return (cell_time_step(bounds) if bounds is not None else None), axis_time_step(times)


def _same_values(first: tuple[TimeStep | None, TimeStep | None],
                 other: tuple[TimeStep | None, TimeStep | None]) -> bool:
    """Whether two files' values (cells, spacing) can be one series: the same cells (or,
    either file without bounds, the same spacing); a file without bounds whose values lie
    further apart than the other's cells may hold a subset of them (January means), so it is
    not told apart. Unknown on either side: not compared."""
    (cells, spacing), (other_cells, other_spacing) = first, other
    values, other_values = cells or spacing, other_cells or other_spacing
    if values is None or other_values is None or values == other_values:
        return True
    if cells is None and other_cells is not None and spacing.approximate_days > other_cells.approximate_days:
        return True
    return other_cells is None and cells is not None and other_spacing.approximate_days > cells.approximate_days


def check_one_step_per_variable(datasets: Sequence[xr.Dataset], names: Sequence[str | Path]) -> None:
    """Refuse files of the same variables (one per period) whose values are of different time
    steps: monthly means followed by daily means are not one series, whatever their names.

    What a file's values are is the length of their time cells when the file has CF time
    bounds (section 7.1), else the spacing of its times (as ``predict`` judges new data
    against a run, :func:`climann.workflow.new_data.check_time_step`). A file with a single
    time step, or times without a regular step, is not compared; nor is a file without bounds
    whose values lie further apart than another's cells (a subset of months, January means).
    Gaps of missing steps keep a file's step (a monthly file without 2004 is monthly).

    Parameters
    ----------
    datasets : sequence of xarray.Dataset
        One per file, their time bounds (if any) readable.
    names : sequence of str or Path
        The file of each dataset.

    Raises
    ------
    ClimannError
        Naming two such files, what each holds and the way out: average the finer file to the
        coarser step (``cdo monmean``; totals summed, ``cdo monsum``), or use files of one step.
    """
    groups: dict[frozenset, list[tuple[str | Path, tuple]]] = {}
    for dataset, name in zip(datasets, names, strict=True):
        time = time_coordinate(dataset)
        if time is None or time not in dataset.dims or time not in dataset.indexes:
            continue
        bounds = str(dataset[time].attrs.get("bounds"))
        variables = frozenset(variable for variable in data_variable_names(dataset) if variable != bounds)
        groups.setdefault(variables, []).append((name, _file_values(dataset, time)))
    opened = {str(name): dataset for dataset, name in zip(datasets, names, strict=True)}
    for variables, files in groups.items():
        for name, values in files[1:]:
            if not _same_values(files[0][1], values):
                raise _one_step_refusal(sorted(variables), files[0], (name, values), files, opened)


def _one_step_refusal(variables: Sequence[str], first: tuple, other: tuple, files: Sequence[tuple],
                      opened: Mapping[str, xr.Dataset]) -> ClimannError:
    """The refusal of :func:`check_one_step_per_variable` for two files (name, (cells, spacing))
    of the group ``files`` (each (name, (cells, spacing))), opened as ``opened`` (by name): the way to
    the coarser step is :func:`series_averaging_advice`'s on the finer file and the others of its
    step, as ``evaluate`` and ``predict`` advise it, each variable summed or averaged by its
    cell_methods, the copy in a folder of its own given in place of the finer files (break54b A2:
    a ``cdo daymean`` copy written beside the 3-hourly original was taken with it by the same glob,
    and refused again)."""
    def holds(values: tuple) -> str:
        cells, spacing = values
        described = values_text(cells, spacing)
        return described if described.startswith("values ") else f"{described} values"

    (coarse, coarse_values), (fine, fine_values) = sorted(
        (first, other), key=lambda file: -(file[1][0] or file[1][1]).approximate_days)
    coarse_step = coarse_values[0] or coarse_values[1]
    return ClimannError(
        f"the files of {_listed(variables)} are at different time steps ({Path(str(first[0])).name} holds "
        f"{holds(first[1])}, {Path(str(other[0])).name} {holds(other[1])}): {_SAME_STEPS}, one series; bring "
        f"{Path(str(fine)).name} to {coarse_step.name} steps first, "
        f"{_finer_files_advice(fine, fine_values, coarse_step.name, files, opened)}, "
        f"or give files of one time step"
    )


def _finer_files_advice(fine: str | Path, fine_values: tuple, frequency: str, files: Sequence[tuple],
                        opened: Mapping[str, xr.Dataset]) -> str:
    """:func:`series_averaging_advice` for the finer file ``fine`` (its values ``fine_values``) and the
    files of the group ``files`` at its step (merged first), its variables' ``cell_methods`` and
    units, static, flag and text variables read from its dataset in ``opened``."""
    dataset = opened[str(fine)]
    time = time_coordinate(dataset)
    bounds = str(dataset[time].attrs.get("bounds"))
    held = {name: dataset[name] for name in data_variable_names(dataset) if name != bounds}
    static = sorted(name for name, variable in held.items() if time not in variable.dims)
    flags = sorted(name for name, variable in held.items() if name not in static
                   and ("flag_values" in variable.attrs or "flag_masks" in variable.attrs))
    methods = {name: variable.attrs.get("cell_methods") for name, variable in held.items()
               if name not in static and name not in flags}
    cells, spacing = fine_values
    return series_averaging_advice(
        fine, frequency, methods, time=time, step=(cells or spacing).name, bounded=cells is not None,
        units={name: held[name].attrs.get("units") for name in methods}, static=static, flags=flags,
        texts=[name for name in static if held[name].dtype.kind in "SUO"],
        series=[name for name, values in files if _same_values(values, fine_values)])


def own_series_lags(
    datasets: Sequence[xr.Dataset], names: Sequence[str | Path], combined: xr.Dataset, *, target: str,
    lags: Mapping[str, Sequence[int]],
) -> dict[str, xr.DataArray]:
    """Each lag of a predictor that holds steps the target lacks, from the predictor's own series.

    A target with missing steps (GRACE's 33 missing months) is combined on its own steps, the
    predictors taken at them (:func:`on_common_time_steps`), so a lag computed on the
    combined axis would be missing after each missing month although the predictor's file
    holds the month before. Here the value of ``variable`` ``k`` nominal steps earlier
    (:func:`~climann.data.lags.lagged_steps`, by date, on the predictor's own axis) is
    taken from its complete series, missing only where that step is not in its files. A step
    before the common period counts too: ``evaluate --data`` of one year of GRACE-FO beside
    ERA5 of five years cut the predictor to the target's year before taking its lags, and
    January to March had no sample with lags of 1 to 3 months (break44d A5); each block of
    ``split_files`` lost its first steps so. The lag of a month is then the same value in
    training and in new data, whatever period the target's file covers. The target's own lags
    are not given: an autoregressive lag across a missing month stays missing.

    Parameters
    ----------
    datasets : sequence of xarray.Dataset
        One per file, as given to :func:`on_common_time_steps` (before their steps are
        restricted), on one grid, their time bounds in memory.
    names : sequence of str or Path
        The file of each dataset.
    combined : xarray.Dataset
        The datasets combined on the target's steps.
    target : str
        The target variable.
    lags : mapping of str to sequence of int
        The run's lags, ``{"lcopy": (1,)}``.

    Returns
    -------
    dict of str to xarray.DataArray
        By :func:`own_series_lag_name`: lazy, dims those of the variable, on ``combined``'s
        time steps and grid; empty when no lagged predictor holds a step the target lacks
        (within or before the common period).
    """
    time, every_axis = _time_axes(datasets, names)
    axes = {axis.variable: axis for axis in every_axis}
    lagged = [name for name, steps in lags.items() if steps and name != target and name in axes]
    if time is None or target not in axes or not lagged or time not in combined.dims:
        return {}
    frequency = next((axis.frequency for axis in axes.values() if axis.frequency), None)
    mine = axes[target].with_periods(frequency)
    period_of = dict(zip(mine.times, mine.opening))
    periods = [period_of.get(stamp) for stamp in combined.indexes[time].values]
    if any(period is None for period in periods):
        return {}
    result = {}
    for name in lagged:
        theirs = axes[name].with_periods(frequency)
        if not set(theirs.opening[theirs.opening <= periods[-1]]) - set(periods):
            continue  # it holds no step the target lacks, nor one before: lags on the combined axis are its own
        position = {period: index for index, period in enumerate(theirs.opening)}
        at = np.array([position[period] for period in periods])
        earlier = lagged_steps(theirs.times, sorted(set(lags[name])), name=time).earlier
        series = _whole_series(datasets, name, time)
        # a stamp held by two files (a copy, left out later by climann.data.duplicate_files): the first
        index_of = {stamp: index for index, stamp in reversed(list(enumerate(series.indexes[time].values)))}
        order = np.array([index_of[stamp] for stamp in theirs.times])
        for lag in sorted(set(lags[name])):
            source = earlier[lag][at]
            have = source >= 0  # also before the common period: the predictor's own earlier steps (break44d A5)
            values = series.isel({time: order[np.maximum(source, 0)]})
            values = values.where(xr.DataArray(have, dims=time))
            coords = {dim: combined[dim] for dim in values.dims if dim in combined.coords}
            result[own_series_lag_name(name, lag)] = xr.DataArray(values.data, dims=values.dims, coords=coords,
                                                                  attrs=series.attrs)
    return result


def own_series_lags_on_axis(dataset: xr.Dataset, names: Collection[str]) -> dict[str, xr.DataArray]:
    """The own-series lags ``names`` (:func:`own_series_lag_name`, ``tp@lag1``) of a dataset whose
    lagged predictors hold just its own time steps, taken by date on its time axis
    (:func:`~climann.data.lags.lagged_steps`), as the samples take a lag that is not given.

    Each block of ``split_files`` is opened on its own, and :func:`own_series_lags` makes the
    variables only where a predictor holds a step the block's target lacks (within or before
    its period): a block whose target and predictor hold the same months lacked ``tp@lag1``
    that the other blocks had, and was refused in that internal name (break44d A1). Here its
    values are those the block's own axis gives: missing before its first step and across a
    gap, as on a complete target's axis.

    Parameters
    ----------
    dataset : xarray.Dataset
        One block, opened and combined on its target's steps.
    names : collection of str
        Own-series lag names to make; those whose variable the dataset does not hold along
        its time axis are not made (the block is then refused for lacking the variable).

    Returns
    -------
    dict of str to xarray.DataArray
        By name: dims and coordinates those of the variable, NaN where the step ``lag`` steps
        earlier is not on the axis.

    Raises
    ------
    ClimannError
        If the axis has no regular step (:func:`~climann.data.lags.lagged_steps`).
    """
    time = time_coordinate(dataset)
    wanted = [(name, found) for name in names if (found := own_series_lag_of(str(name))) is not None
              and found[0] in dataset.data_vars and time is not None and time in dataset[found[0]].dims]
    if not wanted:
        return {}
    times = dataset.indexes[time].values if time in dataset.indexes else np.asarray(dataset[time].values)
    earlier = lagged_steps(times, sorted({lag for _, (_, lag) in wanted}), name=time).earlier
    result = {}
    for name, (variable, lag) in wanted:
        source = earlier[lag]
        values = dataset[variable].isel({time: np.maximum(source, 0)}).where(xr.DataArray(source >= 0, dims=time))
        coords = {dim: dataset[dim] for dim in values.dims if dim in dataset.coords}
        result[name] = xr.DataArray(values.data, dims=values.dims, coords=coords, attrs=dataset[variable].attrs)
    return result


def _whole_series(datasets: Sequence[xr.Dataset], name: str, time: str) -> xr.DataArray:
    """``name`` from every dataset holding it along ``time``, joined (lazily) in the files' order,
    without the coordinates along time other than time itself."""
    parts = []
    for dataset in datasets:
        if name in dataset.data_vars and time in dataset[name].dims:
            part = dataset[name]
            parts.append(part.drop_vars([coord for coord in part.coords if coord != time and time in part[coord].dims]))
    if len(parts) == 1:
        return parts[0]
    return xr.concat(parts, dim=time, coords="minimal", compat="override", join="override",
                     combine_attrs="drop_conflicts")
