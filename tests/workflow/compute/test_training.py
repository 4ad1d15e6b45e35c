"""Tests for climann/workflow/compute/training.py: full-batch training on the cluster equals training in one
process; local SGD on the cluster equals local SGD computed in one process from the model layer's
pieces, with every setting (L2, clipping, schedule, area weights) applied."""

import dataclasses
import functools
import logging
import operator
import os
import re
import signal

import distributed
import distributed.diagnostics.plugin
import numpy as np
import pytest

from climann.workflow.compute.chunks import ChunkedSamples, chunk_blocks, persist_samples, scatter_arrays
from climann.workflow.compute.cluster import FAN_IN
from climann.workflow.compute.run import train_on_cluster
from climann.workflow.compute import training
from climann.workflow.compute.training import (
    Piece,
    automatic_chunks_per_round,
    chunk_holders,
    distributed_sums,
    local_sgd_plan,
    replica_homes,
    train_distributed,
)
from climann.workflow.config import build_config
from tests.workflow.compute.conftest import work_stealing_paused
from climann.data.sample_data import write_sample_dataset
from climann.data.batches import blocks_in_split
from climann.errors import ClimannError
from climann.model import Network, StopRequest, TrainingDiverged, TrainingInterrupted, load_state, save_state
from climann.model.batches import Batch
from climann.model.local_sgd import average_replicas, local_steps
from climann.model.optimizers import get_optimizer
from climann.model.sum_training import train_from_sums
from climann.model.sums import chunk_sums
from climann.workflow.pipeline import fit_network, run_training, training_options
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
    """The sum of ``parts`` as :func:`climann.workflow.compute.cluster.ordered_sum` adds them: groups of
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


def test_a_run_reading_its_chunks_once_or_twice_trains_to_the_same_weights(client, prepared, monkeypatch):
    """The chunks read once (kept between the scaling pass and the tables: the default when they
    fit the workers' memory) or twice (larger data): the same scalers, tables and weights."""
    from climann.workflow.compute import run

    config, source, data = prepared
    config = _configured(config, **(LOCAL | {"epochs": 2}))
    blocks = chunk_blocks(source, chunk_mb=32)
    ready = []
    once = train_on_cluster(client, config, source, data.split, blocks, on_data_ready=lambda: ready.append(1))
    monkeypatch.setattr(run, "reads_once", lambda *arguments: False)
    twice = train_on_cluster(client, config, source, data.split, blocks)
    assert ready == [1]
    np.testing.assert_array_equal(once.input_scaler.mean, twice.input_scaler.mean)
    np.testing.assert_array_equal(once.target_scaler.std, twice.target_scaler.std)
    np.testing.assert_array_equal(once.network.parameter_vector, twice.network.parameter_vector)
    assert once.history.val_loss == twice.history.val_loss


def _local_sgd_in_process(network, tables, rows, n_features, weighted, options, *, batch_size, seed, replicas,
                          sync_every, chunks_per_round=1, scaled=True, dealt=False):
    """Local SGD computed in one process from the model layer's pieces: every epoch at the
    schedule's learning rate times the number of replicas (``scaled``, the default; else the
    schedule's rate), every round's replicas one after the other — a replica's chunks of the
    round in turn, each from where the previous one ended —, then their average."""
    optimizer = get_optimizer(options["optimizer"])
    initial, epochs, schedule = optimizer.learning_rate, options["epochs"], options["schedule"]
    parameters = network.parameter_vector.copy()
    for epoch in range(1, epochs + 1):
        rate = schedule.learning_rate(epoch, initial=initial, epochs=epochs, losses=[])
        optimizer.learning_rate = replicas * rate if scaled else rate
        for pieces in local_sgd_plan(rows, replicas=replicas, batch_size=batch_size, sync_every=sync_every, seed=seed,
                                     epoch=epoch, chunks_per_round=chunks_per_round, dealt=dealt):
            by_replica = {}
            for piece in pieces:
                by_replica.setdefault(piece.chunk % replicas if piece.replica is None else piece.replica, []).append(piece)
            results = []
            for share in by_replica.values():
                own_parameters, own_optimizer, loss_sum, weight_sum = parameters, optimizer, 0.0, 0.0
                for piece in share:
                    table = np.ascontiguousarray(tables[piece.chunk])
                    data = Batch(np.ascontiguousarray(table[:, :n_features]),
                                 np.ascontiguousarray(table[:, n_features : n_features + 1]),
                                 np.ascontiguousarray(table[:, n_features + 1]) if weighted else None, None)
                    result = local_steps(
                        network, own_parameters, own_optimizer, data, loss=options["loss"], l2=options["l2"],
                        clip_norm=options["clip_norm"], batch_size=batch_size,
                        rng=np.random.default_rng([seed, epoch, piece.chunk]), first_batch=piece.first_batch,
                        n_batches=piece.n_batches)
                    own_parameters, own_optimizer = result.parameters, get_optimizer(optimizer)  # the epoch's rate
                    own_optimizer.load_state_dict(result.optimizer)
                    loss_sum, weight_sum = loss_sum + result.loss_sum, weight_sum + result.weight_sum
                results.append(dataclasses.replace(result, loss_sum=loss_sum, weight_sum=weight_sum))
            parameters, state = average_replicas(results)
            optimizer.load_state_dict(state)
    return parameters


LOCAL = {"epochs": 3, "batch_size": 64, "optimizer": "adam", "learning_rate": 0.01, "seed": 5}


@pytest.mark.parametrize("sync_every", [pytest.param(0, id="rounds-of-a-chunk"), pytest.param(2, id="rounds-of-2-steps")])
@pytest.mark.parametrize("training", [pytest.param({}, id="defaults-unweighted"), *SETTINGS])
def test_local_sgd_on_the_cluster_is_bit_identical_to_local_sgd_in_one_process(client, prepared, training, sync_every):
    """The settings travel from the run's configuration (training_options, as run.py passes them)
    to every replica: the cluster's weights equal, bit for bit, those computed here with each
    setting applied; ignoring one on the cluster breaks the equality. Two epochs: the second
    steps at the step schedule's decayed rate, from the optimizer state the first left."""
    config, source, data = prepared
    config = _configured(config, **(UNWEIGHTED | LOCAL | {"epochs": 2} | training))
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
                                    sync_every=sync_every, chunks_per_round=1, **options)
    finally:
        persisted.release()
    assert history.train_loss[-1] < history.train_loss[0]
    np.testing.assert_array_equal(network.parameter_vector, expected)


@pytest.mark.parametrize("training", [pytest.param({}, id="adam-constant"),
                                      pytest.param({"optimizer": "momentum", "schedule": "cosine"}, id="momentum-cosine")])
