"""Which quantity a variable holds and its sign convention (climann/data/quantities.py): CF
``standard_name`` and ``positive``."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from climann.data.quantities import quantity_clash, quantity_record, quantity_refusal, quantity_text
from tests.followed_twice import run_one_copy, without_guards

UP = "surface_upward_latent_heat_flux"
DOWN = "surface_downward_latent_heat_flux"


@pytest.mark.parametrize(("attrs", "record"), [
    pytest.param({"standard_name": f" {UP.upper()} ", "positive": "Up"}, {"standard_name": UP, "positive": "up"},
                 id="case-and-blanks"),
    pytest.param({"standard_name": "unknown", "positive": "DOWN"}, {"positive": "down"}, id="era5-unknown-name"),
    pytest.param({"positive": "upward"}, {}, id="positive-neither-up-nor-down"),
    pytest.param({"units": "K"}, {}, id="nothing-said"),
])
def test_the_record_keeps_what_the_attributes_say(attrs, record):
    assert quantity_record(attrs) == record


@pytest.mark.parametrize(("trained", "new", "clash"), [
    pytest.param({"standard_name": UP, "positive": "up"}, {"standard_name": DOWN, "positive": "down"}, "sign",
                 id="upward-downward"),
    pytest.param({"standard_name": UP}, {"standard_name": DOWN}, "sign", id="names-alone"),
    pytest.param({"positive": "up"}, {"positive": "down"}, "sign", id="positive-alone"),
    pytest.param({"standard_name": UP, "positive": "up"}, {"standard_name": UP, "positive": "down"}, "sign",
                 id="same-name-other-positive"),
    pytest.param({"standard_name": "northward_wind"}, {"standard_name": "southward_wind"}, "sign",
                 id="northward-southward"),
    pytest.param({"standard_name": "surface_downward_eastward_stress"},
                 {"standard_name": "surface_upward_eastward_stress"}, "sign", id="one-of-two-direction-words"),
    pytest.param({"standard_name": "surface_downwelling_shortwave_flux_in_air"},
                 {"standard_name": "surface_upwelling_shortwave_flux_in_air"}, "quantity",
                 id="downwelling-upwelling-are-two-streams"),
    pytest.param({"standard_name": "air_temperature"}, {"standard_name": "sea_surface_temperature"}, "quantity",
                 id="another-quantity"),
    pytest.param({"standard_name": "precipitation_flux"}, {"standard_name": "precipitation_amount"}, None,
                 id="water-flux-and-amount"),
    pytest.param({"standard_name": "lwe_precipitation_rate"},
                 {"standard_name": "lwe_thickness_of_precipitation_amount"}, None, id="water-rate-and-depth"),
    pytest.param({"standard_name": "precipitation_flux"}, {"standard_name": "snowfall_flux"}, "quantity",
                 id="rain-and-snow"),
    pytest.param({"standard_name": "snowfall_flux"}, {"standard_name": "lwe_thickness_of_snowfall_amount"}, None,
                 id="snowfall-flux-and-its-water-depth"),
    pytest.param({"standard_name": "snowfall_flux"}, {"standard_name": "thickness_of_snowfall_amount"}, "quantity",
                 id="snowfall-flux-and-the-depth-of-the-fallen-snow"),
    pytest.param({"standard_name": "rainfall_flux"}, {"standard_name": "thickness_of_rainfall_amount"}, None,
                 id="rainfall-flux-and-its-depth"),
    pytest.param({"standard_name": "surface_snow_amount"}, {"standard_name": "surface_snow_thickness"}, "quantity",
                 id="snow-amount-and-snow-depth"),
    pytest.param({"standard_name": UP, "positive": "up"}, {"positive": "up"}, None, id="name-missing-on-a-side"),
    pytest.param({"standard_name": UP, "positive": "up"}, {}, None, id="nothing-said-in-the-new-data"),
    pytest.param({"standard_name": UP, "positive": "up"}, {"standard_name": UP, "positive": "up"}, None, id="same"),
    # aliases of the CF standard name table (verify20 F9): CMIP5's names beside CMIP6's
    pytest.param({"standard_name": "air_pressure_at_sea_level"}, {"standard_name": "air_pressure_at_mean_sea_level"},
                 None, id="cmip5-psl-alias-then-cmip6"),
    pytest.param({"standard_name": "mass_content_of_water_in_soil"}, {"standard_name": "soil_moisture_content"}, None,
                 id="cmip6-mrso-then-cmip5-alias"),
    pytest.param({"standard_name": "surface_carbon_dioxide_mole_flux"},
                 {"standard_name": "surface_upward_mole_flux_of_carbon_dioxide"}, "quantity",
                 id="an-alias-of-two-names-stands-for-neither"),
    pytest.param({"standard_name": "air_pressure_at_sea_level"}, {"standard_name": "surface_air_pressure"},
                 "quantity", id="an-alias-and-another-quantity"),
])
def test_the_clash_between_records(trained, new, clash):
    assert quantity_clash(trained, new) == clash


def test_the_text_of_a_record():
    assert quantity_text({"standard_name": UP, "positive": "up"}) == f"{UP} (positive up)"
    assert quantity_text({"positive": "down"}) == "positive down"
    assert quantity_text({"standard_name": DOWN}) == DOWN


def _flux_file(path, name, **attrs):
    """A tiny NetCDF file of ``name`` (time, lat), values 1 to 6, with ``attrs``."""
    values = np.arange(1.0, 7.0, dtype=np.float32).reshape(3, 2)
    xr.Dataset({name: (("time", "lat"), values, attrs)}, coords={"lat": [-10.0, 10.0]}).to_netcdf(path)
    return values


def _run_printed(message, tmp_path, name):
    """Run the first one-file line of ``message`` by bash, as printed; the copy's ``name``, read."""
    printed = run_one_copy(message, cwd=tmp_path)
    with xr.open_dataset(tmp_path / printed["copy"]) as copy:
        return copy[name].load(), printed


