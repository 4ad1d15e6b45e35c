"""ERA5's model levels as grib_to_netcdf writes them (``level``, long_name ``model_level_number``, no
units) are no pressure levels: model level 50 is not 50 hPa (break55a A1, A4)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import netCDF4
import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

from climann.cli import app
from climann.data.levels import MODEL_LEVEL_KIND, PRESSURE_KIND, level_kind
from climann.data.open import open_dataset
from climann.errors import ClimannError
from tests.conftest import draw_no_run_figures, network_on_t_by_hand

runner = CliRunner()

LAT, LON = np.array([60.0, 30.0, 0.0, -30.0, -60.0]), np.array([0.0, 90.0, 180.0, 270.0])
DATES = [dt.datetime(year, month, 1) for year in range(2001, 2006) for month in range(1, 13)]
OLD_CDS_PRESSURE = {"units": "millibars", "long_name": "pressure_level"}
GRIB_TO_NETCDF_MODEL = {"long_name": "model_level_number"}
CFGRIB_HYBRID = {"long_name": "hybrid level", "units": "1", "positive": "down",
                 "standard_name": "atmosphere_hybrid_sigma_pressure_coordinate"}


def _write(path, name, values, *, levels=None, level_attrs=None, steps=slice(None)):
    """An ERA5 file as the old CDS (grib_to_netcdf) writes it: ``name(time, [level,] latitude, longitude)``
    in K, ``time`` in hours since 1900, ``level`` int32 with ``level_attrs``."""
    with netCDF4.Dataset(path, "w") as nc:
        nc.createDimension("longitude", LON.size)
        nc.createDimension("latitude", LAT.size)
        nc.createDimension("time", None)
        for axis, axis_values, units in (("longitude", LON, "degrees_east"), ("latitude", LAT, "degrees_north")):
            variable = nc.createVariable(axis, "f4", (axis,))
            variable.units, variable[:] = units, axis_values
        time = nc.createVariable("time", "i4", ("time",))
        time.units, time.calendar = "hours since 1900-01-01 00:00:00.0", "gregorian"
        time[:] = [int((date - dt.datetime(1900, 1, 1)).total_seconds() // 3600) for date in DATES[steps]]
        dims = ("time", "latitude", "longitude")
        if levels is not None:
            nc.createDimension("level", len(levels))
            level = nc.createVariable("level", "i4", ("level",))
            level.setncatts(level_attrs)
            level[:] = levels
            dims = ("time", "level", "latitude", "longitude")
        variable = nc.createVariable(name, "f4", dims)
        variable.units, variable[:] = "K", values[steps]
    return path


@pytest.fixture(scope="module")
def era5(tmp_path_factory):
    """t on pressure levels 100/50/30 hPa, t on model levels 30/50/100 (other values: model level 50
    is lower and warmer than 50 hPa), t2m; the files in folders as a user gives them."""
    root = tmp_path_factory.mktemp("era5")
    rng = np.random.default_rng(55)
    shape = (len(DATES), LAT.size, LON.size)
    months = np.array([date.month for date in DATES])[:, None, None]
    t50 = 210 + 10 * np.cos(2 * np.pi * (months - 7) / 12) * np.sign(LAT)[None, :, None] + rng.normal(0, 1, shape)
    t2m = t50 + 78 - 0.4 * np.abs(LAT)[None, :, None] + rng.normal(0, 0.5, shape)
    pressure = np.stack([t50 + 8, t50, t50 - 3], 1)
    model = np.stack([t50 - 3, t50 + 6, t50 + 40], 1)
    for folder in ("pl", "ml", "mix", "ml_years"):
        (root / folder).mkdir()
        _write(root / folder / "era5_t2m.nc", "t2m", t2m)
    _write(root / "pl" / "era5_t_pl.nc", "t", pressure, levels=[100, 50, 30], level_attrs=OLD_CDS_PRESSURE)
    _write(root / "ml" / "era5_t_ml.nc", "t", model, levels=[30, 50, 100], level_attrs=GRIB_TO_NETCDF_MODEL)
    _write(root / "mix" / "era5_t_pl_2001-2003.nc", "t", pressure, levels=[100, 50, 30],
           level_attrs=OLD_CDS_PRESSURE, steps=slice(0, 36))
    _write(root / "mix" / "era5_t_ml_2004-2005.nc", "t", model, levels=[30, 50, 100],
           level_attrs=GRIB_TO_NETCDF_MODEL, steps=slice(36, 60))
    _write(root / "ml_years" / "era5_t_ml_2001-2003.nc", "t", model, levels=[30, 50, 100],
           level_attrs=GRIB_TO_NETCDF_MODEL, steps=slice(0, 36))
    _write(root / "ml_years" / "era5_t_ml_2004-2005.nc", "t", model, levels=[30, 50, 100],
           level_attrs=GRIB_TO_NETCDF_MODEL, steps=slice(36, 60))
    return root, {"pressure50": pressure[:, 1], "model50": model[:, 1]}


@pytest.mark.parametrize(("attrs", "kind"), [
    pytest.param(GRIB_TO_NETCDF_MODEL, MODEL_LEVEL_KIND, id="grib_to_netcdf"),
    pytest.param({"standard_name": "model_level_number", "axis": "Z"}, MODEL_LEVEL_KIND, id="cf-standard-name"),
    pytest.param({"long_name": "hybrid level", "units": "1"}, MODEL_LEVEL_KIND, id="hybrid-without-formula"),
    pytest.param({"positive": "down"}, MODEL_LEVEL_KIND, id="positive-without-units"),
    pytest.param(CFGRIB_HYBRID, "atmosphere_hybrid_sigma_pressure_coordinate", id="cfgrib-hybrid"),
    pytest.param({"long_name": "atmosphere_sigma_coordinate"}, "atmosphere_sigma_coordinate", id="sigma-long-name"),
    pytest.param(OLD_CDS_PRESSURE, PRESSURE_KIND, id="old-cds-pressure"),
    pytest.param({"units": "mb", "positive": "down"}, None, id="grads-mb-no-model-level"),  # as before: unknown
    pytest.param({"long_name": "level"}, None, id="unknown"),
])
def test_the_kind_of_a_level_is_read_from_what_its_attributes_say(attrs, kind):
    assert level_kind(xr.DataArray([30, 50, 100], dims="level", attrs=attrs)) == kind


def test_files_of_a_pressure_level_and_a_model_level_are_refused_not_combined(era5):
    """break55a A4: 2001-03 on pressure levels, 2004-05 on model levels, level=50 selected, trained with exit 0."""
    root, _ = era5
    files = sorted((root / "mix").glob("*.nc"))
    with pytest.raises(ClimannError) as error:
        open_dataset(files, select={"level": 50})
    said = str(error.value)
    assert said.startswith("the level axis 'level' is of different kinds in the files (")
    assert "era5_t_ml_2004-2005.nc: a model level number (long_name model_level_number, no units)" in said
    assert "era5_t_pl_2001-2003.nc: a pressure (in millibars)" in said and "cdo ml2pl" in said


def test_files_of_model_levels_of_other_years_combine_at_the_model_level_selected(era5):
    root, values = era5
    combined = open_dataset(sorted((root / "ml_years").glob("*.nc")), select={"level": 50})
    np.testing.assert_array_equal(combined["t"].sel(level=50).values, values["model50"].astype(np.float32))


def _train(root, folder, out, monkeypatch, *extra):
    draw_no_run_figures(monkeypatch)
    result = runner.invoke(app, ["train", "--data", str(root / folder), "--target", "t2m", "--predictors", "t",
                                 "--select", "level=50", "--features", "", "--epochs", "2", "--hidden", "4", "--out", str(out),
                                 "--quiet", *extra])
    return result


@pytest.fixture(scope="module")
def runs(era5, tmp_path_factory):
    root, _ = era5
    out = tmp_path_factory.mktemp("runs")
    with pytest.MonkeyPatch.context() as monkeypatch:
        for folder in ("pl", "ml"):
            result = _train(root, folder, out / folder, monkeypatch)
            assert result.exit_code == 0, result.output
    return out


def test_train_refuses_the_mix_of_pressure_and_model_levels_in_one_line(era5, tmp_path, monkeypatch):
    root, _ = era5
    result = _train(root, "mix", tmp_path / "mix", monkeypatch)
    assert result.exit_code == 2 and "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines[-1].startswith("climann: error: the level axis 'level' is of different kinds in the files")
    assert not (tmp_path / "mix" / "model.npz").exists()


def test_a_pressure_given_for_a_model_level_number_is_refused_with_the_ml2pl_route(era5, tmp_path, monkeypatch):
    root, _ = era5
    result = _train(root, "ml", tmp_path / "hpa", monkeypatch)  # a bare number: model level 50, trained
    assert result.exit_code == 0, result.output
    draw_no_run_figures(monkeypatch)
    result = runner.invoke(app, ["train", "--data", str(root / "ml"), "--target", "t2m", "--predictors", "t",
                                 "--select", "level=50 hPa", "--epochs", "1", "--out", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert ("'level' is a model level number (long_name model_level_number, no units), not a pressure"
            in result.output and "cdo ml2pl" in result.output)


@pytest.mark.parametrize(("run", "data", "level"), [
    pytest.param("pl", "pl", "pressure50", id="pressure-run-on-pressure-levels"),
    pytest.param("ml", "ml", "model50", id="model-level-run-on-model-levels"),
])
def test_predict_on_the_same_kind_of_level_takes_that_level(era5, runs, tmp_path, run, data, level):
    root, values = era5
    out = tmp_path / "p.nc"
    result = runner.invoke(app, ["predict", str(runs / run), "--data", str(root / data), "--out", str(out)])
    assert result.exit_code == 0, result.output
    with xr.open_dataset(out) as predictions:
        found = predictions["t2m_pred"].transpose("time", "latitude", "longitude").values
    np.testing.assert_allclose(found, network_on_t_by_hand(runs / run, values[level].astype(np.float32)), rtol=1e-5)


@pytest.mark.parametrize("command", ["predict", "evaluate"])
@pytest.mark.parametrize(("run", "data", "trained", "given"), [
    pytest.param("pl", "ml", "a pressure", "a model level number (long_name model_level_number, no units)",
                 id="pressure-run-on-model-levels"),
    pytest.param("ml", "pl", "a model level number", "a pressure (in millibars)", id="model-level-run-on-pressure"),
])
def test_new_data_on_another_kind_of_level_are_refused(era5, runs, tmp_path, command, run, data, trained, given):
    """break55a A1: predict and evaluate --data took the run's 50 hPa at model level 50, exit 0, no word."""
    root, _ = era5
    out = ["--out", str(tmp_path / ("p.nc" if command == "predict" else "scores"))]
    result = runner.invoke(app, [command, str(runs / run), "--data", str(root / data), *out])
    assert result.exit_code == 2, result.output
    line = result.output.strip().splitlines()[-1]
    assert line.startswith("climann: error: the model's training data are at level=50")
    assert f"{trained}, but 'level' in era5_t_{data}.nc is {given}" in line and "cdo ml2pl" in line


