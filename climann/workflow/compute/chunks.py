"""Samples kept on the workers as chunks: read there from the files, standardised, persisted.

A *chunk* is a block of consecutive time steps. Each worker reads the chunks it is given
from the NetCDF files itself (the client sends only the small description of the data, a
:class:`~climann.data.pointwise.PointwiseSource`, never the data), builds the samples,
standardises them and keeps the result in its memory (spilled to its local disk beyond
its memory limit): a table of shape (n_k, n_features + 1 [+ 1]) per chunk, the columns
``X | y [| w]`` (standardised features, standardised target, cell-area weight). The
client holds only futures (references) and the number of rows of each chunk.

The chunks are the same whatever the number of workers: at most ``[compute] chunk_mb`` of
data each, and at least :data:`MIN_CHUNKS` over the time axis when it has that many steps.
A lost worker's chunks are read again by dask from the files (their lineage), except those
of :func:`scatter_arrays`, which came from the client.

Data larger than the memory at hand are not persisted: :func:`read_on_demand` gives the same
chunks as futures that are read when a task asks for them (a streamed run, trained by
:mod:`climann.workflow.compute.executor` in this process): the same tables, one chunk in
memory at a time, each read again whenever it is used.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import dask
import numpy as np

from climann.data.batches import require_training_samples, standardised_table
from climann.data.pointwise import PointwiseSamples, PointwiseSource
from climann.data.scaling import RunningMoments, Standardizer
from climann.errors import ClimannError

if TYPE_CHECKING:
    import dask.array as da
    from distributed import Client, Future

__all__ = ["MIN_CHUNKS", "MIN_EVALUATION_CHUNKS", "READ_ONCE_SHARE", "ChunkCut", "ChunkedSamples",
           "ChunksReadOnDemand", "chunk_blocks", "chunk_cut", "chunk_rows", "evaluation_blocks", "fit_scalers",
           "interleaved_chunks", "longest_chunk", "persist_samples", "placement", "read_fit_and_persist",
           "read_on_demand", "read_samples", "reads_once", "scaling_and_rows", "scatter_arrays", "short_chunk_warning",
           "steps_per_year"]

#: Chunks over the whole time axis at least (when it has as many time steps), so that the
#: work spreads over the workers even for data smaller than one ``chunk_mb``.
MIN_CHUNKS = 16

#: Chunks of the evaluation (and of ``climann predict``) at least: enough for two workers
#: twice over, and not more than the data's size asks for, since each chunk costs the same
#: small amount besides its data (a write of every variable into ``predictions.nc`` under
#: the file's lock, ≈ 10 ms on a worker; the Python loops of its score sums over blocks,
#: seasons and regions). On the sample (1 Dec 2026, 2 workers) 144 writes became 36, and the
#: evaluating phase took 1.3–1.4 s instead of 3.0–3.3 s (with the workers' allocator fix,
#: :data:`climann.workflow.compute.cluster.LOCAL_WORKER_ALLOCATOR`). A constant, not the
#: number of workers, so that the metrics' last digits (sums added chunk by chunk) do not
#: depend on the cluster.
MIN_EVALUATION_CHUNKS = 4


def chunk_blocks(
    source: PointwiseSource, *, chunk_mb: float, min_chunks: int = MIN_CHUNKS
) -> list[tuple[int, int]]:
    """Consecutive (start, stop) blocks of time steps covering the source, all of one length.

    Each holds at most ``chunk_mb`` MiB while read (as :meth:`PointwiseSource.time_blocks`
    counts), and there are at least ``min_chunks`` (default :data:`MIN_CHUNKS`) of them if
    the time axis is that long. They do not depend on the number of workers.
    """
    by_size = source.time_blocks(max_bytes=int(chunk_mb * 2**20))
    steps = min(by_size[0][1] - by_size[0][0], longest_chunk(source.n_time, min_chunks))
    return [(start, min(start + steps, source.n_time)) for start in range(0, source.n_time, steps)]


def longest_chunk(n_time: int, min_chunks: int = MIN_CHUNKS) -> int:
    """The most time steps a chunk of :func:`chunk_blocks` holds, whatever ``chunk_mb``:
    ⌈n_time / min_chunks⌉."""
    return max(1, math.ceil(n_time / max(1, min_chunks)))


@dataclass(frozen=True)
class ChunkCut:
    """How :func:`chunk_blocks` cut a cluster run's time axis: what local SGD's warnings need
    to advise a ``[compute] chunk_mb`` that makes the chunks longer, or to say that none can
    (break36b B2: on a file smaller than :data:`MIN_CHUNKS` chunks of ``chunk_mb``, the
    chunks are already as long as they get).

    Attributes
    ----------
    steps : int
        Time steps of a chunk.
    most_steps : int
        The longest chunks any ``chunk_mb`` gives (:func:`longest_chunk`).
    step_bytes : int
        Bytes one time step takes while read (:attr:`PointwiseSource.step_bytes`).
    train_steps : int
        Time steps of the training chunks (their samples per time step: ``n_samples / train_steps``).
    """

    steps: int
    most_steps: int
    step_bytes: int
    train_steps: int

    def chunk_mb_for(self, steps: int) -> float | None:
        """The smallest ``[compute] chunk_mb`` (two significant digits, rounded up) whose
        chunks hold ``steps`` time steps; None when :attr:`most_steps` is fewer."""
        if steps > self.most_steps:
            return None
        exact = steps * self.step_bytes / 2**20
        unit = 10.0 ** (math.floor(math.log10(exact)) - 1)
        return math.ceil(exact / unit * (1 - 1e-12)) * unit

    def capped(self) -> str:
        """Why ``chunk_mb`` cannot lengthen the chunks."""
        return (f"[compute] chunk_mb cannot make them longer: a cluster run cuts the time axis into at least "
                f"{MIN_CHUNKS} chunks, here of {_time_steps(self.most_steps)}")


def chunk_cut(source: PointwiseSource, blocks: Sequence[tuple[int, int]],
              train_blocks: Sequence[tuple[int, int]]) -> ChunkCut:
    """The :class:`ChunkCut` of ``blocks`` (:func:`chunk_blocks` of ``source``, at least
    :data:`MIN_CHUNKS`) and their training chunks ``train_blocks``."""
    return ChunkCut(steps=blocks[0][1] - blocks[0][0], most_steps=longest_chunk(source.n_time),
                    step_bytes=source.step_bytes, train_steps=sum(stop - start for start, stop in train_blocks))


#: Days of a year in the CF calendars with years of one length (CF-1.8 §4.4.1); others: the
#: mean Gregorian year.
_YEAR_DAYS = {"360_day": 360.0, "noleap": 365.0, "365_day": 365.0, "all_leap": 366.0, "366_day": 366.0}


def steps_per_year(times: Sequence[Any], *, months: Sequence[int] = ()) -> float | None:
    """Time steps in a year of an axis: 12 / the months of a step, or the days of the
    calendar's year / the step's duration; times the share of the year's months kept
    (``months``, e.g. 6 / 12 for DJF and JJA) when steps are at most a month apart.

    Counted from the nominal step (:func:`climann.data.time_axis.time_step_positions`), not
    from the steps read: a time range starting in March, or steps read before it for lags,
    leave a year of monthly data 12 steps.

    Parameters
    ----------
    times : sequence of cftime.datetime, shape (n_time,)
    months : sequence of int
        The calendar months kept (1–12); empty: all.

    Returns
    -------
    float or None
        None for an axis without a nominal step (a single time, irregular steps).
    """
    from climann.data.time_axis import time_step_positions

    step, _ = time_step_positions(times)
    if step is None:
        return None
    if step.months:
        per_year = 12 / step.months
    else:
        per_year = _YEAR_DAYS.get(str(getattr(times[0], "calendar", "")), 365.2425) / (
            step.duration.total_seconds() / 86400)
    kept = len(set(months)) if months and step.months <= 1 else 12
    return per_year * kept / 12


def short_chunk_warning(
    source: PointwiseSource, blocks: Sequence[tuple[int, int]], *, months: Sequence[int] = (), held: bool,
    blocks_per_chunk: int = 1,
) -> str | None:
    """The warning for training chunks shorter than a year of the data's time steps (when the
    data hold more than one chunk), or None; the same for streamed and cluster runs.

    Training shuffles the samples within the chunks of a round: with chunks of a few months,
    the batches of a round are of one season, and the model learns worse (streamed: test MSE
    +45 % with 8-month chunks on 10 years of 1° monthly data; on a cluster each replica drifts
    towards its months between two averages). A cluster cuts the time axis into at least
    :data:`MIN_CHUNKS` chunks, so a file of fewer years has chunks shorter than a year
    whatever ``[compute] chunk_mb``: the advice is then to train in one process.

    Parameters
    ----------
    source : PointwiseSource
    blocks : sequence of (start, stop)
        The chunks (:func:`chunk_blocks`).
    months : sequence of int
        The calendar months the run keeps (empty: all): a year holds fewer steps.
    held : bool
        True for a cluster's chunks (held by its workers), False for a streamed run's.
    blocks_per_chunk : int
        Blocks per chunk (:func:`interleaved_chunks`): a chunk's time steps are theirs together.
    """
    if len(blocks) < 2:
        return None
    per_year = steps_per_year(source.layout.time.values, months=months)
    steps = (blocks[0][1] - blocks[0][0]) * max(1, min(blocks_per_chunk, len(blocks)))
    if per_year is None or steps >= per_year - 1e-9:
        return None
    year = f"{per_year:g}" if per_year == round(per_year, 2) else f"≈ {per_year:.0f}"
    what = (f"{'cluster' if held else 'streamed'} chunks of {_time_steps(steps)}, less than a year "
            f"({year} step{'' if year in ('1', '≈ 1') else 's'}): "
            "training shuffles the samples within the chunks of a round, so short chunks train a worse model")
    if not held:
        return (f"{what}; raise [data] in_memory_limit_gb (a chunk takes a quarter of it) or [compute] chunk_mb "
                "if the memory allows")
    if math.ceil(source.n_time / MIN_CHUNKS) < per_year:  # no chunk_mb gives a year (chunk_blocks)
        return (f"{what}; a cluster cuts the {_time_steps(source.n_time)} into at least {MIN_CHUNKS} chunks, so data "
                f"of fewer than {MIN_CHUNKS} years train better in one process (no --workers)")
    return f"{what}; raise [compute] chunk_mb if the workers' memory allows, or train in one process (no --workers)"


def _time_steps(count: int) -> str:
    """``"1 time step"``, ``"6 time steps"``."""
    return f"{count} time step{'' if count == 1 else 's'}"


#: HDF5 chunk cache of each variable of the NetCDF4 files a worker opens. netCDF-C's default
#: (64 MiB per variable) fills up as a worker reads a file block after block: 250 MB for the
#: sample file's four time-varying variables, memory that dask cannot spill (a worker with a
#: 0.5 GiB limit then pauses for good). 8 MiB holds a 1° file chunk; reading is as fast.
WORKER_CHUNK_CACHE = 8 * 2**20


@functools.cache
def _limit_chunk_cache() -> None:
    import netCDF4

    netCDF4.set_chunk_cache(WORKER_CHUNK_CACHE)


def evaluation_blocks(source: PointwiseSource, *, chunk_mb: float) -> list[tuple[int, int]]:
    """The chunks that evaluation and prediction go through: :func:`chunk_blocks` with at
    least :data:`MIN_EVALUATION_CHUNKS` (training wants :data:`MIN_CHUNKS` for its rounds;
    evaluation only needs the work spread). On a cluster, in a streamed run's threads and in
    ``climann predict`` / ``climann evaluate`` alike, so that a run's metrics come out the same
    whichever evaluates them.

    Returns
    -------
    list of (start, stop)
        Consecutive time blocks of one length (the last may be shorter) covering the source,
        each at most ``chunk_mb`` MiB while read.
    """
    return chunk_blocks(source, chunk_mb=chunk_mb, min_chunks=MIN_EVALUATION_CHUNKS)


def read_samples(source: PointwiseSource, start: int, stop: int) -> PointwiseSamples:
    """``source.read(start, stop)`` computed by the calling thread itself (inside a dask task:
    the worker reads the files, it does not hand the reading back to the cluster), with the
    NetCDF chunk cache of the files it opens limited to :data:`WORKER_CHUNK_CACHE`."""
    _limit_chunk_cache()
    return source.read(start, stop, scheduler="synchronous")


def read_target(source: PointwiseSource, start: int, stop: int) -> np.ndarray:
    """:meth:`~climann.data.pointwise.PointwiseSource.read_target` as :func:`read_samples` reads:
    by the calling thread, with the worker's chunk cache."""
    _limit_chunk_cache()
    return source.read_target(start, stop, scheduler="synchronous")


