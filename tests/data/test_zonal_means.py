"""Zonal means on one longitude (climann/data/zonal_means.py): a region box takes their latitudes alone, saying
so (break43b A8: refused as 'contains no grid cell … longitude 0…0')."""

import logging
import re
import shutil
import subprocess

import numpy as np
import pytest
import xarray as xr

from climann.data import shell
from climann.data.coords import find_coordinate
from climann.data.notes import forget_notes
from climann.data.open import open_dataset
from climann.data.subset import select_region
from climann.errors import ClimannError
from tests.followed_twice import ONE_COPY, run_one_copy

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
    assert 'lon@long_name="zonal mean, every longitude"' in ONE_COPY.search(str(refused.value))["command"]
    followed = run_one_copy(str(refused.value), tmp_path)  # the ncap2 line, into a new folder (fix53j)
    assert (followed["copy"], followed["original"]) == ("positioned/ro.nc", "ro.nc")
    chosen, said = _in_the_band(caplog, tmp_path / followed["copy"], (-30.0, 30.0, 100.0, 200.0))
    inside = (_LATITUDES >= -30) & (_LATITUDES <= 30)
    np.testing.assert_array_equal(chosen["lat"].values, _LATITUDES[inside])
    np.testing.assert_array_equal(chosen["tdry"].values.reshape(24, -1), values[:, inside])
    assert said == ["the data are a zonal mean (the long_name of lon, 'zonal mean, every longitude'): their one "
                    "longitude stands for every longitude, so the region (south -30, north 30, west 100, east 200) "
                    "takes their latitudes -30…30 alone, its longitudes 100…200 left aside"]


@pytest.mark.parametrize("tool", [pytest.param("ncap2", id="ncap2"), pytest.param("python", id="xarray")])
def test_the_advised_longitude_of_a_zonal_mean_in_yearly_files_is_a_loop_over_them(tmp_path, monkeypatch, tool):
    """fix45b: for a zonal mean in two yearly files the ncap2 line named the first file alone (its copy given beside
    the second, still without a longitude, was refused again), and the xarray one wrote its copy's name itself. Each
    is a loop writing a copy of both into positioned/ (the xarray one OUT.part renamed once whole); run as printed,
    the copies hold the values written with a longitude 0 that says it is a zonal mean, and open as one series of 24
    months."""
    from tests.fresh_python import shell_path

    if tool == "ncap2" and shutil.which("ncap2") is None:
        pytest.skip("needs NCO's ncap2")
    monkeypatch.chdir(tmp_path)
    values = _zonal(tmp_path / "all.nc")
    with xr.open_dataset(tmp_path / "all.nc") as whole:
        for year in (2007, 2008):
            whole.sel(time=slice(f"{year}-01", f"{year}-12")).to_netcdf(tmp_path / f"ro_{year}.nc")
    (tmp_path / "all.nc").unlink()
    with pytest.raises(ClimannError) as refused:
        find_coordinate(open_dataset([tmp_path / "ro_2007.nc", tmp_path / "ro_2008.nc"]), "longitude")
    message = str(refused.value)
    loops = {found[1].replace(shell.advised_python(), "python"): found[0] for found in re.findall(
        r"(mkdir -p positioned && \( for f in \./\*\.nc; do (ncap2|\S+) .*?; done \)) \(a copy of each of its 2 files in a "
        r"new folder\), then give --data 'positioned/\*\.nc' in place of the originals", message)}
    assert set(loops) == {"ncap2", "python"}, message
    assert "ro_2007_fixed.nc" not in message and ".to_netcdf('" not in message
    subprocess.run(["bash", "-c", loops[tool]], check=True, cwd=tmp_path, capture_output=True,
                   env={**__import__("os").environ, "PATH": shell_path()})
    copies = sorted((tmp_path / "positioned").glob("*.nc"))
    assert [copy.name for copy in copies] == ["ro_2007.nc", "ro_2008.nc"]
    written = [xr.open_dataset(copy) for copy in copies]
    np.testing.assert_array_equal(np.concatenate([copy["tdry"].values for copy in written]), values)
    assert all(float(copy["lon"]) == 0.0 and copy["lon"].attrs["long_name"] == "zonal mean, every longitude"
               for copy in written)
    opened = open_dataset(copies)
    assert opened.sizes["time"] == 24 and opened["lon"].size == 1


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
