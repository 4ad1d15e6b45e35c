"""Evaluation chunk by chunk on the workers: baselines, scores from weighted sums, prediction grids.

Nothing of the size of the data reaches the client. Two passes over the files:

1. **Baselines** (training block's chunks): each chunk gives the normal equations of
   weighted least squares on the standardised features, ``AᵀWA`` and ``AᵀWy`` with
   ``A = [X 1]`` and W the loss's sample weights (cell areas when ``[training]
   area_weighted``, else W = I), and, per
   cell and calendar month (day of year for daily data, day of year and hour for sub-daily
   data: :func:`climann.evaluation.baselines.season_keys`), the sum and count of the target over
   its training steps. Added up in chunk order, they give the ``linear`` baseline
   (``AᵀWA θ = AᵀWy``, the weighted least-squares fit of the in-memory path) and the ``climatology``
   (sum / count per month and cell).
2. **Scores and grids** (all chunks): each chunk predicts its samples with the network and the
   baselines, puts truth and predictions on its part of the grid (``persistence``: the value
   one nominal time step earlier, missing after a gap in the time axis; the chunk read with
   one extra time step before it), and takes the sums of :mod:`climann.evaluation.sums` over
   them (:func:`~climann.evaluation.sums.grid_sums`: per block and model, per block and season,
   per block and region, and the ACC's per-step sums against the climatology of pass 1, fitted
   whenever the split has a training block), the values shifted by the training mean of the
   target. The same functions score a run in memory, whose grid is one chunk, so the
   scores per block, season and region are defined once. The chunk's grids become
   the blocks of dask arrays written to ``predictions.nc`` (or Zarr) as they are computed;
   their area-weighted means per time step (the area-mean series figure) come back whole.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import dask
import numpy as np

from climann.workflow.compute.chunks import read_samples, read_target
from climann.data.layout import sample_weights
from climann.data.pointwise import PointwiseSamples, PointwiseSource
from climann.data.scaling import Standardizer
from climann.data.time_axis import TimeStep
from climann.evaluation.baselines import LinearRegression, climatology_from_sums, climatology_keys
from climann.evaluation.extrapolation import Extrapolation, from_counts, outside_training_range
from climann.evaluation.metrics import SUM_NAMES, scores_from_sums  # noqa: F401 (re-exported)
from climann.evaluation.scores import compared_area_means
from climann.evaluation.sums import (  # noqa: F401 (the sums moved to the evaluation layer: re-exported)
    GROUP_FIELDS,
    MATCHED_NAMES,
    ScoreSums,
    acc_sums,
    counts_from_sums,
    grid_sums,
    group_metrics_from_sums,
    metrics_from_sums,
    score_sums,
)
from climann.model import Network

__all__ = [
    "BaselineSums",
    "acc_sums",
    "area_means",
    "ChunkEvaluation",
    "counts_from_sums",
    "ScoreSums",
    "evaluate_chunk",
    "fit_baselines",
    "group_metrics_from_sums",
    "local_grid",
    "metrics_from_sums",
]


#: The series of each time step saying whether the target has a value at some cell (1) or none (0).
TARGET_PRESENT = "target:present"

#: The series of the number of complete samples (target and every feature present) at each
#: time step: the steps the scores cover.
SAMPLES_SCORED = "samples:scored"

def local_grid(values: np.ndarray, samples: PointwiseSamples, start: int, stop: int) -> np.ndarray:
    """Per-sample values on the chunk's part of the grid, shape (stop − start, n_lat, n_lon),
    float64, NaN where there is no sample (the chunk's piece of ``layout.to_grid``)."""
    n_time, n_lat, n_lon = samples.layout.shape
    grid = np.full((stop - start) * n_lat * n_lon, np.nan)
    grid[samples.flat_index - start * n_lat * n_lon] = values
    return grid.reshape(stop - start, n_lat, n_lon)


# --- pass 1: baselines ---------------------------------------------------------------------------
@dataclass(frozen=True)
class BaselineSums:
    """What the baselines need from the training block, as sums that add over chunks.

    Attributes
    ----------
    normal : ndarray, shape (n_features + 1, n_features + 1)
        ``AᵀWA`` with ``A = [X 1]`` (standardised features and a column of ones) and W the
        diagonal of sample weights (the identity when unweighted).
    moment : ndarray, shape (n_features + 1, 1)
        ``AᵀWy`` (the target in its units).
    seasons : dict of int to (ndarray, ndarray), each shape (n_lat, n_lon)
        For each season key (index of the calendar month, day of year, or day of year and hour) seen so far, the
        sum and the count of the target at each cell. Only the seasons a chunk covers: a
        chunk's sums stay as small as its data.
    """

    normal: np.ndarray
    moment: np.ndarray
    seasons: dict[int, tuple[np.ndarray, np.ndarray]]

    def __add__(self, other: BaselineSums) -> BaselineSums:
        seasons = dict(self.seasons)
        for key, (total, count) in other.seasons.items():
            seasons[key] = (seasons[key][0] + total, seasons[key][1] + count) if key in seasons else (total, count)
        return BaselineSums(self.normal + other.normal, self.moment + other.moment, seasons)

    def linear(self) -> LinearRegression:
        """Weighted least squares from the normal equations ``AᵀWA θ = AᵀWy``."""
        solution, *_ = np.linalg.lstsq(self.normal, self.moment, rcond=None)
        return LinearRegression(weights=solution[:-1], bias=solution[-1])

    def climatology(self, key_values: np.ndarray, times: np.ndarray, shape: tuple[int, int], *,
                    window_days: int, value_step: TimeStep | None = None) -> np.ndarray:
        """The climatology of the summed seasons, shape (n_seasons, n_lat, n_lon), row i for
        the key ``key_values[i]``; NaN without data. Smoothed over the days of the year as the
        in-memory route's, by the same function
        (:func:`~climann.evaluation.baselines.climatology_from_sums`, on every key of the year),
        keyed as it is (``value_step``: :func:`~climann.evaluation.baselines.climatology_keys`)."""
        keys = climatology_keys(times, value_step=value_step)
        sums, counts = np.zeros((keys.count, *shape)), self.key_counts(key_values, keys.count, shape)
        for index, (total, _) in self.seasons.items():
            sums[key_values[index] - 1] = total
        climatology = climatology_from_sums(sums, counts, keys, calendar=times[0].calendar, window_days=window_days)
        return climatology[np.asarray(key_values) - 1]

    def key_counts(self, key_values: np.ndarray, n_keys: int, shape: tuple[int, int]) -> np.ndarray:
        """The training values of every climatology key at each cell, shape (n_keys, n_lat,
        n_lon) (0 for the keys no chunk held): the in-memory route's
        :func:`~climann.evaluation.baselines.key_sums` counts, for
        :func:`~climann.evaluation.climatology_years.add_climatology_narrowed`."""
        counts = np.zeros((n_keys, *shape))
        for index, (_, count) in self.seasons.items():
            counts[key_values[index] - 1] = count
        return counts


def _baseline_sums(
    source: PointwiseSource, start: int, stop: int, input_scaler: Standardizer, dtype: np.dtype,
    season_index: np.ndarray, area_weighted: bool = False,
) -> BaselineSums:
    samples = read_samples(source, start, stop)
    design = np.hstack([input_scaler.transform(samples.inputs, dtype).astype(np.float64),
                        np.ones((samples.inputs.shape[0], 1))])
    target = samples.target.astype(np.float64)
    weighted = design  # W A, with W the loss's weights
    if area_weighted:
        cells = source.layout.cell_area_weights(steps=slice(start, stop))  # the chunk's steps' alone (sea ice)
        weighted = design * sample_weights(cells, samples.flat_index, first_step=start)[:, None]
    truth = samples.target_field.astype(np.float64)
    present = np.isfinite(truth)
    steps = season_index[start:stop]
    seasons = {
        int(key): (np.where(present, truth, 0.0)[steps == key].sum(axis=0), present[steps == key].sum(axis=0))
        for key in np.unique(steps)
    }
    return BaselineSums(weighted.T @ design, weighted.T @ target, seasons)


def fit_baselines(
    client, source: PointwiseSource, train_blocks: Sequence[tuple[int, int]], input_scaler: Standardizer, *,
    dtype: str | np.dtype, season_index: np.ndarray, key_values: np.ndarray, area_weighted: bool = False,
    window_days: int,
) -> tuple[LinearRegression, np.ndarray, np.ndarray]:
    """The linear and climatology baselines from the training block's chunks (pass 1).

    Parameters
    ----------
    client : distributed.Client, or None
        None: computed in this process (dask's default scheduler, local threads).
    source : PointwiseSource
    train_blocks : sequence of (start, stop)
    input_scaler : Standardizer
    dtype : the network's dtype (the features are standardised in it, as for the network)
    season_index : ndarray of int, shape (n_time,)
        Each time step's season (0 … n_seasons − 1).
    key_values : ndarray of int, shape (n_seasons,)
        The climatology key of each season (1 … :func:`~climann.evaluation.baselines.season_count`):
        ``np.unique(season_keys(times))``, whose inverse is ``season_index``.
    area_weighted : bool
        Fit the linear baseline with cell-area weights, as the loss (``[training] area_weighted``).
    window_days : int
        ``[evaluation] climatology_window_days``: the days of year the climatology is smoothed over.

    Returns
    -------
    linear : LinearRegression
    climatology : ndarray, shape (n_seasons, n_lat, n_lon)
    counts : ndarray, shape (n_keys, n_lat, n_lon)
        The training values of every climatology key at each cell (:meth:`BaselineSums.key_counts`).
    """
    from climann.workflow.compute.cluster import ordered_sum_delayed

    shared = dask.delayed(source, traverse=False)
    parts = [dask.delayed(_baseline_sums)(shared, start, stop, input_scaler, np.dtype(dtype), season_index,
                                          area_weighted)
             for start, stop in train_blocks]
    summed = ordered_sum_delayed(parts)
    total = dask.compute(summed)[0] if client is None else client.compute(summed).result()
    value_step, times = source.layout.climatology_value_step, source.layout.time.values
    climatology = total.climatology(key_values, times, source.layout.shape[1:], window_days=window_days,
                                    value_step=value_step)
    counts = total.key_counts(key_values, climatology_keys(times, value_step=value_step).count, source.layout.shape[1:])
    return total.linear(), climatology, counts


# --- pass 2: scores and grids -----------------------------------------------------------------------
@dataclass(frozen=True)
class ChunkEvaluation:
    """Everything pass 2 needs besides the chunk's time steps; sent to the workers once.

    Attributes
    ----------
    source : PointwiseSource
    network : Network
    input_scaler, target_scaler : Standardizer
        The trained model's.
    models : tuple of str
        Which predictions to make, in order: ``model`` and any of ``climatology`` (needs
        ``climatology`` and ``season_index``), ``linear`` (needs ``linear``) and ``persistence``.
    block_of_step : ndarray of int, shape (n_time,)
        Block of each time step (index into the block names), −1 for none.
    n_blocks : int
    shift : float
        See :func:`score_sums`.
    linear : LinearRegression or None
    climatology : ndarray, shape (n_seasons, n_lat, n_lon), or None
        The ``climatology`` baseline's means, and the reference of the ACC's anomalies
        (also when ``climatology`` is not in ``models``); without it, no ACC.
    season_index : ndarray of int, shape (n_time,), or None
    previous : ndarray of int, shape (n_time,), or None
        For ``persistence``: the index of the step one nominal step before each step, −1
        where the axis lacks it (see :func:`climann.data.lags.previous_steps`); in a forecast run,
        of the month before each forecast's start
        (:func:`~climann.evaluation.baselines.forecast_persistence_steps`).
    season_of_step : ndarray of int, shape (n_time,), or None
        Each step's season (:func:`climann.evaluation.seasons.season_index`): sums per
        block and season too.
    region_cells : ndarray of bool, shape (n_regions, n_lat, n_lon), or None
        Sums per block and region too.
    ranges : mapping, or None
        The model file's ``input_ranges``: with them, each chunk also counts its samples
        outside the training range (:func:`extrapolation_series`) and, with
        ``extrapolated_grid``, flags them (grid ``extrapolated``).
    extrapolated_grid : bool
        With ``ranges``, also the grid ``extrapolated`` (``<target>_extrapolated`` of
        ``predict`` and ``evaluate --data``); ``train`` counts only, for its warning.
    """

    source: PointwiseSource
    network: Network
    input_scaler: Standardizer
    target_scaler: Standardizer
    models: tuple[str, ...]
    block_of_step: np.ndarray
    n_blocks: int
    shift: float = 0.0
    linear: LinearRegression | None = None
    climatology: np.ndarray | None = None
    season_index: np.ndarray | None = None
    previous: np.ndarray | None = None
    season_of_step: np.ndarray | None = None
    region_cells: np.ndarray | None = None
    ranges: dict | None = None
    extrapolated_grid: bool = True

    @property
    def grid_names(self) -> tuple[str, ...]:
        """The grids of each chunk: ``truth``, the models, and ``extrapolated`` with ranges
        (unless not ``extrapolated_grid``)."""
        flagged = self.ranges is not None and self.extrapolated_grid
        return ("truth", *self.models, *(("extrapolated",) if flagged else ()))

    @property
    def series_names(self) -> tuple[str, ...]:
        """The series of each chunk: the area means of truth and models, how many values the
        target has at each step (:data:`TARGET_PRESENT`), how many complete samples
        (:data:`SAMPLES_SCORED`), and with ranges the counts of :func:`extrapolation_series`."""
        counts = ()
        if self.ranges is not None:
            n_features = len(self.ranges["names"])
            counts = ("extrapolation:n", "extrapolation:any", *(f"extrapolation:{kind}:{column}"
                      for kind in ("outside", "low", "high") for column in range(n_features)))
        return ("truth", *self.models, TARGET_PRESENT, SAMPLES_SCORED, *counts)


def extrapolation_series(samples: PointwiseSamples, ranges: dict, start: int, stop: int) -> dict[str, np.ndarray]:
    """Per time step of a chunk, shape (stop − start,): samples (``extrapolation:n``), samples
    with some feature outside the training range (``:any``), and per feature (by column) the
    samples outside (``:outside:j``) and the smallest and largest value (``:low:j``, ``:high:j``;
    ±inf without samples). Added over steps they give :func:`extrapolation_from_series`."""
    outside = outside_training_range(samples.inputs, np.asarray(ranges["min"]), np.asarray(ranges["max"]))
    step = samples.layout.time_index(samples.flat_index) - start
    n_steps = stop - start
    series = {"extrapolation:n": np.bincount(step, minlength=n_steps).astype(np.float64),
              "extrapolation:any": np.bincount(step, weights=outside.any(axis=1), minlength=n_steps)}
    for column in range(outside.shape[1]):
        low, high = np.full(n_steps, np.inf), np.full(n_steps, -np.inf)
        np.minimum.at(low, step, samples.inputs[:, column])
        np.maximum.at(high, step, samples.inputs[:, column])
        series[f"extrapolation:outside:{column}"] = np.bincount(step, weights=outside[:, column], minlength=n_steps)
        series[f"extrapolation:low:{column}"], series[f"extrapolation:high:{column}"] = low, high
    return series


def extrapolation_from_series(series: dict[str, np.ndarray], ranges: dict) -> Extrapolation:
    """The :class:`~climann.evaluation.extrapolation.Extrapolation` of all time steps from the
    summed :func:`extrapolation_series`."""
    columns = range(len(ranges["names"]))
    return from_counts(
        ranges, int(series["extrapolation:n"].sum()), int(series["extrapolation:any"].sum()),
        np.array([series[f"extrapolation:outside:{column}"].sum() for column in columns]),
        np.array([series[f"extrapolation:low:{column}"].min() for column in columns]),
        np.array([series[f"extrapolation:high:{column}"].max() for column in columns]),
    )


def block_extrapolation_from_series(
    series: dict[str, np.ndarray], ranges: dict, block_of_step: np.ndarray, names: Sequence[str]
) -> dict[str, Extrapolation]:
    """Each block's :class:`~climann.evaluation.extrapolation.Extrapolation` from the
    :func:`extrapolation_series` of every time step (shape (n_time,)), added over the steps of
    that block: what :func:`~climann.evaluation.extrapolation.check_extrapolation` finds on
    the block's samples in memory. ``block_of_step``: index into ``names`` of each step, −1
    for none (:class:`ChunkEvaluation`)."""
    return {name: extrapolation_from_series({key: values[block_of_step == index] for key, values in series.items()},
                                            ranges)
            for index, name in enumerate(names) if (block_of_step == index).any()}


def _series_starts(context: ChunkEvaluation, start: int, stop: int) -> np.ndarray:
    """The steps of the chunk ``start:stop`` that begin the series, counted from ``start``: the
    first step of the data, where a baseline's missing value (persistence's) is no gap
    (:func:`~climann.evaluation.sums.unexplained_gaps`). A later block of ``split_files`` has no
    step before its first in its own series either, but that loss is said in the block's note,
    as in memory (break44d A9: a test year scored on 11 of its months without a word)."""
    return np.arange(1) if start == 0 else np.arange(0)


def _previous_step(context: ChunkEvaluation, start: int) -> np.ndarray:
    """The truth at step ``start − 1`` (NaN before the first step): persistence's overlap."""
    n_lat, n_lon = context.source.layout.shape[1:]
    if start == 0:
        return np.full((1, n_lat, n_lon), np.nan)
    return read_target(context.source, start - 1, start).astype(np.float64)


def _persisted(context: ChunkEvaluation, truth: np.ndarray, start: int, stop: int) -> np.ndarray:
    """Persistence on the chunk's steps: the truth at ``context.previous`` of each step, NaN
    where −1. The previous step by time is the previous array step (or missing, a gap), read
    from the chunk and the step before it; a forecast run's value before each start
    (:func:`~climann.evaluation.baselines.forecast_persistence`), further back, is read from the
    source for the steps outside the chunk, one read for each run of consecutive steps
    (:func:`_earlier_steps`), the target alone: read one step at a time with every feature, a
    streamed run on 300 forecasts at ``forecastMonth = 3`` in chunks of 3 steps spent 11.8 s of its
    18.5 s of evaluation there."""
    earlier = np.asarray(context.previous[start:stop])
    steps = np.arange(start, stop)
    if np.all((earlier < 0) | (earlier == steps - 1)):
        persisted = np.concatenate([_previous_step(context, start), truth[:-1]])
        persisted[earlier < 0] = np.nan
        return persisted
    persisted = np.full(truth.shape, np.nan)
    inside = (earlier >= start) & (earlier < stop)  # the days read for persistence lead the axis: also later
    persisted[inside] = truth[earlier[inside] - start]
    outside = (earlier >= 0) & ~inside
    if outside.any():
        needed, fields = _earlier_steps(context, earlier[outside])
        persisted[outside] = fields[np.searchsorted(needed, earlier[outside])]
    return persisted


def _earlier_steps(context: ChunkEvaluation, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct steps of ``wanted`` (sorted) and the truth at each, shape (n, n_lat, n_lon),
    read from the source (the target alone) in one read for each run of consecutive steps."""
    needed = np.unique(wanted)
    breaks = np.flatnonzero(np.diff(needed) > 1) + 1
    fields = [read_target(context.source, int(run[0]), int(run[-1]) + 1).astype(np.float64)
              for run in np.split(needed, breaks)]
    return needed, np.concatenate(fields)


def area_means(grids: dict[str, np.ndarray], area: np.ndarray) -> dict[str, np.ndarray]:
    """The series of the run's area-mean figure from the grids of one chunk: ``"truth"`` and
    every prediction, compared on the cells where both are present, as the in-memory run takes
    them (:func:`~climann.evaluation.scores.compared_area_means`)."""
    return compared_area_means(grids["truth"], {name: grid for name, grid in grids.items() if name != "truth"}, area)


def evaluate_chunk(
    context: ChunkEvaluation, start: int, stop: int
) -> tuple[dict[str, np.ndarray], ScoreSums, dict[str, np.ndarray]]:
    """Pass 2 on one chunk: the grids of truth and every prediction, their score sums, and
    their area means.

    Returns
    -------
    grids : dict of str to ndarray, shape (stop − start, n_lat, n_lon)
        ``"truth"`` and each of ``context.models``, float64, NaN where missing.
    sums : ScoreSums
    series : dict of str to ndarray, shape (stop − start,)
        :func:`area_means` of the grids, :data:`TARGET_PRESENT` (the number of cells where the
        target has a value), :data:`SAMPLES_SCORED` (the number of complete samples) and, with
        ``context.ranges``, the :func:`extrapolation_series`.
    """
    samples = read_samples(context.source, start, stop)
    scaled = context.input_scaler.transform(samples.inputs, context.network.dtype)
    predicted = context.target_scaler.inverse_transform(context.network.predict(scaled))
    truth = samples.target_field.astype(np.float64)  # also where a missing feature dropped the sample
    grids = {"truth": truth, "model": local_grid(predicted[:, 0], samples, start, stop)}
    for name in context.models[1:]:
        if name == "climatology":
            grids[name] = context.climatology[context.season_index[start:stop]]
        elif name == "linear":
            grids[name] = local_grid(context.linear.predict(scaled)[:, 0], samples, start, stop)
        elif name == "persistence":
            grids[name] = _persisted(context, truth, start, stop)
    blocks = context.block_of_step[start:stop]
    area = context.source.layout.cell_area_weights(steps=slice(start, stop))  # the chunk's steps' (sea ice)
    step_of_sample = samples.layout.time_index(samples.flat_index) - start
    in_block = blocks[step_of_sample]
    sums = grid_sums(
        truth, [grids[name] for name in context.models], area, blocks, context.n_blocks, shift=context.shift,
        reference=context.models.index("climatology") if "climatology" in context.models else None,
        climatology=None if context.climatology is None else context.climatology[context.season_index[start:stop]],
        first_step=_series_starts(context, start, stop),
        season_of_step=None if context.season_of_step is None else context.season_of_step[start:stop],
        region_cells=context.region_cells, samples=np.bincount(in_block[in_block >= 0], minlength=context.n_blocks),
        n_dropped=samples.n_dropped,
    )
    sums = dataclasses.replace(sums, dropped_targets=samples.dropped_targets)
    series = area_means(grids, area)
    series[TARGET_PRESENT] = np.isfinite(truth).reshape(truth.shape[0], -1).sum(axis=1).astype(np.float64)
    series[SAMPLES_SCORED] = np.bincount(step_of_sample, minlength=stop - start).astype(np.float64)
    if "extrapolated" in context.grid_names:
        grids["extrapolated"] = local_grid(
            outside_training_range(samples.inputs, np.asarray(context.ranges["min"]),
                                   np.asarray(context.ranges["max"])).any(axis=1).astype(np.float64),
            samples, start, stop)
    if context.ranges is not None:
        series.update(extrapolation_series(samples, context.ranges, start, stop))
    return grids, sums, series

