import cftime
import numpy as np
import pytest

from climann.evaluation.baselines import climatology_prediction, is_regular, persistence_prediction
from climann.evaluation.scores import area_mean_series, cell_scores, score_blocks


def monthly(n_years, calendar="noleap"):
    return np.array([cftime.datetime(2000 + y, m, 15, calendar=calendar) for y in range(n_years) for m in range(1, 13)])


def test_climatology_is_the_training_mean_of_each_calendar_month():
    rng = np.random.default_rng(0)
    truth = rng.normal(size=(36, 2, 3))
    train = np.arange(36) < 24
    predicted = climatology_prediction(truth, monthly(3), train)
    np.testing.assert_allclose(predicted[30], (truth[6] + truth[18]) / 2)  # July of year 3 ← Julys 1 and 2
    np.testing.assert_allclose(predicted[6], predicted[30])


def test_climatology_uses_day_of_year_for_daily_data():
    times = np.array([cftime.datetime(2000, 1, 1, calendar="360_day") + np.timedelta64(d, "D").item() for d in range(720)])
    truth = np.arange(720, dtype=float).reshape(720, 1, 1)
    predicted = climatology_prediction(truth, times, np.arange(720) < 360)
    assert predicted[365, 0, 0] == pytest.approx(5.0)  # day 6 of year 2 ← day 6 of year 1


def test_persistence_and_regularity():
    truth = np.arange(24, dtype=float).reshape(24, 1, 1)
    predicted = persistence_prediction(truth)
    assert np.isnan(predicted[0]).all() and predicted[5, 0, 0] == 4.0
    assert is_regular(monthly(2))
    assert not is_regular(np.concatenate([monthly(1)[[0, 1, 11]], monthly(2)[[12, 13]]]))  # DJF-like gaps


def test_a_baseline_that_must_be_beaten_by_construction():
    rng = np.random.default_rng(1)
    truth = rng.normal(size=(48, 3, 4))
    area = np.repeat(np.cos(np.deg2rad([-60.0, 0.0, 60.0]))[:, None], 4, axis=1)
    masks = {"train": np.arange(48) < 24, "test": np.arange(48) >= 24}
    predictions = {
        "model": truth + 0.1 * rng.normal(size=truth.shape),  # nearly perfect
        "climatology": climatology_prediction(truth, monthly(4), masks["train"]),
    }
    scores = score_blocks(predictions, truth, area, masks)
    assert scores["test"]["model"]["mse"] < scores["test"]["climatology"]["mse"]
    assert scores["test"]["climatology"]["skill_vs_climatology"] == 0.0
    assert scores["test"]["model"]["skill_vs_climatology"] == pytest.approx(
        1 - scores["test"]["model"]["mse"] / scores["test"]["climatology"]["mse"]
    )
    # area weighting: the equator row counts twice as much as each ±60° row
    error = (predictions["model"] - truth)[24:] ** 2
    hand = (error * area).sum() / (area.sum() * 24)
    assert scores["test"]["model"]["mse"] == pytest.approx(hand)


def test_every_model_is_scored_on_the_same_cells():
    truth = np.ones((4, 1, 2))
    model = np.full((4, 1, 2), 2.0)
    model[0, 0, 0] = np.nan  # no network prediction there: nobody is scored there
    other = np.full((4, 1, 2), 3.0)
    scores = score_blocks({"model": model, "other": other}, truth, np.ones((1, 2)), {"all": np.ones(4, bool)})
    assert scores["all"]["other"]["mse"] == pytest.approx(4.0)


def test_cell_maps_and_series():
    truth = np.zeros((3, 1, 2))
    predicted = np.array([[[1.0, -1.0]], [[1.0, np.nan]], [[1.0, 3.0]]])
    maps = cell_scores(predicted, truth)
    np.testing.assert_allclose(maps["bias"], [[1.0, 1.0]])
    np.testing.assert_allclose(maps["rmse"], [[1.0, np.sqrt(5.0)]])
    np.testing.assert_allclose(area_mean_series(predicted, np.array([[1.0, 3.0]])), [-0.5, 1.0, 2.5])
