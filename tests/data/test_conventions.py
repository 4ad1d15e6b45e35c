"""Each file convention climann meets, on a tiny file that has it, read through the public
functions: ``open_dataset(expand_paths(...))`` then ``build_pointwise_samples``."""

import cftime
import netCDF4
import numpy as np
import pytest
import xarray as xr

from climann.data.open import expand_paths, open_dataset
from climann.data.pointwise import build_pointwise_samples
from climann.data.variables import data_variable_names
from climann.errors import ClimannError
from tests.conftest import grid_dataset


def _open(path):
    return open_dataset(expand_paths([str(path)]))


def _column(samples, name):
    return samples.inputs[:, samples.feature_names.index(name)]


def _assert_samples_are_the_cells_values(samples, dataset, names=("time", "lat", "lon")):
    """Target and ``pred`` of every sample are the file's values at its cell, and the
    grid_dataset relation tas = 250 + 10 pred + 0.5 lat holds sample by sample."""
    expected_tas = dataset["tas"].transpose(*names).values
    expected_pred = dataset["pred"].transpose(*names).values
    np.testing.assert_array_equal(samples.layout.to_grid(samples.target[:, 0], samples.flat_index), expected_tas)
    np.testing.assert_array_equal(samples.layout.to_grid(_column(samples, "pred"), samples.flat_index), expected_pred)
    relation = 250 + 10 * _column(samples, "pred") + 0.5 * _column(samples, "lat")
    np.testing.assert_allclose(samples.target[:, 0], relation, rtol=1e-6)


# --- NetCDF3 -------------------------------------------------------------------------------


@pytest.mark.parametrize("engine", [pytest.param("netcdf4", id="netCDF4"), pytest.param("scipy", id="scipy")])
def test_netcdf3_classic_file(tmp_path, engine):
    path = tmp_path / "classic.nc"
    dataset = grid_dataset(n_years=1)
    dataset.to_netcdf(path, format="NETCDF3_CLASSIC", engine=engine)
    with netCDF4.Dataset(path) as raw:
        assert raw.data_model == "NETCDF3_CLASSIC"
    samples = build_pointwise_samples(_open(path), target="tas", predictors=["pred"], features=["lat"])
    _assert_samples_are_the_cells_values(samples, dataset)


# --- calendars -----------------------------------------------------------------------------

#: 1900 is a leap year only in the julian and all_leap calendars (Gregorian: not divisible by 400).
#: Hand-computed (day of year of 1 January, 1 March, 1 July; days in 1900) for each calendar.
CALENDAR_DAYS = {
    "standard": ((1, 60, 182), 365),
    "proleptic_gregorian": ((1, 60, 182), 365),
    "noleap": ((1, 60, 182), 365),
    "365_day": ((1, 60, 182), 365),
    "all_leap": ((1, 61, 183), 366),
    "360_day": ((1, 61, 181), 360),
    "julian": ((1, 61, 183), 366),
}
#: cftime's own name of each calendar (365_day is an alias of noleap).
CFTIME_NAMES = {"365_day": "noleap"}


def _calendar_file(tmp_path, calendar):
    times = [cftime.datetime(1900, month, 1, calendar=calendar) for month in (1, 3, 7)]
    lat, lon = np.array([-45.0, 45.0]), np.array([90.0, 270.0])
    tas = 250 + np.arange(3 * 2 * 2, dtype=np.float32).reshape(3, 2, 2)  # 0 K is no temperature (absolute_zero)
    dataset = xr.Dataset(
        {"tas": (("time", "lat", "lon"), tas, {"units": "K"})},
        coords={
            "time": ("time", times, {"standard_name": "time", "axis": "T"}),
            "lat": ("lat", lat, {"standard_name": "latitude", "units": "degrees_north"}),
            "lon": ("lon", lon, {"standard_name": "longitude", "units": "degrees_east"}),
        },
    )
    dataset["time"].encoding.update({"units": "days since 1900-01-01", "calendar": calendar})
    path = tmp_path / f"{calendar}.nc"
    dataset.to_netcdf(path)
    return path, tas


@pytest.mark.parametrize("calendar", [pytest.param(name, id=name) for name in CALENDAR_DAYS])
def test_calendars_are_decoded_with_cftime_and_seasons_follow_them(tmp_path, calendar):
    path, tas = _calendar_file(tmp_path, calendar)
    with netCDF4.Dataset(path) as raw:
        assert raw["time"].calendar == calendar
    dataset = _open(path)
    # dated by the stamps: the days of the year in each calendar (by their months' middles, the
    # default, see tests/data/test_time_cells.py)
    samples = build_pointwise_samples(dataset, target="tas", predictors=[], features=["season"],
                                      season_dated_by="stamp")
    times = dataset["time"].values
    assert all(isinstance(t, cftime.datetime) and t.calendar == CFTIME_NAMES.get(calendar, calendar) for t in times)
    assert [(t.month, t.day) for t in times] == [(1, 1), (3, 1), (7, 1)]
    assert samples.layout.calendar == calendar
    assert samples.layout.time_units.startswith("days since 1900-01-01")
    days_of_year, year_length = CALENDAR_DAYS[calendar]
    angle = 2 * np.pi * (np.array(days_of_year) - 1) / year_length
    per_time = samples.layout.time_index(samples.flat_index)
    np.testing.assert_allclose(_column(samples, "season_sin"), np.sin(angle)[per_time], atol=1e-6)
    np.testing.assert_allclose(_column(samples, "season_cos"), np.cos(angle)[per_time], atol=1e-6)
    np.testing.assert_array_equal(samples.layout.to_grid(samples.target[:, 0], samples.flat_index), tas)


