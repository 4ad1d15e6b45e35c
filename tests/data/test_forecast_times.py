import datetime

import cftime
import numpy as np
import pytest
import xarray as xr

from climann.data.forecast_times import on_valid_time
from climann.data.open import open_dataset
from climann.data.subset import select_values
from tests.forecast_files import REFERENCE_TIMES, cfgrib_layout


def _dates(values: np.ndarray) -> list[str]:
    return [value.isoformat(sep=" ") if hasattr(value, "isoformat") else str(value) for value in np.ravel(values)]


@pytest.mark.parametrize("suffix", [pytest.param(".nc", id="netcdf"), pytest.param(".zarr", id="zarr")])
def test_a_cfgrib_copy_is_on_its_valid_times(tmp_path, suffix):
    """cfgrib's NetCDF (or Zarr) copy of a GRIB file: ``time`` is the forecast reference time,
    ``valid_time(time)`` the times the fields are valid at; the time axis is the valid time."""
    if suffix == ".zarr":
        pytest.importorskip("zarr")
    written = cfgrib_layout([6])
    path = tmp_path / f"era{suffix}"
    written.to_netcdf(path) if suffix == ".nc" else written.to_zarr(path, consolidated=False)
    opened = open_dataset([path])
    expected = [str(date).replace("T", " ") for date in (REFERENCE_TIMES + np.timedelta64(6, "h")).astype("datetime64[s]")]
    assert opened["t2m"].dims == ("time", "latitude", "longitude")
    assert _dates(opened["time"].values) == expected  # 1990-01-01 06:00:00, …
    np.testing.assert_array_equal(opened["t2m"].values, written["t2m"].values)
    assert float(opened["step"]) == 6.0 and opened["step"].attrs["units"] == "hours"  # the lead time, kept


def test_a_valid_time_on_a_reference_time_dimension_of_another_name_replaces_it():
    """Not only cfgrib's names: the CF standard names say which coordinate is which."""
    dataset = cfgrib_layout([0]).rename({"time": "reftime", "valid_time": "valid"})
    swapped = on_valid_time(dataset)
    assert swapped["t2m"].dims == ("time", "latitude", "longitude")
    assert "reftime" not in swapped.variables
    np.testing.assert_array_equal(swapped["time"].values, REFERENCE_TIMES)


def test_a_dated_dimension_of_another_kind_is_left_alone():
    """A valid time beside a dimension that is not a forecast's (no forecast_reference_time)
    is none of this function's business (see time_on_its_dimension)."""
    dataset = cfgrib_layout([0])
    dataset["time"].attrs["standard_name"] = "time"
    kept = on_valid_time(dataset)
    assert kept["valid_time"].dims == ("time",)
    np.testing.assert_array_equal(kept["time"].values, REFERENCE_TIMES)


def _stored_by_reference_time(steps_hours: list[int], *, lead_units: str | None = "hours") -> xr.Dataset:
    """A forecast stored by its reference time and lead time only (no valid time): cfgrib's
    layout without ``valid_time``; the lead time as numbers in ``lead_units`` (None: no units)."""
    dataset = cfgrib_layout(steps_hours).drop_vars("valid_time")
    step = dataset["step"]
    hours = step.values / np.timedelta64(1, "h")
    numbers = hours / {"hours": 1.0, "days": 24.0, "min": 1 / 60, None: 1.0}[lead_units]
    attrs = {**step.attrs, **({"units": lead_units} if lead_units else {})}
    return dataset.assign_coords(step=xr.Variable(step.dims, numbers, attrs))


