"""Dates stored as text: refused in one line that names the variable and gives a Python line that works."""

import datetime
import re

import cftime
import netCDF4
import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

from climann.cli import app
from climann.data.open import open_dataset
from climann.data.text_times import text_dates
from climann.data.variables import grid_layout
from climann.errors import ClimannError
from tests.conftest import draw_no_run_figures
from tests.fresh_python import run_python, shell_path

N_YEARS = 10


def _stamps(calendar: str, day: int) -> list:
    """Monthly dates on ``day`` of each month, over :data:`N_YEARS` years from 2000."""
    return [cftime.datetime(2000 + month // 12, month % 12 + 1, day, calendar=calendar) for month in range(12 * N_YEARS)]


def _write(path, *, layout: str, texts: list[str], time_attrs: dict | None = None):
    """A (time, lat, lon) file whose dates are text: ``layout="wrf"`` as WRF writes them,
    ``char Times(Time, DateStrLen)`` beside a ``Time`` dimension without coordinate; ``"strings"``
    a ``time`` coordinate of NetCDF-4 strings (with ``time_attrs``). tas = 280 + step + row."""
    dim = "Time" if layout == "wrf" else "time"
    with netCDF4.Dataset(path, "w") as nc:
        nc.createDimension(dim, len(texts))
        nc.createDimension("lat", 2)
        nc.createDimension("lon", 3)
        if layout == "wrf":
            width = len(texts[0])
            nc.createDimension("DateStrLen", width)
            times = nc.createVariable("Times", "S1", (dim, "DateStrLen"))
            times[:] = netCDF4.stringtochar(np.array(texts, f"S{width}"))
        else:
            times = nc.createVariable("time", str, (dim,))
            times.setncatts(time_attrs or {})
            times[:] = np.array(texts, dtype=object)
        lat = nc.createVariable("lat", "f8", ("lat",))
        lat.units, lat[:] = "degrees_north", [-10.0, 10.0]
        lon = nc.createVariable("lon", "f8", ("lon",))
        lon.units, lon[:] = "degrees_east", [0.0, 10.0, 20.0]
        tas = nc.createVariable("tas", "f4", (dim, "lat", "lon"))
        tas.units = "K"
        tas[:] = 280 + np.arange(len(texts))[:, None, None] + np.arange(2)[None, :, None] + np.zeros((1, 1, 3))
    return path


CASES = [
    pytest.param("wrf", "standard", 15, "{:%Y-%m-%d}_00:00:00", None, "Times", id="wrf-Times"),
    pytest.param("strings", "standard", 15, "{:%Y-%m-%d}", None, "time", id="iso-strings"),
    pytest.param("strings", "standard", 15, "{:%Y-%m-%d}", {"units": "days since 1970-01-01", "standard_name": "time"},
                 "time", id="iso-strings-given-units"),
    pytest.param("strings", "standard", 15, "{:%Y-%m-%d}T12:00", None, "time", id="iso-T-hours"),
    pytest.param("strings", "360_day", 30, "{:%Y-%m-%d}", None, "time", id="360-day-strings"),
]


def _refusal(tmp_path, monkeypatch, layout, calendar, day, pattern, attrs) -> tuple[str, list]:
    monkeypatch.chdir(tmp_path)
    dates = _stamps(calendar, day)
    texts = [pattern.replace("{:%Y-%m-%d}", f"{d.year:04d}-{d.month:02d}-{d.day:02d}") for d in dates]
    path = _write(tmp_path / "dated.nc", layout=layout, texts=texts, time_attrs=attrs)
    with pytest.raises(ClimannError) as error:
        grid_layout(open_dataset([path]), "tas", [str(path)])
    hour = 12 if "T12" in pattern else 0
    return str(error.value), [d.replace(hour=hour) for d in dates], texts


@pytest.mark.parametrize(("layout", "calendar", "day", "pattern", "attrs", "name"), CASES)
def test_text_dates_are_refused_in_one_line_naming_the_variable_and_the_text(
        tmp_path, monkeypatch, layout, calendar, day, pattern, attrs, name):
    message, _, texts = _refusal(tmp_path, monkeypatch, layout, calendar, day, pattern, attrs)
    assert "\n" not in message
    assert f"'{name}'" in message and "dated.nc" in message
    assert "text" in message and f"'{texts[0]}', '{texts[1]}', …, '{texts[-1]}'" in message
    assert "it has no units" not in message and "its units are" not in message  # units do not make text numbers
    assert f"calendar '{calendar}'" in message


@pytest.mark.parametrize(("layout", "calendar", "day", "pattern", "attrs", "name"), CASES)
def test_the_advised_python_line_writes_a_copy_read_with_the_same_dates(
        tmp_path, monkeypatch, layout, calendar, day, pattern, attrs, name):
    message, dates, _ = _refusal(tmp_path, monkeypatch, layout, calendar, day, pattern, attrs)
    code = re.findall(r"`([^`]*)`", message)[-1]
    assert "dated.nc" in code and "dated_fixed.nc" in code
    exec(code, {})  # noqa: S102 (the line the user is told to run)
    fixed = open_dataset([tmp_path / "dated_fixed.nc"])
    layout_read = grid_layout(fixed, "tas", [str(tmp_path / "dated_fixed.nc")])
    assert list(layout_read.time.values) == dates
    assert layout_read.calendar == calendar
    expected = 280 + np.arange(len(dates))[:, None, None] + np.array([0, 1])[None, :, None] + np.zeros((1, 1, 3))
    np.testing.assert_array_equal(fixed["tas"].values, expected)
    assert "Times" not in fixed.variables


def test_the_fixed_wrf_copy_trains(tmp_path, monkeypatch):
    message, dates, _ = _refusal(tmp_path, monkeypatch, "wrf", "standard", 15, "{:%Y-%m-%d}_00:00:00", None)
    draw_no_run_figures(monkeypatch)  # its predictions are read, not its figures
    exec(re.findall(r"`([^`]*)`", message)[-1], {})  # noqa: S102
    result = CliRunner().invoke(app, ["train", "--data", "dated_fixed.nc", "--target", "tas", "--out", "run",
                                      "--epochs", "1", "--hidden", "4", "--quiet"])
    assert result.exit_code == 0, result.output
    predictions = xr.open_dataset(tmp_path / "run" / "predictions.nc", decode_times=xr.coders.CFDatetimeCoder(use_cftime=True))
    assert set(predictions["Time"].values) <= set(dates) and predictions.sizes["Time"] > 0


def test_the_cli_refusal_is_one_line_with_exit_code_2(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / "wrfout.nc", layout="wrf", texts=["2000-01-15_00:00:00", "2000-02-15_00:00:00"])
    result = CliRunner().invoke(app, ["train", "--data", "wrfout.nc", "--target", "tas", "--out", "run"])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("climann: error: no time coordinate found in wrfout.nc")
    assert "stored as text in 'Times'" in lines[0]


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        pytest.param(["2000-01-15_00:00:00"], ("%Y-%m-%d_%H:%M:%S", "standard"), id="wrf"),
        pytest.param(["2000-01-15 06:30:00.25"], ("%Y-%m-%d %H:%M:%S.%f", "standard"), id="fraction"),
        pytest.param(["2000-02-29", "2000-03-01"], ("%Y-%m-%d", "standard"), id="leap-day"),
        pytest.param(["2001-02-29", "2001-02-30"], ("%Y-%m-%d", "360_day"), id="360-day"),
        pytest.param(["1582-10-10"], ("%Y-%m-%d", "360_day"), id="skipped-by-the-reform"),
        pytest.param(["WIEN", "GRAZ"], None, id="station-names"),
        pytest.param(["2000-01-15", "2000-02-15 00:00"], None, id="two-layouts"),
        pytest.param(["2001-13-01"], None, id="month-13"),
        pytest.param(["2001-01-31", "2001-02-31"], None, id="31-february"),
        # other layouts (fix37j): year first with slashes, the month's name, a day above 12 telling the order
        pytest.param(["2005/01/01", "2005/01/02"], ("%Y/%m/%d", "standard"), id="year-first-slashes"),
        pytest.param(["1-Jan-2005", "2-Jan-2005"], ("%d-%b-%Y", "standard"), id="day-month-name-year"),
        pytest.param(["15/01/2000", "16/01/2000"], ("%d/%m/%Y", "standard"), id="day-first-by-a-day-above-12"),
        pytest.param(["01/15/2000 00:30"], ("%m/%d/%Y %H:%M", "standard"), id="month-first-by-a-day-above-12"),
        pytest.param(["31.12.2000"], ("%d.%m.%Y", "standard"), id="day-first-with-dots"),
        pytest.param(["13/14/2000"], None, id="no-month-either-way"),
        pytest.param(["15/01/2000", "01/15/2000"], None, id="both-orders"),
        pytest.param(["1-Foo-2005"], None, id="no-month-name"),
        # ISO 8601's basic format, digits alone: FLUXNET's TIMESTAMP_START YYYYMMDDHHMM (break37b S1)
        pytest.param(["200501010030", "200501010100"], ("%Y%m%d%H%M", "standard"), id="fluxnet-compact"),
        pytest.param(["2005010100", "2005010101"], ("%Y%m%d%H", "standard"), id="compact-hours"),
        pytest.param(["20050101", "20050102"], ("%Y%m%d", "standard"), id="compact-days"),
        pytest.param(["20050101000000"], ("%Y%m%d%H%M%S", "standard"), id="compact-seconds"),
        pytest.param(["20010230"], ("%Y%m%d", "360_day"), id="compact-360-day"),
        pytest.param(["01646500", "01594440"], None, id="usgs-site-numbers"),
        pytest.param(["20050101", "200501010030"], None, id="two-compact-layouts"),
        pytest.param(["200501011230", "200501012430"], None, id="compact-hour-24"),
    ],
)
def test_text_dates_layout_and_calendar(texts, expected):
    found = text_dates(xr.DataArray(np.array(texts, dtype=object), dims="time", name="date"))
    assert (found and (found.format, found.calendar)) == expected


