"""Tests for climann/workflow/compute/cluster.py: connecting, local clusters, ordered sums."""

import logging
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time

import dask
import numpy as np
import psutil
import pytest

from climann.workflow.checkpoints import CHECKPOINT_NAME
from climann.workflow.compute.cluster import (
    allocator_hint,
    LOCAL_WORKER_TIMERS,
    cluster_client,
    connect,
    ordered_sum,
    shared_per_worker,
    terminal_signals_blocked_in_children,
    uses_cluster,
    warm_up,
)
from climann.workflow.config import ComputeConfig
from climann.workflow.interrupts import Terminated, signal_number, signals_raise
from climann.errors import ClimannError
from tests.workflow.compute.in_children import (
    TERMINAL,
    blocked_terminal_signals,
    page_faults_of_repeated_temporaries,
    worker_timers,
)


@pytest.mark.parametrize(
    ("compute", "expected"),
    [
        pytest.param(ComputeConfig(), False, id="default-one-process"),
        pytest.param(ComputeConfig(workers=2), True, id="workers"),
        pytest.param(ComputeConfig(scheduler="tcp://h:8786"), True, id="scheduler"),
    ],
)
def test_uses_cluster(compute, expected):
    assert uses_cluster(compute) is expected


def test_an_unreachable_scheduler_is_one_error_naming_its_address():
    with pytest.raises(ClimannError, match=r"cannot reach the dask scheduler at tcp://127\.0\.0\.1:9 \(.*\); is it running"):
        connect("tcp://127.0.0.1:9", timeout=0.5)


def test_no_cluster_asked_for_is_refused():
    with pytest.raises(ClimannError, match="neither scheduler nor workers"):
        with cluster_client(ComputeConfig()):
            pass


def test_a_scheduler_address_connects_to_its_cluster_and_leaves_no_default_client(cluster, caplog):
    with caplog.at_level(logging.INFO, logger="climann.run"), \
            cluster_client(ComputeConfig(scheduler=cluster.scheduler_address)) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        assert dask.base.get_scheduler() == client.get
    assert dask.base.get_scheduler() is None  # back to dask's local default
    # this cluster's workers were started with dask's defaults: the run log says how to speed them up
    [hint] = [record.getMessage() for record in caplog.records if "MALLOC_TRIM_THRESHOLD_" in record.getMessage()]
    assert "MALLOC_TRIM_THRESHOLD_=65536" in hint and "pre-spawn-environ" in hint


class _Workers:
    """A client whose workers report the given environment values (``client.run``)."""

    def __init__(self, *values):
        self.values = values

    def run(self, function, *arguments):
        if self.values == ("gone",):
            raise OSError("a worker's connection closed")
        return {f"tcp://worker-{index}": value for index, value in enumerate(self.values)}


@pytest.mark.parametrize(("values", "named"), [
    pytest.param((None, None), None, id="unset"),
    pytest.param(("65536", None), "65536", id="one-of-two"),
    pytest.param(("65536", "131072"), "131072, 65536", id="two-values"),
    pytest.param((str(64 * 2**20),), None, id="large-enough"),
    pytest.param(("lots",), None, id="not-a-number"),
    pytest.param(("gone",), None, id="a-worker-does-not-answer"),
])
def test_the_allocator_hint_names_the_small_trim_thresholds_of_the_workers(values, named):
    hint = allocator_hint(_Workers(*values))
    if named is None:
        assert hint is None
    else:
        assert f"MALLOC_TRIM_THRESHOLD_={named} " in hint


@pytest.mark.parametrize("n_parts", [pytest.param(1, id="one"), pytest.param(8, id="one-group"),
                                     pytest.param(21, id="two-levels")])
def test_ordered_sum_adds_in_order_on_the_workers(client, n_parts):
    rng = np.random.default_rng(n_parts)
    values = [rng.normal(size=5) * 10.0 ** rng.integers(-8, 8) for _ in range(n_parts)]
    futures = client.scatter(values)
    total = ordered_sum(client, futures, fan_in=4).result()
    np.testing.assert_allclose(total, np.sum(values, axis=0), rtol=1e-12)
    # The same tree on the same values gives the same bits, whoever holds them.
    again = ordered_sum(client, client.scatter(values[::-1])[::-1], fan_in=4).result()
    np.testing.assert_array_equal(total, again)
    with pytest.raises(ClimannError, match="nothing to sum"):
        ordered_sum(client, [])


