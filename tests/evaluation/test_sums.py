"""Tests for climann/evaluation/sums.py: the scores of a run from sums that add over chunks.

In memory the grid is one chunk; a streamed or cluster run has many. Both must give the same
scores, and those must be the hand-computed area-weighted ones.
"""

import numpy as np
import pytest

from climann.evaluation.scores import whole_grid_sums
from climann.evaluation.sums import ScoreSums, block_of_step, grid_sums, group_metrics_from_sums, metrics_from_sums

N_TIME, N_LAT, N_LON = 24, 3, 4


@pytest.fixture(scope="module")
def grids():
    """Truth, the network, a climatology and persistence on a 3×4 grid of 24 months, with gaps;
    three blocks; unequal cell areas."""
    rng = np.random.default_rng(7)
    truth = 280 + 10 * rng.normal(size=(N_TIME, N_LAT, N_LON))
    truth[3, 1, 2] = truth[10, 0, 0] = np.nan
    model = truth + rng.normal(0.3, 1.5, size=truth.shape)
    model[5, 2, 3] = np.nan
    climatology = truth + rng.normal(0, 3.0, size=truth.shape)
    climatology[[2, 14], 0, :] = np.nan  # undefined there: scored on part of the network's values
    persistence = np.concatenate([np.full((1, N_LAT, N_LON), np.nan), truth[:-1]])
    area = np.cos(np.deg2rad([-60.0, 0.0, 60.0]))[:, None] * np.ones((1, N_LON))
    steps = np.arange(N_TIME)
    masks = {"train": steps < 12, "val": (steps >= 12) & (steps < 18), "test": steps >= 18}
    predictions = {"model": model, "climatology": climatology, "persistence": persistence}
    return predictions, truth, area, masks


def chunked_total(predictions, truth, area, masks, bounds, **groups):
    """The sums of the chunks [bounds[i], bounds[i+1]) added in time order."""
    names = list(predictions)
    blocks = block_of_step(masks)
    reference = predictions["climatology"]
    total = None
    for start, stop in zip(bounds[:-1], bounds[1:], strict=True):
        chunk_area = area[start:stop] if area.ndim == 3 else area  # weights that change with time: the chunk's
        part = grid_sums(
            truth[start:stop], [predictions[name][start:stop] for name in names], chunk_area, blocks[start:stop],
            len(masks),
            shift=285.0, reference=names.index("climatology"), climatology=reference[start:stop],
            first_step=start == 0, **{key: None if value is None else value[start:stop] if key == "season_of_step"
                                       else value for key, value in groups.items()},
        )
        total = part if total is None else total + part
    return total, names


def hand_scores(predicted, truth, area, steps):
    """Area-weighted MSE, bias and R² over the block's values where both are present, and their
    number among those of positive weight (fix37b: a value of zero weight is not counted)."""
    weights = np.broadcast_to(area, truth.shape)[steps]
    predicted, truth = predicted[steps], truth[steps]
    keep = np.isfinite(predicted) & np.isfinite(truth) & (weights > 0)
    weights, predicted, truth = weights[keep], predicted[keep], truth[keep]
    mse = np.sum(weights * (predicted - truth) ** 2) / np.sum(weights)
    mean = np.sum(weights * truth) / np.sum(weights)
    spread = np.sum(weights * (truth - mean) ** 2) / np.sum(weights)
    return {"mse": mse, "bias": np.sum(weights * (predicted - truth)) / np.sum(weights), "r2": 1 - mse / spread,
            "n_samples": int(keep.sum())}


def hand_acc(predicted, truth, climatology, area, steps, *, centred=True):
    """The mean over the block's steps of the area-weighted correlation of the anomalies:
    centred (each step's weighted mean removed) or not (WeatherBench 2's), each over at least 10
    cells of positive weight."""
    values = []
    for step in np.flatnonzero(steps):
        keep = (np.isfinite(predicted[step]) & np.isfinite(truth[step]) & np.isfinite(climatology[step])
                & ((area[step] if area.ndim == 3 else area) > 0))
        weights = (area[step] if area.ndim == 3 else area)[keep]
        forecast = predicted[step][keep] - climatology[step][keep]
        anomaly = truth[step][keep] - climatology[step][keep]
        if keep.sum() < 10:
            continue
        if centred:
            forecast = forecast - np.sum(weights * forecast) / weights.sum()
            anomaly = anomaly - np.sum(weights * anomaly) / weights.sum()
        values.append(np.sum(weights * forecast * anomaly)
                      / np.sqrt(np.sum(weights * forecast**2) * np.sum(weights * anomaly**2)))
    return np.mean(values), len(values)


