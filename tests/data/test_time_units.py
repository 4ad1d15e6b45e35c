"""Time units in calendar months or years, and time coordinates without CF units."""

import shutil

import cftime
import netCDF4
import numpy as np
import pytest

from climann.data import shell
from climann.data.open import open_dataset
from climann.data.variables import grid_layout
from climann.errors import ClimannError
from tests.fresh_python import bare_python, run_python


def _write(path, *, units, calendar="360_day", values=None, time_name="time"):
    """A tiny (time, lat, lon) file with the given time encoding; no units when ``units`` is None."""
    values = np.arange(6) + 0.5 if values is None else np.asarray(values)
    with netCDF4.Dataset(path, "w") as nc:
        nc.createDimension(time_name, len(values))
        nc.createDimension("lat", 2)
        nc.createDimension("lon", 3)
        time = nc.createVariable(time_name, "f8", (time_name,))
        time.standard_name = "time"
        if units is not None:
            time.units = units
        if calendar is not None:
            time.calendar = calendar
        time[:] = values
        lat = nc.createVariable("lat", "f8", ("lat",))
        lat.units, lat[:] = "degrees_north", [0.0, 10.0]
        lon = nc.createVariable("lon", "f8", ("lon",))
        lon.units, lon[:] = "degrees_east", [0.0, 10.0, 20.0]
        tas = nc.createVariable("tas", "f4", (time_name, "lat", "lon"))
        tas.units, tas[:] = "K", np.ones((len(values), 2, 3))
    return path


@pytest.mark.parametrize(
    ("units", "days_per_unit"),
    [
        pytest.param("months since 1960-01-01", 30, id="months"),
        pytest.param("years since 1960-01-01", 360, id="years"),
        pytest.param("common_years since 1960-01-01", 360, id="common_years"),
    ],
)
def test_calendar_units_are_exact_in_360_day(tmp_path, units, days_per_unit):
    values = [0.5, 1.5, 2.25, 7.25]  # none on the 1st at 00:00 beside mid-month stamps (refused: which month?)
    dataset = open_dataset([_write(tmp_path / "a.nc", units=units, values=values)])
    expected = cftime.num2date(np.array(values) * days_per_unit, "days since 1960-01-01", calendar="360_day")
    assert list(dataset["time"].values) == list(expected)
    layout = grid_layout(dataset, "tas", [])
    assert (layout.time_units, layout.calendar) == ("days since 1960-01-01", "360_day")


@pytest.mark.parametrize("calendar", ["noleap", "standard"])
def test_common_years_are_365_days_in_any_other_calendar(tmp_path, calendar):
    """UDUNITS' common_year is 365 days (its year is 365.24): read as days, so that the outputs
    are written in days since the same date (break15: info read it, train ended on "'common_years'")."""
    values = [0.0, 1.0, 2.0, 59.0]
    dataset = open_dataset([_write(tmp_path / "a.nc", units="common_years since 1850-01-01", values=values,
                                   calendar=calendar)])
    expected = cftime.num2date(np.array(values) * 365, "days since 1850-01-01", calendar=calendar)
    assert list(dataset["time"].values) == list(expected)
    layout = grid_layout(dataset, "tas", [])
    assert (layout.time_units, layout.calendar) == ("days since 1850-01-01", calendar)


@pytest.mark.parametrize("calendar", ["gregorian", "standard", "noleap", "proleptic_gregorian", "julian"])
@pytest.mark.parametrize("unit", ["months", "years"])
def test_calendar_units_elsewhere_are_refused_with_why_and_the_fix(tmp_path, monkeypatch, calendar, unit):
    monkeypatch.chdir(tmp_path)
    path = _write(tmp_path / "obs.nc", units=f"{unit} since 1850-01-01", calendar=calendar)
    with pytest.raises(ClimannError) as error:
        open_dataset([path])
    message = str(error.value)
    assert "\n" not in message
    assert f"'{unit} since 1850-01-01' in the '{calendar}' calendar" in message and "obs.nc" in message
    # CF 1.8 §4.4 and UDUNITS-2: a year is 365.242198781 days, a month 1/12 of it (break16 F13: a
    # refused 'years since' was told about months, and 30.436875 is the Gregorian year's twelfth)
    length = {"months": f"a month is 1/12 year = {365.242198781 / 12:.6f} days, not a calendar month",
              "years": "a year is 365.242198781 days, the tropical year, not a calendar year"}[unit]
    assert f"not a fixed length of time (CF and UDUNITS: {length})" in message
    # the copy in a new folder, and the --data that takes it (break54d A5: a copy beside obs.nc was taken with it)
    assert "mkdir -p days_since && cdo -setreftime,1850-01-01,00:00:00,days obs.nc days_since/obs.nc`" in message
    assert "then give --data days_since/obs.nc in place of obs.nc" in message
    # no xarray parameter to pass to climann (the months_since case); for years, a whole Python
    # line that writes the copy (test_years_of_a_noleap_calendar_are_rewritten_by_the_python_line;
    # in calendars of leap years, tests/data/test_season_counts.py)
    python = unit == "years"
    assert (f"mkdir -p days_since && {shell.advised_python()} -c \"import sys, xarray as xr; d = xr.open_dataset('obs.nc', "
            "decode_times=False);" in message) == python
    assert ("decode_times" in message) == python and "installing cftime" not in message


