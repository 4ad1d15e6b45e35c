"""Tests for climann/model/gradcheck.py."""

import numpy as np
import pytest

from climann.model import Network, finite_difference_gradients, relative_error


def test_finite_differences_match_the_closed_form_of_a_linear_model():
    # One identity layer with mse: J = 1/(2mk) Σ(XW + b − y)², so
    # ∂J/∂W = Xᵀ(XW + b − y)/(m·k) and ∂J/∂b = Σ_rows (XW + b − y)/(m·k), by hand.
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(6, 3)), rng.normal(size=(6, 2))
    network = Network([3, 2], activation=[], init="glorot", seed=1, dtype="float64")
    residual = X @ network.weights[0] + network.biases[0] - y
    [(dW, db)] = finite_difference_gradients(network, X, y, loss="mse")
    np.testing.assert_allclose(dW, X.T @ residual / 12, rtol=1e-8)
    np.testing.assert_allclose(db, residual.sum(axis=0) / 12, rtol=1e-8)


def test_works_in_float64_and_leaves_the_network_alone():
    network = Network([2, 3, 1], activation="tanh", seed=0)  # float32
    before = [p.copy() for p in network.parameters()]
    X, y = np.ones((4, 2)), np.zeros((4, 1))
    gradients = finite_difference_gradients(
        network, X, y, sample_weight=np.array([1.0, 2.0, 3.0, 4.0])
    )
    assert [(dW.shape, db.shape) for dW, db in gradients] == [((2, 3), (3,)), ((3, 1), (1,))]
    assert all(dW.dtype == np.float64 and db.dtype == np.float64 for dW, db in gradients)
    assert all(
        np.array_equal(a, b) and a.dtype == np.float32
        for a, b in zip(network.parameters(), before, strict=True)
    )


@pytest.mark.parametrize(
    "a, b, expected",
    [
        pytest.param([1.0, 0.0], [0.0, 1.0], np.sqrt(2) / 2, id="orthogonal"),
        pytest.param([2.0, 0.0], [1.0, 0.0], 1 / 3, id="factor-two"),
        pytest.param([1.0, 2.0], [1.0, 2.0], 0.0, id="equal"),
        pytest.param([0.0, 0.0], [0.0, 0.0], 0.0, id="both-zero"),
    ],
)
def test_relative_error_by_hand(a, b, expected):
    assert relative_error(np.array(a), np.array(b)) == pytest.approx(expected, rel=1e-15, abs=0)
