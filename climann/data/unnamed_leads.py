"""Forecast lead times that no CF standard name marks, read as lead times or refused.

A forecast file stores its fields by the time the forecast started (CF
``forecast_reference_time``) and their lead time (CF ``forecast_period``); the time they are
valid at is the sum (CF standard name table). :mod:`climann.data.forecast_times` dates such
fields at reference + lead once the two carry those standard names. CAMS's European
air-quality forecasts, as the ADS and many scripts write them, carry neither: ``pm10(time,
leadtime, level, latitude, longitude)``, ``time`` dated with ``long_name = "FORECAST base
time"`` and ``leadtime`` in ``hours`` (``long_name = "LEADTIME"``). Read without those words, the
lead was an extra dimension like any other, and ``--select leadtime=24`` kept each 24-hour
forecast at its start: beside an analysis it was paired with the analysis of the day it was
issued, a linear baseline's test MSE 27.2 where the correctly paired values give 0.25 (break49d
A1, exit 0).

:func:`with_lead_names` finds a dimension that looks like a lead time (:func:`is_lead_like`: its
name or ``long_name`` says so, in units of time) beside a dated time axis on the same variables,
and marks the two ``forecast_period`` and ``forecast_reference_time`` when the time axis says it
is the forecasts' start (its CF standard name, cfgrib's ``long_name`` "initial time of forecast",
or a ``long_name`` with base, reference, initial, start, issue or run time). A time axis marked
CF ``standard_name = "time"`` is the valid time (cfgrib's ``time_dims=("valid_time", "step")``:
at each valid time, forecasts of several leads) and is left as it is. Any other time axis may be
either, and the file is refused, with the ``ncatted`` that says which.
"""

from __future__ import annotations

import re

import numpy as np
import xarray as xr

from climann.data.forecast_times import (
    FORECAST_PERIOD, FORECAST_REFERENCE_TIME, is_dated, is_duration_units, is_reference_time,
)
from climann.data.shell import attribute_command, ncatted_attribute, source_and_copy
from climann.errors import ClimannError

__all__ = ["LEAD_NAMES", "is_lead_like", "is_start_time", "unnamed_lead_pairs", "with_lead_names"]

#: Names (lower case) that lead-time dimensions go by without a CF standard name: CAMS's
#: ``leadtime``, cfgrib's ``step``, S2S and climpred's ``lead``, CF's own ``forecast_period``.
LEAD_NAMES = frozenset({"leadtime", "lead_time", "lead", "step", "forecast_period", "forecast_step",
                        "forecast_hour", "forecast_time", "fcst_time"})

#: A ``long_name`` of a lead time: "LEADTIME", "lead time", "forecast time", "forecast period", "forecast step".
_LEAD_LONG_NAME = re.compile(r"\blead[\s_-]*times?\b|\bforecast[\s_-]*(?:time|period|step|hour)s?\b",
                             re.IGNORECASE)

#: A ``long_name`` of a forecast's start: "FORECAST base time", "reference time", "initial time",
#: "initialization time", "start time", "issue time", "run time", "analysis time" of a forecast.
_START_LONG_NAME = re.compile(
    r"\b(?:base|reference|initial|initiali[sz]ation|init|start|starting|issue|run)[\s_-]*(?:time|date)\b"
    r"|\bforecast[\s_-]*(?:base|start|reference|origin)\b", re.IGNORECASE)


def is_lead_like(name: str, coordinate: xr.DataArray) -> bool:
    """Whether a 1-D coordinate on its own dimension looks like a forecast's lead time: CF
    ``standard_name = "forecast_period"``, or a name of :data:`LEAD_NAMES` or a ``long_name``
    saying lead or forecast time, with values that are durations (``timedelta64``, or numbers in
    units of time without ``since``: ``hours``, ``days``).

    Examples
    --------
    >>> is_lead_like("leadtime", xr.DataArray([0, 24], dims="leadtime", attrs={"units": "hours"}))
    True
    >>> is_lead_like("leadtime", xr.DataArray([0, 24], dims="leadtime", attrs={"units": "m"}))
    False
    """
    if coordinate.dims != (name,):
        return False
    said = str(coordinate.attrs.get("standard_name", "")).strip()
    if said == FORECAST_PERIOD:
        return True
    if said or not (name.lower() in LEAD_NAMES or _LEAD_LONG_NAME.search(str(coordinate.attrs.get("long_name", "")))):
        return False
    if np.issubdtype(coordinate.dtype, np.timedelta64):
        return True
    return np.issubdtype(coordinate.dtype, np.number) and is_duration_units(str(coordinate.attrs.get("units", "")))


def is_start_time(coordinate: xr.DataArray) -> bool:
    """Whether a dated time axis says it is the forecasts' start: CF ``forecast_reference_time``,
    cfgrib's ``long_name`` (:func:`~climann.data.forecast_times.is_reference_time`), or a
    ``long_name`` naming a base, reference, initial, start, issue or run time ("FORECAST base time")."""
    return is_reference_time(coordinate) or bool(_START_LONG_NAME.search(str(coordinate.attrs.get("long_name", ""))))


