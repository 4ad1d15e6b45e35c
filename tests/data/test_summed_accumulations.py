"""Sums over time of ERA5-Land's running totals (climann/data/summed_accumulations.py): ``cdo daysum``
of the hourly totals from 00 UTC refused (break54a A1), ERA5's hourly amounts summed not, and the
advised route (each hour's amount first, then the sum) gives NumPy's daily totals."""

from __future__ import annotations

import os
import shutil
import subprocess

import numpy as np
import pytest
import xarray as xr

from climann.data.open import open_dataset
from climann.data.summed_accumulations import refuse_summed_running_totals, summed_running_totals
from climann.data.value_checks import warn_held_values
from climann.errors import ClimannError
from tests.data.test_daily_totals import _era5land, _hourly_amounts
from tests.fresh_python import shell_path

pytestmark = pytest.mark.skipif(shutil.which("cdo") is None, reason="needs CDO")

_DAYS = 12


def _cdo(*words: str, cwd) -> None:
    subprocess.run(["cdo", "-s", *words], check=True, capture_output=True, cwd=cwd)


def _hourly(path, *, accumulated: bool, degrees: float = 0.1):
    """ERA5-Land's totals from 00 UTC (``accumulated``) or ERA5's amounts of each hour, on a grid
    ``degrees`` apart, as the CDS writes them (GRIB_stepType accum, GRIB_centre ecmf, cfgrib's history)."""
    times = _era5land(path.with_suffix(".tmp.nc"), accumulated=accumulated, days=_DAYS)
    with xr.open_dataset(path.with_suffix(".tmp.nc")) as raw:
        data = raw.load()
    data = data.assign_coords(latitude=46.0 - degrees * np.arange(3), longitude=12.0 + degrees * np.arange(4))
    data.attrs.update(GRIB_centre="ecmf", history='GRIB to CDM+CF via cfgrib-0.9.15.0 with {"filter_by_keys": '
                                                 '{"stream": ["oper"], "stepType": ["accum"]}}')
    data.to_netcdf(path)
    path.with_suffix(".tmp.nc").unlink()
    return times


def test_daily_sums_of_era5_land_totals_are_refused(tmp_path):
    times = _hourly(tmp_path / "land.nc", accumulated=True)
    _cdo("daysum", "land.nc", "land_daysum.nc", cwd=tmp_path)
    dataset = open_dataset([tmp_path / "land_daysum.nc"])
    assert summed_running_totals(dataset, "tp") is not None
    with pytest.raises(ClimannError) as refused:
        warn_held_values(dataset, ["tp"], where="land_daysum.nc", file=None)
    said = str(refused.value)
    assert said.startswith("'tp' in land_daysum.nc is a sum over time of ERA5-Land's running totals (GRIB_stepType "
                           "'accum', cell_methods 'valid_time: sum', its history names 'daysum', and its latitude and "
                           "longitude 0.1° apart"), said
    assert "write each hour's amount first" in said and "00 UTC value as the whole day before's total" in said
    # the values are what the message says: about 12.5 times the day's amount (NumPy)
    with xr.open_dataset(tmp_path / "land_daysum.nc") as summed:
        read = float(summed["tp"].isel(valid_time=slice(1, -1)).mean())
    amounts = _hourly_amounts(times)["tp"]
    true = amounts[1:1 + (_DAYS - 1) * 24].reshape(-1, 24, 3, 4).sum(axis=1).mean()
    assert 8 < read / true < 17


def test_daily_sums_of_era5_hourly_amounts_are_not_refused(tmp_path):
    """ERA5's own hourly accumulations (each over its hour, 0.25° grid): their daily sum is the day's total."""
    _hourly(tmp_path / "era5.nc", accumulated=False, degrees=0.25)
    _cdo("daysum", "era5.nc", "era5_daysum.nc", cwd=tmp_path)
    dataset = open_dataset([tmp_path / "era5_daysum.nc"])
    assert summed_running_totals(dataset, "tp") is None
    refuse_summed_running_totals(dataset, ["tp", "e", "ssrd"], where="era5_daysum.nc")


def test_the_advised_route_gives_numpys_daily_totals(tmp_path, monkeypatch):
    """Each hour's amount first (the line climann prints for the hourly file, run as printed), then
    their sum by day (stamps shifted to each hour's start): not refused, and each whole day's total
    equals the sum of NumPy's hourly amounts of that day."""
    monkeypatch.chdir(tmp_path)
    times = _hourly(tmp_path / "land.nc", accumulated=True)
    with pytest.raises(ClimannError) as refused:
        warn_held_values(open_dataset([tmp_path / "land.nc"]), ["tp"], where="land.nc", file=None)
    line = [part for part in str(refused.value).split("`") if part.startswith("mkdir -p ")][-1]
    subprocess.run(["bash", "-c", line], check=True, capture_output=True, cwd=tmp_path,
                   env={**os.environ, "PATH": shell_path()})
    _cdo("daysum", "-shifttime,-1hour", "hourly_amounts/land.nc", "daily.nc", cwd=tmp_path)
    dataset = open_dataset([tmp_path / "daily.nc"])
    assert summed_running_totals(dataset, "tp") is None
    refuse_summed_running_totals(dataset, ["tp", "e", "ssrd"], where="daily.nc")
    amounts = _hourly_amounts(times)
    with xr.open_dataset(tmp_path / "daily.nc") as daily:
        days = daily["valid_time"].dt.floor("D").values
        for name, own in amounts.items():
            # NumPy: the amount stamped at the end of each hour belongs to the day the hour begins in
            by_hand = own[1:1 + (_DAYS - 1) * 24].reshape(-1, 24, 3, 4).sum(axis=1)  # days 1 … _DAYS - 1 whole
            got = daily[name].values.astype(np.float64)
            assert days[0] == np.datetime64("2001-01-01")  # 01-24 UTC of day 1 (00-01 UTC has no hour before)
            assert got.shape[0] == _DAYS  # the last day lacks its 23-24 UTC hour: not compared
            np.testing.assert_allclose(got[:_DAYS - 1], by_hand, rtol=1e-5, atol=1e-6 * np.abs(by_hand).max())


def test_daily_sums_in_several_files_are_refused(tmp_path):
    """Files whose histories differ (their combination drops it) and whose bounds open as cftime dates
    (break54a's four yearly files): the first file's history and the cells' length still tell."""
    _hourly(tmp_path / "land.nc", accumulated=True)
    with xr.open_dataset(tmp_path / "land.nc") as whole:
        whole.isel(valid_time=slice(None, 6 * 24)).to_netcdf(tmp_path / "first.nc")
        whole.isel(valid_time=slice(6 * 24, None)).to_netcdf(tmp_path / "second.nc")
    for half in ("first", "second"):
        _cdo("daysum", f"{half}.nc", f"tp_daysum_{half}.nc", cwd=tmp_path)
    dataset = open_dataset([tmp_path / "tp_daysum_first.nc", tmp_path / "tp_daysum_second.nc"])
    with pytest.raises(ClimannError, match=r"is a sum over time of ERA5-Land's running totals .*its history "
                                           r"names 'daysum'"):
        refuse_summed_running_totals(dataset, ["tp"], where="tp_daysum_*.nc")
