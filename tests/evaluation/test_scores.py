import cftime
import numpy as np
import pytest

from climann.evaluation.baselines import climatology_prediction, is_regular, persistence_prediction
from climann.evaluation.scores import (
    ACC_UNDEFINED_REASONS,
    area_mean_series,
    baseline_notes,
    block_counts,
    cell_anomaly_correlation,
    cell_scores,
    compared_area_means,
    left_out_notes,
    note_lines,
    score_blocks,
    score_note_lines,
    scored_blocks_metrics,
)
from climann.jsonfile import finite_or_none


def monthly(n_years, calendar="noleap"):
    return np.array([cftime.datetime(2000 + y, m, 15, calendar=calendar) for y in range(n_years) for m in range(1, 13)])


def test_climatology_is_the_training_mean_of_each_calendar_month():
    rng = np.random.default_rng(0)
    truth = rng.normal(size=(36, 2, 3))
    train = np.arange(36) < 24
    predicted = climatology_prediction(truth, monthly(3), train, window_days=61)  # months: not smoothed
    np.testing.assert_allclose(predicted[30], (truth[6] + truth[18]) / 2)  # July of year 3 ← Julys 1 and 2
    np.testing.assert_allclose(predicted[6], predicted[30])


def test_climatology_uses_day_of_year_for_daily_data():
    times = np.array([cftime.datetime(2000, 1, 1, calendar="360_day") + np.timedelta64(d, "D").item() for d in range(720)])
    truth = np.arange(720, dtype=float).reshape(720, 1, 1)
    predicted = climatology_prediction(truth, times, np.arange(720) < 360, window_days=1)
    assert predicted[365, 0, 0] == pytest.approx(5.0)  # day 6 of year 2 ← day 6 of year 1


def test_persistence_and_regularity():
    truth = np.arange(24, dtype=float).reshape(24, 1, 1)
    predicted = persistence_prediction(truth)
    assert np.isnan(predicted[0]).all() and predicted[5, 0, 0] == 4.0
    assert is_regular(monthly(2))
    djf_like = np.concatenate([monthly(1)[[0, 1, 11]], monthly(2)[[12, 13]]])
    assert is_regular(djf_like)  # monthly with gaps: persistence by date, missing after each gap
    by_date = persistence_prediction(truth[:5], djf_like)
    assert np.isnan(by_date[[0, 2], 0, 0]).all() and by_date[1, 0, 0] == 0.0 and by_date[3, 0, 0] == 2.0
    scattered = [cftime.datetime(2000, 1, 1, h, calendar="noleap") for h in (0, 12)] + [
        cftime.datetime(2000, 1, 2, 6, calendar="noleap")]  # 12 then 18 hours apart
    assert not is_regular(scattered)  # no nominal step


