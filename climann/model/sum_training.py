"""The training loop for data held elsewhere: each step is given the loss and gradient *sums*.

:func:`climann.model.train` computes every batch's gradient itself. When the data are split
into chunks held by other processes (a dask cluster, :mod:`climann.compute`), the gradient
of a step arrives as :class:`~climann.model.sums.ChunkSums` — ``S``, ``W`` and ``G`` added up
over the step's chunks — and this loop does the rest, as :func:`~climann.model.train` does:
``J = S / W`` and ``∂J/∂θ = G / W``, the L2 penalty, gradient clipping, the optimizer's update
of the flat parameter vector, learning-rate schedules, the best weights, early stopping, and
a divergence check after every step.

A *step function* takes the current parameter vector and returns the sums of one step's
data at those parameters; which data a step covers (all chunks: full-batch gradient descent,
or a sample of them) is the caller's choice.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from climann.errors import ClimannError
from climann.model.network import Network
from climann.model.optimizers import Optimizer, get_optimizer
from climann.model.regularization import add_l2_gradient, check_clip_norm, check_l2, clip_by_global_norm
from climann.model.schedules import Schedule, get_schedule
from climann.model.stopping import BestWeights, EarlyStopping
from climann.model.sums import ChunkSums
from climann.model.training import Callback, History

__all__ = ["StepFunction", "train_from_sums"]

StepFunction = Callable[[np.ndarray], ChunkSums]
"""``step(parameters) -> ChunkSums``: the sums of one step's data at ``parameters``."""


class _Diverged(Exception):
    """A non-finite loss or weight; :func:`train_from_sums` reports it."""


class _SumStepper:
    """One optimizer step from given sums; the vectors it needs are allocated once."""

    def __init__(self, network: Network, optimizer: Optimizer, l2: float, clip_norm: float | None) -> None:
        self.network, self.optimizer, self.l2, self.clip_norm = network, optimizer, l2, clip_norm
        self.gradient = np.zeros_like(network.parameter_vector)
        self.backup = np.empty_like(self.gradient)
        self.scratch = np.empty(network.n_weights, dtype=self.gradient.dtype)

    def step(self, sums: ChunkSums) -> float:
        """``∂J/∂θ = G / W`` (+ L2, clipped), one optimizer update; returns ``J = S / W``."""
        loss_value = sums.mean_loss()
        if not math.isfinite(loss_value):
            raise _Diverged(f"the loss became {loss_value}")
        parameters, n_weights = self.network.parameter_vector, self.network.n_weights
        sums.mean_gradient(out=self.gradient)
        if self.l2:
            add_l2_gradient(self.gradient[:n_weights], parameters[:n_weights], self.l2, self.scratch)
        if self.clip_norm is not None:
            clip_by_global_norm(self.gradient, self.clip_norm)
        np.copyto(self.backup, parameters)
        self.optimizer.step(parameters, self.gradient, n_weights=n_weights)
        # One sum instead of an isfinite per parameter: it is inf or NaN if any weight is.
        if not math.isfinite(np.add.reduce(parameters)):
            np.copyto(parameters, self.backup)
            raise _Diverged("a weight or gradient became inf or NaN")
        return loss_value


def _run_epoch(stepper: _SumStepper, steps: Iterable[StepFunction]) -> float:
    """Every step of one epoch; the epoch's loss ``Σ S / Σ W`` over its steps (each at the
    parameters before its update), as :class:`~climann.model.History` defines it."""
    loss_sum, weight_sum = 0.0, 0.0
    for step in steps:
        sums = step(stepper.network.parameter_vector.copy())
        if not sums.weight > 0:
            continue
        loss_value = stepper.step(sums)
        loss_sum += loss_value * sums.weight
        weight_sum += sums.weight
    if weight_sum == 0:
        raise ClimannError("an epoch had no step with an observed target of positive weight")
    return loss_sum / weight_sum


