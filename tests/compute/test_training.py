"""Tests for climann/compute/training.py: full-batch training on the cluster equals training in one
process; local SGD on the cluster equals local SGD computed in one process from the model layer's
pieces, with every setting (L2, clipping, schedule, area weights) applied."""

import dataclasses
import functools
import logging
import operator
import os
import signal

import numpy as np
import pytest

from climann.compute.chunks import chunk_blocks, persist_samples, scatter_arrays
from climann.compute.cluster import FAN_IN
from climann.compute.run import train_on_cluster
from climann.compute.training import Piece, distributed_sums, local_sgd_plan, train_distributed
from climann.config import build_config
from climann.data.batches import blocks_in_split
from climann.model import Network
from climann.model.batches import Batch
from climann.model.local_sgd import average_replicas, local_steps
from climann.model.optimizers import get_optimizer
from climann.model.sum_training import train_from_sums
from climann.model.sums import chunk_sums
from climann.pipeline import fit_network, run_training, training_options
from climann.preparation import open_selected, pointwise_source, prepare_data, resolve_inputs

FULL_BATCH = 10**9


def _flat(gradients):
    return np.concatenate([dW.ravel() for dW, _ in gradients] + [db for _, db in gradients])


@pytest.fixture(scope="module")
def prepared(tiny_config):
    """The in-memory path's data, and the same data persisted on the workers from the files."""
    config = resolve_inputs(tiny_config)
    source = pointwise_source(config, open_selected(config))
    return config, source, prepare_data(config, source)


def _persisted(client, prepared, block="train", dtype="float32", area_weighted=False):
    config, source, data = prepared
    blocks = blocks_in_split(chunk_blocks(source, chunk_mb=32), data.split.time_masks[block])
    return persist_samples(client, source, blocks, input_scaler=data.input_scaler, target_scaler=data.target_scaler,
                           dtype=dtype, area_weighted=area_weighted)


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


def _configured(config, **training):
    return dataclasses.replace(config, training=dataclasses.replace(config.training, **training))


#: One setting at a time, each strong enough to change every weight: a test that passes with
#: the setting ignored on the cluster cannot pass with it applied, and the reverse.
SETTINGS = [
    pytest.param({"l2": 0.05}, id="l2"),
    pytest.param({"clip_norm": 0.05}, id="clipping"),
    pytest.param({"schedule": "step", "decay_every": 1, "decay_factor": 0.3}, id="schedule"),
    pytest.param({"area_weighted": True}, id="area-weights"),
]
UNWEIGHTED = {"area_weighted": False}


def _tree_sum(parts):
    """The sum of ``parts`` as :func:`climann.compute.cluster.ordered_sum` adds them: groups of
    FAN_IN consecutive parts, level after level."""
    while len(parts) > 1:
        parts = [functools.reduce(operator.add, parts[i : i + FAN_IN]) for i in range(0, len(parts), FAN_IN)]
    return parts[0]


def _full_batch_in_process(network, tables, n_features, weighted, options):
    """Full-batch gradient descent in this process from the same chunk tables and the same
    ordered sums: the cluster must give these weights bit for bit."""
    def step(parameters):
        return _tree_sum([chunk_sums(network, parameters, table[:, :n_features], table[:, n_features : n_features + 1],
                                     table[:, n_features + 1] if weighted else None) for table in tables])

    train_from_sums(network, lambda epoch: [step], **options)
    return network.parameter_vector


@pytest.mark.parametrize("training", [pytest.param({}, id="defaults-unweighted"), *SETTINGS])
def test_full_batch_on_the_cluster_is_bit_identical_to_the_same_sums_in_one_process(client, prepared, training):
    config, source, data = prepared
    config = _configured(config, **(UNWEIGHTED | {"epochs": 3, "batch_size": FULL_BATCH, "optimizer": "adam",
                                                  "learning_rate": 0.01} | training))
    options = training_options(config)
    for key in ("batch_size", "seed", "loss", "early_stopping"):
        options.pop(key)
    persisted = _persisted(client, prepared, area_weighted=config.training.area_weighted)
    try:
        tables = client.gather(persisted.futures)
        network = Network([persisted.n_features, 8, 1], seed=2)
        expected = _full_batch_in_process(network.copy(), tables, persisted.n_features, persisted.weighted, options)
        train_distributed(client, network, persisted, batch_size=FULL_BATCH, **options)
    finally:
        persisted.release()
    np.testing.assert_array_equal(network.parameter_vector, expected)


