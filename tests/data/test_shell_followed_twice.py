"""Advised lines that write a file, followed twice (fix52b): CDO writes over an existing output without
asking (only ens*, merge and mergetime check), the shell's ``>`` likewise, and NCO asks but its "n" exits 0;
so a line followed a second time, or after a file took its copy's name, replaced that file. Each builder of
such lines (:func:`climann.data.shell.cdo_command`, :func:`~climann.data.shell.copies_command`'s single copy
and loop, :func:`~climann.data.shell.copies_of_files`' loop, the placeholder lines of
:class:`~climann.data.time_values.TimeValuesError`, the grid description's ``printf >``, a sweep file's
``printf >``, ``cdo splityear``'s years) now keeps the file there byte for byte and says so
(:func:`tests.followed_twice.assert_left_as_it_is`); run once, each still writes what it wrote."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path

import netCDF4
import numpy as np
import pytest

from climann.data.coordinate_values import remap_advice
from climann.data.grid_cuts import interpolation_onto_2d_advice
from climann.data.selection_lists import sweep_file_command
from climann.data.shell import copies_of_files, ncatted_attribute, ncatted_command
from climann.data.step_periods import bounds_advice, closing_bounds_advice
from climann.data.time_commands import day_bounds_command, shift_command
from climann.data.time_values import TimeValuesError
from climann.workflow.config import _validation_block_way
from tests.followed_twice import assert_left_as_it_is, md5
from tests.fresh_python import shell_path


def _daily(path: Path, *, first_day: int = 0, days: int = 4, units: str = "days since 2000-01-01",
           calendar: str = "standard") -> Path:
    """A small CF file cdo copies whole: tas(time, lat, lon), time in ``units`` from ``first_day``."""
    with netCDF4.Dataset(path, "w") as ds:
        ds.createDimension("time", None)
        ds.createDimension("lat", 2)
        ds.createDimension("lon", 3)
        time = ds.createVariable("time", "f8", ("time",))
        time.units, time.calendar, time.standard_name, time.axis = units, calendar, "time", "T"
        time[:] = np.arange(first_day, first_day + days, dtype=float)
        lat = ds.createVariable("lat", "f4", ("lat",))
        lat.units, lat.standard_name = "degrees_north", "latitude"
        lat[:] = [10.0, 20.0]
        lon = ds.createVariable("lon", "f4", ("lon",))
        lon.units, lon.standard_name = "degrees_east", "longitude"
        lon[:] = [0.0, 10.0, 20.0]
        tas = ds.createVariable("tas", "f4", ("time", "lat", "lon"))
        tas.units = "K"
        tas[:] = 270.0 + np.arange(days * 6, dtype=np.float32).reshape(days, 2, 3) + first_day
    return path


def _run(line: str, cwd: Path) -> subprocess.CompletedProcess:
    """``line`` in bash in ``cwd``, as a user pastes it; NCO's "overwrite?" answered "n"."""
    return subprocess.run(["bash", "-c", line], capture_output=True, text=True, cwd=cwd, input="n\n" * 20,
                          env={**os.environ, "PATH": shell_path()})


def _in_backticks(text: str) -> list[str]:
    return re.findall(r"`([^`]+)`", text)


def _followed_twice(line: str, cwd: Path, target: Path, users_file: Path) -> None:
    """``line`` run once (it writes ``target``), then again with a file of the user's at ``target``."""
    first = _run(line, cwd)
    assert first.returncode == 0, first.stderr
    assert target.exists()
    assert_left_as_it_is(target, lambda: _run(line, cwd), users_file)


@pytest.mark.parametrize("build", [
    pytest.param(lambda files: day_bounds_command("time", files), id="cdo_command-settbounds"),
    pytest.param(lambda files: shift_command(-90, "time", files), id="cdo_command-shifttime"),
])
def test_a_cdo_line_on_a_file_and_its_copy_never_replaces_the_copy(tmp_path, monkeypatch, build):
    """Before: cdo wrote over sst_fixed.nc the second time (md5 changed, exit 0)."""
    monkeypatch.chdir(tmp_path)
    source, users = _daily(tmp_path / "sst.nc"), _daily(tmp_path / "users.nc", first_day=40)
    line = build("sst.nc sst_fixed.nc")
    _followed_twice(line, tmp_path, tmp_path / "sst_fixed.nc", users)
    assert md5(source) == md5(_daily(tmp_path / "again.nc"))  # the input as it was


