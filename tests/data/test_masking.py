"""CF valid ranges applied where files are opened (climann/data/masking.py via open_dataset)."""

from __future__ import annotations

import dask
import netCDF4
import numpy as np
import pytest
import xarray as xr

from climann.data import shell
from climann.data.info import describe, missing_fractions
from climann.data.masking import VALID_RANGE_ATTRIBUTES, mask_invalid
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


def _write(path, values, dtype, attrs, *, fill_value=None, time_offset=0, units="degC"):
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
        variable.units = units
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


def test_a_valid_range_is_one_dask_operation_per_file_and_variable(packed_sst):
    """Counted, not timed: xarray's where of (v >= low) & (v <= high) built four dask operations
    for each file and variable (issue 15: 85 s of 305 s for 300 daily GHRSST files)."""
    path, packed = packed_sst
    with xr.open_dataset(path, chunks={}) as opened:
        masked = mask_invalid(opened)
        added = set(masked["v"].data.dask.layers) - set(opened["v"].data.dask.layers)
        assert len(added) == 1
        assert masked["v"].dtype == opened["v"].where(opened["v"] > 0).dtype  # xarray's promotion kept
        expected = np.where((packed >= -300) & (packed <= 4000), packed * 0.01, np.nan)
        np.testing.assert_array_equal(masked["v"].values, expected)


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
    # no temperature: values below -273.15 degC would be read as missing (test_absolute_zero)
    path = _write(tmp_path / "plain.nc", values, "f4", {"missing_value": np.float32(-999.0)}, units="W m-2")
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
        pytest.param({"missing_value": "-999 K"}, "missing_value",
                     "ncatted -a missing_value,v,o,f,NUMBER text.nc text_fixed.nc", id="missing_value with units"),
        pytest.param({"valid_range": "-5"}, "valid_range", "ncatted -a valid_range,v,o,f,LOW,HIGH text.nc text_fixed.nc",
                     id="valid_range of one number"),
        pytest.param({"valid_min": "-5 40"}, "valid_min", "ncatted -a valid_min,v,o,f,NUMBER text.nc text_fixed.nc",
                     id="valid_min of two numbers"),
        pytest.param({"valid_max": "forty"}, "valid_max", "ncatted -a valid_max,v,o,f,NUMBER text.nc text_fixed.nc",
                     id="valid_max not a number"),
        pytest.param({"scale_factor": "1/100"}, "scale_factor",
                     "ncatted -a scale_factor,v,o,f,NUMBER text.nc text_fixed.nc", id="scale_factor"),
        pytest.param({"add_offset": "273.15f"}, "add_offset", "ncatted -a add_offset,v,o,f,NUMBER text.nc text_fixed.nc",
                     id="add_offset"),
    ],
)
def test_a_numeric_attribute_stored_as_text_is_refused_with_the_fix(tmp_path, monkeypatch, attrs, key, fix):
    """A text that is not exactly its number (fix35c: one that is, is read as it: tests/data/test_text_numbers.py)."""
    monkeypatch.chdir(tmp_path)
    values = np.where(_land(), -999.0, 20.0) * np.ones((N_TIME, 1, 1))
    path = _write(tmp_path / "text.nc", values.astype("f4"), "f4", {})
    with netCDF4.Dataset(path, "a") as nc:
        for name, value in attrs.items():
            nc.variables["v"].setncattr_string(name, value)
    with pytest.raises(ClimannError, match=f"^'v' in text.nc has {key} stored as text") as error:
        open_dataset([path])
    assert f"`{fix}`, or with xarray: `{shell.advised_python()} -c " in str(error.value) and "\n" not in str(error.value)


def _ceres_like(path, name, valid_min, valid_max):
    """A CERES EBAF Ed4.x-like float32 flux (W m-2) with _FillValue -999 and the limits as
    given (text, as CERES writes them, or numbers, as after the ncatted fix): values from -50
    to 650 W m-2, so that some lie outside 0 … 600, and a few fill values."""
    values = np.linspace(-50.0, 650.0, N_TIME * LAT.size * LON.size).reshape(N_TIME, LAT.size, LON.size)
    values[0, 0, :2] = -999.0
    _write(path, values.astype("f4"), "f4", {"valid_min": valid_min, "valid_max": valid_max},
           fill_value=np.float32(-999.0), units="W m-2")
    with netCDF4.Dataset(path, "a") as nc:
        nc.renameVariable("v", name)
    return path


