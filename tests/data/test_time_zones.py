"""Time units with a time-zone offset (CF 1.11 §4.4.1): local days and months keep their local
dates, sub-daily stamps are UTC instants whichever way the offset is spelt (break19b F0)."""

import datetime
import logging
import re
import shutil
import subprocess
import zoneinfo

import cftime
import netCDF4
import numpy as np
import pytest

from climann.data.open import open_dataset
from climann.data.time_zones import (ZONE_ABBREVIATIONS, abbreviated_zone_message, declared_local_time,
                                     read_in_local_time, time_zone_offset)
from climann.errors import ClimannError


_SAME = object()


def _write(path, *, units, values, calendar="standard", bounds=None, bounds_units=_SAME):
    """A tiny (time, lat, lon) file; ``tas`` is the step's index, so that a value's date can be checked.
    The bounds take the time's units unless ``bounds_units`` is given (None: no units of their own)."""
    with netCDF4.Dataset(path, "w") as nc:
        nc.createDimension("time", len(values))
        nc.createDimension("lat", 2)
        nc.createDimension("lon", 3)
        time = nc.createVariable("time", "f8", ("time",))
        time.standard_name, time.units, time.calendar = "time", units, calendar
        time[:] = values
        if bounds is not None:
            nc.createDimension("nv", 2)
            time.bounds = "time_bnds"
            cell = nc.createVariable("time_bnds", "f8", ("time", "nv"))
            if bounds_units is not None:
                cell.units = units if bounds_units is _SAME else bounds_units
            cell.calendar = calendar
            cell[:] = bounds
        lat = nc.createVariable("lat", "f8", ("lat",))
        lat.units, lat[:] = "degrees_north", [0.0, 10.0]
        lon = nc.createVariable("lon", "f8", ("lon",))
        lon.units, lon[:] = "degrees_east", [0.0, 10.0, 20.0]
        tas = nc.createVariable("tas", "f4", ("time", "lat", "lon"))
        tas.units = "K"
        tas[:] = np.broadcast_to(np.arange(len(values), dtype="f4")[:, None, None], (len(values), 2, 3))
    return path


@pytest.mark.parametrize(("units", "head", "minutes"), [
    ("days since 1850-01-01 00:00:00 +05:30", "days since 1850-01-01 00:00:00", 330),
    ("days since 1850-01-01 00:00:00 +0530", "days since 1850-01-01 00:00:00", 330),
    ("days since 1850-01-01T00:00:00+05:30", "days since 1850-01-01 00:00:00", 330),
    ("days since 2000-01-01 00:00:00 +05:30:00", "days since 2000-01-01 00:00:00", 330),
    ("seconds since 1992-10-8 15:15:42.5 -6:00", "seconds since 1992-10-08 15:15:42.5", -360),
    ("hours since 1900-01-01 00:00 +9", "hours since 1900-01-01 00:00:00", 540),
    ("hours since 1900-01-01 00:00:00 UTC+5:30", "hours since 1900-01-01 00:00:00", 330),
    ("hours since 2000-1-1 0:0:0 +5:30", "hours since 2000-01-01 00:00:00", 330),
    ("hours since 2000-01-01 00 +05:30", "hours since 2000-01-01 00:00:00", 330),
    ("days since 2000-01-01 -06:00", "days since 2000-01-01 00:00:00", -360),
])
def test_an_offset_is_found_however_udunits_and_iso_8601_spell_it(units, head, minutes):
    assert time_zone_offset(units) == (head, minutes)


@pytest.mark.parametrize("units", ["days since 1850-01-01", "days since 1850-01-01 00:00:00 UTC",
                                   "days since 1850-01-01T00:00:00Z", "hours since 1900-01-01 00:00:00 +00:00",
                                   "days since 1850-1-1 0:0:0", "months since 1960-01-01"])
def test_units_without_an_offset_are_none(units):
    assert time_zone_offset(units) is None


