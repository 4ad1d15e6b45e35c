"""Evaluation chunk by chunk on the workers: baselines, scores from weighted sums, prediction grids.

Nothing of the size of the data reaches the client. Two passes over the files:

1. **Baselines** (training block's chunks): each chunk gives the normal equations of
   weighted least squares on the standardised features, ``AᵀWA`` and ``AᵀWy`` with
   ``A = [X 1]`` and W the loss's sample weights (cell areas when ``[training]
   area_weighted``, else W = I), and, per
   cell and calendar month (day of year for daily data), the sum and count of the target over
   its training steps. Added up in chunk order, they give the ``linear`` baseline
   (``AᵀWA θ = AᵀWy``, the weighted least-squares fit of the in-memory path) and the ``climatology``
   (sum / count per month and cell).
2. **Scores and grids** (all chunks): each chunk predicts its samples with the network and the
   baselines, puts truth and predictions on its part of the grid (``persistence``: the value
   one nominal time step earlier, missing after a gap in the time axis; the chunk read with
   one extra time step before it), and sums, per block
   (train, val, test) and model, over the values where that model is scored (the rules of
   :mod:`climann.evaluation.scores`: the network where the truth and its prediction are
   present, a baseline there and where it is defined), with cell-area weights w (e = ŷ − y,
   values shifted by a constant c, the training mean of the target, so that the sums of
   squares keep their digits)::

       Σw  Σw·e  Σw·e²  Σw·|e|  Σw·y'  Σw·y'²  Σw·ŷ'  Σw·ŷ'²  Σw·ŷ'y'     (y' = y − c, ŷ' = ŷ − c)

   from which MSE = Σwe²/Σw, MAE, bias, R² = 1 − MSE / var_w(y) and the weighted correlation
   follow exactly as :mod:`climann.evaluation.metrics` defines them; and, for the skill, Σw,
   Σw·e² and Σw·e_climatology² over the values where the model and the climatology are both
   scored. Counts per block and model: values scored, and the network's values a baseline
   lacks (for the notes on baselines left out or partly scored). For the anomaly correlation
   (ACC): a chunk holds whole time steps, so it computes each of its steps' ACC over the
   cells where the model is scored, against the climatology of pass 1 (fitted whenever the
   split has a training block, also when ``climatology`` is not a scored baseline), from the
   step's sums Σw, Σw·a, Σw·f, Σw·a², Σw·f², Σw·f·a
   (:func:`climann.evaluation.scores.step_anomaly_correlations`), and returns per block and
   model the sum of the defined steps' ACC and their number: the block's ACC is their mean. The
   same sums and ACC sums are taken per block and season (the block's steps in DJF, MAM, JJA,
   SON) and per block and region (the truth missing outside the region's cells), so that the
   scores per season and region are those of :mod:`climann.evaluation.groups` in memory. The chunk's grids become
   the blocks of dask arrays written to ``predictions.nc`` (or Zarr) as they are computed;
   their area-weighted means per time step (the area-mean series figure) come back whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import dask
import numpy as np

from climann.workflow.compute.chunks import read_samples
from climann.data.pointwise import PointwiseSamples, PointwiseSource, area_weighted_mean
from climann.data.scaling import Standardizer
from climann.evaluation.baselines import LinearRegression
from climann.evaluation.extrapolation import Extrapolation, from_counts, outside_training_range
from climann.evaluation.metrics import METRICS, skill_score
from climann.evaluation.scores import scored_cells, step_anomaly_correlations, unexplained_gaps
from climann.evaluation.seasons import SEASONS
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

SUM_NAMES = ("w", "w_error", "w_error2", "w_abs_error", "w_truth", "w_truth2", "w_pred", "w_pred2", "w_pred_truth")
#: The sums for the skill, over the values where the model and the climatology are both scored.
MATCHED_NAMES = ("w_matched", "w_error2_matched", "w_reference_error2_matched")
#: The sums per season and per region of :class:`ScoreSums` (None when not taken).
GROUP_FIELDS = ("season_sums", "season_scored", "season_acc", "region_sums", "region_scored", "region_acc")


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
        For each season key (index of the calendar month or day of year) seen so far, the
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

    def climatology(self, n_seasons: int, shape: tuple[int, int]) -> np.ndarray:
        """Mean per season key and cell, shape (n_seasons, n_lat, n_lon); NaN without data."""
        means = np.full((n_seasons, *shape), np.nan)
        for key, (total, count) in self.seasons.items():
            np.divide(total, count, out=means[key], where=count > 0)
        return means


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
        cells = source.layout.cell_area_weights().ravel()
        weighted = design * cells[samples.flat_index % cells.size][:, None]
    truth = local_grid(target[:, 0], samples, start, stop)
    present = np.isfinite(truth)
    steps = season_index[start:stop]
    seasons = {
        int(key): (np.where(present, truth, 0.0)[steps == key].sum(axis=0), present[steps == key].sum(axis=0))
        for key in np.unique(steps)
    }
    return BaselineSums(weighted.T @ design, weighted.T @ target, seasons)


def fit_baselines(
    client, source: PointwiseSource, train_blocks: Sequence[tuple[int, int]], input_scaler: Standardizer, *,
    dtype: str | np.dtype, season_index: np.ndarray, n_seasons: int, area_weighted: bool = False,
) -> tuple[LinearRegression, np.ndarray]:
    """The linear and climatology baselines from the training block's chunks (pass 1).

    Parameters
    ----------
    client : distributed.Client
    source : PointwiseSource
    train_blocks : sequence of (start, stop)
    input_scaler : Standardizer
    dtype : the network's dtype (the features are standardised in it, as for the network)
    season_index : ndarray of int, shape (n_time,)
        Each time step's season (0 … n_seasons − 1).
    n_seasons : int
    area_weighted : bool
        Fit the linear baseline with cell-area weights, as the loss (``[training] area_weighted``).

    Returns
    -------
    linear : LinearRegression
    climatology : ndarray, shape (n_seasons, n_lat, n_lon)
    """
    from climann.workflow.compute.cluster import ordered_sum_delayed

    shared = dask.delayed(source, traverse=False)
    parts = [dask.delayed(_baseline_sums)(shared, start, stop, input_scaler, np.dtype(dtype), season_index,
                                          area_weighted)
             for start, stop in train_blocks]
    total = client.compute(ordered_sum_delayed(parts)).result()
    return total.linear(), total.climatology(n_seasons, source.layout.shape[1:])


# --- pass 2: scores and grids -----------------------------------------------------------------------
@dataclass(frozen=True)
class ScoreSums:
    """Weighted sums per block and model (see the module's description), and counts.

    Attributes
    ----------
    sums : ndarray, shape (n_blocks, n_models, 12)
        In the order of :data:`SUM_NAMES` then :data:`MATCHED_NAMES`.
    scored : ndarray of int, shape (n_blocks, n_models)
        Values scored for each model (see :func:`climann.evaluation.scores.scored_cells`).
    samples : ndarray of int, shape (n_blocks,)
        Samples (target and every feature present).
    n_dropped : int
        Grid points without target or some feature.
    gaps : ndarray of int, shape (n_blocks, n_models)
        The network's values each model lacks, beyond the series' first time step
        (:func:`climann.evaluation.scores.unexplained_gaps`).
    acc : ndarray, shape (n_blocks, n_models, 2), or None
        The sum of the defined per-step ACCs and their number (:func:`acc_sums`); None
        without a climatology.
    season_sums, season_scored, season_acc : ndarray, shape (n_blocks, 4, n_models, 12), (n_blocks, 4, n_models)
        and (n_blocks, 4, n_models, 2), or None
        ``sums``, ``scored`` and ``acc`` of each block's steps in each season (DJF, MAM, JJA, SON).
    region_sums, region_scored, region_acc : ndarray, shape (n_regions, n_blocks, n_models, 12), (n_regions,
        n_blocks, n_models) and (n_regions, n_blocks, n_models, 2), or None
        ``sums``, ``scored`` and ``acc`` over each region's cells.
    """

    sums: np.ndarray
    scored: np.ndarray
    samples: np.ndarray
    n_dropped: int
    gaps: np.ndarray
    acc: np.ndarray | None = field(default=None)
    season_sums: np.ndarray | None = None
    season_scored: np.ndarray | None = None
    season_acc: np.ndarray | None = None
    region_sums: np.ndarray | None = None
    region_scored: np.ndarray | None = None
    region_acc: np.ndarray | None = None

    def __add__(self, other: ScoreSums) -> ScoreSums:
        acc = None if self.acc is None or other.acc is None else self.acc + other.acc
        groups = {name: None if getattr(self, name) is None or getattr(other, name) is None
                  else getattr(self, name) + getattr(other, name) for name in GROUP_FIELDS}
        return ScoreSums(self.sums + other.sums, self.scored + other.scored, self.samples + other.samples,
                         self.n_dropped + other.n_dropped, self.gaps + other.gaps, acc, **groups)


def _block_sums(truth: np.ndarray, predictions: Sequence[np.ndarray], weights: np.ndarray, shift: float) -> np.ndarray:
    """The nine sums of each prediction against ``truth`` (1-D arrays of the scored values)."""
    truth = truth - shift
    rows = []
    for predicted in predictions:
        predicted = predicted - shift
        error = predicted - truth
        rows.append([weights.sum(), weights @ error, weights @ error**2, weights @ np.abs(error), weights @ truth,
                     weights @ truth**2, weights @ predicted, weights @ predicted**2, weights @ (predicted * truth)])
    return np.array(rows, dtype=np.float64).reshape(len(predictions), len(SUM_NAMES))


def score_sums(
    truth: np.ndarray, predictions: Sequence[np.ndarray], area: np.ndarray, block_of_step: np.ndarray, n_blocks: int,
    *, shift: float = 0.0, reference: int | None = None, first_step: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sums per block and model, each model over the values where it is scored.

    Parameters
    ----------
    truth : ndarray, shape (n_steps, n_lat, n_lon)
    predictions : sequence of ndarray, same shape
        The network's first.
    area : ndarray, shape (n_lat, n_lon)
    block_of_step : ndarray of int, shape (n_steps,)
        Block of each time step, −1 for none.
    n_blocks : int
    shift : float
        Subtracted from truth and predictions before the sums (it cancels in every score).
    reference : int, optional
        Index of the climatology in ``predictions``, for the skill's matched sums.
    first_step : bool
        Whether the chunk begins the series (its first step then counts in no gap).

    Returns
    -------
    sums : ndarray, shape (n_blocks, n_models, 12)
        :data:`SUM_NAMES` then :data:`MATCHED_NAMES` (zero without ``reference``).
    scored : ndarray of int, shape (n_blocks, n_models)
    gaps : ndarray of int, shape (n_blocks, n_models)
    """
    named = {"model" if index == 0 else index: values for index, values in enumerate(predictions)}
    cells = list(scored_cells(named, truth).values())
    gaps = list(unexplained_gaps(named, truth, first_step=first_step).values())
    sums = np.zeros((n_blocks, len(predictions), len(SUM_NAMES) + len(MATCHED_NAMES)))
    scored = np.zeros((n_blocks, len(predictions)), dtype=np.int64)
    missing = np.zeros((n_blocks, len(predictions)), dtype=np.int64)
    weights = np.broadcast_to(area, truth.shape)
    for block in range(n_blocks):
        steps = (block_of_step == block)[:, None, None]
        for index, predicted in enumerate(predictions):
            chosen = cells[index] & steps
            scored[block, index] = np.count_nonzero(chosen)
            missing[block, index] = np.count_nonzero(gaps[index] & steps)
            if scored[block, index]:
                sums[block, index, :len(SUM_NAMES)] = _block_sums(truth[chosen], [predicted[chosen]], weights[chosen],
                                                                  shift)[0]
            if reference is not None:
                matched = chosen & cells[reference]
                weight = weights[matched]
                sums[block, index, len(SUM_NAMES):] = (
                    weight.sum(), weight @ (predicted[matched] - truth[matched]) ** 2,
                    weight @ (predictions[reference][matched] - truth[matched]) ** 2,
                )
    return sums, scored, missing


def acc_sums(
    truth: np.ndarray, predictions: Sequence[np.ndarray], climatology: np.ndarray, area: np.ndarray,
    block_of_step: np.ndarray, n_blocks: int,
) -> np.ndarray:
    """Per block and model, the sum of the per-step ACCs where defined and their number.

    Each step's ACC is taken over the values where the model is scored (as in
    :func:`score_sums`) and the climatology is defined
    (:func:`climann.evaluation.scores.step_anomaly_correlations`).

    Parameters
    ----------
    truth : ndarray, shape (n_steps, n_lat, n_lon)
        Whole time steps (a chunk).
    predictions : sequence of ndarray, same shape
        The network's first.
    climatology : ndarray, same shape
        The training years' climatology of each step.
    area : ndarray, shape (n_lat, n_lon)
    block_of_step : ndarray of int, shape (n_steps,)
        Block of each time step, −1 for none.
    n_blocks : int

    Returns
    -------
    ndarray, shape (n_blocks, n_models, 2)
        Σ ACC_t and the number of steps t with a defined ACC.
    """
    named = {"model" if index == 0 else index: values for index, values in enumerate(predictions)}
    cells = list(scored_cells(named, truth).values())
    result = np.zeros((n_blocks, len(predictions), 2))
    for block in range(n_blocks):
        steps = block_of_step == block
        if not steps.any():
            continue
        for index, predicted in enumerate(predictions):
            step_acc = step_anomaly_correlations(predicted[steps], truth[steps], climatology[steps], area,
                                                 cells[index][steps])
            defined = np.isfinite(step_acc)
            result[block, index] = step_acc[defined].sum(), defined.sum()
    return result


def scores_from_sums(sums: np.ndarray) -> dict[str, float]:
    """``{"mse", "mae", "rmse", "bias", "r2", "corr"}`` from the nine sums (:data:`SUM_NAMES`;
    any further entries, the matched sums, are not used)."""
    named = dict(zip(SUM_NAMES, sums[:len(SUM_NAMES)], strict=True))
    total = named["w"]
    if not total > 0:
        return dict.fromkeys(METRICS, float("nan"))
    mean = {key: named[key] / total for key in SUM_NAMES[1:]}
    spread_truth = mean["w_truth2"] - mean["w_truth"] ** 2
    spread_pred = mean["w_pred2"] - mean["w_pred"] ** 2
    covariance = mean["w_pred_truth"] - mean["w_pred"] * mean["w_truth"]
    mse = mean["w_error2"]
    spread = np.sqrt(max(spread_pred, 0.0) * max(spread_truth, 0.0))
    return {
        "mse": float(mse),
        "mae": float(mean["w_abs_error"]),
        "rmse": float(np.sqrt(mse)),
        "bias": float(mean["w_error"]),
        "r2": float(1 - mse / spread_truth) if spread_truth > 0 else float("nan"),
        "corr": float(covariance / spread) if spread > 0 else float("nan"),
    }


def metrics_from_sums(
    total: ScoreSums, block_names: Sequence[str], model_names: Sequence[str]
) -> tuple[dict[str, dict[str, dict[str, float]]], dict[str, int]]:
    """The ``splits`` and ``n_samples`` entries of ``metrics.json`` (as
    :func:`climann.evaluation.scores.score_blocks` gives them) from the summed chunks: a
    baseline without any value scored in a block is left out of it."""
    splits: dict[str, dict[str, dict[str, float]]] = {}
    for block, name in enumerate(block_names):
        splits[name] = {}
        for index, model in enumerate(model_names):
            if index and not total.scored[block, index]:
                continue
            scores = {**scores_from_sums(total.sums[block, index]), "n_samples": int(total.scored[block, index])}
            acc_total, n_steps = (0.0, 0) if total.acc is None else total.acc[block, index]
            scores["acc"] = float(acc_total / n_steps) if n_steps else float("nan")
            scores["acc_n_steps"] = int(n_steps)
            if "climatology" in model_names:
                weight, error2, reference2 = total.sums[block, index, len(SUM_NAMES):]
                scores["skill_vs_climatology"] = (
                    skill_score(error2 / weight, reference2 / weight) if weight > 0 else float("nan")
                )
            splits[name][model] = scores
    return splits, {name: int(total.scored[block, 0]) for block, name in enumerate(block_names)}


def group_metrics_from_sums(
    total: ScoreSums, block_names: Sequence[str], model_names: Sequence[str], region_names: Sequence[str]
) -> dict:
    """The ``seasons`` and ``regions`` entries of ``metrics.json`` (as
    :func:`climann.evaluation.groups.season_region_metrics` gives them) from the summed
    chunks; an entry only when its sums were taken."""
    def blocks_of(sums: np.ndarray, scored: np.ndarray, acc: np.ndarray | None) -> dict:
        empty = np.zeros(len(block_names), dtype=np.int64)
        return metrics_from_sums(ScoreSums(sums, scored, empty, 0, scored * 0, acc), block_names, model_names)[0]

    metrics: dict = {}
    if total.season_sums is not None:
        by_season = {season: blocks_of(total.season_sums[:, index], total.season_scored[:, index],
                                       None if total.season_acc is None else total.season_acc[:, index])
                     for index, season in enumerate(SEASONS)}
        metrics["seasons"] = {block: {season: by_season[season][block] for season in SEASONS} for block in block_names}
    if total.region_sums is not None:
        by_region = {region: blocks_of(total.region_sums[index], total.region_scored[index],
                                       None if total.region_acc is None else total.region_acc[index])
                     for index, region in enumerate(region_names)}
        metrics["regions"] = {block: {region: by_region[region][block] for region in region_names}
                              for block in block_names}
    return metrics


def counts_from_sums(
    total: ScoreSums, block_names: Sequence[str], model_names: Sequence[str]
) -> dict[str, dict[str, tuple[int, int, int]]]:
    """The ``counts`` of :func:`climann.evaluation.scores.baseline_notes` from the summed chunks."""
    return {
        block: {model: (int(total.scored[index, column]), int(total.scored[index, 0]), int(total.gaps[index, column]))
                for column, model in enumerate(model_names)}
        for index, block in enumerate(block_names)
    }


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
        where the axis lacks it (see :func:`climann.data.time_axis.previous_steps`).
    season_of_step : ndarray of int, shape (n_time,), or None
        Each step's season (:func:`climann.evaluation.seasons.season_index`): sums per
        block and season too.
    region_cells : ndarray of bool, shape (n_regions, n_lat, n_lon), or None
        Sums per block and region too.
    ranges : mapping, or None
        The model file's ``input_ranges``: with them, each chunk also flags its samples
        outside the training range (grid ``extrapolated``) and counts them
        (:func:`extrapolation_series`).
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

    @property
    def grid_names(self) -> tuple[str, ...]:
        """The grids of each chunk: ``truth``, the models, and ``extrapolated`` with ranges."""
        return ("truth", *self.models, *(("extrapolated",) if self.ranges is not None else ()))

    @property
    def series_names(self) -> tuple[str, ...]:
        """The series of each chunk: the area means of truth and models, and with ranges the
        counts of :func:`extrapolation_series`."""
        counts = ()
        if self.ranges is not None:
            n_features = len(self.ranges["names"])
            counts = ("extrapolation:n", "extrapolation:any", *(f"extrapolation:{kind}:{column}"
                      for kind in ("outside", "low", "high") for column in range(n_features)))
        return ("truth", *self.models, *counts)


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


def _previous_step(context: ChunkEvaluation, start: int) -> np.ndarray:
    """The truth at step ``start − 1`` (NaN before the first step): persistence's overlap."""
    n_lat, n_lon = context.source.layout.shape[1:]
    if start == 0:
        return np.full((1, n_lat, n_lon), np.nan)
    samples = read_samples(context.source, start - 1, start)
    return local_grid(samples.target[:, 0].astype(np.float64), samples, start - 1, start)


def area_means(grids: dict[str, np.ndarray], area: np.ndarray) -> dict[str, np.ndarray]:
    """The area-weighted mean of each time step of every grid, over the cells where the truth
    and the network's prediction are both present (the run's area-mean series figure)."""
    common = np.isfinite(grids["truth"]) & np.isfinite(grids["model"])
    return {name: area_weighted_mean(np.where(common, grid, np.nan), area) for name, grid in grids.items()}


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
        :func:`area_means` of the grids (and, with ``context.ranges``, the
        :func:`extrapolation_series`).
    """
    samples = read_samples(context.source, start, stop)
    scaled = context.input_scaler.transform(samples.inputs, context.network.dtype)
    predicted = context.target_scaler.inverse_transform(context.network.predict(scaled))
    truth = local_grid(samples.target[:, 0].astype(np.float64), samples, start, stop)
    grids = {"truth": truth, "model": local_grid(predicted[:, 0], samples, start, stop)}
    for name in context.models[1:]:
        if name == "climatology":
            grids[name] = context.climatology[context.season_index[start:stop]]
        elif name == "linear":
            grids[name] = local_grid(context.linear.predict(scaled)[:, 0], samples, start, stop)
        elif name == "persistence":
            # the previous step by time is the previous array step, or missing (a gap)
            grids[name] = np.concatenate([_previous_step(context, start), truth[:-1]])
            grids[name][context.previous[start:stop] < 0] = np.nan
    blocks, area = context.block_of_step[start:stop], context.source.layout.cell_area_weights()
    reference = context.models.index("climatology") if "climatology" in context.models else None
    predictions = [grids[name] for name in context.models]
    sums, scored, gaps = score_sums(truth, predictions, area, blocks, context.n_blocks,
                                    shift=context.shift, reference=reference, first_step=start == 0)
    acc, climatology = None, None
    if context.climatology is not None:
        climatology = context.climatology[context.season_index[start:stop]]
        acc = acc_sums(truth, predictions, climatology, area, blocks, context.n_blocks)
    step_of_sample = samples.layout.time_index(samples.flat_index) - start
    in_block = blocks[step_of_sample]
    counts = np.bincount(in_block[in_block >= 0], minlength=context.n_blocks)
    groups = _group_sums(context, predictions, truth, climatology, area, blocks, start, stop, reference)
    series = area_means(grids, area)
    if context.ranges is not None:
        grids["extrapolated"] = local_grid(
            outside_training_range(samples.inputs, np.asarray(context.ranges["min"]),
                                   np.asarray(context.ranges["max"])).any(axis=1).astype(np.float64),
            samples, start, stop)
        series.update(extrapolation_series(samples, context.ranges, start, stop))
    return grids, ScoreSums(sums, scored, counts, samples.n_dropped, gaps, acc, **groups), series


def _group_sums(
    context: ChunkEvaluation, predictions: list[np.ndarray], truth: np.ndarray, climatology: np.ndarray | None,
    area: np.ndarray, blocks: np.ndarray, start: int, stop: int, reference: int | None,
) -> dict[str, np.ndarray]:
    """The chunk's :func:`score_sums` and :func:`acc_sums` per block and season (group =
    4 · block + season) and per block over each region's cells (the truth missing outside them)."""
    groups: dict[str, np.ndarray] = {}
    n_blocks, n_models = context.n_blocks, len(predictions)
    if context.season_of_step is not None:
        seasons = context.season_of_step[start:stop]
        group = np.where((blocks >= 0) & (seasons >= 0), blocks * len(SEASONS) + seasons, -1)
        n_groups = n_blocks * len(SEASONS)
        sums, scored, _ = score_sums(truth, predictions, area, group, n_groups, shift=context.shift,
                                     reference=reference)
        groups["season_sums"] = sums.reshape(n_blocks, len(SEASONS), n_models, -1)
        groups["season_scored"] = scored.reshape(n_blocks, len(SEASONS), n_models)
        if climatology is not None:
            acc = acc_sums(truth, predictions, climatology, area, group, n_groups)
            groups["season_acc"] = acc.reshape(n_blocks, len(SEASONS), n_models, 2)
    if context.region_cells is not None:
        masked = [np.where(cells, truth, np.nan) for cells in context.region_cells]
        per_region = [score_sums(inside, predictions, area, blocks, n_blocks, shift=context.shift,
                                 reference=reference)[:2] for inside in masked]
        groups["region_sums"] = np.stack([sums for sums, _ in per_region])
        groups["region_scored"] = np.stack([scored for _, scored in per_region])
        if climatology is not None:
            groups["region_acc"] = np.stack([acc_sums(inside, predictions, climatology, area, blocks, n_blocks)
                                             for inside in masked])
    return groups
