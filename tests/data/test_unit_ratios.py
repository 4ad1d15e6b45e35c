"""A ratio of named units (m3 m-3, kg kg-1) is not converted to or from a pure number (%, 1)
unless one CF standard_name says they are one quantity (break31b B1: ESA CCI ACTIVE's percent of
saturation read ×0.01 as COMBINED's volumetric m3 m-3)."""

import logging
import re

import numpy as np
import pytest
import xarray as xr

from climann.data.unit_ratios import NAMED_RATIO, PURE_NUMBER, units_of_the_same_quantity
from climann.data.units import convert_variable, dimensionless_kind, dimensionless_quantity
from climann.errors import ClimannError

SATURATION = {"long_name": "Percent of Saturation Soil Moisture"}
SOIL_WATER = "volume_fraction_of_condensed_water_in_soil"


def _variable(values, units: str, **attrs) -> xr.DataArray:
    return xr.DataArray(np.asarray(values, np.float32), dims=("time",), attrs={"units": units, **attrs})


@pytest.mark.parametrize(("text", "kind"), [
    pytest.param("m3 m-3", NAMED_RATIO, id="m3-m-3"),
    pytest.param("m^3 m^-3", NAMED_RATIO, id="caret"),
    pytest.param("m**3 m**-3", NAMED_RATIO, id="stars"),
    pytest.param("kg kg-1", NAMED_RATIO, id="kg-kg-1"),
    pytest.param("mol mol-1", NAMED_RATIO, id="mol-mol-1"),
    pytest.param("g/kg", NAMED_RATIO, id="g-per-kg"),
    pytest.param("percent", PURE_NUMBER, id="percent"),
    pytest.param("%", PURE_NUMBER, id="percent-sign"),
    pytest.param("1", PURE_NUMBER, id="one"),
    pytest.param("0.001", PURE_NUMBER, id="0.001"),
    pytest.param("1.e-3", PURE_NUMBER, id="dot-before-exponent"),
    pytest.param("ppbv", PURE_NUMBER, id="ppbv-as-ppm"),
    pytest.param("pptv", PURE_NUMBER, id="pptv-as-ppm"),
    pytest.param("K", None, id="dimensional"),
])
def test_a_ratio_of_named_units_is_told_from_a_pure_number(text, kind):
    assert dimensionless_kind(text) == kind


@pytest.mark.parametrize(("units", "to", "attrs"), [
    pytest.param("percent", "m3 m-3", SATURATION, id="cci-active-percent"),
    pytest.param("%", "m3 m-3", SATURATION, id="percent-sign"),
    pytest.param("1", "m3 m-3", {}, id="one-against-m3-m-3"),
    pytest.param("m3 m-3", "percent", {}, id="m3-m-3-against-percent"),
    pytest.param("%", "kg kg-1", {"long_name": "Relative humidity"}, id="relative-against-specific-humidity"),
    pytest.param("mol mol-1", "1", {}, id="mol-mol-1-against-one"),
    pytest.param("m2 m-2", "%", {}, id="m2-m-2-against-percent"),
    pytest.param("g/kg", "0.001", {}, id="g-per-kg-without-names"),
])
def test_a_pure_number_and_a_ratio_of_named_units_are_refused_in_one_line(units, to, attrs, caplog):
    with caplog.at_level(logging.WARNING, logger="climann"), pytest.raises(ClimannError) as error:
        convert_variable(_variable([40.0, 80.0], units, **attrs), to, name="sm", where="active.nc",
                         reference="the model's training data", reference_attrs={})
    message = str(error.value)
    assert "\n" not in message and "converted" not in caplog.text
    assert message.startswith(f"'sm' is in '{units}' (")
    assert f"in active.nc but in '{to}' (" in message
    assert all(f"'{side}' ({dimensionless_kind(side)}" in message for side in (units, to))
    if attrs:
        assert f"long_name '{attrs['long_name']}'" in message
    assert "ncatted -a units,sm,o,c," in message


