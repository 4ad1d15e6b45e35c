"""ECMWF accumulations converted from GRIB without GRIB_stepType (climann/data/grib_conversions.py),
refused on a daily axis without bounds as those that keep the attribute are (fix46c)."""

from __future__ import annotations

import re
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from climann.data.grib_conversions import converted_accumulation, grib_history_words
from climann.data.open import open_dataset
from climann.data.units import refuse_grib_accumulations
from climann.errors import ClimannError
from tests.followed_twice import ONE_COPY, without_guards

G2N = ("2021-05-12 09:24:55 GMT by grib_to_netcdf-2.16.0: /opt/ecmwf/eccodes/bin/grib_to_netcdf -S param "
       "-o /cache/data5/adaptor.mars.internal-1620811495.nc /cache/tmp/adaptor.mars.internal-1620811495.grib")


def _daily_totals(path, *, name="tp", attrs=None, history=G2N, freq="D", start="2001-01-02T00"):
    """ERA5-Land's tp kept at 00 UTC (each the total of the day before), 20 steps, as a converter
    without GRIB_stepType writes it."""
    times = pd.date_range(start, periods=20, freq=freq)
    values = np.random.default_rng(0).gamma(0.5, 2e-3, (times.size, 2, 3)).astype("f4")
    dataset = xr.Dataset({name: (("time", "lat", "lon"), values, attrs or {"units": "m"})},
                         coords={"time": times, "lat": [0.0, 1.0], "lon": [0.0, 1.0, 2.0]})
    if history:
        dataset.attrs["history"] = history
    dataset.to_netcdf(path)
    return times


@pytest.mark.parametrize("history, name, attrs", [
    pytest.param(G2N, "tp", {"units": "m", "long_name": "Total precipitation"}, id="grib_to_netcdf-short-name"),
    pytest.param("Sun Dec 06 2026: cdo -f nc copy era5land.grib out.nc", "var228", {"units": "m", "code": 228,
                 "table": 128}, id="cdo-copy-code"),
    pytest.param("2024-10-01 GRIB to CDM+CF via cfgrib-0.9.14.1/ecCodes-2.37.0", "precip",
                 {"units": "J m**-2", "long_name": "Surface solar radiation downwards"}, id="cfgrib-long-name"),
])
def test_an_accumulation_converted_from_grib_kept_daily_without_bounds_is_refused(tmp_path, history, name, attrs):
    """A wrong day with exit 0 before: read as the total of the day beginning at 00 UTC."""
    _daily_totals(tmp_path / "era5land.nc", name=name, attrs=attrs, history=history)
    dataset = open_dataset([tmp_path / "era5land.nc"])
    with pytest.raises(ClimannError) as error:
        refuse_grib_accumulations(dataset, [name], where="era5land.nc")
    message = str(error.value)
    assert "\n" not in message and f"'{name}' in era5land.nc" in message
    assert "converted from GRIB without GRIB_stepType" in message and "over the day before it" in message


@pytest.mark.parametrize("history, name, attrs, freq", [
    pytest.param("", "tp", {"units": "m", "long_name": "Total precipitation"}, "D", id="no-history"),
    pytest.param("cdo daysum in.nc out.nc", "tp", {"units": "m"}, "D", id="history-without-grib"),
    pytest.param(G2N, "sd", {"units": "m", "long_name": "Snow depth"}, "D", id="an-instant"),
    pytest.param(G2N, "tp", {"units": "m", "cell_methods": "time: sum"}, "D", id="cell-methods-say-it"),
    pytest.param(G2N, "tp", {"units": "m"}, "h", id="an-hour-apart"),
])
def test_what_says_no_grib_accumulation_or_its_period_is_not_refused(tmp_path, history, name, attrs, freq):
    _daily_totals(tmp_path / "a.nc", name=name, attrs=attrs, history=history, freq=freq)
    refuse_grib_accumulations(open_dataset([tmp_path / "a.nc"]), [name], where="a.nc")


