"""The printed line that averages 3-hourly means to 6-hourly ones (climann/data/resampling.py),
run as printed and trained on (break33b B5)."""

from __future__ import annotations

import datetime
import os
import shlex

import cftime
import netCDF4
import numpy as np
import pytest

from climann.data import shell
from climann.data.open import open_dataset
from climann.data.resampling import resample_command
from climann.errors import ClimannError
from climann.workflow.config import build_config
from climann.workflow.pipeline import run_training
from tests.followed_twice import run_one_copy
from tests.fresh_python import run_python, shell_path

_DAYS = 20
_START = cftime.datetime(2000, 1, 1, calendar="noleap")


def _cmip_file(path, name, variables, stamps, cells, cell_methods):
    """A CMIP6-style file on a 2×3 grid: ``variables`` (name → values (time, 2, 3)) at
    ``stamps`` (days since 2000-01-01, noleap), with ``cells`` as time_bnds when given."""
    with netCDF4.Dataset(path, "w") as dataset:
        dataset.createDimension("time", None)
        dataset.createDimension("lat", 2)
        dataset.createDimension("lon", 3)
        dataset.createDimension("bnds", 2)
        for axis, values, units in (("lat", [0.0, 10.0], "degrees_north"), ("lon", [0.0, 10.0, 20.0], "degrees_east")):
            coordinate = dataset.createVariable(axis, "f8", (axis,))
            coordinate.units = units
            coordinate[:] = values
        time = dataset.createVariable("time", "f8", ("time",))
        time.units, time.calendar, time.standard_name = "days since 2000-01-01", "noleap", "time"
        time[:] = stamps
        if cells is not None:
            time.bounds = "time_bnds"
            dataset.createVariable("time_bnds", "f8", ("time", "bnds"))[:] = cells
        for variable, values in variables.items():
            data = dataset.createVariable(variable, "f4", ("time", "lat", "lon"))
            data.units, data.cell_methods = ("K" if variable == "ta" else "W m-2"), cell_methods
            data[:] = values
    return path


@pytest.fixture(scope="module")
def three_hourly(tmp_path_factory):
    """3-hourly means (CMIP6 3hr: stamps mid-cell, [00, 03] cells) of pr and hfls, and 6-hourly
    instants of ta (6hrPlevPt), over 20 days."""
    folder = tmp_path_factory.mktemp("subdaily")
    rng = np.random.default_rng(33)
    n = _DAYS * 8
    lower = np.arange(n) / 8
    cells = np.stack([lower, lower + 1 / 8], 1)
    hfls = rng.normal(100, 30, (n, 2, 3)).astype("f4")
    pr = (0.5 * hfls + rng.normal(0, 1, (n, 2, 3))).astype("f4")
    _cmip_file(folder / "pr_3hr.nc", "pr", {"pr": pr, "hfls": hfls}, lower + 1 / 16, cells, "area: time: mean")
    ta = rng.normal(290, 3, (_DAYS * 4, 2, 3)).astype("f4")
    _cmip_file(folder / "ta_6hrPt.nc", "ta", {"ta": ta}, np.arange(_DAYS * 4) / 4, None, "area: mean time: point")
    return folder, {"pr": pr, "hfls": hfls}


def _followed(message: str, folder) -> str:
    """Run the 6-hourly line of a refusal as printed, by bash in ``folder``: its command, after checking that
    it writes its copy into the new folder 6-hourly/ under the file's name, nothing beside the file (fix56b:
    pr_3hr_6-hourly.nc was written there, and a glob over the folder took both)."""
    before = sorted(path.name for path in folder.iterdir())
    followed = run_one_copy(message[message.index("6-hourly means with `"):], folder,
                            env={**os.environ, "PATH": shell_path()})
    assert followed["copy"] == "6-hourly/pr_3hr.nc" and followed["original"] == "pr_3hr.nc", followed
    assert sorted(path.name for path in folder.iterdir()) == sorted([*before, "6-hourly"])
    assert os.listdir(folder / "6-hourly") == ["pr_3hr.nc"]
    return followed["command"]


