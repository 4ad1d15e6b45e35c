"""Tests for climann/model/optimizers.py."""

import numpy as np
import pytest

from climann.errors import ClimannError
from climann.model.optimizers import Adam, GradientDescent, get_optimizer


def _parameters_and_gradients(dtype, seed=0):
    rng = np.random.default_rng(seed)
    parameters = [rng.normal(size=(3, 2)).astype(dtype), rng.normal(size=2).astype(dtype)]
    gradients = [rng.normal(size=(3, 2)).astype(dtype), rng.normal(size=2).astype(dtype)]
    return parameters, gradients


@pytest.mark.parametrize("name", [pytest.param("sgd", id="sgd"), pytest.param("gd", id="gd")])
@pytest.mark.parametrize(
    "dtype", [pytest.param(np.float32, id="float32"), pytest.param(np.float64, id="float64")]
)
def test_gradient_descent_is_exactly_w_minus_rate_times_gradient(name, dtype):
    parameters, gradients = _parameters_and_gradients(dtype)
    expected = [p - 0.1 * g for p, g in zip(parameters, gradients, strict=True)]
    identities = [id(p) for p in parameters]
    get_optimizer(name, learning_rate=0.1).step(parameters, gradients)
    for parameter, want in zip(parameters, expected, strict=True):
        assert parameter.dtype == dtype
        np.testing.assert_array_equal(parameter, want)
    assert [id(p) for p in parameters] == identities  # updated in place


def _adam_reference(parameter, gradients, learning_rate, beta1=0.9, beta2=0.999, epsilon=1e-8):
    """Adam written out as in Kingma & Ba (2015), Algorithm 1, without in-place tricks."""
    m = np.zeros_like(parameter)
    v = np.zeros_like(parameter)
    for t, g in enumerate(gradients, start=1):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        m_hat = m / (1 - beta1**t)
        v_hat = v / (1 - beta2**t)
        parameter = parameter - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon)
    return parameter


def test_adam_matches_the_paper_algorithm():
    rng = np.random.default_rng(1)
    start = rng.normal(size=(4, 3))
    gradients = [rng.normal(size=(4, 3)) for _ in range(5)]
    parameter = start.copy()
    adam = Adam(learning_rate=0.01)
    for gradient in gradients:
        adam.step([parameter], [gradient])
    np.testing.assert_allclose(
        parameter, _adam_reference(start, gradients, 0.01), rtol=1e-13, atol=1e-15
    )
    assert adam.n_steps == 5


def test_adam_first_step_moves_each_weight_by_the_learning_rate():
    # With bias correction, m̂/√v̂ = g/|g| at t = 1: every weight moves by ≈ λ against its gradient.
    parameters, gradients = _parameters_and_gradients(np.float64, seed=2)
    before = [p.copy() for p in parameters]
    Adam(learning_rate=0.05).step(parameters, gradients)
    for p, b, g in zip(parameters, before, gradients, strict=True):
        np.testing.assert_allclose(p - b, -0.05 * np.sign(g), rtol=1e-6)


def test_adam_keeps_float32_and_reuses_its_state():
    parameters, gradients = _parameters_and_gradients(np.float32)
    adam = Adam(learning_rate=0.01)
    adam.step(parameters, gradients)
    state_ids = [(id(s.first_moment), id(s.second_moment), id(s.scratch)) for s in adam.states]
    adam.step(parameters, gradients)
    assert [
        (id(s.first_moment), id(s.second_moment), id(s.scratch)) for s in adam.states
    ] == state_ids
    assert all(p.dtype == np.float32 for p in parameters)
    assert all(
        s.first_moment.dtype == np.float32 and s.second_moment.dtype == np.float32
        for s in adam.states
    )


def test_get_optimizer_returns_fresh_optimizers():
    assert isinstance(get_optimizer("SGD", learning_rate=0.1), GradientDescent)
    first, second = (
        get_optimizer("adam", learning_rate=0.1),
        get_optimizer("adam", learning_rate=0.1),
    )
    assert isinstance(first, Adam) and first is not second and first.learning_rate == 0.1


@pytest.mark.parametrize(
    "learning_rate",
    [
        pytest.param(0.0, id="zero"),
        pytest.param(-0.1, id="negative"),
        pytest.param(float("nan"), id="nan"),
        pytest.param("0.1", id="string"),
    ],
)
@pytest.mark.parametrize("name", [pytest.param("sgd", id="sgd"), pytest.param("adam", id="adam")])
def test_invalid_learning_rate(name, learning_rate):
    with pytest.raises(ClimannError, match="learning_rate must be a positive"):
        get_optimizer(name, learning_rate=learning_rate)


def test_unknown_optimizer_lists_valid_names():
    with pytest.raises(
        ClimannError,
        match=r"unknown optimizer 'adma'; valid names: adam, gd, sgd; did you mean 'adam'",
    ):
        get_optimizer("adma", learning_rate=0.1)
