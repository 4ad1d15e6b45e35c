"""Baselines the network must beat.

Linear regression is the lesson's network without activation functions: ŷ = X w + b. It is
fitted in closed form by least squares on exactly the network's features, with the same
sample weights as the network's loss: the cell areas when ``[training] area_weighted``, none
otherwise. Its residuals then have a zero weighted mean on the training block under those
weights (the column of ones in the design), so its bias there vanishes whenever it is scored
with the weights it was fitted with. Fitted unweighted (the default) and scored with area
weights, as the scores always are, it keeps an area-weighted bias on its own training block:
that is what an unweighted least-squares fit is, not a fault.
"""

from __future__ import annotations

import datetime
import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from climann.data.composites import (
    MONTH_PERIOD_KEYS, PENTADS_A_YEAR, cpc_pentads, month_period_keys, month_periods, period_positions,
    previous_composites,
)
from climann.data.features import days_in_year
from climann.data.multiyear_steps import YEAR_DAYS, previous_samples
from climann.data.notes import note_once
from climann.data.seasonal_subsets import seasonal_subset
from climann.data.shell import copies_of_files
from climann.data.time_commands import (TimeSource, copy_files, day_bounds_command, midday_stamps_advice,
                                        rounded_stamps_command)
from climann.data.time_axis import (
    MONTHS_SELECTION, PeriodStep, TimeStep, TimeStride, axis_time_step, cell_time_step, date_text, in_months_left_out,
    time_step_positions, yearly_restart_days,
)
from climann.data.lags import lagged_steps, previous_steps, strided_previous_steps
from climann.model.threads import limit_blas_threads

if TYPE_CHECKING:
    from climann.data.layout import Coordinate, GridLayout

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LinearRegression:
    """ŷ = X W + b, fitted by (weighted) least squares.

    Attributes
    ----------
    weights : ndarray, shape (n_features, n_outputs)
    bias : ndarray, shape (n_outputs,)
    """

    weights: np.ndarray
    bias: np.ndarray

    @classmethod
    def fit(cls, inputs: np.ndarray, target: np.ndarray, sample_weight: np.ndarray | None = None) -> LinearRegression:
        """Minimise Σᵢ wᵢ (xᵢ W + b − yᵢ)² (in float64).

        With A = [X 1] and θ = [W; b], the weighted problem is the ordinary one on rows
        scaled by √wᵢ: min ‖√w ⊙ (A θ − y)‖², solved by ``numpy.linalg.lstsq`` (an SVD of
        √w A, better conditioned than the normal equations AᵀWA θ = AᵀWy). Because A has a
        column of ones, the fitted residuals have Σ wᵢ (ŷᵢ − yᵢ) = 0: no weighted bias.

        Parameters
        ----------
        inputs : ndarray, shape (n_samples, n_features)
        target : ndarray, shape (n_samples, n_outputs)
            Finite wherever its weight is positive.
        sample_weight : ndarray, shape (n_samples,) or (n_samples, n_outputs), optional
            Non-negative weights, e.g. cell areas (unweighted when None). Per-output weights
            (e.g. 0 where a field-mode target value is missing) fit each output on its own
            weights; outputs with identical weights are solved together.

        Returns
        -------
        LinearRegression
        """
        design = np.hstack([np.asarray(inputs, np.float64), np.ones((len(inputs), 1))])
        target = np.asarray(target, np.float64)
        if sample_weight is None:
            solution, *_ = np.linalg.lstsq(design, target, rcond=None)
            return cls(weights=solution[:-1], bias=solution[-1])
        weight = np.asarray(sample_weight, np.float64)
        if weight.ndim == 1:
            weight = np.broadcast_to(weight[:, None], target.shape)
        # outputs grouped by their column of weights, compared as bytes: ``np.unique(weight.T,
        # axis=0)`` sorts the columns as structured records of n_samples fields, which took
        # 2.7 s for the sample's one output of 435 456 samples (and grows with the data)
        groups: dict[bytes, list[int]] = {}
        for output in range(target.shape[1]):
            groups.setdefault(np.ascontiguousarray(weight[:, output]).tobytes(), []).append(output)
        solution = np.empty((design.shape[1], target.shape[1]))
        for outputs in groups.values():
            column = weight[:, outputs[0]]
            root = np.sqrt(column)[:, None]
            # rows of weight 0 are dropped, so a missing (NaN) target there is never read
            rows = column > 0
            solution[:, outputs], *_ = np.linalg.lstsq(
                design[rows] * root[rows], target[rows][:, outputs] * root[rows], rcond=None
            )
        return cls(weights=solution[:-1], bias=solution[-1])

    def predict(self, inputs: np.ndarray) -> np.ndarray:
        """ŷ = X W + b, shape (n_samples, n_outputs), float64."""
        return np.asarray(inputs, np.float64) @ self.weights + self.bias


#: Seconds in a day, for the time of day of sub-daily steps.
_DAY = 86400

#: The shortest step kept apart from a calendar month: finer steps are keyed by the day of the
#: year (and the hour), coarser ones by the calendar month.
_MONTH_DAYS = 28

#: The keys of a climatology of samples a year or more apart
#: (:func:`climann.data.multiyear_steps.years_apart`): one, the training mean.
WHOLE_RECORD = "whole record"