def test_numbers_are_no_text_dates():
    assert text_dates(xr.DataArray(np.arange(3.0), dims="time", name="time")) is None


#: Half-hourly FLUXNET stamps (TIMESTAMP_START, YYYYMMDDHHMM) across a new year.
FLUXNET_DATES = [cftime.datetime(2004, 12, 31, 23, 0, calendar="standard") + k * datetime.timedelta(minutes=30)
                 for k in range(6)]


def _fluxnet(path, *, coordinate: bool):
    """A FLUXNET-like site file, ``NEE(time)`` at a scalar lat/lon (NEE = step × 1.5), its stamps
    the text ``'200412312300'`` …: the time coordinate itself (``coordinate``), or a
    ``timestamp(time)`` beside a ``time`` dimension without coordinate variable."""
    texts = np.array([f"{d:%Y%m%d%H%M}" for d in FLUXNET_DATES], dtype=object)
    dataset = xr.Dataset({"NEE": ("time", 1.5 * np.arange(6, dtype="f4"), {"units": "umolCO2 m-2 s-1"})},
                         coords={"lat": ((), 50.96, {"units": "degrees_north"}),
                                 "lon": ((), 13.57, {"units": "degrees_east"})})
    if coordinate:
        dataset = dataset.assign_coords(time=("time", texts))
    else:
        dataset["timestamp"] = ("time", texts, {"long_name": "start of averaging period"})
    dataset.to_netcdf(path)
    return path


