"""Levels whose pressure changes with time (break41b B1): refused by info and train alike."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

from climann.cli import app
from tests.conftest import draw_no_run_figures

N_TIME, N_LEVEL = 8, 4


def _soundings(*, varying: bool) -> tuple[xr.Dataset, np.ndarray]:
    """An IGRA-like timeSeriesProfile of one station: pres(station, time, level), axis Z, in hPa,
    each sounding's levels at its own pressures (or the same ones at every sounding)."""
    rng = np.random.default_rng(3)
    base = np.array([1000.0, 850.0, 500.0, 250.0])
    pressure = base + (rng.uniform(-200, 0, (N_TIME, N_LEVEL)) if varying else np.zeros((N_TIME, N_LEVEL)))
    if not varying:  # one sounding that did not reach the top level: missing there, the levels still fixed
        pressure[3, 3] = np.nan
    temperature = 288.0 - 60.0 * np.log(1000.0 / pressure) + rng.normal(0, 1, pressure.shape)
    dataset = xr.Dataset(
        {name: (("station", "time", "level"), values[None], {"units": units})
         for name, values, units in (("temp", temperature, "K"), ("rh", 50 + 0 * temperature, "%"))},
        coords={"time": ("time", 12.0 * np.arange(N_TIME), {"units": "hours since 2018-01-01", "standard_name": "time"}),
                "lat": ("station", [40.53], {"units": "degrees_north", "standard_name": "latitude"}),
                "lon": ("station", [-80.22], {"units": "degrees_east", "standard_name": "longitude"}),
                "pres": (("station", "time", "level"), pressure[None],
                         {"units": "hPa", "standard_name": "air_pressure", "axis": "Z", "positive": "down"})},
        attrs={"Conventions": "CF-1.8", "featureType": "timeSeriesProfile"})
    return dataset, pressure


def _grid_with_pressure() -> tuple[xr.Dataset, np.ndarray]:
    """ta(time, level, lat, lon) whose ``coordinates`` names pres(time, level, lat, lon), beside rsdt."""
    rng = np.random.default_rng(4)
    pressure = 1000.0 * np.array([1.0, 0.7, 0.3])[None, :, None, None] * (1 + 0.1 * rng.normal(size=(6, 3, 2, 3)))
    return xr.Dataset(
        {"ta": (("time", "level", "lat", "lon"), 250 + 0.05 * pressure, {"units": "K"}),
         "rsdt": (("time", "lat", "lon"), rng.uniform(0, 400, (6, 2, 3)), {"units": "W m-2"})},
        coords={"time": ("time", 30.0 * np.arange(6), {"units": "days since 2000-01-15"}),
                "level": ("level", [0, 1, 2]), "lat": ("lat", [-10.0, 10.0], {"units": "degrees_north"}),
                "lon": ("lon", [0.0, 120.0, 240.0], {"units": "degrees_east"}),
                "pres": (("time", "level", "lat", "lon"), pressure, {"units": "hPa", "standard_name": "air_pressure"})},
    ), pressure


def _refusal(result, path: str, users: str, index: int, pressure: np.ndarray) -> None:
    low, high = pressure.min(), pressure.max()
    assert result.exit_code == 2, result.output
    assert (f"climann: error: {path}: the levels of 'level' (on {users}) are no fixed pressure: 'pres' changes from "
            f"one time step to the next (level {index} spans {low:.6g}…{high:.6g} hPa)") in result.output
    assert "interpolate each sounding (each column) to fixed levels of 'pres' first" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", [pytest.param("info", id="info"), pytest.param("train", id="train")])