def test_the_scores_of_one_chunk_are_the_hand_computed_area_weighted_scores(grids):
    predictions, truth, area, masks = grids
    total, names = whole_grid_sums(predictions, truth, area, masks)
    splits, n_samples = metrics_from_sums(total, list(masks), names)
    for block, steps in masks.items():
        expected = hand_scores(predictions["model"], truth, area, steps)
        model = splits[block]["model"]
        assert {key: model[key] for key in expected} == pytest.approx(expected, rel=1e-10)
        assert n_samples[block] == expected["n_samples"]
        for centred, key in ((True, "acc"), (False, "acc_uncentred")):
            expected_acc, n_steps = hand_acc(predictions["model"], truth, predictions["climatology"], area, steps,
                                             centred=centred)
            assert model[key] == pytest.approx(expected_acc, rel=1e-10) and model[f"{key}_n_steps"] == n_steps
        # the steps whose climatology lacks a row (8 cells) have neither ACC (break31a A5: the uncentred one was taken)
        assert model["acc_uncentred_n_steps"] == model["acc_n_steps"] == steps.sum() - (block in ("train", "val"))
        # the skill: both on the values where the network and the climatology are scored
        both = np.where(np.isfinite(predictions["climatology"]), predictions["model"], np.nan)
        reference = np.where(np.isfinite(predictions["model"]), predictions["climatology"], np.nan)
        skill = 1 - hand_scores(both, truth, area, steps)["mse"] / hand_scores(reference, truth, area, steps)["mse"]
        assert model["skill_vs_climatology"] == pytest.approx(skill, rel=1e-10)


@pytest.mark.parametrize("bounds", [
    pytest.param([0, 5, 11, 12, 19, 24], id="chunks-across-blocks"),
    pytest.param(list(range(N_TIME + 1)), id="one-step-chunks"),
])
def test_many_chunks_give_the_scores_of_one_chunk(grids, bounds):
    predictions, truth, area, masks = grids
    one, names = whole_grid_sums(predictions, truth, area, masks)
    many, _ = chunked_total(predictions, truth, area, masks, bounds)
    np.testing.assert_array_equal(many.scored, one.scored)
    np.testing.assert_array_equal(many.gaps, one.gaps)  # persistence's first step is no gap in either
    expected, expected_counts = metrics_from_sums(one, list(masks), names)
    splits, counts = metrics_from_sums(many, list(masks), names)
    assert counts == expected_counts
    _assert_nested_close(splits, expected)
    assert np.isnan(splits["train"]["climatology"]["acc"])  # its own anomaly is zero: undefined


def test_many_chunks_give_the_scores_per_season_and_region_of_one_chunk(grids):
    predictions, truth, area, masks = grids
    seasons = np.arange(N_TIME) % 12 // 3  # months from January: 0 0 0 1 1 1 …, any 4-way labelling
    regions = np.zeros((2, N_LAT, N_LON), bool)
    regions[0, 0], regions[1, :, :2] = True, True
    one, names = whole_grid_sums(predictions, truth, area, masks, season_of_step=seasons, region_cells=regions)
    many, _ = chunked_total(predictions, truth, area, masks, [0, 7, 13, 24], season_of_step=seasons,
                            region_cells=regions)
    expected = group_metrics_from_sums(one, list(masks), names, ["north", "west"])
    grouped = group_metrics_from_sums(many, list(masks), names, ["north", "west"])
    _assert_nested_close(grouped, expected)
    # one region's scores are those of the truth outside it removed, by hand
    west = np.where(regions[1], truth, np.nan)
    hand = hand_scores(predictions["model"], west, area, masks["test"])
    assert grouped["regions"]["test"]["west"]["model"]["mse"] == pytest.approx(hand["mse"], rel=1e-10)
    in_season = masks["train"] & (seasons == 2)
    hand = hand_scores(predictions["model"], truth, area, in_season)
    assert grouped["seasons"]["train"]["JJA"]["model"]["mse"] == pytest.approx(hand["mse"], rel=1e-10)


