import datetime
import re
import shutil

import cftime
import netCDF4
import numpy as np
import pytest
import xarray as xr

from climann.data.forecast_times import lead_month_valid_times, on_valid_time
from climann.data.notes import forget_notes
from climann.data.open import open_dataset
from climann.data.subset import select_values
from climann.errors import ClimannError
from tests.forecast_files import REFERENCE_TIMES, cfgrib_layout, seasonal_pair
from tests.followed_twice import run_one_copy
from tests.fresh_python import bare_python, run_python


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


def test_a_lead_time_without_units_is_refused_with_the_ncatted_that_sets_them(tmp_path, monkeypatch):
    """No units: the interval cannot be told; read at their reference times the 24-hour forecasts
    were dated a day early with no word. A lead of 0 everywhere (analyses) needs none."""
    monkeypatch.chdir(tmp_path)
    _stored_by_reference_time([24], lead_units=None).to_netcdf(tmp_path / "fc.nc")
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "fc.nc"])
    assert str(error.value).endswith(
        "the lead time 'step' (forecast_period) has no units, so its valid times (reference time + lead time, CF) "
        "cannot be told, and read at their reference times the fields would be dated early by [24.0] of an unknown "
        "unit; set its units, e.g. ncatted -a units,step,o,c,hours fc.nc fc_fixed.nc (or days, months …)")
    _stored_by_reference_time([0], lead_units=None).to_netcdf(tmp_path / "analysis.nc")
    opened = open_dataset([tmp_path / "analysis.nc"])
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


def _hindcast(starts: list, leads: list[float], units: str) -> xr.Dataset:
    """A seasonal or decadal hindcast as the IRI Data Library and climpred lay it out: the
    starts ``S`` (forecast_reference_time) and the lead ``L`` (forecast_period) in ``units``."""
    values = np.arange(len(starts) * len(leads), dtype=float).reshape(len(starts), len(leads), 1, 1)
    return xr.Dataset({"tas": (("S", "L", "lat", "lon"), values, {"units": "K"})}, coords={
        "S": ("S", starts, {"standard_name": "forecast_reference_time"}),
        "L": ("L", np.asarray(leads, float), {"standard_name": "forecast_period", "units": units}),
        "lat": ("lat", [0.0], {"units": "degrees_north"}), "lon": ("lon", [0.0], {"units": "degrees_east"})})


def _by_hand(date, months: int):
    """``date`` ``months`` calendar months later, counted on the fingers (no climann code)."""
    year, month = date.year + (date.month - 1 + months) // 12, (date.month - 1 + months) % 12 + 1
    return cftime.datetime(year, month, date.day, date.hour, calendar=date.calendar)


