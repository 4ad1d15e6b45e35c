"""Latitude and longitude axes named differently in two files (ERA5's latitude, CMIP's lat) are one grid."""

import logging

import numpy as np
import pytest
import xarray as xr

from climann.data.coords import find_coordinate
from climann.data.open import open_dataset
from climann.errors import ClimannError

LATITUDE, LONGITUDE = np.array([-40.0, -20.0, 0.0, 20.0, 40.0]), np.array([0.0, 60.0, 120.0, 180.0, 240.0, 300.0])


def _write(path, variable, lat_name, lon_name, *, north_to_south=False, extra=None):
    """A monthly field on the 5 × 6 grid; ``north_to_south`` stores the rows as ERA5 does."""
    latitude = LATITUDE[::-1] if north_to_south else LATITUDE
    values = 250 + np.add.outer(np.arange(12.0), np.add.outer(latitude, LONGITUDE / 1000))
    dataset = xr.Dataset(
        {variable: (("time", lat_name, lon_name), values, {"units": "K"}), **(extra or {})},
        coords={"time": ("time", np.arange(12) * 30.0 + 15, {"units": "days since 2000-01-01", "calendar": "360_day"}),
                lat_name: (lat_name, latitude, {"standard_name": "latitude", "units": "degrees_north",
                                                "bounds": f"{lat_name}_bnds"}),
                lon_name: (lon_name, LONGITUDE, {"standard_name": "longitude", "units": "degrees_east"})})
    dataset[f"{lat_name}_bnds"] = ((lat_name, "bnds"), np.column_stack([latitude - 10, latitude + 10]))
    dataset.to_netcdf(path)
    return path


def test_era5s_latitude_beside_cmips_lat_is_one_grid_aligned_by_value(tmp_path):
    """Refused before as 'several coordinates look like latitude (lat, latitude)' (break16 F7)."""
    target = _write(tmp_path / "tas_cmip.nc", "tas", "lat", "lon")
    predictor = _write(tmp_path / "rsdt_era5.nc", "rsdt", "latitude", "longitude", north_to_south=True)
    dataset = open_dataset([target, predictor])
    assert find_coordinate(dataset, "latitude") == "lat" and find_coordinate(dataset, "longitude") == "lon"
    assert "latitude" not in dataset.variables and "longitude" not in dataset.variables
    assert dataset["rsdt"].dims == ("time", "lat", "lon")
    expected = 250 + np.add.outer(np.arange(12.0), np.add.outer(LATITUDE, LONGITUDE / 1000))  # south to north
    np.testing.assert_array_equal(dataset["rsdt"].values, expected)
    np.testing.assert_array_equal(dataset["tas"].values, expected)


@pytest.mark.parametrize("target_first", [pytest.param(False, id="predictor-file-first"),
                                          pytest.param(True, id="target-file-first")])
def test_the_grid_takes_the_target_files_names_order_and_values(tmp_path, target_first):
    """An ERA5-like target (latitude north to south) given after a CMIP-like predictor (lat south
    to north): the grid was the first file's (names, order), not the target file's as own-data.md
    says (break29b A8), whichever file came first."""
    target = _write(tmp_path / "t2m_era5.nc", "t2m", "latitude", "longitude", north_to_south=True)
    predictor = _write(tmp_path / "tas_cmip.nc", "tas", "lat", "lon")
    files = [target, predictor] if target_first else [predictor, target]
    dataset = open_dataset(files, grid_of="t2m")
    assert find_coordinate(dataset, "latitude") == "latitude" and find_coordinate(dataset, "longitude") == "longitude"
    assert "lat" not in dataset.variables and "lon" not in dataset.variables
    with xr.open_dataset(target) as own:  # the target file read back as it is
        np.testing.assert_array_equal(dataset["latitude"].values, own["latitude"].values)
        np.testing.assert_array_equal(dataset["longitude"].values, own["longitude"].values)
        # each row's cell edges (a file's bounds turned to the axis's direction, CF §7.1: either order)
        np.testing.assert_array_equal(np.sort(dataset["latitude_bnds"].values, axis=1),
                                      np.sort(own["latitude_bnds"].values, axis=1))
        np.testing.assert_array_equal(dataset["t2m"].values, own["t2m"].values)
    with xr.open_dataset(predictor) as other:  # each predictor value at its cell, looked up by latitude
        rows = [int(np.flatnonzero(other["lat"].values == latitude)[0]) for latitude in dataset["latitude"].values]
        np.testing.assert_array_equal(dataset["tas"].values, other["tas"].values[:, rows, :])
    assert dataset["tas"].dims == dataset["t2m"].dims == ("time", "latitude", "longitude")


