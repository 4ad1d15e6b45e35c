"""Hourly files of one message each (NLDAS-2's APCP) beside a daily target (fix54k): the advice merges them by
time and moves each total to its window's start before ``daysum``; run as printed, its copy holds each day's sum
of its 24 hours (numpy), and a first or last day the files cover in part is named and left out."""

import datetime
import re
import shlex
import subprocess

import cftime
import numpy as np
import pandas as pd
import pytest
import xarray as xr
from typer.testing import CliRunner

from climann.cli import app
from climann.data.open import open_dataset
from climann.data.split_periods import days_in, partial_periods, shifttime_operator, window_start_shift
from tests.data.test_forecast_windows import _nldas_hours

LAT, LON = [40.125, 40.0, 39.875], [-100.125, -100.0, -99.875, -99.75]


def _daily_target(path, days):
    """A daily tas on the NLDAS cells, each value of the day its bounds give."""
    time = pd.date_range("2000-01-01", periods=days, freq="D")
    values = np.random.default_rng(1).normal(280, 3, (days, 3, 4)).astype("f4")
    bounds = np.stack([time, time + pd.Timedelta(days=1)], -1)
    xr.Dataset({"tas": (("time", "lat", "lon"), values, {"units": "K"}), "time_bnds": (("time", "bnds"), bounds)},
               coords={"time": ("time", time, {"bounds": "time_bnds"}), "lat": LAT, "lon": LON}).to_netcdf(
        path, encoding={name: {"units": "days since 2000-01-01"} for name in ("time", "time_bnds")})


def _train(*data):
    words = ["train", *(word for path in data for word in ("--data", path)), "--target", "tas", "--predictors", "tp",
             "--features", "lat", "--epochs", "1", "--hidden", "2", "--out", "run", "--quiet",
             "--set", "evaluation.figures=false"]
    return CliRunner().invoke(app, words)


def _printed_line(output):
    """The one backquoted cdo line of the refusal and the --data it advises."""
    found = re.search(r"`(\{ \[ ! -e [^`]*&& cdo [^`]*)`.*?then give --data (\S+) in place of", output)
    assert found is not None, output
    return found[1], found[2]


def _cell_days(opened):
    cells = opened[opened["time"].attrs["bounds"]].values
    return [(start.year, start.month, start.day) for start in cells[:, 0]], cells


def test_the_advised_line_sums_each_days_24_hours_and_climann_trains_on_it(tmp_path, monkeypatch):
    """72 one-hour files: one line, merged and shifted by the files' own 1 h window (not a daysum per file, which
    wrote 72 one-hour "days"); run by bash as printed, each day's total is numpy's of its 24 files, climann reads
    each as its day (bounds 00:00 to 24:00, the whole day) and trains on it beside the daily target."""
    monkeypatch.chdir(tmp_path)
    totals = _nldas_hours(tmp_path / "nldas", days=3)
    _daily_target(tmp_path / "tas.nc", 3)
    refused = _train("nldas/*.grb", "tas.nc")
    assert refused.exit_code == 2, refused.output
    line, data = _printed_line(refused.output)
    assert "for f in" not in line and " -shifttime,-1hour -mergetime " in line, line
    assert "left out" not in refused.output
    subprocess.run(["bash", "-c", line], check=True, capture_output=True, cwd=tmp_path)
    copy = open_dataset([tmp_path / data])
    days, cells = _cell_days(copy)
    assert days == [(2000, 1, 1), (2000, 1, 2), (2000, 1, 3)]
    assert [(end - start).total_seconds() for start, end in cells] == [24 * 3600] * 3  # each its whole day
    np.testing.assert_allclose(copy["tp"].values, totals.reshape(3, 24, 3, 4).sum(axis=1), atol=24e-4)
    trained = _train(data, "tas.nc")
    assert trained.exit_code == 0, trained.output
    again = subprocess.run(["bash", "-c", line], capture_output=True, text=True, cwd=tmp_path)
    assert again.returncode != 0 and "is there already: left as it is" in again.stderr


