"""The printed join of an ensemble's member files (climann/data/member_joins.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re

import netCDF4
import numpy as np
import pytest

from climann.data.open import expand_paths, open_dataset
from climann.errors import ClimannError
from climann.workflow.config import build_config
from climann.workflow.pipeline import run_training
from tests.conftest import draw_no_run_figures
from tests.fresh_python import bare_python, run_python

LAT = np.arange(-75.0, 76.0, 30.0)
LON = np.arange(0.0, 360.0, 45.0)
MONTHS = [(year, month) for year in range(2001, 2005) for month in range(1, 13)]


def _ersst_members(folder):
    """ERSSTv5's ensemble as NCEI writes it: a folder per member, a file per member and month
    (``ens001/ersst.v5.200101.ens001.nc``), the member a global attribute ``ensemble_member`` alone,
    sst(time, lev, lat, lon) in degree_C with a -999 fill. Returns sst by member (3, 48, 1, 6, 8)."""
    rng = np.random.default_rng(52)
    season = 3 * np.sin(2 * np.pi * np.arange(len(MONTHS)) / 12)[:, None, None, None]
    base = 20 + season + np.cos(np.radians(LAT))[None, None, :, None] + np.zeros(LON.size)
    values = np.stack([base + rng.normal(0, 0.3, base.shape) for _ in range(3)]).astype("f4")
    for member in range(3):
        (folder / f"ens{member + 1:03d}").mkdir(parents=True)
        for step, (year, month) in enumerate(MONTHS):
            with netCDF4.Dataset(folder / f"ens{member + 1:03d}" / f"ersst.v5.{year}{month:02d}.ens{member + 1:03d}.nc",
                                 "w") as nc:
                for name, size in (("time", None), ("lev", 1), ("lat", LAT.size), ("lon", LON.size)):
                    nc.createDimension(name, size)
                time = nc.createVariable("time", "f8", ("time",))
                time.units, time.calendar, time.standard_name = "days since 1800-1-1 00:00:00", "gregorian", "time"
                time[:] = [(dt.date(year, month, 1) - dt.date(1800, 1, 1)).days]
                lev = nc.createVariable("lev", "f8", ("lev",))
                lev.units, lev.standard_name, lev.positive, lev.axis, lev[:] = "meters", "depth", "down", "Z", [0.0]
                for name, axis, units in (("lat", LAT, "degrees_north"), ("lon", LON, "degrees_east")):
                    variable = nc.createVariable(name, "f8", (name,))
                    variable.units, variable.standard_name, variable[:] = units, {"lat": "latitude",
                                                                                  "lon": "longitude"}[name], axis
                sst = nc.createVariable("sst", "f4", ("time", "lev", "lat", "lon"), fill_value=np.float32(-999.0))
                sst.units, sst.standard_name = "degree_C", "sea_surface_temperature"
                sst[:] = values[member, step][None]
                nc.ensemble_member = f"{member + 1}"
    return values


def _training(paths, select, tmp_path, name):
    config = build_config({"data": {"paths": [str(path) for path in paths], "target": "sst", "predictors": [],
                                    **({"select": select} if select else {})},
                           "model": {"hidden": [4]}, "training": {"epochs": 1, "batch_size": 64},
                           "evaluation": {"figures": False}})
    run_dir = run_training(config, run_dir=tmp_path / name).run_dir
    return json.loads((run_dir / "metrics.json").read_text())["splits"]


def test_member_files_per_month_in_member_folders_join_every_month_outside_those_folders(
        tmp_path, monkeypatch):
    """break52d A1: ERSST's members, a file per member and month in per-member folders. The join advised
    took one month (1 step of 120) and wrote it into ens001/, whose glob was then refused. Run as printed,
    it now joins each member's 48 months along time, then the members (the values by hand), writes into
    ersst/ (the members' folders keep only their files: member 1's glob opens as before), is refused when
    run again (the file left as it was), and member 2 selected from it trains to the metrics of member 2's
    own files."""
    draw_no_run_figures(monkeypatch)
    monkeypatch.chdir(tmp_path)
    values = _ersst_members(tmp_path / "ersst")
    with pytest.raises(ClimannError) as error:
        open_dataset(expand_paths("ersst/*/*.nc"))
    message = str(error.value)
    assert "two ensemble members (global attribute ensemble_member: 1, 2)" in message
    line = re.search(r'\(python -c "(.*?)"\) and give ersst/ersst.v5_members.nc in place of them', bare_python(message))[1]
    assert run_python("-c", line, cwd=tmp_path).returncode == 0
    joined = tmp_path / "ersst" / "ersst.v5_members.nc"
    digest = hashlib.md5(joined.read_bytes()).hexdigest()
    again = run_python("-c", line, cwd=tmp_path, capture_output=True)
    assert again.returncode != 0 and "is there already: left as it is" in again.stderr
    assert hashlib.md5(joined.read_bytes()).hexdigest() == digest
    for member in (1, 2, 3):
        assert sorted(path.name for path in (tmp_path / "ersst" / f"ens{member:03d}").iterdir()) == [
            f"ersst.v5.{year}{month:02d}.ens{member:03d}.nc" for year, month in MONTHS]
    with netCDF4.Dataset(joined) as nc:
        sst = nc["sst"]
        assert sst.dimensions[:2] == ("ensemble_member", "time") and nc["time"].size == len(MONTHS)
        assert list(nc["ensemble_member"][:]) == ["1", "2", "3"]
        np.testing.assert_array_equal(sst[:], values)
    assert open_dataset(expand_paths("ersst/ens001/*.nc"))["sst"].sizes["time"] == len(MONTHS)
    from_join = _training([joined], {"ensemble_member": "2"}, tmp_path, "joined")
    alone = _training(sorted((tmp_path / "ersst" / "ens002").glob("*.nc")), None, tmp_path, "alone")
    for split in ("train", "val", "test"):
        for baseline in ("climatology", "persistence"):
            assert from_join[split][baseline] == alone[split][baseline]
