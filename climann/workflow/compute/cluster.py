"""The dask.distributed cluster a run computes on: an existing one, or a local one started here.

``[compute] scheduler = "tcp://host:8786"`` connects to a running scheduler (one started by
``dask scheduler`` / ``dask worker``, by dask-jobqueue on an HPC batch system, or by a cloud
deployment such as dask-kubernetes or Coiled); ``[compute] workers = N`` starts a
``LocalCluster`` of N worker processes for the run and shuts it down afterwards. With
neither, climann computes in its own process (the default).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import operator
import os
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing import resource_tracker
from typing import TYPE_CHECKING, Any

from climann.model.threads import USER_VARIABLES
from climann.workflow.config import ComputeConfig
from climann.workflow.runlog import run_logger
from climann.errors import ClimannError

if TYPE_CHECKING:
    from distributed import Client, Future

__all__ = [
    "FAN_IN",
    "LOCAL_WORKER_ALLOCATOR",
    "LOCAL_WORKER_MEMORY",
    "LOCAL_WORKER_TIMERS",
    "SLOW_TRIM_THRESHOLD",
    "TERMINAL_SIGNALS",
    "WORKER_MODULES",
    "allocator_hint",
    "cancelled_gathers_unreported",
    "cluster_client",
    "connect",
    "local_cluster",
    "ordered_sum",
    "ordered_sum_delayed",
    "shared_per_worker",
    "shared_value",
    "submit_together",
    "terminal_signals_blocked_in_children",
    "uses_cluster",
    "warm_up",
]

#: Partial sums per reduction task: a step's chunk sums are added on the workers in a tree of
#: this fan-in, so that the client receives a few arrays instead of one per chunk.
FAN_IN = 8


def uses_cluster(compute: ComputeConfig) -> bool:
    """Whether ``[compute]`` asks for a dask cluster (a scheduler address or local workers)."""
    return bool(compute.scheduler or compute.workers)


def connect(address: str, *, timeout: float = 10.0) -> Client:
    """A client of the running dask scheduler at ``address``.

    Parameters
    ----------
    address : str
        E.g. ``tcp://10.0.0.5:8786`` (``host:port`` means tcp).
    timeout : float
        Seconds to keep trying.

    Returns
    -------
    distributed.Client
        Whose event loop leaves unreported the ``AllExit`` of a gathering that Ctrl-C cancelled
        (:func:`cancelled_gathers_unreported`).

    Raises
    ------
    ClimannError
        If no scheduler answers at ``address`` within ``timeout`` (the message names it).
    """
    from distributed import Client

    try:
        client = Client(address, timeout=f"{timeout}s", set_as_default=True)
    except (OSError, ValueError, TypeError) as error:
        reason = str(error).split("\n")[0] or type(error).__name__
        raise ClimannError(
            f"cannot reach the dask scheduler at {address} ({reason}); is it running? Start one with "
            "`dask scheduler` and `dask worker ADDRESS`, or use --workers N for a local cluster"
        ) from None
    cancelled_gathers_unreported(client)
    return client


@contextlib.contextmanager
def cluster_client(compute: ComputeConfig) -> Iterator[Client]:
    """A client of the cluster ``[compute]`` asks for, closed (local cluster: shut down) afterwards.

    Parameters
    ----------
    compute : ComputeConfig
        ``scheduler`` (connect) or ``workers`` (start :func:`local_cluster`).

    Yields
    ------
    distributed.Client
        Also dask's default scheduler while the block runs.

    Raises
    ------
    ClimannError
        If neither is set, or the scheduler cannot be reached.
    """
    if not uses_cluster(compute):
        raise ClimannError("[compute] sets neither scheduler nor workers: there is no cluster to use")
    if compute.scheduler:
        client = connect(compute.scheduler, timeout=compute.connect_timeout)
        try:
            _log_allocator_hint(client)
            yield client
        except BaseException:
            _close_files_left_open()  # while the scheduler's locks still answer this client
            raise
        finally:
            client.close()
        return
    from distributed import Client

    with blas_environment_restored(), _quiet_after_a_stop() as stopped, local_cluster(compute) as cluster, \
            Client(cluster, set_as_default=True) as client:
        cancelled_gathers_unreported(client)
        try:
            # every worker registered before the run counts them (its replicas, the ensemble's
            # members at once): on a busy machine a worker process may still be connecting
            _wait_for_local_workers(client, compute.workers,
                                    timeout=max(compute.connect_timeout, LOCAL_START_TIMEOUT_S))
            # a threshold in this process's environment reaches the workers (set by the user,
            # or left by an earlier dask cluster started in this process, e.g. in a notebook)
            _log_allocator_hint(client)
            yield client
        except BaseException as error:
            stopped(error)
            raise


def cancelled_gathers_unreported(client: Client) -> None:
    """From now on, asyncio reports no ``AllExit`` left by a gathering of ``client`` that Ctrl-C
    cancelled.

    Ctrl-C while ``client.gather`` waits makes dask cancel the gathering (``distributed.utils.
    sync``), but not the task it started per future to wait for it: each ends with
    ``distributed.client.AllExit`` (dask's signal to stop waiting, never an error) once its
    future is released or the client closes, which no one retrieves, and asyncio prints "Task
    exception was never retrieved" with a traceback for every future of the chunk. That can
    happen while the stop still unwinds the run, before any ``except`` of ours runs:
    ``dask.compute`` on the cluster (``Client.get``) releases its futures in a ``finally``.
    Hence installed as the client is created, on every route that creates one. The client's
    event loop drops these reports only; any other report goes to the handler it had
    (asyncio's default: logged).

    Parameters
    ----------
    client : distributed.Client
        Its ``loop.asyncio_loop`` gets the exception handler.
    """
    from distributed.client import AllExit

    loop = client.loop.asyncio_loop
    previous = loop.get_exception_handler()

    def report(loop: Any, context: dict[str, Any]) -> None:
        if isinstance(context.get("exception"), AllExit):
            return
        if previous is None:
            loop.default_exception_handler(context)
        else:
            previous(loop, context)

    loop.set_exception_handler(report)


@contextlib.contextmanager
def blas_environment_restored() -> Iterator[None]:
    """Around a local dask cluster's life: after the block, this process's BLAS variables
    (:data:`climann.model.threads.USER_VARIABLES`) are as they were before it.

    dask's nanny sets ``OMP_NUM_THREADS=1`` and the like in this process's environment for the
    worker processes it spawns (``distributed.nanny.pre-spawn-environ``) and leaves them set:
    :mod:`climann.model.threads` would then take them for the user's choice and stop choosing
    the threads of this process's later work (an ensemble's evaluation after its members
    trained on the cluster ran with 2 BLAS threads, its scores differing in the 10th digit
    from the same members' evaluated after training here).
    """
    before = {name: os.environ.get(name) for name in USER_VARIABLES}
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


#: Seconds a local cluster's worker processes may take to register with its scheduler (a
#: busy machine starts processes slowly).
LOCAL_START_TIMEOUT_S = 60.0


def _wait_for_local_workers(client: Client, n_workers: int, *, timeout: float) -> None:
    """Return once ``n_workers`` workers are registered with the scheduler.

    Raises
    ------
    ClimannError
        If they are not within ``timeout`` seconds.
    """
    try:
        client.wait_for_workers(n_workers, timeout=timeout)
    except TimeoutError:
        registered = len(client.scheduler_info()["workers"])
        raise ClimannError(f"the local cluster started {registered} of its {n_workers} workers within {timeout:g} s "
                           "(a busy machine?); try again, or train with fewer --workers") from None


@contextlib.contextmanager
def _quiet_after_a_stop() -> Iterator[Callable[[BaseException], None]]:
    """Around a local cluster: when the block stops early (Ctrl-C, an error), close it quietly.

    Stopping in the middle of a computation shuts the workers down under running tasks:
    dask's client then logs broken connections, and xarray's files still referenced by the
    stopped frames close at exit, when the cluster's locks no longer answer ("IOLoop is
    closed"). Neither says anything about the run, whose own error is reported by climann.
    Yields the function to call with the error: it clears the locals of the frames of the
    error and of every error it was raised from or while handling (``__cause__``,
    ``__context__``: the error and its line numbers stay), collects the garbage while the
    cluster is still up, and raises the client's dask loggers above CRITICAL until the block
    has closed. The chain matters: a signal while evaluating becomes
    :class:`~climann.errors.Interrupted` raised ``from None`` while handling the signal's
    exception, whose frames (the writing of ``predictions.nc``) held xarray's file manager of
    the file being written; and the files xarray holds open are closed then too
    (:func:`_close_files_left_open`): a stopped computation's graph keeps the file it was
    writing beyond the run, which was closed at exit with the cluster's lock, with a traceback
    (fix37b).
    """
    import gc
    import traceback

    silenced: dict[str, int] = {}

    def stopped(error: BaseException) -> None:
        for link in _exception_chain(error):
            traceback.clear_frames(link.__traceback__)
        gc.collect()
        _close_files_left_open()
        for name in ("distributed", "tornado"):
            logger = logging.getLogger(name)
            silenced[name] = logger.level
            logger.setLevel(logging.CRITICAL + 1)

    try:
        yield stopped
    finally:
        for name, level in silenced.items():
            logging.getLogger(name).setLevel(level)


def _close_files_left_open() -> None:
    """Close every file xarray still holds open in this process (:class:`xarray.backends.CachingFileManager`).

    Called on a stop while the cluster is still up. A stopped ``to_netcdf`` leaves the file it
    was writing open, its manager held by the abandoned task graph of the computation
    (``_finalize_store``) beyond the run; when the manager was finally collected, at exit, it
    took the cluster's write lock (a ``distributed.Lock``) to close the file, and, the cluster
    shut down, printed "Exception ignored in: CachingFileManager.__del__ … RuntimeError: IOLoop
    is closed" below climann's one line (fix37b: SIGTERM while a cluster run evaluated). A
    manager closed here has nothing left to close at exit. Without the lock: the stop abandons
    the computation (the file is in the staging directory, removed), and a file being read
    reopens on its next read.
    """
    import gc

    from xarray.backends import CachingFileManager

    for manager in [found for found in gc.get_objects() if isinstance(found, CachingFileManager)]:
        try:
            manager.close(needs_lock=False)
        except Exception:  # noqa: BLE001 (a file half written: closing it is all that is wanted)
            pass


def _exception_chain(error: BaseException) -> list[BaseException]:
    """``error`` and every exception it was raised from or while handling, each once."""
    chain: list[BaseException] = []
    pending: list[BaseException | None] = [error]
    while pending:
        link = pending.pop()
        if link is None or any(link is seen for seen in chain):
            continue
        chain.append(link)
        pending += [link.__cause__, link.__context__]
    return chain


#: Memory fractions of the workers of a local cluster: keep data in memory up to 50 % of the
#: memory limit and spill beyond 60 % of it in process memory (dask's defaults: 60 % and
#: 70 %), leaving room for the chunk a task is reading next to the data kept. Measured with
#: ``benchmarks/bench_scale.py``: a 0.5 GiB worker's peak from 455 to 422 MiB.
LOCAL_WORKER_MEMORY = {"distributed.worker.memory.target": 0.5, "distributed.worker.memory.spill": 0.6}

#: What a local cluster's workers do besides their tasks, made rarer: the event loop's
#: watchdog tick (dask's default every 20 ms), the system monitor behind the dashboard's
#: resource plots (500 ms) and the statistical profiler behind its "Profile" page (a sample
#: of every thread's stack every 10 ms; off). Each needs the worker's interpreter lock, which
#: the training thread otherwise holds. Measured (1 Dec 2026, 2 workers on 2 cores, each
#: running the same 851 steps of 256 samples through 64 × 64): with dask's defaults
#: 170–185 µs per step on the slower worker, with these 164–166 µs (159 µs in a plain
#: process). A cluster you start yourself (``--scheduler``) keeps its own settings.
LOCAL_WORKER_TIMERS = {
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.profile.enabled": False,
}

#: How a local cluster's workers allocate memory: as a plain Python process does. dask's nanny
#: starts its workers with ``MALLOC_TRIM_THRESHOLD_=65536``
#: (``distributed.nanny.pre-spawn-environ``), so that glibc hands freed memory back to the
#: system at once. Setting it also fixes glibc's mmap threshold at 128 KiB (glibc,
#: ``mallopt(3)``: an explicit threshold turns off the dynamic one): every NumPy temporary
#: above 128 KiB is then a fresh ``mmap`` whose pages fault in on first touch. Measured (1 Dec
#: 2026): the same array arithmetic 3.4× slower in a process started with the variable; the
#: evaluation of the sample on 2 workers 2.4 s of task time with it, 1.4 s without. Unset
#: here (None: dask leaves it out), a worker keeps glibc's defaults: freed blocks up to 32 MiB
#: are reused, and a free top of the heap is returned beyond 64 MiB. A value set in
#: climann's own environment is inherited by the workers and kept, and a cluster you start
#: yourself (``--scheduler``) keeps its own settings; a small one gets a line in the run log
#: (:func:`allocator_hint`).
LOCAL_WORKER_ALLOCATOR = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}


#: A worker's ``MALLOC_TRIM_THRESHOLD_`` below this (bytes) fixes glibc's mmap threshold low
#: enough to slow NumPy's temporaries (see :data:`LOCAL_WORKER_ALLOCATOR`): glibc's own
#: dynamic thresholds reach 32 MiB.
SLOW_TRIM_THRESHOLD = 32 * 2**20


def allocator_hint(client: Client) -> str | None:
    """A line for the run log when a cluster's workers run with a small ``MALLOC_TRIM_THRESHOLD_``.

    dask's nanny starts its workers with 65536 unless told otherwise. Only a hint: the results
    are the same, the arithmetic on large arrays slower (up to 3.4×, measured; see
    :data:`LOCAL_WORKER_ALLOCATOR`).

    Parameters
    ----------
    client : distributed.Client

    Returns
    -------
    str or None
        The line naming the values found below :data:`SLOW_TRIM_THRESHOLD` and the dask setting
        that lifts them; None when no worker has one (a value that is not a number counts as
        unset), or when a worker does not answer (the run goes on; dask reports a lost worker).
    """
    try:
        values = client.run(os.environ.get, "MALLOC_TRIM_THRESHOLD_")
    except (OSError, TimeoutError):
        return None
    small = sorted({value for value in values.values() if value and value.isdigit()
                    and int(value) < SLOW_TRIM_THRESHOLD})
    if not small:
        return None
    return (f"the cluster's workers run with MALLOC_TRIM_THRESHOLD_={', '.join(small)} (dask's default is 65536), "
            "which makes NumPy's large temporaries slower; set distributed.nanny.pre-spawn-environ."
            "MALLOC_TRIM_THRESHOLD_ to null in the dask configuration of the machines that start the workers "
            "(docs/scaling.md)")


def _log_allocator_hint(client: Client) -> None:
    hint = allocator_hint(client)
    if hint:
        run_logger.info(hint)


def local_cluster(compute: ComputeConfig) -> Any:
    """A ``LocalCluster`` of ``compute.workers`` processes with ``compute.threads_per_worker``
    threads and ``compute.memory_limit_gb`` each (0: dask's default share of the machine's
    memory), the spill fractions of :data:`LOCAL_WORKER_MEMORY`, the rarer timers of
    :data:`LOCAL_WORKER_TIMERS` (no "Profile" page on the dashboard), glibc's own memory
    allocation (:data:`LOCAL_WORKER_ALLOCATOR`), a dashboard on a free port
    (when bokeh is installed) and only critical messages logged by the workers: a task's error
    reaches climann through its result, while a worker's own errors are mostly the broken
    connections of a cluster closed under running tasks (after Ctrl-C). To see a cluster's
    every log, start it yourself (``dask scheduler``, ``dask worker``) and use ``--scheduler``.

    The workers hold Ctrl-C and SIGHUP (:func:`terminal_signals_blocked_in_children`); one that
    reaches climann while they start closes the cluster, and is raised then."""
    import dask
    from distributed import LocalCluster

    memory = f"{compute.memory_limit_gb}GiB" if compute.memory_limit_gb else "auto"
    # read by the workers as they start
    settings = {**LOCAL_WORKER_MEMORY, **LOCAL_WORKER_TIMERS, **LOCAL_WORKER_ALLOCATOR}
    cluster = None
    try:
        with dask.config.set(settings), terminal_signals_blocked_in_children():
            cluster = LocalCluster(
                n_workers=compute.workers, threads_per_worker=compute.threads_per_worker, processes=True,
                memory_limit=memory, dashboard_address=":0", silence_logs=logging.CRITICAL,
            )
    except BaseException:  # Ctrl-C while the workers started, delivered as the block ended
        if cluster is not None:
            cluster.close()
        raise
    return cluster


#: The signals a terminal sends to every process of its foreground job: Ctrl-C (SIGINT) and a
#: closed terminal or dropped ssh session (SIGHUP).
TERMINAL_SIGNALS = (signal.SIGINT, signal.SIGHUP)


@contextlib.contextmanager
def terminal_signals_blocked_in_children() -> Iterator[None]:
    """Start processes inside this block that never receive Ctrl-C or a closed terminal's
    SIGHUP; such a signal sent to climann meanwhile is kept and delivered as the block ends.

    A local cluster's worker processes belong to the terminal's foreground process group, so
    Ctrl-C reaches them as well as climann. Left to its default, each worker dies with a
    traceback while the client waits for the round they were computing, and the run hangs.
    Blocked, they finish the round; climann writes its checkpoint and shuts the cluster down.

    The signals are blocked in this thread (``pthread_sigmask``) while the block runs. The
    threads started in the block are born with that mask (dask's event loop, whose threads
    spawn the workers, also when the nanny restarts a lost worker later), and a process keeps
    its mask across ``fork`` and ``exec`` (POSIX, ``sigprocmask(2)``; CPython's
    ``_posixsubprocess`` gives the child the spawning thread's mask): the workers, started
    with multiprocessing's "spawn" method, hold the signals pending for their whole life, as
    multiprocessing's own resource tracker does (CPython bpo-33613). Here, meanwhile, a
    handler keeps the first that arrives, and the previous handlers get it once they are
    back: Ctrl-C pressed while the workers start raises ``KeyboardInterrupt`` as the block
    ends (it used to be lost, its handler set to "ignore" for the children to inherit). A
    signal ignored before the block (``nohup``) stays ignored. Outside the main thread, where
    Python cannot set handlers, the block runs unchanged.

    Raises
    ------
    KeyboardInterrupt, climann.workflow.interrupts.Terminated
        As the block ends, for a signal that arrived during it (whatever the previous
        handler of that signal does).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    arrived: list[int] = []

    def keep(number: int, frame: object) -> None:
        arrived.append(number)

    previous = {number: signal.signal(number, keep) for number in TERMINAL_SIGNALS
                if signal.getsignal(number) != signal.SIG_IGN}
    previous_mask = signal.pthread_sigmask(signal.SIG_BLOCK, TERMINAL_SIGNALS)
    # multiprocessing's resource tracker, started with the first process spawned, unblocks SIGINT
    # and SIGTERM in the thread that starts it (CPython 3.11, ``resource_tracker.ensure_running``):
    # started here, it holds SIGHUP as the workers do, and this thread blocks SIGINT again
    resource_tracker.ensure_running()
    signal.pthread_sigmask(signal.SIG_SETMASK, previous_mask | set(TERMINAL_SIGNALS))
    try:
        yield
    finally:
        try:
            for number, handler in previous.items():
                signal.signal(number, handler if handler is not None else signal.SIG_DFL)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous_mask)  # one still pending goes to its handler
        if arrived:
            signal.raise_signal(arrived[0])


def _sum_in_order(*parts: Any) -> Any:
    return functools.reduce(operator.add, parts)


def _tree(parts: list, add: Any, fan_in: int) -> Any:
    """Add consecutive groups of ``fan_in`` with ``add(*group)``, level after level."""
    if not parts:
        raise ClimannError("nothing to sum: no chunk")
    while len(parts) > 1:
        groups = [parts[first : first + fan_in] for first in range(0, len(parts), fan_in)]
        parts = [group[0] if len(group) == 1 else add(*group) for group in groups]
    return parts[0]


def ordered_sum_delayed(parts: Sequence[Any], *, fan_in: int = FAN_IN) -> Any:
    """:func:`ordered_sum` as one lazy graph over ``dask.delayed`` values: computed as one
    collection, dask adds partial sums as soon as their parts are ready, so that the parts
    do not pile up in the workers' memory."""
    import dask

    return _tree(list(parts), dask.delayed(_sum_in_order, pure=True), fan_in)


def ordered_sum(client: Client, futures: Sequence[Future], *, fan_in: int = FAN_IN) -> Future:
    """The sum of the futures' values, ``v_0 + v_1 + …``, computed on the workers.

    Consecutive groups of ``fan_in`` are added by one task each, level after level. The tree
    depends only on ``len(futures)``, never on which worker holds what, so the same values
    give the same bits on any number of workers.

    Raises
    ------
    ClimannError
        If ``futures`` is empty.
    """
    return _tree(list(futures), lambda *group: client.submit(_sum_in_order, *group, pure=False), fan_in)


def _value(value: Any) -> Any:
    return value


def shared_value(client: Client, value: Any) -> Future:
    """``value`` (the parameter vector, the network) as a future every task can depend on.

    It travels once to the scheduler inside a task, to one worker, and from there to the
    workers that need it. Unlike ``client.scatter``, it stays in the task graph: if the
    workers holding it are lost, dask recomputes it, and a step in progress goes on.
    """
    return client.submit(_value, value, pure=False)


@dataclass(frozen=True)
class Call:
    """One task for :func:`submit_together`: ``function(*args)`` (futures among ``args`` are
    replaced by their values, as with ``client.submit``), run on ``worker`` if it can (a loose
    restriction; None: anywhere), at dask priority ``priority`` (higher runs first)."""

    function: Callable[..., Any]
    args: tuple
    worker: str | None = None
    priority: int = 0


def submit_together(client: Client, calls: Sequence[Call]) -> list[Future]:
    """``client.submit`` of each of ``calls`` (pure=False), sent to the scheduler in one message.

    Tasks submitted one by one reach the scheduler in two messages or more: the client's
    batched stream sends the first at once and holds what follows for its interval of 10 ms
    (``distributed.batched.BatchedSend``; fixed, not a setting). The second replica of a
    local-SGD round, or the validation's second chunk, so started up to 10 ms after the
    first, and the round (or epoch) ended that much later while the other worker waited.
    Here the calls become ``dask.delayed`` tasks, each with its own placement and priority
    (``dask.annotate``), computed by one ``client.compute``: one message. The functions,
    arguments and keys' uniqueness are those of ``client.submit(..., pure=False)``.

    Parameters
    ----------
    client : distributed.Client
    calls : sequence of Call

    Returns
    -------
    list of distributed.Future
        One per call, in order.
    """
    import dask

    if not calls:
        return []
    tasks = []
    for call in calls:
        annotations: dict[str, Any] = {"workers": [call.worker], "allow_other_workers": True} if call.worker else {}
        if call.priority:
            annotations["priority"] = call.priority
        with dask.annotate(**annotations):
            tasks.append(dask.delayed(call.function, pure=False)(*call.args))
    return client.compute(tasks, optimize_graph=False)


def shared_per_worker(client: Client, value: Any, workers: Sequence[str]) -> list[Future]:
    """``value`` as one future on each of ``workers`` (in their order; one future without
    workers), each made by a task of its own there (loosely restricted to it).

    For a value that is slow to unpickle (the data's description holds xarray's lazy
    dataset): with one :func:`shared_value`, the other workers wait for its worker to
    compute it and then fetch it before their first task; each worker now unpickles its own
    copy at once. Like :func:`shared_value`, each is recomputed if its worker is lost."""
    if not workers:
        return [shared_value(client, value)]
    return [client.submit(_value, value, pure=False, workers=[worker], allow_other_workers=True)
            for worker in workers]


#: The modules a worker needs for its first chunk: importing them (xarray and pandas above
#: all) takes 1–5 s in a fresh worker process, depending on the machine's load.
WORKER_MODULES = ("climann.workflow.compute.chunks", "climann.workflow.compute.training", "netCDF4")


def _import_modules(names: Sequence[str]) -> None:
    import importlib

    for name in names:
        importlib.import_module(name)


def warm_up(client: Client, modules: Sequence[str] = WORKER_MODULES) -> list[Future]:
    """Let every worker of the cluster import ``modules`` now, while the client prepares the
    run (opens the files, builds the split), instead of in its first task. Returns the tasks'
    futures: keep them until the first real tasks are submitted (dropped earlier, a task not
    yet started is cancelled). A worker that cannot import one fails its warm-up task only:
    the run's own tasks raise the error where it matters."""
    return [client.submit(_import_modules, tuple(modules), workers=[address], pure=False)
            for address in sorted(client.scheduler_info()["workers"])]
