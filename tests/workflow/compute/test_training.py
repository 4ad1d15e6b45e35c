"""Tests for climann/workflow/compute/training.py: data-parallel training equals training in one process."""

import dataclasses
import logging
import os
import signal

import numpy as np
import pytest

from climann.workflow.compute.chunks import chunk_blocks, persist_samples, scatter_arrays
from climann.workflow.compute.run import train_on_cluster
from climann.workflow.compute.training import chunks_per_step, distributed_sums, epoch_plan, train_distributed
from climann.data.batches import blocks_in_split
from climann.model import Network
from climann.workflow.pipeline import fit_network
from climann.workflow.preparation import open_selected, pointwise_source, prepare_data, resolve_inputs

FULL_BATCH = 10**9


def _flat(gradients):
    return np.concatenate([dW.ravel() for dW, _ in gradients] + [db for _, db in gradients])


@pytest.fixture(scope="module")
def prepared(tiny_config):
    """The in-memory path's data, and the same data persisted on the workers from the files."""
    config = resolve_inputs(tiny_config)
    source = pointwise_source(config, open_selected(config))
    return config, source, prepare_data(config, source)


def _persisted(client, prepared, block="train", dtype="float32"):
    config, source, data = prepared
    blocks = blocks_in_split(chunk_blocks(source, chunk_mb=32), data.split.time_masks[block])
    return persist_samples(client, source, blocks, input_scaler=data.input_scaler, target_scaler=data.target_scaler,
                           dtype=dtype)


@pytest.mark.parametrize(
    ("dtype", "tolerance"), [pytest.param("float64", 1e-11, id="float64"), pytest.param("float32", 2e-5, id="float32")]
)
def test_the_distributed_full_batch_gradient_equals_the_single_process_gradient(client, prepared, dtype, tolerance):
    _, source, data = prepared
    train = data.sample_masks["train"]
    network = Network([data.scaled_inputs.shape[1], 16, 8, 1], activation="tanh", seed=1, dtype=dtype)
    X = data.input_scaler.transform(data.samples.inputs[train], dtype)
    y = data.target_scaler.transform(data.samples.target[train], dtype)
    expected_loss, expected = network.loss_and_gradients(X, y)
    persisted = _persisted(client, prepared, dtype=dtype)
    try:
        assert persisted.n_samples == len(X) and len(persisted.rows) > 2
        sums = distributed_sums(client, network, network.parameter_vector, persisted, range(len(persisted.rows)))
    finally:
        persisted.release()
    assert sums.n_samples == len(X)
    assert sums.mean_loss() == pytest.approx(expected_loss, rel=tolerance)
    gradient = sums.gradient / sums.weight
    np.testing.assert_allclose(gradient, _flat(expected), rtol=tolerance, atol=tolerance * np.abs(gradient).max())


@pytest.mark.parametrize(
    "training", [pytest.param({"optimizer": "sgd", "learning_rate": 0.1}, id="gradient-descent"),
                 pytest.param({"optimizer": "adam", "learning_rate": 0.01, "l2": 1e-4}, id="adam-l2"),
                 pytest.param({"optimizer": "sgd", "learning_rate": 0.1, "area_weighted": True}, id="area-weighted-loss")]
)
def test_a_short_distributed_run_reaches_the_single_process_loss(client, prepared, training):
    config, source, data = prepared
    config = dataclasses.replace(config, training=dataclasses.replace(
        config.training, epochs=4, batch_size=FULL_BATCH, **training))
    network, history = fit_network(config, data)
    blocks = chunk_blocks(source, chunk_mb=32)
    trained = train_on_cluster(client, config, source, data.split, blocks)
    np.testing.assert_allclose(trained.history.train_loss, history.train_loss, rtol=2e-5)
    np.testing.assert_allclose(trained.history.val_loss, history.val_loss, rtol=2e-5)
    assert trained.history.train_loss[-1] < trained.history.train_loss[0]
    np.testing.assert_allclose(trained.network.parameter_vector, network.parameter_vector, rtol=1e-3, atol=1e-5)