def test_the_replicas_step_at_k_times_the_epochs_learning_rate_unless_told_not_to(client, prepared, training):
    """scale_learning_rate (the default): each of the 2 replicas steps at 2 × the schedule's rate
    of the epoch, the linear scaling rule; False: at the schedule's rate. Each equals, bit for
    bit, local SGD computed here with that rate, and the two differ. The history keeps the
    schedule's rate."""
    config, source, data = prepared
    config = _configured(config, **(UNWEIGHTED | LOCAL | training))
    options = training_options(config)
    batch_size, seed = options.pop("batch_size"), options.pop("seed")
    options.pop("early_stopping")
    persisted = _persisted(client, prepared, area_weighted=False)
    weights = {}
    try:
        tables = client.gather(persisted.futures)
        network = Network([persisted.n_features, 8, 1], seed=2)
        for scaled in (True, False):
            expected = client.submit(
                _local_sgd_in_process, network, tables, persisted.rows, persisted.n_features, persisted.weighted,
                options, batch_size=batch_size, seed=seed, replicas=2, sync_every=0, scaled=scaled,
                pure=False).result()
            trained = network.copy()
            history = train_distributed(client, trained, persisted, batch_size=batch_size, seed=seed,
                                        chunks_per_round=1, scale_learning_rate=scaled, **options)
            np.testing.assert_array_equal(trained.parameter_vector, expected)
            initial = get_optimizer(options["optimizer"]).learning_rate
            assert history.learning_rate == [
                options["schedule"].learning_rate(epoch, initial=initial, epochs=LOCAL["epochs"], losses=[])
                for epoch in range(1, LOCAL["epochs"] + 1)]
            weights[scaled] = expected
    finally:
        persisted.release()
    assert not np.array_equal(weights[True], weights[False])


@pytest.mark.parametrize(("training", "chunks_per_round", "dealt"), [
    pytest.param({}, 2, False, id="defaults-unweighted-2"),
    pytest.param({"l2": 0.05}, 2, False, id="l2-2"),
    pytest.param({}, 0, False, id="defaults-unweighted-automatic"),
    pytest.param({}, 2, True, id="dealt-anew-each-epoch-2"),
])
def test_rounds_of_several_chunks_on_the_cluster_are_bit_identical_to_the_same_rounds_in_one_process(
        client, prepared, training, chunks_per_round, dealt):
    """chunks_per_round = 2 (or automatic: here a replica's whole share of the epoch): each
    replica steps through its chunks of the round, each from where the previous one ended,
    before the average."""
    config, source, data = prepared
    config = _configured(config, **(UNWEIGHTED | LOCAL | training))
    options = training_options(config)
    batch_size, seed = options.pop("batch_size"), options.pop("seed")
    options.pop("early_stopping")
    persisted = _persisted(client, prepared)
    try:
        tables = client.gather(persisted.futures)
        first_round = local_sgd_plan(persisted.rows, replicas=2, batch_size=batch_size, sync_every=0, seed=seed,
                                     epoch=2, chunks_per_round=chunks_per_round)[0]
        assert len(first_round) == (4 if chunks_per_round else len(persisted.rows))  # 2 chunks of each replica, or all
        network = Network([persisted.n_features, 8, 1], seed=2)
        expected = client.submit(
            _local_sgd_in_process, network, tables, persisted.rows, persisted.n_features, persisted.weighted,
            options, batch_size=batch_size, seed=seed, replicas=2, sync_every=0, chunks_per_round=chunks_per_round,
            dealt=dealt, pure=False).result()
        one_chunk = client.submit(
            _local_sgd_in_process, network, tables, persisted.rows, persisted.n_features, persisted.weighted,
            options, batch_size=batch_size, seed=seed, replicas=2, sync_every=0, pure=False).result()
        train_distributed(client, network, persisted, batch_size=batch_size, seed=seed,
                          **({"chunks_per_round": chunks_per_round} if chunks_per_round else {}),
                          chunks_to_replicas="dealt" if dealt else "fixed", **options)
    finally:
        persisted.release()
    np.testing.assert_array_equal(network.parameter_vector, expected)
    assert not np.array_equal(expected, one_chunk)  # another algorithm than rounds of one chunk


def _xy(n=3000, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3)).astype(np.float32)
    return X, (X[:, :1] * X[:, 1:2]).astype(np.float32)


LOCAL_OPTIONS = {"batch_size": 100, "seed": 4, "epochs": 3, "optimizer": "adam", "learning_rate": 0.01,
                 "chunks_per_round": 1}


def _train_scattered(cluster_client, X, y, **options):
    network = Network([3, 16, 1], seed=0)
    chunked = scatter_arrays(cluster_client, X, y, n_chunks=12)
    try:
        history = train_distributed(cluster_client, network, chunked, chunked, **(LOCAL_OPTIONS | options))
    finally:
        chunked.release()
    return network.parameter_vector.copy(), history


def test_the_same_seed_and_workers_give_bit_identical_weights_twice(client):
    X, y = _xy()
    (first, first_history), (second, second_history) = (_train_scattered(client, X, y) for _ in range(2))
    np.testing.assert_array_equal(first, second)
    assert first_history.train_loss == second_history.train_loss and first_history.val_loss == second_history.val_loss
    assert not np.array_equal(_train_scattered(client, X, y, seed=5)[0], first)  # the seed matters


def test_local_sgd_depends_on_the_number_of_replicas_not_on_where_they_run(client):
    """2 replicas on 1 worker = 2 replicas on 2 worker processes (what a run resumed on another
    cluster relies on); 1 replica is another algorithm. The one worker is that of a streamed
    run, in this process (one thread, one BLAS thread): no worker process to start and import
    climann in."""
    from climann.workflow.compute.executor import in_process_client

    X, y = _xy()
    on_two, _ = _train_scattered(client, X, y)
    with in_process_client() as single:
        assert len(single.scheduler_info()["workers"]) == 1
        on_one, _ = _train_scattered(single, X, y, replicas=2)
        one_replica, _ = _train_scattered(single, X, y)
    np.testing.assert_array_equal(on_one, on_two)
    assert not np.array_equal(one_replica, on_two)


class _StopAfterReads(StopRequest):
    """A stop request that turns true at its ``reads``-th read (the loop reads it once after
    every round and once after every epoch)."""

    def __init__(self, reads):
        self.reads = reads

    @property
    def requested(self):
        self.reads -= 1
        return self.reads <= 0


@pytest.mark.parametrize("sync_every", [pytest.param(0, id="rounds-of-a-chunk"), pytest.param(3, id="rounds-of-3-steps")])
def test_local_sgd_stopped_after_a_round_resumes_from_its_checkpoint_to_the_same_weights(client, tmp_path, sync_every):
    X, y = _xy()
    expected, expected_history = _train_scattered(client, X, y, sync_every=sync_every)
    with pytest.raises(TrainingInterrupted) as interrupted:
        _train_scattered(client, X, y, sync_every=sync_every, stop=_StopAfterReads(4))
    assert (interrupted.value.state.epoch, interrupted.value.state.batch) == (0, 4)
    save_state(tmp_path / "state.npz", interrupted.value.state)
    state, _ = load_state(tmp_path / "state.npz")
    assert state.rng["local_sgd"]["replicas"] == 2
    resumed, history = _train_scattered(client, X, y, sync_every=sync_every, initial_state=state)
    np.testing.assert_array_equal(resumed, expected)
    assert history.train_loss == expected_history.train_loss
    with pytest.raises(ClimannError, match="does not continue this run"):
        _train_scattered(client, X, y, sync_every=sync_every + 1, initial_state=state)
    assert state.rng["local_sgd"]["learning_rate_factor"] == 2
    with pytest.raises(ClimannError, match="does not continue this run"):  # the replicas' rate is the run's too
        _train_scattered(client, X, y, sync_every=sync_every, scale_learning_rate=False, initial_state=state)


