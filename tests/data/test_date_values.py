"""Dates held by a data variable (climann/data/date_values.py): read as days of year of each time step's year."""

import json
import logging

import cftime
import netCDF4
import numpy as np
import pytest
import xarray as xr

from climann.data.date_values import days_of_year, year_first_units
from climann.data.info import describe
from climann.data.notes import forget_notes
from climann.data.open import open_dataset
from climann.data.variables import require_variable
from climann.errors import ClimannError
from tests.conftest import follow_ncatted

_YEARS = np.arange(2001, 2021)
_LATS, _LONS = np.array([54.875, 54.625, 54.375, 54.125]), np.array([5.125, 5.375, 5.625, 5.875, 6.125])


def _onsets() -> tuple[np.ndarray, np.ndarray]:
    """Onset dates as datetime64[D], (20 years, 4 lat, 5 lon), and where missing: the first row's around the
    year's start (17 December of the year before to 15 January, as a southern-hemisphere season's), the others
    in April and May; 1 in 15 missing."""
    rng = np.random.default_rng(3)
    shape = (_YEARS.size, _LATS.size, _LONS.size)
    offsets = np.round(110 + 4 * np.arange(_LATS.size)[None, :, None] + rng.normal(0, 6, shape)).astype(int)
    offsets[:, 0, :] = rng.integers(-15, 15, (_YEARS.size, _LONS.size))
    starts = np.array([f"{year}-01-01" for year in _YEARS], "datetime64[D]")
    return starts[:, None, None] + offsets, rng.random(shape) < 1 / 15


def _expected_days() -> np.ndarray:
    """numpy's day of year of each onset counted from 1 January of its map's year (1 = 1 January), NaN missing."""
    dates, missing = _onsets()
    starts = np.array([f"{year}-01-01" for year in _YEARS], "datetime64[D]")[:, None, None]
    return np.where(missing, np.nan, (dates - starts) / np.timedelta64(1, "D") + 1)


def _mcd12q2(path, units: str = "days since 1-1-1970") -> None:
    """Yearly maps as MODIS MCD12Q2 writes them (break42a A2): ``Greenup_0`` int16 days since 1970 (units spelt
    as its user guide spells them), ``_FillValue = 32767``, ``valid_min = 11138``, ``valid_max = 32766``; the
    time axis in the Julian calendar stamped 1 January; ``tas_MAM`` beside it."""
    dates, missing = _onsets()
    epoch = {"days since 1-1-1970": "1970-01-01", "days since 3-4-1970": "1970-03-04"}.get(units, units[11:])
    stored = (dates - np.datetime64(epoch, "D")) / np.timedelta64(1, "D")
    with netCDF4.Dataset(path, "w") as handle:
        for name, size in (("time", None), ("lat", _LATS.size), ("lon", _LONS.size)):
            handle.createDimension(name, size)
        time = handle.createVariable("time", "f8", ("time",))
        time.units, time.calendar, time.standard_name = "days since 2000-01-01 00:00:00", "julian", "time"
        time[:] = cftime.date2num([cftime.datetime(int(year), 1, 1, calendar="julian") for year in _YEARS], time.units,
                                  "julian")
        for name, values, units_of in (("lat", _LATS, "degrees_north"), ("lon", _LONS, "degrees_east")):
            axis = handle.createVariable(name, "f8", (name,))
            axis.units, axis[:] = units_of, values
        tas = handle.createVariable("tas_MAM", "f4", ("time", "lat", "lon"))
        tas.units, tas[:] = "degC", 8 - 0.1 * stored % 7
        onset = handle.createVariable("Greenup_0", "i2", ("time", "lat", "lon"), fill_value=np.int16(32767))
        onset.units, onset.long_name = units, "Onset_Greenness_Increase"
        onset.valid_min, onset.valid_max = np.int16(11138), np.int16(32766)
        onset[:] = np.ma.masked_array(stored.astype("i2"), missing)


