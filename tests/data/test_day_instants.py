"""Daily totals and means beside instants at 00 UTC (climann/data/day_instants.py, the check in
climann/data/time_axes.py): which instant goes with each day is refused as a choice without bounds,
said once with them; every line printed is run and its pairing checked by NumPy (fix52a)."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from climann.data.notes import forget_notes
from climann.data.open import open_dataset
from climann.errors import ClimannError
from tests.console import run_main
from tests.followed_twice import md5
from tests.fresh_python import shell_path

_DAYS = 40
_COORDS = {"lat": ("lat", [46.0, 45.9, 45.8], {"units": "degrees_north", "standard_name": "latitude"}),
           "lon": ("lon", [12.0, 12.1, 12.2, 12.3], {"units": "degrees_east", "standard_name": "longitude"})}


def _fields() -> tuple[pd.DatetimeIndex, np.ndarray, np.ndarray]:
    """Days, instants at each day's 00 UTC (K) and each day's own value (m), on a 3 x 4 grid."""
    days = pd.date_range("2001-01-01", periods=_DAYS, freq="D")
    rng = np.random.default_rng(52)
    return days, rng.normal(280.0, 5.0, (_DAYS, 3, 4)), rng.gamma(0.7, 0.004, (_DAYS, 3, 4))


def _write(folder, *, method: str = "time: sum", bounds: tuple[int, int] | None = None,
           instant: dict | None = None) -> tuple[pd.DatetimeIndex, np.ndarray, np.ndarray]:
    """tp.nc (daily values stamped at each day's 00 UTC, time bounds [D + a, D + b] days when
    ``bounds`` is (a, b)) and t2m.nc (instants at 00 UTC, ``instant`` their attributes)."""
    days, t2m, tp = _fields()
    total = xr.Dataset({"tp": (("time", "lat", "lon"), tp, {"units": "m", "cell_methods": method})},
                       coords={"time": days, **_COORDS})
    if bounds is not None:
        total["time_bnds"] = (("time", "bnds"), np.stack([days + pd.Timedelta(days=bounds[0]),
                                                          days + pd.Timedelta(days=bounds[1])], -1))
        total["time"].attrs["bounds"] = "time_bnds"
    for dataset in (total,):
        dataset["time"].encoding.update(units="days since 2001-01-01", dtype="int64")
    total.to_netcdf(folder / "tp.nc")
    attrs = {"units": "K", **(instant if instant is not None else {"cell_methods": "time: point"})}
    points = xr.Dataset({"t2m": (("time", "lat", "lon"), t2m, attrs)}, coords={"time": days, **_COORDS})
    points["time"].encoding.update(units="days since 2001-01-01", dtype="int64")
    points.to_netcdf(folder / "t2m.nc")
    return days, t2m, tp


def _paired(paths) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each step's tp and t2m as climann combines the files, and the start of each step's day (tp's)."""
    dataset = open_dataset(paths)
    starts = (dataset["time_bnds"].values[:, 0] if "time_bnds" in dataset.variables else dataset["time"].values)
    return dataset["tp"].values, dataset["t2m"].values, np.asarray(starts, dtype="datetime64[ns]")


def _run(command: str, folder) -> None:
    subprocess.run(["bash", "-c", command], check=True, capture_output=True, cwd=folder,
                   env={**os.environ, "PATH": shell_path()})


@pytest.mark.parametrize("method", [pytest.param("time: sum", id="daily-sum"), pytest.param("time: mean", id="mean")])
def test_daily_values_without_bounds_beside_instants_are_refused_with_a_working_line_for_each_reading(
        tmp_path, monkeypatch, method):
    """Before: tp (each day's own value, no bounds) trained beside t2m at 00 UTC, paired with the
    instant that opens its day, with no word. Now refused naming both readings; the first line
    pairs each day with its 00 UTC, the second with the next day's, each checked by NumPy."""
    monkeypatch.chdir(tmp_path)
    forget_notes()
    days, t2m, tp = _write(tmp_path, method=method)
    with pytest.raises(ClimannError) as refused:
        open_dataset([tmp_path / "tp.nc", tmp_path / "t2m.nc"])
    message = str(refused.value)
    assert "\n" not in message and "the one that opens the day" in message and "the one that closes it" in message
    opening, restamp, cut = [part for part in message.split("`") if part.startswith("mkdir -p ")]
    _run(opening, tmp_path)
    got_tp, got_t2m, starts = _paired([tmp_path / "day_cells" / "tp.nc", tmp_path / "t2m.nc"])
    index = days.get_indexer(starts)
    assert (index == np.arange(_DAYS)).all()
    np.testing.assert_array_equal(got_tp, tp)
    np.testing.assert_array_equal(got_t2m, t2m)  # the instant that opens each day: its own 00 UTC
    for command in (restamp, cut):
        _run(command, tmp_path)
    got_tp, got_t2m, starts = _paired([tmp_path / "day_ends" / "tp.nc", tmp_path / "common_steps" / "t2m.nc"])
    index = days.get_indexer(starts)
    assert (index == np.arange(_DAYS - 1)).all()  # the last day has no instant closing it in the file
    np.testing.assert_array_equal(got_tp, tp[index])
    np.testing.assert_array_equal(got_t2m, t2m[index + 1])  # the instant that closes each day: the next 00 UTC


