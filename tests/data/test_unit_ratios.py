"""A ratio of named units (m3 m-3, kg kg-1) is not converted to or from a pure number (%, 1)
unless one CF standard_name says they are one quantity (break31b B1: ESA CCI ACTIVE's percent of
saturation read ×0.01 as COMBINED's volumetric m3 m-3)."""

import logging

import numpy as np
import pytest
import xarray as xr

from climann.data.unit_ratios import NAMED_RATIO, PURE_NUMBER, units_of_the_same_quantity
from climann.data.units import convert_variable, dimensionless_kind
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