@pytest.mark.parametrize(("coordinate", "name"), [pytest.param(True, "time", id="time-coordinate"),
                                                  pytest.param(False, "timestamp", id="timestamp-beside-time")])
def test_fluxnet_compact_stamps_get_the_line_that_dates_them(tmp_path, monkeypatch, coordinate, name):
    """break37b S1: '200501010030' was 'text, not numbers' with no way out, and a text timestamp(time) was left
    out, info advising select = {time = 0}. The refusal names the text; its line, run as printed, dates the
    steps."""
    monkeypatch.chdir(tmp_path)
    path = _fluxnet(tmp_path / "FLX.nc", coordinate=coordinate)
    with pytest.raises(ClimannError) as error:
        grid_layout(open_dataset([path]), "NEE", [str(path)])
    message = str(error.value)
    assert f"'{name}'" in message and "'200412312300', '200412312330', …, '200501010130'" in message
    code = re.findall(r"`([^`]*)`", message)[-1]
    exec(code, {})  # noqa: S102 (the line the user is told to run)
    fixed = open_dataset([tmp_path / "FLX_fixed.nc"])
    assert list(grid_layout(fixed, "NEE", [str(tmp_path / "FLX_fixed.nc")]).time.values) == FLUXNET_DATES
    np.testing.assert_array_equal(fixed["NEE"].values.ravel(), 1.5 * np.arange(6))


