"""Forecast values that are statistics over a window of lead times (break31a A1): GRIB ``avg``,
``max``, ``min`` over the step before, ``accum`` from the start, ``cell_methods`` with lead bounds."""

import logging
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from climann.data import shell
from climann.data.notes import forget_notes
from climann.data.open import open_dataset
from climann.data.subset import select_values
from climann.errors import ClimannError
from tests.forecast_files import observed_week_means, s2s_daily_pair, weekly_lead_pair, with_day_bounds
from tests.fresh_python import shell_path
from tests.followed_twice import run_one_copy, without_guards

#: The environment of a printed line run by bash: its ``python`` is this test's.
THIS_PYTHON = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}

LEAD = "21 days"


def _opened_and_selected(files, select: dict):
    """As a run reads its files: opened with its selection, then selected."""
    return select_values(open_dataset(files, select=select), select)


def _observations_of(observations, days: np.ndarray):
    """The daily observations at ``days`` (00:00 stamps), with the bounds of the days they open."""
    return with_day_bounds(observations.sel(time=days))


@pytest.mark.parametrize("step_type", ["avg", "max", "min"])
def test_a_daily_statistic_is_paired_with_the_observation_of_the_day_it_covers(tmp_path, step_type):
    """An S2S daily mean at step 504 h (valid 00:00 of day ref + 21) is the mean of day ref + 20.
    Beside the observations of those days (with day bounds) each forecast equals the observation
    it is paired with (the fixture's forecast is that observation). Before: refused, "every step
    of t2m_fc lies 24:00 after the step of t2m"."""
    forecast, observations = s2s_daily_pair(step_type)
    forecast.to_netcdf(tmp_path / "s2s.nc")
    covered = forecast["valid_time"].sel(step=np.timedelta64(21, "D")).values - np.timedelta64(1, "D")
    _observations_of(observations, covered).to_netcdf(tmp_path / "obs.nc")
    selected = _opened_and_selected([tmp_path / "s2s.nc", tmp_path / "obs.nc"], {"step": LEAD})
    np.testing.assert_array_equal(selected["t2m_fc"].transpose("time", ...).values,
                                  observations["t2m"].sel(time=covered).values)
    np.testing.assert_array_equal(selected["t2m_fc"].values, selected["t2m"].values)


def test_a_daily_mean_beside_unbounded_observations_at_its_valid_times_is_refused(tmp_path):
    """The observations stamped at the forecast's valid times (00:00 of the day after the mean)
    without bounds: the stamp may open that day or close the one before; read as the forecast's
    cell it paired each mean with the next day's observation (exit 0). Refused, naming the bounds."""
    forecast, observations = s2s_daily_pair("avg")
    forecast.to_netcdf(tmp_path / "s2s.nc")
    observations.sel(time=forecast["valid_time"].sel(step=np.timedelta64(21, "D")).values).to_netcdf(
        tmp_path / "obs.nc")
    with pytest.raises(ClimannError, match=r"stamps t2m at 00:00 without time bounds.*t2m_fc's days are known"):
        open_dataset([tmp_path / "s2s.nc", tmp_path / "obs.nc"], select={"step": LEAD})


def test_a_total_from_the_start_over_several_steps_is_refused_and_its_advice_gives_each_days_total(tmp_path):
    """``tp`` accumulated from the forecast start (GRIB ``accum``) at 21 days is a 21-day total,
    trained on silently beside daily observations before. Refused; the printed line, run as
    printed, writes each step's own total (bounded by the step before), which is then paired
    with the observation of its day and equals it (the fixture's accumulations are running sums
    of the observations)."""
    forecast, observations = s2s_daily_pair("accum")
    forecast.to_netcdf(tmp_path / "s2s_tp.nc")
    covered = forecast["valid_time"].sel(step=np.timedelta64(21, "D")).values - np.timedelta64(1, "D")
    _observations_of(observations, covered).to_netcdf(tmp_path / "obs.nc")
    files = [tmp_path / "s2s_tp.nc", tmp_path / "obs.nc"]
    with pytest.raises(ClimannError, match=r"the total from the forecast start \(ECMWF.s forecasts: S2S, ENS, ERA5-Land.s from 00 UTC\), over 21 days, which is not one step of the series of forecast starts") as refused:
        open_dataset(files, select={"step": LEAD})
    followed = run_one_copy(str(refused.value), tmp_path, env=THIS_PYTHON)  # as printed, by bash
    assert followed["copy"] == str(tmp_path / "step_totals" / "s2s_tp.nc"), followed
    selected = _opened_and_selected([followed["copy"], tmp_path / "obs.nc"], {"step": LEAD})
    np.testing.assert_allclose(selected["t2m_fc"].values, selected["t2m"].values, atol=2e-3)
    np.testing.assert_allclose(selected["t2m"].values, observations["t2m"].sel(time=covered).values)


