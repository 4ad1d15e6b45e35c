"""A predictor whose grid the target's reaches past by its outermost cell EDGES (GLEAM's 0.1°
box 0.05° beyond ERA5's 0.25° one) is advised a line that, run as printed, gives every new cell
a value, and the run then keeps the predictor (break52a A4: `cdo remapcon` left 9.8 % missing
and the predictor was left out again)."""

from __future__ import annotations

import re
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from tests.console import run_main
from tests.followed_twice import GUARD


@pytest.mark.skipif(shutil.which("cdo") is None, reason="cdo is not installed")
def test_the_advised_regrid_past_the_cell_edges_fills_every_cell_and_the_predictor_is_kept(tmp_path, capfd,
                                                                                           monkeypatch):
    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(4)
    days = pd.date_range("2001-01-01", "2003-12-31", freq="D")
    glat, glon = np.round(np.arange(49.95, 49.05 - 1e-9, -0.1), 2), np.round(np.arange(5.05, 5.95 + 1e-9, 0.1), 2)
    elat, elon = np.arange(50.0, 49.25 - 1e-9, -0.25), np.arange(5.0, 5.75 + 1e-9, 0.25)  # ends 0.05° short
    era5 = xr.Dataset({"t2m": (("time", "latitude", "longitude"),
                               (280 + rng.normal(0, 3, (days.size, elat.size, elon.size))).astype("f4"),
                               {"units": "K"})}, coords={"time": days, "latitude": elat, "longitude": elon})
    era5.latitude.attrs, era5.longitude.attrs = {"units": "degrees_north"}, {"units": "degrees_east"}
    era5.to_netcdf(tmp_path / "t2m.nc")
    gleam = xr.Dataset({"E": (("time", "lat", "lon"), (1.5 + rng.normal(0, 0.3, (days.size, glat.size, glon.size)))
                              .astype("f4"), {"units": "mm/day"})}, coords={"time": days, "lat": glat, "lon": glon})
    gleam.lat.attrs, gleam.lon.attrs = {"units": "degrees_north"}, {"units": "degrees_east"}
    gleam.to_netcdf(tmp_path / "E.nc", encoding={"E": {"_FillValue": -999.0}})
    first = run_main("train", "--data", "E.nc", "--data", "t2m.nc", "--target", "E", "--epochs", "1", "--out", "r1",
                     capfd=capfd, monkeypatch=monkeypatch)
    # the line as printed, its guard against writing over a name that is taken included (GUARD)
    line = re.search(r"`(" + GUARD + r"(?:mkdir -p \S+ && )?cdo remap\w+,\S+ \S+ (\S+))`", first.stderr)
    assert line is not None, first.stderr
    subprocess.run(line.group(1), shell=True, check=True, capture_output=True, cwd=tmp_path)
    with xr.open_dataset(tmp_path / line.group(2)) as copy:
        values = copy.t2m.values
        # each new cell the value of the ERA5 cell nearest its centre: by hand
        rows = np.abs(copy.lat.values[:, None] - elat[None, :]).argmin(1)
        columns = np.abs(copy.lon.values[:, None] - elon[None, :]).argmin(1)
    assert not np.isnan(values).any()
    np.testing.assert_array_equal(values[5], era5.t2m.values[5][np.ix_(rows, columns)])
    second = run_main("train", "--data", "E.nc", "--data", line.group(2), "--target", "E", "--epochs", "1",
                      "--out", "r2", capfd=capfd, monkeypatch=monkeypatch)
    assert second.returncode == 0, second.stderr
    assert "left out" not in second.stderr, second.stderr
