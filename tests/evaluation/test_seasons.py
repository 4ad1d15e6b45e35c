"""Tests for climann/evaluation/seasons.py: seasons from the calendar month of each step."""

import datetime

import cftime
import numpy as np
import pytest

from climann.evaluation.seasons import SEASONS, block_season_masks, is_sub_annual, season_index, season_masks


def _daily(calendar: str, n_days: int) -> np.ndarray:
    start = cftime.datetime(2000, 1, 1, calendar=calendar)
    return np.array([start + datetime.timedelta(days=day) for day in range(n_days)])


@pytest.mark.parametrize("calendar, n_days", [pytest.param("360_day", 720, id="360_day"),
                                              pytest.param("noleap", 730, id="noleap"),
                                              pytest.param("proleptic_gregorian", 731, id="gregorian-leap")])
def test_each_daily_step_is_in_the_season_of_its_month(calendar, n_days):
    times = _daily(calendar, n_days)
    masks = season_masks(times)
    months = np.array([time.month for time in times])
    expected = {"DJF": (months == 12) | (months <= 2), "MAM": (months >= 3) & (months <= 5),
                "JJA": (months >= 6) & (months <= 8), "SON": (months >= 9) & (months <= 11)}
    for season in SEASONS:
        np.testing.assert_array_equal(masks[season], expected[season], err_msg=season)
    # a 360-day year has 90 days per season, February included
    if calendar == "360_day":
        assert [int(masks[season].sum()) for season in SEASONS] == [180, 180, 180, 180]
    np.testing.assert_array_equal(season_index(times), np.select([expected[s] for s in SEASONS], range(4), -1))


def test_yearly_data_have_no_seasons_and_monthly_data_have():
    yearly = np.array([cftime.datetime(year, 7, 1, calendar="noleap") for year in range(2000, 2010)])
    monthly = np.array([cftime.datetime(2000 + m // 12, m % 12 + 1, 15, calendar="noleap") for m in range(24)])
    assert not is_sub_annual(yearly)
    assert is_sub_annual(monthly)


def test_a_block_by_season_is_the_block_and_the_season():
    times = np.array([cftime.datetime(2000 + m // 12, m % 12 + 1, 15, calendar="noleap") for m in range(36)])
    blocks = {"train": np.arange(36) < 24, "test": np.arange(36) >= 24}
    by_season = block_season_masks(blocks, times)
    # the test block is the year 2002: its DJF is January, February and December 2002
    assert [times[i].month for i in np.flatnonzero(by_season["test"]["DJF"])] == [1, 2, 12]
    assert sum(int(mask.sum()) for mask in by_season["train"].values()) == 24
