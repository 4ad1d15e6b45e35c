"""The training loop for data held elsewhere: each step is given the loss and gradient *sums*.

:func:`climann.model.train` computes every batch's gradient itself. When the data are split
into chunks held by other processes (a dask cluster, :mod:`climann.workflow.compute`), the gradient
of a step arrives as :class:`~climann.model.sums.ChunkSums` — ``S``, ``W`` and ``G`` added up
over the step's chunks — and this loop does the rest, as :func:`~climann.model.train` does:
``J = S / W`` and ``∂J/∂θ = G / W``, the L2 penalty, gradient clipping, the optimizer's update
of the flat parameter vector, learning-rate schedules, the best weights, early stopping, and
a divergence check after every step, and checkpoints between epochs (a :class:`TrainingState`
that continues the run bit-identically, as :func:`~climann.model.train` writes them).

A *step function* takes the current parameter vector and returns the sums of one step's
data at those parameters; which data a step covers (all chunks: full-batch gradient descent,
or a sample of them) is the caller's choice.

:func:`train_in_rounds` is the same loop for *round functions*, which advance the network
and optimizer themselves (e.g. a round of local SGD, :mod:`climann.model.local_sgd`) and
return the round's loss and weight sums; a stop request then takes effect after the
current round, and a checkpoint taken there continues the epoch at the next round.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from climann.errors import ClimannError
from climann.model.network import Network
from climann.model.losses import get_loss
from climann.model.optimizers import Optimizer, get_optimizer
from climann.model.regularization import check_clip_norm, check_l2
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
    Diverged,
    Stepper,
    _Progress,
    _Stopped,
    capture_state,
    check_training_settings,
    restore_state,
    state_problems,
)

__all__ = ["RoundFunction", "StepFunction", "train_from_sums", "train_in_rounds"]

StepFunction = Callable[[np.ndarray], ChunkSums]
"""``step(parameters) -> ChunkSums``: the sums of one step's data at ``parameters``."""

RoundFunction = Callable[[Stepper], tuple[float, float]]
"""``round(stepper) -> (loss_sum, weight_sum)``: updates ``stepper.network.parameter_vector``
and ``stepper.optimizer`` in place by one round of training and returns ``Σ W_b J_b`` and
``Σ W_b`` over the round's batches ``b`` (each loss before its step)."""


class _SumStepper(Stepper):
    """One optimizer step from given sums (the update itself is :meth:`Stepper.update`)."""

    def step(self, sums: ChunkSums) -> float:  # type: ignore[override]
        """``∂J/∂θ = G / W``, then the penalty, clipping and update; returns ``J = S / W``."""
        loss_value = sums.mean_loss()
        sums.mean_gradient(out=self.gradient)
        return self.update(loss_value)


def _step_round(step: StepFunction) -> RoundFunction:
    """A step function as a round of one optimizer step (skipped if its weight is 0)."""

    def run(stepper: Stepper) -> tuple[float, float]:
        sums = step(stepper.network.parameter_vector.copy())
        if not sums.weight > 0:
            return 0.0, 0.0
        return stepper.step(sums) * sums.weight, sums.weight  # type: ignore[arg-type]

    return run


def _run_epoch(stepper: Stepper, rounds: Sequence[RoundFunction], progress: _Progress, stop: StopRequest | None,
               ) -> float:
    """The rounds of one epoch after the first ``progress.batch``; the epoch's loss ``Σ S / Σ W``
    over its steps (each at the parameters before its update), as :class:`~climann.model.History`
    defines it. Raises :class:`_Stopped` after a round if ``stop.requested``."""
    loss_sum, weight_sum = progress.loss_sum, progress.weight_sum
    for index in range(progress.batch, len(rounds)):
        round_loss, round_weight = rounds[index](stepper)
        loss_sum += round_loss
        weight_sum += round_weight
        if stop is not None and stop.requested and index + 1 < len(rounds):
            raise _Stopped(_Progress(index + 1, float(loss_sum), float(weight_sum)))
    if weight_sum == 0:
        raise ClimannError("an epoch had no step with an observed target of positive weight")
    return loss_sum / weight_sum


