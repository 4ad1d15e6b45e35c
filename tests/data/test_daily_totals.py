"""ERA5-Land's accumulations from 00 UTC, restarted daily: found by their values whatever their sign
or name, refused with a line whose amounts equal NumPy's (break45b A1, A3, A4)."""

from __future__ import annotations

import os
import subprocess

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from climann.data.daily_totals import (daily_reset_hour, daily_reset_reading, daily_restart, daily_text, magnitude_changes,
                                       untold_restart, untold_text)
from climann.data.defaults import default_inputs
from climann.data.fill_like import read_together
from climann.data.open import open_dataset
from climann.data.running_totals import planned_running_totals
from climann.data.value_checks import warn_held_values
from climann.errors import ClimannError
from tests.fresh_python import shell_path

_DAYS = 14


def _hourly_amounts(times: pd.DatetimeIndex) -> dict[str, np.ndarray]:
    """Each hour's own amounts on a 3 x 4 grid: intermittent rain (m), solar radiation (J m**-2, 0 at
    night), evaporation (m, negative, with dew, positive, at some night hours of some cells)."""
    rng = np.random.default_rng(45)
    shape = (times.size, 3, 4)
    hours = times.hour.to_numpy()[:, None, None]
    sun = np.clip(np.sin(np.pi * (hours - 6) / 12), 0.0, None)
    rain = np.where(rng.random(shape) < 0.15, rng.gamma(0.6, 0.0012, shape), 0.0)
    ssrd = 3.0e6 * sun * rng.uniform(0.4, 1.0, shape)
    dew = (sun == 0) & (rng.random(shape) < 0.1)
    evaporation = np.where(dew, 2e-6, -(2e-5 + 8e-5 * sun) * rng.uniform(0.5, 1.0, shape))
    return {"tp": rain, "ssrd": ssrd, "e": evaporation}


def _from_00_utc(times: pd.DatetimeIndex, amounts: np.ndarray) -> np.ndarray:
    """ERA5-Land's totals: at each hour the sum since 00 UTC of its day (the value at 00 UTC closes
    the day before)."""
    day = pd.factorize((times - pd.Timedelta(hours=1)).normalize())[0]
    return np.concatenate([np.cumsum(amounts[day == number], axis=0) for number in np.unique(day)])


def _era5land(path, *, accumulated: bool = True, days: int = _DAYS, start: str = "2001-01-01T00",
              step: str = "h") -> pd.DatetimeIndex:
    """A CDS-like ``stepType-accum`` file (valid_time, latitude descending, GRIB_ attributes)."""
    times = pd.date_range(start, periods=days * 24, freq="h")
    amounts = _hourly_amounts(times)
    units = {"tp": "m", "ssrd": "J m**-2", "e": "m of water equivalent"}
    names = {"tp": "Total precipitation", "ssrd": "Surface short-wave (solar) radiation downwards",
             "e": "Total evaporation"}
    data = {name: (("valid_time", "latitude", "longitude"),
                   (_from_00_utc(times, value) if accumulated else value).astype(np.float32),
                   {"units": units[name], "long_name": names[name], "GRIB_stepType": "accum", "GRIB_shortName": name})
            for name, value in amounts.items()}
    dataset = xr.Dataset(data, coords={"valid_time": times, "latitude": [46.0, 45.9, 45.8],
                                       "longitude": [12.0, 12.1, 12.2, 12.3]})
    dataset = dataset.isel(valid_time=slice(None, None, 24 if step == "D" else 1))
    dataset["valid_time"].encoding.update(units="seconds since 1970-01-01", dtype="int64")
    dataset.to_netcdf(path)
    return times


def _found(path) -> dict[str, str | None]:
    dataset = open_dataset([path])
    (found,) = read_together(planned_running_totals(dataset, list(dataset.data_vars)))
    return found()


def test_every_accumulation_from_00_utc_is_found_whatever_its_sign(tmp_path):
    """ssrd (flat at night) and e (negative) as tp: one rule, no name, no sign (break45b A1)."""
    path = tmp_path / "data_stream-oper_stepType-accum.nc"
    _era5land(path)
    assert _found(path) == dict.fromkeys(["tp", "ssrd", "e"], daily_text(1))
    assert daily_restart(daily_text(1)) == 1 and daily_restart("since 1 October") is None


def test_each_hours_own_amounts_are_no_total(tmp_path):
    """ERA5's hourly amounts (the same GRIB_stepType accum): rain falls at any hour, radiation and
    evaporation each afternoon; none restarts at one hour only."""
    path = tmp_path / "era5_accum.nc"
    _era5land(path, accumulated=False)
    assert _found(path) == {}


