"""Totals accumulated since a start (WRF's RAINNC): refused with the line that writes each step's amount."""

from __future__ import annotations

import os
import subprocess

import netCDF4
import numpy as np
import pandas as pd
import pytest
import xarray as xr

from climann.data.defaults import default_inputs
from climann.data.open import open_dataset
from climann.data.running_totals import (GROWTH_PER_RESTART, MIN_PERIODIC_RESTARTS, RESTART_RULE, _falls_and_grows,
                                         grows_without_falling, running_total_reason, since_a_date)
from climann.data.value_checks import warn_held_values
from climann.errors import ClimannError
from climann.workflow.config import build_config
from climann.workflow.preparation import prepare_data, resolve_inputs
from tests.console import run_main
from tests.followed_twice import assert_left_as_it_is
from tests.fresh_python import shell_path

_WRF_RAIN = "ACCUMULATED TOTAL GRID SCALE PRECIPITATION"


def _wrfout(path, start: str, totals: np.ndarray, *, description: str = _WRF_RAIN, name: str = "RAINNC",
            long_name: str | None = None, bucket: float | None = None, counted: bool = True,
            simulation_start: str = "2005-01-01_00:00:00") -> None:
    """A wrfout-like file: ``Time`` steps a day apart from ``start``, XTIME in minutes since
    2005-01-01, XLAT/XLONG on (Time, south_north, west_east), T2 and the totals ``name``, the
    simulation begun at ``simulation_start`` (global ``SIMULATION_START_DATE``). With
    ``bucket`` (global BUCKET_MM), ``name`` holds what WRF's bucket leaves of the whole ``totals``
    and, when ``counted``, ``I_`` + ``name`` the resets."""
    n_steps, ny, nx = totals.shape
    with netCDF4.Dataset(path, "w") as ds:
        ds.createDimension("Time", None)
        ds.createDimension("south_north", ny)
        ds.createDimension("west_east", nx)
        ds.SIMULATION_START_DATE = simulation_start
        if bucket is not None:
            ds.BUCKET_MM = np.float32(bucket)
            if bucket > 0 and counted:
                tips = ds.createVariable(f"I_{name}", "i4", ("Time", "south_north", "west_east"))
                tips.description, tips.units = f"BUCKET FOR {name}", ""
                tips[:] = np.floor_divide(totals, bucket).astype(np.int32)
            totals = np.mod(totals, bucket) if bucket > 0 else totals
        days = pd.date_range(start, periods=n_steps, freq="D")
        xtime = ds.createVariable("XTIME", "f4", ("Time",))
        xtime.units = "minutes since 2005-01-01 00:00:00"
        xtime.description = "minutes since 2005-01-01 00:00:00"
        xtime[:] = (days - pd.Timestamp("2005-01-01")).total_seconds().values / 60
        lat, lon = np.meshgrid(40.0 + np.arange(ny), -100.0 + np.arange(nx), indexing="ij")
        for coordinate, values, units in (("XLAT", lat, "degree_north"), ("XLONG", lon, "degree_east")):
            v = ds.createVariable(coordinate, "f4", ("Time", "south_north", "west_east"))
            v.units = units
            v[:] = np.broadcast_to(values, totals.shape)
        t2 = ds.createVariable("T2", "f4", ("Time", "south_north", "west_east"))
        t2.units, t2.description, t2.coordinates = "K", "TEMP at 2 M", "XLONG XLAT XTIME"
        t2[:] = 280.0 + np.arange(totals.size).reshape(totals.shape) % 7
        rain = ds.createVariable(name, "f4", ("Time", "south_north", "west_east"))
        rain.units, rain.coordinates = "mm", "XLONG XLAT XTIME"
        if description:
            rain.description = description
        if long_name:
            rain.long_name = long_name
        rain[:] = totals


#: A month of WRF's daily totals (31 steps): rain on most days, none on some (every cell keeps its total).
_MONTH = np.cumsum([0.0, 1.0, 0.5, 2.5, 0.0, 0.5, 3.0, 1.0, 0.0, 0.0, 2.0, 1.5, 0.5, 4.0, 0.0, 1.0, 0.5, 0.5, 2.0,
                    0.0, 3.5, 1.0, 0.0, 0.5, 1.0, 2.0, 0.0, 0.5, 1.5, 0.5, 1.0]).tolist()


def _totals(steps: list[float], ny: int = 2, nx: int = 3) -> np.ndarray:
    """Totals of cell (j, i) = steps × (1 + j·nx + i): every cell grows by its own factor."""
    factor = 1.0 + np.arange(ny * nx).reshape(ny, nx)
    return np.asarray(steps, dtype=np.float32)[:, None, None] * factor


@pytest.mark.parametrize(("attrs", "said"), [
    pytest.param({"description": _WRF_RAIN, "units": "mm"}, True, id="WRF-RAINNC"),
    pytest.param({"description": "ACCUMULATED SNOW", "units": "kg m-2"}, True, id="WRF-ACSNOW"),
    pytest.param({"long_name": "Precipitation accumulated since the start of the simulation"}, True,
                 id="since-the-start-of-the-simulation"),
    pytest.param({"long_name": "total precipitation from model start"}, True, id="from-model-start"),
    # GPM IMERG's daily product and totals over a window of their own: not since a start
    pytest.param({"long_name": "Daily accumulated precipitation (combined microwave-IR) estimate"}, False,
                 id="IMERG-daily"),
    pytest.param({"long_name": "Accumulated precipitation over the last 6 hours"}, False, id="over-a-window"),
    pytest.param({"long_name": "24-hour accumulated precipitation"}, False, id="24-hour"),
    pytest.param({"long_name": "Total precipitation"}, False, id="ERA5-tp"),
    pytest.param({"description": "TEMP at 2 M"}, False, id="WRF-T2"),
])
def test_running_total_reason_by_words(attrs, said):
    dataset = xr.Dataset({"v": (("time", "x"), np.zeros((3, 2)), attrs)},
                         coords={"time": pd.date_range("2005-01-01", periods=3, freq="D")})
    assert (running_total_reason("v", dataset["v"], dataset) is not None) is said


def _with_bounds(lower: list[str], upper: list[str], cell_methods: str, description: str = "") -> xr.Dataset:
    times = pd.to_datetime(upper)
    attrs = {"cell_methods": cell_methods, **({"description": description} if description else {})}
    dataset = xr.Dataset({"pr": (("time", "x"), np.zeros((len(upper), 2)), attrs),
                          "time_bnds": (("time", "bnds"), np.stack([pd.to_datetime(lower), times], -1))},
                         coords={"time": times})
    dataset["time"].attrs["bounds"] = "time_bnds"
    return dataset


def test_cf_sum_from_one_start_is_a_running_total():
    """CF 7.1/7.3: "time: sum" over bounds that all begin at 2005-01-01 is the total since then."""
    dataset = _with_bounds(["2005-01-01"] * 3, ["2005-01-02", "2005-01-03", "2005-01-04"], "time: sum")
    assert "all begin at one time" in running_total_reason("pr", dataset["pr"], dataset)


def test_cf_sum_over_moving_bounds_is_each_steps_amount_whatever_its_words():
    """The copies the advice writes keep WRF's description, but their cell_methods and bounds say each step's own."""
    dataset = _with_bounds(["2005-01-01", "2005-01-02", "2005-01-03"], ["2005-01-02", "2005-01-03", "2005-01-04"],
                           "time: sum", description=_WRF_RAIN)
    assert running_total_reason("pr", dataset["pr"], dataset) is None


def test_counts_by_step_are_hand_counted():
    # 2 cells over 4 steps: cell 0 is 0, 1, 1, 3; cell 1 is 5, 4, 4, 6 (falls once, from step 0 to 1)
    block = np.array([[0.0, 5.0], [1.0, 4.0], [1.0, 4.0], [3.0, 6.0]])
    np.testing.assert_array_equal(_falls_and_grows(block, 0), [[0, 1, 0, 0],   # falling
                                                               [0, 2, 2, 2],   # compared
                                                               [0, 1, 0, 2],   # growing
                                                               [0, 0, 0, 0]])  # negative