@pytest.mark.parametrize("bounds", [
    pytest.param([0, 5, 11, 12, 19, 24], id="chunks-across-blocks"),
    pytest.param(list(range(N_TIME + 1)), id="one-step-chunks"),
])
def test_weights_that_change_with_time_give_the_hand_scores_in_one_chunk_and_many(grids, bounds):
    """break36a A1: a mean where sea ice weighs each value by its cell's area × that step's ice
    fraction, weights of shape (n_time, n_lat, n_lon): the scores, per block, season and region, are
    the hand-computed ones with each step's weights, in one chunk and in chunks given their steps'."""
    predictions, truth, area, masks = grids
    fraction = np.random.default_rng(8).uniform(0.0, 1.0, truth.shape)
    fraction[fraction < 0.2] = 0.0  # open water weighs nothing
    weights = area * fraction
    seasons = np.arange(N_TIME) % 12 // 3
    regions = np.zeros((1, N_LAT, N_LON), bool)
    regions[0, :, :2] = True
    one, names = whole_grid_sums(predictions, truth, weights, masks, climatology=predictions["climatology"],
                                 season_of_step=seasons, region_cells=regions)
    many, _ = chunked_total(predictions, truth, weights, masks, bounds, season_of_step=seasons, region_cells=regions)
    for total in (one, many):
        splits, _ = metrics_from_sums(total, list(masks), names)
        grouped = group_metrics_from_sums(total, list(masks), names, ["west"])
        for block, steps in masks.items():
            expected = hand_scores(predictions["model"], truth, weights, steps)
            model = splits[block]["model"]
            assert {key: model[key] for key in expected} == pytest.approx(expected, rel=1e-10)
            expected_acc, n_steps = hand_acc(predictions["model"], truth, predictions["climatology"], weights, steps)
            assert model["acc"] == pytest.approx(expected_acc, rel=1e-10) and model["acc_n_steps"] == n_steps
        whole_cells = hand_scores(predictions["model"], truth, area, masks["test"])
        assert splits["test"]["model"]["mse"] != pytest.approx(whole_cells["mse"], rel=1e-3)
        west = hand_scores(predictions["model"], np.where(regions[0], truth, np.nan), weights, masks["test"])
        assert grouped["regions"]["test"]["west"]["model"]["mse"] == pytest.approx(west["mse"], rel=1e-10)
        summer = hand_scores(predictions["model"], truth, weights, masks["train"] & (seasons == 2))
        assert grouped["seasons"]["train"]["JJA"]["model"]["mse"] == pytest.approx(summer["mse"], rel=1e-10)


def _assert_nested_close(actual, expected, where=()):
    if isinstance(expected, dict):
        assert list(actual) == list(expected), where
        for key in expected:
            _assert_nested_close(actual[key], expected[key], (*where, key))
    elif isinstance(expected, float) and np.isnan(expected):
        assert np.isnan(actual), where
    else:
        assert actual == pytest.approx(expected, rel=1e-9, abs=1e-12), where
    return True


def test_overlapping_blocks_are_refused():
    with pytest.raises(ValueError, match="overlap"):
        block_of_step({"a": np.array([True, True, False]), "b": np.array([False, True, True])})


def test_score_sums_add_field_by_field():
    one = ScoreSums(np.ones((1, 1, 12)), np.ones((1, 1), int), np.ones(1, int), 2, np.zeros((1, 1), int),
                    np.ones((1, 1, 2)))
    two = one + one
    assert two.n_dropped == 4 and two.sums.sum() == 24 and two.acc.sum() == 4 and two.season_sums is None


