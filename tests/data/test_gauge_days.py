"""CPC's gauge-based daily precipitation as NOAA PSL stamps it (precip.YYYY.nc, 00 UTC, no bounds): the CONUS
analysis's day runs 12 UTC to 12 UTC, the global one's differs by region (climann.data.gauge_days)."""

from __future__ import annotations

import logging
import shutil
import subprocess

import netCDF4
import numpy as np
import pandas as pd
import pytest
import xarray as xr

from climann.data.gauge_days import CPC_CONUS_TITLE, CPC_GLOBAL_TITLE
from climann.data.open import open_dataset
from climann.data.notes import forget_notes
from tests.followed_twice import ONE_COPY

DAYS = pd.date_range("2000-01-01", periods=10, freq="D")


def _cpc(path, title):
    """precip(time, lat, lon) in mm, time in hours since 1900-01-01 at 00 UTC of each day, no bounds, as PSL writes
    CPC's files; returns the values."""
    values = np.random.default_rng(56).gamma(0.6, 4.0, (DAYS.size, 3, 4)).astype("f4")
    with netCDF4.Dataset(path, "w") as nc:
        nc.title = title
        for name, size in (("time", None), ("lat", 3), ("lon", 4)):
            nc.createDimension(name, size)
        time = nc.createVariable("time", "f8", ("time",))
        time.units, time.calendar = "hours since 1900-01-01 00:00:00", "standard"
        time[:] = (DAYS - pd.Timestamp("1900-01-01")) / pd.Timedelta(hours=1)
        for name, axis, units in (("lat", [40.25, 40.0, 39.75], "degrees_north"),
                                  ("lon", [260.0, 260.25, 260.5, 260.75], "degrees_east")):
            variable = nc.createVariable(name, "f4", (name,))
            variable.units, variable[:] = units, axis
        precip = nc.createVariable("precip", "f4", ("time", "lat", "lon"), fill_value=np.float32(-9.96921e36))
        precip.units, precip.long_name, precip[:] = "mm", "Daily total of precipitation", values
    return values


@pytest.mark.skipif(shutil.which("ncap2") is None, reason="NCO is not installed")
def test_the_conus_analysis_is_warned_of_and_its_line_writes_its_12_to_12_utc_days(tmp_path, monkeypatch, caplog):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cpc").mkdir()
    values = _cpc(tmp_path / "cpc" / "precip.2000.nc", CPC_CONUS_TITLE)
    forget_notes()
    with caplog.at_level(logging.WARNING, logger="climann"):
        open_dataset([tmp_path / "cpc" / "precip.2000.nc"])
    said = " ".join(record.getMessage() for record in caplog.records)
    assert ("precip.2000.nc is CPC's Unified Gauge-Based Analysis of Daily Precipitation over CONUS (its title), whose "
            "day is the 24 hours from 12 UTC of the day before to 12 UTC of the day stamped") in said, said
    printed = ONE_COPY.search(said)
    assert printed is not None and printed["folder"] == "cpc/gauge_days", said
    subprocess.run(["bash", "-c", printed["command"]], check=True, capture_output=True)
    assert sorted(path.name for path in (tmp_path / "cpc").iterdir()) == ["gauge_days", "precip.2000.nc"]
    with netCDF4.Dataset(tmp_path / "cpc" / "gauge_days" / "precip.2000.nc") as copy:
        np.testing.assert_array_equal(copy["precip"][:], values)
        bounds = copy[copy["time"].bounds][:]
        stamps = copy["time"][:]
    np.testing.assert_array_equal(bounds, np.stack([stamps - 12, stamps + 12], 1))  # 12 UTC D-1 to 12 UTC D
    caplog.clear()
    forget_notes()
    with caplog.at_level(logging.WARNING, logger="climann"):
        opened = open_dataset([tmp_path / "cpc" / "gauge_days" / "precip.2000.nc"])
    assert "CPC" not in " ".join(record.getMessage() for record in caplog.records)  # its bounds say its day
    cells = opened[opened["time"].attrs["bounds"]].values
    for edge, hours in ((0, -12), (1, 12)):
        assert [str(cell) for cell in cells[:, edge]] == [str(day) for day in DAYS + pd.Timedelta(hours=hours)]
    # beside a target of 00-00 UTC days, CPC's day D (ending 12 UTC D, as CPC names it) is taken at the target's day D
    target = np.random.default_rng(1).normal(280.0, 3.0, values.shape).astype("f4")
    xr.Dataset({"tas": (("time", "lat", "lon"), target, {"units": "K"}),
                "time_bnds": (("time", "bnds"), np.stack([DAYS, DAYS + pd.Timedelta(days=1)], -1))},
               coords={"time": ("time", DAYS, {"bounds": "time_bnds"}), "lat": [40.25, 40.0, 39.75],
                       "lon": [260.0, 260.25, 260.5, 260.75]}).to_netcdf(
        tmp_path / "tas.nc", encoding={name: {"units": "days since 2000-01-01"} for name in ("time", "time_bnds")})
    paired = open_dataset([tmp_path / "cpc" / "gauge_days" / "precip.2000.nc", tmp_path / "tas.nc"])
    assert [str(day) for day in paired["time"].values] == [str(day) for day in DAYS]
    np.testing.assert_array_equal(paired["precip"].values, values)
    np.testing.assert_array_equal(paired["tas"].values, target)


def test_the_global_analysis_is_said_to_have_no_one_day_and_gets_no_bounds(tmp_path, caplog):
    _cpc(tmp_path / "precip.2000.nc", CPC_GLOBAL_TITLE)
    forget_notes()
    with caplog.at_level(logging.WARNING, logger="climann"):
        open_dataset([tmp_path / "precip.2000.nc"])
    said = " ".join(record.getMessage() for record in caplog.records)
    assert "each gauge report's own observing day, which differs by region, not a 00–00 UTC day" in said, said
    assert "mixes two of its days" in said and "monthly totals" in said and "ncap2" not in said


def test_other_files_and_files_with_bounds_are_not_warned_of(tmp_path, caplog):
    _cpc(tmp_path / "precip.2000.nc", "GPCC full data daily")
    forget_notes()
    with caplog.at_level(logging.WARNING, logger="climann"):
        open_dataset([tmp_path / "precip.2000.nc"])
    assert "CPC" not in " ".join(record.getMessage() for record in caplog.records)