@pytest.mark.parametrize(("lead_units", "hours"), [
    pytest.param("hours", 36, id="hours"), pytest.param("days", 36, id="days"),
    pytest.param("min", 6, id="minutes"),
])
def test_a_reference_time_with_one_lead_time_and_no_valid_time_is_dated_by_their_sum(tmp_path, lead_units, hours):
    """CF: the forecast period is the interval from the reference time to the validity time.
    Read at their reference times, the fields would be dated ``hours`` early."""
    written = _stored_by_reference_time([hours], lead_units=lead_units)
    written.to_netcdf(tmp_path / "fc.nc")
    opened = open_dataset([tmp_path / "fc.nc"])
    expected = (REFERENCE_TIMES + np.timedelta64(hours, "h")).astype("datetime64[s]")
    assert _dates(opened["time"].values) == [str(date).replace("T", " ") for date in expected]
    assert opened["time"].attrs["standard_name"] == "time"
    np.testing.assert_array_equal(opened["t2m"].values, written["t2m"].values)
    assert opened["step"].attrs["units"] == lead_units  # the lead time, kept


def test_the_time_bounds_move_with_the_reference_time(tmp_path):
    """Monthly means stored by reference time with bounds of one month: the cells move by the lead."""
    written = _stored_by_reference_time([24])
    edges = np.stack([REFERENCE_TIMES, np.append(REFERENCE_TIMES[1:], np.datetime64("1990-06-01"))], axis=1)
    written["time_bnds"] = (("time", "bnds"), edges)
    written["time"].attrs["bounds"] = "time_bnds"
    written.to_netcdf(tmp_path / "fc.nc")
    moved = on_valid_time(xr.open_dataset(tmp_path / "fc.nc", decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)))
    day = datetime.timedelta(days=1)
    assert _dates(moved["time_bnds"].values[:, 0]) == _dates([date + day for date in _cftime(REFERENCE_TIMES)])
    assert _dates(moved["time"].values) == _dates([date + day for date in _cftime(REFERENCE_TIMES)])


def test_several_lead_times_become_valid_times_once_one_is_selected(tmp_path):
    written = _stored_by_reference_time([0, 24, 48])
    written.to_netcdf(tmp_path / "fc.nc")
    opened = open_dataset([tmp_path / "fc.nc"])
    assert "step" in opened["t2m"].dims  # several lead times: chosen with select, the reference times kept till then
    assert _dates(opened["time"].values) == _dates(_cftime(REFERENCE_TIMES))
    chosen = select_values(opened, {"step": 48})
    expected = (REFERENCE_TIMES + np.timedelta64(48, "h")).astype("datetime64[s]")
    assert _dates(chosen["time"].values) == [str(date).replace("T", " ") for date in expected]
    np.testing.assert_array_equal(chosen["t2m"].values, written["t2m"].values[:, 2])


def test_a_lead_time_without_units_of_time_is_left_alone(tmp_path):
    """No units: the interval cannot be told, so the dates stay what the file says."""
    _stored_by_reference_time([24], lead_units=None).to_netcdf(tmp_path / "fc.nc")
    opened = open_dataset([tmp_path / "fc.nc"])
    assert _dates(opened["time"].values) == _dates(_cftime(REFERENCE_TIMES))


def test_a_calendar_without_leap_days_adds_the_lead_in_it():
    """28 February + 24 h is 1 March in the noleap calendar (CF §4.4.1), by cftime's arithmetic."""
    february = [cftime.datetime(2001, 2, 28, calendar="noleap"), cftime.datetime(2004, 2, 28, calendar="noleap")]
    dataset = xr.Dataset({"tas": ("time", [1.0, 2.0])}, coords={
        "time": ("time", february, {"standard_name": "forecast_reference_time"}),
        "step": ((), 24.0, {"standard_name": "forecast_period", "units": "hours"})})
    assert _dates(on_valid_time(dataset)["time"].values) == ["2001-03-01 00:00:00", "2004-03-01 00:00:00"]


def _cftime(dates: np.ndarray) -> list:
    return [cftime.DatetimeProlepticGregorian(*map(int, str(date)[:10].split("-"))) for date in dates]


