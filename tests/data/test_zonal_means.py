"""Zonal means on one longitude (climann/data/zonal_means.py): a region box takes their latitudes alone, saying
so (break43b A8: refused as 'contains no grid cell … longitude 0…0')."""

import logging
import re
import shlex
import shutil
import subprocess

import numpy as np
import pytest
import xarray as xr

from climann.data.coords import find_coordinate
from climann.data.notes import forget_notes
from climann.data.open import open_dataset
from climann.data.subset import select_region
from climann.errors import ClimannError

_LATITUDES = np.arange(-87.5, 90, 5.0)


def _zonal(path, *, lon_attrs=None, lon_bounds=None, cell_methods=None, title=None):
    """ROM SAF-like monthly zonal means ``tdry(time, lat)`` (values: 1000 × the latitude's index + the month's);
    with ``lon_attrs`` a scalar longitude 0 of those attributes (and ``lon_bounds``), else none."""
    months = 24
    values = (np.arange(_LATITUDES.size)[None, :] * 1000.0 + np.arange(months)[:, None]).astype("f4")
    dataset = xr.Dataset({"tdry": (("time", "lat"), values, {"units": "K", "long_name": "Monthly mean dry temperature"})},
                         coords={"time": xr.date_range("2007-01-01", periods=months, freq="MS", use_cftime=True),
                                 "lat": ("lat", _LATITUDES, {"units": "degrees_north", "standard_name": "latitude"})})
    if cell_methods:
        dataset["tdry"].attrs["cell_methods"] = cell_methods
    if title:
        dataset.attrs["title"] = title
    if lon_attrs is not None:
        dataset = dataset.assign_coords(lon=((), 0.0, lon_attrs))
        if lon_bounds is not None:
            dataset["lon_bnds"] = (("nv",), np.asarray(lon_bounds))
            dataset["lon"].attrs["bounds"] = "lon_bnds"
    dataset.to_netcdf(path)
    return values


def _in_the_band(caplog, path, box):
    forget_notes()
    with caplog.at_level(logging.WARNING, logger="climann"):
        chosen = select_region(open_dataset([path]), box)
    said = [record.getMessage() for record in caplog.records if "zonal mean" in record.getMessage()]
    return chosen, said


@pytest.mark.skipif(shutil.which("ncap2") is None, reason="needs NCO's ncap2")
def test_the_advised_longitude_of_a_zonal_mean_lets_a_box_take_its_latitudes(tmp_path, monkeypatch, caplog):
    """break43b A8: the ncap2 line climann advises for data on latitudes alone, followed as printed, then a box
    over 100–200°E: its latitudes -30…30 are kept (numpy's slice of the bands inside), said in one warning."""
    monkeypatch.chdir(tmp_path)
    values = _zonal(tmp_path / "ro.nc")
    with pytest.raises(ClimannError) as refused:
        find_coordinate(open_dataset([tmp_path / "ro.nc"]), "longitude")
    command = re.search(r"ncap2 -s '[^']*' ro.nc ro_fixed.nc", str(refused.value))[0]
    assert 'lon@long_name="zonal mean, every longitude"' in command
    subprocess.run(shlex.split(command), check=True, capture_output=True, cwd=tmp_path)
    chosen, said = _in_the_band(caplog, tmp_path / "ro_fixed.nc", (-30.0, 30.0, 100.0, 200.0))
    inside = (_LATITUDES >= -30) & (_LATITUDES <= 30)
    np.testing.assert_array_equal(chosen["lat"].values, _LATITUDES[inside])
    np.testing.assert_array_equal(chosen["tdry"].values.reshape(24, -1), values[:, inside])
    assert said == ["the data are a zonal mean (the long_name of lon, 'zonal mean, every longitude'): their one "
                    "longitude stands for every longitude, so the region (south -30, north 30, west 100, east 200) "
                    "takes their latitudes -30…30 alone, its longitudes 100…200 left aside"]


@pytest.mark.parametrize("written", [
    pytest.param({"title": "ROM SAF Climate Data Record, monthly mean zonal mean gridded data"}, id="title"),
    pytest.param({"cell_methods": "lon: mean"}, id="cell-methods"),
    pytest.param({"lon_bounds": [0.0, 360.0]}, id="bounds-of-every-longitude"),
])
def test_a_zonal_mean_said_by_its_file_takes_a_boxs_latitudes(tmp_path, caplog, written):
    values = _zonal(tmp_path / "ro.nc", lon_attrs={"units": "degrees_east", "standard_name": "longitude"}, **written)
    chosen, said = _in_the_band(caplog, tmp_path / "ro.nc", (40.0, 60.0, -100.0, -20.0))
    inside = (_LATITUDES >= 40) & (_LATITUDES <= 60)
    np.testing.assert_array_equal(chosen["tdry"].values.reshape(24, -1), values[:, inside])
    assert len(said) == 1


def test_one_column_that_says_no_zonal_mean_keeps_its_longitude(tmp_path):
    """A transect along one meridian is a place: a box beside it holds none of its cells, refused as before."""
    _zonal(tmp_path / "section.nc", lon_attrs={"units": "degrees_east", "standard_name": "longitude"})
    with pytest.raises(ClimannError, match=r"contains no grid cell; the grid spans latitude -87.5…87.5 and longitude "
                                           r"0…0"):
        select_region(open_dataset([tmp_path / "section.nc"]), (-30.0, 30.0, 100.0, 200.0))
