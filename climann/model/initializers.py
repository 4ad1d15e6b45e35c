"""Initial weights ``W : (n_in, n_out)`` drawn from an explicit random generator.

The scale of each scheme keeps the variance of the activations roughly constant from layer
to layer: Glorot/Xavier for tanh and sigmoid, He/Kaiming for ReLU-like activations, LeCun
for SELU-like ones. Biases always start at zero (see ``Network``).

Values are drawn in float64 and then cast, so a float32 and a float64 network built with
the same seed start from the same weights up to rounding.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from climann.model._names import lookup

__all__ = [
    "INITIALIZERS",
    "Initializer",
    "get_initializer",
    "glorot_normal",
    "glorot_uniform",
    "he_normal",
    "he_uniform",
    "lecun_normal",
]


class Initializer(Protocol):
    """``initializer(n_in=..., n_out=..., rng=..., dtype=...) -> W : (n_in, n_out)``."""

    def __call__(
        self, *, n_in: int, n_out: int, rng: np.random.Generator, dtype: np.dtype
    ) -> np.ndarray: ...


def glorot_uniform(
    *, n_in: int, n_out: int, rng: np.random.Generator, dtype: np.dtype
) -> np.ndarray:
    """``W ~ U(−r, r)`` with ``r = √(6 / (n_in + n_out))`` (Glorot & Bengio 2010).

    Parameters
    ----------
    n_in, n_out : int
        Fan-in and fan-out of the layer.
    rng : numpy.random.Generator
    dtype : numpy dtype

    Returns
    -------
    ndarray, shape (n_in, n_out)
    """
    limit = np.sqrt(6 / (n_in + n_out))
    return rng.uniform(-limit, limit, size=(n_in, n_out)).astype(dtype)


def glorot_normal(
    *, n_in: int, n_out: int, rng: np.random.Generator, dtype: np.dtype
) -> np.ndarray:
    """``W ~ N(0, σ²)`` with ``σ = √(2 / (n_in + n_out))``; shape (n_in, n_out)."""
    std = np.sqrt(2 / (n_in + n_out))
    return (std * rng.standard_normal(size=(n_in, n_out))).astype(dtype)


def he_uniform(*, n_in: int, n_out: int, rng: np.random.Generator, dtype: np.dtype) -> np.ndarray:
    """``W ~ U(−r, r)`` with ``r = √(6 / n_in)`` (He et al. 2015); shape (n_in, n_out)."""
    limit = np.sqrt(6 / n_in)
    return rng.uniform(-limit, limit, size=(n_in, n_out)).astype(dtype)


def he_normal(*, n_in: int, n_out: int, rng: np.random.Generator, dtype: np.dtype) -> np.ndarray:
    """``W ~ N(0, σ²)`` with ``σ = √(2 / n_in)`` (He et al. 2015); shape (n_in, n_out)."""
    std = np.sqrt(2 / n_in)
    return (std * rng.standard_normal(size=(n_in, n_out))).astype(dtype)


def lecun_normal(*, n_in: int, n_out: int, rng: np.random.Generator, dtype: np.dtype) -> np.ndarray:
    """``W ~ N(0, σ²)`` with ``σ = √(1 / n_in)`` (LeCun et al. 1998); shape (n_in, n_out)."""
    std = np.sqrt(1 / n_in)
    return (std * rng.standard_normal(size=(n_in, n_out))).astype(dtype)


INITIALIZERS: dict[str, Initializer] = {
    "glorot_uniform": glorot_uniform,
    "glorot_normal": glorot_normal,
    "he_uniform": he_uniform,
    "he_normal": he_normal,
    "lecun_normal": lecun_normal,
    # Aliases: "glorot"/"xavier" mean glorot_uniform (as in Keras), "he"/"kaiming" mean
    # he_normal (as in Keras' he_normal and PyTorch's kaiming_normal_).
    "glorot": glorot_uniform,
    "xavier": glorot_uniform,
    "he": he_normal,
    "kaiming": he_normal,
    "lecun": lecun_normal,
}
"""Initializers by name; ``glorot``/``xavier`` → glorot_uniform, ``he``/``kaiming`` → he_normal,
``lecun`` → lecun_normal."""


def get_initializer(name: str) -> Initializer:
    """The initializer called ``name`` (case-insensitive), e.g. ``"he"``.

    Raises
    ------
    ClimannError
        If ``name`` is unknown; the message lists the valid names and the closest one.
    """
    return lookup(INITIALIZERS, name, kind="initializer")
