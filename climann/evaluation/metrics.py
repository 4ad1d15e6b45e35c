"""Scores of predictions against truth: MSE, MAE, RMSE, bias, R², Pearson correlation, and
the anomaly correlation coefficient (ACC) of gridded fields.

Each metric is a small kernel on NumPy arrays over one shared weighted mean, in the style of
xskillscore. On a latitude-longitude grid the weights are cell areas, so the poles do not
dominate; missing values (NaN in either array) are skipped. MSE here is the (weighted) mean
of (ŷ − y)², in the target's units squared, without the ½ of the training loss
J = 1/(2m) Σ(ŷ − y)².

The ACC correlates anomalies from a climatology (a = y − c, f = ŷ − c), not the raw fields,
whose seasonal cycle and latitude gradient any sensible prediction gets right: it measures the
skill for the departures from the usual. It comes in two forms, and climann gives both, each
area-weighted per time step and averaged over the steps:

- the centred ACC (``acc``; Wilks 2011, *Statistical Methods in the Atmospheric Sciences*,
  3rd ed., §8.6.4, :func:`anomaly_correlation_from_sums`) removes each step's area mean of
  a and of f first: the correlation of the anomaly *patterns*;
- the uncentred ACC (``acc_uncentred``, :func:`uncentred_anomaly_correlation_from_sums`) does
  not: the form of WeatherBench 2 (Rasp et al. 2024; ``weatherbench2/metrics.py``, class
  ``ACC``) and of ECMWF's headline scores. It also counts the area-mean anomaly, so a shift of
  the whole field (a warmer scenario the prediction misses) lowers it and leaves the centred
  ACC unchanged.

Both are spatial correlations, taken at a time step over at least :data:`MIN_ACC_CELLS` cells.
"""

from __future__ import annotations

import numpy as np

METRICS = ("mse", "mae", "rmse", "bias", "r2", "corr")
#: The weighted sums every score of :data:`METRICS` is computed from (:func:`value_sums`), with
#: e = ŷ − y and the values shifted by a constant c (y' = y − c, ŷ' = ŷ − c, so that the sums of
#: squares keep their digits): Σw, Σw·e, Σw·e², Σw·|e|, Σw·y', Σw·y'², Σw·ŷ', Σw·ŷ'², Σw·ŷ'y'.
SUM_NAMES = ("w", "w_error", "w_error2", "w_abs_error", "w_truth", "w_truth2", "w_pred", "w_pred2", "w_pred_truth")
#: The per-step sums the ACC is computed from (:func:`anomaly_sums`), over the scored cells:
#: their count, Σw, Σw·a, Σw·f, Σw·a², Σw·f², Σw·f·a (a the truth's anomaly, f the prediction's).
ANOMALY_SUM_NAMES = ("n", "w", "w_truth", "w_pred", "w_truth2", "w_pred2", "w_pred_truth")
#: The fewest cells of a time step over which an ACC, centred or uncentred, is taken. A
#: correlation of n points is itself a sample: for n independent normal points its sampling
#: standard deviation is about (1 − ρ²)/√(n − 1), and exactly 1/√(n − 1) where there is no
#: skill at all (Fisher 1915, Biometrika 10, 507–521), which exceeds 1/3 below 10 points; the
#: uncentred one of anomalies without skill (the cosine of two random directions in n
#: dimensions) has 1/√n, above 1/3 below 9 points; neighbouring cells of a grid are not
#: independent, so the real uncertainty is larger still. With 2 cells the centred anomalies are
#: ±d and the centred correlation is exactly +1 or −1 at every step; on 1 cell (a station) the
#: uncentred one is f·a/|f·a|, the sign of the product of the anomalies: each a sign, not a
#: skill, and their mean over the steps the fraction of steps of the right sign (break31a A5).
#: Neither WeatherBench 2 (global grids) nor Wilks (2011, §8.6.4: M grid points of a field) has
#: a minimum, both being written for fields of many points.
MIN_ACC_CELLS = 10
#: :data:`MIN_ACC_CELLS` under its earlier name (Python API), when only the centred ACC had it.
MIN_CENTRED_CELLS = MIN_ACC_CELLS


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


#: A mean square error below this share of the mean square of the values scored is rounding,
#: not an error: as a variance in :func:`scores_from_sums` and
#: :func:`anomaly_correlation_from_sums` (10⁻¹², a relative error of 10⁻⁶, above float32's
#: resolution of 6·10⁻⁸ and far above float64's).
ROUNDING_SHARE = 1e-12


