"""A time axis that is not dates, among several files: refused before their times are compared.

A file alone whose time coordinate was not read as dates (no units, text, decimal years; see
:func:`~climann.data.time_units.time_units_problem`) is refused in one line when its grid is
described (:func:`climann.data.variables.grid_layout`). Beside other files, their times are
compared first (overlaps, calendars, common steps), and every such comparison takes the
values for dates: the LIS/OTD lightning climatology ``HRMC_COM_FR(Month, …)``, ``Month``
1 … 12 without units, beside a monthly series ended in "AttributeError: 'numpy.int32' object
has no attribute 'total_seconds'" (break33a A4). :func:`check_times_are_dates` refuses it as
the file alone is, before any comparison; an axis of the months 1 … 12 (a climatology per
calendar month) gets the Python line that writes it on a dated file's months, which trains as
a predictor beside it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import xarray as xr

from climann.data.coords import time_coordinate
from climann.data.forecast_times import is_dated
from climann.data.long_name_dates import long_name_reference_advice
from climann.data.shell import copy_path, dated_copies, python_command, whole_write, working_path
from climann.data.text_times import conversion_statements, text_dates
from climann.data.time_units import undecoded_time_message
from climann.data.year_attribute_months import month_numbers_problem
from climann.errors import ClimannError

__all__ = ["check_times_are_dates", "climatology_months_advice"]


def check_times_are_dates(files: Mapping[Path, xr.Dataset]) -> None:
    """Refuse a file of several whose time coordinate holds no dates.

    Parameters
    ----------
    files : mapping of Path to xarray.Dataset
        Each file as opened (lazy; only the time coordinates are read), in the order given.

    Raises
    ------
    ClimannError
        If a file's time coordinate (:func:`~climann.data.coords.time_coordinate`) has
        values that are not dates; the message says why (its units) and, for the months
        1 … 12 of a climatology, how to put them on another file's dated months.
    """
    dated = next((path for path, dataset in files.items() if _dated_time(dataset) is not None), None)
    for path, dataset in files.items():
        time = time_coordinate(dataset)
        if time is None or dataset[time].size == 0 or is_dated(dataset[time]):
            continue
        message = undecoded_time_message(dataset[time], path.name, path)
        undated = {other: opened[name] for other, opened in files.items()
                   if (name := time_coordinate(opened)) is not None and not is_dated(opened[name])}
        if (loop := long_name_reference_advice(undated)) is not None:  # a folder of CAMS Europe's months
            message = f"time coordinate '{time}' in {path.name} could not be read as dates: {loop}"
        elif len(undated) > 1 and (dates := text_dates(dataset[time])) is not None and "%j" in dates.format:
            # the old IMS files' YYYYDDD, one a day: the line for the first file alone meets the refusal at the next
            message = (f"time coordinate '{time}' in {path.name} could not be read as dates: it holds them as numbers "
                       f"of a date's digits ({dates.quoted()}: YYYYDDD, year and day of the year), without units; a CF "
                       "time coordinate holds numbers in units of time since a date (CF §4.4); write a copy of each "
                       f"file with its dates as one: {dated_copies(conversion_statements(dates), list(undated))}")
        elif len(undated) > 1 and (loop := month_numbers_problem(dataset[time], path, list(undated))) is not None:
            # a folder of GIMMS NDVI3g v1's half-years, each file's Year its own: one loop (break47b A3)
            message = f"time coordinate '{time}' in {path.name} could not be read as dates: {loop}"
        if dated is not None and _calendar_months(dataset[time]):
            message += f"; {_on_months_advice(path, str(time), dated, str(_dated_time(files[dated])))}"
        elif (advice := climatology_months_advice(dataset[time], path)) is not None:
            message += f"; {advice}"
        raise ClimannError(message)


def _dated_time(dataset: xr.Dataset) -> str | None:
    """The name of ``dataset``'s time coordinate when it holds dates, else None."""
    time = time_coordinate(dataset)
    return time if time is not None and dataset[time].size and is_dated(dataset[time]) else None


