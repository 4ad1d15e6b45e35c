import logging

import cftime
import dask
import netCDF4
import numpy as np
import pytest
import xarray as xr

from climann.data.fill_like import warn_fill_like_values
from climann.data.notes import forget_notes
from climann.data.open import open_dataset
from climann.data.stored_values import fill_value_in_type, rounds_the_data, with_stored_values_read
from climann.errors import ClimannError

#: Cloud cover in 0.5 % steps, 0…100 %, as unsigned bytes 0…200, and 255 (the fill, -1b) at one cell.
RAW_CLOUD = np.array([[[0, 50, 127], [128, 200, 255]], [[199, 1, 129], [64, 255, 180]]], dtype=np.uint8)


def _write(path, create, fmt="NETCDF3_CLASSIC"):
    """A 2-step 2×3 file; ``create(dataset)`` adds its data variable(s), written raw."""
    with netCDF4.Dataset(path, "w", format=fmt) as dataset:
        for name, size in (("time", 2), ("lat", 2), ("lon", 3)):
            dataset.createDimension(name, size)
        for name, units, values in (("time", "days since 2000-01-01", [0.0, 31.0]),
                                    ("lat", "degrees_north", [-45.0, 45.0]), ("lon", "degrees_east", [0.0, 120.0, 240.0])):
            variable = dataset.createVariable(name, "f8", (name,))
            variable.units = units
            variable[:] = values
        create(dataset)
    return path


def _cloud(flag, *, valid_range=False, fill="_FillValue", stored="i1"):
    def create(dataset):
        variable = dataset.createVariable("clt", stored, ("time", "lat", "lon"),
                                          fill_value=np.array(-1).astype(stored) if fill == "_FillValue" else None)
        variable.set_auto_maskandscale(False)
        if fill == "missing_value":
            variable.missing_value = np.array(-1).astype(stored)
        variable._Unsigned = flag
        variable.scale_factor, variable.add_offset, variable.units = np.float32(0.5), np.float32(0.0), "%"
        if valid_range:
            variable.valid_range = np.array([0, 200], np.uint8).view(stored)  # 0 … 200 unsigned: 0b, -56b
        variable[:] = RAW_CLOUD.view(stored)
    return create


def _expected_cloud():
    """By hand: the unsigned bytes times 0.5 %, NaN where the fill 255 is."""
    return np.where(RAW_CLOUD == 255, np.nan, RAW_CLOUD.astype(np.float64) * 0.5)


@pytest.mark.parametrize("flag", [pytest.param("true", id="true"), pytest.param("True", id="True"),
                                  pytest.param("TRUE", id="TRUE"), pytest.param(" true ", id="blanks")])
@pytest.mark.parametrize("valid_range", [pytest.param(False, id="no-valid-range"),
                                         pytest.param(True, id="valid-range")])
def test_unsigned_bytes_are_read_unsigned_whatever_the_case_of_true(tmp_path, flag, valid_range):
    path = _write(tmp_path / "clt.nc", _cloud(flag, valid_range=valid_range))
    values = open_dataset([path])["clt"].values
    np.testing.assert_array_equal(values, _expected_cloud())  # 64 … 100 % stay 64 … 100 %, none dropped


def test_missing_value_of_unsigned_bytes_is_read_unsigned_too(tmp_path):
    # NUG: the attributes of an _Unsigned variable are its type's bits read unsigned (-1b is 255)
    path = _write(tmp_path / "clt_mv.nc", _cloud("true", fill="missing_value"))
    np.testing.assert_array_equal(open_dataset([path])["clt"].values, _expected_cloud())


@pytest.mark.parametrize("flag", [pytest.param("false", id="false"), pytest.param("False", id="False")])
def test_unsigned_false_on_unsigned_bytes_reads_them_signed(tmp_path, flag):
    path = _write(tmp_path / "clt_u1.nc", _cloud(flag, stored="u1"), fmt="NETCDF4")
    # by hand: the bytes read as int8 (128 … 255 → -128 … -1), -1 the fill
    signed = RAW_CLOUD.view(np.int8).astype(np.float64)
    np.testing.assert_array_equal(open_dataset([path])["clt"].values, np.where(signed == -1, np.nan, signed * 0.5))


