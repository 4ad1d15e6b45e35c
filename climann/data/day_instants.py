"""Daily statistics beside instants at 00 UTC: which instant goes with each day is a choice.

A daily total or mean (ERA5's daily sum of ``tp`` in m, of ``ssrd`` in J m-2, a daily mean:
``cell_methods = "time: sum"`` or ``"time: mean"``) stamped 00 UTC of the day it covers, beside
instantaneous analyses at 00 UTC of each day (``cell_methods = "time: point"``, or cfgrib's
``GRIB_stepType = "instant"``: ERA5's 00 UTC ``t2m``), shares their stamps: paired by stamp, each
day's total goes with the instant that opens its day (D 00 UTC). The instant that closes it
(D+1 00 UTC) is as good a partner (a day's rain after the morning's state, or the state a day's
rain leaves), and the files do not say which is meant, as for sub-daily means beside instants
(:mod:`climann.data.time_axes`, CF 7.1: a statistic's stamp may be anywhere in its cell):

- without time bounds, the statistic's day itself is read (its stamp opens it, as ERA5 stamps
  its daily statistics; :mod:`climann.data.cell_bounds`), and which instant goes with it is
  refused as a choice, with a line for each (:func:`day_cells_command`): bounds
  [time, time + 1 day] (stamped as given: paired with the instant that opens the day), or the
  same bounds stamped at the day's end (paired with the instant that closes it; both files kept
  to the steps both then hold, :func:`common_steps_command`);
- with time bounds [D, D + 1 day] stamped at one edge of their cells beside instants at the
  same stamps, each total is paired with the instant at its stamp (the rule of
  ``docs/own-data.md``: variables stamped at the same instants are paired by them), which the
  bounds say opens (stamped at the start) or closes (at the end) its day; said once, with the
  line that pairs the other way.

The copies are written whole into new folders beside the files (:func:`~climann.data.shell.whole_write`).
"""

from __future__ import annotations

from climann.data.shell import python_command, whole_write

__all__ = ["common_steps_command", "day_cells_command", "day_text"]

#: The Python (xarray) that writes a copy of one file of daily statistics whose time has CF bounds
#: [time, time + 1 day] (its own bounds kept where it has some) and is stamped at the ``{column}``
#: (0: start, 1: end) of each cell, keeping the steps whose new stamps lie from ``{first}`` to
#: ``{last}`` (None: every step): ``python -c SCRIPT IN OUT``.
_PYTHON_DAY_CELLS = (
    "import sys,numpy as np,xarray as xr;d=xr.open_dataset(sys.argv[1]);t=d[{time!r}];s=t.dims[0];"
    "b=t.attrs.get('bounds') or t.encoding.get('bounds');"
    "h=np.timedelta64(1,'D') if t.dtype.kind=='M' else __import__('datetime').timedelta(days=1);"
    "c=d[b].values if b in d.variables else np.stack([t.values,t.values+h],-1);"
    "b=b if b in d.variables else {time!r}+'_bnds';"
    "a=dict(t.attrs);a.pop('bounds',None);d=d.drop_vars([b],errors='ignore').assign_coords({{{time!r}:(s,c[:,{column}],a)}});"
    "d[b]=((s,'bnds'),c);d[{time!r}].attrs['bounds']=b;"
    "d[{time!r}].encoding.update({{k:t.encoding[k] for k in ('units','calendar') if k in t.encoding}});"
    "d=d.sel({{s:slice({first!r},{last!r})}});" + whole_write("d.to_netcdf")
)

#: The Python (xarray) that writes a copy of one file keeping the steps from ``{first}`` to ``{last}``.
_PYTHON_COMMON_STEPS = (
    "import sys,xarray as xr;d=xr.open_dataset(sys.argv[1]);s=d[{time!r}].dims[0];"
    "d=d.sel({{s:slice({first!r},{last!r})}});" + whole_write("d.to_netcdf")
)


def day_text(time: object) -> str:
    """``2001-01-02``: the day of a date (numpy, datetime or cftime), as a string xarray selects by.

    Examples
    --------
    >>> import datetime
    >>> day_text(datetime.datetime(2001, 1, 2))
    '2001-01-02'
    """
    import pandas as pd

    if not hasattr(time, "year"):
        time = pd.Timestamp(time)
    return f"{time.year:04d}-{time.month:02d}-{time.day:02d}"


def day_cells_command(edge: str, time: str, files: str, *, first: str | None = None,
                      last: str | None = None) -> str:
    """The xarray line that writes a copy (``files``: ``IN OUT``) of a file of daily statistics
    with CF time bounds (section 7.1) [time, time + 1 day] where it has none (its own kept where
    it has some), each step stamped at its cell's ``edge``, and only the steps stamped from
    ``first`` to ``last`` (days, ``2001-01-02``; None: every step) kept.

    Parameters
    ----------
    edge : str
        ``"start"`` (the day's 00 UTC: paired with an instant that opens it) or ``"end"`` (the
        next day's 00 UTC: paired with the instant that closes it).
    time : str
        The time variable's name in the file.
    files : str
        ``IN OUT``.
    first, last : str or None
        The first and last days kept.

    Returns
    -------
    str

    Examples
    --------
    >>> from climann.data.shell import advised_python
    >>> line = day_cells_command("end", "time", "tp.nc tp_end.nc")
    >>> line.startswith(advised_python() + ' -c "import sys,numpy')
    True
    """
    column = {"start": 0, "end": 1}[edge]
    script = _PYTHON_DAY_CELLS.format(time=time, column=column, first=first, last=last)
    return f"{python_command(script)} {files}"


def common_steps_command(time: str, files: str, *, first: str, last: str) -> str:
    """The xarray line that writes a copy (``files``: ``IN OUT``) of a file keeping its steps
    stamped from ``first`` to ``last`` (days, ``2001-01-02``): instants kept to the steps of the
    daily statistics :func:`day_cells_command` stamped at their cells' ends.

    Parameters
    ----------
    time : str
        The time variable's name in the file.
    files : str
        ``IN OUT``.
    first, last : str
        The first and last days kept.

    Returns
    -------
    str
    """
    return f"{python_command(_PYTHON_COMMON_STEPS.format(time=time, first=first, last=last))} {files}"
