"""Fingerprints of the cells and time steps a block is scored on (climann/evaluation/scored_blocks.py)."""

import cftime
import numpy as np
import pytest

from climann.evaluation.scored_blocks import block_fingerprints, cells_fingerprint, times_fingerprint

LAT, LON = np.meshgrid(np.array([-22.5, 22.5]), np.array([30.0, 90.0, 150.0, 210.0, 270.0, 330.0]), indexing="ij")


@pytest.mark.parametrize("latitude, longitude", [
    pytest.param(LAT[::-1], LON, id="latitude-descending"),
    pytest.param(LAT, np.where(LON > 180, LON - 360, LON), id="longitude-180-to-180"),
    pytest.param(LAT[:, ::-1], LON[:, ::-1], id="columns-reversed"),
    pytest.param(LAT.astype(np.float32), LON.astype(np.float32), id="float32"),
])
def test_the_same_cells_in_another_order_or_convention_have_one_fingerprint(latitude, longitude):
    assert cells_fingerprint(latitude, longitude) == cells_fingerprint(LAT, LON)


@pytest.mark.parametrize("latitude, longitude, levels", [
    pytest.param(LAT + 45.0, LON, (), id="other-rows"),
    pytest.param(LAT[:, :3], LON[:, :3], (), id="a-part"),
    pytest.param(LAT, LON, (("plev", 85000.0),), id="a-level"),
])
def test_other_cells_or_a_level_change_the_fingerprint(latitude, longitude, levels):
    assert cells_fingerprint(latitude, longitude, levels) != cells_fingerprint(LAT, LON)
    assert (cells_fingerprint(LAT, LON, (("plev", 85000.0),))
            != cells_fingerprint(LAT, LON, (("plev", 50000.0),)))


def test_each_block_gets_its_steps_and_the_grids_cells():
    times = np.array([cftime.DatetimeNoLeap(2000, month, 15) for month in range(1, 13)])
    masks = {"first": np.arange(12) < 3, "summer": np.isin(np.arange(12), [6, 7, 8]), "again": np.arange(12) < 3}
    blocks = block_fingerprints(masks, times, "noleap", LAT, LON)
    assert blocks["first"] == blocks["again"] != blocks["summer"]
    assert blocks["first"]["n_steps"] == 3 and blocks["first"]["n_cells"] == 12
    assert blocks["first"]["times_sha256"] == times_fingerprint(times[:3], "noleap")
    assert times_fingerprint(times[:3], "noleap") != times_fingerprint(times[:3], "360_day")
    standard = np.array([np.datetime64("2000-01-15"), np.datetime64("2000-02-15")])
    assert times_fingerprint(standard, "gregorian") == times_fingerprint(standard, "standard")


def _file_cells(path, box):
    """The cells of a rotated-grid file inside ``box``, counted here with NumPy on the file's own
    2-D lat/lon (read with netCDF4): their latitudes, longitudes and the rectangle of rows and
    columns around them."""
    import netCDF4

    with netCDF4.Dataset(path) as nc:
        latitude, longitude = nc["lat"][:].data, nc["lon"][:].data
    south, north, west, east = box
    inside = (latitude >= south) & (latitude <= north) & ((longitude - west) % 360 <= (east - west) % 360)
    rows, columns = np.flatnonzero(inside.any(axis=1)), np.flatnonzero(inside.any(axis=0))
    rectangle = np.ix_(np.arange(rows[0], rows[-1] + 1), np.arange(columns[0], columns[-1] + 1))
    return latitude[inside], longitude[inside], inside[rectangle]


def _layout(dataset, box):
    from climann.data.subset import select_region
    from climann.data.variables import grid_layout

    return grid_layout(select_region(dataset, box) if box else dataset, "tas", ())


#: Two boxes on the rotated grid of tests/grid_files.py, 8 cells each of one 3×3 rectangle.
ROTATED_BOXES = [pytest.param([45, 54, 5, 21], id="without-cell-1-1"),
                 pytest.param([44.5, 53.9, 5, 21], id="without-cell-3-3")]


@pytest.mark.parametrize("box", ROTATED_BOXES)
def test_on_a_rotated_grid_the_cells_scored_in_the_region_are_counted_and_fingerprinted(tmp_path, box):
    """break24a F5: the cells inside the box, not the rectangle of rows and columns around it."""
    import xarray as xr

    from climann.evaluation.scored_blocks import layout_fingerprints
    from tests.grid_files import write_rotated

    path = write_rotated(tmp_path / "rotated.nc", n_time=12)
    latitude, longitude, in_rectangle = _file_cells(path, box)
    assert in_rectangle.shape == (3, 3) and latitude.size == 8
    with xr.open_dataset(path) as dataset:
        layout = _layout(dataset, box)
    blocks = layout_fingerprints(layout, {"all": np.ones(12, bool)}, region=box)
    assert blocks["all"]["n_cells"] == 8
    assert blocks["all"]["cells_sha256"] == cells_fingerprint(latitude, longitude)
    assert blocks["all"]["cells_in_region"] is True


def test_other_boxes_of_one_rectangle_have_other_fingerprints(tmp_path):
    import xarray as xr

    from climann.evaluation.scored_blocks import layout_fingerprints
    from tests.grid_files import write_rotated

    with xr.open_dataset(write_rotated(tmp_path / "rotated.nc", n_time=12)) as dataset:
        prints = [layout_fingerprints(_layout(dataset, param.values[0]), {"all": np.ones(12, bool)},
                                      region=param.values[0])["all"]["cells_sha256"] for param in ROTATED_BOXES]
    assert prints[0] != prints[1]


@pytest.mark.parametrize("box", [pytest.param([-30, 30, 350, 40], id="across-the-prime-meridian"),
                                 pytest.param([], id="no-region")])
def test_on_a_regular_grid_the_fingerprints_are_those_of_the_rectangle_bit_for_bit(box):
    """The rows and columns kept are the box's: the record is what it was before break24a F5."""
    from climann.evaluation.scored_blocks import layout_fingerprints
    from tests.conftest import grid_dataset

    dataset = grid_dataset(n_years=1, n_lat=18, n_lon=36, lon_start=0.0)
    latitude, longitude = dataset["lat"].values, dataset["lon"].values
    if box:
        latitude = latitude[(latitude >= box[0]) & (latitude <= box[1])]
        longitude = longitude[(longitude >= box[2]) | (longitude <= box[3])]
    masks = {"first": np.arange(12) < 6, "last": np.arange(12) >= 6}
    expected = block_fingerprints(masks, dataset["time"].values, "noleap", *np.meshgrid(latitude, longitude,
                                                                                          indexing="ij"))
    got = layout_fingerprints(_layout(dataset, box), masks, region=box)
    assert (latitude.size, longitude.size) == ((6, 5) if box else (18, 36))
    assert {block: {key: value for key, value in record.items() if key != "cells_in_region"}
            for block, record in got.items()} == expected
