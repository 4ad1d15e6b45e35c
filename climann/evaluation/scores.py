"""Scores on the grid: per split with area weights, per grid cell over time, per time step.

All predictions (the network's and the baselines') are compared on the same grid cells and
time steps: wherever the truth and the prediction are both present.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from climann.data.pointwise import area_weighted_mean
from climann.evaluation.metrics import nanmean_over_time, score, skill_score


def score_blocks(
    predictions: Mapping[str, np.ndarray],
    truth: np.ndarray,
    area: np.ndarray,
    time_masks: Mapping[str, np.ndarray],
) -> dict[str, dict[str, dict[str, float]]]:
    """Area-weighted scores of every prediction on every block, with skill against climatology.

    Each model is scored where the network's prediction exists too, so that baselines and
    network are judged on exactly the same samples.

    Parameters
    ----------
    predictions : mapping of name to ndarray, shape (n_time, n_lat, n_lon)
        E.g. ``{"model": …, "climatology": …, "linear": …}``; NaN where missing.
    truth : ndarray, shape (n_time, n_lat, n_lon)
    area : ndarray, shape (n_lat, n_lon)
        Cell areas.
    time_masks : mapping of block name to ndarray of bool, shape (n_time,)

    Returns
    -------
    dict
        ``{block: {name: {"mse", "mae", "rmse", "bias", "r2", "corr", "skill_vs_climatology"}}}``.
    """
    common = np.isfinite(truth) & np.isfinite(predictions["model"])
    for values in predictions.values():
        common &= np.isfinite(values)
    results: dict[str, dict[str, dict[str, float]]] = {}
    for block, steps in time_masks.items():
        chosen = common[steps]
        weights = np.broadcast_to(area, chosen.shape)[chosen]
        block_truth = truth[steps][chosen]
        results[block] = {
            name: score(values[steps][chosen], block_truth, weights) for name, values in predictions.items()
        }
        if "climatology" in predictions:
            reference = results[block]["climatology"]["mse"]
            for scores in results[block].values():
                scores["skill_vs_climatology"] = skill_score(scores["mse"], reference)
    return results


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
