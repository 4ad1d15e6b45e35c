"""Optimizers: how parameters move given their gradients.

An optimizer updates one flat vector of parameters in place from the flat vector of their
gradients (the layout of :mod:`climann.model.parameters`: weights first, then biases).
Working on the whole vector at once, a step costs a handful of NumPy calls whatever the
number of layers. Any state the optimizer needs (a velocity, moment estimates) is a vector
of the same length, kept explicitly as an attribute, and created at the first step; updates
use in-place ufuncs so that a step allocates no new arrays.

With ``g = ∂J/∂w`` and learning rate ``λ``:

==============  ========================================================================
``sgd``, ``gd``  ``w ← w − λ g``
``momentum``     ``v ← μ v + g``;  ``w ← w − λ v``
``nesterov``     ``v ← μ v + g``;  ``w ← w − λ (g + μ v)``
``rmsprop``      ``s ← ρ s + (1 − ρ) g²``;  ``w ← w − λ g / (√s + ε)``
``adam``         see :class:`Adam`
``adamw``        Adam, and ``w ← w − λ·weight_decay·w`` on the weights (not the biases)
==============  ========================================================================

An optimizer object is also its configuration: ``train(..., optimizer=Momentum(
learning_rate=0.01, momentum=0.8))`` trains with a fresh copy of it (see :meth:`fresh`).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar, Protocol, TypeVar

import numpy as np

from climann.errors import ClimannError
from climann.model._names import lookup

__all__ = [
    "OPTIMIZERS",
    "Adam",
    "AdamW",
    "GradientDescent",
    "Momentum",
    "Nesterov",
    "Optimizer",
    "RMSProp",
    "get_optimizer",
]

Self = TypeVar("Self", bound="_Base")


class Optimizer(Protocol):
    """``step(parameters, gradients)`` updates the flat vector ``parameters`` in place."""

    learning_rate: float

    def step(
        self, parameters: np.ndarray, gradients: np.ndarray, *, n_weights: int | None = None
    ) -> None: ...

    def fresh(self) -> Optimizer: ...

    def state_dict(self) -> dict[str, np.ndarray | int]: ...

    def load_state_dict(self, state: dict[str, np.ndarray | int]) -> None: ...


def _check_learning_rate(learning_rate: float) -> None:
    is_number = isinstance(
        learning_rate, int | float | np.integer | np.floating
    ) and not isinstance(learning_rate, bool)
    if not (is_number and np.isfinite(learning_rate) and learning_rate > 0):
        raise ClimannError(f"learning_rate must be a positive finite number; got {learning_rate!r}")


def _check_rate(owner: object, label: str, value: float, *, closed: bool = False) -> None:
    """Raise unless ``0 <= value < 1`` (``<= 1`` if ``closed``), e.g. for a momentum."""
    is_number = isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool
    )
    if not (is_number and 0 <= value and (value <= 1 if closed else value < 1)):
        upper = "<= 1" if closed else "< 1"
        raise ClimannError(
            f"{type(owner).__name__} needs 0 <= {label} {upper}; got {label}={value!r}"
        )


def _check_positive(owner: object, label: str, value: float) -> None:
    is_number = isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool
    )
    if not (is_number and math.isfinite(value) and value > 0):
        raise ClimannError(f"{type(owner).__name__} needs {label} > 0; got {label}={value!r}")


def _state() -> np.ndarray:
    """A state vector, empty until the first step makes it as long as the parameters."""
    return field(default_factory=lambda: np.empty(0), init=False, repr=False, compare=False)


class _Base:
    """What all optimizers share: the learning-rate check, :meth:`fresh`, the state's start."""

    learning_rate: float
    scratch: np.ndarray
    state_names: ClassVar[tuple[str, ...]] = ("scratch",)
    """The attributes holding state vectors; every optimizer has a ``scratch`` buffer."""

    def __post_init__(self) -> None:
        _check_learning_rate(self.learning_rate)

    def fresh(self: Self) -> Self:
        """A copy with the same settings and no state (no velocity, no moments, step 0)."""
        return dataclasses.replace(self)

    def state_dict(self) -> dict[str, np.ndarray | int]:
        """The optimizer's state, to continue training later: copies of its state vectors
        (empty before the first step) and its step count, if it keeps one.

        The settings (learning rate, momentum, …) are not state: they come with the object,
        and a schedule sets the learning rate anew each epoch. The ``scratch`` buffer is
        overwritten before it is read at every step, so it is not state either.

        Returns
        -------
        dict
            ``{name: ndarray}`` for each state vector, plus ``{"n_steps": int}`` for Adam.
        """
        state: dict[str, np.ndarray | int] = {
            name: getattr(self, name).copy() for name in self.state_names if name != "scratch"
        }
        if hasattr(self, "n_steps"):
            state["n_steps"] = int(self.n_steps)
        return state

    def load_state_dict(self, state: dict[str, np.ndarray | int]) -> None:
        """Continue from ``state`` (from :meth:`state_dict` of an optimizer of this kind).

        Raises
        ------
        ClimannError
            If an entry is missing or extra, or the state vectors differ in shape or dtype.
        """
        expected = self.state_dict()
        if set(state) != set(expected):
            raise ClimannError(
                f"{type(self).__name__} state needs entries {sorted(expected)}; got {sorted(state)}"
            )
        vectors = [np.array(state[name]) for name in self.state_names if name != "scratch"]
        if len({(vector.shape, vector.dtype) for vector in vectors}) > 1 or any(
            vector.ndim != 1 for vector in vectors
        ):
            raise ClimannError(
                f"{type(self).__name__} state vectors must be 1-D of one length and dtype; got "
                + ", ".join(f"{vector.shape} {vector.dtype}" for vector in vectors)
            )
        for name, vector in zip((n for n in self.state_names if n != "scratch"), vectors):
            setattr(self, name, vector)
        # A scratch buffer of the state's shape tells _start that the state is in place.
        self.scratch = np.zeros_like(vectors[0]) if vectors else np.empty(0)
        if "n_steps" in state:
            self.n_steps = int(state["n_steps"])

    def _start(self, parameters: np.ndarray) -> None:
        """At the first step: every state vector zeros, as long as ``parameters``."""
        if self.scratch.shape != parameters.shape or self.scratch.dtype != parameters.dtype:
            for name in self.state_names:
                setattr(self, name, np.zeros_like(parameters))


