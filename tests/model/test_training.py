"""Tests for climann/model/training.py."""

import re

import numpy as np
import pytest

from climann.errors import ClimannError
from climann.model import (
    AdamW,
    EarlyStopping,
    History,
    Momentum,
    Network,
    ReduceOnPlateau,
    StepDecay,
    StopRequest,
    TrainingDiverged,
    TrainingInterrupted,
    load_state,
    save_state,
    train,
)

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
            {"optimizer": "adamx"}, "unknown optimizer 'adamx'.*valid names", id="optimizer"
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
        pytest.param({"batch_callbacks": [3]}, "callables", id="batch-callbacks"),
        pytest.param({"l2": -0.1}, "l2 must be a finite number >= 0", id="l2"),
        pytest.param({"clip_norm": 0.0}, "clip_norm must be a finite number > 0", id="clip"),
        pytest.param({"schedule": "cosin"}, "unknown schedule 'cosin'", id="schedule"),
        pytest.param({"early_stopping": 5}, "early_stopping must be EarlyStopping", id="stopping"),
        pytest.param({"mask": np.ones((50, 1))}, "mask must be boolean", id="mask-dtype"),
        pytest.param(
            {"mask": np.zeros((50, 1), dtype=bool)},
            "no training target is observed",
            id="mask-empty",
        ),
        pytest.param({"y": None}, "y is missing", id="y-missing"),
        pytest.param(
            {"X": [(np.ones((5, 2)), np.ones((5, 1)))], "y": None, "sample_weight": np.ones(5)},
            "go into the batches",
            id="stream-weights",
        ),
        pytest.param(
            {"validation": (np.ones((5, 2)), np.ones((5, 1)), None, np.ones((5, 2), dtype=bool))},
            r"mask must have the shape of y, \(5, 1\)",
            id="validation-mask",
        ),
    ],
)
def test_invalid_arguments(kwargs, message):
    X, y = _small_problem()
    arguments = {"X": X, "y": y, **kwargs}
    with pytest.raises(ClimannError, match=message):
        train(Network([2, 3, 1]), arguments.pop("X"), arguments.pop("y"), **arguments)


# ---------------------------------------------------------------------------------------------
# Streaming input


class _SameOrder:
    """A re-iterable of batches in the order train() would draw for arrays: each pass draws
    one permutation from the same generator sequence, as one epoch of train() does."""

    def __init__(self, X, y, *, batch_size, seed, sample_weight=None):
        self.X, self.y, self.w, self.batch_size = X, y, sample_weight, batch_size
        self.rng = np.random.default_rng(seed)

    def __iter__(self):
        order = self.rng.permutation(len(self.X))
        X, y = self.X[order], self.y[order]
        w = None if self.w is None else self.w[order]
        for start in range(0, len(X), self.batch_size):
            rows = slice(start, start + self.batch_size)
            yield X[rows], y[rows], None if w is None else w[rows]


@pytest.mark.parametrize(
    "weighted", [pytest.param(False, id="plain"), pytest.param(True, id="weighted")]
)
def test_streaming_gives_the_same_weights_as_arrays(weighted):
    X, y = _small_problem(n_samples=50)
    weights = np.linspace(0.5, 1.5, 50) if weighted else None
    from_arrays = Network([2, 8, 1], activation="tanh", seed=3)
    streamed = from_arrays.copy()
    options = dict(epochs=3, learning_rate=1e-2, validation=(X, y))
    first = train(from_arrays, X, y, batch_size=8, seed=5, sample_weight=weights, **options)
    stream = _SameOrder(
        X.astype(np.float32), y.astype(np.float32), batch_size=8, seed=5, sample_weight=weights
    )
    second = train(streamed, stream, **options)
    assert np.array_equal(from_arrays.parameter_vector, streamed.parameter_vector)
    assert first.val_loss == second.val_loss
    assert first.train_loss == pytest.approx(second.train_loss, rel=1e-6)


