"""Temperatures beyond any of their kind on Earth (climann/data/temperature_ranges.py)."""

import logging
import re
import subprocess

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from climann.data.open import open_dataset
from climann.data.temperature_ranges import EARTH_RANGES, temperature_kind, warn_beyond_earth
from climann.data.value_checks import warn_held_values


def _run_printed(message: str, cwd) -> None:
    """Run the backticked command of ``message`` in bash as a user pastes it (ncatted is installed)."""
    command = re.search(r"`([^`]+)`", message).group(1)
    subprocess.run(["bash", "-c", command], cwd=cwd, check=True)


def _station(values: np.ndarray, name: str = "TMAX", **attrs) -> xr.Dataset:
    """A GHCN-Daily-like station file: one daily series at one place, as the repro of break46d A4."""
    times = pd.date_range("2010-01-01", periods=values.size, freq="D")
    dataset = xr.Dataset({name: ("time", values.astype("f4"), {"units": "degC", "standard_name": "air_temperature",
                                                               **attrs})},
                         coords={"time": times, "lat": 45.66, "lon": -111.05})
    dataset.lat.attrs = {"units": "degrees_north", "standard_name": "latitude"}
    dataset.lon.attrs = {"units": "degrees_east", "standard_name": "longitude"}
    return dataset


def _celsius(n: int, seed: int = 3) -> np.ndarray:
    """Daily maxima of a mid-latitude station, °C, rounded to 0.1 as GHCN-Daily's."""
    rng = np.random.default_rng(seed)
    doy = np.arange(n) % 365
    return np.round(12 - 13 * np.cos(2 * np.pi * (doy - 15) / 365.25) + rng.normal(0, 4, n), 1)


def _warnings(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if "beyond any of the" in record.getMessage()]


def test_tenths_of_a_degree_are_warned_of_with_a_scale_factor_that_brings_them_back(tmp_path, caplog):
    """break46d A4: GHCN-Daily's TMAX left in tenths of °C read -114 to 352 degC as air temperatures, silently.
    The warning names numpy's lowest and highest value, and its ncatted, followed, gives numpy's °C."""
    celsius = _celsius(2191)
    path = tmp_path / "station.nc"
    _station(np.round(celsius * 10)).to_netcdf(path)
    with caplog.at_level(logging.WARNING, logger="climann"):
        warn_held_values(open_dataset([path]), ["TMAX"], where="station.nc", file=path)
    [message] = _warnings(caplog)
    low, high = float(np.round(celsius * 10).min()), float(np.round(celsius * 10).max())
    assert high > 60 and f"holds temperatures from {low:g} to {high:g} degC" in message
    assert "air near the surface on Earth (-100 to 60 °C" in message
    assert f"(×0.1: {low * 0.1:g} to {high * 0.1:g} degC)" in message
    assert "ncatted -a scale_factor,TMAX,o,f,0.1 " in message
    _run_printed(message, tmp_path)  # its copy in a new folder, not beside the file (fix55a)
    assert sorted(item.name for item in tmp_path.iterdir()) == ["scaled", "station.nc"]
    caplog.clear()
    copy = tmp_path / "scaled" / "station.nc"
    assert f"give --data {copy} in place of {path}" in message
    fixed = open_dataset([copy])
    np.testing.assert_allclose(fixed["TMAX"].values.ravel(), np.round(celsius * 10) * 0.1, rtol=1e-6)
    with caplog.at_level(logging.WARNING, logger="climann"):
        warn_held_values(fixed, ["TMAX"], where="station.nc", file=copy)
    assert _warnings(caplog) == []


def test_kelvins_under_degC_are_told_to_say_kelvin(tmp_path, caplog):
    """Values in K labelled degC (250 to 310 "degC") are no tenths: the way out is the units."""
    kelvin = _celsius(730) + 273.15
    path = tmp_path / "t2m.nc"
    _station(kelvin, name="t2m").to_netcdf(path)
    with caplog.at_level(logging.WARNING, logger="climann"):
        warn_held_values(open_dataset([path]), ["t2m"], where="t2m.nc", file=path)
    [message] = _warnings(caplog)
    assert "if they are kelvins, as their values read, say so: " in message
    assert "ncatted -a units,t2m,o,c,K " in message and "tenths" not in message
    _run_printed(message, tmp_path)
    copy = tmp_path / "units_fixed" / "t2m.nc"
    assert sorted(item.name for item in tmp_path.iterdir()) == ["t2m.nc", "units_fixed"]
    with open_dataset([copy]) as fixed:  # read in kelvin now: the same values, no warning
        assert fixed["t2m"].attrs["units"] == "K"
        np.testing.assert_allclose(fixed["t2m"].values.ravel(), kelvin.astype("f4"))
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="climann"):
            warn_held_values(fixed, ["t2m"], where="t2m.nc", file=copy)
    assert _warnings(caplog) == []