@dataclass
class GradientDescent(_Base):
    """Plain gradient descent, ``w ← w − λ ∂J/∂w``.

    Full-batch gradient descent when the gradients come from all samples, stochastic
    (mini-batch) gradient descent when they come from a batch.

    Parameters
    ----------
    learning_rate : float, default 0.001
        ``λ``.
    """

    learning_rate: float = 1e-3
    scratch: np.ndarray = _state()
    """``λ ∂J/∂w``."""

    def step(
        self, parameters: np.ndarray, gradients: np.ndarray, *, n_weights: int | None = None
    ) -> None:
        """``w ← w − λ ∂J/∂w`` in place; ``gradients`` has the shape of ``parameters``."""
        self._start(parameters)
        np.multiply(gradients, self.learning_rate, out=self.scratch)
        np.subtract(parameters, self.scratch, out=parameters)


@dataclass
class Momentum(_Base):
    """Gradient descent with momentum (heavy ball), ``v ← μ v + g``, ``w ← w − λ v``.

    The velocity ``v`` is a running sum of past gradients, each step's weight ``μ`` times
    the previous one's, so that steady directions speed up and oscillations cancel.

    Parameters
    ----------
    learning_rate : float, default 0.001
        ``λ``.
    momentum : float, default 0.9
        ``μ``, in [0, 1); 0 is plain gradient descent.
    """

    learning_rate: float = 1e-3
    momentum: float = 0.9
    velocity: np.ndarray = _state()
    """``v``, one entry per parameter."""
    scratch: np.ndarray = _state()
    state_names: ClassVar[tuple[str, ...]] = ("velocity", "scratch")

    def __post_init__(self) -> None:
        super().__post_init__()
        _check_rate(self, "momentum", self.momentum)

    def step(
        self, parameters: np.ndarray, gradients: np.ndarray, *, n_weights: int | None = None
    ) -> None:
        """``v ← μ v + g``; ``w ← w − λ v``, in place."""
        self._start(parameters)
        self.velocity *= self.momentum
        self.velocity += gradients
        np.multiply(self.velocity, self.learning_rate, out=self.scratch)
        parameters -= self.scratch


