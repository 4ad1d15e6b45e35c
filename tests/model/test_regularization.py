"""Tests for climann/model/regularization.py: L2 penalty and gradient-norm clipping."""

import numpy as np
import pytest

from climann.errors import ClimannError
from climann.model.regularization import (
    add_l2_gradient,
    check_clip_norm,
    check_l2,
    clip_by_global_norm,
    l2_penalty,
)


def test_l2_penalty_and_gradient_by_hand():
    weights = np.array([1.0, -2.0, 3.0])
    assert l2_penalty(weights, 0.5) == pytest.approx(0.25 * 14, rel=1e-15)
    gradient = np.array([0.1, 0.2, 0.3])
    add_l2_gradient(gradient, weights, 0.5, np.empty(3))
    np.testing.assert_allclose(gradient, [0.6, -0.8, 1.8], rtol=1e-15)


def test_clipping_scales_to_the_norm_and_keeps_the_direction():
    gradients = np.array([3.0, 0.0, -4.0])  # norm 5
    assert clip_by_global_norm(gradients, 1.0) == 5.0
    np.testing.assert_allclose(gradients, [0.6, 0.0, -0.8], rtol=1e-15)


def test_no_clipping_below_the_norm():
    gradients = np.array([3.0, 0.0, -4.0])
    clip_by_global_norm(gradients, 5.0)
    np.testing.assert_array_equal(gradients, [3.0, 0.0, -4.0])


def test_clipping_a_float32_norm_that_overflows():
    gradients = np.array([3e20, 4e20], dtype=np.float32)  # Σ g² overflows float32
    assert clip_by_global_norm(gradients, 1.0) == pytest.approx(5e20, rel=1e-6)
    np.testing.assert_allclose(gradients, [0.6, 0.8], rtol=1e-6)


@pytest.mark.parametrize("value", [-1.0, float("inf"), "0.1", True])
def test_invalid_l2(value):
    with pytest.raises(ClimannError, match="l2 must be a finite number >= 0"):
        check_l2(value)


@pytest.mark.parametrize("value", [0.0, -1.0, float("nan"), "1"])
def test_invalid_clip_norm(value):
    with pytest.raises(ClimannError, match="clip_norm must be a finite number > 0"):
        check_clip_norm(value)
