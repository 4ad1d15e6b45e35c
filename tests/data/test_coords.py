import numpy as np
import pytest
import xarray as xr

from climann.data.coords import find_coordinate
from climann.errors import ClimannError
from tests.conftest import grid_dataset


@pytest.mark.parametrize(
    "names",
    [
        pytest.param(("time", "lat", "lon"), id="lat-lon"),
        pytest.param(("t", "latitude", "longitude"), id="latitude-longitude"),
        pytest.param(("valid_time", "nav_lat", "nav_lon"), id="nemo-names"),
        pytest.param(("T", "Y", "X"), id="capital-letters"),
    ],
)
def test_coordinates_found_by_cf_attributes_whatever_their_names(names):
    dataset = grid_dataset(names=names)
    assert [find_coordinate(dataset, kind) for kind in ("time", "latitude", "longitude")] == list(names)


def test_units_identify_a_coordinate_without_standard_name():
    dataset = xr.Dataset(coords={"yy": ("yy", [0.0, 1.0], {"units": "degrees_north"})})
    assert find_coordinate(dataset, "latitude") == "yy"


def test_missing_coordinate_is_a_clear_error():
    dataset = xr.Dataset(coords={"a": ("a", np.arange(3))})
    with pytest.raises(ClimannError, match="no latitude coordinate found.*coordinates present: a"):
        find_coordinate(dataset, "latitude")


def test_two_equally_good_candidates_are_refused():
    attrs = {"standard_name": "latitude"}
    dataset = xr.Dataset(coords={"lat1": ("a", [0.0], attrs), "lat2": ("b", [1.0], attrs)})
    with pytest.raises(ClimannError, match="several coordinates look like latitude"):
        find_coordinate(dataset, "latitude")