def test_limits_stored_as_text_of_one_number_mask_as_the_numbers_do_in_every_file(tmp_path, caplog):
    from climann.data.notes import forget_notes

    files = {"toa_sw_all_mon": ("    0.00000", "600.000"), "sfc_net_tot_all_mon": ("-400.000", "600.000")}
    texts = [_ceres_like(tmp_path / f"{name}.nc", name, *limits) for name, limits in files.items()]
    numbers = [_ceres_like(tmp_path / f"{name}_fixed.nc", name, *(np.float32(limit) for limit in limits))
               for name, limits in files.items()]
    forget_notes()
    with caplog.at_level("INFO", logger="climann.data.text_numbers"):
        read = open_dataset(texts)
    fixed = open_dataset(numbers)
    for name in files:
        expected = fixed[name].values
        assert 0 < np.isnan(expected).sum() < expected.size
        np.testing.assert_array_equal(read[name].values, expected)
    said = [record.getMessage() for record in caplog.records if "numeric attributes as text" in record.getMessage()]
    assert len(said) == 2
    assert "'toa_sw_all_mon' valid_min '0.00000' as float32(0.0)" in said[0] + said[1]
    assert "'sfc_net_tot_all_mon' valid_min '-400.000' as float32(-400.0)" in said[0] + said[1]


def _packed_tas(path, valid_range=None, *, limits=None, names=("tas",)):
    """int16 tas packed with float32 scale 0.01 and offset 280 K: 260 … 300 K, every value inside 200 … 360 K;
    its valid_range, or the attributes ``limits`` (valid_min, valid_max); ``names``: variables written so."""
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
        for name in names:
            tas = handle.createVariable(name, "i2", ("time", "lat", "lon"), fill_value=np.int16(-32767))
            tas.set_auto_maskandscale(False)
            tas.scale_factor, tas.add_offset, tas.units = np.float32(0.01), np.float32(280.0), "K"
            for key, value in ({"valid_range": valid_range} if limits is None else limits).items():
                tas.setncattr(key, value)
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


def _limit_warnings(caplog, path):
    from climann.data.notes import forget_notes

    forget_notes()
    caplog.clear()
    with caplog.at_level("WARNING"):
        dataset = open_dataset([path])
    return dataset, [record.getMessage() for record in caplog.records if "(CF §8.1)" in record.getMessage()]


@pytest.mark.parametrize("limits, low, high", [
    pytest.param({"valid_min": 270.5, "valid_max": 290.5}, 270.5, 290.5, id="fractions"),
    # read packed (netCDF-Java) they would be -120 … 282.9 K; netCDF4-python ignores the one beyond short
    pytest.param({"valid_min": -40000.0, "valid_max": 290.0}, -40000.0, 290.0, id="beyond-short"),
])
def test_double_limits_that_no_packed_value_equals_are_in_the_data_units(tmp_path, caplog, monkeypatch,
                                                                        limits, low, high):
    """recheck10 F4: valid_min/valid_max 90000, 110000 (doubles, Pa) on packed short psl were read as packed values,
    119000 … 123000 Pa, and every value was lost; the advice was two ncatted commands writing the same copy."""
    monkeypatch.chdir(tmp_path)
    path, values = _packed_tas(tmp_path / "tas.nc", limits={key: np.float64(value) for key, value in limits.items()})
    dataset, warned = _limit_warnings(caplog, path)
    inside = (values >= low - 1e-4) & (values <= high + 1e-4)  # by hand, in K
    assert 0 < np.count_nonzero(inside) < values.size
    np.testing.assert_array_equal(np.isfinite(dataset["tas"].values), inside)
    assert len(warned) == 1 and "so the limits are not packed values: read in the data's units" in warned[0]
    assert f"values outside {low:g} … {high:g} K are missing" in warned[0]
    command = f"ncatted -a valid_min,tas,o,f,{limits['valid_min']:g} -a valid_max,tas,o,f,{limits['valid_max']:g}"
    assert warned[0].endswith(f"`{command} tas.nc tas_fixed.nc`")
    # the command followed (ncatted emulated): both limits in the unpacked type, the same values, no warning
    fixed_path, _ = _packed_tas(tmp_path / "tas_fixed.nc", limits={key: np.float32(value) for key, value in limits.items()})
    fixed, warned = _limit_warnings(caplog, fixed_path)
    assert warned == []
    np.testing.assert_array_equal(np.isfinite(fixed["tas"].values), inside)