def test_360_day_first_of_july_is_half_way_through_the_year(tmp_path):
    # 1 July is day 181 of 360: (181 − 1)/360 = 1/2, the opposite of 1 January on the circle.
    path, _ = _calendar_file(tmp_path, "360_day")
    samples = build_pointwise_samples(_open(path), target="tas", predictors=[], features=["season"],
                                      season_dated_by="stamp")
    july = samples.layout.time_index(samples.flat_index) == 2
    np.testing.assert_allclose(_column(samples, "season_cos")[july], -1.0, atol=1e-6)
    np.testing.assert_allclose(_column(samples, "season_sin")[july], 0.0, atol=1e-6)


# --- packed data ---------------------------------------------------------------------------

SCALE, OFFSET, FILL, MISSING = 0.01, 250.0, -32767, -32766


def _packed_file(tmp_path):
    """int16 tas packed by hand (netCDF4, no automatic scaling): one cell _FillValue, one
    missing_value; a float predictor on the same grid."""
    raw = np.array([[[100, FILL], [-200, 3000]], [[MISSING, 0], [32000, -20000]]], dtype=np.int16)  # ≥ 50 K
    path = tmp_path / "packed.nc"
    with netCDF4.Dataset(path, "w", format="NETCDF4_CLASSIC") as nc:
        for name, size in (("time", None), ("lat", 2), ("lon", 2)):
            nc.createDimension(name, size)
        coords = {"time": ([0.0, 31.0], {"units": "days since 2000-01-01", "calendar": "standard", "standard_name": "time"}),
                  "lat": ([-45.0, 45.0], {"units": "degrees_north"}),
                  "lon": ([0.0, 180.0], {"units": "degrees_east"})}
        for name, (values, attrs) in coords.items():
            variable = nc.createVariable(name, "f8", (name,))
            variable.setncatts(attrs)
            variable[:] = values
        tas = nc.createVariable("tas", "i2", ("time", "lat", "lon"), fill_value=np.int16(FILL))
        tas.set_auto_maskandscale(False)
        tas.setncatts({"scale_factor": SCALE, "add_offset": OFFSET, "missing_value": np.int16(MISSING), "units": "K"})
        tas[:] = raw
        pred = nc.createVariable("pred", "f4", ("time", "lat", "lon"))
        pred[:] = np.ones(raw.shape, dtype=np.float32)
    return path, raw


@pytest.mark.filterwarnings("ignore:variable 'tas' has multiple fill values")
def test_packed_int16_is_unpacked_and_fill_values_are_missing(tmp_path):
    path, raw = _packed_file(tmp_path)
    samples = build_pointwise_samples(_open(path), target="tas", predictors=["pred"], features=[])
    by_hand = np.where(np.isin(raw, [FILL, MISSING]), np.nan, raw * SCALE + OFFSET).astype(np.float32)
    assert samples.n_dropped == 2 and len(samples.target) == raw.size - 2
    np.testing.assert_allclose(samples.layout.to_grid(samples.target[:, 0], samples.flat_index), by_hand, rtol=1e-7)
    np.testing.assert_allclose(samples.target[:3, 0], [251.0, 248.0, 280.0], rtol=1e-7)


# --- grid orientation and coordinate names ------------------------------------------------


@pytest.mark.parametrize(
    ("lat_descending", "lon_start", "file_dims"),
    [
        pytest.param(False, 0.0, ("time", "lat", "lon"), id="south-to-north-0-360"),
        pytest.param(True, 0.0, ("time", "lat", "lon"), id="north-to-south-0-360"),
        pytest.param(False, -180.0, ("time", "lat", "lon"), id="south-to-north-signed"),
        pytest.param(True, -180.0, ("time", "lat", "lon"), id="north-to-south-signed"),
        pytest.param(True, -180.0, ("lat", "lon", "time"), id="north-to-south-time-last"),
    ],
)
def test_samples_carry_their_cells_values_whatever_the_orientation(tmp_path, lat_descending, lon_start, file_dims):
    dataset = grid_dataset(n_years=1, lat_descending=lat_descending, lon_start=lon_start)
    dataset = dataset.transpose(*file_dims, ...)
    path = tmp_path / "oriented.nc"
    dataset.to_netcdf(path)
    samples = build_pointwise_samples(_open(path), target="tas", predictors=["pred"], features=["lat", "lon"])
    _assert_samples_are_the_cells_values(samples, dataset)
    np.testing.assert_array_equal(samples.layout.latitude.values, dataset["lat"].values)
    np.testing.assert_array_equal(samples.layout.longitude.values, dataset["lon"].values)
    assert samples.layout.file_dims == file_dims
    lon_sin = samples.layout.to_grid(_column(samples, "lon_sin"), samples.flat_index)
    expected = np.broadcast_to(np.sin(np.deg2rad(dataset["lon"].values)), lon_sin.shape)
    np.testing.assert_allclose(lon_sin, expected, atol=1e-6)
    north = samples.layout.to_grid(samples.target[:, 0], samples.flat_index)[0, int(np.argmax(dataset["lat"].values)), 0]
    assert north == dataset["tas"].sel(lat=dataset["lat"].max(), lon=dataset["lon"][0]).isel(time=0).item()


