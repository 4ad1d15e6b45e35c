"""A download of one pressure level under another product's name of the level: ERA5's old CDS writes
``level(1) = 850`` millibars, the new CDS ``pressure_level(1) = 850`` hPa, JRA-55 ``lv_ISBL1(1) = 850`` hPa;
a run selected at the other name takes it as it takes their files of several levels (break55a A2)."""

from __future__ import annotations

import datetime as dt

import netCDF4
import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

from climann.cli import app
from tests.conftest import draw_no_run_figures, network_on_t_by_hand

runner = CliRunner()

LAT, LON = np.array([60.0, 30.0, 0.0, -30.0]), np.array([0.0, 120.0, 240.0])
DATES = [dt.datetime(year, month, 1) for year in range(2001, 2006) for month in range(1, 13)]
LEVELS = [1000, 850, 500]
#: Each product's name of the pressure level, its attributes and its time axis.
PRODUCTS = {
    "new_cds": ("pressure_level", {"units": "hPa", "standard_name": "air_pressure", "long_name": "pressure",
                                   "positive": "down"}, "valid_time", "seconds since 1970-01-01"),
    "old_cds": ("level", {"units": "millibars", "long_name": "pressure_level"}, "time",
                "hours since 1900-01-01 00:00:00.0"),
    "jra55": ("lv_ISBL1", {"units": "hPa", "long_name": "Isobaric surface"}, "initial_time0_hours",
              "hours since 1800-01-01 00:00"),
}


def _write(path, product, name, values, levels=None):
    """``name(time, [level,] latitude, longitude)`` in K, as ``product`` names its axes."""
    level_name, level_attrs, time_name, time_units = PRODUCTS[product]
    with netCDF4.Dataset(path, "w") as nc:
        for dim, size in ((time_name, len(DATES)), ("latitude", LAT.size), ("longitude", LON.size)):
            nc.createDimension(dim, size)
        time = nc.createVariable(time_name, "f8", (time_name,))
        time.units, time.calendar = time_units, "gregorian"
        origin = dt.datetime.strptime(time_units.split(" since ")[1][:10], "%Y-%m-%d")
        per = 1.0 if time_units.startswith("seconds") else 3600.0
        time[:] = [(date - origin).total_seconds() / per for date in DATES]
        for axis, axis_values, units in (("latitude", LAT, "degrees_north"), ("longitude", LON, "degrees_east")):
            variable = nc.createVariable(axis, "f8", (axis,))
            variable.units, variable[:] = units, axis_values
        dims = (time_name, "latitude", "longitude")
        if levels is not None:
            nc.createDimension(level_name, len(levels))
            level = nc.createVariable(level_name, "f8", (level_name,))
            level.setncatts(level_attrs)
            level[:] = levels
            dims = (time_name, level_name, "latitude", "longitude")
        variable = nc.createVariable(name, "f4", dims)
        variable.units, variable[:] = "K", values
    return path


@pytest.fixture(scope="module")
def downloads(tmp_path_factory):
    """Each product's t at 1000/850/500 hPa, at 850 hPa alone and at 500 hPa alone, beside t2m."""
    root = tmp_path_factory.mktemp("downloads")
    rng = np.random.default_rng(552)
    shape = (len(DATES), LAT.size, LON.size)
    t850 = 270 + 15 * np.cos(np.deg2rad(LAT))[None, :, None] + rng.normal(0, 2, shape)
    t2m = t850 + 9 + rng.normal(0, 0.5, shape)
    t = np.stack([t850 + 8, t850, t850 - 25], 1)
    for product in PRODUCTS:
        for folder, levels in (("three", LEVELS), ("850", [850]), ("500", [500])):
            (root / product / folder).mkdir(parents=True)
            chosen = [LEVELS.index(level) for level in levels]
            _write(root / product / folder / "t.nc", product, "t", t[:, chosen], levels)
            _write(root / product / folder / "t2m.nc", product, "t2m", t2m)
    return root, t850


@pytest.fixture(scope="module")
def runs(downloads, tmp_path_factory):
    """A run of each CDS, trained on its 3-level files at its own name of 850 hPa."""
    root, _ = downloads
    out = tmp_path_factory.mktemp("runs")
    with pytest.MonkeyPatch.context() as monkeypatch:
        draw_no_run_figures(monkeypatch)
        for product in ("new_cds", "old_cds"):
            result = runner.invoke(app, [
                "train", "--data", str(root / product / "three"), "--target", "t2m", "--predictors", "t",
                "--select", f"{PRODUCTS[product][0]}=850", "--features", "", "--epochs", "2", "--hidden", "4",
                "--out", str(out / product), "--quiet"])
            assert result.exit_code == 0, result.output
    return out


