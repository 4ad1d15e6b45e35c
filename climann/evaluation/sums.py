"""Scores from sums that add over chunks: the one route every score of a run takes.

A run's grids of truth and predictions are cut into chunks of whole time steps (in memory the
whole grid is one chunk; a streamed or cluster run has many). Each chunk gives, per block
(train, val, test) and model, weighted sums over the values where that model is scored
(:func:`scored_cells`), with cell-area weights (:func:`score_sums`, the nine sums of
:func:`climann.evaluation.metrics.value_sums` and, for the skill against climatology, the
matched sums over the values where the model and the climatology are both scored), the sum
and number of its time steps' anomaly correlations, centred and uncentred (:func:`acc_sums`),
and the same per block and season and per block and region (:func:`grid_sums`). The chunks' :class:`ScoreSums` are
added in time order; :func:`metrics_from_sums`, :func:`group_metrics_from_sums` and
:func:`counts_from_sums` turn the total into the entries of ``metrics.json``
(:func:`climann.evaluation.metrics.scores_from_sums` defines each score once).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from climann.data.dropped_targets import DroppedTargets
from climann.data.layout import steps_weights
from climann.evaluation.metrics import (
    MIN_ACC_CELLS,
    SUM_NAMES,
    anomaly_correlation_from_sums,
    anomaly_sums,
    scores_from_sums,
    skill_score,
    uncentred_anomaly_correlation_from_sums,
    value_sums,
)
from climann.evaluation.seasons import SEASONS

__all__ = [
    "ACC_SUM_NAMES", "GROUP_FIELDS", "MATCHED_NAMES", "ScoreSums", "acc_sums", "block_of_step", "counts_from_sums",
    "grid_sums", "group_metrics_from_sums", "metrics_from_sums", "network_scores", "score_sums", "scored_cells",
    "step_anomaly_correlations", "step_anomaly_sums", "unexplained_gaps", "unseen_cells",
    "weighed_values",
]

#: The sums for the skill, over the values where the model and the climatology are both scored.
MATCHED_NAMES = ("w_matched", "w_error2_matched", "w_reference_error2_matched")
#: The ACC's sums per block and model (:func:`acc_sums`): the sum of the defined per-step centred
#: ACCs and their number, the same of the uncentred ACCs, the steps with a value to correlate
#: (a scored cell with the climatology) and those with at least
#: :data:`~climann.evaluation.metrics.MIN_ACC_CELLS` such cells (the ACCs' minimum).
ACC_SUM_NAMES = ("acc", "acc_n_steps", "acc_uncentred", "acc_uncentred_n_steps", "steps_with_values",
                 "steps_with_enough_cells")
#: The sums per season and per region of :class:`ScoreSums` (None when not taken).
GROUP_FIELDS = ("season_sums", "season_scored", "season_acc", "region_sums", "region_scored", "region_acc")
#: The cells of :class:`ScoreSums` (None when not taken).
CELL_FIELDS = ("cells_scored", "cells_with_reference")


def scored_cells(predictions: Mapping[str, np.ndarray], truth: np.ndarray) -> dict[str, np.ndarray]:
    """Where each prediction is scored, bool arrays of the truth's shape: the network where
    the truth and its prediction are present, every other prediction there and where it is
    present itself."""
    network = np.isfinite(truth) & np.isfinite(predictions["model"])
    return {name: network if name == "model" else network & np.isfinite(values) for name, values in predictions.items()}


def unexplained_gaps(
    predictions: Mapping[str, np.ndarray], truth: np.ndarray, *, first_step: bool | np.ndarray = True
) -> dict[str, np.ndarray]:
    """Where each prediction lacks a value the network has, bool arrays of the truth's shape,
    except at a series' very first time step (persistence has no step before it, as
    expected): the arrays' first step when ``first_step`` is True, or the steps it lists
    (indices into the arrays: the first step of each block of ``split_files``, each its own
    series, :meth:`~climann.data.layout.GridLayout.time_segment_starts`)."""
    cells = scored_cells(predictions, truth)
    gaps = {name: cells["model"] & ~mask for name, mask in cells.items()}
    starts = (np.arange(1 if first_step else 0) if isinstance(first_step, (bool, np.bool_))
              else np.asarray(first_step, np.int64))
    for mask in gaps.values():
        mask[starts] = False
    return gaps


def step_anomaly_sums(
    predicted: np.ndarray, truth: np.ndarray, climatology: np.ndarray, area: np.ndarray, where: np.ndarray
) -> np.ndarray:
    """The area-weighted anomaly sums of each time step
    (:func:`~climann.evaluation.metrics.anomaly_sums`) over the step's values ``where`` the
    climatology is defined too: what both forms of the ACC are computed from.

    Parameters
    ----------
    predicted, truth, climatology : ndarray, shape (n_time, n_lat, n_lon)
        The anomalies are ŷ − climatology and y − climatology.
    area : ndarray, shape (n_lat, n_lon), or (n_time, n_lat, n_lon) (weights that change with time)
    where : ndarray of bool, shape (n_time, n_lat, n_lon)
        The values scored.

    Returns
    -------
    ndarray, shape (n_time, 7)
        In the order of :data:`~climann.evaluation.metrics.ANOMALY_SUM_NAMES`.
    """
    chosen = where & np.isfinite(climatology)
    n_time = chosen.shape[0]
    predicted_anomaly = np.where(chosen, predicted - climatology, np.nan).reshape(n_time, -1)
    truth_anomaly = np.where(chosen, truth - climatology, np.nan).reshape(n_time, -1)
    area = np.asarray(area, np.float64)  # (n_lat, n_lon), or one grid of weights per step
    return anomaly_sums(predicted_anomaly, truth_anomaly,
                        area.reshape(n_time, -1) if area.ndim == 3 else area.reshape(-1))


def step_anomaly_correlations(
    predicted: np.ndarray, truth: np.ndarray, climatology: np.ndarray, area: np.ndarray, where: np.ndarray,
    *, centred: bool = True,
) -> np.ndarray:
    """The area-weighted anomaly correlation of each time step over the step's values
    ``where`` the climatology is defined too (:func:`step_anomaly_sums`): centred
    (:func:`~climann.evaluation.metrics.anomaly_correlation_from_sums`) or uncentred
    (:func:`~climann.evaluation.metrics.uncentred_anomaly_correlation_from_sums`).

    Parameters
    ----------
    predicted, truth, climatology, area, where
        As for :func:`step_anomaly_sums`.
    centred : bool
        The centred ACC (default) or the uncentred one (WeatherBench 2's).

    Returns
    -------
    ndarray, shape (n_time,)
        NaN where undefined (fewer than :data:`~climann.evaluation.metrics.MIN_ACC_CELLS`
        cells; for the centred ACC also no variance).
    """
    sums = step_anomaly_sums(predicted, truth, climatology, area, where)
    return anomaly_correlation_from_sums(sums) if centred else uncentred_anomaly_correlation_from_sums(sums)


@dataclass(frozen=True)
class ScoreSums:
    """Weighted sums per block and model (see the module's description), and counts.

    Attributes
    ----------
    sums : ndarray, shape (n_blocks, n_models, 12)
        In the order of :data:`~climann.evaluation.metrics.SUM_NAMES` then :data:`MATCHED_NAMES`.
    scored : ndarray of int, shape (n_blocks, n_models)
        Values scored for each model (see :func:`scored_cells`).
    samples : ndarray of int, shape (n_blocks,)
        Samples (target and every feature present).
    n_dropped : int
        Grid points without target or some feature.
    gaps : ndarray of int, shape (n_blocks, n_models)
        The network's values each model lacks, beyond the series' first time step
        (:func:`unexplained_gaps`).
    acc : ndarray, shape (n_blocks, n_models, 6), or None
        The ACC's sums in the order of :data:`ACC_SUM_NAMES` (:func:`acc_sums`); None without a
        climatology.
    season_sums, season_scored, season_acc : ndarray, shape (n_blocks, 4, n_models, 12), (n_blocks, 4, n_models)
        and (n_blocks, 4, n_models, 6), or None
        ``sums``, ``scored`` and ``acc`` of each block's steps in each season (DJF, MAM, JJA, SON).
    region_sums, region_scored, region_acc : ndarray, shape (n_regions, n_blocks, n_models, 12), (n_regions,
        n_blocks, n_models) and (n_regions, n_blocks, n_models, 6), or None
        ``sums``, ``scored`` and ``acc`` over each region's cells.
    dropped_targets : DroppedTargets or None
        The target's values a missing feature dropped (:mod:`climann.data.dropped_targets`), added
        over chunks; None when not counted.
    cells_scored, cells_with_reference : ndarray of bool, shape (n_blocks, n_lat, n_lon), or None
        With a climatology among the models: the cells where the network is scored at some
        step of each block, and where the climatology is scored too at some step of it; added
        over chunks as a logical or (``+`` of booleans). Their difference counts the cells the
        training years never saw (:func:`unseen_cells`). None without a climatology.
    """

    sums: np.ndarray
    scored: np.ndarray
    samples: np.ndarray
    n_dropped: int
    gaps: np.ndarray
    acc: np.ndarray | None = None
    season_sums: np.ndarray | None = None
    season_scored: np.ndarray | None = None
    season_acc: np.ndarray | None = None
    region_sums: np.ndarray | None = None
    region_scored: np.ndarray | None = None
    region_acc: np.ndarray | None = None
    cells_scored: np.ndarray | None = None
    cells_with_reference: np.ndarray | None = None
    dropped_targets: DroppedTargets | None = None

    def __add__(self, other: ScoreSums) -> ScoreSums:
        acc = None if self.acc is None or other.acc is None else self.acc + other.acc
        groups = {name: None if getattr(self, name) is None or getattr(other, name) is None
                  else getattr(self, name) + getattr(other, name) for name in (*GROUP_FIELDS, *CELL_FIELDS)}
        dropped = (other.dropped_targets if self.dropped_targets is None else self.dropped_targets
                   if other.dropped_targets is None else self.dropped_targets.merged(other.dropped_targets))
        return ScoreSums(self.sums + other.sums, self.scored + other.scored, self.samples + other.samples,
                         self.n_dropped + other.n_dropped, self.gaps + other.gaps, acc, **groups,
                         dropped_targets=dropped)


def block_of_step(time_masks: Mapping[str, np.ndarray]) -> np.ndarray:
    """Each time step's block as an index into ``time_masks`` (in its order), −1 for none.

    Parameters
    ----------
    time_masks : mapping of block name to ndarray of bool, shape (n_time,)

    Returns
    -------
    ndarray of int, shape (n_time,)

    Raises
    ------
    ValueError
        If two blocks share a time step (the sums need each step in one block at most).
    """
    masks = [np.asarray(mask, bool) for mask in time_masks.values()]
    if sum(mask.astype(np.int64) for mask in masks).max(initial=0) > 1:
        raise ValueError(f"the blocks {', '.join(time_masks)} overlap: each time step can be in one block only")
    index = np.full(masks[0].shape[0] if masks else 0, -1, dtype=np.int64)
    for position, mask in enumerate(masks):
        index[mask] = position
    return index


def score_sums(
    truth: np.ndarray, predictions: Sequence[np.ndarray], area: np.ndarray, block_of_step: np.ndarray, n_blocks: int,
    *, shift: float = 0.0, reference: int | None = None, first_step: bool | np.ndarray = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sums per block and model, each model over the values where it is scored.

    Parameters
    ----------
    truth : ndarray, shape (n_steps, n_lat, n_lon)
    predictions : sequence of ndarray, same shape
        The network's first.
    area : ndarray, shape (n_lat, n_lon), or (n_steps, n_lat, n_lon) (each step's)
    block_of_step : ndarray of int, shape (n_steps,)
        Block of each time step, −1 for none.
    n_blocks : int
    shift : float
        Subtracted from truth and predictions before the sums (it cancels in every score).
    reference : int, optional
        Index of the climatology in ``predictions``, for the skill's matched sums.
    first_step : bool or ndarray of int
        Whether the chunk begins the series (its first step then counts in no gap), or the
        chunk's steps that begin a series (:func:`unexplained_gaps`).

    Returns
    -------
    sums : ndarray, shape (n_blocks, n_models, 12)
        :data:`~climann.evaluation.metrics.SUM_NAMES` then :data:`MATCHED_NAMES` (zero without ``reference``).
    scored : ndarray of int, shape (n_blocks, n_models)
    gaps : ndarray of int, shape (n_blocks, n_models)
    """
    named = {"model" if index == 0 else index: values for index, values in enumerate(predictions)}
    cells = list(scored_cells(named, truth).values())
    gaps = list(unexplained_gaps(named, truth, first_step=first_step).values())
    sums = np.zeros((n_blocks, len(predictions), len(SUM_NAMES) + len(MATCHED_NAMES)))
    scored = np.zeros((n_blocks, len(predictions)), dtype=np.int64)
    missing = np.zeros((n_blocks, len(predictions)), dtype=np.int64)
    for block in range(n_blocks):
        steps = np.flatnonzero(block_of_step == block)  # the block's steps only: each value is read once
        if not steps.size:
            continue
        observed = truth[steps]
        weights = np.broadcast_to(steps_weights(area, steps), observed.shape)
        for index, predicted in enumerate(predictions):
            chosen, predicted = cells[index][steps], predicted[steps]
            scored[block, index] = np.count_nonzero(chosen)
            missing[block, index] = np.count_nonzero(gaps[index][steps])
            if scored[block, index]:
                sums[block, index, :len(SUM_NAMES)] = value_sums(predicted[chosen], observed[chosen],
                                                                 weights[chosen], shift=shift)
            if reference is not None:
                matched = chosen & cells[reference][steps]
                weight = weights[matched]
                sums[block, index, len(SUM_NAMES):] = (
                    weight.sum(), (weight * (predicted[matched] - observed[matched]) ** 2).sum(),
                    (weight * (predictions[reference][steps][matched] - observed[matched]) ** 2).sum(),
                )
    return sums, scored, missing


def acc_sums(
    truth: np.ndarray, predictions: Sequence[np.ndarray], climatology: np.ndarray, area: np.ndarray,
    block_of_step: np.ndarray, n_blocks: int,
) -> np.ndarray:
    """Per block and model, the ACC's sums that add over chunks (:data:`ACC_SUM_NAMES`): the
    sum of the per-step centred ACCs where defined and their number, the same of the
    uncentred ACCs, and the steps with a value to correlate and with enough cells for the
    centred ACC.

    Each step's ACCs are taken over the values where the model is scored (as in
    :func:`score_sums`) and the climatology is defined (:func:`step_anomaly_sums`), from the
    same sums: :func:`~climann.evaluation.metrics.anomaly_correlation_from_sums` and
    :func:`~climann.evaluation.metrics.uncentred_anomaly_correlation_from_sums`.

    Parameters
    ----------
    truth : ndarray, shape (n_steps, n_lat, n_lon)
        Whole time steps (a chunk).
    predictions : sequence of ndarray, same shape
        The network's first.
    climatology : ndarray, same shape
        The training years' climatology of each step.
    area : ndarray, shape (n_lat, n_lon), or (n_steps, n_lat, n_lon) (each step's)
    block_of_step : ndarray of int, shape (n_steps,)
        Block of each time step, −1 for none.
    n_blocks : int

    Returns
    -------
    ndarray, shape (n_blocks, n_models, 6)
        In the order of :data:`ACC_SUM_NAMES`: Σ ACC_t and the number of steps t with a
        defined centred ACC, the same for the uncentred ACC, the steps with at least one cell
        and those with at least :data:`~climann.evaluation.metrics.MIN_ACC_CELLS` cells.
    """
    named = {"model" if index == 0 else index: values for index, values in enumerate(predictions)}
    cells = list(scored_cells(named, truth).values())
    result = np.zeros((n_blocks, len(predictions), len(ACC_SUM_NAMES)))
    for block in range(n_blocks):
        steps = block_of_step == block
        if not steps.any():
            continue
        for index, predicted in enumerate(predictions):
            sums = step_anomaly_sums(predicted[steps], truth[steps], climatology[steps], steps_weights(area, steps),
                                     cells[index][steps])
            centred = anomaly_correlation_from_sums(sums)
            uncentred = uncentred_anomaly_correlation_from_sums(sums)
            defined, defined_uncentred = np.isfinite(centred), np.isfinite(uncentred)
            count = sums[:, 0]
            result[block, index] = (centred[defined].sum(), defined.sum(), uncentred[defined_uncentred].sum(),
                                    defined_uncentred.sum(), (count >= 1).sum(), (count >= MIN_ACC_CELLS).sum())
    return result


def grid_sums(
    truth: np.ndarray, predictions: Sequence[np.ndarray], area: np.ndarray, block_of_step: np.ndarray, n_blocks: int,
    *, shift: float = 0.0, reference: int | None = None, climatology: np.ndarray | None = None,
    first_step: bool | np.ndarray = False, season_of_step: np.ndarray | None = None,
    region_cells: np.ndarray | None = None, samples: np.ndarray | None = None, n_dropped: int = 0,
) -> ScoreSums:
    """The :class:`ScoreSums` of a chunk's grids (whole time steps; in memory, the whole grid).

    Parameters
    ----------
    truth : ndarray, shape (n_steps, n_lat, n_lon)
        NaN where missing.
    predictions : sequence of ndarray, same shape
        The network's first, then the baselines; NaN where missing or undefined.
    area : ndarray, shape (n_lat, n_lon), or (n_steps, n_lat, n_lon)
        Cell areas; each step's when they change with time (a mean where sea ice:
        :meth:`~climann.data.layout.GridLayout.cell_area_weights`).
    block_of_step : ndarray of int, shape (n_steps,)
        Block of each step (see :func:`block_of_step`), −1 for none.
    n_blocks : int
    shift, reference, first_step
        As for :func:`score_sums`.
    climatology : ndarray, shape (n_steps, n_lat, n_lon), optional
        The reference of the anomalies of the ACC; without it, no ACC sums.
    season_of_step : ndarray of int, shape (n_steps,), optional
        Each step's season (:func:`climann.evaluation.seasons.season_index`): sums per block and
        season too.
    region_cells : ndarray of bool, shape (n_regions, n_lat, n_lon), optional
        Sums per block over each region's cells too (the truth missing outside them).
    samples : ndarray of int, shape (n_blocks,), optional
        The samples read in each block; default: the network's values scored.
    n_dropped : int
        Grid points without target or some feature.
    """
    truth = weighed_values(truth, area)
    sums, scored, gaps = score_sums(truth, predictions, area, block_of_step, n_blocks, shift=shift,
                                    reference=reference, first_step=first_step)
    acc = None if climatology is None else acc_sums(truth, predictions, climatology, area, block_of_step, n_blocks)
    groups: dict[str, np.ndarray] = {}
    n_models = len(predictions)
    if season_of_step is not None:
        group = np.where((block_of_step >= 0) & (season_of_step >= 0), block_of_step * len(SEASONS) + season_of_step,
                         -1)
        n_groups = n_blocks * len(SEASONS)
        season, season_scored, _ = score_sums(truth, predictions, area, group, n_groups, shift=shift,
                                              reference=reference)
        groups["season_sums"] = season.reshape(n_blocks, len(SEASONS), n_models, -1)
        groups["season_scored"] = season_scored.reshape(n_blocks, len(SEASONS), n_models)
        if climatology is not None:
            groups["season_acc"] = acc_sums(truth, predictions, climatology, area, group, n_groups).reshape(
                n_blocks, len(SEASONS), n_models, len(ACC_SUM_NAMES))
    if region_cells is not None:
        masked = [np.where(cells, truth, np.nan) for cells in region_cells]
        per_region = [score_sums(inside, predictions, area, block_of_step, n_blocks, shift=shift,
                                 reference=reference)[:2] for inside in masked]
        groups["region_sums"] = np.stack([region for region, _ in per_region])
        groups["region_scored"] = np.stack([region_scored for _, region_scored in per_region])
        if climatology is not None:
            groups["region_acc"] = np.stack([acc_sums(inside, predictions, climatology, area, block_of_step, n_blocks)
                                             for inside in masked])
    if reference is not None:
        groups.update(zip(CELL_FIELDS, block_cells(truth, predictions, block_of_step, n_blocks, reference=reference)))
    return ScoreSums(sums, scored, scored[:, 0].copy() if samples is None else samples, n_dropped, gaps, acc,
                     **groups)


def weighed_values(truth: np.ndarray, area: np.ndarray) -> np.ndarray:
    """``truth`` with NaN where its weight is zero (or not a number): the values a score can count.

    A value of zero weight adds nothing to any weighted sum (a cell of no sea for a target that
    is a mean "where sea", weighed by area × sea fraction; no sea ice at a step for one "where
    sea_ice"), yet counted as scored it entered ``n_samples`` and the cells behind the ACC's
    minimum of :data:`~climann.evaluation.metrics.MIN_ACC_CELLS` (fix37b: a step of 3 cells
    with sea ice among 40 of none had an ACC "over 43 cells"). Left out here, it is counted
    nowhere, as a missing value is; a baseline undefined only there gets no note either.

    Parameters
    ----------
    truth : ndarray, shape (n_steps, n_lat, n_lon)
    area : ndarray, shape (n_lat, n_lon) or (n_steps, n_lat, n_lon)
        The weights of the scores (cell areas, times a fraction for a mean over part of a cell).

    Returns
    -------
    ndarray, shape (n_steps, n_lat, n_lon)
        ``truth`` itself when every weight is positive.
    """
    weighs = np.asarray(area) > 0  # (NaN > 0 is False)
    if weighs.all():
        return truth
    return np.where(np.broadcast_to(weighs, truth.shape), truth, np.nan)


def block_cells(truth: np.ndarray, predictions: Sequence[np.ndarray], block_of_step: np.ndarray, n_blocks: int, *,
                reference: int) -> tuple[np.ndarray, np.ndarray]:
    """The cells where the network is scored at some step of each block, and those where the
    model ``reference`` (the climatology) is scored too at some step of it.

    Parameters
    ----------
    truth, predictions, block_of_step, n_blocks, reference
        As for :func:`score_sums`.

    Returns
    -------
    cells_scored, cells_with_reference : ndarray of bool, shape (n_blocks, n_lat, n_lon)
    """
    named = {"model" if index == 0 else index: values for index, values in enumerate(predictions)}
    cells = scored_cells(named, truth)
    network, with_reference = cells["model"], cells[reference]
    shape = (n_blocks, *truth.shape[1:])
    scored, referenced = np.zeros(shape, dtype=bool), np.zeros(shape, dtype=bool)
    for block in range(n_blocks):
        steps = np.flatnonzero(block_of_step == block)
        if steps.size:
            scored[block], referenced[block] = network[steps].any(axis=0), with_reference[steps].any(axis=0)
    return scored, referenced


def unseen_cells(total: ScoreSums, block_names: Sequence[str]) -> dict[str, tuple[int, int]]:
    """Per block, the cells where the network is scored but the climatology at none of the
    block's steps — the training years have no value there for any of them (a cell of sea ice
    that was land or open water all through them) — and the cells where the network is scored,
    ``{block: (n_unseen, n_scored)}``; empty without a climatology among the models."""
    if total.cells_scored is None or total.cells_with_reference is None:
        return {}
    unseen = total.cells_scored & ~total.cells_with_reference
    return {block: (int(unseen[index].sum()), int(total.cells_scored[index].sum()))
            for index, block in enumerate(block_names)}


def metrics_from_sums(
    total: ScoreSums, block_names: Sequence[str], model_names: Sequence[str]
) -> tuple[dict[str, dict[str, dict[str, float]]], dict[str, int]]:
    """The ``splits`` and ``n_samples`` entries of ``metrics.json`` from the summed chunks.

    Per block and model: :func:`~climann.evaluation.metrics.scores_from_sums`, ``n_samples``
    (the values scored), ``acc`` (the mean of the block's defined per-step centred ACCs, NaN
    without one) and ``acc_n_steps``, ``acc_uncentred`` and ``acc_uncentred_n_steps`` (the same
    of the uncentred ACC, WeatherBench 2's), and with a ``climatology`` model ``skill_vs_climatology`` =
    1 − MSE/MSE_climatology over the values both are scored on (NaN without any, or where the
    climatology's MSE is within rounding of 0: :func:`~climann.evaluation.metrics.skill_score`), with
    those two MSEs, ``skill_mse`` and ``skill_climatology_mse`` (NaN without any value): ``mse`` is over
    the model's own values and the climatology's ``mse`` over its own, which differ where one of the two
    is undefined (persistence at the first step, the climatology at a cell the training years never
    had), and the skill is then not 1 − the one over the other. A baseline without any value scored in
    a block is left out of it.

    Returns
    -------
    splits : dict
        ``{block: {model: scores}}``.
    n_samples : dict
        ``{block: the network's values scored}``.
    """
    splits: dict[str, dict[str, dict[str, float]]] = {}
    for block, name in enumerate(block_names):
        splits[name] = {}
        for index, model in enumerate(model_names):
            if index and not total.scored[block, index]:
                continue
            scores = {**scores_from_sums(total.sums[block, index]), "n_samples": int(total.scored[block, index])}
            acc = np.zeros(len(ACC_SUM_NAMES)) if total.acc is None else total.acc[block, index]
            for score in ("acc", "acc_uncentred"):
                acc_total, n_steps = acc[ACC_SUM_NAMES.index(score)], acc[ACC_SUM_NAMES.index(f"{score}_n_steps")]
                scores[score] = float(acc_total / n_steps) if n_steps else float("nan")
                scores[f"{score}_n_steps"] = int(n_steps)
            if "climatology" in model_names:
                weight, error2, reference2 = total.sums[block, index, len(SUM_NAMES):]
                own = total.sums[block, index]
                mean_square = own[SUM_NAMES.index("w_truth2")] / own[0] if own[0] > 0 else 0.0
                scores["skill_vs_climatology"] = (
                    skill_score(error2 / weight, reference2 / weight, mean_square=mean_square) if weight > 0
                    else float("nan")
                )
                # the two MSEs the skill is of: its own ``mse`` and the climatology's are each over their own values
                scores["skill_mse"] = float(error2 / weight) if weight > 0 else float("nan")
                scores["skill_climatology_mse"] = float(reference2 / weight) if weight > 0 else float("nan")
            splits[name][model] = scores
    return splits, {name: int(total.scored[block, 0]) for block, name in enumerate(block_names)}


def group_metrics_from_sums(
    total: ScoreSums, block_names: Sequence[str], model_names: Sequence[str], region_names: Sequence[str], *,
    seasons: Sequence[str] = tuple(SEASONS),
) -> dict:
    """The ``seasons`` (``{block: {season: {model: scores}}}``) and ``regions``
    (``{block: {region: {model: scores}}}``) entries of ``metrics.json`` from the summed
    chunks, each as :func:`metrics_from_sums`; an entry only when its sums were taken.
    ``seasons``: those the time axis holds (:func:`climann.evaluation.seasons.axis_seasons`),
    each block keyed by them all."""
    def blocks_of(sums: np.ndarray, scored: np.ndarray, acc: np.ndarray | None) -> dict:
        empty = np.zeros(len(block_names), dtype=np.int64)
        return metrics_from_sums(ScoreSums(sums, scored, empty, 0, scored * 0, acc), block_names, model_names)[0]

    metrics: dict = {}
    if total.season_sums is not None:
        by_season = {season: blocks_of(total.season_sums[:, index], total.season_scored[:, index],
                                       None if total.season_acc is None else total.season_acc[:, index])
                     for index, season in enumerate(SEASONS) if season in seasons}
        metrics["seasons"] = {block: {season: by_season[season][block] for season in by_season}
                              for block in block_names}
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
    """The ``counts`` of :func:`climann.evaluation.scores.baseline_notes` from the summed chunks:
    per block and model, (values scored, the network's values scored, the network's values the
    model lacks beyond the series' first step)."""
    return {
        block: {model: (int(total.scored[index, column]), int(total.scored[index, 0]), int(total.gaps[index, column]))
                for column, model in enumerate(model_names)}
        for index, block in enumerate(block_names)
    }


def network_scores(total: ScoreSums) -> dict[str, float]:
    """The network's scores in the first block of ``total`` (``climann predict``'s scores,
    every time step one block): :func:`~climann.evaluation.metrics.scores_from_sums` and
    ``n_samples``, the values scored."""
    return {**scores_from_sums(total.sums[0, 0]), "n_samples": int(total.scored[0, 0])}
