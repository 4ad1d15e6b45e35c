"""NetCDF-4 user-defined types (climann/data/user_types.py): enums as CF flags, VLEN and compound refused."""

import os
import re
import sys
from pathlib import Path
import shlex

import netCDF4
import numpy as np
import pytest
import xarray as xr

from climann.data.flags import flag_classes, refuse_flag_target
from climann.data.info import describe
from climann.data.open import open_dataset, open_input
from climann.errors import ClimannError
from tests.followed_twice import run_one_copy
from tests.fresh_python import run_python

N_TIME, N_LAT, N_LON = 24, 3, 4


def _grid(dataset):
    """A monthly 3 × 4 grid with tas, written into the netCDF4 ``dataset``."""
    dataset.createDimension("time", N_TIME)
    dataset.createDimension("lat", N_LAT)
    dataset.createDimension("lon", N_LON)
    time = dataset.createVariable("time", "f8", ("time",))
    time.units, time.calendar, time.standard_name = "days since 2000-01-01", "standard", "time"
    time[:] = np.arange(N_TIME) * 30.0 + 15
    lat = dataset.createVariable("lat", "f8", ("lat",))
    lat.units, lat.standard_name = "degrees_north", "latitude"
    lat[:] = [-30.0, 0.0, 30.0]
    lon = dataset.createVariable("lon", "f8", ("lon",))
    lon.units, lon.standard_name = "degrees_east", "longitude"
    lon[:] = [0.0, 90.0, 180.0, 270.0]
    tas = dataset.createVariable("tas", "f4", ("time", "lat", "lon"))
    tas.units = "K"
    tas[:] = 280 + np.random.default_rng(0).normal(0, 3, (N_TIME, N_LAT, N_LON))


#: Land-cover codes of the enum file, each cell's class (no 255 among them).
CLASSES = np.array([[1, 2, 3, 4], [4, 3, 2, 1], [1, 1, 2, 2]], dtype="u1")


@pytest.fixture
def enum_file(tmp_path):
    """:func:`write_enum_file` in the test's folder."""
    return write_enum_file(tmp_path / "enum.nc")


def write_enum_file(path):
    """An enum land cover {forest 1, grass 2, desert 3, ice 4, fill 255} with _FillValue 255,
    and an enum mask {ocean 0, land 1, no_data 255} without _FillValue whose first row is 255."""
    with netCDF4.Dataset(path, "w") as dataset:
        _grid(dataset)
        cover_type = dataset.createEnumType(np.uint8, "lc_t", {"forest": 1, "grass": 2, "desert": 3, "ice": 4,
                                                                "fill": 255})
        cover = dataset.createVariable("lc", cover_type, ("time", "lat", "lon"), fill_value=255)
        cover[:] = np.broadcast_to(CLASSES, (N_TIME, N_LAT, N_LON))
        mask_type = dataset.createEnumType(np.uint8, "surface_t", {"ocean": 0, "land": 1, "no_data": 255})
        mask = dataset.createVariable("mask", mask_type, ("time", "lat", "lon"))
        values = np.broadcast_to(CLASSES % 2, (N_TIME, N_LAT, N_LON)).copy()
        values[:, 0, :] = 255
        mask[:] = values
    return path


def test_an_enum_is_read_as_cf_flags_with_its_fill_member(enum_file):
    dataset = open_input(enum_file)
    assert dataset["lc"].attrs["flag_values"].tolist() == [1, 2, 3, 4, 255]
    assert dataset["lc"].attrs["flag_meanings"] == "forest grass desert ice fill"
    # rerun41 R8: the fill member (255, the _FillValue, read as missing) is no class of the list
    assert flag_classes(dataset["lc"]) == "flag_values 1 2 3 4: forest grass desert ice"
    header = open_input(enum_file, decode_cf=False)  # the header every choice reads: the same flags
    assert header["lc"].attrs["flag_meanings"] == "forest grass desert ice fill"


def test_an_enum_no_data_member_is_read_as_missing_and_two_classes_beside_it_are_an_indicator(enum_file, caplog):
    mask = open_input(enum_file)["mask"]
    with netCDF4.Dataset(enum_file) as raw:
        stored = raw["mask"][:]
    assert int(mask.isnull().sum()) == int((np.asarray(stored) == 255).sum()) == N_TIME * N_LON
    np.testing.assert_array_equal(mask.values[:, 1:, :], np.broadcast_to(CLASSES[1:] % 2, (N_TIME, 2, N_LON)))
    assert flag_classes(mask) is None  # ocean and land: an indicator, a predictor as it is
    assert any("member no_data = 255 is read as missing" in record.getMessage() for record in caplog.records)