@dataclass
class ChunkedSamples:
    """Standardised samples held by the workers, one table per chunk.

    Attributes
    ----------
    client : distributed.Client
    futures : list of distributed.Future, or ChunksReadOnDemand
        The chunks' tables, in time order; shape (rows[k], n_features + 1 [+ 1]). Persisted
        (:func:`persist_samples`), or read when used (:func:`read_on_demand`).
    rows : list of int
        Samples in each chunk.
    n_features : int
    weighted : bool
        Whether the tables have the weight column.
    dtype : numpy.dtype
    """

    client: Client
    futures: Sequence[Future]
    rows: list[int]
    n_features: int
    weighted: bool
    dtype: np.dtype

    @property
    def n_samples(self) -> int:
        """Samples in all chunks."""
        return sum(self.rows)

    def as_array(self) -> da.Array:
        """The tables as one dask array, shape (n_samples, n_features + 1 [+ 1]), one block per
        chunk, backed by the persisted chunks. Compute it on the cluster
        (``client.compute(array)``); its result gathers every chunk: for inspection."""
        import dask.array as da

        width = self.n_features + 1 + self.weighted
        blocks = [
            da.from_delayed(dask.delayed(future), shape=(rows, width), dtype=self.dtype)
            for future, rows in zip(self.futures, self.rows, strict=True)
        ]
        return da.concatenate(blocks, axis=0)

    def release(self) -> None:
        """Let the workers forget the chunks."""
        if isinstance(self.futures, ChunksReadOnDemand):
            self.futures.forget()
        else:
            for future in self.futures:
                future.release()
        self.futures = []


