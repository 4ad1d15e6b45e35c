"""Optimizers: how parameters move given their gradients.

An optimizer updates a list of parameter arrays in place from a list of gradient arrays of
the same shapes. Any state it needs (Adam's moment estimates, scratch buffers) is kept per
parameter, explicitly, and created at the first step; updates use in-place ufuncs so that a
step allocates no new arrays.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from climann.errors import ClimannError
from climann.model._names import lookup

__all__ = ["OPTIMIZERS", "Adam", "AdamState", "GradientDescent", "Optimizer", "get_optimizer"]


class Optimizer(Protocol):
    """``step(parameters, gradients)`` updates every ``parameters[i]`` in place."""

    learning_rate: float

    def step(self, parameters: Sequence[np.ndarray], gradients: Sequence[np.ndarray]) -> None: ...


def _check_learning_rate(learning_rate: float) -> None:
    is_number = isinstance(
        learning_rate, int | float | np.integer | np.floating
    ) and not isinstance(learning_rate, bool)
    if not (is_number and np.isfinite(learning_rate) and learning_rate > 0):
        raise ClimannError(f"learning_rate must be a positive finite number; got {learning_rate!r}")


@dataclass
class GradientDescent:
    """Plain gradient descent, ``w ← w − λ ∂J/∂w``, for each parameter.

    Full-batch gradient descent when the gradients come from all samples, stochastic
    (mini-batch) gradient descent when they come from a batch.

    Parameters
    ----------
    learning_rate : float
        ``λ``.
    """

    learning_rate: float
    scratch: list[np.ndarray] = field(default_factory=list, repr=False)
    """One buffer per parameter for ``λ ∂J/∂w``."""

    def __post_init__(self) -> None:
        _check_learning_rate(self.learning_rate)

    def step(self, parameters: Sequence[np.ndarray], gradients: Sequence[np.ndarray]) -> None:
        """``w ← w − λ ∂J/∂w`` in place; ``gradients[i]`` has the shape of ``parameters[i]``."""
        if not self.scratch:
            self.scratch = [np.empty_like(p) for p in parameters]
        for parameter, gradient, scaled in zip(parameters, gradients, self.scratch, strict=True):
            np.multiply(gradient, self.learning_rate, out=scaled)
            np.subtract(parameter, scaled, out=parameter)


@dataclass
class AdamState:
    """Adam's state for one parameter: moment estimates and a scratch buffer, same shape."""

    first_moment: np.ndarray
    second_moment: np.ndarray
    scratch: np.ndarray

    @classmethod
    def zeros_like(cls, parameter: np.ndarray) -> AdamState:
        return cls(np.zeros_like(parameter), np.zeros_like(parameter), np.empty_like(parameter))


@dataclass
class Adam:
    """Adam (Kingma & Ba 2015) with bias correction.

    With ``g = ∂J/∂w`` and step count ``t``::

        m ← β1 m + (1 − β1) g          v ← β2 v + (1 − β2) g²
        m̂ = m / (1 − β1^t)             v̂ = v / (1 − β2^t)
        w ← w − λ m̂ / (√v̂ + ε)

    Parameters
    ----------
    learning_rate : float
        ``λ``.
    beta1, beta2 : float, default 0.9, 0.999
        Decay rates of the first and second moment estimates.
    epsilon : float, default 1e-8
    """

    learning_rate: float
    beta1: float = 0.9
    beta2: float = 0.999
    epsilon: float = 1e-8
    n_steps: int = 0
    states: list[AdamState] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        _check_learning_rate(self.learning_rate)
        if not (0 <= self.beta1 < 1 and 0 <= self.beta2 < 1 and self.epsilon > 0):
            raise ClimannError(f"Adam needs 0 <= beta1, beta2 < 1 and epsilon > 0; got {self}")

    def step(self, parameters: Sequence[np.ndarray], gradients: Sequence[np.ndarray]) -> None:
        """One Adam update of every parameter, in place."""
        if not self.states:
            self.states = [AdamState.zeros_like(p) for p in parameters]
        self.n_steps += 1
        first_correction = 1 - self.beta1**self.n_steps
        second_correction = 1 - self.beta2**self.n_steps
        for parameter, gradient, state in zip(parameters, gradients, self.states, strict=True):
            m, v, buffer = state.first_moment, state.second_moment, state.scratch
            # m ← β1 m + (1 − β1) g
            m *= self.beta1
            np.multiply(gradient, 1 - self.beta1, out=buffer)
            m += buffer
            # v ← β2 v + (1 − β2) g²
            v *= self.beta2
            np.square(gradient, out=buffer)
            buffer *= 1 - self.beta2
            v += buffer
            # w ← w − λ m̂ / (√v̂ + ε)
            np.divide(v, second_correction, out=buffer)
            np.sqrt(buffer, out=buffer)
            buffer += self.epsilon
            np.divide(m, buffer, out=buffer)
            buffer *= self.learning_rate / first_correction
            parameter -= buffer


OPTIMIZERS: dict[str, Callable[..., Optimizer]] = {
    "sgd": GradientDescent,
    "gd": GradientDescent,
    "adam": Adam,
}
"""Optimizers by name; ``sgd`` and ``gd`` are both :class:`GradientDescent`."""


def get_optimizer(name: str, *, learning_rate: float) -> Optimizer:
    """A new optimizer called ``name`` (case-insensitive) with the given learning rate.

    Parameters
    ----------
    name : str
        ``"sgd"``/``"gd"`` or ``"adam"``.
    learning_rate : float
        ``λ``, positive.

    Returns
    -------
    Optimizer
        Fresh, with no state.

    Raises
    ------
    ClimannError
        If ``name`` is unknown (the message lists the valid names) or ``learning_rate <= 0``.
    """
    return lookup(OPTIMIZERS, name, kind="optimizer")(learning_rate=learning_rate)
