"""Activation functions σ, each with its value and its derivative side by side.

A layer computes ``A = σ(Z)`` elementwise. Backpropagation needs ``σ'(Z)``; where it is
cheaper, the derivative is written in terms of the stored activation ``A = σ(Z)``
(``sigmoid' = A(1 − A)``, ``tanh' = 1 − A²``), so every ``derivative`` takes both.

All functions keep the dtype of ``z`` (a float32 ``z`` gives float32 results) and never
overflow: sigmoid, softplus and silu are written so that ``|z| = 1000`` gives no warning.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Protocol

import numpy as np

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
]


class Activation(Protocol):
    """What every activation provides."""

    name: ClassVar[str]

    def value(self, z: np.ndarray) -> np.ndarray:
        """``A = σ(Z)``, same shape and dtype as ``z``."""
        ...

    def derivative(self, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        """``σ'(Z)``, given ``z`` and the stored ``a = value(z)``; same shape and dtype."""
        ...


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic function ``σ(z) = 1 / (1 + e^(−z))``, computed without overflow.

    ``e^(−|z|)`` never overflows, and ``σ(z) = 1/(1 + e^(−|z|))`` for ``z ≥ 0``,
    ``e^(−|z|)/(1 + e^(−|z|))`` for ``z < 0``.

    Parameters
    ----------
    z : ndarray, any shape

    Returns
    -------
    ndarray, same shape and dtype as ``z``, values in [0, 1]
    """
    exp_minus_abs = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + exp_minus_abs), exp_minus_abs / (1 + exp_minus_abs))


@dataclass(frozen=True)
class Identity:
    """``σ(z) = z``, ``σ'(z) = 1``: the usual output activation for regression."""

    name: ClassVar[str] = "identity"

    def value(self, z: np.ndarray) -> np.ndarray:
        return z

    def derivative(self, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        return np.ones_like(z)


@dataclass(frozen=True)
class Sigmoid:
    """``σ(z) = 1/(1 + e^(−z))``, ``σ'(z) = a(1 − a)`` with ``a = σ(z)``."""

    name: ClassVar[str] = "sigmoid"

    def value(self, z: np.ndarray) -> np.ndarray:
        return sigmoid(z)

    def derivative(self, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        return a * (1 - a)


@dataclass(frozen=True)
class Tanh:
    """``σ(z) = tanh(z)``, ``σ'(z) = 1 − a²`` with ``a = tanh(z)``."""

    name: ClassVar[str] = "tanh"

    def value(self, z: np.ndarray) -> np.ndarray:
        return np.tanh(z)

    def derivative(self, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        return 1 - a * a


@dataclass(frozen=True)
class ReLU:
    """``σ(z) = max(z, 0)``, ``σ'(z) = 1`` for ``z > 0`` else 0 (0 at the kink)."""

    name: ClassVar[str] = "relu"

    def value(self, z: np.ndarray) -> np.ndarray:
        return np.maximum(z, 0)

    def derivative(self, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        return (z > 0).astype(z.dtype)


@dataclass(frozen=True)
class LeakyReLU:
    """``σ(z) = z`` for ``z > 0`` else ``slope·z``; ``σ'(z) = 1`` or ``slope``."""

    slope: float = 0.01
    name: ClassVar[str] = "leaky_relu"

    def value(self, z: np.ndarray) -> np.ndarray:
        return np.where(z > 0, z, self.slope * z)

    def derivative(self, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        one, slope = z.dtype.type(1), z.dtype.type(self.slope)
        return np.where(z > 0, one, slope)


@dataclass(frozen=True)
class ELU:
    """``σ(z) = z`` for ``z > 0`` else ``α(e^z − 1)``; ``σ'(z) = 1`` or ``a + α``."""

    alpha: float = 1.0
    name: ClassVar[str] = "elu"

    def value(self, z: np.ndarray) -> np.ndarray:
        # np.where evaluates both branches: clip so e^z cannot overflow where z > 0.
        return np.where(z > 0, z, self.alpha * np.expm1(np.minimum(z, 0)))

    def derivative(self, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        return np.where(z > 0, z.dtype.type(1), a + self.alpha)


@dataclass(frozen=True)
class Softplus:
    """``σ(z) = log(1 + e^z)`` (via ``logaddexp(0, z)``, no overflow); ``σ'(z) = sigmoid(z)``."""

    name: ClassVar[str] = "softplus"

    def value(self, z: np.ndarray) -> np.ndarray:
        return np.logaddexp(0, z).astype(z.dtype, copy=False)

    def derivative(self, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        return sigmoid(z)


@dataclass(frozen=True)
class SiLU:
    """SiLU / swish: ``σ(z) = z·s`` with ``s = sigmoid(z)``; ``σ'(z) = s(1 + z(1 − s))``."""

    name: ClassVar[str] = "silu"

    def value(self, z: np.ndarray) -> np.ndarray:
        return z * sigmoid(z)

    def derivative(self, z: np.ndarray, a: np.ndarray) -> np.ndarray:
        s = sigmoid(z)
        return s * (1 + z * (1 - s))


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
"""Activations by name; ``linear`` is an alias of ``identity``, ``swish`` of ``silu``."""


def get_activation(name: str) -> Activation:
    """The activation called ``name``.

    Parameters
    ----------
    name : str
        One of ``ACTIVATIONS`` (case-insensitive), e.g. ``"relu"``.

    Returns
    -------
    Activation

    Raises
    ------
    ClimannError
        If ``name`` is unknown; the message lists the valid names and the closest one.

    Examples
    --------
    >>> get_activation("tanh").value(np.array([0.0]))
    array([0.])
    """
    return lookup(ACTIVATIONS, name, kind="activation")
