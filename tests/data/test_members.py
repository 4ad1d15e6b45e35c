"""Ensemble member axes: found by CF standard name or name, and left out of a run's selection on new data."""

import numpy as np
import pytest
import xarray as xr

from climann.data.members import is_member_axis, member_values, new_data_selection
from climann.errors import ClimannError


def _data(dim: str, values, attrs) -> xr.Dataset:
    tas = xr.DataArray(np.zeros((len(values), 2)), dims=(dim, "time"))
    return xr.Dataset({"tas": tas}, coords={dim: xr.DataArray(values, dims=dim, attrs=attrs)})


@pytest.mark.parametrize(
    ("dim", "attrs", "member"),
    [
        pytest.param("ens", {"standard_name": "realization"}, True, id="cf-standard-name"),
        pytest.param("member_id", {}, True, id="cmip6-name"),
        pytest.param("number", {"standard_name": "air_pressure"}, False, id="a-level-named-number"),
        pytest.param("plev", {"standard_name": "air_pressure"}, False, id="level"),
    ],
)
def test_member_axes_are_found_by_standard_name_then_name(dim, attrs, member):
    assert is_member_axis(_data(dim, [1, 2], attrs), dim) is member


def test_the_runs_member_is_left_out_and_its_level_kept():
    data = _data("realization", [4], {"standard_name": "realization"}).squeeze("realization")
    assert member_values(data) == {"realization": [4]}
    assert new_data_selection(data, {"realization": 1.0, "plev": 85000.0}) == {"plev": 85000.0}


def test_several_members_need_a_choice():
    data = _data("realization", [1, 2, 3], {"standard_name": "realization"})
    with pytest.raises(ClimannError, match=r"^e\.nc holds 3 ensemble members \(realization: 1, 2, 3\); .* --select "
                                           r"realization=VALUE, once per member$"):
        new_data_selection(data, {}, where="e.nc")
    assert new_data_selection(data, {}, {"realization": 2.0}) == {"realization": 2.0}
