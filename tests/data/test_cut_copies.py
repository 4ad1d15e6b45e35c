"""A file beside a cut of itself (climann/data/cut_copies.py): said to be a cut, with the cells named
as found independently (the index values the cut kept; the box whose centres are the cut's), and one
of the two to give; a cut holding other values is told as two scenarios, with a rename that opens."""

from __future__ import annotations

import re
import subprocess
import tomllib

import numpy as np
import pytest
import xarray as xr

from climann.data.open import open_dataset
from climann.data.renames import FileRenames
from climann.errors import ClimannError
from tests.conftest import grid_dataset
from tests.grid_files import write_tripolar


def _refusal(files) -> str:
    with pytest.raises(ClimannError) as refused:
        open_dataset(files)
    return str(refused.value)


def test_a_tripolar_file_beside_its_ncks_cut_is_told_as_rows_of_it(tmp_path):
    """break48e A3: the whole grid and its ``ncks -d j,6,11`` cut, both given, were asked "one interpolated from
    the other?", with interpolation and rename advice. The rows named are those whose j the cut holds."""
    whole = write_tripolar(tmp_path / "siconc_SIday.nc", n_time=20)
    cut = tmp_path / "siconc_SIday_north.nc"
    subprocess.run(["ncks", "-O", "-d", "j,6,11", str(whole), str(cut)], check=True, capture_output=True)
    with xr.open_dataset(whole) as big, xr.open_dataset(cut) as small:
        rows = np.flatnonzero(np.isin(big["j"].values, small["j"].values))
    message = _refusal([whole, cut])
    assert message == (f"'siconc' is in both siconc_SIday.nc and siconc_SIday_north.nc at the same times, and "
                       f"siconc_SIday_north.nc is the cells j {rows[0]}…{rows[-1]} of siconc_SIday.nc's grid with the "
                       f"same values there (a cut of it): give one of them, siconc_SIday.nc for the whole grid or "
                       f"siconc_SIday_north.nc for its cells alone (a --data that takes both, as a glob over their "
                       f"folder does, reads both; a copy goes in a folder of its own)")
    assert (rows[0], rows[-1]) == (6, 11)
    for path in (whole, cut):  # the way out: either alone opens
        assert "siconc" in open_dataset([path]).data_vars


def test_a_latitude_longitude_box_cut_is_named_by_the_box_that_selects_it(tmp_path):
    """The same kind on a latitude-longitude grid: the box named selects, by its cells' centres as
    ``cdo sellonlatbox`` does, exactly the cut's latitudes and longitudes."""
    whole = grid_dataset(n_lat=6)[["tas"]]
    part = whole.isel(lat=slice(1, 4), lon=slice(2, 5))
    whole.to_netcdf(tmp_path / "tas.nc")
    part.to_netcdf(tmp_path / "tas_box.nc")
    message = _refusal([tmp_path / "tas.nc", tmp_path / "tas_box.nc"])
    found = re.search(r"tas_box\.nc is the cells longitude (\S+)…(\S+), latitude (\S+)…(\S+) of tas\.nc's grid with "
                      r"the same values there \(a cut of it\): give one of them", message)
    assert found, message
    west, east, south, north = (float(value) for value in found.groups())
    lat, lon = whole["lat"].values, whole["lon"].values
    np.testing.assert_array_equal(lat[(lat >= south) & (lat <= north)], part["lat"].values)
    np.testing.assert_array_equal(lon[(lon >= west) & (lon <= east)], part["lon"].values)


def test_a_cut_holding_other_values_is_told_as_two_scenarios_with_a_rename_that_opens(tmp_path):
    """Rows of the same grid holding other values (another scenario, cut): no "give one of them", which would
    drop a field; the rename advised opens both fields, each with its file's values."""
    whole = write_tripolar(tmp_path / "siconc_ssp126.nc", n_time=20)
    with xr.open_dataset(whole) as opened:
        other = opened.isel(j=slice(6, 12)).load()
    other["siconc"] = 100.0 - other["siconc"]
    other.to_netcdf(tmp_path / "siconc_ssp585.nc")
    files = [whole, tmp_path / "siconc_ssp585.nc"]
    message = _refusal(files)
    assert ("siconc_ssp585.nc is the cells j 6…11 of siconc_ssp126.nc's grid, with other values there "
            "(two scenarios?): to use both, give siconc_ssp585.nc's a new name with [data] rename = ") in message, message
    table = re.search(r"rename = (\{.*?\}\}), and put them on one grid", message).group(1)
    rules = tomllib.loads(f"rename = {table}")["rename"]
    # fix54b: the cut's copy in a new folder, the line run as printed
    line = re.search(r"`(\{ \[ ! -e [^`]*?&& ncks [^`]*)`", message).group(1)
    subprocess.run(line, shell=True, check=True, capture_output=True)
    fixed = [tmp_path / "cut" / "siconc_ssp126.nc", tmp_path / "siconc_ssp585.nc"]
    assert f"then give --data {fixed[0]} in place of {whole}" in message
    opened = open_dataset(fixed, renames=FileRenames(fixed, rules))
    new = sorted(set(opened.data_vars) - {"siconc", "vertices_latitude", "vertices_longitude"})
    assert len(new) == 1, sorted(opened.data_vars)
    with xr.open_dataset(whole) as original:
        np.testing.assert_allclose(opened["siconc"].values, original["siconc"].isel(j=slice(6, 12)).values, rtol=1e-6)
    np.testing.assert_allclose(opened[new[0]].values, other["siconc"].values, rtol=1e-6)
