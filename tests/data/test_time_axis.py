"""The nominal step of a time axis, judged against its calendar, and lags by time."""

import datetime
import re

import cftime
import numpy as np
import pytest

from climann.data.time_axis import (
    TimeStep, axis_time_step, cell_time_step, check_no_own_series_lag_names, check_strided_lags, date_text,
    own_series_lag_name, continues_series,
    date_parts, month_number, month_start, series_time_step, time_step_positions, values_text, year_span, years_later,
)
from climann.data.lags import lagged_steps
from climann.errors import ClimannError


def _months(calendar, first_year, n, *, day=15, skip=()):
    """Dates on ``day`` of n consecutive months from January of ``first_year``, less ``skip``."""
    return [
        cftime.datetime(first_year + k // 12, k % 12 + 1, day, calendar=calendar) for k in range(n) if k not in skip
    ]


def _month_midpoints(calendar, first_year, n):
    """The midpoints of the months' bounds (how CMOR stamps monthly means)."""
    edges = [cftime.datetime(first_year + k // 12, k % 12 + 1, 1, calendar=calendar) for k in range(n + 1)]
    return [start + (end - start) / 2 for start, end in zip(edges[:-1], edges[1:])]


@pytest.mark.parametrize(
    "times",
    [
        pytest.param(_months("360_day", 1960, 30, day=16), id="360_day"),
        pytest.param(_months("noleap", 2000, 30), id="noleap"),
        pytest.param(_months("standard", 1580, 40), id="standard-day-15-across-1582"),
        pytest.param(_month_midpoints("standard", 1580, 40), id="standard-midpoints-across-1582"),
        pytest.param(_month_midpoints("julian", 1580, 40), id="julian-midpoints"),
        pytest.param(_months("gregorian", 1582, 12, day=1), id="gregorian-month-starts-1582"),
    ],
)
def test_a_monthly_axis_is_monthly_in_every_calendar(times):
    step, positions = time_step_positions(times)
    assert step.name == "monthly"
    np.testing.assert_array_equal(positions, np.arange(len(times)))


def test_october_1582_is_21_days_long_yet_one_month():
    times = _month_midpoints("standard", 1582, 12)
    assert (times[10] - times[9]).days < 28  # the midpoints are closer than any ordinary month
    assert time_step_positions(times)[0].name == "monthly"


def test_gaps_in_a_monthly_axis_are_missing_positions():
    times = _months("noleap", 2000, 48, skip=(15, 16, 17))
    step, positions = time_step_positions(times)
    assert step.name == "monthly"
    np.testing.assert_array_equal(positions, [k for k in range(48) if k not in (15, 16, 17)])


@pytest.mark.parametrize(
    ("days", "skip"),
    [
        pytest.param({0: 15, 1: 15, 2: 15, 3: 1, 4: 1, 5: 1}, (), id="15th-then-1st"),
        pytest.param({k: 15 for k in range(6)} | {3: 2}, (), id="one-stamp-on-the-2nd"),
        pytest.param({0: 16, 1: 15, 2: 28, 3: 5, 4: 15, 5: 16}, (), id="scattered-within-months"),
        pytest.param({0: 15, 1: 15, 2: 1, 3: 1, 4: 1, 5: 1}, (3,), id="with-a-gap"),
    ],
)
def test_one_time_in_each_calendar_month_is_monthly_wherever_in_its_month(days, skip):
    times = [cftime.datetime(2003, k + 1, day, calendar="standard") for k, day in days.items() if k not in skip]
    step, positions = time_step_positions(times)
    assert step.name == "monthly"
    np.testing.assert_array_equal(positions, [time.month - 1 for time in times])


@pytest.mark.parametrize(
    ("hours", "skip"),
    [
        pytest.param([12] * 8 + [0] * 8, (), id="12h-then-00h"),
        pytest.param([12] * 8 + [6] * 8, (), id="12h-then-06h"),
        pytest.param([12] * 8 + [0] * 8, (3, 9), id="with-gaps"),
    ],
)
def test_one_time_in_each_calendar_day_at_other_hours_is_daily(hours, skip):
    """Daily values stamped at 12:00 in one file and at another hour in the next: one a day,
    not a 12- or 6-hourly axis with every other step missing."""
    first = cftime.datetime(2001, 2, 26, calendar="noleap")
    times = [first + datetime.timedelta(days=k, hours=hour) for k, hour in enumerate(hours) if k not in skip]
    step, positions = time_step_positions(times)
    assert step.name == "daily"
    np.testing.assert_array_equal(positions, [k for k in range(len(hours)) if k not in skip])


@pytest.mark.parametrize(
    ("hours", "name"),
    [
        pytest.param([0, 12, 24, 36, 48], "12-hourly", id="twice-a-day"),
        pytest.param([0, 36, 72, 108, 144, 180, 216], "1.5 days", id="every-36-hours"),
        pytest.param([12, 36, 60, 84], "daily", id="daily-at-noon"),
        pytest.param([0, 0.5, 1, 1.5], "every 30 minutes", id="half-hourly"),
        # CALIPSO's profiles, one every 3.725 s, read "0.00103472-hourly" (break41b B12)
        pytest.param([k * 3.725 / 3600 for k in range(5)], "every 3.725 seconds", id="calipso-seconds"),
    ],
)
def test_steps_of_fixed_length_keep_their_length(hours, name):
    first = cftime.datetime(2001, 1, 1, calendar="standard")
    step, _ = time_step_positions([first + datetime.timedelta(hours=hour) for hour in hours])
    assert step.name == name


def test_times_31_days_apart_stay_31_days_though_each_is_in_its_own_month():
    first = cftime.datetime(2001, 1, 1, calendar="standard")
    times = [first + datetime.timedelta(days=31 * k) for k in range(12)]
    assert len({(time.year, time.month) for time in times}) == 12  # one per month, drifting within it
    step, positions = time_step_positions(times)
    assert step.name == "31 days"
    np.testing.assert_array_equal(positions, np.arange(12))


def test_a_daily_axis_across_the_1582_switch_is_daily():
    first = cftime.datetime(1582, 10, 1, calendar="standard")
    times = [first + datetime.timedelta(days=k) for k in range(10)]
    assert (times[3].day, times[4].day) == (4, 15)  # the calendar skips ten dates
    step, positions = time_step_positions(times)
    assert step.name == "daily"
    np.testing.assert_array_equal(positions, np.arange(10))


@pytest.mark.parametrize(
    ("hours", "name", "positions"),
    [
        pytest.param([0, 6, 12, 24, 30], "6-hourly", [0, 1, 2, 4, 5], id="6-hourly-with-gap"),
        pytest.param([0, 24, 72], "daily", [0, 1, 3], id="daily-with-gap"),
        pytest.param([0, 120, 240], "5 days", [0, 1, 2], id="pentads"),
    ],
)
def test_fixed_steps_are_exact_durations(hours, name, positions):
    first = cftime.datetime(2001, 2, 27, calendar="noleap")
    times = [first + datetime.timedelta(hours=h) for h in hours]
    step, found = time_step_positions(times)
    assert step.name == name
    np.testing.assert_array_equal(found, positions)


@pytest.mark.parametrize(
    "times",
    [
        pytest.param([cftime.datetime(2000, 1, d, calendar="noleap") for d in (1, 2, 4)][:1], id="single"),
        pytest.param(
            [cftime.datetime(2000, 1, 1, calendar="noleap") + datetime.timedelta(hours=h) for h in (0, 24, 60)],
            id="1-and-1.5-days",
        ),
        pytest.param([cftime.datetime(2000, m, d, calendar="noleap") for m, d in ((1, 1), (1, 20), (3, 5))],
                     id="scattered-days"),
        pytest.param([cftime.datetime(2000, 1, d, calendar="noleap") for d in (3, 2, 1)], id="decreasing"),
    ],
)
def test_axes_without_a_nominal_step(times):
    assert time_step_positions(times) == (None, None)


def test_lags_are_by_date_and_missing_in_a_gap():
    times = _months("noleap", 2000, 24, skip=(5, 6))
    lagged = lagged_steps(times, [1, 12])
    months = [(t.year, t.month) for t in times]
    for lag in (1, 12):
        for index, earlier in enumerate(lagged.earlier[lag]):
            year, month = divmod(times[index].year * 12 + times[index].month - 1 - lag, 12)
            wanted = (year, month + 1)
            assert earlier == (months.index(wanted) if wanted in months else -1)
    # July 2000 (its June is missing) and June/July 2001 (a year back is missing) are in gaps;
    # the first steps are before the axis, not in a gap
    assert [times[i].strftime("%Y-%m") for i in np.flatnonzero(lagged.in_gap[1])] == ["2000-08"]
    assert [times[i].strftime("%Y-%m") for i in np.flatnonzero(lagged.in_gap[12])] == ["2001-06", "2001-07"]


def test_lags_stay_within_their_segment():
    times = _months("noleap", 2000, 6) + _months("noleap", 2000, 6)  # two scenarios over the same months
    starts = np.repeat([0, 6], 6)
    earlier = lagged_steps(times, [1], segment_starts=starts).earlier[1]
    np.testing.assert_array_equal(earlier, [-1, 0, 1, 2, 3, 4, -1, 6, 7, 8, 9, 10])


def test_lags_with_a_time_stride_on_an_axis_with_gaps_are_refused_naming_both():
    """verify18 F9: every 2nd step of a monthly axis lacking June 2000 is 2 or 3 months from the
    next (by hand: kept months 0, 2, 4, 7, 9, … of positions 0…23), so the kept axis had a
    1-month step and lag 1 was missing everywhere: "no sample … check its file"."""
    times = _months("noleap", 2000, 24, skip=(5,))
    kept = np.flatnonzero(np.arange(24) != 5)[::2]
    assert sorted(set(np.diff(kept))) == [2, 3]
    with pytest.raises(ClimannError) as error:
        check_strided_lags(times, time_stride=2, lags={"pred": (1, 12)}, target="lwe")
    assert str(error.value) == (
        "time_stride 2 (--time-stride) with lags (pred=1,12) on a monthly time axis with gaps ('lwe' lacks 1 of its "
        "monthly steps, after 2000-05-15): the steps kept, one in 2, are 2 to 3 months apart, not 2 months, so a "
        "lag, which counts the steps kept, would be missing or of changing length; leave out --time-stride (the lags "
        "then count 1 month steps, a predictor's from its own series), or leave out the lags")


@pytest.mark.parametrize(("skip", "stride", "lags"), [
    pytest.param((), 2, {"pred": (1,)}, id="complete-axis"),
    pytest.param((5,), 1, {"pred": (1,)}, id="no-stride"),
    pytest.param((5,), 2, {}, id="no-lags"),
    pytest.param((5, 6), 2, {"pred": (1,)}, id="a-gap-of-2-steps-keeps-every-2nd-month"),
])
def test_a_stride_or_lags_alone_or_on_a_complete_axis_pass(skip, stride, lags):
    check_strided_lags(_months("noleap", 2000, 24, skip=skip), time_stride=stride, lags=lags, target="lwe")


def _chosen_months(months, years=4):
    """Monthly dates of ``years`` years from 1990, only in ``months`` (as --months or --seasons keeps them)."""
    return [time for time in _months("standard", 1990, 12 * years) if time.month in months]


@pytest.mark.parametrize(("months", "choice", "kept"), [
    pytest.param((12, 1, 2), {"seasons": ("DJF",)}, "1990-01-15, 1990-12-15, 1991-02-15, 1992-01-15, …",
                 id="DJF-positions-off-the-grid"),
    pytest.param((1, 3, 5, 7), {"months": (1, 3, 5, 7)}, "1990-01-15, 1990-05-15, 1991-01-15, 1991-05-15, …",
                 id="January-and-May-4-and-8-months-apart"),
])
def test_a_stride_over_chosen_months_with_lags_is_refused_naming_the_choice(months, choice, kept):
    """verify20 F5: --seasons DJF with stride 2 and lags was refused as if tas.nc lacked 180 steps
    (the months --seasons left out); --months 1,3,5,7 with stride 2 passed and lost every
    January's lag (kept: January and May, by hand 4 then 8 months apart)."""
    with pytest.raises(ClimannError) as error:
        check_strided_lags(_chosen_months(months), time_stride=2, lags={"tas": (1,)}, target="tas", **choice)
    message = str(error.value)
    chosen = "--seasons DJF" if "seasons" in choice else "--months 1,3,5,7"
    assert message.startswith(f"time_stride 2 (--time-stride) with lags (tas=1) over the months chosen ({chosen}): "
                              f"the steps kept, one in 2 of theirs ({kept}), are not evenly spaced")
    assert "lacks" not in message and "leave out --time-stride" in message and "--months 1,3,5,7,9,11" in message


@pytest.mark.parametrize("months", [
    pytest.param((1, 3, 5, 7, 9, 11), id="January-May-September-every-4-months"),
    pytest.param((1, 7), id="every-other-January"),
])
def test_a_stride_over_months_it_keeps_evenly_spaced_passes(months):
    kept = _chosen_months(months)[::2]
    apart = np.diff([12 * time.year + time.month for time in kept])
    assert len(set(apart)) == 1  # by hand: one spacing, so lag 1 is the step kept before
    check_strided_lags(_chosen_months(months), time_stride=2, lags={"tas": (1,)}, target="tas", months=months)


def test_lags_on_an_irregular_axis_are_refused_in_one_line():
    times = [cftime.datetime(2000, 1, 1, calendar="noleap") + datetime.timedelta(hours=h) for h in (0, 24, 60)]
    with pytest.raises(ClimannError, match="lags need a time axis with a regular step .* 'valid_time'") as error:
        lagged_steps(times, [1], name="valid_time")
    assert "\n" not in str(error.value)


def test_lags_on_a_single_time_ask_for_the_earlier_steps_without_step_grammar_slips():
    times = [cftime.datetime(1990, 4, 16, calendar="noleap")]
    with pytest.raises(ClimannError) as error:
        lagged_steps(times, [1, 2])
    assert str(error.value) == ("lags take the values up to 2 steps before each time step, but 'time' holds a single "
                                "time step (1990-04-16 00:00:00); give data from at least 2 steps before the first "
                                "one to predict")


def _cells(calendar, starts, months=0, days=0):
    """Bounds [start, start + months (calendar) + days] of each (year, month, day) start."""
    def shifted(year, month, day):
        later = year * 12 + month - 1 + months
        return cftime.datetime(later // 12, later % 12 + 1, day, calendar=calendar) + datetime.timedelta(days=days)
    return np.array([[cftime.datetime(*start, calendar=calendar), shifted(*start)] for start in starts])


@pytest.mark.parametrize(
    ("bounds", "name"),
    [
        pytest.param(_cells("noleap", [(y, 1, 1) for y in range(1990, 1994)], months=1), "monthly",
                     id="januaries-12-months-apart-are-monthly"),
        pytest.param(_cells("standard", [(2000, m, 1) for m in (1, 2, 7, 12)], months=1), "monthly",
                     id="months-of-28-to-31-days"),
        pytest.param(_cells("standard", [(1582, 10, 1)], months=1), "monthly", id="october-1582-21-days"),
        pytest.param(_cells("360_day", [(y, 12, 1) for y in range(1990, 1993)], months=3), "seasonal (every 3 months)",
                     id="djf-seasons"),
        pytest.param(_cells("noleap", [(y, 1, 1) for y in (1990, 1995)], months=12), "yearly", id="years"),
        pytest.param(_cells("noleap", [(1990, 1, d) for d in (1, 8, 15)], days=1), "daily", id="days-a-week-apart"),
        pytest.param(_cells("noleap", [(1990, 1, 1), (1990, 3, 1)], days=5), "5 days", id="pentads"),
    ],
)
def test_the_cell_step_is_the_length_of_the_time_cells(bounds, name):
    assert cell_time_step(bounds).name == name


def test_cells_of_different_lengths_have_no_cell_step():
    bounds = np.concatenate([_cells("noleap", [(1990, 1, 1)], months=1), _cells("noleap", [(1990, 2, 1)], days=1)])
    assert cell_time_step(bounds) is None


def test_cells_given_upper_vertex_first_are_read_in_order():
    assert cell_time_step(_cells("noleap", [(1990, 1, 1), (1991, 1, 1)], months=1)[:, ::-1]).name == "monthly"


def _days(first_day, n, calendar="noleap"):
    start = cftime.datetime(1996, 1, 1, calendar=calendar) + datetime.timedelta(days=first_day)
    return [start + datetime.timedelta(days=day) for day in range(n)]


@pytest.mark.parametrize(
    ("times", "starts", "expected"),
    [
        pytest.param(_months("noleap", 2001, 24, skip=range(3, 6)), None, TimeStep(months=1), id="monthly-with-a-gap"),
        pytest.param(_days(0, 10), None, TimeStep(duration=datetime.timedelta(days=1)), id="daily"),
        pytest.param(_months("noleap", 2001, 36)[::12], None, TimeStep(months=12), id="januaries-are-yearly"),
        pytest.param(_months("noleap", 2001, 12) + _months("noleap", 2001, 12), np.repeat([0, 12], 12),
                     TimeStep(months=1), id="two-datasets-both-monthly"),
        pytest.param(_months("noleap", 2001, 12) + _days(0, 12), np.repeat([0, 12], 12), None,
                     id="two-datasets-monthly-and-daily"),
        pytest.param(_months("noleap", 2001, 1), None, None, id="one-time"),
    ],
)
def test_the_axis_step_is_the_step_lags_go_by(times, starts, expected):
    assert axis_time_step(times, segment_starts=starts) == expected
    if expected is not None and starts is None:
        assert lagged_steps(times, [1]).step == expected


@pytest.mark.parametrize(
    ("step", "record", "days"),
    [
        pytest.param(TimeStep(months=1), {"name": "monthly", "months": 1, "microseconds": 0}, 365.25 / 12, id="monthly"),
        pytest.param(TimeStep(months=3), {"name": "seasonal (every 3 months)", "months": 3, "microseconds": 0},
                     365.25 / 4, id="seasonal"),
        pytest.param(TimeStep(duration=datetime.timedelta(hours=6)),
                     {"name": "6-hourly", "months": 0, "microseconds": 6 * 3600 * 10**6}, 0.25, id="6-hourly"),
    ],
)
def test_a_step_is_recorded_exactly_and_read_back(step, record, days):
    assert step.record() == record
    assert TimeStep.from_record(step.record()) == step
    assert step.approximate_days == pytest.approx(days, rel=1e-12)


def _bounded(calendar, starts, months):
    """Cells of ``months`` calendar months from each (year, month) of ``starts``."""
    def month(year, number):
        return cftime.datetime(year + (number - 1) // 12, (number - 1) % 12 + 1, 1, calendar=calendar)

    return np.array([[month(year, number), month(year, number + months)] for year, number in starts])


@pytest.mark.parametrize("cells, spacing, bounds, text", [
    pytest.param(TimeStep(months=3), TimeStep(months=12), _bounded("noleap", [(y, 12) for y in range(1990, 1993)], 3),
                 "values of 3-month cells (DJF) a year apart", id="djf-a-year-apart"),
    pytest.param(TimeStep(months=4), TimeStep(months=12), _bounded("360_day", [(y, 6) for y in range(1990, 1993)], 4),
                 "values of 4-month cells (JJAS) a year apart", id="jjas-a-year-apart"),
    pytest.param(TimeStep(months=1), TimeStep(months=12), _bounded("standard", [(y, 1) for y in range(1990, 1993)], 1),
                 "values of 1-month cells (January) a year apart", id="januaries"),
    pytest.param(TimeStep(months=3), TimeStep(months=3), None, "seasonal (every 3 months)", id="seasons-every-3-months"),
    pytest.param(None, TimeStep(months=12), None, "yearly", id="no-bounds"),
    pytest.param(TimeStep(duration=datetime.timedelta(days=1)), TimeStep(duration=datetime.timedelta(days=5)), None,
                 "values of 1-day cells 5 days apart", id="days-5-days-apart"),
])
def test_values_are_named_by_their_cells_and_their_spacing_when_the_two_differ(cells, spacing, bounds, text):
    if bounds is not None:
        assert cell_time_step(bounds) == cells  # the bounds are what the cells say
    assert values_text(cells, spacing, bounds) == text


def _month_cell(year, month):
    """The CF bounds of one calendar month (noleap)."""
    end = (year + 1, 1) if month == 12 else (year, month + 1)
    return [cftime.datetime(year, month, 1, calendar="noleap"), cftime.datetime(*end, 1, calendar="noleap")]


JULY_16 = cftime.datetime(2030, 7, 16, 12, calendar="noleap")


@pytest.mark.parametrize(("times", "known", "bounds", "expected"), [
    pytest.param([JULY_16], None, [_month_cell(2030, 7)], TimeStep(months=1), id="one-july-with-bounds"),
    pytest.param([JULY_16], TimeStep(months=1), None, TimeStep(months=1), id="one-july-of-a-monthly-run"),
    pytest.param([JULY_16], TimeStep(months=12), [_month_cell(2030, 7)], TimeStep(months=12),
                 id="the-runs-step-first"),
    pytest.param([JULY_16], None, None, None, id="one-time-nothing-tells"),
    pytest.param([JULY_16, cftime.datetime(2030, 8, 16, 12, calendar="noleap")], None, None, TimeStep(months=1),
                 id="two-months-by-their-spacing"),
    pytest.param([cftime.datetime(2030, m, 16, calendar="noleap") for m in (1, 4, 7)], TimeStep(months=1), None,
                 TimeStep(months=3), id="three-times-by-their-spacing"),
])
def test_the_step_of_a_short_series_is_the_recorded_one_or_its_cells(times, known, bounds, expected):
    """One July mean has no spacing: its step (and so whether it covers a year) comes from the
    run's recorded step or its time bounds."""
    assert series_time_step(np.array(times), known_step=known,
                            bounds=None if bounds is None else np.array(bounds)) == expected


def test_a_file_variable_named_as_an_own_series_lag_is_refused_with_its_rename():
    check_no_own_series_lag_names(["x", "x_lag1", "x@lagged", "tas@2m"], "data/at name.nc")  # other names pass
    assert own_series_lag_name("x", 1) == "x@lag1"
    with pytest.raises(ClimannError) as raised:
        check_no_own_series_lag_names(["y", "x", "x@lag12"], "data/at name.nc")
    assert str(raised.value) == (
        "at name.nc: variable 'x@lag12' is named as climann names the lag 12 of 'x' taken from its own series, and "
        "would be taken for it; give it another name: ncrename -v x@lag12,x_at_lag12 'data/at name.nc' "
        "'data/at name_fixed.nc' (or, in train, --rename 'at name.nc:x@lag12=x_at_lag12')")


def _composite_cells(years, days: int = 8) -> list[tuple]:
    """MODIS-like composites: starting on days 1, 1 + days, … of each year, the last one cut at 1 January."""
    cells = []
    for year in years:
        first, next_year = cftime.DatetimeGregorian(year, 1, 1), cftime.DatetimeGregorian(year + 1, 1, 1)
        start = first
        while start < next_year:
            cells.append((start, min(start + datetime.timedelta(days=days), next_year)))
            start += datetime.timedelta(days=days)
    return cells


@pytest.mark.parametrize(("times", "expected"), [
    pytest.param([start for start, _ in _composite_cells(range(2003, 2008))], 8, id="modis-8-day-starts"),
    pytest.param([start + (end - start) / 2 for start, end in _composite_cells(range(2003, 2008))], 8,
                 id="modis-8-day-middles-leap-years"),
    pytest.param([start for start, _ in _composite_cells(range(2003, 2006), 16)], 16, id="modis-16-day"),
    pytest.param([start for start, _ in _composite_cells(range(2003, 2006))][3:-2], 8, id="partial-first-last-years"),
    pytest.param([cftime.DatetimeGregorian(2003, 1, 1) + datetime.timedelta(days=8 * k) for k in range(100)], None,
                 id="regular-8-day-across-years"),
    pytest.param([start for k, (start, _) in enumerate(_composite_cells(range(2003, 2006))) if k != 10], 8,
                 id="a-composite-missing"),
    pytest.param([start for k, (start, _) in enumerate(_composite_cells(range(2001, 2006), 16)) if k != 10], 16,
                 id="16-day-one-missing-break38b-a1"),
    pytest.param([start + (end - start) / 2 for k, (start, end) in enumerate(_composite_cells(range(2003, 2006)))
                  if k not in (45, 46, 100)], 8, id="middles-year-end-and-start-missing"),
    pytest.param([cftime.Datetime360Day(2003, 1, 1) + datetime.timedelta(days=10 * k) for k in range(100)], None,
                 id="regular-10-day-360-day-calendar"),
    pytest.param([start + datetime.timedelta(days=k % 2) for k, (start, _) in enumerate(_composite_cells(range(2003, 2006)))],
                 None, id="stamps-at-two-places"),
    pytest.param([cftime.DatetimeGregorian(2003 + k // 12, k % 12 + 1, 1) for k in range(36)], None, id="monthly"),
])
def test_a_series_restarting_on_1_january_is_known_with_its_step(times, expected):
    from climann.data.time_axis import yearly_restart_days

    assert yearly_restart_days(times) == expected


def _period_series():
    from tests.data.test_composites import _chirps_pentads, _composites, _cpc_pentads, _month_periods

    return [
        pytest.param(np.array([start + (end - start) / 2 for start, end in _composite_cells(range(2003, 2008))]),
                     "8-day composite", id="modis-8-day-middles"),
        pytest.param(_composites(16, years=(2000, 2001, 2002)), "16-day composite", id="modis-16-day"),
        pytest.param(_composites(10, years=(2000, 2001)), "10-day composite", id="10-day-restarting"),
        pytest.param(_month_periods((1, 16), middles=True), "half-month", id="half-months"),
        pytest.param(_month_periods((1, 11, 21)), "dekad", id="dekads"),
        pytest.param(_cpc_pentads(), "pentad", id="cpc-pentads-leap-2000"),
        pytest.param(_cpc_pentads(middles=True), "pentad", id="cpc-pentads-middles"),
        pytest.param(_chirps_pentads(), "pentad", id="chirps-pentads"),
    ]


def _numpy_lag(kept: np.ndarray, lag: int) -> np.ndarray:
    """Index into the kept periods of the period ``lag`` before each in the whole series (numpy:
    the whole series' indices shifted by ``lag``, looked up among those kept), −1 where not kept."""
    whole = np.full(kept.max() + 1, -1)
    whole[kept] = np.arange(kept.size)
    shifted = kept - lag
    return np.where(shifted >= 0, whole[np.maximum(shifted, 0)], -1)


@pytest.mark.parametrize(("times", "period"), _period_series())
@pytest.mark.parametrize("missing", [pytest.param((), id="complete"), pytest.param((0, 23, 24, 50), id="gaps")])
def test_lags_on_a_period_calendar_count_its_periods_across_years(times, period, missing):
    """break38c T1/T2: lags on MODIS's composites, half-months, dekads and CPC's pentads were refused
    ("lags need a time axis with a regular step"); lag k is the k-th period before, across a new
    year (numpy: the series' indices shifted by k), missing where that period is not in the data."""
    kept = np.delete(np.arange(len(times)), missing)
    lagged = lagged_steps(times[kept], [1, 2, 5])
    assert lagged.step.period == period and lagged.step.span(2) == f"2 {period}s"
    for lag in (1, 2, 5):
        np.testing.assert_array_equal(lagged.earlier[lag], _numpy_lag(kept, lag))
        assert lagged.in_gap[lag].sum() == np.count_nonzero((_numpy_lag(kept, lag) < 0) & (kept - lag >= kept[0]))


def test_a_lag_that_is_not_of_a_period_calendar_says_which_calendars_it_takes():
    times = [cftime.DatetimeGregorian(2000, 1, 1) + datetime.timedelta(days=d) for d in (0, 5, 11, 16, 23)]
    with pytest.raises(ClimannError) as error:
        lagged_steps(times, [1])
    assert str(error.value) == (
        "lags need a time axis with a regular step (monthly, daily, …) or of a calendar of periods (N-day composites "
        "restarting each 1 January as MODIS's, half-months, dekads, CPC's 73 pentads a year, CHIRPS's 72 (6 a month)), "
        "but 'time' (5 time "
        "steps, 2000-01-01 00:00:00 … 2000-01-24 00:00:00) has neither; give data at a regular step or of such "
        "periods, each dated at one place in its period, or, when training, remove [data] lags")


_SIX_HOURS = datetime.timedelta(hours=6)


@pytest.mark.parametrize(
    ("time", "precision", "expected"),
    [
        # 360_day: every month has 30 days, so the day after 29 February 2000 is 30 February
        pytest.param(cftime.datetime(2000, 2, 29, calendar="360_day") + datetime.timedelta(days=1), "day",
                     "2000-02-30", id="360_day-daily-february-30"),
        pytest.param(cftime.datetime(2000, 2, 30, 18, calendar="360_day") + _SIX_HOURS, "minute",
                     "2000-03-01 00:00", id="360_day-sub-daily-midnight-shown"),
        pytest.param(cftime.datetime(1999, 12, 30, 12, calendar="360_day") + datetime.timedelta(days=1), "month",
                     "2000-01", id="360_day-monthly-new-year"),
        pytest.param(cftime.datetime(850, 1, 1, calendar="360_day") + datetime.timedelta(seconds=61), "second",
                     "0850-01-01 00:01:01", id="360_day-seconds-year-850"),
        # proleptic Gregorian in NumPy: 2000 is a leap year (divisible by 400), 1900 was not
        pytest.param(np.datetime64("2000-02-28T12:00") + np.timedelta64(1, "D"), "day", "2000-02-29",
                     id="datetime64-daily-leap-day"),
        pytest.param(np.datetime64("1900-02-28T18:00") + np.timedelta64(6, "h"), "minute", "1900-03-01 00:00",
                     id="datetime64-sub-daily-1900-no-leap-day"),
        pytest.param(np.datetime64("2001-12-31T18:00", "ns") + np.timedelta64(6, "h"), "month", "2002-01",
                     id="datetime64-monthly-new-year"),
        pytest.param(np.datetime64("2000-02-29T23:59:59"), "second", "2000-02-29 23:59:59",
                     id="datetime64-seconds"),
        pytest.param(np.datetime64("2000-02-29T06:30", "ns"), None, "2000-02-29 06:30",
                     id="datetime64-unset-hour-shown"),
        pytest.param(np.datetime64("2000-03-01T00:00", "ns"), None, "2000-03-01", id="datetime64-unset-midnight"),
        pytest.param(np.datetime64("NaT", "ns"), "day", "NaT", id="datetime64-missing"),
        # ISO 8601 expanded years (break32b A4b): -9 was "-009", as if three digits were a year's
        pytest.param(cftime.datetime(-9, 1, 1, calendar="noleap", has_year_zero=True), None, "-0009-01-01",
                     id="noleap-year-minus-9"),
        pytest.param(cftime.datetime(0, 7, 1, calendar="proleptic_gregorian", has_year_zero=True), "month", "0000-07",
                     id="proleptic-year-0"),
        pytest.param(cftime.datetime(-20050, 1, 1, calendar="360_day", has_year_zero=True), "day", "-20050-01-01",
                     id="360_day-five-digit-year"),
        pytest.param(np.datetime64("-0009-03-01T06:30"), None, "-0009-03-01 06:30", id="datetime64-year-minus-9"),
    ],
)
def test_date_text_shows_the_date_to_the_precision_asked(time, precision, expected):
    assert date_text(time, precision=precision) == expected


@pytest.mark.parametrize("first, last, expected", [
    pytest.param(1980, 1993, "1980–1993", id="years-AD"),
    pytest.param(1985, 1985, "1985", id="one-year"),
    pytest.param(850, 852, "0850–0852", id="below-1000"),
    pytest.param(-20000, -19994, "-20000 to -19994", id="five-digits-before-0"),
    pytest.param(-40, -13, "-0040 to -0013", id="before-0"),
    pytest.param(-3, 2, "-0003 to 0002", id="across-year-0"),
    pytest.param(-1050, 980, "-1050 to 0980", id="across-year-0-ice-core"),
])
def test_a_span_of_years_is_written_with_signed_iso_years(first, last, expected):
    """``-40–-13`` read as a double dash: a span with a year before 0 is written with ``to``; the
    sign only where a year is negative, as a split's blocks write it (break41c P1, fix41i), so
    that one span reads alike everywhere (fix41m: ``year_span`` still wrote ``-0003 to +0002``)."""
    assert year_span(first, last) == expected
    assert date_parts(re.split("–| to ", expected)[-1]) == (last,)  # read back as --time-range reads it


@pytest.mark.parametrize("years, expected", [
    pytest.param(list(range(-1050, 400, 30)), "-1050 … 0390 (49 steps of 30 years)", id="stepped-across-0"),
    pytest.param([-2, -1, 0, 1, 2, 5], "-0002 to 0002, 0005", id="runs-across-0"),
    pytest.param(list(range(390, 700, 30)), "0390 … 0690 (11 steps of 30 years)", id="after-0-unsigned"),
])
def test_periods_across_year_0_sign_only_the_negative_years(years, expected):
    """A block's years with one before year 0 are written with ``to``, the sign only where a year is negative
    (break41c P1: ``-0001 to +0004`` beside ``0005–0010`` in one split)."""
    from climann.data.splits import compact_periods, years_text

    assert compact_periods(years_text(years)) == expected


_CALENDARS_AROUND_1_BC = [pytest.param("standard", id="standard"), pytest.param("julian", id="julian"),
                          pytest.param("proleptic_gregorian", id="proleptic"), pytest.param("360_day", id="360-day")]


@pytest.mark.parametrize("calendar", _CALENDARS_AROUND_1_BC)
def test_years_are_counted_across_1_bc_as_the_calendar_numbers_them(calendar):
    """CF §4.4.1, cftime: year -1 (1 BC) is followed by year 1 where the calendar has no year 0."""
    has_year_zero = cftime.datetime(1, 1, 1, calendar=calendar).has_year_zero
    years = [-3, -2, -1, 0, 1, 2] if has_year_zero else [-3, -2, -1, 1, 2, 3]
    assert [years_later(years[0], count, has_year_zero=has_year_zero) for count in range(6)] == years
    assert [years_later(years[-1], -count, has_year_zero=has_year_zero) for count in range(6)] == years[::-1]


@pytest.mark.parametrize("calendar", _CALENDARS_AROUND_1_BC)
def test_monthly_steps_across_1_bc_are_one_month_apart(calendar):
    """December of 1 BC and January after it are one month apart in every calendar: a monthly
    axis across them is regular without a gap (the month count jumped 13 months in ``standard``
    and ``julian``, and the month after December -1 was built in their missing year 0)."""
    has_year_zero = cftime.datetime(1, 1, 1, calendar=calendar).has_year_zero
    after = 0 if has_year_zero else 1
    times = [cftime.datetime(-1, month, 15, calendar=calendar) for month in (10, 11, 12)]
    times += [cftime.datetime(after, month, 15, calendar=calendar) for month in (1, 2, 3)]
    assert np.diff([month_number(time) for time in times]).tolist() == [1] * 5
    assert month_start(month_number(times[2]) + 1, times[2]) == cftime.datetime(after, 1, 1, calendar=calendar)
    step, positions = time_step_positions(times)
    assert step == TimeStep(months=1)
    assert np.diff(positions).tolist() == [1] * 5


@pytest.mark.parametrize("calendar, start", [
    pytest.param("standard", (1582, 9, 20), id="standard-across-the-1582-switch"),
    pytest.param("standard", (2018, 12, 30), id="standard"),
    pytest.param("julian", (1582, 9, 1), id="julian"),
    pytest.param("360_day", (1999, 11, 1), id="360_day"),
    pytest.param("noleap", (1, 12, 1), id="noleap"),
    pytest.param("proleptic_gregorian", (1899, 12, 30), id="proleptic_gregorian"),
    pytest.param("all_leap", (2000, 1, 1), id="all_leap"),
])
def test_microsecond_differences_are_cftimes_own_across_years(calendar, start):
    """break42d R1: the spacings are read from the times' fields in one pass (exactly, a cftime
    subtraction per pair before), across year ends and leap days, and in the standard calendar's
    switch year (10 days skipped in October 1582)."""
    from climann.data.time_axis import _seconds_into_year, _seconds_into_years, microsecond_differences

    rng = np.random.default_rng(11)
    first = cftime.datetime(*start, calendar=calendar)
    times = [first + datetime.timedelta(microseconds=int(offset))
             for offset in np.cumsum(rng.integers(1, 10**11, 2000))]  # up to 28 h apart, over 3 years
    by_cftime = [(later - earlier) // datetime.timedelta(microseconds=1) for earlier, later in zip(times, times[1:])]
    assert microsecond_differences(times).tolist() == by_cftime
    assert _seconds_into_years(times).tolist() == [_seconds_into_year(time) for time in times]


def _piece_months(first_year, first_month, count, calendar="standard", day=15):
    return [cftime.datetime(first_year + (first_month - 1 + k) // 12, (first_month - 1 + k) % 12 + 1, day,
                            calendar=calendar) for k in range(count)]


@pytest.mark.parametrize(("before", "after", "expected"), [
    pytest.param(_piece_months(2004, 1, 180), _piece_months(2019, 1, 1), True, id="one-month-after-fifteen-years"),
    pytest.param(_piece_months(2004, 1, 180), _piece_months(2019, 1, 6), True, id="half-year-after"),
    pytest.param(_piece_months(2019, 1, 1), _piece_months(2019, 2, 1), True, id="two-single-months"),
    pytest.param(_piece_months(2004, 1, 180), _piece_months(2019, 2, 6), False, id="a-month-gap"),
    pytest.param(_piece_months(2004, 1, 24), _piece_months(2004, 1, 24), False, id="same-dates-members"),
    pytest.param(_piece_months(2004, 1, 24), _piece_months(2005, 6, 12), False, id="overlap"),
    pytest.param(_piece_months(2004, 1, 24), _piece_months(2003, 1, 12), False, id="earlier"),
    pytest.param(_piece_months(2004, 1, 24, "360_day"), _piece_months(2006, 1, 3, "360_day"), True, id="360-day"),
    pytest.param([cftime.datetime(2004, 1, day, 12, calendar="noleap") for day in (1, 2, 3)],
                 [cftime.datetime(2004, 1, 4, 12, calendar="noleap")], True, id="daily"),
    pytest.param([cftime.datetime(2004, 1, day, 12, calendar="noleap") for day in (1, 2, 3)],
                 _piece_months(2004, 2, 3, "noleap"), False, id="daily-then-monthly"),
    pytest.param([cftime.datetime(2000 + k, 7, 1, calendar="noleap") for k in range(4)],
                 _piece_months(2004, 7, 3, "noleap"), False, id="yearly-then-monthly"),
])
def test_a_piece_continues_a_series_only_one_step_after_its_last_time(before, after, expected):
    """break44a A7: split_files blocks are one series when the next block's first time is one step of the series
    after the previous block's last, both pieces on that step; a gap, an overlap or another step is not."""
    assert continues_series(before, after) is expected


def _hours(start: str, count: int, every: int) -> np.ndarray:
    first = cftime.DatetimeGregorian(*map(int, start.split("-")), 1, 30)
    return np.array([first + datetime.timedelta(hours=every * k) for k in range(count)])


@pytest.mark.parametrize("times, indices, lag, step, expected", [
    # break47c A4: MERRA-2 of January 2010 at --time-stride 2 (6-hourly from 01:30): the step 6 h and 2 days
    # before the first steps lie in December 2009, before the data, not in a month a selection left out
    pytest.param(_hours("2010-01-01", 124, 6), [0], 1, TimeStep(duration=datetime.timedelta(hours=6)), [False],
                 id="before-the-first-month"),
    pytest.param(_hours("2010-01-01", 124, 6), [0, 7], 8, TimeStep(duration=datetime.timedelta(hours=6)),
                 [False, False], id="lag-8-before-the-data"),
    # months 6-8 of 2000 and 2001 (--months 6,7,8): the month before each June, May, was left out (over more than
    # a year of data every calendar month lies within them)
    pytest.param(np.array([cftime.DatetimeGregorian(year, month, 15) for year in (2000, 2001) for month in (6, 7, 8)]),
                 [0, 3], 1, TimeStep(months=1), [True, True], id="a-month-left-out-within-the-data"),
    # one summer (June to August 2000, --months 6,7,8 of it or a file of it): May is not in the data's reach
    pytest.param(np.array([cftime.DatetimeGregorian(2000, month, 15) for month in (6, 7, 8)]),
                 [0], 1, TimeStep(months=1), [False], id="less-than-a-year"),
    # January and March of one year (--months 1,3): February, between them, was left out
    pytest.param(np.array([cftime.DatetimeGregorian(2000, month, 15) for month in (1, 3)]),
                 [1], 1, TimeStep(months=1), [True], id="a-month-left-out-between"),
    pytest.param(np.array([cftime.DatetimeGregorian(year, month, 15) for year in (2000, 2001) for month in (6, 7, 8)]),
                 [3], 12, TimeStep(months=1), [False], id="a-year-back-is-held"),
])
def test_a_month_left_out_lies_within_the_data(times, indices, lag, step, expected):
    """A month the time selection left out is one between the data's first and last months that holds no step;
    the months before the data are the data's start, said as such (not "--months/--seasons")."""
    from climann.data.time_axis import in_months_left_out

    np.testing.assert_array_equal(in_months_left_out(times, np.array(indices), lag, step), expected)


def _gregorian(*dates):
    return [cftime.datetime(*date, calendar="gregorian") for date in dates]


@pytest.mark.parametrize(("times", "positions"), [
    pytest.param(_gregorian((2011, 11, 16), (2012, 1, 1, 12), (2012, 1, 31), (2012, 2, 15)), [0, 1, 2, 3],
                 id="jpl-december-2011-centred-in-january"),
    pytest.param(_gregorian((2015, 3, 16), (2015, 4, 10), (2015, 4, 30, 12), (2015, 6, 16)), [0, 1, 2, 3],
                 id="may-2015-centred-in-april"),
    pytest.param(_gregorian((2011, 10, 16), (2012, 1, 1, 12), (2012, 1, 31), (2012, 2, 15)), [0, 2, 3, 4],
                 id="after-a-missing-november"),
])
def test_two_monthly_solutions_stamped_in_one_month_each_get_their_own(times, positions):
    """break57b A2: JPL GRACE solutions centred in one calendar month (December 2011's on 1 January 2012) made the
    axis irregular and persistence was left out; the pair is given the free month beside it (the earlier the
    month before, else the later the month after), so the step before a solution is the solution before it and a
    missing month stays a gap."""
    step, found = time_step_positions(times)
    assert step.name == "monthly" and found.tolist() == positions


@pytest.mark.parametrize("times", [
    pytest.param(_gregorian(*[(2001, month, day) for month in range(1, 7) for day in (1, 16)]), id="twice-a-month"),
    pytest.param(_gregorian((2001, 1, 16), (2001, 2, 3), (2001, 2, 25), (2001, 3, 16)), id="no-free-month-beside"),
])
def test_values_twice_in_a_month_without_a_free_month_beside_have_no_monthly_step(times):
    """Semi-monthly values, or two in a month between occupied months, are not a monthly series."""
    assert time_step_positions(times) == (None, None)
