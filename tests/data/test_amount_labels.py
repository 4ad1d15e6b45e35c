"""The element or compound written after an amount in units (climann/data/amount_labels.py).

fix43b: pint with cf_xarray's registry read ``mmol N m-3`` as millimole-newtons per m³, ``g C kg-1``
as a Celsius degree times g/kg (so soil carbon at 0 g C kg-1 was "absolute zero" and dropped),
``mol O2 m-3`` not at all. Hand factors: 1 mmol m-3 = 1 µmol L-1 (1 L = 1e-3 m³); 1 mg d-1 =
1e-3 g / 86400 s; 1 t ha-1 = 1e6 g / 1e4 m² = 100 g m-2; a noleap year has 365 days.
"""

from __future__ import annotations

import logging

import cftime
import numpy as np
import pytest
import xarray as xr

from climann.data.absolute_zero import absolute_zero
from climann.data.amount_labels import labels_as_units, labels_of
from climann.data.temperature_readings import temperature_reading
from climann.data.units import conversion, convert_variable, parse_units, scores_conversion
from climann.errors import ClimannError


@pytest.mark.parametrize(("units", "labels", "dimensions"), [
    pytest.param("mmol N m-3", {"N": 1.0}, {"[substance]": 1, "[length]": -3}, id="nemo-nitrate"),
    pytest.param("umol C kg-1", {"C": 1.0}, {"[substance]": 1, "[mass]": -1}, id="glodap-dic"),
    pytest.param("mg C m-2 d-1", {"C": 1.0}, {"[mass]": 1, "[length]": -2, "[time]": -1}, id="npp"),
    pytest.param("mol O2 m-3", {"O2": 1.0}, {"[substance]": 1, "[length]": -3}, id="argo-oxygen"),
    pytest.param("g N m-2", {"N": 1.0}, {"[mass]": 1, "[length]": -2}, id="nitrogen-per-area"),
    pytest.param("mmol P m-3", {"P": 1.0}, {"[substance]": 1, "[length]": -3}, id="phosphorus-not-poise"),
    pytest.param("g C kg-1", {"C": 1.0}, {}, id="soil-carbon-content"),
    pytest.param("t C ha-1", {"C": 1.0}, {"[mass]": 1, "[length]": -2}, id="tonnes-per-hectare"),
    pytest.param("mg C/m2/d", {"C": 1.0}, {"[mass]": 1, "[length]": -2, "[time]": -1}, id="slashes"),
])
def test_a_label_after_an_amount_is_what_the_amount_is_of_not_a_unit(units, labels, dimensions):
    quantity = parse_units(units, variable="v")
    assert labels_of(quantity.units) == labels
    own = {dim: power for dim, power in quantity.dimensionality.items() if not dim.startswith("[of_")}
    assert own == dimensions  # no newton, no temperature, no poise


@pytest.mark.parametrize(("units", "dimensions"), [
    pytest.param("C", {"[temperature]": 1}, id="hadisst-celsius"),
    pytest.param("degrees C", {"[temperature]": 1}, id="degrees-C"),
    pytest.param("J kg-1 K-1", {"[length]": 2, "[time]": -2, "[temperature]": -1}, id="heat-capacity"),
    pytest.param("g K-1", {"[mass]": 1, "[temperature]": -1}, id="a-power-after-the-symbol"),
])
def test_symbols_that_are_units_stay_units(units, dimensions):
    quantity = parse_units(units, variable="v")
    assert labels_of(quantity.units) == {} and dict(quantity.dimensionality) == dimensions


@pytest.mark.parametrize(("units", "to", "scale"), [
    pytest.param("mg C m-2 d-1", "g C m-2 s-1", 1e-3 / 86400, id="per-day-to-per-second"),
    pytest.param("mmol N m-3", "umol N L-1", 1.0, id="per-cubic-metre-to-per-litre"),
    pytest.param("mol N m-3", "mmol N m-3", 1000.0, id="mol-to-mmol"),
    pytest.param("t C ha-1", "g C m-2", 100.0, id="tonnes-per-hectare"),
    pytest.param("umol C mol-1", "mol C mol-1", 1e-6, id="was-a-pint-error"),
    pytest.param("mg C g-1", "g C kg-1", 1.0, id="soil-carbon"),
])
def test_amounts_of_one_label_convert_by_the_hand_factor(units, to, scale):
    found = conversion(units, to, variable="v")
    assert found.scale == pytest.approx(scale, rel=1e-12) and found.offset == 0.0 and not found.assumption