def test_totals_from_the_start_in_several_files_are_each_written_as_step_totals_into_a_new_folder(tmp_path):
    """break54c A2: S2S reforecasts of ``tp`` (totals from the start), one file per start, given as
    ``tp/*.nc``. The printed line converted the FIRST file alone and wrote its copy into ``tp/``,
    which the same glob then took with the originals (refused again, "…_step_totals_2.nc"). Now
    one loop writes each file's per-step totals into ``tp/step_totals/``; run as printed, every
    copy holds numpy's differences of consecutive steps, and the ``--data`` it advises is read."""
    forecast, observations = s2s_daily_pair("accum")
    folder = tmp_path / "tp"
    folder.mkdir()
    parts = [forecast.isel(time=slice(start, start + 4)) for start in (0, 4, 8)]
    for number, part in enumerate(parts):
        part.to_netcdf(folder / f"s2s_tp_{number}.nc")
    covered = forecast["valid_time"].sel(step=np.timedelta64(21, "D")).values[:12] - np.timedelta64(1, "D")
    _observations_of(observations, covered).to_netcdf(tmp_path / "obs.nc")
    given = sorted(folder.glob("*.nc"))
    with pytest.raises(ClimannError, match=r"GRIB accumulations") as refused:
        open_dataset([*given, tmp_path / "obs.nc"], select={"step": LEAD})
    message = str(refused.value)
    loop = re.search(r"(mkdir -p \S+ && \( for f in \S+; do .*?; done \)) \(a copy of each of its 3 files in a new folder\), "
                     r"then give --data (\S+) in place of the originals", message)
    assert loop is not None, message
    assert shlex.split(loop.group(2)) == [f"{folder}/step_totals/*.nc"], loop.group(2)
    subprocess.run(["bash", "-c", loop.group(1)], check=True, capture_output=True, cwd=tmp_path, env=THIS_PYTHON)
    assert sorted(path.name for path in folder.glob("*.nc")) == [path.name for path in given]  # nothing beside them
    for number, part in enumerate(parts):
        with xr.open_dataset(folder / "step_totals" / f"s2s_tp_{number}.nc", decode_timedelta=False) as written:
            totals = part["t2m_fc"].values.astype(np.float64)
            np.testing.assert_allclose(written["t2m_fc"].values, np.diff(totals, axis=1), rtol=1e-5, atol=1e-3)
            with xr.open_dataset(folder / f"s2s_tp_{number}.nc", decode_timedelta=False) as original:
                stored = original["step"].values
            np.testing.assert_array_equal(written["step_bnds"].values, np.stack([stored[:-1], stored[1:]], -1))
    with pytest.raises(ClimannError) as again:  # the originals given again: the copies written before are given
        open_dataset([*given, tmp_path / "obs.nc"], select={"step": LEAD})
    assert "step_totals_2" not in str(again.value) and "mkdir" not in str(again.value)  # no second folder (fix55d)
    assert str(again.value).endswith(
        f"not from the start), they are written already, most likely by the line advised before: {folder}/step_totals "
        f"holds the copies of its 3 files with each lead step's total (step_bnds); give --data "
        f"'{folder}/step_totals/*.nc' in place of the originals; if your values are totals over the step before "
        "already (ERA5's hourly totals), give 'step' CF bounds that say so (step_bnds = [previous step, step])")
    data = shlex.split(str(again.value).split("give --data ")[1].split(" in place of")[0])
    copies = sorted(Path(data[0]).parent.glob(Path(data[0]).name))  # the --data given, as the shell expands it
    assert [path.name for path in copies] == [path.name for path in given]
    selected = _opened_and_selected([*copies, tmp_path / "obs.nc"], {"step": LEAD})
    np.testing.assert_allclose(selected["t2m_fc"].values, selected["t2m"].values, atol=2e-3)
    np.testing.assert_allclose(selected["t2m"].values, observations["t2m"].sel(time=covered).values)


def test_the_first_step_of_a_total_is_the_total_of_its_own_day(tmp_path):
    """At the first step (24 h) a total from the start is the total of the start's day: read."""
    forecast, observations = s2s_daily_pair("accum")
    forecast.to_netcdf(tmp_path / "s2s_tp.nc")
    starts = forecast["time"].values
    _observations_of(observations, starts).to_netcdf(tmp_path / "obs.nc")
    selected = _opened_and_selected([tmp_path / "s2s_tp.nc", tmp_path / "obs.nc"], {"step": "1 days"})
    np.testing.assert_array_equal(selected["t2m_fc"].values, selected["t2m"].values)