@pytest.mark.parametrize(("coordinate", "said"), [
    pytest.param(False, "the dates of its 6 steps (dimension 'time') are stored as text in 'timestamp'",
                 id="timestamp-beside-time"),
    pytest.param(True, "time coordinate 'time' in FLX.nc could not be read as dates (it holds text)",
                 id="time-coordinate"),
])
def test_info_says_the_text_dates_the_steps_not_to_select_one(tmp_path, monkeypatch, coordinate, said):
    """break37b S1: info advised choosing one step with select = {time = 0}; of text stamps as the time
    coordinate, its last line said "it has no units"."""
    monkeypatch.chdir(tmp_path)
    _fluxnet(tmp_path / "FLX.nc", coordinate=coordinate)
    output = CliRunner().invoke(app, ["info", "FLX.nc"]).output
    assert said in " ".join(line.lstrip("# ").strip() for line in output.splitlines())
    assert "select = {time" not in output and "strptime(s.strip(), '%Y%m%d%H%M'" in output
    assert "it has no units" not in output


def _dated_by(path, times, attrs=None):
    """``tas(time, lat, lon)`` = 280 + step, its time coordinate ``times`` as given (text or numbers)."""
    xr.Dataset({"tas": (("time", "lat", "lon"), 280 + np.arange(len(times))[:, None, None] + np.zeros((1, 2, 3)),
                        {"units": "K"})},
               coords={"time": ("time", times, attrs or {}),
                       "lat": ("lat", [-10.0, 10.0], {"units": "degrees_north"}),
                       "lon": ("lon", [0.0, 10.0, 20.0], {"units": "degrees_east"})}).to_netcdf(path)
    return path


def _refused_lines(tmp_path, monkeypatch, times) -> list[str]:
    monkeypatch.chdir(tmp_path)
    path = _dated_by(tmp_path / "dated.nc", times)
    with pytest.raises(ClimannError) as error:
        grid_layout(open_dataset([path]), "tas", [str(path)])
    return re.findall(r"`([^`]*)`", str(error.value))


def _dates_of_the_copy(tmp_path, code) -> list:
    run_python("-c", code, check=True, capture_output=True)  # as printed, in a shell
    fixed = tmp_path / "dated_fixed.nc"
    return list(grid_layout(open_dataset([fixed]), "tas", [str(fixed)]).time.values)


DAYS = [cftime.datetime(2005, 1, 1, calendar="standard") + datetime.timedelta(days=k) for k in range(3)]
TWELVE_DAYS = [cftime.datetime(2005, 1, 1, calendar="standard") + datetime.timedelta(days=k) for k in range(12)]
MID_MONTH_DAYS = [cftime.datetime(2011, 1, 11, calendar="standard") + datetime.timedelta(days=k) for k in range(4)]
HALF_HOURS = [cftime.datetime(2005, 1, 1, 0, 30, calendar="standard") + datetime.timedelta(minutes=30 * k)
              for k in range(3)]


