"""Time axes that hold dates in other forms than a count since a date: the old IMS files' YYYYDDD (ISO 8601's
ordinal dates, climann/data/text_times.py) and GIMMS NDVI3g v1's month numbers of the year in a global ``Year``
(climann/data/year_attribute_months.py). climann advised "units = 'days since 1970-01-01'": followed, IMS was dated
7485-02-11 … 7486-11-29 and GIMMS 1970-01-02 … (break47b A3)."""

from __future__ import annotations

import datetime
import re
import subprocess
import sys
from pathlib import Path

import netCDF4
import numpy as np
import xarray as xr
from typer.testing import CliRunner

from climann.cli import app
from climann.data.open import open_dataset
from climann.data.text_times import digit_dates, text_dates

#: IMS days across a new year (2014-12-30, 2014-12-31, 2015-01-01, 2015-01-02).
_IMS_DAYS = (2014364, 2014365, 2015001, 2015002)


def _ims_day(path, value, units=None):
    with netCDF4.Dataset(path, "w") as nc:
        nc.createDimension("time", 1)
        nc.createDimension("lat", 3)
        nc.createDimension("lon", 4)
        time = nc.createVariable("time", "i4", ("time",))
        time.long_name = "Julian date of the analysis, YYYYDDD"
        if units:
            time.units = units
        time[:] = value
        nc.createVariable("lat", "f8", ("lat",))[:] = [60.0, 61.0, 62.0]
        nc["lat"].units = "degrees_north"
        nc.createVariable("lon", "f8", ("lon",))[:] = [10.0, 11.0, 12.0, 13.0]
        nc["lon"].units = "degrees_east"
        nc.createVariable("snow", "f4", ("time", "lat", "lon"))[:] = np.random.default_rng(value).random((1, 3, 4))
    return path


def _command(output):
    return re.search(r"`(mkdir[^`]*)`", " ".join(output.split())).group(1)


def _run(command, folder):
    environment = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin"}
    subprocess.run(["bash", "-c", command], cwd=folder, check=True, capture_output=True, env=environment)


def test_yyyyddd_stamps_without_units_are_refused_with_the_loop_that_dates_them(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ims").mkdir()
    for value in _IMS_DAYS:
        _ims_day(tmp_path / "ims" / f"ims{value}_24km.nc", value)
    result = CliRunner().invoke(app, ["info", "ims/*.nc"])
    assert result.exit_code == 2
    line = result.output.strip().splitlines()[-1]
    assert "days since 1970-01-01" not in result.output and "YYYYDDD, year and day of the year" in line
    _run(_command(line), tmp_path)
    dated = open_dataset(sorted((tmp_path / "ims" / "with_dates").glob("*.nc")))
    expected = [datetime.date(value // 1000, 1, 1) + datetime.timedelta(days=value % 1000 - 1) for value in _IMS_DAYS]
    assert [(t.year, t.month, t.day) for t in dated["time"].values] == [(d.year, d.month, d.day) for d in expected]


def test_yyyyddd_stamps_given_days_since_1970_are_refused_not_dated_in_7485(tmp_path):
    path = _ims_day(tmp_path / "ims2014354.nc", 2014354, units="days since 1970-01-01")
    result = CliRunner().invoke(app, ["info", str(path)])
    assert result.exit_code == 2
    year = (np.datetime64("1970-01-01") + np.timedelta64(2014354, "D")).astype("datetime64[Y]").astype(int) + 1970
    assert year == 7485
    assert f"has units 'days since 1970-01-01', which date its values ('2014354') in the year {year}" in \
        " ".join(result.output.split())
    assert "'%Y%j'" in result.output


def test_seven_digits_are_ordinal_dates_only_where_they_can_be():
    """A Julian Day Number of a modern date has 7 digits too (JD 2456001 is 2012-03-22): without words saying
    YYYYDDD, a year from 2300 on is none; a data variable's seven digits (a count) are never dates."""
    jd = xr.DataArray(np.arange(2456001, 2456011), dims="time", name="time")
    assert text_dates(jd) is None
    said = jd.assign_attrs(long_name="date (YYYYDDD)")
    assert text_dates(said) is not None and text_dates(said).format == "%Y%j"
    early = xr.DataArray(np.array([1999365, 2000001, 2000366]), dims="time", name="time")
    assert text_dates(early).format == "%Y%j"
    assert text_dates(xr.DataArray(np.array([1999365, 1999366]), dims="time", name="time")) is None  # 1999: 365 days
    assert digit_dates(xr.DataArray(np.array([[2014354, 2014355]]), dims=("time", "x"), name="count")) is None


def _gimms(path, year, first):
    with netCDF4.Dataset(path, "w") as nc:
        nc.createDimension("time", 12)
        nc.createDimension("lat", 2)
        nc.createDimension("lon", 3)
        nc.createVariable("time", "f8", ("time",))[:] = np.arange(first, first + 6, 0.5)
        nc.createVariable("lat", "f8", ("lat",))[:] = [44.0, 43.0]
        nc["lat"].units = "degrees_north"
        nc.createVariable("lon", "f8", ("lon",))[:] = [10.0, 11.0, 12.0]
        nc["lon"].units = "degrees_east"
        nc.createVariable("ndvi", "f4", ("time", "lat", "lon"))[:] = np.random.default_rng(year).random((12, 2, 3))
        nc.Year = str(year)
    return path


def test_month_numbers_with_a_year_attribute_are_dated_by_the_printed_loop(tmp_path, monkeypatch):
    """GIMMS NDVI3g v1: time 1, 1.5, …, 6.5 (no units) in each half-year's file, the year in the global Year."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "gimms").mkdir()
    for year in (1982, 1983):
        for half, first in (("0106", 1), ("0712", 7)):
            _gimms(tmp_path / "gimms" / f"ndvi3g_geo_v1_{year}_{half}.nc4", year, first)
    result = CliRunner().invoke(app, ["info", "gimms/*.nc4"])
    assert result.exit_code == 2
    line = result.output.strip().splitlines()[-1]
    assert "global attribute Year = 1982" in line and "not a count since a date" in line
    assert "CF expects units = 'days since 1970-01-01'" not in line
    _run(_command(line), tmp_path)
    dated = open_dataset(sorted((tmp_path / "gimms" / "with_dates").glob("*.nc4")))
    expected = [(year, month, day) for year in (1982, 1983) for month in range(1, 13) for day in (1, 16)]
    assert [(t.year, t.month, t.day) for t in dated["time"].values] == expected
    one = CliRunner().invoke(app, ["info", "gimms/ndvi3g_geo_v1_1982_0106.nc4"])
    assert one.exit_code == 2 and "global attribute Year = 1982" in " ".join(one.output.split())


def test_month_numbers_without_a_year_attribute_are_not_given_one(tmp_path):
    path = _gimms(tmp_path / "a.nc4", 1982, 1)
    with netCDF4.Dataset(path, "a") as nc:
        nc.delncattr("Year")
    result = CliRunner().invoke(app, ["info", str(path)])
    assert result.exit_code == 2 and "global attribute Year" not in result.output
