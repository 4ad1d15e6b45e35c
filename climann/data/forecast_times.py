"""Forecast files on the time their fields are valid at (GRIB, and NetCDF or Zarr written from it).

A forecast field has three times (CF standard names): the ``forecast_reference_time`` the
forecast started from, its lead time ``forecast_period``, and the ``time`` it is valid at,
their sum. cfgrib (ECMWF's GRIB reader) gives the reference time as the dimension ``time``
and the valid time as the auxiliary coordinate ``valid_time(time)``, or
``valid_time(time, step)`` with several lead times per reference time; its ``to_netcdf``
and xarray's write them as they are. The fields belong to their valid times: an ERA5 month
is the month it is valid for, whatever run produced it.

:func:`on_valid_time` puts the valid time on the dimension it lies on whenever that is one
dimension, on every route (NetCDF, Zarr, GRIB) as a file is opened, and again once a lead
time is selected (``--select step=6``), when a 2-D valid time becomes 1-D.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

#: CF standard names of a forecast's start and of its lead time (CF standard name table).
FORECAST_REFERENCE_TIME = "forecast_reference_time"
FORECAST_PERIOD = "forecast_period"

#: The units lead times are given in once opened (numbers, so that ``select`` reads them
#: with their units as it reads levels: ``step=6`` or ``step="360 minutes"``).
LEAD_TIME_UNITS = "hours"


def is_forecast_period(coordinate: xr.DataArray) -> bool:
    """Whether a coordinate is a forecast's lead time (CF standard_name ``forecast_period``)."""
    return coordinate.attrs.get("standard_name") == FORECAST_PERIOD


def is_dated(coordinate: xr.DataArray) -> bool:
    """Whether a coordinate is decoded to dates (datetime64, or cftime objects with their calendar)."""
    if np.issubdtype(coordinate.dtype, np.datetime64):
        return True
    return coordinate.dtype == object and coordinate.size > 0 and hasattr(coordinate.values.flat[0], "calendar")


def with_lead_times_in_hours(dataset: xr.Dataset) -> xr.Dataset:
    """``dataset`` with each lead time (``forecast_period``) that was decoded to
    ``timedelta64`` (cfgrib's ``step``, or xarray's decoding of a file it wrote) as numbers
    in :data:`LEAD_TIME_UNITS`, its CF ``units`` attribute saying so (CF section 4.4: a time
    duration is a number with units of time)."""
    converted = {}
    for name, coordinate in dataset.coords.items():
        if is_forecast_period(coordinate) and np.issubdtype(coordinate.dtype, np.timedelta64):
            hours = coordinate.values / np.timedelta64(1, "h")
            converted[name] = xr.Variable(coordinate.dims, hours, {**coordinate.attrs, "units": LEAD_TIME_UNITS})
    return dataset.assign_coords(converted) if converted else dataset


def on_valid_time(dataset: xr.Dataset) -> xr.Dataset:
    """The dataset with its valid times as the coordinate of the dimension they lie on.

    A 1-D dated coordinate with CF ``standard_name = "time"`` (cfgrib's ``valid_time``) on a
    dimension whose coordinate is a ``forecast_reference_time`` or a ``forecast_period``
    replaces that coordinate (:meth:`xarray.Dataset.swap_dims`), which is dropped: the
    fields are those of the valid times (reference time + lead time). The valid time takes
    the name ``time`` when it is free (cfgrib's reference time ``time`` was dropped), so a
    GRIB file and its NetCDF copy give the same dataset. A lead time left as a scalar
    coordinate (one step per reference time, or one selected) is kept, so the outputs say
    which lead time the data are at. Valid times on two dimensions
    (``valid_time(time, step)``: several lead times per reference time) are left as they
    are, to be chosen from with ``select`` (see
    :func:`climann.data.variables.on_grid`); lead times decoded to ``timedelta64`` become
    hours (:func:`with_lead_times_in_hours`).

    Parameters
    ----------
    dataset : xarray.Dataset
        Opened with its times decoded (cftime objects or datetime64).

    Returns
    -------
    xarray.Dataset
        Lazy as given: only coordinates are changed.
    """
    dataset = with_lead_times_in_hours(dataset)
    for name, coordinate in list(dataset.coords.items()):
        if coordinate.attrs.get("standard_name") != "time" or coordinate.ndim != 1 or not is_dated(coordinate):
            continue
        dim = coordinate.dims[0]
        replaced = dataset.coords.get(dim)
        if dim == name or replaced is None:
            continue
        if replaced.attrs.get("standard_name") not in (FORECAST_REFERENCE_TIME, FORECAST_PERIOD):
            continue
        dataset = dataset.swap_dims({dim: name}).drop_vars(dim)
        if "time" not in dataset.variables:
            dataset = dataset.rename({name: "time"})
    return dataset