def test_a_list_of_batches_in_the_shuffled_order_gives_the_same_weights():
    X, y = _small_problem(n_samples=30)
    X32, y32 = X.astype(np.float32), y.astype(np.float32)
    order = np.random.default_rng(7).permutation(30)  # train's first epoch with seed=7
    batches = [(X32[order[i : i + 8]], y32[order[i : i + 8]]) for i in range(0, 30, 8)]
    from_arrays = Network([2, 6, 1], activation="relu", seed=1)
    from_list = from_arrays.copy()
    train(from_arrays, X, y, epochs=1, batch_size=8, seed=7, learning_rate=1e-2)
    train(from_list, batches, epochs=1, learning_rate=1e-2)
    assert np.array_equal(from_arrays.parameter_vector, from_list.parameter_vector)


def test_a_list_of_batches_is_re_iterable():
    X, y = _small_problem(n_samples=20)
    batches = [(X[:10], y[:10]), (X[10:], y[10:])]
    network = Network([2, 4, 1], seed=0)
    history = train(network, batches, epochs=3, learning_rate=1e-2)
    assert len(history.train_loss) == 3


def test_a_one_shot_iterator_is_refused_for_several_epochs():
    X, y = _small_problem(n_samples=20)
    network = Network([2, 4, 1], seed=0)
    before = network.parameter_vector.copy()
    generator = ((X[i : i + 5], y[i : i + 5]) for i in range(0, 20, 5))
    with pytest.raises(ClimannError, match="one-shot iterator.*re-iterable"):
        train(network, generator, epochs=2)
    np.testing.assert_array_equal(network.parameter_vector, before)
    assert len(train(network, iter([(X, y)]), epochs=1).train_loss) == 1


def test_an_empty_second_pass_is_an_error():
    X, y = _small_problem(n_samples=20)

    class Once:
        def __init__(self):
            self.passes = 0

        def __iter__(self):
            self.passes += 1
            return iter([(X, y)] if self.passes == 1 else [])

    with pytest.raises(ClimannError, match="epoch 2 had no batch"):
        train(Network([2, 3, 1]), Once(), epochs=2)


def test_validation_batches_give_the_loss_of_the_whole_set():
    X, y = _small_problem(n_samples=40)
    X_val, y_val = _small_problem(n_samples=30, seed=1)
    weights = np.linspace(0.2, 2.0, 30)
    arrays = Network([2, 4, 1], seed=0, dtype="float64")
    batched = arrays.copy()
    history = train(arrays, X, y, epochs=2, validation=(X_val, y_val, weights))
    batches = [(X_val[:12], y_val[:12], weights[:12]), (X_val[12:], y_val[12:], weights[12:])]
    history_batched = train(batched, X, y, epochs=2, validation=batches)
    assert history_batched.val_loss == pytest.approx(history.val_loss, rel=1e-13)


# ---------------------------------------------------------------------------------------------
# Masks


def _two_output_problem(n_samples=40, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, 3))
    y = np.column_stack([np.sin(X[:, 0]), X[:, 1] * X[:, 2]])
    mask = rng.random(y.shape) < 0.7
    return X, y, mask


def test_masked_targets_change_nothing_in_training():
    X, y, mask = _two_output_problem()
    with_nan = Network([3, 6, 2], activation="tanh", seed=1)
    with_other = with_nan.copy()
    options = dict(epochs=3, batch_size=8, learning_rate=1e-2, mask=mask)
    first = train(with_nan, X, np.where(mask, y, np.nan), **options)
    second = train(with_other, X, np.where(mask, y, 123.0), **options)
    assert np.array_equal(with_nan.parameter_vector, with_other.parameter_vector)
    assert first.train_loss == second.train_loss


def test_masked_training_matches_zero_weight_where_whole_samples_are_missing():
    # Masking every output of a sample is the same as giving it weight zero.
    X, y, _ = _two_output_problem()
    weights = np.ones(len(X))
    weights[::3] = 0.0
    mask = np.repeat(weights[:, None] > 0, 2, axis=1)
    masked = Network([3, 5, 2], activation="tanh", seed=2, dtype="float64")
    weighted = masked.copy()
    options = dict(epochs=5, batch_size=FULL_BATCH, optimizer="sgd", learning_rate=0.3)
    train(masked, X, y, mask=mask, **options)
    train(weighted, X, y, sample_weight=weights, **options)
    np.testing.assert_allclose(masked.parameter_vector, weighted.parameter_vector, rtol=1e-12)


