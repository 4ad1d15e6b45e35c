"""Ensemble scores: mean, spread, and the spread–skill ratio of WeatherBench 2.

An ensemble of M members x₁ … x_M (networks trained from different seeds) predicts their mean
x̄ = (1/M) Σₖ xₖ, and its spread is their standard deviation with ddof = 1,
s = √(1/(M − 1) Σₖ (xₖ − x̄)²): the unbiased sample variance, as WeatherBench 2 takes it
(``weatherbench2/metrics.py``: ``EnsembleVariance`` and ``EnsembleStddevSqrtBeforeTimeAvg``
call ``forecast.var(…, ddof=1)`` and ``forecast.std(…, ddof=1)``; Rasp et al. 2024, "WeatherBench
2: A benchmark for the next generation of data-driven global weather models", JAMES 16,
e2023MS004019, §4.2). The ddof = 1 variance is what the finite-ensemble correction below
assumes.

The spread–skill ratio over a block (all its time steps and cells, area-weighted, like the
other scores) compares the spread with the error of the mean:

    spread = √( Σ w s² / Σ w ),   skill² = Σ w (x̄ − y)² / Σ w   (the ensemble mean's MSE)

as WeatherBench 2's ``ensemble_variance`` and ``ensemble_mean_mse`` metrics, averaged over
space and time before the square root; its ``visualization.compute_spread_skill_ratio``
divides the two (``ensemble_stddev / ensemble_mean_rmse``). For a finite ensemble the MSE of
the mean overestimates the error of the mean of infinitely many members by s²/M (E[(x̄ − y)²]
= E[(μ − y)²] + σ²/M): WeatherBench 2's ``DebiasedEnsembleMeanMSE``
(``_debiased_ensemble_mean_mse``) subtracts it. climann's ``spread_skill_ratio`` uses that
corrected skill, √(spread² / (skill² − spread²/M)), so that a perfectly reliable ensemble
(truth and members drawn from one distribution) has a ratio of 1 whatever M (Fortin et al.
2014, "Why should ensemble spread match the RMSE of the ensemble mean?", J. Hydrometeor.
15, 1708–1713, the same (M + 1)/M factor); the uncorrected spread / RMSE is kept beside it.
Below 1 the ensemble is over-confident: a spread between seeds measures only the part of the
uncertainty that comes from training, not the data's.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from climann.data.layout import steps_weights

__all__ = [
    "SPREAD_DDOF", "block_spread_skill", "ensemble_mean", "ensemble_spread", "spread_skill_ratio",
    "spread_skill_ratio_uncorrected", "spread_skill_scores", "spread_skill_sums",
]

#: The delta degrees of freedom of the spread: the unbiased sample variance (WeatherBench 2).
SPREAD_DDOF = 1


def ensemble_mean(members: np.ndarray) -> np.ndarray:
    """x̄ = (1/M) Σₖ xₖ.

    Parameters
    ----------
    members : ndarray, shape (n_members, ...)

    Returns
    -------
    ndarray, shape (...), float64
        NaN where a member is NaN.
    """
    return np.asarray(members, dtype=np.float64).mean(axis=0)


def ensemble_spread(members: np.ndarray) -> np.ndarray:
    """s = √(1/(M − 1) Σₖ (xₖ − x̄)²): the members' standard deviation, ddof = 1
    (:data:`SPREAD_DDOF`, WeatherBench 2's ``forecast.std(ensemble_dim, ddof=1)``).

    Parameters
    ----------
    members : ndarray, shape (n_members, ...)
        At least 2 members.

    Returns
    -------
    ndarray, shape (...), float64, in the members' units

    Raises
    ------
    ValueError
        With fewer than 2 members (no spread is defined).
    """
    members = np.asarray(members, dtype=np.float64)
    if members.shape[0] < 2:
        raise ValueError(f"a spread needs at least 2 members, got {members.shape[0]}")
    return members.std(axis=0, ddof=SPREAD_DDOF)


def spread_skill_sums(
    mean: np.ndarray, spread: np.ndarray, truth: np.ndarray, area: np.ndarray, steps: np.ndarray
) -> np.ndarray:
    """The area-weighted sums of a block: Σw, Σw·s², Σw·(x̄ − y)², over the block's values
    where the truth, the mean and the spread are all present.

    Parameters
    ----------
    mean, spread, truth : ndarray, shape (n_time, n_lat, n_lon)
    area : ndarray, shape (n_lat, n_lon), or (n_time, n_lat, n_lon) (each step's)
        Cell-area weights.
    steps : ndarray of bool, shape (n_time,)
        The block's time steps.

    Returns
    -------
    ndarray, shape (3,), float64
    """
    mean, spread, truth = (np.asarray(grid, np.float64)[steps] for grid in (mean, spread, truth))
    present = np.isfinite(mean) & np.isfinite(spread) & np.isfinite(truth)
    weights = np.where(present, np.broadcast_to(steps_weights(area, steps), present.shape), 0.0)
    error2 = np.where(present, (mean - truth) ** 2, 0.0)
    return np.array([weights.sum(), (weights * np.where(present, spread, 0.0) ** 2).sum(), (weights * error2).sum()])


def spread_skill_ratio_uncorrected(mean_variance: float, mean_squared_error: float) -> float:
    """spread / skill = √(mean s² / MSE of x̄): WeatherBench 2's
    ``compute_spread_skill_ratio`` (``ensemble_stddev / ensemble_mean_rmse``); NaN when the
    MSE is 0."""
    return float(np.sqrt(mean_variance / mean_squared_error)) if mean_squared_error > 0 else float("nan")


def spread_skill_ratio(mean_variance: float, mean_squared_error: float, n_members: int) -> float:
    """√(mean s² / (MSE of x̄ − mean s²/M)): the spread over the skill with WeatherBench 2's
    finite-ensemble correction of the MSE (``DebiasedEnsembleMeanMSE``: an unbiased estimate
    of the error of the infinite ensemble's mean), 1 for a perfectly reliable ensemble.

    Parameters
    ----------
    mean_variance : float
        Area-weighted mean of s² (ddof = 1) over the block.
    mean_squared_error : float
        Area-weighted MSE of the ensemble mean over the same values.
    n_members : int
        M.

    Returns
    -------
    float
        NaN when the corrected MSE is not positive (the mean's error is within its sampling
        bias: the ratio is undefined).
    """
    debiased = mean_squared_error - mean_variance / n_members
    return float(np.sqrt(mean_variance / debiased)) if debiased > 0 else float("nan")


def spread_skill_scores(sums: np.ndarray, n_members: int) -> dict[str, float]:
    """The ``spread``, ``rmse`` (of the mean) and both spread–skill ratios of a block from
    its :func:`spread_skill_sums`; NaN without any value.

    Returns
    -------
    dict
        ``spread`` and ``rmse`` in the target's units, ``spread_skill_ratio`` (corrected) and
        ``spread_skill_ratio_uncorrected``.
    """
    weight, variance_sum, error_sum = (float(value) for value in sums)
    if weight <= 0:
        nan = float("nan")
        return {"spread": nan, "rmse": nan, "spread_skill_ratio": nan, "spread_skill_ratio_uncorrected": nan}
    variance, mse = variance_sum / weight, error_sum / weight
    return {"spread": float(np.sqrt(variance)), "rmse": float(np.sqrt(mse)),
            "spread_skill_ratio": spread_skill_ratio(variance, mse, n_members),
            "spread_skill_ratio_uncorrected": spread_skill_ratio_uncorrected(variance, mse)}


def block_spread_skill(
    mean: np.ndarray, spread: np.ndarray, truth: np.ndarray, area: np.ndarray,
    time_masks: Mapping[str, np.ndarray], n_members: int,
) -> dict[str, dict[str, float]]:
    """:func:`spread_skill_scores` of every block of ``time_masks`` (shapes as for
    :func:`spread_skill_sums`), with ``n_samples``, the values scored."""
    scores = {}
    for block, steps in time_masks.items():
        steps = np.asarray(steps, bool)
        present = np.isfinite(mean[steps]) & np.isfinite(spread[steps]) & np.isfinite(truth[steps])
        scores[block] = {**spread_skill_scores(spread_skill_sums(mean, spread, truth, area, steps), n_members),
                         "n_samples": int(present.sum())}
    return scores