def _renamed(names, attributes):
    dataset = grid_dataset(n_years=1, names=names)
    for name, attrs in zip(names, attributes):
        dataset[name].attrs = attrs
    return dataset


@pytest.mark.parametrize(
    ("names", "attributes"),
    [
        pytest.param(
            ("time", "latitude", "longitude"),
            ({"standard_name": "time"}, {"standard_name": "latitude"}, {"standard_name": "longitude"}),
            id="latitude-longitude",
        ),
        pytest.param(("time", "nav_lat", "nav_lon"), ({}, {}, {}), id="nav_lat-without-attributes"),
        pytest.param(("time", "y", "x"), ({"axis": "T"}, {"axis": "Y", "units": "degrees"}, {"axis": "X", "units": "degrees"}),
                     id="y-x-with-axis-in-degrees"),
        pytest.param(("t", "yy", "xx"), ({}, {"units": "degrees_north"}, {"units": "degrees_east"}), id="units-only"),
    ],
)
def test_coordinates_found_whatever_their_names(tmp_path, names, attributes):
    dataset = _renamed(names, attributes)
    path = tmp_path / "named.nc"
    dataset.to_netcdf(path)
    samples = build_pointwise_samples(_open(path), target="tas", predictors=["pred"], features=["lat"])
    assert (samples.layout.time.name, samples.layout.latitude.name, samples.layout.longitude.name) == names
    _assert_samples_are_the_cells_values(samples, dataset, names)


# --- metadata variables and extra dimensions ------------------------------------------------


def _with_bounds_and_crs(tmp_path):
    dataset = grid_dataset(n_years=1)
    spacing = 45.0
    lat = dataset["lat"].values
    dataset["lat_bnds"] = (("lat", "bnds"), np.stack([lat - spacing / 2, lat + spacing / 2], axis=1))
    dataset["lat"].attrs["bounds"] = "lat_bnds"
    times = dataset["time"].values
    dataset["time_bnds"] = (("time", "bnds"), np.stack([times, times], axis=1))
    dataset["time"].attrs["bounds"] = "time_bnds"
    dataset["time_bnds"].encoding.update({"units": "days since 2000-01-01", "calendar": "noleap"})
    dataset["crs"] = xr.DataArray(np.int32(0), attrs={"grid_mapping_name": "latitude_longitude"})
    dataset["tas"].attrs["grid_mapping"] = "crs"
    path = tmp_path / "metadata.nc"
    dataset.to_netcdf(path)
    return path


def test_bounds_and_grid_mapping_variables_are_never_variables(tmp_path):
    dataset = _open(_with_bounds_and_crs(tmp_path))
    assert {"lat_bnds", "time_bnds", "crs"} <= set(dataset.data_vars)  # in the file …
    assert data_variable_names(dataset) == ["tas", "pred", "static", "landonly"]  # … not offered
    with pytest.raises(ClimannError, match="variable 'crs' not in .*available: tas, pred, static, landonly"):
        build_pointwise_samples(dataset, target="tas", predictors=["crs"], features=[])


def _with_level(tmp_path, dim, values):
    dataset = grid_dataset(n_years=1)
    dataset["tas"] = dataset["tas"].expand_dims({dim: values}, axis=1)
    path = tmp_path / f"{dim}.nc"
    dataset.to_netcdf(path)
    return path, grid_dataset(n_years=1)


def test_size_one_height_dimension_is_squeezed(tmp_path):
    path, flat = _with_level(tmp_path, "height", [2.0])
    samples = build_pointwise_samples(_open(path), target="tas", predictors=["pred"], features=["lat"])
    _assert_samples_are_the_cells_values(samples, flat)


def test_several_pressure_levels_are_an_error_naming_the_dimension(tmp_path):
    path, _ = _with_level(tmp_path, "plev", [85000.0, 50000.0])
    with pytest.raises(ClimannError, match=r"variable 'tas' has extra dimension plev \(2 values: 85000, 50000\)"):
        build_pointwise_samples(_open(path), target="tas", predictors=["pred"], features=["lat"])