def test_a_first_and_last_day_covered_in_part_are_named_and_left_out(tmp_path, monkeypatch):
    """Files from 05:00 of the first day to the hour 16–17 of the last: those days are named with the hours they
    hold and left out of the copy (a daysum of them was 19 and 17 hours, the last not short enough to be told);
    the days between are numpy's sums of their 24 files."""
    monkeypatch.chdir(tmp_path)
    totals = _nldas_hours(tmp_path / "nldas", days=4)
    for path in sorted((tmp_path / "nldas").glob("*.grb"))[:5] + sorted((tmp_path / "nldas").glob("*.grb"))[-7:]:
        path.unlink()
    _daily_target(tmp_path / "tas.nc", 4)
    refused = _train("nldas/*.grb", "tas.nc")
    assert refused.exit_code == 2, refused.output
    assert ("2000-01-01 holds 19 of its 24 values, left out of the copy; 2000-01-04 holds 17 of its 24 values, left "
            "out of the copy") in refused.output, refused.output
    line, data = _printed_line(refused.output)
    subprocess.run(["bash", "-c", line], check=True, capture_output=True, cwd=tmp_path)
    copy = open_dataset([tmp_path / data])
    days, _ = _cell_days(copy)
    assert days == [(2000, 1, 2), (2000, 1, 3)]
    np.testing.assert_allclose(copy["tp"].values, totals[24:72].reshape(2, 24, 3, 4).sum(axis=1), atol=24e-4)


def test_the_shift_is_the_files_window_and_partial_days_are_counted():
    """Stamps at the ends of 3 h windows are moved back 3 h; stamps inside their cells are not moved; a day from
    06:00 of 3-hourly values holds 6 of its 8."""
    hours = [datetime.datetime(2000, 1, 1, 9) + datetime.timedelta(hours=3 * index) for index in range(8)]
    window = datetime.timedelta(hours=3)
    assert shifttime_operator(window_start_shift(hours, [(time - window, time) for time in hours])) \
        == " -shifttime,-3hour"
    assert window_start_shift(hours, [(time - window / 2, time + window / 2) for time in hours]) is None
    starts = [time - window for time in hours]
    assert partial_periods(starts, window, "day") == [((2000, 1, 1), 6, 8), ((2000, 1, 2), 2, 8)]


def _daily_files_and_monthly_target(folder, calendar):
    """One file a day of daily totals ``pr`` (time: sum, bounds [D, D + 1], stamped at the end D + 1) from
    2000-01-01 to 2000-02-28 of ``calendar``, and a monthly tas of January and February with bounds. Returns pr
    (days, 2, 3) and the number of days of January."""
    (folder / "days").mkdir()
    january = cftime.datetime(2000, 2, 1, calendar=calendar) - cftime.datetime(2000, 1, 1, calendar=calendar)
    days = january.days + 28
    pr = np.random.default_rng(3).gamma(0.5, 2.0, (days, 2, 3)).astype("f4")
    encoding = {name: {"units": "days since 2000-01-01", "calendar": calendar} for name in ("time", "time_bnds")}
    grid = {"lat": [0.0, 1.0], "lon": [0.0, 1.0, 2.0]}
    for index in range(days):
        start = cftime.datetime(2000, 1, 1, calendar=calendar) + datetime.timedelta(days=index)
        end = start + datetime.timedelta(days=1)
        xr.Dataset({"pr": (("time", "lat", "lon"), pr[index:index + 1], {"units": "kg m-2", "cell_methods": "time: sum"}),
                    "time_bnds": (("time", "bnds"), np.array([[start, end]]))},
                   coords={"time": ("time", [end], {"bounds": "time_bnds"}), **grid}).to_netcdf(
            folder / "days" / f"pr_{start.year}{start.month:02d}{start.day:02d}.nc", encoding=encoding)
    months = [cftime.datetime(2000, month, 1, calendar=calendar) for month in (1, 2, 3)]
    cells = np.array([months[:2], months[1:]])
    xr.Dataset({"tas": (("time", "lat", "lon"), np.full((2, 2, 3), 280.0, "f4"), {"units": "K"}),
                "time_bnds": (("time", "bnds"), cells)},
               coords={"time": ("time", [low + (high - low) / 2 for low, high in cells], {"bounds": "time_bnds"}),
                       **grid}).to_netcdf(folder / "tas.nc", encoding=encoding)
    return pr, january.days


