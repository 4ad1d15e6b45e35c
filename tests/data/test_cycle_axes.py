"""Time axes that count the steps of a cycle, not dates (climann/data/cycle_axes.py), and a count of
months since a date said in words (climann/data/long_name_dates.py): the LIS/OTD lightning
climatologies' ``Month`` 1 … 12, ``Day_of_year`` 1 … 365 and LRMTS's ``Month_since_Jan_95``, all
without units. climann advised "units = 'days since 1970-01-01'"; followed, the 12 months were the
days 1970-01-02 … 1970-01-13 and a run trained on them (break43b A1)."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import netCDF4
import numpy as np
import pytest
from typer.testing import CliRunner

from climann.cli import app
from climann.data.coords import time_coordinate
from climann.data.cycle_axes import cycle_axis
from climann.data.open import open_dataset
from tests.followed_twice import assert_left_as_it_is

CDO_NCO = pytest.mark.skipif(shutil.which("ncatted") is None or shutil.which("cdo") is None, reason="needs NCO, CDO")


def _lightning_file(path, axis, values, *, long_name=None, units=None, variable="flash", extra=None):
    """A LIS/OTD-like 2.5° x 5° flash-rate file on ``axis`` (``Month``, ``Day_of_year``, …) as the
    product writes it: a short integer axis without units; ``extra`` a second variable (a
    temperature a user added)."""
    lat, lon = np.arange(-87.5, 90, 5.0), np.arange(-177.5, 180, 10.0)
    rng = np.random.default_rng(len(values))
    with netCDF4.Dataset(path, "w") as nc:
        for name, size in (("Longitude", lon.size), ("Latitude", lat.size), (axis, len(values))):
            nc.createDimension(name, size)
        nc.createVariable("Longitude", "f4", ("Longitude",))[:] = lon
        nc["Longitude"].units = "degrees_east"
        nc.createVariable("Latitude", "f4", ("Latitude",))[:] = lat
        nc["Latitude"].units = "degrees_north"
        time = nc.createVariable(axis, "i2", (axis,))
        time[:] = values
        if long_name:
            time.long_name = long_name
        if units:
            time.units = units
        for name in (variable, *([extra] if extra else [])):
            field = nc.createVariable(name, "f4", (axis, "Latitude", "Longitude"))
            field.units = "K" if name == extra else "fl km-2 yr-1"
            field[:] = rng.gamma(2.0, 1.0, (len(values), lat.size, lon.size))
    return path


def _train(tmp_path, *data, target="flash"):
    arguments = ["train", *(word for path in data for word in ("--data", path)), "--target", target, "--out", "run"]
    return CliRunner().invoke(app, arguments)


@pytest.mark.parametrize(("axis", "values", "long_name", "step"), [
    pytest.param("Month", np.arange(1, 13), "Month", "month of the year", id="hrmc-month"),
    pytest.param("Day_of_year", np.arange(1, 366), "Day of year", "day of the year", id="lrfc-day-of-year"),
    pytest.param("t", np.arange(0, 24), "hour of day", "hour of the day", id="diurnal-cycle-by-long-name"),
    pytest.param("month", np.array([6, 7, 8]), None, "month of the year", id="jja-months"),
])
def test_a_cycles_axis_without_units_is_refused_as_a_climatology_never_told_days_since(
        tmp_path, monkeypatch, axis, values, long_name, step):
    monkeypatch.chdir(tmp_path)
    _lightning_file(tmp_path / "clim.nc", axis, values, long_name=long_name)
    info = CliRunner().invoke(app, ["info", "clim.nc"])
    result = _train(tmp_path, "clim.nc")
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"climann: error: time coordinate '{axis}' in clim.nc could not "
                                                   "be read as dates: it has no units, and its ")
    assert f"say each step is a {step}: the axis of a climatology" in lines[0]
    assert "no years to split" in lines[0] and "give the series it was computed from" in lines[0]
    for output in (result.output, info.output):
        assert "days since 1970-01-01" not in output  # the advice that dated 12 months as 12 days of 1970
    assert f"say each step is a {step}" in " ".join(info.output.replace("#", " ").split())
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("files", [pytest.param(("units_hrmc.nc",), id="alone"),
                                   pytest.param(("units_hrmc.nc", "units_t2m.nc"), id="two-files")])
def test_months_given_days_since_1970_are_refused_in_one_line(tmp_path, monkeypatch, files):
    """The old advice followed literally: ``ncatted -a units,Month,o,c,'days since 1970-01-01'`` (break43b's
    repro_A1: training went on, every season January, persistence one day apart)."""
    monkeypatch.chdir(tmp_path)
    for name in files:
        _lightning_file(tmp_path / name, "Month", np.arange(1, 13), long_name="Month", units="days since 1970-01-01",
                        variable="flash" if "hrmc" in name else "t2m")
    result = _train(tmp_path, *files)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        "climann: error: units_hrmc.nc: time 'Month' has units 'days since 1970-01-01', but its name 'Month' and its "
        "values 1 … 12 say each step is a month of the year")
    assert "these units read its 12 months as 12 steps of one day each" in lines[0]
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize(("axis", "values", "units", "first", "last"), [
    pytest.param("month", np.arange(1, 25), "months since 2000-01-01", (2000, 2), (2002, 1), id="months-since"),
    pytest.param("doy", np.arange(1, 366), "days since 2002-12-31", (2003, 1, 1), (2003, 12, 31), id="a-year-of-days"),
])
def test_a_cycles_name_in_its_own_unit_since_a_date_is_a_series(tmp_path, axis, values, units, first, last):
    """Units of the cycle's own step may count a series (``doy`` 1 … 365 as days since 2002-12-31 is the year
    2003): read as dated, not refused."""
    path = _lightning_file(tmp_path / "series.nc", axis, values, units=units)
    with netCDF4.Dataset(path, "a") as nc:
        nc[axis].calendar = "360_day" if units.startswith("months") else "standard"
    opened = open_dataset([path])
    dates = opened[time_coordinate(opened)].values
    assert (dates[0].year, dates[0].month, *([dates[0].day] if len(first) == 3 else [])) == first
    assert (dates[-1].year, dates[-1].month, *([dates[-1].day] if len(last) == 3 else [])) == last


@pytest.mark.parametrize(("name", "attrs", "values", "step"), [
    pytest.param("Month", {}, np.arange(1, 13), "month of the year", id="month"),
    pytest.param("MONTH_OF_YEAR", {}, np.arange(1, 13), "month of the year", id="month-of-year"),
    pytest.param("time", {"long_name": "calendar month"}, np.arange(1, 13.0), "month of the year", id="long-name"),
    pytest.param("doy", {}, np.arange(1, 367), "day of the year", id="leap-year-of-days"),
    pytest.param("time", {}, np.arange(1, 13), None, id="values-alone-say-nothing"),
    pytest.param("forecastMonth", {}, np.arange(1, 7), None, id="a-lead-month"),
    pytest.param("Month_since_Jan_95", {}, np.arange(0, 120), None, id="months-since-a-date"),
    pytest.param("Month", {}, np.arange(1, 14), None, id="beyond-twelve"),
    pytest.param("Month", {}, np.array([1, 3, 2]), None, id="not-increasing"),
    pytest.param("Month", {}, np.array([1.0, 1.5]), None, id="not-whole"),
])
def test_a_cycle_is_read_from_the_name_and_the_values_together(name, attrs, values, step):
    found = cycle_axis(name, attrs, values)
    assert (found[0].step if found else None) == step


def _months(first_year, first_month, count):
    """(year, month) of ``count`` consecutive months, by hand."""
    numbers = first_year * 12 + first_month - 1 + np.arange(count)
    return [(int(number // 12), int(number % 12 + 1)) for number in numbers]


@CDO_NCO
def test_months_since_a_date_in_words_get_months_since_it_and_the_cdo_line_that_dates_them(tmp_path, monkeypatch):
    """LRMTS: ``Month_since_Jan_95`` = 0 … 119, "Months since January 1995", no units: the advice gives
    'months since 1995-01-01' and CDO's setreftime (never days since 1970); run as printed, the copy holds
    January 1995 … December 2004, one step a month, the values in place."""
    monkeypatch.chdir(tmp_path)
    _lightning_file(tmp_path / "lrmts.nc", "Month_since_Jan_95", np.arange(120), long_name="Months since January 1995",
                    extra="T2M")
    result = _train(tmp_path, "lrmts.nc", target="T2M")
    assert result.exit_code == 2, result.output
    message = " ".join(result.output.split())
    assert "days since 1970" not in message
    assert ("its long_name 'Months since January 1995' says it counts months since 1995-01-01 (0 … 119): climann took "
            "the date from the long_name and applies nothing by itself: check that the first value, 0, is January "
            "1995") in message
    command = re.search(r"`((?:\{ \[ ! -e .*?; \}; \} && )*ncatted .*? && rm \S+)`", message).group(1)
    assert "'months since 1995-01-01 00:00:00'" in command and "cdo -setreftime,1995-01-01,00:00:00,days" in command
    subprocess.run(command, shell=True, check=True, cwd=tmp_path, capture_output=True)
    copy = re.search(r"then give (\S+) in place of lrmts\.nc", message).group(1)
    assert sorted(path.name for path in tmp_path.glob("*.nc")) == sorted(["lrmts.nc", copy])
    opened = open_dataset([tmp_path / copy])
    dates = opened[time_coordinate(opened)].values
    assert [(date.year, date.month, date.day, date.hour) for date in dates] == [
        (year, month, 1, 0) for year, month in _months(1995, 1, 120)]
    with netCDF4.Dataset(tmp_path / "lrmts.nc") as nc:
        np.testing.assert_array_equal(opened["T2M"].values, nc["T2M"][:])
    # fix51j: followed again, cdo wrote over the dated copy there (and a file at the counted name was removed by rm
    # after ncatted's "overwrite?" answered n); now the line stops first, both kept
    opened.close()
    run = lambda: subprocess.run(command, shell=True, cwd=tmp_path, capture_output=True, text=True, input="n\n")  # noqa: E731
    assert_left_as_it_is(tmp_path / copy, run, tmp_path / "lrmts.nc")
    counted = re.search(r"&& rm (\S+)", command).group(1)
    (tmp_path / copy).unlink()
    assert_left_as_it_is(tmp_path / counted, run, tmp_path / "lrmts.nc")
    assert not (tmp_path / copy).exists()


def test_months_since_a_date_in_words_and_a_name_alone(tmp_path):
    """The date in the name when the long name says none (``Months_since_1995-01``), and days since a date in
    words: the ncatted line alone."""
    import xarray as xr

    from climann.data.long_name_dates import counted_since_problem

    path = _lightning_file(tmp_path / "a.nc", "Months_since_1995-03", np.arange(3))
    with xr.open_dataset(path, decode_times=False) as opened:
        problem = counted_since_problem(opened["Months_since_1995-03"], path)
    assert "its name 'Months_since_1995-03' says it counts months since 1995-03-01 (0 … 2)" in problem
    assert "first value, 0, is March 1995" in problem
    path = _lightning_file(tmp_path / "b.nc", "t", np.arange(3) + 1, long_name="days since 3 March 2001")
    with xr.open_dataset(path, decode_times=False) as opened:
        problem = counted_since_problem(opened["t"], path)
    assert "first value, 1, is 2001-03-04, then set the units: `ncatted -a units,t,o,c,'days since 2001-03-03 " in problem
    assert "cdo" not in problem
    assert [Path(word).name for word in shlex.split(re.search(r"`(.*)`", problem).group(1))[-2:]] == [
        "b.nc", "b_fixed.nc"]