@pytest.mark.parametrize(("times", "expected"), [
    pytest.param([f"{d:%Y/%m/%d}" for d in DAYS], DAYS, id="year-first-slashes"),
    # AERONET's Date(dd:mm:yyyy) column kept as text by pandas (break44c A5: refused with no line)
    pytest.param([f"{d:%d:%m:%Y}" for d in MID_MONTH_DAYS], MID_MONTH_DAYS, id="aeronet-day-first-colons"),
    # 9-Jan before 10-Jan: not in order as text (pandas' StringDtype index crashed the sorting: fix37j)
    pytest.param([f"{d.day}-{d:%b}-{d.year}" for d in TWELVE_DAYS], TWELVE_DAYS, id="month-name"),
    pytest.param(np.array([int(f"{d:%Y%m%d%H%M}") for d in HALF_HOURS], "i8"), HALF_HOURS,
                 id="yyyymmddhhmm-integers"),
    pytest.param(np.array([float(f"{d:%Y%m%d}") for d in DAYS]), DAYS, id="yyyymmdd-doubles"),
    pytest.param(np.array([int(f"{d:%Y%m%d}") for d in DAYS], "i4"), DAYS, id="yyyymmdd-integers"),
])
def test_dates_in_other_layouts_get_a_line_that_dates_them_when_run_as_printed(tmp_path, monkeypatch, times,
                                                                               expected):
    """fix37j: '2005/01/01', '1-Jan-2005' and numbers 200501010030 or 20050101 without units were
    refused as "text, not numbers" or "no units" with no way out."""
    (code,) = _refused_lines(tmp_path, monkeypatch, times)
    assert _dates_of_the_copy(tmp_path, code) == expected


def test_day_and_month_in_an_order_no_day_tells_are_not_guessed(tmp_path, monkeypatch):
    """fix37j: '01/01/2005 00:30' … '01/01/2005 01:30': day/month/year or month/day/year alike. Both
    lines are given, each saying which order it reads; each run as printed gives its own dates."""
    times = ["01/01/2005 00:30", "02/01/2005 00:30", "03/01/2005 00:30"]
    monkeypatch.chdir(tmp_path)
    path = _dated_by(tmp_path / "dated.nc", times)
    with pytest.raises(ClimannError) as error:
        grid_layout(open_dataset([path]), "tas", [str(path)])
    message = str(error.value)
    assert "climann does not guess" in message and "if the day comes first" in message
    day_first, month_first = re.findall(r"`([^`]*)`", message)
    assert "'%d/%m/%Y %H:%M'" in day_first and "'%m/%d/%Y %H:%M'" in month_first
    assert _dates_of_the_copy(tmp_path, day_first) == [
        cftime.datetime(2005, 1, day, 0, 30, calendar="standard") for day in (1, 2, 3)]
    (tmp_path / "dated_fixed.nc").unlink()
    assert _dates_of_the_copy(tmp_path, month_first) == [
        cftime.datetime(2005, month, 1, 0, 30, calendar="standard") for month in (1, 2, 3)]


def _wrfout(path, start: datetime.date, n_steps: int, *, moving: bool = False, xtime: str | None = None):
    """A wrfout file without ``XTIME`` (as WRF V2-era or processed files): ``char Times(Time,
    DateStrLen)`` of ``n_steps`` days from ``start``, ``XLAT``/``XLONG(Time, south_north,
    west_east)`` repeated at every step (``moving``: shifted north 0.1° a step, a moving nest), and
    ``T2 = 270 + step + row`` (K); with ``XTIME(Time)`` in minutes since ``xtime`` (the run's start,
    ``YYYY-MM-DD``) when given."""
    texts = [f"{start + datetime.timedelta(days=step):%Y-%m-%d}_00:00:00" for step in range(n_steps)]
    with netCDF4.Dataset(path, "w") as nc:
        nc.createDimension("Time", None)
        nc.createDimension("DateStrLen", 19)
        nc.createDimension("south_north", 3)
        nc.createDimension("west_east", 4)
        times = nc.createVariable("Times", "S1", ("Time", "DateStrLen"))
        times[:] = netCDF4.stringtochar(np.array(texts, "S19"))
        rows, columns = np.meshgrid(np.arange(3.0), np.arange(4.0), indexing="ij")
        shift = 0.1 * np.arange(n_steps)[:, None, None] if moving else np.zeros((n_steps, 1, 1))
        for name, units, description, values in (
                ("XLAT", "degree_north", "LATITUDE, SOUTH IS NEGATIVE", 40 + rows + 0.1 * columns),
                ("XLONG", "degree_east", "LONGITUDE, WEST IS NEGATIVE", -100 + columns - 0.1 * rows)):
            variable = nc.createVariable(name, "f4", ("Time", "south_north", "west_east"))
            variable.units, variable.description = units, description
            variable[:] = np.broadcast_to(values[None] + (shift if name == "XLAT" else 0), (n_steps, 3, 4))
        t2 = nc.createVariable("T2", "f4", ("Time", "south_north", "west_east"))
        t2.units, t2.description = "K", "TEMP at 2 M"
        t2.coordinates = "XLONG XLAT" if xtime is None else "XLONG XLAT XTIME"
        t2[:] = 270 + np.arange(n_steps)[:, None, None] + rows[None]
        if xtime is not None:
            minutes = nc.createVariable("XTIME", "f4", ("Time",))
            minutes.units = minutes.description = f"minutes since {xtime} 00:00:00"
            minutes[:] = [(start - datetime.date.fromisoformat(xtime)).days * 1440 + 1440 * step
                          for step in range(n_steps)]
    return texts


