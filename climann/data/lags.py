"""Lags by the time axis: where the value k steps before each time is, by the axis's nominal
step (:func:`climann.data.time_axis.time_step_positions`: k months on a monthly axis, k days on a
daily one) or, on an axis of periods that restart each year or month, by its periods
(:func:`climann.data.composites.period_positions`: k pentads, dekads, half-months or MODIS
composites earlier, across year ends). Persistence's "previous step" is lag 1
(:func:`previous_steps`).

A ``time_stride`` above 1 with lags on an axis of such periods is refused
(:func:`check_strided_period_lags`): every n-th period is no calendar of periods.

Apart from :mod:`climann.data.time_axis` because the period calendars
(:mod:`climann.data.composites`) are built on it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import cftime
import numpy as np

from climann.data.composites import period_positions, places_in_calendar
from climann.data.time_axis import (
    PeriodStep, TimeStep, TimeStride, coarse_storage_text, earlier_steps, in_gaps, step_positions,
    time_step_positions,
)
from climann.errors import ClimannError


@dataclass(frozen=True)
class LaggedSteps:
    """Where the values k nominal steps (or periods of a period calendar) earlier are, for each lag k.

    Attributes
    ----------
    step : TimeStep or PeriodStep
        The axis's nominal step, or its period (pentads, dekads, MODIS's composites).
    earlier : dict of int to ndarray of int64, shape (n_time,)
        For each lag, the index of the time that many steps earlier, −1 where missing.
    in_gap : dict of int to ndarray of bool, shape (n_time,)
        For each lag, whether the earlier time falls in a gap of the axis (not before it).
    """

    step: TimeStep | PeriodStep
    earlier: dict[int, np.ndarray]
    in_gap: dict[int, np.ndarray]


def _no_step_for_lags(times: np.ndarray, longest: int, name: str, storage: str = "") -> ClimannError:
    """Why lags cannot be counted on an axis without a nominal step, with a way out that
    serves training and ``predict`` alike (``predict`` cannot change the run's lags); the
    time's storage when it is the cause (see :func:`climann.data.time_precision.coarse_storage`)."""
    steps = f"{longest} step{'s' if longest > 1 else ''}"
    if len(times) == 1:
        return ClimannError(f"lags take the values up to {steps} before each time step, but '{name}' holds a single "
                            f"time step ({times[0]}); give data from at least {steps} before the first one to predict")
    if storage:
        return ClimannError(f"lags need a time axis with a regular step, but '{name}' ({len(times)} time steps, "
                            f"{times[0]} … {times[-1]}) has none: {coarse_storage_text(storage)}")
    return ClimannError(f"lags need a time axis with a regular step (monthly, daily, …) or of a calendar of periods "
                        f"({PERIOD_CALENDARS}), but '{name}' ({len(times)} time steps, {times[0]} … {times[-1]}) has "
                        f"neither; give data at a regular step or of such periods, each dated at one place in its "
                        f"period, or, when training, remove [data] lags")


#: The calendars of periods whose lags count periods (:func:`lagged_steps`), for messages.
PERIOD_CALENDARS = ("N-day composites restarting each 1 January as MODIS's, half-months, dekads, CPC's 73 pentads "
                    "a year, CHIRPS's 72 (6 a month)")


def lagged_steps(
    times: Sequence[cftime.datetime], lags: Sequence[int], *, segment_starts: np.ndarray | None = None,
    name: str = "time", storage: str = "",
) -> LaggedSteps:
    """The earlier time of each time for each lag, by the axis's nominal step, or on an axis of
    periods that restart each year or month (pentads, dekads, half-months, MODIS's composites:
    :func:`climann.data.composites.period_positions`) by its periods: lag k is the k-th period
    before, across a new year (a year's first 16-day composite's lag 1 is the last of the year
    before), missing where that period is not in the data.

    Parameters
    ----------
    times : sequence of cftime.datetime, shape (n_time,)
    lags : sequence of int
        Steps back, each ≥ 1.
    segment_starts : ndarray of int, shape (n_time,), optional
        First index of each time's segment (one dataset's axis, see
        :func:`climann.data.layout.segment_starts`): an earlier time is looked for in the
        same segment only. Default: one segment.
    name : str
        The time coordinate's name, for the error message.
    storage : str
        Why the axis has no regular step when its storage is the cause
        (:attr:`climann.data.layout.GridLayout.time_storage`), for the error message.

    Returns
    -------
    LaggedSteps

    Raises
    ------
    ClimannError
        If a segment's axis has neither a nominal step nor periods of such a calendar (irregular,
        or a single time).
    """
    times = np.asarray(times)
    starts = np.zeros(len(times), np.int64) if segment_starts is None else np.asarray(segment_starts)
    earlier = {lag: np.full(len(times), -1, np.int64) for lag in lags}
    in_gap = {lag: np.zeros(len(times), bool) for lag in lags}
    step = None
    for first in np.unique(starts):
        chosen = np.flatnonzero(starts == first)
        step, positions = time_step_positions(times[chosen])
        if step is None and not storage:
            step, positions = _period_step_positions(times[chosen])
        if step is None:
            raise _no_step_for_lags(times[chosen], max(lags), name, storage)
        for lag in lags:
            found = earlier_steps(positions, lag)
            earlier[lag][chosen] = np.where(found >= 0, chosen[np.maximum(found, 0)], -1)
            in_gap[lag][chosen] = in_gaps(positions, lag)
    return LaggedSteps(step, earlier, in_gap)


def _period_step_positions(times: np.ndarray) -> tuple[PeriodStep | None, np.ndarray | None]:
    """The period calendar of ``times`` and their places in it, or (None, None)
    (:func:`climann.data.composites.period_positions`)."""
    found = period_positions(times) if len(times) > 1 else None
    return (None, None) if found is None else found


def previous_steps(
    times: Sequence[cftime.datetime], *, segment_starts: np.ndarray | None = None
) -> np.ndarray | None:
    """Index of the time one nominal step before each time (−1 where missing), or None when
    the axis has no nominal step: persistence's "previous step", by time."""
    try:
        return lagged_steps(times, [1], segment_starts=segment_starts).earlier[1]
    except ClimannError:
        return None


def strided_previous_steps(times: Sequence[cftime.datetime], stride: TimeStride, *,
                           segment_starts: np.ndarray | None = None) -> np.ndarray | None:
    """Index of the time one step of the series a ``time_stride`` kept before each time
    (``stride.every`` native steps: :class:`~climann.data.time_axis.TimeStride`), −1 where the
    series lacks it; None when the times lie on no axis of the native step.

    Counted on the native axis, not by the spacing of the times kept: with a step missing from
    the file, one in n of the steps read is n native steps apart up to the gap and n ± 1 after it
    (the stride counts the steps the file holds), so the first step after the gap has no value
    one step of the series earlier and is missing, not forecast by the step kept before the gap.

    Parameters
    ----------
    times : sequence of cftime.datetime, shape (n_time,)
        The steps kept.
    stride : TimeStride
    segment_starts : ndarray of int, shape (n_time,), optional
        Each step's first step of its series (a block of ``split_files``); default one series.

    Returns
    -------
    ndarray of int64, shape (n_time,), or None
    """
    times = np.asarray(times)
    starts = np.zeros(len(times), np.int64) if segment_starts is None else np.asarray(segment_starts)
    previous = np.full(len(times), -1, np.int64)
    for first in np.unique(starts):
        chosen = np.flatnonzero(starts == first)
        positions = (places_in_calendar(times[chosen], stride.native) if isinstance(stride.native, PeriodStep)
                     else step_positions(times[chosen], stride.native))
        if positions is None or np.any(np.diff(positions) <= 0):
            return None
        found = earlier_steps(positions, stride.every)
        previous[chosen] = np.where(found >= 0, chosen[np.maximum(found, 0)], -1)
    return previous


def check_strided_period_lags(times: Sequence[cftime.datetime], *, time_stride: int,
                              lags: Mapping[str, Sequence[int]], target: str) -> None:
    """Refuse ``lags`` with a ``time_stride`` n above 1 on an axis of periods that restart each
    year or month (pentads, dekads, half-months, N-day composites restarting each 1 January:
    :func:`climann.data.composites.period_positions`) where the steps kept would not be counted
    n periods apart.

    A lag counts the steps of the axis as kept (lag 1 of monthly data kept every 2 months is 2
    months back: :func:`climann.data.time_axis.check_strided_lags`), so on a period calendar lag k
    must be the (k · n)-th period before, by the periods of the whole axis before the stride
    (:func:`climann.data.composites.period_positions`). Every n-th period is mostly of no
    calendar, and :func:`lagged_steps` reads the steps kept by what they look like: CPC's pentads
    kept one in two were refused as "irregular"; dekads one in two were taken for dekads with
    gaps, lag 1 missing everywhere ("no sample"). Where they read as a step or calendar that
    counts them n periods apart (half-months one in two: the 1st of each month, monthly; CHIRPS's
    pentads one in two: the 1st, 11th and 21st, dekads), the lags are right and pass.

    Parameters
    ----------
    times : sequence of cftime.datetime, shape (n_time,)
        The axis before the stride (after ``time_range`` and ``months``).
    time_stride : int
    lags : mapping of variable name to lags
        ``[data] lags``.
    target : str
        The target, whose steps the axis is, for the message.

    Raises
    ------
    ClimannError
        Naming the stride, the lags, the calendar, the spacing of the steps kept and the ways out.
    """
    times = np.asarray(times)
    steps = sorted({lag for values in lags.values() for lag in values})
    if time_stride <= 1 or not steps or len(times) < 2 or time_step_positions(times)[0] is not None:
        return
    found = period_positions(times)
    if found is None:
        return  # no calendar of periods either: refused where a lag needs a step (lagged_steps)
    step, positions = found
    if _strided_lags_count_periods(times, positions, time_stride, steps):
        return
    lagged = " ".join(f"{name}={','.join(map(str, values))}" for name, values in lags.items() if values)
    kept = times[::time_stride]
    days = np.array([(later - earlier).total_seconds() / 86_400 for earlier, later in zip(kept[:-1], kept[1:])])
    apart = f"{days.min():g} to {days.max():g} days" if days.size else "one step"
    raise ClimannError(
        f"time_stride {time_stride} (--time-stride) with lags ({lagged}) on '{target}', whose time axis is of "
        f"{step.description}: such periods restart each year or month, so the steps kept, one in {time_stride} "
        f"({apart} apart), are not counted {step.span(time_stride)} apart by any step or calendar of periods, and a "
        f"lag, which counts the steps kept, would be missing or of another length; leave out --time-stride (the lags "
        f"then count {step.period}s: lag 2 is the value {step.span(2)} before), or leave out the lags")


def _strided_lags_count_periods(times: np.ndarray, positions: np.ndarray, time_stride: int,
                                lags: Sequence[int]) -> bool:
    """Whether the lags of the steps kept (``times[::time_stride]``, as :func:`lagged_steps` reads
    them) are the steps ``lag · time_stride`` periods before by the whole axis's ``positions``,
    missing where that period is not kept."""
    kept, places = times[::time_stride], positions[::time_stride]
    try:
        found = lagged_steps(kept, lags).earlier
    except ClimannError:
        return False
    index = {place: number for number, place in enumerate(places.tolist())}
    for lag in lags:
        expected = np.array([index.get(place - lag * time_stride, -1) for place in places.tolist()])
        if not np.array_equal(found[lag], expected):
            return False
    return True