def test_years_of_a_noleap_calendar_are_rewritten_by_the_python_line(tmp_path, monkeypatch):
    """break32b A5: "years since 0000-01-01" in noleap (paleo years before year 0) was refused with
    a cdo line only, and cdo is often not installed. The Python line runs as printed and writes a
    copy whose steps and bounds are 1 January of year 0 + each value (by hand: -22000 is
    -22000-01-01, in its cell from -22005-01-01 to -21995-01-01), which trains."""
    import shlex

    import xarray as xr

    from climann.workflow.config import build_config
    from climann.workflow.pipeline import run_training

    monkeypatch.chdir(tmp_path)
    years = -22000.0 + 10 * np.arange(24)
    rng = np.random.default_rng(1)
    xr.Dataset(
        {"tas": (("time", "lat", "lon"), 280 + rng.normal(size=(24, 2, 3)), {"units": "K", "cell_methods": "time: mean"}),
         "pred": (("time", "lat", "lon"), rng.normal(size=(24, 2, 3)), {"units": "1"}),
         "time_bnds": (("time", "bnds"), np.stack([years - 5, years + 5], axis=1))},
        coords={"time": ("time", years, {"units": "years since 0000-01-01", "calendar": "noleap",
                                         "bounds": "time_bnds"}),
                "lat": ("lat", [0.0, 10.0], {"units": "degrees_north"}),
                "lon": ("lon", [0.0, 10.0, 20.0], {"units": "degrees_east"})},
    ).to_netcdf(tmp_path / "paleo.nc")
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "paleo.nc"])
    # the copy into a new folder (break54d A5): `mkdir -p days_since && python -c …`
    command = next(part for part in bare_python(str(error.value)).split("`")
                   if part.startswith("mkdir -p days_since && python -c "))
    (tmp_path / "days_since").mkdir()
    run_python(*shlex.split(command.removeprefix("mkdir -p days_since && "))[1:], check=True, capture_output=True,
               cwd=tmp_path)
    dataset = open_dataset([tmp_path / "days_since" / "paleo.nc"])
    assert list(dataset["time"].values) == [cftime.datetime(int(year), 1, 1, calendar="noleap") for year in years]
    with xr.open_dataset(tmp_path / "days_since" / "paleo.nc", decode_times=False) as raw:
        np.testing.assert_array_equal(raw["time_bnds"].values[:, 1] - raw["time_bnds"].values[:, 0], 3650.0)
        assert raw["time"].attrs["units"] == "days since 0000-01-01" and raw["time"].dtype == np.float64
    settings = {"data": {"paths": [str(tmp_path / "days_since" / "paleo.nc")], "target": "tas", "predictors": ["pred"]},
                "model": {"hidden": [4]}, "training": {"epochs": 1}, "evaluation": {"figures": False}}
    run = run_training(build_config(settings), run_dir=tmp_path / "run")
    assert run.metrics["split_periods"]["test"] == "-21800, -21790, -21780, -21770"


def test_iri_calendar_360_is_refused_naming_cf_360_day(tmp_path):
    path = _write(tmp_path / "iri.nc", units="months since 1960-01-01", calendar="360", time_name="T")
    with pytest.raises(ClimannError, match=r"'T' in iri.nc uses calendar '360', which is not a CF calendar.*'360_day'"):
        open_dataset([path])