def test_chunks_dealt_anew_each_epoch_resume_per_round_to_the_uninterrupted_runs_bits(client, tmp_path):
    """Dealt chunks (the configuration's default): a checkpoint between rounds resumes to the
    uninterrupted run's bits (the same seed and replicas, the same deal), and it records the
    dealing: a run with chunks fixed to their replicas (a checkpoint from before) does not
    continue it."""
    X, y = _xy()
    dealt = {"chunks_to_replicas": "dealt", "epochs": 2}
    expected, expected_history = _train_scattered(client, X, y, **dealt)
    with pytest.raises(TrainingInterrupted) as interrupted:
        _train_scattered(client, X, y, stop=_StopAfterReads(9), **dealt)
    assert interrupted.value.state.epoch == 1 and interrupted.value.state.batch > 0  # inside epoch 2
    save_state(tmp_path / "state.npz", interrupted.value.state)
    state, _ = load_state(tmp_path / "state.npz")
    assert state.rng["local_sgd"]["chunks_to_replicas"] == "dealt"
    resumed, history = _train_scattered(client, X, y, initial_state=state, **dealt)
    np.testing.assert_array_equal(resumed, expected)
    assert history.train_loss == expected_history.train_loss
    with pytest.raises(ClimannError, match="does not continue this run"):
        _train_scattered(client, X, y, initial_state=state, epochs=2)


@pytest.mark.parametrize("seed", [pytest.param(0, id="seed-0"), pytest.param(7, id="seed-7")])
def test_dealt_chunks_visit_every_chunk_once_with_other_replicas_each_epoch(seed):
    """16 chunks of 6 months on 2 replicas: fixed, replica 0 holds chunks 0, 2, 4 … (January
    to June) every epoch; dealt, each replica gets 8 chunks, of both halves of the year, and
    other chunks in other epochs."""
    rows = [100] * 16
    plan = lambda epoch, dealt: local_sgd_plan(rows, replicas=2, batch_size=30, sync_every=0,  # noqa: E731
                                               seed=seed, epoch=epoch, chunks_per_round=2, dealt=dealt)
    owners = {}
    for epoch in (1, 2, 3):
        pieces = [piece for pieces in plan(epoch, True) for piece in pieces]
        assert sorted(piece.chunk for piece in pieces) == list(range(16))
        owners[epoch] = {piece.chunk: piece.replica for piece in pieces}
        assert sorted(owners[epoch].values()) == [0] * 8 + [1] * 8
        for round_pieces in plan(epoch, True):  # a round: 2 chunks of each replica
            assert sorted(piece.replica for piece in round_pieces) == [0, 0, 1, 1]
            assert [piece.replica for piece in training.replica_shares(round_pieces, 2)[0]] == [round_pieces[0].replica] * 2
        assert plan(epoch, True) == plan(epoch, True)
        assert {piece.chunk % 2 for piece in pieces if piece.replica == 0} == {0, 1}  # both halves of the year
        fixed = [piece for pieces in plan(epoch, False) for piece in pieces]
        assert all(piece.replica is None and piece.replica_of(2) == piece.chunk % 2 for piece in fixed)
    assert owners[1] != owners[2] != owners[3]
    one = local_sgd_plan(rows, replicas=1, batch_size=30, sync_every=0, seed=seed, epoch=2, dealt=True)
    assert one == local_sgd_plan(rows, replicas=1, batch_size=30, sync_every=0, seed=seed, epoch=2)  # streamed: as before


@pytest.mark.parametrize(("holders", "homes"), [
    pytest.param(["a", "b", "a", "b"], ["a", "b"], id="each-its-own"),
    pytest.param(["a", "a", "a", "b"], ["a", "b"], id="the-second-takes-the-other-worker"),
    pytest.param([None, None, None, None], [None, None], id="nothing-held"),
])
def test_replicas_of_a_round_of_dealt_chunks_run_on_different_workers(holders, homes):
    pieces = [Piece(0, 0, 1, 0), Piece(2, 0, 1, 0), Piece(1, 0, 1, 1), Piece(3, 0, 1, 1)]
    assert training.round_homes(pieces, holders, 2) == homes


@pytest.mark.parametrize(("replicas", "sync_every"), [pytest.param(2, 0, id="2-replicas-whole-chunks"),
                                                      pytest.param(3, 2, id="3-replicas-2-steps")])
