"""Permutation importance, partial dependence and ICE (climann/evaluation/importance.py), against
hand computations and against scikit-learn's ``sklearn.inspection`` on a small case."""

from types import SimpleNamespace

import numpy as np
import pytest

from climann.evaluation.importance import (
    correlated_inputs,
    feature_grid,
    individual_conditional_expectation,
    partial_dependence,
    partial_dependence_over_samples,
    permutation_importance,
    permuted_columns,
    weighted_quantiles,
)


def model(inputs):
    """A nonlinear model of three columns that ignores the third: 3 x₀ + sin(2 x₁) + x₀ x₁."""
    inputs = np.asarray(inputs, np.float64)
    return 3 * inputs[:, 0] + np.sin(2 * inputs[:, 1]) + inputs[:, 0] * inputs[:, 1]


@pytest.fixture(scope="module")
def sklearn():
    """scikit-learn's ``sklearn.inspection`` and the model as its regressor, imported by the
    tests that compare with it only: importing scikit-learn at the module's top cost every
    test process ≈ 1.7 s of CPU while it collected the suite."""
    from sklearn import inspection
    from sklearn.base import BaseEstimator, RegressorMixin

    class Wrapped(RegressorMixin, BaseEstimator):
        """The model as a scikit-learn regressor (already fitted: nothing to learn)."""

        def fit(self, X, y=None):
            return self

        def predict(self, X):
            return model(X)

        def __sklearn_is_fitted__(self):
            return True

    return SimpleNamespace(permutation_importance=inspection.permutation_importance,
                           partial_dependence=inspection.partial_dependence, Wrapped=Wrapped)


@pytest.fixture(scope="module")
def case():
    rng = np.random.default_rng(42)
    inputs = rng.normal(size=(300, 3))
    truth = model(inputs) + rng.normal(0, 0.5, 300)
    weights = np.exp(inputs[:, 1])  # like cell areas, and tied to an input: an unweighted MSE would not match
    return inputs, truth, weights


def test_permuted_columns_move_a_group_together_and_leave_the_rest():
    inputs = np.arange(12.0).reshape(4, 3)
    order = np.array([2, 0, 3, 1])
    shuffled = permuted_columns(inputs, [0, 2], order)
    np.testing.assert_array_equal(shuffled[:, [0, 2]], inputs[order][:, [0, 2]])
    np.testing.assert_array_equal(shuffled[:, 1], inputs[:, 1])
    assert shuffled[1, 0] == inputs[0, 0] and shuffled[1, 2] == inputs[0, 2]  # one permutation, both columns
    np.testing.assert_array_equal(inputs, np.arange(12.0).reshape(4, 3))  # the input is untouched