def test_magnitude_changes_are_hand_counted():
    totals = np.array([[0.0, -1.0, 5.0], [1.0, -2.0, 5.0], [0.5, -2.0, 4.0], [0.5, -3.0, 4.0]])
    # step 1: none falls, 2 change; step 2: 2 fall (0.5 < 1, 4 < 5), 2 change; step 3: none falls, 1 changes
    np.testing.assert_array_equal(magnitude_changes(totals, 0), [[0, 0, 2, 0], [0, 2, 2, 1]])


def test_restart_hour_needs_enough_days():
    times = pd.date_range("2001-01-01T00", periods=24 * 5, freq="h")
    totals = _from_00_utc(times, _hourly_amounts(times)["tp"]).reshape(times.size, -1)
    data = xr.DataArray(totals, dims=("time", "cell"), coords={"time": times})
    assert daily_reset_hour(data.to_dataset(name="tp"), data, magnitude_changes(totals, 0)) is None  # 4 restarts


def test_refused_with_a_line_whose_hourly_amounts_equal_numpy(tmp_path, monkeypatch):
    """break45b A3: the printed line left each 01 UTC hour missing (or wrong: value minus the day
    before's total); every hour's amount and the total now equal NumPy's, for every accumulation."""
    monkeypatch.chdir(tmp_path)
    times = _era5land(tmp_path / "accum.nc")
    dataset = open_dataset([tmp_path / "accum.nc"])
    with pytest.raises(ClimannError) as refused:
        warn_held_values(dataset, ["ssrd"], where="accum.nc", file=tmp_path / "accum.nc")
    message = str(refused.value)
    assert "ssrd in accum.nc is a total accumulated from the start of each day's forecast" in message
    assert "n=['ssrd', 'tp', 'e']" in message  # every accumulation of the file differenced
    assert "never fall" not in message and "at 01 UTC the value as it is" in message
    command = next(part for part in message.split("`") if part.startswith("mkdir -p "))
    subprocess.run(["bash", "-c", command], check=True, capture_output=True, cwd=tmp_path,
                   env={**os.environ, "PATH": shell_path()})
    amounts = _hourly_amounts(times)
    with xr.open_dataset(tmp_path / "hourly_amounts" / "accum.nc") as copy:
        np.testing.assert_array_equal(copy["valid_time"].values, times.values[1:])  # 00 UTC of day 1: no hour before
        np.testing.assert_array_equal(copy["valid_time_bnds"].values[:, 0], times.values[:-1])
        with xr.open_dataset(tmp_path / "accum.nc") as original:
            for name, own in amounts.items():
                totals = original[name].values.astype(np.float64)
                expected = np.diff(totals, axis=0)  # NumPy by hand: each hour minus the one before …
                first = (times.hour == 1)[1:]
                expected[first] = totals[1:][first]  # … but 01 UTC, the first hour's own
                got = copy[name].values.astype(np.float64)
                np.testing.assert_allclose(got, expected, rtol=0, atol=1e-6 * np.abs(expected).max())
                np.testing.assert_allclose(got, own[1:], rtol=0, atol=1e-6 * np.abs(own).max())
                np.testing.assert_allclose(got.sum(axis=0), own[1:].sum(axis=0), rtol=1e-5)
                assert copy[name].attrs["cell_methods"] == "time: sum"
    warn_held_values(open_dataset([tmp_path / "hourly_amounts" / "accum.nc"]), ["ssrd", "tp", "e"],
                     where="copy", file=None)  # the copies train as they are


def test_accumulations_left_out_of_the_default_predictors(tmp_path):
    """break45b A4: the rule that leaves them out of info's predictors is the one train applies."""
    path = tmp_path / "accum.nc"
    _era5land(path)
    dataset = open_dataset([path])
    found = _found(path)
    chosen = default_inputs(dataset, "tp", value_totals=found)
    assert set(chosen.running_totals) == {"ssrd", "e"} and "ssrd" not in chosen.predictors


def test_daily_totals_kept_at_00_utc_are_refused_without_a_unit_conversion(tmp_path):
    """break45b A2: tp kept at 00 UTC (each value the day before's total) was read as the day
    beginning at its stamp, a day late; refused whatever the route."""
    path = tmp_path / "tp_00utc.nc"
    _era5land(path, step="D")
    dataset = open_dataset([path])
    with pytest.raises(ClimannError, match=r"'tp' in tp_00utc.nc would be read as the value of each time step, but "
                                           r"its time has no bounds .* stamped 1 day apart"):
        warn_held_values(dataset, ["tp"], where="tp_00utc.nc", file=path)