def _moments_of(samples: PointwiseSamples) -> tuple[RunningMoments, RunningMoments]:
    inputs, target = RunningMoments(samples.inputs.shape[1]), RunningMoments(1)
    inputs.update(samples.inputs)
    target.update(samples.target)
    return inputs, target


def _standardised(
    samples: PointwiseSamples, input_scaler: Standardizer, target_scaler: Standardizer, dtype: np.dtype,
    area_weighted: bool, start: int, stop: int,
) -> np.ndarray:
    """The table of the samples of time steps [start, stop), with those steps' cell weights when
    ``area_weighted``: computed here, on the worker, from the chunk's steps alone (a fraction that
    changes with time, ``siconc``, is read for them only, never sent whole with every task)."""
    cell_weights = samples.layout.cell_area_weights(steps=slice(start, stop)) if area_weighted else None
    return standardised_table(samples, input_scaler, target_scaler, dtype=dtype, cell_weights=cell_weights,
                              first_step=start)


def _moments(source: PointwiseSource, start: int, stop: int) -> tuple[RunningMoments, RunningMoments]:
    return _moments_of(read_samples(source, start, stop))


def fit_scalers(
    client: Client, source: PointwiseSource, blocks: Sequence[tuple[int, int]]
) -> tuple[Standardizer, Standardizer]:
    """The input and target standardisation fitted on ``blocks`` (the training block's chunks).

    Each worker computes the count, mean and sum of squared deviations of its chunks
    (:class:`~climann.data.scaling.RunningMoments`); the client merges them in chunk order.

    Raises
    ------
    ClimannError
        If the blocks hold no sample, or a feature or the target does not vary.
    """
    input_scaler, target_scaler, _ = scaling_and_rows(client, source, blocks)
    return input_scaler, target_scaler