def test_a_time_mean_said_only_in_cell_methods_needs_bounds_of_the_lead_time(tmp_path):
    """``cell_methods = "time: mean"`` and no GRIB step type: over which window of lead times is
    not said; refused with the bounds to give. With ``step_bnds`` = [step − 24 h, step] it is read
    as the avg fixture is, and paired with the observation of the day it covers."""
    forecast, observations = s2s_daily_pair("avg")
    forecast["t2m_fc"].attrs = {"units": "K", "cell_methods": "time: mean"}
    forecast.to_netcdf(tmp_path / "s2s.nc")
    covered = forecast["valid_time"].sel(step=np.timedelta64(21, "D")).values - np.timedelta64(1, "D")
    _observations_of(observations, covered).to_netcdf(tmp_path / "obs.nc")
    with pytest.raises(ClimannError, match=r"cell_methods 'time: mean'.*give 'step' CF bounds"):
        open_dataset([tmp_path / "s2s.nc", tmp_path / "obs.nc"], select={"step": LEAD})
    hours = forecast["step"].values / np.timedelta64(1, "h")
    bounded = forecast.assign_coords(step=("step", hours, {"standard_name": "forecast_period", "units": "hours",
                                                          "bounds": "step_bnds"}))
    bounded["step_bnds"] = (("step", "bnds"), np.stack([hours - 24, hours], axis=-1))
    bounded.to_netcdf(tmp_path / "s2s_bounded.nc")
    selected = _opened_and_selected([tmp_path / "s2s_bounded.nc", tmp_path / "obs.nc"], {"step": LEAD})
    np.testing.assert_array_equal(selected["t2m_fc"].values, selected["t2m"].values)


def _one_lead(forecast, layout: str):
    """The first lead time of ``forecast`` alone: a scalar ``step`` beside ``valid_time(time)``
    (cfgrib's layout of one lead time, GloFAS's ``dis24``) or a ``step`` dimension of length 1."""
    return forecast.isel(step=0) if layout == "scalar" else forecast.isel(step=[0])


def _dates(values) -> np.ndarray:
    """cftime dates (as climann opens them) as datetime64[ns], to compare with the fixture's."""
    return np.array([np.datetime64(value.isoformat()) for value in np.ravel(values)],
                    "datetime64[ns]").reshape(np.shape(values))


def _s2s_one_day(step_type: str):
    """:func:`s2s_daily_pair` with two lead times (1 and 2 days); ``"accum-bounded"``: the
    accumulation with CF bounds of its lead time from the start ([0, step] hours), which say its
    window (one lead time of an ``accum`` past 1 hour does not: S2S totals are from the start,
    ERA5's over the hour before the step)."""
    forecast, observations = s2s_daily_pair(step_type.removesuffix("-bounded"), steps=2)
    if step_type.endswith("-bounded"):
        hours = forecast["step"].values / np.timedelta64(1, "h")
        forecast = forecast.assign_coords(step=("step", hours, {"standard_name": "forecast_period", "units": "hours",
                                                                "bounds": "step_bnds"}))
        forecast["step_bnds"] = (("step", "bnds"), np.stack([np.zeros_like(hours), hours], axis=-1))
    return forecast, observations


ONE_LEAD_LAYOUTS = [pytest.param("scalar", id="scalar-step"), pytest.param("length-1", id="step-dimension-of-1")]


@pytest.mark.parametrize("layout", ONE_LEAD_LAYOUTS)
@pytest.mark.parametrize("step_type", ["avg", "max", "min", "accum-bounded"])
def test_a_statistic_of_one_lead_time_is_paired_with_the_observation_of_the_day_it_covers(
        tmp_path, step_type, layout):
    """A file of one lead time (24 h) whose values are the statistic (or total from the start) of
    the day ending at the valid time is read as that lead chosen: paired with the observation of
    the day before its valid time, and equal to it (the fixture's forecast is that observation).
    Before: read at its valid time without bounds, as the day beginning there (break33a A2,
    GloFAS dis24 a day late)."""
    forecast, observations = _s2s_one_day(step_type)
    _one_lead(forecast, layout).to_netcdf(tmp_path / "one_lead.nc")
    covered = forecast["time"].values  # the start's day: the 24 hours before the valid time
    _observations_of(observations, covered).to_netcdf(tmp_path / "obs.nc")
    opened = open_dataset([tmp_path / "one_lead.nc", tmp_path / "obs.nc"])
    np.testing.assert_array_equal(opened["t2m_fc"].transpose("time", ...).values,
                                  observations["t2m"].sel(time=covered).values)
    np.testing.assert_array_equal(opened["t2m_fc"].values, opened["t2m"].values)


@pytest.mark.parametrize("layout", ONE_LEAD_LAYOUTS)
@pytest.mark.parametrize("step_type", ["avg", "accum-bounded", pytest.param("instant", id="instant-guard")])
def test_one_lead_time_is_dated_as_the_same_lead_chosen_from_several(tmp_path, step_type, layout):
    """One reading of forecast windows: the file of one lead time gets the time axis and bounds
    that ``--select step=1 days`` gives the same values among two lead times (the window
    [reference, valid time] for avg and a bounded accum, stamped at its middle as any bounded cell; the valid
    times without bounds for instants, a guard of what was right before)."""
    forecast, _ = _s2s_one_day(step_type)
    forecast.to_netcdf(tmp_path / "two_leads.nc")
    _one_lead(forecast, layout).to_netcdf(tmp_path / "one_lead.nc")
    alone = open_dataset([tmp_path / "one_lead.nc"])
    first = 24.0 if step_type.endswith("-bounded") else "1 days"  # the bounded lead is in hours
    chosen = open_dataset([tmp_path / "two_leads.nc"], select={"step": first})
    reference, valid = forecast["time"].values, forecast["valid_time"].isel(step=0).values
    stamped = valid if step_type == "instant" else reference + (valid - reference) / 2  # a window's middle
    np.testing.assert_array_equal(_dates(alone["time"].values), stamped)
    np.testing.assert_array_equal(alone["time"].values, chosen["time"].values)
    bounds = alone["time"].attrs.get("bounds")
    assert (bounds is None) == (step_type == "instant") == (chosen["time"].attrs.get("bounds") is None)
    if bounds is not None:
        np.testing.assert_array_equal(_dates(alone[bounds].values), np.stack([reference, valid], axis=-1))
        np.testing.assert_array_equal(alone[bounds].values, chosen[chosen["time"].attrs["bounds"]].values)


