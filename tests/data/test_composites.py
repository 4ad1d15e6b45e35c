import datetime

import cftime
import numpy as np
import pytest

from climann.data.composites import composite_positions, month_periods, previous_composites


def _composites(days, *, calendar="standard", years=(2003, 2004, 2005), middles=False):
    """MODIS-like N-day composites restarting on 1 January, stamped at their starts or middles
    (the last of a year runs to 31 December: 5 or 6 days for 8-day ones)."""
    times = []
    for year in years:
        first, after = (cftime.datetime(year + extra, 1, 1, calendar=calendar) for extra in (0, 1))
        starts = [first + datetime.timedelta(days=days * k) for k in range(-(-(after - first).days // days))]
        ends = starts[1:] + [after]
        times += [start + (end - start) / 2 if middles else start for start, end in zip(starts, ends)]
    return np.array(times)


@pytest.mark.parametrize("days, per_year", [pytest.param(8, 46, id="8-day"), pytest.param(16, 23, id="16-day")])
@pytest.mark.parametrize("middles", [pytest.param(False, id="starts"), pytest.param(True, id="middles")])
def test_composites_are_counted_one_after_another_across_years(days, per_year, middles):
    """2003, 2004 (leap) and 2005: places 0 … 3·per_year − 1 without a gap, whether stamped at the
    composites' starts or middles (the last of a year, shorter, included)."""
    times = _composites(days, middles=middles)
    assert len(times) == 3 * per_year
    np.testing.assert_array_equal(composite_positions(times), np.arange(3 * per_year))
    previous = previous_composites(times)
    assert previous[0] == -1 and previous[per_year] == per_year - 1  # 1 January 2004 ← the last of 2003
    np.testing.assert_array_equal(previous[1:], np.arange(3 * per_year - 1))


def test_a_series_that_is_not_of_composites_has_none():
    monthly = [cftime.datetime(2003 + m // 12, m % 12 + 1, 15, calendar="noleap") for m in range(36)]
    assert composite_positions(monthly) is None and previous_composites(monthly) is None


# --- periods that restart each month: half-months and dekads (break38b A2) --------------------------

def _month_periods(starts_in_month, *, years=(2003, 2004, 2005), calendar="standard", middles=False,
                   last_days=False):
    """One value per period of each month, the periods starting on the days ``starts_in_month``
    (1, 16: half-months; 1, 11, 21: dekads), stamped at their starts, middles (the cells' middle,
    as CF time bounds date them) or last days (as Copernicus Global Land dates its dekads: the
    10th, the 20th and the month's last); the last period of a month runs to the 1st of the next."""
    times = []
    for year in years:
        for month in range(1, 13):
            edges = [cftime.datetime(year, month, day, calendar=calendar) for day in starts_in_month]
            edges.append(cftime.datetime(year + month // 12, month % 12 + 1, 1, calendar=calendar))
            times += [end - datetime.timedelta(days=1) if last_days else start + (end - start) / 2 if middles else start
                      for start, end in zip(edges[:-1], edges[1:])]
    return np.array(times)


def _day(year, month, day, hour=0):
    return cftime.datetime(year, month, day, hour, calendar="standard")


@pytest.mark.parametrize(("times", "expected"), [
    pytest.param(_month_periods((1, 16)), 2, id="half-months-1st-16th"),
    pytest.param(_month_periods((1, 16), middles=True), 2, id="half-months-middles-from-bounds"),
    pytest.param(np.delete(_month_periods((1, 16)), [3, 30, 31]), 2, id="half-months-some-missing"),
    pytest.param(_month_periods((1, 16), calendar="360_day"), 2, id="half-months-360-day"),
    pytest.param(_month_periods((1, 11, 21)), 3, id="dekads"),
    pytest.param(_month_periods((1, 11, 21), middles=True), 3, id="dekads-middles"),
    # break40c C2: Copernicus Global Land's dekads, dated by their last days (10th, 20th, 28th to 31st)
    pytest.param(_month_periods((1, 11, 21), last_days=True), 3, id="dekads-last-days"),
    pytest.param(np.delete(_month_periods((1, 11, 21), last_days=True), [4, 40]), 3, id="dekads-last-days-missing"),
    pytest.param(_month_periods((1, 16), last_days=True), 2, id="half-months-last-days"),
    pytest.param(_month_periods((1, 11, 21), last_days=True, calendar="noleap"), 3, id="dekads-last-days-noleap"),
    # the last days at noon: each 12 hours before its dekad's end
    pytest.param(np.array([time + datetime.timedelta(hours=12) for time in _month_periods((1, 11, 21), last_days=True)]),
                 3, id="dekads-last-days-noon"),
    # the last days but 30 January 2003: 2 days before its dekad's end, 9 days after its start (the 10th's and 20th's
    # offset, not 28 February's)
    pytest.param(np.array([_day(2003, 1, 30) if (t.year, t.month, t.day) == (2003, 1, 31) else t
                           for t in _month_periods((1, 11, 21), last_days=True)]), None, id="one-not-on-its-last-day"),
    pytest.param(np.array([_day(y, m, d) for y in (2003, 2004) for m in range(1, 13) for d in (1, 15)]), None,
                 id="1st-and-15th-both-in-the-first-half"),
    pytest.param(np.array([_day(y, m, d) for y in (2003, 2004) for m in range(1, 13) for d in (1, 16)
                           ] + [_day(2005, 1, 16, 12)]), None, id="one-stamp-at-another-place"),
    pytest.param(np.array([_day(y, m, 16) for y in (2003, 2004) for m in range(1, 13)]), None, id="monthly-16th"),
    pytest.param(np.array([_day(2003, 1, 1) + datetime.timedelta(days=15 * k) for k in range(60)]), None,
                 id="regular-15-day"),
    pytest.param(np.array([_day(2003, 1, 1) + datetime.timedelta(days=k) for k in range(60)]), None, id="daily"),
])
def test_half_months_and_dekads_are_known_by_their_dates(times, expected):
    """Half-months (GIMMS NDVI3g: the 1st and the 16th) and dekads (1st, 11th, 21st), stamped at
    their starts or middles, with periods missing or not; stamps that put two values in one
    period, or one value at another place in its period, or every value in one period of the
    month, are no such calendar."""
    assert month_periods(times) == expected


def test_half_months_are_counted_one_after_another_and_persist_from_the_one_before():
    """break38b A2: persistence was left out ("no regular step") though the series is exactly
    every half-month. The half-month before 1 March is 16–28 February, before 1 January 2004 the
    16–31 December 2003 one; after a half-month missing from the data there is none."""
    times = np.delete(_month_periods((1, 16), years=(2003, 2004)), 30)  # 1 April 2004 missing
    positions = composite_positions(times)
    np.testing.assert_array_equal(positions - positions[0], np.delete(np.arange(48), 30))
    previous = previous_composites(times)
    index = {(time.year, time.month, time.day): k for k, time in enumerate(times)}
    assert previous[index[2003, 3, 1]] == index[2003, 2, 16]
    assert previous[index[2004, 1, 1]] == index[2003, 12, 16]
    assert previous[index[2004, 4, 16]] == -1 and previous[0] == -1
    assert (previous >= 0).sum() == len(times) - 2


def test_dekads_dated_by_their_last_days_persist_from_the_dekad_before():
    """break40c C2: Copernicus Global Land's dekads, dated on the 10th, the 20th and the month's
    last day, fit "no calendar of periods": persistence was left out and the climatology keyed by
    10-day windows. They are dekads, counted one after another: the dekad before 10 March 2004 is
    the one dated 29 February, before 10 January 2004 the one dated 31 December 2003; after a
    dekad missing from the data (20 April 2003) there is none."""
    times = np.delete(_month_periods((1, 11, 21), years=(2003, 2004), last_days=True), 10)
    positions = composite_positions(times)
    np.testing.assert_array_equal(positions - positions[0], np.delete(np.arange(72), 10))
    previous = previous_composites(times)
    index = {(time.year, time.month, time.day): k for k, time in enumerate(times)}
    assert previous[index[2004, 3, 10]] == index[2004, 2, 29]
    assert previous[index[2004, 1, 10]] == index[2003, 12, 31]
    assert previous[index[2003, 4, 30]] == -1 and previous[0] == -1
    assert (previous >= 0).sum() == len(times) - 2


def test_a_composite_missing_leaves_the_others_at_their_places():
    """break38b A1: MOD13Q1 without its 2003 day-161 composite is still counted per composite:
    the composite after the gap has no previous one, every other its neighbour."""
    times = np.delete(_composites(16), 10)
    positions = composite_positions(times)
    np.testing.assert_array_equal(positions, np.delete(np.arange(3 * 23), 10))
    previous = previous_composites(times)
    assert previous[10] == -1 and previous[11] == 10 and previous[23 - 1] == 21


# --- CPC's pentads (CMAP, GPCP pentad analyses; break38c T1) ---------------------------------------

def _cpc_pentad_cells(years, *, calendar="standard"):
    """CPC's pentads built day by day as the products lay them out: 73 a year from 1 January, 5 days
    each but the 12th of a leap year, 6 days (25 February – 1 March); (start, end) of each."""
    cells = []
    for year in years:
        start = cftime.datetime(year, 1, 1, calendar=calendar)
        leap = cftime.datetime(year, 3, 1, calendar=calendar) - cftime.datetime(year, 2, 28, calendar=calendar)
        for k in range(73):
            length = 6 if k == 11 and leap.days == 2 else 5
            cells.append((start, start + datetime.timedelta(days=length)))
            start = cells[-1][1]
        assert start == cftime.datetime(year + 1, 1, 1, calendar=calendar)  # the calendar tiles the year
    return cells


def _cpc_pentads(years=(1999, 2000, 2001), *, middles=False, calendar="standard"):
    return np.array([start + (end - start) / 2 if middles else start
                     for start, end in _cpc_pentad_cells(years, calendar=calendar)])


def test_every_day_falls_in_its_cpc_pentad():
    """pentads_of_year against the cells built day by day: each day of 2003 and of 2004 (leap) in the
    pentad whose cell holds it; 29 February and 1 March 2004 in the 12th, 2 March in the 13th."""
    from climann.data.composites import pentads_of_year

    cells = _cpc_pentad_cells((2003, 2004))
    for start, end in cells:
        days = [start + datetime.timedelta(days=d) for d in range((end - start).days)]
        expected = cells.index((start, end)) % 73 + 1
        assert pentads_of_year(days).tolist() == [expected] * len(days)


@pytest.mark.parametrize("middles", [pytest.param(False, id="starts"), pytest.param(True, id="middles")])
def test_cpc_pentads_are_counted_one_after_another_across_a_leap_year(middles):
    """1999–2001 (2000 leap): places 0 … 218 without a gap; the period before 2 March 2000 is the
    6-day 12th pentad, before 1 January 2000 the 73rd of 1999."""
    from climann.data.composites import period_positions

    times = _cpc_pentads(middles=middles)
    step, places = period_positions(times)
    assert (step.period, step.per_year) == ("pentad", 73)
    np.testing.assert_array_equal(places - places[0], np.arange(3 * 73))
    np.testing.assert_array_equal(previous_composites(times), np.arange(-1, 3 * 73 - 1))


@pytest.mark.parametrize(("times", "expected"), [
    pytest.param(_cpc_pentads(), True, id="starts"),
    pytest.param(_cpc_pentads(middles=True), True, id="middles"),
    pytest.param(np.delete(_cpc_pentads(), [11, 80]), True, id="pentads-missing"),
    # 5-day composites restarting each 1 January (a 74th of 1 day in a leap year): not CPC's
    pytest.param(_composites(5, years=(1999, 2000, 2001)), False, id="5-day-composites-restarting"),
    pytest.param(np.array([cftime.DatetimeGregorian(1999, 1, 1) + datetime.timedelta(days=5 * k) for k in range(219)]),
                 False, id="continuous-5-day"),
    pytest.param(np.array([cftime.Datetime360Day(1999, 1, 1) + datetime.timedelta(days=5 * k) for k in range(216)]),
                 False, id="360-day"),
    pytest.param(np.array([start + datetime.timedelta(days=k % 2) for k, start in enumerate(_cpc_pentads())]), False,
                 id="two-places"),
    # January means one a year (cdo selmon,1): each in a pentad of its own, but no series of pentads
    pytest.param(np.array([cftime.DatetimeNoLeap(year, 1, 16, 12) for year in range(2000, 2004)]), False,
                 id="one-a-year"),
    pytest.param(_cpc_pentads()[::3], False, id="every-third-pentad"),
])
def test_cpc_pentads_are_known_by_their_dates(times, expected):
    from climann.data.composites import cpc_pentads

    assert cpc_pentads(times) is expected


# --- CHIRPS's pentads: six a month, 72 a year -----------------------------------------------------


def _chirps_pentad_cells(years, *, calendar="standard"):
    """CHIRPS's pentads as (start, end) pairs built from the calendar month by month: days 1–5,
    6–10, 11–15, 16–20, 21–25 and the 26th to the month's end (Funk et al. 2015)."""
    cells = []
    for year in years:
        for month in range(1, 13):
            following = cftime.datetime(year + month // 12, month % 12 + 1, 1, calendar=calendar)
            starts = [cftime.datetime(year, month, day, calendar=calendar) for day in (1, 6, 11, 16, 21, 26)]
            cells += list(zip(starts, [*starts[1:], following]))
    return cells


def _chirps_pentads(years=(1999, 2000, 2001), *, middles=False, calendar="standard"):
    """CHIRPS's pentad files' stamps: each pentad's first day (or its middle)."""
    return np.array([start + (end - start) / 2 if middles else start
                     for start, end in _chirps_pentad_cells(years, calendar=calendar)])


def test_every_day_falls_in_its_chirps_pentad_of_the_year():
    """month_period_keys with 6 periods a month against the cells built month by month: each day of
    2003 and 2004 (leap) in the pentad of the year whose cell holds it, 1 … 72; 29 February 2004 in
    the 12th (26–29 February, 4 days), 31 January in the 6th (26–31 January, 6 days)."""
    from climann.data.composites import month_period_keys

    cells = _chirps_pentad_cells((2003, 2004))
    lengths = sorted({(end - start).days for start, end in cells})
    assert lengths == [3, 4, 5, 6]  # the 6th of a month: 3 (February 2003) to 6 days
    for number, (start, end) in enumerate(cells):
        days = [start + datetime.timedelta(days=d) for d in range((end - start).days)]
        assert month_period_keys(days, 6).tolist() == [number % 72 + 1] * len(days)


@pytest.mark.parametrize("middles", [pytest.param(False, id="starts"), pytest.param(True, id="middles")])
def test_chirps_pentads_are_counted_one_after_another_not_as_cpc_pentads(middles):
    """1999–2001 (2000 leap): CHIRPS's pentads are a calendar of 72 a year (not "irregular", not
    CPC's 73), places 0 … 215 without a gap; the pentad before 1 January 2000 is 26–31 December 1999."""
    from climann.data.composites import cpc_pentads, period_positions
    from climann.data.info import time_step_name

    times = _chirps_pentads(middles=middles)
    step, places = period_positions(times)
    assert (step.period, step.per_year) == ("pentad", 72) and month_periods(times) == 6
    assert not cpc_pentads(times)
    assert time_step_name(list(times)).startswith("pentads (CHIRPS's: 72 a year")
    np.testing.assert_array_equal(places - places[0], np.arange(3 * 72))
    np.testing.assert_array_equal(previous_composites(times), np.arange(-1, 3 * 72 - 1))
    # CPC's pentads stay CPC's: 73 a year, no month-bound calendar
    cpc = _cpc_pentads(middles=middles)
    assert month_periods(cpc) is None and period_positions(cpc)[0].per_year == 73


@pytest.mark.parametrize("missing", [pytest.param([], id="complete"), pytest.param([5, 6, 71, 72, 73, 150], id="gaps")])
def test_lags_of_chirps_pentads_count_pentads_across_months_and_years(missing):
    """Lags 1, 6 and 72 (a pentad, a month, a year back) against numpy shifts of the complete series:
    the value k pentads before, missing where that pentad is not in the data."""
    from climann.data.lags import lagged_steps

    complete = _chirps_pentads()
    kept = np.delete(np.arange(complete.size), missing)
    lagged = lagged_steps(complete[kept], [1, 6, 72])
    assert lagged.step.per_year == 72
    where = np.full(complete.size, -1)
    where[kept] = np.arange(kept.size)  # each pentad's index in the data, -1 where missing
    for lag in (1, 6, 72):
        shifted = np.concatenate([np.full(lag, -1), where[:-lag]])  # the pentad lag before, in the data
        np.testing.assert_array_equal(lagged.earlier[lag], shifted[kept])


def test_the_climatology_of_chirps_pentads_is_per_pentad_of_the_year():
    """72 keys, each the mean over the training years of that pentad of the year (numpy, reshaped per
    year), not CPC's 73 windows of 5 days through which the 6th pentad of each month drifts."""
    from climann.evaluation.baselines import climatology_keys, seasonal_climatology

    times = _chirps_pentads((2000, 2001, 2002, 2003))
    keys = climatology_keys(times)
    assert (keys.per, keys.count) == ("CHIRPS pentad of the year", 72)
    np.testing.assert_array_equal(keys.of(times), np.tile(np.arange(1, 73), 4))
    values = np.random.default_rng(0).normal(size=(times.size, 1, 2))
    train = np.arange(times.size) < 3 * 72
    expected = values[:3 * 72].reshape(3, 72, 1, 2).mean(axis=0)
    np.testing.assert_allclose(seasonal_climatology(values, times, train, window_days=1), expected)


def test_five_day_steps_of_a_360_day_calendar_stay_a_regular_axis():
    """In the 360_day calendar every CHIRPS-like pentad is 5 days: a regular 5-day axis, keyed by its 72
    windows of the year as before (not renamed "CHIRPS pentad of the year", which a model file keyed by
    windows would refuse)."""
    from climann.evaluation.baselines import climatology_keys

    times = np.array([cftime.Datetime360Day(2001, 1, 1) + datetime.timedelta(days=5 * k) for k in range(216)])
    keys = climatology_keys(times)
    assert month_periods(times) is None
    assert (keys.per, keys.count, keys.window_days, keys.month_periods) == ("pentad of the year", 72, 5.0, 0)
    np.testing.assert_array_equal(keys.of(times), np.tile(np.arange(1, 73), 3))


def test_a_run_on_dekads_dated_by_their_last_days_scores_the_climatology_per_dekad(tmp_path):
    """break40c C2, end to end: Copernicus Global Land LAI dated on the 10th, the 20th and the
    month's last day was keyed by 10-day windows of the year, February's 2nd and 3rd dekads
    (the 20th and the 28th) in one window (test RMSE 0.3403, numpy per dekad 0.34067), and
    persistence was left out. The run's climatology is per dekad of the year: numpy's mean of
    the training years' values of each (month, dekad), scored with cos(latitude) weights on the
    run's own split; persistence is scored."""
    import json

    import xarray as xr

    from climann.workflow.config import build_config
    from climann.workflow.pipeline import run_training

    times = _month_periods((1, 11, 21), years=range(2014, 2020), last_days=True)
    dekad = np.array([3 * (time.month - 1) + (time.day > 10) + (time.day > 20) for time in times])
    rng = np.random.default_rng(4)
    lai = (2 + 1.5 * np.sin(2 * np.pi * dekad / 36))[:, None, None] + 0.3 * rng.standard_normal((times.size, 2, 3))
    days = np.array([(time - cftime.datetime(1970, 1, 1, calendar="standard")).days for time in times], dtype=float)
    path = tmp_path / "c_gls_LAI.nc"
    xr.Dataset({"LAI": (("time", "lat", "lon"), lai.astype(np.float32), {"units": "m2/m2"})},
               coords={"time": ("time", days, {"units": "days since 1970-01-01", "calendar": "standard"}),
                       "lat": ("lat", [-30.0, 30.0], {"units": "degrees_north"}),
                       "lon": ("lon", [0.0, 120.0, 240.0], {"units": "degrees_east"})}).to_netcdf(path)
    config = build_config({"data": {"paths": [str(path)], "target": "LAI", "predictors": [], "features": ["lat"]},
                           "model": {"hidden": [4]}, "training": {"epochs": 1},
                           "evaluation": {"figures": False}})
    run_dir = run_training(config, run_dir=tmp_path / "run").run_dir
    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert metrics["climatology_per"] == "dekad of the year"
    with xr.open_dataset(run_dir / "predictions.nc", decode_times=False) as predictions:
        labels = predictions["split"].values
    values = lai.astype(np.float32).astype(np.float64)
    train, test = labels == 1, labels == 3
    climatology = np.stack([values[train & (dekad == k)].mean(axis=0) for k in range(36)])
    weights = np.cos(np.deg2rad([-30.0, 30.0]))[:, None] * np.ones((1, 3))
    error = values[test] - climatology[dekad[test]]
    scores = metrics["splits"]["test"]
    np.testing.assert_allclose(scores["climatology"]["mse"], (error ** 2 * weights).sum() / (weights.sum() * test.sum()),
                               rtol=1e-5)
    np.testing.assert_allclose(scores["climatology"]["bias"], -(error * weights).sum() / (weights.sum() * test.sum()),
                               rtol=1e-5)
    # persistence: each dekad's value the one dated before it (10 March ← 28 February, 10 January ← 31 December)
    before = values[np.flatnonzero(test) - 1]
    persistence = ((values[test] - before) ** 2 * weights).sum() / (weights.sum() * test.sum())
    np.testing.assert_allclose(scores["persistence"]["mse"], persistence, rtol=1e-5)


def _calendar_cells(kind: str, *, composite_years=(2003, 2004, 2005)) -> tuple[np.ndarray, np.ndarray]:
    """Starts and ends (the next start; the last to 1 January after) of a calendar built by hand:
    CPC's pentads of 1979–1981 (NOAA PSL's stamps, each pentad's first day; the 12th of 1980 6
    days), dekads of 1979–1980, MODIS's 8-day composites of ``composite_years`` (each year's last
    5 or 6 days). Also tests/data/test_subset.py's."""
    if kind == "pentads":
        starts = []
        for year in (1979, 1980, 1981):
            day = cftime.DatetimeGregorian(year, 1, 1)
            for k in range(73):
                starts.append(day)
                day += datetime.timedelta(days=6 if (k == 11 and year == 1980) else 5)
        after = cftime.DatetimeGregorian(1982, 1, 1)
    elif kind == "dekads":
        starts = [cftime.DatetimeGregorian(year, month, day) for year in (1979, 1980) for month in range(1, 13)
                  for day in (1, 11, 21)]
        after = cftime.DatetimeGregorian(1981, 1, 1)
    else:
        starts = list(_composites(8, years=composite_years))
        after = cftime.DatetimeGregorian(composite_years[-1] + 1, 1, 1)
    return np.array(starts), np.array([*starts[1:], after])


@pytest.mark.parametrize("kind", ["pentads", "dekads", "composites"])
@pytest.mark.parametrize("offset_hours", [0, 36])
def test_period_cells_are_the_calendars_own_periods(kind, offset_hours):
    """Each time's cell is its period, [start, next start] (break49e A1): a leap year's 12th pentad
    25 February – 1 March (6 days), each year's last pentad and 8-day composite to 1 January, the last
    dekad to the month's end; the same for times 36 hours into their periods."""
    from climann.data.composites import period_cells

    starts, ends = _calendar_cells(kind)
    found = period_cells(starts + datetime.timedelta(hours=offset_hours))
    assert found is not None
    np.testing.assert_array_equal(found[1], np.stack([starts, ends], 1))
    days = {(end - start).days for start, end in zip(starts, ends)}
    assert days == {"pentads": {5, 6}, "dekads": {8, 9, 10, 11}, "composites": {5, 6, 8}}[kind]
