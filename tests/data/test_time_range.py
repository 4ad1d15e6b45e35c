"""A run's period as instants of a file's calendar (climann/data/time_range.py)."""

import cftime
import pytest

from climann.data.time_range import outside_time_range, range_bounds
from climann.errors import ClimannError


@pytest.mark.parametrize(("first", "last", "outside"), [
    pytest.param((2000, 1, 16), (2019, 12, 16), True, id="wholly-after"),
    pytest.param((1999, 12, 31, 23), (2019, 12, 16), False, id="its-last-hour-within"),
    pytest.param((1980, 1, 16), (1989, 12, 31, 23), True, id="wholly-before"),
    pytest.param((1980, 1, 16), (1990, 1, 1), False, id="its-first-instant-within"),
])
def test_a_file_outside_the_period_is_told_by_its_first_and_last_steps(first, last, outside):
    period = (cftime.datetime(*first, calendar="noleap"), cftime.datetime(*last, calendar="noleap"))
    assert outside_time_range(period, ("1990", "1999")) is outside
    assert outside_time_range(period, ()) is False


def test_the_period_is_read_in_the_files_calendar():
    start, after_last = range_bounds(("2000-02-30", "2000-02"), "360_day")
    assert (start, after_last) == (cftime.datetime(2000, 2, 30, calendar="360_day"),
                                   cftime.datetime(2000, 3, 1, calendar="360_day"))
    with pytest.raises(ClimannError, match="ends on day 29; give a day it has, e.g. '2000-02-29'"):
        range_bounds(("2000-02-30", "2000-03"), "standard")
