"""CF valid ranges applied where files are opened (climann/data/masking.py via open_dataset)."""

from __future__ import annotations

import dask
import netCDF4
import numpy as np
import pytest
import xarray as xr

from climann.data.info import describe, missing_fractions
from climann.data.masking import VALID_RANGE_ATTRIBUTES
from climann.data.open import open_dataset
from climann.errors import ClimannError

LAT = np.array([-50.0, -30.0, -10.0, 10.0, 30.0, 50.0])
LON = np.arange(0.0, 360.0, 45.0)
N_TIME = 24


def _land() -> np.ndarray:
    land = np.zeros((LAT.size, LON.size), bool)
    land[1:3, 2:4] = True
    land[4, 6] = True
    return land


def _write(path, values, dtype, attrs, *, fill_value=None, time_offset=0):
    """A (time, lat, lon) variable ``v`` written exactly as given (no automatic packing or
    masking), with the attributes in ``attrs`` (scale_factor, valid_range, …)."""
    with netCDF4.Dataset(path, "w") as nc:
        nc.createDimension("time", values.shape[0])
        nc.createDimension("lat", LAT.size)
        nc.createDimension("lon", LON.size)
        time = nc.createVariable("time", "f8", ("time",))
        time.units, time.calendar = "days since 2000-01-01", "noleap"
        time[:] = 15 + 30 * (np.arange(values.shape[0]) + time_offset)
        nc.createVariable("lat", "f8", ("lat",))[:] = LAT
        nc.variables["lat"].units = "degrees_north"
        nc.createVariable("lon", "f8", ("lon",))[:] = LON
        nc.variables["lon"].units = "degrees_east"
        variable = nc.createVariable("v", dtype, ("time", "lat", "lon"), fill_value=fill_value)
        variable.set_auto_maskandscale(False)
        for key, value in attrs.items():
            variable.setncattr(key, value)
        variable.units = "degC"
        variable[:] = values
    return path


@pytest.fixture
def packed_sst(tmp_path):
    """The valid_range case: packed int16 SST, valid_range [-300, 4000] in packed units,
    _FillValue -32767 unused, land flagged by -32768 (outside the range only)."""
    rng = np.random.default_rng(5)
    packed = rng.integers(-300, 4001, (N_TIME, LAT.size, LON.size)).astype("i2")
    packed[0, 0, 0], packed[1, 0, 1] = -300, 4000  # the ends of the range are valid
    packed[:, _land()] = -32768
    attrs = {"scale_factor": 0.01, "add_offset": 0.0, "valid_range": np.array([-300, 4000], "i2")}
    return _write(tmp_path / "sst.nc", packed, "i2", attrs, fill_value=np.int16(-32767)), packed


def test_values_outside_a_packed_valid_range_are_missing(packed_sst):
    path, packed = packed_sst
    tos = open_dataset([path])["v"]
    expected = np.where((packed >= -300) & (packed <= 4000), packed * 0.01, np.nan)
    np.testing.assert_array_equal(tos.values, expected)
    assert np.isnan(tos.values[:, _land()]).all() and np.isfinite(tos.values[:, ~_land()]).all()
    assert not set(VALID_RANGE_ATTRIBUTES) & set(tos.attrs)  # packed limits would be wrong on unpacked data


def test_masking_is_lazy(packed_sst):
    def raising(graph, keys, **kwargs):
        raise AssertionError("dask computed while opening")

    with dask.config.set(scheduler=raising):
        dataset = open_dataset([packed_sst[0]])
    assert dataset["v"].chunks is not None


def test_info_reports_the_missing_fraction_after_masking(packed_sst):
    path, _ = packed_sst
    fraction = _land().sum() / _land().size
    assert missing_fractions(open_dataset([path]), ["v"])["v"] == pytest.approx(fraction)
    row = next(line for line in describe([str(path)]).splitlines() if line.lstrip("# ").startswith("v "))
    assert f"{100 * fraction:.1f}%" in row


