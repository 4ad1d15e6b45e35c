"""Activation functions σ, each with its value and its derivative side by side.

A layer computes ``A = σ(Z)`` elementwise. Backpropagation needs ``σ'(Z)``; where it is
cheaper, the derivative is written in terms of the stored activation ``A = σ(Z)``
(``sigmoid' = A(1 − A)``, ``tanh' = 1 − A²``), so every ``derivative`` takes both.

Both methods take an optional ``out`` array to write into, so that training can reuse one
buffer per layer instead of allocating new arrays for every batch. ``Identity.value``
returns ``z`` itself: there is nothing to compute.

All functions keep the dtype of ``z`` (a float32 ``z`` gives float32 results) and never
overflow: sigmoid, softplus and silu are written so that ``|z| = 1000`` gives no warning.

Activations with a parameter take it in their name: ``"leaky_relu(0.2)"`` is a leaky ReLU
with slope 0.2, ``"elu(0.5)"`` an ELU with ``α = 0.5``; ``activation.spec`` gives that name
back, which is how model files store it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, fields
from typing import ClassVar, Protocol

import numpy as np

from climann.errors import ClimannError
from climann.model._names import lookup

__all__ = [
    "ACTIVATIONS",
    "ELU",
    "Activation",
    "Identity",
    "LeakyReLU",
    "ReLU",
    "SiLU",
    "Sigmoid",
    "Softplus",
    "Tanh",
    "get_activation",
    "sigmoid",
    "value_and_derivative",
]


class Activation(Protocol):
    """What every activation provides."""

    name: ClassVar[str]

    @property
    def spec(self) -> str:
        """The name with any parameter, e.g. ``"leaky_relu(0.2)"``; ``get_activation`` reads it."""
        ...

    def value(self, z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """``A = σ(Z)``, same shape and dtype as ``z``; written into ``out`` if given."""
        ...

    def derivative(self, z: np.ndarray, a: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """``σ'(Z)``, given ``z`` and the stored ``a = value(z)``; into ``out`` if given."""
        ...


def _empty_like(z: np.ndarray, out: np.ndarray | None) -> np.ndarray:
    """``out``, or a new array like ``z`` when ``out`` is None."""
    return np.empty_like(z) if out is None else out


