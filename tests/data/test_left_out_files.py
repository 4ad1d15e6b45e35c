"""MERRA-2's *.nc4 beside an *.nc in a folder given as --data: named, not left out silently (break55a A5)."""

from __future__ import annotations

import logging
import re
import shlex

import netCDF4
import numpy as np
import pytest
from typer.testing import CliRunner

from climann.cli import app
from climann.data.left_out_files import left_out_files
from climann.data.notes import forget_notes
from climann.data.open import expand_paths

runner = CliRunner()


def _write(path, name, *, time_units="hours since 2001-01-01 00:00:00"):
    with netCDF4.Dataset(path, "w") as nc:
        for dim, size in (("time", 24), ("lat", 3), ("lon", 4)):
            nc.createDimension(dim, size)
        time = nc.createVariable("time", "f8", ("time",))
        time.units, time[:] = time_units, np.arange(24)
        for axis, values, units in (("lat", [40.0, 45.0, 50.0], "degrees_north"),
                                    ("lon", [0.0, 5.0, 10.0, 15.0], "degrees_east")):
            variable = nc.createVariable(axis, "f8", (axis,))
            variable.units, variable[:] = units, values
        variable = nc.createVariable(name, "f4", ("time", "lat", "lon"))
        variable.units, variable[:] = "K", 280 + np.arange(24 * 12, dtype=np.float32).reshape(24, 3, 4) / 100
    return path


@pytest.fixture
def folder(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    _write(data / "era5_t850.nc", "t")
    for day in (1, 2, 3):
        _write(data / f"MERRA2_300.tavg1_2d_slv_Nx.2001010{day}.nc4", "T2M",
               time_units=f"hours since 2001-01-0{day} 00:30:00")
    (data / "notes.txt").write_text("not data")
    return data


def test_the_files_left_out_are_those_of_other_netcdf_endings(folder):
    assert [path.name for path in left_out_files(folder)] == [
        f"MERRA2_300.tavg1_2d_slv_Nx.2001010{day}.nc4" for day in (1, 2, 3)]


def test_a_folder_with_nc4_beside_nc_names_them_in_a_warning(folder, caplog):
    forget_notes()
    with caplog.at_level(logging.WARNING):
        files = expand_paths([folder])
    assert [path.name for path in files] == ["era5_t850.nc"]
    assert (f"{folder} gives its *.nc files only (1 read); it also holds 3 *.nc4 files "
            "(MERRA2_300.tavg1_2d_slv_Nx.20010101.nc4, MERRA2_300.tavg1_2d_slv_Nx.20010102.nc4 and 1 more), which are "
            f"not read: to read them too, give them by a glob as well (--data {shlex.quote(str(folder / '*.nc4'))})"
            ) in caplog.text


def test_a_folder_of_nc_alone_says_nothing(tmp_path, caplog):
    _write(tmp_path / "a.nc", "t")
    forget_notes()
    with caplog.at_level(logging.WARNING):
        expand_paths([tmp_path])
    assert "gives its *.nc files only" not in caplog.text


def test_the_target_in_the_files_left_out_is_named_where_it_is(folder, tmp_path, monkeypatch):
    monkeypatch.chdir(folder.parent)
    result = runner.invoke(app, ["train", "--data", "data/", "--target", "T2M", "--predictors", "t", "--epochs", "1",
                                 "--out", str(tmp_path / "run")])
    assert result.exit_code == 2
    line = result.output.strip().splitlines()[-1]
    assert line.startswith("climann: error: target variable 'T2M' not in era5_t850.nc; available: t; 'T2M' is in "
                           "MERRA2_300.tavg1_2d_slv_Nx.20010101.nc4, MERRA2_300.tavg1_2d_slv_Nx.20010102.nc4 and 1 more "
                           "beside them in ")
    given = re.search(r"give those files too \(--data ('[^']*')\)", line).group(1)
    assert given == shlex.quote(str(folder / "*.nc4"))  # and it reads the files left out:
    assert [path.name for path in expand_paths(shlex.split(given))] == [
        f"MERRA2_300.tavg1_2d_slv_Nx.2001010{day}.nc4" for day in (1, 2, 3)]