def _calendar_months(time: xr.DataArray) -> bool:
    """Whether ``time`` holds whole numbers of the months 1 … 12, each once (a climatology per
    calendar month, LIS/OTD's ``Month``)."""
    values = np.asarray(time.values)
    if time.ndim != 1 or values.dtype.kind not in "iuf" or not np.isfinite(values).all():
        return False
    return bool(np.all(values == np.round(values)) and len(set(values.tolist())) == values.size
                and set(values.tolist()) <= set(range(1, 13)))


def climatology_months_advice(time: xr.DataArray, path: str | Path) -> str | None:
    """The advice for a time axis of the calendar months 1 … 12 without units in a file alone
    (LIS/OTD's ``Month``; a climatology per calendar month, CF-1.8 §7.4, that does not say so):
    the Python line that gives each month a date (the 15th of its month in the first year
    averaged) and the climatology bounds of the years it averages (from the 1st of its month in
    the first year to the 1st of the next month in the last: CF §7.4's example), the time axis
    marked by its ``climatology`` attribute, which ``predict`` and ``evaluate --data`` read as
    its months' means over the years. The years are the user's (``FIRST``, ``LAST``): no such
    file says them in its time axis. None for any other axis.

    Parameters
    ----------
    time : xarray.DataArray
        The file's time coordinate, not read as dates.
    path : str or Path
        The file.

    Returns
    -------
    str or None
    """
    if not _calendar_months(time):
        return None
    name, path = str(time.name), Path(path)
    copy = working_path(copy_path(path, suffix="dated"))
    day = ("day = lambda y, k: cftime.date2num(cftime.datetime(y + (k > 12), (k - 1) % 12 + 1, 1, calendar=cal), "
           "u, cal)")
    marks = "dict(units=u, calendar=cal, standard_name='time', axis='T', climatology='climatology_bnds')"
    rename = "" if name == "time" else f".rename({{'{name}': 'time'}})"
    code = (f"import sys, cftime, xarray as xr; first, last = FIRST, LAST; cal = 'standard'; "
            f"u = 'days since %04d-01-01' % first; {day}; c = xr.open_dataset('{working_path(path)}'); "
            f"m = [int(k) for k in c['{name}'].values]; "
            f"c = c.assign_coords({{'{name}': ('{name}', [day(first, k) + 14 for k in m], {marks})}}); "
            f"c['climatology_bnds'] = (('{name}', 'nv'), [[day(first, k), day(last, k + 1)] for k in m]); "
            + whole_write(f"c{rename}.to_netcdf", f"'{copy}'"))
    return (f"its values ('{name}' 1 … 12) look like the calendar months of a climatology (CF §7.4), which a "
            f"time axis says with dates and the years it averages: write them, FIRST and LAST the first and last "
            f"of those years, e.g. {python_command(code)}, and give {Path(copy).name} to climann predict or "
            f"evaluate --data, which read a climatology as its months' means over the years (training needs the "
            f"series it was computed from)")


def _on_months_advice(path: Path, months: str, dated: Path, time: str) -> str:
    """The Python line that writes the climatology of ``path`` (on ``months``, 1 … 12) on the
    dated times ``time`` of ``dated``: each step gets its calendar month's values."""
    copy = working_path(copy_path(path, suffix=f"on_{dated.stem}_{time}"))
    code = (f"import sys, xarray as xr; c = xr.open_dataset('{working_path(path)}'); "
            f"t = xr.open_dataset('{working_path(dated)}')['{time}']; "
            + whole_write(f"c.sel({months}=t.dt.month).drop_vars('{months}').to_netcdf", f"'{copy}'"))
    return (f"its values ('{months}' 1 … 12) look like the calendar months of a climatology: to use it beside "
            f"{dated.name}, write it on that file's times first (each step gets its month's values), e.g. "
            f"{python_command(code)}, and give {Path(copy).name} in place of {path.name}")