@pytest.mark.parametrize("offset", ["+05:30", "+5:30", "+0530", "-03:00", "-3:00"])
def test_monthly_values_in_local_time_keep_their_local_months(tmp_path, offset, caplog):
    """Stamped at local midnight on the 1st: read literally as UTC, +05:30 put every month on
    the evening before (January 1990 became December 1989) and cftime ignored '+5:30' and
    '-3:00'; now every spelling gives the same local dates as the file without an offset."""
    days = netCDF4.date2num([datetime.datetime(1990 + i // 12, i % 12 + 1, 1) for i in range(24)],
                            "days since 1850-01-01", "standard")
    plain = open_dataset([_write(tmp_path / "plain.nc", units="days since 1850-01-01 00:00:00", values=days)])
    with caplog.at_level(logging.WARNING):
        zoned = open_dataset([_write(tmp_path / "zoned.nc", units=f"days since 1850-01-01 00:00:00 {offset}",
                                     values=days)])
    assert list(zoned["time"].values) == list(plain["time"].values)
    assert [str(t)[:10] for t in zoned["time"].values[:2]] == ["1990-01-01", "1990-02-01"]
    assert any("time-zone offset" in record.getMessage() and "local dates" in record.getMessage()
               for record in caplog.records)


def test_daily_values_with_bounds_in_local_time_keep_their_days_in_a_noleap_calendar(tmp_path):
    days = np.arange(10.0) + 0.5
    bounds = np.stack([np.arange(10.0), np.arange(10.0) + 1], axis=1)
    zoned = open_dataset([_write(tmp_path / "d.nc", units="days since 2000-01-01 00:00:00 +10:00", values=days,
                                 calendar="noleap", bounds=bounds)])
    expected = cftime.num2date(days, "days since 2000-01-01", calendar="noleap")
    assert list(zoned["time"].values) == list(expected)
    cells = zoned["time_bnds"].values
    assert list(cells[:, 0]) == list(cftime.num2date(bounds[:, 0], "days since 2000-01-01", calendar="noleap"))


@pytest.mark.parametrize(("offset", "shift_hours"), [("-6:00", 6), ("-06:00", 6), ("+05:30", -5.5), ("+5:30", -5.5)])
def test_hourly_stamps_are_utc_instants_whichever_way_the_offset_is_spelt(tmp_path, offset, shift_hours):
    """CF's own example '-6:00' was ignored by cftime: hourly stamps in local time were read as
    UTC, 6 hours early. Sub-daily stamps are instants: local 00:00 at -06:00 is 06:00 UTC."""
    hours = np.arange(6.0)
    zoned = open_dataset([_write(tmp_path / "h.nc", units=f"hours since 2000-01-01 00:00 {offset}", values=hours)])
    start = datetime.datetime(2000, 1, 1) + datetime.timedelta(hours=shift_hours)
    expected = [np.datetime64(start + datetime.timedelta(hours=h), "ns") for h in hours]
    assert [np.datetime64(t, "ns") for t in zoned["time"].values] == expected


@pytest.mark.parametrize(("units", "values", "local"), [
    ("days since 2000-01-01 00:00 +05:30", np.array([31.0]), True),  # one stamp at local midnight
    ("hours since 2000-01-01 00:00 +05:30", np.array([7.5]), False),  # one stamp at 07:30 local
    ("hours since 2000-01-01 00:00 +05:30", np.array([[0.0, 24.0]]), True),  # bounds of one day
    ("hours since 2000-01-01 00:00 +05:30", np.array([[0.0, 3.0], [3.0, 6.0]]), False),  # 3-hourly cells
    ("minutes since 2000-01-01 00:00 +01:00", np.array([0.0, 1440.0, 2880.0]), True),
])
def test_local_or_instant_follows_the_step_or_the_cell(units, values, local):
    assert read_in_local_time(units, values) is local


def test_an_offset_beyond_any_time_zone_is_refused(tmp_path):
    from climann.errors import ClimannError

    with pytest.raises(ClimannError, match=r"carry the time-zone offset \+99:00, beyond any time zone"):
        open_dataset([_write(tmp_path / "far.nc", units="days since 2000-01-01 00:00:00 +99:00",
                             values=np.arange(3.0))])


@pytest.mark.parametrize(("units", "values", "bounds", "bounds_units", "read_as"), [
    pytest.param("days since 1850-01-01 00:00:00 +05:30", np.arange(4.0) + 0.5,
                 np.stack([np.arange(4.0), np.arange(4.0) + 1], axis=1), None, "days since 1850-01-01",
                 id="daily-bounds-without-units-inherit-the-local-days"),
    pytest.param("days since 1850-01-01 00:00:00 +05:30", np.arange(4.0) + 0.5,
                 np.stack([np.arange(4.0), np.arange(4.0) + 1], axis=1), "days since 1850-01-01",
                 "days since 1850-01-01", id="daily-bounds-in-their-own-units-without-the-offset"),
    pytest.param("hours since 2000-01-01 00:00:00 +05:00", np.arange(6.0) + 1,
                 np.stack([np.arange(6.0), np.arange(6.0) + 1], axis=1), None, "hours since 1999-12-31 19:00:00",
                 id="hourly-bounds-without-units-inherit-the-utc-instants"),
    pytest.param("hours since 2000-01-01 00:00:00 +05:00", np.arange(6.0) + 1,
                 np.stack([np.arange(6.0), np.arange(6.0) + 1], axis=1) - 5, "hours since 2000-01-01 00:00:00",
                 "hours since 2000-01-01 00:00:00", id="hourly-bounds-in-their-own-utc-units"),
])
def test_bounds_without_units_take_the_times_and_bounds_with_their_own_are_read_in_them(
        tmp_path, units, values, bounds, bounds_units, read_as):
    """CF 7.1: bounds without units have their coordinate's (its time-zone offset included);
    bounds with units of their own are decoded in them (verify20 F15)."""
    zoned = open_dataset([_write(tmp_path / "b.nc", units=units, values=values, bounds=bounds,
                                 bounds_units=bounds_units)])
    expected = cftime.num2date(bounds, read_as, calendar="standard")
    assert [list(cell) for cell in zoned["time_bnds"].values] == [list(cell) for cell in expected]


def test_bounds_whose_own_units_lack_the_offset_are_refused_naming_the_units(tmp_path):
    """The same numbers as the stamps, in units without the time's +05:00: read literally every
    cell lies 5 hours from its stamp. The refusal names both units and deletes the bounds' own
    (after which they read as the time's, previous test); it offered to restamp the time at the
    cells' middles, which moved every stamp and kept the mismatch (verify20 F15)."""
    from climann.errors import ClimannError

    hours = np.arange(6.0) + 1
    path = _write(tmp_path / "stn.nc", units="hours since 2000-01-01 00:00:00 +05:00", values=hours,
                  bounds=np.stack([hours - 1, hours], axis=1), bounds_units="hours since 2000-01-01 00:00:00")
    with pytest.raises(ClimannError) as raised:
        open_dataset([path])
    message = str(raised.value)
    assert ("the time bounds 'time_bnds' have units of their own, 'hours since 2000-01-01 00:00:00', other than "
            "those of 'time', 'hours since 2000-01-01 00:00:00 +05:00'") in message
    # fix54b: the copy in a new folder of its own
    assert (f"mkdir -p {tmp_path}/bounds_units_removed && ncatted -a units,time_bnds,d,, {path} "
            f"{tmp_path}/bounds_units_removed/stn.nc`") in message and "ncap2" not in message


def _local_by_attributes(path, *, attrs, values=np.arange(48.0), units="hours since 2021-01-01 00:00:00"):
    """Hourly stamps in local time declared only by attributes, as a station network writes them (break41a A3)."""
    _write(path, units=units, values=values)
    with netCDF4.Dataset(path, "a") as nc:
        for key, value in attrs.items():
            nc["time"].setncattr(key, value)
    return path


def _stamps(dataset) -> np.ndarray:
    return np.array([np.datetime64(stamp.isoformat(), "m") for stamp in dataset["time"].values])


def _warnings(caplog, path):
    with caplog.at_level(logging.WARNING, logger="climann"):
        dataset = open_dataset([path])
    return dataset, [record.getMessage() for record in caplog.records if "is local time by its attributes" in
                     record.getMessage()]


@pytest.mark.parametrize("attrs", [
    pytest.param({"time_zone": "Asia/Shanghai"}, id="iana-zone"),
    pytest.param({"utc_offset": "+08:00"}, id="utc-offset"),
    pytest.param({"long_name": "time (local standard time)", "timezone": "UTC+8"}, id="long-name-and-utc+8"),
])
def test_local_stamps_declared_by_attributes_are_warned_of_and_the_ncatted_line_reads_them_in_utc(
        tmp_path, caplog, attrs):
    """break41a A3: stamps in Beijing time declared only by time_zone/utc_offset were read as UTC without a word
    (the hour feature 8 h off). One line names the attribute and the ncatted that puts the offset in the units
    (CF's way); run as printed, the stamps are UTC: local 00:00 is 16:00 UTC the day before."""
    path = _local_by_attributes(tmp_path / "aq.nc", attrs=attrs)
    read, said = _warnings(caplog, path)
    (message,) = said
    assert next(iter(attrs)) in message and "8 h late" in message
    assert _stamps(read)[0] == np.datetime64("2021-01-01T00:00")  # read as UTC: 8 h late
    command = re.search(r"`(ncatted .*?)`", message).group(1)
    assert command == (f"ncatted -a units,time,o,c,'hours since 2021-01-01 00:00:00 +08:00' {path} "
                       f"{tmp_path / 'aq_fixed.nc'}")
    if shutil.which("ncatted") is None:
        pytest.skip("ncatted (NCO) is not installed")
    subprocess.run(command, shell=True, check=True, capture_output=True)
    caplog.clear()
    fixed, said = _warnings(caplog, tmp_path / "aq_fixed.nc")
    assert said == []
    utc = np.datetime64("2020-12-31T16:00") + np.arange(48) * np.timedelta64(1, "h")
    np.testing.assert_array_equal(_stamps(fixed), utc)
    assert [stamp.hour for stamp in fixed["time"].values] == list((np.arange(48) - 8) % 24)


@pytest.mark.parametrize(("attrs", "values"), [
    pytest.param({"time_zone": "UTC"}, np.arange(48.0), id="utc-zone"),
    pytest.param({"utc_offset": "+00:00"}, np.arange(48.0), id="zero-offset"),
    pytest.param({"time_zone": "Asia/Shanghai"}, np.arange(0.0, 48 * 24, 24), id="daily-local-days"),
    pytest.param({"long_name": "local solar time"}, np.arange(48.0), id="solar-time-no-zone"),
    pytest.param({"time_zone": "Asia/Shanghai", "units": "hours since 2021-01-01 00:00:00 +08:00"}, np.arange(48.0),
                 id="offset-in-the-units"),
])
def test_utc_zones_and_local_days_are_not_warned_of(attrs, values):
    """Daily stamps are local days, kept as read; an offset of 0 or in the units leaves nothing to warn of."""
    units = attrs.pop("units", "hours since 2021-01-01 00:00:00")
    assert declared_local_time("time", attrs, units, values) is None
    assert declared_local_time("time", {"time_zone": "Asia/Shanghai"}, "hours since 2021-01-01", np.arange(48.0))


def test_a_zone_with_daylight_saving_gives_its_standard_offset_and_says_so(tmp_path, caplog):
    (message,) = _warnings(caplog, _local_by_attributes(tmp_path / "de.nc", attrs={"time_zone": "Europe/Berlin"}))[1]
    assert "'hours since 2021-01-01 00:00:00 +01:00'" in message and "daylight saving time" in message


def _local_by_global_attributes(path, *, attrs, values=np.arange(48.0), units="hours since 2021-01-01 00:00:00",
                                time_attrs=None):
    """Hourly stamps in local time declared only by the file's global attributes, as loggers write them (fix43b)."""
    _write(path, units=units, values=values)
    with netCDF4.Dataset(path, "a") as nc:
        nc.setncatts(attrs)
        for key, value in (time_attrs or {}).items():
            nc["time"].setncattr(key, value)
    return path


@pytest.mark.parametrize("attrs", [
    pytest.param({"time_zone": "UTC+01:00"}, id="utc+01:00"),
    pytest.param({"timezone": "Europe/Zurich"}, id="iana-zone"),
    pytest.param({"utc_offset": "+01:00"}, id="utc-offset"),
])
def test_local_stamps_declared_by_global_attributes_are_warned_of_and_the_ncatted_line_reads_them_in_utc(
        tmp_path, caplog, attrs):
    """fix43b: hourly stamps in UTC+01:00 said by a global time_zone were read as UTC without a word (the diurnal
    maximum of a local-14:00 cycle at 14 UTC, numpy's 13). One line names the global attribute and the ncatted that
    puts the offset in the units; run as printed, local 00:00 is 23:00 UTC the day before."""
    path = _local_by_global_attributes(tmp_path / "logger.nc", attrs=attrs)
    with caplog.at_level(logging.WARNING, logger="climann"):
        read = open_dataset([path])
    (message,) = [record.getMessage() for record in caplog.records if "is local time by" in record.getMessage()]
    assert f"time 'time' is local time by the file's global attributes ({next(iter(attrs))} = " in message
    assert "1 h late" in message and "\n" not in message
    assert _stamps(read)[0] == np.datetime64("2021-01-01T00:00")  # read as UTC: 1 h late
    command = re.search(r"`(ncatted .*?)`", message).group(1)
    assert command == (f"ncatted -a units,time,o,c,'hours since 2021-01-01 00:00:00 +01:00' {path} "
                       f"{tmp_path / 'logger_fixed.nc'}")
    if shutil.which("ncatted") is None:
        pytest.skip("ncatted (NCO) is not installed")
    subprocess.run(command, shell=True, check=True, capture_output=True)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="climann"):
        fixed = open_dataset([tmp_path / "logger_fixed.nc"])
    assert not [record for record in caplog.records if "is local time by" in record.getMessage()]
    utc = np.datetime64("2020-12-31T23:00") + np.arange(48) * np.timedelta64(1, "h")
    np.testing.assert_array_equal(_stamps(fixed), utc)


@pytest.mark.parametrize(("attrs", "time_attrs", "values"), [
    pytest.param({"time_zone": "UTC"}, {}, np.arange(48.0), id="global-utc"),
    pytest.param({"time_zone": "UTC+01:00"}, {}, np.arange(0.0, 48 * 24, 24), id="daily-local-days"),
    pytest.param({"time_zone": "UTC+01:00"}, {"time_zone": "UTC"}, np.arange(48.0), id="its-own-says-utc"),
])
def test_global_zones_that_leave_nothing_to_say_are_not_warned_of(tmp_path, caplog, attrs, time_attrs, values):
    path = _local_by_global_attributes(tmp_path / "f.nc", attrs=attrs, time_attrs=time_attrs, values=values)
    with caplog.at_level(logging.WARNING, logger="climann"):
        open_dataset([path])
    assert not [record for record in caplog.records if "is local time by" in record.getMessage()]


# --- fix44e: a time zone said only by an abbreviation -------------------------------------------------------------
@pytest.mark.parametrize(("where", "value", "words"), [
    pytest.param("time_zone", "CST", ["CST"], id="time-zone-cst"),
    pytest.param("time_zone", "CST/CDT", ["CST", "CDT"], id="time-zone-cst-cdt"),
    pytest.param("time_zone", "EST", ["EST"], id="time-zone-est-read-as-iana-fixed-before"),
    pytest.param("time_zone", "CET/CEST", ["CET", "CEST"], id="time-zone-cet-cest"),
    pytest.param("long_name", "local time (CST/CDT)", ["CST", "CDT"], id="long-name-cst-cdt"),
    pytest.param("long_name", "time (EST)", ["EST"], id="long-name-est-silent-before"),
    pytest.param("units", "hours since 2021-01-01 00:00:00 CST", ["CST"], id="units-cst-silent-before"),
    pytest.param("global", "CST", ["CST"], id="global-time-zone"),
    # fix44k: in small letters, the units were read as UTC without a word, the attribute warned of as "local time"
    pytest.param("units", "hours since 2021-01-01 00:00:00 cst", ["CST"], id="units-lowercase-cst-silent-before"),
    pytest.param("time_zone", "cst/cdt", ["CST", "CDT"], id="time-zone-lowercase-cst-cdt"),
])
def test_a_zone_said_by_an_abbreviation_over_hourly_stamps_is_refused_asking_for_the_iana_name(
        tmp_path, where, value, words):
    """fix44e: ``time_zone = "CST"`` (US Central, China or Cuba Standard Time) was warned of and read as UTC,
    ``"EST"`` read as IANA's fixed −05:00 (Australia's EST is +10:00), "time (EST)" or units "… 00:00:00 CST" read
    as UTC without a word. Refused in one line naming what each abbreviation may be, with the ncatted that gives
    an IANA name; run as printed, the copy opens (its zone then read by zoneinfo)."""
    path = tmp_path / "st.nc"
    if where == "global":
        _local_by_global_attributes(path, attrs={"time_zone": value})
    elif where == "units":
        _local_by_attributes(path, attrs={}, units=value)
    else:
        _local_by_attributes(path, attrs={where: value})
    with pytest.raises(ClimannError) as refused:
        open_dataset([path])
    message = str(refused.value)
    assert "\n" not in message and f"only by the abbreviation {'/'.join(words)} (" in message
    assert "give the IANA zone name" in message
    for word in words:
        for _, zone, _ in ZONE_ABBREVIATIONS[word]:
            assert zone in message
    if shutil.which("ncatted") is None:
        pytest.skip("ncatted (NCO) is not installed")
    command = re.search(r"`(ncatted .*?)`", message).group(1)
    subprocess.run(command, shell=True, check=True, capture_output=True)
    fixed = open_dataset([tmp_path / "st_fixed.nc"])
    with netCDF4.Dataset(tmp_path / "st_fixed.nc") as nc:
        owner = nc if where == "global" else nc["time"]
        assert owner.getncattr("time_zone") == ZONE_ABBREVIATIONS[words[0]][0][1]
        assert nc["time"].units == "hours since 2021-01-01 00:00:00"
    assert fixed.sizes["time"] == 48


@pytest.mark.parametrize("word", list(ZONE_ABBREVIATIONS))
def test_each_meaning_of_an_abbreviation_is_its_zones_offset_by_zoneinfo(word):
    """The table's offsets, checked against the tz database (zoneinfo): a standard time's in January (July in
    the southern hemisphere's zones it gives no summer for), a summer time's in July (January in the south)."""
    for what, zone, offset in ZONE_ABBREVIATIONS[word]:
        # Ireland's "standard" time is its summer's (tzdata: GMT in winter as negative daylight saving)
        summer = "Daylight" in what or "Summer" in what or zone == "Europe/Dublin"
        south = zone.startswith(("Australia/", "Pacific/Auckland", "Africa/Johannesburg"))
        month = 7 if summer != south else 1
        minutes = datetime.datetime(2021, month, 15, 12, tzinfo=zoneinfo.ZoneInfo(zone)).utcoffset() // \
            datetime.timedelta(minutes=1)
        sign = "+" if minutes >= 0 else "-"
        assert offset == f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}", (word, what)


