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


def _cds_file(number: int, data_type: str = "an", **grib) -> xr.Dataset:
    """A new-CDS ERA5 file as cfgrib writes it: a scalar ``number`` (standard_name realization,
    units 1) on every file, and the GRIB keys of its fields as ``GRIB_*`` attributes."""
    t2m = xr.DataArray(np.zeros((2, 2)), dims=("valid_time", "latitude"),
                       attrs={"GRIB_dataType": data_type, "GRIB_stepType": "avgua", **grib})
    number = xr.DataArray(number, attrs={"long_name": "ensemble member numerical id", "units": "1",
                                         "standard_name": "realization"})
    return xr.Dataset({"t2m": t2m}, coords={"number": number}, attrs={"GRIB_centre": "ecmf"})


@pytest.mark.parametrize(("data", "members"), [
    pytest.param(_cds_file(0), {}, id="era5-reanalysis-number-0"),
    pytest.param(_cds_file(0, "cf"), {"number": [0]}, id="ens-control-forecast"),
    pytest.param(_cds_file(0, "pf"), {"number": [0]}, id="ens-perturbed-forecast"),
    pytest.param(_cds_file(0, "an", GRIB_totalNumber=10), {"number": [0]}, id="ensemble-grib-key"),
    pytest.param(_cds_file(3), {"number": [3]}, id="perturbed-member-3"),
])
def test_cfgribs_scalar_number_is_a_member_only_when_the_file_says_ensemble(data, members):
    """cfgrib writes ``number = 0`` on every deterministic file (ERA5 from the new CDS): no
    ensemble member unless its GRIB keys say an ensemble or the number is a perturbed one
    (break28a A4: predict noted ERA5 as "ensemble member number=0")."""
    assert member_values(data) == members


def test_a_cmip_files_scalar_realization_of_0_stays_a_member():
    data = _data("realization", [0], {"standard_name": "realization"}).squeeze("realization")
    assert member_values(data) == {"realization": [0]}
