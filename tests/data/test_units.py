"""Units read with pint and cf_xarray's UDUNITS registry (climann/data/units.py)."""

from __future__ import annotations

import datetime
import logging
import math
import os
import re
import shlex
import shutil
import subprocess
import sys

import dask
import numpy as np
import pytest
import xarray as xr

from climann.data import shell
from climann.data.units import (
    WATER_DENSITY,
    conversion,
    convert_dataset,
    full_scale,
    convert_variable,
    difference_units,
    normalised_units,
    parse_units,
    scores_conversion,
    unit_registry,
    warn_unreadable_units,
    water_quantity,
)
from climann.data.shell import none_there
from climann.errors import ClimannError
from tests.fresh_python import bare_python, run_python
from tests.followed_twice import without_guards

#: A line the units advice prints for a file that is there, as printed: its guard, the mkdir of its new folder and its
#: command, then the --data to give in the file's place (fix56a: the copy was written beside the file, and a glob over
#: their folder took both).
_COPY_LINE = re.compile(r"(\{ \[ ! -e \S+ \] \|\| .*?) \(its copy in a new folder(?:, with the other files' copies)?\), "
                        r"then give --data ([^\s,;)]+) in place of ([^\s,;)]+)")


def _copy_lines(message: str) -> list[tuple[str, str, str]]:
    """Each line of ``message`` that writes a file's copy into a new folder: (the line as printed, the --data it says
    to give, what that replaces)."""
    return [(found[1], found[2], found[3]) for found in _COPY_LINE.finditer(message)]


def _run_as_printed(line: str, cwd=None) -> None:
    """``line`` run by the shell as it is pasted."""
    subprocess.run(line, shell=True, check=True, cwd=cwd, capture_output=True)


@pytest.mark.parametrize(
    ("spelling", "expected"),
    [
        pytest.param("degrees C", "degC", id="degrees-C"),
        pytest.param("deg C", "degC", id="deg-C"),
        pytest.param("degrees_C", "degC", id="degrees_C"),
        pytest.param("Degrees Celsius", "degC", id="Degrees-Celsius"),
        pytest.param("degree K", "K", id="degree-K"),
        pytest.param("Kelvin", "K", id="Kelvin"),
        # the IRI Data Library's names of the scales (its degree_Celsius … is a difference: its units note)
        pytest.param("Kelvin_scale", "K", id="IRI-Kelvin_scale"),
        pytest.param("Celsius_scale", "degC", id="IRI-Celsius_scale"),
        pytest.param("Fahrenheit_scale", "degF", id="IRI-Fahrenheit_scale"),
        pytest.param("degrees F", "degF", id="degrees-F"),
        pytest.param(" K ", "K", id="blanks"),
        pytest.param("degrees_north", "degrees_north", id="not-a-temperature"),
        pytest.param("kg m-2 s-1", "kg m-2 s-1", id="unchanged"),
        # the Argo RG climatology's spelling, the temperature scale after the unit (break44a A8)
        pytest.param("degree celcius (ITS-90)", "degC", id="RG-celcius-ITS-90"),
        pytest.param("degC ITS-90", "degC", id="degC-ITS-90"),
        pytest.param("degrees Celsius [IPTS-68]", "degC", id="IPTS-68"),
        pytest.param("K (ITS-90)", "K", id="K-ITS-90"),
        pytest.param("ITS-90", "ITS-90", id="a-scale-alone-is-no-unit"),
        pytest.param("psu (ITS-90)", "psu (ITS-90)", id="not-after-a-temperature"),
    ],
)
def test_normalised_spellings(spelling, expected):
    assert normalised_units(spelling) == expected


def test_a_temperature_on_its_scale_converts_with_a_note(caplog):
    """"degree celcius (ITS-90)" was "cannot read the units": the values were trained on as they stood and no other
    file could be scored in kelvin. Read as degC, the scale said in a note: 20 of them are 293.15 K."""
    from climann.data.notes import forget_notes

    forget_notes()
    with caplog.at_level(logging.INFO, logger="climann.data.units"):
        found = conversion("degree celcius (ITS-90)", "K", variable="ARGO_TEMPERATURE_MEAN")
    assert found.scale * 20.0 + found.offset == pytest.approx(293.15, abs=1e-12)
    assert "units 'degree celcius (ITS-90)' read as degC: ITS-90 names the temperature scale" in caplog.text


@pytest.mark.parametrize(("units", "to", "attrs", "scale"), [
    pytest.param("mb", "Pa", {"standard_name": "air_pressure"}, 100.0, id="air-pressure-mb-to-Pa"),
    pytest.param("hPa", "mb", {"standard_name": "surface_air_pressure"}, 1.0, id="hPa-to-mb"),
    pytest.param("mb", "hPa", {"positive": "down"}, 1.0, id="positive-down"),
    pytest.param("mb", "m2", {"standard_name": "cell_area"}, 1e-31, id="an-area-stays-an-area"),
    pytest.param("mb", "Pa", {}, None, id="nothing-says-pressure"),
])
def test_mb_is_a_millibar_only_where_the_attributes_say_pressure(units, to, attrs, scale):
    """1 mbar = 100 Pa = 1 hPa; 1 millibarn = 1e-3 × 1e-28 m² (UDUNITS' b, the barn)."""
    found = conversion(units, to, variable="plev", attrs=attrs)
    if scale is None:
        assert found is None
    else:
        assert found.scale == pytest.approx(scale, rel=1e-12) and found.offset == 0.0


# Independent values: 0 °C = 273.15 K (SI definition), 1 hPa = 100 Pa, 1 % = 0.01,
# 0 °F = -160/9 °C and a Fahrenheit degree is 5/9 of a Celsius one,
# 1 kg m-2 s-1 of water = 1 mm s-1 = 86400 mm day-1.
@pytest.mark.parametrize(
    ("units", "to", "scale", "offset"),
    [
        pytest.param("degC", "K", 1.0, 273.15, id="degC-K"),
        pytest.param("K", "degC", 1.0, -273.15, id="K-degC"),
        pytest.param("degree_Celsius", "K", 1.0, 273.15, id="degree_Celsius"),
        pytest.param("Celsius", "K", 1.0, 273.15, id="Celsius"),
        pytest.param("degrees C", "K", 1.0, 273.15, id="degrees-C"),
        pytest.param("degrees_Celsius", "K", 1.0, 273.15, id="degrees_Celsius"),
        pytest.param("degF", "degC", 5 / 9, -160 / 9, id="degF"),
        pytest.param("hPa", "Pa", 100.0, 0.0, id="hPa-Pa"),
        pytest.param("Pa", "hPa", 0.01, 0.0, id="Pa-hPa"),
        pytest.param("%", "1", 0.01, 0.0, id="percent"),
        pytest.param("1", "dimensionless", 1.0, 0.0, id="dimensionless"),
        pytest.param("kg m-2 s-1", "mm day-1", 86400.0, 0.0, id="flux-to-rate"),
        pytest.param("mm day-1", "kg m-2 s-1", 1 / 86400, 0.0, id="rate-to-flux"),
        pytest.param("m", "kg m-2", 1000.0, 0.0, id="depth-to-mass"),
    ],
)
def test_conversions_of_a_precipitation_like_variable(units, to, scale, offset):
    found = conversion(units, to, variable="pr", attrs={"standard_name": "precipitation_flux"})
    assert found.scale == pytest.approx(scale, rel=1e-12)
    assert found.offset == pytest.approx(offset, rel=1e-12, abs=1e-12)


def test_water_density_only_for_water_quantities():
    """A depth and a mass per area differ by a density: that of water only for water."""
    assert "density of liquid water" in conversion("mm", "kg m-2", variable="rr", attrs={}).assumption
    snow = {"standard_name": "surface_snow_thickness"}
    assert conversion("m", "kg m-2", variable="snd", attrs=snow) is None
    assert conversion("kg m-2 s-1", "mm day-1", variable="x", attrs={"long_name": "total precipitation"}).scale \
        == pytest.approx(86400.0 * 1000 / WATER_DENSITY)
    assert conversion("m", "K", variable="pr", attrs={}) is None


# CF standard name table: thickness_of_snowfall_amount is the depth of the fallen snow (its
# liquid form is lwe_thickness_of_snowfall_amount); thickness_of_rainfall_amount is a depth of
# liquid rain; a mass per area of water given as a depth is its liquid water equivalent.
@pytest.mark.parametrize(
    ("units", "to", "variable", "attrs", "scale"),
    [
        pytest.param("m", "kg m-2", "prsn", {"standard_name": "thickness_of_snowfall_amount"}, None,
                     id="depth-of-fallen-snow"),
        pytest.param("m", "kg m-2", "prsn", {"standard_name": "lwe_thickness_of_snowfall_amount"}, 1000.0,
                     id="lwe-snowfall"),
        pytest.param("mm", "kg m-2", "x", {"standard_name": "thickness_of_convective_rainfall_amount"}, 1.0,
                     id="depth-of-rain"),
        pytest.param("m", "kg m-2", "snd", {"standard_name": "surface_snow_thickness"}, None, id="snow-depth"),
        pytest.param("m", "kg m-2", "sit", {"standard_name": "sea_ice_thickness"}, None, id="sea-ice-thickness"),
        pytest.param("mm", "kg m-2", "snw", {"standard_name": "surface_snow_amount"}, 1.0, id="snow-amount-in-mm"),
        pytest.param("mm", "kg m-2", "mrso", {"standard_name": "mass_content_of_water_in_soil"}, 1.0,
                     id="soil-water-in-mm"),
        pytest.param("m", "kg m-2", "x", {"standard_name": "equivalent_thickness_at_stp_of_atmosphere_ozone_content"},
                     None, id="ozone-column-is-no-water"),
        pytest.param("m", "kg m-2", "snw", {"long_name": "Snow depth (accumulated snowfall on the ground)"}, None,
                     id="snow-depth-whose-long-name-says-snowfall"),
        pytest.param("mm", "kg m-2", "prsn", {"long_name": "new snow depth"}, None, id="cmip-name-but-a-snow-depth"),
        pytest.param("cm", "kg m-2", "sf", {"long_name": "Snowfall"}, None, id="snowfall-of-unknown-form"),
        pytest.param("mm", "kg m-2", "snw", {"long_name": "snow water equivalent"}, 1.0, id="swe-in-mm"),
        pytest.param("mm", "kg m-2", "swe", {"long_name": "Snow depth water equivalent"}, 1.0,
                     id="snow-depth-water-equivalent"),
        pytest.param("mm", "kg m-2", "mrso", {"long_name": "Total Soil Moisture Content"}, 1.0,
                     id="soil-moisture-in-mm"),
        pytest.param("mm day-1", "kg m-2 s-1", "x", {"long_name": "Total precipitation (rain + snow)"}, 1 / 86400,
                     id="precipitation-mentioning-snow"),
        pytest.param("mm day-1", "kg m-2 s-1", "x", {"standard_name": "total_precipitation"}, 1 / 86400,
                     id="standard-name-outside-the-table"),
        pytest.param("m", "kg m-2", "x", {"standard_name": "snow_depth", "long_name": "snowfall"}, None,
                     id="standard-name-outside-the-table-saying-depth"),
        pytest.param("m of water equivalent", "kg m-2", "sf", {"long_name": "Snowfall", "standard_name": "unknown"},
                     1000.0, id="era5-snowfall-whose-units-say-water-equivalent"),
        pytest.param("m of water equivalent", "kg m-2", "sd", {"long_name": "Snow depth"}, 1000.0,
                     id="era5-snow-depth-whose-units-say-water-equivalent"),
        # the one reading of water quantities (water_quantity) reads "rain" as a word: no rain in "Terrain"
        pytest.param("mm", "kg m-2", "orog", {"long_name": "Terrain height"}, None, id="terrain-is-no-rain"),
        # rerun38 N1: WRF's grid-scale snow and its rain are in mm of liquid water (1 mm = 1 kg m-2)
        pytest.param("mm", "kg m-2", "SNOWNC", {"units": "mm"}, 1.0, id="wrf-snownc-without-description"),
        pytest.param("kg m-2", "m", "RAINNC", {"units": "mm"}, 1e-3, id="wrf-rainnc-without-description"),
    ],
)
def test_water_density_only_where_the_quantity_is_liquid_water(units, to, variable, attrs, scale):
    found = conversion(units, to, variable=variable, attrs=attrs)
    if scale is None:
        assert found is None
    else:
        assert found.scale == pytest.approx(scale, rel=1e-12)


def test_a_depth_of_fallen_snow_is_refused_as_needing_its_density():
    """Break16 F1: snowfall given as the depth of the fresh snow (m, time: sum) was converted to
    a snowfall flux with water's density, 10 times too much snow for snow of 100 kg m-3."""
    bounds = [((2001, 1, 1), (2001, 2, 1)), ((2001, 2, 1), (2001, 3, 1))]
    variable, time_bounds = _cells([0.3, 0.2], "m", bounds)
    variable = variable.assign_attrs(standard_name="thickness_of_snowfall_amount")
    with pytest.raises(ClimannError) as refusal:
        convert_variable(variable, "kg m-2 s-1", name="prsn", where="new.nc", reference="the model",
                         time_bounds=time_bounds)
    message = str(refusal.value)
    assert "\n" not in message and "in 'm' in new.nc but in 'kg m-2 s-1' in the model" in message
    assert "own density" in message and "not water's 1000" in message
    assert "ncap2 -s 'prsn=prsn*DENSITY/1000; prsn@standard_name=\"lwe_thickness_of_snowfall_amount\"' new.nc" \
        in message
    assert "ncatted -a standard_name,prsn,o,c,lwe_thickness_of_snowfall_amount new.nc new_fixed.nc" in message
    # the way out: the liquid water equivalent (100 kg m-3 snow: a tenth of the depth) converts
    liquid = variable * 100 / WATER_DENSITY
    liquid.attrs = {**variable.attrs, "standard_name": "lwe_thickness_of_snowfall_amount"}
    rates = convert_variable(liquid, "kg m-2 s-1", name="prsn", where="new.nc", reference="the model",
                             time_bounds=time_bounds)
    np.testing.assert_allclose(rates.values, np.array([0.3, 0.2]) * 100 / _seconds(bounds), rtol=1e-6)



@pytest.mark.parametrize(
    ("units", "to", "variable"),
    [
        pytest.param("mm d-1", "mm/day", "pr", id="mm-d-1"),
        pytest.param("mm day-1", "mm/day", "pr", id="mm-day-1"),
        pytest.param("kelvin", "K", "tas", id="kelvin"),
        pytest.param("Kelvins", "K", "surface_temperature", id="smap-Kelvins"),  # break52b: not read before
        pytest.param("W/m2", "W m-2", "rsds", id="W-per-m2"),
        pytest.param("kg/m2", "kg m-2", "mrso", id="kg-per-m2"),
    ],
)
def test_scores_in_one_unit_spelled_two_ways_need_no_conversion(units, to, variable):
    assert scores_conversion(units, to, variable=variable).is_identity


@pytest.mark.parametrize(("units", "kelvin_days"), [
    pytest.param("degree_C days", 1.0, id="degree_C-days"),
    pytest.param("degree_C day", 1.0, id="degree_C-day"),
    pytest.param("degrees_C days", 1.0, id="degrees_C-days"),
    pytest.param("degree_F d", 5 / 9, id="degree_F-d"),  # a degree Fahrenheit of difference is 5/9 K
])
def test_udunits_degree_c_in_a_product_is_a_temperature_difference_times_a_time(units, kelvin_days):
    """rerun40 R1: 'degree_C days' (UDUNITS' degree_C times days, growing degree days) was 'cannot read the units'
    while 'degC d' was read; now pint reads it as a temperature difference times a time, 1 K d per unit."""
    quantity = parse_units(units, variable="thermal")
    assert dict(quantity.dimensionality) == {"[temperature]": 1, "[time]": 1}
    assert quantity.to("K d").magnitude == pytest.approx(kelvin_days, rel=1e-12)


# (old units, new units, target, the values' conversion by hand: new = f(old))
_BY_HAND = {
    "degF-K": ("degF", "K", "tas", lambda f: (f - 32) * 5 / 9 + 273.15),
    "degC-K": ("degC", "K", "tas", lambda c: c + 273.15),
    "smap-Kelvins-degC": ("Kelvins", "degC", "surface_temperature", lambda k: k - 273.15),  # break52b: SMAP L3
    "flux-mm-per-day": ("kg m-2 s-1", "mm/day", "pr", lambda flux: flux / 1000 * 1000 * 86400),  # kg m-2 = 1 mm
    "percent-fraction": ("%", "1", "clt", lambda percent: percent / 100),
}


@pytest.mark.parametrize("case", [pytest.param(case, id=name) for name, case in _BY_HAND.items()])
def test_scores_convert_as_the_errors_of_values_converted_by_hand(case):
    """MAE × scale and MSE × scale² equal the scores of the values converted by hand; an offset
    between temperature scales cancels in the errors."""
    units, to, variable, by_hand = case
    rng = np.random.default_rng(3)
    truth, predicted = rng.normal(10, 4, 50), rng.normal(10, 4, 50)
    found = scores_conversion(units, to, variable=variable)
    mse, mae = np.mean((predicted - truth) ** 2), np.mean(np.abs(predicted - truth))
    errors = by_hand(predicted) - by_hand(truth)
    assert mse * found.scale ** 2 == pytest.approx(np.mean(errors ** 2), rel=1e-9)
    assert mae * found.scale == pytest.approx(np.mean(np.abs(errors)), rel=1e-9)


@pytest.mark.parametrize(
    ("units", "to", "variable"),
    [
        pytest.param("m", "K", "tas", id="other-quantity"),
        pytest.param("mm month-1", "mm/day", "pr", id="per-calendar-month"),
        pytest.param("mm", "mm/day", "pr", id="amount-and-rate"),
        pytest.param("kg m-2 s-1", "mm/day", "snd", id="not-a-water-quantity"),
        pytest.param("", "1", "clt", id="no-units"),
    ],
)
def test_scores_of_units_without_one_factor_between_them_do_not_convert(units, to, variable):
    assert scores_conversion(units, to, variable=variable) is None

@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("furlongs per fortnight per", "cannot read the units .furlongs per fortnight per. of .x. in the file",
                     id="syntax"),
        pytest.param("degrees kelvin s-1", "mix an angle or a number with a temperature", id="angle-times-temperature"),
        pytest.param("% K", "mix an angle or a number with a temperature", id="number-times-temperature"),
    ],
)
def test_unreadable_units_are_refused(text, message):
    with pytest.raises(ClimannError, match=message):
        parse_units(text, variable="x")


def _celsius(values: np.ndarray, units: str | None) -> xr.DataArray:
    attrs = {} if units is None else {"units": units}
    return xr.DataArray(values.astype(np.float32), dims=("time",), attrs=attrs).chunk()


def test_a_conversion_is_lazy_exact_and_warned(caplog):
    values = np.array([-40.0, 0.0, 21.5], np.float32)

    def raising(graph, keys, **kwargs):
        raise AssertionError("dask computed while converting")

    with caplog.at_level(logging.WARNING, logger="climann"), dask.config.set(scheduler=raising):
        converted = convert_variable(_celsius(values, "degC"), "K", name="tas", where="new.nc", reference="the model")
    assert converted.chunks is not None and converted.dtype == np.float32
    assert converted.attrs["units"] == "K"
    np.testing.assert_allclose(converted.values, values.astype(np.float64) + 273.15, rtol=1e-7)
    assert "'tas' in new.nc converted from degC to K" in caplog.text


