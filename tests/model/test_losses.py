"""Tests for climann/model/losses.py."""

import numpy as np
import pytest

from climann.errors import ClimannError
from climann.model.losses import (
    Huber,
    check_mask,
    check_sample_weight,
    get_loss,
    sample_scale,
    total_weight,
    weighted_mean,
)

# Two samples, three outputs: residuals a = ŷ − y = [[1, 2, 3], [0, 0, -1]].
PREDICTIONS = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
TARGETS = np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
RESIDUALS = PREDICTIONS - TARGETS
WEIGHTS = np.array([3.0, 1.0])

# By hand (m = 2 samples, k = 3 outputs):
#   mse   = (1 + 4 + 9 + 0 + 0 + 1) / (2·2·3)                   = 15/12
#   mse_w = (3·(1 + 4 + 9) + 1·(1)) / (2·3·(3 + 1))             = 43/24
#   mae   = (1 + 2 + 3 + 0 + 0 + 1) / (2·3)                     = 7/6
#   mae_w = (3·6 + 1·1) / (3·4)                                 = 19/12
#   huber (δ = 1): ℓ = ½, 1.5, 2.5, 0, 0, ½  → sum 5, /6        = 5/6
#   huber_w = (3·(½ + 1.5 + 2.5) + 1·½) / (3·4)                 = 14/12
HAND_VALUES = {
    ("mse", False): 15 / 12,
    ("mse", True): 43 / 24,
    ("mae", False): 7 / 6,
    ("mae", True): 19 / 12,
    ("huber", False): 5 / 6,
    ("huber", True): 14 / 12,
}


@pytest.mark.parametrize(
    "name, weighted",
    [
        pytest.param(name, weighted, id=f"{name}-{'weighted' if weighted else 'plain'}")
        for name, weighted in HAND_VALUES
    ],
)
def test_value_by_hand(name, weighted):
    value = get_loss(name).value(PREDICTIONS, TARGETS, WEIGHTS if weighted else None)
    assert value == pytest.approx(HAND_VALUES[(name, weighted)], rel=1e-15)


def test_mse_gradient_is_divided_by_samples_and_outputs():
    # (ŷ − y)/(m·k) with m·k = 6: not /m (= 2), the factor-k error of scikit-learn #8349.
    gradient = get_loss("mse").gradient(PREDICTIONS, TARGETS)
    np.testing.assert_allclose(gradient, RESIDUALS / 6, rtol=1e-15)


def test_weighted_mse_gradient_by_hand():
    # w_i (ŷ − y)/(k Σw) = w_i a / 12
    gradient = get_loss("mse").gradient(PREDICTIONS, TARGETS, WEIGHTS)
    np.testing.assert_allclose(gradient, WEIGHTS[:, None] * RESIDUALS / 12, rtol=1e-15)


def test_mae_subgradient_is_zero_at_zero_residual():
    gradient = get_loss("mae").gradient(PREDICTIONS, TARGETS)
    np.testing.assert_array_equal(gradient, np.array([[1, 1, 1], [0, 0, -1]]) / 6)


def test_huber_with_other_delta_by_hand():
    # δ = 2: ℓ = ½, 2, 2(3 − 1) = 4, 0, 0, ½ → 7/6
    assert Huber(delta=2.0).value(PREDICTIONS, TARGETS) == pytest.approx(7 / 6, rel=1e-15)
    np.testing.assert_allclose(
        Huber(delta=2.0).gradient(PREDICTIONS, TARGETS), np.clip(RESIDUALS, -2, 2) / 6, rtol=1e-15
    )


def _residuals_away_from_kinks(shape, rng):
    """Residual sizes in [0.2, 0.8] or [1.2, 2], random signs: clear of the kinks at 0 and δ = 1."""
    sizes = np.where(
        rng.random(shape) < 0.5, rng.uniform(0.2, 0.8, shape), rng.uniform(1.2, 2.0, shape)
    )
    return sizes * rng.choice([-1.0, 1.0], shape)


@pytest.mark.parametrize("name", [pytest.param(n, id=n) for n in ("mse", "mae", "huber")])
@pytest.mark.parametrize(
    "weighted", [pytest.param(False, id="plain"), pytest.param(True, id="weighted")]
)
@pytest.mark.parametrize("n_outputs", [pytest.param(1, id="k1"), pytest.param(3, id="k3")])
def test_gradient_matches_central_differences(name, weighted, n_outputs):
    rng = np.random.default_rng(7)
    targets = rng.normal(size=(5, n_outputs))
    predictions = targets + _residuals_away_from_kinks(targets.shape, rng)
    weights = rng.uniform(0.1, 2.0, size=5) if weighted else None
    loss = get_loss(name)
    step = 1e-6
    numeric = np.empty_like(predictions)
    for index in np.ndindex(predictions.shape):
        plus, minus = predictions.copy(), predictions.copy()
        plus[index] += step
        minus[index] -= step
        numeric[index] = (
            loss.value(plus, targets, weights) - loss.value(minus, targets, weights)
        ) / (2 * step)
    np.testing.assert_allclose(
        loss.gradient(predictions, targets, weights), numeric, rtol=1e-6, atol=1e-10
    )


