"""Sub-daily stamps in a local clock time that follows daylight saving time (climann/data/daylight_saving.py):
refused in one line with a zoneinfo conversion that, run as printed, gives the UTC instants (break43d A2)."""

import re
import shlex
import shutil
import subprocess

import netCDF4
import numpy as np
import pandas as pd
import pytest

from climann.data.daylight_saving import daylight_saving_message
from climann.data.open import open_dataset
from climann.errors import ClimannError
from tests.fresh_python import bare_python, run_python

#: The UTC instants of the values: autumn 2019 to spring 2020, over Chicago's clock change back (3 November
#: 2019, 01:00 twice) and forward (8 March 2020, no 02:00).
_UTC = pd.date_range("2019-10-30 00:00", "2020-03-12 00:00", freq="h")


def _clock_file(path, *, zone="America/Chicago", on_global=False, offset="", bounds=False):
    """Hourly ``tas`` (the index of its UTC instant) stamped with ``zone``'s wall clock, named by the time's
    ``time_zone`` (or the file's, ``on_global``); ``offset`` put in the units as by hand (ncatted); ``bounds``:
    one-hour time bounds after each stamp."""
    local = _UTC.tz_localize("UTC").tz_convert(zone).tz_localize(None)
    stamps = ((local - pd.Timestamp("2019-10-01")) / pd.Timedelta("1h")).to_numpy()
    with netCDF4.Dataset(path, "w") as nc:
        nc.createDimension("time", len(stamps))
        nc.createDimension("lat", 1)
        nc.createDimension("lon", 1)
        time = nc.createVariable("time", "f8", ("time",))
        time.standard_name, time.units, time.calendar = "time", f"hours since 2019-10-01 00:00:00{offset}", "standard"
        time.long_name = "local time (CST/CDT)"
        (nc if on_global else time).setncattr("time_zone", zone)
        time[:] = stamps
        if bounds:
            nc.createDimension("nv", 2)
            time.bounds = "time_bnds"
            nc.createVariable("time_bnds", "f8", ("time", "nv"))[:] = np.stack([stamps, stamps + 1], axis=1)
        for name, units, value in (("lat", "degrees_north", 41.9), ("lon", "degrees_east", -87.6)):
            coordinate = nc.createVariable(name, "f8", (name,))
            coordinate.units, coordinate[:] = units, [value]
        tas = nc.createVariable("tas", "f4", ("time", "lat", "lon"))
        tas.units = "K"
        tas[:] = np.arange(len(stamps), dtype="f4")[:, None, None] + 250
    return path


def _utc_stamps(dataset) -> pd.DatetimeIndex:
    return pd.DatetimeIndex([pd.Timestamp(stamp.isoformat()) for stamp in dataset["time"].values])


@pytest.mark.parametrize(("written", "offset"), [
    pytest.param({}, "", id="time-zone-of-the-time"),
    pytest.param({"offset": " -06:00"}, " -06:00", id="after-the-standard-offset-was-put-in-the-units"),
    pytest.param({"on_global": True}, "", id="time-zone-of-the-file"),
    pytest.param({"bounds": True}, "", id="with-time-bounds"),
])
def test_a_daylight_saving_clock_is_refused_and_the_printed_line_gives_the_utc_instants(tmp_path, written, offset):
    """break43d A2: Chicago's clock time was advised its standard offset (ncatted), then `--overlap first` for the
    repeated 01:00: exit 0 with every summer stamp 1 h off. Now one line names daylight saving (the repeated and the
    skipped hours) and never --overlap; its zoneinfo line, run as printed, gives exactly the UTC instants the values
    were made at (pandas), the values unchanged."""
    path = _clock_file(tmp_path / "chicago.nc", **written)
    with pytest.raises(ClimannError) as refused:
        open_dataset([path])
    message = str(refused.value)
    assert "\n" not in message and "--overlap first" not in message and "ncatted" not in message
    assert message.startswith("chicago.nc: time 'time' is the local clock time of America/Chicago (")
    assert ("which follows daylight saving time: its stamps repeat 1 where the clocks go back (2019-11-03 01:00) and "
            "skip 1 where they go forward (2020-03-08 02:00); no fixed offset fits them (with the standard one every "
            "summer stamp is read 1 h off), nor does keeping one of each repeat (--overlap)") in message
    command = shlex.split(re.search(r"`(python -c [^`]+)`", bare_python(message))[1])
    assert command[-2:] == [str(path), str(tmp_path / "chicago_fixed.nc")]
    run_python(*command[1:], check=True, cwd=tmp_path)
    converted = open_dataset([tmp_path / "chicago_fixed.nc"])
    pd.testing.assert_index_equal(_utc_stamps(converted), pd.DatetimeIndex(_UTC))
    np.testing.assert_array_equal(converted["tas"].values[:, 0, 0], np.arange(len(_UTC)) + 250)
    assert "time_bnds" not in converted.variables


@pytest.mark.parametrize(("zone", "shifted"), [
    pytest.param("Asia/Shanghai", False, id="a-zone-without-daylight-saving"),
    pytest.param("America/Chicago", True, id="utc-instants-under-a-daylight-saving-zone"),
])
def test_stamps_without_the_signature_are_not_called_daylight_saving(zone, shifted):
    """Stamps in a zone whose clocks never change, or stamps in UTC (02:00 of 8 March 2020 held, no repeat)
    under a zone that changes, are no daylight saving clock."""
    stamps = np.arange(len(_UTC), dtype=np.float64)
    if not shifted:
        stamps = ((_UTC.tz_localize("UTC").tz_convert(zone).tz_localize(None) - pd.Timestamp("2019-10-01"))
                  / pd.Timedelta("1h")).to_numpy()
    assert daylight_saving_message("time", {"time_zone": zone}, "hours since 2019-10-01 00:00:00", stamps) is None


def test_a_repeat_off_the_clock_change_is_left_to_the_repeat_refusal():
    """A stamp repeated at another hour than the clocks go back is no daylight saving: the repeat refusal (and its
    --overlap) stays."""
    local = _UTC.tz_localize("UTC").tz_convert("America/Chicago").tz_localize(None)
    stamps = ((local - pd.Timestamp("2019-10-01")) / pd.Timedelta("1h")).to_numpy()
    once = np.concatenate([np.unique(stamps), [(pd.Timestamp("2019-11-02 10:00") - pd.Timestamp("2019-10-01"))
                                               / pd.Timedelta("1h")]])
    units = "hours since 2019-10-01 00:00:00"
    assert daylight_saving_message("time", {"time_zone": "America/Chicago"}, units, stamps) is not None
    assert daylight_saving_message("time", {"time_zone": "America/Chicago"}, units, np.sort(once)) is None


@pytest.mark.skipif(shutil.which("ncatted") is None, reason="needs NCO's ncatted")
def test_the_standard_offset_line_then_meets_the_daylight_saving_refusal_not_overlap(tmp_path, caplog):
    """The warning's ncatted line followed (break43d A2's first step) no longer leads to --overlap."""
    path = _clock_file(tmp_path / "chicago.nc")
    subprocess.run(["ncatted", "-a", "units,time,o,c,hours since 2019-10-01 00:00:00 -06:00", str(path),
                    str(tmp_path / "standard.nc")], check=True)
    with pytest.raises(ClimannError, match=r"^standard\.nc: time 'time' is the local clock time of America/Chicago"):
        open_dataset([tmp_path / "standard.nc"])
