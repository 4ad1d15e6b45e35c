import logging

import numpy as np
import pytest
import xarray as xr

from climann.data.cell_bounds import absent_bounds, without_absent_bounds
from climann.data.notes import forget_notes
from climann.data.open import open_dataset


def _regular(path, *, dangling=()):
    """tas(time, plev, lat, lon) on a 3×4 grid with lat_bnds; ``dangling``: coordinates given a
    ``bounds`` attribute naming a variable the file does not hold."""
    lat, lon = np.array([-60.0, 0.0, 60.0]), np.array([0.0, 90.0, 180.0, 270.0])
    coords = {
        "time": ("time", np.arange(4.0), {"units": "days since 2000-01-01", "standard_name": "time"}),
        "plev": ("plev", [85000.0], {"units": "Pa", "standard_name": "air_pressure", "positive": "down"}),
        "lat": ("lat", lat, {"units": "degrees_north", "standard_name": "latitude", "bounds": "lat_bnds"}),
        "lon": ("lon", lon, {"units": "degrees_east", "standard_name": "longitude"}),
    }
    for name in dangling:
        coords[name][2]["bounds"] = f"{name}_bnds"
    data = np.arange(48.0, dtype=np.float32).reshape(4, 1, 3, 4)
    xr.Dataset({"tas": (("time", "plev", "lat", "lon"), data, {"units": "K"}),
                "lat_bnds": (("lat", "nb"), np.stack([lat - 30, lat + 30], axis=1))}, coords=coords).to_netcdf(path)
    return path


def _curvilinear(path, *, dangling=False):
    """tas(time, y, x) on 2-D lat/lon without corners; ``dangling``: their ``bounds`` name
    ``lat_vertices`` and ``lon_vertices``, which the file does not hold."""
    y, x = np.meshgrid(np.arange(3.0), np.arange(4.0), indexing="ij")
    lat_attrs = {"units": "degrees_north", "standard_name": "latitude"}
    lon_attrs = {"units": "degrees_east", "standard_name": "longitude"}
    if dangling:
        lat_attrs["bounds"], lon_attrs["bounds"] = "lat_vertices", "lon_vertices"
    xr.Dataset(
        {"tas": (("time", "y", "x"), np.ones((2, 3, 4), np.float32), {"units": "K", "coordinates": "lat lon"})},
        coords={"time": ("time", [0.0, 1.0], {"units": "days since 2000-01-01", "standard_name": "time"}),
                "lat": (("y", "x"), 10 * y + x, lat_attrs), "lon": (("y", "x"), 20 * x + y, lon_attrs)},
    ).to_netcdf(path)
    return path


@pytest.mark.parametrize("dangling", [
    pytest.param(("time",), id="time"),
    pytest.param(("lon",), id="longitude"),
    pytest.param(("plev",), id="level"),
    pytest.param(("time", "lon", "plev"), id="all-three"),
])
def test_a_file_whose_bounds_attribute_names_an_absent_variable_opens_as_the_file_without(tmp_path, dangling):
    plain = open_dataset([_regular(tmp_path / "plain.nc")])
    read = open_dataset([_regular(tmp_path / "dangling.nc", dangling=dangling)])
    for name in dangling:
        assert "bounds" not in read[name].attrs
    assert read["lat"].attrs["bounds"] == "lat_bnds"  # bounds that are there are kept
    xr.testing.assert_identical(read.drop_encoding(), plain.drop_encoding())


def test_2d_coordinates_whose_corners_are_absent_open_as_those_without(tmp_path):
    plain = open_dataset([_curvilinear(tmp_path / "plain.nc")])
    read = open_dataset([_curvilinear(tmp_path / "dangling.nc", dangling=True)])
    assert "bounds" not in read["lat"].attrs and "bounds" not in read["lon"].attrs
    xr.testing.assert_identical(read.drop_encoding(), plain.drop_encoding())


def test_each_dropped_attribute_is_named_in_one_note(tmp_path, caplog):
    path = _regular(tmp_path / "noted.nc", dangling=("time", "plev"))
    forget_notes()
    with caplog.at_level(logging.INFO, logger="climann.data.cell_bounds"):
        open_dataset([path])
        open_dataset([path])
    said = [record for record in caplog.records if record.name == "climann.data.cell_bounds"]
    assert len(said) == 1 and said[0].levelno == logging.INFO
    assert "noted.nc" in said[0].getMessage()
    assert "'time' names 'time_bnds'" in said[0].getMessage() and "'plev' names 'plev_bnds'" in said[0].getMessage()


def test_the_opened_dataset_itself_is_left_unchanged():
    dataset = xr.Dataset(
        {"lat_bnds": (("lat", "nb"), [[0.0, 1.0]])},
        coords={"time": ("time", [0.0], {"bounds": "time_bnds"}), "lat": ("lat", [0.5], {"bounds": "lat_bnds"})},
    )
    assert absent_bounds(dataset) == {"time": "time_bnds"}
    result = without_absent_bounds(dataset)
    assert "bounds" not in result["time"].attrs and result["lat"].attrs["bounds"] == "lat_bnds"
    assert dataset["time"].attrs["bounds"] == "time_bnds"
    assert without_absent_bounds(result) is result