def test_ecmwf_analyses_without_cell_methods_are_instants_by_their_grib_step_type(tmp_path):
    """ERA5's 00 UTC analyses as the CDS writes them: GRIB_stepType 'instant', no cell_methods."""
    _write(tmp_path, instant={"GRIB_stepType": "instant"})
    with pytest.raises(ClimannError, match="which instant goes with each day's value"):
        open_dataset([tmp_path / "tp.nc", tmp_path / "t2m.nc"])


@pytest.mark.parametrize(("step_type", "words"), [pytest.param("accum", "totals", id="cds-daily-sum"),
                                                   pytest.param("avg", "means", id="cds-daily-mean")])
def test_a_daily_statistic_said_only_by_its_grib_step_type_is_named_by_it(tmp_path, step_type, words):
    """The CDS's daily sums of tp say GRIB_stepType 'accum' and no cell_methods: the refusal called them
    "daily means" (session 71, break52a's A1 files)."""
    _write(tmp_path, instant={"GRIB_stepType": "instant"})
    with xr.open_dataset(tmp_path / "tp.nc") as opened:
        total = opened.load()
    del total["tp"].attrs["cell_methods"]
    total["tp"].attrs["GRIB_stepType"] = step_type
    total.to_netcdf(tmp_path / "tp_cds.nc")
    with pytest.raises(ClimannError, match=f"^tp holds daily {words} without time bounds stamped at 00:00"):
        open_dataset([tmp_path / "tp_cds.nc", tmp_path / "t2m.nc"])


@pytest.mark.parametrize(("bounds", "edge", "offset"), [
    pytest.param((0, 1), "opens", 0, id="stamped-at-start"),
    pytest.param((-1, 0), "closes", 1, id="stamped-at-end"),
])
def test_bounded_days_beside_instants_are_paired_by_stamp_and_said_once(tmp_path, monkeypatch, caplog, bounds,
                                                                         edge, offset):
    """With bounds the stamp says which instant: the one at the stamp, opening (bounds [D, D + 1])
    or closing ([D - 1, D]) each day; said once, with the line that pairs the other, run and checked."""
    monkeypatch.chdir(tmp_path)
    forget_notes()
    days, t2m, tp = _write(tmp_path, bounds=bounds)
    with caplog.at_level("WARNING"):
        got_tp, got_t2m, starts = _paired([tmp_path / "tp.nc", tmp_path / "t2m.nc"])
    said = [record.getMessage() for record in caplog.records if "holds instants at the same stamps" in
            record.getMessage()]
    assert len(said) == 1 and f"the one that {edge} its day" in said[0]
    index = days.get_indexer(starts)  # the day of each value, by its bounds
    np.testing.assert_array_equal(got_tp, tp[index - bounds[0]])
    np.testing.assert_array_equal(got_t2m, t2m[index + offset])
    for command in [part for part in said[0].split("`") if part.startswith("mkdir -p ")]:
        _run(command, tmp_path)
    folders = [tmp_path / ("day_ends" if edge == "opens" else "day_starts") / "tp.nc",
               tmp_path / "common_steps" / "t2m.nc"]
    got_tp, got_t2m, starts = _paired(folders)
    index = days.get_indexer(starts)
    np.testing.assert_array_equal(got_tp, tp[index - bounds[0]])
    np.testing.assert_array_equal(got_t2m, t2m[index + 1 - offset])  # the other instant of each day


