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