def test_the_same_unit_spelled_otherwise_is_relabelled_without_a_warning(caplog):
    values = np.array([1.0, 2.0], np.float32)
    with caplog.at_level(logging.WARNING, logger="climann"):
        same = convert_variable(_celsius(values, "degree_Celsius"), "degC", name="tas", where="a", reference="b")
    np.testing.assert_array_equal(same.values, values)
    assert same.attrs["units"] == "degC" and caplog.text == ""


def test_identical_units_strings_are_left_alone_even_when_unreadable(caplog):
    values = np.array([35.0], np.float32)
    with caplog.at_level(logging.WARNING, logger="climann"):
        kept = convert_variable(_celsius(values, "PSS-78 x"), "PSS-78 x", name="so", where="a", reference="b")
    assert kept.attrs["units"] == "PSS-78 x" and caplog.text == ""


def test_units_that_do_not_convert_are_refused_naming_the_variable_and_both_units():
    with pytest.raises(ClimannError, match="'ts' is in 'm' in new.nc but in 'K' in the model's training data") as error:
        convert_variable(_celsius(np.zeros(2), "m"), "K", name="ts", where="new.nc", reference="the model's training data")
    assert "\n" not in str(error.value)
    assert str(error.value).endswith("; if the values are in K and only the units attribute is wrong: "
                                     "ncatted -a units,ts,o,c,K new.nc new_fixed.nc")


@pytest.mark.parametrize(("units", "to", "where", "reference", "copy"), [
    pytest.param("F", "K", "new.nc", "the model's training data", "new.nc new_fixed.nc", id="new-data-in-F"),
    pytest.param("K", "F", "b.nc", "a.nc", "a.nc a_fixed.nc", id="the-first-file-in-F"),
])
def test_f_on_a_temperature_is_named_as_farad_with_the_degf_fix(units, to, where, reference, copy):
    """break19b F3: the only way out offered was to set K (or F) on values in degrees Fahrenheit."""
    variable = _celsius(np.zeros(2), units).assign_attrs(standard_name="air_temperature")
    with pytest.raises(ClimannError) as error:
        convert_variable(variable, to, name="tas", where=where, reference=reference)
    assert str(error.value).endswith("; 'F' is read as farad (UDUNITS: a capacitance), while 'tas' is a temperature: "
                                     "if it means degrees Fahrenheit, set the units to degF "
                                     f"(ncatted -a units,tas,o,c,degF {copy})")


def test_f_beside_units_that_are_no_temperature_is_refused_as_before():
    with pytest.raises(ClimannError) as error:
        convert_variable(_celsius(np.zeros(2), "F"), "m", name="x", where="new.nc", reference="the model")
    assert "farad" not in str(error.value) and "ncatted -a units,x,o,c,m new.nc" in str(error.value)


@pytest.mark.parametrize("units", ["fraction"])
def test_a_word_for_a_fraction_is_offered_units_1_beside_the_reference_units(units):
    """break19b F3: only `%` (the training units) was offered for values in 0…1. (``unitless``,
    a product's spelling of a pure number, is now read as 1: break37a B1; ``0-1`` too: rerun37 N1.)"""
    with pytest.raises(ClimannError) as error:
        convert_variable(_celsius(np.zeros(2), units), "%", name="clt", where="new.nc", reference="the model")
    assert (f"cannot read the units '{units}' of 'clt' in new.nc" in str(error.value)
            and "(if the values are fractions (0 to 1), their units are 1: ncatted -a units,clt,o,c,1 new.nc "
                "new_fixed.nc; if the values are in %, as in the model: ncatted -a units,clt,o,c,% new.nc "
                "new_fixed.nc)" in str(error.value))


@pytest.mark.parametrize(("units", "to", "expected"), [
    # break13 F19: IRI files in Kelvin_scale were refused as unreadable; by hand: 300 K = 26.85 degC, 50 degF = 10 degC
    pytest.param("Kelvin_scale", "degrees Celsius", [26.85, -273.15], id="Kelvin_scale"),
    pytest.param("Celsius_scale", "K", [300.0 + 273.15, 0.0 + 273.15], id="Celsius_scale"),
    pytest.param("Fahrenheit_scale", "degC", [(300.0 - 32) * 5 / 9, -160 / 9], id="Fahrenheit_scale"),
])
def test_the_iri_data_library_scales_convert(caplog, units, to, expected):
    with caplog.at_level(logging.WARNING, logger="climann"):
        converted = convert_variable(_celsius(np.array([300.0, 0.0]), units), to, name="tmp", where="iri.nc",
                                     reference="the model's training data")
    np.testing.assert_allclose(converted.values, expected, rtol=1e-6, atol=1e-4)
    # the IRI names say a temperature on its scale: no assumption to state
    assert f"converted from {units} to {to}, the units of the model's training data\n" in caplog.text + "\n"


@pytest.mark.parametrize(
    ("units", "to", "missing"),
    [pytest.param(None, "K", "new.nc", id="data"), pytest.param("K", "", "the model", id="reference")],
)
def test_missing_units_are_a_warning_and_leave_the_values(caplog, units, to, missing):
    values = np.array([280.0, 281.0], np.float32)
    with caplog.at_level(logging.WARNING, logger="climann"):
        kept = convert_variable(_celsius(values, units), to, name="tas", where="new.nc", reference="the model")
    np.testing.assert_array_equal(kept.values, values)
    assert f"'tas' has no units in {missing}" in caplog.text


def test_convert_dataset_converts_the_named_variables_present():
    dataset = xr.Dataset({"tas": _celsius(np.array([0.0]), "degC"), "ps": _celsius(np.array([1000.0]), "hPa")})
    converted = convert_dataset(dataset, {"tas": "K", "ps": "Pa", "absent": "m"}, where="f.nc", reference="r")
    assert converted["tas"].values[0] == pytest.approx(273.15) and converted["ps"].values[0] == pytest.approx(1e5)
    assert converted["tas"].attrs["units"] == "K" and "absent" not in converted


def test_convert_dataset_converts_a_lag_from_its_own_series_as_its_variable_with_one_warning(caplog):
    """``tas@lag1`` (a predictor's lag from its own series beside a target lacking months,
    climann.data.time_axes.own_series_lags) is in tas's units too: 0 and 10 °C → 273.15 and
    283.15 K; it was left in °C beside a tas in K. Only tas's conversion is said."""
    dataset = xr.Dataset({"tas": _celsius(np.array([10.0, 20.0]), "degC"),
                          "tas@lag1": _celsius(np.array([np.nan, 10.0]), "degC")})
    with caplog.at_level(logging.WARNING, logger="climann"):
        converted = convert_dataset(dataset, {"tas": "K"}, where="f.nc", reference="r")
    np.testing.assert_allclose(converted["tas@lag1"].values, [np.nan, 283.15])
    assert converted["tas@lag1"].attrs["units"] == "K"
    said = [r.getMessage() for r in caplog.records if "converted" in r.getMessage()]
    assert len(said) == 1 and said[0].startswith("'tas' in f.nc converted from degC to K, the units of r")


# CF-1.11 §3.1.2 units_metadata. Independent values: a difference of 1 degC is 1 K and of
# 1 K is 9/5 degF (no offset); 0 degC on the scale is 273.15 K.
@pytest.mark.parametrize(
    ("units", "to", "metadata", "scale", "offset"),
    [
        pytest.param("degC", "K", "temperature: difference", 1.0, 0.0, id="difference-degC-K"),
        pytest.param("K", "degF", "temperature: difference", 9 / 5, 0.0, id="difference-K-degF"),
        pytest.param("degC", "K", " temperature:on_scale ", 1.0, 273.15, id="on-scale"),
        pytest.param("degC", "K", "temperature: unknown", 1.0, 273.15, id="unknown-assumed-on-scale"),
    ],
)
def test_a_temperature_converts_as_its_units_metadata_says(units, to, metadata, scale, offset):
    found = conversion(units, to, variable="dtas", attrs={"units_metadata": metadata})
    assert found.scale == pytest.approx(scale, rel=1e-12)
    assert found.offset == pytest.approx(offset, rel=1e-12, abs=1e-12)


def test_a_temperature_difference_in_degc_keeps_its_values_in_k():
    values = np.array([-2.5, 0.0, 3.25], np.float32)
    anomaly = _celsius(values, "degC").assign_attrs(units_metadata="temperature: difference")
    converted = convert_variable(anomaly, "K", name="dtas", where="new.nc", reference="the model")
    np.testing.assert_array_equal(converted.values, values)
    assert converted.attrs["units"] == "K"


def test_a_temperature_without_units_metadata_is_converted_on_scale_with_a_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="climann"):
        converted = convert_variable(_celsius(np.array([15.0]), "degC"), "K", name="tas", where="new.nc", reference="m")
    assert converted.values[0] == pytest.approx(288.15)
    assert "assumed a temperature on the scale" in caplog.text
    # o, not c: ncatted's c leaves a units_metadata the file has ("temperature: unknown") as it is
    assert "ncatted -a units_metadata,tas,o,c,'temperature: difference'" in caplog.text


@pytest.mark.parametrize(
    ("name", "attrs"),
    [
        pytest.param("tas_anom", {}, id="name"),
        pytest.param("dtas", {"long_name": "near-surface air temperature anomaly"}, id="long_name"),
        pytest.param("t", {"standard_name": "air_temperature_anomaly"}, id="standard_name"),
        pytest.param("t", {"standard_name": "air_temperature_anomaly", "units_metadata": "temperature: unknown"},
                     id="unknown"),
    ],
)
def test_an_anomaly_without_units_metadata_is_refused(name, attrs):
    with pytest.raises(ClimannError, match=f"'{name}' is called an anomaly .* units_metadata") as error:
        conversion("degC", "K", variable=name, attrs=attrs)
    assert "\n" not in str(error.value)


def test_units_metadata_that_is_not_cf_is_refused():
    with pytest.raises(ClimannError, match="units_metadata of 'tas' is 'temperature: anomaly'; CF-1.11 allows"):
        conversion("degC", "K", variable="tas", attrs={"units_metadata": "temperature: anomaly"})


def test_units_metadata_does_not_matter_without_an_offset():
    assert conversion("K", "K", variable="tas", attrs={"units_metadata": "nonsense"}).is_identity


# --- months and years: the days of each step's calendar month or year --------------------------
def _monthly(values, units: str, dates, calendar: str) -> xr.DataArray:
    import cftime

    times = [cftime.datetime(*date, calendar=calendar) for date in dates]
    return xr.DataArray(np.array(values, np.float32), dims=("time",), coords={"time": times},
                        attrs={"units": units, "standard_name": "precipitation_flux"})


@pytest.mark.parametrize(
    ("calendar", "dates", "totals", "days"),
    [
        # hand values: January 31 days; February 28 in noleap and in 2001, 29 in the leap year 2000
        pytest.param("noleap", [(2000, 1, 16), (2000, 2, 15), (2000, 3, 16)], [62.0, 56.0, 62.0], [31, 28, 31],
                     id="noleap"),
        pytest.param("standard", [(2000, 1, 16), (2000, 2, 15), (2000, 3, 16)], [62.0, 58.0, 62.0], [31, 29, 31],
                     id="leap-year"),
        pytest.param("360_day", [(2001, 1, 16), (2001, 2, 16), (2001, 3, 16)], [60.0, 60.0, 60.0], [30, 30, 30],
                     id="360_day"),
    ],
)
def test_monthly_totals_convert_by_the_days_of_each_calendar_month(calendar, dates, totals, days, caplog):
    with caplog.at_level(logging.WARNING, logger="climann"):
        rates = convert_variable(_monthly(totals, "mm/month", dates, calendar), "kg m-2 s-1", name="pr",
                                 where="new.nc", reference="the model")
    np.testing.assert_allclose(rates.values, np.array(totals) / np.array(days) / 86400, rtol=1e-6)
    assert f"by the days of each step's month in its calendar ({calendar})" in caplog.text
    back = convert_variable(rates, "kg m-2 month-1", name="pr", where="a", reference="b")
    np.testing.assert_allclose(back.values, totals, rtol=1e-6)


@pytest.mark.parametrize(
    ("units", "to", "methods", "expected"),
    [
        pytest.param("mm/month", "kg m-2 s-1", "area: mean time: sum", "area: mean time: mean", id="totals-to-rates"),
        pytest.param("kg m-2 s-1", "mm/month", "time: mean", "time: mean", id="rates-to-amounts-per-month"),
        pytest.param("mm/day", "kg m-2 s-1", "time: sum", "time: sum", id="not-through-the-calendar"),
    ],
)
def test_totals_per_month_converted_to_rates_are_time_means(units, to, methods, expected):
    totals = _monthly([62.0, 56.0], units, [(2000, 1, 16), (2000, 2, 15)], "noleap")
    converted = convert_variable(totals.assign_attrs(cell_methods=methods), to, name="pr", where="a", reference="b")
    assert converted.attrs["cell_methods"] == expected


def test_yearly_totals_convert_by_the_days_of_each_calendar_year():
    totals = _monthly([732.0, 730.0], "mm yr-1", [(2000, 7, 2), (2001, 7, 2)], "standard")
    rates = convert_variable(totals, "mm day-1", name="pr", where="new.nc", reference="the model")
    np.testing.assert_allclose(rates.values, [732 / 366, 730 / 365], rtol=1e-6)  # 2000 has 366 days


def test_a_per_month_unit_on_steps_that_are_not_monthly_is_refused():
    daily = _monthly([1.0, 2.0, 3.0], "mm/month", [(2001, 1, 1), (2001, 1, 2), (2001, 1, 3)], "noleap")
    with pytest.raises(ClimannError, match=r"'pr' in new.nc is in 'mm/month' but its steps are daily, not monthly.*"
                                           r"cdo -setattribute,pr@units=mm/day -replace new.nc -divdpm -selname,pr new.nc new_fixed.nc") as error:
        convert_variable(daily, "mm day-1", name="pr", where="new.nc", reference="the model")
    assert "\n" not in str(error.value)


# --- numbers in units: a scale (UDUNITS; CF section 3.1: 1e-3 is parts per thousand) ------------
# Independent values, from UDUNITS-2 through cf_units: 35 in 0.001 is 35 in 1e-3, 35 in g/kg and
# 0.035 in 1; 50 in 0.01 is 50 in %; 1e-3 kg m-2 s-1 of water is 86400 / 1000 mm day-1.
@pytest.mark.parametrize(
    ("units", "to", "value", "expected"),
    [
        pytest.param("0.001", "1e-3", 35.0, 35.0, id="0.001-1e-3"),
        pytest.param("g/kg", "0.001", 35.0, 35.0, id="g/kg-0.001"),
        pytest.param("0.001", "g/kg", 35.0, 35.0, id="0.001-g/kg"),
        pytest.param("0.001", "1", 35.0, 0.035, id="0.001-1"),
        pytest.param("1", "0.001", 0.035, 35.0, id="1-0.001"),
        pytest.param("0.01", "%", 50.0, 50.0, id="0.01-percent"),
        pytest.param("%", "0.01", 50.0, 50.0, id="percent-0.01"),
        pytest.param("0.01", "1", 50.0, 0.5, id="0.01-1"),
        pytest.param("1.e-3", "1", 35.0, 0.035, id="dot-before-exponent"),
        pytest.param("1e-3 kg m-2 s-1", "mm day-1", 1.0, 86.4, id="scaled-flux"),
        pytest.param("0.1 K", "K", 2882.0, 288.2, id="scaled-kelvin"),
    ],
)
def test_a_number_in_the_units_is_a_scale(units, to, value, expected):
    found = conversion(units, to, variable="pr", attrs={"standard_name": "precipitation_flux"})
    assert found.scale * value + found.offset == pytest.approx(expected, rel=1e-12)


# Practical salinity (PSS-78) is on the g/kg scale: S_P = 35 is 35 in 1e-3 (CF's older table, CMIP6) and 35 in
# g/kg (TEOS-10: 35.165 g/kg, within 0.5 %), 0.035 as a fraction in 1 (UDUNITS). cf_xarray made psu the number 1.
@pytest.mark.parametrize(
    ("units", "to", "value", "expected"),
    [
        pytest.param("PSU", "1e-3", 34.5, 34.5, id="PSU-1e-3"),
        pytest.param("psu", "0.001", 34.5, 34.5, id="psu-0.001"),
        pytest.param("1e-3", "psu", 34.5, 34.5, id="1e-3-psu"),
        pytest.param("pss", "1e-3", 34.5, 34.5, id="ESA-CCI-pss"),
        pytest.param("PSS-78", "0.001", 34.5, 34.5, id="PSS-78"),
        pytest.param("practical salinity units", "1e-3", 34.5, 34.5, id="in-words"),
        pytest.param("psu", "g/kg", 34.5, 34.5, id="psu-g/kg"),
        pytest.param("psu", "1", 34.5, 0.0345, id="psu-as-a-fraction"),
    ],
)
def test_practical_salinity_units_are_on_the_1e_3_scale(units, to, value, expected):
    found = conversion(units, to, variable="sos", attrs={"standard_name": "sea_surface_salinity"})
    assert found.scale * value + found.offset == pytest.approx(expected, rel=1e-12)


def test_the_same_scale_spelled_otherwise_is_relabelled_without_a_warning(caplog):
    """g/kg (a ratio of named units) and 0.001 (a pure number) are one quantity where both
    sides say so by one standard_name (without it: refused, tests/data/test_unit_ratios.py)."""
    salinity = np.array([34.5, 35.0, 36.25], np.float32)
    named = {"standard_name": "sea_surface_salinity"}
    with caplog.at_level(logging.WARNING, logger="climann"):
        same = convert_variable(_celsius(salinity, "g/kg").assign_attrs(named), "0.001", name="sos", where="new.nc",
                                reference="the model", reference_attrs=named)
    np.testing.assert_array_equal(same.values, salinity)
    assert same.attrs["units"] == "0.001" and caplog.text == ""


def test_a_fraction_is_converted_to_parts_per_thousand_with_a_warning(caplog):
    fraction = np.array([0.0345, 0.035], np.float32)
    with caplog.at_level(logging.WARNING, logger="climann"):
        converted = convert_variable(_celsius(fraction, "1"), "0.001", name="sos", where="new.nc",
                                     reference="the model's training data")
    np.testing.assert_allclose(converted.values, [34.5, 35.0], rtol=1e-6)
    assert "'sos' in new.nc converted from 1 to 0.001, the units of the model's training data" in caplog.text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("0", "cannot read the units '0' of 'x' in new.nc", id="zero"),
        pytest.param("-1", "cannot read the units '-1' of 'x' in new.nc", id="negative"),
        pytest.param("nan", "cannot read the units 'nan' of 'x' in new.nc", id="nan"),
        pytest.param("0.1 degC", "'0.1 degC' of 'x' in new.nc mix an angle or a number with a temperature",
                     id="scaled-celsius"),
    ],
)
def test_scales_that_are_not_units_are_refused(text, message):
    with pytest.raises(ClimannError, match=message):
        parse_units(text, variable="x", where="new.nc")