@pytest.mark.skipif(shutil.which("ncap2") is None, reason="NCO's ncap2 is not installed")
def test_the_printed_line_for_the_day_before_dates_each_total_by_that_day(tmp_path, monkeypatch):
    """The line of the refusal, with the number it says for totals over the day before, gives each
    value the day before its stamp: its middle is the stamp less 12 hours (computed here from the
    stamps), and the copy is read without a refusal."""
    monkeypatch.chdir(tmp_path)
    stamps = _daily_totals(tmp_path / "era5land.nc")
    with pytest.raises(ClimannError) as error:
        refuse_grib_accumulations(open_dataset([tmp_path / "era5land.nc"]), ["tp"], where="era5land.nc")
    message = str(error.value)
    command = re.search(r"mkdir -p time_cells_fixed && ncap2 -s '[^']*' era5land.nc time_cells_fixed/era5land.nc "
                        r"\(its copy in a new folder\), then give --data time_cells_fixed/era5land.nc in place of "
                        r"era5land.nc", message).group(0).split(" (its copy")[0]
    hour, day = re.search(r"for totals over the day before it, (\S+) in place of (\S+)\)", message).group(2, 1)
    subprocess.run(["bash", "-c", command.replace(f"-{hour};", f"-{day};")], check=True, capture_output=True)
    fixed = open_dataset([tmp_path / "time_cells_fixed" / "era5land.nc"])
    refuse_grib_accumulations(fixed, ["tp"], where="era5land.nc")
    middles = pd.DatetimeIndex([pd.Timestamp(str(t)) for t in fixed["time"].values])
    np.testing.assert_array_equal(middles, stamps - pd.Timedelta(hours=12))
    assert middles[0].day == 1  # the first value, stamped 2 January 00 UTC, is 1 January's total


def test_the_words_of_a_history_and_of_a_parameter():
    assert grib_history_words({"history": "grib2nc in.grb2 out.nc"}) == "grib2nc"
    assert converted_accumulation("tp", {"GRIB_stepType": "accum"}, {"history": G2N}) == ""  # the attribute says it
    assert converted_accumulation("x", {"code": 228, "table": 2}, {"history": G2N}) == ""  # another table


def test_monthly_means_of_an_old_cds_file_are_refused_with_the_units_of_a_mean_daily_total(tmp_path):
    """ERA5's monthly averaged tp from the CDS's grib_to_netcdf (m, each the month's mean daily total)
    was read as the total of its month, exit 0; refused as with GRIB_stepType, naming m day-1."""
    _daily_totals(tmp_path / "monthly.nc", freq="MS", start="2001-01-01")
    with pytest.raises(ClimannError) as refused:
        refuse_grib_accumulations(open_dataset([tmp_path / "monthly.nc"]), ["tp"], where="monthly.nc")
    assert re.search(r"the mean daily total of its month .*\(mkdir -p \S+ && ncatted -a units,tp,o,c,'m day-1' ",
                     without_guards(str(refused.value)))


@pytest.mark.parametrize("time_name", ["valid_time", "time"])
def test_cell_methods_over_the_files_own_time_name_say_what_a_converted_total_is(time_name):
    """fix46h: ``valid_time: sum`` (the new CDS's time name) said nothing here, only ``time: sum`` did: a converted
    ERA5 total whose cell_methods name its own time dimension is read by them, not refused as one without."""
    history = {"history": "grib_to_netcdf -o era5.nc era5.grib"}
    said = {"units": "m", "cell_methods": f"{time_name}: sum"}
    assert converted_accumulation("tp", said, history, time_name) == ""
    assert converted_accumulation("tp", {"units": "m", "cell_methods": "area: mean"}, history, time_name) != ""