def test_the_printed_line_writes_6_hourly_means_with_the_cells_of_their_edges(three_hourly, tmp_path,
                                                                             monkeypatch):
    """break33b B5: the advice was 'e.g. with xarray's Dataset.resample', whose mean averages
    time_bnds ([01:30, 04:30]) and gives them units of their own."""
    folder, truth = three_hourly
    monkeypatch.chdir(folder)
    with pytest.raises(ClimannError, match="bring pr to 6-hourly steps first") as raised:
        open_dataset([folder / "pr_3hr.nc", folder / "ta_6hrPt.nc"])
    line = _followed(str(raised.value), folder)
    assert line.startswith(f"mkdir -p 6-hourly && {shell.advised_python()} -c ") and line.endswith(" pr_3hr.nc 6-hourly/pr_3hr.nc 6 time")
    with netCDF4.Dataset(folder / "6-hourly" / "pr_3hr.nc") as written:
        assert written["time"].units == "days since 2000-01-01" and written["time"].calendar == "noleap"
        assert "units" not in written["time_bnds"].ncattrs()  # the time's own (CF 7.1)
        stamps, cells = written["time"][:], written["time_bnds"][:]
        for name, values in truth.items():  # each pair of 3-hour means, by hand
            np.testing.assert_allclose(written[name][:], values.reshape(-1, 2, 2, 3).mean(1), rtol=1e-6)
        assert written["pr"].cell_methods == "area: time: mean"
        assert written["lat"][:].tolist() == [0.0, 10.0]
    lower = np.arange(_DAYS * 4) / 4
    np.testing.assert_allclose(cells, np.stack([lower, lower + 0.25], 1), atol=1e-9)
    np.testing.assert_allclose(stamps, lower + 0.125, atol=1e-9)


def test_a_run_trained_on_the_printed_lines_output_keeps_its_6_hour_cells(three_hourly, tmp_path, monkeypatch):
    folder, truth = three_hourly
    monkeypatch.chdir(folder)
    resampled = folder / "6-hourly" / "pr_3hr.nc"
    if not resampled.exists():
        with pytest.raises(ClimannError) as raised:
            open_dataset([folder / "pr_3hr.nc", folder / "ta_6hrPt.nc"])
        _followed(str(raised.value), folder)
    config = build_config({
        "data": {"paths": [str(resampled)], "target": "pr", "predictors": ["hfls"]},
        "model": {"hidden": [4]}, "training": {"epochs": 2}, "evaluation": {"figures": False},
    })
    run_dir = run_training(config, run_dir=tmp_path / "run").run_dir
    with netCDF4.Dataset(run_dir / "predictions.nc") as predictions:
        times = netCDF4.num2date(predictions["time"][:], predictions["time"].units, "noleap")
        bounds_name = predictions["time"].bounds
        cells = netCDF4.num2date(predictions[bounds_name][:], predictions["time"].units, "noleap")
    assert {(time.hour, time.minute) for time in times} == {(3, 0), (9, 0), (15, 0), (21, 0)}
    assert all(high - low == datetime.timedelta(hours=6) and low + datetime.timedelta(hours=3) == time
               for (low, high), time in zip(cells, times))
    assert cells[0][0] >= _START


@pytest.mark.parametrize("statistic, sums", [("sum", ()), ("mean", ("pr",))])
def test_a_monthly_total_with_a_missing_day_is_missing_in_the_printed_lines_copy(tmp_path, statistic, sums):
    """The calendar resample line sums totals with ``skipna=False``: xarray's default sum skips
    NaN, so a month with a missing day was summed over the others and a month with no value at
    all came out as 0 mm (fix45c saw it). Each month by hand: January whole, February with one
    day missing, March all missing (daily cells, so that every month is whole)."""
    from climann.data.resampling import calendar_resample_command

    days = 31 + 28 + 31
    rng = np.random.default_rng(3)
    pr = rng.gamma(0.8, 3.0, (days, 2, 3)).astype("f4")
    pr[40, 1, 2] = np.nan
    pr[59:] = np.nan
    tas = rng.normal(280, 4, (days, 2, 3)).astype("f4")
    tas[45, 0, 0] = np.nan
    variables = {"pr": pr} if statistic == "sum" else {"pr": pr, "tas": tas}
    with netCDF4.Dataset(tmp_path / "daily.nc", "w") as dataset:
        for axis, size in (("time", None), ("lat", 2), ("lon", 3), ("bnds", 2)):
            dataset.createDimension(axis, size)
        time = dataset.createVariable("time", "f8", ("time",))
        time.units, time.calendar, time.bounds = "days since 2001-01-01", "standard", "time_bnds"
        time[:] = np.arange(days) + 0.5
        dataset.createVariable("time_bnds", "f8", ("time", "bnds"))[:] = np.stack([np.arange(days), np.arange(days) + 1], 1)
        for name, values in variables.items():
            dataset.createVariable(name, "f4", ("time", "lat", "lon"), fill_value=np.float32(1e20))[:] = values
    line = calendar_resample_command(tmp_path / "daily.nc", "MS", "monthly", statistic=statistic, sums=sums)
    run_python(*shlex.split(line)[1:], check=True, cwd=tmp_path)
    months = [slice(0, 31), slice(31, 59), slice(59, 90)]
    with netCDF4.Dataset(tmp_path / "daily_monthly.nc") as written:
        summed = np.ma.filled(written["pr"][:].astype("f8"), np.nan)
        expected = np.stack([pr[month].astype("f8").sum(0) for month in months])  # NaN where any day is missing
        assert np.isnan(expected[1, 1, 2]) and np.isnan(expected[2]).all() and not np.isnan(expected[0]).any()
        np.testing.assert_allclose(summed, expected, rtol=1e-5)
        if statistic == "mean":  # the means still over the days that hold a value
            averaged = np.ma.filled(written["tas"][:].astype("f8"), np.nan)
            np.testing.assert_allclose(averaged, np.stack([np.nanmean(tas[month], 0) for month in months]), rtol=1e-6)


