"""Which quantity a variable holds and its sign convention (climann/data/quantities.py): CF
``standard_name`` and ``positive``."""

from __future__ import annotations

import pytest

from climann.data.quantities import quantity_clash, quantity_record, quantity_refusal, quantity_text

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


def test_the_sign_refusal_names_both_and_the_ncap2_that_converts_the_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    message = quantity_refusal("hfls", {"standard_name": UP, "positive": "up"}, {"positive": "down"},
                               where="era5.nc", file=str(tmp_path / "era5.nc"))
    assert message == (
        f"hfls in era5.nc is positive down, the model was trained on hfls as {UP} (positive up): the opposite sign "
        "convention, its values would be taken with the wrong sign; convert a copy (ncap2 -s 'hfls=-hfls; "
        f"hfls@standard_name=\"{UP}\"; hfls@positive=\"up\"' era5.nc era5_fixed.nc) (then give era5_fixed.nc in "
        "place of era5.nc in --data: a glob over their folder takes both, and two files of one variable are refused), "
        "or retrain the run on data in this convention")
    assert quantity_refusal("hfls", {"positive": "up"}, {"positive": "up"}, where="era5.nc", file="era5.nc") is None


@pytest.mark.parametrize(("trained", "depth", "liquid"), [
    pytest.param("snowfall_flux", "thickness_of_snowfall_amount", "lwe_thickness_of_snowfall_amount", id="snowfall"),
    pytest.param("surface_snow_amount", "surface_snow_thickness", "lwe_thickness_of_surface_snow_amount",
                 id="snow-on-the-ground"),
])
def test_a_depth_of_snow_is_refused_as_needing_the_snows_density(trained, depth, liquid):
    """Break16 F1: the depth of the fallen snow was taken for the snowfall flux's water depth."""
    refusal = quantity_refusal("prsn", {"standard_name": trained}, {"standard_name": depth}, where="new.nc",
                               file="new.nc")
    assert f"a depth of snow, not its liquid water equivalent ({liquid})" in refusal
    assert f"ncatted -a standard_name,prsn,o,c,{liquid} new.nc new_fixed.nc" in refusal
    assert f"give prsn as {trained}" not in refusal  # relabelling the depth as the flux would convert it as water