@pytest.mark.parametrize("attrs, values, coords", [
    # the records of the air near the surface, and a little beyond: no warning
    pytest.param({"standard_name": "air_temperature"}, [-89.2, 56.7, -95.0, 58.0], {}, id="surface-air-records"),
    pytest.param({"standard_name": "sea_surface_temperature"}, [-1.9, 35.8, 0.0, 29.0], {}, id="sea-freezing-and-Gulf"),
    pytest.param({"standard_name": "soil_temperature"}, [-45.0, 71.0, 3.0, 20.0], {}, id="soil-desert-surface"),
    pytest.param({"standard_name": "surface_temperature"}, [-98.0, 80.8, 0.0, 10.0], {}, id="land-surface-Lut"),
    # the mesopause's -130 °C on a pressure level: air aloft, within its range
    pytest.param({"standard_name": "air_temperature"}, [-130.0, -80.0, -100.0, -90.0],
                 {"plev": ((), 1.0, {"units": "Pa", "positive": "down"})}, id="mesopause-on-a-pressure-level"),
    # temperatures of no kind with an Earth range: never warned
    pytest.param({"standard_name": "air_potential_temperature"}, [400.0, 1500.0, 600.0, 800.0], {},
                 id="potential-temperature"),
    pytest.param({"standard_name": "air_temperature", "units_metadata": "temperature: difference"},
                 [-150.0, 150.0, 0.0, 1.0], {}, id="a-difference"),
])
def test_real_extremes_and_other_kinds_are_not_warned_of(tmp_path, caplog, attrs, values, coords):
    dataset = _station(np.array(values), name="x", **attrs).assign_coords(
        {name: xr.Variable(*spec) for name, spec in coords.items()})
    path = tmp_path / "x.nc"
    dataset.to_netcdf(path)
    with caplog.at_level(logging.WARNING, logger="climann"):
        warn_held_values(open_dataset([path]), ["x"], where="x.nc", file=path)
    assert _warnings(caplog) == []


@pytest.mark.parametrize("attrs, values, kind", [
    pytest.param({"standard_name": "air_temperature"}, [-130.0, 20.0], "air near the surface", id="surface-air-at-130"),
    pytest.param({"standard_name": "sea_water_temperature"}, [-1.5, 45.0], "sea water", id="sea-at-45"),
    pytest.param({"standard_name": "air_temperature", "units": "K"}, [200.0, 3000.0], "air near the surface",
                 id="tenths-of-K"),
])
def test_beyond_the_kinds_range_is_warned_of(attrs, values, kind):
    """The kind's own range decides: -130 °C is the mesopause's, not the air near the surface's."""
    variable = xr.DataArray(np.array(values, "f4"), dims="time", attrs={"units": "degC", **attrs})
    dataset = xr.Dataset({"x": variable})
    assert temperature_kind("x", variable) == kind
    [message] = warn_beyond_earth(dataset, {"x": (min(values), max(values))}, where="x.nc", file=None)
    low, high, _ = EARTH_RANGES[kind]
    assert f"beyond any of the {kind} on Earth ({low:g} to {high:g} °C" in message


def _sea(rng: np.random.Generator, n: int) -> np.ndarray:
    """Sea temperatures in °C, median near 16 °C within -1.8…31.8, and 0.1 % of them down to -5.04
    (a model's supercooled cells): break53a A3's NEMO votemper."""
    values = np.clip(rng.normal(16.3, 8.0, n), -1.8, 31.8)
    cold = rng.choice(n, n // 1000, replace=False)
    values[cold] = rng.uniform(-5.04, -3.1, cold.size)
    values[cold[0]], values[np.argmax(values)] = -5.04, 31.8
    return values


@pytest.mark.parametrize("scale, tenths", [pytest.param(1.0, False, id="degC-with-a-few-cold-cells"),
                                           pytest.param(10.0, True, id="tenths-of-degC")])
def test_a_scale_is_proposed_only_when_most_values_are_out_of_range(tmp_path, caplog, scale, tenths):
    """break53a A3: sea temperatures in degC, 99.9 % of them in -3…40 °C and a few down to -5.04, were told
    "most likely tenths of a degree" with a scale_factor 0.1 that makes a tropical 31.8 °C 3.18 °C. The share
    of values in range (numpy's count) decides: the same field in tenths (0…318) still gets its scale_factor,
    which followed gives the °C."""
    values = np.round(_sea(np.random.default_rng(53), 20000) * scale, 2)
    path = tmp_path / "sea.nc"
    _station(values, name="votemper", standard_name="sea_water_potential_temperature").to_netcdf(path)
    with caplog.at_level(logging.WARNING, logger="climann"):
        warn_held_values(open_dataset([path]), ["votemper"], where="sea.nc", file=path)
    [message] = _warnings(caplog)
    stored = values.astype("f4")
    assert f"holds temperatures from {float(stored.min()):g} to {float(stored.max()):g} degC" in message
    assert ("tenths" in message, "scale_factor" in message) == (tenths, tenths)
    inside = np.count_nonzero((stored >= -3) & (stored <= 40)) / stored.size
    if not tenths:
        assert 0.99 < inside < 1
        assert (f"they are used as data as they are; {100 * inside:.3g} % of them lie in that range, "
                f"{100 * (1 - inside):.3g} % beyond it: a few values out of range") in message
        return
    assert inside < 0.99
    assert "ncatted -a scale_factor,votemper,o,f,0.1 " in message
    _run_printed(message, tmp_path)
    with open_dataset([tmp_path / "scaled" / "sea.nc"]) as fixed:
        np.testing.assert_allclose(fixed["votemper"].values.ravel(), stored * 0.1, rtol=1e-6)
