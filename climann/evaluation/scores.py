"""Scores on the grid: per split with area weights, per grid cell over time, per time step.

Every score of a block comes from the weighted sums of :mod:`climann.evaluation.sums`: here
the grid in memory is one chunk (:func:`whole_grid_sums`), and :func:`metrics_from_score_sums`
turns the sums into the entries of ``metrics.json``, for a run in memory, streamed or on a
cluster alike.

The network is scored wherever the truth and its prediction are both present. Each baseline
is scored on those of the network's values where it is defined too: a baseline can be
undefined there (the climatology of a day of year the training years never saw; persistence
after a gap in the time axis), and that never removes a value from the network's scores. A
baseline defined on none of a block's values is left out of that block; one defined on part
of them is scored there with its own ``n_samples``; both get a note (:func:`baseline_notes`).
The skill against climatology compares the two on the values where both are defined.

The anomaly correlation (ACC, :func:`~climann.evaluation.sums.acc_sums`) of each prediction is taken
on the same values, less those where the climatology it measures anomalies from is undefined,
in two forms: centred (``acc``) and uncentred (``acc_uncentred``, WeatherBench 2's; see
:mod:`climann.evaluation.metrics`). Climatology's own ACC is undefined (its anomaly is zero),
and neither ACC is taken over fewer than
:data:`~climann.evaluation.metrics.MIN_ACC_CELLS` cells; :func:`acc_notes` gives the reason
for every undefined ACC.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from climann.data.layout import steps_weights
from climann.data.pointwise import area_weighted_mean
from climann.data.time_axis import MONTHS_SELECTION
from climann.evaluation.baselines import persistence_left_out_reason  # noqa: F401 (re-exported: moved)
from climann.evaluation.extrapolation import percent_text
from climann.evaluation.metrics import (
    MIN_ACC_CELLS,
    mean_anomaly_correlation,
    nanmean_over_time,
    temporal_anomaly_correlation,
)
from climann.evaluation.seasons import SEASONS
from climann.evaluation.sums import (  # noqa: F401 (scored_cells … step_anomaly_correlations: re-exported)
    ACC_SUM_NAMES,
    ScoreSums,
    block_of_step,
    counts_from_sums,
    grid_sums,
    metrics_from_sums,
    scored_cells,
    step_anomaly_correlations,
    unexplained_gaps,
    unseen_cells,
)

#: Why a baseline has no value where the network has one (``{season}``: "day of year and
#: hour", "day of year", "week of the year" … or "calendar month", see
#: :func:`climann.evaluation.baselines.climatology_keys`).
UNDEFINED_REASONS = {
    "climatology": "the training years have no value for that cell and {season}",
    "persistence": ("there is no value one time step earlier among the values read (the first step of the data, "
                    "of a block of --split-files (its own series) or of the period chosen with --time-range, a gap "
                    "in the time axis, a missing value, or a training value not sampled with sample_fraction)"),
    "linear": "a feature is missing",
}
#: Why persistence has no value in a block where the run's time selection left out the month
#: before some steps (:func:`~climann.evaluation.baselines.blocks_after_months_left_out`).
PERSISTENCE_SELECTION_REASON = (
    f"there is no value one time step earlier among the values read (a month {MONTHS_SELECTION} leaves out, the "
    "first step of the data, of a block of --split-files (its own series) or of the period chosen with --time-range, "
    "a gap in the time axis, a missing value, or a training value not sampled with sample_fraction)")
#: Why persistence has no value in a run on a forecast at one lead, whose persistence is the value
#: observed before each forecast's start (:func:`~climann.evaluation.baselines.forecast_persistence`):
#: ``before`` is :attr:`~climann.evaluation.baselines.ForecastPersistence.before`.
#: The target's steps before the variables' common period are read for it (:mod:`climann.data.earlier_steps`,
#: fix48a): the note is left for the values the files lack (it named a ``--time-range`` a lead later as
#: the way to read them, break47e B3).
FORECAST_PERSISTENCE_REASON = (
    "there is no value of {before} among the values read (before the first step the target's files hold or "
    "steps_before_range reads, a gap in the time axis, a missing value, or a training value not sampled with "
    "sample_fraction): a forecast's persistence is what was observed before it was issued")
#: Why a prediction's ACC (centred or uncentred) is undefined in a block (see :func:`acc_notes`).
ACC_UNDEFINED_REASONS = {
    "climatology": "its anomaly from the climatology is zero everywhere, so the anomaly correlation is 0/0",
    "no climatology": ("there is no climatology of the training years to take anomalies from (scoring other data "
                       "does not read the training data; a run with [data] target_anomaly = true saves it)"),
    "nothing scored": "no value is scored there",
    "few cells": (f"at every time step fewer than {MIN_ACC_CELLS} scored cells have the training years' "
                  "climatology: a correlation over so few points is mostly sampling noise (over 2 cells the centred "
                  "ACC is +1 or -1 at every step, on 1 cell the uncentred ACC is the sign of the product of the "
                  "anomalies, a sign rather than a skill)"),
    "other": (f"no time step has the training years' climatology on at least {MIN_ACC_CELLS} scored cells "
              "with anomalies that vary"),
    "other uncentred": (f"no time step has the training years' climatology on at least {MIN_ACC_CELLS} scored "
                        "cells with anomalies of the truth and of the prediction that are not zero everywhere"),
}
#: How the notes name the scores of ``score_notes``.
SCORE_LABELS = {"acc": "ACC", "acc_uncentred": "uncentred ACC"}


def score_blocks(
    predictions: Mapping[str, np.ndarray],
    truth: np.ndarray,
    area: np.ndarray,
    time_masks: Mapping[str, np.ndarray],
    *,
    climatology: np.ndarray | None = None,
    cells: np.ndarray | None = None,
) -> dict[str, dict[str, dict[str, float]]]:
    """Area-weighted scores of every prediction on every block, with skill against climatology.

    Each prediction is scored on its :func:`scored_cells`; a baseline without any there in a
    block is left out of the block. ``skill_vs_climatology`` = 1 − MSE/MSE_climatology, both
    over the values where the prediction and the climatology are scored (NaN when the
    climatology is left out of the block). ``acc`` is the mean over the block's time steps of
    the centred anomaly correlation (:func:`~climann.evaluation.sums.step_anomaly_correlations`),
    ``acc_n_steps`` the number of steps where it is defined; ``acc_uncentred`` and
    ``acc_uncentred_n_steps`` the same of the uncentred one. Computed from the sums of the grid
    as one chunk (:func:`whole_grid_sums`, :func:`~climann.evaluation.sums.metrics_from_sums`).

    Parameters
    ----------
    predictions : mapping of name to ndarray, shape (n_time, n_lat, n_lon)
        ``"model"`` (the network) and baselines, e.g. ``"climatology"``, ``"linear"``; NaN
        where missing or undefined.
    truth : ndarray, shape (n_time, n_lat, n_lon)
    area : ndarray, shape (n_lat, n_lon), or (n_time, n_lat, n_lon) (each step's)
        Cell areas.
    time_masks : mapping of block name to ndarray of bool, shape (n_time,)
        The time steps of each block (a block's steps of one season, for scores per season).
    climatology : ndarray, shape (n_time, n_lat, n_lon), optional
        The training years' climatology of each step (NaN where undefined), the reference of
        the anomalies; default: ``predictions["climatology"]``, and without it every ACC is NaN.
    cells : ndarray of bool, shape (n_lat, n_lon), optional
        Score only these grid cells (a region, see :mod:`climann.evaluation.regions`),
        for every prediction; default: the whole grid.

    Returns
    -------
    dict
        ``{block: {name: {"mse", "mae", "rmse", "bias", "r2", "corr", "n_samples", "acc", "acc_n_steps",
        "acc_uncentred", "acc_uncentred_n_steps" [, "skill_vs_climatology"]}}}``, ``n_samples`` the
        number of values scored.
    """
    total, names = whole_grid_sums(predictions, truth, area, time_masks, climatology=climatology, cells=cells)
    return metrics_from_sums(total, list(time_masks), names)[0]


def whole_grid_sums(
    predictions: Mapping[str, np.ndarray], truth: np.ndarray, area: np.ndarray, time_masks: Mapping[str, np.ndarray],
    *, climatology: np.ndarray | None = None, cells: np.ndarray | None = None,
    season_of_step: np.ndarray | None = None, region_cells: np.ndarray | None = None,
    series_starts: np.ndarray | None = None,
) -> tuple[ScoreSums, list[str]]:
    """The :class:`~climann.evaluation.sums.ScoreSums` of grids in memory: the whole grid as one
    chunk (:func:`~climann.evaluation.sums.grid_sums`), the values shifted by the mean of the truth the blocks hold.

    Parameters
    ----------
    predictions, truth, area, time_masks, climatology, cells
        As for :func:`score_blocks` (the blocks must not overlap).
    season_of_step, region_cells
        As for :func:`~climann.evaluation.sums.grid_sums`: sums per season and region too.
    series_starts : ndarray of int, optional
        The steps that begin a series, where a baseline's missing value is no gap (the first
        step of each block of ``split_files``); default: the first step.

    Returns
    -------
    total : ScoreSums
    model_names : list of str
        The order of the models in the sums: ``"model"`` first, then the others as given.
    """
    names = ["model", *(name for name in predictions if name != "model")]
    if cells is not None:
        truth = np.where(cells, truth, np.nan)
    reference = climatology if climatology is not None else predictions.get("climatology")
    # the mean of the values the blocks hold: steps in no block (read before the period, for persistence and
    # lags) change no score, also not by round-off (fix48a: a forecast run's corr moved in its last digit)
    in_blocks = np.logical_or.reduce([np.asarray(mask, dtype=bool) for mask in time_masks.values()]) \
        if time_masks else np.ones(truth.shape[0], dtype=bool)
    present = np.isfinite(truth) & in_blocks.reshape((-1,) + (1,) * (truth.ndim - 1))
    shift = float(truth[present].mean()) if present.any() else 0.0
    total = grid_sums(
        truth, [predictions[name] for name in names], area, block_of_step(time_masks), len(time_masks), shift=shift,
        reference=names.index("climatology") if "climatology" in names else None, climatology=reference,
        first_step=True if series_starts is None else series_starts, season_of_step=season_of_step,
        region_cells=region_cells,
    )
    return total, names


def block_anomaly_correlation(
    predicted: np.ndarray, truth: np.ndarray, climatology: np.ndarray | None, area: np.ndarray, where: np.ndarray,
    *, centred: bool = True,
) -> tuple[float, int]:
    """The ACC of a block: the mean over its time steps of :func:`step_anomaly_correlations`
    where defined. (Kept for the Python API; a run's scores add the same correlations up
    chunk by chunk, :mod:`climann.evaluation.sums`.)

    Parameters
    ----------
    predicted, truth : ndarray, shape (n_time, n_lat, n_lon)
    climatology : ndarray, shape (n_time, n_lat, n_lon), or None
        The reference of the anomalies; None: no ACC (NaN, 0 steps).
    area : ndarray, shape (n_lat, n_lon), or (n_time, n_lat, n_lon) (each step's)
    where : ndarray of bool, shape (n_time, n_lat, n_lon)
        The values scored in the block.
    centred : bool
        The centred ACC (``acc``, default) or the uncentred one (``acc_uncentred``,
        WeatherBench 2's).

    Returns
    -------
    acc : float
        NaN when no step has one.
    n_steps : int
        The steps averaged over.
    """
    steps = where.any(axis=(1, 2))
    if climatology is None or not steps.any():
        return float("nan"), 0
    return mean_anomaly_correlation(
        step_anomaly_correlations(predicted[steps], truth[steps], climatology[steps], steps_weights(area, steps),
                                  where[steps],
                                  centred=centred)
    )


def null_acc_reasons(acc: np.ndarray | None, scored: int, name: str) -> dict[str, str]:
    """Which ACCs of one block and model are undefined, and why (a key of
    :data:`ACC_UNDEFINED_REASONS`).

    Parameters
    ----------
    acc : ndarray, shape (6,), or None
        The model's ACC sums in the block (:data:`~climann.evaluation.sums.ACC_SUM_NAMES`); None
        without a climatology to take anomalies from.
    scored : int
        The model's values scored in the block.
    name : str
        The model.

    Returns
    -------
    dict
        ``{"acc" or "acc_uncentred": reason key}`` for each ACC without a defined step.
    """
    if acc is None:
        return dict.fromkeys(("acc", "acc_uncentred"), "no climatology")
    sums = dict(zip(ACC_SUM_NAMES, acc, strict=True))
    reasons = {}
    for score in ("acc", "acc_uncentred"):
        if sums[f"{score}_n_steps"]:
            continue
        if name == "climatology":
            reasons[score] = "climatology"
        elif not scored:
            reasons[score] = "nothing scored"
        elif sums["steps_with_values"] and not sums["steps_with_enough_cells"]:
            reasons[score] = "few cells"
        else:
            reasons[score] = "other uncentred" if score == "acc_uncentred" else "other"
    return reasons


def acc_notes(
    total: ScoreSums, block_names: Sequence[str], model_names: Sequence[str], *, have_climatology: bool = True,
    region_names: Sequence[str] = (),
) -> list[dict]:
    """The ``score_notes`` of ``metrics.json``: why an ACC (``acc`` or ``acc_uncentred``) is
    undefined (null), for every block and model of ``splits``, then for every season and region
    whose null has another reason than its block's (a region of 2 cells in a block whose ACC is
    defined; the climatology's zero anomaly is said once per block).

    Parameters
    ----------
    total : ScoreSums
        The run's summed chunks (:mod:`climann.evaluation.sums`).
    block_names, model_names : sequence of str
        The order of the blocks and models in ``total``.
    have_climatology : bool
        Whether there was a climatology to take anomalies from at all.
    region_names : sequence of str
        The regions of ``total``'s sums per region, in their order.

    Returns
    -------
    list of dict
        ``{"split", "model", "score", "reason"}`` each, with ``"season"`` or ``"region"`` for a
        season's or region's note (:data:`ACC_UNDEFINED_REASONS`).
    """
    def reasons(acc: np.ndarray | None, scored: np.ndarray) -> dict[tuple[str, str], dict[str, str]]:
        return {(block, name): null_acc_reasons(None if acc is None or not have_climatology else acc[b, m],
                                                int(scored[b, m]), name)
                for b, block in enumerate(block_names) for m, name in enumerate(model_names)
                if m == 0 or scored[b, m]}  # a baseline without a value scored is left out of the block

    by_block = reasons(total.acc, total.scored)
    notes = [{"split": block, "model": name, "score": score, "reason": ACC_UNDEFINED_REASONS[kind]}
             for (block, name), kinds in by_block.items() for score, kind in kinds.items()]
    groups = []
    if total.season_sums is not None:
        groups += [("season", season, None if total.season_acc is None else total.season_acc[:, index],
                    total.season_scored[:, index]) for index, season in enumerate(SEASONS)]
    if total.region_sums is not None:
        groups += [("region", region, None if total.region_acc is None else total.region_acc[index],
                    total.region_scored[index]) for index, region in enumerate(region_names)
                   if np.asarray(total.region_scored[index])[:, 0].any()]  # the others are not scored at all
    for kind_of_group, group, acc, scored in groups:
        for (block, name), kinds in reasons(acc, scored).items():
            notes += [{"split": block, kind_of_group: group, "model": name, "score": score,
                       "reason": ACC_UNDEFINED_REASONS[kind]}
                      for score, kind in kinds.items() if by_block.get((block, name), {}).get(score) != kind]
    return notes


def score_note_lines(notes: list[dict]) -> list[str]:
    """One line per reason from the ``score_notes`` of ``metrics.json``: the scores, models and
    places (the block, a season, a region) undefined in the same blocks for the same reason
    together ("ACC and uncentred ACC of climatology undefined in the train, val and test
    blocks: …", "ACC of model and persistence in regions one and two undefined in the test
    block: …")."""
    by_place: dict[tuple[str, str, tuple[str, str]], dict[str, list[str]]] = {}
    for note in notes:
        place = ("region", note["region"]) if "region" in note else ("season", note["season"]) if "season" in note \
            else ("", "")
        by_place.setdefault((note["model"], note["reason"], place), {}).setdefault(note["score"], []).append(
            note["split"])
    by_model: dict[tuple, list[str]] = {}  # (reason, scores, blocks, place) → models
    for (name, reason, place), by_score in by_place.items():
        same_blocks: dict[tuple[str, ...], list[str]] = {}
        for score, blocks in by_score.items():
            same_blocks.setdefault(tuple(blocks), []).append(SCORE_LABELS.get(score, score.upper()))
        for blocks, labels in same_blocks.items():
            by_model.setdefault((reason, tuple(labels), blocks, place), []).append(name)
    grouped: dict[tuple, list[str]] = {}  # (reason, scores, blocks, models, kind of place) → places
    for (reason, labels, blocks, (kind, place)), names in by_model.items():
        grouped.setdefault((reason, labels, blocks, tuple(names), kind), []).append(place)
    lines = []
    for (reason, labels, blocks, names, kind), places in grouped.items():
        where = f" in {kind}{'s' if len(places) > 1 else ''} {_and(places)}" if kind == "region" else \
            f" in {_and(places)}" if kind else ""
        lines.append(f"{' and '.join(labels)} of {_and(list(names))}{where} undefined in the {_listed(list(blocks))}: "
                     f"{reason}")
    return lines


def _and(words: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _listed(blocks: list[str]) -> str:
    """Blocks named in a sentence: 'train block', 'train and test blocks', 'train, val and test blocks'."""
    return f"{_and(blocks)} block{'s' if len(blocks) > 1 else ''}"


def cell_anomaly_correlation(predicted: np.ndarray, truth: np.ndarray, climatology: np.ndarray) -> np.ndarray:
    """The map of the anomaly correlation over time: each cell's Pearson correlation of
    ŷ − c and y − c over the steps given
    (:func:`~climann.evaluation.metrics.temporal_anomaly_correlation`), shape (n_lat, n_lon).

    Parameters
    ----------
    predicted, truth, climatology : ndarray, shape (n_time, n_lat, n_lon)
        NaN where missing or undefined.
    """
    return temporal_anomaly_correlation(np.asarray(predicted, np.float64) - climatology,
                                        np.asarray(truth, np.float64) - climatology)


def baseline_notes(
    counts: Mapping[str, Mapping[str, tuple[int, int, int]]], reasons: Mapping[str, str],
    unseen: Mapping[str, tuple[int, int]] | None = None,
) -> list[dict]:
    """The notes of ``metrics.json`` for baselines left out of a block or scored on part of it.

    Parameters
    ----------
    counts : mapping of block to mapping of baseline to (scored, network, gaps)
        The values scored for the baseline and for the network in the block, and how many
        of the network's values the baseline lacks beyond the series' first step
        (:func:`unexplained_gaps`); a note when that is not zero.
    reasons : mapping of baseline to str
        Why it is undefined there (:data:`UNDEFINED_REASONS`, formatted).
    unseen : mapping of block to (int, int), optional
        The cells the training years never saw and the cells scored in each block
        (:func:`~climann.evaluation.sums.unseen_cells`): the climatology's note counts them
        (:func:`unseen_cells_text`) and records them as ``n_cells_unseen`` and ``n_cells``.

    Returns
    -------
    list of dict
        ``{"split", "model", "n_samples", "of", "reason"}`` each; ``n_samples`` 0: left out.
    """
    notes = []
    for block, models in counts.items():
        for name, (scored, network, gaps) in models.items():
            if name != "model" and gaps > 0:
                note = {"split": block, "model": name, "n_samples": int(scored), "of": int(network),
                        "reason": reasons.get(name, "it is undefined there")}
                if name == "climatology" and (unseen or {}).get(block, (0, 0))[0] > 0:
                    n_unseen, n_cells = unseen[block]
                    note.update(reason=f"{note['reason']}: {unseen_cells_text(n_unseen, n_cells)}",
                                n_cells_unseen=n_unseen, n_cells=n_cells)
                notes.append(note)
    return notes


def unseen_cells_text(n_unseen: int, n_cells: int) -> str:
    """``"3 of the 48 cells scored in the block (6.2 %) have no training value for any of its
    steps"``: how many cells the training years never saw (at the block's times of year)."""
    cells = "cell" if n_cells == 1 else "cells"
    verb = "has" if n_unseen == 1 else "have"
    return (f"{n_unseen} of the {n_cells} {cells} scored in the block ({percent_text(n_unseen / n_cells)}) {verb} "
            "no training value for any of its steps")


def left_out_notes(name: str, network_counts: Mapping[str, int], reason: str) -> list[dict]:
    """Notes for a baseline left out of every block before scoring (e.g. persistence on an
    irregular time axis), in the form of :func:`baseline_notes`; ``network_counts`` the
    network's values scored in each block."""
    return [{"split": block, "model": name, "n_samples": 0, "of": int(count), "reason": reason}
            for block, count in network_counts.items()]


def note_text(note: Mapping) -> str:
    """One line for the terminal and ``report.md`` from a note of :func:`baseline_notes`, or of
    :func:`~climann.evaluation.climatology_years.few_years_note` (its reason alone)."""
    if "values_per_key" in note:
        return note["reason"]
    if note["n_samples"] == 0:
        return f"{note['model']} left out of the {note['split']} block: {note['reason']}"
    if note["model"] == "model":  # values no model is scored on (a target_anomaly run's undefined climatology)
        return (f"the {note['split']} block is scored on {note['n_samples']} of its {note['of']} values: "
                f"{note['reason']}")
    skill = ("; the network's skill against it is taken over those values"
             if note["model"] == "climatology" else "")  # skill_vs_climatology: over the common values only
    return (f"{note['model']} scored on {note['n_samples']} of the network's {note['of']} values in the "
            f"{note['split']} block: {note['reason']}{skill}")


def block_counts(
    predictions: Mapping[str, np.ndarray], truth: np.ndarray, time_masks: Mapping[str, np.ndarray]
) -> dict[str, dict[str, tuple[int, int, int]]]:
    """``counts`` for :func:`baseline_notes` on the whole grid (from its sums,
    :func:`~climann.evaluation.sums.counts_from_sums`)."""
    total, names = whole_grid_sums(predictions, truth, np.ones(truth.shape[1:]), time_masks)
    counts = counts_from_sums(total, list(time_masks), names)
    return {block: {name: models[name] for name in predictions} for block, models in counts.items()}


def cell_scores(predicted: np.ndarray, truth: np.ndarray) -> dict[str, np.ndarray]:
    """Per grid cell over time: RMSE, MAE and bias maps, each shape (n_lat, n_lon); NaN skipped."""
    error = np.asarray(predicted, np.float64) - truth
    return {
        "rmse": np.sqrt(nanmean_over_time(error**2)),
        "mae": nanmean_over_time(np.abs(error)),
        "bias": nanmean_over_time(error),
    }


def area_mean_series(grid: np.ndarray, area: np.ndarray) -> np.ndarray:
    """The area-weighted mean of each time step over its present cells, shape (n_time,)."""
    return area_weighted_mean(grid, area)


def compared_area_means(
    truth: np.ndarray, predictions: Mapping[str, np.ndarray], area: np.ndarray
) -> dict[str, np.ndarray]:
    """The series of ``area_mean_series.png``: each step's area-weighted mean of the truth,
    and of every prediction compared with the truth on the cells where both are present.

    The truth's mean T_t = Σ w y / Σ w is over the cells C_t where the truth and the network's
    prediction are both present (the values every score covers). A prediction p is drawn as
    T_t + D_t, where D_t = Σ w (p − y) / Σ w is its error's area mean over C_t less the cells
    where p is missing, so that its distance from the truth's curve is its error on the cells it
    has (the lower panel draws D_t). Averaging p and y each over its own cells instead would
    compare means over different areas: with a time-varying mask (sea ice, a climatology
    missing at newly open cells, persistence of a step after a gap) the cells p lacks enter the
    truth's mean only, and their climate, not p's error, moves the difference (+0.95 K drawn
    for persistence's −0.006 K in an October when the ice melts). A prediction present at every
    cell of C_t is drawn at its own mean over C_t (the network always is).

    Each step's values depend on that step alone, so a caller may pass any run of steps (a
    chunk of a file).

    Parameters
    ----------
    truth : ndarray, shape (n_time, n_lat, n_lon)
        NaN where missing.
    predictions : mapping of str to ndarray, shape (n_time, n_lat, n_lon)
        ``"model"`` (the network) and any baselines; NaN where missing.
    area : ndarray, shape (n_lat, n_lon), or (n_time, n_lat, n_lon) (each step's)
        Cell areas (any scale).

    Returns
    -------
    dict of str to ndarray, shape (n_time,)
        ``"truth"`` (T_t) and each prediction (T_t + D_t), in the target's units; NaN at a step
        where the prediction and the truth share no cell.

    Examples
    --------
    Two equal cells; the baseline lacks the cold one at the second step:

    >>> truth = np.array([[[0.0, 10.0]], [[0.0, 10.0]]])
    >>> baseline = np.array([[[1.0, 11.0]], [[np.nan, 11.0]]])
    >>> compared_area_means(truth, {"model": truth, "baseline": baseline}, np.ones((1, 2)))["baseline"]
    array([6., 6.])
    """
    common = np.isfinite(truth) & np.isfinite(predictions["model"])
    reference = area_weighted_mean(np.where(common, truth, np.nan), area)
    series = {"truth": reference}
    for label, grid in predictions.items():
        both = common & np.isfinite(grid)
        complete = (both == common).all(axis=(1, 2))  # its own mean over C_t, exactly
        series[label] = np.where(complete, area_weighted_mean(np.where(both, grid, np.nan), area),
                                 reference + area_weighted_mean(np.where(both, np.where(both, grid, 0.0)
                                                                         - np.where(both, truth, 0.0), np.nan), area))
    return series


def scored_blocks_metrics(
    predictions: Mapping[str, np.ndarray], truth: np.ndarray, area: np.ndarray, time_masks: Mapping[str, np.ndarray],
    *, season: str, left_out: Mapping[str, str] | None = None, climatology: np.ndarray | None = None,
) -> dict:
    """The ``splits``, ``n_samples`` and (when there are any) ``notes`` and ``score_notes``
    entries of ``metrics.json``: :func:`score_blocks`, the network's values scored per block,
    the :func:`baseline_notes` and the :func:`acc_notes`.

    Parameters
    ----------
    predictions, truth, area, time_masks
        As for :func:`score_blocks`.
    season : str
        What the climatology is taken per ("day of year" or "calendar month"), for the notes.
    left_out : mapping of baseline to reason, optional
        Baselines asked for but not computed at all (e.g. persistence on an irregular time axis).
    climatology : ndarray, shape (n_time, n_lat, n_lon), optional
        As for :func:`score_blocks`.
    """
    total, names = whole_grid_sums(predictions, truth, area, time_masks, climatology=climatology)
    have_climatology = climatology is not None or "climatology" in predictions
    return metrics_from_score_sums(total, list(time_masks), names, season=season, left_out=left_out,
                                   have_climatology=have_climatology)


def metrics_from_score_sums(
    total: ScoreSums, block_names: list[str], model_names: list[str], *, season: str,
    left_out: Mapping[str, str] | None = None, have_climatology: bool = True, region_names: Sequence[str] = (),
    months_left_out: Sequence[str] = (), forecast_months: int | None = None, forecast_persistence: str | None = None,
) -> dict:
    """The ``splits``, ``n_samples`` and (when there are any) ``notes`` and ``score_notes``
    entries of ``metrics.json`` from the summed chunks of a run, in memory (one chunk) or not:
    :func:`~climann.evaluation.sums.metrics_from_sums`, the :func:`baseline_notes` and the
    :func:`acc_notes`.

    Parameters
    ----------
    total : ScoreSums
    block_names, model_names : list of str
        The order of the blocks and models in ``total``.
    season : str
        What the climatology is taken per ("day of year" or "calendar month"), for the notes.
    left_out : mapping of baseline to reason, optional
        Baselines asked for but not computed at all (e.g. persistence on an irregular time axis).
    have_climatology : bool
        Whether there was a climatology to take the ACC's anomalies from.
    region_names : sequence of str
        The regions of ``total``'s sums per region, in their order (for the notes of their ACCs).
    months_left_out : sequence of str
        The blocks where the run's time selection left out the month before some steps
        (:func:`~climann.evaluation.baselines.blocks_after_months_left_out`): their persistence
        notes name that cause too (:data:`PERSISTENCE_SELECTION_REASON`; verify23 F6).
    forecast_months : int, optional
        In a run on a forecast at a lead in months, how many months before the valid month its
        persistence is (:func:`~climann.evaluation.baselines.forecast_months_back`): its notes say
        so (:data:`FORECAST_PERSISTENCE_REASON`), not "one time step earlier".
    forecast_persistence : str, optional
        In a run on a forecast at one lead (months, or of fixed length as S2S's), what its
        persistence is (:attr:`~climann.evaluation.baselines.ForecastPersistence.before`): its
        notes say so; in place of ``forecast_months``.
    """
    splits, n_samples = metrics_from_sums(total, block_names, model_names)
    reasons = {name: text.format(season=season) for name, text in UNDEFINED_REASONS.items()}
    if forecast_persistence is None and forecast_months is not None:
        forecast_persistence = (f"the month before the forecast's start ({forecast_months} "
                                f"month{'s' if forecast_months > 1 else ''} before the valid month)")
    if forecast_persistence is not None:
        reasons["persistence"] = FORECAST_PERSISTENCE_REASON.format(before=forecast_persistence)
        months_left_out = ()
    notes = baseline_notes(counts_from_sums(total, block_names, model_names), reasons,
                           unseen_cells(total, block_names))
    for note in notes:
        if note["model"] == "persistence" and note["split"] in months_left_out:
            note["reason"] = PERSISTENCE_SELECTION_REASON
    for name, reason in (left_out or {}).items():
        notes += left_out_notes(name, n_samples, reason)
    score_notes = acc_notes(total, block_names, model_names, have_climatology=have_climatology,
                            region_names=region_names)
    return {"splits": splits, "n_samples": n_samples, **({"notes": notes} if notes else {}),
            **({"score_notes": score_notes} if score_notes else {})}


def note_lines(notes: list[dict]) -> list[str]:
    """:func:`note_text` of each note, the notes of one baseline left out of several blocks
    for the same reason in one line ("… left out of the train, val and test blocks: …")."""
    lines, grouped = [], {}
    for note in notes:
        if note.get("n_samples") == 0:
            grouped.setdefault((note["model"], note["reason"]), []).append(note["split"])
        else:
            lines.append(note_text(note))
    left = [f"{name} left out of the {_listed(blocks)}: {reason}" for (name, reason), blocks in grouped.items()]
    return left + lines
