"""Mini-batches for training: from arrays (shuffled every epoch) or from a stream.

Arrays are checked once; every epoch draws one permutation of the samples from the
training generator, gathers the data into a preallocated shuffled copy, and hands out
contiguous slices of it (views, no copies). A stream is a re-iterable of batches
``(X, y)``, ``(X, y, w)`` or ``(X, y, w, mask)`` (``w`` may be None), e.g. the data layer's
lazily computed dask blocks; each of its batches is checked as it arrives.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import NamedTuple

import numpy as np

from climann.errors import ClimannError
from climann.model.losses import check_mask, check_sample_weight
from climann.model.network import Network, check_inputs, check_targets

__all__ = ["Batch", "ShuffledBatches", "check_batch", "check_stream", "stream_batches"]


class Batch(NamedTuple):
    """One mini-batch (or a whole data set), checked and cast to the network's dtype."""

    inputs: np.ndarray
    """``X : (m, n_in)``."""
    targets: np.ndarray
    """``y : (m, n_out)``; may be NaN where ``mask`` is False."""
    sample_weight: np.ndarray | None
    """``w : (m,)`` or None."""
    mask: np.ndarray | None
    """bool ``(m, n_out)``, True where ``y`` is observed, or None."""


def check_batch(
    network: Network,
    X: object,
    y: object,
    sample_weight: object = None,
    mask: object = None,
    *,
    name: str,
) -> Batch:
    """Shapes as the network needs them, finite inputs and observed targets, valid weights.

    Parameters
    ----------
    network : Network
    X, y, sample_weight, mask : array_like
        See :func:`climann.model.train`.
    name : str
        What the data is, for messages, e.g. ``"training"``.

    Returns
    -------
    Batch

    Raises
    ------
    ClimannError
        If a shape disagrees, an input or observed target is NaN or infinite, or the
        weights or mask are invalid.
    """
    inputs = check_inputs(X, n_inputs=network.n_inputs, dtype=network.dtype)
    targets = check_targets(
        y, n_samples=inputs.shape[0], n_outputs=network.n_outputs, dtype=network.dtype
    )
    observed = check_mask(mask, shape=targets.shape)
    for label, raw, values, where in (("X", X, inputs, None), ("y", y, targets, observed)):
        finite = np.isfinite(values)
        n_bad = np.count_nonzero(~finite if where is None else where & ~finite)
        _refuse_out_of_range(raw, values, finite if where is None else finite | ~where, name=f"{name} {label}")
        if n_bad:
            hint = "" if where is not None or label == "X" else ", or mask them (mask=...)"
            raise ClimannError(
                f"{name} {label} has {n_bad} NaN or infinite values; "
                f"drop or fill them before training{hint}"
            )
    weights = check_sample_weight(sample_weight, n_samples=inputs.shape[0])
    return Batch(inputs, targets, weights, observed)


def _refuse_out_of_range(raw: object, values: np.ndarray, finite: np.ndarray, *, name: str) -> None:
    """Refuse finite values that became infinite in the network's dtype (beyond float32's
    ±3.4e38), naming that cause rather than "NaN or infinite"."""
    if finite.all():
        return
    try:
        original = np.asarray(raw, dtype=np.float64).reshape(values.shape)
    except (TypeError, ValueError):
        return
    n_beyond = np.count_nonzero(~finite & np.isfinite(original))
    if n_beyond:
        limit = np.finfo(values.dtype).max
        raise ClimannError(
            f"{name} has {n_beyond} finite values beyond the range of {values.dtype} (±{limit:.3g}); "
            "scale them (e.g. standardise) or use float64 (Network(..., dtype='float64'))"
        )


class ShuffledBatches:
    """Batches of ``batch_size`` rows of ``data``, in a new random order every epoch.

    Parameters
    ----------
    data : Batch
        The whole training set, checked.
    batch_size : int
    rng : numpy.random.Generator
        Draws one permutation per epoch (per call of :meth:`epoch`).
    """

    def __init__(self, data: Batch, *, batch_size: int, rng: np.random.Generator) -> None:
        self.data, self.batch_size, self.rng = data, batch_size, rng
        self.shuffled = Batch(*(None if array is None else np.empty_like(array) for array in data))

    def epoch(self, skip: int = 0) -> Iterator[Batch]:
        """Shuffle once, then yield contiguous slices (views) of the shuffled copy.

        ``skip`` leaves out the first batches of the epoch: the rest of an epoch that was
        interrupted after ``skip`` batches, with the generator set back to its state at
        the start of that epoch (the same permutation is drawn again).
        """
        permutation = self.rng.permutation(self.data.inputs.shape[0])
        for array, shuffled in zip(self.data, self.shuffled, strict=True):
            if array is not None:
                # mode="clip": the indices of a permutation are always valid, and the default
                # mode="raise" would gather through an extra temporary buffer.
                np.take(array, permutation, axis=0, out=shuffled, mode="clip")
        inputs, targets, sample_weight, mask = self.shuffled
        for start in range(skip * self.batch_size, inputs.shape[0], self.batch_size):
            rows = slice(start, start + self.batch_size)
            yield Batch(
                inputs[rows],
                targets[rows],
                None if sample_weight is None else sample_weight[rows],
                None if mask is None else mask[rows],
            )


def check_stream(batches: object, *, epochs: int) -> Iterable:
    """Raise unless ``batches`` can be iterated once per epoch.

    ``batches`` is not iterated here: a pass may be expensive (it may compute dask blocks).

    Raises
    ------
    ClimannError
        If ``batches`` is not iterable, or is a one-shot iterator (``iter(batches) is
        batches``, e.g. a generator) and ``epochs > 1``.
    """
    if not isinstance(batches, Iterable):
        raise ClimannError(
            "train needs arrays X and y, or an iterable of (X, y[, w[, mask]]) batches as X; "
            f"got {type(batches).__name__} without y"
        )
    # An iterator (it has __next__) returns itself from iter(): its second pass is empty.
    if isinstance(batches, Iterator) and epochs > 1:
        raise ClimannError(
            f"batches is a one-shot iterator ({type(batches).__name__}), but epochs={epochs} "
            "needs one pass per epoch; pass a re-iterable (a list, or an object whose "
            "__iter__ starts a new pass) or use epochs=1"
        )
    return batches


def stream_batches(network: Network, batches: Iterable, *, name: str) -> Iterator[Batch]:
    """One pass over a stream: each item ``(X, y)``, ``(X, y, w)`` or ``(X, y, w, mask)``
    checked with :func:`check_batch`."""
    for index, item in enumerate(batches, start=1):
        if not isinstance(item, tuple | list) or not 2 <= len(item) <= 4:
            raise ClimannError(
                f"{name} batch {index} must be a tuple (X, y), (X, y, w) or (X, y, w, mask); "
                f"got {type(item).__name__}"
                + (f" of length {len(item)}" if isinstance(item, tuple | list) else "")
            )
        yield check_batch(network, *item, name=f"{name} batch {index}:")