def _hourly_file(path, *, bounded):
    """Hourly values of ``ta`` on the 2×3 grid over 4 days (noleap): instants at 00:00, 01:00 … without bounds
    (``time: point``), or means over [00:00, 01:00] … stamped 00:30 with CF bounds (``time: mean``)."""
    rng = np.random.default_rng(45)
    values = rng.normal(290, 3, (96, 2, 3)).astype("f4")
    hours = np.arange(96) / 24
    if bounded:
        _cmip_file(path, "ta", {"ta": values}, hours + 1 / 48, np.stack([hours, hours + 1 / 24], 1),
                   "area: mean time: mean")
    else:
        _cmip_file(path, "ta", {"ta": values}, hours, None, "area: mean time: point")
    return values.astype(np.float64)


def _by_hand(values, *, bounded, centred_on):
    """The means over the 3-hour cells centred on ``centred_on`` (None: [00:00, 03:00] …) that the hourly values
    fill, each value weighed by the part of its hour in the cell: its CF cell, or without bounds the hour centred on
    its stamp (where climann reads a value without bounds). Returns the cells' first hours and the means."""
    if bounded and centred_on == 0:  # cells [-1.5, 1.5] + 3k: halves of the hours at each end
        return np.arange(3, 94, 3), (0.5 * values[1:92:3] + values[2:93:3] + values[3:94:3] + 0.5 * values[4:95:3]) / 3
    if bounded:  # [0, 3] + 3k: the three hours inside, whole
        return np.arange(0, 96, 3), (values[0::3] + values[1::3] + values[2::3]) / 3
    if centred_on == 0:  # the instants at s - 1, s, s + 1, each the middle of its hour
        return np.arange(3, 94, 3), (values[2:-3:3] + values[3:-2:3] + values[4:-1:3]) / 3
    # [0, 3] + 3k from instants: the hours around 00:00 and 03:00 lie half inside (trapezoids)
    return np.arange(0, 93, 3), (0.5 * values[0:-3:3] + values[1:-2:3] + values[2:-1:3] + 0.5 * values[3::3]) / 3


@pytest.mark.parametrize("bounded", [pytest.param(False, id="instants-without-bounds"),
                                     pytest.param(True, id="means-with-bounds")])
@pytest.mark.parametrize("centred_on", [pytest.param(None, id="cells-from-0000"), pytest.param(0.0, id="centred-0000"),
                                        pytest.param(1.5, id="centred-0130")])
