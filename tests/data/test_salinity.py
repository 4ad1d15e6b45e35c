"""Salinity between a fraction and the 1e-3 scale, told by its values (climann/data/salinity.py)."""

from __future__ import annotations

import logging

import numpy as np
import pytest
import xarray as xr

from climann.data.salinity import is_salinity, salinity_scale, typical_salinity
from climann.data.units import convert_variable
from climann.errors import ClimannError

NAMED = {"standard_name": "sea_surface_salinity", "long_name": "Sea Surface Salinity"}
FIXES = {"1": "ncatted -a units,sos,o,c,1 new.nc new_fixed.nc", "1e-3": "ncatted -a units,sos,o,c,1e-3 new.nc new_fixed.nc"}


def _salinity(values, units: str, attrs=NAMED) -> xr.DataArray:
    """A lazy (time, x) salinity field; NaN where land would be."""
    data = np.asarray(values, np.float32)
    return xr.DataArray(data, dims=("time", "x"), attrs={**attrs, "units": units}).chunk()


# PSS-78 values of the western Pacific warm pool, with a land cell, and the same as mass fractions
PRACTICAL = [[34.5, 34.8, np.nan], [35.1, 34.2, np.nan]]
FRACTION = [[0.0345, 0.0348, np.nan], [0.0351, 0.0342, np.nan]]


def test_typical_salinity_is_the_median_of_the_finite_magnitudes():
    # the four finite values sorted: 34.2 34.5 34.8 35.1; their median (34.5 + 34.8) / 2
    assert typical_salinity(_salinity(PRACTICAL, "1")) == pytest.approx(34.65, rel=1e-6)
    assert np.isnan(typical_salinity(_salinity([[np.nan, np.nan]], "1")))


@pytest.mark.parametrize(("attrs", "expected"), [
    pytest.param({"standard_name": "sea_water_practical_salinity"}, True, id="practical-salinity"),
    pytest.param({"long_name": "Sea surface salinity (PSS-78)"}, True, id="long-name"),
    pytest.param({"standard_name": "sea_surface_temperature"}, False, id="temperature"),
    pytest.param({}, False, id="nothing-said"),
])
def test_is_salinity_reads_the_names(attrs, expected):
    assert is_salinity(attrs) is expected


@pytest.mark.parametrize(("values", "units", "to", "expected"), [
    # CF's newer table: practical salinity in "1", 35 (not a fraction 35): on the 1e-3 scale as it stands
    pytest.param(PRACTICAL, "1", "1e-3", PRACTICAL, id="practical-in-1-relabelled"),
    pytest.param(PRACTICAL, "1", "psu", PRACTICAL, id="practical-in-1-to-psu"),
    # a fraction in "1": ×1000, as UDUNITS reads it (0.0345 is 34.5 in 1e-3)
    pytest.param(FRACTION, "1", "1e-3", PRACTICAL, id="fraction-in-1-times-1000"),
    # PSS-78 in psu to a mass fraction in kg kg-1: ×0.001
    pytest.param(PRACTICAL, "psu", "kg kg-1", FRACTION, id="psu-to-kg-per-kg"),
])
def test_salinity_is_converted_as_its_values_say(values, units, to, expected, caplog):
    with caplog.at_level(logging.WARNING, logger="climann"):
        converted = convert_variable(_salinity(values, units), to, name="sos", where="new.nc",
                                     reference="the model's training data", reference_attrs=NAMED)
    np.testing.assert_allclose(converted.values, np.asarray(expected, np.float32), rtol=1e-6)
    assert converted.attrs["units"] == to
    assert "'sos' in new.nc" in caplog.text  # relabelled or converted, it is said


@pytest.mark.parametrize(("values", "units", "to", "message"), [
    pytest.param(PRACTICAL, "psu", "1", r"'1' is ambiguous for salinity: .*if they are about 35 too, write '1' as "
                 r"they do \(ncatted -a units,sos,o,c,1 new.nc new_fixed.nc\)", id="psu-to-an-ambiguous-1"),
    pytest.param(PRACTICAL, "kg kg-1", "1e-3", r"its values \(median 34.65\) are practical salinity, not what "
                 r"'kg kg-1' says .*ncatted -a units,sos,o,c,1e-3 new.nc new_fixed.nc", id="35-in-kg-per-kg"),
    pytest.param(FRACTION, "psu", "1", r"its values \(median 0.03465\) are a fraction, not what 'psu' says "
                 r".*ncatted -a units,sos,o,c,1 new.nc new_fixed.nc", id="fractions-in-psu"),
    pytest.param([[350.0, 360.0]], "1", "1e-3", r"are on neither scale, not what '1' says", id="neither"),
])
def test_salinity_whose_values_disagree_with_the_units_is_refused(values, units, to, message):
    with pytest.raises(ClimannError, match=message) as error:
        convert_variable(_salinity(values, units), to, name="sos", where="new.nc",
                         reference="the model's training data", reference_attrs=NAMED)
    assert "\n" not in str(error.value)


def test_a_temperature_in_1_is_not_read_as_salinity():
    """Only salinity is read by its values: a pure number of anything else converts as UDUNITS says."""
    converted = convert_variable(_salinity([[35.0]], "1", {"long_name": "cloud cover"}), "%", name="clt",
                                 where="new.nc", reference="the run")
    np.testing.assert_allclose(converted.values, [[3500.0]])


@pytest.mark.parametrize(("scale", "typical", "to", "expected"), [
    pytest.param(1000.0, 34.5, "1e-3", 1.0, id="practical-in-1"),
    pytest.param(1000.0, 0.0345, "1e-3", 1000.0, id="fraction-in-1"),
    pytest.param(1000.0, float("nan"), "1e-3", 1000.0, id="no-values"),
])
def test_salinity_scale(scale, typical, to, expected):
    found, _ = salinity_scale(scale, typical, units="1", to=to, fraction_is_one=True, name="sos", where="new.nc",
                              reference="the run", fixes=FIXES)
    assert found == expected


@pytest.mark.parametrize(("reference", "expected"), [
    pytest.param(PRACTICAL, PRACTICAL, id="reference-1-holds-practical-salinity"),
    pytest.param(FRACTION, FRACTION, id="reference-1-holds-fractions"),
])
def test_a_reference_in_1_is_read_by_its_values_when_at_hand(reference, expected, caplog):
    """The first file of a series in '1', the next in psu: the first's values say which '1' it is."""
    with caplog.at_level(logging.WARNING, logger="climann"):
        converted = convert_variable(_salinity(PRACTICAL, "psu"), "1", name="sos", where="b.nc", reference="a.nc",
                                     reference_attrs=NAMED, reference_values=_salinity(reference, "1"))
    np.testing.assert_allclose(converted.values, np.asarray(expected, np.float32), rtol=1e-6)
    assert "'sos' in b.nc" in caplog.text


def test_a_reference_in_1_on_neither_scale_is_refused():
    with pytest.raises(ClimannError, match=r"those of a.nc \(median 355\) are on neither scale: if they are about 35"):
        convert_variable(_salinity(PRACTICAL, "psu"), "1", name="sos", where="b.nc", reference="a.nc",
                         reference_attrs=NAMED, reference_values=_salinity([[350.0, 360.0]], "1"))