def test_an_unsigned_flag_neither_true_nor_false_is_refused_in_one_line(tmp_path):
    path = _write(tmp_path / "clt_yes.nc", _cloud("yes"))
    with pytest.raises(ClimannError) as error:
        open_dataset([path])
    message = str(error.value)
    assert "\n" not in message and "'clt'" in message and "'yes'" in message
    assert "ncatted -a _Unsigned,clt,o,c,true" in message and "clt_yes_fixed.nc" in message


#: Fill-like numbers as typed into a double attribute, none of them a float32 number.
FILLS = (1e20, -9999.99, 9.96921e36)


def _float_with_double_missing_value(fill):
    def create(dataset):
        variable = dataset.createVariable("tas", "f4", ("time", "lat", "lon"))
        variable.set_auto_maskandscale(False)
        variable.setncattr("missing_value", np.float64(fill))  # a double, as netCDF4-python's v.missing_value = 1e20
        variable.units = "K"
        raw = np.arange(12, dtype=np.float32).reshape(2, 2, 3) + 280
        raw[0, 1, 2] = raw[1, 0, 0] = np.float32(fill)
        variable[:] = raw
    return create


@pytest.mark.parametrize("fill", [pytest.param(value, id=f"{value:g}") for value in FILLS])
def test_a_double_missing_value_marks_the_float32_values_it_becomes(tmp_path, fill, caplog):
    path = _write(tmp_path / "mv_double.nc", _float_with_double_missing_value(fill))
    forget_notes()
    with caplog.at_level(logging.INFO):
        dataset = open_dataset([path])
        warn_fill_like_values(dataset, ["tas"], where="mv_double.nc", file=path)
    expected = np.arange(12, dtype=np.float32).reshape(2, 2, 3) + 280.0
    expected[0, 1, 2] = expected[1, 0, 0] = np.nan  # by hand: the two cells written as float32(fill)
    np.testing.assert_array_equal(dataset["tas"].values, expected)
    said = [record.getMessage() for record in caplog.records]
    assert any(f"values equal to float32({fill:g}) are missing" in line for line in said)
    assert not any("usual fill value" in line for line in said)


@pytest.mark.parametrize("zarr_format", [2, 3])
def test_a_zarr_store_is_read_by_the_same_rules(tmp_path, zarr_format):
    # The same attributes in a Zarr store: xarray's zarr engine compared the double 1e20 with the float32 data exactly.
    pytest.importorskip("zarr")
    raw = np.arange(12, dtype=np.float32).reshape(2, 2, 3) + 280
    raw[0, 1, 2] = raw[1, 0, 0] = np.float32(1e20)
    cloud = RAW_CLOUD.view(np.int8)
    written = xr.Dataset(
        {"tas": (("time", "lat", "lon"), raw, {"units": "K", "missing_value": np.float64(1e20)}),
         "clt": (("time", "lat", "lon"), cloud,
                 {"units": "%", "_Unsigned": "True", "scale_factor": np.float32(0.5), "missing_value": np.int8(-1)})},
        coords={"time": ("time", [0.0, 31.0], {"units": "days since 2000-01-01"}),
                "lat": ("lat", [-45.0, 45.0], {"units": "degrees_north"}),
                "lon": ("lon", [0.0, 120.0, 240.0], {"units": "degrees_east"})})
    store = tmp_path / "raw.zarr"
    encoding = {name: {"_FillValue": None} for name in ("tas", "clt")}
    written.to_zarr(store, zarr_format=zarr_format, consolidated=False, encoding=encoding)
    dataset = open_dataset([store])
    expected = raw.astype(np.float64)
    expected[0, 1, 2] = expected[1, 0, 0] = np.nan  # by hand: the two cells written as float32(1e20)
    np.testing.assert_array_equal(dataset["tas"].values, expected)
    np.testing.assert_array_equal(dataset["clt"].values, _expected_cloud())


def _double_with_float_missing_value(fill, stored="f8"):
    """Double (or int32) data with a float32 missing_value, as ``ncatted -a missing_value,tas,o,f,FILL`` writes it on
    a double variable: cells written as the decimal itself, as the float32 read into a double, and a near value."""
    def create(dataset):
        variable = dataset.createVariable("tas", stored, ("time", "lat", "lon"))
        variable.set_auto_maskandscale(False)
        variable.setncattr("missing_value", np.float32(fill))
        variable.units = "W m-2"  # no temperature: -999.9 K would be below absolute zero (test_absolute_zero)
        raw = (np.arange(12).reshape(2, 2, 3) + 280).astype(stored)
        raw[0, 0, 1] = fill  # the number as typed (float64 -999.9; int32 -2147483647)
        raw[1, 1, 2] = np.float32(fill)  # the float32 read into the data's type (-999.9000244140625; -2147483648)
        raw[1, 0, 1] = fill * (1 + 1e-5) if stored == "f8" else 7  # data beside it
        variable[:] = raw
        return raw
    return create