def test_an_epoch_of_local_sgd_visits_every_batch_of_every_chunk_once(replicas, sync_every):
    rows = [250, 0, 90, 300, 100, 120, 5]
    plan = lambda epoch: local_sgd_plan(rows, replicas=replicas, batch_size=100, sync_every=sync_every,  # noqa: E731
                                        seed=1, epoch=epoch)
    rounds = plan(1)
    seen = sorted((piece.chunk, batch) for pieces in rounds for piece in pieces
                  for batch in range(piece.first_batch, piece.first_batch + piece.n_batches))
    assert seen == sorted((chunk, batch) for chunk, n in enumerate(rows) for batch in range(-(-n // 100)))
    for pieces in rounds:
        lanes = [piece.chunk % replicas for piece in pieces]
        assert len(set(lanes)) == len(lanes)  # at most one chunk of each replica (worker) per round
        assert all(piece.n_batches <= (sync_every or 10**9) for piece in pieces)
    assert plan(1) == rounds  # the same seed and epoch, the same rounds
    assert len({tuple(piece.chunk for pieces in plan(epoch) for piece in pieces) for epoch in range(1, 6)}) > 1


def test_rounds_of_several_chunks_hold_the_next_chunks_of_every_replica_in_its_order():
    rows = [100, 0, 100, 100, 100, 100, 100, 100]  # replica 0: chunks 0, 2, 4, 6; replica 1: 3, 5, 7
    one = local_sgd_plan(rows, replicas=2, batch_size=30, sync_every=0, seed=4, epoch=2)
    three = local_sgd_plan(rows, replicas=2, batch_size=30, sync_every=0, seed=4, epoch=2, chunks_per_round=3)
    lanes = [[piece.chunk for pieces in one for piece in pieces if piece.chunk % 2 == replica] for replica in (0, 1)]
    assert sorted(lanes[0]) == [0, 2, 4, 6] and sorted(lanes[1]) == [3, 5, 7]
    assert [[piece.chunk for piece in pieces] for pieces in three] == [lanes[0][:3] + lanes[1], lanes[0][3:]]
    assert all(piece == Piece(piece.chunk, 0, 4) for pieces in three for piece in pieces)
    with pytest.raises(ClimannError, match="chunks_per_round"):
        local_sgd_plan(rows, replicas=2, batch_size=30, sync_every=2, seed=4, epoch=2, chunks_per_round=2)


@pytest.mark.parametrize(("rows", "batch_size", "expected"), [
    pytest.param([36000] * 12, 256, 6, id="sample-one-round-per-epoch"),  # 6 × 141 = 846 steps < 1000: one round
    pytest.param([260000] * 93, 256, 1, id="large-file-one-chunk"),  # 1016 steps per chunk
    pytest.param([600] * 10, 1, 2, id="two-of-five-chunks"),  # 3000 steps: 3 rounds of ⌈5 / 3⌉ chunks
    pytest.param([600, 0, 600, 0, 600], 1, 3, id="one-replica-empty"),  # replica 0: 3 chunks, 1800 steps: 1 round
])
def test_automatic_rounds_hold_about_a_thousand_steps_of_each_replica_after_a_first_epoch_of_single_chunks(
        rows, batch_size, expected):
    assert automatic_chunks_per_round(rows, replicas=2, batch_size=batch_size) == expected
    plan = lambda epoch, chunks_per_round: local_sgd_plan(  # noqa: E731
        rows, replicas=2, batch_size=batch_size, sync_every=0, seed=0, epoch=epoch, chunks_per_round=chunks_per_round)
    assert plan(1, 0) == plan(1, 1)  # the warm-up epoch
    assert plan(2, 0) == plan(2, expected) and plan(5, 0) == plan(5, expected)


def _rounds_warning(caplog, client, X, y, **options):
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        _train_scattered(client, X, y, **{"epochs": 1} | options)
    return [record.getMessage() for record in caplog.records if "rounds are short" in record.getMessage()]


def test_short_rounds_of_local_sgd_are_warned_about_with_what_to_change(client, caplog):
    """12 chunks of 250 samples in batches of 100: 3 steps per round; rounds of 6 chunks: 18."""
    X, y = _xy()
    (warning,) = _rounds_warning(caplog, client, X, y)
    assert "≈ 3 steps of 100 samples per replica" in warning and "chunks of ≈ 250 samples" in warning
    # rounds of all 6 chunks of a replica hold 18 steps: no chunks_per_round clears it, nor more epochs
    assert "an epoch gives each replica ≈ 18 steps, too few for longer rounds: train in one process" in warning
    assert "chunks_per_round =" not in warning and "epochs" not in warning
    (warning,) = _rounds_warning(caplog, client, X, y, sync_every=2)
    # fix37b: it said "[compute] sync_every = 0", whose rounds (of up to 6 chunks: 18 steps) are still short
    assert "≈ 2 steps" in warning and "too few for longer rounds: train in one process" in warning
    assert "sync_every =" not in warning and "chunks_per_round =" not in warning
    assert len(_rounds_warning(caplog, client, X, y, chunks_per_round=6)) == 1  # 18 steps: still short
    assert _rounds_warning(caplog, client, X, y, batch_size=10, chunks_per_round=2) == []  # 50 steps
    assert _rounds_warning(caplog, client, X, y, replicas=1) == []  # one replica: ordinary mini-batch SGD
    # automatic rounds: the warm-up epoch's rounds of one chunk (5 steps) are short by design; the
    # later rounds of 6 chunks (30 steps) are what is judged
    assert _rounds_warning(caplog, client, X, y, batch_size=50, chunks_per_round=0, epochs=3) == []


@pytest.mark.parametrize(("batch_size", "sync_every", "advice"), [
    # 50 steps per chunk: rounds of s steps cut a chunk into ⌈50 / s⌉ rounds; 25 is the first
    # whose mean round holds 20 steps (s = 20: 20, 20, 10, mean 16.7; s = 24: 24, 24, 2)
    pytest.param(5, 5, "([compute] sync_every = 25)", id="steps-per-round-that-clear-it"),
    # 25 steps per chunk: s = 20 gives 20 and 5 (mean 12.5); only a whole chunk per round clears it
    pytest.param(10, 5, "([compute] sync_every = 0, chunks_per_round = 1)", id="whole-chunks-clear-it"),
])
def test_the_advice_on_short_rounds_of_sync_every_steps_clears_the_warning_when_followed(
        client, caplog, batch_size, sync_every, advice):
    """fix37b: rounds of ``[compute] sync_every`` steps too short were told "[compute]
    sync_every = 0", whose rounds of whole chunks may be as short; the advice now names the
    values that clear the warning, followed here literally (12 chunks of 250 samples)."""
    X, y = _xy()
    (warning,) = _rounds_warning(caplog, client, X, y, batch_size=batch_size, sync_every=sync_every)
    assert advice in warning, warning
    settings = dict(re.findall(r"(\w+) = (\d+)", re.search(r"\(\[compute\] ([^)]*)\)", warning).group(1)))
    followed = {name: int(value) for name, value in settings.items()}
    assert _rounds_warning(caplog, client, X, y, batch_size=batch_size, **{"sync_every": sync_every} | followed) == []


def test_chunks_smaller_than_a_batch_are_warned_about_instead_of_short_rounds(client, caplog):
    X, y = _xy()  # 12 chunks of 250 samples
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        _train_scattered(client, X, y, epochs=1, batch_size=300)
    (warning,) = [record.getMessage() for record in caplog.records]
    assert "chunks (≈ 250 samples) are smaller than a batch of 300" in warning and "one process" in warning


def test_the_log_describes_the_warm_up_rounds_and_the_longer_rounds_after_them(client, caplog):
    """12 chunks of 250 samples in batches of 100, automatic rounds: epoch 1 has rounds of one
    chunk (3 steps per replica), epoch 2 on rounds of all 6 chunks of a replica (18 steps)."""
    X, y = _xy()
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="climann"):
        _train_scattered(client, X, y, epochs=3, chunks_per_round=0)
    lines = [record.getMessage() for record in caplog.records if record.getMessage().startswith("local SGD: ")]
    assert len(lines) == 2, lines
    assert "rounds of one chunk (≈ 3 steps" in lines[0] and "6 round(s) per epoch" in lines[0]
    assert "rounds of 6 chunks per replica (≈ 18 steps" in lines[1] and "1 round(s) per epoch" in lines[1]
    assert sum("rounds are short" in record.getMessage() for record in caplog.records) == 1  # warned once


def test_a_run_of_few_averaged_steps_is_warned_about_with_the_epochs_it_needs(client, caplog, monkeypatch):
    """12 chunks of 250 samples, batches of 100, 2 replicas: 18 steps of the average per epoch."""
    monkeypatch.setattr(training, "MIN_RUN_STEPS", 50)
    X, y = _xy()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        _train_scattered(client, X, y, epochs=2)
    (warning,) = [record.getMessage() for record in caplog.records if "steps of the averaged model" in record.getMessage()]
    assert "≈ 36 steps of the averaged model in 2 epochs" in warning and "more epochs (≈ 3)" in warning
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        _train_scattered(client, X, y, epochs=3)  # 54 steps
    assert "steps of the averaged model" not in caplog.text


def test_a_resumed_run_warns_of_the_same_averaged_steps_as_its_first_part(client, caplog, monkeypatch, tmp_path):
    """break36b B7: chunks dealt anew each epoch give the replicas shares of other lengths, and a
    run resumed in a later epoch counted that epoch's share times the epochs (≈ 1660 where its
    first part said ≈ 1680). 1250 samples in 12 chunks (105, 105, then ten of 104) in batches of
    104 on 2 replicas, seed 4: the longer share takes 8, 8, 8 and 7 steps in epochs 1–4 (dealt:
    6 + 8, 6 + 8, 8 + 6, 7 + 7 batches), 31 in the run."""
    monkeypatch.setattr(training, "MIN_RUN_STEPS", 50)
    X, y = _xy(n=1250)
    options = {"chunks_to_replicas": "dealt", "epochs": 4, "batch_size": 104}

    def warning(**more):
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="climann"):
            try:
                _train_scattered(client, X, y, **options, **more)
            except TrainingInterrupted as interrupted:
                save_state(tmp_path / "state.npz", interrupted.state)
        (said,) = [record.getMessage() for record in caplog.records if "steps of the averaged model" in record.getMessage()]
        return said

    first = warning(stop=_StopAfterReads(22))  # 6 rounds and the epoch's end per epoch: in epoch 4
    state, _ = load_state(tmp_path / "state.npz")
    assert (state.epoch, state.batch > 0) == (3, True)
    resumed = warning(initial_state=state)
    assert "≈ 31 steps of the averaged model in 4 epochs" in first
    assert resumed == first


class _CancelRecorder:
    def __init__(self):
        self.cancelled = []

    def cancel(self, futures):
        self.cancelled.append(futures)


def test_the_next_epochs_first_round_submitted_ahead_is_taken_only_for_the_same_start():
    """While epoch 1's validation runs, epoch 2's first round is submitted from the end of
    epoch 1 at the schedule's rate for epoch 2; the round takes it only if its own start (the
    weights, the optimizer's state and rate) is the same, else cancels it and submits anew."""
    from types import SimpleNamespace

    from climann.model import Adam

    client, submitted = _CancelRecorder(), []
    ahead = training._Ahead(client, lambda epoch: 0.5 if epoch == 2 else None)
    optimizer = Adam(0.1)
    optimizer.load_state_dict({"first_moment": np.ones(3), "second_moment": np.ones(3), "n_steps": 7})
    ahead.stepper, ahead.epoch = SimpleNamespace(optimizer=optimizer), 1
    ahead.next_round = (2, lambda start: submitted.append(start) or [f"task {len(submitted)}"])
    parameters = np.arange(3.0)

    def start(rate=0.5, weights=parameters, n_steps=7):
        own = Adam(rate)
        own.load_state_dict({"first_moment": np.ones(3), "second_moment": np.ones(3), "n_steps": n_steps})
        return weights.copy(), own

    ahead.submit_next(parameters)
    assert submitted[-1][1].learning_rate == 0.5 and optimizer.learning_rate == 0.1  # a copy at the guessed rate
    assert ahead.take(2, start()) == ["task 1"] and client.cancelled == []
    for other in (start(rate=0.4), start(weights=parameters + 1e-12), start(n_steps=8)):
        ahead.submit_next(parameters)
        assert ahead.take(2, other) is None and client.cancelled[-1] == [f"task {len(submitted)}"]
    ahead.submit_next(parameters)
    assert ahead.take(3, start()) is None  # another epoch's round
    ahead.epoch = 2
    ahead.submit_next(parameters)  # no guess for epoch 3 (e.g. reduce_on_plateau)
    assert ahead.pending is None and len(submitted) == 5


@pytest.mark.parametrize(("holders", "homes"), [
    pytest.param(["a", "b", "a", "b"], ["a", "b"], id="chunk-k-on-worker-k-mod-2"),
    pytest.param(["b", "a", "a", "a", "b", "b"], ["b", "a"], id="most-chunks"),
    pytest.param(["b", "a", "a", "b"], ["a", "a"], id="a-tie-goes-to-the-first-address"),
    pytest.param([None, "b", None, "b"], [None, "b"], id="nothing-held"),
    pytest.param(["a", "b", "c"], ["a", "b", "c"], id="three-replicas"),
])
def test_each_replica_is_placed_on_the_worker_holding_most_of_its_chunks(holders, homes):
    assert replica_homes(holders, len(homes)) == homes


def _restrictions(keys, dask_scheduler=None):
    return [set(dask_scheduler.tasks[key].worker_restrictions or ()) for key in keys]


def _submit_a_round(client, persisted, homes, *, chunks_per_round):
    """The first round of epoch 2 of local SGD on 2 replicas over ``persisted``, submitted to
    the replicas' ``homes``: the network (4 hidden units) and the round's futures."""
    network = Network([persisted.n_features, 4, 1], seed=0)
    settings = training.shared_value(client, training._LocalSettings(
        network, persisted.n_features, False, "mse", 0.0, None, 32, 0))
    pieces = local_sgd_plan(persisted.rows, replicas=2, batch_size=32, sync_every=0, seed=0, epoch=2,
                            chunks_per_round=chunks_per_round)[0]
    return network, training._submit_round(client, settings, persisted, pieces, 2, 2,
                                           (network.parameter_vector.copy(), get_optimizer("adam")), homes)


def test_the_replicas_of_a_round_are_sent_to_the_workers_holding_their_chunks(client, prepared):
    """Replica k's task is restricted (loosely: a lost worker's tasks go elsewhere) to the worker
    holding most of its chunks; left to itself, dask may queue both replicas on one worker."""
    persisted = _persisted(client, prepared)
    try:
        holders = chunk_holders(client, persisted)
        held = client.who_has(persisted.futures)
        assert all(holder in held[future.key] for holder, future in zip(holders, persisted.futures, strict=True))
        homes = replica_homes(holders, 2)
        network, futures = _submit_a_round(client, persisted, homes, chunks_per_round=2)
        client.gather(futures)  # (the tasks have reached the scheduler)
        assert client.run_on_scheduler(_restrictions, [future.key for future in futures]) == [{home} for home in homes]
    finally:
        persisted.release()


def _sleep(seconds):
    import time

    time.sleep(seconds)


def test_an_epochs_validation_runs_before_the_next_round_submitted_with_it(client, prepared):
    """At the end of an epoch the validation's tasks and the next epoch's first round (submitted
    ahead, :class:`~climann.workflow.compute.training._Ahead`) reach the workers together; each
    worker must run the validation first, else the client learns the loss a round late and the
    workers idle while it ends the epoch. Both workers are kept busy while the tasks arrive,
    so that each picks its next task from a queue holding both kinds.

    Work stealing is paused: the two busy tasks end a little apart, and in that gap it may move
    the other worker's queued round, then its validation, to the idle one, which then runs a
    round before a validation (the test failed once in about ten runs of the whole suite, on a
    loaded machine). What is tested is the order of one worker's own queue. In a run the
    validation and the next round are submitted when every replica's round has ended, so no
    worker is busy then (a 5-epoch run of the sample on 2 workers, 1 Dec 2026, had its
    evaluation's tasks stolen twice and none of its training's)."""
    persisted = _persisted(client, prepared)
    try:
        holders = chunk_holders(client, persisted)
        homes = replica_homes(holders, 2)
        network = Network([persisted.n_features, 4, 1], seed=0)
        workers = sorted(client.scheduler_info()["workers"])
        with work_stealing_paused(client):
            busy = [client.submit(_sleep, 0.5, workers=[worker], pure=False) for worker in workers]
            filled = [index for index, rows in enumerate(persisted.rows) if rows > 0]
            validation = training._validation_parts(client, network, network.parameter_vector.copy(), persisted,
                                                    filled, "mse", holders)
            _, rounds = _submit_a_round(client, persisted, homes, chunks_per_round=0)
            with client.as_current():
                finished = [future.key for future in distributed.as_completed(validation + rounds)]
        ran_on = {key: min(where) for key, where in client.who_has(validation + rounds).items()}
        for worker in workers:
            here = [("validation" if key in {f.key for f in validation} else "round") for key in finished
                    if ran_on[key] == worker]
            assert here == sorted(here, key=["validation", "round"].index), (worker, here)
        assert {ran_on[future.key] for future in rounds} == set(workers)  # a round on each worker
        del busy
    finally:
        persisted.release()


class _Graphs(distributed.diagnostics.plugin.SchedulerPlugin):
    """On the scheduler: the keys of each graph it receives (one per message of a client)."""

    name = "climann-test-graphs"

    def __init__(self):
        self.graphs = []

    def update_graph(self, scheduler, *, keys, **kwargs):
        self.graphs.append(sorted(map(str, keys)))


def _received_graphs(dask_scheduler):
    return dask_scheduler.plugins[_Graphs.name].graphs


def test_a_rounds_replicas_and_a_validations_parts_each_reach_the_scheduler_in_one_message(client, prepared):
    """Tasks submitted one by one reached the scheduler in two messages: the client's batched
    stream held the second for up to 10 ms, and the round (or the validation) ended that much
    later while the other worker waited (``climann.workflow.compute.cluster.submit_together``)."""
    persisted = _persisted(client, prepared)
    client.register_plugin(_Graphs())
    try:
        holders = chunk_holders(client, persisted)
        network = Network([persisted.n_features, 4, 1], seed=0)
        filled = [index for index, rows in enumerate(persisted.rows) if rows > 0]
        validation = training._validation_parts(client, network, network.parameter_vector.copy(), persisted,
                                                filled, "mse", holders)
        _, rounds = _submit_a_round(client, persisted, replica_homes(holders, 2), chunks_per_round=0)
        client.gather(validation + rounds)
        graphs = client.run_on_scheduler(_received_graphs)
    finally:
        client.unregister_scheduler_plugin(_Graphs.name)
        persisted.release()
    assert len(validation) > 1 and len(rounds) == 2
    for futures in (validation, rounds):
        assert sorted(str(future.key) for future in futures) in graphs, graphs


def test_rounds_of_whole_chunks_pair_one_chunk_of_each_replica():
    rounds = local_sgd_plan([100] * 5, replicas=2, batch_size=30, sync_every=0, seed=0, epoch=1)
    assert [len(pieces) for pieces in rounds] == [2, 2, 1]
    assert all(piece == Piece(piece.chunk, 0, 4) for pieces in rounds for piece in pieces)
    assert {piece.chunk for piece in rounds[-1]} <= {0, 2, 4}  # replica 0 holds the odd one out


@pytest.fixture(scope="module")
def yearly_chunks_file(tmp_path_factory):
    """16 years of monthly 15° sample data, 288 cells × 192 steps: every chunk (1/16 of the time
    axis) holds a whole year, as the sample's chunks hold more than a year each. (At 10°, 648
    cells, the test below took 2.2× the CPU for the same separation; see QUALITY_SEEDS.)"""
    return write_sample_dataset(tmp_path_factory.mktemp("local-sgd") / "yearly.nc", years=16, resolution=15.0, seed=3)


#: Seeds and epochs of the runs compared in the test below, and the bound on the ratio of their mean
#: test MSEs. The test catches a cluster wired to learn worse; the 10 % quality target itself is
#: measured by ``benchmarks/bench_scale.py`` on the sample, over 10 seeds (one seed's ratio is noise
#: of ±0.3: 1.41, 0.78, 1.11, 1.03 and 1.12 for seeds 0–4 at 15 epochs, and a one-seed bound of 1.25
#: once failed on another machine's arithmetic, docs/scaling.md). Measured on this file (6 Dec 2026,
#: fix48i, seed 0, 3 epochs): one process 1.033, 2 workers 1.225 (ratio 1.19); with issue 15's fault
#: put back on purpose (each replica stepping with a whole chunk as its batch: ``train_distributed``
#: given ``batch_size=max(chunk rows)`` on the cluster) 38.6, ratio 37.4. The bound of 2 lies 1.7×
#: above the clean ratio and 19× below the fault's. Until 6 Dec the test ran three seeds of 15
#: epochs under a bound of 1.25 on their means (the fault's 3.29): 15× the training for the same
#: verdict on that fault. A dropped setting is caught exactly by the tests above.
QUALITY_SEEDS, QUALITY_EPOCHS, QUALITY_BOUND = (0,), 3, 2.0


def test_local_sgd_on_2_workers_scores_within_twice_one_process(yearly_chunks_file, cluster, tmp_path):
    """Local SGD with rounds of a whole chunk (the default) on a small file: the cluster run's
    test MSE at most :data:`QUALITY_BOUND` times the one-process run's, with the same settings (a
    learning rate of 0.01, batches of 64 and :data:`QUALITY_EPOCHS` epochs of the file's 41 472
    training samples: 650 steps of one process per epoch)."""
    mses: dict[str, list[float]] = {"one": [], "two": []}
    for seed in QUALITY_SEEDS:
        settings = {"data": {"paths": [str(yearly_chunks_file)]}, "model": {"hidden": [32, 32]},
                    "training": {"learning_rate": 0.01, "epochs": QUALITY_EPOCHS, "batch_size": 64, "seed": seed},
                    "evaluation": {"figures": False, "baselines": []}}
        for name, extra in (("one", {}), ("two", {"compute": {"scheduler": cluster.scheduler_address}})):
            result = run_training(build_config(settings | extra), run_dir=tmp_path / f"{name}{seed}")
            mses[name].append(result.metrics["splits"]["test"]["model"]["mse"])
    assert np.mean(mses["two"]) <= QUALITY_BOUND * np.mean(mses["one"]), mses


def test_a_cluster_run_gives_both_replicas_as_many_training_chunks_of_equal_length(client, prepared, caplog):
    """Chunks of 5 months cut the tiny file's 24 training months into 5 (the last of 4): the run
    trains on 6 chunks of 4 months instead, 3 for each of the 2 replicas."""
    config, source, data = prepared
    assert data.split.time_masks["train"].sum() == 24
    blocks = [(start, min(start + 5, source.n_time)) for start in range(0, source.n_time, 5)]
    assert len(blocks_in_split(blocks, data.split.time_masks["train"])) == 5
    config = dataclasses.replace(config, training=dataclasses.replace(config.training, epochs=1))
    with caplog.at_level(logging.INFO, logger="climann"):
        train_on_cluster(client, config, source, data.split, blocks)
    plans = [record.getMessage() for record in caplog.records if record.getMessage().startswith("local SGD: ")]
    assert plans and all("2 replicas" in plan and "over 6 chunks" in plan for plan in plans), plans


def test_a_worker_lost_mid_training_is_recomputed_and_training_continues_to_the_same_weights(client, prepared):
    """A worker killed after epoch 1: its chunks are recomputed from the files for epochs 2 and 3."""
    config, source, data = prepared
    config = _configured(config, epochs=3)  # the loss is met in epoch 2, and the training goes on after it
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
    np.testing.assert_array_equal(interrupted.network.parameter_vector, uninterrupted.network.parameter_vector)


def test_local_sgd_that_diverges_on_a_worker_keeps_finite_weights_and_names_the_learning_rate(client):
    X, y = _xy()
    network = Network([3, 16, 1], seed=0)
    chunked = scatter_arrays(client, X, y, n_chunks=4)
    try:
        with pytest.raises(TrainingDiverged, match="learning_rate=1e\\+30"):
            train_distributed(client, network, chunked, batch_size=100, optimizer="sgd", learning_rate=1e30, epochs=2)
    finally:
        chunked.release()
    assert np.all(np.isfinite(network.parameter_vector))



def test_the_configurations_scale_learning_rate_reaches_the_replicas(client, prepared, caplog):
    """``[compute] scale_learning_rate`` from the run's configuration decides the replicas' rate
    (train_on_cluster, as ``climann train --workers`` calls it): the log names the factor only
    when it is on, and the epoch's loss differs between the two."""
    config, source, data = prepared
    blocks = [(start, min(start + 4, source.n_time)) for start in range(0, source.n_time, 4)]
    losses = {}
    for scaled in (True, False):
        configured = dataclasses.replace(
            config, training=dataclasses.replace(config.training, epochs=1, area_weighted=False),
            compute=dataclasses.replace(config.compute, scale_learning_rate=scaled))
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="climann"):
            trained = train_on_cluster(client, configured, source, data.split, blocks)
        lines = [record.getMessage() for record in caplog.records
                 if "the replicas' learning rate" in record.getMessage()]
        assert lines == ([
            "the replicas' learning rate: 2 × the epoch's, as 2 replicas average 2 times fewer steps than one "
            "process (the linear scaling rule; [compute] scale_learning_rate = false: the epoch's rate)"]
            if scaled else [])
        losses[scaled] = trained.network.parameter_vector.copy()
    assert not np.array_equal(losses[True], losses[False])


