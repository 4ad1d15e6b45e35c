"""Runs on forecast files (break41c): a weekly forecast's lead window beside observed weekly means
(C1), ECMWF S2S reforecasts in one file per model version date (C2), and predict/evaluate of such a
run on a file of one start a year (C3); each compared with numpy on the same files."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from climann.model import Network
from climann.workflow.config import build_config
from climann.workflow.pipeline import run_training
from climann.workflow.predict import evaluate_run, predict_files
from tests.forecast_files import (
    continuous_weekly_pair, observed_week_means, s2s_pair, s2s_version_files, weekly_lead_pair,
)

QUICK = {"model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}}


def test_a_weekly_forecast_run_is_scored_against_the_observed_week_its_lead_window_covers(tmp_path):
    """C1: the truth in predictions.nc of a lead-14 run is the observed mean of [start + 7 d, start + 14 d), and
    each forecast beside it is that week's (the fixture's forecast is its week's mean + 0.5 K + 0.1 K noise).
    Following the old refusal's advice trained each forecast against the next week (linear RMSE 1.966 K for
    0.752 K in break41c's files)."""
    cfs, obs = weekly_lead_pair(tmp_path)
    config = build_config({"data": {"paths": [str(cfs), str(obs)], "target": "t2m", "predictors": ["tmp2m"],
                                    "select": {"lead": 14}}, **QUICK})
    run = run_training(config, run_dir=tmp_path / "run").run_dir
    with xr.open_dataset(run / "predictions.nc") as predictions, xr.open_dataset(cfs) as forecast:
        starts = forecast["reftime"].values
        np.testing.assert_array_equal(predictions["t2m"].values,
                                      observed_week_means(obs, starts + np.timedelta64(7, "D")))
        np.testing.assert_array_equal(predictions["time_bnds"].values[:, 0], starts + np.timedelta64(7, "D"))
        own = predictions["t2m_pred"].values
    predict_files(run, [str(cfs), str(obs)], tmp_path / "p.nc")  # new data paired as in training
    with xr.open_dataset(tmp_path / "p.nc") as predicted:
        np.testing.assert_array_equal(predicted["t2m"].values, observed_week_means(obs, starts + np.timedelta64(7, "D")))
        np.testing.assert_array_equal(predicted["t2m_pred"].values, own)


@pytest.mark.parametrize(("lead_at", "lead"), [pytest.param("end", 14.0, id="valid-at-week-end"),
                                               pytest.param("start", 7.0, id="valid-at-week-start")])