def test_a_common_name_taken_by_another_variable_is_refused_with_the_renames(tmp_path):
    target = _write(tmp_path / "tas_cmip.nc", "tas", "lat", "lon")
    taken = {"lat": (("latitude", "longitude"), np.zeros((5, 6)), {"units": "1"})}
    predictor = _write(tmp_path / "rsdt_era5.nc", "rsdt", "latitude", "longitude", extra=taken)
    with pytest.raises(ClimannError, match=r"^the files name their latitude axis differently \('lat' in tas_cmip.nc, "
                                           r"'latitude' in rsdt_era5.nc\) and rsdt_era5.nc has another variable named "
                                           r"'lat'; rename that variable \(e\.g\. --rename 'rsdt_era5.nc:lat=lat_2'\) and "
                                           r"they take one name$"):
        open_dataset([target, predictor])


def test_another_file_s_grid_is_compared_under_the_reference_s_names():
    """lat/lon beside latitude/longitude: renamed by kind (CF units), values and sizes kept, so that
    a grid of 3 latitudes is compared with one of 5 (break32a A3); a name already the reference's stays."""
    from climann.data.grid_names import on_reference_names

    def axis(name, values, units):
        return xr.DataArray(np.asarray(values, float), dims=name, attrs={"units": units})

    reference = {"latitude": axis("latitude", LATITUDE, "degrees_north"),
                 "longitude": axis("longitude", LONGITUDE, "degrees_east")}
    other = {"lat": axis("lat", [-30.0, 0.0, 30.0], "degrees_north"), "longitude": axis("longitude", [0.0], "degrees_east")}
    renamed = on_reference_names(reference, other)
    assert sorted(renamed) == ["latitude", "longitude"]
    assert renamed["latitude"].dims == ("latitude",) and renamed["latitude"].values.tolist() == [-30.0, 0.0, 30.0]
    assert renamed["longitude"] is other["longitude"]


def _era5_on_the_cdr_grid(path, t2m, *, shift=0.0):
    """ERA5's t2m regridded onto the CDR's polar stereographic grid as a user writes it: x/y in "m"
    (the CDR's xgrid/ygrid say "meters"), 2-D lat/lon (the CDR's latitude/longitude) and the
    mapping under the name crs; ``shift`` degrees added to its latitudes (another grid)."""
    import netCDF4
    import pyproj

    from tests.data.test_grid_axis_variables import EPSG_3411, X_M, Y_M
    from tests.grid_files import NSIDC_NORTH

    lon, lat = pyproj.Proj(EPSG_3411)(*np.meshgrid(X_M, Y_M), inverse=True)
    with netCDF4.Dataset(path, "w") as nc:
        nc.createDimension("time", None)
        nc.createDimension("y", Y_M.size)
        nc.createDimension("x", X_M.size)
        time = nc.createVariable("time", "f8", ("time",))
        time.setncatts({"units": "hours since 1900-01-01", "calendar": "gregorian"})
        time[:] = (142304.0 + np.array([0.0, 31.0, 59.0]) - 109207.0) * 24  # the CDR's days since 1601 as hours since 1900
        crs = nc.createVariable("crs", "i4")
        crs.setncatts(NSIDC_NORTH)
        for name, values, units in (("x", X_M, "m"), ("y", Y_M, "m")):
            axis = nc.createVariable(name, "f4", (name,))
            axis.setncatts({"units": units, "standard_name": f"projection_{name}_coordinate"})
            axis[:] = values
        for name, values, units in (("lat", lat + shift, "degrees_north"), ("lon", lon, "degrees_east")):
            variable = nc.createVariable(name, "f8", ("y", "x"))
            variable.setncatts({"units": units, "standard_name": {"lat": "latitude", "lon": "longitude"}[name]})
            variable[:] = values
        variable = nc.createVariable("t2m", "f4", ("time", "y", "x"))
        variable.setncatts({"units": "K", "grid_mapping": "crs", "coordinates": "lat lon"})
        variable[:] = t2m
    return path