def test_processes_spawned_in_the_block_hold_terminal_signals_and_the_parent_gets_its_handlers_back():
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGHUP)
    context = multiprocessing.get_context("spawn")  # how dask starts a local cluster's workers
    queue = context.Queue()
    with terminal_signals_blocked_in_children():
        inside = context.Process(target=blocked_terminal_signals, args=(queue,))
        inside.start()
        assert queue.get(timeout=60) == TERMINAL
        inside.join()
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGHUP)) == before
    assert not signal.pthread_sigmask(signal.SIG_BLOCK, []) & TERMINAL
    outside = context.Process(target=blocked_terminal_signals, args=(queue,))
    outside.start()
    assert queue.get(timeout=60) == set()
    outside.join()


@pytest.mark.parametrize("number", [pytest.param(signal.SIGINT, id="SIGINT"), pytest.param(signal.SIGHUP, id="SIGHUP")])
def test_a_terminal_signal_while_children_start_is_kept_and_raised_as_the_block_ends(number):
    """Ctrl-C (or a dropped ssh session) while a local cluster's workers start used to be lost:
    the run trained to the end and exited 0."""
    with signals_raise(), pytest.raises((KeyboardInterrupt, Terminated)) as stopped:
        with terminal_signals_blocked_in_children():
            # to this thread, which blocks it: os.kill lets the kernel hand it to another thread of
            # the process (pytest-xdist's), whose C handler may run only after the block has
            # ended, on a busy machine; the test then lost the KeyboardInterrupt to its worker
            signal.pthread_kill(threading.main_thread().ident, number)
            finished = True  # the block itself runs to its end: the workers start
    assert finished and signal_number(stopped.value) == number


def _cli_signalled_as_the_cluster_starts(number):
    """``python -c`` code: the CLI, whose local cluster sends ``number`` to the whole process group
    (as a terminal does on Ctrl-C) just after its workers started, while they are still protected."""
    return ("import os, signal, distributed\n"
            "started = distributed.LocalCluster\n"
            "def signalled(*args, **kwargs):\n"
            "    cluster = started(*args, **kwargs)\n"
            f"    os.killpg(0, {int(number)})\n"
            "    return cluster\n"
            "distributed.LocalCluster = signalled\n"
            "from climann.cli import main\n"
            "main()\n")


@pytest.mark.parametrize("number", [pytest.param(signal.SIGINT, id="SIGINT"), pytest.param(signal.SIGHUP, id="SIGHUP")])
def test_a_terminal_signal_while_the_local_cluster_starts_stops_the_run_in_one_line(tiny_file, tmp_path, number):
    run_dir = tmp_path / "run"
    command = [sys.executable, "-c", _cli_signalled_as_the_cluster_starts(number), "train", "--data", str(tiny_file),
               "--out", str(run_dir), "--workers", "1", "--epochs", "1", "--hidden", "4", "--quiet",
               "--predictors", "rsdt,orog"]  # no default choice to warn about: --quiet still shows warnings
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
                               start_new_session=True)  # its own session, as a terminal's job
    try:
        _, errors = process.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        raise AssertionError("the run hung after the signal") from None
    assert process.returncode == 128 + number, errors
    assert errors.splitlines() == [f"climann: interrupted by {signal.Signals(number).name}; no checkpoint was written "
                                   "yet; start the run again"]
    assert not run_dir.exists() and os.listdir(tmp_path) == []
    assert _left_in_session(process.pid) == []


def _left_in_session(session, *, within=20.0):
    """The command lines of the processes of ``session`` still running ``within`` s from now
    (multiprocessing's resource tracker ends once it reads the end of its pipe)."""
    deadline = time.monotonic() + within
    while True:
        left = []
        for candidate in psutil.process_iter():
            try:
                if os.getsid(candidate.pid) == session and candidate.status() != psutil.STATUS_ZOMBIE:
                    left.append(" ".join(candidate.cmdline()))
            except (OSError, psutil.Error):  # ended meanwhile
                continue
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.2)


def test_ctrl_c_on_a_local_cluster_run_stops_with_a_checkpoint_and_no_worker_traceback(tiny_file, tmp_path):
    """Ctrl-C in a terminal reaches the whole foreground process group, the local cluster's
    workers included. They used to die with tracebacks while the client waited for them
    forever. The run must stop after the epoch with a checkpoint, and exit with 130."""
    run_dir = tmp_path / "run"
    command = [sys.executable, "-c", "from climann.cli import main; main()", "train", "--data", str(tiny_file),
               "--out", str(run_dir), "--workers", "2", "--epochs", "500", "--hidden", "8", "--batch-size", "64",
               "--checkpoint-every", "1", "--quiet"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)  # its own process group, as a terminal's job
    deadline = time.monotonic() + 120
    while not (run_dir / CHECKPOINT_NAME).exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert process.poll() is None, process.communicate()[1]
    os.killpg(process.pid, signal.SIGINT)  # what the terminal does on Ctrl-C
    try:
        _, errors = process.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        raise AssertionError("the run hung after Ctrl-C") from None
    assert process.returncode == 130, errors
    assert "Traceback" not in errors and "KeyboardInterrupt" not in errors, errors
    assert f"resume with: climann train --resume {run_dir}" in errors.splitlines()[-1]
    assert [path.name for path in run_dir.iterdir() if not path.name.startswith(".")] == [CHECKPOINT_NAME]