def test_a_wrfout_latitude_repeated_along_time_without_xtime_is_one_grid_not_tiles(tmp_path, monkeypatch):
    """break38a A3: XLAT(Time, south_north, west_east) of a file dated only by ``Times`` was read
    as "a grid of 31 tiles … lat-lon-cap … --select Time=VALUE". The steps are dated (as text):
    the latitude repeated along them is the curvilinear grid of its first step."""
    monkeypatch.chdir(tmp_path)
    _wrfout(tmp_path / "wrfout_d01_2005-01-01_00:00:00", datetime.date(2005, 1, 1), 5)
    result = CliRunner().invoke(app, ["info", "wrfout_d01_2005-01-01_00:00:00"])
    assert "tiles" not in result.output and "lat-lon-cap" not in result.output
    assert "--select Time=" not in result.output
    assert "curvilinear grid" in result.output
    assert "latitude  'XLAT' (2-D, in the file): 40 to 42.3 degrees north" in result.output  # 40 + 2 + 0.3
    assert "stored as text in 'Times'" in result.output


def test_a_moving_nest_dated_only_by_times_is_refused_naming_the_step_it_moves(tmp_path):
    from climann.data.coords import fixed_in_time

    _wrfout(tmp_path / "wrfout_d02", datetime.date(2005, 1, 1), 3, moving=True)
    with xr.open_dataset(tmp_path / "wrfout_d02", decode_times=False) as dataset, \
            pytest.raises(ClimannError) as error:
        fixed_in_time(dataset, "wrfout_d02")
    message = str(error.value)
    assert "'XLAT' changes in time (at time step 1 counting from 0, 2005-01-02_00:00:00, by up to 0.1" in message
    assert "moving nest" in message


def test_a_folder_of_wrfout_files_dated_only_by_times_gets_the_loop_that_dates_each(tmp_path, monkeypatch):
    """break38a A3: of a folder of wrfout files without XTIME (31 and 28 steps), info said
    "neither has a time coordinate" and advised ncap2's scalar time ("a file's time is then one
    step"); followed, the files were refused for conflicting sizes. Now: the dates are in
    ``Times``, and one Python line writes a dated copy of each file; run here literally, the copies hold
    each step's date and the same values, and train."""
    import os
    import subprocess

    monkeypatch.chdir(tmp_path)
    (tmp_path / "wrf").mkdir()
    january = _wrfout(tmp_path / "wrf" / "wrfout_d01_2005-01-01_00:00:00", datetime.date(2005, 1, 1), 31)
    february = _wrfout(tmp_path / "wrf" / "wrfout_d01_2005-02-01_00:00:00", datetime.date(2005, 2, 1), 28)
    result = CliRunner().invoke(app, ["info", "wrf/wrfout*"])
    assert result.exit_code == 2
    message = result.output.strip().splitlines()[-1]
    assert "one step" not in message and "ncap2" not in message
    assert "stored as text in 'Times'" in message
    # a glob, not the files one by one; one Python process for them all (break50d A3)
    assert " wrf/with_dates wrf/wrfout_d01_2005-0*-01_00:00:00`" in message and "; done" not in message
    assert "then give 'wrf/with_dates/*' in place of the 2 files" in message  # info's paths (break44d A7)
    loop = next(part for part in message.split("`") if part.startswith("mkdir -p "))
    path = shell_path()  # the printed `python`
    subprocess.run(["bash", "-c", loop], check=True, capture_output=True, cwd=tmp_path, env={**os.environ, "PATH": path})
    for name, texts in (("wrfout_d01_2005-01-01_00:00:00", january), ("wrfout_d01_2005-02-01_00:00:00", february)):
        with xr.open_dataset(tmp_path / "wrf" / "with_dates" / name) as copy:
            expected = [np.datetime64(text.replace("_", "T")) for text in texts]
            assert list(copy["Time"].values) == expected
            np.testing.assert_array_equal(copy["T2"].values[:, :, 0],
                                          270 + np.arange(len(texts))[:, None] + np.arange(3.0)[None])
            assert "Times" not in copy.variables
    trained = CliRunner().invoke(app, ["info", "wrf/with_dates/*"])
    assert "Time 'Time': 2005-01-01 to 2005-02-28, daily, 59 steps" in trained.output, trained.output