def _transfers_of(task_stream, names):
    """The tasks of ``task_stream`` whose name starts with one of ``names`` and that waited for a
    dependency to travel from another worker."""
    return [str(task["key"]) for task in task_stream
            if str(task["key"]).strip("('").startswith(names)
            and any(part["action"] == "transfer" for part in task["startstops"])]


@pytest.mark.parametrize("chunks_per_round", [pytest.param(1, id="rounds-of-one-chunk"),
                                              pytest.param(2, id="rounds-of-2-chunks")])
def test_no_chunk_or_shared_value_travels_between_workers_for_the_rounds_and_the_validation(
        client, prepared, chunks_per_round):
    """With chunks dealt anew each epoch, a replica's chunks of a round are held by both
    workers, and the network and local SGD's settings by one: each fetched replica was
    dropped by dask's active memory manager within seconds, and fetched again while both
    workers waited. Each worker now holds its own copy of every training chunk and of the
    network and the settings (:func:`~climann.workflow.compute.training.local_copies`,
    :func:`~climann.workflow.compute.training.on_each_worker`), and no round or validation task
    waits for a transfer; the weights are those of local SGD computed in one process. Work
    stealing is paused: it may move a queued task to the other worker, which then fetches
    its data (what is tested is where climann puts the tasks and their data). The two replicas
    of every round run on the two workers, also when a round's chunks are all held by one
    (:func:`~climann.workflow.compute.training.round_homes`: the other holds copies)."""
    config, source, data = prepared
    config = _configured(config, **(UNWEIGHTED | LOCAL))
    options = training_options(config)
    batch_size, seed = options.pop("batch_size"), options.pop("seed")
    options.pop("early_stopping")
    persisted, validation = _persisted(client, prepared), _persisted(client, prepared, block="val")
    try:
        tables = client.gather(persisted.futures)
        network = Network([persisted.n_features, 8, 1], seed=2)
        expected = client.submit(
            _local_sgd_in_process, network, tables, persisted.rows, persisted.n_features, persisted.weighted,
            options, batch_size=batch_size, seed=seed, replicas=2, sync_every=0, chunks_per_round=chunks_per_round,
            dealt=True, pure=False).result()
        with work_stealing_paused(client), distributed.get_task_stream(client=client) as stream:
            train_distributed(client, network, persisted, validation, batch_size=batch_size, seed=seed,
                              chunks_per_round=chunks_per_round, chunks_to_replicas="dealt", **options)
    finally:
        persisted.release()
        validation.release()
    np.testing.assert_array_equal(network.parameter_vector, expected)
    rounds = [task["worker"] for task in stream.data if str(task["key"]).strip("('").startswith("_replica_round")]
    assert len(rounds) >= 6 and rounds.count(rounds[0]) == len(rounds) / 2
    assert _transfers_of(stream.data, ("_replica_round", "_table_sums")) == []
    # each worker's copies made by one task (one per chunk and worker cost dask's bookkeeping of 24 on the sample)
    copies = [task["worker"] for task in stream.data if str(task["key"]).strip("('").startswith("_cop")]
    assert sorted(copies) == sorted(set(rounds)) and len(copies) == 2


