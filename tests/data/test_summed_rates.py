"""Rates summed over time cells longer than their period (climann/data/summed_rates.py): MSWEP's
3-hourly precipitation in ``mm/(3 h)`` summed to days (``cdo daysum``: ``time: sum``, daily bounds,
the units kept) was scored and labelled in mm/(3 h), every score 8 times too large for its label
(break50d A1)."""

from __future__ import annotations

import datetime
import json
import re
import shutil
import subprocess

import netCDF4
import numpy as np
import pytest
from typer.testing import CliRunner

from climann.cli import app
from climann.data.open import open_dataset
from climann.data.summed_rates import rate_period
from climann.errors import ClimannError
from tests.followed_twice import GUARD

LAT = np.array([47.95, 47.85, 47.75, 47.65])  # descending, as MSWEP's
LON = np.array([10.05, 10.15, 10.25, 10.35, 10.45])
YEARS = (2000, 2001, 2002, 2003)


def _three_hourly(year):
    """The year's 3-hourly values in mm per 3 h, shape (days, 8, lat, lon): half of them dry."""
    days = (datetime.date(year + 1, 1, 1) - datetime.date(year, 1, 1)).days
    rng = np.random.default_rng(year)
    shape = (days, 8, LAT.size, LON.size)
    return np.where(rng.random(shape) < 0.5, rng.gamma(0.7, 1.0, shape), 0).astype("f4")


def _daily_file(path, year, *, method, units="mm/(3 h)", missing_days=()):
    """A daily file as ``cdo daysum`` (``method`` "sum") or ``daymean`` ("mean") writes it from the
    3-hourly values, its cells whole days: time at 00:00, ``time_bnds`` [day, next day]; the days
    of the year ``missing_days`` (0-based) left out of the axis, as Daymet leaves out 31 December."""
    values = _three_hourly(year)
    daily = values.sum(axis=1) if method == "sum" else values.mean(axis=1)
    kept = np.setdiff1d(np.arange(daily.shape[0]), missing_days)
    daily = daily[kept]
    start = (datetime.date(year, 1, 1) - datetime.date(1899, 12, 31)).days
    with netCDF4.Dataset(path, "w") as nc:
        nc.createDimension("time", None)
        nc.createDimension("lat", LAT.size)
        nc.createDimension("lon", LON.size)
        nc.createDimension("bnds", 2)
        time = nc.createVariable("time", "f8", ("time",))
        time.units, time.standard_name, time.calendar, time.bounds = (
            "days since 1899-12-31 00:00:00", "time", "standard", "time_bnds")
        time[:] = start + kept
        nc.createVariable("time_bnds", "f8", ("time", "bnds"))[:] = np.stack([time[:], time[:] + 1], axis=1)
        for name, axis, values in (("lat", "degrees_north", LAT), ("lon", "degrees_east", LON)):
            nc.createVariable(name, "f8", (name,))[:] = values
            nc[name].units = axis
        variable = nc.createVariable("precipitation", "f4", ("time", "lat", "lon"), fill_value=np.float32(-9999))
        variable.units, variable.cell_methods = units, f"time: {method}"
        variable[:] = daily
    return daily


@pytest.mark.parametrize(("units", "seconds"), [("mm/(3 h)", 10800), ("mm/hr", 3600), ("kg m-2 s-1", 1),
                                                 ("mm d-1", 86400), ("mm", None), ("K", None), ("mm/3h", 10800),
                                                 ("W m-2", 1), ("m3 s-1", 1), ("J m-2", None),
                                                 # break54b A3: MSWEP's own spellings, a count glued to its unit
                                                 ("mm/h", 3600), ("mm/d", 86400), ("mm/day", 86400),
                                                 ("mm/6h", 21600), ("mm/3hr", 10800), ("mm 3hr-1", 10800),
                                                 ("mm/24h", 86400), ("kg/m^2/8day", 8 * 86400)])
def test_the_period_of_a_rate_is_read_by_the_units_library(units, seconds):
    period = rate_period(units)
    assert (None if period is None else period.total_seconds()) == seconds


@pytest.mark.parametrize(("units", "factor"), [pytest.param("mm/(3 h)", 8, id="mm-per-(3-h)"),
                                               pytest.param("mm/3h", 8, id="mswep-mm-per-3h"),
                                               pytest.param("mm/3 h", 8, id="mm-per-3-h"),
                                               pytest.param("mm 3hr-1", 8, id="mm-3hr-1"),
                                               pytest.param("mm/6h", 4, id="mm-per-6h")])