@pytest.mark.parametrize(("accumulated", "found"), [
    pytest.param(True, dict.fromkeys(["tp", "ssrd", "e"], daily_text(1)), id="ERA5-Land-totals-at-one-cell"),
    pytest.param(False, {}, id="hourly-amounts-at-one-cell"),
])
def test_at_one_cell_totals_from_00_utc_are_still_found_and_amounts_are_not(tmp_path, accumulated, found):
    """break46d A1's fix (a total grows between its restarts, or restarts at one hour of the day) keeps ERA5-Land's
    totals at one cell (a station's nearest), rain wet at 15 % of the hours: they restart at 01 UTC every day; the
    hourly amounts of the same cell, falling at any hour, are none."""
    _era5land(tmp_path / "grid.nc", accumulated=accumulated, days=30)
    with xr.open_dataset(tmp_path / "grid.nc") as grid:
        grid.isel(latitude=0, longitude=0).load().to_netcdf(tmp_path / "cell.nc")
    assert _found(tmp_path / "cell.nc") == found


def _snow_held(path, name: str, units: str, long_name: str) -> None:
    """Hourly snow on the ground (a state), lowered at 00 UTC each day (a daily snow analysis or
    melt) and raised by snowfall at other hours: values that fall back at one hour each day."""
    rng = np.random.default_rng(49)
    times = pd.date_range("2001-01-01T00", periods=_DAYS * 24, freq="h")
    held, snow = np.full((3, 4), 50.0), np.empty((times.size, 3, 4))
    for step, hour in enumerate(times.hour):
        change = -rng.uniform(5.0, 9.0, (3, 4)) if hour == 0 else np.where(rng.random((3, 4)) < 0.3,
                                                                             rng.gamma(1.0, 0.3, (3, 4)), 0.0)
        held = np.maximum(held + change, 0.0)
        snow[step] = held
    xr.Dataset({name: (("time", "lat", "lon"), snow.astype(np.float32), {"units": units, "long_name": long_name})},
               coords={"time": times, "lat": [46.0, 46.1, 46.2], "lon": [12.0, 12.1, 12.2, 12.3]}).to_netcdf(path)


def test_snow_amount_held_on_the_ground_is_no_total_restarted_daily(tmp_path):
    """fix49i: CMIP's ``snw`` ("Surface Snow Amount", kg m-2) is a state, like soil moisture: its
    fall at 00 UTC each day was read as a total restarted daily and the user told to difference
    it; its daily value is its mean. The same values named precipitation are still found."""
    _snow_held(tmp_path / "snw.nc", "snw", "kg m-2", "Surface Snow Amount")
    _snow_held(tmp_path / "tp.nc", "tp", "kg m-2", "Total precipitation")
    assert _found(tmp_path / "snw.nc") == {}
    assert _found(tmp_path / "tp.nc") == {"tp": daily_text(0)}
    warn_held_values(open_dataset([tmp_path / "snw.nc"]), ["snw"], where="snw.nc", file=tmp_path / "snw.nc")


def _ssrd_at(path, stamp: str) -> float:
    with xr.open_dataset(path) as opened:
        return float(opened["ssrd"].sel(valid_time=stamp).mean())