@pytest.mark.parametrize(("own", "reference"), [
    pytest.param({}, {"standard_name": SOIL_WATER}, id="only-the-reference-named"),
    pytest.param({"standard_name": SOIL_WATER}, {}, id="only-the-new-data-named"),
    pytest.param({"standard_name": SOIL_WATER}, {"standard_name": "relative_humidity"}, id="other-names"),
    pytest.param({"standard_name": "unknown"}, {"standard_name": "unknown"}, id="unknown-says-nothing"),
])
def test_a_ratio_and_a_number_without_one_standard_name_on_both_sides_are_refused(own, reference):
    with pytest.raises(ClimannError, match="a pure number and a ratio of named units are not one quantity"):
        convert_variable(_variable([40.0], "percent", **own), "m3 m-3", name="sm", where="active.nc",
                         reference="the model's training data", reference_attrs=reference)


@pytest.mark.parametrize(("units", "to", "attrs", "reference", "factor"), [
    pytest.param("%", "1", {}, {}, 0.01, id="cloud-cover-percent-to-one"),
    pytest.param("1", "percent", {}, None, 100.0, id="one-to-percent"),
    pytest.param("percent", "%", {}, {}, 1.0, id="percent-spelled-otherwise"),
    pytest.param("m3 m-3", "m3/m3", {}, {}, 1.0, id="m3-m-3-spelled-otherwise"),
    pytest.param("g/kg", "kg kg-1", {}, {}, 0.001, id="g-per-kg-to-kg-per-kg"),
    pytest.param("percent", "m3 m-3", {"standard_name": SOIL_WATER}, {"standard_name": SOIL_WATER}, 0.01,
                 id="one-standard-name-on-both-sides"),
    pytest.param("g/kg", "0.001", {"standard_name": "sea_water_salinity"}, {"standard_name": "sea_water_salinity"},
                 1.0, id="salinity-named-on-both-sides"),
])
def test_conversions_that_keep_the_quantity_stay(units, to, attrs, reference, factor):
    values = np.array([12.5, 40.0, 80.0], np.float32)
    converted = convert_variable(_variable(values, units, **attrs), to, name="sm", where="new.nc",
                                 reference="the model's training data", reference_attrs=reference)
    np.testing.assert_allclose(converted.values, values * factor, rtol=1e-6)
    assert converted.attrs["units"] == to


@pytest.mark.parametrize(("units", "to", "factor"), [
    pytest.param("percent", "m3 m-3", 0.01, id="volumetric-percent"),
    pytest.param("m3 m-3", "%", 100.0, id="volume-fraction-against-percent"),
    pytest.param("1", "m3 m-3", 1.0, id="one"),
    pytest.param("g/kg", "m3 m-3", 0.001, id="g-per-kg-against-m3-m-3"),
])
def test_the_units_the_refusal_advises_convert_the_values_as_that_quantity(units, to, factor):
    """Values that really are the reference's quantity, given the advised units, convert as
    UDUNITS reads them: volumetric percent in 0.01 m3 m-3 become m3 m-3 by 0.01."""
    values = np.array([12.5, 40.0], np.float32)
    with pytest.raises(ClimannError) as error:
        convert_variable(_variable(values, units), to, name="sm", where="new.nc", reference="the model")
    advised = units_of_the_same_quantity(to, factor)
    assert f"units,sm,o,c,'{advised}'" in str(error.value) or f"units,sm,o,c,{advised} " in str(error.value)
    converted = convert_variable(_variable(values, advised), to, name="sm", where="new.nc", reference="the model")
    np.testing.assert_allclose(converted.values, values * factor, rtol=1e-6)


