"""WRF's precipitation over ``prec_acc_dt`` windows: the amount of a time step only when the window is the step.

WRF run with ``prec_acc_dt`` > 0 (namelist ``&physics``, minutes) writes ``PREC_ACC_NC``
("ACCUMULATED GRID SCALE PRECIPITATION OVER prec_acc_dt PERIODS OF TIME", mm), ``PREC_ACC_C``
(cumulus) and ``SNOW_ACC_NC`` (snow water equivalent): each is set to 0 every ``prec_acc_dt``
minutes and accumulates until the next reset, so that the value at an output time that ends a
window is the amount of that window, [time - prec_acc_dt, time]; the files carry the window as the
global attribute ``PREC_ACC_DT`` (WRF User's Guide, "&physics": "number of minutes in
precipitation accumulation period"; ``phys/module_diag_misc.F``). These are amounts over a window,
not running totals (:mod:`climann.data.running_totals`), and they are the amount of each output
step only when the step is the window:

- output every 3 hours with ``prec_acc_dt = 60``: each value is the precipitation of the last hour
  before its time only; the two hours before it are in no value;
- output more often than the window (hourly output, ``prec_acc_dt = 180``), or a window that does
  not divide the step: each value is the amount since the last reset, over a part of the window
  that changes from step to step;
- ``prec_acc_dt = 0`` (WRF's default): nothing is accumulated.

A window equal to the step is the step's amount, over the window ending at its stamp: daily
output stamped at 00:00 holds the day before each stamp, which climann, without time bounds,
dates by that day's middle (:func:`ending_window`, :func:`~climann.data.time_cells.ending_middles`),
as it does any value whose ``long_name`` says "in the last 24 hours" (GloFAS's ``dis24``); the
warning about such stamps says so, with the line that writes those bounds.

Such a variable is refused as target or predictor (:func:`refuse_window_mismatches`), naming the
window and the step; the amount of each step is the difference of WRF's running totals ``RAINNC``
and ``RAINC`` (which :mod:`climann.data.running_totals` gives the line for), or WRF run again with
``prec_acc_dt`` equal to its ``history_interval``.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence

import numpy as np
import xarray as xr

from climann.data.fill_like import time_dimension
from climann.data.sources import name_in_file, variable_where
from climann.errors import ClimannError

__all__ = ["ENDING_WORDS", "WINDOW_ATTRIBUTE", "WINDOW_TOTALS", "WRF_WINDOWS", "ending_window", "is_window_total",
           "names_a_window_total", "refuse_window_mismatches", "window_end_reason", "window_length",
           "window_mismatch"]

#: WRF's amounts over its ``prec_acc_dt`` windows (Registry.EM_COMMON).
WINDOW_TOTALS = frozenset({"PREC_ACC_NC", "PREC_ACC_C", "SNOW_ACC_NC"})

#: The global attribute of ``wrfout`` files holding ``prec_acc_dt``, in minutes.
WINDOW_ATTRIBUTE = "PREC_ACC_DT"

#: WRF's words for the window in the variables' ``description``.
_WINDOW_WORDS = re.compile(r"\bprec_acc_dt\b", re.IGNORECASE)


def names_a_window_total(name: str, attrs: Mapping[str, object]) -> bool:
    """Whether a variable of name ``name`` and attributes ``attrs`` is one of WRF's amounts over
    ``prec_acc_dt`` windows: by its name (:data:`WINDOW_TOTALS`) or by its ``description`` or
    ``long_name`` naming ``prec_acc_dt``.

    Examples
    --------
    >>> names_a_window_total("PREC_ACC_NC", {})
    True
    >>> names_a_window_total("rain", {"description": "ACCUMULATED CUMULUS PRECIPITATION OVER prec_acc_dt PERIODS"})
    True
    >>> names_a_window_total("RAINNC", {"description": "ACCUMULATED TOTAL GRID SCALE PRECIPITATION"})
    False
    """
    return str(name).upper() in WINDOW_TOTALS or any(
        _WINDOW_WORDS.search(str(attrs.get(key, ""))) for key in ("description", "long_name"))


#: Words of a ``long_name`` or ``description`` that put each value over the period ending at its
#: stamp: GloFAS's ``dis24``, "Mean discharge in the last 24 hours" (ECMWF parameter 240024, stamped
#: 00 UTC: the day before); "in the previous 24 hours", "over the past day", "preceding 6 hours".
ENDING_WORDS = re.compile(
    r"\b(?:last|previous|past|preceding)\s+(?:\d+\s*(?:-\s*)?(?:h|hr|hrs|hours?)\b|24h\b|day\b|hour\b)", re.IGNORECASE)


def window_end_reason(name: str, attrs: Mapping[str, object]) -> str:
    """What says each value of a variable is over the window ending at its stamp, "" when nothing
    does: WRF's amounts over ``prec_acc_dt`` windows (:func:`names_a_window_total`), or a
    ``long_name`` or ``description`` with :data:`ENDING_WORDS`.

    Examples
    --------
    >>> window_end_reason("dis24", {"long_name": "Mean discharge in the last 24 hours"})
    "its long_name 'Mean discharge in the last 24 hours'"
    >>> window_end_reason("PREC_ACC_NC", {})
    "WRF's totals over prec_acc_dt windows"
    >>> window_end_reason("tas", {"long_name": "Near-Surface Air Temperature"})
    ''
    """
    if names_a_window_total(name, attrs):
        return WRF_WINDOWS
    for key in ("long_name", "description"):
        if ENDING_WORDS.search(str(attrs.get(key, ""))):
            return f"its {key} '{attrs[key]}'"
    return ""


#: :func:`window_end_reason` of WRF's amounts.
WRF_WINDOWS = "WRF's totals over prec_acc_dt windows"

#: The length in :data:`ENDING_WORDS`: a number of hours, ``24h``, or one day or hour.
_LENGTH_WORDS = re.compile(r"(?:(\d+)\s*(?:-\s*)?(?:h|hr|hrs|hours?)\b|(24)h\b|(day)\b|(hour)\b)", re.IGNORECASE)


def window_length(reason: str) -> datetime.timedelta | None:
    """The length of the window that ``reason`` (:func:`window_end_reason`) quotes: 24 hours for
    "Mean discharge in the last 24 hours", 6 hours for "in the last 6 hours", a day for "over
    the past day"; None for WRF's windows (their length is ``PREC_ACC_DT``, which
    :func:`refuse_window_mismatches` requires to be the time step) and when nothing says one.

    Examples
    --------
    >>> window_length("its long_name 'Mean discharge in the last 24 hours'")
    datetime.timedelta(days=1)
    >>> window_length("its description 'precipitation over the preceding 6 hours'")
    datetime.timedelta(seconds=21600)
    >>> window_length(WRF_WINDOWS) is None
    True
    """
    found = ENDING_WORDS.search(reason) if reason != WRF_WINDOWS else None
    if found is None:
        return None
    hours, day_hours, day, hour = _LENGTH_WORDS.search(found.group(0)).groups()
    if day:
        return datetime.timedelta(days=1)
    return datetime.timedelta(hours=int(hours or day_hours or 1))


def ending_window(reason: str, step: datetime.timedelta | None) -> datetime.timedelta | None:
    """The window ending at each stamp that a value is over, on an axis of fixed steps ``step``:
    the length ``reason`` (:func:`window_end_reason`) says (:func:`window_length`), or the step
    for WRF's windows (refused unless ``PREC_ACC_DT`` is the step); None when nothing says the
    values end at their stamps, or the steps are calendar months or unknown (``step`` None).

    A monthly axis is never read so: "Mean discharge in the last 24 hours" averaged by month
    (``cdo monmean`` keeps the long_name) is a month's mean, not the 24 hours before its stamp,
    and reading it as ending there moved each month into the one before it.

    Parameters
    ----------
    reason : str
        :func:`window_end_reason` of the variable, "" when nothing says it.
    step : datetime.timedelta or None
        The axis's fixed step (a day, 6 hours); None for steps of calendar months or none known.

    Returns
    -------
    datetime.timedelta or None
        The window [stamp - window, stamp] each value is over.

    Examples
    --------
    >>> ending_window("its long_name 'Mean discharge in the last 24 hours'", datetime.timedelta(days=1))
    datetime.timedelta(days=1)
    >>> ending_window(WRF_WINDOWS, datetime.timedelta(hours=6))
    datetime.timedelta(seconds=21600)
    >>> ending_window("its long_name 'Mean discharge in the last 24 hours'", None) is None
    True
    """
    if not reason or step is None:
        return None
    return window_length(reason) or step


def is_window_total(name: str, variable: xr.DataArray) -> bool:
    """Whether ``variable`` is one of WRF's amounts over ``prec_acc_dt`` windows
    (:func:`names_a_window_total`), by its name in its file too."""
    return names_a_window_total(name_in_file(variable, name), variable.attrs) or names_a_window_total(
        name, variable.attrs)


def _window_minutes(dataset: xr.Dataset) -> float | None:
    """``PREC_ACC_DT`` of the files (minutes), None when they do not say it."""
    value = dataset.attrs.get(WINDOW_ATTRIBUTE)
    if value is None:
        return None
    try:
        return float(np.asarray(value).item())
    except (TypeError, ValueError):
        return None


def _steps_minutes(times: np.ndarray) -> np.ndarray:
    """The differences of consecutive times, in minutes (cftime dates or datetime64)."""
    if np.issubdtype(times.dtype, np.datetime64):
        return np.diff(times) / np.timedelta64(1, "m")
    return np.array([(after - before) / datetime.timedelta(minutes=1) for before, after in zip(times[:-1], times[1:])])


def window_mismatch(name: str, variable: xr.DataArray, dataset: xr.Dataset) -> str | None:
    """Why the values of a WRF window amount (:func:`is_window_total`) are not the amount of each
    time step, for the message; None when they are (every step is the window) or when ``variable``
    is no window amount or has no time axis of two steps or more.

    Parameters
    ----------
    name : str
        The variable's name.
    variable : xarray.DataArray
        With its time dimension (dates).
    dataset : xarray.Dataset
        Holding the global attribute ``PREC_ACC_DT`` (:data:`WINDOW_ATTRIBUTE`, minutes).

    Returns
    -------
    str or None
        What each value is instead ("the precipitation of the last 60 minutes before its time
        only, not of the 180-minute step: …").
    """
    time = time_dimension(variable)
    if time is None or not is_window_total(name, variable):
        return None
    window = _window_minutes(dataset)
    if window is None:
        return (f"the files do not say its window (WRF's prec_acc_dt, the global attribute {WINDOW_ATTRIBUTE} of "
                "wrfout files), so whether a value is the amount of its step, of a part of it, or of a part of a "
                "longer window cannot be told")
    if window <= 0:
        return f"{WINDOW_ATTRIBUTE} = {window:g}: WRF accumulated nothing into it (prec_acc_dt = 0, its default)"
    steps = _steps_minutes(np.asarray(dataset[time].values))
    if steps.size == 0 or np.allclose(steps, window):
        return None
    found = sorted({float(f"{step:g}") for step in steps})
    shown = " to ".join(f"{step:g}" for step in (found[0], found[-1])) if len(found) > 1 else f"{found[0]:g}"
    if all(step > window and (step / window) % 1 == 0 for step in found):
        share = 1 - window / found[0]
        return (f"WRF sets it to 0 every {window:g} minutes ({WINDOW_ATTRIBUTE}), and the files hold a value every "
                f"{shown} minutes: each value is the amount of the last {window:g} minutes before its time only, not "
                f"of its step" + (f" ({share:.0%} of each step's precipitation is in no value)" if len(found) == 1
                                  else ""))
    return (f"WRF sets it to 0 every {window:g} minutes ({WINDOW_ATTRIBUTE}), and the files hold a value every "
            f"{shown} minutes: each value is the amount since the last reset, over a part of the {window:g}-minute "
            "window that changes from step to step, not the amount of its step")


def refuse_window_mismatches(dataset: xr.Dataset, names: Sequence[str], *, where: str) -> None:
    """Refuse target or predictors that are WRF amounts over ``prec_acc_dt`` windows other than
    the time step (:func:`window_mismatch`), with the ways to the amount of each step.

    Parameters
    ----------
    dataset : xarray.Dataset
        As opened, its global attributes kept.
    names : sequence of str
        The run's target and predictors.
    where : str
        The files, when a variable does not record its own.

    Raises
    ------
    ClimannError
        Naming the variables, their window and step, and the ways out.
    """
    reasons = {name: reason for name in names if name in dataset.data_vars
               and (reason := window_mismatch(name, dataset[name], dataset)) is not None}
    if not reasons:
        return
    first = next(iter(reasons))
    what = "; ".join(f"{name}: {reason}" for name, reason in reasons.items())
    listed = ", ".join(reasons)
    totals = [total for total in ("RAINNC", "RAINC") if total in dataset.data_vars]
    running = (f"the files' running totals {' and '.join(totals)} (give them as target or predictors: climann "
               "refuses them with the line that writes each step's amount)" if totals
               else "WRF's running totals RAINNC and RAINC (write them in the history output: climann refuses them "
                    "with the line that writes each step's amount)")
    raise ClimannError(
        f"{listed} in {variable_where(dataset[first], where)} {'are' if len(reasons) > 1 else 'is'} WRF's "
        f"precipitation over prec_acc_dt windows, not the amount of each time step ({what}); the amount of each step "
        f"is the difference of consecutive values of {running}, or run WRF with prec_acc_dt equal to its "
        "history_interval")