def test_fewer_days_than_tell_are_neither_reading_silently(tmp_path, monkeypatch):
    """break51d A1: 6 days of ERA5-Land (too few for the rule) were read as hourly amounts, exit 0: ssrd at
    18 UTC, the total since 00 UTC (2.236e7 J m-2), was taken for the hour's own amount (9.58e5 J m-2). Refused naming both readings;
    the ERA5-Land line writes NumPy's amount of that hour, the ERA5 line keeps the value and says so."""
    monkeypatch.chdir(tmp_path)
    times = _era5land(tmp_path / "week.nc", days=6)
    amounts = _hourly_amounts(times)["ssrd"]
    at = times.get_loc(pd.Timestamp("2001-01-03T15"))  # this fixture's sun sets at 18 UTC
    total = _from_00_utc(times, amounts)[at].mean()
    assert total > 5 * amounts[at].mean()  # the two readings: the day so far, or the hour's own
    assert _found(tmp_path / "week.nc") == dict.fromkeys(["tp", "ssrd", "e"], untold_text(1))
    with pytest.raises(ClimannError) as refused:
        warn_held_values(open_dataset([tmp_path / "week.nc"]), ["ssrd"], where="week.nc", file=tmp_path / "week.nc")
    message = str(refused.value)
    assert "\n" not in message and "ERA5's hourly accumulations" in message and "ERA5-Land's" in message
    assert "fewer than 9 days" in message
    era5, land = (part for part in message.split("`") if part.startswith("mkdir -p "))
    for command in (era5, land):
        subprocess.run(["bash", "-c", command], check=True, capture_output=True, cwd=tmp_path,
                       env={**os.environ, "PATH": shell_path()})
    stored = 2.5e-7 * total  # the totals are float32: each within half a unit in the last place
    np.testing.assert_allclose(_ssrd_at(tmp_path / "hourly_amounts" / "week.nc", "2001-01-03T15"), amounts[at].mean(),
                               rtol=0, atol=stored)
    np.testing.assert_allclose(_ssrd_at(tmp_path / "hour_totals" / "week.nc", "2001-01-03T15"), total, rtol=0,
                               atol=stored)
    for copy in ("hourly_amounts", "hour_totals"):  # either copy says what its values are, and trains
        warn_held_values(open_dataset([tmp_path / copy / "week.nc"]), ["ssrd", "tp", "e"], where="copy", file=None)


def test_fewer_days_of_each_hours_amounts_are_read_as_amounts(tmp_path):
    """ERA5's own hourly amounts over 6 days fall at many hours: no restart to ask about."""
    _era5land(tmp_path / "era5.nc", days=6, accumulated=False)
    assert _found(tmp_path / "era5.nc") == {}


def test_restart_reading_on_few_days_is_untold():
    times = pd.date_range("2001-01-01T00", periods=24 * 5, freq="h")
    totals = _from_00_utc(times, _hourly_amounts(times)["tp"]).reshape(times.size, -1)
    data = xr.DataArray(totals, dims=("time", "cell"), coords={"time": times})
    assert daily_reset_reading(data.to_dataset(name="tp"), data, magnitude_changes(totals, 0)) == (1, False)
    assert untold_restart(untold_text(1)) == 1 and daily_restart(untold_text(1)) is None


