"""Durations that xarray wrote (a ``timedelta64`` variable saved with ``to_netcdf``), read as
numbers in their units.

xclim's indices of a number of days (``growing_season_length``, ``cold_spell_duration_index``,
``maximum_consecutive_dry_days`` computed as a timedelta) are written by xarray as integers with
``units = "days"`` and an attribute ``dtype = "timedelta64[us]"`` (xarray's own marker, no CF
attribute), and xarray decodes them back into ``timedelta64`` values. A duration in days is a
quantity to predict like any other (CF §3.1: ``units = "days"`` is a length of time), so a
data variable decoded so is read as the number of its units it holds (as stored: 171 days is
171.0), with its ``units`` kept and a note; it was left out among metadata before, and refused
as a target as "durations, not numbers" with no way out (break40c C3). Coordinates (a
forecast's lead time) and bounds stay durations: the time axes read them so.

Missing values of a variable in units of time are NaN wherever its values become numbers
(:func:`with_time_values_as_numbers`, called once for every file a run, ``climann info``,
``predict`` or ``evaluate`` opens, in memory, streamed or on a cluster). xarray (2026.9) masks
an integer variable whose ``units`` are a unit of time (``"days"``, ``"hours"``, ``"minutes"``,
``"seconds"`` …) with NaT's integer, the int64 minimum −9 223 372 036 854 775 808, as if it
were to be decoded to ``timedelta64``, and then leaves it undecoded (its default decodes
durations by xarray's ``dtype`` attribute alone): an ``int16`` length of season with
``_FillValue = 32767`` was read as int64 with its missing values −9.2e18 days, never counted
missing (break42a A0: a climatology RMSE of 1.979e18 days, right 8.264). Such a variable is
read as the type xarray gives any other masked integer (``int16`` as float32, wider as
float64), NaN where it held NaT's integer. Durations decoded to ``timedelta64`` divide NaT into
NaN; dates held by a data variable are read as days of year
(:mod:`climann.data.date_values`), missing dates as NaN.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import xarray as xr

from climann.data.date_values import with_dates_as_days_of_year
from climann.data.forecast_times import TIME_UNIT_CODES
from climann.data.notes import note_once

_log = logging.getLogger(__name__)

#: The unit a duration without readable ``units`` is read in.
DEFAULT_DURATION_UNITS = "days"


#: NaT's integer, the int64 minimum: what xarray's mask puts where a variable in units of time is missing.
NAT_INTEGER = np.iinfo(np.int64).min


def with_time_values_as_numbers(dataset: xr.Dataset, path: Path) -> xr.Dataset:
    """``dataset`` with every data variable whose values xarray read as times made numbers,
    its missing values (NaT, or NaT's integer) NaN: integers in units of time that xarray
    masked with NaT's integer (:func:`with_nat_integers_as_missing`), durations decoded to
    ``timedelta64`` (:func:`with_durations_as_numbers`) and dates held by a data variable
    (:func:`climann.data.date_values.with_dates_as_days_of_year`). The one place where values
    of time become numbers: every route opens its files through it.

    Parameters
    ----------
    dataset : xarray.Dataset
        One file as opened, times decoded, lazy.
    path : Path
        The file, for the notes; opened with the dates its data variables hold not decoded
        (:func:`climann.data.date_values.dated_data_names`).

    Returns
    -------
    xarray.Dataset
        The same dataset when no data variable holds values of time.

    Raises
    ------
    ClimannError
        From :func:`~climann.data.date_values.with_dates_as_days_of_year`.
    """
    dataset = with_durations_as_numbers(with_nat_integers_as_missing(dataset), path.name)
    return with_dates_as_days_of_year(dataset, path)


def _masked_with_nat_integer(variable: xr.DataArray) -> bool:
    """Whether xarray masked ``variable`` with NaT's integer: int64 in memory with a fill value
    in its encoding and no packing. xarray's mask gives any other masked integer a floating-point
    type (``maybe_promote``: NaN); only its path for values of time keeps int64 (CFMaskCoder)."""
    encoding = variable.encoding
    return (variable.dtype == np.int64 and ("_FillValue" in encoding or "missing_value" in encoding)
            and "scale_factor" not in encoding and "add_offset" not in encoding)


def with_nat_integers_as_missing(dataset: xr.Dataset) -> xr.Dataset:
    """``dataset`` with each data variable that xarray masked with NaT's integer
    (:data:`NAT_INTEGER`; an integer with ``units = "days"`` and a ``_FillValue``, left undecoded)
    in the floating-point type xarray gives other masked integers (``numpy.promote_types(stored,
    float32)``: ``int16`` → float32, ``int32`` → float64), NaN where it held NaT's integer, lazy.

    Parameters
    ----------
    dataset : xarray.Dataset
        One file as opened.

    Returns
    -------
    xarray.Dataset
        The same dataset when no data variable was so masked.

    Examples
    --------
    >>> los = xr.DataArray(np.array([171, NAT_INTEGER]), dims="time", attrs={"units": "days"})
    >>> los.encoding.update({"dtype": np.dtype("int16"), "_FillValue": np.int16(32767)})
    >>> with_nat_integers_as_missing(xr.Dataset({"LOS": los}))["LOS"].values
    array([171.,  nan], dtype=float32)
    """
    converted = {}
    for name, variable in dataset.data_vars.items():
        if not _masked_with_nat_integer(variable):
            continue
        stored = np.dtype(variable.encoding.get("dtype", np.int64))
        numbers = variable.where(variable != NAT_INTEGER).astype(np.promote_types(stored, np.float32))
        numbers.attrs, numbers.encoding = dict(variable.attrs), dict(variable.encoding)
        converted[name] = numbers
    return dataset.assign(converted) if converted else dataset


def _bounds_names(dataset: xr.Dataset) -> set[str]:
    """The variables that other variables name as their ``bounds`` or ``climatology``."""
    return {str(variable.attrs[key]) for variable in dataset.variables.values()
            for key in ("bounds", "climatology") if key in variable.attrs}


def with_durations_as_numbers(dataset: xr.Dataset, where: str) -> xr.Dataset:
    """``dataset`` with each data variable decoded to ``timedelta64`` read as numbers of its
    stored ``units`` (xarray keeps them in the encoding): ``values / np.timedelta64(1, unit)``,
    float64, missing durations (NaT) as NaN, lazy as opened; a note names them.

    Parameters
    ----------
    dataset : xarray.Dataset
        One file as opened, times and durations decoded.
    where : str
        The file's name, for the note.

    Returns
    -------
    xarray.Dataset
        The same dataset when no data variable holds durations.

    Examples
    --------
    >>> days = xr.DataArray(np.array([171, 180], "timedelta64[D]").astype("timedelta64[us]"), dims="time")
    >>> days.encoding["units"] = "days"
    >>> with_durations_as_numbers(xr.Dataset({"gsl": days}), "gsl.nc")["gsl"].values
    array([171., 180.])
    """
    bounds = _bounds_names(dataset)
    names = [name for name, variable in dataset.data_vars.items()
             if variable.dtype.kind == "m" and str(name) not in bounds]
    if not names:
        return dataset
    converted, said = {}, []
    for name in names:
        variable = dataset[name]
        units = str(variable.encoding.get("units", "")).strip().lower()
        units = units if units in TIME_UNIT_CODES else DEFAULT_DURATION_UNITS
        numbers = variable / np.timedelta64(1, TIME_UNIT_CODES[units])
        numbers.attrs = {**variable.attrs, "units": units}
        numbers.encoding = {key: value for key, value in variable.encoding.items() if key not in ("units", "dtype")}
        converted[name] = numbers
        said.append(f"{name} (in {units})")
    note_once(_log, logging.WARNING,
              f"{where}: {', '.join(said)} hold{'s' if len(said) == 1 else ''} durations, as xarray writes a "
              "timedelta (its attribute dtype = 'timedelta64[…]'), read as numbers of their units")
    return dataset.assign(converted)