def _daily_statistics(path, *, history=""):
    """ERA5's post-processed daily statistics as the CDS writes them: ``tp`` (daily_sum, m, GRIB_stepType accum)
    and ``mx2t`` (daily_maximum, K) stamped 00 UTC on ``valid_time`` (seconds since 1970), 10 days from
    2010-01-01, without time bounds. Returns the stamps, tp and mx2t."""
    times = pd.date_range("2010-01-01", periods=10, freq="D")
    rng = np.random.default_rng(46)
    tp = rng.gamma(0.5, 2e-3, (times.size, 2, 3)).astype("f4")
    mx2t = rng.normal(290, 5, (times.size, 2, 3)).astype("f4")
    dataset = xr.Dataset({"tp": (("valid_time", "latitude", "longitude"), tp,
                                 {"units": "m", "GRIB_stepType": "accum", "GRIB_shortName": "tp"}),
                          "mx2t": (("valid_time", "latitude", "longitude"), mx2t, {"units": "K", "GRIB_shortName": "mx2t"})},
                         coords={"valid_time": times, "latitude": [1.0, 0.0], "longitude": [0.0, 1.0, 2.0]})
    dataset["valid_time"].encoding["units"] = "seconds since 1970-01-01"
    if history:
        dataset.attrs["history"] = history
    dataset.to_netcdf(path)
    return times, tp, mx2t


@pytest.mark.skipif(shutil.which("ncap2") is None, reason="NCO's ncap2 is not installed")
@pytest.mark.parametrize("name, history, said", [
    pytest.param("tp_stream-oper_daily-sum.nc", "", "daily-sum", id="the-cds-file-name"),
    pytest.param("era5.nc", "earthkit.transforms.aggregate.daily_reduce(how='sum')", "daily_reduce",
                 id="the-history"),
    pytest.param("era5.nc", "", None, id="nothing-says-it"),
])
def test_the_daily_sum_of_era5_daily_statistics_is_offered_the_day_starting_at_its_stamp(tmp_path, monkeypatch, name,
                                                                                       history, said):
    """break46a A4: tp of ERA5's post-processed daily statistics (the daily sum stamped D 00 UTC is over D 00-24 UTC)
    was offered only the hour or the day before its stamp; the day before, followed, dated tp and mx2t a day early.
    Where the file says it is of the daily statistics that day is the one reading given; otherwise the third, and the
    readings before the stamp say that they move mx2t too. The day's line, run as printed, gives each value of both
    the cell of its stamp's day: its middle the stamp plus 12 hours, computed here from the stamps."""
    monkeypatch.chdir(tmp_path)
    stamps, tp, mx2t = _daily_statistics(tmp_path / name, history=history)
    with pytest.raises(ClimannError) as error:
        refuse_grib_accumulations(open_dataset([tmp_path / name]), ["tp"], where=name)
    message = without_guards(str(error.value))  # the guard before the line: tests/data/test_shell_followed_twice.py
    script = ('defdim("bnds",2);valid_time_bnds[$valid_time,$bnds]=0.0;valid_time_bnds(:,0)=valid_time;'
              'valid_time_bnds(:,1)=valid_time+86400;valid_time@bounds="valid_time_bnds"')
    copy = f"time_cells_fixed/{name}"  # a one-file copy in a new folder, where a glob of the originals does not take it
    written = (f"mkdir -p time_cells_fixed && ncap2 -s '{script}' {name} {copy} (its copy in a new folder), then give "
               f"--data {copy} in place of {name}")
    if said:
        assert f"of ERA5's post-processed daily statistics (the file says '{said}')" in message, message
        assert message.endswith(f"add time bounds (CF 7.1) of that day to every value of the file: {written}")
        assert "hour before" not in message and "day before" not in message
    else:
        assert ("over the day before it (ERA5-Land's at 00 UTC), rates 24 times apart, or over the day starting at it "
                "(the daily sum of ERA5's post-processed daily statistics, stamped at 00 UTC)") in message
        assert "bounds before the stamps date every variable of the file (mx2t too) before its stamp" in message
        assert message.endswith(f"; for totals over the day starting at each stamp, {written}")
    subprocess.run(["bash", "-c", written.split(" (its copy")[0]], check=True, capture_output=True)
    fixed = open_dataset([tmp_path / copy])
    refuse_grib_accumulations(fixed, ["tp"], where=copy)
    middles = pd.DatetimeIndex([pd.Timestamp(str(t)) for t in fixed["valid_time"].values])
    np.testing.assert_array_equal(middles, stamps + pd.Timedelta(hours=12))
    assert middles[0].day == 1  # the first value is 1 January's, as its stamp says
    np.testing.assert_array_equal(fixed["tp"].values, tp)
    np.testing.assert_array_equal(fixed["mx2t"].values, mx2t)