def test_a_half_stored_limit_pair_is_named_by_its_types(tmp_path, caplog, monkeypatch):
    """One limit stored in the unpacked type, one as a double: the warning names the double and fixes only it."""
    monkeypatch.chdir(tmp_path)
    path, _ = _packed_tas(tmp_path / "tas.nc", limits={"valid_min": np.float64(270.5), "valid_max": np.float32(290.5)})
    _, [warned] = _limit_warnings(caplog, path)
    assert warned.startswith("'tas' in tas.nc has valid_min 270.5 (float64), valid_max 290.5 (float32), valid_min in "
                             "neither its packed type (int16) nor its unpacked type (float32)")
    assert warned.endswith("`ncatted -a valid_min,tas,o,f,270.5 tas.nc tas_fixed.nc`")


def test_the_limits_of_every_variable_of_a_file_are_fixed_by_one_command(tmp_path, caplog, monkeypatch):
    monkeypatch.chdir(tmp_path)
    limits = {"valid_min": np.float64(270.5), "valid_max": np.float64(290.5)}
    path, _ = _packed_tas(tmp_path / "tas.nc", limits=limits, names=("tas", "ts"))
    _, warned = _limit_warnings(caplog, path)
    command = ("`ncatted -a valid_min,tas,o,f,270.5 -a valid_max,tas,o,f,290.5 -a valid_min,ts,o,f,270.5 "
               "-a valid_max,ts,o,f,290.5 tas.nc tas_fixed.nc`")
    assert len(warned) == 2 and all(line.endswith(command) for line in warned)