@dataclass
class _SumLoop:
    """The epochs of :func:`train_from_sums`, with what they carry between epochs."""

    stepper: _SumStepper
    epoch_rounds: Callable[[int], Sequence[RoundFunction]]
    validation: StepFunction | None
    schedule: Schedule
    epochs: int
    early_stopping: EarlyStopping | None
    callbacks: Sequence[Callback]
    rng: np.random.Generator | None
    checkpoint_every: int
    on_checkpoint: CheckpointCallback | None
    stop: StopRequest | None
    round_stops: bool = False
    record: dict = field(default_factory=dict)
    history: History = field(default_factory=History)
    best: BestWeights = field(init=False)

    def __post_init__(self) -> None:
        self.best = BestWeights(self.stepper.network.parameter_vector)
        self.initial_rate = self.stepper.optimizer.learning_rate

    @property
    def monitored(self) -> list[float]:
        return self.history.val_loss if self.validation is not None else self.history.train_loss

    def run(self, first_epoch: int, progress: _Progress) -> None:
        network, history = self.stepper.network, self.history
        round_stop = self.stop if self.round_stops else None
        min_delta = 0.0 if self.early_stopping is None else self.early_stopping.min_delta
        for epoch in range(first_epoch, self.epochs + 1):
            rate = float(self.schedule.learning_rate(epoch, initial=self.initial_rate, epochs=self.epochs,
                                                     losses=list(self.monitored)))
            self.stepper.optimizer.learning_rate = rate
            history.learning_rate.append(rate)
            # Overflow is expected when training diverges: detected and reported as one error.
            with np.errstate(over="ignore", invalid="ignore"):
                try:
                    history.train_loss.append(_run_epoch(self.stepper, self.epoch_rounds(epoch), progress, round_stop))
                except _Stopped as stopped:
                    self._interrupt(self.capture(epoch - 1, stopped.progress))
                progress = _Progress()
                value = None if self.validation is None else (
                    self.validation(network.parameter_vector.copy()).mean_loss())
            if value is not None:
                if not math.isfinite(value):
                    raise Diverged(f"the validation loss became {value}")
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
            if stop_now:
                self._interrupt(state)
            if self.on_checkpoint is not None:
                self.on_checkpoint(state)
        return finished

    def _interrupt(self, state: TrainingState) -> None:
        if self.on_checkpoint is not None:
            self.on_checkpoint(state)
        raise TrainingInterrupted(state)

    def capture(self, epoch: int, progress: _Progress | None = None) -> TrainingState:
        """The state after ``epoch`` finished epochs and ``progress`` rounds into the next (copies)."""
        progress = progress or _Progress()
        rng_state = self.rng.bit_generator.state if self.rng is not None else dict(self.record)
        return capture_state(self.stepper, self.history, self.best, epoch=epoch, rng_state=rng_state, batch_size=0,
                             n_samples=None, batch=progress.batch, loss_sum=progress.loss_sum,
                             weight_sum=progress.weight_sum)

    def restore(self, state: TrainingState) -> tuple[int, _Progress]:
        """Continue from ``state``; returns the first epoch to run and the progress into it."""
        problems = state_problems(state, self.stepper, self.epochs)
        if state.batch and not self.round_stops:
            problems.append("it was taken inside an epoch; training from sums resumes at epoch boundaries")
        if self.rng is None and state.rng != self.record:
            problems.append(f"it was taken with {state.rng}, not {self.record}")
        if problems:
            raise ClimannError(f"initial_state does not continue this run: {'; '.join(problems)}")
        restore_state(state, self.stepper, self.history, self.best, self.rng)
        if state.history.stopped_epoch is not None:
            return self.epochs + 1, _Progress()
        return state.epoch + 1, _Progress(state.batch, state.epoch_loss_sum, state.epoch_weight_sum)

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
    return train_in_rounds(
        network, lambda epoch: [_step_round(step) for step in epoch_steps(epoch)], validation=validation,
        epochs=epochs, optimizer=optimizer, learning_rate=learning_rate, l2=l2, clip_norm=clip_norm,
        schedule=schedule, early_stopping=early_stopping, callbacks=callbacks, rng=rng,
        checkpoint_every=checkpoint_every, on_checkpoint=on_checkpoint, stop=stop, initial_state=initial_state,
    )


def train_in_rounds(
    network: Network,
    epoch_rounds: Callable[[int], Sequence[RoundFunction]],
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
    round_stops: bool = False,
    record: dict | None = None,
) -> History:
    """:func:`train_from_sums` for round functions: each epoch runs ``epoch_rounds(epoch)``.

    The parameters not listed below are those of :func:`train_from_sums`.

    Parameters
    ----------
    epoch_rounds : callable
        ``epoch_rounds(epoch)`` (``epoch`` from 1) returns that epoch's round functions, in
        order (see :data:`RoundFunction`); called once per epoch (also for a resumed epoch,
        whose finished rounds are then skipped). The rounds read the learning rate of the
        epoch's schedule from ``stepper.optimizer``; ``l2`` and ``clip_norm`` are the
        rounds' to apply (the stepper given to them carries them).
    round_stops : bool
        A ``stop`` request takes effect after the current round (else after the epoch); the
        checkpoint then continues the epoch at the next round (``epoch_rounds`` must give
        the same rounds again).
    record : dict, optional
        Without ``rng``: JSON-compatible settings that decide the rounds (e.g. the seed and
        the number of replicas), kept in the checkpoint as its ``rng`` entry; a resumed run
        must have the same.

    Returns
    -------
    History
    """
    check_training_settings(epochs=epochs, batch_size=1, callbacks=callbacks, batch_callbacks=(),
                            early_stopping=early_stopping, checkpoint_every=checkpoint_every, stop=stop,
                            initial_state=initial_state)
    # The loss is computed where the data are (the sums); the stepper only updates.
    stepper = _SumStepper(network, get_optimizer(optimizer, learning_rate=learning_rate), get_loss("mse"),
                          check_l2(l2), check_clip_norm(clip_norm))
    loop = _SumLoop(stepper, epoch_rounds, validation, get_schedule(schedule), epochs, early_stopping, callbacks,
                    rng, checkpoint_every, on_checkpoint, stop, round_stops, dict(record or {}))
    first_epoch, progress = (1, _Progress()) if initial_state is None else loop.restore(initial_state)
    try:
        loop.run(first_epoch, progress)
    except Diverged as diverged:
        raise loop.diverged(str(diverged)) from None
    restored = early_stopping is not None and loop.best.restore(network.parameter_vector)
    loop.history.weights_epoch = loop.best.epoch if restored else len(loop.history.train_loss)
    return loop.history