@pytest.mark.parametrize("fill, stored", [
    pytest.param(-999.9, "f8", id="-999.9-on-double"),
    pytest.param(1e20, "f8", id="1e20-on-double"),
    pytest.param(-9999.99, "f8", id="-9999.99-on-double"),
    pytest.param(-2147483647, "i4", id="int32-default-fill-on-int"),
])
def test_a_float_missing_value_marks_the_values_that_round_to_it(tmp_path, fill, stored, caplog):
    """The mirror of the double on float32: float32(-999.9) read as a double is -999.9000244,
    which the stored -999.9 never equals (netCDF4-python and xarray mask nothing there)."""
    path = _write(tmp_path / "mv_float.nc", _double_with_float_missing_value(fill, stored))
    forget_notes()
    with caplog.at_level(logging.INFO):
        values = open_dataset([path])["tas"].values
    expected = np.arange(12.0).reshape(2, 2, 3) + 280
    expected[1, 0, 1] = fill * (1 + 1e-5) if stored == "f8" else 7
    expected[0, 0, 1] = expected[1, 1, 2] = np.nan  # by hand: the two cells that are the fill in either form
    np.testing.assert_array_equal(values, expected)
    said = [record.getMessage() for record in caplog.records]
    assert any(f"values equal to it at float32's precision (float32(x) == float32({np.float32(fill):g}))" in line
               for line in said)
    assert not any("marks no value missing" in line or "usual fill value" in line for line in said)


def test_rounding_to_a_float_missing_value_stays_lazy(tmp_path):
    path = _write(tmp_path / "mv_float.nc", _double_with_float_missing_value(-999.9))

    def raising(graph, keys, **kwargs):
        raise AssertionError("dask computed while opening")

    with dask.config.set(scheduler=raising):
        tas = open_dataset([path])["tas"]
    assert tas.chunks is not None
    assert np.isnan(tas.values).sum() == 2


@pytest.mark.parametrize("given, stored, rounds", [
    pytest.param("f4", "f8", True, id="float-on-double"),
    pytest.param("f4", "i4", True, id="float-on-int"),
    pytest.param("f8", "i8", True, id="double-on-int64"),
    pytest.param("f8", "f4", False, id="double-on-float: the attribute rounds"),
    pytest.param("f4", "i2", False, id="float-on-short: exact"),
    pytest.param("i4", "f8", False, id="integer-on-double: exact"),
    pytest.param("f8", "f8", False, id="same"),
])
def test_which_side_is_rounded(given, stored, rounds):
    assert rounds_the_data(np.dtype(given), np.dtype(stored)) is rounds


def test_packed_short_data_take_a_double_missing_value_as_a_packed_value(tmp_path):
    def create(dataset):
        variable = dataset.createVariable("ps", "i2", ("time", "lat", "lon"))
        variable.set_auto_maskandscale(False)
        variable.scale_factor, variable.add_offset, variable.units = 2.0, 100000.0, "Pa"
        variable.missing_value = -32767.0  # the unpacked type; CF §8.1: a packed value
        raw = np.arange(12, dtype=np.int16).reshape(2, 2, 3)
        raw[1, 1, 1] = -32767
        variable[:] = raw
    values = open_dataset([_write(tmp_path / "ps.nc", create)])["ps"].values
    expected = np.arange(12.0).reshape(2, 2, 3) * 2.0 + 100000.0
    expected[1, 1, 1] = np.nan
    np.testing.assert_array_equal(values, expected)


def test_a_missing_value_no_value_of_the_data_equals_is_warned_about(tmp_path, caplog):
    def create(dataset):
        variable = dataset.createVariable("ps", "i2", ("time", "lat", "lon"))
        variable.set_auto_maskandscale(False)
        variable.scale_factor, variable.units = 2.0, "Pa"
        variable.setncattr("missing_value", np.float64(1e20))  # netCDF4-python's attribute setter would cast it
        variable[:] = np.arange(12, dtype=np.int16).reshape(2, 2, 3)
    forget_notes()
    with caplog.at_level(logging.WARNING):
        values = open_dataset([_write(tmp_path / "ps_1e20.nc", create)])["ps"].values
    np.testing.assert_array_equal(values, np.arange(12.0).reshape(2, 2, 3) * 2.0)
    warned = [record.getMessage() for record in caplog.records if "marks no value missing" in record.getMessage()]
    assert len(warned) == 1 and "'ps' in ps_1e20.nc has missing_value = 1e+20 stored as float64" in warned[0]