def test_a_daily_sum_of_rates_per_3_hours_is_refused_with_the_units_of_the_sum(tmp_path, units, factor):
    """break50d A1: one line naming the cells (1 day, from the bounds) and the rate's period (3 hours).
    break54b A3: MSWEP's own spelling 'mm/3h' (which cdo daysum keeps) was only warned of as unreadable and
    trained on, daily totals scored as mm/3h: each spelling of a rate per N hours is read and refused alike."""
    _daily_file(tmp_path / "2000.nc", 2000, method="sum", units=units)
    with pytest.raises(ClimannError) as refused:
        open_dataset([tmp_path / "2000.nc"])
    message = str(refused.value)
    assert "\n" not in message
    hours = 24 // factor
    assert f"'{units}', a rate per {hours} hours" in message
    assert f"a sum of {factor} values per {hours} hours" in message
    assert "'time: sum' over time cells of 1 day (its time bounds ('time_bnds'))" in message
    assert "ncatted -a units,precipitation,o,c,mm " in message


def test_a_daily_mean_of_rates_per_3_hours_keeps_its_units(tmp_path):
    """A mean rate keeps the rate's units: ``time: mean`` over days of mm/(3 h) is read as it is."""
    daily = _daily_file(tmp_path / "2000.nc", 2000, method="mean")
    opened = open_dataset([tmp_path / "2000.nc"])
    assert opened["precipitation"].attrs["units"] == "mm/(3 h)"
    np.testing.assert_allclose(opened["precipitation"].values, daily, rtol=1e-6)


@pytest.mark.parametrize("units", ["kg m-2 s-1", "m3 s-1", "W m-2"])
def test_a_rate_per_second_summed_over_days_is_refused_in_one_line(tmp_path, units):
    """fix51c: ERA5/CMIP-style precipitation in kg m-2 s-1 with 'time: sum' over days was read as the rate (the
    per-second units were left to other checks, which said nothing): a sum keeps the units of what it sums (CF 1.8
    Appendix E), so its values are 86 400 rates per second, or 24 hourly ones, or the cell method is wrong and
    nothing says which. Refused in one line naming both readings and the ncatted of the mean."""
    _daily_file(tmp_path / "2000.nc", 2000, method="sum", units=units)
    with pytest.raises(ClimannError) as refused:
        open_dataset([tmp_path / "2000.nc"])
    message = str(refused.value)
    assert "\n" not in message
    assert f"'{units}', a rate per second, but its cell_methods say 'time: sum' over time cells of 1 day" in message
    assert "of 86400 if over every second of its cell, of 24 if cdo summed hourly rates" in message
    assert "ncatted -a cell_methods,precipitation,o,c,'time: mean' " in message


def test_a_rate_per_second_summed_over_months_keeps_its_other_cell_methods_in_the_advice(tmp_path):
    """Monthly cells (the spacing of the times, no bounds): 'area: mean time: sum' becomes 'area: mean time: mean',
    the area entry kept; a 30-day month of hourly rates is 720 of them."""
    import xarray as xr

    times = xr.date_range("2000-01-01", periods=24, freq="MS", calendar="360_day", use_cftime=True)
    dataset = xr.Dataset({"pr": (("time", "lat", "lon"), np.full((24, LAT.size, LON.size), 2e-5, "f4"),
                                 {"units": "kg m-2 s-1", "cell_methods": "area: mean time: sum"})},
                         coords={"time": times, "lat": ("lat", LAT, {"units": "degrees_north"}),
                                 "lon": ("lon", LON, {"units": "degrees_east"})})
    dataset.to_netcdf(tmp_path / "monthly.nc")
    with pytest.raises(ClimannError, match=r"over time cells of 30 days \(the spacing of its times\).*of 2592000 if "
                                           r"over every second of its cell, of 720 if cdo summed hourly rates.*"
                                           r"ncatted -a cell_methods,pr,o,c,'area: mean time: mean' "):
        open_dataset([tmp_path / "monthly.nc"])