def test_the_sign_refusal_names_both_and_the_ncap2_that_converts_the_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    values = _flux_file(tmp_path / "era5.nc", "hfls", units="W m-2", positive="down")
    message = quantity_refusal("hfls", {"standard_name": UP, "positive": "up"}, {"positive": "down"},
                               where="era5.nc", file=str(tmp_path / "era5.nc"))
    assert without_guards(message) == (
        f"hfls in era5.nc is positive down, the model was trained on hfls as {UP} (positive up): the opposite sign "
        "convention, its values would be taken with the wrong sign; convert a copy (mkdir -p sign_flipped && "
        f"ncap2 -s 'hfls=-hfls; hfls@standard_name=\"{UP}\"; hfls@positive=\"up\"' era5.nc sign_flipped/era5.nc "
        "(its copy in a new folder), then give --data sign_flipped/era5.nc in place of era5.nc), "
        "or retrain the run on data in this convention")
    copy, _ = _run_printed(message, tmp_path, "hfls")  # break57c A4: into a new folder, era5.nc alone beside it
    np.testing.assert_array_equal(copy.values, -values)
    assert copy.attrs["positive"] == "up" and sorted(path.name for path in tmp_path.glob("*.nc")) == ["era5.nc"]
    assert quantity_refusal("hfls", {"positive": "up"}, {"positive": "up"}, where="era5.nc", file="era5.nc") is None


def test_another_standard_name_is_corrected_in_a_copy_in_a_new_folder(tmp_path, monkeypatch):
    """break57c A4: the ncap2 wrote obs/co2_2009_fixed.nc beside the file, which a glob over obs/ took with it."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "obs").mkdir()
    values = _flux_file(tmp_path / "obs" / "co2_2009.nc", "co2", standard_name="mole_fraction_of_carbon_dioxide_in_air")
    mass = "mass_fraction_of_carbon_dioxide_in_air"
    message = quantity_refusal("co2", {"standard_name": mass}, {"standard_name": "mole_fraction_of_carbon_dioxide_in_air"},
                               where="co2_2009.nc", file="obs/co2_2009.nc")
    assert "_fixed.nc" not in message
    copy, printed = _run_printed(message, tmp_path, "co2")
    assert printed["copy"] == "obs/standard_name_fixed/co2_2009.nc"
    np.testing.assert_array_equal(copy.values, values)
    assert copy.attrs["standard_name"] == mass
    assert sorted(path.name for path in (tmp_path / "obs").glob("*.nc")) == ["co2_2009.nc"]


@pytest.mark.parametrize(("trained", "depth", "liquid"), [
    pytest.param("snowfall_flux", "thickness_of_snowfall_amount", "lwe_thickness_of_snowfall_amount", id="snowfall"),
    pytest.param("surface_snow_amount", "surface_snow_thickness", "lwe_thickness_of_surface_snow_amount",
                 id="snow-on-the-ground"),
])
def test_a_depth_of_snow_is_refused_as_needing_the_snows_density(trained, depth, liquid, tmp_path, monkeypatch):
    """Break16 F1: the depth of the fallen snow was taken for the snowfall flux's water depth. Each of the
    two lines writes its copy into a new folder of its own (break57c A4: both wrote new_fixed.nc beside it)."""
    monkeypatch.chdir(tmp_path)
    values = _flux_file(tmp_path / "new.nc", "prsn", standard_name=depth)
    refusal = quantity_refusal("prsn", {"standard_name": trained}, {"standard_name": depth}, where="new.nc",
                               file="new.nc")
    assert f"a depth of snow, not its liquid water equivalent ({liquid})" in refusal
    assert f"give prsn as {trained}" not in refusal  # relabelling the depth as the flux would convert it as water
    assert "new_fixed.nc" not in refusal
    named = refusal.split("name it so (", 1)[1]
    copy, printed = _run_printed(named, tmp_path, "prsn")
    assert printed["copy"] == "standard_name_fixed/new.nc" and copy.attrs["standard_name"] == liquid
    np.testing.assert_array_equal(copy.values, values)
    converted = refusal.split("for DENSITY (", 1)[1].replace("DENSITY", "300")
    copy, printed = _run_printed(converted, tmp_path, "prsn")
    assert printed["copy"] == "water_equivalent/new.nc" and copy.attrs["standard_name"] == liquid
    np.testing.assert_allclose(copy.values, values * 300 / 1000, rtol=1e-6)
    assert sorted(path.name for path in tmp_path.glob("*.nc")) == ["new.nc"]