@pytest.mark.parametrize("training", [pytest.param({}, id="defaults-unweighted"), *SETTINGS])
def test_a_full_batch_run_on_the_cluster_follows_the_run_in_one_process(client, prepared, training):
    """From the configuration through train_on_cluster (scalers fitted on the workers) against
    fit_network: correct runs differ by < 1e-6 (float32 sums in another order); a setting
    ignored on the cluster changes the weights by far more."""
    config, source, data = prepared
    config = _configured(config, **(UNWEIGHTED | {"epochs": 4, "batch_size": FULL_BATCH, "optimizer": "adam",
                                                  "learning_rate": 0.01} | training))
    network, history = fit_network(config, data)
    trained = train_on_cluster(client, config, source, data.split, chunk_blocks(source, chunk_mb=32))
    np.testing.assert_allclose(trained.history.train_loss, history.train_loss, rtol=1e-5)
    np.testing.assert_allclose(trained.history.val_loss, history.val_loss, rtol=1e-5)
    np.testing.assert_allclose(trained.network.parameter_vector, network.parameter_vector, rtol=0, atol=1e-5)


def _local_sgd_in_process(network, tables, rows, n_features, weighted, options, *, batch_size, seed, replicas,
                          sync_every):
    """Local SGD computed in one process from the model layer's pieces: every epoch at the
    schedule's learning rate, every round's replicas one after the other, then their average."""
    optimizer = get_optimizer(options["optimizer"])
    initial, epochs, schedule = optimizer.learning_rate, options["epochs"], options["schedule"]
    parameters = network.parameter_vector.copy()
    for epoch in range(1, epochs + 1):
        optimizer.learning_rate = schedule.learning_rate(epoch, initial=initial, epochs=epochs, losses=[])
        for pieces in local_sgd_plan(rows, replicas=replicas, batch_size=batch_size, sync_every=sync_every, seed=seed,
                                     epoch=epoch):
            results = []
            for piece in pieces:
                table = np.ascontiguousarray(tables[piece.chunk])
                data = Batch(np.ascontiguousarray(table[:, :n_features]),
                             np.ascontiguousarray(table[:, n_features : n_features + 1]),
                             np.ascontiguousarray(table[:, n_features + 1]) if weighted else None, None)
                results.append(local_steps(
                    network, parameters, optimizer, data, loss=options["loss"], l2=options["l2"],
                    clip_norm=options["clip_norm"], batch_size=batch_size,
                    rng=np.random.default_rng([seed, epoch, piece.chunk]), first_batch=piece.first_batch,
                    n_batches=piece.n_batches))
            parameters, state = average_replicas(results)
            optimizer.load_state_dict(state)
    return parameters


LOCAL = {"epochs": 3, "batch_size": 64, "optimizer": "adam", "learning_rate": 0.01, "seed": 5}


@pytest.mark.parametrize("sync_every", [pytest.param(0, id="rounds-of-a-chunk"), pytest.param(2, id="rounds-of-2-steps")])
@pytest.mark.parametrize("training", [pytest.param({}, id="defaults-unweighted"), *SETTINGS])
def test_local_sgd_on_the_cluster_is_bit_identical_to_local_sgd_in_one_process(client, prepared, training, sync_every):
    """The settings travel from the run's configuration (training_options, as run.py passes them)
    to every replica: the cluster's weights equal, bit for bit, those computed here with each
    setting applied; ignoring one on the cluster breaks the equality."""
    config, source, data = prepared
    config = _configured(config, **(UNWEIGHTED | LOCAL | training))
    options = training_options(config)
    batch_size, seed = options.pop("batch_size"), options.pop("seed")
    options.pop("early_stopping")
    persisted = _persisted(client, prepared, area_weighted=config.training.area_weighted)
    try:
        tables = client.gather(persisted.futures)
        network = Network([persisted.n_features, 8, 1], seed=2)
        # computed on a worker: the same BLAS (one thread) as the replicas'
        expected = client.submit(
            _local_sgd_in_process, network, tables, persisted.rows, persisted.n_features, persisted.weighted,
            options, batch_size=batch_size, seed=seed, replicas=2, sync_every=sync_every, pure=False).result()
        history = train_distributed(client, network, persisted, batch_size=batch_size, seed=seed,
                                    sync_every=sync_every, **options)
    finally:
        persisted.release()
    assert history.train_loss[-1] < history.train_loss[0]
    np.testing.assert_array_equal(network.parameter_vector, expected)