@pytest.mark.parametrize(("text", "kinds"), [
    pytest.param("m3 m-3", "volume per volume", id="m3-m-3"),
    pytest.param("m^3/m^3", "volume per volume", id="caret-slash"),
    pytest.param("L m-3", "volume per volume", id="litre-per-cubic-metre"),
    pytest.param("cm3 cm-3", "volume per volume", id="cm3-cm-3"),
    pytest.param("kg kg-1", "mass per mass", id="kg-kg-1"),
    pytest.param("g/kg", "mass per mass", id="g-per-kg"),
    pytest.param("mol mol-1", "amount of substance per amount of substance", id="mol-mol-1"),
    pytest.param("umol mol-1", "amount of substance per amount of substance", id="umol-mol-1"),
    pytest.param("m2 m-2", "area per area", id="m2-m-2"),
])
def test_a_ratio_of_named_units_is_told_by_the_kinds_of_its_numerator_and_denominator(text, kinds):
    assert dimensionless_quantity(text) == f"{NAMED_RATIO}, {kinds}"


@pytest.mark.parametrize("text", [pytest.param("%", id="percent"), pytest.param("1", id="one"),
                                  pytest.param("0.001", id="0.001"), pytest.param("dimensionless", id="pints-name")])
def test_a_pure_number_has_no_ratio_kinds(text):
    """pint's own name ``dimensionless`` included (it raised KeyError before)."""
    assert dimensionless_quantity(text) == dimensionless_kind(text) == PURE_NUMBER


# (units, units of the reference, what the refused conversion would have done, long_name): pint reads every one
# of these pairs as "1" and "1"; a hydrologist or chemist would not
OTHER_KINDS = [
    # gravimetric soil water 0.20 kg kg-1 is 0.20 × 1300/1000 = 0.26 m3 m-3 in a soil of bulk density 1300 kg m-3
    pytest.param("kg kg-1", "m3 m-3", "relabelled", "Gravimetric soil water content", id="mass-per-mass-as-volumetric"),
    pytest.param("m2 m-2", "m3 m-3", "relabelled", "Leaf Area Index", id="leaf-area-index-as-volumetric"),
    pytest.param("g/kg", "m3 m-3", "multiplied by 0.001", "Gravimetric soil water content", id="g-per-kg-as-volumetric"),
]


def _refused_in_one_line(units: str, to: str, long_name: str, caplog) -> str:
    """The refusal of soil moisture 'sm' (0.20, 0.35) in ``units`` given to a run in ``to``: one line, and
    nothing converted (no warning that says so)."""
    with caplog.at_level(logging.WARNING, logger="climann"), pytest.raises(ClimannError) as error:
        convert_variable(_variable([0.20, 0.35], units, long_name=long_name), to, name="sm", where="new.nc",
                         reference="the model's training data", reference_attrs={})
    message = str(error.value)
    assert "\n" not in message and "converted" not in caplog.text
    return message


@pytest.mark.parametrize(("units", "to", "done", "long_name"), OTHER_KINDS)
def test_ratios_of_named_units_of_other_kinds_are_refused_in_one_line(units, to, done, long_name, caplog):
    message = _refused_in_one_line(units, to, long_name, caplog)
    assert message.startswith(f"'sm' is in '{units}' ({dimensionless_quantity(units)}; long_name '{long_name}') "
                              f"in new.nc but in '{to}' ({dimensionless_quantity(to)}) in the model's training data: "
                              "ratios of named units of other kinds are not one quantity")
    assert f"so its values are not {done};" in message and "ncatted -a units,sm,o,c," in message


