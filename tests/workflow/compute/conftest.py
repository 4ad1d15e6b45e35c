"""One local dask cluster of 2 worker processes for all compute tests (starting one costs seconds).

It is shut down after the last compute test, and the garbage it left collected then: xarray
closes forgotten netCDF files in finalisers, and HDF5 must not run in two threads at once
(the cluster's client keeps threads of its own in this process).
"""

import contextlib
import gc
import logging

import pytest

from climann.workflow.config import build_config
from climann.data.sample_data import write_sample_dataset


@pytest.fixture(scope="package")
def cluster():
    """Its workers and scheduler run their timers as rarely as climann's own local clusters do
    and no statistical profiler (:data:`LOCAL_WORKER_TIMERS`): with dask's defaults they
    ticked every 20 ms and sampled stacks every 10 ms for the whole compute package, ≈ 2 % of
    a core per process (the suite's CPU, not what any test asserts); their memory allocation
    stays dask's own (``MALLOC_TRIM_THRESHOLD_``), which a test of the run log's hint needs."""
    import dask
    from distributed import LocalCluster

    from climann.workflow.compute.cluster import LOCAL_WORKER_TIMERS

    with dask.config.set(LOCAL_WORKER_TIMERS):  # read by the scheduler and the workers as they start
        local = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                             silence_logs=logging.ERROR)
    with local:
        yield local
    gc.collect()


@pytest.fixture(scope="package")
def client(cluster):
    from distributed import Client

    with Client(cluster, set_as_default=False) as connected:
        connected.wait_for_workers(2)
        yield connected


@pytest.fixture(scope="session")
def tiny_file(tmp_path_factory):
    """4 years of monthly 15° sample data: 288 cells × 48 steps."""
    return write_sample_dataset(tmp_path_factory.mktemp("compute") / "tiny.nc", years=4, resolution=15.0, seed=3)


@pytest.fixture(scope="session")
def tiny_config(tiny_file):
    return build_config({"data": {"paths": [str(tiny_file)]}, "model": {"hidden": [8]}})


async def _stop_work_stealing(dask_scheduler):
    await dask_scheduler.extensions["stealing"].stop()


async def _start_work_stealing(dask_scheduler):
    await dask_scheduler.extensions["stealing"].start()


@contextlib.contextmanager
def work_stealing_paused(client):
    """dask's work stealing paused (every 100 ms it moves tasks queued on a busy worker to an
    idle one), restarted afterwards: for tests of where climann asks tasks to run, which a
    loaded machine can otherwise move (their placement is loose, so that a lost worker's
    tasks run elsewhere)."""
    client.run_on_scheduler(_stop_work_stealing)
    try:
        yield
    finally:
        client.run_on_scheduler(_start_work_stealing)
