"""Monthly means stamped at the end of each month without time bounds (ICON's raw output: the January
mean at 1 February 00:00), read as the months they close when the file states its time coverage
(climann/data/coverage_cells.py), else read as the months they open with a warning whose cdo line
bounds them by the month ending at each stamp (climann/data/step_periods.py; break43b A6: seasons one
month late, the last December a test block of its own). The scores per season are checked against
numpy on the axis shifted by hand."""

from __future__ import annotations

import json
import logging
import re
import shutil
import subprocess

import cftime
import netCDF4
import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

from climann.cli import app
from climann.data.coverage_cells import covered_cells
from climann.data.notes import forget_notes
from tests.followed_twice import GUARD, without_guards

CDO = pytest.mark.skipif(shutil.which("cdo") is None, reason="needs CDO")

LAT = np.arange(-75.0, 90.0, 30.0)
LON = np.arange(15.0, 360.0, 30.0)
YEARS = (2000, 2001, 2002)


def _end_stamps():
    """CDO's absolute stamps (YYYYMMDD) of 36 monthly means, each on the 1st of the month after its own."""
    numbers = YEARS[0] * 12 + np.arange(12 * len(YEARS)) + 1
    return numbers // 12 * 10000 + (numbers % 12 + 1) * 100 + 1.0


def _icon_like(path, **attrs):
    """ICON's monthly output as CDO writes it after a remap: ``day as %Y%m%d.%f``, ``time: mean``, the mean
    of each month stamped at the start of the next; ``attrs`` more global attributes."""
    rng = np.random.default_rng(7)
    months = np.arange(12 * len(YEARS)) % 12
    seasonal = 12 * np.cos(2 * np.pi * (months[:, None, None] - 0.5) / 12) * np.sin(np.radians(LAT))[None, :, None]
    tas = 290 - 30 * np.sin(np.radians(LAT))[None, :, None] ** 2 - seasonal + rng.normal(0, 1, (months.size, 6, 12))
    with netCDF4.Dataset(path, "w") as nc:
        nc.createDimension("time", None)
        nc.createDimension("lat", LAT.size)
        nc.createDimension("lon", LON.size)
        time = nc.createVariable("time", "f8", ("time",))
        time.standard_name, time.units, time.calendar, time.axis = "time", "day as %Y%m%d.%f", "proleptic_gregorian", "T"
        time[:] = _end_stamps()
        for name, values, units in (("lat", LAT, "degrees_north"), ("lon", LON, "degrees_east")):
            nc.createVariable(name, "f8", (name,))[:] = values
            nc[name].units = units
        for name, offset in (("tas", 0.0), ("ps", 1e5)):
            variable = nc.createVariable(name, "f4", ("time", "lat", "lon"))
            variable.units, variable.cell_methods = ("K" if name == "tas" else "Pa"), "time: mean"
            variable[:] = tas + offset if name == "tas" else offset + 50 * rng.normal(size=tas.shape)
        nc.title, nc.source, nc.CDI = "ICON simulation", "git@gitlab.dkrz.de:icon/icon.git", "Climate Data Interface"
        for key, value in attrs.items():
            nc.setncattr(key, value)
    return path