def _dry_place_rain(rng: np.random.Generator, n_stations: int, n_days: int = 2190) -> np.ndarray:
    """Daily rain (mm) at ``n_stations`` of a semi-arid place, wet on 15 % of the days (GHCN-Daily PRCP)."""
    shape = (n_days, n_stations)
    return np.where(rng.random(shape) < 0.15, np.round(rng.gamma(0.8, 6.0, shape), 1), 0.0)


@pytest.mark.parametrize(("values", "total"), [
    pytest.param(np.cumsum(np.ones((10, 4)), axis=0), True, id="growing-total"),
    # a total restarted at 0 once (a new simulation): one step of eleven where every cell falls
    pytest.param(np.concatenate([np.cumsum(np.ones((6, 4)), 0), np.cumsum(np.ones((6, 4)), 0) - 1]), True,
                 id="restarted-once"),
    # break38c R3: too few steps to tell a total from rain that grows by chance (1/6! for 6 values of one cell) ...
    pytest.param(np.array([[0.2], [1.1], [2.5], [4.0], [6.2], [8.0]]), False, id="one-station-six-days"),
    pytest.param(np.cumsum(np.ones((6, 50)), axis=0), False, id="six-steps-of-many-cells"),
    # ... or one cell dry for 9 days, then wet: never falls, grows once
    pytest.param(np.array([[0.0]] * 9 + [[1.2]]), False, id="dry-then-wet"),
    # a cell's 10 values that grow at each of 9 steps: 1/10! by chance
    pytest.param(np.cumsum(np.ones((10, 1)), axis=0), True, id="one-cell-ten-steps"),
    # daily rain: some cells fall between every pair of steps
    pytest.param(np.random.default_rng(0).gamma(0.5, 2.0, (30, 40)), False, id="daily-rain"),
    # a dry field (no value grows) and a total with a negative value
    pytest.param(np.zeros((6, 4)), False, id="dry"),
    pytest.param(np.cumsum(np.ones((6, 4)), axis=0) - 2.0, False, id="negative"),
    # a total that restarts at every other step is no total
    pytest.param(np.tile([[0.0], [1.0]], (4, 3)), False, id="restarts-too-often"),
    # break46d A1: daily rain at one station (two), wet on 15 % of the days: it falls after each wet day, on fewer
    # than a quarter of the days, and rises as often
    pytest.param(_dry_place_rain(np.random.default_rng(5), 1), False, id="one-station-daily-rain"),
    pytest.param(_dry_place_rain(np.random.default_rng(6), 2), False, id="two-stations-daily-rain"),
])
def test_grows_without_falling(values, total):
    assert grows_without_falling(_falls_and_grows(values, 0)) is total


def test_wrf_folder_refused_and_the_line_writes_each_steps_amount(tmp_path, monkeypatch):
    """break38a A1: wrfout RAINNC (running totals) trained as the rain of each step, exit 0. The
    second file begins a new simulation (its total restarts at 0, its SIMULATION_START_DATE its
    own): differenced per file, each amount is its own file's."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "wrf").mkdir()
    first, second = "wrf/wrfout_d01_2005-01-01_00:00:00", "wrf/wrfout_d01_2005-01-05_00:00:00"
    _wrfout(first, "2005-01-01", _totals([0.0, 1.0, 4.0, 6.0]))
    _wrfout(second, "2005-01-05", _totals([0.0, 2.0, 2.0, 5.0]), simulation_start="2005-01-05_00:00:00")
    dataset = open_dataset([tmp_path / first, tmp_path / second])
    with pytest.raises(ClimannError) as refused:
        warn_held_values(dataset, ["T2", "RAINNC"], where="wrf", file=None)  # a predictor, as a target
    message = str(refused.value)
    assert "RAINNC in wrfout_d01_2005-01-01_00:00:00, wrfout_d01_2005-01-05_00:00:00 is a total accumulated" in message
    assert f"its description '{_WRF_RAIN}'" in message
    assert "then give --data 'wrf/step_amounts/*' in place of the files given" in message
    loop = next(part for part in message.split("`") if part.startswith("mkdir -p "))
    path = shell_path()  # the printed `python`
    subprocess.run(["bash", "-c", loop], check=True, capture_output=True, cwd=tmp_path, env={**os.environ, "PATH": path})
    factor = 1.0 + np.arange(6).reshape(2, 3)
    expected = {first: ([1.0, 3.0, 2.0], [0, 1440, 2880, 4320]), second: ([2.0, 0.0, 3.0], [5760, 7200, 8640, 10080])}
    for name, (amounts, minutes) in expected.items():
        with xr.open_dataset(tmp_path / "wrf" / "step_amounts" / name.split("/")[1], decode_times=False) as copy:
            np.testing.assert_array_equal(copy["RAINNC"].values, np.asarray(amounts)[:, None, None] * factor)
            np.testing.assert_array_equal(copy["XTIME_bnds"].values, np.stack([minutes[:-1], minutes[1:]], -1))
            assert copy["RAINNC"].attrs["cell_methods"] == "time: sum"
            np.testing.assert_array_equal(copy["T2"].values.shape, (3, 2, 3))
    copies = sorted((tmp_path / "wrf" / "step_amounts").iterdir())
    warn_held_values(open_dataset(copies), ["T2", "RAINNC"], where="copies", file=None)  # read as it is: no refusal


def test_totals_said_by_their_values_alone(tmp_path):
    """No word says it, but 'pr' never falls over a month of days and grows at every cell: a running total."""
    path = tmp_path / "pr_total.nc"
    _wrfout(path, "2005-01-01", _totals(_MONTH), description="", name="pr",
            long_name="precipitation")
    with pytest.raises(ClimannError, match=r"pr in pr_total.nc is a total .*its values: never negative"):
        warn_held_values(open_dataset([path]), ["pr"], where="pr_total.nc", file=path)


def test_rain_of_each_step_is_not_refused(tmp_path):
    """The same file's amounts of each step (rain falls somewhere and stops elsewhere) train as they are."""
    path = tmp_path / "pr_daily.nc"
    rain = np.random.default_rng(1).gamma(0.5, 2.0, (10, 2, 3)).astype(np.float32)
    _wrfout(path, "2005-01-01", rain, description="", name="pr", long_name="precipitation")
    warn_held_values(open_dataset([path]), ["pr"], where="pr_daily.nc", file=path)


