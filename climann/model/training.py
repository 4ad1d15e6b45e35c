"""The training loop: mini-batch gradient descent over shuffled epochs.

Each epoch draws one permutation of the samples from the training generator, gathers the
data into a preallocated shuffled copy once, and walks through it in contiguous batches;
for each batch, backpropagation gives the gradients and the optimizer moves the weights.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from climann.errors import ClimannError
from climann.model.losses import Loss, check_sample_weight, get_loss
from climann.model.network import Network, check_inputs, check_targets
from climann.model.optimizers import Optimizer, get_optimizer

__all__ = ["Callback", "History", "train"]


@dataclass
class History:
    """Losses of a training run, one entry per completed epoch.

    Attributes
    ----------
    train_loss : list of float
        Mean of the epoch's batch losses, each weighted by its batch size (by its total
        sample weight when sample weights are given); the weights change during the epoch,
        so this is the loss *while* training, not the loss of the final weights.
    val_loss : list of float
        Loss on the validation set with the weights at the end of each epoch; empty
        without a validation set.
    """

    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)


Callback = Callable[[int, History], object]
"""``callback(epoch, history)``, called after every epoch; ``epoch`` counts from 1."""


@dataclass(frozen=True)
class _Dataset:
    """Training or validation data, checked and cast to the network's dtype."""

    inputs: np.ndarray
    targets: np.ndarray
    sample_weight: np.ndarray | None


def _check_dataset(
    network: Network, X: object, y: object, sample_weight: object, *, name: str
) -> _Dataset:
    """Shapes as the network needs them, finite values, valid weights."""
    inputs = check_inputs(X, n_inputs=network.n_inputs, dtype=network.dtype)
    targets = check_targets(
        y, n_samples=inputs.shape[0], n_outputs=network.n_outputs, dtype=network.dtype
    )
    for label, values in (("X", inputs), ("y", targets)):
        n_bad = values.size - np.count_nonzero(np.isfinite(values))
        if n_bad:
            raise ClimannError(
                f"{name} {label} has {n_bad} NaN or infinite values; "
                "drop or fill them before training"
            )
    weights = check_sample_weight(sample_weight, n_samples=inputs.shape[0])
    return _Dataset(inputs, targets, weights)


def _check_settings(*, epochs: int, batch_size: int, callbacks: Sequence[Callback]) -> None:
    for label, value in (("epochs", epochs), ("batch_size", batch_size)):
        if not isinstance(value, int | np.integer) or isinstance(value, bool) or value < 1:
            raise ClimannError(f"{label} must be an integer >= 1; got {value!r}")
    for callback in callbacks:
        if not callable(callback):
            raise ClimannError(
                f"callbacks must be callables callback(epoch, history); got {callback!r}"
            )


def _diverged(
    *, epoch: int, learning_rate: float, problem: str, kept: str = "before that step"
) -> ClimannError:
    """The one-line error for a diverging run, e.g. problem="the loss became inf"."""
    return ClimannError(
        f"training diverged in epoch {epoch} with learning_rate={learning_rate:g} ({problem}); "
        f"the network keeps its weights from {kept}; "
        f"try a smaller learning rate, e.g. {learning_rate / 10:g}"
    )


def _all_finite(arrays: Sequence[np.ndarray]) -> bool:
    return all(np.isfinite(array).all() for array in arrays)


def _checked_step(
    network: Network,
    optimizer: Optimizer,
    loss_value: float,
    gradients: list[tuple[np.ndarray, np.ndarray]],
    backup: list[np.ndarray],
    *,
    epoch: int,
) -> None:
    """One optimizer step; on a non-finite loss or weight, undo it and raise.

    A non-finite gradient needs no check of its own: it makes the updated weights non-finite.
    """
    flat_gradients = [array for pair in gradients for array in pair]
    learning_rate = optimizer.learning_rate
    if not math.isfinite(loss_value):
        raise _diverged(
            epoch=epoch, learning_rate=learning_rate, problem=f"the loss became {loss_value}"
        )
    parameters = network.parameters()
    for saved, parameter in zip(backup, parameters, strict=True):
        np.copyto(saved, parameter)
    optimizer.step(parameters, flat_gradients)
    if not _all_finite(parameters):
        for saved, parameter in zip(backup, parameters, strict=True):
            np.copyto(parameter, saved)
        raise _diverged(
            epoch=epoch,
            learning_rate=learning_rate,
            problem="a weight or gradient became inf or NaN",
        )


def _shuffle_into(data: _Dataset, shuffled: _Dataset, permutation: np.ndarray) -> None:
    """Gather ``data`` in the order ``permutation`` into the preallocated ``shuffled``."""
    # mode="clip": the indices of a permutation are always valid, and the default
    # mode="raise" would gather through an extra temporary buffer.
    np.take(data.inputs, permutation, axis=0, out=shuffled.inputs, mode="clip")
    np.take(data.targets, permutation, axis=0, out=shuffled.targets, mode="clip")
    if data.sample_weight is not None and shuffled.sample_weight is not None:
        np.take(data.sample_weight, permutation, out=shuffled.sample_weight, mode="clip")


