"""Time stamps that are missing, and reference dates before 1582 in the standard calendar."""

import datetime
import logging

import cftime
import netCDF4
import numpy as np
import pytest
import xarray as xr

from climann.data.open import open_dataset
from climann.data.time_values import misdating
from climann.errors import ClimannError
from tests.followed_twice import without_guards


def _write(path, values, *, units="days since 1990-01-01", calendar="noleap", fill=None, extra_dates=None):
    """A tiny (time, lat, lon) file with the given time values; ``extra_dates`` a (lat, lon)
    data variable in the time units (e.g. a day of onset, NaN over the ocean)."""
    values = np.asarray(values, dtype=np.float64)
    with netCDF4.Dataset(path, "w") as nc:
        nc.createDimension("time", None)
        nc.createDimension("lat", 2)
        nc.createDimension("lon", 3)
        time = nc.createVariable("time", "f8", ("time",), fill_value=fill)
        time.standard_name, time.units = "time", units
        if calendar is not None:
            time.calendar = calendar
        time[:] = values
        lat = nc.createVariable("lat", "f8", ("lat",))
        lat.units, lat.standard_name, lat[:] = "degrees_north", "latitude", [0.0, 10.0]
        lon = nc.createVariable("lon", "f8", ("lon",))
        lon.units, lon.standard_name, lon[:] = "degrees_east", "longitude", [0.0, 10.0, 20.0]
        tas = nc.createVariable("tas", "f4", ("time", "lat", "lon"))
        tas.units, tas[:] = "K", 280.0 + np.arange(values.size)[:, None, None] * np.ones((1, 2, 3))
        if extra_dates is not None:
            onset = nc.createVariable("onset", "f8", ("lat", "lon"))
            onset.units, onset.calendar, onset[:] = units, calendar, extra_dates
    return path


