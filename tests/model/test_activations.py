"""Tests for climann/model/activations.py."""

import math
import warnings

import numpy as np
import pytest

from climann.errors import ClimannError
from climann.model.activations import ACTIVATIONS, ELU, LeakyReLU, get_activation

CANONICAL = ["identity", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "silu"]

# Even number of points: none falls on the kinks of relu / leaky_relu at 0.
Z = np.linspace(-4.0, 4.0, 40)


def _scalar_reference(name: str, z: float) -> float:
    """Each activation written independently with the math module."""
    formulas = {
        "identity": lambda t: t,
        "sigmoid": lambda t: 1 / (1 + math.exp(-t)),
        "tanh": lambda t: (math.exp(t) - math.exp(-t)) / (math.exp(t) + math.exp(-t)),
        "relu": lambda t: t if t > 0 else 0.0,
        "leaky_relu": lambda t: t if t > 0 else 0.01 * t,
        "elu": lambda t: t if t > 0 else math.exp(t) - 1,
        "softplus": lambda t: math.log(1 + math.exp(t)),
        "silu": lambda t: t / (1 + math.exp(-t)),
    }
    return formulas[name](z)


def test_every_canonical_activation_is_registered():
    assert set(CANONICAL) <= set(ACTIVATIONS)
    assert {get_activation(name).name for name in ACTIVATIONS} == set(CANONICAL)