def test_permutation_importance_is_the_weighted_mse_increase_of_each_permutation(case):
    inputs, truth, weights = case
    groups = {"first two": [0, 1], "third": [2]}
    result = permutation_importance(model, inputs, truth, weights, groups, n_repeats=3, rng=np.random.default_rng(7))

    def weighted_mse(predicted):
        return np.sum(weights * (predicted - truth) ** 2) / np.sum(weights)

    baseline = weighted_mse(model(inputs))
    assert result.baseline_mse == pytest.approx(baseline, rel=1e-12)
    rng = np.random.default_rng(7)  # the same draws, in the documented order: input by input
    for row, columns in enumerate(groups.values()):
        per_sample = np.zeros(truth.size)
        for repeat in range(3):
            order = rng.permutation(truth.size)
            shuffled = inputs.copy()
            shuffled[:, columns] = inputs[order][:, columns]
            assert result.increases[row, repeat] == pytest.approx(weighted_mse(model(shuffled)) - baseline, rel=1e-10)
            per_sample += (model(shuffled) - truth) ** 2 - (model(inputs) - truth) ** 2
        np.testing.assert_allclose(result.squared_error_increases[row], per_sample / 3, rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(result.increases[1], 0.0)  # the model ignores the third column
    assert result.ranking() == [0, 1]
    np.testing.assert_allclose(result.std, result.increases.std(axis=1))


def test_permutation_importance_matches_scikit_learn_within_sampling_error(case, sklearn):
    inputs, truth, weights = case
    repeats = 40
    ours = permutation_importance(model, inputs, truth, weights, {f"x{i}": [i] for i in range(3)},
                                  n_repeats=repeats, rng=np.random.default_rng(0))
    theirs = sklearn.permutation_importance(sklearn.Wrapped(), inputs, truth, scoring="neg_mean_squared_error", n_repeats=repeats,
                                       random_state=0, sample_weight=weights)
    # importance = baseline score − permuted score = MSE_permuted − MSE for the negative MSE
    standard_error = np.sqrt((ours.std**2 + theirs.importances_std**2) / repeats)
    assert np.all(np.abs(ours.mean - theirs.importances_mean) <= 4 * standard_error + 1e-12)
    assert ours.mean[0] > 10 * standard_error[0]  # a real importance, not two zeros agreeing
    np.testing.assert_array_equal(ours.mean[2], theirs.importances_mean[2])  # both exactly 0


@pytest.mark.parametrize("column", [pytest.param(0, id="linear-and-interaction"), pytest.param(1, id="sine")])
def test_partial_dependence_and_ice_equal_scikit_learns_brute_method(case, sklearn, column):
    inputs, _, weights = case
    grid = feature_grid(inputs[:, column], n_points=7)
    ice = individual_conditional_expectation(model, inputs, column, grid)
    theirs = sklearn.partial_dependence(sklearn.Wrapped(), inputs, [column], method="brute", kind="both", sample_weight=weights,
                                   custom_values={column: grid})
    np.testing.assert_allclose(theirs["grid_values"][0], grid)
    np.testing.assert_allclose(ice, theirs["individual"][0].T, rtol=1e-12)
    np.testing.assert_allclose(partial_dependence(ice, weights), theirs["average"][0], rtol=1e-12)



@pytest.mark.parametrize("chunk_rows", [
    pytest.param(1, id="one-sample-a-chunk"), pytest.param(7 * 41, id="41-samples-a-chunk-and-a-short-last"),
    pytest.param(10**6, id="all-at-once"),
])
def test_partial_dependence_over_samples_in_chunks_equals_scikit_learns_average(case, sklearn, chunk_rows):
    inputs, _, weights = case
    grid = feature_grid(inputs[:, 0], n_points=7)
    theirs = sklearn.partial_dependence(sklearn.Wrapped(), inputs, [0], method="brute", kind="average", sample_weight=weights,
                                   custom_values={0: grid})
    ours = partial_dependence_over_samples(model, inputs, 0, grid, weights, chunk_rows=chunk_rows)
    np.testing.assert_allclose(ours, theirs["average"][0], rtol=1e-12)
    unweighted = partial_dependence_over_samples(model, inputs, 0, grid, chunk_rows=chunk_rows)
    np.testing.assert_allclose(unweighted, [model(np.c_[np.full(300, v), inputs[:, 1:]]).mean() for v in grid])

def test_ice_is_the_prediction_with_one_column_set():
    inputs = np.array([[1.0, 2.0], [3.0, -1.0]])
    ice = individual_conditional_expectation(lambda x: x[:, 0] * 10 + x[:, 1], inputs, 0, np.array([0.0, 0.5]))
    np.testing.assert_allclose(ice, [[2.0, -1.0], [7.0, 4.0]])
    np.testing.assert_allclose(partial_dependence(ice), [0.5, 5.5])
    np.testing.assert_allclose(partial_dependence(ice, np.array([3.0, 1.0])), [1.25, 6.25])


def test_feature_grid_spans_the_5_to_95_percentiles_or_lists_few_values():
    values = np.random.default_rng(1).gamma(2.0, size=1000)
    grid = feature_grid(values, n_points=11)
    np.testing.assert_allclose(grid, np.linspace(*np.percentile(values, [5, 95]), 11))
    np.testing.assert_array_equal(feature_grid(np.array([3.0, 1.0, 3.0, 2.0]), n_points=5), [1.0, 2.0, 3.0])


@pytest.mark.parametrize("weighted", [pytest.param(False, id="equal"), pytest.param(True, id="weighted")])
def test_weighted_quantiles_equal_numpys_inverted_cdf(weighted):
    rng = np.random.default_rng(5)
    values = rng.normal(size=(4, 101))
    weights = rng.uniform(0.1, 2.0, 101) if weighted else None
    quantiles = [0.0, 0.1, 0.5, 0.9, 1.0]
    ours = weighted_quantiles(values, quantiles, weights)
    expected = np.quantile(values, quantiles, axis=1, method="inverted_cdf", weights=weights)
    np.testing.assert_array_equal(ours, expected)


def _weighted_correlation(a, b, weights):
    """Independently: numpy's weighted covariance (np.cov with aweights) as a correlation."""
    covariance = np.cov(np.stack([a, b]), aweights=weights)
    return covariance[0, 1] / np.sqrt(covariance[0, 0] * covariance[1, 1])


@pytest.mark.parametrize("weighted", [pytest.param(False, id="equal-weights"), pytest.param(True, id="weighted")])
def test_correlated_inputs_names_the_pairs_above_the_threshold_with_numpys_r(weighted):
    rng = np.random.default_rng(4)
    n = 2000
    base, other, free = rng.normal(size=(3, n))
    inputs = np.column_stack([base, base + 0.3 * rng.normal(size=n),  # twin: r ≈ 0.96
                              free, -other, np.ones(n),  # season: anti-correlated with wave, and a constant
                              other + 0.2 * rng.normal(size=n)])
    groups = {"base": [0], "twin": [1], "free": [2], "season": [3, 4], "wave": [5]}
    weights = rng.uniform(0.2, 1.0, n) if weighted else np.ones(n)
    found = correlated_inputs(inputs, weights, groups)
    expected = {("base", "twin"): _weighted_correlation(inputs[:, 0], inputs[:, 1], weights),
                ("season", "wave"): _weighted_correlation(inputs[:, 3], inputs[:, 5], weights)}
    assert [tuple(entry["inputs"]) for entry in found] == sorted(expected, key=lambda pair: -abs(expected[pair]))
    for entry in found:
        assert entry["r"] == pytest.approx(expected[tuple(entry["inputs"])], rel=1e-9)
    assert next(entry for entry in found if entry["inputs"] == ["season", "wave"])["columns"] == [3, 5]
    assert correlated_inputs(inputs, weights, groups, threshold=0.999) == []
