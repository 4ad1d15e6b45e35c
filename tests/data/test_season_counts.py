"""Time axes in growing seasons since a date (ISIMIP/GGCMI), and files whose times do not
decode given with others (break34b A1, B2)."""

import re
import shlex
import subprocess
from pathlib import Path

import cftime
import numpy as np
import pytest
import xarray as xr

from climann.data.open import open_dataset
from climann.errors import ClimannError
from tests.console import run_main
from tests.fresh_python import bare_python, run_python, shell_path
from tests.followed_twice import without_guards

_YIELD = "lpjml_yield-mai-noirr_global_annual-gs_1981_2020.nc"


def _crop_file(path, *, units="growing seasons since 1661-01-01 00:00:00", calendar="proleptic_gregorian",
               values=None, name="yield-mai-noirr", seed=0):
    """A GGCMI-like yield file: one value a growing season, 1981–2020 (320 … 359 since 1661)."""
    values = 320.0 + np.arange(40) if values is None else np.asarray(values, dtype=np.float64)
    rng = np.random.default_rng(seed)
    xr.Dataset(
        {name: (("time", "lat", "lon"), rng.uniform(1, 9, size=(len(values), 3, 4)).astype("f4"),
                {"units": "t ha-1 gs-1"})},
        coords={"time": ("time", values, {"units": units, "calendar": calendar, "standard_name": "time"}),
                "lat": ("lat", [39.75, 39.25, 38.75], {"units": "degrees_north"}),
                "lon": ("lon", [-99.75, -99.25, -98.75, -98.25], {"units": "degrees_east"})},
    ).to_netcdf(path, encoding={"time": {"dtype": "f8", "_FillValue": None}})
    return path


def _climate_file(path, *, seed=1):
    """Yearly growing-season climate (``tas_gs``, ``pr_gs``) 1981–2020 with time bounds, on the same grid."""
    starts = cftime.date2num([cftime.datetime(year, 1, 1, calendar="proleptic_gregorian") for year in range(1981, 2022)],
                             "days since 1661-01-01", "proleptic_gregorian")
    rng = np.random.default_rng(seed)
    xr.Dataset(
        {"tas_gs": (("time", "lat", "lon"), 290 + rng.normal(size=(40, 3, 4)), {"units": "K"}),
         "pr_gs": (("time", "lat", "lon"), rng.uniform(0, 1e-4, size=(40, 3, 4)), {"units": "kg m-2 s-1"}),
         "time_bnds": (("time", "bnds"), np.stack([starts[:-1], starts[1:]], axis=1))},
        coords={"time": ("time", (starts[:-1] + starts[1:]) / 2, {"units": "days since 1661-01-01",
                                                                   "calendar": "proleptic_gregorian",
                                                                   "bounds": "time_bnds"}),
                "lat": ("lat", [39.75, 39.25, 38.75], {"units": "degrees_north"}),
                "lon": ("lon", [-99.75, -99.25, -98.75, -98.25], {"units": "degrees_east"})},
    ).to_netcdf(path)
    return path


def _python_line(message: str, cwd=None) -> list[str]:
    """The printed ``python -c "…"`` way out, as arguments for this interpreter; the new folder a
    ``mkdir -p FOLDER && python -c …`` line writes its copy into made first (in ``cwd``)."""
    message = bare_python(message)
    command = next(re.sub(r"^mkdir -p (\S+) && ", "", part) for part in message.split("`")
                   if re.match(r"^(mkdir -p \S+ && )?python -c ", part))
    if folder := re.match(r"^mkdir -p (\S+) && python -c ", next(part for part in message.split("`")
                                                                  if "python -c " in part)):
        (Path(cwd or ".") / folder.group(1)).mkdir(parents=True, exist_ok=True)
    return shlex.split(command)[1:]  # after `python`: -c CODE ARGS