def test_evaluate_on_the_same_kind_of_level_scores_the_run(era5, runs, tmp_path):
    root, values = era5
    result = runner.invoke(app, ["evaluate", str(runs / "ml"), "--data", str(root / "ml_years"),
                                 "--out", str(tmp_path / "scores")])
    assert result.exit_code == 0, result.output
    with xr.open_dataset(tmp_path / "scores" / "predictions.nc") as predictions:  # every step of the new data
        found = predictions["t2m_pred"].transpose("time", "latitude", "longitude").values
    np.testing.assert_allclose(found, network_on_t_by_hand(runs / "ml", values["model50"].astype(np.float32)), rtol=1e-5)


def _hybrid_grib(path, fields, *, levels, pv=None, log_surface_pressure=None):
    """t on cfgrib's ``hybrid`` levels, one GRIB2 message per month and level (fields: (month, level, lat, lon)),
    with the hybrid coefficients ``pv`` (a at the interfaces, then b) and ERA5's lnsp on level 1 when given."""
    eccodes = pytest.importorskip("eccodes")
    latitudes, longitudes = LAT[:3], LON
    grid = {"Ni": longitudes.size, "Nj": latitudes.size, "latitudeOfFirstGridPointInDegrees": latitudes[0],
            "latitudeOfLastGridPointInDegrees": latitudes[-1], "longitudeOfFirstGridPointInDegrees": longitudes[0],
            "longitudeOfLastGridPointInDegrees": longitudes[-1], "iDirectionIncrementInDegrees": 90.0,
            "jDirectionIncrementInDegrees": 30.0}
    with open(path, "wb") as file:
        for month, month_fields in enumerate(fields):
            messages = [("t", level, field) for level, field in zip(levels, month_fields)]
            if log_surface_pressure is not None:
                messages.insert(0, ("lnsp", 1, log_surface_pressure))
            for name, level, field in messages:
                message = eccodes.codes_grib_new_from_samples("regular_ll_sfc_grib2")
                for key, value in grid.items():
                    eccodes.codes_set(message, key, value)
                eccodes.codes_set(message, "typeOfLevel", "hybrid")
                eccodes.codes_set(message, "level", int(level))
                if pv is not None:
                    eccodes.codes_set(message, "PVPresent", 1)
                    eccodes.codes_set_array(message, "pv", np.asarray(pv, float))
                eccodes.codes_set(message, "shortName", name)
                eccodes.codes_set(message, "dataDate", 20010101 + month * 100)
                eccodes.codes_set_values(message, np.asarray(field, float).ravel())
                eccodes.codes_write(message, file)
                eccodes.codes_release(message)
    return path


