"""Durations xarray wrote (climann/data/duration_values.py): read as numbers of their units."""

import logging

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from climann.data.duration_values import with_durations_as_numbers
from climann.data.info import describe
from climann.data.notes import forget_notes
from climann.data.open import open_dataset
from climann.data.variables import require_variable


def _gsl_days() -> np.ndarray:
    """Growing-season lengths in whole days, (time 6, lat 3, lon 4), as xclim gives them."""
    rng = np.random.default_rng(5)
    return np.round(150 + 60 * rng.random((6, 3, 4)))


def _write(path, days=None):
    """xclim's ``growing_season_length`` as a timedelta (xarray writes int64 ``units = "days"`` with
    its attribute ``dtype = "timedelta64[…]"``) beside ``tg_mean``; one missing length (NaT)."""
    days = _gsl_days() if days is None else days
    durations = pd.to_timedelta(days.ravel(), unit="D").values.reshape(days.shape).copy()
    durations[0, 0, 0] = np.timedelta64("NaT")
    dataset = xr.Dataset(
        {"growing_season_length": (("time", "lat", "lon"), durations, {"standard_name": "growing_season_length"}),
         "tg_mean": (("time", "lat", "lon"), (8 + 0.1 * days).astype("f4"), {"units": "degC"})},
        coords={"time": pd.date_range("1990-01-01", periods=days.shape[0], freq="YS"),
                "lat": ("lat", [40.0, 50.0, 60.0], {"units": "degrees_north"}),
                "lon": ("lon", [0.0, 10.0, 20.0, 30.0], {"units": "degrees_east"})},
    )
    dataset.to_netcdf(path)
    return path


def test_a_duration_in_days_is_read_as_its_number_of_days(tmp_path, caplog):
    """break40c C3: xclim's growing_season_length (int64 days, dtype 'timedelta64[us]') was left
    out among metadata and refused as a target ("holds durations, not numbers"). It is read as
    the days it holds, as numpy counts them, NaT as NaN, with one note."""
    path = _write(tmp_path / "xclim_gsl.nc")
    forget_notes()
    with caplog.at_level(logging.WARNING, logger="climann"):
        dataset = open_dataset([path])
    expected = _gsl_days().astype("f8")
    expected[0, 0, 0] = np.nan
    target = require_variable(dataset, "growing_season_length", role="target")
    assert target.dtype.kind == "f" and target.attrs["units"] == "days"
    np.testing.assert_array_equal(target.values, expected)
    said = [record.getMessage() for record in caplog.records if "durations" in record.getMessage()]
    assert len(said) == 1 and "growing_season_length (in days)" in said[0]


def test_info_lists_the_duration_as_a_variable(tmp_path):
    report = describe(str(_write(tmp_path / "xclim_gsl.nc")))
    assert "left out: growing_season_length" not in report
    assert "#   growing_season_length  days" in report


@pytest.mark.parametrize(("unit", "factor"), [pytest.param("hours", 24.0, id="hours"),
                                              pytest.param("days", 1.0, id="days")])
def test_the_number_is_in_the_stored_units(unit, factor):
    durations = xr.DataArray(np.array([2, 3], "timedelta64[D]").astype("timedelta64[us]"), dims="time")
    durations.encoding["units"] = unit
    numbers = with_durations_as_numbers(xr.Dataset({"spell": durations}), "spell.nc")["spell"]
    np.testing.assert_array_equal(numbers.values, np.array([2.0, 3.0]) * factor)
    assert numbers.attrs["units"] == unit


def test_a_lead_time_coordinate_stays_a_duration():
    lead = np.array([6, 12], "timedelta64[h]").astype("timedelta64[ns]")
    dataset = xr.Dataset({"t2m": ("step", [1.0, 2.0])}, coords={"step": lead})
    assert with_durations_as_numbers(dataset, "fc.nc")["step"].dtype.kind == "m"


#: The test file's latitudes (descending, 1°) and longitudes of the length-of-season grid.
_LATS, _LONS = np.array([50.5, 49.5, 48.5, 47.5]), np.array([0.5, 1.5, 2.5, 3.5, 4.5])