def test_soundings_whose_levels_move_are_refused_with_the_selected_levels_range(tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    draw_no_run_figures(monkeypatch)  # the command's output is read, not the run's figures
    dataset, pressure = _soundings(varying=True)
    dataset.to_netcdf("igra.nc")
    arguments = (["info", "igra.nc"] if command == "info"
                 else ["train", "--data", "igra.nc", "--target", "temp", "--select", "level=2", "--out", "run"])
    index = 0 if command == "info" else 2
    _refusal(CliRunner().invoke(app, arguments), "igra.nc", "temp, rh", index, pressure[:, index])
    assert not (tmp_path / "run").exists()
    # the same soundings on the same pressures at every step (one missing): fixed levels, offered and trained as before
    _soundings(varying=False)[0].to_netcdf("fixed.nc")
    result = CliRunner().invoke(app, [arguments[0], *[word.replace("igra.nc", "fixed.nc") for word in arguments[1:]]])
    assert result.exit_code == 0, result.output
    text = " ".join(line.lstrip("# ") for line in result.stdout.splitlines())
    assert command == "train" or "level: 4 values (0, 1, 2, 3) on temp, rh; choose one with select = {level = 0}" in text


@pytest.mark.parametrize("command", [pytest.param("info", id="info"), pytest.param("train", id="train")])
def test_a_grid_whose_coordinates_name_a_varying_pressure_is_refused(tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    dataset, pressure = _grid_with_pressure()
    dataset.to_netcdf("ta.nc")
    arguments = (["info", "ta.nc"] if command == "info"
                 else ["train", "--data", "ta.nc", "--target", "ta", "--select", "level=1", "--out", "run"])
    index = 0 if command == "info" else 1
    result = CliRunner().invoke(app, arguments)
    _refusal(result, "ta.nc", "ta", index, pressure[:, index])
    assert "to use rsdt alone, leave them out: `ncks -C -x -v ta,pres ta.nc ta_fixed.nc`" in result.output



def test_a_data_variable_carrying_its_depths_attributes_on_fixed_levels_is_data(tmp_path, monkeypatch):
    """xarray's arithmetic gives ``tas + 0.1 * depth`` depth's standard_name and axis "Z": on a depth
    dimension of fixed levels that variable is the data, not a varying vertical coordinate (it was refused
    as "the levels of 'depth' … 'tas' changes from one time step to the next"); the levels it is on are
    the depth coordinate's, and the selected level's values are trained as they are in the file."""
    monkeypatch.chdir(tmp_path)
    draw_no_run_figures(monkeypatch)  # its predictions are read, not its figures
    rng = np.random.default_rng(5)
    depth = xr.DataArray([0.5, 1.5], dims="depth",
                         attrs={"units": "m", "standard_name": "depth", "positive": "down", "axis": "Z"})
    base = xr.Dataset(
        {"tas": (("time", "lat", "lon"), 280 + rng.normal(0, 1, (48, 3, 4)), {"units": "K"}),
         "pred": (("time", "lat", "lon"), rng.normal(0, 1, (48, 3, 4)), {"units": "1"})},
        coords={"time": ("time", 30.0 * np.arange(48), {"units": "days since 2000-01-15"}),
                "lat": ("lat", [-10.0, 0.0, 10.0], {"units": "degrees_north"}),
                "lon": ("lon", [0.0, 90.0, 180.0, 270.0], {"units": "degrees_east"})})
    dataset = base.expand_dims(depth=depth.values, axis=1).assign_coords(depth=depth)
    dataset["tas"] = dataset["tas"] + 0.1 * dataset["depth"]
    assert dataset["tas"].attrs.get("axis") == "Z"  # what xarray's arithmetic does, the file this test is about
    dataset.to_netcdf("levels.nc")
    result = CliRunner().invoke(app, ["train", "--data", "levels.nc", "--target", "tas", "--predictors", "pred",
                                      "--select", "depth=1.5", "--epochs", "1", "--out", "run"])
    assert result.exit_code == 0, result.output
    with xr.open_dataset(tmp_path / "run" / "predictions.nc") as predictions:
        truth = predictions["tas"].values
    expected = dataset["tas"].sel(depth=1.5).values
    assert np.allclose(truth[np.isfinite(truth)], expected[-truth.shape[0]:][np.isfinite(truth)], rtol=0, atol=1e-4)