@dataclass
class Nesterov(Momentum):
    """Nesterov momentum, ``v ← μ v + g``, ``w ← w − λ (g + μ v)``.

    Like :class:`Momentum`, but the step looks ahead: it uses the gradient plus the
    velocity it is about to follow (the formulation of PyTorch's ``SGD(nesterov=True)``).

    Parameters
    ----------
    learning_rate : float, default 0.001
        ``λ``.
    momentum : float, default 0.9
        ``μ``, in [0, 1).
    """

    def step(
        self, parameters: np.ndarray, gradients: np.ndarray, *, n_weights: int | None = None
    ) -> None:
        """``v ← μ v + g``; ``w ← w − λ (g + μ v)``, in place."""
        self._start(parameters)
        self.velocity *= self.momentum
        self.velocity += gradients
        np.multiply(self.velocity, self.momentum, out=self.scratch)
        self.scratch += gradients
        self.scratch *= self.learning_rate
        parameters -= self.scratch


@dataclass
class RMSProp(_Base):
    """RMSprop (Hinton 2012), ``s ← ρ s + (1 − ρ) g²``, ``w ← w − λ g / (√s + ε)``.

    Each parameter's step is divided by a running root-mean-square of its gradients, so
    that parameters with large gradients take smaller steps.

    Parameters
    ----------
    learning_rate : float, default 0.001
        ``λ``.
    rho : float, default 0.9
        ``ρ``, the decay rate of the running mean, in [0, 1).
    epsilon : float, default 1e-8
        ``ε``, keeps the division finite.
    """

    learning_rate: float = 1e-3
    rho: float = 0.9
    epsilon: float = 1e-8
    mean_square: np.ndarray = _state()
    """``s``, one entry per parameter."""
    scratch: np.ndarray = _state()
    state_names: ClassVar[tuple[str, ...]] = ("mean_square", "scratch")

    def __post_init__(self) -> None:
        super().__post_init__()
        _check_rate(self, "rho", self.rho)
        _check_positive(self, "epsilon", self.epsilon)

    def step(
        self, parameters: np.ndarray, gradients: np.ndarray, *, n_weights: int | None = None
    ) -> None:
        """``s ← ρ s + (1 − ρ) g²``; ``w ← w − λ g / (√s + ε)``, in place."""
        self._start(parameters)
        s, buffer = self.mean_square, self.scratch
        s *= self.rho
        np.square(gradients, out=buffer)
        buffer *= 1 - self.rho
        s += buffer
        np.sqrt(s, out=buffer)
        buffer += self.epsilon
        np.divide(gradients, buffer, out=buffer)
        buffer *= self.learning_rate
        parameters -= buffer


@dataclass
class Adam(_Base):
    """Adam (Kingma & Ba 2015) with bias correction.

    With ``g = ∂J/∂w`` and step count ``t``::

        m ← β1 m + (1 − β1) g          v ← β2 v + (1 − β2) g²
        m̂ = m / (1 − β1^t)             v̂ = v / (1 − β2^t)
        w ← w − λ m̂ / (√v̂ + ε)

    computed as ``w ← w − λ_t m / (√v + ε_t)`` with ``λ_t = λ √(1 − β2^t) / (1 − β1^t)`` and
    ``ε_t = ε √(1 − β2^t)``, the same update with two scalar factors instead of two divided
    vectors (Kingma & Ba's section 2 suggests it).

    Parameters
    ----------
    learning_rate : float, default 0.001
        ``λ``.
    beta1, beta2 : float, default 0.9, 0.999
        Decay rates of the first and second moment estimates.
    epsilon : float, default 1e-8
    """

    learning_rate: float = 1e-3
    beta1: float = 0.9
    beta2: float = 0.999
    epsilon: float = 1e-8
    n_steps: int = field(default=0, init=False, compare=False)
    first_moment: np.ndarray = _state()
    """``m``, one entry per parameter."""
    second_moment: np.ndarray = _state()
    """``v``, one entry per parameter."""
    scratch: np.ndarray = _state()
    state_names: ClassVar[tuple[str, ...]] = ("first_moment", "second_moment", "scratch")

    def __post_init__(self) -> None:
        super().__post_init__()
        _check_rate(self, "beta1", self.beta1)
        _check_rate(self, "beta2", self.beta2)
        _check_positive(self, "epsilon", self.epsilon)

    def step(
        self, parameters: np.ndarray, gradients: np.ndarray, *, n_weights: int | None = None
    ) -> None:
        """One Adam update of every parameter, in place."""
        self._start(parameters)
        m, v, buffer = self.first_moment, self.second_moment, self.scratch
        self.n_steps += 1
        first_correction = 1 - self.beta1**self.n_steps
        second_correction = math.sqrt(1 - self.beta2**self.n_steps)
        # m ← β1 m + (1 − β1) g
        m *= self.beta1
        np.multiply(gradients, 1 - self.beta1, out=buffer)
        m += buffer
        # v ← β2 v + (1 − β2) g²
        v *= self.beta2
        np.square(gradients, out=buffer)
        buffer *= 1 - self.beta2
        v += buffer
        # w ← w − λ_t m / (√v + ε_t)
        np.sqrt(v, out=buffer)
        buffer += self.epsilon * second_correction
        np.divide(m, buffer, out=buffer)
        buffer *= self.learning_rate * second_correction / first_correction
        parameters -= buffer


