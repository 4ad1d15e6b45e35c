"""Tests for climann/model/sum_training.py: training from sums equals training on the arrays."""

import numpy as np
import pytest

from climann.errors import ClimannError
from climann.model import (
    EarlyStopping,
    History,
    Network,
    StopRequest,
    TrainingDiverged,
    TrainingInterrupted,
    TrainingState,
    load_state,
    save_state,
    train,
)
from climann.model.sum_training import train_from_sums
from climann.model.sums import ChunkSums, chunk_sums

FULL_BATCH = 10**6


def _problem(n_samples=400, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, 3)).astype(np.float32)
    return X, (X[:, :1] * X[:, 1:2] + 0.1 * rng.normal(size=(n_samples, 1))).astype(np.float32)


def _chunked_step(network, X, y, size):
    """A step function over all the chunks of ``size`` rows: full-batch gradient descent."""
    chunks = [(X[i : i + size], y[i : i + size]) for i in range(0, len(X), size)]
    return lambda parameters: ChunkSums.total([chunk_sums(network, parameters, *chunk) for chunk in chunks])


@pytest.mark.parametrize(
    "optimizer, options",
    [
        pytest.param("sgd", {}, id="gradient-descent"),
        pytest.param("adam", {"l2": 1e-3, "clip_norm": 0.5, "schedule": "cosine"}, id="adam-l2-clip-cosine"),
    ],
)
def test_full_batch_from_chunk_sums_follows_full_batch_training_on_the_arrays(optimizer, options):
    X, y = _problem()
    arrays, sums = Network([3, 16, 1], seed=0), Network([3, 16, 1], seed=0)
    expected = train(arrays, X, y, epochs=8, batch_size=FULL_BATCH, optimizer=optimizer, learning_rate=0.05,
                     validation=(X[:50], y[:50]), **options)
    history = train_from_sums(
        sums, lambda epoch: [_chunked_step(sums, X, y, 97)], epochs=8, optimizer=optimizer, learning_rate=0.05,
        validation=lambda parameters: chunk_sums(sums, parameters, X[:50], y[:50], gradient=False), **options,
    )
    np.testing.assert_allclose(history.train_loss, expected.train_loss, rtol=1e-5)
    np.testing.assert_allclose(history.val_loss, expected.val_loss, rtol=1e-5)
    assert history.learning_rate == expected.learning_rate
    np.testing.assert_allclose(sums.parameter_vector, arrays.parameter_vector, rtol=1e-4, atol=1e-6)


def test_each_step_sees_the_parameters_after_the_previous_update():
    X, y = _problem(100)
    network = Network([3, 4, 1], seed=0)
    seen = []

    def step(parameters):
        seen.append(parameters.copy())
        return chunk_sums(network, parameters, X, y)

    train_from_sums(network, lambda epoch: [step, step], epochs=2, optimizer="sgd", learning_rate=0.1)
    assert len(seen) == 4
    assert all(not np.array_equal(a, b) for a, b in zip(seen[:-1], seen[1:]))


def test_early_stopping_restores_the_best_weights():
    X, y = _problem(200)
    network = Network([3, 8, 1], seed=0)
    validation_losses = iter([1.0, 0.5, 0.7, 0.8, 0.9, 1.0])
    snapshots = []

    def validation(parameters):
        snapshots.append(parameters.copy())
        return ChunkSums(loss=next(validation_losses), weight=1.0, n_samples=1)

    history = train_from_sums(
        network, lambda epoch: [_chunked_step(network, X, y, 50)], validation=validation, epochs=6,
        optimizer="sgd", learning_rate=0.01, early_stopping=EarlyStopping(patience=2),
    )
    assert history.best_epoch == 2 and history.stopped_epoch == 4 and history.weights_epoch == 2
    np.testing.assert_array_equal(network.parameter_vector, snapshots[1])


def test_divergence_is_one_error_and_keeps_the_weights_before_the_step():
    X, y = _problem(100)
    network = Network([3, 8, 1], seed=0)
    with pytest.raises(TrainingDiverged, match="diverged in epoch 1 with learning_rate=1e\\+30") as diverged:
        train_from_sums(network, lambda epoch: [_chunked_step(network, X, y, 50)] * 3, epochs=2,
                        optimizer="sgd", learning_rate=1e30)
    assert diverged.value.epoch == 1 and diverged.value.best_epoch is None
    assert np.all(np.isfinite(network.parameter_vector))


