"""predict's warning about stamps at the start of each day speaks of the data given, not of the
run's target, and names the first step of --time-range, not the step before it read for
persistence (break52a A6)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

import climann


def _climann(*arguments: str, cwd) -> subprocess.CompletedProcess:
    """``climann ARGUMENTS`` in a fresh interpreter, as a user runs it (each command's notes its own)."""
    return subprocess.run([sys.executable, "-m", "climann", *arguments], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "200", "PYTHONPATH": _CODE})


#: The folder holding the climann these tests import, for the fresh interpreters.
_CODE = str(Path(climann.__file__).resolve().parents[1])

_DAYS = pd.date_range("2000-01-01", "2005-12-31", freq="D")
_SECONDS = ((_DAYS - pd.Timestamp("1970-01-01")) // pd.Timedelta("1s")).values.astype("int64")


def _era5(path, name, values, step_type, *, bounds=False):
    dataset = xr.Dataset({name: (("valid_time", "latitude", "longitude"), values.astype("f4"),
                                 {"units": "m" if name == "tp" else "K", "GRIB_stepType": step_type})},
                         coords={"valid_time": _SECONDS, "latitude": np.arange(50.0, 48.0 - 1e-9, -0.25),
                                 "longitude": np.arange(5.0, 7.0 + 1e-9, 0.25)})
    dataset.valid_time.attrs = {"standard_name": "time", "units": "seconds since 1970-01-01",
                                "calendar": "proleptic_gregorian"}
    if bounds:
        dataset["valid_time_bnds"] = (("valid_time", "bnds"), np.stack([_SECONDS, _SECONDS + 86400], 1).astype("f8"))
        dataset.valid_time.attrs["bounds"] = "valid_time_bnds"
    dataset.latitude.attrs = {"units": "degrees_north"}
    dataset.longitude.attrs = {"units": "degrees_east"}
    dataset.to_netcdf(path, encoding={"valid_time": {"dtype": "int64"}})


def test_predict_of_instants_is_not_told_the_targets_total_nor_a_day_before_the_range(tmp_path):
    rng = np.random.default_rng(6)
    shape = (_DAYS.size, 9, 9)
    _era5(tmp_path / "tp_daily_sum_fixed.nc", "tp", np.abs(rng.normal(0.003, 0.002, shape)), "accum", bounds=True)
    _era5(tmp_path / "t2m_00utc.nc", "t2m", 280 + rng.normal(0, 3, shape), "instant")
    trained = _climann("train", "--data", "tp_daily_sum_fixed.nc", "--data", "t2m_00utc.nc", "--target", "tp", "--epochs", "1",
                       "--out", "run", cwd=tmp_path)
    assert trained.returncode == 0, trained.stderr
    predicted = _climann("predict", "run", "--data", "t2m_00utc.nc", "--time-range", "2005-01-01,2005-12-31",
                         "--out", "p.nc", cwd=tmp_path)
    assert predicted.returncode == 0, predicted.stderr
    warned = [line for line in predicted.stderr.splitlines() if "has no bounds and is stamped at the start" in line]
    assert warned, predicted.stderr
    assert "total" not in warned[0] and "(2005-01-01, …)" in warned[0], warned[0]
    with xr.open_dataset(tmp_path / "p.nc") as written:  # the predictions themselves: the range asked for
        assert str(written[next(iter(written.dims.keys() & {"time", "valid_time"}))].values[0])[:10] == "2005-01-01"