@pytest.mark.parametrize(
    ("units", "to", "message"),
    [
        pytest.param("PSS-78 x", "0.001", "cannot read the units 'PSS-78 x' of 'sos' in new.nc: .*; "
                     r"correct its units attribute \(if the values are in 0\.001, as in the model's training data: "
                     r"ncatted -a units,sos,o,c,0\.001 new.nc new_fixed.nc\)$", id="the-file"),
        pytest.param("0.001", "PSS-78 x", "cannot read the units 'PSS-78 x' of 'sos' in the model's training data: "
                     ".*; give 'sos' in new.nc with units 'PSS-78 x' exactly as in the model's training data",
                     id="the-model"),
    ],
)
def test_unreadable_units_are_named_with_the_side_that_holds_them(units, to, message):
    with pytest.raises(ClimannError, match=message) as error:
        convert_variable(_celsius(np.array([35.0]), units), to, name="sos", where="new.nc",
                         reference="the model's training data")
    assert "\n" not in str(error.value)


# --- amounts totalled over each time cell (time: sum) and rates: by the cells' lengths -------------
def _cells(values, units: str, bounds, *, methods: str | None = "time: sum", calendar: str = "noleap",
           stamps=None) -> tuple[xr.DataArray, xr.DataArray]:
    """``pr`` at its cells' middles (or ``stamps``) with ``cell_methods`` and the cells as
    CF bounds (n_time, 2), cftime dates in ``calendar``."""
    import cftime

    edges = np.array([[cftime.datetime(*low, calendar=calendar), cftime.datetime(*high, calendar=calendar)]
                      for low, high in bounds], dtype=object)
    times = stamps if stamps is not None else [low + (high - low) / 2 for low, high in edges]
    times = [cftime.datetime(*time, calendar=calendar) if isinstance(time, tuple) else time for time in times]
    attrs = {"units": units, "standard_name": "precipitation_amount", **({"cell_methods": methods} if methods else {})}
    variable = xr.DataArray(np.array(values, np.float32), dims=("time",), coords={"time": times}, attrs=attrs)
    return variable, xr.DataArray(edges, dims=("time", "bnds"), name="time_bnds")


def _seconds(bounds, calendar="noleap") -> np.ndarray:
    """Each cell's length in seconds, by hand: days between the dates, in the calendar's month lengths."""
    import cftime

    return np.array([(cftime.datetime(*high, calendar=calendar) - cftime.datetime(*low, calendar=calendar)).days
                     for low, high in bounds]) * 86400.0


@pytest.mark.parametrize(
    ("units", "bounds", "calendar", "per_kg"),
    [
        pytest.param("mm", [((2000, 1, 1), (2000, 2, 1)), ((2000, 2, 1), (2000, 3, 1))], "standard", 1.0,
                     id="monthly-mm-leap-february"),
        pytest.param("kg m-2", [((2001, 1, 1), (2001, 2, 1)), ((2001, 2, 1), (2001, 3, 1))], "noleap", 1.0,
                     id="monthly-kg-m-2"),
        pytest.param("mm", [((2001, 3, 4), (2001, 3, 5)), ((2001, 3, 5), (2001, 3, 6))], "noleap", 1.0,
                     id="daily"),
        pytest.param("m", [((2000, 12, 1), (2001, 3, 1)), ((2001, 3, 1), (2001, 6, 1))], "360_day", 1000.0,
                     id="seasonal-360_day"),
    ],
)
def test_totals_over_time_cells_convert_to_rates_by_each_cells_length(units, bounds, calendar, per_kg, caplog):
    totals = [62.0, 58.0]
    variable, time_bounds = _cells(totals, units, bounds, calendar=calendar)
    with caplog.at_level(logging.WARNING, logger="climann"):
        rates = convert_variable(variable.assign_attrs(cell_methods="area: mean time: sum"), "kg m-2 s-1", name="pr",
                                 where="new.nc", reference="the model", time_bounds=time_bounds)
    # the total over each cell (kg m-2, 1 mm of water = 1 kg m-2) over the cell's seconds
    np.testing.assert_allclose(rates.values, np.array(totals) * per_kg / _seconds(bounds, calendar), rtol=1e-6)
    assert rates.attrs["cell_methods"] == "area: mean time: mean"
    assert "the totals over each time step divided by its length (the time bounds time_bnds)" in caplog.text


def test_totals_without_bounds_convert_by_the_months_of_a_monthly_axis():
    bounds = [((2001, 1, 1), (2001, 2, 1)), ((2001, 2, 1), (2001, 3, 1)), ((2001, 3, 1), (2001, 4, 1))]
    variable, _ = _cells([31.0, 28.0, 62.0], "mm", bounds, stamps=[(2001, 1, 15), (2001, 2, 15), (2001, 3, 15)])
    rates = convert_variable(variable, "mm day-1", name="pr", where="new.nc", reference="the model")
    np.testing.assert_allclose(rates.values, [1.0, 1.0, 2.0], rtol=1e-6)


def test_rates_convert_to_totals_over_cells_where_the_reference_is_such_totals():
    bounds = [((2001, 1, 1), (2001, 2, 1)), ((2001, 2, 1), (2001, 3, 1))]
    variable, time_bounds = _cells([1.0, 2.0], "mm day-1", bounds, methods="time: mean")
    totals = convert_variable(variable, "mm", name="pr", where="new.nc", reference="the model",
                              time_bounds=time_bounds, reference_method="area: mean time: sum")
    np.testing.assert_allclose(totals.values, [31.0, 56.0], rtol=1e-6)
    assert totals.attrs["cell_methods"] == "time: sum"


@pytest.mark.parametrize(
    ("units", "to", "methods", "reference_method", "message"),
    [
        pytest.param("m", "kg m-2 s-1", None, None,
                     r"^'pr' is in 'm' in new.nc, an amount that does not say the period it is over, but in "
                     r"'kg m-2 s-1', a rate, in the model: it converts only as the total over each time step \(CF "
                     r"cell_methods 'time: sum'\), which new.nc does not say; .*as ERA5's monthly means are, give the "
                     r"units \(ncatted -a units,pr,o,c,'m day-1' new.nc new_fixed.nc\)$", id="era5-m"),
        pytest.param("mm", "kg m-2 s-1", "time: mean", None, r"which new.nc does not say \(it says time: mean\)",
                     id="mean-amount"),
        pytest.param("mm day-1", "mm", "time: mean", None,
                     r"^'pr' is in 'mm day-1', a rate, in new.nc but in 'mm' in the model, an amount that does not "
                     r"say the period it is over", id="rate-to-an-amount-without-period"),
        pytest.param("mm day-1", "mm", "time: maximum", "time: sum", r"is time: maximum of a rate",
                     id="maximum-rate-to-totals"),
    ],
)
def test_an_amount_and_a_rate_that_are_not_totals_over_cells_are_refused(units, to, methods, reference_method,
                                                                        message):
    bounds = [((2001, 1, 1), (2001, 2, 1)), ((2001, 2, 1), (2001, 3, 1))]
    variable, time_bounds = _cells([1.0, 2.0], units, bounds, methods=methods)
    with pytest.raises(ClimannError, match=message) as error:
        convert_variable(variable, to, name="pr", where="new.nc", reference="the model", time_bounds=time_bounds,
                         reference_method=reference_method)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize(
    ("methods", "expected"),
    [pytest.param("area: mean time: sum within days time: sum over days", "area: mean time: mean within days time: "
                  "mean over days", id="daymet-monthly-totals"),
     pytest.param("time: sum", "time: mean", id="one-entry")],
)
def test_daymets_sums_within_and_over_days_of_ordinary_months_are_monthly_totals(methods, expected):
    """Daymet v4's monthly totals say ``time: sum within days time: sum over days`` on months that
    are no climatology (break15 F2): the sum of the daily totals over the month, converted to a rate
    by each month's days as a plain ``time: sum`` is (by hand: total ÷ days)."""
    bounds = [((2000, 1, 1), (2000, 2, 1)), ((2000, 2, 1), (2000, 3, 1)), ((2000, 3, 1), (2000, 4, 1))]
    variable, time_bounds = _cells([62.0, 58.0, 31.0], "mm", bounds, methods=methods, calendar="standard")
    rates = convert_variable(variable, "mm day-1", name="prcp", where="daymet.nc", reference="the model",
                             time_bounds=time_bounds, reference_method="time: mean")
    np.testing.assert_allclose(rates.values, [62.0 / 31, 58.0 / 29, 31.0 / 31], rtol=1e-6)
    assert rates.attrs["cell_methods"].endswith(expected)


def test_sums_within_and_over_days_on_a_climatology_are_not_read_as_totals():
    """On a climatological time axis (a ``climatology`` attribute, CF 7.4) the same entries mean a
    statistic over years, not the total over each cell: refused as before, and the advice states the
    time method afresh instead of appending a third entry (the appended form could never pass)."""
    bounds = [((2000, 1, 1), (2000, 2, 1)), ((2000, 2, 1), (2000, 3, 1))]
    variable, time_bounds = _cells([62.0, 58.0], "mm", bounds, calendar="standard",
                                   methods="area: mean time: sum within days time: sum over days")
    variable["time"].attrs["climatology"] = "climatology_bounds"
    with pytest.raises(ClimannError, match=r"\(it says time: sum within days time: sum over days\); if the values "
                                           r"are totals over each time step .*say so \(ncatted -a cell_methods,prcp,o,"
                                           r"c,'area: mean time: sum' new.nc new_fixed.nc\)"):
        convert_variable(variable, "mm day-1", name="prcp", where="new.nc", reference="the model",
                         time_bounds=time_bounds, reference_method="time: mean")


def test_totals_over_cells_of_unknown_length_are_refused_with_the_way_to_add_bounds():
    bounds = [((2001, 1, 1), (2001, 1, 2)), ((2001, 1, 2), (2001, 1, 4)), ((2001, 1, 9), (2001, 1, 10))]
    irregular, _ = _cells([1.0, 2.0, 3.0], "mm", bounds, stamps=[(2001, 1, 1, 12), (2001, 1, 3), (2001, 1, 9, 12)])
    with pytest.raises(ClimannError, match=r"^'pr' in new.nc is converted from 'mm' to 'kg m-2 s-1' by the length "
                                           r"of each time step.*no bounds and no regular step to give that length; "
                                           r"add time bounds \(CF 7.1\) that hold each value's own period, as "
                                           r"docs/own-data.md \(\"Totals without time bounds\"\) shows"):
        convert_variable(irregular, "kg m-2 s-1", name="pr", where="new.nc", reference="the model")