@pytest.mark.skipif(shutil.which("ncap2") is None, reason="NCO's ncap2 is not installed")
def test_the_bounds_line_is_in_the_time_units_of_each_file_it_is_for(tmp_path, monkeypatch):
    """break48d A1: the hour before each stamp was written ``time-1.0/24`` (the number of days in an hour, from the
    first --data file: a GEFF index in ``days since``) into ERA5 files in ``hours since 1900``: 2.5-minute cells. The
    printed line, run as it is on tp's two files (one in hours, one in days, after a file in minutes), gives cells of
    exactly one hour before each stamp, and its number for the day before cells of exactly 24 hours (numpy on the
    decoded bounds)."""
    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(48)
    index = xr.Dataset({"fwi": (("time", "lat", "lon"), rng.random((40, 2, 3)).astype("f4"))},
                       coords={"time": pd.date_range("2001-12-12T12", periods=40, freq="D"), "lat": [0.0, 1.0],
                               "lon": [0.0, 1.0, 2.0]})
    index["time"].encoding["units"] = "minutes since 2001-12-12 12:00"
    index.to_netcdf(tmp_path / "a_fwi.nc")
    (tmp_path / "era5").mkdir()
    for year, units in ((2001, "hours since 1900-01-01 00:00:00.0"), (2002, "days since 2002-01-01 12:00")):
        times = pd.date_range("2001-12-12T12" if year == 2001 else "2002-01-01T12", periods=20, freq="D")
        part = xr.Dataset({"tp": (("time", "lat", "lon"), rng.gamma(0.5, 2e-3, (20, 2, 3)).astype("f4"),
                                  {"units": "m", "long_name": "Total precipitation"})},
                          coords={"time": times, "lat": [0.0, 1.0], "lon": [0.0, 1.0, 2.0]}, attrs={"history": G2N})
        part["time"].encoding.update(units=units, dtype="f8")
        part.to_netcdf(tmp_path / "era5" / f"tp_{year}.nc")
    paths = [tmp_path / "a_fwi.nc", *sorted((tmp_path / "era5").glob("*.nc"))]
    with pytest.raises(ClimannError) as error:
        refuse_grib_accumulations(open_dataset(paths), ["tp"], where="a_fwi.nc and 2 more files")
    message = str(error.value)
    loops = [loop for loop in re.findall(r"(\{ \[ ! -e \S+ \] \|\| \{[^}]*\}; \} && mkdir -p \S+ && ncap2 -s '[^']*' \S+ \S+\.nc)",
                                         message) if "time_bnds(:,1)=time;" in loop]  # the hour's, not the day after
    assert len(loops) == 2, message  # one line per file (fix54b: a group of one file is one command): units differ
    for hours, numbers in ((1, r"(?:time-1;|time-1\.0/24;)"), (24, r"(?:time-24;|time-1;)")):
        for loop in loops:
            line = loop
            if hours == 24:
                longer, one = re.search(rf"{re.escape(loop)}.*? \(for totals over the day before it, (\S+) in "
                                        r"place of (\S+)\)", message).groups()
                line = loop.replace(f"time-{one};", f"time-{longer};")
            assert re.search(numbers, line), line
            shutil.rmtree(tmp_path / "era5" / "time_cells_fixed", ignore_errors=True)
            subprocess.run(line, shell=True, check=True, capture_output=True)
            for copy in (tmp_path / "era5" / "time_cells_fixed").glob("*.nc"):
                with xr.open_dataset(copy) as fixed:
                    edges = fixed["time_bnds"].values
                    np.testing.assert_array_equal(edges[:, 1], fixed["time"].values)
                    np.testing.assert_array_equal(edges[:, 1] - edges[:, 0], np.timedelta64(hours, "h"))


