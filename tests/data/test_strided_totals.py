"""Hourly totals restarted each day thinned by a run's time_stride (climann/data/strided_totals.py):
refused on the steps before the stride (fix46c)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from climann.data.open import open_dataset
from climann.data.strided_totals import refuse_strided_daily_totals
from climann.errors import ClimannError
from tests.data.test_daily_totals import _era5land, _found, _hourly_amounts, _sub_daily_from_00_utc


def _converted(path, *, accumulated: bool = True) -> pd.DatetimeIndex:
    """:func:`_era5land`'s file as a user's conversion writes it: no GRIB attributes, no history."""
    times = _era5land(path, accumulated=accumulated)
    dataset = xr.load_dataset(path)
    for name in dataset.data_vars:
        dataset[name].attrs = {key: value for key, value in dataset[name].attrs.items() if not key.startswith("GRIB")}
    dataset.to_netcdf(path)
    return times


@pytest.mark.parametrize("stride", [pytest.param(24, id="daily"), pytest.param(6, id="6-hourly")])
def test_totals_restarted_daily_thinned_by_a_time_stride_are_refused(tmp_path, stride):
    """fix46c: time_stride 24 kept tp at 00 UTC, the whole day before's total (checked here against
    NumPy's sum of that day's hourly amounts), read as that hour's value, exit 0: the restarts are
    seen on the hourly steps before the stride."""
    path = tmp_path / "land.nc"
    times = _converted(path)
    kept = open_dataset([path]).isel(valid_time=slice(None, None, stride))
    amounts = _hourly_amounts(times)["tp"]
    day_before = (times > pd.Timestamp("2001-01-01T00")) & (times <= pd.Timestamp("2001-01-02T00"))
    np.testing.assert_allclose(kept["tp"].sel(valid_time="2001-01-02T00").values.squeeze(), amounts[day_before].sum(axis=0),
                               rtol=1e-5)
    assert set(_found(path)) == {"tp", "ssrd", "e"}  # unthinned, each is found
    with pytest.raises(ClimannError) as error:
        refuse_strided_daily_totals(open_dataset([path]), ["tp"], time_stride=stride, where="land.nc")
    assert str(error.value).startswith(f"time_stride {stride} (--time-stride) keeps one step in {stride} of hourly "
                                       "totals restarted each day") and "\n" not in str(error.value)


def test_hourly_amounts_thinned_by_a_time_stride_are_read(tmp_path):
    path = tmp_path / "amounts.nc"
    _converted(path, accumulated=False)
    refuse_strided_daily_totals(open_dataset([path]), ["tp", "ssrd", "e"], time_stride=24, where="amounts.nc")


def test_a_run_with_a_time_stride_refuses_totals_restarted_daily(tmp_path):
    """The run's route: opened_for_run with [data] time_stride."""
    from climann.workflow.config import build_config
    from climann.workflow.preparation import opened_for_run, resolve_inputs

    _converted(tmp_path / "land.nc")
    config = resolve_inputs(build_config({"data": {"paths": [str(tmp_path / "land.nc")], "target": "e",
                                                   "predictors": ["tp"], "time_stride": 24}}))
    with pytest.raises(ClimannError, match=r"^time_stride 24 \(--time-stride\) keeps one step in 24"):
        opened_for_run(config)


def _month_with_temperature(path) -> None:
    """:func:`_era5land`'s totals over 30 days, with an instant (t2m) beside them."""
    times = _era5land(path, days=30)
    dataset = xr.load_dataset(path)
    dataset["t2m"] = (("valid_time", "latitude", "longitude"),
                      (280 + np.random.default_rng(3).normal(0, 2, dataset["tp"].shape)).astype(np.float32),
                      {"units": "K", "long_name": "2 metre temperature", "GRIB_stepType": "instant"})
    dataset.to_netcdf(path)
    assert times.size == 30 * 24


@pytest.mark.parametrize(("target", "predictors"), [
    pytest.param("ssrd", ["t2m"], id="named-target"),
    pytest.param("t2m", ["e"], id="named-predictor"),
])
def test_a_time_range_too_short_to_show_the_restarts_is_refused_as_the_whole_files_are(tmp_path, target, predictors):
    """break51d A1: a 30-day file refused whole trained with 5 days of --time-range, exit 0: the
    rule was read on the range only. It is read on the whole files before the range."""
    from climann.workflow.config import build_config
    from climann.workflow.preparation import opened_for_run, resolve_inputs

    _month_with_temperature(tmp_path / "land.nc")
    assert set(_found(tmp_path / "land.nc")) == {"tp", "ssrd", "e"}
    config = resolve_inputs(build_config({"data": {"paths": [str(tmp_path / "land.nc")], "target": target,
                                                   "predictors": predictors,
                                                   "time_range": ["2001-01-10", "2001-01-14"]}}))
    with pytest.raises(ClimannError, match="restarted daily") as error:
        opened_for_run(config)
    assert "too few to tell" not in str(error.value)


def test_a_time_range_leaves_totals_restarted_daily_out_of_the_default_predictors(tmp_path):
    from climann.workflow.config import build_config
    from climann.workflow.preparation import opened_for_run, resolve_inputs

    _month_with_temperature(tmp_path / "land.nc")
    config = resolve_inputs(build_config({"data": {"paths": [str(tmp_path / "land.nc")], "target": "t2m",
                                                   "time_range": ["2001-01-10", "2001-01-14"]}}))
    resolved, _ = opened_for_run(config)
    assert not {"tp", "ssrd", "e"} & set(resolved.data.predictors)


def test_three_hourly_totals_restarted_daily_thinned_by_a_time_stride_are_refused(tmp_path):
    """fix52a: 3-hourly totals since 00 UTC (no GRIB attributes) kept once a day by time_stride 8: the
    value kept at 00 UTC is the whole day before's total (NumPy's sum of its eight 3-hour amounts)."""
    times, own = _sub_daily_from_00_utc(tmp_path / "jra.nc", step=3, days=20)
    kept = open_dataset([tmp_path / "jra.nc"]).isel(time=slice(None, None, 8))
    day_before = (times > pd.Timestamp("2001-01-01T00")) & (times <= pd.Timestamp("2001-01-02T00"))
    np.testing.assert_allclose(kept["tp"].sel(time="2001-01-02T00").values.squeeze(), own["tp"][day_before].sum(axis=0),
                               rtol=1e-5)
    with pytest.raises(ClimannError) as error:
        refuse_strided_daily_totals(open_dataset([tmp_path / "jra.nc"]), ["tp"], time_stride=8, where="jra.nc")
    assert str(error.value).startswith("time_stride 8 (--time-stride) keeps one step in 8 of 3-hourly totals "
                                       "restarted each day") and "[time - 3 hours, time]" in str(error.value)