def test_growing_seasons_are_refused_with_a_python_line_that_dates_them_and_trains(tmp_path, monkeypatch):
    """break34b B2: xarray's advice (decode_times, cftime) reached the user, cut mid-word. The
    printed line runs and writes step n as 1 January of 1661 + n in its year's cell (dates by
    hand: 320 → 1981-01-01, 359 → 2020-01-01), which trains beside yearly climate."""
    from climann.workflow.config import build_config
    from climann.workflow.pipeline import run_training

    monkeypatch.chdir(tmp_path)
    _crop_file(tmp_path / _YIELD)
    _climate_file(tmp_path / "gs_climate.nc")
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / _YIELD])
    message = str(error.value)
    assert "\n" not in message and "decode_times=False or" not in message and "insta…" not in message
    assert f"time 'time' in {_YIELD} has units 'growing seasons since 1661-01-01 00:00:00'" in message
    assert "season of the year 1661 + n" in message
    run_python(*_python_line(message), check=True, capture_output=True, cwd=tmp_path)
    fixed = tmp_path / _YIELD.replace(".nc", "_fixed.nc")
    calendar = "proleptic_gregorian"
    with xr.open_dataset(fixed, decode_times=False) as raw:
        assert raw["time"].attrs["units"] == "days since 1661-01-01 00:00:00"
        starts = [cftime.date2num(cftime.datetime(year, 1, 1, calendar=calendar), "days since 1661-01-01", calendar)
                  for year in range(1981, 2022)]
        np.testing.assert_array_equal(raw["time"].values, starts[:-1])
        np.testing.assert_array_equal(raw[raw["time"].attrs["bounds"]].values, np.stack([starts[:-1], starts[1:]], 1))
    # read by climann as each year's cell (its middle: CF 7.1)
    assert open_dataset([fixed])["time"].dt.year.values.tolist() == list(range(1981, 2021))
    settings = {"data": {"paths": [str(fixed), str(tmp_path / "gs_climate.nc")], "target": "yield-mai-noirr",
                         "predictors": ["tas_gs", "pr_gs"]},
                "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}}
    run = run_training(build_config(settings), run_dir=tmp_path / "run")
    assert run.metrics["split_periods"]["test"] == "2015–2020"  # the last 6 of 40 years
    assert np.isfinite(run.metrics["splits"]["test"]["model"]["mse"])


def test_growing_seasons_not_whole_get_no_line_that_would_truncate_them(tmp_path):
    path = _crop_file(tmp_path / _YIELD, values=320.5 + np.arange(40))
    with pytest.raises(ClimannError) as error:
        open_dataset([path])
    assert "not all are whole seasons" in str(error.value) and "python -c" not in str(error.value)


def _two_crops(tmp_path):
    folder = tmp_path / "ggcmi"
    folder.mkdir()
    _crop_file(folder / _YIELD)
    _crop_file(folder / _YIELD.replace("mai", "soy"), name="yield-soy-noirr", seed=3)
    return ["ggcmi"], _YIELD


def _crop_and_climate(tmp_path):
    _crop_file(tmp_path / _YIELD)
    _climate_file(tmp_path / "gs_climate.nc")
    return [_YIELD, "gs_climate.nc"], _YIELD


def _years_and_climate(tmp_path):
    _crop_file(tmp_path / "yield_years.nc", units="years since 1661-01-01 00:00:00")
    _climate_file(tmp_path / "gs_climate.nc")
    return ["gs_climate.nc", "yield_years.nc"], "yield_years.nc"


def _months_gregorian_and_climate(tmp_path):
    _crop_file(tmp_path / "spei_ms.nc", units="months since 1900-01-01", calendar="gregorian",
               values=np.arange(40.0), name="spei")
    _climate_file(tmp_path / "gs_climate.nc")
    return ["spei_ms.nc", "gs_climate.nc"], "spei_ms.nc"


@pytest.mark.parametrize(
    ("make", "command"),
    [pytest.param(_two_crops, "info", id="folder-of-crops-info"),
     pytest.param(_two_crops, "train", id="folder-of-crops-train"),
     pytest.param(_crop_and_climate, "info", id="growing-seasons-beside-climate-info"),
     pytest.param(_crop_and_climate, "train", id="growing-seasons-beside-climate-train"),
     # (train already refused these in one line: the refusal looked through every file)
     pytest.param(_years_and_climate, "info", id="years-since-second-info"),
     pytest.param(_months_gregorian_and_climate, "info", id="months-since-gregorian-info")],
)
def test_times_that_do_not_decode_among_files_are_refused_in_one_line_naming_their_file(
        tmp_path, capfd, monkeypatch, command, make):
    """break34b A1: with two or more files, `info` crashed (exit 1, xarray's ValueError) and
    `train` named every file, the one that decodes too; now both refuse as for the file alone."""
    monkeypatch.chdir(tmp_path)
    paths, culprit = make(tmp_path)
    alone = run_main("info", culprit, capfd=capfd, monkeypatch=monkeypatch)
    extra = ["--target", "tas_gs", "--epochs", "1", "--out", "runs/r"] if command == "train" else []
    data = [word for path in paths for word in (("--data", path) if command == "train" else (path,))]
    result = run_main(command, *data, *extra, capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("climann: error: time 'time' in "), result.stderr
    # the other file named only as kept beside the copy (break54d A5: the copy into a new folder, then its --data)
    told = re.sub(r",? with the other files of the working folder given as before \((--data )?gs_climate\.nc\)", "", lines[-1])
    assert "unexpected" not in result.stderr and "gs_climate.nc" not in told
    if make is not _two_crops:  # the one file's refusal, word for word, but for the other file kept beside the copy
        assert told == alone.stderr.strip().splitlines()[-1]
    assert not (tmp_path / "runs").exists()


@pytest.mark.parametrize(
    ("calendar", "values", "bounds"),
    [pytest.param("proleptic_gregorian", 320.0 + np.arange(40), False, id="proleptic-gregorian"),
     pytest.param("standard", [-200.0, 0.0, 3.0, 339.0], True, id="standard-with-bounds-across-1582")],
)
def test_years_since_in_calendars_of_leap_years_get_a_python_line_that_writes_the_years_dates(
        tmp_path, monkeypatch, calendar, values, bounds):
    """break34b B2: "years since" in the Gregorian calendars had only a cdo line (CDO is often not
    installed). The Python line runs as printed: year n is 1 January of 1661 + n, in days
    counted by hand with Python's dates (proleptic) or cftime's Julian-Gregorian dates (standard)."""
    import datetime

    monkeypatch.chdir(tmp_path)
    path = _crop_file(tmp_path / "yield_years.nc", units="years since 1661-01-01", calendar=calendar, values=values)
    if bounds:
        with xr.open_dataset(path, decode_times=False) as raw:
            data = raw.load()
        data["time_bnds"] = (("time", "bnds"), np.stack([data["time"].values, data["time"].values + 1], 1))
        data["time"].attrs["bounds"] = "time_bnds"
        data.to_netcdf(path)
    with pytest.raises(ClimannError) as error:
        open_dataset([path])
    run_python(*_python_line(str(error.value), tmp_path), check=True, capture_output=True, cwd=tmp_path)
    if calendar == "proleptic_gregorian":
        expected = [(datetime.date(1661 + int(n), 1, 1) - datetime.date(1661, 1, 1)).days for n in values]
    else:  # 1461 to 1661: 200 Julian years, 10 days skipped in October 1582
        expected = [-(200 * 365.25 - 10), 0, 365 * 3, (datetime.date(2000, 1, 1) - datetime.date(1661, 1, 1)).days]
    with xr.open_dataset(tmp_path / "days_since" / "yield_years.nc", decode_times=False) as raw:
        np.testing.assert_array_equal(raw["time"].values, expected)
        assert raw["time"].attrs["units"] == "days since 1661-01-01"
        if bounds:
            np.testing.assert_array_equal(raw["time_bnds"].values[:, 0], expected)
    assert open_dataset([tmp_path / "days_since" / "yield_years.nc"])["time"].dt.year.values.tolist() == [
        1661 + int(n) for n in values]


def test_years_since_not_whole_stop_the_python_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = _crop_file(tmp_path / "yield_years.nc", units="years since 1661-01-01", values=[320.0, 320.5, 322.0])
    with pytest.raises(ClimannError) as error:
        open_dataset([path])
    finished = run_python(*_python_line(str(error.value), tmp_path), capture_output=True, text=True, cwd=tmp_path)
    assert finished.returncode != 0 and "not whole years" in finished.stderr
    assert not (tmp_path / "days_since" / "yield_years.nc").exists()


def test_a_folder_of_growing_season_files_gets_one_loop_that_dates_every_file(tmp_path, capfd, monkeypatch):
    """rerun34: of a GGCMI folder of crops, the line dated the first file alone, beside it: the
    folder's glob then took the copy with the originals and met the refusal again. Now one loop
    writes a dated copy of each file into a new folder, and the ``--data`` it names trains
    (dates by hand: step 320 → 1981-01-01 in each copy)."""
    import os

    monkeypatch.chdir(tmp_path)
    _two_crops(tmp_path)
    _climate_file(tmp_path / "gs_climate.nc")
    result = run_main("info", "ggcmi", capfd=capfd, monkeypatch=monkeypatch)
    assert result.returncode == 2, result.stderr
    message = result.stderr.strip().splitlines()[-1]
    soy = _YIELD.replace("mai", "soy")
    assert f"time 'time' in {_YIELD}, {soy} has units" in message or f"time 'time' in {soy}, {_YIELD} has" in message
    loop = next(part for part in message.split("`") if without_guards(part).startswith("mkdir -p "))
    assert "then give 'ggcmi/with_dates/*.nc' in place of the 2 files" in message  # info's own paths (break44d A7)
    path = shell_path()  # the printed `python`
    subprocess.run(["bash", "-c", loop], check=True, capture_output=True, cwd=tmp_path, env={**os.environ, "PATH": path})
    calendar = "proleptic_gregorian"
    starts = [cftime.date2num(cftime.datetime(year, 1, 1, calendar=calendar), "days since 1661-01-01", calendar)
              for year in range(1981, 2022)]
    for name in (_YIELD, soy):
        with xr.open_dataset(tmp_path / "ggcmi" / "with_dates" / name, decode_times=False) as raw:
            np.testing.assert_array_equal(raw["time"].values, starts[:-1])
            np.testing.assert_array_equal(raw[raw["time"].attrs["bounds"]].values,
                                          np.stack([starts[:-1], starts[1:]], 1))
        with xr.open_dataset(tmp_path / "ggcmi" / name, decode_times=False) as original, \
                xr.open_dataset(tmp_path / "ggcmi" / "with_dates" / name, decode_times=False) as copy:
            variable = next(iter(original.data_vars))
            np.testing.assert_array_equal(copy[variable].values, original[variable].values)
    trained = run_main("train", "--data", "ggcmi/with_dates/*.nc", "--data", "gs_climate.nc", "--target",
                       "yield-mai-noirr", "--predictors", "tas_gs", "--epochs", "1", "--out", "runs/r",
                       "--set", "evaluation.figures=false",  # no figure is looked at
                       capfd=capfd, monkeypatch=monkeypatch)
    assert trained.returncode == 0, trained.stderr