def test_unmasked_nan_target_is_an_error_that_suggests_a_mask():
    X, y, _ = _two_output_problem()
    y[3, 1] = np.nan
    with pytest.raises(ClimannError, match="training y has 1 NaN.*mask them"):
        train(Network([3, 2]), X, y)


# ---------------------------------------------------------------------------------------------
# L2 penalty and clipping


@pytest.mark.parametrize("batch_size", [pytest.param(b, id=f"batch{b}") for b in (1, 4, 16)])
def test_l2_step_does_not_depend_on_the_batch_size(batch_size):
    # Targets made by the network itself: ∂J/∂θ = 0, so the step is the penalty's alone,
    # w ← w − λ·l2·w, whatever the batch size (one batch, one step).
    network = Network([3, 2], activation=[], init="glorot", seed=0, dtype="float64")
    network.biases[0] = [0.5, -0.5]
    X = np.random.default_rng(batch_size).normal(size=(batch_size, 3))
    y = network.predict(X)
    weights, biases = network.weights[0].copy(), network.biases[0].copy()
    train(
        network, X, y, epochs=1, batch_size=batch_size, optimizer="sgd", learning_rate=0.1, l2=0.5
    )
    np.testing.assert_allclose(network.weights[0], (1 - 0.1 * 0.5) * weights, rtol=1e-14)
    np.testing.assert_array_equal(network.biases[0], biases)


def test_l2_strength_is_the_same_for_repeated_data():
    # The same samples three times over: same mean loss, same gradient, same penalty. (With
    # a penalty divided by the number of samples, the repeated set would be penalised less.)
    X, y = _small_problem(n_samples=10)
    once = Network([2, 4, 1], activation="tanh", seed=0, dtype="float64")
    thrice = once.copy()
    options = dict(epochs=5, batch_size=FULL_BATCH, optimizer="sgd", learning_rate=0.2, l2=0.3)
    train(once, X, y, **options)
    train(thrice, np.tile(X, (3, 1)), np.tile(y, (3, 1)), **options)
    np.testing.assert_allclose(once.parameter_vector, thrice.parameter_vector, rtol=1e-12)


