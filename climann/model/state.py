"""The state of a training run, to continue it later exactly where it stopped.

A :class:`TrainingState` holds everything that :func:`~climann.model.train` carries from one
batch to the next: the parameters, the optimizer's state vectors and step count, the state of
the shuffling generator, the best weights so far (early stopping), the history (from which the
schedules compute each epoch's learning rate: they keep no state of their own) and, for a
state taken in the middle of an epoch, how far into the epoch it got. ``train(...,
initial_state=state)`` with the same network architecture, data and settings then ends with
weights bit-identical to those of a run that was never interrupted.

File layout (``format_version`` 1), an ``.npz`` archive without pickled objects::

    parameters          the network's flat parameter vector
    optimizer.<name>    the optimizer's state vectors, e.g. optimizer.first_moment
    best_weights        the weights of the best epoch so far (absent before the first epoch)
    header              0-d unicode array holding JSON: the counters, the generator state,
                        the history, the best loss, and the caller's metadata ("user")

Floats go through JSON as ``repr`` does, which reads back to the same bits.
"""

from __future__ import annotations

import json
import os
import zipfile
from dataclasses import dataclass, field
from os import PathLike
from typing import Any

import numpy as np

from climann._version import __version__
from climann.atomic import atomic_path
from climann.errors import ClimannError
from climann.jsonfile import dumps
from climann.run_files import CHECKPOINT_FORMAT, describe_position

__all__ = ["STATE_FORMAT_VERSION", "WEIGHTS_EPOCH_KEY", "History", "TrainingState", "load_state", "save_state"]

