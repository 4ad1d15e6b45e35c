"""New data against the run's training data (climann/workflow/new_data.py): another time step
(a monthly model given daily values) and another time cell method (``time: maximum`` given to
a model of ``time: mean``), through ``predict`` and ``evaluate --data``."""

from __future__ import annotations

import datetime
import json
import logging
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import cftime
import numpy as np
import pytest
import xarray as xr

from climann.data.units import WATER_DENSITY
from climann.errors import ClimannError
from climann.model import Network
from climann.workflow.config import build_config
from climann.workflow.pipeline import run_training
from climann.workflow.predict import evaluate_run, predict_files
from tests.conftest import run_written_before, without_model_record
from tests.fresh_python import bare_python, shell_path
from tests.followed_twice import run_one_copy, without_guards

LAT = np.array([-45.0, -15.0, 15.0, 45.0])
LON = np.array([30.0, 90.0, 150.0, 210.0, 270.0])
MEAN = "area: mean time: mean"
CLIMATOLOGY_MEAN = "area: mean time: mean within years time: mean over years"


def _write(path, times, *, tas_methods=MEAN, pred_methods=MEAN, seed=0, bounds=None):
    """tas = 250 + 10·pred + 0.5·lat (K), pred uniform in [0, 1), with the given ``cell_methods``
    (None: no attribute); ``orog`` a static field (``area: mean``); ``time_bnds`` when
    ``bounds`` (n_time, 2) are given."""
    rng = np.random.default_rng(seed)
    pred = rng.uniform(0, 1, (len(times), LAT.size, LON.size))
    tas = 250 + 10 * pred + 0.5 * LAT[None, :, None]

    def attrs(units, methods):
        return {"units": units, **({"cell_methods": methods} if methods is not None else {})}

    dataset = xr.Dataset(
        {"tas": (("time", "lat", "lon"), tas.astype(np.float32), attrs("K", tas_methods)),
         "pred": (("time", "lat", "lon"), pred.astype(np.float32), attrs("1", pred_methods)),
         "orog": (("lat", "lon"), rng.uniform(0, 3000, (LAT.size, LON.size)).astype(np.float32),
                  {"units": "m", "cell_methods": "area: mean"})},
        coords={"time": ("time", times, {"standard_name": "time"}),
                "lat": ("lat", LAT, {"units": "degrees_north", "standard_name": "latitude"}),
                "lon": ("lon", LON, {"units": "degrees_east", "standard_name": "longitude"})},
    )
    if bounds is not None:
        dataset["time_bnds"] = (("time", "bnds"), np.asarray(bounds, dtype=object))
        dataset["time"].attrs["bounds"] = "time_bnds"
        dataset["time_bnds"].encoding.update({"units": "days since 1990-01-01", "calendar": "noleap"})
    dataset["time"].encoding.update({"units": "days since 1990-01-01", "calendar": "noleap"})
    dataset.to_netcdf(path)
    return path