def test_the_bounds_loop_over_several_files_checks_every_copy_before_it_writes_one(tmp_path, monkeypatch):
    """copies_command's loop (mkdir -p passes the second time): before, cdo wrote over each copy; now the loop
    first looks at every copy's name, and with one there writes none of them."""
    monkeypatch.chdir(tmp_path)
    files = [_daily(tmp_path / f"tas_{year}.nc", first_day=366 * number) for number, year in enumerate((2000, 2001))]
    advice = bounds_advice(files, "daily")
    line = next(command for command in _in_backticks(advice) if "cdo settbounds,day" in command)
    first = _run(line, tmp_path)
    assert first.returncode == 0, first.stderr
    copies = [tmp_path / "with_bounds" / file.name for file in files]
    with netCDF4.Dataset(copies[1]) as ds:  # the day holding each stamp: [t, t + 1]
        np.testing.assert_array_equal(ds["time_bnds"][:], np.stack([np.arange(366, 370), np.arange(367, 371)], 1))
    copies[0].unlink()
    assert_left_as_it_is(copies[1], lambda: _run(line, tmp_path), tmp_path / "tas_2000.nc")
    assert not copies[0].exists()  # nothing half-done


def test_the_closing_bounds_line_of_one_file_never_replaces_its_copy(tmp_path, monkeypatch):
    """copies_command's single copy: ``mkdir -p with_bounds && cdo … IN with_bounds/IN``."""
    monkeypatch.chdir(tmp_path)
    _daily(tmp_path / "cesm.nc", first_day=31, days=1)
    line = next(command for command in _in_backticks(closing_bounds_advice(tmp_path / "cesm.nc", "monthly"))
                if "cdo " in command)
    _followed_twice(line, tmp_path, tmp_path / "with_bounds" / "cesm.nc", _daily(tmp_path / "users.nc"))


def test_closing_bounds_on_months_since_in_360_day_gives_only_lines_that_run(tmp_path, monkeypatch):
    """fix51e left it: closing_bounds_advice gave an xarray line for a ``months since`` 360_day axis, which
    failed (xarray writes no times in months: OutOfBoundsDatetime, nothing written); bounds_advice says so
    since fix51h. Now every line given runs, and cdo's gives each value the month before its stamp."""
    monkeypatch.chdir(tmp_path)
    _daily(tmp_path / "isimip.nc", first_day=1, days=24, units="months since 2000-01-01", calendar="360_day")
    advice = closing_bounds_advice(tmp_path / "isimip.nc", "monthly")
    lines = [command for command in _in_backticks(advice) if "mkdir -p" in command]
    assert lines
    for line in lines:
        finished = _run(line, tmp_path)
        assert finished.returncode == 0, (line[:80], finished.stderr[-400:])
        for made in (tmp_path / "with_bounds").iterdir():
            made.unlink()
    assert "no xarray line" in advice
    _run(lines[0], tmp_path)
    with netCDF4.Dataset(tmp_path / "with_bounds" / "isimip.nc") as ds:  # month n stamped n+1: cell [n, n+1]
        np.testing.assert_array_equal(ds["time_bnds"][:], np.stack([np.arange(0, 24), np.arange(1, 25)], 1))


def test_a_loop_of_copies_of_files_checks_every_copy_before_it_writes_one(tmp_path, monkeypatch):
    """copies_of_files' loop (an ncatted over each file): the second time NCO asked, "n" exited 0 and the loop
    went on; now nothing is asked, the line stops and says which copy is there."""
    monkeypatch.chdir(tmp_path)
    files = [_daily(tmp_path / name) for name in ("a.nc", "b.nc")]
    line = copies_of_files(lambda arguments, _: ncatted_command([ncatted_attribute("units", "tas", "o", "c", "degC")],
                                                                arguments), files, name="units_fixed")
    line = line[:line.index(" (a copy of each")]
    first = _run(line, tmp_path)
    assert first.returncode == 0, first.stderr
    with netCDF4.Dataset(tmp_path / "units_fixed" / "b.nc") as ds:
        assert ds["tas"].units == "degC"
    (tmp_path / "units_fixed" / "a.nc").unlink()
    assert_left_as_it_is(tmp_path / "units_fixed" / "b.nc", lambda: _run(line, tmp_path), files[0])
    assert not (tmp_path / "units_fixed" / "a.nc").exists()  # nothing half-done


def test_a_placeholder_cdo_line_of_a_time_values_refusal_never_replaces_the_copy(tmp_path, monkeypatch):
    """TimeValuesError.in_file fills ``{input} {copy}`` of a cdo line (ERA5's monthly means by hour)."""
    monkeypatch.chdir(tmp_path)
    source = _daily(tmp_path / "era5.nc")
    text = TimeValuesError("{file}: take one day (e.g. `cdo seltimestep,1 {input} {copy}`)").in_file(source)
    (line,) = _in_backticks(text)
    _followed_twice(line, tmp_path, tmp_path / "era5_fixed.nc", _daily(tmp_path / "users.nc", first_day=9))