@pytest.mark.parametrize(
    ("attrs", "low", "high"),
    [
        pytest.param({"valid_min": np.float32(-2.0), "valid_max": np.float32(30.0)}, -2.0, 30.0, id="min-and-max"),
        pytest.param({"valid_min": np.float32(0.0)}, 0.0, np.inf, id="min-only"),
        pytest.param({"valid_max": np.float32(10.0)}, -np.inf, 10.0, id="max-only"),
        pytest.param({"valid_range": np.array([-1.0, 5.0], "f4")}, -1.0, 5.0, id="range"),
    ],
)
def test_unpacked_float_data_with_valid_limits(tmp_path, attrs, low, high):
    values = np.random.default_rng(1).uniform(-10, 40, (N_TIME, LAT.size, LON.size)).astype("f4")
    path = _write(tmp_path / "float.nc", values, "f4", attrs)
    opened = open_dataset([path])["v"].values
    np.testing.assert_array_equal(opened, np.where((values >= low) & (values <= high), values, np.nan))


def test_a_valid_range_of_the_unpacked_type_is_in_unpacked_units(tmp_path):
    """NUG: a valid_range of the type of scale_factor (not of the stored data) applies to
    the unpacked values."""
    packed = np.arange(N_TIME * LAT.size * LON.size).reshape(N_TIME, LAT.size, LON.size).astype("i2") - 500
    attrs = {"scale_factor": np.float32(0.1), "add_offset": np.float32(5.0), "valid_range": np.array([0.0, 40.0], "f4")}
    path = _write(tmp_path / "packed_float_range.nc", packed, "i2", attrs)
    unpacked = packed.astype("f4") * np.float32(0.1) + np.float32(5.0)
    opened = open_dataset([path])["v"].values
    np.testing.assert_array_equal(opened, np.where((unpacked >= 0) & (unpacked <= 40), unpacked, np.nan))
    assert np.isnan(opened).any() and np.isfinite(opened).any()


def test_a_negative_scale_factor_swaps_the_ends(tmp_path):
    packed = np.arange(-60, 60).reshape(1, 1, 120).repeat(N_TIME, 0)[:, :, : LON.size].repeat(LAT.size, 1)
    packed = packed.astype("i2")
    path = _write(tmp_path / "negative.nc", packed, "i2", {"scale_factor": -0.5, "valid_min": np.int16(-58)})
    opened = open_dataset([path])["v"].values
    np.testing.assert_array_equal(opened, np.where(packed >= -58, packed * -0.5, np.nan))


def test_each_file_is_masked_with_its_own_packing(tmp_path):
    """Two files of one variable packed differently: each file's limits unpack with its own
    scale_factor."""
    first = np.full((12, LAT.size, LON.size), 100, "i2")
    first[:, 0, 0] = 1000  # outside [0, 500] packed
    second = np.full((12, LAT.size, LON.size), 100, "i2")
    second[:, 0, 1] = -1
    _write(tmp_path / "a.nc", first, "i2", {"scale_factor": 0.1, "valid_range": np.array([0, 500], "i2")})
    _write(tmp_path / "b.nc", second, "i2", {"scale_factor": 0.01, "valid_range": np.array([0, 500], "i2")},
           time_offset=12)
    opened = open_dataset([tmp_path / "a.nc", tmp_path / "b.nc"])["v"].values
    assert np.isnan(opened[:12, 0, 0]).all() and np.isnan(opened[12:, 0, 1]).all()
    assert np.isnan(opened).sum() == 24
    np.testing.assert_allclose(opened[:12, 1, 1], 10.0)
    np.testing.assert_allclose(opened[12:, 1, 1], 1.0)


def test_a_file_without_valid_limits_is_unchanged(tmp_path):
    values = np.random.default_rng(2).normal(0, 1000, (N_TIME, LAT.size, LON.size)).astype("f4")
    values[0, 0, 0] = -999.0
    path = _write(tmp_path / "plain.nc", values, "f4", {"missing_value": np.float32(-999.0)})
    ours = open_dataset([path])["v"]
    with xr.open_dataset(path) as plain:
        xr.testing.assert_identical(ours.load(), plain["v"].load())