def test_mini_batch_epochs_visit_every_chunk_once_in_a_seeded_order():
    plan = epoch_plan([0, 2, 3, 5, 7], per_step=2, rng=np.random.default_rng(0))
    again = epoch_plan([0, 2, 3, 5, 7], per_step=2, rng=np.random.default_rng(0))
    first, second = plan(1), plan(2)
    assert sorted(c for step in first for c in step) == [0, 2, 3, 5, 7]
    assert [len(step) for step in first] == [2, 2, 1]
    assert first != second  # a new order each epoch
    assert [again(1), again(2)] == [first, second]  # the same seed, the same steps
    assert epoch_plan(4, per_step=9, rng=np.random.default_rng(0))(1) == [[0, 1, 2, 3]]  # full batch


@pytest.mark.parametrize(
    ("batch_size", "expected"),
    [pytest.param(1, 1, id="at-least-one"), pytest.param(250, 3, id="rounded-up"), pytest.param(10**6, 4, id="all")],
)
def test_chunks_per_step_from_the_batch_size(client, batch_size, expected):
    chunked = scatter_arrays(client, np.zeros((400, 1)), np.zeros((400, 1)), n_chunks=4)  # 100 rows each
    assert chunks_per_step(batch_size, chunked) == expected
    chunked.release()


def test_the_same_seed_gives_the_same_weights_on_one_and_two_workers(client, prepared):
    from distributed import Client, LocalCluster

    rng = np.random.default_rng(0)
    X = rng.normal(size=(3000, 3)).astype(np.float32)
    y = (X[:, :1] * X[:, 1:2]).astype(np.float32)
    options = {"batch_size": 500, "seed": 4, "epochs": 3, "optimizer": "adam", "learning_rate": 0.01}
    results = []
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0",
                      silence_logs=logging.ERROR) as one, Client(one, set_as_default=False) as single:
        for cluster_client in (client, single):
            network = Network([3, 16, 1], seed=0)
            chunked = scatter_arrays(cluster_client, X, y, n_chunks=12)
            history = train_distributed(cluster_client, network, chunked, chunked, **options)
            results.append((network.parameter_vector.copy(), history.train_loss))
            chunked.release()
    (two_workers, two_losses), (one_worker, one_losses) = results
    np.testing.assert_allclose(two_workers, one_worker, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(two_losses, one_losses, rtol=1e-6)


def test_a_worker_lost_mid_training_is_recomputed_and_training_continues(client, prepared):
    config, source, data = prepared
    blocks = chunk_blocks(source, chunk_mb=32)
    pids = client.run(os.getpid)

    def kill_a_worker(epoch, history):
        if epoch == 1:
            os.kill(pids[sorted(pids)[0]], signal.SIGKILL)

    try:
        interrupted = train_on_cluster(client, config, source, data.split, blocks, on_epoch=kill_a_worker)
    finally:
        client.wait_for_workers(2, timeout=60)  # the nanny restarts the worker for the next tests
    assert set(client.run(os.getpid).values()) != set(pids.values())  # a worker was replaced
    uninterrupted = train_on_cluster(client, config, source, data.split, blocks)
    assert len(interrupted.history.train_loss) == config.training.epochs
    np.testing.assert_allclose(interrupted.network.parameter_vector, uninterrupted.network.parameter_vector,
                               rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize(
    ("batch_size", "level", "message"),
    [
        pytest.param(10, logging.WARNING, "a step covers whole chunks: 1 per step, ≈ 100 samples (batch_size 10), "
                     "8 steps per epoch", id="chunks-far-larger-than-the-batch"),
        pytest.param(200, logging.INFO, "mini-batch: 2 chunks per step (≈ 200 samples), 4 steps per epoch",
                     id="chunks-near-the-batch"),
        pytest.param(FULL_BATCH, logging.INFO, "full batch: 1 step per epoch over all 800 training samples (8 chunks)",
                     id="full-batch"),
    ],
)
def test_the_steps_of_an_epoch_are_logged_and_steps_far_larger_than_the_batch_warned(
    client, caplog, batch_size, level, message
):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(800, 3)), rng.normal(size=(800, 1))
    samples = scatter_arrays(client, X, y, n_chunks=8)
    with caplog.at_level(logging.INFO, logger="climann.run"):
        train_distributed(client, Network([3, 2, 1], seed=0), samples, batch_size=batch_size, epochs=1)
    logged = [(record.levelno, record.getMessage()) for record in caplog.records if "per epoch" in record.getMessage()]
    assert len(logged) == 1 and logged[0][0] == level and message in logged[0][1]
