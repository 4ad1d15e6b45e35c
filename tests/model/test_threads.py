"""Tests of climann/model/threads.py: BLAS threads chosen from the matrix sizes."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from climann.model import Network, train
from climann.model import network as network_module
from climann.model import threads
from climann.model.threads import (
    USER_VARIABLES,
    WORK_PER_THREAD,
    blas_threads,
    largest_product,
    limit_blas_threads,
    one_blas_thread,
    reader_threads,
    user_blas_setting,
)

SMALL = [8, 64, 64, 1]  # the usual layers, batch 256
OUTER = 3  # BLAS threads set around each test, so that a limit to 1 (or its undoing) shows


def blas_counts() -> list[int]:
    """The thread counts of every BLAS library loaded, as threadpoolctl reads them."""
    return [info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas"]


@pytest.fixture(autouse=True)
def no_user_setting(monkeypatch):
    """No BLAS variable from the environment, BLAS at OUTER threads around each test."""
    for name in USER_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(threads, "ENVIRONMENT_AT_IMPORT", dict.fromkeys(USER_VARIABLES, ""))
    with threadpool_limits(limits=OUTER, user_api="blas"):
        assert blas_counts() and set(blas_counts()) == {OUTER}
        yield


@pytest.fixture
def data():
    rng = np.random.default_rng(3)
    inputs = rng.standard_normal((600, 8)).astype(np.float32)
    return inputs, (np.sin(inputs[:, :1]) + inputs[:, 1:2] * inputs[:, 2:3]).astype(np.float32)


def run_in_thread(function):
    """``function()`` run in a new (not the main) thread; its result."""
    result = []
    worker = threading.Thread(target=lambda: result.append(function()))
    worker.start()
    worker.join()
    return result[0]


def test_largest_product_is_the_largest_layer_product():
    sizes = [5, 30, 7, 2]
    assert largest_product(sizes, 11) == 11 * 30 * 7  # the (11, 30) @ (30, 7) product


@pytest.mark.parametrize("cores", [pytest.param(n, id=f"{n}-cores") for n in (1, 2, 4, 64)])
def test_usual_small_layers_get_one_thread_on_any_machine(cores):
    assert largest_product(SMALL, 256) < WORK_PER_THREAD
    assert blas_threads(SMALL, 256, cores=cores) == 1


@pytest.mark.parametrize(
    ("hidden", "batch", "cores"),
    [
        pytest.param(1024, 4096, 2, id="large-2-cores"),
        pytest.param(1024, 4096, 16, id="large-16-cores"),
        pytest.param(2048, 8192, 8, id="larger-8-cores"),
        pytest.param(1024, 1024, 8, id="one-unit-8-cores"),
    ],
)
def test_large_products_get_one_thread_per_work_unit_up_to_the_cores(hidden, batch, cores):
    work = batch * hidden * hidden
    assert work >= WORK_PER_THREAD
    assert blas_threads([8, hidden, hidden, 1], batch, cores=cores) == min(cores, work // WORK_PER_THREAD)


def test_threads_other_than_the_main_thread_get_one():
    assert blas_threads([8, 1024, 1024, 1], 4096, cores=4) == 4
    assert run_in_thread(lambda: blas_threads([8, 1024, 1024, 1], 4096, cores=4)) == 1


def test_reader_threads_leave_the_busy_threads_their_cores():
    assert [reader_threads(1, cores=cores) for cores in (1, 2, 8)] == [1, 1, 7]
    assert reader_threads(4, cores=4) == 1


def test_the_context_limits_blas_and_restores_it():
    with limit_blas_threads(SMALL, 256) as chosen:
        inside = blas_counts()
    assert chosen == 1
    assert set(inside) == {1}
    assert set(blas_counts()) == {OUTER}


def test_the_context_restores_after_an_error():
    with pytest.raises(ZeroDivisionError), limit_blas_threads(SMALL, 256):
        1 / 0
    assert set(blas_counts()) == {OUTER}


def test_the_context_gives_large_products_more_threads(monkeypatch):
    monkeypatch.setattr(threads, "available_cores", lambda: 2)
    with limit_blas_threads([8, 1024, 1024, 1], 4096) as chosen:
        inside = blas_counts()
    assert chosen == 2 and set(inside) == {2}
    assert set(blas_counts()) == {OUTER}


@pytest.mark.parametrize("name", [pytest.param(name, id=name) for name in USER_VARIABLES])
def test_a_users_setting_is_kept(monkeypatch, name):
    monkeypatch.setitem(threads.ENVIRONMENT_AT_IMPORT, name, str(OUTER))  # set when climann was imported
    assert user_blas_setting() == f"{name}={OUTER}"
    with limit_blas_threads(SMALL, 256) as chosen:
        inside = blas_counts()
    assert chosen is None and set(inside) == {OUTER}


def test_an_empty_variable_is_no_setting(monkeypatch):
    monkeypatch.setitem(threads.ENVIRONMENT_AT_IMPORT, "OMP_NUM_THREADS", "")
    assert user_blas_setting() is None


@pytest.mark.parametrize("name", [pytest.param(name, id=name) for name in USER_VARIABLES])
def test_a_variable_set_after_climann_was_imported_is_no_setting(monkeypatch, name):
    """As a dask LocalCluster started in this process sets OMP_NUM_THREADS=1 and the like here
    for its workers: this process's BLAS keeps its threads, and climann keeps choosing them."""
    monkeypatch.setenv(name, "1")
    assert user_blas_setting() is None
    with limit_blas_threads(SMALL, 256) as chosen:
        inside = blas_counts()
    assert chosen == 1 and set(inside) == {1}
    assert set(blas_counts()) == {OUTER}