#: Global attributes as cfgrib writes them (its ``GLOBAL_ATTRIBUTES_KEYS``, then ``Conventions``
#: and ``institution``) for ECMWF (GloFAS's CEMS-Flood GRIB2, ERA5-Land) and NCEP (GFS, GEFS).
CFGRIB_CENTRES = {
    "ecmf": {"GRIB_edition": 2, "GRIB_centre": "ecmf",
             "GRIB_centreDescription": "European Centre for Medium-Range Weather Forecasts", "GRIB_subCentre": 0,
             "Conventions": "CF-1.7", "institution": "European Centre for Medium-Range Weather Forecasts"},
    "kwbc": {"GRIB_edition": 2, "GRIB_centre": "kwbc", "GRIB_centreDescription": "US National Weather Service - NCEP",
             "GRIB_subCentre": 0, "Conventions": "CF-1.7", "institution": "US National Weather Service - NCEP"},
}

#: The data variables' attributes as cfgrib writes them: GloFAS's dis24 and GFS's APCP (``tp``).
CFGRIB_VARIABLES = {
    "dis24": {"GRIB_paramId": 240024, "GRIB_dataType": "fc", "GRIB_numberOfPoints": 6, "GRIB_typeOfLevel": "surface",
              "GRIB_stepUnits": 1, "GRIB_gridType": "regular_ll", "GRIB_cfVarName": "dis24",
              "GRIB_name": "Mean discharge in the last 24 hours", "GRIB_shortName": "dis24",
              "GRIB_units": "m**3 s**-1", "long_name": "Mean discharge in the last 24 hours", "units": "m**3 s**-1"},
    "tp": {"GRIB_paramId": 228228, "GRIB_dataType": "fc", "GRIB_numberOfPoints": 6, "GRIB_typeOfLevel": "surface",
           "GRIB_stepUnits": 1, "GRIB_gridType": "regular_ll", "GRIB_cfVarName": "tp", "GRIB_name": "Total Precipitation",
           "GRIB_shortName": "tp", "GRIB_units": "kg m**-2", "long_name": "Total Precipitation", "units": "kg m**-2"},
}


def _glofas_daily_totals(step_type: str, starts: np.ndarray, *, name: str = "dis24", centre: str = "ecmf",
                         lead_hours: int = 24) -> tuple[xr.Dataset, np.ndarray]:
    """GloFAS's ``dis24``/ERA5-Land's daily totals (``centre`` ``"ecmf"``) or GFS's ``APCP``
    (``name="tp"``, ``centre="kwbc"``) as cfgrib writes them to NetCDF: ``time`` the reference
    times ``starts``, a scalar ``step`` of ``lead_hours``, ``valid_time`` = time + step, the
    variable's and the file's GRIB attributes, ``GRIB_stepType = step_type``; each value a total
    (random, returned)."""
    values = np.random.default_rng(3).gamma(2.0, 50.0, (starts.size, 2, 3)).astype("float32")
    lead = np.timedelta64(lead_hours, "h").astype("timedelta64[ns]")
    forecast = xr.Dataset(
        {name: (("time", "latitude", "longitude"), values, {**CFGRIB_VARIABLES[name], "GRIB_stepType": step_type})},
        coords={"time": ("time", starts, {"long_name": "initial time of forecast",
                                          "standard_name": "forecast_reference_time"}),
                "step": ((), lead, {"long_name": "time since forecast_reference_time",
                                    "standard_name": "forecast_period"}),
                "surface": ((), 0.0, {"long_name": "original GRIB coordinate for key: level(surface)", "units": "1"}),
                "valid_time": ("time", starts + lead, {"standard_name": "time", "long_name": "time"}),
                "latitude": ("latitude", [50.05, 49.95], {"units": "degrees_north", "standard_name": "latitude",
                                                          "long_name": "latitude"}),
                "longitude": ("longitude", [10.05, 10.15, 10.25], {"units": "degrees_east",
                                                                   "standard_name": "longitude",
                                                                   "long_name": "longitude"})},
        attrs=CFGRIB_CENTRES[centre])
    return forecast, values


