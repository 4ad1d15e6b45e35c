"""Tests for climann/evaluation/groups.py: scores per season and per region against masks
and area-weighted means computed here with NumPy."""

import cftime
import numpy as np
import pytest

from climann.evaluation.groups import NO_SEASONS, season_region_metrics
from climann.evaluation.regions import grid_regions
from climann.evaluation.scores import score_blocks
from climann.jsonfile import finite_or_none

N_YEARS, N_LAT, N_LON = 3, 4, 6
LATITUDE = np.array([-60.0, -15.0, 15.0, 60.0])
LONGITUDE = np.array([15.0, 75.0, 135.0, 195.0, 255.0, 315.0])


@pytest.fixture(scope="module")
def case():
    """Truth, a network, a climatology with a gap, cos φ areas, blocks train (2 years) and test."""
    rng = np.random.default_rng(4)
    times = np.array([cftime.datetime(2000 + m // 12, m % 12 + 1, 15, calendar="360_day") for m in range(12 * N_YEARS)])
    shape = (len(times), N_LAT, N_LON)
    truth = rng.normal(280, 10, shape)
    truth[5, 1, 2] = np.nan
    model = truth + rng.normal(0.5, 2, shape)
    model[7, 3, 4] = np.nan
    climatology = truth + rng.normal(0, 3, shape)
    climatology[30, :, 0] = np.nan  # undefined there: scored on fewer values
    area = np.broadcast_to(np.cos(np.deg2rad(LATITUDE))[:, None], (N_LAT, N_LON)).copy()
    steps = np.arange(len(times))
    blocks = {"train": steps < 24, "test": steps >= 24}
    return times, truth, {"model": model, "climatology": climatology}, area, blocks


def test_seasons_without_a_step_on_the_axis_are_left_out_and_each_block_keeps_the_others(case):
    """Winters and summers only (``--seasons DJF,JJA``), the test block a summer alone: MAM and
    SON are in no block (they were rows of n/a with n = 0); the test block keeps DJF, n = 0."""
    times, truth, predictions, area, _ = case
    kept = np.flatnonzero(np.isin([time.month for time in times], (12, 1, 2, 6, 7, 8)))
    times, truth = times[kept], truth[kept]
    predictions = {name: grid[kept] for name, grid in predictions.items()}
    months = np.array([time.month for time in times])
    test = (np.array([time.year for time in times]) == 2002) & np.isin(months, (6, 7, 8))
    metrics = season_region_metrics(predictions, truth, area, {"train": ~test, "test": test}, times, {})
    assert {block: list(seasons) for block, seasons in metrics["seasons"].items()} == {
        "train": ["DJF", "JJA"], "test": ["DJF", "JJA"]}
    assert metrics["seasons"]["test"]["DJF"]["model"]["n_samples"] == 0
    network = np.isfinite(truth) & np.isfinite(predictions["model"]) & test[:, None, None]
    assert metrics["seasons"]["test"]["JJA"]["model"]["mse"] == pytest.approx(
        _mse(predictions["model"], truth, area, network), rel=1e-12)


def _mse(predicted, truth, area, where):
    """Σ w (ŷ − y)² / Σ w over ``where``: the hand computation."""
    weights = np.broadcast_to(area, truth.shape)[where]
    return float((weights * (predicted[where] - truth[where]) ** 2).sum() / weights.sum())


def test_scores_per_season_are_the_area_weighted_scores_of_the_blocks_steps_in_that_season(case):
    times, truth, predictions, area, blocks = case
    metrics = season_region_metrics(predictions, truth, area, blocks, times, {})
    months = np.array([time.month for time in times])
    for season, chosen in {"DJF": (12, 1, 2), "JJA": (6, 7, 8), "SON": (9, 10, 11)}.items():
        steps = blocks["test"] & np.isin(months, chosen)
        network = np.isfinite(truth) & np.isfinite(predictions["model"]) & steps[:, None, None]
        both = network & np.isfinite(predictions["climatology"])
        scores = metrics["seasons"]["test"][season]
        assert scores["model"]["n_samples"] == network.sum() == 3 * N_LAT * N_LON
        assert scores["model"]["mse"] == pytest.approx(_mse(predictions["model"], truth, area, network), rel=1e-12)
        assert scores["climatology"]["n_samples"] == both.sum()
        skill = 1 - _mse(predictions["model"], truth, area, both) / _mse(predictions["climatology"], truth, area, both)
        assert scores["model"]["skill_vs_climatology"] == pytest.approx(skill, rel=1e-12)
    # September 2002 (step 32) is test SON; step 30 (July) has the climatology's gap: JJA
    assert metrics["seasons"]["test"]["JJA"]["climatology"]["n_samples"] == 3 * N_LAT * N_LON - N_LAT
    assert metrics["regions"] == {"train": {}, "test": {}} and metrics["region_definitions"] == {}


def test_scores_per_region_are_the_area_weighted_scores_of_its_cells(case):
    times, truth, predictions, area, blocks = case
    latitude, longitude = np.meshgrid(LATITUDE, LONGITUDE, indexing="ij")
    regions = grid_regions(latitude, longitude, {"pacific": [-20, 20, 120, -150], "empty": [80, 85, 0, 10]})
    metrics = season_region_metrics(predictions, truth, area, blocks, times, regions)
    # independently: |lat| ≤ 20 and longitudes 135 and 195 (120 → 210 across the dateline)
    cells = (np.abs(latitude) <= 20) & np.isin(longitude, [135.0, 195.0])
    assert metrics["region_definitions"]["pacific"] == {"kind": "box", "box": [-20, 20, 120, -150], "n_cells": 4}
    assert metrics["region_definitions"]["empty"]["n_cells"] == 0 and "empty" not in metrics["regions"]["test"]
    for block, steps in blocks.items():
        network = np.isfinite(truth) & np.isfinite(predictions["model"]) & steps[:, None, None] & cells[None]
        scores = metrics["regions"][block]["pacific"]["model"]
        assert scores["n_samples"] == network.sum()
        assert scores["mse"] == pytest.approx(_mse(predictions["model"], truth, area, network), rel=1e-12)
        weights = np.broadcast_to(area, truth.shape)[network]
        bias = (weights * (predictions["model"] - truth)[network]).sum() / weights.sum()
        assert scores["bias"] == pytest.approx(bias, rel=1e-12)
    assert metrics["regions"]["train"]["pacific"]["model"]["n_samples"] == 24 * 4 - 1  # truth missing at (5, 1, 2)


def test_score_blocks_restricted_to_cells_equals_the_scores_of_the_masked_truth(case):
    times, truth, predictions, area, blocks = case
    cells = np.zeros((N_LAT, N_LON), dtype=bool)
    cells[2:, 1:4] = True
    restricted = score_blocks(predictions, truth, area, blocks, cells=cells)
    masked = score_blocks(predictions, np.where(cells, truth, np.nan), area, blocks)
    assert finite_or_none(restricted) == finite_or_none(masked)  # an undefined score (NaN) compared as None
    assert restricted["test"]["model"]["n_samples"] == np.isfinite(predictions["model"][24:][:, cells]).sum()


def test_yearly_data_have_a_note_instead_of_seasons(case):
    _, truth, predictions, area, _ = case
    times = np.array([cftime.datetime(1900 + year, 7, 1, calendar="360_day") for year in range(len(truth))])
    metrics = season_region_metrics(predictions, truth, area, {"all": np.ones(len(truth), bool)}, times, {})
    assert "seasons" not in metrics and metrics["seasons_note"] == NO_SEASONS


def test_a_region_whose_cells_never_hold_the_target_is_left_out_with_a_warning_and_its_reason(case, caplog):
    """An all-land box for an ocean field: the truth is missing in its cells at every step.
    Not a row of null scores but no entry, a warning, and ``not_scored`` in its definition;
    a region with values beside it is scored as before."""
    times, truth, predictions, area, blocks = case
    latitude, longitude = np.meshgrid(LATITUDE, LONGITUDE, indexing="ij")
    land = (latitude == 60.0) & (longitude < 100)  # 2 cells
    ocean = np.where(land[None], np.nan, truth)
    regions = grid_regions(latitude, longitude, {"landbox": [50, 70, 0, 100], "pacific": [-20, 20, 120, -150],
                                                 "empty": [80, 85, 0, 10]})
    with caplog.at_level("WARNING", logger="climann.evaluation.groups"):
        metrics = season_region_metrics(predictions, ocean, area, blocks, times, regions)
    assert regions["landbox"].n_cells == land.sum() == 2
    assert [record.getMessage() for record in caplog.records] == [
        "region landbox has 2 cells but no value of the target to score: not scored",
        "region empty has no cell on the grid: not scored"]
    assert metrics["region_definitions"]["landbox"] == {
        "kind": "box", "box": [50, 70, 0, 100], "n_cells": 2, "not_scored": "no value of the target to score in its cells"}
    assert metrics["region_definitions"]["empty"]["not_scored"] == "no cell on the grid"
    assert "not_scored" not in metrics["region_definitions"]["pacific"]
    for block in blocks:
        assert list(metrics["regions"][block]) == ["pacific"]


def test_a_region_whose_cells_hold_values_that_all_weigh_zero_is_told_so_not_as_without_values(case, caplog):
    """break52c A7: a "where land" target weighed by a land fraction that is 0 over a whole region
    (another model's sftlf) was warned "has 768 cells but no value of mrso to score" where mrso had
    values in every cell. The region's cells hold the truth at every step, but weigh 0: the warning
    and ``not_scored`` say so; the region beside it is scored with the weights computed here."""
    times, truth, predictions, area, blocks = case
    latitude, longitude = np.meshgrid(LATITUDE, LONGITUDE, indexing="ij")
    weights = np.where(latitude < 0, 0.0, area)  # every cell south of the equator weighs 0
    regions = grid_regions(latitude, longitude, {"south": [-90, 0, 0, 360], "north": [0, 90, 0, 360]})
    assert np.isfinite(truth[:, latitude < 0]).sum() > 0  # the target has values there
    with caplog.at_level("WARNING", logger="climann.evaluation.groups"):
        metrics = season_region_metrics(predictions, truth, weights, blocks, times, regions)
    assert [record.getMessage() for record in caplog.records] == [
        "region south has 12 cells, each of weight 0 in the scores (the area given is 0 there): no value of "
        "the target can be scored: not scored"]
    assert metrics["region_definitions"]["south"]["not_scored"] == "every cell weighs 0 in the scores (the area given)"
    north = latitude > 0
    for block, steps in blocks.items():
        where = np.isfinite(truth) & np.isfinite(predictions["model"]) & steps[:, None, None] & north[None]
        assert list(metrics["regions"][block]) == ["north"]
        assert metrics["regions"][block]["north"]["model"]["mse"] == pytest.approx(
            _mse(predictions["model"], truth, weights, where), rel=1e-12)
