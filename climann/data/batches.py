"""Shuffled mini-batches for the training loop, streamed from disk.

A :class:`BatchStream` reads a :class:`~climann.data.pointwise.PointwiseSource` one block of
time steps (a "chunk") at a time, so its memory does not grow with the dataset. Each epoch:

1. the chunks are visited in a seeded random order;
2. a background thread reads the next chunk (one dask computation) and standardises it
   while the current one is being trained on;
3. a shuffle buffer of ``buffer_blocks`` chunks mixes samples of different chunks: after each
   chunk arrives, about one chunk's worth of samples is drawn at random from the buffer and
   handed out as mini-batches ``(X, y, w)``.

A stream is re-iterable: each ``iter()`` is one epoch. Data that fit in memory (by
:func:`estimated_bytes`, against ``[data] in_memory_limit_gb``) are read at once and trained
on as arrays instead (:mod:`climann.workflow.preparation`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

import numpy as np

from climann.data.layout import sample_weights
from climann.data.pointwise import PointwiseSamples, PointwiseSource, no_complete_sample_text
from climann.data.scaling import RunningMoments, Standardizer
from climann.errors import ClimannError

_log = logging.getLogger(__name__)

__all__ = [
    "Batch",
    "BatchStream",
    "STREAM_BLOCK_BYTES",
    "blocks_in_split",
    "even_blocks",
    "estimated_bytes",
    "fit_standardizers",
    "standardised_table",
]

#: ``max_bytes`` to cut a source's time blocks with for streaming. Measured on 1° monthly
#: data with 7 features, buffer_blocks=4: peak RSS 0.63 GB with 16 MiB blocks, 1.1 GB with
#: 64 MiB, 2.8 GB with the 256 MiB default of ``time_blocks``, at the same throughput.
STREAM_BLOCK_BYTES = 64 * 2**20

#: Rows standardised per NumPy call: keeps the float64 temporaries of
#: :meth:`Standardizer.transform` small (and in cache) whatever the chunk size.
_ROWS_PER_TRANSFORM = 2**16


class Batch(NamedTuple):
    """One mini-batch.

    Attributes
    ----------
    inputs : ndarray, shape (m, n_features)
        Standardised features ``X``.
    target : ndarray, shape (m, 1)
        Standardised target ``y``.
    weight : ndarray, shape (m,), or None
        Relative cell area of each sample (mean 1 over the grid), or None when not area
        weighted.

    The three are views of one table of samples (rows of X, y, w side by side), so X is
    not C-contiguous: NumPy's matmul and reductions take it as it is.
    """

    inputs: np.ndarray
    target: np.ndarray
    weight: np.ndarray | None


# --- which blocks, how big ----------------------------------------------------------------------
def blocks_in_split(blocks: Sequence[tuple[int, int]], time_mask: np.ndarray) -> list[tuple[int, int]]:
    """Cut (start, stop) ranges of time steps to the steps where ``time_mask`` is True.

    Parameters
    ----------
    blocks : sequence of (start, stop)
        E.g. ``source.time_blocks()``.
    time_mask : ndarray of bool, shape (n_time,)
        E.g. ``split.time_masks["train"]``.

    Returns
    -------
    list of (start, stop)
        The contiguous runs of selected steps inside each block, in time order.

    Examples
    --------
    >>> blocks_in_split([(0, 4), (4, 8)], np.array([0, 1, 1, 1, 1, 0, 1, 1], bool))
    [(1, 4), (4, 5), (6, 8)]
    """
    time_mask = np.asarray(time_mask, dtype=bool)
    edges = np.diff(np.concatenate([[0], time_mask.astype(np.int8), [0]]))
    runs = list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)))
    cut = [(max(first, start), min(last, stop)) for start, stop in blocks for first, last in runs]
    return [(int(start), int(stop)) for start, stop in cut if start < stop]


def even_blocks(blocks: Sequence[tuple[int, int]], *, multiple_of: int = 1) -> list[tuple[int, int]]:
    """The same time steps in blocks of lengths as equal as can be, their number a multiple
    of ``multiple_of``.

    The number of blocks is raised to the next multiple of ``multiple_of`` (at most one block
    per time step), each new block going to the run of consecutive blocks (one's stop is the
    next one's start) whose blocks are then the longest. Within each run of ``L`` steps in
    ``n`` blocks, the blocks hold ``⌈L/n⌉`` or ``⌊L/n⌋`` steps, the longer ones first. No
    block is longer than the longest given, so a bound on a block's memory still holds.

    A split rarely starts and ends on the edges of fixed-length chunks: its first or last
    block is then short (the sample's training years: 11 blocks of 15 months and one of 3).
    Local SGD gives each of its K replicas every K-th block, so blocks of equal length, as
    many for each replica, give the replicas equal work (2 replicas on the sample: 6 blocks of
    14 months each instead of 90 months against 78; on OSTIA's 54 months, 10 training blocks
    instead of 9: 5 for each replica instead of 5 and 4).

    Parameters
    ----------
    blocks : sequence of (start, stop)
        In time order, e.g. from :func:`blocks_in_split`.
    multiple_of : int, default 1
        E.g. the number of replicas of local SGD.

    Returns
    -------
    list of (start, stop)

    Examples
    --------
    >>> even_blocks([(0, 15), (15, 30), (30, 33), (40, 45)])
    [(0, 11), (11, 22), (22, 33), (40, 45)]
    >>> even_blocks([(0, 15), (15, 30), (30, 33)], multiple_of=2)
    [(0, 9), (9, 17), (17, 25), (25, 33)]
    """
    runs: list[list[int]] = []  # [start, stop, number of blocks]
    for start, stop in blocks:
        if runs and runs[-1][1] == start:
            runs[-1][1], runs[-1][2] = stop, runs[-1][2] + 1
        else:
            runs.append([start, stop, 1])
    wanted = -(-len(blocks) // max(1, multiple_of)) * max(1, multiple_of)
    for _ in range(wanted - len(blocks)):
        open_runs = [run for run in runs if run[2] < run[1] - run[0]]
        if not open_runs:
            break
        longest = max(open_runs, key=lambda run: -(-(run[1] - run[0]) // run[2]))
        longest[2] += 1
    result: list[tuple[int, int]] = []
    for start, stop, n_blocks in runs:
        length, longer = divmod(stop - start, n_blocks)
        for position in range(n_blocks):
            end = start + length + (position < longer)
            result.append((start, end))
            start = end
    return result


def _max_samples(source: PointwiseSource, blocks: Sequence[tuple[int, int]]) -> int:
    """Samples if nothing were missing: time steps × grid cells."""
    return sum(stop - start for start, stop in blocks) * source.layout.n_cells


def estimated_bytes(source: PointwiseSource, blocks: Sequence[tuple[int, int]] | None = None) -> int:
    """Memory of the standardised samples of ``blocks`` (all time steps by default).

    Counts every grid point of every time step (an upper bound: missing values are dropped
    later) × (n_features inputs + 1 target + 1 weight) × 4 bytes (float32; 8 when a variable is
    held in float64, :attr:`~climann.data.pointwise.PointwiseSource.itemsize`). Reads nothing.

    Returns
    -------
    int
    """
    blocks = [(0, source.n_time)] if blocks is None else blocks
    return _max_samples(source, blocks) * (len(source.feature_names) + 2) * source.itemsize


def _check_blocks(source: PointwiseSource, blocks: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    blocks = [(int(start), int(stop)) for start, stop in blocks]
    bad = [(start, stop) for start, stop in blocks if not 0 <= start < stop <= source.n_time]
    if not blocks or bad:
        raise ClimannError(
            f"time blocks must be non-empty (start, stop) ranges within 0…{source.n_time}; "
            f"got {bad or 'none'}"
        )
    return blocks


# --- reading and preparing chunks ----------------------------------------------------------------
# A chunk of prepared samples is one "table", shape (n, n_features + 1 [+ 1]): the standardised
# inputs, the standardised target and, when area weighted, the weight. Shuffling moves each
# sample as one row (one random memory access instead of three); batches are views of it.
def _standardise_into(out: np.ndarray, scaler: Standardizer, values: np.ndarray) -> None:
    """``out[:] = scaler.transform(values)``, a slice of rows at a time."""
    for first in range(0, values.shape[0], _ROWS_PER_TRANSFORM):
        rows = slice(first, first + _ROWS_PER_TRANSFORM)
        out[rows] = scaler.transform(values[rows], out.dtype)


def standardised_table(
    samples: PointwiseSamples,
    input_scaler: Standardizer,
    target_scaler: Standardizer,
    *,
    dtype: np.dtype,
    cell_weights: np.ndarray | None = None,
    first_step: int = 0,
) -> np.ndarray:
    """Samples as one table, shape (n, n_features + 1 [+ 1]): the standardised inputs, the
    standardised target and, when ``cell_weights`` (:meth:`~climann.data.layout.GridLayout.cell_area_weights`:
    shape (n_lat, n_lon), or (n_steps, n_lat, n_lon) of the steps from ``first_step`` on when they
    change with time; :func:`~climann.data.layout.sample_weights`) is given, each sample's cell weight."""
    n_features = samples.inputs.shape[1]
    table = np.empty((samples.target.shape[0], n_features + 1 + (cell_weights is not None)), dtype)
    _standardise_into(table[:, :n_features], input_scaler, samples.inputs)
    _standardise_into(table[:, n_features : n_features + 1], target_scaler, samples.target)
    if cell_weights is not None:
        table[:, -1] = sample_weights(cell_weights.astype(dtype, copy=False), samples.flat_index, first_step=first_step)
    return table


def _chunk_reader(
    source: PointwiseSource,
    input_scaler: Standardizer,
    target_scaler: Standardizer,
    *,
    dtype: np.dtype,
    area_weighted: bool,
) -> Callable[[int, int], np.ndarray]:
    """A function reading time steps [start, stop) as one standardised table, with those steps'
    cell weights alone (of a fraction that changes with time, only those steps are read)."""

    def read(start: int, stop: int) -> np.ndarray:
        cell_weights = source.layout.cell_area_weights(steps=slice(start, stop)) if area_weighted else None
        return standardised_table(source.read(start, stop), input_scaler, target_scaler, dtype=dtype,
                                  cell_weights=cell_weights, first_step=start)

    return read


def _as_batch(table: np.ndarray, n_features: int, weighted: bool) -> Batch:
    """Views of a table's columns: (X, y, w)."""
    weight = table[:, n_features + 1] if weighted else None
    return Batch(table[:, :n_features], table[:, n_features : n_features + 1], weight)


def _batches_of(table: np.ndarray, batch_size: int, n_features: int, weighted: bool) -> Iterator[Batch]:
    """Consecutive batches of ``batch_size`` rows (the last may be shorter), as views."""
    for first in range(0, table.shape[0], batch_size):
        yield _as_batch(table[first : first + batch_size], n_features, weighted)


def _prefetched(read: Callable[[int, int], object], blocks: Sequence[tuple[int, int]]) -> Iterator:
    """``read(*block)`` for each block in order; the next block is read in a background thread
    while the caller works on the current one (at most one read ahead)."""
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="climann-read")
    try:
        pending = executor.submit(read, *blocks[0])
        for following in blocks[1:]:
            ready = pending.result()
            pending = executor.submit(read, *following)
            yield ready
            del ready  # the buffer holds what it needs; do not keep a chunk alive here
        yield pending.result()
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def require_training_samples(n_samples: int, source: PointwiseSource, blocks: Sequence[tuple[int, int]]) -> None:
    """Refuse a training block without a complete sample before its scaling is fitted,
    saying why (:func:`~climann.data.pointwise.no_complete_sample_text`).

    Parameters
    ----------
    n_samples : int
        Complete samples counted in ``blocks``.
    source : PointwiseSource
    blocks : sequence of (start, stop)
        The training block's time steps.

    Raises
    ------
    ClimannError
        If ``n_samples`` is 0.
    """
    if n_samples:
        return
    steps = np.zeros(source.n_time, dtype=bool)
    for start, stop in blocks:
        steps[start:stop] = True
    target = source.layout.target_name
    raise ClimannError(no_complete_sample_text(
        f"the training block has no sample with '{target}' and every feature present", target,
        *source.missing_where_target_present(steps), levels=source.layout.scalar_coordinates))


def fit_standardizers(
    source: PointwiseSource, blocks: Sequence[tuple[int, int]]
) -> tuple[Standardizer, Standardizer]:
    """Fit the input and target :class:`Standardizer` streaming over ``blocks`` (read once).

    Parameters
    ----------
    source : PointwiseSource
    blocks : sequence of (start, stop)
        The training split's time blocks only (see :func:`blocks_in_split`).

    Returns
    -------
    input_scaler, target_scaler : Standardizer

    Raises
    ------
    ClimannError
        If the blocks hold no sample, or a feature or the target does not vary.
    """
    blocks = _check_blocks(source, blocks)
    inputs, target = RunningMoments(len(source.feature_names)), RunningMoments(1)
    for done, samples in enumerate(_prefetched(source.read, blocks), start=1):
        inputs.update(samples.inputs)
        target.update(samples.target)
        progress = ("fitting the scaling", done, len(blocks))
        _log.debug("scaled block %d/%d", done, len(blocks), extra={"progress": progress})
    require_training_samples(int(target.count), source, blocks)
    return inputs.standardizer(source.feature_names), target.standardizer((source.layout.target_name,), role="target")


# --- the shuffle buffer -----------------------------------------------------------------------
class _ShuffleBuffer:
    """Samples waiting to be handed out; each draw picks uniformly among all of them.

    The buffer keeps ``keep`` samples (``buffer_blocks − 1`` chunks): when a chunk arrives, the
    samples beyond ``keep`` (whole batches) are drawn at random and the holes they leave are
    filled from the end, so that the stored samples stay contiguous without a full copy.
    """

    def __init__(self, *, keep: int, capacity: int, width: int, dtype: np.dtype, rng: np.random.Generator) -> None:
        self.keep, self.rng, self.count = keep, rng, 0
        self.store = np.empty((capacity, width), dtype)

    def add(self, chunk: np.ndarray, *, batch_size: int) -> np.ndarray | None:
        """Store the rows of ``chunk``; return the rows drawn (whole batches), or None."""
        self.store[self.count : self.count + chunk.shape[0]] = chunk
        self.count += chunk.shape[0]
        n_draw = max(0, self.count - self.keep) // batch_size * batch_size
        if n_draw == 0:
            return None
        drawn = self.rng.choice(self.count, n_draw, replace=False)  # in random order
        out = np.take(self.store[: self.count], drawn, axis=0)
        self._close_holes(drawn)
        return out

    def drain(self) -> np.ndarray:
        """Every stored row, in random order; the buffer is then empty."""
        out = np.take(self.store[: self.count], self.rng.permutation(self.count), axis=0)
        self.count = 0
        return out

    def _close_holes(self, drawn: np.ndarray) -> None:
        """Move the rows kept beyond the new end into the holes left before it."""
        remaining = self.count - drawn.size
        is_drawn = np.zeros(self.count, dtype=bool)
        is_drawn[drawn] = True
        holes = np.flatnonzero(is_drawn[:remaining])
        movers = remaining + np.flatnonzero(~is_drawn[remaining:])
        self.store[holes] = self.store[movers]
        self.count = remaining


# --- the two kinds of batches -------------------------------------------------------------------
def _check_batching(batch_size: object, buffer_blocks: object, dtype: object) -> np.dtype:
    for label, value in (("batch_size", batch_size), ("buffer_blocks", buffer_blocks)):
        if not isinstance(value, int | np.integer) or isinstance(value, bool) or value < 1:
            raise ClimannError(f"{label} must be an integer >= 1; got {value!r}")
    if np.dtype(dtype) not in (np.float32, np.float64):
        raise ClimannError(f"dtype must be float32 or float64; got {dtype!r}")
    return np.dtype(dtype)


def _check_scalers(source: PointwiseSource, input_scaler: Standardizer, target_scaler: Standardizer) -> None:
    if tuple(input_scaler.names) != source.feature_names or len(target_scaler.names) != 1:
        raise ClimannError(
            f"the scalers were fit on features {list(input_scaler.names)} and target "
            f"{list(target_scaler.names)}; the source has {list(source.feature_names)} and 1 target"
        )


class BatchStream:
    """Shuffled mini-batches streamed from disk; each ``iter()`` is one epoch.

    Memory does not depend on the number of blocks: the shuffle buffer (``buffer_blocks``
    chunks of prepared samples, ``(n_features + 2) × 4`` bytes each in float32), the chunk
    just read and the batches drawn from it, and the reading of the next block (a few times
    the ``max_bytes`` it was cut with). Measured: 1.1–1.2 GB peak RSS for 1 GB and 8.7 GB
    files with :data:`STREAM_BLOCK_BYTES` blocks (``benchmarks/bench_data.py``).

    Parameters
    ----------
    source : PointwiseSource
    blocks : sequence of (start, stop)
        Time blocks to use, e.g. the training split's:
        ``blocks_in_split(source.time_blocks(max_bytes=STREAM_BLOCK_BYTES), split.time_masks["train"])``.
        Their size is the chunk size: the unit of reading, of memory and of shuffling.
    input_scaler, target_scaler : Standardizer
        Fit on the training split (see :func:`fit_standardizers`).
    batch_size : int
    rng : numpy.random.Generator or int
        Source of the shuffling: epoch k of two streams with the same seed gives the same
        batches, however the reading thread is scheduled.
    buffer_blocks : int, default 4
        Chunks mixed by the shuffle buffer; 1 shuffles within each chunk only.
    dtype : {"float32", "float64"}, default "float32"
    area_weighted : bool, default False
        Give each sample the relative area of its cell (``layout.cell_area_weights()``) as
        ``Batch.weight``.

    Examples
    --------
    >>> stream = BatchStream(source, blocks, input_scaler=xs, target_scaler=ys,
    ...                      batch_size=256, rng=0)  # doctest: +SKIP
    >>> for X, y, w in stream:  # one epoch  # doctest: +SKIP
    ...     loss, gradients = network.loss_and_gradients(X, y, sample_weight=w)
    """

    def __init__(
        self,
        source: PointwiseSource,
        blocks: Sequence[tuple[int, int]],
        *,
        input_scaler: Standardizer,
        target_scaler: Standardizer,
        batch_size: int,
        rng: np.random.Generator | int,
        buffer_blocks: int = 4,
        dtype: str = "float32",
        area_weighted: bool = False,
    ) -> None:
        self.dtype = _check_batching(batch_size, buffer_blocks, dtype)
        _check_scalers(source, input_scaler, target_scaler)
        self.source, self.blocks = source, _check_blocks(source, blocks)
        self.batch_size, self.buffer_blocks, self.area_weighted = int(batch_size), int(buffer_blocks), area_weighted
        self._read = _chunk_reader(source, input_scaler, target_scaler, dtype=self.dtype, area_weighted=area_weighted)
        self._rng = np.random.default_rng(rng)
        self._counted: int | None = None

    @property
    def max_samples(self) -> int:
        """Samples per epoch if no value were missing (time steps × cells); reads nothing."""
        return _max_samples(self.source, self.blocks)

    def count_samples(self) -> int:
        """Samples per epoch: known after a full epoch, otherwise counted by reading the blocks
        once (as costly as an epoch's reading)."""
        if self._counted is None:
            self._counted = sum(chunk.target.shape[0] for chunk in _prefetched(self.source.read, self.blocks))
        return self._counted

    def skip_epochs(self, n_epochs: int) -> None:
        """Leave out the next ``n_epochs`` epochs without reading anything: on a new stream,
        the next ``iter()`` gives the batches of epoch ``n_epochs + 1`` (to continue an
        interrupted training run where its checkpoint was taken).

        Raises
        ------
        ClimannError
            If ``n_epochs`` is not an integer >= 0.
        """
        if not isinstance(n_epochs, int | np.integer) or isinstance(n_epochs, bool) or n_epochs < 0:
            raise ClimannError(f"n_epochs must be an integer >= 0; got {n_epochs!r}")
        self._rng.spawn(int(n_epochs))  # the child generators of the skipped epochs

    def __iter__(self) -> Iterator[Batch]:
        # Each epoch gets its own child generator: its batches do not depend on how much of
        # the previous epoch was consumed.
        rng = self._rng.spawn(1)[0]
        order = [self.blocks[i] for i in rng.permutation(len(self.blocks))]
        largest = max(stop - start for start, stop in self.blocks) * self.source.layout.n_cells
        keep = (self.buffer_blocks - 1) * largest
        n_features = len(self.source.feature_names)
        buffer = _ShuffleBuffer(keep=keep, capacity=keep + largest + self.batch_size,
                                width=n_features + 1 + self.area_weighted, dtype=self.dtype, rng=rng)
        n_samples = 0
        for chunk in _prefetched(self._read, order):
            n_samples += chunk.shape[0]
            drawn = buffer.add(chunk, batch_size=self.batch_size)
            del chunk
            if drawn is not None:
                yield from _batches_of(drawn, self.batch_size, n_features, self.area_weighted)
                del drawn
        yield from _batches_of(buffer.drain(), self.batch_size, n_features, self.area_weighted)
        self._counted = n_samples