@pytest.mark.skipif(shutil.which("ncatted") is None, reason="needs NCO's ncatted")
def test_the_advised_ncatted_of_a_mean_reads_the_per_second_rates_as_they_are(tmp_path):
    """Run as printed, the copy says 'time: mean' and opens with numpy's values (the file's own, in kg m-2 s-1)."""
    daily = _daily_file(tmp_path / "2000.nc", 2000, method="mean", units="kg m-2 s-1") * np.float32(1e-4)
    with netCDF4.Dataset(tmp_path / "2000.nc", "a") as nc:
        nc["precipitation"].cell_methods = "time: sum"  # mean rates, the cell method wrong
        nc["precipitation"][:] = daily
    with pytest.raises(ClimannError) as refused:
        open_dataset([tmp_path / "2000.nc"])
    command, copy = re.search(rf"({GUARD}mkdir -p \S+ && ncatted -a cell_methods\S* \S+ \S+\.nc \S+\.nc) \(its copy in "
                              r"a new folder\), then give --data (\S+) in place of ", str(refused.value)).groups()
    subprocess.run(["bash", "-c", command], check=True, cwd=tmp_path, capture_output=True)
    assert sorted(path.name for path in tmp_path.glob("*.nc")) == ["2000.nc"]  # nothing written beside it
    opened = open_dataset([copy])
    assert opened["precipitation"].attrs["cell_methods"] == "time: mean"
    np.testing.assert_allclose(opened["precipitation"].values, daily, rtol=1e-6)


def test_a_rate_per_day_summed_over_days_is_read(tmp_path):
    """A sum over one period of a rate per that period (mm/day over 1-day cells) is that rate: read."""
    daily = _daily_file(tmp_path / "2000.nc", 2000, method="sum", units="mm/day")
    np.testing.assert_allclose(open_dataset([tmp_path / "2000.nc"])["precipitation"].values, daily, rtol=1e-6)


def test_daily_sums_with_days_missing_from_the_axis_are_read(tmp_path):
    """break50e N1: Daymet leaves out 31 December of leap years; the step of 2 days across that gap
    was taken for the cells (the longer of the two most common spans), and mm/day summed over
    1-day cells was refused as "a sum of 2 values". A gap is a step between cells, never a cell."""
    daily = _daily_file(tmp_path / "2000.nc", 2000, method="sum", units="mm/day", missing_days=(100, 365))
    assert daily.shape[0] == 364
    np.testing.assert_allclose(open_dataset([tmp_path / "2000.nc"])["precipitation"].values, daily, rtol=1e-6)
    _daily_file(tmp_path / "3h.nc", 2000, method="sum", missing_days=(100, 365))
    with pytest.raises(ClimannError, match=r"time cells of 1 day .*a sum of 8 values"):
        open_dataset([tmp_path / "3h.nc"])


