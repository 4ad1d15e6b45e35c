"""This process as the executor of the chunk route: a streamed run trains as a cluster run does.

Every run on chunked data trains through one route,
:func:`climann.workflow.compute.run.train_on_cluster`: the data are chunks of consecutive
time steps (:func:`~climann.workflow.compute.chunks.chunk_blocks`), the scaling is fitted
chunk by chunk, and training is local SGD over the chunks
(:mod:`climann.workflow.compute.training`). Only the executor differs:

* ``--workers N`` / ``--scheduler ADDRESS``: a dask cluster, its workers holding the chunks;
* data larger than ``[data] in_memory_limit_gb`` (a *streamed* run): dask.distributed's
  in-process cluster (:func:`in_process_client`: one worker thread in this process, no
  memory limit, no spilling), with each chunk read from the files when its round comes
  and forgotten after (:func:`~climann.workflow.compute.chunks.read_on_demand`). One
  replica: local SGD with K = 1 is ordinary mini-batch SGD, chunk after chunk in a seeded
  order, the rows of each chunk shuffled; each chunk (when there are several) is made of
  :data:`STREAMED_BLOCKS_PER_CHUNK` blocks from every part of the period, so that its
  batches mix the period's years. Memory holds one chunk at a time (with the reading's
  temporaries), whatever the size of the data.

The streamed run is thus a one-worker cluster run in this process: the same seed and
``[compute] chunk_mb`` give bit-identical weights (one BLAS thread in both), its checkpoints
are taken between rounds as a cluster run's, and ``--resume`` continues it.

dask's own in-process cluster rather than an executor of our own: the chunk route is written
against ``distributed.Client`` (futures, ``submit``, ``gather``), which this gives as it is,
for ≈ 1 s of start-up (importing distributed) and a few ms per round.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from climann.data.pointwise import PointwiseSource
from climann.data.splits import TimeSplit
from climann.model import History
from climann.model.threads import one_blas_thread
from climann.workflow.checkpoints import Checkpointing
from climann.workflow.compute.chunks import chunk_blocks, interleaved_chunks
from climann.workflow.compute.cluster import (
    LOCAL_WORKER_TIMERS, blas_environment_restored, cancelled_gathers_unreported,
)
from climann.workflow.compute.run import TrainedOnCluster, train_on_cluster
from climann.workflow.config import RunConfig
from climann.workflow.runlog import run_logger

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["STREAMED_BLOCKS_PER_CHUNK", "STREAMED_CHUNK_SHARE", "in_process_client", "streamed_blocks",
           "streamed_chunk_mb", "train_in_process"]

#: The share of ``[data] in_memory_limit_gb`` a streamed run's chunk may take (read, as
#: :meth:`~climann.data.pointwise.PointwiseSource.time_blocks` counts): the chunk trained on
#: and the temporaries of its reading fit in the limit. Chunks as large as that, because one
#: replica shuffles the samples of one chunk at a time: a chunk should span several years.
#: Measured on 10 years of 1° monthly data, 5 epochs: chunks of 32 MiB (8 months) gave test
#: MSE 0.86 K², of 128 MiB (3.3 years) 0.56 K², against 0.59 K² with the former stream's
#: shuffle buffer.
STREAMED_CHUNK_SHARE = 0.25

#: Blocks of consecutive time steps per chunk of a streamed run with more than one chunk,
#: taken from every part of the training period
#: (:func:`~climann.workflow.compute.chunks.interleaved_chunks`; a chunk still holds
#: :func:`streamed_chunk_mb` MiB). One replica takes its batches from one chunk at a time:
#: with chunks of consecutive years, the chunk trained on last set the model's bias (a
#: warming trend's years). Measured in ``benchmarks/bench_streamed_chunks.py`` (30-year
#: rotated-pole monthly file, JJA and DJF, lag 12, 10 epochs, 6 training chunks, 32 seeds;
#: the numbers are in docs/scaling.md).
STREAMED_BLOCKS_PER_CHUNK = 4


@contextlib.contextmanager
def in_process_client() -> Iterator[Client]:
    """A client of a dask cluster inside this process: one worker with one thread, no memory
    limit (nothing is persisted, so nothing to spill), one BLAS thread (as a cluster's worker
    processes have), no dashboard, only errors logged; shut down after the block.

    Yields
    ------
    distributed.Client
        Not dask's default scheduler: other dask computations of the run are unaffected. A
        gathering that Ctrl-C cancels leaves no asyncio report (:func:`~climann.workflow.
        compute.cluster.cancelled_gathers_unreported`).
    """
    import dask
    from distributed import Client, LocalCluster

    with (blas_environment_restored(), one_blas_thread(), dask.config.set(LOCAL_WORKER_TIMERS),
          # no dashboard; the scheduler's own HTTP server on a free port (its default 8787 may be
          # taken, e.g. by a notebook's cluster, and dask would warn on the terminal)
          LocalCluster(n_workers=1, threads_per_worker=1, processes=False, memory_limit=0, dashboard_address=":0",
                       scheduler_kwargs={"dashboard": False}, silence_logs=logging.ERROR) as cluster,
          Client(cluster, set_as_default=False) as client):
        cancelled_gathers_unreported(client)
        yield client


def streamed_chunk_mb(config: RunConfig) -> float:
    """MiB of a streamed run's chunks: :data:`STREAMED_CHUNK_SHARE` of ``[data]
    in_memory_limit_gb`` (512 MiB of the default 2 GB), at least ``[compute] chunk_mb``."""
    return max(config.compute.chunk_mb, STREAMED_CHUNK_SHARE * config.data.in_memory_limit_gb * 1024)


def streamed_blocks(config: RunConfig, source: PointwiseSource) -> tuple[list[tuple[int, int]], int]:
    """A streamed run's blocks of time steps and how many make a chunk
    (:func:`~climann.workflow.compute.chunks.interleaved_chunks`).

    One chunk of :func:`streamed_chunk_mb` MiB when the whole time axis fits in one (as runs
    before 5 December 2026, bit for bit); else blocks of a :data:`STREAMED_BLOCKS_PER_CHUNK`-th
    of that, that many to a chunk: a chunk still holds :func:`streamed_chunk_mb` MiB.

    Returns
    -------
    blocks : list of (start, stop)
        :func:`~climann.workflow.compute.chunks.chunk_blocks` of the source's time axis.
    blocks_per_chunk : int
    """
    chunk_mb = streamed_chunk_mb(config)
    blocks = chunk_blocks(source, chunk_mb=chunk_mb, min_chunks=1)
    if len(blocks) == 1:
        return blocks, 1
    return chunk_blocks(source, chunk_mb=chunk_mb / STREAMED_BLOCKS_PER_CHUNK, min_chunks=1), STREAMED_BLOCKS_PER_CHUNK


def train_in_process(
    config: RunConfig, source: PointwiseSource, split: TimeSplit, *,
    on_epoch: Callable[[int, History], None] | None = None, checkpointing: Checkpointing | None = None,
) -> TrainedOnCluster:
    """Train on the chunks of ``source`` with this process as the executor (see the module's
    description): :func:`~climann.workflow.compute.run.train_on_cluster` on
    :func:`in_process_client`, each chunk read when its round comes.

    The chunks are :func:`streamed_blocks`: :func:`streamed_chunk_mb` MiB each, as many as
    their size gives (one replica needs no minimum number of chunks), each of blocks from
    every part of the training period when there is more than one.

    Returns
    -------
    TrainedOnCluster
        The network, its history and the scalers fitted on the training block.

    Raises
    ------
    ClimannError
        As :func:`~climann.workflow.compute.run.train_on_cluster`.
    Interrupted
        On SIGINT, SIGTERM or SIGHUP, after the current round and its checkpoint.
    """
    blocks, per_chunk = streamed_blocks(config, source)
    if per_chunk == 1:
        run_logger.info("chunks: %d of ≤ %g MiB, each read when its round comes", len(blocks),
                        streamed_chunk_mb(config))
    else:
        run_logger.info("chunks: %d of ≤ %g MiB, each of %d blocks from every part of the period (%d blocks of ≤ %g "
                        "MiB), each read when its round comes",
                        len(interleaved_chunks(blocks, blocks_per_chunk=per_chunk)), streamed_chunk_mb(config),
                        per_chunk, len(blocks), streamed_chunk_mb(config) / per_chunk)
    with in_process_client() as client:
        return train_on_cluster(client, config, source, split, blocks, on_epoch=on_epoch, checkpointing=checkpointing,
                                held=False, blocks_per_chunk=per_chunk)
