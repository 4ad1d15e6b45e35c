"""One GRIB record converted by NCL's ``ncl_convert2nc``: its date only in attributes, made a time coordinate.

``ncl_convert2nc`` writes the records of one initial time without an ``initial_time0_hours``
dimension: a field ``SHTFL_GDS4_SFC_ave3h(g4_lat_0, g4_lon_1)`` or NCEP Stage IV's
``APCP_P8_L1_GST0_acc(ygrid_0, xgrid_0)`` says when it is valid only in its attributes
``initial_time = "01/01/2017 (06:00)"`` (month/day/year (hour:minute), the GRIB reference time),
``forecast_time = 6`` with ``forecast_time_units = "hours"`` (the lead), and, for a statistic,
``statistical_process_duration = "6 hours (ending at forecast time)"`` or ``"initial time to
forecast time"`` (NCL, "GRIB2 file conventions"). Such a file has no time coordinate and was
refused as having none, with no way out (fix49d). :func:`one_record_dating_advice` reads those
attributes and gives the ``ncap2`` line that writes a copy with a CF scalar time (CF 1.8 §5.7,
read as one step: :mod:`climann.data.scalar_coordinates`): the valid time, reference + lead, with
the statistic's window as its CF bounds (§7.1: [end − duration, end]). An accumulation whose
``forecast_time`` NCL gives as 0 (Stage IV) ends ``duration`` after its start: the end is the
reference plus the larger of the lead and the duration, as
:mod:`climann.data.undated_files` dates a folder of such files.

Several such files of one variable are refused as undated files, with a loop that dates each
(:mod:`climann.data.undated_files`); this is the one-file case.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import xarray as xr

from climann.data.shell import input_and_copy, one_copy_advice, values_command
from climann.data.time_axis import TIME_UNIT_CODES

__all__ = ["FROM_THE_START", "NCL_DURATION", "NCL_INITIAL_TIME", "one_record_dating_advice"]

#: ``ncl_convert2nc``'s reference time of a GRIB record (``initial_time = "01/01/2017 (12:00)"``).
NCL_INITIAL_TIME = re.compile(r"^\s*\d{2}/\d{2}/\d{4} \(\d{2}:\d{2}\)\s*$")

#: ``statistical_process_duration`` of a window ending at the lead time (``"3 hours (ending at
#: forecast time)"``), or from the start to it (:data:`FROM_THE_START`).
NCL_DURATION = re.compile(r"^\s*(?P<length>\d+(?:\.\d+)?)\s*(?P<units>[a-z]+)\s*\(ending at forecast time\)\s*$",
                          re.IGNORECASE)
#: ``statistical_process_duration`` of a window from the initial time to the lead time.
FROM_THE_START = re.compile(r"^\s*initial time to forecast time\s*$", re.IGNORECASE)

#: The attributes that date one record, as :func:`one_record_dating_advice` reads them.
_DATING_ATTRIBUTES = ("initial_time", "forecast_time", "forecast_time_units", "statistical_process_duration")


def _hours(value: float, units: str) -> float | None:
    """``value`` in ``units`` (a word of :data:`~climann.data.time_axis.TIME_UNIT_CODES`) in hours."""
    code = TIME_UNIT_CODES.get(units.strip().lower())
    return None if code is None else float(value) * float(np.timedelta64(1, code) / np.timedelta64(1, "h"))


def record_dates(attrs: dict) -> tuple[dt.datetime, float | None] | None:
    """The end of a record's window (or its valid time) and the window's length in hours (None
    for an instantaneous value), from ``ncl_convert2nc``'s attributes ``attrs``; None when they
    do not date it (no ``initial_time``, a lead or duration in units that are not of time, a
    window that is not read).

    Examples
    --------
    >>> record_dates({"initial_time": "01/01/2017 (06:00)", "forecast_time": 0, "forecast_time_units": "hours",
    ...               "statistical_process_duration": "6 hours (ending at forecast time)"})
    (datetime.datetime(2017, 1, 1, 12, 0), 6.0)
    """
    initial = str(attrs.get("initial_time", ""))
    if not NCL_INITIAL_TIME.match(initial):
        return None
    lead = np.ravel(np.asarray(attrs.get("forecast_time", 0)))
    hours = _hours(float(lead[0]), str(attrs.get("forecast_time_units", "hours"))) if lead.size == 1 else None
    if hours is None:
        return None
    start = dt.datetime.strptime(initial.strip(), "%m/%d/%Y (%H:%M)")
    duration = str(attrs.get("statistical_process_duration", "")).strip()
    if not duration:
        return start + dt.timedelta(hours=hours), None
    if FROM_THE_START.match(duration):
        return start + dt.timedelta(hours=hours), hours
    said = NCL_DURATION.match(duration)
    length = _hours(float(said["length"]), said["units"]) if said else None
    if length is None:
        return None
    return start + dt.timedelta(hours=max(hours, length)), length


def one_record_dating_advice(dataset: xr.Dataset) -> str:
    """The way out for a file without a time whose fields ``ncl_convert2nc`` dated only in their
    attributes (module description), all alike: what they say and the ``ncap2`` line that writes
    a dated copy, as words to end a refusal with (``"; …"``); ``""`` for any other file, or fields
    dated differently (each then needs a file of its own).

    Examples
    --------
    >>> d = xr.Dataset({"APCP": (("y", "x"), np.zeros((1, 1)), {
    ...     "initial_time": "01/01/2017 (06:00)", "forecast_time": 6, "forecast_time_units": "hours",
    ...     "statistical_process_duration": "6 hours (ending at forecast time)"})})
    >>> d.encoding["source"] = "ST4.2017010112.06h.nc"
    >>> advice = one_record_dating_advice(d)
    >>> print(advice[:advice.index("; write")])  # doctest: +NORMALIZE_WHITESPACE
    ; ncl_convert2nc dated its one record only in the attributes initial_time '01/01/2017 (06:00)', forecast_time 6
    hours and statistical_process_duration '6 hours (ending at forecast time)' (APCP): valid 2017-01-01 12:00, over
    2017-01-01 06:00 to 2017-01-01 12:00
    >>> 'time@units="hours since 2017-01-01 12:00:00"' in advice, "time_bnds[$nv]={-6.0,0.0}" in advice
    (True, True)
    """
    said = {str(name): tuple(str(variable.attrs.get(key, "")).strip() for key in _DATING_ATTRIBUTES)
            for name, variable in dataset.data_vars.items() if "initial_time" in variable.attrs}
    source = dataset.encoding.get("source")
    if not said or len(set(said.values())) > 1 or not source:
        return ""
    name = next(iter(said))
    dates = record_dates(dataset[name].attrs)
    if dates is None:
        return ""
    end, length = dates
    initial, lead, units, duration = next(iter(said.values()))
    words = f"initial_time {initial!r}, forecast_time {lead} {units}" + (
        f" and statistical_process_duration {duration!r}" if duration else "")
    stamp = f"{end:%Y-%m-%d %H:%M}"
    scripts = [f'time=0.0;time@units="hours since {end:%Y-%m-%d %H:%M:%S}";time@standard_name="time"']
    statements = [f"d = d.assign_coords(time=((), 0.0, {{'units': 'hours since {end:%Y-%m-%d %H:%M:%S}', "
                  "'standard_name': 'time'}))"]
    window = ""
    if length is not None:
        window = f", over {end - dt.timedelta(hours=length):%Y-%m-%d %H:%M} to {stamp}"
        scripts[0] += f';time@bounds="time_bnds";defdim("nv",2);time_bnds[$nv]={{{-length!r},0.0}}'
        statements += ["d['time'].attrs['bounds'] = 'time_bnds'", f"d['time_bnds'] = (('nv',), [{-length!r}, 0.0])"]
    files = input_and_copy(source, "dated")
    return (f"; ncl_convert2nc dated its one record only in the attributes {words} ({', '.join(said)}): valid "
            f"{stamp}{window}; write a copy with that time as its coordinate, e.g. "
            + one_copy_advice(lambda arguments: f"`{values_command(scripts, statements, arguments)}`", files, "dated"))
