"""Records along depth dated by an age variable (climann/data/age_axes.py): the age is named as the time axis."""

import shlex

import numpy as np
import pytest
import xarray as xr

from climann.data.age_axes import age_along_dimension
from climann.data.info import describe
from tests.conftest import unwrapped_report
from tests.fresh_python import bare_python, run_python

AGES = np.array([49.7, 80.2, 121.9, 140.4, 190.5, 205.1, 251.6, 290.3])


def _core(path, age_attrs, depth_attrs=None):
    """A LiPD-style core: ``d18O(depth)``, ``CH4(depth)``, ``age(depth)``; scalar lat/lon."""
    depth = np.linspace(20.0, 90.0, AGES.size)
    dataset = xr.Dataset(
        {"d18O": ("depth", np.linspace(-35, -38, AGES.size), {"units": "permil", "coordinates": "age"}),
         "CH4": ("depth", np.linspace(600, 650, AGES.size), {"units": "ppb"}),
         "age": ("depth", AGES, age_attrs),
         "lat": ((), -75.1, {"units": "degrees_north"}), "lon": ((), 123.35, {"units": "degrees_east"})},
        coords={"depth": ("depth", depth, depth_attrs or {"units": "m", "positive": "down", "axis": "Z"})},
    )
    dataset.to_netcdf(path)
    return path


@pytest.mark.parametrize("age_attrs", [
    pytest.param({"units": "years BP", "long_name": "age"}, id="years-bp"),
    pytest.param({"units": "ka BP"}, id="ka-bp"),
    pytest.param({"units": "year"}, id="years-ad"),
    pytest.param({"standard_name": "time", "units": "1"}, id="standard-name"),
])
def test_an_age_along_depth_is_named_as_the_time_axis_not_a_depth_to_select(tmp_path, monkeypatch, age_attrs):
    """break35a A8: a LiPD-style core was offered `select = {depth = 21.07}`, one sample, and
    its `age` was never named. The refusal names it and gives the line that makes it the
    dimension; the copy has `age` as its time axis (its years are then dated or refused by
    their own rule), with the data along it."""
    monkeypatch.chdir(tmp_path)
    path = _core(tmp_path / "core.nc", age_attrs)
    report = unwrapped_report(describe([str(path)]))
    assert "select = {depth" not in report
    assert "'age'" in report and "along 'depth' dates each sample: it is the record's time axis" in report
    command = next(part for part in bare_python(report).split("`") if part.startswith("python -c "))
    run_python(*shlex.split(command)[1:], check=True, capture_output=True, cwd=tmp_path)
    with xr.open_dataset(tmp_path / "core_fixed.nc", decode_times=False) as copy:
        assert copy["d18O"].dims == ("age",)
        np.testing.assert_array_equal(copy["age"].values, AGES)
        assert copy["age"].attrs["standard_name"] == "time"
    assert "along 'depth' dates each sample" not in unwrapped_report(describe([str(tmp_path / "core_fixed.nc")]))


def test_a_depth_profile_without_ages_is_not_dated():
    """A profile whose only 1-D variables along depth are measurements has no age to name."""
    dataset = xr.Dataset({"thetao": ("depth", [280.0, 279.0, 278.0], {"units": "K"}),
                          "so": ("depth", [35.0, 35.1, 35.2], {"units": "1e-3"})},
                         coords={"depth": ("depth", [5.0, 10.0, 20.0], {"units": "m"})})
    assert age_along_dimension(dataset) is None
