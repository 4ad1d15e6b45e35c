"""Totals accumulated from one hour of each day, restarted there daily: ERA5-Land's accumulations.

ERA5-Land's accumulated fields (``tp``, ``ro``, ``sro``, ``ssro``, ``e``, ``pev``, ``ssrd``,
``strd``, ``ssr``, ``str``, ``slhf``, ``sshf`` …) are, at each hour, the total from 00 UTC of the
day to that hour: its short forecasts start each day at 00 UTC, and "accumulations are treated the
same as those in ERA-Interim or ERA-Interim/Land, i.e., they are accumulated from the beginning of
the forecast to the end of the forecast step" (ECMWF, "ERA5-Land: data documentation",
https://confluence.ecmwf.int/x/3AS2G, section "Accumulations"; and "Conversion table for
accumulated variables", https://confluence.ecmwf.int/pages/viewpage.action?pageId=197702790). The
value at 01 UTC is the first hour's amount, the value at 00 UTC the whole day before's, and the
amount of any other hour the value minus the one an hour before. ERA5's own hourly accumulations
(the same ``GRIB_stepType = "accum"``) are each over the hour before the stamp: the attributes do
not tell the two apart, the values do.

The rule reads the values, for every accumulated field alike (:func:`checked_for_daily_reset`:
``GRIB_stepType = "accum"``, an amount of water or an energy per area in units that are no rate),
on an hourly axis, and does not depend on the sign or the name: ``e`` (evaporation, negative) and
``ssrd`` (flat at night) are totals as ``tp`` is. At each step the cells are counted whose value
moves toward 0 (its magnitude falls) among those whose magnitude changes
(:func:`magnitude_changes`); by the hour of the day of the step, a total restarted at one hour
each day falls back there at (almost) every cell that changes, and at no other hour nearly as
often (:func:`daily_reset_hour`). Hourly amounts fall as often one hour as the next (rain), or at
several hours in a row (the afternoon's radiation and evaporation), so neither passes. Since a
product accumulates all its fields alike, every accumulated field of the files of one found so
is taken as one (:func:`~climann.data.running_totals.planned_running_totals`).

The amount of each hour (:func:`daily_amounts_command`) is the value itself at the hour after
the restart (01 UTC: the first hour's), and elsewhere the value minus the one an hour before, for
a file's first step the last of the file before it in the line's loop (the files in time order)
when that ends an hour before (the CDS's monthly files: break54a A2 lost 31 January 23-24 UTC); a
step with no value an hour before it is left missing (the first of the first file, unless it is
01 UTC). The copies get time bounds [time − 1 h, time] and ``cell_methods = "time: sum"``.

Axes of 2, 3 or 6 hours (:data:`RESET_STEP_HOURS`) are read alike: JRA-3Q's 3-hourly forecast
totals since 00 UTC, or ERA5's forecast accumulations, converted by CDO without their ``GRIB_``
attributes, restart at the step after 00 UTC (03 UTC), where the generic line of totals since a
start (:func:`~climann.data.running_totals.step_amounts_command`) subtracted the day before's
total; the answers say the step (:func:`daily_text`: "since each day's 00 UTC, every 3 hours"),
and the line writes the amount of each step with bounds [time − step, time].

A run's ``time_stride`` that thins the hourly steps hides the restarts:
:mod:`climann.data.strided_totals` reads the steps before the stride for them.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import xarray as xr

from climann.data.cell_methods import time_cell_method
from climann.data.fill_like import time_dimension
from climann.data.shell import python_copies_by_folder, whole_write
from climann.errors import ClimannError

__all__ = ["DAILY_PREFIX", "MIN_RESET_DAYS", "RESET_SHARE", "RESET_STEP_HOURS", "STEP_AMOUNTS_ATTRIBUTE",
           "UNTOLD_PREFIX", "WHOLE_FILES_KEY",
           "checked_for_daily_reset", "daily_amounts_command", "daily_reset_hour", "daily_reset_reading",
           "daily_restart", "daily_text", "hourly_totals_command", "magnitude_changes", "said_step", "step_hours",
           "step_words", "untold_restart", "untold_text"]

#: How :func:`daily_text` begins: a total found restarting daily, told apart from one restarting
#: on a date of each year ("since 1 October") in the answers of the values rule.
DAILY_PREFIX = "since each day's "

#: At the hour of the restart, at least this share of the cells whose magnitude changes falls
#: back toward 0 …
RESET_SHARE = 0.5

#: How :func:`untold_text` begins: values that fall back toward 0 at one hour of each day, as a
#: total restarted daily does, on too few days (fewer than :data:`MIN_RESET_DAYS`) for hourly
#: amounts to be ruled out: ERA5's totals over each hour or ERA5-Land's since 00 UTC.
UNTOLD_PREFIX = "each hour's, or since each day's "

#: The key of a variable's ``encoding`` holding the answer of the daily-restart rule read on the
#: whole files before a run's time range, months or stride (:func:`daily_text`, :func:`untold_text`,
#: or "" for no restart): a selection of 5 days of a month of ERA5-Land no longer shows it (break51d A1).
WHOLE_FILES_KEY = "climann_daily_restart"

#: The attribute the ERA5-Land line (:func:`daily_amounts_command`) and ERA5's
#: (:func:`hourly_totals_command`) give each copy's totals: each value the amount over its own step,
#: so that a sum of the copies (``cdo daysum`` keeps it) is the total over the summed steps, not a
#: sum of running totals (:mod:`climann.data.summed_accumulations`).
STEP_AMOUNTS_ATTRIBUTE = "climann_step_amounts"

#: The words of :data:`STEP_AMOUNTS_ATTRIBUTE`.
_STEP_AMOUNTS_WORDS = "each value the amount over its own time cell (time bounds), not a running total"

#: … and at every other hour of the day at most this share of the restart hour's share: hourly
#: rain falls as often one hour as the next, a total only where it restarts.
OTHER_HOURS_RATIO = 0.5

#: The least number of days whose restart step is compared (as many as
#: :data:`~climann.data.running_totals.MIN_EVIDENCE` steps for the other rule).
MIN_RESET_DAYS = 9


def checked_for_daily_reset(name: str, variable: xr.DataArray) -> bool:
    """Whether the values of ``variable`` are read for a daily restart (:func:`daily_reset_hour`):
    a number on a time axis, with no time entry in its CF ``cell_methods`` (which say what each
    value is over time; keyed by the time dimension's name, ``valid_time: sum``, or ``time``), in
    units that are no rate, and an accumulation by what it says: GRIB's
    ``GRIB_stepType = "accum"`` (cfgrib's and the CDS's attribute), an amount of water
    (precipitation, runoff, evaporation …: :func:`~climann.data.units.water_quantity`) that is
    no state of water (:func:`~climann.data.units.is_water_state`: CMIP's ``snw``, the snow held
    on the ground, whose daily value is its mean), or an energy per area (``J m**-2``: radiation
    and heat fluxes accumulated).

    Parameters
    ----------
    name : str
        The variable's name.
    variable : xarray.DataArray
        The variable.

    Returns
    -------
    bool
    """
    from climann.data.units import is_rate, is_water_state, parse_units, water_quantity

    attrs = dict(variable.attrs)
    time = time_dimension(variable)
    # the time entry keyed by the time dimension's own name ("valid_time: sum") or by "time"
    if variable.dtype.kind not in "fiu" or time is None or time_cell_method(attrs.get("cell_methods"), time):
        return False
    if str(attrs.get("GRIB_stepType", "")).strip().lower() == "accum":
        return True
    units = str(attrs.get("units", "")).strip()
    try:  # J m-2 is [mass] [time]-2 to pint: no rate, though is_rate reads it as one
        if units and (parse_units(units, variable=name).dimensionality
                      == parse_units("J m-2", variable=name).dimensionality):
            return True
    except ClimannError:
        return False
    # a state (snw, "Surface Snow Amount", soil moisture) is held, never gathered: its fall at one hour
    # each day (a melt, a daily snow analysis) is no restart of a total (fix49i)
    return (not is_rate(attrs.get("units")) and water_quantity(name, attrs) is not None
            and not is_water_state(name, attrs))


def magnitude_changes(block: np.ndarray, time_axis: int) -> np.ndarray:
    """Shape (2, n_steps of the block): at each step, how many cells move toward 0 from the step
    before in the block (``|after| < |before|``), and how many change in magnitude
    (``|after| != |before|``), among those with a value at both; the block's first step is
    compared with nothing (0, 0). The magnitude makes the count blind to the sign: evaporation's
    total (negative) moves away from 0 as rain's does.

    Examples
    --------
    >>> magnitude_changes(np.array([[0.0, -1.0], [2.0, -3.0], [1.0, -1.0]]), 0)
    array([[0, 0, 2],
           [0, 2, 2]])
    """
    values = np.abs(np.moveaxis(np.asarray(block, dtype=np.float64), time_axis, 0))
    values = values.reshape(values.shape[0], -1)
    counts = np.zeros((2, values.shape[0]), dtype=np.int64)
    before, after = values[:-1], values[1:]
    compared = np.isfinite(before) & np.isfinite(after)
    counts[0, 1:] = np.count_nonzero(compared & (after < before), axis=1)
    counts[1, 1:] = np.count_nonzero(compared & (after != before), axis=1)
    return counts


def daily_reset_hour(dataset: xr.Dataset, variable: xr.DataArray, counts: np.ndarray) -> int | None:
    """The hour of the day (0–23, of the time coordinate as stored: UTC for ERA5-Land) at whose
    step a total accumulated from the hour before restarts each day, from
    :func:`magnitude_changes` of its blocks; None when the values are no such total.

    The steps are grouped by their hour of the day, on an axis of steps 1, 2, 3 or 6 hours apart
    (:func:`step_hours`): at the restart
    hour at least :data:`RESET_SHARE` of the changing cells fall back toward 0, at each other
    hour at most :data:`OTHER_HOURS_RATIO` times that share, over at least
    :data:`MIN_RESET_DAYS` days compared. ERA5-Land's restart at 01 UTC (its total since 00 UTC
    is the first hour's there).

    Parameters
    ----------
    dataset : xarray.Dataset
        Holding the time coordinate.
    variable : xarray.DataArray
        With a time dimension.
    counts : numpy.ndarray
        Shape (2, n_steps).

    Returns
    -------
    int or None

    Examples
    --------
    >>> import pandas as pd
    >>> times = pd.date_range("2001-01-01T00", periods=24 * 12, freq="h")
    >>> hourly = np.random.default_rng(0).gamma(0.5, 1.0, (times.size, 3))
    >>> totals = np.stack([np.cumsum(day, axis=0) for day in hourly.reshape(12, 24, 3)]).reshape(-1, 3)
    >>> totals = np.roll(totals, 1, axis=0)  # the day's total at the next day's 00 UTC
    >>> data = xr.DataArray(totals, dims=("time", "cell"), coords={"time": times})
    >>> daily_reset_hour(data.to_dataset(name="tp"), data, magnitude_changes(totals, 0))
    1
    >>> daily_reset_hour(data.to_dataset(name="tp"), data, magnitude_changes(hourly, 0)) is None
    True
    """
    hour, told = daily_reset_reading(dataset, variable, counts)
    return hour if told else None


def daily_reset_reading(dataset: xr.Dataset, variable: xr.DataArray, counts: np.ndarray) -> tuple[int | None, bool]:
    """:func:`daily_reset_hour`'s reading and whether the values tell it: ``(hour, True)`` for a
    total restarted daily at ``hour``'s step over at least :data:`MIN_RESET_DAYS` days;
    ``(hour, False)`` for values that fall back there as such a total does, on fewer days, too few
    to rule out amounts of each hour (ERA5's totals over the hour, the same GRIB attributes as
    ERA5-Land's since 00 UTC: break51d A1, 6 days of ERA5-Land read as hourly amounts);
    ``(None, True)`` for values that are no such total (they fall at other hours as well, or
    there are no steps 1, 2, 3 or 6 hours apart to read: :func:`step_hours`).

    Parameters
    ----------
    dataset : xarray.Dataset
        Holding the time coordinate.
    variable : xarray.DataArray
        With a time dimension.
    counts : numpy.ndarray
        Shape (2, n_steps): :func:`magnitude_changes` of its blocks.

    Returns
    -------
    tuple of (int or None, bool)

    Examples
    --------
    >>> import pandas as pd
    >>> times = pd.date_range("2001-01-01T00", periods=24 * 6, freq="h")
    >>> hourly = np.random.default_rng(0).gamma(0.5, 1.0, (times.size, 3))
    >>> totals = np.roll(np.cumsum(hourly.reshape(6, 24, 3), axis=1).reshape(-1, 3), 1, axis=0)
    >>> data = xr.DataArray(totals, dims=("time", "cell"), coords={"time": times})
    >>> daily_reset_reading(data.to_dataset(name="tp"), data, magnitude_changes(totals, 0))
    (1, False)
    """
    step = step_hours(dataset, variable)
    if step is None:
        return None, True
    stamps = dataset[time_dimension(variable)]
    one_hour = _steps_apart(stamps, step)
    hours = np.asarray(stamps.dt.hour.values, dtype=int)
    falling, changing = np.asarray(counts[0], dtype=float), np.asarray(counts[1], dtype=float)
    shares = np.zeros(24)
    days = np.zeros(24, dtype=int)
    for hour in range(24):
        at = one_hour & (hours == hour)
        changed = changing[at].sum()
        shares[hour] = falling[at].sum() / changed if changed else 0.0
        days[hour] = int(np.count_nonzero(changing[at] > 0))
    reset = int(np.argmax(shares))
    others = np.delete(shares, reset)
    if days[reset] < 1 or shares[reset] < RESET_SHARE or others.max() > OTHER_HOURS_RATIO * shares[reset]:
        return None, True
    return reset, bool(days[reset] >= MIN_RESET_DAYS)


#: The steps, in hours, of the axes read for a daily restart: each divides the day, so every day
#: holds the restart's step (ERA5-Land's hours; JRA-3Q's and ERA5's forecast totals converted by
#: CDO without their GRIB attributes, 3- or 6-hourly, restart at 00 UTC too).
RESET_STEP_HOURS = (1, 2, 3, 6)


def _steps_apart(stamps: xr.DataArray, hours: int) -> np.ndarray:
    """Shape (n_steps,): whether each step is ``hours`` after the one before (the first: False)."""
    apart = np.diff(np.asarray(stamps.values))  # timedelta64, or datetime.timedelta of cftime dates
    return np.concatenate([[False], np.asarray([gap == datetime.timedelta(hours=hours) for gap in apart.tolist()])
                           if apart.dtype.kind == "O" else apart == np.timedelta64(hours, "h")])


def step_hours(dataset: xr.Dataset, variable: xr.DataArray) -> int | None:
    """The step, in hours, of ``variable``'s time axis when more than 90 % of its steps are that far
    apart and it is one of :data:`RESET_STEP_HOURS`; None otherwise (daily steps, irregular ones,
    fewer than 3 steps, undecoded times).

    Examples
    --------
    >>> import pandas as pd
    >>> data = xr.DataArray(np.zeros(16), dims="time", coords={"time": pd.date_range("2001", periods=16, freq="3h")})
    >>> step_hours(data.to_dataset(name="tp"), data)
    3
    """
    time = time_dimension(variable)
    if time is None or time not in dataset.coords or dataset[time].size < 3 or dataset[time].dtype.kind not in "MO":
        return None
    return next((hours for hours in RESET_STEP_HOURS if _steps_apart(dataset[time], hours)[1:].mean() > 0.9), None)


def _every(step: int) -> str:
    """How :func:`daily_text` and :func:`untold_text` end for an axis of ``step`` hours: "" for 1."""
    return "" if step == 1 else f", every {step} hours"


def said_step(date: str | None) -> int:
    """The step, in hours, of the axis whose values the answer ``date`` (:func:`daily_text`,
    :func:`untold_text`) was read on: 1 unless it ends ", every 3 hours"."""
    found = re.search(r", every (\d+) hours$", str(date or ""))
    return int(found.group(1)) if found else 1


def step_words(step: int) -> str:
    """"an hour", "3 hours": the step of an axis, for messages."""
    return "an hour" if step == 1 else f"{step} hours"


def daily_text(hour: int, step: int = 1) -> str:
    """The answer of the values rule for a total restarted daily at ``hour`` (its step): "since
    each day's 00 UTC" for ``hour`` 1 (:data:`DAILY_PREFIX`); on an axis of ``step`` hours, the
    restart one step before ``hour``, said with the step: "since each day's 00 UTC, every 3 hours"
    for ``hour`` 3."""
    return f"{DAILY_PREFIX}{(hour - step) % 24:02d} UTC{_every(step)}"


def untold_text(hour: int, step: int = 1) -> str:
    """The answer of the values rule for values that fall back at ``hour``'s step each day on too
    few days to tell a daily total from hourly amounts (:func:`daily_reset_reading`): "each hour's,
    or since each day's 00 UTC" for ``hour`` 1 (:data:`UNTOLD_PREFIX`), with the step as
    :func:`daily_text`."""
    return f"{UNTOLD_PREFIX}{(hour - step) % 24:02d} UTC{_every(step)}"


def untold_restart(date: str | None) -> int | None:
    """The hour of the step at which values answered ``date`` (:func:`untold_text`) would restart
    daily, None when the answer is another."""
    if not date or not str(date).startswith(UNTOLD_PREFIX):
        return None
    return (int(str(date).removeprefix(UNTOLD_PREFIX)[:2]) + said_step(date)) % 24


def daily_restart(date: str | None) -> int | None:
    """The hour of the step at which a total the values rule answered ``date`` for restarts each
    day (:func:`daily_text`), None when it is no daily total (a yearly date, or None)."""
    if not date or not str(date).startswith(DAILY_PREFIX):
        return None
    return (int(str(date).removeprefix(DAILY_PREFIX)[:2]) + said_step(date)) % 24


#: The Python (xarray) that writes the amount of each hour of one file of totals restarted daily:
#: ``python -c SCRIPT IN OUT [PREVIOUS]``; at the step after the restart ({hour}) the value as it is,
#: else the value minus the one a step ({step} hours) before, in the file or, for its first step, the
#: last of PREVIOUS (the file before it in the loop) when that ends one step before IN's first (the
#: CDS's monthly files: 1 February 00 UTC, the total of 31 January, minus 31 January 23 UTC of the
#: January file; break54a A2 lost that hour of every month), missing when there is none; a first
#: step with no amount is left out; time bounds [time − step, time], ``cell_methods = "time: sum"``.
_PYTHON_DAILY_AMOUNTS = (
    "import sys,numpy as np,xarray as xr;d=xr.open_dataset(sys.argv[1]);n={names!r};t=d[{time!r}];s=t.dims[0];"
    "h=np.timedelta64({step},'h') if t.dtype.kind=='M' else __import__('datetime').timedelta(hours={step});"
    "p=(sys.argv[3:] or [''])[0];P=xr.open_dataset(p) if p else None;"
    "c=P is not None and {time!r} in P.variables and P.sizes.get(s,0)>0 and t.size>0 "
    "and all(k in P.variables for k in n) and bool(P[{time!r}].values[-1]+h==t.values[0]);"
    "e=xr.concat([P[n].isel({{s:[-1]}}),d[n]],s,coords='minimal',compat='override',join='override') if c else d[n];"
    "r=e[{time!r}].dt.hour=={hour};"
    "g=xr.DataArray(np.r_[False,np.diff(e[{time!r}].values)==h],dims=s);"
    "a=xr.Dataset({{k:xr.where(r,e[k],(e[k]-e[k].shift({{s:1}})).where(g)) for k in n}})"
    ".isel({{s:slice(1 if c else 0,None)}});"
    "o=d.assign({{k:xr.DataArray(a[k].transpose(*d[k].dims).values.astype(np.result_type(d[k].dtype,'f4')),"
    "d[k].coords,d[k].dims,attrs={{**d[k].attrs,'cell_methods':'time: sum',{mark!r}:{words!r}}}) for k in n}});"
    "o=o.isel({{s:slice(0 if c or bool(r[-t.size]) else 1,None)}});"
    "o[{bounds!r}]=((s,'bnds'),np.stack([o[{time!r}].values-h,o[{time!r}].values],-1));"
    "o[{time!r}].attrs['bounds']={bounds!r};" + whole_write("o.to_netcdf")
)


def daily_amounts_command(files: Sequence[str | Path], names: Sequence[str], time: str, *,
                          hour: int, step: int = 1) -> tuple[str, str]:
    """The shell command that writes, into a new folder beside each folder of ``files``
    (``hourly_amounts``), a copy of each file whose totals ``names``, restarted each day at the
    step of ``hour``, are the amounts of each hour (:data:`_PYTHON_DAILY_AMOUNTS`), and the
    ``--data`` that takes the copies.

    Parameters
    ----------
    files : sequence of str or Path
        The files holding the totals.
    names : sequence of str
        The totals, by their names in the files.
    time : str
        The files' time variable (decoded to dates by xarray).
    hour : int
        The hour of the day of the step after each restart (1 for ERA5-Land: 01 UTC; 3 for totals
        since 00 UTC at 03, 06 … 00 UTC).
    step : int
        The hours between steps (1; 3 or 6 for JRA-3Q's or ERA5's forecast totals converted without
        their GRIB attributes): each amount is over the ``step`` hours before its stamp, and the
        copies' folder ``{step}hourly_amounts`` (``hourly_amounts`` for 1).

    Returns
    -------
    tuple of str
        The command and the ``--data`` argument.
    """
    script = _PYTHON_DAILY_AMOUNTS.format(names=list(names), time=time, hour=int(hour), bounds=f"{time}_bnds",
                                          step=int(step), mark=STEP_AMOUNTS_ATTRIBUTE, words=_STEP_AMOUNTS_WORDS)
    return python_copies_by_folder(script, files, "hourly_amounts" if step == 1 else f"{step}hourly_amounts",
                                   previous=True)


#: The Python (xarray) that writes a copy of one file of totals whose values are each over the
#: step ({step} hours) before its stamp (ERA5's hourly totals): ``python -c SCRIPT IN OUT``, with
#: time bounds [time − step, time] and ``cell_methods = "time: sum"`` on ``{names}``, the values as
#: they are.
_PYTHON_HOURLY_TOTALS = (
    "import sys,numpy as np,xarray as xr;d=xr.open_dataset(sys.argv[1]);n={names!r};t=d[{time!r}];s=t.dims[0];"
    "h=np.timedelta64({step},'h') if t.dtype.kind=='M' else __import__('datetime').timedelta(hours={step});"
    "o=d.assign({{k:d[k].assign_attrs({{**d[k].attrs,'cell_methods':'time: sum',{mark!r}:{words!r}}}) for k in n}});"
    "o[{bounds!r}]=((s,'bnds'),np.stack([t.values-h,t.values],-1));"
    "o[{time!r}].attrs['bounds']={bounds!r};" + whole_write("o.to_netcdf")
)


def hourly_totals_command(files: Sequence[str | Path], names: Sequence[str], time: str, *,
                          step: int = 1) -> tuple[str, str]:
    """The shell command that writes, into a new folder beside each folder of ``files``
    (``hour_totals``), a copy of each file that says its totals ``names`` are each over the hour
    before its stamp (ERA5's hourly accumulations: time bounds [time − 1 h, time], CF
    ``cell_methods = "time: sum"``; :data:`_PYTHON_HOURLY_TOTALS`), and the ``--data`` that takes
    the copies.

    Parameters
    ----------
    files : sequence of str or Path
        The files holding the totals.
    names : sequence of str
        The totals, by their names in the files.
    time : str
        The files' time variable (decoded to dates by xarray).
    step : int
        The hours between steps: each total over the ``step`` hours before its stamp, the copies'
        folder ``{step}hour_totals`` (``hour_totals`` for 1).

    Returns
    -------
    tuple of str
        The command and the ``--data`` argument.
    """
    script = _PYTHON_HOURLY_TOTALS.format(names=list(names), time=time, bounds=f"{time}_bnds", step=int(step),
                                          mark=STEP_AMOUNTS_ATTRIBUTE, words=_STEP_AMOUNTS_WORDS)
    return python_copies_by_folder(script, files, "hour_totals" if step == 1 else f"{step}hour_totals")
