"""The printed line that corrects ONE file, of several modules' advice, run as printed on a small real file:
it writes the copy into a new folder (nothing beside the original, where a glob over the folder would take both),
and climann, given the --data the line says to give in its place, accepts it (fix53a: ~30 callers of
climann.data.shell.copies_of_files wrote x_fixed.nc beside x.nc; break52a A1)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import netCDF4
import numpy as np
import pandas as pd
import pytest
import xarray as xr

from tests.console import run_main
from tests.followed_twice import GUARD

#: A printed one-file line: the command (its guard, the new folder, the tool), then the --data to give.
_ONE_COPY = re.compile(rf"`?(?P<command>{GUARD}mkdir -p (?P<folder>\S+) && .*?)`? \(its copy in a new folder\), "
                       r"then give --data (?P<copy>\S+) in place of (?P<original>[^\s,;)]+)")

_TIME = pd.date_range("2000-01-01", periods=48, freq="MS")
_LAT, _LON = np.array([-30.0, -10.0, 10.0, 30.0]), np.array([0.0, 10.0, 20.0, 30.0, 40.0])


def _dataset(name: str, values: np.ndarray, attrs: dict, *, degrees: bool = True) -> xr.Dataset:
    """Monthly ``name`` (time, lat, lon) with attributes ``attrs`` and a predictor ``x`` (units 1); the
    latitude and longitude with CF's units unless ``degrees`` is False."""
    rng = np.random.default_rng(53)
    lat_attrs = {"units": "degrees_north"} if degrees else {}
    lon_attrs = {"units": "degrees_east"} if degrees else {}
    return xr.Dataset({name: (("time", "lat", "lon"), values.astype("f4"), attrs),
                       "x": (("time", "lat", "lon"), rng.normal(0, 1, values.shape).astype("f4"), {"units": "1"})},
                      coords={"time": _TIME, "lat": ("lat", _LAT, lat_attrs), "lon": ("lon", _LON, lon_attrs)})


def _shape() -> tuple[int, int, int]:
    return _TIME.size, _LAT.size, _LON.size


def _codes_below_absolute_zero(path: Path) -> str:
    """HadISST's sea-ice code -1000 in an SST in degC (climann.data.absolute_zero)."""
    rng = np.random.default_rng(1)
    values = rng.uniform(5, 25, _shape())
    values[:, 0, :2] = -1000.0
    _dataset("sst", values, {"units": "degC", "standard_name": "sea_surface_temperature"}).to_netcdf(path)
    return "below absolute zero"


def _unlabelled_degrees(path: Path) -> str:
    """HDF-EOS's YDim and XDim in degrees, units "none", as netCDF-C reads MOD08_M3 (climann.data.coords)."""
    values = np.random.default_rng(2).uniform(270, 300, _shape())
    dataset = _dataset("tas", values, {"units": "K"}, degrees=False).rename(lat="YDim", lon="XDim")
    dataset["YDim"].attrs["units"] = dataset["XDim"].attrs["units"] = "none"
    dataset.to_netcdf(path)
    return "named and valued like a latitude and a longitude"


def _direction(path: Path) -> str:
    """ERA5's mwd in 'Degree true' (climann.data.circular): its sine and cosine written by an xarray line."""
    values = np.random.default_rng(3).normal(270, 60, _shape()) % 360
    _dataset("mwd", values, {"units": "Degree true", "long_name": "Mean wave direction"}).to_netcdf(path)
    return "is a direction"


def _summed_rates(path: Path) -> str:
    """Mean rates in kg m-2 s-1 whose cell_methods say 'time: sum' (climann.data.summed_rates)."""
    values = np.random.default_rng(4).gamma(2, 1e-5, _shape())
    dataset = _dataset("pr", values, {"units": "kg m-2 s-1", "cell_methods": "time: sum"})
    starts = pd.DatetimeIndex(_TIME)
    dataset["time_bnds"] = (("time", "bnds"), np.stack([starts, starts + pd.offsets.MonthBegin(1)], axis=1))
    dataset["time"].attrs["bounds"] = "time_bnds"
    dataset.to_netcdf(path)
    return "time: sum"


def _skewed(path: Path) -> str:
    """Log-normal chlorophyll (climann.data.skewed_target): the warning gives the ncap2 line that writes log10."""
    values = 10 ** np.random.default_rng(5).normal(-0.4, 0.35, _shape())
    _dataset("chl", values, {"units": "milligram m-3"}).to_netcdf(path)
    return "strongly skewed to the right"


@pytest.mark.parametrize(("write", "target", "copy_target"), [
    pytest.param(_codes_below_absolute_zero, "sst", "sst", id="absolute_zero"),
    pytest.param(_unlabelled_degrees, "tas", "tas", id="coords"),
    pytest.param(_direction, "mwd", "mwd_sin", id="circular"),
    pytest.param(_summed_rates, "pr", "pr", id="summed_rates"),
    pytest.param(_skewed, "chl", "chl", id="skewed_target"),
])
def test_one_files_line_run_as_printed_writes_into_a_new_folder_and_its_data_are_accepted(
        tmp_path, monkeypatch, capfd, write, target, copy_target):
    if shutil.which("ncatted") is None or shutil.which("ncap2") is None:
        pytest.skip("needs NCO")
    from tests.conftest import draw_no_run_figures

    draw_no_run_figures(monkeypatch)
    monkeypatch.chdir(tmp_path)
    said = write(tmp_path / "data.nc")
    first = run_main("train", "--data", "data.nc", "--target", target, "--epochs", "1", "--out", "r1", capfd=capfd,
                     monkeypatch=monkeypatch)
    told = [line for line in first.stderr.splitlines() if said in line]
    assert told, first.stderr
    printed = _ONE_COPY.search(told[0])
    assert printed is not None, told[0]
    assert printed["original"] == "data.nc" and printed["copy"] == f"{printed['folder']}/data.nc", printed.groupdict()
    assert not (tmp_path / printed["folder"]).exists()  # a new folder
    # as a user pastes it, `python` the interpreter beside this one (it imports xarray)
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    subprocess.run(["bash", "-c", printed["command"]], check=True, capture_output=True, cwd=tmp_path,
                   env={**os.environ, "PATH": path})
    assert sorted(item.name for item in tmp_path.iterdir() if item.name.endswith(".nc")) == ["data.nc"]  # none beside
    assert sorted(item.name for item in (tmp_path / printed["folder"]).iterdir()) == ["data.nc"]
    second = run_main("train", "--data", printed["copy"], "--target", copy_target, "--epochs", "1", "--out", "r2",
                      capfd=capfd, monkeypatch=monkeypatch)
    assert second.returncode == 0, second.stderr
    assert said not in second.stderr, second.stderr
    with netCDF4.Dataset(tmp_path / "data.nc") as original:  # the original left as it was: x untouched, no copy var
        assert "mwd_sin" not in original.variables and "x" in original.variables
