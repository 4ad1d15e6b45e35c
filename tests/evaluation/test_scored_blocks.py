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
