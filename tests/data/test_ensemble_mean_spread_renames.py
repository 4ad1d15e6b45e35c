"""E-OBS's ``_ens_mean_`` and ``_ens_spread_`` files of several variables hold the same names: the refusal renames
only the spreads, ``X=X_spread``, and names the means as the files to give alone (climann/data/renames.py,
:func:`~climann.data.renames.several_clashes_message`). Each file's word was told against every other file, so the
means lost their names (``tg_tg_ens_mean_0_25deg_reg_v29_0e``) and a spread was the example (break53b A3)."""

from __future__ import annotations

import re
import shlex

import netCDF4
import numpy as np
from typer.testing import CliRunner

from climann.cli import app
from climann.data.open import open_dataset
from climann.data.renames import FileRenames

LAT = np.arange(44.125, 45.0, 0.25)
LON = np.arange(-1.875, -0.8, 0.25)


def _eobs(folder):
    folder.mkdir()
    rng = np.random.default_rng(7)
    written = {}
    for name in ("rr", "tg"):
        for kind in ("mean", "spread"):
            values = rng.normal(10 if kind == "mean" else 0.5, 1, (60, LAT.size, LON.size)).astype("f4")
            with netCDF4.Dataset(folder / f"{name}_ens_{kind}_0.25deg_reg_v29.0e.nc", "w") as nc:
                for dim, size in (("time", None), ("latitude", LAT.size), ("longitude", LON.size)):
                    nc.createDimension(dim, size)
                time = nc.createVariable("time", "f8", ("time",))
                time.units, time.calendar = "days since 1950-01-01 00:00", "standard"
                time[:] = 18628 + np.arange(60)
                for axis, axis_values, unit in (("latitude", LAT, "degrees_north"),
                                                ("longitude", LON, "degrees_east")):
                    nc.createVariable(axis, "f8", (axis,))[:] = axis_values
                    nc[axis].units = unit
                variable = nc.createVariable(name, "f4", ("time", "latitude", "longitude"))
                variable.units = "Celsius" if name == "tg" else "mm"
                variable[:] = values
            written[(name, kind)] = values
    return written


def test_the_spreads_alone_are_renamed_and_the_means_keep_their_names(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    written = _eobs(tmp_path / "eobs")
    result = CliRunner().invoke(app, ["info", "eobs/"])
    assert result.exit_code == 2
    text = result.output.replace("\n", " ")
    options = re.findall(r"--rename ('[^']+')", text)
    assert options == ["'rr_ens_spread_0.25deg_reg_v29.0e.nc:rr=rr_spread'",
                       "'tg_ens_spread_0.25deg_reg_v29.0e.nc:tg=tg_spread'"]
    assert "e.g. the ensemble means, eobs/rr_ens_mean_0.25deg_reg_v29.0e.nc eobs/tg_ens_mean_0.25deg_reg_v29.0e.nc" \
        in text
    given = [word for option in options for word in ("--rename", shlex.split(option)[0])]
    assert CliRunner().invoke(app, ["info", "eobs/", *given]).exit_code == 0
    rules = {}
    for option in options:
        pattern, _, mapping = shlex.split(option)[0].partition(":")
        rules[pattern] = dict([mapping.split("=")])
    files = sorted((tmp_path / "eobs").glob("*.nc"))
    opened = open_dataset(files, renames=FileRenames(files, rules))
    for name in ("rr", "tg"):
        np.testing.assert_array_equal(opened[name].values, written[(name, "mean")])
        np.testing.assert_array_equal(opened[f"{name}_spread"].values, written[(name, "spread")])