def test_train_refuses_daily_totals_beside_instants_without_bounds(tmp_path, monkeypatch, capfd):
    monkeypatch.chdir(tmp_path)
    forget_notes()
    _write(tmp_path)
    finished = run_main("train", "--data", "tp.nc", "--data", "t2m.nc", "--target", "tp", "--predictors", "t2m",
                        "--epochs", "1", "--out", "run", capfd=capfd, monkeypatch=monkeypatch)
    assert finished.returncode == 2 and "which instant goes with each day's value" in finished.stderr


def test_daily_values_said_nothing_of_beside_daily_means_are_left_as_they_were(tmp_path):
    """A daily value with no cell_methods may be a mean (E-OBS, CPC): not taken for an instant."""
    days, t2m, tp = _write(tmp_path, instant={})
    got_tp, got_t2m, _ = _paired([tmp_path / "tp.nc", tmp_path / "t2m.nc"])
    np.testing.assert_array_equal(got_t2m, t2m)


def _write_one_file(folder, instant: dict) -> tuple[pd.DatetimeIndex, np.ndarray, np.ndarray]:
    """both.nc: tp (daily sums stamped at each day's 00 UTC, no bounds) and t2m (instants at 00 UTC) on one axis."""
    days, t2m, tp = _fields()
    both = xr.Dataset({"tp": (("time", "lat", "lon"), tp, {"units": "m", "cell_methods": "time: sum"}),
                       "t2m": (("time", "lat", "lon"), t2m, {"units": "K", **instant})},
                      coords={"time": days, **_COORDS})
    both["time"].encoding.update(units="days since 2001-01-01", dtype="int64")
    both.to_netcdf(folder / "both.nc")
    return days, t2m, tp


@pytest.mark.parametrize("instant", [pytest.param({"cell_methods": "time: point"}, id="time-point"),
                                     pytest.param({"GRIB_stepType": "instant"}, id="grib-instant")])
def test_one_file_of_daily_totals_and_instants_is_refused_with_a_line_that_splits_it(tmp_path, monkeypatch,
                                                                                     instant):
    """Before (fix53d's find): tp and t2m in one file at 00 UTC without bounds were read with no word, and
    info advised `cdo -settbounds,day -shifttime,-12hour both.nc …`, a day's bounds for the analyses too.
    Now refused naming both kinds; the printed line splits the file, after which the two files are refused
    as two files are, and the statistics' bounding line pairs each day with its 00 UTC instant (NumPy)."""
    monkeypatch.chdir(tmp_path)
    forget_notes()
    days, t2m, tp = _write_one_file(tmp_path, instant)
    with pytest.raises(ClimannError) as refused:
        open_dataset([tmp_path / "both.nc"])
    message = str(refused.value)
    assert "\n" not in message and "daily totals" in message and "t2m, instants" in message
    assert "settbounds" not in message
    split = [part for part in message.split("`") if part.startswith("mkdir -p ")]
    assert len(split) == 1 and "--data by_kind/both_statistics.nc --data by_kind/both_instants.nc" in message
    _run(split[0], tmp_path)
    with xr.open_dataset(tmp_path / "by_kind" / "both_instants.nc") as instants:
        assert list(instants.data_vars) == ["t2m"]
        np.testing.assert_array_equal(instants["t2m"].values, t2m)
    pieces = [tmp_path / "by_kind" / "both_statistics.nc", tmp_path / "by_kind" / "both_instants.nc"]
    forget_notes()
    with pytest.raises(ClimannError) as again:
        open_dataset(pieces)
    opening = [part for part in str(again.value).split("`") if part.startswith("mkdir -p ")][0]
    _run(opening, tmp_path)
    got_tp, got_t2m, starts = _paired([tmp_path / "by_kind" / "day_cells" / "both_statistics.nc", pieces[1]])
    index = days.get_indexer(starts)
    assert (index == np.arange(_DAYS)).all()
    np.testing.assert_array_equal(got_tp, tp)
    np.testing.assert_array_equal(got_t2m, t2m)
    with xr.open_dataset(pieces[1]) as instants:
        assert "bounds" not in instants["time"].attrs  # the analyses keep instants: no day's cell


def test_train_refuses_one_file_of_daily_totals_and_instants(tmp_path, monkeypatch, capfd):
    monkeypatch.chdir(tmp_path)
    forget_notes()
    _write_one_file(tmp_path, {"cell_methods": "time: point"})
    finished = run_main("train", "--data", "both.nc", "--target", "tp", "--predictors", "t2m",
                        "--epochs", "1", "--out", "run", capfd=capfd, monkeypatch=monkeypatch)
    assert finished.returncode == 2 and "on one time axis without bounds" in finished.stderr


