"""Spectral coordinates (climann/data/spectral_axes.py): a spectrum's frequency, direction,
wavelength or wavenumber is never a latitude or longitude, whatever its ``axis``; a coordinate
that says it is a position, or only has units of degrees, is not spectral."""

from __future__ import annotations

import pytest
import xarray as xr

from climann.data.coords import find_coordinate, one_dimensional_candidates
from climann.data.spectral_axes import is_frequency, spectral_reading


@pytest.mark.parametrize("attrs, kind", [
    pytest.param({"standard_name": "sea_surface_wave_to_direction", "units": "degree", "axis": "X"}, "direction",
                 id="ww3-direction"),
    pytest.param({"standard_name": "sea_water_velocity_to_direction", "units": "degree"}, "direction",
                 id="current-direction"),
    pytest.param({"standard_name": "wind_from_direction", "units": "degrees"}, "direction", id="wind-direction"),
    pytest.param({"long_name": "Mean wave direction bin", "units": "degree", "axis": "X"}, "direction",
                 id="direction-by-long-name"),
    pytest.param({"standard_name": "sea_surface_wave_frequency", "units": "s-1", "axis": "Y"}, "frequency",
                 id="ww3-frequency"),
    pytest.param({"units": "Hz"}, "frequency", id="frequency-by-units"),
    pytest.param({"long_name": "frequency of center band", "units": "1"}, "frequency", id="frequency-by-long-name"),
    pytest.param({"standard_name": "sensor_band_central_radiation_wavenumber", "units": "m-1"}, "wavenumber",
                 id="wavenumber"),
    pytest.param({"long_name": "wave number", "units": "rad m-1", "axis": "X"}, "wavenumber",
                 id="wavenumber-by-long-name"),
    pytest.param({"long_name": "spectral bin", "axis": "Y"}, "spectral band", id="spectral-bin"),
])
def test_spectral_coordinates_are_read_by_their_standard_name_units_or_long_name(attrs, kind):
    assert spectral_reading(attrs)[0] == kind
    assert is_frequency(attrs) == (kind == "frequency")


@pytest.mark.parametrize("attrs", [
    pytest.param({"units": "degree", "axis": "X"}, id="degrees-alone"),
    pytest.param({"standard_name": "longitude", "units": "degree", "long_name": "wave direction"},
                 id="standard-name-longitude"),
    pytest.param({"units": "degrees_east", "long_name": "heading"}, id="units-degrees-east"),
    pytest.param({"units": "degree", "axis": "X", "long_name": "longitude, positive in the east direction"},
                 id="long-name-says-longitude"),
    pytest.param({"units": "degree", "long_name": "directional spread"}, id="a-spread-is-no-direction"),
    pytest.param({"units": "degree", "long_name": "directional width"}, id="directional-width"),
    pytest.param({"units": "m", "axis": "X", "long_name": "x coordinate, positive in the east direction"},
                 id="projection-x-in-metres"),
    pytest.param({"units": "K", "long_name": "wind direction class"}, id="direction-words-in-other-units"),
])
def test_positions_and_bare_degrees_are_not_spectral(attrs):
    assert spectral_reading(attrs) is None


def _spectrum(direction_attrs: dict) -> xr.Dataset:
    """A buoy's spectrum as ``ww3_ounp`` writes it: scalar position, 1-D frequency (axis Y)
    and direction (axis X, degrees) axes."""
    return xr.Dataset(
        {"efth": (("frequency", "direction"), [[1.0, 2.0, 3.0]] * 2)},
        coords={"frequency": ("frequency", [0.05, 0.1], {"units": "s-1", "axis": "Y"}),
                "direction": ("direction", [0.0, 120.0, 240.0], {**direction_attrs, "units": "degree", "axis": "X"}),
                "latitude": ((), 48.7, {"units": "degrees_north"}), "longitude": ((), -12.4, {"units": "degrees_east"})})


def test_a_spectral_direction_is_no_longitude_candidate_and_its_override_is_said(caplog):
    spectrum = _spectrum({"standard_name": "sea_surface_wave_to_direction"})
    with caplog.at_level("INFO", logger="climann.data.coords"):
        assert one_dimensional_candidates(spectrum) == {}
    assert any("'direction' has axis = \"X\" but is a direction by its standard_name 'sea_surface_wave_to_direction'"
               in record.getMessage() and "--select direction=VALUE" in record.getMessage()
               for record in caplog.records)
    degrees_only = _spectrum({})  # a plain angle with axis X: the longitude as before
    assert find_coordinate(degrees_only, "longitude") == "direction"
