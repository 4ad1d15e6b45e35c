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

from climann.data.shell import with_file_time_names

#: CF standard names of a forecast's start and of its lead time (CF standard name table).
FORECAST_REFERENCE_TIME = "forecast_reference_time"
FORECAST_PERIOD = "forecast_period"

#: The units of a lead time decoded to ``timedelta64`` whose file gave no units of time that
#: numbers can keep (cfgrib's ``step`` is in hours).
LEAD_TIME_UNITS = "hours"

#: Units of time a lead time keeps from its file (UDUNITS spellings, CF section 4.4).
_TIME_UNITS = {"days": "D", "day": "D", "d": "D", "hours": "h", "hour": "h", "hr": "h", "h": "h",
               "minutes": "m", "minute": "m", "min": "m", "seconds": "s", "second": "s", "sec": "s", "s": "s"}


def is_forecast_period(coordinate: xr.DataArray) -> bool:
    """Whether a coordinate is a forecast's lead time (CF standard_name ``forecast_period``)."""
    return coordinate.attrs.get("standard_name") == FORECAST_PERIOD


def is_dated(coordinate: xr.DataArray) -> bool:
    """Whether a coordinate is decoded to dates (datetime64, or cftime objects with their calendar)."""
    if np.issubdtype(coordinate.dtype, np.datetime64):
        return True
    return coordinate.dtype == object and coordinate.size > 0 and hasattr(coordinate.values.flat[0], "calendar")


def with_lead_times_as_numbers(dataset: xr.Dataset) -> xr.Dataset:
    """``dataset`` with each lead time (``forecast_period``) that was decoded to
    ``timedelta64`` (cfgrib's ``step``, or xarray's decoding of a file's ``units = "days"``)
    as numbers in the file's own units of time (its encoding's ``units``; else
    :data:`LEAD_TIME_UNITS`), its CF ``units`` attribute saying so (CF section 4.4: a time
    duration is a number with units of time). A bare number in ``--select leadtime=2`` is
    then read in the file's units, as for any coordinate."""
    converted = {}
    for name, coordinate in dataset.coords.items():
        if is_forecast_period(coordinate) and np.issubdtype(coordinate.dtype, np.timedelta64):
            units = str(coordinate.encoding.get("units", "")).strip().lower()
            units = units if units in _TIME_UNITS else LEAD_TIME_UNITS
            numbers = coordinate.values / np.timedelta64(1, _TIME_UNITS[units])
            converted[name] = xr.Variable(coordinate.dims, numbers, {**coordinate.attrs, "units": units})
    return dataset.assign_coords(converted) if converted else dataset


def with_one_lead_time_as_scalar(dataset: xr.Dataset) -> xr.Dataset:
    """``dataset`` with a lead-time dimension of length 1 (one lead time kept as a dimension,
    with ``valid_time(time, step)``) as a scalar coordinate, as cfgrib gives one lead time:
    its valid times then lie on one dimension, to become the time axis. Dropped as an extra
    dimension of length 1 instead, it would leave the fields at their reference times."""
    for name, coordinate in list(dataset.coords.items()):
        if coordinate.dims == (name,) and dataset.sizes[name] == 1 and is_forecast_period(coordinate):
            dataset = dataset.squeeze(name)
    return dataset


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
    numbers in the file's units (:func:`with_lead_times_as_numbers`), and a lead-time
    dimension of length 1 a scalar (:func:`with_one_lead_time_as_scalar`).

    Parameters
    ----------
    dataset : xarray.Dataset
        Opened with its times decoded (cftime objects or datetime64).

    Returns
    -------
    xarray.Dataset
        Lazy as given: only coordinates are changed.
    """
    dataset = with_one_lead_time_as_scalar(with_lead_times_as_numbers(dataset))
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
        axis = "time" if "time" not in dataset.variables else name
        dataset = with_file_time_names(dataset.rename({name: axis}), axis, name, dim)
    return with_valid_times_from_lead_times(dataset)


def with_valid_times_from_lead_times(dataset: xr.Dataset) -> xr.Dataset:
    """The dataset with the valid times (reference time + lead time) in place of a forecast
    reference time on its dimension, when the file gives no valid time of its own.

    A file that stores a forecast by its ``forecast_reference_time`` (the dimension) and its
    ``forecast_period`` (one lead time: a scalar coordinate, one on the same dimension, or one
    chosen with ``--select step=24``), without cfgrib's ``valid_time``, still holds fields
    valid at the sum of the two (CF standard name table: "forecast_period is the time
    interval between the forecast reference time and the validity time"). Read at their
    reference times, a 24-hour forecast would be dated a day early: its season, its lags and
    its match with any other file. The dimension's coordinate becomes the valid time
    (``standard_name = "time"``; named ``time`` when that name is free), its time bounds
    moved with it; the lead time stays a coordinate, so the outputs say which it is. Several
    lead times on a dimension of their own are left as they are, to be chosen from with
    ``select``.

    Parameters
    ----------
    dataset : xarray.Dataset
        Times decoded (cftime objects or datetime64); lead times in units of time (CF
        ``units``, read with pint), as :func:`with_lead_times_as_numbers` leaves them.

    Returns
    -------
    xarray.Dataset
        ``dataset`` itself when it holds no such reference time, or its lead time has no
        units of time.
    """
    for name, coordinate in list(dataset.coords.items()):
        if (coordinate.attrs.get("standard_name") != FORECAST_REFERENCE_TIME or coordinate.dims != (name,)
                or not is_dated(coordinate)):
            continue
        if any(other.attrs.get("standard_name") == "time" and name in other.dims
               for key, other in dataset.coords.items() if key != name):
            continue  # its own valid times (on two dimensions: several lead times, chosen with select)
        leads = [lead for lead in dataset.coords.values() if is_forecast_period(lead)]
        if len(leads) != 1 or leads[0].dims not in ((), (name,)):
            continue
        offsets = _durations(leads[0])
        if offsets is None:
            continue
        if coordinate.dtype == object:  # cftime dates add datetime.timedelta objects
            offsets = offsets.astype(object)
        valid = coordinate.copy(data=coordinate.values + offsets)
        valid.attrs = {**{key: value for key, value in coordinate.attrs.items() if key != "long_name"},
                       "standard_name": "time", "long_name": "valid time (forecast reference time + forecast period)"}
        valid.encoding = {key: value for key, value in coordinate.encoding.items() if key == "calendar"}
        bounds = coordinate.attrs.get("bounds")
        if bounds in dataset.variables and is_dated(dataset[bounds]):
            edges = dataset[bounds]
            moved = edges.values + (offsets[..., None] if np.ndim(offsets) else offsets)
            dataset = dataset.assign({bounds: edges.copy(data=moved)})
        dataset = dataset.assign_coords({name: valid})
        axis = "time" if "time" not in dataset.variables else name
        dataset = with_file_time_names(dataset.rename({name: axis}), axis, name, name)
    return dataset


def _durations(lead: xr.DataArray) -> np.ndarray | None:
    """A lead time's values (numbers in its CF ``units``) as a ``timedelta64[us]`` array;
    None without units of time."""
    from climann.data.units import normalised_units, unit_registry

    registry = unit_registry()
    try:
        seconds = registry.Quantity(np.asarray(lead.values, np.float64),
                                    normalised_units(str(lead.attrs.get("units", "")))).to("second").magnitude
    except Exception:  # pint's errors for units that are not a time (or none): no duration to add
        return None
    microseconds = np.round(np.asarray(seconds) * 1e6).astype(np.int64)
    return microseconds.astype("timedelta64[us]")
