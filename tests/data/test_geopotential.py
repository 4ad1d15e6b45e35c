"""JRA-55's geopotential height (gpm) given to a run on ERA5's geopotential (m**2 s**-2): the refusal names
g0 and its line writes a converted copy in a new folder (break55a A3: the line relabelled the units)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess

import netCDF4
import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

from climann.cli import app
from climann.data.geopotential import STANDARD_GRAVITY, geopotential_factor
from climann.data.units import parse_units
from tests.conftest import draw_no_run_figures

runner = CliRunner()

LAT, LON = np.array([60.0, 45.0, 30.0]), np.array([0.0, 10.0, 20.0, 30.0])
DATES = [dt.datetime(year, month, 1) for year in range(2001, 2006) for month in range(1, 13)]


@pytest.mark.parametrize(("units", "to", "factor"), [
    pytest.param("gpm", "m**2 s**-2", STANDARD_GRAVITY, id="gpm-to-geopotential"),
    pytest.param("m", "m2 s-2", STANDARD_GRAVITY, id="m-to-geopotential"),
    pytest.param("dam", "J kg-1", 10 * STANDARD_GRAVITY, id="decametres-to-J-per-kg"),
    pytest.param("m**2 s**-2", "gpm", 1 / STANDARD_GRAVITY, id="geopotential-to-gpm"),
    pytest.param("m2 s-2", "km", 1 / STANDARD_GRAVITY / 1000, id="geopotential-to-km"),
    pytest.param("m", "km", None, id="two-heights"),
    pytest.param("K", "m2 s-2", None, id="other-quantity"),
])
def test_the_factor_is_g0_times_the_units(units, to, factor):
    found = geopotential_factor(parse_units(units, variable="z"), parse_units(to, variable="z"))
    assert found is None if factor is None else found == pytest.approx(factor, rel=1e-12)


def _write(path, name, values, units, *, level=None, latitude="latitude", longitude="longitude",
           time="valid_time", time_units="seconds since 1970-01-01"):
    with netCDF4.Dataset(path, "w") as nc:
        for dim, size in ((time, len(DATES)), (latitude, LAT.size), (longitude, LON.size)):
            nc.createDimension(dim, size)
        stamps = nc.createVariable(time, "f8", (time,))
        stamps.units, stamps.calendar = time_units, "gregorian"
        origin = dt.datetime.strptime(time_units.split(" since ")[1][:10], "%Y-%m-%d")
        stamps[:] = [(date - origin).total_seconds() / (1 if time_units.startswith("seconds") else 3600)
                     for date in DATES]
        for axis, axis_values, axis_units in ((latitude, LAT, "degrees_north"), (longitude, LON, "degrees_east")):
            variable = nc.createVariable(axis, "f4", (axis,))
            variable.units, variable[:] = axis_units, axis_values
        dims = (time, latitude, longitude)
        if level is not None:
            level_name, level_attrs = level
            nc.createDimension(level_name, 1)
            variable = nc.createVariable(level_name, "f4", (level_name,))
            variable.setncatts(level_attrs)
            variable[:] = [850.0]
            dims = (time, level_name, latitude, longitude)
            values = values[:, None]
        variable = nc.createVariable(name, "f4", dims)
        variable.units, variable[:] = units, values
    return path


@pytest.fixture(scope="module")
def era5_and_jra55(tmp_path_factory):
    """ERA5 z (m**2 s**-2) at 850 hPa and t2m; JRA-55's HGT_GDS0_ISBL (gpm) and TMP_GDS0_HTGL of the same fields."""
    root = tmp_path_factory.mktemp("gph")
    rng = np.random.default_rng(553)
    shape = (len(DATES), LAT.size, LON.size)
    gph = (1500 + 40 * np.cos(np.deg2rad(LAT))[None, :, None] + rng.normal(0, 10, shape)).astype(np.float32)
    t2m = 280 + 0.2 * (gph - 1500) + rng.normal(0, 0.5, shape)
    (root / "era5").mkdir()
    (root / "jra55").mkdir()
    pressure = ("pressure_level", {"units": "hPa", "standard_name": "air_pressure"})
    _write(root / "era5" / "era5_pl.nc", "z", gph * STANDARD_GRAVITY, "m**2 s**-2", level=pressure)
    _write(root / "era5" / "era5_sl.nc", "t2m", t2m, "K")
    jra = {"time": "initial_time0_hours", "time_units": "hours since 1800-01-01 00:00"}
    _write(root / "jra55" / "anl_p125.nc", "HGT_GDS0_ISBL", gph, "gpm",
           level=("lv_ISBL1", {"units": "hPa", "long_name": "isobaric level"}), latitude="g0_lat_2",
           longitude="g0_lon_3", **jra)
    _write(root / "jra55" / "anl_surf125.nc", "TMP_GDS0_HTGL", t2m, "K", latitude="g0_lat_1", longitude="g0_lon_2",
           **jra)
    return root, gph


