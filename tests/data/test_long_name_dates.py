"""A time axis in a unit alone whose long_name names the date it counts from
(climann/data/long_name_dates.py): the CAMS European air-quality ensemble writes ``time:units =
"hours"``, ``long_name = "ANALYSIS time from 20180101"`` (break39a F6: refused with no line).
The refusal gives the ncatted line (one file) or one loop (a folder of months, each from its own
first day); the lines are run with NCO and the copies read on the dates the long names name."""

from __future__ import annotations

import calendar
import re
import shutil
import subprocess

import cftime
import netCDF4
import numpy as np
import pytest
from typer.testing import CliRunner

from climann.cli import app
from climann.data.open import open_dataset
from tests.followed_twice import GUARD, without_guards

NCO = pytest.mark.skipif(shutil.which("ncatted") is None or shutil.which("ncks") is None, reason="needs NCO")


def _month_file(path, year, month, *, long_name=None):
    """One month of the CAMS Europe ensemble analysis as Météo-France writes it: float32 hours
    without a date, the date in the long_name; pm2p5 on (time, level, latitude, longitude)."""
    days = calendar.monthrange(year, month)[1]
    with netCDF4.Dataset(path, "w") as nc:
        for name, size in (("longitude", 4), ("latitude", 3), ("level", 1), ("time", days)):
            nc.createDimension(name, size)
        nc.createVariable("longitude", "f4", ("longitude",))[:] = [355.5, 356.5, 0.5, 1.5]
        nc["longitude"].units = "degrees_east"
        nc.createVariable("latitude", "f4", ("latitude",))[:] = [52.5, 51.5, 50.5]
        nc["latitude"].units = "degrees_north"
        nc.createVariable("level", "f4", ("level",))[:] = [0.0]
        nc["level"].units = "m"
        time = nc.createVariable("time", "f4", ("time",))
        time.long_name = long_name or f"ANALYSIS time from {year}{month:02d}01"
        time.units = "hours"
        time[:] = np.arange(days) * 24.0
        pm = nc.createVariable("pm2p5_conc", "f4", ("time", "level", "latitude", "longitude"), fill_value=-999.0)
        pm.units = "µg/m3"
        pm[:] = np.arange(days * 12, dtype=np.float32).reshape(days, 1, 3, 4) + month
    return path


def _days(year, month):
    return [cftime.DatetimeGregorian(year, month, day) for day in range(1, calendar.monthrange(year, month)[1] + 1)]