@pytest.mark.parametrize(
    ("stored", "attrs", "low", "high"),
    [
        pytest.param("i2", {"scale_factor": 0.005, "add_offset": 150.0, "_FillValue": np.int16(-1),
                            "valid_min": np.int16(0), "valid_max": np.int16(-2)}, 0, 65534, id="short-min-max"),
        pytest.param("i2", {"valid_min": np.int16(-32768)}, 32768, 65535, id="short-min-only-unpacked"),
        pytest.param("i1", {"scale_factor": 0.5, "valid_range": np.array([0, -56], "i1")}, 0, 200, id="byte-range"),
        pytest.param("i1", {"valid_max": np.int8(-56)}, 0, 200, id="byte-max-only-unpacked"),
        pytest.param("i1", {"valid_range": np.array([10, 100], "i1")}, 10, 100, id="byte-positive-range"),
    ],
)
def test_valid_limits_of_unsigned_data_are_read_unsigned(tmp_path, stored, attrs, low, high):
    """NUG, _Unsigned = "true": the stored signed integers and the limits of their type are
    unsigned; -2s is 65534, -56b is 200."""
    unsigned = np.dtype(f"u{np.dtype(stored).itemsize}")
    top = np.iinfo(unsigned).max
    rng = np.random.default_rng(3)
    values = rng.integers(0, top + 1, (N_TIME, LAT.size, LON.size)).astype(unsigned)
    values.flat[:6] = [0, low, high, top, top - 1, low - 1 if low else 1]  # the ends and just beyond
    fill = attrs.get("_FillValue")
    path = _write(tmp_path / "unsigned.nc", values.view(stored), stored,
                  {"_Unsigned": "true", **{k: v for k, v in attrs.items() if k != "_FillValue"}}, fill_value=fill)
    # by hand: masked outside [low, high] (unsigned) and at the fill value (-1s is 65535)
    valid = (values >= low) & (values <= high)
    if fill is not None:
        valid &= values != np.array(fill).view(unsigned)
    expected = np.where(valid, values * attrs.get("scale_factor", 1.0) + attrs.get("add_offset", 0.0), np.nan)
    opened = open_dataset([path])["v"].values
    np.testing.assert_allclose(opened, expected, rtol=1e-6)
    assert np.isfinite(opened).any() and np.isnan(opened).any()


# --- numeric attributes stored as text ----------------------------------------------------------
@pytest.mark.parametrize(
    ("attrs", "key", "fix"),
    [
        pytest.param({"missing_value": "-999"}, "missing_value", "ncatted -a missing_value,v,o,f,-999 text.nc text_fixed.nc",
                     id="missing_value"),
        pytest.param({"valid_range": "-5 40"}, "valid_range", "ncatted -a valid_range,v,o,f,-5,40 text.nc text_fixed.nc",
                     id="valid_range"),
        pytest.param({"valid_min": "-5"}, "valid_min", "ncatted -a valid_min,v,o,f,-5 text.nc text_fixed.nc",
                     id="valid_min"),
        pytest.param({"scale_factor": "0.01"}, "scale_factor", "ncatted -a scale_factor,v,o,f,0.01 text.nc text_fixed.nc",
                     id="scale_factor"),
        pytest.param({"add_offset": "273.15"}, "add_offset", "ncatted -a add_offset,v,o,f,273.15 text.nc text_fixed.nc",
                     id="add_offset"),
    ],
)
def test_a_numeric_attribute_stored_as_text_is_refused_with_the_fix(tmp_path, monkeypatch, attrs, key, fix):
    monkeypatch.chdir(tmp_path)
    values = np.where(_land(), -999.0, 20.0) * np.ones((N_TIME, 1, 1))
    path = _write(tmp_path / "text.nc", values.astype("f4"), "f4", {})
    with netCDF4.Dataset(path, "a") as nc:
        for name, value in attrs.items():
            nc.variables["v"].setncattr_string(name, value)
    with pytest.raises(ClimannError, match=f"^'v' in text.nc has {key} stored as text") as error:
        open_dataset([path])
    assert str(error.value).endswith(fix) and "\n" not in str(error.value)