MONTHLY_STARTS = [cftime.datetime(1990 + k // 12, k % 12 + 1, 1, calendar="standard") for k in range(24)]


@pytest.mark.parametrize(("units", "lead", "months"), [
    pytest.param("months", 1.0, 1, id="one-month"), pytest.param("months", 2.0, 2, id="two-months"),
    pytest.param("month", 11.0, 11, id="month-singular"), pytest.param("Months", 3.0, 3, id="capitalised"),
    pytest.param("mon", 5.0, 5, id="cdo-mon"), pytest.param("years", 1.0, 12, id="a-year"),
    pytest.param("yr", 10.0, 120, id="ten-yr"), pytest.param("months", -1.0, -1, id="a-month-before"),
])
def test_a_lead_in_months_or_years_lands_on_the_same_day_that_many_calendar_months_later(tmp_path, units, lead, months):
    """Seasonal hindcasts started on the 1st of each month: S + L months is the 1st of the
    calendar month L later, never UDUNITS' fixed month of 30.44 days (which dated the January
    start's one-month lead 31 January and March's two-month lead 1 May 21:00)."""
    path = tmp_path / "hindcast.nc"
    _hindcast(MONTHLY_STARTS, [0.0, lead], units).to_netcdf(
        path, encoding={"S": {"units": "days since 1960-01-01", "calendar": "standard"}})
    chosen = select_values(open_dataset([path]), {"L": lead})
    assert _dates(chosen["time"].values) == _dates([_by_hand(start, months) for start in MONTHLY_STARTS])
    np.testing.assert_array_equal(chosen["tas"].values[:, 0, 0], np.arange(len(MONTHLY_STARTS)) * 2 + 1)


@pytest.mark.parametrize("calendar", ["standard", "noleap", "360_day", "julian"])
def test_a_lead_in_years_keeps_the_day_in_each_calendar(calendar):
    """Decadal hindcasts started on 1 November: lead year 10 is 1 November ten years on, in
    the file's calendar (10 × 365.2425 days would land on 31 October or 2 November)."""
    starts = [cftime.datetime(1960 + k, 11, 1, calendar=calendar) for k in range(12)]
    dataset = _hindcast(starts, [10.0], "years").squeeze("L")
    valid = on_valid_time(dataset)["time"].values
    assert _dates(valid) == _dates([cftime.datetime(1970 + k, 11, 1, calendar=calendar) for k in range(12)])


def test_a_half_month_lead_is_the_middle_of_the_month_it_reaches():
    """The IRI Data Library's NMME files: lead L = 0.5, 1.5 … months from a start on the 1st is
    the mean of the first, second … month, dated at its middle: half that month's days on."""
    dataset = _hindcast(MONTHLY_STARTS, [0.5, 1.5], "months")
    for lead, months in ((0.5, 0), (1.5, 1)):
        valid = on_valid_time(dataset.sel(L=lead))["time"].values
        first, following = ([_by_hand(start, k) for start in MONTHLY_STARTS] for k in (months, months + 1))
        middles = [start + (end - start) / 2 for start, end in zip(first, following)]
        assert _dates(valid) == _dates(middles)
    assert _dates(valid[:2]) == ["1990-02-15 00:00:00", "1990-03-16 12:00:00"]  # February 1990: 28 days


def test_a_start_on_a_day_the_month_reached_lacks_lands_on_its_last_day():
    """31 January + 1 month: February has no 31st; its last day (28th, 29th in a leap year),
    as pandas' DateOffset and dateutil's relativedelta give; 31 January + 2 months is 31 March."""
    starts = [cftime.datetime(year, 1, 31, 6, calendar="standard") for year in (1990, 1992)]
    one, two = (on_valid_time(_hindcast(starts, [months], "months").squeeze("L"))["time"].values for months in (1, 2))
    assert _dates(one) == ["1990-02-28 06:00:00", "1992-02-29 06:00:00"]
    assert _dates(two) == ["1990-03-31 06:00:00", "1992-03-31 06:00:00"]


def test_datetime64_starts_count_months_in_the_proleptic_gregorian_calendar():
    starts = np.array(["1990-01-01", "1990-12-15T12:00", "1992-01-31"], "datetime64[ns]")
    valid = on_valid_time(_hindcast(list(starts), [2.0], "months").squeeze("L"))["time"].values
    assert valid.dtype == starts.dtype
    np.testing.assert_array_equal(valid, np.array(["1990-03-01", "1991-02-15T12:00", "1992-03-31"], "datetime64[ns]"))


def test_the_time_bounds_move_by_calendar_months_too():
    """Monthly cells [S, S + 1 month]: a one-month lead moves each to the next calendar month."""
    dataset = _hindcast(MONTHLY_STARTS, [1.0], "months").squeeze("L")
    cells = [[start, _by_hand(start, 1)] for start in MONTHLY_STARTS]
    dataset["S_bnds"] = (("S", "bnds"), np.array(cells, dtype=object))
    dataset["S"].attrs["bounds"] = "S_bnds"
    moved = on_valid_time(dataset)
    assert _dates(moved["S_bnds"].values) == _dates([[_by_hand(start, 1), _by_hand(start, 2)] for start in MONTHLY_STARTS])


@pytest.mark.parametrize(("units", "days"), [
    pytest.param("common_year", 365, id="udunits-common-year"), pytest.param("weeks", 14, id="weeks"),
    pytest.param("days", 2, id="days"),
])
def test_units_of_fixed_length_are_added_as_durations(units, days):
    """UDUNITS' common_year is 365 days whatever the calendar month; weeks are 7 days."""
    lead = {"common_year": 1.0, "weeks": 2.0, "days": 2.0}[units]
    starts = [cftime.datetime(1992, 1, 1, calendar="standard"), cftime.datetime(1993, 3, 1, calendar="standard")]
    valid = on_valid_time(_hindcast(starts, [lead], units).squeeze("L"))["time"].values
    assert _dates(valid) == _dates([start + datetime.timedelta(days=days) for start in starts])


@pytest.mark.parametrize(("units", "lead", "expected", "folder", "months"), [
    pytest.param("years", 0.1, r"0.1 years is not a whole number of calendar months \(1.2\).*ncap2 -s 'L=L\*12;"
                 r"L@units=\"months\"'", "lead_in_months", 1.2, id="a-tenth-of-a-year"),
    pytest.param("furlongs", 1.0, r"units 'furlongs', not units of time.*ncatted -a units,L,o,c,months",
                 "units_fixed", 1.0, id="not-a-time"),
])
def test_a_lead_that_has_no_one_date_is_refused_with_the_way_out(tmp_path, monkeypatch, units, lead, expected, folder,
                                                                 months):
    """The way out, run as printed by bash, writes its copy into a new folder (fix56b: hindcast_fixed.nc beside
    hindcast.nc, which a glob over the folder took with it): the lead in months, its value the file's times the
    months in one of its units."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "hindcast.nc"
    _hindcast(MONTHLY_STARTS, [lead], units).squeeze("L").to_netcdf(path)
    with pytest.raises(ClimannError, match=expected) as refusal:
        open_dataset([path])
    assert "hindcast.nc" in str(refusal.value) and "\n" not in str(refusal.value)
    if shutil.which("ncatted") is None:
        return
    followed = run_one_copy(str(refusal.value), tmp_path)
    assert followed["copy"] == f"{folder}/hindcast.nc" and followed["original"] == "hindcast.nc"
    assert sorted(item.name for item in tmp_path.iterdir()) == sorted(["hindcast.nc", folder])
    with netCDF4.Dataset(tmp_path / followed["copy"]) as copy:
        assert copy["L"].units == "months"
        np.testing.assert_allclose(np.ravel(copy["L"][:]), lead * (12 if units == "years" else 1))
        assert np.allclose(np.ravel(copy["L"][:]), months)


@pytest.mark.parametrize(("units", "lead", "months"), [
    pytest.param("years", 0.1, 1.2, id="a-tenth-of-a-year"),
    pytest.param("furlongs", 1.0, 1.0, id="not-a-time"),
])
def test_a_stores_lead_that_has_no_one_date_is_refused_with_a_line_that_runs_on_the_store(
        tmp_path, monkeypatch, units, lead, months):
    """fix32d: a Zarr store was given `ncap2 …` or `ncatted …` on it, which NCO cannot read; now a zarr-python
    line (the units set in the store) or an xarray line (a copy in months); run as printed, the store or its
    copy is read with each start moved by the months: 1.2 months from the 1st is 1 month and a fifth of the
    next month's days, counted by hand."""
    import shlex

    pytest.importorskip("zarr")
    monkeypatch.chdir(tmp_path)
    store = tmp_path / "hindcast.zarr"
    _hindcast(MONTHLY_STARTS, [lead], units).squeeze("L").to_zarr(store)
    with pytest.raises(ClimannError) as refusal:
        open_dataset([store])
    command = re.search(r"`(python -c [^`]+)`", bare_python(str(refusal.value))).group(1)
    words = shlex.split(command)
    assert words[:2] == ["python", "-c"] and len(words) == 3, command
    run_python("-c", words[2], check=True, cwd=tmp_path)
    fixed = tmp_path / "hindcast_fixed.zarr"
    assert fixed.exists() == (units == "years")  # an attribute is set in the store itself
    valid = open_dataset([fixed if fixed.exists() else store])["time"].values
    whole, fraction = int(months), months - int(months)
    expected = [_by_hand(start, whole) + (_by_hand(start, whole + 1) - _by_hand(start, whole)) * fraction
                for start in MONTHLY_STARTS]
    assert _dates(valid) == _dates(expected)


def test_a_stores_lead_without_units_is_refused_with_a_line_that_sets_them_in_the_store(tmp_path, monkeypatch):
    """fix32d: a Zarr store's lead time without units was given `ncatted -a units,L,o,c,hours hindcast.zarr …`,
    which NCO cannot read; now a zarr-python line that, run as printed, sets the units in the store, which then
    opens with each start moved by the lead in hours."""
    import shlex

    pytest.importorskip("zarr")
    monkeypatch.chdir(tmp_path)
    store = tmp_path / "hindcast.zarr"
    _hindcast(MONTHLY_STARTS, [6.0], "").squeeze("L").to_zarr(store)
    with pytest.raises(ClimannError, match="has no units") as refusal:
        open_dataset([store])
    assert "ncatted" not in str(refusal.value)
    words = shlex.split(re.search(r'python -c "[^"]+"', str(refusal.value)).group(0))
    assert words[:2] == ["python", "-c"] and len(words) == 3, str(refusal.value)
    run_python("-c", words[2], check=True, cwd=tmp_path)
    valid = open_dataset([store])["time"].values
    assert _dates(valid) == _dates([start + datetime.timedelta(hours=6) for start in MONTHLY_STARTS])


def test_half_a_year_is_six_calendar_months():
    valid = on_valid_time(_hindcast(MONTHLY_STARTS[:3], [0.5], "years").squeeze("L"))["time"].values
    assert _dates(valid) == _dates([_by_hand(start, 6) for start in MONTHLY_STARTS[:3]])


def _seasonal_files(tmp_path, time_name: str = "valid_time"):
    hindcast, observations = seasonal_pair(time_name=time_name)
    hindcast.to_netcdf(tmp_path / "seas5_t2m.nc")
    observations.to_netcdf(tmp_path / "era5_t2m.nc")
    return hindcast, observations, [tmp_path / "seas5_t2m.nc", tmp_path / "era5_t2m.nc"]


def _opened_and_selected(files, select: dict) -> xr.Dataset:
    """As a run reads its files: opened with its selection, then selected."""
    return select_values(open_dataset(files, select=select), select)


@pytest.mark.parametrize(("time_name", "lead"), [
    pytest.param("valid_time", 1, id="new-cds-forecastMonth1"), pytest.param("valid_time", 2, id="new-cds-forecastMonth2"),
    pytest.param("time", 2, id="time-forecastMonth2"),  # (forecastMonth 1 is valid in its start month: paired right by either)
])
def test_a_hindcast_beside_observations_is_paired_with_them_by_valid_time(tmp_path, time_name, lead):
    """break30a A2: with a lead time chosen, the new CDS's hindcast (valid_time on two dimensions)
    was combined with the observations by its reference times (each forecast beside the
    observation of the month it started in). Each forecast must sit beside the observation of
    the month it is valid for: forecast − observation − 0.2 × member is the noise (std 0.3)."""
    hindcast, observations, files = _seasonal_files(tmp_path, time_name)
    forecast, observed = hindcast["t2m"].values, observations["obs_t2m"].values
    selected = _opened_and_selected(files, {"number": 1, "forecastMonth": lead})
    starts = forecast.shape[1]
    months = observations[time_name].values[lead - 1:lead - 1 + starts]  # valid months of each start
    assert _dates(selected["time"].values) == _dates(_cftime(months))
    np.testing.assert_array_equal(selected["t2m"].transpose("time", ...).values, forecast[1, :, lead - 1])
    np.testing.assert_array_equal(selected["obs_t2m"].values, observed[lead - 1:lead - 1 + starts])
    residual = selected["t2m"].values - selected["obs_t2m"].values - 0.2
    shifted = forecast[1, :, lead - 1] - observed[lead:lead + starts] - 0.2  # paired a month off, by hand
    assert np.sqrt(np.mean(residual**2)) < 0.35 < 1.5 < np.sqrt(np.mean(shifted**2))


def test_a_hindcast_beside_observations_warns_of_the_periods_of_its_valid_times(tmp_path, caplog):
    """The common-period warning dated the forecast by its starts (1993-01 to 1996-12); with
    forecastMonth 2 its fields are valid from 1993-02 to 1997-01."""
    *_, files = _seasonal_files(tmp_path)
    with caplog.at_level("WARNING"):
        _opened_and_selected(files, {"number": 0, "forecastMonth": 2})
    periods = [record.getMessage() for record in caplog.records if "cover different periods" in record.getMessage()]
    assert len(periods) == 1
    assert "t2m (1993-02 to 1997-01)" in periods[0] and "obs_t2m (1993-01 to 1997-04)" in periods[0]
    assert "common period, 1993-02 to 1997-01" in periods[0]


def test_a_hindcast_beside_observations_without_a_lead_is_refused_with_a_select_that_works(tmp_path):
    """Without a lead time the refusal advised --select forecast_reference_time=VALUE, which then
    failed ("no time coordinate found"). It must name the forecast's dimensions, and its advice
    followed must read the forecast on its valid times beside the observations."""
    hindcast, observations, files = _seasonal_files(tmp_path)
    with pytest.raises(ClimannError) as refused:
        _opened_and_selected(files, {})
    message = str(refused.value)
    assert "seas5_t2m.nc" in message and "forecast_reference_time and forecastMonth" in message
    advice = dict(re.findall(r"--select (\w+)=(\S+?)(?=[\s:]|$)", message))
    assert advice == {"forecastMonth": "1", "number": "0"}
    selected = _opened_and_selected(files, advice)
    starts = hindcast.sizes["forecast_reference_time"]
    assert _dates(selected["time"].values) == _dates(_cftime(observations["valid_time"].values[:starts]))
    np.testing.assert_array_equal(selected["t2m"].transpose("time", ...).values, hindcast["t2m"].values[0, :, 0])
    np.testing.assert_array_equal(selected["obs_t2m"].values, observations["obs_t2m"].values[:starts])


def test_cfgribs_several_lead_times_beside_observations_are_paired_with_them_by_valid_time(tmp_path):
    """cfgrib's ``valid_time(time, step)`` (lead times decoded to timedelta64) among other files:
    ``--select 'step=24 hours'`` picks the lead as the file is opened, in its own units, and each
    forecast sits beside the observation of the day it is valid at."""
    forecast = cfgrib_layout([0, 24, 48])
    forecast[["t2m"]].to_netcdf(tmp_path / "fc.nc")
    valid = REFERENCE_TIMES + np.timedelta64(24, "h")
    observed = np.random.default_rng(1).normal(101300, 100, forecast["msl"].shape[:1] + forecast["msl"].shape[2:])
    xr.Dataset({"msl": (("time", "latitude", "longitude"), observed, {"units": "Pa"})},
               coords={"time": ("time", valid, {"standard_name": "time"}),
                       "latitude": forecast["latitude"], "longitude": forecast["longitude"]}).to_netcdf(tmp_path / "ob.nc")
    selected = _opened_and_selected([tmp_path / "fc.nc", tmp_path / "ob.nc"], {"step": "24 hours"})
    assert _dates(selected["time"].values) == [str(date).replace("T", " ") for date in valid.astype("datetime64[s]")]
    np.testing.assert_array_equal(selected["t2m"].transpose("time", ...).values, forecast["t2m"].values[:, 1])
    np.testing.assert_array_equal(selected["msl"].values, observed)


def _old_cds_layout(hindcast: xr.Dataset) -> xr.Dataset:
    """The new CDS's hindcast as the old CDS wrote it: ``t2m(number, forecast_reference_time,
    leadtime_month, …)``, ``leadtime_month`` 1 … N in months, no valid time in the file."""
    return (hindcast.drop_vars("valid_time").rename({"forecastMonth": "leadtime_month"})
            .assign_coords(leadtime_month=("leadtime_month", hindcast["forecastMonth"].values,
                                           {"standard_name": "forecast_period", "units": "months"})))


@pytest.mark.parametrize("lead", [1, 2, 3])
def test_the_old_cds_layout_is_dated_as_the_new_one(tmp_path, lead):
    """break45d B5: the same hindcast in the old CDS's layout (``leadtime_month`` 1 … 6) was dated
    reference time + L months, one month later than the new CDS's ``valid_time`` of the same
    values (test ACC 0.48 instead of 0.79, exit 0). ECMWF's lead month L is the L-th calendar
    month of the forecast, 1 the start's (MARS ``fcmonth``): both layouts give the new CDS's
    ``valid_time`` and are paired with the observations of those months (the fixture's arrays:
    forecast = observation of its valid month + 0.2 × member + noise of std 0.3)."""
    hindcast, observations = seasonal_pair()
    _old_cds_layout(hindcast).to_netcdf(tmp_path / "seas5_leadtime_months.nc")
    hindcast.to_netcdf(tmp_path / "seas5_forecast_month.nc")
    observations.to_netcdf(tmp_path / "era5_t2m.nc")
    old = _opened_and_selected([tmp_path / "seas5_leadtime_months.nc", tmp_path / "era5_t2m.nc"],
                               {"number": 1, "leadtime_month": lead})
    new = _opened_and_selected([tmp_path / "seas5_forecast_month.nc", tmp_path / "era5_t2m.nc"],
                               {"number": 1, "forecastMonth": lead})
    valid = hindcast["valid_time"].values[:, lead - 1]  # the new CDS's own valid times
    assert _dates(old["time"].values) == _dates(new["time"].values) == _dates(_cftime(valid))
    forecast, observed = hindcast["t2m"].values[1, :, lead - 1], observations["obs_t2m"].values
    starts = forecast.shape[0]
    for selected in (old, new):
        np.testing.assert_array_equal(selected["t2m"].transpose("time", ...).values, forecast)
        np.testing.assert_array_equal(selected["obs_t2m"].values, observed[lead - 1:lead - 1 + starts])
    residual = old["t2m"].values - old["obs_t2m"].values - 0.2
    assert np.sqrt(np.mean(residual**2)) < 0.35


def test_a_lead_month_counts_whole_calendar_months_from_the_start():
    """MARS ``fcmonth``: "fcmonth=2 is the second whole calendar month. For a forecast starting 1st
    January this would be February. For a forecast starting 2nd January this would be March"."""
    starts = np.array(["1993-01-01", "1993-01-02", "1993-11-01"], dtype="datetime64[ns]")
    valid = lead_month_valid_times(starts, xr.DataArray(2, name="fcmonth"))
    assert valid.astype("datetime64[D]").astype(str).tolist() == ["1993-02-01", "1993-03-01", "1993-12-01"]
    noleap = np.array([cftime.DatetimeNoLeap(1993, 11, 1)], dtype=object)
    assert _dates(lead_month_valid_times(noleap, xr.DataArray([1], dims="t", name="leadtime_month"))) == [
        "1993-11-01 00:00:00"]
    with pytest.raises(ClimannError, match="not whole months from 1"):
        lead_month_valid_times(starts, xr.DataArray(0, name="leadtime_month"))


def _seasonal_starts_in(tmp_path, months: tuple[int, ...], *, observed_months: tuple[int, ...] = ()):
    """The fixture's hindcast with starts in ``months`` only, and its monthly observations (only
    ``observed_months`` of them when given, as ``cdo selmon`` leaves them), written as files."""
    hindcast, observations = seasonal_pair(starts=60, leads=3)
    keep = np.flatnonzero(np.isin(hindcast["forecast_reference_time"].dt.month.values, months))
    hindcast = hindcast.isel(forecast_reference_time=keep)
    if observed_months:
        observations = observations.isel(
            valid_time=np.flatnonzero(np.isin(observations["valid_time"].dt.month.values, observed_months)))
    hindcast.to_netcdf(tmp_path / "seas5.nc")
    observations.to_netcdf(tmp_path / "era5.nc")
    return hindcast, observations, [tmp_path / "seas5.nc", tmp_path / "era5.nc"]


@pytest.mark.parametrize(("starts", "lead"), [
    pytest.param((2, 5, 8, 11), 1, id="B2-FebMayAugNov-starts-month1"),
    pytest.param((11,), 2, id="B3-November-starts-month2"),
    pytest.param((11,), 1, id="November-starts-month1"),
])
def test_monthly_forecasts_months_apart_are_paired_with_the_same_months(tmp_path, starts, lead):
    """break45d B2/B3: one-month means three or twelve months apart (starts in Feb/May/Aug/Nov at
    ``forecastMonth = 1``; November starts at 2, one December a year) were read as three-month
    seasons or yearly values; the advised seasonal means of the observations were paired with them
    (exit 0), or refused again in a loop. Each forecast month goes with the same month of the
    monthly observations (numpy on the raw arrays), never a season's mean."""
    hindcast, observations, files = _seasonal_starts_in(tmp_path, starts)
    select = {"number": 0, "forecastMonth": lead}
    selected = select_values(open_dataset(files, select=select, grid_of="obs_t2m", variables=["obs_t2m", "t2m"]),
                             select)  # as a run reads them, the observations its target
    valid = hindcast["valid_time"].values[:, lead - 1]
    at = np.searchsorted(observations["valid_time"].values, valid)
    np.testing.assert_array_equal(observations["valid_time"].values[at], valid)
    np.testing.assert_array_equal(selected["obs_t2m"].values, observations["obs_t2m"].values[at])
    np.testing.assert_array_equal(selected["t2m"].transpose("time", ...).values, hindcast["t2m"].values[0, :, lead - 1])
    seasonal = np.stack([observations["obs_t2m"].values[index:index + 3].mean(axis=0) for index in at])
    assert np.sqrt(np.mean((selected["obs_t2m"].values - seasonal) ** 2)) > 1.0  # what a season's mean gave
    # each value one month's (its time at the cell's middle): its season in the scores and features is its
    # month's (February in DJF, not MAM)
    cells = selected[selected["time"].attrs["bounds"]].values
    months_after = observations["valid_time"].values[at + 1]
    assert _dates(cells[:, 0]) == _dates(_cftime(valid)) and _dates(cells[:, 1]) == _dates(_cftime(months_after))
    assert all(lower < time < upper for time, (lower, upper) in zip(selected["time"].values, cells, strict=True))


def test_monthly_forecasts_beside_other_months_are_refused_naming_the_lead_that_fits(tmp_path):
    """break45d B1: November starts at ``forecastMonth = 1`` (November means) beside December
    observations (``cdo selmon,12``) were paired "by the years they cover", exit 0. Refused: no
    month in common; the refusal names the lead month whose forecasts are of December, and that
    lead pairs each December forecast with its December."""
    hindcast, observations, files = _seasonal_starts_in(tmp_path, (11,), observed_months=(12,))
    with pytest.raises(ClimannError) as refused:
        _opened_and_selected(files, {"number": 0, "forecastMonth": 1})
    message = str(refused.value)
    assert "one lead month (forecastMonth = 1)" in message and "November" in message and "December" in message
    assert "--select forecastMonth=2" in message and "cdo selmon,11" in message
    selected = _opened_and_selected(files, {"number": 0, "forecastMonth": 2})
    valid = hindcast["valid_time"].values[:, 1]
    at = np.searchsorted(observations["valid_time"].values, valid)
    np.testing.assert_array_equal(observations["valid_time"].values[at], valid)
    np.testing.assert_array_equal(selected["obs_t2m"].values, observations["obs_t2m"].values[at])


def _season_means(observations: xr.Dataset, *, bounds: bool, cell_methods: str | None, december_only: bool
                  ) -> xr.Dataset:
    """The observations' three-month means DJF, MAM, JJA, SON by numpy (the mean of each season's
    three monthly arrays), stamped on each season's first day, with CF bounds of the season or none."""
    months = observations["valid_time"].values.astype("datetime64[M]")
    first = int(np.flatnonzero(months.astype(int) % 12 == 11)[0])  # the first December
    starts = np.arange(first, len(months) - 2, 3)
    means = np.stack([observations["obs_t2m"].values[start:start + 3].mean(axis=0) for start in starts])
    if december_only:
        keep = months[starts].astype(int) % 12 == 11
        starts, means = starts[keep], means[keep]
    stamps = months[starts].astype("datetime64[ns]")
    attrs = {"units": "K", **({"cell_methods": cell_methods} if cell_methods else {})}
    dataset = xr.Dataset({"obs_t2m": (("time", "latitude", "longitude"), means.astype("float32"), attrs)},
                         coords={"time": ("time", stamps, {"standard_name": "time"}),
                                 "latitude": observations["latitude"], "longitude": observations["longitude"]})
    if bounds:
        ends = (months[starts] + 3).astype("datetime64[ns]")
        dataset = dataset.assign(time_bnds=(("time", "bnds"), np.stack([stamps, ends], axis=-1)))
        dataset["time"].attrs["bounds"] = "time_bnds"
    dataset["time"].encoding.update(units="hours since 1900-01-01", calendar="proleptic_gregorian")
    return dataset


@pytest.mark.parametrize(("bounds", "cell_methods", "december_only", "evidence"), [
    pytest.param(True, None, True, "its time bounds, e.g. 1993-12-01 to 1994-03-01", id="DJF-with-bounds"),
    pytest.param(True, "time: mean", False, "its time bounds", id="seasons-with-bounds"),
    pytest.param(False, "time: mean", False, "its cell_methods name a mean over each step, seasonal (DJF",
                 id="seasons-time-mean-without-bounds"),
])
def test_three_month_means_beside_a_one_month_forecast_are_refused(tmp_path, bounds, cell_methods, december_only,
                                                                   evidence):
    """A user gave DJF means (numpy's mean of December, January and February) beside November starts
    at ``forecastMonth = 2`` (December forecasts): paired by the month each stamp opens, each
    December forecast was scored against its winter's mean, silently with bounds of three months,
    as a December value (one warning) with ``time: mean`` on seasons three months apart. Refused
    in one line naming what says so and the way out, which pairs each December forecast with its
    December (numpy on the monthly arrays)."""
    hindcast, observations, files = _seasonal_starts_in(tmp_path, (11,))
    seasons = _season_means(observations, bounds=bounds, cell_methods=cell_methods, december_only=december_only)
    seasons.to_netcdf(tmp_path / "djf.nc")
    select = {"number": 0, "forecastMonth": 2}
    with pytest.raises(ClimannError) as refused:
        _opened_and_selected([files[0], tmp_path / "djf.nc"], select)
    message = str(refused.value)
    assert "obs_t2m holds 3-month means" in message and evidence in message, message
    assert "forecastMonth = 2" in message and "(December)" in message and "cdo selmon,12 MONTHLY.nc" in message
    assert "\n" not in message
    selected = _opened_and_selected(files, select)  # the way out: the monthly values of December
    at = np.searchsorted(observations["valid_time"].values, hindcast["valid_time"].values[:, 1])
    np.testing.assert_array_equal(selected["obs_t2m"].values, observations["obs_t2m"].values[at])
    winters = seasons["obs_t2m"].values[seasons["time"].dt.month.values == 12]
    assert np.sqrt(np.mean((selected["obs_t2m"].values[:len(winters)] - winters[:len(selected["time"])]) ** 2)) > 0.5


def _restamped(observations: xr.Dataset, stamp: str) -> xr.Dataset:
    """The monthly observations stamped on each month's ``"start"`` (ERA5), its 15th, its middle
    (the 16th at 12:00 of a 31-day month, CDO's ``monmean``) or its last day, without bounds."""
    months = observations["valid_time"].values.astype("datetime64[M]")
    firsts = months.astype("datetime64[s]")
    stamps = {"start": firsts, "15th": months.astype("datetime64[D]") + 14,
              "middle": firsts + ((months + 1).astype("datetime64[s]") - firsts) // 2,
              "last-day": (months + 1).astype("datetime64[D]") - 1}[stamp]
    restamped = observations.assign_coords(valid_time=stamps.astype("datetime64[ns]"))
    restamped["valid_time"].attrs["standard_name"] = "time"
    restamped["valid_time"].encoding.update(units="hours since 1900-01-01", calendar="proleptic_gregorian")
    return restamped


@pytest.mark.parametrize("stamp", ["start", "15th", "middle", "last-day"])
@pytest.mark.parametrize(("starts", "lead"), [pytest.param(None, 2, id="every-month-forecastMonth2"),
                                              pytest.param((11,), 3, id="November-forecastMonth3")])
def test_monthly_means_stamped_anywhere_in_their_month_go_with_its_forecast(tmp_path, caplog, stamp, starts, lead):
    """ERA5-like monthly means without GRIB keys nor bounds beside a lead-month forecast: stamped
    inside their month (the 15th, the middle as CDO writes it, the last day) they were refused as
    if the forecast's valid time on the 1st might close the month before, though a lead month is
    the calendar month it opens; stamped on the 1st they were paired by stamp, unsaid. Each goes
    with the forecast of its own month (numpy on the arrays: the observation of the valid month,
    the forecast of it within its noise); the 1st, which a CESM-style file would mean as the end
    of the month before, with one warning naming the reading and the bounds that say it."""
    hindcast, observations = seasonal_pair(starts=60, leads=3)
    if starts:
        hindcast = hindcast.isel(forecast_reference_time=np.flatnonzero(
            np.isin(hindcast["forecast_reference_time"].dt.month.values, starts)))
    hindcast.to_netcdf(tmp_path / "seas5.nc")
    _restamped(observations, stamp).to_netcdf(tmp_path / "era5.nc")
    select = {"number": 0, "forecastMonth": lead}
    forget_notes()  # said once a run: as by a new process
    with caplog.at_level("WARNING", logger="climann"):
        selected = _opened_and_selected([tmp_path / "seas5.nc", tmp_path / "era5.nc"], select)
    valid = hindcast["valid_time"].values[:, lead - 1].astype("datetime64[M]")
    at = np.searchsorted(observations["valid_time"].values.astype("datetime64[M]"), valid)
    np.testing.assert_array_equal(selected["obs_t2m"].values, observations["obs_t2m"].values[at])
    forecast = selected["t2m"].transpose("time", ...).values
    np.testing.assert_array_equal(forecast, hindcast["t2m"].values[0, :, lead - 1])
    assert np.sqrt(np.mean((forecast - selected["obs_t2m"].values) ** 2)) < 0.4  # the noise: its own month
    assert np.sqrt(np.mean((forecast - observations["obs_t2m"].values[at - 1]) ** 2)) > 1.0  # a month off
    warned = [record.getMessage() for record in caplog.records if "stamped on the 1st at 00:00" in record.getMessage()]
    if stamp == "start":
        assert len(warned) == 1 and "read as the month its stamp opens" in warned[0], warned
        assert "cdo settbounds,month" in warned[0] and "(forecastMonth = " in warned[0]
    else:
        assert not warned, warned


def test_a_hindcast_with_a_lead_dimension_and_no_valid_time_is_refused_without_a_lead(tmp_path):
    """Without a lead chosen it is refused as the new CDS's layout is, naming the lead dimension."""
    hindcast, observations = seasonal_pair()
    _old_cds_layout(hindcast).to_netcdf(tmp_path / "seas5_leadtime_months.nc")
    observations.to_netcdf(tmp_path / "era5_t2m.nc")
    with pytest.raises(ClimannError, match=r"choose one lead time \(leadtime_month\)"):
        open_dataset([tmp_path / "seas5_leadtime_months.nc", tmp_path / "era5_t2m.nc"], select={"number": 0})


def _week34_pair() -> tuple[xr.Dataset, xr.Dataset, np.ndarray]:
    """A week-3–4 mean as ``fc.sel(step=14..27 days).mean("step")`` leaves it (cfgrib's reference
    time ``time``, no lead), the 14-day observed means stamped at the start of each valid window,
    and those valid starts (reference + 14 days)."""
    from tests.forecast_files import s2s_daily_pair

    forecast, observations = s2s_daily_pair("instant", steps=28)
    mean = forecast["t2m_fc"].isel(step=slice(14, 28)).mean("step")
    week34 = mean.to_dataset(name="t2m_fc")
    week34["time"].encoding.update(units="days since 2001-01-01")
    starts = forecast["time"].values + np.timedelta64(14, "D")
    observed = np.stack([observations["t2m"].sel(time=slice(start, start + np.timedelta64(13, "D"))).mean("time")
                         for start in starts])
    windows = xr.Dataset({"t2m": (("time", "latitude", "longitude"), observed, {"units": "K"})},
                         coords={"time": ("time", starts, {"standard_name": "time"}),
                                 "latitude": forecast["latitude"], "longitude": forecast["longitude"]})
    return week34, windows, starts


@pytest.mark.parametrize("attrs", [
    pytest.param({"standard_name": "forecast_reference_time", "long_name": "initial time of forecast"}, id="cfgrib"),
    pytest.param({"long_name": "initial time of forecast"}, id="long_name_only"),
])
def test_forecast_starts_without_a_lead_are_refused_with_the_shift_to_the_valid_times(tmp_path, attrs):
    """break31a A2: a week-3–4 mean keeps cfgrib's ``time`` (the forecast start) and no lead; it
    was paired with the observed window that begins at its start, 14 days early (exit 0).
    Refused, naming the axis and the ncap2 that shifts it and marks it as the time."""
    week34, windows, _ = _week34_pair()
    week34["time"].attrs = attrs
    week34.to_netcdf(tmp_path / "wk34.nc")
    windows.to_netcdf(tmp_path / "obs.nc")
    with pytest.raises(ClimannError, match=r"the time 'time' is the forecasts' start .*ncap2 -s "
                                           r"'time=time\+LEAD;time@standard_name=\"time\"") as refused:
        open_dataset([tmp_path / "wk34.nc", tmp_path / "obs.nc"])
    assert "LEAD the lead in days" in str(refused.value)


def test_a_stores_forecast_starts_are_refused_with_an_xarray_line_that_pairs_them_once_the_lead_is_put(tmp_path):
    """The same as a Zarr store: the advice is an xarray line (NCO reads no store); run as printed
    with LEAD = 14 (days), its copy is on the valid window starts and each mean pairs with the
    observed mean of its window (equal to float32 rounding)."""
    week34, windows, starts = _week34_pair()
    week34.to_zarr(tmp_path / "wk34.zarr")
    windows.to_netcdf(tmp_path / "obs.nc")
    with pytest.raises(ClimannError, match=r"is the forecasts' start") as refused:
        open_dataset([tmp_path / "wk34.zarr", tmp_path / "obs.nc"])
    command = re.search(r'python -c "(.+?)"', str(refused.value)).group(1).replace("LEAD", "14")

    run_python("-c", command, cwd=tmp_path, check=True)
    paired = open_dataset([tmp_path / "wk34_fixed.zarr", tmp_path / "obs.nc"])
    assert _dates(paired["time"].values) == _dates(_cftime(starts))
    np.testing.assert_allclose(paired["t2m_fc"].values, paired["t2m"].values, atol=1e-4)