@pytest.mark.parametrize("step_type", ["accum", "avg"])
def test_a_day_from_each_days_start_is_dated_by_its_day_whatever_its_step_type(tmp_path, step_type):
    """rerun33 R1: GloFAS's dis24 (and ERA5-Land's daily totals) with GRIB_stepType accum, one lead time of 1 day
    from daily 00 UTC starts and no lead bounds, was read at its valid time as the day beginning there (a day late:
    the test block of a 2000-2003 series was the one step 2004-01-01); avg was right (break33a A2). A lead of a day
    equal to the starts' spacing is the total over [start, valid time] either way: dated by the start's day."""
    starts = np.arange("2000-01-01", "2000-03-01", dtype="datetime64[D]").astype("datetime64[ns]")
    forecast, values = _glofas_daily_totals(step_type, starts)
    forecast.to_netcdf(tmp_path / "glofas.nc")
    opened = open_dataset([tmp_path / "glofas.nc"])
    bounds = opened[opened["time"].attrs["bounds"]]
    np.testing.assert_array_equal(_dates(bounds.values), np.stack([starts, starts + np.timedelta64(1, "D")], -1))
    np.testing.assert_array_equal(opened["dis24"].transpose("time", ...).values, values)


def test_the_warning_on_a_daily_forecasts_dates_speaks_of_its_windows_and_valid_time(tmp_path, caplog):
    """rerun33 R3a: GloFAS's dis24 (no time bounds; climann's windows of one day from the lead time) was warned of as
    'time stamps at the ends of their time_bnds cells (…, as CESM history files stamp means)' and 'prediction files
    keep the file's times', while the file's time is the reference time and predictions.nc keeps valid_time."""
    forget_notes()
    starts = np.arange("2000-01-01", "2000-03-01", dtype="datetime64[D]").astype("datetime64[ns]")
    forecast, _ = _glofas_daily_totals("avg", starts)
    forecast.to_netcdf(tmp_path / "glofas_avg.nc")
    with caplog.at_level(logging.WARNING, logger="climann"):
        open_dataset([tmp_path / "glofas_avg.nc"])
    [said] = [record.getMessage() for record in caplog.records if "windows of lead time" in record.getMessage()]
    assert "CESM" not in said and "time_bnds cells" not in said
    assert said.startswith("glofas_avg.nc: daily values over the windows of lead time that GRIB_stepType 'avg' and "
                           "the lead time 'step' give (the file has no time bounds of its valid times), stamped "
                           "(valid_time) at the ends of their windows (2000-01-02 for 2000-01-01 to 2000-01-02, …)")  # the first
    assert "(2000-01-31 12:00; CF 7.1): the value stamped 2000-02-01 counts in January 2000" in said
    assert said.endswith("prediction files keep the file's stamps (valid_time) as their time, with these windows as "
                         "time_bnds")


DAILY_STARTS = np.arange("2000-01-01", "2000-03-01", dtype="datetime64[D]").astype("datetime64[ns]")


def _refusal(path) -> str:
    with pytest.raises(ClimannError) as refused:
        open_dataset([path])
    return str(refused.value)


@pytest.mark.parametrize(("centre", "start_hour", "lead_hours"), [
    pytest.param("kwbc", 0, 24, id="gfs-24h-bucket-from-daily-starts"),
    pytest.param("kwbc", 18, 6, id="gfs-6h-lead"),
    pytest.param("ecmf", 18, 6, id="era5-6h-lead"),
    pytest.param("ecmf", 0, 48, id="ecmwf-48h-lead-from-daily-starts"),
])
def test_a_total_at_one_lead_whose_window_the_file_does_not_tell_is_refused(tmp_path, centre, start_hour,
                                                                             lead_hours):
    """fix34c: GFS's APCP at 24 h is the 18-24 h bucket, but a NetCDF copy keeps no step range, and a lead of a day
    equal to the starts' spacing was read as the day's total (4x the bucket, exit 0); a 6-hour lead (GFS's 0-6 h,
    ERA5's hour before the step, ECMWF's 6 h from the start) was left undated without a word. Each is refused in one
    line naming both readings and the line that writes the lead's bounds."""
    starts = DAILY_STARTS + np.timedelta64(start_hour, "h")
    forecast, _ = _glofas_daily_totals("accum", starts, name="tp", centre=centre, lead_hours=lead_hours)
    forecast.to_netcdf(tmp_path / "tp.nc")
    message = _refusal(tmp_path / "tp.nc")
    assert "total from the forecast start" in message and "last bucket" in message
    assert f"GRIB_centre '{centre}'" in message and "step_bnds" in message and "\n" not in message


def _bucket_bounded_copy(tmp_path, message: str, lower: str | None = None) -> str:
    """Run the refusal's Python line as printed, by bash, LOWER the start of the last 6-hour bucket the message gives
    (or ``lower``): its copy, written under the file's name into the new folder lead_bounded/, nothing beside the file
    (fix56b: X_bounded.nc was written there, and a glob over the folder took both)."""
    command = re.search(r"`([^`]*python -c [^`]*)`", message).group(1)
    lower = lower if lower is not None else re.search(r"\((\S+) for 6-hour buckets", message).group(1)
    words = shlex.split(command)
    assert words[:3] == ["mkdir", "-p", str(tmp_path / "lead_bounded")] and words[-1] == "LOWER", command
    assert " (its copy in a new folder), then give --data " in message
    before = sorted(path.name for path in tmp_path.iterdir())
    subprocess.run(["bash", "-c", command.removesuffix("LOWER") + lower], check=True, capture_output=True,
                   cwd=tmp_path, env={**os.environ, "PATH": shell_path()})
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted([*before, "lead_bounded"])
    assert words[-2] == str(tmp_path / "lead_bounded" / Path(words[-3]).name)
    return words[-2]