def test_one_file_of_totals_and_instants_is_read_when_the_run_uses_one_kind(tmp_path):
    """Only tp read from the file: nothing is paired, nothing refused."""
    forget_notes()
    days, t2m, tp = _write_one_file(tmp_path, {"cell_methods": "time: point"})
    dataset = open_dataset([tmp_path / "both.nc"], grid_of="tp", variables=["tp"])
    np.testing.assert_array_equal(dataset["tp"].values, tp)


def test_the_day_bounds_advice_over_the_time_axis_files_leaves_out_files_of_instants(tmp_path, monkeypatch):
    """The bounds advice looped over every file of the time axis (layout.time_files), t2m.nc's
    00 UTC analyses included: `cdo -settbounds,day -shifttime,-12hour t2m.nc …` gave them a day's
    cell. Now only tp.nc is copied, and its copy's bounds are the day ending at each stamp (NumPy)."""
    from climann.data.step_periods import bounds_advice, closing_bounds_advice

    monkeypatch.chdir(tmp_path)
    days, _, tp = _write(tmp_path)
    for advice in (closing_bounds_advice, bounds_advice):
        said = advice(["tp.nc", "t2m.nc"], "daily", given=["tp.nc", "t2m.nc"])
        lines = [part for part in said.split("`") if "cdo " in part]
        assert lines and not any("t2m.nc" in line for line in lines) and "the 2 files" not in said
    line = [part for part in closing_bounds_advice(["tp.nc", "t2m.nc"], "daily").split("`") if "cdo " in part][0]
    _run(line, tmp_path)
    assert sorted(path.name for path in (tmp_path / "with_bounds").iterdir()) == ["tp.nc"]
    with xr.open_dataset(tmp_path / "with_bounds" / "tp.nc") as copy:
        cells = copy[copy["time"].attrs["bounds"]].values
        np.testing.assert_array_equal(cells[:, 1], days.values)
        np.testing.assert_array_equal(cells[:, 0], (days - pd.Timedelta(days=1)).values)
        np.testing.assert_array_equal(copy["tp"].values, tp)


def _write_series(folder, years=(2001, 2002, 2003)) -> tuple[pd.DatetimeIndex, np.ndarray, np.ndarray]:
    """era5_YYYY.nc, one a year: tp (daily sums stamped at each day's 00 UTC, no bounds) and t2m
    (instants at 00 UTC, time: point) on one axis; the days, t2m and tp of all the files."""
    rng = np.random.default_rng(54)
    every = []
    for year in years:
        days = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D")
        t2m, tp = rng.normal(280.0, 5.0, (len(days), 3, 4)), rng.gamma(0.7, 0.004, (len(days), 3, 4))
        both = xr.Dataset({"tp": (("time", "lat", "lon"), tp, {"units": "m", "cell_methods": "time: sum"}),
                           "t2m": (("time", "lat", "lon"), t2m, {"units": "K", "cell_methods": "time: point"})},
                          coords={"time": days, **_COORDS})
        both["time"].encoding.update(units="days since 2001-01-01", dtype="int64")
        both.to_netcdf(folder / f"era5_{year}.nc")
        every.append((days, t2m, tp))
    return (pd.DatetimeIndex(np.concatenate([days.values for days, _, _ in every])),
            np.concatenate([t2m for _, t2m, _ in every]), np.concatenate([tp for _, _, tp in every]))


def _given(message: str, folder) -> list:
    """The files the ``--data`` of ``message``'s way out take (after its last line), globs expanded in ``folder``."""
    words = shlex.split(message.rsplit("`", 1)[1].split(" in place of ")[0].replace("then give", ""))
    patterns = [word for word in words if word not in ("--data", "and", ",")]
    return [path for pattern in patterns for path in sorted(folder.glob(pattern))]


