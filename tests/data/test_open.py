import numpy as np
import pytest

from climann.data.layout import SPLIT_BLOCK_COORDINATE
from climann.data.open import concat_blocks, expand_paths, open_dataset
from climann.errors import ClimannError
from tests.conftest import grid_dataset


def test_expand_paths_accepts_files_globs_and_directories(tmp_path):
    for year in (2001, 2000):
        grid_dataset().to_netcdf(tmp_path / f"tas_{year}.nc")
    (tmp_path / "notes.txt").write_text("not data")
    expected = [tmp_path / "tas_2000.nc", tmp_path / "tas_2001.nc"]
    assert expand_paths([str(tmp_path / "tas_*.nc")]) == expected
    assert expand_paths([tmp_path]) == expected
    assert expand_paths([tmp_path / "tas_2001.nc", str(tmp_path / "*.nc")]) == expected[::-1]


@pytest.mark.parametrize(
    "pattern", [pytest.param("missing.nc", id="file"), pytest.param("missing_*.nc", id="glob")]
)
def test_nothing_matching_is_a_clear_error(tmp_path, pattern):
    with pytest.raises(ClimannError, match="no file matches"):
        expand_paths([str(tmp_path / pattern)])


def test_open_is_lazy_and_decodes_calendar_with_cftime(write_grid):
    dataset = open_dataset([write_grid(calendar="360_day")])
    assert dataset["tas"].chunks is not None  # dask-backed: nothing read yet
    assert dataset["time"].values[0].calendar == "360_day"


def test_many_files_combine_along_time(tmp_path):
    full = grid_dataset(n_years=4)
    for index, year_slice in enumerate((slice(0, 24), slice(24, 48))):
        full.isel(time=year_slice).to_netcdf(tmp_path / f"part{index}.nc")
    combined = open_dataset(expand_paths([str(tmp_path / "part*.nc")]))
    assert combined.sizes["time"] == 48
    assert (combined["tas"].values == full["tas"].values).all()


@pytest.mark.parametrize(
    "content",
    [pytest.param(b"this is not netcdf", id="text"), pytest.param(b"\x89HDF\r\n\x1a\n\x00\x00", id="truncated-hdf5")],
)
def test_a_file_that_is_not_netcdf_is_a_clear_error(tmp_path, content):
    path = tmp_path / "bad.nc"
    path.write_bytes(content)
    with pytest.raises(ClimannError, match=r"bad\.nc is not a readable NetCDF file \(truncated or another format\)$"):
        open_dataset([path])


def test_an_unknown_calendar_is_named(tmp_path):
    import netCDF4

    path = tmp_path / "martian.nc"
    with netCDF4.Dataset(path, "w") as raw:
        raw.createDimension("time", 2)
        time = raw.createVariable("time", "f8", ("time",))
        time.units, time.calendar = "days since 2000-01-01", "martian"
        time[:] = [0, 1]
    with pytest.raises(ClimannError, match="'time' in martian.nc uses calendar 'martian'.*known: standard"):
        open_dataset([path])


def test_files_on_different_grids_are_named_with_their_grids(tmp_path):
    grid_dataset(n_lat=4)[["tas"]].to_netcdf(tmp_path / "tas.nc")
    grid_dataset(n_lat=6)[["pred"]].to_netcdf(tmp_path / "pred.nc")
    with pytest.raises(ClimannError, match=r"different grids: lat has 6 values in pred.nc and 4 in tas.nc"):
        open_dataset(expand_paths([tmp_path]))


def test_two_files_with_the_same_field_name_need_a_rename(tmp_path):
    grid_dataset(seed=1)[["tas"]].rename(tas="air_temperature").to_netcdf(tmp_path / "ssp126.nc")
    grid_dataset(seed=2)[["tas"]].rename(tas="air_temperature").to_netcdf(tmp_path / "ssp585.nc")
    files = expand_paths([tmp_path])
    with pytest.raises(ClimannError, match="'air_temperature' is in both ssp126.nc and ssp585.nc at the same times.*rename"):
        open_dataset(files)
    merged = open_dataset(files, rename={"*585*": {"air_temperature": "tas_ssp585"}})
    assert set(merged.data_vars) == {"air_temperature", "tas_ssp585"}
    np.testing.assert_array_equal(merged["tas_ssp585"].values, grid_dataset(seed=2)["tas"].values)