def test_a_weekly_forecast_run_on_a_time_range_persists_its_first_weeks(tmp_path, lead_at, lead):
    """fix46n, fix47c: a lead-14 run's persistence is the last observed week ending by each
    forecast's start (WeatherBench 2), found here from cfs.nc's own reference times. The start was
    taken as the paired week's stamp − 14 days: with the observations stamped at their week's start
    and the forecast valid at its week's end (lead_bnds [7, 14]) that was a week early (the week
    ending three weeks before the valid week, not two); the same weeks dated by their starts
    (lead 7 days, lead_bnds [7, 14]) are persisted from the same weeks. With a ``time_range`` as many steps are read as
    persistence needs, and ``config.toml`` records that number (it said 1 while 3 were read)."""
    cfs, obs = weekly_lead_pair(tmp_path)
    if lead_at == "start":  # the same forecasts, each dated by the start of the week it covers, at lead 7 days
        with xr.open_dataset(cfs, decode_times=False, decode_timedelta=False) as opened:
            forecast = opened.load()
        forecast = forecast.assign_coords(lead=forecast["lead"] - 7.0)  # lead_bnds kept: lead 7 is [7, 14] days
        forecast["time"] = forecast["time"].copy(data=forecast["time"].values - 7.0)  # reference + lead, the start
        cfs = tmp_path / "cfs_start.nc"
        forecast.to_netcdf(cfs)
    config = build_config({"data": {"paths": [str(cfs), str(obs)], "target": "t2m", "predictors": ["tmp2m"],
                                    "select": {"lead": lead}, "time_range": ["2001-01-25", "2005-12-31"]}, **QUICK})
    run = run_training(config, run_dir=tmp_path / "run").run_dir
    with (xr.open_dataset(run / "predictions.nc") as predictions, xr.open_dataset(obs) as observed,
          xr.open_dataset(cfs, decode_times=False, decode_timedelta=False) as forecast):
        lower = predictions["time_bnds"].values[:, 0]
        persisted = predictions["t2m_persistence"].values
        scored = predictions["split"].values > 0
        ends, values = observed["time_bnds"].values[:, 1], observed["t2m"].values
        origin = np.datetime64("2000-01-01", "ns")
        references = origin + (forecast["reftime"].values * 86400e9).astype("timedelta64[ns]")
        first_lead = float(forecast["lead_bnds"].sel(lead=lead).values[0])
        before = len(predictions["time"]) - int(scored.sum())
    # each step's forecast: the one whose week (reference + the lead's lower bound) the step's cell opens
    by_week = {week: reference for reference, week
               in zip(references, references + np.timedelta64(int(first_lead), "D"), strict=True)}
    issued = np.array([by_week[day] for day in lower[scored]])
    assert (issued <= lower[scored] - np.timedelta64(7, "D")).all()
    at = np.searchsorted(ends, issued, side="right") - 1
    assert (at >= 0).all()
    # a start in the gap between one year's weeks and the next's has no value observed then (fix46n: it took the
    # previous year's last week, ten months old); the others are persisted from the week ending by their start
    in_gap = (ends[np.minimum(at + 1, len(ends) - 1)] - ends[at]) > np.timedelta64(7 * 3 // 2, "D")
    assert in_gap.any() and not in_gap.all()
    assert np.isnan(persisted[scored][in_gap]).all()
    np.testing.assert_array_equal(persisted[scored][~in_gap], values[at[~in_gap]])  # no NaN among them
    # the steps read before the range: those persistence reaches back for the range's first steps, as recorded
    weeks_back = np.searchsorted(ends, lower[scored][0] + np.timedelta64(7, "D")) - at[0]
    assert before == weeks_back
    recorded = (run / "config.toml").read_text()
    assert f"steps_before_range = {weeks_back}\n" in recorded, recorded


def test_an_explicit_steps_before_range_is_read_as_said_and_what_persistence_lacks_is_said(tmp_path, caplog):
    """fix47c: ``steps_before_range = 1`` given by the user was raised to what a forecast's
    persistence needs without a word (and recorded as 1). It is read as said, as for the lags, so
    that a run is scored again as it was trained; one line says that persistence reaches further
    and that "auto" reads it; the range's first forecast then has no persistence."""
    cfs, obs = weekly_lead_pair(tmp_path)
    config = build_config({"data": {"paths": [str(cfs), str(obs)], "target": "t2m", "predictors": ["tmp2m"],
                                    "select": {"lead": 14}, "time_range": ["2001-01-25", "2005-12-31"],
                                    "steps_before_range": 1}, **QUICK})
    with caplog.at_level(logging.WARNING, logger="climann"):
        run = run_training(config, run_dir=tmp_path / "run").run_dir
    said = [r.getMessage() for r in caplog.records if "steps_before_range = 1" in r.getMessage()]
    assert len(said) == 1 and "persistence reaches 2 back" in said[0] and '"auto"' in said[0], said
    with xr.open_dataset(run / "predictions.nc") as predictions:
        scored = predictions["split"].values > 0
        assert len(scored) - int(scored.sum()) == 1
        assert np.isnan(predictions["t2m_persistence"].values[scored][0]).all()
    assert "steps_before_range = 1\n" in (run / "config.toml").read_text()



def test_the_first_forecasts_are_persisted_from_the_weeks_before_the_common_period(tmp_path):
    """break47e B3: at lead 14 days the forecast of 8 January 2000 (valid week [15, 22 January)) had no
    persistence though obs.nc holds the week [1, 8 January) observed before it: only the variables' common period
    (from the first valid week, 8 January) was read, and the note (fix47o) advised a time_range a lead later. That
    week is read now, as a step before the range (fix48a), with or without a time_range: each forecast of 2000 is
    persisted from numpy's week ending by its start; only the forecast of 1 January, whose week the file lacks, has
    none, with a note naming what the files lack."""
    cfs, obs = weekly_lead_pair(tmp_path)
    with xr.open_dataset(obs, decode_times=False) as observed:
        observed = observed.load()
    first = observed.isel(time=[0])  # a week [1, 8 January 2000) before the first, as ERA5 holds it
    first["t2m"] = first["t2m"] + np.random.default_rng(3).normal(0, 3, first["t2m"].shape).astype("f4")
    first = first.assign_coords(time=first["time"] - 7.0)
    first["time_bnds"] = first["time_bnds"] - 7.0
    observed = xr.concat([first, observed], "time")
    observed["time"].attrs = dict(first["time"].attrs)
    observed.to_netcdf(tmp_path / "obs_from_1_january.nc")
    opens, values = observed["time"].values, observed["t2m"].values  # day numbers since 2000-01-01
    week = {float(day): index for index, day in enumerate(opens)}
    paths = [str(cfs), str(tmp_path / "obs_from_1_january.nc")]
    origin = np.datetime64("2000-01-01", "ns")
    for time_range, name in (((), "run"), (("2000-01-22", "2005-12-31"), "later")):
        config = build_config({"data": {"paths": paths, "target": "t2m", "predictors": ["tmp2m"], "select": {"lead": 14},
                                        **({"time_range": list(time_range)} if time_range else {})}, **QUICK})
        run = run_training(config, run_dir=tmp_path / name).run_dir
        with xr.open_dataset(run / "predictions.nc") as predictions:
            lower = predictions["time_bnds"].values[:, 0]
            scored = (predictions["split"].values > 0) & (lower < np.datetime64("2000-03-01", "ns"))
            persisted = predictions["t2m_persistence"].values[scored]
        before = (lower[scored] - np.timedelta64(14, "D") - origin) / np.timedelta64(1, "D")  # [start - 7 d, start)
        if not time_range:
            # the first forecast (of 1 January) has no week before it in the file; the second's is read
            assert lower[scored][1] == np.datetime64("2000-01-15", "ns") and before[1] == 0.0 and 0.0 in week
            assert before[0] == -7.0 and -7.0 not in week
            assert np.isnan(persisted[0]).all() and not np.isnan(persisted[1:]).any()
            np.testing.assert_array_equal(persisted[1:], values[[week[day] for day in before[1:]]])
            reasons = [note["reason"] for note in json.loads((run / "metrics.json").read_text())["notes"]
                       if note["model"] == "persistence"]
            assert reasons and all("before the first step the target's files hold" in reason
                                   and "--time-range" not in reason for reason in reasons), reasons
        else:
            assert before[0] == 7.0
            np.testing.assert_array_equal(persisted, values[[week[day] for day in before]])


def _by_numpy_persistence(forecast: Path, predictions: xr.Dataset, week_starts: np.ndarray, observed: np.ndarray,
                          lead: float) -> np.ndarray:
    """numpy's persistence of each step of ``predictions``: the observed week ending last by the start of the
    forecast whose window the step's cell is (its reference time, read from ``forecast``), NaN where the weeks
    ``week_starts`` (datetime64, their means ``observed``) hold none ending within a week before it."""
    with xr.open_dataset(forecast, decode_timedelta=False) as opened:
        references = opened["reftime"].values
        first_lead = float(opened["lead_bnds"].sel(lead=lead).values[0])
    issued_of = {reference + np.timedelta64(int(first_lead), "D"): reference for reference in references}
    issued = np.array([issued_of[day] for day in predictions["time_bnds"].values[:, 0]])
    ends = week_starts + np.timedelta64(7, "D")
    at = np.searchsorted(ends, issued, side="right") - 1
    found = (at >= 0) & (issued - ends[np.maximum(at, 0)] < np.timedelta64(7, "D"))
    return np.where(found[:, None, None], observed[np.maximum(at, 0)], np.nan)


def _area_weighted_mse(predicted: np.ndarray, truth: np.ndarray, model: np.ndarray, latitudes: np.ndarray) -> tuple:
    """numpy's MSE over the values where the network and ``predicted`` both are, each weighted by its cell's area
    (sin of its edges' latitudes, the 10° rows of the fixtures), and how many values."""
    rows = np.deg2rad(latitudes)
    area = np.broadcast_to((np.sin(rows + np.deg2rad(5.0)) - np.sin(rows - np.deg2rad(5.0)))[:, None], truth.shape[1:])
    both = np.isfinite(predicted) & np.isfinite(model) & np.isfinite(truth)
    weights = np.broadcast_to(area, truth.shape)[both]
    return float((weights * (predicted[both] - truth[both]) ** 2).sum() / weights.sum()), int(both.sum())


@pytest.mark.parametrize("bounds", [pytest.param(True, id="weeks-with-time-bnds"),
                                    pytest.param(False, id="weeks-without-bounds")])
@pytest.mark.parametrize(("lead_at", "lead"), [pytest.param("end", 14.0, id="valid-at-window-end"),
                                               pytest.param("start", 7.0, id="valid-at-window-start")])
def test_every_forecast_whose_week_the_file_holds_is_persisted_and_the_forecasts_scores_stay(tmp_path, bounds,
                                                                                              lead_at, lead):
    """break47e B3, fix48a: S2S-like starts every Thursday beside weekly means observed from three weeks before
    the first start. The run reads the period both cover, from the first forecast's valid week; the weeks before
    it that persistence needs (the last week ending by each start, WeatherBench 2) are read too, as steps before
    the range: each block's persistence MSE is numpy's from the raw files (each forecast's reference time
    searched among the observed weeks' ends) over every value the network is scored on, with no note. The weeks
    read are recorded (config.toml, model.npz) and labelled unused. The network's, the linear model's and the
    climatology's values and scores are those of a run on the observations without those weeks, to the last bit;
    that run has no persistence for the first two forecasts, and says so."""
    cfs, obs, weeks, observed = continuous_weekly_pair(tmp_path, observed_from=-21, bounds=bounds)
    if lead_at == "start":  # the same forecasts, each dated by the start of its window, at lead 7 days
        with xr.open_dataset(cfs, decode_times=False, decode_timedelta=False) as opened:
            forecast = opened.load()
        forecast = forecast.assign_coords(lead=forecast["lead"] - 7.0)  # lead_bnds kept: lead 7 is [7, 14] days
        forecast["time"] = forecast["time"].copy(data=forecast["time"].values - 7.0)
        forecast.to_netcdf(cfs := tmp_path / "s2s_start.nc")
    first_valid = np.searchsorted(weeks, weeks[0] + np.timedelta64(28, "D"))  # the first window: [start + 7, + 14)
    with xr.open_dataset(obs, decode_times=False) as opened:
        opened.isel(time=slice(first_valid, None)).to_netcdf(cut := tmp_path / "obs_from_the_first_window.nc")
    runs = {}
    for name, observations in (("run", obs), ("cut", cut)):
        config = build_config({"data": {"paths": [str(cfs), str(observations)], "target": "t2m",
                                        "predictors": ["t2m_fc"], "select": {"lead": lead}}, **QUICK})
        runs[name] = run_training(config, run_dir=tmp_path / name).run_dir
    metrics = {name: json.loads((run / "metrics.json").read_text()) for name, run in runs.items()}
    with xr.open_dataset(runs["run"] / "predictions.nc") as full, xr.open_dataset(runs["cut"] / "predictions.nc") as cut:
        unused = int((full["split"].values == 0).sum())
        assert unused == 2 and (full["split"].values[:unused] == 0).all()  # the two weeks before the first window
        scored = full.isel(time=slice(unused, None))
        for variable in ("t2m", "t2m_pred", "t2m_linear", "t2m_climatology", "split", "time_bnds"):
            np.testing.assert_array_equal(scored[variable].values, cut[variable].values, err_msg=variable)
        numpy = _by_numpy_persistence(cfs, scored, weeks, observed, lead)
        assert np.isfinite(numpy).all()  # every forecast's week is in the file
        np.testing.assert_array_equal(scored["t2m_persistence"].values, numpy)
        cut_numpy = _by_numpy_persistence(cfs, cut, weeks[first_valid:], observed[first_valid:], lead)
        assert np.isnan(cut_numpy[:2]).all() and np.isfinite(cut_numpy[2:]).all()
        np.testing.assert_array_equal(cut["t2m_persistence"].values, cut_numpy)
        split, truth, model, latitudes = (scored[name].values for name in ("split", "t2m", "t2m_pred", "lat"))
    for number, block in enumerate(("train", "val", "test"), start=1):
        rows = split == number
        mse, count = _area_weighted_mse(numpy[rows], truth[rows], model[rows], latitudes)
        said = metrics["run"]["splits"][block]["persistence"]
        assert said["mse"] == pytest.approx(mse, rel=1e-6) and said["n_samples"] == count
        assert count == metrics["run"]["splits"][block]["model"]["n_samples"]
        for other in ("model", "linear", "climatology"):
            assert metrics["run"]["splits"][block][other] == metrics["cut"]["splits"][block][other], (block, other)
    assert not [note for note in metrics["run"].get("notes", []) if note["model"] == "persistence"]
    lacking = [note["reason"] for note in metrics["cut"]["notes"] if note["model"] == "persistence"]
    assert lacking and all("before the first step the target's files hold" in reason for reason in lacking)
    assert "steps_before_range = 2\n" in (runs["run"] / "config.toml").read_text()
    assert Network.load(runs["run"] / "model.npz").metadata["steps_before_range"] == 2


def test_the_forecasts_lags_at_the_weeks_read_before_the_common_period_are_said_missing(tmp_path, caplog):
    """fix49c: beside a forecast, the observed weeks before the common period are read (fix48a) for persistence and
    the target's lags, and hold no forecast: the forecast's lags at the first forecasts are missing there, their
    samples dropped, and the line that said so (before those weeks were read: "the step 7 days before each is before
    the first time step read") was no longer said. Against numpy: a forecast week's lag k is missing where the
    forecasts' windows (reference time + lead_bnds, from the file) hold no window 7·k days before it; the lines
    count those steps, the samples the run drops are those steps' cells (the target's lags 1 and 3, read from the
    weeks before, drop none); and the common-period warning says what the run reads, not that only the common
    period "is used"."""
    cfs, obs, _, observed = continuous_weekly_pair(tmp_path, observed_from=-21)
    config = build_config({"data": {"paths": [str(cfs), str(obs)], "target": "t2m", "predictors": ["t2m_fc"],
                                    "select": {"lead": 14.0}, "lags": {"t2m": [1, 3], "t2m_fc": [1, 2]}}, **QUICK})
    with caplog.at_level(logging.INFO, logger="climann"):
        run = run_training(config, run_dir=tmp_path / "run").run_dir
    with xr.open_dataset(cfs, decode_timedelta=False) as forecast:
        windows = forecast["reftime"].values + np.timedelta64(int(forecast["lead_bnds"].sel(lead=14.0)[0]), "D")
    week = np.timedelta64(7, "D")
    without = {k: ~np.isin(windows - k * week, windows) for k in (1, 2)}  # each window's lag k of t2m_fc missing
    cells = observed.shape[1] * observed.shape[2]
    lag1, lag2 = int(without[1].sum()), int(without[2].sum())
    more = int((without[2] & ~without[1]).sum())
    assert (lag1, lag2, more) == (1, 2, 1)  # the fixture's: the first window lacks both, the second lag 2 only
    said = [record.getMessage() for record in caplog.records]
    cause = "before the variables' common period: only t2m's steps are read there (for persistence and lags), none of 't2m_fc'"
    lines = {k: [line for line in said if line.startswith(f"lag {k} is missing")] for k in (1, 2, 3)}
    assert len(lines[1]) == 1 and f"lag 1 is missing at {lag1} time step (" in lines[1][0], lines
    assert cause in lines[1][0] and lines[1][0].endswith(f"their {lag1 * cells} samples are dropped"), lines
    assert len(lines[2]) == 1 and f"lag 2 is missing at {lag2} time steps (" in lines[2][0], lines
    assert cause in lines[2][0] and lines[2][0].endswith(
        f"{more * cells} more samples are dropped ({lag1 * cells} already for lag 1)"), lines
    assert not lines[3]  # the target's lag 3: its weeks are read
    assert json.loads((run / "metrics.json").read_text())["n_dropped"] == (lag1 + more) * cells
    common = [line for line in said if "cover different periods" in line]
    assert len(common) == 1 and "is used" not in common[0], common
    assert ("is trained on and scored" in common[0] and "t2m's last that persistence and the lags need are read too, "
            "never trained on or scored" in common[0]), common


RENAME = {"ECMWF_S2S_reforecast_2t_*.nc": {"t2m": "t2m_fc"}}


@pytest.fixture(scope="module")
def s2s_run(tmp_path_factory):
    """A run on both model version files of S2S reforecasts (t2m renamed t2m_fc by the run's rule) beside ERA5's
    t2m, at step 168 h and member 1, features lat and season."""
    folder = tmp_path_factory.mktemp("s2s")
    files, era5, days = s2s_version_files(folder)
    config = build_config({"data": {"paths": [str(path) for path in (*files, era5)], "target": "t2m",
                                    "predictors": ["t2m_fc"], "features": ["lat", "season"], "rename": RENAME,
                                    "select": {"step": 168, "number": 1}}, **QUICK})
    return folder, files, era5, days, run_training(config, run_dir=folder / "run").run_dir


def test_reforecasts_of_two_model_version_files_train_on_every_start(s2s_run):
    """C2: the two files' starts (2 and 9 January of 2000-2007) are 16 starts; they were refused as overlapping in
    time, and --overlap first dropped the second file's 8. The truth of each is ERA5 at start + 7 days."""
    _, _, era5, _, run = s2s_run
    with xr.open_dataset(run / "predictions.nc") as predictions, xr.open_dataset(era5) as observed:
        predictions = predictions.isel(time=predictions["split"].values > 0)  # not the days read for persistence
        valid = predictions["time"].values
        expected = np.array([np.datetime64(f"{year}-01-{day:02d}", "ns") for year in range(2000, 2008)
                             for day in (9, 16)])
        np.testing.assert_array_equal(valid, expected)
        np.testing.assert_array_equal(predictions["t2m"].values, observed["t2m"].sel(time=valid).values)


@pytest.mark.parametrize("command", [pytest.param("predict", id="predict"), pytest.param("evaluate", id="evaluate")])
def test_an_s2s_run_predicts_a_file_of_one_start_a_year(s2s_run, tmp_path, caplog, command):
    """C3: one model version file (one start a year) was refused: 'the season feature needs a seasonal cycle … leave
    season out (--features)', which predict and evaluate do not take; member 1, the run's, was asked for again, and
    ERA5's t2m (the run's target) was to be renamed to t2m_fc. Now the run's features and member are its own: the
    predictions equal the run's own at those valid times, the truth ERA5 there, without the rename warning."""
    folder, files, era5, _, run = s2s_run
    data = [str(files[1]), str(era5)]
    with caplog.at_level(logging.WARNING, logger="climann"):
        if command == "predict":
            predict_files(run, data, tmp_path / "p.nc")
            written = tmp_path / "p.nc"
        else:
            evaluate_run(run, data, tmp_path / "scored")
            written = tmp_path / "scored" / "predictions.nc"
    assert not [record for record in caplog.records if "ncrename" in record.getMessage()]
    with (xr.open_dataset(written) as new, xr.open_dataset(run / "predictions.nc") as own,
          xr.open_dataset(era5) as observed):
        if "split" in new:  # evaluate's file: the days before the first start, read for its persistence, unused
            new = new.isel(time=new["split"].values > 0)
        valid = new["time"].values
        np.testing.assert_array_equal(valid, [np.datetime64(f"{year}-01-16", "ns") for year in range(2000, 2008)])
        np.testing.assert_array_equal(new["t2m_pred"].values, own["t2m_pred"].sel(time=valid).values)
        np.testing.assert_array_equal(new["t2m"].values, observed["t2m"].sel(time=valid).values)


@pytest.mark.parametrize("route", [pytest.param({}, id="in-memory"),
                                   pytest.param({"in_memory_limit_gb": 1e-9}, id="streamed")])
@pytest.mark.parametrize(("mondays_only", "lead_days"), [pytest.param(True, 14, id="Mondays-step14"),
                                                         pytest.param(False, 14, id="Mondays-Thursdays-step14"),
                                                         pytest.param(False, 7, id="Mondays-Thursdays-step7")])
def test_persistence_of_a_sub_seasonal_run_is_the_observation_at_the_forecasts_start(tmp_path, route, mondays_only,
                                                                                     lead_days):
    """S2S reforecasts at ``step = 14 days`` (ECMWF's extended range): persistence was the previous
    valid day (Mondays only: 7 days before the valid time, a week after the forecast was issued) or,
    starts on Mondays and Thursdays, left out as irregular. It is the observation at each
    forecast's start, valid time − lead (WeatherBench 2's persistence of an initialised forecast),
    among the values read: predictions.nc, the test RMSE and the notes, against numpy."""
    forecasts, observations = s2s_pair(weeks=40)
    if mondays_only:
        forecasts = forecasts.isel(time=slice(0, None, 2))
    noise = np.random.default_rng(1).normal(0, 1.0, forecasts["t2m_fc"].shape).astype("float32")
    forecasts["t2m_fc"] = forecasts["t2m_fc"] + noise  # not a copy of the target (refused as one)
    forecasts.to_netcdf(tmp_path / "fc.nc")
    observations.to_netcdf(tmp_path / "obs.nc")
    config = build_config({"data": {"paths": [str(tmp_path / "fc.nc"), str(tmp_path / "obs.nc")], "target": "t2m",
                                    "predictors": ["t2m_fc"], "features": [], "select": {"step": f"{lead_days} days",
                                                                                           "number": 0}, **route},
                           **QUICK})
    run = run_training(config, run_dir=tmp_path / "run").run_dir
    valid = forecasts["time"].values + np.timedelta64(lead_days, "D")
    days = observations["time"].values
    observed = observations["t2m"].values.astype(np.float64)
    truth = observed[np.searchsorted(days, valid)]
    # the start's observation wherever the observations hold it: read for persistence also where it is no
    # forecast's valid day (fix54f; before, only among the valid days, so the Mondays' run had none)
    starts = valid - np.timedelta64(lead_days, "D")
    at = np.minimum(np.searchsorted(days, starts), len(days) - 1)
    read = days[at] == starts
    known = np.where(read[:, None, None], observed[at], np.nan)
    with xr.open_dataset(run / "predictions.nc") as written:
        assert (np.diff(written["time"].values) > np.timedelta64(0)).all()
        unused = written["split"].values == 0  # the days before the first starts, read for their persistence
        assert np.isin(written["time"].values[unused], days[days < valid[0]]).all()
        written = written.isel(time=~unused)
        np.testing.assert_array_equal(written["t2m"].values, truth)
        persisted = written["t2m_persistence"].values
        test = written["split"].values == 3
        area = written["cell_area"].values
    np.testing.assert_allclose(persisted, known, rtol=1e-6)
    assert read.sum() > len(valid) // 2
    weights = np.broadcast_to(area, truth[test].shape)
    have = ~np.isnan(known[test])
    rmse = np.sqrt(np.sum((weights * (known[test] - truth[test]) ** 2)[have]) / weights[have].sum())
    metrics = json.loads((run / "metrics.json").read_text())
    np.testing.assert_allclose(metrics["splits"]["test"]["persistence"]["rmse"], rmse, rtol=1e-5)
    said = [note["reason"] for note in metrics.get("notes", []) if note["model"] == "persistence"]
    assert read.all() and not said, said


def test_weekly_means_without_bounds_are_persisted_once_their_week_has_ended(tmp_path, caplog):
    """fix47c: observed weekly means without time bounds (``cell_methods = "time: mean"``), stamped
    at 00:00 of each week's start, beside a forecast at lead 14 days dated by the same stamps: a
    value was taken as observed at its stamp, so persistence took the week that ends 7 days after
    the forecast's start. Each is now known at the end of the 7 days beginning at its stamp (as
    climann reads such stamps everywhere), said in one line with the ncap2 line for stamps that end
    their weeks. Against numpy: the last week whose stamp + 7 days ≤ the valid stamp − 14 days."""
    cfs, obs = weekly_lead_pair(tmp_path)
    with xr.open_dataset(obs) as opened:
        observed = opened.load().drop_vars("time_bnds")
    del observed["time"].attrs["bounds"]
    observed.to_netcdf(tmp_path / "obs_unbounded.nc")
    with xr.open_dataset(cfs, decode_times=False, decode_timedelta=False) as opened:
        forecast = opened.load().drop_vars("lead_bnds")
    del forecast["lead"].attrs["bounds"], forecast["tmp2m"].attrs["cell_methods"]  # values at their valid times
    forecast["time"] = forecast["time"].copy(data=forecast["time"].values - 7.0)  # dated as the observations
    forecast.to_netcdf(tmp_path / "cfs_instants.nc")
    config = build_config({"data": {"paths": [str(tmp_path / "cfs_instants.nc"), str(tmp_path / "obs_unbounded.nc")],
                                    "target": "t2m", "predictors": ["tmp2m"], "select": {"lead": 14}}, **QUICK})
    with caplog.at_level(logging.WARNING, logger="climann"):
        run = run_training(config, run_dir=tmp_path / "run").run_dir
    said = [r.getMessage() for r in caplog.records if "has no time bounds and its cell_methods" in r.getMessage()]
    assert len(said) == 1 and "time_bnds(:,0)=time-7;" in said[0], said
    with xr.open_dataset(run / "predictions.nc") as predictions:
        times, persisted = predictions["time"].values, predictions["t2m_persistence"].values
    stamps, values = observed["time"].values, observed["t2m"].values
    ends = stamps + np.timedelta64(7, "D")
    at = np.searchsorted(ends, times - np.timedelta64(14, "D"), side="right") - 1
    # the value observed when the forecast started: none in the gap between one year's weeks and the next's
    known = (at >= 0) & (times - np.timedelta64(14, "D") - ends[np.maximum(at, 0)] < np.timedelta64(7 * 3 // 2, "D"))
    assert known.any() and not known.all()
    np.testing.assert_array_equal(persisted[known], values[at[known]])
    assert np.isnan(persisted[~known]).all()


def test_weekly_means_without_bounds_are_paired_with_the_forecast_window_their_week_is(tmp_path, caplog):
    """break47e B5: a weekly forecast at lead 14 days (``lead_bnds`` [7, 14], valid at its window's end)
    beside observed weekly means without time bounds (``cell_methods = "time: mean"``), stamped at each
    week's start: the forecast of [start + 7 d, start + 14 d) was paired by stamp with the observation
    stamped start + 14 d, the week after (climann reads such a stamp as the 7 days beginning there), and
    persisted from the week ending 7 days after the start; exit 0, no word. Now paired by cells, the
    reading said in one warning line with the ncap2 line for stamps that end their weeks. Against numpy:
    truth = the week beginning start + 7 d, persistence = the last week ending by the start, and the
    linear baseline's RMSE that of the same files with bounds."""
    cfs, obs = weekly_lead_pair(tmp_path)
    with xr.open_dataset(obs) as opened:
        observed = opened.load().drop_vars("time_bnds")
    del observed["time"].attrs["bounds"]
    observed.to_netcdf(tmp_path / "obs_unbounded.nc")
    scores = {}
    for name, files in (("unbounded", [cfs, tmp_path / "obs_unbounded.nc"]), ("bounded", [cfs, obs])):
        config = build_config({"data": {"paths": [str(path) for path in files], "target": "t2m",
                                        "predictors": ["tmp2m"], "select": {"lead": 14}}, **QUICK})
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="climann"):
            run = run_training(config, run_dir=tmp_path / name).run_dir
        said = [r.getMessage() for r in caplog.records if "has no time bounds and its cell_methods" in r.getMessage()]
        scores[name] = json.loads((run / "metrics.json").read_text())["splits"]
        if name == "bounded":
            assert not said, said
            continue
        assert len(said) == 1 and "time_bnds(:,0)=time-7;" in said[0] and "tmp2m's forecast windows" in said[0], said
        with xr.open_dataset(run / "predictions.nc") as predictions, xr.open_dataset(cfs) as forecast:
            valid = {np.datetime64(day, "ns"): start for start, day in zip(forecast["reftime"].values,
                                                                            forecast["time"].sel(lead=14.0).values)}
            window_starts = predictions["time_bnds"].values[:, 0]
            starts = window_starts - np.timedelta64(7, "D")
            truth, persisted = predictions["t2m"].values, predictions["t2m_persistence"].values
        assert set(starts) <= set(valid.values())
        np.testing.assert_array_equal(truth, observed_week_means(obs, window_starts))
        stamps, values = observed["time"].values, observed["t2m"].values
        ends = stamps + np.timedelta64(7, "D")
        at = np.searchsorted(ends, starts, side="right") - 1
        known = (at >= 0) & (starts - ends[np.maximum(at, 0)] < np.timedelta64(7 * 3 // 2, "D"))
        assert known.any() and not known.all()
        np.testing.assert_array_equal(persisted[known], values[at[known]])
        assert np.isnan(persisted[~known]).all()
    for split in ("train", "val", "test"):
        assert scores["unbounded"][split]["linear"]["rmse"] == scores["bounded"][split]["linear"]["rmse"]
        assert scores["unbounded"][split]["persistence"]["mse"] == scores["bounded"][split]["persistence"]["mse"]