@pytest.mark.parametrize(("copied_to", "homes"), [
    pytest.param((), ["a", "a"], id="no-copies-one-after-the-other"),
    pytest.param(("a", "b"), ["a", "b"], id="copies-side-by-side"),
])
def test_replicas_whose_chunks_one_worker_holds_run_side_by_side_on_workers_holding_copies(copied_to, homes):
    pieces = [Piece(0, 0, 1, 0), Piece(1, 0, 1, 1)]
    assert training.round_homes(pieces, ["a", "a", "b", "b"], 2, copied_to) == homes


def test_the_advice_on_short_rounds_names_the_chunks_per_round_that_clears_the_warning(client, caplog):
    """12 chunks of 250 samples in batches of 50: 5 steps per chunk, 6 chunks per replica. Rounds
    of 4 or 5 chunks leave a round of 2 or 1 (15 steps on average), those of 6 hold 30 steps
    (break36b B2: the advice named settings without a value, and "larger chunks" and "more
    epochs", which do not lengthen a round)."""
    X, y = _xy()
    (warning,) = _rounds_warning(caplog, client, X, y, batch_size=50)
    assert "≈ 5 steps of 50 samples per replica" in warning
    assert "use more chunks per round ([compute] chunks_per_round = 6), or train in one process" in warning
    assert "chunk_mb" not in warning and "epochs" not in warning
    assert _rounds_warning(caplog, client, X, y, batch_size=50, chunks_per_round=6) == []  # the advice followed
    assert len(_rounds_warning(caplog, client, X, y, batch_size=50, chunks_per_round=5)) == 1  # the fewest


