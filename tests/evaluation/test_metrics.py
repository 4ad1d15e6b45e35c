import numpy as np
import pytest

from climann.evaluation.metrics import (
    MIN_ACC_CELLS,
    MIN_CENTRED_CELLS,
    anomaly_correlation_from_sums,
    anomaly_sums,
    coefficient_of_determination,
    mean_anomaly_correlation,
    mean_absolute_error,
    mean_bias,
    mean_squared_error,
    pearson_correlation,
    score,
    skill_score,
    temporal_anomaly_correlation,
    uncentred_anomaly_correlation_from_sums,
    weighted_mean,
)


def test_scores_against_hand_computed_values():
    truth = np.array([1.0, 2.0, 3.0, 4.0])
    predicted = np.array([1.5, 2.0, 2.0, 6.0])  # errors 0.5, 0, -1, 2
    assert mean_squared_error(predicted, truth) == pytest.approx((0.25 + 0 + 1 + 4) / 4)
    assert mean_absolute_error(predicted, truth) == pytest.approx((0.5 + 0 + 1 + 2) / 4)
    assert mean_bias(predicted, truth) == pytest.approx(1.5 / 4)
    assert score(predicted, truth)["rmse"] == pytest.approx(np.sqrt(5.25 / 4))
    # R² = 1 − SSE/SST with SST = Σ(y − 2.5)² = 5
    assert coefficient_of_determination(predicted, truth) == pytest.approx(1 - 5.25 / 5)
    assert pearson_correlation(predicted, truth) == pytest.approx(np.corrcoef(predicted, truth)[0, 1])


def test_the_errors_keep_their_digits_beside_a_huge_value():
    """An unmarked fill value (1e20, exactly predicted) beside ordinary values: the shift by
    the truth's mean (~2.5e19) must not round the other errors away (it gave MSE 0)."""
    truth = np.array([280.0, 281.0, 282.0, 1e20])
    predicted = np.array([280.5, 281.0, 281.0, 1e20])  # errors 0.5, 0, -1, 0
    found = score(predicted, truth)
    assert found["mse"] == pytest.approx((0.25 + 0 + 1 + 0) / 4, rel=1e-12)
    assert found["mae"] == pytest.approx(1.5 / 4, rel=1e-12)
    assert found["bias"] == pytest.approx(-0.5 / 4, rel=1e-12)


def test_weighted_scores_on_a_three_by_four_grid_with_cos_latitude():
    rng = np.random.default_rng(0)
    truth = rng.normal(size=(3, 4))
    predicted = truth + rng.normal(size=(3, 4))
    row_weights = np.cos(np.deg2rad([-60.0, 0.0, 60.0]))  # 0.5, 1, 0.5
    weights = np.repeat(row_weights, 4)
    error = (predicted - truth).reshape(-1)
    hand_mse = sum(row_weights[r] * ((predicted[r] - truth[r]) ** 2).sum() for r in range(3)) / (4 * row_weights.sum())
    assert mean_squared_error(predicted.reshape(-1), truth.reshape(-1), weights) == pytest.approx(hand_mse)
    assert mean_bias(predicted.reshape(-1), truth.reshape(-1), weights) == pytest.approx((weights * error).sum() / weights.sum())
    # weighted Pearson equals the unweighted one on data where each row is repeated by its weight (2:1)
    repeats = np.repeat(np.array([1, 2, 1]), 4)
    expanded = np.corrcoef(np.repeat(predicted.reshape(-1), repeats), np.repeat(truth.reshape(-1), repeats))[0, 1]
    assert pearson_correlation(predicted.reshape(-1), truth.reshape(-1), weights) == pytest.approx(expanded)


def test_missing_values_are_skipped_in_either_array():
    truth = np.array([1.0, np.nan, 3.0, 4.0])
    predicted = np.array([2.0, 5.0, np.nan, 4.0])
    assert mean_squared_error(predicted, truth) == pytest.approx((1 + 0) / 2)
    assert weighted_mean(np.array([1.0, np.nan, 3.0]), np.array([1.0, 5.0, 1.0])) == pytest.approx(2.0)


def test_multi_output_weights_apply_along_samples():
    values = np.array([[1.0, 3.0], [5.0, 7.0]])
    assert weighted_mean(values, np.array([3.0, 1.0])) == pytest.approx((3 * 4 + 1 * 12) / 8)


def test_skill_score():
    assert skill_score(1.0, 4.0) == pytest.approx(0.75)
    assert skill_score(4.0, 4.0) == 0.0