def skill_score(mse: float, reference_mse: float, *, mean_square: float = 0.0) -> float:
    """Skill against a reference (climatology): 1 − MSE / MSE_reference; 1 is perfect, 0 no better.

    Parameters
    ----------
    mse, reference_mse : float
        The MSEs of the prediction and of the reference over the same values (units²).
    mean_square : float
        The mean square of the values scored, in the same units² (as shifted for the sums,
        :data:`SUM_NAMES`): a reference MSE within rounding of 0 (at most
        :data:`ROUNDING_SHARE` of it) is a reference without error, and the skill undefined. A
        climatology of a field constant in time (WRF's terrain height ``HGT``, about 1000 m)
        scores 2.3e-26 m², float64's rounding of its mean, and made a skill of −8.4e+28
        (rerun38 N4).

    Returns
    -------
    float
        NaN where the reference has no error (0, or within rounding of 0).

    Examples
    --------
    >>> skill_score(1.0, 4.0), skill_score(1916.0, 2.3e-26, mean_square=4e4)
    (0.75, nan)
    """
    if not reference_mse > ROUNDING_SHARE * max(mean_square, 0.0) or not reference_mse > 0:
        return float("nan")
    return 1 - mse / reference_mse


def value_sums(predicted: np.ndarray, truth: np.ndarray, weights: np.ndarray, *, shift: float = 0.0) -> np.ndarray:
    """The sums of :data:`SUM_NAMES` over the values given (all present). Sums add up over
    disjoint sets of values, so the values can be summed in chunks.

    Parameters
    ----------
    predicted, truth, weights : ndarray, shape (n,)
        Present values only (see :func:`score` for the NaN handling); weights ≥ 0.
    shift : float
        c, subtracted from truth and prediction (it cancels in every score).

    Returns
    -------
    ndarray, shape (9,), float64
    """
    truth, predicted = np.asarray(truth, np.float64), np.asarray(predicted, np.float64)
    # the error before the shift: with a huge value among them (1e20 where a fill value is
    # not marked) c is huge too, and y − c would round every ordinary y to the same number
    error = predicted - truth
    truth, predicted = truth - shift, predicted - shift
    weights = np.asarray(weights, np.float64)
    # products summed by NumPy (pairwise), not BLAS dot products: as exact, and on a busy
    # machine several times faster than a threaded BLAS
    weighted_error, weighted_truth, weighted_pred = weights * error, weights * truth, weights * predicted
    return np.array([weights.sum(), weighted_error.sum(), (weighted_error * error).sum(),
                     (weights * np.abs(error)).sum(), weighted_truth.sum(), (weighted_truth * truth).sum(),
                     weighted_pred.sum(), (weighted_pred * predicted).sum(), (weighted_pred * truth).sum()],
                    dtype=np.float64)


def scores_from_sums(sums: np.ndarray) -> dict[str, float]:
    """``{"mse", "mae", "rmse", "bias", "r2", "corr"}`` from the nine sums of :func:`value_sums`
    (any further entries are not used): the one definition of the scores of every run.

    With the weighted means m(·) = Σw·(·)/Σw::

        MSE = m(e²)   MAE = m(|e|)   RMSE = √MSE   bias = m(e)
        R² = 1 − MSE / var(y)        r = cov(ŷ, y) / √(var(ŷ) var(y))

    where var(y) = m(y'²) − m(y')² and cov(ŷ, y) = m(ŷ'y') − m(ŷ')m(y'). R² and r are NaN
    where a variance is zero (within rounding: below 10⁻¹² of the mean square), every score NaN
    without weight.
    """
    named = dict(zip(SUM_NAMES, np.asarray(sums, np.float64)[:len(SUM_NAMES)], strict=True))
    total = named["w"]
    if not total > 0:
        return dict.fromkeys(METRICS, float("nan"))
    mean = {key: named[key] / total for key in SUM_NAMES[1:]}
    spread_truth = mean["w_truth2"] - mean["w_truth"] ** 2
    spread_pred = mean["w_pred2"] - mean["w_pred"] ** 2
    truth_varies = spread_truth > 1e-12 * mean["w_truth2"]
    both_vary = truth_varies and spread_pred > 1e-12 * mean["w_pred2"]
    covariance = mean["w_pred_truth"] - mean["w_pred"] * mean["w_truth"]
    mse = mean["w_error2"]
    return {
        "mse": float(mse),
        "mae": float(mean["w_abs_error"]),
        "rmse": float(np.sqrt(mse)),
        "bias": float(mean["w_error"]),
        "r2": float(1 - mse / spread_truth) if truth_varies else float("nan"),
        "corr": float(covariance / np.sqrt(spread_pred * spread_truth)) if both_vary else float("nan"),
    }