@pytest.mark.parametrize(("run", "given"), [
    pytest.param("new_cds", "old_cds", id="new-cds-run-old-cds-level"),
    pytest.param("old_cds", "new_cds", id="old-cds-run-new-cds-pressure_level"),
    pytest.param("new_cds", "jra55", id="new-cds-run-jra55-lv_ISBL1"),
])
def test_a_download_of_the_runs_level_alone_is_taken_at_it(downloads, runs, tmp_path, run, given):
    root, t850 = downloads
    out = tmp_path / "p.nc"
    result = runner.invoke(app, ["predict", str(runs / run), "--data", str(root / given / "850"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"has no dimension '{PRODUCTS[run][0]}'" in result.output  # the mapping is said
    with xr.open_dataset(out) as predictions:
        found = predictions["t2m_pred"].transpose(..., "latitude", "longitude").values
    np.testing.assert_allclose(found, network_on_t_by_hand(runs / run, t850.astype(np.float32)), rtol=1e-5)


@pytest.mark.parametrize(("run", "given"), [
    pytest.param("new_cds", "old_cds", id="new-cds-run-old-cds-level"),
    pytest.param("old_cds", "new_cds", id="old-cds-run-new-cds-pressure_level"),
])
def test_a_download_of_another_level_alone_is_refused_naming_it(downloads, runs, tmp_path, run, given):
    root, _ = downloads
    result = runner.invoke(app, ["predict", str(runs / run), "--data", str(root / given / "500"),
                                 "--out", str(tmp_path / "p.nc")])
    assert result.exit_code == 2, result.output
    line = result.output.strip().splitlines()[-1]
    assert line.startswith(f"climann: error: the model's training data are at {PRODUCTS[given][0]}=850")
    assert "500" in line and not (tmp_path / "p.nc").exists()



def _train_at(root, folder, asked, out):
    return runner.invoke(app, ["train", "--data", str(folder), "--target", "t2m", "--predictors", "t",
                               "--select", f"{asked}=850", "--features", "", "--epochs", "2", "--hidden", "4",
                               "--out", str(out)])


@pytest.mark.parametrize(("asked", "given"), [
    pytest.param("level", "jra55", id="level-on-jra55-lv_ISBL1"),
    pytest.param("level", "new_cds", id="level-on-new-cds-pressure_level"),
    pytest.param("pressure_level", "old_cds", id="pressure_level-on-old-cds-level"),
])
def test_train_takes_a_download_of_its_level_alone_under_another_name(downloads, tmp_path, monkeypatch, asked, given):
    """fix56d: train refused ``--select level=850`` on JRA-55's lv_ISBL1(1) ("no dimension 'level'") where
    predict took it; now the same mapping and warning, and the run's predictions on those files are at 850 hPa."""
    root, t850 = downloads
    draw_no_run_figures(monkeypatch)
    result = _train_at(root, root / given / "850", asked, tmp_path / "run")
    assert result.exit_code == 0, result.output
    assert f"has no dimension '{asked}' of the run's [data] select; its '{PRODUCTS[given][0]}'" in result.output
    out = tmp_path / "p.nc"
    result = runner.invoke(app, ["predict", str(tmp_path / "run"), "--data", str(root / given / "850"),
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    with xr.open_dataset(out) as predictions:
        found = predictions["t2m_pred"].transpose(..., "latitude", "longitude").values
    np.testing.assert_allclose(found, network_on_t_by_hand(tmp_path / "run", t850.astype(np.float32)), rtol=1e-5)


def test_train_refuses_a_download_of_another_level_alone(downloads, tmp_path, monkeypatch):
    root, _ = downloads
    draw_no_run_figures(monkeypatch)
    result = _train_at(root, root / "jra55" / "500", "level", tmp_path / "run")
    assert result.exit_code == 2, result.output
    line = result.output.strip().splitlines()[-1]
    assert line.startswith("climann: error: ") and "lv_ISBL1" in line and "500" in line and "850" in line
    assert not (tmp_path / "run" / "model.npz").exists()