def _imported(name):
    return name in sys.modules


def test_warming_up_imports_the_modules_on_every_worker(client):
    """(``tabnanny``: a module no climann task imports.)"""
    assert not any(client.run(_imported, "tabnanny").values())
    futures = warm_up(client, ("tabnanny",))
    assert len(futures) == len(client.scheduler_info()["workers"]) == 2
    client.gather(futures)
    assert all(client.run(_imported, "tabnanny").values())


def test_a_value_shared_per_worker_is_made_on_each_worker(client):
    workers = sorted(client.scheduler_info()["workers"])
    futures = shared_per_worker(client, {"steps": np.arange(3)}, workers)
    values = client.gather(futures)
    assert len(values) == 2 and all(np.array_equal(value["steps"], np.arange(3)) for value in values)
    held = client.who_has(futures)
    assert all(worker in held[future.key] for worker, future in zip(workers, futures, strict=True))
    assert len(shared_per_worker(client, 1, [])) == 1  # no worker yet: one shared value


def test_a_local_cluster_whose_workers_do_not_all_start_is_a_one_line_error():
    """The run counts the workers it trains on (replicas, ensemble members at once): it waits for
    all of them, and says so when a busy machine does not start them in time."""
    from climann.workflow.compute.cluster import _wait_for_local_workers

    class SlowCluster:
        def wait_for_workers(self, n_workers, timeout):
            raise TimeoutError(f"only 1 of {n_workers} workers after {timeout} s")

        def scheduler_info(self):
            return {"workers": {"tcp://127.0.0.1:1": {}}}

    with pytest.raises(ClimannError, match=r"^the local cluster started 1 of its 2 workers within 60 s \(a busy "
                                           r"machine\?\); try again, or train with fewer --workers$"):
        _wait_for_local_workers(SlowCluster(), 2, timeout=60.0)


@pytest.fixture(scope="module")
def one_local_worker():
    """What ``[compute] workers = 1`` (climann's own local cluster) gives, observed in one
    cluster's life (starting one costs seconds), started as a user with MKL_NUM_THREADS=3, no
    other BLAS variable and no ``MALLOC_TRIM_THRESHOLD_`` would: the worker's environment, its
    timers, the run log's allocator hint, the worker's page faults, and this process's BLAS
    variables once the cluster is shut down."""
    from climann.model.threads import USER_VARIABLES
    from climann.workflow.config import build_config

    with pytest.MonkeyPatch.context() as patch:
        for name in (*USER_VARIABLES, "MALLOC_TRIM_THRESHOLD_"):
            patch.delenv(name, raising=False)
        patch.setenv("MKL_NUM_THREADS", "3")  # a user's own setting stays
        with cluster_client(build_config({"compute": {"workers": 1}}).compute) as client:
            seen = {"OMP_NUM_THREADS": client.submit(os.environ.get, "OMP_NUM_THREADS").result(),
                    "MALLOC_TRIM_THRESHOLD_": client.submit(os.environ.get, "MALLOC_TRIM_THRESHOLD_").result(),
                    "timers": list(client.run(worker_timers).values()),
                    "hint": allocator_hint(client),
                    "faults": list(client.run(page_faults_of_repeated_temporaries).values())}
        seen["after"] = {name: os.environ.get(name) for name in USER_VARIABLES}
    return seen


def test_a_local_cluster_leaves_this_process_blas_variables_as_they_were(one_local_worker):
    """dask's nanny sets OMP_NUM_THREADS=1 and the like here for its workers and left them set:
    climann then took them for the user's choice and evaluated with other BLAS threads."""
    from climann.model.threads import USER_VARIABLES

    assert one_local_worker["OMP_NUM_THREADS"] == "1"  # the worker's
    assert one_local_worker["after"] == {name: ("3" if name == "MKL_NUM_THREADS" else None) for name in USER_VARIABLES}