def test_daily_files_of_few_days_get_a_line_that_never_differences_across_the_restart(tmp_path, monkeypatch):
    """break51d A2: a week of ERA5-Land in daily files (00-23 UTC each): the printed line wrote
    value(01) - value(00), the first hour minus the day before's total, at 01 UTC (3 778 values
    missing, 82 wrong). Every value the ERA5-Land line writes now equals NumPy's hour amount, and
    each file's 00 UTC is the last hour of the day before (break54a A2)."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "days"
    folder.mkdir()
    times = _era5land(tmp_path / "all.nc", days=6)
    with xr.open_dataset(tmp_path / "all.nc") as whole:
        for day, group in whole.groupby(whole["valid_time"].dt.floor("D")):
            group.to_netcdf(folder / f"land_{pd.Timestamp(day):%Y%m%d}.nc")
    paths = sorted(folder.glob("*.nc"))
    dataset = open_dataset(paths)
    with pytest.raises(ClimannError) as refused:
        warn_held_values(dataset, ["tp"], where="days", file=None)
    message = str(refused.value)
    assert "a total accumulated since a start" not in message
    land = [part for part in message.split("`") if part.startswith("mkdir -p ")][-1]
    assert "hourly_amounts" in land
    subprocess.run(["bash", "-c", land], check=True, capture_output=True, cwd=tmp_path,
                   env={**os.environ, "PATH": shell_path()})
    _assert_amounts_across_files(paths, folder / "hourly_amounts", times)


def _assert_amounts_across_files(paths, copies, times: pd.DatetimeIndex) -> None:
    """Every value the ERA5-Land line wrote for the files ``paths`` (in time order) equals NumPy's
    hour amount, every hour but the very first is written (a file's 00 UTC differenced from the last
    hour of the file before it: break54a A2), and each day's total of the copies equals the day's."""
    amounts = _hourly_amounts(times)
    with xr.open_mfdataset(paths, combine="nested", concat_dim="valid_time") as originals, \
            xr.open_mfdataset([copies / path.name for path in paths], combine="nested", concat_dim="valid_time") as copy:
        np.testing.assert_array_equal(copy["valid_time"].values, times.values[1:])  # only the very first has none before
        np.testing.assert_array_equal(copy["valid_time_bnds"].values[:, 0], times.values[:-1])
        for name, own in amounts.items():
            totals = originals[name].values.astype(np.float64)
            by_hand = np.diff(totals, axis=0)  # NumPy: each hour minus the one before, across the files …
            first = (times.hour == 1)[1:]
            by_hand[first] = totals[1:][first]  # … and at 01 UTC the first hour's own, never across the restart
            got = copy[name].values.astype(np.float64)
            assert np.isfinite(got).all()
            largest = np.abs(totals).max()
            np.testing.assert_allclose(got, by_hand, rtol=0, atol=1e-7 * largest)
            np.testing.assert_allclose(got, own[1:], rtol=0, atol=2.5e-7 * largest)  # float32 totals
            # each whole day's total (01 UTC … 00 UTC of the next) from the copies equals the day's own amounts
            days = got[:got.shape[0] // 24 * 24].reshape(-1, 24, *got.shape[1:]).sum(axis=1)  # 01 UTC to 00 UTC
            own_days = own[1:1 + days.shape[0] * 24].reshape(-1, 24, *own.shape[1:]).sum(axis=1)
            np.testing.assert_allclose(days, own_days, rtol=0, atol=24 * 2.5e-7 * largest)


def test_monthly_files_lose_no_hour_at_the_months_ends(tmp_path, monkeypatch):
    """break54a A2: with the CDS's monthly files the line dropped each file's 00 UTC of the 1st (the
    last hour of the month before, whose 23 UTC total is in the file before): now differenced across
    the files in time order; every hourly amount and daily total of 3 months equals NumPy's."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "months"
    folder.mkdir()
    times = _era5land(tmp_path / "all.nc", days=31 + 28 + 31, start="2022-01-01T00")
    with xr.open_dataset(tmp_path / "all.nc") as whole:
        for month, group in whole.groupby(whole["valid_time"].dt.strftime("%Y-%m")):
            group.to_netcdf(folder / f"era5land_{month}.nc")
    paths = sorted(folder.glob("*.nc"))
    assert len(paths) == 3
    with pytest.raises(ClimannError) as refused:
        warn_held_values(open_dataset(paths), ["tp"], where="months", file=None)
    land = [part for part in str(refused.value).split("`") if part.startswith("mkdir -p ")][-1]
    assert "the files taken in time order" in str(refused.value)
    subprocess.run(["bash", "-c", land], check=True, capture_output=True, cwd=tmp_path,
                   env={**os.environ, "PATH": shell_path()})
    _assert_amounts_across_files(paths, folder / "hourly_amounts", times)
    with xr.open_dataset(folder / "hourly_amounts" / "era5land_2022-02.nc") as february:
        assert february["valid_time"].values[0] == np.datetime64("2022-02-01T00")  # 31 January 23-24 UTC kept