def test_an_enum_target_is_refused_with_a_python_line_that_works(enum_file, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    dataset = open_dataset([enum_file])
    with pytest.raises(ClimannError) as refused:
        refuse_flag_target(dataset, "lc", where="enum.nc")
    message = str(refused.value)
    assert "classes, not amounts" in message and "ncap2" not in message  # NCO stops at the enum type
    this_python = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    printed = run_one_copy(message, cwd=tmp_path, env=this_python)  # the guarded line into its new folder
    assert "python -c" in printed["command"] and printed["original"] == "enum.nc"
    made = xr.open_dataset(tmp_path / printed["copy"])["lc_forest"]
    np.testing.assert_array_equal(made.values, np.broadcast_to(CLASSES == 1, (N_TIME, N_LAT, N_LON)).astype(float))


def test_info_proposes_no_enum_as_target_nor_predictor(enum_file):
    report = describe(str(enum_file))
    assert 'target = "tas"' in report and "predictors = []" in report  # mask: a third missing, said apart
    assert "lc (flag_values 1 2 3 4: forest grass desert ice)" in " ".join(
        line.lstrip("# ").strip() for line in report.splitlines())


@pytest.fixture
def typed_file(tmp_path):
    """tas beside a VLEN station_obs(lat, lon) and a compound wind {u, v}(time, lat, lon)."""
    path = tmp_path / "typed.nc"
    with netCDF4.Dataset(path, "w") as dataset:
        _grid(dataset)
        rsdt = dataset.createVariable("rsdt", "f4", ("time", "lat", "lon"))
        rsdt.units = "W m-2"
        rsdt[:] = np.random.default_rng(1).uniform(100, 400, (N_TIME, N_LAT, N_LON))
        lists = dataset.createVariable("station_obs", dataset.createVLType(np.float32, "obs_t"), ("lat", "lon"))
        for i in range(N_LAT):
            for j in range(N_LON):
                lists[i, j] = np.arange(i + j + 1, dtype="f4")
        fields = np.dtype([("u", "f4"), ("v", "f4")])
        wind = dataset.createVariable("wind", dataset.createCompoundType(fields, "wind_t"), ("time", "lat", "lon"))
        values = np.empty((N_TIME, N_LAT, N_LON), fields)
        values["u"] = np.arange(values.size).reshape(values.shape)
        values["v"] = -np.arange(values.size).reshape(values.shape)
        wind[:] = values
    return path


def test_info_leaves_vlen_and_compound_variables_out_as_not_numbers(typed_file):
    report = describe(str(typed_file))
    assert ("left out, not numbers: station_obs (variable-length arrays of float32), wind (a compound of u, v)"
            in " ".join(line.lstrip("# ").strip() for line in report.splitlines()))
    assert 'target = "tas"' in report and 'predictors = ["rsdt"]' in report


def test_the_compound_fields_line_writes_each_field_as_a_variable(typed_file, tmp_path, monkeypatch):
    from climann.data.user_types import user_type_message

    monkeypatch.chdir(tmp_path)
    message = user_type_message("wind", open_input(typed_file)["wind"], "typed.nc", role="target")
    assert "compound of the numeric fields u (float32), v (float32)" in message
    line = re.search(r"(python -c \".*\")$", message).group(1)
    run_python(*shlex.split(line)[1:], check=True, cwd=tmp_path)
    written = xr.open_dataset(tmp_path / "typed_wind_fields.nc")
    size = N_TIME * N_LAT * N_LON
    np.testing.assert_array_equal(written["wind_u"].values.ravel(), np.arange(size))
    np.testing.assert_array_equal(written["wind_v"].values.ravel(), -np.arange(size))
    np.testing.assert_array_equal(written["tas"].values, xr.open_dataset(typed_file)["tas"].values)


def test_an_hdf4_file_is_named_with_the_ways_to_netcdf(tmp_path):
    from climann.errors import ClimannError as Error

    path = tmp_path / "MOD08_M3.hdf"
    path.write_bytes(b"\x0e\x03\x13\x01" + bytes(200))  # HDF4's magic number, then its header
    with pytest.raises(Error, match=r"MOD08_M3.hdf is an HDF4 file .*h4tonccf .*gdal_translate -of netCDF.*pyhdf"):
        open_dataset([path])
