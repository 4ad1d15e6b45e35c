"""Scores of predictions against truth: MSE, MAE, RMSE.

Each metric is a small kernel on NumPy arrays over one shared weighted mean. Note the
difference from the training loss: MSE here is the plain mean of (ŷ − y)², in the
target's units squared, without the ½ of J = 1/(2m) Σ(ŷ − y)².
"""

from __future__ import annotations

import numpy as np


def weighted_mean(values: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Σ wᵢ vᵢ / Σ wᵢ (the plain mean when ``weights`` is None), in float64.

    Parameters
    ----------
    values : ndarray, shape (n,) or (n, k)
    weights : ndarray, shape (n,), optional
        Non-negative sample weights, e.g. cell areas; applied along the first axis.
    """
    values = np.asarray(values, dtype=np.float64)
    if weights is None:
        return float(values.mean())
    weights = np.asarray(weights, dtype=np.float64).reshape((-1,) + (1,) * (values.ndim - 1))
    weights = np.broadcast_to(weights, values.shape)
    return float((weights * values).sum() / weights.sum())


def mean_squared_error(predicted: np.ndarray, truth: np.ndarray, weights: np.ndarray | None = None) -> float:
    """MSE = mean of (ŷ − y)²; shapes (n,) or (n, k)."""
    return weighted_mean((np.asarray(predicted, np.float64) - truth) ** 2, weights)


def mean_absolute_error(predicted: np.ndarray, truth: np.ndarray, weights: np.ndarray | None = None) -> float:
    """MAE = mean of |ŷ − y|; shapes (n,) or (n, k)."""
    return weighted_mean(np.abs(np.asarray(predicted, np.float64) - truth), weights)


def score(predicted: np.ndarray, truth: np.ndarray, weights: np.ndarray | None = None) -> dict[str, float]:
    """All scores of one prediction: ``{"mse", "mae", "rmse"}`` (RMSE = √MSE)."""
    mse = mean_squared_error(predicted, truth, weights)
    return {"mse": mse, "mae": mean_absolute_error(predicted, truth, weights), "rmse": float(np.sqrt(mse))}