def test_variables_from_separate_files_on_one_grid_combine(tmp_path):
    full = grid_dataset()
    full[["tas"]].to_netcdf(tmp_path / "tas.nc")
    full[["pred", "static"]].to_netcdf(tmp_path / "pred.nc")
    combined = open_dataset(expand_paths([tmp_path]))
    np.testing.assert_array_equal(combined["static"].values, full["static"].values)
    np.testing.assert_array_equal(combined["tas"].values, full["tas"].values)


def test_a_rename_that_does_not_apply_is_an_error(tmp_path):
    grid_dataset().to_netcdf(tmp_path / "a.nc")
    with pytest.raises(ClimannError, match=r"rename pattern 'b\*\.nc' matches none"):
        open_dataset([tmp_path / "a.nc"], rename={"b*.nc": {"tas": "x"}})
    with pytest.raises(ClimannError, match="rename: 'air' is not in a.nc"):
        open_dataset([tmp_path / "a.nc"], rename={"a.nc": {"air": "x"}})


# --- blocks of a split by dataset -----------------------------------------------------------
def test_blocks_are_concatenated_along_time_with_their_labels(write_grid):
    parts = [open_dataset([write_grid(f"{name}.nc", n_years=years, seed=seed)])
             for name, years, seed in (("a", 2, 0), ("b", 1, 1), ("c", 1, 2))]
    combined = concat_blocks(parts, ("train", "val", "test"))
    assert combined.sizes["time"] == 48
    labels = combined[SPLIT_BLOCK_COORDINATE].values
    assert list(labels[[0, 23, 24, 35, 36, 47]]) == ["train", "train", "val", "val", "test", "test"]
    np.testing.assert_array_equal(combined["pred"].values[24:36], parts[1]["pred"].values)
    np.testing.assert_array_equal(combined["static"].values, parts[0]["static"].values)  # static: from the first
    # the dates repeat (each file covers 2000…): kept as they are
    assert combined["time"].values[24] == combined["time"].values[0]


def test_blocks_on_different_grids_or_without_a_variable_are_refused(write_grid):
    first = open_dataset([write_grid("a.nc")])
    other_grid = open_dataset([write_grid("b.nc", n_lat=6)])
    with pytest.raises(ClimannError, match="split blocks are on different grids"):
        concat_blocks([first, other_grid, first], ("train", "val", "test"))
    fewer = first.drop_vars("pred")
    with pytest.raises(ClimannError, match="val block's files lack 'pred'"):
        concat_blocks([first, fewer, first], ("train", "val", "test"))


# --- grid tolerance -----------------------------------------------------------------------------
def _two_years_apart(tmp_path, shift_second):
    """Two yearly files of one grid; the second's latitudes moved by ``shift_second`` degrees."""
    full = grid_dataset(n_years=2)
    first, second = full.isel(time=slice(0, 12)), full.isel(time=slice(12, 24))
    second = second.assign_coords(lat=second["lat"] + shift_second)
    first.to_netcdf(tmp_path / "a.nc")
    second.to_netcdf(tmp_path / "b.nc")
    return full, [tmp_path / "a.nc", tmp_path / "b.nc"]


def test_files_whose_coordinates_differ_by_float_rounding_are_one_grid_with_the_first_files_values(tmp_path):
    full, files = _two_years_apart(tmp_path, 4e-6)
    combined = open_dataset(files)
    assert combined.sizes["lat"] == full.sizes["lat"] and combined.sizes["time"] == 24
    np.testing.assert_array_equal(combined["lat"].values, full["lat"].values)  # the first file's, exactly
    np.testing.assert_array_equal(combined["tas"].values, full["tas"].values)


def test_a_real_grid_mismatch_names_the_coordinate_and_its_largest_difference(tmp_path):
    full, files = _two_years_apart(tmp_path, 0.5)
    spacing = float(np.abs(np.diff(full["lat"].values)).min())
    with pytest.raises(ClimannError, match=r"different grids: lat differs by up to 0\.5° between a\.nc and b\.nc") as error:
        open_dataset(files)
    assert f"{1e-3 * spacing:.3g}°" in str(error.value)


