"""One local dask cluster of 2 worker processes for all compute tests (starting one costs seconds).

It is shut down after the last compute test, and the garbage it left collected then: xarray
closes forgotten netCDF files in finalisers, and HDF5 must not run in two threads at once
(the cluster's client keeps threads of its own in this process).
"""

import gc
import logging

import pytest

from climann.workflow.config import build_config
from climann.data.sample_data import write_sample_dataset


@pytest.fixture(scope="package")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                      silence_logs=logging.ERROR) as local:
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