def _with_rounds_of_one_chunk(config):
    return dataclasses.replace(config, compute=dataclasses.replace(config.compute, chunks_per_round=1))


def _chunk_warnings(caplog, client, config, source, split, blocks):
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        train_on_cluster(client, config, source, split, blocks)
    return [record.getMessage() for record in caplog.records if "smaller than a batch" in record.getMessage()]


def test_chunks_smaller_than_a_batch_on_a_small_file_are_not_told_to_raise_chunk_mb(client, prepared, caplog):
    """48 monthly steps: a cluster run cuts at least 16 chunks of 3 steps whatever chunk_mb
    (break36b B2: "use larger chunks ([compute] chunk_mb)" did nothing). The batch the advice
    names clears the warning."""
    config, source, data = prepared
    config = _with_rounds_of_one_chunk(_configured(config, **(LOCAL | {"epochs": 1, "batch_size": 2000})))
    blocks = chunk_blocks(source, chunk_mb=1000)
    assert blocks[0] == (0, 3) and source.n_time == 48
    (warning,) = _chunk_warnings(caplog, client, config, source, data.split, blocks)
    advised = re.search(r"--batch-size (\d+)\)", warning)
    assert advised and "[compute] chunk_mb cannot make them longer" in warning and "chunks, here of 3 time steps" in warning
    assert "one process" in warning and "chunk_mb =" not in warning
    followed = _configured(config, batch_size=int(advised.group(1)))
    assert _chunk_warnings(caplog, client, followed, source, data.split, blocks) == []


