import cftime
import numpy as np
import pytest

from climann.data.features import (
    days_in_year, decimal_year, hour_sin_cos, longitude_sin_cos, season_sin_cos, sub_daily, year_fraction,
)


@pytest.mark.parametrize(
    ("calendar", "year", "expected"),
    [
        pytest.param("noleap", 2000, 365, id="noleap"),
        pytest.param("360_day", 2001, 360, id="360_day"),
        pytest.param("all_leap", 2001, 366, id="all_leap"),
        pytest.param("standard", 2000, 366, id="standard-leap"),
        pytest.param("standard", 1900, 365, id="gregorian-1900"),
        pytest.param("julian", 1900, 366, id="julian-1900"),
    ],
)
def test_days_in_year_follows_the_calendar(calendar, year, expected):
    assert days_in_year(year, calendar) == expected


def test_year_fraction_of_a_360_day_calendar():
    times = [cftime.datetime(2001, 1, 1, calendar="360_day"), cftime.datetime(2001, 7, 1, 12, calendar="360_day")]
    # 1 July in a 360_day year is day 181: (180 + 0.5) / 360
    np.testing.assert_allclose(year_fraction(times), [0.0, 180.5 / 360])


def test_season_is_a_point_on_the_unit_circle_and_continuous_across_new_year():
    times = [cftime.datetime(2000, 12, 31, calendar="noleap"), cftime.datetime(2001, 1, 1, calendar="noleap")]
    sine, cosine = season_sin_cos(times)
    np.testing.assert_allclose(sine**2 + cosine**2, 1.0)
    assert np.hypot(sine[1] - sine[0], cosine[1] - cosine[0]) < 2 * np.pi / 365 * 1.01


def test_decimal_year():
    times = [cftime.datetime(1990, 7, 2, 12, calendar="noleap")]  # day 183 of 365, noon
    np.testing.assert_allclose(decimal_year(times), [1990 + 182.5 / 365])


def test_longitude_encoding_is_the_same_in_both_conventions():
    sine_360, cosine_360 = longitude_sin_cos(np.array([350.0, 10.0, 180.0]))
    sine_180, cosine_180 = longitude_sin_cos(np.array([-10.0, 10.0, -180.0]))
    np.testing.assert_allclose(sine_360, sine_180, atol=1e-12)
    np.testing.assert_allclose(cosine_360, cosine_180, atol=1e-12)


def test_the_hour_is_the_utc_time_of_day_on_the_unit_circle():
    """Hand values: 06:00 is a quarter turn (sin 1, cos 0), 18:00 three quarters, 01:30 is 1.5/24 of a turn;
    23:00 and 01:00 are as close as 00:00 and 02:00, across midnight."""
    times = [cftime.datetime(2001, 3, 5, hour, minute, calendar="360_day")
             for hour, minute in ((0, 0), (6, 0), (18, 0), (1, 30), (23, 0), (1, 0), (2, 0))]
    sine, cosine = hour_sin_cos(times)
    angles = 2 * np.pi * np.array([0, 6, 18, 1.5, 23, 1, 2]) / 24
    np.testing.assert_allclose(sine, np.sin(angles), atol=1e-12)
    np.testing.assert_allclose(cosine, np.cos(angles), atol=1e-12)
    np.testing.assert_allclose(sine[:3], [0, 1, -1], atol=1e-12)
    across = np.hypot(sine[5] - sine[4], cosine[5] - cosine[4])
    assert across == pytest.approx(np.hypot(sine[6] - sine[0], cosine[6] - cosine[0]))


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        pytest.param([(1, 0), (1, 3), (1, 6)], True, id="3-hourly"),
        pytest.param([(1, 12), (2, 12), (3, 12)], False, id="daily-at-noon"),
        pytest.param([(1, 0), (2, 0)], False, id="daily-at-midnight"),
        pytest.param([(1, 12)], False, id="one-step"),
    ],
)
def test_sub_daily_when_a_day_holds_two_steps(hours, expected):
    times = [cftime.datetime(2001, 1, day, hour, calendar="noleap") for day, hour in hours]
    assert sub_daily(times) is expected


def test_dates_repeated_across_series_are_no_time_of_day():
    """break43c A6: two members' monthly means of the same years, given as the training and the validation block of
    split_files, repeat every date: one series each, one time a day, no time of day to learn."""
    months = [cftime.Datetime360Day(2000 + month // 12, month % 12 + 1, 16) for month in range(24)]
    blocks = np.repeat([0, 24], 24)
    assert sub_daily(months + months) is True  # one series: two values on each day
    assert sub_daily(months + months, segment_starts=blocks) is False
    hours = [cftime.Datetime360Day(2000, 1, 1, hour) for hour in (0, 6, 12, 18)]
    assert sub_daily(hours + hours, segment_starts=np.repeat([0, 4], 4)) is True  # 6-hourly within each block
