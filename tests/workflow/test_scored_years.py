"""Other data that hold a run's own training or validation years (:mod:`climann.workflow.scored_years`): counted
in the scored data's calendar (break46a A1); and for a
daily series stamped at the end of each day (GloFAS ``dis24``, ``valid_time`` with bounds [D, D + 1]): the run
dates its steps by their cells' middles, and so are its blocks told and the ``--time-range`` of its test block
(break46b A3: the stamps' years were named, training "2017–2020", and the advice left out 1 January of the first
test year)."""

import json
import logging
from types import SimpleNamespace

import netCDF4
import numpy as np
import pandas as pd
import pytest
import xarray as xr

from climann.workflow.config import build_config
from climann.workflow.pipeline import run_training
from climann.workflow.predict import evaluate_run
from climann.workflow.scored_years import scored_own_years


DAYS = pd.date_range("2017-01-01", "2020-12-31", freq="D")


def _end_stamped(path, *, bounds: bool = True) -> np.ndarray:
    """dis24(valid_time, lat, lon) on 2 × 3 cells, each day's value stamped at its end, with bounds (as GloFAS
    writes it: without, ``bounds=False``); returns the values, shape (n_days, 2, 3)."""
    rng = np.random.default_rng(4)
    season = 50 * np.sin(2 * np.pi * DAYS.day_of_year.values / 365.25)[:, None, None]
    values = (100 + season + 10 * rng.standard_normal((len(DAYS), 2, 3))).astype("f4")
    ends = ((DAYS + pd.Timedelta("1D")) - pd.Timestamp("1970-01-01")).total_seconds().astype("i8")
    with netCDF4.Dataset(path, "w") as nc:
        for name, size in (("valid_time", len(DAYS)), ("lat", 2), ("lon", 3), ("bnds", 2)):
            nc.createDimension(name, size)
        time = nc.createVariable("valid_time", "i8", ("valid_time",))
        time.setncatts({"units": "seconds since 1970-01-01", "calendar": "proleptic_gregorian",
                        "standard_name": "time", **({"bounds": "valid_time_bnds"} if bounds else {})})
        time[:] = ends
        if bounds:
            nc.createVariable("valid_time_bnds", "i8", ("valid_time", "bnds"))[:] = np.stack([ends - 86400, ends], 1)
        for name, units, coordinate in (("lat", "degrees_north", [39.0, 39.5]), ("lon", "degrees_east",
                                                                                  [-77.5, -77.0, -76.5])):
            variable = nc.createVariable(name, "f8", (name,))
            variable.setncatts({"units": units, "standard_name": {"lat": "latitude", "lon": "longitude"}[name]})
            variable[:] = coordinate
        dis24 = nc.createVariable("dis24", "f4", ("valid_time", "lat", "lon"))
        dis24.setncatts({"units": "m3 s-1", "long_name": "Mean discharge in the last 24 hours"})
        dis24[:] = values
    return values


def _persistence_mse(values, days) -> float:
    """The area-weighted (cos latitude) MSE of each day forecast by the day before, over the days ``days``."""
    steps = np.flatnonzero(days)
    weights = np.cos(np.deg2rad([39.0, 39.5]))[None, :, None] * np.ones((len(steps), 2, 3))
    errors = values[steps].astype(np.float64) - values[steps - 1].astype(np.float64)
    return float(np.sum(weights * errors ** 2) / weights.sum())


