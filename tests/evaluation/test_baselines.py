import numpy as np

from climann.evaluation.baselines import LinearRegression, is_regular, persistence_prediction


def test_linear_regression_recovers_an_exact_linear_relation():
    rng = np.random.default_rng(1)
    inputs = rng.normal(size=(200, 3))
    target = inputs @ np.array([[2.0], [-1.0], [0.5]]) + 3.0
    fit = LinearRegression.fit(inputs, target)
    np.testing.assert_allclose(fit.weights[:, 0], [2.0, -1.0, 0.5], atol=1e-10)
    np.testing.assert_allclose(fit.bias, [3.0], atol=1e-10)


def test_least_squares_residuals_are_orthogonal_to_the_features():
    rng = np.random.default_rng(2)
    inputs = rng.normal(size=(500, 4)).astype(np.float32)
    target = np.sin(inputs[:, :1]) + inputs[:, 1:2] ** 2
    residual = target - LinearRegression.fit(inputs, target).predict(inputs)
    design = np.hstack([inputs, np.ones((500, 1))])
    np.testing.assert_allclose(design.T @ residual, 0, atol=1e-8)  # the normal equations


def test_persistence_is_the_previous_month_by_date_and_missing_after_a_gap():
    import cftime

    keep = [k for k in range(30) if k not in (7, 8)]  # August and September 2000 missing
    times = np.array([cftime.datetime(2000 + k // 12, k % 12 + 1, 16, calendar="360_day") for k in keep])
    truth = np.random.default_rng(3).normal(size=(len(keep), 2, 3))
    predicted = persistence_prediction(truth, times)
    for step, time in enumerate(times):
        previous = [s for s, t in enumerate(times) if (t.year * 12 + t.month) == (time.year * 12 + time.month - 1)]
        if previous:
            np.testing.assert_array_equal(predicted[step], truth[previous[0]])
        else:
            assert np.isnan(predicted[step]).all()
    assert np.isnan(predicted[:, 0, 0]).sum() == 2  # January 2000 and October 2000
    np.testing.assert_array_equal(persistence_prediction(truth)[1:], truth[:-1])  # by position without times


def test_an_axis_with_gaps_is_still_regular_but_not_an_irregular_one():
    import cftime

    monthly = [cftime.datetime(2000, m, 15, calendar="noleap") for m in (1, 2, 3, 7, 8)]
    assert is_regular(monthly)
    scattered = [cftime.datetime(2000, 1, d, calendar="noleap") for d in (1, 2, 4)][:2] + [
        cftime.datetime(2000, 1, 3, 12, calendar="noleap")]
    assert not is_regular(scattered)
