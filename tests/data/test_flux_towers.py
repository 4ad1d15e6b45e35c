"""Eddy-covariance flux-tower files (FLUXNET2015/ONEFlux, AmeriFlux BASE) as users convert them
with pandas and xarray: time stamps written as digits kept as data variables, the flux networks'
quality qualifiers beside each flux, and a station series with gaps (break45a A2, A5)."""

import re

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import climann.data.defaults as defaults
from climann.data.defaults import default_inputs
from climann.data.info import describe
from climann.data.open import open_dataset
from climann.data.text_times import digit_dates
from tests.conftest import unwrapped_report


def _flux_csv(path, *, n_days=730, seed=0):
    """A half-hourly FLUXNET/AmeriFlux CSV as the networks write it: TIMESTAMP_START/END as
    YYYYMMDDHHMM, -9999 for missing, FC with its SSITC test, LE missing on about a quarter of the steps."""
    rng = np.random.default_rng(seed)
    start = pd.date_range("2012-01-01", periods=48 * n_days, freq="30min")
    hours = start.hour + start.minute / 60
    sw = np.clip(800 * np.sin(np.pi * (hours - 6) / 12), 0, None)
    ta = 10 + 8 * np.sin(2 * np.pi * (start.day_of_year - 110) / 365) + rng.normal(0, 1, start.size)
    fc = -0.01 * sw + 0.2 * ta + rng.normal(0, 0.5, start.size)
    frame = pd.DataFrame({
        "TIMESTAMP_START": start.strftime("%Y%m%d%H%M").astype(np.int64),
        "TIMESTAMP_END": (start + pd.Timedelta("30min")).strftime("%Y%m%d%H%M").astype(np.int64),
        "FC": np.where(rng.random(start.size) < 0.3, -9999, fc.round(3)),
        "FC_SSITC_TEST": rng.choice([0, 1, 2], start.size, p=[0.7, 0.2, 0.1]),
        "LE": np.where(rng.random(start.size) < 0.25, -9999, (0.3 * sw).round(2)),
        "LE_SSITC_TEST": rng.choice([0, 1, 2], start.size, p=[0.7, 0.2, 0.1]),
        "TA_1_1_1": ta.round(2), "SW_IN_1_1_1": sw.round(1)})
    frame.to_csv(path, index=False)
    return path


def _user_netcdf(csv, path):
    """What a user writes from it: pd.read_csv(na_values=-9999), TIMESTAMP_START as the index,
    xarray.Dataset.from_dataframe, the tower's position as scalar coordinates (the stamps kept)."""
    frame = pd.read_csv(csv, na_values=-9999)
    frame.index = pd.to_datetime(frame.TIMESTAMP_START.astype(str), format="%Y%m%d%H%M")
    frame.index.name = "time"
    dataset = xr.Dataset.from_dataframe(frame).assign_coords(
        lat=((), 39.3232, {"units": "degrees_north"}), lon=((), -86.4131, {"units": "degrees_east"}))
    for name, units in {"FC": "umol m-2 s-1", "LE": "W m-2", "TA_1_1_1": "degC", "SW_IN_1_1_1": "W m-2"}.items():
        dataset[name].attrs["units"] = units
    dataset.to_netcdf(path)
    return path