@pytest.mark.skipif(shutil.which("ncap2") is None or shutil.which("ncks") is None, reason="NCO is not installed")
def test_every_accumulation_of_the_file_is_written_with_the_total_that_takes_the_bounds(tmp_path, monkeypatch):
    """Session 73's leftover: ERA5-Land's tp, e (both since 00 UTC, GRIB_stepType accum) and mx2t (the maximum of 2 m temperature) kept
    at 00 UTC: the refusal said to write tp alone before its bounds, and e, over the same forecast steps, was then to
    be given without any. Now it names tp and e for the copy (ncks -v tp,e), mx2t alone for the other; the ncks run as
    printed and the copy's line with the day before's number give tp and e each the day before its stamp (middles
    the stamps less 12 h) and their own values (numpy), and leave mx2t out."""
    monkeypatch.chdir(tmp_path)
    times = pd.date_range("2001-01-02T00", periods=20, freq="D")
    rng = np.random.default_rng(55)
    tp, evaporation = rng.gamma(0.5, 2e-3, (20, 2, 3)).astype("f4"), -rng.gamma(0.5, 1e-3, (20, 2, 3)).astype("f4")
    accum = {"units": "m", "GRIB_stepType": "accum"}
    maxima = rng.normal(280, 3, (20, 2, 3)).astype("f4")
    xr.Dataset({"tp": (("time", "lat", "lon"), tp, accum), "e": (("time", "lat", "lon"), evaporation, accum),
                "mx2t": (("time", "lat", "lon"), maxima, {"units": "K"})},
               coords={"time": times, "lat": [0.0, 1.0], "lon": [0.0, 1.0, 2.0]}).to_netcdf(tmp_path / "era5land.nc")
    with pytest.raises(ClimannError) as error:
        refuse_grib_accumulations(open_dataset([tmp_path / "era5land.nc"]), ["tp"], where="era5land.nc")
    message = str(error.value)
    said = without_guards(message)
    assert ("bounds before the stamps date every variable of the file (mx2t too) before its stamp: for those readings "
            "write tp and e (GRIB accumulations all, over the same forecast steps, so of the same periods) first, "
            "mkdir -p accumulations && ncks -v tp,e era5land.nc accumulations/era5land.nc (its copy in a new folder), "
            "then give --data accumulations/era5land.nc in place of era5land.nc, and give the others without them, "
            "mkdir -p without_accumulations && ncks -x -v tp,e era5land.nc without_accumulations/era5land.nc (its copy "
            "in a new folder), then give --data without_accumulations/era5land.nc in place of era5land.nc") in said, said
    # fix56d: the file named, each copy in a new folder (was IN OUT); both lines run as printed, guards and all
    for folder in ("accumulations", "without_accumulations"):
        printed = next(found for found in ONE_COPY.finditer(message) if found["folder"] == folder)
        subprocess.run(["bash", "-c", printed["command"]], check=True, capture_output=True)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["accumulations", "era5land.nc", "without_accumulations"]
    with xr.open_dataset(tmp_path / "without_accumulations" / "era5land.nc") as rest:
        assert sorted(rest.data_vars) == ["mx2t"]
        np.testing.assert_array_equal(rest["mx2t"].values, maxima)
    (tmp_path / "accumulations" / "era5land.nc").rename(tmp_path / "accumulations.nc")
    with pytest.raises(ClimannError) as again:
        refuse_grib_accumulations(open_dataset([tmp_path / "accumulations.nc"]), ["tp"], where="accumulations.nc")
    told = str(again.value)
    assert "date every variable" not in told  # e takes tp's bounds: nothing left to set apart
    command = re.search(r"mkdir -p time_cells_fixed && ncap2 -s '[^']*' accumulations.nc "
                        r"time_cells_fixed/accumulations.nc", told).group(0)
    hour, day = re.search(r"for totals over the day before it, (\S+) in place of (\S+)\)", told).group(2, 1)
    subprocess.run(["bash", "-c", command.replace(f"-{hour};", f"-{day};")], check=True, capture_output=True)
    fixed = open_dataset([tmp_path / "time_cells_fixed" / "accumulations.nc"])
    refuse_grib_accumulations(fixed, ["tp", "e"], where="accumulations.nc")
    middles = pd.DatetimeIndex([pd.Timestamp(str(t)) for t in fixed["time"].values])
    np.testing.assert_array_equal(middles, times - pd.Timedelta(hours=12))
    np.testing.assert_array_equal(fixed["tp"].values, tp)
    np.testing.assert_array_equal(fixed["e"].values, evaporation)
    assert "mx2t" not in fixed.data_vars