def _monthly_days(n, day=15):
    """Days since 1990-01-01 (noleap) of the ``day`` of each month from January 1990."""
    dates = [cftime.datetime(1990 + k // 12, k % 12 + 1, day, calendar="noleap") for k in range(n)]
    return np.asarray(cftime.date2num(dates, "days since 1990-01-01", calendar="noleap"), dtype=np.float64)


@pytest.mark.parametrize(
    ("step", "around", "slabs"),
    [
        pytest.param(5, "between 1990-05-15 and 1990-07-15", "-d time,0,4 -d time,6,", id="middle"),
        pytest.param(0, "before 1990-02-15", "-d time,1,", id="first"),
        pytest.param(11, "after 1990-11-15", "-d time,0,10", id="last"),
    ],
)
@pytest.mark.parametrize(
    ("fill", "stored"),
    [pytest.param(-999.0, "the fill value -999.0", id="fill_value"), pytest.param(None, "NaN", id="nan")],
)
def test_a_step_without_a_time_value_is_refused_naming_it_its_neighbours_and_the_way_out(
    tmp_path, monkeypatch, step, around, slabs, fill, stored
):
    monkeypatch.chdir(tmp_path)
    values = _monthly_days(12)
    values[step] = np.nan if fill is None else fill
    path = _write(tmp_path / "gap.nc", values, fill=fill)
    with pytest.raises(ClimannError) as error:
        open_dataset([path])
    assert str(error.value) == (
        f"gap.nc: time step {step} (counting from 0) of 'time' has no date ({stored}), {around}; a step without a date cannot be "
        f"placed in the series: correct its value or drop it, e.g. `ncks {slabs} gap.nc gap_fixed.nc` (ncks counts "
        "steps from 0, as here)"
    )


@pytest.mark.parametrize(("units", "huge"), [("seconds since 1900-01-01", 1e30), ("days since 1990-01-01", 1e9)],
                         ids=["nemo-1e30-seconds", "1e9-days"])
def test_a_stamp_further_from_its_reference_than_any_date_is_refused_as_one_without_a_date(tmp_path, monkeypatch,
                                                                                          units, huge):
    """NEMO writes 1e30 into an unwritten time_centered without a fill attribute: more than 2**63
    microseconds (about 292 000 years) from the reference, which no calendar dates; it was an
    "unexpected error: OverflowError" (cache15 F4). 1e9 days (2.7 million years) likewise."""
    monkeypatch.chdir(tmp_path)
    day = {"seconds since 1900-01-01": 86400.0, "days since 1990-01-01": 1.0}[units]
    start = 0.0 if units.startswith("days") else 90 * 365.25 * 86400
    values = start + _monthly_days(6) * day
    values[2] = huge
    path = _write(tmp_path / "huge.nc", values, units=units)
    assert abs(huge) * (86400.0 / day) >= 2.0**63 / 1e6  # beyond 64-bit microseconds, by hand
    with pytest.raises(ClimannError) as error:
        open_dataset([path])
    assert str(error.value).startswith(
        f"huge.nc: time step 2 (counting from 0) of 'time' has no date ({huge:g} {units}, further from it than any "
        "date can lie), between ")
    assert "`ncks -d time,0,1 -d time,3, huge.nc huge_fixed.nc`" in str(error.value)


def _write_unwritten_times(path, written, *, dtype):
    """12 monthly records of ``tas`` (noleap), the time written only at the steps ``written``:
    the others hold netCDF's default fill of ``dtype`` (a model restarted after a crash)."""
    with netCDF4.Dataset(path, "w") as nc:
        nc.createDimension("time", None)
        nc.createDimension("lat", 2)
        nc.createDimension("lon", 3)
        time = nc.createVariable("time", dtype, ("time",))  # no _FillValue attribute: the default one
        time.standard_name, time.units, time.calendar = "time", "days since 1990-01-01", "noleap"
        tas = nc.createVariable("tas", "f4", ("time", "lat", "lon"))
        tas.units, tas[:] = "K", np.full((12, 2, 3), 280.0)
        time[written] = _monthly_days(12)[written].astype(dtype)
    return path


@pytest.mark.parametrize(
    ("written", "around", "slabs"),
    [
        pytest.param(slice(0, 10), "the first step 10, after 1990-10-15", "-d time,0,9", id="end-unwritten"),
        pytest.param(slice(2, 12), "the first step 0, before 1990-03-15", "-d time,2,", id="start-unwritten"),
    ],
)
@pytest.mark.parametrize(
    ("dtype", "stored"),
    [pytest.param("f8", "9.96921e+36", id="double"), pytest.param("i4", "-2147483647", id="int"),
     pytest.param("i8", "-9223372036854775806", id="int64")],
)
def test_unwritten_time_records_are_named_as_default_fills_with_their_one_neighbour(tmp_path, monkeypatch, written,
                                                                                   around, slabs, dtype, stored):
    """break17 F7: records unwritten at the end read "the first step 118, between 2009-10-15;" (a
    "between" with one date), and the value was not named as what it is."""
    monkeypatch.chdir(tmp_path)
    path = _write_unwritten_times(tmp_path / "short.nc", written, dtype=dtype)
    with netCDF4.Dataset(path) as nc:  # the file holds what the test says, by hand
        nc.set_auto_mask(False)
        assert float(nc["time"][11 if written.start == 0 else 0]) == float(netCDF4.default_fillvals[dtype])
    kind = {"f8": "double", "i4": "int", "i8": "int64"}[dtype]
    with pytest.raises(ClimannError) as error:
        open_dataset([path])
    assert str(error.value) == (
        f"short.nc: 2 steps of time 'time' have no date ({stored} days since 1990-01-01, netCDF's default fill value "
        f"for {kind}, left where a time was never written), {around}; a step without a date cannot be placed in the "
        f"series: correct its value or drop it, e.g. `ncks {slabs} short.nc short_fixed.nc` (ncks counts steps from "
        "0, as here)"
    )


def test_a_pandas_nat_in_an_int64_time_is_named_as_a_missing_date_to_its_last_digit(tmp_path, monkeypatch):
    """break18 F7: xarray writes a NaT as the int64 minimum, -9223372036854775808; it was called
    netCDF's default fill for int64 (which is -9223372036854775806) and printed as -9.22337e+18."""
    monkeypatch.chdir(tmp_path)
    path = _write_unwritten_times(tmp_path / "nat.nc", slice(0, 12), dtype="i8")
    with netCDF4.Dataset(path, "a") as nc:
        nc["time"][5] = np.iinfo(np.int64).min
    with netCDF4.Dataset(path) as nc:  # by hand: the NaT, not the default fill
        nc.set_auto_mask(False)
        assert int(nc["time"][5]) == -9223372036854775808 != int(netCDF4.default_fillvals["i8"])
    with pytest.raises(ClimannError) as error:
        open_dataset([path])
    assert str(error.value).startswith(
        "nat.nc: time step 5 (counting from 0) of 'time' has no date (-9223372036854775808 days since 1990-01-01, "
        "a missing date (NaT, the int64 minimum) as pandas and xarray write it), between 1990-05-15 and 1990-07-15; ")
    assert "`ncks -d time,0,4 -d time,6, nat.nc nat_fixed.nc`" in str(error.value)


def test_several_missing_stamps_are_counted_and_all_left_out_of_the_way_out(tmp_path):
    values = _monthly_days(12)
    values[[3, 4, 9]] = np.nan
    with pytest.raises(ClimannError, match=r"3 steps of time 'time' have no date \(NaN\), the first step 3, "
                       r"between 1990-03-15 and 1990-06-15;.*`ncks -d time,0,2 -d time,5,8 -d time,10, "):
        open_dataset([_write(tmp_path / "gaps.nc", values)])


def test_missing_dates_in_a_data_variable_are_data_not_a_missing_stamp(tmp_path):
    """A day of onset is data (its days of year since fix42e, climann.data.date_values: on no time axis, each
    date's own; 70.5 days after 1 January 1990 is day 71.5), missing where NaN."""
    onset = np.array([[10.0, np.nan, 40.0], [np.nan, 70.5, 100.0]])
    dataset = open_dataset([_write(tmp_path / "onset.nc", _monthly_days(12), extra_dates=onset)])
    np.testing.assert_array_equal(dataset["onset"].values, onset + 1)
    assert list(dataset["time"].values) == [
        cftime.datetime(1990, month, 15, calendar="noleap") for month in range(1, 13)
    ]


NCEP_UNITS = "hours since 1-1-1 00:00:0.0"


def _hours_since_year_1(dates, *, julian_days=0):
    """Hours since 0001-01-01 counted with proleptic Gregorian arithmetic (Python's
    ``date.toordinal``, day 1 = 0001-01-01), plus ``julian_days``: the Julian calendar's
    0001-01-01 is two days before the proleptic Gregorian one, so the mixed reading's count
    to a date after 1582 is two days more."""
    return np.array([(date.toordinal() - 1 + julian_days) * 24.0 for date in dates])


MONTH_STARTS = [datetime.date(1990 + k // 12, k % 12 + 1, 1) for k in range(14)]


@pytest.mark.parametrize("calendar", ["standard", "gregorian", None])
def test_month_starts_counted_proleptically_from_year_1_are_refused_with_the_calendar_fix(tmp_path, monkeypatch,
                                                                                          calendar):
    monkeypatch.chdir(tmp_path)
    path = _write(tmp_path / "ncep.nc", _hours_since_year_1(MONTH_STARTS), units=NCEP_UNITS, calendar=calendar)
    with pytest.raises(ClimannError) as error:
        open_dataset([path])
    message = str(error.value)
    assert message.startswith(f"ncep.nc: time 'time' counts from 1-1-1 00:00:0.0 in the '{calendar or 'standard'}'")
    assert "each would be dated 2 days early" in message
    assert message.endswith("`ncatted -a calendar,time,o,c,proleptic_gregorian ncep.nc ncep_fixed.nc`")


def test_the_calendar_fix_dates_the_months_on_their_first_day(tmp_path):
    path = _write(tmp_path / "ncep.nc", _hours_since_year_1(MONTH_STARTS), units=NCEP_UNITS,
                  calendar="proleptic_gregorian")
    dates = open_dataset([path])["time"].values
    assert [(date.year, date.month, date.day, date.hour) for date in dates] == [
        (date.year, date.month, 1, 0) for date in MONTH_STARTS
    ]


def test_month_starts_counted_in_the_mixed_calendar_are_read_as_cf_says_without_a_word(tmp_path, caplog):
    values = _hours_since_year_1(MONTH_STARTS, julian_days=2)
    with caplog.at_level(logging.WARNING):
        dates = open_dataset([_write(tmp_path / "mixed.nc", values, units=NCEP_UNITS, calendar="standard")])
    assert [(date.year, date.month, date.day) for date in dates["time"].values] == [
        (date.year, date.month, 1) for date in MONTH_STARTS
    ]
    assert not [record for record in caplog.records if "1582" in record.getMessage()]


def test_daily_stamps_since_year_1_are_read_as_cf_says_with_one_warning(tmp_path, caplog, monkeypatch):
    monkeypatch.chdir(tmp_path)
    days = [datetime.date(1990, 1, 1) + datetime.timedelta(days=k) for k in range(10)]
    path = _write(tmp_path / "daily.nc", _hours_since_year_1(days), units=NCEP_UNITS, calendar="standard")
    with caplog.at_level(logging.WARNING):
        first = open_dataset([path])
        open_dataset([path])
    # the mixed reading (CF) of proleptic counts: two days early
    assert (first["time"].values[0].year, first["time"].values[0].month, first["time"].values[0].day) == (1989, 12, 30)
    warnings = [record.getMessage() for record in caplog.records if "1582" in record.getMessage()]
    assert len(warnings) == 1
    assert warnings[0].startswith("daily.nc: time 'time' counts from 1-1-1 00:00:0.0 in the 'standard' calendar")
    assert "dated 2 days early" in warnings[0]
    assert warnings[0].endswith("`ncatted -a calendar,time,o,c,proleptic_gregorian daily.nc daily_fixed.nc`")


def test_yearly_files_since_year_1_give_one_warning_naming_them_all(tmp_path, caplog, monkeypatch):
    """NCEP/NCAR R1's yearly daily files, each in hours since 1-1-1 without a calendar: one
    line for the set, naming the first file and the others, not one per file (break31b B5)."""
    monkeypatch.chdir(tmp_path)
    paths = []
    for year in (1990, 1991, 1992):
        days = [datetime.date(year, 1, 1) + datetime.timedelta(days=k) for k in range(10)]
        paths.append(_write(tmp_path / f"air.2m.gauss.{year}.nc", _hours_since_year_1(days), units=NCEP_UNITS,
                            calendar=None))
    with caplog.at_level(logging.WARNING):
        open_dataset(paths)
    warnings = [record.getMessage() for record in caplog.records if "1582" in record.getMessage()]
    assert len(warnings) == 1
    assert warnings[0].startswith("air.2m.gauss.1990.nc: time 'time' counts from 1-1-1 00:00:0.0 in the 'standard'")
    assert "dated 2 days early" in warnings[0]
    assert ("`ncatted -a calendar,time,o,c,proleptic_gregorian air.2m.gauss.1990.nc air.2m.gauss.1990_fixed.nc` "
            "(so do 2 other files: air.2m.gauss.1991.nc, air.2m.gauss.1992.nc; ") in warnings[0]


@pytest.mark.parametrize(
    ("days", "text"),
    [
        pytest.param([2.0], "2 days early", id="one-shift"),
        pytest.param([1.0, 1.0], "1 day early", id="one-day"),
        pytest.param([1.0, -9.0], "from 1 day early to 9 days late", id="across-1582"),
        pytest.param([-4.0, -9.0], "4 to 9 days late", id="late-only"),
    ],
)
def test_the_misdating_names_every_shift_of_the_stamps(days, text):
    assert misdating(days) == text


def test_stamps_on_both_sides_of_1582_give_the_range_of_shifts(tmp_path, caplog, monkeypatch):
    """Mid-month stamps 1576-1587 counted from 1500 in the mixed calendar: read proleptically, a stamp before
    the switch moves by days_early of its value (by hand with cftime), one after it by ten days more."""
    monkeypatch.chdir(tmp_path)
    dates = [cftime.datetime(1576 + k // 12, k % 12 + 1, 15, calendar="standard") for k in range(144)]
    units = "days since 1500-01-01"
    values = cftime.date2num(dates, units, "standard")
    shifts = [
        cftime.date2num(cftime.num2date(value, units, "proleptic_gregorian"), "days since 1-1-1", "proleptic_gregorian")
        - cftime.date2num(cftime.num2date(value, units, "standard"), "days since 1-1-1", "proleptic_gregorian")
        for value in (values[0], values[-1])
    ]
    assert shifts == [1.0, -9.0]  # the first stamp one day early, the last nine days late
    with caplog.at_level(logging.WARNING):
        open_dataset([_write(tmp_path / "span.nc", values, units=units, calendar="standard")])
    said = [record.getMessage() for record in caplog.records if "1582" in record.getMessage()]
    assert len(said) == 1 and "are then dated from 1 day early to 9 days late;" in said[0]


CUMULATIVE_DAYS = np.array([0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365])


def test_a_cf_climatology_is_refused_as_no_series_of_years(tmp_path, monkeypatch):
    """CF §7.4's example: 12 climatological months over 1990-2019, with climatology bounds; a
    predictor's way out is the CDO line that repeats it over a series' months (break15)."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "clim.nc"
    _write(path, CUMULATIVE_DAYS[:12] + 15.0)
    with netCDF4.Dataset(path, "a") as nc:
        nc.createDimension("nv", 2)
        nc["time"].climatology = "climatology_bnds"
        bounds = nc.createVariable("climatology_bnds", "f8", ("time", "nv"))
        bounds[:] = np.stack([CUMULATIVE_DAYS[:12], 29 * 365 + CUMULATIVE_DAYS[1:]], axis=1)
        nc["tas"].cell_methods = "time: mean within years time: mean over years"
    with pytest.raises(ClimannError) as error:
        open_dataset([path])
    assert str(error.value) == (
        "clim.nc: time 'time' is a climatology (climatology = 'climatology_bnds', CF §7.4): its 12 steps are "
        "climatological periods averaged over years, not a series of years, and climann trains on time series; "
        "give the series it was computed from (e.g. each year's monthly means); as a predictor of a monthly series, "
        "repeat it over the series' months, with cdo's ymonadd: zero times a variable of the series (-mulc,0 "
        "-selname on the series' file, given first) plus this file's 'tas' (-selname), named as this file's "
        "(-chname), into a copy, and give that copy beside the series; a trained run predicts on it as it is "
        "(`climann predict` of that run with --data clim.nc)"
    )


def test_a_climatology_of_one_step_is_said_in_the_singular(tmp_path, monkeypatch):
    """break35b D3: a WOA18 climatology of one step was refused as "its 1 steps are climatological periods"."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "annual.nc"
    _write(path, np.array([182.5]))
    with netCDF4.Dataset(path, "a") as nc:
        nc.createDimension("nv", 2)
        nc["time"].climatology = "climatology_bnds"
        nc.createVariable("climatology_bnds", "f8", ("time", "nv"))[:] = [[0.0, 29 * 365 + 365.0]]
    with pytest.raises(ClimannError) as error:
        open_dataset([path])
    assert ("annual.nc: time 'time' is a climatology (climatology = 'climatology_bnds', CF §7.4): its 1 step is a "
            "climatological period averaged over years, not a series of years, and climann trains on time series; "
            "give the series it was computed from (e.g. each year's monthly means); a trained run predicts on it as it "
            "is (`climann predict` of that run with --data annual.nc)") == str(error.value)


@pytest.mark.parametrize("cell_methods", [
    pytest.param("time: mean within years time: mean over years", id="cf-7.4"),
    pytest.param("area: time: mean within years time: mean over years", id="area-and-time"),
    pytest.param("time: maximum within years time: mean over years (interval: 1 day)", id="mean-of-maxima"),
])
def test_a_climatology_said_by_its_cell_methods_alone_is_refused_as_one_with_the_attribute(tmp_path, monkeypatch,
                                                                                          cell_methods):
    """break32b A5b: PMIP4's Aclim (12 mid-month steps of one year, time bounds, no climatology
    attribute) was split into months Jan-Aug for training and Nov-Dec for testing, exit 0. Its
    cell_methods say what the attribute says (CF §7.4), and it gets the same refusal."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "tas_Aclim.nc"
    _write(path, CUMULATIVE_DAYS[:12] + 15.0)
    with netCDF4.Dataset(path, "a") as nc:
        nc["tas"].cell_methods = cell_methods
    with pytest.raises(ClimannError) as error:
        open_dataset([path])
    assert str(error.value) == (
        f"tas_Aclim.nc: 'tas' is a climatology (cell_methods = '{cell_methods}', CF §7.4): its 12 steps are "
        "climatological periods averaged over years, not a series of years, and climann trains on time series; "
        "give the series it was computed from (e.g. each year's monthly means); as a predictor of a monthly series, "
        "repeat it over the series' months, with cdo's ymonadd: zero times a variable of the series (-mulc,0 "
        "-selname on the series' file, given first) plus this file's 'tas' (-selname), named as this file's "
        "(-chname), into a copy, and give that copy beside the series; a trained run predicts on it as it is "
        "(`climann predict` of that run with --data tas_Aclim.nc)"
    )


@pytest.mark.parametrize("cell_methods", [
    pytest.param("time: mean", id="monthly-means"), pytest.param("time: mean within days time: mean over days",
                                                                  id="a-diurnal-cycle-not-over-years"),
    pytest.param("area: mean", id="no-time-entry"),
])
def test_other_cell_methods_are_a_series(tmp_path, cell_methods):
    path = tmp_path / "series.nc"
    _write(path, CUMULATIVE_DAYS[:12] + 15.0)
    with netCDF4.Dataset(path, "a") as nc:
        nc["tas"].cell_methods = cell_methods
    assert open_dataset([path]).sizes["time"] == 12


@pytest.mark.parametrize("calendar", ["none", "None"])
def test_a_time_without_a_calendar_is_refused_with_how_to_set_one(tmp_path, monkeypatch, calendar):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ClimannError) as error:
        open_dataset([_write(tmp_path / "idealised.nc", _monthly_days(12), calendar=calendar)])
    assert str(error.value) == (
        "idealised.nc: time 'time' has calendar 'none' (CF: no calendar), so its values are not dates and climann "
        "cannot tell months, seasons or years; set the calendar the model ran in, e.g. "
        "`ncatted -a calendar,time,o,c,360_day idealised.nc idealised_fixed.nc` (or noleap, standard …)"
    )


# A reference date in year 0 (MATLAB datenum-style files) in a calendar without a year 0.

#: Mid-month days of 2001 as MATLAB's datenum − 1 counts them: days since 0000-01-01 in the
#: proleptic Gregorian calendar with a year 0 (a leap year of 366 days), by Python's
#: ``date.toordinal`` (day 1 = 0001-01-01) plus that year.
MID_MONTHS_2001 = [datetime.datetime(2001, month, 15, 12) for month in range(1, 13)]
DAYS_SINCE_YEAR_0 = np.array([date.toordinal() - 1 + 366 + 0.5 for date in MID_MONTHS_2001])
YEAR_0_UNITS = "days since 0000-01-01 00:00:00"


@pytest.mark.parametrize("calendar", ["standard", "gregorian", None])
def test_a_year_0_reference_date_in_the_standard_calendar_is_refused_in_climanns_words(
    tmp_path, monkeypatch, calendar
):
    monkeypatch.chdir(tmp_path)
    path = _write(tmp_path / "y0.nc", DAYS_SINCE_YEAR_0, units=YEAR_0_UNITS, calendar=calendar)
    with pytest.raises(ClimannError) as error:
        open_dataset([path])
    message = str(error.value)
    assert "\n" not in message and "decode_times" not in message and "cftime" not in message
    assert message.startswith(f"y0.nc: time 'time' counts from 0000-01-01 00:00:00 in the '{calendar or 'standard'}' "
                              "calendar, which has no year 0")
    assert "`ncatted -a calendar,time,o,c,proleptic_gregorian y0.nc y0_fixed.nc`" in message
    assert "its first step then reads 2001-01-15 12:00;" in message  # MID_MONTHS_2001[0]


def test_the_year_0_fix_dates_the_steps_as_matlab_counts_them(tmp_path):
    path = _write(tmp_path / "y0_fixed.nc", DAYS_SINCE_YEAR_0, units=YEAR_0_UNITS, calendar="proleptic_gregorian")
    dates = open_dataset([path])["time"].values
    assert [(d.year, d.month, d.day, d.hour) for d in dates] == [(d.year, d.month, d.day, d.hour) for d in MID_MONTHS_2001]


def test_a_year_0_reference_date_in_the_julian_calendar_is_refused_with_its_way_out(tmp_path):
    with pytest.raises(ClimannError) as error:
        open_dataset([_write(tmp_path / "y0j.nc", DAYS_SINCE_YEAR_0, units=YEAR_0_UNITS, calendar="julian")])
    message = str(error.value)
    assert "in the 'julian' calendar, which has no year 0" in message and "days since 0001-01-01" in message
    assert "decode_times" not in message


def test_year_0_bounds_read_before_their_time_are_refused_in_the_same_words(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with netCDF4.Dataset(tmp_path / "y0b.nc", "w") as nc:
        nc.createDimension("time", 12)
        nc.createDimension("nv", 2)
        bounds = nc.createVariable("time_bnds", "f8", ("time", "nv"))  # first: xarray decodes it first
        bounds[:] = np.stack([DAYS_SINCE_YEAR_0 - 14.5, DAYS_SINCE_YEAR_0 + 14.5], axis=1)
        time = nc.createVariable("time", "f8", ("time",))
        time.units, time.calendar, time.bounds, time[:] = YEAR_0_UNITS, "standard", "time_bnds", DAYS_SINCE_YEAR_0
        tas = nc.createVariable("tas", "f4", ("time",))
        tas.units, tas[:] = "K", np.full(12, 280.0)
    with pytest.raises(ClimannError) as error:
        open_dataset([tmp_path / "y0b.nc"])
    assert str(error.value).startswith("y0b.nc: time 'time' counts from 0000-01-01 00:00:00 in the 'standard' calendar")


def _hours_on_the_first(n_months: int, hours: range, *, calendar: str = "standard") -> np.ndarray:
    """Hours since 1990-01-01 of ``hours`` on the first of each of ``n_months`` months."""
    dates = [cftime.datetime(1990 + k // 12, k % 12 + 1, 1, hour, calendar=calendar)
             for k in range(n_months) for hour in hours]
    return np.asarray(cftime.date2num(dates, "hours since 1990-01-01", calendar=calendar), dtype=np.float64)


def test_monthly_means_by_hour_of_day_are_refused_with_the_two_ways_to_a_series(tmp_path, monkeypatch):
    """ERA5's 'monthly averaged reanalysis by hour of day' (00:00 … 23:00 on the first of each
    month) was read as an hourly series with gaps: persistence 'the hour before', a climatology per
    day of year and hour (break15 F4)."""
    monkeypatch.chdir(tmp_path)
    path = _write(tmp_path / "byhour.nc", _hours_on_the_first(4, range(24)), units="hours since 1990-01-01",
                  calendar="standard")
    with pytest.raises(ClimannError) as error:
        open_dataset([path])
    assert without_guards(str(error.value)) == (
        "byhour.nc: time 'time' holds 24 times of day (00:00 to 23:00) on one date of each month (1990-01-01 and so "
        "on), and nothing between: monthly means by hour of day (ERA5's 'monthly averaged reanalysis by hour of "
        "day'), whose hours are no consecutive steps of a series; take one hour of each month (e.g. `cdo selhour,12 "
        "byhour.nc byhour_fixed.nc`) or the monthly mean over the hours (`cdo monmean byhour.nc byhour_fixed.nc`)")


@pytest.mark.parametrize(
    "values",
    [pytest.param(np.arange(24 * 40, dtype=np.float64), id="hourly-40-days"),
     pytest.param(np.arange(0, 24 * 120, 6, dtype=np.float64), id="6-hourly-4-months"),
     pytest.param(_hours_on_the_first(6, range(0, 1)), id="monthly-on-the-first"),
     pytest.param(np.concatenate([_hours_on_the_first(1, range(24)), 24 * 40 + np.arange(24.0)]),
                  id="one-month-then-another-date")],
)
def test_series_with_several_times_a_day_are_no_monthly_means_by_hour(tmp_path, values):
    dataset = open_dataset([_write(tmp_path / "series.nc", values, units="hours since 1990-01-01",
                                   calendar="standard")])
    assert dataset.sizes["time"] == values.size


#: Noon of 30 December 2008 … 2 January 2009 in UTC, as seconds since 2008-12-30 00:00:00 counting
#: the leap second 2008-12-31 23:59:60 (IERS Bulletin C 36), by hand: 86 400 s a day, and one
#: more from the third noon on.
UTC_NOONS = [43200.0, 129600.0, 216001.0, 302401.0]


def test_a_utc_time_axis_of_daily_steps_is_read_as_standard_with_a_note(tmp_path, caplog):
    """break17 F2: CF's ``utc`` calendar was refused as "not a CF calendar". Read without leap
    seconds the stamps after the leap second are one second late, on the same days."""
    path = _write(tmp_path / "utc.nc", UTC_NOONS, units="seconds since 2008-12-30 00:00:00", calendar="utc")
    with caplog.at_level(logging.WARNING, logger="climann"):
        dataset = open_dataset([path])
    assert list(dataset["time"].values) == [
        cftime.DatetimeGregorian(2008, 12, 30, 12), cftime.DatetimeGregorian(2008, 12, 31, 12),
        cftime.DatetimeGregorian(2009, 1, 1, 12, 0, 1), cftime.DatetimeGregorian(2009, 1, 2, 12, 0, 1)]
    assert dataset["time"].encoding["calendar"] == "standard"  # written back as what the values now are
    assert ("utc.nc: time 'time' is in the utc calendar (CF-1.11 §4.4.2: elapsed time counting leap seconds), read "
            "as the standard calendar: leap seconds are not counted, so its stamps may lie up to 37 s late, which "
            "moves none to another step or day") in caplog.text


@pytest.mark.parametrize("calendar", ["utc", "UTC"])
def test_a_utc_time_axis_of_steps_under_an_hour_is_refused_with_the_ncatted(tmp_path, monkeypatch, calendar):
    monkeypatch.chdir(tmp_path)
    path = _write(tmp_path / "fast.nc", [0.0, 600.0, 1200.0, 1800.0], units="seconds since 2009-01-01 00:00:00",
                  calendar=calendar)
    with pytest.raises(ClimannError) as error:
        open_dataset([path])
    assert str(error.value) == (
        "fast.nc: time 'time' is in the utc calendar (CF-1.11 §4.4.2: elapsed time counting leap seconds), which "
        "cftime cannot count; read without leap seconds its stamps may lie up to 37 s late, too much for its step "
        "of 600 s (climann reads utc only for steps of an hour or more); if its values count no leap seconds, say "
        "so: `ncatted -a calendar,time,o,c,standard fast.nc fast_fixed.nc`")



def _mark_as_climatology(path, mark):
    """Mark ``path`` (12 monthly steps of ``tas``) as a climatology over 1990-2019 as CF §7.4
    does: the time axis's ``climatology`` attribute with its bounds, or ``cell_methods`` alone
    (PMIP4's Aclim)."""
    with netCDF4.Dataset(path, "a") as nc:
        if mark == "attribute":
            nc.createDimension("nv", 2)
            nc["time"].climatology = "climatology_bnds"
            bounds = nc.createVariable("climatology_bnds", "f8", ("time", "nv"))
            bounds[:] = np.stack([CUMULATIVE_DAYS[:12], 29 * 365 + CUMULATIVE_DAYS[1:]], axis=1)
        nc["tas"].cell_methods = "area: time: mean within years time: mean over years"
    return path


@pytest.mark.parametrize("mark, said", [
    pytest.param("attribute", "time 'time' is a climatology (climatology = 'climatology_bnds', CF §7.4)",
                 id="climatology-attribute"),
    pytest.param("cell_methods", "'tas' is a climatology (cell_methods = 'area: time: mean within years time: mean "
                 "over years', CF §7.4)", id="cell-methods"),
])
def test_a_climatology_given_as_new_data_is_read_as_its_steps_with_one_warning(tmp_path, caplog, mark, said):
    """break35a A2: new data of a trained run (predict, evaluate --data) that are a climatology
    (PMIP4's LGM time slice) are read step by step, each month's mean over the years, dated by
    their stamps; one warning says so. Training (the default) refuses them as before."""
    stamps = CUMULATIVE_DAYS[:12] + 15.0
    path = _mark_as_climatology(_write(tmp_path / "lgm_clim.nc", stamps), mark)
    with caplog.at_level(logging.WARNING, logger="climann"):
        opened = open_dataset([path], climatologies=True)
    expected = xr.coders.CFDatetimeCoder(use_cftime=True).decode(
        xr.Variable(("time",), stamps, {"units": "days since 1990-01-01", "calendar": "noleap"}), "time")
    assert list(opened["time"].values) == list(expected.values)
    np.testing.assert_array_equal(opened["tas"].values[:, 0, 0], 280.0 + np.arange(12))
    said_lines = [record.getMessage() for record in caplog.records if "climatology" in record.getMessage()]
    assert said_lines == [
        f"lgm_clim.nc: {said}; it is read as its steps are: 12 steps, each month's mean over the years (dated by "
        "their stamps), predicted from the predictors' means of the same periods; scores compare climatological "
        "means, and persistence, which needs a series of years, is not scored"
    ]
    with pytest.raises(ClimannError, match="climann trains on time series"):
        open_dataset([path])


def test_a_time_without_a_calendar_is_refused_also_as_new_data(tmp_path):
    path = _write(tmp_path / "idealised.nc", _monthly_days(12), calendar="none")
    with pytest.raises(ClimannError, match="has calendar 'none'"):
        open_dataset([path], climatologies=True)