@pytest.mark.parametrize("key, value, stored, unsigned, expected", [
    pytest.param("missing_value", np.float64(1e20), "f4", None, np.float32(1e20), id="double-on-float32"),
    pytest.param("_FillValue", np.float64(1e20), "f4", None, np.float32(1e20), id="fill-double-on-float32"),
    pytest.param("missing_value", np.float64(-999.0), "i2", None, np.int16(-999), id="integral-double-on-short"),
    pytest.param("missing_value", np.float64(-999.5), "i2", None, None, id="fraction-on-short"),
    pytest.param("missing_value", np.float64(1e40), "f4", None, None, id="beyond-float32"),
    pytest.param("missing_value", np.int32(70000), "i2", None, None, id="beyond-short"),
    pytest.param("missing_value", np.int8(-1), "i1", "true", np.uint8(255), id="unsigned-bits"),
    pytest.param("missing_value", np.float64(-1.0), "i1", "true", np.uint8(255), id="unsigned-bits-of-a-double"),
    pytest.param("missing_value", np.uint8(255), "i1", "true", np.uint8(255), id="unsigned-number"),
    pytest.param("missing_value", np.float64(255.0), "i1", "true", np.uint8(255), id="unsigned-number-as-double"),
    pytest.param("missing_value", np.float64(-200.0), "i1", "true", None, id="beyond-bytes"),
    pytest.param("_FillValue", np.int8(-1), "i1", "true", np.int8(-1), id="unsigned-fill-as-stored"),
    pytest.param("missing_value", np.float32(-999.0), "f4", None, np.float32(-999.0), id="same-type"),
])
def test_fill_values_in_the_type_they_are_compared_in(key, value, stored, unsigned, expected):
    typed = fill_value_in_type(key, value, np.dtype(stored), unsigned)
    if expected is None:
        assert typed is None
    else:
        assert typed.dtype == np.asarray(expected).dtype and typed == expected


def test_attributes_are_stored_as_the_data_are_read_before_decoding():
    floats = xr.Variable("x", np.array([1.0, 1e20], np.float32), {"_FillValue": np.float64(1e20)})
    read = with_stored_values_read("a", floats)
    assert read.attrs["_FillValue"].dtype == np.float32
    raw_bytes = np.array([1, -56, -1], np.int8)  # 1, 200, 255 unsigned
    unsigned = with_stored_values_read("b", xr.Variable("y", raw_bytes, {"_Unsigned": "TRUE", "missing_value": -1.0}))
    assert unsigned.attrs["_Unsigned"] == "true" and unsigned.attrs["missing_value"] == np.uint8(255)
    decoded = xr.decode_cf(xr.Dataset({"a": read, "b": unsigned}))
    np.testing.assert_array_equal(decoded["a"].values, [1.0, np.nan])
    np.testing.assert_array_equal(decoded["b"].values, [1.0, 200.0, np.nan])


def _write_calendar(path, calendar):
    """Two steps of ``tas`` (days 0 and 31 since 2000-01-01), the time's calendar as given."""
    def create(dataset):
        dataset["time"].calendar = calendar
        dataset.createVariable("tas", "f4", ("time", "lat", "lon"))[:] = np.full((2, 2, 3), 280.0)
    return _write(path, create)


@pytest.mark.parametrize("calendar", [
    pytest.param("noleap   ", id="blank-padded"),  # Fortran CHARACTER*9
    pytest.param("  noleap", id="leading-blanks"),
    pytest.param("NoLeap\t ", id="mixed-case-and-tab"),
])
def test_a_padded_calendar_is_read_as_its_name(tmp_path, calendar):
    """break17 F3: ``"noleap   "`` was refused as "not a CF calendar" by a message listing noleap."""
    dataset = open_dataset([_write_calendar(tmp_path / "padded.nc", calendar)])
    # days 0 and 31 since 2000-01-01: 1 January and 1 February, by hand
    assert list(dataset["time"].values) == [cftime.DatetimeNoLeap(2000, 1, 1), cftime.DatetimeNoLeap(2000, 2, 1)]