def test_the_times_loop_on_a_run_whose_later_files_hold_xtime_writes_one_time_and_trains(tmp_path, monkeypatch):
    """break49c A2: 2017's wrfout files hold only ``Times``, 2018's also ``XTIME`` (minutes since the
    re-initialisation). The loop advised for the first ran on the glob of all, and wrote copies of
    2018's files holding two time coordinates (``Time`` and ``XTIME``), refused by train as "no time
    and horizontal coordinate values". Now each copy holds ``Time`` alone, from ``Times``: run here
    literally, the copies' dates are those of the text (numpy) and the run trains on them."""
    import os
    import subprocess

    monkeypatch.chdir(tmp_path)
    (tmp_path / "wrf").mkdir()
    texts = {}
    for start, n_steps, xtime in ((datetime.date(2017, 11, 1), 30, None), (datetime.date(2017, 12, 1), 31, None),
                                  (datetime.date(2018, 1, 1), 31, "2018-01-01"),
                                  (datetime.date(2018, 2, 1), 28, "2018-01-01")):
        name = f"wrfout_d01_{start:%Y-%m-%d}_00:00:00"
        texts[name] = _wrfout(tmp_path / "wrf" / name, start, n_steps, xtime=xtime)
    message = CliRunner().invoke(app, ["info", "wrf/wrfout*"]).output.strip().splitlines()[-1]
    assert "stored as text in 'Times'" in message
    loop = next(part for part in message.split("`") if part.startswith("mkdir -p "))
    subprocess.run(["bash", "-c", loop], check=True, capture_output=True, cwd=tmp_path,
                   env={**os.environ, "PATH": shell_path()})
    for name, stamps in texts.items():
        with xr.open_dataset(tmp_path / "wrf" / "with_dates" / name) as copy:
            assert "XTIME" not in copy.variables and "XTIME" not in copy["T2"].encoding.get("coordinates", "")
            np.testing.assert_array_equal(copy["Time"].values,
                                          np.array([text.replace("_", "T") for text in stamps], "datetime64[ns]"))
    draw_no_run_figures(monkeypatch)  # its predictions are read, not its figures
    result = CliRunner().invoke(app, ["train", "--data", "wrf/with_dates/*", "--target", "T2", "--epochs", "1",
                                      "--out", "run"])
    assert result.exit_code == 0, result.output
    with xr.open_dataset(tmp_path / "run" / "predictions.nc") as predictions:
        every = np.concatenate([np.array([t.replace("_", "T") for t in stamps], "datetime64[ns]")
                                for stamps in texts.values()])
        np.testing.assert_array_equal(predictions["Time"].values, every)  # 2018 in 2018, not 2017