def test_a_rate_per_year_of_carbon_converts_by_each_calendar_year():
    times = [cftime.datetime(2001, month, 15, calendar="noleap") for month in (1, 7)]
    per_year = xr.DataArray(np.array([365.0, 73.0], np.float32), dims="time", coords={"time": times},
                            attrs={"units": "g C m-2 yr-1"})
    per_day = convert_variable(per_year, "mg C m-2 d-1", name="npp", where="new.nc", reference="the model")
    np.testing.assert_allclose(per_day.values, [365.0 * 1000 / 365, 73.0 * 1000 / 365], rtol=1e-6)


@pytest.mark.parametrize(("units", "to", "first", "second"), [
    pytest.param("mmol C m-3", "mmol N m-3", "C", "N", id="carbon-against-nitrogen"),
    pytest.param("mg N m-2 d-1", "mg C m-2 d-1", "N", "C", id="nitrogen-against-carbon"),
    pytest.param("mol O2 m-3", "mol CO2 m-3", "O2", "CO2", id="oxygen-against-carbon-dioxide"),
])
def test_amounts_of_two_labels_are_refused_in_one_line(units, to, first, second):
    with pytest.raises(ClimannError) as refused:
        conversion(units, to, variable="no3", where="new.nc", reference="the model's training data")
    message = str(refused.value)
    assert f"amounts of {first} and of {second}, which no unit converts" in message and "\n" not in message
    assert message.startswith(f"'no3' is in '{units}' in new.nc but in '{to}' in the model's training data")


def test_scores_of_two_labels_are_not_compared():
    with pytest.raises(ClimannError, match="amounts of C and of N"):
        scores_conversion("mg C m-2 d-1", "mg N m-2 d-1", variable="npp")


@pytest.mark.parametrize(("units", "to", "scale"), [
    pytest.param("mmol m-3", "mmol N m-3", 1.0, id="label-in-the-reference"),
    pytest.param("mol m-3", "mmol N m-3", 1000.0, id="cmip6-no3-in-mol"),
    pytest.param("kg m-2 s-1", "g C m-2 d-1", 1000.0 * 86400, id="cmip6-npp-against-fluxcom"),
])
def test_a_label_on_one_side_only_is_read_as_that_substance_and_said(units, to, scale, caplog):
    values = xr.DataArray(np.array([1.0, 2.0], np.float32), dims="time", attrs={"units": units})
    with caplog.at_level(logging.WARNING, logger="climann"):
        converted = convert_variable(values, to, name="v", where="new.nc", reference="the model")
    np.testing.assert_allclose(converted.values, np.array([1.0, 2.0]) * scale, rtol=1e-6)
    assert converted.attrs["units"] == to
    assert f"'v' in new.nc {'in' if scale == 1.0 else 'converted from'} {units}" in caplog.text
    assert f"read as amounts of {'N' if 'N' in to else 'C'}, as '{to}' says" in caplog.text


def test_a_mass_and_moles_of_one_label_are_refused_naming_the_molar_mass():
    values = xr.DataArray(np.array([14.007], np.float32), dims="time", attrs={"units": "mg N m-3"})
    with pytest.raises(ClimannError) as refused:
        convert_variable(values, "mmol N m-3", name="no3", where="new.nc", reference="the model")
    assert "a mass of N and an amount of substance (mol) of N differ by its molar mass" in str(refused.value)


@pytest.mark.parametrize("units", ["g C kg-1", "mol C mol-1", "mg C g-1"])
def test_an_amount_of_carbon_is_no_temperature(units):
    """Soil carbon in g C kg-1 was a Celsius degree times g/kg: its zeros (bare rock) were read as
    absolute zero and dropped (42 % of the values of a sample: its mean 3.29 instead of numpy's 1.91)."""
    values = xr.DataArray(np.array([0.0, 1.5], np.float32), dims="x", attrs={"units": units})
    assert temperature_reading("soc", values.attrs) is None
    assert absolute_zero("soc", values) is None