def test_several_text_attributes_are_fixed_by_one_command(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    values = np.where(_land(), -999.0, 20.0) * np.ones((N_TIME, 1, 1))
    path = _write(tmp_path / "text.nc", values.astype("f4"), "f4", {})
    with netCDF4.Dataset(path, "a") as nc:
        nc.variables["v"].setncattr_string("missing_value", "-999.")
        nc.variables["v"].setncattr_string("valid_range", "-5 40 60")
        nc.variables["v"].setncattr_string("valid_max", "n/a")
    with pytest.raises(ClimannError) as error:
        open_dataset([path])
    assert str(error.value).startswith(
        "'v' in text.nc has valid_range stored as text ('-5 40 60'), valid_max ('n/a'), not as numbers, in a text that "
        "is not exactly one decimal number (two for valid_range) of the variable's type, so the number meant is not "
        "said; store them as numbers: `ncatted -a valid_range,v,o,f,LOW,HIGH -a valid_max,v,o,f,NUMBER text.nc "
        f"text_fixed.nc`, or with xarray: `{shell.advised_python()} -c ")


def _flagged_snow(path, values, dtype, attrs, *, name="swe"):
    """A (time, lat, lon) snow variable of 4 × 3 × 5 written as given, ``_Unsigned`` for bytes."""
    with netCDF4.Dataset(path, "w") as nc:
        nc.createDimension("time", 4)
        nc.createDimension("lat", 3)
        nc.createDimension("lon", 5)
        nc.createVariable("time", "f8", ("time",))[:] = np.arange(4.0)
        nc["time"].units = "days since 2000-01-01"
        nc.createVariable("lat", "f8", ("lat",))[:] = [60.0, 61.0, 62.0]
        nc.createVariable("lon", "f8", ("lon",))[:] = np.arange(5.0)
        variable = nc.createVariable(name, dtype, ("time", "lat", "lon"), fill_value=False)
        variable.set_auto_maskandscale(False)
        variable.setncatts(attrs)
        variable[:] = values


_SWE = {"long_name": "Snow Water Equivalent", "units": "mm"}
_COVER = {"long_name": "Snow cover", "standard_name": "surface_snow_area_fraction", "units": "%"}


@pytest.mark.parametrize(("name", "dtype", "attrs", "codes", "meanings", "absent"), [
    pytest.param("swe", "i4", _SWE, [-2, -1, 0], "water mountain no_snow", [0], id="no-valid-range-codes-below-0"),
    pytest.param("swe", "i4", {**_SWE, "valid_min": np.int32(1)}, [-2, -1, 0], "water mountain no_snow", [0],
                 id="valid-min-only"),
    pytest.param("scfg", "u1", {**_COVER, "valid_range": np.array([0, 100], "u1"), "_Unsigned": "true"}, [254, 255],
                 "water no_snow", [255], id="uint8-cover-255-no_snow"),
    pytest.param("swe", "u1", {**_SWE, "valid_max": np.uint8(250), "_Unsigned": "true"}, [254, 255],
                 "water no_snow", [255], id="uint8-swe-255-no_snow-valid-max"),
    pytest.param("swe", "u1", {**_SWE, "_Unsigned": "true"}, [255], "no_snow", [255],
                 id="uint8-swe-255-no_snow-alone-no-valid-range"),
])
def test_a_flag_that_says_no_snow_is_0_whatever_its_value_and_the_range_given(tmp_path, name, dtype, attrs, codes,
                                                                               meanings, absent):
    """fix50c item 2: a flag meaning the substance is absent is 0 of the quantity, its other codes missing, beside a
    valid range, a valid_min alone or none, at 0 or at 255. On main, without a valid range, Snow CCI's -2 and -1
    beside 0 "no_snow" were read as SWE (here a mean of 36.6 mm over 60 values against numpy's 46.12 over 48);
    255 "no_snow" on a snow cover in % was read as missing (53.52 % over 48 against 47.57 % over 54), and alone on
    SWE without a range as 255 mm (73.18 mm against 47.68). The truth is numpy's."""
    rng = np.random.default_rng(50)
    stored = rng.integers(1, 100, (4, 3, 5)).astype(dtype)
    where = rng.permutation(stored.size)
    for number, code in enumerate(codes):  # each code on 6 cells, the rest data
        stored.reshape(-1)[where[6 * number:6 * number + 6]] = code
    path = tmp_path / "snow.nc"
    _flagged_snow(path, stored, dtype, {**attrs, "flag_values": np.array(codes, dtype), "flag_meanings": meanings},
                  name=name)
    truth = np.where(np.isin(stored, absent), 0.0, np.where(np.isin(stored, codes), np.nan, stored.astype(float)))
    read = open_dataset([path])[name].values.astype(float)
    np.testing.assert_array_equal(read, truth)
    assert np.nanmean(read) == pytest.approx(np.nanmean(truth), rel=1e-12)


def test_no_snow_beside_a_code_within_the_range_of_swe_is_refused_and_the_line_followed_reads_it_as_0(tmp_path,
                                                                                                       monkeypatch):
    """fix50c item 2: SWE in mm (no standard_name, no valid range) as unsigned bytes with 254 "water" and 255
    "no_snow": on main both were read as millimetres, unsaid (a mean of 96.43 mm over 60 values against numpy's 41.15 over 54). The flag
    "no_snow" says the variable is an amount with codes, and 254 lies within its values: refused in one line, whose
    ncatted marks 254 missing and not 255, then read as 0 mm; the values then are numpy's."""
    from tests.followed_twice import run_one_copy

    from climann.data.flags import refuse_codes_within_range

    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(51)
    stored = rng.integers(1, 100, (4, 3, 5)).astype("u1")
    cells = rng.permutation(stored.size)
    stored.reshape(-1)[cells[:6]], stored.reshape(-1)[cells[6:14]] = 254, 255
    _flagged_snow(tmp_path / "snow.nc", stored, "u1", {**_SWE, "_Unsigned": "true", "flag_values": np.array(
        [254, 255], "u1"), "flag_meanings": "water no_snow"})
    opened = open_dataset([tmp_path / "snow.nc"])
    with pytest.raises(ClimannError) as error:
        refuse_codes_within_range(opened, ["swe"], where="snow.nc")
    message = str(error.value)
    assert "\n" not in message and "255 (no_snow) says none of it" in message
    marking = message[message.index("mark them missing: "):message.index(" (or set a valid_min")]
    assert "&& ncatted -a missing_value,swe,o,ub,254 snow.nc flag_codes_missing/snow.nc`" in marking
    # run as printed, by bash: its copy in a new folder, none beside snow.nc (fix56b: snow_fixed.nc was there)
    followed = run_one_copy(marking, tmp_path)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["flag_codes_missing", "snow.nc"]
    fixed = open_dataset([tmp_path / followed["copy"]])
    truth = np.where(stored == 255, 0.0, np.where(stored == 254, np.nan, stored.astype(float)))
    np.testing.assert_array_equal(fixed["swe"].values.astype(float), truth)
    refuse_codes_within_range(fixed, ["swe"], where="snow.nc")  # no longer refused
