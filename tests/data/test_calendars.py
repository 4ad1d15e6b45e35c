"""Files in different calendars (climann/data/calendars.py, applied where files are opened)."""

import datetime
import json
import os
import logging
import re
import shlex
import shutil
import subprocess

import cftime
import numpy as np
import pytest
import xarray as xr

from climann.data import shell
from climann.data.open import concat_blocks, open_dataset
from climann.errors import ClimannError
from tests.conftest import grid_dataset, monthly_times
from tests.console import run_main
from tests.followed_twice import GUARD, run_one_copy, without_guards
from tests.fresh_python import shell_path


def _in_calendar(dataset, calendar, start_year=2000):
    """The dataset with its monthly dates (day 15) written in ``calendar``."""
    return dataset.assign_coords(time=monthly_times(dataset.sizes["time"] // 12, calendar, start_year))


def _daily_in_calendar(dataset, calendar, start_year=2000):
    """The dataset with one date a day from 1 January of ``start_year`` in ``calendar``: daily
    values, which files in two calendars pair only by a choice of days."""
    first = cftime.datetime(start_year, 1, 1, calendar=calendar)
    return dataset.assign_coords(time=[first + datetime.timedelta(days=day) for day in range(dataset.sizes["time"])])


def _warnings(caplog):
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def _infos(caplog):
    return [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]


@pytest.mark.parametrize(
    "calendars",
    [pytest.param(("standard", "proleptic_gregorian"), id="standard-then-proleptic"),
     pytest.param(("proleptic_gregorian", "gregorian"), id="proleptic-then-gregorian")],
)
def test_standard_and_proleptic_gregorian_after_1582_combine_in_the_first_calendar(tmp_path, caplog, calendars):
    full = grid_dataset(n_years=2)[["tas"]]
    for index, (calendar, part) in enumerate(zip(calendars, (slice(0, 12), slice(12, 24)))):
        _in_calendar(full.isel(time=part), calendar, 2000 + index).to_netcdf(tmp_path / f"tas_{index}.nc")
    with caplog.at_level(logging.INFO, logger="climann"):
        combined = open_dataset([tmp_path / "tas_0.nc", tmp_path / "tas_1.nc"])
    first = {"gregorian": "standard"}.get(calendars[0], calendars[0])
    assert [t.calendar for t in combined["time"].values] == [first] * 24
    assert [(t.year, t.month, t.day) for t in combined["time"].values] == [
        (2000 + k // 12, k % 12 + 1, 15) for k in range(24)
    ]
    np.testing.assert_array_equal(combined["tas"].values, full["tas"].values)
    # the same dates in either calendar: said in the run log, not warned (a line per file was noise, verify25 F3)
    assert any("agree from 1582-10-15 on" in message for message in _infos(caplog))
    assert not _warnings(caplog)


@pytest.mark.parametrize("order", [pytest.param((0, 1), id="past1000-first"), pytest.param((1, 0), id="historical-first")])
def test_a_proleptic_series_before_1582_takes_a_standard_file_after_it_in_its_own_calendar(tmp_path, caplog, order):
    """PMIP past1000 (proleptic_gregorian, 1575-1589) beside a historical run (standard, 1590-1599): the
    calendars agree on the historical dates, so its file is read in the proleptic calendar (break14 F5)."""
    full = grid_dataset(n_years=25)[["tas"]]
    names = []
    for calendar, part, start in (("proleptic_gregorian", slice(0, 180), 1575), ("standard", slice(180, 300), 1590)):
        names.append(tmp_path / f"tas_{calendar}.nc")
        _in_calendar(full.isel(time=part), calendar, start).to_netcdf(names[-1])
    with caplog.at_level(logging.INFO, logger="climann"):
        combined = open_dataset([names[index] for index in order])
    assert {t.calendar for t in combined["time"].values} == {"proleptic_gregorian"}
    assert [(t.year, t.month, t.day) for t in combined["time"].values] == [
        (1575 + k // 12, k % 12 + 1, 15) for k in range(300)
    ]
    np.testing.assert_array_equal(combined["tas"].values, full["tas"].values)
    assert any("tas_standard.nc uses the standard calendar" in message and "agree from 1582-10-15 on" in message
               for message in _infos(caplog))
    assert not _warnings(caplog)


@pytest.mark.parametrize("calendars", [pytest.param(("julian", "standard"), id="julian-first"),
                                       pytest.param(("standard", "julian"), id="standard-first")])
def test_julian_and_standard_files_before_1582_combine_in_the_first_calendar(tmp_path, caplog, calendars):
    """verify26b F4: a paleo run's tas in julian beside its pr in standard, 1000-1001, was refused
    as 'cannot be aligned without a choice', though the standard calendar is Julian until
    1582-10-04 (CF-1.8 §4.4.1): the stored numbers are the same; now one calendar, said in the log."""
    full = grid_dataset(n_years=2)
    for name, calendar in zip(("tas", "pred"), calendars):
        _in_calendar(full[[name]], calendar, 1000).to_netcdf(tmp_path / f"{name}.nc")
    with caplog.at_level(logging.INFO, logger="climann"):
        combined = open_dataset([tmp_path / "tas.nc", tmp_path / "pred.nc"])
    assert {t.calendar for t in combined["time"].values} == {calendars[0]}
    # the same instants in both calendars, by cftime's own count of days
    days = [cftime.date2num(t, "days since 0850-01-01", calendar=calendars[1]) for t in
            monthly_times(2, calendars[1], 1000)]
    assert [cftime.date2num(t, "days since 0850-01-01", calendar=calendars[0]) for t in combined["time"].values] == days
    np.testing.assert_array_equal(combined["pred"].values, full["pred"].values)
    assert any("agree before 1582-10-05" in message for message in _infos(caplog))
    # the standard file's time units counting from before 1582 are warned about apart (time_units)
    assert not [message for message in _warnings(caplog) if "julian calendar" in message]


def test_two_files_reaching_before_1582_in_the_two_calendars_are_refused_without_align_on(tmp_path):
    full = grid_dataset(n_years=2)[["tas"]]
    for calendar, part, start in (("proleptic_gregorian", slice(0, 12), 1575), ("standard", slice(12, 24), 1576)):
        _in_calendar(full.isel(time=part), calendar, start).to_netcdf(tmp_path / f"tas_{calendar}.nc")
    with pytest.raises(ClimannError, match="cannot be aligned without a choice") as error:
        open_dataset([tmp_path / "tas_proleptic_gregorian.nc", tmp_path / "tas_standard.nc"])
    assert "align_on" not in str(error.value) and "\n" not in str(error.value)


def test_a_single_time_step_in_another_calendar_is_a_static_field(tmp_path, caplog):
    """An ERA5-style land-sea mask (time = 1, gregorian, 1979) beside noleap model data."""
    full = grid_dataset(n_years=2)
    full[["tas"]].to_netcdf(tmp_path / "tas.nc")
    mask = (full["static"] > 50).astype("f4").expand_dims(time=monthly_times(1, "gregorian", 1979)[:1])
    mask.to_dataset(name="lsm").to_netcdf(tmp_path / "lsm.nc")
    with caplog.at_level(logging.WARNING, logger="climann"):
        combined = open_dataset([tmp_path / "lsm.nc", tmp_path / "tas.nc"])
    assert combined["lsm"].dims == ("lat", "lon")
    np.testing.assert_array_equal(combined["lsm"].values, (full["static"].values > 50).astype("f4"))
    assert combined.sizes["time"] == 24 and combined["time"].values[0].calendar == "noleap"
    assert any("taken as a static field" in message for message in _warnings(caplog))


@pytest.mark.parametrize(
    "monthly_files", [pytest.param(False, id="tas-series-in-one-file"), pytest.param(True, id="tas-one-file-per-month")]
)
def test_a_single_time_step_in_the_series_calendar_is_a_static_field(tmp_path, caplog, monthly_files):
    """An ERA5-style land-sea mask (time = 1, 1979-01-15) in the series' own calendar; one-step
    files of tas (one per month) stay a series."""
    full = grid_dataset(n_years=1)
    if monthly_files:
        for month in range(12):
            full[["tas"]].isel(time=[month]).to_netcdf(tmp_path / f"tas_{month + 1:02d}.nc")
    else:
        full[["tas"]].to_netcdf(tmp_path / "tas.nc")
    mask = (full["static"] > 50).astype("f4").expand_dims(time=monthly_times(1, "noleap", 1979)[:1])
    mask.to_dataset(name="lsm").to_netcdf(tmp_path / "lsm.nc")
    with caplog.at_level(logging.WARNING, logger="climann"):
        combined = open_dataset(sorted(tmp_path.glob("*.nc")))
    assert combined["lsm"].dims == ("lat", "lon")
    np.testing.assert_array_equal(combined["lsm"].values, (full["static"].values > 50).astype("f4"))
    assert combined["tas"].dims == ("time", "lat", "lon")
    np.testing.assert_array_equal(combined["tas"].values, full["tas"].values)
    assert [(t.year, t.month, t.day) for t in combined["time"].values] == [(2000, m, 15) for m in range(1, 13)]
    series = "tas_01.nc" if monthly_files else "tas.nc"
    assert (
        "lsm.nc (lsm) has a single time step, 1979-01-15 in the noleap calendar, and its variables are in no other "
        f"file: taken as a static field beside the series of {series}, its time dropped"
    ) in _warnings(caplog)


@pytest.mark.parametrize(
    ("calendars", "years", "single_steps"),
    [
        pytest.param(("noleap", "standard"), (2000, 2000), False, id="noleap-and-standard-series"),
        pytest.param(("360_day", "noleap"), (2000, 2002), False, id="360-day-then-noleap"),
        pytest.param(("standard", "proleptic_gregorian"), (1500, 1502), False, id="gregorian-before-1582"),
        pytest.param(("julian", "standard"), (1600, 1602), False, id="julian-after-1582"),
        pytest.param(("julian", "proleptic_gregorian"), (1000, 1002), False, id="julian-and-proleptic"),
        pytest.param(("noleap", "standard"), (2000, 2000), True, id="one-step-files-of-one-variable"),
    ],
)
def test_calendars_that_do_not_align_are_refused_naming_both(tmp_path, calendars, years, single_steps):
    """Daily values (monthly ones in a model's calendar are paired by month: below)."""
    full = grid_dataset(n_years=2)
    first = _daily_in_calendar(full[["tas"]], calendars[0], years[0])
    first.to_netcdf(tmp_path / "a.nc")
    second = _daily_in_calendar(full[["pred"]] if years[0] == years[1] else full[["tas"]], calendars[1], years[1])
    if single_steps:  # one file per month: the step belongs to a series, not a static field
        second = _in_calendar(full[["tas"]], calendars[1], 2002).isel(time=[0])
    second.to_netcdf(tmp_path / "b.nc")
    with pytest.raises(ClimannError, match=rf"^a\.nc uses the {calendars[0]} calendar and b\.nc the {calendars[1]} "
                                           r"calendar: .*convert_calendar"):
        open_dataset([tmp_path / "a.nc", tmp_path / "b.nc"])


def _blocks(tmp_path, calendars, start_years, *, bounds=False):
    """A train, a val and a test block of one year each (monthly, tas), each in its calendar,
    opened as split blocks are: each on its own, then concatenated; also the written dates."""
    full = grid_dataset(n_years=3)[["tas"]]
    parts, written = [], []
    for index, (name, calendar, year) in enumerate(zip(("train", "val", "test"), calendars, start_years)):
        block = _in_calendar(full.isel(time=slice(12 * index, 12 * index + 12)), calendar, year)
        if bounds:  # CMIP-style monthly cells: the 1st of the month to the 1st of the next
            cells = [[cftime.datetime(t.year, t.month, 1, calendar=calendar),
                      cftime.datetime(t.year + t.month // 12, t.month % 12 + 1, 1, calendar=calendar)]
                     for t in block["time"].values]
            block = block.assign(time_bnds=(("time", "bnds"), np.array(cells)))
            block["time"].attrs["bounds"] = "time_bnds"
        block.to_netcdf(tmp_path / f"tas_{name}.nc", encoding={"time": {"units": "days since 1850-01-01"}})
        parts.append(open_dataset([tmp_path / f"tas_{name}.nc"]))
        written.append(block)
    sources = [f"tas_{name}.nc" for name in ("train", "val", "test")]
    return full, parts, written, sources


@pytest.mark.parametrize(
    ("calendars", "bounds"),
    [
        pytest.param(("proleptic_gregorian", "standard", "standard"), False, id="era5-train-cmip-val-test"),
        pytest.param(("standard", "gregorian", "proleptic_gregorian"), True, id="proleptic-test-with-bounds"),
    ],
)
def test_split_blocks_in_standard_and_proleptic_gregorian_after_1582_are_read_in_the_train_calendar(
        tmp_path, caplog, calendars, bounds):
    """ERA5 (proleptic_gregorian) for training, CMIP (standard) for testing: the blocks kept their own
    calendars, and the run crashed comparing their dates, or wrote predictions.nc after training (break15 F8)."""
    full, parts, written, sources = _blocks(tmp_path, calendars, (2000, 2001, 2002), bounds=bounds)
    with caplog.at_level(logging.INFO, logger="climann"):
        combined = concat_blocks(parts, ("train", "val", "test"), sources=sources)
    first = {"gregorian": "standard"}.get(calendars[0], calendars[0])
    assert {t.calendar for t in combined["time"].values} == {first}
    # each block dated as on its own: the stamps, or the middles of the cells (16 January 12:00)
    expected = [t if not bounds else cell[0] + (cell[1] - cell[0]) / 2 for block in written
                for t, cell in zip(block["time"].values, block["time_bnds"].values if bounds else block["time"].values)]
    assert [(t.year, t.month, t.day, t.hour) for t in combined["time"].values] == [
        (t.year, t.month, t.day, t.hour) for t in expected]
    assert [(t.month, t.day, t.hour) for t in combined["time"].values[:2]] == ([(1, 16, 12), (2, 15, 12)] if bounds
                                                                                else [(1, 15, 0), (2, 15, 0)])
    np.testing.assert_array_equal(combined["tas"].values, full["tas"].values)
    if bounds:
        assert {t.calendar for t in combined["time_bnds"].values.ravel()} == {first}
        assert [(t.year, t.month, t.day) for t in combined["time_bnds"].values[-1]] == [(2002, 12, 1), (2003, 1, 1)]
        # the files' own stamps too, written back to predictions.nc: in mixed calendars, writing it
        # failed after training (verify27 F2)
        stamps = combined["climann_file_stamp"].values
        assert {t.calendar for t in stamps} == {first}
        assert [(t.year, t.month, t.day) for t in stamps] == [(t.year, t.month, t.day) for block in written
                                                              for t in block["time"].values]
    relabelled = [(name, calendar) for name, calendar in zip(("val", "test"), calendars[1:])
                  if {"gregorian": "standard"}.get(calendar, calendar) != first]
    assert not _warnings(caplog)
    assert [message for message in _infos(caplog) if "agree from 1582-10-15" in message] == [
        f"tas_{name}.nc ({name}) uses the {calendar} calendar and tas_train.nc (train) the {first} calendar, which "
        f"agree from 1582-10-15 on: its dates are read in the {first} calendar" for name, calendar in relabelled]


@pytest.mark.parametrize(
    ("calendars", "years", "converted", "align"),
    [
        pytest.param(("standard", "noleap", "noleap"), (2000, 2001, 2002), "the val and test blocks'", "",
                     id="observations-train-model-val-test"),
        pytest.param(("noleap", "noleap", "360_day"), (2000, 2001, 2002), "the test block's", ", align_on=...",
                     id="360-day-test"),
        pytest.param(("proleptic_gregorian", "proleptic_gregorian", "standard"), (1570, 1571, 1572),
                     "the test block's", "", id="gregorian-before-1582"),
    ],
)
def test_split_blocks_in_calendars_that_do_not_align_are_refused_naming_each(tmp_path, calendars, years, converted,
                                                                              align):
    """Observations (standard) for training, a model (noleap) for testing: an unexpected TypeError comparing
    their dates (break15 F7). One time axis in one calendar cannot hold both without a choice. CDO's
    setcalendar takes 365_day, not noleap (break45d D1)."""
    cdo = {"noleap": "365_day"}.get(calendars[0], calendars[0])
    named = f" (CDO's name of {calendars[0]})" if cdo != calendars[0] else ""
    _, parts, _, sources = _blocks(tmp_path, calendars, years)
    listed = ", ".join(f"tas_{name}.nc \\({name}\\) {calendar}" for name, calendar in zip(("train", "val", "test"),
                                                                                           calendars))
    with pytest.raises(ClimannError) as raised:
        concat_blocks(parts, ("train", "val", "test"), sources=sources)
    assert re.fullmatch(
        f"the split blocks are in different calendars: {listed}; predictions.nc has one time axis in one calendar "
        f"and the climatology is the train block's, per calendar month or day of its year: convert {converted} "
        rf"files to the {calendars[0]} calendar first \(xarray's Dataset.convert_calendar\('{calendars[0]}'"
        rf"{re.escape(align)}\), after dropping their time bounds, which it does not convert, or cdo "
        rf"setcalendar,{cdo}{re.escape(named)} when their dates are all valid {calendars[0]} "
        r"dates\)", str(raised.value))


@pytest.mark.parametrize("spelled", [pytest.param("365_day", id="cordex-365-day"),
                                     pytest.param("noleap", id="cmip-noleap")])
def test_a_365_day_file_beside_standard_is_named_as_spelled_and_the_cdo_line_given_works(tmp_path, spelled):
    """CORDEX-Adjust IPSL ``tasAdjust`` (calendar "365_day") beside observations (standard): the refusal called
    it "noleap" and advised ``cdo setcalendar,noleap``, which CDO 2.1 refuses ("Calendar >noleap< unsupported!",
    break45d D1). The file's own name is said, and the command printed, run with the installed CDO, writes a copy
    that combines with the model's file."""
    import shutil

    import netCDF4

    full = grid_dataset(n_years=2)
    model = _daily_in_calendar(full[["pred"]], "noleap")
    model["time"].encoding["calendar"] = spelled
    model.to_netcdf(tmp_path / "model.nc")
    _daily_in_calendar(full[["tas"]], "standard").to_netcdf(tmp_path / "obs.nc")
    with netCDF4.Dataset(tmp_path / "model.nc") as written:
        assert written["time"].calendar == spelled
    with pytest.raises(ClimannError) as raised:
        open_dataset([tmp_path / "model.nc", tmp_path / "obs.nc"])
    message = str(raised.value)
    assert message.startswith(f"model.nc uses the {spelled} calendar and obs.nc the standard calendar: ")
    if spelled == "365_day":
        assert "noleap" not in message
    command = re.search(rf"`({GUARD}mkdir -p \S+ && cdo setcalendar,[^`]*)`", message).group(1)
    assert without_guards(command).startswith(f"mkdir -p {tmp_path}/365_day && cdo setcalendar,365_day ")
    if shutil.which("cdo") is None:
        pytest.skip("needs CDO")
    followed = run_one_copy(message, tmp_path)  # as printed: the copy in a new folder (fix54b: obs_365_day.nc beside)
    copy = tmp_path / "365_day" / "obs.nc"
    assert (followed["copy"], followed["original"]) == (str(copy), str(tmp_path / "obs.nc"))
    with netCDF4.Dataset(copy) as converted:
        assert converted["time"].calendar == "365_day"
    combined = open_dataset([tmp_path / "model.nc", copy])
    np.testing.assert_array_equal(combined["tas"].values, full["tas"].values)
    np.testing.assert_array_equal(combined["pred"].values, full["pred"].values)


@pytest.mark.parametrize("bounds", [pytest.param(True, id="with-bounds"), pytest.param(False, id="stamps-only")])
@pytest.mark.parametrize("calendars", [pytest.param(("360_day", "standard"), id="360-day-model-then-observed"),
                                       pytest.param(("standard", "360_day"), id="observed-then-360-day-model"),
                                       pytest.param(("noleap", "standard"), id="noleap-then-standard")])
def test_monthly_files_in_a_model_calendar_pair_with_another_by_year_and_month(tmp_path, caplog, calendars, bounds):
    """fix46c: a model's monthly tas in 360_day beside observed monthly pred in standard was refused, with a
    conversion by days. A month's mean is its month's: each value of the second file is paired with the
    first's value of the same year and month over their common period (checked against the values written,
    by label), dated at
    the middle of that month in the first file's calendar, with a warning that says so. pred is stamped on the 1st
    when its bounds say the month, inside its months without them (on the 1st without bounds a stamp may close the
    month before: refused in every calendar, break51c A1, below)."""
    full = grid_dataset(n_years=3)
    written = {}
    for name, calendar, stamp_day in (("tas", calendars[0], 16), ("pred", calendars[1], 1 if bounds else 15)):
        dates = [cftime.datetime(2001 + k // 12, k % 12 + 1, stamp_day, calendar=calendar) for k in range(36)]
        part = full[[name]].assign_coords(time=dates)
        if bounds:
            part = part.assign(time_bnds=(("time", "bnds"), np.array(
                [[cftime.datetime(d.year, d.month, 1, calendar=calendar),
                  cftime.datetime(d.year + d.month // 12, d.month % 12 + 1, 1, calendar=calendar)] for d in dates])))
            part["time"].attrs["bounds"] = "time_bnds"
        part = part.isel(time=slice(0, 30) if name == "pred" else slice(None))  # pred ends in June 2003
        part.to_netcdf(tmp_path / f"{name}.nc", encoding={"time": {"units": "days since 2001-01-01"}})
        written[name] = {(d.year, d.month): value for d, value in zip(part["time"].values, part[name].values)}
    with caplog.at_level(logging.WARNING, logger="climann"):
        combined = open_dataset([tmp_path / "tas.nc", tmp_path / "pred.nc"])
    times = combined["time"].values
    assert {t.calendar for t in times} == {calendars[0]}
    labels = [(t.year, t.month) for t in times]
    assert labels == sorted(written["pred"])  # every month of their common period, once
    for label, time in zip(labels, times):
        start = cftime.datetime(*label, 1, calendar=calendars[0])
        end = cftime.datetime(label[0] + label[1] // 12, label[1] % 12 + 1, 1, calendar=calendars[0])
        assert start < time < end
    for index, label in enumerate(labels):
        np.testing.assert_array_equal(combined["tas"].values[index], written["tas"][label])
        np.testing.assert_array_equal(combined["pred"].values[index], written["pred"][label])
    assert any(f"pred.nc uses the {calendars[1]} calendar and tas.nc the {calendars[0]} calendar; both are monthly, "
               "so their values are paired by year and month" in message for message in _warnings(caplog))


def test_split_blocks_refused_for_their_calendars_say_which_names_are_one_calendar_and_their_grids_too(tmp_path):
    """break46a A5: train CanESM5 (365_day), val GFDL-ESM4 (noleap), test IPSL (gregorian) were listed as three
    calendars, and once the test block was converted as told the next run was refused for the val block's grid. Now
    365_day is said to be noleap (and gregorian standard), and the grids are named in the same line."""
    parts, sources = [], []
    for index, (name, spelled, year, n_lat) in enumerate(
            zip(("train", "val", "test"), ("365_day", "noleap", "gregorian"), (2000, 2001, 2002), (4, 5, 4))):
        calendar = {"365_day": "noleap", "gregorian": "standard"}.get(spelled, spelled)
        block = _in_calendar(grid_dataset(n_years=1, n_lat=n_lat, calendar=calendar)[["tas"]], calendar, year)
        block.to_netcdf(tmp_path / f"tas_{name}.nc", encoding={"time": {"units": "days since 1850-01-01",
                                                                        "calendar": spelled}})
        parts.append(open_dataset([tmp_path / f"tas_{name}.nc"]))
        sources.append(f"tas_{name}.nc")
    with pytest.raises(ClimannError) as raised:
        concat_blocks(parts, ("train", "val", "test"), sources=sources)
    message = str(raised.value)
    assert message.startswith("the split blocks are in different calendars: tas_train.nc (train) 365_day (= noleap), "
                              "tas_val.nc (val) noleap, tas_test.nc (test) gregorian (= standard); ")
    assert "convert the test block's files to the 365_day calendar first" in message
    assert "; and the split blocks are on different grids: lat has 4 values in tas_train.nc (train) and 5 in " \
           "tas_val.nc (val)" in message


def _period_file(path, name, values, stamps, units, calendar, edges=None):
    """A (time, lat, lon) file of ``values`` at ``stamps`` (numbers in ``units`` and ``calendar``), with CF time
    bounds when ``edges`` (n_time + 1 numbers) are given; written with netCDF4, which keeps 'months since' and
    'years since' as the file gives them (ISIMIP's old output)."""
    import netCDF4

    with netCDF4.Dataset(path, "w") as ds:
        for dim, size in (("time", None), ("lat", 3), ("lon", 4), ("bnds", 2)):
            ds.createDimension(dim, size)
        time = ds.createVariable("time", "f8", ("time",))
        time[:], time.units, time.calendar, time.standard_name, time.axis = stamps, units, calendar, "time", "T"
        if edges is not None:
            time.bounds = "time_bnds"
            ds.createVariable("time_bnds", "f8", ("time", "bnds"))[:] = np.stack([edges[:-1], edges[1:]], 1)
        for axis, values_, units_ in (("lat", [51.25, 50.75, 50.25], "degrees_north"),
                                      ("lon", [10.25, 10.75, 11.25, 11.75], "degrees_east")):
            coordinate = ds.createVariable(axis, "f8", (axis,))
            coordinate[:], coordinate.units = values_, units_
            coordinate.standard_name = {"lat": "latitude", "lon": "longitude"}[axis]
        variable = ds.createVariable(name, "f4", ("time", "lat", "lon"), fill_value=np.float32(1e20))
        variable[:], variable.units = values, "kg m-2 s-1"


@pytest.mark.skipif(shutil.which("cdo") is None, reason="needs CDO")
@pytest.mark.parametrize("frequency, calendar, reading", [
    pytest.param("monthly", "360_day", "ending", id="360-day-months-since-stamped-at-month-ends-cesm-like"),
    pytest.param("monthly", "360_day", "beginning", id="360-day-months-since-stamped-at-month-starts-isimip-old"),
    pytest.param("monthly", "noleap", "ending", id="noleap-stamped-at-month-ends"),
    pytest.param("monthly", "proleptic_gregorian", "ending", id="proleptic-stamped-at-month-ends"),
    pytest.param("yearly", "360_day", "beginning", id="360-day-years-since-isimip-old-annual"),
])
def test_stamps_on_a_period_s_first_instant_are_refused_in_every_calendar_and_the_advised_copy_pairs_right(
        tmp_path, monkeypatch, capfd, frequency, calendar, reading):
    """break51c A1, A2: a 360_day monthly qtot stamped on the 1st at 00:00 without bounds, beside bounded
    proleptic_gregorian pr, was read as the months its stamps open, with a calendar warning only: stamped at the
    months' ends (1st of the next month, as CESM writes), each qtot was paired with the next month's pr (test linear
    R² -0.031 where qtot = 0.5 pr gives 1), exit 0; the same stamps in proleptic_gregorian were refused as ambiguous.
    ISIMIP's old files (months since 1601-1-1, 360_day; years since for annual ones, refused three times in a row)
    say nothing of which reading is theirs either. Now each is refused in every calendar with the two cdo lines, one
    per reading; the line of the file's reading, run as printed, gives a copy that trains, paired right: qtot = 0.5 pr
    of the same period, so the linear baseline's R² is 1 and its MSE 0, which one period off they are not."""
    from tests.conftest import draw_no_run_figures

    draw_no_run_figures(monkeypatch)
    monkeypatch.chdir(tmp_path)
    yearly = frequency == "yearly"
    n_steps = 16 if yearly else 72
    pr = np.random.default_rng(0).gamma(2, 1e-5, (n_steps, 3, 4)).astype("f4")
    days = "days since 1601-1-1 00:00:00"
    firsts = [cftime.datetime(2015 + (k if yearly else k // 12), 1 if yearly else k % 12 + 1, 1,
                              calendar="proleptic_gregorian") for k in range(n_steps + 1)]
    edges = cftime.date2num(firsts, days, "proleptic_gregorian")
    _period_file(tmp_path / "pr.nc", "pr", pr, (edges[:-1] + edges[1:]) / 2, days, "proleptic_gregorian", edges)
    (tmp_path / "model").mkdir()
    first = 1 if reading == "ending" else 0  # the stamp of pr's first period: its start, or its end
    if calendar == "360_day":  # ISIMIP's old units: counted months (years) since 1601-1-1
        units = f"{'years' if yearly else 'months'} since 1601-1-1 00:00:00"
        stamps = np.arange(n_steps) + first + (2015 - 1601) * (1 if yearly else 12)
    else:
        units = days
        stamps = cftime.date2num([cftime.datetime(d.year, d.month, 1, calendar=calendar) for d in firsts],
                                 days, calendar)[first:first + n_steps]
    _period_file(tmp_path / "model" / "qtot.nc", "qtot", 0.5 * pr, stamps, units, calendar)
    train = ["train", "--target", "qtot", "--predictors", "pr", "--features", "", "--epochs", "1"]
    refused = run_main(*train, "--data", "pr.nc", "--data", "model/qtot.nc", capfd=capfd, monkeypatch=monkeypatch)
    code, err = refused.returncode, refused.stderr
    assert code == 2 and not (tmp_path / "runs").exists()
    (line,) = [line for line in err.splitlines() if line.startswith("climann: error:")]
    period = "year" if yearly else "month"
    assert line.startswith(f"climann: error: qtot.nc stamps qtot {'on 1 January' if yearly else 'on the 1st'} at "
                           "00:00 without time bounds")
    assert "climann does not guess" in line
    # xarray writes no 'months since' and reads no 'years since': its line is left out for those files only
    counted = calendar == "360_day"
    assert ("(no xarray line: xarray does not write times in calendar" in line) is counted
    assert ("without cdo, with xarray" in line) is not counted
    lines = dict(re.findall(rf"if (?:each value is )?of the {period} (beginning|ending) [^`]*`([^`]+)`", line))
    assert set(lines) == {"beginning", "ending"}
    subprocess.run(lines[reading], shell=True, check=True, capture_output=True)
    data = shlex.split(re.search(r"then give (--data .+?) in place of", line).group(1))
    assert data == ["--data", "pr.nc", "--data", "model/with_bounds/qtot.nc"]
    trained = run_main(*train, *data, "--out", "run", capfd=capfd, monkeypatch=monkeypatch)
    assert trained.returncode == 0, trained.stderr
    linear = json.loads((tmp_path / "run" / "metrics.json").read_text())["splits"]["test"]["linear"]
    assert 1 - linear["r2"] < 1e-9 and linear["mse"] < 1e-20


@pytest.mark.parametrize("source, target, year", [
    pytest.param("julian", "standard", 2000, id="julian-2000"),
    pytest.param("julian", "proleptic_gregorian", 1900, id="julian-1900"),
    pytest.param("proleptic_gregorian", "standard", 1000, id="proleptic-1000"),
    pytest.param("standard", "proleptic_gregorian", 1000, id="standard-1000"),
])
def test_in_calendar_keeps_each_dates_year_month_day_and_time_of_day(source, target, year):
    """in_calendar relabels as xarray's convert_calendar and cdo setcalendar do: the same year, month,
    day and time of day (fix53l: it kept cftime's instant, julian 2000-01-01 → standard 2000-01-14, so a
    daily model file would pair 13 days off with observations of the same dates), bounds too."""
    import xarray as xr

    from climann.data.calendars import in_calendar

    first = cftime.datetime(year, 3, 1, 6, calendar=source)
    times = [first + datetime.timedelta(days=day) for day in range(40)]
    bounds = [[t - datetime.timedelta(hours=6), t + datetime.timedelta(hours=18)] for t in times]
    dataset = xr.Dataset({"tas": ("time", np.arange(40.0)), "time_bnds": (("time", "nv"), bounds)},
                         coords={"time": ("time", times, {"bounds": "time_bnds"})})
    moved = in_calendar(dataset, target)
    names = lambda dates: [(d.year, d.month, d.day, d.hour) for d in np.ravel(dates)]  # noqa: E731
    assert names(moved["time"].values) == [(year, 3 + (day >= 31), day + 1 - 31 * (day >= 31), 6) for day in range(40)]
    assert names(moved["time_bnds"].values) == names(np.asarray(bounds, dtype=object))
    assert {d.calendar for d in np.ravel(moved["time_bnds"].values)} | {d.calendar for d in moved["time"].values} == {target}
    # the date type and year zero of the calendar, as decoded files have them (xarray combines no other)
    assert {type(d) for d in moved["time"].values} == {type(times[0].change_calendar(target))}
    np.testing.assert_array_equal(moved["tas"].values, np.arange(40.0))


def test_in_calendar_refuses_a_date_the_other_calendar_lacks():
    """julian 1900-02-29 has no standard namesake: cftime's ValueError, not a date moved a day."""
    import xarray as xr

    from climann.data.calendars import in_calendar

    times = [cftime.datetime(1900, 2, day, calendar="julian") for day in (28, 29)]
    with pytest.raises(ValueError):
        in_calendar(xr.Dataset(coords={"time": times}), "standard")


@pytest.mark.parametrize("frequency", ["daily", "monthly"])
def test_a_julian_file_of_2000_beside_standard_observations_is_read_as_its_convert_calendar_copy_with_a_warning(
        tmp_path, caplog, frequency):
    """A model's pred in julian (2000-) beside observed tas in standard with the same nominal dates was refused,
    advising xarray's convert_calendar (by year, month and day). From 1900-03-01 to 2100-02-28 the two calendars
    have the same months and leap years (break56b A4: GPM IMERG and the GPCP CDR write "julian" for Gregorian
    dates, and climann's own CDO copies of them came back "standard"): the file is now read as that conversion
    would have given it, with a warning, and the values pair step by step, as numpy pairs their arrays by index."""
    import xarray as xr

    full = grid_dataset(n_years=2)
    steps = full.sizes["time"]
    for name, calendar in (("tas", "standard"), ("pred", "julian")):
        if frequency == "daily":
            first = cftime.datetime(2000, 1, 1, calendar=calendar)
            times = [first + datetime.timedelta(days=day) for day in range(steps)]
        else:
            times = monthly_times(steps // 12, calendar, 2000)
        full[[name]].assign_coords(time=times).to_netcdf(tmp_path / f"{name}.nc")
    with caplog.at_level(logging.WARNING, logger="climann"):
        combined = open_dataset([tmp_path / "tas.nc", tmp_path / "pred.nc"])
    assert any(message.startswith("pred.nc uses the julian calendar and tas.nc the standard calendar: from "
                                  "1900-03-01 to 2100-02-28") for message in _warnings(caplog))
    with xr.open_dataset(tmp_path / "pred.nc", decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)) as model:
        model.convert_calendar("standard").to_netcdf(tmp_path / "pred_standard.nc")
    converted = open_dataset([tmp_path / "tas.nc", tmp_path / "pred_standard.nc"])
    assert combined.sizes["time"] == steps
    assert list(combined["time"].values) == list(converted["time"].values)
    np.testing.assert_array_equal(combined["tas"].values, full["tas"].values)
    np.testing.assert_array_equal(combined["pred"].values, full["pred"].values)


def _one_day_files(dataset, folder, calendar, first, units="days since 1970-01-01"):
    """Each day of ``dataset`` (its ``time`` replaced by days from ``first``, a (y, m, d), in ``calendar``) in a
    file of its own, as GPM IMERG's 3B-DAY files (calendar "julian") are written; the numbers stored, by day."""
    folder.mkdir()
    start = cftime.datetime(*first, calendar=calendar)
    dates = [start + datetime.timedelta(days=day) for day in range(dataset.sizes["time"])]
    for day, date in enumerate(dates):
        dataset.isel(time=[day]).assign_coords(time=[date]).to_netcdf(
            folder / f"{date.year:04d}{date.month:02d}{date.day:02d}.nc",
            encoding={"time": {"units": units, "calendar": calendar}})
    return cftime.date2num(dates, units, calendar=calendar)


@pytest.mark.parametrize("series", [pytest.param("standard", id="beside-standard"),
                                    pytest.param("proleptic_gregorian", id="beside-proleptic-gregorian")])
def test_julian_files_of_1900_to_2100_are_read_by_their_dates_beside_a_gregorian_series_with_one_warning(
        tmp_path, caplog, series):
    """break56b A4: GPM IMERG's 3B-DAY files (calendar "julian") beside climann's own advised CDO copy of the
    3B-HHR files (CDO writes julian as "standard") were refused, "their dates cannot be aligned". From 1900-03-01
    to 2100-02-28 the two calendars have the same months and leap years: each julian date, 2020-02-29 among them,
    is read as the date of the same name, its days since 1970-01-01 (the numbers stored) unchanged, with one
    warning for all the files."""
    full = grid_dataset(n_years=2)
    _daily_in_calendar(full[["tas"]], series, 2020).assign_coords(
        time=[cftime.datetime(2020, 2, 20, calendar=series) + datetime.timedelta(days=day) for day in range(24)]
    ).to_netcdf(tmp_path / "tas.nc")
    stored = _one_day_files(full[["pred"]], tmp_path / "day", "julian", (2020, 2, 20))
    with caplog.at_level(logging.WARNING, logger="climann"):
        combined = open_dataset([tmp_path / "tas.nc", *sorted((tmp_path / "day").glob("*.nc"))])
    np.testing.assert_array_equal(cftime.date2num(combined["time"].values, "days since 1970-01-01", calendar=series),
                                  stored)
    assert (combined["time"].values[9].month, combined["time"].values[9].day) == (2, 29)
    np.testing.assert_array_equal(combined["pred"].values, full["pred"].values)
    np.testing.assert_array_equal(combined["tas"].values, full["tas"].values)
    said = [message for message in _warnings(caplog) if "julian calendar" in message]
    assert len(said) == 1 and said[0].startswith(f"24 files (20200220.nc, …) use the julian calendar and tas.nc the "
                                                 f"{series} calendar: from 1900-03-01 to 2100-02-28"), said


@pytest.mark.parametrize(("first", "units"), [
    pytest.param((1899, 12, 20), "days since 1899-12-01", id="dates-before-1900-03-01"),
    pytest.param((2020, 2, 20), "days since 1800-01-01", id="units-counting-from-1800"),
])
def test_julian_files_outside_1900_to_2100_stay_refused_beside_a_standard_series(tmp_path, first, units):
    """Julian 1900-02-29 has no standard namesake, and from an epoch of 1800 a julian count of days names dates 12
    days from the standard count's: outside 1900-03-01 to 2100-02-28 the calendars are refused as before."""
    full = grid_dataset(n_years=2)
    start = cftime.datetime(*first, calendar="standard")
    full[["tas"]].assign_coords(time=[start + datetime.timedelta(days=day) for day in range(24)]).to_netcdf(
        tmp_path / "tas.nc")
    _one_day_files(full[["pred"]], tmp_path / "day", "julian", first, units)
    with pytest.raises(ClimannError, match="cannot be aligned without a choice"):
        open_dataset([tmp_path / "tas.nc", *sorted((tmp_path / "day").glob("*.nc"))])


@pytest.mark.parametrize(("first", "units"), [
    pytest.param((1899, 12, 20), "days since 1899-12-01", id="dates-before-1900-03-01"),
    pytest.param((2020, 2, 20), "days since 1800-01-01", id="units-counting-from-1800"),
])
def test_the_julian_refusal_prints_the_conversion_line_and_its_copy_run_by_bash_combines(
        tmp_path, monkeypatch, first, units):
    """fix57d: outside 1900-03-01 to 2100-02-28 the refusal of julian files beside a standard file said "xarray's
    Dataset.convert_calendar('julian')" in words alone (CDO has no julian calendar): nothing to paste. It now ends
    with the line that writes the standard file's copy in julian (the side of fewer files) into a new folder; run
    by bash as printed, the copy holds the original's values and its dates' names (numpy), the original's folder
    holds the originals and the new folder only, and the copy given in the original's place combines with the
    julian files, each value where it was."""
    monkeypatch.chdir(tmp_path)
    full = grid_dataset(n_years=2)
    start = cftime.datetime(*first, calendar="standard")
    dates = [start + datetime.timedelta(days=day) for day in range(24)]
    full[["tas"]].assign_coords(time=dates).to_netcdf("tas.nc")
    _one_day_files(full[["pred"]], tmp_path / "day", "julian", first, units)
    days = sorted((tmp_path / "day").glob("*.nc"))
    with pytest.raises(ClimannError) as refused:
        open_dataset([tmp_path / "tas.nc", *days])
    message = str(refused.value)
    assert "e.g. tas.nc to julian (xarray's Dataset.convert_calendar('julian')" in message, message
    printed = run_one_copy(message, tmp_path, env={**os.environ, "PATH": shell_path()})
    assert shlex.split(without_guards(printed["command"]))[3:5] == ["&&", shlex.split(shell.advised_python())[0]]
    assert (printed["folder"], printed["copy"], printed["original"]) == ("julian", "julian/tas.nc", "tas.nc")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["day", "julian", "tas.nc"]
    assert [path.name for path in (tmp_path / "julian").iterdir()] == ["tas.nc"]
    with xr.open_dataset("julian/tas.nc", decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)) as copy:
        assert copy["time"].encoding["calendar"] == "julian"
        assert [(d.year, d.month, d.day) for d in copy["time"].values] == [(d.year, d.month, d.day) for d in dates]
        np.testing.assert_array_equal(copy["tas"].values, full["tas"].values[:24])
    combined = open_dataset([tmp_path / "julian" / "tas.nc", *days])
    assert [(d.year, d.month, d.day) for d in combined["time"].values] == [(d.year, d.month, d.day) for d in dates]
    np.testing.assert_array_equal(combined["tas"].values, full["tas"].values[:24])
    np.testing.assert_array_equal(combined["pred"].values, full["pred"].values[:24])


@pytest.mark.skipif(shutil.which("cdo") is None, reason="needs CDO")
def test_the_calendar_refusal_converts_every_file_of_the_side_with_fewer_and_the_loop_run_as_printed_combines(
        tmp_path, monkeypatch):
    """break56b A3: the refusal converted one file of sixty, the others "given as before" in their calendar and
    each refused in turn. Three noleap files (the series) beside four standard ones: every noleap file is converted,
    the side of fewer files, in one loop; run as printed, its copies combine with the standard files, each value
    the original's (numpy), and the originals' folder holds the originals and the new folder only."""
    monkeypatch.chdir(tmp_path)
    full = grid_dataset(n_years=2)
    (tmp_path / "model").mkdir()
    (tmp_path / "obs").mkdir()
    days = _daily_in_calendar(full[["tas"]], "noleap", 2001)
    for part in range(3):
        days.isel(time=slice(8 * part, 8 * part + 8)).to_netcdf(tmp_path / "model" / f"tas_{part}.nc")
    observed = _daily_in_calendar(full[["pred"]], "standard", 2001)
    for part in range(4):
        observed.isel(time=slice(6 * part, 6 * part + 6)).to_netcdf(tmp_path / "obs" / f"pred_{part}.nc")
    models, obs = sorted((tmp_path / "model").glob("*.nc")), sorted((tmp_path / "obs").glob("*.nc"))
    with pytest.raises(ClimannError) as raised:
        open_dataset([*models, *obs])
    message = str(raised.value)
    assert "e.g. the 3 files in the noleap calendar to standard " in message, message
    line = re.search(r"`([^`]*for f in [^`]*cdo setcalendar,standard[^`]*)`", message).group(1)
    data = re.search(r"then give --data (\S+) in place of the originals", message).group(1)
    subprocess.run(line, shell=True, check=True, capture_output=True, executable="/bin/bash")
    assert sorted(path.name for path in (tmp_path / "model").iterdir()) == ["standard", *(p.name for p in models)]
    copies = sorted((tmp_path / "model" / "standard").glob("*.nc"))
    assert [path.name for path in copies] == [path.name for path in models] and shlex.split(data)[0].endswith("*.nc")
    combined = open_dataset([*copies, *obs])
    np.testing.assert_array_equal(combined["tas"].values, full["tas"].values)
    np.testing.assert_array_equal(combined["pred"].values, full["pred"].values)


def test_no_cdo_calendar_line_for_a_grid_cdo_reads_as_generic(tmp_path):
    """break56b A3: ``cdo setcalendar`` on the GPCP CDR's layout (``latitude(nlat)``, ``longitude(nlon)``) wrote a copy
    without latitude and longitude. The refusal names the xarray way alone, and says why."""
    import xarray as xr

    full = grid_dataset(n_years=2)
    days = _daily_in_calendar(full[["tas"]], "noleap", 2001)
    gpcp = xr.Dataset({"tas": (("time", "nlat", "nlon"), days["tas"].values),
                       "latitude": ("nlat", days["lat"].values, {"units": "degrees_north"}),
                       "longitude": ("nlon", days["lon"].values, {"units": "degrees_east"})},
                      coords={"time": days["time"].values})
    gpcp.to_netcdf(tmp_path / "gpcp.nc")
    _daily_in_calendar(full[["pred"]], "standard", 2001).to_netcdf(tmp_path / "obs.nc")
    with pytest.raises(ClimannError) as raised:
        open_dataset([tmp_path / "obs.nc", tmp_path / "gpcp.nc"])
    message = str(raised.value)
    assert "e.g. gpcp.nc to standard (no cdo setcalendar" in message, message
    assert "setcalendar" not in message.replace("no cdo setcalendar: CDO reads the grid of", ""), message
    assert "no cdo setcalendar: CDO reads the grid of" in message and "convert_calendar('" in message, message