# --- fill-like values without an attribute -----------------------------------------------------
def _fill_like_dataset(n_time: int, value: float, dtype: str = "f4") -> xr.Dataset:
    import cftime

    values = np.full((n_time, LAT.size, LON.size), 280.0)
    values[:, _land()] = value  # 5 land cells of 48
    times = [cftime.datetime(2000 + k // 12, k % 12 + 1, 15, calendar="noleap") for k in range(n_time)]
    return xr.Dataset({"tas": (("time", "lat", "lon"), values.astype(dtype)),
                       "ok": (("time", "lat", "lon"), np.zeros_like(values, dtype))},
                      coords={"time": times, "lat": LAT, "lon": LON}).chunk({"time": 5})


@pytest.mark.parametrize(
    ("value", "dtype", "letter"),
    [
        pytest.param(1e20, "f4", "f", id="1e20-float32"),
        pytest.param(-9999.0, "f8", "d", id="-9999-double"),
        pytest.param(9.969209968386869e36, "f4", "f", id="netcdf-default-fill"),
    ],
)
def test_a_fill_like_value_without_an_attribute_is_named_with_its_count(caplog, value, dtype, letter):
    import logging

    from climann.data.masking import warn_fill_like_values

    with caplog.at_level(logging.WARNING, logger="climann"):
        warn_fill_like_values(_fill_like_dataset(48, value, dtype), ["tas", "ok", "absent"], where="a.nc", file="a.nc")
    # 24 of the 48 steps checked (evenly spaced), 5 land cells each: 120 of 24 × 48 = 1152 values
    expected = (f"'tas' in a.nc holds {value:g} at 120 of the 1152 values checked, a usual fill value that no "
                f"_FillValue or missing_value marks as missing, so they are used as data; if they are missing "
                f"values: ncatted -a _FillValue,tas,o,{letter},{value:g} a.nc a_fixed.nc")
    assert [record.getMessage() for record in caplog.records] == [expected]


def test_ordinary_values_and_marked_fill_values_give_no_warning(caplog):
    import logging

    from climann.data.masking import warn_fill_like_values

    with caplog.at_level(logging.WARNING, logger="climann"):
        warn_fill_like_values(_fill_like_dataset(6, np.nan), ["tas", "ok"], where="a.nc", file="a.nc")
    assert caplog.records == []


def _packed_tas(path, valid_range):
    """int16 tas packed with float32 scale 0.01 and offset 280 K: 260 … 300 K, every value inside 200 … 360 K."""
    values = np.linspace(260.0, 300.0, 4 * 3 * 4).reshape(4, 3, 4)
    with netCDF4.Dataset(path, "w") as handle:
        for name, size in (("time", 4), ("lat", 3), ("lon", 4)):
            handle.createDimension(name, size)
        handle.createVariable("time", "f8", ("time",))[:] = np.arange(4) * 30.0 + 15
        handle["time"].units = "days since 2000-01-01"
        handle.createVariable("lat", "f8", ("lat",))[:] = [-60.0, 0.0, 60.0]
        handle["lat"].units = "degrees_north"
        handle.createVariable("lon", "f8", ("lon",))[:] = [0.0, 90.0, 180.0, 270.0]
        handle["lon"].units = "degrees_east"
        tas = handle.createVariable("tas", "i2", ("time", "lat", "lon"), fill_value=np.int16(-32767))
        tas.set_auto_maskandscale(False)
        tas.scale_factor, tas.add_offset, tas.units = np.float32(0.01), np.float32(280.0), "K"
        tas.setncattr("valid_range", valid_range)
        tas[:] = np.round((values - 280.0) / 0.01).astype("i2")
    return path, values


@pytest.mark.parametrize("valid_range, kept", [
    pytest.param(np.array([200.0, 360.0], "f8"), 2, id="double: neither type, read packed, warned"),
    pytest.param(np.array([200.0, 360.0], "f4"), 48, id="float: the unpacked type"),
    pytest.param(np.array([-4000, 4000], "i2"), 48, id="short: the packed type"),
])
def test_limits_of_neither_the_packed_nor_the_unpacked_type_are_read_packed_with_a_warning(tmp_path, caplog,
                                                                                          valid_range, kept):
    """A double valid_range beside a float scale_factor is read packed (282.0 … 283.6 K), as
    netCDF-Java and netCDF4-python read it; the warning gives the other reading's fix."""
    from climann.data.notes import forget_notes

    forget_notes()
    path, values = _packed_tas(tmp_path / "tas.nc", valid_range)
    with caplog.at_level("WARNING"):
        tas = open_dataset([path])["tas"].values
    low, high = (-np.inf, np.inf) if kept == 48 else (280 + 200 * 0.01, 280 + 360 * 0.01)
    inside = (values >= low - 1e-4) & (values <= high + 1e-4)
    assert np.count_nonzero(np.isfinite(tas)) == np.count_nonzero(inside) == kept
    warned = [record.getMessage() for record in caplog.records if "neither its packed type" in record.getMessage()]
    if kept == 48:
        assert warned == []
    else:
        assert len(warned) == 1 and "`ncatted -a valid_range,tas,o,f,200,360 " in warned[0]
        assert "values outside 282 … 283.6 K are missing" in warned[0]