def score(predicted: np.ndarray, truth: np.ndarray, weights: np.ndarray | None = None) -> dict[str, float]:
    """All scores of one prediction, ``{"mse", "mae", "rmse", "bias", "r2", "corr"}``, over the
    values where both are present: :func:`scores_from_sums` of their :func:`value_sums`
    (shifted by the truth's mean).

    Parameters
    ----------
    predicted, truth : ndarray, shape (n, ...)
    weights : ndarray, shape (n,), optional
        Sample weights along the first axis (e.g. cell areas); default: all 1.
    """
    predicted, truth, weights = _present(predicted, truth, weights)
    shift = float(truth.mean()) if truth.size else 0.0
    return scores_from_sums(value_sums(predicted, truth, weights, shift=shift))


def anomaly_sums(predicted_anomaly: np.ndarray, truth_anomaly: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The sums of :data:`ANOMALY_SUM_NAMES` at each time step, over its cells where both
    anomalies are present (NaN elsewhere) and the weight is positive (the count ``n`` is of
    cells that weigh): what :func:`anomaly_correlation_from_sums` needs.
    Sums add up over disjoint sets of cells, so chunks of the grid can be summed apart.

    Parameters
    ----------
    predicted_anomaly, truth_anomaly : ndarray, shape (n_time, n_cells)
        f = ŷ − c and a = y − c, c the climatology; NaN where a value is not scored.
    weights : ndarray, shape (n_cells,) or (n_time, n_cells)
        Cell areas.

    Returns
    -------
    ndarray, shape (n_time, 7)
        In the order of :data:`ANOMALY_SUM_NAMES`, float64.
    """
    predicted_anomaly = np.asarray(predicted_anomaly, np.float64)
    truth_anomaly = np.asarray(truth_anomaly, np.float64)
    weights = np.broadcast_to(np.asarray(weights, np.float64), predicted_anomaly.shape)
    # a cell of zero weight correlates nothing: not counted among the step's cells (fix37b)
    present = np.isfinite(predicted_anomaly) & np.isfinite(truth_anomaly) & (weights > 0)
    weights = np.where(present, weights, 0.0)
    pred, truth = np.where(present, predicted_anomaly, 0.0), np.where(present, truth_anomaly, 0.0)
    return np.stack([present.sum(axis=1), weights.sum(axis=1), (weights * truth).sum(axis=1),
                     (weights * pred).sum(axis=1), (weights * truth**2).sum(axis=1), (weights * pred**2).sum(axis=1),
                     (weights * pred * truth).sum(axis=1)], axis=-1).astype(np.float64)


def anomaly_correlation_from_sums(sums: np.ndarray, *, min_cells: int = MIN_ACC_CELLS) -> np.ndarray:
    """The centred anomaly correlation coefficient of each time step (Wilks 2011 §8.6.4).

    Over the cells of one step, with weights w and anomalies a = y − c (truth), f = ŷ − c
    (prediction), each centred on its weighted mean (a' = a − Σwa/Σw, f' = f − Σwf/Σw)::

        ACC = Σ w a' f' / √(Σ w a'² · Σ w f'²)

    computed from the step's sums (cov = Σwfa/Σw − (Σwf/Σw)(Σwa/Σw), and the variances
    alike). Undefined (NaN) on fewer than ``min_cells`` cells (:data:`MIN_ACC_CELLS`: a
    correlation of so few points is mostly sampling noise) or where either anomaly field has no
    variance (such as climatology's own anomaly, zero everywhere); a variance within rounding
    of zero (below 10⁻¹² of the mean square) counts as none. The area mean of the anomalies,
    removed here, is what :func:`uncentred_anomaly_correlation_from_sums` keeps.

    Parameters
    ----------
    sums : ndarray, shape (n_time, 7)
        :func:`anomaly_sums`, possibly added up over parts of the grid.
    min_cells : int
        The fewest cells a step's correlation is taken over (at least 2: with 1 there is no
        variance).

    Returns
    -------
    ndarray, shape (n_time,)
        In [−1, 1]; 1 for a prediction whose anomaly pattern is the truth's up to a positive
        factor and an offset.
    """
    count, total, truth, pred, truth2, pred2, pred_truth = np.moveaxis(np.asarray(sums, np.float64), -1, 0)
    defined = (count >= max(min_cells, 2)) & (total > 0)
    total = np.where(defined, total, 1.0)
    mean_truth, mean_pred = truth / total, pred / total
    spread_truth = truth2 / total - mean_truth**2
    spread_pred = pred2 / total - mean_pred**2
    defined &= (spread_truth > 1e-12 * truth2 / total) & (spread_pred > 1e-12 * pred2 / total)
    covariance = pred_truth / total - mean_pred * mean_truth
    spread = np.sqrt(np.where(defined, spread_truth * spread_pred, 1.0))
    return np.where(defined, np.clip(covariance / spread, -1.0, 1.0), np.nan)


def uncentred_anomaly_correlation_from_sums(sums: np.ndarray, *, min_cells: int = MIN_ACC_CELLS) -> np.ndarray:
    """The uncentred anomaly correlation coefficient of each time step: WeatherBench 2's ACC.

    Over the cells of one step, with weights w and anomalies a = y − c (truth), f = ŷ − c
    (prediction), not centred::

        ACC_uncentred = Σ w f a / √(Σ w f² · Σ w a²)

    as ``weatherbench2/metrics.py``, class ``ACC`` (Rasp et al. 2024, WeatherBench 2:
    ``_spatial_average(f·a) / √(_spatial_average(f²) · _spatial_average(a²))`` per time, then
    averaged over time) and ECMWF's headline ACC. Unlike the centred ACC
    (:func:`anomaly_correlation_from_sums`) it counts the area-mean anomaly: a prediction that
    misses a shift of the whole field scores lower. Undefined (NaN) on fewer than
    ``min_cells`` cells, as the centred ACC (:data:`MIN_ACC_CELLS`: on one cell it is
    f·a/|f·a|, the sign of the product, and its mean over a block the fraction of steps of the
    right sign, not a correlation), and without a denominator: either anomaly zero on every
    cell (the climatology's own).

    Parameters
    ----------
    sums : ndarray, shape (n_time, 7)
        :func:`anomaly_sums`, possibly added up over parts of the grid.
    min_cells : int
        The fewest cells a step's correlation is taken over (at least 1).

    Returns
    -------
    ndarray, shape (n_time,)
        In [−1, 1].
    """
    count, total, _, _, truth2, pred2, pred_truth = np.moveaxis(np.asarray(sums, np.float64), -1, 0)
    defined = (count >= max(min_cells, 1)) & (total > 0) & (truth2 > 0) & (pred2 > 0)
    spread = np.sqrt(np.where(defined, truth2 * pred2, 1.0))
    return np.where(defined, np.clip(pred_truth / spread, -1.0, 1.0), np.nan)


def mean_anomaly_correlation(step_correlations: np.ndarray) -> tuple[float, int]:
    """The ACC of a block: the mean of its steps' ACC where defined, and how many steps that is.

    Parameters
    ----------
    step_correlations : ndarray, shape (n_time,)
        :func:`anomaly_correlation_from_sums` of the block's steps, NaN where undefined.

    Returns
    -------
    acc : float
        NaN when no step has one.
    n_steps : int
    """
    defined = np.isfinite(step_correlations)
    n_steps = int(defined.sum())
    return (float(step_correlations[defined].mean()) if n_steps else float("nan")), n_steps


def temporal_anomaly_correlation(predicted_anomaly: np.ndarray, truth_anomaly: np.ndarray) -> np.ndarray:
    """The Pearson correlation over time of each cell's anomalies (the map of the ACC over a block).

    For each cell, over its steps where both anomalies f = ŷ − c and a = y − c are present,
    r = Σ(f − f̄)(a − ā) / √(Σ(f − f̄)² Σ(a − ā)²), f̄ and ā the cell's means over those steps;
    every step counts alike.

    Parameters
    ----------
    predicted_anomaly, truth_anomaly : ndarray, shape (n_time, n_lat, n_lon)

    Returns
    -------
    ndarray, shape (n_lat, n_lon)
        NaN where a cell has fewer than 3 such steps or either anomaly does not vary.
    """
    predicted_anomaly = np.asarray(predicted_anomaly, np.float64)
    truth_anomaly = np.asarray(truth_anomaly, np.float64)
    present = np.isfinite(predicted_anomaly) & np.isfinite(truth_anomaly)
    count = present.sum(axis=0)
    pred = np.where(present, predicted_anomaly, np.nan)
    truth = np.where(present, truth_anomaly, np.nan)
    pred = np.where(present, pred - nanmean_over_time(pred), 0.0)
    truth = np.where(present, truth - nanmean_over_time(truth), 0.0)
    spread_pred, spread_truth = (pred**2).sum(axis=0), (truth**2).sum(axis=0)
    scale_pred = (np.where(present, predicted_anomaly, 0.0) ** 2).sum(axis=0)
    scale_truth = (np.where(present, truth_anomaly, 0.0) ** 2).sum(axis=0)
    defined = (count >= 3) & (spread_pred > 1e-12 * scale_pred) & (spread_truth > 1e-12 * scale_truth)
    spread = np.sqrt(np.where(defined, spread_pred * spread_truth, 1.0))
    return np.where(defined, np.clip((pred * truth).sum(axis=0) / spread, -1.0, 1.0), np.nan)