def test_a_series_of_files_of_daily_totals_and_instants_is_split_by_one_loop(tmp_path, monkeypatch, capfd):
    """Before (fix53k's leftover): three yearly files, each tp 'time: sum' and t2m 'time: point' at 00 UTC
    without bounds, were refused naming era5_2001.nc alone, with a split line for it: split, the next
    run met the same refusal at era5_2002.nc. Now the refusal counts the 3 files and gives one guarded
    loop over them into a new folder; run as printed, its --data is refused as two variables' files
    are, and the line for the instant that opens each day, run as printed, pairs each day's tp with
    its own 00 UTC t2m (NumPy, over the three years)."""
    monkeypatch.chdir(tmp_path)
    forget_notes()
    days, t2m, tp = _write_series(tmp_path)
    files = sorted(tmp_path.glob("era5_*.nc"))
    with pytest.raises(ClimannError) as refused:
        open_dataset(files)
    message = str(refused.value)
    assert "\n" not in message and "(3 files) each hold tp, daily totals" in message and "split them" in message
    loops = [part for part in message.split("`") if "mkdir -p" in part]
    assert len(loops) == 1 and loops[0].count("for f in ") == 3  # two guards, then the one loop
    assert "--data 'by_kind/*_statistics.nc' --data 'by_kind/*_instants.nc' in place of them" in message
    _run(loops[0], tmp_path)
    assert sorted(path.name for path in (tmp_path / "by_kind").iterdir()) == sorted(
        f"era5_{year}_{kind}.nc" for year in (2001, 2002, 2003) for kind in ("statistics", "instants"))
    written = {path.name: md5(path) for path in (tmp_path / "by_kind").iterdir()}
    with pytest.raises(subprocess.CalledProcessError):  # followed twice: every part kept as it is
        _run(loops[0], tmp_path)
    assert {path.name: md5(path) for path in (tmp_path / "by_kind").iterdir()} == written
    pieces = _given(message, tmp_path)
    assert len(pieces) == 6
    forget_notes()
    with pytest.raises(ClimannError) as again:
        open_dataset(pieces)
    opening = [part for part in str(again.value).split("`") if part.startswith("mkdir -p ")][0]
    _run(opening, tmp_path)
    given = sorted((tmp_path / "by_kind" / "day_cells").glob("*.nc")) + sorted(tmp_path.glob("by_kind/*_instants.nc"))
    got_tp, got_t2m, starts = _paired(given)
    index = days.get_indexer(starts)
    assert (index == np.arange(len(days))).all()
    np.testing.assert_array_equal(got_tp, tp)
    np.testing.assert_array_equal(got_t2m, t2m)  # each day's own 00 UTC analysis
    advised = str(again.value).split(opening, 1)[1].split(" in place of ")[0]
    assert advised.endswith("then give --data 'by_kind/day_cells/*.nc'")
    finished = run_main("train", "--data", "by_kind/day_cells/*.nc", "--data", "by_kind/*_instants.nc", "--target",
                        "tp", "--predictors", "t2m", "--epochs", "1", "--out", "run", capfd=capfd,
                        monkeypatch=monkeypatch)
    assert finished.returncode == 0, finished.stderr


def test_the_split_loop_stops_at_the_first_file_cdo_cannot_read(tmp_path, monkeypatch):
    """Before (session 73's leftover): the loop into by_kind/ went on past a file cdo failed on, and answered with
    the last file's status, 0: run as printed with the middle of three files unreadable, 2003's parts were written and
    the line succeeded, its copies short of 2002 without a word. Now the loop stops there with a failing status:
    2001's two parts written (each the file's own variables, numpy), nothing of 2003, and a command after it not run."""
    monkeypatch.chdir(tmp_path)
    forget_notes()
    _, t2m, tp = _write_series(tmp_path)
    with pytest.raises(ClimannError) as refused:
        open_dataset(sorted(tmp_path.glob("era5_*.nc")))
    loop = [part for part in str(refused.value).split("`") if "mkdir -p" in part][0]
    (tmp_path / "era5_2002.nc").write_bytes(b"not a NetCDF file\n" * 64)  # cdo cannot open it
    ran = subprocess.run(["bash", "-c", f"{loop} && touch after"], capture_output=True, text=True, cwd=tmp_path,
                         env={**os.environ, "PATH": shell_path()})
    assert ran.returncode != 0 and "era5_2002.nc" in ran.stderr, ran.stderr
    assert not (tmp_path / "after").exists()
    assert sorted(path.name for path in (tmp_path / "by_kind").iterdir()) == [
        "era5_2001_instants.nc", "era5_2001_statistics.nc"]
    with xr.open_dataset(tmp_path / "by_kind" / "era5_2001_statistics.nc") as statistics, \
            xr.open_dataset(tmp_path / "by_kind" / "era5_2001_instants.nc") as instants:
        assert list(statistics.data_vars) == ["tp"] and list(instants.data_vars) == ["t2m"]
        np.testing.assert_array_equal(statistics["tp"].values, tp[:365])
        np.testing.assert_array_equal(instants["t2m"].values, t2m[:365])