@pytest.mark.parametrize(("asked", "level"), [
    pytest.param(50, "cdo ml2pl,85000 ", id="bare-number"),
    pytest.param("50 hPa", "cdo ml2pl,5000 ", id="hPa"),
])
def test_a_pressure_level_asked_of_cfgribs_hybrid_levels_is_refused_with_the_ml2pl_route(tmp_path, asked, level):
    """fix56d: ``--select level=50`` on a GRIB file of ERA5's model levels that cfgrib reads as ``hybrid`` said
    only "no dimension 'level'"; now that its levels are model levels, how to choose one, and cdo ml2pl."""
    from climann.data.open import expand_paths
    from climann.data.subset import select_values

    pytest.importorskip("cfgrib")
    fields = np.random.default_rng(56).normal(220.0, 5.0, (2, 3, 3, LON.size))
    path = _hybrid_grib(tmp_path / "t_ml.grib2", fields, levels=[30, 50, 100])
    dataset = open_dataset(expand_paths([str(path)]))
    assert dataset["hybrid"].attrs == CFGRIB_HYBRID  # as cfgrib writes it
    with pytest.raises(ClimannError) as error:
        select_values(dataset, {"level": asked}, where="t_ml.grib2", reference="")
    said = str(error.value)
    assert said.startswith(f"cannot select level={asked}: no dimension 'level' of the data")
    assert ("the data's levels are model levels, not pressure levels: 'hybrid' is a hybrid sigma-pressure model "
            "level, not a pressure") in said
    assert "--select hybrid=50," in said or asked != 50  # the model level of that number, when it is one
    assert level + "IN.grib OUT.grib" in said and "surface pressure in the same GRIB file" in said
    np.testing.assert_allclose(select_values(dataset, {"hybrid": 50})["t"].values, fields[:, 1],
                               atol=0.01)  # GRIB's packing of the values
    with pytest.raises(ClimannError) as error:  # another dimension: no word of levels
        select_values(dataset, {"member": 3}, where="t_ml.grib2", reference="")
    assert "model levels" not in str(error.value)