def _run_epoch(
    network: Network,
    shuffled: _Dataset,
    optimizer: Optimizer,
    loss: Loss,
    backup: list[np.ndarray],
    *,
    batch_size: int,
    epoch: int,
) -> float:
    """One pass over ``shuffled`` in contiguous batches; returns the weighted mean batch loss."""
    n_samples = shuffled.inputs.shape[0]
    loss_sum, weight_sum = 0.0, 0.0
    for start in range(0, n_samples, batch_size):
        batch = slice(start, start + batch_size)
        weights = None if shuffled.sample_weight is None else shuffled.sample_weight[batch]
        batch_weight = float(
            min(batch_size, n_samples - start) if weights is None else weights.sum()
        )
        if batch_weight == 0:  # every sample of the batch has weight 0: nothing to learn
            continue
        loss_value, gradients = network.loss_and_gradients(
            shuffled.inputs[batch], shuffled.targets[batch], loss=loss, sample_weight=weights
        )
        _checked_step(network, optimizer, loss_value, gradients, backup, epoch=epoch)
        loss_sum += batch_weight * loss_value
        weight_sum += batch_weight
    return loss_sum / weight_sum


def train(
    network: Network,
    X: np.ndarray,
    y: np.ndarray,
    *,
    epochs: int = 20,
    batch_size: int = 256,
    optimizer: str = "adam",
    learning_rate: float = 1e-3,
    loss: str | Loss = "mse",
    seed: int | np.random.Generator = 0,
    validation: tuple[np.ndarray, ...] | None = None,
    sample_weight: np.ndarray | None = None,
    callbacks: Sequence[Callback] = (),
) -> History:
    """Train ``network`` in place by mini-batch gradient descent.

    Each epoch shuffles the samples (one permutation from ``default_rng(seed)`` per epoch),
    then for each batch of ``batch_size`` samples computes ``J`` and ``∂J/∂w`` by
    backpropagation and lets the optimizer update every weight and bias. With
    ``optimizer="sgd"`` and ``batch_size >= len(X)`` this is full-batch gradient descent,
    ``w ← w − λ ∂J/∂w``. Same network, data and seed give bit-identical weights.

    Parameters
    ----------
    network : Network
        Updated in place.
    X : array_like, shape (m, n_in)
    y : array_like, shape (m, n_out)
        Always 2-D, also for one output.
    epochs : int, default 20
    batch_size : int, default 256
    optimizer : {"adam", "sgd", "gd"}, default "adam"
    learning_rate : float, default 1e-3
        ``λ``.
    loss : {"mse", "mae", "huber"} or Loss, default "mse"
    seed : int or numpy.random.Generator, default 0
        Seed of the shuffling.
    validation : (X_val, y_val) or (X_val, y_val, sample_weight_val), optional
        Evaluated (with ``predict`` in batches) at the end of every epoch.
    sample_weight : array_like, shape (m,), optional
        Non-negative per-sample weights, e.g. the cosine of latitude.
    callbacks : sequence of callable, optional
        Each called as ``callback(epoch, history)`` after every epoch; ``epoch`` counts
        from 1, so ``history.train_loss[epoch - 1]`` is that epoch's loss.

    Returns
    -------
    History
        Per-epoch training and validation losses.

    Raises
    ------
    ClimannError
        For invalid settings or data (shapes, NaN values, weights), and when training
        diverges (a non-finite loss, gradient or weight): the message names the epoch and
        learning rate, and the network keeps the weights from before the bad step.

    Examples
    --------
    >>> net = Network([2, 16, 1], activation="tanh", seed=0)
    >>> X = np.random.default_rng(0).normal(size=(100, 2))
    >>> history = train(net, X, X[:, :1] * X[:, 1:], epochs=3, batch_size=32)
    >>> len(history.train_loss)
    3
    """
    _check_settings(epochs=epochs, batch_size=batch_size, callbacks=callbacks)
    data = _check_dataset(network, X, y, sample_weight, name="training")
    validation_data = _check_validation(network, validation)
    loss_function = get_loss(loss)
    stepper = get_optimizer(optimizer, learning_rate=learning_rate)
    rng = np.random.default_rng(seed)
    shuffled = _Dataset(
        np.empty_like(data.inputs),
        np.empty_like(data.targets),
        None if data.sample_weight is None else np.empty_like(data.sample_weight),
    )
    backup = [np.empty_like(parameter) for parameter in network.parameters()]
    history = History()
    for epoch in range(1, epochs + 1):
        _shuffle_into(data, shuffled, rng.permutation(data.inputs.shape[0]))
        # Overflow is expected when training diverges; it is detected explicitly and
        # reported as one ClimannError instead of a stream of RuntimeWarnings.
        with np.errstate(over="ignore", invalid="ignore"):
            history.train_loss.append(
                _run_epoch(
                    network,
                    shuffled,
                    stepper,
                    loss_function,
                    backup,
                    batch_size=batch_size,
                    epoch=epoch,
                )
            )
            if validation_data is not None:
                history.val_loss.append(
                    _validation_loss(
                        network,
                        validation_data,
                        loss_function,
                        epoch=epoch,
                        learning_rate=learning_rate,
                    )
                )
        for callback in callbacks:
            callback(epoch, history)
    return history


def _check_validation(network: Network, validation: object) -> _Dataset | None:
    """The validation set, from ``(X_val, y_val)`` or ``(X_val, y_val, sample_weight_val)``."""
    if validation is None:
        return None
    if not isinstance(validation, tuple | list) or len(validation) not in (2, 3):
        raise ClimannError(
            "validation must be a tuple (X_val, y_val) or (X_val, y_val, sample_weight_val)"
        )
    X_val, y_val, *rest = validation
    return _check_dataset(network, X_val, y_val, rest[0] if rest else None, name="validation")


def _validation_loss(
    network: Network, data: _Dataset, loss: Loss, *, epoch: int, learning_rate: float
) -> float:
    """Loss on the validation set; raises if it is not finite."""
    value = loss.value(network.predict(data.inputs), data.targets, data.sample_weight)
    if not math.isfinite(value):
        raise _diverged(
            epoch=epoch,
            learning_rate=learning_rate,
            problem=f"the validation loss became {value}",
            kept="the end of that epoch",
        )
    return value