@pytest.mark.skipif(shutil.which("ncatted") is None, reason="needs NCO's ncatted")
def test_the_advised_ncatted_gives_scores_of_the_daily_totals(tmp_path, monkeypatch):
    """The refusal's loop, run as printed, writes copies in 'mm' (the total over each day, with its
    'time: sum'); trained on them, the persistence RMSE of each split is numpy's on the daily sums
    (cell-area weighted, the step before each split's first day included), in mm per day."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "daily").mkdir()
    sums = np.concatenate([_daily_file(tmp_path / "daily" / f"{year}.nc", year, method="sum") for year in YEARS])
    result = CliRunner().invoke(app, ["info", "daily/"])
    assert result.exit_code == 2, result.output
    advice = re.search(r"`?(mkdir -p \S+ && \( for f in .*?; done \))", result.output.replace("\n", " "))
    assert advice, result.output
    subprocess.run(["bash", "-c", advice[1]], check=True, cwd=tmp_path, capture_output=True)
    copies = sorted((tmp_path / "daily" / "units_of_sums").glob("*.nc"))
    assert [path.name for path in copies] == [f"{year}.nc" for year in YEARS]
    opened = open_dataset(copies)
    assert opened["precipitation"].attrs["units"] == "mm"
    np.testing.assert_allclose(opened["precipitation"].values, sums, rtol=1e-6)

    result = CliRunner().invoke(app, ["train", "--data", "daily/units_of_sums/", "--target", "precipitation",
                                      "--epochs", "1", "--out", "run"])
    assert result.exit_code == 0, result.output
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert metrics["units"] == "mm"
    years = np.concatenate([np.full((datetime.date(y + 1, 1, 1) - datetime.date(y, 1, 1)).days, y) for y in YEARS])
    edges = np.deg2rad(np.r_[LAT + 0.05, LAT[-1] - 0.05])
    weights = np.broadcast_to((np.sin(edges[:-1]) - np.sin(edges[1:]))[:, None], (LAT.size, LON.size))
    for split, (first, last) in {"train": (2000, 2001), "val": (2002, 2002), "test": (2003, 2003)}.items():
        assert metrics["split_periods"][split] == (f"{first}–{last}" if first != last else str(first))
        steps = np.flatnonzero((years >= first) & (years <= last))
        steps = steps[steps > 0]
        errors = sums[steps].astype("f8") - sums[steps - 1]
        expected = np.sqrt((weights * errors ** 2).sum() / (weights.sum() * len(steps)))
        assert metrics["splits"][split]["persistence"]["rmse"] == pytest.approx(expected, rel=1e-5)


def _half_hourly_daysum(folder, days=3):
    """GPM IMERG 3B-HHR-like half-hourly rates in mm/hr (each over 30 minutes), summed to days by ``cdo daysum``
    (run here): returns the true daily totals in mm, numpy's sum of rate × 0.5 h, shape (days, lon, lat)."""
    lon, lat = np.arange(-1.95, -1.4, 0.1), np.arange(44.05, 44.5, 0.1)
    rates = np.random.default_rng(3).gamma(2, 0.2, (days * 48, lon.size, lat.size)).astype("f4")
    start = (datetime.datetime(2020, 1, 1) - datetime.datetime(1970, 1, 1)).total_seconds()
    with netCDF4.Dataset(folder / "hh.nc", "w") as nc:
        for name, size in (("time", None), ("lon", lon.size), ("lat", lat.size), ("nv", 2)):
            nc.createDimension(name, size)
        time = nc.createVariable("time", "i4", ("time",))
        time.units, time.standard_name, time.bounds, time.calendar = (
            "seconds since 1970-01-01 00:00:00 UTC", "time", "time_bnds", "standard")
        time[:] = start + 1800 * np.arange(rates.shape[0])
        nc.createVariable("time_bnds", "i4", ("time", "nv"))[:] = np.stack([time[:], time[:] + 1800], axis=1)
        for name, axis, values in (("lon", "degrees_east", lon), ("lat", "degrees_north", lat)):
            nc.createVariable(name, "f4", (name,))[:] = values
            nc[name].units = axis
        variable = nc.createVariable("precipitation", "f4", ("time", "lon", "lat"), fill_value=np.float32(-9999.9))
        variable.units = "mm/hr"
        variable[:] = rates
    subprocess.run(["cdo", "-s", "daysum", "hh.nc", "imerg_daysum.nc"], check=True, cwd=folder, capture_output=True)
    return (rates.astype("f8") * 0.5).reshape(days, 48, lon.size, lat.size).sum(axis=1)


@pytest.mark.skipif(shutil.which("cdo") is None, reason="needs CDO")
def test_a_daily_sum_of_half_hourly_rates_per_hour_is_told_with_both_factors_and_the_line_that_halves_it(
        tmp_path, monkeypatch):
    """break53b A1: the cdo daysum of IMERG's half-hourly mm/hr was said "a sum of 24 values ... 24 times too large"
    and given units mm, which read each day at twice its total. The file cannot say the steps' length: both
    readings are told, and the printed line for half-hourly steps, run as printed, gives numpy's daily totals."""
    monkeypatch.chdir(tmp_path)
    totals = _half_hourly_daysum(tmp_path)
    with pytest.raises(ClimannError) as refused:
        open_dataset(["imerg_daysum.nc"])
    message = str(refused.value)
    assert "\n" not in message and "24 times" not in message
    assert "a sum of 24 values per 1 hour if the steps summed were of 1 hour, of 48 if they were of 30 minutes" in message
    command = re.search(r"(\{ \[ ! -e half_hourly_totals/\S+ \].*? -mulc,0\.5 \S+ \S+)", message)
    assert command, message
    subprocess.run(["bash", "-c", command[1]], check=True, cwd=tmp_path, capture_output=True)
    opened = open_dataset(["half_hourly_totals/imerg_daysum.nc"])
    assert opened["precipitation"].attrs["units"] == "mm"
    values = opened["precipitation"].transpose("time", "lon", "lat").values
    np.testing.assert_allclose(values, totals, rtol=1e-5)
    # the printed line refuses to write over the copy it wrote
    again = subprocess.run(["bash", "-c", command[1]], cwd=tmp_path, capture_output=True, text=True)
    assert again.returncode != 0 and "is there already" in again.stderr


