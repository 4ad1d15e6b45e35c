import dataclasses
import datetime
import shutil
from pathlib import Path

import numpy as np
import pytest

from climann.data.time_axis import TimeStep
from climann.evaluation.baselines import LinearRegression, is_regular, persistence_prediction
from tests.fresh_python import bare_python, run_python
from tests.followed_twice import without_guards


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


def test_persistence_missing_in_a_year_with_two_months_missing_is_told_as_gaps_not_a_season():
    """break53c A4: GRACE June 2018 to June 2019 without August and September 2018 (``evaluate --data``) was told
    "the data are a seasonal subset, October to July of each year only": two months missing once. The step
    after the gap (October 2018) is counted by hand, and the warning names gaps, no season."""
    import cftime

    from climann.evaluation.baselines import persistence_gap_warning

    months = [(2018 + k // 12, k % 12 + 1) for k in range(5, 18) if k not in (7, 8)]  # 2018-06 … 2019-06
    times = np.array([cftime.datetime(year, month, 16, calendar="standard") for year, month in months])
    after = [step for step in range(1, len(months))
             if months[step][0] * 12 + months[step][1] - months[step - 1][0] * 12 - months[step - 1][1] != 1]
    assert [months[step] for step in after] == [(2018, 10)]
    assert persistence_gap_warning(len(after), times) == (
        "persistence is missing at 1 time step after gaps in the monthly time axis")


@pytest.mark.parametrize(("thinned", "said"), [
    pytest.param(False, "persistence is missing at 2 time steps after gaps in the monthly time axis: the data are a "
                 "seasonal subset, June to August (JJA) of each year only, and the step before each June is not in "
                 "them", id="gaps"),
    pytest.param(True, "persistence is missing at 3 time steps: the step before each is in a month the time "
                 "selection (--months/--seasons) leaves out", id="months-the-user-left-out"),
])
def test_persistence_missing_after_months_the_user_left_out_names_that_cause(caplog, thinned, said):
    """JJA of three years (--seasons JJA): each June lacks its May because the user's selection
    left May out; it was said to be missing after gaps in the data. The first June too (break22a
    F1: it was left out of the count, as the first step of the axis), though only when the
    selection thinned the axis: a series that starts in June merely starts there."""
    import cftime

    times = np.array([cftime.datetime(2000 + year, month, 16, calendar="noleap")
                      for year in range(3) for month in (6, 7, 8)])
    truth = np.random.default_rng(4).normal(size=(len(times), 1, 2))
    with caplog.at_level("WARNING", logger="climann"):
        predicted = persistence_prediction(truth, times, dates=times if thinned else None)
    assert [r.getMessage() for r in caplog.records if r.getMessage().startswith("persistence")] == [said]
    assert np.isnan(predicted[:, 0, 0]).tolist() == [True, False, False] * 3


def _period_series_with_months_missing(kind: str):
    """Period calendars with whole months missing: dekads and CHIRPS's pentads of June–August only, and
    half-months lacking single months (March 2004, November 2005)."""
    from tests.data.test_composites import _chirps_pentads, _month_periods

    if kind == "dekads-jja":
        return np.array([t for t in _month_periods((1, 11, 21)) if t.month in (6, 7, 8)]), "dekad"
    if kind == "chirps-jja":
        return np.array([t for t in _chirps_pentads((2003, 2004, 2005)) if t.month in (6, 7, 8)]), "pentad"
    every = _month_periods((1, 16), middles=True)
    return np.array([t for t in every if (t.year, t.month) not in {(2004, 3), (2005, 11)}]), "half-month"


@pytest.mark.parametrize("kind", [pytest.param("dekads-jja", id="dekads-jja"),
                                  pytest.param("chirps-jja", id="chirps-pentads-jja"),
                                  pytest.param("half-months", id="half-months-single-months-missing")])
def test_persistence_of_periods_after_whole_months_missing_is_missing_and_named_by_the_calendar(caplog, kind):
    """fix40d: on a period calendar lacking whole months, each period's persistence is the period just before
    (numpy: the same period of the whole calendar, one place back), missing after the months the data lack:
    1 June's dekad is not forecast by the August before. The warning named "the time axis" where a monthly one
    names "the monthly time axis"; it names the calendar's period now."""
    from climann.data.composites import period_positions

    times, period = _period_series_with_months_missing(kind)
    places = period_positions(times)[1]
    truth = np.random.default_rng(5).normal(size=(len(times), 1, 2))
    with caplog.at_level("WARNING", logger="climann"):
        predicted = persistence_prediction(truth, times)
    where = {place: index for index, place in enumerate(places.tolist())}
    before = np.array([where.get(place - 1, -1) for place in places.tolist()])
    np.testing.assert_array_equal(np.isnan(predicted[:, 0, 0]), before < 0)
    np.testing.assert_array_equal(predicted[before >= 0], truth[before[before >= 0]])
    if kind != "half-months":  # every June's first period, its May missing, but the first (the series starts there)
        assert [t.month for t in times[before < 0]] == [6] * 3
    after_gaps = int((before[1:] < 0).sum())
    said = [r.getMessage() for r in caplog.records if r.getMessage().startswith("persistence")]
    # June–August of each year is named as the seasonal subset it is (fix41c); half-months lacking two months are none
    subset = ("" if kind == "half-months" else ": the data are a seasonal subset, June to August (JJA) of each year "
              "only, and the step before each June is not in them")
    assert said == [f"persistence is missing at {after_gaps} time step{'s' if after_gaps > 1 else ''} after gaps in "
                    f"the {period} time axis{subset}"]


def _kept_months(first_month: int, every: int, n: int):
    """Mid-month times every ``every`` months from ``first_month`` of 2000, each bounded by its own
    month (``cdo selmon,1`` for every=12, a file of every other month, ``cdo selmon,1,3,5,7,9,11``,
    for every=2)."""
    import cftime

    months = [first_month - 1 + every * k for k in range(n)]
    times = np.array([cftime.DatetimeNoLeap(2000 + m // 12, m % 12 + 1, 16) for m in months])
    bounds = np.array([[cftime.DatetimeNoLeap(2000 + m // 12, m % 12 + 1, 1),
                        cftime.DatetimeNoLeap(2000 + (m + 1) // 12, (m + 1) % 12 + 1, 1)] for m in months])
    return times, bounds


@pytest.mark.parametrize(("every", "spans"), [pytest.param(12, ("12 months", "24 months"), id="January-means"),
                                              pytest.param(2, ("2 months", "4 months"), id="every-other-month")])
def test_persistence_left_out_says_what_the_lags_are_and_they_are_that(every, spans):
    """With --months 1 (or odd months) and --lags tas=1, persistence was left out because "the
    value 1 month earlier … is not in the data", while tas_lag1 is the previous value kept (12 or
    2 months back): the reason now says what the lags are, and the lags are that."""
    from climann.data.lags import lagged_steps
    from climann.evaluation.baselines import persistence_gap

    times, bounds = _kept_months(1, every, 6)
    apart = f"{every} months"
    plain = (f"its values are 1 month cells {apart} apart (time bounds): the value 1 month earlier, which "
             "persistence forecasts with, is not in the data")
    assert persistence_gap(times, bounds) == persistence_gap(times, bounds, lags={}) == plain  # without lags: as before
    assert persistence_gap(times, bounds, lags={"tas": (1, 2)}) == (
        f"{plain}; the lags count steps of the data as kept ({apart} each), not 1 month cells: "
        f"tas_lag1 is the value {spans[0]} earlier, tas_lag2 is the value {spans[1]} earlier")
    earlier = lagged_steps(times, [1, 2]).earlier  # what the lags take: months between, counted by hand
    for lag, span in zip((1, 2), spans):
        months_back = [(t.year * 12 + t.month) - (times[e].year * 12 + times[e].month)
                       for t, e in zip(times, earlier[lag]) if e >= 0]
        assert months_back == [int(span.split()[0])] * (len(times) - lag)


def test_an_axis_with_gaps_is_still_regular_but_not_an_irregular_one():
    import cftime

    monthly = [cftime.datetime(2000, m, 15, calendar="noleap") for m in (1, 2, 3, 7, 8)]
    assert is_regular(monthly)
    scattered = [cftime.datetime(2000, 1, d, calendar="noleap") for d in (1, 2, 4)][:2] + [
        cftime.datetime(2000, 1, 3, 12, calendar="noleap")]
    assert not is_regular(scattered)


def _months_layout(months, *, bounds=False, known=None):
    """A layout of one cell at the 16th of ``months`` (year, month) in 2030, noleap."""
    import cftime

    from climann.data.layout import Coordinate, GridLayout

    times = np.array([cftime.datetime(2030, month, 16, calendar="noleap") for month in months])
    cells = np.array([[cftime.datetime(2030, month, 1, calendar="noleap"),
                       cftime.datetime(2030 + month // 12, month % 12 + 1, 1, calendar="noleap")] for month in months])
    return GridLayout(time=Coordinate("time", times), latitude=Coordinate("lat", np.array([10.0])),
                      longitude=Coordinate("lon", np.array([20.0])), time_units="days since 2030-01-01",
                      calendar="noleap", file_dims=("time", "lat", "lon"), target_name="tos", target_attrs={},
                      time_bounds=cells if bounds else None, known_time_step=known)


@pytest.mark.parametrize(("months", "bounds", "known", "expected"), [
    pytest.param((7,), True, TimeStep(months=1), "a single time step: no value one step earlier", id="one-month"),
    pytest.param((7, 8), True, None, None, id="two-months-with-bounds"),
    pytest.param((7, 8), False, TimeStep(months=1), None, id="two-months-of-a-monthly-run"),
    pytest.param((1, 7), False, None, "two time steps", id="january-and-july-nothing-tells"),
    pytest.param((1, 7), False, TimeStep(months=1), "two time steps", id="january-and-july-of-a-monthly-run"),
    pytest.param((7, 8, 9), False, None, None, id="three-months"),
])
def test_persistence_is_left_out_of_one_step_and_of_two_whose_spacing_nothing_confirms(months, bounds, known,
                                                                                       expected):
    from climann.evaluation.baselines import persistence_left_out

    reason = persistence_left_out(_months_layout(months, bounds=bounds, known=known))
    assert reason is None if expected is None else reason.startswith(expected)


@pytest.mark.parametrize("days", [pytest.param(8, id="8-day"), pytest.param(16, id="16-day")])
def test_persistence_of_composites_restarting_each_year_is_the_composite_before(days):
    """break33a A3 (severity 4): MODIS composites' persistence was left out (the composite
    before is no fixed time earlier). Now each composite is forecast by the one before it in
    the series, the first of a year by the last of the year before: the series shifted by one."""
    from climann.data.layout import Coordinate, GridLayout
    from climann.evaluation.baselines import persistence_left_out

    starts = _composite_starts(days)
    layout = GridLayout(time=Coordinate("time", starts), latitude=Coordinate("lat", np.array([10.0])),
                        longitude=Coordinate("lon", np.array([20.0])), time_units="days since 2000-01-01",
                        calendar="julian", file_dims=("time", "lat", "lon"), target_name="ndvi", target_attrs={})
    assert persistence_left_out(layout) is None
    truth = np.arange(len(starts), dtype=np.float64)[:, None, None] ** 2
    expected = np.concatenate([[np.nan], truth[:-1, 0, 0]])
    np.testing.assert_array_equal(persistence_prediction(truth, starts)[:, 0, 0], expected)


def test_persistence_of_two_consecutive_months_is_the_first_for_the_second():
    from climann.evaluation.baselines import persistence_left_out

    layout = _months_layout((7, 8), bounds=True)
    truth = np.array([[[20.0]], [[21.5]]])
    assert persistence_left_out(layout) is None and is_regular(layout.time.values, bounds=layout.time_bounds)
    np.testing.assert_array_equal(persistence_prediction(truth, layout.time.values), [[[np.nan]], [[20.0]]])


@pytest.mark.parametrize(("thinned", "expected"), [
    pytest.param(True, ("val",), id="djf-selected"),
    pytest.param(False, (), id="no-selection"),  # the same steps as the data hold them: gaps, not a selection
])
def test_the_blocks_after_a_month_the_selection_left_out_are_those_holding_a_december_of_djf(thinned, expected):
    """verify23 F6: each DJF December's November is left out by the selection; a block of a
    January and a February has no such step."""
    import cftime

    from climann.data.layout import Coordinate, GridLayout
    from climann.evaluation.baselines import blocks_after_months_left_out

    months = [(2030, 1), (2030, 2), (2030, 12), (2031, 1), (2031, 2)]
    times = np.array([cftime.datetime(year, month, 16, calendar="noleap") for year, month in months])
    layout = GridLayout(time=Coordinate("time", times), latitude=Coordinate("lat", np.array([10.0])),
                        longitude=Coordinate("lon", np.array([20.0])), time_units="days since 2030-01-01",
                        calendar="noleap", file_dims=("time", "lat", "lon"), target_name="tos", target_attrs={},
                        value_time_step=TimeStep(months=1) if thinned else None, selected_by_stamps=True)
    masks = {"train": np.arange(5) < 2, "val": np.arange(5) >= 2}
    assert blocks_after_months_left_out(layout, masks) == expected


def test_window_1_gives_the_training_mean_per_day_of_year_of_daily_data_exactly():
    """``climatology_window_days = 1``: the raw mean of each day of year, bit for bit the mean
    of the training values of that day (the climatology before it was smoothed)."""
    import datetime

    import cftime

    from climann.evaluation.baselines import climatology_prediction, seasonal_climatology
    from climann.evaluation.metrics import nanmean_over_time

    rng = np.random.default_rng(5)
    times = np.array([cftime.DatetimeNoLeap(2001, 1, 1) + datetime.timedelta(days=d)
                      for d in range(3 * 365)])
    truth = rng.normal(size=(times.size, 2, 3))
    truth[4, 1, 2] = np.nan
    train = np.arange(times.size) < 2 * 365
    climatology = seasonal_climatology(truth, times, train, window_days=1)
    assert climatology.shape == (366, 2, 3) and np.isnan(climatology[365]).all()
    day = np.arange(times.size) % 365
    for key in (0, 4, 200):
        chosen = train & (day == key)
        np.testing.assert_allclose(climatology[key], np.nanmean(truth[chosen], axis=0))
    by_hand = np.stack([nanmean_over_time(truth[train & (day == key)]) for key in range(365)])
    np.testing.assert_array_equal(climatology[:365], by_hand)
    np.testing.assert_array_equal(climatology_prediction(truth, times, train, window_days=1), climatology[day])


def long_runs_without_value(counts, days=28):
    """True where a cell's column of ``counts`` (days of the year first, cyclic) is 0 in a run of
    ``days`` or more consecutive days, by hand (a loop over the cells and the days); False in a
    column without any value."""
    flat = np.asarray(counts).reshape(len(counts), -1)
    long = np.zeros(flat.shape, bool)
    n_days = len(flat)
    for column in range(flat.shape[1]):
        empty = flat[:, column] == 0
        if empty.all():
            continue
        for d in np.flatnonzero(empty):
            run = 1
            while empty[(d + run) % n_days]:
                run += 1
            back = 1
            while empty[(d - back) % n_days]:
                back += 1
            long[d, column] = run + back - 1 >= days
    return long.reshape(np.shape(counts))


def wb2_climatology_by_hand(truth, day, train, *, window, n_days):
    """WeatherBench 2's climatology by hand, per day of year (``day`` 0-based, shape (n_time,)):
    the sum and count of the training values of each day, each convolved (``np.convolve``) with
    WB2's triangular weights (``create_window_weights``: linspace(0, 1) up, linspace(1, 0) down)
    over the day-of-year axis of ``n_days`` padded cyclically, divided; NaN where the cell has no
    training value on the day itself nor on the days around it for 28 days or more in a row
    (:func:`long_runs_without_value`; a cell-day its series lacks in a shorter run is a gap, the
    window's mean, as WeatherBench 2's), and at a cell without any. Shape (n_days, ...); for
    series whose cells lack no run of 28 days (the window is then nowhere narrowed)."""
    half = window // 2
    weights = np.concatenate([np.linspace(0, 1, half + 1), np.linspace(1, 0, half + 1)[1:]])
    present = np.isfinite(truth) & np.asarray(train)[:, None, None]
    values = np.where(present, truth, 0.0)
    sums = np.stack([values[day == d].sum(axis=0) for d in range(n_days)])
    counts = np.stack([present[day == d].sum(axis=0) for d in range(n_days)]).astype(float)

    def cyclic_convolution(series):
        padded = np.concatenate([series[-half:], series, series[:half]])
        return np.apply_along_axis(lambda column: np.convolve(column, weights, mode="valid"), 0, padded)

    with np.errstate(invalid="ignore"):  # 0/0 where no day of the window has a value: NaN, as below
        climatology = cyclic_convolution(sums) / cyclic_convolution(counts)
    climatology[long_runs_without_value(counts) | (counts.sum(axis=0) == 0)] = np.nan
    return climatology


def noleap_daily(n_years=3, seed=5):
    """Daily noleap times from 2001 and a (time, 2, 3) field: a 10 K seasonal cycle and 2 K noise,
    with values missing at random (5 %) and at cell (0, 0) on day 10 of every year."""
    import datetime

    import cftime

    times = np.array([cftime.DatetimeNoLeap(2001, 1, 1) + datetime.timedelta(days=d) for d in range(n_years * 365)])
    day = np.arange(times.size) % 365
    rng = np.random.default_rng(seed)
    truth = 285 + 10 * np.cos(2 * np.pi * (day - 200) / 365)[:, None, None] + rng.normal(0, 2, (times.size, 2, 3))
    truth[rng.random(truth.shape) < 0.05] = np.nan
    truth[day == 9, 0, 0] = np.nan
    return times, truth


@pytest.mark.parametrize("window", [pytest.param(61, id="wb2-61"), pytest.param(31, id="31"),
                                    pytest.param(5, id="5")])
def test_the_daily_climatology_is_smoothed_over_the_days_of_the_year_as_weatherbench2(window):
    from climann.evaluation.baselines import climatology_prediction, climatology_window_weights, seasonal_climatology

    times, truth = noleap_daily()
    train = np.arange(times.size) < 2 * 365
    day = np.arange(times.size) % 365
    climatology = seasonal_climatology(truth, times, train, window_days=window)
    by_hand = wb2_climatology_by_hand(truth, day, train, window=window, n_days=365)
    np.testing.assert_allclose(climatology[:365], by_hand, rtol=1e-12)
    assert np.isnan(climatology[365]).all()  # no day 366 in a noleap calendar
    # a day of year without a training value at a cell (day 10 of every year at cell (0, 0)) is a
    # gap of that cell's series: the window's mean of the values around it, as WeatherBench 2's
    weights = climatology_window_weights(window)
    around = (9 + np.arange(-(window // 2), window // 2 + 1)) % 365
    present = np.isfinite(truth[:, 0, 0]) & train
    window_sum = sum(w * truth[present & (day == d), 0, 0].sum() for w, d in zip(weights, around))
    window_count = sum(w * np.count_nonzero(present & (day == d)) for w, d in zip(weights, around))
    assert not (present & (day == 9)).any()
    np.testing.assert_allclose(climatology[9, 0, 0], window_sum / window_count, rtol=1e-12)
    np.testing.assert_array_equal(climatology_prediction(truth, times, train, window_days=window), climatology[day])
    # the window reaches across the new year: 1 January's climatology holds December's values
    raw = seasonal_climatology(truth, times, train, window_days=1)
    assert not np.allclose(climatology[0], raw[0])


def test_a_3_day_window_smooths_nothing_as_weatherbench2s():
    """WB2's triangular weights of 3 days are 0, 1, 0: the days ±1 weigh nothing."""
    from climann.evaluation.baselines import climatology_window_weights, seasonal_climatology

    times, truth = noleap_daily()
    train = np.arange(times.size) < 2 * 365
    np.testing.assert_array_equal(climatology_window_weights(3), [0.0, 1.0, 0.0])
    np.testing.assert_array_equal(seasonal_climatology(truth, times, train, window_days=3),
                                  seasonal_climatology(truth, times, train, window_days=1))


def test_the_smoothed_climatology_is_nearer_the_true_cycle_than_the_raw_mean():
    """Two training years: the raw mean of each day holds half the noise's variance (2 K noise:
    2 K²); the 61-day window averages it away (what the baseline and the ACC are meant to be)."""
    from climann.evaluation.baselines import seasonal_climatology

    times, truth = noleap_daily()
    train = np.arange(times.size) < 2 * 365
    cycle = 285 + 10 * np.cos(2 * np.pi * (np.arange(365) - 200) / 365)
    raw, smoothed = (seasonal_climatology(truth, times, train, window_days=w)[:365] for w in (1, 61))
    raw_error, smoothed_error = (np.nanmean((c - cycle[:, None, None]) ** 2) for c in (raw, smoothed))
    assert 1.5 < raw_error < 2.6 and smoothed_error < 0.2


def _six_hourly_climatology_by_hand(truth, train, *, window=61):
    """NumPy's smoothed climatology of 6-hourly data over 365-day years, each time of day on its own
    (:func:`wb2_climatology_by_hand` of the steps at that time of day: step k is time of day k % 4 of day
    k // 4 % 365), shape (365, 4, ...)."""
    slot, day = np.arange(len(truth)) % 4, np.arange(len(truth)) // 4 % 365
    return np.stack([wb2_climatology_by_hand(truth[slot == hour], day[slot == hour], train[slot == hour],
                                             window=window, n_days=365) for hour in range(4)], axis=1)


def test_the_6_hourly_climatology_is_smoothed_per_time_of_day():
    from climann.evaluation.baselines import seasonal_climatology

    times, truth = six_hourly()
    truth[np.random.default_rng(2).random(truth.shape) < 0.05] = np.nan
    train = np.arange(times.size) < 2 * 365 * 4
    climatology = seasonal_climatology(truth, times, train, window_days=61).reshape(366, 4, 2, 3)
    np.testing.assert_allclose(climatology[:365], _six_hourly_climatology_by_hand(truth, train), rtol=1e-12)
    assert np.isnan(climatology[365]).all()
    # the diurnal cycle (±8 K) is kept: each time of day smoothed on its own
    assert np.nanmean(climatology[:365, 2] - climatology[:365, 0]) > 10


@pytest.mark.parametrize("leap_trained", [pytest.param(True, id="leap-year-trained"),
                                          pytest.param(False, id="no-leap-year-trained")])
def test_day_366_of_the_standard_calendar(leap_trained):
    """A leap year among the training years: the climatology cycles over 366 days, day 366
    (31 December of the leap years) weighing as many values as it holds. None: the cycle is 365
    days (31 December followed by 1 January) and day 366, 31 December of a leap year, takes day
    365's value, the climatology of 31 December of the other years, as WeatherBench 2 fills it
    (fix48h, break48d A6: this test had pinned day 366 as undefined, and a leap test year's 31
    December was left out of the climatology's scores)."""
    import datetime

    import cftime

    start = 2003 if leap_trained else 2001
    times = np.array([cftime.DatetimeGregorian(start, 1, 1) + datetime.timedelta(days=d) for d in range(4 * 365 + 1)])
    years = np.array([time.year for time in times])
    train = years < start + 3 if not leap_trained else years < start + 2
    day = np.array([time.dayofyr for time in times]) - 1
    truth = np.random.default_rng(4).normal(280, 3, (times.size, 1, 2))
    from climann.evaluation.baselines import seasonal_climatology

    climatology = seasonal_climatology(truth, times, train, window_days=61)
    n_days = 366 if leap_trained else 365
    np.testing.assert_allclose(climatology[:n_days], wb2_climatology_by_hand(truth, day, train, window=61,
                                                                             n_days=n_days), rtol=1e-12)
    if not leap_trained:
        np.testing.assert_array_equal(climatology[365], climatology[364])
    raw = seasonal_climatology(truth, times, train, window_days=1)  # unsmoothed: day 366 not trained on, undefined
    assert np.isfinite(raw[365]).all() == leap_trained


def test_day_366_of_a_6_hourly_standard_climatology_without_a_leap_year_is_day_365_at_each_time_of_day():
    """fix48h: 6-hourly data of 2001–2003 (no leap year) in the standard calendar: each time of
    day of day 366 takes day 365's smoothed value at that time of day; days 1–365 are NumPy's
    61-day triangular convolution cyclic over 365 days, time of day by time of day."""
    import datetime

    import cftime

    from climann.evaluation.baselines import seasonal_climatology

    times = np.array([cftime.DatetimeGregorian(2001, 1, 1) + datetime.timedelta(hours=6 * k)
                      for k in range(3 * 365 * 4)])
    truth = 285 + np.random.default_rng(8).normal(0, 2, (times.size, 2, 3))
    train = np.ones(times.size, dtype=bool)
    climatology = seasonal_climatology(truth, times, train, window_days=61).reshape(366, 4, 2, 3)
    by_hand = _six_hourly_climatology_by_hand(truth, train)
    np.testing.assert_allclose(climatology[:365], by_hand, rtol=1e-12)
    np.testing.assert_allclose(climatology[365], by_hand[364], rtol=1e-12)
    assert len({climatology[365, hour, 0, 0] for hour in range(4)}) == 4  # each time of day its own


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
    predicted = climatology_prediction(truth, times, train, window_days=1)  # the keys; smoothing: below
    mse = np.mean((truth[test] - predicted[test]) ** 2)
    np.testing.assert_allclose(mse, expected_mse, rtol=1e-12)
    assert mse < 0.2  # noise only (2 · 0.3² · 3/2 ≈ 0.135); pooling the hours would leave the 8 K cycle: ≈ 32 K²


def _by_hand(truth, keys, train):
    """NumPy: each value predicted by the mean of the training values of the same key (a tuple per step)."""
    means = {key: truth[train & np.all(keys == key, axis=1)].mean(axis=0) for key in set(map(tuple, keys[train]))}
    return np.stack([means[tuple(key)] for key in keys])


@pytest.mark.parametrize("dropped", [pytest.param([1], id="second-stamp"),
                                     pytest.param([1, 2, 3], id="rest-of-the-first-day")])
def test_a_gap_after_the_first_6_hourly_stamp_keeps_the_climatology_per_day_of_year_and_hour(dropped):
    """The keys follow the axis's nominal step (6 hours), not the spacing of its first two stamps
    (12 hours, or a day): a missing stamp removes only its own value."""
    from climann.evaluation.baselines import climatology_prediction, season_name

    times, truth = six_hourly()
    kept = np.setdiff1d(np.arange(times.size), dropped)
    times, truth = times[kept], truth[kept]
    train = np.array([time.year for time in times]) < 2003
    keys = np.array([(time.dayofyr, time.hour) for time in times])
    np.testing.assert_allclose(climatology_prediction(truth, times, train, window_days=1), _by_hand(truth, keys, train),
                               rtol=1e-12)
    assert season_name(times) == "day of year and hour"


def weekly(n_years=12, seed=3):
    """Weekly standard-calendar times from 1990-01-01 (their day of year shifts by 1–2 days a
    year) and a (time, 2, 3) field with a 12 K seasonal cycle and 1 K noise."""
    import datetime

    import cftime

    times = np.array([cftime.DatetimeGregorian(1990, 1, 1, 12) + datetime.timedelta(days=7 * k)
                      for k in range(n_years * 52 + n_years // 7)])
    fraction = np.array([(time.dayofyr - 0.5) / 365.25 for time in times])
    cycle = 12 * np.cos(2 * np.pi * (fraction - 0.55))
    return times, 285 + cycle[:, None, None] + np.random.default_rng(seed).normal(0, 1, (times.size, 2, 3))


def test_weekly_data_get_a_climatology_per_week_of_the_year():
    """Windows of 7 days of the year, the last taking days 358–365 (of a year whose 29 February
    counts as 28 February): each holds one value of every training year (a key per day of year held one value in about seven years)."""
    from climann.evaluation.baselines import climatology_prediction, season_count, season_name

    times, truth = weekly()
    years = np.array([time.year for time in times])
    train, later = years < 1998, years >= 1998
    week = week_of_the_year(times) - 1
    assert season_name(times) == "week of the year" and season_count(times) == 52
    assert np.all(np.bincount(week[train], minlength=52) >= 8)  # every week, in each of the 8 training years
    predicted = climatology_prediction(truth, times, train, window_days=61)  # windows of the year: not smoothed
    np.testing.assert_allclose(predicted, _by_hand(truth, week[:, None], train), rtol=1e-12)
    assert np.isfinite(predicted[later]).all()


def week_of_the_year(times):
    """Each standard-calendar time's week of the year by hand, 1 … 52: days 1–7, 8–14 …, the
    last taking 358–365, with 29 February counted as 28 February (day 60 of a leap year → 59)."""
    day = np.array([time.dayofyr - (time.year % 4 == 0 and time.dayofyr >= 60) for time in times])
    return np.minimum((day - 1) // 7, 51) + 1


def _monthly(n_years=2):
    import cftime

    return np.array([cftime.DatetimeNoLeap(2001 + k // 12, k % 12 + 1, 15) for k in range(12 * n_years)])


@pytest.mark.parametrize("axis", [pytest.param(lambda: six_hourly(n_years=1)[0], id="6-hourly"),
                                  pytest.param(lambda: _days("noleap", 2001), id="daily"),
                                  pytest.param(_monthly, id="monthly")])
def test_the_keys_recorded_with_a_run_are_read_back_as_they_were(axis):
    from climann.evaluation.baselines import ClimatologyKeys, climatology_keys

    times = axis()
    keys = climatology_keys(times)
    read = ClimatologyKeys.from_record(keys.record(), keys.count)
    assert read == keys
    np.testing.assert_array_equal(read.of(times), keys.of(times))


def test_a_record_written_before_the_slot_was_recorded_keeps_its_keys():
    """Sub-daily keys recorded as ``per`` alone: 86 400 s / n slots."""
    from climann.evaluation.baselines import ClimatologyKeys, climatology_keys

    times, _ = six_hourly(n_years=1)
    assert ClimatologyKeys.from_record({"per": "day of year and hour"}, 366 * 4) == climatology_keys(times)


def test_weekly_data_are_looked_up_by_day_of_year_in_a_run_trained_before_weeks_were_keys():
    """A weekly run whose model file records its climatology per day of year (366 rows) takes
    new weekly data, whose own keys are now the 52 weeks of the year, by day of year as then;
    its recorded keys read back as written."""
    from climann.evaluation.baselines import ClimatologyKeys, climatology_keys

    weeks, _ = weekly(n_years=2)
    own = climatology_keys(weeks)
    assert (own.per, own.count) == ("week of the year", 52) and ClimatologyKeys.from_record(own.record(), 52) == own
    old = ClimatologyKeys.from_record({"per": "day of year"}, 366)
    assert old.fits(own) and not old.fits(climatology_keys(six_hourly(n_years=1)[0]))
    np.testing.assert_array_equal(old.of(weeks), [time.dayofyr for time in weeks])


def _days(calendar, year, *, hours=(12,)):
    """Every day (at the given hours) of ``year`` in ``calendar``, as cftime datetimes."""
    import datetime

    import cftime

    start = cftime.datetime(year, 1, 1, calendar=calendar)
    times = []
    while (day := start + datetime.timedelta(days=len(times) // len(hours))).year == year:
        times.append(day.replace(hour=hours[len(times) % len(hours)]))
    return np.array(times)


def _aligned_on_year(times, calendar):
    """xarray's own mapping, as an independent check: the day of year of each time once
    converted with ``convert_calendar(calendar, align_on="year")`` (-1 where xarray drops a
    duplicate day). xarray aligns on the year only to or from ``360_day``; between other
    calendars it aligns on the date."""
    import xarray as xr

    series = xr.DataArray(np.arange(times.size), dims="time", coords={"time": times})
    converted = series.convert_calendar(calendar, align_on="year", use_cftime=True)
    days = np.full(times.size, -1)
    days[converted.values] = [time.dayofyr for time in converted["time"].values]
    return days



@pytest.mark.parametrize("data_calendar, year, climatology_calendar, lengths", [
    pytest.param("360_day", 1996, "noleap", (360, 365), id="360_day-on-noleap"),
    pytest.param("standard", 1996, "noleap", (366, 365), id="leap-year-on-noleap"),
    pytest.param("noleap", 1997, "360_day", (365, 360), id="noleap-on-360_day"),
    pytest.param("standard", 1996, "360_day", (366, 360), id="leap-year-on-360_day"),
    pytest.param("360_day", 1996, "all_leap", (360, 366), id="360_day-on-all_leap"),
])
def test_another_calendar_looks_the_climatology_up_at_the_same_fraction_of_the_year(
        data_calendar, year, climatology_calendar, lengths):
    """d′ = round(d · N_clim / N_data), by hand; 31 December takes the climatology's last day
    (never a missing day 366 on a noleap climatology, nor an autumn day of a 360_day year)."""
    from climann.evaluation.baselines import climatology_days, season_keys

    times = _days(data_calendar, year)
    n_data, n_climatology = lengths
    assert times.size == n_data
    expected = np.round(np.arange(1, n_data + 1) * n_climatology / n_data).astype(int)
    days = climatology_days(times, climatology_calendar)
    np.testing.assert_array_equal(days, expected)
    assert days[0] == 1 and days[-1] == n_climatology
    np.testing.assert_array_equal(season_keys(times, calendar=climatology_calendar), days)


@pytest.mark.parametrize("data_calendar, climatology_calendar", [
    pytest.param("360_day", "noleap", id="360_day-on-noleap"),
    pytest.param("standard", "360_day", id="leap-year-on-360_day"),
    pytest.param("noleap", "360_day", id="noleap-on-360_day"),
])
def test_360_day_years_are_mapped_as_xarrays_convert_calendar_aligned_on_the_year(data_calendar,
                                                                                  climatology_calendar):
    from climann.evaluation.baselines import climatology_days

    times = _days(data_calendar, 1996)
    expected = _aligned_on_year(times, climatology_calendar)
    kept = expected > 0  # xarray drops the days it maps twice onto one day
    np.testing.assert_array_equal(climatology_days(times, climatology_calendar)[kept], expected[kept])


@pytest.mark.parametrize("calendar, year", [
    pytest.param("noleap", 1997, id="noleap"),
    pytest.param("standard", 1996, id="standard-leap"),
    pytest.param("360_day", 1996, id="360_day"),
])
def test_the_times_own_calendar_keeps_the_day_number(calendar, year):
    from climann.evaluation.baselines import climatology_days, season_keys

    times = _days(calendar, year)
    np.testing.assert_array_equal(climatology_days(times, calendar), [time.dayofyr for time in times])
    np.testing.assert_array_equal(season_keys(times, calendar=calendar), season_keys(times))


def test_a_standard_year_of_365_days_on_a_noleap_climatology_keeps_the_day_number():
    """1997 has as many days in both calendars: nothing to map."""
    from climann.evaluation.baselines import climatology_days

    times = _days("standard", 1997)
    np.testing.assert_array_equal(climatology_days(times, "noleap"), np.arange(1, 366))


def test_sub_daily_keys_in_another_calendar_keep_the_hour_of_the_mapped_day():
    """6-hourly 360_day on a noleap climatology per day of year and hour: slot kept, day mapped."""
    from climann.evaluation.baselines import climatology_days, season_keys

    times = _days("360_day", 1996, hours=(0, 6, 12, 18))
    keys = season_keys(times, calendar="noleap")
    days = climatology_days(times, "noleap")
    np.testing.assert_array_equal(keys, (days - 1) * 4 + np.tile(np.arange(4), 360) + 1)
    assert keys[-1] == 365 * 4  # 30 December 18:00 → the last slot of noleap's 31 December


@pytest.mark.parametrize(("trained", "given", "fits"), [
    pytest.param(dict(per="day of year and hour", count=366 * 4, slot_seconds=21600.0),
                 dict(per="day of year and hour", count=366 * 2, slot_seconds=43200.0), True, id="6-hourly-given-12-hourly"),
    pytest.param(dict(per="day of year and hour", count=366 * 4, slot_seconds=21600.0),
                 dict(per="day of year", count=366), True, id="6-hourly-given-daily"),
    pytest.param(dict(per="day of year and hour", count=366 * 2, slot_seconds=43200.0),
                 dict(per="day of year and hour", count=366 * 4, slot_seconds=21600.0), False, id="12-hourly-given-6-hourly"),
    pytest.param(dict(per="day of year and hour", count=366 * 4, slot_seconds=21600.0),
                 dict(per="day of year and hour", count=366 * 3, slot_seconds=28800.0), False, id="6-hourly-given-8-hourly"),
    pytest.param(dict(per="week of the year", count=52, window_days=7.0),
                 dict(per="14-day period of the year", count=26, window_days=14.0), True, id="weekly-given-fortnightly"),
    pytest.param(dict(per="week of the year", count=52, window_days=7.0),
                 dict(per="day of year", count=366), False, id="weekly-given-daily"),
    pytest.param(dict(per="calendar month", count=12), dict(per="day of year", count=366), False, id="monthly-given-daily"),
    pytest.param(dict(per="day of year", count=366), dict(per="calendar month", count=12), False, id="daily-given-monthly"),
])
def test_a_climatology_fits_data_at_a_whole_multiple_of_its_step(trained, given, fits):
    """Data at the training step with stamps missing (6-hourly kept at 00 and 12 UTC, weekly
    every other week) have a key in the run's climatology for every time; finer data do not."""
    from climann.evaluation.baselines import ClimatologyKeys

    assert ClimatologyKeys(**trained).fits(ClimatologyKeys(**given)) is fits


@pytest.mark.parametrize("calendar", ["standard", "proleptic_gregorian", "julian"])
def test_windows_of_the_year_keep_their_dates_in_leap_years(calendar):
    """Pentads and weeks are windows of the calendar's dates: 29 February shares 28 February's
    window (CPC's pentad 12 holds 25 February – 1 March and the leap day), so that 1 March
    and every later date fall in the same window in leap and other years."""
    import cftime

    from climann.evaluation.baselines import ClimatologyKeys

    for keys in (ClimatologyKeys("pentad of the year", 73, window_days=5.0),
                 ClimatologyKeys("week of the year", 52, window_days=7.0)):
        other = np.array([cftime.datetime(2001, 1, 1, calendar=calendar) + datetime.timedelta(days=day)
                          for day in range(365)])
        leap = np.array([cftime.datetime(2004, time.month, time.day, calendar=calendar) for time in other])
        np.testing.assert_array_equal(keys.of(leap), keys.of(other))
        by_hand = np.minimum((np.arange(365) // keys.window_days).astype(int), keys.count - 1) + 1
        np.testing.assert_array_equal(keys.of(other), by_hand)
        leap_day = np.array([cftime.datetime(2004, 2, day, calendar=calendar) for day in (28, 29)])
        assert keys.of(leap_day)[0] == keys.of(leap_day)[1] == (58 // int(keys.window_days)) + 1
        december_31 = np.array([cftime.datetime(2004, 12, 31, calendar=calendar)])
        assert keys.of(december_31)[0] == keys.count


@pytest.mark.parametrize(
    "day_of",
    [
        pytest.param(lambda year, month: 15 if year < 2003 else 2, id="15th-then-2nd"),
        pytest.param(lambda year, month: 2 if (year, month) == (2001, 6) else 15, id="one-stamp-on-the-2nd"),
    ],
)
def test_monthly_values_stamped_at_different_days_get_a_climatology_per_calendar_month(day_of):
    import cftime

    from climann.evaluation.baselines import climatology_prediction, season_name, seasonal_climatology

    times = np.array([cftime.datetime(year, month, day_of(year, month), calendar="standard")
                      for year in range(2000, 2005) for month in range(1, 13)])
    truth = np.random.default_rng(11).normal(280, 5, (times.size, 2, 3))
    train = np.array([time.year < 2004 for time in times])
    assert season_name(times) == "calendar month"
    climatology = seasonal_climatology(truth, times, train, window_days=61)  # calendar months: not smoothed
    month = np.arange(times.size) % 12  # by hand: the training years' mean of each calendar month
    by_hand = np.stack([truth[train & (month == m)].mean(axis=0) for m in range(12)])
    np.testing.assert_allclose(climatology, by_hand)
    np.testing.assert_allclose(climatology_prediction(truth, times, train, window_days=61), by_hand[month])


def _months_with_one_held_twice():
    """Monthly standard-calendar times 2000–2005 on the 15th, January 2003 also at its middle
    (16 January 12:00, a second download's stamp: 1.5 days after the first), and a (time, 2, 3) field."""
    import cftime

    times = [cftime.datetime(2000 + k // 12, k % 12 + 1, 15, calendar="standard") for k in range(72)]
    times.insert(37, cftime.datetime(2003, 1, 16, 12, calendar="standard"))
    return np.array(times), np.random.default_rng(12).normal(280, 5, (len(times), 2, 3))


def test_a_single_odd_spacing_does_not_key_the_climatology_of_an_irregular_axis(caplog):
    """break15 F3: the 1.5 days between two stamps of one month keyed a monthly axis per
    1.5-day period of the year. Without a regular step the keys follow the usual (median)
    spacing, with a warning naming the odd one."""
    from climann.data.notes import forget_notes
    from climann.evaluation.baselines import climatology_prediction, season_name

    forget_notes()
    times, truth = _months_with_one_held_twice()
    train = np.array([time.year < 2004 for time in times])
    with caplog.at_level("WARNING"):
        assert season_name(times) == "calendar month"
    assert ("the time axis's smallest spacing, 1.5 days (2003-01-15 to 2003-01-16 12:00), is far below its usual "
            "step of 31 days, and the axis has no regular step: the climatology is taken per calendar month") \
        in caplog.text
    month = np.array([time.month for time in times])
    by_hand = np.stack([truth[train & (month == m)].mean(axis=0) for m in range(1, 13)])  # both Januaries of 2003
    np.testing.assert_allclose(climatology_prediction(truth, times, train, window_days=61), by_hand[month - 1])


@pytest.mark.parametrize(("skipped", "warned"), [pytest.param(1, True, id="one-day-at-00-and-12"),
                                                 pytest.param(0, False, id="every-day-at-00-and-12")])
def test_a_step_set_by_a_few_odd_spacings_is_warned_about(caplog, skipped, warned):
    """Daily values at 00:00, one day also at 12:00: the 12 hours between them make the axis
    12-hourly and its climatology per day of year and hour (said in a warning); values at 00:00
    and 12:00 every day are a 12-hourly axis, said nothing of."""
    import cftime

    from climann.data.notes import forget_notes
    from climann.evaluation.baselines import season_name

    forget_notes()
    days = [cftime.datetime(2000, 1, 1, calendar="noleap") + datetime.timedelta(days=k) for k in range(3 * 365)]
    twice = [days[400]] if skipped else days
    times = np.array(sorted(days + [day + datetime.timedelta(hours=12) for day in twice]))
    with caplog.at_level("WARNING"):
        assert season_name(times) == "day of year and hour"
    said = ("the time axis's smallest spacing, 12 hours (2001-02-05 to 2001-02-05 12:00, …), sets its step (12-hourly) "
            "though most steps are 1 day apart")
    assert (said in caplog.text) == warned
    assert ("smallest spacing" in caplog.text) == warned


@pytest.mark.parametrize("wobble_minutes", [10, 30])
def test_daily_stamps_minutes_off_noon_are_keyed_per_day_of_year_with_a_warning(caplog, wobble_minutes):
    """break16 F2: daily stamps within ±30 min of 12:00 (a satellite day's mean observation
    time) have no regular step; keyed by their median spacing (1.00059 days) the climatology was
    taken per "1.00059-day period of the year" (or, at 0.99995 days, per day and hour). The usual
    spacing is read as the whole day it is within 2 % of, said in a warning."""
    import cftime

    from climann.data.notes import forget_notes
    from climann.evaluation.baselines import climatology_prediction, season_name

    forget_notes()
    rng = np.random.default_rng(3)
    noon = [cftime.datetime(2000, 1, 1, 12, calendar="noleap") + datetime.timedelta(days=k) for k in range(3 * 365)]
    times = np.array([time + datetime.timedelta(seconds=float(rng.uniform(-60, 60) * wobble_minutes))
                      for time in noon])
    with caplog.at_level("WARNING"):
        assert season_name(times) == "day of year"
    assert "the time axis has no regular step, its spacings only about 1 day" in caplog.text
    assert "the climatology is taken per day of year, as for daily data" in caplog.text
    truth = rng.normal(size=(len(times), 1, 1))
    train = np.arange(len(times)) < 2 * 365
    by_hand = truth[:730].reshape(2, 365, 1, 1).mean(axis=0)  # unsmoothed: each day of year's two values
    np.testing.assert_allclose(climatology_prediction(truth, times, train, window_days=1)[730:], by_hand)


def test_whole_step():
    from climann.evaluation.baselines import whole_step

    day = datetime.timedelta(days=1)
    assert whole_step(day * 1.00059) == day
    assert whole_step(day * 0.99995) == day
    assert whole_step(day * 1.5) == datetime.timedelta(hours=36)
    assert whole_step(day * 5.02) == 5 * day
    assert whole_step(datetime.timedelta(minutes=59, seconds=50)) == datetime.timedelta(hours=1)


@pytest.mark.parametrize(("every", "value_step", "expected"), [
    pytest.param(2, {"months": 1}, "1 month cells 2 months apart", id="odd-months-of-monthly"),
    pytest.param(12, {"months": 1}, "1 month cells 12 months apart", id="months-1-of-monthly"),
    pytest.param(1, {"months": 1}, None, id="monthly-not-thinned"),
    pytest.param(2, None, None, id="no-bounds-no-selection"),
])
def test_persistence_gap_without_bounds_takes_the_cells_from_the_step_before_the_selection(every, value_step,
                                                                                          expected):
    """Without time bounds the cells are the step the axis had before the run's own time
    selection (break20 F1): 1-month cells of the odd months (--months 1,3,5,7,9,11) have no
    month before. (A --time-stride is no such selection: its series' step is its own,
    :func:`test_a_strided_series_has_a_gap_only_where_the_file_itself_has_one`.)"""
    from climann.data.time_axis import TimeStep
    from climann.evaluation.baselines import persistence_gap

    times, _ = _kept_months(1, every, 6)
    step = None if value_step is None else TimeStep(**value_step)
    found = persistence_gap(times, None, value_step=step)
    assert found == (None if expected is None else (
        f"its values are {expected} (a subset of the steps, without time bounds): the value 1 month "
        "earlier, which persistence forecasts with, is not in the data"))


def test_the_climatology_of_daily_means_kept_every_7th_day_is_defined_between_the_kept_days():
    """Daily means kept one day in seven fall on other days of the year each year: a day of
    year without a training value of its own but one within 6 days has the smoothed
    climatology (the run skipped it); a day farther from any has none."""
    import dataclasses

    import cftime

    from climann.evaluation.baselines import climatology_from_sums, climatology_keys

    start = cftime.DatetimeNoLeap(2001, 1, 1, 12)
    times = np.array([start + datetime.timedelta(days=7 * k) for k in range(20)])  # days 1, 8, …, 134 of 2001
    keys = climatology_keys(times, value_step=TimeStep(duration=datetime.timedelta(days=1)))
    assert (keys.per, keys.count, keys.reach_days) == ("day of year", 366, 6)
    assert climatology_keys(times).per == "week of the year"  # keyed by the kept spacing without it
    sums, counts = np.zeros((366, 1, 1)), np.zeros((366, 1, 1))
    for time in times:
        sums[time.dayofyr - 1] += 280.0 + time.dayofyr / 10
        counts[time.dayofyr - 1] += 1
    climatology = climatology_from_sums(sums, counts, keys, calendar="noleap", window_days=61)[:, 0, 0]
    assert np.isfinite(climatology[:140]).all()  # days 1 … 140: a kept day within 6 days of each
    assert np.isnan(climatology[140:359]).all()  # days 141 … 359: 7 days or more from day 134 and from day 1
    assert np.isfinite(climatology[359:365]).all()  # days 360 … 365: within 6 days of day 1, cyclic over 365 days
    unthinned = climatology_from_sums(sums, counts, dataclasses.replace(keys, reach_days=0), calendar="noleap",
                                      window_days=61)[:, 0, 0]
    # not known to be thinned: days 1 … 134 are a series with gaps of 6 days, averaged over by the
    # window; days 135 … 365 (231 days without a value) are left out of it
    assert np.isfinite(unthinned[:134]).all() and np.isnan(unthinned[134:]).all()


def test_the_day_of_year_climatology_of_one_season_keeps_a_linear_cycle_unbiased_at_its_ends():
    """break20 F5: daily JJA only (--months 6,7,8): the 61-day window of 1 June reached 30 days
    into June and July but none into May, pulling the season's ends toward its middle (1.2 K).
    Values linear in the day of year, the same every year: a symmetric window returns them
    exactly at every day, the ends too; the one-sided window does not."""
    import cftime

    from climann.evaluation.baselines import climatology_from_sums, climatology_keys

    times = np.array([cftime.DatetimeNoLeap(year, 1, 1, 12) + datetime.timedelta(days=day)
                      for year in (2001, 2002, 2003) for day in range(151, 243)])  # 1 June … 31 August
    keys = climatology_keys(times)
    assert keys.per == "day of year"
    days = np.array([time.dayofyr for time in times])
    values = 280.0 + 0.1 * days  # the seasonal cycle, linear over the season
    sums, counts = np.zeros((366, 1, 1)), np.zeros((366, 1, 1))
    np.add.at(sums[:, 0, 0], days - 1, values)
    np.add.at(counts[:, 0, 0], days - 1, 1.0)
    climatology = climatology_from_sums(sums, counts, keys, calendar="noleap", window_days=61)[:, 0, 0]
    np.testing.assert_allclose(climatology[151:243], 280.0 + 0.1 * np.arange(152, 244), rtol=0, atol=1e-9)
    assert np.isnan(climatology[:151]).all() and np.isnan(climatology[243:]).all()


def test_a_whole_year_keeps_weatherbench2s_window_on_every_day():
    """With every day of the year held the weights are WeatherBench 2's triangular window on each day."""
    import cftime

    from climann.evaluation.baselines import climatology_from_sums, climatology_keys, climatology_window_weights

    times = np.array([cftime.DatetimeNoLeap(2001, 1, 1, 12) + datetime.timedelta(days=day) for day in range(365)])
    keys = climatology_keys(times)
    rng = np.random.default_rng(4)
    sums, counts = rng.normal(size=(366, 1, 1)), np.ones((366, 1, 1))
    sums[365], counts[365] = 0.0, 0.0
    climatology = climatology_from_sums(sums, counts, keys, calendar="noleap", window_days=61)[:365, 0, 0]
    weights = climatology_window_weights(61)
    expected = [np.sum(weights * sums[(day + np.arange(-30, 31)) % 365, 0, 0]) / weights.sum() for day in range(365)]
    np.testing.assert_allclose(climatology, expected, rtol=1e-12)


def _cyclic_window_sums(values, window, n_days):
    """Σ_k w_k values[(d + k) mod n_days] for each day d, WB2's triangular weights w_k = 1 − |k|/h
    (``create_window_weights``), by ``np.convolve`` over the day axis padded cyclically."""
    half = window // 2
    weights = np.concatenate([np.linspace(0, 1, half + 1), np.linspace(1, 0, half + 1)[1:]])
    padded = np.concatenate([values[-half:], values, values[:half]])
    return np.apply_along_axis(lambda column: np.convolve(column, weights, mode="valid"), 0, padded)


def _gappy_station(step_hours, kept, seed, n_years=4):
    """A noleap station series every ``step_hours`` from 2001 with only a random ``kept`` share
    of its time steps (rows only where there was a retrieval, as AERONET writes them): times,
    values (n_time, 1, 1) with a seasonal and a diurnal cycle and noise, the training mask
    (the first three years)."""
    import cftime

    steps = np.arange(n_years * 365 * 24 // step_hours)
    steps = steps[np.random.default_rng(seed).random(steps.size) < kept]
    times = np.array([cftime.DatetimeNoLeap(2001, 1, 1) + datetime.timedelta(hours=int(step_hours * k))
                      for k in steps])
    day, hour = steps * step_hours // 24 % 365, steps * step_hours % 24
    values = (0.15 + 0.05 * np.cos(2 * np.pi * (day - 180) / 365) + 0.02 * np.cos(2 * np.pi * (hour - 14) / 24)
              + np.random.default_rng(seed + 1).normal(0, 0.03, steps.size))
    return times, values[:, None, None], np.array([time.year < 2004 for time in times])


def test_the_daily_climatology_of_a_gappy_station_series_keeps_the_whole_window():
    """break34a S1: AERONET daily averages hold a row on ~60 % of the days. The days of the year
    its training years happen to lack narrowed the 61-day window of every day near them (to 1–3
    days for half the days): the climatology fitted the training noise, the skill against it
    flipped sign, and a fifth of the test values had none. The window averages the values it
    holds: WeatherBench 2's climatology on every day of the year, computed here with np.convolve."""
    from climann.evaluation.baselines import climatology_keys, climatology_prediction, seasonal_climatology

    times, truth, train = _gappy_station(24, 0.6, seed=34)
    assert climatology_keys(times).per == "day of year"
    day = np.array([time.dayofyr for time in times]) - 1
    sums, counts = np.zeros((365, 1, 1)), np.zeros((365, 1, 1))
    np.add.at(sums, day[train], truth[train])
    np.add.at(counts, day[train], 1.0)
    assert (counts == 0).sum() > 10  # days of the year without a training value
    by_hand = _cyclic_window_sums(sums, 61, 365) / _cyclic_window_sums(counts, 61, 365)
    climatology = seasonal_climatology(truth, times, train, window_days=61)
    np.testing.assert_allclose(climatology[:365], by_hand, rtol=1e-12)
    assert np.isfinite(climatology_prediction(truth, times, train, window_days=61)).all()


def test_the_sub_daily_climatology_of_a_gappy_station_series_keeps_the_whole_window():
    """break34a S1, sub-daily: 3-hourly retrievals on a random 55 % of the steps; each time of
    day smoothed over 61 days of the year on its own, as WeatherBench 2's, on every day."""
    from climann.evaluation.baselines import climatology_keys, seasonal_climatology

    times, truth, train = _gappy_station(3, 0.55, seed=35)
    keys = climatology_keys(times, value_step=TimeStep(duration=datetime.timedelta(hours=3)))
    assert (keys.per, keys.count) == ("day of year and hour", 366 * 8)
    day = np.array([time.dayofyr for time in times]) - 1
    slot = np.array([time.hour for time in times]) // 3
    sums, counts = np.zeros((365, 8)), np.zeros((365, 8))
    np.add.at(sums, (day[train], slot[train]), truth[train, 0, 0])
    np.add.at(counts, (day[train], slot[train]), 1.0)
    assert (counts == 0).sum() > 100
    by_hand = _cyclic_window_sums(sums, 61, 365) / _cyclic_window_sums(counts, 61, 365)
    climatology = seasonal_climatology(truth, times, train, window_days=61,
                                       value_step=TimeStep(duration=datetime.timedelta(hours=3)))
    np.testing.assert_allclose(climatology.reshape(366, 8)[:365], by_hand, rtol=1e-12)


def narrowed_climatology_by_hand(sums, counts, window=61):
    """The day-of-year climatology of each cell by hand, shape of ``sums`` (n_days, n_cells...):
    the days a cell lacks for 28 days or more in a row (:func:`long_runs_without_value`) are
    left out at that cell, its other days held; a held day m days from the nearest left-out
    day weighs the days within m − 1 of it, 1 − |k|/m (at most WeatherBench 2's ±h, h = 30);
    NaN on the days left out. A loop over the cells and the days."""
    n_days, half = len(sums), window // 2
    flat_sums, flat_counts = sums.reshape(n_days, -1), counts.reshape(n_days, -1)
    left_out_cells = long_runs_without_value(flat_counts) | (flat_counts.sum(axis=0) == 0)
    by_hand = np.full(flat_sums.shape, np.nan)
    for cell in range(flat_sums.shape[1]):
        left_out = np.flatnonzero(left_out_cells[:, cell])
        for d in np.flatnonzero(~left_out_cells[:, cell]):
            apart = np.abs(d - left_out)
            reach = min(half, int(np.minimum(apart, n_days - apart).min())) if left_out.size else half
            offsets = np.arange(-reach + 1, reach)
            weights = 1 - np.abs(offsets) / reach
            around = (d + offsets) % n_days
            by_hand[d, cell] = (weights * flat_sums[around, cell]).sum() / (weights * flat_counts[around, cell]).sum()
    return by_hand.reshape(sums.shape)


@pytest.mark.parametrize("months", [pytest.param((6, 7, 8), id="jja"), pytest.param((12, 1, 2), id="djf"),
                                    pytest.param((1, 3), id="february-left-out")])
def test_the_window_of_a_months_selection_with_missing_cells_narrows_per_cell(months):
    """Evenly sampled daily data of some months (``--months``, ``--seasons``), with values
    missing at some cells (20 %): each cell's window narrows at the edges of the days that cell
    lacks for 28 days or more (the months left out, and at a cell lacking the season's first
    days in every training year, those too), a day m days from the nearest weighing the days
    within m − 1 of it, 1 − |k|/m; a cell-day lacked in a shorter run is a gap of the cell's
    series, the window's mean."""
    import cftime

    from climann.evaluation.baselines import seasonal_climatology

    every_day = [cftime.DatetimeNoLeap(2001, 1, 1) + datetime.timedelta(days=k) for k in range(3 * 365)]
    times = np.array([time for time in every_day if time.month in months])
    rng = np.random.default_rng(36)
    truth = rng.normal(280, 3, (times.size, 2, 2))
    truth[rng.random(truth.shape) < 0.2] = np.nan
    train = np.array([time.year < 2003 for time in times])
    day = np.array([time.dayofyr for time in times]) - 1
    present = np.isfinite(truth) & train[:, None, None]
    sums, counts = np.zeros((365, 2, 2)), np.zeros((365, 2, 2))
    np.add.at(sums, day, np.where(present, truth, 0.0))
    np.add.at(counts, day, present.astype(float))
    by_hand = narrowed_climatology_by_hand(sums, counts)
    climatology = seasonal_climatology(truth, times, train, window_days=61)[:365]
    np.testing.assert_allclose(climatology, by_hand, rtol=1e-12)
    held = np.isin(np.arange(365), day)
    assert (counts[held] == 0).any() and np.isfinite(climatology[held & (counts == 0).all(axis=(1, 2))]).all()


def _two_stations(second, seed=37):
    """Daily noleap values 2001–2004 at two stations (cells (0, 0), (0, 1)): the first holds
    every day, the second only on the days ``second(day_of_year, rng)`` keeps (NaN elsewhere,
    as a DSG file of several stations on one time axis). Times, values (n_time, 1, 2), the
    training mask (2001–2003)."""
    import cftime

    times = np.array([cftime.DatetimeNoLeap(2001, 1, 1, 12) + datetime.timedelta(days=k) for k in range(4 * 365)])
    day = np.arange(times.size) % 365
    rng = np.random.default_rng(seed)
    truth = (285 + 12 * np.cos(2 * np.pi * (day - 200) / 365))[:, None, None] + rng.normal(0, 2, (times.size, 1, 2))
    truth[~second(day, rng), 0, 1] = np.nan
    return times, truth, np.arange(times.size) < 3 * 365


@pytest.mark.parametrize("second", [
    pytest.param(lambda day, rng: (day >= 59) & (day < 334), id="no-winter-retrievals"),
    pytest.param(lambda day, rng: rng.random(day.size) < 0.6, id="retrievals-on-60-percent-of-days"),
])
def test_each_station_of_a_file_gets_the_climatology_it_would_get_alone(second):
    """Two stations on one time axis, one holding every day: the other's days of the year
    without a training value are that station's own, gaps (a random 40 % of its days) or left
    out (December–February without retrievals). Read from the whole series (a day held at any
    station), the second station's window did not narrow near its winter (1 March weighed
    March and April only, pulled toward spring) and its gap days had no climatology; per cell,
    it is the climatology the station gets alone, each hand-computed."""
    from climann.evaluation.baselines import seasonal_climatology

    times, truth, train = _two_stations(second)
    day = np.arange(times.size) % 365
    present = np.isfinite(truth) & train[:, None, None]
    sums, counts = np.zeros((365, 1, 2)), np.zeros((365, 1, 2))
    np.add.at(sums, day, np.where(present, truth, 0.0))
    np.add.at(counts, day, present.astype(float))
    by_hand = narrowed_climatology_by_hand(sums, counts)
    both = seasonal_climatology(truth, times, train, window_days=61)[:365]
    alone = seasonal_climatology(truth[:, :, 1:], times, train, window_days=61)[:365]
    np.testing.assert_allclose(both, by_hand, rtol=1e-12)
    np.testing.assert_allclose(both[:, :, 1:], alone, rtol=1e-12)  # up to the matrix product's rounding
    assert (counts[:, 0, 1] == 0).sum() > 10 and np.isfinite(both[:, 0, 0]).all()


def _composite_starts(days: int, years=(2003, 2004, 2005)) -> np.ndarray:
    """MODIS composites of ``days`` days stamped at their starts, restarting on 1 January
    (days of year 1, 1 + days, … up to the year's end: 46 of 8 days, 23 of 16 days)."""
    import cftime

    return np.array([cftime.DatetimeJulian(year, 1, 1) + datetime.timedelta(days=days * k)
                     for year in years for k in range((365 + days - 1) // days)])


@pytest.mark.parametrize(("days", "count"), [pytest.param(8, 46, id="8-day"), pytest.param(16, 23, id="16-day")])
def test_modis_composites_are_keyed_per_composite_of_the_year(days, count):
    """break33a A3 (and break29a A7 for 8 days): composites restarting on 1 January are keyed by
    their place in the year's sequence, one key per composite each year, leap years alike (2004's
    5 March 16-day composite, day 65, is the 5th as 6 March 2003 is). Before: 45 (22) windows of
    the year, 19 and 27 December (3 and 19 December) in one, and after February of a leap year
    every composite one window back."""
    from climann.evaluation.baselines import climatology_keys

    starts = _composite_starts(days)
    keys = climatology_keys(starts)
    assert (keys.per, keys.count) == (f"{days}-day composite of the year", count)
    expected = np.tile(np.arange(1, count + 1), 3)  # the k-th composite of each year, by hand
    np.testing.assert_array_equal(keys.of(starts), expected)


def test_composite_keys_are_recorded_and_read_back_for_new_data():
    """model.npz's ``target_climatology`` keys of 16-day composites read back as composites: new
    data from a leap year are looked up by their composite (5 March 2004, day 65: the 5th), not
    by an 8th-window-back 16-day window of the year."""
    import cftime

    from climann.evaluation.baselines import ClimatologyKeys, climatology_keys

    keys = climatology_keys(_composite_starts(16))
    read = ClimatologyKeys.from_record(keys.record(), count=keys.count)
    assert read == keys and keys.record()["composites"] is True
    assert read.of(np.array([cftime.DatetimeJulian(2004, 3, 5)])).tolist() == [5]


def test_a_16_day_climatology_is_the_mean_of_each_composite_over_the_training_years():
    """The climatology baseline of MODIS 16-day composites (2001–2008, julian, leap years 2004 and
    2008) against numpy's mean of the same composite (its place in the year) over the training
    years: the 3 and 19 December composites keep their own values, and so do 2004's after
    February (break33a A3: up to 0.139 NDVI apart, test MSE +6.7 %)."""
    from climann.evaluation.baselines import climatology_prediction

    starts = _composite_starts(16, years=range(2001, 2009))
    place = np.tile(np.arange(23), 8)
    rng = np.random.default_rng(3)
    truth = (0.45 + 0.3 * np.cos(2 * np.pi * place / 23))[:, None, None] + 0.04 * rng.standard_normal((starts.size, 2, 3))
    train = np.array([time.year <= 2006 for time in starts])
    predicted = climatology_prediction(truth, starts, train, window_days=61)
    by_hand = np.stack([truth[train & (place == k)].mean(axis=0) for k in range(23)])[place]
    np.testing.assert_allclose(predicted, by_hand, rtol=1e-6)


def _twice_weekly(years=3):
    """Mondays and Thursdays: the valid days of twice-weekly forecasts, 3 and 4 days apart in turn."""
    import cftime

    start = cftime.datetime(2001, 1, 1, calendar="noleap")
    return np.array([start + datetime.timedelta(days=int(day)) for day in np.cumsum([0] + [3, 4] * (years * 52))])


def test_values_unevenly_a_few_days_apart_without_bounds_are_keyed_by_their_spacing_with_a_warning(caplog):
    """break31a A4: daily means 3 and 4 days apart were keyed per "4-day period of the year"
    without a word. Without time bounds the spacing is all that tells what the values are: the
    keys stay the spacing's, and a warning says how 1-day bounds give the day-of-year
    climatology; with the values' 1-day step (what the bounds give) they are per day of year,
    unwarned, each kept day within 3 days of the next."""
    from climann.data.notes import forget_notes
    from climann.evaluation.baselines import climatology_keys

    forget_notes()
    times = _twice_weekly()
    with caplog.at_level("WARNING"):
        keys = climatology_keys(times)
    assert (keys.per, keys.window_days) == ("4-day period of the year", 4.0)
    assert ("the times are 3 days to 4 days apart and no time bounds of one length say what each value is: the "
            "climatology is taken per 4-day period of the year") in caplog.text
    assert "give the file 1-day time bounds" in caplog.text
    forget_notes()
    caplog.clear()
    with caplog.at_level("WARNING"):
        keys = climatology_keys(times, value_step=TimeStep(duration=datetime.timedelta(days=1)))
    assert (keys.per, keys.count, keys.reach_days) == ("day of year", 366, 3)
    assert caplog.text == ""


def test_composites_restarting_each_year_are_not_warned_about_as_uneven(caplog):
    """MODIS's 8-day composites: 8 days apart but for 5 or 6 days at each year's end, keyed per
    composite of the year, without the warning of uneven spacings."""
    import cftime

    from climann.data.notes import forget_notes
    from climann.evaluation.baselines import climatology_keys

    forget_notes()
    times = np.array([cftime.datetime(2001 + year, 1, 1, calendar="noleap") + datetime.timedelta(days=8 * k)
                      for year in range(3) for k in range(46)])
    with caplog.at_level("WARNING"):
        assert climatology_keys(times).per == "8-day composite of the year"
    assert "no time bounds of one length" not in caplog.text


# --- composites with a gap, half-months and dekads: keyed by their place in the year (break38b) ------

@pytest.mark.parametrize(("days", "missing", "count"), [
    pytest.param(16, 10, 23, id="16-day-2001-day-161-missing"),
    pytest.param(8, 60, 46, id="8-day-one-of-2002-missing"),
])
def test_composites_with_one_missing_keep_the_climatology_of_each_composite(days, missing, count):
    """break38b A1 (severity 1): MOD13Q1 without its 2001 day-161 composite was keyed per "16-day
    period of the year", and in 2004 (leap) every composite after February got the previous
    composite's climatology (validation MSE 0.00551 against 0.00216). Keyed per composite, as the
    complete series: numpy's mean of the same composite, ⌊(d − 1) / N⌋, over the training years."""
    from climann.evaluation.baselines import climatology_keys, climatology_prediction

    starts = np.delete(_composite_starts(days, years=range(2001, 2006)), missing)
    place = np.array([(time.dayofyr - 1) // days for time in starts])
    rng = np.random.default_rng(5)
    truth = (0.45 + 0.3 * np.cos(2 * np.pi * place / count))[:, None, None] + 0.04 * rng.standard_normal((starts.size, 2, 3))
    train = np.array([time.year <= 2003 for time in starts])
    keys = climatology_keys(starts)
    assert (keys.per, keys.count) == (f"{days}-day composite of the year", count)
    predicted = climatology_prediction(truth, starts, train, window_days=61)
    by_hand = np.stack([truth[train & (place == k)].mean(axis=0) for k in range(count)])[place]
    np.testing.assert_allclose(predicted, by_hand, rtol=1e-6)


def _month_periods(starts_in_month, years, *, middles=False, last_days=False):
    """One value per period of each month starting on the days ``starts_in_month`` (1, 16:
    GIMMS's half-months; 1, 11, 21: dekads), stamped at the starts, the middles or the last days
    of the periods (the last of a month runs to the 1st of the next)."""
    import cftime

    times = []
    for year in years:
        for month in range(1, 13):
            edges = [cftime.DatetimeGregorian(year, month, day) for day in starts_in_month]
            edges.append(cftime.DatetimeGregorian(year + month // 12, month % 12 + 1, 1))
            times += [end - datetime.timedelta(days=1) if last_days else start + (end - start) / 2 if middles else start
                      for start, end in zip(edges[:-1], edges[1:])]
    return np.array(times)


@pytest.mark.parametrize(("starts_in_month", "stamped", "per"), [
    pytest.param((1, 16), "starts", "half-month of the year", id="half-months-1st-16th"),
    pytest.param((1, 16), "middles", "half-month of the year", id="half-months-dated-by-bounds-middles"),
    pytest.param((1, 11, 21), "starts", "dekad of the year", id="dekads"),
    pytest.param((1, 11, 21), "middles", "dekad of the year", id="dekads-middles"),
    # break40c C2: Copernicus Global Land's dekads dated on the 10th, the 20th and the month's last day were keyed
    # by 10-day windows, February's 2nd and 3rd dekads (the 20th and the 28th) in one
    pytest.param((1, 11, 21), "last days", "dekad of the year", id="dekads-last-days"),
])
def test_half_months_and_dekads_have_a_climatology_per_period_of_each_month(starts_in_month, stamped, per):
    """break38b A2 (severity 1): GIMMS NDVI3g's half-months were keyed per "15-day period of the
    year" ("15.5-day" dated by their bounds' middles): 16 February and 1 March shared a window and
    a value, days 76–90 held none. Each half-month (dekad) of the year is its own key, 12 · P of
    them: numpy's mean over the training years of the same (month, period), 1983–1984 with a
    half-month (dekad) missing in 1983, the test years 1986–1987 (1988 leap)."""
    from climann.evaluation.baselines import climatology_keys, climatology_prediction

    periods = len(starts_in_month)
    times = np.delete(_month_periods(starts_in_month, range(1983, 1989), middles=stamped == "middles",
                                     last_days=stamped == "last days"), 5)
    key = np.array([periods * (time.month - 1) + sum(time.day >= day for day in starts_in_month[1:])
                    for time in times])
    rng = np.random.default_rng(8)
    truth = (0.45 + 0.3 * np.sin(2 * np.pi * key / (12 * periods)))[:, None, None] + 0.02 * rng.standard_normal(
        (times.size, 2, 3))
    train = np.array([time.year <= 1985 for time in times])
    keys = climatology_keys(times)
    assert (keys.per, keys.count, keys.month_periods) == (per, 12 * periods, periods)
    predicted = climatology_prediction(truth, times, train, window_days=61)
    by_hand = np.stack([truth[train & (key == k)].mean(axis=0) for k in range(12 * periods)])[key]
    np.testing.assert_allclose(predicted, by_hand, rtol=1e-6)
    assert len(np.unique(predicted[:, 0, 0])) == 12 * periods  # 16 February's and 1 March's apart


def test_half_month_keys_are_recorded_and_read_back_for_new_data():
    """model.npz's keys of half-months read back as half-months: 16 February 2004 (new data) is
    looked up as the 4th, 1 March as the 5th."""
    import cftime

    from climann.evaluation.baselines import ClimatologyKeys, climatology_keys

    keys = climatology_keys(_month_periods((1, 16), range(1983, 1986)))
    read = ClimatologyKeys.from_record(keys.record(), count=keys.count)
    assert read == keys and keys.record()["month_periods"] == 2
    new = np.array([cftime.DatetimeGregorian(2004, 2, 16), cftime.DatetimeGregorian(2004, 3, 1)])
    assert read.of(new).tolist() == [4, 5]


def test_persistence_of_half_months_is_the_half_month_before():
    """break38b A2: persistence was left out ("no regular step"); each half-month is forecast by
    the one before it (1 January by 16 December), none after a half-month missing."""
    from climann.data.layout import Coordinate, GridLayout
    from climann.evaluation.baselines import persistence_left_out

    times = np.delete(_month_periods((1, 16), range(1983, 1986)), 7)
    layout = GridLayout(time=Coordinate("time", times), latitude=Coordinate("lat", np.array([10.0])),
                        longitude=Coordinate("lon", np.array([20.0])), time_units="days since 1800-01-01",
                        calendar="standard", file_dims=("time", "lat", "lon"), target_name="ndvi", target_attrs={})
    assert persistence_left_out(layout) is None
    truth = np.arange(len(times), dtype=np.float64)[:, None, None] ** 2
    expected = np.concatenate([[np.nan], truth[:-1, 0, 0]])
    expected[7] = np.nan  # the half-month after the missing one
    np.testing.assert_array_equal(persistence_prediction(truth, times)[:, 0, 0], expected)


def test_dates_that_fit_no_restarting_calendar_are_keyed_by_windows_with_a_warning_naming_them(caplog):
    """Half-months stamped on the 1st and the 15th (both in the first half) fit none of the
    calendars: keyed by 15-day windows as before, and the warning says so and how to key them by
    their period (date each at its period's start, or give time bounds), not only 1-day bounds."""
    import cftime

    from climann.data.notes import forget_notes
    from climann.evaluation.baselines import climatology_keys

    forget_notes()
    times = np.array([cftime.DatetimeGregorian(year, month, day) for year in (2001, 2002, 2003)
                      for month in range(1, 13) for day in (1, 15)])
    with caplog.at_level("WARNING"):
        keys = climatology_keys(times)
    assert keys.per == "14-day period of the year"
    assert ("the dates fit no calendar of periods that restart each year or month (N-day composites from 1 January "
            "as MODIS's, half-months from the 1st and the 16th, dekads from the 1st, 11th and 21st, CPC's 73 pentads a "
            "year, CHIRPS's 72 (6 a month), each dated at one place in its period: its start, middle or last day): if the values are of such periods, date each at its "
            "period's start") in caplog.text


# --- the commands of the time-axis warnings name the file, and run on a Zarr store (fix33c) ---------

def _stored_series(tmp_path, times, kind):
    """A 2 × 3 series on ``times`` (noleap, days since 2000-01-01), written as ``obs.nc`` or
    ``obs.zarr`` in ``tmp_path``; its path and values."""
    import xarray as xr

    values = 250 + np.arange(len(times) * 6, dtype=np.float32).reshape(len(times), 2, 3) / 8  # K: none at 0 K
    dataset = xr.Dataset({"tas": (("time", "lat", "lon"), values, {"units": "K"})},
                         coords={"time": times, "lat": ("lat", [0.0, 10.0], {"units": "degrees_north"}),
                                 "lon": ("lon", [0.0, 10.0, 20.0], {"units": "degrees_east"})})
    dataset["time"].encoding.update(units="days since 2000-01-01", calendar="noleap")
    path = tmp_path / f"obs.{kind}"
    if kind == "zarr":
        pytest.importorskip("zarr")
        dataset.to_zarr(path)
    else:
        dataset.to_netcdf(path)
    return path, values


def _run_python_line(said, tmp_path):
    """Run the one xarray line of a warning as printed (the interpreter of this test for
    ``python``), and open the copy it wrote, its times decoded."""
    import re
    import shlex

    import xarray as xr

    (folder, line), = re.findall(r'`(?:mkdir -p (\S+) && )?(python -c "[^`]+)`', bare_python(said))
    if folder:  # a file's copy goes into a new folder (fix53a), whose mkdir the line begins with
        (tmp_path / folder).mkdir()
    run_python("-c", shlex.split(line)[2], check=True, cwd=tmp_path)
    copies = [path for path in tmp_path.iterdir() if path.name.startswith("obs_fixed")]
    copies += list((tmp_path / folder).iterdir()) if folder else []
    assert len(copies) == 1
    return xr.open_dataset(copies[0], decode_times=xr.coders.CFDatetimeCoder(use_cftime=True),
                           engine="zarr" if copies[0].suffix == ".zarr" else None)


@pytest.mark.parametrize("kind", [pytest.param("nc", id="netcdf"), pytest.param("zarr", id="zarr-store")])
def test_the_stamps_on_noon_warning_names_the_file_and_its_python_line_puts_them_there(tmp_path, caplog,
                                                                                      monkeypatch, kind):
    """fix33c: the warning said `ncap2 -s 'time=floor(time)+0.5' IN OUT` whatever the data, which NCO
    cannot run on a Zarr store. It names the file, gives a store the xarray line alone, and that line,
    run as printed, puts each stamp on 12:00 of its day, the values unchanged: the copy's axis is regular."""
    import cftime

    from climann.data.notes import forget_notes
    from climann.data.time_commands import TimeSource
    from climann.evaluation.baselines import climatology_keys

    monkeypatch.chdir(tmp_path)
    forget_notes()
    rng = np.random.default_rng(3)
    noon = [cftime.datetime(2000, 1, 1, 12, calendar="noleap") + datetime.timedelta(days=k) for k in range(3 * 365)]
    times = np.array([time + datetime.timedelta(seconds=float(rng.uniform(-1800, 1800))) for time in noon])
    path, values = _stored_series(tmp_path, times, kind)
    with caplog.at_level("WARNING"):
        climatology_keys(times, source=TimeSource((str(path),), "time"))
    (said,) = [record.getMessage() for record in caplog.records if "no regular step" in record.getMessage()]
    assert "IN OUT" not in said and f"'obs.{kind}'" in said
    assert ("ncap2 -s 'time=floor(time)+0.5' obs.nc midday_stamps/obs.nc` (its copy in a new folder), then give "
            "--data midday_stamps/obs.nc in place of obs.nc" in said) == (kind == "nc")
    copy = _run_python_line(said, tmp_path)
    assert list(copy["time"].values) == noon
    np.testing.assert_array_equal(copy["tas"].values, values)
    forget_notes()
    caplog.clear()
    with caplog.at_level("WARNING"):
        assert climatology_keys(copy["time"].values).per == "day of year"
    assert "no regular step" not in caplog.text


@pytest.mark.parametrize("kind", [pytest.param("nc", id="netcdf"), pytest.param("zarr", id="zarr-store")])
def test_the_one_day_bounds_warning_names_the_file_and_its_command_writes_the_bounds(tmp_path, caplog, monkeypatch,
                                                                                    kind):
    """fix33c: values 3 and 4 days apart were told `cdo settbounds,day IN OUT`, which CDO cannot run on a
    Zarr store. The warning names the file (`cdo settbounds,day obs.nc obs_fixed.nc`); for a store it is an
    xarray line that, run as printed, gives each time the bounds of its calendar day (as settbounds,day),
    and climann reads the copy."""
    from climann.data.notes import forget_notes
    from climann.data.time_commands import TimeSource
    from climann.evaluation.baselines import climatology_keys

    monkeypatch.chdir(tmp_path)
    forget_notes()
    times = _twice_weekly() + datetime.timedelta(hours=9)  # observed at 09:00 on each valid day
    path, values = _stored_series(tmp_path, times, kind)
    with caplog.at_level("WARNING"):
        climatology_keys(times, source=TimeSource((str(path),), "time"))
    (said,) = [record.getMessage() for record in caplog.records if "no time bounds of one length" in record.getMessage()]
    assert "IN OUT" not in said
    if kind == "nc":
        assert "`cdo settbounds,day obs.nc obs_fixed.nc`" in without_guards(said)
        return
    assert "cdo" not in said
    copy = _run_python_line(said, tmp_path)
    days = [time - datetime.timedelta(hours=9) for time in times]
    np.testing.assert_array_equal(copy["time_bnds"].values, [[day, day + datetime.timedelta(days=1)] for day in days])
    np.testing.assert_array_equal(copy["time"].values, times)
    np.testing.assert_array_equal(copy["tas"].values, values)
    from climann.data.open import open_dataset

    np.testing.assert_array_equal(open_dataset([tmp_path / "obs_fixed.zarr"])["tas"].values, values)  # climann reads it


def test_the_odd_spacing_named_is_the_smallest_not_the_first(caplog):
    """break35a A6: irregular overpasses about 2.5 days apart, a first odd spacing of 1.2 days
    and a later one of 0.4 days: the warning named the first (1.2055 days on ECOSTRESS) as the
    axis's smallest spacing."""
    import cftime

    from climann.data.notes import forget_notes
    from climann.evaluation.baselines import season_name

    forget_notes()
    start = cftime.datetime(2018, 8, 1, calendar="standard")
    offsets = np.cumsum([0.0] + [2.5] * 10 + [1.2] + [2.5] * 20 + [0.4] + [2.5] * 10)
    times = np.array([start + datetime.timedelta(days=float(offset)) for offset in offsets])
    with caplog.at_level("WARNING"):
        season_name(times)
    at = int(np.argmin(np.diff(offsets)))  # by hand: the 0.4 days (9.6 hours) after the 33rd time
    assert offsets[at + 1] - offsets[at] == pytest.approx(0.4)
    where = f"{times[at].strftime('%Y-%m-%d %H:%M')} to {times[at + 1].strftime('%Y-%m-%d %H:%M')}"
    assert f"the time axis's smallest spacing, 9.6 hours ({where}, …)" in caplog.text


def _fix35b_window_sums(values, reach, window_days, *, triangular=True):
    """The window sums as fix35b computed them (commit d24256b, ``_window_sums`` and
    ``_narrowed_sums``): days of full reach by one matrix product over all cells, the narrowed
    (day, cell) pairs gathered offset by offset. The reference the grouped sums must equal."""
    half, length = (window_days - 1) // 2, len(values)
    offsets = np.arange(1 - half, half)
    weights = 1.0 - np.abs(offsets) / max(half, 1) if triangular else np.ones(offsets.size)
    days = np.arange(length)
    full = np.zeros((length, length))
    np.add.at(full, (np.repeat(days, offsets.size), (days[:, None] + offsets).ravel() % length),
              np.tile(weights, length))
    summed = np.tensordot(full, values, axes=1)
    summed *= (reach > 0)[:, None, :]
    day, cell = np.nonzero((reach > 0) & (reach < half))
    by_cell = np.moveaxis(values, 2, 0)
    padded = np.concatenate([by_cell[:, length - half:], by_cell, by_cell[:, :half]], axis=1).reshape(-1, values.shape[1])
    rows = cell * (length + 2 * half) + half + day
    for pair, (at, pair_reach) in enumerate(zip(rows, reach[day, cell], strict=True)):
        total = padded[at].copy()
        for offset in range(1, int(pair_reach)):
            total += (1.0 - offset / pair_reach if triangular else 1.0) * (padded[at + offset] + padded[at - offset])
        summed[day[pair], :, cell[pair]] = total
    return summed


def _random_held_counts(rng, slots, reach_days, n_cells=60):
    """Counts (366 · slots, n_cells) of 30 training years whose first half of cells hold days of
    the year in random ways: never (a masked pixel), every day, a winter of their own (28–200 days
    left out), a random 30 % of days lacking (gaps), June–August only; the second half every day
    but a shared sea-ice winter (a pattern enough cells share to be summed by its own matrix);
    every (reach_days + 1)-th day only when the run kept one daily mean in reach_days + 1
    (``time_stride``)."""
    counts = rng.integers(1, 31, size=(366, slots, n_cells)).astype(float)
    for cell in range(n_cells // 2):
        kind = cell % 5
        if kind == 0:
            counts[:, :, cell] = 0.0
        elif kind == 2:
            start, length = rng.integers(366), rng.integers(28, 201)
            counts[(start + np.arange(length)) % 366, :, cell] = 0.0
        elif kind == 3:
            counts[rng.random(366) < 0.3, :, cell] = 0.0
        elif kind == 4:
            counts[np.r_[:151, 243:366], :, cell] = 0.0
    counts[np.abs(np.arange(366) - 20) <= 40, :, n_cells // 2:] = 0.0
    if reach_days:
        counts[np.arange(366) % (reach_days + 1) != 0] = 0.0
    return counts.reshape(366 * slots, n_cells)


@pytest.mark.parametrize("window", [pytest.param(5, id="5-days"), pytest.param(31, id="31-days"),
                                    pytest.param(61, id="61-days")])
@pytest.mark.parametrize(("slots", "reach_days"), [pytest.param(1, 0, id="daily"), pytest.param(4, 0, id="6-hourly"),
                                                   pytest.param(1, 3, id="daily-every-4th-day")])
@pytest.mark.parametrize("triangular", [pytest.param(True, id="triangular"), pytest.param(False, id="ones")])
def test_window_sums_grouped_by_reach_pattern_equal_fix35bs(window, slots, reach_days, triangular, monkeypatch):
    """Summed per reach pattern (one matrix per pattern, rare patterns offset by offset), the
    window sums, the climatology and the values in each window are fix35b's to rounding, on
    cells holding days of the year in every way a grid or a station file does."""
    from climann.evaluation import baselines

    per = "day of year" if slots == 1 else "day of year and hour"
    keys = baselines.ClimatologyKeys(per=per, count=366 * slots, slot_seconds=0.0 if slots == 1 else 21600.0,
                                     reach_days=reach_days)
    rng = np.random.default_rng(window + 10 * slots + reach_days)
    counts = _random_held_counts(rng, slots, reach_days).reshape(366 * slots, 6, 10)
    sums = counts * rng.uniform(250.0, 310.0, counts.shape)
    held, _ = baselines._held_days(counts > 0, keys, 366)
    reach = baselines._window_reach(window, held, reach_days)
    assert (reach == 0).all(axis=0).any() and (reach == (window - 1) // 2).all(axis=0).any()
    n_sharing = np.unique(reach, axis=1, return_counts=True)[1]
    assert n_sharing.max() >= baselines.PATTERN_CELLS and (n_sharing < baselines.PATTERN_CELLS).sum() > 3
    by_day = sums.reshape(366, slots, -1)
    np.testing.assert_allclose(baselines._window_sums(by_day, reach, window, triangular=triangular),
                               _fix35b_window_sums(by_day, reach, window, triangular=triangular), rtol=1e-12)
    grouped = (baselines.climatology_from_sums(sums, counts, keys, calendar="standard", window_days=window),
               baselines.smoothing_reach(counts, keys, calendar="standard", window_days=window))
    monkeypatch.setattr(baselines, "_window_sums", _fix35b_window_sums)
    np.testing.assert_array_equal(np.isnan(grouped[0]), np.isnan(
        fix35b := baselines.climatology_from_sums(sums, counts, keys, calendar="standard", window_days=window)))
    np.testing.assert_allclose(grouped[0], fix35b, rtol=1e-12)
    in_window, left_out = baselines.smoothing_reach(counts, keys, calendar="standard", window_days=window)
    np.testing.assert_allclose(grouped[1][0], in_window, rtol=1e-12)
    np.testing.assert_array_equal(grouped[1][1], left_out)


def _per_key_by_hand(truth, keys, steps, n_keys):
    """NumPy, key by key: Σ y over the present values of the chosen steps of each key, and their number."""
    sums = np.zeros((n_keys, *truth.shape[1:]))
    counts = np.zeros((n_keys, *truth.shape[1:]), dtype=np.int64)
    for key in range(1, n_keys + 1):
        chosen = truth[steps & (keys == key)].astype(np.float64)
        sums[key - 1] = np.nansum(chosen, axis=0)
        counts[key - 1] = np.isfinite(chosen).sum(axis=0)
    return sums, counts


@pytest.mark.parametrize("shape, dtype", [pytest.param((3000, 3, 4), np.float32, id="float32-grid"),
                                          pytest.param((3000, 1, 1), np.float64, id="one-cell"),
                                          pytest.param((0, 2, 2), np.float32, id="no-steps")])
def test_key_sums_are_each_keys_sum_and_count_of_present_values(shape, dtype):
    from climann.evaluation.baselines import key_sums

    rng = np.random.default_rng(42)
    truth = rng.gamma(1.0, 2.0, shape).astype(dtype)
    truth[rng.random(shape) < 0.1] = np.nan
    keys = rng.integers(1, 150, shape[0])  # keys 150 … 160 never occur: sum 0, count 0
    steps = rng.random(shape[0]) < 0.7
    sums, counts = key_sums(truth, keys, steps, 160)
    expected_sums, expected_counts = _per_key_by_hand(truth, keys, steps, 160)
    assert sums.dtype == np.float64 and counts.dtype == np.int64 and sums.shape == (160, *shape[1:])
    np.testing.assert_allclose(sums, expected_sums, rtol=1e-12, atol=0)
    np.testing.assert_array_equal(counts, expected_counts)


class _CountedKeys(np.ndarray):
    """Keys that count the comparisons made with the whole array (``keys == key``)."""

    comparisons = 0

    def __eq__(self, other):
        if np.ndim(other) == 0:
            _CountedKeys.comparisons += 1
        return np.asarray(self) == other


def test_key_sums_do_not_compare_every_step_with_each_key():
    """break42d R1: one comparison of the whole axis per key cost keys × steps (366 · 288 keys of
    5-minute data times 315 k steps: minutes); the sums take one pass over the values."""
    from climann.evaluation.baselines import key_sums

    n_keys = 366 * 24
    keys = (np.arange(2 * n_keys) % n_keys + 1).view(_CountedKeys)
    truth = np.ones((keys.size, 1, 2))
    _CountedKeys.comparisons = 0
    sums, counts = key_sums(truth, keys, np.ones(keys.size, bool), n_keys)
    assert _CountedKeys.comparisons == 0
    np.testing.assert_array_equal(counts, 2)
    np.testing.assert_array_equal(sums, 2.0)


def test_the_climatology_of_5_minute_data_is_each_day_of_year_and_slots_mean():
    """5-minute radar-like data (288 slots a day): window 1 gives each (day of year, 5-minute slot)
    mean of the training values, by NumPy key by key."""
    import cftime

    from climann.evaluation.baselines import seasonal_climatology

    rng = np.random.default_rng(3)
    # 2 days at the end of 2019 and 2 at the end of 2020 (a leap year: day 366), every 5 minutes
    times = np.array([start + datetime.timedelta(minutes=5 * k)
                      for start in (cftime.DatetimeGregorian(2019, 12, 30), cftime.DatetimeGregorian(2020, 12, 30))
                      for k in range(2 * 288)])
    truth = rng.gamma(0.5, 2.0, (times.size, 2, 2)).astype(np.float32)
    truth[rng.random(truth.shape) < 0.05] = np.nan
    train = np.ones(times.size, bool)
    train[::7] = False
    climatology = seasonal_climatology(truth, times, train, window_days=1)
    assert climatology.shape == (366 * 288, 2, 2)
    day = np.array([time.dayofyr for time in times])
    key = (day - 1) * 288 + np.array([time.hour * 12 + time.minute // 5 for time in times]) + 1
    for k in np.unique(key):
        chosen = truth[train & (key == k)].astype(np.float64)
        with np.errstate(invalid="ignore"):
            expected = np.nansum(chosen, axis=0) / np.isfinite(chosen).sum(axis=0)
        np.testing.assert_allclose(climatology[k - 1], expected, rtol=1e-12)
    assert np.isnan(np.delete(climatology, np.unique(key) - 1, axis=0)).all()


def _member_blocks_layout(*, irregular_val: bool = False):
    """break43c A6: ``split_files`` train = r1 2000–2001, val = r2 2000–2001 (the same dates), test = r1 2002,
    monthly, one cell; with ``irregular_val`` the val block is six times with no step between them."""
    import cftime

    from climann.data.layout import Coordinate, GridLayout

    months = [cftime.datetime(2000 + month // 12, month % 12 + 1, 16, calendar="360_day") for month in range(36)]
    first = cftime.datetime(2000, 1, 1, calendar="360_day")
    val = months[:24] if not irregular_val else [first + datetime.timedelta(days=days)
                                                  for days in (0, 1, 2.5, 3.7, 9.1, 12.3)]
    times = np.array(months[:24] + val + months[24:])
    blocks = ("train",) * 24 + ("val",) * len(val) + ("test",) * 12
    return GridLayout(time=Coordinate("time", times), latitude=Coordinate("lat", np.array([10.0])),
                      longitude=Coordinate("lon", np.array([20.0])), time_units="days since 2000-01-01",
                      calendar="360_day", file_dims=("time", "lat", "lon"), target_name="tos", target_attrs={},
                      time_blocks=blocks)


def test_persistence_of_split_files_blocks_is_each_blocks_own_previous_step():
    """break43c A6: dates repeated across the blocks made the whole axis irregular and persistence was left out of
    every block, though each block's own series is monthly. Each step is forecast by the step before it in its own
    block; a block's first step has none, and is no gap."""
    from climann.evaluation.baselines import (persistence_left_out, persistence_missing_steps,
                                              persistence_previous_steps)

    layout = _member_blocks_layout()
    starts = layout.time_segment_starts()
    assert persistence_left_out(layout) is None
    previous = persistence_previous_steps(layout.time.values, segment_starts=starts)
    expected = np.arange(-1, 59)
    expected[[0, 24, 48]] = -1  # each block's first step: no step before it in its own series
    np.testing.assert_array_equal(previous, expected)
    assert persistence_missing_steps(previous, layout.time.values, segment_starts=starts).size == 0
    truth = np.arange(60.0).reshape(60, 1, 1) ** 2
    predicted = persistence_prediction(truth, layout.time.values, segment_starts=starts)
    by_hand = np.concatenate([[np.nan], truth[:-1, 0, 0]])
    by_hand[[24, 48]] = np.nan
    np.testing.assert_array_equal(predicted[:, 0, 0], by_hand)
    assert persistence_previous_steps(layout.time.values) is None  # the axis as one series has no step


def test_persistence_is_left_out_naming_the_block_whose_own_series_has_no_step():
    from climann.evaluation.baselines import persistence_left_out

    reason = persistence_left_out(_member_blocks_layout(irregular_val=True))
    assert reason == "the val block: the time axis has no regular step (irregular spacing)"


def _forecast_layout(times, selections):
    from climann.data.layout import Coordinate, GridLayout

    return GridLayout(time=Coordinate("time", np.asarray(times)), latitude=Coordinate("lat", np.array([10.0])),
                      longitude=Coordinate("lon", np.array([20.0])), time_units="days since 1993-01-01",
                      calendar="standard", file_dims=("time", "lat", "lon"), target_name="t2m", target_attrs={},
                      input_selections=tuple(Coordinate(name, np.asarray(value), attrs)
                                             for name, value, attrs in selections))


@pytest.mark.parametrize(("selections", "months_back"), [
    pytest.param([("forecastMonth", 3, {}), ("number", 0, {"standard_name": "realization"})], 3, id="forecastMonth3"),
    pytest.param([("leadtime_month", 1, {"standard_name": "forecast_period", "units": "months"})], 1,
                 id="old-cds-leadtime_month1"),
    pytest.param([("L", 1.5, {"standard_name": "forecast_period", "units": "months"})], 2, id="nmme-L1.5"),
    pytest.param([("step", 21.0, {"standard_name": "forecast_period", "units": "days"})], None, id="s2s-days"),
    pytest.param([("number", 0, {"standard_name": "realization"})], None, id="no-forecast"),
])
def test_a_forecast_runs_persistence_goes_back_to_the_month_before_the_start(selections, months_back):
    """break45d B4: at ``forecastMonth = 3`` persistence was the month before the valid month, two
    months after the forecast was issued (ACC 0.64 against the network's 0.39). A forecast's
    persistence is the month before its start: L months back at lead month L (1 = the start's
    month), ⌊n⌋ + 1 at a lead of n months (NMME's L = 1.5 starts a month and a half before the
    middle of its valid month); a lead in days keeps the step before."""
    import cftime

    from climann.evaluation.baselines import forecast_months_back

    times = [cftime.DatetimeGregorian(1993 + k // 12, k % 12 + 1, 1) for k in range(24)]
    assert forecast_months_back(_forecast_layout(times, selections)) == months_back


@pytest.mark.parametrize("lead", [1, 3])
def test_a_forecast_runs_persistence_is_the_value_of_the_month_before_the_start(lead):
    """Each valid month's persistence is the truth of the month ``lead`` months earlier (numpy on the
    array by month index), missing where that month is not held: the first ``lead`` months, the
    months after a gap, and every month of a target holding only Decembers (no November)."""
    import cftime

    from climann.evaluation.baselines import persistence_left_out

    keep = [k for k in range(36) if k not in (9, 10)]  # October and November 1993 missing
    times = np.array([cftime.DatetimeGregorian(1993 + k // 12, k % 12 + 1, 1) for k in keep])
    truth = np.random.default_rng(4).normal(size=(len(keep), 2, 3))
    predicted = persistence_prediction(truth, times, months_back=lead)
    for step, month in enumerate(keep):
        earlier = keep.index(month - lead) if month - lead in keep else None
        if earlier is None:
            assert np.isnan(predicted[step]).all()
        else:
            np.testing.assert_array_equal(predicted[step], truth[earlier])
    assert np.isnan(predicted[:, 0, 0]).sum() == sum(month - lead not in keep for month in keep) >= lead + 1
    decembers = np.array([cftime.DatetimeGregorian(year, 12, 1) for year in range(1993, 2000)])
    selections = [("forecastMonth", 2, {})]
    assert "hold none of those months" in persistence_left_out(_forecast_layout(decembers, selections))
    assert persistence_left_out(_forecast_layout(times, selections)) is None


@pytest.mark.parametrize("bounded", [pytest.param(False, id="instants"), pytest.param(True, id="weekly-means")])
@pytest.mark.parametrize(("lead", "units"), [(14.0, "days"), (336.0, "hours"), (21.0, "days")])
def test_a_sub_seasonal_runs_persistence_is_the_last_value_observed_by_the_start(lead, units, bounded):
    """S2S starts on Mondays and Thursdays with a gap, valid at start + lead: each step's persistence
    is the last step whose value was known at its start (valid − lead): its stamp at or before it,
    or, for means with CF bounds (the week beginning at each stamp), its cell's end; by a loop over every
    pair of steps, apart from searchsorted; none for a start inside the three-week gap (the value before
    the gap is not the one observed then). Left out of a target holding none of them."""
    import cftime

    from climann.evaluation.baselines import forecast_persistence, persistence_left_out

    days = np.sort(np.concatenate([np.arange(0, 140, 7), np.arange(3, 140, 7)]))
    days = days[(days < 50) | (days > 70)]  # a gap of three weeks
    times = np.array([cftime.DatetimeGregorian(2000, 1, 3) + datetime.timedelta(days=int(day) + 14)
                      for day in days])
    selections = [("step", lead, {"standard_name": "forecast_period", "units": units}),
                  ("number", 0, {"standard_name": "realization"})]
    layout, ends = _forecast_layout(times, selections), times  # values at their stamps
    if bounded:  # means of the week beginning at each stamp: known a week later
        ends = times + datetime.timedelta(days=7)
        layout = dataclasses.replace(layout, time_bounds=np.stack([times, ends], axis=-1))
    issued = times - datetime.timedelta(hours=lead * (24 if units == "days" else 1))
    expected = np.full(len(times), -1)
    for index, start in enumerate(issued):
        for other in range(len(times)):
            if ends[other] <= start and (expected[index] < 0 or ends[other] >= ends[expected[index]]):
                expected[index] = other
    # not the last value before the gap: the start must fall in a regular interval (at most 1.5 median steps),
    # unless the value is observed at the start itself (fix54f: the days read beside the valid days for
    # persistence are no regular series)
    steps = sorted(later - earlier for earlier, later in zip(sorted(ends), sorted(ends)[1:]))
    median = steps[(len(steps) - 1) // 2]
    for index, start in enumerate(issued):
        if expected[index] >= 0 and ends[expected[index]] != start:
            after = [end for end in ends if end > ends[expected[index]]]
            interval = (min(after) if after else start) - ends[expected[index]]
            if interval > median * 1.5:
                expected[index] = -1
    forecast = forecast_persistence(layout)
    np.testing.assert_array_equal(forecast.earlier, expected)
    assert (expected >= 0).sum() > len(times) // 2 and (expected < 0).any()
    truth = np.random.default_rng(0).normal(size=(len(times), 1, 1))
    predicted = persistence_prediction(truth, times, earlier_steps=forecast.earlier)
    np.testing.assert_array_equal(predicted[expected >= 0], truth[expected[expected >= 0]])
    assert np.isnan(predicted[expected < 0]).all()
    assert f"{lead:g} {units} before the valid time" in forecast.before
    assert persistence_left_out(_forecast_layout(times[:2], selections)).endswith("hold none of those starts")


def _release_times(path, *, twice: bool = False):
    """break46d A5: an IGRA2-like 850 hPa temperature stamped at its release times (RELTIME), 45 to 75
    minutes before the nominal 00 and 12 UTC, some soundings missing; ``twice``: one slot with two
    releases (a special sounding 3 hours after the first)."""
    import pandas as pd
    import xarray as xr

    rng = np.random.default_rng(46)
    nominal = pd.date_range("2014-01-01", "2016-12-31 12:00", freq="12h")
    nominal = nominal[rng.random(nominal.size) > 0.05]
    released = nominal - pd.to_timedelta(rng.integers(45, 76, nominal.size), unit="min")
    if twice:
        released = released.append(pd.DatetimeIndex([released[10] + pd.Timedelta(hours=3)])).sort_values()
    dataset = xr.Dataset({"temp": ("time", rng.normal(0, 5, released.size).astype("f4"), {"units": "degC"})},
                         coords={"time": released})
    dataset.to_netcdf(path, encoding={"time": {"units": "minutes since 1900-01-01 00:00"}})
    return nominal, released


def _stamps_line(caplog) -> str:
    import shlex

    text = caplog.text
    assert "the time axis has no regular step, its spacings only about 12 hours" in text
    assert "which puts each stamp on the nearest of 00:00 and 12:00 UTC" in text
    line = bare_python(text).split("put the stamps on it (e.g. `")[1].split("`, which puts")[0]
    words = shlex.split(line)
    assert words[:2] == ["python", "-c"] and len(words) == 3, line
    return words[2]


@pytest.mark.parametrize("twice", [pytest.param(False, id="one-release-a-slot"),
                                   pytest.param(True, id="two-releases-in-a-slot")])
def test_release_time_stamps_get_the_line_that_puts_them_on_00_and_12_utc(tmp_path, caplog, twice):
    """break46d A5: radiosondes stamped at their release times were told "put the stamps on it" with no
    line, and then "--lags temp=1", which the same run refused (no regular step). The warning now gives
    the line; followed, each stamp is pandas' own rounding to 12 h, and lags are counted on the copy.
    Two releases in one slot stop the line before it writes anything."""
    import cftime
    import xarray as xr

    from climann.data.lags import lagged_steps
    from climann.data.notes import forget_notes
    from climann.data.time_commands import TimeSource
    from climann.evaluation.baselines import key_time_step

    forget_notes()
    nominal, released = _release_times(tmp_path / "sonde.nc", twice=twice)
    times = np.array([cftime.DatetimeGregorian(*stamp.timetuple()[:6]) for stamp in released])
    with pytest.raises(Exception, match="lags need a time axis with a regular step"):
        lagged_steps(times, [1])
    with caplog.at_level("WARNING"):
        key_time_step(times, source=TimeSource(files=(str(tmp_path / "sonde.nc"),)))
    done = run_python("-c", _stamps_line(caplog), cwd=tmp_path, capture_output=True)
    if twice:
        assert done.returncode != 0 and "two stamps fall on one time" in done.stderr
        assert sorted(path.name for path in tmp_path.iterdir()) == ["sonde.nc"]
        return
    assert done.returncode == 0, done.stderr
    with xr.open_dataset(tmp_path / "sonde_fixed.nc") as fixed, xr.open_dataset(tmp_path / "sonde.nc") as given:
        stamps = fixed.indexes["time"]
        np.testing.assert_array_equal(fixed["temp"].values, given["temp"].values)
    assert stamps.equals(released.round("12h")) and stamps.equals(nominal)
    steps = lagged_steps(np.array([cftime.DatetimeGregorian(*stamp.timetuple()[:6]) for stamp in stamps]), [1])
    assert steps.step == TimeStep(duration=datetime.timedelta(hours=12))


@pytest.mark.parametrize(("window", "back_days"), [
    pytest.param((7.0, 14.0), 14, id="lead-at-window-end"),  # CFSv2's week 2: lead 14 days, bounds [7, 14]
    pytest.param((14.0, 21.0), 21, id="lead-at-window-start"),  # the same week dated by its start: bounds [14, 21]
])
def test_a_weekly_forecasts_persistence_is_the_last_week_ending_by_its_start(window, back_days):
    """fix47c: the forecast's start is its time cell's end − the lead window's last bound, not the
    step's stamp − lead (weekly means stamped at their week's start took the week ending three
    weeks before the valid week, not two). Against numpy: the last week whose end ≤ start."""
    from climann.evaluation.baselines import forecast_issue_steps, forecast_start_times

    starts = np.datetime64("2001-01-01", "ns") + np.arange(12) * np.timedelta64(7, "D")  # weekly cells' starts
    ends = starts + np.timedelta64(7, "D")
    issued = forecast_start_times(starts, (14.0, "days"), cell_ends=ends, window=window)
    np.testing.assert_array_equal(issued, ends - np.timedelta64(back_days, "D"))
    expected = np.searchsorted(ends, ends - np.timedelta64(back_days, "D"), side="right") - 1
    found = forecast_issue_steps(starts, (14.0, "days"), cell_ends=ends, window=window)
    np.testing.assert_array_equal(found, expected)
    assert (np.arange(12) - found)[found >= 0].tolist() == [back_days // 7] * int((found >= 0).sum())
    # the stamps alone (the pairing's, the week's start) − 14 days: one week older at the window's end
    old = forecast_issue_steps(starts, (14.0, "days"), cell_ends=ends)
    assert ((np.arange(12) - old)[old >= 0] == 3).all()


@pytest.mark.parametrize("years", [pytest.param((2001,), id="one-run-of-weeks"),
                                   pytest.param((2001, 2002), id="weeks-1-6-of-each-year")])
def test_a_weekly_mean_without_bounds_is_known_at_its_weeks_end_and_said(caplog, years):
    """fix47c: a target whose cell_methods say a time mean, without time bounds, is observed at the
    end of the 7 days beginning at each stamp (as every reading of climann infers them), with one
    line naming that reading and the ncap2 line that bounds the stamps as ends; instants: the stamps.
    Reforecast weeks of each year have no nominal step (the gap between years): their median
    spacing is the week (they were taken as known at their stamps, a week early)."""
    import cftime

    from climann.evaluation.baselines import observed_cell_ends

    name = f"t2m_fix47c_{len(years)}"  # a line is said once per process: a name of its own
    stamps = np.array([cftime.DatetimeGregorian(year, 1, 8) + datetime.timedelta(days=7 * k)
                       for year in years for k in range(6)])
    with caplog.at_level("WARNING", logger="climann"):
        ends = observed_cell_ends(stamps, {"cell_methods": "time: mean"}, name=name,
                                  units="days since 2000-01-01", files=["/no/such/obs.nc"])
    np.testing.assert_array_equal(ends, stamps + datetime.timedelta(days=7))
    said = [r.getMessage() for r in caplog.records if name in r.getMessage()]
    assert len(said) == 1 and "\n" not in said[0]
    assert "time_bnds(:,0)=time-7;" in said[0] and "ncap2" in said[0] and "ending at its stamp" in said[0]
    assert observed_cell_ends(stamps, {"cell_methods": "time: point"}, name=name) is None
    assert observed_cell_ends(stamps, {}, name=name) is None


@pytest.mark.parametrize(("cell", "apart"), [
    pytest.param({"hours": 1}, {"hours": 3}, id="1-hour-cells-3-hours-apart"),
    pytest.param({"hours": 3}, {"hours": 6}, id="3-hour-cells-6-hours-apart"),
    pytest.param({"hours": 6}, {"days": 1}, id="6-hour-cells-1-day-apart"),
    pytest.param({"days": 1}, {"days": 2}, id="1-day-cells-2-days-apart"),
    pytest.param({"days": 5}, {"days": 10}, id="5-day-cells-10-days-apart"),
])
def test_cells_shorter_than_their_spacing_are_told_at_every_step_length(cell, apart):
    """Cells and spacing were compared to half a day: 1-hour cells 3 hours apart and 3-hour cells
    6 hours apart counted as cells of their spacing (persistence scored), 6-hour cells a day
    apart did not (break47c A7). One rule now, a whole cell fitting between two: every such pair
    is told, and cells of their own spacing, or short of it as ``cdo daymean`` bounds hourly data
    (23 hours of a day; here 1 − 1/24 of the spacing), are not."""
    import datetime

    import cftime

    from climann.evaluation.baselines import persistence_gap

    cell, apart = datetime.timedelta(**cell), datetime.timedelta(**apart)
    starts = np.array([cftime.DatetimeNoLeap(2001, 1, 1) + apart * k for k in range(8)])
    short = np.stack([starts, starts + cell], axis=1)
    assert persistence_gap(starts + cell / 2, short) is not None
    whole = np.stack([starts, starts + apart], axis=1)
    assert persistence_gap(starts + apart / 2, whole) is None
    nearly = np.stack([starts, starts + apart * 23 / 24], axis=1)
    assert persistence_gap(starts + apart / 2, nearly) is None


def test_a_strided_series_has_a_gap_only_where_the_file_itself_has_one():
    """Under --time-stride n the series' step is n steps of the file: monthly means kept one in
    two, bounded by their months, have persistence (the mean 2 months earlier); January means
    of many years (1-month cells 12 months apart in the file, or chosen by --months 1) kept one
    in two have none, the reason naming the stride."""
    from climann.data.time_axis import TimeStep, TimeStride
    from climann.evaluation.baselines import persistence_gap

    monthly = _kept_months(1, 2, 6)
    assert persistence_gap(*monthly, stride=TimeStride(TimeStep(months=1), 2)) is None
    januaries = _kept_months(1, 24, 6)
    assert persistence_gap(*januaries, stride=TimeStride(TimeStep(months=12), 2)) == (
        "its values are 1 month cells (time bounds), of which the run kept one step in 2 (--time-stride 2), "
        "24 months apart: the value 2 months earlier (2 cells of 1 month before each), which persistence forecasts "
        "with, is not in the data")
    # --months 1 --time-stride 2 of monthly means without bounds: the cells are the months before the selection
    assert persistence_gap(januaries[0], None, stride=TimeStride(TimeStep(months=1), 2)) == (
        "its values are 1 month cells (a subset of the steps, without time bounds), of which the run kept one step "
        "in 2 (--time-stride 2), 24 months apart: the value 2 months earlier (2 cells of 1 month before each), which "
        "persistence forecasts with, is not in the data")


def test_a_strided_forecast_of_cells_apart_says_the_spacing_kept_once():
    """break51d A5: JRA-3Q's 3-hour mean forecasts, 6 hours apart in the file, kept one in 2: the reason said
    "3 hours cells 12 hours apart …, of which the run kept one step in 2", and called the value 6 hours earlier
    "one step of the series kept" (12 hours)."""
    import cftime

    from climann.data.time_axis import TimeStep, TimeStride
    from climann.evaluation.baselines import persistence_gap

    ends = np.array([cftime.DatetimeGregorian(2020, 1, 1, 6) + datetime.timedelta(hours=12 * k) for k in range(8)])
    bounds = np.stack([ends - datetime.timedelta(hours=3), ends], axis=1)
    assert persistence_gap(ends, bounds, stride=TimeStride(TimeStep(duration=datetime.timedelta(hours=6)), 2)) == (
        "its values are 3 hours cells (time bounds), of which the run kept one step in 2 (--time-stride 2), 12 hours "
        "apart: the value 6 hours earlier (2 cells of 3 hours before each), which persistence forecasts with, is not "
        "in the data")


@pytest.mark.parametrize(("cell_minutes", "hours_apart", "per", "slots"), [
    pytest.param(2.5, 24, "day of year", 1, id="2.5-minute-cells-a-day-apart"),
    pytest.param(60, 24, "day of year", 1, id="hour-cells-a-day-apart"),
    pytest.param(60, 36, "day of year and hour", 2, id="hour-cells-36-hours-apart-at-two-times-of-day"),
])
def test_sub_daily_cells_further_apart_are_keyed_by_the_times_of_day_held_not_the_cells_length(
        cell_minutes, hours_apart, per, slots):
    """break48d A2: 2.5-minute cells a day apart were keyed per day of year and 2.5-minute slot (210 816 keys, 575
    "days" of reach to search): evaluation 20 min and 4.6 GB against 20 s for hour cells. The keys are as many as the
    times of day held, and each key's raw climatology (window 1) is numpy's mean of the values at that day of year
    and time of day."""
    import cftime

    from climann.evaluation.baselines import climatology_from_sums, climatology_keys

    times = np.array([cftime.DatetimeProlepticGregorian(2001, 1, 1, 12) + datetime.timedelta(hours=hours_apart * i)
                      for i in range(3 * 365 * 24 // hours_apart)])
    keys = climatology_keys(times, value_step=TimeStep(duration=datetime.timedelta(minutes=cell_minutes)))
    assert (keys.per, keys.count, keys.reach_days) == (per, 366 * slots, -(-hours_apart // 24) - 1)  # reach: days
    values = np.random.default_rng(2).normal(size=(times.size, 1, 2))
    key = keys.of(times)
    sums, counts = np.zeros((keys.count, 1, 2)), np.zeros((keys.count, 1, 2))
    np.add.at(sums, key - 1, values)
    np.add.at(counts, key - 1, 1)
    climatology = climatology_from_sums(sums, counts, keys, calendar="proleptic_gregorian", window_days=1)
    day_and_hour = [(time.dayofyr, time.hour) for time in times]
    assert len(set(day_and_hour)) == len(set(key.tolist()))  # one key for each day of year and time of day held
    for held in sorted(set(day_and_hour))[::50]:
        at = np.array([pair == held for pair in day_and_hour])
        np.testing.assert_allclose(climatology[key[at][0] - 1], values[at].mean(0), rtol=1e-12)


@pytest.mark.parametrize(("months", "last"), [pytest.param((6, 7, 8), (8, 31), id="JJA-31-August"),
                                              pytest.param((12, 1, 2), (2, 28), id="DJF-29-February"),
                                              pytest.param((12, 1, 2, 3), (3, 31), id="DJFM-31-March")])
def test_a_season_s_last_day_in_a_leap_test_year_has_the_climatology_of_its_date(months, last):
    """break50c A4: training years without a leap year hold 31 August on day 243 only; a leap test year's 31 August
    is day 244 (xarray's dayofyear, WeatherBench 2's key), one past the season chosen (CPC --seasons JJA, 2020; SNODAS
    --months 12,1,2,3, 31 March 2020), and had no climatology: its values were left out of the skill and ACC. It now
    takes day 243's, the climatology of 31 August of the other years; a leap year's 29 February (day 60, after a DJF
    of days 1–59 and 335–365) takes 28 February's. The whole climatology is NumPy's: WeatherBench 2's triangular
    61-day window over the days of the year held, narrowed symmetrically to the distance to the nearest day not held
    (1 − |k|/r, |k| < r, r = min(30, that distance)), so that at the season's last day it is that day's own mean."""
    import cftime

    from climann.evaluation.baselines import climatology_keys, seasonal_climatology

    times = np.array([cftime.DatetimeGregorian(2017, 1, 1) + datetime.timedelta(days=d) for d in range(4 * 365 + 1)])
    times = times[np.isin([time.month for time in times], months)]  # the run's selection of months
    years, day = np.array([time.year for time in times]), np.array([time.dayofyr for time in times])
    train = years < 2020  # 2017–2019: no leap year
    truth = 280 + 10 * np.sin(day / 58.0)[:, None, None] + np.random.default_rng(50).normal(0, 2, (times.size, 2, 2))
    climatology = seasonal_climatology(truth, times, train, window_days=61)
    sums = np.zeros((365, 2, 2))
    counts = np.zeros(365)
    np.add.at(sums, day[train] - 1, truth[train])
    np.add.at(counts, day[train] - 1, 1)
    held = counts > 0
    for d in np.flatnonzero(held):  # numpy: the narrowed triangular window, cyclic over 365 days
        distance = min(k for k in range(1, 366) if not held[(d + k) % 365] or not held[(d - k) % 365])
        reach = min(30, distance)
        k = np.arange(1 - reach, reach)
        weights = 1 - np.abs(k) / reach
        by_hand = np.tensordot(weights, sums[(d + k) % 365], axes=1) / (weights @ counts[(d + k) % 365])
        np.testing.assert_allclose(climatology[d], by_hand, rtol=1e-12)
    leap_day = next(time for time in times if time.year == 2020 and (time.month, time.day) == last)
    if last == (2, 28):
        leap_day = cftime.DatetimeGregorian(2020, 2, 29)
    key = climatology_keys(times).of(np.array([leap_day]))[0]
    same_date = [time for time in times[train] if (time.month, time.day) == last]
    assert key == 60 if last == (2, 28) else key == same_date[0].dayofyr + 1  # one past the training years' day
    own_mean = truth[np.isin(times, same_date)].mean(axis=0)  # the window narrowed to its own day at the season's end
    np.testing.assert_allclose(climatology[key - 1], own_mean, rtol=1e-12)


@pytest.mark.skipif(shutil.which("ncap2") is None, reason="NCO's ncap2 is not installed")
@pytest.mark.parametrize(("units", "script"), [
    pytest.param("seconds since 2010-01-01", "time=floor(time/86400)*86400+43200", id="seconds"),
    pytest.param("hours since 2010-01-01 00:00:00", "time=floor(time/24)*24+12", id="hours"),
])
def test_the_stamps_on_noon_ncap2_line_is_in_the_files_own_units_and_loops_over_every_file(tmp_path, caplog,
                                                                                             monkeypatch, units, script):
    """break51d A4: HARP's datetime_start in seconds since 2010-01-01 (overpasses 11:40-13:20 UTC) was given
    `ncap2 -s 'time=floor(time)+0.5'`, the line for days, which left the stamps irregular; and for 730 daily
    files "likewise for each of the 730 files". The line is in the file's units, a loop over every file; run
    as printed, each stamp is at 12:00 of its own day (NumPy's floor of the original to the day, + 12 h)."""
    import re
    import subprocess

    import cftime
    import xarray as xr

    from climann.data.notes import forget_notes
    from climann.data.time_commands import TimeSource
    from climann.evaluation.baselines import climatology_keys

    monkeypatch.chdir(tmp_path)
    forget_notes()
    rng = np.random.default_rng(51)
    start = np.datetime64("2019-01-01T11:40")
    stamps = start + (np.arange(12) * 86400 + rng.integers(0, 100 * 60, 12)).astype("timedelta64[s]")
    folder = tmp_path / "days"
    folder.mkdir()
    for day, stamp in enumerate(stamps):
        dataset = xr.Dataset({"no2": (("time", "lat"), [[float(day), 1.0]], {"units": "mol m-2"})},
                             coords={"time": [stamp], "lat": ("lat", [0.0, 1.0], {"units": "degrees_north"})})
        dataset["time"].encoding.update(units=units, dtype="f8")
        dataset.to_netcdf(folder / f"S5P_{day:02d}.nc")
    files = tuple(str(path) for path in sorted(folder.glob("*.nc")))
    times = np.array([cftime.DatetimeGregorian(*stamp.astype(datetime.datetime).timetuple()[:6]) for stamp in stamps])
    with caplog.at_level("WARNING"):
        climatology_keys(times, source=TimeSource(files, "time"))
    (said,) = [record.getMessage() for record in caplog.records if "no regular step" in record.getMessage()]
    assert "likewise for each" not in said and "floor(time)+0.5" not in said
    (line,) = [part for part in said.split("`") if without_guards(part).startswith("mkdir -p ") and "ncap2" in part]
    assert f"ncap2 -s '{script}'" in line and "for f in " in line
    subprocess.run(["bash", "-c", line], check=True, capture_output=True, cwd=tmp_path)
    copies = tmp_path / re.search(r"mkdir -p (\S+) ", line).group(1)
    got = [xr.open_dataset(copies / Path(file).name)["time"].values[0] for file in files]
    expected = stamps.astype("datetime64[D]") + np.timedelta64(12, "h")
    np.testing.assert_array_equal(np.array(got, dtype="datetime64[s]"), expected.astype("datetime64[s]"))
    forget_notes()
