import numpy as np
import pytest

from climann.evaluation.metrics import mean_absolute_error, mean_squared_error, score, weighted_mean


def test_scores_against_hand_computed_values():
    truth = np.array([1.0, 2.0, 3.0, 4.0])
    predicted = np.array([1.5, 2.0, 2.0, 6.0])  # errors 0.5, 0, -1, 2
    assert mean_squared_error(predicted, truth) == pytest.approx((0.25 + 0 + 1 + 4) / 4)
    assert mean_absolute_error(predicted, truth) == pytest.approx((0.5 + 0 + 1 + 2) / 4)
    assert score(predicted, truth)["rmse"] == pytest.approx(np.sqrt(5.25 / 4))


def test_weighted_mean_on_a_three_by_four_grid():
    values = np.arange(12.0).reshape(3, 4)
    row_weights = np.array([0.5, 1.0, 0.5])  # e.g. cos(latitude) of three rows
    weights = np.repeat(row_weights, 4)
    hand = sum(row_weights[r] * values[r].sum() for r in range(3)) / (4 * row_weights.sum())
    assert weighted_mean(values.reshape(-1), weights) == pytest.approx(hand)
    assert weighted_mean(values.reshape(-1)) == pytest.approx(values.mean())


def test_multi_output_weights_apply_along_samples():
    values = np.array([[1.0, 3.0], [5.0, 7.0]])
    assert weighted_mean(values, np.array([3.0, 1.0])) == pytest.approx((3 * 4 + 1 * 12) / 8)