def test_dates_of_a_data_variable_are_its_days_of_year_where_it_is_missing_nan(tmp_path, caplog):
    """break42a A2: MCD12Q2's Greenup_0 was left out among metadata by info and refused as a target ("holds
    objects, not numbers"), and its fill values crashed cftime when read. It is read as numpy's day of year of
    each date counted from its map's year (an onset on 20 December before the 2005 map is -11), in days, with
    one note; NaN where missing."""
    _mcd12q2(tmp_path / "mcd12q2.nc")
    forget_notes()
    with caplog.at_level(logging.WARNING, logger="climann"):
        dataset = open_dataset([tmp_path / "mcd12q2.nc"])
    target = require_variable(dataset, "Greenup_0", role="target")
    assert target.attrs["units"] == "days" and "valid_min" not in target.attrs
    np.testing.assert_array_equal(target.transpose("time", "lat", "lon").values, _expected_days())
    said = [record.getMessage() for record in caplog.records if "holds dates" in record.getMessage()]
    assert len(said) == 1 and "Greenup_0 (days since 1-1-1970, read as days since 1970-01-01)" in said[0]
    assert "1 January of its time step's year" in said[0]
    report = describe(str(tmp_path / "mcd12q2.nc"))
    line = next(line for line in report.splitlines() if line.startswith("#   Greenup_0 "))
    assert "days" in line and f"{100 * np.isnan(_expected_days()).mean():.1f}%" in line, line


def test_a_phenology_date_trains_with_numpy_s_climatology_of_its_days_of_year(tmp_path, monkeypatch):
    """break42a A2 end to end: ``train --target Greenup_0`` was refused. The climatology's test RMSE is numpy's on
    the days of year: each cell's mean over 2001–2014 (14 of 20 years by the default fractions) scored on
    2018–2020, weighted by cell area (sin φ₂ − sin φ₁ of the 0.25° cells), missing values dropped."""
    from typer.testing import CliRunner

    from climann.cli import app
    from tests.conftest import draw_no_run_figures

    draw_no_run_figures(monkeypatch)
    monkeypatch.chdir(tmp_path)
    _mcd12q2(tmp_path / "mcd12q2.nc")
    result = CliRunner().invoke(app, ["train", "--data", "mcd12q2.nc", "--target", "Greenup_0", "--predictors",
                                      "tas_MAM", "--epochs", "1", "--out", "run"])
    assert result.exit_code == 0, result.output
    days = _expected_days()
    errors = days[17:] - np.nanmean(days[:14], axis=0)
    areas = np.sin(np.deg2rad(_LATS + 0.125)) - np.sin(np.deg2rad(_LATS - 0.125))
    weights = np.broadcast_to(areas[None, :, None], errors.shape)
    kept = np.isfinite(errors)
    expected = np.sqrt((weights[kept] * errors[kept] ** 2).sum() / weights[kept].sum())
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    scores = metrics["splits"]["test"]["climatology"]
    assert scores["rmse"] == pytest.approx(expected, rel=1e-6) and scores["n_samples"] == int(kept.sum())
    assert metrics["units"] == "days"


def test_dates_without_a_time_axis_count_from_their_own_year(tmp_path):
    """One map of dates (no time coordinate to count from): each date's day of its own year, as numpy counts it."""
    dates = np.array([["2003-03-01", "2004-03-01"], ["2004-12-31", "NaT"]], "datetime64[D]")
    stored = (dates - np.datetime64("2000-01-01")) / np.timedelta64(1, "D")
    xr.Dataset({"onset": (("y", "x"), np.where(np.isnat(dates), 32767, stored).astype("i2"),
                          {"units": "days since 2000-01-01", "_FillValue": np.int16(32767)})},
               coords={"y": [1.0, 2.0], "x": [1.0, 2.0]}).to_netcdf(tmp_path / "onset.nc")
    years = dates.astype("datetime64[Y]")
    expected = np.where(np.isnat(dates), np.nan, (dates - years.astype("datetime64[D]")) / np.timedelta64(1, "D") + 1)
    assert expected[0, 0] == 60 and expected[0, 1] == 61 and expected[1, 0] == 366
    np.testing.assert_array_equal(open_dataset([tmp_path / "onset.nc"])["onset"].values, expected)