@pytest.mark.skipif(shutil.which("ncap2") is None, reason="NCO is not installed")
def test_the_advised_line_converts_a_copy_in_a_new_folder_which_then_predicts(era5_and_jra55, tmp_path,
                                                                              monkeypatch):
    from climann.workflow.predict import load_run, saved_scalers

    root, gph = era5_and_jra55
    work = tmp_path / "work"
    shutil.copytree(root, work)
    monkeypatch.chdir(work)
    draw_no_run_figures(monkeypatch)
    result = runner.invoke(app, ["train", "--data", "era5/", "--target", "t2m", "--predictors", "z", "--select",
                                 "pressure_level=850", "--features", "", "--epochs", "2", "--hidden", "4",
                                 "--out", "run", "--quiet"])
    assert result.exit_code == 0, result.output
    renames = ["--rename", "*:HGT_GDS0_ISBL=z", "--rename", "*:TMP_GDS0_HTGL=t2m"]
    result = runner.invoke(app, ["predict", "run", "--data", "jra55/*.nc", *renames, "--out", "p.nc"])
    assert result.exit_code == 2
    line = result.output.strip().splitlines()[-1]
    assert "a geopotential height against a geopotential" in line and "multiply by 9.80665 (" in line
    command = re.search(r"multiply by 9\.80665 \((.*) \(its copy in a new folder\)", line).group(1)
    assert "ncatted" not in command
    subprocess.run(["bash", "-c", command], check=True)
    assert sorted(path.name for path in (work / "jra55").iterdir()) == ["anl_p125.nc", "anl_surf125.nc", "units_fixed"]
    with netCDF4.Dataset(work / "jra55" / "units_fixed" / "anl_p125.nc") as copy:
        assert copy["HGT_GDS0_ISBL"].units == "m**2 s**-2"
        np.testing.assert_allclose(np.asarray(copy["HGT_GDS0_ISBL"][:, 0], np.float64),
                                   gph.astype(np.float64) * 9.80665, rtol=1e-6)
    with netCDF4.Dataset(work / "jra55" / "anl_p125.nc") as original:
        assert original["HGT_GDS0_ISBL"].units == "gpm"  # the user's file as it was
    result = runner.invoke(app, ["predict", "run", "--data", "jra55/units_fixed/anl_p125.nc", "--data",
                                 "jra55/anl_surf125.nc", *renames, "--out", "p.nc"])
    assert result.exit_code == 0, result.output
    run = load_run(work / "run")
    inputs, targets = saved_scalers(run)
    z = (gph.astype(np.float64) * 9.80665).reshape(-1, 1)
    expected = targets.inverse_transform(run.network.predict(inputs.transform(z)))[:, 0].reshape(gph.shape)
    with xr.open_dataset(work / "p.nc") as predictions:
        found = predictions["t2m_pred"].values.reshape(gph.shape)
    np.testing.assert_allclose(found, expected, rtol=1e-5)
