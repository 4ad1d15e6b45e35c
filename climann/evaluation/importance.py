"""What a trained network learned: permutation feature importance, partial dependence and
individual conditional expectation (ICE), in plain NumPy.

Every function takes the model as ``predict``, a callable from unscaled inputs
(n_samples, n_features) to predictions in the target's units (n_samples,), so that the
formulas see neither the network nor files.

* Permutation importance (Breiman 2001, *Machine Learning* 45, 5–32, §10; Fisher, Rudin and
  Dominici 2019, *JMLR* 20(177), "model reliance"): how much the weighted MSE grows when the
  columns of one input are shuffled across samples, which breaks their link with the target
  while keeping their distribution. An input may be several columns (a predictor with its
  lags and anomaly, ``season`` as sine and cosine): they are shuffled with one permutation.
* Partial dependence (Friedman 2001, *Annals of Statistics* 29(5), 1189–1232, §8.2): the
  (weighted) mean prediction when one column is set to a value v in every sample; ICE
  (Goldstein et al. 2015, *J. Comput. Graph. Stat.* 24(1), 44–65): each sample's own curve.

scikit-learn's ``sklearn.inspection.permutation_importance`` (with ``sample_weight``,
importance = baseline score − permuted score for the negative MSE) and
``partial_dependence(method="brute")`` compute the same quantities (tests compare them).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from climann.evaluation.metrics import mean_squared_error

Predict = Callable[[np.ndarray], np.ndarray]

#: Rows predicted at once by :func:`partial_dependence_over_samples`: 16384 rows of a
#: 64-wide hidden layer are 4 MB in float32. Measured on the sample data (93 312 test
#: samples, 5 curves of 20 values, a [64, 64] network, 2 cores): 2.0 s at 16384 rows, 2.2 s at
#: 8192 and 32768, 4.0 s at 65536 (and 5.4 s, with 0.5 GB of activations, for all at once).
PD_CHUNK_ROWS = 16384


@dataclass(frozen=True)
class PermutationImportance:
    """The result of :func:`permutation_importance`.

    Attributes
    ----------
    names : tuple of str
        The inputs, in the order given.
    baseline_mse : float
        Weighted MSE of the unpermuted inputs, in the target's units squared.
    increases : ndarray, shape (n_inputs, n_repeats)
        MSE with the input permuted minus ``baseline_mse``, one value per repeat.
    squared_error_increases : ndarray, shape (n_inputs, n_samples)
        Each sample's (ŷ_perm − y)² − (ŷ − y)², averaged over the repeats: mapped per grid
        cell, it says where an input matters.
    """

    names: tuple[str, ...]
    baseline_mse: float
    increases: np.ndarray
    squared_error_increases: np.ndarray

    @property
    def mean(self) -> np.ndarray:
        """Mean increase over the repeats, shape (n_inputs,)."""
        return self.increases.mean(axis=1)

    @property
    def std(self) -> np.ndarray:
        """Standard deviation of the increase over the repeats (ddof = 0, as scikit-learn),
        shape (n_inputs,)."""
        return self.increases.std(axis=1)

    def ranking(self) -> list[int]:
        """Indices of the inputs, largest mean increase first (ties keep the given order)."""
        return sorted(range(len(self.names)), key=lambda index: -self.mean[index])


def permuted_columns(inputs: np.ndarray, columns: Sequence[int], order: np.ndarray) -> np.ndarray:
    """A copy of ``inputs`` whose ``columns`` are taken from the rows ``order``.

    X'[i, c] = X[order[i], c] for c in ``columns``, X'[i, c] = X[i, c] otherwise: one
    permutation for all the columns of an input, so their joint values stay together.

    Parameters
    ----------
    inputs : ndarray, shape (n_samples, n_features)
    columns : sequence of int
    order : ndarray of int, shape (n_samples,)
        A permutation of 0 … n_samples − 1.

    Returns
    -------
    ndarray, shape (n_samples, n_features)
    """
    shuffled = inputs.copy()
    columns = list(columns)
    shuffled[:, columns] = inputs[order][:, columns]
    return shuffled


def permutation_importance(
    predict: Predict, inputs: np.ndarray, truth: np.ndarray, weights: np.ndarray,
    groups: Mapping[str, Sequence[int]], *, n_repeats: int, rng: np.random.Generator,
) -> PermutationImportance:
    """Permutation feature importance: the increase of the weighted MSE when one input's
    columns are permuted across samples, ``n_repeats`` times.

    For input g and repeat r, with π_r a random permutation of the samples,
    Δ_{g,r} = MSE_w(f(X with the columns of g taken from rows π_r), y) − MSE_w(f(X), y),
    MSE_w(ŷ, y) = Σ wᵢ (ŷᵢ − yᵢ)² / Σ wᵢ (Breiman 2001; Fisher, Rudin and Dominici 2019).
    Each input draws its own permutations from ``rng`` in the given order.

    Parameters
    ----------
    predict : callable
        Unscaled inputs (n_samples, n_features) → predictions (n_samples,), target units.
    inputs : ndarray, shape (n_samples, n_features)
    truth : ndarray, shape (n_samples,)
    weights : ndarray, shape (n_samples,)
        Non-negative sample weights (cell areas).
    groups : mapping of str to sequence of int
        Each input's columns of ``inputs``.
    n_repeats : int
        Permutations per input (≥ 1).
    rng : numpy.random.Generator

    Returns
    -------
    PermutationImportance
        Increases in the target's units squared.

    Raises
    ------
    ValueError
        If ``n_repeats < 1`` or a group has no column.
    """
    if n_repeats < 1:
        raise ValueError(f"n_repeats must be ≥ 1, got {n_repeats}")
    truth = np.asarray(truth, np.float64)
    predicted = np.asarray(predict(inputs), np.float64)
    baseline_error = (predicted - truth) ** 2
    baseline = mean_squared_error(predicted, truth, weights)
    increases = np.empty((len(groups), n_repeats))
    per_sample = np.zeros((len(groups), truth.shape[0]))
    for index, (name, columns) in enumerate(groups.items()):
        if not len(columns):
            raise ValueError(f"the input '{name}' has no column")
        for repeat in range(n_repeats):
            shuffled = permuted_columns(inputs, columns, rng.permutation(truth.shape[0]))
            permuted_prediction = np.asarray(predict(shuffled), np.float64)
            increases[index, repeat] = mean_squared_error(permuted_prediction, truth, weights) - baseline
            per_sample[index] += (permuted_prediction - truth) ** 2 - baseline_error
    return PermutationImportance(tuple(groups), baseline, increases, per_sample / n_repeats)


#: |r| between two inputs' columns on the test block above which their permutation importances
#: are said to be read together (:func:`correlated_inputs`): shuffling one of two inputs this
#: close pairs values that hardly occur together, so its increase measures the network's
#: extrapolation there (Hooker, Mentch and Zhou 2021, "Unrestricted permutation forces
#: extrapolation", *Statistics and Computing* 31, 82; scikit-learn's user guide on
#: permutation importance warns of correlated features likewise). 0.8 is where both name a
#: "strong" correlation.
STRONG_CORRELATION = 0.8


def correlated_inputs(inputs: np.ndarray, weights: np.ndarray, groups: Mapping[str, Sequence[int]], *,
                      threshold: float = STRONG_CORRELATION) -> list[dict]:
    """Pairs of inputs with a column each whose weighted correlation exceeds ``threshold`` in size.

    r = Σ w (a − ā)(b − b̄) / √(Σ w (a − ā)² · Σ w (b − b̄)²), ā and b̄ weighted means, for
    every pair of columns of two different inputs; a constant column correlates with nothing.

    Parameters
    ----------
    inputs : ndarray, shape (n_samples, n_features)
    weights : ndarray, shape (n_samples,)
        Each sample's cell area.
    groups : mapping of str to sequence of int
        Each input's columns (as for :func:`permutation_importance`).
    threshold : float

    Returns
    -------
    list of dict
        ``{"inputs": [a, b], "columns": [column index of a, of b], "r": r}`` for each pair of
        inputs, at its pair of columns of largest |r|; largest |r| first.
    """
    weights = np.asarray(weights, np.float64) / np.sum(weights)
    centred = np.asarray(inputs, np.float64) - weights @ np.asarray(inputs, np.float64)
    covariance = (centred * weights[:, None]).T @ centred
    scale = np.sqrt(np.diag(covariance))
    with np.errstate(divide="ignore", invalid="ignore"):
        correlation = covariance / np.outer(scale, scale)
    names = list(groups)
    found = []
    for first, name in enumerate(names):
        for other in names[first + 1:]:
            block = np.abs(np.nan_to_num(correlation[np.ix_(list(groups[name]), list(groups[other]))], nan=0.0))
            row, column = np.unravel_index(np.argmax(block), block.shape)
            if block[row, column] > threshold:
                pair = [int(groups[name][row]), int(groups[other][column])]
                found.append({"inputs": [name, other], "columns": pair, "r": float(correlation[pair[0], pair[1]])})
    return sorted(found, key=lambda entry: -abs(entry["r"]))


def feature_grid(values: np.ndarray, *, n_points: int = 20, percentiles: tuple[float, float] = (0.05, 0.95)
                 ) -> np.ndarray:
    """The values a partial dependence is evaluated at: ``n_points`` evenly spaced from the
    lower to the upper percentile of ``values`` (linear interpolation between order
    statistics), or the distinct values when there are no more than ``n_points`` of them (as
    scikit-learn's grid for a feature with few values).

    Parameters
    ----------
    values : ndarray, shape (n_samples,)
        One column of the inputs, in its physical units.
    n_points : int
    percentiles : (float, float)
        Fractions in [0, 1], lower < upper.

    Returns
    -------
    ndarray, shape (≤ n_points,), float64, increasing
    """
    values = np.asarray(values, np.float64)
    distinct = np.unique(values)
    if distinct.size <= n_points:
        return distinct
    low, high = np.quantile(values, percentiles)
    return np.linspace(low, high, n_points) if high > low else np.array([low])


def individual_conditional_expectation(
    predict: Predict, inputs: np.ndarray, column: int, grid: np.ndarray
) -> np.ndarray:
    """ICE curves: f(x⁽ⁱ⁾ with column c set to v) for every grid value v and sample i
    (Goldstein et al. 2015), the "brute" method (one prediction per sample and value).

    Parameters
    ----------
    predict : callable
        Unscaled inputs (n_samples, n_features) → predictions (n_samples,).
    inputs : ndarray, shape (n_samples, n_features)
    column : int
    grid : ndarray, shape (n_points,)
        Values of the column, in its units.

    Returns
    -------
    ndarray, shape (n_points, n_samples), float64
        In the target's units.
    """
    n_samples = inputs.shape[0]
    stacked = np.tile(inputs, (len(grid), 1))
    stacked[:, column] = np.repeat(np.asarray(grid, inputs.dtype), n_samples)
    return np.asarray(predict(stacked), np.float64).reshape(len(grid), n_samples)


def partial_dependence(ice: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Partial dependence from ICE curves: PD(v) = Σᵢ wᵢ f(x⁽ⁱ⁾ with x_c = v) / Σᵢ wᵢ
    (Friedman 2001, eq. 40 with sample weights; scikit-learn's ``average``).

    Parameters
    ----------
    ice : ndarray, shape (n_points, n_samples)
    weights : ndarray, shape (n_samples,), optional
        Cell areas; the plain mean when None.

    Returns
    -------
    ndarray, shape (n_points,)
    """
    return np.average(ice, axis=1, weights=weights)


def partial_dependence_over_samples(
    predict: Predict, inputs: np.ndarray, column: int, grid: np.ndarray, weights: np.ndarray | None = None, *,
    chunk_rows: int = PD_CHUNK_ROWS,
) -> np.ndarray:
    """Partial dependence over every sample, without holding every ICE curve:
    PD(v) = Σᵢ wᵢ f(x⁽ⁱ⁾ with x_c = v) / Σᵢ wᵢ (Friedman 2001, eq. 40 with sample weights),
    the weighted sums gathered chunk by chunk of samples, each chunk's ICE curves
    (:func:`individual_conditional_expectation`) at most ``chunk_rows`` rows of predictions.

    The same as ``partial_dependence(individual_conditional_expectation(predict, inputs,
    column, grid), weights)`` up to the order of the sums, in memory that does not grow with
    the number of samples (the latter predicts n_points · n_samples rows at once).

    Parameters
    ----------
    predict : callable
        Unscaled inputs (n, n_features) → predictions (n,), target units; a function of
        each row alone (rows are predicted in chunks).
    inputs : ndarray, shape (n_samples, n_features)
    column : int
    grid : ndarray, shape (n_points,)
        Values of the column, in its units.
    weights : ndarray, shape (n_samples,), optional
        Cell areas (non-negative, positive sum); the plain mean when None.
    chunk_rows : int
        Rows predicted at once (n_points rows per sample; at least one sample a chunk).

    Returns
    -------
    ndarray, shape (n_points,), float64
        In the target's units.
    """
    n_samples = inputs.shape[0]
    weights = np.ones(n_samples) if weights is None else np.asarray(weights, np.float64)
    per_chunk = max(1, chunk_rows // max(1, len(grid)))
    sums = np.zeros(len(grid))
    for start in range(0, n_samples, per_chunk):
        part = slice(start, start + per_chunk)
        sums += individual_conditional_expectation(predict, inputs[part], column, grid) @ weights[part]
    return sums / weights.sum()


def weighted_quantiles(values: np.ndarray, quantiles: Sequence[float], weights: np.ndarray | None = None
                       ) -> np.ndarray:
    """Weighted quantiles along the last axis by the inverted cumulative distribution:
    the smallest value v with Σ_{xᵢ ≤ v} wᵢ ≥ q Σ wᵢ (numpy's ``method="inverted_cdf"``;
    with equal weights, the ordinary inverted-cdf quantile).

    Parameters
    ----------
    values : ndarray, shape (..., n_samples)
    quantiles : sequence of float
        Fractions in [0, 1].
    weights : ndarray, shape (n_samples,), optional
        Non-negative, with a positive sum; equal when None.

    Returns
    -------
    ndarray, shape (n_quantiles, ...)
    """
    values = np.asarray(values, np.float64)
    weights = np.ones(values.shape[-1]) if weights is None else np.asarray(weights, np.float64)
    order = np.argsort(values, axis=-1, kind="stable")
    ordered = np.take_along_axis(values, order, axis=-1)
    cumulative = np.cumsum(weights[order], axis=-1)
    cumulative /= cumulative[..., -1:]  # the distribution function, as numpy computes it
    result = []
    for quantile in quantiles:
        position = np.argmax(cumulative >= quantile, axis=-1)  # the first where it reaches q
        result.append(np.take_along_axis(ordered, position[..., None], axis=-1)[..., 0])
    return np.stack(result)
