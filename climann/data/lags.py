"""Lags by the time axis: where the value k steps before each time is, by the axis's nominal
step (:func:`climann.data.time_axis.time_step_positions`: k months on a monthly axis, k days on a
daily one) or, on an axis of periods that restart each year or month, by its periods
(:func:`climann.data.composites.period_positions`: k pentads, dekads, half-months or MODIS
composites earlier, across year ends). Persistence's "previous step" is lag 1
(:func:`previous_steps`).

Apart from :mod:`climann.data.time_axis` because the period calendars
(:mod:`climann.data.composites`) are built on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cftime
import numpy as np

from climann.data.composites import period_positions
from climann.data.time_axis import (
    PeriodStep, TimeStep, coarse_storage_text, earlier_steps, in_gaps, time_step_positions,
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
