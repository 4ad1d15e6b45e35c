"""Learning-rate schedules: the learning rate ``λ_e`` of each epoch ``e = 1, 2, …``.

A schedule is a small frozen object with one method, ``learning_rate(epoch, initial=λ,
epochs=E, losses=[...])``: the rate for ``epoch`` given the initial rate ``λ`` (the
optimizer's), the number of epochs ``E`` and the monitored loss of every epoch finished so
far (the validation loss, or the training loss without a validation set). It keeps no
state: the same arguments always give the same rate.

==========================  =================================================================
``constant``                ``λ_e = λ``
``step``                    ``λ_e = λ · γ^⌊(e − 1) / step_size⌋``
``exponential``             ``λ_e = λ · γ^(e − 1)``
``cosine``                  ``λ_e = λ_min + ½ (λ − λ_min)(1 + cos(π (e − 1) / E))``
``reduce_on_plateau``       ``λ`` times ``factor`` after each ``patience`` epochs in a row
                            without improvement of the monitored loss, never below ``λ_min``
==========================  =================================================================

``train(..., schedule="cosine")`` uses the defaults; ``schedule=StepDecay(step_size=5,
gamma=0.5)`` other settings.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from climann.errors import ClimannError
from climann.model._names import lookup

__all__ = [
    "SCHEDULES",
    "Constant",
    "CosineDecay",
    "ExponentialDecay",
    "ReduceOnPlateau",
    "Schedule",
    "StepDecay",
    "get_schedule",
]


class Schedule(Protocol):
    """``learning_rate(epoch, initial=..., epochs=..., losses=...)`` → the rate for ``epoch``."""

    def learning_rate(
        self, epoch: int, *, initial: float, epochs: int, losses: Sequence[float]
    ) -> float: ...


def _check(
    owner: object,
    label: str,
    value: object,
    *,
    low: float,
    high: float | None = None,
    low_allowed: bool = False,
) -> None:
    """Raise unless ``value`` is a finite number above ``low`` (or equal to it, if
    ``low_allowed``) and at most ``high`` (if given)."""
    is_number = isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool
    )
    valid = is_number and math.isfinite(value) and (value >= low if low_allowed else value > low)
    if valid and high is not None:
        valid = value <= high
    if not valid:
        bound = (">= " if low_allowed else "> ") + f"{low:g}"
        bound += "" if high is None else f" and <= {high:g}"
        raise ClimannError(f"{type(owner).__name__} needs {label} {bound}; got {value!r}")


def _check_count(owner: object, label: str, value: object, *, low: int) -> None:
    """Raise unless ``value`` is an integer >= ``low``."""
    if not isinstance(value, int | np.integer) or isinstance(value, bool) or value < low:
        raise ClimannError(
            f"{type(owner).__name__} needs {label} to be an integer >= {low}; got {value!r}"
        )


@dataclass(frozen=True)
class Constant:
    """``λ_e = λ``: the same learning rate in every epoch (the default)."""

    def learning_rate(
        self, epoch: int, *, initial: float, epochs: int, losses: Sequence[float]
    ) -> float:
        return initial


@dataclass(frozen=True)
class StepDecay:
    """``λ_e = λ · γ^⌊(e − 1) / step_size⌋``: times ``γ`` every ``step_size`` epochs.

    Parameters
    ----------
    step_size : int, default 10
        Epochs between two decays.
    gamma : float, default 0.1
        ``γ``, in (0, 1].
    """

    step_size: int = 10
    gamma: float = 0.1

    def __post_init__(self) -> None:
        _check_count(self, "step_size", self.step_size, low=1)
        _check(self, "gamma", self.gamma, low=0, high=1)

    def learning_rate(
        self, epoch: int, *, initial: float, epochs: int, losses: Sequence[float]
    ) -> float:
        return initial * self.gamma ** ((epoch - 1) // self.step_size)


@dataclass(frozen=True)
class ExponentialDecay:
    """``λ_e = λ · γ^(e − 1)``: times ``γ`` every epoch.

    Parameters
    ----------
    gamma : float, default 0.9
        ``γ``, in (0, 1].
    """

    gamma: float = 0.9

    def __post_init__(self) -> None:
        _check(self, "gamma", self.gamma, low=0, high=1)

    def learning_rate(
        self, epoch: int, *, initial: float, epochs: int, losses: Sequence[float]
    ) -> float:
        return initial * self.gamma ** (epoch - 1)


@dataclass(frozen=True)
class CosineDecay:
    """``λ_e = λ_min + ½ (λ − λ_min)(1 + cos(π (e − 1) / E))`` over ``E`` epochs.

    Half a cosine wave from ``λ`` in the first epoch down towards ``λ_min``, which it would
    reach in epoch ``E + 1``: the last epoch still learns (PyTorch's ``CosineAnnealingLR``
    with ``T_max = E``).

    Parameters
    ----------
    min_learning_rate : float, default 0
        ``λ_min``, >= 0.
    """

    min_learning_rate: float = 0.0

    def __post_init__(self) -> None:
        _check(self, "min_learning_rate", self.min_learning_rate, low=0, low_allowed=True)

    def learning_rate(
        self, epoch: int, *, initial: float, epochs: int, losses: Sequence[float]
    ) -> float:
        lowest = min(self.min_learning_rate, initial)
        progress = (epoch - 1) / epochs
        return lowest + 0.5 * (initial - lowest) * (1 + math.cos(math.pi * progress))


@dataclass(frozen=True)
class ReduceOnPlateau:
    """Multiply the rate by ``factor`` when the monitored loss stops improving.

    The monitored loss is the validation loss (the training loss without a validation
    set). An epoch improves if its loss is below the best so far by more than
    ``min_delta``; after ``patience`` epochs in a row without improvement, the rate is
    multiplied by ``factor`` (never going below ``min_learning_rate``) and the count
    starts again (the rule of Keras' ``ReduceLROnPlateau``).

    Parameters
    ----------
    factor : float, default 0.5
        In (0, 1).
    patience : int, default 5
        Epochs without improvement before a reduction, >= 1.
    min_learning_rate : float, default 0
    min_delta : float, default 0
        How much lower than the best a loss must be to count as an improvement.
    """

    factor: float = 0.5
    patience: int = 5
    min_learning_rate: float = 0.0
    min_delta: float = 0.0

    def __post_init__(self) -> None:
        _check(self, "factor", self.factor, low=0, high=1)
        if self.factor == 1:
            raise ClimannError("ReduceOnPlateau needs factor < 1 (1 would never reduce); got 1")
        _check_count(self, "patience", self.patience, low=1)
        _check(self, "min_learning_rate", self.min_learning_rate, low=0, low_allowed=True)
        _check(self, "min_delta", self.min_delta, low=0, low_allowed=True)

    def learning_rate(
        self, epoch: int, *, initial: float, epochs: int, losses: Sequence[float]
    ) -> float:
        # Replays the losses of the epochs before ``epoch``: no hidden state to keep.
        rate, best, epochs_without_improvement = initial, math.inf, 0
        for loss in losses[: epoch - 1]:
            if loss < best - self.min_delta:
                best, epochs_without_improvement = loss, 0
            else:
                epochs_without_improvement += 1
                if epochs_without_improvement >= self.patience:
                    rate = max(rate * self.factor, min(self.min_learning_rate, rate))
                    epochs_without_improvement = 0
        return rate


SCHEDULES: dict[str, Callable[[], Schedule]] = {
    "constant": Constant,
    "step": StepDecay,
    "exponential": ExponentialDecay,
    "cosine": CosineDecay,
    "reduce_on_plateau": ReduceOnPlateau,
    "plateau": ReduceOnPlateau,
}
"""Schedules by name, with default settings; ``plateau`` is an alias of ``reduce_on_plateau``."""


def get_schedule(name: str | Schedule | None) -> Schedule:
    """The schedule called ``name`` (default settings), or ``name`` itself if it is one.

    Parameters
    ----------
    name : str, Schedule or None
        ``"constant"``, ``"step"``, ``"exponential"``, ``"cosine"`` or
        ``"reduce_on_plateau"`` (case-insensitive); an object such as
        ``StepDecay(step_size=5)``; or None for ``Constant()``.

    Returns
    -------
    Schedule

    Raises
    ------
    ClimannError
        If ``name`` is unknown; the message lists the valid names and the closest one.
    """
    if name is None:
        return Constant()
    if isinstance(name, str):
        return lookup(SCHEDULES, name, kind="schedule")()
    if not callable(getattr(name, "learning_rate", None)):
        raise ClimannError(
            f"schedule must be a name ({', '.join(sorted(SCHEDULES))}) or a schedule object "
            f"such as StepDecay(step_size=10); got {name!r}"
        )
    return name