def scaling_and_rows(
    client: Client, source: PointwiseSource, blocks: Sequence[tuple[int, int]]
) -> tuple[Standardizer, Standardizer, list[int]]:
    """:func:`fit_scalers`, and the samples in each block (counted in the same pass).

    Returns
    -------
    input_scaler, target_scaler : Standardizer
    rows : list of int
        Samples of each block, in the order of ``blocks``.

    Raises
    ------
    ClimannError
        As :func:`fit_scalers`.
    """
    from climann.workflow.compute.cluster import shared_per_worker

    workers = sorted(client.scheduler_info()["workers"])
    shared = shared_per_worker(client, source, workers)
    # spread over the workers (else dask queues them all where the source is, and the other
    # workers take them over one by one)
    parts = client.gather([client.submit(_moments, shared[index % len(shared)], start, stop, pure=False,
                                         **placement(workers, index))
                           for index, (start, stop) in enumerate(blocks)])
    inputs, target = RunningMoments(len(source.feature_names)), RunningMoments(1)
    for chunk_inputs, chunk_target in parts:
        inputs.merge(chunk_inputs)
        target.merge(chunk_target)
    rows = [int(chunk_target.count) for _, chunk_target in parts]
    require_training_samples(int(target.count), source, blocks)
    return (inputs.standardizer(source.feature_names),
            target.standardizer((source.layout.target_name,), role="target"), rows)