def test_the_environment_is_read_when_climann_is_imported(tmp_path):
    """In a new process with OMP_NUM_THREADS=2: the setting climann keeps."""
    import os
    import subprocess
    import sys

    code = "from climann.model.threads import user_blas_setting; print(user_blas_setting())"
    environment = {name: value for name, value in os.environ.items() if name not in USER_VARIABLES}
    result = subprocess.run([sys.executable, "-c", code], env=environment | {"OMP_NUM_THREADS": "2"},
                            capture_output=True, text=True, check=True, cwd=tmp_path)
    assert result.stdout.strip() == "OMP_NUM_THREADS=2"


def test_training_runs_with_one_thread_for_small_layers(data):
    inputs, target = data
    seen = []
    train(Network(SMALL, seed=0), inputs, target, epochs=2, batch_size=256,
          validation=(inputs[:100], target[:100]), callbacks=[lambda epoch, history: seen.append(blas_counts())])
    assert seen == [[1] * len(blas_counts())] * 2
    assert set(blas_counts()) == {OUTER}


def test_prediction_runs_with_the_chosen_threads(monkeypatch, data):
    seen = []
    original = network_module.forward

    def recording_forward(*args, **kwargs):
        seen.append(blas_counts())
        return original(*args, **kwargs)

    monkeypatch.setattr(network_module, "forward", recording_forward)
    Network(SMALL, seed=0).predict(data[0], batch_size=256)
    assert len(seen) == 3 and all(set(counts) == {1} for counts in seen)
    assert set(blas_counts()) == {OUTER}


def train_once(data) -> np.ndarray:
    network = Network(SMALL, seed=0)
    train(network, *data, epochs=2, batch_size=256, optimizer="adam", learning_rate=1e-2, seed=1)
    return np.concatenate([network.parameter_vector, network.predict(data[0]).ravel()])


def test_same_result_as_a_dask_worker_with_one_blas_thread(monkeypatch, data):
    """dask's worker processes run with OMP_NUM_THREADS=1: the rule gives the main process
    the same single thread for these layers, so both compute bit for bit alike."""
    chosen = train_once(data)
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    with threadpool_limits(limits=1, user_api="blas"):
        as_worker = train_once(data)
    np.testing.assert_array_equal(chosen, as_worker)


def test_one_blas_thread_for_a_pool_of_threads():
    with one_blas_thread() as chosen:
        inside, in_pool = blas_counts(), run_in_thread(blas_counts)
    assert chosen == 1 and set(inside) == set(in_pool) == {1}
    assert set(blas_counts()) == {OUTER}


def test_same_result_in_the_main_thread_and_in_a_pool_thread(data):
    """A pool started inside one_blas_thread (as dask's threaded scheduler is for
    predictions) computes what the main thread computes, bit for bit."""
    in_main = train_once(data)
    with one_blas_thread():
        in_pool = run_in_thread(lambda: train_once(data))
    np.testing.assert_array_equal(in_main, in_pool)
