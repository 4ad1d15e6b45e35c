"""Time cells shorter than the usual (break52a A3): ``cdo daysum`` of ERA5 hourly data downloaded through
00 UTC of the next 1 January ends with a one-hour "day", its cell [D 00, D 00], its total 1/24 of a day's;
climann scored it in the test block as a whole day, unsaid. A total there is refused, a mean warned of, each
with the ``--time-range`` and the ``cdo delete`` that leave it out; the run after either scores as numpy does
over the whole days."""

import json
import logging
import shutil
import subprocess

import cftime
import netCDF4
import numpy as np
import pandas as pd
import pytest
import xarray as xr

from climann.data.short_cells import check_short_cells, short_cells, whole_months_share
from climann.errors import ClimannError
from climann.workflow.config import build_config
from climann.workflow.pipeline import run_training

#: 366 whole days of 2000, then the hour 2001-01-01 00 alone, as cdo daysum writes them: cells [D 00, D 23].
DAYS = pd.date_range("2000-01-01", periods=367, freq="D")
LAT, LON = [50.0, 50.5], [5.0, 5.5, 6.0]


def _hours(times) -> np.ndarray:
    return np.asarray((times - pd.Timestamp("1900-01-01")).total_seconds() / 3600).astype("i4")


def _write(path, name, values, attrs):
    """``name`` (time, lat, lon) over the cells of :data:`DAYS` as cdo daysum writes them: stamped at 11:00, bounds
    [D 00, D 23], the last day's [D 00, D 00] stamped at 00:00."""
    lower = _hours(DAYS)
    upper = lower + 23
    upper[-1] = lower[-1]
    stamps = lower + 11
    stamps[-1] = lower[-1]
    with netCDF4.Dataset(path, "w") as nc:
        for dim, size in (("time", None), ("bnds", 2), ("lat", 2), ("lon", 3)):
            nc.createDimension(dim, size)
        time = nc.createVariable("time", "i4", ("time",))
        time.setncatts({"units": "hours since 1900-01-01", "calendar": "proleptic_gregorian",
                        "standard_name": "time", "bounds": "time_bnds"})
        time[:] = stamps
        nc.createVariable("time_bnds", "f8", ("time", "bnds"))[:] = np.stack([lower, upper], 1)
        for dim, units, coordinate in (("lat", "degrees_north", LAT), ("lon", "degrees_east", LON)):
            variable = nc.createVariable(dim, "f8", (dim,))
            variable.setncatts({"units": units, "standard_name": {"lat": "latitude", "lon": "longitude"}[dim]})
            variable[:] = coordinate
        variable = nc.createVariable(name, "f4", ("time", "lat", "lon"))
        variable.setncatts(attrs)
        variable[:] = values


def _files(folder):
    """tp (time: sum) and t2m (time: mean) of :data:`DAYS`; tp's last value an hour's, 1/24 of a day's."""
    rng = np.random.default_rng(52)
    tp = rng.gamma(2.0, 1.5e-3, (len(DAYS), 2, 3)).astype("f4")
    tp[-1] /= 24
    t2m = (280 + rng.normal(0, 3, (len(DAYS), 2, 3))).astype("f4")
    folder.mkdir()
    _write(folder / "tp_daysum.nc", "tp", tp, {"units": "m", "long_name": "tp", "cell_methods": "time: sum"})
    _write(folder / "t2m_daymean.nc", "t2m", t2m, {"units": "K", "long_name": "t2m", "cell_methods": "time: mean"})
    return tp


