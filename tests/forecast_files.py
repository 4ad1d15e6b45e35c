"""Forecast datasets laid out as cfgrib gives them (and writes them to NetCDF), for tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

LATITUDES = np.array([10.0, 0.0, -10.0])
LONGITUDES = np.array([0.0, 10.0, 20.0, 30.0])
REFERENCE_TIMES = np.array(["1990-01-01", "1990-02-01", "1990-03-01", "1990-04-01", "1990-05-01"], "datetime64[ns]")


def cfgrib_layout(steps_hours: list[int], *, seed: int = 0) -> xr.Dataset:
    """A forecast dataset as cfgrib gives it (and its ``to_netcdf`` writes it): the reference
    time on the dimension ``time`` (standard_name forecast_reference_time), the lead time
    ``step`` (forecast_period), and ``valid_time`` (standard_name time) = time + step;
    ``step`` a scalar for one lead time, else a dimension with ``valid_time(time, step)``."""
    rng = np.random.default_rng(seed)
    steps = np.array(steps_hours, "timedelta64[h]").astype("timedelta64[ns]")
    one = len(steps) == 1
    shape = (len(REFERENCE_TIMES),) + (() if one else (len(steps),)) + (len(LATITUDES), len(LONGITUDES))
    dims = ("time",) + (() if one else ("step",)) + ("latitude", "longitude")
    valid = REFERENCE_TIMES[:, None] + steps[None, :]
    time_attrs = {"units": "seconds since 1970-01-01", "calendar": "proleptic_gregorian"}
    dataset = xr.Dataset(
        {"t2m": (dims, rng.normal(280, 5, shape).astype("float32"), {"units": "K"}),
         "msl": (dims, rng.normal(101300, 100, shape).astype("float32"), {"units": "Pa"})},
        coords={
            "time": ("time", REFERENCE_TIMES, {"standard_name": "forecast_reference_time"}),
            "step": ((), steps[0]) if one else ("step", steps),
            "valid_time": (("time",), valid[:, 0]) if one else (("time", "step"), valid),
            "latitude": ("latitude", LATITUDES, {"units": "degrees_north", "standard_name": "latitude"}),
            "longitude": ("longitude", LONGITUDES, {"units": "degrees_east", "standard_name": "longitude"}),
        },
    )
    dataset["step"].attrs.update(standard_name="forecast_period", long_name="time since forecast_reference_time")
    dataset["valid_time"].attrs.update(standard_name="time", long_name="time")
    for name in ("time", "valid_time"):
        dataset[name].encoding.update(time_attrs)
    return dataset


def _months_after(start: np.datetime64, count: int) -> np.ndarray:
    """``count`` first days of months from ``start`` (a first of a month), as datetime64[ns]."""
    return (np.datetime64(start, "M") + np.arange(count)).astype("datetime64[ns]")


def seasonal_pair(*, starts: int = 48, leads: int = 3, members: int = 2, noise: float = 0.3,
                  time_name: str = "valid_time", seed: int = 0) -> tuple[xr.Dataset, xr.Dataset]:
    """A seasonal hindcast as the new CDS writes it and monthly observations, for tests.

    The hindcast ``t2m(number, forecast_reference_time, forecastMonth, latitude, longitude)``
    with ``valid_time(forecast_reference_time, forecastMonth)`` (standard_name time): monthly
    starts from 1993-01, ``forecastMonth`` 1 … ``leads`` (1 = the start's own month). Its
    value is the observation of the month it is valid for + 0.2 × number + normal noise of
    std ``noise``. The observations ``obs_t2m(<time_name>, latitude, longitude)`` cover
    every valid month plus two more (a seasonal cycle of 5 K and anomalies of std 1.5 K),
    so a forecast set beside the observation of another month misses by far more than
    ``noise``."""
    rng = np.random.default_rng(seed)
    months = _months_after(np.datetime64("1993-01-01"), starts + leads + 1)
    cycle = 5.0 * np.sin(2 * np.pi * (months.astype("datetime64[M]").astype(int) % 12) / 12)
    observed = (280.0 + cycle[:, None, None] + rng.normal(0, 1.5, (len(months), len(LATITUDES), len(LONGITUDES))))
    index = np.arange(starts)[:, None] + np.arange(leads)[None, :]  # each (start, lead)'s valid month
    forecast = (observed[index][None] + 0.2 * np.arange(members)[:, None, None, None, None]
                + rng.normal(0, noise, (members, starts, leads, len(LATITUDES), len(LONGITUDES))))
    time_attrs = {"units": "seconds since 1970-01-01", "calendar": "proleptic_gregorian"}
    grid = {"latitude": ("latitude", LATITUDES, {"units": "degrees_north", "standard_name": "latitude"}),
            "longitude": ("longitude", LONGITUDES, {"units": "degrees_east", "standard_name": "longitude"})}
    hindcast = xr.Dataset(
        {"t2m": (("number", "forecast_reference_time", "forecastMonth", "latitude", "longitude"),
                 forecast.astype("float32"), {"units": "K"})},
        coords={"number": ("number", np.arange(members), {"standard_name": "realization"}),
                "forecast_reference_time": ("forecast_reference_time", months[:starts],
                                            {"standard_name": "forecast_reference_time"}),
                "forecastMonth": ("forecastMonth", np.arange(1, leads + 1),
                                  {"long_name": "months since forecast_reference_time"}),
                "valid_time": (("forecast_reference_time", "forecastMonth"), months[index],
                               {"standard_name": "time", "long_name": "time"}),
                **grid})
    observations = xr.Dataset(
        {"obs_t2m": ((time_name, "latitude", "longitude"), observed.astype("float32"), {"units": "K"})},
        coords={time_name: (time_name, months, {"standard_name": "time"}), **grid})
    for dataset, names in ((hindcast, ("forecast_reference_time", "valid_time")), (observations, (time_name,))):
        for name in names:
            dataset[name].encoding.update(time_attrs)
    return hindcast, observations


def s2s_daily_pair(step_type: str, *, starts: int = 16, steps: int = 30, seed: int = 0) -> tuple[xr.Dataset, xr.Dataset]:
    """ECMWF S2S daily forecasts as cfgrib gives them and daily observations, for tests.

    The forecast ``t2m_fc(time, step, latitude, longitude)`` from starts twice a week (Mondays and
    Thursdays from 2001-01-01), ``step`` 24, 48 … ``24 × steps`` hours (the end of each GRIB step
    range), ``valid_time`` = time + step, ``GRIB_stepType = step_type``. Its value is exact: for
    ``avg``/``max``/``min`` the observation of the day before the valid time (the window that
    ends there), for ``accum`` the sum of the observations from the start's day to that day. The
    observations ``t2m(time, …)`` are daily, stamped at 00:00 of their day, without bounds."""
    rng = np.random.default_rng(seed)
    days = np.arange("2000-12-25", "2001-05-01", dtype="datetime64[D]").astype("datetime64[ns]")
    observed = rng.normal(280, 3, (len(days), len(LATITUDES), len(LONGITUDES))).astype("float32")
    mondays = np.arange(starts // 2) * 7
    offsets = np.sort(np.concatenate([mondays, mondays + 3]))
    references = (np.datetime64("2001-01-01", "D") + offsets).astype("datetime64[ns]")
    hours = np.arange(1, steps + 1) * 24
    first = np.searchsorted(days, references)
    window_days = first[:, None] + np.arange(steps)[None, :]  # the day each window (ending at its step) covers
    values = observed[window_days]
    if step_type == "accum":
        values = np.cumsum(values, axis=1, dtype=np.float64).astype("float32")
    lead = (hours * 3_600_000_000_000).astype("timedelta64[ns]")
    grid = {"latitude": ("latitude", LATITUDES, {"units": "degrees_north", "standard_name": "latitude"}),
            "longitude": ("longitude", LONGITUDES, {"units": "degrees_east", "standard_name": "longitude"})}
    forecast = xr.Dataset(
        {"t2m_fc": (("time", "step", "latitude", "longitude"), values,
                    {"units": "K", "GRIB_stepType": step_type, "GRIB_shortName": "2t"})},
        coords={"time": ("time", references, {"standard_name": "forecast_reference_time",
                                               "long_name": "initial time of forecast"}),
                "step": ("step", lead, {"standard_name": "forecast_period"}),
                "valid_time": (("time", "step"), references[:, None] + lead[None, :], {"standard_name": "time"}),
                **grid})
    observations = xr.Dataset({"t2m": (("time", "latitude", "longitude"), observed, {"units": "K"})},
                              coords={"time": ("time", days, {"standard_name": "time"}), **grid})
    return forecast, observations


def with_day_bounds(observations: xr.Dataset) -> xr.Dataset:
    """``observations`` (stamped at 00:00) with CF bounds of the day each stamp opens."""
    days = observations["time"].values
    bounds = np.stack([days, days + np.timedelta64(1, "D")], axis=-1)
    dataset = observations.assign(time_bnds=(("time", "bnds"), bounds))
    dataset["time"].attrs["bounds"] = "time_bnds"
    dataset["time"].encoding.update(units="hours since 2000-01-01", calendar="proleptic_gregorian")
    return dataset


def s2s_pair(*, weeks: int = 30, leads_days: tuple[int, ...] = (0, 7, 14, 21), seed: int = 0
             ) -> tuple[xr.Dataset, xr.Dataset]:
    """Sub-seasonal reforecasts laid out as cfgrib writes ECMWF's S2S, and daily observations.

    The forecasts ``t2m_fc(number, time, step, latitude, longitude)`` start on Mondays and
    Thursdays (3 and 4 days apart) from 2000-01-03, for ``weeks`` weeks; ``step`` in days
    (``forecast_period``), ``valid_time(time, step)`` = time + step. Member 0 is the
    observation of the day it is valid for, member 1 that + 5 K. The observations
    ``t2m(time, latitude, longitude)`` are daily at 00:00, without bounds, over every valid
    day and two more, std 3 K around 280 K."""
    rng = np.random.default_rng(seed)
    first = np.datetime64("2000-01-03", "D")
    starts = (first + np.sort(np.concatenate([np.arange(weeks) * 7, np.arange(weeks) * 7 + 3]))).astype("datetime64[ns]")
    days = (first + np.arange(weeks * 7 + max(leads_days) + 2)).astype("datetime64[ns]")
    observed = rng.normal(280, 3, (len(days), len(LATITUDES), len(LONGITUDES))).astype("float32")
    steps = (np.array(leads_days) * np.timedelta64(1, "D")).astype("timedelta64[ns]")
    valid = starts[:, None] + steps[None, :]
    index = ((valid - days[0]) // np.timedelta64(1, "D")).astype(int)
    forecast = observed[index][None] + np.array([0.0, 5.0], "float32")[:, None, None, None, None]
    grid = {"latitude": ("latitude", LATITUDES, {"units": "degrees_north", "standard_name": "latitude"}),
            "longitude": ("longitude", LONGITUDES, {"units": "degrees_east", "standard_name": "longitude"})}
    forecasts = xr.Dataset(
        {"t2m_fc": (("number", "time", "step", "latitude", "longitude"), forecast,
                    {"units": "K", "GRIB_stepType": "instant"})},
        coords={"number": ("number", [0, 1], {"standard_name": "realization"}),
                "time": ("time", starts, {"standard_name": "forecast_reference_time"}),
                "step": ("step", steps, {"standard_name": "forecast_period"}),
                "valid_time": (("time", "step"), valid, {"standard_name": "time"}), **grid})
    observations = xr.Dataset({"t2m": (("time", "latitude", "longitude"), observed, {"units": "K"})},
                              coords={"time": ("time", days), **grid})
    return forecasts, observations


def _days_since(dates: pd.DatetimeIndex, origin: str = "2000-01-01") -> np.ndarray:
    return ((dates - pd.Timestamp(origin)) / pd.Timedelta(days=1)).to_numpy(np.float64)


def weekly_lead_pair(folder: Path, *, years: range = range(2000, 2006), seed: int = 0) -> tuple[Path, Path]:
    """Writes ``cfs.nc``, a weekly-mean forecast ``tmp2m(reftime, lead, lat, lon)`` laid out as
    CFSv2's: 8 starts a year every 7 days from 1 January (``forecast_reference_time``), lead
    (``forecast_period``) 7, 14, 21, 28 days with ``lead_bnds`` [[0, 7], [7, 14], …] days, valid
    times ``time(reftime, lead)`` at the end of each week, ``cell_methods = "time: mean"``, no GRIB
    step type; and ``obs.nc``, the observed weekly means ``t2m`` of weeks 1 to 8 of each year (the
    weeks the lead-14 forecasts cover), stamped at each week's start with ``time_bnds`` [start,
    start + 7 days] (ERA5 resampled with label='left'). Each forecast is the observed mean of the
    week it covers + 0.5 K + noise (0.1 K); the observed weeks are independent draws, so a
    forecast paired with another week is no such match. Returns the two paths."""
    rng = np.random.default_rng(seed)
    weeks = pd.DatetimeIndex([pd.Timestamp(year, 1, 1) + pd.Timedelta(days=7 * week)
                              for year in years for week in range(12)])
    observed = rng.normal(275, 3, (len(weeks), LATITUDES.size, LONGITUDES.size))
    of_week = {week: observed[index] for index, week in enumerate(weeks)}
    starts = pd.DatetimeIndex([pd.Timestamp(year, 1, 1) + pd.Timedelta(days=7 * week)
                               for year in years for week in range(8)])
    leads = np.array([7.0, 14.0, 21.0, 28.0])
    forecasts = np.array([[of_week[start + pd.Timedelta(days=lead - 7)] for lead in leads] for start in starts])
    forecasts = forecasts + 0.5 + rng.normal(0, 0.1, forecasts.shape)
    grid = {"lat": ("lat", LATITUDES, {"units": "degrees_north"}), "lon": ("lon", LONGITUDES, {"units": "degrees_east"})}
    units = {"units": "days since 2000-01-01", "calendar": "standard"}
    valid = _days_since(starts)[:, None] + leads[None, :]
    forecast = xr.Dataset(
        {"tmp2m": (("reftime", "lead", "lat", "lon"), forecasts.astype("f4"),
                   {"units": "K", "cell_methods": "time: mean", "long_name": "weekly mean 2 m temperature"}),
         "lead_bnds": (("lead", "nv"), np.stack([leads - 7, leads], -1))},
        coords={"reftime": ("reftime", _days_since(starts), {"standard_name": "forecast_reference_time", **units}),
                "lead": ("lead", leads, {"standard_name": "forecast_period", "units": "days", "bounds": "lead_bnds"}),
                "time": (("reftime", "lead"), valid, {"standard_name": "time", **units}), **grid})
    chosen = pd.DatetimeIndex([week for week in weeks if 1 <= (week - pd.Timestamp(week.year, 1, 1)).days // 7 <= 8])
    observations = xr.Dataset(
        {"t2m": (("time", "lat", "lon"), np.array([of_week[week] for week in chosen], "f4"),
                 {"units": "K", "cell_methods": "time: mean"}),
         "time_bnds": (("time", "bnds"), np.stack([_days_since(chosen), _days_since(chosen) + 7], -1))},
        coords={"time": ("time", _days_since(chosen), {"standard_name": "time", "bounds": "time_bnds", **units}),
                **grid})
    for dataset, name in ((forecast, "cfs.nc"), (observations, "obs.nc")):
        dataset.to_netcdf(Path(folder) / name)
    return Path(folder) / "cfs.nc", Path(folder) / "obs.nc"


def continuous_weekly_pair(folder: Path, *, first: str = "2000-01-06", last: str = "2003-12-04",
                           seed: int = 0, observed_from: int = 14, bounds: bool = False,
                           ) -> tuple[Path, Path, np.ndarray, np.ndarray]:
    """Writes ``s2s_fc.nc``, a weekly-mean forecast ``t2m_fc(reftime, lead, lat, lon)`` laid out as
    ECMWF's S2S: a start every Thursday all year from ``first`` (``forecast_reference_time``), lead
    (``forecast_period``) 7, 14, 21, 28 days with ``lead_bnds`` [lead − 7, lead] days, valid times
    ``time(reftime, lead)`` at the end of each window, ``cell_methods = "time: mean"``; and
    ``obs_weekly.nc``, the observed weekly means ``t2m`` of continuous weeks, WITHOUT time bounds,
    stamped 00:00 at each week's start (``resample('7D', label='left')``), ``cell_methods = "time:
    mean"``, from the first lead-21 window (``first`` + ``observed_from`` days, 14; −21: three weeks
    before the first start, as ERA5 holds them) to the last start's last window; with ``bounds``,
    ``time_bnds`` [start, start + 7 days] too.
    Each forecast is the observed mean of the week its window covers + 0.5 K + noise (0.1 K); the
    weeks are independent draws, so a forecast paired with another week is no such match. Returns
    the two paths, the weeks' starts (datetime64[ns], shape (n_week,)) and their means (K, shape
    (n_week, lat, lon))."""
    rng = np.random.default_rng(seed)
    starts = pd.date_range(first, last, freq="7D")
    weeks = pd.date_range(starts[0] + pd.Timedelta(days=observed_from), starts[-1] + pd.Timedelta(days=21), freq="7D")
    observed = rng.normal(275, 3, (len(weeks), LATITUDES.size, LONGITUDES.size)).astype("f4")
    of_week = {week: observed[index] for index, week in enumerate(weeks)}
    leads = np.array([7.0, 14.0, 21.0, 28.0])
    forecasts = np.array([[of_week.get(start + pd.Timedelta(days=lead - 7), np.full(observed.shape[1:], 275.0))
                           for lead in leads] for start in starts])
    forecasts = forecasts + 0.5 + rng.normal(0, 0.1, forecasts.shape)
    grid = {"lat": ("lat", LATITUDES, {"units": "degrees_north"}), "lon": ("lon", LONGITUDES, {"units": "degrees_east"})}
    units = {"units": "days since 2000-01-01", "calendar": "proleptic_gregorian"}
    xr.Dataset(
        {"t2m_fc": (("reftime", "lead", "lat", "lon"), forecasts.astype("f4"),
                    {"units": "K", "cell_methods": "time: mean", "long_name": "weekly mean 2 m temperature forecast"}),
         "lead_bnds": (("lead", "nv"), np.stack([leads - 7, leads], -1))},
        coords={"reftime": ("reftime", _days_since(starts), {"standard_name": "forecast_reference_time", **units}),
                "lead": ("lead", leads, {"standard_name": "forecast_period", "units": "days", "bounds": "lead_bnds"}),
                "time": (("reftime", "lead"), _days_since(starts)[:, None] + leads[None, :],
                         {"standard_name": "time", **units}), **grid}).to_netcdf(Path(folder) / "s2s_fc.nc")
    observations = xr.Dataset(
        {"t2m": (("time", "lat", "lon"), observed,
                 {"units": "K", "cell_methods": "time: mean", "standard_name": "air_temperature"})},
        coords={"time": ("time", _days_since(weeks), {"standard_name": "time", **units}), **grid})
    if bounds:
        observations["time_bnds"] = (("time", "bnds"), np.stack([_days_since(weeks), _days_since(weeks) + 7], -1))
        observations["time"].attrs["bounds"] = "time_bnds"
    observations.to_netcdf(Path(folder) / "obs_weekly.nc")
    return Path(folder) / "s2s_fc.nc", Path(folder) / "obs_weekly.nc", weeks.values, observed


def observed_week_means(observations: Path, starts: np.ndarray) -> np.ndarray:
    """The observed means (``obs.nc`` of :func:`weekly_lead_pair`) of the weeks beginning at
    ``starts`` (datetime64), found by their CF bounds' lower edges: shape (n, lat, lon)."""
    with xr.open_dataset(observations) as opened:
        lower = opened["time_bnds"].values[:, 0].astype("datetime64[ns]")
        at = {day: index for index, day in enumerate(lower)}
        return opened["t2m"].values[[at[np.datetime64(start, "ns")] for start in starts]]