def _season_lengths(path, *, units="days", kind="int16", fill=True):
    """A length of growing season (LOS) on 20 yearly maps of a 4 × 5 grid, as a phenology product writes it
    (break42a A0, netCDF4 as a C writer does): ``kind`` "int16" with ``_FillValue = 32767``; "float32" with
    ``_FillValue = -9999`` and ``missing_value = -9998`` (both mark missing, CF §2.5.1); "packed": int16 with
    ``scale_factor = 0.5`` and ``_FillValue = -32768``. About 1 value in 12 missing; ``tas_ann`` beside it.
    Returns LOS as numpy reads it (NaN where missing) in ``units``."""
    import datetime

    import netCDF4

    rng = np.random.default_rng(10)
    shape = (20, _LATS.size, _LONS.size)
    tas = 12 + 0.4 * (50 - _LATS)[None, :, None] + rng.normal(0, 1, shape)
    los = np.round(150 + 6 * tas + rng.normal(0, 5, shape))
    missing = rng.random(shape) < 0.08
    with netCDF4.Dataset(path, "w") as handle:
        for name, size in (("time", None), ("lat", _LATS.size), ("lon", _LONS.size)):
            handle.createDimension(name, size)
        time = handle.createVariable("time", "f8", ("time",))
        time.units, time.calendar = "days since 2000-01-01", "standard"
        time[:] = [(datetime.date(year, 7, 1) - datetime.date(2000, 1, 1)).days for year in range(2001, 2021)]
        for name, values, units_of in (("lat", _LATS, "degrees_north"), ("lon", _LONS, "degrees_east")):
            axis = handle.createVariable(name, "f8", (name,))
            axis.units, axis[:] = units_of, values
        variable = handle.createVariable("tas_ann", "f4", ("time", "lat", "lon"))
        variable.units, variable[:] = "degC", tas
        if kind == "int16":
            variable = handle.createVariable("LOS", "i2", ("time", "lat", "lon"),
                                             fill_value=np.int16(32767) if fill else None)
            variable.set_auto_mask(fill)
            stored = np.where(missing, 32767, los).astype("i2") if not fill else np.ma.masked_array(los, missing)
        elif kind == "float32":
            variable = handle.createVariable("LOS", "f4", ("time", "lat", "lon"), fill_value=np.float32(-9999))
            variable.missing_value = np.float32(-9998)
            stored = np.where(missing, np.where(np.arange(los.size).reshape(shape) % 2, -9999, -9998), los)
            variable.set_auto_mask(False)
        else:
            variable = handle.createVariable("LOS", "i2", ("time", "lat", "lon"), fill_value=np.int16(-32768))
            variable.scale_factor = np.float32(0.5)
            stored = np.ma.masked_array(los, missing)
        variable.units, variable.long_name = units, "length of growing season"
        variable[:] = stored
    return np.where(missing, np.nan, los)


@pytest.mark.parametrize("units", [pytest.param(units, id=units) for units in ("days", "hours", "minutes", "seconds")])
def test_an_integer_in_units_of_time_with_a_fill_value_is_missing_where_filled(tmp_path, units):
    """break42a A0: xarray 2026.9 masks an integer whose units are a unit of time with NaT's integer and leaves it
    undecoded: LOS (int16, _FillValue 32767, units 'days') was read as int64 with -9223372036854775808 where
    missing, never counted missing. It is read as float32 (as xarray reads other masked int16), NaN there, the
    numbers as stored, in the routes' one opening."""
    expected = _season_lengths(tmp_path / "los.nc", units=units)
    dataset = open_dataset([tmp_path / "los.nc"])
    assert dataset["LOS"].dtype == np.float32 and dataset["LOS"].attrs["units"] == units
    np.testing.assert_array_equal(dataset["LOS"].transpose("time", "lat", "lon").values, expected)