@pytest.mark.parametrize(("own", "reference"), [
    pytest.param({}, {"standard_name": "mole_fraction_of_ozone_in_air"}, id="only-the-reference-named"),
    pytest.param({"standard_name": "mass_fraction_of_ozone_in_air"}, {"standard_name": "mole_fraction_of_ozone_in_air"},
                 id="mass-and-mole-fraction-named"),
])
def test_ratios_of_other_kinds_without_one_standard_name_on_both_sides_are_refused(own, reference):
    """A mass fraction of ozone against its mole fraction: converted in the line given by 28.97/48, dry air's
    molar mass over ozone's (climann/data/gas_concentrations.py; break57c A2), never relabelled."""
    with pytest.raises(ClimannError) as refused:
        convert_variable(_variable([4.0e-6], "kg kg-1", **own), "mol mol-1", name="o3", where="new.nc",
                         reference="the model's training data", reference_attrs=reference)
    message = str(refused.value)
    assert message.startswith("'o3' is in 'kg kg-1' (a mass fraction) in new.nc but in 'mol mol-1' (a mole fraction)")
    factor = float(re.search(r"o3=o3\*([0-9.e+-]+);", message)[1])
    assert factor == pytest.approx(28.97 / 48.00, rel=1e-6) and "ncatted" not in message


# a mole fraction is its mass fraction × M(dry air)/M(gas): 28.97/48 for ozone, 28.97/44.01 for CO2
@pytest.mark.parametrize(("units", "to", "kinds", "long_name"), [
    pytest.param("kg kg-1", "mol mol-1", ("a mass fraction", "a mole fraction"), "Ozone mass mixing ratio",
                 id="mass-mixing-ratio-as-mole-fraction"),
    pytest.param("mol mol-1", "kg kg-1", ("a mole fraction", "a mass fraction"), "Ozone mole fraction",
                 id="mole-fraction-as-mass-mixing-ratio"),
    pytest.param("umol mol-1", "kg kg-1", ("a mole fraction", "a mass fraction"), "CO2 mole fraction",
                 id="umol-mol-1-as-kg-kg-1"),
])
def test_a_mole_fraction_and_a_mass_fraction_of_an_unknown_gas_are_refused_with_the_formula(units, to, kinds,
                                                                                             long_name, caplog):
    message = _refused_in_one_line(units, to, long_name, caplog)
    assert message.startswith(f"'sm' is in '{units}' ({kinds[0]}) in new.nc but in '{to}' ({kinds[1]}) in the model's "
                              "training data: a mass fraction of a gas is its mole fraction times the gas's molar mass")
    assert "which gas 'sm' is is told neither by its name nor by a standard_name" in message
    assert "ncatted" not in message and "ncap2" not in message


@pytest.mark.parametrize(("units", "to", "values", "expected", "attrs"), [
    # 250 L of water in 1 m3 of soil: 250 × 0.001 m3 / 1 m3 = 0.25
    pytest.param("L m-3", "m3 m-3", [250.0, 400.0], [0.25, 0.40], {}, id="litres-per-cubic-metre-to-m3-m-3"),
    pytest.param("cm3 cm-3", "m3 m-3", [0.25, 0.40], [0.25, 0.40], {}, id="cm3-cm-3-to-m3-m-3"),
    # 410 µmol of CO2 per mol of air: 410e-6 mol mol-1
    pytest.param("umol mol-1", "mol mol-1", [410.0, 280.0], [4.1e-4, 2.8e-4], {}, id="umol-mol-1-to-mol-mol-1"),
    # 5 g of vapour per kg of air: 0.005 kg kg-1
    pytest.param("g/kg", "kg kg-1", [5.0, 12.0], [0.005, 0.012], {}, id="g-per-kg-to-kg-per-kg"),
    # both files say the values are a mole fraction: the units are relabelled as the name says
    pytest.param("kg kg-1", "mol mol-1", [4.0e-6, 8.0e-6], [4.0e-6, 8.0e-6],
                 {"standard_name": "mole_fraction_of_ozone_in_air"}, id="one-standard-name-on-both-sides"),
])
def test_ratios_of_one_kind_or_named_one_quantity_convert_as_their_units_say(units, to, values, expected, attrs):
    converted = convert_variable(_variable(values, units, **attrs), to, name="sm", where="new.nc",
                                 reference="the model's training data", reference_attrs=dict(attrs))
    np.testing.assert_allclose(converted.values, expected, rtol=1e-6)
    assert converted.attrs["units"] == to
