"""Tests for climann/data/media_densities.py: per volume against per mass, refused with the medium's density."""

import re

import numpy as np
import pytest
import xarray as xr

from climann.data.units import convert_variable
from climann.errors import ClimannError

OXYGEN_PER_VOLUME = "mole_concentration_of_dissolved_molecular_oxygen_in_sea_water"


def _refusal(units, to, attrs, *, reference_attrs=None, name="o2"):
    variable = xr.DataArray(np.array([250.0], np.float32), dims="time", attrs={"units": units, **attrs})
    variable.encoding["source"] = "/data/argo.nc"
    with pytest.raises(ClimannError) as error:
        convert_variable(variable, to, name=name, where="argo.nc", reference="the model's training data",
                         reference_attrs=reference_attrs)
    return str(error.value)


def _advised(message, name="o2"):
    """The right side of the ncap2 assignment of ``name`` and the units it writes."""
    script = re.search(r"ncap2 -s '([^']*)'", message)[1]
    expression = re.search(rf"{name}=([^;]+);", script)[1]
    units = re.search(rf'{name}@units="([^"]+)"', script)[1]
    return expression, units


@pytest.mark.parametrize(("units", "to", "value", "expected"), [
    # 250 µmol kg-1 × 1025 kg m-3 = 256250 µmol m-3 = 0.25625 mol m-3 (by hand)
    pytest.param("micromole/kg", "mol m-3", 250.0, 0.25625, id="argo-umol-kg-on-a-cmip-run-in-mol-m-3"),
    pytest.param("umol kg-1", "mmol m-3", 250.0, 256.25, id="glodap-umol-kg-on-a-run-in-mmol-m-3"),
    # 0.25625 mol m-3 / 1025 kg m-3 = 2.5e-4 mol kg-1 = 250 µmol kg-1
    pytest.param("mol m-3", "umol/kg", 0.25625, 250.0, id="cmip-mol-m-3-on-a-run-in-umol-kg"),
])
def test_sea_water_per_mass_and_per_volume_are_refused_with_its_density_and_a_working_command(units, to, value,
                                                                                               expected):
    """break36a A4: o2 in micromole/kg against a run in mol m-3 was refused with the snow message
    ("a depth against a mass per area … fresh snow about 100 kg m-3"). They differ by sea water's
    density; the command's arithmetic gives the hand-computed value, in the run's units."""
    message = _refusal(units, to, {"standard_name": OXYGEN_PER_VOLUME})
    assert "sea water" in message and "1025 kg m-3" in message and "gsw.rho" in message
    assert "snow" not in message and "depth" not in message
    expression, written = _advised(message)
    assert written == to
    assert eval(expression, {}, {"o2": value}) == pytest.approx(expected, rel=1e-12)  # noqa: S307


def test_a_mass_mixing_ratio_against_a_mass_concentration_names_the_airs_density():
    message = _refusal("kg kg-1", "ug m-3", {"standard_name": "mass_fraction_of_pm2p5_dry_aerosol_particles_in_air"},
                       name="pm2p5")
    assert "of air" in message and "p / (R_d T)" in message and "287.05" in message
    assert "snow" not in message and "1025" not in message
    expression, written = _advised(message, "pm2p5")
    assert written == "ug m-3"
    # 1e-8 kg kg-1 × 1.2 kg m-3 = 1.2e-8 kg m-3 = 12 µg m-3
    assert eval(expression, {}, {"pm2p5": 1e-8, "DENSITY": 1.2}) == pytest.approx(12.0, rel=1e-12)  # noqa: S307


def test_a_medium_nothing_names_is_refused_with_both_densities_and_a_placeholder():
    message = _refusal("umol/kg", "mol m-3", {"long_name": "oxygen"})
    assert "the medium it is in" in message and "1025" in message and "287.05" in message
    assert "DENSITY" in _advised(message)[0] and "snow" not in message


def test_the_run_names_the_medium_when_the_new_data_do_not():
    message = _refusal("umol/kg", "mol m-3", {"long_name": "DOXY"}, reference_attrs={"standard_name": OXYGEN_PER_VOLUME})
    assert "of sea water" in message and f'o2@standard_name="{OXYGEN_PER_VOLUME}"' in message


@pytest.mark.parametrize(("units", "to"), [pytest.param("1", "kg m-3", id="pure-number"),
                                           pytest.param("%", "mg m-3", id="percent")])
def test_a_pure_number_against_a_mass_per_volume_is_no_density_pair(units, to):
    message = _refusal(units, to, {"long_name": "chlorophyll"}, name="chl")
    assert "does not convert" in message and "density" not in message and "snow" not in message