@pytest.mark.parametrize(("attrs", "values"), [
    pytest.param({"time_zone": "CST"}, np.arange(0.0, 48 * 24, 24), id="daily-local-days"),
    pytest.param({"time_zone": "America/Chicago", "long_name": "local time (CST/CDT)"}, np.arange(48.0),
                 id="iana-name-beside-the-abbreviation"),
    pytest.param({"long_name": "time (EST)", "units": "hours since 2021-01-01 00:00:00 -05:00"}, np.arange(48.0),
                 id="offset-in-the-units"),
    pytest.param({"long_name": "Estimated time"}, np.arange(48.0), id="a-word-not-an-abbreviation"),
])
def test_an_abbreviation_beside_a_zone_or_over_local_days_is_not_refused(attrs, values):
    units = attrs.pop("units", "hours since 2021-01-01 00:00:00")
    assert abbreviated_zone_message("time", attrs, units, values) is None


def test_an_offset_beside_an_abbreviation_decides_and_its_printed_units_read_the_stamps_in_utc(tmp_path, caplog):
    """fix44k: ``time_zone = "JST (UTC+9)"`` was read as no offset, the warning's ncatted line left ``+HH:MM`` to
    fill in. The offset given decides: the line sets +09:00, and run as printed, the copy's first stamp, 00:00 on
    1 January 2021 in Japan, is 15:00 UTC on 31 December 2020 (numpy: 00:00 − 9 h)."""
    path = _local_by_attributes(tmp_path / "st.nc", attrs={"time_zone": "JST (UTC+9)"})
    with caplog.at_level(logging.WARNING, logger="climann"):
        open_dataset([path])
    said = " ".join(record.getMessage() for record in caplog.records)
    command = re.search(r"`(ncatted [^`]*)`", said).group(1)
    assert "+09:00" in command and "HH:MM" not in said
    if shutil.which("ncatted") is None:
        pytest.skip("ncatted (NCO) is not installed")
    subprocess.run(command, shell=True, check=True, capture_output=True)
    expected = np.datetime64("2021-01-01T00:00") - np.timedelta64(9, "h") + np.arange(48).astype("timedelta64[h]")
    np.testing.assert_array_equal(_stamps(open_dataset([tmp_path / "st_fixed.nc"])), expected)


