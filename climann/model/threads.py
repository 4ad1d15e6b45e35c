"""BLAS threads chosen from the matrix sizes, not inherited from the machine.

NumPy's BLAS (OpenBLAS in the wheels) starts one thread per core and uses them for every
matrix product above a tiny size. The network's products are small (a batch of 256 × 64 × 64
is about a million multiply-adds), and there the threads cost more than they bring: their
start and synchronisation take longer than the product, and on a machine where other
processes hold the cores a waiting BLAS thread stalls every step. The training loop and
:meth:`climann.model.Network.predict` therefore run inside :func:`limit_blas_threads`, which
gives BLAS the number of threads that :func:`blas_threads` finds worth it for the largest
product of the job, with threadpoolctl (https://github.com/joblib/threadpoolctl).

The rule (:func:`blas_threads`), for a product of ``m × k`` by ``k × n``:

- one thread per :data:`WORK_PER_THREAD` multiply-adds ``m·k·n`` of the largest product,
  at least one and at most the cores this process may use;
- one thread in any thread other than the main thread (a dask worker thread, a reader
  thread): its pool already spreads the work over the cores, and BLAS threads on top of
  it would oversubscribe them (pool threads × BLAS threads ≤ cores). OpenBLAS's usual
  build (pthreads) has one thread count for the whole process, which threadpoolctl lets
  one Python thread at a time set: the code that starts such a pool holds the count at
  one with :func:`one_blas_thread` (the chunked prediction writes do, around dask's
  threaded scheduler), so that every task computes with the same single thread;
- nothing is changed when the user chose: if ``OMP_NUM_THREADS``, ``OPENBLAS_NUM_THREADS``,
  ``MKL_NUM_THREADS``, ``BLIS_NUM_THREADS`` or ``VECLIB_MAXIMUM_THREADS`` was set when
  climann was imported, BLAS keeps the threads that setting gave it
  (:func:`user_blas_setting`). dask's worker processes (``--workers N``) start with
  ``OMP_NUM_THREADS=1`` and the like, so they train with one BLAS thread each. The same
  variables set later in a process are no choice: BLAS read them when NumPy loaded it, and
  a dask ``LocalCluster`` started in a process sets them there for its workers and leaves
  them (``distributed.nanny.pre-spawn-environ``), while this process's BLAS keeps its
  threads.

Source of :data:`WORK_PER_THREAD` (``python benchmarks/bench_model.py --threads`` prints the
table): training steps (forward, backward, Adam) of a network ``[8, h, h, 1]`` in float32,
samples/s with 2 OpenBLAS threads ÷ with 1 (best of 3, alternately), NumPy 2.4 with OpenBLAS
0.3.31 on the 2-core development machine (Haswell), 30 Nov 2026. "Idle": other processes used
≤ 0.03 cores meanwhile (0.28 in the last row); "1 core busy": other processes used 1.0 core;
"2 cores busy": the benchmark's two spinning processes (1.5–1.6 cores besides climann):

========  =====  ========  ====  ===========  ============
hidden h  batch  m·k·n     idle  1 core busy  2 cores busy
========  =====  ========  ====  ===========  ============
64        256    1.0·10⁶   0.76  0.01         0.03
64        4096   1.7·10⁷   0.88  0.03         0.03
128       1024   1.7·10⁷   0.88  0.04         0.06
256       1024   6.7·10⁷   1.26  0.16         0.17
256       4096   2.7·10⁸   1.35  0.16         0.21
512       1024   2.7·10⁸   1.47  0.30         0.34
512       4096   1.1·10⁹   1.66  0.34         0.51
1024      4096   4.3·10⁹   1.65  0.64         1.04
========  =====  ========  ====  ===========  ============

On the idle machine a second thread pays from about 7·10⁷ multiply-adds per product; as soon
as anything else runs it costs 3–100× below 10⁸ (an OpenBLAS thread that waits for a core
stalls every product) and still 1.5–3× at 10⁹. Only from a few 10⁹ does it gain idle (1.65×)
without losing much busy (0.64–1.04×). Laptops, shared workstations and login nodes are
rarely idle, so a second thread starts at 2·10⁹ multiply-adds (``WORK_PER_THREAD`` = 10⁹,
one thread per 10⁹). The way to use more cores is more processes, not BLAS threads:
``climann train --workers N`` (local SGD on a local dask cluster, one BLAS thread per
worker).
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
from collections.abc import Iterator, Sequence

__all__ = [
    "ENVIRONMENT_AT_IMPORT",
    "USER_VARIABLES",
    "WORK_PER_THREAD",
    "available_cores",
    "blas_threads",
    "largest_product",
    "limit_blas_threads",
    "one_blas_thread",
    "reader_threads",
    "user_blas_setting",
]

WORK_PER_THREAD = 1_000_000_000
"""Multiply-adds ``m·k·n`` of the largest matrix product per BLAS thread: two threads from
2·10⁹ (measured, see the module docstring)."""

USER_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
)
"""Environment variables by which a user (or dask's worker processes) sets BLAS threads."""


def available_cores() -> int:
    """The number of cores this process may run on (its CPU affinity where the system tells,
    else ``os.cpu_count()``; at least 1)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


ENVIRONMENT_AT_IMPORT = {name: os.environ.get(name, "").strip() for name in USER_VARIABLES}
"""The variables of :data:`USER_VARIABLES` as they were when climann was imported ('' when
unset). BLAS reads them once, when NumPy loads it; a dask ``LocalCluster`` started later in
this process sets ``OMP_NUM_THREADS=1`` and the like here for its workers and leaves them set
(a notebook's one-process training after it ran with OpenBLAS's two threads, 3× slower on a
busy machine)."""


def user_blas_setting() -> str | None:
    """``"NAME=value"`` of the first variable of :data:`USER_VARIABLES` that was set (non-empty)
    when climann was imported (:data:`ENVIRONMENT_AT_IMPORT`), or None: then climann chooses
    the BLAS threads."""
    for name in USER_VARIABLES:
        value = ENVIRONMENT_AT_IMPORT.get(name, "")
        if value:
            return f"{name}={value}"
    return None


def largest_product(layer_sizes: Sequence[int], batch_size: int) -> int:
    """Multiply-adds of the largest matrix product of one pass: ``max_l batch · n_l · n_{l+1}``.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``[n_in, n_hidden_1, …, n_out]``.
    batch_size : int
        Rows ``m`` of one batch; the forward pass multiplies ``(m, n_l) @ (n_l, n_{l+1})`` and
        backpropagation the same sizes transposed.

    Returns
    -------
    int
    """
    return max(batch_size * n_in * n_out for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]))


def blas_threads(layer_sizes: Sequence[int], batch_size: int, *, cores: int | None = None) -> int:
    """The BLAS threads worth it for a network of ``layer_sizes`` on batches of ``batch_size``.

    ``largest_product // WORK_PER_THREAD`` threads, at least 1 and at most ``cores``; 1 when
    called from a thread other than the main thread (see the module docstring).

    Parameters
    ----------
    layer_sizes : sequence of int
    batch_size : int
    cores : int, optional
        The cores to share; default :func:`available_cores`.

    Returns
    -------
    int

    Examples
    --------
    >>> blas_threads([8, 64, 64, 1], 256, cores=2)
    1
    >>> blas_threads([8, 1024, 1024, 1], 4096, cores=2)
    2
    """
    if threading.current_thread() is not threading.main_thread():
        return 1
    cores = available_cores() if cores is None else cores
    return max(1, min(cores, largest_product(layer_sizes, batch_size) // WORK_PER_THREAD))


def reader_threads(busy_threads: int, *, cores: int | None = None) -> int:
    """Threads for dask's threaded scheduler while ``busy_threads`` threads compute beside it
    (the streamed run reads its next chunk while the network trains): the cores left, at
    least 1.

    Parameters
    ----------
    busy_threads : int
        Threads busy meanwhile, e.g. the training thread's BLAS threads.
    cores : int, optional
        Default :func:`available_cores`.

    Returns
    -------
    int

    Examples
    --------
    >>> reader_threads(1, cores=2)
    1
    >>> reader_threads(1, cores=8)
    7
    """
    cores = available_cores() if cores is None else cores
    return max(1, cores - busy_threads)


@functools.cache
def _controller():  # noqa: ANN202 (threadpoolctl's controller, imported late)
    """One threadpoolctl controller of the libraries loaded now (finding them reads the
    process's loaded libraries: done once, at the first training or prediction)."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


@contextlib.contextmanager
def limit_blas_threads(layer_sizes: Sequence[int], batch_size: int) -> Iterator[int | None]:
    """Run the block with :func:`blas_threads` BLAS threads, then restore the previous count.

    Parameters
    ----------
    layer_sizes : sequence of int
    batch_size : int

    Yields
    ------
    int or None
        The threads set, or None when the user's environment sets them
        (:func:`user_blas_setting`): then nothing is changed.

    Notes
    -----
    OpenBLAS's thread count (pthreads build) is one setting for the whole process;
    threadpoolctl lets only one Python thread at a time change it (the others' limits do
    nothing until it is done), so blocks entered from several threads at once cannot leave a
    wrong count behind. Threads of a pool started without :func:`one_blas_thread` around it
    may then run with the count another thread set: results can differ in the last bit.

    Examples
    --------
    >>> with limit_blas_threads([8, 64, 64, 1], 256) as threads:
    ...     pass  # a training loop
    """
    with _limited(blas_threads(layer_sizes, batch_size)) as threads:
        yield threads


@contextlib.contextmanager
def one_blas_thread() -> Iterator[int | None]:
    """Run the block with one BLAS thread (unless the user's environment sets them), for
    code that starts a pool of threads doing the model's products, e.g. dask's threaded
    scheduler computing predictions: pool threads × BLAS threads ≤ cores.

    Yields
    ------
    int or None
        1, or None when the user's environment sets the threads (nothing is changed).
    """
    with _limited(1) as threads:
        yield threads


@contextlib.contextmanager
def _limited(threads: int) -> Iterator[int | None]:
    if user_blas_setting() is not None:
        yield None
        return
    with _controller().limit(limits=threads, user_api="blas"):
        yield threads