@pytest.mark.parametrize(
    ("units", "said"),
    [pytest.param(None, "it has no units", id="no-units"), pytest.param("hours", "its units are 'hours'", id="no-since")],
)
def test_a_time_without_cf_units_is_named_with_what_cf_expects(tmp_path, units, said):
    path = _write(tmp_path / "raw.nc", units=units, calendar=None)
    with pytest.raises(ClimannError) as error:
        grid_layout(open_dataset([path]), "tas", [str(path)])
    assert str(error.value) == (
        f"time coordinate 'time' in raw.nc could not be read as dates: {said}; CF expects units = "
        "'days since 1970-01-01' (any unit since a reference date) and a calendar"
    )


# --- CF's and UDUNITS' abbreviations of the time unit --------------------------------------------------
@pytest.mark.parametrize(
    ("word", "written"),
    [
        pytest.param("d", "days", id="d"),
        pytest.param("h", "hours", id="h"),
        pytest.param("hr", "hours", id="hr"),
        pytest.param("hrs", "hours", id="hrs"),
        pytest.param("H", "hours", id="H"),
        pytest.param("min", "minutes", id="min"),
        pytest.param("mins", "minutes", id="mins"),
        pytest.param("s", "seconds", id="s"),
        pytest.param("sec", "seconds", id="sec"),
        pytest.param("secs", "seconds", id="secs"),
        pytest.param("msec", "milliseconds", id="msec"),
        pytest.param("ms", "milliseconds", id="ms"),
        pytest.param("microsec", "microseconds", id="microsec"),
    ],
)
def test_an_abbreviated_time_unit_is_spelt_in_full_with_the_same_dates(word, written):
    """CF §4.4: 'day (d), hour (hr, h), minute (min) and second (sec, s)'; UDUNITS more. cftime
    decodes them, xarray writes only the full words: rewritten, the same numbers mean the same
    dates (cftime's own reading of both), and xarray encodes them."""
    import xarray as xr

    from climann.data.time_units import encodable_time_units

    units = f"{word} since 2001-01-01 06:00:00"
    rewritten = encodable_time_units(units)
    assert rewritten == f"{written} since 2001-01-01 06:00:00"
    numbers = np.array([0.0, 1.0, 36.0, 1000.0])
    np.testing.assert_array_equal(cftime.num2date(numbers, rewritten, "noleap"), cftime.num2date(numbers, units, "noleap"))
    dates = cftime.num2date(numbers, units, "noleap")
    encoded, encoded_units, _ = xr.coding.times.encode_cf_datetime(dates, rewritten, "noleap", dtype=np.dtype("f8"))
    np.testing.assert_array_equal(encoded, numbers)
    assert encoded_units.split(" since ")[0] == written  # xarray writes the date in ISO form


@pytest.mark.parametrize(
    "units",
    [
        pytest.param("days since 2001-01-01", id="days"),
        pytest.param("Days since 2001-01-01", id="Days"),
        pytest.param("hour since 1900-1-1 0:0:0", id="hour"),
        pytest.param("months since 2001-01-01", id="months"),
        pytest.param("m since 2001-01-01", id="metre-not-time"),
        pytest.param("K", id="not-since"),
    ],
)
def test_time_units_xarray_writes_or_that_are_no_time_are_left_as_they_are(units):
    from climann.data.time_units import encodable_time_units

    assert encodable_time_units(units) == units


def _write_integer_times(path, *, units, values, calendar="proleptic_gregorian"):
    """_write with the times stored as int64 (what pandas-based writers give datetime64[ns])."""
    with netCDF4.Dataset(path, "w") as nc:
        nc.createDimension("time", len(values))
        nc.createDimension("lat", 2)
        nc.createDimension("lon", 3)
        time = nc.createVariable("time", "i8", ("time",))
        time.standard_name, time.units, time.calendar = "time", units, calendar
        time[:] = np.asarray(values, np.int64)
        nc.createVariable("lat", "f8", ("lat",))[:] = [0.0, 10.0]
        nc["lat"].units = "degrees_north"
        nc.createVariable("lon", "f8", ("lon",))[:] = [0.0, 10.0, 20.0]
        nc["lon"].units = "degrees_east"
        nc.createVariable("tas", "f4", ("time", "lat", "lon"))[:] = np.ones((len(values), 2, 3))
        nc["tas"].units = "K"
    return path