def _count(source: PointwiseSource, start: int, stop: int) -> int:
    return int(read_samples(source, start, stop).target.shape[0])


def chunk_rows(client: Client, source: PointwiseSource, blocks: Sequence[tuple[int, int]]) -> list[int]:
    """The samples in each block (read once, on the workers, and counted)."""
    shared = dask.delayed(source, traverse=False)
    return list(client.gather(client.compute([dask.delayed(_count)(shared, start, stop) for start, stop in blocks])))


def _table(
    source: PointwiseSource, start: int, stop: int, input_scaler: Standardizer, target_scaler: Standardizer,
    dtype: np.dtype, area_weighted: bool,
) -> np.ndarray:
    return _standardised(read_samples(source, start, stop), input_scaler, target_scaler, dtype, area_weighted,
                         start, stop)


def _joined_table(
    source: PointwiseSource, blocks: Sequence[tuple[int, int]], input_scaler: Standardizer,
    target_scaler: Standardizer, dtype: np.dtype, area_weighted: bool,
) -> np.ndarray:
    """The tables of ``blocks`` (read one after the other), one below the other."""
    return np.concatenate([_table(source, start, stop, input_scaler, target_scaler, dtype, area_weighted)
                           for start, stop in blocks])


def interleaved_chunks(blocks: Sequence[tuple[int, int]], *, blocks_per_chunk: int) -> list[list[tuple[int, int]]]:
    """The blocks of a training block grouped into chunks that each span the whole period:
    chunk ``j`` holds blocks ``j, j + n, j + 2n, …`` (``n = ⌈len(blocks) / blocks_per_chunk⌉``).

    One replica of local SGD takes its mini-batches from one chunk at a time
    (:mod:`~climann.workflow.compute.training`), so with chunks of consecutive time steps the
    steps that end each epoch, and the run, see only the years of one chunk, and the model
    leans towards them (its test bias then depended on the chunk trained last: rank correlation
    0.63 over 32 seeds, see ``benchmarks/bench_streamed_chunks.py``). Chunks of blocks taken
    from every part of the period give each chunk's batches the whole period's years.

    Parameters
    ----------
    blocks : sequence of (start, stop)
        In time order.
    blocks_per_chunk : int
        At most this many blocks per chunk (at least 1).

    Returns
    -------
    list of list of (start, stop)
        Each chunk's blocks in time order; every block in exactly one chunk.

    Examples
    --------
    >>> interleaved_chunks([(0, 2), (2, 4), (4, 6), (6, 8), (8, 10)], blocks_per_chunk=2)
    [[(0, 2), (6, 8)], [(2, 4), (8, 10)], [(4, 6)]]
    """
    n_chunks = -(-len(blocks) // max(1, blocks_per_chunk))
    return [list(blocks[first::n_chunks]) for first in range(n_chunks)]


def placement(workers: Sequence[str], index: int) -> dict:
    """``client.submit``'s keywords that put chunk ``index`` on worker ``index mod n`` of
    ``workers`` (sorted addresses): each worker holds (and computes on) an equal share. The
    restriction is loose: a lost worker's chunks are recomputed on the others. Without workers
    (e.g. an HPC cluster whose jobs are queued), none: dask places the chunks as workers come."""
    return {"workers": [workers[index % len(workers)]], "allow_other_workers": True} if workers else {}


def _rows(table: np.ndarray) -> int:
    return int(table.shape[0])


def persist_samples(
    client: Client,
    source: PointwiseSource,
    blocks: Sequence[tuple[int, int]],
    *,
    input_scaler: Standardizer,
    target_scaler: Standardizer,
    dtype: str | np.dtype = "float32",
    area_weighted: bool = False,
) -> ChunkedSamples:
    """Read, standardise and keep the samples of ``blocks`` on the workers.

    Parameters
    ----------
    client : distributed.Client
    source : PointwiseSource
        Sent to the workers (it describes the data; it holds none).
    blocks : sequence of (start, stop)
        The chunks, e.g. :func:`chunk_blocks` cut to the training block.
    input_scaler, target_scaler : Standardizer
    dtype : {"float32", "float64"}
    area_weighted : bool
        Add each sample's relative cell area as the last column.

    Returns
    -------
    ChunkedSamples
    """
    from climann.workflow.compute.cluster import shared_per_worker

    dtype = np.dtype(dtype)
    # chunk k on worker k mod n (see placement)
    workers = sorted(client.scheduler_info()["workers"])
    shared = shared_per_worker(client, source, workers)
    futures = [
        client.submit(_table, shared[index % len(shared)], start, stop, input_scaler, target_scaler, dtype,
                      area_weighted,
                      pure=False, **placement(workers, index))
        for index, (start, stop) in enumerate(blocks)
    ]
    rows = client.gather(client.map(_rows, futures, pure=False))
    return ChunkedSamples(client, futures, rows, len(source.feature_names), area_weighted, dtype)


#: :func:`read_fit_and_persist` keeps the samples it read on the workers until they are
#: standardised when the read samples and their tables take at most this share of the
#: workers' memory limits together (estimated from the time steps, as
#: :meth:`~climann.data.pointwise.PointwiseSource.time_blocks` counts); beyond it the samples
#: are read twice (:func:`scaling_and_rows`, then :func:`persist_samples`), and the workers
#: hold only the tables.
READ_ONCE_SHARE = 0.25


def reads_once(client: Client, source: PointwiseSource, blocks: Sequence[tuple[int, int]]) -> bool:
    """Whether :func:`read_fit_and_persist` may keep the samples of ``blocks`` on the workers
    between the scaling pass and the tables (:data:`READ_ONCE_SHARE` of their memory limits;
    a worker without a limit counts as large enough)."""
    workers = client.scheduler_info()["workers"].values()
    limits = [info.get("memory_limit") or 0 for info in workers]
    if not limits:
        return False
    if not all(limits):
        return True
    steps = sum(stop - start for start, stop in blocks)
    per_step = source.layout.n_cells * (4 * (2 * len(source.feature_names) + 3) + 8)  # samples + their table
    return steps * per_step <= READ_ONCE_SHARE * sum(limits)


def read_fit_and_persist(
    client: Client,
    source: PointwiseSource,
    blocks: dict[str, Sequence[tuple[int, int]]],
    *,
    fit_on: str = "train",
    dtype: str | np.dtype = "float32",
    area_weighted: bool = False,
) -> tuple[Standardizer, Standardizer, dict[str, ChunkedSamples]]:
    """:func:`scaling_and_rows` on the blocks ``blocks[fit_on]``, then :func:`persist_samples`
    of every set of blocks, each chunk read from the files once.

    Each worker reads its chunks (chunk k of each set on worker k mod n, as
    :func:`persist_samples` places them) and keeps the samples; the scaling is fitted from
    those of ``fit_on`` (moments merged in chunk order: the scalers of
    :func:`scaling_and_rows`), and each worker then standardises the samples it holds into
    the chunk's table and lets them go. The tables are those of :func:`persist_samples`, bit
    for bit; the files are read once instead of twice (and the other sets' reading overlaps
    the scaling pass). Memory: the samples and the tables of every chunk at once (see
    :func:`reads_once`).

    Parameters
    ----------
    client : distributed.Client
    source : PointwiseSource
    blocks : dict of str to sequence of (start, stop)
        The chunks of each set, e.g. ``{"train": …, "val": …}``.
    fit_on : str
        The set whose samples fit the scaling.
    dtype, area_weighted
        As for :func:`persist_samples`.

    Returns
    -------
    input_scaler, target_scaler : Standardizer
    persisted : dict of str to ChunkedSamples
        For each set of ``blocks``.

    Raises
    ------
    ClimannError
        As :func:`fit_scalers`.
    """
    from distributed import wait

    from climann.workflow.compute.cluster import shared_per_worker

    dtype = np.dtype(dtype)
    workers = sorted(client.scheduler_info()["workers"])
    shared = shared_per_worker(client, source, workers)
    read = {name: [client.submit(read_samples, shared[index % len(shared)], start, stop, pure=False,
                                 **placement(workers, index))
                   for index, (start, stop) in enumerate(chunks)] for name, chunks in blocks.items()}
    # one small task per chunk and one gathering for every set: the rows of its table (one per
    # sample) and, for the chunks the scaling is fitted on, their moments
    counted = client.gather({name: [client.submit(_rows_and_moments, samples, name == fit_on, pure=False)
                                    for samples in futures] for name, futures in read.items()})
    inputs, target = RunningMoments(len(source.feature_names)), RunningMoments(1)
    for _, (chunk_inputs, chunk_target) in counted[fit_on]:
        inputs.merge(chunk_inputs)
        target.merge(chunk_target)
    require_training_samples(int(target.count), source, blocks[fit_on])
    input_scaler = inputs.standardizer(source.feature_names)
    target_scaler = target.standardizer((source.layout.target_name,), role="target")
    tables = {name: [client.submit(_standardised, samples, input_scaler, target_scaler, dtype, area_weighted, start,
                                   stop, pure=False)
                     for samples, (start, stop) in zip(read[name], blocks[name])] for name in blocks}
    del read  # the workers let each chunk's samples go once its table is made
    made = [future for futures in tables.values() for future in futures]
    with client.as_current():  # the client of the futures, also when it is not dask's default
        wait(made)  # held when training starts
    for future in made:
        if future.status == "error":
            future.result()  # raises the worker's error here, as gathering the rows did
    return input_scaler, target_scaler, {
        name: ChunkedSamples(client, futures, [rows for rows, _ in counted[name]], len(source.feature_names),
                             area_weighted, dtype)
        for name, futures in tables.items()}


def _rows_and_moments(samples: PointwiseSamples, with_moments: bool,
                      ) -> tuple[int, tuple[RunningMoments, RunningMoments] | None]:
    """On a worker: the rows of the chunk's table (:func:`~climann.data.batches.standardised_table`:
    one per sample) and, ``with_moments``, the samples' moments (:func:`_moments_of`)."""
    return int(samples.target.shape[0]), _moments_of(samples) if with_moments else None


class _Reading:
    """The one chunk read last by some :class:`ChunksReadOnDemand` (its owner, index and future)."""

    def __init__(self) -> None:
        self.last: tuple[ChunksReadOnDemand, int, Future] | None = None


class ChunksReadOnDemand(Sequence):
    """The futures of :class:`ChunkedSamples` for chunks that are not kept: ``futures[k]``
    submits the reading of chunk k (a task computing its table, see :func:`persist_samples`)
    and returns its future; a task given that future reads the chunk first.

    One chunk at a time: the last future asked for is kept (asked for again, it is not read
    again); before the next chunk is read it is dropped, so that dask forgets its table as
    soon as the tasks using it are done, and its reading is waited for, so that readings do
    not run ahead of the tasks that use them. Sequences made with the same ``reading`` (a
    run's training and validation chunks) take turns in the same way. Memory holds the chunk
    in use (and the one before it while the worker lets it go), whatever the number of chunks;
    each is read again every time it is used (each epoch).
    """

    def __init__(self, client: Client, source: Future, blocks: Sequence[tuple[int, int]], arguments: tuple,
                 reading: _Reading | None = None) -> None:
        self.client, self.source, self.blocks, self.arguments = client, source, list(blocks), arguments
        self.reading = _Reading() if reading is None else reading

    def __len__(self) -> int:
        return len(self.blocks)

    def __getitem__(self, index: int) -> Future:  # type: ignore[override]
        if isinstance(index, slice):
            return [self[position] for position in range(*index.indices(len(self)))]  # type: ignore[return-value]
        index = range(len(self.blocks))[index]  # IndexError beyond the end, as a list
        last = self.reading.last
        if last is not None and last[0] is self and last[1] == index:
            return last[2]
        if last is not None:
            from distributed import wait

            self.reading.last = None
            with self.client.as_current():
                wait(last[2])  # read (and handed to the tasks already submitted) before the next is read
            del last
        block = self.blocks[index]
        if isinstance(block[0], tuple | list):  # interleaved blocks (see interleaved_chunks): one table
            future = self.client.submit(_joined_table, self.source, block, *self.arguments, pure=False)
        else:
            future = self.client.submit(_table, self.source, *block, *self.arguments, pure=False)
        self.reading.last = (self, index, future)
        return future

    def forget(self) -> None:
        """Drop the last future kept, if it is one of these (the workers then forget its table)."""
        if self.reading.last is not None and self.reading.last[0] is self:
            self.reading.last = None


def read_on_demand(
    client: Client,
    source: PointwiseSource,
    blocks: Sequence[tuple[int, int]],
    *,
    input_scaler: Standardizer,
    target_scaler: Standardizer,
    dtype: str | np.dtype = "float32",
    area_weighted: bool = False,
    rows: Sequence[int] | None = None,
    along: ChunkedSamples | None = None,
) -> ChunkedSamples:
    """The chunks of :func:`persist_samples` (the same tables), read when a task uses them
    and not kept (:class:`ChunksReadOnDemand`): for data larger than the memory at hand.

    Parameters
    ----------
    client, source, blocks, input_scaler, target_scaler, dtype, area_weighted
        As for :func:`persist_samples`.
    rows : sequence of int, optional
        The samples of each block, if known (e.g. from :func:`scaling_and_rows`); counted by
        reading the blocks once (:func:`chunk_rows`) otherwise.
    along : ChunkedSamples, optional
        Chunks read on demand (e.g. the training block's) that these take turns with: one
        chunk of either at a time.

    Returns
    -------
    ChunkedSamples
        Its ``futures`` a :class:`ChunksReadOnDemand`.
    """
    from climann.workflow.compute.cluster import shared_value

    dtype = np.dtype(dtype)
    rows = chunk_rows(client, source, blocks) if rows is None else [int(count) for count in rows]
    if len(rows) != len(blocks):
        raise ClimannError(f"rows must give one count per block: {len(rows)} for {len(blocks)} blocks")
    reading = along.futures.reading if along is not None and isinstance(along.futures, ChunksReadOnDemand) else None
    futures = ChunksReadOnDemand(client, shared_value(client, source), blocks,
                                 (input_scaler, target_scaler, dtype, area_weighted), reading)
    return ChunkedSamples(client, futures, rows, len(source.feature_names), area_weighted, dtype)  # type: ignore[arg-type]


def scatter_arrays(
    client: Client, X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None, *, n_chunks: int,
    dtype: str | np.dtype = "float32",
) -> ChunkedSamples:
    """Arrays in the client's memory, split into ``n_chunks`` tables sent to the workers.

    For data that are already in memory (notebooks, tests); data from files are read by the
    workers themselves instead (:func:`persist_samples`). Chunks sent from the client cannot
    be recomputed if their worker is lost.

    Parameters
    ----------
    X : ndarray, shape (m, n_in)
        Already scaled.
    y : ndarray, shape (m, n_out)
        Only one output is supported by the table layout: n_out must be 1.
    sample_weight : ndarray, shape (m,), optional
    n_chunks : int
    """
    if y.ndim != 2 or y.shape[1] != 1 or len(X) != len(y):
        raise ClimannError(f"need X (m, n_in) and y (m, 1); got shapes {np.shape(X)} and {np.shape(y)}")
    columns: list[Any] = [X, y] if sample_weight is None else [X, y, np.asarray(sample_weight)[:, None]]
    table = np.hstack(columns).astype(dtype)
    pieces = np.array_split(table, n_chunks)
    futures = client.scatter(pieces, hash=False)
    return ChunkedSamples(client, futures, [len(piece) for piece in pieces], X.shape[1], sample_weight is not None,
                          np.dtype(dtype))