def test_train_names_the_series_of_mixed_files(tmp_path, monkeypatch, capfd):
    monkeypatch.chdir(tmp_path)
    forget_notes()
    _write_series(tmp_path, years=(2001, 2002))
    finished = run_main("train", "--data", "era5_*.nc", "--target", "tp", "--predictors", "t2m",
                        "--epochs", "1", "--out", "run", capfd=capfd, monkeypatch=monkeypatch)
    assert finished.returncode == 2 and "(2 files) each hold" in finished.stderr
    assert "&& ( for f in era5_200*.nc; do cdo delname,t2m \"$f\" by_kind/" in finished.stderr


def _write_three_kinds(folder) -> tuple[pd.DatetimeIndex, np.ndarray, np.ndarray, np.ndarray]:
    """both.nc: tp (daily sums at 00 UTC, no bounds), t2m and sp (instants at 00 UTC) on one axis."""
    days, t2m, tp = _fields()
    sp = np.random.default_rng(541).normal(1.0e5, 500.0, t2m.shape)
    both = xr.Dataset({"tp": (("time", "lat", "lon"), tp, {"units": "m", "cell_methods": "time: sum"}),
                       "t2m": (("time", "lat", "lon"), t2m, {"units": "K", "cell_methods": "time: point"}),
                       "sp": (("time", "lat", "lon"), sp, {"units": "Pa", "GRIB_stepType": "instant"})},
                      coords={"time": days, **_COORDS})
    both["time"].encoding.update(units="days since 2001-01-01", dtype="int64")
    both.to_netcdf(folder / "both.nc")
    return days, t2m, tp, sp


def test_a_run_of_the_totals_alone_gets_bounds_for_them_alone(tmp_path, monkeypatch, capfd):
    """Before: a run reading tp alone from both.nc was advised in train.log `cdo -settbounds,day
    -shifttime,-12hour both.nc with_bounds/both.nc`, a day's cell for t2m's and sp's analyses too. Now
    the copy leaves the instants out; both lines (cdo, xarray) run as printed write tp alone, over the
    day ending at each stamp (NumPy), and the copy is read as it is."""
    monkeypatch.chdir(tmp_path)
    forget_notes()
    days, _, tp, _ = _write_three_kinds(tmp_path)
    finished = run_main("train", "--data", "both.nc", "--target", "tp", "--predictors", "", "--lags", "tp=1",
                        "--epochs", "1", "--out", "run", capfd=capfd, monkeypatch=monkeypatch)
    assert finished.returncode == 0, finished.stderr
    advice = [line for line in (tmp_path / "run" / "train.log").read_text().splitlines()
              if "-settbounds,day -shifttime,-12hour" in line]
    assert len(advice) == 1 and "a copy without t2m and sp (instants" in advice[0]
    cdo, python = [part for part in advice[0].split("`") if "mkdir -p with_bounds" in part]
    script = shlex.split(python.split(" && ", 1)[1])[2]  # the python line's script, as the shell passes it
    assert "-delname,t2m,sp both.nc" in cdo and "drop_vars(['t2m', 'sp']" in script
    for line, folder in ((cdo, "by_cdo"), (python, "by_xarray")):
        _run(line, tmp_path)
        (tmp_path / "with_bounds").rename(tmp_path / folder)
        with xr.open_dataset(tmp_path / folder / "both.nc") as copy:
            assert set(copy.data_vars) - {"time_bnds"} == {"tp"}
            cells = copy[copy["time"].attrs["bounds"]].values
            np.testing.assert_array_equal(cells[:, 1], days.values)
            np.testing.assert_array_equal(cells[:, 0], (days - pd.Timedelta(days=1)).values)
            np.testing.assert_array_equal(copy["tp"].values, tp)
    forget_notes()
    dataset = open_dataset([tmp_path / "by_cdo" / "both.nc"])
    np.testing.assert_array_equal(dataset["tp"].values, tp)


