"""Data-parallel training on a dask cluster: the chunks stay on the workers, the weights travel.

Each step:

1. the client sends the current parameter vector to the workers (:func:`shared_value`: one
   task that the step's tasks depend on; a few kB to MB, whatever the data's size);
2. for each of the step's chunks, the worker holding it computes ``S``, ``W`` and ``G`` (the
   loss, weight and gradient *sums*, :func:`climann.model.sums.chunk_sums`);
3. the sums are added in chunk order by a fixed tree of tasks (:func:`ordered_sum`), and the
   client receives one :class:`~climann.model.sums.ChunkSums`;
4. the client computes ``J = S / W``, ``∂J/∂θ = G / W`` and applies the optimizer's update
   (:func:`climann.model.sum_training.train_from_sums`).

Which chunks a step covers:

* **full batch** (the lesson's gradient descent) when ``batch_size`` is at least the number
  of training samples: every step is over all chunks, and the gradient is exactly that of
  the mean loss over all samples;
* **mini-batch** otherwise: a step covers ``g = ⌈batch_size / mean samples per chunk⌉``
  whole chunks (at least 1). Each epoch visits every chunk once, in a permutation drawn from
  ``numpy.random.default_rng(seed)`` (one per epoch), ``g`` consecutive chunks of it per
  step (the last step may have fewer). A step's data are whole chunks, so its batch is
  usually larger than ``batch_size``; with ``g`` smaller than the number of workers, some
  workers wait during a step.

The chunks, the permutation and the order of every sum do not depend on the number of
workers or on where a chunk lives: the same seed gives the same weights on 1 or 100 workers
(bit for bit, on the same software and hardware). If a worker is lost, dask recomputes its
chunks from the files and reruns the step's tasks; training continues.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from climann.workflow.compute.chunks import ChunkedSamples
from climann.workflow.compute.cluster import ordered_sum, shared_value
from climann.model import History, Network
from climann.model.losses import Loss
from climann.model.sum_training import StepFunction, train_from_sums
from climann.model.sums import ChunkSums, chunk_sums
from climann.workflow.runlog import run_logger

if TYPE_CHECKING:
    from distributed import Client, Future

__all__ = ["chunks_per_step", "distributed_sums", "epoch_plan", "train_distributed"]


def _table_sums(
    network: Network, parameters: np.ndarray, table: np.ndarray, n_features: int, weighted: bool,
    loss: str | Loss, gradient: bool,
) -> ChunkSums:
    """On a worker: the sums of one persisted table ``X | y [| w]``."""
    with np.errstate(over="ignore", invalid="ignore"):  # divergence is reported by the client
        return chunk_sums(
            network, parameters, table[:, :n_features], table[:, n_features : n_features + 1],
            table[:, n_features + 1] if weighted else None, loss=loss, gradient=gradient,
        )


def distributed_sums(
    client: Client,
    network: Network | Future,
    parameters: np.ndarray,
    samples: ChunkedSamples,
    chunks: Sequence[int],
    *,
    loss: str | Loss = "mse",
    gradient: bool = True,
) -> ChunkSums:
    """``S``, ``W`` (and ``G``) over the chunks ``chunks`` of ``samples``, at ``parameters``.

    Parameters
    ----------
    client : distributed.Client
    network : Network, or a future of one (shared once, see :func:`train_distributed`)
        The architecture.
    parameters : ndarray, shape (n_parameters,)
        Sent to the workers once per call (:func:`shared_value`).
    samples : ChunkedSamples
    chunks : sequence of int
        Indices into ``samples.futures``; summed in increasing order.
    loss : str or Loss
    gradient : bool
        False for the loss only (validation).

    Returns
    -------
    ChunkSums
    """
    shared = shared_value(client, parameters)
    parts = [
        client.submit(_table_sums, network, shared, samples.futures[index], samples.n_features, samples.weighted,
                      loss, gradient, pure=False)
        for index in sorted(chunks)
    ]
    return ordered_sum(client, parts).result()


def chunks_per_step(batch_size: int, samples: ChunkedSamples) -> int:
    """``g = ⌈batch_size / mean samples per non-empty chunk⌉``, between 1 and the number of chunks."""
    filled = [rows for rows in samples.rows if rows > 0]
    if not filled:
        return 1
    return max(1, min(len(filled), math.ceil(batch_size * len(filled) / sum(filled))))


def epoch_plan(
    n_chunks: Sequence[int] | int, *, per_step: int, rng: np.random.Generator
) -> Callable[[int], list[list[int]]]:
    """The chunks of each step of each epoch: ``plan(epoch) -> [[chunk, …], …]``.

    Full batch (``per_step`` ≥ the chunks): one step over all chunks. Otherwise a permutation
    of the chunks from ``rng`` per epoch, cut into steps of ``per_step`` chunks; call
    ``plan`` once per epoch, in order.
    """
    chunks = list(range(n_chunks)) if isinstance(n_chunks, int) else list(n_chunks)

    def plan(epoch: int) -> list[list[int]]:
        if per_step >= len(chunks):
            return [sorted(chunks)]
        order = [chunks[i] for i in rng.permutation(len(chunks))]
        return [sorted(order[first : first + per_step]) for first in range(0, len(order), per_step)]

    return plan


def _log_steps(n_samples: int, *, n_chunks: int, per_step: int, batch_size: int) -> None:
    """Log how an epoch is cut into steps; warn when steps of whole chunks are far larger than
    ``batch_size`` (fewer, larger steps than in one process: the same settings learn less)."""
    steps = max(1, math.ceil(n_chunks / per_step))
    per_step_samples = n_samples / steps
    if per_step >= n_chunks:
        run_logger.info("full batch: 1 step per epoch over all %d training samples (%d chunks)", n_samples, n_chunks)
    elif per_step_samples > 4 * batch_size:
        run_logger.warning(
            "on a cluster a step covers whole chunks: %d per step, ≈ %d samples (batch_size %d), %d steps per "
            "epoch; fewer, larger steps than in one process, so raise learning_rate or epochs, or lower "
            "[compute] chunk_mb", per_step, per_step_samples, batch_size, steps,
        )
    else:
        run_logger.info("mini-batch: %d chunks per step (≈ %d samples), %d steps per epoch", per_step,
                        per_step_samples, steps)


def train_distributed(
    client: Client,
    network: Network,
    train_samples: ChunkedSamples,
    validation_samples: ChunkedSamples | None = None,
    *,
    batch_size: int,
    seed: int = 0,
    loss: str | Loss = "mse",
    **options: Any,
) -> History:
    """Train ``network`` in place on chunks held by the workers (see the module's description).

    Parameters
    ----------
    client : distributed.Client
    network : Network
        Updated in place (on the client).
    train_samples, validation_samples : ChunkedSamples
        From :func:`climann.workflow.compute.chunks.persist_samples` (or ``scatter_arrays``).
    batch_size : int
        Samples per step, rounded up to whole chunks; ≥ the training samples: full batch.
    seed : int
        Seed of the chunk order of mini-batch epochs.
    loss : str or Loss
    **options
        ``epochs``, ``optimizer``, ``learning_rate``, ``l2``, ``clip_norm``, ``schedule``,
        ``early_stopping``, ``callbacks``: as for :func:`climann.model.train`; and
        ``checkpoint_every``, ``on_checkpoint``, ``stop``, ``initial_state``: as for
        :func:`climann.model.sum_training.train_from_sums` (the chunk order's generator is
        part of the checkpoint).

    Returns
    -------
    History
    """
    architecture = shared_value(client, network)
    chunks = [index for index, rows in enumerate(train_samples.rows) if rows > 0]
    per_step = chunks_per_step(batch_size, train_samples) if batch_size < train_samples.n_samples else len(chunks)
    _log_steps(train_samples.n_samples, n_chunks=len(chunks), per_step=per_step, batch_size=batch_size)
    rng = np.random.default_rng(seed)
    plan = epoch_plan(chunks, per_step=per_step, rng=rng)

    def step_over(group: list[int]) -> StepFunction:
        return lambda parameters: distributed_sums(client, architecture, parameters, train_samples, group, loss=loss)

    validation = None
    if validation_samples is not None:
        filled = [index for index, rows in enumerate(validation_samples.rows) if rows > 0]
        validation = lambda parameters: distributed_sums(  # noqa: E731
            client, architecture, parameters, validation_samples, filled, loss=loss, gradient=False
        )
    return train_from_sums(network, lambda epoch: [step_over(group) for group in plan(epoch)],
                           validation=validation, rng=rng, **options)