#: The model version dates of :func:`s2s_version_files`, one file each (ECMWF's web API).
VERSION_DATES = ("2020-01-02", "2020-01-09")


def s2s_version_files(folder: Path, *, years: range = range(2000, 2008), name: str = "t2m",
                      seed: int = 0) -> tuple[list[Path], Path, np.ndarray]:
    """Writes ECMWF S2S reforecasts as the web API delivers them, one file per model version
    date (``ECMWF_S2S_reforecast_2t_<date>.nc``), each ``<name>(number, hdate, step, lat,
    lon)``: 3 members, ``hdate`` the same day of each year of ``years`` as its version date
    (YYYYMMDD integers), ``step`` 0 to 336 hours daily, a scalar ``time`` (the version date);
    and ``era5.nc``, daily ``t2m`` at 00 UTC (no bounds) of January and February. Member m's
    value at (hdate h, step s) is the observation of day h + s + 0.1 m + noise (0.5 K). Returns the forecast
    files, the observations and the observations' days (datetime64[ns])."""
    rng = np.random.default_rng(seed)
    days = pd.DatetimeIndex([day for year in years for day in pd.date_range(f"{year}-01-01", f"{year}-02-28")])
    observed = rng.normal(275, 3, (len(days), LATITUDES.size, LONGITUDES.size)).astype("f4")
    index = {day: position for position, day in enumerate(days)}
    grid = {"latitude": ("latitude", LATITUDES, {"units": "degrees_north"}),
            "longitude": ("longitude", LONGITUDES, {"units": "degrees_east"})}
    steps = np.arange(15) * 24
    files = []
    for version in VERSION_DATES:
        month_day = pd.Timestamp(version)
        hdates = [pd.Timestamp(year, month_day.month, month_day.day) for year in years]
        values = np.array([[[observed[index[h + pd.Timedelta(hours=int(s))]] + 0.1 * member for s in steps]
                            for h in hdates] for member in (1, 2, 3)])
        values = (values + rng.normal(0, 0.5, values.shape)).astype("f4")
        path = Path(folder) / f"ECMWF_S2S_reforecast_2t_{version}.nc"
        xr.Dataset({name: (("number", "hdate", "step", "latitude", "longitude"), values, {"units": "K"})},
                   coords={"number": ("number", np.array([1, 2, 3], "i4"), {"long_name": "ensemble_member"}),
                           "hdate": ("hdate", np.array([int(h.strftime("%Y%m%d")) for h in hdates], "i4"),
                                     {"long_name": "initial time of forecast", "units": "YYYYMMDD"}),
                           "step": ("step", steps.astype("i4"), {"units": "hours",
                                                                  "standard_name": "forecast_period"}),
                           "time": ((), np.datetime64(version, "ns"), {"long_name": "time"}), **grid}
                   ).to_netcdf(path)
        files.append(path)
    xr.Dataset({"t2m": (("time", "latitude", "longitude"), observed, {"units": "K"})},
               coords={"time": ("time", days.values), **grid}).to_netcdf(Path(folder) / "era5.nc")
    return files, Path(folder) / "era5.nc", days.values


