"""A forecast started several times a day beside daily observations (climann/data/forecast_cycles.py,
break41c C4): the way out chooses one cycle, never averages the starts (``cdo daymean``)."""

from __future__ import annotations

import re
import shlex

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from climann.data.open import open_dataset
from climann.data.subset import select_values
from climann.errors import ClimannError
from tests.forecast_files import LATITUDES, LONGITUDES
from tests.fresh_python import bare_python, run_python

SELECT = {"leadtime": 168}


def _four_cycles(folder):
    """``cfs.nc``: tmp2m(reftime, leadtime, lat, lon), starts every 5 days at 00, 06, 12 and 18 UTC through 2000,
    leadtime 0 to 240 h daily, valid times ``time(reftime, leadtime)`` (CF: standard names, no bounds), each value the
    observed mean of the day it is valid in + noise (0.1 K); ``obs.nc``: daily means with 1-day time_bnds. Returns
    the daily means and their days."""
    rng = np.random.default_rng(1)
    days = pd.date_range("2000-01-01", "2001-01-31", freq="D")
    means = rng.normal(275, 3, (len(days), LATITUDES.size, LONGITUDES.size))
    starts = pd.DatetimeIndex([day + pd.Timedelta(hours=hour) for day in pd.date_range("2000-01-01", "2000-12-31",
                                                                                       freq="5D")
                               for hour in (0, 6, 12, 18)])
    leads = np.arange(11) * 24.0
    valid = starts.values[:, None] + (leads * 3600e9).astype("timedelta64[ns]")[None, :]
    index = (valid.astype("datetime64[D]") - np.datetime64("2000-01-01")).astype(int)
    forecasts = means[index] + rng.normal(0, 0.1, index.shape + means.shape[1:])
    hours = {"units": "hours since 2000-01-01", "calendar": "standard"}
    grid = {"lat": ("lat", LATITUDES, {"units": "degrees_north"}), "lon": ("lon", LONGITUDES, {"units": "degrees_east"})}
    since = lambda times: (times - np.datetime64("2000-01-01")) / np.timedelta64(1, "h")  # noqa: E731
    xr.Dataset({"tmp2m": (("reftime", "leadtime", "lat", "lon"), forecasts.astype("f4"), {"units": "K"})},
               coords={"reftime": ("reftime", since(starts.values), {"standard_name": "forecast_reference_time",
                                                                     **hours}),
                       "leadtime": ("leadtime", leads, {"standard_name": "forecast_period", "units": "hours"}),
                       "time": (("reftime", "leadtime"), since(valid), {"standard_name": "time", **hours}), **grid}
               ).to_netcdf(folder / "cfs.nc")
    day_hours = since(days.values)
    xr.Dataset({"t2m": (("time", "lat", "lon"), means.astype("f4"), {"units": "K", "cell_methods": "time: mean"}),
                "time_bnds": (("time", "bnds"), np.stack([day_hours, day_hours + 24], -1))},
               coords={"time": ("time", day_hours, {"standard_name": "time", "bounds": "time_bnds", **hours}), **grid}
               ).to_netcdf(folder / "obs.nc")
    return means.astype("f4"), days


def test_four_cycles_a_day_are_told_to_choose_one_and_the_line_pairs_each_with_its_valid_day(tmp_path):
    """The refusal advised `cdo daymean cfs.nc cfs_daily.nc`, which averages over the starts, drops the valid times
    and left the file dated by its starts (break41c C4). Now it says to choose one cycle, with an xarray line; run
    as printed, the copy holds the 12 UTC starts, valid at 12:00 of each day (inside it), and each is paired with
    that day's observed mean."""
    means, days = _four_cycles(tmp_path)
    with pytest.raises(ClimannError) as refused:
        open_dataset([tmp_path / "cfs.nc", tmp_path / "obs.nc"], select=SELECT)
    message = str(refused.value)
    assert "started 4 times a day (its reftime at 00, 06, 12, 18 UTC)" in message
    assert "choose one cycle" in message and "`cdo daymean" not in message
    words = shlex.split(re.search(r"`(python -c [^`]*)`", bare_python(message)).group(1))
    run_python(*words[1:], check=True, cwd=tmp_path)
    copy = tmp_path / "cfs_12utc.nc"
    paired = select_values(open_dataset([copy, tmp_path / "obs.nc"], select=SELECT), SELECT)
    with xr.open_dataset(tmp_path / "cfs.nc") as forecast:
        noon = forecast["reftime"].dt.hour == 12
        expected = forecast["tmp2m"].sel(leadtime=168).isel(reftime=noon)
        valid_days = (expected["reftime"].values + np.timedelta64(7, "D")).astype("datetime64[D]")
        np.testing.assert_array_equal(paired["tmp2m"].transpose("time", ...).values, expected.values)
    at = (valid_days - np.datetime64("2000-01-01")).astype(int)
    np.testing.assert_array_equal(paired["t2m"].transpose("time", ...).values, means[at])