def test_the_ml2pl_route_for_cfgribs_hybrid_levels_interpolates_the_grib_file(tmp_path):
    """The route the refusal gives, run on a GRIB of t on 3 hybrid levels and lnsp (level 1) with the coefficients
    in its messages: t at 50 hPa is t interpolated linearly in pressure between the levels' mid-layer pressures
    (each (p[k-1/2] + p[k+1/2]) / 2, p = a + b ps at the interfaces), as numpy computes it."""
    from climann.data.levels import GRIB_ML2PL_NEEDS

    cdo = shutil.which("cdo") or pytest.skip("cdo is not installed")
    a, b = np.array([0.0, 2000.0, 5000.0, 0.0]), np.array([0.0, 0.0, 0.3, 1.0])
    surface = np.linspace(95000.0, 103000.0, 3 * LON.size).reshape(3, LON.size)
    fields = np.random.default_rng(561).normal(220.0, 5.0, (2, 3, 3, LON.size))
    original = tmp_path / "ml"
    original.mkdir()
    path = _hybrid_grib(original / "t_ml.grib2", fields, levels=[1, 2, 3], pv=np.concatenate([a, b]),
                        log_surface_pressure=np.log(surface))
    assert "surface pressure in the same GRIB file" in GRIB_ML2PL_NEEDS
    (tmp_path / "pl").mkdir()
    subprocess.run([cdo, "-s", "ml2pl,5000", str(path), str(tmp_path / "pl" / "t_ml.grib2")], check=True)
    interfaces = a[:, None, None] + b[:, None, None] * surface  # (4, lat, lon)
    middles = (interfaces[:-1] + interfaces[1:]) / 2
    weight = (5000.0 - middles[0]) / (middles[1] - middles[0])  # 5000 Pa lies between levels 1 and 2
    expected = fields[:, 0] + weight * (fields[:, 1] - fields[:, 0])
    with xr.open_dataset(tmp_path / "pl" / "t_ml.grib2", engine="cfgrib", backend_kwargs={"indexpath": ""}) as found:
        np.testing.assert_allclose(found["t"].values.reshape(expected.shape), expected, atol=0.02)
    assert sorted(p.name for p in original.iterdir()) == ["t_ml.grib2"]