@pytest.mark.parametrize("shift, combines", [pytest.param(4e-6, True, id="rounding"), pytest.param(0.3, False, id="real")])
def test_variables_in_separate_files_combine_within_the_grid_tolerance(tmp_path, shift, combines):
    dataset = grid_dataset()
    dataset[["tas"]].to_netcdf(tmp_path / "tas.nc")
    moved = dataset[["pred"]].assign_coords(lon=dataset["lon"] + shift)
    moved.to_netcdf(tmp_path / "pred.nc")
    files = expand_paths([tmp_path])
    if not combines:
        with pytest.raises(ClimannError, match=r"lon differs by up to 0\.3° between pred\.nc and tas\.nc"):
            open_dataset(files)
        return
    combined = open_dataset(files)
    np.testing.assert_array_equal(combined["lon"].values, moved["lon"].values)  # pred.nc comes first
    np.testing.assert_array_equal(combined["tas"].values, dataset["tas"].values)


def test_split_blocks_combine_within_the_tolerance_and_name_a_real_difference(write_grid):
    first = open_dataset([write_grid("a.nc")])
    rounded = first.assign_coords(lat=first["lat"] + 4e-6)
    combined = concat_blocks([first, rounded, first], ("train", "val", "test"))
    np.testing.assert_array_equal(combined["lat"].values, first["lat"].values)
    moved = first.assign_coords(lon=first["lon"] + 1.0)
    with pytest.raises(ClimannError, match=r"lon differs by up to 1° between the train block and the val block"):
        concat_blocks([first, moved, first], ("train", "val", "test"))


def test_2d_latitude_and_longitude_without_a_coordinates_attribute_become_coordinates(tmp_path):
    import xarray as xr

    dataset = xr.Dataset(
        {"tos": (("time", "y", "x"), np.ones((2, 2, 3))),
         "nav_lat": (("y", "x"), np.array([[0.0, 1, 2], [10, 11, 12]]), {"units": "degrees_north"}),
         "nav_lon": (("y", "x"), np.array([[0.0, 10, 20], [1, 11, 21]]), {"standard_name": "longitude"})},
        coords={"time": ("time", [0.0, 31.0], {"units": "days since 2000-01-01", "calendar": "noleap"})},
    )
    dataset.to_netcdf(tmp_path / "a.nc")
    opened = open_dataset([tmp_path / "a.nc"])
    assert {"nav_lat", "nav_lon"} <= set(opened.coords) and list(opened.data_vars) == ["tos"]
    # and on several files, whose 2-D coordinates are compared like 1-D ones
    later = dataset.assign_coords(time=dataset["time"] + 62)
    later.assign(nav_lat=later["nav_lat"] + 0.5).to_netcdf(tmp_path / "b.nc")
    with pytest.raises(ClimannError, match=r"nav_lat differs by up to 0\.5° between a\.nc and b\.nc"):
        open_dataset([tmp_path / "a.nc", tmp_path / "b.nc"])


def test_a_zarr_store_is_one_input_read_like_netcdf(tmp_path):
    pytest.importorskip("zarr")
    dataset = grid_dataset(calendar="360_day")
    dataset.to_zarr(tmp_path / "grid.zarr", mode="w", consolidated=False)
    dataset.to_netcdf(tmp_path / "grid.nc")
    assert expand_paths([tmp_path / "grid.zarr"]) == [tmp_path / "grid.zarr"]  # a store, not a folder
    assert expand_paths([tmp_path]) == [tmp_path / "grid.nc"]  # a folder: its NetCDF files
    opened = open_dataset([tmp_path / "grid.zarr"])
    assert opened["tas"].chunks is not None
    assert opened["time"].values[0].calendar == "360_day"
    np.testing.assert_array_equal(opened["tas"].values, dataset["tas"].values)


