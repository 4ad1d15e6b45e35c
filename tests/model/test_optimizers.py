"""Tests for climann/model/optimizers.py: each update against independent NumPy formulas."""

import numpy as np
import pytest

from climann.errors import ClimannError
from climann.model.optimizers import (
    Adam,
    AdamW,
    GradientDescent,
    Momentum,
    Nesterov,
    RMSProp,
    get_optimizer,
)

N_WEIGHTS = 6  # the flat test vectors: 6 "weights", then 2 "biases"


def _parameters_and_gradients(dtype, seed=0, n_steps=1):
    rng = np.random.default_rng(seed)
    parameters = rng.normal(size=8).astype(dtype)
    gradients = [rng.normal(size=8).astype(dtype) for _ in range(n_steps)]
    return parameters, gradients


@pytest.mark.parametrize("name", [pytest.param("sgd", id="sgd"), pytest.param("gd", id="gd")])
@pytest.mark.parametrize(
    "dtype", [pytest.param(np.float32, id="float32"), pytest.param(np.float64, id="float64")]
)
def test_gradient_descent_is_exactly_w_minus_rate_times_gradient(name, dtype):
    parameters, (gradients,) = _parameters_and_gradients(dtype)
    expected = parameters - 0.1 * gradients
    view = parameters[:N_WEIGHTS]  # a view, as the network's weights are
    get_optimizer(name, learning_rate=0.1).step(parameters, gradients, n_weights=N_WEIGHTS)
    assert parameters.dtype == dtype
    np.testing.assert_array_equal(parameters, expected)
    np.testing.assert_array_equal(view, expected[:N_WEIGHTS])  # updated in place


# Independent references: the textbook formulas, one step at a time, without in-place tricks.


def _momentum_reference(w, gradients, learning_rate, momentum):
    v = np.zeros_like(w)
    for g in gradients:
        v = momentum * v + g
        w = w - learning_rate * v
    return w


def _nesterov_reference(w, gradients, learning_rate, momentum):
    v = np.zeros_like(w)
    for g in gradients:
        v = momentum * v + g
        w = w - learning_rate * (g + momentum * v)
    return w


def _rmsprop_reference(w, gradients, learning_rate, rho, epsilon):
    s = np.zeros_like(w)
    for g in gradients:
        s = rho * s + (1 - rho) * g**2
        w = w - learning_rate * g / (np.sqrt(s) + epsilon)
    return w


def _adam_reference(w, gradients, learning_rate, beta1=0.9, beta2=0.999, epsilon=1e-8, decay=0.0):
    """Adam as in Kingma & Ba (2015), Algorithm 1; with ``decay``, AdamW's decoupled weight
    decay of the first N_WEIGHTS entries first (PyTorch's order)."""
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    for t, g in enumerate(gradients, start=1):
        w = w.copy()
        w[:N_WEIGHTS] = w[:N_WEIGHTS] - learning_rate * decay * w[:N_WEIGHTS]
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        m_hat = m / (1 - beta1**t)
        v_hat = v / (1 - beta2**t)
        w = w - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon)
    return w


REFERENCES = [
    pytest.param(
        Momentum(learning_rate=0.05, momentum=0.8),
        lambda w, gs: _momentum_reference(w, gs, 0.05, 0.8),
        id="momentum",
    ),
    pytest.param(
        Nesterov(learning_rate=0.05, momentum=0.7),
        lambda w, gs: _nesterov_reference(w, gs, 0.05, 0.7),
        id="nesterov",
    ),
    pytest.param(
        RMSProp(learning_rate=0.01, rho=0.8, epsilon=1e-6),
        lambda w, gs: _rmsprop_reference(w, gs, 0.01, 0.8, 1e-6),
        id="rmsprop",
    ),
    pytest.param(Adam(learning_rate=0.01), lambda w, gs: _adam_reference(w, gs, 0.01), id="adam"),
    pytest.param(
        Adam(learning_rate=0.02, beta1=0.8, beta2=0.99, epsilon=1e-4),
        lambda w, gs: _adam_reference(w, gs, 0.02, 0.8, 0.99, 1e-4),
        id="adam-settings",
    ),
    pytest.param(
        AdamW(learning_rate=0.01, weight_decay=0.1),
        lambda w, gs: _adam_reference(w, gs, 0.01, decay=0.1),
        id="adamw",
    ),
]