def test_the_printed_line_bounds_gfs_last_bucket_and_the_copy_trains_on_it(tmp_path):
    """The way out, run as printed with the bucket's start (18 h of a 24 h lead, given in the lead's units), writes a
    copy whose values are dated by [start + 18 h, start + 24 h]; climann trains on it and keeps those cells."""
    from typer.testing import CliRunner

    from climann.cli import app

    forecast, values = _glofas_daily_totals("accum", DAILY_STARTS, name="tp", centre="kwbc")
    forecast.to_netcdf(tmp_path / "gfs.nc")
    copy = tmp_path / _bucket_bounded_copy(tmp_path, _refusal(tmp_path / "gfs.nc"))
    opened = open_dataset([copy])
    expected = np.stack([DAILY_STARTS + np.timedelta64(18, "h"), DAILY_STARTS + np.timedelta64(24, "h")], -1)
    np.testing.assert_array_equal(_dates(opened[opened["time"].attrs["bounds"]].values), expected)
    np.testing.assert_array_equal(opened["tp"].transpose("time", ...).values, values)
    run = tmp_path / "run"
    result = CliRunner().invoke(app, ["train", "--data", str(copy), "--target", "tp", "--predictors", "",
                                      "--features", "lat,season", "--epochs", "1", "--hidden", "2", "--out", str(run),
                                      "--quiet", "--set", "evaluation.figures=false"])  # no figure is looked at
    assert result.exit_code == 0, result.output
    with xr.open_dataset(run / "predictions.nc") as predictions:
        np.testing.assert_array_equal(predictions[predictions["time"].attrs["bounds"]].values, expected)


def test_the_printed_line_with_lower_0_dates_a_total_from_the_start(tmp_path):
    """The other reading: LOWER 0 bounds the lead [0, 24 h], the day from each start (as for ECMWF's)."""
    forecast, _ = _glofas_daily_totals("accum", DAILY_STARTS, name="tp", centre="kwbc")
    forecast.to_netcdf(tmp_path / "gfs.nc")
    opened = open_dataset([_bucket_bounded_copy(tmp_path, _refusal(tmp_path / "gfs.nc"), "0")])
    np.testing.assert_array_equal(_dates(opened[opened["time"].attrs["bounds"]].values),
                                  np.stack([DAILY_STARTS, DAILY_STARTS + np.timedelta64(1, "D")], -1))


def _gfs_with_t2m(tmp_path) -> tuple[str, np.ndarray]:
    """GFS's APCP at 24 h with t2m (instant) beside it, as cfgrib writes both to one NetCDF file."""
    forecast, values = _glofas_daily_totals("accum", DAILY_STARTS, name="tp", centre="kwbc")
    forecast["t2m"] = (forecast["tp"] * 0 + 280.0).assign_attrs(units="K", GRIB_stepType="instant", GRIB_shortName="2t")
    forecast.to_netcdf(tmp_path / "gfs.nc")
    return "gfs.nc", values


@pytest.mark.parametrize(("lower", "said"), [
    pytest.param("0.75", "tp: totals over lead times 0.75 to 1 days (step_bnds)", id="the-18-24h-bucket"),
    pytest.param("0", "tp: totals from the start to lead time 1 days (step_bnds)", id="from-the-start"),
])
def test_a_bounded_total_beside_an_instant_value_is_refused_naming_what_the_bounds_say(tmp_path, lower, said):
    """rerun34 F3: after the GFS advice wrote step_bnds [0.75, 1] days (the 18-24 h bucket), the refusal of tp beside
    t2m called tp "totals from the start"."""
    name, _ = _gfs_with_t2m(tmp_path)
    message = _refusal(Path(_bucket_bounded_copy(tmp_path, _refusal(tmp_path / name), lower)))
    assert f"holds forecasts of different kinds of time ({said}, t2m: values at their valid times)" in message
    assert "\n" not in message


def test_the_xarray_line_of_the_kinds_refusal_writes_a_file_that_keeps_the_bucket(tmp_path):
    """The refusal's advice was `cdo selname` alone, and CDO may be absent: its xarray line, run as printed, writes
    tp alone with its lead bounds, dated by the 18-24 h bucket, the values the file's."""
    name, values = _gfs_with_t2m(tmp_path)
    copy = Path(_bucket_bounded_copy(tmp_path, _refusal(tmp_path / name)))
    message = _refusal(copy)
    selected = copy.parent / "selected_variables" / "gfs.nc"  # in a new folder (fix56b: gfs_bounded_selected.nc)
    assert (f"`mkdir -p {selected.parent} && cdo selname,tp {copy} {selected}` (its copy in a new folder), then give "
            f"--data {selected} in place of {copy} or, without CDO, `mkdir -p {selected.parent} && {shell.advised_python()} -c "
            in without_guards(message))
    command = re.search(r"without CDO, `([^`]*)`", message).group(1)
    subprocess.run(["bash", "-c", command], check=True, capture_output=True, cwd=tmp_path,
                   env={**os.environ, "PATH": shell_path()})  # as printed
    assert sorted(path.name for path in copy.parent.iterdir()) == ["gfs.nc", "selected_variables"]
    opened = open_dataset([selected])
    assert "t2m" not in opened
    expected = np.stack([DAILY_STARTS + np.timedelta64(18, "h"), DAILY_STARTS + np.timedelta64(24, "h")], -1)
    np.testing.assert_array_equal(_dates(opened[opened["time"].attrs["bounds"]].values), expected)
    np.testing.assert_array_equal(opened["tp"].transpose("time", ...).values, values)