@dataclass
class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter 2019).

    First ``w ← w − λ·weight_decay·w`` on the weights only (not the biases), then the Adam
    update of every parameter. Unlike an L2 penalty, the decay does not pass through
    Adam's division by ``√v̂``: every weight shrinks by the same factor.

    Parameters
    ----------
    learning_rate : float, default 0.001
        ``λ``.
    beta1, beta2, epsilon : as for :class:`Adam`
    weight_decay : float, default 0.01
        Fraction of each weight removed per step, times ``λ``.
    """

    weight_decay: float = 0.01

    def __post_init__(self) -> None:
        super().__post_init__()
        is_number = isinstance(
            self.weight_decay, int | float | np.integer | np.floating
        ) and not isinstance(self.weight_decay, bool)
        if not (is_number and math.isfinite(self.weight_decay) and self.weight_decay >= 0):
            raise ClimannError(f"AdamW needs weight_decay >= 0; got {self.weight_decay!r}")

    def step(
        self, parameters: np.ndarray, gradients: np.ndarray, *, n_weights: int | None = None
    ) -> None:
        """Decay the weights ``parameters[:n_weights]`` (all if None), then an Adam step."""
        weights = parameters if n_weights is None else parameters[:n_weights]
        weights *= 1 - self.learning_rate * self.weight_decay
        super().step(parameters, gradients, n_weights=n_weights)


OPTIMIZERS: dict[str, Callable[..., Optimizer]] = {
    "sgd": GradientDescent,
    "gd": GradientDescent,
    "momentum": Momentum,
    "nesterov": Nesterov,
    "rmsprop": RMSProp,
    "adam": Adam,
    "adamw": AdamW,
}
"""Optimizers by name; ``sgd`` and ``gd`` are both :class:`GradientDescent`."""


def get_optimizer(name: str | Optimizer, *, learning_rate: float | None = None) -> Optimizer:
    """A new optimizer with no state: by name, or a fresh copy of an optimizer object.

    Parameters
    ----------
    name : str or Optimizer
        ``"sgd"``/``"gd"``, ``"momentum"``, ``"nesterov"``, ``"rmsprop"``, ``"adam"`` or
        ``"adamw"`` (case-insensitive), with default settings; or an object such as
        ``Momentum(learning_rate=0.01, momentum=0.8)`` for other settings.
    learning_rate : float, optional
        ``λ``, positive. With a name: 0.001 if None (every optimizer's default). With an
        object: must be None (the object holds its learning rate).

    Returns
    -------
    Optimizer
        Fresh, with no state.

    Raises
    ------
    ClimannError
        If ``name`` is unknown (the message lists the valid names), ``learning_rate <= 0``,
        or a learning rate is given twice.
    """
    if isinstance(name, _Base):
        if learning_rate is not None:
            raise ClimannError(
                f"learning_rate={learning_rate!r} given both as an argument and in the "
                f"optimizer object {name!r}; set it in the object only"
            )
        return name.fresh()
    if not isinstance(name, str):
        raise ClimannError(
            f"optimizer must be a name ({', '.join(sorted(OPTIMIZERS))}) or an optimizer "
            f"object such as Adam(learning_rate=1e-3); got {name!r}"
        )
    optimizer_class = lookup(OPTIMIZERS, name, kind="optimizer")
    return optimizer_class() if learning_rate is None else optimizer_class(learning_rate)
