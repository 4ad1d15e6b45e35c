"""Two files of one station each, at different places (climann/data/point_pairs.py): refused as
two places with the line that pairs them, not advised a regridding; the line, run, gives the
copy that combines with the other file, values unchanged."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from climann.data.open import open_dataset
from climann.errors import ClimannError

#: The urban and the rural station of break35a A4 (Paris-Montsouris, Trappes).
URBAN, RURAL = (48.82, 2.34), (48.77, 2.01)


def _station(name: str, position: tuple[float, float], seed: int) -> xr.Dataset:
    """A CF single-station file (featureType timeSeries): ``name(station, time)`` daily for two
    years at ``position``, float32 lat/lon on ``station`` of length 1, as ``ncks -d station,0`` cuts it."""
    time = pd.date_range("2019-01-01", periods=730, freq="D")
    values = np.random.default_rng(seed).normal(283.0, 3.0, (1, time.size)).astype(np.float32)
    return xr.Dataset(
        {name: (("station", "time"), values, {"units": "K", "standard_name": "air_temperature"})},
        coords={"time": time,
                "lat": ("station", np.array([position[0]], np.float32), {"units": "degrees_north",
                                                                       "standard_name": "latitude"}),
                "lon": ("station", np.array([position[1]], np.float32), {"units": "degrees_east",
                                                                       "standard_name": "longitude"}),
                "station_name": ("station", [name.upper()], {"cf_role": "timeseries_id"})},
        attrs={"Conventions": "CF-1.8", "featureType": "timeSeries"})


@pytest.fixture
def pair(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _station("tas", URBAN, seed=1).to_netcdf(tmp_path / "urban.nc")
    _station("tas_rural", RURAL, seed=2).to_netcdf(tmp_path / "rural.nc")
    return tmp_path


def test_two_stations_at_different_places_are_not_advised_a_regridding(pair):
    """break35a A4: an urban and a rural station file were told to be put on one grid with `cdo
    remapbil or xESMF`, which cannot bring one point onto another."""
    with pytest.raises(ClimannError) as error:
        open_dataset([pair / "urban.nc", pair / "rural.nc"])
    message = str(error.value)
    assert message.startswith(
        "urban.nc and rural.nc hold different places, one point each: urban.nc at 48.82° N, 2.34° E, rural.nc at "
        "48.77° N, 2.01° E; a point is not interpolated onto another point")
    assert "put them on one grid" not in message and "takes the two stations as one place" in message
    assert message.endswith("then give that copy in place of rural.nc in --data")


def test_the_advised_line_pairs_the_stations_at_the_first_position(pair):
    """The line of the refusal writes rural_at_urban.nc, which combines with urban.nc: the rural
    values unchanged, at the urban position; the original file untouched."""
    with pytest.raises(ClimannError) as error:
        open_dataset([pair / "urban.nc", pair / "rural.nc"])
    code = re.search(r'`python -c "(.*)"`', str(error.value)).group(1)
    subprocess.run([sys.executable, "-c", code], check=True, cwd=pair)
    opened = open_dataset([pair / "urban.nc", pair / "rural_at_urban.nc"])
    rural = _station("tas_rural", RURAL, seed=2)
    np.testing.assert_array_equal(opened["tas_rural"].values.ravel(), rural["tas_rural"].values.ravel())
    np.testing.assert_array_equal(opened["tas"].values.ravel(), _station("tas", URBAN, seed=1)["tas"].values.ravel())
    np.testing.assert_array_equal(opened["lat"].values.ravel(), np.float32([URBAN[0]]))
    with xr.open_dataset(pair / "rural.nc") as original:
        np.testing.assert_array_equal(original["lat"].values, np.float32([RURAL[0]]))
