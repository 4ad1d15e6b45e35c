"""Advice for ONE file writes its copy into a new folder and says which --data to give in its
place, as the loops for several files do; a copy with time bounds given beside its original is
refused naming those two files (break52a A1, A5)."""

from __future__ import annotations

import re
import subprocess

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from tests.console import run_main

_DAYS = pd.date_range("2001-01-01", "2003-12-31", freq="D")
_SECONDS = ((_DAYS - pd.Timestamp("1970-01-01")) // pd.Timedelta("1s")).values.astype("int64")
_LAT, _LON = np.array([50.0, 49.75, 49.5]), np.array([5.0, 5.25, 5.5, 5.75])


def _cds_file(path, name, values, step_type, *, bounds=False):
    """An ERA5 CDS daily-statistics file: valid_time in seconds, GRIB attributes, no bounds."""
    dataset = xr.Dataset({name: (("valid_time", "latitude", "longitude"), values.astype("f4"),
                                 {"units": "m" if name == "tp" else "K", "GRIB_stepType": step_type})},
                         coords={"valid_time": _SECONDS, "latitude": _LAT, "longitude": _LON})
    dataset.valid_time.attrs = {"standard_name": "time", "units": "seconds since 1970-01-01",
                                "calendar": "proleptic_gregorian"}
    if bounds:
        dataset["valid_time_bnds"] = (("valid_time", "bnds"), np.stack([_SECONDS, _SECONDS + 86400], 1))
        dataset.valid_time.attrs["bounds"] = "valid_time_bnds"
    dataset.latitude.attrs = {"units": "degrees_north"}
    dataset.longitude.attrs = {"units": "degrees_east"}
    dataset.to_netcdf(path, encoding={"valid_time": {"dtype": "int64"}})


@pytest.fixture
def cds(tmp_path):
    rng = np.random.default_rng(52)
    shape = (_DAYS.size, _LAT.size, _LON.size)
    folder = tmp_path / "cds"
    folder.mkdir()
    _cds_file(folder / "tp_daily_sum.nc", "tp", np.abs(rng.normal(0.003, 0.002, shape)), "accum")
    _cds_file(folder / "t2m_00utc.nc", "t2m", 280 + rng.normal(0, 3, shape), "avg")  # a daily mean
    return folder


def test_one_files_bounds_line_writes_into_a_new_folder_and_says_what_to_give(cds, tmp_path, capfd, monkeypatch):
    monkeypatch.chdir(tmp_path)
    first = run_main("train", "--data", str(cds / "*.nc"), "--target", "tp", "--epochs", "1", "--out",
                     str(tmp_path / "r1"), capfd=capfd, monkeypatch=monkeypatch)
    assert first.returncode == 2
    line = re.search(r"(mkdir -p \S+ && ncap2 -s '.*?' \S+ \S+) \(its copy in a new folder\), then give "
                     r"--data (\S+) in place of (\S+),", first.stderr)
    assert line is not None, first.stderr
    command, copy, original = line.groups()
    assert (copy, original) == ("cds/time_cells_fixed/tp_daily_sum.nc", "cds/tp_daily_sum.nc")  # run in tmp_path
    subprocess.run(command, shell=True, check=True, capture_output=True, cwd=tmp_path)
    assert sorted(path.name for path in cds.glob("*.nc")) == ["t2m_00utc.nc", "tp_daily_sum.nc"]  # nothing beside
    written = xr.open_dataset(tmp_path / copy, decode_times=False)
    # the day starting at each stamp, in the file's seconds: by hand
    np.testing.assert_array_equal(written.valid_time_bnds.values, np.stack([_SECONDS, _SECONDS + 86400], 1))
    second = run_main("train", "--data", copy, "--data", str(cds / "t2m_00utc.nc"), "--target", "tp", "--epochs",
                      "1", "--out", str(tmp_path / "r2"), capfd=capfd, monkeypatch=monkeypatch)
    assert second.returncode == 0, second.stderr


def test_a_bounded_copy_beside_its_original_is_refused_by_the_two_files(cds, tmp_path, capfd, monkeypatch):
    monkeypatch.chdir(tmp_path)
    original = xr.open_dataset(cds / "tp_daily_sum.nc")
    _cds_file(cds / "tp_daily_sum_fixed.nc", "tp", original.tp.values, "accum", bounds=True)
    original.close()
    finished = run_main("train", "--data", str(cds / "*.nc"), "--target", "tp", "--epochs", "1", "--out",
                        str(tmp_path / "r"), capfd=capfd, monkeypatch=monkeypatch)
    error = [line for line in finished.stderr.splitlines() if line.startswith("climann: error")]
    assert finished.returncode == 2 and error, finished.stderr
    assert "cannot align" not in error[0] and "t2m_00utc.nc" not in error[0], error[0]
    assert "'tp' is in both tp_daily_sum.nc and tp_daily_sum_fixed.nc" in error[0], error[0]
    assert "Give cds/tp_daily_sum_fixed.nc in place of cds/tp_daily_sum.nc in --data" in error[0], error[0]


def test_cells_stop_short_names_only_the_files_with_bounds(tmp_path, capfd, monkeypatch):
    """``cdo daysum`` (bounds 00-23 h) beside ``cdo selhour,12`` (no bounds): only the first is named."""
    monkeypatch.chdir(tmp_path)
    hours = pd.date_range("2001-01-01", "2002-12-31 23:00", freq="h")
    rng = np.random.default_rng(5)
    for name, units in (("tp", "m"), ("t2m", "K")):
        values = np.abs(rng.normal(1.5e-4, 1e-4, (hours.size, _LAT.size, _LON.size))) + (280 if units == "K" else 0)
        dataset = xr.Dataset({name: (("time", "latitude", "longitude"), values.astype("f4"), {"units": units})},
                             coords={"time": hours, "latitude": _LAT, "longitude": _LON})
        dataset.latitude.attrs = {"units": "degrees_north"}
        dataset.longitude.attrs = {"units": "degrees_east"}
        dataset.to_netcdf(tmp_path / f"{name}_hourly.nc", encoding={"time": {"units": "hours since 1900-01-01"}})
    subprocess.run("cdo -s -b F32 daysum tp_hourly.nc tp_daysum.nc && cdo -s selhour,12 t2m_hourly.nc t2m_12.nc",
                   shell=True, check=True, cwd=tmp_path, capture_output=True)
    finished = run_main("info", str(tmp_path / "tp_daysum.nc"), str(tmp_path / "t2m_12.nc"), capfd=capfd,
                        monkeypatch=monkeypatch)
    warned = [line for line in finished.stderr.splitlines() if "stop short" in line]
    assert warned and warned[0].startswith("climann: warning: tp_daysum.nc: the time cells"), finished.stderr
    assert "then give time_cells_joined/tp_daysum.nc in place of tp_daysum.nc" in warned[0], warned[0]
