"""Scores of predictions against truth: MSE, MAE, RMSE, bias, R², Pearson correlation.

Each metric is a small kernel on NumPy arrays over one shared weighted mean, in the style of
xskillscore. On a latitude-longitude grid the weights are cell areas, so the poles do not
dominate; missing values (NaN in either array) are skipped. MSE here is the (weighted) mean
of (ŷ − y)², in the target's units squared, without the ½ of the training loss
J = 1/(2m) Σ(ŷ − y)².
"""

from __future__ import annotations

import numpy as np

METRICS = ("mse", "mae", "rmse", "bias", "r2", "corr")


def _present(predicted: np.ndarray, truth: np.ndarray, weights: np.ndarray | None):
    """Float64 copies restricted to where both values are present, with matching weights."""
    predicted = np.asarray(predicted, np.float64)
    truth = np.asarray(truth, np.float64)
    if weights is None:
        weights = np.ones(predicted.shape[0])
    weights = np.broadcast_to(
        np.asarray(weights, np.float64).reshape((-1,) + (1,) * (predicted.ndim - 1)), predicted.shape
    )
    keep = np.isfinite(predicted) & np.isfinite(truth)
    return predicted[keep], truth[keep], weights[keep]


def weighted_mean(values: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Σ wᵢ vᵢ / Σ wᵢ (the plain mean when ``weights`` is None), in float64; NaN skipped.

    Parameters
    ----------
    values : ndarray, shape (n,) or (n, k)
    weights : ndarray, shape (n,), optional
        Non-negative sample weights, e.g. cell areas; applied along the first axis.
    """
    values, _, weights = _present(values, values, weights)
    return float((weights * values).sum() / weights.sum()) if weights.sum() > 0 else float("nan")


def nanmean_over_time(values: np.ndarray) -> np.ndarray:
    """Mean over the first (time) axis of the present values, NaN where there is none.

    Parameters
    ----------
    values : ndarray, shape (n_time, ...)

    Returns
    -------
    ndarray, shape (...)
    """
    present = np.isfinite(values)
    count = present.sum(axis=0)
    total = np.where(present, values, 0.0).sum(axis=0, dtype=np.float64)
    return np.divide(total, count, out=np.full(count.shape, np.nan), where=count > 0)


def mean_squared_error(predicted: np.ndarray, truth: np.ndarray, weights: np.ndarray | None = None) -> float:
    """MSE = Σ w (ŷ − y)² / Σ w."""
    predicted, truth, weights = _present(predicted, truth, weights)
    return weighted_mean((predicted - truth) ** 2, weights)


def mean_absolute_error(predicted: np.ndarray, truth: np.ndarray, weights: np.ndarray | None = None) -> float:
    """MAE = Σ w |ŷ − y| / Σ w."""
    predicted, truth, weights = _present(predicted, truth, weights)
    return weighted_mean(np.abs(predicted - truth), weights)


def mean_bias(predicted: np.ndarray, truth: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Bias = Σ w (ŷ − y) / Σ w: positive when the prediction is too high."""
    predicted, truth, weights = _present(predicted, truth, weights)
    return weighted_mean(predicted - truth, weights)


def coefficient_of_determination(predicted: np.ndarray, truth: np.ndarray, weights: np.ndarray | None = None) -> float:
    """R² = 1 − Σ w (ŷ − y)² / Σ w (y − ȳ)², ȳ the weighted mean of y."""
    predicted, truth, weights = _present(predicted, truth, weights)
    spread = weighted_mean((truth - weighted_mean(truth, weights)) ** 2, weights)
    return 1 - weighted_mean((predicted - truth) ** 2, weights) / spread if spread > 0 else float("nan")


def pearson_correlation(predicted: np.ndarray, truth: np.ndarray, weights: np.ndarray | None = None) -> float:
    """r = cov_w(ŷ, y) / (σ_w(ŷ) σ_w(y)), all moments weighted."""
    predicted, truth, weights = _present(predicted, truth, weights)
    predicted_anomaly = predicted - weighted_mean(predicted, weights)
    truth_anomaly = truth - weighted_mean(truth, weights)
    covariance = weighted_mean(predicted_anomaly * truth_anomaly, weights)
    spread = np.sqrt(weighted_mean(predicted_anomaly**2, weights) * weighted_mean(truth_anomaly**2, weights))
    return float(covariance / spread) if spread > 0 else float("nan")


def skill_score(mse: float, reference_mse: float) -> float:
    """Skill against a reference (climatology): 1 − MSE / MSE_reference; 1 is perfect, 0 no better."""
    return 1 - mse / reference_mse if reference_mse > 0 else float("nan")


def score(predicted: np.ndarray, truth: np.ndarray, weights: np.ndarray | None = None) -> dict[str, float]:
    """All scores of one prediction: ``{"mse", "mae", "rmse", "bias", "r2", "corr"}``."""
    mse = mean_squared_error(predicted, truth, weights)
    return {
        "mse": mse,
        "mae": mean_absolute_error(predicted, truth, weights),
        "rmse": float(np.sqrt(mse)),
        "bias": mean_bias(predicted, truth, weights),
        "r2": coefficient_of_determination(predicted, truth, weights),
        "corr": pearson_correlation(predicted, truth, weights),
    }