def _config(paths, **data):
    return build_config({"data": {"paths": [str(path) for path in paths], "target": "tp", "predictors": ["t2m"],
                                  **data},
                         "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}})


def _cells(hours) -> np.ndarray:
    """Bounds of cftime dates from (lower, upper) hours after 2000-01-01."""
    return np.array([[cftime.DatetimeProlepticGregorian(2000, 1, 1) + pd.Timedelta(hours=h).to_pytimedelta()
                      for h in pair] for pair in hours])


@pytest.mark.parametrize(("hours", "expected"), [
    pytest.param([(0, 23), (24, 47), (48, 48)], [False, False, True], id="cdo-daysum-last-hour"),
    pytest.param([(15, 23), (24, 47), (48, 71)], [True, False, False], id="first-day-from-15-utc"),
    # session 73: a day from 05 UTC (19 of its 24 hours) and one to 16 UTC (17) passed, above half the usual cell
    pytest.param([(5, 23), (24, 47), (48, 71)], [True, False, False], id="first-day-19-of-24-hours"),
    pytest.param([(0, 23), (24, 47), (48, 64)], [False, False, True], id="last-day-17-of-24-hours"),
    pytest.param([(0, 23), (24, 47), (48, 70)], [False, False, True], id="last-day-23-of-24-hours"),
    pytest.param([(0, 24 * 31), (24 * 31, 24 * 60), (24 * 60, 24 * 91)], [False, False, False], id="months"),
    pytest.param([(0, 24 * 30), (24 * 31, 24 * 59), (24 * 60, 24 * 90)], [False, False, False],
                 id="cdo-monsum-of-daily-values-first-to-last-day"),
    pytest.param([(0, 24 * 31), (24 * 31, 24 * 60), (24 * 60, 24 * 74)], [False, False, True],
                 id="march-from-its-first-15-days"),
    pytest.param([(0, 24 * 91), (24 * 91, 24 * 182), (24 * 182, 24 * 274)], [False, False, False],
                 id="seasons-of-91-and-92-days"),
    pytest.param([(0, 0), (1, 1), (2, 2)], [False, False, False], id="instants-as-empty-cells"),
])
def test_short_cells_are_those_shorter_than_the_usual(hours, expected):
    assert short_cells(_cells(hours)).tolist() == expected


def _months(calendar: str, cells) -> np.ndarray:
    """Bounds of cftime dates of ``calendar`` from ((year, month, day), (year, month, day)) pairs."""
    return np.array([[cftime.datetime(*date, calendar=calendar) for date in pair] for pair in cells])


@pytest.mark.parametrize(("calendar", "cells", "expected"), [
    pytest.param("360_day", [((2001, 1, 1), (2001, 2, 1)), ((2001, 2, 1), (2001, 3, 1)), ((2001, 3, 1), (2001, 3, 29))],
                 [False, False, True], id="360_day-march-of-28-of-30-days"),
    pytest.param("noleap", [((2000, 1, 1), (2000, 1, 31)), ((2000, 2, 1), (2000, 2, 28)),
                            ((2000, 3, 1), (2000, 3, 31))], [False, False, False],
                 id="noleap-cdo-monsum-february-2000-whole"),
    pytest.param("standard", [((2000, 1, 1), (2000, 1, 31)), ((2000, 2, 1), (2000, 2, 27)),
                              ((2000, 3, 1), (2000, 3, 31))], [False, True, False],
                 id="standard-february-2000-to-the-27th"),
    pytest.param("360_day", [((2001, 12, 1), (2002, 3, 1)), ((2002, 3, 1), (2002, 6, 1)), ((2002, 6, 1), (2002, 9, 1))],
                 [False, False, False], id="360_day-seasons"),
])
def test_months_are_whole_in_their_own_calendar(calendar, cells, expected):
    """A month's length is its calendar's (session 73: the Gregorian one): each cell's share of its months is its
    days over the month's days, counted here by hand."""
    bounds = _months(calendar, cells)
    assert short_cells(bounds).tolist() == expected
    month_days = {"360_day": {1: 30, 2: 30, 3: 30, 12: 30},
                  "noleap": {1: 31, 2: 28, 3: 31}, "standard": {1: 31, 2: 29, 3: 31}}[calendar]
    if calendar != "360_day" or cells[0][0][1] == 1:
        by_hand = [(high - low).days / month_days[low.month] for low, high in bounds]
        np.testing.assert_allclose(whole_months_share(bounds), by_hand)


def test_the_last_composite_of_a_year_is_whole_and_a_cut_one_is_short():
    """MODIS's 8-day composites restart on 1 January: the year's last of 5 days (361 to 365) ends there and is the
    product's own; one of 4 days in the middle of a record is a part of a composite."""
    starts = [cftime.datetime(2001, 1, 1, calendar="standard") + pd.Timedelta(days=day).to_pytimedelta()
              for day in range(0, 365, 8)]
    ends = [*starts[1:], cftime.datetime(2002, 1, 1, calendar="standard")]
    bounds = np.array([starts, ends]).T
    assert not short_cells(bounds).any() and (ends[-1] - starts[-1]).days == 5
    cut = bounds.copy()
    cut[20, 1] = cut[20, 0] + pd.Timedelta(days=4).to_pytimedelta()
    assert np.flatnonzero(short_cells(cut)).tolist() == [20]


def _dataset(method: str, n_days: int = 5) -> xr.Dataset:
    """``x`` over ``n_days`` cdo-daysum cells, the last an hour [D 00, D 00], times at the cells' middles."""
    hours = [(24 * day, 24 * day + 23) for day in range(n_days)] + [(24 * n_days, 24 * n_days)]
    bounds = _cells(hours)
    middles = np.array([low + (high - low) / 2 for low, high in bounds])
    return xr.Dataset({"x": (("time",), np.ones(len(middles)), {"cell_methods": f"time: {method}"}),
                       "time_bnds": (("time", "bnds"), bounds)},
                      coords={"time": ("time", middles, {"bounds": "time_bnds"})})


def test_a_total_over_a_short_cell_is_refused_with_the_range_that_leaves_it_out():
    with pytest.raises(ClimannError) as refused:
        check_short_cells(_dataset("sum"), ["x"], where="x.nc")
    message = str(refused.value)
    assert "step 6 (2000-01-06 00:00 to 2000-01-06 00:00, 0 hours long)" in message
    assert "usual 23 hours" in message and "--time-range 2000-01-01,2000-01-05" in message and "\n" not in message


def test_a_mean_over_a_short_cell_is_warned_of_and_kept(caplog):
    with caplog.at_level(logging.WARNING):
        check_short_cells(_dataset("mean"), ["x"], where="x.nc")
    said = [record.getMessage() for record in caplog.records if "shorter than the usual" in record.getMessage()]
    assert len(said) == 1 and "kept" in said[0] and "--time-range 2000-01-01,2000-01-05" in said[0]


def test_a_short_cell_of_a_step_read_before_the_range_is_not_told():
    dataset = _dataset("sum")
    dataset = dataset.isel(time=slice(None, None, -1))  # the short cell first
    dataset["time"].encoding["climann_steps_before_range"] = 1
    check_short_cells(dataset, ["x"], where="x.nc")  # no error


def _persistence_rmse(truth: np.ndarray, split: np.ndarray, lat: np.ndarray) -> float:
    """numpy: the area-weighted (sin-difference rows, 0.5° apart) RMSE of yesterday's tp over the test steps."""
    edges = np.radians(np.array([lat[0] - 0.25, lat[0] + 0.25, lat[1] + 0.25]))
    weights = np.abs(np.diff(np.sin(edges)))[:, None] * np.ones((1, 3))
    test = np.flatnonzero(split == 3)
    errors = truth[test] - truth[test - 1]
    return float(np.sqrt((errors ** 2 * weights).sum() / (weights.sum() * len(test))))


@pytest.mark.skipif(shutil.which("cdo") is None, reason="cdo not installed")
def test_the_advised_cdo_line_scores_as_numpy_over_the_whole_days(tmp_path):
    """Refused, with a cdo line; run as printed (twice: the second writes nothing and fails), the copies train
    with 366 steps, tp's truth is the whole days' and the persistence RMSE is numpy's over them; the advised
    --time-range gives the same."""
    tp = _files(tmp_path / "d")
    paths = [tmp_path / "d" / "tp_daysum.nc", tmp_path / "d" / "t2m_daymean.nc"]
    with pytest.raises(ClimannError) as refused:
        run_training(_config(paths), run_dir=tmp_path / "refused")
    message = str(refused.value)
    assert "step 367" in message and "tp (time: sum)" in message and "--time-range 2000-01-01,2000-12-31" in message
    line = message[message.index("( for f in"):message.index(" (a copy of each")]
    assert "cdo delete,timestep=367" in line
    subprocess.run(["bash", "-c", line], check=True)
    assert subprocess.run(["bash", "-c", line], capture_output=True).returncode != 0  # copies there: left as they are
    copies = sorted((tmp_path / "d" / "whole_cells").glob("*.nc"))
    scores = {}
    for name, config in (("cdo", _config(copies)), ("range", _config(paths, time_range=["2000-01-01", "2000-12-31"]))):
        run_dir = run_training(config, run_dir=tmp_path / name).run_dir
        with xr.open_dataset(run_dir / "predictions.nc") as predictions:
            truth, split = predictions["tp"].values.astype("f8"), predictions["split"].values
            lat = predictions["lat"].values
        assert truth.shape[0] == 366
        np.testing.assert_allclose(truth, tp[:366].astype("f8"))
        metrics = json.loads((run_dir / "metrics.json").read_text())
        scores[name] = metrics["splits"]["test"]["persistence"]["rmse"]
        assert scores[name] == pytest.approx(_persistence_rmse(truth, split, lat), rel=1e-5)
    assert scores["cdo"] == pytest.approx(scores["range"], rel=1e-6)


def _mwd_file(folder):
    """A wave direction alone (ERA5's mwd, ``cdo daymean`` of hourly data through 00 UTC of the next 1 January)."""
    folder.mkdir()
    mwd = np.random.default_rng(53).uniform(0, 360, (len(DAYS), 2, 3)).astype("f4")
    _write(folder / "mwd_daymean.nc", "mwd", mwd, {"units": "degree", "long_name": "Mean wave direction",
                                                   "standard_name": "sea_surface_wave_from_direction",
                                                   "cell_methods": "time: mean"})
    return folder / "mwd_daymean.nc"


def _told(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "shorter than the usual" in line]


@pytest.mark.parametrize(("files", "exit_code", "kind"), [
    pytest.param(["t2m_daymean.nc"], 0, "kept", id="mean-in-the-config-warned-once"),
    pytest.param(["tp_daysum.nc"], 2, "refused", id="total-in-the-config-refused-once"),
])
def test_info_tells_the_short_cells_of_its_config_once(tmp_path, files, exit_code, kind):
    """climann info checks its config as train does: the short cell said once (the config's check and info's own
    look at every variable give one line), in train's words."""
    from typer.testing import CliRunner

    from climann.cli import app
    from climann.data.notes import forget_notes

    _files(tmp_path / "d")
    forget_notes()
    result = CliRunner().invoke(app, ["info", *[str(tmp_path / "d" / file) for file in files]])
    assert result.exit_code == exit_code, result.output
    told = _told(result.stderr)
    assert len(told) == 1 and "step 367 (2001-01-01 00:00 to 2001-01-01 00:00, 0 hours long)" in told[0]
    assert f"; {kind}: " in told[0]


def test_info_tells_the_short_cells_when_it_proposes_no_config(tmp_path):
    """A direction is no target (info proposes no config, train refuses it): info told nothing of the one-hour last
    "day" its daily means end with, which a user meets again with these files as predictors (fix53b)."""
    from typer.testing import CliRunner

    from climann.cli import app
    from climann.data.notes import forget_notes

    path = _mwd_file(tmp_path / "d")
    forget_notes()
    result = CliRunner().invoke(app, ["info", str(path)])
    assert "No config to start from" in result.stdout
    told = _told(result.stderr)
    assert len(told) == 1, result.stderr
    assert "step 367 (2001-01-01 00:00 to 2001-01-01 00:00, 0 hours long)" in told[0] and "; kept: " in told[0]
    assert "--time-range 2000-01-01,2000-12-31" in told[0]


def _grace_windows():
    """Monthly solutions of 2011-2012 as JPL's GRACE mascon file gives them (break57b A3): calendar months, but
    December 2011's window 17 December-17 January (31 days), January's 17 January-14 February (28 days), then
    February's from the 14th. Returns the cells (n_time, 2) of cftime dates."""
    def day(*date):
        return cftime.datetime(*date, calendar="gregorian")

    windows = [(day(2011, month, 1), day(2011, month + 1, 1)) for month in range(1, 12)]
    windows += [(day(2011, 12, 17), day(2012, 1, 17)), (day(2012, 1, 17), day(2012, 2, 14)),
                (day(2012, 2, 14), day(2012, 3, 1))]
    windows += [(day(2012, month, 1), day(2012, month + 1, 1)) for month in range(3, 12)]
    return np.array(windows, dtype=object)


def test_a_month_long_window_across_a_months_end_is_not_short():
    """break57b A3: GRACE's 31-day window 17 December-17 January was called "shorter than the usual 31 days" (a
    part of two calendar months); it is compared with the month of its middle (January, 31 days): whole. The
    28-day window of January (28/31) and February's 15 days (15/29) stay short."""
    short = short_cells(_grace_windows())
    assert np.flatnonzero(short).tolist() == [12, 13]
    np.testing.assert_allclose(whole_months_share(_grace_windows())[11:14], [31 / 31, 28 / 31, 16 / 29])


def _grace_dataset():
    """lwe_thickness (a mean over each solution's window) over :func:`_grace_windows`, stamped at their middles."""
    windows = _grace_windows()
    units = "days since 2002-01-01"
    bounds = np.array([[cftime.date2num(date, units, "gregorian") for date in cell] for cell in windows])
    return xr.Dataset({"lwe_thickness": (("time", "lat", "lon"), np.ones((len(windows), 2, 3)),
                                         {"units": "cm", "cell_methods": "time: mean"}),
                       "time_bnds": (("time", "bnds"), windows)},
                      coords={"time": ("time", [cell[0] + (cell[1] - cell[0]) / 2 for cell in windows],
                                       {"bounds": "time_bnds"}), "lat": LAT, "lon": LON}), bounds


def test_a_mean_over_shorter_windows_among_usual_months_is_kept_without_a_line_that_deletes_them(caplog):
    """break57b A3: GRACE's shorter solution windows (among whole months: no partial first or last period) were
    told as a partial period as cdo daysum makes, with a `cdo delete` that would remove real months (53 of 193 on
    a JPL file). They are warned of as kept, with no line that deletes them and no daysum story."""
    dataset, _ = _grace_dataset()
    with caplog.at_level(logging.WARNING):
        check_short_cells(dataset, ["lwe_thickness"], where="grace.nc")
    said = [record.getMessage() for record in caplog.records if "time cells are shorter than" in record.getMessage()]
    assert len(said) == 1
    assert said[0].startswith("grace.nc: 2 of the 23 time cells are shorter than the calendar months they stand for")
    assert "kept: each lies among usual cells" in said[0]
    assert "cdo" not in said[0] and "daysum" not in said[0] and "--time-range" not in said[0]


def test_short_cells_name_the_files_that_hold_them_not_a_static_file_beside(tmp_path, caplog):
    """break57b A3: `climann info` on a GRACE file beside LAND_MASK.CRI.nc (no time axis) named both as holding
    the time cells; only the file with the time axis is named."""
    from climann.data.notes import forget_notes
    from climann.data.open import open_dataset

    dataset, bounds = _grace_dataset()
    dataset.assign_coords(time=("time", bounds.mean(axis=1), {"bounds": "time_bnds", "units": "days since 2002-01-01",
                                                              "calendar": "gregorian"})).assign(
        time_bnds=(("time", "bnds"), bounds)).to_netcdf(tmp_path / "GRCTellus.nc")
    xr.Dataset({"land_mask": (("lat", "lon"), np.ones((2, 3)), {"units": "1"})},
               coords={"lat": LAT, "lon": LON}).to_netcdf(tmp_path / "LAND_MASK.CRI.nc")
    opened = open_dataset([tmp_path / "GRCTellus.nc", tmp_path / "LAND_MASK.CRI.nc"])
    forget_notes()
    with caplog.at_level(logging.WARNING):
        check_short_cells(opened, ["lwe_thickness", "land_mask"], where="GRCTellus.nc, LAND_MASK.CRI.nc")
    said = [record.getMessage() for record in caplog.records if "time cells are shorter than" in record.getMessage()]
    assert len(said) == 1 and said[0].startswith("GRCTellus.nc: 2 of the 23 time cells")