def test_l2_full_batch_step_by_hand_and_history_without_penalty():
    X, y = _small_problem()
    network = Network([2, 5, 1], activation="tanh", seed=1, dtype="float64")
    loss_value, gradients = network.loss_and_gradients(X, y)
    expected = [
        (w - 0.3 * (dW + 0.1 * w), b - 0.3 * db)
        for w, b, (dW, db) in zip(network.weights, network.biases, gradients, strict=True)
    ]
    history = train(
        network, X, y, epochs=1, batch_size=FULL_BATCH, optimizer="sgd", learning_rate=0.3, l2=0.1
    )
    assert history.train_loss[0] == pytest.approx(loss_value, rel=1e-12)  # J, no penalty
    for w, b, (w_want, b_want) in zip(network.weights, network.biases, expected, strict=True):
        np.testing.assert_allclose(w, w_want, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(b, b_want, rtol=1e-12, atol=1e-14)


def test_clip_norm_full_batch_step_by_hand():
    X, y = _small_problem()
    network = Network([2, 5, 1], activation="tanh", seed=1, dtype="float64")
    _, gradients = network.loss_and_gradients(X, y)
    norm = np.sqrt(sum(np.sum(dW**2) + np.sum(db**2) for dW, db in gradients))
    clip = norm / 4
    before = network.parameter_vector.copy()
    flat = np.concatenate([dW.ravel() for dW, _ in gradients] + [db for _, db in gradients])
    train(
        network,
        X,
        y,
        epochs=1,
        batch_size=FULL_BATCH,
        optimizer="sgd",
        learning_rate=0.5,
        clip_norm=clip,
    )
    step = before - network.parameter_vector
    np.testing.assert_allclose(step, 0.5 * flat * clip / norm, rtol=1e-11, atol=1e-15)
    assert np.linalg.norm(step) == pytest.approx(0.5 * clip, rel=1e-11)


# ---------------------------------------------------------------------------------------------
# Optimizers, schedules, early stopping, divergence


@pytest.mark.parametrize(
    "optimizer",
    [pytest.param(n, id=n) for n in ("sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw")],
)
def test_every_optimizer_learns(optimizer):
    X, y = _small_problem(n_samples=64)
    network = Network([2, 16, 1], activation="tanh", seed=0)
    rate = 0.05 if optimizer in ("sgd", "momentum", "nesterov") else 0.01
    history = train(
        network, X, y, epochs=30, batch_size=16, optimizer=optimizer, learning_rate=rate
    )
    assert history.train_loss[-1] < history.train_loss[0] / 3


def test_adamw_in_training_decays_weights_and_not_biases():
    # Targets made by the network itself: ∂J/∂θ = 0 exactly, so Adam's part of the step is 0
    # and only the decoupled decay acts, on the weights of every layer and on no bias.
    network = Network([3, 4, 2], activation="tanh", seed=0, dtype="float64")
    for biases in network.biases:
        biases[...] = 0.5
    X = np.random.default_rng(0).normal(size=(8, 3))
    y = network.predict(X)
    before = network.copy()
    train(
        network, X, y, epochs=1, batch_size=8, optimizer=AdamW(learning_rate=0.1, weight_decay=0.2)
    )
    for after, start in zip(network.weights, before.weights, strict=True):
        np.testing.assert_allclose(after, (1 - 0.1 * 0.2) * start, rtol=1e-14)
    for after, start in zip(network.biases, before.biases, strict=True):
        np.testing.assert_array_equal(after, start)


def test_optimizer_object_is_copied_not_changed():
    X, y = _small_problem()
    momentum = Momentum(learning_rate=0.05, momentum=0.5)
    first, second = Network([2, 4, 1], seed=0), Network([2, 4, 1], seed=0)
    history = train(first, X, y, epochs=2, optimizer=momentum)
    train(second, X, y, epochs=2, optimizer=momentum)
    assert momentum.velocity.size == 0  # the object kept no state
    assert history.learning_rate == [0.05, 0.05]
    assert np.array_equal(first.parameter_vector, second.parameter_vector)
    with pytest.raises(ClimannError, match="set it in the object only"):
        train(first, X, y, optimizer=momentum, learning_rate=0.1)


def test_schedule_rates_are_used_and_recorded():
    X, y = _small_problem()
    network = Network([2, 5, 1], activation="tanh", seed=1, dtype="float64")
    manual = network.copy()
    history = train(
        network,
        X,
        y,
        epochs=3,
        batch_size=FULL_BATCH,
        optimizer="sgd",
        learning_rate=0.4,
        schedule=StepDecay(step_size=1, gamma=0.5),
    )
    assert history.learning_rate == [0.4, 0.2, 0.1]
    for rate in (0.4, 0.2, 0.1):
        _, gradients = manual.loss_and_gradients(X, y)
        for w, b, (dW, db) in zip(manual.weights, manual.biases, gradients, strict=True):
            w -= rate * dW
            b -= rate * db
    np.testing.assert_allclose(network.parameter_vector, manual.parameter_vector, rtol=1e-11)


def test_default_learning_rate_is_constant():
    X, y = _small_problem()
    assert train(Network([2, 3, 1]), X, y, epochs=3).learning_rate == [1e-3] * 3
    history = train(Network([2, 3, 1]), X, y, epochs=4, learning_rate=0.1, schedule="cosine")
    assert history.learning_rate == pytest.approx([0.1, 0.0853553, 0.05, 0.0146447], rel=1e-5)


def test_reduce_on_plateau_follows_the_validation_loss():
    # Validation targets of the opposite sign: the validation loss rises while the training
    # loss falls, so only a schedule that watches the validation loss reduces the rate.
    X, y = _small_problem(n_samples=64)
    schedule = ReduceOnPlateau(factor=0.5, patience=2)
    history = train(
        Network([2, 8, 1], activation="tanh", seed=0),
        X,
        y,
        epochs=8,
        batch_size=16,
        learning_rate=0.01,
        validation=(X, -y),
        schedule=schedule,
    )
    assert history.train_loss[-1] < history.train_loss[0]
    assert history.learning_rate[-1] < 0.01
    for epoch, rate in enumerate(history.learning_rate, start=1):
        assert rate == schedule.learning_rate(
            epoch, initial=0.01, epochs=8, losses=history.val_loss[: epoch - 1]
        )


def _overfitting_problem():
    """Few noisy samples and a wide network: the validation loss falls, then rises."""
    rng = np.random.default_rng(0)
    X, X_val = rng.normal(size=(24, 2)), rng.normal(size=(200, 2))
    y = np.sin(X[:, :1]) + 0.5 * rng.normal(size=(24, 1))
    return X, y, X_val, np.sin(X_val[:, :1])


def test_early_stopping_restores_the_best_weights():
    X, y, X_val, y_val = _overfitting_problem()
    network = Network([2, 64, 64, 1], activation="tanh", seed=0)
    history = train(
        network,
        X,
        y,
        epochs=300,
        batch_size=8,
        learning_rate=1e-2,
        validation=(X_val, y_val),
        early_stopping=EarlyStopping(patience=5),
    )
    assert history.stopped_epoch is not None and history.stopped_epoch < 300
    assert history.best_epoch == history.stopped_epoch - 5
    assert len(history.val_loss) == history.stopped_epoch
    best = min(history.val_loss)
    assert history.val_loss[history.best_epoch - 1] == best < history.val_loss[-1]
    assert network.loss(X_val, y_val) == best
    assert history.weights_epoch == history.best_epoch


def test_without_early_stopping_the_weights_are_the_last_epochs_not_the_best():
    """The demo's learning curves starred epoch 14 (lowest validation loss) while model.npz held epoch 15."""
    X, y, X_val, y_val = _overfitting_problem()
    network = Network([2, 64, 64, 1], activation="tanh", seed=0)
    history = train(network, X, y, epochs=40, batch_size=8, learning_rate=1e-2, validation=(X_val, y_val))
    assert history.best_epoch < 40 and history.weights_epoch == 40
    assert network.loss(X_val, y_val) == history.val_loss[-1] > history.val_loss[history.best_epoch - 1]


def test_early_stopping_without_validation_watches_the_training_loss():
    X, y = _small_problem()
    history = train(
        Network([2, 4, 1], seed=0),
        X,
        y,
        epochs=5,
        learning_rate=1e-3,
        early_stopping=EarlyStopping(patience=2),
    )
    assert history.stopped_epoch is None and history.best_epoch == 5  # still improving


def test_divergence_keeps_the_best_weights_so_far():
    X, y = _small_problem()
    X_val, y_val = _small_problem(n_samples=30, seed=1)

    class Explode:
        """1e-2 for three epochs, then a rate that makes the weights overflow."""

        def learning_rate(self, epoch, *, initial, epochs, losses):
            return 1e-2 if epoch <= 3 else 1e30

    network = Network([2, 8, 1], activation="tanh", seed=0)
    with pytest.raises(
        ClimannError,
        match=r"diverged in epoch 4 with learning_rate=1e\+30 .*weights from epoch \d, the best "
        r"so far; try a smaller learning rate, e\.g\. 1e\+29",
    ) as error:
        train(
            network,
            X,
            y,
            epochs=6,
            optimizer="sgd",
            batch_size=8,
            validation=(X_val, y_val),
            schedule=Explode(),
        )
    assert "\n" not in str(error.value)
    reference = Network([2, 8, 1], activation="tanh", seed=0)
    history = train(
        reference,
        X,
        y,
        epochs=3,
        optimizer="sgd",
        batch_size=8,
        validation=(X_val, y_val),
        learning_rate=1e-2,
    )
    assert network.loss(X_val, y_val) == min(history.val_loss)


# ---------------------------------------------------------------------------------------------
# Batch callbacks and determinism


def test_batch_callbacks_see_every_step():
    X, y = _small_problem(n_samples=20)
    calls = []
    history = train(
        Network([2, 3, 1], seed=0, dtype="float64"),
        X,
        y,
        epochs=2,
        batch_size=8,
        optimizer="sgd",
        learning_rate=1e-300,
        batch_callbacks=[lambda epoch, index, loss: calls.append((epoch, index, loss))],
    )
    assert [(epoch, index) for epoch, index, _ in calls] == [
        (1, 1),
        (1, 2),
        (1, 3),
        (2, 1),
        (2, 2),
        (2, 3),
    ]
    first_epoch = [loss for epoch, _, loss in calls if epoch == 1]
    assert history.train_loss[0] == pytest.approx(np.dot(first_epoch, [8, 8, 4]) / 20, rel=1e-13)


def test_same_settings_give_bit_identical_weights_with_every_feature():
    X, y, mask = _two_output_problem()
    X_val, y_val, _ = _two_output_problem(seed=1)

    def trained():
        network = Network([3, 8, 2], activation="leaky_relu(0.1)", seed=0)
        history = train(
            network,
            X,
            np.where(mask, y, np.nan),
            epochs=12,
            batch_size=8,
            seed=3,
            optimizer=AdamW(learning_rate=1e-2, weight_decay=0.05),
            mask=mask,
            l2=1e-3,
            clip_norm=0.5,
            schedule="cosine",
            validation=(X_val, y_val),
            early_stopping=EarlyStopping(patience=3),
        )
        return network.parameter_vector.copy(), history

    (first, history), (again, history_again) = trained(), trained()
    assert np.array_equal(first, again)
    assert history == history_again


# ---------------------------------------------------------------------------------------------
# Checkpoints: stopping, continuing from a TrainingState, bit-identical weights
# ---------------------------------------------------------------------------------------------
RESUME_SETTINGS = {
    "adam-step": {"optimizer": "adam", "learning_rate": 0.01, "schedule": StepDecay(step_size=2, gamma=0.5)},
    "momentum-plateau": {
        "optimizer": Momentum(learning_rate=0.02, momentum=0.8),
        "schedule": ReduceOnPlateau(patience=1, factor=0.5),
    },
    "sgd-l2-clip": {"optimizer": "sgd", "learning_rate": 0.05, "l2": 1e-3, "clip_norm": 1.0},
}


def _resume_problem():
    """203 samples in batches of 16: 13 batches per epoch, the last one short."""
    X, y = _small_problem(n_samples=203, seed=2)
    return X, y, _small_problem(n_samples=40, seed=3)


def _train_for_resume(settings, **kwargs):
    X, y, validation = _resume_problem()
    network = Network([2, 8, 1], activation="tanh", seed=1)
    history = train(
        network, X, y, epochs=6, batch_size=16, seed=5, validation=validation,
        early_stopping=EarlyStopping(patience=4), **RESUME_SETTINGS[settings], **kwargs,
    )
    return network, history


def _stopped_state(settings, epoch, batch):
    """The state of a run stopped in ``epoch`` after ``batch`` (None: at the epoch's end)."""
    stop = StopRequest()

    def at_batch(current_epoch, current_batch, loss):
        stop.requested |= (current_epoch, current_batch) == (epoch, batch)

    def at_epoch(current_epoch, history):
        stop.requested |= batch is None and current_epoch == epoch

    saved = []
    with pytest.raises(TrainingInterrupted) as interrupted:
        _train_for_resume(settings, stop=stop, batch_callbacks=[at_batch], callbacks=[at_epoch],
                          on_checkpoint=saved.append)
    assert saved == [interrupted.value.state]
    return interrupted.value.state


@pytest.mark.parametrize("settings", [pytest.param(name, id=name) for name in RESUME_SETTINGS])
@pytest.mark.parametrize(
    "epoch, batch",
    [
        pytest.param(3, None, id="end-of-epoch-3"),
        pytest.param(3, 5, id="epoch-3-batch-5"),
        pytest.param(2, 13, id="after-the-last-batch"),
        pytest.param(1, 1, id="first-batch"),
    ],
)
def test_a_stopped_run_continues_to_bit_identical_weights(tmp_path, settings, epoch, batch):
    reference, reference_history = _train_for_resume(settings)
    state = _stopped_state(settings, epoch, batch)
    save_state(tmp_path / "state.npz", state)
    loaded, _ = load_state(tmp_path / "state.npz")
    network, history = _train_for_resume(settings, initial_state=loaded)
    assert np.array_equal(network.parameter_vector, reference.parameter_vector)
    assert history == reference_history


@pytest.mark.parametrize("settings", [pytest.param(name, id=name) for name in RESUME_SETTINGS])
def test_any_periodic_checkpoint_continues_to_bit_identical_weights(settings):
    # What a run killed with SIGKILL leaves: the last periodic checkpoint.
    saved = []
    reference, reference_history = _train_for_resume(settings, checkpoint_every=2, on_checkpoint=saved.append)
    assert [state.epoch for state in saved] == [2, 4, 6]
    for state in saved:
        network, history = _train_for_resume(settings, initial_state=state)
        assert np.array_equal(network.parameter_vector, reference.parameter_vector)
        assert history == reference_history


def test_checkpoints_come_every_n_epochs_and_after_the_last():
    X, y = _small_problem()
    for every, expected in ((1, [1, 2, 3, 4, 5]), (2, [2, 4, 5]), (5, [5]), (0, [])):
        saved = []
        train(Network([2, 1]), X, y, epochs=5, checkpoint_every=every, on_checkpoint=saved.append)
        assert [state.epoch for state in saved] == expected


def test_early_stopping_checkpoints_its_last_epoch_and_a_finished_state_trains_no_more():
    X, y = _small_problem()
    saved = []
    network = Network([2, 4, 1], seed=0)
    history = train(network, X, y, epochs=50, learning_rate=1.0, optimizer="sgd",
                    early_stopping=EarlyStopping(patience=1, min_delta=10.0),
                    checkpoint_every=100, on_checkpoint=saved.append)
    assert history.stopped_epoch == 2 and [state.epoch for state in saved] == [2]
    resumed = Network([2, 4, 1], seed=7)
    again = train(resumed, X, y, epochs=50, learning_rate=1.0, optimizer="sgd",
                  early_stopping=EarlyStopping(patience=1, min_delta=10.0), initial_state=saved[0])
    assert again == history
    assert np.array_equal(resumed.parameter_vector, network.parameter_vector)  # the best weights


def test_a_stream_stops_at_the_end_of_the_epoch():
    X, y = _small_problem(n_samples=40)
    batches = [(X[i : i + 10], y[i : i + 10]) for i in range(0, 40, 10)]
    stop = StopRequest()

    def request(epoch, batch, loss):
        stop.requested = True

    with pytest.raises(TrainingInterrupted) as interrupted:
        train(Network([2, 1]), batches, epochs=3, stop=stop, batch_callbacks=[request])
    state = interrupted.value.state
    assert (state.epoch, state.batch, state.n_samples) == (1, 0, None)
    reference = Network([2, 1])
    train(reference, batches, epochs=3)
    resumed = Network([2, 1])
    train(resumed, batches, epochs=3, initial_state=state)
    assert np.array_equal(resumed.parameter_vector, reference.parameter_vector)


def _state_of(**kwargs):
    X, y = _small_problem(n_samples=40)
    stop = StopRequest(requested=True)
    options = {"epochs": 2, "batch_size": 8, "stop": stop} | kwargs
    with pytest.raises(TrainingInterrupted) as interrupted:
        train(Network([2, 3, 1]), X, y, **options)
    return interrupted.value.state


@pytest.mark.parametrize(
    "call, message",
    [
        pytest.param(lambda X, y, s: train(Network([2, 4, 1]), X, y, epochs=2, batch_size=8,
                                           initial_state=s), "parameters are", id="architecture"),
        pytest.param(lambda X, y, s: train(Network([2, 3, 1]), X, y, epochs=2, batch_size=8,
                                           optimizer="sgd", initial_state=s), "taken with Adam", id="optimizer"),
        pytest.param(lambda X, y, s: train(Network([2, 3, 1]), X, y, epochs=2, batch_size=4,
                                           initial_state=s), "in batches of 8", id="batch-size"),
        pytest.param(lambda X, y, s: train(Network([2, 3, 1]), X[:30], y[:30], epochs=2, batch_size=8,
                                           initial_state=s), "40 training samples", id="data"),
        pytest.param(lambda X, y, s: train(Network([2, 3, 1]), [(X, y)], epochs=2, initial_state=s),
                     "inside an epoch", id="stream"),
        pytest.param(lambda X, y, s: train(Network([2, 3, 1]), X, y, epochs=2, batch_size=8,
                                           initial_state="state"), "TrainingState or None", id="type"),
    ],
)
def test_a_state_that_does_not_continue_this_run_is_refused(call, message):
    X, y = _small_problem(n_samples=40)
    with pytest.raises(ClimannError, match=message):
        call(X, y, _state_of())


@pytest.mark.parametrize(
    "kwargs, message",
    [
        pytest.param({"checkpoint_every": -1}, "checkpoint_every must be an integer >= 0", id="every"),
        pytest.param({"on_checkpoint": "file.npz"}, "on_checkpoint must be a callable", id="callback"),
        pytest.param({"stop": True}, "stop must be a StopRequest", id="stop"),
    ],
)
def test_invalid_checkpoint_settings(kwargs, message):
    X, y = _small_problem()
    with pytest.raises(ClimannError, match=message):
        train(Network([2, 1]), X, y, epochs=1, **kwargs)


def test_divergence_is_a_training_diverged_error_with_its_epoch_and_rate():
    X, y = _small_problem()
    with pytest.raises(TrainingDiverged) as diverged:
        train(Network([2, 16, 1], seed=0), X, y, epochs=3, batch_size=4, optimizer="sgd", learning_rate=1e10)
    assert (diverged.value.epoch, diverged.value.learning_rate, diverged.value.best_epoch) == (1, 1e10, None)
    assert isinstance(diverged.value, ClimannError)


# --- one clear line for data the network cannot use (issue 13) -------------------------------------
def _regression(n_samples=40, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, 2))
    return X, X.sum(axis=1, keepdims=True)