def test_the_printed_line_weighs_each_hourly_value_by_its_hour_inside_the_new_cells(tmp_path, bounded, centred_on):
    """fix45d: the line grouped values by their stamps, so hourly instants at 00:00, 01:00 and 02:00, centred on
    01:00, were written as the mean of [00:00, 03:00] stamped 01:30, and hourly means of [22:00, 23:00] … [01:00,
    02:00] (middles 22:30 … 01:30) as the cell [22:30, 01:30] stamped 00:00, half an hour off the stamps of the run
    given them. Run as printed, each 3-hour mean is numpy's by hand (the hours each value covers, halves at the
    edges) and each stamp the middle of its cell at the run's hours."""
    values = _hourly_file(tmp_path / "ta_1hr.nc", bounded=bounded)
    line = resample_command("ta_1hr.nc", 3, centred_on=centred_on)
    run_python(*shlex.split(line)[1:], check=True, cwd=tmp_path)
    first_hours, expected = _by_hand(values, bounded=bounded, centred_on=centred_on)
    lower = first_hours - (1.5 if centred_on == 0 else 0)
    with netCDF4.Dataset(tmp_path / "ta_1hr_3-hourly.nc") as written:
        np.testing.assert_allclose(written["time_bnds"][:] * 24, np.stack([lower, lower + 3], 1), atol=1e-6)
        np.testing.assert_allclose(written["time"][:] * 24, lower + 1.5, atol=1e-6)
        np.testing.assert_allclose(written["ta"][:], expected, rtol=1e-6)
        assert written["ta"].cell_methods == "area: mean time: mean"


@pytest.mark.parametrize("calendar", ["standard", "360_day"])
@pytest.mark.parametrize("hour", [pytest.param(0, id="00:00"), pytest.param(6, id="06:00"),
                                  pytest.param(12, id="noon")])
def test_the_calendar_line_keeps_every_month_that_holds_all_its_days_whatever_their_stamps(tmp_path, calendar, hour):
    """fix46c: daily means stamped at noon without bounds lost their first month (its stamps open
    after the month's start). Every month whose days are all there is kept, with NumPy's mean of
    its days; the last, cut short on its 15th, and one with a day left out of the file are not."""
    from climann.data.resampling import calendar_resample_command

    first = cftime.datetime(2001, 1, 1, hour, calendar=calendar)
    dates = [first + datetime.timedelta(days=day) for day in range(800)]
    dates = [date for date in dates if (date.year, date.month) < (2003, 3) or date.day < 16]
    dates = [date for date in dates if (date.year, date.month, date.day) != (2002, 5, 10)]
    values = np.random.default_rng(46).normal(280, 4, (len(dates), 2)).astype("f4")
    with netCDF4.Dataset(tmp_path / "daily.nc", "w") as dataset:
        dataset.createDimension("time", None)
        dataset.createDimension("x", 2)
        time = dataset.createVariable("time", "f8", ("time",))
        time.units, time.calendar = "days since 2001-01-01", calendar
        time[:] = netCDF4.date2num(dates, time.units, calendar)
        dataset.createVariable("tas", "f4", ("time", "x"))[:] = values
    line = calendar_resample_command(tmp_path / "daily.nc", "MS", "monthly")
    run_python(*shlex.split(line)[1:], check=True, cwd=tmp_path)
    months = sorted({(date.year, date.month) for date in dates})
    whole = [month for month in months if month != (2002, 5) and month != months[-1]]
    expected = np.stack([values[[(date.year, date.month) == month for date in dates]].astype("f8").mean(0)
                         for month in whole])
    with netCDF4.Dataset(tmp_path / "daily_monthly.nc") as written:
        stamps = netCDF4.num2date(written["time"][:], written["time"].units, calendar)
        assert [(stamp.year, stamp.month) for stamp in stamps] == whole
        assert len(whole) == 25 and whole[0] == (2001, 1)
        np.testing.assert_allclose(written["tas"][:], expected, rtol=1e-6)


@pytest.mark.parametrize("kind", ["hours", "calendar", "restamp"])
def test_each_printed_line_followed_again_leaves_the_file_under_its_copys_name(three_hourly, tmp_path, monkeypatch,
                                                                                kind):
    """fix51j: the three lines wrote ``m.to_netcdf(o)`` (``d.to_netcdf(o)``) straight into the copy's name, so a
    line followed twice, or a name taken since printed, replaced that file. Now whole_write: run once, the copy is
    the means by hand; run again over a file there, that file is kept byte for byte and the line says so."""
    from climann.data.resampling import calendar_resample_command, restamp_command
    from tests.followed_twice import assert_left_as_it_is

    folder, truth = three_hourly
    monkeypatch.chdir(tmp_path)
    source = tmp_path / "pr_3hr.nc"
    source.write_bytes((folder / "pr_3hr.nc").read_bytes())
    line = {"hours": lambda: resample_command(source.name, 6),
            "calendar": lambda: calendar_resample_command(source.name, "D", "daily"),
            "restamp": lambda: restamp_command(source.name, 30)}[kind]()
    words = shlex.split(line)[1:]
    run_python(*words, check=True, cwd=tmp_path)
    copy = tmp_path / words[3]
    with netCDF4.Dataset(copy) as written:
        pr = written["pr"][:]
    expected = {"hours": truth["pr"].reshape(-1, 2, 2, 3).mean(1), "calendar": truth["pr"].reshape(-1, 8, 2, 3).mean(1),
                "restamp": truth["pr"]}[kind]
    np.testing.assert_allclose(pr, expected, rtol=1e-6)
    assert_left_as_it_is(copy, lambda: run_python(*words, cwd=tmp_path, capture_output=True), source)