@pytest.mark.parametrize(("units", "read"), [
    pytest.param("days since 1-1-1970", "days since 1970-01-01", id="same-day-and-month"),
    pytest.param("days since 25-12-1969 00:00", "days since 1969-12-25 00:00", id="day-over-12"),
    pytest.param("hours since 1970-01-01", "hours since 1970-01-01", id="year-first-unchanged"),
])
def test_a_reference_date_written_year_last_is_read_year_first(units, read):
    """cftime reads 'days since 1-1-1970' (MCD12Q2's spelling) as year 1, day 19; it is 1970-01-01."""
    assert year_first_units(units) == read


def test_a_reference_date_in_doubt_is_refused_with_the_ncatted_that_writes_it(tmp_path):
    """'days since 3-4-1970' is 3 April or 4 March: refused in one line; the printed ncatted, with the date the
    file means written year first, reads numpy's days of year."""
    _mcd12q2(tmp_path / "mcd12q2.nc", units="days since 3-4-1970")
    with pytest.raises(ClimannError) as refused:
        open_dataset([tmp_path / "mcd12q2.nc"])
    message = str(refused.value)
    assert "'Greenup_0' in mcd12q2.nc holds dates in units 'days since 3-4-1970'" in message and "\n" not in message
    command = message.split("`")[1].replace("YYYY-MM-DD", "1970-03-04")
    follow_ncatted(command.replace(str(tmp_path) + "/", ""), tmp_path)
    values = open_dataset([tmp_path / "mcd12q2_fixed.nc"])["Greenup_0"].transpose("time", "lat", "lon").values
    np.testing.assert_array_equal(values, _expected_days())


def test_days_of_year_match_numpy_across_the_year_end():
    """The formula against numpy's datetime64: 2000-12-20 in the 2001 step is -11; 2001-01-01 is 1; in the date's
    own year, 2000-12-31 is 366 (a leap year)."""
    dates = np.array(["2000-12-20", "2001-01-01", "2001-04-26", "2002-01-03"], "datetime64[D]")
    numbers = (dates - np.datetime64("1970-01-01")) / np.timedelta64(1, "D")
    expected = (dates - np.datetime64("2001-01-01")) / np.timedelta64(1, "D") + 1
    got = days_of_year(numbers, "days since 1970-01-01", "standard", np.full(4, 2001))
    np.testing.assert_array_equal(got, expected)
    assert got[0] == -11 and got[-1] == 368
    hours = days_of_year(np.array([numbers[0] * 24, np.nan]), "hours since 1970-01-01 00:00", "standard")
    np.testing.assert_array_equal(hours, [355.0, np.nan])


def test_a_count_since_an_event_is_read_as_a_length_of_time(tmp_path, caplog):
    """break42a A2: a crop model's 'days since planting' (int16, _FillValue -999) was refused as a time whose
    reference date is not a date, with an ncatted to 'days since YYYY-MM-DD' that led to the refusal "holds objects,
    not numbers". It is the number of days it holds, NaN where missing, in days, with one note."""
    rng = np.random.default_rng(0)
    days = np.round(120 + rng.normal(0, 5, (6, 2, 3)))
    missing = rng.random(days.shape) < 0.2
    xr.Dataset({"dsp": (("time", "lat", "lon"), np.where(missing, -999, days).astype("i2"),
                        {"units": "days since planting", "_FillValue": np.int16(-999)})},
               coords={"time": ("time", 365.0 * np.arange(6), {"units": "days since 2000-01-01"}),
                       "lat": ("lat", [40.0, 41.0], {"units": "degrees_north"}),
                       "lon": ("lon", [0.0, 1.0, 2.0], {"units": "degrees_east"})}).to_netcdf(tmp_path / "crop.nc")
    forget_notes()
    with caplog.at_level(logging.WARNING, logger="climann"):
        dataset = open_dataset([tmp_path / "crop.nc"])
    target = require_variable(dataset, "dsp", role="target")
    assert target.attrs["units"] == "days"
    np.testing.assert_array_equal(target.transpose("time", "lat", "lon").values, np.where(missing, np.nan, days))
    said = [record.getMessage() for record in caplog.records if "since an event" in record.getMessage()]
    assert said == ["crop.nc: dsp (days since planting) holds a count since an event, not since a date: read as a "
                    "length of time in its unit"]