WEEK = np.timedelta64(7, "D")


def test_a_weekly_forecast_is_paired_with_the_observed_week_its_lead_bounds_cover(tmp_path):
    """break41c C1: CFSv2-like weekly means at lead 14 days (lead_bnds [7, 14]) are valid at the end of the week they
    cover, the observed weekly means stamped at each week's start with time_bnds [start, start + 7 d]: the same
    cells. They were paired by stamp and refused ('t2m at 2000-01-15 is a value over 2000-01-15 to 2000-01-22 …
    tmp2m paired with it … over 2000-01-08 to 2000-01-15'); the advice, followed, paired each forecast with the
    next week's mean. Now paired by cells: each forecast with the observed mean of [start + 7 d, start + 14 d)."""
    cfs, obs = weekly_lead_pair(tmp_path)
    paired = _opened_and_selected([cfs, obs], {"lead": 14})
    with xr.open_dataset(cfs) as forecast:
        starts, forecasts = forecast["reftime"].values, forecast["tmp2m"].sel(lead=14).values
    np.testing.assert_array_equal(paired["tmp2m"].transpose("time", ...).values, forecasts)
    np.testing.assert_array_equal(paired["t2m"].transpose("time", ...).values, observed_week_means(obs, starts + WEEK))
    # the fixture's forecast is its week's observed mean + 0.5 K + noise of 0.1 K: no other week comes near
    assert np.abs(paired["tmp2m"].values - paired["t2m"].values - 0.5).max() < 0.6


def test_the_warning_on_a_weekly_forecasts_dates_names_its_lead_bounds(tmp_path, caplog):
    """The window of a CF file's forecast comes from its lead_bnds; the warning credited it to 'GRIB_stepType … (the
    file has no time bounds)' of a file with no GRIB step type."""
    forget_notes()
    cfs, _ = weekly_lead_pair(tmp_path)
    with caplog.at_level(logging.WARNING, logger="climann"):
        open_dataset([cfs], select={"lead": 14})
    [said] = [record.getMessage() for record in caplog.records if "windows of lead time" in record.getMessage()]
    assert "GRIB_stepType" not in said
    assert said.startswith("cfs.nc: 7 days values over the windows of lead time that the bounds of the lead time "
                           "'lead' (lead_bnds) give (the file has no time bounds of its valid times), stamped (time) "
                           "at the ends of their windows (2000-01-15 for 2000-01-08 to 2000-01-15, …)"), said  # 1 Jan + 14


def test_observed_weeks_a_day_off_a_forecasts_windows_get_only_the_line_that_moves_their_bounds(tmp_path):
    """A weekly forecast's window is no time bounds of its file: the refusal's line for it read its reference time's
    'bounds' (KeyError 'bounds', break41c C1). Observed weeks stamped and bounded a day late are refused with the one
    line that moves their bounds; run as printed, each forecast is paired with the week it covers."""
    cfs, obs = weekly_lead_pair(tmp_path)
    with xr.open_dataset(obs, decode_times=False) as observed:
        late = observed.load()
    late = late.assign_coords(time=late["time"].copy(data=late["time"].values + 1))  # attributes kept
    late["time_bnds"] = late["time_bnds"].copy(data=late["time_bnds"].values + 1)
    late.to_netcdf(tmp_path / "late.nc")
    with pytest.raises(ClimannError) as refused:
        open_dataset([cfs, tmp_path / "late.nc"], select={"lead": 14})
    message = str(refused.value)
    assert "tmp2m at 2000-01-15 is a value over 2000-01-08 to 2000-01-15 (its window of lead times)" in message
    [line] = re.findall(r"`([^`]*python -c [^`]*)`", message)
    assert "late.nc" in line and "cfs.nc" not in line
    before = sorted(path.name for path in tmp_path.iterdir())
    followed = run_one_copy(message, tmp_path, env={**os.environ, "PATH": shell_path()})  # as printed, by bash
    assert followed["copy"] == str(tmp_path / "bounds_moved" / "late.nc")  # a new folder (fix56b: late_fixed.nc)
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted([*before, "bounds_moved"])
    paired = _opened_and_selected([cfs, followed["copy"]], {"lead": 14})
    with xr.open_dataset(cfs) as forecast:
        starts = forecast["reftime"].values
    np.testing.assert_array_equal(paired["t2m"].transpose("time", ...).values, observed_week_means(obs, starts + WEEK))


