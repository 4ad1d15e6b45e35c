"""The training loop for data held elsewhere: each step is given the loss and gradient *sums*.

:func:`climann.model.train` computes every batch's gradient itself. When the data are split
into chunks held by other processes (a dask cluster, :mod:`climann.compute`), the gradient
of a step arrives as :class:`~climann.model.sums.ChunkSums` — ``S``, ``W`` and ``G`` added up
over the step's chunks — and this loop does the rest, as :func:`~climann.model.train` does:
``J = S / W`` and ``∂J/∂θ = G / W``, the L2 penalty, gradient clipping, the optimizer's update
of the flat parameter vector, learning-rate schedules, the best weights, early stopping, and
a divergence check after every step, and checkpoints between epochs (a :class:`TrainingState`
that continues the run bit-identically, as :func:`~climann.model.train` writes them).

A *step function* takes the current parameter vector and returns the sums of one step's
data at those parameters; which data a step covers (all chunks: full-batch gradient descent,
or a sample of them) is the caller's choice.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from climann.errors import ClimannError
from climann.model.network import Network
from climann.model.optimizers import Optimizer, get_optimizer
from climann.model.regularization import add_l2_gradient, check_clip_norm, check_l2, clip_by_global_norm
from climann.model.schedules import Schedule, get_schedule
from climann.model.stopping import BestWeights, EarlyStopping
from climann.model.sums import ChunkSums
from climann.model.state import TrainingState
from climann.model.training import (
    Callback,
    CheckpointCallback,
    History,
    StopRequest,
    TrainingDiverged,
    TrainingInterrupted,
)

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


def _check_settings(
    epochs: int, callbacks: Sequence[Callback], early_stopping: EarlyStopping | None, checkpoint_every: int,
    stop: StopRequest | None, initial_state: TrainingState | None,
) -> None:
    if not isinstance(epochs, int | np.integer) or isinstance(epochs, bool) or epochs < 1:
        raise ClimannError(f"epochs must be an integer >= 1; got {epochs!r}")
    if any(not callable(callback) for callback in callbacks):
        raise ClimannError("callbacks must be callables callback(epoch, history)")
    if early_stopping is not None and not isinstance(early_stopping, EarlyStopping):
        raise ClimannError(f"early_stopping must be EarlyStopping(...) or None; got {early_stopping!r}")
    if not isinstance(checkpoint_every, int | np.integer) or checkpoint_every < 0:
        raise ClimannError(f"checkpoint_every must be an integer >= 0; got {checkpoint_every!r}")
    if stop is not None and not isinstance(stop, StopRequest):
        raise ClimannError(f"stop must be a StopRequest or None; got {stop!r}")
    if initial_state is not None and not isinstance(initial_state, TrainingState):
        raise ClimannError(f"initial_state must be a TrainingState or None; got {initial_state!r}")


@dataclass
class _SumLoop:
    """The epochs of :func:`train_from_sums`, with what they carry between epochs."""

    stepper: _SumStepper
    epoch_steps: Callable[[int], Iterable[StepFunction]]
    validation: StepFunction | None
    schedule: Schedule
    epochs: int
    early_stopping: EarlyStopping | None
    callbacks: Sequence[Callback]
    rng: np.random.Generator | None
    checkpoint_every: int
    on_checkpoint: CheckpointCallback | None
    stop: StopRequest | None
    history: History = field(default_factory=History)
    best: BestWeights = field(init=False)

    def __post_init__(self) -> None:
        self.best = BestWeights(self.stepper.network.parameter_vector)
        self.initial_rate = self.stepper.optimizer.learning_rate

    @property
    def monitored(self) -> list[float]:
        return self.history.val_loss if self.validation is not None else self.history.train_loss

    def run(self, first_epoch: int) -> None:
        network, history = self.stepper.network, self.history
        min_delta = 0.0 if self.early_stopping is None else self.early_stopping.min_delta
        for epoch in range(first_epoch, self.epochs + 1):
            rate = float(self.schedule.learning_rate(epoch, initial=self.initial_rate, epochs=self.epochs,
                                                     losses=list(self.monitored)))
            self.stepper.optimizer.learning_rate = rate
            history.learning_rate.append(rate)
            # Overflow is expected when training diverges: detected and reported as one error.
            with np.errstate(over="ignore", invalid="ignore"):
                history.train_loss.append(_run_epoch(self.stepper, self.epoch_steps(epoch)))
                value = None if self.validation is None else (
                    self.validation(network.parameter_vector.copy()).mean_loss())
            if value is not None:
                if not math.isfinite(value):
                    raise _Diverged(f"the validation loss became {value}")
                history.val_loss.append(value)
            self.best.observe(epoch, self.monitored[-1], network.parameter_vector, min_delta=min_delta)
            history.best_epoch = self.best.epoch
            for callback in self.callbacks:
                callback(epoch, history)
            if self._end_of_epoch(epoch):
                break

    def _end_of_epoch(self, epoch: int) -> bool:
        """Early stopping, checkpoints and a stop request after ``epoch``; True if it was the last."""
        finished = epoch == self.epochs
        if self.early_stopping is not None and self.best.epochs_without_improvement >= self.early_stopping.patience:
            self.history.stopped_epoch, finished = epoch, True
        stop_now = self.stop is not None and self.stop.requested
        due = self.on_checkpoint is not None and self.checkpoint_every and (
            finished or epoch % self.checkpoint_every == 0)
        if stop_now or due:
            state = self.capture(epoch)
            if self.on_checkpoint is not None:
                self.on_checkpoint(state)
            if stop_now:
                raise TrainingInterrupted(state)
        return finished

    def capture(self, epoch: int) -> TrainingState:
        """The state after ``epoch`` finished epochs (copies); between epochs only."""
        stepper, history = self.stepper, self.history
        return TrainingState(
            epoch=epoch, batch=0, parameters=stepper.network.parameter_vector.copy(),
            optimizer_kind=type(stepper.optimizer).__name__, optimizer=stepper.optimizer.state_dict(),
            rng=self.rng.bit_generator.state if self.rng is not None else {},
            history=dataclasses.replace(history, train_loss=list(history.train_loss), val_loss=list(history.val_loss),
                                        learning_rate=list(history.learning_rate)),
            best=self.best.state_dict(), batch_size=0, n_samples=None,
        )

    def restore(self, state: TrainingState) -> int:
        """Continue from ``state``; returns the first epoch to run."""
        parameters, optimizer = self.stepper.network.parameter_vector, self.stepper.optimizer
        problems = []
        if state.parameters.shape != parameters.shape or state.parameters.dtype != parameters.dtype:
            problems.append(f"its parameters are {state.parameters.shape} {state.parameters.dtype}, "
                            f"the network's {parameters.shape} {parameters.dtype}")
        if state.optimizer_kind != type(optimizer).__name__:
            problems.append(f"it was taken with {state.optimizer_kind}, not {type(optimizer).__name__}")
        if state.batch:
            problems.append("it was taken inside an epoch; training from sums resumes at epoch boundaries")
        if state.epoch > self.epochs or len(state.history.train_loss) != state.epoch:
            problems.append(f"it is after epoch {state.epoch}, and this run has {self.epochs} epochs")
        if problems:
            raise ClimannError(f"initial_state does not continue this run: {'; '.join(problems)}")
        np.copyto(parameters, state.parameters)
        optimizer.load_state_dict(state.optimizer)
        if self.rng is not None and state.rng:
            self.rng.bit_generator.state = state.rng
        self.best.load_state_dict(state.best)
        saved = state.history
        self.history.train_loss[:], self.history.val_loss[:] = saved.train_loss, saved.val_loss
        self.history.learning_rate[:] = saved.learning_rate
        self.history.best_epoch, self.history.stopped_epoch = saved.best_epoch, saved.stopped_epoch
        return self.epochs + 1 if saved.stopped_epoch is not None else state.epoch + 1

    def diverged(self, problem: str) -> TrainingDiverged:
        """The error to raise, with the network set back to the best weights so far."""
        epoch, rate = len(self.history.learning_rate), self.stepper.optimizer.learning_rate
        restored = self.best.restore(self.stepper.network.parameter_vector)
        kept = f"epoch {self.best.epoch}, the best so far" if restored else "before that step"
        return TrainingDiverged(
            f"training diverged in epoch {epoch} with learning_rate={rate:g} ({problem}); the network keeps "
            f"its weights from {kept}; try a smaller learning rate, e.g. {rate / 10:g}",
            epoch=epoch, learning_rate=rate, best_epoch=self.best.epoch if restored else None,
        )


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
    rng: np.random.Generator | None = None,
    checkpoint_every: int = 0,
    on_checkpoint: CheckpointCallback | None = None,
    stop: StopRequest | None = None,
    initial_state: TrainingState | None = None,
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
    rng : numpy.random.Generator, optional
        The generator ``epoch_steps`` draws from (e.g. the order of chunks), if any: its
        state is recorded in checkpoints and restored from ``initial_state``.
    checkpoint_every, on_checkpoint, stop, initial_state
        As for :func:`climann.model.train`, at epoch boundaries only: ``on_checkpoint(state)``
        after every ``checkpoint_every``-th epoch and the last; a ``stop`` request takes
        effect after the current epoch (checkpoint, then :class:`TrainingInterrupted`);
        ``initial_state`` continues such a run bit-identically (same step sums).

    Returns
    -------
    History

    Raises
    ------
    ClimannError
        For invalid settings, or an ``initial_state`` that does not fit this run.
    TrainingDiverged
        When training diverges (a non-finite loss or weight): the network keeps its best
        weights so far, or those from before the bad step.
    TrainingInterrupted
        When ``stop`` was requested; its ``state`` continues the run.
    """
    _check_settings(epochs, callbacks, early_stopping, checkpoint_every, stop, initial_state)
    stepper = _SumStepper(network, get_optimizer(optimizer, learning_rate=learning_rate), check_l2(l2),
                          check_clip_norm(clip_norm))
    loop = _SumLoop(stepper, epoch_steps, validation, get_schedule(schedule), epochs, early_stopping, callbacks,
                    rng, checkpoint_every, on_checkpoint, stop)
    first_epoch = 1 if initial_state is None else loop.restore(initial_state)
    try:
        loop.run(first_epoch)
    except _Diverged as diverged:
        raise loop.diverged(str(diverged)) from None
    if early_stopping is not None:
        loop.best.restore(network.parameter_vector)
    return loop.history