def _monthly(first_year, n_years):
    return [cftime.DatetimeNoLeap(first_year + k // 12, k % 12 + 1, 15) for k in range(12 * n_years)]


def _month_bounds(times):
    """Each mid-month time's month [1st, 1st of the next month], as CMIP files bound it."""
    def first(year, month):
        return cftime.DatetimeNoLeap(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    return [[first(time.year, time.month), first(time.year, time.month + 1)] for time in times]


def _daily(year, n_days):
    return [cftime.DatetimeNoLeap(year, 1, 1, 12) + datetime.timedelta(days=day) for day in range(n_days)]


def _train(folder, name, **data):
    config = build_config({
        "data": {"paths": [str(folder / "monthly.nc")], "target": "tas", "predictors": ["pred", "orog"], **data},
        "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False},
    })
    return run_training(config, run_dir=folder / name).run_dir


def _apply(command, run_dir, data, tmp_path):
    """``climann predict`` (into p.nc) or ``climann evaluate --data`` (into scores/) of ``data``."""
    if command == "predict":
        return predict_files(run_dir, [str(data)], tmp_path / "p.nc")
    return evaluate_run(run_dir, [str(data)], tmp_path / "scores")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """A run with a lag of tas and one without, trained on monthly ``time: mean`` data (1990–1993)."""
    folder = tmp_path_factory.mktemp("new_data")
    _write(folder / "monthly.nc", _monthly(1990, 4))
    return folder, _train(folder, "lagged", lags={"tas": [1]}), _train(folder, "plain")


@pytest.fixture(scope="module")
def anomaly_run(runs):
    """A run of tas anomalies from its monthly climatology, on the same data."""
    folder = runs[0]
    return _train(folder, "anomaly", target_anomaly=True)


DAILY_REFUSAL = ("the run was trained on monthly data and daily.nc is daily: the run's lags (tas=1) would count daily "
                 "steps here instead of monthly ones; average them to monthly steps first (1 month whole: 31 daily steps in "
                 "January 1996; February 1996 holds 9 of its 28: its mean is of those alone, leave it out for monthly "
                 "values only), e.g. monthly means with "
                 "`mkdir -p monthly && cdo monmean -settbounds,day daily.nc monthly/daily_monthly.nc`, then give "
                 "--data monthly/daily_monthly.nc in place of daily.nc (the copy is in a folder of its own: a glob "
                 "over the original's folder does not take it)")


@pytest.mark.parametrize("command", [pytest.param("predict", id="predict"), pytest.param("evaluate", id="evaluate")])
def test_a_lagged_monthly_model_refuses_daily_data(runs, tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    folder, lagged, _ = runs
    daily = _write(tmp_path / "daily.nc", _daily(1996, 40), seed=1)
    with pytest.raises(ClimannError) as refused:
        _apply(command, lagged, daily, tmp_path)
    assert without_guards(str(refused.value)) == DAILY_REFUSAL
    assert not (tmp_path / "p.nc").exists() and not (tmp_path / "scores").exists()


def test_the_refusal_is_one_line_and_exit_2(runs, tmp_path, capfd, monkeypatch):
    monkeypatch.chdir(tmp_path)
    from tests.console import run_main

    _, lagged, _ = runs
    daily = _write(tmp_path / "daily.nc", _daily(1996, 40), seed=1)
    result = run_main("evaluate", lagged, "--data", daily, "--out", tmp_path / "scores", capfd=capfd,
                      monkeypatch=monkeypatch)
    assert result.returncode == 2, result.stderr
    assert [without_guards(line) for line in result.stderr.strip().splitlines()] == [f"climann: error: {DAILY_REFUSAL}"]


def test_a_model_without_lags_predicts_daily_data_with_one_warning(runs, tmp_path, caplog, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _, _, plain = runs
    daily = _write(tmp_path / "daily.nc", _daily(1996, 40), seed=1)
    with caplog.at_level(logging.WARNING, logger="climann"):
        result = predict_files(plain, [str(daily)], tmp_path / "p.nc")
    said = [without_guards(record.getMessage()) for record in caplog.records
            if "trained on monthly data" in record.getMessage()]
    assert said == ["the run was trained on monthly data and daily.nc is daily: the model is given daily values as if "
                    "they were monthly; average them to monthly steps first (1 month whole: 31 daily steps in "
                    "January 1996; February 1996 holds 9 of its 28: its mean is of those alone, leave it out for "
                    "monthly values only), e.g. monthly means with "
                    "`mkdir -p monthly && cdo monmean -settbounds,day daily.nc monthly/daily_monthly.nc`, then give "
                    "--data monthly/daily_monthly.nc in place of daily.nc (the copy is in a folder of its own: a "
                    "glob over the original's folder does not take it)"]
    assert result.n_samples == 40 * LAT.size * LON.size


TOTALS = "area: mean time: sum"


@pytest.fixture(scope="module")
def totals_run(tmp_path_factory):
    """A run whose predictor ``pred`` is a monthly total (``time: sum``), its target ``tas`` a monthly mean."""
    folder = tmp_path_factory.mktemp("totals")
    _write(folder / "monthly.nc", _monthly(1990, 4), pred_methods=TOTALS)
    return _train(folder, "totals")


def _daily_climatology(path, *, tas_methods, pred_methods):
    """A daily climatology (CF 7.4) of 1990-1993: 365 days stamped in 1996 at noon, each bounded by
    ``climatology_bnds`` from that day of 1990 to the next day of 1993."""
    times = _daily(1996, 365)
    _write(path, times, tas_methods=tas_methods, pred_methods=pred_methods, seed=1)
    with xr.open_dataset(path, decode_times=False) as opened:
        dataset = opened.load()
    units = dataset["time"].attrs["units"]
    days = [cftime.DatetimeNoLeap(1990, time.month, time.day) for time in times]
    ends = [cftime.DatetimeNoLeap(1993, time.month, time.day) + datetime.timedelta(days=1) for time in times]
    dataset["climatology_bnds"] = (("time", "bnds"), np.stack([cftime.date2num(days, units, "noleap"),
                                                               cftime.date2num(ends, units, "noleap")], axis=1))
    dataset["time"].attrs["climatology"] = "climatology_bnds"
    dataset.to_netcdf(path)
    return path


#: Each case: the daily file's tas and pred cell_methods, and the commands advised.
_CASES = {
    "totals": (MEAN, TOTALS,
               "monthly totals of pred with `mkdir -p monthly && cdo monsum -settbounds,day -selname,pred daily.nc "
               "monthly/daily_monthly_totals.nc` and monthly means of tas (orog, without time, copied as it is) with "
               "`mkdir -p monthly && cdo monmean -settbounds,day -selname,orog,tas daily.nc monthly/daily_monthly_means.nc`, then give --data 'monthly/*.nc' in place of daily.nc "
               "(the copies are in a folder of their own: a glob over the originals' folder does not take them)"),
    "points": ("area: mean time: point", TOTALS,
               "monthly totals of pred with `mkdir -p monthly && cdo monsum -settbounds,day -selname,pred daily.nc "
               "monthly/daily_monthly_totals.nc` and monthly means of tas (orog, without time, copied as it is) with "
               "`mkdir -p monthly && cdo monmean "
               "'-setattribute,tas@cell_methods=area: mean time: mean' -settbounds,day -selname,orog,tas daily.nc "
               "monthly/daily_monthly_means.nc`, then give --data 'monthly/*.nc' in place of daily.nc (the copies are in a "
               "folder of their own: a glob over the originals' folder does not take them)"),
    "climatology": (CLIMATOLOGY_MEAN, "area: mean time: sum within years time: mean over years",
                    "monthly totals of pred with `mkdir -p monthly && cdo monsum -selname,pred daily.nc "
                    "monthly/daily_monthly_totals.nc` and monthly means of tas (orog, without time, copied as it is) "
                    "with `mkdir -p monthly && cdo monmean -selname,orog,tas daily.nc "
                    "monthly/daily_monthly_means.nc`, then give --data 'monthly/*.nc' in place of daily.nc (the copies "
                    "are in a folder of their own: a glob over the originals' folder does not take them)"),
}


@pytest.mark.parametrize("case", [pytest.param(case, id=case) for case in _CASES])
def test_daily_data_are_advised_sums_of_totals_and_means_of_the_rest_and_the_copies_are_scored(
        totals_run, tmp_path, caplog, monkeypatch, case):
    """fix37c: a monthly run given daily data was advised `cdo monmean` of the whole file, which makes a
    monthly "total" of the daily totals' mean (30 times too small); points averaged kept their
    ``time: point``, which evaluate then refused to score; CDO's cells of unbounded daily stamps stopped
    a day short. Each kind is summed or averaged by its cell_methods; the commands, run as printed,
    give copies that evaluate scores without a word about steps or cell methods."""
    monkeypatch.chdir(tmp_path)
    tas_methods, pred_methods, commands = _CASES[case]
    if case == "climatology":
        daily = _daily_climatology(tmp_path / "daily.nc", tas_methods=tas_methods, pred_methods=pred_methods)
    else:
        daily = _write(tmp_path / "daily.nc", _daily(1996, 365), tas_methods=tas_methods, pred_methods=pred_methods,
                       seed=1)
    with caplog.at_level(logging.WARNING, logger="climann"):
        predict_files(totals_run, ["daily.nc"], tmp_path / "p.nc")
    said = [without_guards(record.getMessage()) for record in caplog.records
            if "trained on monthly data" in record.getMessage()]
    assert said == ["the run was trained on monthly data and daily.nc is daily: the model is given daily values as if "
                    f"they were monthly; average them to monthly steps first (each of the 12 months whole: 31 daily "
                    f"steps in January 1996), e.g. {commands}"]
    if shutil.which("cdo") is None:
        pytest.skip("following the advice needs CDO")
    for command in re.findall(r"`(mkdir [^`]*)`", said[0]):
        subprocess.run(command, shell=True, check=True, capture_output=True)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        evaluate_run(totals_run, ["monthly/*.nc"], tmp_path / "scores")  # the --data advised
    assert not [record.getMessage() for record in caplog.records
                if re.search(r"trained on|cell_methods|stop short", record.getMessage())]
    with xr.open_dataset("monthly/daily_monthly_totals.nc") as totals, xr.open_dataset(daily) as days:
        january = days["pred"].isel(time=slice(0, 31)).sum("time")  # by hand: the sum of January's 31 days
        np.testing.assert_allclose(totals["pred"].isel(time=0), january, rtol=1e-5)
    # fix45l: the copies were written beside daily.nc, and a glob over its folder then took both, refused as one
    # variable at two frequencies; in a folder of their own, the glob takes the original alone, as before
    predict_files(totals_run, ["daily*.nc"], tmp_path / "p2.nc")


def _years(first, n):
    """Yearly means: mid-year stamps and bounds of whole years."""
    times = [cftime.DatetimeNoLeap(first + k, 7, 2, 12) for k in range(n)]
    return times, [[cftime.DatetimeNoLeap(time.year, 1, 1), cftime.DatetimeNoLeap(time.year + 1, 1, 1)]
                   for time in times]


def test_coarser_data_are_refused_with_the_training_step_asked_for(runs, anomaly_run, tmp_path):
    _, lagged, _ = runs
    times, bounds = _years(2000, 5)
    yearly = _write(tmp_path / "yearly.nc", times, seed=2, bounds=bounds)
    for run in (lagged, anomaly_run):
        with pytest.raises(ClimannError, match=r"and yearly.nc is yearly: .*; give monthly data, or retrain the run "
                                               r"on yearly data$"):
            predict_files(run, [str(yearly)], tmp_path / "p.nc")


def _januaries(first, n):
    """January means of ``n`` years: mid-January stamps, 12 months apart (``cdo selmon,1``)."""
    return [cftime.DatetimeNoLeap(first + k, 1, 16, 12) for k in range(n)]


def _tas_pred(path):
    with xr.open_dataset(path, decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)) as predictions:
        return predictions["tas_pred"].load()


def test_monthly_values_of_one_month_are_predicted_as_in_the_whole_series(runs, anomaly_run, tmp_path, caplog):
    """January means with monthly bounds (``cdo selmon,1``) are monthly values 12 months apart:
    the predictions at them equal those at the Januaries of the whole monthly series."""
    _, _, plain = runs
    whole_times = [cftime.DatetimeNoLeap(2000 + k // 12, k % 12 + 1, 16, 12) for k in range(36)]
    whole = _write(tmp_path / "whole.nc", whole_times, seed=5, bounds=_month_bounds(whole_times))
    with xr.open_dataset(whole, decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)) as dataset:
        dataset.isel(time=slice(0, None, 12)).to_netcdf(tmp_path / "jan_only.nc")
    for run in (anomaly_run, plain):
        with caplog.at_level(logging.WARNING, logger="climann"):
            predict_files(run, [str(tmp_path / "jan_only.nc")], tmp_path / f"jan_{run.name}.nc")
        assert "trained on monthly" not in caplog.text and "apart" not in caplog.text
        predict_files(run, [str(whole)], tmp_path / f"whole_{run.name}.nc")
        januaries = _tas_pred(tmp_path / f"whole_{run.name}.nc").isel(time=slice(0, None, 12))
        np.testing.assert_allclose(_tas_pred(tmp_path / f"jan_{run.name}.nc").values, januaries.values, rtol=1e-6)


def test_a_lagged_run_refuses_monthly_values_of_one_month_for_their_missing_previous_month(runs, tmp_path):
    _, lagged, _ = runs
    times = _januaries(2000, 4)
    january = _write(tmp_path / "jan_only.nc", times, seed=5, bounds=_month_bounds(times))
    with pytest.raises(ClimannError) as refused:
        evaluate_run(lagged, [str(january)], tmp_path / "scores")
    assert str(refused.value) == (
        "the run's lags (tas=1) take the values 1 month before each step, and jan_only.nc holds monthly values 12 "
        "months apart, so the earlier ones are not in it; give the whole monthly series, from at least 1 month "
        "before the first step to predict")


def test_times_further_apart_without_bounds_are_taken_as_the_training_step_with_one_warning(runs, tmp_path, caplog):
    """January means or yearly means? Without bounds it cannot be told: not refused on a guess."""
    _, lagged, plain = runs
    january = _write(tmp_path / "jan.nc", _januaries(2000, 4), seed=5)
    with caplog.at_level(logging.WARNING, logger="climann"):
        result = predict_files(plain, [str(january)], tmp_path / "p.nc")
    assert [record.getMessage() for record in caplog.records if "apart" in record.getMessage()] == [
        "the times of jan.nc are 12 months apart without time bounds, so their values may be monthly ones of a "
        "subset or yearly ones: taken as monthly, as the run was trained on; if they are yearly, give monthly data, "
        "or retrain the run on yearly data"]
    assert result.n_samples == 4 * LAT.size * LON.size
    with pytest.raises(ClimannError, match=r"jan.nc holds values 12 months apart \(monthly ones of a subset, or "
                                           r"yearly ones: no time bounds tell which\), so the earlier ones"):
        predict_files(lagged, [str(january)], tmp_path / "p2.nc")


@pytest.mark.parametrize(("command", "message"), [
    pytest.param("predict", "lags take the values up to 1 step before each time step, but 'time' holds a single time "
                 "step (2000-04-15 00:00:00); give data from at least 1 step before the first one to predict",
                 id="predict"),
    # evaluate --data checks the time step from the coordinates before it reads a sample
    pytest.param("evaluate", "the run's lags (tas=1) take the values 1 month before each step, and one.nc holds a "
                 "single time step (2000-04-15 00:00:00); give the whole monthly series, from at least 1 month before "
                 "the first step to predict", id="evaluate"),
])
def test_a_lagged_run_on_one_time_step_asks_for_the_steps_before_it(runs, tmp_path, command, message):
    _, lagged, _ = runs
    one = _write(tmp_path / "one.nc", [cftime.DatetimeNoLeap(2000, 4, 15)], seed=6)
    with pytest.raises(ClimannError) as refused:
        _apply(command, lagged, one, tmp_path)
    assert str(refused.value) == message


def test_data_at_the_training_step_are_not_warned_about(runs, tmp_path, caplog):
    _, lagged, _ = runs
    later = _write(tmp_path / "later.nc", _monthly(2000, 2), seed=3)
    with caplog.at_level(logging.WARNING, logger="climann"):
        result = predict_files(lagged, [str(later)], tmp_path / "p.nc")
    assert "trained on monthly data" not in caplog.text and "cell_methods" not in caplog.text
    assert result.n_samples == (24 - 1) * LAT.size * LON.size  # the first month has no previous one


def _old_model_file(run_dir, folder):
    """The run as climann wrote it before the time step and cell methods were recorded."""
    return run_written_before(run_dir, folder / f"old_{run_dir.name}", "time_step", "time_cell_methods")


def test_a_model_file_without_the_record_predicts_as_before(runs, tmp_path, caplog):
    _, lagged, _ = runs
    old = _old_model_file(lagged, tmp_path)
    daily = _write(tmp_path / "daily.nc", _daily(1996, 40), seed=1, tas_methods="time: maximum")
    with caplog.at_level(logging.INFO, logger="climann"):
        result = predict_files(old, [str(daily)], tmp_path / "p.nc")
    assert "predates the record of its training time step" in caplog.text
    assert "cell_methods" not in caplog.text
    assert result.n_samples == (40 - 1) * LAT.size * LON.size  # lags of one day, as before


@pytest.mark.parametrize(
    ("tas_methods", "pred_methods", "warned"),
    [
        pytest.param("time: maximum", MEAN, ["tas in new.nc is time: maximum, the model was trained on and predicts "
                                             "time: mean (CF cell_methods): tas_error and the scores compare the "
                                             "predicted time: mean with time: maximum"], id="target-maximum"),
        pytest.param(MEAN, "area: mean time: point", ["pred in new.nc is time: point, the model was trained on "
                                                      "time: mean (CF cell_methods): it is given another quantity "
                                                      "than it learnt from; give time: mean pred, or correct the "
                                                      "attribute if it is wrong"], id="predictor-point"),
        pytest.param("time: mean", "area: time: mean where land", [], id="where-names-the-portion-not-time"),
        pytest.param("area: time: mean where land", "time: mean where sea_ice over sea", [],
                     id="where-over-names-the-portion-not-time"),
        pytest.param(None, "area: mean", [], id="attribute-absent-or-silent-on-time"),
        pytest.param("time: mean (interval: 1 hr)", MEAN, [], id="comment-ignored"),
    ],
)
def test_predict_warns_of_another_time_cell_method_in_one_line(runs, tmp_path, caplog, tas_methods, pred_methods,
                                                               warned):
    _, _, plain = runs
    new = _write(tmp_path / "new.nc", _monthly(2000, 2), seed=4, tas_methods=tas_methods, pred_methods=pred_methods)
    with caplog.at_level(logging.WARNING, logger="climann"):
        predict_files(plain, [str(new)], tmp_path / "p.nc")
    # the time methods' warnings (a "where land" target without sftlf is warned of its weights apart)
    assert [record.getMessage() for record in caplog.records if "(CF cell_methods)" in record.getMessage()] == warned


def test_evaluate_refuses_a_target_of_another_time_cell_method(runs, tmp_path, monkeypatch):
    """The ncatted in the advice changes the time method only: the area part stays as written."""
    monkeypatch.chdir(tmp_path)
    _, _, plain = runs
    new = _write(tmp_path / "tas_max.nc", _monthly(2000, 2), seed=4, tas_methods="area: mean time: maximum")
    with pytest.raises(ClimannError) as refused:
        evaluate_run(plain, [str(new)], tmp_path / "scores")
    assert without_guards(str(refused.value)) == (
        "tas in tas_max.nc is time: maximum, the model was trained on and predicts time: mean (CF cell_methods): its "
        "scores against time: maximum would measure another quantity; score it on time: mean tas, or, if the "
        "attribute is wrong, correct it in a copy (mkdir -p cell_methods_fixed && ncatted -a cell_methods,tas,o,c,"
        "'area: mean time: mean' tas_max.nc cell_methods_fixed/tas_max.nc (its copy in a new folder), then give "
        "--data cell_methods_fixed/tas_max.nc in place of tas_max.nc)"
    )
    assert not (tmp_path / "scores").exists()
    # break57c A4: the copy into a new folder (tas_max_fixed.nc was written beside it), run by bash as printed
    printed = run_one_copy(str(refused.value), cwd=tmp_path)
    assert sorted(path.name for path in tmp_path.glob("*.nc")) == ["tas_max.nc"]
    with xr.open_dataset(new) as original, xr.open_dataset(tmp_path / printed["copy"]) as copy:
        np.testing.assert_array_equal(copy["tas"].values, original["tas"].values)
        assert copy["tas"].attrs["cell_methods"] == MEAN
    assert evaluate_run(plain, [printed["copy"]], tmp_path / "scores")["splits"]["all"]["model"]["n_samples"] > 0


def test_evaluate_warns_of_a_predictor_of_another_time_cell_method(runs, tmp_path, caplog):
    _, _, plain = runs
    new = _write(tmp_path / "new.nc", _monthly(2000, 2), seed=4, pred_methods="time: point")
    with caplog.at_level(logging.WARNING, logger="climann"):
        metrics = evaluate_run(plain, [str(new)], tmp_path / "scores")
    assert [record.getMessage() for record in caplog.records if "cell_methods" in record.getMessage()] == [
        "pred in new.nc is time: point, the model was trained on time: mean (CF cell_methods): it is given another "
        "quantity than it learnt from; give time: mean pred, or correct the attribute if it is wrong"]
    assert metrics["splits"]["all"]["model"]["n_samples"] == 24 * LAT.size * LON.size


def _one_file_per_variable(path, folder):
    """The variables of ``path`` in files of their own: ``a_pred.nc`` (pred, orog) before
    ``z_tas.nc`` (tas), as a folder of CMIP files lists them."""
    folder.mkdir()
    with xr.open_dataset(path, decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)) as dataset:
        dataset[["pred", "orog"]].to_netcdf(folder / "a_pred.nc")
        dataset[["tas"]].to_netcdf(folder / "z_tas.nc")
    return [str(folder / "a_pred.nc"), str(folder / "z_tas.nc")]


def test_the_time_cell_method_messages_name_the_variables_own_file(runs, tmp_path, caplog, monkeypatch):
    """They named the first files given ('tas in a_pred.nc, z_tas.nc …'), and the ncatted of
    the refusal changed a_pred.nc, which has no tas."""
    monkeypatch.chdir(tmp_path)
    _, _, plain = runs
    target_max = _one_file_per_variable(_write(tmp_path / "max.nc", _monthly(2000, 2), seed=4,
                                               tas_methods="area: mean time: maximum"), tmp_path / "max")
    with pytest.raises(ClimannError) as refused:
        evaluate_run(plain, target_max, tmp_path / "scores")
    assert str(refused.value).startswith("tas in z_tas.nc is time: maximum, the model was trained on and predicts")
    assert without_guards(str(refused.value)).endswith(
        "(mkdir -p max/cell_methods_fixed && ncatted -a cell_methods,tas,o,c,'area: mean time: mean' max/z_tas.nc "
        "max/cell_methods_fixed/z_tas.nc (its copy in a new folder), then give --data max/cell_methods_fixed/z_tas.nc "
        "in place of max/z_tas.nc, with the other files of max given as before (--data max/a_pred.nc))")
    point = _one_file_per_variable(_write(tmp_path / "point.nc", _monthly(2000, 2), seed=4, pred_methods="time: point"),
                                   tmp_path / "point")
    with caplog.at_level(logging.WARNING, logger="climann"):
        predict_files(plain, point, tmp_path / "p.nc")
    assert [record.getMessage()[:40] for record in caplog.records if "cell_methods" in record.getMessage()] == [
        "pred in a_pred.nc is time: point, the mo"]


def _precipitation(path, *, units, methods, seed=0):
    """Monthly precipitation of 2000–2003 (noleap) as ``pr`` in ``units`` (kg m-2 s-1; mm/month
    or mm, an amount with monthly ``time_bnds``: the same rates times the days of each month)
    with ``cell_methods``, and its predictor ``pred``."""
    times = _monthly(2000, 4)
    rng = np.random.default_rng(seed)
    pred = rng.uniform(0, 1, (len(times), LAT.size, LON.size))
    rates = (1 + 2 * pred) * 1e-5
    days = np.array([(_month_bounds([time])[0][1] - _month_bounds([time])[0][0]).days for time in times])
    values = rates if units == "kg m-2 s-1" else rates * 86400 * days[:, None, None]
    dataset = xr.Dataset(
        {"pr": (("time", "lat", "lon"), values.astype(np.float32),
                {"units": units, "standard_name": "precipitation_flux", "cell_methods": methods}),
         "pred": (("time", "lat", "lon"), pred.astype(np.float32), {"units": "1", "cell_methods": MEAN})},
        coords={"time": ("time", times, {"standard_name": "time"}),
                "lat": ("lat", LAT, {"units": "degrees_north", "standard_name": "latitude"}),
                "lon": ("lon", LON, {"units": "degrees_east", "standard_name": "longitude"})},
    )
    dataset["time"].encoding.update({"units": "days since 2000-01-01", "calendar": "noleap"})
    if units == "mm":
        dataset["time_bnds"] = (("time", "bnds"), np.asarray(_month_bounds(times), dtype=object))
        dataset["time"].attrs["bounds"] = "time_bnds"
        dataset["time_bnds"].encoding.update({"units": "days since 2000-01-01", "calendar": "noleap"})
    dataset.to_netcdf(path)
    return path


@pytest.fixture(scope="module")
def precipitation_runs(tmp_path_factory):
    """Runs of monthly mean rates (kg m-2 s-1, ``time: mean``) and of monthly totals (mm/month,
    ``time: sum``), and the files they were trained on."""
    folder = tmp_path_factory.mktemp("precipitation")
    rates = _precipitation(folder / "rates.nc", units="kg m-2 s-1", methods="area: time: mean")
    totals = _precipitation(folder / "totals.nc", units="mm/month", methods="time: sum")
    amounts = _precipitation(folder / "amounts.nc", units="mm", methods="area: mean time: sum")
    runs = {}
    for name, path in (("rates", rates), ("totals", totals), ("amounts", amounts)):
        config = build_config({"data": {"paths": [str(path)], "target": "pr", "predictors": ["pred"]},
                               "model": {"hidden": [4]}, "training": {"epochs": 1},
                               "evaluation": {"figures": False}})
        runs[name] = run_training(config, run_dir=folder / f"run_{name}").run_dir
    return runs, rates, totals, amounts


@pytest.mark.parametrize("direction", [pytest.param(("rates", "totals"), id="rate-model-on-totals"),
                                       pytest.param(("totals", "rates"), id="totals-model-on-rates"),
                                       pytest.param(("rates", "amounts"), id="rate-model-on-amounts-over-cells"),
                                       pytest.param(("amounts", "rates"), id="amounts-model-on-rates")])
def test_totals_per_month_and_mean_rates_converted_into_each_other_are_scored(precipitation_runs, tmp_path, caplog,
                                                                              direction):
    """A monthly total in mm/month (``time: sum``), or in mm over each month of its time bounds,
    is the month's mean rate: once climann converts it by the days of each month, the two are the
    same quantity (same scores as on the run's own units)."""
    runs, rates, totals, amounts = precipitation_runs
    run, files = runs[direction[0]], {"rates": rates, "totals": totals, "amounts": amounts}
    with caplog.at_level(logging.WARNING, logger="climann"):
        converted = evaluate_run(run, [str(files[direction[1]])], tmp_path / "converted")
    assert "cell_methods" not in caplog.text
    own = evaluate_run(run, [str(files[direction[0]])], tmp_path / "own")
    scores, expected = converted["splits"]["all"]["model"], own["splits"]["all"]["model"]
    assert scores["n_samples"] == expected["n_samples"] == 48 * LAT.size * LON.size
    np.testing.assert_allclose(scores["rmse"], expected["rmse"], rtol=1e-4)


def test_a_sum_of_rates_is_still_refused_against_their_mean(precipitation_runs, tmp_path):
    """Monthly mean rates in kg m-2 s-1 said summed ('time: sum'): no rate per second is a sum of them (fix51c), and
    nothing says how many were summed; refused as the file is opened, with the ncatted that says the mean (the
    refusal of a sum against the model's mean came after it, and said nothing of the units)."""
    runs, *_ = precipitation_runs
    summed = _precipitation(tmp_path / "summed.nc", units="kg m-2 s-1", methods="time: sum")
    with pytest.raises(ClimannError, match=r"^'pr' in .*summed.nc is in 'kg m-2 s-1', a rate per second, but its "
                                           r"cell_methods say 'time: sum' over time cells of .*ncatted -a "
                                           r"cell_methods,pr,o,c,'time: mean' "):
        evaluate_run(runs["rates"], [str(summed)], tmp_path / "scores")


def test_the_cmip_spellings_of_a_land_mean_are_the_same_time_mean(tmp_path):
    """CMIP6's ``area: mean where land time: mean`` (Lmon) against ``area: time: mean where
    land``: the ``where`` qualifier names the portion of the cell, not how time was treated,
    so evaluate --data scores the file as it scores the training spelling."""
    _write(tmp_path / "monthly.nc", _monthly(1990, 4), tas_methods="area: mean where land time: mean")
    run = _train(tmp_path, "land")
    same = _write(tmp_path / "same.nc", _monthly(2000, 2), seed=4, tas_methods="area: mean where land time: mean")
    other = _write(tmp_path / "other.nc", _monthly(2000, 2), seed=4, tas_methods="area: time: mean where land")
    scores = [evaluate_run(run, [str(path)], tmp_path / path.stem)["splits"]["all"]["model"]["mse"]
              for path in (same, other)]
    assert scores[0] == scores[1] and np.isfinite(scores[0])


def test_persistence_is_left_out_of_january_means_with_monthly_bounds_not_taken_a_year_back(runs, tmp_path):
    """January means of four years, each a one-month cell (cdo selmon,1): the month before
    each, which persistence forecasts with, is not in the data; scored against the January a
    year back it was another forecast under the same name. The whole monthly series keeps it."""
    _, _, plain = runs
    times = _januaries(2000, 4)
    january = _write(tmp_path / "jan_only.nc", times, seed=5, bounds=_month_bounds(times))
    metrics = evaluate_run(plain, [str(january)], tmp_path / "scores", overwrite=False)
    assert "persistence" not in metrics["splits"]["all"]
    assert [note["reason"] for note in metrics["notes"] if note["model"] == "persistence"] == [
        "its values are 1 month cells 12 months apart (time bounds): the value 1 month earlier, which "
        "persistence forecasts with, is not in the data"]
    months = _monthly(2000, 2)
    whole = _write(tmp_path / "whole.nc", months, seed=5, bounds=_month_bounds(months))
    assert "persistence" in evaluate_run(plain, [str(whole)], tmp_path / "whole_scores")["splits"]["all"]



def test_persistence_is_left_out_of_new_monthly_data_every_other_month_without_bounds(runs, tmp_path):
    """Monthly means every other month without time bounds: taken as monthly values of a
    subset (as the warning says), so the month before is not in the data; persistence was
    scored with the value 2 months back (break20 F1). With every month it is scored."""
    _, _, plain = runs
    months = _monthly(2000, 2)
    every_other = _write(tmp_path / "every_other.nc", months[::2], seed=5)
    metrics = evaluate_run(plain, [str(every_other)], tmp_path / "scores")
    assert "persistence" not in metrics["splits"]["all"] and "model" in metrics["splits"]["all"]
    assert [note["reason"] for note in metrics["notes"] if note["model"] == "persistence"] == [
        "its values are 1 month cells 2 months apart (a subset of the steps, without time bounds): the value 1 month "
        "earlier, which persistence forecasts with, is not in the data"]
    whole = _write(tmp_path / "whole.nc", months, seed=5)
    assert "persistence" in evaluate_run(plain, [str(whole)], tmp_path / "whole_scores")["splits"]["all"]


# Area-mean features ([data] global_means, regional_means) on data of another area.

BOX = [-30, 30, 150, 240]
GLOBAL_REFUSAL = ("the feature tas_global_mean is the area mean over lat -90…90, all longitudes in training, but cut.nc "
                  "gives it over lat -30…30, lon 0…120, another quantity: give the data on the whole grid the mean was "
                  "taken over (cut the predictions afterwards), or retrain without [data] global_means")


def _train_sample(folder, name, **data):
    config = build_config({
        "data": {"paths": [str(folder / "sample.nc")], "target": "tas", "predictors": ["rsdt"], **data},
        "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False},
    })
    return run_training(config, run_dir=folder / name).run_dir


@pytest.fixture(scope="module")
def area_runs(tmp_path_factory):
    """Runs with the global mean of tas and its mean over 30S–30N, 150–240E as features, trained on
    the global 15° sample (lat -90…90 and lon 0…360 at the cell edges, 3 years)."""
    from climann.data.sample_data import write_sample_dataset

    folder = tmp_path_factory.mktemp("area_means")
    write_sample_dataset(folder / "sample.nc", years=3, resolution=15.0, seed=3)
    return (folder, _train_sample(folder, "global", global_means=["tas"]),
            _train_sample(folder, "regional", regional_means={"tas": BOX}))


def _cut(folder, path, **selection):
    with xr.open_dataset(folder / "sample.nc") as whole:
        whole.sel(**selection).to_netcdf(path)
    return path


def _east_of_dateline_first(dataset):
    """The same cells in -180…180 longitudes, in ascending order (edges from the centres)."""
    dataset = dataset.drop_vars("lon_bnds")
    dataset["lon"].attrs.pop("bounds", None)
    return dataset.assign_coords(lon=(dataset["lon"] + 180) % 360 - 180).sortby("lon")


def _on_the_sample_grid(path):
    with xr.open_dataset(path) as predicted:
        return predicted["tas_pred"].assign_coords(lon=predicted["lon"] % 360).sortby(["lat", "lon"]).load()


#: Every route new data take: predict in memory and chunked, evaluate --data in memory and on a cluster.
_NEW_DATA_ROUTES = pytest.mark.parametrize(
    ("command", "out", "options"),
    [
        pytest.param("predict", "p.nc", [], id="predict-in-memory"),
        pytest.param("predict", "p.zarr", [], id="predict-chunked"),
        pytest.param("evaluate", "scores", [], id="evaluate-in-memory"),
        pytest.param("evaluate", "scores", ["--workers", "1"], id="evaluate-cluster"),
    ],
)


@_NEW_DATA_ROUTES
def test_a_global_mean_over_data_cut_to_a_region_is_refused_before_any_sample_is_read(
        area_runs, tmp_path, capfd, monkeypatch, command, out, options):
    """A global mean over data cut to a region is refused in one line, nothing written. The
    areas of the area-mean features are known from the coordinates: on large data the refusal
    must not wait for the samples (this process reads none)."""
    from climann.data.pointwise import PointwiseSource
    from tests.console import run_main

    def no_reading(*args, **kwargs):
        raise AssertionError("a sample was read before the refusal")

    monkeypatch.setattr(PointwiseSource, "read", no_reading)
    monkeypatch.setattr(PointwiseSource, "read_all", no_reading)
    folder, run_dir, _ = area_runs
    cut = _cut(folder, tmp_path / "cut.nc", lat=slice(-30, 30), lon=slice(0, 120))
    result = run_main(command, run_dir, "--data", cut, "--out", tmp_path / out, *options, capfd=capfd,
                      monkeypatch=monkeypatch)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines() == [f"climann: error: {GLOBAL_REFUSAL}"]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cut.nc"]


def test_a_regional_mean_over_data_cutting_its_box_is_refused(area_runs, tmp_path):
    folder, _, run_dir = area_runs
    cut = _cut(folder, tmp_path / "cut.nc", lat=slice(-60, 60), lon=slice(0, 200))  # the box's cells to 187.5E
    with pytest.raises(ClimannError) as refused:
        predict_files(run_dir, [str(cut)], tmp_path / "p.nc")
    assert str(refused.value) == (
        "the feature tas_mean_30S-30N_150E-240E is the area mean over lat -30…30, lon 150…240 in training, but cut.nc "
        "gives it over lat -30…30, lon 150…195, another quantity: give data that cover the whole box (cut the "
        "predictions afterwards), or retrain without [data] regional_means.tas")


@pytest.mark.parametrize("command", [pytest.param("predict", id="predict"), pytest.param("evaluate", id="evaluate")])
def test_data_without_a_cell_of_the_runs_regional_means_box_are_refused_naming_the_box(area_runs, tmp_path,
                                                                                        command):
    """Data north of the run's regional_means box (30S–30N) were refused as "region (south -30 …)
    contains no grid cell": the user of predict gave no region. The refusal names the run's
    regional_means box of tas and the way out; nothing is written."""
    folder, _, run_dir = area_runs
    north = _cut(folder, tmp_path / "north.nc", lat=slice(40, 90))
    with xr.open_dataset(north) as cut:
        south, top = cut["lat"].values.min(), cut["lat"].values.max()
    with pytest.raises(ClimannError) as refused:
        if command == "predict":
            predict_files(run_dir, [str(north)], tmp_path / "p.nc")
        else:
            evaluate_run(run_dir, [str(north)], tmp_path / "scores")
    assert str(refused.value) == (
        "the run's regional_means box of 'tas' (south -30, north 30, west 150, east 240: [data] regional_means.tas of "
        "its config.toml, whose area mean is a feature of the model) contains no grid cell of these data; the grid "
        f"spans latitude {south:g}…{top:g} and longitude 7.5…352.5: give data that cover the whole box (cut the "
        "predictions afterwards), or retrain without [data] regional_means.tas")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["north.nc"]


def test_the_whole_grid_north_to_south_in_minus_180_to_180_predicts_as_in_training_order(area_runs, tmp_path):
    folder, run_dir, _ = area_runs
    with xr.open_dataset(folder / "sample.nc") as whole:
        _east_of_dateline_first(whole.isel(lat=slice(None, None, -1))).to_netcdf(tmp_path / "flipped.nc")
    predict_files(run_dir, [str(folder / "sample.nc")], tmp_path / "whole.nc")
    predict_files(run_dir, [str(tmp_path / "flipped.nc")], tmp_path / "flipped_p.nc")
    expected, flipped = _on_the_sample_grid(tmp_path / "whole.nc"), _on_the_sample_grid(tmp_path / "flipped_p.nc")
    np.testing.assert_allclose(flipped.values, expected.values, rtol=1e-6)
    assert np.isfinite(expected.values).all()


def test_the_globe_at_another_resolution_is_the_same_global_mean(area_runs, tmp_path):
    from climann.data.sample_data import write_sample_dataset

    _, run_dir, _ = area_runs
    finer = write_sample_dataset(tmp_path / "finer.nc", years=1, resolution=7.5, seed=4)
    result = predict_files(run_dir, [str(finer)], tmp_path / "p.nc")
    assert result.n_samples == 12 * 24 * 48


def test_a_regional_mean_over_data_covering_its_box_predicts_as_on_the_whole_grid(area_runs, tmp_path):
    folder, _, run_dir = area_runs
    with xr.open_dataset(folder / "sample.nc") as whole:  # the box across the data's dateline seam
        _east_of_dateline_first(whole.sel(lat=slice(-45, 45), lon=slice(135, 255))).to_netcdf(tmp_path / "cut.nc")
    predict_files(run_dir, [str(folder / "sample.nc")], tmp_path / "whole.nc")
    predict_files(run_dir, [str(tmp_path / "cut.nc")], tmp_path / "cut_p.nc")
    cut = _on_the_sample_grid(tmp_path / "cut_p.nc")
    expected = _on_the_sample_grid(tmp_path / "whole.nc").sel(lat=cut["lat"], lon=cut["lon"])
    assert cut.shape == (36, 6, 8)
    np.testing.assert_allclose(cut.values, expected.values, rtol=1e-6)


def _without_area_record(run_dir, folder):
    """The run as climann wrote it before the area of its area means was recorded."""
    old = folder / f"old_{run_dir.name}"
    shutil.copytree(run_dir, old)
    network = Network.load(old / "model.npz")
    (old / "model.npz").unlink()
    network.save(old / "model.npz", metadata={k: v for k, v in network.metadata.items() if k != "area_extents"})
    without_model_record(old)  # an older climann's run names no model
    return old


def test_the_model_file_records_the_area_of_each_mean(area_runs):
    _, global_run, regional_run = area_runs
    assert Network.load(global_run / "model.npz").metadata["area_extents"] == {
        "tas_global_mean": [-90.0, 90.0, 0.0, 360.0, 15.0, 15.0]}
    assert Network.load(regional_run / "model.npz").metadata["area_extents"] == {
        "tas_mean_30S-30N_150E-240E": [-30.0, 30.0, 150.0, 240.0, 15.0, 15.0]}


def test_a_model_file_without_the_record_is_checked_against_its_training_grid(area_runs, tmp_path):
    folder, run_dir, _ = area_runs
    old = _without_area_record(run_dir, tmp_path)
    cut = _cut(folder, tmp_path / "cut.nc", lat=slice(-30, 30), lon=slice(0, 120))
    with pytest.raises(ClimannError) as refused:
        predict_files(old, [str(cut)], tmp_path / "p.nc")
    assert str(refused.value) == GLOBAL_REFUSAL
    assert predict_files(old, [str(folder / "sample.nc")], tmp_path / "whole.nc").n_samples == 36 * 12 * 24


def test_a_model_file_without_the_record_trained_on_a_region_warns_that_the_area_is_not_checked(area_runs, tmp_path,
                                                                                              caplog):
    folder, _, _ = area_runs
    old = _without_area_record(_train_sample(tmp_path, "tropics", global_means=["tas"], region=[-45, 45, 0, 360],
                                             paths=[str(folder / "sample.nc")]), tmp_path)
    cut = _cut(folder, tmp_path / "cut.nc", lat=slice(-45, 45))
    with caplog.at_level(logging.WARNING, logger="climann"):
        predict_files(old, [str(cut)], tmp_path / "p.nc")
    assert [record.getMessage() for record in caplog.records if "predates the record of the area" in record.getMessage()] == [
        "this run's model.npz predates the record of the area its area means (tas_global_mean, …) were taken over: "
        "the new data's are not checked to be over the same area (retrain to check them)"]


def _winters(first_year, n_years):
    """DJF means 12 months apart, stamped mid-January, with bounds of their 3 months (Dec–Feb)."""
    times = [cftime.datetime(year, 1, 15, calendar="noleap") for year in range(first_year, first_year + n_years)]
    bounds = [[cftime.datetime(t.year - 1, 12, 1, calendar="noleap"), cftime.datetime(t.year, 3, 1, calendar="noleap")]
              for t in times]
    return times, bounds


@pytest.fixture(scope="module")
def winter_runs(tmp_path_factory):
    """A run with a lag of tas (the previous winter) and one without, trained on DJF means."""
    folder = tmp_path_factory.mktemp("winters")
    times, bounds = _winters(1990, 16)
    _write(folder / "monthly.nc", times, bounds=bounds)
    return folder, _train(folder, "lagged", lags={"tas": [1]}), _train(folder, "plain")


@pytest.mark.parametrize("which", ["lagged", "plain"])
def test_a_run_trained_on_winter_means_takes_winter_means_as_its_own_values(winter_runs, tmp_path, caplog, which):
    """DJF means (3-month cells 12 months apart): the run recorded its 12-month step and its
    3-month cells. Its own file was refused by the lagged run ('trained on yearly data and
    monthly.nc is seasonal: … cdo yearmean') and warned about by the plain one, with advice
    that would have turned the winters into yearly means."""
    folder, lagged, plain = winter_runs
    run_dir = lagged if which == "lagged" else plain
    with caplog.at_level(logging.WARNING, logger="climann"):
        result = predict_files(run_dir, [str(folder / "monthly.nc")], tmp_path / "p.nc")
    assert "yearly" not in caplog.text and "seasonal" not in caplog.text
    with xr.open_dataset(result.path, decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)) as new, \
            xr.open_dataset(run_dir / "predictions.nc",
                            decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)) as own:
        np.testing.assert_allclose(new["tas_pred"].values, own["tas_pred"].values, rtol=1e-6)  # float32 sums
        assert np.isfinite(new["tas_pred"].values).sum() == np.isfinite(own["tas_pred"].values).sum() > 0


def test_yearly_means_given_to_a_run_trained_on_winter_means_are_refused_by_its_lags(winter_runs, tmp_path):
    """Yearly means 12 months apart have the winter run's spacing but not its cells: they were
    taken as its values, silently; the run's lag counts winters."""
    folder, lagged, _ = winter_runs
    years = [cftime.datetime(year, 7, 2, calendar="noleap") for year in range(1990, 2006)]
    bounds = [[cftime.datetime(t.year, 1, 1, calendar="noleap"), cftime.datetime(t.year + 1, 1, 1, calendar="noleap")]
              for t in years]
    annual = _write(tmp_path / "annual.nc", years, bounds=bounds, seed=2)
    with pytest.raises(ClimannError) as refused:
        predict_files(lagged, [str(annual)], tmp_path / "p.nc")
    assert str(refused.value) == (
        "the run was trained on values of 3-month cells a year apart and annual.nc holds yearly values: the run's "
        "lags (tas=1) would take them as the values it was trained on; give values of 3-month cells a year apart, "
        "or retrain the run on these")
    assert not (tmp_path / "p.nc").exists()


def test_winter_means_with_bounds_given_to_a_run_trained_on_them_without_bounds_are_its_own_values(tmp_path, caplog):
    """own-data.md's snippet adds exact DJF bounds to the file a run was trained on: the same
    values a year apart. They were called "seasonal (every 3 months)" with `cdo yearmean`
    advice, which would change nothing (one value a year); the run cannot tell what its own
    values covered, so one warning says so, without averaging advice."""
    folder = tmp_path / "winters"
    folder.mkdir()
    times, bounds = _winters(1990, 16)
    _write(folder / "monthly.nc", times)  # the training file: mid-January stamps, no bounds
    run_dir = _train(folder, "plain")
    fixed = _write(tmp_path / "fixed.nc", times, bounds=bounds)
    with caplog.at_level(logging.WARNING, logger="climann"):
        result = predict_files(run_dir, [str(fixed)], tmp_path / "p.nc")
    assert [record.getMessage() for record in caplog.records if "trained on" in record.getMessage()] == [
        "the run was trained on values a year apart without time bounds (what each covered is not recorded), and "
        "fixed.nc holds values of 3-month cells (DJF) a year apart: taken as the run's own values; if each of the "
        "run's values covered the whole 12 months, give values of such cells instead"]
    with xr.open_dataset(result.path, decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)) as new, \
            xr.open_dataset(run_dir / "predictions.nc",
                            decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)) as own:
        np.testing.assert_allclose(new["tas_pred"].values, own["tas_pred"].values, rtol=1e-6)