def test_the_grid_description_and_the_remap_never_replace_a_file(tmp_path, monkeypatch):
    """remap_advice's ``printf … > GRID && cdo remapcon,GRID IN OUT``: the shell's > and cdo each wrote over
    a file there."""
    monkeypatch.chdir(tmp_path)
    _daily(tmp_path / "icon.nc")
    grid = "icon_grid.txt"
    before = (f"printf 'gridtype = lonlat\\nxsize = 2\\nysize = 2\\nxfirst = 5\\nxinc = 10\\nyfirst = 12\\n"
              f"yinc = 5\\n' > {grid} && ")
    (line,) = _in_backticks(remap_advice(False, before, grid, "icon.nc icon_regridded.nc"))
    first = _run(line, tmp_path)
    assert first.returncode == 0, first.stderr
    with netCDF4.Dataset(tmp_path / "icon_regridded.nc") as ds:
        assert ds["tas"].shape == (4, 2, 2)  # on the described 2 x 2 grid
    (tmp_path / grid).unlink()
    assert_left_as_it_is(tmp_path / "icon_regridded.nc", lambda: _run(line, tmp_path),
                         _daily(tmp_path / "users.nc", first_day=3))
    (tmp_path / "icon_regridded.nc").unlink()
    assert_left_as_it_is(tmp_path / grid, lambda: _run(line, tmp_path), tmp_path / "users.nc")


def test_the_remap_onto_a_2d_grid_never_replaces_its_copy(tmp_path, monkeypatch):
    """grid_cuts' remapbil line (one file): ``cdo remapbil,REF IN IN_regridded.nc``."""
    monkeypatch.chdir(tmp_path)
    own = _daily(tmp_path / "era5.nc")
    with netCDF4.Dataset(tmp_path / "swe.nc", "w") as ds:
        ds.createDimension("y", 2)
        ds.createDimension("x", 2)
        for name, units, values in (("lat", "degrees_north", [[11.0, 11.0], [19.0, 19.0]]),
                                    ("lon", "degrees_east", [[1.0, 9.0], [1.0, 9.0]])):
            variable = ds.createVariable(name, "f8", ("y", "x"))
            variable.units, variable[:] = units, values
        swe = ds.createVariable("swe", "f4", ("y", "x"))
        swe.coordinates, swe[:] = "lat lon", np.ones((2, 2))
    import xarray as xr

    with xr.open_dataset(tmp_path / "swe.nc") as reference, xr.open_dataset(own) as opened:
        advice = interpolation_onto_2d_advice({"lat": reference["lat"], "lon": reference["lon"]}, tmp_path / "swe.nc",
                                              {"lat": opened["lat"], "lon": opened["lon"]}, own)
    (line,) = [command for command in _in_backticks(advice) if "remapbil" in command]
    target = Path(shlex.split(line)[-1])
    _followed_twice(line, tmp_path, tmp_path / target, _daily(tmp_path / "users.nc", first_day=3))


def test_a_sweep_file_line_never_replaces_a_sweep_file_there(tmp_path, monkeypatch):
    """``printf … > select.toml && climann sweep select.toml``: with select.toml there (the user's edits of the
    first one, or a file named so since), the shell's > replaced it."""
    monkeypatch.chdir(tmp_path)
    line = sweep_file_command(["[data]", 'paths = ["a.nc"]'], folder=tmp_path)
    (tmp_path / "mine.toml").write_text("[sweep]\n")
    assert_left_as_it_is(tmp_path / "select.toml", lambda: _run(line, tmp_path), tmp_path / "mine.toml")


def test_the_splityear_line_never_replaces_a_year_file_there(tmp_path, monkeypatch):
    """``cdo splityear train.nc train_`` writes train_YYYY.nc over any there."""
    monkeypatch.chdir(tmp_path)
    _daily(tmp_path / "train.nc", first_day=364, days=4)  # 2000-12-30 … 2001-01-02
    (line,) = _in_backticks(_validation_block_way(("train.nc",)))
    first = _run(line, tmp_path)
    assert first.returncode == 0, first.stderr
    assert sorted(path.name for path in tmp_path.glob("train_*.nc")) == ["train_2000.nc", "train_2001.nc"]
    (tmp_path / "train_2000.nc").unlink()
    assert_left_as_it_is(tmp_path / "train_2001.nc", lambda: _run(line, tmp_path), tmp_path / "train.nc")
    assert not (tmp_path / "train_2000.nc").exists()