def test_a_wrfout_with_time_and_xtime_is_told_as_two_times_on_a_2d_grid_with_lines_that_keep_one(tmp_path,
                                                                                                monkeypatch):
    """break49c A2: a wrfout copy holding ``Time`` (from ``Times``) and ``XTIME`` on one dimension: info
    called XLAT/XLONG(Time, …) "a lat-lon-cap grid of 31 tiles", said the times were told "each by its
    CF standard_name" (neither has one), and both ``ncks -v`` lines kept both times. Now: the 2-D grid,
    and each line, run literally, writes a copy with one time, the dates of the text."""
    import subprocess

    monkeypatch.chdir(tmp_path)
    texts = _wrfout(tmp_path / "raw", datetime.date(2018, 1, 1), 5, xtime="2018-01-01")
    with xr.open_dataset(tmp_path / "raw", decode_times=False) as raw:
        raw.assign_coords(Time=("Time", np.arange(5.0) * 24, {"units": "hours since 2018-01-01"})).drop_vars(
            "Times").to_netcdf(tmp_path / "wrfout_d01_2018-01-01")
    output = CliRunner().invoke(app, ["info", "wrfout_d01_2018-01-01"]).output
    assert "tiles" not in output and "curvilinear grid" in output
    assert "latitude  'XLAT' (2-D, in the file): 40 to 42.3 degrees north" in output
    flat = " ".join(line.lstrip("#").strip() for line in output.splitlines())
    assert "several coordinates look like time (Time, XTIME), each by its name or values (no CF standard_name)" \
        in flat
    lines = [part for part in flat.split("`") if " && ncks " in part]  # guard, mkdir, ncks (fix56a)
    assert len(lines) == 2
    expected = np.array([text.replace("_", "T") for text in texts], "datetime64[ns]")
    for line, kept, dropped in zip(lines, ("Time", "XTIME"), ("XTIME", "Time")):
        subprocess.run(line, shell=True, check=True, cwd=tmp_path)
        with xr.open_dataset(tmp_path / line.split()[-1]) as copy:
            assert dropped not in copy.variables
            np.testing.assert_array_equal(copy[kept].values, expected)
        opened = open_dataset([tmp_path / line.split()[-1]])
        np.testing.assert_array_equal(opened["T2"].values[:, 0, 0], 270 + np.arange(5.0))
    assert sorted(path.name for path in tmp_path.iterdir()) == ["raw", "with_Time", "with_XTIME", "wrfout_d01_2018-01-01"]


@pytest.mark.parametrize("zone", [pytest.param("Z", id="Z"), pytest.param("+00:00", id="plus-zero")])
def test_iso_times_marked_utc_get_the_python_line_that_reads_them(tmp_path, zone, monkeypatch):
    """break41b B9: '2000-01-15T00:00:00Z' was refused with no line, the same text without Z given one."""

    from climann.data.text_times import conversion_code

    texts = [f"2000-{month:02d}-15T06:00:00{zone}" for month in range(1, 13)]
    path = tmp_path / "strtime.nc"
    xr.Dataset({"tas": ("time", np.arange(12.0))}, coords={"time": ("time", np.array(texts, dtype=object))}
               ).to_netcdf(path)
    monkeypatch.chdir(tmp_path)
    dates = text_dates(xr.open_dataset(path, decode_times=False)["time"])
    assert dates is not None and dates.format == f"%Y-%m-%dT%H:%M:%S{zone}"
    run_python("-c", conversion_code(dates, path), check=True, cwd=tmp_path)
    written = xr.open_dataset(tmp_path / "strtime_fixed.nc", use_cftime=True)["time"].values
    assert list(written) == [cftime.datetime(2000, month, 15, 6, calendar="standard") for month in range(1, 13)]


def test_text_in_a_layout_not_read_gets_the_line_with_its_format_left_to_fill(tmp_path, monkeypatch):
    """break44c A5: text dates climann reads in no layout ('11:01:05', a two-digit year) were refused
    with "CF expects numbers …" and no line, while info said "see Time above for the way out". The
    line is given with FORMAT for the user's strptime codes; filled in and run as printed, it dates
    the steps."""
    days = MID_MONTH_DAYS[:3]
    (code,) = _refused_lines(tmp_path, monkeypatch, [f"{d:%d:%m:%y}" for d in days])
    assert "'FORMAT'" in code
    assert _dates_of_the_copy(tmp_path, code.replace("'FORMAT'", "'%d:%m:%y'")) == days
