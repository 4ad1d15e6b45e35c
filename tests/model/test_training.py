"""Tests for climann/model/training.py."""

import re

import numpy as np
import pytest

from climann.errors import ClimannError
from climann.model import History, Network, train

FULL_BATCH = 100_000


def _linear_data(n_samples=200, seed=0):
    """y = X A + c + noise: two outputs with a known linear relation."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, 3))
    coefficients = np.array([[1.0, -2.0], [0.5, 0.0], [-1.5, 3.0]])
    y = X @ coefficients + np.array([0.3, -0.7]) + 0.1 * rng.normal(size=(n_samples, 2))
    return X, y


def _least_squares(X, y):
    """Coefficients and intercept minimising Σ(ŷ − y)², from numpy.linalg.lstsq."""
    solution = np.linalg.lstsq(np.hstack([X, np.ones((len(X), 1))]), y, rcond=None)[0]
    return solution[:-1], solution[-1]


def _small_problem(n_samples=50, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, 2))
    return X, np.sin(X[:, :1]) * X[:, 1:]


def test_linear_network_reaches_least_squares():
    X, y = _linear_data()
    coefficients, intercept = _least_squares(X, y)
    network = Network([3, 2], activation=[], init="glorot", seed=0, dtype="float64")
    train(network, X, y, epochs=200, batch_size=FULL_BATCH, optimizer="sgd", learning_rate=1.0)
    np.testing.assert_allclose(network.weights[0], coefficients, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(network.biases[0], intercept, rtol=1e-10, atol=1e-12)


def test_two_layer_linear_network_reaches_least_squares():
    X, y = _linear_data()
    coefficients, intercept = _least_squares(X, y)
    network = Network([3, 4, 2], activation="identity", init="glorot", seed=0, dtype="float64")
    train(network, X, y, epochs=500, batch_size=FULL_BATCH, optimizer="gd", learning_rate=0.2)
    (W1, W2), (b1, b2) = network.weights, network.biases
    np.testing.assert_allclose(W1 @ W2, coefficients, rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(b1 @ W2 + b2, intercept, rtol=1e-9, atol=1e-11)


def test_one_full_batch_epoch_is_one_gradient_step():
    X, y = _small_problem()
    network = Network([2, 5, 1], activation="tanh", seed=1, dtype="float64")
    _, gradients = network.loss_and_gradients(X, y)
    expected = [w - 0.3 * dW for w, (dW, _) in zip(network.weights, gradients, strict=True)]
    train(network, X, y, epochs=1, batch_size=FULL_BATCH, optimizer="sgd", learning_rate=0.3)
    # Shuffling reorders the sums inside the gradient: equal up to rounding only.
    for weights, want in zip(network.weights, expected, strict=True):
        np.testing.assert_allclose(weights, want, rtol=1e-12, atol=1e-14)


def test_nonlinear_function_is_learned_far_better_than_a_linear_fit():
    x = np.linspace(-1, 1, 256)[:, None]
    y = np.sin(3 * x)
    coefficients, intercept = _least_squares(x, y)
    linear_loss = 0.5 * np.mean((x @ coefficients + intercept - y) ** 2)
    network = Network([1, 32, 32, 1], activation="tanh", seed=0)
    history = train(network, x, y, epochs=150, batch_size=32, learning_rate=1e-2, seed=0)
    assert np.mean(history.train_loss[-10:]) < np.mean(history.train_loss[:10]) / 100
    assert network.loss(x, y) < linear_loss / 100


def test_train_loss_is_the_batch_size_weighted_mean_of_batch_losses():
    # A learning rate so small that the weights do not move: every batch loss is then the loss
    # of the initial network on that batch, and their batch-size weighted mean is the loss on
    # all the data (a plain mean of the batch losses, with batches of 4, 4 and 2, is not).
    X, y = _small_problem(n_samples=10)
    network = Network([2, 3, 1], activation="tanh", seed=0, dtype="float64")
    before = [w.copy() for w in network.weights]
    weights = np.random.default_rng(0).uniform(0.5, 2.0, size=10)
    for sample_weight in (None, weights):
        history = train(
            network,
            X,
            y,
            epochs=1,
            batch_size=4,
            optimizer="sgd",
            learning_rate=1e-300,
            sample_weight=sample_weight,
        )
        assert all(np.array_equal(w, b) for w, b in zip(network.weights, before, strict=True))
        assert history.train_loss[0] == pytest.approx(
            network.loss(X, y, sample_weight=sample_weight), rel=1e-13
        )


def test_integer_sample_weights_equal_repeated_samples():
    X, y = _small_problem(n_samples=20)
    counts = np.random.default_rng(2).integers(0, 4, size=20)
    counts[0] = 1
    weighted = Network([2, 4, 1], activation="tanh", seed=3, dtype="float64")
    repeated = weighted.copy()
    options = dict(epochs=20, batch_size=FULL_BATCH, optimizer="sgd", learning_rate=0.1)
    train(weighted, X, y, sample_weight=counts.astype(float), **options)
    rows = np.repeat(np.arange(20), counts)
    train(repeated, X[rows], y[rows], **options)
    for a, b in zip(weighted.parameters(), repeated.parameters(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-11, atol=1e-13)


def test_batches_of_zero_weight_are_skipped():
    X, y = _small_problem(n_samples=8)
    sample_weight = np.zeros(8)
    sample_weight[5] = 1.0
    network = Network([2, 3, 1], activation="tanh", seed=0, dtype="float64")
    alone = network.copy()
    history = train(
        network,
        X,
        y,
        epochs=3,
        batch_size=1,
        optimizer="sgd",
        learning_rate=0.1,
        sample_weight=sample_weight,
    )
    history_alone = train(
        alone, X[5:6], y[5:6], epochs=3, batch_size=1, optimizer="sgd", learning_rate=0.1
    )
    assert all(
        np.array_equal(a, b) for a, b in zip(network.parameters(), alone.parameters(), strict=True)
    )
    assert history.train_loss == history_alone.train_loss


def test_same_seed_gives_bit_identical_weights():
    X, y = _small_problem()

    def trained(network_seed, training_seed):
        network = Network([2, 8, 1], activation="relu", seed=network_seed)
        train(network, X, y, epochs=3, batch_size=8, learning_rate=1e-2, seed=training_seed)
        return network.parameters()

    first, again = trained(0, 0), trained(0, 0)
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    assert not np.array_equal(first[0], trained(0, 1)[0])  # other shuffling
    assert not np.array_equal(first[0], trained(1, 0)[0])  # other initial weights


@pytest.mark.parametrize(
    "dtype", [pytest.param("float32", id="float32"), pytest.param("float64", id="float64")]
)
@pytest.mark.parametrize(
    "optimizer", [pytest.param("sgd", id="sgd"), pytest.param("adam", id="adam")]
)
def test_training_keeps_the_network_dtype(dtype, optimizer):
    X, y = _small_problem()  # float64 data
    network = Network([2, 4, 1], seed=0, dtype=dtype)
    history = train(network, X, y, epochs=2, batch_size=16, optimizer=optimizer, validation=(X, y))
    assert all(p.dtype == np.dtype(dtype) for p in network.parameters())
    assert all(type(value) is float for value in history.train_loss + history.val_loss)


def test_validation_loss_is_the_loss_at_the_end_of_each_epoch():
    X, y = _small_problem(seed=0)
    X_val, y_val = _small_problem(n_samples=30, seed=1)
    network = Network([2, 4, 1], activation="tanh", seed=0)
    seen = []
    history = train(
        network,
        X,
        y,
        epochs=3,
        batch_size=8,
        validation=(X_val, y_val),
        callbacks=[lambda epoch, h: seen.append((epoch, network.loss(X_val, y_val)))],
    )
    assert len(history.train_loss) == len(history.val_loss) == 3
    assert history.val_loss == [loss for _, loss in seen]
    assert train(network, X, y, epochs=2).val_loss == []


def test_weighted_validation_set():
    X, y = _small_problem()
    weights = np.linspace(0.1, 1.0, len(X))
    network = Network([2, 4, 1], seed=0)
    history = train(network, X, y, epochs=1, validation=(X, y, weights))
    assert history.val_loss[0] == network.loss(X, y, sample_weight=weights)


def test_callbacks_see_each_epoch_and_the_history_so_far():
    X, y = _small_problem()
    calls = []
    history = train(
        Network([2, 3, 1]),
        X,
        y,
        epochs=3,
        callbacks=[
            lambda epoch, h: calls.append((epoch, len(h.train_loss), isinstance(h, History)))
        ],
    )
    assert calls == [(1, 1, True), (2, 2, True), (3, 3, True)]
    assert len(history.train_loss) == 3


@pytest.mark.parametrize(
    "optimizer, learning_rate",
    [pytest.param("sgd", 1e10, id="sgd"), pytest.param("adam", 1e36, id="adam")],
)
def test_divergence_stops_with_epoch_and_learning_rate(optimizer, learning_rate):
    X, y = _small_problem()
    network = Network([2, 16, 16, 1], seed=0)
    with pytest.raises(
        ClimannError,
        match=re.escape(f"epoch 1 with learning_rate={learning_rate:g}")
        + ".*smaller learning rate",
    ):
        train(
            network, X, y, epochs=5, batch_size=4, optimizer=optimizer, learning_rate=learning_rate
        )
    assert all(np.isfinite(p).all() for p in network.parameters())


def test_divergence_keeps_the_weights_from_before_the_bad_step():
    # One sample, batch_size 1: the first step is finite, the second overflows float32. The
    # network must then hold exactly the weights after the first step.
    X, y = np.array([[3.0, -2.0]]), np.array([[5.0]])
    network = Network([2, 4, 1], activation="identity", seed=0)
    first_step = network.copy()
    _, gradients = first_step.loss_and_gradients(X, y)
    for parameter, gradient in zip(
        first_step.parameters(), [g for pair in gradients for g in pair], strict=True
    ):
        parameter -= np.float32(1e15) * gradient
    assert all(np.isfinite(p).all() for p in first_step.parameters())
    with pytest.raises(ClimannError, match="epoch 2"):
        train(network, X, y, epochs=3, batch_size=1, optimizer="sgd", learning_rate=1e15)
    assert all(
        np.array_equal(a, b)
        for a, b in zip(network.parameters(), first_step.parameters(), strict=True)
    )


@pytest.mark.parametrize(
    "kwargs, message",
    [
        pytest.param({"epochs": 0}, "epochs must be an integer >= 1", id="epochs"),
        pytest.param({"batch_size": 0}, "batch_size must be an integer >= 1", id="batch-size"),
        pytest.param({"batch_size": 2.5}, "batch_size must be an integer", id="batch-size-float"),
        pytest.param(
            {"learning_rate": -1.0}, "learning_rate must be a positive", id="learning-rate"
        ),
        pytest.param(
            {"optimizer": "adamw"}, "unknown optimizer 'adamw'.*valid names", id="optimizer"
        ),
        pytest.param({"loss": "rmse"}, "unknown loss 'rmse'.*valid names", id="loss"),
        pytest.param(
            {"X": np.ones((50, 3))}, r"X must have shape \(n_samples, 2\)", id="X-columns"
        ),
        pytest.param({"y": np.ones(50)}, r"y must have shape \(50, 1\).*\(50,\)", id="y-1-d"),
        pytest.param({"y": np.ones((49, 1))}, r"\(50, 1\).*\(49, 1\)", id="y-rows"),
        pytest.param({"X": np.full((50, 2), np.nan)}, "training X has 100 NaN", id="X-nan"),
        pytest.param(
            {"validation": (np.ones((5, 2)),)}, "validation must be a tuple", id="validation-tuple"
        ),
        pytest.param(
            {"validation": (np.ones((5, 2)), np.ones((4, 1)))}, r"\(5, 1\)", id="validation-shape"
        ),
        pytest.param({"sample_weight": -np.ones(50)}, "non-negative", id="weights"),
        pytest.param({"callbacks": [3]}, "callables", id="callbacks"),
    ],
)
def test_invalid_arguments(kwargs, message):
    X, y = _small_problem()
    arguments = {"X": X, "y": y, **kwargs}
    with pytest.raises(ClimannError, match=message):
        train(Network([2, 3, 1]), arguments.pop("X"), arguments.pop("y"), **arguments)