def _month_start(year: int, month: int) -> tuple[int, int, int]:
    """The first day of ``month`` months after January of ``year`` (month 0 is January)."""
    return (year + month // 12, month % 12 + 1, 1)


def _calendar_cells(frequency: str, stamps) -> list:
    """The cells ``cdo settbounds,FREQUENCY`` writes, by hand: the calendar day, month or
    year that holds each stamp (checked against cdo 2.1.1)."""
    import cftime

    def start(time, **changes):
        fields = {"year": time.year, "month": time.month, "day": time.day, **changes}
        return cftime.datetime(fields["year"], fields["month"], fields["day"], calendar=time.calendar)

    if frequency == "day":
        return [(start(t), start(t) + datetime.timedelta(days=1)) for t in stamps]
    if frequency == "month":
        return [(start(t, day=1), start(t, day=1, year=t.year + t.month // 12, month=t.month % 12 + 1)) for t in stamps]
    return [(start(t, month=1, day=1), start(t, year=t.year + 1, month=1, day=1)) for t in stamps]


#: Totals over cells of each kind, noleap: (lower, upper) of each cell, and where it is stamped.
_DAYS = [((2001, 1, d), (2001, 1, d + 1)) for d in (1, 2, 3, 5)]
_MONTHS = [(_month_start(2001, m), _month_start(2001, m + 1)) for m in range(4)]
_YEARS = [((y, 1, 1), (y + 1, 1, 1)) for y in (2001, 2002, 2003)]
_DJF = [(_month_start(y, -1), _month_start(y, 2)) for y in (2001, 2002, 2003)]
_JANUARIES = [((y, 1, 1), (y, 2, 1)) for y in (2001, 2002, 2003)]
_SEASONS = [(_month_start(2001, m), _month_start(2001, m + 3)) for m in (-1, 2, 5, 8)]
_EVERY_THIRD_MONTH = [(_month_start(2001, m), _month_start(2001, m + 1)) for m in (0, 3, 6, 9)]


def _totals(cells, stamped_at: str) -> tuple[xr.DataArray, list]:
    """Totals of 2e-5 kg m-2 s-1 over each cell (noleap), stamped at each cell's middle or
    start, without bounds; and the cells as cftime pairs."""
    import cftime

    edges = [(cftime.datetime(*low, calendar="noleap"), cftime.datetime(*high, calendar="noleap")) for low, high in cells]
    stamps = [low + (high - low) / 2 if stamped_at == "middle" else low for low, high in edges]
    seconds = np.array([(high - low).total_seconds() for low, high in edges])
    return _cells(seconds * 2e-5, "kg m-2", cells, stamps=stamps)[0], edges


@pytest.mark.parametrize(("cells", "stamped_at"), [
    pytest.param(_DAYS, "middle", id="daily"),
    pytest.param(_DAYS, "start", id="daily-at-00"),
    pytest.param(_MONTHS, "middle", id="monthly"),
    pytest.param(_MONTHS, "start", id="monthly-on-the-1st"),
])
def test_totals_without_bounds_on_a_daily_or_monthly_axis_are_divided_by_their_day_or_month(cells, stamped_at):
    variable, _ = _totals(cells, stamped_at)
    rates = convert_variable(variable, "kg m-2 s-1", name="pr", where="new.nc", reference="the model")
    np.testing.assert_allclose(rates.values, 2e-5, rtol=1e-6)


@pytest.mark.parametrize(("cells", "stamped_at"), [
    pytest.param(_YEARS, "middle", id="yearly"),
    pytest.param(_YEARS, "start", id="yearly-on-1-january"),
    pytest.param(_DJF, "middle", id="djf-only"),
    pytest.param(_DJF, "start", id="djf-only-on-1-december"),
    pytest.param(_JANUARIES, "middle", id="january-only"),
    pytest.param(_SEASONS, "middle", id="seasons"),
    pytest.param(_EVERY_THIRD_MONTH, "start", id="every-3-months-one-month-each"),
])
def test_totals_without_bounds_stamped_months_apart_are_refused_without_a_cdo_command_of_another_period(
        cells, stamped_at):
    """DJF totals, one a winter, stamped mid-winter without bounds were advised ``cdo
    settbounds,year``, whose cells are calendar years: followed, each 90-day total was divided
    by 365 days, exit 0; stamped on 1 December they were divided by a year without a word.
    Stamps months apart do not tell a year's total from a season's or a month's, so every
    such file is refused, and any ``cdo settbounds`` it advises must give the values' cells."""
    variable, edges = _totals(cells, stamped_at)
    first = variable["time"].values[0].strftime("%Y-%m-%d")
    with pytest.raises(ClimannError) as error:
        convert_variable(variable, "kg m-2 s-1", name="pr", where="new.nc", reference="the model")
    for frequency in re.findall(r"cdo settbounds,(\w+) \S+ \S+", str(error.value)):
        assert _calendar_cells(frequency, variable["time"].values) == edges, f"settbounds,{frequency}: other cells"
    assert re.search(rf"its time has no bounds and its .* stamps \(the first {first}\) do not say each value's "
                     r"period: .* or one season or month of every", str(error.value))


# --- totals a few hours apart without bounds: ERA5's 1-hour totals kept every 6 hours ------------
#: The global attributes the CDS writes in its NetCDF files of ERA5 accumulated parameters.
_CDS_HISTORY = ('2025-06-19T15:15 GRIB to CDM+CF via cfgrib-0.9.15.0/ecCodes-2.41.0 with {"source": "data.grib", '
                '"filter_by_keys": {"stream": ["%s"], "stepType": ["accum"]}, "encode_cf": ["parameter", "time"]}')


def _hourly_totals_file(path, *, hours: int, grib_stream: str | None = None, bounds_hours: int | None = None):
    """``tp`` in m (time: sum) on ``valid_time`` every ``hours`` hours from 2001-01-01 00:00
    (int64 seconds since 1970, as the CDS writes it), on a 1×2 grid; with the CDS's GRIB
    attributes of ``grib_stream``, and time bounds of ``bounds_hours`` before each stamp.
    Returns the totals, shape (4, 1, 2)."""
    import pandas as pd

    stamps = pd.date_range("2001-01-01", periods=4, freq=f"{hours}h")
    totals = np.array([0.0036, 0.0072, 0.0, 0.0018], np.float32)[:, None, None] * np.ones((1, 1, 2), np.float32)
    attrs = {"units": "m", "cell_methods": "time: sum"}
    dataset = xr.Dataset({"tp": (("valid_time", "latitude", "longitude"), totals, attrs)},
                         coords={"valid_time": stamps, "latitude": [50.0], "longitude": [0.0, 0.25]})
    if grib_stream:
        dataset["tp"].attrs["GRIB_stepType"] = "accum"
        dataset.attrs.update(GRIB_centre="ecmf", history=_CDS_HISTORY % grib_stream)
    if bounds_hours:
        edges = np.stack([stamps - pd.Timedelta(hours=bounds_hours), stamps], axis=1)
        dataset["valid_time_bnds"] = (("valid_time", "bnds"), edges)
        dataset["valid_time"].attrs["bounds"] = "valid_time_bnds"
    dataset["valid_time"].encoding.update(units="seconds since 1970-01-01", dtype="int64")
    dataset.to_netcdf(path)
    return totals


@pytest.mark.parametrize(("hours", "grib_stream", "bounds_hours", "period_hours"), [
    pytest.param(1, None, None, 1, id="hourly-totals-every-hour"),
    pytest.param(1, "oper", None, 1, id="hourly-grib-accumulations-every-hour"),
    pytest.param(6, None, 6, 6, id="6-hour-totals-with-time-bounds"),
    pytest.param(6, None, 1, 1, id="hourly-totals-every-6-hours-with-time-bounds"),
])
def test_totals_a_few_hours_apart_convert_by_their_bounds_and_hourly_ones_by_the_hour(tmp_path, hours, grib_stream, bounds_hours,
                                                                        period_hours, caplog):
    from climann.data.open import open_dataset

    totals = _hourly_totals_file(tmp_path / "era5.nc", hours=hours, grib_stream=grib_stream, bounds_hours=bounds_hours)
    with caplog.at_level(logging.WARNING, logger="climann"):
        rates = convert_dataset(open_dataset([tmp_path / "era5.nc"]), {"tp": "kg m-2 s-1"}, where="era5.nc",
                                reference="the model")["tp"]
    # m of water over the period: × 1000 kg m-3, ÷ the period's seconds
    np.testing.assert_allclose(rates.values, totals * 1000.0 / (period_hours * 3600.0), rtol=1e-6)
    assert f"({'the step of its times' if bounds_hours is None else 'the time bounds valid_time_bnds'}" in caplog.text
    assert ("ERA5-Land's run from 00 UTC, difference them first" in caplog.text) == (grib_stream is not None)


@pytest.mark.parametrize(("hours", "grib_stream"), [
    pytest.param(6, None, id="6-hourly"),
    pytest.param(3, None, id="3-hourly"),
    pytest.param(6, "oper", id="6-hourly-with-the-cds-grib-attributes"),
])
def test_totals_a_few_hours_apart_without_bounds_are_refused_with_a_command_that_adds_them(tmp_path, hours,
                                                                                          grib_stream):
    """ERA5's hourly totals downloaded for 00, 06, 12 and 18 UTC were divided by 6 hours:
    rates 6 times too small, exit 0. The spacing does not say whether each value is the total
    over the hours since the stamp before or over the hour before it; nor do the CDS's GRIB
    attributes: ERA5-Land's files carry the same (stepType accum, centre ecmf, stream oper),
    and its totals run from 00 UTC."""
    from climann.data.open import open_dataset

    _hourly_totals_file(tmp_path / "era5.nc", hours=hours, grib_stream=grib_stream)
    dataset = open_dataset([tmp_path / "era5.nc"])
    with pytest.raises(ClimannError) as error:
        convert_dataset(dataset, {"tp": "kg m-2 s-1"}, where="era5.nc", reference="the model")
    message = str(error.value)
    assert "\n" not in message
    assert re.search(rf"its time has no bounds and its stamps are {hours} hours apart \(the first 2001-01-01 00:00\): "
                     rf"each value may be the total over the {hours} hours before its stamp, or over one hour only "
                     rf"\(ERA5's hourly totals kept every {hours} hours", message)
    script = ('defdim("bnds",2);valid_time_bnds[$valid_time,$bnds]=0.0;valid_time_bnds(:,0)=valid_time-3600;'
              'valid_time_bnds(:,1)=valid_time;valid_time@bounds="valid_time_bnds"')
    copy = tmp_path / "time_cells_fixed" / "era5.nc"  # in a new folder, with the --data to give (break52a A1)
    assert (f"ncap2 -s '{script}' {tmp_path / 'era5.nc'} {copy} (its copy in a new folder), then give --data {copy} "
            f"in place of {tmp_path / 'era5.nc'} (for totals over the {hours} hours before it, {hours * 3600} in place "
            "of 3600)") in message


@pytest.mark.parametrize("hours", [24, 48])
def test_grib_accumulations_kept_days_apart_without_bounds_are_refused_with_a_command_that_adds_them(tmp_path, hours):
    """ERA5's hourly totals downloaded for 00 UTC only were read as daily totals: rates 24
    times too small, exit 0. ERA5-Land's value at 00 UTC is the total of the day before, so
    the GRIB attributes do not tell the period either; a plain daily file (no GRIB
    accumulation) is still read as totals over each day."""
    from climann.data.open import open_dataset

    totals = _hourly_totals_file(tmp_path / "era5.nc", hours=hours, grib_stream="oper")
    with pytest.raises(ClimannError) as error:
        convert_dataset(open_dataset([tmp_path / "era5.nc"]), {"tp": "kg m-2 s-1"}, where="era5.nc",
                        reference="the model")
    message = str(error.value)
    assert "\n" not in message
    kept = "once a day" if hours == 24 else f"every {hours // 24} days"
    assert (f"its values are GRIB accumulations (GRIB_stepType = accum) stamped {hours // 24} day"
            f"{'s' if hours > 24 else ''} apart: each value may be the total over the hour before its stamp (ERA5's "
            f"hourly totals kept {kept}) or over the day before it (ERA5-Land's at 00 UTC)") in message
    copy = tmp_path / "time_cells_fixed" / "era5.nc"  # in a new folder, with the --data to give (break52a A1)
    assert "valid_time_bnds(:,0)=valid_time-3600;" in message
    assert (f"{tmp_path / 'era5.nc'} {copy} (its copy in a new folder), then give --data {copy} in place of "
            f"{tmp_path / 'era5.nc'} (for totals over the day before it, 86400 in place of 3600)") in message

    plain = _hourly_totals_file(tmp_path / "daily.nc", hours=hours)
    np.testing.assert_array_equal(plain, totals)
    rates = convert_dataset(open_dataset([tmp_path / "daily.nc"]), {"tp": "kg m-2 s-1"}, where="daily.nc",
                            reference="the model")["tp"]
    np.testing.assert_allclose(rates.values, totals * 1000.0 / (hours * 3600.0), rtol=1e-6)


# --- GRIB accumulations without bounds at any spacing but one hour: no known period -------------
def _grib_totals_file(path, stamps, *, cfgrib_lead_hours: int | None = None):
    """``tp`` in m (time: sum, GRIB_stepType accum, as the CDS writes ERA5's totals) at
    ``stamps`` (``hours since 1900-01-01``), on a 1×2 grid; with ``cfgrib_lead_hours``, in
    cfgrib's layout: the dimension ``time`` the forecast reference time, ``valid_time(time)``
    the stamps, a scalar lead time ``step``. Returns the totals, shape (n, 1, 2)."""
    import pandas as pd

    totals = (np.arange(1, len(stamps) + 1, dtype=np.float32) * np.float32(0.0012))[:, None, None] * np.ones(
        (1, 1, 2), np.float32)
    attrs = {"units": "m", "cell_methods": "time: sum", "GRIB_stepType": "accum"}
    dataset = xr.Dataset({"tp": (("time", "latitude", "longitude"), totals, attrs)},
                         coords={"time": stamps, "latitude": [50.0], "longitude": [0.0, 0.25]})
    if cfgrib_lead_hours is not None:
        lead = pd.Timedelta(hours=cfgrib_lead_hours)
        dataset = dataset.assign_coords(
            time=("time", stamps - lead, {"standard_name": "forecast_reference_time"}),
            valid_time=("time", stamps, {"standard_name": "time"}),
            step=((), np.timedelta64(cfgrib_lead_hours, "h"), {"standard_name": "forecast_period"}))
        dataset["valid_time"].encoding["units"] = "hours since 1900-01-01"
    dataset["time"].encoding.update(units="hours since 1900-01-01", dtype="float64")
    dataset.to_netcdf(path)
    return totals


def _number(text: str) -> float:
    """An ``ncap2`` number as printed: ``3600``, ``1.0/24``."""
    numerator, _, denominator = text.partition("/")
    return float(numerator) / float(denominator or 1)


def _apply_printed(command: str, directory) -> None:
    """Do what a printed ``ncatted -a ATT,VAR,o,c,VALUE … in out`` or ``ncap2 -s 'defdim(…);
    B[$T,$N]=0.0;B(:,0)=V-H;B(:,1)=V;V@bounds="B"' in out`` does, with netCDF4 (NCO is not
    installed here): a copy of ``in`` as ``out`` with those attributes, or with bounds
    ``B = [V - H, V]`` in V's own units on V's dimension ``T``."""
    import netCDF4

    made = re.match(r"mkdir -p (\S+) && ", command)  # the copy in a new folder, as printed
    if made:
        (directory / made.group(1)).mkdir(parents=True, exist_ok=True)
        command = command[made.end():]
    words = shlex.split(command)
    source, copy = (directory / word for word in words[-2:])
    shutil.copy(source, copy)
    with netCDF4.Dataset(copy, "a") as handle:
        if words[0] == "ncatted":
            for spec in words[2:-2:2]:
                attribute, variable, mode, kind, value = spec.split(",", 4)
                assert (mode, kind) == ("o", "c")
                handle[variable].setncattr(attribute, value)
            return
        found = re.fullmatch(r'defdim\("(\w+)",2\);(\w+)\[\$(\w+),\$\1\]=0\.0;\2\(:,0\)=(\w+)-([\d./]+);'
                             r'\2\(:,1\)=\4;\4@bounds="\2"', words[2])
        nv, bounds, dim, time, hours = found.groups()
        handle.createDimension(nv, 2)
        edges = handle.createVariable(bounds, "f8", (dim, nv))
        stamps = handle[time][:]
        edges[:, 0], edges[:, 1] = stamps - _number(hours), stamps
        handle[time].bounds = bounds


def _refusal(path) -> str:
    from climann.data.open import open_dataset

    with pytest.raises(ClimannError) as error:
        convert_dataset(open_dataset([path]), {"tp": "kg m-2 s-1"}, where=path.name, reference="the model")
    assert "\n" not in str(error.value)
    return str(error.value)


@pytest.mark.parametrize(("frequency", "expected"), [
    pytest.param("MS", r"stamped 1 month apart \(the first 2001-01-01 00:00\), and no GRIB accumulation is a total "
                       r"over its month: each value may be the mean daily total of its month \(ERA5's monthly "
                       r"averaged reanalysis, in m per day\), the total over the hour before its stamp \(ERA5's "
                       r"hourly totals kept once a month\) or over the day before it \(ERA5-Land's at 00 UTC\)",
                 id="on-the-1st-a-month-apart"),
    pytest.param("QS", r"stamped 3 months apart .* the total over the hour before its stamp \(ERA5's hourly totals "
                       r"kept every 3 months\)", id="3-months-apart"),
    pytest.param("30min", r"at stamps 30 minutes apart, which do not say the period each is totalled over",
                 id="30-minutes-apart"),
])
def test_grib_accumulations_without_bounds_are_refused_at_any_spacing_but_an_hour(tmp_path, frequency, expected):
    """ERA5's hourly totals kept for 00 UTC on the 1st of each month were divided by the
    month: rates 744 times too small, exit 0 (31 times for ERA5-Land's totals of the day
    before; ERA5's monthly means hold mean daily totals). A GRIB accumulation is totalled
    over forecast steps, never over the spacing of the stamps kept: only an hour apart
    (ERA5's hourly totals) does the spacing say the period."""
    import pandas as pd

    _grib_totals_file(tmp_path / "era5.nc", pd.date_range("2001-01-01", periods=4, freq=frequency))
    message = _refusal(tmp_path / "era5.nc")
    assert re.search(r"its time has no bounds and its values are GRIB accumulations \(GRIB_stepType = accum\) "
                     + expected, message)


def _ncap2_command(message: str) -> str:
    return re.search(r"(?:mkdir -p \S+ && )?ncap2 -s '[^']*' \S+ \S+", message).group(0)


def _commands(message: str) -> dict[str, str]:
    """The commands a refusal prints, by what they are for: ``per day`` (ncatted), ``hour``
    (ncap2) and ``day`` (ncap2 with the number it says to put in place for the day before)."""
    ncatted = re.search(r"mkdir -p \S+ && ncatted .*? \S+\.nc \S+\.nc(?= \(its copy in a new folder\))", message).group(0)
    ncap2 = _ncap2_command(message)
    longer, hour = re.search(r"\(for totals over the day before it, (\S+) in place of (\S+)\)", message).groups()
    return {"per day": ncatted, "hour": ncap2, "day": ncap2.replace(f"-{hour};", f"-{longer};")}


@pytest.mark.parametrize(("way", "seconds"), [
    pytest.param("per day", 86400.0, id="mean-daily-totals-by-their-units"),
    pytest.param("hour", 3600.0, id="hourly-totals-by-bounds-of-the-hour-before"),
    pytest.param("day", 86400.0, id="totals-of-the-day-before-by-bounds"),
])
def test_each_way_out_for_grib_accumulations_a_month_apart_gives_the_rates_it_says(tmp_path, caplog, way, seconds):
    """Followed, the refusal's commands give the rates of what each says the values are: the
    mean daily total in m (``m day-1``) × 1000 kg m-3 ÷ 86400 s; a total over the hour or the
    day before each stamp ÷ 3600 s or 86400 s."""
    import pandas as pd

    from climann.data.open import open_dataset

    path = tmp_path / "era5.nc"
    totals = _grib_totals_file(path, pd.date_range("2001-01-01", periods=4, freq="MS"))
    command = _commands(_refusal(path))[way]
    _apply_printed(command, tmp_path)
    fixed = tmp_path / shlex.split(command)[-1]
    with caplog.at_level(logging.WARNING, logger="climann"):
        rates = convert_dataset(open_dataset([fixed]), {"tp": "kg m-2 s-1"}, where=fixed.name,
                                reference="the model")["tp"]
    np.testing.assert_allclose(rates.values, totals.astype(np.float64) * WATER_DENSITY / seconds, rtol=1e-6)
    assert ("(the time bounds time_bnds)" in caplog.text) == (way != "per day")


def test_the_line_for_a_cfgrib_layout_bounds_its_lead_time_and_gives_the_hourly_rates(tmp_path):
    """cfgrib's layout: ``time`` the reference time (18 UTC the day before), ``valid_time(time)``
    the stamps (00 UTC), a scalar lead time of 6 hours. One lead time does not tell ERA5's total
    over the hour before the step from a total from the start (fix34c): refused as the file is
    opened, with the line that bounds the lead; run with the hour before (5 hours), the rates
    are per hour."""
    import pandas as pd

    from climann.data.open import open_dataset

    path = tmp_path / "era5.nc"
    totals = _grib_totals_file(path, pd.date_range("2001-01-01", periods=4, freq="D"), cfgrib_lead_hours=6)
    with pytest.raises(ClimannError) as error:
        open_dataset([path])
    message = str(error.value)
    line = re.search(rf"`(mkdir -p \S+ && {re.escape(shell.advised_python())} -c [^`]*)`", message).group(1)
    lower = re.search(r", (\S+) for ERA5's hour before", message).group(1)
    assert lower == "5" and line.endswith(" LOWER")
    line = line.removesuffix("LOWER") + lower
    subprocess.run(line, shell=True, executable="/bin/bash", check=True, cwd=tmp_path)  # as pasted
    assert sorted(path.name for path in tmp_path.iterdir()) == ["era5.nc", "lead_bounded"]
    fixed = tmp_path / "lead_bounded" / "era5.nc"
    rates = convert_dataset(open_dataset([fixed]), {"tp": "kg m-2 s-1"}, where=fixed.name, reference="the model")["tp"]
    np.testing.assert_allclose(rates.values, totals.astype(np.float64) * WATER_DENSITY / 3600.0, rtol=1e-6)


def test_a_cfgrib_layout_whose_valid_time_has_bounds_gives_the_rates_they_say(tmp_path, caplog):
    """The other way to say the cells, bounds of ``valid_time`` on its dimension ``time`` (the hour
    before each stamp, as the units layer's ncap2 writes them), is read as it was: no refusal of
    the lead time, and the rates are per hour."""
    import pandas as pd

    from climann.data.open import open_dataset

    path = tmp_path / "era5.nc"
    totals = _grib_totals_file(path, pd.date_range("2001-01-01", periods=4, freq="D"), cfgrib_lead_hours=6)
    _apply_printed('ncap2 -s \'defdim("bnds",2);valid_time_bnds[$time,$bnds]=0.0;valid_time_bnds(:,0)=valid_time-1;'
                   'valid_time_bnds(:,1)=valid_time;valid_time@bounds="valid_time_bnds"\' era5.nc era5_fixed.nc',
                   tmp_path)
    with caplog.at_level(logging.WARNING, logger="climann"):
        rates = convert_dataset(open_dataset([tmp_path / "era5_fixed.nc"]), {"tp": "kg m-2 s-1"},
                                where="era5_fixed.nc", reference="the model")["tp"]
    np.testing.assert_allclose(rates.values, totals.astype(np.float64) * WATER_DENSITY / 3600.0, rtol=1e-6)
    assert "(the time bounds valid_time_bnds)" in caplog.text


@pytest.mark.skipif(shutil.which("ncap2") is None, reason="NCO's ncap2 is not installed")
def test_the_command_given_for_hourly_totals_kept_every_6_hours_gives_their_rates(tmp_path, monkeypatch):
    from climann.data.open import open_dataset

    monkeypatch.chdir(tmp_path)
    totals = _hourly_totals_file(tmp_path / "era5.nc", hours=6)
    with pytest.raises(ClimannError) as error:
        convert_dataset(open_dataset([tmp_path / "era5.nc"]), {"tp": "kg m-2 s-1"}, where="era5.nc",
                        reference="the model")
    # as printed: the copy in a new folder, then given in place of the original (break52a A1)
    command = re.search(r"mkdir -p time_cells_fixed && ncap2 -s '[^']*' era5.nc time_cells_fixed/era5.nc(?= \(its copy "
                        r"in a new folder\), then give --data time_cells_fixed/era5.nc in place of era5.nc)",
                        str(error.value)).group(0)
    subprocess.run(command, shell=True, check=True, capture_output=True)
    fixed = open_dataset([tmp_path / "time_cells_fixed" / "era5.nc"])
    rates = convert_dataset(fixed, {"tp": "kg m-2 s-1"}, where="era5.nc", reference="the model")["tp"]
    np.testing.assert_allclose(rates.values, totals * 1000.0 / 3600.0, rtol=1e-6)


def test_convert_dataset_takes_the_time_bounds_of_the_dataset():
    bounds = [((2001, 1, 1), (2001, 2, 1)), ((2001, 2, 1), (2001, 3, 1))]
    variable, time_bounds = _cells([62.0, 28.0], "mm", bounds, stamps=[(2001, 1, 1), (2001, 2, 1)])
    dataset = xr.Dataset({"pr": variable, "time_bnds": time_bounds})
    dataset["time"].attrs.update(standard_name="time", bounds="time_bnds")
    converted = convert_dataset(dataset, {"pr": "mm day-1"}, where="a.nc", reference="the model")
    np.testing.assert_allclose(converted["pr"].values, [2.0, 1.0], rtol=1e-6)


def test_the_units_registry_is_built_without_pint_s_redefinition_warnings():
    """cf_xarray's registry redefines pint's 'percent', 'year' … on purpose; a script or
    notebook with logging configured printed a dozen pint warnings on its first conversion.
    A fresh process, since the registry is built once per process."""
    script = ("import logging; logging.basicConfig(level=logging.WARNING)\n"
              "from climann.data.units import parse_units\n"
              "print(parse_units('kg m-2 s-1', variable='pr'))\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "1.0 kilogram / meter ** 2 / second"
    assert result.stderr == ""


@pytest.mark.parametrize(("units", "to", "standard_name", "kept"), [
    pytest.param("mm day-1", "kg m-2 s-1", "lwe_precipitation_rate", False, id="lwe-rate-made-mass-flux"),
    pytest.param("kg m-2 day-1", "kg m-2 s-1", "precipitation_flux", True, id="same-quantity-other-time-unit"),
    pytest.param("degC", "K", "air_temperature", True, id="temperature"),
])
def test_a_conversion_to_another_quantity_drops_the_files_standard_name(units, to, standard_name, kept):
    """A standard name's canonical units must convert to the variable's (CF 1.8 §3.3): a rate
    of water depth made a mass flux is no longer lwe_precipitation_rate (break21a)."""
    from climann.data.units import convert_variable

    variable = xr.DataArray(np.array([1.0, 2.0], dtype=np.float32), dims="x",
                            attrs={"units": units, "standard_name": standard_name, "long_name": "precipitation"})
    converted = convert_variable(variable, to, name="pr", where="new.nc", reference="the model's training data")
    assert converted.attrs["units"] == to
    assert ("standard_name" in converted.attrs) is kept
    assert converted.attrs["long_name"] == "precipitation"


def test_units_that_cannot_be_read_are_warned_about_with_a_readable_spelling(caplog):
    """NCEP/NCAR Reanalysis's ``Kg/m^2/s`` (a kelvin-gram for UDUNITS) and MERRA-2's
    ``fraction``: a run trains on such values as they are, but other files could then be
    scored only in exactly those units, so each gets a warning whose ncatted writes units
    that :func:`parse_units` reads (break23a F4); readable units and none say nothing."""
    values = np.ones((2, 3), np.float32)
    dataset = xr.Dataset({name: (("time", "x"), values, {"units": units} if units else {})
                          for name, units in {"prate": "Kg/m^2/s", "CLDTOT": "fraction", "tcc": "(0 - 1)", "tas": "K",
                                              "pr": "kg m-2 s-1", "bare": ""}.items()})
    dataset["prate"].encoding["source"] = "/data/ncep/prate.sfc.mon.mean.nc"
    with caplog.at_level(logging.WARNING, logger="climann.data.units"):
        found = warn_unreadable_units(dataset, ["prate", "CLDTOT", "tcc", "tas", "pr", "bare", "absent"],
                                      where="files")
    assert found == {"prate": "Kg/m^2/s", "CLDTOT": "fraction"}  # ERA5's '(0 - 1)' is read as 1: rerun37 N1
    lines = [record.getMessage() for record in caplog.records]
    assert len(lines) == 2
    advised = {}
    for line in lines:
        words = shlex.split(line.rsplit("readable units: ", 1)[1])
        assert words[0] == "ncatted" and words[1] == "-a"
        attribute, name, mode, kind, units = words[2].split(",", 4)
        advised[name] = units
        parse_units(units, variable=name)  # what the advice writes is read
    assert advised == {"prate": "kg/m^2/s", "CLDTOT": "1"}
    assert parse_units(advised["prate"], variable="prate") == parse_units("kg m-2 s-1", variable="prate")
    assert "prate.sfc.mon.mean.nc prate.sfc.mon.mean_fixed.nc" in lines[0].replace("/data/ncep/", "")


@pytest.mark.parametrize(("units", "expected"), [
    # the carbon is kept, read as the label it is (fix44c: amount_labels); the period read as written
    pytest.param("kgC/m^2/8day", "0.125 kg C m-2 day-1", id="mod17-kgC-per-8day"),
    # MOD16A2's evapotranspiration: read by pint as kg day m-2 / 8 (a mass times a time), now per 8 days
    pytest.param("kg/m^2/8day", "0.125 kg m-2 day-1", id="mod16-per-8day"),
    # the same period with the exponent -1: pint read '8day-1' as 8 per day, 64 times per 8 days (fix40o left it)
    pytest.param("kg m-2 8day-1", "0.125 kg m-2 day-1", id="per-8day-as-a-power"),
    pytest.param("mm 3hr-1", "mm/(3 hr)", id="per-3hr-as-a-power"),
    # break54b A3: MSWEP's spellings (3-hourly 'mm/3h', also 'mm/d', 'mm/day'), 'mm/6h', 'mm/3hr', 'mm/h'
    pytest.param("mm/3h", "8 mm/day", id="mswep-mm-per-3h"),
    pytest.param("mm/6h", "4 mm/day", id="mm-per-6h"),
    pytest.param("mm/3hr", "8 mm/day", id="mm-per-3hr"),
    pytest.param("mm/3 h", "8 mm/day", id="mm-per-3-h"),
    pytest.param("mm/h", "24 mm/day", id="mm-per-h"),
    pytest.param("mm/d", "mm day-1", id="mswep-mm-per-d"),
    pytest.param("mm/day", "mm day-1", id="mm-per-day"),
    pytest.param("mm/24h", "mm day-1", id="mm-per-24h"),
    pytest.param("mm/10min", "144 mm/day", id="mm-per-10min"),
])
def test_a_period_glued_to_its_count_is_read_as_the_rate_per_that_period(caplog, units, expected):
    """break40c C8, fix40o: MOD17A2H's 'kgC/m^2/8day' was refused, and MSWEP's 'mm/3h' only warned of as unreadable
    and trained on unconverted (break54b A3: a daily sum of them scored as mm/3h). UDUNITS would read '/3h' as
    divided by 3 and times h, a length times a time no file means: the registry reads each as the rate per its
    period, as a hand conversion by the period's seconds expects, and the run is not warned."""
    read = parse_units(units, variable="pr")
    meant = parse_units(expected, variable="pr")
    assert read.dimensionality == meant.dimensionality
    assert read.to(meant.units).magnitude == pytest.approx(meant.magnitude, rel=1e-12)
    dataset = xr.Dataset({"pr": (("time", "x"), np.full((2, 3), 4.0, np.float32), {"units": units})})
    with caplog.at_level(logging.WARNING, logger="climann.data.units"):
        assert warn_unreadable_units(dataset, ["pr"], where="pr.nc") == {}
    assert not caplog.records


def test_a_glued_period_is_told_once_as_a_note_of_how_it_is_read(caplog):
    """Read so, and said (INFO), with the spelling read: 'mm/3h' read as mm/(3 h)."""
    with caplog.at_level(logging.INFO, logger="climann.data.units"):
        assert parse_units("mm/12h", variable="pr").to("mm/day").magnitude == pytest.approx(2.0)
    assert any("units 'mm/12h' read as mm/(12 h)" in record.getMessage() for record in caplog.records)


@pytest.mark.skipif(shutil.which("ncatted") is None, reason="needs NCO's ncatted")
@pytest.mark.parametrize(("units", "advised", "said", "expected"), [
    pytest.param("day of year", "day", "(a day of year is a count of days, 'day' in UDUNITS", "day", id="day-of-year"),
    pytest.param("DOY", "day", "(a day of year is a count of days", "day", id="DOY"),
])
def test_the_units_advice_run_as_printed_writes_units_that_are_read_and_the_warning_goes(tmp_path, caplog, units,
                                                                                          advised, said, expected):
    """break42a A5, break42b A7: units 'day of year' and PISCES' 'mg Chl/m3' were advised `ncatted -a
    units,VAR,o,c,UNITS …`, which run as printed wrote "UNITS" and was warned of again. The advice names a unit
    (a day of year is a count of days; a pigment is no unit); run as printed, the copy's units are read, as the
    unit numpy's hand conversion expects, and no warning is left."""
    from climann.data.open import open_dataset

    path = tmp_path / "v.nc"
    xr.Dataset({"v": (("time", "x"), np.full((2, 3), 4.0, np.float32), {"units": units})}).to_netcdf(path)
    with caplog.at_level(logging.WARNING, logger="climann.data.units"):
        assert warn_unreadable_units(open_dataset([path]), ["v"], where="v.nc") == {"v": units}
    line = caplog.records[-1].getMessage()
    assert f"write readable units {said}" in line and not re.search(r"\bUNITS\b", line)
    ((command, data, original),) = _copy_lines(line)
    assert (data, original) == (str(tmp_path / "units_fixed" / "v.nc"), str(path))
    _run_as_printed(command)
    assert sorted(os.listdir(tmp_path)) == ["units_fixed", "v.nc"]  # the original alone beside the new folder
    with xr.open_dataset(data) as fixed:
        assert fixed["v"].attrs["units"] == advised
        np.testing.assert_array_equal(fixed["v"].values, np.full((2, 3), 4.0, np.float32))
    assert parse_units(advised, variable="v") == parse_units(expected, variable="v")
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann.data.units"):
        assert warn_unreadable_units(open_dataset([data]), ["v"], where="units_fixed/v.nc") == {}
    assert not caplog.records


def test_units_no_spelling_of_which_is_known_get_words_and_no_placeholder_command(caplog):
    """A command holding a placeholder (`ncatted -a units,x,o,c,UNITS …`) wrote "UNITS" when run as printed: for units
    climann can propose none for, the advice says in words what to write, and prints no command."""
    dataset = xr.Dataset({"x": (("time",), np.ones(2, np.float32), {"units": "zorks per blip"})})
    with caplog.at_level(logging.WARNING, logger="climann.data.units"):
        assert warn_unreadable_units(dataset, ["x"], where="x.nc") == {"x": "zorks per blip"}
    line = caplog.records[-1].getMessage()
    assert not re.search(r"\bUNITS\b", line) and "ncatted" not in line
    assert line.endswith("to have them converted, set the units attribute of 'x' (in a copy of the file) to the "
                         "UDUNITS spelling of the unit its values are in, a thing measured left to its long_name "
                         "(kg m-2, not kg snow m-2); climann cannot tell which unit that is from these units")


@pytest.mark.parametrize(("units", "spelling", "per_period", "times", "read_as_day"), [
    # per day: 4 kg m-2 per 8 days is 0.5 a day; 8 times 4 kg m-2 a day is 32 (64 times as much)
    pytest.param("kg m-2 8 day-1", "8 day-1", "kg m-2 /(8 day)", "8 kg m-2 day-1", "kg m-2 day-1", id="gleam-kg"),
    pytest.param("mm 8 day-1", "8 day-1", "mm /(8 day)", "8 mm day-1", "mm day-1", id="mm-per-8-days"),
    pytest.param("W m-2 16 day-1", "16 day-1", "W m-2 /(16 day)", "16 W m-2 day-1", "W m-2 day-1", id="16-day"),
    pytest.param("kg m-2 8 days^-1", "8 days^-1", "kg m-2 /(8 days)", "8 kg m-2 days^-1", "kg m-2 day-1",
                 id="days-caret"),
])
def test_a_count_written_apart_before_a_period_is_refused_with_both_spellings(tmp_path, caplog, units, spelling,
                                                                              per_period, times, read_as_day):
    """fix41d: 'kg m-2 8 day-1' (a blank between 8 and day, as MODIS and GLEAM conversions write it) was read
    as 8 kg m-2 day-1, a number times the units as UDUNITS reads it (libudunits2 too), where per 8 days is
    meant: 64 times too large, without a word. Refused in one line naming both readings and how to write each;
    each ncatted the warning prints, run as printed, leaves units read as that reading (hand-computed: 4 per 8
    days is 0.5 a day; 8 times 4 a day is 32)."""
    from climann.data.open import open_dataset

    count = float(spelling.split()[0])
    with pytest.raises(ClimannError) as error:
        parse_units(units, variable="et", where="et.nc")
    message = str(error.value)
    assert "\n" not in message and message.startswith(f"the units '{units}' of 'et' in et.nc are ambiguous: ")
    assert f"'{spelling}' is per {spelling.split()[0]} " in message
    assert f"written {per_period}," in message and f"written {times}," in message
    assert f"{count ** 2:g} times as much" in message
    if shutil.which("ncatted") is None:
        pytest.skip("needs NCO's ncatted")
    path = tmp_path / "et.nc"
    xr.Dataset({"et": (("time", "x"), np.full((2, 3), 4.0, np.float32), {"units": units})}).to_netcdf(path)
    with caplog.at_level(logging.WARNING, logger="climann.data.units"):
        assert warn_unreadable_units(open_dataset([path]), ["et"], where="et.nc") == {"et": units}
    line = caplog.records[-1].getMessage()
    lines = _copy_lines(line)
    assert len(lines) == 2 and {original for _, _, original in lines} == {str(path)}
    read = []
    for command, data, _ in lines:  # each run as printed, one after the other, then its copy read and made per day
        _run_as_printed(command)
        with xr.open_dataset(data) as fixed:
            written = fixed["et"].attrs["units"]
            np.testing.assert_array_equal(fixed["et"].values, np.full((2, 3), 4.0, np.float32))
            per_day = parse_units(written, variable="et").to(parse_units(read_as_day, variable="et").units)
            read.append((written, 4.0 * per_day.magnitude))
    assert read == [(per_period, pytest.approx(4.0 / count, rel=1e-12)), (times, pytest.approx(4.0 * count, rel=1e-12))]
    # each reading's copy in a folder of its own: the second line is not refused for the first's copy, nor mixed with it
    folders = [os.path.dirname(data) for _, data, _ in lines]
    assert len(set(folders)) == 2 and [os.listdir(folder) for folder in folders] == [["et.nc"], ["et.nc"]]
    assert sorted(os.listdir(tmp_path)) == sorted(["et.nc", *map(os.path.basename, folders)])


@pytest.mark.parametrize(("units", "per_day"), [
    pytest.param("kg m-2 (8 day)-1", 0.125, id="group-power"),
    pytest.param("kg m-2 (8 days)-1", 0.125, id="plural"),
])
def test_a_power_of_a_parenthesised_period_is_read_as_udunits_reads_it(units, per_day):
    """fix41d: UDUNITS-2 reads 'kg m-2 (8 days)-1' as per 8 days (0.125 kg m-2 day-1 to libudunits2); pint read
    '(8 day)-1' as a subtraction, and the units, unambiguous, were refused as unreadable."""
    read = parse_units(units, variable="et")
    day = parse_units("kg m-2 day-1", variable="et")
    assert read.to(day.units).magnitude == pytest.approx(per_day, rel=1e-12)


@pytest.mark.parametrize(("units", "same_as"), [
    pytest.param("(W m-2)2", "W2 m-4", id="explain-mse-units"),  # importance.json's mse_units, squared_units(…, "2")
    pytest.param("(m3 m-3)2", "1", id="ratio-squared"),
])
def test_a_power_of_parenthesised_units_is_their_square_not_twice_them(units, same_as):
    """fix41d: the UDUNITS record of a squared unit that explain writes, '(W m-2)2', was read as 2 W m-2 (pint's
    product of the group and the number 2); libudunits2 reads W2 m-4."""
    assert parse_units(units, variable="mse") == parse_units(same_as, variable="mse")


@pytest.mark.skipif(shutil.which("ncatted") is None, reason="needs NCO's ncatted")
def test_percent_and_ndvi_units_get_units_to_write_not_a_placeholder(tmp_path, caplog):
    """rerun38 N9: MODIS AppEEARS' 'Percent' and 'NDVI' were advised ``ncatted -a units,…,o,c,UNITS``, a
    placeholder. 'Percent' is UDUNITS' % (0.01); NDVI, a normalised difference of reflectances, is
    dimensionless: 1, said so. The two lines, shown as a run shows them (:func:`copies_said_once`) and run as
    printed in order, write their copies into new folders (fix56a: modis_fixed.nc beside modis.nc), the second
    reading the first's: its copy holds both units, read (50 % is 0.5), the values as they were."""
    from climann.data.open import open_dataset
    from climann.data.shell import copies_said_once

    values = np.full((2, 3), 50.0, np.float32)
    path = tmp_path / "modis.nc"
    xr.Dataset({"cover": (("time", "x"), values, {"units": "Percent"}),
                "ndvi": (("time", "x"), values / 100, {"units": "NDVI"})}).to_netcdf(path)
    with copies_said_once() as copies, caplog.at_level(logging.WARNING, logger="climann.data.units"):
        found = warn_unreadable_units(open_dataset([path]), ["cover", "ndvi"], where="modis.nc")
    assert found == {"cover": "Percent", "ndvi": "NDVI"}
    shown = [copies.shown(record.getMessage()) for record in caplog.records]  # in the order a run shows them
    lines = {message.split("'")[3]: message for message in shown}
    assert ",o,c,UNITS" not in " ".join(lines.values())
    assert "write readable units ('Percent' is UDUNITS' %): " in lines["cover"] and ",cover,o,c,% " in lines["cover"]
    assert ("write readable units (NDVI is a dimensionless index, a normalised difference of reflectances: its units "
            "are 1): ") in lines["ndvi"] and ",ndvi,o,c,1 " in lines["ndvi"]
    (earlier, first, original), (later, second, again) = (_copy_lines(message)[0] for message in shown)
    assert (original, again) == (str(path), str(path)) and first != second
    assert f"{first} {second}" in later  # the second line reads the first's copy
    for line in (earlier, later):  # run as printed, in order
        _run_as_printed(line)
    assert sorted(os.listdir(tmp_path)) == sorted(["modis.nc", *{os.path.basename(os.path.dirname(data))
                                                                 for data in (first, second)}])
    with xr.open_dataset(second) as fixed:
        read = {name: parse_units(fixed[name].attrs["units"], variable=name) for name in ("cover", "ndvi")}
        np.testing.assert_array_equal(fixed["cover"].values, values)
        np.testing.assert_array_equal(fixed["ndvi"].values, values / 100)
    assert read["cover"].to("1").magnitude == pytest.approx(0.01)  # 50 % is 0.5
    assert read["ndvi"] == parse_units("1", variable="ndvi")


def test_new_data_in_ncep_kg_get_the_readable_spelling_training_gives_not_the_runs_units(caplog):
    """NCEP R1's ``Kg/m^2/s`` in ``evaluate --data`` for a run in ``mm``: the one advice is the
    one :func:`warn_unreadable_units` gives at training (``kg/m^2/s``), which then converts;
    relabelling the rates ``mm`` scored them as daily totals (break31b B2)."""
    rates = np.array([1e-5, 3e-5], np.float32)
    variable = xr.DataArray(rates, dims=("x",), attrs={"units": "Kg/m^2/s"})
    variable.encoding["source"] = "/data/cpc_v4.nc"
    with caplog.at_level(logging.WARNING, logger="climann.data.units"):
        warn_unreadable_units(xr.Dataset({"precip": variable}), ["precip"], where="files")
    trained = shlex.split(caplog.records[0].getMessage().rsplit("readable units: ", 1)[1])
    with pytest.raises(ClimannError) as error:
        convert_variable(variable, "mm", name="precip", where="cpc_v4.nc", reference="the model's training data")
    message = str(error.value)
    assert "\n" not in message and "if the values are in mm" not in message and ",o,c,mm " not in message
    advised = shlex.split(message.rsplit("readable units: ", 1)[1].rstrip(")"))
    assert advised == trained and advised[2] == "units,precip,o,c,kg/m^2/s"
    fixed = convert_variable(variable.assign_attrs(units="kg/m^2/s"), "kg m-2 s-1", name="precip", where="cpc_v4.nc",
                             reference="the model's training data")
    np.testing.assert_allclose(fixed.values, rates, rtol=1e-6)


def _renamed_celsius_files(tmp_path) -> list:
    """a.nc holding ``t2m`` and b.nc holding ``temp`` (with ``units_metadata = "temperature:
    unknown"``), one year each of monthly degC, both read as ``tas`` with rename rules."""
    import cftime


    paths = []
    for path, own, year, attrs in (("a.nc", "t2m", 2001, {}), ("b.nc", "temp", 2002,
                                                              {"units_metadata": "temperature: unknown"})):
        times = [cftime.DatetimeNoLeap(year, month, 15) for month in range(1, 13)]
        values = np.arange(12 * 6, dtype=np.float32).reshape(12, 2, 3) / 10 - 2
        xr.Dataset({own: (("time", "lat", "lon"), values, {"units": "degC", **attrs})},
                   coords={"time": times, "lat": ("lat", [0.0, 10.0], {"units": "degrees_north"}),
                           "lon": ("lon", [0.0, 10.0, 20.0], {"units": "degrees_east"})}).to_netcdf(tmp_path / path)
        paths.append(tmp_path / path)
    return paths


def _convert_renamed(tmp_path, caplog, paths, rules) -> tuple[xr.DataArray, str]:
    from climann.data.open import open_dataset

    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        tas = open_dataset(paths, rename=rules)["tas"]
        converted = convert_variable(tas, "K", name="tas", where="a.nc, b.nc", reference="the model's training data")
    return converted, "\n".join(r.getMessage() for r in caplog.records if "converted from degC" in r.getMessage())


def test_the_units_metadata_advice_names_each_file_and_its_own_name_of_the_variable(tmp_path, caplog, monkeypatch):
    """verify28 V4: files holding ``t2m`` and ``temp`` read as ``tas`` were told ``ncatted -a
    units_metadata,tas,c,c,… FILE``: no such variable in either file, and no file named. Each
    command followed (done with netCDF4-python as ncatted does it, o: the attribute set whether
    or not the file has one), the copies read as differences: converted without the offset."""
    import netCDF4

    monkeypatch.chdir(tmp_path)
    paths = _renamed_celsius_files(tmp_path)
    rules = {"a.nc": {"t2m": "tas"}, "b.nc": {"temp": "tas"}}
    converted, said = _convert_renamed(tmp_path, caplog, paths, rules)
    marking = "ncatted -a units_metadata,{},o,c,'temperature: difference' {}.nc units_fixed/{}.nc"
    assert f"for a.nc: {none_there('units_fixed/a.nc')}mkdir -p units_fixed && {marking.format('t2m', 'a', 'a')} " in said
    assert f"for b.nc: {none_there('units_fixed/b.nc')}mkdir -p units_fixed && {marking.format('temp', 'b', 'b')} " in said
    lines = _copy_lines(said)
    assert [(data, original) for _, data, original in lines] == [("'units_fixed/*.nc'", "the")] * 2
    for line, _, _ in lines:  # each run as printed (fix56a: a_fixed.nc, b_fixed.nc were written beside a.nc, b.nc)
        _run_as_printed(line)
    assert sorted(os.listdir(tmp_path)) == ["a.nc", "b.nc", "units_fixed"]
    copies = sorted((tmp_path / "units_fixed").iterdir())
    assert [copy.name for copy in copies] == ["a.nc", "b.nc"]
    for copy, own in zip(copies, ("t2m", "temp")):
        with netCDF4.Dataset(copy) as file, netCDF4.Dataset(tmp_path / copy.name) as source:
            assert file[own].getncattr("units_metadata") == "temperature: difference"
            np.testing.assert_array_equal(file[own][:], source[own][:])
    fixed, said = _convert_renamed(tmp_path, caplog, copies, rules)
    assert said == ""
    np.testing.assert_allclose(fixed.values, converted.values - 273.15, atol=1e-4)


def test_the_units_advice_for_a_zarr_store_edits_the_store_and_works(tmp_path, monkeypatch, caplog):
    """break29b A6: ERA5's '(0 - 1)' in a Zarr store was advised an ncatted on FILE.nc, which NCO cannot do
    to a store; the advice is zarr-python's edit of the store, and run as printed it gives readable units,
    in the consolidated metadata as in the array's own. ('(0 - 1)' is now read as 1, rerun37 N1: MERRA-2's
    'fraction' stands for units that cannot be read.)"""
    from climann.data.open import open_dataset

    monkeypatch.chdir(tmp_path)
    xr.Dataset({"tcc": (("time", "x"), np.ones((2, 3), np.float32), {"units": "fraction"})},
               coords={"time": ("time", [0.0, 1.0], {"units": "days since 2000-01-01"})}).to_zarr("tcc.zarr")
    with caplog.at_level(logging.WARNING, logger="climann.data.units"):
        warn_unreadable_units(open_dataset([tmp_path / "tcc.zarr"]), ["tcc"], where="tcc.zarr")
    advice = bare_python(caplog.records[-1].getMessage()).rsplit("readable units: ", 1)[1]
    assert not advice.startswith("ncatted") and "FILE.nc" not in advice
    command, note = advice.split(" (this line changes the store's own attributes in place", 1)  # fix54b: its undo
    assert "units of 'tcc' ('fraction' before)" in note and "(a Zarr store" in note
    words = shlex.split(command)
    assert words[:2] == ["python", "-c"] and len(words) == 3
    run_python("-c", words[2], check=True, cwd=tmp_path)
    for consolidated in (True, False):
        assert xr.open_zarr(tmp_path / "tcc.zarr", consolidated=consolidated)["tcc"].attrs["units"] == "1"


@pytest.mark.parametrize(("units", "expected"), [
    pytest.param("Kelvin_scale", "K", id="iri-kelvin-scale"),
    pytest.param("Fahrenheit_scale", "degF", id="iri-fahrenheit-scale"),
    pytest.param("degree_Celsius", "degC", id="degree_Celsius"),
    pytest.param("K", "K", id="K"),
    pytest.param("m of water equivalent", "m of water equivalent", id="water-equivalent-kept"),
    pytest.param("kg m-2 s-1", "kg m-2 s-1", id="flux"),
])
def test_a_difference_of_a_temperature_on_a_scale_is_in_the_scale_symbol(units, expected):
    """An RMSE of NMME's tref in IRI's "Kelvin_scale" is in K (break30a A5); other units are kept as given."""
    assert difference_units(units) == expected


def test_the_registry_is_imported_quietly_once_and_the_logging_levels_left_alone_after(monkeypatch):
    """Setting a logger's level clears every logger's cache: the registry, built (quietly)
    once, is then given without touching pint's logger, however often units are read."""
    from climann.data.units import parse_units, unit_registry

    registry = unit_registry()
    levels = []
    monkeypatch.setattr(logging.Logger, "setLevel", lambda self, level: levels.append((self.name, level)))
    assert unit_registry() is registry
    assert parse_units("kg m-2 s-1", variable="pr").to_base_units().magnitude == 1.0
    assert levels == []


@pytest.mark.parametrize(("name", "attrs", "quantity"), [
    pytest.param("PrecipRate_0mabovemeansealevel", {"long_name": "Radar Precipitation Rate [mm/hr]"}, "precipitation",
                 id="MRMS"),
    pytest.param("pr", {}, "precipitation", id="CMIP-name"),
    pytest.param("x", {"long_name": "Large_scale_rain"}, "rain", id="rain-word"),
    pytest.param("sf", {"long_name": "Snowfall"}, "snowfall", id="snowfall-word"),
    pytest.param("orog", {"long_name": "Terrain height"}, None, id="terrain"),
    pytest.param("x", {"long_name": "Drainage flux"}, None, id="drainage"),
    # rerun38 N1: WRF's accumulations without their description, by name alone
    pytest.param("RAINNC", {"units": "mm"}, "precipitation", id="WRF-RAINNC"),
    pytest.param("SNOWNC", {"units": "mm"}, "precipitation", id="WRF-SNOWNC"),
    pytest.param("UDROFF", {"units": "mm"}, "runoff", id="WRF-UDROFF"),
])
def test_the_one_reading_of_water_quantities(name, attrs, quantity):
    assert water_quantity(name, attrs) == quantity


# break32b A3: the parts-per spellings of atmospheric chemistry are pure numbers, as pint reads ppm
@pytest.mark.parametrize(("units", "factor"), [
    pytest.param("ppb", 1e-9, id="ppb"), pytest.param("ppbv", 1e-9, id="ppbv"),
    pytest.param("ppmv", 1e-6, id="ppmv"), pytest.param("pptv", 1e-12, id="pptv"),
])
def test_parts_per_spellings_are_pure_numbers(units, factor):
    assert conversion(units, "1", variable="x", attrs={}).scale == pytest.approx(factor, rel=1e-12)
    assert conversion(units, "1e-12", variable="x", attrs={}).scale == pytest.approx(factor / 1e-12, rel=1e-12)


@pytest.mark.parametrize("units", [pytest.param("DU", id="DU"), pytest.param("dobson", id="dobson"),
                                   pytest.param("Dobson units", id="Dobson-units")])
def test_a_dobson_unit_is_a_column_of_2_6867e20_molecules_per_square_metre(units):
    avogadro = 6.02214076e23  # mol-1, exact since the 2019 SI
    assert conversion(units, "mol m-2", variable="o3", attrs={}).scale == pytest.approx(2.6867e20 / avogadro, rel=1e-9)
    assert conversion(units, "molec cm-2", variable="o3", attrs={}).scale == pytest.approx(2.6867e16, rel=1e-9)


def test_ppt_is_refused_in_one_line_naming_both_readings():
    with pytest.raises(ClimannError) as error:
        parse_units("ppt", variable="cfc11", where="cfc.nc")
    message = str(error.value)
    assert "\n" not in message and message.startswith("the units 'ppt' of 'cfc11' in cfc.nc are ambiguous")
    assert "parts per trillion" in message and "written 1e-12" in message
    assert "parts per thousand" in message and "written 1e-3" in message


def test_ppt_is_warned_about_at_training_with_a_command_for_each_reading(caplog):
    dataset = xr.Dataset({"cfc11": (("time",), np.ones(2, np.float32), {"units": "ppt"})})
    dataset["cfc11"].encoding["source"] = "/data/cfc11.nc"
    with caplog.at_level(logging.WARNING, logger="climann.data.units"):
        assert warn_unreadable_units(dataset, ["cfc11"], where="files") == {"cfc11": "ppt"}
    (line,) = [record.getMessage() for record in caplog.records]
    commands = re.findall(r"ncatted -a units,cfc11,o,c,(\S+) /data/cfc11.nc /data/cfc11_fixed.nc for parts per (\w+)",
                          line)
    assert commands == [("1e-12", "trillion"), ("1e-3", "thousand")]
    assert [parse_units(units, variable="cfc11").magnitude for units, _ in commands] == [1e-12, 1e-3]


@pytest.mark.skipif(shutil.which("ncatted") is None, reason="needs NCO's ncatted")
def test_a_series_of_ppt_and_1e_12_is_refused_with_the_units_to_write_in_the_ppt_file(tmp_path):
    """break32b A3: cfc_a.nc in ppt, cfc_b.nc in 1e-12; the advice was to relabel cfc_b.nc 'ppt'. Each reading's line
    for the ppt file writes its copy into a folder of its own (fix56a: both wrote cfc_a_fixed.nc beside cfc_a.nc); the
    parts-per-trillion line, run as printed, leaves cfc_a.nc's values under units 1e-12, which cfc_b.nc's then match."""
    values = np.array([231.5, 0.0, 12.25], np.float32)
    xr.Dataset({"x": ("time", values, {"units": "ppt"})}).to_netcdf(tmp_path / "cfc_a.nc")
    reference = str(tmp_path / "cfc_a.nc")
    with pytest.raises(ClimannError) as error:
        convert_variable(xr.DataArray(np.ones(2, np.float32), dims="time", attrs={"units": "1e-12"}), "ppt",
                         name="x", where="cfc_b.nc", reference=reference)
    message = str(error.value)
    assert "ambiguous" in message and "with units 'ppt'" not in message
    lines = _copy_lines(message)
    assert [(data, original) for _, data, original in lines] == [
        (str(tmp_path / "units_1e-12" / "cfc_a.nc"), reference), (str(tmp_path / "units_1e-3" / "cfc_a.nc"), reference)]
    trillion, data, _ = lines[0]
    assert f"{trillion} (its copy in a new folder), then give --data {data} in place of {reference} for parts per " \
           "trillion" in message
    _run_as_printed(trillion)
    assert sorted(os.listdir(tmp_path)) == ["cfc_a.nc", "units_1e-12"]
    with xr.open_dataset(data) as fixed:
        assert fixed["x"].attrs["units"] == "1e-12"
        np.testing.assert_array_equal(fixed["x"].values, values)
        kept = convert_variable(xr.DataArray(values, dims="time", attrs={"units": "1e-12"}), fixed["x"].attrs["units"],
                                name="x", where="cfc_b.nc", reference=data)
    np.testing.assert_array_equal(kept.values, values)


@pytest.mark.parametrize(("units", "metres_of_water"), [
    pytest.param("mm w.e. yr-1", 1e-3, id="RACMO-mm-w.e."),
    pytest.param("mmWE/yr", 1e-3, id="mmWE"),
    pytest.param("m w.e. a-1", 1.0, id="WGMS-m-w.e."),
])
def test_a_water_equivalent_rate_converts_as_the_mass_per_area_by_its_years_days(units, metres_of_water):
    """break33a A5: ``mm w.e. yr-1`` was refused with the training units as its only advice;
    break36a A5: then advised as ``kg m-2 yr-1``, while a run trained in ``m w.e.`` could score
    nothing else. A water equivalent is a mass per area at 1000 kg m-3 (Cogley et al. 2011), read
    so by the registry: the values convert per year of the noleap calendar."""
    import cftime

    times = [cftime.DatetimeNoLeap(2023, month, 15) for month in range(1, 13)]
    smb = np.linspace(-2000.0, 500.0, 12).astype(np.float32)  # in the file's units: a length of water per year
    variable = xr.DataArray(smb, dims=("time",), coords={"time": times}, attrs={"units": units})
    fixed = convert_variable(variable, "kg m-2 s-1", name="acabf", where="gis_smb_mmwe.nc",
                             reference="the model's training data")
    per_second = smb * metres_of_water * 1000.0 / (365 * 86400.0)  # 1000 kg m-3 of water, noleap years
    np.testing.assert_allclose(fixed.values, per_second, rtol=1e-6)


@pytest.mark.parametrize(("units", "to", "factor"), [
    pytest.param("mm w.e.", "m w.e.", 1e-3, id="mm-w.e.-on-a-run-in-m-w.e."),
    pytest.param("kg m-2", "m w.e.", 1e-3, id="kg-m-2-on-a-run-in-m-w.e."),
    pytest.param("m w.e.", "kg m-2", 1e3, id="m-w.e.-on-a-run-in-kg-m-2"),
    pytest.param("cm w.e.", "mm w.e.", 10.0, id="cm-w.e.-on-a-run-in-mm-w.e."),
    pytest.param("m w.e.", "m", 1.0, id="m-w.e.-on-a-run-in-metres-of-water"),
])
def test_glacier_balances_in_water_equivalent_convert_among_themselves(units, to, factor):
    """break36a A5: a run on WGMS's annual_balance in 'm w.e.' evaluated on 'mm w.e.' was advised
    to relabel it 'kg m-2', then refused for the run's 'm w.e.'. 1 m w.e. = 1000 mm w.e. = 1000 kg m-2."""
    balance = np.array([-1250.0, -430.0, 85.0], np.float32)
    variable = xr.DataArray(balance, dims="time", attrs={"units": units, "long_name": "glacier-wide annual balance"})
    converted = convert_variable(variable, to, name="annual_balance", where="wgms_mm.nc",
                                 reference="the model's training data")
    np.testing.assert_allclose(converted.values, balance * factor, rtol=1e-7)
    assert converted.attrs["units"] == to


_DENSITY = "with the density of liquid water, 1000 kg m-3 (a water equivalent)"


@pytest.mark.parametrize(("units", "to", "said"), [
    pytest.param("m w.e.", "kg m-2", f"'mb' in wgms.nc converted from m w.e. to kg m-2, the units of the model's "
                 f"training data, {_DENSITY}", id="m-w.e.-to-kg-m-2"),
    pytest.param("kg m-2", "m w.e.", f"'mb' in wgms.nc converted from kg m-2 to m w.e., the units of the model's "
                 f"training data, {_DENSITY}", id="kg-m-2-to-m-w.e."),
    pytest.param("mm w.e.", "kg m-2", f"'mb' in wgms.nc in mm w.e. {_DENSITY}", id="mm-w.e.-relabelled-kg-m-2"),
])
def test_a_water_equivalent_converted_to_a_mass_per_area_says_by_which_density(caplog, units, to, said):
    """fix37c: 'm w.e.' converted to 'kg m-2' by the registry's water_equivalent (1000 kg m-3) named no density, and
    'mm w.e.' relabelled 'kg m-2' (a factor 1) said nothing, where 'mm' of precipitation to 'kg m-2' says it."""
    variable = xr.DataArray(np.array([-1.25, 0.085], np.float32), dims="time",
                            attrs={"units": units, "long_name": "glacier-wide annual balance"})
    with caplog.at_level(logging.WARNING, logger="climann.data.units"):
        convert_variable(variable, to, name="mb", where="wgms.nc", reference="the model's training data")
    assert [record.getMessage() for record in caplog.records] == [said]


def test_a_balance_in_m_w_e_is_trained_on_without_a_warning_of_unreadable_units(caplog):
    dataset = xr.Dataset({"annual_balance": ("time", np.zeros(3, np.float32), {"units": "m w.e."})})
    with caplog.at_level(logging.WARNING, logger="climann.data.units"):
        assert warn_unreadable_units(dataset, ["annual_balance"], where="wgms.nc") == {}
    assert not caplog.records


@pytest.mark.parametrize("spelling", ["Degree true", "degrees_true", "degree_true", "Degrees true"])
def test_degrees_clockwise_from_true_north_are_read_as_degrees(spelling):
    """ecCodes' 'Degree true' (ERA5's mwd), degrees_true, degree_true: plane angles, 1 of them is 1 degree = π/180 rad
    (fix34b: they were units climann 'cannot read', warned of beside the refusal of the direction)."""
    read = parse_units(spelling, variable="mwd")
    assert read.to("radian").magnitude == pytest.approx(math.pi / 180, rel=1e-15)
    assert read == parse_units("degree", variable="mwd")


@pytest.mark.parametrize("spelling", ["permil", "permille", "per mil", "per mille", "Per_mil", "‰"])
def test_per_mille_spellings_of_isotope_records_are_read(spelling):
    """break35a A9: an ice core's d18O in 'permil' (NOAA Paleo, LiPD) was "cannot read the
    units", with a placeholder UNITS as the way out. Per mille is 1e-3 of one."""
    read = parse_units(spelling, variable="d18O")
    assert read.to("dimensionless").magnitude == pytest.approx(1e-3, rel=1e-15)
    assert read.to("percent").magnitude == pytest.approx(0.1, rel=1e-12)


@pytest.mark.parametrize("spelling", [
    pytest.param("~", id="CAMS-tilde"), pytest.param("none", id="MODIS-none"), pytest.param("None", id="None"),
    pytest.param("-", id="dash"), pytest.param("unitless", id="unitless"), pytest.param("dimensionless", id="dimensionless"),
    pytest.param(" 1 ", id="one"), pytest.param("(0 - 1)", id="ERA5-range"), pytest.param("(0-1)", id="range"),
    pytest.param("0-1", id="bare-range"),
])
def test_a_products_spelling_of_a_pure_number_is_read_as_1(spelling):
    """break37a B1: a run trained on CAMS's aod550 in '~' refused data in '1' ("give 'aod550' with
    units '~' exactly as in the model's training data"), MODIS's 'none' likewise: each spelling
    converts to 1 unchanged, and to % times 100 (0.25 is 25 %). (No units, ``""``, stay no units:
    never converted.) rerun37 N1: ERA5's '(0 - 1)' (lsm, tcc, ci) was read as the number -1."""
    assert parse_units(spelling, variable="aod550").units == unit_registry().dimensionless
    values = np.array([0.25, 0.0, 1.5])
    for units, to, expected in ((spelling, "1", values), ("1", spelling, values), (spelling, "%", 100.0 * values)):
        converted = convert_variable(_celsius(values, units), to, name="aod550", where="cams_2009.nc",
                                     reference="the model's training data")
        np.testing.assert_allclose(converted.values, expected.astype(np.float32), rtol=1e-6)


def _folder_of_years(folder, units: str) -> xr.Dataset:
    """Three yearly files (tas_2000.nc …) of one monthly series in ``folder``, ``tas`` in ``units``."""
    from tests.conftest import grid_dataset

    grid = grid_dataset(n_years=3)
    grid["tas"].attrs["units"] = units
    folder.mkdir()
    for year, part in grid.groupby("time.year"):
        part.to_netcdf(folder / f"tas_{year}.nc")
    return grid


@pytest.mark.skipif(shutil.which("ncatted") is None, reason="needs NCO's ncatted")
def test_the_readable_units_advice_for_a_folder_fixes_every_file_and_leaves_the_folder_readable(
        tmp_path, monkeypatch, caplog):
    """break37a B1: for 72 MODIS files the ncatted named the first file alone and wrote its copy
    into the same folder, which was then refused (the copy's units differed from the 71 others').
    Followed as printed, the advice writes a copy of each file into a new folder, and both the
    new --data and the untouched original folder read."""
    from climann.data.open import expand_paths, open_dataset

    monkeypatch.chdir(tmp_path)
    grid = _folder_of_years(tmp_path / "ncep", "Kg/m^2/s")
    with caplog.at_level(logging.WARNING, logger="climann.data.units"):
        warn_unreadable_units(open_dataset(expand_paths(["ncep"])), ["tas"], where="ncep")
    advice = caplog.records[-1].getMessage()
    command, _, rest = advice.partition("write readable units: ")[2].partition(" (a copy of each of its 3 files")
    data = rest.partition("then give --data ")[2].partition(" in place of the originals")[0]
    subprocess.run(["bash", "-c", command], check=True, cwd=tmp_path, capture_output=True)
    assert sorted(path.name for path in (tmp_path / "ncep").glob("*.nc")) == ["tas_2000.nc", "tas_2001.nc",
                                                                               "tas_2002.nc"]
    fixed = open_dataset(expand_paths(shlex.split(data)))
    assert fixed["tas"].attrs["units"] == "kg/m^2/s" and fixed.sizes["time"] == 36
    np.testing.assert_array_equal(fixed["tas"].values, grid["tas"].values)
    assert open_dataset(expand_paths(["ncep"]))["tas"].attrs["units"] == "Kg/m^2/s"  # the originals, alone, still read


def _daily_file(path, units: str, name: str = "C") -> np.ndarray:
    """Daily values 2000-01-01 … 2000-03-31 (standard calendar, February of 29 days) of one
    cell, ``name`` in ``units``; returns the values."""
    import pandas as pd

    times = pd.date_range("2000-01-01 12:00", "2000-03-31 12:00", freq="D")
    values = (1.0 + np.arange(times.size) % 7 + 0.25 * np.arange(times.size)).astype(np.float64)
    xr.Dataset({name: (("time", "lat", "lon"), values[:, None, None], {"units": units})},
               coords={"time": times, "lat": [10.0], "lon": [20.0]}).to_netcdf(path)
    return values


def _printed_cdo(message: str) -> list[str]:
    """The printed ``mkdir -p FOLDER && cdo … IN OUT``: the folder made as it says, the cdo words."""
    made, command = re.search(r"mkdir -p (\S+) && (cdo .*?\.nc \S+\.nc)", message).groups()
    os.makedirs(made, exist_ok=True)
    return shlex.split(command)


@pytest.mark.skipif(shutil.which("cdo") is None, reason="cdo is not installed")
def test_a_per_day_rate_on_daily_steps_for_a_per_month_model_is_advised_monthly_means_that_work(tmp_path):
    """rerun37 N4: GFED-like daily ``g C m-2 day-1`` for a model in ``g C m-2 month-1`` was told
    "convert it to a rate first (per month: cdo divdpm gives per day)": it is one already, and
    divdpm's copy was refused the same way. Its monthly means, times each month's days, are
    the monthly totals: the printed line, run, gives them (sum of the daily rates by numpy)."""
    from climann.data.open import open_dataset

    path = tmp_path / "fire.nc"
    values = _daily_file(path, "g C m-2 day-1")
    with pytest.raises(ClimannError) as error:
        convert_dataset(open_dataset([path]), {"C": "g C m-2 month-1"}, where=path.name, reference="the model")
    message = str(error.value)
    assert "divdpm" not in message and "\n" not in message
    assert "its steps are daily, not monthly" in message and "cdo monmean" in message
    words = _printed_cdo(message)
    subprocess.run(words, check=True, cwd=tmp_path, capture_output=True)
    converted = convert_dataset(open_dataset([tmp_path / words[-1]]), {"C": "g C m-2 month-1"},
                                where=words[-1], reference="the model")["C"]
    expected = [values[:31].sum(), values[31:60].sum(), values[60:].sum()]  # 31, 29, 31 days
    np.testing.assert_allclose(converted.values.ravel(), expected, rtol=1e-5)


@pytest.mark.skipif(shutil.which("cdo") is None, reason="cdo is not installed")
def test_the_monthly_means_advised_for_a_rate_keep_a_direction_beside_it_circular(tmp_path):
    """The `cdo monmean` of the rate averages its whole file: a wave direction ``mwd`` beside it, days of 10° and
    350°, was averaged as numbers (months near 180°). The printed line, run with bash, gives each month's circular
    mean of ``mwd`` by NumPy (the share of its 10° days) and the rate's monthly totals (fix53b)."""
    import pandas as pd

    from climann.data.open import open_dataset
    from tests.conftest import assert_circular_mixture
    from tests.fresh_python import shell_path

    times = pd.date_range("2000-01-01 12:00", "2000-03-31 12:00", freq="D")
    rng = np.random.default_rng(53)
    lat, lon = np.arange(6) * 2.0, np.arange(8) * 2.0
    ten = rng.random((times.size, lat.size, lon.size)) < rng.uniform(0.1, 0.9, (1, lat.size, lon.size))
    rate = rng.uniform(1.0, 5.0, (times.size, lat.size, lon.size))
    path = tmp_path / "fire.nc"
    xr.Dataset({"C": (("time", "lat", "lon"), rate, {"units": "g C m-2 day-1"}),
                "mwd": (("time", "lat", "lon"), np.where(ten, 10.0, 350.0),
                        {"units": "Degree true", "long_name": "Mean wave direction"})},
               coords={"time": times, "lat": ("lat", lat, {"units": "degrees_north"}),
                       "lon": ("lon", lon, {"units": "degrees_east"})}).to_netcdf(path)
    with pytest.raises(ClimannError) as error:
        convert_dataset(open_dataset([path]), {"C": "g C m-2 month-1"}, where=path.name, reference="the model")
    command = re.search(r"monthly means: `([^`]+)`", str(error.value))[1]
    subprocess.run(["bash", "-c", command], check=True, cwd=tmp_path, capture_output=True,
                   env={**os.environ, "PATH": shell_path()})
    (copy,) = [found for found in tmp_path.rglob("*.nc") if found != path]
    months = [slice(0, 31), slice(31, 60), slice(60, 91)]  # 31, 29, 31 days
    with xr.open_dataset(copy) as monthly:
        held = monthly["mwd"].transpose("time", "lat", "lon").values
    assert_circular_mixture(held, np.stack([ten[days].mean(0) for days in months]))
    converted = convert_dataset(open_dataset([copy]), {"C": "g C m-2 month-1"}, where=copy.name,
                                reference="the model")["C"].transpose("time", "lat", "lon")
    np.testing.assert_allclose(converted.values, np.stack([rate[days].sum(0) for days in months]), rtol=1e-5)


@pytest.mark.skipif(shutil.which("cdo") is None, reason="cdo is not installed")
def test_a_per_month_rate_on_daily_steps_is_advised_a_line_that_sets_its_units_too(tmp_path):
    """``cdo divdpm`` divides by the days of each value's month but keeps ``mm month-1``: the
    printed line, run, gives values in ``mm day-1`` that climann reads as they are."""
    from climann.data.open import open_dataset

    path = tmp_path / "pr.nc"
    values = _daily_file(path, "mm month-1", name="pr")
    with pytest.raises(ClimannError) as error:
        convert_dataset(open_dataset([path]), {"pr": "mm day-1"}, where=path.name, reference="the model")
    words = _printed_cdo(str(error.value))
    subprocess.run(words, check=True, cwd=tmp_path, capture_output=True)
    converted = convert_dataset(open_dataset([tmp_path / words[-1]]), {"pr": "mm day-1"},
                                where=words[-1], reference="the model")["pr"]
    days = np.repeat([31.0, 29.0, 31.0], [31, 29, 31])
    np.testing.assert_allclose(converted.values.ravel(), values / days, rtol=1e-5)


@pytest.mark.skipif(shutil.which("cdo") is None, reason="cdo is not installed")
def test_the_per_month_rate_line_divides_the_rate_alone_and_keeps_a_temperature_beside_it(tmp_path):
    """fix53h: the advised ``cdo -setattribute,… -divdpm`` divided every variable of the file by the days of
    its month, a temperature beside the rate too (tas 280 K became 9.03 K in January). Run as printed, the
    copy holds the rate over each month's days (numpy) and the temperature as stored, value for value."""
    from climann.data.open import open_dataset

    path = tmp_path / "pr.nc"
    values = _daily_file(path, "mm month-1", name="pr")
    with xr.open_dataset(path) as stored:
        both = stored.load()
    temperature = 270.0 + np.arange(values.size)[:, None, None] % 11
    both.assign(tas=(("time", "lat", "lon"), temperature, {"units": "K"})).to_netcdf(path)
    with pytest.raises(ClimannError) as error:
        convert_dataset(open_dataset([path]), {"pr": "mm day-1"}, where=path.name, reference="the model")
    words = _printed_cdo(str(error.value))
    subprocess.run(words, check=True, cwd=tmp_path, capture_output=True)
    days = np.repeat([31.0, 29.0, 31.0], [31, 29, 31])
    with xr.open_dataset(tmp_path / words[-1]) as copy:
        np.testing.assert_array_equal(copy["tas"].values, temperature)
        assert copy["tas"].attrs["units"] == "K" and copy["pr"].attrs["units"] == "mm day-1"
        np.testing.assert_allclose(copy["pr"].values.ravel(), values / days, rtol=1e-6)
    assert "the other variables of the file as they are" in str(error.value)


def _monthly_totals_folder(folder, units: str, attrs: dict) -> np.ndarray:
    """Three yearly files (pr_2001.nc …) of monthly totals of one cell, each month bounded (CF 7.1),
    ``pr`` in ``units`` with ``attrs``; returns the values, shape (36,)."""
    import cftime

    folder.mkdir()
    values = (1.0 + np.arange(36) % 5).astype(np.float32) / 100
    for number, year in enumerate((2001, 2002, 2003)):
        edges = [[cftime.DatetimeNoLeap(year, month, 1), cftime.DatetimeNoLeap(year + month // 12, month % 12 + 1, 1)]
                 for month in range(1, 13)]
        xr.Dataset({"pr": (("time", "lat", "lon"), values[12 * number:12 * number + 12, None, None],
                           {"units": units, **attrs}),
                    "time_bnds": (("time", "bnds"), np.array(edges, dtype=object))},
                   coords={"time": ("time", [low + (high - low) / 2 for low, high in edges], {"bounds": "time_bnds"}),
                           "lat": [10.0], "lon": [20.0]},
                   ).to_netcdf(folder / f"pr_{year}.nc", encoding={"time": {"units": "days since 2001-01-01"},
                                                                  "time_bnds": {"units": "days since 2001-01-01"}})
    return values


@pytest.mark.parametrize(("units", "attrs", "tool", "kept"), [
    pytest.param("mm", {"standard_name": "precipitation_amount"}, "ncatted -a cell_methods", 1.0,
                 id="cell-methods-ncatted"),
    pytest.param("m", {"standard_name": "thickness_of_snowfall_amount", "cell_methods": "time: sum"}, "ncap2",
                 100.0, id="water-equivalent-ncap2"),
])
def test_a_folder_s_units_advice_run_as_printed_corrects_a_copy_of_every_file(tmp_path, monkeypatch, units, attrs,
                                                                           tool, kept):
    """fix38d: a variable read from a folder of files was advised a cell_methods ncatted, or a water-equivalent
    ncap2, on its first file alone (and its copy written into the folder, which then held two of its files).
    Now each is a loop writing a copy of every file into a new folder; run as printed (the snow's density, 100
    kg m-3, given for DENSITY), the new folder converts: the monthly totals over each month's seconds."""
    from climann.data.open import expand_paths, open_dataset

    if shutil.which(tool.split()[0]) is None:
        pytest.skip(f"needs NCO's {tool.split()[0]}")
    monkeypatch.chdir(tmp_path)
    values = _monthly_totals_folder(tmp_path / "pr", units, attrs)
    opened = open_dataset(expand_paths(["pr"]))
    with pytest.raises(ClimannError) as refusal:
        convert_variable(opened["pr"], "kg m-2 s-1", name="pr", where="pr", reference="the model",
                         time_bounds=opened["time_bnds"])
    message = str(refusal.value)
    loops = re.findall(r"mkdir -p \S+ && \( for f in pr/\*\.nc; do (.*?) \|\| exit 1; done \)", message)
    assert loops and all(loop.endswith('"$f" ' + 'pr/' + loop.split(' pr/')[-1]) for loop in loops)
    command = next(match.group(0) for match in re.finditer(r"mkdir -p \S+ && \( for f in pr/\*\.nc; do .*?; done \)",
                                                           message) if tool in match.group(0))
    folder = command.split()[2]
    assert f"then give --data '{folder}/*.nc' in place of the originals" in message
    subprocess.run(["bash", "-c", command.replace("DENSITY", "100")], check=True, capture_output=True)
    assert sorted(path.name for path in (tmp_path / "pr").glob("*.nc")) == ["pr_2001.nc", "pr_2002.nc", "pr_2003.nc"]
    fixed = open_dataset(expand_paths([f"{folder}/*.nc"]))
    rates = convert_variable(fixed["pr"], "kg m-2 s-1", name="pr", where=folder, reference="the model",
                             time_bounds=fixed["time_bnds"])
    days = np.tile([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], 3)
    # by hand: mm of water are kg m-2; snow's metres × 100 kg m-3 are kg m-2
    np.testing.assert_allclose(rates.values.ravel(), values * kept / (days * 86400.0), rtol=1e-5)


@pytest.mark.skipif(shutil.which("ncatted") is None, reason="needs NCO's ncatted")
def test_the_units_metadata_advice_for_a_folder_of_many_files_is_a_loop_that_marks_every_copy(tmp_path, monkeypatch):
    """fix38d: for more than three files the units_metadata advice was one `ncatted … IN.nc OUT.nc` "for each
    of" them. Now one loop writes a copy of each into a new folder; run as printed, every copy says a
    temperature difference and the originals are left as they were."""
    from climann.data.open import expand_paths, open_dataset
    from climann.data.units import difference_commands

    monkeypatch.chdir(tmp_path)
    (tmp_path / "anom").mkdir()
    for year in range(2001, 2006):
        xr.Dataset({"tas": ("time", np.array([0.5, -0.5], np.float32), {"units": "K"})},
                   coords={"time": [np.datetime64(f"{year}-01-15"), np.datetime64(f"{year}-02-15")]},
                   ).to_netcdf(tmp_path / "anom" / f"tas_{year}.nc")
    advice = difference_commands(open_dataset(expand_paths(["anom"]))["tas"], "tas", "anom")
    assert "IN.nc" not in advice
    command, _, rest = advice.partition(" (a copy of each of its 5 files in a new folder)")
    assert without_guards(command) == ("mkdir -p anom/units_fixed && ( for f in anom/*.nc; do ncatted -a units_metadata,tas,o,c,"
                       "'temperature: difference' \"$f\" anom/units_fixed/\"${f##*/}\" || exit 1; done )")
    assert rest == ", then give --data 'anom/units_fixed/*.nc' in place of the originals"
    subprocess.run(["bash", "-c", command], check=True, cwd=tmp_path, capture_output=True)
    for year in range(2001, 2006):
        with xr.open_dataset(tmp_path / "anom" / "units_fixed" / f"tas_{year}.nc") as fixed, \
                xr.open_dataset(tmp_path / "anom" / f"tas_{year}.nc") as original:
            assert fixed["tas"].attrs["units_metadata"] == "temperature: difference"
            assert "units_metadata" not in original["tas"].attrs


@pytest.mark.skipif(shutil.which("ncatted") is None, reason="needs NCO's ncatted")
@pytest.mark.parametrize("units", [
    pytest.param("fraction (between 0 and 1)", id="mur-sea-ice-fraction"),
    pytest.param("fraction [0, 1]", id="range-in-brackets"),
])
def test_a_fraction_with_its_range_in_words_gets_units_1_to_write_not_a_placeholder(tmp_path, caplog, units):
    """break39b B10d: MUR's sea_ice_fraction (standard_name sea_ice_area_fraction) in 'fraction (between 0 and 1)'
    was advised ``ncatted -a units,sea_ice_fraction,o,c,UNITS``; a fraction's units are 1. Run as printed, the copy's
    units are read, and its values are what they were."""
    from climann.data.open import open_dataset

    values = np.array([[0.0, 0.25, 1.0]], np.float32)
    path = tmp_path / "mur.nc"
    xr.Dataset({"sea_ice_fraction": (("time", "x"), values, {"units": units,
                                                             "standard_name": "sea_ice_area_fraction"})}
               ).to_netcdf(path)
    with caplog.at_level(logging.WARNING, logger="climann.data.units"):
        assert warn_unreadable_units(open_dataset([path]), ["sea_ice_fraction"], where="mur.nc") == {
            "sea_ice_fraction": units}
    (line,) = [record.getMessage() for record in caplog.records]
    assert "write readable units: " in line
    ((command, data, original),) = _copy_lines(line)
    assert shlex.split(command.rsplit(" && ", 1)[1]) == ["ncatted", "-a", "units,sea_ice_fraction,o,c,1", str(path),
                                                         str(tmp_path / "units_fixed" / "mur.nc")]
    assert (data, original) == (str(tmp_path / "units_fixed" / "mur.nc"), str(path))
    _run_as_printed(command)
    assert sorted(os.listdir(tmp_path)) == ["mur.nc", "units_fixed"]
    with xr.open_dataset(data) as fixed:
        assert parse_units(fixed["sea_ice_fraction"].attrs["units"], variable="x") == parse_units("1", variable="x")
        np.testing.assert_array_equal(fixed["sea_ice_fraction"].values, values)


@pytest.mark.parametrize("spelling", [pytest.param("acre-feet", id="ResOpsUS-acre-feet"),
                                      pytest.param("acre-ft", id="acre-ft"), pytest.param("acre-foot", id="acre-foot")])
def test_hyphenated_acre_feet_convert_as_udunits_reads_them(spelling, caplog):
    """break40a A7: ResOpsUS's and USBR's reservoir storage in 'acre-feet' was "cannot read the
    units", the advice offering hm3 alone. UDUNITS-2 reads a hyphen between two units as their
    product: an acre (160 square rods of 16.5 US survey feet: 43560 survey ft2) times an
    (international) foot of 0.3048 m, 1233.4868 m3, as libudunits2 converts 'acre-feet' to m3."""
    acre_foot_m3 = 43560 * (1200 / 3937) ** 2 * 0.3048
    values = np.array([24315.7, 0.0, 1.5e6])
    storage = xr.DataArray(values, dims=("time",), attrs={"units": spelling})
    with caplog.at_level(logging.WARNING, logger="climann"):
        converted = convert_variable(storage, "hm3", name="storage", where="res_af.nc", reference="the run")
    np.testing.assert_allclose(converted.values, values * acre_foot_m3 / 1e6, rtol=1e-12)
    assert f"'storage' in res_af.nc converted from {spelling} to hm3" in caplog.text


@pytest.mark.parametrize("units, to, scale", [
    pytest.param("N-m", "J", 1.0, id="newton-metre"),
    pytest.param("W-m-2", "W m-2", 1.0, id="hyphen-product-then-exponent"),
    pytest.param("m-s-1", "km h-1", 3.6, id="metre-per-second"),
])
def test_a_hyphen_between_units_is_their_product_and_before_a_digit_an_exponent(units, to, scale):
    """UDUNITS-2 grammar: '-' between two units multiplies them, before a number it is the sign
    of an exponent ('m-2')."""
    assert parse_units(units, variable="x").to(to).magnitude == pytest.approx(scale, rel=1e-12)


@pytest.mark.parametrize("units, written, to, factor", [
    pytest.param("ac-ft", "acre_feet", "m3", 43560 * (1200 / 3937) ** 3, id="ac-ft"),
    pytest.param("Ac.Ft/d", "acre_feet/d", "m3 s-1", 43560 * (1200 / 3937) ** 3 / 86400, id="ac-ft-per-day"),
    pytest.param("KAF/month", "1000 acre_feet/month", "m3 day-1", 1000 * 43560 * (1200 / 3937) ** 3 / (365.25 / 12),
                 id="KAF-per-month"),
    pytest.param("m3 kaf-1", "m3 (1000 acre_feet)-1", "1", 1 / (1000 * 43560 * (1200 / 3937) ** 3), id="per-kaf"),
    pytest.param("mcm", "hm3", "m3", 1e6, id="mcm"),
])
def test_a_water_resources_abbreviation_among_units_is_refused_with_its_readable_spelling(units, written, to,
                                                                                            factor):
    """fix41d: 'ac-ft' (and 'ac ft', 'ac-ft/d') was read without a word as an attospeed of light times a foot
    (pint's a- and c), 'mcm' as a micrometre: a volume as a speed's area, a million cubic metres as a millionth of
    a metre. Refused in one line naming the abbreviation and the units to write, which read as the volume meant
    (an acre-foot 43560 US survey ft3, pint's month a twelfth of a Julian year)."""
    with pytest.raises(ClimannError) as error:
        parse_units(units, variable="storage", where="res.nc")
    message = str(error.value)
    assert "\n" not in message and message.startswith(f"cannot read the units '{units}' of 'storage' in res.nc: ")
    assert message.endswith(f"write {written} in the units attribute of res.nc")
    assert parse_units(written, variable="storage").to(to).magnitude == pytest.approx(factor, rel=1e-12)


@pytest.mark.skipif(shutil.which("ncatted") is None, reason="NCO's ncatted is not installed")
@pytest.mark.parametrize("spelling, to, factor", [
    pytest.param("af", "hm3", 43560 * (1200 / 3937) ** 3 / 1e6, id="USBR-af"),
    pytest.param("KAF", "hm3", 1000 * 43560 * (1200 / 3937) ** 3 / 1e6, id="thousand-acre-feet"),
    pytest.param("cfs", "m3 s-1", 0.3048 ** 3, id="cfs"),
    pytest.param("MCM", "m3", 1e6, id="million-cubic-metres"),
    # fix41d: pint read these as an attospeed of light ('ac': atto- and c) times a foot, and 'mcm' as a micrometre
    pytest.param("ac-ft", "hm3", 43560 * (1200 / 3937) ** 3 / 1e6, id="ac-ft"),
    pytest.param("AC FT", "hm3", 43560 * (1200 / 3937) ** 3 / 1e6, id="AC-FT-with-a-blank"),
    pytest.param("1000 ac-ft", "hm3", 1000 * 43560 * (1200 / 3937) ** 3 / 1e6, id="thousand-ac-ft"),
    pytest.param("ac-ft/d", "m3 s-1", 43560 * (1200 / 3937) ** 3 / 86400, id="ac-ft-per-day"),
    pytest.param("af day-1", "m3 s-1", 43560 * (1200 / 3937) ** 3 / 86400, id="af-per-day"),
    pytest.param("mcm", "m3", 1e6, id="mcm-not-a-micrometre"),
])
def test_water_resources_abbreviations_get_the_readable_units_to_write(tmp_path, spelling, to, factor):
    """break40a A7: storage in 'af' (USBR) was refused with hm3 as the only way out, 'MCM' with a placeholder.
    The advice names the reading ("if 'af' is acre-feet") and its readable units; the ncatted line run as
    printed converts by pint's acre-foot (43560 US survey ft3, UDUNITS' 1.233489e3 m3), cubic foot
    (0.3048 m)3 and hm3."""
    values = np.array([20000.0, 0.0, 1.5])
    xr.Dataset({"storage": ("time", values, {"units": spelling})}).to_netcdf(tmp_path / "res.nc")
    with xr.open_dataset(tmp_path / "res.nc") as opened, pytest.raises(ClimannError) as refused:
        convert_variable(opened["storage"], to, name="storage", where="res.nc", reference="the run")
    message = str(refused.value)
    abbreviation = re.sub(r"^1000 |/d$| day-1$", "", spelling)
    assert f"if '{abbreviation}' is " in message and ",UNITS " not in message
    ((command, data, original),) = _copy_lines(message)
    assert (data, original) == (str(tmp_path / "units_fixed" / "res.nc"), str(tmp_path / "res.nc"))
    _run_as_printed(command)
    assert sorted(os.listdir(tmp_path)) == ["res.nc", "units_fixed"]  # the original alone beside the new folder
    with xr.open_dataset(data) as fixed:
        converted = convert_variable(fixed["storage"], to, name="storage", where="units_fixed/res.nc",
                                     reference="the run")
        np.testing.assert_allclose(converted.values, values * factor, rtol=1e-12)


@pytest.mark.parametrize("units", [pytest.param("Numeric", id="GEFF-Numeric"), pytest.param("z-values", id="SPEIbase"),
                                   pytest.param("index", id="index"), pytest.param("z-score", id="z-score")])
def test_an_index_in_no_unit_is_advised_as_dimensionless_in_cf_units_1(caplog, units):
    """break41d B3: GEFF's fire weather index in "Numeric" and SPEIbase's SPEI in "z-values" got "write
    readable units: ncatted -a units,fwinx,o,c,UNITS …", never saying that such an index is dimensionless; the
    advice now says so and writes CF's 1, which the units library reads as a pure number."""
    dataset = xr.Dataset({"fwinx": (("time", "x"), np.ones((2, 3), np.float32), {"units": units})})
    dataset["fwinx"].encoding["source"] = "/data/geff/ECMWF_FWI_2017.nc"
    with caplog.at_level(logging.WARNING, logger="climann.data.units"):
        assert warn_unreadable_units(dataset, ["fwinx"], where="files") == {"fwinx": units}
    (line,) = [record.getMessage() for record in caplog.records]
    assert ",c,UNITS" not in line
    assert f"('{units}' names no unit: a standardised, fire-danger or drought index is a pure number, " in line
    assert "dimensionless, whose units CF writes 1)" in line
    words = shlex.split(line.rsplit("): ", 1)[1])
    assert words[:3] == ["ncatted", "-a", "units,fwinx,o,c,1"]
    assert words[3:] == ["/data/geff/ECMWF_FWI_2017.nc", "/data/geff/ECMWF_FWI_2017_fixed.nc"]
    assert parse_units(words[2].rsplit(",", 1)[1], variable="fwinx").units.dimensionless


def test_an_anomaly_in_degc_without_units_metadata_and_no_file_known_gets_words_not_a_file_placeholder():
    """break42b A7's kind: `ncatted -a units_metadata,… FILE` held the placeholder FILE where no file is known (a
    conversion called without the commands of its files); the way out is said in words."""
    with pytest.raises(ClimannError) as raised:
        conversion("degC", "K", variable="tas_anom", attrs={"long_name": "temperature anomaly"})
    message = str(raised.value)
    assert not re.search(r"\bFILE\b", message) and "ncatted" not in message
    assert "mark it (give 'tas_anom' the attribute units_metadata = 'temperature: difference' in its file)" in message


@pytest.mark.parametrize(("text", "scale", "in_si"), [
    pytest.param("kg m-2 s-1", 1.0, 1.0, id="flux"),
    pytest.param("0.001", 0.001, 0.001, id="a-number-is-a-scale"),
    pytest.param("hPa", 1.0, 100.0, id="hectopascal"),
])
def test_units_read_again_are_a_new_quantity_equal_to_the_first(text, scale, in_si):
    """parse_units keeps what it read of each string (fix43a): a string read again gives a new
    Quantity with the same scale and unit, which a caller may change without changing the next."""
    from climann.data.units import parse_units

    first = parse_units(text, variable="x")
    first *= 7.0  # a caller's own arithmetic, in place
    again = parse_units(text, variable="y")
    assert again is not first and again.magnitude == scale and again.units == first.units
    assert again.to_base_units().magnitude == pytest.approx(in_si)


def test_a_refused_units_string_is_refused_again_naming_each_variable():
    from climann.data.units import parse_units

    for variable in ("ppt_a", "ppt_b"):
        with pytest.raises(ClimannError, match=f"the units 'ppt' of '{variable}' in the file are ambiguous"):
            parse_units("ppt", variable=variable)


@pytest.mark.parametrize(("units", "whole"), [
    pytest.param("%", 100.0, id="percent"), pytest.param("percent", 100.0, id="percent-word"),
    pytest.param("‰", 1000.0, id="per-mille"), pytest.param("0.01", 100.0, id="a-scale-of-a-hundredth"),
    pytest.param("1", 1.0, id="one"), pytest.param("(0 - 1)", 1.0, id="era5-0-1"),
    pytest.param("m3 m-3", 1.0, id="volume-per-volume"), pytest.param("K", None, id="a-dimension"),
    pytest.param("kg m-2", None, id="an-amount"),
])
def test_the_whole_in_dimensionless_units_is_one_over_their_value_in_one(units, whole):
    """fix45c: the value a 0/1 field's 1 takes in its units: 1 / (1 unit in ``1``), SI brochure's 1 % = 0.01,
    1 ‰ = 0.001; None for units with a dimension."""
    assert full_scale(units) == (None if whole is None else pytest.approx(whole, rel=1e-12))


@pytest.mark.parametrize(("name", "attrs", "snow_amount"), [
    pytest.param("swe_average", {"units": "mm"}, True, id="globsnow-name-alone"),
    pytest.param("swe_mm", {"units": "mm"}, True, id="swe-word-of-a-name"),
    pytest.param("snow_water_equivalent", {"units": "mm"}, True, id="name-in-words"),
    pytest.param("snow_amount", {"units": "kg m-2"}, True, id="snow-amount-name"),
    pytest.param("snow", {"long_name": "Surface Snow Amount", "units": "kg m-2"}, True, id="cmip-long-name"),
    pytest.param("x", {"long_name": "Snow mass", "units": "kg m-2"}, True, id="snow-mass"),
    pytest.param("x", {"long_name": "SWE (mm)", "units": "mm"}, True, id="swe-long-name"),
    pytest.param("x", {"long_name": "Water equivalent of snow on the ground", "units": "mm"}, True,
                 id="water-equivalent-of-snow"),
    pytest.param("x", {"long_name": "Water equivalent of the snow", "units": "mm"}, True, id="of-the-snow"),
    pytest.param("swe", {"long_name": "Sea water equivalent", "units": "m"}, False, id="long-name-says-otherwise"),
    # fix51c: a change of a snow amount is no state (it was one by its "snow water equivalent"), and CF's snow depth,
    # surface_snow_thickness, is one (it was none: no word of depth)
    pytest.param("dswe", {"long_name": "Snow water equivalent change", "units": "mm"}, False, id="swe-change"),
    pytest.param("x", {"standard_name": "change_over_time_in_surface_snow_amount", "units": "kg m-2"}, False,
                 id="cf-change-over-time"),
    pytest.param("x", {"standard_name": "tendency_of_surface_snow_amount", "units": "kg m-2 s-1"}, False,
                 id="cf-tendency"),
    pytest.param("sd", {"standard_name": "surface_snow_thickness", "units": "m"}, True, id="cf-snow-thickness"),
])
def test_the_sign_and_the_state_read_a_snow_amount_alike(name, attrs, snow_amount):
    """fix50c item 1: a snow amount was read twice, by nonnegative's words and names and by units' state words; in
    each case here the two disagreed on main (a state that could be negative, or a SWE that was no state). Now one
    reading (snow_amount_said) decides both."""
    from climann.data.nonnegative import cannot_be_negative
    from climann.data.units import is_water_state

    variable = xr.DataArray(np.zeros(2), dims="x", attrs=attrs)
    assert (cannot_be_negative(name, variable) is not None, is_water_state(name, attrs)) == (snow_amount, snow_amount)


@pytest.mark.parametrize(("name", "attrs", "said"), [
    pytest.param("swe", {"standard_name": "lwe_thickness_of_surface_snow_amount", "long_name": "Snow"},
                 "standard_name", id="standard-name-first"),
    pytest.param("swe", {"long_name": "Snow Water Equivalent"}, "long_name", id="then-long-name"),
    pytest.param("swe", {"long_name": "Brightness temperature"}, "name", id="then-name"),
    pytest.param("snw", {}, "name", id="cmip-name"),
    pytest.param("swe", {"long_name": "Snow depth"}, None, id="a-long-name-of-snow-says-what-it-is"),
    pytest.param("prsn", {"standard_name": "snowfall_amount"}, None, id="snowfall-is-no-snow-amount"),
    pytest.param("x", {"long_name": "Water equivalent of snowfall"}, None, id="nor-its-water"),
    pytest.param("sweat", {}, None, id="swe-within-a-word"),
])
def test_snow_amount_said_reads_standard_name_then_long_name_then_name(name, attrs, said):
    from climann.data.units import snow_amount_said

    assert snow_amount_said(name, attrs) == said


def _percent_and_ndvi_files(folder) -> dict[str, np.ndarray]:
    """a.nc holding 'cover' in AppEEARS' 'Percent', b.nc holding 'ndvi' in 'NDVI' (neither readable), in ``folder``;
    their values by name."""
    values = {"cover": np.array([[50.0, 12.5, 0.0], [100.0, 7.25, 3.0]], np.float32)}
    values["ndvi"] = values["cover"][::-1] / 100
    for file, name, units in (("a.nc", "cover", "Percent"), ("b.nc", "ndvi", "NDVI")):
        xr.Dataset({name: (("time", "x"), values[name], {"units": units})}).to_netcdf(folder / file)
    return values


def _shown_warnings(caplog, paths, names) -> list[str]:
    """The unreadable-units warnings of ``names`` read from ``paths``, each as a run shows it, in order
    (:func:`~climann.data.shell.copies_said_once`)."""
    from climann.data.open import open_dataset
    from climann.data.shell import copies_said_once

    caplog.clear()
    with copies_said_once() as copies, caplog.at_level(logging.WARNING, logger="climann.data.units"):
        warn_unreadable_units(open_dataset(paths), names, where=", ".join(map(str, paths)))
        return [copies.shown(record.getMessage()) for record in caplog.records]


@pytest.mark.skipif(shutil.which("ncatted") is None, reason="needs NCO's ncatted")
def test_two_files_lines_shown_one_after_the_other_name_the_first_copy_among_the_files_given(tmp_path, monkeypatch,
                                                                                             caplog):
    """fix56a: two one-file lines, a.nc's then b.nc's. The second said to give "the other files of the working folder
    as before (--data a.nc)", where the first said to give its copy units_fixed/a.nc in place of a.nc: followed, the
    run read a.nc's unreadable units again. The second now names the first's copy; both lines run as printed, the
    files the second says to give hold readable units and the values as they were, and the working folder holds the
    originals and the two new folders only."""
    from climann.data.open import open_dataset

    monkeypatch.chdir(tmp_path)
    values = _percent_and_ndvi_files(tmp_path)
    first, second = _shown_warnings(caplog, [tmp_path / "a.nc", tmp_path / "b.nc"], ["cover", "ndvi"])
    ((line_a, copy_a, original_a),) = _copy_lines(first)
    ((line_b, copy_b, original_b),) = _copy_lines(second)
    assert (copy_a, original_a, copy_b, original_b) == ("units_fixed/a.nc", "a.nc", "units_fixed_2/b.nc", "b.nc")
    assert first.endswith("in place of a.nc, with the other files of the working folder given as before (--data b.nc)")
    given = re.findall(r"--data (\S+?)[),]?(?=\s|$)", second)
    assert given == ["units_fixed_2/b.nc", "units_fixed/a.nc"] and "--data a.nc" not in second
    for line in (line_a, line_b):
        _run_as_printed(line)
    assert sorted(os.listdir(tmp_path)) == ["a.nc", "b.nc", "units_fixed", "units_fixed_2"]
    copies = open_dataset([tmp_path / path for path in given])
    for name, expected in (("cover", 0.01), ("ndvi", 1.0)):
        assert parse_units(copies[name].attrs["units"], variable=name).to("1").magnitude == pytest.approx(expected)
        np.testing.assert_array_equal(copies[name].values, values[name])


@pytest.mark.skipif(shutil.which("ncatted") is None, reason="needs NCO's ncatted")
def test_a_second_run_names_a_new_folder_and_never_writes_into_one_holding_other_files(tmp_path, monkeypatch, caplog):
    """fix56a: the folder units_fixed there already (a user's folder holding other files, or the copy of a line
    followed before): a second run's line names units_fixed_2, and its --data that copy; run as printed, it writes
    there, units_fixed's files are left byte for byte, and the same line run again is refused by its guard and leaves
    the copy as it is."""
    from tests.followed_twice import md5

    monkeypatch.chdir(tmp_path)
    values = _percent_and_ndvi_files(tmp_path)
    (tmp_path / "b.nc").rename(tmp_path / "units_fixed.nc")  # another file of the folder
    (tmp_path / "units_fixed").mkdir()
    (tmp_path / "units_fixed" / "a.nc").write_bytes(b"a user's file, not climann's")
    before = md5(tmp_path / "units_fixed" / "a.nc")
    (said,) = _shown_warnings(caplog, [tmp_path / "a.nc"], ["cover"])
    ((line, data, original),) = _copy_lines(said)
    assert (data, original) == ("units_fixed_2/a.nc", "a.nc")
    _run_as_printed(line)
    assert md5(tmp_path / "units_fixed" / "a.nc") == before and os.listdir("units_fixed") == ["a.nc"]
    assert os.listdir("units_fixed_2") == ["a.nc"]
    with xr.open_dataset(data) as fixed:
        assert fixed["cover"].attrs["units"] == "%"
        np.testing.assert_array_equal(fixed["cover"].values, values["cover"])
    written = md5(tmp_path / data)
    again = subprocess.run(line, shell=True, capture_output=True, text=True)
    assert again.returncode != 0 and "units_fixed_2/a.nc is there already: left as it is, nothing written" in again.stderr
    assert md5(tmp_path / data) == written and md5(tmp_path / "units_fixed" / "a.nc") == before