DAY_NS = 86_400 * 10**9


@pytest.mark.parametrize(("word", "per_day"), [
    pytest.param("nanoseconds", DAY_NS, id="nanoseconds"),
    pytest.param("ns", DAY_NS, id="ns"),
    pytest.param("nsec", DAY_NS, id="nsec"),
    pytest.param("us", DAY_NS // 1000, id="us"),
    pytest.param("usec", DAY_NS // 1000, id="usec"),
    pytest.param("weeks", None, id="weeks"),
    pytest.param("ks", None, id="kiloseconds"),
])
def test_udunits_time_units_cftime_does_not_read_are_decoded_to_the_same_dates(tmp_path, word, per_day):
    """break13 F6: 'nanoseconds since 1970-01-01' was refused in xarray's words ("installing
    cftime", which is installed); UDUNITS and xarray read it. The dates are cftime's reading of
    the same instants in days (2000-01-01 is 10957 days after 1970-01-01)."""
    if word == "weeks":
        values, expected_days = [1565, 1566], [1565 * 7, 1566 * 7]
    elif word == "ks":
        values, expected_days = [946_080, 946_944], [10950.0, 10960.0]  # 86.4 ks a day
    else:
        values, expected_days = [10957 * per_day, 10958 * per_day + per_day // 2], [10957.0, 10958.5]
    path = _write_integer_times(tmp_path / "t.nc", units=f"{word} since 1970-01-01", values=values)
    times = open_dataset([path])["time"].values
    expected = cftime.num2date(expected_days, "days since 1970-01-01", "proleptic_gregorian")
    assert list(times) == list(expected)
    assert times[0].strftime("%Y-%m-%d") == {"weeks": "1999-12-30", "ks": "1999-12-25"}.get(word, "2000-01-01")


def test_nanoseconds_below_a_microsecond_are_rounded_to_cftimes_resolution():
    from climann.data.time_units import in_cftime_units

    units, values = in_cftime_units("nanoseconds since 1970-01-01 00:00:00",
                                    np.array([946684800000000000, 946684800000000499, 946684800000000500]))
    assert units == "microseconds since 1970-01-01 00:00:00"
    np.testing.assert_array_equal(values, [946684800000000, 946684800000000, 946684800000001])
    assert values.dtype == np.int64


@pytest.mark.parametrize("units", [
    pytest.param("days since 2001-01-01", id="cftime-reads-it"),
    pytest.param("months since 2001-01-01", id="calendar-months"),
    pytest.param("years since 2001-01-01", id="udunits-year"),
    pytest.param("a since 2001-01-01", id="annum-left-to-cftime"),
    pytest.param("m since 2001-01-01", id="metre-not-time"),
    pytest.param("K", id="not-since"),
])
def test_units_cftime_reads_or_that_are_no_length_of_time_are_left(units):
    from climann.data.time_units import in_cftime_units

    assert in_cftime_units(units, np.array([1])) is None


@pytest.mark.parametrize("units", ["days after 2000-01-01", "days from 2000-01-01", "days ref 2000-01-01",
                                   "DAYS SINCE 2000-01-01", "Days After 2000-01-01", "days since 20000101",
                                   "days since 20000101T000000", "Days after 20000101 00:00"])
def test_udunits_other_words_for_since_are_read_as_since(tmp_path, units):
    """UDUNITS-2 reads 'after', 'from' and 'ref' as 'since', in any case, and a packed date 20000101 as 2000-01-01
    (libudunits2 checked); cftime reads only 'since' and 2000-01-01, and the file was refused (break16 F11). The dates are those of 'days since', and are written
    back so."""
    import xarray as xr

    def write(path, text):
        xr.Dataset({"tas": (("time", "lat", "lon"), np.full((3, 2, 2), 280.0), {"units": "K"})},
                   coords={"time": ("time", [15.0, 45.0, 74.0], {"units": text, "calendar": "standard"}),
                           "lat": ("lat", [0.0, 10.0], {"units": "degrees_north"}),
                           "lon": ("lon", [0.0, 10.0], {"units": "degrees_east"})}).to_netcdf(path)
        return path

    spelt = open_dataset([write(tmp_path / "spelt.nc", units)])
    since = open_dataset([write(tmp_path / "since.nc", "days since 2000-01-01")])
    np.testing.assert_array_equal(spelt["time"].values, since["time"].values)
    spelt.to_netcdf(tmp_path / "copy.nc")
    copy = xr.open_dataset(tmp_path / "copy.nc", decode_times=False)
    assert copy["time"].attrs["units"] == "days since 2000-01-01"
    np.testing.assert_array_equal(copy["time"].values, [15.0, 45.0, 74.0])


@pytest.mark.parametrize("units", [pytest.param("days since 2000115", id="seven-digits"),
                                   pytest.param("days since 20001301", id="month-13")])
def test_a_reference_date_that_is_no_date_is_refused_in_one_line_with_the_ncatted(tmp_path, units):
    """break16 F11: such units were refused in xarray's words ("Try opening your dataset with decode_times=False");
    the refusal names the units and gives the ncatted that sets the date, and that command, with the date filled
    in, makes the file read."""
    import shlex
    import shutil
    import subprocess

    import xarray as xr

    from climann.errors import ClimannError

    path = tmp_path / "packed.nc"
    xr.Dataset({"tas": (("time", "lat", "lon"), np.full((3, 2, 2), 280.0), {"units": "K"})},
               coords={"time": ("time", [15.0, 45.0, 74.0], {"units": units, "calendar": "standard"}),
                       "lat": ("lat", [0.0, 10.0], {"units": "degrees_north"}),
                       "lon": ("lon", [0.0, 10.0], {"units": "degrees_east"})}).to_netcdf(path)
    command = f"ncatted -a units,time,o,c,'days since YYYY-MM-DD' {path} {tmp_path / 'packed_fixed.nc'}"
    with pytest.raises(ClimannError) as raised:
        open_dataset([path])
    assert str(raised.value) == (
        f"time 'time' in packed.nc has units '{units}', whose reference date '{units.split()[-1]}' is not written "
        "as a date (CF: 'days since 2000-01-01'; UDUNITS-2 also reads 20000101), so its dates are unknown; set the "
        f"date it counts from: `{command}`")
    assert shlex.split(command)[1:3] == ["-a", "units,time,o,c,days since YYYY-MM-DD"]
    if shutil.which("ncatted") is None:
        return
    subprocess.run(command.replace("YYYY-MM-DD", "2000-01-01"), shell=True, check=True, capture_output=True)
    fixed = open_dataset([tmp_path / "packed_fixed.nc"])
    assert [str(date)[:10] for date in fixed["time"].values] == ["2000-01-16", "2000-02-15", "2000-03-15"]


@pytest.mark.skipif(shutil.which("cdo") is None, reason="cdo not installed")
def test_months_since_of_a_series_is_copied_file_by_file_into_a_new_folder_that_opens(tmp_path, monkeypatch):
    """break54d A5: 'months since' without a calendar (RG Argo) was told one cdo line for the first
    of 13 files, its copy written beside it in the folder given (taken with it by the same glob, and
    refused again). Now one loop over every file into rg/days_since, then the --data that takes them;
    run as printed, the copies open, each step at its calendar month (cdo's reading: 0 months since
    2004-01-01 is 2004-01-01, 14 is 2005-03-01) and the values as they were."""
    import subprocess

    monkeypatch.chdir(tmp_path)
    (tmp_path / "rg").mkdir()
    paths = [_write(tmp_path / "rg" / f"RG_{year}.nc", units="months since 2004-01-01", calendar=None,
                    values=np.arange(6) + 6 * k) for k, year in enumerate((2019, 2020, 2021))]
    with pytest.raises(ClimannError) as error:
        open_dataset(paths)
    message = str(error.value)
    assert "then give --data 'rg/days_since/*.nc' in place of the originals" in message, message
    line = message.split("`")[1]
    assert line.count("for f in ") == 2 and "rg/days_since" in line  # the guard's loop and the copies' loop
    subprocess.run(["bash", "-c", line], check=True, capture_output=True)
    copies = sorted((tmp_path / "rg" / "days_since").glob("*.nc"))
    assert [copy.name for copy in copies] == [path.name for path in paths]
    opened = open_dataset(copies)
    expected = [cftime.DatetimeGregorian(2004 + month // 12, month % 12 + 1, 1) for month in range(18)]
    assert [(t.year, t.month, t.day) for t in opened["time"].values] == [(t.year, t.month, t.day) for t in expected]
    assert float(opened["tas"].sum()) == 18 * 6