def test_era5land_day_total_at_step_24_is_the_day_s_total(tmp_path):
    """break45b A5: ERA5-Land's GRIB (steps 1-24 h from each day's 00 UTC, GRIB_centre ecmf) with --select step=24,
    the day's total, was refused as an S2S/ENS total and its line gave the 23-24 h hour. It is the total over one
    step of the daily series: bounded [start, start + 24 h], each value the sum of that day's hourly amounts."""
    days = np.arange("2001-01-01", "2001-01-11", dtype="datetime64[D]").astype("datetime64[ns]")
    hourly = np.random.default_rng(5).gamma(0.5, 1e-3, (days.size, 24, 2, 3))
    lead = (np.arange(1, 25) * 3_600_000_000_000).astype("timedelta64[ns]")
    forecast = xr.Dataset(
        {"tp": (("time", "step", "latitude", "longitude"), np.cumsum(hourly, axis=1).astype("float32"),
                {"units": "m", "GRIB_stepType": "accum", "GRIB_shortName": "tp"})},
        coords={"time": ("time", days, {"standard_name": "forecast_reference_time"}),
                "step": ("step", lead, {"standard_name": "forecast_period"}),
                "valid_time": (("time", "step"), days[:, None] + lead[None, :], {"standard_name": "time"}),
                "latitude": ("latitude", [46.0, 45.9], {"units": "degrees_north"}),
                "longitude": ("longitude", [12.0, 12.1, 12.2], {"units": "degrees_east"})},
        attrs={"GRIB_centre": "ecmf"})
    forecast.to_netcdf(tmp_path / "era5land_tp.nc")
    selected = _opened_and_selected([tmp_path / "era5land_tp.nc"], {"step": "24 hours"})
    time = selected["tp"].dims[0]
    bounds = np.asarray(selected[selected[time].attrs["bounds"]].values)
    np.testing.assert_array_equal(_dates(bounds[:, 0]), days)
    np.testing.assert_array_equal(_dates(bounds[:, 1]), days + np.timedelta64(1, "D"))
    np.testing.assert_allclose(selected["tp"].values, hourly.sum(axis=1), rtol=1e-5)  # NumPy's daily sums


def _nldas_hours(folder, days=2):
    """NLDAS-2's hourly File A as GES DISC serves it in GRIB1: one file per hour,
    ``NLDAS_FORA0125_H.A<YYYYMMDD>.<HH>00.002.grb``, its ``APCP`` (table 2 code 61, NCEP) "0-1 hour acc" from the
    file's hour (reference time the hour of its name, P1 0, P2 1, time range indicator 4): the total over the hour
    beginning at the name's hour and ending an hour later, its valid time. Returns the totals, (24 · days, 3, 4)."""
    from tests.grib_files import write_grib_messages

    folder.mkdir()
    rng = np.random.default_rng(54)
    totals = np.round(rng.gamma(0.5, 1.0, (24 * days, 3, 4)), 3)
    for index, total in enumerate(totals):
        date, hour = 20000101 + index // 24, index % 24
        write_grib_messages(folder / f"NLDAS_FORA0125_H.A{date}.{hour:02d}00.002.grb", [
            ({"centre": 7, "table2Version": 2, "indicatorOfParameter": 61, "dataDate": date, "dataTime": hour * 100,
              "timeRangeIndicator": 4, "P1": 0, "P2": 1}, total)],
            latitudes=np.array([40.125, 40.0, 39.875]), longitudes=np.array([-100.125, -100.0, -99.875, -99.75]),
            sample="regular_ll_sfc_grib1")
    return totals


def test_nldas_hourly_totals_one_message_a_file_are_the_hours_their_names_give(tmp_path):
    """fix54e: a file of one message (scalar reference and valid times) was left stamped at its valid time without a
    window: NLDAS-2's total over 05–06 UTC was read as the hour centred on 06:00, and a day's sum by the cells took
    the hours ending 01:00 … 23:00 and the one ending at 00:00 of the next day. Now each total's cell is the hour of
    its file's name, [H, H + 1] (the GRIB step range "0-1" from the reference time), and the 24 totals of a day by
    their cells are those of the day's 24 files (numpy)."""
    totals = _nldas_hours(tmp_path / "nldas")
    opened = open_dataset(sorted((tmp_path / "nldas").glob("*.grb")))
    time = opened["time"]
    cells = opened[time.attrs["bounds"]].values
    starts = [f"{cell.year}-{cell.month:02d}-{cell.day:02d}T{cell.hour:02d}" for cell in cells[:, 0]]
    assert starts == [f"2000-01-0{1 + index // 24}T{index % 24:02d}" for index in range(48)]
    assert all((end - start).total_seconds() == 3600 for start, end in cells)
    values = opened["tp"].values
    np.testing.assert_allclose(values, totals, atol=1e-4)  # GRIB1's packing of the written values
    days = np.array([start.day for start in cells[:, 0]])  # each total's day by its cell
    for day in (1, 2):
        np.testing.assert_allclose(values[days == day].sum(axis=0), totals[24 * (day - 1):24 * day].sum(axis=0),
                                   atol=24e-4)