def _train(folder, data, out):
    result = CliRunner().invoke(app, ["train", "--data", data, "--target", "tas", "--epochs", "1", "--hidden", "4",
                                      "--out", out, "--set", "evaluation.figures=false"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads((folder / out / "metrics.json").read_text())


def _numpy_season_scores(path):
    """The test block's (2002) climatology MSE per season, area-weighted (Δsin of the latitude bands), with
    each value the month ending at its stamp and the climatology the training year's (2000) month."""
    with netCDF4.Dataset(path) as nc:
        values = np.asarray(nc["tas"][:], dtype=np.float64)
    number = (_end_stamps() // 10000).astype(int) * 12 + (_end_stamps() // 100 % 100).astype(int) - 2
    year, month = number // 12, number % 12 + 1
    edges = np.concatenate([[-90.0], (LAT[1:] + LAT[:-1]) / 2, [90.0]])
    weights = np.abs(np.diff(np.sin(np.radians(edges))))[:, None] * np.ones(LON.size)
    climatology = {m: values[(year == 2000) & (month == m)][0] for m in range(1, 13)}
    scores = {}
    for season, months in (("DJF", (12, 1, 2)), ("MAM", (3, 4, 5)), ("JJA", (6, 7, 8)), ("SON", (9, 10, 11))):
        steps = np.flatnonzero((year == 2002) & np.isin(month, months))
        errors = np.array([(values[step] - climatology[month[step]]) ** 2 for step in steps])
        scores[season] = float((errors * weights).sum() / (weights.sum() * len(steps)))
    return scores


def _start_warnings(caplog):
    return [record.getMessage() for record in caplog.records if "stamped at the start of each month" in
            record.getMessage()]


@CDO
def test_the_warning_gives_the_cdo_line_and_it_dates_each_mean_by_the_month_it_closes(tmp_path, monkeypatch, caplog):
    monkeypatch.chdir(tmp_path)
    _icon_like(tmp_path / "icon.nc")
    forget_notes()
    with caplog.at_level(logging.INFO):
        before = _train(tmp_path, "icon.nc", "run")
    (warned,) = [record.getMessage() for record in caplog.records
                 if record.levelno == logging.WARNING and "stamped at the start of each month" in record.getMessage()]
    # one short line (break47a: 900 characters on every ISIMIP run); the line that writes the bounds in train.log
    assert warned.endswith("(CESM history files, ECHAM and ICON raw output) needs time_bnds (the line that writes "
                           "them: climann info on the files, train.log)") and len(warned) < 400
    (told,) = [record.getMessage() for record in caplog.records
               if record.levelno == logging.INFO and "stamped at the start of each month:" in record.getMessage()]
    assert told.startswith("'time' stamped at the start of each month: if each value is of the month ending at")
    command = re.search(rf"`({GUARD}mkdir -p with_bounds && cdo [^`]*)`", told).group(1)
    assert without_guards(command) == "mkdir -p with_bounds && cdo -settbounds,month -shifttime,-1day icon.nc with_bounds/icon.nc"
    assert "then give --data with_bounds/icon.nc in place of it" in told
    assert told in (tmp_path / "run" / "train.log").read_text()
    assert before["split_periods"]["test"] == "2003-01"  # read as the months they open: December 2002 as 2003-01
    subprocess.run(command, shell=True, check=True, cwd=tmp_path, capture_output=True)
    forget_notes()
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        after = _train(tmp_path, "with_bounds/icon.nc", "run_bounds")
    assert not _start_warnings(caplog)
    assert after["split_periods"] == {"train": "2000", "val": "2001", "test": "2002"}
    expected = _numpy_season_scores(tmp_path / "icon.nc")
    for season, mse in expected.items():
        assert after["seasons"]["test"][season]["climatology"]["mse"] == pytest.approx(mse, rel=1e-9)


@pytest.mark.parametrize("end", [pytest.param(None, id="start-alone"),
                                 pytest.param("2002-12-31T23:59:59Z", id="with-its-end")])
def test_a_stated_start_one_month_before_the_first_stamp_dates_each_mean_by_the_month_it_closes(
        tmp_path, monkeypatch, caplog, end):
    monkeypatch.chdir(tmp_path)
    stated = {"time_coverage_start": "2000-01-01T00:00:00Z", **({"time_coverage_end": end} if end else {})}
    _icon_like(tmp_path / "icon.nc", **stated)
    forget_notes()
    with caplog.at_level(logging.WARNING):
        metrics = _train(tmp_path, "icon.nc", "run")
    assert not _start_warnings(caplog)
    (said,) = [record.getMessage() for record in caplog.records if "cells the file states" in record.getMessage()]
    assert ("icon.nc: time stamps at the ends of the cells the file states without time bounds (time_coverage_start = "
            "'2000-01-01T00:00:00Z'") in said and "the value stamped 2000-02-01 counts in January 2000" in said
    assert metrics["split_periods"] == {"train": "2000", "val": "2001", "test": "2002"}
    expected = _numpy_season_scores(tmp_path / "icon.nc")
    for season, mse in expected.items():
        assert metrics["seasons"]["test"][season]["climatology"]["mse"] == pytest.approx(mse, rel=1e-9)
    with xr.open_dataset(tmp_path / "run" / "predictions.nc", decode_times=xr.coders.CFDatetimeCoder(
            use_cftime=True)) as predictions:  # the file's own stamps kept: 2003-01-01 for December 2002
        assert predictions["time"].values[-1] == cftime.DatetimeProlepticGregorian(2003, 1, 1)


def _dataset(stamps, *, start=None, end=None, cell_methods="time: mean"):
    times = [cftime.DatetimeGregorian(*stamp) for stamp in stamps]
    attrs = {key: value for key, value in (("time_coverage_start", start), ("time_coverage_end", end)) if value}
    return xr.Dataset({"tas": (("time", "x"), np.zeros((len(times), 2)), {"cell_methods": cell_methods})},
                      coords={"time": ("time", times)}, attrs=attrs)


_MONTHS_CLOSED = [(2000, 2, 1), (2000, 3, 1), (2000, 4, 1)]


@pytest.mark.parametrize(("stamps", "stated", "cells"), [
    pytest.param(_MONTHS_CLOSED, {"start": "2000-01-01"}, [(2000, 1, 1), (2000, 2, 1)], id="closing"),
    pytest.param(_MONTHS_CLOSED, {"start": "2000-01-01T00:00:00Z", "end": "2000-04-01T00:00:00Z"},
                 [(2000, 1, 1), (2000, 2, 1)], id="closing-end-on-the-last-stamp"),
    pytest.param(_MONTHS_CLOSED, {"start": "2000-02-01", "end": "2000-04-30T23:59:59Z"},
                 [(2000, 2, 1), (2000, 3, 1)], id="opening"),
    pytest.param([(2000, 12, 31), (2001, 1, 1), (2001, 1, 2)], {"start": "2000-12-30"},
                 [(2000, 12, 30), (2000, 12, 31)], id="daily-closing"),
    pytest.param(_MONTHS_CLOSED, {"start": "2000-01-01", "end": "2000-04-30"}, None, id="an-end-of-another-reading"),
    pytest.param(_MONTHS_CLOSED, {"start": "2000-01-15"}, None, id="a-start-of-neither"),
    pytest.param(_MONTHS_CLOSED, {"start": "2000-01-01T00:00:00+02:00"}, None, id="not-utc"),
    pytest.param(_MONTHS_CLOSED, {"start": "2000-01-01", "cell_methods": "time: point"}, None, id="instants"),
    pytest.param(_MONTHS_CLOSED, {"start": "2000-01-01", "cell_methods": "area: mean"}, None, id="no-time-method"),
    pytest.param(_MONTHS_CLOSED, {}, None, id="nothing-stated"),
    pytest.param([(2000, 1, 16), (2000, 2, 15), (2000, 3, 16)], {"start": "2000-01-01"}, None, id="stamps-inside"),
])
def test_only_a_stated_coverage_that_agrees_decides_the_cells(stamps, stated, cells):
    found = covered_cells(_dataset(stamps, **stated))
    first = None if found is None else [(date.year, date.month, date.day) for date in found[0][0]]
    assert first == cells


def _assert_bounds_of_the_month_ending_at_each_stamp(folder, written) -> None:
    """Each copy in ``folder`` of the files ``written`` (path → its stamps, the 1st of each month) holds the
    bounds of the month ending at each stamp, by cftime: [the 1st of the month before, the stamp]."""
    for path, stamps in written.items():
        with netCDF4.Dataset(folder / path.name) as copy:
            time = copy["time"]
            bounds = cftime.num2date(copy[time.bounds][:], time.units, time.calendar)
        starts = [cftime.DatetimeProlepticGregorian(s.year - (s.month == 1), (s.month - 2) % 12 + 1, 1) for s in stamps]
        assert [tuple(pair) for pair in bounds] == list(zip(starts, stamps))


def _monthly_means_file(path, name, lat, lon, stamps, rng) -> None:
    """One file of monthly means ``name`` (tas in K, else Pa; ``time: mean``) on ``lat`` × ``lon``, its time the
    ``stamps`` (the 1st 00:00 of each month, no bounds) in ``days since 2000-01-01``, proleptic_gregorian."""
    with netCDF4.Dataset(path, "w") as nc:
        nc.createDimension("time", None)
        nc.createDimension("lat", lat.size)
        nc.createDimension("lon", lon.size)
        time = nc.createVariable("time", "f8", ("time",))
        time.standard_name, time.units, time.calendar = "time", "days since 2000-01-01", "proleptic_gregorian"
        time[:] = cftime.date2num(stamps, time.units, time.calendar)
        for axis, values, units in (("lat", lat, "degrees_north"), ("lon", lon, "degrees_east")):
            nc.createVariable(axis, "f8", (axis,))[:] = values
            nc[axis].units = units
        variable = nc.createVariable(name, "f4", ("time", "lat", "lon"))
        variable.units, variable.cell_methods = ("K" if name == "tas" else "Pa"), "time: mean"
        variable[:] = (280.0 if name == "tas" else 1e5) + rng.normal(0, 1, (len(stamps), lat.size, lon.size))


def _write_split_by_variable(folder):
    """ORAS5 as the CDS splits it (break45c A5), smaller: one file per variable and year, monthly means stamped
    on the 1st 00:00 without bounds, ``days since 2000-01-01``. Returns the files and each one's stamps."""
    folder.mkdir()
    rng = np.random.default_rng(45)
    written = {}
    for name in ("tas", "ps"):
        for year in YEARS:
            stamps = [cftime.DatetimeProlepticGregorian(year, month, 1) for month in range(1, 13)]
            path = folder / f"{name}_control_monthly_{year}_CONS.nc"
            _monthly_means_file(path, name, LAT, LON, stamps, rng)
            written[path] = stamps
    return written


@CDO
def test_the_bounds_loop_for_files_split_by_variable_covers_every_file_it_asks_for(tmp_path, monkeypatch, caplog):
    """break45c A5: ORAS5 split by variable (4 × 120 files): "give the 120 files those time bounds" looped over
    one variable's files, then asked for with_bounds/*.nc in place of all of them. The loop, run as printed,
    now writes a copy of each of the 6 files, each with the bounds of the month ending at its stamps (checked
    with cftime against the stamps written), and those copies read without the warning."""
    monkeypatch.chdir(tmp_path)
    written = _write_split_by_variable(tmp_path / "oras")
    forget_notes()
    with caplog.at_level(logging.WARNING):
        result = CliRunner().invoke(app, ["info", "oras/*.nc"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    (warned,) = _start_warnings(caplog)
    assert "give the 6 files those time bounds" in warned
    command = re.search(r"if each value is of the month ending at its stamp, give the 6 files those time bounds in "
                        r"copies in a new folder: `([^`]*)`", warned).group(1)
    assert "for f in oras/*_CONS.nc; do" in command and "then give --data 'oras/with_bounds/*.nc' in place of them" in warned
    subprocess.run(command, shell=True, check=True, cwd=tmp_path, capture_output=True)
    _assert_bounds_of_the_month_ending_at_each_stamp(tmp_path / "oras" / "with_bounds", written)
    forget_notes()
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        result = CliRunner().invoke(app, ["info", "oras/with_bounds/*.nc"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert not _start_warnings(caplog)


def _write_two_grids(folder):
    """MODIS AOD beside MERRA-2 in one folder (break46c's A1, fix46g's note), smaller: the target's yearly files
    on a 30° grid and another variable's on a 15° one, monthly means stamped on the 1st 00:00 without bounds.
    Returns the target's files and each one's stamps."""
    folder.mkdir()
    rng = np.random.default_rng(46)
    written = {}
    for name, lat, lon in (("tas", LAT, LON), ("ps", np.arange(-82.5, 90.0, 15.0), np.arange(7.5, 360.0, 15.0))):
        for year in YEARS:
            stamps = [cftime.DatetimeProlepticGregorian(year, month, 1) for month in range(1, 13)]
            path = folder / f"{name}_monthly_{year}.nc"
            _monthly_means_file(path, name, lat, lon, stamps, rng)
            if name == "tas":
                written[path] = stamps
    return written


@CDO
def test_the_bounds_loop_leaves_out_the_files_the_run_left_out_on_another_grid(tmp_path, monkeypatch, caplog):
    """fix46g's note (break46c A1's folder): with the predictors chosen from the data, the files of another grid
    are left out, yet the time-bounds warning counted every file given (6, as 144 of MODIS and MERRA-2) and
    looped over both variables' files. It now names the 3 of the target, and its loop, run as printed, writes a
    copy of each of them alone, with the bounds of the month ending at its stamps (checked with cftime)."""
    monkeypatch.chdir(tmp_path)
    written = _write_two_grids(tmp_path / "aod")
    forget_notes()
    with caplog.at_level(logging.INFO):
        result = CliRunner().invoke(app, ["train", "--data", "aod/*", "--target", "tas", "--epochs", "1",
                                          "--out", "run"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    # in train.log: the run's warning is one short line that points there (break47a)
    (warned,) = [record.getMessage() for record in caplog.records
                 if record.levelno == logging.INFO and "stamped at the start of each month:" in record.getMessage()]
    assert "give the 3 files those time bounds" in warned
    command = re.search(r"if each value is of the month ending at its stamp, give the 3 files those time bounds in "
                        r"copies in a new folder: `([^`]*)`", warned).group(1)
    subprocess.run(command, shell=True, check=True, cwd=tmp_path, capture_output=True)
    copies = sorted(path.name for path in (tmp_path / "aod" / "with_bounds").iterdir())
    assert copies == sorted(path.name for path in written)
    _assert_bounds_of_the_month_ending_at_each_stamp(tmp_path / "aod" / "with_bounds", written)