def test_one_file_is_refused_with_the_ncatted_line_of_the_long_names_date(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _month_file(tmp_path / "cams_201802.nc", 2018, 2)
    result = CliRunner().invoke(app, ["train", "--data", "cams_201802.nc", "--target", "pm2p5_conc"])
    assert result.exit_code == 2, result.output
    assert ("its long_name 'ANALYSIS time from 20180201' names 2018-02-01: climann took the date from the long_name "
            "and applies nothing by itself") in result.output
    assert ("`ncatted -a units,time,o,c,'hours since 2018-02-01 00:00:00' cams_201802.nc cams_201802_fixed.nc`"
            in " ".join(result.output.split()))


@NCO
def test_the_printed_ncatted_line_dates_the_file_as_its_long_name_says(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _month_file(tmp_path / "cams_201802.nc", 2018, 2)
    result = CliRunner().invoke(app, ["info", "cams_201802.nc"])
    command = re.search(r"`(ncatted [^`]*)`", " ".join(result.output.replace("#", " ").split()))[1]
    subprocess.run(["bash", "-c", command], check=True, cwd=tmp_path)
    opened = open_dataset([tmp_path / "cams_201802_fixed.nc"])
    assert list(opened["time"].values) == _days(2018, 2)


def test_a_folder_of_months_gets_one_loop_that_reads_each_files_date(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "camsreg").mkdir()
    for month in (1, 2, 3):
        _month_file(tmp_path / "camsreg" / f"cams_2018{month:02d}.nc", 2018, month)
    result = CliRunner().invoke(app, ["info", "camsreg"])
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert "the 3 files' long names name 3 dates (cams_201801.nc 2018-01-01, cams_201802.nc 2018-02-01 …)" in said
    assert without_guards(said).count("for f in") == 1 and "give 'camsreg/units_dated/*.nc' in place of the originals" in said


@NCO
def test_the_printed_loop_dates_every_month_from_its_own_long_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "camsreg").mkdir()
    for month in (1, 2, 3):
        _month_file(tmp_path / "camsreg" / f"cams_2018{month:02d}.nc", 2018, month)
    result = CliRunner().invoke(app, ["info", "camsreg"])
    loop = re.search(rf"`({GUARD}mkdir [^`]*done \))`", " ".join(result.output.split()))[1]
    subprocess.run(["bash", "-c", loop], check=True, cwd=tmp_path)
    opened = open_dataset(sorted((tmp_path / "camsreg" / "units_dated").glob("*.nc")))
    assert list(opened["time"].values) == _days(2018, 1) + _days(2018, 2) + _days(2018, 3)
    first_of_march = opened["pm2p5_conc"].sel(time=cftime.DatetimeGregorian(2018, 3, 1)).values.ravel()
    np.testing.assert_array_equal(first_of_march, np.arange(12) + 3)  # the file's first step, not another's


@NCO
def test_files_of_one_date_get_the_loop_of_that_date(tmp_path, monkeypatch):
    """Two members' files of one month (each from 20180101): one ncatted loop with the date written."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "members").mkdir()
    _month_file(tmp_path / "members" / "a.nc", 2018, 1)
    _month_file(tmp_path / "members" / "b.nc", 2018, 1)
    with netCDF4.Dataset(tmp_path / "members" / "b.nc", "a") as nc:
        nc.renameVariable("pm2p5_conc", "no2_conc")
    result = CliRunner().invoke(app, ["info", "members"])
    said = " ".join(result.output.split())
    loop = re.search(r"(mkdir -p \S+ && \( for f in .*?; done \))", said)[1]
    assert "ncatted -a units,time,o,c,'hours since 2018-01-01 00:00:00' \"$f\"" in loop
    subprocess.run(["bash", "-c", loop], check=True, cwd=tmp_path)
    opened = open_dataset(sorted((tmp_path / "members" / "units_dated").glob("*.nc")))
    assert list(opened["time"].values) == _days(2018, 1)


def _forecast_day_file(path, day: int):
    """One day of the old ADS CAMS Europe forecast (``ENS_FORECAST_pm10_YYYYMMDD.nc``): 24 hourly
    steps 0 … 23 "hours", long_name "FORECAST time from 202101DD"; every file's times the same numbers."""
    _month_file(path, 2021, 1, long_name=f"FORECAST time from 202101{day:02d}")
    with netCDF4.Dataset(path, "a") as nc:
        nc["time"][:] = np.arange(31, dtype="f4")  # hours 0 … 30 in each file: the same values everywhere
        nc["pm2p5_conc"][:] = np.full((31, 1, 3, 4), day, "f4")
    return path


@NCO
def test_daily_files_whose_times_are_the_same_hours_get_the_loop_of_their_own_dates(tmp_path, monkeypatch):
    """Three daily forecast files, each 'hours' from its own day (break49d A5): before, "neither has a
    time coordinate" with a file-name date written as a scalar 'time', which failed when run
    (ValueError: dimension 'time' already exists as a scalar variable). Now the loop of the
    folder of months: run as printed, each copy counts from its own long name's date."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cams").mkdir()
    for day in (1, 2, 3):
        _forecast_day_file(tmp_path / "cams" / f"ENS_FORECAST_pm10_202101{day:02d}.nc", day)
    result = CliRunner().invoke(app, ["info", "cams"])
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert "the 3 files' long names name 3 dates" in said
    loop = re.search(rf"`({GUARD}mkdir [^`]*done \))`", said)[1]
    subprocess.run(["bash", "-c", loop], check=True, cwd=tmp_path)
    for day in (1, 2, 3):
        opened = open_dataset([tmp_path / "cams" / "units_dated" / f"ENS_FORECAST_pm10_202101{day:02d}.nc"])
        assert opened["time"].values[0] == cftime.DatetimeGregorian(2021, 1, day)
        assert opened["time"].values[-1] == cftime.DatetimeGregorian(2021, 1, day + 1, 6)