def test_the_preprocessor_writes_only_labels_after_amounts():
    assert labels_as_units("mmol N m-3") == "mmol of_nitrogen m-3"
    assert labels_as_units("N m-2") == "N m-2"  # a newton per m², a stress
    assert labels_as_units("kg m-2 s-1") == "kg m-2 s-1"


# --- fix44c: labels glued to the amount (gC, mmolN), and chlorophyll ----------------------------------
@pytest.mark.parametrize(("units", "apart", "label"), [
    pytest.param("gC m-2 d-1", "g C m-2 d-1", "C", id="fluxcom-gC"),
    pytest.param("kgC m-2 s-1", "kg C m-2 s-1", "C", id="kgC"),
    pytest.param("PgC yr-1", "Pg C yr-1", "C", id="petagrams-of-carbon"),
    pytest.param("mmolN m-3", "mmol N m-3", "N", id="mmolN"),
    pytest.param("umolC/kg", "umol C kg-1", "C", id="glodap-glued"),
    pytest.param("gCO2 m-2", "g CO2 m-2", "CO2", id="gCO2"),
    pytest.param("mg Chl m-3", "mg m-3", "Chl", id="occci-chl"),
    pytest.param("mgChl/m3", "mg m-3", "Chl", id="glued-chl"),
    pytest.param("mg chl a m-3", "mg m-3", "Chl", id="chl-a"),
    pytest.param("mg Chl-a m-3", "mg m-3", "Chl", id="chl-hyphen-a"),
    pytest.param("mg CHL/m3", "mg m-3", "Chl", id="pisces-capitals"),
    pytest.param("mg chlorophyll m-3", "mg m-3", "Chl", id="chlorophyll-in-full"),
])
def test_a_glued_label_and_chlorophyll_are_read_as_what_the_amount_is_of(units, apart, label):
    """Before fix44c 'gC m-2 d-1', 'mmolN m-3', 'umolC/kg' and 'mg Chl m-3' were unreadable. The label is read,
    and the units left are those written apart (hand: the same dimensions as without the label)."""
    quantity = parse_units(units, variable="v")
    assert labels_of(quantity.units) == {label: 1.0}
    own = {dim: power for dim, power in quantity.dimensionality.items() if not dim.startswith("[of_")}
    bare = parse_units(apart, variable="v")
    assert own == {dim: power for dim, power in bare.dimensionality.items() if not dim.startswith("[of_")}
    assert quantity.magnitude == bare.magnitude == 1.0


@pytest.mark.parametrize("units", ["gCm-2", "degC", "g K-1", "gal", "kt", "mg Chl a-1"])
def test_glued_letters_that_are_no_label_stay_as_they_were(units):
    """A label must stand apart from what follows (``gCm-2`` stays unread); ``degC``, ``gal``, ``kt`` are units;
    'Chl a-1' is chlorophyll per year (``a`` with an exponent is the annum)."""
    text = labels_as_units(units)
    assert text == units or (units == "mg Chl a-1" and text == "mg of_chlorophyll a-1")


@pytest.mark.parametrize(("units", "to", "scale"), [
    pytest.param("mgChl/m3", "mg Chl m-3", 1.0, id="chl-spellings"),
    pytest.param("ug chl a L-1", "mg Chl m-3", 1.0, id="ug-per-litre-is-mg-per-cubic-metre"),
    pytest.param("gC m-2 d-1", "mgC m-2 d-1", 1000.0, id="g-to-mg"),
    pytest.param("umolC/kg", "mmol C kg-1", 1e-3, id="umol-to-mmol"),
    pytest.param("PgC yr-1", "g C yr-1", 1e15, id="petagrams"),
])
def test_glued_and_apart_labels_of_one_substance_convert_by_the_hand_factor(units, to, scale):
    found = conversion(units, to, variable="v")
    assert found.scale == pytest.approx(scale, rel=1e-12) and found.offset == 0.0 and not found.assumption


@pytest.mark.parametrize(("units", "to", "first", "second"), [
    pytest.param("gN m-2 d-1", "gC m-2 d-1", "N", "C", id="glued-nitrogen-against-carbon"),
    pytest.param("mg Chl m-3", "mgC m-3", "Chl", "C", id="chlorophyll-against-carbon"),
])
def test_two_glued_labels_are_refused_in_one_line(units, to, first, second):
    with pytest.raises(ClimannError) as refused:
        conversion(units, to, variable="v", where="new.nc", reference="old.nc")
    message = str(refused.value)
    assert f"amounts of {first} and of {second}, which no unit converts" in message and "\n" not in message


