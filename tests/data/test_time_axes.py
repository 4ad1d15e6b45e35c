"""Variables of different files at different time steps (climann/data/time_axes.py, applied
where files are opened)."""

import datetime
import json
import logging
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import cftime
import numpy as np
import pytest
import xarray as xr

from climann.data import shell
from climann.data.coords import FILE_TIME_COORDINATE
from climann.data.notes import forget_notes
from climann.data.open import expand_paths, open_dataset
from climann.data.sources import source_files
from climann.data.subset import select_values
from climann.data.time_axis import date_text
from climann.errors import ClimannError
from tests.conftest import grid_dataset, without_cdo
from tests.forecast_files import s2s_pair
from tests.followed_twice import GUARD, run_one_copy, without_guards
from tests.fresh_python import bare_python, run_python, shell_path


def _monthly(dataset, start_year, day=15):
    """The dataset with monthly dates on ``day`` from January of ``start_year`` (noleap)."""
    times = [cftime.datetime(start_year + k // 12, k % 12 + 1, day, calendar="noleap")
             for k in range(dataset.sizes["time"])]
    return dataset.assign_coords(time=times)


#: The two readings of a stamp on a period's first instant in the refusal (fix47d: neither a default), with the
#: variable, its first stamp, and the other variable's period each pairs it with: {0} of {1} with tas of {2} or {3}.
_READINGS = ("read alone, such stamps are taken as opening their {period}s (with a warning); here, where the wrong "
             "reading pairs every value one {period} off, neither is taken by default, and the files' documentation "
             "says which: read as the {period} "
             "ending at each stamp, {0} of {1} goes with tas of {2}; read as the {period} beginning at each stamp, "
             "with tas of {3}; ")


def _warnings(caplog):
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def test_different_periods_with_the_same_steps_keep_their_common_period(tmp_path, caplog):
    full = grid_dataset(n_years=3)
    _monthly(full[["tas"]].isel(time=slice(0, 24)), 2000).to_netcdf(tmp_path / "tas.nc")
    _monthly(full[["pred"]].isel(time=slice(12, 36)), 2001).to_netcdf(tmp_path / "pred.nc")
    full[["static"]].to_netcdf(tmp_path / "orog.nc")
    with caplog.at_level(logging.WARNING, logger="climann"):
        combined = open_dataset([tmp_path / "orog.nc", tmp_path / "tas.nc", tmp_path / "pred.nc"], grid_of="tas")
    assert [(t.year, t.month, t.day) for t in combined["time"].values] == [(2001, m, 15) for m in range(1, 13)]
    np.testing.assert_array_equal(combined["tas"].values, full["tas"].values[12:24])
    np.testing.assert_array_equal(combined["pred"].values, full["pred"].values[12:24])
    np.testing.assert_array_equal(combined["static"].values, full["static"].values)
    assert (
        "tas (2000-01 to 2001-12) and pred (2001-01 to 2002-12) cover different periods: only their common period, "
        "2001-01 to 2001-12, is used (12 of tas's 24 and 12 of pred's 24 steps left out); [data] time_range chooses "
        "within it"
    ) in _warnings(caplog)


@pytest.mark.parametrize(("time_range", "said"), [
    pytest.param(("2001", "2001"), None, id="the-users-range-inside-the-common-period-silent"),
    pytest.param(("2000-07", "2001-12"), "(6 of tas's 18 steps within the time range 2000-07,2001-12 left out)",
                 id="only-the-steps-the-users-range-would-keep-are-named"),
])
def test_steps_cut_by_the_users_own_time_range_are_not_called_left_out(tmp_path, caplog, time_range, said):
    """--time-range 2001 on tas 2000-2001 beside pred 2001-2002: the common-period warning said
    12 of each variable's steps were left out, steps the user's own range cut anyway."""
    full = grid_dataset(n_years=3)
    _monthly(full[["tas"]].isel(time=slice(0, 24)), 2000).to_netcdf(tmp_path / "tas.nc")
    _monthly(full[["pred"]].isel(time=slice(12, 36)), 2001).to_netcdf(tmp_path / "pred.nc")
    with caplog.at_level(logging.WARNING, logger="climann"):
        combined = open_dataset([tmp_path / "tas.nc", tmp_path / "pred.nc"], grid_of="tas", time_range=time_range)
    assert [(t.year, t.month) for t in combined["time"].values] == [(2001, m) for m in range(1, 13)]
    warned = [text for text in _warnings(caplog) if "cover different periods" in text]
    assert warned == ([] if said is None else [warned[0]]) and (said is None or said in warned[0])


def test_months_the_target_lacks_outside_the_users_time_range_are_not_warned_of(tmp_path, caplog):
    """The target lacks 2000's months 6-8; with --time-range 2001,2002 no sample would use them,
    and the warning that the target has no value at them is not given (it is within the range)."""
    full = grid_dataset(n_years=3)
    _monthly(full[["tas"]], 2000).drop_isel(time=[5, 6, 7]).to_netcdf(tmp_path / "tas.nc")
    _monthly(full[["pred"]], 2000, day=16).to_netcdf(tmp_path / "pred.nc")
    with caplog.at_level(logging.WARNING, logger="climann"):
        open_dataset([tmp_path / "tas.nc", tmp_path / "pred.nc"], grid_of="tas", time_range=("2001", "2002"))
    assert _warnings(caplog) == []
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        open_dataset([tmp_path / "tas.nc", tmp_path / "pred.nc"], grid_of="tas", time_range=("2000-03", "2001"))
    assert _warnings(caplog) == [
        "tas has no value at 3 of the 22 monthly steps from 2000-03 to 2001-12 that pred holds: 2000-06, 2000-07, "
        "2000-08; the samples are its 19 steps, pred taken at them"]


def test_a_variable_split_over_files_keeps_the_common_period_of_each_file(tmp_path):
    full = grid_dataset(n_years=3)
    for year in range(3):
        full[["tas"]].isel(time=slice(12 * year, 12 * year + 12)).to_netcdf(tmp_path / f"tas_{year}.nc")
    full[["pred"]].isel(time=slice(18, 36)).to_netcdf(tmp_path / "pred.nc")
    combined = open_dataset(sorted(tmp_path.glob("*.nc")), grid_of="tas")
    assert [(t.year, t.month) for t in combined["time"].values] == [(2000 + k // 12, k % 12 + 1) for k in range(18, 36)]
    np.testing.assert_array_equal(combined["tas"].values, full["tas"].values[18:36])
    np.testing.assert_array_equal(combined["pred"].values, full["pred"].values[18:36])


def _daily_and_monthly(tmp_path):
    days = xr.date_range("2000-01-01", "2001-12-31", freq="D", calendar="noleap", use_cftime=True)
    full = grid_dataset(n_years=2)
    pred = xr.DataArray(
        np.random.default_rng(1).uniform(0, 1, (len(days), 4, 6)).astype("f4"), dims=("time", "lat", "lon"),
        coords={"time": days, "lat": full["lat"], "lon": full["lon"]}, attrs={"units": "1"},
    )
    pred.to_dataset(name="pred").to_netcdf(tmp_path / "pred_day.nc")
    full[["tas"]].to_netcdf(tmp_path / "tas_mon.nc")


@pytest.mark.parametrize(
    ("write", "message"),
    [
        pytest.param(
            lambda path: (_monthly(grid_dataset(n_years=2)[["tas"]], 2000, day=16).to_netcdf(path / "tas.nc"),
                          _monthly(grid_dataset(n_years=2)[["pred"]], 2000, day=1).to_netcdf(path / "pred.nc")),
            "pred.nc stamps pred on the 1st at 00:00 without time bounds (2000-01-01, …), and a stamp there may open "
            "its month (ERA5) or close the month before (CESM history files), while tas's months are known from its "
            "stamps inside them (tas.nc: 2000-01-16): paired by month, the two readings put each pred value one month "
            "apart, and climann does not guess; " + _READINGS.format("pred", "2000-01-01", "1999-12", "2000-01", period="month")
            + "give pred.nc time bounds in a copy in a new folder: if each value is of "
            "the month beginning at its stamp `mkdir -p with_bounds && cdo settbounds,month pred.nc "
            "with_bounds/pred.nc`, if of the month ending there `mkdir -p with_bounds && cdo -settbounds,month "
            "-shifttime,-1day pred.nc with_bounds/pred.nc`" + without_cdo("month", "MS", "pred.nc with_bounds/pred.nc")
            + "; then give --data tas.nc --data with_bounds/pred.nc in place of the --data "
            "given, the copy in place of the original (a "
            "--data that still takes the original, as a glob over its folder does, meets this refusal again)",
            id="stamps-mid-month-and-first",
        ),
        pytest.param(  # verify24 F2: the command fixed the first of the files stamped so, refused again at the next
            lambda path: (_monthly(grid_dataset(n_years=3)[["tas"]], 2000, day=16).to_netcdf(path / "tas.nc"),
                          *(_monthly(grid_dataset(n_years=3)[["pred"]], 2000, day=1)
                            .isel(time=slice(12 * year, 12 * year + 12)).to_netcdf(path / f"pred_{2000 + year}.nc")
                            for year in range(3))),
            "pred_2000.nc, pred_2001.nc and 1 more file stamp pred on the 1st at 00:00 without time bounds "
            "(2000-01-01, …), and a stamp there may open its month (ERA5) or close the month before (CESM history "
            "files), while tas's months are known from its stamps inside them (tas.nc: 2000-01-16): paired by month, "
            "the two readings put each pred value one month apart, and climann does not guess; "
            + _READINGS.format("pred", "2000-01-01", "1999-12", "2000-01", period="month") + "give the 3 files time "
            "bounds in copies in a new folder: if each value is of the month beginning at its stamp `mkdir -p "
            "with_bounds && ( for f in pred_200*.nc; do cdo settbounds,month \"$f\" "
            "with_bounds/\"${f##*/}\" || exit 1; done )`, if of the month ending there `mkdir -p with_bounds && ( for f in "
            "pred_200*.nc; do cdo -settbounds,month -shifttime,-1day \"$f\" "
            "with_bounds/\"${f##*/}\" || exit 1; done )`" + without_cdo("month", "MS", "\"$f\" with_bounds/\"${f##*/}\"",
                                                         loop="pred_200*.nc")  # one glob (break38a B5)
            + "; then give --data tas.nc --data 'with_bounds/*.nc' in place of the "
            "--data given, the copies in place of the originals (a --data that "
            "still takes the originals, as a glob over their folder does, meets this refusal again)",
            id="stamps-first-in-three-files",
        ),
        pytest.param(
            _daily_and_monthly,
            "tas is monthly (2000-01 to 2001-12) and pred daily (2000-01-01 to 2001-12-31): climann needs every "
            "variable at the same time steps; bring pred to monthly steps first, e.g. monthly means with "
            "`mkdir -p monthly && cdo monmean pred_day.nc monthly/pred_day.nc`, then give --data monthly/pred_day.nc "
            "in place of pred_day.nc (the copy is in a folder of its own: a glob over the original's folder does "
            "not take it)",
            id="daily-predictor-monthly-target",
        ),
        pytest.param(
            lambda path: (grid_dataset(n_years=2)[["tas"]].to_netcdf(path / "tas.nc"),
                          grid_dataset(n_years=2)[["pred"]].drop_isel(time=[3]).to_netcdf(path / "pred.nc")),
            "pred (2000-01 to 2001-12, 23 monthly steps) lacks 1 of the steps of tas (2000-01 to 2001-12, 24 monthly "
            "steps): 2000-04; a sample there would miss an input (climann needs every variable at the same time steps "
            "as tas); leave those steps out of tas, `mkdir -p common_steps && cdo delete,timestep=4 tas.nc "
            "common_steps/tas.nc` (its copy in a new folder), then give --data common_steps/tas.nc in place of tas.nc, "
            "with the other files of the working folder given as before (--data pred.nc)",
            id="a-month-missing-from-a-predictor",
        ),
        pytest.param(
            lambda path: (grid_dataset(n_years=1)[["tas"]].to_netcdf(path / "tas.nc"),
                          _monthly(grid_dataset(n_years=1)[["pred"]], 2005).to_netcdf(path / "pred.nc")),
            "tas (2000-01 to 2000-12) and pred (2005-01 to 2005-12) cover periods that do not overlap: climann needs "
            "every variable at the same time steps; give files of a common period",
            id="periods-apart",
        ),
    ],
)
def test_variables_at_different_steps_are_refused_in_one_line(tmp_path, monkeypatch, write, message):
    monkeypatch.chdir(tmp_path)
    write(tmp_path)
    with pytest.raises(ClimannError) as raised:
        open_dataset(sorted(tmp_path.glob("*.nc")), grid_of="tas")
    assert without_guards(bare_python(str(raised.value), some=False)) == message


@pytest.mark.parametrize(("cell_methods", "statistic"), [pytest.param("time: mean", "mean", id="means"),
                                                       pytest.param("time: sum", "sum", id="totals")])
def test_a_daily_station_file_beside_monthly_predictors_is_advised_the_xarray_line_that_runs(
        tmp_path, monkeypatch, cell_methods, statistic):
    """break44d A10: GRDC's daily discharge runoff_mean(time, id) beside monthly basin precipitation was advised
    `cdo monmean GRDC-Daily.nc …`, which fails on a CF station file ("Unsupported array structure"); the advice
    is the xarray line, whose copy opens beside the predictors with each station's monthly means (or totals)
    computed here by hand with numpy, December included (days stamped at 00:00 reach its end)."""
    monkeypatch.chdir(tmp_path)
    days = xr.date_range("2000-01-01", "2001-12-31", freq="D", calendar="standard", use_cftime=True)
    months = xr.date_range("2000-01-01", "2001-12-01", freq="MS", calendar="standard", use_cftime=True)
    ids = np.array([6335020, 6335050, 6340110], np.int32)
    runoff = np.random.default_rng(4).gamma(2.0, 300.0, (days.size, ids.size)).astype(np.float32)
    runoff[40:50, 1] = np.nan  # a gap in February 2000 at one station
    station = {"id": ("id", ids, {"cf_role": "timeseries_id"}),
               "station_name": ("id", np.array([b"REES", b"DRESDEN", b"NAGYMAROS"], "S30"), {"long_name": "station name"}),
               "lat": ("id", np.array([51.76, 51.05, 47.79], np.float32), {"units": "degrees_north"}),
               "lon": ("id", np.array([6.40, 13.74, 18.96], np.float32), {"units": "degrees_east"})}
    if statistic == "sum":  # each day's volume (m3), what a total over days sums: a sum of m3 s-1 is none (fix51c)
        runoff = (runoff * np.float32(86400)).astype(np.float32)
    units = "m3" if statistic == "sum" else "m3 s-1"
    xr.Dataset({"runoff_mean": (("time", "id"), runoff, {"units": units, "cell_methods": cell_methods})},
               coords={"time": ("time", days), **station}, attrs={"featureType": "timeSeries"}).to_netcdf("grdc.nc")
    pr = np.random.default_rng(5).uniform(1, 5, (months.size, ids.size)).astype(np.float32)
    xr.Dataset({"pr_basin": (("time", "id"), pr, {"units": "mm day-1"})},
               coords={"time": ("time", months), **station}, attrs={"featureType": "timeSeries"}).to_netcdf("pr.nc")
    files = [tmp_path / "grdc.nc", tmp_path / "pr.nc"]
    with pytest.raises(ClimannError) as raised:
        open_dataset(files, grid_of="runoff_mean", select={"id": 6335050})
    message = str(raised.value)
    assert "bring runoff_mean to monthly steps first" in message and "cdo" not in message
    # the copy in a folder of its own, as CDO's copies are (break46a A2: the same loop for several files)
    command = re.search(rf"`(mkdir -p monthly && {re.escape(shell.advised_python())} -c .+)`, then give --data "
                        r"monthly/grdc.nc in place of grdc.nc", message).group(1)
    subprocess.run(["bash", "-c", command], check=True, capture_output=True, cwd=tmp_path,
                   env={**os.environ, "PATH": shell_path()})
    opened = open_dataset([tmp_path / "monthly" / "grdc.nc", tmp_path / "pr.nc"], grid_of="runoff_mean",
                          select={"id": 6335050})
    month_of = np.array([(day.year - 2000) * 12 + day.month - 1 for day in days])
    # a month's mean over the days held; its total missing where a day is (resampling.calendar_resample_command)
    by_hand = np.array([getattr(np, "nanmean" if statistic == "mean" else "sum")(runoff[month_of == k, 1])
                        for k in range(months.size)])
    assert np.isnan(by_hand).sum() == (statistic == "sum")
    np.testing.assert_allclose(opened["runoff_mean"].values.ravel(), by_hand, rtol=1e-6)
    np.testing.assert_array_equal(opened["pr_basin"].values.ravel(), pr[:, 1])


#: The end of an averaging advice whose copy goes into a new folder (break45d A3: written beside its original, in the
#: folder given, the next run took both).
_IN_A_NEW_FOLDER = (", then give --data monthly/pred_day.nc in place of pred_day.nc (the copy is in a folder of its "
                    "own: a glob over the original's folder does not take it)")


@pytest.mark.parametrize(("cell_methods", "advice"), [
    # fix36c: daily totals were advised monthly means, a month's total being the sum of its days'
    pytest.param("area: mean time: sum", "e.g. monthly totals with `mkdir -p monthly && cdo monsum pred_day.nc "
                 "monthly/pred_day.nc`" + _IN_A_NEW_FOLDER, id="totals-summed"),
    pytest.param("time: mean", "e.g. monthly means with `mkdir -p monthly && cdo monmean pred_day.nc "
                 "monthly/pred_day.nc`" + _IN_A_NEW_FOLDER, id="means-averaged"),
])
def test_finer_totals_are_advised_summed_to_the_coarser_step(tmp_path, monkeypatch, cell_methods, advice):
    monkeypatch.chdir(tmp_path)
    _daily_and_monthly(tmp_path)
    with xr.open_dataset(tmp_path / "pred_day.nc") as dataset:
        pred = dataset.load()
    pred["pred"].attrs.update(cell_methods=cell_methods)
    pred.to_netcdf(tmp_path / "pred_day.nc")
    with pytest.raises(ClimannError) as raised:
        open_dataset(sorted(tmp_path.glob("*.nc")), grid_of="tas")
    assert without_guards(str(raised.value)).endswith(f"bring pred to monthly steps first, {advice}")


def test_one_variables_files_of_totals_at_different_steps_are_advised_summed(tmp_path):
    import datetime

    _file_of_steps(tmp_path / "pr_mon.nc", cftime.datetime(2000, 1, 1, calendar="noleap"), 72, "month")
    _file_of_steps(tmp_path / "pr_day.nc", cftime.datetime(2006, 1, 1, calendar="noleap"), 365,
                   datetime.timedelta(days=1))
    for name in ("pr_mon.nc", "pr_day.nc"):
        with xr.open_dataset(tmp_path / name) as dataset:
            totals = dataset.load()
        for variable in ("tas", "rsds"):
            totals[variable].attrs["cell_methods"] = "time: sum"
        totals.to_netcdf(tmp_path / name)
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "pr_mon.nc", tmp_path / "pr_day.nc"])
    message = without_guards(str(error.value))
    # the copy in a folder of its own, given in place of the daily file (break54b A2: one route with evaluate's)
    folder = shlex.quote(str(tmp_path / "monthly"))
    assert (f"e.g. monthly totals with `mkdir -p {folder} && cdo monsum -settbounds,day "
            f"{shlex.quote(str(tmp_path / 'pr_day.nc'))} "
            f"{folder}/pr_day_monthly.nc`, then give --data {folder}/pr_day_monthly.nc in place of ") in message
    assert "monmean" not in message


def _settbounds_month(source: Path, copy: Path) -> None:
    """What ``cdo settbounds,month SOURCE COPY`` writes, by hand: the file with CF time bounds of
    the calendar month holding each stamp, its time units and calendar kept."""
    with xr.open_dataset(source, decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)) as dataset:
        dataset = dataset.load()
    starts = dataset["time"].values
    ends = [cftime.datetime(t.year + t.month // 12, t.month % 12 + 1, 1, calendar=t.calendar) for t in starts]
    dataset["time_bnds"] = (("time", "bnds"), np.stack([starts, ends], axis=1))
    dataset["time"].attrs["bounds"] = "time_bnds"
    encoding = {key: dataset["time"].encoding[key] for key in ("units", "calendar")}
    dataset.to_netcdf(copy, encoding={"time": encoding, "time_bnds": encoding})


@pytest.mark.parametrize("taken", [pytest.param(False, id="new-folder"),
                                   pytest.param(True, id="with_bounds-already-there")])
def test_the_bounds_advice_writes_copies_apart_that_the_advised_data_takes(tmp_path, monkeypatch, caplog, taken):
    """The loop wrote pred_2000_bounds.nc … beside the originals, so the same --data glob took
    originals and copies and met the same refusal (verify25 F3). The copies go to a new folder
    (never one already there) and the refusal gives the --data that takes them; done by hand
    as CDO would, the advised data are accepted, each value in its month."""
    import shlex

    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "s mix"
    folder.mkdir()
    if taken:  # a folder holding a file of the user's (an empty one, left by a failed line, is taken again)
        (folder / "with_bounds").mkdir()
        (folder / "with_bounds" / "notes.txt").write_text("mine")
    full = grid_dataset(n_years=3)
    _monthly(full[["tas"]], 2000, day=16).to_netcdf(folder / "tas_mid.nc")
    for year in range(3):
        _monthly(full[["pred"]], 2000, day=1).isel(time=slice(12 * year, 12 * year + 12)).to_netcdf(
            folder / f"pred_{2000 + year}.nc")
    with pytest.raises(ClimannError) as raised:
        open_dataset(sorted(folder.glob("*.nc")), grid_of="tas")
    made = "'s mix/with_bounds_2'" if taken else "'s mix/with_bounds'"
    command = without_guards(str(raised.value)).split("`")[1]
    inside = "with_bounds_2" if taken else "with_bounds"  # CDO opens no path with a space: run in the folder (fix57c)
    assert command == (f"mkdir -p {made} && ( cd 's mix' && ( for f in pred_200*.nc; "  # one glob of the 3 files
                       f'do cdo settbounds,month "$f" {inside}/"${{f##*/}}" || exit 1; done ) )')  # (break38a B5)
    copies = Path(shlex.split(command)[2])  # mkdir -p FOLDER
    copies.mkdir()
    for year in range(3):
        _settbounds_month(folder / f"pred_{2000 + year}.nc", copies / f"pred_{2000 + year}.nc")
    # verify26b F3: the --data to give keeps tas_mid.nc, which the user's glob took and which needs no copy
    data = str(raised.value).partition("; then give ")[2].partition(" in place of the --data given")[0]
    assert data == f"--data 's mix/tas_mid.nc' --data '{copies}/*.nc'"
    with pytest.raises(ClimannError) as again:  # the originals given again, beside copies written before
        open_dataset(sorted(folder.glob("*.nc")), grid_of="tas")
    assert str(again.value).endswith(f"; '{copies}' already holds files of these names, perhaps the copies written "
                                     f"before: if so, give {data} in place of the originals")
    other = Path(shlex.split(without_guards(str(again.value)).split("`")[1])[2])  # the other reading's copies, as verify26b wrote
    other.mkdir()
    for year in range(3):
        shutil.copy(copies / f"pred_{2000 + year}.nc", other / f"pred_{2000 + year}.nc")
    with pytest.raises(ClimannError) as both:  # verify26b F5: both folders of copies are named, either to be given
        open_dataset(sorted(folder.glob("*.nc")), grid_of="tas")
    assert str(both.value).endswith(
        f"; '{copies}' and '{other}' already hold files of these names, perhaps the copies written before (one "
        f"folder for each reading of the stamps): if so, give the one of the reading chosen, {data} or --data "
        f"'s mix/tas_mid.nc' --data '{other}/*.nc', in place of the originals")
    words = shlex.split(data)
    assert words[::2] == ["--data"] * (len(words) // 2)
    with caplog.at_level(logging.WARNING, logger="climann"):  # the advised --data, as climann expands it
        combined = open_dataset(expand_paths(words[1::2]), grid_of="tas")
    assert not _warnings(caplog)
    np.testing.assert_array_equal(combined["pred"].values, full["pred"].values)
    np.testing.assert_array_equal(combined["tas"].values, full["tas"].values)


@pytest.mark.parametrize(("shift", "first"), [pytest.param("0", (2000, 1), id="month-beginning-at-the-stamp"),
                                            pytest.param("-1", (1999, 12), id="month-ending-at-the-stamp")])
def test_the_bounds_advice_for_a_zarr_store_is_the_xarray_line_and_its_copy_is_read(tmp_path, monkeypatch, shift,
                                                                                     first):
    """fix34c: a Zarr store stamped on the 1st without bounds was told `cdo settbounds,month pred.zarr …`, which cdo
    cannot read; the advice is the xarray line alone, and run as printed (LAST the shift for the reading) it writes
    a new store with the bounds of each stamp's month, which the advised --data reads, each value in its month."""
    pytest.importorskip("zarr")
    monkeypatch.chdir(tmp_path)
    full = grid_dataset(n_years=2)
    _monthly(full[["tas"]], 2000, day=16).to_netcdf(tmp_path / "tas_mid.nc")
    _monthly(full[["pred"]], 2000, day=1).to_zarr(tmp_path / "pred.zarr")
    with pytest.raises(ClimannError) as raised:
        open_dataset([tmp_path / "tas_mid.nc", tmp_path / "pred.zarr"], grid_of="tas")
    message = bare_python(str(raised.value))
    assert "cdo" not in message.partition("; then give")[0].replace("cdo does not read", "")
    command = message.split("`")[1]
    made, _, line = command.partition(" && ")
    assert made == "mkdir -p with_bounds", command
    Path("with_bounds").mkdir()
    words = shlex.split(line)
    assert words[:2] == ["python", "-c"] and words[3:] == ["pred.zarr", "with_bounds/pred.zarr", "0"], command
    run_python(*words[1:-1], shift, check=True, cwd=tmp_path)
    stored = xr.open_zarr(tmp_path / "with_bounds" / "pred.zarr", decode_times=xr.coders.CFDatetimeCoder(
        use_cftime=True))
    low = stored[stored["time"].attrs["bounds"]].values[0, 0]
    assert (low.year, low.month, low.day) == (*first, 1)
    data = message.partition("; then give ")[2].partition(" in place of the --data given")[0]
    assert data == "--data tas_mid.nc --data with_bounds/pred.zarr"
    combined = open_dataset(expand_paths(shlex.split(data)[1::2]), grid_of="tas")
    # the month ending at the stamp: pred's value stamped 1 February is January's, a month before tas's of February
    late = 0 if shift == "0" else 1
    np.testing.assert_array_equal(combined["tas"].values, full["tas"].values[:24 - late])
    np.testing.assert_array_equal(combined["pred"].values, full["pred"].values[late:])


def test_a_target_lacking_months_takes_the_predictors_at_its_months_with_one_warning(tmp_path, caplog):
    """GRACE's missing months beside complete predictors (break16 F12): the samples are the
    target's months, each predictor's value of the same month (its own stamps differ), and one
    warning lists the months the target lacks in the common period; it was refused naming one."""
    full = grid_dataset(n_years=3)
    gaps = [0, 5, 6, 7, 13, 20, 30, 35]  # the first month (it narrows nothing) and the last (it does)
    _monthly(full[["tas"]], 2000).drop_isel(time=gaps).to_netcdf(tmp_path / "tas.nc")
    _monthly(full[["pred"]], 2000, day=16).to_netcdf(tmp_path / "pred.nc")
    _monthly(full[["pred"]].rename(pred="huss").isel(time=slice(1, 36)), 2000, day=1).assign_coords(
        time=[cftime.datetime(2000 + k // 12, k % 12 + 1, 10, calendar="noleap") for k in range(1, 36)]
    ).to_netcdf(tmp_path / "huss.nc")
    with caplog.at_level(logging.WARNING, logger="climann"):
        combined = open_dataset([tmp_path / "tas.nc", tmp_path / "pred.nc", tmp_path / "huss.nc"], grid_of="tas")
    kept = np.setdiff1d(np.arange(36), gaps)
    assert [(t.year, t.month, t.day) for t in combined["time"].values] == [
        (2000 + k // 12, k % 12 + 1, 15) for k in kept]
    np.testing.assert_array_equal(combined["tas"].values, full["tas"].values[kept])
    np.testing.assert_array_equal(combined["pred"].values, full["pred"].values[kept])
    np.testing.assert_array_equal(combined["huss"].values, full["pred"].values[kept])
    assert _warnings(caplog) == [
        "tas (2000-02 to 2002-11), pred (2000-01 to 2002-12) and huss (2000-02 to 2002-12) cover different "
        "periods: only their common period, 2000-02 to 2002-11, is used (2 of pred's 36 and 1 of huss's 35 steps "
        "left out); [data] time_range chooses within it",
        "tas has no value at 6 of the 34 monthly steps from 2000-02 to 2002-11 that pred and huss hold: 2000-06, "
        "2000-07, 2000-08, 2001-02, 2001-09, …; the samples are its 28 steps, pred and huss taken at them",
    ]


def test_a_predictor_lag_beside_a_gappy_target_is_its_own_previous_month(tmp_path):
    """The lag of one month of a complete predictor (split into one file per year, stamped on
    the 16th) beside a target lacking months is its own value of the month before, from its
    files, also after a month the target lacks and across its files' boundary; missing only
    before the common period. The target's own lag is not taken from anywhere else."""
    full = grid_dataset(n_years=3)
    gaps = [4, 11, 12, 20]  # December and January around the files' boundary among them
    _monthly(full[["tas"]], 2000).drop_isel(time=gaps).to_netcdf(tmp_path / "tas.nc")
    pred = _monthly(full[["pred"]], 2000, day=16)
    for year in range(3):
        pred.isel(time=slice(12 * year, 12 * year + 12)).to_netcdf(tmp_path / f"pred_{2000 + year}.nc")
    files = [tmp_path / "tas.nc", *sorted(tmp_path.glob("pred_*.nc"))]
    combined = open_dataset(files, grid_of="tas", lags={"pred": [1, 2], "tas": [1]})
    kept = np.setdiff1d(np.arange(36), gaps)
    for lag in (1, 2):
        expected = np.full((kept.size, 4, 6), np.nan, np.float32)
        expected[kept >= lag] = full["pred"].values[kept[kept >= lag] - lag]
        np.testing.assert_array_equal(combined[f"pred@lag{lag}"].values, expected)
    after = int(np.flatnonzero(kept == 13)[0])  # February 2001: January and December 2000 the target lacks
    np.testing.assert_array_equal(combined["pred@lag1"].values[after], full["pred"].values[12])
    np.testing.assert_array_equal(combined["pred@lag2"].values[after], full["pred"].values[11])
    assert "tas@lag1" not in combined.variables
    assert list(combined["time"].values) == list(combined["tas"]["time"].values)


def test_a_file_left_out_of_the_common_period_leaves_the_others_paired_with_their_files(tmp_path):
    """verify18 F3: a file with no step in the common period (a predictor's year before the
    target's first) was left out of the datasets but not of their files: every later dataset
    was named by the file before it, the target (last) read from none, its predictor's
    own-series lags silently not made. Now the lags are the predictor's previous months and
    each variable names its own files. The first month's lag is December 1999 from that
    file: a predictor's own earlier steps count, also before the common period (break44d A5)."""
    full = grid_dataset(n_years=3)
    months = [cftime.datetime(1999 + k // 12, k % 12 + 1, 15, calendar="noleap") for k in range(36)]
    full = full.assign_coords(time=months)
    full[["pred"]].isel(time=slice(0, 12)).to_netcdf(tmp_path / "pred_1999.nc")
    for year in (2000, 2001):
        full[["pred"]].sel(time=[t for t in months if t.year == year]).to_netcdf(tmp_path / f"pred_{year}.nc")
    gaps = [14, 20]  # 2000-03 and 2000-09 (from 1999-01)
    full[["tas"]].isel(time=slice(12, 36)).drop_isel(time=[gap - 12 for gap in gaps]).to_netcdf(tmp_path / "tas.nc")
    files = sorted(tmp_path.glob("*.nc"))
    combined = open_dataset(files, grid_of="tas", lags={"pred": [1]}, variables=("tas", "pred"))
    kept = np.setdiff1d(np.arange(12, 36), gaps)
    expected = full["pred"].values[kept - 1]  # 2000-01's month before: 1999-12, in pred_1999.nc
    assert kept[0] - 1 == 11
    np.testing.assert_array_equal(combined["pred@lag1"].values, expected)
    np.testing.assert_array_equal(combined["tas"].values, full["tas"].values[kept])
    assert [Path(file).name for file in source_files(combined["tas"])] == ["tas.nc"]
    assert [Path(file).name for file in source_files(combined["pred"])] == ["pred_2000.nc", "pred_2001.nc"]


def test_a_predictor_lag_beside_a_complete_target_is_left_to_the_samples(tmp_path):
    """With no month missing from the target, no lag is added: the samples lag on the time axis."""
    full = grid_dataset(n_years=1)
    full[["tas"]].to_netcdf(tmp_path / "tas.nc")
    full[["pred"]].to_netcdf(tmp_path / "pred.nc")
    combined = open_dataset([tmp_path / "tas.nc", tmp_path / "pred.nc"], grid_of="tas", lags={"pred": [1]})
    assert sorted(combined.data_vars) == ["pred", "tas"]


@pytest.mark.skipif(shutil.which("cdo") is None, reason="needs CDO")
def test_the_cdo_command_for_a_predictor_lacking_months_leaves_them_out_of_the_target(tmp_path, monkeypatch):
    """The refusal's `cdo delete,timestep=…` runs as printed, on each of the target's files
    (their own step numbers), and the files then combine at the predictor's months."""
    monkeypatch.chdir(tmp_path)
    full = grid_dataset(n_years=2)
    full[["tas"]].isel(time=slice(0, 12)).to_netcdf(tmp_path / "tas_2000.nc")
    full[["tas"]].isel(time=slice(12, 24)).to_netcdf(tmp_path / "tas_2001.nc")
    full[["pred"]].drop_isel(time=[3, 4, 15]).to_netcdf(tmp_path / "pred.nc")
    with pytest.raises(ClimannError) as raised:
        open_dataset([tmp_path / "tas_2000.nc", tmp_path / "tas_2001.nc", tmp_path / "pred.nc"], grid_of="tas")
    given = ("(its copy in a new folder, with the other files' copies), then give --data 'common_steps/*.nc' in "
             "place of the originals, with the other files of the working folder given as before (--data pred.nc)")
    assert without_guards(str(raised.value)).endswith(
        "leave those steps out of tas, for tas_2000.nc: `mkdir -p common_steps && cdo delete,timestep=4,5 tas_2000.nc "
        f"common_steps/tas_2000.nc` {given}; for tas_2001.nc: `mkdir -p common_steps && cdo delete,timestep=4 "
        f"tas_2001.nc common_steps/tas_2001.nc` {given}")
    for command in str(raised.value).split("`")[1::2]:  # as printed, by bash, one after the other
        subprocess.run(["bash", "-c", command], check=True, capture_output=True)
    # the copies in a new folder (fix56b: tas_2000_selected.nc beside tas_2000.nc was taken with it by a glob)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["common_steps", "pred.nc", "tas_2000.nc",
                                                                "tas_2001.nc"]
    combined = open_dataset(expand_paths(["common_steps/*.nc", "pred.nc"]), grid_of="tas")
    kept = np.setdiff1d(np.arange(24), [3, 4, 15])
    np.testing.assert_allclose(combined["tas"].values, full["tas"].values[kept])
    np.testing.assert_array_equal(combined["pred"].values, full["pred"].values[kept])


def test_a_stores_predictor_lacking_months_gets_lines_that_leave_them_out_of_the_targets_stores(tmp_path,
                                                                                              monkeypatch):
    """fix32d: Zarr stores were given `cdo delete,timestep=4,5 tas_2000.zarr tas_2000_selected.nc`, which CDO
    cannot read; now one xarray line per store of the target that, run as printed, writes a copy without those
    steps (each store's own), and the copies combine with the predictor at its months."""
    import re

    pytest.importorskip("zarr")
    monkeypatch.chdir(tmp_path)
    full = grid_dataset(n_years=2)
    full[["tas"]].isel(time=slice(0, 12)).to_zarr(tmp_path / "tas_2000.zarr")
    full[["tas"]].isel(time=slice(12, 24)).to_zarr(tmp_path / "tas_2001.zarr")
    full[["pred"]].drop_isel(time=[3, 4, 15]).to_zarr(tmp_path / "pred.zarr")
    with pytest.raises(ClimannError, match="leave those steps out of tas") as raised:
        open_dataset([tmp_path / "tas_2000.zarr", tmp_path / "tas_2001.zarr", tmp_path / "pred.zarr"], grid_of="tas")
    assert "cdo" not in str(raised.value)
    commands = re.findall(r'`(python -c "[^"]+")`', bare_python(str(raised.value)))
    assert len(commands) == 2, str(raised.value)
    for command in commands:
        run_python("-c", shlex.split(command)[2], check=True, cwd=tmp_path)
    combined = open_dataset([tmp_path / "tas_2000_selected.zarr", tmp_path / "tas_2001_selected.zarr",
                             tmp_path / "pred.zarr"], grid_of="tas")
    kept = np.setdiff1d(np.arange(24), [3, 4, 15])
    np.testing.assert_allclose(combined["tas"].values, full["tas"].values[kept])
    np.testing.assert_array_equal(combined["pred"].values, full["pred"].values[kept])


def test_a_daily_store_beside_monthly_data_is_not_given_a_cdo_command(tmp_path):
    """fix32d: a daily Zarr store was advised `cdo monmean pred_day.zarr pred_day_monthly.nc`, which CDO cannot
    read; a store is pointed to xarray's resample instead (CDO's monthly means have no one-line xarray
    equivalent that keeps their stamps and bounds)."""
    pytest.importorskip("zarr")
    _daily_and_monthly(tmp_path)
    with xr.open_dataset(tmp_path / "pred_day.nc") as opened:
        opened.load().to_zarr(tmp_path / "pred_day.zarr")
    with pytest.raises(ClimannError) as raised:
        open_dataset([tmp_path / "tas_mon.nc", tmp_path / "pred_day.zarr"])
    message = str(raised.value)
    assert "bring pred to monthly steps first" in message and "cdo" not in message
    assert message.endswith("e.g. with xarray's Dataset.resample")


def test_a_variable_nobody_uses_neither_narrows_nor_blocks_the_common_period(tmp_path, caplog):
    """``huss`` in the second year's file only: with the variables used named (``tas``,
    ``pred``), both years are kept and ``huss`` is left out; it cut them to its year."""
    full = grid_dataset(n_years=2)
    full[["tas", "pred"]].isel(time=slice(0, 12)).to_netcdf(tmp_path / "a2000.nc")
    second = full[["tas", "pred"]].isel(time=slice(12, 24))
    second.assign(huss=second["pred"] * 0 + 0.01).to_netcdf(tmp_path / "a2001.nc")
    with caplog.at_level(logging.INFO, logger="climann"):
        combined = open_dataset([tmp_path / "a2000.nc", tmp_path / "a2001.nc"], grid_of="tas",
                                variables=("tas", "pred"))
    assert [(t.year, t.month) for t in combined["time"].values] == [(2000 + k // 12, k % 12 + 1) for k in range(24)]
    np.testing.assert_array_equal(combined["tas"].values, full["tas"].values)
    np.testing.assert_array_equal(combined["pred"].values, full["pred"].values)
    assert "huss" not in combined.variables
    assert _warnings(caplog) == []
    assert "huss (2001-01 to 2001-12), which the run does not use, left out: not at the time steps of tas" in [
        record.getMessage() for record in caplog.records]


def test_a_files_static_field_stays_when_its_unused_series_is_outside_the_period(tmp_path):
    """orog beside a pred series of 2010 in one file, tas of 2000 in another, pred unused: the
    file has no step in the period, but its orog is every step's."""
    full = grid_dataset(n_years=1)
    full[["tas"]].to_netcdf(tmp_path / "tas_2000.nc")
    later = full[["pred"]].assign_coords(time=[cftime.datetime(2010, t.month, t.day, calendar="noleap")
                                               for t in full["time"].values])
    later.assign(orog=full["static"]).to_netcdf(tmp_path / "fx_plus_pred.nc")
    combined = open_dataset([tmp_path / "fx_plus_pred.nc", tmp_path / "tas_2000.nc"], grid_of="tas",
                            variables=("tas", "orog"))
    np.testing.assert_array_equal(combined["orog"].values, full["static"].values)
    np.testing.assert_array_equal(combined["tas"].values, full["tas"].values)


def test_periods_that_do_not_overlap_are_refused_naming_the_two_that_do_not(tmp_path):
    """``tas`` 2000–2001 overlaps both ``pred`` (2000) and ``huss`` (2001); the two that do not
    overlap are ``pred`` and ``huss`` (``tas`` and ``pred`` were named)."""
    full = grid_dataset(n_years=2)
    full[["tas"]].to_netcdf(tmp_path / "tas.nc")
    full[["pred"]].isel(time=slice(0, 12)).to_netcdf(tmp_path / "pred.nc")
    full[["pred"]].rename(pred="huss").isel(time=slice(12, 24)).to_netcdf(tmp_path / "huss.nc")
    with pytest.raises(ClimannError) as raised:
        open_dataset([tmp_path / "tas.nc", tmp_path / "pred.nc", tmp_path / "huss.nc"], grid_of="tas")
    assert str(raised.value) == ("pred (2000-01 to 2000-12) and huss (2001-01 to 2001-12) cover periods that do not "
                                 "overlap: climann needs every variable at the same time steps; give files of a "
                                 "common period")


def _file_of_steps(path, first, count, step, *, bounds=False):
    """tas and rsds at ``count`` times from ``first`` (cftime, noleap), ``step`` apart (a
    timedelta, or "month" for the calendar month after); with ``bounds`` each time's cell
    [time, next time] as time_bnds. Returns the times."""
    def after(time):
        if step == "month":
            year, month = divmod(time.year * 12 + time.month, 12)
            return time.replace(year=year, month=month + 1)
        return time + step

    times = [first]
    while len(times) < count + 1:
        times.append(after(times[-1]))
    units = "days since 2000-01-01"
    rng = np.random.default_rng(count)
    variables = {name: (("time", "lat", "lon"), rng.normal(size=(count, 2, 3)), {"units": unit})
                 for name, unit in (("tas", "K"), ("rsds", "W m-2"))}
    attrs = {"units": units, "calendar": "noleap", "standard_name": "time"}
    if bounds:
        variables["time_bnds"] = (("time", "nbnd"), cftime.date2num(np.stack([times[:-1], times[1:]], 1), units,
                                                                    "noleap"))
        attrs["bounds"] = "time_bnds"
    xr.Dataset(variables, coords={
        "time": ("time", cftime.date2num(times[:-1], units, "noleap"), attrs),
        "lat": ("lat", [-30.0, 30.0], {"units": "degrees_north", "standard_name": "latitude"}),
        "lon": ("lon", [0.0, 120.0, 240.0], {"units": "degrees_east", "standard_name": "longitude"})},
    ).to_netcdf(path)
    return times[:-1]


@pytest.mark.parametrize("bounds", [pytest.param(False, id="without-bounds"), pytest.param(True, id="with-bounds")])
def test_one_variables_files_at_different_steps_are_refused_naming_both(tmp_path, bounds):
    import datetime

    _file_of_steps(tmp_path / "tas_mon.nc", cftime.datetime(2000, 1, 1, calendar="noleap"), 72, "month", bounds=bounds)
    _file_of_steps(tmp_path / "tas_day.nc", cftime.datetime(2006, 1, 1, calendar="noleap"), 365,
                   datetime.timedelta(days=1), bounds=bounds)
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "tas_mon.nc", tmp_path / "tas_day.nc"])
    message = str(error.value)
    assert "\n" not in message
    assert "tas_mon.nc holds monthly values, tas_day.nc daily values" in message
    assert "cdo monmean" in message and "tas_day_monthly.nc" in message


@pytest.mark.parametrize(
    ("first", "second", "step", "bounds"),
    [
        pytest.param((2000, 1), (2004, 1), "month", False, id="monthly-with-a-gap-of-two-years"),
        pytest.param((2000, 1), (2003, 1), "month", True, id="monthly-cells-of-28-to-31-days"),
        pytest.param((2000, 1), (2000, 3), "6h", False, id="6-hourly"),
    ],
)
def test_files_of_one_step_stay_one_series(tmp_path, first, second, step, bounds):
    import datetime

    delta = "month" if step == "month" else datetime.timedelta(hours=6)
    count = 36 if step == "month" else 40
    times = [*_file_of_steps(tmp_path / "a.nc", cftime.datetime(*first, 1, calendar="noleap"), count, delta,
                             bounds=bounds),
             *_file_of_steps(tmp_path / "b.nc", cftime.datetime(*second, 1, calendar="noleap"), count, delta,
                             bounds=bounds)]
    dataset = open_dataset([tmp_path / "a.nc", tmp_path / "b.nc"])
    assert dataset.sizes["time"] == len(times)


# Variables of different files are paired by the periods their values cover (their time
# cells), not by their stamps: CESM history files stamp the January mean at 1 February
# 00:00 (with time_bnds saying so), CMIP files mid-month, pandas' resample("ME") on the 31st.

_N_MONTHS = 36


def _month_after(time, months=1):
    year, month = divmod(time.year * 12 + time.month - 1 + months, 12)
    return time.replace(year=year, month=month + 1)


_STARTS = [cftime.datetime(2000 + k // 12, k % 12 + 1, 1, calendar="noleap") for k in range(_N_MONTHS)]
_MONTHS = [(start, _month_after(start)) for start in _STARTS]
_DAYS = [(cftime.datetime(2000, 1, 1, calendar="noleap") + datetime.timedelta(days=k),
          cftime.datetime(2000, 1, 1, calendar="noleap") + datetime.timedelta(days=k + 1)) for k in range(60)]


def _write(path, name, values, stamps, cells=None):
    """``name`` (time, lat, lon) holding ``values`` at ``stamps`` (noleap), with ``cells``
    [lower, upper] as CF time_bnds when given (as CESM, CMIP and CDO write them)."""
    units = "days since 2000-01-01"
    variables = {name: (("time", "lat", "lon"), values, {"units": "K"})}
    attrs = {"units": units, "calendar": "noleap", "standard_name": "time"}
    if cells is not None:
        variables["time_bnds"] = (("time", "nbnd"), cftime.date2num(np.array(cells), units, "noleap"))
        attrs["bounds"] = "time_bnds"
    xr.Dataset(variables, coords={
        "time": ("time", cftime.date2num(list(stamps), units, "noleap"), attrs),
        "lat": ("lat", [-30.0, 30.0], {"units": "degrees_north", "standard_name": "latitude"}),
        "lon": ("lon", [0.0, 120.0, 240.0], {"units": "degrees_east", "standard_name": "longitude"})},
    ).to_netcdf(path)


def _values(cells):
    return np.random.default_rng(len(cells)).normal(280, 10, (len(cells), 2, 3)).astype("f4")


#: How files stamp the periods of ``cells``: each a function of the cells, giving the stamps
#: and the bounds written (None: no bounds).
_CESM = (lambda cells: [high for _, high in cells], lambda cells: cells)  # the end, with bounds
_STARTS_WITH_BOUNDS = (lambda cells: [low for low, _ in cells], lambda cells: cells)  # resample("MS") + settbounds
_CMIP = (lambda cells: [low + (high - low) / 2 for low, high in cells], lambda cells: cells)  # mid-month, bounds
_15TH = (lambda cells: [low.replace(day=15) for low, _ in cells], lambda cells: None)  # observations
_ME = (lambda cells: [high - datetime.timedelta(days=1) for _, high in cells], lambda cells: None)  # resample("ME")
_AT_09 = (lambda cells: [low + datetime.timedelta(hours=9) for low, _ in cells], lambda cells: cells)  # cdo daymean
_AT_12 = (lambda cells: [low + datetime.timedelta(hours=12) for low, _ in cells], lambda cells: None)  # daily means


@pytest.mark.parametrize(("cells", "target", "copy"), [
    pytest.param(_MONTHS, _CESM, _STARTS_WITH_BOUNDS, id="cesm-month-ends-beside-identical-bounds-on-the-1st"),
    pytest.param(_MONTHS, _STARTS_WITH_BOUNDS, _CMIP, id="identical-bounds-on-the-1st-and-mid-month"),
    pytest.param(_MONTHS, _15TH, _CMIP, id="15th-without-bounds-beside-cmip-mid-month-with-bounds"),
    pytest.param(_MONTHS, _ME, _STARTS_WITH_BOUNDS, id="resample-ME-beside-MS-with-bounds"),
    pytest.param(_MONTHS, _CESM, _15TH, id="cesm-month-ends-beside-the-15th"),
    pytest.param(_DAYS, _AT_12, _AT_09, id="daily-12:00-beside-cdo-daymean-09:00-with-bounds"),
    pytest.param(_DAYS, _CESM, _AT_12, id="cesm-day-ends-beside-daily-12:00"),
])
def test_the_variables_of_different_files_are_paired_by_their_cells(tmp_path, cells, target, copy):
    """A copy of the target's values in another file, stamped otherwise: each step meets its
    own period's value, so the linear fit of the target on the copy is exact (by hand, with
    numpy's least squares); the data keep the target's stamps and its bounds."""
    values = _values(cells)
    _write(tmp_path / "tas.nc", "tas", values, target[0](cells), target[1](cells))
    _write(tmp_path / "copy.nc", "copy", values, copy[0](cells), copy[1](cells))
    combined = open_dataset([tmp_path / "tas.nc", tmp_path / "copy.nc"], grid_of="tas", variables=("tas", "copy"))
    np.testing.assert_array_equal(combined["copy"].values, values)
    np.testing.assert_array_equal(combined["tas"].values, values)
    x, y = combined["copy"].values.ravel().astype(float), combined["tas"].values.ravel().astype(float)
    (slope, intercept), residual = np.linalg.lstsq(np.stack([x, np.ones_like(x)], 1), y, rcond=None)[:2]
    assert (slope, intercept) == pytest.approx((1.0, 0.0), abs=1e-9) and residual[0] < 1e-12
    stamps = combined[FILE_TIME_COORDINATE] if FILE_TIME_COORDINATE in combined.coords else combined["time"]
    assert list(stamps.values) == target[0](cells)


def test_identical_stamps_whose_bounds_give_other_months_are_paired_by_the_bounds(tmp_path):
    """Both files stamped on the 1st at 00:00: tas's bounds say each stamp opens its month,
    the copy's (CESM's) that it closes the month before: the copy stamped 1 February holds
    January."""
    values = _values(_MONTHS)
    _write(tmp_path / "tas.nc", "tas", values[1:], _STARTS[1:], _MONTHS[1:])
    _write(tmp_path / "copy.nc", "copy", values[:-1], _STARTS[1:], _MONTHS[:-1])
    combined = open_dataset([tmp_path / "tas.nc", tmp_path / "copy.nc"], grid_of="tas", variables=("tas", "copy"))
    np.testing.assert_array_equal(combined["copy"].values, values[1:-1])
    np.testing.assert_array_equal(combined["tas"].values, values[1:-1])


@pytest.mark.parametrize(("cells", "copy", "message"), [
    pytest.param(
        _MONTHS, (lambda cells: [low for low, _ in cells], lambda cells: None),
        "copy.nc stamps copy on the 1st at 00:00 without time bounds (2000-01-01, …), and a stamp there may open its "
        "month (ERA5) or close the month before (CESM history files), while tas's months are known from its time "
        "bounds (tas.nc: 2000-02-01 for the cell 2000-01-01 to 2000-02-01): paired by month, the two readings put "
        "each copy value one month apart, and climann does not guess; "
        + _READINGS.format("copy", "2000-01-01", "1999-12", "2000-01", period="month") + "give copy.nc time bounds in a copy in a new "
        "folder: if each value is of the month beginning at its stamp `mkdir -p with_bounds && cdo settbounds,month "
        "copy.nc with_bounds/copy.nc`, if of the month ending there `mkdir -p with_bounds && cdo -settbounds,month "
        "-shifttime,-1day copy.nc with_bounds/copy.nc`" + without_cdo("month", "MS", "copy.nc with_bounds/copy.nc")
        + "; then give --data tas.nc --data with_bounds/copy.nc in place of the --data given, the copy in place of the original (a "
        "--data that still takes the original, as a glob over its folder does, meets this refusal again)",
        id="cesm-month-ends-beside-the-1st-without-bounds",
    ),
    pytest.param(
        _DAYS, (lambda cells: [low for low, _ in cells], lambda cells: None),
        "copy.nc stamps copy at 00:00 without time bounds (2000-01-01, …), and a stamp there may open its day (ERA5) "
        "or close the day before (CESM history files), while tas's days are known from its time bounds (tas.nc: "
        "2000-01-02 for the cell 2000-01-01 to 2000-01-02): paired by day, the two readings put each copy value one "
        "day apart, and climann does not guess; "
        + _READINGS.format("copy", "2000-01-01", "1999-12-31", "2000-01-01", period="day")
        + "give copy.nc time bounds in a copy in a new folder: if each value is "
        "of the day beginning at its stamp `mkdir -p with_bounds && cdo settbounds,day copy.nc with_bounds/copy.nc`, "
        "if of the day ending there `mkdir -p with_bounds && cdo -settbounds,day -shifttime,-12hour copy.nc "
        "with_bounds/copy.nc`" + without_cdo("day", "D", "copy.nc with_bounds/copy.nc")
        + "; then give --data tas.nc --data with_bounds/copy.nc in place of the --data given, the copy in place of "
        "the original (a --data that still takes the "
        "original, as a glob over its folder does, meets this refusal again)",
        id="cesm-day-ends-beside-00:00-without-bounds",
    ),
])
def test_stamps_on_a_periods_first_instant_beside_known_cells_are_refused(tmp_path, monkeypatch, cells, copy,
                                                                           message):
    """The copy's stamps may open their periods (ERA5) or close the ones before (CESM): paired
    by stamp with CESM's end stamps (as before) each value met the next period's."""
    monkeypatch.chdir(tmp_path)
    values = _values(cells)
    _write(tmp_path / "tas.nc", "tas", values, _CESM[0](cells), cells)
    _write(tmp_path / "copy.nc", "copy", values, copy[0](cells), copy[1](cells))
    with pytest.raises(ClimannError) as raised:
        open_dataset([tmp_path / "tas.nc", tmp_path / "copy.nc"], grid_of="tas", variables=("tas", "copy"))
    assert without_guards(bare_python(str(raised.value), some=False)) == message


@pytest.mark.skipif(shutil.which("cdo") is None, reason="needs CDO")
@pytest.mark.parametrize(("reading", "shift"), [pytest.param(0, 0, id="opening"), pytest.param(1, 1, id="closing")])
def test_the_refusals_cdo_commands_give_the_bounds_of_each_reading(tmp_path, monkeypatch, reading, shift):
    """The advised commands run as printed: opening, the copy stamped 1 January is January's
    and pairs with the CESM file exactly; closing, it is December's, one month before."""
    monkeypatch.chdir(tmp_path)
    values = _values(_MONTHS)
    _write(tmp_path / "tas.nc", "tas", values, _CESM[0](_MONTHS), _MONTHS)
    _write(tmp_path / "copy.nc", "copy", values, _STARTS)
    with pytest.raises(ClimannError) as raised:
        open_dataset([tmp_path / "tas.nc", tmp_path / "copy.nc"], grid_of="tas", variables=("tas", "copy"))
    command = str(raised.value).split("`")[1 + 2 * reading]
    subprocess.run(command, shell=True, check=True, capture_output=True)
    combined = open_dataset([tmp_path / "tas.nc", tmp_path / "with_bounds" / "copy.nc"], grid_of="tas",
                            variables=("tas", "copy"))
    np.testing.assert_array_equal(combined["tas"].values, values[:len(values) - shift])
    np.testing.assert_array_equal(combined["copy"].values, values[shift:])



@pytest.mark.parametrize(("reading", "shift"), [pytest.param("0", 0, id="opening"), pytest.param("-1", 1, id="closing")])
def test_the_refusals_commands_without_cdo_give_the_bounds_of_each_reading(tmp_path, monkeypatch, reading, shift):
    """break28a A3: cdo is not installed on many machines. The advised xarray command run as printed
    (this interpreter as its python; -1 in place of the last 0 for the other reading, as the
    refusal says): the same pairing as cdo's bounds, each reading's."""
    monkeypatch.chdir(tmp_path)
    values = _values(_MONTHS)
    _write(tmp_path / "tas.nc", "tas", values, _CESM[0](_MONTHS), _MONTHS)
    _write(tmp_path / "copy.nc", "copy", values, _STARTS)
    with pytest.raises(ClimannError) as raised:
        open_dataset([tmp_path / "tas.nc", tmp_path / "copy.nc"], grid_of="tas", variables=("tas", "copy"))
    command = str(raised.value).split("`")[5]
    assert command.startswith(f"mkdir -p with_bounds && {shell.advised_python()} -c ") and command.endswith(" 0")
    command = command[:-1] + reading
    make_folder, line = command.split(" && ")
    subprocess.run(make_folder, shell=True, check=True)
    words = shlex.split(line)  # as the shell splits it
    assert words[:2] == [shell.advised_python(), "-c"], line
    run_python(*words[1:], check=True, capture_output=True, cwd=tmp_path)
    combined = open_dataset([tmp_path / "tas.nc", tmp_path / "with_bounds" / "copy.nc"], grid_of="tas",
                            variables=("tas", "copy"))
    np.testing.assert_array_equal(combined["tas"].values, values[:len(values) - shift])
    np.testing.assert_array_equal(combined["copy"].values, values[shift:])

def _three_hourly(name, start_minutes, *, bounds=False, n=16):
    """``name`` 3-hourly from 2000-01-01 plus ``start_minutes``, on a 2 × 3 grid (noleap);
    with CF bounds of 3 hours centred on each stamp."""
    start = cftime.DatetimeNoLeap(2000, 1, 1) + datetime.timedelta(minutes=start_minutes)
    times = [start + datetime.timedelta(hours=3 * k) for k in range(n)]
    values = np.arange(n * 6, dtype=np.float32).reshape(n, 2, 3)
    dataset = xr.Dataset({name: (("time", "lat", "lon"), values, {"units": "K" if name == "tas" else "kg m-2 s-1"})},
                         coords={"time": times, "lat": ("lat", [0.0, 10.0], {"units": "degrees_north"}),
                                 "lon": ("lon", [0.0, 10.0, 20.0], {"units": "degrees_east"})})
    if bounds:
        half = datetime.timedelta(minutes=90)
        dataset["time_bnds"] = (("time", "bnds"), np.array([[t - half, t + half] for t in times], dtype=object))
        dataset["time"].attrs["bounds"] = "time_bnds"
    dataset["time"].encoding.update(units="minutes since 2000-01-01", calendar="noleap")
    return dataset


def _run_printed(command: str, folder: Path) -> None:
    """Run a printed shell line as the user pastes it (bash; its ``python`` this interpreter)."""
    subprocess.run(command, shell=True, check=True, cwd=folder, capture_output=True, executable="/bin/bash",
                   env={**os.environ, "PATH": shell_path()})


def _with_tas_at(combined: xr.Dataset, tas: xr.Dataset) -> np.ndarray:
    """tas's values at the stamps of ``combined``, by hand (0 K is read as missing)."""
    at = [list(tas["time"].values).index(time) for time in combined["time"].values]
    expected = tas["tas"].values[at]
    return np.where(expected > 0, expected, np.nan)


@pytest.mark.parametrize(("edge", "bound"), [pytest.param("start", 0, id="at-its-start"),
                                             pytest.param("end", 1, id="at-its-end")])
def test_means_a_fixed_interval_after_the_targets_instants_are_restamped_and_the_target_keeps_its_stamps(
        tmp_path, monkeypatch, edge, bound):
    """CMIP6's 3hrPt tas (00:00, 03:00 …, the target) beside 3hr pr (means stamped 01:30 with their cells): every
    step 1:30 apart; 'cdo seldate or cdo delete' would delete them all (break15 F14). break43c A5: the way out was
    `cdo shifttime` of the target's first file, moving the observed values' stamps (in one of 30 files). Now the
    means' files are changed: each mean stamped at its cell's start or end without its bounds. Run as printed, each
    mean goes with the instant of tas chosen (by hand from the bounds), tas keeps its stamps."""
    monkeypatch.chdir(tmp_path)
    tas, pr = _three_hourly("tas", 0), _three_hourly("pr", 90, bounds=True)
    tas.to_netcdf("tas.nc")
    pr.to_netcdf("pr.nc")
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "tas.nc", tmp_path / "pr.nc"], grid_of="tas")
    message = str(error.value)
    assert message.startswith(
        "every step of pr lies 1:30 after the step of tas (pr 2000-01-01 01:30 to 2000-01-02 22:30, tas 2000-01-01 to "
        "2000-01-02 21:00; e.g. instants beside means over cells that begin or end at them, as CMIP6's 3hrPt beside "
        "3hr): climann needs every variable at the same time steps; which of tas's instants goes with each value of pr "
        "(over the time cells of its bounds) is a choice, made on pr's files (tas keeps its stamps): ")
    assert message.endswith("; then give --data at_instants/pr.nc in place of pr.nc")
    commands = {chosen: command for command, chosen in re.findall(r"`([^`]+)` stamps each at its cell's (start|end)",
                                                                    message)}
    assert set(commands) == {"start", "end"} and not any("tas.nc" in command for command in commands.values())
    _run_printed(commands[edge], tmp_path)
    combined = open_dataset([tmp_path / "tas.nc", tmp_path / "at_instants" / "pr.nc"], grid_of="tas")
    by_edge = {cell[bound]: index for index, cell in enumerate(pr["time_bnds"].values)}
    assert set(combined["time"].values) <= set(tas["time"].values)
    assert len(combined["time"]) == len(set(by_edge) & set(tas["time"].values)) == (16 if edge == "start" else 15)
    np.testing.assert_array_equal(combined["pr"].values, pr["pr"].values[[by_edge[t] for t in combined["time"].values]])
    np.testing.assert_array_equal(combined["tas"].values, _with_tas_at(combined, tas))


@pytest.mark.skipif(shutil.which("cdo") is None, reason="needs CDO")
@pytest.mark.parametrize(("choice", "instant_after_start"), [pytest.param(0, 0, id="step-before"),
                                                             pytest.param(1, 3, id="step-after")])
def test_instants_in_several_files_beside_the_targets_means_are_shifted_in_a_loop_over_every_file(
        tmp_path, monkeypatch, choice, instant_after_start):
    """break43c A5: the shift was given for the first of the instants' files alone. Target pr (3hr means stamped
    01:30 with their bounds), tas instants in two files: the printed loop shifts both; run as printed, each mean
    goes with the instant of tas at its cell's start or end (by hand), and pr keeps its stamps and bounds."""
    monkeypatch.chdir(tmp_path)
    tas, pr = _three_hourly("tas", 0), _three_hourly("pr", 90, bounds=True)
    tas.isel(time=slice(0, 8)).to_netcdf("tas_a.nc")
    tas.isel(time=slice(8, None)).to_netcdf("tas_b.nc")
    pr.to_netcdf("pr.nc")
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "pr.nc", tmp_path / "tas_a.nc", tmp_path / "tas_b.nc"], grid_of="pr")
    message = str(error.value)
    commands = re.findall(r"`([^`]+)`", without_guards(message))
    assert commands == [f'mkdir -p shifted && ( for f in tas_*.nc; do cdo shifttime,{minutes}minutes "$f" '
                        'shifted/"${f##*/}" || exit 1; done )' for minutes in (90, -90)]
    assert message.endswith("then give --data 'shifted/*.nc' in place of the 2 files of tas")
    _run_printed(commands[choice], tmp_path)
    combined = open_dataset([tmp_path / "pr.nc", *sorted((tmp_path / "shifted").glob("*.nc"))], grid_of="pr")
    starts = [cell[0] for cell in pr["time_bnds"].values]
    tas_times = list(tas["time"].values)
    paired = [(index, tas_times.index(start + datetime.timedelta(hours=instant_after_start)))
              for index, start in enumerate(starts) if start + datetime.timedelta(hours=instant_after_start) in tas_times]
    np.testing.assert_array_equal(combined["time"].values, pr["time"].values[[i for i, _ in paired]])
    np.testing.assert_array_equal(combined["time_bnds"].values, pr["time_bnds"].values[[i for i, _ in paired]])
    np.testing.assert_array_equal(combined["pr"].values, pr["pr"].values[[i for i, _ in paired]])
    expected = tas["tas"].values[[j for _, j in paired]]
    np.testing.assert_array_equal(combined["tas"].values, np.where(expected > 0, expected, np.nan))


@pytest.mark.parametrize("choice", [pytest.param(0, id="step-before"), pytest.param(1, id="step-after")])
def test_the_two_shifts_for_a_zarr_store_are_xarray_lines_that_move_the_instants_not_the_means_bounds(
        tmp_path, monkeypatch, choice):
    """fix33c: for Zarr stores the shifts were `cdo shifttime,-90minutes pr.zarr pr_fixed.nc` and a bare `cdo
    shifttime,90minutes`, which CDO cannot run on a store: each is an xarray line. break37a C3: they moved pr's
    times and bounds, so that the mean over [00:00, 03:00] was said to be over [22:30, 01:30] and those bounds
    went to prediction files; they now move tas, the instants, which have none. Run as printed, the copy's
    times are tas's moved, its values unchanged, the store untouched; opened beside pr, each mean goes with the
    instant chosen (by hand: tas at its cell's start or end) and keeps its own bounds."""
    pytest.importorskip("zarr")
    monkeypatch.chdir(tmp_path)
    tas = _three_hourly("tas", 0)
    tas.to_zarr("tas.zarr")
    pr = _three_hourly("pr", 90, bounds=True)
    pr.to_zarr("pr.zarr")
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "tas.zarr", tmp_path / "pr.zarr"], grid_of="pr")
    commands = re.findall(r"`([^`]+)`", str(error.value))
    assert len(commands) == 2 and not any("cdo" in command for command in commands)
    # run as printed, by bash: the copy a new store in a new folder (fix57a: tas_fixed.zarr beside tas.zarr)
    assert "then give --data shifted/tas.zarr in place of tas.zarr" in str(error.value)
    _run_printed(commands[choice], tmp_path)
    assert sorted(os.listdir(tmp_path)) == ["pr.zarr", "shifted", "tas.zarr"]
    assert os.listdir(tmp_path / "shifted") == ["tas.zarr"]
    copy = xr.open_zarr(tmp_path / "shifted" / "tas.zarr", decode_times=xr.coders.CFDatetimeCoder(use_cftime=True))
    moved = datetime.timedelta(minutes=90 if choice == 0 else -90)
    np.testing.assert_array_equal(copy["time"].values, tas["time"].values + moved)
    np.testing.assert_array_equal(copy["tas"].values, tas["tas"].values)
    assert xr.open_zarr(tmp_path / "tas.zarr", use_cftime=True)["time"].values[0] == tas["time"].values[0]
    combined = open_dataset([tmp_path / "pr.zarr", tmp_path / "shifted" / "tas.zarr"], grid_of="pr")
    # the mean over [3k, 3k + 3] h with tas at 3k h (its start) or at 3k + 3 h (its end)
    kept = slice(0, len(pr["time"])) if choice == 0 else slice(0, len(pr["time"]) - 1)
    expected_tas = tas["tas"].values[choice:][:len(combined["time"])]
    np.testing.assert_array_equal(combined["pr"].values, pr["pr"].values[kept])
    np.testing.assert_array_equal(combined["tas"].values, np.where(expected_tas > 0, expected_tas, np.nan))  # 0 K
    np.testing.assert_array_equal(combined["time_bnds"].values, pr["time_bnds"].values[kept])


def test_twelve_months_of_one_year_beside_a_series_of_years_are_asked_about_as_a_climatology(tmp_path, caplog):
    # CDO's ymonmean output: 12 monthly steps stamped in the last year averaged, without CF's
    # climatology attribute (break17 F6); the common period is then that one year.
    full = grid_dataset(n_years=4)
    _monthly(full[["tas"]], 2000).to_netcdf(tmp_path / "tas.nc")
    by_month = full["pred"].values.reshape(4, 12, *full["pred"].shape[1:]).mean(axis=0)
    clim = full[["pred"]].isel(time=slice(36, 48)).rename(pred="pred_clim")
    clim["pred_clim"].values[:] = by_month
    _monthly(clim, 2003).to_netcdf(tmp_path / "pred_clim.nc")
    with caplog.at_level(logging.WARNING, logger="climann"):
        open_dataset([tmp_path / "tas.nc", tmp_path / "pred_clim.nc"], grid_of="tas")
    [printed] = [text for text in _warnings(caplog) if "cover different periods" in text]
    folder = tmp_path / "repeated_over_series"
    assert without_guards(printed).endswith(
        "; if pred_clim is a monthly climatology (its 12 steps are the months of one year beside tas's 4 years), "
        "repeat it over the series' months instead (with the series' first file: for a series in several files, a "
        "copy for each; each input one variable: cdo aborts on inputs of different numbers of variables), e.g. "
        f"`mkdir -p {folder} && cdo -chname,tas,pred_clim -ymonadd -mulc,0 -selname,tas {tmp_path / 'tas.nc'} "
        f"-selname,pred_clim {tmp_path / 'pred_clim.nc'} {folder / 'pred_clim.nc'}` (its copy in a new folder), then "
        f"give --data {folder / 'pred_clim.nc'} in place of {tmp_path / 'pred_clim.nc'}, with the other files of "
        f"{tmp_path} given as before (--data {tmp_path / 'tas.nc'})")
    if shutil.which("cdo") is None:
        return
    # run as printed, by bash: no placeholder to fill in (break42b A7's kind), its copy in a new folder (fix56b)
    followed = run_one_copy(printed, tmp_path)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["pred_clim.nc", "repeated_over_series", "tas.nc"]
    repeated = xr.open_dataset(followed["copy"])["pred_clim"].values
    np.testing.assert_allclose(repeated, np.tile(by_month, (4, 1, 1)), rtol=1e-6)


def test_a_second_series_of_one_year_is_not_asked_about_as_a_climatology(tmp_path, caplog):
    full = grid_dataset(n_years=3)
    _monthly(full[["tas"]].isel(time=slice(0, 24)), 2000).to_netcdf(tmp_path / "tas.nc")
    _monthly(full[["pred"]].isel(time=slice(12, 36)), 2001).to_netcdf(tmp_path / "pred.nc")
    with caplog.at_level(logging.WARNING, logger="climann"):
        open_dataset([tmp_path / "tas.nc", tmp_path / "pred.nc"], grid_of="tas")
    assert not any("climatology" in text for text in _warnings(caplog))


def _valid_days(forecasts: xr.Dataset, step_days: int) -> np.ndarray:
    """The forecasts' valid times at ``step_days`` as datetime64[ns] (an independent sum)."""
    return forecasts["time"].values + np.timedelta64(step_days, "D")


def _as_datetime64(times) -> np.ndarray:
    return np.array([np.datetime64(time.isoformat()) for time in times], "datetime64[ns]")


def test_twice_weekly_s2s_forecasts_beside_daily_observations_pair_with_the_days_they_are_valid_for(
        tmp_path, caplog):
    """break31a B2: S2S starts 3 and 4 days apart at step 21 beside daily observations were refused
    ("bring t2m to 3.5-daily steps", whose averaging is the wrong target). Member 0 is the
    observation of its valid day: paired right, the two are equal at every sample, and the
    samples are the valid days."""
    forecasts, observations = s2s_pair()
    forecasts.to_netcdf(tmp_path / "s2s.nc")
    observations.to_netcdf(tmp_path / "era5_daily.nc")
    with caplog.at_level(logging.INFO):
        chosen = {"step": 21, "number": 0}
        opened = select_values(open_dataset([tmp_path / "s2s.nc", tmp_path / "era5_daily.nc"], select=chosen,
                                            grid_of="t2m", variables={"t2m", "t2m_fc"}), chosen)
    valid = _valid_days(forecasts, 21)
    np.testing.assert_array_equal(_as_datetime64(opened["time"].values), valid)
    np.testing.assert_array_equal(opened["t2m"].values, observations["t2m"].sel(time=valid).values)
    np.testing.assert_array_equal(opened["t2m_fc"].values, opened["t2m"].values)
    said = [record.getMessage() for record in caplog.records if "is a forecast" in record.getMessage()]
    assert said == [f"t2m_fc is a forecast (step = 21 days): paired with t2m's days that its valid times fall in; "
                    f"the samples are those {len(valid)} days"]


def test_half_day_leads_on_twice_weekly_starts_pair_with_the_daily_cells_they_fall_in(tmp_path):
    """break31a B5: IRI's leads L = 20.5 days are valid at 12:00, inside the 1-day cells
    (``time_bnds``) of observations on the same twice-weekly days; they were refused ("lies
    12:00 after", with a shift that matched no observation). Paired with the cell each falls
    in, the forecast equals its observation and the samples are the observations' steps."""
    forecasts, observations = s2s_pair(leads_days=(0, 20))
    forecasts = forecasts.isel(number=0, drop=True).rename(time="S", step="L", t2m_fc="t2m")
    forecasts = forecasts.drop_vars("valid_time").assign_coords(
        L=("L", forecasts["L"].values / np.timedelta64(1, "D") + 0.5, {"standard_name": "forecast_period",
                                                                           "units": "days"}))
    forecasts["S"].encoding.update(units="days since 1960-01-01", dtype="float64")
    valid = _valid_days(forecasts.rename(S="time"), 20)
    cells = observations.sel(time=valid).rename(t2m="t2m_obs")
    cells["time_bnds"] = (("time", "bnds"), np.stack([valid, valid + np.timedelta64(1, "D")], axis=1))
    cells["time"].attrs["bounds"] = "time_bnds"
    cells["time"].encoding["units"] = "days since 2000-01-01"
    forecasts.to_netcdf(tmp_path / "iri.nc")
    cells.to_netcdf(tmp_path / "obs.nc")
    opened = open_dataset([tmp_path / "iri.nc", tmp_path / "obs.nc"], select={"L": 20.5},
                          grid_of="t2m_obs", variables={"t2m", "t2m_obs"})
    alone = open_dataset([tmp_path / "obs.nc"])  # its daily cells' stamps, as climann reads them alone
    np.testing.assert_array_equal(opened["time"].values, alone["time"].values)
    np.testing.assert_array_equal(opened["t2m_obs"].values, cells["t2m_obs"].values)
    np.testing.assert_array_equal(opened["t2m"].values, opened["t2m_obs"].values)


@pytest.mark.parametrize(
    ("attrs", "refusal"),
    [
        # given its window (climann.data.forecast_windows), it waits for the observations' days
        pytest.param({"GRIB_stepType": "avg"}, "stamps t2m at 00:00 without time bounds", id="grib-avg"),
        # a statistic whose window nothing says
        pytest.param({"GRIB_stepType": "instant", "cell_methods": "time: mean"}, "say a time statistic",
                     id="cell-methods-mean"),
    ],
)
def test_a_forecast_mean_ending_at_its_valid_time_is_not_paired_by_that_instant(tmp_path, attrs, refusal):
    """A daily mean over the 24 h ending at its valid time (cfgrib's stepType avg, break31a A1),
    without time bounds, is not paired with the observation of its valid day (the day after
    the one it averages): refused, for the observations' days or the forecast's window."""
    forecasts, observations = s2s_pair()
    forecasts["t2m_fc"].attrs.update(attrs)
    forecasts.to_netcdf(tmp_path / "s2s.nc")
    observations.to_netcdf(tmp_path / "era5_daily.nc")
    with pytest.raises(ClimannError, match=refusal):
        open_dataset([tmp_path / "s2s.nc", tmp_path / "era5_daily.nc"], select={"step": 21, "number": 0},
                     grid_of="t2m", variables={"t2m", "t2m_fc"})


def _axis_of(days_apart, cell_days):
    """A time axis of stamps at 00:00 the given numbers of days apart, each with a cell of the given
    length in days beginning at its stamp (None: no cell)."""
    from climann.data.time_axes import _Axis

    stamps = [cftime.DatetimeGregorian(2000, 1, 3)]
    for days in days_apart:
        stamps.append(stamps[-1] + datetime.timedelta(days=days))
    cells = tuple(None if length is None else (stamp, stamp + datetime.timedelta(days=length))
                  for stamp, length in zip(stamps, cell_days, strict=True))
    return _Axis("obs", np.array(stamps, dtype=object), ("obs.nc",) * len(stamps), cells)


@pytest.mark.parametrize("days_apart, cell_days, period", [
    pytest.param([1] * 9, [1] * 10, "daily", id="daily-days"),
    pytest.param([1] * 9, [None] * 10, "daily", id="daily-without-cells"),
    pytest.param([3, 4] * 4 + [3], [1] * 10, "daily", id="twice-weekly-days"),
    pytest.param([3, 4] * 4 + [3], [1] * 9 + [None], None, id="twice-weekly-a-step-without-cell"),
    pytest.param([3, 4] * 4 + [3], [1] * 8 + [2, 2], None, id="twice-weekly-days-and-two-day-means"),
    pytest.param([7] * 9, [7] * 10, None, id="weekly-weeks"),
])
def test_the_period_a_forecast_is_paired_by_is_the_one_the_axis_is_read_at_alone(days_apart, cell_days, period):
    """One reading of an axis's periods: the observations' period the forecast pairing takes (period_frequency)
    is the one with_periods gives their axis alone; before, the pairing took the median cell (daily for 1-day
    cells among 2-day means) where the axis alone was read by no period of days."""
    axis = _axis_of(days_apart, cell_days)
    assert axis.period_frequency == period
    read_alone = axis.with_periods(None).step
    assert (read_alone if read_alone in ("daily", "monthly", "yearly") else None) == period


def _s2s_beside_days_with_bounds(folder: Path) -> tuple[list[Path], xr.Dataset]:
    """S2S forecasts (an instant, valid at 00:00) and daily observations with 1-day time bounds, written into
    ``folder``: the files and the observations."""
    forecasts, observations = s2s_pair()
    days = observations["time"].values
    observations["time_bnds"] = (("time", "bnds"), np.stack([days, days + np.timedelta64(1, "D")], axis=1))
    observations["time"].attrs["bounds"] = "time_bnds"
    observations["time"].encoding["units"] = "days since 2000-01-01"
    forecasts.to_netcdf(folder / "s2s.nc")
    observations.to_netcdf(folder / "era5_daily.nc")
    return [folder / "era5_daily.nc", folder / "s2s.nc"], observations


@pytest.mark.parametrize("reading, days_later", [pytest.param("12", 0, id="the-day-beginning-at-00:00"),
                                                 pytest.param("-12", 1, id="the-day-ending-there")])
def test_the_advice_for_a_forecast_at_00_00_beside_days_with_bounds_pairs_it_by_either_day_when_followed(
        tmp_path, monkeypatch, reading, days_later):
    """Before, the advice gave the forecast file time bounds (cdo settbounds, or the same in Python): those bounded
    its reference times, not its valid times, and the copy met the same refusal. Followed now (the printed line
    run), the copy's valid times lie inside the day chosen: member 0 (the observation of its valid day) is paired
    with that day's observation, or with the day before's (it then equals the next day's)."""
    import shlex

    monkeypatch.chdir(tmp_path)
    files, observations = _s2s_beside_days_with_bounds(tmp_path)
    chosen = {"step": 21, "number": 0}
    with pytest.raises(ClimannError) as raised:
        open_dataset(files, select=chosen, grid_of="t2m", variables={"t2m", "t2m_fc"})
    message = str(raised.value)
    assert message.startswith("s2s.nc stamps t2m_fc, a forecast (step = 21 days), valid at 00:00 without time "
                              "bounds (2000-01-24, …)") and "\n" not in message
    made, _, run = message.split("`")[1].partition(" && ")
    words = shlex.split(run)
    assert shlex.split(made) == ["mkdir", "-p", "with_bounds"] and words[0] == shell.advised_python() and words[-1] == "12"
    Path("with_bounds").mkdir()
    run_python(*words[1:-1], reading, check=True)
    data = shlex.split(message.partition("; then give ")[2].partition(" in place of")[0])
    assert data == ["--data", "era5_daily.nc", "--data", "with_bounds/s2s.nc"]
    opened = select_values(open_dataset([Path(path) for path in data[1::2]], select=chosen, grid_of="t2m",
                                        variables={"t2m", "t2m_fc"}), chosen)
    days = np.array([np.datetime64(time.isoformat()[:10]) for time in opened["time"].values], "datetime64[ns]")
    np.testing.assert_array_equal(days + np.timedelta64(days_later, "D"), _valid_days(s2s_pair()[0], 21))
    np.testing.assert_array_equal(opened["t2m"].values, observations["t2m"].sel(time=days).values)
    np.testing.assert_array_equal(opened["t2m_fc"].values,
                                  observations["t2m"].sel(time=days + np.timedelta64(days_later, "D")).values)


@pytest.mark.parametrize("days", [pytest.param(8, id="8-day"), pytest.param(16, id="16-day")])
def test_composites_beside_monthly_values_are_named_as_composites(tmp_path, days):
    """break33a (severity 4): MODIS NDVI composites beside monthly t2m were refused as "16-daily";
    the refusal names them as what they are, N-day composites restarting each year."""
    starts = np.array([np.datetime64(f"{year}-01-01") + np.timedelta64(days * k, "D")
                       for year in (2001, 2002, 2003) for k in range((365 + days - 1) // days)], "datetime64[ns]")
    months = np.arange("2001-01", "2004-01", dtype="datetime64[M]").astype("datetime64[ns]")
    grid = {"lat": ("lat", [10.0], {"units": "degrees_north"}), "lon": ("lon", [20.0], {"units": "degrees_east"})}
    for name, times in (("ndvi", starts), ("t2m", months)):
        values = np.ones((times.size, 1, 1), np.float32)
        xr.Dataset({name: (("time", "lat", "lon"), values, {"units": "1" if name == "ndvi" else "K"})},
                   coords={"time": times, **grid}).to_netcdf(tmp_path / f"{name}.nc")
    with pytest.raises(ClimannError, match=rf"ndvi is {days}-day composites \(2001-01-01 to .*\) and t2m monthly"):
        open_dataset([tmp_path / "ndvi.nc", tmp_path / "t2m.nc"])


def _three_hourly_means(stamped: str, n: int = 16) -> xr.Dataset:
    """3-hourly means of pr over the cells [00:00, 03:00], [03:00, 06:00] … (time_bnds), stamped
    at each cell's ``stamped`` ("start", "middle", "end"); values 0, 1, 2 … per step."""
    dataset = _three_hourly("pr", 90, bounds=True, n=n)
    cells = dataset["time_bnds"].values
    stamps = {"start": cells[:, 0], "middle": dataset["time"].values, "end": cells[:, 1]}[stamped]
    dataset = dataset.assign_coords(time=("time", stamps, dataset["time"].attrs, dataset["time"].encoding))
    dataset["pr"].attrs["cell_methods"] = "area: time: mean"
    return dataset


@pytest.mark.parametrize("stamped", [pytest.param("start", id="start"), pytest.param("middle", id="cmip6-middle"),
                                     pytest.param("end", id="cesm-end")])
def test_means_beside_instants_are_refused_as_a_choice_wherever_the_means_are_stamped(tmp_path, monkeypatch,
                                                                                      stamped):
    """break33b B6: CMIP6's 3hr pr (stamped 01:30) beside 3hrPt tas was refused as a choice, while the same
    means stamped at their cells' ends (CESM) were paired with tas at 03:00 without a word."""
    monkeypatch.chdir(tmp_path)
    _three_hourly("tas", 0).to_netcdf("tas.nc")
    _three_hourly_means(stamped).to_netcdf("pr.nc")
    with pytest.raises(ClimannError, match="which of .* is a choice"):
        open_dataset([tmp_path / "tas.nc", tmp_path / "pr.nc"], grid_of="tas")


@pytest.mark.skipif(shutil.which("cdo") is None, reason="needs CDO")
@pytest.mark.parametrize(("stamped", "choice", "instant_after_start"), [
    pytest.param("end", "start", 0, id="cesm-end-paired-with-the-start"),
    pytest.param("end", "end", 3, id="cesm-end-paired-with-the-end"),
    pytest.param("start", "end", 3, id="start-paired-with-the-end"),
])
def test_the_printed_choice_pairs_each_mean_with_the_instant_chosen_and_keeps_its_bounds(
        tmp_path, monkeypatch, stamped, choice, instant_after_start):
    """break37a C3: the way out moved the means' stamps and bounds by 1:30 (the mean over [00:00, 03:00] then
    said to be over [22:30, 01:30], bounds written to prediction files); followed as printed, the target's means
    are now stamped at their cells' middles with their own bounds, and the instants moved (in new folders, each
    line run as printed)."""
    monkeypatch.chdir(tmp_path)
    tas, pr = _three_hourly("tas", 0), _three_hourly_means(stamped)
    tas.to_netcdf("tas.nc")
    pr.to_netcdf("pr.nc")
    with pytest.raises(ClimannError) as raised:
        open_dataset([tmp_path / "tas.nc", tmp_path / "pr.nc"], grid_of="pr")
    message = str(raised.value)
    assert f"is stamped at the {stamped} of its time cell" in message
    restamp = re.search(rf"`(mkdir -p restamped && {re.escape(shell.advised_python())} -c .*)` stamps each mean at its "
                        r"cell's middle", message)[1]
    shift = re.search(rf"`({GUARD}mkdir -p shifted && {GUARD}cdo shifttime,-?\d+minutes tas.nc shifted/tas.nc)` "
                      rf"(pairs each with the instant at its cell's )?(with the one at its )?{choice}", message)[1]
    assert message.endswith("then give --data restamped/pr.nc and --data shifted/tas.nc in place of pr.nc and tas.nc")
    _run_printed(restamp, tmp_path)
    _run_printed(shift, tmp_path)
    combined = open_dataset([tmp_path / "restamped" / "pr.nc", tmp_path / "shifted" / "tas.nc"], grid_of="pr")
    # by hand: the mean over [3k, 3k + 3] h goes with tas at 3k + instant_after_start hours
    starts = [cell[0] for cell in pr["time_bnds"].values]
    chosen = {start + datetime.timedelta(hours=instant_after_start): index for index, start in enumerate(starts)}
    tas_times = list(tas["time"].values)
    paired = [(tas_times.index(time), index) for time, index in chosen.items() if time in tas_times]
    assert len(combined["time"]) == len(paired)
    expected_tas = tas["tas"].values[[i for i, _ in paired]]
    np.testing.assert_array_equal(combined["tas"].values, np.where(expected_tas > 0, expected_tas, np.nan))  # 0 K: masked
    np.testing.assert_array_equal(combined["pr"].values, pr["pr"].values[[j for _, j in paired]])
    np.testing.assert_array_equal(combined["time_bnds"].values, pr["time_bnds"].values[[j for _, j in paired]])


@pytest.mark.parametrize(("stamped", "edge", "bound"), [
    pytest.param("end", "start", 0, id="cesm-end-paired-with-the-start"),
    pytest.param("end", "end", 1, id="cesm-end-paired-with-the-end"),
    pytest.param("start", "end", 1, id="start-paired-with-the-end"),
])
def test_means_at_an_edge_of_their_cells_beside_the_targets_instants_are_restamped_on_their_own_files(
        tmp_path, monkeypatch, stamped, edge, bound):
    """break43c A5: beside the target's instants (tas), the way out shifted the target's file. Now the means'
    files alone change: each mean stamped at its cell's start or end, without bounds; run as printed, each
    goes with the instant of tas chosen (by hand from the bounds), and tas keeps its stamps."""
    monkeypatch.chdir(tmp_path)
    tas, pr = _three_hourly("tas", 0), _three_hourly_means(stamped)
    tas.to_netcdf("tas.nc")
    pr.to_netcdf("pr.nc")
    with pytest.raises(ClimannError) as raised:
        open_dataset([tmp_path / "tas.nc", tmp_path / "pr.nc"], grid_of="tas")
    message = str(raised.value)
    assert f"every step of pr is stamped at the {stamped} of its time cell" in message
    assert "made on pr's files (tas keeps its stamps)" in message
    assert message.endswith("then give --data at_instants/pr.nc in place of pr.nc")
    commands = {chosen: command for command, chosen in re.findall(r"`([^`]+)` stamps each at its cell's (start|end)",
                                                                    message)}
    assert set(commands) == {"start", "end"} and not any("tas.nc" in command for command in commands.values())
    _run_printed(commands[edge], tmp_path)
    combined = open_dataset([tmp_path / "tas.nc", tmp_path / "at_instants" / "pr.nc"], grid_of="tas")
    by_edge = {cell[bound]: index for index, cell in enumerate(pr["time_bnds"].values)}
    assert len(combined["time"]) == len(set(by_edge) & set(tas["time"].values))
    np.testing.assert_array_equal(combined["pr"].values, pr["pr"].values[[by_edge[t] for t in combined["time"].values]])
    np.testing.assert_array_equal(combined["tas"].values, _with_tas_at(combined, tas))


def test_the_warning_about_stamps_at_the_ends_of_their_cells_names_the_file_with_the_cells(tmp_path, caplog):
    """break33b B6: 'pr_3hr_endstamp.nc, tas_3hr.nc: time stamps at the ends of their time_bnds cells', but
    tas_3hr.nc has no time bounds; here CESM's monthly means beside means stamped on the 15th."""
    forget_notes()
    _write(tmp_path / "tas_cesm.nc", "tas", _values(_MONTHS), _CESM[0](_MONTHS), _CESM[1](_MONTHS))
    _write(tmp_path / "copy_15th.nc", "copy", _values(_MONTHS), _15TH[0](_MONTHS))
    with caplog.at_level(logging.WARNING, logger="climann"):
        open_dataset([tmp_path / "tas_cesm.nc", tmp_path / "copy_15th.nc"], grid_of="tas")
    [said] = [text for text in _warnings(caplog) if "time stamps at the ends" in text]
    assert said.startswith("tas_cesm.nc: time stamps at the ends of their time_bnds cells (2000-02-01 for 2000-01-01 "
                           "to 2000-02-01, …, as CESM history files stamp means)")


def _seasonal_and_monthly(folder: Path, n_years: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """xclim's QS-DEC seasonal index (stamped 1 Dec/Mar/Jun/Sep, no bounds) and monthly ``pr``
    with bounds from the first December on, on a 2×3 grid; the seasonal and the monthly values."""
    rng = np.random.default_rng(34)
    months = [cftime.DatetimeGregorian(1970 + (11 + k) // 12, (11 + k) % 12 + 1, 1) for k in range(12 * n_years + 1)]
    seasons = months[:-1:3]
    grid = {"lat": ("lat", [10.0, 20.0]), "lon": ("lon", [0.0, 10.0, 20.0])}
    index = rng.random((len(seasons), 2, 3)) * 500
    xr.Dataset({"gdd": (("time", "lat", "lon"), index, {"units": "K d"})},
               coords={"time": seasons, **grid}).to_netcdf(folder / "xclim_seasonal.nc")
    monthly = rng.random((12 * n_years, 2, 3)).astype("f4")
    xr.Dataset({"pr": (("time", "lat", "lon"), monthly, {"units": "mm d-1"}),
                "time_bnds": (("time", "bnds"), np.stack([months[:-1], months[1:]], 1))},
               coords={"time": ("time", months[:-1], {"bounds": "time_bnds"}), **grid}).to_netcdf(
        folder / "pr_monthly.nc", encoding={name: {"units": "days since 1970-01-01"} for name in ("time", "time_bnds")})
    return index, monthly


def test_seasons_beside_months_are_named_seasons_and_the_advice_makes_them(tmp_path, monkeypatch):
    """break34b B5: xclim's QS-DEC seasons were called "92-daily" and 92-day means advised, which
    drift off the seasons; they are DJF, MAM, JJA, SON, and the printed line averages ``pr`` over
    exactly them (each season the mean of its three months), which then opens beside the index."""
    monkeypatch.chdir(tmp_path)
    index, monthly = _seasonal_and_monthly(tmp_path)
    with pytest.raises(ClimannError) as raised:
        open_dataset([tmp_path / "xclim_seasonal.nc", tmp_path / "pr_monthly.nc"], grid_of="gdd")
    message = str(raised.value)
    assert "gdd is seasonal (DJF, MAM, JJA, SON) (1970-12-01 to 1973-09-01) and pr monthly" in message
    assert "92-daily" not in message and "bring pr to the seasons' steps first" in message
    # run as printed, by bash: its copy in a new folder, nothing beside the file (fix56b: pr_monthly_seasonal.nc)
    followed = run_one_copy(message, tmp_path, env={**os.environ, "PATH": shell_path()})
    assert f"&& {shell.advised_python()} -c " in followed["command"] and followed["copy"] == "seasonal/pr_monthly.nc"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["pr_monthly.nc", "seasonal", "xclim_seasonal.nc"]
    combined = open_dataset([tmp_path / "xclim_seasonal.nc", tmp_path / followed["copy"]], grid_of="gdd")
    np.testing.assert_allclose(combined["pr"].values, monthly.reshape(-1, 3, 2, 3).mean(axis=1), rtol=1e-6)
    np.testing.assert_array_equal(combined["gdd"].values, index)
    with xr.open_dataset(tmp_path / followed["copy"],
                         decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)) as written:
        cells = written["time_bnds"].values
    assert [(c[0].month, c[1].month) for c in cells[:4]] == [(12, 3), (3, 6), (6, 9), (9, 12)]


def _yearly_with_bounds(path: Path, name: str, start_month: int, first_year: int = 1980, n_years: int = 4) -> None:
    """Yearly values with CF bounds of years starting on the 1st of ``start_month`` (xclim's
    YS-OCT water years for 10), stamped at their starts, on a 2×3 grid."""
    starts = [cftime.DatetimeGregorian(first_year + k, start_month, 1) for k in range(n_years + 1)]
    grid = {"lat": ("lat", [10.0, 20.0]), "lon": ("lon", [0.0, 10.0, 20.0])}
    values = np.random.default_rng(start_month).random((n_years, 2, 3))
    xr.Dataset({name: (("time", "lat", "lon"), values, {"units": "K"}),
                "time_bnds": (("time", "bnds"), np.stack([starts[:-1], starts[1:]], 1))},
               coords={"time": ("time", starts[:-1], {"bounds": "time_bnds"}), **grid}).to_netcdf(
        path, encoding={key: {"units": "days since 1970-01-01"} for key in ("time", "time_bnds")})


@pytest.mark.parametrize("start_month", [pytest.param(10, id="water-year"), pytest.param(1, id="calendar-year")])
def test_water_years_beside_calendar_years_are_warned_about_naming_the_paired_cells(tmp_path, caplog, start_month):
    """break34b B4: an October-start water year beside calendar years (both with bounds) was paired by the
    year holding its middle with only a line in train.log; the terminal now names both cells."""
    forget_notes()
    _yearly_with_bounds(tmp_path / "wy.nc", "dry_days", start_month, first_year=1980 if start_month == 10 else 1981)
    _yearly_with_bounds(tmp_path / "cy.nc", "tg_mean", 1, first_year=1981)
    with caplog.at_level(logging.WARNING, logger="climann"):
        open_dataset([tmp_path / "wy.nc", tmp_path / "cy.nc"], grid_of="tg_mean")
    offset = [message for message in _warnings(caplog) if "start in different months" in message]
    if start_month == 1:
        assert offset == []
    else:
        assert offset == [
            "the time cells of tg_mean and dry_days start in different months (tg_mean: 1981-01-01 to 1982-01-01, …; "
            "dry_days: 1980-10-01 to 1981-10-01, …, starting 3 months before tg_mean's): each value is paired by the "
            "period holding its cell's middle, so tg_mean of 1981-01-01 to 1982-01-01 is paired with dry_days of "
            "1980-10-01 to 1981-10-01, which covers 1980-10-01 to 1981-01-01 outside it (4 of 4 paired steps so); if "
            "that is not the pairing meant, give dry_days over cells that match tg_mean's"]


def _yearly_cells(path: Path, name: str, cells: list[tuple[int, int, int, int]]) -> None:
    """Yearly values of ``name`` with CF bounds ``(year, month)`` to ``(year, month)`` (each
    ``(first year, first month, last year, last month)`` of ``cells``), stamped at their starts."""
    low = [cftime.DatetimeGregorian(y, m, 1) for y, m, _, _ in cells]
    high = [cftime.DatetimeGregorian(y, m, 1) for _, _, y, m in cells]
    grid = {"lat": ("lat", [10.0, 20.0]), "lon": ("lon", [0.0, 10.0, 20.0])}
    values = np.random.default_rng(len(name)).random((len(cells), 2, 3))
    xr.Dataset({name: (("time", "lat", "lon"), values, {"units": "K"}),
                "time_bnds": (("time", "bnds"), np.stack([low, high], 1))},
               coords={"time": ("time", low, {"bounds": "time_bnds"}), **grid}).to_netcdf(
        path, encoding={key: {"units": "days since 1970-01-01"} for key in ("time", "time_bnds")})


@pytest.mark.parametrize(("other", "outside"), [
    pytest.param([(1946 + k, 6, 1946 + k, 9) for k in range(4)], None, id="JJA-inside-the-hydrological-year"),
    pytest.param([(1945 + k, 11, 1946 + k, 4) for k in range(4)], None, id="Nov-Apr-winter-inside"),
    pytest.param([(1946 + k, 1, 1947 + k, 1) for k in range(4)],
                 ("starting 3 months after mb's", "1946-10-01 to 1947-01-01", "4 of 4"), id="calendar-year-after"),
    pytest.param([(1946, 6, 1946, 9), (1947, 6, 1947, 9), (1948, 6, 1948, 11), (1949, 6, 1949, 9)],
                 ("starting 8 months after mb's", "1948-10-01 to 1948-11-01", "1 of 4"), id="one-cell-past-the-end"),
])
def test_a_predictor_cell_inside_the_target_cell_is_no_offset(tmp_path, caplog, other, outside):
    """break44d A3: a WGMS hydrological-year balance (Oct–Oct) beside a JJA mean inside each balance year was
    warned as "covers months outside it", "4 months apart" (Jun→Oct, not Oct→Jun); a cell inside the target's is
    the pairing meant, and cells really outside are named with the months outside and the signed distance,
    counted here from the bounds by hand."""
    forget_notes()
    _yearly_cells(tmp_path / "mb.nc", "mb", [(1945 + k, 10, 1946 + k, 10) for k in range(4)])
    _yearly_cells(tmp_path / "era5.nc", "t2m", other)
    with caplog.at_level(logging.WARNING, logger="climann"):
        open_dataset([tmp_path / "mb.nc", tmp_path / "era5.nc"], grid_of="mb")
    offset = [message for message in _warnings(caplog) if "start in different months" in message]
    if outside is None:
        assert offset == []
    else:
        distance, months, count = outside
        first = next(k for k, (y, m, y2, m2) in enumerate(other) if (y, m) < (1945 + k, 10) or (y2, m2) > (1946 + k, 10))
        assert len(offset) == 1 and distance in offset[0] and f"covers {months} outside it ({count} paired" in offset[0]
        assert f"paired with t2m of {other[first][0]}-{other[first][1]:02d}-01" in offset[0]


def _means_over_cells(name: str, stamped: str, *, method: str = "mean", moved: int = 0, n: int = 16) -> xr.Dataset:
    """``name``: 3-hourly ``time: <method>`` values over [00:00, 03:00], [03:00, 06:00] … (time_bnds), stamped
    at each cell's ``stamped`` instant; its stamps and bounds then ``moved`` minutes (what `cdo shifttime` does
    to a file); values 1, 3, 5 … for pr, 1, 4, 7 … for another variable. Sums are amounts over each cell, as
    ERA5's 3-hourly totals are (pr in kg m-2, rsds in J m-2): a sum of rates per second is no rate per second
    (fix51c: kg m-2 s-1 with time: sum is refused as the sum of an unknown number of rates)."""
    dataset = _three_hourly_means(stamped, n=n).rename({"pr": name})
    dataset[name].attrs["cell_methods"] = f"area: mean time: {method}"
    if method == "sum":
        dataset[name].attrs["units"] = "kg m-2" if name == "pr" else "J m-2"
    dataset[name].values = np.arange(n * 6, dtype=np.float32).reshape(n, 2, 3) * (2.0 if name == "pr" else 3.0) + 1
    if moved:
        shift = datetime.timedelta(minutes=moved)
        dataset = dataset.assign_coords(time=("time", dataset["time"].values + shift, dataset["time"].attrs,
                                              dataset["time"].encoding))
        dataset["time_bnds"] = dataset["time_bnds"] + shift
    return dataset


@pytest.mark.parametrize(("pr_stamped", "rsds_stamped"), [
    pytest.param("end", "middle", id="cesm-end-beside-cmip6-middle"),
    pytest.param("middle", "end", id="cmip6-middle-beside-cesm-end"),
    pytest.param("start", "end", id="start-beside-end"),
])
@pytest.mark.parametrize("method", [pytest.param("mean", id="means"), pytest.param("sum", id="sums"),
                                    pytest.param("maximum", id="maxima")])
def test_statistics_over_the_same_cells_are_paired_by_their_cells_wherever_stamped(tmp_path, pr_stamped,
                                                                                   rsds_stamped, method):
    """break37a C3: 3-hourly means with identical time_bnds, pr stamped at the cells' ends and rsds at their
    middles, were refused as 'every step of pr lies 1:30 after the step of rsds … a choice: cdo shifttime'; the
    bounds say which values go together (CF 7.1). Each pr is paired with rsds of its own cell, and the data
    keep pr's bounds."""
    pr = _means_over_cells("pr", pr_stamped, method=method)
    rsds = _means_over_cells("rsds", rsds_stamped, method=method)
    pr.to_netcdf(tmp_path / "pr.nc")
    rsds.to_netcdf(tmp_path / "rsds.nc")
    combined = open_dataset([tmp_path / "pr.nc", tmp_path / "rsds.nc"], grid_of="pr")
    # each step dated by its cell's middle, as one file alone is (climann.data.time_cells)
    np.testing.assert_array_equal(combined["time"].values, [low + (high - low) / 2 for low, high in
                                                            pr["time_bnds"].values])
    np.testing.assert_array_equal(combined["time_bnds"].values, pr["time_bnds"].values)
    np.testing.assert_array_equal(combined["pr"].values, pr["pr"].values)
    np.testing.assert_array_equal(combined["rsds"].values, rsds["rsds"].values)  # the same cell, step by step


@pytest.mark.parametrize("moved_variable", [pytest.param("pr", id="target-moved"),
                                            pytest.param("rsds", id="predictor-moved")])
def test_bounds_moved_with_their_stamps_are_refused_and_the_printed_line_gives_them_back(tmp_path, monkeypatch,
                                                                                         moved_variable):
    """break37a C3: the advice `cdo shifttime,-90minutes` followed on pr (its cells' ends) moves its
    time_bnds too: pr's cells become [22:30, 01:30] at the stamps of rsds (its middles), and climann trained
    on them without a word, writing the wrong bounds into predictions.nc. Refused, naming the first pair;
    the printed line (the moved variable's values over the other's cells) gives its bounds back, its stamps
    kept, and the two are then paired cell by cell."""
    monkeypatch.chdir(tmp_path)
    stamped = {"pr": "end", "rsds": "middle"}
    files = {name: _means_over_cells(name, stamped[name], moved=-90 if name == moved_variable else 0)
             for name in ("pr", "rsds")}
    for name, dataset in files.items():
        dataset.to_netcdf(f"{name}.nc")
    with pytest.raises(ClimannError) as raised:
        open_dataset([tmp_path / "pr.nc", tmp_path / "rsds.nc"], grid_of="pr")
    message = str(raised.value)
    pr_cell, rsds_cell = (("1999-12-31 22:30 to 2000-01-01 01:30", "2000-01-01 to 2000-01-01 03:00")
                          if moved_variable == "pr" else ("2000-01-01 to 2000-01-01 03:00",
                                                          "1999-12-31 22:30 to 2000-01-01 01:30"))
    pr_stamp = "2000-01-01 01:30" if moved_variable == "pr" else "2000-01-01 03:00"
    assert message.startswith(
        f"pr at {pr_stamp} is a value over {pr_cell} (its time bounds) and rsds paired with it, at "
        f"{date_text(files['rsds']['time'].values[0])}, over {rsds_cell} (16 of 16 paired steps differ so): the "
        "bounds of one say other times than its values are of (CDO's shifttime moves a file's time bounds with its "
        "times), and climann needs every variable at the same time steps over the same time cells; give each file "
        "the bounds of its values; ")
    other = "rsds" if moved_variable == "pr" else "pr"
    way = message[message.index(f"if {moved_variable}'s values are over {other}'s cells, move {moved_variable}'s "
                                "bounds 1:30 later, its times kept: `"):]
    # run as printed, by bash: its copy in a new folder, nothing beside the file (fix56b: pr_fixed.nc there)
    followed = run_one_copy(way, tmp_path, env={**os.environ, "PATH": shell_path()})
    assert followed["copy"] == f"bounds_moved/{moved_variable}.nc" and followed["original"] == f"{moved_variable}.nc"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["bounds_moved", "pr.nc", "rsds.nc"]
    fixed = xr.open_dataset(tmp_path / followed["copy"], decode_times=xr.coders.CFDatetimeCoder(use_cftime=True))
    original = _means_over_cells(moved_variable, stamped[moved_variable])
    np.testing.assert_array_equal(fixed["time_bnds"].values, original["time_bnds"].values)
    np.testing.assert_array_equal(fixed["time"].values, files[moved_variable]["time"].values)
    paths = {name: tmp_path / (followed["copy"] if name == moved_variable else f"{name}.nc") for name in files}
    combined = open_dataset([paths["pr"], paths["rsds"]], grid_of="pr")
    np.testing.assert_array_equal(combined["time_bnds"].values, original["time_bnds"].values)
    np.testing.assert_array_equal(combined["rsds"].values, files["rsds"]["rsds"].values)
    np.testing.assert_array_equal(combined["pr"].values, files["pr"]["pr"].values)


def _wave_heights_and_hourly_wind(folder: Path, *, wind_method: str | None = None, waves_method: str | None = None,
                                  days: int = 2) -> tuple[xr.Dataset, xr.Dataset]:
    """CMEMS-like 3-hourly wave heights ``hs`` (00:00 … 21:00, the target) and ERA5-like hourly ``u10``, both
    without time bounds (``cell_methods`` given or none), u10 one file a day (``u10_DD.nc``); values 1 + the
    hour's index, so that which hour a value is of is its value."""
    start = cftime.DatetimeGregorian(2015, 1, 1)
    grid = {"lat": ("lat", [40.0, 41.0], {"units": "degrees_north"}),
            "lon": ("lon", [-20.0, -19.0, -18.0], {"units": "degrees_east"})}

    def series(name, hours, method, units):
        times = [start + datetime.timedelta(hours=hour) for hour in hours]
        values = np.broadcast_to(np.asarray(hours, dtype=np.float32)[:, None, None] + 1, (len(hours), 2, 3)).copy()
        dataset = xr.Dataset({name: (("time", "lat", "lon"), values, {"units": units})}, coords={"time": times, **grid})
        if method:
            dataset[name].attrs["cell_methods"] = method
        dataset["time"].encoding.update(units="hours since 1950-01-01", calendar="gregorian")
        return dataset

    waves = series("hs", range(0, 24 * days, 3), waves_method, "m")
    wind = series("u10", range(24 * days), wind_method, "m s-1")
    waves.to_netcdf(folder / "hs.nc")
    for day in range(days):
        wind.isel(time=slice(24 * day, 24 * (day + 1))).to_netcdf(folder / f"u10_{day + 1:02d}.nc")
    return waves, wind


@pytest.mark.skipif(shutil.which("cdo") is None, reason="needs CDO")
@pytest.mark.parametrize("wind_method", [pytest.param(None, id="nothing-said"),
                                         pytest.param("time: point", id="time-point")])
def test_hourly_instants_beside_3_hourly_instants_are_taken_at_their_hours_in_every_file(tmp_path, monkeypatch,
                                                                                       wind_method):
    """break43c A5: ERA5's hourly wind (instants) beside CMEMS's 3-hourly wave heights (instants, the target) was
    advised 3-hourly means (stamped 01:30, then refused beside the instants, whose file was to be shifted).
    Both are instants: the wind at the waves' hours, `cdo selhour` in a loop over the wind's files, run as
    printed; then each wave height goes with the wind of its own hour (by hand: the values are the hours)."""
    monkeypatch.chdir(tmp_path)
    waves, wind = _wave_heights_and_hourly_wind(tmp_path, wind_method=wind_method)
    files = [tmp_path / "hs.nc", tmp_path / "u10_01.nc", tmp_path / "u10_02.nc"]
    with pytest.raises(ClimannError) as raised:
        open_dataset(files, grid_of="hs")
    message = str(raised.value)
    assert without_guards(message) == (
        "hs is 3-hourly (2015-01-01 to 2015-01-02 21:00) and u10 1-hourly (2015-01-01 to 2015-01-02 23:00): climann "
        "needs every variable at the same time steps; both are values at instants (no time bounds, and no statistic "
        "over time in cell_methods), so take u10 at the times of day of hs (00:00, 03:00, …, 21:00) rather than "
        "averaging it: `mkdir -p 3-hourly && ( for f in u10_0*.nc; do cdo selhour,0,3,6,9,12,15,18,21 \"$f\" "
        "3-hourly/\"${f##*/}\" || exit 1; done )`; then give --data '3-hourly/*.nc' in place of the 2 files of u10")
    _run_printed(re.search(r"`([^`]+)`", message)[1], tmp_path)
    combined = open_dataset([tmp_path / "hs.nc", *sorted((tmp_path / "3-hourly").glob("*.nc"))], grid_of="hs")
    np.testing.assert_array_equal(combined["time"].values, waves["time"].values)
    np.testing.assert_array_equal(combined["hs"].values, waves["hs"].values)
    hours = [list(wind["time"].values).index(time) for time in waves["time"].values]
    np.testing.assert_array_equal(combined["u10"].values, wind["u10"].values[hours])
    np.testing.assert_array_equal(combined["u10"].values[:, 0, 0], np.arange(0, 48, 3) + 1)


@pytest.mark.parametrize(("wind_method", "waves_method"), [
    pytest.param("area: time: mean", None, id="hourly-means"),
    pytest.param(None, "time: mean", id="3-hourly-means"),
])
def test_means_on_either_side_are_still_advised_averages_not_hours(tmp_path, monkeypatch, wind_method, waves_method):
    """Averaging stays the advice where a side is a mean over time (its cell_methods say so): only values at
    instants on both sides are taken at the coarser's hours."""
    monkeypatch.chdir(tmp_path)
    _wave_heights_and_hourly_wind(tmp_path, wind_method=wind_method, waves_method=waves_method)
    # the copy in a new folder (fix56b), of both files merged (fix57a)
    with pytest.raises(ClimannError, match=r"bring u10 to 3-hourly steps first, e\.g\. 3-hourly means with "
                                           r"`mkdir -p 3-hourly && cdo mergetime 'u10_0\*\.nc' "
                                           rf"3-hourly/u10_0_merged\.nc && {re.escape(shell.advised_python())} -c"):
        open_dataset([tmp_path / "hs.nc", tmp_path / "u10_01.nc", tmp_path / "u10_02.nc"], grid_of="hs")


def test_the_3_hourly_means_line_for_a_series_of_hourly_files_is_run_as_printed_over_all_of_them(tmp_path,
                                                                                                 monkeypatch):
    """fix57a: hourly means in two daily files (u10_01.nc, u10_02.nc) beside 3-hourly data were advised the xarray
    resample line for u10_01.nc alone, "with the other files given as before", u10_02.nc still hourly and refused
    again. The line now merges the series by time and writes one copy into a new folder; run as printed (bash), its
    means are those of each 3-hour cell by hand (each hourly value, without bounds, covering the hour centred on its
    stamp: halves at the cell's edges), the cell that straddles the two files kept, and the originals' folder holds
    only the originals and the new folder."""
    monkeypatch.chdir(tmp_path)
    _, wind = _wave_heights_and_hourly_wind(tmp_path, wind_method="area: time: mean")
    before = sorted(os.listdir(tmp_path))
    with pytest.raises(ClimannError) as raised:
        open_dataset([tmp_path / "hs.nc", tmp_path / "u10_01.nc", tmp_path / "u10_02.nc"], grid_of="hs")
    message = str(raised.value)
    assert message.endswith("then give --data 3-hourly/u10_0_3-hourly.nc in place of u10_0*.nc (their 2 files) (the "
                            "copy is in a folder of its own: a glob over the originals' folder does not take it)")
    assert "given as before" not in message
    _run_printed(re.search(r"`([^`]+)`", message)[1], tmp_path)
    assert sorted(os.listdir(tmp_path)) == sorted([*before, "3-hourly"])
    assert os.listdir(tmp_path / "3-hourly") == ["u10_0_3-hourly.nc"]
    copy = xr.open_dataset(tmp_path / "3-hourly" / "u10_0_3-hourly.nc", use_cftime=True)
    hourly = wind["u10"].values.astype("f8")  # 48 hours; the last cell, [45:00, 48:00], lacks its end: left out
    weights = np.array([0.5, 1.0, 1.0, 0.5])
    expected = np.stack([np.tensordot(weights, hourly[3 * k:3 * k + 4], axes=1) / 3 for k in range(15)])
    np.testing.assert_allclose(copy["u10"].values, expected, rtol=1e-6)
    start = wind["time"].values[0]
    np.testing.assert_array_equal(copy["time"].values, [start + datetime.timedelta(hours=3 * k + 1.5)
                                                        for k in range(15)])


def test_hourly_instants_in_a_zarr_store_are_taken_at_the_hours_by_the_printed_xarray_line(tmp_path, monkeypatch):
    """CDO reads no Zarr store: the way out is an xarray line writing a new store, which, run as printed (bash),
    holds the wind at the waves' hours alone. fix57a: that store was u10_fixed.zarr beside u10.zarr, which a glob
    over their folder took with it; it is 3-hourly/u10.zarr, and the folder holds only the originals besides."""
    pytest.importorskip("zarr")
    monkeypatch.chdir(tmp_path)
    waves, wind = _wave_heights_and_hourly_wind(tmp_path, days=1)
    wind.isel(time=slice(0, 24)).to_zarr(tmp_path / "u10.zarr")
    before = sorted(os.listdir(tmp_path))
    with pytest.raises(ClimannError) as raised:
        open_dataset([tmp_path / "hs.nc", tmp_path / "u10.zarr"], grid_of="hs")
    message = str(raised.value)
    assert message.endswith("then give --data 3-hourly/u10.zarr in place of u10.zarr")
    command = re.search(r"`([^`]+)`", message)[1]
    assert f"mkdir -p 3-hourly && {shell.advised_python()} -c " in command
    _run_printed(command, tmp_path)
    assert sorted(os.listdir(tmp_path)) == sorted([*before, "3-hourly"])
    assert os.listdir(tmp_path / "3-hourly") == ["u10.zarr"]
    np.testing.assert_array_equal(xr.open_zarr(tmp_path / "u10.zarr")["u10"].values, wind["u10"].values[:24])
    combined = open_dataset([tmp_path / "hs.nc", tmp_path / "3-hourly" / "u10.zarr"], grid_of="hs")
    np.testing.assert_array_equal(combined["u10"].values[:, 0, 0], np.arange(0, 24, 3) + 1)
    np.testing.assert_array_equal(combined["time"].values, waves["time"].values)


def test_hourly_means_beside_3_hourly_means_are_refused_as_at_different_steps_not_as_other_cells(tmp_path):
    """Cells of different lengths at the same stamps (1-hour means stamped 01:30 beside 3-hour means) are
    another frequency, refused with the advice that averages the finer one, not as bounds moved."""
    three = _means_over_cells("pr", "middle")
    hourly = _three_hourly("rsds", 90, bounds=True, n=48)
    hourly = hourly.assign_coords(time=("time", [cftime.DatetimeNoLeap(2000, 1, 1) + datetime.timedelta(minutes=90 + 60 * k)
                                                 for k in range(48)], hourly["time"].attrs, hourly["time"].encoding))
    hourly["time_bnds"] = (("time", "bnds"), np.array([[t - datetime.timedelta(minutes=30), t + datetime.timedelta(
        minutes=30)] for t in hourly["time"].values], dtype=object))
    hourly["rsds"].attrs["cell_methods"] = "area: time: mean"
    three.to_netcdf(tmp_path / "pr.nc")
    hourly.to_netcdf(tmp_path / "rsds.nc")
    with pytest.raises(ClimannError, match=r"^pr is 3-hourly .* and rsds 1-hourly .*bring rsds to 3-hourly steps first"):
        open_dataset([tmp_path / "pr.nc", tmp_path / "rsds.nc"], grid_of="pr")


@pytest.mark.parametrize(("methods", "note"), [
    pytest.param({"C": "area: mean time: sum", "burned_fraction": None},
                 "; the monthly means assume that burned_fraction is a mean over each step, as its cell_methods do "
                 "not say: if it is a total over each step (its units cannot tell), sum it (cdo monsum) instead",
                 id="one-unsaid"),
    pytest.param({"a": "area: mean", "b": None, "tas": "time: mean"},
                 "; the monthly means assume that a and b are means over each step, as their cell_methods do not "
                 "say: if any is a total over each step (their units cannot tell), sum those (cdo monsum) instead",
                 id="no-time-entry-and-none"),
    pytest.param({"C": "time: sum", "tas": "time: mean"}, "", id="all-said"),
    pytest.param({"C": None, "burned_fraction": None},
                 "; the monthly means assume that burned_fraction is a mean over each step, as its cell_methods do "
                 "not say: if it is a total over each step (its units cannot tell), sum it (cdo monsum) instead",
                 id="a-rate-is-a-mean"),
])
def test_averaging_advice_names_the_variables_it_assumes_are_means(methods, note):
    """rerun37 T1: a daily burned_fraction (units 1, no cell_methods) was advised `cdo monmean`
    stated as fact; the file cannot say whether it is the day's mean or its total (summed, the
    monthly fraction; averaged, 1/30 of it). The advice says what it assumed, for which."""
    from climann.data.time_axes import series_averaging_advice

    advice = series_averaging_advice("d.nc", "monthly", methods, step="daily",
                                     units={"C": "g C m-2 day-1", "burned_fraction": "1"})
    assert advice.startswith("e.g. monthly ")
    said = advice.split("`")[-1]  # after the last command
    assert re.sub(r"^, then give --data (?:'monthly/\*\.nc' in place of d\.nc \(the copies are in a folder of their own: a "
                  r"glob over the originals' folder does not take them|monthly/d_monthly\.nc in place of d\.nc \(the "
                  r"copy is in a folder of its own: a glob over the original's folder does not take it)\)", "", said) == note


def test_steps_of_composites_are_counted_as_steps_of_them(tmp_path):
    """fix41m: a refusal counted "91 8-day composites steps" (and a forecast's "160 7-day composites
    steps"): a frequency that is a noun is written "91 steps of 8-day composites"."""
    times = [cftime.DatetimeNoLeap(year, 1, 1) + datetime.timedelta(days=day)
             for year in (2001, 2002) for day in range(0, 365, 8)]  # MODIS's 8-day composites, from each 1 January
    rng = np.random.default_rng(8)
    coords = {"time": times, "lat": ("lat", [1.0, 2.0, 3.0], {"units": "degrees_north"}),
              "lon": ("lon", [1.0, 2.0, 3.0, 4.0], {"units": "degrees_east"})}
    for name, left_out in (("tas", []), ("pred", [3])):
        xr.Dataset({name: (("time", "lat", "lon"), rng.normal(size=(len(times), 3, 4)), {"units": "K"})},
                   coords=coords).isel(time=[step for step in range(len(times)) if step not in left_out]).to_netcdf(tmp_path / f"{name}.nc")
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "tas.nc", tmp_path / "pred.nc"])
    assert str(error.value).startswith(
        "pred (2001-01-01 to 2002-12-27, 91 steps of 8-day composites) lacks 1 of the steps of tas (2001-01-01 to "
        "2002-12-27, 92 steps of 8-day composites): 2001-01-25;")



@pytest.mark.parametrize(("step", "methods", "commands"), [
    pytest.param("every 30 minutes", {"vwc": "time: mean"},
                 ["mkdir -p daily && cdo settbounds,day -daymean s.nc daily/s_daily.nc && ncks -A -v station_name s.nc "
                  "daily/s_daily.nc"],
                 id="one-kind-a-step-cdo-has-no-cells-of"),
    pytest.param("3-hourly", {"pr": "time: sum", "vwc": "time: mean"},
                 ["mkdir -p daily && cdo settbounds,day -daysum -selname,pr s.nc daily/s_daily_totals.nc",
                  "mkdir -p daily && cdo settbounds,day -daymean -selname,orog,vwc s.nc daily/s_daily_means.nc && ncks "
                  "-A -v station_name s.nc daily/s_daily_means.nc"], id="totals-and-means"),
    pytest.param("hourly", {"vwc": "time: mean"},
                 ["mkdir -p daily && cdo daymean -settbounds,hour s.nc daily/s_daily.nc && ncks -A -v station_name "
                  "s.nc daily/s_daily.nc"],
                 id="a-step-cdo-has-cells-of"),
])
def test_averaging_advice_gives_whole_new_cells_and_keeps_text_variables(step, methods, commands):
    """fix43l: `cdo daymean` of stamps without bounds finer than CDO's settbounds steps (30 minutes, 3 hours)
    made cells from each day's first stamp to its last (23.5 hours), warned about as cells that stop short;
    the new cells are set on the output. CDO reads no text: the station_name said "copied as it is" was
    left out; ncks appends it to the copy that keeps the variables without time."""
    from climann.data.time_axes import series_averaging_advice

    advice = series_averaging_advice("s.nc", "daily", methods, step=step, bounded=False,
                                     units={"pr": "mm", "vwc": "%"}, static=["orog", "station_name"],
                                     texts=["station_name"])
    assert re.findall(r"`([^`]*)`", without_guards(advice)) == commands


def test_the_common_period_warned_of_when_the_files_are_opened_again_with_fewer_variables_is_said_once(
        tmp_path, caplog):
    """break44d A9: a run opens its files once to choose the predictors (every variable: the target's
    'uncertainty' too) and again with those chosen. The common-period warning listed other variables the
    second time, so it was said twice, and its climatology hint's copy was chained on itself as a second fix
    (``tas_2001_fixed.nc tas_2001_fixed_2.nc``). Said once for one target file, period and steps left out;
    another target file's period is still said."""
    full = grid_dataset(n_years=3)
    one_year = _monthly(full[["tas"]].isel(time=slice(12, 24)), 2001)
    one_year.assign(uncertainty=one_year["tas"] * 0 + 1.5).to_netcdf(tmp_path / "tas_2001.nc")
    _monthly(full[["tas"]].isel(time=slice(24, 36)), 2002).to_netcdf(tmp_path / "tas_2002.nc")
    _monthly(full[["pred"]], 2000).to_netcdf(tmp_path / "pred.nc")
    forget_notes()
    with caplog.at_level(logging.WARNING, logger="climann"):
        for variables in (None, ("tas", "pred")):
            combined = open_dataset([tmp_path / "tas_2001.nc", tmp_path / "pred.nc"], grid_of="tas",
                                    variables=variables)
            np.testing.assert_array_equal(combined["pred"].values, full["pred"].values[12:24])
        open_dataset([tmp_path / "tas_2002.nc", tmp_path / "pred.nc"], grid_of="tas")
    said = [message for message in _warnings(caplog) if "cover different periods" in message]
    assert len(said) == 2, said
    assert said[0].startswith("tas (2001-01 to 2001-12), uncertainty (2001-01 to 2001-12) and pred (2000-01 to "
                              "2002-12) cover different periods: only their common period, 2001-01 to 2001-12")
    # its copy in a new folder (fix56b), not chained on itself (repeated_over_series_2)
    assert re.search(r"tas_2001\.nc \S*repeated_over_series/tas_2001\.nc`", said[0])
    assert "_2/" not in " ".join(said) and "_fixed" not in " ".join(said)
    assert "common period, 2002-01 to 2002-12" in said[1]
    forget_notes()


def test_a_predictor_lag_of_a_target_of_one_year_reaches_into_the_predictors_earlier_years(tmp_path):
    """break44d A5: one year of the target (complete) beside three years of the predictor, with lags of 1 to 3
    months. The predictor was cut to the target's year before its lags were taken: January to March had no lag
    3 (nor February and January lag 2, January lag 1), and their samples were dropped. Each lag is the
    predictor's own value k months earlier, from its file, by numpy: October to December of the year before."""
    full = grid_dataset(n_years=3)
    _monthly(full[["tas"]].isel(time=slice(12, 24)), 2001).to_netcdf(tmp_path / "tas.nc")
    _monthly(full[["pred"]], 2000).to_netcdf(tmp_path / "pred.nc")
    combined = open_dataset([tmp_path / "tas.nc", tmp_path / "pred.nc"], grid_of="tas", lags={"pred": [1, 2, 3]})
    assert [(t.year, t.month) for t in combined["time"].values] == [(2001, month) for month in range(1, 13)]
    for lag in (1, 2, 3):
        expected = full["pred"].values[12 - lag:24 - lag]  # 2001's months, k months earlier in the 3-year series
        np.testing.assert_array_equal(combined[f"pred@lag{lag}"].values, expected)
    assert not np.isnan(combined["pred@lag3"].values).any()


def test_a_daily_station_file_of_totals_and_means_is_advised_one_xarray_line_that_runs(tmp_path, monkeypatch):
    """fix45c: a CF station file holding daily means (runoff_mean, time: mean) and totals (pr, time: sum) beside
    monthly predictors was advised one line averaging both (its monthly "totals" daily means), or two cdo lines
    that CDO refuses on a station file. One xarray line sums the totals and averages the means; run as printed,
    its copy opens beside the predictors with numpy's monthly sums and means of each station."""
    monkeypatch.chdir(tmp_path)
    days = xr.date_range("2000-01-01", "2001-12-31", freq="D", calendar="standard", use_cftime=True)
    months = xr.date_range("2000-01-01", "2001-12-01", freq="MS", calendar="standard", use_cftime=True)
    ids = np.array([6335020, 6335050, 6340110], np.int32)
    rng = np.random.default_rng(7)
    runoff = rng.gamma(2.0, 300.0, (days.size, ids.size)).astype(np.float32)
    rain = rng.gamma(1.0, 3.0, (days.size, ids.size)).astype(np.float32)
    station = {"id": ("id", ids, {"cf_role": "timeseries_id"}),
               "station_name": ("id", np.array([b"REES", b"DRESDEN", b"NAGYMAROS"], "S30"), {"long_name": "station name"}),
               "lat": ("id", np.array([51.76, 51.05, 47.79], np.float32), {"units": "degrees_north"}),
               "lon": ("id", np.array([6.40, 13.74, 18.96], np.float32), {"units": "degrees_east"})}
    xr.Dataset({"runoff_mean": (("time", "id"), runoff, {"units": "m3 s-1", "cell_methods": "time: mean"}),
                "pr": (("time", "id"), rain, {"units": "mm", "cell_methods": "time: sum"})},
               coords={"time": ("time", days), **station}, attrs={"featureType": "timeSeries"}).to_netcdf("grdc.nc")
    basin = rng.uniform(1, 5, (months.size, ids.size)).astype(np.float32)
    xr.Dataset({"pr_basin": (("time", "id"), basin, {"units": "mm day-1"})},
               coords={"time": ("time", months), **station}, attrs={"featureType": "timeSeries"}).to_netcdf("basin.nc")
    with pytest.raises(ClimannError) as raised:
        open_dataset([tmp_path / "grdc.nc", tmp_path / "basin.nc"], grid_of="runoff_mean", select={"id": 6335050})
    message = str(raised.value)
    assert ("e.g. monthly totals of pr and means of runoff_mean with "
            f"`mkdir -p monthly && {shell.advised_python()} -c") in message
    assert "cdo" not in message
    # run as printed, by bash: its copy in a new folder, nothing beside grdc.nc (fix56b: grdc_monthly.nc there)
    followed = run_one_copy(message, tmp_path, env={**os.environ, "PATH": shell_path()})
    assert followed["copy"] == "monthly/grdc.nc" and followed["original"] == "grdc.nc"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["basin.nc", "grdc.nc", "monthly"]
    opened = open_dataset([tmp_path / followed["copy"], tmp_path / "basin.nc"], grid_of="runoff_mean",
                          select={"id": 6335050})
    month_of = np.array([(day.year - 2000) * 12 + day.month - 1 for day in days])
    np.testing.assert_allclose(opened["runoff_mean"].values.ravel(),
                               [runoff[month_of == k, 1].mean() for k in range(months.size)], rtol=1e-6)
    np.testing.assert_allclose(opened["pr"].values.ravel(),
                               [rain[month_of == k, 1].sum() for k in range(months.size)], rtol=1e-6)
    assert opened["pr"].attrs["cell_methods"] == "time: sum"


def test_a_daily_grid_file_of_totals_and_means_is_advised_each_summed_or_averaged(tmp_path, monkeypatch):
    """fix45c: a daily file of a mean (pred) and a total (prt, time: sum) beside monthly tas was advised
    `cdo monmean` of the whole file, prt's monthly "totals" daily means. Each is now summed or averaged by its
    cell_methods (series_averaging_advice's two cdo lines, each selecting its variables); run as printed, the
    copies open beside tas with numpy's monthly means of pred and sums of prt."""
    if shutil.which("cdo") is None:
        pytest.skip("CDO is not installed")
    monkeypatch.chdir(tmp_path)
    _daily_and_monthly(tmp_path)
    with xr.open_dataset(tmp_path / "pred_day.nc", decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)) as data:
        daily = data.load()
    daily["prt"] = (daily["pred"] * 3.0).assign_attrs(units="mm", cell_methods="time: sum")
    daily["pred"].attrs["cell_methods"] = "time: mean"
    daily.to_netcdf(tmp_path / "pred_day.nc")
    with pytest.raises(ClimannError) as raised:
        open_dataset(sorted(tmp_path.glob("*.nc")), grid_of="tas")
    message = str(raised.value)
    commands = re.findall(rf"`({GUARD}mkdir [^`]+)`", message)
    message = without_guards(message)
    assert "monthly totals of prt with `mkdir -p monthly && cdo monsum -selname,prt" in message and len(commands) == 2
    for command in commands:
        subprocess.run(command, shell=True, check=True, capture_output=True, cwd=tmp_path)
    # fix45l: the copies were written beside pred_day.nc, where the glob over the folder took them with it; in a
    # folder of their own, given as advised (--data 'monthly/*.nc' in place of pred_day.nc)
    assert message.endswith("then give --data 'monthly/*.nc' in place of pred_day.nc (the copies are in a folder of "
                            "their own: a glob over the originals' folder does not take them)")
    assert sorted(path.name for path in tmp_path.glob("*.nc")) == ["pred_day.nc", "tas_mon.nc"]
    opened = open_dataset([tmp_path / "tas_mon.nc", *sorted(tmp_path.glob("monthly/*.nc"))], grid_of="tas")
    month_of = np.array([(day.year - 2000) * 12 + day.month - 1 for day in daily["time"].values])
    for name, statistic in (("pred", np.mean), ("prt", np.sum)):
        by_hand = np.stack([statistic(daily[name].values[month_of == k], axis=0) for k in range(24)])
        np.testing.assert_allclose(opened[name].values, by_hand, rtol=1e-5)


@pytest.mark.skipif(shutil.which("cdo") is None, reason="needs CDO")
@pytest.mark.parametrize(("method", "operator", "reduce"), [
    pytest.param("maximum", "yearmax", np.max, id="rx1day-maximum"),
    pytest.param("minimum", "yearmin", np.min, id="tnn-minimum"),
    pytest.param("sum", "yearsum", np.sum, id="prcptot-sum"),
    pytest.param("mean", "yearmean", np.mean, id="tas-mean"),
])
def test_a_monthly_statistic_beside_a_yearly_target_is_brought_to_years_by_its_own_cell_method(
        tmp_path, monkeypatch, method, operator, reduce):
    """break45d A3: a monthly rx1dayETCCDI (``time: maximum``) beside a yearly target was advised `cdo yearmean`
    (the mean of the monthly maxima, 8.3 mm below the annual Rx1day, still labelled ``time: maximum``), its copy
    written into the folder given, so that the next run took both. The advice follows the cell method
    (maximum → yearmax, minimum → yearmin, sum → yearsum, mean → yearmean) and writes into a new folder; run as
    printed with the installed CDO, the copy holds the yearly statistic of the months (numpy), keeps its
    cell_methods, is not taken by the folder given, and combines with the target."""
    monkeypatch.chdir(tmp_path)
    calendar, units = "noleap", "days since 1850-01-01"
    full = grid_dataset(n_years=3)
    day = lambda y, m=1, d=1: cftime.datetime(y, m, d, calendar=calendar)  # noqa: E731
    years = range(2000, 2003)
    monthly = full["pred"].values.astype(np.float64)
    grid = {"lat": full["lat"], "lon": full["lon"]}

    def write(name, variable, stamps, cells, values, cell_methods):
        xr.Dataset({variable: (("time", "lat", "lon"), values, {"units": "mm", "cell_methods": cell_methods}),
                    "time_bnds": (("time", "bnds"), np.array(cells, dtype=object))},
                   coords={"time": ("time", stamps, {"bounds": "time_bnds"}), **grid}).to_netcdf(
            tmp_path / name, encoding={"time": {"units": units, "calendar": calendar},
                                       "time_bnds": {"units": units, "calendar": calendar}})

    write("txxETCCDI_yr_2000-2002.nc", "txxETCCDI", [day(y, 7, 2) for y in years], [[day(y), day(y + 1)] for y in years],
          full["tas"].values[:3], "time: maximum")
    write("rx1dayETCCDI_mon_200001-200212.nc", "rx1dayETCCDI", [day(y, m, 15) for y in years for m in range(1, 13)],
          [[day(y, m), day(y + m // 12, m % 12 + 1)] for y in years for m in range(1, 13)], monthly, f"time: {method}")
    with pytest.raises(ClimannError) as raised:
        open_dataset(expand_paths([str(tmp_path)]), grid_of="txxETCCDI")
    message = str(raised.value)
    command = re.search(rf"`({GUARD}mkdir -p [^`]*)`", message).group(1)
    assert f" && cdo {operator} " in command and message.count("cdo year") == 1
    subprocess.run(command, shell=True, check=True, capture_output=True)
    copy = Path(re.search(r"then give --data (\S+) in place of rx1dayETCCDI_mon_200001-200212\.nc", message).group(1))
    assert copy.parent != Path(".") and copy.resolve() not in {Path(p) for p in expand_paths([str(tmp_path)])}
    with xr.open_dataset(copy, decode_times=False) as written:
        assert written["rx1dayETCCDI"].attrs["cell_methods"] == f"time: {method}"
        np.testing.assert_allclose(written["rx1dayETCCDI"].values, reduce(monthly.reshape(3, 12, 4, 6), axis=1),
                                   rtol=1e-12)
    combined = open_dataset([tmp_path / "txxETCCDI_yr_2000-2002.nc", copy], grid_of="txxETCCDI")
    np.testing.assert_allclose(combined["rx1dayETCCDI"].values, reduce(monthly.reshape(3, 12, 4, 6), axis=1),
                               rtol=1e-12)


def _hourly_wrfout(path, day: int, rng) -> np.ndarray:
    """A wrfout file of one day of June 2018 as WRF writes it: 24 hourly steps on ``Time``, dated by
    ``XTIME`` (minutes since the run's start, a variable on ``Time``, not a dimension) and by the text
    ``Times``; ``XLAT``/``XLONG(Time, south_north, west_east)`` repeated at every step; ``T2`` (K)
    naming ``XLONG XLAT XTIME``. Returns T2, shape (24, 3, 4)."""
    import netCDF4

    start = datetime.datetime(2018, 6, 1)
    stamps = [start + datetime.timedelta(days=day, hours=hour) for hour in range(24)]
    t2 = rng.normal(295, 4, (24, 3, 4)).astype("f4")
    rows, columns = np.meshgrid(np.arange(3.0), np.arange(4.0), indexing="ij")
    with netCDF4.Dataset(path, "w") as nc:
        for name, size in (("Time", None), ("DateStrLen", 19), ("south_north", 3), ("west_east", 4)):
            nc.createDimension(name, size)
        nc.MAP_PROJ, nc.TRUELAT1, nc.TRUELAT2, nc.STAND_LON, nc.DX, nc.DY = 1, 30.0, 60.0, -98.0, 30000.0, 30000.0
        nc.createVariable("Times", "S1", ("Time", "DateStrLen"))[:] = netCDF4.stringtochar(
            np.array([f"{stamp:%Y-%m-%d_%H:%M:%S}" for stamp in stamps], "S19"))
        xtime = nc.createVariable("XTIME", "f4", ("Time",))
        xtime.units = xtime.description = "minutes since 2018-06-01 00:00:00"
        xtime[:] = [(stamp - start).total_seconds() / 60 for stamp in stamps]
        for name, units, values in (("XLAT", "degree_north", 38 + 0.27 * rows + 0.01 * columns),
                                    ("XLONG", "degree_east", -98 + 0.34 * columns - 0.01 * rows)):
            variable = nc.createVariable(name, "f4", ("Time", "south_north", "west_east"))
            variable.units, variable.stagger = units, ""
            variable[:] = np.broadcast_to(values, (24, 3, 4))
        variable = nc.createVariable("T2", "f4", ("Time", "south_north", "west_east"))
        variable.units, variable.stagger, variable.coordinates = "K", "", "XLONG XLAT XTIME"
        variable[:] = t2
    return t2


def test_the_daily_means_of_wrfout_files_are_one_loop_over_every_file_that_runs_as_printed(tmp_path, monkeypatch):
    """break46a A2: a daily T2MAX beside hourly wrfout files was refused with a line for the first
    file only, which ended in "KeyError: No variable named 'XTIME'": in wrfout XTIME is a variable on
    the dimension Time. Now one loop writes a copy of every file; run literally, each copy holds
    NumPy's mean of its day's 24 hours with the grid kept, and the copies pair with the daily file."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "wrf").mkdir()
    rng = np.random.default_rng(462)
    names = [f"wrfout_d01_2018-06-0{day + 1}_00:00:00" for day in range(3)]
    hourly = [_hourly_wrfout(tmp_path / "wrf" / name, day, rng) for day, name in enumerate(names)]
    with xr.open_dataset(tmp_path / "wrf" / names[0], decode_times=False) as first:
        grid = {name: (("south_north", "west_east"), first[name].values[0], {"units": first[name].units})
                for name in ("XLAT", "XLONG")}
    days = np.array(["2018-06-01", "2018-06-02", "2018-06-03"], "datetime64[ns]")
    maxima = np.stack([values.max(0) for values in hourly])
    daily = xr.Dataset({"T2MAX": (("time", "south_north", "west_east"), maxima, {"units": "K"}),
                        "time_bnds": (("time", "bnds"), np.stack([days, days + np.timedelta64(1, "D")], 1))},
                       coords={"time": days, **grid})
    daily["time"].attrs["bounds"] = "time_bnds"
    daily["time"].encoding["units"] = "days since 2018-06-01"
    daily["T2MAX"].attrs["cell_methods"] = "time: maximum"
    daily.to_netcdf(tmp_path / "t2max_daily.nc")
    paths = ["t2max_daily.nc", *(f"wrf/{name}" for name in names)]
    with pytest.raises(ClimannError) as error:
        open_dataset(paths, grid_of="T2MAX")
    message = str(error.value)
    assert "bring T2 to daily steps first" in message, message
    loop = next(part for part in message.split("`") if part.startswith("mkdir -p "))
    assert f"( for f in wrf/wrfout_d01_2018-06-0*_00:00:00; do {shell.advised_python()} -c " in loop, loop  # one line
    assert message.count(" -c ") == 1 and " D XTIME || exit 1; done )" in loop
    assert "then give --data 'wrf/daily/*' in place of the 3 files of T2" in message
    subprocess.run(["bash", "-c", loop], check=True, capture_output=True, cwd=tmp_path,
                   env={**os.environ, "PATH": shell_path()})
    copies = sorted((tmp_path / "wrf" / "daily").iterdir())
    assert [copy.name for copy in copies] == names
    for copy, values in zip(copies, hourly, strict=True):
        with xr.open_dataset(copy) as written:
            assert list(written["XTIME"].values) == [np.datetime64(f"2018-06-0{copies.index(copy) + 1}")]
            np.testing.assert_allclose(written["T2"].values[0], values.astype("f8").mean(0), rtol=1e-6)
            np.testing.assert_array_equal(written["XLAT"].values[0], grid["XLAT"][1])
            assert "Times" not in written.variables
    combined = open_dataset(expand_paths(["t2max_daily.nc", "wrf/daily/*"]), grid_of="T2MAX")
    np.testing.assert_allclose(combined["T2"].values, np.stack([values.astype("f8").mean(0) for values in hourly]),
                               rtol=1e-6)
    np.testing.assert_array_equal(combined["T2MAX"].values, maxima)


@pytest.mark.parametrize("long_name", ["Mean discharge in the last 24 hours", None])
def test_a_daily_mean_whose_long_name_ends_its_day_at_its_stamp_is_paired_with_that_day(tmp_path, caplog, long_name):
    """break46b A5: GloFAS's dis24 ("Mean discharge in the last 24 hours", stamped 00:00 without bounds) beside
    IMERG's days with bounds was refused ("which reading?"), though info and docs/own-data.md say each value is
    the mean of the day ending at its stamp. With that long_name it is paired so, with one warning: dis24 =
    10 · pr of the same day + 1 is fitted exactly (numpy's least squares), where the day after leaves a residual;
    without it, the refusal stands."""
    pr = _values(_DAYS)
    _write(tmp_path / "imerg.nc", "pr", pr, [low for low, _ in _DAYS], _DAYS)
    dis24 = 10 * pr + 1
    _write(tmp_path / "glofas.nc", "dis24", dis24, [high for _, high in _DAYS])
    if long_name:
        with xr.open_dataset(tmp_path / "glofas.nc") as written:
            copy = written.load()
        copy["dis24"].attrs["long_name"] = long_name
        copy.to_netcdf(tmp_path / "glofas_named.nc")
    paths = [tmp_path / ("glofas_named.nc" if long_name else "glofas.nc"), tmp_path / "imerg.nc"]
    forget_notes()
    if not long_name:
        with pytest.raises(ClimannError, match="may open its day .ERA5. or close the day before"):
            open_dataset(paths, grid_of="dis24", variables=("dis24", "pr"))
        return
    with caplog.at_level(logging.WARNING):
        combined = open_dataset(paths, grid_of="dis24", variables=("dis24", "pr"))
    x, y = combined["pr"].values.ravel().astype(float), combined["dis24"].values.ravel().astype(float)
    assert x.size == pr.size
    (slope, intercept), residual = np.linalg.lstsq(np.stack([x, np.ones_like(x)], 1), y, rcond=None)[:2]
    assert (slope, intercept) == pytest.approx((10.0, 1.0), abs=1e-4) and residual[0] / y.size < 1e-8
    shifted = np.linalg.lstsq(np.stack([x[6:], np.ones(x.size - 6)], 1), y[:-6], rcond=None)[1]
    assert shifted[0] / (y.size - 6) > 100  # the day after: paired one day off, as a reading by opening would be
    assert ("dis24 is stamped at 00:00 without time bounds (2000-01-02, …) and its long_name 'Mean discharge in "
            "the last 24 hours' says each value is over the window ending at its stamp: each is paired with pr of "
            "the day ending there (2000-01-02 with 2000-01-01)") in _warnings(caplog)


def test_monthly_means_of_a_long_name_of_the_last_24_hours_are_not_paired_with_the_month_before(tmp_path, caplog):
    """fix47d: monthly means of GloFAS's dis24 stamped on the 1st without bounds (``cdo monmean`` keeps the long_name
    "Mean discharge in the last 24 hours") beside pr's months with bounds were read as over the window ending at
    their stamps and paired with the month before, with one warning: dis24 = 10 · pr of its own month + 1 was
    fitted a month off. A month is no 24 hours before its stamp: the stamps on the 1st are of the month they open
    or close, as any others, and the refusal that asks which stands; so does the pairing by the month it opens
    once the copy has bounds (numpy's least squares: exact, where the month before leaves a residual)."""
    pr = _values(_MONTHS)
    _write(tmp_path / "pr.nc", "pr", pr, [low + (high - low) / 2 for low, high in _MONTHS], _MONTHS)
    dis24 = 10 * pr + 1
    for name, cells in (("glofas.nc", None), ("glofas_bounded.nc", _MONTHS)):
        _write(tmp_path / name, "dis24", dis24, [low for low, _ in _MONTHS], cells)
        with xr.open_dataset(tmp_path / name) as written:
            copy = written.load()
        copy["dis24"].attrs["long_name"] = "Mean discharge in the last 24 hours"
        copy.to_netcdf(tmp_path / f"named_{name}")
    forget_notes()
    with caplog.at_level(logging.WARNING), pytest.raises(ClimannError, match="may open its month .ERA5. or close"):
        open_dataset([tmp_path / "named_glofas.nc", tmp_path / "pr.nc"], grid_of="dis24", variables=("dis24", "pr"))
    assert not [message for message in _warnings(caplog) if "window ending at its stamp" in message]
    combined = open_dataset([tmp_path / "named_glofas_bounded.nc", tmp_path / "pr.nc"], grid_of="dis24",
                            variables=("dis24", "pr"))
    x, y = combined["pr"].values.ravel().astype(float), combined["dis24"].values.ravel().astype(float)
    assert x.size == pr.size
    residual = np.linalg.lstsq(np.stack([x, np.ones_like(x)], 1), y, rcond=None)[1]
    assert residual[0] / y.size < 1e-8
    before = np.linalg.lstsq(np.stack([x[:-6], np.ones(x.size - 6)], 1), y[6:], rcond=None)[1]
    assert before[0] / (y.size - 6) > 100  # each month with pr of the month before, as the ending reading paired it


def test_an_unused_variable_at_the_same_stamps_over_other_cells_does_not_give_them_to_the_used_one(tmp_path, caplog):
    """break47d A4: dis (bounds [D − 1, D], stamped at D) beside tp (bounds [D, D + 1], stamped at D), tp alone
    used (evaluate --data of a run whose target dis24 the files lack): the files were combined as stamped, with
    dis's bounds, so tp's day D was dated as D − 1 and a warning said both files stamp at their cells' ends. tp
    keeps its own days: the combined bounds are tp's, its values unchanged, and dis, without tp's last day, is
    left out."""
    forget_notes()
    tp = _values(_DAYS)
    _write(tmp_path / "tp.nc", "tp", tp, [low for low, _ in _DAYS], _DAYS)
    closing = [(low - datetime.timedelta(days=1), low) for low, _ in _DAYS]
    _write(tmp_path / "dis.nc", "dis", 2 * tp, [low for low, _ in _DAYS], closing)
    with caplog.at_level(logging.WARNING):
        combined = open_dataset([tmp_path / "dis.nc", tmp_path / "tp.nc"], grid_of="dis24", variables=("dis24", "tp"))
    bounds = combined[combined["time"].attrs["bounds"]].values
    assert [tuple(cell) for cell in bounds] == [tuple(cell) for cell in _DAYS]  # tp's own [D, D + 1]
    np.testing.assert_array_equal(combined["tp"].values, tp)
    assert "dis" not in combined.data_vars
    assert not [text for text in _warnings(caplog) if "ends of their" in text]


@pytest.mark.skipif(shutil.which("cdo") is None, reason="needs CDO")
def test_several_daily_predictors_beside_a_monthly_target_are_named_together_with_one_loop_for_all(
        tmp_path, monkeypatch):
    """break51c A3: ISIMIP3b's daily pr, rsds and tas (two files each) beside monthly qtot were refused naming pr
    alone, its loop over pr's files only: each run then refused the next daily variable. Now the refusal names
    the three with one loop over their six files, which, run as printed, writes monthly means that the --data it
    gives takes beside the target: each the mean of its month's days (numpy's)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "in").mkdir()
    days = {}
    for index, name in enumerate(("pr", "rsds", "tas")):
        for part, year in enumerate((2001, 2002)):
            first = cftime.datetime(year, 1, 1, 12, calendar="noleap")
            times = [first + datetime.timedelta(days=day) for day in range(365)]
            values = np.random.default_rng(10 * index + part).random((365, 2, 3)).astype("f4")
            days.setdefault(name, []).append(values)
            xr.Dataset({name: (("time", "lat", "lon"), values, {"units": "1"})},
                       coords={"time": times, "lat": [10.0, 11.0], "lon": [0.0, 1.0, 2.0]}
                       ).to_netcdf(tmp_path / "in" / f"{name}_day_{year}.nc")
    months = [cftime.datetime(2001 + k // 12, k % 12 + 1, 15, calendar="noleap") for k in range(24)]
    xr.Dataset({"qtot": (("time", "lat", "lon"), np.ones((24, 2, 3), "f4"), {"units": "1"})},
               coords={"time": months, "lat": [10.0, 11.0], "lon": [0.0, 1.0, 2.0]}).to_netcdf(tmp_path / "qtot.nc")
    inputs = sorted((tmp_path / "in").glob("*.nc"))
    with pytest.raises(ClimannError) as raised:
        open_dataset([tmp_path / "qtot.nc", *inputs], grid_of="qtot")
    message = str(raised.value)
    assert message.startswith("qtot is monthly (2001-01 to 2002-12) and pr, rsds and tas daily (2001-01-01 to "
                              "2002-12-31): climann needs every variable at the same time steps; bring pr, rsds and "
                              "tas to monthly steps first, e.g. monthly means with `")
    (command,) = re.findall(r"`([^`]+)`", message)
    data = re.search(r"then give --data (\S+) in place of the 6 files of pr, rsds and tas", message).group(1)
    subprocess.run(command, shell=True, check=True, capture_output=True, executable="/bin/bash")
    copies = expand_paths([shlex.split(data)[0]])
    assert sorted(path.name for path in copies) == [path.name for path in inputs]
    combined = open_dataset([tmp_path / "qtot.nc", *copies], grid_of="qtot")
    ends = np.cumsum([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    for name, parts in days.items():
        daily = np.concatenate(parts)
        expected = np.stack([daily[365 * (k // 12) + ends[k % 12]:365 * (k // 12) + ends[k % 12 + 1]].mean(0)
                             for k in range(24)])
        np.testing.assert_allclose(combined[name].values, expected, rtol=1e-6)


@pytest.mark.skipif(shutil.which("cdo") is None, reason="needs CDO")
@pytest.mark.parametrize("n_files", [pytest.param(1, id="one-file"), pytest.param(2, id="loop-over-two-files")])
def test_daily_directions_beside_a_monthly_target_are_advised_circular_monthly_means(tmp_path, monkeypatch, n_files):
    """_copies_advice (a daily predictor beside a monthly target) averages a direction by its sine and cosine
    (fix52k's chain, untested there): the printed line, run with bash, writes copies whose monthly ``mwd`` is the
    circular mean of its days of 10° and 350° by NumPy, for one file and for the loop over several."""
    from tests.conftest import assert_circular_mixture

    monkeypatch.chdir(tmp_path)
    (tmp_path / "in").mkdir()
    rng = np.random.default_rng(53)
    lat, lon = np.arange(6) * 2.0, np.arange(8) * 2.0
    years = (2001, 2002)[:n_files]
    ten = [rng.random((365, 6, 8)) < rng.uniform(0.1, 0.9, (1, 6, 8)) for _ in years]
    for year, tens in zip(years, ten):
        times = [cftime.datetime(year, 1, 1, 12, calendar="noleap") + datetime.timedelta(days=day) for day in range(365)]
        xr.Dataset({"mwd": (("time", "lat", "lon"), np.where(tens, 10.0, 350.0),  # float64: cdo computes in the type it reads
                            {"units": "Degree true", "long_name": "Mean wave direction", "cell_methods": "time: mean"})},
                   coords={"time": times, "lat": lat, "lon": lon}).to_netcdf(tmp_path / "in" / f"mwd_day_{year}.nc")
    months = [cftime.datetime(year, month, 15, calendar="noleap") for year in years for month in range(1, 13)]
    xr.Dataset({"swh": (("time", "lat", "lon"), np.ones((len(months), 6, 8), "f4"), {"units": "m"})},
               coords={"time": months, "lat": lat, "lon": lon}).to_netcdf(tmp_path / "swh.nc")
    inputs = sorted((tmp_path / "in").glob("*.nc"))
    with pytest.raises(ClimannError) as raised:
        open_dataset([tmp_path / "swh.nc", *inputs], grid_of="swh")
    message = str(raised.value)
    (command,) = re.findall(r"`([^`]+)`", message)
    assert "monmean" in command, message
    data = re.search(r"then give --data (\S+) in place of", message).group(1)
    subprocess.run(command, shell=True, check=True, capture_output=True, executable="/bin/bash",
                   env={**os.environ, "PATH": shell_path()})
    copies = expand_paths([shlex.split(data)[0]])
    assert sorted(path.name for path in copies) == [path.name for path in inputs]
    held = np.concatenate([xr.open_dataset(copy)["mwd"].transpose("time", "lat", "lon").values for copy in copies])
    ends = np.cumsum([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    share = np.stack([tens[ends[month]:ends[month + 1]].mean(0) for tens in ten for month in range(12)])
    assert_circular_mixture(held, share)


def _daily_directions(path):
    """Daily ``mwd`` (Degree true) of January and February 2001 on a 3×4 grid, each value 350° or
    10° plus a small spread (round north), beside ``swh``; returns ``mwd`` (days, 3, 4)."""
    rng = np.random.default_rng(52)
    days = 59
    mwd = np.mod(np.where(rng.random((days, 3, 4)) < 0.5, 10.0, 350.0) + rng.normal(0, 2, (days, 3, 4)), 360.0)
    xr.Dataset({"mwd": (("time", "lat", "lon"), mwd, {"units": "Degree true", "long_name": "Mean wave direction",
                                                      "cell_methods": "time: mean"}),
                "swh": (("time", "lat", "lon"), 1 + rng.random((days, 3, 4)), {"units": "m",
                                                                                "cell_methods": "time: mean"})},
               coords={"time": ("time", np.arange(days) + 0.5, {"units": "days since 2001-01-01",
                                                                 "calendar": "standard"}),
                       "lat": ("lat", [10.0, 20.0, 30.0], {"units": "degrees_north", "standard_name": "latitude"}),
                       "lon": ("lon", [0.0, 10.0, 20.0, 30.0], {"units": "degrees_east",
                                                                  "standard_name": "longitude"})}
               ).to_netcdf(path)
    return mwd


@pytest.mark.skipif(shutil.which("cdo") is None, reason="needs cdo")
@pytest.mark.parametrize("advice", [pytest.param("averaging", id="averaging_advice"),
                                    pytest.param("series", id="series_averaging_advice")])
def test_monthly_means_of_a_direction_advised_are_its_circular_means(tmp_path, advice):
    """fix52k: the advice that brings daily data to monthly means (`cdo monmean`) averaged a wave
    direction as numbers: days of 350° and 10° gave a month near 180° (up to 180° off). The printed
    line, run with bash, now gives each month's circular mean by NumPy, atan2(Σ sin, Σ cos) of its
    days (Fisher 1993, eq. 2.9), and ``swh``'s plain mean."""
    from climann.data.time_axes import averaging_advice, series_averaging_advice
    from tests.fresh_python import shell_path

    mwd = _daily_directions(tmp_path / "waves.nc")
    if advice == "averaging":
        text = averaging_advice(tmp_path / "waves.nc", "monthly")
    else:
        text = series_averaging_advice(tmp_path / "waves.nc", "monthly",
                                       {"mwd": "time: mean", "swh": "time: mean"}, step="daily")
    command = re.search(r"`([^`]+)`", text)[1]
    assert "monmean" in command, command
    subprocess.run(["bash", "-c", command], check=True, cwd=tmp_path, capture_output=True,
                   env={**os.environ, "PATH": shell_path()})
    (copy,) = [path for path in tmp_path.rglob("*.nc") if path != tmp_path / "waves.nc"]
    assert copy.parent != tmp_path and list(tmp_path.glob("*.nc")) == [tmp_path / "waves.nc"]  # a new folder (fix56b)
    with xr.open_dataset(copy) as monthly:
        held = monthly["mwd"].transpose("time", "lat", "lon").values
        swh = monthly["swh"].transpose("time", "lat", "lon").values
        assert set(monthly.data_vars) - {"time_bnds"} == {"mwd", "swh"}
    with xr.open_dataset(tmp_path / "waves.nc") as daily:
        swh_daily = daily["swh"].values
    radians = np.radians(mwd)
    expected = np.stack([np.degrees(np.arctan2(np.sin(radians[days]).sum(0), np.cos(radians[days]).sum(0))) % 360.0
                         for days in (slice(0, 31), slice(31, 59))])
    np.testing.assert_allclose(swh, np.stack([swh_daily[:31].mean(0), swh_daily[31:].mean(0)]), rtol=1e-6)
    off = np.abs((held - expected + 180.0) % 360.0 - 180.0)
    assert off.max() < 1e-6, off.max()
    assert held.min() >= 0.0 and held.max() < 360.0


def _mswep_file(path, days, units, rng):
    """MSWEP-style precipitation without time bounds ('days since 1899-12-31'), stamped at the starts of its
    steps (``days``: day numbers), on a 3 x 4 grid; returns the values written."""
    import netCDF4

    values = rng.gamma(0.5, 4, (len(days), 3, 4)).astype("f4")
    with netCDF4.Dataset(path, "w") as nc:
        for name, size in (("lon", 4), ("lat", 3), ("time", None)):
            nc.createDimension(name, size)
        time = nc.createVariable("time", "f8", ("time",))
        time.units, time.standard_name, time.calendar = "days since 1899-12-31 00:00:00", "time", "gregorian"
        time[:] = days
        for name, axis, coordinate in (("lat", "degrees_north", [49.95, 49.85, 49.75]),
                                       ("lon", "degrees_east", [5.05, 5.15, 5.25, 5.35])):
            nc.createVariable(name, "f4", (name,))[:] = coordinate
            nc[name].units = axis
        variable = nc.createVariable("precipitation", "f4", ("time", "lat", "lon"), fill_value=np.float32(-9999))
        variable.units = units
        variable[:] = values
    return values


@pytest.mark.skipif(shutil.which("cdo") is None, reason="needs CDO")
def test_one_variable_daily_and_3_hourly_in_one_folder_is_advised_a_copy_in_a_new_folder_that_trains(
        tmp_path, monkeypatch):
    """break54b A2: MSWEP daily files (mm/d) and 3-hourly ones (mm/(3 h)) of one variable in one folder: train's
    `cdo daymean` line wrote its copy beside the 3-hourly original, without saying to give it in place of it, and
    the same glob, rerun, was refused again. The advice is now evaluate's (series_averaging_advice): the copy in a
    folder of its own, given in place of the original. Run as printed, the copy holds numpy's daily means of the
    3-hourly values (in mm/(3 h), which train converts to the daily file's mm/d), and train given the daily file
    and the copy, as advised, runs."""
    from typer.testing import CliRunner

    from climann.cli import app

    monkeypatch.chdir(tmp_path)
    (tmp_path / "mswep").mkdir()
    rng = np.random.default_rng(0)
    first = (datetime.date(2005, 1, 1) - datetime.date(1899, 12, 31)).days
    middle = (datetime.date(2007, 1, 1) - datetime.date(1899, 12, 31)).days
    last = (datetime.date(2008, 1, 1) - datetime.date(1899, 12, 31)).days
    daily = _mswep_file(tmp_path / "mswep" / "daily_2005_2006.nc", np.arange(first, middle, 1.0), "mm/d", rng)
    three_hourly = _mswep_file(tmp_path / "mswep" / "threehourly_2007.nc", np.arange(middle, last, 0.125),
                               "mm/(3 h)", rng)
    arguments = ["train", "--target", "precipitation", "--epochs", "1", "--out", "run"]
    result = CliRunner().invoke(app, [*arguments, "--data", "mswep/*.nc"])
    assert result.exit_code == 2
    message = result.output.replace("\n", " ")
    line, copy, original = re.search(r"`(\{ \[ ! -e [^`]*?mkdir -p \S+ && cdo [^`]*?daymean \S+ (\S+))`, then give "
                                     r"--data (\S+) in place of (\S+) \(", message).group(1, 3, 4)
    assert original == "mswep/threehourly_2007.nc" and os.path.dirname(copy) == "mswep/daily"
    subprocess.run(["bash", "-c", line], check=True, cwd=tmp_path, capture_output=True)
    assert sorted(path.name for path in (tmp_path / "mswep").glob("*.nc")) == ["daily_2005_2006.nc",
                                                                             "threehourly_2007.nc"]
    opened = open_dataset([tmp_path / copy])
    assert opened.sizes["time"] == 365
    by_hand = three_hourly.astype("f8").reshape(365, 8, 3, 4).mean(axis=1)
    # the copy keeps mm/(3 h): a day's mean rate per 3 hours, read as that
    np.testing.assert_allclose(opened["precipitation"].values, by_hand, rtol=1e-6)
    result = CliRunner().invoke(app, [*arguments, "--data", "mswep/daily_2005_2006.nc", "--data", copy])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "run" / "metrics.json").read_text())["units"] == "mm/d"
    assert daily.shape == (730, 3, 4)


def test_the_daily_copies_of_cordex_3_hourly_files_are_named_for_what_they_hold(tmp_path, monkeypatch):
    """break54c A7: EURO-CORDEX ``pr_…_3hr_200001010130-….nc`` beside daily tas: the advised loop wrote the
    daily means under the 3-hourly names (``climann info`` then listed "pr_…_3hr_…" files of a daily variable).
    Run as printed, it writes ``pr_…_day_20000101-20000131.nc`` and ``…_day_20000201-20000229.nc``, each day
    the numpy mean of its 8 values, and the advised --data is read beside tas."""
    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(7)
    grid = {"lat": ("lat", [50.0, 51.0], {"units": "degrees_north", "standard_name": "latitude"}),
            "lon": ("lon", [5.0, 6.0, 7.0], {"units": "degrees_east", "standard_name": "longitude"})}
    days = np.arange("2000-01-01", "2000-03-01", dtype="datetime64[D]").astype("datetime64[ns]")
    tas = xr.Dataset({"tas": (("time", "lat", "lon"), rng.normal(280, 2, (days.size, 2, 3)),
                              {"units": "K", "cell_methods": "time: mean"})},
                     coords={"time": ("time", days + np.timedelta64(12, "h"), {"bounds": "time_bnds"}), **grid})
    tas["time_bnds"] = (("time", "bnds"), np.stack([days, days + np.timedelta64(1, "D")], -1))
    tas.to_netcdf(tmp_path / "tas_EUR-11_X_v1_day_20000101-20000229.nc")
    starts = days[0] + np.arange(days.size * 8) * np.timedelta64(3, "h")
    values = rng.gamma(0.3, 3e-5, (starts.size, 2, 3))
    folder = tmp_path / "pr"
    folder.mkdir()
    names = []
    for month, (first, last) in enumerate([(0, 31 * 8), (31 * 8, starts.size)]):
        part = xr.Dataset({"pr": (("time", "lat", "lon"), values[first:last],
                                  {"units": "kg m-2 s-1", "cell_methods": "time: mean"})},
                          coords={"time": ("time", starts[first:last] + np.timedelta64(90, "m"), {"bounds": "time_bnds"}),
                                  **grid})
        part["time_bnds"] = (("time", "bnds"), np.stack([starts[first:last], starts[first:last] + np.timedelta64(3, "h")], -1))
        stamps = [str(part["time"].values[index])[:16].replace("-", "").replace("T", "").replace(":", "")
                  for index in (0, -1)]
        names.append(f"pr_EUR-11_X_v1_3hr_{stamps[0]}-{stamps[1]}.nc")
        part.to_netcdf(folder / names[-1])
    with pytest.raises(ClimannError) as raised:
        open_dataset([tmp_path / "tas_EUR-11_X_v1_day_20000101-20000229.nc", *sorted(folder.glob("*.nc"))])
    message = str(raised.value)
    printed = re.search(r"`((?:\( for f in .*?; done \) && )?mkdir -p pr/daily && \( for f in .*?; done \))`, then give --data "
                        r"(\S+) in place of", message)
    assert printed is not None, message
    this_python = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    subprocess.run(["bash", "-c", printed.group(1)], check=True, capture_output=True, env=this_python)
    written = sorted(path.name for path in (folder / "daily").iterdir())
    assert written == ["pr_EUR-11_X_v1_day_20000101-20000131.nc", "pr_EUR-11_X_v1_day_20000201-20000229.nc"], written
    for name, (first, last) in zip(written, [(0, 31), (31, days.size)]):
        with xr.open_dataset(folder / "daily" / name) as daily:
            mine = values[first * 8:last * 8].reshape(last - first, 8, 2, 3).mean(axis=1)
            np.testing.assert_allclose(daily["pr"].values, mine, rtol=1e-6)
    assert printed.group(2) == "'pr/daily/*.nc'"
    opened = open_dataset([tmp_path / "tas_EUR-11_X_v1_day_20000101-20000229.nc", *sorted((folder / "daily").glob("*.nc"))])
    np.testing.assert_allclose(opened["pr"].values, values.reshape(days.size, 8, 2, 3).mean(axis=1), rtol=1e-6)


@pytest.mark.parametrize("grid_of", [pytest.param(None, id="climann-info"), pytest.param("tas", id="a-run")])
def test_the_stamps_refusal_names_a_files_own_variable_not_its_ancillary_one(tmp_path, monkeypatch, grid_of):
    """ESA CCI land cover (break54d): lccs_class, stamped on 1 January without time bounds, with its
    ancillary_variables change_count … beside tas of known years: `climann info` named change_count (first of the
    file by name) as the variable the stamps are of; now lccs_class, its ancillary change_count moved with it."""
    monkeypatch.chdir(tmp_path)
    _monthly(grid_dataset(n_years=2)[["tas"]], 2000, day=16).to_netcdf("tas.nc")
    classes = grid_dataset(n_years=2)[["pred"]].rename(pred="lccs_class")
    classes["lccs_class"].attrs["ancillary_variables"] = "change_count"
    classes["change_count"] = classes["lccs_class"].copy(data=np.zeros(classes["lccs_class"].shape, "f4"))
    classes["change_count"].attrs = {"long_name": "number of class changes"}
    _monthly(classes[["change_count", "lccs_class"]], 2000, day=1).to_netcdf("lc.nc")
    with pytest.raises(ClimannError) as raised:
        open_dataset(["tas.nc", "lc.nc"], grid_of=grid_of)
    assert str(raised.value).startswith("lc.nc stamps lccs_class on the 1st at 00:00 without time bounds (2000-01-01, "
                                        "…)")
    assert "lccs_class of 2000-01-01 goes with tas of 1999-12, and change_count of lc.nc with it" in str(raised.value)


def test_values_stamped_on_1_january_a_year_apart_are_yearly_not_seasonal(tmp_path, monkeypatch):
    """fix55f: ESA CCI land cover's lccs_class, one value a year stamped on 1 January without bounds, beside monthly
    tas was told "seasonal (JFM, AMJ, JAS, OND)" and advised seasonal means of tas (steps 12 months apart are a
    multiple of 3 months); it is yearly, and yearly means are advised."""
    monkeypatch.chdir(tmp_path)
    grid_dataset(n_years=3)[["tas"]].to_netcdf("tas.nc")
    yearly = grid_dataset(n_years=3)[["pred"]].isel(time=[0, 12, 24])
    yearly.assign_coords(time=[cftime.datetime(2000 + k, 1, 1, calendar="noleap") for k in range(3)]).to_netcdf("lc.nc")
    with pytest.raises(ClimannError) as raised:
        open_dataset(["tas.nc", "lc.nc"], grid_of="tas")
    assert str(raised.value).startswith("tas is monthly (2000-01 to 2002-12) and pred yearly (2000 to 2002): climann "
                                        "needs every variable at the same time steps; bring tas to yearly steps "
                                        "first, e.g. yearly means with ")


def _fluxcom_beside_daily_gleam(folder: Path) -> dict[str, np.ndarray]:
    """FLUXCOM's 8-daily GPP of 2011 and 2012 (46 composites a year restarting each 1 January, stamped start + 4
    days, time_bnds, lat descending) and GLEAM's daily E and Ep (yearly files, no bounds, stored (time, lon,
    lat)); returns the daily values by name, shape (731, lat, lon)."""
    lat, lon = [51.75, 51.25, 50.75], [4.25, 4.75]
    rng = np.random.default_rng(55)
    folder.joinpath("fluxcom").mkdir()
    folder.joinpath("gleam").mkdir()
    daily = {}
    for year in (2011, 2012):
        starts = [cftime.DatetimeGregorian(year, 1, 1) + datetime.timedelta(days=8 * k) for k in range(46)]
        ends = starts[1:] + [cftime.DatetimeGregorian(year + 1, 1, 1)]
        gpp = xr.Dataset(
            {"GPP": (("time", "lat", "lon"), 3 + rng.random((46, 3, 2)).astype("f4"), {"units": "gC m-2 d-1"}),
             "time_bnds": (("time", "bnds"), np.array([starts, ends], dtype=object).T)},
            coords={"time": ("time", [start + datetime.timedelta(days=4) for start in starts], {"bounds": "time_bnds"}),
                    "lat": ("lat", lat, {"units": "degrees_north"}), "lon": ("lon", lon, {"units": "degrees_east"})})
        gpp["time"].encoding.update(units="days since 1582-10-15", calendar="gregorian")
        gpp.to_netcdf(folder / "fluxcom" / f"GPP.8daily.{year}.nc")
        days = [cftime.DatetimeGregorian(year, 1, 1) + datetime.timedelta(days=k)
                for k in range(366 if year % 4 == 0 else 365)]
        for name in ("E", "Ep"):
            values = (2 + rng.random((len(days), 2, 3))).astype("f4")
            daily.setdefault(name, []).append(values.transpose(0, 2, 1))
            dataset = xr.Dataset({name: (("time", "lon", "lat"), values, {"units": "mm/day"})},
                                 coords={"time": ("time", days, {"standard_name": "time"}),
                                         "lat": ("lat", lat, {"units": "degrees_north"}),
                                         "lon": ("lon", lon, {"units": "degrees_east"})})
            dataset["time"].encoding.update(units="days since 1980-01-01", calendar="standard")
            dataset.to_netcdf(folder / "gleam" / f"{name}_{year}_GLEAM_v3.8a.nc")
    return {name: np.concatenate(parts) for name, parts in daily.items()}


def test_daily_variables_beside_8_day_composites_are_given_one_line_making_the_composites(tmp_path, monkeypatch):
    """break55c A3: daily GLEAM E and Ep beside FLUXCOM's 8-daily GPP (restarting each 1 January) were told
    "e.g. with xarray's Dataset.resample", no line, whose '8D' runs across the new year. One loop over both
    variables' files makes 8-day means restarting each year with the composites' bounds, copies in a new
    folder; run as printed, the copies pair with GPP, their values numpy's means of each composite's days (the
    year's last 5 or 6), their bounds GPP's."""
    monkeypatch.chdir(tmp_path)
    daily = _fluxcom_beside_daily_gleam(tmp_path)
    with pytest.raises(ClimannError) as raised:
        open_dataset(sorted(tmp_path.glob("*/*.nc")), grid_of="GPP")
    message = without_guards(str(raised.value))
    assert "bring E and Ep to the steps of 8-day composites first, e.g. 8-day means restarting each 1 January" in message
    assert message.count("`") == 2 and "give --data 'gleam/8-day/*.nc' in place of the 4 files of E and Ep" in message
    _run_printed(re.search(r"`([^`]+)`", message)[1], tmp_path)
    combined = open_dataset(sorted(tmp_path.glob("fluxcom/*.nc")) + sorted(tmp_path.glob("gleam/8-day/*.nc")),
                            grid_of="GPP")
    assert combined.sizes["time"] == 92
    edges = [0]
    for year_days in (365, 366):
        for k in range(46):
            edges.append(edges[-1] + min(8, year_days - 8 * k))
    assert edges[-1] == 731
    for name, values in daily.items():
        by_hand = np.stack([values[start:end].astype("f8").mean(0) for start, end in zip(edges, edges[1:])])
        np.testing.assert_allclose(combined[name].transpose("time", "lat", "lon").values, by_hand, rtol=1e-6)
    dates = xr.coders.CFDatetimeCoder(use_cftime=True)
    for name in ("E", "Ep"):
        with xr.open_dataset(tmp_path / "gleam" / "8-day" / f"{name}_2012_GLEAM_v3.8a.nc", decode_times=dates) as copy, \
                xr.open_dataset(tmp_path / "fluxcom" / "GPP.8daily.2012.nc", decode_times=dates) as gpp:
            np.testing.assert_array_equal(copy["time_bnds"].values, gpp["time_bnds"].values)


@pytest.mark.skipif(shutil.which("cdo") is None, reason="needs CDO")
def test_cdo_8_day_means_beside_8_day_composites_are_given_the_line_that_writes_their_bounds(tmp_path, monkeypatch):
    """break55c A3: `cdo timselmean,8` of each yearly GLEAM file (restarting each year, as FLUXCOM) bounds each
    mean by its first and last day's stamps, a day short of GPP's composite: refused with "give each file the
    bounds of its values", no line, naming CDO's shifttime that was never used. The refusal now names no
    shifttime and gives the line that writes the composites' bounds; run as printed, the copies pair with GPP,
    their bounds GPP's, their values numpy's means of each composite's days."""
    monkeypatch.chdir(tmp_path)
    daily = _fluxcom_beside_daily_gleam(tmp_path)
    (tmp_path / "gleam8").mkdir()
    for path in sorted((tmp_path / "gleam").glob("E_*.nc")):
        subprocess.run(["cdo", "-s", "timselmean,8", str(path), str(tmp_path / "gleam8" / path.name)], check=True)
    with pytest.raises(ClimannError) as raised:
        open_dataset(sorted(tmp_path.glob("fluxcom/*.nc")) + sorted(tmp_path.glob("gleam8/*.nc")), grid_of="GPP")
    message = without_guards(str(raised.value))
    assert "shifttime" not in message and "if E's values are means over whole 8-day composites" in message
    assert "then give --data 'gleam8/composite_bounds/*.nc' in place of the 2 files of E" in message
    _run_printed(re.findall(r"`([^`]+)`", message)[-1], tmp_path)
    combined = open_dataset(sorted(tmp_path.glob("fluxcom/*.nc")) + sorted(tmp_path.glob("gleam8/composite_bounds/*.nc")),
                            grid_of="GPP")
    edges = [0]
    for year_days in (365, 366):
        for k in range(46):
            edges.append(edges[-1] + min(8, year_days - 8 * k))
    by_hand = np.stack([daily["E"][start:end].astype("f8").mean(0) for start, end in zip(edges, edges[1:])])
    np.testing.assert_allclose(combined["E"].transpose("time", "lat", "lon").values, by_hand, rtol=1e-6)
    dates = xr.coders.CFDatetimeCoder(use_cftime=True)
    with xr.open_dataset(tmp_path / "gleam8" / "composite_bounds" / "E_2011_GLEAM_v3.8a.nc", decode_times=dates) as copy, \
            xr.open_dataset(tmp_path / "fluxcom" / "GPP.8daily.2011.nc", decode_times=dates) as gpp:
        np.testing.assert_array_equal(copy[copy["time"].attrs["bounds"]].values, gpp["time_bnds"].values)


@pytest.mark.skipif(shutil.which("cdo") is None, reason="needs CDO")
def test_one_step_files_of_two_variables_beside_daily_are_merged_by_time_before_the_daily_means(
        tmp_path, monkeypatch):
    """break56b A2: IMERG's 3B-HHR files hold one half hour each, with precipitation and its quality index beside
    it; beside the daily 3B-DAY the refusal advised a per-file ``cdo daymean`` loop (one variable got the merged
    line), whose copies were still half-hourly, and refused again one folder deeper. Now both variables get the
    one merged line; run as printed, its copy holds one mean a day of each, numpy's mean of the day's 48 steps,
    and the --data it gives is taken beside the daily target."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "hhr").mkdir()
    rng = np.random.default_rng(56)
    lat, lon = [0.0, 1.0], [10.0, 11.0, 12.0]
    rates, quality = rng.random((96, 2, 3)).astype("f4"), rng.random((96, 2, 3)).astype("f4")
    start = datetime.datetime(2020, 1, 1)
    for step in range(96):
        time = start + datetime.timedelta(minutes=30 * step)
        cells = np.array([[time, time + datetime.timedelta(minutes=30)]])
        xr.Dataset({"precip_hh": (("time", "lat", "lon"), rates[step:step + 1], {"units": "mm/hr"}),
                    "quality": (("time", "lat", "lon"), quality[step:step + 1], {"units": "1"}),
                    "time_bnds": (("time", "nv"), cells)},
                   coords={"time": ("time", [time], {"bounds": "time_bnds"}), "lat": lat, "lon": lon}
                   ).to_netcdf(tmp_path / "hhr" / f"3B-HHR.{time:%Y%m%d}-S{time:%H%M%S}.V07B.nc")
    days = [start, start + datetime.timedelta(days=1)]
    xr.Dataset({"precipitation": (("time", "lat", "lon"), np.ones((2, 2, 3), "f4"), {"units": "mm/day"}),
                "time_bnds": (("time", "nv"), np.array([[day, day + datetime.timedelta(days=1)] for day in days]))},
               coords={"time": ("time", days, {"bounds": "time_bnds"}), "lat": lat, "lon": lon}
               ).to_netcdf(tmp_path / "day.nc")
    inputs = sorted((tmp_path / "hhr").glob("*.nc"))
    with pytest.raises(ClimannError) as raised:
        open_dataset([tmp_path / "day.nc", *inputs], grid_of="precipitation")
    message = str(raised.value)
    assert "bring precip_hh and quality to daily steps first, e.g. daily means of the 96 files merged by time" in message
    (command,) = re.findall(r"`([^`]+)`", message)
    assert "for f in" not in command and "-mergetime" in command
    data = re.search(r"then give --data (\S+) in place of", message).group(1)
    subprocess.run(command, shell=True, check=True, capture_output=True, executable="/bin/bash")
    assert sorted(path.name for path in (tmp_path / "hhr").iterdir()) == sorted([*(p.name for p in inputs), "daily"])
    combined = open_dataset([tmp_path / "day.nc", Path(data)], grid_of="precipitation")
    np.testing.assert_allclose(combined["precip_hh"].values, rates.reshape(2, 48, 2, 3).mean(1), rtol=1e-6)
    np.testing.assert_allclose(combined["quality"].values, quality.reshape(2, 48, 2, 3).mean(1), rtol=1e-6)