def test_a_run_of_the_instants_alone_gets_no_bounds(tmp_path, monkeypatch, capfd):
    """t2m and sp alone from both.nc: trained on at their stamps, said to be instants, and no line in
    the warnings or train.log gives them a day's bounds."""
    monkeypatch.chdir(tmp_path)
    forget_notes()
    _write_three_kinds(tmp_path)
    finished = run_main("train", "--data", "both.nc", "--target", "t2m", "--predictors", "sp",
                        "--epochs", "1", "--out", "run", capfd=capfd, monkeypatch=monkeypatch)
    assert finished.returncode == 0, finished.stderr
    said = finished.stderr + (tmp_path / "run" / "train.log").read_text()
    assert "its values are instantaneous" in said and "settbounds" not in said and "with_bounds" not in said


@pytest.mark.parametrize(("bounds", "edge"), [pytest.param((0, 1), "opens", id="stamped-at-start"),
                                              pytest.param((-1, 0), "closes", id="stamped-at-end")])
def test_one_file_of_bounded_totals_and_instants_is_read_over_the_bounds_and_at_the_stamps(tmp_path, caplog,
                                                                                          bounds, edge):
    """tp with one-day bounds and t2m ('time: point') in one file (cdo merge of a bounded tp file and an
    analysis file): read, not refused; each day's tp (its bounds) beside the t2m of its own row, the
    instant that opens (bounds [D, D + 1]) or closes ([D - 1, D]) the day, said once (NumPy)."""
    forget_notes()
    days, t2m, tp = _fields()
    both = xr.Dataset({"tp": (("time", "lat", "lon"), tp, {"units": "m", "cell_methods": "time: sum"}),
                       "t2m": (("time", "lat", "lon"), t2m, {"units": "K", "cell_methods": "time: point"})},
                      coords={"time": days, **_COORDS})
    both["time_bnds"] = (("time", "bnds"), np.stack([days + pd.Timedelta(days=bounds[0]),
                                                     days + pd.Timedelta(days=bounds[1])], -1))
    both["time"].attrs["bounds"] = "time_bnds"
    both["time"].encoding.update(units="days since 2001-01-01", dtype="int64")
    both.to_netcdf(tmp_path / "both.nc")
    with caplog.at_level("WARNING"):
        got_tp, got_t2m, starts = _paired([tmp_path / "both.nc"])
    said = [record.getMessage() for record in caplog.records if "at the same stamps" in record.getMessage()]
    assert len(said) == 1 and f"with the instant that {edge} its day" in said[0]
    index = days.get_indexer(starts)  # the day each tp value is over, by its bounds
    assert (index == np.arange(_DAYS) + bounds[0]).all()
    np.testing.assert_array_equal(got_tp, tp)
    instant_day = days.get_indexer(pd.DatetimeIndex(starts) + pd.Timedelta(days=0 if edge == "opens" else 1))
    np.testing.assert_array_equal(got_t2m, t2m[instant_day])  # the instant at the day's start, or at its end


def test_a_zarr_store_of_totals_and_instants_is_split_by_xarray(tmp_path, monkeypatch):
    """Before: a Zarr store holding tp and t2m got `cdo delname,t2m both.zarr …`, which cdo cannot read.
    Now an xarray line writes the two kinds as NetCDF files; run as printed, each part holds its kind
    (NumPy), and the statistics' bounding line that follows pairs each day with its 00 UTC t2m."""
    pytest.importorskip("zarr")
    monkeypatch.chdir(tmp_path)
    forget_notes()
    days, t2m, tp = _fields()
    both = xr.Dataset({"tp": (("time", "lat", "lon"), tp, {"units": "m", "cell_methods": "time: sum"}),
                       "t2m": (("time", "lat", "lon"), t2m, {"units": "K", "cell_methods": "time: point"})},
                      coords={"time": days, **_COORDS})
    both["time"].encoding.update(units="days since 2001-01-01", dtype="int64")
    both.to_zarr(tmp_path / "both.zarr")
    with pytest.raises(ClimannError) as refused:
        open_dataset([tmp_path / "both.zarr"])
    message = str(refused.value)
    split = [part for part in message.split("`") if part.startswith("mkdir -p ")]
    assert len(split) == 1 and "cdo" not in split[0] and "xr.open_zarr" in split[0]
    _run(split[0], tmp_path)
    with pytest.raises(subprocess.CalledProcessError):  # followed twice: the parts kept as they are
        _run(split[0], tmp_path)
    pieces = _given(message, tmp_path)
    assert [path.name for path in pieces] == ["both_statistics.nc", "both_instants.nc"]
    with xr.open_dataset(pieces[0]) as statistics, xr.open_dataset(pieces[1]) as instants:
        assert list(statistics.data_vars) == ["tp"] and list(instants.data_vars) == ["t2m"]
        np.testing.assert_array_equal(statistics["tp"].values, tp)
        np.testing.assert_array_equal(instants["t2m"].values, t2m)
    forget_notes()
    with pytest.raises(ClimannError) as again:
        open_dataset(pieces)
    _run([part for part in str(again.value).split("`") if part.startswith("mkdir -p ")][0], tmp_path)
    got_tp, got_t2m, starts = _paired([tmp_path / "by_kind" / "day_cells" / "both_statistics.nc", pieces[1]])
    assert (days.get_indexer(starts) == np.arange(_DAYS)).all()
    np.testing.assert_array_equal(got_tp, tp)
    np.testing.assert_array_equal(got_t2m, t2m)