@pytest.mark.parametrize("calendar, february", [
    pytest.param("360_day", 30, id="360_day-february-of-30-days"),
    pytest.param("noleap", 28, id="noleap-2000-february-of-28-days"),
])
def test_the_months_of_the_files_own_calendar_decide_which_are_whole(tmp_path, monkeypatch, calendar, february):
    """Session 73's leftover: a month's length was the Gregorian one (February 2000: 29 days). 360_day files through
    28 February hold 28 of its 30 days, not of 29; noleap's February 2000 of 28 days is whole, not 28 of 29 left out.
    Run as printed, the line sums each month kept over its days (numpy), its cell the whole month in the files' own
    calendar, and leaves out only a month that calendar says is partial."""
    monkeypatch.chdir(tmp_path)
    pr, january = _daily_files_and_monthly_target(tmp_path, calendar)
    refused = CliRunner().invoke(app, ["train", "--data", "days/*.nc", "--data", "tas.nc", "--target", "tas",
                                       "--predictors", "pr", "--features", "lat", "--epochs", "1", "--hidden", "2",
                                       "--out", "run", "--quiet", "--set", "evaluation.figures=false"])
    assert refused.exit_code == 2, refused.output
    line, data = _printed_line(refused.output)
    partial = february > 28
    assert (f"2000-02 holds 28 of its {february} values, left out of the copy" in refused.output) == partial, \
        refused.output
    subprocess.run(["bash", "-c", line], check=True, capture_output=True, cwd=tmp_path)
    copy = open_dataset([tmp_path / data])
    expected = [pr[:january].sum(axis=0)] + ([] if partial else [pr[january:].sum(axis=0)])
    np.testing.assert_allclose(copy["pr"].values, np.stack(expected), rtol=1e-6)
    cells = copy[copy["time"].attrs["bounds"]].values
    assert [(start.year, start.month, start.day) for start in cells[:, 0]] == [(2000, 1, 1)] + ([] if partial else
                                                                                              [(2000, 2, 1)])
    assert [(end - start).days for start, end in cells] == [january] + ([] if partial else [february])
    assert {start.calendar for start in copy["time"].values} == {calendar}


