"""The training loop: mini-batch gradient descent over epochs.

For each batch, backpropagation gives the gradient of the loss ``∂J/∂θ`` for every
parameter, written into one preallocated flat vector; an optional L2 penalty adds
``l2·W``, an optional clip limits the gradient's norm, and the optimizer moves all
parameters at once. Between epochs, a schedule sets the learning rate, the best weights
so far are kept, and early stopping may end the run. A :class:`TrainingState` taken
between batches (``on_checkpoint``, ``stop``) continues the run bit-identically
(``initial_state``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from climann.errors import ClimannError
from climann.model.batches import (
    Batch,
    ShuffledBatches,
    check_batch,
    check_stream,
    stream_batches,
)
from climann.model.losses import Loss, get_loss, total_weight
from climann.model.network import BatchBuffers, Network
from climann.model.optimizers import Optimizer, get_optimizer
from climann.model.parameters import layer_views
from climann.model.regularization import (
    add_l2_gradient,
    check_clip_norm,
    check_l2,
    clip_by_global_norm,
)
from climann.model.schedules import Schedule, get_schedule
from climann.model.state import History, TrainingState
from climann.model.stopping import BestWeights, EarlyStopping
from climann.model.threads import limit_blas_threads

__all__ = [
    "BatchCallback",
    "Callback",
    "History",
    "StopRequest",
    "TrainingDiverged",
    "TrainingInterrupted",
    "TrainingState",
    "train",
]


Callback = Callable[[int, History], object]
"""``callback(epoch, history)``, called after every epoch; ``epoch`` counts from 1."""

BatchCallback = Callable[[int, int, float], object]
"""``callback(epoch, batch_index, batch_loss)``, called after every optimizer step; both
count from 1, ``batch_loss`` is the data loss ``J`` of that batch before the step."""


CheckpointCallback = Callable[[TrainingState], object]
"""``on_checkpoint(state)``, called with a :class:`TrainingState` to save (see :func:`train`)."""


@dataclass
class StopRequest:
    """Set ``requested`` (e.g. from a signal handler) to stop :func:`train` cleanly.

    Training then stops after the current batch (after the current epoch when the batches
    come from a stream, whose position inside an epoch cannot be restored), hands the
    :class:`TrainingState` to ``on_checkpoint`` and raises :class:`TrainingInterrupted`.
    The loop reads the flag once per batch: setting it is all a handler needs to do.
    """

    requested: bool = False


class TrainingInterrupted(Exception):
    """:func:`train` stopped on a :class:`StopRequest`; ``state`` continues the run
    (``train(..., initial_state=error.state)``)."""

    def __init__(self, state: TrainingState) -> None:
        super().__init__(f"training stopped {state.describe()}")
        self.state = state


class TrainingDiverged(ClimannError):
    """Training diverged (a non-finite loss, gradient or weight).

    Attributes
    ----------
    epoch : int
        The epoch in which it happened.
    learning_rate : float
        That epoch's learning rate.
    best_epoch : int or None
        The epoch whose weights the network holds now (lowest monitored loss), or None
        if no epoch had finished (the network holds the weights from before the bad step,
        or from the end of that epoch).
    """

    def __init__(
        self, message: str, *, epoch: int, learning_rate: float, best_epoch: int | None
    ) -> None:
        super().__init__(message)
        self.epoch, self.learning_rate, self.best_epoch = epoch, learning_rate, best_epoch


class Diverged(Exception):
    """Raised inside a training loop on a non-finite loss or weight (:meth:`Stepper.update`);
    ``train`` and ``train_from_sums`` report it as :class:`TrainingDiverged`."""

    def __init__(self, problem: str, *, at_initial_weights: bool = False) -> None:
        super().__init__(problem)
        self.problem, self.at_initial_weights = problem, at_initial_weights


@dataclass
class _Progress:
    """How far the loop got inside an epoch: batches done, and the sums of their weighted
    losses and weights (the epoch's mean loss is their ratio)."""

    batch: int = 0
    loss_sum: float = 0.0
    weight_sum: float = 0.0


class _Stopped(Exception):
    """Raised inside an epoch when a :class:`StopRequest` is found set."""

    def __init__(self, progress: _Progress) -> None:
        super().__init__(f"stopped after batch {progress.batch}")
        self.progress = progress


@dataclass
class Stepper:
    """Everything one optimizer step needs, allocated once per training run.

    ``gradient`` is the flat vector of ``∂J/∂θ`` (laid out like the parameters),
    ``backup`` the parameters before the latest step (to undo a step that diverged),
    ``buffers`` one :class:`BatchBuffers` per batch size seen; ``at_initial_weights`` until
    the first step (a loss already non-finite there is not the learning rate's fault).
    """

    network: Network
    optimizer: Optimizer
    loss: Loss
    l2: float
    clip_norm: float | None
    gradient: np.ndarray = field(init=False)
    gradient_views: list[tuple[np.ndarray, np.ndarray]] = field(init=False)
    backup: np.ndarray = field(init=False)
    scratch: np.ndarray = field(init=False)
    buffers: dict[int, BatchBuffers] = field(default_factory=dict)
    at_initial_weights: bool = True

    def __post_init__(self) -> None:
        self.gradient = np.zeros_like(self.network.parameter_vector)
        dW, db = layer_views(self.gradient, self.network.layer_sizes)
        self.gradient_views = list(zip(dW, db, strict=True))
        self.backup = np.empty_like(self.gradient)
        self.scratch = np.empty(self.network.n_weights, dtype=self.gradient.dtype)

    def buffers_for(self, n_samples: int) -> BatchBuffers:
        """The buffers for batches of ``n_samples`` rows (a stream may vary its batch size:
        only the four most recent sizes are kept)."""
        buffers = self.buffers.get(n_samples)
        if buffers is None:
            if len(self.buffers) >= 4:
                del self.buffers[next(iter(self.buffers))]
            network = self.network
            buffers = BatchBuffers.allocate(network.layer_sizes, n_samples, network.dtype)
            self.buffers[n_samples] = buffers
        return buffers

    def step(self, batch: Batch) -> float:
        """Gradient of the batch loss, penalty, clipping, one optimizer step; returns ``J``."""
        loss_value = self.network.loss_and_gradient_into(
            batch.inputs,
            batch.targets,
            self.gradient_views,
            loss=self.loss,
            sample_weight=batch.sample_weight,
            mask=batch.mask,
            buffers=self.buffers_for(batch.inputs.shape[0]),
        )
        return self.update(loss_value)

    def update(self, loss_value: float) -> float:
        """From ``gradient`` = ``∂J/∂θ``: the L2 penalty, clipping and one optimizer step,
        ``w ← w − λ ∂J/∂w``, undone if a weight became non-finite; returns ``loss_value``.

        Raises
        ------
        Diverged
            If ``loss_value`` or a weight is not finite.
        """
        if not math.isfinite(loss_value):
            raise Diverged(f"the loss became {loss_value}", at_initial_weights=self.at_initial_weights)
        parameters, n_weights = self.network.parameter_vector, self.scratch.shape[0]
        if self.l2:
            add_l2_gradient(
                self.gradient[:n_weights], parameters[:n_weights], self.l2, self.scratch
            )
        if self.clip_norm is not None:
            clip_by_global_norm(self.gradient, self.clip_norm)
        np.copyto(self.backup, parameters)
        self.optimizer.step(parameters, self.gradient, n_weights=n_weights)
        # One sum instead of an isfinite per parameter: it is inf or NaN if any weight is.
        if not math.isfinite(np.add.reduce(parameters)):
            np.copyto(parameters, self.backup)
            raise Diverged("a weight or gradient became inf or NaN")
        self.at_initial_weights = False
        return loss_value


def _diverged_at_initial_weights(problem: str, network: Network, learning_rate: float) -> TrainingDiverged:
    """The loss is not finite before any step: the data's scale, not the learning rate."""
    return TrainingDiverged(
        f"training diverged in epoch 1 at the initial weights, before any step ({problem}): the target's "
        f"values are too large for {network.dtype} arithmetic; scale the target (e.g. standardise it) "
        "or use float64 (Network(..., dtype='float64'))",
        epoch=1, learning_rate=learning_rate, best_epoch=None,
    )


def _run_epoch(
    stepper: Stepper,
    batches: Iterable[Batch],
    batch_callbacks: Sequence[BatchCallback],
    *,
    epoch: int,
    progress: _Progress,
    stop: StopRequest | None,
) -> float:
    """One pass over ``batches``; returns the mean batch loss, weighted as in :class:`History`.

    ``progress`` is where an interrupted epoch continues (``batches`` then holds the batches
    after ``progress.batch``). A batch without an observed target of positive weight has
    nothing to learn: skipped. Raises :class:`_Stopped` after a batch if ``stop.requested``.
    """
    loss_sum, weight_sum = progress.loss_sum, progress.weight_sum
    for index, batch in enumerate(batches, start=progress.batch + 1):
        batch_weight = total_weight(batch.sample_weight, batch.mask, shape=batch.targets.shape)
        if batch_weight == 0:
            continue
        loss_value = stepper.step(batch)
        loss_sum += batch_weight * loss_value
        weight_sum += batch_weight
        for callback in batch_callbacks:
            callback(epoch, index, loss_value)
        if stop is not None and stop.requested:
            raise _Stopped(_Progress(index, float(loss_sum), float(weight_sum)))
    if weight_sum == 0:
        raise ClimannError(
            f"epoch {epoch} had no batch with an observed target of positive weight "
            "(is the batch iterable empty on its second pass?)"
        )
    return loss_sum / weight_sum


def check_training_settings(
    *,
    epochs: int,
    batch_size: int,
    callbacks: Sequence[Callback],
    batch_callbacks: Sequence[BatchCallback],
    early_stopping: EarlyStopping | None,
    checkpoint_every: int = 0,
    on_checkpoint: CheckpointCallback | None = None,
    stop: StopRequest | None = None,
    initial_state: TrainingState | None = None,
) -> None:
    """Refuse settings of a training loop (:func:`train`, ``train_from_sums``) that are not
    of the expected kind, each with a one-line :class:`ClimannError` naming it."""
    counts = (("epochs", epochs, 1), ("batch_size", batch_size, 1))
    for label, value, low in (*counts, ("checkpoint_every", checkpoint_every, 0)):
        if not isinstance(value, int | np.integer) or isinstance(value, bool) or value < low:
            raise ClimannError(f"{label} must be an integer >= {low}; got {value!r}")
    if on_checkpoint is not None and not callable(on_checkpoint):
        raise ClimannError(
            f"on_checkpoint must be a callable on_checkpoint(state); got {on_checkpoint!r}"
        )
    for label, value, kind in (
        ("stop", stop, StopRequest),
        ("initial_state", initial_state, TrainingState),
    ):
        if value is not None and not isinstance(value, kind):
            raise ClimannError(f"{label} must be a {kind.__name__} or None; got {value!r}")
    for label, group, form in (
        ("callbacks", callbacks, "callback(epoch, history)"),
        ("batch_callbacks", batch_callbacks, "callback(epoch, batch_index, batch_loss)"),
    ):
        for callback in group:
            if not callable(callback):
                raise ClimannError(f"{label} must be callables {form}; got {callback!r}")
    if early_stopping is not None and not isinstance(early_stopping, EarlyStopping):
        raise ClimannError(
            f"early_stopping must be EarlyStopping(patience=..., min_delta=...) or None; "
            f"got {early_stopping!r}"
        )


def _training_source(
    network: Network,
    X: object,
    y: object,
    *,
    sample_weight: object,
    mask: object,
    epochs: int,
    batch_size: int,
    rng: np.random.Generator,
) -> tuple[Callable[[int], Iterable[Batch]], int | None]:
    """A function ``batches(skip)`` that returns one epoch's batches after the first ``skip``
    (shuffled arrays, or a pass over a stream, which cannot skip); and the number of training
    samples (None for a stream)."""
    if y is not None:
        data = check_batch(network, X, y, sample_weight, mask, name="training")
        if total_weight(data.sample_weight, data.mask, shape=data.targets.shape) == 0:
            raise ClimannError("no training target is observed with a positive sample weight")
        return ShuffledBatches(data, batch_size=batch_size, rng=rng).epoch, data.inputs.shape[0]
    if isinstance(X, np.ndarray):
        raise ClimannError(
            "y is missing: call train(network, X, y, ...) with arrays, or pass an iterable "
            "of (X, y) batches as the second argument"
        )
    if sample_weight is not None or mask is not None:
        raise ClimannError(
            "with a stream of batches, sample weights and masks go into the batches: "
            "(X, y, w) or (X, y, w, mask), not sample_weight=/mask="
        )
    batches = check_stream(X, epochs=epochs)
    return lambda skip: stream_batches(network, batches, name="training"), None


def _validation_source(
    network: Network, validation: object, *, epochs: int
) -> Callable[[], Iterable[Batch]] | None:
    """The validation set: arrays ``(X_val, y_val[, w_val[, mask_val]])`` checked once, or a
    re-iterable of such batches (tuples). The arrays may be nested lists, as for training:
    a tuple or list is a stream of batches only when its items are tuples."""
    if validation is None:
        return None
    is_arrays = isinstance(validation, tuple | list) and not (
        validation and isinstance(validation[0], tuple)
    )
    if is_arrays:
        if not 2 <= len(validation) <= 4:
            raise ClimannError(
                "validation must be a tuple (X_val, y_val), (X_val, y_val, sample_weight_val) "
                "or (X_val, y_val, sample_weight_val, mask_val), or an iterable of batches"
            )
        data = check_batch(network, *validation, name="validation")
        return lambda: (data,)
    batches = check_stream(validation, epochs=epochs)  # read once per epoch
    return lambda: stream_batches(network, batches, name="validation")


def _validation_loss(network: Network, batches: Iterable[Batch], loss: Loss) -> float:
    """``J`` over all validation batches: their losses weighted by their (weighted) numbers
    of observed targets, which is the loss over the whole set."""
    losses, weights = [], []
    for batch in batches:
        weight = total_weight(batch.sample_weight, batch.mask, shape=batch.targets.shape)
        if weight > 0:
            predictions = network.predict(batch.inputs)
            losses.append(loss.value(predictions, batch.targets, batch.sample_weight, batch.mask))
            weights.append(weight)
    if not weights:
        raise ClimannError("the validation set has no observed target with a positive weight")
    if len(losses) == 1:  # one set of arrays: its loss exactly, as network.loss() gives it
        return losses[0]
    return float(np.dot(losses, weights) / sum(weights))


def _checked_learning_rate(schedule: Schedule, epoch: int, **context: object) -> float:
    rate = schedule.learning_rate(epoch, **context)  # type: ignore[arg-type]
    if not (isinstance(rate, int | float | np.floating) and math.isfinite(rate) and rate > 0):
        raise ClimannError(
            f"schedule {schedule!r} gave learning rate {rate!r} for epoch {epoch}; "
            "it must be a positive finite number"
        )
    return float(rate)


def train(
    network: Network,
    X: np.ndarray | Iterable,
    y: np.ndarray | None = None,
    *,
    epochs: int = 20,
    batch_size: int = 256,
    optimizer: str | Optimizer = "adam",
    learning_rate: float | None = None,
    loss: str | Loss = "mse",
    seed: int | np.random.Generator = 0,
    validation: tuple | Iterable | None = None,
    sample_weight: np.ndarray | None = None,
    mask: np.ndarray | None = None,
    l2: float = 0.0,
    clip_norm: float | None = None,
    schedule: str | Schedule | None = None,
    early_stopping: EarlyStopping | None = None,
    callbacks: Sequence[Callback] = (),
    batch_callbacks: Sequence[BatchCallback] = (),
    checkpoint_every: int = 0,
    on_checkpoint: CheckpointCallback | None = None,
    stop: StopRequest | None = None,
    initial_state: TrainingState | None = None,
) -> History:
    """Train ``network`` in place by mini-batch gradient descent.

    Each epoch shuffles the samples (one permutation from ``default_rng(seed)`` per epoch),
    then for each batch of ``batch_size`` samples computes ``J`` and ``∂J/∂w`` by
    backpropagation and lets the optimizer update every weight and bias. With
    ``optimizer="sgd"`` and ``batch_size >= len(X)`` this is full-batch gradient descent,
    ``w ← w − λ ∂J/∂w``. Same network, data and settings give bit-identical weights (on the
    same machine).

    Parameters
    ----------
    network : Network
        Updated in place.
    X : array_like, shape (m, n_in), or an iterable of batches
        The inputs; or, with ``y`` left out, a re-iterable of mini-batches ``(X, y)``,
        ``(X, y, w)`` or ``(X, y, w, mask)`` (``w`` may be None), each ``iter(X)`` one epoch
        in the order given: batching and shuffling are then the iterable's business, and
        ``batch_size`` and ``seed`` are not used.
    y : array_like, shape (m, n_out)
        Always 2-D, also for one output; may be NaN where ``mask`` is False.
    epochs : int, default 20
    batch_size : int, default 256
    optimizer : str or optimizer object, default "adam"
        ``"sgd"``/``"gd"``, ``"momentum"``, ``"nesterov"``, ``"rmsprop"``, ``"adam"``,
        ``"adamw"``, or an object such as ``Momentum(learning_rate=0.01, momentum=0.8)``
        (see :mod:`climann.model.optimizers`); an object is copied, never changed.
    learning_rate : float, optional
        ``λ`` (the initial rate, with a schedule), for an optimizer given by name: default
        1e-3. Leave it out with an optimizer object, which holds its own.
    loss : {"mse", "mae", "huber"} or Loss, default "mse"
    seed : int or numpy.random.Generator, default 0
        Seed of the shuffling (the only randomness in training).
    validation : tuple or iterable of batches, optional
        ``(X_val, y_val)``, ``(X_val, y_val, w_val)`` or ``(X_val, y_val, w_val, mask_val)``,
        or a re-iterable of such batches; evaluated at the end of every epoch.
    sample_weight : array_like, shape (m,), optional
        Non-negative per-sample weights, e.g. the cosine of latitude.
    mask : array_like of bool, shape (m, n_out), optional
        True where ``y`` is observed. Missing targets add nothing to the loss or its
        gradient; the loss is the (weighted) mean over the observed ones.
    l2 : float, default 0
        L2 penalty on the weights (not the biases): the gradient of
        ``J + (l2/2)·Σ‖W‖²``, i.e. ``∂J/∂W + l2·W``, drives the steps. Its strength does
        not depend on the batch size. ``History`` reports ``J`` without the penalty.
    clip_norm : float, optional
        If the global L2 norm of all gradients (penalty included) exceeds it, they are
        scaled down together to that norm.
    schedule : str or schedule object, optional
        Learning rate per epoch: ``"constant"`` (default), ``"step"``, ``"exponential"``,
        ``"cosine"``, ``"reduce_on_plateau"``, or an object such as
        ``StepDecay(step_size=5, gamma=0.5)`` (see :mod:`climann.model.schedules`).
    early_stopping : EarlyStopping, optional
        Stop when the validation loss (training loss without validation) has not improved
        for ``patience`` epochs; the network ends with the weights of ``History.best_epoch``.
    callbacks : sequence of callable, optional
        Each called as ``callback(epoch, history)`` after every epoch; ``epoch`` counts
        from 1, so ``history.train_loss[epoch - 1]`` is that epoch's loss.
    batch_callbacks : sequence of callable, optional
        Each called as ``callback(epoch, batch_index, batch_loss)`` after every step; keep
        them cheap, they run in the hot loop.
    checkpoint_every : int, default 0
        With ``on_checkpoint``: hand it the :class:`TrainingState` after every
        ``checkpoint_every``-th epoch and after the last one (early stopping included);
        0 only when ``stop`` is requested.
    on_checkpoint : callable, optional
        ``on_checkpoint(state)``, e.g. ``lambda state: save_state(path, state)``; the state
        is a copy, the callable may keep it.
    stop : StopRequest, optional
        A flag that a signal handler may set: training then stops after the current batch
        (after the current epoch with a stream), calls ``on_checkpoint`` and raises
        :class:`TrainingInterrupted`.
    initial_state : TrainingState, optional
        Continue where that state was taken (see :mod:`climann.model.state`); with the same
        network architecture, data and settings the run ends with weights bit-identical to
        an uninterrupted one. With a stream, the stream must continue at the state's epoch
        (e.g. :meth:`climann.data.batches.BatchStream.skip_epochs`).

    Returns
    -------
    History
        Per-epoch losses and learning rates, the best epoch, the early-stopping epoch.

    Raises
    ------
    ClimannError
        For invalid settings or data (shapes, NaN values, weights, masks), or an
        ``initial_state`` that does not fit this network, optimizer or data.
    TrainingDiverged
        A :class:`ClimannError`, when training diverges (a non-finite loss, gradient or
        weight): the message names the epoch and learning rate, and the network keeps the
        best weights so far (lowest validation, else training, loss), or the weights from
        before the bad step in the first epoch.
    TrainingInterrupted
        When ``stop`` was requested; its ``state`` continues the run.

    Notes
    -----
    The loop runs with the BLAS threads that pay for the network's products at
    ``batch_size`` (:func:`climann.model.threads.limit_blas_threads`): one for the usual
    small layers, whatever the machine's core count; an ``OMP_NUM_THREADS`` (or
    ``OPENBLAS_NUM_THREADS``, ``MKL_NUM_THREADS``) set by the user is kept. More cores are
    used by more processes (``climann train --workers N``), not by BLAS threads.

    Examples
    --------
    >>> net = Network([2, 16, 1], activation="tanh", seed=0)
    >>> X = np.random.default_rng(0).normal(size=(100, 2))
    >>> history = train(net, X, X[:, :1] * X[:, 1:], epochs=3, batch_size=32)
    >>> len(history.train_loss)
    3
    """
    check_training_settings(
        epochs=epochs,
        batch_size=batch_size,
        callbacks=callbacks,
        batch_callbacks=batch_callbacks,
        early_stopping=early_stopping,
        checkpoint_every=checkpoint_every,
        on_checkpoint=on_checkpoint,
        stop=stop,
        initial_state=initial_state,
    )
    stepper = Stepper(
        network,
        get_optimizer(optimizer, learning_rate=learning_rate),
        get_loss(loss),
        check_l2(l2),
        check_clip_norm(clip_norm),
    )
    rng = np.random.default_rng(seed)
    training_batches, n_samples = _training_source(
        network,
        X,
        y,
        sample_weight=sample_weight,
        mask=mask,
        epochs=epochs,
        batch_size=batch_size,
        rng=rng,
    )
    loop = _Loop(
        stepper,
        training_batches,
        _validation_source(network, validation, epochs=epochs),
        History(),
        BestWeights(network.parameter_vector),
        rng=rng,
        schedule=get_schedule(schedule),
        initial_rate=stepper.optimizer.learning_rate,
        epochs=epochs,
        batch_size=batch_size,
        n_samples=n_samples,
        early_stopping=early_stopping,
        callbacks=callbacks,
        batch_callbacks=batch_callbacks,
        checkpoint_every=checkpoint_every if on_checkpoint is not None else 0,
        on_checkpoint=on_checkpoint,
        stop=stop,
    )
    first_epoch, progress = (1, _Progress())
    if initial_state is not None:
        first_epoch, progress = loop.restore(initial_state)
    try:
        # BLAS threads for this network's products, not one per core (climann.model.threads).
        with limit_blas_threads(network.layer_sizes, batch_size):
            loop.run(first_epoch, progress)
    except Diverged as diverged:
        if diverged.at_initial_weights:
            raise _diverged_at_initial_weights(diverged.problem, network, stepper.optimizer.learning_rate) from None
        raise loop.diverged(diverged.problem) from None
    restored = early_stopping is not None and loop.best.restore(network.parameter_vector)
    loop.history.weights_epoch = loop.best.epoch if restored else len(loop.history.train_loss)
    return loop.history


def capture_state(
    stepper: Stepper, history: History, best: BestWeights, *, epoch: int, rng_state: dict, batch_size: int,
    n_samples: int | None, batch: int = 0, loss_sum: float = 0.0, weight_sum: float = 0.0,
) -> TrainingState:
    """The :class:`TrainingState` of a training loop after ``epoch`` finished epochs and
    ``batch`` batches into the next (copies of everything; the history cut to ``epoch``)."""
    return TrainingState(
        epoch=epoch,
        batch=batch,
        parameters=stepper.network.parameter_vector.copy(),
        optimizer_kind=type(stepper.optimizer).__name__,
        optimizer=stepper.optimizer.state_dict(),
        rng=rng_state,
        history=History(
            train_loss=history.train_loss[:epoch],
            val_loss=history.val_loss[:epoch],
            learning_rate=history.learning_rate[:epoch],
            best_epoch=history.best_epoch,
            stopped_epoch=history.stopped_epoch,
        ),
        best=best.state_dict(),
        batch_size=batch_size,
        n_samples=n_samples,
        epoch_loss_sum=loss_sum,
        epoch_weight_sum=weight_sum,
    )


def state_problems(state: TrainingState, stepper: Stepper, epochs: int) -> list[str]:
    """Why ``state`` cannot continue a run of this network, optimizer and ``epochs`` (empty
    if it can, as far as these go)."""
    parameters, optimizer = stepper.network.parameter_vector, stepper.optimizer
    problems = []
    if state.parameters.shape != parameters.shape or state.parameters.dtype != parameters.dtype:
        problems.append(
            f"its parameters are {state.parameters.shape} {state.parameters.dtype}, "
            f"the network's {parameters.shape} {parameters.dtype}"
        )
    if state.optimizer_kind != type(optimizer).__name__:
        problems.append(f"it was taken with {state.optimizer_kind}, not {type(optimizer).__name__}")
    if state.epoch > epochs or len(state.history.train_loss) != state.epoch:
        problems.append(f"it is after epoch {state.epoch}, and this run has {epochs} epochs")
    return problems


def restore_state(
    state: TrainingState, stepper: Stepper, history: History, best: BestWeights, rng: np.random.Generator | None
) -> None:
    """Load ``state`` into a training loop's parameters, optimizer, generator (if any, and
    recorded), best weights and history, in place."""
    np.copyto(stepper.network.parameter_vector, state.parameters)
    stepper.optimizer.load_state_dict(state.optimizer)
    if rng is not None and state.rng:
        rng.bit_generator.state = state.rng
    best.load_state_dict(state.best)
    saved = state.history
    history.train_loss[:], history.val_loss[:] = saved.train_loss, saved.val_loss
    history.learning_rate[:] = saved.learning_rate
    history.best_epoch, history.stopped_epoch = saved.best_epoch, saved.stopped_epoch


@dataclass
class _Loop:
    """The epoch loop of :func:`train`, with everything it carries from batch to batch."""

    stepper: Stepper
    training_batches: Callable[[int], Iterable[Batch]]
    validation_batches: Callable[[], Iterable[Batch]] | None
    history: History
    best: BestWeights
    rng: np.random.Generator
    schedule: Schedule
    initial_rate: float
    epochs: int
    batch_size: int
    n_samples: int | None
    early_stopping: EarlyStopping | None
    callbacks: Sequence[Callback]
    batch_callbacks: Sequence[BatchCallback]
    checkpoint_every: int
    on_checkpoint: CheckpointCallback | None
    stop: StopRequest | None

    def run(self, first_epoch: int, progress: _Progress) -> None:
        """Epochs ``first_epoch … epochs``, the first continuing from ``progress``."""
        stepper, history = self.stepper, self.history
        network = stepper.network
        monitored = history.val_loss if self.validation_batches is not None else history.train_loss
        min_delta = 0.0 if self.early_stopping is None else self.early_stopping.min_delta
        # A stream cannot resume inside an epoch: it stops at the epoch's end instead.
        batch_stop = self.stop if self.n_samples is not None else None
        for epoch in range(first_epoch, self.epochs + 1):
            rate = _checked_learning_rate(
                self.schedule,
                epoch,
                initial=self.initial_rate,
                epochs=self.epochs,
                losses=list(monitored),
            )
            stepper.optimizer.learning_rate = rate
            history.learning_rate.append(rate)
            rng_state = self.rng.bit_generator.state  # before this epoch's permutation
            # Overflow is expected when training diverges; it is detected explicitly and
            # reported as one ClimannError instead of a stream of RuntimeWarnings.
            with np.errstate(over="ignore", invalid="ignore"):
                try:
                    train_loss = _run_epoch(
                        stepper, self.training_batches(progress.batch), self.batch_callbacks,
                        epoch=epoch, progress=progress, stop=batch_stop,
                    )
                except _Stopped as stopped:
                    self._interrupt(self.capture(epoch - 1, stopped.progress, rng_state))
                history.train_loss.append(train_loss)
                if self.validation_batches is not None:
                    value = _validation_loss(network, self.validation_batches(), stepper.loss)
                    if not math.isfinite(value):
                        raise Diverged(f"the validation loss became {value}")
                    history.val_loss.append(value)
            progress = _Progress()
            self.best.observe(epoch, monitored[-1], network.parameter_vector, min_delta=min_delta)
            history.best_epoch = self.best.epoch
            for callback in self.callbacks:
                callback(epoch, history)
            if self._end_of_epoch(epoch):
                break

    def _end_of_epoch(self, epoch: int) -> bool:
        """Early stopping, checkpoints and stop requests after ``epoch``; True if it was
        the last."""
        finished = epoch == self.epochs
        if (
            self.early_stopping is not None
            and self.best.epochs_without_improvement >= self.early_stopping.patience
        ):
            self.history.stopped_epoch = epoch
            finished = True
        stop_now = self.stop is not None and self.stop.requested
        due = self.checkpoint_every and (finished or epoch % self.checkpoint_every == 0)
        if stop_now or due:
            state = self.capture(epoch, _Progress(), self.rng.bit_generator.state)
            if stop_now:
                self._interrupt(state)
            self.on_checkpoint(state)  # type: ignore[misc]
        return finished

    def _interrupt(self, state: TrainingState) -> None:
        if self.on_checkpoint is not None:
            self.on_checkpoint(state)
        raise TrainingInterrupted(state)

    def capture(self, epoch: int, progress: _Progress, rng_state: dict) -> TrainingState:
        """The state after ``epoch`` finished epochs and ``progress`` into the next (copies)."""
        return capture_state(
            self.stepper, self.history, self.best, epoch=epoch, rng_state=rng_state, batch_size=self.batch_size,
            n_samples=self.n_samples, batch=progress.batch, loss_sum=progress.loss_sum,
            weight_sum=progress.weight_sum,
        )

    def restore(self, state: TrainingState) -> tuple[int, _Progress]:
        """Continue from ``state``: returns the first epoch to run and the progress into it."""
        problems = state_problems(state, self.stepper, self.epochs)
        same_data = (state.n_samples, state.batch_size) == (self.n_samples, self.batch_size)
        if self.n_samples is not None and not same_data:
            problems.append(
                f"it was taken with {state.n_samples} training samples in batches of "
                f"{state.batch_size}, not {self.n_samples} in batches of {self.batch_size}"
            )
        if state.batch and self.n_samples is None:
            problems.append("it was taken inside an epoch, which a stream of batches cannot resume")
        if problems:
            raise ClimannError(f"initial_state does not continue this run: {'; '.join(problems)}")
        restore_state(state, self.stepper, self.history, self.best, self.rng)
        self.stepper.at_initial_weights = False
        if state.history.stopped_epoch is not None:
            return self.epochs + 1, _Progress()
        return state.epoch + 1, _Progress(state.batch, state.epoch_loss_sum, state.epoch_weight_sum)

    def diverged(self, problem: str) -> TrainingDiverged:
        """The error to raise, with the network set back to the best weights so far."""
        history, network = self.history, self.stepper.network
        epoch, rate = len(history.learning_rate), self.stepper.optimizer.learning_rate
        kept = (
            f"epoch {self.best.epoch}, the best so far"
            if self.best.restore(network.parameter_vector)
            else (
                "the end of that epoch" if len(history.train_loss) == epoch else "before that step"
            )
        )
        return TrainingDiverged(
            f"training diverged in epoch {epoch} with learning_rate={rate:g} "
            f"({problem}); the network keeps its weights from {kept}; "
            f"try a smaller learning rate, e.g. {rate / 10:g}",
            epoch=epoch, learning_rate=rate, best_epoch=self.best.epoch,
        )
