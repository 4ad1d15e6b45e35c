"""Scores on the grid: per split with area weights, per grid cell over time, per time step.

The network is scored wherever the truth and its prediction are both present. Each baseline
is scored on those of the network's values where it is defined too: a baseline can be
undefined there (the climatology of a day of year the training years never saw; persistence
after a gap in the time axis), and that never removes a value from the network's scores. A
baseline defined on none of a block's values is left out of that block; one defined on part
of them is scored there with its own ``n_samples``; both get a note (:func:`baseline_notes`).
The skill against climatology compares the two on the values where both are defined.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from climann.data.pointwise import area_weighted_mean
from climann.evaluation.metrics import mean_squared_error, nanmean_over_time, score, skill_score

#: Why a baseline has no value where the network has one (``{season}``: "day of year" or
#: "calendar month", see :func:`climann.evaluation.baselines.season_name`).
UNDEFINED_REASONS = {
    "climatology": "the training years have no value for that {season}",
    "persistence": "there is no value one time step earlier (a gap in the time axis or a missing value)",
    "linear": "a feature is missing",
}


def scored_cells(predictions: Mapping[str, np.ndarray], truth: np.ndarray) -> dict[str, np.ndarray]:
    """Where each prediction is scored, bool arrays of the truth's shape: the network where
    the truth and its prediction are present, every other prediction there and where it is
    present itself."""
    network = np.isfinite(truth) & np.isfinite(predictions["model"])
    return {name: network if name == "model" else network & np.isfinite(values) for name, values in predictions.items()}


def score_blocks(
    predictions: Mapping[str, np.ndarray],
    truth: np.ndarray,
    area: np.ndarray,
    time_masks: Mapping[str, np.ndarray],
    *,
    cells: np.ndarray | None = None,
) -> dict[str, dict[str, dict[str, float]]]:
    """Area-weighted scores of every prediction on every block, with skill against climatology.

    Each prediction is scored on its :func:`scored_cells`; a baseline without any there in a
    block is left out of the block. ``skill_vs_climatology`` = 1 − MSE/MSE_climatology, both
    over the values where the prediction and the climatology are scored (NaN when the
    climatology is left out of the block).

    Parameters
    ----------
    predictions : mapping of name to ndarray, shape (n_time, n_lat, n_lon)
        ``"model"`` (the network) and baselines, e.g. ``"climatology"``, ``"linear"``; NaN
        where missing or undefined.
    truth : ndarray, shape (n_time, n_lat, n_lon)
    area : ndarray, shape (n_lat, n_lon)
        Cell areas.
    time_masks : mapping of block name to ndarray of bool, shape (n_time,)
        The time steps of each block (a block's steps of one season, for scores per season).
    cells : ndarray of bool, shape (n_lat, n_lon), optional
        Score only these grid cells (a region, see :mod:`climann.evaluation.regions`),
        for every prediction; default: the whole grid.

    Returns
    -------
    dict
        ``{block: {name: {"mse", "mae", "rmse", "bias", "r2", "corr", "n_samples"[, "skill_vs_climatology"]}}}``,
        ``n_samples`` the number of values scored.
    """
    scored = scored_cells(predictions, truth)
    if cells is not None:
        scored = {name: mask & cells[None] for name, mask in scored.items()}
    weights = np.broadcast_to(area, truth.shape)
    results: dict[str, dict[str, dict[str, float]]] = {}
    for block, steps in time_masks.items():
        chosen = {name: mask & steps[:, None, None] for name, mask in scored.items()}
        results[block] = {
            name: {**score(values[chosen[name]], truth[chosen[name]], weights[chosen[name]]),
                   "n_samples": int(chosen[name].sum())}
            for name, values in predictions.items() if name == "model" or chosen[name].any()
        }
        if "climatology" in predictions:
            for name, scores in results[block].items():
                scores["skill_vs_climatology"] = _matched_skill(
                    predictions[name], predictions["climatology"], truth, weights, chosen[name] & chosen["climatology"]
                )
    return results


def _matched_skill(predicted: np.ndarray, reference: np.ndarray, truth: np.ndarray, weights: np.ndarray,
                   where: np.ndarray) -> float:
    """1 − MSE/MSE_reference over the values ``where`` (NaN where there is none)."""
    if not where.any():
        return float("nan")
    return skill_score(mean_squared_error(predicted[where], truth[where], weights[where]),
                       mean_squared_error(reference[where], truth[where], weights[where]))


def unexplained_gaps(
    predictions: Mapping[str, np.ndarray], truth: np.ndarray, *, first_step: bool = True
) -> dict[str, np.ndarray]:
    """Where each prediction lacks a value the network has, bool arrays of the truth's shape,
    except at the series' very first time step (persistence has no step before it, as
    expected), which is the arrays' first step when ``first_step``."""
    cells = scored_cells(predictions, truth)
    gaps = {name: cells["model"] & ~mask for name, mask in cells.items()}
    if first_step:
        for mask in gaps.values():
            mask[:1] = False
    return gaps