def test_winter_means_given_to_a_run_trained_on_yearly_means_are_named_as_such_without_averaging_advice(
        tmp_path, caplog):
    """Yearly means (12-month cells) trained on, DJF means a year apart given: a true mismatch,
    warned about naming both; averaging one value a year to yearly steps would change nothing."""
    folder = tmp_path / "years"
    folder.mkdir()
    years, year_bounds = _years(1990, 16)
    _write(folder / "monthly.nc", years, bounds=year_bounds)
    run_dir = _train(folder, "plain")
    times, bounds = _winters(1990, 16)
    winters = _write(tmp_path / "winters.nc", times, bounds=bounds)
    with caplog.at_level(logging.WARNING, logger="climann"):
        predict_files(run_dir, [str(winters)], tmp_path / "p.nc")
    assert [record.getMessage() for record in caplog.records if "trained on" in record.getMessage()] == [
        "the run was trained on yearly values and winters.nc holds values of 3-month cells (DJF) a year apart: the "
        "model is given them as if they were the values it was trained on; give yearly values, or retrain the run "
        "on these"]


# A level given as a CF scalar coordinate (CF conventions 1.8 §5.7): plev = 85000 Pa, height = 2 m.

PLEV = {"standard_name": "air_pressure", "axis": "Z", "positive": "down"}