@pytest.fixture(scope="module")
def tower(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tower")
    csv = _flux_csv(folder / "AMF_US-MMS_BASE_HH_22-5.csv")
    return csv, _user_netcdf(csv, folder / "AMF_US-MMS_BASE_HH.nc")


def test_digit_dates_read_the_flux_time_stamps_and_nothing_else(tower):
    csv, path = tower
    raw = pd.read_csv(csv)
    with xr.open_dataset(path) as dataset:
        start = digit_dates(dataset["TIMESTAMP_START"], time_dim="time")
        assert start is not None and start.format == "%Y%m%d%H%M" and start.numbers
        assert start.examples[0] == str(raw.TIMESTAMP_START.iloc[0])
        assert start.examples[-1] == str(raw.TIMESTAMP_START.iloc[-1])
        assert all(digit_dates(dataset[name], time_dim="time") is None
                   for name in ("FC", "FC_SSITC_TEST", "LE", "TA_1_1_1", "SW_IN_1_1_1"))
        # 12-digit counts that are no dates (month 00) stay quantities
        counts = np.arange(200000000000, 200000000000 + dataset.sizes["time"])
        assert digit_dates(xr.DataArray(counts, dims="time", name="n"), time_dim="time") is None


def test_the_time_stamps_are_neither_the_target_nor_default_predictors(tower):
    _, path = tower
    report = unwrapped_report(describe(str(path)))
    assert 'target = "FC"' in report
    predictors = re.search(r"^predictors = \[(.*)\]$", report, re.MULTILINE).group(1)
    assert "TIMESTAMP" not in predictors and "SSITC" not in predictors
    assert re.search(r"# left out of the default predictors: TIMESTAMP_START \('201201010000', .*%Y%m%d%H%M\), "
                     r"TIMESTAMP_END \('201201010030', .*\): dates written as digits", report)


def test_the_ssitc_tests_of_each_flux_are_its_quality_flags(tower):
    _, path = tower
    with open_dataset([path]) as dataset:
        chosen = default_inputs(dataset, "FC")
    assert chosen.ancillary == {"FC_SSITC_TEST": "its name, the steady-state and turbulence test flags of FC",
                                "LE_SSITC_TEST": "its name, the steady-state and turbulence test flags of LE"}
    assert set(chosen.time_stamps) == {"TIMESTAMP_START", "TIMESTAMP_END"}
    assert chosen.predictors == ("TA_1_1_1", "SW_IN_1_1_1")


def test_a_station_series_has_its_missing_fraction_counted_on_every_step(tower):
    """24 of 52 608 steps saw 15 values and said 6.67 % for 26.8 % (break45a A5)."""
    csv, path = tower
    raw = pd.read_csv(csv)
    present = raw.FC.to_numpy() != -9999
    expected = np.count_nonzero(raw.LE.to_numpy()[present] == -9999) / np.count_nonzero(present)
    with open_dataset([path]) as dataset:
        chosen = default_inputs(dataset, "FC")
    assert chosen.mostly_missing["LE"] == expected
    assert chosen.checked_present == np.count_nonzero(present)
    assert chosen.checked_steps == chosen.n_steps == len(raw)
    note = next(note for note in chosen.notes("FC") if "missing on more than" in note)
    assert f"LE ({100 * expected:.3g}%: {np.count_nonzero(raw.LE.to_numpy()[present] == -9999)} of " in note
    assert f"(on all {len(raw)} time steps)" in note


def test_a_large_target_says_its_missing_fraction_is_an_estimate(tower, monkeypatch):
    csv, path = tower
    monkeypatch.setattr(defaults, "EVERY_STEP_VALUES", 1000)
    with open_dataset([path]) as dataset:
        chosen = default_inputs(dataset, "FC")
    steps = np.unique(np.linspace(0, len(pd.read_csv(csv)) - 1, defaults.CHECKED_TIME_STEPS).round().astype(int))
    raw = pd.read_csv(csv).iloc[steps]
    present = raw.FC.to_numpy() != -9999
    assert chosen.checked_present == np.count_nonzero(present)
    assert chosen.checked_steps == defaults.CHECKED_TIME_STEPS
    lacking = np.count_nonzero(raw.LE.to_numpy()[present] == -9999)
    assert chosen.mostly_missing["LE"] == lacking / np.count_nonzero(present)
    notes = " ".join(chosen.notes("FC"))
    assert f"an estimate from {defaults.CHECKED_TIME_STEPS} evenly spaced of the {chosen.n_steps} time steps" in notes