def test_a_float_and_a_packed_duration_read_the_numbers_the_integer_does(tmp_path):
    """The three ways a product stores a length of season with its gaps: int16 with a _FillValue (break42a A0,
    read with NaT's integer before), float32 with both _FillValue and missing_value, int16 packed with a
    scale_factor: each reads numpy's values, NaN where missing; int16 without a fill value, as stored."""
    expected = _season_lengths(tmp_path / "int.nc")
    assert np.array_equal(_season_lengths(tmp_path / "float.nc", kind="float32"), expected, equal_nan=True)
    assert np.array_equal(_season_lengths(tmp_path / "packed.nc", kind="packed"), expected, equal_nan=True)
    for name in ("int.nc", "float.nc", "packed.nc"):
        values = open_dataset([tmp_path / name])["LOS"].transpose("time", "lat", "lon").values
        np.testing.assert_array_equal(values, expected, err_msg=name)
    # without a fill value xarray masks nothing: the stored integers (32767 included) are the values
    stored = np.where(np.isnan(_season_lengths(tmp_path / "unfilled.nc", fill=False)), 32767, expected)
    values = open_dataset([tmp_path / "unfilled.nc"])["LOS"].transpose("time", "lat", "lon").values
    np.testing.assert_array_equal(values, stored)


def test_info_counts_the_filled_integer_durations_missing(tmp_path):
    """break42a A0: info said 'LOS … 0%' missing; it gives numpy's share."""
    expected = _season_lengths(tmp_path / "los.nc")
    report = describe(str(tmp_path / "los.nc"))
    line = next(line for line in report.splitlines() if line.startswith("#   LOS "))
    share = f"{100 * np.isnan(expected).mean():.1f}%"
    assert share != "0.0%" and share in line, line


def test_a_filled_integer_duration_trains_and_is_evaluated_on_its_values(tmp_path, monkeypatch):
    """break42a A0 end to end: train exited 0 with a test climatology RMSE of 1.979e18 days and -9.2e18 in
    predictions.nc. The truth written is numpy's (NaN where missing); the climatology's test RMSE is numpy's:
    each cell's mean over the training years (2001–2014: 14 of 20 years by the default fractions 0.7/0.15/0.15)
    scored on 2018–2020, weighted by cell area (sin φ₂ − sin φ₁ of 1° cells), missing values dropped; and
    evaluate, re-scoring the run on the file opened again, scores the same."""
    import json

    from typer.testing import CliRunner

    from climann.cli import app
    from tests.conftest import draw_no_run_figures

    draw_no_run_figures(monkeypatch)
    monkeypatch.chdir(tmp_path)
    truth = _season_lengths(tmp_path / "los.nc")
    result = CliRunner().invoke(app, ["train", "--data", "los.nc", "--target", "LOS", "--predictors", "tas_ann",
                                      "--epochs", "1", "--out", "run"])
    assert result.exit_code == 0, result.output
    with xr.open_dataset(tmp_path / "run" / "predictions.nc") as predictions:
        np.testing.assert_array_equal(predictions["LOS"].transpose("time", "lat", "lon").values, truth)
    errors = truth[17:] - np.nanmean(truth[:14], axis=0)
    areas = np.sin(np.deg2rad(_LATS + 0.5)) - np.sin(np.deg2rad(_LATS - 0.5))
    weights = np.broadcast_to(areas[None, :, None], errors.shape)
    kept = np.isfinite(errors)
    expected = np.sqrt((weights[kept] * errors[kept] ** 2).sum() / weights[kept].sum())
    scores = json.loads((tmp_path / "run" / "metrics.json").read_text())["splits"]["test"]["climatology"]
    assert scores["rmse"] == pytest.approx(expected, rel=1e-6) and scores["n_samples"] == int(kept.sum())
    result = CliRunner().invoke(app, ["evaluate", "run", "--out", "again"])
    assert result.exit_code == 0, result.output
    again = json.loads((tmp_path / "again" / "metrics.json").read_text())["splits"]["test"]["climatology"]
    assert again["rmse"] == pytest.approx(expected, rel=1e-6) and again["n_samples"] == int(kept.sum())
