"""Data-parallel training on a dask cluster: the chunks stay on the workers, the weights travel.

Two algorithms, chosen by ``batch_size``:

* **Full batch** (the lesson's gradient descent), when ``batch_size`` is at least the number
  of training samples. Each step:

  1. the client sends the current parameter vector to the workers (:func:`shared_value`: one
     task that the step's tasks depend on; a few kB to MB, whatever the data's size);
  2. for each chunk, the worker holding it computes ``S``, ``W`` and ``G`` (the loss,
     weight and gradient *sums*, :func:`climann.model.sums.chunk_sums`);
  3. the sums are added in chunk order by a fixed tree of tasks (:func:`ordered_sum`), and
     the client receives one :class:`~climann.model.sums.ChunkSums`;
  4. the client computes ``J = S / W``, ``∂J/∂θ = G / W`` and applies the optimizer's update
     (:func:`climann.model.sum_training.train_from_sums`): exactly the gradient of the mean
     loss over all samples, as in one process.

* **Local SGD with periodic averaging** (mini-batches; Stich 2019, "Local SGD converges fast
  and communicates little"; Lin et al. 2020, "Don't use large mini-batches, use local SGD";
  McMahan et al. 2017, FedAvg) otherwise. There are K *replicas* (K = the number of workers
  when training starts, recorded in checkpoints). An epoch visits every chunk once: the
  chunks in an order drawn from ``numpy.random.default_rng([seed, epoch])``, dealt out to the
  replicas in turn (``chunks_to_replicas = "dealt"``; each replica runs on the worker holding
  most of its chunks of a round, :func:`round_homes`, over its own copies of the others,
  :func:`local_copies`), or chunk k to replica ``k mod K``, the
  worker that holds it (:func:`~climann.workflow.compute.chunks.persist_samples` places it
  there), each replica's chunks in an order drawn from
  ``numpy.random.default_rng([seed, epoch, replica])`` (``"fixed"``, runs before 4 December
  2026); the j-th chunk of every replica making up the j-th *group*. A round (:func:`local_sgd_plan`):

  1. the client sends the parameters ``θ`` and the optimizer (its settings, the epoch's
     learning rate and its state ``s``: velocity, moments, step count) to the workers;
  2. each replica k runs ordinary mini-batch steps of ``batch_size`` over its chunk of the
     group — those of one epoch of :func:`climann.model.train` over the chunk, rows shuffled
     by ``numpy.random.default_rng([seed, epoch, chunk])``, with the optimizer, L2 penalty,
     gradient clipping and area weights (:func:`climann.model.local_sgd.local_steps`), at K
     times the epoch's learning rate (:func:`climann.model.local_sgd.replica_learning_rate`,
     unless ``scale_learning_rate`` is False) —:
     ``chunks_per_round`` whole chunks one after the other (``sync_every = 0``, the default;
     ``chunks_per_round = 0``, the default, is :func:`automatic_chunks_per_round` after a
     first epoch of single chunks) or the next ``sync_every`` steps of its chunk;
  3. the client averages, in replica order, weighted by the (weighted) number of samples
     ``W_k`` each replica observed (:func:`climann.model.local_sgd.average_replicas`)::

         θ ← Σ_k W_k θ_k / Σ_k W_k        s ← Σ_k W_k s_k / Σ_k W_k

     with ``θ_k``, ``s_k`` of shape (n_parameters,).

  Long rounds are the default because they communicate least: on the sample (12 training
  chunks of ≈ 36 000 samples, ≈ 140 steps of 256 each) the first epoch has rounds of one
  chunk, the others one round of each replica's 6 chunks, and the averaged model learns
  as well as one process (``benchmarks/bench_scale.py``: test MSE 1.011× over 10 seeds). While the
  client waits for an epoch's validation loss, the workers already run the next epoch's
  first round (used only if its start is the same bits).

Every random stream is derived from the seed, the epoch, the replica and the chunk, and
every sum runs in a fixed order: the same seed and the same number of workers (replicas) give
bit-identical weights (on the same software and hardware), and a checkpoint taken between
rounds resumes on any cluster to the same weights. Full-batch runs do not depend on the
number of workers at all. If a worker is lost, dask recomputes its chunks from the files and
reruns the step's tasks; training continues.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import math
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from climann.workflow.compute.chunks import ChunkCut, ChunkedSamples, ChunksReadOnDemand
from climann.workflow.compute.cluster import (
    FAN_IN, Call, ordered_sum, shared_per_worker, shared_value, submit_together,
)
from climann.errors import ClimannError
from climann.model import History, Network, TrainingState
from climann.model.batches import Batch
from climann.model.local_sgd import (
    CHUNKS_TO_REPLICAS, ReplicaResult, StepsOver, average_replicas, chained_steps, replica_learning_rate,
)
from climann.model.losses import Loss
from climann.model.optimizers import Optimizer, get_optimizer
from climann.model.regularization import check_clip_norm, check_l2
from climann.model.schedules import ReduceOnPlateau, get_schedule
from climann.model.sum_training import RoundFunction, train_from_sums, train_in_rounds
from climann.model.sums import ChunkSums, chunk_sums
from climann.model.training import Diverged, Stepper
from climann.workflow.runlog import run_logger

if TYPE_CHECKING:
    from distributed import Client, Future

__all__ = ["LOCAL_COPIES_SHARE", "MIN_ROUND_STEPS", "MIN_RUN_STEPS", "ROUND_STEPS", "WARM_UP_EPOCHS", "HeldCopies",
           "OnEachWorker", "Piece", "automatic_chunks_per_round", "chunk_holders", "distributed_sums",
           "local_copies", "local_sgd_plan", "local_sgd_replicas", "on_each_worker", "replica_homes",
           "replica_shares", "round_homes", "round_steps", "run_steps", "train_distributed", "training_record"]


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




def _validation_parts(
    client: Client, network: Network | Future | OnEachWorker, parameters: np.ndarray, samples: ChunkedSamples,
    chunks: Sequence[int], loss: str | Loss, holders: Sequence[str | None] = (),
) -> list[Future]:
    """The loss-only sums of ``chunks``, one task each, on the worker holding the chunk
    (``holders``, see :func:`chunk_holders`; with the network that worker holds, if it is
    held on each); the parameters are sent with every task when there are at most
    :data:`FAN_IN` chunks (one hop less than a shared value), else once (:func:`shared_value`)."""
    shared = parameters if len(chunks) <= FAN_IN else shared_value(client, parameters)
    futures: list[Future] = []
    calls = []
    for index in sorted(chunks):
        holder = holders[index] if index < len(holders) else None
        calls.append(Call(_table_sums, (_on(network, holder), shared, samples.futures[index], samples.n_features,
                                        samples.weighted, loss, False), holder, VALIDATION_PRIORITY))
        if isinstance(samples.futures, ChunksReadOnDemand):  # read when asked for: one chunk alive at a time
            futures, calls = futures + submit_together(client, calls), []
    return futures + submit_together(client, calls)  # one message: every worker starts its part at once


#: dask priority of the validation's tasks (the default is 0; higher runs first). They are
#: submitted together with the next epoch's first round (:class:`_Ahead`) and must run before
#: it on each worker: else the client learns the validation loss a round late, and the
#: workers sit idle while it ends the epoch and sends the round after (measured on the
#: sample with 2 workers: 30–50 ms of each 225 ms epoch).
VALIDATION_PRIORITY = 1


def chunk_holders(client: Client, samples: ChunkedSamples) -> list[str | None]:
    """The worker holding each chunk of ``samples`` (the first by address if several do), or
    None where none does yet; all None for chunks read on demand (nothing is held)."""
    if isinstance(samples.futures, ChunksReadOnDemand) or not samples.futures:
        return [None] * len(samples.futures)
    held = client.who_has(list(samples.futures))
    return [min(held.get(future.key, ()), default=None) for future in samples.futures]


def replica_homes(holders: Sequence[str | None], replicas: int) -> list[str | None]:
    """The worker each replica's tasks should run on: the one holding most of its chunks
    (``chunk % replicas``; ties: the first address), or None if none is held.

    Without it, dask's scheduler may queue both replicas' tasks of a round on one worker
    (it weighs the transfer of a replica's chunks against the workers' queues, which the
    validation's tasks fill at the end of an epoch): the replicas then run one after the
    other, and once a worker holds copies of every chunk it keeps doing so. Measured on the
    sample with 2 workers: rounds of epochs 2–4 ran on one worker, each epoch twice as long.
    The restriction is loose: a lost worker's tasks go to the others."""
    homes: list[str | None] = []
    for replica in range(replicas):
        owned = [holder for holder in holders[replica::replicas] if holder is not None]
        homes.append(max(sorted(set(owned)), key=owned.count) if owned else None)
    return homes


def round_homes(pieces: Sequence[Piece], holders: Sequence[str | None], replicas: int,
                copied_to: Sequence[str] = ()) -> list[str | None]:
    """The worker each replica's tasks of one round should run on, when the chunks are dealt
    anew each epoch (:data:`CHUNKS_TO_REPLICAS`): for each replica in turn, the worker holding
    most of its chunks of the round among those no replica of the round took yet (ties: the
    first address), so that the replicas run side by side; the chunks it does not hold travel
    to it. When every such worker is taken (all its chunks are on one worker, which another
    replica took), the first of ``copied_to`` not taken, if any: the workers holding a copy of
    every chunk (:func:`local_copies`). Else that worker again, and the replicas run one after
    the other there (measured on the sample with 2 workers: 2–3 of the 6 rounds of one chunk
    of the first epoch, each then twice as long). None for a replica without pieces or whose
    chunks no worker holds.

    Returns
    -------
    list of str or None, shape (replicas,)
    """
    homes: list[str | None] = [None] * replicas
    for share in replica_shares(pieces, replicas):
        owned = [holders[piece.chunk] for piece in share if piece.chunk < len(holders) and holders[piece.chunk]]
        free = ([holder for holder in owned if holder not in homes]
                or [worker for worker in copied_to if worker not in homes][:1] or owned)
        if free:
            homes[share[0].replica_of(replicas)] = max(sorted(set(free)), key=free.count)
    return homes


def _placed(worker: str | None) -> dict:
    """``client.submit``'s keywords that run a task on ``worker`` if it can (a loose restriction)."""
    return {"workers": [worker], "allow_other_workers": True} if worker else {}


@dataclass(frozen=True)
class OnEachWorker:
    """A value every task needs (the network, local SGD's settings), held by each worker as a
    future of its own (:func:`~climann.workflow.compute.cluster.shared_per_worker`).

    With one future (:func:`~climann.workflow.compute.cluster.shared_value`), the workers
    other than its holder fetch a replica for their tasks, which dask's active memory manager
    drops again within seconds, when no task waits for it: then fetched again before the next
    epoch's tasks. Measured on the sample (2 workers, load 10): a validation task of every
    epoch waited 3–34 ms for the network to travel.

    Attributes
    ----------
    futures : dict
        ``{worker address: future}``; at least one.
    """

    futures: dict[str, Future]

    def on(self, worker: str | None) -> Future:
        """The future held by ``worker``, or the first one for a worker without its own."""
        return self.futures.get(worker) or next(iter(self.futures.values()))  # type: ignore[arg-type]


def on_each_worker(client: Client, value: Any) -> OnEachWorker:
    """``value`` as one future on each worker of ``client`` (see :class:`OnEachWorker`)."""
    workers = sorted(client.scheduler_info()["workers"])
    futures = shared_per_worker(client, value, workers)
    return OnEachWorker(dict(zip(workers, futures, strict=True)) if workers else {"": futures[0]})


def _on(value: Any, worker: str | None) -> Any:
    """``value.on(worker)`` for a value held on each worker, else ``value``."""
    return value.on(worker) if isinstance(value, OnEachWorker) else value


def _client_sum(client: Client, parts: list[Future]) -> ChunkSums:
    """The parts' values added here, in the tree of :func:`~climann.workflow.compute.cluster.ordered_sum`
    (the same additions in the same order: the same bits), without a reduction task that
    would queue behind a round on a worker."""
    if not parts:
        raise ClimannError("nothing to sum: no chunk")
    values = client.gather(parts)
    while len(values) > 1:
        values = [functools.reduce(operator.add, values[first : first + FAN_IN])
                  for first in range(0, len(values), FAN_IN)]
    return values[0]


@dataclass(frozen=True)
class Piece:
    """One replica's share of a round: batches ``first_batch … first_batch + n_batches − 1``
    of chunk ``chunk``'s epoch (its rows shuffled, cut into batches of ``batch_size``), run by
    replica ``replica`` (None: ``chunk mod replicas``, the chunk's fixed replica)."""

    chunk: int
    first_batch: int
    n_batches: int
    replica: int | None = None

    def replica_of(self, replicas: int) -> int:
        """The replica that runs this piece among ``replicas``."""
        return self.chunk % replicas if self.replica is None else self.replica




def _lanes(rows: Sequence[int], *, replicas: int, seed: int, epoch: int, dealt: bool) -> list[list[int]]:
    """Each replica's chunks (those with rows) in the order it runs them in ``epoch``: dealt
    (see :data:`CHUNKS_TO_REPLICAS`; one replica runs all chunks in its own order as before),
    or chunk k to replica k mod ``replicas`` in an order from ``default_rng([seed, epoch, replica])``."""
    if dealt and replicas > 1:
        filled = [chunk for chunk, n in enumerate(rows) if n > 0]
        order = [filled[index] for index in np.random.default_rng([seed, epoch]).permutation(len(filled))]
        return [order[replica::replicas] for replica in range(replicas)]
    lanes = []
    for replica in range(replicas):
        owned = [chunk for chunk in range(replica, len(rows), replicas) if rows[chunk] > 0]
        order = np.random.default_rng([seed, epoch, replica]).permutation(len(owned))
        lanes.append([owned[index] for index in order])
    return lanes


def local_sgd_plan(
    rows: Sequence[int], *, replicas: int, batch_size: int, sync_every: int, seed: int, epoch: int,
    chunks_per_round: int = 1, dealt: bool = False,
) -> list[list[Piece]]:
    """The rounds of one epoch of local SGD: ``[[Piece, …], …]``.

    With ``dealt``, the chunks (``rows[k] > 0``) are put in an order drawn from
    ``numpy.random.default_rng([seed, epoch])`` and dealt out to the replicas in turn, each
    replica running its chunks in that order (its *lane*; :data:`CHUNKS_TO_REPLICAS`): every
    replica sees other months each epoch. Otherwise chunk ``k`` belongs to replica
    ``k mod replicas``, its chunks ordered by ``numpy.random.default_rng([seed, epoch, replica])``.
    One replica runs every chunk in the latter order either way.

    * ``sync_every = 0``: a round holds the next ``chunks_per_round`` whole chunks of every
      lane that has any left; a replica runs its pieces of the round one after the other
      (the pieces of replica ``k`` are those with ``piece.replica_of(replicas) == k``, in list order).
    * ``sync_every > 0`` (``chunks_per_round`` must be 1): group ``j`` holds the j-th chunk of
      every lane, and its rounds cover ``sync_every`` batches of each of its chunks at a time;
      a replica whose chunk is done sits out the group's remaining rounds.

    Parameters
    ----------
    rows : sequence of int
        Samples in each chunk.
    replicas, batch_size, sync_every, seed, epoch : int
        ``epoch`` counts from 1.
    chunks_per_round : int
        Whole chunks of each replica per round (with ``sync_every = 0``); 0:
        :func:`automatic_chunks_per_round`.
    dealt : bool
        Deal the chunks to the replicas anew each epoch (the pieces name their replica);
        False: chunk k to replica k mod ``replicas`` (the pieces' ``replica`` is None).

    Returns
    -------
    list of list of Piece
        The epoch's rounds in order; every chunk's batches appear exactly once.

    Raises
    ------
    ClimannError
        If ``chunks_per_round`` is below 1, or above 1 with ``sync_every > 0``.
    """
    if chunks_per_round < 0 or (sync_every and chunks_per_round > 1):
        raise ClimannError(f"chunks_per_round must be ≥ 0 (0: automatic), and 0 or 1 when sync_every > 0; got "
                           f"{chunks_per_round!r} with sync_every={sync_every!r}")
    lanes = _lanes(rows, replicas=replicas, seed=seed, epoch=epoch, dealt=dealt)
    named = dealt and replicas > 1
    replica_of = {chunk: replica if named else None for replica, lane in enumerate(lanes) for chunk in lane}
    longest = max(map(len, lanes), default=0)
    batches = [math.ceil(n / batch_size) for n in rows]
    if not chunks_per_round:
        chunks_per_round = 1 if epoch <= WARM_UP_EPOCHS else automatic_chunks_per_round(
            rows, replicas=replicas, batch_size=batch_size)
    if not sync_every:
        return [[Piece(chunk, 0, batches[chunk], replica_of[chunk])
                 for lane in lanes for chunk in lane[first : first + chunks_per_round]]
                for first in range(0, longest, chunks_per_round)]
    rounds = []
    for position in range(longest):
        group = [lane[position] for lane in lanes if position < len(lane)]
        most = max(batches[chunk] for chunk in group)
        for first in range(0, most, sync_every):
            rounds.append([Piece(chunk, first, min(sync_every, batches[chunk] - first), replica_of[chunk])
                           for chunk in group if first < batches[chunk]])
    return rounds


#: Epochs of rounds of one chunk before ``chunks_per_round = 0`` lengthens them: the replicas
#: drift apart most while the weights still move fast (as in post-local SGD, Lin et al. 2020).
WARM_UP_EPOCHS = 1

#: Steps of each replica per round that ``chunks_per_round = 0`` aims at after the warm-up: a round's exchange
#: (tens of ms: the tasks, the results' trip back, the average, the epoch's validation) then
#: costs a few percent of its work (≈ 0.3–0.5 ms a step of 256 samples through 64 × 64).
ROUND_STEPS = 1000


def automatic_chunks_per_round(rows: Sequence[int], *, replicas: int, batch_size: int) -> int:
    """``chunks_per_round = 0``: whole chunks per round such that each replica's share of an
    epoch is cut into as many rounds as hold :data:`ROUND_STEPS` steps (at least one round:
    a share of fewer steps is one round), of as equal a number of chunks as can be.

    Depends only on the chunks' sizes, ``replicas`` and ``batch_size`` (not on the epoch)."""
    lanes = [[rows[chunk] for chunk in range(replica, len(rows), replicas) if rows[chunk] > 0]
             for replica in range(replicas)]
    steps = max((sum(math.ceil(n / batch_size) for n in lane) for lane in lanes), default=0)
    longest = max(map(len, lanes), default=0)
    return max(1, math.ceil(longest / max(1, steps // ROUND_STEPS)))


@dataclass(frozen=True)
class _LocalSettings:
    """What every replica task needs besides its chunk and the round's starting point."""

    network: Network
    n_features: int
    weighted: bool
    loss: str | Loss
    l2: float
    clip_norm: float | None
    batch_size: int
    seed: int
    #: K of :func:`~climann.model.local_sgd.replica_learning_rate` (1: the replicas step at the epoch's rate)
    learning_rate_factor: int = 1


def _replica_round(
    settings: _LocalSettings, start: tuple[np.ndarray, Optimizer], pieces: list[Piece], epoch: int,
    *tables: np.ndarray | dict[int, np.ndarray],
) -> ReplicaResult:
    """On a worker: one replica's share of a round, its ``pieces`` one after the other over
    their persisted tables ``X | y [| w]`` (in the same order; or the worker's copies of
    every chunk, ``{chunk: table}``, of which the piece's chunk is taken: :func:`local_copies`),
    at :func:`~climann.model.local_sgd.replica_learning_rate` of the epoch's rate."""
    parameters, epoch_optimizer = start
    optimizer = dataclasses.replace(epoch_optimizer, learning_rate=replica_learning_rate(
        epoch_optimizer.learning_rate, settings.learning_rate_factor))
    optimizer.load_state_dict(epoch_optimizer.state_dict())
    n_features = settings.n_features
    stretches = []
    for piece, table in zip(pieces, tables, strict=True):
        table = table[piece.chunk] if isinstance(table, dict) else table
        # Views: the shuffle of each stretch copies the rows into aligned, contiguous arrays.
        data = Batch(table[:, :n_features], table[:, n_features : n_features + 1],
                     table[:, n_features + 1] if settings.weighted else None, None)
        stretches.append(StepsOver(data, np.random.default_rng([settings.seed, epoch, piece.chunk]), piece.first_batch,
                                   piece.n_batches))
    with np.errstate(over="ignore", invalid="ignore"):  # divergence is raised as Diverged
        return chained_steps(settings.network, parameters, optimizer, stretches, loss=settings.loss, l2=settings.l2,
                             clip_norm=settings.clip_norm, batch_size=settings.batch_size)


def replica_shares(pieces: Sequence[Piece], replicas: int) -> list[list[Piece]]:
    """A round's pieces per replica (:meth:`Piece.replica_of`), replicas in order of first appearance."""
    shares: dict[int, list[Piece]] = {}
    for piece in pieces:
        shares.setdefault(piece.replica_of(replicas), []).append(piece)
    return list(shares.values())


def _submit_round(
    client: Client, settings: Future | OnEachWorker, samples: ChunkedSamples, pieces: list[Piece], epoch: int,
    replicas: int,
    start: tuple[np.ndarray, Optimizer], homes: Sequence[str | None] = (),
    copies: dict[str | None, HeldCopies] | None = None,
) -> list[Future]:
    """The replicas' tasks of one round from ``start`` (parameters, optimizer: sent with each
    task, a few times the parameters' size: one hop less than a shared value), each on its
    replica's worker (``homes``, see :func:`replica_homes`) if given, over the tables that
    worker holds (its ``copies``, see :func:`local_copies`) where it has them."""
    futures: list[Future] = []
    calls = []
    for share in replica_shares(pieces, replicas):
        replica = share[0].replica_of(replicas)
        home = homes[replica] if replica < len(homes) else None
        held = (copies or {}).get(home)
        tables = tuple(held.future if held is not None and piece.chunk in held.chunks else samples.futures[piece.chunk]
                       for piece in share)
        calls.append(Call(_replica_round, (_on(settings, home), start, share, epoch, *tables), home))
        if isinstance(samples.futures, ChunksReadOnDemand):  # read when asked for: one chunk alive at a time
            futures, calls = futures + submit_together(client, calls), []
    return futures + submit_together(client, calls)  # one message: the replicas start together


#: Local SGD with chunks dealt anew each epoch: every worker keeps a copy of each training
#: chunk (its own too) when all the training chunks take at most this share of its memory
#: limit (a worker without a limit counts as large enough), so that no round waits for
#: chunks to travel (see :func:`local_copies`).
LOCAL_COPIES_SHARE = 0.25


def _copies(tables: dict[int, np.ndarray]) -> dict[int, np.ndarray]:
    """On a worker: its own copy of each table (fresh memory, aligned; the same values)."""
    return {chunk: table.copy() for chunk, table in tables.items()}


@dataclass(frozen=True)
class HeldCopies:
    """One worker's copies of the training chunks (:func:`local_copies`): ``future`` of
    ``{chunk index: table}`` for the chunks of ``chunks``."""

    future: Future
    chunks: frozenset[int]


def local_copies(client: Client, samples: ChunkedSamples, holders: Sequence[str | None],
                 ) -> dict[str | None, HeldCopies]:
    """Each worker's own copy of every training chunk, when they fit.

    With chunks dealt anew each epoch (:data:`CHUNKS_TO_REPLICAS`), a replica's chunks of a
    round are held by several workers, and those not on its worker travelled to it before its
    round could start, every round: dask's active memory manager drops such extra replicas
    within seconds. Measured on the sample (2 workers, load 9): 0.6 s of each worker's 29 s
    training phase in these transfers, while both workers waited. A copy is a chunk of its
    own (a task's result), which the memory manager keeps; the copies are made once, before
    the first round (returned once held), and hold the same values, so the weights do not
    change. A worker's copies are one task and one result (a task per chunk and worker cost
    dask's bookkeeping of 24 tasks on the sample, for work of a few milliseconds). A worker
    copies the chunks it holds too: a copy made on another worker fetches the
    original there, and the memory manager then drops one of the two replicas of the original,
    either, at times the one on its own worker, whose rounds then fetched it back (1 run in 5
    of tests/workflow/compute's transfer test, and the clean-clone ``make test`` of 5 Dec).

    Parameters
    ----------
    client : distributed.Client
    samples : ChunkedSamples
        The training chunks, held by the workers (none for chunks read on demand).
    holders : sequence of str or None
        The worker holding each chunk (:func:`chunk_holders`), before any copy: the copies
        go to these workers.

    Returns
    -------
    dict of str to HeldCopies
        ``{worker: its copies}`` for the workers in ``holders``, of each chunk with samples;
        empty when the chunks do not fit
        :data:`LOCAL_COPIES_SHARE` of a worker's memory limit, are read on demand, or are held
        by one worker.
    """
    from distributed import wait

    workers = sorted({holder for holder in holders if holder is not None})
    if isinstance(samples.futures, ChunksReadOnDemand) or len(workers) < 2:
        return {}
    width = samples.n_features + 1 + samples.weighted
    size = samples.n_samples * width * np.dtype(samples.dtype).itemsize
    limits = [info.get("memory_limit") or 0 for info in client.scheduler_info()["workers"].values()]
    if any(limit and size > LOCAL_COPIES_SHARE * limit for limit in limits):
        return {}
    # every chunk on every worker, its own chunks too: the memory manager may drop the replica of
    # an original on its own worker once another worker has fetched it for its copy
    originals = {index: future for index, future in enumerate(samples.futures) if samples.rows[index] > 0}
    copies = {worker: HeldCopies(client.submit(_copies, originals, pure=False, **_placed(worker)),
                                 frozenset(originals))
              for worker in workers}
    # made before the first round: queued behind a round, a copy could be moved by dask's work
    # stealing to the idle worker that holds its chunk, and be fetched from there every round
    with client.as_current():
        wait([held.future for held in copies.values()])
    return copies


def _same_start(first: tuple[np.ndarray, Optimizer], second: tuple[np.ndarray, Optimizer]) -> bool:
    """Whether two starts of a round are the same bits: parameters, optimizer type, learning
    rate and state."""
    (parameters, optimizer), (other_parameters, other_optimizer) = first, second
    if type(optimizer) is not type(other_optimizer) or optimizer.learning_rate != other_optimizer.learning_rate:
        return False
    state, other = optimizer.state_dict(), other_optimizer.state_dict()
    return (np.array_equal(parameters, other_parameters) and state.keys() == other.keys()
            and all(np.array_equal(state[name], other[name]) for name in state))


class _Ahead:
    """The first round of the next epoch, submitted while the epoch's validation runs.

    At the end of an epoch the client waits for the validation loss (the schedule, early
    stopping, the best weights and the checkpoint need it) before it starts the next epoch;
    meanwhile the workers would sit idle. So the validation's tasks are followed at once by
    those of the next epoch's first round, from the same parameters and optimizer state at
    the learning rate the schedule will give (known in advance unless it depends on the
    losses: ``reduce_on_plateau`` is not guessed). When the epoch does start, its first round
    takes these tasks only if its start is the same bits (:func:`_same_start`), else it
    submits its own: the result never depends on the guess. Tasks not taken (early stopping,
    a stop request, a wrong guess) are cancelled.
    """

    def __init__(self, client: Client, guess_rate: Any) -> None:
        self.client, self.guess_rate = client, guess_rate
        self.stepper: Stepper | None = None
        self.epoch = 0
        self.next_round: Any = None  # (epoch, pieces, submit) of the next epoch's first round
        self.pending: tuple[int, tuple[np.ndarray, Optimizer], list[Future]] | None = None

    def submit_next(self, parameters: np.ndarray) -> None:
        """After the epoch's validation tasks: the next epoch's first round, if it can be guessed."""
        if self.stepper is None or self.next_round is None:
            return
        rate = self.guess_rate(self.epoch + 1)
        if rate is None:
            return
        epoch, submit = self.next_round
        optimizer = copy.deepcopy(self.stepper.optimizer)
        optimizer.learning_rate = rate
        start = (parameters.copy(), optimizer)
        self.pending = (epoch, start, submit(start))

    def take(self, epoch: int, start: tuple[np.ndarray, Optimizer]) -> list[Future] | None:
        """The tasks submitted ahead for this start of ``epoch``'s first round, if any."""
        pending, self.pending = self.pending, None
        if pending is None:
            return None
        if pending[0] == epoch and _same_start(pending[1], start):
            return pending[2]
        self.client.cancel(pending[2])
        return None

    def cancel(self) -> None:
        if self.pending is not None:
            self.client.cancel(self.pending[2])
            self.pending = None


class _Finished:
    """Futures whose values the client has gathered, released only once its next tasks are submitted.

    A future released (dropped) sends ``client-releases-keys`` through the client's batched
    stream to the scheduler, which then holds every further message for its interval of
    10 ms (``distributed.batched.BatchedSend``; the client's interval is fixed, not a
    setting). A round's futures, released as its round function returned, so held back the
    next round's tasks (epoch 1's rounds of one chunk) or the validation's, while both workers
    sat idle: the submission waited for the remainder of the 10 ms after the release (sent at
    once, as nothing else was queued). Released after the submission, they go in the next
    batch instead, while the workers compute. The values are the same, only the order of the
    messages differs.
    """

    def __init__(self) -> None:
        self._futures: list[Future] = []

    def hold(self, futures: Sequence[Future]) -> None:
        """Keep ``futures`` (and those held already) until :meth:`release`."""
        self._futures = [*self._futures, *futures]

    def release(self) -> None:
        """Drop the futures held: call it right after submitting the next tasks."""
        self._futures = []


def _local_round(
    client: Client, settings: Future | OnEachWorker, samples: ChunkedSamples, pieces: list[Piece], epoch: int,
    replicas: int,
    ahead: _Ahead, first: bool, homes: Sequence[str | None] = (),
    copies: dict[str | None, HeldCopies] | None = None, finished: _Finished | None = None,
) -> RoundFunction:
    """The round function of ``pieces``: the replicas' tasks (or those submitted ahead, for an
    epoch's first round; over the workers' ``copies`` where they have them), then the
    weighted average. The round's futures are kept in ``finished`` until the next tasks are
    submitted (see :class:`_Finished`)."""
    finished = finished if finished is not None else _Finished()

    def run(stepper: Stepper) -> tuple[float, float]:
        ahead.stepper = stepper
        start = (stepper.network.parameter_vector.copy(), stepper.optimizer)
        futures = (ahead.take(epoch, start) if first else None) or _submit_round(
            client, settings, samples, pieces, epoch, replicas, start, homes, copies)
        finished.release()  # the previous round's or validation's, now that this round is sent
        results = client.gather(futures)
        finished.hold(futures)
        parameters, optimizer_state = average_replicas(results)
        if not np.all(np.isfinite(parameters)):
            raise Diverged("a weight or gradient became inf or NaN")
        np.copyto(stepper.network.parameter_vector, parameters)
        stepper.optimizer.load_state_dict(optimizer_state)
        return math.fsum(r.loss_sum for r in results), math.fsum(r.weight_sum for r in results)

    return run


#: Fewest optimizer steps of a replica per round, on average, that local SGD is known to
#: train well with: below it, a warning (a 6-year 10° file with chunks of 4–5 months, ≈ 13
#: steps per round, gave test MSE 1.996 K² on 2 workers against 1.254 K² in one process).
MIN_ROUND_STEPS = 20


def round_steps(rounds: Sequence[Sequence[Piece]], replicas: int) -> float:
    """The mean number of steps of a replica in a round: all steps of the epoch over all the
    replicas' shares of its rounds."""
    shares = sum(len(replica_shares(pieces, replicas)) for pieces in rounds)
    return sum(piece.n_batches for pieces in rounds for piece in pieces) / max(1, shares)


def run_steps(plan: Callable[[int], Sequence[Sequence[Piece]]], *, epochs: int, replicas: int) -> int:
    """The steps of the averaged model over a whole run: in each epoch, those of its longest
    replica share (the replicas average after each round, so the average steps as often as
    the busiest replica), summed over epochs 1 … ``epochs``.

    Counted over the whole run, not from the epoch a resumed run starts in: chunks dealt anew
    each epoch give the replicas shares of other lengths in other epochs, and a run resumed in
    a later epoch said ≈ 1660 steps where its first part had said ≈ 1680 (break36b B7).

    Parameters
    ----------
    plan : callable
        Epoch (from 1) → its rounds (:func:`local_sgd_plan`).
    epochs, replicas : int

    Returns
    -------
    int
    """
    return sum(max(sum(piece.n_batches for pieces in plan(epoch) for piece in pieces
                       if piece.replica_of(replicas) == replica) for replica in range(replicas))
               for epoch in range(1, epochs + 1))


#: Fewest steps the averaged model should take over a whole run: local SGD with K replicas
#: makes about one step of the average where one process makes K, so a run of fewer is likely
#: to stop far from where one process gets (on a 6-year 10° file, 15 epochs of ≈ 65 steps
#: per replica: test MSE 1.996 K² on 2 workers against 1.254 K² in one process).
MIN_RUN_STEPS = 5000


def _log_rounds(samples: ChunkedSamples, rounds: list[list[Piece]], *, replicas: int, batch_size: int,
                sync_every: int, chunks_per_round: int, epochs: int, whole_run: Callable[[], int],
                warn: bool = True, log: bool = True, plan_with: Callable[..., list[list[Piece]]] | None = None,
                cut: ChunkCut | None = None) -> None:
    """Log (unless not ``log``) how an epoch of local SGD is cut into rounds
    (``chunks_per_round`` whole chunks of each replica, or ``sync_every`` steps); unless not
    ``warn``, warn when the chunks are smaller than a batch, the rounds are short or the run
    takes few steps (``whole_run``: the steps of the averaged model in all ``epochs``,
    :func:`run_steps`), with advice that clears the warning (:func:`_larger_chunks_advice`,
    :func:`_longer_rounds_advice`; ``plan_with(n)``: the epoch's rounds of ``n`` chunks per
    replica, ``cut``: how the chunks were cut)."""
    steps = round_steps(rounds, replicas)
    length = (f"at most {sync_every} steps" if sync_every else
              "one chunk" if chunks_per_round == 1 else f"{chunks_per_round} chunks per replica")
    n_chunks = sum(1 for rows in samples.rows if rows > 0)
    if log:
        who = (f"local SGD: {replicas} replicas" if replicas > 1 else
               "mini-batch steps in one process (local SGD of one replica)")
        run_logger.info(
            "%s, rounds of %s (≈ %.0f steps of %d samples per replica), %d round(s) per epoch over %d chunks "
            "(%d training samples)", who, length, steps, batch_size, len(rounds), n_chunks, samples.n_samples,
        )
    if replicas == 1 or not warn:
        return
    chunk_samples = samples.n_samples / max(1, n_chunks)
    if chunk_samples < batch_size:
        run_logger.warning(
            "local SGD: the chunks (≈ %.0f samples) are smaller than a batch of %d, so each step of a replica "
            "takes a whole chunk and the replicas average after a step or two: the model may end far worse than "
            "in one process; %s", chunk_samples, batch_size,
            _larger_chunks_advice(samples.n_samples, chunk_samples, batch_size, cut),
        )
        return
    if steps < MIN_ROUND_STEPS:
        run_logger.warning(
            "local SGD's rounds are short: ≈ %.0f steps of %d samples per replica between two averages (fewer than "
            "%d; chunks of ≈ %d samples): the model may end far worse than in one process; %s", steps, batch_size,
            MIN_ROUND_STEPS, chunk_samples,
            "average less often (a larger [compute] sync_every), or train in one process (no --workers)"
            if plan_with is None else
            _less_often_advice(samples, plan_with, replicas=replicas, batch_size=batch_size, sync_every=sync_every)
            if sync_every else
            _longer_rounds_advice(samples, plan_with, replicas=replicas, batch_size=batch_size,
                                  chunks_per_round=chunks_per_round),
        )
    steps_in_run = whole_run()
    if steps_in_run < MIN_RUN_STEPS:
        run_logger.warning(
            "local SGD on %d replicas takes ≈ %d steps of the averaged model in %d epochs (one process takes ≈ %d× "
            "as many): few for %d training samples, the model may end far worse than in one process; give it more "
            "epochs (≈ %d), or train in one process (no --workers)", replicas, steps_in_run, epochs, replicas,
            samples.n_samples, math.ceil(MIN_RUN_STEPS / max(1, steps_in_run) * epochs),
        )


def _larger_chunks_advice(n_samples: int, chunk_samples: float, batch_size: int, cut: ChunkCut | None) -> str:
    """What clears "the chunks are smaller than a batch": chunks of enough time steps for a
    batch (the ``[compute] chunk_mb`` that gives them), or, when no ``chunk_mb`` gives them
    (``cut.most_steps``, :func:`~climann.workflow.compute.chunks.longest_chunk`), batches no
    larger than a chunk; training in one process either way. Without ``cut`` (chunks not
    cut from a file) the advice names the setting only."""
    one_process = "train in one process (no --workers)"
    if cut is None:
        return f"{one_process}, or use larger chunks ([compute] chunk_mb)"
    samples_per_step = n_samples / max(1, cut.train_steps)
    chunk_mb = cut.chunk_mb_for(math.ceil(batch_size / samples_per_step))
    if chunk_mb is not None:
        return f"use longer chunks ([compute] chunk_mb = {chunk_mb:g}), or {one_process}"
    return (f"{one_process}, or use batches no larger than a chunk (--batch-size {math.floor(chunk_samples)}); "
            f"{cut.capped()}")


def _less_often_advice(samples: ChunkedSamples, plan_with: Callable[..., list[list[Piece]]], *, replicas: int,
                       batch_size: int, sync_every: int) -> str:
    """What clears "the rounds are short" with rounds of ``sync_every`` steps: the fewest steps
    per round (``[compute] sync_every``) whose rounds hold :data:`MIN_ROUND_STEPS` steps of each
    replica on average, as :func:`round_steps` counts them (a round also ends with its chunks,
    so it may need more than :data:`MIN_ROUND_STEPS`). When none does (rounds as long as a
    chunk are still short), rounds of whole chunks, ``sync_every = 0``, with the chunks per
    round :func:`_longer_rounds_advice` names (fix37b: the advice said ``sync_every = 0``
    alone, whose rounds of one chunk could be as short). ``plan_with(n, every=s)``: the epoch's
    rounds of ``n`` chunks, or of ``s`` steps."""
    longest = max((math.ceil(rows / batch_size) for rows in samples.rows if rows > 0), default=1)
    for every in range(sync_every + 1, longest):  # from the longest chunk on, rounds are whole chunks
        if round_steps(plan_with(1, every=every), replicas) >= MIN_ROUND_STEPS:
            return f"average less often ([compute] sync_every = {every}), or train in one process (no --workers)"
    return _longer_rounds_advice(samples, lambda count: plan_with(count, every=0), replicas=replicas,
                                 batch_size=batch_size, chunks_per_round=0, also="sync_every = 0, ")


def _longer_rounds_advice(samples: ChunkedSamples, plan_with: Callable[[int], list[list[Piece]]], *, replicas: int,
                          batch_size: int, chunks_per_round: int, also: str = "") -> str:
    """What clears "the rounds are short" (rounds of whole chunks): the fewest chunks per round
    whose rounds hold :data:`MIN_ROUND_STEPS` steps of each replica on average, as
    :func:`round_steps` counts them (more epochs or larger chunks do not lengthen a round: a
    round holds ``chunks_per_round`` chunks of each replica, one epoch's share at most). When
    even a whole share is too short: fewer workers, whose shares are longer (with
    ``chunks_per_round = 0``, a whole share per round while it is under :data:`ROUND_STEPS`),
    or one process. ``also``: settings named before ``chunks_per_round`` (``"sync_every = 0, "``
    from :func:`_less_often_advice`, whose rounds of steps may end within a chunk: one chunk per
    round is then tried too)."""
    whole = plan_with(10**9)  # one round: each replica's whole share of the epoch
    lane = max((sum(piece.replica_of(replicas) == replica for piece in pieces)
                for pieces in whole for replica in range(replicas)), default=1)
    first = max(1, chunks_per_round) + 1 if not also else 1  # ``also``: rounds of steps now, one chunk may do
    for count in range(first, lane + 1):
        if round_steps(plan_with(count), replicas) >= MIN_ROUND_STEPS:
            what = "average after whole chunks" if also and count == 1 else "use more chunks per round"
            return (f"{what} ([compute] {also}chunks_per_round = {count}), or train in one process "
                    "(no --workers)")
    share = round_steps(whole, replicas)
    total = sum(math.ceil(rows / batch_size) for rows in samples.rows if rows > 0)
    fewer = total // MIN_ROUND_STEPS
    workers = (f", or on {fewer} workers (--workers {fewer}, [compute] {also}chunks_per_round = 0)"
               if 2 <= fewer < replicas else "")
    return (f"an epoch gives each replica ≈ {share:.0f} steps, too few for longer rounds: train in one process (no "
            f"--workers){workers}")


def training_record(
    rows: Sequence[int], *, replicas: int, batch_size: int, sync_every: int, chunks_per_round: int, seed: int,
    epochs: int, dealt: bool, scale_learning_rate: bool,
) -> dict:
    """How a run trained on chunks, for ``metrics.json`` ``training`` (without ``route``, which
    the caller adds): ``workers`` (the replicas K), ``chunks`` (training chunks holding
    samples), ``method`` (``"full batch"``; ``"local SGD"`` on K > 1 replicas, averaged after
    each round; ``"mini-batch SGD"`` on one), and for the latter two the last epoch's
    ``rounds_per_epoch``, ``chunks_per_round`` (None with ``sync_every`` steps per round),
    ``sync_every``, ``steps_per_round`` (:func:`round_steps`, each replica's mean) and
    ``learning_rate_factor`` (K with the linear scaling rule, else 1), as
    :func:`train_distributed` trains with these arguments (break36b B5: nothing in the run
    directory said a run was trained on 2 workers, or streamed)."""
    n_chunks = sum(1 for count in rows if count > 0)
    record: dict = {"workers": replicas, "chunks": n_chunks}
    if batch_size >= sum(rows):
        return record | {"method": "full batch", "rounds_per_epoch": 1}
    rounds = local_sgd_plan(rows, replicas=replicas, batch_size=batch_size, sync_every=sync_every, seed=seed,
                            epoch=max(1, epochs), chunks_per_round=chunks_per_round, dealt=dealt and replicas > 1)
    per_round = None if sync_every else (chunks_per_round or (
        1 if epochs <= WARM_UP_EPOCHS else automatic_chunks_per_round(rows, replicas=replicas, batch_size=batch_size)))
    return record | {
        "method": "local SGD" if replicas > 1 else "mini-batch SGD", "rounds_per_epoch": len(rounds),
        "chunks_per_round": per_round, "sync_every": sync_every,
        "steps_per_round": round(round_steps(rounds, replicas), 1),
        "learning_rate_factor": replicas if scale_learning_rate and replicas > 1 else 1,
    }


def local_sgd_replicas(client: Client, resumed: TrainingState | None = None) -> int:
    """K, the number of replicas of local SGD: the number recorded in ``resumed`` (a run
    resumed on another cluster keeps its replicas, and so its results), else one per worker
    of ``client`` (at least one)."""
    recorded = resumed.rng.get("local_sgd", {}) if resumed is not None else {}
    return recorded.get("replicas") or max(1, len(client.scheduler_info()["workers"]))


def train_distributed(
    client: Client,
    network: Network,
    train_samples: ChunkedSamples,
    validation_samples: ChunkedSamples | None = None,
    *,
    batch_size: int,
    seed: int = 0,
    loss: str | Loss = "mse",
    sync_every: int = 0,
    replicas: int | None = None,
    chunks_per_round: int = 0,
    scale_learning_rate: bool = True,
    chunks_to_replicas: str = "fixed",
    chunk_cut: ChunkCut | None = None,
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
        Samples per step; ≥ the training samples: full-batch gradient descent, else local SGD.
    seed : int
        Seed of every random stream of local SGD (the chunk orders and the rows' shuffles).
    loss : str or Loss
    sync_every : int
        Local SGD's round length: steps of each replica between two averages; 0 (default):
        one whole chunk.
    chunks_per_round : int
        Local SGD with ``sync_every = 0``: whole chunks of each replica per round; 0 (default):
        :func:`automatic_chunks_per_round` (rounds of about :data:`ROUND_STEPS` steps).
    replicas : int, optional
        K, the number of replicas of local SGD; default: the number of workers (at least 1),
        or the number recorded in ``initial_state``. The result depends on K, not on where
        the replicas run.
    scale_learning_rate : bool
        Local SGD: each replica steps at K times the epoch's learning rate
        (:func:`climann.model.local_sgd.replica_learning_rate`, the linear scaling rule; the
        default); False: at the epoch's rate. ``History.learning_rate`` holds the epoch's rate.
    chunks_to_replicas : {"fixed", "dealt"}
        Local SGD on more than one replica: chunk k to replica k mod K every epoch (the
        default, as runs before 4 December 2026 trained), or dealt out anew each epoch
        (:data:`CHUNKS_TO_REPLICAS`; the run's configuration's default), recorded in the
        checkpoints.
    chunk_cut : ChunkCut, optional
        How the chunks were cut from the files
        (:func:`~climann.workflow.compute.chunks.chunk_cut`): the warning about chunks smaller
        than a batch then names the ``[compute] chunk_mb`` that clears it, or says that none can.
    **options
        ``epochs``, ``optimizer``, ``learning_rate``, ``l2``, ``clip_norm``, ``schedule``,
        ``early_stopping``, ``callbacks``: as for :func:`climann.model.train`; and
        ``checkpoint_every``, ``on_checkpoint``, ``stop``, ``initial_state``: as for
        :func:`climann.model.sum_training.train_in_rounds` (local SGD: a stop takes effect
        after the current round, and its checkpoint resumes at the next).

    Returns
    -------
    History

    Raises
    ------
    ClimannError
        If ``sync_every`` or ``replicas`` is negative, ``chunks_to_replicas`` is not one of
        :data:`CHUNKS_TO_REPLICAS`, or an ``initial_state`` was taken with other local SGD
        settings.
    """
    if not isinstance(sync_every, int) or sync_every < 0 or (replicas is not None and replicas < 1):
        raise ClimannError(f"sync_every must be ≥ 0 and replicas ≥ 1; got {sync_every!r} and {replicas!r}")
    if chunks_to_replicas not in CHUNKS_TO_REPLICAS:
        raise ClimannError(f"chunks_to_replicas must be one of {', '.join(CHUNKS_TO_REPLICAS)}; got "
                           f"{chunks_to_replicas!r}")
    ahead = _Ahead(client, _rate_guess(options))
    finished = _Finished()
    validation = None
    if validation_samples is not None:
        filled = [index for index, rows in enumerate(validation_samples.rows) if rows > 0]
        validation_holders = chunk_holders(client, validation_samples)
        networks = on_each_worker(client, network)

        def validation(parameters: np.ndarray) -> ChunkSums:
            parts = _validation_parts(client, networks, parameters, validation_samples, filled, loss,
                                      validation_holders)
            ahead.submit_next(parameters)
            finished.release()  # the epoch's last round's, now that the validation is sent
            total = _client_sum(client, parts)
            finished.hold(parts)
            return total

    chunks = [index for index, rows in enumerate(train_samples.rows) if rows > 0]
    if batch_size >= train_samples.n_samples:
        run_logger.info("full batch: 1 step per epoch over all %d training samples (%d chunks)",
                        train_samples.n_samples, len(chunks))
        architecture = shared_value(client, network)  # (local SGD's replicas get theirs with their settings)
        step = lambda parameters: distributed_sums(  # noqa: E731
            client, architecture, parameters, train_samples, chunks, loss=loss)
        return train_from_sums(network, lambda epoch: [step], validation=validation, **options)
    if replicas is None:
        replicas = local_sgd_replicas(client, options.get("initial_state"))
    # the replicas apply the penalty and the clipping (the client's stepper only holds the average)
    settings = on_each_worker(client, _LocalSettings(
        network, train_samples.n_features, train_samples.weighted, loss, check_l2(options.get("l2", 0.0)),
        check_clip_norm(options.get("clip_norm")), batch_size, seed, replicas if scale_learning_rate else 1))
    if scale_learning_rate and replicas > 1:
        run_logger.info("the replicas' learning rate: %d × the epoch's, as %d replicas average %d times fewer steps "
                        "than one process (the linear scaling rule; [compute] scale_learning_rate = false: the "
                        "epoch's rate)", replicas, replicas, replicas)
    holders = chunk_holders(client, train_samples)
    dealt = chunks_to_replicas == "dealt" and replicas > 1
    fixed_homes = replica_homes(holders, replicas)
    copies = local_copies(client, train_samples, holders) if dealt else {}

    def homes_of(pieces: list[Piece]) -> list[str | None]:
        return round_homes(pieces, holders, replicas, sorted(copies)) if dealt else fixed_homes

    logged: list[int] = []
    warned: list[bool] = []  # holds True once the rounds were judged

    def plan(epoch: int, per_round: int = chunks_per_round, *, every: int = sync_every) -> list[list[Piece]]:
        return local_sgd_plan(train_samples.rows, replicas=replicas, batch_size=batch_size, sync_every=every,
                              seed=seed, epoch=epoch, chunks_per_round=per_round, dealt=dealt)

    def epoch_rounds(epoch: int) -> list[RoundFunction]:
        rounds = plan(epoch)
        # this epoch's length of a round (automatic: one chunk while warming up, then longer)
        per_round = chunks_per_round or (1 if epoch <= WARM_UP_EPOCHS else automatic_chunks_per_round(
            train_samples.rows, replicas=replicas, batch_size=batch_size))
        epochs = options.get("epochs", EPOCHS)
        # the rounds judged by the warnings: those of the epochs after the warm-up, when there are any
        steady = bool(chunks_per_round) or epoch > WARM_UP_EPOCHS or epochs <= WARM_UP_EPOCHS
        whole_run = functools.partial(run_steps, plan, epochs=epochs, replicas=replicas)
        if not logged or (logged[-1] != per_round and len(logged) < 2):  # the first epoch, and after the warm-up
            if logged:
                run_logger.info("from epoch %d on, after %d epoch(s) of rounds of one chunk:", epoch, epoch - 1)
            _log_rounds(train_samples, rounds, replicas=replicas, batch_size=batch_size, sync_every=sync_every,
                        chunks_per_round=per_round, epochs=epochs, whole_run=whole_run,
                        warn=steady and not any(warned), plan_with=functools.partial(plan, epoch), cut=chunk_cut)
            logged.append(per_round)
            warned.append(steady)
        elif steady and not any(warned):  # the automatic length is one chunk after the warm-up too: judged now
            _log_rounds(train_samples, rounds, replicas=replicas, batch_size=batch_size, sync_every=sync_every,
                        chunks_per_round=per_round, epochs=epochs, whole_run=whole_run, log=False,
                        plan_with=functools.partial(plan, epoch), cut=chunk_cut)
            warned.append(True)
        ahead.epoch, ahead.next_round = epoch, None
        if epoch < options.get("epochs", EPOCHS) and (following := plan(epoch + 1)):
            ahead.next_round = (epoch + 1, functools.partial(_submit_round, client, settings, train_samples,
                                                             following[0], epoch + 1, replicas,
                                                             homes=homes_of(following[0]), copies=copies))
        return [_local_round(client, settings, train_samples, pieces, epoch, replicas, ahead, index == 0,
                             homes_of(pieces), copies, finished)
                for index, pieces in enumerate(rounds)]

    record = {"local_sgd": {"seed": seed, "replicas": replicas, "sync_every": sync_every, "batch_size": batch_size}}
    if chunks_per_round != 1:  # (checkpoints of rounds of one chunk stay as they were)
        record["local_sgd"]["chunks_per_round"] = chunks_per_round
    if scale_learning_rate and replicas > 1:  # (and those of replicas at the epoch's rate)
        record["local_sgd"]["learning_rate_factor"] = replicas
    if dealt:  # (and those of chunks fixed to their replicas)
        record["local_sgd"]["chunks_to_replicas"] = chunks_to_replicas
    try:
        return train_in_rounds(network, epoch_rounds, validation=validation, round_stops=True, record=record,
                               **options)
    finally:
        ahead.cancel()
        finished.release()
        for held in copies.values():  # the workers forget the copies
            held.future.release()


#: train_in_rounds's default number of epochs.
EPOCHS = 20


def _rate_guess(options: dict) -> Any:
    """``guess(epoch)``: the learning rate the schedule of ``options`` gives ``epoch`` (as
    :func:`~climann.model.sum_training.train_in_rounds` computes it), or None for a schedule
    that depends on the losses."""
    schedule = get_schedule(options.get("schedule"))
    if isinstance(schedule, ReduceOnPlateau):
        return lambda epoch: None
    initial = get_optimizer(options.get("optimizer", "adam"), learning_rate=options.get("learning_rate")).learning_rate
    epochs = options.get("epochs", EPOCHS)
    return lambda epoch: float(schedule.learning_rate(epoch, initial=initial, epochs=epochs, losses=[]))
