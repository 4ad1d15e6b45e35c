"""Samples a year or more apart (climann/data/multiyear_steps.py): no seasonal cycle is taken from them."""

import datetime

import cftime
import numpy as np
import pytest
import xarray as xr

from climann.data.multiyear_steps import previous_samples, usual_spacing_days, years_apart
from climann.errors import ClimannError

# An ice core's ages, years before 1950, irregular, about 31 years apart, two of them 0.1 year apart
AGES = np.array([49.7, 80.2, 80.3, 121.9, 140.0, 190.4, 205.5, 251.1, 290.0, 300.6, 350.2, 371.8, 420.4, 433.3, 470.1,
                 510.9, 530.6, 590.2, 601.1, 640.8, 660.5, 710.2, 731.0, 780.3])


def _dates(ages):
    """Each age as climann's advice writes it when fractions are kept: -age × 365 days from 1950 (noleap)."""
    start = cftime.datetime(1950, 1, 1, calendar="noleap")
    return np.array([start - datetime.timedelta(days=round(age * 365)) for age in ages])


def test_samples_decades_apart_are_years_apart_and_monthly_data_are_not():
    months = np.array([cftime.datetime(2000 + k // 12, k % 12 + 1, 15, calendar="noleap") for k in range(36)])
    assert usual_spacing_days(_dates(AGES)) == pytest.approx(np.median(np.diff(np.sort(AGES))) * 365, abs=1)
    assert years_apart(_dates(AGES))
    assert not years_apart(months)


def test_persistence_of_samples_years_apart_is_the_sample_before_in_time():
    """The ages are youngest first (times descending): the sample before each in time is the next older one."""
    previous = previous_samples(_dates(AGES))
    by_hand = np.r_[np.arange(1, len(AGES)), -1]  # age k is preceded in time by age k + 1; the oldest by none
    np.testing.assert_array_equal(previous, by_hand)


def _ice_core(path, ages):
    """``d18O(age, lat, lon)`` and ``CH4`` on one cell, times as days since 1950 (noleap)."""
    rng = np.random.default_rng(3)
    n = len(ages)
    days = -np.round(np.asarray(ages) * 365)
    dataset = xr.Dataset(
        {"d18O": (("age", "lat", "lon"), (-35 + rng.normal(0, 1, (n, 1, 1))).astype("f4"), {"units": "1"}),
         "CH4": (("age", "lat", "lon"), (600 + rng.normal(0, 30, (n, 1, 1))).astype("f4"), {"units": "1e-9"})},
        coords={"age": ("age", days, {"units": "days since 1950-01-01", "calendar": "noleap", "standard_name": "time"}),
                "lat": ("lat", [-75.1], {"units": "degrees_north"}),
                "lon": ("lon", [123.35], {"units": "degrees_east"})},
    )
    dataset.to_netcdf(path)
    return path


def test_an_ice_core_is_scored_against_the_training_mean_and_the_sample_before(tmp_path):
    """break35a A1: an ice core decades apart was scored against a "climatology per calendar
    month" of the day of the year its fractional ages fell on (test skill -0.537 where the
    training mean gives -0.887), and persistence was left out. By hand: the climatology is
    the training block's mean, persistence the sample before in time, no season is scored."""
    from climann.workflow.config import build_config
    from climann.workflow.pipeline import run_training

    ages = np.sort(np.concatenate([AGES, AGES + 800.0, AGES + 1600.0]))  # 72 samples, 49.7 … 2380.3 years BP
    path = _ice_core(tmp_path / "core.nc", ages)
    settings = {"data": {"paths": [str(path)], "target": "d18O", "predictors": ["CH4"]},
                "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}}
    run = run_training(build_config(settings), run_dir=tmp_path / "run")
    with xr.open_dataset(path, decode_times=False) as original:
        order = np.argsort(original["age"].values)  # oldest first
        truth = original["d18O"].values[order, 0, 0].astype("f8")
    with xr.open_dataset(tmp_path / "run" / "predictions.nc", decode_times=False) as predictions:
        split = predictions["split"].values
    assert run.metrics["climatology_per"] == "whole record"
    assert "seasons" not in run.metrics
    train_mean = truth[split == 1].mean()
    previous = np.r_[np.nan, truth[:-1]]
    for code, block in enumerate(["train", "val", "test"], start=1):
        chosen = split == code
        scores = run.metrics["splits"][block]
        assert scores["climatology"]["mse"] == pytest.approx(np.mean((truth[chosen] - train_mean) ** 2), rel=1e-5)
        known = chosen & np.isfinite(previous)
        assert scores["persistence"]["mse"] == pytest.approx(np.mean((truth[known] - previous[known]) ** 2), rel=1e-5)


def test_info_proposes_no_season_and_training_refuses_it(tmp_path):
    from climann.data.defaults import default_features
    from climann.data.open import open_dataset
    from climann.workflow.config import build_config
    from climann.workflow.pipeline import run_training

    ages = np.sort(np.concatenate([AGES, AGES + 800.0, AGES + 1600.0]))
    path = _ice_core(tmp_path / "core.nc", ages)
    assert "season" not in default_features(open_dataset([path]))
    settings = {"data": {"paths": [str(path)], "target": "d18O", "predictors": ["CH4"], "features": ["season"]},
                "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}}
    with pytest.raises(ClimannError, match="the season feature needs a seasonal cycle, but the time steps are usually"):
        run_training(build_config(settings), run_dir=tmp_path / "run")


def _yearly_dates(first, last, step, calendar):
    return np.array([cftime.datetime(year, 7, 1, calendar=calendar) for year in range(first, last + 1, step)])


@pytest.mark.parametrize("times", [
    pytest.param(_yearly_dates(1, 2000, 1, "proleptic_gregorian"), id="pages2k-yearly-proleptic"),
    pytest.param(_yearly_dates(1, 2000, 1, "noleap"), id="pages2k-yearly-noleap"),
    pytest.param(_yearly_dates(-19000, 1900, 100, "proleptic_gregorian"), id="lgm-transient-100-year"),
])
def test_regular_yearly_and_centennial_steps_are_keyed_by_the_whole_record(times):
    """fix36b: a regular yearly or 100-year series was said to have a climatology "per calendar
    month" though every value falls in July, so that its number is the training mean: it is the
    whole record, one key. A model file from before (per calendar month) still looks them up by month."""
    from climann.evaluation.baselines import ClimatologyKeys, climatology_keys, season_keys

    keys = climatology_keys(times)
    assert (keys.per, keys.count) == ("whole record", 1)
    np.testing.assert_array_equal(season_keys(times), np.ones(len(times)))
    assert ClimatologyKeys("calendar month", 12).fits(keys)


def test_a_monthly_climatology_does_not_fit_an_ice_core():
    """The old calendar-month model files look up regular yearly steps only, not fractional ages."""
    from climann.evaluation.baselines import ClimatologyKeys, climatology_keys

    assert not ClimatologyKeys("calendar month", 12).fits(climatology_keys(_dates(AGES)))


def _yearly_series(path, years, calendar):
    """``tas(time, lat, lon)`` (K) and ``co2`` on one cell, one value each 1 July."""
    rng = np.random.default_rng(5)
    n = len(years)
    units = "days since 1950-01-01"
    times = cftime.date2num([cftime.datetime(int(year), 7, 1, calendar=calendar) for year in years], units,
                            calendar=calendar)
    dataset = xr.Dataset(
        {"tas": (("time", "lat", "lon"), (288 + rng.normal(0, 1, (n, 1, 1))).astype("f4"), {"units": "K"}),
         "co2": (("time", "lat", "lon"), (280 + rng.normal(0, 5, (n, 1, 1))).astype("f4"), {"units": "1e-6"})},
        coords={"time": ("time", times, {"units": units, "calendar": calendar, "standard_name": "time", "axis": "T"}),
                "lat": ("lat", [45.0], {"units": "degrees_north"}),
                "lon": ("lon", [7.0], {"units": "degrees_east"})},
    )
    dataset.to_netcdf(path)
    return path


@pytest.mark.parametrize(("years", "calendar"), [
    pytest.param(range(1, 2001), "proleptic_gregorian", id="pages2k-yearly"),
    pytest.param(range(-19000, 2001, 100), "noleap", id="lgm-transient-100-year"),
])
def test_a_yearly_run_names_its_training_mean_the_whole_record(tmp_path, years, calendar):
    """fix36b: report.md and metrics.json said "climatology per calendar month" for a yearly
    (PAGES2k-like) or centennial (LGM-to-present) series; the number is the training mean."""
    from climann.workflow.config import build_config
    from climann.workflow.pipeline import run_training

    path = _yearly_series(tmp_path / "series.nc", years, calendar)
    settings = {"data": {"paths": [str(path)], "target": "tas", "predictors": ["co2"]},
                "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}}
    run = run_training(build_config(settings), run_dir=tmp_path / "run")
    assert run.metrics["climatology_per"] == "whole record"
    report = (tmp_path / "run" / "report.md").read_text()
    assert "climatology per whole record: the training mean" in report
    assert "calendar month" not in report
    with xr.open_dataset(path, decode_times=False) as original, \
            xr.open_dataset(tmp_path / "run" / "predictions.nc", decode_times=False) as predictions:
        truth = original["tas"].values[:, 0, 0].astype("f8")
        split = predictions["split"].values
    train_mean = truth[split == 1].mean()
    chosen = split == 3
    assert run.metrics["splits"]["test"]["climatology"]["mse"] == pytest.approx(
        np.mean((truth[chosen] - train_mean) ** 2), rel=1e-5)