def test_other_data_of_a_runs_days_stamped_at_their_ends_are_told_by_the_runs_own_years(tmp_path, caplog):
    """train 2017–2018, val 2019, test 2020 by the days' middles. ``evaluate --data`` of the same file names the
    run's years and the ``--time-range`` of the days after them, from 2020-01-01 (the day stamped 2020-01-02);
    following it scores the run's whole test block: as many days, and the persistence MSE numpy computes over
    the test days of 2020."""
    values = _end_stamped(tmp_path / "dis24.nc")
    config = build_config({"data": {"paths": [str(tmp_path / "dis24.nc")], "target": "dis24", "predictors": [],
                                    "split_years": {"train": [2017, 2018], "val": [2019, 2019], "test": [2020, 2020]}},
                           "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}})
    run_dir = run_training(config, run_dir=tmp_path / "run").run_dir
    days = {"train": (DAYS.year <= 2018).sum(), "val": (DAYS.year == 2019).sum(), "test": (DAYS.year == 2020).sum()}
    assert (days["train"], days["val"], days["test"]) == (730, 365, 366)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        evaluate_run(run_dir, [str(tmp_path / "dis24.nc")], tmp_path / "all")
    said = [record.getMessage() for record in caplog.records if record.getMessage().startswith("the scored block")]
    assert said == [f"the scored block 'all' ({len(DAYS)} steps) holds {days['train']} steps of this run's training "
                    f"years 2017–2018 and {days['val']} of its validation year 2019: its "
                    f"scores are not of unseen data; score the years after them with --time-range "
                    f"2020-01-01,2020-12-31"], said
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        unseen = evaluate_run(run_dir, [str(tmp_path / "dis24.nc")], tmp_path / "test_years",
                              time_range="2020-01-01,2020-12-31")
    assert not [record for record in caplog.records if record.getMessage().startswith("the scored block")]
    trained = json.loads((run_dir / "metrics.json").read_text())
    assert unseen["scored_on"]["all"]["n_steps"] == trained["scored_on"]["test"]["n_steps"] == days["test"]
    expected = _persistence_mse(values, DAYS.year == 2020)
    assert unseen["splits"]["all"]["persistence"]["mse"] == pytest.approx(expected, rel=1e-9)
    assert unseen["splits"]["all"]["model"]["mse"] == pytest.approx(trained["splits"]["test"]["model"]["mse"],
                                                                    rel=1e-9)


_SEASONS = {"DJF": (12, 1, 2), "MAM": (3, 4, 5), "JJA": (6, 7, 8), "SON": (9, 10, 11)}


def test_the_scores_per_season_of_days_stamped_at_their_ends_without_bounds_are_of_the_days_before(tmp_path):
    """fix47d: GloFAS's dis24 stamped 00 UTC without bounds ("Mean discharge in the last 24 hours"): each value is
    the mean of the day before its stamp, yet the scores per season took each step's season from the day beginning
    at its stamp: 29 February 2020, stamped 1 March, was scored in MAM and 30 November, stamped 1 December, in DJF.
    Each season's model MSE and count in metrics.json are numpy's area-weighted mean of the squared errors of
    predictions.nc over the days of that season by the day before each stamp; by the stamps' days they differ."""
    _end_stamped(tmp_path / "dis24.nc", bounds=False)
    config = build_config({"data": {"paths": [str(tmp_path / "dis24.nc")], "target": "dis24", "predictors": [],
                                    "features": ["season"]},
                           "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}})
    run_dir = run_training(config, run_dir=tmp_path / "run").run_dir
    metrics = json.loads((run_dir / "metrics.json").read_text())
    with xr.open_dataset(run_dir / "predictions.nc") as predictions:
        stamps = pd.DatetimeIndex(predictions["valid_time"].values)
        errors = (predictions["dis24_pred"] - predictions["dis24"]).values.astype(np.float64)
        split, weights = predictions["split"].values, predictions["cell_area"].values
    assert stamps[0] == pd.Timestamp("2017-01-02")  # the files' own stamps, the ends of the days

    def mse(months, days):
        chosen = errors[np.isin(days.month, months) & (split == code)]
        kept = np.isfinite(chosen)
        weight = np.broadcast_to(weights, chosen.shape)[kept]
        return float(np.sum(weight * chosen[kept] ** 2) / weight.sum()), int(kept.sum())

    for code, block in enumerate(("train", "val", "test"), start=1):
        for season, months in _SEASONS.items():
            scored = metrics["seasons"][block][season]["model"]
            expected, count = mse(months, stamps - pd.Timedelta("1D"))
            assert (scored["mse"], scored["n_samples"]) == (pytest.approx(expected, rel=1e-6), count), (block, season)
            if season == "DJF" and block == "test":
                assert scored["mse"] != pytest.approx(mse(months, stamps)[0], rel=1e-6)  # by the stamps' days


def test_the_day_of_year_climatology_of_days_stamped_at_their_ends_without_bounds_is_of_the_days_before(tmp_path):
    """fix47m: GloFAS's dis24 stamped 00 UTC without bounds: the seasons, features and split date each value by the
    middle of the day before its stamp, but the climatology per day of year was keyed by the stamps' days: 30
    December 2020, stamped 31 December (day 366), had no climatology, and 31 December 2020, stamped 1 January 2021,
    took the key of 1 January. The climatology baseline of predictions.nc (unsmoothed) is numpy's mean of the
    training days (2017–2018 by the days before the stamps) of the same day of year, xarray's ``dayofyear`` of the
    day before each stamp (day 366 of 2020 has no training day); keyed by the stamps' days it differs."""
    values = _end_stamped(tmp_path / "dis24.nc", bounds=False).astype(np.float64)
    config = build_config({"data": {"paths": [str(tmp_path / "dis24.nc")], "target": "dis24", "predictors": [],
                                    "features": ["season"]},
                           "model": {"hidden": [4]}, "training": {"epochs": 1},
                           "evaluation": {"figures": False, "climatology_window_days": 1}})
    run_dir = run_training(config, run_dir=tmp_path / "run").run_dir
    with xr.open_dataset(run_dir / "predictions.nc") as predictions:
        stamps = pd.DatetimeIndex(predictions["valid_time"].values)
        climatology = predictions["dis24_climatology"].values.astype(np.float64)
    assert len(stamps) == len(DAYS) and stamps[0] == pd.Timestamp("2017-01-02")

    def by_day_of_year(days):
        train = (days.year >= 2017) & (days.year <= 2018)
        means = {day: values[train & (days.day_of_year == day)].mean(axis=0) for day in np.unique(days.day_of_year[train])}
        return np.stack([means.get(day, np.full(values.shape[1:], np.nan)) for day in days.day_of_year])

    np.testing.assert_allclose(climatology, by_day_of_year(stamps - pd.Timedelta("12h")), rtol=1e-6)
    thirtieth = np.flatnonzero(stamps == pd.Timestamp("2020-12-31"))[0]  # the mean of 30 December 2020
    assert np.isfinite(climatology[thirtieth]).all()
    assert not np.allclose(by_day_of_year(stamps)[thirtieth], climatology[thirtieth], equal_nan=True)  # by stamps


@pytest.mark.parametrize("time_range", [[], ["2018", "2020"]])
def test_the_blocks_and_time_range_of_days_stamped_at_their_ends_without_bounds_are_the_days_before(tmp_path,
                                                                                                    time_range):
    """fix47j: the scores per season of dis24 stamped 00 UTC without bounds went by the day before each stamp
    (fix47d), the split by years and --time-range still by the stamps: 31 December 2018, stamped 1 January 2019,
    was in the val block and the train block named "2017-01-02 to 2018-12-31". Each step's block in predictions.nc
    is the one of the year of the day before its stamp (numpy), with time_range those days' years alone."""
    _end_stamped(tmp_path / "dis24.nc", bounds=False)
    data = {"paths": [str(tmp_path / "dis24.nc")], "target": "dis24", "predictors": [], "features": ["season"],
            "time_range": time_range, "split_years": {"train": [2017, 2018], "val": [2019, 2019],
                                                      "test": [2020, 2020]}}
    if time_range:
        data["split_years"] = {"train": [2018, 2018], "val": [2019, 2019], "test": [2020, 2020]}
    config = build_config({"data": data, "model": {"hidden": [4]}, "training": {"epochs": 1},
                           "evaluation": {"figures": False}})
    run_dir = run_training(config, run_dir=tmp_path / "run").run_dir
    metrics = json.loads((run_dir / "metrics.json").read_text())
    with xr.open_dataset(run_dir / "predictions.nc") as predictions:
        stamps = pd.DatetimeIndex(predictions["valid_time"].values)
        split = predictions["split"].values
    years = (stamps - pd.Timedelta("1D")).year.values  # the day each value is the mean of
    first = int(time_range[0]) if time_range else 2017
    kept = (years >= first) & (years <= 2020)
    expected = np.select([kept & (years <= 2018), kept & (years == 2019), kept & (years == 2020)], [1, 2, 3], 0)
    np.testing.assert_array_equal(split, expected)
    assert np.count_nonzero(split == 3) == 366  # every day of 2020, stamped 2 January 2020 to 1 January 2021
    assert metrics["split_periods"] == {"train": "2017–2018" if not time_range else "2018", "val": "2019",
                                        "test": "2020"}
    assert metrics["n_samples"]["train"] == 6 * np.count_nonzero(expected == 1)


def _days(calendar):
    """Every day of 2010-2016 in ``calendar``."""
    last = "2016-12-30" if calendar == "360_day" else "2016-12-31"
    return xr.date_range("2010-01-01", last, freq="D", calendar=calendar, use_cftime=True)


def _run_dir(tmp_path, calendar):
    """A run directory whose predictions.nc has daily steps 2010-2016 in ``calendar``: train 2010-2014, val 2015,
    test 2016 (the ``split`` of each step as its label), and the run (daily: 0 months a step)."""
    times = _days(calendar)
    years = np.array([time.year for time in times])
    split = np.where(years <= 2014, "train", np.where(years == 2015, "val", "test"))
    xr.Dataset({"split": ("time", split)}, coords={"time": times}).to_netcdf(tmp_path / "predictions.nc")
    return SimpleNamespace(network=SimpleNamespace(metadata={"time_step": {"months": 0}}),
                           config=SimpleNamespace(data=SimpleNamespace(split_years=None)))


@pytest.mark.parametrize(("run_calendar", "data_calendar"), [
    pytest.param("360_day", "proleptic_gregorian", id="360_day-run-on-standard-data"),
    pytest.param("noleap", "standard", id="noleap-run-on-standard-data"),
    pytest.param("standard", "360_day", id="standard-run-on-360_day-data"),
    pytest.param("standard", "standard", id="one-calendar"),
])
def test_the_own_years_are_counted_in_the_scored_datas_calendar_and_the_range_after_them_starts_after(
        tmp_path, run_calendar, data_calendar):
    """break46a A1: a UKESM run (360_day) scored on ERA5 (proleptic_gregorian) 2010-2016 was told 1791 of the
    steps were of its training years 2010-2014 (the 1826 days less the 35 31sts its calendar lacks) and 358 of
    its validation year (365), and advised --time-range 2015-12-31,2016-12-31, a day of that year. The counts are
    of the scored dates in those years, and the range starts on the first scored date after them (by hand)."""
    run = _run_dir(tmp_path, run_calendar)
    scored = _days(data_calendar)
    years = np.array([time.year for time in scored])
    record = scored_own_years(tmp_path, run, list(scored))
    assert record["n_steps"] == len(scored)
    assert record["train"] == {"n_steps": int(((years >= 2010) & (years <= 2014)).sum()), "years": "2010–2014"}
    assert record["val"] == {"n_steps": int((years == 2015).sum()), "years": "2015"}
    after = [time for time in scored if time.year >= 2016]
    assert record["time_range"] == f"{after[0]:%Y-%m-%d},{after[-1]:%Y-%m-%d}"
    if data_calendar == "proleptic_gregorian":  # the tester's numbers
        assert (record["train"]["n_steps"], record["val"]["n_steps"]) == (1826, 365)
        assert record["time_range"] == "2016-01-01,2016-12-31"


def _three_hourly_run(tmp_path):
    """A run directory of 3-hourly steps 2019-01-01 00:00 to 2019-01-10 21:00 split by steps as climann splits
    them (70 % / 15 % / 15 %, whatever day a block ends on): its predictions.nc's labels and the run."""
    times = pd.date_range("2019-01-01", periods=80, freq="3h")
    split = np.array(["train"] * 56 + ["val"] * 12 + ["test"] * 12)
    xr.Dataset({"split": ("time", split)}, coords={"time": times}).to_netcdf(tmp_path / "predictions.nc")
    step = {"name": "3-hourly", "months": 0, "microseconds": 3 * 3600 * 10 ** 6}
    run = SimpleNamespace(network=SimpleNamespace(metadata={"time_step": step}),
                          config=SimpleNamespace(data=SimpleNamespace(split_years=None)))
    return run, times, split


def test_the_blocks_of_a_split_by_steps_within_a_day_are_counted_and_advised_by_the_step(tmp_path):
    """break48c A2: 3-hourly ERA5 whose validation block ends at 09:00 of the day its test block begins was told
    872 validation steps of 876 and advised --time-range from that day, which scored its 4 validation steps as
    unseen with no warning. Here the validation block ends at 09:00 on 9 January (steps 56–67): the counts are
    numpy's of the labels, and the advised range, read as --time-range reads it, chooses the test steps exactly;
    the range by whole days holds validation steps and is told so."""
    from climann.data.time_range import range_bounds

    run, times, split = _three_hourly_run(tmp_path)
    assert times[67] == pd.Timestamp("2019-01-09T09:00") and times[68] == pd.Timestamp("2019-01-09T12:00")
    record = scored_own_years(tmp_path, run, list(times.values))
    assert record["train"]["n_steps"] == np.count_nonzero(split == "train") == 56
    assert record["val"]["n_steps"] == np.count_nonzero(split == "val") == 12
    assert record["time_range"] == "2019-01-09T12:00,2019-01-10"
    first, after_last = range_bounds(record["time_range"].split(","), "standard")
    dates = xr.date_range("2019-01-01", periods=80, freq="3h", calendar="standard", use_cftime=True)
    chosen = np.array([first <= date < after_last for date in dates])
    np.testing.assert_array_equal(chosen, split == "test")
    by_days = scored_own_years(tmp_path, run, list(times.values[(times >= "2019-01-09")]))
    assert by_days["val"]["n_steps"] == np.count_nonzero((split == "val") & (times >= "2019-01-09")) == 4
    assert "train" not in by_days and by_days["time_range"] == "2019-01-09T12:00,2019-01-10"