def test_a_glued_mass_and_glued_moles_of_carbon_are_refused_naming_the_molar_mass():
    values = xr.DataArray(np.array([12.011], np.float32), dims="time", attrs={"units": "gC m-2 d-1"})
    with pytest.raises(ClimannError) as refused:
        convert_variable(values, "mmolC m-2 d-1", name="npp", where="new.nc", reference="old.nc")
    assert "a mass of C and an amount of substance (mol) of C differ by its molar mass" in str(refused.value)


def _month_file(path, years, units, values):
    times = [cftime.datetime(year, month, 15, calendar="standard") for year in years for month in range(1, 13)]
    xr.Dataset({"npp": (("time", "x"), values.astype(np.float32), {"units": units})},
               coords={"time": times}).to_netcdf(path)


def test_files_of_one_variable_in_glued_and_other_labels_are_read_in_the_first_files_units(tmp_path, caplog):
    """Two files of NPP, one in 'mgC m-2 d-1', one in 'gC m-2 d-1' (break of fix43b's list: refused as
    unreadable): the second is converted to the first's units, by numpy's hand factor 1000."""
    from climann.data.open import open_dataset

    rng = np.random.default_rng(5)
    first, second = rng.uniform(100, 900, (24, 3)), rng.uniform(0.1, 0.9, (24, 3))
    _month_file(tmp_path / "npp_2000.nc", (2000, 2001), "mgC m-2 d-1", first)
    _month_file(tmp_path / "npp_2002.nc", (2002, 2003), "gC m-2 d-1", second)
    with caplog.at_level(logging.WARNING, logger="climann"):
        opened = open_dataset([tmp_path / "npp_2000.nc", tmp_path / "npp_2002.nc"])
        values = opened["npp"].values
    expected = np.concatenate([first.astype(np.float32), second.astype(np.float32).astype(np.float64) * 1000.0])
    np.testing.assert_allclose(values, expected, rtol=1e-6)
    assert opened["npp"].attrs["units"] == "mgC m-2 d-1"
    assert "converted from gC m-2 d-1 to mgC m-2 d-1" in caplog.text


@pytest.mark.parametrize(("units", "to"), [pytest.param("gC m-2 d-1", "umolCO2 m-2 s-1", id="daily-file-hourly-run"),
                                           pytest.param("umolCO2 m-2 s-1", "gC m-2 d-1", id="hourly-file-daily-run")])
def test_carbon_and_co2_fluxes_are_refused_with_fluxnets_factor_whose_ncap2_line_converts(tmp_path, units, to):
    """break45a A8: a half-hourly GPP run (umolCO2 m-2 s-1) evaluated on FLUXNET's daily file (gC m-2 d-1) was told
    no unit converts C and CO2, with no way out: one C atom per CO2 molecule, 12.011 g of C a mol (FLUXNET)."""
    import subprocess

    import netCDF4

    from climann.data.amount_labels import label_conversion
    from climann.data.units import parse_units, unit_registry

    with pytest.raises(ClimannError) as refused:
        label_conversion(parse_units(units, variable="GPP"), parse_units(to, variable="GPP"), units, to,
                         variable="GPP", where="DD.nc", reference="the run", registry=unit_registry())
    message = str(refused.value)
    factor = 12.011e-6 * 86400 if units.startswith("umol") else 1 / (12.011e-6 * 86400)
    assert f"multiply 'GPP' by {factor:.10g} and give it units '{to}'" in message
    values = np.array([0.5, 3.25, 7.0])
    with netCDF4.Dataset(tmp_path / "IN.nc", "w") as written:
        written.createDimension("time", 3)
        written.createVariable("GPP", "f8", ("time",))[:] = values
        written["GPP"].units = units
    command = message.split("`")[1]
    subprocess.run(command, shell=True, check=True, cwd=tmp_path)  # noqa: S602 — the line as a user runs it
    with netCDF4.Dataset(tmp_path / "OUT.nc") as converted:
        np.testing.assert_allclose(converted["GPP"][:], values * factor, rtol=1e-9)
        assert converted["GPP"].units == to