def _mswep_daysum(path, days=365):
    """MSWEP 3-hourly 'mm/3h' (its own spelling) as ``cdo daysum`` writes it: 'time: sum', the units kept,
    the time at 10:30 and time_bnds from the first stamp to the last, [00:00, 21:00]; returns the sums."""
    sums = np.random.default_rng(0).gamma(0.5, 4, (days, LAT.size, LON.size)).astype("f4")
    start = (datetime.date(2019, 1, 1) - datetime.date(1899, 12, 31)).days + np.arange(days, dtype="f8")
    with netCDF4.Dataset(path, "w") as nc:
        for name, size in (("time", None), ("bnds", 2), ("lat", LAT.size), ("lon", LON.size)):
            nc.createDimension(name, size)
        time = nc.createVariable("time", "f8", ("time",))
        time.units, time.standard_name, time.calendar, time.bounds = (
            "days since 1899-12-31 00:00:00", "time", "gregorian", "time_bnds")
        time[:] = start + 0.4375
        nc.createVariable("time_bnds", "f8", ("time", "bnds"))[:] = np.stack([start, start + 0.875], axis=1)
        for name, axis, values in (("lat", "degrees_north", LAT), ("lon", "degrees_east", LON)):
            nc.createVariable(name, "f4", (name,))[:] = values
            nc[name].units = axis
        variable = nc.createVariable("precipitation", "f4", ("time", "lat", "lon"), fill_value=np.float32(-9999))
        variable.units, variable.cell_methods = "mm/3h", "time: sum"
        variable[:] = sums
    return sums, start


@pytest.mark.skipif(shutil.which("ncatted") is None or shutil.which("ncap2") is None, reason="needs NCO")
def test_the_chained_lines_for_a_daysum_of_mm_per_3h_run_in_order_give_a_file_that_trains(tmp_path, monkeypatch):
    """break54b A1: after `cdo daysum` of MSWEP's 'mm/3h', info printed a line joining the time cells into
    'time_cells_joined/' and a units line reading 'time_cells_joined_2/' (nothing wrote it: ncatted failed), whose
    'mm/(3 h)' then met a third refusal asking for 'mm'. The two lines, run as printed in order, end in one copy
    with cells of whole days, units 'mm' and the sums as they were, which trains with exit 0 in mm."""
    monkeypatch.chdir(tmp_path)
    sums, start = _mswep_daysum(tmp_path / "daysum_2019.nc")
    result = CliRunner().invoke(app, ["info", "daysum_2019.nc"])
    assert result.exit_code == 2, result.output
    output = result.output.replace("\n", " ")
    lines = re.findall(rf"({GUARD}mkdir -p \S+ && (?:ncap2|ncatted) .*?\.nc \S+\.nc) \(its copy in a new folder\)",
                       output)
    assert len(lines) == 2, output
    assert "ncap2 " in lines[0] and "ncatted -a units,precipitation,o,c,mm " in lines[1]
    written, read = lines[0].rsplit(" ", 1)[1], lines[1].rsplit(" ", 2)[1]
    assert written == read == "time_cells_joined/daysum_2019.nc"
    for line in lines:
        subprocess.run(["bash", "-c", line], check=True, cwd=tmp_path, capture_output=True)
    final = lines[1].rsplit(" ", 1)[1]
    assert final == "units_of_sums/daysum_2019.nc"
    with netCDF4.Dataset(tmp_path / final) as nc:
        assert nc["precipitation"].units == "mm" and nc["precipitation"].cell_methods == "time: sum"
        np.testing.assert_array_equal(nc["precipitation"][:], sums)
        np.testing.assert_array_equal(nc["time_bnds"][:], np.stack([start, start + 1], axis=1))
    result = CliRunner().invoke(app, ["train", "--data", final, "--target", "precipitation", "--epochs", "1",
                                      "--out", "run"])
    assert result.exit_code == 0, result.output
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert metrics["units"] == "mm"