@pytest.mark.parametrize(
    "validation",
    [
        pytest.param(lambda X, y: [X.tolist(), y.tolist()], id="list-of-lists"),
        pytest.param(lambda X, y: (X.tolist(), y.tolist()), id="tuple-of-lists"),
        pytest.param(lambda X, y: [(X, y)], id="stream-of-one-batch"),
    ],
)
def test_validation_lists_are_read_like_training_data(validation):
    X, y = _regression()
    reference = train(Network([2, 3, 1], seed=1), X, y, validation=(X[:10], y[:10]), epochs=2, batch_size=8)
    history = train(Network([2, 3, 1], seed=1), X.tolist(), y.tolist(), validation=validation(X[:10], y[:10]),
                    epochs=2, batch_size=8)
    assert history.val_loss == reference.val_loss


def test_finite_values_beyond_float32_are_named_as_such():
    X, y = _regression()
    y[3, 0] = 1e39  # finite in float64, inf in float32
    with pytest.raises(ClimannError, match=r"training y has 1 finite values beyond the range of float32 .*float64"):
        train(Network([2, 3, 1]), X, y, epochs=1)
    history = train(Network([2, 3, 1], dtype="float64"), X, y / 1e39, epochs=1)  # scaled: fine
    assert np.isfinite(history.train_loss).all()


def test_a_loss_infinite_at_the_initial_weights_asks_to_scale_the_target():
    X, y = _regression()
    with pytest.raises(ClimannError, match="at the initial weights, before any step .*scale the target .*float64") as error:
        train(Network([2, 3, 1]), X, y * 1e19, epochs=1, optimizer="sgd")
    assert "smaller learning rate" not in str(error.value)
