"""A run's period as instants of a file's calendar (climann/data/time_range.py)."""

from datetime import timedelta

import cftime
import pytest

from climann.data.time_axis import date_text, year_text
from climann.data.time_range import held_time_range, outside_time_range, range_bounds
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


def _six_hourly(first_year: int, n_years: int) -> list:
    """A 6-hourly ``standard`` axis of whole years, as ARCO-ERA5's."""
    start = cftime.DatetimeGregorian(first_year, 1, 1)
    end = cftime.DatetimeGregorian(first_year + n_years, 1, 1)
    n_steps = int((end - start) / timedelta(hours=6))
    return [start + timedelta(hours=6 * step) for step in range(n_steps)]


def _monthly(first_year: int, n_years: int) -> list:
    return [cftime.DatetimeNoLeap(first_year + month // 12, month % 12 + 1, 16) for month in range(12 * n_years)]


def _index(times, time) -> int:
    return times.index(time)


@pytest.mark.parametrize("times, first, last, expected", [
    # break29b A7: 6-hourly values 2012-01-01 00:00 … 2018-01-09 18:00 on an axis to 2019
    pytest.param(_six_hourly(2012, 8), cftime.DatetimeGregorian(2012, 1, 1), cftime.DatetimeGregorian(2018, 1, 9, 18),
                 ("2012", "2017"), id="6-hourly-ending-in-january"),
    pytest.param(_six_hourly(2012, 3), cftime.DatetimeGregorian(2012, 1, 1, 6), cftime.DatetimeGregorian(2014, 12, 31, 18),
                 ("2013", "2014"), id="6-hourly-missing-the-first-step"),
    pytest.param(_monthly(2000, 6), cftime.DatetimeNoLeap(2000, 11, 16), cftime.DatetimeNoLeap(2004, 5, 16),
                 ("2001", "2003"), id="monthly-2000-11-to-2004-05"),
    pytest.param(_monthly(2000, 6), cftime.DatetimeNoLeap(2000, 1, 16), cftime.DatetimeNoLeap(2005, 12, 16),
                 ("2000", "2005"), id="monthly-whole-axis"),
    pytest.param(_monthly(2000, 6), cftime.DatetimeNoLeap(2000, 3, 16), cftime.DatetimeNoLeap(2001, 10, 16),
                 ("2000-03", "2001-10"), id="no-whole-year-months"),
])
def test_the_period_held_is_advised_in_whole_years_where_it_has_them(times, first, last, expected):
    assert held_time_range(times, _index(times, first), _index(times, last)) == expected
    chosen = [time for time in times if not outside_time_range((time, time), expected)]
    assert chosen[0] >= first and chosen[-1] <= last  # only steps with values are chosen
    if "-" not in expected[0]:
        assert chosen[0].month == 1 and chosen[-1].month == 12  # … in whole years


@pytest.mark.parametrize("calendar", [pytest.param(calendar, id=calendar)
                                      for calendar in ("noleap", "360_day", "proleptic_gregorian", "standard", "julian")])
@pytest.mark.parametrize("year", [pytest.param(-20050, id="trace-20050"), pytest.param(-9, id="minus-9"),
                                  pytest.param(-1, id="minus-1"), pytest.param(850, id="850"),
                                  pytest.param(12000, id="expanded-12000")])
def test_a_date_is_read_as_climann_prints_it(calendar, year):
    """fix33b: climann prints years as ISO 8601 (date_text: -0009-03-01, -20050-03-01), and
    --time-range refused them ('-0009' is not a date 'YYYY'…): the advice naming a negative year
    could not be followed. The printed day, month and year are each read back as the period
    of the very date printed, in the file's calendar."""
    day = cftime.datetime(year, 3, 1, calendar=calendar)
    start, after = range_bounds((date_text(day, precision="day"), date_text(day, precision="day")), calendar)
    assert (start, after) == (day, day + timedelta(days=1))
    start, after = range_bounds((date_text(day, precision="month"),) * 2, calendar)
    assert (start, after) == (day, cftime.datetime(year, 4, 1, calendar=calendar))
    next_year = 1 if year == -1 and not day.has_year_zero else year + 1
    start, after = range_bounds((year_text(year),) * 2, calendar)
    assert (start, after) == (cftime.datetime(year, 1, 1, calendar=calendar),
                              cftime.datetime(next_year, 1, 1, calendar=calendar))


@pytest.mark.parametrize(("calendar", "after_year"), [pytest.param("standard", 1, id="standard-no-year-0"),
                                                      pytest.param("julian", 1, id="julian-no-year-0"),
                                                      pytest.param("noleap", 0, id="noleap-year-0")])
def test_the_year_before_year_1_ends_where_the_calendar_says(calendar, after_year):
    """Year -1 is followed by year 1 in calendars without year 0 (cftime's count), by year 0
    in the others; year 0 itself is refused where the calendar has none."""
    assert range_bounds(("-0001", "-0001-12"), calendar)[1] == cftime.datetime(after_year, 1, 1, calendar=calendar)
    if after_year == 1:
        with pytest.raises(ClimannError, match=rf"^time_range value '0000' is year 0: the '{calendar}' calendar has no "
                                               r"year 0 \(its year -0001 is followed by 0001\)"):
            range_bounds(("0000", "0001"), calendar)
    else:
        assert range_bounds(("0000", "0000"), calendar)[0] == cftime.datetime(0, 1, 1, calendar=calendar)


def test_a_period_of_negative_years_is_advised_in_iso_years():
    """held_time_range wrote -39 as '-039' (``:04d``), which no parser reads as the year -39."""
    times = [cftime.DatetimeNoLeap(-40 + month // 12, month % 12 + 1, 15) for month in range(12 * 4)]
    assert held_time_range(times, 3, 47) == ("-0039", "-0037")
    chosen = [time for time in times if not outside_time_range((time, time), ("-0039", "-0037"))]
    assert (chosen[0], chosen[-1]) == (times[12], times[47])


@pytest.mark.parametrize(("calendar", "first_year"), [pytest.param("standard", "0001", id="standard"),
                                                      pytest.param("julian", "0001", id="julian"),
                                                      pytest.param("proleptic_gregorian", "0000", id="proleptic"),
                                                      pytest.param("360_day", "0000", id="360-day")])
def test_the_whole_years_after_a_part_year_before_year_1_are_years_of_the_calendar(calendar, first_year):
    """Values from July of year -1 (1 BC) on an axis from June: the whole years held begin with
    the next year, 0001 in a calendar without year 0 (held_time_range added 1 and advised
    '0000', which --time-range then refused); read back, the advice selects the steps from that
    January to the end."""
    has_year_zero = cftime.datetime(1, 1, 1, calendar=calendar).has_year_zero
    years = (0, 1, 2) if has_year_zero else (1, 2)
    months = [(-1, month) for month in range(6, 13)] + [(year, month) for year in years for month in range(1, 13)]
    times = [cftime.datetime(year, month, 15, calendar=calendar) for year, month in months]
    advised = held_time_range(times, 1, len(times) - 1)
    assert advised == (first_year, "0002")
    chosen = [time for time in times if not outside_time_range((time, time), advised)]
    assert chosen == times[7:]


@pytest.mark.parametrize(("time_range", "start", "after_last"), [
    pytest.param(("2019-09-13T12:00", "2019-12-31"), (2019, 9, 13, 12, 0), (2020, 1, 1, 0, 0), id="minute-to-day"),
    pytest.param(("2019-09-13T12", "2019-12-31T21"), (2019, 9, 13, 12, 0), (2019, 12, 31, 22, 0), id="whole-hours"),
    pytest.param(("2019-09-13 09:30", "2019-09-13T21:00"), (2019, 9, 13, 9, 30), (2019, 9, 13, 21, 1), id="minutes"),
])
def test_a_day_with_its_time_of_day_begins_and_ends_at_that_hour_or_minute(time_range, start, after_last):
    """break48c A2: a split by steps of 3-hourly data begins its test block at 12:00 of a day whose first four
    steps are of validation; a range given with the time of day chooses from there, the end inclusive of its hour
    or minute, as a day given is inclusive of its day."""
    assert range_bounds(time_range, "noleap") == (cftime.datetime(*start, calendar="noleap"),
                                                   cftime.datetime(*after_last, calendar="noleap"))


@pytest.mark.parametrize("text", [pytest.param("2019-09-13T24:00", id="hour-24"),
                                  pytest.param("2019-09-13T12:60", id="minute-60"),
                                  pytest.param("2019-09T12:00", id="a-month-with-an-hour")])
def test_a_time_of_day_that_is_none_is_refused_in_one_line(text):
    with pytest.raises(ClimannError, match="time_range value"):
        range_bounds((text, "2020"), "standard")