@pytest.mark.parametrize("name", [pytest.param(n, id=n) for n in ("mse", "mae", "huber")])
def test_integer_weights_equal_repeated_samples(name):
    rng = np.random.default_rng(3)
    predictions, targets = rng.normal(size=(4, 2)), rng.normal(size=(4, 2))
    counts = np.array([1, 3, 0, 2])
    repeated = np.repeat(np.arange(4), counts)
    loss = get_loss(name)
    weighted = loss.value(predictions, targets, counts.astype(float))
    assert weighted == pytest.approx(
        loss.value(predictions[repeated], targets[repeated]), rel=1e-13
    )


@pytest.mark.parametrize("name", [pytest.param(n, id=n) for n in ("mse", "mae", "huber")])
def test_float32_gradient_stays_float32(name):
    predictions, targets = PREDICTIONS.astype(np.float32), TARGETS.astype(np.float32)
    assert get_loss(name).gradient(predictions, targets, WEIGHTS).dtype == np.float32
    assert get_loss(name).gradient(predictions, targets).dtype == np.float32


def test_weighted_mean_on_a_3x4_grid_by_hand():
    values = np.arange(12.0).reshape(3, 4)  # row sums 6, 22, 38
    weights = np.array([1.0, 0.0, 3.0])
    assert weighted_mean(values, weights) == pytest.approx((1 * 6 + 3 * 38) / (4 * 4), rel=1e-15)
    assert weighted_mean(values) == pytest.approx(66 / 12, rel=1e-15)


def test_sample_scale_sums_to_one_over_outputs():
    scale = sample_scale(np.array([1.0, 2.0, 5.0]), n_samples=3, n_outputs=4, dtype=np.float64)
    assert scale.shape == (3, 1)
    np.testing.assert_allclose(scale[:, 0], np.array([1, 2, 5]) / 32, rtol=1e-15)


@pytest.mark.parametrize(
    "weights, message",
    [
        pytest.param(np.ones(3), r"shape \(4,\)", id="wrong-length"),
        pytest.param(np.ones((4, 1)), r"shape \(4,\)", id="2-d"),
        pytest.param(np.array([1.0, -1.0, 1.0, 1.0]), "non-negative", id="negative"),
        pytest.param(np.array([1.0, np.nan, 1.0, 1.0]), "finite", id="nan"),
        pytest.param(np.zeros(4), "sums to zero", id="all-zero"),
    ],
)
def test_bad_sample_weight(weights, message):
    with pytest.raises(ClimannError, match=message):
        check_sample_weight(weights, n_samples=4)


def test_huber_delta_must_be_positive():
    with pytest.raises(ClimannError, match="delta"):
        Huber(delta=0.0)


def test_get_loss_passes_loss_objects_through():
    huber = Huber(delta=0.5)
    assert get_loss(huber) is huber


def test_unknown_loss_lists_valid_names():
    with pytest.raises(
        ClimannError, match=r"unknown loss 'mes'; valid names: huber, mae, mse; did you mean 'mse'"
    ):
        get_loss("mes")


# The same two samples with a mask: the targets (0, 2) and (1, 0) are missing (NaN).
MASK = np.array([[True, True, False], [False, True, True]])
MASKED_TARGETS = np.where(MASK, TARGETS, np.nan)
# Observed residuals: 1, 2 (sample 0) and 0, -1 (sample 1).
#   mse    = (1 + 4 + 0 + 1) / (2·4)                       = 6/8
#   mse_w  = (3·(1 + 4) + 1·(0 + 1)) / (2·(3·2 + 1·2))     = 16/16
#   mae    = (1 + 2 + 0 + 1) / 4                           = 1
#   mae_w  = (3·3 + 1·1) / 8                               = 10/8
#   huber  = (½ + 1.5 + 0 + ½) / 4                         = 2.5/4
#   huber_w = (3·2 + 1·½) / 8                              = 6.5/8
MASKED_HAND_VALUES = {
    ("mse", False): 6 / 8,
    ("mse", True): 16 / 16,
    ("mae", False): 1.0,
    ("mae", True): 10 / 8,
    ("huber", False): 2.5 / 4,
    ("huber", True): 6.5 / 8,
}


@pytest.mark.parametrize(
    "name, weighted",
    [
        pytest.param(name, weighted, id=f"{name}-{'weighted' if weighted else 'plain'}")
        for name, weighted in MASKED_HAND_VALUES
    ],
)
def test_masked_value_by_hand(name, weighted):
    loss = get_loss(name)
    weights = WEIGHTS if weighted else None
    value = loss.value(PREDICTIONS, MASKED_TARGETS, weights, MASK)
    assert value == pytest.approx(MASKED_HAND_VALUES[(name, weighted)], rel=1e-15)
    assert loss.value_and_gradient(PREDICTIONS, MASKED_TARGETS, weights, MASK)[0] == value


