"""Pointwise samples: each grid cell at each time step is one sample.

The features at a cell (predictor values there, plus features derived from its
coordinates) map to the target's value at that cell. Samples with a missing target or any
missing feature are dropped and counted.
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
import dataclasses
import datetime
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr

from climann.data.area_means import area_mean_features
from climann.data.climatology import month_of_each_step
from climann.data.dropped_targets import DroppedTargets, dropped_targets
from climann.data.features import decimal_year, hour_sin_cos, longitude_sin_cos, season_sin_cos, sub_daily
from climann.data.layout import Coordinate, GridLayout
from climann.data.levels import chosen_levels, level_text
from climann.data.multiyear_steps import YEAR_DAYS, usual_spacing_days, years_apart
from climann.data.notes import note_once
from climann.data.seasonal_subsets import SeasonalSubset, seasonal_subset
from climann.data.sources import files_text
from climann.data.time_axis import (
    MONTHS_SELECTION, PeriodStep, TimeStep, date_parts, date_text, in_months_left_out, own_series_lag_name,
)
from climann.data.lags import LaggedSteps, lagged_steps
from climann.data.time_cells import season_feature_times
from climann.data.value_precision import held_dtypes, widest
from climann.data.variables import grid_layout, on_grid, require_variable
from climann.errors import ClimannError

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PointwiseSamples:
    """Samples as plain arrays, and the layout that puts them back on the grid.

    Attributes
    ----------
    inputs : ndarray, shape (n_samples, n_features), float32 (float64 when a variable is held
        in float64, :mod:`climann.data.value_precision`)
        Unscaled feature values.
    target : ndarray, shape (n_samples, 1), float32 or float64 (as the target is held)
        The target's values.
    flat_index : ndarray of int64, shape (n_samples,)
        Each sample's position in the canonical grid (see :class:`GridLayout`).
    feature_names : tuple of str
        Names of the columns of ``inputs``.
    layout : GridLayout
    n_dropped : int
        Grid points skipped because the target or a feature was missing.
    climatologies : dict of str to ndarray, shape (12, n_lat, n_lon)
        The monthly climatologies the anomaly features were taken from, by variable.
    target_field : ndarray, shape (n_steps, n_lat, n_lon), float32, or None
        The target at every cell of the time steps read (all of them for
        :meth:`PointwiseSource.read_all`, ``start … stop − 1`` for :meth:`PointwiseSource.read`),
        NaN only where the file lacks it: also where the sample was dropped for a missing
        feature. The truth of the predictions file and of the baselines (persistence takes the
        previous step's value from it even where that step has no sample). None when unknown.
    dropped_targets : DroppedTargets or None
        The target's values dropped because a feature is missing there, and how they differ
        from those kept (:mod:`climann.data.dropped_targets`); None without a required target.
    """

    inputs: np.ndarray
    target: np.ndarray
    flat_index: np.ndarray
    feature_names: tuple[str, ...]
    layout: GridLayout
    n_dropped: int
    climatologies: dict[str, np.ndarray] = dataclasses.field(default_factory=dict)
    target_field: np.ndarray | None = None
    dropped_targets: DroppedTargets | None = None

    @property
    def time_index(self) -> np.ndarray:
        """Time step of each sample, shape (n_samples,)."""
        return self.layout.time_index(self.flat_index)


def derived_columns(
    layout: GridLayout, features: Sequence[str], *, season_dated_by: str = "cell_middle"
) -> dict[str, tuple[str, np.ndarray]]:
    """Derived feature columns by name: (the axis they vary along, values along it).

    ``lat`` and ``lon`` are the true geographic coordinates: on a curvilinear or rotated-pole
    grid they vary over the cells (axis ``"cell"``, shape (n_lat, n_lon)), else along one axis.
    ``season``, ``hour`` and ``year`` date each time step as ``season_dated_by`` says
    (:func:`climann.data.time_cells.season_feature_times`: the middle of its time cell, or
    its stamp); ``hour`` is the time of day in UTC (:func:`climann.data.features.hour_sin_cos`),
    refused on values a day or longer (:func:`_refuse_hour_of_daily_values`).
    """
    columns: dict[str, tuple[str, np.ndarray]] = {}
    geographic = layout.geographic_coordinates() if layout.is_curvilinear else None
    if "lat" in features:
        columns["lat"] = (
            ("cell", geographic[0]) if geographic else ("lat", np.asarray(layout.latitude.values, dtype=np.float64))
        )
    if "lon" in features:
        lon_sin, lon_cos = longitude_sin_cos(geographic[1] if geographic else layout.longitude.values)
        axis = "cell" if geographic else "lon"
        columns["lon_sin"], columns["lon_cos"] = (axis, lon_sin), (axis, lon_cos)
    if {"season", "hour", "year"} & set(features):
        times = season_feature_times(layout.time, dated_by=season_dated_by, known_step=layout.known_time_step,
                                     value_step=layout.value_time_step, value_periods=layout.value_periods,
                                     files=layout.time_files(), segment_starts=layout.time_segment_starts(),
                                     **layout.time_value_words())
    if "season" in features:
        _refuse_season_years_apart(layout.time.values, layout.known_time_step, trained_run=layout.for_trained_run)
        season_sin, season_cos = season_sin_cos(times)
        columns["season_sin"], columns["season_cos"] = ("time", season_sin), ("time", season_cos)
    if "hour" in features:
        _refuse_hour_of_daily_values(times, layout.known_time_step,
                                     segment_starts=layout.time_segment_starts())
        hour_sin, hour_cos = hour_sin_cos(times)
        columns["hour_sin"], columns["hour_cos"] = ("time", hour_sin), ("time", hour_cos)
    if "year" in features:
        columns["year"] = ("time", decimal_year(times))
    return columns


def _refuse_hour_of_daily_values(times: Sequence, known_step: TimeStep | None, *,
                                 segment_starts: np.ndarray | None = None) -> None:
    """Refuse the ``hour`` feature on values that are not sub-daily (no calendar day holds two
    of ``times``, the dates the features take) in training: the time of day of a daily or
    monthly value is where its cell's middle or its stamp falls, the same for every value or an
    artefact of the stamps, not a time of day. New data for a run trained at a sub-daily step
    (``known_step``) are judged by their time cells instead
    (:func:`climann.workflow.new_data.check_time_of_day`): one instant a day (``cdo selhour,12``)
    is still an instant.

    Raises
    ------
    ClimannError
        If no day holds two of the times and the run's step is not known to be sub-daily.
    """
    if known_step is not None and known_step.approximate_days < 1:
        return
    if not sub_daily(times, segment_starts=segment_starts):  # each block of split_files its own series
        raise ClimannError(
            "the hour feature needs values of several times of day (hourly, 3-hourly, 6-hourly…), but no day holds "
            "two of these time steps: the time of day of a daily or longer value is no time of day; leave 'hour' out "
            "of [data] features (--features), or give sub-daily data")


def _refuse_season_years_apart(times: np.ndarray, known_step: TimeStep | None, *, trained_run: bool = False) -> None:
    """Refuse the ``season`` feature on samples mostly a year or more apart
    (:func:`~climann.data.multiyear_steps.years_apart`): the day of the year each is dated
    to is the fraction of a year its age model gave, not a season (break35a A1). New data for
    a run trained at a step finer than a year (``known_step``: two Januaries for a monthly
    model) and any new data for a trained run (``trained_run``: the run chose its features when
    it was trained, and predict and evaluate take no ``--features``; an S2S run's file of one
    start a year, break41c C3) are not refused.

    Raises
    ------
    ClimannError
        If the axis's median spacing is a year or more.
    """
    if trained_run or (known_step is not None and known_step.approximate_days < YEAR_DAYS):
        return
    if years_apart(times):
        spacing = usual_spacing_days(times) or 0.0
        raise ClimannError(
            f"the season feature needs a seasonal cycle, but the time steps are usually {spacing / 365.25:.3g} years "
            "apart: the day of the year each value is dated to is no season; leave 'season' out of [data] features "
            "(--features), or use 'year' for a trend")


def _broadcastable(values: np.ndarray, axis: str, shape: tuple[int, int, int]) -> np.ndarray:
    """View of an array that varies along ``axis`` only, broadcastable to (time, lat, lon)."""
    n_time, n_lat, n_lon = shape
    view_shape = {
        "grid": shape,
        "cell": (1, n_lat, n_lon),
        "time": (n_time, 1, 1),
        "lat": (1, n_lat, 1),
        "lon": (1, 1, n_lon),
    }[axis]
    return values.reshape(view_shape)




def area_weighted_mean(fields: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Σ w x / Σ w over the cells where x is present, for each time step.

    Parameters
    ----------
    fields : ndarray, shape (n_time, n_lat, n_lon)
    weights : ndarray, shape (n_lat, n_lon)
        Cell areas (any scale).

    Returns
    -------
    ndarray, shape (n_time,)
    """
    present = np.isfinite(fields)
    weighted = (np.where(present, fields, 0.0) * weights).sum(axis=(1, 2))
    total = (present * weights).sum(axis=(1, 2))
    # NaN for a time step with no value at all
    return np.divide(weighted, total, out=np.full(total.shape, np.nan), where=total > 0)


def _shifted(values: np.ndarray, *, start: int, first: int, earlier: np.ndarray, n_steps: int) -> np.ndarray:
    """Values at the earlier time of each t in [start, start + n_steps), from an array that
    begins at time step ``first``; NaN where ``earlier[t]`` is −1 (before the axis, in a gap,
    or in another dataset's axis: see :func:`climann.data.lags.lagged_steps`)."""
    out = np.full((n_steps,) + values.shape[1:], np.nan, dtype=values.dtype)
    source = earlier[start : start + n_steps]
    have = source >= 0
    out[have] = values[source[have] - first]
    return out


def own_series_lag_names(dataset: xr.Dataset, lags: Mapping[str, Sequence[int]]) -> dict[tuple[str, int], str]:
    """The lags that ``dataset`` holds from their variable's own series (a predictor beside a
    target with missing steps, :func:`climann.data.time_axes.own_series_lags`): (variable, lag)
    → the name of the lagged variable (``lcopy@lag1``). The others are computed on the
    dataset's time axis."""
    return {(name, lag): own_series_lag_name(name, lag) for name, steps in lags.items() for lag in steps
            if own_series_lag_name(name, lag) in dataset.data_vars}


def _log_lag_gaps(lagged: LaggedSteps, n_cells: int | Callable[[np.ndarray], np.ndarray], times: np.ndarray, *,
                  dates: np.ndarray | None = None,
                  first_counted: int = 0, starts: np.ndarray | None = None, blocks: Sequence[str] = (),
                  unheld: Mapping[int, tuple[np.ndarray, str]] | None = None) -> None:
    """Say how many time steps (and samples) each lag loses, and why, one line per lag that
    counts every step whose samples it drops (those of ``n_dropped``, from step
    ``first_counted`` on: the steps read before the run's period are never counted): gaps in
    the time axis; months that ``--months`` or ``--seasons`` left out (``dates``, the steps'
    cell middles, given when the run's own time selection thinned the axis:
    :meth:`~climann.data.layout.GridLayout.selection_dates`;
    :func:`~climann.data.time_axis.in_months_left_out`), also at the selection's first step;
    steps before the first one of their block's files (``starts``, each step's first step of
    its block, :func:`~climann.data.layout.segment_starts`: with ``split_files`` a lag never
    reaches into another block's files, also where that block holds the date); and steps
    before the first one read (the data's start). A lag lost at the data's or a block's start
    alone is said in the run's log (INFO), not as a warning: every run with lags has it.
    ``blocks``: each step's block of ``split_files`` (``time_blocks``), named beside a date that
    several blocks share (:func:`_steps_text`).

    The lags are said shortest first, and a step is dropped once: a longer lag's line counts
    as dropped only the steps no shorter lag dropped, and names the lags that did, so that the
    lines' counts add up to the samples dropped for missing lags (verify23 F1: a step without
    lag 1 nor lag 12 was counted in both lines).

    ``n_cells``: the samples of each step, the same at every step (a field's one), or a function
    of steps (indices, shape (k,)) giving how many values of the target each holds, shape (k,):
    a cell without a value there (the ocean of a land-only index, a gap) has no sample to drop
    (break48d A3: 216 said, 4 steps × 54 cells, where 18 cells are ocean and 144 were lost).

    ``unheld``: for a lag, the steps whose earlier step was read before the run's period and
    holds no value of a variable lagged by it, and why, as :func:`lags_without_values_read_before`
    gives them (fix49c: beside a forecast, the target's weeks before the common period hold no
    forecast; its lag 1 at the first step was dropped unsaid)."""
    dropped_by = np.zeros(times.size, np.int64)  # the shortest lag missing at each step, 0 for none yet
    for lag in sorted(lagged.earlier):
        without, why = (unheld or {}).get(lag, (np.zeros(times.size, bool), ""))
        steps = np.flatnonzero((lagged.earlier[lag] < 0) | without)
        steps = steps[steps >= first_counted]
        if steps.size:
            cause, is_warning = _lag_missing_text(lagged, lag, steps, times, dates,
                                                  None if starts is None else starts[steps] > 0, blocks,
                                                  unheld=(without[steps], why))
            held = np.full(steps.size, n_cells, np.int64) if isinstance(n_cells, (int, np.integer)) \
                else np.asarray(n_cells(steps), np.int64)
            _log.log(logging.WARNING if is_warning else logging.INFO, "%s; %s", cause,
                     _dropped_text(dropped_by[steps], held))
            dropped_by[steps[dropped_by[steps] == 0]] = lag


def lags_without_values_read_before(lagged: LaggedSteps, lags: Mapping[str, Sequence[int]],
                                    variables: Mapping[str, xr.DataArray], time: str, *, target: str,
                                    n_read: int, before_common: int = 0) -> dict[int, tuple[np.ndarray, str]]:
    """Where a lag of a variable other than the target reads one of the ``n_read`` steps read
    before the run's period (for persistence and lags) that holds no value of it: beside a
    forecast, the target's steps observed before the variables' common period
    (:mod:`climann.data.earlier_steps`, the first ``before_common`` steps), where no other
    variable has a value. Those steps alone are read.

    Parameters
    ----------
    lagged : LaggedSteps
    lags : mapping of str to sequence of int
        The lags taken on the time axis (own-series lags left out), by variable.
    variables : mapping of str to xarray.DataArray
        Each lagged variable, along ``time``.
    time : str
    target : str
        Its steps read before are the reason they are read: not looked at.
    n_read, before_common : int
        :attr:`~climann.data.layout.GridLayout.steps_before_range` and
        :attr:`~climann.data.layout.GridLayout.steps_before_common`.

    Returns
    -------
    dict of int to (ndarray of bool, shape (n_time,), str)
        For each lag missing so at some step: those steps, and why, as a cause of
        :func:`_lag_missing_text` words it (``"is before the variables' common period: only
        t2m's steps are read there (for persistence and lags), none of 't2m_fc'"``).
    """
    read = np.arange(n_read)
    empty = {name: values_held(variables[name], time, read) == 0 for name in lags if name != target and n_read}
    found: dict[int, tuple[np.ndarray, str]] = {}
    for lag, earlier in lagged.earlier.items():
        names = [name for name in empty if lag in lags[name]]
        reads_read = (earlier >= 0) & (earlier < n_read) & (np.arange(earlier.size) >= n_read)
        without = {name: reads_read & empty[name][np.clip(earlier, 0, max(n_read - 1, 0))] for name in names}
        lacking = [name for name in names if without[name].any()]
        if not lacking:
            continue
        steps = np.logical_or.reduce([without[name] for name in lacking])
        listed = " nor ".join(f"'{name}'" for name in lacking)
        why = (f"is before the variables' common period: only {target}'s steps are read there (for persistence and "
               f"lags), none of {listed}" if (earlier[steps] < before_common).all()
               else f"is read before the run's period (for persistence and lags) and holds no value of {listed}")
        found[lag] = (steps, why)
    return found


def values_held(variable: xr.DataArray, time: str, steps: np.ndarray) -> np.ndarray:
    """How many values (not NaN: not masked, not missing) ``variable`` holds at each of the
    time ``steps`` (indices along ``time``), shape (k,): those steps alone are read."""
    if not len(steps):
        return np.zeros(0, np.int64)
    at = variable.isel({time: np.asarray(steps)})
    values = np.asarray(at.transpose(time, ...).values)
    return np.isfinite(values.reshape(len(steps), -1)).sum(axis=1) if values.dtype.kind in "fc" \
        else np.full(len(steps), values[0].size, np.int64)


#: The command applying a trained run while :func:`applying_run` runs (``"predict"``, ``"evaluate"``).
_APPLYING: contextvars.ContextVar[str | None] = contextvars.ContextVar("applying_run", default=None)


@contextlib.contextmanager
def applying_run(command: str) -> Iterator[None]:
    """While the block runs, the sample sources made apply a trained run (``command``:
    ``"predict"``, ``"evaluate"``): its lags are fixed, and warnings give no training options
    (:func:`months_lag_way_out`; break54c A6: predict was told to name tas_lag1 among --predictors)."""
    token = _APPLYING.set(command)
    try:
        yield
    finally:
        _APPLYING.reset(token)


def months_lag_way_out(lagged: LaggedSteps, lags: Mapping[str, Sequence[int]],
                       own_lags: Mapping[tuple[str, int], str], layout: GridLayout, *,
                       applying: str | None = None) -> str | None:
    """The way to keep the steps whose lag lies in a month ``--months`` (``--seasons``) leaves
    out (each June's May, for JJA): the run reads those months for no step, so each such lag is
    given as a variable of its own, its values taken from the whole series before the months are
    chosen (``cdo -shifttime`` by the lag's span, the variable renamed ``X_lag1``: May's value
    stamped in June), and named among the predictors in place of its ``--lags`` (break48b A2: the
    only way out said was to leave the lag out, every June dropped). None when no lag is missing
    so, the selection is not by months, or the lag's span is none CDO shifts by.

    Parameters
    ----------
    lagged : LaggedSteps
        Each lag's earlier step of each step (:func:`~climann.data.lags.lagged_steps`).
    lags : mapping of str to sequence of int
        The run's lags, by variable.
    own_lags : mapping
        The lags held as variables of their own series already (:func:`own_series_lag_names`).
    layout : GridLayout
        The data's layout: its selection's dates and the files of each variable.
    applying : str, optional
        The command applying a trained run (``"predict"``, ``"evaluate"``): its lags are fixed,
        and those steps are said to get no value, the new run that would give them named without
        the training options the command has not (break54c A6: predict was told to name tas_lag1
        among --predictors). None: training, told the copy and the options.

    Returns
    -------
    str or None
    """
    import shlex

    from climann.data.shell import cdo_input_files, copies_folder, none_there, shown_path, working_path

    dates = layout.selection_dates()
    if dates is None:
        return None
    first = layout.steps_before_range
    left = set()
    for lag, earlier in lagged.earlier.items():
        steps = np.flatnonzero(earlier < 0)
        steps = steps[steps >= first]
        if steps.size and in_months_left_out(dates, steps, lag, lagged.step).any():
            left.add(lag)
    chosen = [(name, lag) for name, steps in lags.items() for lag in steps
              if lag in left and (name, lag) not in own_lags]
    shifts = {lag: _cdo_shift(lagged.step, lag) for lag in left}
    if not chosen or None in shifts.values():
        return None
    names = ", ".join(f"{name}_lag{lag}" for name, lag in chosen)
    given = " ".join(f"--lags {name}={lag}" for name, lag in chosen)
    left_words = (f"the steps whose lag lies in a month {MONTHS_SELECTION} leaves out (the "
                  f"{lagged.step.span(min(left))} before the first chosen month of each year or season)")
    if applying is not None:  # the run's lags are fixed: no option of this command changes them (break54c A6)
        value = "prediction" if applying == "predict" else "score"
        return (f"{left_words} get no {value}: this run reads its lags ({given}, fixed when it was trained) "
                f"from the steps of its chosen months only; a run trained with {names} as a variable of its own "
                f"(climann train warns how) would {'predict' if applying == 'predict' else 'score'} them")
    files_of = {name: list(layout.files_of(name)) for name, _ in chosen}
    if not all(files_of.values()):
        return None
    # the copies written by this line before (break54c A6: a new folder lagged_2 was proposed beside them)
    before = Path(files_of[chosen[0][0]][0]).parent / "lagged"
    if all((before / f"{name}_lag{lag}.nc").is_file() for name, lag in chosen):
        data = shlex.quote(f"{working_path(before)}/*.nc")
        return (f"{left_words} keep their samples when each such lag is a variable of its own, taken from the whole "
                f"series before the months are chosen: {_listed_copies(before, chosen)} "
                f"may be those, written before: if so, add {data} to [data] paths beside the run's own (--data "
                f"replaces them: give --data once for each of those paths and once for {data}) and name {names} "
                f"among --predictors beside the others, in place of {given}")
    commands, written, folder = [], [], None
    for name, lag in chosen:
        files = files_of[name]
        folder = folder or copies_folder(Path(files[0]).parent, "lagged")
        source = shown_path(files[0]) if len(files) == 1 else f"-mergetime {cdo_input_files(files)}"
        own = layout.name_in_file(name, files[0])
        written.append(folder / f"{name}_lag{lag}.nc")
        commands.append(f"cdo -chname,{own},{name}_lag{lag} -shifttime,{shifts[lag]} -selname,{own} {source} "
                        f"{shown_path(written[-1])}")
    # a gap of the series inside the chosen months (Daymet's dropped 31 December of a leap year): the shifted file
    # lacks the step after it, and a variable lacking steps of the target is refused (break50c A2, followed)
    after_gaps = sorted({int(step) for lag in left for step in np.flatnonzero(lagged.in_gap[lag])
                         if step >= first and not in_months_left_out(dates, np.array([step]), lag, lagged.step)[0]})
    caveat = "" if not after_gaps else (
        f"; but the series has gaps inside the chosen months, so that file lacks the step after each "
        f"({_steps_text(np.array(after_gaps), dates, lagged.step)}), and climann refuses a variable that lacks "
        f"steps of the target: this way holds only for a series without such gaps, else keep {given}, which drops "
        "those samples and the ones above")
    data = shlex.quote(f"{working_path(folder)}/*.nc")
    return (f"{left_words} keep their samples when each such lag is a variable of its own, taken from the whole "
            f"series before the months are chosen: `{none_there(*written)}mkdir -p {shown_path(folder)} && "
            f"{' && '.join(commands)}`, then add {data} to [data] paths beside the run's own (--data replaces them: "
            f"give --data once for each of those paths and once for {data}) and "
            f"name {names} among --predictors beside the others, in place of {given}{caveat}")


def _listed_copies(folder: Path, chosen: Sequence[tuple[str, int]]) -> str:
    """The lag files ``folder/X_lagK.nc`` of ``chosen`` (variable, lag), as shell words."""
    from climann.data.shell import shown_path

    return ", ".join(shown_path(folder / f"{name}_lag{lag}.nc") for name, lag in chosen)


def _cdo_shift(step: TimeStep | object, lag: int) -> str | None:
    """CDO's ``shifttime`` argument of ``lag`` steps of ``step``: ``1mon``, ``3day``, ``6hour``;
    None for a step CDO counts in none of them (periods of a calendar, minutes)."""
    months = getattr(step, "months", 0)
    duration = getattr(step, "duration", None)
    if months:
        return f"{lag * months}mon"
    if duration is None:
        return None
    seconds = lag * duration.total_seconds()
    if seconds % 86400 == 0:
        return f"{int(seconds // 86400)}day"
    return f"{int(seconds // 3600)}hour" if seconds % 3600 == 0 else None


def _dropped_text(earlier_lags: np.ndarray, held: np.ndarray) -> str:
    """How many of a lag's samples it drops: ``"their 1944 samples are dropped"``, or, where a
    shorter lag is missing at some of its steps (``earlier_lags``, that lag or 0 per step),
    ``"648 more samples are dropped (648 already for lag 1)"``, ``"their 648 samples are
    already dropped for lag 1"``; ``held``: the samples of each of those steps (the target's
    values there), shape like ``earlier_lags``."""
    already = int(held[earlier_lags > 0].sum())
    more = int(held.sum()) - already
    if not already:
        return f"their {more} samples are dropped"
    lags = " and ".join(f"lag {lag}" for lag in np.unique(earlier_lags[earlier_lags > 0]))
    if not more:
        return f"their {already} samples are already dropped for {lags}"
    return f"{more} more samples are dropped ({already} already for {lags})"


def lags_at_steps_without_target_text(lagged: LaggedSteps, lags: Sequence[int], n_target: np.ndarray,
                                      times: np.ndarray, target: str, *, first_counted: int = 0) -> list[str]:
    """Where lags of the target read a time step that holds no value of it at all (a month of
    fill values: GPCP's missing months), one line per lag, with the samples that drops.

    The lag notes said before reading (:func:`_log_lag_gaps`) count the steps the time axis
    lacks; a step that is on the axis but wholly missing shows only once read, and was not
    counted (break29a A4: "lag 1 is missing at 1 time step", where 3 steps lost it). Steps that
    hold no value of the target themselves have no samples to drop, and are not counted.

    Parameters
    ----------
    lagged : LaggedSteps
    lags : sequence of int
        The lags of the target, shortest first.
    n_target : ndarray of int, shape (n_time,)
        How many values of the target each time step holds.
    times : ndarray, shape (n_time,)
    target : str
    first_counted : int
        The first step of the run's period (the steps read before it are never counted).

    Returns
    -------
    list of str
        ``"lag 1 is missing at 2 time steps (1995-05-01, 1999-06-01): the step 1 month before
        each holds no value of 'precip'; their 48 samples are dropped"``, or none.
    """
    counted = np.arange(times.size) >= first_counted
    empty = n_target == 0
    lost_before = np.zeros(times.size, np.int64)  # the shortest lag missing at each step, 0 for none yet
    lines = []
    for lag in sorted(lagged.earlier):
        earlier = lagged.earlier[lag]
        on_empty = (earlier >= 0) & empty[np.maximum(earlier, 0)] & ~empty & counted
        steps = np.flatnonzero(on_empty)
        if lag in lags and steps.size:
            shown = ", ".join(_step_text(times[step], lagged.step) for step in steps[:3])
            already = lost_before[steps]
            n_more, n_already = int(n_target[steps[already == 0]].sum()), int(n_target[steps[already > 0]].sum())
            dropped = f"their {n_more} samples are dropped"
            if n_already:
                shorter = " and ".join(f"lag {k}" for k in np.unique(already[already > 0]))
                dropped = (f"{n_more} more samples are dropped ({n_already} already for {shorter})" if n_more
                           else f"their {n_already} samples are already dropped for {shorter}")
            lines.append(f"lag {lag} is missing at {steps.size} time step{'' if steps.size == 1 else 's'} ({shown}"
                         f"{', …' if steps.size > 3 else ''}): the step {lagged.step.span(lag)} before each holds no "
                         f"value of '{target}' at all; {dropped}")
        lost = (on_empty if lag in lags else np.zeros(times.size, bool)) | ((earlier < 0) & counted)
        lost_before[lost & (lost_before == 0)] = lag
    return lines


def _step_text(time: object, step: TimeStep) -> str:
    """A time step as a lag message names it: its date, with the hour for a step shorter than a
    day (break28c C3: 6-hourly steps read "2000-01-01, 2000-01-01, 2000-01-01")."""
    if step.duration is not None and step.duration < datetime.timedelta(days=1) and hasattr(time, "hour"):
        return date_text(time, precision="minute")
    return date_text(time, precision="day")


def _steps_text(steps: np.ndarray, times: np.ndarray, step: TimeStep, blocks: Sequence[str] = (),
                shown: int = 3) -> str:
    """The first ``shown`` dates of ``steps`` (indices into ``times``) as a lag message lists them,
    ", …" after them when there are more. A date that more than one of the steps bear (blocks of
    ``split_files`` over the same years: ``blocks``, each step's block, as
    :attr:`~climann.data.layout.GridLayout.time_blocks`) is said once, with the blocks it is in
    (break46e A2: "(2017-01-01, 2017-01-01, 2017-01-01)", one date per block, unsaid):
    ``"2017-01-01 (train, val, test), 2017-01-02 (train, val, test)"``."""
    texts = [_step_text(times[index], step) for index in steps]
    if len(set(texts)) == len(texts):  # each date once: as they are
        return ", ".join(texts[:shown]) + (", …" if len(texts) > shown else "")
    where: dict[str, list[str]] = {}
    for index, text in zip(steps, texts, strict=True):
        names = where.setdefault(text, [])
        name = str(blocks[index]) if len(blocks) else None
        if name not in names:
            names.append(name)
    parts = [f"{text} ({', '.join(names)})" if all(names) and len(names) > 1 else text
             for text, names in list(where.items())[:shown]]
    return ", ".join(parts) + (", …" if len(where) > shown else "")


def _gap_text(subset: SeasonalSubset, times: np.ndarray, steps: np.ndarray, lag: int, step: TimeStep | PeriodStep,
              shown: int = 3) -> str:
    """What the gaps that ``steps`` (indices into ``times``, whose step ``lag`` earlier falls in a
    gap) lag into are, for data of one ``subset`` of months a year: ``" (between seasons: the data are
    June to August (JJA) of each year only)"`` when each earlier step is in a month the subset leaves
    out; the missing dates when they are in its months (``" (2020-12-31 missing)"``: Daymet drops
    31 December of a leap year); both when there are both."""
    if step.months:  # monthly steps: the month that far back
        months = [(times[index].year * 12 + times[index].month - 1 - lag * step.months) for index in steps]
        inside = [month for month in months if month % 12 + 1 in subset.months]
        texts = list(dict.fromkeys(f"{month // 12:04d}-{month % 12 + 1:02d}" for month in inside))
    else:  # a period calendar's periods by their mean length, as in_months_left_out takes them
        back = step.duration if step.duration is not None else datetime.timedelta(days=step.approximate_days)
        inside = [time for index in steps if (time := times[index] - lag * back).month in subset.months]
        texts = list(dict.fromkeys(_step_text(time, step) for time in inside))
    missing = (f"{', '.join(texts[:shown])}{', …' if len(texts) > shown else ''} missing, within "
               f"{subset.text}") if texts else ""
    if len(inside) == len(steps):
        return f" ({missing})"
    between = f"between seasons: the data are {subset.text} of each year only"
    return f" ({between}; {missing})" if missing else f" ({between})"


def _lag_missing_text(lagged: LaggedSteps, lag: int, steps: np.ndarray, times: np.ndarray,
                      dates: np.ndarray | None, in_later_block: np.ndarray | None = None,
                      blocks: Sequence[str] = (), *, unheld: tuple[np.ndarray, str] | None = None) -> tuple[str, bool]:
    """Why lag ``lag`` is missing at ``steps`` (indices into ``times``), counted by cause, and
    whether it is worth a warning (a gap, a month the selection left out, or a later block's
    start, whose samples then go unscored: break44a A7; not the data's start). ``in_later_block``:
    whether each step is in a block of ``split_files`` after the first that is its own series
    (it overlaps the block before in time, or does not follow it at the series' step:
    :func:`~climann.data.time_axis.continues_series`), whose first steps' lags are not taken from
    the block before (break28c C2: "before the first time step read" was said of a step the
    train block's files held). ``unheld``: whether each step's earlier one, read, holds no value of
    a variable the lag is taken of, and why (:func:`lags_without_values_read_before`)."""
    read, why = unheld if unheld is not None else (np.zeros(steps.size, bool), "")
    left_out = ~read & (in_months_left_out(dates, steps, lag, lagged.step) if dates is not None
                        else np.zeros(steps.size, bool))
    in_gap = lagged.in_gap[lag][steps] & ~left_out & ~read
    block_start = (np.zeros(steps.size, bool) if in_later_block is None
                   else np.asarray(in_later_block, bool) & ~left_out & ~in_gap & ~read)
    counts = (int(left_out.sum()), int(in_gap.sum()), int(block_start.sum()),
              int((~left_out & ~in_gap & ~block_start & ~read).sum()), int(read.sum()))
    shown = _steps_text(steps, times, lagged.step, blocks)
    counted = f"lag {lag} is missing at {steps.size} time step{'' if steps.size == 1 else 's'} ({shown})"
    before = f"the step {lagged.step.span(lag)} before"
    subset = seasonal_subset(times) if counts[1] else None
    # a file cut to one season a year (cdo selseas,JJA): its gaps are the months between seasons, but not a step
    # missing inside a season (Daymet's 31 December of a leap year, under --months 12,1,2: break50c A3)
    between = "" if subset is None else _gap_text(subset, times, steps[in_gap], lag, lagged.step)
    causes = (f"is in a month {MONTHS_SELECTION} leaves out",
              f"falls in a gap of the {lagged.step.name} time axis{between}",
              "is before the first time step of its block's files (lags reach into the block before only when "
              "its files continue that series at its step, not over the same or distant dates)",
              "is before the first time step read", why)
    present = [(count, cause) for count, cause in zip(counts, causes) if count]
    if counts[1] == steps.size:
        return f"the {lagged.step.name} time axis has gaps{between}: {counted}", True
    if len(present) == 1:
        return f"{counted}: {before} each {present[0][1]}", bool(counts[0] or counts[2])
    parts = [f"at {count} {before if k == 0 else 'it'} {cause}" for k, (count, cause) in enumerate(present)]
    return f"{counted}: {', '.join(parts)}", bool(counts[0] or counts[1] or counts[2])


class PointwiseSource:
    """Pointwise samples read lazily, a block of time steps at a time.

    Each grid cell at each time step is one sample: the features at that cell (predictor
    values, lagged values, area-weighted means, derived coordinates) map to the target's
    value there. Nothing is read until :meth:`read`; memory is that of one block.

    Parameters
    ----------
    dataset : xarray.Dataset
        Opened with :func:`climann.data.open.open_dataset` (and subset).
    target : str
        Variable to predict; dims (time, lat, lon) in any order, plus size-1 extra dims.
    predictors : sequence of str
        Variables on the same grid: (time, lat, lon) or static (lat, lon).
    features : sequence of str
        Derived features, keys of :data:`climann.workflow.config.DERIVED_FEATURES`.
    lags : mapping of str to sequence of int
        ``{"tas": [1, 12]}`` adds the columns ``tas_lag1`` and ``tas_lag12``: the value
        at the same cell k steps of the axis's nominal frequency earlier (k months on a
        monthly axis, by date, not by array position), missing where that time is not in
        the data (a gap; such samples are dropped and counted in the log). The target may be
        lagged.
    global_means : sequence of str
        Variables whose area-weighted mean over this dataset's grid at each time step is a
        feature (``<name>_global_mean``; pattern-scaling style).
    area_means : mapping of str to xarray.DataArray, optional
        Further feature columns that vary in time only, by name: lazy series on this
        dataset's time axis (e.g. global or regional means over a larger grid than the one
        selected, from :func:`climann.data.area_means.area_mean_features`).
    anomalies : mapping of str to ndarray, shape (12, n_lat, n_lon)
        ``{name: climatology}``: adds ``<name>_anomaly``, the value minus the climatology
        of its calendar month (see :func:`climann.data.climatology.monthly_climatology`).
    sample_fraction : float
        Keep each sample with this probability (seeded, per time step), for huge datasets:
        a cheaper training set.
    thinned_steps : ndarray of bool, shape (n_time,), optional
        The time steps ``sample_fraction`` thins: the training block's, so that the
        validation and test blocks are scored on every value. None: every step.
    require_target : bool
        Drop samples whose target is missing (training, scoring); False for prediction,
        where the target may be absent (NaN) and only the features must be present.
    applying : str, optional
        The command that applies a trained run to these data (``"predict"``, ``"evaluate"``),
        whose inputs (its lags) are fixed: its warnings give no training options. None: the
        command :func:`applying_run` names, else training.
    season_dated_by : {"cell_middle", "stamp"}
        How the ``season`` and ``year`` features date a time step (``[data] season_dated_by``,
        see :func:`climann.data.time_cells.season_feature_times`).
    seed : int
        Seed of ``sample_fraction``.
    source_files : sequence of str
        Recorded in the layout.
    dtype : {"float32", "float64"}
        ``[model] dtype``: the least precision the variables are held in; float32 holds in
        float64 those whose variation it would lose (:func:`~climann.data.value_precision.held_dtypes`,
        the target's recorded in the layout's ``value_dtype``).

    Raises
    ------
    ClimannError
        Missing variables or coordinates, unselected extra dimensions, a variable that
        is not on the target's grid, or lags on a time axis without a regular step.
    """

    def __init__(
        self,
        dataset: xr.Dataset,
        *,
        target: str,
        predictors: Sequence[str],
        features: Sequence[str],
        lags: Mapping[str, Sequence[int]] | None = None,
        global_means: Sequence[str] = (),
        sample_fraction: float = 1.0,
        seed: int = 0,
        source_files: Sequence[str] = (),
        anomalies: Mapping[str, np.ndarray] | None = None,
        require_target: bool = True,
        area_means: Mapping[str, xr.DataArray] | None = None,
        season_dated_by: str = "cell_middle",
        thinned_steps: np.ndarray | None = None,
        dtype: str = "float32",
        applying: str | None = None,
    ) -> None:
        where = files_text(source_files) or "the data"
        applying = applying or _APPLYING.get()
        lags = {name: tuple(steps) for name, steps in (lags or {}).items() if steps}
        anomalies = dict(anomalies or {})
        own_lags = own_series_lag_names(dataset, lags)
        names = dict.fromkeys((target, *predictors, *lags, *anomalies, *own_lags.values()))
        variables = {name: require_variable(dataset, name, where, role="target" if name == target else "variable",
                                            taken=tuple(names))
                     for name in names}
        self.layout = grid_layout(dataset, target, source_files)
        self._time_dim = self.layout.time.name
        grid_dims = (self._time_dim, self.layout.latitude.name, self.layout.longitude.name)
        self._on_grid = {
            name: on_grid(variable, grid_dims, needs_time=(name == target or name in lags or name in own_lags.values()))
            for name, variable in variables.items()
        }
        self._series = {**area_mean_features(dataset, global_means=global_means, where=where), **(area_means or {})}
        self._held = held_dtypes({**self._on_grid, **self._series}, dtype=dtype, where=where)
        self.layout = dataclasses.replace(self.layout, value_dtype=self._held[target].name,
                                          input_levels=self.layout.levels_of([*names, *global_means]))
        self._climatologies = anomalies
        self._months = month_of_each_step(self.layout.time.values)
        self._segment_starts = self.layout.time_segment_starts()
        self._columns = self._plan_columns(target, predictors, features, lags, season_dated_by, own_lags)
        self._lag_columns = {f"{name}_lag{lag}" for name, steps in lags.items() for lag in steps}
        self._table_dtype = widest([self._held[spec[2]] for spec in self._columns.values() if spec[0] != "derived"]
                                   + [np.dtype(dtype)])
        all_lags = sorted({k for name, steps in lags.items() for k in steps if (name, k) not in own_lags})
        self._lagged = lagged_steps(
            self.layout.time.values, all_lags, segment_starts=self._segment_starts, name=self._time_dim,
            storage=self.layout.time_storage,
        ) if all_lags else None
        if self._lagged is not None:
            on_axis = {name: [k for k in steps if (name, k) not in own_lags] for name, steps in lags.items()}
            unheld = lags_without_values_read_before(
                self._lagged, on_axis, self._on_grid, self._time_dim, target=target,
                n_read=self.layout.steps_before_range, before_common=self.layout.steps_before_common)
            _log_lag_gaps(self._lagged, lambda steps: values_held(self._on_grid[target], self._time_dim, steps),
                          self.layout.time.values,
                          dates=self.layout.selection_dates(), first_counted=self.layout.steps_before_range,
                          starts=self._segment_starts, blocks=self.layout.time_blocks, unheld=unheld)
            way_out = months_lag_way_out(self._lagged, lags, own_lags, self.layout, applying=applying)
            if way_out is not None:
                note_once(_log, logging.WARNING, way_out, key=("lags of months left out", way_out))
        self._target, self._where, self._require_target = target, where, require_target
        self._sample_fraction, self._seed = sample_fraction, seed
        self._thinned_steps = (np.ones(self.n_time, dtype=bool) if thinned_steps is None
                               else np.asarray(thinned_steps, dtype=bool))
        self._cells: np.ndarray | None = None  # every cell; see at_cells

    def at_cells(self, cells: np.ndarray | None) -> PointwiseSource:
        """This source with samples at ``cells`` only.

        Parameters
        ----------
        cells : ndarray of bool, shape (n_lat, n_lon), or None
            The cells to sample (True); None: every cell. ``climann predict`` leaves out the
            cells where the target never exists (:mod:`climann.workflow.target_cells`).

        Returns
        -------
        PointwiseSource
            A copy; this source is unchanged.
        """
        restricted = copy.copy(self)
        restricted._cells = None if cells is None else np.asarray(cells, dtype=bool).reshape(self.layout.shape[1:])
        return restricted

    def _plan_columns(self, target, predictors, features, lags, season_dated_by, own_lags) -> dict[str, tuple]:
        """Each feature column: (kind, axis, variable, lag) or (kind, axis, values); a lag taken
        from its variable's own series (``own_lags``, :func:`own_series_lag_names`) is its
        variable at lag 0."""
        columns: dict[str, tuple] = {}
        for name in predictors:
            axis = "grid" if self._on_grid[name].ndim == 3 else "cell"
            columns[name] = ("variable", axis, name, 0)
        for name, steps in lags.items():
            for lag in steps:
                own = own_lags.get((name, lag))
                columns[f"{name}_lag{lag}"] = ("variable", "grid", own, 0) if own else ("variable", "grid", name, lag)
        for name in self._series:
            columns[name] = ("series", "time", name, 0)
        for name in self._climatologies:
            columns[f"{name}_anomaly"] = ("anomaly", "grid", name, 0)
        for name, (axis, values) in derived_columns(self.layout, features, season_dated_by=season_dated_by).items():
            columns[name] = ("derived", axis, values)
        return columns

    @property
    def feature_names(self) -> tuple[str, ...]:
        """Names of the feature columns, in order."""
        return tuple(self._columns)

    @property
    def feature_sources(self) -> tuple[str, ...]:
        """What asked for each feature column, in order: a key of
        :data:`~climann.data.dropped_targets.FEATURE_SOURCES` (``"lags"`` for ``tas_lag1``)."""
        kinds = {"anomaly": "anomalies", "derived": "features"}
        return tuple(kinds.get(spec[0]) or ("lags" if name in self._lag_columns
                                             else "predictors" if spec[0] == "variable"
                                             else "global_means" if name.endswith("_global_mean")
                                             else "regional_means")
                     for name, spec in self._columns.items())

    @property
    def climatologies(self) -> dict[str, np.ndarray]:
        """The monthly climatologies of the anomaly features, by variable (saved with the model)."""
        return dict(self._climatologies)

    @property
    def n_time(self) -> int:
        """Number of time steps."""
        return self.layout.shape[0]

    @property
    def step_bytes(self) -> int:
        """Bytes one time step takes while read (the variables and columns, and the target, in
        the types they are held in: 4 bytes a value in float32), as :meth:`time_blocks` counts them."""
        held = sum(self._held[name].itemsize for name in self._on_grid) + self._held[self._target].itemsize
        return self.layout.n_cells * (held + self._table_dtype.itemsize * len(self._columns))

    @property
    def itemsize(self) -> int:
        """Bytes of one unscaled value of the samples (4 in float32; 8 when a variable is held
        in float64, :mod:`climann.data.value_precision`)."""
        return max(self._table_dtype.itemsize, self._held[self._target].itemsize)

    def time_blocks(self, *, max_bytes: int = 256 * 2**20) -> list[tuple[int, int]]:
        """Consecutive (start, stop) ranges of time steps whose data take ≲ ``max_bytes``."""
        steps = max(1, int(max_bytes // max(self.step_bytes, 1)))
        return [(start, min(start + steps, self.n_time)) for start in range(0, self.n_time, steps)]

    def _load(self, start: int, stop: int, scheduler: str | None = None) -> tuple[int, dict[str, np.ndarray]]:
        """Read the block's variables (and the lag margin before it) in one dask compute."""
        first = start
        for earlier in (self._lagged.earlier.values() if self._lagged else ()):
            found = earlier[start:stop][earlier[start:stop] >= 0]
            first = min(first, int(found.min())) if found.size else first
        block = xr.Dataset({name: variable.astype(self._held[name]) for name, variable in
                            {**self._on_grid, **self._series}.items()}).isel({self._time_dim: slice(first, stop)})
        loaded = block.load(**({"scheduler": scheduler} if scheduler else {}))
        return first, {name: loaded[name].values for name in (*self._on_grid, *self._series)}

    def _column_values(self, spec: tuple, arrays: dict, start: int, first: int, n_steps: int) -> tuple[str, np.ndarray]:
        kind, axis = spec[0], spec[1]
        if kind == "derived":
            values = spec[2]
            return axis, values[start : start + n_steps] if axis == "time" else values
        name, lag = spec[2], spec[3]
        values = arrays[name]
        if kind == "series":
            return axis, values[start - first :]
        if axis == "cell":
            return axis, values
        if lag:
            shifted = _shifted(values, start=start, first=first, earlier=self._lagged.earlier[lag], n_steps=n_steps)
        else:
            shifted = values[start - first : start - first + n_steps]
        if kind == "anomaly":  # x − clim[month(t)], the climatology of the training years
            return axis, shifted - self._climatologies[name][self._months[start : start + n_steps] - 1]
        return axis, shifted

    def _subsample(self, valid: np.ndarray, start: int) -> np.ndarray:
        """Keep each valid sample of the thinned steps (the training block's) with probability
        ``sample_fraction``; one seeded stream per time step, so the choice does not depend on
        how time is split into blocks."""
        if self._sample_fraction >= 1.0:
            return valid
        for step in np.flatnonzero(self._thinned_steps[start : start + valid.shape[0]]):
            draws = np.random.default_rng([self._seed, start + step]).random(valid.shape[1:])
            valid[step] &= draws < self._sample_fraction
        return valid

    def _table(self, start: int, stop: int, scheduler: str | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The target, shape (n_steps, n_lat, n_lon), and every feature column broadcast into
        one table, shape (n_steps, n_lat, n_lon, n_features), of time steps [start, stop)."""
        first, arrays = self._load(start, stop, scheduler)
        n_steps = stop - start
        shape = (n_steps, *self.layout.shape[1:])
        table = np.empty((*shape, len(self._columns)), dtype=self._table_dtype)
        for column, spec in enumerate(self._columns.values()):
            axis, values = self._column_values(spec, arrays, start, first, n_steps)
            table[..., column] = _broadcastable(values, axis, shape)
        return arrays[self._target][start - first :], table

    def missing_where_target_present(self, steps: np.ndarray) -> tuple[int, dict[str, float]]:
        """Why time steps may hold no complete sample: how many values of the target they
        have, and the fraction of those that each feature lacks.

        Parameters
        ----------
        steps : ndarray of bool, shape (n_time,)
            The time steps to look at (a block of the split); read block by block.

        Returns
        -------
        n_target : int
            Values of the target present in those steps.
        missing : dict of str to float
            Feature name → the fraction (0 … 1) of those values where the feature is missing.
        """
        n_target, n_missing = 0, np.zeros(len(self._columns), dtype=np.int64)
        for start, stop in self.time_blocks():
            chosen = np.asarray(steps[start:stop], dtype=bool)
            if not chosen.any():
                continue
            target_values, table = self._table(start, stop)
            present = np.isfinite(target_values) & chosen[:, None, None]
            n_target += int(present.sum())
            n_missing += (~np.isfinite(table[present])).sum(axis=0)
        return n_target, {name: int(count) / n_target if n_target else 0.0
                          for name, count in zip(self._columns, n_missing)}

    def log_lags_at_steps_without_target(self, n_target: np.ndarray) -> None:
        """Warn, once per run, where a lag of the target reads a time step with no value of the
        target at all (:func:`lags_at_steps_without_target_text`).

        Parameters
        ----------
        n_target : ndarray of int, shape (n_time,)
            How many values of the target each time step holds, as read.
        """
        lags = [column[3] for column in self._columns.values()
                if column[0] == "variable" and column[2] == self._target and column[3] > 0]
        if self._lagged is None or not lags:
            return
        for line in lags_at_steps_without_target_text(self._lagged, lags, np.asarray(n_target), self.layout.time.values,
                                                      self._target, first_counted=self.layout.steps_before_range):
            note_once(_log, logging.WARNING, line)

    def target_steps(self) -> np.ndarray:
        """Which time steps hold any value of the target, shape (n_time,), bool; read block by
        block (to say where a block without the target should have been)."""
        held = np.zeros(self.n_time, dtype=bool)
        for start, stop in self.time_blocks():
            target_values, _ = self._table(start, stop)
            held[start:stop] = np.isfinite(target_values).reshape(stop - start, -1).any(axis=1)
        return held

    def read_target(self, start: int, stop: int, *, scheduler: str | None = None) -> np.ndarray:
        """The target alone at time steps [start, stop), shape (n_steps, n_lat, n_lon), as
        :meth:`read` gives it (``target_field``), without its features: the earlier values a
        forecast run's persistence takes from outside a chunk need none (reading every feature
        for them was most of a streamed run's evaluation)."""
        variable = {**self._on_grid, **self._series}[self._target].astype(self._held[self._target])
        block = variable.isel({self._time_dim: slice(start, stop)})
        return block.load(**({"scheduler": scheduler} if scheduler else {})).values

    def read(self, start: int, stop: int, *, scheduler: str | None = None) -> PointwiseSamples:
        """The samples of time steps [start, stop); ``flat_index`` counts from the grid's start.

        Each feature column is broadcast into one (time, lat, lon, feature) table — no index
        arithmetic per sample — and the table is compressed once by the validity mask.
        ``scheduler`` is the dask scheduler that reads the files (default: the current one;
        ``"synchronous"`` inside a task on a cluster worker, so that the worker reads itself).
        """
        target_values, table = self._table(start, stop, scheduler)
        shape = target_values.shape
        # Without a required target (prediction on new data) a sample needs only its features.
        valid = np.isfinite(target_values) if self._require_target else np.ones(shape, dtype=bool)
        feature_missing = ~np.isfinite(table)
        valid &= ~feature_missing.any(axis=-1)
        n_missing = self._n_dropped(valid, start)
        dropped = (dropped_targets(target_values, feature_missing, self._counted(shape, start), self.feature_names,
                                   self.feature_sources, self._before_first_step(start, start + shape[0]))
                   if self._require_target else None)
        if self._cells is not None:
            valid &= self._cells[None]
        keep = self._subsample(valid, start).reshape(-1)
        flat_table, flat_target = table.reshape(-1, len(self._columns)), target_values.reshape(-1, 1)
        everything = bool(keep.all())
        local_index = np.arange(keep.size) if everything else np.flatnonzero(keep)
        return PointwiseSamples(
            inputs=flat_table if everything else flat_table[keep],
            target=flat_target if everything else flat_target[keep],
            flat_index=local_index + start * self.layout.n_cells,
            feature_names=self.feature_names,
            layout=self.layout,
            n_dropped=n_missing,
            target_field=target_values,
            dropped_targets=dropped,
        )

    def _before_first_step(self, start: int, stop: int) -> np.ndarray | None:
        """Where each lag's column reads a step before the first one read, at time steps [start,
        stop), shape (n_steps, n_features) (not where the step it reads is a gap of the axis);
        None without lags (:func:`~climann.data.dropped_targets.dropped_targets`)."""
        if self._lagged is None:
            return None
        before = np.zeros((stop - start, len(self._columns)), dtype=bool)
        for number, spec in enumerate(self._columns.values()):
            if spec[0] == "variable" and spec[3] > 0 and spec[3] in self._lagged.earlier:
                earlier, in_gap = self._lagged.earlier[spec[3]][start:stop], self._lagged.in_gap[spec[3]][start:stop]
                before[:, number] = (earlier < 0) & ~in_gap
        return before

    def _counted(self, shape: tuple[int, ...], start: int) -> np.ndarray:
        """Which samples of time steps from ``start`` on (``shape`` (n_steps, n_lat, n_lon)) are
        the run's: as :meth:`_n_dropped` counts them."""
        counted = np.zeros(shape, dtype=bool)
        counted[max(self.layout.steps_before_range - start, 0):] = True
        if self._cells is not None:
            counted &= self._cells[None]
        return counted

    def _n_dropped(self, valid: np.ndarray, start: int) -> int:
        """The samples of the period without target or feature, of ``valid`` (time steps from
        ``start`` on, shape (n_steps, n_lat, n_lon)): a cell left out is no sample dropped, nor
        is the step read before the period for persistence and lags
        (:attr:`~climann.data.layout.GridLayout.steps_before_range`), which is no time step of
        the run (its first step's lags are missing by construction)."""
        counted = valid[max(self.layout.steps_before_range - start, 0):]
        if self._cells is not None:
            counted = counted[:, self._cells]
        return int(counted.size - np.count_nonzero(counted))

    def read_all(self) -> PointwiseSamples:
        """Every sample, read block by block and concatenated.

        Raises
        ------
        ClimannError
            If no sample has the target and every feature present.
        """
        blocks, parts = self.time_blocks(), []
        for done, (start, stop) in enumerate(blocks, start=1):
            parts.append(self.read(start, stop))
            # One record per block, for progress bars (see climann.workflow.runlog).
            progress = ("reading samples", done, len(blocks))
            _log.debug("read block %d/%d", done, len(blocks), extra={"progress": progress})
        samples = PointwiseSamples(
            inputs=np.concatenate([p.inputs for p in parts]),
            target=np.concatenate([p.target for p in parts]),
            flat_index=np.concatenate([p.flat_index for p in parts]),
            feature_names=self.feature_names,
            layout=self.layout,
            n_dropped=sum(p.n_dropped for p in parts),
            climatologies=self.climatologies,
            target_field=np.concatenate([p.target_field for p in parts]),
            dropped_targets=_merged_drops([p.dropped_targets for p in parts]),
        )
        self.log_lags_at_steps_without_target(np.isfinite(samples.target_field).reshape(self.n_time, -1).sum(axis=1))
        if samples.flat_index.size == 0:
            raise ClimannError(no_complete_sample_text(
                f"no sample has '{self._target}' and every feature present in {self._where}", self._target,
                *self.missing_where_target_present(np.ones(self.n_time, dtype=bool)),
                levels=self.layout.scalar_coordinates))
        return samples


def _merged_drops(parts: Sequence[DroppedTargets | None]) -> DroppedTargets | None:
    """The blocks' :class:`~climann.data.dropped_targets.DroppedTargets` together (None if any is None)."""
    if not parts or any(part is None for part in parts):
        return None
    merged = parts[0]
    for part in parts[1:]:
        merged = merged.merged(part)
    return merged


def no_complete_sample_text(problem: str, target: str, n_target: int, missing: dict[str, float],
                            held: str | None = None, *, time_range: tuple[str, str] | None = None,
                            levels: Sequence[Coordinate] = ()) -> str:
    """``problem`` (a block or a file without a complete sample) and its cause: no value of
    the target, or the features missing wherever the target is present (else the most often
    missing ones), with the way out.

    Parameters
    ----------
    problem : str
        What has no sample, e.g. "the train block (1990–1993) has no sample with 'tas' and
        every feature present".
    target : str
    n_target, missing
        As :meth:`PointwiseSource.missing_where_target_present` returns them.
    held : str, optional
        The first and last dates at which the target has values anywhere ("1962-11 to
        1967-10"), for a block where it has none: its ``time_range`` is the way out.
    time_range : (str, str), optional
        The ``time_range`` advised for ``held``: its whole years (``("1963", "1966")``, from
        :func:`~climann.data.time_range.held_time_range`); None: its months.
    levels : sequence of Coordinate
        The layout's scalar coordinates (:attr:`~climann.data.layout.GridLayout.scalar_coordinates`):
        a target of no value at all is said to be so at its chosen level
        (:func:`~climann.data.levels.chosen_levels`: a borehole's sensor at 25 m, all missing;
        break38b C3), with the ``select`` of another as the way out.
    """
    if not n_target and held:
        first, last = time_range or held.split(" to ")
        period = "that period" if time_range is None or len(date_parts(first) or ()) > 1 else "its whole years"
        return (f"{problem}: '{target}' itself has no value there, only from {held} (an outer join of forecasts "
                f"started at other times, a file of another period?); choose {period} with [data] time_range "
                f"(--time-range {first},{last}), or check the files")
    chosen = chosen_levels(levels)
    if not n_target and chosen:
        at = ", ".join(level_text(level) for level in chosen)
        return (f"{problem}: '{target}' itself has no value there, at {at} (a level chosen with [data] select, "
                f"--select, or the files' only one): choose another with --select {chosen[0].name}=VALUE, or check "
                "the files and the [data] time range")
    if not n_target:
        return f"{problem}: '{target}' itself has no value there; check the files and the [data] time range"
    everywhere = [name for name, fraction in missing.items() if fraction >= 1.0]
    if everywhere:
        one = len(everywhere) == 1
        return (f"{problem}: {', '.join(everywhere)} {'is' if one else 'are'} missing wherever '{target}' is present; "
                f"leave {'it' if one else 'them'} out of [data] predictors (--predictors) or features, or check "
                f"{'its' if one else 'their'} file")
    worst = sorted(((fraction, name) for name, fraction in missing.items() if fraction > 0), reverse=True)[:3]
    shown = ", ".join(f"{name} ({100 * fraction:.0f}%)" for fraction, name in worst)
    return (f"{problem}: the features are missing in different places where '{target}' is present ({shown} of "
            "its values); leave some of them out of [data] predictors (--predictors) or features")


def build_pointwise_samples(
    dataset: xr.Dataset,
    *,
    target: str,
    predictors: Sequence[str],
    features: Sequence[str],
    source_files: Sequence[str] = (),
    **options: object,
) -> PointwiseSamples:
    """All pointwise samples of ``dataset`` in memory (see :class:`PointwiseSource`).

    Returns
    -------
    PointwiseSamples
    """
    source = PointwiseSource(
        dataset, target=target, predictors=predictors, features=features, source_files=source_files, **options
    )
    return source.read_all()