@pytest.mark.parametrize("rename", [
    pytest.param({}, id="no-rename"),
    pytest.param({"cdr_v4.nc": {"latitude": "lat"}}, id="latitude-renamed-alone"),
    pytest.param({"cdr_v4.nc": {"latitude": "lat", "longitude": "lon"}}, id="both-renamed"),
])
def test_2d_latitude_and_longitude_named_otherwise_on_the_same_grid_are_one(tmp_path, monkeypatch, caplog, rename):
    """break43a A1: the NSIDC CDR's 2-D latitude/longitude beside ERA5's lat/lon on its grid were refused "several
    coordinates look like latitude", and with the advised rename of the latitude alone the ERA5 file was said to have
    no horizontal coordinate values (its lon dropped as "other points"). Now they are one grid under the target
    file's names, each value where its file has it; A2: x/y in "m" beside the CDR's "meters" keep the units."""
    import logging

    from tests.data.test_grid_axis_variables import X_M, Y_M, _write_cdr_v4

    monkeypatch.chdir(tmp_path)
    cdr = _write_cdr_v4(tmp_path / "cdr_v4.nc", with_positions=True)
    t2m = np.random.default_rng(4).normal(250.0, 10.0, (3, Y_M.size, X_M.size)).astype("f4")
    era5 = _era5_on_the_cdr_grid(tmp_path / "t2m_era5.nc", t2m)
    with caplog.at_level(logging.INFO):
        dataset = open_dataset([cdr, era5], rename=rename, grid_of="cdr_seaice_conc_monthly")
    latitude, longitude = (rename.get("cdr_v4.nc", {}).get(name, name) for name in ("latitude", "longitude"))
    assert {name for name in dataset.variables if name in ("lat", "lon", "latitude", "longitude")} == {latitude,
                                                                                                    longitude}
    with xr.open_dataset(cdr) as own:
        np.testing.assert_array_equal(dataset[latitude].values, own["latitude"].values)
        np.testing.assert_array_equal(dataset["cdr_seaice_conc_monthly"].values, own["cdr_seaice_conc_monthly"].values)
    np.testing.assert_array_equal(dataset["t2m"].transpose("time", "y", "x").values, t2m)
    assert dataset["x"].attrs["units"] == dataset["y"].attrs["units"] == "meters"
    assert not [record for record in caplog.records if "no units" in record.getMessage()]


def test_2d_latitudes_of_another_grid_under_other_names_are_refused_as_another_grid(tmp_path, caplog):
    """Given one name, the values decide, as for 1-D axes: latitudes 0.5° apart are another grid, said so: refused
    when the file's variable is named, left out with a warning when the predictors are chosen from the data (as a
    file on another grid is since fix43h)."""
    from tests.data.test_grid_axis_variables import X_M, Y_M, _write_cdr_v4

    cdr = _write_cdr_v4(tmp_path / "cdr_v4.nc", with_positions=True)
    era5 = _era5_on_the_cdr_grid(tmp_path / "t2m_era5.nc", np.zeros((3, Y_M.size, X_M.size)), shift=0.5)
    with pytest.raises(ClimannError, match=r"latitude differs by up to 0\.5"):
        open_dataset([cdr, era5], grid_of="cdr_seaice_conc_monthly", variables=["cdr_seaice_conc_monthly", "t2m"])
    with caplog.at_level(logging.WARNING):
        opened = open_dataset([cdr, era5], grid_of="cdr_seaice_conc_monthly")
    assert "t2m" not in opened
    assert [record for record in caplog.records
            if "left out, on another grid" in record.getMessage() and "latitude differs by up to 0.5" in record.getMessage()]