def baseline_notes(
    counts: Mapping[str, Mapping[str, tuple[int, int, int]]], reasons: Mapping[str, str]
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

    Returns
    -------
    list of dict
        ``{"split", "model", "n_samples", "of", "reason"}`` each; ``n_samples`` 0: left out.
    """
    notes = []
    for block, models in counts.items():
        for name, (scored, network, gaps) in models.items():
            if name != "model" and gaps > 0:
                notes.append({"split": block, "model": name, "n_samples": int(scored), "of": int(network),
                              "reason": reasons.get(name, "it is undefined there")})
    return notes


def left_out_notes(name: str, network_counts: Mapping[str, int], reason: str) -> list[dict]:
    """Notes for a baseline left out of every block before scoring (e.g. persistence on an
    irregular time axis), in the form of :func:`baseline_notes`; ``network_counts`` the
    network's values scored in each block."""
    return [{"split": block, "model": name, "n_samples": 0, "of": int(count), "reason": reason}
            for block, count in network_counts.items()]


def persistence_left_out_reason(sample_fraction: float) -> str:
    """Why persistence was not computed at all: a sample fraction, or an irregular time axis."""
    if sample_fraction < 1:
        return f"with sample_fraction = {sample_fraction:g} the previous time step is mostly not sampled"
    return "the time axis has no regular step (irregular spacing, or dates repeated across split_files)"


def note_text(note: Mapping) -> str:
    """One line for the terminal and ``report.md`` from a note of :func:`baseline_notes`."""
    if note["n_samples"] == 0:
        return f"{note['model']} left out of the {note['split']} block: {note['reason']}"
    return (f"{note['model']} scored on {note['n_samples']} of the network's {note['of']} values in the "
            f"{note['split']} block: {note['reason']}")


def block_counts(
    predictions: Mapping[str, np.ndarray], truth: np.ndarray, time_masks: Mapping[str, np.ndarray]
) -> dict[str, dict[str, tuple[int, int, int]]]:
    """``counts`` for :func:`baseline_notes` on the whole grid."""
    cells, gaps = scored_cells(predictions, truth), unexplained_gaps(predictions, truth)
    return {
        block: {name: (int(cells[name][steps].sum()), int(cells["model"][steps].sum()), int(gaps[name][steps].sum()))
                for name in predictions}
        for block, steps in time_masks.items()
    }


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


def scored_blocks_metrics(
    predictions: Mapping[str, np.ndarray], truth: np.ndarray, area: np.ndarray, time_masks: Mapping[str, np.ndarray],
    *, season: str, left_out: Mapping[str, str] | None = None,
) -> dict:
    """The ``splits``, ``n_samples`` and (when there are any) ``notes`` entries of
    ``metrics.json``: :func:`score_blocks`, the network's values scored per block, and the
    :func:`baseline_notes`.

    Parameters
    ----------
    predictions, truth, area, time_masks
        As for :func:`score_blocks`.
    season : str
        What the climatology is taken per ("day of year" or "calendar month"), for the notes.
    left_out : mapping of baseline to reason, optional
        Baselines asked for but not computed at all (e.g. persistence on an irregular time axis).
    """
    splits = score_blocks(predictions, truth, area, time_masks)
    n_samples = {block: models["model"]["n_samples"] for block, models in splits.items()}
    reasons = {name: text.format(season=season) for name, text in UNDEFINED_REASONS.items()}
    notes = baseline_notes(block_counts(predictions, truth, time_masks), reasons)
    for name, reason in (left_out or {}).items():
        notes += left_out_notes(name, n_samples, reason)
    return {"splits": splits, "n_samples": n_samples, **({"notes": notes} if notes else {})}


def note_lines(notes: list[dict]) -> list[str]:
    """:func:`note_text` of each note, the notes of one baseline left out of several blocks
    for the same reason in one line ("… left out of the train, val and test blocks: …")."""
    lines, grouped = [], {}
    for note in notes:
        if note["n_samples"] == 0:
            grouped.setdefault((note["model"], note["reason"]), []).append(note["split"])
        else:
            lines.append(note_text(note))
    left = []
    for (name, reason), blocks in grouped.items():
        listed = blocks[0] if len(blocks) == 1 else ", ".join(blocks[:-1]) + " and " + blocks[-1]
        left.append(f"{name} left out of the {listed} block{'s' if len(blocks) > 1 else ''}: {reason}")
    return left + lines