def wilks_acc(predicted, truth, climatology, weights):
    """The centred ACC of one time step written straight from Wilks (2011) §8.6.4: anomalies
    from the climatology, each centred on its weighted mean, over the cells where all are present."""
    keep = np.isfinite(predicted) & np.isfinite(truth) & np.isfinite(climatology)
    f, a, w = (predicted - climatology)[keep], (truth - climatology)[keep], weights[keep]
    f_centred = f - np.sum(w * f) / np.sum(w)
    a_centred = a - np.sum(w * a) / np.sum(w)
    return np.sum(w * f_centred * a_centred) / np.sqrt(np.sum(w * a_centred**2) * np.sum(w * f_centred**2))


def step_acc(predicted, truth, climatology, weights):
    """ACC of each step of gridded arrays (n_time, n_lat, n_lon) through the module's functions."""
    n_time = truth.shape[0]
    return anomaly_correlation_from_sums(anomaly_sums((predicted - climatology).reshape(n_time, -1),
                                                      (truth - climatology).reshape(n_time, -1), weights.reshape(-1)))


def test_acc_of_each_step_equals_wilks_formula_on_a_grid_with_cos_latitude_weights():
    rng = np.random.default_rng(5)
    climatology = 280 + 20 * np.cos(np.deg2rad([-60.0, 0.0, 60.0]))[None, :, None] * np.ones((6, 3, 4))
    truth = climatology + rng.normal(size=(6, 3, 4))
    predicted = climatology + 0.6 * (truth - climatology) + 0.5 * rng.normal(size=truth.shape) + 0.3  # biased
    truth[2, 1, 3] = np.nan
    predicted[4, 0, 0] = np.nan
    weights = np.repeat(np.cos(np.deg2rad([-60.0, 0.0, 60.0]))[:, None], 4, axis=1)
    expected = [wilks_acc(predicted[t], truth[t], climatology[t], weights) for t in range(6)]
    np.testing.assert_allclose(step_acc(predicted, truth, climatology, weights), expected, rtol=1e-10)
    assert len(set(np.round(expected, 6))) == 6  # a real pattern of values, not a constant


#: A truth anomaly of 12 cells (above the centred ACC's minimum), alternating in sign.
TRUTH_ANOMALY = np.tile([1.0, -1.0, 1.0, -1.0], 3)


@pytest.mark.parametrize(("make_anomaly", "expected"), [
    pytest.param(lambda a: 2 * a, 1.0, id="twice-the-anomaly"),
    pytest.param(lambda a: 0.5 * a + 3.0, 1.0, id="scaled-and-shifted"),
    pytest.param(lambda a: -a, -1.0, id="opposite"),
    pytest.param(lambda a: np.tile([1.0, 1.0, -1.0, -1.0], 3), 0.0, id="orthogonal-pattern"),
])
def test_acc_of_hand_cases(make_anomaly, expected):
    sums = anomaly_sums(make_anomaly(TRUTH_ANOMALY)[None, :], TRUTH_ANOMALY[None, :], np.ones(12))
    assert anomaly_correlation_from_sums(sums)[0] == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(("make_anomaly", "expected"), [
    pytest.param(lambda a: 2 * a, 1.0, id="twice-the-anomaly"),
    # Σfa = 0.5·12, Σf² = 12·(0.25 + 9) (the cross terms cancel), Σa² = 12: 0.5/√9.25
    pytest.param(lambda a: 0.5 * a + 3.0, 0.5 / np.sqrt(9.25), id="scaled-and-shifted"),
    pytest.param(lambda a: -a, -1.0, id="opposite"),
    pytest.param(lambda a: np.tile([1.0, 1.0, -1.0, -1.0], 3), 0.0, id="orthogonal-pattern"),
    pytest.param(lambda a: np.full(12, 0.7), 0.0, id="uniform-anomaly"),  # centred: undefined
])
def test_uncentred_acc_of_hand_cases(make_anomaly, expected):
    """Σ w f a / √(Σ w f² · Σ w a²), WeatherBench 2's ACC: an offset of the prediction's anomaly
    counts against it (the centred ACC of "scaled-and-shifted" is 1)."""
    sums = anomaly_sums(make_anomaly(TRUTH_ANOMALY)[None, :], TRUTH_ANOMALY[None, :], np.ones(12))
    assert uncentred_anomaly_correlation_from_sums(sums)[0] == pytest.approx(expected, abs=1e-12)


