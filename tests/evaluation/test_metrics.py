import numpy as np
import pytest

from climann.evaluation.metrics import (
    coefficient_of_determination,
    mean_absolute_error,
    mean_bias,
    mean_squared_error,
    pearson_correlation,
    score,
    skill_score,
    weighted_mean,
)


def test_scores_against_hand_computed_values():
    truth = np.array([1.0, 2.0, 3.0, 4.0])
    predicted = np.array([1.5, 2.0, 2.0, 6.0])  # errors 0.5, 0, -1, 2
    assert mean_squared_error(predicted, truth) == pytest.approx((0.25 + 0 + 1 + 4) / 4)
    assert mean_absolute_error(predicted, truth) == pytest.approx((0.5 + 0 + 1 + 2) / 4)
    assert mean_bias(predicted, truth) == pytest.approx(1.5 / 4)
    assert score(predicted, truth)["rmse"] == pytest.approx(np.sqrt(5.25 / 4))
    # R² = 1 − SSE/SST with SST = Σ(y − 2.5)² = 5
    assert coefficient_of_determination(predicted, truth) == pytest.approx(1 - 5.25 / 5)
    assert pearson_correlation(predicted, truth) == pytest.approx(np.corrcoef(predicted, truth)[0, 1])


def test_weighted_scores_on_a_three_by_four_grid_with_cos_latitude():
    rng = np.random.default_rng(0)
    truth = rng.normal(size=(3, 4))
    predicted = truth + rng.normal(size=(3, 4))
    row_weights = np.cos(np.deg2rad([-60.0, 0.0, 60.0]))  # 0.5, 1, 0.5
    weights = np.repeat(row_weights, 4)
    error = (predicted - truth).reshape(-1)
    hand_mse = sum(row_weights[r] * ((predicted[r] - truth[r]) ** 2).sum() for r in range(3)) / (4 * row_weights.sum())
    assert mean_squared_error(predicted.reshape(-1), truth.reshape(-1), weights) == pytest.approx(hand_mse)
    assert mean_bias(predicted.reshape(-1), truth.reshape(-1), weights) == pytest.approx((weights * error).sum() / weights.sum())
    # weighted Pearson equals the unweighted one on data where each row is repeated by its weight (2:1)
    repeats = np.repeat(np.array([1, 2, 1]), 4)
    expanded = np.corrcoef(np.repeat(predicted.reshape(-1), repeats), np.repeat(truth.reshape(-1), repeats))[0, 1]
    assert pearson_correlation(predicted.reshape(-1), truth.reshape(-1), weights) == pytest.approx(expanded)


def test_missing_values_are_skipped_in_either_array():
    truth = np.array([1.0, np.nan, 3.0, 4.0])
    predicted = np.array([2.0, 5.0, np.nan, 4.0])
    assert mean_squared_error(predicted, truth) == pytest.approx((1 + 0) / 2)
    assert weighted_mean(np.array([1.0, np.nan, 3.0]), np.array([1.0, 5.0, 1.0])) == pytest.approx(2.0)


def test_multi_output_weights_apply_along_samples():
    values = np.array([[1.0, 3.0], [5.0, 7.0]])
    assert weighted_mean(values, np.array([3.0, 1.0])) == pytest.approx((3 * 4 + 1 * 12) / 8)


def test_skill_score():
    assert skill_score(1.0, 4.0) == pytest.approx(0.75)
    assert skill_score(4.0, 4.0) == 0.0