def test_a_local_clusters_workers_run_their_timers_rarely_and_no_profiler(one_local_worker):
    """The workers of ``--workers N`` tick every second, sample the system every 2 s and run no
    statistical profiler (each of these takes the interpreter lock from the training thread:
    ≈ 10 % of a step on 2 cores); this process keeps dask's own settings."""
    import dask

    assert one_local_worker["timers"] == [(1000, 2000, False)]
    # this process keeps dask's default
    assert dask.config.get("distributed.admin.tick.interval") != LOCAL_WORKER_TIMERS["distributed.admin.tick.interval"]


def test_a_small_threshold_inherited_by_local_workers_gets_the_hint_too(monkeypatch, caplog):
    """An earlier dask cluster in the same process (a notebook's ``Client()``) leaves
    MALLOC_TRIM_THRESHOLD_=65536 in the environment; climann's workers inherit it: said in the log."""
    from climann.workflow.compute.cluster import cluster_client
    from climann.workflow.config import build_config

    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "65536")
    with caplog.at_level(logging.INFO, logger="climann.run"), \
            cluster_client(build_config({"compute": {"workers": 1}}).compute) as client:
        assert client.submit(os.environ.get, "MALLOC_TRIM_THRESHOLD_").result() == "65536"
    assert any("MALLOC_TRIM_THRESHOLD_=65536" in record.getMessage() for record in caplog.records)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's allocator and getrusage's page faults")
def test_a_local_clusters_workers_reuse_freed_memory_as_a_plain_process_does(one_local_worker):
    """dask's nanny starts workers with MALLOC_TRIM_THRESHOLD_=65536, which fixes glibc's mmap
    threshold: each temporary above 128 KiB is a new mapping whose 512 pages per 2 MiB fault in
    again (3.4× slower arithmetic, measured). climann's local workers reuse the freed block
    instead, as this process does: a few faults, not 20 × 512."""
    assert page_faults_of_repeated_temporaries() < 20 * 512 / 4  # this process, the reference
    assert one_local_worker["MALLOC_TRIM_THRESHOLD_"] is None
    assert one_local_worker["hint"] is None
    [faults] = one_local_worker["faults"]
    assert faults < 20 * 512 / 4


