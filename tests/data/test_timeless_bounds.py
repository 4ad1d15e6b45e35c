"""The loops that give files time bounds leave out the files without a time axis (climann/data/step_periods.py,
:func:`~climann.data.step_periods.timeless_files`): E-OBS's daily files beside its static elevation file were all
looped over by the advised ``cdo -settbounds,day -shifttime,-12hour``; CDO gave the elevation a time axis at
-11129.5 and the copies were refused as "not a date" (break53b A2)."""

from __future__ import annotations

import re
import shutil
import subprocess

import netCDF4
import numpy as np
import pytest
from typer.testing import CliRunner

from climann.cli import app
from climann.data.open import open_dataset
from climann.data.step_periods import closing_bounds_advice, timeless_files

LAT = np.arange(44.125, 45.0, 0.25)
LON = np.arange(-1.875, -0.8, 0.25)
DAYS = 400


def _eobs(folder):
    """Two E-OBS-like daily files (days since 1950, no bounds, stamped 00:00) and the time-less elevation file;
    returns the values written, by name."""
    folder.mkdir()
    rng = np.random.default_rng(5)
    written = {}
    for name, units in (("tg", "Celsius"), ("rr", "mm")):
        values = rng.normal(10, 4, (DAYS, LAT.size, LON.size)).round(2)
        with netCDF4.Dataset(folder / f"{name}_ens_mean_0.25deg_reg_v29.0e.nc", "w") as nc:
            nc.createDimension("time", None)
            nc.createDimension("latitude", LAT.size)
            nc.createDimension("longitude", LON.size)
            time = nc.createVariable("time", "f8", ("time",))
            time.units, time.calendar, time.standard_name = "days since 1950-01-01 00:00", "standard", "time"
            time[:] = 18628 + np.arange(DAYS)  # from 2001-01-01
            for axis, values_of, unit in (("latitude", LAT, "degrees_north"), ("longitude", LON, "degrees_east")):
                nc.createVariable(axis, "f8", (axis,))[:] = values_of
                nc[axis].units = unit
            variable = nc.createVariable(name, "f4", ("time", "latitude", "longitude"))
            variable.units = units
            variable[:] = values
        written[name] = values
    with netCDF4.Dataset(folder / "elev_ens_0.25deg_reg_v29.0e.nc", "w") as nc:
        nc.createDimension("latitude", LAT.size)
        nc.createDimension("longitude", LON.size)
        for axis, values_of, unit in (("latitude", LAT, "degrees_north"), ("longitude", LON, "degrees_east")):
            nc.createVariable(axis, "f8", (axis,))[:] = values_of
            nc[axis].units = unit
        elevation = nc.createVariable("elevation", "f4", ("latitude", "longitude"))
        elevation.units = "m"
        written["elevation"] = elevation[:] = 300 + rng.random((LAT.size, LON.size)) * 100
    return written


def test_a_file_without_a_time_axis_is_left_out_of_the_bounds_loop_and_given_as_it_is(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _eobs(tmp_path / "eobs")
    files = sorted(str(path.relative_to(tmp_path)) for path in (tmp_path / "eobs").glob("*.nc"))
    assert timeless_files(files) == ["eobs/elev_ens_0.25deg_reg_v29.0e.nc"]
    advice = closing_bounds_advice(files, "daily")
    assert "give the 2 files those time bounds" in advice
    loop = re.search(r"for f in (\S+); do cdo", advice)[1]
    assert sorted(str(path) for path in tmp_path.glob(loop)) == sorted(
        str(tmp_path / "eobs" / f"{name}_ens_mean_0.25deg_reg_v29.0e.nc") for name in ("rr", "tg"))
    assert "then give --data eobs/elev_ens_0.25deg_reg_v29.0e.nc --data 'eobs/with_bounds/*.nc'" in advice


@pytest.mark.skipif(shutil.which("cdo") is None, reason="needs CDO")
def test_the_advised_bounds_loop_beside_an_elevation_file_run_as_printed_is_read(tmp_path, monkeypatch):
    """climann info on the folder; its loop run as printed, then info and open_dataset on the paths it says:
    read, each day bounded by the day ending at its stamp (numpy's dates), the values and the elevation the
    files' own."""
    monkeypatch.chdir(tmp_path)
    written = _eobs(tmp_path / "eobs")
    result = CliRunner().invoke(app, ["info", "eobs/"])
    text = result.output.replace("\n", " ")
    loop = re.search(r"`(\( for f in [^`]*?-settbounds,day -shifttime,-12hour[^`]*?; done \))`", text)
    assert loop, result.output
    assert "elev_ens" not in loop[1]
    subprocess.run(["bash", "-c", loop[1]], check=True, cwd=tmp_path, capture_output=True)
    given = re.search(r"; then give (\S+ '\S+') in place of the paths given", text)
    assert given, result.output
    paths = [word.strip("'") for word in given[1].split()]
    assert paths == ["eobs/elev_ens_0.25deg_reg_v29.0e.nc", "eobs/with_bounds/*.nc"]
    again = CliRunner().invoke(app, ["info", *paths])
    assert again.exit_code == 0, again.output
    files = [paths[0], *sorted(str(path.relative_to(tmp_path)) for path in tmp_path.glob(paths[1]))]
    opened = open_dataset(files)
    np.testing.assert_allclose(opened["elevation"].values, written["elevation"], rtol=1e-6)
    np.testing.assert_allclose(opened["tg"].values, written["tg"], rtol=1e-6)
    stamps = np.datetime64("2001-01-01") + np.arange(DAYS)  # each value the day ending at its stamp
    bounds = opened[opened["time"].attrs["bounds"]].values
    assert [str(value)[:10] for value in bounds[:, 0]] == [str(day) for day in stamps - 1]
    assert [str(value)[:10] for value in bounds[:, 1]] == [str(day) for day in stamps]