@pytest.mark.parametrize("optimizer, reference", REFERENCES)
def test_first_steps_match_the_reference_formulas(optimizer, reference):
    start, gradients = _parameters_and_gradients(np.float64, seed=1, n_steps=4)
    parameters = start.copy()
    for gradient in gradients:
        optimizer.step(parameters, gradient, n_weights=N_WEIGHTS)
    np.testing.assert_allclose(parameters, reference(start, gradients), rtol=1e-13, atol=1e-15)
    assert getattr(optimizer, "n_steps", 4) == 4  # Adam's step count t


def test_momentum_zero_is_gradient_descent():
    start, gradients = _parameters_and_gradients(np.float64, seed=3, n_steps=3)
    with_momentum, plain = start.copy(), start.copy()
    momentum, descent = Momentum(learning_rate=0.1, momentum=0.0), GradientDescent(0.1)
    for gradient in gradients:
        momentum.step(with_momentum, gradient)
        descent.step(plain, gradient)
    np.testing.assert_array_equal(with_momentum, plain)


def test_adam_first_step_moves_each_weight_by_the_learning_rate():
    # With bias correction, m̂/√v̂ = g/|g| at t = 1: every weight moves by ≈ λ against its gradient.
    parameters, (gradients,) = _parameters_and_gradients(np.float64, seed=2)
    before = parameters.copy()
    Adam(learning_rate=0.05).step(parameters, gradients)
    np.testing.assert_allclose(parameters - before, -0.05 * np.sign(gradients), rtol=1e-6)


def test_adamw_decays_weights_and_not_biases():
    # A zero gradient leaves Adam's part at zero (m = 0): only the decay moves anything.
    parameters, _ = _parameters_and_gradients(np.float64, seed=4)
    before = parameters.copy()
    AdamW(learning_rate=0.1, weight_decay=0.5).step(
        parameters, np.zeros_like(parameters), n_weights=N_WEIGHTS
    )
    np.testing.assert_allclose(parameters[:N_WEIGHTS], before[:N_WEIGHTS] * (1 - 0.1 * 0.5))
    np.testing.assert_array_equal(parameters[N_WEIGHTS:], before[N_WEIGHTS:])


@pytest.mark.parametrize(
    "optimizer",
    [
        pytest.param(Momentum(), id="momentum"),
        pytest.param(RMSProp(), id="rmsprop"),
        pytest.param(Adam(), id="adam"),
    ],
)
def test_state_is_float32_and_reused(optimizer):
    parameters, (gradients,) = _parameters_and_gradients(np.float32)
    optimizer.step(parameters, gradients)
    state = {
        name: value for name, value in vars(optimizer).items() if isinstance(value, np.ndarray)
    }
    identities = {name: id(value) for name, value in state.items()}
    optimizer.step(parameters, gradients)
    assert {name: id(getattr(optimizer, name)) for name in state} == identities
    assert all(value.dtype == np.float32 and value.shape == (8,) for value in state.values())
    assert parameters.dtype == np.float32


def test_fresh_copy_has_the_settings_and_no_state():
    adam = Adam(learning_rate=0.01, beta1=0.8)
    parameters, (gradients,) = _parameters_and_gradients(np.float64)
    adam.step(parameters, gradients)
    fresh = adam.fresh()
    assert (fresh.learning_rate, fresh.beta1, fresh.n_steps) == (0.01, 0.8, 0)
    assert fresh.first_moment.size == 0 and adam.n_steps == 1


def test_get_optimizer_by_name_and_by_object():
    assert isinstance(get_optimizer("SGD", learning_rate=0.1), GradientDescent)
    first, second = (
        get_optimizer("adam", learning_rate=0.1),
        get_optimizer("adam", learning_rate=0.1),
    )
    assert isinstance(first, Adam) and first is not second and first.learning_rate == 0.1
    assert get_optimizer("momentum").learning_rate == 1e-3  # every optimizer's default
    configured = Momentum(learning_rate=0.02, momentum=0.5)
    copy = get_optimizer(configured)
    assert copy == configured and copy is not configured


def test_learning_rate_given_twice_is_an_error():
    with pytest.raises(ClimannError, match="set it in the object only"):
        get_optimizer(Momentum(learning_rate=0.02), learning_rate=0.1)