def test_after_a_dask_cluster_started_in_this_process_climann_still_chooses_the_blas_threads(cluster):
    """dask's nanny left OMP_NUM_THREADS=1 in this process for its workers (the ``cluster``
    fixture's LocalCluster, as a notebook's own would): no user's choice, so a training here
    still limits BLAS to the one thread its small products want."""
    import os

    from threadpoolctl import threadpool_info, threadpool_limits

    from climann.model.threads import ENVIRONMENT_AT_IMPORT, limit_blas_threads

    if any(ENVIRONMENT_AT_IMPORT.values()):
        pytest.skip("the suite runs with a BLAS variable set: BLAS threads are the user's")
    assert os.environ.get("OMP_NUM_THREADS") == "1"
    with threadpool_limits(limits=3, user_api="blas"), limit_blas_threads([8, 64, 64, 1], 256) as chosen:
        inside = {info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"}
    assert chosen == 1 and inside == {1}


def _ctrl_c_as_the_client_gathers(monkeypatch):
    """Every gathering of a client sends this process SIGINT (Ctrl-C) as it starts waiting."""
    from distributed import Client

    gather = Client._gather

    async def interrupted(self, *args, **kwargs):
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C while the client waits for its results
        return await gather(self, *args, **kwargs)

    monkeypatch.setattr(Client, "_gather", interrupted)


@pytest.mark.parametrize("local", [pytest.param(False, id="scheduler"), pytest.param(True, id="local-cluster")])
def test_ctrl_c_while_the_client_gathers_leaves_no_asyncio_report(cluster, monkeypatch, caplog, local):
    """Ctrl-C while a chunk's results are gathered: dask cancels its gathering, whose tasks
    waiting for each future then ended with ``AllExit`` as the client closed, each reported on
    stderr by asyncio as "Task exception was never retrieved" (12 tracebacks above climann's
    one line)."""
    import gc

    _ctrl_c_as_the_client_gathers(monkeypatch)
    caplog.set_level(logging.ERROR, logger="asyncio")
    with pytest.raises(KeyboardInterrupt):
        compute = ComputeConfig(workers=1) if local else ComputeConfig(scheduler=cluster.scheduler_address)
        with cluster_client(compute) as client:
            # never computed (no such worker): waited for until the client closes
            futures = [client.submit(abs, index, workers=["tcp://127.0.0.1:9"], allow_other_workers=False)
                       for index in range(3)]
            client.gather(futures)
    gc.collect()
    assert [record.getMessage() for record in caplog.records if record.name == "asyncio"] == []


def test_only_the_cancelled_gatherings_allexit_goes_unreported(caplog):
    """Targeted: the client's event loop still reports any other exception of a task."""
    import asyncio
    from types import SimpleNamespace

    from distributed.client import AllExit

    from climann.workflow.compute.cluster import cancelled_gathers_unreported

    loop = asyncio.new_event_loop()
    try:
        cancelled_gathers_unreported(SimpleNamespace(loop=SimpleNamespace(asyncio_loop=loop)))
        caplog.set_level(logging.ERROR, logger="asyncio")
        loop.call_exception_handler({"message": "Task exception was never retrieved", "exception": AllExit()})
        loop.call_exception_handler({"message": "Task exception was never retrieved", "exception": OSError("disk")})
    finally:
        loop.close()
    assert [type(record.exc_info[1]) for record in caplog.records] == [OSError]


@pytest.mark.parametrize("local", [pytest.param(False, id="scheduler"), pytest.param(True, id="local-cluster")])
def test_ctrl_c_while_dask_compute_gathers_leaves_no_asyncio_report_before_the_stop(cluster, monkeypatch, caplog,
                                                                                  local):
    """The route that escaped the filter: ``dask.compute`` on the cluster (the predictions'
    writing at the start of evaluation) releases its futures as Ctrl-C passes
    (``Client.get``'s ``finally``), so that the gathering's waiting tasks end with ``AllExit``
    while the stop still unwinds the run's frames: before the cluster's block saw it (7
    tracebacks above climann's one line, 1 try in 17). The block here waits for them there."""
    import asyncio
    import gc

    _ctrl_c_as_the_client_gathers(monkeypatch)
    caplog.set_level(logging.ERROR, logger="asyncio")
    compute = ComputeConfig(workers=1) if local else ComputeConfig(scheduler=cluster.scheduler_address)
    with pytest.raises(KeyboardInterrupt), cluster_client(compute) as client:
        # never computed (no such worker): waited for until the futures are released
        never = [dask.delayed(abs)(index, dask_key_name=f"never-{index}") for index in range(3)]
        try:
            with dask.annotate(workers=["tcp://127.0.0.1:9"], allow_other_workers=False):
                dask.compute(*never)
        finally:
            for _ in range(3):  # the releases, then the waiting tasks' ends, run on the client's loop
                client.sync(asyncio.sleep, 0.05)
            gc.collect()
    assert [record.getMessage() for record in caplog.records if record.name == "asyncio"] == []


class _ClusterLock:
    """A stand-in for the ``distributed.Lock`` xarray takes to write a file on a cluster: once
    the cluster is shut down it raises as dask's does ("IOLoop is closed")."""

    def __init__(self):
        self.cluster_up = True

    def acquire(self, blocking=True, timeout=None):
        if not self.cluster_up:
            raise RuntimeError("IOLoop is closed")
        return True

    def release(self):
        pass

    def __enter__(self):
        self.acquire()

    def __exit__(self, *exc):
        self.release()


def test_a_stop_closes_the_file_a_stopped_write_left_open_while_the_cluster_is_up(tmp_path, monkeypatch):
    """fix37b: SIGTERM while a cluster run wrote predictions.nc left the file open, its xarray
    manager held by the abandoned computation beyond the run; collected at exit, it took the
    cluster's write lock to close the file and printed "Exception ignored in:
    CachingFileManager.__del__ … RuntimeError: IOLoop is closed" below climann's one line."""
    import gc

    import netCDF4
    from xarray.backends import CachingFileManager

    from climann.workflow.compute.cluster import _quiet_after_a_stop

    lock = _ClusterLock()
    manager = CachingFileManager(netCDF4.Dataset, str(tmp_path / "predictions.nc"), mode="w", lock=lock)
    manager.acquire()  # the file being written
    abandoned = {"_finalize_store": manager}  # what the stopped computation's graph keeps
    unraisable = []
    monkeypatch.setattr("sys.unraisablehook", unraisable.append)
    with pytest.raises(Terminated):
        with _quiet_after_a_stop() as stopped:
            try:
                raise Terminated(signal.SIGTERM)
            except BaseException as error:
                stopped(error)
                raise
    lock.cluster_up = False  # the cluster is shut down
    del manager, abandoned
    gc.collect()
    assert [str(report.exc_value) for report in unraisable] == []
    assert netCDF4.Dataset(tmp_path / "predictions.nc").file_format == "NETCDF4"  # closed whole enough to read