def test_a_baseline_that_must_be_beaten_by_construction():
    rng = np.random.default_rng(1)
    truth = rng.normal(size=(48, 3, 4))
    area = np.repeat(np.cos(np.deg2rad([-60.0, 0.0, 60.0]))[:, None], 4, axis=1)
    masks = {"train": np.arange(48) < 24, "test": np.arange(48) >= 24}
    predictions = {
        "model": truth + 0.1 * rng.normal(size=truth.shape),  # nearly perfect
        "climatology": climatology_prediction(truth, monthly(4), masks["train"], window_days=61),
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


def test_a_baseline_missing_at_some_cells_is_compared_with_the_truth_on_the_cells_both_have():
    """area_mean_series.png: persistence of the month the ice melts has no value at the newly
    open (cold) cells; averaging the truth over them too drew +0.95 K for an error of −0.006 K."""
    rng = np.random.default_rng(3)
    truth = 10.0 + rng.normal(size=(4, 3, 4))
    truth[0, 0, :] = np.nan  # ice on the first row at the first step, open (and cold) after it
    truth[1:, 0, :] = -1.8
    model = truth + 0.1
    model[2, 2, 3] = np.nan  # a sample the network lacks: no cell enters a mean it is not in
    persistence = np.concatenate([np.full((1, 3, 4), np.nan), truth[:-1]])
    climatology = truth + 0.5
    climatology[:, 1, 1] = np.nan  # a cell the training years never saw
    area = np.array([[0.5], [1.0], [0.5]]) * np.ones((3, 4))
    series = compared_area_means(truth, {"model": model, "persistence": persistence, "climatology": climatology}, area)
    for step in range(4):
        common = np.isfinite(truth[step]) & np.isfinite(model[step])
        weights = np.where(common, area, 0.0)
        hand_truth = np.sum(np.where(common, truth[step], 0.0) * weights) / weights.sum()
        assert series["truth"][step] == pytest.approx(hand_truth, rel=1e-12)
        assert series["model"][step] == pytest.approx(np.sum(np.where(common, model[step], 0.0) * weights)
                                                      / weights.sum(), rel=1e-12)
        for name, grid in (("persistence", persistence), ("climatology", climatology)):
            both = common & np.isfinite(grid[step])
            if not both.any():
                assert np.isnan(series[name][step])
                continue
            error = np.sum(np.where(both, grid[step] - truth[step], 0.0) * area) / np.sum(np.where(both, area, 0.0))
            assert series[name][step] - series["truth"][step] == pytest.approx(error, rel=1e-9, abs=1e-12)
    # the climatology's error is +0.5 at every cell it has; persistence's at step 1 is that of the rows it has
    np.testing.assert_allclose(series["climatology"] - series["truth"], 0.5, rtol=1e-12)
    assert np.isnan(series["persistence"][0])


def daily(n_days):
    return np.array([cftime.datetime(2001, 1, 1, calendar="noleap") + np.timedelta64(d, "D").item()
                     for d in range(n_days)])


def test_a_baseline_undefined_on_a_whole_block_is_left_out_and_the_network_is_still_scored():
    rng = np.random.default_rng(2)
    truth = rng.normal(size=(200, 2, 3))
    masks = {"train": np.arange(200) < 120, "test": np.arange(200) >= 150}
    predictions = {"model": truth + 0.3, "climatology": climatology_prediction(truth, daily(200), masks["train"], window_days=61)}
    assert np.isnan(predictions["climatology"][150:]).all()  # days of year the training never saw
    scores = score_blocks(predictions, truth, np.ones((2, 3)), masks)
    assert list(scores["test"]) == ["model"]
    test = scores["test"]["model"]
    assert test["mse"] == pytest.approx(0.09) and test["n_samples"] == 50 * 6
    assert np.isnan(test["skill_vs_climatology"])  # undefined, written as null
    assert scores["train"]["climatology"]["n_samples"] == 120 * 6


def test_persistence_on_a_gappy_axis_is_scored_only_where_it_is_defined():
    rng = np.random.default_rng(3)
    truth = rng.normal(size=(12, 2, 2))
    truth[4, 1, 0] = np.nan
    persistence = persistence_prediction(truth)
    persistence[[3, 7]] = np.nan  # the previous step is missing after a gap
    model = truth + rng.normal(size=truth.shape)
    masks = {"all": np.ones(12, bool)}
    scores = score_blocks({"model": model, "persistence": persistence}, truth, np.ones((2, 2)), masks)
    pairs = np.isfinite(truth) & np.isfinite(persistence)
    assert scores["all"]["persistence"]["n_samples"] == pairs.sum() == 12 * 4 - 1 - 4 * 3 - 1
    hand = np.mean((persistence[pairs] - truth[pairs]) ** 2)
    assert scores["all"]["persistence"]["mse"] == pytest.approx(hand)
    assert scores["all"]["model"]["n_samples"] == np.isfinite(truth).sum()  # not cut by the baseline
    counts = block_counts({"model": model, "persistence": persistence}, truth, masks)
    notes = baseline_notes(counts, {"persistence": "a gap"})
    # step 0 has no previous step by definition: only the gaps and the missing value count
    assert notes == [{"split": "all", "model": "persistence", "n_samples": int(pairs.sum()),
                      "of": int(np.isfinite(truth).sum()), "reason": "a gap"}]
    assert note_lines(notes) == [f"persistence scored on {pairs.sum()} of the network's {np.isfinite(truth).sum()} "
                                 "values in the all block: a gap"]


def test_persistence_notes_name_the_selection_only_in_the_blocks_where_it_left_out_a_month_before():
    """verify23 F6: a --seasons DJF run's persistence notes listed every cause but the months
    the selection left out; the blocks ``months_left_out`` names say it, the others do not."""
    from climann.evaluation.scores import metrics_from_score_sums, whole_grid_sums

    truth = np.arange(12.0).reshape(6, 1, 2)
    persistence = truth - 1
    persistence[[0, 1, 3]] = np.nan  # no step before among those read (the first of the series is no gap)
    masks = {"train": np.arange(6) < 3, "val": np.arange(6) >= 3}
    total, names = whole_grid_sums({"model": truth + 1, "persistence": persistence}, truth, np.ones((1, 2)), masks)
    metrics = metrics_from_score_sums(total, list(masks), names, season="calendar month", months_left_out=("val",))
    reasons = {note["split"]: note["reason"] for note in metrics["notes"] if note["model"] == "persistence"}
    assert "(--months/--seasons)" not in reasons["train"] and reasons["train"].startswith(
        "there is no value one time step earlier among the values read (the first step")
    assert reasons["val"].startswith("there is no value one time step earlier among the values read (a month the "
                                     "time selection (--months/--seasons) leaves out, the first step")


def test_skill_compares_with_climatology_on_the_values_where_both_are_scored():
    rng = np.random.default_rng(4)
    truth = rng.normal(size=(6, 1, 4))
    climatology = truth + rng.normal(size=truth.shape)
    climatology[:3] = np.nan
    model = truth + 0.5 * rng.normal(size=truth.shape)
    scores = score_blocks({"model": model, "climatology": climatology}, truth, np.ones((1, 4)), {"all": np.ones(6, bool)})
    both = slice(3, 6)
    expected = 1 - np.mean((model[both] - truth[both]) ** 2) / np.mean((climatology[both] - truth[both]) ** 2)
    assert scores["all"]["model"]["skill_vs_climatology"] == pytest.approx(expected)
    assert scores["all"]["model"]["mse"] == pytest.approx(np.mean((model - truth) ** 2))  # over all its values


def test_notes_of_a_baseline_left_out_of_several_blocks_read_as_one_line():
    notes = left_out_notes("persistence", {"train": 10, "val": 4, "test": 4}, "irregular axis")
    assert [note["of"] for note in notes] == [10, 4, 4] and all(note["n_samples"] == 0 for note in notes)
    assert note_lines(notes) == ["persistence left out of the train, val and test blocks: irregular axis"]


def wilks_block_acc(predicted, truth, climatology, area, steps):
    """Mean over the steps of Wilks' centred, area-weighted ACC, written out in NumPy."""
    values = []
    for t in np.flatnonzero(steps):
        keep = np.isfinite(predicted[t]) & np.isfinite(truth[t]) & np.isfinite(climatology[t])
        f, a, w = (predicted[t] - climatology[t])[keep], (truth[t] - climatology[t])[keep], area[keep]
        f, a = f - np.sum(w * f) / np.sum(w), a - np.sum(w * a) / np.sum(w)
        values.append(np.sum(w * f * a) / np.sqrt(np.sum(w * a * a) * np.sum(w * f * f)))
    return np.mean(values), len(values)


@pytest.fixture
def seasonal_case():
    """Four years of a seasonal cycle with anomalies on a 3×4 grid, a network that sees part
    of the anomaly, the climatology of the first two years."""
    rng = np.random.default_rng(7)
    months = np.arange(48) % 12
    cycle = 10 * np.cos(2 * np.pi * months / 12)[:, None, None] + np.array([-20.0, 0.0, -20.0])[None, :, None]
    truth = 280 + cycle + rng.normal(size=(48, 3, 4))
    truth[30, 2, 1] = np.nan
    masks = {"train": np.arange(48) < 24, "test": np.arange(48) >= 24}
    model = truth + 0.7 * rng.normal(size=truth.shape)
    model[40, 0, 0] = np.nan
    climatology = climatology_prediction(truth, monthly(4), masks["train"], window_days=61)
    area = np.repeat(np.cos(np.deg2rad([-60.0, 0.0, 60.0]))[:, None], 4, axis=1)
    return truth, model, climatology, area, masks


def test_block_acc_equals_the_mean_of_wilks_acc_over_the_blocks_steps(seasonal_case):
    truth, model, climatology, area, masks = seasonal_case
    scores = score_blocks({"model": model, "climatology": climatology}, truth, area, masks)
    for block, steps in masks.items():
        expected, n_steps = wilks_block_acc(model, truth, climatology, area, steps)
        assert scores[block]["model"]["acc"] == pytest.approx(expected, rel=1e-10)
        assert scores[block]["model"]["acc_n_steps"] == n_steps == 24
        assert np.isnan(scores[block]["climatology"]["acc"]) and scores[block]["climatology"]["acc_n_steps"] == 0
    # far below the raw correlation, which the seasonal cycle and the latitude gradient inflate
    assert scores["test"]["model"]["acc"] < scores["test"]["model"]["corr"] - 0.05


def test_acc_takes_the_climatology_given_when_the_baseline_is_not_scored(seasonal_case):
    truth, model, climatology, area, masks = seasonal_case
    with_baseline = score_blocks({"model": model, "climatology": climatology}, truth, area, masks)
    given = score_blocks({"model": model}, truth, area, masks, climatology=climatology)
    assert given["test"]["model"]["acc"] == with_baseline["test"]["model"]["acc"]
    without = score_blocks({"model": model}, truth, area, masks)
    assert np.isnan(without["test"]["model"]["acc"]) and without["test"]["model"]["acc_n_steps"] == 0


def test_acc_is_restricted_to_the_values_a_baseline_is_scored_on(seasonal_case):
    truth, model, climatology, area, masks = seasonal_case
    persistence = persistence_prediction(truth)
    scores = score_blocks({"model": model, "persistence": persistence}, truth, area, masks, climatology=climatology)
    scored = np.where(np.isfinite(model), persistence, np.nan)  # the network's values, where persistence has one
    expected, _ = wilks_block_acc(scored, truth, climatology, area, masks["test"])
    assert scores["test"]["persistence"]["acc"] == pytest.approx(expected, rel=1e-10)


def test_undefined_acc_is_null_in_metrics_with_its_reason(seasonal_case):
    truth, model, climatology, area, masks = seasonal_case
    scored = scored_blocks_metrics({"model": model, "climatology": climatology}, truth, area, masks,
                                   season="calendar month")
    assert {(note["split"], note["model"], note["score"]) for note in scored["score_notes"]} == {
        (block, "climatology", score) for block in ("train", "test") for score in ("acc", "acc_uncentred")}
    assert score_note_lines(scored["score_notes"]) == [
        f"ACC and uncentred ACC of climatology undefined in the train and test blocks: "
        f"{ACC_UNDEFINED_REASONS['climatology']}"]
    assert finite_or_none(scored)["splits"]["test"]["climatology"]["acc"] is None
    assert finite_or_none(scored)["splits"]["test"]["climatology"]["acc_uncentred"] is None
    other = scored_blocks_metrics({"model": model}, truth, area, {"all": np.ones(48, bool)}, season="calendar month")
    assert other["score_notes"] == [{"split": "all", "model": "model", "score": score,
                                     "reason": ACC_UNDEFINED_REASONS["no climatology"]}
                                    for score in ("acc", "acc_uncentred")]


def test_a_station_has_neither_acc_and_says_why():
    """At one cell (a station) each step's uncentred ACC is f·a/|f·a|, and the block's its mean
    sign: it was reported as "unc. ACC 0.32" (break31a A5), the fraction of right signs less
    the wrong ones. Like the centred ACC it is null there, with the reason in score_notes."""
    rng = np.random.default_rng(31)
    times = monthly(4)
    truth = (285 + 8 * np.sin(2 * np.pi * np.arange(48) / 12))[:, None, None] + rng.normal(0, 1, (48, 1, 1))
    climatology = climatology_prediction(truth, times, np.arange(48) < 36, window_days=61)
    model = climatology + 0.5 * (truth - climatology) + rng.normal(0, 1, truth.shape)
    masks = {"train": np.arange(48) < 36, "test": np.arange(48) >= 36}
    scored = scored_blocks_metrics({"model": model, "climatology": climatology}, truth, np.ones((1, 1)), masks,
                                   season="calendar month")
    signs = np.sign((model - climatology) * (truth - climatology))[masks["test"], 0, 0]
    assert 0 < abs(signs.mean()) < 1  # the number it was: a sign count, neither 0 nor ±1
    test = finite_or_none(scored)["splits"]["test"]["model"]
    assert test["acc_uncentred"] is None and test["acc_uncentred_n_steps"] == 0
    assert test["acc"] is None and test["acc_n_steps"] == 0
    assert {"split": "test", "model": "model", "score": "acc_uncentred",
            "reason": ACC_UNDEFINED_REASONS["few cells"]} in scored["score_notes"]


def wilks_uncentred_block_acc(predicted, truth, climatology, area, steps):
    """Mean over the steps of WeatherBench 2's uncentred ACC, mean(w f a)/√(mean(w f²) mean(w a²))."""
    values = []
    for t in np.flatnonzero(steps):
        keep = np.isfinite(predicted[t]) & np.isfinite(truth[t]) & np.isfinite(climatology[t])
        f, a, w = (predicted[t] - climatology[t])[keep], (truth[t] - climatology[t])[keep], area[keep]
        values.append(np.sum(w * f * a) / np.sqrt(np.sum(w * a * a) * np.sum(w * f * f)))
    return np.mean(values), len(values)


def test_block_uncentred_acc_equals_the_mean_of_each_steps_by_hand_and_counts_a_shift(seasonal_case):
    """A network right about the pattern that misses a warming of the whole field by 2: its
    centred ACC is that of the unshifted truth, its uncentred ACC much lower."""
    truth, model, climatology, area, masks = seasonal_case
    scores = score_blocks({"model": model, "climatology": climatology}, truth, area, masks)
    warmer = np.where(masks["test"][:, None, None], truth + 2.0, truth)
    shifted = score_blocks({"model": model, "climatology": climatology}, warmer, area, masks)
    for block, steps in masks.items():
        expected, n_steps = wilks_uncentred_block_acc(model, truth, climatology, area, steps)
        assert scores[block]["model"]["acc_uncentred"] == pytest.approx(expected, rel=1e-10)
        assert scores[block]["model"]["acc_uncentred_n_steps"] == n_steps == 24
    expected, _ = wilks_uncentred_block_acc(model, warmer, climatology, area, masks["test"])
    assert shifted["test"]["model"]["acc_uncentred"] == pytest.approx(expected, rel=1e-10)
    assert shifted["test"]["model"]["acc"] == pytest.approx(scores["test"]["model"]["acc"], rel=1e-9)
    assert shifted["test"]["model"]["acc_uncentred"] < scores["test"]["model"]["acc_uncentred"] - 0.3


def test_regions_of_one_and_two_cells_have_a_reason_for_their_null_accs(seasonal_case):
    """The 3×4 grid's 12 cells and regions of 2 and 1 cells, through the sums of one chunk and
    of three: over 2 cells every step's centred ACC would be ±1, over 1 cell every step's
    uncentred ACC the sign of f·a (both shown with the kernels' minimum lowered), so both are
    null, with their reason (break31a A5: the uncentred one was given, the mean sign)."""
    from climann.evaluation.metrics import anomaly_correlation_from_sums, uncentred_anomaly_correlation_from_sums
    from climann.evaluation.scores import acc_notes, whole_grid_sums
    from climann.evaluation.sums import group_metrics_from_sums, step_anomaly_sums

    truth, model, climatology, area, masks = seasonal_case
    regions = np.zeros((2, 3, 4), bool)
    regions[0, 1, 1:3], regions[1, 1, 1] = True, True
    predictions = {"model": model, "climatology": climatology}
    total, names = whole_grid_sums(predictions, truth, area, masks, region_cells=regions)
    grouped = group_metrics_from_sums(total, list(masks), names, ["two", "one"])["regions"]
    for region in ("two", "one"):
        scores = grouped["test"][region]["model"]
        assert np.isnan(scores["acc"]) and scores["acc_n_steps"] == 0
        assert np.isnan(scores["acc_uncentred"]) and scores["acc_uncentred_n_steps"] == 0
    two = np.where(regions[0], truth, np.nan)[masks["test"]]
    sums = step_anomaly_sums(model[masks["test"]], two, climatology[masks["test"]], area, np.isfinite(two))
    assert set(np.abs(anomaly_correlation_from_sums(sums, min_cells=2)).round(12)) == {1.0}
    one = np.where(regions[1], truth, np.nan)[masks["test"]]
    sums = step_anomaly_sums(model[masks["test"]], one, climatology[masks["test"]], area, np.isfinite(one))
    signs = np.sign((model[masks["test"]] - climatology[masks["test"]])[:, 1, 1] * (one - climatology[masks["test"]])[:, 1, 1])
    np.testing.assert_allclose(uncentred_anomaly_correlation_from_sums(sums, min_cells=1), signs, rtol=1e-12)
    notes = acc_notes(total, list(masks), names, region_names=["two", "one"])
    assert [note for note in notes if "region" in note] == [
        {"split": block, "region": region, "model": "model", "score": score,
         "reason": ACC_UNDEFINED_REASONS["few cells"]}
        for region in ("two", "one") for block in ("train", "test") for score in ("acc", "acc_uncentred")]
    assert score_note_lines([note for note in notes if "region" in note]) == [
        f"ACC and uncentred ACC of model in regions two and one undefined in the train and test blocks: "
        f"{ACC_UNDEFINED_REASONS['few cells']}"]
    assert score_note_lines([note for note in notes if note.get("region") == "one"][:1]) == [
        f"ACC of model in region one undefined in the train block: {ACC_UNDEFINED_REASONS['few cells']}"]


def test_a_null_acc_of_a_season_without_values_has_its_own_note_and_the_climatologys_is_said_once(seasonal_case):
    from climann.evaluation.scores import acc_notes, whole_grid_sums

    truth, model, climatology, area, masks = seasonal_case
    seasons = np.where(np.arange(48) % 12 < 6, 0, 2)  # DJF and JJA only: MAM and SON have no step
    total, names = whole_grid_sums({"model": model, "climatology": climatology}, truth, area, masks,
                                   season_of_step=seasons)
    notes = acc_notes(total, list(masks), names)
    assert {(note.get("season"), note["model"]) for note in notes} == {
        (None, "climatology"), ("MAM", "model"), ("SON", "model")}
    assert {note["reason"] for note in notes if "season" in note} == {ACC_UNDEFINED_REASONS["nothing scored"]}


def test_map_of_the_anomaly_correlation_over_time(seasonal_case):
    truth, model, climatology, _, masks = seasonal_case
    test = masks["test"]
    result = cell_anomaly_correlation(model[test], truth[test], climatology[test])
    for i, j in [(0, 0), (1, 2), (2, 1)]:
        keep = np.isfinite(model[test, i, j]) & np.isfinite(truth[test, i, j])
        expected = np.corrcoef((model - climatology)[test][keep, i, j], (truth - climatology)[test][keep, i, j])[0, 1]
        assert result[i, j] == pytest.approx(expected)


def test_block_anomaly_correlation_is_the_mean_of_each_steps_weighted_pearson_correlation():
    """Kept for the Python API: checked against a weighted Pearson correlation per step by hand."""
    from climann.evaluation.scores import block_anomaly_correlation

    rng = np.random.default_rng(5)
    truth = rng.normal(size=(4, 3, 5))
    predicted = truth + 0.5 * rng.normal(size=truth.shape)
    climatology = rng.normal(size=truth.shape)
    area = rng.uniform(0.5, 1.5, size=(3, 5))
    where = np.ones(truth.shape, bool)
    where[1, 0, :] = False
    where[3] = False  # a step with no value: not averaged

    expected = []
    for step in range(3):
        chosen = where[step]
        w = area[chosen]
        a, b = (predicted[step] - climatology[step])[chosen], (truth[step] - climatology[step])[chosen]
        a, b = a - np.average(a, weights=w), b - np.average(b, weights=w)
        expected.append(np.sum(w * a * b) / np.sqrt(np.sum(w * a * a) * np.sum(w * b * b)))
    acc, n_steps = block_anomaly_correlation(predicted, truth, climatology, area, where)
    assert n_steps == 3
    np.testing.assert_allclose(acc, np.mean(expected), rtol=1e-10)
    assert np.isnan(block_anomaly_correlation(predicted, truth, None, area, where)[0])


def test_a_climatology_scored_on_part_of_the_values_names_the_cell_and_where_skill_is_taken():
    """break21c F8: cells never observed in the training years (the SMMR pole hole) were blamed on "that calendar
    month", and the note did not say that skill is taken over the common values only."""
    from climann.evaluation.scores import UNDEFINED_REASONS

    reason = UNDEFINED_REASONS["climatology"].format(season="calendar month")
    notes = [{"split": "test", "model": "climatology", "n_samples": 25920, "of": 53904, "reason": reason}]
    assert note_lines(notes) == [
        "climatology scored on 25920 of the network's 53904 values in the test block: the training years have no "
        "value for that cell and calendar month; the network's skill against it is taken over those values"]


def _ice_edge_case():
    """4 years of monthly values on a 4 × 6 grid, train the first 2, val the 3rd, test the 4th:
    cells (0, 0) and (0, 1) hold no value in the training years (land there, sea ice later, as
    a shifting ice edge or a land mask changed between products), cell (1, 0) none in the
    training Januaries only; the test block also lacks cell (3, 5) altogether."""
    rng = np.random.default_rng(4)
    truth = rng.normal(size=(48, 4, 6))
    truth[:24, 0, :2] = np.nan
    truth[[0, 12], 1, 0] = np.nan
    truth[36:, 3, 5] = np.nan
    masks = {"train": np.arange(48) < 24, "val": (np.arange(48) >= 24) & (np.arange(48) < 36),
             "test": np.arange(48) >= 36}
    predictions = {"model": truth + 0.1, "climatology": climatology_prediction(truth, monthly(4), masks["train"],
                                                                              window_days=61)}
    return truth, predictions, masks


def test_the_climatologys_note_counts_the_cells_the_training_years_never_saw():
    """The note said "the training years have no value for that cell and calendar month" without
    how many cells (break21c F8): 2 of the test block's 23 scored cells (8.7 %) have none for
    any of its steps; cell (1, 0), missing in the training Januaries only, is not among them."""
    truth, predictions, masks = _ice_edge_case()
    scored = scored_blocks_metrics(predictions, truth, np.ones((4, 6)), masks, season="calendar month")
    notes = {note["split"]: note for note in scored["notes"] if note["model"] == "climatology"}
    assert (notes["test"]["n_cells_unseen"], notes["test"]["n_cells"]) == (2, 23)
    assert (notes["val"]["n_cells_unseen"], notes["val"]["n_cells"]) == (2, 24)
    assert notes["test"]["reason"] == ("the training years have no value for that cell and calendar month: 2 of the "
                                       "23 cells scored in the block (8.7 %) have no training value for any of its "
                                       "steps")
    assert notes["test"]["n_samples"] == 12 * 23 - 2 * 12 - 1  # cell (1, 0) in January too


def test_a_climatology_missing_at_some_times_of_year_only_counts_no_cell():
    truth, predictions, masks = _ice_edge_case()
    truth[:24, 0, :2] = 1.0  # the two cells seen after all
    predictions["climatology"] = climatology_prediction(truth, monthly(4), masks["train"], window_days=61)
    predictions["model"] = truth + 0.1
    scored = scored_blocks_metrics(predictions, truth, np.ones((4, 6)), masks, season="calendar month")
    test = next(note for note in scored["notes"] if note["split"] == "test" and note["model"] == "climatology")
    assert test["reason"] == "the training years have no value for that cell and calendar month"
    assert "n_cells_unseen" not in test
