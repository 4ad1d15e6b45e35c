"""Ensemble mean, spread and the spread–skill ratio against hand computations."""

import numpy as np
import pytest

from climann.evaluation.ensemble import (
    block_spread_skill,
    ensemble_mean,
    ensemble_spread,
    spread_skill_ratio,
    spread_skill_ratio_uncorrected,
    spread_skill_sums,
)


@pytest.fixture(scope="module")
def small_ensemble():
    """3 members on 5 time steps of a 3×4 grid, a truth, cos-latitude areas, one missing value."""
    rng = np.random.default_rng(7)
    members = rng.normal(280.0, 3.0, size=(3, 5, 3, 4))
    truth = rng.normal(280.0, 3.0, size=(5, 3, 4))
    truth[1, 2, 3] = np.nan
    area = np.cos(np.deg2rad(np.array([-60.0, 0.0, 60.0])))[:, None] * np.ones((3, 4))
    return members, truth, area


def test_mean_and_spread_are_numpy_mean_and_std_with_ddof_1(small_ensemble):
    members, _, _ = small_ensemble
    np.testing.assert_array_equal(ensemble_mean(members), np.mean(members, axis=0))
    by_hand = np.sqrt(((members - members.mean(axis=0)) ** 2).sum(axis=0) / (members.shape[0] - 1))
    np.testing.assert_allclose(ensemble_spread(members), by_hand, rtol=1e-12)


def test_a_single_member_has_no_spread():
    with pytest.raises(ValueError, match="at least 2 members"):
        ensemble_spread(np.ones((1, 3)))


def test_spread_skill_against_a_hand_computation_with_area_weights(small_ensemble):
    members, truth, area = small_ensemble
    mean, spread = ensemble_mean(members), ensemble_spread(members)
    steps = np.array([True, True, False, True, False])
    # by hand: loops over the block's values, weight = the cell's area, skipping the missing truth
    weight = variance = error2 = 0.0
    for t in np.flatnonzero(steps):
        for i in range(3):
            for j in range(4):
                if np.isnan(truth[t, i, j]):
                    continue
                values = members[:, t, i, j]
                weight += area[i, j]
                variance += area[i, j] * values.var(ddof=1)
                error2 += area[i, j] * (values.mean() - truth[t, i, j]) ** 2
    np.testing.assert_allclose(spread_skill_sums(mean, spread, truth, area, steps), [weight, variance, error2],
                               rtol=1e-12)
    scores = block_spread_skill(mean, spread, truth, area, {"test": steps}, 3)["test"]
    mean_variance, mse = variance / weight, error2 / weight
    assert scores["n_samples"] == 3 * 12 - 1
    assert scores["spread"] == pytest.approx(np.sqrt(mean_variance), rel=1e-12)
    assert scores["rmse"] == pytest.approx(np.sqrt(mse), rel=1e-12)
    assert scores["spread_skill_ratio_uncorrected"] == pytest.approx(np.sqrt(mean_variance / mse), rel=1e-12)
    assert scores["spread_skill_ratio"] == pytest.approx(np.sqrt(mean_variance / (mse - mean_variance / 3)),
                                                         rel=1e-12)


@pytest.mark.parametrize("n_members", [pytest.param(2, id="2 members"), pytest.param(5, id="5 members")])
def test_a_perfectly_reliable_ensemble_has_a_corrected_ratio_of_one(n_members):
    """Truth and members drawn from one distribution (per sample its own mean): the corrected
    ratio is 1 whatever the size; the uncorrected one √(M/(M + 1)) (Fortin et al. 2014)."""
    rng = np.random.default_rng(0)
    centre = rng.normal(0.0, 5.0, size=200_000)
    members = centre + rng.normal(0.0, 2.0, size=(n_members, centre.size))
    truth = centre + rng.normal(0.0, 2.0, size=centre.size)
    mean_variance = float(ensemble_spread(members).__pow__(2).mean())
    mse = float(((ensemble_mean(members) - truth) ** 2).mean())
    assert spread_skill_ratio(mean_variance, mse, n_members) == pytest.approx(1.0, abs=0.01)
    assert spread_skill_ratio_uncorrected(mean_variance, mse) == pytest.approx(
        np.sqrt(n_members / (n_members + 1)), abs=0.01)


def test_the_corrected_ratio_is_undefined_when_the_error_is_within_the_sampling_bias():
    assert np.isnan(spread_skill_ratio(1.0, 0.4, 2))  # 0.4 − 1/2 < 0
    assert np.isnan(spread_skill_ratio_uncorrected(1.0, 0.0))