def test_days_in_a_period_follow_the_calendar():
    """Each calendar's own month and year lengths (CF 4.4.1), against cftime's dates one after the other."""
    for calendar in ("standard", "noleap", "all_leap", "360_day", "julian"):
        for year, month in ((1900, 2), (2000, 2), (2001, 12), (2004, 7)):
            following = cftime.datetime(year + month // 12, month % 12 + 1, 1, calendar=calendar)
            assert days_in((year, month), calendar) == (following - cftime.datetime(year, month, 1,
                                                                                     calendar=calendar)).days
    assert [days_in((1900, 2), calendar) for calendar in ("standard", "julian", "noleap", "360_day")] == [28, 29, 28, 30]
    assert [days_in((2000,), calendar) for calendar in ("standard", "noleap", "all_leap", "360_day")] == [366, 365, 366,
                                                                                                       360]


def test_a_day_summed_from_17_of_its_hours_is_refused_beside_a_daily_target(tmp_path, monkeypatch):
    """Session 73's leftover: the hourly files of 4 days less the last 7 hours, summed by the user's own
    ``cdo daysum -shifttime,-1hour -mergetime``, end with a day of 17 hours (its cell 00:00 to 16:00, its total
    numpy's of those 17 hours); beside a daily target it was called "22.25-hourly" and advised a daysum of the
    daily copy, and paired by day it would be trained on as a day. Now the copy is daily and that day is refused,
    named with its length, with the --time-range that leaves it out; run with it, train exits 0."""
    monkeypatch.chdir(tmp_path)
    totals = _nldas_hours(tmp_path / "nldas", days=4)
    for path in sorted((tmp_path / "nldas").glob("*.grb"))[-7:]:
        path.unlink()
    (tmp_path / "daily").mkdir()
    subprocess.run(["bash", "-c", "cdo -s -f nc4 daysum -shifttime,-1hour -mergetime 'nldas/*.grb' daily/tp.nc"],
                   check=True, capture_output=True, cwd=tmp_path)
    copy = open_dataset([tmp_path / "daily" / "tp.nc"])
    np.testing.assert_allclose(copy["tp"].values[-1], totals[72:89].sum(axis=0), atol=17e-4)  # 17 hours, not 24
    _daily_target(tmp_path / "tas.nc", 4)
    refused = _train("daily/tp.nc", "tas.nc")
    assert refused.exit_code == 2, refused.output
    assert "-hourly" not in refused.output and "cdo daysum daily/tp.nc" not in refused.output, refused.output
    assert ("1 of the 4 time cells is shorter than the usual 23 hours" in refused.output
            and "step 4 (2000-01-04 00:00 to 2000-01-04 16:00, 16 hours long)" in refused.output
            and "refused: tp is a total over each of its cells" in refused.output), refused.output
    time_range = re.search(r"--time-range (\S+);", refused.output)[1]
    assert time_range == "2000-01-01,2000-01-03"
    kept = CliRunner().invoke(app, ["train", "--data", "daily/tp.nc", "--data", "tas.nc", "--target", "tas",
                                    "--predictors", "tp", "--features", "lat", "--epochs", "1", "--hidden", "2",
                                    "--out", "run", "--quiet", "--set", "evaluation.figures=false",
                                    "--time-range", time_range])
    assert kept.exit_code == 0 and "shorter than the usual" not in kept.output, kept.output


def test_a_daily_target_at_00_without_bounds_gets_the_merge_line_first_and_then_its_own(tmp_path, monkeypatch):
    """Session 73's leftover: a daily target stamped at 00:00 without bounds beside NLDAS-2's hourly files was said
    to be refused before the merge line was reached. The first refusal is the merge line; run as printed, the next
    asks which day each tas stamp is of (00:00 opens or closes a day: climann does not guess) with a line for each
    reading; the opening day's, run as printed, trains with exit 0, and the copy's days are numpy's sums of 24 hours."""
    monkeypatch.chdir(tmp_path)
    totals = _nldas_hours(tmp_path / "nldas", days=3)
    time = pd.date_range("2000-01-01", periods=3, freq="D")
    xr.Dataset({"tas": (("time", "lat", "lon"), np.random.default_rng(2).normal(280, 3, (3, 3, 4)).astype("f4"),
                        {"units": "K"})},
               coords={"time": time, "lat": LAT, "lon": LON}).to_netcdf(tmp_path / "tas.nc")
    refused = _train("nldas/*.grb", "tas.nc")
    assert refused.exit_code == 2, refused.output
    line, data = _printed_line(refused.output)
    assert " -shifttime,-1hour -mergetime 'nldas/" in line, line
    subprocess.run(["bash", "-c", line], check=True, capture_output=True, cwd=tmp_path)
    copy = open_dataset([tmp_path / data])
    np.testing.assert_allclose(copy["tp"].values, totals.reshape(3, 24, 3, 4).sum(axis=1), atol=24e-4)
    days, cells = _cell_days(copy)
    assert days == [(2000, 1, 1), (2000, 1, 2), (2000, 1, 3)]
    assert [(end - start).total_seconds() for start, end in cells] == [86400] * 3
    asked = _train(data, "tas.nc")
    assert asked.exit_code == 2 and "stamps tas at 00:00 without time bounds" in asked.output, asked.output
    opening = re.search(r"if each value is of the day beginning at its stamp `([^`]*)`", asked.output)[1]
    subprocess.run(["bash", "-c", opening], check=True, capture_output=True, cwd=tmp_path)
    trained = _train(data, "with_bounds/tas.nc")
    assert trained.exit_code == 0, trained.output


def test_the_merge_line_over_a_folder_with_a_space_runs_as_printed(tmp_path, monkeypatch):
    """fix56d: CDO 2.1.1 opens no path with a space, quoted, escaped or expanded by the shell ('my data/'*.grb of
    shell.cdo_input_files opened "my"): in a folder "my data" the line runs cdo inside it, and, run by bash as printed,
    sums each day's 24 hours as numpy does, leaving the folder holding only its files and the new folder."""
    monkeypatch.chdir(tmp_path)
    totals = _nldas_hours(tmp_path / "my data", days=2)
    files = sorted(path.name for path in (tmp_path / "my data").iterdir())
    _daily_target(tmp_path / "tas.nc", 2)
    refused = _train("my data/*.grb", "tas.nc")
    assert refused.exit_code == 2, refused.output
    found = re.search(r"`(\{ \[ ! -e [^`]*&& cdo [^`]*)`.*?then give --data ('[^']*'|\S+) in place of", refused.output)
    assert found is not None, refused.output
    line, data = found[1], shlex.split(found[2])[0]
    # CDO 2.1.1 opens no path with a space ("Open failed on >my<", the output's too): cdo runs inside the folder,
    # on its own quoted glob there
    assert re.search(r"\( cd 'my data' && cdo .* -mergetime '[^' ]*\*[^' ]*\.grb' daily/\S+\.nc \)", line), line
    subprocess.run(["bash", "-c", line], check=True, capture_output=True, cwd=tmp_path)
    copy = open_dataset([tmp_path / data])
    np.testing.assert_allclose(copy["tp"].values, totals.reshape(2, 24, 3, 4).sum(axis=1), atol=24e-4)
    assert sorted(path.name for path in (tmp_path / "my data").iterdir() if path.is_file()) == files