def test_an_offset_that_none_of_the_abbreviations_meanings_has_is_refused(tmp_path):
    """fix44k: ``time_zone = "JST (UTC-5)"`` (Japan is UTC+09:00) was read as no offset with a warning. Refused in
    one line naming both; the ncatted line printed, run, gives a copy that opens."""
    path = _local_by_attributes(tmp_path / "st.nc", attrs={"time_zone": "JST (UTC-5)"})
    with pytest.raises(ClimannError) as refused:
        open_dataset([path])
    message = str(refused.value)
    assert "\n" not in message and "offset UTC-05:00 is none of JST's" in message and "Asia/Tokyo" in message
    if shutil.which("ncatted") is None:
        pytest.skip("ncatted (NCO) is not installed")
    subprocess.run(re.search(r"`(ncatted [^`]*)`", message).group(1), shell=True, check=True, capture_output=True)
    assert open_dataset([tmp_path / "st_fixed.nc"]).sizes["time"] == 48


@pytest.mark.skipif(shutil.which("cdo") is None, reason="cdo not installed")
def test_cdo_daymean_of_an_offset_axis_reads_its_bounds_on_the_same_local_dates(tmp_path):
    """break45a A7: `cdo daymean` of half-hourly values in 'minutes since … -05:00' bounds each day by its first and
    last stamp (23.5 h): the axis was read on local dates and the bounds in UTC (05:00 to 04:30 the next day)."""
    minutes = 30.0 * np.arange(48 * 4)  # four local days, 00:00 to 23:30 each
    _write(tmp_path / "hh.nc", units="minutes since 2012-01-01 00:00:00 -05:00", values=minutes)
    subprocess.run(["cdo", "-s", "daymean", str(tmp_path / "hh.nc"), str(tmp_path / "dm.nc")], check=True)
    with netCDF4.Dataset(tmp_path / "dm.nc") as raw:
        stored = raw[raw["time"].bounds][:]
        stamps = raw["time"][:]
    assert read_in_local_time("minutes since 2012-01-01 00:00:00 -05:00", stored)
    opened = open_dataset([tmp_path / "dm.nc"])
    local = [datetime.datetime(2012, 1, 1) + datetime.timedelta(minutes=float(value)) for value in stamps]
    assert [(time.day, time.hour, time.minute) for time in opened.indexes["time"]] == \
        [(time.day, time.hour, time.minute) for time in local]
    edges = [datetime.datetime(2012, 1, 1) + datetime.timedelta(minutes=float(value)) for value in stored.ravel()]
    read = [(edge.day, edge.hour, edge.minute) for edge in opened["time_bnds"].values.ravel()]
    assert read == [(edge.day, edge.hour, edge.minute) for edge in edges]  # local 00:00 to 23:30, not 05:00 to 04:30
    assert read[:2] == [(1, 0, 0), (1, 23, 30)]