def sigmoid(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Logistic function ``σ(z) = 1 / (1 + e^(−z))``, computed without overflow.

    ``e^(−|z|)`` never overflows, and ``σ(z) = 1/(1 + e^(−|z|))`` for ``z ≥ 0``,
    ``e^(−|z|)/(1 + e^(−|z|))`` for ``z < 0``.

    Parameters
    ----------
    z : ndarray, any shape
    out : ndarray, same shape and dtype as ``z``, optional

    Returns
    -------
    ndarray, same shape and dtype as ``z``, values in [0, 1]
    """
    exp_minus_abs = np.exp(-np.abs(z))
    numerator = np.where(z >= 0, z.dtype.type(1), exp_minus_abs)
    return np.divide(numerator, 1 + exp_minus_abs, out=_empty_like(z, out))


class _Parameterless:
    """Shared by activations without a parameter: ``spec`` is just the name."""

    name: ClassVar[str]

    @property
    def spec(self) -> str:
        return self.name


@dataclass(frozen=True)
class Identity(_Parameterless):
    """``σ(z) = z``, ``σ'(z) = 1``: the usual output activation for regression."""

    name: ClassVar[str] = "identity"

    def value(self, z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        return z  # nothing to compute: A is Z itself, ``out`` is not needed

    def derivative(self, z: np.ndarray, a: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        result = _empty_like(z, out)
        result.fill(1)
        return result


@dataclass(frozen=True)
class Sigmoid(_Parameterless):
    """``σ(z) = 1/(1 + e^(−z))``, ``σ'(z) = a(1 − a)`` with ``a = σ(z)``."""

    name: ClassVar[str] = "sigmoid"

    def value(self, z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        return sigmoid(z, out)

    def derivative(self, z: np.ndarray, a: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        result = np.subtract(1, a, out=_empty_like(z, out))
        return np.multiply(result, a, out=result)


@dataclass(frozen=True)
class Tanh(_Parameterless):
    """``σ(z) = tanh(z)``, ``σ'(z) = 1 − a²`` with ``a = tanh(z)``."""

    name: ClassVar[str] = "tanh"

    def value(self, z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        return np.tanh(z, out=_empty_like(z, out))

    def derivative(self, z: np.ndarray, a: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        result = np.multiply(a, a, out=_empty_like(z, out))
        return np.subtract(1, result, out=result)


@dataclass(frozen=True)
class ReLU(_Parameterless):
    """``σ(z) = max(z, 0)``, ``σ'(z) = 1`` for ``z > 0`` else 0 (0 at the kink)."""

    name: ClassVar[str] = "relu"

    def value(self, z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        return np.maximum(z, 0, out=_empty_like(z, out))

    def derivative(self, z: np.ndarray, a: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        # Written as 0/1 in z's dtype, so that δ = ∂J/∂A ⊙ σ'(Z) multiplies two float arrays.
        return np.greater(z, 0, out=_empty_like(z, out))

    def value_and_derivative(
        self, z: np.ndarray, out: np.ndarray | None = None, derivative_out: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """``σ'(z) = [z > 0]`` and ``σ(z) = z · σ'(z)`` from one comparison, for the forward
        pass of training, which keeps ``σ'`` for backpropagation.

        Measured on a 256 × 64 float32 array: 5.6 µs for both, against 6.9 µs for
        ``np.maximum`` alone and 3.8 µs more for the derivative in the backward pass. Where
        ``z < 0`` the value is −0.0 instead of 0.0 (equal as numbers: every product and sum
        downstream is the same); ``z = −∞`` gives NaN instead of 0 (a diverged run).
        """
        derivative = self.derivative(z, z, out=derivative_out)
        return np.multiply(z, derivative, out=_empty_like(z, out)), derivative


def value_and_derivative(
    activation: Activation, z: np.ndarray, out: np.ndarray | None = None, derivative_out: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """``A = σ(Z)`` and ``σ'(Z)`` together, for a forward pass that keeps the derivative for
    backpropagation: the activation's own ``value_and_derivative`` where it has one (ReLU:
    one comparison serves both), else ``value`` then ``derivative``.

    Parameters
    ----------
    activation : Activation
    z : ndarray, any shape
    out, derivative_out : ndarray, same shape and dtype as ``z``, optional
        Where to write ``A`` and ``σ'(Z)``.

    Returns
    -------
    value, derivative : ndarray, same shape and dtype as ``z``
    """
    fused = getattr(activation, "value_and_derivative", None)
    if fused is not None:
        return fused(z, out, derivative_out)
    value = activation.value(z, out=out)
    return value, activation.derivative(z, value, out=derivative_out)


def _check_parameter(name: str, label: str, value: float, *, low: float, low_inclusive: bool):
    """Raise unless ``value`` is a finite number above ``low`` (or equal, if inclusive)."""
    is_number = isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool
    )
    above = is_number and (value >= low if low_inclusive else value > low)
    if not (is_number and math.isfinite(value) and above):
        bound = f">= {low:g}" if low_inclusive else f"> {low:g}"
        raise ClimannError(f"{name} {label} must be a finite number {bound}; got {value!r}")


@dataclass(frozen=True)
class LeakyReLU:
    """``σ(z) = z`` for ``z > 0`` else ``slope·z``; ``σ'(z) = 1`` or ``slope``.

    Named ``"leaky_relu"`` (slope 0.01) or ``"leaky_relu(0.2)"``.
    """

    slope: float = 0.01
    name: ClassVar[str] = "leaky_relu"

    def __post_init__(self) -> None:
        _check_parameter(self.name, "slope", self.slope, low=0, low_inclusive=True)

    @property
    def spec(self) -> str:
        return self.name if self.slope == 0.01 else f"{self.name}({float(self.slope)!r})"

    def value(self, z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        slope = z.dtype.type(self.slope)
        result = _empty_like(z, out)
        np.copyto(result, np.where(z > 0, z, slope * z))
        return result

    def derivative(self, z: np.ndarray, a: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        one, slope = z.dtype.type(1), z.dtype.type(self.slope)
        result = _empty_like(z, out)
        np.copyto(result, np.where(z > 0, one, slope))
        return result


@dataclass(frozen=True)
class ELU:
    """``σ(z) = z`` for ``z > 0`` else ``α(e^z − 1)``; ``σ'(z) = 1`` or ``a + α``.

    Named ``"elu"`` (``α = 1``) or ``"elu(0.5)"``.
    """

    alpha: float = 1.0
    name: ClassVar[str] = "elu"

    def __post_init__(self) -> None:
        _check_parameter(self.name, "alpha", self.alpha, low=0, low_inclusive=False)

    @property
    def spec(self) -> str:
        return self.name if self.alpha == 1.0 else f"{self.name}({float(self.alpha)!r})"

    def value(self, z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        alpha = z.dtype.type(self.alpha)
        result = _empty_like(z, out)
        # np.where evaluates both branches: clip so e^z cannot overflow where z > 0.
        np.copyto(result, np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0))))
        return result

    def derivative(self, z: np.ndarray, a: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        alpha = z.dtype.type(self.alpha)
        result = _empty_like(z, out)
        np.copyto(result, np.where(z > 0, z.dtype.type(1), a + alpha))
        return result


@dataclass(frozen=True)
class Softplus(_Parameterless):
    """``σ(z) = log(1 + e^z)`` (via ``logaddexp(0, z)``, no overflow); ``σ'(z) = sigmoid(z)``."""

    name: ClassVar[str] = "softplus"

    def value(self, z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        return np.logaddexp(z.dtype.type(0), z, out=_empty_like(z, out))

    def derivative(self, z: np.ndarray, a: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        return sigmoid(z, out)


@dataclass(frozen=True)
class SiLU(_Parameterless):
    """SiLU / swish: ``σ(z) = z·s`` with ``s = sigmoid(z)``; ``σ'(z) = s(1 + z(1 − s))``."""

    name: ClassVar[str] = "silu"

    def value(self, z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        result = sigmoid(z, out)
        return np.multiply(result, z, out=result)

    def derivative(self, z: np.ndarray, a: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        s = sigmoid(z)
        result = np.multiply(z, 1 - s, out=_empty_like(z, out))
        result += 1
        return np.multiply(result, s, out=result)


ACTIVATIONS: dict[str, Activation] = {
    "identity": Identity(),
    "linear": Identity(),
    "sigmoid": Sigmoid(),
    "tanh": Tanh(),
    "relu": ReLU(),
    "leaky_relu": LeakyReLU(),
    "elu": ELU(),
    "softplus": Softplus(),
    "silu": SiLU(),
    "swish": SiLU(),
}
"""Activations by name; ``linear`` is an alias of ``identity``, ``swish`` of ``silu``.
``leaky_relu`` and ``elu`` also take a parameter in the name, e.g. ``"leaky_relu(0.2)"``."""

_WITH_PARAMETER = re.compile(r"^\s*([A-Za-z_]+)\s*\((.*)\)\s*$")


def _with_parameter(name: str, text: str) -> Activation:
    """``leaky_relu(0.2)`` and the like: the default activation of ``name`` with its parameter."""
    default = lookup(ACTIVATIONS, name, kind="activation")
    if not fields(default):  # type: ignore[arg-type]  # every activation is a dataclass
        raise ClimannError(
            f"activation '{name}' takes no parameter; write '{default.name}' "
            "(only leaky_relu(slope) and elu(alpha) take one)"
        )
    try:
        value = float(text)
    except ValueError:
        raise ClimannError(
            f"activation '{name}({text})': the parameter must be a number, "
            f"e.g. '{default.name}(0.2)'"
        ) from None
    return type(default)(value)


def get_activation(name: str) -> Activation:
    """The activation called ``name``, with its parameter if the name has one.

    Parameters
    ----------
    name : str
        One of ``ACTIVATIONS`` (case-insensitive), e.g. ``"relu"``, or a name with a
        parameter: ``"leaky_relu(0.2)"`` (the slope), ``"elu(0.5)"`` (``α``).

    Returns
    -------
    Activation

    Raises
    ------
    ClimannError
        If ``name`` is unknown (the message lists the valid names and the closest one), or
        its parameter is missing, not a number, out of range, or not taken by it.

    Examples
    --------
    >>> get_activation("tanh").value(np.array([0.0]))
    array([0.])
    >>> get_activation("leaky_relu(0.2)").slope
    0.2
    """
    match = _WITH_PARAMETER.match(name) if isinstance(name, str) else None
    if match:
        return _with_parameter(match.group(1), match.group(2).strip())
    return lookup(ACTIVATIONS, name, kind="activation")
