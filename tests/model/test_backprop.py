"""Tests for climann/model/backprop.py: the forward pass and backpropagation formulas."""

import numpy as np
import pytest

from climann.model import Network
from climann.model.activations import Identity
from climann.model.backprop import BatchBuffers, backward, forward, layer_delta, layer_gradients

ACTIVATIONS = ["identity", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "silu"]


def test_forward_is_the_explicit_composition():
    network = Network([3, 4, 5, 2], activation=["tanh", "sigmoid"], seed=4, dtype="float64")
    X = np.random.default_rng(0).normal(size=(7, 3))
    W, b = network.weights, network.biases
    hidden_1 = np.tanh(X @ W[0] + b[0])
    hidden_2 = 1 / (1 + np.exp(-(hidden_1 @ W[1] + b[1])))
    np.testing.assert_allclose(network.predict(X), hidden_2 @ W[2] + b[2], rtol=1e-13)


@pytest.mark.parametrize("activation", [pytest.param(a, id=a) for a in ACTIVATIONS])
def test_buffers_give_the_same_forward_pass(activation):
    network = Network([3, 5, 2], activation=activation, output_activation="sigmoid", seed=2)
    X = np.random.default_rng(0).normal(size=(7, 3)).astype(np.float32)
    buffers = BatchBuffers.allocate(network.layer_sizes, 7, network.dtype)
    args = (X, network.weights, network.biases, network.layer_activations)
    fresh = forward(*args)
    reused = forward(*args, buffers)
    for a, b in zip(fresh[0] + fresh[1], reused[0] + reused[1], strict=True):
        np.testing.assert_array_equal(a, b)


def test_layer_gradients_by_hand():
    inputs = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    delta = np.array([[1.0], [0.0], [-1.0]])
    dW, db = layer_gradients(delta, inputs)
    np.testing.assert_array_equal(dW, [[1 - 5], [2 - 6]])  # Σ_i x_i δ_i
    np.testing.assert_array_equal(db, [0.0])
    out = (np.empty((2, 1)), np.empty(1))
    assert all(a is b for a, b in zip(layer_gradients(delta, inputs, out=out), out, strict=True))


def test_identity_delta_is_the_gradient_itself():
    gradient = np.ones((3, 2))
    assert layer_delta(gradient, Identity(), gradient, gradient) is gradient


@pytest.mark.parametrize("n_outputs", [pytest.param(1, id="k1"), pytest.param(3, id="k3")])
def test_backward_into_buffers_equals_new_arrays(n_outputs):
    # k = 1 takes the outer-product path for δ Wᵀ.
    network = Network([3, 5, 4, n_outputs], activation="tanh", seed=0, dtype="float64")
    X = np.random.default_rng(1).normal(size=(6, 3))
    args = (network.weights, network.biases, network.layer_activations)
    buffers = BatchBuffers.allocate(network.layer_sizes, 6, network.dtype)
    output_gradient = np.random.default_rng(2).normal(size=(6, n_outputs))
    fresh = backward(output_gradient.copy(), *forward(X, *args), network.weights, args[2])
    gradients = [(np.empty_like(w), np.empty_like(b)) for w, b in zip(*args[:2], strict=True)]
    buffers.gradients[-1][...] = output_gradient
    reused = backward(
        buffers.gradients[-1],
        *forward(X, *args, buffers),
        network.weights,
        args[2],
        gradients=gradients,
        buffers=buffers,
    )
    for (a, b), (c, d) in zip(fresh, reused, strict=True):
        np.testing.assert_allclose(a, c, rtol=1e-14)
        np.testing.assert_allclose(b, d, rtol=1e-14)


@pytest.mark.parametrize("activation", [pytest.param(a, id=a) for a in ACTIVATIONS])
def test_derivatives_kept_from_the_forward_pass_give_the_same_gradients(activation):
    """Training keeps σ'(Z) from the forward pass (a ReLU computes value and derivative from
    one comparison); the gradients must be those of the derivative taken in the backward pass
    (equal as numbers: a ReLU's value may be −0.0 where it was 0.0)."""
    network = Network([3, 6, 5, 2], activation=activation, output_activation="sigmoid", seed=4)
    rng = np.random.default_rng(5)
    X = rng.normal(size=(9, 3)).astype(np.float32)
    X[0] = 0.0  # pre-activations equal to the biases (0: the ReLU's kink) in the first layer
    output_gradient = rng.normal(size=(9, 2)).astype(np.float32)
    args = (network.weights, network.biases, network.layer_activations)
    results = []
    for keep in (False, True):
        buffers = BatchBuffers.allocate(network.layer_sizes, 9, network.dtype)
        buffers.gradients[-1][...] = output_gradient
        pre_activations, outputs = forward(X, *args, buffers, keep_derivatives=keep)
        gradients = backward(buffers.gradients[-1], pre_activations, outputs, network.weights, args[2],
                             buffers=buffers, derivatives_kept=keep)
        results.append((outputs, gradients))
    (outputs, gradients), (kept_outputs, kept_gradients) = results
    for a, b in zip(outputs, kept_outputs, strict=True):
        np.testing.assert_array_equal(a, b)
    for (dW, db), (kept_dW, kept_db) in zip(gradients, kept_gradients, strict=True):
        np.testing.assert_array_equal(dW, kept_dW)
        np.testing.assert_array_equal(db, kept_db)


def test_keeping_derivatives_needs_buffers():
    network = Network([2, 3, 1], seed=0)
    with pytest.raises(ValueError, match="buffers"):
        forward(np.ones((4, 2), np.float32), network.weights, network.biases, network.layer_activations,
                keep_derivatives=True)
