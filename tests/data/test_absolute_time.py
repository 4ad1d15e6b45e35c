"""CDO's absolute time axis (``day as %Y%m%d.%f``, ``month as %Y%m.%f``, ``year as %Y.%f``)
decoded to dates of the file's calendar; dates checked by hand."""

import cftime
import netCDF4
import numpy as np
import pytest

from climann.data.absolute_time import AbsoluteTimeError, absolute_time_unit, absolute_times
from climann.data.open import open_dataset
from climann.data.time_cells import FILE_TIME_COORDINATE
from climann.data.variables import grid_layout
from climann.errors import ClimannError


def _dates(values, units, calendar=None):
    times = absolute_times(np.array(values), units, calendar)
    return list(cftime.num2date(times.seconds.ravel(), f"seconds since {times.reference}",
                                calendar=calendar or "proleptic_gregorian"))


def _date(*args, calendar="proleptic_gregorian"):
    return cftime.datetime(*args, calendar=calendar)


@pytest.mark.parametrize(
    ("units", "unit"),
    [
        pytest.param("day as %Y%m%d.%f", "day", id="day"),
        pytest.param("days as %Y%m%d.%f", "day", id="days"),
        pytest.param("DAY AS %Y%M%D.%F", "day", id="upper-case"),
        pytest.param("month as %Y%m.%f", "month", id="month"),
        pytest.param("year as %Y.%f", "year", id="year"),
        pytest.param("day as %Y%m.%f", None, id="day-with-month-digits"),
        pytest.param("days since 1990-01-01", None, id="cf-units"),
        pytest.param(None, None, id="no-units"),
    ],
)
def test_the_absolute_units_are_recognised(units, unit):
    assert absolute_time_unit(units) == unit


@pytest.mark.parametrize(
    ("values", "units", "calendar", "expected"),
    [
        pytest.param([19900116.5, 19900215.25, 20000229.0], "day as %Y%m%d.%f", None,
                     [_date(1990, 1, 16, 12), _date(1990, 2, 15, 6), _date(2000, 2, 29)], id="day-fraction-of-day"),
        # 5 minutes written with 7 decimals (0.0034722 d = 299.998 s): the nearest second
        pytest.param([20070102.0034722], "day as %Y%m%d.%f", "standard",
                     [_date(2007, 1, 2, 0, 5, calendar="standard")], id="day-rounded-to-the-second"),
        pytest.param([19900230.0], "day as %Y%m%d.%f", "360_day", [_date(1990, 2, 30, calendar="360_day")],
                     id="day-30-february-in-360_day"),
        # half of January (31 days) is 15.5 days after the 1st; half of a 360_day February is 15 days
        pytest.param([199001.5, 199002.0], "month as %Y%m.%f", None, [_date(1990, 1, 16, 12), _date(1990, 2, 1)],
                     id="month-fraction-of-month"),
        pytest.param([199002.5], "month as %Y%m.%f", "360_day", [_date(1990, 2, 16, calendar="360_day")],
                     id="month-in-360_day"),
        pytest.param([199012.5], "month as %Y%m.%f", "noleap", [_date(1990, 12, 16, 12, calendar="noleap")],
                     id="month-december"),
        # half of a 365-day year is 182.5 days: 2 July 12:00; of 2004 (366 days) 183 days: 2 July 00:00
        pytest.param([2001.5, 2004.5], "year as %Y.%f", None, [_date(2001, 7, 2, 12), _date(2004, 7, 2)],
                     id="year-fraction-of-year"),
        pytest.param([1950.0], "years as %Y.%f", "noleap", [_date(1950, 1, 1, calendar="noleap")], id="year-start"),
    ],
)
def test_absolute_values_are_dates_of_the_calendar(values, units, calendar, expected):
    assert _dates(values, units, calendar) == expected


@pytest.mark.parametrize(
    ("values", "calendar", "named", "reason"),
    [
        pytest.param([19900115.5, 19901315.5], None, "19901315.5", "invalid month", id="month-13"),
        pytest.param([19900100.0], None, "19900100.0", "invalid day number", id="day-0"),
        pytest.param([19900230.0], "standard", "19900230.0", "invalid day number", id="30-february"),
        pytest.param([19900115.5, np.nan, 19901315.5], None, "nan", "not a positive number", id="nan-first"),
        pytest.param([-19900115.5], None, "-19900115.5", "not a positive number", id="negative"),
    ],
)
def test_a_value_that_is_not_a_date_is_refused_naming_the_first(values, calendar, named, reason):
    with pytest.raises(AbsoluteTimeError) as error:
        absolute_times(np.array(values), "day as %Y%m%d.%f", calendar)
    message = str(error.value)
    assert "\n" not in message and isinstance(error.value, ClimannError)
    assert f"its value {named} is not a date of the '{calendar or 'proleptic_gregorian'}' calendar ({reason})" in message


def _write(path, *, units, values, calendar=None, bounds=None):
    """A tiny (time, lat, lon) file with an absolute time axis, optionally with time_bnds."""
    with netCDF4.Dataset(path, "w") as nc:
        nc.createDimension("time", len(values))
        nc.createDimension("bnds", 2)
        nc.createDimension("lat", 2)
        nc.createDimension("lon", 3)
        time = nc.createVariable("time", "f8", ("time",))
        time.units, time.standard_name = units, "time"
        if calendar is not None:
            time.calendar = calendar
        time[:] = values
        if bounds is not None:
            time.bounds = "time_bnds"
            nc.createVariable("time_bnds", "f8", ("time", "bnds"))[:] = bounds
        lat = nc.createVariable("lat", "f8", ("lat",))
        lat.units, lat[:] = "degrees_north", [0.0, 10.0]
        lon = nc.createVariable("lon", "f8", ("lon",))
        lon.units, lon[:] = "degrees_east", [0.0, 10.0, 20.0]
        tas = nc.createVariable("tas", "f4", ("time", "lat", "lon"))
        tas.units, tas[:] = "K", np.ones((len(values), 2, 3))
    return path


