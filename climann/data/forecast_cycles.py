"""Forecasts started at several times of day (cycles), beside coarser observations.

CFSv2 starts four forecasts a day, at 00, 06, 12 and 18 UTC. At one lead time their valid
times are 6-hourly, and beside daily observations they are refused as a finer series. The
usual advice for a finer series, daily means with ``cdo daymean``, destroys a forecast: CDO
averages over the reference times (its time axis), drops the valid times
``time(reftime, leadtime)`` and the CF standard names, and climann then dates the file by its
starts (break41c C4). The four cycles are four forecasts, not four values of one day: the way
out is to choose one cycle, keeping the file's own times and lead times
(:func:`one_cycle_advice`), with xarray (CDO's ``selhour`` also drops the valid times and the
standard names of a file whose time axis is its reference times).
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import numpy as np
import xarray as xr

from climann.data.forecast_times import TIME_UNIT_CODES
from climann.data.shell import input_and_copy, python_command, whole_write, working_path

#: How :func:`climann.data.time_axes` says a chosen lead time: ``leadtime = 168 hours``.
_LEAD_TEXT = re.compile(r"=\s*([-+0-9.eE]+)\s+(\w+)")


def reference_hours(path: str | Path, reference: str) -> list[int]:
    """The hours of the day (UTC) of the reference times ``reference`` of the file ``path``,
    sorted; empty when they cannot be read as dates.

    Parameters
    ----------
    path : str or Path
        The forecast file.
    reference : str
        The file's name of its reference-time dimension (CF ``forecast_reference_time``).

    Returns
    -------
    list of int
        Each hour once (``[0, 6, 12, 18]`` for CFSv2's four cycles).
    """
    from climann.data.grib import open_grib
    from climann.data.handles import open_file  # every input through its one handle
    from climann.data.paths import is_grib

    opener = open_grib if is_grib(path) else open_file
    try:
        with opener(Path(path), decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)) as dataset:
            times = np.asarray(dataset[reference].values).ravel()
    except (OSError, ValueError, KeyError, TypeError):
        return []
    if not len(times) or not hasattr(times[0], "hour"):
        return []
    return sorted({int(time.hour) for time in times})


def _lead_hours(lead: str | None) -> float | None:
    """The chosen lead time in hours from its text (``leadtime = 168 hours``); None when its
    units are not of fixed length or it is not said."""
    found = _LEAD_TEXT.search(lead or "")
    code = TIME_UNIT_CODES.get(found.group(2).lower()) if found else None
    if code is None:
        return None
    return float(found.group(1)) * float(np.timedelta64(1, code) / np.timedelta64(1, "h"))


def one_cycle_advice(path: str | Path, reference: str, lead: str | None, variable: str) -> str | None:
    """The way out for a forecast file ``path`` of several cycles a day: choose one, with the
    xarray line that writes a copy of the starts at one hour (``isel`` on the reference times'
    hour: every variable, coordinate and attribute kept, the valid times among them). The hour
    offered is one whose valid times, at the chosen ``lead``, fall inside a day (12:00 for a lead
    of whole days, when there is a 12 UTC cycle), so that they are no day boundary (00:00) a
    daily observation's cell could open or close; else the first.

    Parameters
    ----------
    path : str or Path
        The forecast file.
    reference : str
        Its name of the reference-time dimension.
    lead : str or None
        The chosen lead time as said (``leadtime = 168 hours``).
    variable : str
        The forecast variable, for the words.

    Returns
    -------
    str or None
        The advice; None when the file's reference times are not at several hours of the day.
    """
    hours = reference_hours(path, reference)
    if len(hours) < 2:
        return None
    lead_hours = _lead_hours(lead)
    valid = {hour: (hour + lead_hours) % 24 if lead_hours is not None else None for hour in hours}
    inside = [hour for hour in hours if valid[hour] not in (None, 0)]
    chosen = min(inside, key=lambda hour: abs(valid[hour] - 12)) if inside else hours[0]
    files = shlex.split(input_and_copy(path, f"{chosen:02d}utc"))
    code = (f"import sys, xarray as xr; d = xr.open_dataset({working_path(path)!r}); "
            f"d = d.isel({{{reference!r}: d[{reference!r}].dt.hour == {chosen}}}); "
            + whole_write(target=repr(working_path(files[-1]))))
    cycles = ", ".join(f"{hour:02d}" for hour in hours)
    return (f"{variable} is a forecast started {len(hours)} times a day (its {reference} at {cycles} UTC): each "
            f"start is its own forecast, not a value within a day, and averaging over the starts (cdo daymean) would "
            f"lose their valid times; choose one cycle first, e.g. the starts at {chosen:02d} UTC with "
            f"`{python_command(code)}`, and give that copy in place of {Path(path).name}")
