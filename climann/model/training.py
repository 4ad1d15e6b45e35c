"""The training loop: mini-batch gradient descent over epochs.

For each batch, backpropagation gives the gradient of the loss ``∂J/∂θ`` for every
parameter, written into one preallocated flat vector; an optional L2 penalty adds
``l2·W``, an optional clip limits the gradient's norm, and the optimizer moves all
parameters at once. Between epochs, a schedule sets the learning rate, the best weights
so far are kept, and early stopping may end the run.
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
from climann.model.stopping import BestWeights, EarlyStopping

__all__ = ["BatchCallback", "Callback", "History", "train"]


@dataclass
class History:
    """What happened in a training run, one entry per completed epoch.

    Attributes
    ----------
    train_loss : list of float
        Mean of the epoch's batch losses, each weighted by its (weighted) number of observed
        targets; the weights change during the epoch, so this is the loss *while* training,
        not the loss of the final weights. It is the data loss ``J`` only, without the L2
        penalty, so that it compares with ``val_loss``.
    val_loss : list of float
        Loss ``J`` on the validation set with the weights at the end of each epoch (no
        penalty either); empty without a validation set.
    learning_rate : list of float
        The learning rate used in each epoch (see :mod:`climann.model.schedules`).
    best_epoch : int or None
        The epoch (from 1) with the lowest validation loss (training loss without a
        validation set).
    stopped_epoch : int or None
        The epoch after which early stopping ended the run; None if it ran all epochs.
    """

    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    learning_rate: list[float] = field(default_factory=list)
    best_epoch: int | None = None
    stopped_epoch: int | None = None


Callback = Callable[[int, History], object]
"""``callback(epoch, history)``, called after every epoch; ``epoch`` counts from 1."""

BatchCallback = Callable[[int, int, float], object]
"""``callback(epoch, batch_index, batch_loss)``, called after every optimizer step; both
count from 1, ``batch_loss`` is the data loss ``J`` of that batch before the step."""


class _Diverged(Exception):
    """Raised inside the loop on a non-finite loss or weight; ``train`` reports it."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


@dataclass
class _Stepper:
    """Everything one optimizer step needs, allocated once per training run.

    ``gradient`` is the flat vector of ``∂J/∂θ`` (laid out like the parameters),
    ``backup`` the parameters before the latest step (to undo a step that diverged),
    ``buffers`` one :class:`BatchBuffers` per batch size seen.
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
        parameters = self.network.parameter_vector
        n_weights = self.scratch.shape[0]
        loss_value = self.network.loss_and_gradient_into(
            batch.inputs,
            batch.targets,
            self.gradient_views,
            loss=self.loss,
            sample_weight=batch.sample_weight,
            mask=batch.mask,
            buffers=self.buffers_for(batch.inputs.shape[0]),
        )
        if not math.isfinite(loss_value):
            raise _Diverged(f"the loss became {loss_value}")
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
            raise _Diverged("a weight or gradient became inf or NaN")
        return loss_value


def _run_epoch(
    stepper: _Stepper,
    batches: Iterable[Batch],
    batch_callbacks: Sequence[BatchCallback],
    *,
    epoch: int,
) -> float:
    """One pass over ``batches``; returns the mean batch loss, weighted as in :class:`History`.

    A batch without an observed target of positive weight has nothing to learn: skipped.
    """
    loss_sum, weight_sum = 0.0, 0.0
    for index, batch in enumerate(batches, start=1):
        batch_weight = total_weight(batch.sample_weight, batch.mask, shape=batch.targets.shape)
        if batch_weight == 0:
            continue
        loss_value = stepper.step(batch)
        loss_sum += batch_weight * loss_value
        weight_sum += batch_weight
        for callback in batch_callbacks:
            callback(epoch, index, loss_value)
    if weight_sum == 0:
        raise ClimannError(
            f"epoch {epoch} had no batch with an observed target of positive weight "
            "(is the batch iterable empty on its second pass?)"
        )
    return loss_sum / weight_sum


def _check_settings(
    *,
    epochs: int,
    batch_size: int,
    callbacks: Sequence[Callback],
    batch_callbacks: Sequence[BatchCallback],
    early_stopping: EarlyStopping | None,
) -> None:
    for label, value in (("epochs", epochs), ("batch_size", batch_size)):
        if not isinstance(value, int | np.integer) or isinstance(value, bool) or value < 1:
            raise ClimannError(f"{label} must be an integer >= 1; got {value!r}")
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
) -> Callable[[], Iterable[Batch]]:
    """A function that returns one epoch's batches: shuffled arrays, or a pass over a stream."""
    if y is not None:
        data = check_batch(network, X, y, sample_weight, mask, name="training")
        if total_weight(data.sample_weight, data.mask, shape=data.targets.shape) == 0:
            raise ClimannError("no training target is observed with a positive sample weight")
        return ShuffledBatches(data, batch_size=batch_size, rng=rng).epoch
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
    return lambda: stream_batches(network, batches, name="training")