def test_the_cells_the_training_never_saw_add_up_over_chunks_as_on_the_whole_grid():
    """Chunks of whole time steps (a streamed run) find the same unseen cells as the whole grid:
    a cell is scored in a block if it is in any chunk of it, seen if the climatology is there in any."""
    from climann.evaluation.baselines import climatology_prediction
    from climann.evaluation.sums import block_of_step, grid_sums, unseen_cells
    from tests.evaluation.test_scores import monthly

    rng = np.random.default_rng(6)
    truth = rng.normal(size=(48, 3, 4))
    truth[:24, 2, 3] = np.nan  # never in the training years
    truth[30:, 0, 0] = np.nan  # gone from the second half of the val year on
    masks = {"train": np.arange(48) < 24, "val": (np.arange(48) >= 24) & (np.arange(48) < 36),
             "test": np.arange(48) >= 36}
    grids = [truth + 0.2, climatology_prediction(truth, monthly(4), masks["train"], window_days=61)]
    steps = block_of_step(masks)
    whole = grid_sums(truth, grids, np.ones((3, 4)), steps, 3, reference=1, first_step=True)
    parts = [grid_sums(truth[start:stop], [grid[start:stop] for grid in grids], np.ones((3, 4)), steps[start:stop], 3,
                       reference=1, first_step=start == 0) for start, stop in ((0, 30), (30, 33), (33, 48))]
    chunked = parts[0] + parts[1] + parts[2]
    expected = {"train": (0, 11), "val": (1, 12), "test": (1, 11)}
    assert unseen_cells(whole, list(masks)) == unseen_cells(chunked, list(masks)) == expected


def test_values_of_zero_weight_count_neither_in_n_samples_nor_among_the_cells_of_an_acc(grids):
    """fix37b: a cell that weighs nothing (no sea in a cell of a mean "where sea") counted in
    n_samples and among the 10 cells an ACC needs: here 3 of the 12 cells weigh nothing, so
    each step has 9 cells that weigh (at most), too few for an ACC, which was taken "over 12"."""
    predictions, truth, area, masks = grids
    weights = area.copy()
    weights[:, 0] = [0.0, 0.0, 0.0]  # the western column: land, for a mean where sea
    total, names = whole_grid_sums(predictions, truth, weights, masks, climatology=predictions["climatology"])
    splits, n_samples = metrics_from_sums(total, list(masks), names)
    for block, steps in masks.items():
        present = np.isfinite(truth[steps]) & np.isfinite(predictions["model"][steps])
        assert n_samples[block] == int(present[:, :, 1:].sum()) < int(present.sum())
        assert splits[block]["model"]["n_samples"] == n_samples[block]
        assert splits[block]["model"]["acc_n_steps"] == 0 and np.isnan(splits[block]["model"]["acc"])
        # the weighted scores themselves do not change: those values weighed nothing in them
        assert splits[block]["model"]["mse"] == pytest.approx(
            hand_scores(predictions["model"][:, :, 1:], truth[:, :, 1:], weights[:, 1:], steps)["mse"], rel=1e-12)


def test_a_climatology_within_rounding_of_the_truth_has_no_skill_to_measure_against():
    """rerun38 N4: the terrain height HGT (constant in time) as target: the climatology, its mean over the training
    years, is the truth up to float64's rounding of that mean (MSE 2.3e-26 m²), and the skill 1 − MSE/MSE_clim was
    −8.4e+28, warned as a network worse than the climatology. It is undefined (NaN), as for a climatology of 0 error;
    a climatology of a real, small error (1 cm on 1000 m) keeps its skill, computed by hand."""
    rng = np.random.default_rng(4)
    terrain = rng.uniform(0.0, 2000.0, (N_LAT, N_LON))
    truth = np.broadcast_to(terrain, (N_TIME, N_LAT, N_LON)).copy()
    steps = np.arange(N_TIME)
    masks = {"train": steps < 12, "val": (steps >= 12) & (steps < 18), "test": steps >= 18}
    rounded = (truth * 3.0 / 3.0 + truth * 1e-16 * rng.choice([-1.0, 1.0], truth.shape))  # float64 rounding
    model = truth + rng.normal(0.0, 40.0, truth.shape)
    area = np.ones((N_LAT, N_LON))
    for climatology, defined in ((rounded, False), (truth + rng.normal(0.0, 0.01, truth.shape), True)):
        reference_mse = np.mean((climatology[masks["test"]] - truth[masks["test"]]) ** 2)
        assert 0.0 < reference_mse
        total, names = whole_grid_sums({"model": model, "climatology": climatology}, truth, area, masks)
        skill = metrics_from_sums(total, list(masks), names)[0]["test"]["model"]["skill_vs_climatology"]
        if defined:
            expected = 1 - np.mean((model[masks["test"]] - truth[masks["test"]]) ** 2) / reference_mse
            assert skill == pytest.approx(expected, rel=1e-9)
        else:
            assert np.isnan(skill)