@pytest.mark.parametrize("name", [pytest.param(n, id=n) for n in CANONICAL])
def test_value_matches_independent_formula(name):
    expected = np.array([_scalar_reference(name, float(z)) for z in Z])
    np.testing.assert_allclose(get_activation(name).value(Z), expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", [pytest.param(n, id=n) for n in CANONICAL])
def test_derivative_matches_central_differences(name):
    activation = get_activation(name)
    step = 1e-6
    numeric = (activation.value(Z + step) - activation.value(Z - step)) / (2 * step)
    analytic = activation.derivative(Z, activation.value(Z))
    np.testing.assert_allclose(analytic, numeric, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("name", [pytest.param(n, id=n) for n in CANONICAL])
@pytest.mark.parametrize(
    "dtype", [pytest.param(np.float32, id="float32"), pytest.param(np.float64, id="float64")]
)
def test_value_and_derivative_keep_dtype(name, dtype):
    activation = get_activation(name)
    z = Z.astype(dtype)
    value = activation.value(z)
    assert value.dtype == dtype
    assert activation.derivative(z, value).dtype == dtype


@pytest.mark.parametrize("name", [pytest.param(n, id=n) for n in CANONICAL])
@pytest.mark.parametrize(
    "dtype", [pytest.param(np.float32, id="float32"), pytest.param(np.float64, id="float64")]
)
def test_large_inputs_give_no_warning_and_right_limits(name, dtype):
    activation = get_activation(name)
    z = np.array([-1000.0, 1000.0], dtype=dtype)
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        value = activation.value(z)
        derivative = activation.derivative(z, value)
    assert np.all(np.isfinite(value)) and np.all(np.isfinite(derivative))
    # Limits for z → ±∞, from each function's definition.
    expected_value = {
        "identity": [-1000, 1000],
        "sigmoid": [0, 1],
        "tanh": [-1, 1],
        "relu": [0, 1000],
        "leaky_relu": [-10, 1000],
        "elu": [-1, 1000],
        "softplus": [0, 1000],
        "silu": [0, 1000],
    }[name]
    expected_derivative = {
        "identity": [1, 1],
        "sigmoid": [0, 0],
        "tanh": [0, 0],
        "relu": [0, 1],
        "leaky_relu": [0.01, 1],
        "elu": [0, 1],
        "softplus": [0, 1],
        "silu": [0, 1],
    }[name]
    np.testing.assert_allclose(value, expected_value, rtol=1e-6, atol=1e-30)
    np.testing.assert_allclose(derivative, expected_derivative, rtol=1e-6, atol=1e-30)


def test_leaky_relu_slope_and_elu_alpha_are_used():
    z = np.array([-2.0, 3.0])
    np.testing.assert_array_equal(LeakyReLU(slope=0.2).value(z), [-0.4, 3.0])
    np.testing.assert_array_equal(LeakyReLU(slope=0.2).derivative(z, z), [0.2, 1.0])
    np.testing.assert_allclose(ELU(alpha=2.0).value(z), [2 * (math.exp(-2) - 1), 3.0], rtol=1e-15)


@pytest.mark.parametrize(
    "alias, name",
    [
        pytest.param("swish", "silu", id="swish"),
        pytest.param("linear", "identity", id="linear"),
        pytest.param("ReLU", "relu", id="case-insensitive"),
    ],
)
def test_aliases(alias, name):
    assert get_activation(alias).name == name


def test_unknown_name_lists_valid_names_and_closest():
    with pytest.raises(
        ClimannError, match=r"unknown activation 'rleu'.*valid names:.*sigmoid.*did you mean 'relu'"
    ):
        get_activation("rleu")


def test_non_string_name_is_an_error():
    with pytest.raises(ClimannError, match="valid names"):
        get_activation(3)


@pytest.mark.parametrize(
    "name, attribute, value, spec",
    [
        pytest.param("leaky_relu(0.2)", "slope", 0.2, "leaky_relu(0.2)", id="leaky"),
        pytest.param(" Leaky_ReLU( 0.3 ) ", "slope", 0.3, "leaky_relu(0.3)", id="spaces-case"),
        pytest.param("elu(2)", "alpha", 2.0, "elu(2.0)", id="elu"),
        pytest.param("leaky_relu(0.01)", "slope", 0.01, "leaky_relu", id="default-slope"),
        pytest.param("elu", "alpha", 1.0, "elu", id="default-alpha"),
    ],
)
def test_parameter_in_the_name(name, attribute, value, spec):
    activation = get_activation(name)
    assert getattr(activation, attribute) == value
    assert activation.spec == spec
    assert get_activation(activation.spec) == activation  # the spec rebuilds it


def test_parameter_in_the_name_is_used():
    z = np.array([-2.0, 3.0])
    np.testing.assert_array_equal(get_activation("leaky_relu(0.2)").value(z), [-0.4, 3.0])
    np.testing.assert_allclose(
        get_activation("elu(0.5)").value(z), [0.5 * (math.exp(-2) - 1), 3.0], rtol=1e-15
    )


@pytest.mark.parametrize(
    "name, message",
    [
        pytest.param("relu(0.2)", "'relu' takes no parameter", id="no-parameter"),
        pytest.param("leaky_relu(abc)", "parameter must be a number", id="not-a-number"),
        pytest.param("leaky_relu()", "parameter must be a number", id="empty"),
        pytest.param("leaky_relu(nan)", "slope must be a finite number >= 0", id="nan"),
        pytest.param("leaky_relu(-0.1)", "slope must be a finite number >= 0", id="negative"),
        pytest.param("elu(0)", "alpha must be a finite number > 0", id="elu-zero"),
        pytest.param("lekay_relu(0.2)", "did you mean 'leaky_relu'", id="unknown"),
    ],
)
def test_bad_parameter_in_the_name(name, message):
    with pytest.raises(ClimannError, match=message):
        get_activation(name)


@pytest.mark.parametrize("name", [pytest.param(n, id=n) for n in CANONICAL])
def test_out_gives_the_same_values(name):
    activation = get_activation(name)
    value = activation.value(Z)
    derivative = activation.derivative(Z, value)
    out_value, out_derivative = np.empty_like(Z), np.empty_like(Z)
    value_into = activation.value(Z, out=out_value)
    np.testing.assert_array_equal(value_into, value)
    assert name == "identity" or value_into is out_value  # identity returns z itself
    assert activation.derivative(Z, value, out=out_derivative) is out_derivative
    np.testing.assert_array_equal(out_derivative, derivative)