def _shuffled_chunks(network, X, y, rng, *, size=40, per_step=3):
    """Mini-batch epochs: the chunks of ``size`` rows in an order drawn from ``rng``, ``per_step``
    chunks per step (as cluster runs did before local SGD)."""
    chunks = [(X[i : i + size], y[i : i + size]) for i in range(0, len(X), size)]

    def epoch_steps(epoch):
        order = rng.permutation(len(chunks))
        groups = [order[first : first + per_step] for first in range(0, len(order), per_step)]
        return [lambda parameters, group=group: ChunkSums.total(
            [chunk_sums(network, parameters, *chunks[index]) for index in sorted(group)]) for group in groups]

    return epoch_steps


def _interrupted_then_resumed(X, y, tmp_path, *, stop_after, epochs=6):
    network, rng, stop, saved = Network([3, 8, 1], seed=1), np.random.default_rng(7), StopRequest(), []

    def stop_at(epoch, history):
        stop.requested = epoch == stop_after

    options = {"epochs": epochs, "optimizer": "adam", "learning_rate": 0.01, "schedule": "cosine"}
    with pytest.raises(TrainingInterrupted) as interrupted:
        train_from_sums(network, _shuffled_chunks(network, X, y, rng), rng=rng, callbacks=[stop_at],
                        stop=stop, on_checkpoint=saved.append, checkpoint_every=2, **options)
    save_state(tmp_path / "state.npz", interrupted.value.state)
    state, _ = load_state(tmp_path / "state.npz")
    resumed, rng = Network([3, 8, 1], seed=99), np.random.default_rng(12345)  # both overwritten by the state
    history = train_from_sums(resumed, _shuffled_chunks(resumed, X, y, rng), rng=rng, initial_state=state, **options)
    return resumed, history, [checkpoint.epoch for checkpoint in saved]


def test_a_stopped_run_resumes_from_its_checkpoint_bit_identically(tmp_path):
    X, y = _problem(400)
    network, rng = Network([3, 8, 1], seed=1), np.random.default_rng(7)
    reference = train_from_sums(network, _shuffled_chunks(network, X, y, rng), rng=rng, epochs=6, optimizer="adam",
                                learning_rate=0.01, schedule="cosine")
    resumed, history, checkpoints = _interrupted_then_resumed(X, y, tmp_path, stop_after=3)
    assert checkpoints == [2, 3]  # every 2nd epoch, and the one the stop request ended
    assert history == reference
    np.testing.assert_array_equal(resumed.parameter_vector, network.parameter_vector)


def test_a_state_from_inside_an_epoch_or_another_network_is_refused():
    network = Network([3, 4, 1], seed=0)
    state = TrainingState(epoch=1, batch=3, parameters=np.zeros(5, np.float32), optimizer_kind="Adam", optimizer={},
                          rng={}, history=History(train_loss=[1.0]),
                          best={}, batch_size=0, n_samples=None)
    with pytest.raises(ClimannError, match="its parameters are .*; it was taken with Adam, not GradientDescent; "
                                           "it was taken inside an epoch"):
        train_from_sums(network, lambda epoch: [], epochs=3, optimizer="sgd", initial_state=state)


@pytest.mark.parametrize(
    "settings, message",
    [
        pytest.param({"epochs": 0}, "epochs must be", id="epochs"),
        pytest.param({"callbacks": [1]}, "callbacks must be", id="callbacks"),
        pytest.param({"early_stopping": 3}, "early_stopping must be", id="early-stopping"),
        pytest.param({"checkpoint_every": -1}, "checkpoint_every must be", id="checkpoint-every"),
        pytest.param({"stop": True}, "stop must be a StopRequest", id="stop"),
        pytest.param({"initial_state": {}}, "initial_state must be a TrainingState", id="initial-state"),
    ],
)
def test_invalid_settings_are_refused(settings, message):
    network = Network([1, 1], seed=0)
    with pytest.raises(ClimannError, match=message):
        train_from_sums(network, lambda epoch: [], **settings)