def uncentred_by_hand(predicted_anomaly, truth_anomaly, weights):
    """WeatherBench 2's ACC of one step written out: mean(w f a) / √(mean(w f²) · mean(w a²))."""
    keep = np.isfinite(predicted_anomaly) & np.isfinite(truth_anomaly)
    f, a, w = predicted_anomaly[keep], truth_anomaly[keep], weights[keep]
    return np.average(f * a, weights=w) / np.sqrt(np.average(f * f, weights=w) * np.average(a * a, weights=w))


def test_uncentred_acc_of_each_step_equals_the_formula_on_a_grid_with_cos_latitude_weights():
    rng = np.random.default_rng(5)
    truth = rng.normal(size=(6, 3, 4))
    predicted = 0.6 * truth + 0.5 * rng.normal(size=truth.shape) + 0.3
    truth[2, 1, 3] = np.nan
    predicted[4, 0, 0] = np.nan
    weights = np.repeat(np.cos(np.deg2rad([-60.0, 0.0, 60.0]))[:, None], 4, axis=1).reshape(-1)
    sums = anomaly_sums(predicted.reshape(6, -1), truth.reshape(6, -1), weights)
    expected = [uncentred_by_hand(predicted[t].reshape(-1), truth[t].reshape(-1), weights) for t in range(6)]
    np.testing.assert_allclose(uncentred_anomaly_correlation_from_sums(sums), expected, rtol=1e-12)
    assert len(set(np.round(expected, 6))) == 6


def test_a_constant_shift_of_the_whole_field_leaves_the_centred_acc_and_lowers_the_uncentred_one():
    """A warmer scenario the prediction misses: the truth's anomaly everywhere 2 higher. The
    centred ACC removes each step's area mean and cannot see it; the uncentred ACC does."""
    rng = np.random.default_rng(3)
    weights = rng.uniform(0.5, 1.5, size=40)
    truth = rng.normal(size=(5, 40))
    predicted = truth + 0.4 * rng.normal(size=truth.shape)
    before = anomaly_sums(predicted, truth, weights)
    after = anomaly_sums(predicted, truth + 2.0, weights)
    np.testing.assert_allclose(anomaly_correlation_from_sums(after), anomaly_correlation_from_sums(before),
                               rtol=1e-12)
    shifted = [uncentred_by_hand(predicted[t], truth[t] + 2.0, weights) for t in range(5)]
    np.testing.assert_allclose(uncentred_anomaly_correlation_from_sums(after), shifted, rtol=1e-12)
    assert np.all(uncentred_anomaly_correlation_from_sums(after)
                  < uncentred_anomaly_correlation_from_sums(before) - 0.25)


@pytest.mark.parametrize(("predicted_anomaly", "truth_anomaly"), [
    pytest.param(np.zeros(12), np.arange(12.0) - 4, id="climatology-zero-anomaly"),
    pytest.param(np.full(12, 0.7), np.arange(12.0) - 4, id="uniform-anomaly"),
    pytest.param(np.arange(12.0), np.full(12, 4.0), id="truth-without-variance"),
])
def test_centred_acc_is_undefined_without_variance(predicted_anomaly, truth_anomaly):
    sums = anomaly_sums(predicted_anomaly[None, :], truth_anomaly[None, :], np.linspace(1.0, 2.0, 12))
    assert np.isnan(anomaly_correlation_from_sums(sums)[0])


def test_the_centred_acc_needs_enough_cells():
    """Over 2 cells the centred anomalies are ±d: the correlation is +1 or −1 at every step,
    whatever the values (here 10 random steps), a sign count. Below
    :data:`MIN_ACC_CELLS` it is not taken."""
    rng = np.random.default_rng(11)
    truth, predicted = rng.normal(size=(10, 2)), rng.normal(size=(10, 2))
    sums = anomaly_sums(predicted, truth, np.array([1.0, 0.6]))
    assert set(np.abs(anomaly_correlation_from_sums(sums, min_cells=2)).round(12)) == {1.0}  # why it is not taken
    assert np.isnan(anomaly_correlation_from_sums(sums)).all()
    # at the minimum the centred ACC is taken
    many = anomaly_sums(rng.normal(size=(1, MIN_ACC_CELLS)), rng.normal(size=(1, MIN_ACC_CELLS)),
                        np.ones(MIN_ACC_CELLS))
    assert np.isfinite(anomaly_correlation_from_sums(many)[0])
    assert np.isnan(anomaly_correlation_from_sums(many, min_cells=MIN_ACC_CELLS + 1)[0])
    assert MIN_CENTRED_CELLS == MIN_ACC_CELLS  # the earlier name, kept for the Python API


