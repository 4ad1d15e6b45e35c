"""Tests for climann/model/sums.py: chunk sums add up to the whole data's mean loss and gradient."""

import numpy as np
import pytest

from climann.errors import ClimannError
from climann.model import Network
from climann.model.gradcheck import finite_difference_gradients
from climann.model.losses import Huber
from climann.model.sums import ChunkSums, chunk_sums


def _data(n_samples=300, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, 3))
    y = np.stack([X[:, 0] * X[:, 1], np.sin(X[:, 2])], axis=1)
    weights = rng.uniform(0.1, 2.0, n_samples)
    mask = rng.uniform(size=(n_samples, 2)) > 0.3
    return X, np.where(mask, y, np.nan), weights, mask


def _flat(gradients):
    """The (dW, db) list of Network.loss_and_gradients as one vector, in the parameter layout."""
    return np.concatenate([dW.ravel() for dW, _ in gradients] + [db for _, db in gradients])


@pytest.mark.parametrize(
    "loss", [pytest.param("mse", id="mse"), pytest.param("mae", id="mae"), pytest.param(Huber(delta=0.3), id="huber")]
)
@pytest.mark.parametrize(
    "bounds", [pytest.param((0, 300), id="one-chunk"), pytest.param((0, 7, 150, 151, 300), id="uneven-chunks")]
)
def test_chunk_sums_divided_by_their_weight_are_the_mean_loss_and_gradient(loss, bounds):
    network = Network([3, 16, 8, 2], activation="tanh", seed=1, dtype="float64")
    X, y, weights, mask = _data()
    expected_loss, expected = network.loss_and_gradients(X, y, loss=loss, sample_weight=weights, mask=mask)
    parts = [
        chunk_sums(network, network.parameter_vector, X[a:b], y[a:b], weights[a:b], mask[a:b], loss=loss, rows_per_pass=64)
        for a, b in zip(bounds[:-1], bounds[1:])
    ]
    total = ChunkSums.total(parts)
    assert total.n_samples == 300
    assert total.weight == pytest.approx(np.sum(weights[:, None] * mask))
    assert total.mean_loss() == pytest.approx(expected_loss, rel=1e-12)
    np.testing.assert_allclose(total.mean_gradient(np.empty(network.parameter_vector.size)), _flat(expected), rtol=1e-10, atol=1e-14)


def test_the_gradient_sum_matches_finite_differences_of_the_loss_sum():
    network = Network([2, 5, 1], activation="sigmoid", seed=0, dtype="float64")
    X, y = np.random.default_rng(3).normal(size=(40, 2)), np.random.default_rng(4).normal(size=(40, 1))
    sums = chunk_sums(network, network.parameter_vector, X, y)
    # The sum S = W·J with W = 40 unweighted samples: its gradient is 40 times the mean's.
    numeric = finite_difference_gradients(network, X, y)
    np.testing.assert_allclose(sums.gradient, 40 * _flat(numeric), rtol=1e-5, atol=1e-7)


def test_the_parameters_given_are_used_not_the_networks_own():
    network, other = Network([2, 4, 1], seed=0), Network([2, 4, 1], seed=7)
    X, y = np.ones((5, 2), np.float32), np.zeros((5, 1), np.float32)
    before = network.parameter_vector.copy()
    sums = chunk_sums(network, other.parameter_vector, X, y, gradient=False)
    assert sums.mean_loss() == pytest.approx(other.loss(X, y), rel=1e-6)
    assert sums.gradient is None
    np.testing.assert_array_equal(network.parameter_vector, before)


def test_sums_in_float32_agree_with_float64_to_float_tolerance():
    X, y, _, _ = _data(5000)
    wide = Network([3, 32, 2], seed=2, dtype="float64")
    narrow = wide.astype("float32")
    exact = chunk_sums(wide, wide.parameter_vector, X, np.nan_to_num(y))
    approximate = chunk_sums(narrow, narrow.parameter_vector, X.astype(np.float32), np.nan_to_num(y).astype(np.float32))
    assert approximate.loss == pytest.approx(exact.loss, rel=1e-5)
    np.testing.assert_allclose(approximate.gradient, exact.gradient, rtol=1e-3, atol=1e-3 * np.abs(exact.gradient).max())


def test_empty_and_mismatched_inputs():
    network = Network([2, 3, 1], seed=0)
    empty = chunk_sums(network, network.parameter_vector, np.empty((0, 2), np.float32), np.empty((0, 1), np.float32))
    assert (empty.loss, empty.weight, empty.n_samples) == (0.0, 0.0, 0)
    with pytest.raises(ClimannError, match="no target is observed"):
        empty.mean_loss()
    with pytest.raises(ClimannError, match="parameters must have shape"):
        chunk_sums(network, np.zeros(3), np.ones((2, 2)), np.ones((2, 1)))
    with pytest.raises(ClimannError, match="no chunk"):
        ChunkSums.total([])
    with pytest.raises(ClimannError, match="loss-only"):
        _ = empty + ChunkSums(1.0, 1.0, 1)


def _unaligned_copy(values):
    """``values`` in memory one byte off the item size's alignment (as arrays deserialised
    from a network message can be)."""
    buffer = np.empty(values.nbytes + 1, np.uint8)
    unaligned = np.ndarray(values.shape, values.dtype, buffer=buffer, offset=1)
    unaligned[...] = values
    assert not unaligned.flags.aligned
    return unaligned


def test_a_chunk_in_unaligned_memory_gives_the_same_bits():
    rng = np.random.default_rng(4)
    table = rng.normal(size=(300, 8)).astype(np.float32)
    network = Network([7, 8, 1], seed=0)
    aligned = chunk_sums(network, network.parameter_vector, table[:, :7], table[:, 7:])
    moved = _unaligned_copy(table)
    unaligned = chunk_sums(network, network.parameter_vector, moved[:, :7], moved[:, 7:])
    assert unaligned.loss == aligned.loss
    np.testing.assert_array_equal(unaligned.gradient, aligned.gradient)
