"""ECMWF S2S reforecasts in the web-API layout ``t2m(hdate, step, lat, lon)`` (break31a A3, C1)."""

import fnmatch
import re
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from climann.data.info import describe
from climann.data.open import open_dataset
from climann.data.subset import select_values
from climann.errors import ClimannError
from tests.forecast_files import LATITUDES, LONGITUDES, s2s_version_files


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


def test_reforecasts_of_two_model_version_files_are_joined_along_their_starts(tmp_path):
    """break41c C2: S2S reforecasts of 2 and 9 January (one file per model version date, 8 years each) were refused
    as 'overlap in time (2000 … 2007, 8 time steps in both …)' though no valid date is in both; --overlap first then
    dropped the second file's 8 starts. They are 16 starts, each valid day's forecast the file's own; starts in two
    files are still refused."""
    files, era5, _ = s2s_version_files(tmp_path, name="t2m_fc")
    select = {"step": 168, "number": 1}
    for overlap in ("error", "first", "last"):
        paired = select_values(open_dataset([*files, era5], select=select, overlap=overlap), select)
        expected = []
        for path in files:
            with xr.open_dataset(path) as forecast:
                expected += [(pd.Timestamp(str(h)) + pd.Timedelta(days=7), forecast["t2m_fc"].sel(
                    number=1, step=168, hdate=h).values) for h in forecast["hdate"].values]
        expected.sort(key=lambda pair: pair[0])
        assert [str(date)[:10] for date in paired["time"].values] == [str(day.date()) for day, _ in expected]
        np.testing.assert_array_equal(paired["t2m_fc"].transpose("time", ...).values,
                                      np.array([values for _, values in expected]))
    # starts in two files (four of the 9 January file's again, under another version date) are held twice
    with xr.open_dataset(files[1]) as second:
        second.isel(hdate=slice(0, 4)).to_netcdf(tmp_path / "ECMWF_S2S_reforecast_2t_2021-01-09.nc")
    with pytest.raises(ClimannError, match="overlap in time"):
        open_dataset([*files, tmp_path / "ECMWF_S2S_reforecast_2t_2021-01-09.nc", era5],
                     select={"step": 168, "number": 1})


def test_the_rename_advice_of_reforecast_files_names_every_file(tmp_path):
    """The first refusal's --rename named one of the two files ('…2020-01-02.nc:t2m=t2m_fc'): the next refusal then
    met the other. Now a pattern of both, and the copies of both by one loop, run as printed: each copy holds
    t2m_fc, and both open beside ERA5."""
    files, era5, _ = s2s_version_files(tmp_path)
    with pytest.raises(ClimannError) as refused:
        open_dataset([*files, era5], select={"step": 168, "number": 1})
    message = str(refused.value)
    assert "--rename 'ECMWF_S2S_reforecast_2t_2020-01-0*.nc:t2m=t2m_fc'" in message
    pattern = re.search(r"--rename '([^:]+):", message).group(1)
    assert [fnmatch.fnmatch(path.name, pattern) for path in (*files, era5)] == [True, True, False]
    if shutil.which("ncrename") is None:
        pytest.skip("needs NCO's ncrename")
    command = re.search(r"renamed copies, `([^`]*)`", message).group(1)
    subprocess.run(["bash", "-c", command], cwd=tmp_path, check=True)
    copies = sorted((tmp_path / "renamed").glob("*.nc"))
    assert [path.name for path in copies] == [path.name for path in files]
    for path in copies:
        with xr.open_dataset(path) as copy:
            assert "t2m_fc" in copy and "t2m" not in copy
    assert open_dataset([*copies, era5], select={"step": 168, "number": 1}).sizes["time"] == 16


def test_info_on_reforecasts_of_two_model_version_files_shows_every_start(tmp_path):
    """climann info, which reads a forecast at its first lead time (step 0: the starts), refused the two files as
    overlapping in time, step 0 being taken for an analysis's; it shows their 16 starts."""
    files, era5, _ = s2s_version_files(tmp_path, name="t2m_fc")
    report = describe([str(path) for path in (*files, era5)])
    assert "overlap" not in report
    assert "2000-01-02 to 2007-01-09" in report, report


def test_reforecast_files_with_members_in_another_order_pair_each_member_by_its_number(tmp_path):
    """rerun41 R1: the second version date's file rewritten with its members in another order (number 3, 1, 2, the
    data moved with them) was refused with xarray's "cannot align objects with join='exact' … 'number'" and no way
    out. With --select number=2 each file's member 2 is taken (numpy on the files as written, in one order); with
    no member selected, a one-line refusal names the dimension, both orders and the way out."""
    files, era5, _ = s2s_version_files(tmp_path, name="t2m_fc")
    expected = []
    for path in files:
        with xr.open_dataset(path) as forecast:
            expected += [(pd.Timestamp(str(h)) + pd.Timedelta(days=7), forecast["t2m_fc"].sel(
                number=2, step=168, hdate=h).values) for h in forecast["hdate"].values]
    expected.sort(key=lambda pair: pair[0])
    with xr.open_dataset(files[1]) as second:
        reordered = second.isel(number=[2, 0, 1]).load()
    assert reordered["number"].values.tolist() == [3, 1, 2]
    reordered.to_netcdf(files[1])
    select = {"step": 168, "number": 2}
    paired = select_values(open_dataset([*files, era5], select=select), select)
    assert [str(date)[:10] for date in paired["time"].values] == [str(day.date()) for day, _ in expected]
    np.testing.assert_array_equal(paired["t2m_fc"].transpose("time", ...).values,
                                  np.array([values for _, values in expected]))
    with pytest.raises(ClimannError) as refused:
        open_dataset([*files, era5], select={"step": 168})
    message = str(refused.value)
    assert "join='exact'" not in message
    assert "number values in different orders (1, 2, 3 in ECMWF_S2S_reforecast_2t_2020-01-02.nc, 3, 1, 2 in " \
        "ECMWF_S2S_reforecast_2t_2020-01-09.nc)" in message, message
    assert "--select number=VALUE" in message
