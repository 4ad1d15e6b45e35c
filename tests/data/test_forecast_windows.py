"""Forecast values that are statistics over a window of lead times (break31a A1): GRIB ``avg``,
``max``, ``min`` over the step before, ``accum`` from the start, ``cell_methods`` with lead bounds."""

import logging
import re
import subprocess
import sys

import numpy as np
import pytest
import xarray as xr

from climann.data.notes import forget_notes
from climann.data.open import open_dataset
from climann.data.subset import select_values
from climann.errors import ClimannError
from tests.forecast_files import s2s_daily_pair, with_day_bounds

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
    with pytest.raises(ClimannError, match=r"the total from the forecast start \(ECMWF.s S2S and ENS forecasts\), over 21 days") as refused:
        open_dataset(files, select={"step": LEAD})
    command = re.search(r'python -c "(.+?)"', str(refused.value)).group(1)
    subprocess.run([sys.executable, "-c", command], cwd=tmp_path, check=True)
    selected = _opened_and_selected([tmp_path / "s2s_tp_step_totals.nc", tmp_path / "obs.nc"], {"step": LEAD})
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


def _glofas_daily_totals(step_type: str, starts: np.ndarray) -> tuple[xr.Dataset, np.ndarray]:
    """GloFAS-like ``dis24``/ERA5-Land-like daily totals as cfgrib writes them: ``time`` the
    reference times ``starts`` (00 UTC), a scalar ``step`` of 1 day, ``valid_time`` = time + 1 day,
    ``GRIB_stepType = step_type``; each value a total over the day from its start (random, returned)."""
    values = np.random.default_rng(3).gamma(2.0, 50.0, (starts.size, 2, 3)).astype("float32")
    lead = np.timedelta64(1, "D").astype("timedelta64[ns]")
    forecast = xr.Dataset(
        {"dis24": (("time", "latitude", "longitude"), values,
                   {"units": "m3 s-1", "GRIB_stepType": step_type, "GRIB_shortName": "dis24"})},
        coords={"time": ("time", starts, {"standard_name": "forecast_reference_time"}),
                "step": ((), lead, {"standard_name": "forecast_period"}),
                "valid_time": ("time", starts + lead, {"standard_name": "time"}),
                "latitude": ("latitude", [50.05, 49.95], {"units": "degrees_north"}),
                "longitude": ("longitude", [10.05, 10.15, 10.25], {"units": "degrees_east"})})
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
    [said] = [record.getMessage() for record in caplog.records if "2000-01-31 to 2000-02-01" in record.getMessage()]
    assert "CESM" not in said and "time_bnds cells" not in said
    assert said.startswith("glofas_avg.nc: daily values over the windows of lead time that GRIB_stepType and the lead "
                           "time give (the file has no time bounds), stamped (valid_time) at the ends of their windows "
                           "(2000-02-01 for 2000-01-31 to 2000-02-01)")
    assert "(2000-01-31 12:00; CF 7.1): the value stamped 2000-02-01 counts in January 2000" in said
    assert said.endswith("prediction files keep the file's stamps (valid_time) as their time, with these windows as "
                         "time_bnds")


def test_a_total_of_6_hours_from_daily_starts_stays_undated(tmp_path):
    """The exception is narrow: a lead of 6 h from daily starts (ERA5's tp from 18 UTC at step 6 h is a total over
    the hour before the step, as a 6-hour total from the start would read the same way) gets no window."""
    starts = np.arange("2000-01-01T18", "2000-02-01T18", np.timedelta64(1, "D"), dtype="datetime64[ns]")
    forecast, _ = _glofas_daily_totals("accum", starts)
    lead = np.timedelta64(6, "h").astype("timedelta64[ns]")
    forecast = forecast.assign_coords(step=((), lead, {"standard_name": "forecast_period"}),
                                      valid_time=("time", starts + lead, {"standard_name": "time"}))
    forecast.to_netcdf(tmp_path / "tp.nc")
    assert open_dataset([tmp_path / "tp.nc"])["time"].attrs.get("bounds") is None
