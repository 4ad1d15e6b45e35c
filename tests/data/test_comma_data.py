"""``--data a.nc,b.nc`` is one path, not a list (the README's comma lists are of other flags): refused naming each
path with its own ``--data``, the line that then reads them (climann/data/open.py, break53b A5)."""

from __future__ import annotations

import shlex

import numpy as np
import xarray as xr
from typer.testing import CliRunner

from climann.cli import app


def test_a_comma_list_given_to_data_is_refused_with_one_data_per_path_that_then_reads(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("tg", "rr"):
        xr.Dataset({name: (("time", "lat", "lon"), np.random.default_rng({"tg": 1, "rr": 2}[name]).random((3, 2, 2)).astype("f4"), {"units": "mm"})},
                   coords={"time": xr.date_range("2001-01-01", periods=3, use_cftime=True),
                           "lat": ("lat", [44.0, 45.0], {"units": "degrees_north"}),
                           "lon": ("lon", [1.0, 2.0], {"units": "degrees_east"})}).to_netcdf(f"{name}.nc")
    result = CliRunner().invoke(app, ["train", "--data", "tg.nc,rr.nc", "--target", "rr", "--out", "run"])
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    assert "give each of its 2 paths on its own, as --data tg.nc --data rr.nc (--data is repeatable" in text
    advised = shlex.split(text.split(", as ")[1].split(" (--data")[0])
    read = CliRunner().invoke(app, ["info", *[word for word in advised if word != "--data"]])
    assert read.exit_code == 0, read.output
    assert CliRunner().invoke(app, ["info", "tg.nc,nothing.nc"]).output.count("on its own") == 0