def test_the_bounds_advice_for_a_zarr_store_leaves_its_instants_out(tmp_path, monkeypatch):
    """A store's instants were not read (cdo's header reader opens no store): the xarray line gave t2m a
    day's cell with tp's. Now it drops t2m; run as printed, the new store holds tp over the day ending at
    each stamp (NumPy)."""
    pytest.importorskip("zarr")
    from climann.data.step_periods import closing_bounds_advice

    monkeypatch.chdir(tmp_path)
    days, t2m, tp = _fields()
    both = xr.Dataset({"tp": (("time", "lat", "lon"), tp, {"units": "m", "cell_methods": "time: sum"}),
                       "t2m": (("time", "lat", "lon"), t2m, {"units": "K", "GRIB_stepType": "instant"})},
                      coords={"time": days, **_COORDS})
    both["time"].encoding.update(units="days since 2001-01-01", dtype="int64")
    both.to_zarr(tmp_path / "both.zarr")
    said = closing_bounds_advice(["both.zarr"], "daily")
    assert "a copy without t2m (instants" in said
    _run([part for part in said.split("`") if part.startswith("mkdir -p ")][0], tmp_path)
    with xr.open_zarr(tmp_path / "with_bounds" / "both.zarr") as copy:
        assert "t2m" not in copy.variables
        cells = copy[copy["time"].attrs["bounds"]].values
        np.testing.assert_array_equal(cells[:, 1], days.values)
        np.testing.assert_array_equal(cells[:, 0], (days - pd.Timedelta(days=1)).values)
        np.testing.assert_array_equal(copy["tp"].values, tp)


@pytest.mark.skipif(shutil.which("cdo") is None, reason="CDO is not installed")
@pytest.mark.parametrize("years", [pytest.param((2001,), id="one-file"), pytest.param((2001, 2002), id="loop")])
def test_the_split_line_runs_in_a_folder_with_a_space(tmp_path, monkeypatch, years):
    """fix57i: CDO 2.1.1 opens no path with a space, quoted or not: the delname/selname line that splits files of
    daily totals and instants into by_kind/ (one file, or a loop) failed as printed for files in "my data". Run by
    bash as printed, it now runs CDO inside the folder: each part holds the file's own variables (numpy), and the
    folder holds only its files and the new folder."""
    monkeypatch.chdir(tmp_path)
    forget_notes()
    folder = tmp_path / "my data"
    folder.mkdir()
    _, t2m, tp = _write_series(folder, years=years)
    originals = sorted(path.name for path in folder.iterdir())
    with pytest.raises(ClimannError) as refused:
        open_dataset(sorted(folder.glob("era5_*.nc")))
    line = next(part for part in str(refused.value).split("`") if "cdo delname" in part)
    subprocess.run(["bash", "-c", line], check=True, capture_output=True, cwd=tmp_path,
                   env={**os.environ, "PATH": shell_path()})
    assert sorted(path.name for path in folder.iterdir()) == sorted([*originals, "by_kind"])
    parts = folder / "by_kind"
    assert sorted(path.name for path in parts.iterdir()) == sorted(
        f"era5_{year}_{kind}.nc" for year in years for kind in ("instants", "statistics"))
    with xr.open_mfdataset(sorted(parts.glob("*_statistics.nc"))) as statistics, \
            xr.open_mfdataset(sorted(parts.glob("*_instants.nc"))) as instants:
        assert list(statistics.data_vars) == ["tp"] and list(instants.data_vars) == ["t2m"]
        np.testing.assert_array_equal(statistics["tp"].values, tp)
        np.testing.assert_array_equal(instants["t2m"].values, t2m)