def _sub_daily_from_00_utc(path, *, step: int, days: int = _DAYS) -> tuple[pd.DatetimeIndex, dict[str, np.ndarray]]:
    """Totals since 00 UTC at 03, 06 … 00 UTC (``step`` hours apart; the value at 00 UTC closes the
    day before), as JRA-3Q's or ERA5's forecast accumulations converted by CDO: no GRIB_ attribute."""
    hours = pd.date_range("2001-01-01T00", periods=days * 24, freq="h")
    hourly = _hourly_amounts(hours)
    times = hours[::step]
    own = {name: value.reshape(days * 24 // step, step, 3, 4).sum(axis=1) for name, value in hourly.items()}
    own = {name: np.roll(value, -1, axis=0) for name, value in own.items()}  # over the step before each stamp
    units = {"tp": "m", "ssrd": "J m-2", "e": "m"}
    names = {"tp": "Total precipitation", "ssrd": "Surface solar radiation downwards", "e": "Evaporation"}
    xr.Dataset({name: (("time", "lat", "lon"), _from_00_utc(times, value).astype(np.float32),
                       {"units": units[name], "long_name": names[name]}) for name, value in own.items()},
               coords={"time": times, "lat": [46.0, 45.9, 45.8], "lon": [12.0, 12.1, 12.2, 12.3]}).to_netcdf(path)
    return times, own


@pytest.mark.parametrize("step", [pytest.param(3, id="3-hourly"), pytest.param(6, id="6-hourly")])
def test_sub_daily_totals_restarted_daily_get_a_line_whose_amounts_equal_numpy(tmp_path, monkeypatch, step):
    """fix52a: totals since 00 UTC every 3 or 6 hours, without GRIB attributes, got the generic line,
    which wrote value(03) - value(00), the first 3 hours minus the day before's total (missing where it
    fell, wrong where it rose; ssrd and e were not even refused). Every value the printed line writes
    now equals NumPy's amount of its step."""
    monkeypatch.chdir(tmp_path)
    times, own = _sub_daily_from_00_utc(tmp_path / "jra.nc", step=step)
    assert _found(tmp_path / "jra.nc") == dict.fromkeys(["tp", "ssrd", "e"], daily_text(step, step))
    with pytest.raises(ClimannError) as refused:
        warn_held_values(open_dataset([tmp_path / "jra.nc"]), ["ssrd"], where="jra.nc", file=tmp_path / "jra.nc")
    message = str(refused.value)
    assert "\n" not in message and f"at {step:02d} UTC the value as it is" in message
    assert f"[time - {step} hours, time]" in message
    (command,) = [part for part in message.split("`") if part.startswith("mkdir -p ")]
    subprocess.run(["bash", "-c", command], check=True, capture_output=True, cwd=tmp_path,
                   env={**os.environ, "PATH": shell_path()})
    with xr.open_dataset(tmp_path / f"{step}hourly_amounts" / "jra.nc") as copy, \
            xr.open_dataset(tmp_path / "jra.nc") as original:
        np.testing.assert_array_equal(copy["time"].values, times.values[1:])  # 00 UTC of day 1: no step before
        np.testing.assert_array_equal(copy["time_bnds"].values[:, 0], times.values[:-1])
        for name, amounts in own.items():
            totals = original[name].values.astype(np.float64)
            by_hand = np.diff(totals, axis=0)  # NumPy: each step minus the one before …
            first = (times.hour == step)[1:]
            by_hand[first] = totals[1:][first]  # … but the first step of the day, its own total since 00 UTC
            got = copy[name].values.astype(np.float64)
            largest = np.abs(totals).max()
            np.testing.assert_allclose(got, by_hand, rtol=0, atol=1e-7 * largest)
            np.testing.assert_allclose(got, amounts[1:], rtol=0, atol=2.5e-7 * largest)  # float32 totals
            assert copy[name].attrs["cell_methods"] == "time: sum"
    warn_held_values(open_dataset([tmp_path / f"{step}hourly_amounts" / "jra.nc"]), ["ssrd", "tp", "e"],
                     where="copy", file=None)  # the copies train as they are


def test_sub_daily_totals_on_few_days_name_both_readings_with_the_step():
    """Totals since 00 UTC every 3 hours on 5 days: untold, said with their step."""
    times = pd.date_range("2001-01-01T00", periods=8 * 5, freq="3h")
    totals = _from_00_utc(times, np.random.default_rng(1).gamma(0.5, 1.0, (times.size, 6)))
    data = xr.DataArray(totals, dims=("time", "cell"), coords={"time": times})
    assert daily_reset_reading(data.to_dataset(name="tp"), data, magnitude_changes(totals, 0)) == (3, False)
    assert untold_restart(untold_text(3, 3)) == 3 and daily_restart(daily_text(6, 6)) == 6
    assert daily_text(6, 6) == "since each day's 00 UTC, every 6 hours" and daily_text(1) == "since each day's 00 UTC"


def test_evaporation_with_much_dew_is_read_as_its_files_other_totals(tmp_path):
    """Without GRIB attributes, evaporation whose totals dew turns back toward 0 at half the night
    steps is no total by its own values (alone in a file: none found), but beside the file's tp and
    ssrd found restarting daily it is one of them (fix52a: it trained as 3-hourly amounts)."""
    times, own = _sub_daily_from_00_utc(tmp_path / "jra.nc", step=3)
    with xr.open_dataset(tmp_path / "jra.nc") as opened:
        dataset = opened.load()
    hours = times.hour.to_numpy()[:, None, None]
    dew = ((hours < 6) | (hours >= 18)) & (np.random.default_rng(5).random(own["e"].shape) < 0.5)
    totals = _from_00_utc(times, np.where(dew, 5e-6, own["e"])).astype(np.float32)
    dataset["e"] = (dataset["e"].dims, totals, dataset["e"].attrs)
    dataset.to_netcdf(tmp_path / "dew.nc")
    dataset[["e"]].to_netcdf(tmp_path / "alone.nc")
    assert _found(tmp_path / "alone.nc") == {}
    assert _found(tmp_path / "dew.nc") == dict.fromkeys(["tp", "ssrd", "e"], daily_text(3, 3))