def _field(path, name, values, units, level=None, level_attrs=PLEV):
    """``name(time, lat, lon)`` (48 months from 1990) with the scalar coordinate ``level``
    (name, value, units; with ``level_attrs``) when given; None values: the file is not written."""
    coords = {"time": ("time", _monthly(1990, 4), {"standard_name": "time"}),
              "lat": ("lat", LAT, {"units": "degrees_north", "standard_name": "latitude"}),
              "lon": ("lon", LON, {"units": "degrees_east", "standard_name": "longitude"})}
    if level is not None:
        coords[level[0]] = ((), level[1], {**level_attrs, "units": level[2]})
    dataset = xr.Dataset({name: (("time", "lat", "lon"), values.astype(np.float32), {"units": units})}, coords=coords)
    dataset["time"].encoding.update({"units": "days since 1990-01-01", "calendar": "noleap"})
    dataset.to_netcdf(path)
    return path


@pytest.fixture(scope="module")
def level_runs(tmp_path_factory):
    """tas = 280 + 3·ua850 (K) explained by the 850 hPa wind ``ua`` (its own file, scalar plev
    in Pa), and ta at 850 hPa (scalar plev in hPa) explained by ``pred``; the same winds at
    250 hPa, at 850 hPa in hPa and without a level; ta at 500 hPa and at 85000 Pa."""
    folder = tmp_path_factory.mktemp("levels")
    rng = np.random.default_rng(3)
    shape = (48, LAT.size, LON.size)
    ua850, ua250, pred = rng.standard_normal(shape), rng.standard_normal(shape), rng.uniform(0, 1, shape)
    _field(folder / "tas.nc", "tas", 280 + 3 * ua850, "K")
    _field(folder / "ua850.nc", "ua", ua850, "m s-1", ("plev", 85000.0, "Pa"))
    _field(folder / "ua250.nc", "ua", ua250, "m s-1", ("plev", 25000.0, "Pa"))
    _field(folder / "ua850hpa.nc", "ua", ua850, "m s-1", ("plev", 850.0, "hPa"))
    _field(folder / "ua_nolevel.nc", "ua", ua850, "m s-1")
    _field(folder / "pred.nc", "pred", pred, "1")
    _field(folder / "ta850.nc", "ta", 270 + 10 * pred, "K", ("plev", 850.0, "hPa"))
    _field(folder / "ta500.nc", "ta", 250 + 10 * pred, "K", ("plev", 500.0, "hPa"))
    _field(folder / "ta85000pa.nc", "ta", 270 + 10 * pred, "K", ("plev", 85000.0, "Pa"))

    def train(name, paths, target, predictors):
        config = build_config({
            "data": {"paths": [str(folder / path) for path in paths], "target": target, "predictors": predictors},
            "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False},
        })
        return run_training(config, run_dir=folder / name).run_dir

    return (folder, train("wind", ["tas.nc", "ua850.nc"], "tas", ["ua"]),
            train("ta850", ["ta850.nc", "pred.nc"], "ta", ["pred"]))


# the file holding ua, not the first files given (it said 'ua in tas.nc, ua250.nc')
WIND_REFUSAL = ("ua in ua250.nc is at plev = 25000 Pa, the model was trained on ua at plev = 85000 Pa (CF "
                "scalar coordinate): give ua at plev = 85000 Pa, or retrain the run on ua at plev = 25000 Pa")


@pytest.mark.parametrize("command", [pytest.param("predict", id="predict"), pytest.param("evaluate", id="evaluate"),
                                     pytest.param("zarr", id="predict-chunk-by-chunk")])
def test_a_predictor_at_another_level_is_refused(level_runs, tmp_path, command):
    """The 250 hPa wind was used as the 850 hPa one (exit 0, MSE 24 K² against 5)."""
    folder, wind, _ = level_runs
    data = [str(folder / "tas.nc"), str(folder / "ua250.nc")]
    out = tmp_path / ("p.zarr" if command == "zarr" else "p.nc")
    with pytest.raises(ClimannError) as refused:
        if command == "evaluate":
            evaluate_run(wind, data, tmp_path / "scores")
        else:
            predict_files(wind, data, out)
    assert str(refused.value) == WIND_REFUSAL
    assert not out.exists() and not (tmp_path / "scores").exists()