@pytest.mark.parametrize(
    "learning_rate",
    [
        pytest.param(0.0, id="zero"),
        pytest.param(-0.1, id="negative"),
        pytest.param(float("nan"), id="nan"),
        pytest.param("0.1", id="string"),
    ],
)
@pytest.mark.parametrize(
    "name",
    [pytest.param(n, id=n) for n in ("sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw")],
)
def test_invalid_learning_rate(name, learning_rate):
    with pytest.raises(ClimannError, match="learning_rate must be a positive"):
        get_optimizer(name, learning_rate=learning_rate)


@pytest.mark.parametrize(
    "make, message",
    [
        pytest.param(lambda: Momentum(momentum=1.0), "0 <= momentum < 1", id="momentum"),
        pytest.param(lambda: Nesterov(momentum=-0.1), "0 <= momentum < 1", id="nesterov"),
        pytest.param(lambda: RMSProp(rho=1.5), "0 <= rho < 1", id="rho"),
        pytest.param(lambda: RMSProp(epsilon=0.0), "epsilon > 0", id="rmsprop-epsilon"),
        pytest.param(lambda: Adam(beta1=1.0), "0 <= beta1 < 1", id="beta1"),
        pytest.param(lambda: Adam(beta2=-1.0), "0 <= beta2 < 1", id="beta2"),
        pytest.param(lambda: AdamW(weight_decay=-0.1), "weight_decay >= 0", id="decay"),
    ],
)
def test_invalid_settings(make, message):
    with pytest.raises(ClimannError, match=message):
        make()


def test_unknown_optimizer_lists_valid_names():
    with pytest.raises(
        ClimannError,
        match=r"unknown optimizer 'adma'; valid names: adam, adamw, gd, momentum, nesterov, "
        r"rmsprop, sgd; did you mean 'adam'",
    ):
        get_optimizer("adma", learning_rate=0.1)


def test_not_a_name_or_optimizer():
    with pytest.raises(ClimannError, match="optimizer must be a name"):
        get_optimizer(3)


@pytest.mark.parametrize("optimizer, reference", REFERENCES)
@pytest.mark.parametrize("steps_before", [pytest.param(0, id="fresh"), pytest.param(2, id="after-2-steps")])
def test_a_saved_state_continues_bit_identically(optimizer, reference, steps_before):
    start, gradients = _parameters_and_gradients(np.float32, seed=4, n_steps=5)
    uninterrupted, parameters = start.copy(), start.copy()
    whole = optimizer.fresh()
    for gradient in gradients:
        whole.step(uninterrupted, gradient, n_weights=N_WEIGHTS)
    first = optimizer.fresh()
    for gradient in gradients[:steps_before]:
        first.step(parameters, gradient, n_weights=N_WEIGHTS)
    state = first.state_dict()
    assert "scratch" not in state
    first.step(parameters * 0, gradients[0] * 0 + 1)  # the saved state is a copy: unaffected
    second = optimizer.fresh()
    second.load_state_dict(state)
    for gradient in gradients[steps_before:]:
        second.step(parameters, gradient, n_weights=N_WEIGHTS)
    assert np.array_equal(parameters, uninterrupted)


def test_state_dict_holds_the_state_vectors_and_adams_step_count():
    adam = Adam()
    parameters, (gradients,) = _parameters_and_gradients(np.float64)
    adam.step(parameters, gradients)
    state = adam.state_dict()
    assert sorted(state) == ["first_moment", "n_steps", "second_moment"] and state["n_steps"] == 1
    np.testing.assert_array_equal(state["first_moment"], gradients * (1 - adam.beta1))
    assert sorted(Momentum().state_dict()) == ["velocity"] and GradientDescent().state_dict() == {}


@pytest.mark.parametrize(
    "optimizer, state, message",
    [
        pytest.param(Adam(), {"first_moment": np.zeros(3)}, "needs entries", id="missing"),
        pytest.param(Momentum(), {"velocity": np.zeros(3), "n_steps": 1}, "needs entries", id="extra"),
        pytest.param(
            Adam(), {"first_moment": np.zeros(3), "second_moment": np.zeros(4), "n_steps": 1},
            "one length", id="lengths",
        ),
    ],
)
def test_a_state_of_another_kind_is_refused(optimizer, state, message):
    with pytest.raises(ClimannError, match=message):
        optimizer.load_state_dict(state)
