"""Tests for climann/model/network.py: forward pass, backpropagation, shapes and dtypes."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from climann.errors import ClimannError
from climann.model import Network, finite_difference_gradients, relative_error
from climann.model.network import forward

ACTIVATIONS = ["identity", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "silu"]
LOSSES = ["mse", "mae", "huber"]
SMOOTH = ["identity", "sigmoid", "tanh", "softplus", "silu"]  # no kink anywhere
KINK_MARGIN = 1e-3


def _residuals_away_from_kinks(shape, rng):
    """Residual sizes in [0.2, 0.8] or [1.2, 2], random signs: clear of the kinks at 0 and δ = 1."""
    sizes = np.where(
        rng.random(shape) < 0.5, rng.uniform(0.2, 0.8, shape), rng.uniform(1.2, 2.0, shape)
    )
    return sizes * rng.choice([-1.0, 1.0], shape)


def _gradient_problem(
    layer_sizes,
    activation,
    *,
    n_samples,
    weighted,
    seed,
    output_activation="identity",
    masked=False,
):
    """A float64 network with non-zero biases, inputs, targets clear of loss kinks, weights;
    with ``masked``, also a mask with about a third of the targets missing (NaN in y)."""
    rng = np.random.default_rng(seed)
    network = Network(
        layer_sizes,
        activation=activation,
        output_activation=output_activation,
        init="glorot",
        seed=seed,
        dtype="float64",
    )
    for biases in network.biases:
        biases[:] = rng.normal(scale=0.3, size=biases.shape)
    X = rng.normal(size=(n_samples, layer_sizes[0]))
    y = network.predict(X) - _residuals_away_from_kinks((n_samples, layer_sizes[-1]), rng)
    sample_weight = rng.uniform(0.1, 2.0, size=n_samples) if weighted else None
    if not masked:
        return network, X, y, sample_weight
    mask = rng.random(y.shape) < 2 / 3
    mask.flat[0] = True  # at least one observed target
    return network, X, np.where(mask, y, np.nan), sample_weight, mask


def _distance_to_kinks(network, X, y, mask=None):
    """How close any pre-activation is to 0 and any observed residual to 0 or δ = 1."""
    pre_activations, outputs = forward(
        X, network.weights, network.biases, network.layer_activations
    )
    residual = np.abs(outputs[-1] - y)
    if mask is not None:
        residual = residual[mask]
    return min(
        min(np.abs(z).min() for z in pre_activations[:-1]) if len(pre_activations) > 1 else np.inf,
        residual.min(),
        np.abs(residual - 1.0).min(),
    )


def _assert_gradients_match(
    network, X, y, loss, sample_weight, *, mask=None, l2=0.0, tolerance=1e-6
):
    options = dict(loss=loss, sample_weight=sample_weight, mask=mask, l2=l2)
    _, gradients = network.loss_and_gradients(X, y, **options)
    numeric = finite_difference_gradients(network, X, y, **options)
    assert len(gradients) == len(numeric) == len(network.weights)
    for layer, ((dW, db), (dW_fd, db_fd)) in enumerate(zip(gradients, numeric, strict=True)):
        assert dW.shape == network.weights[layer].shape and db.shape == network.biases[layer].shape
        assert relative_error(dW, dW_fd) < tolerance, f"layer {layer} weights"
        assert relative_error(db, db_fd) < tolerance, f"layer {layer} biases"


@pytest.mark.parametrize("activation", [pytest.param(a, id=a) for a in ACTIVATIONS])
@pytest.mark.parametrize("loss", [pytest.param(name, id=name) for name in LOSSES])
@pytest.mark.parametrize("n_outputs", [pytest.param(1, id="k1"), pytest.param(3, id="k3")])
@pytest.mark.parametrize(
    "weighted", [pytest.param(False, id="plain"), pytest.param(True, id="weighted")]
)
def test_backpropagation_matches_finite_differences(activation, loss, n_outputs, weighted):
    network, X, y, sample_weight = _gradient_problem(
        [3, 5, 4, n_outputs], activation, n_samples=6, weighted=weighted, seed=11
    )
    assert _distance_to_kinks(network, X, y) > KINK_MARGIN
    _assert_gradients_match(network, X, y, loss, sample_weight)


@pytest.mark.parametrize("activation", [pytest.param(a, id=a) for a in ACTIVATIONS])
@pytest.mark.parametrize("loss", [pytest.param(name, id=name) for name in LOSSES])
@pytest.mark.parametrize("n_outputs", [pytest.param(1, id="k1"), pytest.param(3, id="k3")])
@pytest.mark.parametrize(
    "weighted", [pytest.param(False, id="plain"), pytest.param(True, id="weighted")]
)
def test_backpropagation_with_a_mask_matches_finite_differences(
    activation, loss, n_outputs, weighted
):
    # Missing targets are NaN: a gradient that touched them would be NaN, not just off.
    network, X, y, sample_weight, mask = _gradient_problem(
        [3, 5, 4, n_outputs], activation, n_samples=6, weighted=weighted, seed=12, masked=True
    )
    assert not mask.all() and np.isnan(y).any()
    assert _distance_to_kinks(network, X, y, mask) > KINK_MARGIN
    _assert_gradients_match(network, X, y, loss, sample_weight, mask=mask)


@pytest.mark.parametrize("activation", [pytest.param(a, id=a) for a in ("tanh", "relu")])
@pytest.mark.parametrize(
    "masked", [pytest.param(False, id="plain"), pytest.param(True, id="masked")]
)
def test_l2_gradient_matches_finite_differences_of_the_penalised_loss(activation, masked):
    problem = _gradient_problem(
        [3, 5, 2], activation, n_samples=6, weighted=True, seed=5, masked=masked
    )
    network, X, y, sample_weight = problem[:4]
    mask = problem[4] if masked else None
    _assert_gradients_match(network, X, y, "mse", sample_weight, mask=mask, l2=0.3)


def test_l2_adds_the_penalty_to_the_loss_and_l2_w_to_weight_gradients_only():
    network, X, y, _ = _gradient_problem([3, 4, 2], "tanh", n_samples=5, weighted=False, seed=2)
    plain_loss, plain = network.loss_and_gradients(X, y)
    penalised_loss, penalised = network.loss_and_gradients(X, y, l2=0.5)
    squares = sum(float(np.sum(w * w)) for w in network.weights)
    assert penalised_loss == pytest.approx(plain_loss + 0.25 * squares, rel=1e-14)
    assert network.loss(X, y, l2=0.5) == pytest.approx(penalised_loss, rel=1e-14)
    for weights, (dW, db), (dW_plain, db_plain) in zip(
        network.weights, penalised, plain, strict=True
    ):
        np.testing.assert_allclose(dW, dW_plain + 0.5 * weights, rtol=1e-14)
        np.testing.assert_array_equal(db, db_plain)


def test_a_masked_target_changes_nothing_even_nan():
    network, X, y, sample_weight, mask = _gradient_problem(
        [3, 4, 3], "tanh", n_samples=6, weighted=True, seed=8, masked=True
    )
    other_y = np.where(mask, y, 1e6)  # any value where the mask is False
    nan_loss, nan_gradients = network.loss_and_gradients(
        X, y, sample_weight=sample_weight, mask=mask
    )
    other_loss, other_gradients = network.loss_and_gradients(
        X, other_y, sample_weight=sample_weight, mask=mask
    )
    assert nan_loss == other_loss and np.isfinite(nan_loss)
    for (a, b), (c, d) in zip(nan_gradients, other_gradients, strict=True):
        np.testing.assert_array_equal(a, c)
        np.testing.assert_array_equal(b, d)


def test_a_fully_masked_sample_is_a_sample_of_weight_zero():
    network, X, y, sample_weight = _gradient_problem(
        [3, 4, 2], "tanh", n_samples=5, weighted=True, seed=9
    )
    mask = np.ones(y.shape, dtype=bool)
    mask[2] = False
    zero_weight = sample_weight.copy()
    zero_weight[2] = 0.0
    masked_loss, masked = network.loss_and_gradients(X, y, sample_weight=sample_weight, mask=mask)
    weighted_loss, weighted = network.loss_and_gradients(X, y, sample_weight=zero_weight)
    assert masked_loss == pytest.approx(weighted_loss, rel=1e-14)
    for (a, b), (c, d) in zip(masked, weighted, strict=True):
        np.testing.assert_allclose(a, c, rtol=1e-13)
        np.testing.assert_allclose(b, d, rtol=1e-13)


@pytest.mark.parametrize(
    "mask, message",
    [
        pytest.param(np.ones((5, 2)), "mask must be boolean", id="not-bool"),
        pytest.param(np.ones((5, 1), dtype=bool), r"shape of y, \(5, 2\)", id="shape"),
        pytest.param(np.zeros((5, 2), dtype=bool), "no target is observed", id="all-missing"),
    ],
)
def test_invalid_mask(mask, message):
    network = Network([3, 2])
    with pytest.raises(ClimannError, match=message):
        network.loss_and_gradients(np.ones((5, 3)), np.ones((5, 2)), mask=mask)


@pytest.mark.parametrize(
    "output_activation", [pytest.param(a, id=a) for a in ("sigmoid", "tanh", "softplus", "silu")]
)
def test_backpropagation_through_output_activation(output_activation):
    network, X, y, sample_weight = _gradient_problem(
        [2, 4, 2], "tanh", n_samples=5, weighted=True, seed=3, output_activation=output_activation
    )
    _assert_gradients_match(network, X, y, "mse", sample_weight)


@settings(max_examples=40, deadline=None)
@given(
    hidden=st.lists(st.integers(1, 5), max_size=3),
    n_inputs=st.integers(1, 4),
    n_outputs=st.integers(1, 3),
    activation=st.sampled_from(SMOOTH),
    loss=st.sampled_from(LOSSES),
    n_samples=st.integers(1, 6),
    weighted=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_backpropagation_property_random_architectures(
    hidden, n_inputs, n_outputs, activation, loss, n_samples, weighted, seed
):
    network, X, y, sample_weight = _gradient_problem(
        [n_inputs, *hidden, n_outputs],
        activation,
        n_samples=n_samples,
        weighted=weighted,
        seed=seed,
    )
    _, gradients = network.loss_and_gradients(X, y, loss=loss, sample_weight=sample_weight)
    numeric = finite_difference_gradients(network, X, y, loss=loss, sample_weight=sample_weight)
    flat = np.concatenate([g.ravel() for pair in gradients for g in pair])
    flat_numeric = np.concatenate([g.ravel() for pair in numeric for g in pair])
    assert relative_error(flat, flat_numeric) < 1e-6
    np.testing.assert_allclose(flat, flat_numeric, rtol=1e-5, atol=1e-8)


def test_predict_in_batches_equals_one_batch():
    network = Network([3, 8, 2], activation="relu", seed=1)
    X = np.random.default_rng(1).normal(size=(10, 3)).astype(np.float32)
    whole = network.predict(X, batch_size=100)
    np.testing.assert_allclose(network.predict(X, batch_size=3), whole, rtol=1e-6)
    np.testing.assert_allclose(whole, network.predict(X.tolist()), rtol=1e-6)


def test_loss_matches_loss_and_gradients():
    network, X, y, sample_weight = _gradient_problem(
        [2, 3, 2], "tanh", n_samples=5, weighted=True, seed=0
    )
    loss_value, _ = network.loss_and_gradients(X, y, loss="huber", sample_weight=sample_weight)
    assert network.loss(
        X, y, loss="huber", sample_weight=sample_weight, batch_size=2
    ) == pytest.approx(loss_value, rel=1e-14)


def test_float32_network_stays_float32():
    network = Network([3, 6, 2], seed=0)
    X = np.random.default_rng(0).normal(size=(4, 3))  # float64 input: cast, not upcast
    y = np.zeros((4, 2))
    assert network.predict(X).dtype == np.float32
    loss_value, gradients = network.loss_and_gradients(X, y)
    assert isinstance(loss_value, float)
    assert all(dW.dtype == np.float32 and db.dtype == np.float32 for dW, db in gradients)
    assert all(w.dtype == np.float32 for w in network.weights + network.biases)


def test_float64_on_request():
    network = Network([3, 6, 2], seed=0, dtype="float64")
    X = np.ones((4, 3), dtype=np.float32)
    assert network.predict(X).dtype == np.float64
    assert all(
        dW.dtype == np.float64 for dW, _ in network.loss_and_gradients(X, np.zeros((4, 2)))[1]
    )


def test_initial_parameters():
    network = Network([3, 4, 1], init="he", seed=0)
    assert network.layer_sizes == [3, 4, 1]
    assert [w.shape for w in network.weights] == [(3, 4), (4, 1)]
    assert all(np.array_equal(b, np.zeros_like(b)) for b in network.biases)
    same = Network([3, 4, 1], init="he", seed=np.random.default_rng(0))
    other = Network([3, 4, 1], init="he", seed=1)
    assert all(np.array_equal(a, b) for a, b in zip(network.weights, same.weights, strict=True))
    assert not np.array_equal(network.weights[0], other.weights[0])


def test_one_activation_per_hidden_layer():
    network = Network([2, 3, 3, 1], activation=["tanh", "elu"])
    assert [a.name for a in network.activations] == ["tanh", "elu"]
    with pytest.raises(ClimannError, match="one per hidden layer"):
        Network([2, 3, 3, 1], activation=["tanh"])


def test_astype_makes_an_independent_copy():
    network = Network([2, 3, 1], activation="tanh", seed=0)
    network.metadata = {"scaler": {"mean": [1.0]}}
    copy = network.astype("float64")
    assert copy.dtype == np.float64 and copy.weights[0].dtype == np.float64
    np.testing.assert_array_equal(copy.weights[0], network.weights[0].astype(np.float64))
    copy.weights[0][0, 0] += 1.0
    copy.metadata["scaler"]["mean"][0] = 2.0
    assert copy.weights[0][0, 0] != network.weights[0][0, 0]
    assert network.metadata == {"scaler": {"mean": [1.0]}}


@pytest.mark.parametrize(
    "X, y, message",
    [
        pytest.param(
            np.ones((5, 3)),
            np.ones(5),
            r"y must have shape \(5, 1\).*got shape \(5,\).*reshape",
            id="1-d-y",
        ),
        pytest.param(
            np.ones((5, 3)), np.ones((4, 1)), r"\(5, 1\).*got shape \(4, 1\)", id="rows-differ"
        ),
        pytest.param(
            np.ones((5, 3)), np.ones((5, 2)), r"\(5, 1\).*got shape \(5, 2\)", id="outputs-differ"
        ),
        pytest.param(
            np.ones((5, 2)),
            np.ones((5, 1)),
            r"X must have shape \(n_samples, 3\).*\(5, 2\)",
            id="columns",
        ),
        pytest.param(np.ones(5), np.ones((5, 1)), r"X must have shape.*\(5,\)", id="1-d-X"),
        pytest.param(np.ones((0, 3)), np.ones((0, 1)), r"n_samples >= 1", id="empty"),
        pytest.param([["a", "b", "c"]], np.ones((1, 1)), "X must be numeric", id="strings"),
    ],
)
def test_shape_errors_name_the_shapes(X, y, message):
    network = Network([3, 2, 1])
    with pytest.raises(ClimannError, match=message):
        network.loss_and_gradients(X, y)


def test_predict_shape_errors():
    network = Network([3, 2, 1])
    with pytest.raises(ClimannError, match=r"\(n_samples, 3\).*\(4, 2\)"):
        network.predict(np.ones((4, 2)))
    with pytest.raises(ClimannError, match="batch_size"):
        network.predict(np.ones((4, 3)), batch_size=0)
    assert network.predict(np.ones((0, 3))).shape == (0, 1)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        pytest.param({"layer_sizes": [3]}, "at least two", id="one-size"),
        pytest.param({"layer_sizes": [3, 0, 1]}, "positive integers", id="zero-width"),
        pytest.param({"layer_sizes": [3, 2.5, 1]}, "positive integers", id="float-width"),
        pytest.param({"layer_sizes": [3, 1], "dtype": "float16"}, "float32, float64", id="dtype"),
        pytest.param(
            {"layer_sizes": [3, 2, 1], "activation": "rely"}, "did you mean 'relu'", id="activation"
        ),
        pytest.param(
            {"layer_sizes": [3, 1], "output_activation": "softmax"}, "valid names", id="output"
        ),
        pytest.param({"layer_sizes": [3, 1], "init": "gloro"}, "did you mean 'glorot'", id="init"),
    ],
)
def test_invalid_configuration(kwargs, message):
    with pytest.raises(ClimannError, match=message):
        Network(**kwargs)


def test_from_parameters_checks_shapes():
    with pytest.raises(ClimannError, match="do not fit"):
        Network.from_parameters(
            [np.ones((3, 2)), np.ones((3, 1))], [np.ones(2), np.ones(1)], activation="relu"
        )


def test_weights_and_biases_are_views_into_the_parameter_vector():
    network = Network([3, 4, 2], activation="tanh", seed=0, dtype="float64")
    vector = network.parameter_vector
    assert vector.shape == (3 * 4 + 4 * 2 + 4 + 2,) and network.n_weights == 20
    assert all(np.shares_memory(p, vector) for p in network.parameters())
    np.testing.assert_array_equal(vector[:12], network.weights[0].ravel())
    np.testing.assert_array_equal(vector[20:24], network.biases[0])
    X = np.random.default_rng(0).normal(size=(5, 3))
    new_weights = np.arange(12.0).reshape(3, 4) / 10
    network.weights[0][...] = new_weights  # in place: the documented way to set weights
    network.biases[1] += 1.0
    np.testing.assert_array_equal(vector[:12], new_weights.ravel())
    expected = np.tanh(X @ new_weights + network.biases[0]) @ network.weights[1] + network.biases[1]
    np.testing.assert_allclose(network.predict(X), expected, rtol=1e-14)


def test_assigning_weights_copies_into_the_views():
    network = Network([3, 4, 2], seed=0)
    vector, first_view = network.parameter_vector, network.weights[0]
    network.weights[0] = np.ones((3, 4))  # copied into the view, not a new array
    assert network.weights[0] is first_view
    np.testing.assert_array_equal(vector[:12], np.ones(12))
    step = np.full((3, 4), 0.25, dtype=np.float32)
    network.weights[0] -= step  # the lesson's update w ← w − λ·dW, in place
    np.testing.assert_array_equal(vector[:12], np.full(12, 0.75))
    network.biases = [np.full(4, 2.0), np.full(2, 3.0)]
    np.testing.assert_array_equal(vector[20:], [2, 2, 2, 2, 3, 3])
    assert network.biases[1] is network.biases[1] and np.shares_memory(network.biases[1], vector)


@pytest.mark.parametrize(
    "assign, message",
    [
        pytest.param(
            lambda n: n.weights.__setitem__(0, np.ones((4, 3))),
            r"weights\[0\] has shape \(3, 4\)",
            id="shape",
        ),
        pytest.param(
            lambda n: setattr(n, "biases", [np.ones(4)]), "expected 2 biases arrays", id="count"
        ),
    ],
)
def test_assigning_weights_of_the_wrong_shape(assign, message):
    network = Network([3, 4, 2])
    before = network.parameter_vector.copy()
    with pytest.raises(ClimannError, match=message):
        assign(network)
    np.testing.assert_array_equal(network.parameter_vector, before)


def test_pickled_copy_keeps_its_views():
    import copy
    import pickle

    network = Network([3, 4, 2], seed=1)
    for clone in (pickle.loads(pickle.dumps(network)), copy.deepcopy(network)):
        assert all(np.shares_memory(p, clone.parameter_vector) for p in clone.parameters())
        assert not np.shares_memory(clone.parameter_vector, network.parameter_vector)
        np.testing.assert_array_equal(clone.parameter_vector, network.parameter_vector)
        clone.weights[0][0, 0] += 1.0
        assert clone.parameter_vector[0] == network.parameter_vector[0] + np.float32(1.0)


def test_loss_and_gradients_returns_new_arrays_each_call():
    network, X, y, _ = _gradient_problem([2, 3, 1], "tanh", n_samples=4, weighted=False, seed=0)
    _, first = network.loss_and_gradients(X, y)
    kept = [(dW.copy(), db.copy()) for dW, db in first]
    network.loss_and_gradients(2 * X, y)
    for (dW, db), (dW_kept, db_kept) in zip(first, kept, strict=True):
        np.testing.assert_array_equal(dW, dW_kept)
        np.testing.assert_array_equal(db, db_kept)


def test_activation_with_a_parameter():
    network = Network([2, 3, 1], activation="leaky_relu(0.2)", dtype="float64", seed=0)
    assert network.activations[0].slope == 0.2
    assert "leaky_relu(0.2)" in repr(network)
    X = np.array([[1.0, -2.0], [-3.0, 0.5]])
    z = X @ network.weights[0] + network.biases[0]
    hidden = np.where(z > 0, z, 0.2 * z)
    np.testing.assert_allclose(
        network.predict(X), hidden @ network.weights[1] + network.biases[1], rtol=1e-14
    )
    assert network.copy().activations[0].slope == 0.2