def test_the_level_refusal_is_one_line_and_exit_2(level_runs, tmp_path, capfd, monkeypatch):
    monkeypatch.chdir(tmp_path)
    from tests.console import run_main

    folder, wind, _ = level_runs
    result = run_main("predict", wind, "--data", folder / "tas.nc", "--data", folder / "ua250.nc", "--out",
                      tmp_path / "p.nc", capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines() == [f"climann: error: {WIND_REFUSAL}"]


@pytest.mark.parametrize("wind", [pytest.param("ua850hpa.nc", id="850hPa-for-85000Pa"),
                                  pytest.param("ua_nolevel.nc", id="no-level-said")])
def test_the_same_level_in_other_units_or_unsaid_is_predicted_as_the_training_level(level_runs, tmp_path, wind):
    folder, run_dir, _ = level_runs
    own = predict_files(run_dir, [str(folder / "tas.nc"), str(folder / "ua850.nc")], tmp_path / "own.nc")
    other = predict_files(run_dir, [str(folder / "tas.nc"), str(folder / wind)], tmp_path / "other.nc")
    with xr.open_dataset(own.path) as first, xr.open_dataset(other.path) as second:
        assert np.isfinite(second["tas_pred"].values).sum() == 48 * LAT.size * LON.size
        np.testing.assert_array_equal(second["tas_pred"].values, first["tas_pred"].values)
        assert "plev" not in second.coords  # the wind's level is not the target's


def test_a_target_at_another_level_is_refused(level_runs, tmp_path):
    """Predicted on the 500 hPa file, the 850 hPa predictions were labelled plev = 500 hPa."""
    folder, _, ta850 = level_runs
    with pytest.raises(ClimannError) as refused:
        predict_files(ta850, [str(folder / "ta500.nc"), str(folder / "pred.nc")], tmp_path / "p.nc")
    assert str(refused.value) == (
        "ta in ta500.nc is at plev = 500 hPa, the model was trained on ta at plev = 850 hPa (CF scalar "
        "coordinate): give ta at plev = 850 hPa, or retrain the run on ta at plev = 500 hPa")
    with pytest.raises(ClimannError, match="is at plev = 500 hPa"):
        evaluate_run(ta850, [str(folder / "ta500.nc"), str(folder / "pred.nc")], tmp_path / "scores")


def test_a_variable_at_a_level_of_another_kind_is_refused(level_runs, tmp_path):
    """The run's ``ua`` at plev = 85000 Pa given at ``height`` = 10 m (a level of another kind,
    which no name or standard_name matches) was not compared and predicted as if it were the
    850 hPa wind (verify23 F3: an 850 hPa ``ta`` renamed ``tas`` scored as 2 m temperature)."""
    folder, wind, _ = level_runs
    ua = xr.open_dataset(folder / "ua850.nc")["ua"].values
    height = {"standard_name": "height", "axis": "Z", "positive": "up"}
    _field(tmp_path / "ua10m.nc", "ua", ua, "m s-1", ("height", 10.0, "m"), level_attrs=height)
    with pytest.raises(ClimannError) as refused:
        predict_files(wind, [str(folder / "tas.nc"), str(tmp_path / "ua10m.nc")], tmp_path / "p.nc")
    assert str(refused.value) == (
        "ua in ua10m.nc is at height = 10 m, the model was trained on ua at plev = 85000 Pa (CF scalar coordinate): "
        "give ua at plev = 85000 Pa, or retrain the run on ua at height = 10 m")
    assert not (tmp_path / "p.nc").exists()


def test_a_target_at_a_level_of_another_kind_is_refused_not_labelled_with_the_runs(level_runs, tmp_path):
    """The run's ``ta`` at plev = 850 hPa given ``ta`` at ``height`` = 2 m was labelled with the
    run's plev beside its own height, so the level check passed and a 2 m field was scored as
    the 850 hPa one with exit 0 (verify23 F3, a pressure-level ``ta`` renamed ``tas``)."""
    folder, _, ta850 = level_runs
    ta = xr.open_dataset(folder / "ta850.nc")["ta"].values
    _field(tmp_path / "ta2m.nc", "ta", ta, "K", ("height", 2.0, "m"),
           level_attrs={"standard_name": "height", "axis": "Z", "positive": "up"})
    with pytest.raises(ClimannError, match=r"^ta in ta2m\.nc is at height = 2 m, the model was trained on ta at "
                                           r"plev = 850 hPa \(CF scalar coordinate\)"):
        evaluate_run(ta850, [str(tmp_path / "ta2m.nc"), str(folder / "pred.nc")], tmp_path / "scores")
    assert not (tmp_path / "scores").exists()


def test_a_target_without_its_level_is_labelled_with_the_runs_level(level_runs, tmp_path):
    folder, _, ta850 = level_runs
    result = predict_files(ta850, [str(folder / "pred.nc")], tmp_path / "p.nc")
    with xr.open_dataset(result.path) as predicted:
        assert float(predicted["plev"]) == 850.0
        assert predicted["plev"].attrs["units"] == "hPa"
        assert predicted["plev"].attrs["standard_name"] == "air_pressure"


@pytest.mark.parametrize("command", [pytest.param("predict", id="predict"),
                                     pytest.param("zarr", id="predict-chunk-by-chunk")])
def test_a_target_at_the_same_level_in_other_units_keeps_its_files_level(level_runs, tmp_path, command):
    """Given ta at plev = 85000 Pa, the predictions file said plev = 850 hPa beside the file's
    own ta (break18 F8: 50000 centimeters for a file in m): the file's conventions are kept."""
    folder, _, ta850 = level_runs
    suffix = ".zarr" if command == "zarr" else ".nc"
    in_pa = predict_files(ta850, [str(folder / "ta85000pa.nc"), str(folder / "pred.nc")], tmp_path / f"pa{suffix}")
    in_hpa = predict_files(ta850, [str(folder / "ta850.nc"), str(folder / "pred.nc")], tmp_path / f"hpa{suffix}")
    with (xr.open_dataset(in_pa.path) as predicted, xr.open_dataset(in_hpa.path) as same,
          xr.open_dataset(folder / "ta85000pa.nc") as given):
        assert float(predicted["plev"]) == 85000.0
        assert predicted["plev"].attrs == given["plev"].attrs
        np.testing.assert_array_equal(predicted["ta_pred"].values, same["ta_pred"].values)  # the same level
        np.testing.assert_array_equal(predicted["ta"].values, given["ta"].values)
        assert float(same["plev"]) == 850.0 and same["plev"].attrs["units"] == "hPa"


def test_a_model_file_without_the_levels_predicts_as_before(level_runs, tmp_path):
    folder, wind, _ = level_runs
    old = run_written_before(wind, tmp_path / "old", "levels")
    result = predict_files(old, [str(folder / "tas.nc"), str(folder / "ua250.nc")], tmp_path / "p.nc")
    assert result.n_samples == 48 * LAT.size * LON.size


# The quantity and sign convention of each input (CF standard_name and positive): a latent
# heat flux counted downward (ERA5, ocean files) is CMIP's upward one with the other sign.

UPWARD = {"standard_name": "surface_upward_latent_heat_flux", "positive": "up"}
DOWNWARD = {"standard_name": "surface_downward_latent_heat_flux", "positive": "down"}


@pytest.fixture(scope="module")
def flux_runs(tmp_path_factory):
    """tas = 280 + 0.05·hfls (K) with hfls upward (W m-2, in its own file); the same flux
    counted downward (values ×−1), said by both attributes, by ``positive`` alone and by the
    standard name alone; hfls named another quantity; and the run on the upward file."""
    folder = tmp_path_factory.mktemp("quantities")
    rng = np.random.default_rng(5)
    hfls = rng.uniform(0, 80, (48, LAT.size, LON.size))
    _field(folder / "tas.nc", "tas", 280 + 0.05 * hfls, "K")
    files = {"up.nc": (1, UPWARD), "down.nc": (-1, DOWNWARD), "down_positive.nc": (-1, {"positive": "down"}),
             "down_name.nc": (-1, {"standard_name": DOWNWARD["standard_name"]}),
             "evaporation.nc": (1, {"standard_name": "water_evaporation_flux"}),
             "unsaid.nc": (1, {"standard_name": "unknown"})}
    for name, (sign, attrs) in files.items():
        _field(folder / name, "hfls", sign * hfls, "W m-2")
        with xr.open_dataset(folder / name) as opened:
            written = opened.load()
        written["hfls"].attrs.update(attrs)
        written.to_netcdf(folder / name)
    config = build_config({
        "data": {"paths": [str(folder / "tas.nc"), str(folder / "up.nc")], "target": "tas", "predictors": ["hfls"]},
        "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False},
    })
    return folder, run_training(config, run_dir=folder / "run").run_dir


SIGN_REFUSAL = (
    "hfls in {file} is {new}, the model was trained on hfls as surface_upward_latent_heat_flux (positive up): the "
    "opposite sign convention, its values would be taken with the wrong sign; convert a copy (mkdir -p sign_flipped && "
    "ncap2 -s 'hfls=-hfls; hfls@standard_name=\"surface_upward_latent_heat_flux\"; hfls@positive=\"up\"' {stem}.nc "
    "sign_flipped/{stem}.nc (its copy in a new folder), then give --data sign_flipped/{stem}.nc in place of {stem}.nc, "
    "with the other files of the working folder given as before (--data tas.nc)), or retrain the run on data in this "
    "convention")


def test_the_model_file_records_each_inputs_quantity(flux_runs):
    _, run_dir = flux_runs
    assert Network.load(run_dir / "model.npz").metadata["quantities"] == {"hfls": UPWARD}


@pytest.mark.parametrize("command", [pytest.param("predict", id="predict"), pytest.param("evaluate", id="evaluate")])
@pytest.mark.parametrize(("file", "said"), [
    pytest.param("down.nc", "surface_downward_latent_heat_flux (positive down)", id="both-attributes"),
    pytest.param("down_positive.nc", "positive down", id="positive-alone"),
    pytest.param("down_name.nc", "surface_downward_latent_heat_flux", id="standard-name-alone")])
def test_a_predictor_of_the_opposite_sign_convention_is_refused(flux_runs, tmp_path, monkeypatch, command, file,
                                                               said):
    """Taken as it was, the downward flux gave predictions off by up to 19.6 K (break13 F2)."""
    folder, run_dir = flux_runs
    monkeypatch.chdir(folder)
    data = [str(folder / "tas.nc"), str(folder / file)]
    with pytest.raises(ClimannError) as refused:
        if command == "evaluate":
            evaluate_run(run_dir, data, tmp_path / "scores")
        else:
            predict_files(run_dir, data, tmp_path / "p.nc")
    assert without_guards(str(refused.value)) == SIGN_REFUSAL.format(file=file, new=said, stem=file.removesuffix(".nc"))
    assert not (tmp_path / "p.nc").exists() and not (tmp_path / "scores").exists()


def test_the_sign_refusal_is_one_line_and_exit_2(flux_runs, tmp_path, capfd, monkeypatch):
    monkeypatch.chdir(tmp_path)
    from tests.console import run_main

    folder, run_dir = flux_runs
    result = run_main("evaluate", run_dir, "--data", folder / "tas.nc", "--data", folder / "down.nc", "--out",
                      tmp_path / "scores", capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("climann: error: hfls in down.nc is surface_downward_latent_heat_flux (positive down)")


def test_a_predictor_named_another_quantity_is_refused(flux_runs, tmp_path, monkeypatch):
    folder, run_dir = flux_runs
    monkeypatch.chdir(folder)
    with pytest.raises(ClimannError) as refused:
        predict_files(run_dir, [str(folder / "evaporation.nc")], tmp_path / "p.nc")
    assert without_guards(str(refused.value)) == (
        "hfls in evaporation.nc is water_evaporation_flux, the model was trained on hfls as "
        "surface_upward_latent_heat_flux (positive up): another quantity (CF standard_name); give hfls as "
        "surface_upward_latent_heat_flux, or, if it is that quantity and the attribute is wrong, correct it in a "
        "copy (mkdir -p standard_name_fixed && ncap2 -s 'hfls@standard_name=\"surface_upward_latent_heat_flux\"' "
        "evaporation.nc standard_name_fixed/evaporation.nc (its copy in a new folder), then give --data "
        "standard_name_fixed/evaporation.nc in place of evaporation.nc)")


# A depth of the fallen snow (CF thickness_of_snowfall_amount) is not the snowfall's liquid
# water depth (lwe_thickness_of_snowfall_amount): fresh snow of 100 kg m-3 is 10 times deeper.

@pytest.fixture(scope="module")
def snowfall_run(tmp_path_factory):
    """tas = 275 − 20·prsn (K), prsn the monthly snowfall as its liquid water depth (m, CF
    lwe_thickness_of_snowfall_amount); the same snowfall as the depth of the fresh snow (×10,
    thickness_of_snowfall_amount); and the run on the water depth."""
    folder = tmp_path_factory.mktemp("snowfall")
    lwe = np.random.default_rng(8).uniform(0, 0.1, (48, LAT.size, LON.size))
    _field(folder / "tas.nc", "tas", 275 - 20 * lwe, "K")
    for name, values, standard_name in (("lwe.nc", lwe, "lwe_thickness_of_snowfall_amount"),
                                        ("depth.nc", lwe * WATER_DENSITY / 100, "thickness_of_snowfall_amount")):
        _field(folder / name, "prsn", values, "m")
        with xr.open_dataset(folder / name) as opened:
            written = opened.load()
        written["prsn"].attrs.update(standard_name=standard_name, cell_methods="time: sum")
        written.to_netcdf(folder / name)
    config = build_config({
        "data": {"paths": [str(folder / "tas.nc"), str(folder / "lwe.nc")], "target": "tas", "predictors": ["prsn"]},
        "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False},
    })
    return folder, run_training(config, run_dir=folder / "run").run_dir


def test_a_depth_of_fallen_snow_is_refused_and_its_water_equivalent_predicts_as_the_run(snowfall_run, tmp_path,
                                                                                         monkeypatch):
    """Break16 F1: in the run's own units (m) the snow depth was read as the water depth, 10
    times too much snow, exit 0."""
    folder, run_dir = snowfall_run
    monkeypatch.chdir(folder)
    with pytest.raises(ClimannError) as refused:
        predict_files(run_dir, [str(folder / "tas.nc"), str(folder / "depth.nc")], tmp_path / "p.nc")
    assert str(refused.value).startswith(
        "prsn in depth.nc is thickness_of_snowfall_amount, the model was trained on prsn as "
        "lwe_thickness_of_snowfall_amount: a depth of snow, not its liquid water equivalent "
        "(lwe_thickness_of_snowfall_amount); it converts only through the snow's density")
    # the advised conversion, by hand with the snow's 100 kg m-3: prsn·100/1000, named lwe_
    with xr.open_dataset(folder / "depth.nc") as opened:
        fixed = opened.load()
    fixed["prsn"] = fixed["prsn"] * 100 / WATER_DENSITY
    fixed["prsn"].attrs.update(units="m", standard_name="lwe_thickness_of_snowfall_amount", cell_methods="time: sum")
    fixed.to_netcdf(tmp_path / "depth_fixed.nc")
    own = predict_files(run_dir, [str(folder / "tas.nc"), str(folder / "lwe.nc")], tmp_path / "own.nc")
    other = predict_files(run_dir, [str(folder / "tas.nc"), str(tmp_path / "depth_fixed.nc")], tmp_path / "fix.nc")
    with xr.open_dataset(own.path) as first, xr.open_dataset(other.path) as second:
        np.testing.assert_allclose(second["tas"].values, first["tas"].values, rtol=1e-5)


def _hand_fixed(folder, tmp_path):
    """down.nc converted as the refusal advises (hfls negated, the run's attributes), by hand."""
    with xr.open_dataset(folder / "down.nc") as opened:
        fixed = opened.load()
    fixed["hfls"] = -fixed["hfls"]
    fixed["hfls"].attrs.update({"units": "W m-2", **UPWARD})
    fixed.to_netcdf(tmp_path / "down_fixed.nc")
    return tmp_path / "down_fixed.nc"


@pytest.mark.parametrize("file", [pytest.param("fixed", id="converted-as-advised"),
                                  pytest.param("unsaid.nc", id="standard-name-unknown")])
def test_the_same_quantity_converted_or_unsaid_predicts_as_the_training_file(flux_runs, tmp_path, file):
    folder, run_dir = flux_runs
    data = _hand_fixed(folder, tmp_path) if file == "fixed" else folder / file
    own = predict_files(run_dir, [str(folder / "tas.nc"), str(folder / "up.nc")], tmp_path / "own.nc")
    other = predict_files(run_dir, [str(folder / "tas.nc"), str(data)], tmp_path / "other.nc")
    with xr.open_dataset(own.path) as first, xr.open_dataset(other.path) as second:
        assert np.isfinite(second["tas_pred"].values).sum() == 48 * LAT.size * LON.size
        np.testing.assert_array_equal(second["tas_pred"].values, first["tas_pred"].values)


def test_a_model_file_without_the_quantities_predicts_as_before_with_a_note(flux_runs, tmp_path, caplog):
    folder, run_dir = flux_runs
    old = run_written_before(run_dir, tmp_path / "old", "quantities")
    with caplog.at_level(logging.INFO, logger="climann"):
        result = predict_files(old, [str(folder / "tas.nc"), str(folder / "down.nc")], tmp_path / "p.nc")
    assert result.n_samples == 48 * LAT.size * LON.size
    assert [record.message for record in caplog.records if "standard_name and positive" in record.message] == [
        "this run's model.npz predates the record of its inputs' standard_name and positive attributes: the new "
        "data's quantities and sign conventions are not compared with them (retrain to compare them)"]


def _recorded_run(predictors, quantities):
    """What require_recorded_inputs reads of a run: its target, predictors and model.npz quantities."""
    from types import SimpleNamespace

    data = SimpleNamespace(target="tas", predictors=tuple(predictors))
    return SimpleNamespace(config=SimpleNamespace(data=data), network=SimpleNamespace(metadata={"quantities": quantities}))


def _era5_like():
    dims = ("time", "lat", "lon")
    field = np.zeros((2, len(LAT), len(LON)), "f4")
    return xr.Dataset({"t2m": (dims, field, {"standard_name": "air_temperature", "units": "K"}),
                       "tcc": (dims, field, {"standard_name": "cloud_area_fraction", "units": "%"}),
                       "rsdt": (dims, field, {"standard_name": "toa_incoming_shortwave_flux", "units": "W m-2"})},
                      coords={"lat": LAT, "lon": LON})


_CMIP = {"tas": {"standard_name": "air_temperature"}, "clt": {"standard_name": "cloud_area_fraction"},
         "rsdt": {"standard_name": "toa_incoming_shortwave_flux"}}


@pytest.mark.parametrize(("with_target", "missing", "held"), [
    pytest.param(False, "clt", "tcc", id="predict-predictor"),
    pytest.param(True, "tas", "t2m", id="evaluate-target"),
])
def test_an_input_held_under_another_name_is_refused_naming_it(with_target, missing, held):
    """evaluate/predict on ERA5-named data: 'add it', or a bare list, without the ncrename way out (break23b F1)."""
    from climann.workflow.new_data import require_recorded_inputs

    dataset = _era5_like() if with_target else _era5_like().rename({"t2m": "tas"})
    with pytest.raises(ClimannError, match=rf"'{held}' has the standard_name \w+ that the run recorded for "
                                           rf"'{missing}'.* \(ncrename -v {held},{missing} era5.nc era5_renamed.nc\)"):
        require_recorded_inputs(_recorded_run(["rsdt", "clt"], _CMIP), dataset, ["/d/era5.nc"],
                                with_target=with_target)


def test_predict_without_the_target_or_a_namesake_is_not_refused():
    """predict needs no target; a run without the record (or data with the names) is left as before."""
    from climann.workflow.new_data import require_recorded_inputs

    dataset = _era5_like().rename({"tcc": "clt"})
    require_recorded_inputs(_recorded_run(["rsdt", "clt"], _CMIP), dataset, ["era5.nc"], with_target=False)
    require_recorded_inputs(_recorded_run(["rsdt", "clt"], {}), _era5_like(), ["era5.nc"], with_target=True)


# Temperatures on their scale against temperature differences (anomalies; CF-1.11 §3.1.2
# units_metadata): anomalies in degC given to a run trained on absolute temperatures in K were
# converted without the offset and scored against ~280 K with exit 0 (fix30a: MSE 8e4 K²).


def _as_anomalies(path, out, *, units):
    """The file's tas minus its monthly climatology, in ``units`` (K or degC: the same numbers),
    marked ``units_metadata = "temperature: difference"``; pred and orog as they were."""
    with xr.open_dataset(path) as opened:
        dataset = opened.load()
    anomalies = dataset["tas"].groupby("time.month") - dataset["tas"].groupby("time.month").mean()
    dataset["tas"] = anomalies.drop_vars("month").astype(np.float32)
    dataset["tas"].attrs = {"units": units, "cell_methods": MEAN, "units_metadata": "temperature: difference"}
    dataset.to_netcdf(out)
    return out


@pytest.fixture(scope="module")
def temperature_runs(tmp_path_factory):
    """A run on tas in K as CMIP writes it (no units_metadata: on its scale) and a run on its
    anomalies in K marked as differences; new data of 2000–2001 both ways, anomalies in degC."""
    folder = tmp_path_factory.mktemp("temperature_readings")
    absolute = _write(folder / "absolute.nc", _monthly(1990, 4))
    anomalies = _as_anomalies(absolute, folder / "anomalies.nc", units="K")
    new = _write(folder / "new_absolute.nc", _monthly(2000, 2), seed=3)
    _as_anomalies(new, folder / "new_anomalies.nc", units="degC")
    runs = {}
    for name, path in (("absolute", absolute), ("anomaly", anomalies)):
        config = build_config({"data": {"paths": [str(path)], "target": "tas", "predictors": ["pred", "orog"]},
                               "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}})
        runs[name] = run_training(config, run_dir=folder / name).run_dir
    return folder, runs


READING_REFUSALS = {
    "absolute": (
        "tas in new_anomalies.nc is read as temperature differences, e.g. anomalies (units_metadata = \"temperature: "
        "difference\", CF-1.11 §3.1.2), the model was trained on tas as temperatures on their scale: its predictions "
        "and scores would mix the two; give tas as temperatures on their scale (add the climatology back to "
        "anomalies, e.g. cdo ymonadd for monthly ones), or, if its values are temperatures on their scale and its "
        "attributes say otherwise, say so in a copy (ncatted -a units_metadata,tas,o,c,'temperature: on_scale' "
        "new_anomalies.nc new_anomalies_fixed.nc)"),
    "anomaly": (
        "tas in new_absolute.nc is read as temperatures on their scale (units_metadata does not say it is a "
        "difference, CF-1.11 §3.1.2), the model was trained on tas as temperature differences, e.g. anomalies: its "
        "predictions and scores would mix the two; give tas as anomalies like the run's (subtract the climatology "
        "they were taken from, e.g. cdo ymonsub for monthly ones), or, if its values are temperature differences, "
        "e.g. anomalies and its attributes say otherwise, say so in a copy (ncatted -a units_metadata,tas,o,c,"
        "'temperature: difference' new_absolute.nc new_absolute_fixed.nc)"),
}
OTHER_READING = {"absolute": "new_anomalies.nc", "anomaly": "new_absolute.nc"}


@pytest.mark.parametrize("command", [pytest.param("predict", id="predict"), pytest.param("evaluate", id="evaluate")])
@pytest.mark.parametrize("run", [pytest.param("absolute", id="anomalies-to-an-absolute-run"),
                                 pytest.param("anomaly", id="absolute-to-an-anomaly-run")])
def test_data_read_otherwise_than_the_run_are_refused(temperature_runs, tmp_path, monkeypatch, command, run):
    folder, runs = temperature_runs
    monkeypatch.chdir(folder)
    with pytest.raises(ClimannError) as refused:
        _apply(command, runs[run], folder / OTHER_READING[run], tmp_path)
    assert str(refused.value) == READING_REFUSALS[run]
    assert not (tmp_path / "p.nc").exists() and not (tmp_path / "scores").exists()


def test_the_reading_refusal_is_one_line_and_exit_2(temperature_runs, tmp_path, capfd, monkeypatch):
    from tests.console import run_main

    folder, runs = temperature_runs
    monkeypatch.chdir(folder)
    result = run_main("evaluate", runs["absolute"], "--data", "new_anomalies.nc", "--out", tmp_path / "scores",
                      capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 2, result.stderr
    [line] = [line for line in result.stderr.strip().splitlines() if line.startswith("climann: error:")]
    assert line == f"climann: error: {READING_REFUSALS['absolute']}"
    assert "Traceback" not in result.stderr and not (tmp_path / "scores").exists()


def test_anomalies_in_degc_given_to_a_run_on_anomalies_in_k_are_scored_as_differences(temperature_runs, tmp_path):
    """The record says how tas was read; the degC anomalies are taken without an offset (the
    truth in predictions.nc is the file's numbers) and evaluate's MSE is the area-weighted mean
    of (prediction − truth)² computed here from predictions.nc."""
    folder, runs = temperature_runs
    assert Network.load(runs["anomaly"] / "model.npz").metadata["temperature_readings"] == {"tas": "difference"}
    assert Network.load(runs["absolute"] / "model.npz").metadata["temperature_readings"] == {"tas": "on_scale"}
    evaluate_run(runs["anomaly"], [str(folder / "new_anomalies.nc")], tmp_path / "scores")
    scores = json.loads((tmp_path / "scores" / "metrics.json").read_text())["splits"]["all"]["model"]
    with xr.open_dataset(tmp_path / "scores" / "predictions.nc") as written, \
            xr.open_dataset(folder / "new_anomalies.nc") as given:
        np.testing.assert_array_equal(written["tas"].values, given["tas"].values)
        truth, predicted = written["tas"].values.astype(float), written["tas_pred"].values.astype(float)
        weights = np.broadcast_to(written["cell_area"].values, truth.shape)
    both = np.isfinite(truth) & np.isfinite(predicted)
    assert scores["n_samples"] == both.sum() == 24 * LAT.size * LON.size
    expected = np.sum(weights[both] * (predicted[both] - truth[both]) ** 2) / np.sum(weights[both])
    assert scores["mse"] == pytest.approx(expected, rel=1e-6)
    assert np.abs(truth).max() < 10 and scores["mse"] < 100  # anomalies of a few K, not 280 K off


def test_a_model_file_without_the_reading_record_predicts_as_before_with_a_note(temperature_runs, tmp_path, caplog):
    folder, runs = temperature_runs
    old = run_written_before(runs["absolute"], tmp_path / "old", "temperature_readings")
    with caplog.at_level(logging.INFO, logger="climann"):
        result = predict_files(old, [str(folder / "new_anomalies.nc")], tmp_path / "p.nc")
    assert result.n_samples == 24 * LAT.size * LON.size
    assert [record.message for record in caplog.records if "how its temperatures were read" in record.message] == [
        "this run's model.npz predates the record of how its temperatures were read (on their scale or as "
        "differences): the new data's are not compared with it (retrain to compare them)"]


def test_predictions_of_data_without_the_target_say_what_the_run_predicts(temperature_runs, tmp_path):
    """Predicted anomalies are labelled as differences (CF-1.11 §3.1.2), as those of data with
    the target are: read back, they are not taken for temperatures in K; predicted absolute
    temperatures are not."""
    folder, runs = temperature_runs
    with xr.open_dataset(folder / "new_anomalies.nc") as opened:
        opened.drop_vars("tas").to_netcdf(tmp_path / "predictors.nc")
    labels = {}
    for run in ("anomaly", "absolute"):
        result = predict_files(runs[run], [str(tmp_path / "predictors.nc")], tmp_path / f"{run}.nc")
        with xr.open_dataset(result.path) as written:
            labels[run] = (written["tas_pred"].attrs["units"], written["tas_pred"].attrs.get("units_metadata"))
    assert labels == {"anomaly": ("K", "temperature: difference"), "absolute": ("K", None)}


@pytest.fixture(scope="module")
def pentad_run(tmp_path_factory):
    """A run with lags 1 and 2 of precip trained on CPC's pentads 1999–2002 (2000 leap)."""
    from tests.workflow.test_preparation import _cpc_pentad_file

    folder = tmp_path_factory.mktemp("pentads")
    path = _cpc_pentad_file(folder / "cmap.nc", years=range(1999, 2003))
    config = build_config({
        "data": {"paths": [str(path)], "target": "precip", "features": ["lat"], "lags": {"precip": [1, 2]},
                 "split_years": {"train": [1999, 2000], "val": [2001, 2001], "test": [2002, 2002]}},
        "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}})
    return folder, run_training(config, run_dir=folder / "run").run_dir


def test_a_run_lagged_in_pentads_predicts_pentads_and_refuses_daily_data(pentad_run, tmp_path, monkeypatch):
    """fix39b: lags on CPC's pentads count pentads (model.npz ``time_periods``); daily data, which
    have a regular step the lags would count instead (2 days for 2 pentads), are refused."""
    monkeypatch.chdir(tmp_path)
    folder, run_dir = pentad_run
    assert Network.load(run_dir / "model.npz").metadata["time_periods"] == "pentad"
    predict_files(run_dir, [str(folder / "cmap.nc")], tmp_path / "p.nc")
    with xr.open_dataset(folder / "cmap.nc") as pentads:
        daily = pentads.drop_vars("time_bnds").isel(time=slice(0, 60))
        daily = daily.assign_coords(time=[cftime.DatetimeGregorian(2003, 1, 1) + datetime.timedelta(days=d)
                                          for d in range(60)])
        daily["time"].attrs.pop("bounds", None)
        daily.to_netcdf(tmp_path / "daily.nc")
    with pytest.raises(ClimannError) as refused:
        predict_files(run_dir, [str(tmp_path / "daily.nc")], tmp_path / "d.nc")
    assert str(refused.value) == (
        "the run's lags (precip=1,2) take the values 2 pentads before each step, as it was trained on pentads, and "
        "daily.nc holds daily values; give pentads of the same calendar, from at least 2 pentads before the first "
        "step to predict")
    assert not (tmp_path / "d.nc").exists()


CPC_PENTADS = "CPC's pentads (73 a year, 5-day windows of the year, the 12th 6 days long in a leap year)"
CHIRPS_PENTADS = "CHIRPS's pentads (72 a year, six a month from the 1st, 6th, 11th, 16th, 21st and 26th)"


def _chirps_pentad_file(path, *, years, seed=0):
    """CHIRPS-like pentads of ``precip`` (mm/day) on the 2×3 grid of the CPC file, six a month
    built day by day (the 6th from the 26th to the month's end), stamped at their starts, with CF
    time bounds."""
    from tests.data.test_composites import _chirps_pentad_cells
    from tests.workflow.test_preparation import pentad_file

    return pentad_file(path, _chirps_pentad_cells(years), seed=seed)


@pytest.mark.parametrize("written_before", [pytest.param(False, id="recorded"),
                                            pytest.param(True, id="model-file-without-the-count")])
def test_a_run_lagged_in_cpc_pentads_refuses_chirps_pentads_naming_both_calendars(pentad_run, tmp_path,
                                                                                   written_before):
    """CPC's pentads (73 a year) and CHIRPS's (72, six a month) were both recorded as "pentad", so a
    CPC-trained run's lags took CHIRPS's pentads as CPC's: predict wrote predictions and evaluate
    scored them. model.npz records the count a year (a file without it with "pentad" is CPC's, as
    before CHIRPS's were recognised), and the other calendar is refused in one line naming both."""
    folder, run_dir = pentad_run
    assert Network.load(run_dir / "model.npz").metadata["time_periods_a_year"] == 73
    if written_before:
        run_dir = run_written_before(run_dir, tmp_path / "old", "time_periods_a_year")
    chirps = _chirps_pentad_file(tmp_path / "chirps.nc", years=[2003])
    with pytest.raises(ClimannError) as refused:
        predict_files(run_dir, [str(chirps)], tmp_path / "p.nc")
    assert str(refused.value) == (
        f"the run's lags (precip=1,2) count {CPC_PENTADS}, as it was trained on them, and chirps.nc holds "
        f"{CHIRPS_PENTADS}: the pentads of one calendar are not those of the other; give CPC's pentads, or retrain "
        "the run on CHIRPS's pentads")
    assert not (tmp_path / "p.nc").exists()


def test_a_run_lagged_in_chirps_pentads_predicts_chirps_pentads_and_refuses_cpc_pentads(tmp_path):
    from tests.workflow.test_preparation import _cpc_pentad_file

    chirps = _chirps_pentad_file(tmp_path / "chirps.nc", years=range(1999, 2003))
    config = build_config({
        "data": {"paths": [str(chirps)], "target": "precip", "features": ["lat"], "lags": {"precip": [1, 2]},
                 "split_years": {"train": [1999, 2000], "val": [2001, 2001], "test": [2002, 2002]}},
        "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}})
    run_dir = run_training(config, run_dir=tmp_path / "run").run_dir
    metadata = Network.load(run_dir / "model.npz").metadata
    assert (metadata["time_periods"], metadata["time_periods_a_year"]) == ("pentad", 72)
    # 1999-2002 less the first two pentads, whose lags reach before the data: 4 · 72 − 2 steps of 6 cells
    assert predict_files(run_dir, [str(chirps)], tmp_path / "p.nc").n_samples == (4 * 72 - 2) * 6
    cpc = _cpc_pentad_file(tmp_path / "cmap.nc", years=[2003])
    with pytest.raises(ClimannError) as refused:
        predict_files(run_dir, [str(cpc)], tmp_path / "c.nc")
    assert str(refused.value) == (
        f"the run's lags (precip=1,2) count {CHIRPS_PENTADS}, as it was trained on them, and cmap.nc holds "
        f"{CPC_PENTADS}: the pentads of one calendar are not those of the other; give CHIRPS's pentads, or retrain "
        "the run on CPC's pentads")


def _hours_apart(first_day, n_steps, hours):
    return [cftime.DatetimeNoLeap(2000, 1, 1) + datetime.timedelta(days=first_day, hours=hours * k)
            for k in range(n_steps)]


@pytest.fixture(scope="module")
def three_hourly_run(tmp_path_factory):
    """A run without lags trained on 3-hourly values (60 days), as CMIP6's E3hrPt."""
    folder = tmp_path_factory.mktemp("three_hourly")
    _write(folder / "monthly.nc", _hours_apart(0, 8 * 60, 3), seed=1)  # named as _train reads it
    return _train(folder, "e3hr")


def test_persistence_of_data_further_apart_than_the_runs_steps_is_said_to_be_their_previous_step(
        three_hourly_run, tmp_path, caplog):
    """break40b B6: a 3-hourly run scored on 6-hourly data was warned its values "are taken as 3-hourly",
    while its persistence row was the 6-hour one (MSE 22.36 K² against the run's own 3-hour 19.54). 6-hourly
    means (time bounds of 6 hours): the persistence scored is the previous step of the data given (numpy,
    area-weighted), and the table's notes and report.md say so, beside the warning that the data are 6-hourly.
    (Without bounds they are taken as 3-hourly values:
    :func:`test_persistence_is_left_out_of_new_3_hourly_values_every_6_hours_without_bounds`.)"""
    from climann.evaluation.report import metrics_table_notes

    times = _hours_apart(90, 40, 6)
    bounds = [[time - datetime.timedelta(hours=3), time + datetime.timedelta(hours=3)] for time in times]
    six_hourly = _write(tmp_path / "six.nc", times, seed=5, bounds=bounds)
    with caplog.at_level(logging.WARNING, logger="climann"):
        metrics = evaluate_run(three_hourly_run, [str(six_hourly)], tmp_path / "scores")
    said = ("persistence is the previous step of the data given, 6 hours before; the run's own (3 hours before, "
            "its 3-hourly step) needs 3-hourly data")
    assert [record.getMessage() for record in caplog.records if "the run was trained on 3-hourly data and six.nc is "
            "6-hourly" in record.getMessage()]
    assert metrics["persistence_step_note"] == said
    assert said in metrics_table_notes(metrics, width=200)
    assert f"- {said}" in (tmp_path / "scores" / "report.md").read_text().splitlines()
    with xr.open_dataset(six_hourly) as data:
        tas = data["tas"].values.astype(np.float64)
    # cells 30° by 60°, centred on LAT: areas ∝ sin(north edge) − sin(south edge)
    weights = np.broadcast_to((np.sin(np.radians(LAT + 15)) - np.sin(np.radians(LAT - 15)))[:, None], tas.shape[1:])
    squared = (tas[1:] - tas[:-1]) ** 2  # each value forecast by the one 6 hours before
    expected = (squared * weights).sum() / (weights.sum() * squared.shape[0])
    assert metrics["splits"]["all"]["persistence"]["mse"] == pytest.approx(expected, rel=1e-5)


def test_persistence_is_left_out_of_new_3_hourly_values_every_6_hours_without_bounds(three_hourly_run, tmp_path,
                                                                                     caplog):
    """The same 6-hourly stamps without time bounds are taken as the run's 3-hourly values, of a subset (as
    the warning says): the value 3 hours before each is not in the data, and persistence is left out, as of
    monthly means every other month (break20 F1). Until 7 December 2026 cells and spacing were compared to
    half a day, so 3-hour cells 6 hours apart passed for 6-hourly ones and were scored 6 hours back (break47c A7)."""
    six_hourly = _write(tmp_path / "six.nc", _hours_apart(90, 40, 6), seed=5)
    with caplog.at_level(logging.WARNING, logger="climann"):
        metrics = evaluate_run(three_hourly_run, [str(six_hourly)], tmp_path / "scores")
    warnings = [record.getMessage() for record in caplog.records if "apart" in record.getMessage()]
    assert len(warnings) == 1 and warnings[0].endswith("or retrain the run on 6-hourly data"), warnings
    assert "persistence" not in metrics["splits"]["all"] and "model" in metrics["splits"]["all"]
    assert "persistence_step_note" not in metrics
    assert [note["reason"] for note in metrics["notes"] if note["model"] == "persistence"] == [
        "its values are 3 hours cells 6 hours apart (a subset of the steps, without time bounds): the value 3 hours "
        "earlier, which persistence forecasts with, is not in the data"]


@pytest.mark.parametrize("methods", [pytest.param(MEAN, id="means"), pytest.param("area: mean time: point",
                                                                               id="instants")])
def test_the_averaging_advice_for_a_three_hourly_run_gives_its_step_and_means_when_run_as_printed(
        three_hourly_run, tmp_path, caplog, monkeypatch, methods):
    """fix44d: a 3-hourly run given hourly data is advised a python line; run as printed, its copy is 3-hourly (no
    step warning), each value the numpy mean of the three hourly values of its cell, and instants averaged are said
    to be means: the copy kept "time: point", and predict then warned that the inputs were instants."""
    monkeypatch.chdir(tmp_path)
    hourly = _write(tmp_path / "hourly.nc", _hours_apart(90, 24 * 10, 1), tas_methods=methods, pred_methods=methods,
                    seed=6)
    with caplog.at_level(logging.WARNING, logger="climann"):
        predict_files(three_hourly_run, [str(hourly)], tmp_path / "p.nc")
    copy = _averaged_as_printed(" ".join(record.getMessage() for record in caplog.records), tmp_path)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        predict_files(three_hourly_run, [str(copy)], tmp_path / "p3.nc")
    assert not [record.getMessage() for record in caplog.records
                if "3-hourly" in record.getMessage() or "time: point" in record.getMessage()]
    with xr.open_dataset(hourly) as fine, xr.open_dataset(copy) as coarse:
        # the cells [s - 1.5 h, s + 1.5 h] around the run's 00:00, 03:00 … stamps that the data fill: hours s-1, s, s+1
        values = fine["tas"].values.astype(np.float64)
        expected = np.stack([values[2:-1:3], values[3::3], values[4::3]]).mean(axis=0)
        np.testing.assert_allclose(coarse["tas"].values, expected, rtol=1e-6)
        assert coarse["tas"].attrs["cell_methods"] == MEAN
        assert [time.hour for time in coarse["time"].values[:3]] == [3, 6, 9]


def _averaged_as_printed(said: str, folder: Path, centred: str = "-1.5") -> Path:
    """Run the 3-hourly means line ``said`` gives as printed, by bash in ``folder``: its copy, written under the
    file's name into the new folder 3-hourly/, nothing beside hourly.nc (fix56b: hourly_3-hourly.nc was written
    there, and a glob over the folder took both)."""
    followed = run_one_copy(said, folder, env={**os.environ, "PATH": shell_path()})
    words = shlex.split(followed["command"])
    assert words[-5:] == ["hourly.nc", "3-hourly/hourly.nc", "3", "time", centred]  # fix44k: centred on its stamps
    assert followed["copy"] == "3-hourly/hourly.nc" and followed["original"] == "hourly.nc"
    assert not [path.name for path in folder.glob("*.nc") if path.name != "hourly.nc" and "3-hourly" in path.name]
    assert sorted(path.name for path in (folder / "3-hourly").iterdir()) == ["hourly.nc"]
    return folder / followed["copy"]


@pytest.mark.parametrize("phase", [pytest.param(0, id="stamped-0000"), pytest.param(1.5, id="stamped-0130")])
def test_the_averaging_advice_followed_gives_a_run_trained_on_unbounded_three_hourly_means_its_own_predictions(
        tmp_path, caplog, monkeypatch, phase):
    """fix44k: a run trained on 3-hourly means stamped 00:00, 03:00 … without bounds (read at their stamps: its
    ``hour`` feature at those hours) was advised means of [00:00, 03:00] stamped 01:30, hours it never saw (no stamp
    in common with its own predictions). Run as printed on the hourly data the means were made of, the copy holds
    the training values (numpy: the mean of the three hours centred on each stamp) at the run's stamps, and predict
    gives the predictions.nc of the run itself; so too for a run stamped 01:30, 04:30 … (CMIP6's 3hr without bounds),
    whose stamps the run records (``time_stamp_hours``): its means over [00:00, 03:00] … from the hourly values
    without bounds, each read at its stamp (the hour centred there), take halves of those at 00:00 and 03:00
    (fix45d: the mean of 00:00, 01:00 and 02:00, centred on 01:00, was stamped 01:30)."""
    monkeypatch.chdir(tmp_path)
    hourly = _write(tmp_path / "hourly.nc", _hours_apart(0, 24 * 40, 1), seed=8)
    first = 23 if phase == 0 else 24  # the first of the hours of each mean
    weights = [1, 1, 1] if phase == 0 else [0.5, 1, 1, 0.5]  # each hour's part in the 3 hours
    with xr.open_dataset(hourly, decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)) as fine:
        means = fine.isel(time=slice(first + 1, -24, 3)).load()
        count = means.sizes["time"]
        for name in ("tas", "pred"):
            values = fine[name].values.astype(np.float64)
            means[name].values = sum(weight * values[first + k:first + k + 3 * count:3]
                                     for k, weight in enumerate(weights)) / 3
    means = means.assign_coords(time=means["time"].copy(
        data=means["time"].values + datetime.timedelta(hours=phase - 1 if phase else 0)))
    means["time"].encoding.update({"units": "hours since 2000-01-01", "calendar": "noleap"})
    (folder := tmp_path / "train").mkdir()
    means.to_netcdf(folder / "monthly.nc")
    run_dir = _train(folder, "e3hr", features=["hour"])
    with caplog.at_level(logging.WARNING, logger="climann"):
        predict_files(run_dir, [str(hourly)], tmp_path / "p1.nc")
    said = " ".join(record.getMessage() for record in caplog.records)
    assert f"3-hourly means centred on {'00:00, 03:00' if phase == 0 else '01:30, 04:30'} …" in said
    assert "(each value, without time bounds, taken over the step centred on its stamp)" in said
    copy = _averaged_as_printed(said, tmp_path, "-1.5" if phase == 0 else "0")
    predict_files(run_dir, [str(copy)], tmp_path / "p3.nc")
    coder = xr.coders.CFDatetimeCoder(use_cftime=True)
    with xr.open_dataset(run_dir / "predictions.nc", decode_times=coder) as own, \
            xr.open_dataset(tmp_path / "p3.nc", decode_times=coder) as advised:
        assert own.sizes["time"] > 0 and set(own["time"].values) <= set(advised["time"].values)
        np.testing.assert_allclose(advised["tas"].sel(time=own["time"]).values, own["tas"].values, rtol=1e-6)
        np.testing.assert_allclose(advised["tas_pred"].sel(time=own["time"]).values, own["tas_pred"].values,
                                   rtol=1e-6)


@pytest.mark.parametrize("phase", [pytest.param(0, id="stamped-0000"), pytest.param(1, id="stamped-0100")])
def test_instants_given_to_a_run_trained_on_instants_are_advised_picked_at_its_hours_not_averaged(
        tmp_path, caplog, monkeypatch, phase):
    """fix45k: a run trained on 3-hourly instants (``time: point``) given hourly instants was advised to average
    them into 3-hourly means (``time: mean``), a quantity it never learned. Instants at a coarser step are picked: the
    advice names ``cdo selhour`` at the run's own hours; run as printed, the copy's stamps are the run's hours, its
    values numpy's hourly values at those hours, its cell_methods still ``time: point``, and predict on it gives the
    run's own predictions of the steps it was trained on (the training file was the hourly one at those hours)."""
    monkeypatch.chdir(tmp_path)
    points = "area: mean time: point"
    hourly = _write(tmp_path / "hourly.nc", _hours_apart(0, 24 * 40, 1), tas_methods=points, pred_methods=points,
                    seed=9)
    (folder := tmp_path / "train").mkdir()
    with xr.open_dataset(hourly, decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)) as fine:
        fine.isel(time=slice(phase, None, 3)).to_netcdf(folder / "monthly.nc")  # named as _train reads it
        times = fine["time"].values
        tas = fine["tas"].values.astype(np.float64)
    run_dir = _train(folder, "e3hrpt", features=["hour"])
    with caplog.at_level(logging.WARNING, logger="climann"):
        predict_files(run_dir, [str(hourly)], tmp_path / "p1.nc")
    said = without_guards(" ".join(record.getMessage() for record in caplog.records))
    hours = list(range(phase, 24, 3))
    assert (f"`mkdir -p 3-hourly && cdo selhour,{','.join(map(str, hours))} hourly.nc 3-hourly/hourly.nc`, then give "
            "--data 3-hourly/hourly.nc in place of hourly.nc") in said, said
    assert "not averaged" in said and "python -c" not in said and "3-hourly means" not in said
    subprocess.run(["bash", "-c", re.search(r"`(mkdir [^`]+)`", said)[1]], check=True, cwd=tmp_path,
                   capture_output=True)
    chosen = np.array([time.hour in hours for time in times])  # numpy's pick: the hourly values at the run's hours
    with xr.open_dataset(tmp_path / "3-hourly/hourly.nc", decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)) \
            as copy:
        assert list(copy["time"].values) == list(times[chosen])
        assert {time.hour for time in copy["time"].values} == set(hours)
        np.testing.assert_array_equal(copy["tas"].values.astype(np.float64), tas[chosen])
        assert copy["tas"].attrs["cell_methods"] == points and copy["pred"].attrs["cell_methods"] == points
        assert "bounds" not in copy["time"].attrs
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        predict_files(run_dir, [str(tmp_path / "3-hourly/hourly.nc")], tmp_path / "p3.nc")
    assert not [record.getMessage() for record in caplog.records if "hourly" in record.getMessage()
                or "time: point" in record.getMessage()]
    coder = xr.coders.CFDatetimeCoder(use_cftime=True)
    with xr.open_dataset(run_dir / "predictions.nc", decode_times=coder) as own, \
            xr.open_dataset(tmp_path / "p3.nc", decode_times=coder) as picked:
        assert own.sizes["time"] > 0 and set(own["time"].values) <= set(picked["time"].values)
        np.testing.assert_allclose(picked["tas_pred"].sel(time=own["time"]).values, own["tas_pred"].values,
                                   rtol=1e-6)


def test_instants_in_several_files_are_advised_picked_in_each_file(tmp_path, caplog, monkeypatch):
    """fix45l: the advice of fix45k (pick the instants at the run's hours) named a copy of the new data's first file
    alone; given as a glob over 2 files, the second stayed hourly. The advice is a loop over every file, its copies in
    a folder of their own; run as printed, each copy holds numpy's values at the run's hours, and the --data advised
    takes both copies (and a glob over the originals' folder still takes the originals alone)."""
    monkeypatch.chdir(tmp_path)
    points = "area: mean time: point"
    hourly = _write(tmp_path / "hourly.nc", _hours_apart(0, 24 * 40, 1), tas_methods=points, pred_methods=points,
                    seed=9)
    (folder := tmp_path / "train").mkdir()
    (new := tmp_path / "new").mkdir()
    with xr.open_dataset(hourly, decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)) as fine:
        fine.isel(time=slice(0, None, 3)).to_netcdf(folder / "monthly.nc")  # named as _train reads it
        fine.isel(time=slice(0, 24 * 20)).to_netcdf(new / "part1.nc")
        fine.isel(time=slice(24 * 20, None)).to_netcdf(new / "part2.nc")
        times = fine["time"].values
        tas = fine["tas"].values.astype(np.float64)
    run_dir = _train(folder, "e3hrpt", features=["hour"])
    with caplog.at_level(logging.WARNING, logger="climann"):
        predict_files(run_dir, ["new/*.nc"], tmp_path / "p1.nc")
    said = without_guards(" ".join(record.getMessage() for record in caplog.records))
    assert ("`mkdir -p new/3-hourly && ( for f in new/part*.nc; do cdo selhour,0,3,6,9,12,15,18,21 \"$f\" "
            "new/3-hourly/\"${f##*/}\" || exit 1; done )`, then give --data 'new/3-hourly/*.nc' in place of the 2 files") in said, said
    subprocess.run(["bash", "-c", re.search(r"`(mkdir [^`]+)`", said)[1]], check=True, cwd=tmp_path,
                   capture_output=True)
    chosen = np.array([time.hour % 3 == 0 for time in times])  # numpy's pick: the hourly values at the run's hours
    coder = xr.coders.CFDatetimeCoder(use_cftime=True)
    copies = [xr.open_dataset(path, decode_times=coder) for path in sorted((new / "3-hourly").glob("*.nc"))]
    assert len(copies) == 2
    assert [time for copy in copies for time in copy["time"].values] == list(times[chosen])
    np.testing.assert_array_equal(np.concatenate([copy["tas"].values for copy in copies]).astype(np.float64),
                                  tas[chosen])
    for copy in copies:
        copy.close()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        predict_files(run_dir, ["new/3-hourly/*.nc"], tmp_path / "p3.nc")
    assert not [record.getMessage() for record in caplog.records if "hourly" in record.getMessage()]
    assert sorted(path.name for path in new.glob("*.nc")) == ["part1.nc", "part2.nc"]


def test_persistence_of_data_scored_by_a_run_that_records_no_step_is_said_to_be_their_previous_step(
        three_hourly_run, tmp_path):
    """rerun41 R6: an S2S run (starts 7 to 359 days apart: no step, persistence left out in training) scored on one
    start a year showed a 'persistence' row that is the value a year earlier, unlabelled. A run that records no
    time step now says which persistence the table holds: the data's previous step (numpy: 6 hours here)."""
    run_dir = run_written_before(three_hourly_run, tmp_path / "no_step", "time_step")
    six_hourly = _write(tmp_path / "six.nc", _hours_apart(90, 40, 6), seed=5)
    metrics = evaluate_run(run_dir, [str(six_hourly)], tmp_path / "scores")
    said = ("persistence is the previous step of the data given, 6 hours before; the run records no time step of its "
            "own (its training data had none, or it predates the record) to compare with")
    assert metrics["persistence_step_note"] == said
    assert f"- {said}" in (tmp_path / "scores" / "report.md").read_text().splitlines()
    with xr.open_dataset(six_hourly) as data:
        tas = data["tas"].values.astype(np.float64)
    weights = np.broadcast_to((np.sin(np.radians(LAT + 15)) - np.sin(np.radians(LAT - 15)))[:, None], tas.shape[1:])
    squared = (tas[1:] - tas[:-1]) ** 2  # each value forecast by the one 6 hours before
    expected = (squared * weights).sum() / (weights.sum() * squared.shape[0])
    assert metrics["splits"]["all"]["persistence"]["mse"] == pytest.approx(expected, rel=1e-5)


def _cosmos_site(path, freq, *, days, seed):
    """A COSMOS-UK site as mk_cosmos.py of break43d writes it (smaller): ``COSMOS_VWC`` in % naming its
    ``COSMOS_VWC_FLAG`` ("good suspect bad", 2 % bad values 0.3 times the true one) in its ancillary_variables,
    ``PRECIP`` and ``PE`` totals (``time: sum``), scalar lat/lon, and the scalar NetCDF-4 string ``station_name``
    (cf_role timeseries_id) that xarray writes for a str. Returns the dataset written."""
    import pandas as pd

    rng = np.random.default_rng(seed)
    times = pd.date_range("2014-01-01", periods=days * {"D": 1, "30min": 48}[freq], freq=freq)
    per_day = {"D": 1, "30min": 48}[freq]
    precipitation = np.where(rng.random(times.size) < 0.45 / per_day, rng.gamma(0.8, 5.0, times.size), 0.0)
    evaporation = (1.5 + 1.3 * np.sin(2 * np.pi * (times.dayofyear.values - 100) / 365)) / per_day
    moisture = 30 + 5 * np.sin(2 * np.pi * times.dayofyear.values / 365) + rng.normal(0, 0.5, times.size)
    flag = np.zeros(times.size, "i1")
    bad = rng.random(times.size) < 0.02
    flag[bad] = 2
    moisture[bad] *= 0.3
    dataset = xr.Dataset({
        "COSMOS_VWC": ("time", moisture.astype("f4"), {"units": "%", "long_name": "COSMOS volumetric water content",
                                                      "ancillary_variables": "COSMOS_VWC_FLAG"}),
        "COSMOS_VWC_FLAG": ("time", flag, {"long_name": "COSMOS_VWC quality flag", "flag_values": np.array([0, 1, 2], "i1"),
                                           "flag_meanings": "good suspect bad"}),
        "PRECIP": ("time", precipitation.astype("f4"), {"units": "mm", "cell_methods": "time: sum"}),
        "PE": ("time", evaporation.astype("f4"), {"units": "mm", "cell_methods": "time: sum"}),
    }, coords={"time": times, "lat": ((), 51.6, {"units": "degrees_north", "standard_name": "latitude"}),
               "lon": ((), -1.1, {"units": "degrees_east", "standard_name": "longitude"}),
               "station_name": ((), "WYTH1", {"cf_role": "timeseries_id"})},
        attrs={"featureType": "timeSeries"})
    dataset.time.encoding["units"] = "minutes since 2014-01-01 00:00:00"
    dataset.to_netcdf(path)
    return dataset


def test_half_hourly_station_data_given_to_a_daily_run_get_the_averaging_advice_not_a_crash(tmp_path, monkeypatch,
                                                                                             capfd):
    """break43d A5: predict and evaluate of a COSMOS-UK half-hourly file on a daily run died with a segmentation
    fault (exit 139, nothing printed): the averaging advice opened the file with a handle of its own while the
    run's datasets of it were open, and HDF5 read its scalar NetCDF-4 string through a stale pointer. Each (a
    process of its own: a crash must not take the test runner) now exits 0 with the advice; its quality flag is
    left out of the averages (a mean of codes flags nothing), and both of its cdo lines read the copy the
    quality line writes. Followed as printed, the daily means are numpy's of the values not flagged bad, and
    predict reads the daily copies (in this process: no advice is given there, the path that crashed)."""
    from pathlib import Path

    import climann
    from climann.data.notes import forget_notes
    from tests.console import run_main
    from tests.fresh_python import run_python

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PYTHONPATH", str(Path(climann.__file__).parents[1]))  # this tree's climann in the children
    _cosmos_site(tmp_path / "daily.nc", "D", days=730, seed=1)
    half_hourly = _cosmos_site(tmp_path / "halfhourly.nc", "30min", days=20, seed=2)
    config = build_config({"data": {"paths": [str(tmp_path / "daily.nc")], "target": "COSMOS_VWC"},
                           "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}})
    run_dir = run_training(config, run_dir=tmp_path / "run").run_dir
    said, printed = {}, {}
    for command in (["predict", str(run_dir), "--data", "halfhourly.nc", "--out", "p.nc"],
                    ["evaluate", str(run_dir), "--data", "halfhourly.nc", "--out", "scores"]):
        done = subprocess.run([sys.executable, "-m", "climann", *command], capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]
        printed[command[0]] = done.stderr
        (said[command[0]],) = [line for line in done.stderr.splitlines() if "trained on daily data" in line]
    advice = without_guards(said["predict"])
    assert ("the run was trained on daily data and halfhourly.nc is every 30 minutes: the model is given every 30 "
            "minutes values as if they were daily; average them to daily steps first (each of the 20 days whole: 48 "
            "steps of 30 minutes in 2014-01-01), e.g. daily totals of PE and "
            "PRECIP with `mkdir -p daily && cdo settbounds,day -daysum -selname,PE,PRECIP quality_masked/halfhourly.nc "
            "daily/halfhourly_daily_totals.nc` and daily means of COSMOS_VWC (station_name, without time, copied as it "
            "is) with `mkdir -p daily && cdo settbounds,day -daymean -selname,COSMOS_VWC quality_masked/halfhourly.nc "
            "daily/halfhourly_daily_means.nc && ncks -A -v station_name quality_masked/halfhourly.nc "
            "daily/halfhourly_daily_means.nc`, then give --data 'daily/*.nc' in place of halfhourly.nc (the copies are "
            "in a folder of their own: a glob over the originals' folder does not take them); COSMOS_VWC_FLAG left "
            "out of the copies: a flag variable (CF 3.5)") in advice
    # the masked copy in a new folder under the file's own name (fix53a): the note names the files by their paths
    assert advice.endswith("(these read quality_masked/halfhourly.nc, which the line shown before writes from "
                           "halfhourly.nc: run that one first; daily/halfhourly_daily_totals.nc and "
                           "daily/halfhourly_daily_means.nc then hold both fixes)")
    if shutil.which("cdo") is None:
        pytest.skip("following the advice needs CDO")
    # the line shown before the advice, in the same output of predict (not a third run of it)
    (masking,) = [bare_python(line) for line in printed["predict"].splitlines() if "COSMOS_VWC_FLAG 2 bad" in line]
    (tmp_path / re.search(r"mkdir -p (\S+) && python -c ", masking).group(1)).mkdir()  # its new folder (fix53a)
    run_python("-c", re.search(r'python -c "([^"]+)"', masking).group(1), check=True, cwd=tmp_path)
    for command in re.findall(r"`(mkdir [^`]*)`", advice):  # as printed, by the shell
        subprocess.run(["bash", "-c", command], check=True, capture_output=True, cwd=tmp_path)
    kept = half_hourly["COSMOS_VWC"].where(half_hourly["COSMOS_VWC_FLAG"] != 2).values.astype(np.float64)
    by_hand = np.nanmean(kept.reshape(20, 48), axis=1)  # each day's 48 values, those flagged bad left out
    # fix43l: `cdo daymean` alone made cells from each day's first stamp to its last (23.5 hours), warned
    # about twice with two +30 loops, the second reading the first's copies; and CDO, reading no text,
    # left out the station_name the advice said it copied. The cells are pandas' calendar days now,
    # each copy dated by the mean of its day's stamps, and the station named as in the file
    import pandas as pd

    stamps = pd.Series(pd.DatetimeIndex(half_hourly["time"].values))
    days = pd.DatetimeIndex(stamps.dt.floor("D").unique())
    middles = pd.DatetimeIndex(stamps.groupby(stamps.dt.floor("D")).apply(lambda day: day.min() + (day - day.min()).mean()))
    for copy in ("daily/halfhourly_daily_means.nc", "daily/halfhourly_daily_totals.nc"):
        with xr.open_dataset(tmp_path / copy) as averaged:
            assert (pd.DatetimeIndex(averaged["time_bnds"].values[:, 0]) == days).all(), copy
            assert (pd.DatetimeIndex(averaged["time_bnds"].values[:, 1]) == days + pd.Timedelta("1D")).all(), copy
            assert (pd.DatetimeIndex(averaged["time"].values) == middles).all(), copy
    with xr.open_dataset(tmp_path / "daily/halfhourly_daily_means.nc") as means:
        assert "COSMOS_VWC_FLAG" not in means
        assert str(means["station_name"].values) == "WYTH1"
        np.testing.assert_allclose(means["COSMOS_VWC"].values, by_hand, rtol=1e-6)
    forget_notes()  # what a process of its own has said: nothing yet
    done = run_main("predict", str(run_dir), "--data", "daily/halfhourly_daily_totals.nc", "--data",
                    "daily/halfhourly_daily_means.nc", "--out", "p3.nc", capfd=capfd, monkeypatch=monkeypatch)
    assert done.returncode == 0, done.stderr[-3000:]
    assert not [line for line in done.stderr.splitlines() if "time cells" in line or "-hour cells" in line], done.stderr
    with xr.open_dataset(tmp_path / "p3.nc") as predicted:
        assert (pd.DatetimeIndex(predicted["time"].values) == middles).all()


POINT = "area: mean time: point"


@pytest.fixture(scope="module")
def point_run(tmp_path_factory):
    """A run whose target ``tas`` and predictor ``pred`` (its only one) were learnt monthly as ``time:
    point`` (GLDAS-2.1's monthly ``Tair_f_inst``: monthly means of its 3-hourly instants, so labelled)."""
    folder = tmp_path_factory.mktemp("points")
    _write(folder / "monthly.nc", _monthly(1990, 4), tas_methods=POINT, pred_methods=POINT)
    return _train(folder, "points", predictors=["pred"])


def _three_hourly_files(folder, first_day=31):
    """16 files of one 3-hourly step each (GLDAS-2.1 ``GLDAS_NOAH025_3H.AYYYYMMDD.HHMM``), 8 on
    ``first_day`` January and 8 on the day after (31 January and 1 February 1996), each bounded by its 3 hours;
    the files' paths."""
    folder.mkdir()
    paths = []
    for step in range(16):
        start = cftime.DatetimeNoLeap(1996, 1, first_day) + datetime.timedelta(hours=3 * step)
        path = folder / f"GLDAS_NOAH025_3H.A{start.year}{start.month:02d}{start.day:02d}.{start.hour:02d}00.021.nc4"
        _write(folder / "one.nc", [start], tas_methods=POINT, pred_methods=POINT, seed=10 + step,
               bounds=[[start, start + datetime.timedelta(hours=3)]])
        with xr.open_dataset(folder / "one.nc", decode_times=False) as one:  # GLDAS's files have no static field
            one.drop_vars("orog").to_netcdf(path)
        (folder / "one.nc").unlink()
        paths.append(path)
    return paths


def test_one_step_files_of_part_of_each_month_are_refused_naming_how_much_of_it_they_cover(
        point_run, tmp_path, monkeypatch):
    """break53d A3 (and break48b A1): 16 one-step 3-hourly GLDAS files of two days given to a monthly run
    were advised `cdo monmean -mergetime` of them; pasted, the copy was a 2-day "monthly" mean, which the
    next predict called useless after writing predictions from it as January's. No month is whole: refused
    in one line saying how much of the first month they cover (1 of January's 31 days, 8 of its 31 × 8 = 248
    3-hourly steps) and that the other month is in part too, with no averaging advised; nothing written."""
    monkeypatch.chdir(tmp_path)
    _three_hourly_files(tmp_path / "gldas_3h")
    with pytest.raises(ClimannError) as refused:
        predict_files(point_run, ["gldas_3h/*.nc4"], tmp_path / "p.nc")
    assert str(refused.value) == (
        "the run was trained on monthly data and GLDAS_NOAH025_3H.A19960131.0000.021.nc4, "
        "GLDAS_NOAH025_3H.A19960131.0300.021.nc4 … are 3-hourly, and they cover 1 of the 31 days of January 1996 "
        f"(8 of its {31 * 8} 3-hourly steps), and 1 other month in part: a monthly mean of them is no mean of the "
        "month, and the model would take it as one; give data holding every step of each month (then average them "
        "to monthly steps), or monthly data")
    assert not (tmp_path / "p.nc").exists()


@pytest.mark.parametrize("bounded", [pytest.param(True, id="time-bounds-of-2-days"),
                                     pytest.param(False, id="no-bounds")])
def test_a_two_day_mean_given_as_a_month_is_refused_where_its_bounds_say_so(point_run, tmp_path, monkeypatch,
                                                                            caplog, bounded):
    """break53d A3's other half (fix54d): `cdo monmean -mergetime` of 16 3-hourly steps of 1-2 January, one value
    in January bounded by the 2 days, given to a monthly run was predicted as January's with an "alone in its month"
    warning, exit 0. Its bounds say it is a mean of 2 of January's 31 days: refused in one line naming them (exit 2
    at the command line), nothing written. Without the bounds nothing says what it is of: predicted, as before."""
    from typer.testing import CliRunner

    from climann.cli import app

    if shutil.which("cdo") is None or shutil.which("ncks") is None:
        pytest.skip("making the 2-day mean as break53d did needs CDO and NCO")
    monkeypatch.chdir(tmp_path)
    paths = _three_hourly_files(tmp_path / "gldas_3h", first_day=1)
    subprocess.run("cdo -s monmean -mergetime gldas_3h/*.nc4 twoday.nc", shell=True, check=True, capture_output=True)
    with xr.open_dataset("twoday.nc") as mean:  # by hand: the 16 steps' mean, one value, bounded by the 2 days
        steps = np.stack([xr.open_dataset(path)["tas"].values[0] for path in paths])
        np.testing.assert_allclose(mean["tas"].values, [steps.mean(axis=0)], rtol=1e-6)
        assert [str(value) for value in mean["time_bnds"].values[0]] == ["1996-01-01 00:00:00", "1996-01-03 00:00:00"]
    given = "twoday.nc"
    if not bounded:
        subprocess.run("ncks -O -C -x -v time_bnds twoday.nc unbounded.nc && ncatted -O -a bounds,time,d,, "
                       "unbounded.nc", shell=True, check=True, capture_output=True)
        given = "unbounded.nc"
    result = CliRunner().invoke(app, ["predict", str(point_run), "--data", given, "--out", "p.nc"])
    if not bounded:
        assert result.exit_code == 0, result.output
        with xr.open_dataset("p.nc") as predicted:
            assert predicted.sizes["time"] == 1
        return
    assert result.exit_code == 2, result.output
    assert " ".join(result.output.split()) == (
        "climann: error: the run was trained on monthly data and twoday.nc's one value covers 1996-01-01 00:00 to "
        "1996-01-03 00:00 by its time bounds, 2 of the 31 days of January 1996: a mean of part of the month, which "
        "the model would take as the month's; give data holding every step of each month (then average them to "
        "monthly steps), or monthly data")
    assert not (tmp_path / "p.nc").exists()


def _daily_files(folder, days):
    """One file per day of January 1996 (one step each, bounded by its day, ``time: point``), the first
    ``days`` of them; the files' paths."""
    folder.mkdir()
    paths = []
    for day in range(days):
        start = cftime.DatetimeNoLeap(1996, 1, 1) + datetime.timedelta(days=day)
        path = folder / f"day_{start.year}{start.month:02d}{start.day:02d}.nc"
        _write(folder / "one.nc", [start], tas_methods=POINT, pred_methods=POINT, seed=40 + day,
               bounds=[[start, start + datetime.timedelta(days=1)]])
        with xr.open_dataset(folder / "one.nc", decode_times=False) as one:
            one.drop_vars("orog").to_netcdf(path)
        (folder / "one.nc").unlink()
        paths.append(path)
    return paths


def test_one_step_files_of_a_whole_month_are_advised_merged_then_averaged_and_not_again(
        point_run, tmp_path, caplog, monkeypatch):
    """break48b A1: one-step files given to a monthly run were advised `cdo monmean` of the first file alone;
    break53d A3: the mean is advised only of whole months. 31 one-step daily files of January: the advice says
    the month is whole (31 daily steps) and merges the files by time before averaging (one line, run here);
    the copy's month is numpy's mean of the 31 steps, and the copy is not advised averaged again."""
    monkeypatch.chdir(tmp_path)
    paths = _daily_files(tmp_path / "days", 31)
    with caplog.at_level(logging.WARNING, logger="climann"):
        predict_files(point_run, ["days/*.nc"], tmp_path / "p.nc")
    said = [without_guards(record.getMessage()) for record in caplog.records
            if "trained on monthly data" in record.getMessage()]
    assert len(said) == 1
    assert "average them to monthly steps first (the month whole: 31 daily steps in January 1996), e.g." in said[0]
    commands = re.findall(r"`(mkdir [^`]*)`", said[0])
    assert commands == ["mkdir -p days/monthly && cdo monmean -mergetime 'days/day_199601*.nc' "
                        "days/monthly/day_199601_monthly.nc"], commands
    if shutil.which("cdo") is None:
        pytest.skip("following the advice needs CDO")
    subprocess.run(commands[0], shell=True, check=True, capture_output=True)
    steps = np.stack([xr.open_dataset(path)["tas"].values[0] for path in paths])  # by hand: the month's mean
    with xr.open_dataset("days/monthly/day_199601_monthly.nc") as monthly:
        np.testing.assert_allclose(monthly["tas"].values, [steps.mean(axis=0)], rtol=1e-6)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        predict_files(point_run, ["days/monthly/day_199601_monthly.nc"], tmp_path / "p2.nc")
    again = [record.getMessage() for record in caplog.records]
    assert not [message for message in again if "cdo monmean" in message or "trained on monthly" in message], again


@pytest.mark.parametrize("cell_methods", [pytest.param("time: mean realization: mean", id="ensemble-mean"),
                                          pytest.param("time: mean", id="one-member")])
def test_the_member_note_names_the_files_on_the_member_axis_and_an_ensemble_mean_as_such(tmp_path, cell_methods):
    """break54d A3: HadCRUT5's ensemble mean (scalar realization = 100, bounds 1…200, cell_methods "realization:
    mean") was noted "ensemble member realization=100", and HadISST_sst.nc, without any realization, was named with
    it. The note names the file that has the axis, and a statistic over the members as what it is."""
    from types import SimpleNamespace

    from climann.data.open import open_dataset
    from climann.workflow.new_data import member_notes

    times = {"time": ("time", [15.0, 45.0], {"units": "days since 2000-01-01"})}
    space = {"lat": ("lat", [0.0, 10.0], {"units": "degrees_north"}), "lon": ("lon", [0.0], {"units": "degrees_east"})}
    tas = xr.Dataset({"tas_mean": (("time", "lat", "lon"), np.zeros((2, 2, 1)), {"cell_methods": cell_methods})},
                     coords={**times, **space, "realization": ((), 100, {"standard_name": "realization"})})
    tas.to_netcdf(tmp_path / "HadCRUT5.nc")
    xr.Dataset({"sst": (("time", "lat", "lon"), np.ones((2, 2, 1)))}, coords={**times, **space}).to_netcdf(
        tmp_path / "HadISST_sst.nc")
    files = [tmp_path / "HadCRUT5.nc", tmp_path / "HadISST_sst.nc"]
    dataset = open_dataset(files)
    run = SimpleNamespace(config=SimpleNamespace(data=SimpleNamespace(select={})))
    expected = ("HadCRUT5.nc: an ensemble mean (cell_methods 'realization: mean'), not one member"
                if "realization" in cell_methods else "HadCRUT5.nc: ensemble member realization=100")
    assert member_notes(run, dataset, files) == [expected]


def _eac4(path, level_name, level_attrs, go3, pred):
    """CAMS EAC4-like ``go3`` (time, level, lat, lon) on model levels 58–60 under ``level_name``."""
    xr.Dataset(
        {"go3": (("time", level_name, "lat", "lon"), go3.astype(np.float32), {"units": "kg kg**-1"}),
         "pred": (("time", "lat", "lon"), pred.astype(np.float32), {"units": "1"})},
        coords={"time": ("time", _monthly(2003, 3), {"standard_name": "time"}),
                level_name: (level_name, np.array([58, 59, 60], np.int32), level_attrs),
                "lat": ("lat", LAT, {"units": "degrees_north", "standard_name": "latitude"}),
                "lon": ("lon", LON, {"units": "degrees_east", "standard_name": "longitude"})},
    ).to_netcdf(path, encoding={"time": {"units": "days since 2003-01-01", "calendar": "noleap"}})
    return path


def test_a_model_level_of_another_name_is_told_with_the_rename_that_takes_it(tmp_path, capfd, monkeypatch):
    """break57c A1: a run on EAC4's new CDS layout (``model_level``) given the legacy ADS layout (``level``,
    long_name model_level_number) stopped at "no dimension 'model_level'" with no way out; the --rename it
    now names scores as the new layout does."""
    from tests.console import run_main

    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(3)
    pred = rng.uniform(0, 1, (36, LAT.size, LON.size))
    go3 = 5e-8 * (1 + pred[:, None] * np.array([0.5, 1.0, 2.0])[None, :, None, None])
    new = _eac4(tmp_path / "eac4_new.nc", "model_level",
                {"standard_name": "model_level_number", "units": "1", "positive": "down"}, go3, pred)
    legacy = _eac4(tmp_path / "eac4_old.nc", "level", {"long_name": "model_level_number"}, go3, pred)
    config = build_config({"data": {"paths": [str(new)], "target": "go3", "predictors": ["pred"],
                                    "select": {"model_level": 60}},
                           "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}})
    run_dir = run_training(config, run_dir=tmp_path / "run").run_dir
    refused = run_main("evaluate", run_dir, "--data", legacy, "--out", tmp_path / "refused", capfd=capfd,
                       monkeypatch=monkeypatch)
    assert refused.returncode == 2
    [line] = refused.stderr.strip().splitlines()
    assert line.startswith("climann: error: cannot select model_level=60: no dimension 'model_level' of the data")
    rename = re.search(r"give --rename '([^']+)' so that model_level=60 takes it$", line)
    assert rename is not None and rename[1] == "*:level=model_level", line
    scored = run_main("evaluate", run_dir, "--data", legacy, "--rename", rename[1], "--out", tmp_path / "legacy",
                      capfd=capfd, monkeypatch=monkeypatch)
    assert scored.returncode == 0, scored.stderr
    run_main("evaluate", run_dir, "--data", new, "--out", tmp_path / "new", capfd=capfd, monkeypatch=monkeypatch)
    legacy_scores, new_scores = (json.loads((tmp_path / out / "metrics.json").read_text())["splits"]["all"]["model"]
                                 for out in ("legacy", "new"))
    assert legacy_scores["mse"] == pytest.approx(new_scores["mse"], rel=1e-9)
    with xr.open_dataset(tmp_path / "legacy" / "predictions.nc") as predictions:  # the truth scored: level 60's
        truth = predictions["go3"].transpose("time", "lat", "lon").values
    np.testing.assert_allclose(truth, go3[:, 2].astype(np.float32), rtol=1e-6)