def test_a_zarr_store_and_a_netcdf_file_combine(tmp_path):
    pytest.importorskip("zarr")
    dataset = grid_dataset()
    dataset[["tas", "pred"]].to_zarr(tmp_path / "fields.zarr", mode="w", consolidated=False)
    dataset[["static"]].to_netcdf(tmp_path / "static.nc")
    combined = open_dataset([tmp_path / "fields.zarr", tmp_path / "static.nc"])
    assert {"tas", "pred", "static"} <= set(combined.data_vars)
    np.testing.assert_array_equal(combined["static"].values, dataset["static"].values)


@pytest.mark.parametrize(
    ("name", "extra"),
    [pytest.param("era5.grib", "grib", id="grib"), pytest.param("era5.grb2", "grib", id="grb2"),
     pytest.param("fields.zarr", "zarr", id="zarr")],
)
def test_an_input_whose_reader_is_not_installed_says_how_to_install_it(tmp_path, monkeypatch, name, extra):
    import importlib

    real_import = importlib.import_module

    def without_optional(module, *args):
        if module in ("cfgrib", "zarr"):
            raise ImportError(f"No module named '{module}'")
        return real_import(module, *args)

    monkeypatch.setattr(importlib, "import_module", without_optional)
    path = tmp_path / name
    path.write_bytes(b"GRIB") if name.endswith(("grib", "grb2")) else path.mkdir()
    with pytest.raises(ClimannError, match=f"needs the optional .*: pip install 'climann\\[{extra}\\]'$"):
        open_dataset([path])


# cfgrib (eccodes) and pyproj in one interpreter crash it at exit: GRIB is read in a subprocess.
GRIB_SCRIPT = """
import json, sys
import numpy as np
import eccodes
from climann.data.open import open_dataset, expand_paths

path, lat, lon = sys.argv[1], np.array([60.0, 30.0, 0.0, -30.0, -60.0]), np.arange(0, 360, 60.0)
fields = 280 + np.random.default_rng(0).normal(size=(24, 5, 6))
dates = [20000000 + 10000 * year + 100 * month + 1 for year in range(2) for month in range(1, 13)]
with open(path, "wb") as out:
    for date, values in zip(dates, fields):
        message = eccodes.codes_grib_new_from_samples("regular_ll_sfc_grib2")
        eccodes.codes_set_key_vals(message, {
            "Ni": 6, "Nj": 5, "latitudeOfFirstGridPointInDegrees": 60.0, "latitudeOfLastGridPointInDegrees": -60.0,
            "longitudeOfFirstGridPointInDegrees": 0.0, "longitudeOfLastGridPointInDegrees": 300.0,
            "iDirectionIncrementInDegrees": 60.0, "jDirectionIncrementInDegrees": 30.0,
            "dataDate": date, "dataTime": 0})
        eccodes.codes_set(message, "shortName", "2t")
        eccodes.codes_set_values(message, values.ravel())
        eccodes.codes_write(message, out)
        eccodes.codes_release(message)
dataset = open_dataset(expand_paths([path]))
print(json.dumps({
    "dims": list(dataset["t2m"].dims),
    "error": float(np.abs(dataset["t2m"].values - fields).max()),
    "dates": [str(time)[:10] for time in dataset["time"].values],
    "lat": dataset["latitude"].values.tolist(),
}))
"""


def test_a_grib_file_is_read_on_its_valid_times_without_writing_beside_it(tmp_path):
    import json
    import subprocess
    import sys

    pytest.importorskip("eccodes")  # the module only: cfgrib is imported in the subprocess
    path = tmp_path / "era5.grib"
    result = subprocess.run([sys.executable, "-c", GRIB_SCRIPT, str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    read = json.loads(result.stdout.strip().splitlines()[-1])
    assert read["dims"] == ["time", "latitude", "longitude"]
    assert read["error"] < 0.01  # GRIB packs the values (16 bits over a range of ~8 K)
    assert read["dates"][:2] == ["2000-01-01", "2000-02-01"] and len(read["dates"]) == 24
    assert read["lat"] == [60.0, 30.0, 0.0, -30.0, -60.0]
    assert [p.name for p in tmp_path.iterdir()] == ["era5.grib"]  # no cfgrib index file left beside it