def test_the_renames_advised_beside_the_users_own_are_merged_with_them_and_run_past_the_refusal(tmp_path):
    """fix44k: rsdt_era5.nc's 'ssrd' renamed by the user's --rename 'rsdt_*:ssrd=rsdt' was advised
    --rename 'rsdt_era5.nc:lat=lat_2' beside it, which the CLI refuses (a file takes the first pattern that matches it,
    rules do not chain). The options advised, given as the CLI parses it in place of the user's, opens the files:
    the predictor on the target's grid, its values read back as written."""
    import re
    import shlex

    from climann.cli import _rename_rules

    target = _write(tmp_path / "tas_cmip.nc", "tas", "lat", "lon")
    taken = {"lat": (("latitude", "longitude"), np.zeros((5, 6)), {"units": "1"})}
    predictor = _write(tmp_path / "rsdt_era5.nc", "ssrd", "latitude", "longitude", extra=taken)
    with pytest.raises(ClimannError) as raised:
        open_dataset([target, predictor], rename={"rsdt_*": {"ssrd": "rsdt"}})
    found = re.findall(r"((?:--rename '[^']+' ?)+) \(in place of the --rename options given\)", str(raised.value))
    assert len(found) == 1, str(raised.value)
    rules = _rename_rules([word for word in shlex.split(found[0]) if word != "--rename"])
    assert rules["rsdt_era5.nc"]["ssrd"] == "rsdt" and "rsdt_*" not in rules, rules
    dataset = open_dataset([target, predictor], rename=rules, grid_of="tas")
    assert dataset["rsdt"].dims == ("time", "lat", "lon")
    with xr.open_dataset(predictor) as own:
        np.testing.assert_array_equal(dataset["rsdt"].values, own["ssrd"].values)


def _ease2_like(path, name, dims, values, *, shift=0.0):
    """A file of ``name`` (time, ``dims``) on 2-D latitude/longitude written as coordinates (the same positions in
    every file but for ``shift`` degrees of latitude)."""
    rows, columns = np.meshgrid(np.arange(5), np.arange(7), indexing="ij")
    latitude, longitude = 30.0 + 0.37 * rows + 0.01 * columns + shift, 5.0 + 0.41 * columns - 0.02 * rows
    xr.Dataset({name: (("time", *dims), values, {"units": "K"})},
               coords={"time": ("time", np.arange(values.shape[0], dtype="f8"),
                                {"units": "days since 2015-04-01", "standard_name": "time"}),
                       "latitude": (dims, latitude, {"units": "degrees_north"}),
                       "longitude": (dims, longitude, {"units": "degrees_east"})}).to_netcdf(path)


@pytest.mark.parametrize(("shift", "renamed"), [(0.0, True), (0.2, False)])
def test_2d_positions_equal_under_other_dimension_names_are_one_grid(tmp_path, shift, renamed):
    """break44b B2: SMAP L3 on (phony_dim_0, phony_dim_1) and ERA5 regridded onto the same cells on (y, x), with the
    same 2-D latitude/longitude, were "not on the latitude-longitude grid", and the advised --select y=VALUE failed.
    Equal positions under other dimension names are one grid: the predictor is read on the target's dimensions,
    each value at its cell (numpy: the values written). Positions 0.2° apart are another grid, refused."""
    rng = np.random.default_rng(1)
    moisture, temperature = rng.random((3, 5, 7)), 280 + rng.random((3, 5, 7))
    _ease2_like(tmp_path / "sm.nc", "soil_moisture", ("phony_dim_0", "phony_dim_1"), moisture)
    _ease2_like(tmp_path / "era5.nc", "t2m", ("y", "x"), temperature, shift=shift)
    if not renamed:
        with pytest.raises(ClimannError, match=r"on different grids: latitude differs by up to 0\.2"):
            open_dataset([tmp_path / "sm.nc", tmp_path / "era5.nc"])
        return
    dataset = open_dataset([tmp_path / "sm.nc", tmp_path / "era5.nc"])
    assert dataset["t2m"].dims == ("time", "phony_dim_0", "phony_dim_1")
    np.testing.assert_array_equal(dataset["t2m"].values, temperature)
    np.testing.assert_array_equal(dataset["soil_moisture"].values, moisture)
