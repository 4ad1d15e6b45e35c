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


def _weighted_problem(seed):
    """Features, a target that no linear model fits exactly, and positive weights (cell areas)."""
    rng = np.random.default_rng(seed)
    inputs = rng.normal(size=(400, 3))
    target = np.cos(inputs[:, :1]) * 5 + inputs[:, 1:2] ** 2 + 280.0
    weights = rng.uniform(0.05, 2.0, size=400)
    return inputs, target, weights


def test_weighted_least_squares_equals_lstsq_on_sqrt_weighted_rows():
    inputs, target, weights = _weighted_problem(4)
    fit = LinearRegression.fit(inputs, target, weights)
    design = np.hstack([inputs, np.ones((400, 1))])
    root = np.sqrt(weights)[:, None]
    expected, *_ = np.linalg.lstsq(design * root, target * root, rcond=None)
    np.testing.assert_allclose(fit.weights, expected[:-1], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(fit.bias, expected[-1], rtol=1e-12)


def test_weighted_fit_has_no_weighted_bias_on_its_training_samples():
    inputs, target, weights = _weighted_problem(5)
    residual = (LinearRegression.fit(inputs, target, weights).predict(inputs) - target)[:, 0]
    assert abs(np.sum(weights * residual) / np.sum(weights)) < 1e-9 * np.abs(target).mean()
    # an unweighted fit is unbiased only unweighted: scored with other weights it is biased
    unweighted = (LinearRegression.fit(inputs, target).predict(inputs) - target)[:, 0]
    assert abs(unweighted.mean()) < 1e-9 * np.abs(target).mean()
    assert abs(np.sum(weights * unweighted) / np.sum(weights)) > 1e-3


def test_per_output_weights_fit_each_output_on_its_own_rows():
    inputs, target, _ = _weighted_problem(6)
    targets = np.hstack([target, 2 * target - 1, target + inputs[:, 2:]])
    present = np.ones(targets.shape, dtype=bool)
    present[:100, 0] = False  # output 0 missing (NaN) in the first 100 rows
    present[::3, 2] = False
    targets[~present] = np.nan
    fit = LinearRegression.fit(inputs, targets, present.astype(float))
    for output in range(3):
        rows = present[:, output]
        expected = LinearRegression.fit(inputs[rows], targets[rows, output:output + 1])
        np.testing.assert_allclose(fit.weights[:, output], expected.weights[:, 0], rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(fit.bias[output], expected.bias[0], rtol=1e-12)


def test_outputs_sharing_their_weights_are_solved_together_and_each_as_on_its_own():
    """Field mode: the outputs whose weights are the same column are one lstsq with several
    right-hand sides; each must equal the fit of that output alone (numpy.linalg.lstsq on
    its √w-scaled rows)."""
    inputs, target, weights = _weighted_problem(6)
    targets = np.hstack([target, 2 * target - 1, target + inputs[:, 2:], -target])
    columns = np.stack([weights, weights * (np.arange(len(weights)) % 2), weights, weights], axis=1)
    fit = LinearRegression.fit(inputs, targets, columns)
    design = np.hstack([inputs, np.ones((len(inputs), 1))])
    for output in range(targets.shape[1]):
        root = np.sqrt(columns[:, output])[:, None]
        rows = columns[:, output] > 0
        expected, *_ = np.linalg.lstsq(design[rows] * root[rows], targets[rows, output:output + 1] * root[rows],
                                       rcond=None)
        np.testing.assert_allclose(fit.weights[:, output], expected[:-1, 0], rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(fit.bias[output], expected[-1, 0], rtol=1e-10, atol=1e-12)


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


def test_seasonal_climatology_is_the_training_mean_per_day_of_year_for_daily_data():
    import datetime

    import cftime

    from climann.evaluation.baselines import climatology_prediction, seasonal_climatology

    rng = np.random.default_rng(5)
    times = np.array([cftime.DatetimeNoLeap(2001, 1, 1) + datetime.timedelta(days=d)
                      for d in range(3 * 365)])
    truth = rng.normal(size=(times.size, 2, 3))
    truth[4, 1, 2] = np.nan
    train = np.arange(times.size) < 2 * 365
    climatology = seasonal_climatology(truth, times, train)
    assert climatology.shape == (366, 2, 3) and np.isnan(climatology[365]).all()
    day = np.arange(times.size) % 365
    for key in (0, 4, 200):
        chosen = train & (day == key)
        np.testing.assert_allclose(climatology[key], np.nanmean(truth[chosen], axis=0))
    np.testing.assert_array_equal(climatology_prediction(truth, times, train), climatology[day])


def six_hourly(n_years=3, seed=7):
    """6-hourly noleap times from 2001 and a (time, 2, 3) field with a ±8 K diurnal cycle, a
    seasonal cycle and noise: a climatology that pools the hours of a day misses ±8 K."""
    import datetime

    import cftime

    times = np.array([cftime.DatetimeNoLeap(2001, 1, 1) + datetime.timedelta(hours=6 * k)
                      for k in range(n_years * 365 * 4)])
    hour = np.arange(times.size) % 4 * 6
    day = np.arange(times.size) // 4 % 365
    cycle = 8 * np.cos(2 * np.pi * (hour - 15) / 24) + 10 * np.cos(2 * np.pi * (day - 172) / 365)
    truth = 285 + cycle[:, None, None] + np.random.default_rng(seed).normal(0, 0.3, (times.size, 2, 3))
    return times, truth


def test_sub_daily_keys_are_day_of_year_and_time_of_day():
    from climann.evaluation.baselines import season_count, season_keys, season_name

    times, _ = six_hourly(n_years=1)
    assert season_name(times) == "day of year and hour" and season_count(times) == 366 * 4
    # 1 January 00, 06, 12, 18 h → 1, 2, 3, 4; 2 January 00 h → 5; 31 December 18 h → 365 · 4
    assert season_keys(times)[:5].tolist() == [1, 2, 3, 4, 5] and season_keys(times)[-1] == 365 * 4


def test_the_climatology_of_6_hourly_data_is_per_day_of_year_and_hour():
    from climann.evaluation.baselines import climatology_prediction

    times, truth = six_hourly()
    train, test = np.arange(times.size) < 2 * 365 * 4, np.arange(times.size) >= 2 * 365 * 4
    # by hand: the two training years' mean of each (day of year, 6-hour step) at each cell
    by_year = truth.reshape(3, 365 * 4, 2, 3)
    expected_mse = np.mean((by_year[2] - by_year[:2].mean(axis=0)) ** 2)
    predicted = climatology_prediction(truth, times, train)
    mse = np.mean((truth[test] - predicted[test]) ** 2)
    np.testing.assert_allclose(mse, expected_mse, rtol=1e-12)
    assert mse < 0.2  # noise only (2 · 0.3² · 3/2 ≈ 0.135); pooling the hours would leave the 8 K cycle: ≈ 32 K²
