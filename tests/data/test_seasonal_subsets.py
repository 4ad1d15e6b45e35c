"""Tests of climann.data.seasonal_subsets: the months a file cut to one season a year holds."""

from __future__ import annotations

import cftime
import pytest

from climann.data.seasonal_subsets import seasonal_subset


def _months(months, years=range(1991, 1995)):
    return [cftime.DatetimeNoLeap(year, month, 15) for year in years for month in sorted(months)]


@pytest.mark.parametrize(("times", "text", "start"), [
    pytest.param(_months((6, 7, 8)), "June to August (JJA)", "June", id="jja"),
    pytest.param(_months((12, 1, 2))[2:-1], "December to February (DJF)", "December", id="djf-winters"),
    pytest.param(_months((7, 8)), "July and August", "July", id="two-months"),
    pytest.param(_months((11, 12, 1, 2, 3)), "November to March", "November", id="extended-winter"),
    pytest.param(_months((1, 3, 5)), "January, March and May", "January", id="not-one-run"),
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
])
def test_series_that_are_no_seasonal_subset_are_not_named(times):
    assert seasonal_subset(times) is None
