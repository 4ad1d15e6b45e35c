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
