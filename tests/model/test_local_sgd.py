"""Tests for climann/model/local_sgd.py: a replica's steps are train's steps; the average is the
weighted mean of the replicas' parameters and optimizer states."""

import numpy as np
import pytest

from climann.errors import ClimannError
from climann.model import Adam, Momentum, Network, train
from climann.model.batches import Batch
from climann.model.local_sgd import (
    ReplicaResult,
    StepsOver,
    average_replicas,
    chained_steps,
    local_steps,
    replica_learning_rate,
)
from climann.model.optimizers import get_optimizer


def _data(n=300, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    return X, X[:, :1] * X[:, 1:2] + 0.1 * X[:, 2:], rng.uniform(0.5, 2.0, size=n)


@pytest.mark.parametrize(
    "settings",
    [pytest.param({"optimizer": "adam", "learning_rate": 0.01}, id="adam"),
     pytest.param({"optimizer": "momentum", "learning_rate": 0.01, "l2": 0.1, "clip_norm": 0.05}, id="momentum-l2-clip")],
)
def test_a_replica_over_all_data_takes_the_steps_of_one_epoch_of_train(settings):
    X, y, w = _data()
    expected = Network([3, 8, 1], seed=1, dtype="float64")
    train(expected, X, y, sample_weight=w, epochs=1, batch_size=32, seed=7, **settings)
    network = Network([3, 8, 1], seed=1, dtype="float64")
    optimizer = get_optimizer(settings["optimizer"], learning_rate=settings["learning_rate"])
    result = local_steps(network, network.parameter_vector, optimizer, Batch(X, y, w, None), batch_size=32,
                         rng=np.random.default_rng(7), l2=settings.get("l2", 0.0), clip_norm=settings.get("clip_norm"))
    np.testing.assert_array_equal(result.parameters, expected.parameter_vector)
    assert result.n_steps == 10 and result.weight_sum == pytest.approx(w.sum(), rel=1e-12)


def test_rounds_of_a_few_batches_continue_the_same_epoch():
    """Batches 0–3 then 4–9 from the same generator state: the epoch's batches, in order."""
    X, y, w = _data()
    network = Network([3, 8, 1], seed=1, dtype="float64")
    whole = local_steps(network, network.parameter_vector, Adam(0.01), Batch(X, y, w, None), batch_size=32,
                        rng=np.random.default_rng(3))
    first = local_steps(network, network.parameter_vector, Adam(0.01), Batch(X, y, w, None), batch_size=32,
                        rng=np.random.default_rng(3), n_batches=4)
    optimizer = Adam(0.01)
    optimizer.load_state_dict(first.optimizer)
    rest = local_steps(network, first.parameters, optimizer, Batch(X, y, w, None), batch_size=32,
                       rng=np.random.default_rng(3), first_batch=4)
    assert (first.n_steps, rest.n_steps) == (4, 6)
    np.testing.assert_array_equal(rest.parameters, whole.parameters)
    assert first.weight_sum + rest.weight_sum == pytest.approx(whole.weight_sum, rel=1e-12)


@pytest.mark.parametrize("optimizer", [pytest.param(lambda: Adam(0.01), id="adam"),
                                       pytest.param(lambda: Momentum(0.01), id="momentum")])
def test_chained_stretches_continue_from_where_the_previous_one_ended(optimizer):
    """A round over three stretches (two whole chunks, then the first batches of a third) =
    local_steps over each in turn, every one starting from the previous one's weights and
    optimizer state (through state_dict, as between two rounds)."""
    parts = [(_data(n, seed), np.random.default_rng(seed), first, count)
             for n, seed, first, count in ((300, 0, 0, None), (170, 1, 0, None), (250, 2, 2, 3))]
    network = Network([3, 8, 1], seed=1, dtype="float64")
    parameters, own = network.parameter_vector.copy(), optimizer()
    loss_sum = weight_sum = n_steps = 0
    for (X, y, w), rng, first, count in parts:
        result = local_steps(network, parameters, own, Batch(X, y, w, None), batch_size=32, rng=rng, l2=0.01,
                             first_batch=first, n_batches=count)
        parameters, own = result.parameters, optimizer()
        own.load_state_dict(result.optimizer)
        loss_sum, weight_sum = loss_sum + result.loss_sum, weight_sum + result.weight_sum
        n_steps += result.n_steps
    stretches = [StepsOver(Batch(X, y, w, None), np.random.default_rng(seed), first, count)
                 for ((X, y, w), _, first, count), seed in zip(parts, (0, 1, 2))]
    start = optimizer()
    chained = chained_steps(network, network.parameter_vector, start, stretches, batch_size=32, l2=0.01)
    np.testing.assert_array_equal(chained.parameters, parameters)
    for name, value in own.state_dict().items():
        np.testing.assert_array_equal(chained.optimizer[name], value)
    assert chained.n_steps == n_steps == 10 + 6 + 3
    assert chained.weight_sum == pytest.approx(weight_sum, rel=1e-12)
    assert chained.loss_sum == pytest.approx(loss_sum, rel=1e-12)
    fresh = optimizer().state_dict()  # the given optimizer is untouched
    assert start.state_dict().keys() == fresh.keys()
    assert all(np.array_equal(value, fresh[name]) for name, value in start.state_dict().items())


def test_the_average_is_the_sample_weighted_mean_of_parameters_and_moments():
    rng = np.random.default_rng(0)
    theta, first, second = rng.normal(size=(3, 5)), rng.normal(size=(3, 5)), rng.uniform(size=(3, 5))
    weights = [10.0, 30.0, 60.0]
    results = [ReplicaResult(theta[k].astype(np.float32), {"first_moment": first[k], "second_moment": second[k],
                                                           "n_steps": 40 + k}, 1.0, weights[k], 7)
               for k in range(3)]
    parameters, state = average_replicas(results)
    # by hand: 0.1·θ0 + 0.3·θ1 + 0.6·θ2
    expected = 0.1 * theta[0].astype(np.float32) + 0.3 * theta[1].astype(np.float32) + 0.6 * theta[2].astype(np.float32)
    assert parameters.dtype == np.float32
    np.testing.assert_allclose(parameters, expected, rtol=1e-6)
    np.testing.assert_allclose(state["first_moment"], 0.1 * first[0] + 0.3 * first[1] + 0.6 * first[2], rtol=1e-13)
    np.testing.assert_allclose(state["second_moment"], 0.1 * second[0] + 0.3 * second[1] + 0.6 * second[2],
                               rtol=1e-13)
    assert state["n_steps"] == 42
    Adam().load_state_dict(state)  # a state the optimizer takes


def test_replicas_that_observed_nothing_are_left_out_and_none_at_all_is_refused():
    velocity = {"velocity": np.ones(2)}
    kept = ReplicaResult(np.array([1.0, 2.0]), velocity, 0.5, 4.0, 3)
    empty = ReplicaResult(np.array([np.nan, np.nan]), {"velocity": np.empty(0)}, 0.0, 0.0, 0)
    parameters, state = average_replicas([empty, kept])
    np.testing.assert_array_equal(parameters, [1.0, 2.0])
    Momentum().load_state_dict(state)
    with pytest.raises(ClimannError, match="no replica"):
        average_replicas([empty])


@pytest.mark.parametrize("replicas", [1, 2, 3, 8])
def test_each_replica_steps_at_k_times_the_learning_rate(replicas):
    assert replica_learning_rate(0.001, replicas) == replicas * 0.001


def test_a_replica_learning_rate_needs_at_least_one_replica():
    with pytest.raises(ClimannError, match="at least 1 replica; got 0"):
        replica_learning_rate(0.001, 0)
