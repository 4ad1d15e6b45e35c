"""One record converted by ncl_convert2nc, its date only in attributes (climann/data/ncl_initial_times.py):
refused with the ncap2 line that dates a copy; run here as printed, the copy is read at the valid time and
window worked out by hand from the attributes."""

from __future__ import annotations

import datetime
import re
import subprocess

import netCDF4
import numpy as np
import pytest

from climann.data.coords import find_coordinate
from climann.data.open import open_dataset
from climann.errors import ClimannError
from tests.followed_twice import GUARD, run_one_copy

#: (forecast_time, statistical_process_duration, the window's start and end in hours after initial_time)
CASES = [
    pytest.param(0, "6 hours (ending at forecast time)", (0, 6), id="stage-iv-forecast-time-0"),
    pytest.param(6, "6 hours (ending at forecast time)", (0, 6), id="stage-iv-forecast-time-at-the-end"),
    pytest.param(6, "3 hours (ending at forecast time)", (3, 6), id="jra55-3-hour-mean-at-lead-6"),
    pytest.param(24, "initial time to forecast time", (0, 24), id="total-from-the-start"),
    pytest.param(0, None, (0, 0), id="analysis-instant"),
]


def _one_record(path, forecast_time: int, duration: str | None, values: np.ndarray) -> None:
    """A field of one GRIB record as ncl_convert2nc writes it: 2-D, no time variable, dated only by
    ``initial_time`` "01/01/2017 (06:00)", ``forecast_time`` (hours) and ``statistical_process_duration``."""
    with netCDF4.Dataset(path, "w", format="NETCDF4_CLASSIC") as handle:
        handle.createDimension("g4_lat_0", 3)
        handle.createDimension("g4_lon_1", 4)
        for name, units, axis in (("g4_lat_0", "degrees_north", [10.0, 0.0, -10.0]),
                                  ("g4_lon_1", "degrees_east", [0.0, 90.0, 180.0, 270.0])):
            coordinate = handle.createVariable(name, "f4", (name,))
            coordinate[:] = axis
            coordinate.units = units
        field = handle.createVariable("SHTFL_GDS4_SFC", "f4", ("g4_lat_0", "g4_lon_1"), fill_value=1e20)
        field[:] = values
        field.units = "W/m^2"
        field.initial_time = "01/01/2017 (06:00)"
        field.forecast_time = np.int32(forecast_time)
        field.forecast_time_units = "hours"
        if duration is not None:
            field.statistical_process_duration = duration


@pytest.mark.parametrize(("forecast_time", "duration", "window"), CASES)
def test_one_record_dated_in_attributes_is_refused_with_an_ncap2_line_that_dates_it(tmp_path, forecast_time,
                                                                                    duration, window):
    """fix49d: refused as "no time coordinate found" with no way out. The ncap2 line the refusal gives,
    run as printed, writes a copy read at initial_time + the window's end, its time cell the window
    (initial 2017-01-01 06:00 plus the hours of ``window``, by hand), the values as stored."""
    values = np.arange(12.0, dtype="f4").reshape(3, 4)
    path = tmp_path / "fcst_phy2m.2017010106.nc"
    _one_record(path, forecast_time, duration, values)
    with pytest.raises(ClimannError) as refused:
        find_coordinate(open_dataset([path]), "time")  # as a run looks for it
    message = str(refused.value)
    assert message.startswith("no time coordinate found"), message
    # run as printed: its copy in a new folder (fix54b: fcst_phy2m.2017010106_dated.nc beside the file)
    followed = run_one_copy(message, tmp_path)
    assert (followed["copy"], followed["original"]) == (str(tmp_path / "dated" / path.name), str(path))
    assert sorted(found.name for found in tmp_path.glob("*.nc")) == [path.name]
    copy = open_dataset([tmp_path / "dated" / path.name])
    initial = datetime.datetime(2017, 1, 1, 6)
    start, end = (initial + datetime.timedelta(hours=hours) for hours in window)
    said = re.search(r": valid (\S+ \d\d:\d\d)", message).group(1)
    assert said == f"{end:%Y-%m-%d %H:%M}"
    if duration is None:
        assert "time_bnds" not in copy.variables
        assert copy["time"].values[0].isoformat(sep=" ") == f"{end}"
    else:
        assert [edge.isoformat(sep=" ") for edge in copy["time_bnds"].values[0]] == [f"{start}", f"{end}"]
    np.testing.assert_array_equal(copy["SHTFL_GDS4_SFC"].values.reshape(3, 4), values)


def test_fields_dated_differently_get_no_single_line(tmp_path):
    """Two records of other leads in one file: one time cannot date both; no line is given that would
    date one of them wrongly."""
    path = tmp_path / "two.nc"
    _one_record(path, 6, "3 hours (ending at forecast time)", np.zeros((3, 4), "f4"))
    with netCDF4.Dataset(path, "a") as handle:
        other = handle.createVariable("LHTFL_GDS4_SFC", "f4", ("g4_lat_0", "g4_lon_1"))
        other[:] = 1.0
        other.setncatts({"initial_time": "01/01/2017 (06:00)", "forecast_time": np.int32(3),
                         "forecast_time_units": "hours", "statistical_process_duration": "3 hours (ending at forecast time)"})
    with pytest.raises(ClimannError) as refused:
        find_coordinate(open_dataset([path]), "time")
    assert "no time coordinate found" in str(refused.value)
    assert "ncap2" not in str(refused.value)


def test_info_on_one_record_says_the_same_way_out(tmp_path, monkeypatch):
    """climann info's refusal (no config to start from) said "no time-varying variable", as for an orography
    file: it gives the same ncap2 line, whose copy info then reads as one step at the window's middle."""
    from typer.testing import CliRunner

    from climann.cli import app

    monkeypatch.chdir(tmp_path)
    _one_record(tmp_path / "ST4.2017010112.06h.nc", 0, "6 hours (ending at forecast time)", np.ones((3, 4), "f4"))
    result = CliRunner().invoke(app, ["info", "ST4.2017010112.06h.nc"])
    assert result.exit_code == 2
    message = result.output.strip().splitlines()[-1]
    assert message.startswith("climann: error: no config to start from: no time coordinate"), message
    # as printed, into dated/ (fix54b); info names the copy to give as its path, without --data
    printed = re.search(rf"`({GUARD}mkdir -p dated && ncap2 [^`]*)` \(its copy in a new folder\), then give "
                        r"dated/ST4\.2017010112\.06h\.nc in place of ST4\.2017010112\.06h\.nc$", message)
    assert printed is not None, message
    subprocess.run(["bash", "-c", printed[1]], check=True, capture_output=True)
    dated = CliRunner().invoke(app, ["info", "dated/ST4.2017010112.06h.nc"])
    assert "2017-01-01 09:00 to 2017-01-01 09:00" in " ".join(dated.output.replace("#", "").split()), dated.output
