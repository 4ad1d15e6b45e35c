"""A gas as a mole fraction against a mass concentration: refused with the molar-volume formula
and its assumption (climann/data/gas_concentrations.py via convert_variable; break34a A2)."""

from __future__ import annotations

import re

import numpy as np
import pytest
import xarray as xr

from climann.data.units import convert_variable
from climann.errors import ClimannError

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
