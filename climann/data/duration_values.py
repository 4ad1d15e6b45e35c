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
"""

from __future__ import annotations

import logging

import numpy as np
import xarray as xr

from climann.data.forecast_times import TIME_UNIT_CODES
from climann.data.notes import note_once

_log = logging.getLogger(__name__)

#: The unit a duration without readable ``units`` is read in.
DEFAULT_DURATION_UNITS = "days"


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
