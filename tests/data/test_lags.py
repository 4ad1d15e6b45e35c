"""Tests for climann/data/lags.py: lags on calendars of periods thinned by a time stride."""

import datetime

import cftime
import numpy as np
import pytest

from climann.data.lags import check_strided_period_lags, lagged_steps
from climann.errors import ClimannError
from tests.data.test_composites import _chirps_pentads, _composites, _cpc_pentads, _month_periods


@pytest.mark.parametrize(("times", "stride", "calendar", "period", "apart"), [
    # by hand: CPC's pentads one in two are 10 days apart, 11 across a leap year's 12th pentad
    pytest.param(_cpc_pentads(), 2, "pentads (73 a year, CPC's: the 12th, 25 February – 1 March, is 6 days long in a "
                 "leap year)", "pentad", "10 to 11 days", id="cpc-pentads"),
    # dekads 1st and 21st, then 11th: 18 to 21 days; they were read as dekads with gaps, lag 1 missing everywhere
    pytest.param(_month_periods((1, 11, 21)), 2, "dekads (1st, 11th, 21st of each month)", "dekad", "18 to 21 days",
                 id="dekads"),
    # MODIS's 16-day composites one in two: 32 days, 29 across the year's end (19 December to 17 January); they
    # were read as monthly values with gaps
    pytest.param(_composites(16, years=range(2000, 2005)), 2, "16-day composites restarting each 1 January (23 a "
                 "year)", "16-day composite", "29 to 32 days", id="modis-16-day"),
])
def test_a_stride_on_a_period_calendar_that_lags_cannot_count_is_refused_in_one_line(times, stride, calendar, period,
                                                                                      apart):
    with pytest.raises(ClimannError) as refused:
        check_strided_period_lags(times, time_stride=stride, lags={"pr": (1, 3)}, target="pr")
    assert str(refused.value) == (
        f"time_stride {stride} (--time-stride) with lags (pr=1,3) on 'pr', whose time axis is of {calendar}: such "
        f"periods restart each year or month, so the steps kept, one in {stride} ({apart} apart), are not counted "
        f"{stride} {period}s apart by any step or calendar of periods, and a lag, which counts the steps kept, would "
        f"be missing or of another length; leave out --time-stride (the lags then count {period}s: lag 2 is the value "
        f"2 {period}s before), or leave out the lags")
    assert "\n" not in str(refused.value)
    # without the stride the lags count the calendar's periods
    lagged = lagged_steps(times, [1, 3])
    index = np.arange(len(times))
    np.testing.assert_array_equal(lagged.earlier[3], np.where(index >= 3, index - 3, -1))


@pytest.mark.parametrize(("times", "stride", "read_as"), [
    pytest.param(_month_periods((1, 16)), 2, "monthly", id="half-months-by-2"),  # the 1st of each month
    pytest.param(_month_periods((1, 11, 21)), 3, "monthly", id="dekads-by-3"),
    pytest.param(_chirps_pentads(), 2, "dekad", id="chirps-pentads-by-2"),  # the 1st, 11th and 21st
    pytest.param(_chirps_pentads(), 3, "half-month", id="chirps-pentads-by-3"),  # the 1st and 16th
    pytest.param(_composites(8), 2, "16-day composite", id="modis-8-day-by-2"),  # 46 a year: the 16-day starts
])
def test_a_stride_whose_steps_kept_are_counted_n_periods_apart_keeps_its_lags(times, stride, read_as):
    """Lag k of the steps kept is the (k · n)-th period before (numpy: the whole series' indices shifted by
    k · n, looked up among those kept): the check passes, and lagged_steps counts them so."""
    check_strided_period_lags(times, time_stride=stride, lags={"pr": (1, 2)}, target="pr")
    kept = np.arange(0, len(times), stride)
    lagged = lagged_steps(times[kept], [1, 2])
    assert lagged.step.name == read_as
    whole = np.full(len(times), -1)
    whole[kept] = np.arange(kept.size)
    for lag in (1, 2):
        before = kept - lag * stride
        np.testing.assert_array_equal(lagged.earlier[lag], np.where(before >= 0, whole[np.maximum(before, 0)], -1))


@pytest.mark.parametrize(("stride", "lags"), [pytest.param(1, {"pr": (1,)}, id="no-stride"),
                                              pytest.param(2, {"pr": ()}, id="no-lags")])
def test_a_period_calendar_without_a_stride_or_lags_passes(stride, lags):
    check_strided_period_lags(_cpc_pentads(), time_stride=stride, lags=lags, target="pr")


def _native(times):
    """The step or calendar of periods of a complete axis, as the run records it before a stride."""
    from climann.data.composites import period_positions
    from climann.data.time_axis import time_step_positions

    step = time_step_positions(times)[0]
    return step if step is not None else period_positions(times)[0]


@pytest.mark.parametrize("stride", [2, 3, 4])
@pytest.mark.parametrize("axis", [
    pytest.param(lambda: _hours(6, 400), id="6-hourly"),
    pytest.param(lambda: _hours(24, 400, hour=12), id="daily-at-noon"),
    pytest.param(lambda: np.array([cftime.DatetimeNoLeap(2000 + k // 12, k % 12 + 1, 15) for k in range(96)]),
                 id="monthly"),
    pytest.param(lambda: _cpc_pentads((1999, 2000, 2001, 2002)), id="cpc-pentads"),
    pytest.param(lambda: _chirps_pentads((1999, 2000, 2001)), id="chirps-pentads"),
    pytest.param(lambda: _month_periods((1, 11, 21)), id="dekads"),
    pytest.param(lambda: _composites(8), id="8-day-composites"),
])
def test_the_previous_step_of_a_strided_series_is_counted_on_the_axis_before_the_stride(axis, stride):
    """One in ``stride`` steps kept of a complete axis with three steps deleted (a file lacking
    them): each kept step's previous is the kept step whose place on the complete axis, counted
    as the axis was built, is ``stride`` before its own; the first after each gap has none
    (not the step kept before the gap), whatever the kept steps' own spacing."""
    from climann.data.lags import strided_previous_steps
    from climann.data.time_axis import TimeStride

    complete = axis()
    native = _native(complete)
    gone = [len(complete) // 5, len(complete) // 2, (4 * len(complete)) // 5]
    places = np.delete(np.arange(len(complete)), gone)[::stride]
    kept = np.delete(complete, gone)[::stride]
    expected = [int(np.flatnonzero(places == place - stride)[0]) if place - stride in places else -1
                for place in places]
    found = strided_previous_steps(kept, TimeStride(native, stride))
    assert found.tolist() == expected
    assert (found < 0).sum() == 1 + sum(np.diff(places) != stride)  # the first step and one after each gap
    assert strided_previous_steps(complete[::stride], TimeStride(native, stride)).tolist() == [
        -1, *range(len(complete[::stride]) - 1)]


def test_a_strided_series_off_its_axis_has_no_previous_steps():
    """Times at no whole number of native steps from the first (a 6-hourly axis read as
    hourly's stride would be, shifted by 90 minutes): None, persistence left out as irregular."""
    from climann.data.lags import strided_previous_steps
    from climann.data.time_axis import TimeStep, TimeStride

    times = _hours(6, 20)
    times[7] = times[7] + datetime.timedelta(minutes=90)
    assert strided_previous_steps(times, TimeStride(TimeStep(duration=datetime.timedelta(hours=6)), 2)) is None


def _hours(every, count, *, hour=0):
    start = cftime.DatetimeNoLeap(2001, 1, 1, hour)
    return np.array([start + datetime.timedelta(hours=every * k) for k in range(count)])