def test_an_opened_file_has_dates_bounds_and_a_cf_encoding(tmp_path):
    path = _write(tmp_path / "abs.nc", units="day as %Y%m%d.%f", values=[19900115.5, 19900215.0],
                  bounds=[[19900101.0, 19900201.0], [19900201.0, 19900301.0]])
    dataset = open_dataset([path])
    assert list(dataset[FILE_TIME_COORDINATE].values) == [_date(1990, 1, 15, 12), _date(1990, 2, 15)]
    assert [list(row) for row in dataset["time_bnds"].values] == [
        [_date(1990, 1, 1), _date(1990, 2, 1)], [_date(1990, 2, 1), _date(1990, 3, 1)]]
    # bounds decoded, so steps are dated by their cells' middles (CF 7.1): 15.5 days into January
    assert list(dataset["time"].values) == [_date(1990, 1, 16, 12), _date(1990, 2, 15)]
    layout = grid_layout(dataset, "tas", [str(path)])
    # no calendar given: CDI's proleptic_gregorian; written back as CF days since the first year
    assert (layout.time_units, layout.calendar) == ("days since 1990-01-01 00:00:00", "proleptic_gregorian")
    assert cftime.date2num(list(layout.file_times), layout.time_units, layout.calendar).tolist() == [14.5, 45.0]
    assert cftime.date2num(layout.time_bounds.ravel(), layout.time_units, layout.calendar).tolist() == [0, 31, 31, 59]


def test_an_opened_file_with_a_bad_value_is_refused_in_one_line_naming_it(tmp_path):
    path = _write(tmp_path / "abs.nc", units="month as %Y%m.%f", values=[199001.5, 199013.5], calendar="noleap")
    with pytest.raises(ClimannError) as error:
        open_dataset([path])
    message = str(error.value)
    assert message.startswith("abs.nc: time 'time' has units 'month as %Y%m.%f'") and "\n" not in message
    assert "199013.5 is not a date of the 'noleap' calendar (invalid month)" in message


def _fms_file(path, bounds_units: str, start: float = 0.0) -> None:
    """MOM6's monthly output as FMS writes it: time in "days since 0001-01-01", time_bnds in plain "days"."""
    first = [cftime.date2num(cftime.datetime(1, m, 1, calendar="noleap"), "days since 0001-01-01", "noleap")
             for m in range(1, 13)] + [365.0]
    low, high = np.array(first[:-1]) + start, np.array(first[1:]) + start
    with netCDF4.Dataset(path, "w") as file:
        file.createDimension("time", None)
        file.createDimension("nv", 2)
        file.createDimension("yh", 2)
        file.createDimension("xh", 3)
        time = file.createVariable("time", "f8", ("time",))
        time.setncatts({"units": "days since 0001-01-01 00:00:00", "calendar": "NOLEAP", "axis": "T",
                        "bounds": "time_bnds"})
        time[:] = (np.array(first[:-1]) + np.array(first[1:])) / 2
        bounds = file.createVariable("time_bnds", "f8", ("time", "nv"))
        bounds.setncatts({"units": bounds_units, "long_name": "time axis boundaries"})
        bounds[:] = np.stack([low, high], 1)
        for name, values, units in (("yh", [0.5, 1.5], "degrees_north"), ("xh", [0.5, 1.5, 2.5], "degrees_east")):
            file.createVariable(name, "f8", (name,))[:] = values
            file[name].units = units
        file.createVariable("thetao", "f4", ("time", "yh", "xh"))[:] = np.arange(72.0).reshape(12, 2, 3)
        file["thetao"].units = "degC"


def test_fms_time_bounds_in_plain_days_are_read_as_dates(tmp_path):
    """break42b A8: MOM6's time_bnds in "days" stayed numbers, and predictions.nc left the bounds out unsaid."""
    _fms_file(tmp_path / "mom6.nc", "days")
    dataset = open_dataset([tmp_path / "mom6.nc"])
    bounds = dataset["time_bnds"].values
    assert bounds[0, 0] == cftime.datetime(1, 1, 1, calendar="noleap")
    assert bounds[1, 1] == cftime.datetime(1, 3, 1, calendar="noleap")
    assert bounds[11, 1] == cftime.datetime(2, 1, 1, calendar="noleap")
    layout = grid_layout(dataset, "thetao", [str(tmp_path / "mom6.nc")])
    assert layout.time_bounds is not None and layout.time_bounds[5, 0] == cftime.datetime(1, 6, 1, calendar="noleap")


def test_time_bounds_that_do_not_hold_their_steps_are_not_read_as_dates(tmp_path):
    """Bounds counted from another date (or in hours beside days) are not the steps' cells: left as they were."""
    _fms_file(tmp_path / "other.nc", "days", start=400.0)
    assert open_dataset([tmp_path / "other.nc"])["time_bnds"].dtype.kind == "f"
    _fms_file(tmp_path / "hours.nc", "hours")
    assert open_dataset([tmp_path / "hours.nc"])["time_bnds"].dtype.kind == "f"