def _check_settings(epochs: int, callbacks: Sequence[Callback], early_stopping: EarlyStopping | None) -> None:
    if not isinstance(epochs, int | np.integer) or isinstance(epochs, bool) or epochs < 1:
        raise ClimannError(f"epochs must be an integer >= 1; got {epochs!r}")
    if any(not callable(callback) for callback in callbacks):
        raise ClimannError("callbacks must be callables callback(epoch, history)")
    if early_stopping is not None and not isinstance(early_stopping, EarlyStopping):
        raise ClimannError(f"early_stopping must be EarlyStopping(...) or None; got {early_stopping!r}")


def train_from_sums(
    network: Network,
    epoch_steps: Callable[[int], Iterable[StepFunction]],
    *,
    validation: StepFunction | None = None,
    epochs: int = 20,
    optimizer: str | Optimizer = "adam",
    learning_rate: float | None = None,
    l2: float = 0.0,
    clip_norm: float | None = None,
    schedule: str | Schedule | None = None,
    early_stopping: EarlyStopping | None = None,
    callbacks: Sequence[Callback] = (),
) -> History:
    """Train ``network`` in place from loss and gradient sums computed elsewhere.

    Parameters
    ----------
    network : Network
        Updated in place.
    epoch_steps : callable
        ``epoch_steps(epoch)`` (``epoch`` from 1) returns that epoch's step functions, in
        order; each is called once with a copy of the current parameter vector and returns
        the :class:`ChunkSums` (with gradient) of its data. One step over all the data per
        epoch is full-batch gradient descent.
    validation : callable, optional
        ``validation(parameters) -> ChunkSums`` (the gradient is not needed): the validation
        loss ``S / W`` after every epoch.
    epochs, optimizer, learning_rate, l2, clip_norm, schedule, early_stopping, callbacks
        As for :func:`climann.model.train`.

    Returns
    -------
    History

    Raises
    ------
    ClimannError
        For invalid settings, and when training diverges (a non-finite loss or weight): the
        network keeps its best weights so far, or those from before the bad step.
    """
    _check_settings(epochs, callbacks, early_stopping)
    stepper = _SumStepper(network, get_optimizer(optimizer, learning_rate=learning_rate), check_l2(l2),
                          check_clip_norm(clip_norm))
    schedule = get_schedule(schedule)
    history, best = History(), BestWeights(network.parameter_vector)
    monitored = history.val_loss if validation is not None else history.train_loss
    initial_rate = stepper.optimizer.learning_rate
    min_delta = 0.0 if early_stopping is None else early_stopping.min_delta
    try:
        for epoch in range(1, epochs + 1):
            rate = float(schedule.learning_rate(epoch, initial=initial_rate, epochs=epochs, losses=list(monitored)))
            stepper.optimizer.learning_rate = rate
            history.learning_rate.append(rate)
            # Overflow is expected when training diverges: detected and reported as one error.
            with np.errstate(over="ignore", invalid="ignore"):
                history.train_loss.append(_run_epoch(stepper, epoch_steps(epoch)))
                value = None if validation is None else validation(network.parameter_vector.copy()).mean_loss()
            if value is not None:
                if not math.isfinite(value):
                    raise _Diverged(f"the validation loss became {value}")
                history.val_loss.append(value)
            best.observe(epoch, monitored[-1], network.parameter_vector, min_delta=min_delta)
            history.best_epoch = best.epoch
            for callback in callbacks:
                callback(epoch, history)
            if early_stopping is not None and best.epochs_without_improvement >= early_stopping.patience:
                history.stopped_epoch = epoch
                break
    except _Diverged as diverged:
        epoch, rate = len(history.learning_rate), stepper.optimizer.learning_rate
        kept = f"epoch {best.epoch}, the best so far" if best.restore(network.parameter_vector) else "before that step"
        raise ClimannError(
            f"training diverged in epoch {epoch} with learning_rate={rate:g} ({diverged}); the network keeps "
            f"its weights from {kept}; try a smaller learning rate, e.g. {rate / 10:g}"
        ) from None
    if early_stopping is not None:
        best.restore(network.parameter_vector)
    return history
