"""A gas as a mole fraction against a mass concentration: refused with the molar-volume formula
and its assumption (climann/data/gas_concentrations.py via convert_variable; break34a A2); against a
mass fraction, refused with the line that converts by the molar masses (break57c A2); spellings of
one mole fraction converted (break57c A3)."""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from climann.data.units import convert_variable
from climann.errors import ClimannError
from tests.followed_twice import run_one_copy

#: R·T/p at 20 °C and 1013.25 hPa, in L mol-1, computed here from the gas constant.
MOLAR_VOLUME = 8.314462618 * 293.15 / 101325 * 1000


def _refusal(units, to, *, name="o3", standard_name="mass_concentration_of_ozone_in_air"):
    gas = xr.DataArray(np.array([10.0, 20.0, 40.0]), dims="time", name=name,
                       attrs={"units": units, "standard_name": standard_name})
    gas.encoding["source"] = "/data/eea.nc"
    with pytest.raises(ClimannError) as refused:
        convert_variable(gas, to, name=name, where="eea.nc", reference="the model's training data")
    return str(refused.value)


def _scale(message, name):
    """The factor of the message's ``ncap2 -s 'NAME=NAME*FACTOR; …'``."""
    return float(re.search(rf"'{name}={name}\*([0-9.e+-]+);", message).group(1))


@pytest.mark.parametrize(("units", "to", "scale"), [
    pytest.param("ug m-3", "ppb", 1 / 1.9957, id="ug m-3 to ppb"),
    pytest.param("µg/m³", "ppbv", 1 / 1.9957, id="µg/m³ to ppbv"),
    pytest.param("mg m-3", "ppm", 1 / 1.9957, id="mg m-3 to ppm"),
    pytest.param("ppb", "ug m-3", 1.9957, id="ppb to ug m-3"),
    pytest.param("nmol mol-1", "ug m-3", 1.9957, id="nmol mol-1 to ug m-3"),
])
def test_ozone_as_a_mole_fraction_against_a_mass_concentration_is_refused_with_the_eea_factor(units, to, scale):
    message = _refusal(units, to, standard_name="mole_fraction_of_ozone_in_air" if "mol" in units or "pp" in units
                       else "mass_concentration_of_ozone_in_air")
    kinds = "a mole fraction against a mass concentration" if "mol" in units or "pp" in units \
        else "a mass concentration against a mole fraction"
    assert message.startswith(f"'o3' is in '{units}' in eea.nc but in '{to}' in the model's training data: {kinds}, "
                              "which convert only through the gas's molar mass M and the air's molar volume")
    assert "at 20 °C and 1013.25 hPa" in message and "µg m-3 = ppb × M / 24.055 (M in g mol-1)" in message
    assert "1 ppb = 1.9957 µg m-3 as the EEA converts" in message
    assert "snow" not in message and "depth" not in message and "\n" not in message
    assert _scale(message, "o3") == pytest.approx(scale, rel=1e-5)
    assert f'o3@units="{to}"' in message


def test_another_gas_converts_with_its_molar_mass_and_the_molar_volume():
    message = _refusal("ug m-3", "ppb", name="no2", standard_name="mass_concentration_of_nitrogen_dioxide_in_air")
    assert "nitrogen dioxide: M = 46.01 g mol-1, 1 ppb = 1.9127 µg m-3" in message
    assert _scale(message, "no2") == pytest.approx(MOLAR_VOLUME / 46.01, rel=1e-4)
    assert 'no2@standard_name="mole_fraction_of_nitrogen_dioxide_in_air"' in message


def test_an_unknown_gas_gets_the_formula_without_a_command():
    message = _refusal("ug m-3", "ppb", name="voc", standard_name="")
    assert "a mass concentration against a mole fraction" in message
    assert "µg m-3 = ppb × M / 24.055" in message and "ncap2" not in message


# break57c A2/A3: a gas as a mole fraction (ppm, mol mol-1) against the same as a mass fraction (kg kg-1)

#: Molar masses (g mol-1) of CO2 and ozone, and of dry air, for the conversions computed here.
CO2, OZONE, DRY_AIR = 44.01, 48.00, 28.97