def test_the_uncentred_acc_needs_as_many_cells_as_the_centred_one():
    """On one cell (a station) the uncentred ACC of each step is f·a/|f·a|, the sign of the
    product of the anomalies, and a block's ACC the fraction of steps of the right sign: it
    was given there (break31a A5: "unc. ACC 0.32" at a station, the mean sign). Below
    :data:`MIN_ACC_CELLS` cells it is not taken, as the centred one; at the minimum it is
    WeatherBench 2's formula, by hand."""
    rng = np.random.default_rng(12)
    truth, predicted = rng.normal(size=(10, MIN_ACC_CELLS)), rng.normal(size=(10, MIN_ACC_CELLS))
    weights = rng.uniform(0.5, 1.5, size=MIN_ACC_CELLS)
    one = anomaly_sums(predicted[:, :1], truth[:, :1], weights[:1])
    np.testing.assert_allclose(uncentred_anomaly_correlation_from_sums(one, min_cells=1),
                               np.sign(predicted[:, 0] * truth[:, 0]), rtol=1e-12)  # why it is not taken
    assert np.isnan(uncentred_anomaly_correlation_from_sums(one)).all()
    fewer = anomaly_sums(predicted[:, 1:], truth[:, 1:], weights[1:])
    assert np.isnan(uncentred_anomaly_correlation_from_sums(fewer)).all()
    enough = anomaly_sums(predicted, truth, weights)
    expected = [uncentred_by_hand(predicted[t], truth[t], weights) for t in range(10)]
    np.testing.assert_allclose(uncentred_anomaly_correlation_from_sums(enough), expected, rtol=1e-12)


@pytest.mark.parametrize(("predicted_anomaly", "truth_anomaly"), [
    pytest.param(np.zeros(12), np.arange(12.0) - 4, id="climatology-zero-anomaly"),
    pytest.param(np.arange(12.0), np.zeros(12), id="truth-anomaly-zero"),
    pytest.param(np.full(12, np.nan), np.arange(12.0), id="no-cell"),
])
def test_uncentred_acc_is_undefined_only_without_a_denominator(predicted_anomaly, truth_anomaly):
    sums = anomaly_sums(predicted_anomaly[None, :], truth_anomaly[None, :], np.ones(12))
    assert np.isnan(uncentred_anomaly_correlation_from_sums(sums)[0])


def test_block_acc_is_the_mean_of_the_defined_steps():
    assert mean_anomaly_correlation(np.array([0.5, np.nan, 0.9])) == (pytest.approx(0.7), 2)
    acc, n_steps = mean_anomaly_correlation(np.full(3, np.nan))
    assert np.isnan(acc) and n_steps == 0


def test_temporal_anomaly_correlation_is_pearson_over_time_at_each_cell():
    rng = np.random.default_rng(6)
    truth = rng.normal(size=(10, 2, 3))
    predicted = 0.5 * truth + rng.normal(size=truth.shape)
    predicted[3, 0, 1] = np.nan
    predicted[:, 1, 2] = 1.5  # no variance: undefined
    truth[:8, 1, 1] = np.nan  # two steps left: undefined
    result = temporal_anomaly_correlation(predicted, truth)
    for i, j in [(0, 0), (0, 1), (0, 2), (1, 0)]:
        keep = np.isfinite(predicted[:, i, j]) & np.isfinite(truth[:, i, j])
        assert result[i, j] == pytest.approx(np.corrcoef(predicted[keep, i, j], truth[keep, i, j])[0, 1])
    assert np.isnan(result[1, 1]) and np.isnan(result[1, 2])


def test_anomaly_sums_count_only_the_cells_that_weigh():
    """fix37b: a cell of zero weight was counted among a step's cells (the ACC's minimum of
    MIN_ACC_CELLS) though it adds nothing to the correlation: 9 cells that weigh and 3 that do
    not leave the step without an ACC, as 9 cells alone do."""
    rng = np.random.default_rng(3)
    truth, predicted = rng.normal(size=(1, 12)), rng.normal(size=(1, 12))
    weights = np.r_[np.zeros(3), np.ones(9)]
    sums = anomaly_sums(predicted, truth, weights)
    assert sums[0, 0] == 9
    np.testing.assert_allclose(sums, anomaly_sums(predicted[:, 3:], truth[:, 3:], weights[3:]), rtol=1e-12)
    assert np.isnan(anomaly_correlation_from_sums(sums)[0])
