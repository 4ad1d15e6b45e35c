"""Profiles whose position moves with height (climann/data/slanted_profiles.py): a COSMIC-2
radio-occultation file is refused as positions that move, never given lat = 0, lon = 0."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from climann.data.open import open_dataset
from climann.data.slanted_profiles import is_vertical_axis, slanted_profile
from climann.errors import ClimannError

#: The tangent point of break43b A4's first occultation, at the top of its profile.
TOP = (3.65, -97.44)


def _occultation(*, units: str = "deg", drift: float = 0.02, scalar_position: bool = False) -> xr.Dataset:
    """A CDAAC atmPrf file: ``Temp``, ``Pres``, ``Lat``, ``Lon`` along ``MSL_alt`` (km, from the top
    down), the date in global attributes; ``drift`` degrees of latitude per km (0: a fixed position);
    with ``scalar_position``, the ``lat = 0``, ``lon = 0`` that an earlier advice added."""
    altitude = np.linspace(40.0, 0.1, 300)
    attrs = {"units": units}
    dataset = xr.Dataset(
        {"Lat": ("MSL_alt", TOP[0] + drift * (40 - altitude), {**attrs, "long_name": "Latitude of perigee point"}),
         "Lon": ("MSL_alt", TOP[1] + 1.5 * drift * (40 - altitude), {**attrs, "long_name": "Longitude of perigee point"}),
         "Temp": ("MSL_alt", np.where(altitude < 16, 27 - 6.5 * altitude, -77 + altitude), {"units": "C"}),
         "Pres": ("MSL_alt", 1013.25 * np.exp(-altitude / 7.5), {"units": "mb"})},
        coords={"MSL_alt": ("MSL_alt", altitude, {"units": "km",
                                                  "long_name": "Mean sea level altitude of perigee point"})},
        attrs={"year": 2020, "month": 1, "day": 1, "hour": 0, "minute": 0, "second": 0, "conventions": "CDAAC"})
    if scalar_position:
        dataset = dataset.assign_coords(lat=((), 0.0, {"units": "degrees_north", "standard_name": "latitude"}),
                                        lon=((), 0.0, {"units": "degrees_east", "standard_name": "longitude"}))
    return dataset


@pytest.mark.parametrize("dataset", [
    pytest.param(_occultation(), id="cdaac-atmPrf-deg"),
    pytest.param(_occultation(scalar_position=True), id="with-the-lat-0-lon-0-once-advised"),
    pytest.param(_occultation(units="degrees_north").assign(
        Lon=lambda d: d["Lon"].assign_attrs(units="degrees_east")), id="cf-units"),
])
def test_a_profile_whose_position_moves_with_height_is_refused_as_such(tmp_path, dataset):
    """break43b A4: 'no latitude coordinate found … give them a latitude and a longitude of one value
    each', whose ncap2 line put a profile from 3.7° N, 97° W at 0° N, 0° E."""
    dataset.to_netcdf(tmp_path / "atmPrf.nc")
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "atmPrf.nc"])
    message = str(error.value)
    lat = dataset["Lat"].values
    assert message.startswith(
        f"atmPrf.nc: the file holds a profile whose position moves with height: latitude 'Lat' and longitude 'Lon' "
        f"are given at each of the 300 levels of 'MSL_alt' (0.1…40 km) and change along them ('Lat' "
        f"{lat.min():.4g}…{lat.max():.4g}; 'Lon' ")
    assert "its one time is in the global attributes year, month, day, hour, minute, second" in message
    assert "bin the profiles onto fixed heights, a latitude-longitude grid and a time axis first" in message
    assert "lat=0.0" not in message and "ncap2" not in message


def test_a_profile_at_one_place_and_a_grid_are_no_slanted_profile():
    """Only positions that change along a vertical axis: a fixed sounding (every level at one
    place) and a grid's own axes are not refused so."""
    assert slanted_profile(_occultation(drift=0.0)) is None
    grid = xr.Dataset({"ta": (("plev", "lat", "lon"), np.zeros((3, 2, 2)))},
                      coords={"plev": ("plev", [85000.0, 50000.0, 20000.0], {"units": "Pa"}),
                              "lat": ("lat", [0.0, 1.0], {"units": "degrees_north"}),
                              "lon": ("lon", [0.0, 1.0], {"units": "degrees_east"})})
    assert slanted_profile(grid) is None
    assert slanted_profile(_occultation()) is not None


@pytest.mark.parametrize("variable, vertical", [
    pytest.param(xr.DataArray([40.0, 0.1], dims="MSL_alt", name="MSL_alt",
                              attrs={"units": "km", "long_name": "Mean sea level altitude of perigee point"}),
                 True, id="cdaac-MSL_alt-km"),
    pytest.param(xr.DataArray([0.0, 5.0], dims="z", name="z", attrs={"axis": "Z"}), True, id="axis-Z"),
    pytest.param(xr.DataArray([1000.0, 850.0], dims="p", name="p", attrs={"units": "hPa", "long_name": "pressure"}),
                 True, id="pressure"),
    pytest.param(xr.DataArray([19001, 19003], dims="county", name="county", attrs={"long_name": "county FIPS code"}),
                 False, id="county-FIPS"),
    pytest.param(xr.DataArray([0.0, 12.0], dims="distance", name="distance",
                              attrs={"units": "km", "long_name": "distance along the transect"}),
                 False, id="distance-along-a-transect"),
])
def test_a_vertical_axis_is_told_by_cf_or_by_its_units_and_words(variable, vertical):
    assert is_vertical_axis(variable) is vertical