STATE_FORMAT_VERSION = 1
_FORMAT = CHECKPOINT_FORMAT  # how climann.run_files knows a checkpoint as climann's
#: The key, in ``model.npz``'s metadata, of :attr:`History.weights_epoch`: the epoch whose weights
#: the file holds (since 2 December 2026).
WEIGHTS_EPOCH_KEY = "weights_epoch"


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
    weights_epoch : int or None
        The epoch whose weights the network holds when training ends: ``best_epoch`` with
        early stopping (its best weights restored), else the last epoch; None while training.
    """

    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    learning_rate: list[float] = field(default_factory=list)
    best_epoch: int | None = None
    stopped_epoch: int | None = None
    weights_epoch: int | None = None


@dataclass
class TrainingState:
    """Everything needed to continue a call of :func:`~climann.model.train`.

    Attributes
    ----------
    epoch : int
        Epochs finished.
    batch : int
        Batches of epoch ``epoch + 1`` finished; 0 at an epoch boundary.
    parameters : ndarray, shape (n_parameters,)
        The network's flat parameter vector (a copy).
    optimizer_kind : str
        The optimizer's class name, e.g. ``"Adam"``.
    optimizer : dict
        :meth:`state_dict` of the optimizer.
    rng : dict
        ``bit_generator.state`` of the shuffling generator at the start of epoch
        ``epoch + 1`` (before that epoch's permutation is drawn).
    history : History
        The finished epochs only.
    best : dict
        :meth:`~climann.model.stopping.BestWeights.state_dict`.
    batch_size : int
    n_samples : int or None
        Training samples (None for a stream of batches).
    epoch_loss_sum, epoch_weight_sum : float
        Sums over the finished batches of the unfinished epoch (0 at a boundary), from which
        its mean loss is completed.
    """

    epoch: int
    batch: int
    parameters: np.ndarray
    optimizer_kind: str
    optimizer: dict[str, Any]
    rng: dict[str, Any]
    history: History
    best: dict[str, Any]
    batch_size: int
    n_samples: int | None
    epoch_loss_sum: float = 0.0
    epoch_weight_sum: float = 0.0

    def describe(self) -> str:
        """``"after epoch 3"``, ``"in epoch 4, after batch 120"`` or, for training in rounds
        (:func:`~climann.model.sum_training.train_in_rounds`: streamed and cluster runs),
        ``"in epoch 4, after round 2"`` (:func:`describe_position`)."""
        return describe_position(self.epoch, self.batch, batch_size=self.batch_size)


def _header(state: TrainingState, metadata: dict) -> str:
    history = state.history
    best = state.best
    header = {
        "format": _FORMAT,
        "format_version": STATE_FORMAT_VERSION,
        "climann_version": __version__,
        "epoch": state.epoch,
        "batch": state.batch,
        "batch_size": state.batch_size,
        "n_samples": state.n_samples,
        "epoch_loss_sum": float(state.epoch_loss_sum),
        "epoch_weight_sum": float(state.epoch_weight_sum),
        "optimizer_kind": state.optimizer_kind,
        "optimizer_scalars": {
            name: value
            for name, value in state.optimizer.items()
            if not isinstance(value, np.ndarray)
        },
        "optimizer_vectors": sorted(
            name for name, value in state.optimizer.items() if isinstance(value, np.ndarray)
        ),
        "rng": state.rng,
        "history": {
            "train_loss": [float(value) for value in history.train_loss],
            "val_loss": [float(value) for value in history.val_loss],
            "learning_rate": [float(value) for value in history.learning_rate],
            "best_epoch": history.best_epoch,
            "stopped_epoch": history.stopped_epoch,
        },
        "best": {
            "loss": None if best["epoch"] is None else float(best["loss"]),
            "epoch": best["epoch"],
            "epochs_without_improvement": best["epochs_without_improvement"],
        },
        "user": metadata,
    }
    try:
        return dumps(header)
    except (TypeError, ValueError) as error:
        raise ClimannError(f"training-state metadata must be JSON-serialisable: {error}") from None


def save_state(path: str | PathLike, state: TrainingState, *, metadata: dict | None = None) -> None:
    """Write ``state`` to ``path`` atomically (complete or absent, never half-written).

    Parameters
    ----------
    path : str or path-like
        Used exactly (no ``.npz`` appended).
    state : TrainingState
    metadata : dict, optional
        JSON-serialisable; read back by :func:`load_state`.

    Raises
    ------
    ClimannError
        If the metadata is not JSON-serialisable or the file cannot be written.
    """
    arrays = {"header": np.array(_header(state, metadata or {})), "parameters": state.parameters}
    for name, value in state.optimizer.items():
        if isinstance(value, np.ndarray):
            arrays[f"optimizer.{name}"] = value
    if state.best["saved"] is not None:
        arrays["best_weights"] = state.best["saved"]
    with atomic_path(path, what="training checkpoint") as temporary:
        with open(temporary, "wb") as handle:  # a handle: np.savez would append ".npz"
            np.savez(handle, **arrays)
            handle.flush()
            os.fsync(handle.fileno())


def _read_arrays(path: str) -> dict[str, np.ndarray]:
    if not os.path.isfile(path):
        raise ClimannError(f"training checkpoint {path} not found")
    try:
        with np.load(path, allow_pickle=False) as archive:
            return {name: archive[name] for name in archive.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
        raise ClimannError(
            f"{path} is not a readable climann training checkpoint: {error}"
        ) from None


def _parse_header(arrays: dict[str, np.ndarray], path: str) -> dict[str, Any]:
    text = arrays.get("header")
    try:
        header = json.loads(str(text)) if text is not None and text.shape == () else None
    except json.JSONDecodeError:
        header = None
    if not isinstance(header, dict) or header.get("format") != _FORMAT:
        raise ClimannError(f"{path} is not a climann training checkpoint (no valid header)")
    if header.get("format_version") != STATE_FORMAT_VERSION:
        raise ClimannError(
            f"{path} has checkpoint format_version {header.get('format_version')!r}; climann "
            f"{__version__} reads version {STATE_FORMAT_VERSION}; "
            "use the climann version that wrote it"
        )
    return header


def _undefined_as_nan(history: dict) -> dict:
    """The saved history with null (a NaN loss, written as strict JSON) read back as NaN."""
    return {key: [float("nan") if item is None else item for item in value] if isinstance(value, list) else value
            for key, value in history.items()}


def load_state(path: str | PathLike) -> tuple[TrainingState, dict]:
    """Read a training state written by :func:`save_state`.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    state : TrainingState
    metadata : dict
        The ``metadata`` given to :func:`save_state`.

    Raises
    ------
    ClimannError
        If the file is missing, unreadable, of another format version, or incomplete.
    """
    path = os.fspath(path)
    arrays = _read_arrays(path)
    header = _parse_header(arrays, path)
    try:
        optimizer: dict[str, Any] = dict(header["optimizer_scalars"])
        for name in header["optimizer_vectors"]:
            optimizer[name] = arrays[f"optimizer.{name}"]
        best = dict(header["best"])
        best["loss"] = float("inf") if best["loss"] is None else best["loss"]
        best["saved"] = arrays["best_weights"] if best["epoch"] is not None else None
        state = TrainingState(
            epoch=header["epoch"], batch=header["batch"], parameters=arrays["parameters"],
            optimizer_kind=header["optimizer_kind"], optimizer=optimizer, rng=header["rng"],
            history=History(**_undefined_as_nan(header["history"])), best=best, batch_size=header["batch_size"],
            n_samples=header["n_samples"], epoch_loss_sum=header["epoch_loss_sum"],
            epoch_weight_sum=header["epoch_weight_sum"],
        )
    except (KeyError, TypeError) as error:
        raise ClimannError(
            f"{path}: the training checkpoint is incomplete ({error}); it is corrupt"
        ) from None
    return state, header.get("user", {})