def test_chunks_smaller_than_a_batch_are_told_the_chunk_mb_that_clears_the_warning(client, prepared, caplog):
    """Chunks of one time step (a chunk_mb below one step's bytes): the advised chunk_mb gives
    chunks long enough for the batch, and the warning is gone."""
    config, source, data = prepared
    config = _with_rounds_of_one_chunk(_configured(config, **(LOCAL | {"epochs": 1, "batch_size": 500})))
    blocks = chunk_blocks(source, chunk_mb=1e-9)
    assert blocks[0] == (0, 1)
    (warning,) = _chunk_warnings(caplog, client, config, source, data.split, blocks)
    advised = re.search(r"\[compute\] chunk_mb = ([0-9.e-]+)\)", warning)
    assert advised, warning
    longer = chunk_blocks(source, chunk_mb=float(advised.group(1)))
    assert 1 < longer[0][1] - longer[0][0] <= 3
    assert _chunk_warnings(caplog, client, config, source, data.split, longer) == []


@pytest.mark.parametrize(("options", "expected"), [
    pytest.param({"chunks_per_round": 1, "epochs": 3}, {"method": "local SGD", "rounds_per_epoch": 6,
                                                         "chunks_per_round": 1, "sync_every": 0,
                                                         "steps_per_round": 5.0, "learning_rate_factor": 2},
                 id="rounds-of-one-chunk"),  # each replica: 6 chunks of ⌈250/50⌉ = 5 steps
    pytest.param({"chunks_per_round": 0, "epochs": 3}, {"method": "local SGD", "rounds_per_epoch": 1,
                                                         "chunks_per_round": 6, "sync_every": 0,
                                                         "steps_per_round": 30.0, "learning_rate_factor": 2},
                 id="automatic-whole-share"),  # 30 steps < 1000: one round of the whole share after the warm-up
    pytest.param({"chunks_per_round": 1, "epochs": 3, "scale_learning_rate": False},
                 {"method": "local SGD", "rounds_per_epoch": 6, "chunks_per_round": 1, "sync_every": 0,
                  "steps_per_round": 5.0, "learning_rate_factor": 1}, id="epoch-rate"),
    pytest.param({"chunks_per_round": 1, "epochs": 3, "batch_size": 3000},
                 {"method": "full batch", "rounds_per_epoch": 1}, id="full-batch"),
])
def test_the_training_record_says_how_local_sgd_ran(options, expected):
    """metrics.json training (break36b B5): 12 chunks of 250 samples, batches of 50, 2 replicas."""
    arguments = {"replicas": 2, "batch_size": 50, "sync_every": 0, "seed": 0, "dealt": False,
                 "scale_learning_rate": True} | options
    assert training.training_record([250] * 12, **arguments) == {"workers": 2, "chunks": 12, **expected}


def test_a_cluster_run_records_how_it_trained(client, prepared):
    config, source, data = prepared
    config = _with_rounds_of_one_chunk(_configured(config, **(LOCAL | {"epochs": 1})))
    blocks = chunk_blocks(source, chunk_mb=32)
    trained = train_on_cluster(client, config, source, data.split, blocks)
    record = trained.training
    train_blocks = blocks_in_split(blocks, data.split.time_masks["train"])  # 8 chunks of 3 months: 24 months
    assert len(train_blocks) == 8
    assert record["route"] == "cluster" and record["workers"] == 2 and record["chunks"] == 8
    assert record["method"] == "local SGD" and record["rounds_per_epoch"] == 4 and record["learning_rate_factor"] == 2
    # each chunk: 3 months of 288 cells in batches of 64, ⌈864 / 64⌉ = 14 steps
    assert record["steps_per_round"] == 14.0


def test_the_log_line_and_the_warning_round_the_steps_per_round_alike(caplog):
    """Three replicas whose round holds 5, 5 and 4 steps: 14/3 ≈ 4.67 steps each, which the
    log line said as ≈ 4 (truncated) where the warning said ≈ 5 (rounded)."""
    samples = ChunkedSamples(client=None, futures=[], rows=[250, 250, 200], n_features=1, weighted=False,
                             dtype=np.dtype("float32"))
    rounds = [[Piece(0, 0, 5), Piece(1, 0, 5), Piece(2, 0, 4)]]
    assert training.round_steps(rounds, 3) == pytest.approx(14 / 3)
    with caplog.at_level(logging.INFO, logger="climann"):
        training._log_rounds(samples, rounds, replicas=3, batch_size=50, sync_every=0, chunks_per_round=1,
                             epochs=1, whole_run=lambda: 10**6)
    said = [re.search(r"≈ (\d+) steps of 50 samples per replica", record.getMessage()) for record in caplog.records]
    assert [match.group(1) for match in said if match] == ["5", "5"]  # the log line, then the warning