@dataclass(frozen=True)
class ClimatologyKeys:
    """What a climatology is taken per: its keys, one row each, chosen by the time step so that
    each key holds about one value per training year.

    * sub-daily steps: the day of year and the time of day (``slot_seconds`` long slots, the
      step), as WeatherBench 2's ERA5 climatology by day of year and hour of day;
    * daily steps: the day of year (366 rows), the date's number in its own year as xarray's
      ``time.dt.dayofyear`` that WeatherBench 2 groups by: from 1 March on, a leap year's dates
      are one number later than other years' (1 March 2004 is day 61, the key of 2 March 2003);
    * steps between a day and a month (pentads, weeks): windows of the year as long as the
      step (``window_days``), as CPC's 73 pentads or NOAA OISST's weekly climatology; the last
      window takes the days left over at the end of the year (days 358–365 for weeks; 29 February
      counts as 28 February), so that a series with the step's spacing all year round holds one
      value a year in every window (a key per day of year would hold one value in about seven
      years). A series that restarts on 1 January does not: MODIS's 8-day composites (46 a year,
      starting on days 1, 9, …, 361, the last one 5–6 days long), keyed by their start, fall in
      365 // 8 = 45 windows, so that in a year of 365 days the 45th window (days 353–365) holds
      two composites (19 and 27 December) and in a leap year the 8th (26 February and 5 March,
      29 February counted in 28 February's window) holds two and the 45th one (26 December). Such
      a window's climatology was the mean of both composites (break29a A7), and MODIS's 16-day
      composites (23 a year) shared one window in December and fell one window back after
      February of a leap year (break33a A3). Such a series, every stamp at the same place in
      a sequence of N-day composites that restarts on 1 January
      (:func:`climann.data.time_axis.yearly_restart_days`, the rule by which lags refuse them), is
      keyed per composite of the year instead (``composites``): its place in the year's
      sequence, ⌊(d − 1) / N⌋ + 1 of its own day of year d, leap years alike (2004's 5 March
      composite, day 65, is the 5th of the 16-day ones as 6 March 2003 is), as MODIS anomaly
      products take them, composites missing from the data alike (break38b A1);
    * periods that restart each month (:func:`climann.data.composites.month_periods`):
      half-months (GIMMS NDVI3g's, from the 1st and the 16th), dekads (from the 1st, 11th and
      21st) and CHIRPS's pentads (from the 1st, 6th, 11th, 16th, 21st and 26th, 72 a year: not
      CPC's 73 windows, which CHIRPS's 6th pentad of a month, 3 to 6 days, drifts through), per
      half-month, dekad or pentad of the year (``month_periods`` P a month, 12 · P keys: the
      month and the period of it), as GIMMS's and FAO's dekadal anomalies take them; keyed by 15-day
      windows of the year, half-months drifted through the windows (16 February and 1 March in one,
      days 76–90 in none; break38b A2);
    * monthly and coarser steps: the calendar month (12 rows), as WMO's climatological
      standard normals (WMO-No. 1203);
    * a step of a year or more (:data:`~climann.data.multiyear_steps.YEAR_DAYS` days): the whole
      record (:data:`WHOLE_RECORD`, 1 row), the training mean. For an ice core's samples,
      irregular and decades apart, the day of the year such a sample is dated to is no season
      (:mod:`climann.data.multiyear_steps`); a regular yearly or centennial axis puts every value
      in one calendar month, whose mean is the training mean: it was named "calendar month"
      before fix36b, for the same number.

    Attributes
    ----------
    per : str
        ``"day of year and hour"``, ``"day of year"``, ``"pentad of the year"``,
        ``"week of the year"``, ``"N-day period of the year"``, ``"N-day composite of the year"``,
        ``"half-month of the year"``, ``"dekad of the year"``, ``"CHIRPS pentad of the year"``,
        ``"calendar month"`` or ``"whole record"``.
    count : int
        The number of keys (the climatology's rows).
    slot_seconds : float
        Sub-daily keys: the length of a time-of-day slot, s; else 0.
    window_days : float
        Window keys: the length of a window of the year, days; else 0.
    reach_days : int
        Keys of values the run's own time selection kept one in n of (``time_stride`` n of daily
        means): n − 1, the days within which every key recurs; the smoothed climatology is
        defined at a key with a training value that close (:func:`climatology_from_sums`).
        0 otherwise. Not recorded, and not compared: it says how the climatology was fitted,
        not how it is looked up.
    composites : bool
        Window keys of composites that restart on 1 January: keyed by their place in the year's
        sequence, without the leap-day shift of windows.
    month_periods : int
        Keys per period of the month and month: P periods a month (2 half-months, 3 dekads;
        :data:`climann.data.composites.MONTH_PERIOD_STARTS`); else 0.
    calendar_years : bool
        Whole-record keys of a step of whole calendar years (every value in one calendar month):
        a climatology per calendar month (a model file from before fix36b) still looks them up
        (:meth:`fits`). Not recorded, and not compared.
    """

    per: str
    count: int
    slot_seconds: float = 0.0
    window_days: float = 0.0
    reach_days: int = field(default=0, compare=False)
    composites: bool = False
    calendar_years: bool = field(default=False, compare=False)
    month_periods: int = 0

    def of(self, times: np.ndarray, *, calendar: str | None = None, dates: np.ndarray | None = None) -> np.ndarray:
        """Each time's key, 1 … ``count``, shape (n_time,).

        ``dates``: the dates by which each step is counted in its season and year, shape (n_time,)
        (:meth:`climann.data.layout.GridLayout.period_times`, the middle of its time cell); keys per
        day of year (and hour) are taken at them (:meth:`keyed_dates`), the other keys at ``times``.

        Calendar month m; day of year d; for n slots of length Δt a day, (d − 1) · n + ⌊s / Δt⌋ + 1,
        s the seconds since midnight (6-hourly: 1 January 00:00 → 1, 06:00 → 2, 2 January 00:00 → 5);
        for windows of L days, min(⌊(d − 1 + s / 86 400) / L⌋, count − 1) + 1, where from 29 February
        of a 366-day year on d is counted one less (29 February shares 28 February's window and
        1 March has its day number of other years, as CPC's pentad 12 holds 25 February – 1 March
        with the leap day; days after it would otherwise fall one day later in their windows).
        With ``calendar``, d is the day of a climatology counted in that calendar
        (:func:`climatology_days`); None: the times' own. Composites of N days that restart on
        1 January: min(⌊(d − 1) / N⌋, count − 1) + 1, d their own day of year (a composite's
        place in its year's sequence does not depend on the calendar). Half-months and dekads (P
        a month): P · (m − 1) + j + 1, j the period of month m the time falls in. The whole record: 1.
        """
        times = self.keyed_dates(times, dates)
        if self.per == WHOLE_RECORD:
            return np.ones(len(times), dtype=np.int64)
        if self.per == "calendar month":
            return np.array([time.month for time in times], dtype=np.int64)
        if self.month_periods:
            return month_period_keys(times, self.month_periods)
        if self.composites:
            places = (np.array([time.dayofyr for time in times], dtype=np.int64) - 1) // round(self.window_days)
            return np.minimum(places, self.count - 1) + 1
        days = np.array([time.dayofyr for time in times]) if calendar is None else climatology_days(times, calendar)
        seconds = np.array([time.hour * 3600 + time.minute * 60 + time.second for time in times], dtype=np.int64)
        if self.slot_seconds:
            slots_per_day = self.count // 366
            return (days - 1) * slots_per_day + (seconds // self.slot_seconds).astype(np.int64) + 1
        if self.window_days:
            days = days - _from_leap_day(times, days, calendar)
            windows = np.floor((days - 1 + seconds / _DAY) / self.window_days).astype(np.int64)
            return np.minimum(windows, self.count - 1) + 1
        return np.asarray(days, dtype=np.int64)

    def keyed_dates(self, times: np.ndarray, dates: np.ndarray | None) -> np.ndarray:
        """The dates each step's key is taken at, shape (n_time,): for keys per day of year (and
        hour), ``dates``, the dates its season and year are counted by (the split's, the
        features', :func:`climann.data.time_cells.period_dates`), so that GloFAS's ``dis24``
        stamped 1 January 00 UTC, the mean of 31 December, takes 31 December's climatology, and
        2020's leap day has its own (fix47m: keyed by the stamps, each was a day late); the stamps
        (``times``) for the other keys, which are those of the steps' starts (CPC's pentads,
        OISST's weeks, MODIS composites, calendar months) or ``dates`` is None. Cells stamped at
        their start or middle keep their stamps' day (and hour)."""
        if dates is None or self.per not in _DAY_KEYED:
            return times
        return np.asarray(dates)

    def record(self) -> dict:
        """The keys as JSON (``model.npz`` ``target_climatology``): ``per``, and the slot or
        window length when it has one; read back with :meth:`from_record`."""
        lengths = {"slot_seconds": self.slot_seconds, "window_days": self.window_days, "composites": self.composites,
                   "month_periods": self.month_periods}
        return {"per": self.per, **{name: value for name, value in lengths.items() if value}}

    @classmethod
    def from_record(cls, record: dict, count: int) -> ClimatologyKeys:
        """The keys of a saved climatology of ``count`` rows from its :meth:`record`. A record
        of sub-daily keys without ``slot_seconds`` (written before it was) has 86 400 s / n slots."""
        slot = record.get("slot_seconds") or (_DAY / (count // 366) if record["per"] == "day of year and hour" else 0)
        return cls(per=record["per"], count=count, slot_seconds=float(slot),
                   window_days=float(record.get("window_days", 0)), composites=bool(record.get("composites")),
                   month_periods=int(record.get("month_periods", 0)))

    @property
    def step_seconds(self) -> float | None:
        """The time step these keys are for, s: the slot, a day, or the window; None for
        calendar months, half-months, dekads and the whole record."""
        if self.per in ("calendar month", WHOLE_RECORD) or self.month_periods:
            return None
        return self.slot_seconds or self.window_days * _DAY or _DAY

    @property
    def description(self) -> str:
        """``per``, with the slots' length for sub-daily keys (for messages: 6- and
        12-hourly keys are both "per day of year and hour")."""
        return f"{self.per} ({self.slot_seconds / 3600:g}-hour slots)" if self.slot_seconds else self.per

    def fits(self, other: ClimatologyKeys) -> bool:
        """Whether data whose own keys are ``other`` can be looked up in this climatology: the
        same keys; keys of a step that is a whole number of this one's (data at the training
        step with stamps missing, such as 6-hourly data kept at 00 and 12 UTC, or weekly data
        every other week: each time still falls in its own slot, day or window); or a
        climatology per day of year of a run trained on weekly data before windows were keyed
        as such (its model file keeps its keys); or a climatology per calendar month for data of
        a step of whole calendar years (a run trained on yearly data before fix36b keyed them so,
        or on monthly data: each value is looked up at its month, as before)."""
        mine, theirs = self.step_seconds, other.step_seconds
        multiple = mine is not None and theirs is not None and theirs >= mine and math.isclose(
            theirs / mine, round(theirs / mine))
        by_month = self.per == "calendar month" and other.calendar_years
        return (other == self or multiple or by_month
                or (self.per == "day of year" and self.count == 366 and other.window_days > 0))


#: The keys taken at the dates of the steps' cells rather than at their stamps (:meth:`ClimatologyKeys.keyed_dates`).
_DAY_KEYED = frozenset({"day of year", "day of year and hour"})


def _from_leap_day(times: np.ndarray, days: np.ndarray, calendar: str | None) -> np.ndarray:
    """1 for each day from 29 February (day 60) of a year of 366 days in ``calendar`` (the
    times' own when None), else 0, shape (n_time,)."""
    if not len(times):
        return np.zeros(0, dtype=np.int64)
    counted_in = calendar or times[0].calendar
    leap = np.array([days_in_year(time.year, counted_in) == 366 for time in times])
    return (leap & (np.asarray(days) >= 60)).astype(np.int64)


def _window_name(days: float) -> str:
    return {5: "pentad of the year", 7: "week of the year"}.get(days, f"{days:g}-day period of the year")


def climatology_keys_of_step(step: TimeStep | None, calendar: str) -> ClimatologyKeys:
    """The climatology keys (:class:`ClimatologyKeys`) for data of time step ``step`` in ``calendar``.

    Parameters
    ----------
    step : TimeStep or None
        The nominal step of the data (:func:`climann.data.time_axis.axis_time_step`); None
        (a single time of unknown step): per calendar month.
    calendar : str
        A CF calendar (CF-1.8 §4.4.1): the windows are as many as fit in its shortest year
        (365 days; 360 in ``360_day``).

    Returns
    -------
    ClimatologyKeys
    """
    seconds = 0.0 if step is None or step.months else step.duration.total_seconds()
    if 0 < seconds < _DAY:
        return ClimatologyKeys("day of year and hour", 366 * int(np.ceil(_DAY / seconds)), slot_seconds=seconds)
    if seconds == _DAY:
        return ClimatologyKeys("day of year", 366)
    if _DAY < seconds < _MONTH_DAYS * _DAY:
        days = seconds / _DAY
        shortest = min(days_in_year(year, calendar) for year in (2001, 2004))
        return ClimatologyKeys(_window_name(days), max(1, int(shortest // days)), window_days=days)
    if step is not None and step.approximate_days >= YEAR_DAYS:
        # a step of whole calendar years (PAGES2k-like yearly series, a 100-year transient) puts every
        # value in one month: that month's mean is the training mean, and so is named (fix36b)
        return ClimatologyKeys(WHOLE_RECORD, 1, calendar_years=bool(step.months))
    return ClimatologyKeys("calendar month", 12)


def key_time_step(times: np.ndarray, known_step: TimeStep | None = None, *,
                  value_step: TimeStep | None = None, source: TimeSource | None = None) -> TimeStep | None:
    """The time step the climatology keys follow: the axis's nominal step, the one its lags and
    persistence go by (:func:`climann.data.time_axis.axis_time_step`: the smallest spacing,
    gaps allowed), taken over the distinct times in order (blocks of a split by files may
    repeat or interleave); for times without one (irregular), their usual (median) spacing,
    so that a single odd spacing (a month held twice, stamped on the 15th and on the 16th at
    12:00: 1.5 days) does not key a monthly axis by 1.5-day periods of the year; for a single
    time, ``known_step`` (the run's training step, recorded with new data). The usual spacing
    of an irregular axis is read as a whole step (:func:`whole_step`, warned). A smallest
    spacing far below the usual one is warned about once (:func:`_note_odd_spacing`).

    Parameters
    ----------
    times : ndarray of cftime.datetime, shape (n_time,)
    known_step : TimeStep, optional
    value_step : TimeStep, optional
        The step of the values when finer than the spacing (:func:`climatology_keys`): the
        spacing is then not warned about, since the keys follow the values' step.
    source : TimeSource, optional
        Where the times were read from: the warnings' commands name its first file (an
        xarray line for a Zarr store, :mod:`climann.data.time_commands`); without it they
        say ``IN OUT``.

    Returns
    -------
    TimeStep or None
        None for a single time without ``known_step``.
    """
    distinct = _distinct_in_order(run_times(times))
    if len(distinct) < 2:
        return known_step
    spacings = distinct[1:] - distinct[:-1]
    usual = sorted(spacings)[len(spacings) // 2]
    step = axis_time_step(distinct)
    chosen = step if step is not None else TimeStep(duration=whole_step(usual))
    if value_step is not None and value_step.approximate_days < chosen.approximate_days:
        return chosen  # keyed by the values' own step (climatology_keys): the spacing's keys are not taken
    if step is None and chosen.duration != usual:
        _note_rounded_spacing(distinct, chosen, source)
    _note_odd_spacing(distinct, spacings, chosen, usual, regular=step is not None)
    if step is None:
        _note_uneven_windows(distinct, spacings, chosen, source)
    return chosen


#: An irregular axis's usual spacing is keyed as the whole number of days, hours, minutes or
#: seconds within this fraction of it (:func:`whole_step`).
_WHOLE_STEP_FRACTION = 0.02


def whole_step(usual: datetime.timedelta) -> datetime.timedelta:
    """The usual (median) spacing of an irregular time axis as a whole number of days, hours,
    minutes or seconds, the coarsest of these within 2 % of it (:data:`_WHOLE_STEP_FRACTION`);
    the spacing itself when none is.

    Daily values stamped at each day's mean observation time (minutes around 12:00) have a
    median spacing of 1.00059 days or 0.99995 days: keyed by that, their climatology was taken
    per "1.00059-day period of the year" (windows drifting through the days) or per day and
    hour, never the smoothed day-of-year climatology of daily data; 1 day is the step meant.
    A spacing between whole units (36 hours) keeps the finer unit's count; a step of several
    days within 2 % of a whole number (5.02 days) is that many days.

    Examples
    --------
    >>> whole_step(datetime.timedelta(days=1.00059))
    datetime.timedelta(days=1)
    >>> whole_step(datetime.timedelta(hours=36))
    datetime.timedelta(days=1, seconds=43200)
    """
    seconds = usual.total_seconds()
    for unit in (86400, 3600, 60, 1):
        count = round(seconds / unit)
        if count >= 1 and abs(seconds - count * unit) <= _WHOLE_STEP_FRACTION * seconds:
            return datetime.timedelta(seconds=count * unit)
    return usual


def _note_rounded_spacing(times: np.ndarray, chosen: TimeStep, source: TimeSource | None = None) -> None:
    """Warn (once) that an irregular axis's climatology keys follow its usual spacing rounded
    to a whole step (:func:`whole_step`); for daily values, with the command that puts each
    stamp on 12:00 of its day in a copy of ``source``'s first file
    (:func:`~climann.data.time_commands.midday_stamps_advice`)."""
    keys = climatology_keys_of_step(chosen, times[0].calendar).per
    seconds = int(chosen.duration.total_seconds()) if chosen.duration is not None else 0
    if chosen.span() == "1 day":
        if source is None:
            fix = " (e.g. `ncap2 -s 'time=floor(time)+0.5' IN OUT` for daily values in days since a midnight)"
        else:
            units = _stored_time_units(source)  # the ncap2 line in the file's own units (break51d A4)
            advice = copies_of_files(lambda files, _: midday_stamps_advice(source.time, files, units=units),
                                     source.files, name="midday_stamps")  # a loop over every file
            fix = f" (for daily values, e.g. {advice})"
    elif 0 < seconds < 86400 and 86400 % seconds == 0:
        # radiosondes stamped at their release times (IGRA2's RELTIME, ~23:00 and ~11:00): the nominal
        # 00 and 12 UTC, which lags and persistence need (break46d A5: "put the stamps on it" gave no line)
        line = rounded_stamps_command(seconds, "time" if source is None else source.time,
                                      "IN OUT" if source is None else copy_files(source))
        slots = [f"{hour:02d}:{minute:02d}" for hour, minute in
                 (divmod(start // 60, 60) for start in range(0, 86400, seconds))]
        slots = (f"{', '.join(slots[:-1])} and {slots[-1]} UTC" if len(slots) <= 4
                 else f"times {chosen.span()} apart from 00:00 UTC")
        fix = (f" (e.g. `{line}`, which puts each stamp on the nearest of {slots}"
               f"{'' if source is None else _each(source)}; then lags and persistence have a regular step)")
    else:
        fix = ""
    # the same warning for every block of a run (train, val, test), with or without the file: one
    note_once(_log, logging.WARNING,
              f"the time axis has no regular step, its spacings only about {chosen.span()} (not exactly whole "
              f"seconds or steps): the climatology is taken per {keys}, as for {chosen.name} data; if each value is "
              f"of one step, stamped off its usual instant, put the stamps on it{fix}",
              key=("rounded spacing", chosen.span(), keys))


def _stored_time_units(source: TimeSource) -> str | None:
    """The ``units`` of ``source``'s time variable as its first file stores them (``seconds since
    2010-01-01``), None when they cannot be read (a Zarr store's line needs none)."""
    from climann.data.handles import open_file  # every input through its one handle

    try:
        with open_file(source.file, decode_times=False, decode_cf=False) as opened:
            return str(opened[source.time].attrs["units"]) if source.time in opened.variables else None
    except (OSError, ValueError, KeyError):
        return None


def _each(source: TimeSource) -> str:
    """Words after a command on the first of several files of ``source``: it is for each."""
    return f"; likewise for each of the {len(source.files)} files" if len(source.files) > 1 else ""


#: An odd spacing: at most this fraction of the usual (median) spacing of a time axis.
_ODD_SPACING = 0.5

#: A nominal step set by odd spacings is warned about when they are at most this fraction of
#: an axis's spacings (a few places, not data kept at every other step after a complete start).
_RARE_SPACINGS = 0.05


def _note_odd_spacing(times: np.ndarray, spacings: np.ndarray, step: TimeStep, usual: datetime.timedelta, *,
                      regular: bool) -> None:
    """Warn (once) when a time axis's smallest spacing (named with its two times) is far below
    its usual one: on an axis without a nominal step (the climatology then follows the usual
    spacing), or when a few such spacings set the nominal step (whose keys then split values of one period stamped at
    two instants: a day's value at 00:00 and at 12:00 under two hours of the day)."""
    odd = np.flatnonzero([spacing <= _ODD_SPACING * usual for spacing in spacings])
    if not odd.size or (regular and odd.size > max(1, _RARE_SPACINGS * len(spacings))):
        return
    # the smallest of them, not the first: the first odd spacing of ECOSTRESS's overpasses was
    # 1.2 days where the smallest was 0.42 (break35a A6)
    first = int(odd[np.argmin([spacings[index] for index in odd])])
    smallest = TimeStep(duration=spacings[first]).span()
    keys = climatology_keys_of_step(step, times[0].calendar).per
    where = f"{date_text(times[first])} to {date_text(times[first + 1])}"
    if regular:
        how = (f"sets its step ({step.name}) though most steps are {TimeStep(duration=usual).span()} apart: the "
               f"climatology is taken per {keys}, and a value stamped at another instant of its period than the "
               f"others falls under another key")
    elif keys == WHOLE_RECORD:
        how = (f"is far below its usual step of {TimeStep(duration=usual).span()}, and the axis has no regular step: "
               "values a year or more apart have no seasonal cycle, so the climatology is the training mean and "
               "persistence the value before")
    else:
        how = (f"is far below its usual step of {TimeStep(duration=usual).span()}, and the axis has no regular step: "
               f"the climatology is taken per {keys}, by the usual step")
    note_once(_log, logging.WARNING,
              f"the time axis's smallest spacing, {smallest} ({where}{', …' if odd.size > 1 else ''}), {how}; if "
              "two values there are of one period stamped at two instants (files that overlap), leave one out")


#: The calendars of periods that restart each year or month, which key a climatology by each
#: period's place in its year (:func:`_restarting_keys`), for messages.
_RESTARTING_CALENDARS = ("N-day composites from 1 January as MODIS's, half-months from the 1st and the 16th, "
                         "dekads from the 1st, 11th and 21st, CPC's 73 pentads a year, CHIRPS's 72 (6 a month)")


def _note_uneven_windows(times: np.ndarray, spacings: np.ndarray, chosen: TimeStep,
                         source: TimeSource | None = None) -> None:
    """Warn (once) that an axis of uneven spacings between a day and a month, told nothing more
    (no time bounds of one length, no thinning by the run), is keyed by windows of the year as
    long as its usual spacing: values a few days apart in turn (3 and 4 days: observations at
    the valid days of twice-weekly S2S forecasts) may be daily values, whose climatology is per
    day of year and smoothed, or means over the spacing; only the file can tell (break31a A4).
    An axis whose spacings are mostly the usual one (MODIS's 8-day composites, 5–6 days at the
    end of each year) is not warned about; nor are half-months and dekads, keyed by their place in the
    year (:func:`_restarting_keys`). The warning says that the dates fit none of these calendars:
    GIMMS-like half-months stamped on the 1st and the 15th are keyed by windows (break38b A2: its
    only advice, 1-day bounds, did not apply). The command that gives 1-day bounds names
    ``source``'s first file (:func:`~climann.data.time_commands.day_bounds_command`)."""
    keys = climatology_keys_of_step(chosen, times[0].calendar)
    uneven = np.count_nonzero(spacings != chosen.duration)
    if not keys.window_days or uneven <= _RARE_SPACINGS * len(spacings):
        return
    shortest, longest = TimeStep(duration=min(spacings)).span(), TimeStep(duration=max(spacings)).span()
    command = "cdo settbounds,day IN OUT" if source is None else day_bounds_command(source.time, copy_files(source))
    note_once(_log, logging.WARNING,
              f"the times are {shortest} to {longest} apart and no time bounds of one length say what each value "
              f"is: the climatology is taken per {keys.per}, each window's mean without smoothing, as for means "
              f"over {chosen.span()}; the dates fit no calendar of periods that restart each year or month ("
              f"{_RESTARTING_CALENDARS}, each dated at one place in its period: its start, middle or last day): if "
              "the values are of such periods, date each at its period's start or give the file CF time bounds of "
              "the periods (CF 7.1), and the climatology is taken per period of the year; if each value is of one "
              "day (a daily mean, or a day's observation every few days, as at the valid days of twice-weekly "
              "forecasts), give the file 1-day time bounds (CF 7.1: "
              f"`{command}` for values stamped within their day{'' if source is None else _each(source)}), and the "
              "climatology is taken per day of year, smoothed as for daily data",
              key=("uneven windows", shortest, longest, keys.per))


def climatology_keys(times: np.ndarray, *, known_step: TimeStep | None = None,
                     value_step: TimeStep | None = None, source: TimeSource | None = None) -> ClimatologyKeys:
    """The climatology keys of a time axis (:class:`ClimatologyKeys`), by its step
    (:func:`key_time_step`), or by the finer step its values had before the run's own time
    selection thinned it (``value_step``): the one route by which the baseline, the ACC's
    reference, ``target_anomaly`` and ``metrics.json``'s ``climatology_per`` key their
    climatology.

    Daily means kept every other day (``time_stride = 2``) are still daily means: keyed by
    their 2-day spacing, each "2-day period of the year" held one training value a year and
    its raw mean, without the smoothing over the days of the year that daily data get
    (:func:`climatology_from_sums`), fitted the training years' noise (break20 F2). They are
    keyed by the day of year, each kept day under its own day, and smoothed. So are daily
    means that the file itself holds a few days apart, when its CF time bounds say so
    (1-day cells: observations at the valid days of twice-weekly S2S forecasts, break31a A4):
    the climatology's kind follows what the values are, not their spacing. Without bounds
    (or a run's thinning) the spacing is all that tells the values' step.

    Parameters
    ----------
    times : ndarray of cftime.datetime, shape (n_time,)
    known_step : TimeStep, optional
        The step of a single time (see :func:`key_time_step`).
    value_step : TimeStep or PeriodStep, optional
        :attr:`climann.data.layout.GridLayout.climatology_value_step`: the axis's step before
        ``time_stride`` or ``months`` thinned it, or the length of its CF time cells; taken
        when finer than the kept axis's. A calendar of periods that restart each year or month
        (the axis before the thinning was of it) keys by the period of the year of each time
        (:func:`period_keys`), whatever the kept times' spacing.
    source : TimeSource, optional
        Where the times were read from, named by the warnings' commands (:func:`key_time_step`).

    Returns
    -------
    ClimatologyKeys
    """
    calendar = times[0].calendar if len(times) else "standard"
    if isinstance(value_step, PeriodStep):
        return period_keys(value_step, calendar)
    times = run_times(times)
    restarting = _restarting_keys(_distinct_in_order(times), calendar, value_step)
    if restarting is not None:
        return restarting
    step = key_time_step(times, known_step, value_step=value_step, source=source)
    if value_step is None or step is None or value_step.approximate_days >= step.approximate_days:
        return climatology_keys_of_step(step, calendar)
    if value_step.duration is not None and value_step.duration.total_seconds() < _DAY:
        return _sub_daily_value_keys(_distinct_in_order(times), step, value_step, calendar)
    kept_one_in = round(step.approximate_days / value_step.approximate_days)
    return replace(climatology_keys_of_step(value_step, calendar), reach_days=max(kept_one_in - 1, 0))


def _sub_daily_value_keys(distinct: np.ndarray, step: TimeStep, value_step: TimeStep,
                          calendar: str) -> ClimatologyKeys:
    """The keys of sub-daily values (time cells, or steps a run's thinning kept one in n of)
    held further apart than their length (``step``): per day of year and slot of the day, the
    slots no shorter than the values and no shorter than the smallest spacing of the times of
    day the values are at, so that each time of day held has its own slot and no slot is left
    without one by construction; per day of year when they are all at one time of day (ERA5's
    hourly totals kept at 12 UTC). Slots of the cells' length made the keys grow as the cells
    shrank: 2.5-minute cells a day apart were 576 slots a day, 575 of them empty, each with its
    own climatology to smooth and a reach of 575 "days" (n − 1 cells), evaluation 20 minutes
    and 4.6 GB where the hour took 20 s (break48d A2). ``reach_days`` is in days, as
    :func:`climatology_from_sums` reads it: the days within which each key recurs (0 a day
    apart, 1 for values 36 hours apart)."""
    seconds = np.unique([time.hour * 3600 + time.minute * 60 + time.second for time in distinct])
    spacing = float(np.diff(seconds).min()) if seconds.size > 1 else float(_DAY)
    slot = max(value_step.duration.total_seconds(), spacing)
    reach = max(math.ceil(step.approximate_days - 1e-9) - 1, 0)
    if slot >= _DAY:
        return replace(climatology_keys_of_step(TimeStep(duration=datetime.timedelta(days=1)), calendar),
                       reach_days=reach)
    return replace(climatology_keys_of_step(TimeStep(duration=datetime.timedelta(seconds=slot)), calendar),
                   reach_days=reach)


def run_times(times: np.ndarray) -> np.ndarray:
    """``times`` without the target's steps read for a forecast's persistence alone, when some
    lie within the run's period (the days before the starts of S2S forecasts, which lead the
    axis in their own order, :mod:`climann.data.earlier_steps`): of an axis of two ascending runs
    of distinct times, the first reaching into the second's span, the second. The climatology's
    keys follow the run's steps (twice-weekly valid days with 1-day cells: reached over the days
    between them), not the days read beside them for persistence (fix54f). ``times`` itself
    otherwise (ascending, a block of ``split_files`` repeating another's dates)."""
    times = np.asarray(times)
    if times.size < 3:
        return times
    backwards = np.flatnonzero(times[1:] < times[:-1])
    if backwards.size != 1:
        return times
    first, rest = times[:backwards[0] + 1], times[backwards[0] + 1:]
    return times if np.isin(first, rest).any() else rest


def _distinct_in_order(times: np.ndarray) -> np.ndarray:
    """The distinct times in order (``np.unique``): an axis already strictly increasing as it
    is, found in one pass; sorting cftime objects compares them in Python (≈ 30 ms for five
    years of 6-hourly stamps, and asked twice by each :func:`climatology_keys`)."""
    times = np.asarray(times)
    if times.size < 2 or bool(np.all(times[1:] > times[:-1])):
        return times
    return np.unique(times)


def _restarting_keys(distinct: np.ndarray, calendar: str, value_step: TimeStep | None) -> ClimatologyKeys | None:
    """The keys of periods that restart each year or month, or None: per composite of the year
    for N-day composites restarting on 1 January (:func:`~climann.data.time_axis.yearly_restart_days`),
    per half-month or dekad of the year (:func:`~climann.data.composites.month_periods`), per
    pentad of the year for CPC's pentads (:func:`~climann.data.composites.cpc_pentads`: the 73
    windows of 5 days of the year with 29 February in the 12th, :meth:`ClimatologyKeys.of`, which
    are CPC's pentads whatever the place of the stamps in them), each period's place in its year
    whatever periods the data lack; None when the times are neither,
    or when the values' own step (``value_step``: 1-day time bounds, a run's thinning) is under
    half such a period (days observed on the 1st and 16th are daily values, keyed by the day)."""
    days = yearly_restart_days(distinct)
    periods = None if days is not None else month_periods(distinct)
    pentads = days is None and periods is None and cpc_pentads(distinct)
    if days is None and periods is None and not pentads:
        return None
    period_days = days or (365.25 / 12 / periods if periods else 5)
    if value_step is not None and value_step.approximate_days < period_days / 2:
        return None
    if periods is not None:
        return ClimatologyKeys(MONTH_PERIOD_KEYS[periods], 12 * periods, month_periods=periods)
    step = climatology_keys_of_step(TimeStep(duration=datetime.timedelta(days=period_days)), calendar)
    # CPC's pentads are the 5-day windows of the year, 29 February in the 12th (ClimatologyKeys.of)
    return step if pentads else composite_keys(step, calendar)


def period_keys(periods: PeriodStep, calendar: str) -> ClimatologyKeys:
    """The climatology keys of values of a calendar of periods that restart each year or month
    (:func:`climann.data.composites.period_positions`), the keys :func:`_restarting_keys`
    finds on a whole axis of them: per composite of the year for N-day composites restarting
    on 1 January, per half-month, dekad or CHIRPS pentad of the year (12 · P keys), per pentad of
    the year for CPC's 73 pentads (the 5-day windows of the year, 29 February in the 12th).

    For an axis the run thinned (``time_stride``: every other CPC pentad, 10 days apart and one
    pentad later in the year each odd year), which no longer shows its calendar: each kept
    value under the key of its own period.

    Parameters
    ----------
    periods : PeriodStep
        The calendar (:attr:`climann.data.layout.GridLayout.value_periods`).
    calendar : str
        The CF calendar of the times (CF-1.8 §4.4.1).

    Returns
    -------
    ClimatologyKeys
    """
    if periods.period.endswith("-day composite"):
        days = int(periods.period.split("-")[0])
        return composite_keys(climatology_keys_of_step(TimeStep(duration=datetime.timedelta(days=days)), calendar),
                              calendar)
    if periods.per_year == PENTADS_A_YEAR:
        return climatology_keys_of_step(TimeStep(duration=datetime.timedelta(days=5)), calendar)
    count = periods.per_year // 12
    return ClimatologyKeys(MONTH_PERIOD_KEYS[count], 12 * count, month_periods=count)


def composite_keys(keys: ClimatologyKeys, calendar: str) -> ClimatologyKeys:
    """``keys`` (windows of N days) as keys per composite of the year: one per start a year of
    ``calendar`` holds, ⌈366 / N⌉ (23 for 16 days, 46 for 8 days; 360-day years: ⌈360 / N⌉)."""
    longest = max(days_in_year(year, calendar) for year in (2001, 2004))
    return replace(keys, per=f"{keys.window_days:g}-day composite of the year",
                   count=math.ceil(longest / keys.window_days), composites=True)


def season_name(times: np.ndarray, *, known_step: TimeStep | None = None, value_step: TimeStep | None = None) -> str:
    """What the climatology is taken per (:attr:`ClimatologyKeys.per` of :func:`climatology_keys`)."""
    return climatology_keys(times, known_step=known_step, value_step=value_step).per


def run_climatology_per(layout: GridLayout) -> str:
    """What a run's climatology is taken per (:func:`season_name`), decided once from its whole
    time axis (its recorded step for new data, the values' step before a selection thinned it):
    the value ``metrics.json`` records as ``climatology_per``, which every message and figure
    caption of the run names. A block's times alone may suggest another step (Landsat's 16-day
    revisits, whose test block holds Landsat 9's 8-day offsets too: "14-day", break35a A5)."""
    return season_name(layout.time.values, known_step=layout.known_time_step,
                       value_step=layout.climatology_value_step)


def season_count(times: np.ndarray) -> int:
    """The number of climatology keys (rows) for this axis (:func:`climatology_keys`)."""
    return climatology_keys(times).count


def season_keys(times: np.ndarray, *, calendar: str | None = None, value_step: TimeStep | None = None,
                dates: np.ndarray | None = None) -> np.ndarray:
    """The climatology's key of each time step, 1 … :func:`season_count` (:meth:`ClimatologyKeys.of`
    of :func:`climatology_keys`).

    Parameters
    ----------
    times : ndarray of cftime.datetime, shape (n_time,)
    calendar : str, optional
        The calendar of the climatology looked up (the training data's, saved in ``model.npz``);
        None: the times' own (the keys the climatology is built with).
    value_step : TimeStep, optional
        The axis's step before the run's time selection thinned it (:func:`climatology_keys`).
    dates : ndarray of cftime.datetime, shape (n_time,), optional
        The dates each step is counted by (:meth:`ClimatologyKeys.keyed_dates`).

    Returns
    -------
    ndarray of int, shape (n_time,)
    """
    return climatology_keys(times, value_step=value_step).of(times, calendar=calendar, dates=dates)


def climatology_days(times: np.ndarray, calendar: str) -> np.ndarray:
    """The day of year, counted in ``calendar``, at which a climatology is looked up for each time.

    In the times' own calendar, or where their year has as many days in ``calendar``, it is
    their day of year d. Otherwise (a ``360_day`` or leap year on a ``noleap`` climatology)
    it is the day at the same fraction of the year, d′ = round(d · N_clim / N_data), N the
    days of the time's year in each calendar: the mapping of xarray's
    ``convert_calendar(..., align_on="year")``, so 360_day 30 December (day 360) → noleap
    day 365 and 31 December of a leap year (day 366) → 365, never the day number of another
    season. The network's season feature is likewise the fraction of the year
    (:func:`climann.data.features.year_fraction`).

    Parameters
    ----------
    times : ndarray of cftime.datetime, shape (n_time,)
    calendar : str
        A CF calendar name (CF-1.8 §4.4.1).

    Returns
    -------
    ndarray of int, shape (n_time,)
        1 … 366.
    """
    days = np.array([time.dayofyr for time in times], dtype=np.int64)
    if not len(times) or times[0].calendar == calendar:
        return days
    years = np.array([time.year for time in times])
    lengths = {year: (days_in_year(year, times[0].calendar), days_in_year(year, calendar)) for year in np.unique(years)}
    own = np.array([lengths[year][0] for year in years])
    other = np.array([lengths[year][1] for year in years])
    return np.where(own == other, days, np.round(days * other / own).astype(np.int64))


#: WeatherBench 2's window over the days of the year (``scripts/compute_climatology.py``
#: ``--window_size``, default 61; Rasp et al. 2024, §"Climatology"): the default of
#: ``[evaluation] climatology_window_days``.
CLIMATOLOGY_WINDOW_DAYS = 61


def climatology_window_weights(window_days: int) -> np.ndarray:
    """WeatherBench 2's triangular weights of a window of ``window_days`` days centred on a day.

    w_k = 1 − |k| / h for k = −h … h, h = (``window_days`` − 1) / 2: 1 on the day itself,
    falling linearly to 0 at ±h days (so a 61-day window gives weight to the 59 days within
    ±29 days, and a 3-day window, 0 1 0, smooths nothing). ``window_days`` = 1 gives the one
    weight w₀ = 1 (no smoothing; WeatherBench 2's formula would give 0/0). Source:
    WeatherBench 2 ``weatherbench2/utils.py`` ``create_window_weights`` (odd sizes only).

    Parameters
    ----------
    window_days : int
        Odd, ≥ 1.

    Returns
    -------
    ndarray, shape (window_days,)
        w_{−h} … w_h.
    """
    half = (window_days - 1) // 2
    if half == 0:
        return np.ones(1)
    return 1.0 - np.abs(np.arange(-half, half + 1)) / half


def is_smoothed(per: str) -> bool:
    """Whether a climatology taken per ``per`` (:attr:`ClimatologyKeys.per`) is smoothed over
    the days of the year (:func:`climatology_from_sums`): per day of year, and per day of year
    and hour. Calendar months (WMO's normals) and windows of the year are each key's mean."""
    return per in ("day of year", "day of year and hour")


def cyclic_days(counts: np.ndarray, keys: ClimatologyKeys, calendar: str) -> int:
    """L, the days of the year the day-of-year climatology cycles over: the longest year of
    ``calendar`` (360 in ``360_day``, 365 in ``noleap``, 366 in ``all_leap`` and in calendars
    with leap years), but 365 where day 366 holds no training value (no leap year trained
    on: day 366 is then no day of the training years, and 31 December is followed by 1 January).

    Parameters
    ----------
    counts : ndarray, shape (keys.count, ...)
        The training values of each key (and cell).
    keys : ClimatologyKeys
        Per day of year, or per day of year and hour.
    calendar : str
        The CF calendar the days of year are counted in (CF-1.8 §4.4.1).
    """
    longest = max(days_in_year(year, calendar) for year in (2001, 2004))
    per_day = counts.reshape(366, keys.count // 366, -1)
    return 365 if longest == 366 and not per_day[365].any() else longest


def climatology_from_sums(
    sums: np.ndarray, counts: np.ndarray, keys: ClimatologyKeys, *, calendar: str, window_days: int,
) -> np.ndarray:
    """The climatology from each key's sum and count of training values: the one place where
    the in-memory, streamed and cluster routes turn their sums into the climatology.

    Monthly keys, windows of the year (pentads, weeks) and ``window_days`` = 1 give the mean of
    each key, S[k] / N[k]. Keys per day of year (daily data) and per day of year and hour
    (sub-daily data, each time of day on its own) are smoothed over the days of the year with
    WeatherBench 2's triangular window (:func:`climatology_window_weights`), cyclic over the
    L days of the year (:func:`cyclic_days`)::

        c[d, s] = Σₖ w_k S[(d + k) mod L, s] / Σₖ w_k N[(d + k) mod L, s],   k = −h … h

    d the day of year (0-based), s the time of day: the weighted mean of every training value
    within ±h days of the day of year, each weighted by its distance — WeatherBench 2's
    "explicit" climatology (``weatherbench2/utils.py`` ``compute_rolling_stat``: the weighted
    mean over the window and the years, missing values skipped; 61 days over 1990–2020 for its
    ERA5 climatology, Rasp et al. 2024, https://doi.org/10.1029/2023MS004019). The sums, not
    the means, are smoothed so that every training value weighs the same: a day with values
    missing (sea ice, gaps) or held by fewer years (day 366, a partial first year) weighs less,
    as in WeatherBench 2, and the result does not depend on how the sums were split into chunks.
    Day 366 holds the leap years' 31 December; when no training value lies on it (no leap year
    trained on, L = 365 in a calendar with leap years), it takes day 365's c, at each time of day:
    31 December of a leap year has the climatology of 31 December of the other years, as in
    WeatherBench 2, which fills the day 366 of the years without one with their day 365
    (``compute_rolling_stat``: ``stacked.fillna(stacked.sel(dayofyear=365))``; fix48h, break48d
    A6: it had none, and the scores left 31 December of a leap test year out). The other days'
    c do not change (L stays 365: 1 January follows 31 December). Likewise, in a calendar with leap
    years, a day d from 29 February (day 60) on with neither a training value nor a c takes day
    d − 1's c where that has one (:func:`_fill_leap_shift`): from 1 March on, a leap year's day d is
    the date of day d − 1 in the other years, and 29 February takes 28 February's; a season's last
    day in a leap test year (31 August, day 244, beside training years without a leap year) had no c.
    Each cell (a station of a station file) is taken on its own,
    by the days of the year it holds a training value on (:func:`_held_days`), whatever the other
    cells hold. The days a cell lacks in runs of fewer than 28 consecutive days of the year
    (:func:`series_gaps`: a station's daily averages on the ~60 % of days with a retrieval,
    AERONET's; irregular sub-daily observations; a pixel missing on a few days in every training
    year) are gaps: c is the window's mean of the values the cell holds there, as WeatherBench 2's.
    Only runs of 28 days or more without a training value at the cell (months or seasons the run
    or the file leaves out, a station's winter without retrievals, months under sea ice) narrow
    its window (:func:`_window_reach`), and c is undefined on them, as on every day at a cell
    without a training value (a masked pixel). Read from the series as a whole (a day held at
    any cell), a station's numbers depended on the other stations of its file: beside one holding
    every day, a station without winter retrievals kept a one-sided window at its season's ends
    and a gappy station had no climatology on its gap days (fix35b). A gappy series' window had
    been narrowed near every day of the year its training years happened to lack (to 1–3 days for
    half the days, break34a S1). Daily
    means the run kept one in n of (``time_stride``, :attr:`ClimatologyKeys.reach_days` = n − 1)
    fall on other days of the year each year: c is defined where a training value lies within
    n − 1 days (N[(d + j) mod L, s] > 0 for some |j| ≤ n − 1), as every day of a complete
    series with a training value on it is; the days between were skipped by the run, not
    missing from the data.

    Parameters
    ----------
    sums, counts : ndarray, shape (keys.count, n_lat, n_lon)
        Σ y and the number of present y over the training steps of each key, at each cell.
    keys : ClimatologyKeys
    calendar : str
        The CF calendar the days of year are counted in (the training data's).
    window_days : int
        ``[evaluation] climatology_window_days``: odd, 1 … 359 (1: no smoothing).

    Returns
    -------
    ndarray, shape (keys.count, n_lat, n_lon), float64
        NaN where no training value exists: smoothed, on the days a cell lacks for 28 days or
        more in a row, and at a cell without any (day 366 without a training value: day 365's;
        ``window_days`` = 1, the raw means: NaN there).
    """
    sums, counts = np.asarray(sums, np.float64), np.asarray(counts, np.float64)
    seen, shape = counts > 0, counts.shape
    trained = seen  # the keys holding a training value, before the smoothing spreads the counts
    length = 0
    if window_days > 1 and is_smoothed(keys.per):
        length, by_day = cyclic_days(counts, keys, calendar), (366, keys.count // 366, -1)
        held, seen = _held_days(seen, keys, length)
        gaps = series_gaps(seen.reshape(by_day)[:length], held=held[:, None, :])  # per cell and time of day
        reach = _window_reach(window_days, held, keys.reach_days)
        sums, counts = sums.reshape(by_day).copy(), counts.reshape(by_day).copy()
        sums[:length] = _window_sums(sums[:length], reach, window_days)
        counts[:length] = _window_sums(counts[:length], reach, window_days)
        seen = seen.reshape(by_day).copy()
        seen[:length] |= gaps & held[:, None, :]  # a time step the cell's series lacks: the window's mean
        sums, counts, seen = sums.reshape(shape), counts.reshape(shape), seen.reshape(shape)
    climatology = np.divide(sums, counts, out=np.full(seen.shape, np.nan), where=seen & (counts > 0))
    if length == 365 and fills_day_366(calendar):
        by_day = climatology.reshape(366, keys.count // 366, -1)  # a view: day 366 ← day 365
        by_day[365] = by_day[364]
    if length and has_leap_years(calendar):
        _fill_leap_shift(climatology.reshape(366, keys.count // 366, -1), trained.reshape(366, keys.count // 366, -1))
    return climatology


def has_leap_years(calendar: str) -> bool:
    """Whether ``calendar`` has years of 365 and of 366 days (``standard``, ``gregorian``,
    ``proleptic_gregorian``, ``julian``): from 29 February on, a leap year's day of year is one more
    than the same date's in other years."""
    return {days_in_year(year, calendar) for year in (2001, 2004)} == {365, 366}


def _fill_leap_shift(by_day: np.ndarray, trained: np.ndarray) -> None:
    """Day d (29 February, day 60, to 366) of a leap year without a training value and without a
    climatology, where day d − 1 has one, takes day d − 1's, in place (``by_day``, and ``trained``,
    whether a key holds a training value, of shape (366, n_slots, n_cells)): the date of day d − 1 in
    the other years from 1 March on, and 28 February's for 29 February. Training years without a
    leap year hold 31 August on day 243 only, and a leap test year's 31 August is day 244, one past
    the season the run chose: it had no climatology, smoothed over 61 days though it was, and its
    values were left out of the climatology's skill and ACC (break50c A4: CPC ``--seasons JJA``,
    2020-08-31; SNODAS ``--months 12,1,2,3``, 2020-03-31; 29 February of a ``--months 12,1,2`` leap
    test year alike). As day 366 takes day 365's (WeatherBench 2's ``fillna(dayofyear=365)``). A
    key held by a training value (a leap year trained on) keeps its own; every other day is
    unchanged. In a year of 365 days the key filled is the date after a run of training days (1
    September, after JJA): only a run whose selection holds that date looks it up."""
    before = by_day[58:365].copy()  # days 59 … 365: each day's d − 1, as computed (no chain of fills)
    fill = np.isnan(by_day[59:]) & ~trained[59:] & ~np.isnan(before)
    by_day[59:][fill] = before[fill]


def fills_day_366(calendar: str) -> bool:
    """Whether a smoothed day-of-year climatology cycling over 365 days (:func:`cyclic_days`: no
    training value on day 366) gives day 366 day 365's value (:func:`climatology_from_sums`): in a
    calendar with leap years, whose 31 December of a leap year is day 366. Not in ``noleap`` and
    ``365_day``, which have no day 366, nor in ``360_day``."""
    return max(days_in_year(year, calendar) for year in (2001, 2004)) == 366


def _held_days(seen: np.ndarray, keys: ClimatologyKeys, length: int) -> tuple[np.ndarray, np.ndarray]:
    """The days of the year each cell's window is not narrowed at (``held``, shape (length,
    n_cells)): a training value of that cell, at some time of day, within the run's reach
    (:attr:`ClimatologyKeys.reach_days`), or a gap of that cell's series (:func:`series_gaps`);
    and ``seen`` (shape (keys.count, ...)) extended by that reach (:func:`_seen_within`). Each
    cell on its own: a station without winter retrievals beside one with every day narrows its
    window as it would alone, and a gappy station's missing days are its gaps whatever other
    stations hold."""
    slots, by_day = keys.count // 366, (366, keys.count // 366, -1)
    days_seen = seen.reshape(by_day)[:length].any(axis=1)
    if keys.reach_days:
        seen = _seen_within(seen, keys.reach_days, length, slots)
    held = seen.reshape(by_day)[:length].any(axis=1) | series_gaps(days_seen)
    return held, seen


def smoothing_reach(counts: np.ndarray, keys: ClimatologyKeys, *, calendar: str,
                    window_days: int) -> tuple[np.ndarray, np.ndarray]:
    """What the smoothed day-of-year climatology (:func:`climatology_from_sums`) rests on: the
    training values inside each key's window, and the days of the year its window narrows near.

    Parameters
    ----------
    counts : ndarray, shape (keys.count, ...)
        The training values of each key (and cell, when given: each cell's window is narrowed
        by its own days, :func:`_held_days`).
    keys : ClimatologyKeys
        Per day of year, or per day of year and hour (:func:`is_smoothed`).
    calendar : str
        The CF calendar the days of year are counted in.
    window_days : int
        ``[evaluation] climatology_window_days`` (odd, > 1).

    Returns
    -------
    in_window : ndarray, shape (keys.count,)
        Σₑ [window[d, e] > 0] N[e, s] summed over the cells, each cell's own window: the
        training values of key (d, s) with a weight in its window, 0 where the window is empty.
    left_out : ndarray of int, shape (n_left_out,)
        The 1-based days of the year that a cell holding training values lacks for
        ``LEFT_OUT_DAYS`` days or more in a row (months the run or the file leaves out, or a long
        gap of the series, such as a station's winter), near which that cell's window is
        narrowed; empty when it is nowhere narrowed.
    """
    in_window, left_out = smoothing_reach_at_cells(counts, keys, calendar=calendar, window_days=window_days)
    return in_window.sum(axis=1), left_out


def smoothing_reach_at_cells(counts: np.ndarray, keys: ClimatologyKeys, *, calendar: str,
                             window_days: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`smoothing_reach` at each cell: the training values inside each key's window at
    that cell (its own window, narrowed by its own days), not summed over the cells.

    Parameters
    ----------
    counts, keys, calendar, window_days
        As :func:`smoothing_reach`.

    Returns
    -------
    in_window : ndarray, shape (keys.count, n_cells)
        Σₑ [window[d, e] > 0] N[e, s, c] of each cell c (the cells of ``counts`` flattened; one
        column for a ``counts`` of one dimension); day 366 without a training value, whose
        climatology is day 365's (:func:`climatology_from_sums`): day 365's.
    left_out : ndarray of int
        As :func:`smoothing_reach`.
    """
    counts = np.asarray(counts, np.float64).reshape(keys.count, -1)
    length, by_day = cyclic_days(counts, keys, calendar), (366, keys.count // 366, -1)
    held, _ = _held_days(counts > 0, keys, length)
    reach = _window_reach(window_days, held, keys.reach_days)
    in_window = np.zeros(by_day[:2] + (counts.shape[1],))
    in_window[:length] = _window_sums(counts.reshape(by_day)[:length], reach, window_days, triangular=False)
    if length == 365 and fills_day_366(calendar):
        in_window[365] = in_window[364]  # day 366 without a training value rests on day 365's window
    lacking = ~held[:, held.any(axis=0)]
    return in_window.reshape(keys.count, counts.shape[1]), np.flatnonzero(lacking.any(axis=1)) + 1


def _window_reach(window_days: int, held: np.ndarray, reach_days: int = 0) -> np.ndarray:
    """r[d, c], the reach of day d's window at cell c, shape (length, n_cells) of ``held``: the
    window's half-width h (the weights' zero, at ±h days, :func:`climatology_window_weights`)
    where the cell holds every day of the year; narrowed symmetrically near the days of the year
    the cell holds no training value on for 28 days or more (``held`` false: months or seasons the
    run left out, a file of some months only, a station's months without retrievals; not the gaps
    of a series, :func:`series_gaps`): a day m days from the nearest such day reaches m days,
    its window weighing the days within m − 1 of it, 1 − |k|/m; 0 on a day not held. A window
    reaching past the end of the chosen days on one side only would pull the days at either end
    toward the middle of the season (daily JJA: 1.2 K on 1 June and 31 August, break20 F5); a
    symmetric one keeps a seasonal cycle that is linear over the window unbiased (Cleveland
    1979's reason for local fits near the ends; here the narrower mean), at the price of fewer
    values at the ends. Daily means kept one in n (``reach_days`` = n − 1, ``held`` then reaching
    n − 1 days past the last kept day) keep n − 1 more days of reach, so that each day's window
    still meets a kept day. With every day of the year held, every day reaches h: WeatherBench 2's
    window."""
    half = (window_days - 1) // 2
    held, of_cell = _distinct_columns(held)  # the cells holding the same days: once
    reach = np.where(held, half, 0)
    narrowed = (~held).any(axis=0) & held.any(axis=0)  # the cells with a day not held, and one held
    if narrowed.any():
        lacking = ~held[:, narrowed]
        nearest = np.minimum(_days_back_to(lacking), _days_back_to(lacking[::-1])[::-1])  # to a day not held
        reach[:, narrowed] = np.where(held[:, narrowed], np.minimum(half, nearest + reach_days), 0)
    return reach[:, of_cell]


def _window_sums(values: np.ndarray, reach: np.ndarray, window_days: int, *, triangular: bool = True) -> np.ndarray:
    """Σₖ w_k(r[d, c]) values[(d + k) mod L, s, c] for each day d, time of day s and cell c, cyclic
    over the L days of ``values`` (shape (L, n_slots, n_cells)), r the reach of
    :func:`_window_reach` (shape (L, n_cells)): w_k = 1 − |k|/r for |k| < r, 0 beyond
    (``triangular`` False: 1 for |k| < r, the days with a weight).

    The cells sharing one reach pattern (the column r[:, c]: every cell of a complete series,
    every cell of a months selection, the cells of one sea-ice season) are summed by one matrix
    product over the days with that pattern's (L × L) weights (:func:`_window_matrix`,
    ``numpy.tensordot``), whatever the pattern. The cells of a pattern fewer than ``PATTERN_CELLS``
    cells share (each cell its own, as stations' or ice edges' own seasons), for which building a
    matrix each costs more than it saves, are summed together as
    fix35b summed every cell (:func:`_gathered_sums`): one product with the whole window, the
    narrowed (day, cell) pairs gathered offset by offset."""
    half, (length, slots, n_cells) = (window_days - 1) // 2, values.shape
    summed, rare, patterns = np.empty(values.shape), [np.zeros(0, np.int64)], _cells_by_pattern(reach)
    shared = [cells for cells in patterns if cells.size >= PATTERN_CELLS]
    rare = np.sort(np.concatenate(rare + [cells for cells in patterns if cells.size < PATTERN_CELLS]))
    widest = max([cells.size for cells in shared] + [rare.size])
    # BLAS threads as for the network's products (L × L by L × cells · slots): one below 10⁹ multiply-adds
    with limit_blas_threads([length, length], slots * widest):
        for cells in shared:
            at = _as_slice(cells)  # a grid's row of one pattern: no copy
            product = np.tensordot(_window_matrix(reach[:, cells[0]], half, triangular=triangular),
                                   values[:, :, at], axes=1)
            if cells.size == n_cells:
                return product
            summed[:, :, at] = product
        if rare.size:
            summed[:, :, rare] = _gathered_sums(values[:, :, rare], reach[:, rare], half, triangular=triangular)
    return summed


def _cells_by_pattern(reach: np.ndarray) -> list[np.ndarray]:
    """The cells (columns of ``reach``, shape (L, n_cells)) of each distinct reach pattern, in
    ascending order within each (:func:`_distinct_columns`)."""
    _, of_cell = _distinct_columns(reach)
    n_cells = np.bincount(of_cell)
    return np.split(np.argsort(of_cell, kind="stable"), np.cumsum(n_cells)[:-1])


def _distinct_columns(array: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct columns of ``array`` (shape (n, k), small non-negative integers or bools) and
    the one of each column (``array`` = distinct[:, of_column]). Each column is compared as one
    string of bytes: ``numpy.unique`` over the columns as rows (``axis=0``) took 16 s on 16 200
    cells of 366 days under load, this 0.2 s; one pattern (a complete grid, a months selection)
    is found without sorting."""
    if array.shape[1] == 0 or (array == array[:, :1]).all():
        return array[:, :1], np.zeros(array.shape[1], np.intp)
    small = np.ascontiguousarray(array.T.astype(np.min_scalar_type(array.max())))
    rows = small.view(np.dtype((np.void, small.shape[1] * small.itemsize))).ravel()
    _, first, of_column = np.unique(rows, return_index=True, return_inverse=True)
    return array[:, first], of_column.ravel()


def _as_slice(cells: np.ndarray) -> slice | np.ndarray:
    """``cells`` (ascending) as a slice when they are consecutive, else as they are."""
    return slice(cells[0], cells[-1] + 1) if cells[-1] - cells[0] + 1 == cells.size else cells


#: The fewest cells of one reach pattern summed by that pattern's own matrix product
#: (:func:`_window_sums`); the cells of rarer patterns are summed together by the gathered pairs
#: (:func:`_gathered_sums`). ``python benchmarks/bench_climatology.py --threshold`` (366 days, one
#: slot, one BLAS thread, 5 Dec 2026 10:26 UTC, load 3.6): one pattern's matrix and product took
#: 0.15 ms (5-day window), 0.6 ms (61 days), 2.2 ms (181 days), the gathered pairs 0.016, 0.048
#: and 0.17 ms per cell of a pattern lacking 60 days: the two meet at 10–13 cells in each window.
PATTERN_CELLS = 12


def _window_matrix(reach: np.ndarray, half: int, *, triangular: bool) -> np.ndarray:
    """M[d, (d + k) mod L] = w_k(r[d]), the weights of each day's window at a cell of reach
    pattern ``reach`` (shape (L,), :func:`_window_reach`), so that M @ values gives the window
    sums of :func:`_window_sums`: w_k = 1 − |k|/r for |k| < r (``triangular`` False: 1), 0
    beyond and on a day of reach 0; shape (L, L). Each day's 2h − 1 offsets are distinct days of
    the year (2h − 1 < L); ``numpy.add.at`` sums them all the same if they were not."""
    length, offsets = len(reach), np.arange(1 - half, half)
    apart, reach = np.abs(offsets), reach[:, None]
    inside = apart < reach
    weights = np.where(inside, 1.0 - apart / np.maximum(reach, 1), 0.0) if triangular else inside * 1.0
    days = np.arange(length)[:, None]
    matrix = np.zeros((length, length))
    np.add.at(matrix, (np.broadcast_to(days, weights.shape), (days + offsets) % length), weights)
    return matrix


def _gathered_sums(values: np.ndarray, reach: np.ndarray, half: int, *, triangular: bool) -> np.ndarray:
    """The window sums of :func:`_window_sums` at cells of rare reach patterns, shape of ``values``
    (L, n_slots, n_cells): every cell by WeatherBench 2's whole window (reach h) in one matrix
    product over the days (``numpy.tensordot``), then the (day, cell) pairs of a narrowed window
    (:func:`_narrowed_sums`) offset by offset, all pairs of one reach at once (fix35b's way)."""
    full = _window_matrix(np.full(len(values), half), half, triangular=triangular)
    summed = np.tensordot(full, values, axes=1)
    summed *= (reach > 0)[:, None, :]  # a day the cell does not hold: an empty window
    day, cell = np.nonzero((reach > 0) & (reach < half))
    if day.size:
        summed[day, :, cell] = _narrowed_sums(values, day, cell, reach[day, cell], half, triangular=triangular)
    return summed


def _narrowed_sums(values: np.ndarray, day: np.ndarray, cell: np.ndarray, reach: np.ndarray, half: int, *,
                   triangular: bool) -> np.ndarray:
    """The window sums of :func:`_window_sums` at the (``day``, ``cell``) pairs of a narrowed
    ``reach`` r < h, shape (n_pairs, n_slots): Σ_{|k|<r} w_k values[d + k, s, c], the pairs of
    each reach together (at most h − 1 reaches), read from each cell's days padded cyclically by
    h on either side (rows c · (L + 2h) + h + d + k)."""
    length = len(values)
    by_cell = np.moveaxis(values, 2, 0)  # (n_cells, L, n_slots)
    padded = np.concatenate([by_cell[:, length - half:], by_cell, by_cell[:, :half]], axis=1)
    padded = padded.reshape(-1, values.shape[1])
    rows = cell * (length + 2 * half) + half + day
    sums = np.empty((day.size, values.shape[1]))
    for reach_days in np.unique(reach):
        chosen = reach == reach_days
        at = rows[chosen]
        total = padded.take(at, axis=0)
        for offset in range(1, int(reach_days)):
            weight = 1.0 - offset / reach_days if triangular else 1.0
            total += weight * (padded.take(at + offset, axis=0) + padded.take(at - offset, axis=0))
        sums[chosen] = total
    return sums


#: The fewest consecutive days of the year without a training value that are taken as left out
#: of the data (a month or season the run's selection or the file leaves out: the shortest
#: calendar month), not as gaps of a series that holds values on some days only.
LEFT_OUT_DAYS = 28


def series_gaps(seen: np.ndarray, *, held: np.ndarray | None = None) -> np.ndarray:
    """The days of the year that are gaps of a series: no training value on the day itself,
    but some within a run of fewer than ``LEFT_OUT_DAYS`` consecutive days of the year without
    one (cyclic), in its own column (a cell, and the time of day of sub-daily keys).

    A station that reports on some days only (AERONET's daily averages: a row on the ~60 % of
    days with a retrieval) lacks random days of the year in its training years; a run that
    leaves months out (``--months``, ``--seasons``, a file of some months) lacks at least
    ``LEFT_OUT_DAYS`` consecutive days (the shortest month). The climatology's window averages
    over the first and narrows at the second (:func:`climatology_from_sums`).

    Parameters
    ----------
    seen : ndarray of bool, shape (n_days, ...)
        Whether each day of the year (the first axis, cyclic over its n_days) holds a training
        value, in each column (a cell, a time of day of a cell).
    held : ndarray of bool, broadcastable to ``seen``, optional
        The days of the year the climatology covers (in each column); only columns lacking a
        value on one of them are searched.

    Returns
    -------
    ndarray of bool, shape of ``seen``
        True on a day without a value in a run of fewer than ``LEFT_OUT_DAYS`` such days of
        its column; False in a column without any value.
    """
    flat = seen.reshape(len(seen), -1)
    lacking = ~flat if held is None else ~flat & np.broadcast_to(held, seen.shape).reshape(flat.shape)
    distinct, of_column = _distinct_columns(np.concatenate([flat, lacking]))  # columns alike: once
    flat, lacking = distinct[:len(flat)], distinct[len(flat):]
    gaps = np.zeros_like(flat)
    columns = flat.any(axis=0) & lacking.any(axis=0)
    if columns.any():
        part = flat[:, columns]
        since, until = _days_from_value(part), _days_from_value(part[::-1])[::-1]
        gaps[:, columns] = ~part & (since + until - 1 < LEFT_OUT_DAYS)
    return gaps[:, of_column].reshape(seen.shape)


def _days_from_value(seen: np.ndarray) -> np.ndarray:
    """The days back to the nearest day with a value in each column of ``seen`` (n_days, k),
    cyclic; 0 on a day with one, ``LEFT_OUT_DAYS`` where none is that close."""
    return np.minimum(_days_back_to(seen), LEFT_OUT_DAYS)


def _days_back_to(marked: np.ndarray) -> np.ndarray:
    """The days back to the nearest marked day in each column of ``marked`` (n_days, ...),
    cyclic over its n_days (0 on a marked day; 2 · n_days or more in a column without one): the last
    marked position up to each day over two years in a row (``numpy.maximum.accumulate``)."""
    n_days = len(marked)
    twice = np.concatenate([marked, marked])
    positions = np.arange(2 * n_days, dtype=np.int16).reshape((-1,) + (1,) * (marked.ndim - 1))  # n_days ≤ 366
    last = np.maximum.accumulate(np.where(twice, positions, np.int16(-2 * n_days)), axis=0)[n_days:]
    return positions[n_days:].astype(np.int64) - np.maximum(last, -n_days)


def _seen_within(seen: np.ndarray, reach_days: int, length: int, slots: int) -> np.ndarray:
    """Whether a key (day of year d, slot s) has a training value within ``reach_days`` days,
    cyclic over the ``length`` days of the year; ``seen`` of shape (366 · slots, n_lat, n_lon)."""
    by_day = seen.reshape(366, slots, -1)
    near = by_day.copy()
    for offset in range(-reach_days, reach_days + 1):
        near[:length] |= np.roll(by_day[:length], offset, axis=0)
    return near.reshape(seen.shape)


def key_sums(truth: np.ndarray, keys: np.ndarray, steps: np.ndarray, n_keys: int) -> tuple[np.ndarray, np.ndarray]:
    """Σ y and the number of present y at each cell over the chosen ``steps`` of each key.

    One pass over the values (``np.bincount`` over key × cell bins), linear in the number of
    steps: comparing each key with every step cost keys × steps (366 · 288 keys of 5-minute
    data times 315 k steps: break42d R1). Each bin adds its values in time order, as a sum
    over the key's steps would.

    Parameters
    ----------
    truth : ndarray, shape (n_time, n_lat, n_lon)
        NaN where missing.
    keys : ndarray of int, shape (n_time,)
        Each step's key, 1 … ``n_keys``.
    steps : ndarray of bool, shape (n_time,)
    n_keys : int

    Returns
    -------
    sums, counts : ndarray, shape (n_keys, n_lat, n_lon), float64 and int64
    """
    grid = truth.shape[1:]
    chosen = truth[steps].reshape(-1, math.prod(grid))
    present = np.isfinite(chosen)
    rows = np.asarray(keys)[steps].astype(np.int64) - 1
    bins = (rows[:, None] * chosen.shape[1] + np.arange(chosen.shape[1])).ravel()
    size = n_keys * chosen.shape[1]
    sums = np.bincount(bins, weights=np.where(present, chosen, 0.0).ravel(), minlength=size)
    counts = np.bincount(bins[present.ravel()], minlength=size)
    return sums.astype(np.float64).reshape(n_keys, *grid), counts.astype(np.int64).reshape(n_keys, *grid)


def training_key_counts(truth: np.ndarray, times: np.ndarray, train_steps: np.ndarray, *,
                        value_step: TimeStep | None = None, dates: np.ndarray | None = None) -> np.ndarray:
    """The training values of each climatology key (:func:`climatology_keys`, taken at ``dates``:
    :meth:`ClimatologyKeys.keyed_dates`) at each cell: the counts of :func:`key_sums` over the
    ``train_steps``, shape (n_keys, n_lat, n_lon)."""
    keys = climatology_keys(times, value_step=value_step)
    return key_sums(truth, keys.of(times, dates=dates), np.asarray(train_steps, bool), keys.count)[1]


def seasonal_climatology(truth: np.ndarray, times: np.ndarray, train_steps: np.ndarray, *,
                         window_days: int, value_step: TimeStep | None = None,
                         dates: np.ndarray | None = None) -> np.ndarray:
    """The training years' climatology at each cell for each time of year (the climatology
    baseline's, the ACC's reference and ``target_anomaly``'s).

    Keyed by the calendar month (12 rows), for daily data the day of year (366 rows), for
    pentads and weeks the window of the year, for sub-daily data the day of year and time of
    day (366 · steps a day rows), by the axis's nominal step (see :func:`climatology_keys`):
    clim[k − 1, i, j] = mean{ y[s, i, j] : s in the training block, key(s) = k }, and for the
    keys by day of year (and hour) that mean smoothed over ``window_days`` days of the year
    (:func:`climatology_from_sums`); NaN where no training value exists.

    Parameters
    ----------
    truth : ndarray, shape (n_time, n_lat, n_lon)
        NaN where missing.
    times : ndarray of cftime.datetime, shape (n_time,)
    train_steps : ndarray of bool, shape (n_time,)
    window_days : int
        ``[evaluation] climatology_window_days`` (1: the raw mean of each day of year).
    value_step : TimeStep, optional
        The axis's step before the run's time selection thinned it (:func:`climatology_keys`):
        daily means kept every other day are keyed by the day of year.
    dates : ndarray of cftime.datetime, shape (n_time,), optional
        The dates each step is counted by in its season and year
        (:meth:`climann.data.layout.GridLayout.period_times`): keys per day of year (and hour)
        are taken at them (:meth:`ClimatologyKeys.keyed_dates`); None: at ``times``.

    Returns
    -------
    ndarray, shape (season_count(times), n_lat, n_lon), float64
    """
    season = climatology_keys(times, value_step=value_step)
    sums, counts = key_sums(truth, season.of(times, dates=dates), np.asarray(train_steps, bool), season.count)
    calendar = times[0].calendar if len(times) else "standard"
    return climatology_from_sums(sums, counts, season, calendar=calendar, window_days=window_days)


def climatology_prediction(truth: np.ndarray, times: np.ndarray, train_steps: np.ndarray, *,
                           window_days: int, value_step: TimeStep | None = None,
                           dates: np.ndarray | None = None) -> np.ndarray:
    """Predict each value by the training years' climatology at that cell for that time of year.

    ŷ[t, i, j] = clim[key(t) − 1, i, j], clim the :func:`seasonal_climatology` (the mean of
    the calendar month, of the window of the year for pentads and weeks, of the day of year
    (and hour) smoothed over ``window_days`` days for daily and sub-daily data); NaN where no
    training value exists.

    Parameters
    ----------
    truth : ndarray, shape (n_time, n_lat, n_lon)
        NaN where missing.
    times : ndarray of cftime.datetime, shape (n_time,)
    train_steps : ndarray of bool, shape (n_time,)
    window_days : int
        ``[evaluation] climatology_window_days``.
    value_step : TimeStep, optional
        The axis's step before the run's time selection thinned it (:func:`climatology_keys`).
    dates : ndarray of cftime.datetime, shape (n_time,), optional
        The dates each step is counted by (:func:`seasonal_climatology`).

    Returns
    -------
    ndarray, shape (n_time, n_lat, n_lon)
    """
    climatology = seasonal_climatology(truth, times, train_steps, window_days=window_days, value_step=value_step,
                                       dates=dates)
    return climatology[climatology_keys(times, value_step=value_step).of(times, dates=dates) - 1]


def is_regular(times: np.ndarray, *, known_step: TimeStep | None = None, bounds: np.ndarray | None = None) -> bool:
    """Whether the time axis has a nominal step (monthly, daily, … judged against its
    calendar, gaps allowed; see :func:`climann.data.time_axis.time_step_positions`), so that
    "the previous step" has a meaning.

    Three times or more show it by their spacing. Any two times are one step of their own
    spacing, so two count as regular only when that spacing is the step something else says
    the values have: ``known_step`` (a trained model's ``time_step``, given to new data) or
    the common length of their time cells (``bounds``, CF 1.8 section 7.1). July and August
    means with their bounds are a monthly series, whose August has persistence (July); January
    and July means without either are not. A single time has no step.

    Parameters
    ----------
    times : ndarray of cftime.datetime, shape (n_time,)
    known_step : TimeStep, optional
        :attr:`climann.data.layout.GridLayout.known_time_step`.
    bounds : ndarray of cftime.datetime, shape (n_time, 2), optional
        The CF time bounds.
    """
    if len(times) >= 3:
        return time_step_positions(times)[0] is not None
    if len(times) < 2:
        return False
    spacing = time_step_positions(times)[0]
    cells = cell_time_step(np.asarray(bounds)) if bounds is not None else None
    return spacing is not None and spacing in {known_step, cells} - {None}


#: Why persistence is left out of data of one time step.
SINGLE_STEP_REASON = "a single time step: no value one step earlier"


#: Why persistence is left out on a climatology (CF §7.4) given as new data: the step before
#: a month's mean over years is the mean of the month before, no value of the same series
#: one step earlier; scoring it would rate the seasonal cycle's change as a forecast.
CLIMATOLOGY_REASON = ("the data are a climatology (CF §7.4), each step a period's mean over years: persistence "
                      "needs a series of years, the value one step earlier of the same series")


def persistence_left_out_reason(storage: str = "") -> str:
    """Why persistence was not computed at all: an irregular time axis, named as the time's
    storage when that is the cause (``storage``: :attr:`climann.data.layout.GridLayout.time_storage`,
    float32 stamps too coarse for their step). (A ``sample_fraction`` no longer is: it thins
    the training block only, where persistence is scored on the values whose previous step was
    sampled.)"""
    from climann.data.time_axis import coarse_storage_text

    if storage:
        return f"the time axis has no regular step: {coarse_storage_text(storage)}"
    return "the time axis has no regular step (irregular spacing)"


def persistence_left_out(layout: GridLayout, *, lags: Mapping[str, Sequence[int]] | None = None) -> str | None:
    """Why the persistence baseline cannot be computed on the layout's time axis, or None when
    it can: the one test of every route (in memory, streamed, on a cluster, ``evaluate --data``).

    Left out: a climatology's steps (:data:`CLIMATOLOGY_REASON`), a single time step
    (:data:`SINGLE_STEP_REASON`), cells shorter than the spacing of the values
    (:func:`persistence_gap`), an axis without a regular step (:func:`is_regular`,
    two times whose spacing neither the run's recorded step nor the time bounds confirm,
    :func:`persistence_left_out_reason`). N-day composites that restart each year (MODIS's),
    half-months and dekads are kept: each is forecast by the period before it
    (:func:`persistence_previous_steps`; half-months were left out before, break38b A2);
    so are samples a year or more apart (an ice core's), each by the sample before it. A run's
    ``time_stride`` n makes the series kept the series forecast
    (:attr:`~climann.data.layout.GridLayout.strided_series`): its persistence is the value one
    of its steps, n steps of the file, earlier (:func:`~climann.data.lags.strided_previous_steps`),
    on every step length and calendar alike (every other CPC pentad and monthly means kept one
    in two were left out, JRA-55's 6-hourly analyses one in four too, while 3-hourly and hourly
    data kept theirs: break47c A7).
    A run on a forecast at one lead (:func:`forecast_persistence`: in months, or of fixed length as
    S2S's ``step = 14 days``) needs none of these steps: its persistence is the value observed
    before each forecast's start, left out only when the target holds none of those values.
    Each block of ``split_files`` is judged on its own series
    (:meth:`~climann.data.layout.GridLayout.time_segment_starts`): two members of the same years
    as the training and the validation block repeat every date, and persistence was left out of
    every block (break43c A6); a block of one step has no previous value, the others keep theirs.

    Parameters
    ----------
    layout : GridLayout
        Its time axis and blocks, time bounds, the step recorded for new data (``known_time_step``)
        and the time's storage.
    lags : mapping of variable name to steps back, optional
        The run's ``[data] lags``, named in the reason of :func:`persistence_gap`.

    Returns
    -------
    str or None
        The reason, for the run's notes.
    """
    times = np.asarray(layout.time.values)
    if layout.is_climatology:
        return CLIMATOLOGY_REASON
    starts = layout.time_segment_starts()
    blocks = [np.flatnonzero(starts == first) for first in np.unique(starts)]
    blocks = [steps for steps in blocks if len(steps) > 1] if len(blocks) > 1 else blocks
    if len(times) < 2 or not blocks:
        return SINGLE_STEP_REASON
    if (forecast := forecast_persistence(layout)) is not None:  # by the forecasts' starts: no regular step needed
        if np.all(forecast.earlier < 0):
            return (f"the run's predictor is a forecast, whose persistence is the target's value of {forecast.before}, "
                    f"and the target's values read (those paired with the forecast's valid times) hold none of those "
                    f"{forecast.held}")
        return None
    for steps in blocks:  # each block of split_files its own series (break43c A6: left out of every block)
        reason = _series_left_out(layout, steps, lags=lags)
        if reason is not None:
            return f"the {layout.time_blocks[steps[0]]} block: {reason}" if len(blocks) > 1 else reason
    return None


def _series_left_out(layout: GridLayout, steps: np.ndarray, *,
                     lags: Mapping[str, Sequence[int]] | None = None) -> str | None:
    """:func:`persistence_left_out` of one series, the steps ``steps`` of the layout's time axis."""
    times = np.asarray(layout.time.values)[steps]
    bounds = None if layout.time_bounds is None else np.asarray(layout.time_bounds)[steps]
    if (stride := layout.strided_series) is not None:  # the series kept is the one forecast: one of its steps back
        gap = persistence_gap(times, bounds, lags=lags, stride=stride)
        if gap is not None:
            return gap
        previous = strided_previous_steps(times, stride)
        if previous is None:
            return persistence_left_out_reason(layout.time_storage)
        return None if np.any(previous >= 0) else (
            f"the run kept {stride.text()}, and no value kept lies one step of the series kept ({stride.span()}) "
            "after another")
    gap = persistence_gap(times, bounds, lags=lags, value_step=layout.value_time_step)
    if gap is not None:
        return gap
    if is_regular(times, known_step=layout.known_time_step, bounds=bounds):
        return None
    if len(times) == 2:
        return ("two time steps, and neither time bounds nor the run's recorded time step say that their spacing "
                "is the series' step: no value one step earlier is known")
    if previous_composites(times) is not None or previous_samples(times) is not None:
        return None
    if layout.value_periods is not None:  # a month of pentads (--months): not irregular data, a run's own thinning
        period = layout.value_periods.period
        return (f"the run's own time selection (months) thinned the {layout.value_periods.description}: "
                f"the {period} before each kept one is not among the values read")
    return persistence_left_out_reason(layout.time_storage)


def persistence_gap(
    times: np.ndarray, bounds: np.ndarray | None, *, lags: Mapping[str, Sequence[int]] | None = None,
    value_step: TimeStep | None = None, stride: TimeStride | None = None,
) -> str | None:
    """Why persistence has no previous value on a regular axis whose time cells are shorter
    than the spacing of its values, or None.

    One rule at every step length: a value is missing between two when a whole cell fits in
    the time between the end of one's cell and the start of the next's, cells at most half their
    spacing (:func:`_cells_apart`). Cells a little short of their spacing are the step's: ``cdo
    daymean`` of hourly data bounds each day 00:00–23:00, 23 hours 1 day apart. (A half day,
    absolute, left out JRA-55's 6-hourly analyses kept one in four, "6 hours cells 1 day apart",
    and kept hourly means 3 hours apart: break47c A7.) A run's ``time_stride`` n makes the
    series kept the one forecast, whose step is n steps of the file: its cells are the file's n
    times over, and only cells the file itself gives apart (January means, 12 months apart)
    leave it without a previous value.

    January means of several years (``cdo selmon,1``; CF bounds of one month, 12 months
    apart) are monthly values: persistence forecasts each with the month before, which is
    not in the data. Taken 12 months back instead, it would score a forecast of another
    lead as "persistence" (and make the network look twice as good as it is against it).

    The lags (``[data] lags``) count steps of the axis as it is (after ``time_stride`` and
    ``months``; :func:`climann.data.lags.lagged_steps`): ``tas_lag1`` of those January
    means is the January before, 12 months earlier. With ``lags`` the reason says so, so that
    the run's two "earlier" values are not taken for one.

    Parameters
    ----------
    times : ndarray of cftime.datetime, shape (n_time,)
    bounds : ndarray of cftime.datetime, shape (n_time, 2), or None
        The CF time bounds; they give the cells when present.
    lags : mapping of variable name to steps back, optional
        The run's ``[data] lags``.
    value_step : TimeStep, optional
        The step of the axis before the run's own time selection thinned it (``time_stride``,
        ``months``; :attr:`climann.data.layout.GridLayout.value_time_step`): the cells when
        there are no bounds. Monthly means kept every other month are 1-month cells 2 months
        apart whether or not the file says so. Without bounds or ``value_step`` the cells are
        not known and nothing is said.
    stride : TimeStride, optional
        The run's ``time_stride`` (:attr:`climann.data.layout.GridLayout.strided_series`), in place
        of ``value_step``: the series' step is its :attr:`~climann.data.time_axis.TimeStride.step`,
        its cells the time bounds' that many times over.

    Returns
    -------
    str or None
        The reason, for the run's notes.
    """
    if stride is not None:
        return _strided_gap(times, bounds, stride, lags=lags)
    if len(times) < 2 or (bounds is None and value_step is None):
        return None
    cell = cell_time_step(np.asarray(bounds)) if bounds is not None else value_step
    step = time_step_positions(np.asarray(times))[0]
    if cell is None or step is None or not _cells_apart(cell, step):
        return None
    told_by = "time bounds" if bounds is not None else "a subset of the steps, without time bounds"
    reason = (f"its values are {cell.span()} cells {step.span()} apart ({told_by}): the value {cell.span()} "
              "earlier, which persistence forecasts with, is not in the data")
    lagged = [(name, lag) for name, steps in (lags or {}).items() for lag in steps]
    if not lagged:
        return reason
    shown = ", ".join(f"{name}_lag{lag} is the value {step.span(lag)} earlier" for name, lag in lagged)
    return (f"{reason}; the lags count steps of the data as kept ({step.span()} each), not {cell.span()} cells: "
            f"{shown}")


def _cells_apart(cell: TimeStep, step: TimeStep) -> bool:
    """Whether a whole cell ``cell`` long fits between cells ``step`` apart (cells at most half
    their spacing): a value of the series is missing between each two (:func:`persistence_gap`)."""
    return 2 * cell.approximate_days <= step.approximate_days


def _strided_gap(times: np.ndarray, bounds: np.ndarray | None, stride: TimeStride, *,
                 lags: Mapping[str, Sequence[int]] | None = None) -> str | None:
    """:func:`persistence_gap` of a series a ``time_stride`` kept: its cells are the file's
    (its time bounds', else the axis's step before the stride) ``stride.every`` times over, and
    a whole such cell fits between the values kept only where the file itself, or a ``--months``
    selection before the stride, set its cells apart (January means kept one in two: 2-month
    cells 24 months apart)."""
    if len(times) < 2 or isinstance(stride.native, PeriodStep):
        return None
    cell = cell_time_step(np.asarray(bounds)) if bounds is not None else stride.native
    spacing = time_step_positions(np.asarray(times))[0]
    if cell is None or spacing is None or isinstance(spacing, PeriodStep):
        return None
    held = TimeStride(cell, stride.every).step
    if not _cells_apart(held, spacing):
        return None
    told_by = "time bounds" if bounds is not None else "a subset of the steps, without time bounds"
    # the spacing said is the kept values', after the stride; "one step of the series kept" read as 12 hours for
    # JRA-3Q's 3-hour cells 6 hours apart kept one in 2, beside "the value 6 hours earlier" (break51d A5)
    reason = (f"its values are {cell.span()} cells ({told_by}), of which the run kept {stride.text()}, "
              f"{spacing.span()} apart: the value {held.span()} earlier ({stride.every} cells of {cell.span()} before "
              "each), which persistence forecasts with, is not in the data")
    lagged = [(name, lag) for name, steps in (lags or {}).items() for lag in steps]
    if not lagged:
        return reason
    shown = ", ".join(f"{name}_lag{lag} is the value {spacing.span(lag)} earlier" for name, lag in lagged)
    return f"{reason}; the lags count steps of the data as kept ({spacing.span()} each): {shown}"


def persistence_gap_warning(n_after_gaps: int, times: np.ndarray, *, after: np.ndarray | None = None,
                            dates: np.ndarray | None = None, stride: TimeStride | None = None) -> str:
    """The warning that persistence is missing after gaps in a regular time axis, worded the
    same by every route (in memory, streamed, on a cluster, ``climann evaluate``); when the
    run's own time selection thinned the axis (``dates`` given), the steps whose previous month
    it left out (``--months``, ``--seasons``; :func:`~climann.data.time_axis.in_months_left_out`)
    are said to be missing for that reason, not for gaps.

    A seasonal subset (:func:`climann.data.seasonal_subsets.seasonal_subset`: a file of June to
    August of each year) is named, its gaps being the months between seasons.

    Parameters
    ----------
    n_after_gaps : int
        The time steps whose previous step (one nominal step back) is not in the data.
    times : ndarray of cftime.datetime, shape (n_time,)
        The time axis, which has a nominal step (:func:`is_regular`).
    after : ndarray of int, shape (n_after_gaps,), optional
        Those steps' indices, needed with ``dates``.
    dates : ndarray of cftime.datetime, shape (n_time,), optional
        When the run's own time selection thinned the axis, the steps' dates by their time
        cells' middles (:meth:`climann.data.layout.GridLayout.selection_dates`), by which the
        selection chose them; None otherwise.
    stride : TimeStride, optional
        The run's ``time_stride`` (:attr:`climann.data.layout.GridLayout.strided_series`): the
        steps are those of the series kept, whose value one of its steps earlier the file lacks
        (a step missing from the file, which the stride does not bridge).

    Examples
    --------
    "persistence is missing at 1 time step after gaps in the monthly time axis"
    """
    if stride is not None:
        return _strided_gap_warning(n_after_gaps, after=after, dates=dates, stride=stride)
    step = time_step_positions(np.asarray(times))[0]
    # a calendar of periods is named too ("the dekad time axis"), as the lags' warning names it
    periods = period_positions(times) if step is None and len(times) > 1 else None
    named = step if step is not None else periods[0] if periods is not None else None
    axis = f"{named.name} time axis" if named is not None else "time axis"
    steps = f"{n_after_gaps} time step{'' if n_after_gaps == 1 else 's'}"
    # a calendar of periods by its period (a pentad back), as the lags' warning counts it (break49e A1)
    left_out = (int(in_months_left_out(np.asarray(dates), after, 1, named).sum())
                if dates is not None and after is not None and named is not None else 0)
    if left_out == n_after_gaps:
        return f"persistence is missing at {steps}: the step before each is in a month {MONTHS_SELECTION} leaves out"
    if left_out:
        return (f"persistence is missing at {steps}: {left_out} after a month {MONTHS_SELECTION} leaves out, "
                f"{n_after_gaps - left_out} after gaps in the {axis}")
    subset = seasonal_subset(times if dates is None else dates)  # each step in the month it is of
    if subset is not None:  # a file cut to one season a year: each season's first step has none before it
        return (f"persistence is missing at {steps} after gaps in the {axis}: the data are a seasonal subset, "
                f"{subset.text} of each year only, and the step before each {subset.season_start} is not in them")
    return f"persistence is missing at {steps} after gaps in the {axis}"


def _strided_gap_warning(n_missing: int, *, after: np.ndarray | None, dates: np.ndarray | None,
                         stride: TimeStride) -> str:
    """:func:`persistence_gap_warning` of the series a ``time_stride`` kept: of the ``n_missing``
    steps ``after``, those whose value one step of the series earlier (``stride.every`` steps of
    the file) lies in a month the run's ``--months`` left out
    (:func:`~climann.data.time_axis.in_months_left_out` by that lag of the file's step, on the
    selection's ``dates``), the others after gaps in the file. (fix49c: the split was counted by
    the spacing of the steps kept, one step back: 5 and 6 said of JFMAMJ kept one in two with 3
    months missing, where numpy counts 8 and 3.)"""
    steps = f"{n_missing} time step{'' if n_missing == 1 else 's'}"
    left_out = (int(in_months_left_out(np.asarray(dates), np.asarray(after), stride.every, stride.native).sum())
                if dates is not None and after is not None else 0)
    if not left_out:
        return (f"persistence is missing at {steps} after gaps in the {stride.native.name} time axis, of which the "
                f"run kept {stride.text()}: the value {stride.span()} before each (one step of the series kept) is "
                "not in the data, and the value kept before the gap is not taken in its place")
    series = f"persistence is missing at {steps} of the series the run kept ({stride.text()})"
    months = f"in a month {MONTHS_SELECTION} leaves out"
    if left_out == n_missing:
        return f"{series}: the value {stride.span()} before each (one step of that series) is {months}"
    return (f"{series}: the value {stride.span()} before (one step of that series) is at {left_out} {months}, at "
            f"{n_missing - left_out} after gaps in the {stride.native.name} time axis not in the data (the value "
            "kept before a gap is not taken in its place)")


def persistence_missing_steps(previous: np.ndarray, times: np.ndarray, *, first_counted: int = 0,
                              dates: np.ndarray | None = None, segment_starts: np.ndarray | None = None,
                              ) -> np.ndarray:
    """The steps whose persistence the warning (:func:`persistence_gap_warning`) counts: from
    step ``first_counted`` on (the steps read before the run's period are never scored), each
    whose previous step is not in the data, after a gap or a month the run's selection left
    out — also a series' first step when its month before is one the selection left out
    (``dates`` given, :func:`~climann.data.time_axis.in_months_left_out`), not when the data
    merely start there (every series has such a first step; with ``segment_starts``, each
    block of ``split_files``).

    Parameters
    ----------
    previous : ndarray of int, shape (n_time,)
        The index of each step's previous step, −1 where missing
        (:func:`~climann.data.lags.previous_steps`).
    times : ndarray of cftime.datetime, shape (n_time,)
        The time axis, which has a nominal step (in each segment).
    first_counted : int
        The first step of the run's period (:attr:`~climann.data.layout.GridLayout.steps_before_range`).
    dates : ndarray of cftime.datetime, shape (n_time,), optional
        The steps' dates when the run's own time selection thinned the axis.
    segment_starts : ndarray of int, shape (n_time,), optional
        Each step's first step of its series (:func:`climann.data.layout.segment_starts`);
        default: one series.

    Returns
    -------
    ndarray of int64, shape (n_missing,)
    """
    times = np.asarray(times)
    starts = np.zeros(len(times), np.int64) if segment_starts is None else np.asarray(segment_starts)
    steps = np.flatnonzero(np.asarray(previous) < 0)
    steps = steps[steps >= first_counted]
    firsts = steps[(starts[steps] == steps) & ((steps == 0) | (segment_starts is not None))]
    started = []  # the series' first steps where the data merely start
    for first in firsts:
        series = np.flatnonzero(starts == first)
        step = time_step_positions(times[series])[0] if len(series) > 1 else None
        if dates is None or step is None or not in_months_left_out(np.asarray(dates)[series], np.arange(1), 1, step)[0]:
            started.append(first)
    return steps[~np.isin(steps, started)].astype(np.int64)


def blocks_after_months_left_out(layout: GridLayout, time_masks: Mapping[str, np.ndarray]) -> tuple[str, ...]:
    """The blocks holding a step whose previous step is in a month the run's own time
    selection (``--months``, ``--seasons``) left out (each DJF December: November), where
    persistence is missing for that reason too (:func:`~climann.data.time_axis.in_months_left_out`,
    by :meth:`~climann.data.layout.GridLayout.selection_dates`); none without a selection.

    Parameters
    ----------
    layout : GridLayout
    time_masks : mapping of block name to ndarray of bool, shape (n_time,)
    """
    dates, times = layout.selection_dates(), np.asarray(layout.time.values)
    step = time_step_positions(times)[0] if dates is not None and len(times) > 1 else None
    if step is None:
        return ()
    after = in_months_left_out(np.asarray(dates), np.arange(len(times)), 1, step)
    return tuple(name for name, mask in time_masks.items() if after[np.asarray(mask, bool)].any())


def persistence_previous_steps(times: np.ndarray, *, segment_starts: np.ndarray | None = None,
                               stride: TimeStride | None = None) -> np.ndarray | None:
    """The step persistence forecasts each time step with: one nominal step earlier
    (:func:`~climann.data.lags.previous_steps`), or on N-day composites that restart each
    year, half-months and dekads the period before (across a new year the last of the year before;
    :func:`~climann.data.composites.previous_composites`), within each series.

    Parameters
    ----------
    times : ndarray of cftime.datetime, shape (n_time,)
    segment_starts : ndarray of int, shape (n_time,), optional
        Each step's first step of its series (a block of ``split_files``,
        :func:`climann.data.layout.segment_starts`): a previous step is looked for in the same
        series only, a series of one step has none. Default: one series.
    stride : TimeStride, optional
        The run's ``time_stride`` (:attr:`climann.data.layout.GridLayout.strided_series`): the
        step one step of the series kept earlier (:func:`~climann.data.lags.strided_previous_steps`),
        whatever the spacing of the steps kept.

    Returns
    -------
    ndarray of int64, shape (n_time,), or None
        The index of that step, −1 where it is not in the data (the first step, after gaps);
        None when a series has neither a nominal step nor such composites, nor samples a year
        or more apart (each forecast by the sample before it:
        :func:`~climann.data.multiyear_steps.previous_samples`).
    """
    times = np.asarray(times)
    if stride is not None:
        return strided_previous_steps(times, stride, segment_starts=segment_starts)
    if segment_starts is None:
        return _series_previous_steps(times)
    previous = np.full(len(times), -1, np.int64)
    firsts = np.unique(segment_starts)
    for first in firsts:
        series = np.flatnonzero(np.asarray(segment_starts) == first)
        if len(series) < 2 and len(firsts) > 1:
            continue
        own = _series_previous_steps(times[series])
        if own is None:
            return None
        previous[series] = np.where(own >= 0, series[np.maximum(own, 0)], -1)
    return previous


def _series_previous_steps(times: np.ndarray) -> np.ndarray | None:
    """:func:`persistence_previous_steps` of one series."""
    for previous in (previous_steps(times), previous_composites(times)):
        if previous is not None:
            return previous
    return previous_samples(times)


def forecast_months_back(layout: GridLayout) -> int | None:
    """How many calendar months before the valid month of each sample lies the last month
    observed before its forecast started, when the run's predictors are a forecast at one lead
    in months (:attr:`~climann.data.layout.GridLayout.input_selections`): ECMWF's lead month
    ``forecastMonth``/``leadtime_month`` = L (L-th calendar month of the forecast, 1 the start's,
    :func:`~climann.data.forecast_times.is_lead_month`) gives L; a ``forecast_period`` of n months
    (an NMME lead ``L`` = 0.5) gives ⌊n⌋ + 1. None for any other run (no forecast chosen, or a lead
    in hours or days: persistence stays the step before)."""
    return lead_months_back(layout.input_selections)


def lead_months_back(selections: Sequence[Coordinate]) -> int | None:
    """:func:`forecast_months_back` of the values ``select`` chose for the predictors
    (:func:`climann.data.variables.input_selections`, each a Coordinate of shape ()), before a
    layout is made: how many steps of monthly data before a time range persistence reads
    (:func:`climann.workflow.preparation.open_selected`)."""
    from climann.data.forecast_times import months_back_of_lead

    for selection in selections:
        value = np.asarray(selection.values, dtype=object).reshape(())[()]
        if (months := months_back_of_lead(selection.name, value, dict(selection.attrs))) is not None:
            return months
    return None


def forecast_persistence_steps(times: np.ndarray, months_back: int, *,
                               segment_starts: np.ndarray | None = None) -> np.ndarray:
    """The step persistence forecasts each step with in a forecast run: the step of the same series
    in the month ``months_back`` months before the step's, the month before the forecast's start
    (:func:`forecast_months_back`), so that the baseline knows only what was observed when the
    forecast was issued; missing where the target does not hold that month (December
    observations beside November starts: October is not among them, and another month's raw value
    is no persistence of this one).

    That is the persistence of an initialised forecast: the observation at the start (the initial
    condition) carried to every lead time, as WeatherBench 2 defines it ("persistence forecast
    ... uses the initial conditions as forecast for all lead times", Rasp et al. 2024, JAMES,
    doi:10.1029/2023MS004019, section 4) and as seasonal verification uses it (the anomaly of the
    month before the start persisted, Jolliffe and Stephenson 2012, Forecast Verification, 2nd ed.,
    section 2.8). One step back of the valid month, at ``forecastMonth = 3``, is two months after
    the forecast was issued (break45d B4: its ACC 0.64 beat the forecast's 0.39; known at the
    start it is 0.25).

    Parameters
    ----------
    times : ndarray of cftime.datetime or datetime64, shape (n_time,)
        The valid months' stamps (any day of the month).
    months_back : int
        From :func:`forecast_months_back`, ≥ 1.
    segment_starts : ndarray of int, shape (n_time,), optional
        Each step's first step of its series (a block of ``split_files``).

    Returns
    -------
    ndarray of int64, shape (n_time,)
        The index of that step, −1 where none is in the data.

    Examples
    --------
    >>> t = np.arange("1993-01", "1993-07", dtype="datetime64[M]").astype("datetime64[ns]")
    >>> forecast_persistence_steps(t, 3).tolist()
    [-1, -1, -1, 0, 1, 2]
    """
    stamps = np.asarray(times)
    if stamps.dtype.kind == "M":
        months = stamps.astype("datetime64[M]").astype(np.int64)
    else:
        months = np.array([time.year * 12 + time.month - 1 for time in stamps], dtype=np.int64)
    series = np.zeros(len(stamps), np.int64) if segment_starts is None else np.asarray(segment_starts)
    last = {(int(first), int(month)): index for index, (month, first) in enumerate(zip(months, series, strict=True))}
    return np.array([last.get((int(first), int(month) - months_back), -1) for month, first in zip(months, series)],
                    dtype=np.int64)


def forecast_lead_time(layout: GridLayout) -> tuple[float, str] | None:
    """The lead time of fixed length (hours, days, weeks: not months, :func:`forecast_months_back`)
    and its units, ``(14.0, "days")``, when the run's predictors are a forecast at one lead
    ``forecast_period`` greater than zero (ECMWF's extended range, S2S reforecasts at ``step = 14
    days``, CFSv2's weekly leads); None for any other run."""
    return lead_time_of(layout.input_selections)


def lead_time_of(selections: Sequence[Coordinate]) -> tuple[float, str] | None:
    """:func:`forecast_lead_time` of the values ``select`` chose for the predictors
    (:func:`climann.data.variables.input_selections`), before a layout is made."""
    from climann.data.forecast_times import calendar_months_per_unit

    for selection in selections:
        value = np.asarray(selection.values, dtype=object).reshape(())[()]
        units = str(selection.attrs.get("units", "")).strip()
        if (selection.attrs.get("standard_name") != "forecast_period" or not units
                or not isinstance(value, (int, float, np.integer, np.floating)) or not np.isfinite(float(value))
                or float(value) <= 0 or calendar_months_per_unit(units) is not None):
            continue
        return float(value), units
    return None


def forecast_start_times(times: np.ndarray, lead: tuple[float, str], *, cell_ends: np.ndarray | None = None,
                         window: tuple[float, float] | None = None) -> np.ndarray:
    """When the forecast valid at each step was issued (its ``forecast_reference_time``, CF): the
    valid time − the lead for a value at its valid time; for a statistic over a window of lead
    times [first, last] (``window``, :attr:`~climann.data.layout.GridLayout.forecast_window`) dated
    by its time cell, the cell's end − last. The lead is measured to the forecast's own valid
    time, which is the window's end (CFSv2's week 2: lead 14 days, bounds [7, 14] days) or its
    start (bounds [14, 21]) as the lead's bounds say, not to the stamp the pairing with the
    observations gave the step (a weekly mean stamped at its week's start: 7 days early; fix47c).

    Parameters
    ----------
    times : ndarray of cftime.datetime or datetime64, shape (n_time,)
        The steps' times.
    lead : (float, str)
        The lead time and its units (:func:`forecast_lead_time`).
    cell_ends : ndarray, shape (n_time,), optional
        The upper time bound of each step (CF 7.1), same type as ``times``.
    window : (float, float), optional
        The window's first and last lead times, in the lead's units.

    Returns
    -------
    ndarray, shape (n_time,), same type as ``times``

    Examples
    --------
    >>> start = np.array(["2001-01-15"], dtype="datetime64[ns]")  # week 2 of a forecast of 1 January
    >>> ends = np.array(["2001-01-15"], dtype="datetime64[ns]")
    >>> forecast_start_times(start - np.timedelta64(7, "D"), (14.0, "days"), cell_ends=ends, window=(7.0, 14.0))
    array(['2001-01-01T00:00:00.000000000'], dtype='datetime64[ns]')
    """
    import xarray as xr

    from climann.data.forecast_times import plus_lead_time

    if window is not None and cell_ends is not None:
        return plus_lead_time(np.asarray(cell_ends), xr.DataArray(-window[1], name="lead", attrs={"units": lead[1]}))
    return plus_lead_time(np.asarray(times), xr.DataArray(-lead[0], name="lead", attrs={"units": lead[1]}))


def forecast_issue_steps(times: np.ndarray, lead: tuple[float, str], *, cell_ends: np.ndarray | None = None,
                         segment_starts: np.ndarray | None = None,
                         window: tuple[float, float] | None = None,
                         cell_starts: np.ndarray | None = None,
                         own_step: datetime.timedelta | None = None) -> np.ndarray:
    """The step persistence forecasts each step with in a run on a forecast at a lead time of
    fixed length (:func:`forecast_lead_time`): the last step of the same series observed by the
    time the forecast was issued (:func:`forecast_start_times`): the step whose whole time cell
    ends at or before it (CF bounds, ``cell_ends``: a weekly mean ending at the start), or,
    without bounds, whose stamp is at or before it (the observation at the start, the initial
    condition).

    That step is taken only when the reference time falls in a regular interval of the series
    (from that step to the next at most 1.5 times the median step apart; after the last step, at
    most that far from it): the value observed then, not the last one before a gap in the data
    (reforecasts of weeks 1–8 of each year persisted their first weeks from the previous year's
    last week, ten months old; fix46n). −1 (persistence left out) otherwise.

    That is WeatherBench 2's persistence of an initialised forecast: "the initial conditions as
    forecast for all lead times" (Rasp et al. 2024, JAMES, doi:10.1029/2023MS004019, section 4),
    as :func:`forecast_persistence_steps` is for lead months. The step before the valid time (S2S
    at ``step = 21 days`` beside weekly means: the week ending 7 days before it, two weeks after
    the forecast was issued) knows what the forecast could not.

    Parameters
    ----------
    times : ndarray of cftime.datetime or datetime64, shape (n_time,)
        The valid times.
    lead : (float, str)
        The lead time and its units (:func:`forecast_lead_time`), > 0.
    cell_ends : ndarray, shape (n_time,), optional
        The upper time bound of each step, same type as ``times``: when each value is observed
        whole (CF bounds, or :func:`observed_cell_ends` of a statistic without them).
    segment_starts : ndarray of int, shape (n_time,), optional
        Each step's first step of its series (a block of ``split_files``).
    window : (float, float), optional
        The window of lead times the forecast's values are over (:func:`forecast_start_times`).
    cell_starts : ndarray, shape (n_time,), optional
        The lower time bound of each step (CF bounds), beside ``cell_ends``: the step is taken
        only when the forecast was issued within one cell length of its end (the day ending at
        the start of a daily series; ERA5 without the Sunday gives a Monday's forecast no
        persistence, not Saturday's mean; fix54f), since the days read beside the valid days
        for persistence make the series' spacing no longer the target's.
    own_step : datetime.timedelta, optional
        Without ``cell_starts``, the target's own step (:func:`persistence_step_length`): the
        step is taken only when the forecast was issued less than one such step after it is
        known, as with bounds. A target without bounds lacking the day of a Monday start took
        Sunday's value when its starts were weekly (the gap check's spacing, of the days read
        for persistence and the valid days, was 2 days; fix55d).

    Returns
    -------
    ndarray of int64, shape (n_time,)
        The index of that step, −1 where none is in the data.

    Examples
    --------
    >>> t = np.array(["2000-01-10", "2000-01-13", "2000-01-17", "2000-01-20"], dtype="datetime64[ns]")
    >>> forecast_issue_steps(t, (7.0, "days")).tolist()
    [-1, -1, 0, 1]
    """
    stamps = np.asarray(times)
    issued = forecast_start_times(stamps, lead, cell_ends=cell_ends, window=window)
    known = stamps if cell_ends is None else np.asarray(cell_ends)
    series = np.zeros(len(stamps), np.int64) if segment_starts is None else np.asarray(segment_starts)
    earlier = np.full(len(stamps), -1, np.int64)
    for first in np.unique(series):
        steps = np.flatnonzero(series == first)
        order = steps[np.argsort(known[steps], kind="stable")]
        ordered = known[order]
        before = np.searchsorted(ordered, issued[steps], side="right") - 1
        found = before >= 0
        if len(ordered) > 1:  # the value observed then, not the last one before a gap in the data
            gaps = np.diff(ordered)
            spacing = np.sort(gaps)[(len(gaps) - 1) // 2]  # the median step
            at = before[found]
            interval = np.array([gaps[k] if k < len(gaps) else issued[steps][found][i] - ordered[k]
                                 for i, k in enumerate(at)], dtype=gaps.dtype)
            # observed at the start itself: taken whatever the spacing of the days read beside it (fix54f)
            found[found] = [2 * each <= 3 * spacing or ordered[k] == issue
                            for each, k, issue in zip(interval, at, issued[steps][found], strict=True)]
        if (cell_starts is not None or own_step is not None) and found.any():
            # observed within one cell (or the target's own step) of the start: not an older one
            at = order[before[found]]
            lengths = (known[at] - np.asarray(cell_starts)[at] if cell_starts is not None
                       else np.full(len(at), own_step, dtype=object))
            found[found] = np.array([issue - end < length for issue, end, length
                                     in zip(issued[steps][found], known[at], lengths, strict=True)], dtype=bool)
        earlier[steps] = np.where(found, order[np.maximum(before, 0)], -1)
    return earlier


def observed_cell_ends(stamps: np.ndarray, attrs: Mapping[str, object], *, name: str,
                       segment_starts: np.ndarray | None = None, units: str = "days since 1970-01-01",
                       files: Sequence[str] = ()) -> np.ndarray | None:
    """When each value of a target without time bounds is observed whole, for the persistence of
    a forecast (:func:`forecast_issue_steps`): a statistic over time (``cell_methods`` with a
    ``time:`` method other than ``point``) is known at the end of its time cell, inferred from
    the stamps as every reading of climann infers it (:func:`~climann.data.time_cells.inferred_cells`:
    weekly means stamped at 00:00 are the 7 days beginning at their stamps); said in one warning
    line when the stamps could as well end their cells, with the ``ncap2`` line that bounds them
    so. None (the stamps: instants, or no cell inferred) otherwise.

    Parameters
    ----------
    stamps : ndarray of cftime.datetime, shape (n_time,)
    attrs : mapping
        The target's attributes (its ``cell_methods``).
    name : str
        The target, for the warning.
    segment_starts : ndarray of int, shape (n_time,), optional
        Each step's first step of its series, for the axis's step.
    units : str
        The time axis's CF units, for the ``ncap2`` line.
    files : sequence of str
        The target's files, for the ``ncap2`` line.

    Returns
    -------
    ndarray of cftime.datetime, shape (n_time,), or None
    """
    import re

    from climann.data.instant_values import holds_instants
    from climann.data.time_cells import inferred_cells

    stamps = np.asarray(stamps)
    if (not re.search(r"\btime\s*:", str(attrs.get("cell_methods", ""))) or holds_instants(attrs, name)
            or stamps.dtype.kind == "M"):
        return None
    found = inferred_cells(stamps, axis_time_step(stamps, segment_starts=segment_starts) or _median_days(stamps))
    if found is None:
        return None
    cells, doubt = found
    if doubt:
        note_once(_log, logging.WARNING, _start_stamps_assumed(name, cells, doubt, attrs, units=units, files=files),
                  key=("persistence of a forecast: cells assumed", name))
    return cells[:, 1]


def _median_days(stamps: np.ndarray) -> TimeStep | None:
    """The median spacing of ``stamps`` as a step of whole days under 28, when the axis has no
    nominal step for its gaps (reforecast weeks 1–8 of each year: 7 days), else None."""
    if len(stamps) < 2:
        return None
    gaps = sorted(later - earlier for earlier, later in zip(stamps[:-1], stamps[1:], strict=True))
    median = gaps[(len(gaps) - 1) // 2]
    one_day = datetime.timedelta(days=1)
    if not isinstance(median, datetime.timedelta) or median % one_day or not one_day <= median < 28 * one_day:
        return None
    return TimeStep(duration=median)


def _start_stamps_assumed(name: str, cells: np.ndarray, doubt: str, attrs: Mapping[str, object], *, units: str,
                          files: Sequence[str]) -> str:
    """The warning of :func:`observed_cell_ends`: the reading assumed and the line that says the other."""
    from climann.data.time_cells import ending_bounds_command

    line = ending_bounds_command(cells[0, 1] - cells[0, 0], units=units, files=files)
    return (f"'{name}' has no time bounds and its cell_methods ('{attrs.get('cell_methods')}') make each value a "
            f"statistic over {doubt}: the forecast's persistence takes each as observed at the end of the {doubt} "
            f"beginning at its stamp ({date_text(cells[0, 0])} known on {date_text(cells[0, 1])}), the last one "
            f"ending by the forecast's start; if each value is of the {doubt} ending at its stamp, give the files "
            f"time bounds [time − {doubt}, time] (CF 7.1): {line}")


@dataclass(frozen=True)
class ForecastPersistence:
    """The persistence of a run on a forecast at one lead: the observation last known when each
    forecast was issued (:func:`forecast_persistence`).

    Attributes
    ----------
    earlier : ndarray of int64, shape (n_time,)
        The step each step is persisted from, −1 where the data hold none.
    before : str
        What that step is, for messages: "the month before the forecast's start (3 months before
        the valid month)", "the forecast's start (the last value observed by then, 14 days before
        the valid time)".
    held : str
        What the data lack when they hold none of those steps: "months", "starts".
    """

    earlier: np.ndarray
    before: str
    held: str = "months"


def forecast_persistence(layout: GridLayout) -> ForecastPersistence | None:
    """The persistence of a run whose predictors are a forecast at one lead: in months
    (:func:`forecast_months_back`, :func:`forecast_persistence_steps`) or of fixed length
    (:func:`forecast_lead_time`, :func:`forecast_issue_steps`); None for any other run, whose
    persistence is the step before (:func:`persistence_previous_steps`). Every route (in memory,
    streamed, on a cluster, ``evaluate --data``) and every message takes it from here."""
    times, starts = np.asarray(layout.time.values), layout.time_segment_starts()
    if (months_back := forecast_months_back(layout)) is not None:
        return ForecastPersistence(
            forecast_persistence_steps(times, months_back, segment_starts=starts),
            f"the month before the forecast's start ({months_back} month{'s' if months_back > 1 else ''} before the "
            f"valid month)")
    if (lead := forecast_lead_time(layout)) is None:
        return None
    ends = (observed_cell_ends(times, layout.target_attrs, name=layout.target_name, segment_starts=starts,
                               units=layout.time_units, files=layout.files_of(layout.target_name))
            if layout.time_bounds is None else np.asarray(layout.time_bounds)[:, 1])
    window = layout.forecast_window if layout.time_bounds is not None else None
    cell_starts = np.asarray(layout.time_bounds)[:, 0] if layout.time_bounds is not None else None
    own_step = persistence_step_length(times if ends is None else ends) if cell_starts is None else None
    return ForecastPersistence(
        forecast_issue_steps(times, lead, cell_ends=ends, segment_starts=starts, window=window,
                             cell_starts=cell_starts, own_step=own_step),
        f"the forecast's start (the last value observed by then, {lead[0]:g} {lead[1]} before the valid time)",
        "starts")


def persistence_step_length(known: np.ndarray) -> datetime.timedelta | None:
    """The target's own step, for the persistence of a forecast beside a target without time
    bounds (:func:`forecast_issue_steps` ``own_step``): the nominal step
    (:func:`~climann.data.time_axis.axis_time_step`, the smallest spacing that the others are
    multiples of) of the distinct times each value is known at, the days read for persistence
    among them (a day and the day before each start: 1 day); None when it is no fixed length
    (months) or there is none (valid days 3 and 4 days apart alone).

    Parameters
    ----------
    known : ndarray of cftime.datetime, shape (n_time,)
        When each value is known: its stamp, or its inferred cell's end (:func:`observed_cell_ends`).

    Returns
    -------
    datetime.timedelta or None
    """
    distinct = np.unique(np.asarray(known))
    if len(distinct) < 2:
        return None
    step = axis_time_step(distinct)
    return None if step is None else step.duration


def persistence_prediction(truth: np.ndarray, times: np.ndarray | None = None, *, lag: int = 1,
                           dates: np.ndarray | None = None, first_counted: int = 0,
                           segment_starts: np.ndarray | None = None,
                           months_back: int | None = None, earlier_steps: np.ndarray | None = None,
                           stride: TimeStride | None = None) -> np.ndarray:
    """Predict each value by the value ``lag`` steps earlier at the same cell: ŷ[t] = y[t − lag].

    With ``times``, "earlier" is by time: ``lag`` steps of the axis's nominal frequency
    (``lag`` months on a monthly axis), so that after a gap in the axis the forecast is
    missing rather than the value from before the gap; on N-day composites that restart each
    year, ``lag = 1`` is the composite before (:func:`persistence_previous_steps`).

    Parameters
    ----------
    truth : ndarray, shape (n_time, n_lat, n_lon)
    times : ndarray of cftime.datetime, shape (n_time,), optional
        The time axis; without it, ``lag`` array positions.
    lag : int
    dates : ndarray of cftime.datetime, shape (n_time,), optional
        The steps' cell middles when the run's own time selection thinned the axis, for the
        warning (:func:`persistence_gap_warning`).
    first_counted : int
        The first step the warning counts (:func:`persistence_missing_steps`).
    segment_starts : ndarray of int, shape (n_time,), optional
        Each step's first step of its series (a block of ``split_files``): "earlier" within it.
    months_back : int, optional
        In a run on a forecast at one lead in months (:func:`forecast_months_back`): the value
        of the last month observed before each forecast started
        (:func:`forecast_persistence_steps`), in place of ``lag`` steps.
    earlier_steps : ndarray of int, shape (n_time,), optional
        In a run on a forecast at one lead, the step each step is persisted from
        (:attr:`ForecastPersistence.earlier`, −1 for none), in place of ``lag`` steps.
    stride : TimeStride, optional
        The run's ``time_stride`` (:attr:`climann.data.layout.GridLayout.strided_series`): with
        ``lag = 1``, the value one step of the series kept earlier (:func:`persistence_previous_steps`).

    Returns
    -------
    ndarray, shape (n_time, n_lat, n_lon)
        NaN where the earlier step is not in the data (the first ``lag`` steps, and after gaps).

    Raises
    ------
    ClimannError
        If ``times`` has no nominal step.
    """
    predicted = np.full(truth.shape, np.nan, dtype=np.float64)
    if times is None:
        predicted[lag:] = truth[:-lag]
        return predicted
    earlier = persistence_previous_steps(times, segment_starts=segment_starts, stride=stride) if lag == 1 else None
    if months_back is not None:
        earlier = forecast_persistence_steps(times, months_back, segment_starts=segment_starts)
    forecast = months_back is not None or earlier_steps is not None
    if earlier_steps is not None:
        earlier = np.asarray(earlier_steps)
    if earlier is None:
        earlier = lagged_steps(times, [lag], segment_starts=segment_starts).earlier[lag]  # refuses an axis without one
    missing = (np.zeros(0, np.int64) if forecast  # before the first start: nothing observed, no gap
               else persistence_missing_steps(earlier, times, first_counted=first_counted, dates=dates,
                                              segment_starts=segment_starts))
    if missing.size:
        _log.warning(persistence_gap_warning(missing.size, times, after=missing, dates=dates,
                                             stride=stride if lag == 1 and not forecast else None))
    have = earlier >= 0
    predicted[have] = truth[earlier[have]]
    return predicted
