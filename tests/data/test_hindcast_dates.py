"""ECMWF S2S reforecasts in the web-API layout ``t2m(hdate, step, lat, lon)`` (break31a A3, C1)."""

import numpy as np
import pandas as pd
import xarray as xr

from climann.data.info import describe
from climann.data.open import open_dataset
from climann.data.subset import select_values
from tests.forecast_files import LATITUDES, LONGITUDES


def _reforecast_pair(tmp_path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Writes ``refc.nc`` (``hdate`` int YYYYMMDD, ``step`` 0…46 days in hours, a scalar
    ``time`` = the model version date 2006-01-09) whose value at (h, s) is the observation of
    day h + s, and ``obs.nc``: the daily observations at hdate + 21 days. Returns the hdates'
    valid days at step 504 h, the forecasts there, and the observations written."""
    rng = np.random.default_rng(3)
    days = pd.date_range("2000-01-01", "2005-12-31", freq="D")
    observed = rng.normal(280, 3, (len(days), len(LATITUDES), len(LONGITUDES))).astype("float32")
    hdates = pd.DatetimeIndex(sorted([pd.Timestamp(year, 1, day) for year in range(2000, 2005) for day in (6, 9)]))
    steps = np.arange(47) * 24
    index = {day: position for position, day in enumerate(days)}
    values = np.array([[observed[index[h + pd.Timedelta(hours=int(s))]] for s in steps] for h in hdates])
    grid = {"latitude": ("latitude", LATITUDES, {"units": "degrees_north"}),
            "longitude": ("longitude", LONGITUDES, {"units": "degrees_east"})}
    xr.Dataset({"t2m_fc": (("hdate", "step", "latitude", "longitude"), values, {"units": "K"})},
               coords={"hdate": ("hdate", np.array([int(h.strftime("%Y%m%d")) for h in hdates], "i4")),
                       "step": ("step", steps.astype("i4"), {"units": "hours", "standard_name": "forecast_period"}),
                       "time": ((), np.datetime64("2006-01-09", "ns"),
                                {"standard_name": "forecast_reference_time", "long_name": "model version date"}),
                       **grid}).to_netcdf(tmp_path / "refc.nc")
    valid = hdates + pd.Timedelta(days=21)
    at_valid = observed[[index[day] for day in valid]]
    xr.Dataset({"t2m": (("time", "latitude", "longitude"), at_valid, {"units": "K"})},
               coords={"time": ("time", valid.values), **grid}).to_netcdf(tmp_path / "obs.nc")
    return valid.values, values[:, 21], at_valid


def test_a_reforecast_is_paired_with_the_observations_of_its_valid_days(tmp_path):
    """``hdate`` are the reforecasts' starts: with ``step=504`` (hours) each is valid 21 days
    later and paired with that day's observation, which it equals (the fixture's forecast is
    the observation of its valid day). Before: the model version date was the only time, and
    one reforecast a static field beside every observation."""
    valid, forecasts, observed = _reforecast_pair(tmp_path)
    select = {"step": 504}
    paired = select_values(open_dataset([tmp_path / "refc.nc", tmp_path / "obs.nc"], select=select), select)
    assert [date.strftime("%Y-%m-%d") for date in paired["time"].values] == [
        str(day)[:10] for day in valid]
    assert paired["t2m_fc"].dims == paired["t2m"].dims  # on the one time axis, not a field of its own
    np.testing.assert_array_equal(paired["t2m_fc"].values, forecasts)
    np.testing.assert_array_equal(paired["t2m"].values, observed)


def test_the_model_version_date_is_kept_as_an_attribute_not_a_time(tmp_path):
    """The scalar ``time`` (the model version, the same for every reforecast) is no valid time."""
    from climann.data.hindcast_dates import with_hindcast_dates

    _reforecast_pair(tmp_path)
    with xr.open_dataset(tmp_path / "refc.nc") as opened:
        read = with_hindcast_dates(opened)
    assert "time" not in read.coords
    assert read["hdate"].attrs["model_version_date"] == "2006-01-09"
    assert read["hdate"].attrs["standard_name"] == "forecast_reference_time"


def test_info_shows_the_start_dates_as_dates(tmp_path):
    """C1: ``climann info`` gave the hdates as ``2.00001e+07`` and the time as the model version
    date, "a single time step"; now their dates."""
    _reforecast_pair(tmp_path)
    report = describe([str(tmp_path / "refc.nc")])
    assert "2000-01-06 to 2004-01-09" in report
    assert "e+07" not in report
    assert "single time step" not in report