def _gas_file(path, values, units, *, name="co2", **attrs):
    """A tiny NetCDF file of ``name`` (time, lat, lon) in ``units``, as NOAA's or CAMS's files give it."""
    time = xr.DataArray(np.arange(values.shape[0], dtype=float), dims="time",
                        attrs={"units": "days since 2001-01-01", "calendar": "standard"})
    gas = xr.Dataset({name: (("time", "lat", "lon"), values.astype(np.float32), {"units": units, **attrs})},
                     coords={"time": time, "lat": ("lat", [-10.0, 10.0], {"units": "degrees_north"}),
                             "lon": ("lon", [0.0, 90.0, 180.0], {"units": "degrees_east"})})
    gas.to_netcdf(path)
    return path


def _read(path, name):
    with xr.open_dataset(path, decode_times=False) as dataset:
        return dataset[name].load()


def _fraction_refused(path, name, to, **reference):
    with pytest.raises(ClimannError) as refused:
        convert_variable(_read(path, name), to, name=name, where=path.name, reference="the model's training data",
                         reference_attrs=reference)
    return str(refused.value)


@pytest.mark.parametrize(("name", "units", "attrs", "to", "reference", "factor"), [
    pytest.param("co2", "ppm", {"long_name": "CO2 dry air mole fraction"}, "kg kg**-1",
                 {"standard_name": "mass_fraction_of_carbon_dioxide_in_air"}, 1e-6 * CO2 / DRY_AIR, id="co2-ppm"),
    pytest.param("co2", "mol mol-1", {"standard_name": "mole_fraction_of_carbon_dioxide_in_air"}, "kg kg**-1",
                 {"standard_name": "mass_fraction_of_carbon_dioxide_in_air"}, CO2 / DRY_AIR, id="co2-mol-mol-1"),
    pytest.param("go3", "ppbv", {}, "kg kg**-1", {"standard_name": "mass_fraction_of_ozone_in_air"},
                 1e-9 * OZONE / DRY_AIR, id="cams-go3-ppbv"),
    pytest.param("co2", "kg kg-1", {}, "ppm", {}, 1e6 * DRY_AIR / CO2, id="co2-kg-kg-1-against-ppm"),
])
def test_a_mole_fraction_against_a_mass_fraction_is_converted_by_the_molar_masses_in_the_line_given(
        tmp_path, name, units, attrs, to, reference, factor):
    values = np.random.default_rng(0).uniform(380, 420, (4, 2, 3)) / (factor if "kg" in units else 1)
    (tmp_path / "obs").mkdir()
    path = _gas_file(tmp_path / "obs" / "obs.nc", values, units, name=name, **attrs)
    message = _fraction_refused(path, name, to, **reference)
    assert "\n" not in message and "ncatted" not in message and "so its values are not relabelled" in message
    printed = run_one_copy(message, cwd=tmp_path)
    # the user's folder holds the original and the new folder of its copy, nothing beside the original
    assert sorted(os.listdir(tmp_path / "obs")) == sorted(["obs.nc", Path(printed["folder"]).name])
    copy = _read(tmp_path / printed["copy"], name)
    np.testing.assert_allclose(copy.values, values.astype(np.float32) * factor, rtol=1e-6)
    assert copy.attrs["units"] == to
    if "standard_name" in attrs:  # the mole fraction's name is the mass fraction's in the copy
        assert copy.attrs["standard_name"] == reference["standard_name"]
    converted = convert_variable(copy, to, name=name, where="copy.nc", reference="the model's training data",
                                 reference_attrs=reference)
    np.testing.assert_allclose(converted.values, values.astype(np.float32) * factor, rtol=1e-6)


def test_a_mole_fraction_of_an_unknown_gas_against_a_mass_fraction_is_refused_with_the_formula(tmp_path):
    path = _gas_file(tmp_path / "voc.nc", np.full((2, 2, 3), 5.0), "ppb", name="voc")
    message = _fraction_refused(path, "voc", "kg kg-1")
    assert message.startswith("'voc' is in 'ppb' (a mole fraction) in voc.nc but in 'kg kg-1' (a mass fraction)")
    assert "which gas 'voc' is is told neither by its name nor by a standard_name" in message
    assert "× M / 28.97" in message and "ncap2" not in message and "ncatted" not in message