def unnamed_lead_pairs(dataset: xr.Dataset) -> list[tuple[str, str]]:
    """Each (time axis, lead dimension) of ``dataset`` that a data variable lies on together and
    that CF does not already say: a dated 1-D time axis on its own dimension, without CF
    ``standard_name = "time"`` (then the valid time) and with no valid time of its own lying on
    it (cfgrib's ``valid_time(time, step)``), beside a lead-like dimension (:func:`is_lead_like`),
    the two not both marked already."""
    pairs = []
    for name, axis in dataset.coords.items():
        if axis.dims != (name,) or not is_dated(axis) or axis.attrs.get("standard_name") == "time":
            continue
        if any(other.attrs.get("standard_name") == "time" and name in other.dims
               for key, other in dataset.coords.items() if key != name):
            continue
        for lead, coordinate in dataset.coords.items():
            if lead == name or not is_lead_like(str(lead), coordinate):
                continue
            if not any({name, lead} <= set(variable.dims) for variable in dataset.data_vars.values()):
                continue
            if (axis.attrs.get("standard_name") == FORECAST_REFERENCE_TIME
                    and coordinate.attrs.get("standard_name") == FORECAST_PERIOD):
                continue
            pairs.append((str(name), str(lead)))
    return pairs


def with_lead_names(dataset: xr.Dataset, *, where: str) -> xr.Dataset:
    """``dataset`` with each lead-like dimension beside a time axis that says it is the
    forecasts' start (:func:`unnamed_lead_pairs`, :func:`is_start_time`) marked CF
    ``forecast_period``, and the time axis ``forecast_reference_time``, so that
    :mod:`climann.data.forecast_times` dates the fields at start + lead.

    Parameters
    ----------
    dataset : xarray.Dataset
        One file as opened, times decoded.
    where : str
        The file, for the message.

    Returns
    -------
    xarray.Dataset
        ``dataset`` itself when it has no such pair.

    Raises
    ------
    ClimannError
        When the time axis does not say whether it is the forecasts' start or their valid time:
        read as it is, a 24-hour forecast would be dated at its start. The message gives the
        ``ncatted`` for either reading.

    Examples
    --------
    >>> import pandas as pd
    >>> d = xr.Dataset({"pm10": (("time", "leadtime"), np.zeros((2, 3)))},
    ...                coords={"time": ("time", pd.date_range("2021-01-01", periods=2),
    ...                                 {"long_name": "FORECAST base time"}),
    ...                        "leadtime": ("leadtime", [0, 24, 48], {"units": "hours"})})
    >>> marked = with_lead_names(d, where="fc.nc")
    >>> marked["time"].attrs["standard_name"], marked["leadtime"].attrs["standard_name"]
    ('forecast_reference_time', 'forecast_period')
    """
    pairs = unnamed_lead_pairs(dataset)
    for name, lead in pairs:
        if not is_start_time(dataset[name]):
            raise ClimannError(_unsure_message(dataset, name, lead, where=where))
    marked = {}
    for name, lead in pairs:
        for key, standard_name in ((name, FORECAST_REFERENCE_TIME), (lead, FORECAST_PERIOD)):
            variable = marked.get(key, dataset[key].variable.copy(deep=False))
            variable.attrs = {**variable.attrs, "standard_name": standard_name}
            marked[key] = variable
    return dataset.assign_coords(marked) if marked else dataset


def _unsure_message(dataset: xr.Dataset, name: str, lead: str, *, where: str) -> str:
    """The refusal of :func:`with_lead_names` for a time axis ``name`` that may be the forecasts'
    start or their valid time, beside the lead-like dimension ``lead``."""
    files = source_and_copy(dataset[name], dataset[lead])
    coordinate = dataset[lead]
    units = str(coordinate.attrs.get("units", "")).strip() or "a duration"
    held = ", ".join(str(key) for key, variable in dataset.data_vars.items() if {name, lead} <= set(variable.dims))
    as_start = attribute_command([ncatted_attribute("standard_name", lead, "o", "c", FORECAST_PERIOD),
                                  ncatted_attribute("standard_name", name, "o", "c", FORECAST_REFERENCE_TIME)], files)
    as_valid = attribute_command([ncatted_attribute("standard_name", name, "o", "c", "time")], files)
    said = f", long_name '{coordinate.attrs['long_name']}'" if coordinate.attrs.get("long_name") else ""
    return (f"{where}: {held} lies on the time '{name}' and on '{lead}' ({units}{said}), which looks like a forecast's "
            f"lead time, but nothing says whether '{name}' is the forecasts' start or already the time they are valid "
            f"at, so their valid times cannot be told (read as they are, a forecast "
            f"{_last_lead(coordinate)} ahead would be dated at its start); say which: if '{name}' is the start "
            f"(valid time = start + lead), `{as_start}`; if it is the valid time, `{as_valid}`")


def _last_lead(coordinate: xr.DataArray) -> str:
    """The longest lead of ``coordinate`` as words ("48 hours")."""
    values = np.asarray(coordinate.values)
    if np.issubdtype(values.dtype, np.timedelta64):
        return f"{values.max() / np.timedelta64(1, 'h'):g} hours"
    return f"{np.nanmax(values.astype(np.float64)):g} {str(coordinate.attrs.get('units', '')).strip()}"