def test_one_lead_time_kept_as_a_dimension_of_length_1_is_on_its_valid_times(tmp_path):
    """``t2m(time, step=1, …)`` with ``valid_time(time, step)``: the same fields as cfgrib's
    scalar ``step``, so the same valid times (not the reference times, 5 days early)."""
    written = cfgrib_layout([0, 120]).isel(step=[1])
    written.to_netcdf(tmp_path / "fc.nc")
    opened = open_dataset([tmp_path / "fc.nc"])
    expected = (REFERENCE_TIMES + np.timedelta64(120, "h")).astype("datetime64[s]")
    assert opened["t2m"].dims == ("time", "latitude", "longitude")
    assert _dates(opened["time"].values) == [str(date).replace("T", " ") for date in expected]
    np.testing.assert_array_equal(opened["t2m"].values, written["t2m"].values[:, 0])


@pytest.mark.parametrize(("units", "values"), [
    pytest.param("days", [1.0, 2.0], id="days"), pytest.param("hours", [24.0, 48.0], id="hours"),
    pytest.param("minutes", [1440.0, 2880.0], id="minutes"),
])
def test_a_decoded_lead_time_keeps_the_files_units(tmp_path, units, values):
    """xarray decodes a lead time in days to timedelta64; as numbers again it is in days, so
    that ``--select leadtime=2`` reads 2 in the file's units, as for any coordinate."""
    written = cfgrib_layout([24, 48]).drop_vars("valid_time")
    written["step"].encoding.update(units=units, dtype="f8")
    written.to_netcdf(tmp_path / "fc.nc")
    opened = open_dataset([tmp_path / "fc.nc"])
    assert opened["step"].attrs["units"] == units
    np.testing.assert_array_equal(opened["step"].values, values)
    chosen = select_values(opened, {"step": values[1]})
    expected = (REFERENCE_TIMES + np.timedelta64(48, "h")).astype("datetime64[s]")
    assert _dates(chosen["time"].values) == [str(date).replace("T", " ") for date in expected]


@pytest.mark.parametrize(("dataset", "names"), [
    pytest.param(cfgrib_layout([6]), ("valid_time", "time"), id="cfgrib-valid-time-on-the-reference-dimension"),
    pytest.param(cfgrib_layout([0]).rename({"time": "reftime", "valid_time": "valid"}), ("valid", "reftime"),
                 id="valid-time-of-other-names"),
    pytest.param(_stored_by_reference_time([24]).rename({"time": "init"}), ("init", "init"),
                 id="reference-time-made-the-valid-time"),
    pytest.param(cfgrib_layout([6]).drop_vars(["valid_time", "step"]).assign_coords(
        time=lambda data: data["time"].assign_attrs(standard_name="time")), ("time", "time"), id="a-plain-time"),
])
def test_the_time_axis_knows_its_names_in_the_file_and_writes_no_trace_of_them(tmp_path, dataset, names):
    """Advice that changes the file (an ncap2 command adding time bounds) must name the file's
    variable: in cfgrib's layout ``valid_time`` on the dimension ``time``, which climann calls
    ``time``, not the reference time ``time`` it dropped. The names are kept in the encoding,
    never written into an output file."""
    import netCDF4

    from climann.data.shell import file_time_names

    dataset.to_netcdf(tmp_path / "fc.nc")
    opened = open_dataset([tmp_path / "fc.nc"])
    assert opened["t2m"].dims[0] == "time"
    assert file_time_names(opened["time"]) == names
    opened.to_netcdf(tmp_path / "out.nc")
    with netCDF4.Dataset(tmp_path / "out.nc") as written:
        stored = [f"{key}={written.getncattr(key)}" for key in written.ncattrs()]
        for variable in written.variables.values():
            stored += [f"{key}={variable.getncattr(key)}" for key in variable.ncattrs()]
        time_attributes = set(written["time"].ncattrs())
    assert not [text for text in stored if "climann" in text]
    assert time_attributes <= {"standard_name", "long_name", "units", "calendar", "axis", "bounds", "_FillValue"}
