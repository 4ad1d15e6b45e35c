"""Variables that write a file's time again in other words: encodings of the time, not data.

GRIB converters and models write each time step once more beside the time coordinate, as a
number or text that spells a date: NCL's ``ncl_convert2nc`` (JRA-55, JRA-3Q) writes
``initial_time0_encoded(initial_time0_hours)`` (``units = "yyyymmddhh.hh_frac"``) and
``initial_time0(initial_time0_hours, ncl_strlen_0)`` (``units = "mm/dd/yyyy (hh:mm)"``), CESM's
history files ``date(time)`` (``long_name = "current date (YYYYMMDD)"``). Read as variables,
``climann info`` listed ``initial_time0_encoded`` among the data (its missing share, "not on
the latitude-longitude grid, so not predictors"): a date is no field (fix53d). A number in
units ``hours since 1800-01-01 00:00`` (CF section 4.4) that its ``long_name`` calls a time
of the steps is one too: NCL's ``initial_time0_hours`` (``long_name = "initial time"``) left a
data variable beside a time axis of another name, which :mod:`climann.data.date_values` read as
days of year, "initial time, day of year", a variable of info's table.

:func:`time_encoding_names` finds them by these words on one dimension alone (and a text's
characters): :func:`~climann.data.variables.data_variable_names` leaves them out,
:func:`~climann.data.date_values.dated_data_names` leaves them dates, and ``climann info``
names them apart. Dates of something else (MCD12Q2's ``Greenup_0``, a day of onset) are data.
"""

from __future__ import annotations

import re

import xarray as xr

__all__ = ["time_encoding_names"]

#: A date pattern in words: ``yyyymmddhh.hh_frac``, ``mm/dd/yyyy (hh:mm)``, ``(YYYYMMDD)``.
_DATE_PATTERN = re.compile(r"(?<![a-z])yyyy", re.IGNORECASE)

#: CF units of time from a reference date (CF section 4.4): ``hours since 1800-01-01 00:00``.
_SINCE = re.compile(r"^\s*[a-z]+\s+since\s+[-+]?\d", re.IGNORECASE)

#: A ``long_name`` that calls dates the time of the steps (NCL's ``"initial time"``), not a date of
#: something else (a day of onset).
_STEP_TIME = re.compile(r"^\s*(?:(?:initial|valid|reference|forecast reference|analysis|verification)\s+)?time\s*$",
                        re.IGNORECASE)

#: ``ncl_convert2nc``'s name of the reference time of its GRIB records.
_NCL_REFERENCE_NAME = re.compile(r"^initial_time\d+_hours$")


def _along_one_dimension(variable: xr.DataArray | xr.Variable) -> bool:
    """On one dimension alone, a text's dimension of characters (``ncl_strlen_0``) apart."""
    dims = variable.dims[:-1] if variable.dtype.kind == "S" and variable.ndim == 2 else variable.dims
    return len(dims) == 1


def time_encoding_names(dataset: xr.Dataset) -> list[str]:
    """The data variables of ``dataset`` that write its time in other words, in file order.

    A variable on one dimension alone (text: and its characters' dimension) whose ``units`` or
    ``long_name`` spell a date pattern (``yyyy``: NCL's ``units = "yyyymmddhh.hh_frac"``,
    CESM's ``long_name = "current date (YYYYMMDD)"``), or that holds dates (decoded, or numbers
    in CF units ``hours since 1800-01-01 00:00``, CF section 4.4) its ``long_name`` calls a time
    of the steps (``"initial time"``, ``"valid time"``) or named as NCL names its reference time
    (``initial_time0_hours``).

    Parameters
    ----------
    dataset : xarray.Dataset
        One or more files as opened.

    Returns
    -------
    list of str
        Their names; empty when there are none.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> d = xr.Dataset({"t": (("time", "lat"), np.zeros((2, 3))),
    ...                 "initial_time0_encoded": ("time", [2000010100.0, 2000010106.0],
    ...                                           {"units": "yyyymmddhh.hh_frac"})})
    >>> time_encoding_names(d)
    ['initial_time0_encoded']
    """
    found = []
    # the data variables' own variables (no DataArray made of each: asked several times of every file opened)
    for name, variable in dataset.variables.items():
        if name in dataset.coords:
            continue
        if not _along_one_dimension(variable):
            continue
        units, long_name = (str(variable.attrs.get(key, "")) for key in ("units", "long_name"))
        if _DATE_PATTERN.search(units) or _DATE_PATTERN.search(long_name):
            found.append(str(name))
        elif _holds_dates(variable, units) and (_STEP_TIME.match(long_name) or _NCL_REFERENCE_NAME.match(str(name))):
            found.append(str(name))
    return found


def _holds_dates(variable: xr.DataArray | xr.Variable, units: str) -> bool:
    """Dates: decoded (``datetime64``, cftime objects), or numbers in CF units ``<unit> since <date>``."""
    if variable.dtype.kind == "M":
        return True
    if variable.dtype.kind == "O":
        return variable.size > 0 and hasattr(variable[(0,) * variable.ndim].values.item(), "calendar")
    return variable.dtype.kind in "iuf" and bool(_SINCE.match(units))