def _directions_file(path, steps, units):
    """``mwd`` (Degree true) at ``steps`` stamps of ``units``, on 2×3 cells, each value 350° or 10° plus a
    small spread round north, beside ``swh``; returns ``mwd`` (steps, 2, 3) and ``swh``."""
    import xarray as xr

    rng = np.random.default_rng(52)
    mwd = np.mod(np.where(rng.random((steps, 2, 3)) < 0.5, 10.0, 350.0) + rng.normal(0, 2, (steps, 2, 3)), 360.0)
    swh = 1 + rng.random((steps, 2, 3))
    xr.Dataset({"mwd": (("time", "lat", "lon"), mwd, {"units": "Degree true", "long_name": "Mean wave direction"}),
                "swh": (("time", "lat", "lon"), swh, {"units": "m"})},
               coords={"time": ("time", np.arange(steps) + 0.5, {"units": units, "calendar": "standard"}),
                       "lat": ("lat", [10.0, 20.0], {"units": "degrees_north"}),
                       "lon": ("lon", [0.0, 10.0, 20.0], {"units": "degrees_east"})}).to_netcdf(path)
    return mwd, swh


@pytest.mark.parametrize("which", [pytest.param("6-hourly", id="resample_command"),
                                   pytest.param("monthly", id="calendar_resample_command")])
def test_the_means_of_a_direction_are_its_circular_means(tmp_path, which):
    """fix52k: the xarray lines that average finer steps (6-hourly cells of hourly values, calendar months of
    daily ones) averaged a wave direction as numbers: 350° and 10° gave 180°. Run as printed, each new
    cell's ``mwd`` is now the circular mean by NumPy of the values it holds, atan2(Σ sin, Σ cos) (Fisher
    1993, eq. 2.9), in 0…360°, and ``swh`` its plain mean."""
    import os
    import subprocess

    import xarray as xr

    from climann.data.resampling import calendar_resample_command
    from tests.fresh_python import shell_path

    if which == "6-hourly":  # hourly values stamped at the half hours: 48 of them fill 8 cells of 6 hours
        mwd, swh = _directions_file(tmp_path / "w.nc", 48, "hours since 2001-01-01")
        command, groups = resample_command(tmp_path / "w.nc", 6), [slice(6 * k, 6 * k + 6) for k in range(8)]
    else:  # daily values of January and February 2001
        mwd, swh = _directions_file(tmp_path / "w.nc", 59, "days since 2001-01-01")
        command, groups = calendar_resample_command(tmp_path / "w.nc", "MS", "monthly"), [slice(0, 31), slice(31, 59)]
    subprocess.run(["bash", "-c", command], check=True, cwd=tmp_path, capture_output=True,
                   env={**os.environ, "PATH": shell_path()})
    (copy,) = [path for path in tmp_path.glob("*.nc") if path.name != "w.nc"]
    with xr.open_dataset(copy) as means:
        assert set(means.data_vars) - {"time_bnds"} == {"mwd", "swh"}
        held, swh_held = means["mwd"].values, means["swh"].values
        assert means["mwd"].attrs["units"] == "Degree true"
    radians = np.radians(mwd)
    expected = np.stack([np.degrees(np.arctan2(np.sin(radians[g]).sum(0), np.cos(radians[g]).sum(0))) % 360.0
                         for g in groups])
    np.testing.assert_allclose(swh_held, np.stack([swh[g].mean(0) for g in groups]), rtol=1e-9)
    off = np.abs((held - expected + 180.0) % 360.0 - 180.0)
    assert off.max() < 1e-6, off.max()
    assert held.min() >= 0.0 and held.max() < 360.0