def _validation_source(
    network: Network, validation: object, *, epochs: int
) -> Callable[[], Iterable[Batch]] | None:
    """The validation set: arrays ``(X_val, y_val[, w_val[, mask_val]])`` checked once, or a
    re-iterable of such batches."""
    if validation is None:
        return None
    is_arrays = isinstance(validation, tuple | list) and not (
        validation and isinstance(validation[0], tuple | list)
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

    Returns
    -------
    History
        Per-epoch losses and learning rates, the best epoch, the early-stopping epoch.

    Raises
    ------
    ClimannError
        For invalid settings or data (shapes, NaN values, weights, masks), and when training
        diverges (a non-finite loss, gradient or weight): the message names the epoch and
        learning rate, and the network keeps the best weights so far (lowest validation,
        else training, loss), or the weights from before the bad step in the first epoch.

    Examples
    --------
    >>> net = Network([2, 16, 1], activation="tanh", seed=0)
    >>> X = np.random.default_rng(0).normal(size=(100, 2))
    >>> history = train(net, X, X[:, :1] * X[:, 1:], epochs=3, batch_size=32)
    >>> len(history.train_loss)
    3
    """
    _check_settings(
        epochs=epochs,
        batch_size=batch_size,
        callbacks=callbacks,
        batch_callbacks=batch_callbacks,
        early_stopping=early_stopping,
    )
    stepper = _Stepper(
        network,
        get_optimizer(optimizer, learning_rate=learning_rate),
        get_loss(loss),
        check_l2(l2),
        check_clip_norm(clip_norm),
    )
    training_batches = _training_source(
        network,
        X,
        y,
        sample_weight=sample_weight,
        mask=mask,
        epochs=epochs,
        batch_size=batch_size,
        rng=np.random.default_rng(seed),
    )
    validation_batches = _validation_source(network, validation, epochs=epochs)
    history = History()
    best = BestWeights(network.parameter_vector)
    try:
        _epochs(
            stepper,
            training_batches,
            validation_batches,
            history,
            best,
            schedule=get_schedule(schedule),
            epochs=epochs,
            early_stopping=early_stopping,
            callbacks=callbacks,
            batch_callbacks=batch_callbacks,
        )
    except _Diverged as diverged:
        epoch, rate = len(history.learning_rate), stepper.optimizer.learning_rate
        kept = (
            f"epoch {best.epoch}, the best so far"
            if best.restore(network.parameter_vector)
            else (
                "the end of that epoch" if len(history.train_loss) == epoch else "before that step"
            )
        )
        raise ClimannError(
            f"training diverged in epoch {epoch} with learning_rate={rate:g} "
            f"({diverged.problem}); the network keeps its weights from {kept}; "
            f"try a smaller learning rate, e.g. {rate / 10:g}"
        ) from None
    if early_stopping is not None:
        best.restore(network.parameter_vector)
    return history


def _epochs(
    stepper: _Stepper,
    training_batches: Callable[[], Iterable[Batch]],
    validation_batches: Callable[[], Iterable[Batch]] | None,
    history: History,
    best: BestWeights,
    *,
    schedule: Schedule,
    epochs: int,
    early_stopping: EarlyStopping | None,
    callbacks: Sequence[Callback],
    batch_callbacks: Sequence[BatchCallback],
) -> None:
    """The epoch loop of :func:`train`; fills ``history`` and ``best``."""
    network, initial_rate = stepper.network, stepper.optimizer.learning_rate
    monitored = history.val_loss if validation_batches is not None else history.train_loss
    min_delta = 0.0 if early_stopping is None else early_stopping.min_delta
    for epoch in range(1, epochs + 1):
        rate = _checked_learning_rate(
            schedule, epoch, initial=initial_rate, epochs=epochs, losses=list(monitored)
        )
        stepper.optimizer.learning_rate = rate
        history.learning_rate.append(rate)
        # Overflow is expected when training diverges; it is detected explicitly and
        # reported as one ClimannError instead of a stream of RuntimeWarnings.
        with np.errstate(over="ignore", invalid="ignore"):
            history.train_loss.append(
                _run_epoch(stepper, training_batches(), batch_callbacks, epoch=epoch)
            )
            if validation_batches is not None:
                value = _validation_loss(network, validation_batches(), stepper.loss)
                if not math.isfinite(value):
                    raise _Diverged(f"the validation loss became {value}")
                history.val_loss.append(value)
        best.observe(epoch, monitored[-1], network.parameter_vector, min_delta=min_delta)
        history.best_epoch = best.epoch
        for callback in callbacks:
            callback(epoch, history)
        if (
            early_stopping is not None
            and best.epochs_without_improvement >= early_stopping.patience
        ):
            history.stopped_epoch = epoch
            break
