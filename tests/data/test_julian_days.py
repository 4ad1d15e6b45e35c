"""Time axes in Julian Days (climann/data/julian_days.py): refused with the ncatted line that dates them."""

import datetime
import logging
import shlex
import shutil
import subprocess
import warnings

import netCDF4
import numpy as np
import pytest
from typer.testing import CliRunner

from climann.cli import app
from climann.data.julian_days import counts_from_julian_day_origin, julian_day_units
from climann.data.notes import forget_notes
from climann.data.open import open_dataset
from climann.data.variables import grid_layout
from climann.errors import ClimannError

#: Noon of each day from 1999-12-30 on: J2000.0 (JD 2451545.0, Meeus ch. 7) is the third.
DATES = [datetime.datetime(1999, 12, 30, 12) + datetime.timedelta(days=day) for day in range(40)]
J2000 = 2451545.0


def _write(path, values, units="julian_day"):
    """IRI's ``T(T)`` in ``units`` (calendar 'standard', as IRI writes it) and ``tmax(T, Y, X)`` on 3 × 4."""
    with netCDF4.Dataset(path, "w", format="NETCDF3_CLASSIC") as dataset:
        for name, size in (("T", len(values)), ("Y", 3), ("X", 4)):
            dataset.createDimension(name, size)
        time = dataset.createVariable("T", "f8", ("T",))
        time.setncatts({"units": units, "standard_name": "time", "calendar": "standard"})
        time[:] = values
        for name, values_, units_ in (("Y", [-30.0, 0.0, 30.0], "degree_north"),
                                      ("X", [0.0, 90.0, 180.0, 270.0], "degree_east")):
            dataset.createVariable(name, "f4", (name,)).setncatts({"units": units_})
            dataset[name][:] = values_
        tmax = dataset.createVariable("tmax", "f4", ("T", "Y", "X"))
        tmax.units = "Celsius_scale"
        tmax[:] = np.random.default_rng(0).normal(20, 3, (len(values), 3, 4))
    return path


def _julian_days():
    """JD of :data:`DATES`, from J2000.0 by whole days (independent of climann and cftime)."""
    return J2000 + np.array([(date - datetime.datetime(2000, 1, 1, 12)).days for date in DATES], "f8")


@pytest.mark.parametrize("units", [pytest.param("julian_day", id="iri"), pytest.param("Julian Day", id="spaced"),
                                   pytest.param("JD", id="jd")])
def test_the_advised_ncatted_dates_julian_days_right(tmp_path, caplog, units):
    """break40c C5: IRI's units 'julian_day' were refused with "CF expects units = 'days since
    1970-01-01'" and no command; followed literally, 2001 read as 8683. The refusal now gives
    the ncatted line; run with NCO, the copy's dates are the known ones (JD 2451545.0 =
    2000-01-01 12:00), with no warning of a proleptic Gregorian reading."""
    path = _write(tmp_path / "iri.nc", _julian_days(), units)
    with pytest.raises(ClimannError) as error:
        grid_layout(open_dataset([path]), "tmax", [str(path)])
    message = str(error.value)
    assert "2451543 then reads 1999-12-30 12:00" in message
    command = next(part for part in message.split("`") if part.startswith("ncatted "))
    assert command == (f"ncatted -a units,T,o,c,'days since -4713-01-01 12:00:00' -a calendar,T,o,c,standard "
                       f"{tmp_path / 'iri.nc'} {tmp_path / 'iri_fixed.nc'}")
    if shutil.which("ncatted") is None:
        pytest.skip("NCO's ncatted is not installed")
    subprocess.run(shlex.split(command), check=True, capture_output=True)
    forget_notes()
    with caplog.at_level(logging.WARNING, logger="climann"):
        dataset = open_dataset([tmp_path / "iri_fixed.nc"])
    times = dataset["T"].values
    assert [(t.year, t.month, t.day, t.hour) for t in times] == [(d.year, d.month, d.day, d.hour) for d in DATES]
    assert times[2].year == 2000 and times[2].hour == 12  # J2000.0
    assert not [record for record in caplog.records if "proleptic" in record.getMessage()]


def test_info_of_the_dated_copy_prints_no_python_warning(tmp_path):
    """The copy's year -4713 made cftime print five CFWarning lines with their source code."""
    path = _write(tmp_path / "iri_fixed.nc", _julian_days(), "days since -4713-01-01 12:00:00")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = CliRunner().invoke(app, ["info", str(path)])
    assert result.exit_code == 0, result.output
    assert "Time 'T': 1999-12-30 12:00 to 2000-02-07 12:00, daily" in result.output
    assert not [warning for warning in caught if "not supported by CF" in str(warning.message)]


def test_days_of_the_year_are_not_read_as_julian_days(tmp_path):
    path = _write(tmp_path / "doy.nc", np.arange(1.0, 41.0))
    with pytest.raises(ClimannError, match=r"values \(1 … 40\) are days of the year, which name no year"):
        grid_layout(open_dataset([path]), "tmax", [str(path)])


@pytest.mark.parametrize(("units", "calendar", "origin"), [
    pytest.param("days since -4713-01-01 12:00:00", "standard", True, id="jd-standard"),
    pytest.param("days since -4713-01-01 12:00:00", "julian", True, id="jd-julian"),
    pytest.param("days since -4713-01-01 12:00:00", "proleptic_gregorian", False, id="other-year-numbering"),
    pytest.param("days since 1-1-1 00:00:0.0", "standard", False, id="ncep-reanalysis"),
])
def test_the_julian_day_origin_is_recognised(units, calendar, origin):
    assert counts_from_julian_day_origin(units, calendar) is origin


def test_modified_julian_days_count_from_1858():
    assert julian_day_units("MJD") == "days since 1858-11-17 00:00:00"
    assert julian_day_units("days since 1970-01-01") is None


def test_days_of_the_year_as_time_get_no_command_with_a_year_placeholder(tmp_path):
    """break42b A7's kind: the advice was `ncap2 -s '…days since YYYY-01-01' IN.nc OUT.nc`, placeholders a command
    run as printed cannot take; the year is the user's to know, so it is said in words with an example."""
    path = _write(tmp_path / "doy.nc", np.arange(1.0, 41.0))
    with pytest.raises(ClimannError) as raised:
        grid_layout(open_dataset([path]), "tmax", [str(path)])
    message = str(raised.value)
    assert "YYYY" not in message and "IN.nc" not in message and "ncap2" not in message
    assert "T − 1, with units 'days since' that year's 1 January ('days since 2019-01-01' for 2019" in message