def test_masked_mse_gradient_by_hand():
    # w_i m_ij a_ij / Σ w m, with Σ w m = 3·2 + 1·2 = 8; zero (not NaN) where missing.
    gradient = get_loss("mse").gradient(PREDICTIONS, MASKED_TARGETS, WEIGHTS, MASK)
    expected = np.array([[3 * 1, 3 * 2, 0], [0, 1 * 0, 1 * -1]]) / 8
    np.testing.assert_allclose(gradient, expected, rtol=1e-15)


@pytest.mark.parametrize("name", [pytest.param(n, id=n) for n in ("mse", "mae", "huber")])
@pytest.mark.parametrize(
    "weighted", [pytest.param(False, id="plain"), pytest.param(True, id="weighted")]
)
def test_masked_gradient_matches_central_differences(name, weighted):
    rng = np.random.default_rng(8)
    targets = rng.normal(size=(6, 3))
    predictions = targets + _residuals_away_from_kinks(targets.shape, rng)
    mask = rng.random(targets.shape) < 0.6
    targets[~mask] = np.nan
    weights = rng.uniform(0.1, 2.0, size=6) if weighted else None
    loss = get_loss(name)
    step = 1e-6
    numeric = np.empty_like(predictions)
    for index in np.ndindex(predictions.shape):
        plus, minus = predictions.copy(), predictions.copy()
        plus[index] += step
        minus[index] -= step
        numeric[index] = (
            loss.value(plus, targets, weights, mask) - loss.value(minus, targets, weights, mask)
        ) / (2 * step)
    np.testing.assert_allclose(
        loss.gradient(predictions, targets, weights, mask), numeric, rtol=1e-6, atol=1e-10
    )


def test_all_true_mask_changes_nothing():
    for name in ("mse", "mae", "huber"):
        loss = get_loss(name)
        full = np.ones(PREDICTIONS.shape, dtype=bool)
        assert loss.value(PREDICTIONS, TARGETS, WEIGHTS, full) == pytest.approx(
            loss.value(PREDICTIONS, TARGETS, WEIGHTS), rel=1e-15
        )


def test_weighted_mean_with_a_mask_on_a_3x4_grid_by_hand():
    values = np.arange(12.0).reshape(3, 4)
    values[1, 2] = np.nan  # missing: ignored
    mask = np.ones((3, 4), dtype=bool)
    mask[1, 2] = mask[2, 0] = False
    weights = np.array([1.0, 2.0, 3.0])
    # Σ w m E = 1·(0+1+2+3) + 2·(4+5+7) + 3·(9+10+11) = 6 + 32 + 90; Σ w m = 4 + 6 + 9
    assert weighted_mean(values, weights, mask) == pytest.approx(128 / 19, rel=1e-15)
    assert total_weight(weights, mask, shape=(3, 4)) == 19
    assert total_weight(None, mask, shape=(3, 4)) == 10
    assert total_weight(weights, None, shape=(3, 4)) == 24
    assert total_weight(None, None, shape=(3, 4)) == 12


@pytest.mark.parametrize(
    "mask, message",
    [
        pytest.param(np.ones((2, 3)), "must be boolean", id="float"),
        pytest.param(np.ones((3, 2), dtype=bool), r"shape of y, \(2, 3\)", id="shape"),
    ],
)
def test_bad_mask(mask, message):
    with pytest.raises(ClimannError, match=message):
        check_mask(mask, shape=(2, 3))


@pytest.mark.parametrize("loss", [pytest.param(get_loss("mse"), id="mse"), pytest.param(get_loss("mae"), id="mae"),
                                  pytest.param(Huber(delta=0.5), id="huber")])
@pytest.mark.parametrize("weighted, masked", [pytest.param(False, False, id="plain"), pytest.param(True, False, id="weights"),
                                              pytest.param(True, True, id="weights-and-mask")])
def test_the_sum_form_divided_by_the_total_weight_is_the_mean_form(loss, weighted, masked):
    rng = np.random.default_rng(2)
    predictions, targets = rng.normal(size=(30, 3)), rng.normal(size=(30, 3))
    weights = rng.uniform(0.1, 2.0, 30) if weighted else None
    mask = rng.uniform(size=(30, 3)) > 0.4 if masked else None
    total, gradient = loss.sum_and_gradient(predictions, targets, weights, mask)
    mean, mean_gradient = loss.value_and_gradient(predictions, targets, weights, mask)
    weight = total_weight(weights, mask, shape=(30, 3))
    assert total / weight == pytest.approx(mean, rel=1e-12)
    np.testing.assert_allclose(gradient / weight, mean_gradient, rtol=1e-12)