@pytest.mark.parametrize(("units", "values", "to", "expected"), [
    pytest.param("micromol mol-1", [410.0, 380.0], "ppm", [410.0, 380.0], id="carbontracker-micromol-mol-1"),
    pytest.param("umol/mol", [410.0, 380.0], "ppm", [410.0, 380.0], id="umol-per-mol"),
    pytest.param("µmol mol-1", [410.0, 380.0], "ppm", [410.0, 380.0], id="micro-sign"),
    pytest.param("mol mol-1", [4.1e-4, 3.8e-4], "ppm", [410.0, 380.0], id="obspack-mol-mol-1"),
    pytest.param("nmol mol-1", [1850.0, 1900.0], "ppm", [1.85, 1.9], id="nmol-mol-1-to-ppm"),
    pytest.param("ppm", [410.0, 380.0], "mol mol-1", [4.1e-4, 3.8e-4], id="ppm-to-mol-mol-1"),
    pytest.param("ppbv", [40.0, 80.0], "mol mol-1", [4.0e-8, 8.0e-8], id="ppbv-to-mol-mol-1"),
])
def test_spellings_of_one_mole_fraction_convert_as_their_units_say(units, values, to, expected, caplog):
    gas = xr.DataArray(np.array(values), dims="time", attrs={"units": units, "long_name": "CO2 dry air mole fraction"})
    with caplog.at_level(logging.WARNING, logger="climann"):
        converted = convert_variable(gas, to, name="co2", where="ct.nc", reference="the model's training data",
                                     reference_attrs={})
    np.testing.assert_allclose(converted.values, expected, rtol=1e-9)
    assert converted.attrs["units"] == to
    assert "read as one mole fraction of a gas" in caplog.text and units in caplog.text


def _monthly_co2(path, co2, units, **attrs):
    """Monthly ``co2`` (time, lat, lon) in ``units`` with a predictor ``tp`` it depends on, 2001–2003."""
    n_time = co2.shape[0]
    rng = np.random.default_rng(1)
    tp = (co2 - co2.mean()) / co2.std() + rng.normal(0, 0.1, co2.shape)
    dataset = xr.Dataset(
        {"co2": (("time", "lat", "lon"), co2.astype(np.float32), {"units": units, **attrs}),
         "tp": (("time", "lat", "lon"), tp.astype(np.float32), {"units": "1"})},
        coords={"time": ("time", 15.0 + 30.0 * np.arange(n_time), {"units": "days since 2001-01-01",
                                                                      "calendar": "360_day"}),
                "lat": ("lat", [-30.0, 0.0, 30.0], {"units": "degrees_north", "standard_name": "latitude"}),
                "lon": ("lon", [0.0, 90.0, 180.0, 270.0], {"units": "degrees_east", "standard_name": "longitude"})})
    dataset.to_netcdf(path)
    return path


def test_the_advised_copy_of_a_ppm_file_scores_as_its_right_mass_fractions(tmp_path, monkeypatch):
    """A run on CAMS-like co2 in kg kg**-1 given NOAA-like ppm: the pasted line's copy scores as the file of
    the right mass fractions (numpy: ppm × 1e-6 × 44.01/28.97) does, not 1/1.519 of them (break57c A2)."""
    from climann.workflow.config import build_config
    from climann.workflow.pipeline import run_training
    from climann.workflow.predict import evaluate_run

    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(0)
    ppm = 400 + 5 * rng.standard_normal((36, 3, 4))
    mass = {"standard_name": "mass_fraction_of_carbon_dioxide_in_air"}
    train = _monthly_co2(tmp_path / "egg4.nc", ppm * 1e-6 * CO2 / DRY_AIR, "kg kg**-1", **mass)
    config = build_config({"data": {"paths": [str(train)], "target": "co2", "predictors": ["tp"]},
                           "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}})
    run_dir = run_training(config, run_dir=tmp_path / "run").run_dir
    (tmp_path / "obs").mkdir()
    observed = _monthly_co2(tmp_path / "obs" / "co2.nc", ppm, "ppm", long_name="CO2 dry air mole fraction")
    right = _monthly_co2(tmp_path / "right.nc", ppm * 1e-6 * CO2 / DRY_AIR, "kg kg**-1", **mass)
    with pytest.raises(ClimannError) as refused:
        evaluate_run(run_dir, [str(observed)], tmp_path / "refused")
    printed = run_one_copy(str(refused.value), cwd=tmp_path)
    np.testing.assert_allclose(_read(tmp_path / printed["copy"], "co2").values,
                               (ppm * 1e-6 * CO2 / DRY_AIR).astype(np.float32), rtol=1e-6)
    scored, expected = (evaluate_run(run_dir, [str(data)], tmp_path / out)
                        for data, out in ((tmp_path / printed["copy"], "copy"), (right, "right")))
    assert scored["splits"]["all"]["model"]["rmse"] == pytest.approx(expected["splits"]["all"]["model"]["rmse"],
                                                                     rel=1e-5)