def cfgrib_month_end_layout(hindcast: xr.Dataset, *, step_type: str | None = "avg") -> xr.Dataset:
    """A new-CDS hindcast (:func:`seasonal_pair`'s ``forecastMonth`` layout) as cfgrib lays out the
    same monthly means: the reference time on ``time`` (standard_name forecast_reference_time), the
    lead time ``step`` = end of each averaged month − start (ecCodes dates a monthly mean by the
    1st of the next month), ``valid_time(time, step)`` their sum, every (start, step) pair no month
    ends at missing; ``GRIB_stepType = step_type`` on the forecast (None: no GRIB keys)."""
    starts = hindcast["forecast_reference_time"].values
    leads = hindcast["forecastMonth"].values
    ends = starts.astype("datetime64[M]")[:, None] + leads[None, :]  # the 1st of the month after month L
    steps = ends.astype("datetime64[ns]") - starts[:, None]
    union = np.unique(steps)
    column = np.searchsorted(union, steps)
    forecast = hindcast["t2m"]
    values = np.full(forecast.shape[:2] + (len(union),) + forecast.shape[3:], np.nan, "float32")
    for row in range(len(starts)):
        values[:, row, column[row]] = forecast.values[:, row]
    keys = {"GRIB_stepType": step_type, **({"GRIB_dataType": "fcmean"} if step_type == "avg" else {})}
    attrs = dict(forecast.attrs, **(keys if step_type else {}))
    layout = xr.Dataset(
        {"t2m": (("number", "time", "step", "latitude", "longitude"), values, attrs)},
        coords={"number": hindcast["number"],
                "time": ("time", starts, {"standard_name": "forecast_reference_time",
                                          "long_name": "initial time of forecast"}),
                "step": ("step", union, {"standard_name": "forecast_period",
                                         "long_name": "time since forecast_reference_time"}),
                "valid_time": (("time", "step"), starts[:, None] + union[None, :],
                               {"standard_name": "time", "long_name": "time"}),
                "latitude": hindcast["latitude"], "longitude": hindcast["longitude"]})
    for name in ("time", "valid_time"):
        layout[name].encoding.update(units="seconds since 1970-01-01", calendar="proleptic_gregorian")
    layout["step"].encoding.update(units="hours", dtype="float64")
    return layout