def test_train_refuses_wrf_totals_as_target(tmp_path, capfd, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _wrfout(tmp_path / "wrfout_d01_2005-01-01_00:00:00", "2005-01-01", _totals(np.arange(40.0).tolist()))
    result = run_main("train", "--data", "wrfout_d01_2005-01-01_00:00:00", "--target", "RAINNC", "--predictors", "T2",
                      "--epochs", "1", "--out", "run", capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 2, result.stderr
    assert "RAINNC in wrfout_d01_2005-01-01_00:00:00 is a total accumulated since a start" in result.stderr
    assert not (tmp_path / "run").exists()


def test_wrf_totals_left_out_of_the_default_predictors(tmp_path):
    """break38a A1: `climann info` made RAINNC a default predictor of T2; it is left out, said in a note."""
    _wrfout(tmp_path / "wrfout_d01_2005-01-01_00:00:00", "2005-01-01", _totals(np.arange(40.0).tolist()))
    chosen = default_inputs(open_dataset([tmp_path / "wrfout_d01_2005-01-01_00:00:00"]), "T2")
    assert "RAINNC" not in chosen.predictors
    assert chosen.running_totals == {"RAINNC": f"its description '{_WRF_RAIN}'"}
    assert any(note.startswith("left out of the default predictors: totals accumulated since a start")
               for note in chosen.notes("T2"))


def test_files_of_one_step_each_are_differenced_across(tmp_path, monkeypatch):
    """WRF with frames_per_outfile = 1 (an hourly wrfout each): differenced per file, no step would be left.
    Across the files in time order instead; the fall at the new simulation's start (3 → 0) is left missing."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "wrf").mkdir()
    steps = [0.0, 1.0, 3.0, 0.0, 2.0]  # a new simulation at the 4th step
    files = [f"wrf/wrfout_d01_2005-01-0{day + 1}_00:00:00" for day in range(5)]
    for day, (name, total) in enumerate(zip(files, steps, strict=True)):
        _wrfout(name, f"2005-01-0{day + 1}", _totals([total]))
    with pytest.raises(ClimannError) as refused:
        warn_held_values(open_dataset([tmp_path / name for name in reversed(files)]), ["RAINNC"], where="wrf",
                         file=None)
    message = str(refused.value)
    assert "then give --data wrf/step_amounts/step_amounts.nc in place of the files given" in message
    command = next(part for part in message.split("`") if part.startswith("mkdir -p "))
    assert command.endswith(" wrf/wrfout_d01_2005-01-0*")  # a glob, not every file listed
    path = shell_path()  # the printed `python`
    subprocess.run(["bash", "-c", command], check=True, capture_output=True, cwd=tmp_path,
                   env={**os.environ, "PATH": path})
    factor = 1.0 + np.arange(6).reshape(2, 3)
    with xr.open_dataset(tmp_path / "wrf" / "step_amounts" / "step_amounts.nc", decode_times=False) as copy:
        np.testing.assert_array_equal(copy["RAINNC"].values,
                                      np.array([1.0, 2.0, np.nan, 2.0])[:, None, None] * factor)
        minutes = np.arange(5) * 1440.0
        np.testing.assert_array_equal(copy["XTIME_bnds"].values, np.stack([minutes[:-1], minutes[1:]], -1))
    # fix51j: followed again, `o.to_netcdf(sys.argv[1])` replaced the file there; now kept, the line says so
    assert_left_as_it_is(tmp_path / "wrf" / "step_amounts" / "step_amounts.nc",
                         lambda: subprocess.run(["bash", "-c", command], capture_output=True, text=True, cwd=tmp_path,
                                                env={**os.environ, "PATH": path}), tmp_path / files[0])


@pytest.mark.parametrize(("units", "cell_methods"), [
    pytest.param("mm/h", "", id="a-rate-is-no-total"),
    pytest.param("mm", "time: mean", id="cf-says-a-mean-over-its-cell"),
])
def test_values_that_grow_are_no_total_where_units_or_cf_say_what_they_are(tmp_path, units, cell_methods):
    """A rain rate that rises over a storm's steps, or values CF calls means over their cells, are read as they are."""
    path = tmp_path / "pr_rising.nc"
    _wrfout(path, "2005-01-01", _totals(_MONTH), description="", name="pr",
            long_name="precipitation")
    with netCDF4.Dataset(path, "a") as ds:
        ds["pr"].units = units
        if cell_methods:
            ds["pr"].cell_methods = cell_methods
    warn_held_values(open_dataset([path]), ["pr"], where="pr_rising.nc", file=path)


def _run_printed(command: str, cwd) -> None:
    path = shell_path()  # the printed `python`
    subprocess.run(["bash", "-c", command], check=True, capture_output=True, cwd=cwd, env={**os.environ, "PATH": path})


def test_wrf_bucket_tips_added_to_each_files_amounts(tmp_path, monkeypatch):
    """fix38i: with bucket_mm = 10, RAINNC drops by 10 at each tip and I_RAINNC counts it; the printed line
    differenced RAINNC alone: a step of 8 mm across a tip became -2 mm. The whole total is RAINNC + I_RAINNC × 10."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "wrf").mkdir()
    first, second = "wrf/wrfout_d01_2005-01-01_00:00:00", "wrf/wrfout_d01_2005-01-05_00:00:00"
    _wrfout(first, "2005-01-01", _totals([0.0, 1.0, 4.0, 6.0]), bucket=10.0)   # cells pass 10 mm: tips
    _wrfout(second, "2005-01-05", _totals([6.0, 8.0, 8.5, 11.0]), bucket=10.0)  # a restart run continues it
    with xr.open_dataset(tmp_path / first) as stored:
        assert (stored["I_RAINNC"].values > 0).any() and (stored["RAINNC"].diff("Time").values < 0).any()
    with pytest.raises(ClimannError) as refused:
        warn_held_values(open_dataset([tmp_path / first, tmp_path / second]), ["RAINNC"], where="wrf", file=None)
    message = str(refused.value)
    assert "RAINNC + I_RAINNC x BUCKET_MM of each file" in message
    _run_printed(next(part for part in message.split("`") if part.startswith("mkdir -p ")), tmp_path)
    factor = 1.0 + np.arange(6).reshape(2, 3)
    # the restart run's first day differenced from the first file's last (break46a A6): 6 to 6, no rain
    for name, amounts in ((first, [1.0, 3.0, 2.0]), (second, [0.0, 2.0, 0.5, 2.5])):
        with xr.open_dataset(tmp_path / "wrf" / "step_amounts" / name.split("/")[1], decode_times=False) as copy:
            np.testing.assert_allclose(copy["RAINNC"].values, np.asarray(amounts)[:, None, None] * factor, rtol=1e-6)


def test_wrf_bucket_tips_added_across_files_of_one_step(tmp_path, monkeypatch):
    """One step a file (frames_per_outfile = 1) with bucket_mm = 5: each step's amount, tips or not."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "wrf").mkdir()
    steps = [0.0, 1.0, 3.0, 4.0, 6.0]
    files = [f"wrf/wrfout_d01_2005-01-0{day + 1}_00:00:00" for day in range(5)]
    for day, (name, total) in enumerate(zip(files, steps, strict=True)):
        _wrfout(name, f"2005-01-0{day + 1}", _totals([total]), bucket=5.0)
    with pytest.raises(ClimannError) as refused:
        warn_held_values(open_dataset([tmp_path / name for name in files]), ["RAINNC"], where="wrf", file=None)
    _run_printed(next(part for part in str(refused.value).split("`") if part.startswith("mkdir -p ")), tmp_path)
    factor = 1.0 + np.arange(6).reshape(2, 3)
    with xr.open_dataset(tmp_path / "wrf" / "step_amounts" / "step_amounts.nc", decode_times=False) as copy:
        np.testing.assert_allclose(copy["RAINNC"].values, np.diff(steps)[:, None, None] * factor, rtol=1e-6)


@pytest.mark.parametrize(("bucket", "counted", "said"), [
    pytest.param(10.0, False, "counts the resets in I_RAINNC, which the files do not hold", id="bucket-no-counter"),
    pytest.param(None, True, "I_RAINNC counts the times WRF's bucket reset RAINNC (namelist bucket_mm), but the "
                             "files do not say the bucket's size", id="counter-no-bucket-size"),
])
def test_wrf_totals_that_cannot_be_made_whole_are_refused_without_a_line(tmp_path, bucket, counted, said):
    """A bucket without its counters, or counters without the bucket's size: no line that would write wrong amounts."""
    path = tmp_path / "wrfout_d01_2005-01-01_00:00:00"
    _wrfout(path, "2005-01-01", _totals([0.0, 4.0, 12.0, 15.0]), bucket=bucket if bucket else 10.0, counted=counted)
    if bucket is None:  # a conversion that dropped the global attribute
        with netCDF4.Dataset(path, "a") as ds:
            ds.delncattr("BUCKET_MM")
    with pytest.raises(ClimannError) as refused:
        warn_held_values(open_dataset([path]), ["RAINNC"], where=path.name, file=path)
    assert said in str(refused.value)
    assert "mkdir -p" not in str(refused.value) and "python" not in str(refused.value)



@pytest.mark.parametrize("name", [
    pytest.param(name, id=name)
    for name in ("RAINNC", "RAINC", "RAINSH", "SNOWNC", "GRAUPELNC", "HAILNC", "ACSNOW", "SFROFF", "UDROFF", "ACSNOM",
                 "TOT_PREC")
])
def test_model_totals_without_words_are_found_by_their_name_and_values(tmp_path, name):
    """rerun38 N1: wrfout RAINNC with its description deleted (units "mm" alone) trained with exit 0 (test RMSE
    1078 mm): the values rule only looked at variables whose name or words say a water amount, and WRF's names
    were not among them. Each model accumulation is now read as its amount and its values found growing."""
    path = tmp_path / "wrfout_d01_2005-01-01_00:00:00"
    _wrfout(path, "2005-01-01", _totals(_MONTH), description="", name=name)
    with pytest.raises(ClimannError) as refused:
        warn_held_values(open_dataset([path]), [name], where=path.name, file=path)
    message = str(refused.value)
    assert f"{name} in wrfout_d01_2005-01-01_00:00:00 is a total accumulated since a start" in message
    assert "its values: never negative" in message
    assert "mkdir -p " in message and ".diff(" in message  # the line that differences consecutive totals


def test_train_refuses_wrf_totals_without_description(tmp_path, capfd, monkeypatch):
    """rerun38 N1 as the tester ran it: `train --target RAINNC` on wrfout files whose RAINNC has no description."""
    monkeypatch.chdir(tmp_path)
    _wrfout(tmp_path / "wrfout_d01_2005-01-01_00:00:00", "2005-01-01", _totals(np.arange(40.0).tolist()),
            description="")
    result = run_main("train", "--data", "wrfout_d01_2005-01-01_00:00:00", "--target", "RAINNC", "--predictors", "T2",
                      "--epochs", "1", "--out", "run", capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 2, result.stderr
    assert "RAINNC in wrfout_d01_2005-01-01_00:00:00 is a total accumulated since a start" in result.stderr
    assert "step_amounts" in result.stderr
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize(("name", "attrs"), [
    pytest.param("gdd", {"units": "K d", "long_name": "growing degree days accumulated since 1 January (base 5 degC)"},
                 id="growing-degree-days-since-1-January"),
    pytest.param("sf", {"units": "mm", "standard_name": "snowfall_amount", "long_name": "Seasonal snowfall total"},
                 id="season-total-by-its-values"),
])
def test_a_total_restarting_within_a_file_leaves_the_restart_step_missing(tmp_path, monkeypatch, name, attrs):
    """break38c R1: a total that restarts within its file (growing degree days since 1 January, a season's
    snowfall since 1 September) was differenced across each restart by the printed line: -2602.2 K d at each
    1 January, trained on with exit 0. The step where it falls is left missing, as across files (RESTART_RULE)."""
    monkeypatch.chdir(tmp_path)
    totals = np.array([10.0, 12.0, 15.0, 16.0, 20.0, 4.0, 4.0, 9.0, 11.0, 14.0, 1.0, 3.0, 6.0, 7.0])  # restarts at 5, 10
    factor = np.array([1.0, 2.0, 3.0])
    times = pd.date_range("2001-12-29", periods=totals.size, freq="D")
    xr.Dataset({name: (("time", "x"), (totals[:, None] * factor).astype(np.float32), attrs)},
               coords={"time": times}).to_netcdf(tmp_path / "season.nc")
    with pytest.raises(ClimannError) as refused:
        warn_held_values(open_dataset([tmp_path / "season.nc"]), [name], where="season.nc", file=tmp_path / "season.nc")
    message = str(refused.value)
    assert "that step's amount is left missing" in message
    _run_printed(next(part for part in message.split("`") if part.startswith("mkdir -p ")), tmp_path)
    with xr.open_dataset(tmp_path / "step_amounts" / "season.nc") as copy:
        amounts = copy[name].values
    hand = np.array([2.0, 3.0, 1.0, 4.0, np.nan, 0.0, 5.0, 2.0, 3.0, np.nan, 2.0, 3.0, 1.0])[:, None] * factor
    np.testing.assert_array_equal(amounts, hand)
    assert not (amounts < 0).any()


def test_a_short_file_of_station_rain_that_grows_by_chance_is_no_total(tmp_path):
    """break38c R3: 6 days of rain at 3 stations (no cell_methods) that happen to grow (0.2, 1.1, 2.5, 4.0, 6.2,
    8.0 mm at station 1) were refused as a running total by their values: 5 steps compared are no evidence
    (1/6! for each station by chance). Read as they are, with --select station=1 as the tester did."""
    rain = np.array([[0.2, 1.0, 0.5], [1.1, 2.0, 0.9], [2.5, 3.1, 1.8], [4.0, 5.5, 2.2], [6.2, 7.0, 4.1],
                     [8.0, 9.3, 6.0]], dtype=np.float32)
    path = tmp_path / "stations.nc"
    xr.Dataset({"prcp": (("time", "station"), rain, {"units": "mm", "long_name": "precipitation"})},
               coords={"time": pd.date_range("2010-03-01", periods=6, freq="D"), "station": [1, 2, 3],
                       "lat": ("station", [45.0, 46.0, 47.0], {"units": "degrees_north"}),
                       "lon": ("station", [5.0, 6.0, 7.0], {"units": "degrees_east"})}).to_netcdf(path)
    for station in (1, 2, 3):
        warn_held_values(open_dataset([path], select={"station": str(station)}), ["prcp"], where="stations.nc",
                         file=path)


@pytest.mark.parametrize(("text", "date"), [
    pytest.param("growing degree days accumulated since 1 January (base 5 degC)", "since 1 January", id="gdd"),
    pytest.param("Snowfall accumulated since 1 September", "since 1 September", id="snow-season"),
    pytest.param("Runoff accumulated since Oct. 1", "since Oct. 1", id="month-first"),
    pytest.param("precipitation accumulated since the start of the water year", "since the start of the water year",
                 id="water-year"),
    pytest.param("rain accumulated since 1 January 1979", None, id="a-dated-start-is-one-start"),
    pytest.param("accumulated since January 19, 1979", None, id="a-dated-start-month-first"),
    pytest.param("Precipitation accumulated since the start of the simulation", None, id="simulation"),
    pytest.param(_WRF_RAIN, None, id="wrf"),
])
def test_since_a_date_of_each_year(text, date):
    assert since_a_date(xr.DataArray(0.0, attrs={"long_name": text})) == date


def test_a_seasonal_index_is_refused_in_its_own_words_and_a_simulation_s_total_in_wrf_s(tmp_path):
    """break38c R2: growing degree days accumulated since 1 January were refused in the words of a WRF run ('the
    network learns how long the run has gone'). A total since a date of each year is said to be a seasonal index
    restarting there, why it misleads the network, and that the line leaves each year's restart step missing; WRF's
    RAINNC keeps its words."""
    times = pd.date_range("2001-12-20", periods=24, freq="D")
    totals = np.cumsum(np.ones((24, 3)), axis=0)
    totals[12:] -= totals[11]  # 1 January: restarts
    xr.Dataset({"gdd": (("time", "x"), totals.astype("f4"), {"units": "K d", "long_name": "growing degree days "
                                                              "accumulated since 1 January (base 5 degC)"})},
               coords={"time": times}).to_netcdf(tmp_path / "gdd.nc")
    with pytest.raises(ClimannError) as refused:
        warn_held_values(open_dataset([tmp_path / "gdd.nc"]), ["gdd"], where="gdd.nc", file=tmp_path / "gdd.nc")
    message = str(refused.value)
    assert message.startswith("gdd in gdd.nc is a seasonal index accumulated since 1 January each year (gdd: its "
                              "long_name 'growing degree days accumulated since 1 January (base 5 degC)'): the value "
                              "at a step is the sum of every step since that date, restarted each year, not the step's "
                              "own amount; trained on, the network learns mostly how far into the season the step is")
    assert ("a total that falls from one step to the next restarted within that step (its date, each year), and that "
            "step's amount is left missing") in message
    assert "WRF" not in message and "simulation" not in message and "how long the run has gone" not in message
    _wrfout(tmp_path / "wrfout_d01_2005-01-01_00:00:00", "2005-01-01", _totals([0.0, 1.0, 3.0, 4.0, 6.0, 9.0, 9.5,
                                                                                12.0, 13.0, 15.0, 18.0]))
    with pytest.raises(ClimannError) as refused:
        warn_held_values(open_dataset([tmp_path / "wrfout_d01_2005-01-01_00:00:00"]), ["RAINNC"], where="wrfout",
                         file=None)
    assert ("is a total accumulated since a start (a simulation's, as WRF's RAINNC since SIMULATION_START_DATE)"
            in str(refused.value))
    assert "the network learns how long the run has gone" in str(refused.value)


def _water_year_totals(days, restarts, rng):
    """Daily totals on a 3 x 4 grid restarting at 0 on each date of ``restarts`` (numpy cumulative sums)."""
    rain = np.maximum(rng.normal(1.0, 3.0, (days.size, 3, 4)), 0.0)
    totals, running = np.empty_like(rain), np.zeros((3, 4))
    for step, day in enumerate(days):
        running = np.zeros((3, 4)) if day in restarts else running
        running = running + rain[step]
        totals[step] = running
    return totals


@pytest.mark.parametrize("long_name", ["Precipitation Accumulation", "Water year to date precipitation"])
def test_a_total_restarting_on_one_date_each_year_is_refused_as_a_seasonal_total_from_that_date(tmp_path, long_name):
    """SNOTEL's PREC ("Precipitation Accumulation", mm: the water year's total since 1 October), found by its values,
    was refused in a simulation's words ('as WRF's RAINNC ... the network learns how long the run has gone',
    rerun39 N3): its values restart on 1 October of each year (numpy: the total falls at steps 365, 730, 1095 of
    daily data from 2000-10-01), which the refusal names. "Water year to date" is read as such words."""
    days = pd.date_range("2000-10-01", "2003-12-31", freq="D")
    totals = _water_year_totals(days, {pd.Timestamp(f"{year}-10-01") for year in (2001, 2002, 2003)},
                                np.random.default_rng(8))
    falls = np.flatnonzero((np.diff(totals, axis=0) < 0).any(axis=(1, 2))) + 1
    assert [str(days[step].date()) for step in falls] == ["2001-10-01", "2002-10-01", "2003-10-01"]
    xr.Dataset({"PREC": (("time", "lat", "lon"), totals.astype("f4"), {"units": "mm", "long_name": long_name})},
               coords={"time": days, "lat": [40.0, 41.0, 42.0], "lon": [-110.0, -109.0, -108.0, -107.0]},
               ).to_netcdf(tmp_path / "snotel.nc")
    with pytest.raises(ClimannError) as refused:
        warn_held_values(open_dataset([tmp_path / "snotel.nc"]), ["PREC"], where="snotel.nc",
                         file=tmp_path / "snotel.nc")
    message = str(refused.value)
    date = "since 1 October" if long_name.startswith("Precipitation") else "since the start of the water year"
    assert message.startswith(f"PREC in snotel.nc is a seasonal index accumulated {date} each year (PREC: its ")
    if long_name.startswith("Precipitation"):
        assert ("PREC: its values: never negative, and within each file they fall only on 1 October each year, and "
                "grow between") in message
    assert "(its date, each year), and that step's amount is left missing" in message
    assert "WRF" not in message and "simulation" not in message and "how long the run has gone" not in message


def test_a_total_restarting_on_different_dates_keeps_the_words_of_a_simulation(tmp_path):
    """Restarts on 1 October, 15 March and 20 July (new simulations, no date of each year): a total since a start."""
    days = pd.date_range("2000-10-01", "2003-12-31", freq="D")
    restarts = {pd.Timestamp(day) for day in ("2001-10-01", "2002-03-15", "2003-07-20")}
    totals = _water_year_totals(days, restarts, np.random.default_rng(8))
    xr.Dataset({"PREC": (("time", "lat", "lon"), totals.astype("f4"),
                         {"units": "mm", "long_name": "Precipitation Accumulation"})},
               coords={"time": days, "lat": [40.0, 41.0, 42.0], "lon": [-110.0, -109.0, -108.0, -107.0]},
               ).to_netcdf(tmp_path / "runs.nc")
    with pytest.raises(ClimannError) as refused:
        warn_held_values(open_dataset([tmp_path / "runs.nc"]), ["PREC"], where="runs.nc", file=tmp_path / "runs.nc")
    assert "a total accumulated since a start (a simulation's" in str(refused.value)
    assert "seasonal" not in str(refused.value)


def test_a_cumulative_index_without_a_date_is_refused_in_words_that_name_no_simulation(tmp_path):
    """rerun39 (R2): "Cumulative growing degree days" (K d, restarting each 1 January) trained without a word: a
    long name that begins with "Cumulative" says a running total as WRF's "ACCUMULATED" does. Neither its words nor
    (read by words, not by values) its values date the start: the refusal names a simulation's or a season's total,
    not WRF's run alone."""
    times = pd.date_range("2001-12-20", periods=24, freq="D")
    totals = np.cumsum(np.ones((24, 3)), axis=0)
    totals[12:] -= totals[11]  # 1 January: restarts
    xr.Dataset({"cgdd": (("time", "x"), totals.astype("f4"), {"units": "K d",
                                                               "long_name": "Cumulative growing degree days"})},
               coords={"time": times}).to_netcdf(tmp_path / "cgdd.nc")
    with pytest.raises(ClimannError) as refused:
        warn_held_values(open_dataset([tmp_path / "cgdd.nc"]), ["cgdd"], where="cgdd.nc", file=tmp_path / "cgdd.nc")
    message = str(refused.value)
    assert message.startswith("cgdd in cgdd.nc is a total accumulated since a start (a simulation's or a season's: "
                              "neither its words nor its values give the date), not the amount of each time step "
                              "(cgdd: its long_name 'Cumulative growing degree days')")
    assert "WRF" not in message and "how long the run has gone" not in message
    assert RESTART_RULE in message


#: Three years of days on a 3 x 4 grid, and each day's mean temperature (degC): a seasonal cycle, colder to the north.
_DAYS = pd.date_range("2001-01-01", "2003-12-31", freq="D")


def _daily_temperature(rng: np.random.Generator, *, noise: float = 3.0) -> np.ndarray:
    """(days, 3, 4) degC: 10 degC mean, 12 degC seasonal amplitude peaking in July, 4 degC colder a row north."""
    season = 10.0 - 12.0 * np.cos(2 * np.pi * (_DAYS.day_of_year.values - 15) / 365.0)
    rows = -4.0 * np.arange(3)[:, None] * np.ones((3, 4))
    return season[:, None, None] + rows + rng.normal(0.0, noise, (_DAYS.size, 3, 4))


def _degree_days(rng: np.random.Generator, *, noise: float = 3.0) -> np.ndarray:
    """Each day's growing degree days over a 5 degC base: max(T - 5, 0) (McMaster and Wilhelm 1997, method 1)."""
    return np.maximum(_daily_temperature(rng, noise=noise) - 5.0, 0.0)


def _chilling_hours(rng: np.random.Generator) -> np.ndarray:
    """Each day's chilling hours (0 to 24 h between 0 and 7.2 degC), more where the day's mean is near 3.6 degC."""
    return np.clip(24.0 - 4.0 * np.abs(_daily_temperature(rng) - 3.6), 0.0, 24.0)


def _restarting_sums(daily: np.ndarray, month: int, day: int) -> np.ndarray:
    """numpy's cumulative sums of ``daily`` over _DAYS, restarted at each ``month``/``day``."""
    season = np.cumsum((_DAYS.month == month) & (_DAYS.day == day))
    totals = np.empty_like(daily)
    for number in np.unique(season):
        steps = season == number
        totals[steps] = np.cumsum(daily[steps], axis=0)
    return totals


def _grid_file(path, name: str, values: np.ndarray, attrs: dict) -> None:
    xr.Dataset({name: (("time", "lat", "lon"), values.astype("f4"), attrs),
                "tas": (("time", "lat", "lon"), (_daily_temperature(np.random.default_rng(3)) + 273.15).astype("f4"),
                        {"units": "K", "standard_name": "air_temperature"})},
               coords={"time": _DAYS, "lat": [50.0, 51.0, 52.0], "lon": [5.0, 6.0, 7.0, 8.0]}).to_netcdf(path)


def _refusal_of(path, name: str) -> str:
    with pytest.raises(ClimannError) as refused:
        warn_held_values(open_dataset([path]), [name], where=path.name, file=path)
    return str(refused.value)


@pytest.mark.parametrize(("name", "attrs", "daily", "date"), [
    pytest.param("gdd", {"units": "K d", "long_name": "Growing degree days"}, _degree_days, (1, 1),
                 id="growing-degree-days-K-d"),
    pytest.param("index", {"units": "°C days"}, _degree_days, (1, 1), id="units-alone-degC-days"),
    # UDUNITS' degree_C in a product, no long_name: read as "cannot read the units" and trained on (rerun40 R1)
    pytest.param("thermal", {"units": "degree_C days"}, _degree_days, (1, 1), id="units-alone-degree_C-days"),
    pytest.param("thermal", {"units": "degree_C day"}, _degree_days, (1, 1), id="units-alone-degree_C-day"),
    pytest.param("thermal", {"units": "degrees_C days"}, _degree_days, (1, 1), id="units-alone-degrees_C-days"),
    pytest.param("dd5", {"units": "degree_day", "long_name": "degree days above 5 degC"}, _degree_days, (1, 1),
                 id="degree-days-units-degree_day"),
    pytest.param("heat", {"units": "degC d", "long_name": "heat units"}, _degree_days, (4, 1), id="heat-units-1-April"),
    pytest.param("chill", {"units": "hours", "long_name": "Chilling hours"}, _chilling_hours, (10, 1),
                 id="chilling-hours-1-October"),
])
def test_thermal_time_totals_restarting_each_year_are_refused_with_their_date_and_differenced(
        tmp_path, monkeypatch, name, attrs, daily, date):
    """fix40b: a plain "Growing degree days" (K d) or "Chilling hours" running total, restarting each year, trained
    without a word: the values rule read water amounts only. Found by its values (it falls only on its date each
    year, numpy: 2 restarts in 3 years), it is refused as the seasonal index it is, naming the date; the printed
    line writes each day's amount, equal to numpy's np.diff of the totals with each restart step left missing."""
    monkeypatch.chdir(tmp_path)
    totals = _restarting_sums(daily(np.random.default_rng(5)), *date).astype("f4")
    month = pd.Timestamp(2001, date[0], 1).month_name()
    falls = np.flatnonzero((np.diff(totals, axis=0) < 0).any(axis=(1, 2))) + 1
    assert [str(_DAYS[step].date()) for step in falls] == [f"{year}-{date[0]:02d}-01" for year in (2001, 2002, 2003)
                                                            if (year, date[0]) != (2001, 1)]
    _grid_file(tmp_path / "index.nc", name, totals, attrs)
    message = _refusal_of(tmp_path / "index.nc", name)
    assert message.startswith(f"{name} in index.nc is a seasonal index accumulated since 1 {month} each year ({name}: "
                              f"its values: never negative, and within each file they fall only on 1 {month} each "
                              f"year, and grow between)")
    assert "WRF" not in message and "simulation" not in message
    _run_printed(next(part for part in message.split("`") if part.startswith("mkdir -p ")), tmp_path)
    with xr.open_dataset(tmp_path / "step_amounts" / "index.nc") as copy:
        amounts = copy[name].values
    expected = np.diff(totals, axis=0)
    restarts = falls - 1  # the differences across a restart: every cell that falls there is left missing
    expected[restarts] = np.where(expected[restarts] < 0, np.nan, expected[restarts])
    np.testing.assert_array_equal(amounts, expected)
    assert np.isnan(amounts[restarts]).any() and not np.isnan(np.delete(amounts, restarts, axis=0)).any()


@pytest.mark.parametrize(("name", "attrs", "values", "total_attrs"), [
    # each day's degree days, not cumulated: they fall between most days somewhere
    pytest.param("gdd", {"units": "K d", "long_name": "Growing degree days"},
                 lambda: _degree_days(np.random.default_rng(5)), None, id="daily-degree-days"),
    # a smooth seasonal cycle of each day's degree days: it rises to July, then falls every day until winter
    pytest.param("gdd", {"units": "K d", "long_name": "Growing degree days"},
                 lambda: _degree_days(np.random.default_rng(5), noise=0.0), None, id="seasonal-cycle"),
    # a temperature that rises all year and falls back each 1 January, as a total since then would: a temperature
    # is no total; the same values in K d, degree days, are
    pytest.param("ta", {"units": "K", "long_name": "Air temperature"},
                 lambda: 250.0 + 0.1 * np.broadcast_to(_DAYS.day_of_year.values[:, None, None], (_DAYS.size, 3, 4)),
                 {"units": "K d", "long_name": "Growing degree days"}, id="temperature-rising-each-year"),
])
def test_values_that_are_no_thermal_time_total_are_read_as_they_are(tmp_path, name, attrs, values, total_attrs):
    """fix40b's values rule on thermal time, without false alarms: each day's growing degree days (noisy, or a smooth
    seasonal cycle that rises then falls) and a temperature are read as they are; the totals of the same daily values
    restarting each 1 January (numpy cumulative sums), or the same values said to be degree days, are refused."""
    daily = np.asarray(values(), dtype=np.float64)
    _grid_file(tmp_path / "daily.nc", name, daily, attrs)
    warn_held_values(open_dataset([tmp_path / "daily.nc"]), [name], where="daily.nc", file=tmp_path / "daily.nc")
    totals = daily if total_attrs else _restarting_sums(daily, 1, 1)
    _grid_file(tmp_path / "totals.nc", name, totals, total_attrs or attrs)
    assert _refusal_of(tmp_path / "totals.nc", name).startswith(
        f"{name} in totals.nc is a seasonal index accumulated since 1 January each year")


@pytest.mark.parametrize(("name", "attrs", "daily", "date"), [
    pytest.param("cgdd", {"units": "K d", "long_name": "Cumulative growing degree days"}, _degree_days, (1, 1),
                 id="cumulative-growing-degree-days"),
    pytest.param("acpr", {"units": "mm", "long_name": "Accumulated precipitation"},
                 lambda rng: np.maximum(rng.normal(1.0, 3.0, (_DAYS.size, 3, 4)), 0.0), (10, 1),
                 id="accumulated-precipitation-water-year"),
])
def test_a_total_said_by_its_words_is_refused_with_the_date_its_values_restart_on(tmp_path, name, attrs, daily, date):
    """fix40b: a total found by its words ("Cumulative ...", "Accumulated ...") was refused before its values were
    read, as "a simulation's or a season's: neither its words nor its values give the date", though its values
    restart on one date each year (numpy: every cell falls there, and nowhere else). Its values are now read for
    that date, which the refusal names, as for a total found by its values."""
    totals = _restarting_sums(daily(np.random.default_rng(6)), *date)
    month = pd.Timestamp(2001, date[0], 1).month_name()
    falls = np.flatnonzero((np.diff(totals, axis=0) < 0).any(axis=(1, 2))) + 1
    assert {(_DAYS[step].month, _DAYS[step].day) for step in falls} == {date} and falls.size >= 2
    _grid_file(tmp_path / "index.nc", name, totals, attrs)
    message = _refusal_of(tmp_path / "index.nc", name)
    assert message.startswith(f"{name} in index.nc is a seasonal index accumulated since 1 {month} each year ({name}: "
                              f"its long_name '{attrs['long_name']}', and within each file its values fall only on "
                              f"1 {month} each year)")
    assert "(its date, each year), and that step's amount is left missing" in message
    assert "simulation" not in message and "neither its words nor its values give the date" not in message


def _wrf_energy(path, name: str, totals: np.ndarray, *, bucket_j: float | None = None) -> None:
    """A wrfout file whose ``name`` (J m-2) is WRF's total of energy with its description deleted (a copy made
    with ``ncatted -a description,,d,,``); with ``bucket_j``, BUCKET_J and I_ + ``name`` as WRF's bucket_J leaves
    them, and BUCKET_MM = 100 (the water bucket, which does not apply)."""
    _wrfout(path, "2005-01-01", totals, description="", name=name)
    with netCDF4.Dataset(path, "a") as ds:
        ds[name].units = "J m-2"
        if bucket_j is not None:
            ds.BUCKET_J, ds.BUCKET_MM = np.float32(bucket_j), np.float32(100.0)
            tips = ds.createVariable(f"I_{name}", "i4", ("Time", "south_north", "west_east"))
            tips.description, tips.units = f"BUCKET FOR {name}", ""
            tips[:] = np.floor_divide(totals, bucket_j).astype(np.int32)
            ds[name][:] = np.mod(totals, bucket_j)


def test_a_wrf_radiation_total_without_words_is_refused_and_made_whole_by_its_energy_bucket(tmp_path, monkeypatch):
    """fix40c: WRF's ACSWDNB (accumulated downwelling shortwave at the bottom, J m-2) with its description deleted
    was trained on with no word (only water amounts were looked at), and with its description its bucket line added
    I_ACSWDNB x BUCKET_MM (100, the rain's bucket) where WRF's bucket_J resets it (BUCKET_J = 1e7 J m-2). Now its
    name says it, and the printed line, run as printed, writes numpy's differences of the whole totals."""
    monkeypatch.chdir(tmp_path)
    whole = _totals([step * 2.0e6 for step in _MONTH])  # up to 8.6e7 J m-2: 8 tips of 1e7 at the largest cell
    path = "wrfout_d01_2005-01-01_00:00:00"
    _wrf_energy(path, "ACSWDNB", whole, bucket_j=1.0e7)
    with pytest.raises(ClimannError) as refused:
        warn_held_values(open_dataset([tmp_path / path]), ["ACSWDNB"], where=path, file=tmp_path / path)
    message = str(refused.value)
    assert "ACSWDNB: its name, ACSWDNB: WRF's total since SIMULATION_START_DATE" in message
    assert "ACSWDNB + I_ACSWDNB x BUCKET_J of each file, BUCKET_J = 1e+07 J m-2" in message
    _run_printed(next(part for part in message.split("`") if part.startswith("mkdir -p ")), tmp_path)
    with xr.open_dataset(tmp_path / "step_amounts" / path, decode_times=False) as copy:
        np.testing.assert_allclose(copy["ACSWDNB"].values, np.diff(whole.astype(np.float64), axis=0), rtol=1e-6)
        assert copy["ACSWDNB"].attrs["cell_methods"] == "time: sum"


@pytest.mark.parametrize("with_water_bucket", [pytest.param(True, id="BUCKET_MM-too"),
                                               pytest.param(False, id="BUCKET_J-alone")])
def test_an_energy_total_with_a_counter_is_made_whole_by_the_energy_bucket(tmp_path, monkeypatch, with_water_bucket):
    """rerun40 R3: ACLHF (J m-2, not in WRF's list of bucketed totals) with I_ACLHF and BUCKET_J was refused for
    want of BUCKET_MM (namelist bucket_mm), or, with BUCKET_MM = 100 present, made whole by 100 mm tips. An energy
    total's counter counts tips of BUCKET_J: the printed line, run as printed, writes numpy's differences."""
    monkeypatch.chdir(tmp_path)
    whole = _totals([step * 2.0e6 for step in _MONTH])  # latent heat up all month, several tips of 1e7 J m-2
    path = "wrfout_d01_2005-01-01_00:00:00"
    _wrf_energy(path, "ACLHF", whole, bucket_j=1.0e7)
    if not with_water_bucket:
        with netCDF4.Dataset(path, "a") as ds:
            ds.delncattr("BUCKET_MM")
    with pytest.raises(ClimannError) as refused:
        warn_held_values(open_dataset([tmp_path / path]), ["ACLHF"], where=path, file=tmp_path / path)
    message = str(refused.value)
    assert "ACLHF + I_ACLHF x BUCKET_J of each file, BUCKET_J = 1e+07 J m-2" in message
    assert "BUCKET_MM" not in message and "bucket_mm" not in message
    _run_printed(next(part for part in message.split("`") if part.startswith("mkdir -p ")), tmp_path)
    with xr.open_dataset(tmp_path / "step_amounts" / path, decode_times=False) as copy:
        np.testing.assert_allclose(copy["ACLHF"].values, np.diff(whole.astype(np.float64), axis=0), rtol=1e-6)


def test_a_signed_flux_total_keeps_its_falls_as_amounts(tmp_path, monkeypatch):
    """WRF's ACHFX (upward sensible heat, J m-2) falls where the flux points down (night): those steps' amounts are
    negative, not restarts; the printed line keeps them (numpy's differences at every step)."""
    monkeypatch.chdir(tmp_path)
    steps = np.tile([3.0e6, -1.0e6], 15)  # day up, night down: the total falls every other step
    whole = _totals(np.concatenate([[0.0], np.cumsum(steps)]).tolist())
    path = "wrfout_d01_2005-01-01_00:00:00"
    _wrf_energy(path, "ACHFX", whole)
    with pytest.raises(ClimannError) as refused:
        warn_held_values(open_dataset([tmp_path / path]), ["ACHFX"], where=path, file=tmp_path / path)
    message = str(refused.value)
    assert "except for ACHFX, a signed flux's total" in message
    _run_printed(next(part for part in message.split("`") if part.startswith("mkdir -p ")), tmp_path)
    with xr.open_dataset(tmp_path / "step_amounts" / path, decode_times=False) as copy:
        np.testing.assert_allclose(copy["ACHFX"].values, np.diff(whole.astype(np.float64), axis=0), rtol=1e-6)


def _station(path, rng: np.random.Generator) -> xr.Dataset:
    """break46d A1: a GHCN-Daily station file of 6 years (SNWD, SNOW, PRCP in mm, TAVG), PRCP wet on 15 % of the
    days, SNOW where it is below 0 degC; no cell_methods, scalar lat and lon."""
    times = pd.date_range("2010-01-01", "2015-12-31", freq="D")
    temperature = 5 - 12 * np.cos(2 * np.pi * (times.day_of_year.values - 15) / 365.25) + rng.normal(0, 4, times.size)
    rain = _dry_place_rain(rng, 1, times.size)[:, 0]
    snow = np.where(temperature < 0, np.round(rain * 10), 0.0)
    depth = np.maximum(np.cumsum(0.8 * snow - 15 * np.maximum(temperature, 0)), 0.0)
    dataset = xr.Dataset({"SNWD": ("time", depth.astype("f4"), {"units": "mm", "long_name": "Snow depth"}),
                          "SNOW": ("time", snow.astype("f4"), {"units": "mm", "long_name": "Snowfall"}),
                          "PRCP": ("time", rain.astype("f4"), {"units": "mm", "long_name": "Precipitation"}),
                          "TAVG": ("time", temperature.astype("f4"), {"units": "degC", "long_name": "Average temperature"})},
                         coords={"time": times, "lat": ((), 45.66, {"units": "degrees_north", "standard_name": "latitude"}),
                                 "lon": ((), -111.05, {"units": "degrees_east", "standard_name": "longitude"})})
    dataset.to_netcdf(path)
    return dataset


def _era5_cell(path, rng: np.random.Generator, cell_methods: str | None) -> xr.Dataset:
    """break46d A1b: ERA5 daily total precipitation (m) at one grid cell of a dry place (wet on 12 % of the
    days), on the new CDS's valid_time, with the cell_methods given, beside its 2 m temperature."""
    times = pd.date_range("2010-01-01", "2015-12-31", freq="D")
    rain = np.where(rng.random(times.size) < 0.12, rng.gamma(0.7, 6.0, times.size), 0.0) / 1000.0
    attrs = {"units": "m", "long_name": "Total precipitation", **({"cell_methods": cell_methods} if cell_methods else {})}
    t2m = 290 - 9 * np.cos(2 * np.pi * (times.day_of_year.values - 15) / 365.25) + rng.normal(0, 2, times.size)
    dataset = xr.Dataset({"tp": ("valid_time", rain.astype("f4"), attrs),
                          "t2m": ("valid_time", t2m.astype("f4"), {"units": "K", "standard_name": "air_temperature"})},
                         coords={"valid_time": times,
                                 "latitude": ((), 33.5, {"units": "degrees_north", "standard_name": "latitude"}),
                                 "longitude": ((), -112.0, {"units": "degrees_east", "standard_name": "longitude"})})
    dataset.to_netcdf(path)
    return dataset


def _inputs_of(path, target: str, predictors: list[str]) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The run's input columns by name, as prepare_data builds them, and the steps of its samples."""
    config = build_config({"data": {"paths": [str(path)], "target": target, "predictors": predictors,
                                    "features": []}})
    data = prepare_data(resolve_inputs(config))
    names = list(data.samples.feature_names)
    return {name: data.samples.inputs[:, names.index(name)] for name in predictors}, data.samples.time_index


@pytest.mark.parametrize(("write", "target", "amounts"), [
    pytest.param(_station, "SNWD", ["PRCP", "SNOW"], id="GHCN-station-PRCP-SNOW"),
    pytest.param(lambda path, rng: _era5_cell(path, rng, None), "t2m", ["tp"], id="ERA5-cell-no-cell_methods"),
    pytest.param(lambda path, rng: _era5_cell(path, rng, "valid_time: sum"), "t2m", ["tp"],
                 id="ERA5-cell-valid_time-sum"),
])
def test_daily_amounts_at_one_place_are_trained_on_as_they_are(tmp_path, write, target, amounts):
    """break46d A1: daily rain and snowfall at one station, or one ERA5 cell, wet on a sixth of the days or
    fewer, fall after each wet day on fewer than a quarter of the days: each fall was taken for a restart, the
    amounts for a total since a start; info left them out, train refused them, and the printed differencing line
    lost 323 of 2190 values (1804.5 mm of PRCP became 1668.6). They rise as often as they fall: no total. They
    are read as they are, and each input column's sum is numpy's sum of the file's values at the samples' steps;
    'valid_time: sum' exempts tp as 'time: sum' does."""
    dataset = write(tmp_path / "place.nc", np.random.default_rng(5))
    for name in amounts:
        values = dataset[name].values
        rises, falls = int((np.diff(values) > 0).sum()), int((np.diff(values) < 0).sum())
        assert 0 < falls < 0.25 * (values.size - 1) and rises < GROWTH_PER_RESTART * falls  # the case of the fault
    warn_held_values(open_dataset([tmp_path / "place.nc"]), amounts, where="place.nc", file=tmp_path / "place.nc")
    assert set(amounts) <= set(default_inputs(open_dataset([tmp_path / "place.nc"]), target).predictors)
    columns, steps = _inputs_of(tmp_path / "place.nc", target, amounts)
    for name in amounts:
        np.testing.assert_allclose(columns[name].astype(np.float64).sum(),
                                   dataset[name].values[steps].astype(np.float64).sum(), rtol=1e-6)


def test_a_days_total_at_3_hourly_steps_of_a_dry_cell_is_told_by_its_restart_hour():
    """A total since each day's 00 UTC, at 3-hourly steps of a dry cell (wet at 8 % of the steps), grows at
    fewer than GROWTH_PER_RESTART steps per restart (numpy counts), as daily rain does; its falls all at one
    hour of the day (03 UTC) tell it, where the same amounts of each step fall at many hours."""
    times = pd.date_range("2001-01-01T03", periods=8 * 90, freq="3h")
    rng = np.random.default_rng(1)
    amounts = np.where(rng.random(times.size) < 0.08, rng.gamma(0.6, 2.0, times.size), 0.0)
    day = pd.factorize((times - pd.Timedelta(hours=1)).normalize())[0]
    totals = np.concatenate([np.cumsum(amounts[day == number]) for number in np.unique(day)])
    rises, falls = int((np.diff(totals) > 0).sum()), int((np.diff(totals) < 0).sum())
    assert falls >= MIN_PERIODIC_RESTARTS and rises < GROWTH_PER_RESTART * falls
    assert set(times[1:][np.diff(totals) < 0].hour) == {3}
    hours = times.hour.to_numpy()
    assert grows_without_falling(_falls_and_grows(totals[:, None], 0), hours=hours)
    assert not grows_without_falling(_falls_and_grows(totals[:, None], 0))  # no hours: the growth alone does not
    assert not grows_without_falling(_falls_and_grows(amounts[:, None], 0), hours=hours)
    assert len(set(times[1:][np.diff(amounts) < 0].hour)) > 1


@pytest.mark.parametrize(("cell_methods", "bounded", "refused"), [
    pytest.param("valid_time: sum", False, None, id="valid_time-sum-each-steps-own"),
    pytest.param("time: sum", False, None, id="time-sum-the-standard-name"),
    pytest.param("valid_time: sum", True, "its cell_methods 'valid_time: sum' over time bounds (valid_time_bnds) that "
                 "all begin at one time", id="valid_time-sum-from-one-start"),
    pytest.param("", False, "its values: never negative", id="no-cell_methods-its-values"),
])
def test_cell_methods_are_read_by_the_time_dimensions_own_name(tmp_path, cell_methods, bounded, refused):
    """break46d A1b: 'valid_time: sum' (CF 7.3: the time dimension's name) did not exempt a variable, the search
    for 'time:' failing after its '_'; 'time: sum' did. A month of growing totals on valid_time: each step's own
    sum by either key, a total from one start with bounds that all begin at one instant, a total by its values
    without cell_methods."""
    times = pd.date_range("2005-01-01", periods=len(_MONTH), freq="D")
    attrs = {"units": "mm", "long_name": "precipitation", **({"cell_methods": cell_methods} if cell_methods else {})}
    dataset = xr.Dataset({"pr": (("valid_time", "y", "x"), _totals(_MONTH), attrs)}, coords={"valid_time": times})
    if bounded:
        dataset["valid_time"].attrs["bounds"] = "valid_time_bnds"
        dataset["valid_time_bnds"] = (("valid_time", "bnds"), np.stack([np.full(times.size, times[0]), times], -1))
        for name in ("valid_time", "valid_time_bnds"):
            dataset[name].encoding["units"] = "days since 2005-01-01"
    dataset.to_netcdf(tmp_path / "pr.nc")
    opened = open_dataset([tmp_path / "pr.nc"])
    if refused is None:
        warn_held_values(opened, ["pr"], where="pr.nc", file=tmp_path / "pr.nc")
        return
    with pytest.raises(ClimannError) as raised:
        warn_held_values(opened, ["pr"], where="pr.nc", file=tmp_path / "pr.nc")
    assert str(raised.value).startswith("pr in pr.nc is a total accumulated since a start") and refused in str(raised.value)


@pytest.mark.parametrize("one_simulation", [pytest.param(True, id="one-simulation"),
                                            pytest.param(False, id="a-new-simulation-each-file")])
def test_files_that_continue_one_simulation_are_differenced_across_their_boundary(tmp_path, monkeypatch,
                                                                                  one_simulation):
    """break46a A6: ten daily wrfout files of one run (one SIMULATION_START_DATE, each file's first step one step after
    the last of the one before) lost the first step of each: 230 of 239 amounts, 5 % of the rain. Now a file that
    continues the one before is differenced from its last step, and the amounts sum to the running total's growth
    (numpy: last minus first); a file of a new simulation keeps its first step out, as before."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "wrf").mkdir()
    rng = np.random.default_rng(46)
    totals = np.cumsum(rng.gamma(0.6, 2.0, (9, 2, 3)), axis=0).astype(np.float32)  # 9 days of one running total
    names = [f"wrf/wrfout_d01_2005-01-0{day}_00:00:00" for day in (1, 4, 7)]
    for index, name in enumerate(names):
        _wrfout(name, f"2005-01-0{3 * index + 1}", totals[3 * index:3 * index + 3],
                simulation_start="2005-01-01_00:00:00" if one_simulation else f"2005-01-0{3 * index + 1}_00:00:00")
    with pytest.raises(ClimannError) as refused:
        warn_held_values(open_dataset([tmp_path / name for name in names]), ["RAINNC"], where="wrf", file=None)
    message = str(refused.value)
    assert "differenced from the file before it when both say the same SIMULATION_START_DATE" in message
    _run_printed(next(part for part in message.split("`") if part.startswith("mkdir -p ")), tmp_path)
    copies = [xr.open_dataset(tmp_path / "wrf" / "step_amounts" / name.split("/")[1], decode_times=False)
              for name in names]
    amounts = np.concatenate([copy["RAINNC"].values for copy in copies])
    bounds = np.concatenate([copy["XTIME_bnds"].values for copy in copies])
    minutes = np.arange(9) * 1440.0
    if one_simulation:  # 8 amounts, each day's growth; their sum the total's
        np.testing.assert_allclose(amounts, np.diff(totals, axis=0), rtol=1e-6)
        np.testing.assert_allclose(amounts.sum(0), totals[-1] - totals[0], rtol=1e-5)
        np.testing.assert_array_equal(bounds, np.stack([minutes[:-1], minutes[1:]], -1))
    else:  # each file its own simulation's: only differences within each
        kept = [1, 2, 4, 5, 7, 8]
        np.testing.assert_allclose(amounts, (totals[kept] - totals[[k - 1 for k in kept]]), rtol=1e-6)
        np.testing.assert_array_equal(bounds, np.stack([minutes[[k - 1 for k in kept]], minutes[kept]], -1))
    for copy in copies:
        copy.close()
