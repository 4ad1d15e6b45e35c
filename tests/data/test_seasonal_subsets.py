"""Tests of climann.data.seasonal_subsets: the months a file cut to one season a year holds."""

from __future__ import annotations

import cftime
import numpy as np
import pytest

from climann.data.seasonal_subsets import seasonal_subset, seasons_cut_by_calendar_years
from climann.data.splits import DEFAULT_SPLIT_FRACTIONS, season_years, split_time_blocks


def _months(months, years=range(1991, 1995)):
    return [cftime.DatetimeNoLeap(year, month, 15) for year in years for month in sorted(months)]


@pytest.mark.parametrize(("times", "text", "start"), [
    pytest.param(_months((6, 7, 8)), "June to August (JJA)", "June", id="jja"),
    pytest.param(_months((12, 1, 2))[2:-1], "December to February (DJF)", "December", id="djf-winters"),
    pytest.param(_months((7, 8)), "July and August", "July", id="two-months"),
    pytest.param(_months((11, 12, 1, 2, 3)), "November to March", "November", id="extended-winter"),
    pytest.param(_months((1, 3, 5)), "January, March and May", "January", id="not-one-run"),
    pytest.param(_months((6, 7, 8), years=(1991, 1992)), "June to August (JJA)", "June", id="two-summers"),
    pytest.param(_months((6, 7, 8), years=(1991, 1992, 1993))[2:-2], "June to August (JJA)", "June",
                 id="jja-cut-at-both-ends"),
])
def test_a_file_of_the_same_months_each_year_is_named_by_them(times, text, start):
    """fix41c: `cdo selseas,JJA` files were "monthly, 261 steps missing (gaps)"; the subset is named, a
    season across the new year from its December (the DJF series from Jan 1991 to Jan 1994 here starts
    in December 1991: its first year holds December only, its last January)."""
    subset = seasonal_subset(times)
    assert (subset.text, subset.season_start) == (text, start)


@pytest.mark.parametrize("times", [
    pytest.param(_months(range(1, 13)), id="every-month"),
    pytest.param([time for time in _months(range(1, 13)) if (time.year, time.month) != (1992, 7)], id="a-month-missing"),
    pytest.param(_months((6, 7, 8), years=[1991]), id="one-year"),
    pytest.param([time for time in _months((6, 7, 8)) if (time.year, time.month) != (1992, 7)], id="a-july-missing"),
    # break53c A4: GRACE June 2018 to June 2019, August and September 2018 missing (its mission gap): a year cut
    # June to June holds October to May once, and misses August and September once: months missing, no season
    pytest.param([time for time in _months(range(1, 13), years=(2018, 2019))
                  if (2018, 6) <= (time.year, time.month) <= (2019, 6) and (time.year, time.month) not in
                  {(2018, 8), (2018, 9)}], id="a-year-june-to-june-with-two-months-missing"),
    pytest.param([time for time in _months(range(1, 13), years=(2017, 2018, 2019))
                  if (2017, 11) <= (time.year, time.month) <= (2019, 2) and (time.year, time.month) not in
                  {(2018, 8), (2018, 9)}], id="two-months-missing-in-the-one-full-year"),
])
def test_series_that_are_no_seasonal_subset_are_not_named(times):
    assert seasonal_subset(times) is None


def _winters(first: int, last: int, months=(12, 1, 2)):
    """Monthly steps of ``months`` from the first winter's December (``first - 1``) to ``last``'s end."""
    return [time for time in _months(months, years=range(first - 1, last + 1))
            if not (time.year == first - 1 and time.month < 11) and not (time.year == last and time.month >= 11)]


@pytest.mark.parametrize(("months", "early", "late"), [
    pytest.param((12, 1, 2), "December", "January to February", id="djf"),
    pytest.param((11, 12, 1, 2, 3), "November to December", "January to March", id="extended-winter"),
])
def test_a_split_by_calendar_years_cuts_one_winter_at_each_block_boundary(months, early, late):
    """fix41m: a DJF file split by calendar years put December 2012 in train and its January in val;
    the seasons cut are exactly those across each boundary of split_time_blocks' year ranges, and
    none is cut when the split counts season years (--seasons DJF)."""
    times = _winters(2001, 2010, months)
    split = split_time_blocks(np.array([time.year for time in times]), DEFAULT_SPLIT_FRACTIONS)
    subset, cut = seasons_cut_by_calendar_years(times, split.labels())
    ranges = list(split.year_ranges.items())
    expected = [f"{early} {before_last} in {before}, {late} {before_last + 1} in {after}"
                for (before, (_, before_last)), (after, _) in zip(ranges[:-1], ranges[1:])]
    assert len(expected) == 2 and cut == expected
    assert subset.selection == ("--seasons DJF" if months == (12, 1, 2) else "--months 11,12,1,2,3")
    by_season = split_time_blocks(season_years(times, months), DEFAULT_SPLIT_FRACTIONS)
    assert seasons_cut_by_calendar_years(times, by_season.labels())[1] == []


def test_a_season_within_the_year_is_never_cut():
    times = _months((6, 7, 8), years=range(2001, 2011))
    split = split_time_blocks(np.array([time.year for time in times]), DEFAULT_SPLIT_FRACTIONS)
    assert seasons_cut_by_calendar_years(times, split.labels()) == (None, [])
