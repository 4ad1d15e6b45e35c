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
time is selected (``--select step=6``), when a 2-D valid time becomes 1-D. A file with no valid
time is dated by reference time + lead time (:func:`with_valid_times_from_lead_times`), a lead in
months or years counted in calendar months (:func:`plus_lead_time`), ECMWF's lead month
(``leadtime_month``, ``forecastMonth``, MARS ``fcmonth``) as the calendar month it counts, 1 the
month the forecast starts in (:func:`lead_month_valid_times`); one with several lead times
on a ``forecast_period`` dimension is given that sum as a 2-D valid time, as the new CDS writes it
(:func:`with_valid_times_on_lead_dimension`). Beside other files (a
seasonal hindcast and observations), the lead time a selection chooses
(:func:`lead_dimensions`) is picked as the forecast file is opened, so the files are combined on
its valid times; without one, :func:`unchosen_lead_message` says why and which ``--select`` to give.
"""

from __future__ import annotations

import calendar
from collections.abc import Collection
from pathlib import Path

import numpy as np
import xarray as xr

from climann.data.shell import (
    attribute_command, file_time_names, ncap2_name, ncatted_attribute, one_copy_advice, source_and_copy, values_command,
    with_file_time_names, xarray_data, xarray_values,
)
from climann.data.instant_values import holds_instants as holds_instants
from climann.data.instant_values import is_wrf_snapshot as is_wrf_snapshot
from climann.data.time_axis import TIME_UNIT_CODES as TIME_UNIT_CODES
from climann.data.time_axis import calendar_year, month_number
from climann.data.units import normalised_units, unit_registry
from climann.errors import ClimannError

#: CF standard names of a forecast's start and of its lead time (CF standard name table).
FORECAST_REFERENCE_TIME = "forecast_reference_time"
FORECAST_PERIOD = "forecast_period"

#: The units of a lead time decoded to ``timedelta64`` whose file gave no units of time that
#: numbers can keep (cfgrib's ``step`` is in hours).
LEAD_TIME_UNITS = "hours"



#: The ``long_name`` of the valid times climann adds to forecasts (reference time + lead time).
VALID_TIME_LONG_NAME = "valid time (forecast reference time + forecast period)"


def is_forecast_period(coordinate: xr.DataArray) -> bool:
    """Whether a coordinate is a forecast's lead time (CF standard_name ``forecast_period``)."""
    return coordinate.attrs.get("standard_name") == FORECAST_PERIOD


#: ECMWF's names (lower case) of a seasonal forecast's lead month, a count of calendar months and
#: not a duration: MARS ``fcmonth``, the new CDS's ``forecastMonth``, the old CDS's NetCDF
#: ``leadtime_month`` (:func:`is_lead_month`).
LEAD_MONTH_NAMES = frozenset({"forecastmonth", "leadtime_month", "fcmonth"})


def months_back_of_lead(name: object, value: object, attrs: dict) -> int | None:
    """How many calendar months before a valid month lies the last month observed before the
    forecast started, for a forecast chosen at one lead in months: ECMWF's lead month
    (:data:`LEAD_MONTH_NAMES`) L gives L (the L-th calendar month of the forecast, 1 the start's);
    a ``forecast_period`` of n months or years (an NMME lead ``L`` = 0.5 months) gives ⌊n⌋ + 1;
    None for another coordinate or a lead of fixed length. One place for the persistence of a
    forecast in months (:func:`climann.evaluation.baselines.lead_months_back`) and for the months
    the data layer reads for it (:mod:`climann.data.time_axes`).

    Examples
    --------
    >>> months_back_of_lead("forecastMonth", 2, {}), months_back_of_lead("L", 0.5, {"units": "months",
    ...     "standard_name": "forecast_period"})
    (2, 1)
    """
    import math

    if not isinstance(value, (int, float, np.integer, np.floating)) or not np.isfinite(float(value)):
        return None
    if str(name).lower() in LEAD_MONTH_NAMES and float(value) >= 1:
        return int(round(float(value)))
    if attrs.get("standard_name") == FORECAST_PERIOD:
        months = calendar_months_per_unit(str(attrs.get("units", "")))
        if months is not None and float(value) >= 0:
            return int(math.floor(float(value) * months + 1e-9)) + 1
    return None


def is_lead_month(coordinate: xr.DataArray) -> bool:
    """Whether a coordinate is ECMWF's lead month of a seasonal forecast's monthly values
    (:data:`LEAD_MONTH_NAMES`): value ``L`` is the ``L``-th whole calendar month of the forecast,
    each value a statistic (mean, maximum …) over that calendar month.

    ECMWF's MARS keyword ``fcmonth``: "it specifies the complete calendar month which follows the
    forecast base date. For example, fcmonth=2 is the second whole calendar month. For a forecast
    starting 1st January this would be February" (ECMWF, MARS user documentation, "fcmonth",
    https://confluence.ecmwf.int/x/lo1vBw). C3S's seasonal forecasts start on the 1st, so
    ``forecastMonth = 1`` (new CDS, whose ``valid_time`` says the same) and ``leadtime_month = 1``
    (old CDS) are the month of ``forecast_reference_time`` itself, never the month after
    (break45d B5: the old layout was dated one month late, test ACC 0.48 instead of 0.79).

    Examples
    --------
    >>> is_lead_month(xr.DataArray([1, 2], dims="forecastMonth", name="forecastMonth"))
    True
    >>> is_lead_month(xr.DataArray([0.5, 1.5], dims="L", name="L", attrs={"units": "months"}))
    False
    """
    return str(coordinate.name).lower() in LEAD_MONTH_NAMES


def lead_month_valid_times(times: np.ndarray, lead: xr.DataArray) -> np.ndarray:
    """The first instant of the calendar month each forecast value of ECMWF's lead month ``lead``
    (:func:`is_lead_month`) is of: the ``L``-th whole calendar month from each reference time of
    ``times``, i.e. the month of a reference time on the 1st at 00:00 (else the month after it)
    plus ``L − 1`` months, as the new CDS's ``valid_time`` dates it.

    Parameters
    ----------
    times : numpy.ndarray
        The reference times (cftime objects, or datetime64), shape (n,).
    lead : xarray.DataArray
        The lead month (whole numbers from 1), shape () or (n,).

    Returns
    -------
    numpy.ndarray
        Shape and type of ``times``.

    Raises
    ------
    ClimannError
        If a lead month is not a whole number from 1.

    Examples
    --------
    >>> starts = np.array(["1993-11-01", "1994-01-02"], dtype="datetime64[ns]")
    >>> lead_month_valid_times(starts, xr.DataArray(1, name="forecastMonth")).astype("datetime64[D]")
    array(['1993-11-01', '1994-02-01'], dtype='datetime64[D]')
    """
    numbers = np.asarray(lead.values, np.float64)
    if not np.isfinite(numbers).all() or np.any(numbers < 1) or np.any(numbers != np.round(numbers)):
        raise ClimannError(
            f"lead month '{lead.name}' holds {np.unique(numbers)[:3].tolist()}, not whole months from 1: ECMWF's "
            f"{lead.name} = L is the L-th calendar month of the forecast (MARS fcmonth), so the month each value is of "
            f"cannot be told; select lead months 1, 2, …")
    dated = np.asarray(times)
    objects = dated.astype("datetime64[us]").astype(object) if dated.dtype.kind == "M" else dated
    firsts = np.empty(dated.shape, object)
    for index, date in np.ndenumerate(objects):
        if date is None:
            firsts[index] = None
            continue
        opens = (date.day, date.hour, date.minute, date.second, date.microsecond) == (1, 0, 0, 0, 0)
        firsts[index] = _months_later(date.replace(day=1, hour=0, minute=0, second=0, microsecond=0),
                                      0 if opens else 1)
    valid = _plus_calendar_months(firsts, np.broadcast_to(numbers - 1, dated.shape))
    return valid.astype("datetime64[us]").astype(dated.dtype) if dated.dtype.kind == "M" else valid


def lead_valid_times(times: np.ndarray, lead: xr.DataArray, *, fix: str = "IN.nc OUT.nc") -> np.ndarray:
    """The valid times of forecasts from reference times ``times`` at the lead ``lead``: ECMWF's lead
    month by its own count (:func:`lead_month_valid_times`), any other lead time added
    (:func:`plus_lead_time`)."""
    if is_lead_month(lead):
        return lead_month_valid_times(times, lead)
    return plus_lead_time(times, lead, fix=fix)


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
            units = units if units in TIME_UNIT_CODES else LEAD_TIME_UNITS
            numbers = coordinate.values / np.timedelta64(1, TIME_UNIT_CODES[units])
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
    dataset = with_valid_times_on_lead_dimension(with_one_lead_time_as_scalar(with_lead_times_as_numbers(dataset)))
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


def _reference_times_without_valid_times(dataset: xr.Dataset) -> list[tuple[str, xr.DataArray, list]]:
    """Each dated ``forecast_reference_time`` on its own dimension that no valid time (CF
    ``standard_name = "time"``) lies on, with the file's ``forecast_period`` coordinates: the
    forecasts whose valid times climann dates itself (:func:`with_valid_times_on_lead_dimension`,
    :func:`with_valid_times_from_lead_times`)."""
    found = []
    for name, coordinate in list(dataset.coords.items()):
        if (coordinate.attrs.get("standard_name") != FORECAST_REFERENCE_TIME or coordinate.dims != (name,)
                or not is_dated(coordinate)):
            continue
        if any(other.attrs.get("standard_name") == "time" and name in other.dims
               for key, other in dataset.coords.items() if key != name):
            continue  # its own valid times (on two dimensions: several lead times, chosen with select)
        found.append((str(name), coordinate, [lead for lead in dataset.coords.values()
                                              if is_forecast_period(lead) or is_lead_month(lead)]))
    return found


def with_valid_times_on_lead_dimension(dataset: xr.Dataset, *, fewest_leads: int = 2) -> xr.Dataset:
    """The dataset with a 2-D valid time, reference time + lead time, when it stores a forecast
    by its ``forecast_reference_time`` and a ``forecast_period`` dimension of several lead
    times (SEAS5's ``leadtime_month``, NMME's ``L``) and gives no valid time of its own.

    Such a file is then what the new CDS writes with its ``valid_time(forecast_reference_time,
    forecastMonth)``: one lead time chosen with ``select`` dates it by its valid times, alone
    or beside other files (:func:`lead_dimensions`). Left without it, a lead chosen after the
    files were combined set the forecast beside observations by its reference times: each
    forecast paired with the month it started in (fix30h, exit 0). A lead time without units
    is left as it is (refused when one is chosen, :func:`with_valid_times_from_lead_times`).

    Parameters
    ----------
    dataset : xarray.Dataset
        Times decoded; lead times as numbers in their units (:func:`with_lead_times_as_numbers`).
    fewest_leads : int
        The fewest lead times a lead dimension must hold (1: also a lead dimension of length 1, as
        the window of one lead time is read, :func:`~climann.data.forecast_windows.with_one_lead_window_cells`).

    Returns
    -------
    xarray.Dataset
        With ``valid_time`` (or a free name) on (reference time, lead time), CF
        ``standard_name = "time"``; else ``dataset`` itself.

    Raises
    ------
    ClimannError
        If a lead time cannot be added exactly (:func:`plus_lead_time`).
    """
    for name, coordinate, leads in _reference_times_without_valid_times(dataset):
        if (len(leads) != 1 or leads[0].ndim != 1 or leads[0].dims[0] != leads[0].name or leads[0].size < fewest_leads
                or not (str(leads[0].attrs.get("units", "")).strip() or is_lead_month(leads[0]))):
            continue
        lead, fix = leads[0], source_and_copy(dataset, coordinate)
        valid = np.stack([lead_valid_times(coordinate.values, lead.isel({lead.name: index}), fix=fix)
                          for index in range(lead.size)], axis=-1)
        valid_name = "valid_time"
        while valid_name in dataset.variables:
            valid_name = f"{valid_name}_"
        attrs = {**{key: value for key, value in coordinate.attrs.items() if key not in ("long_name", "bounds")},
                 "standard_name": "time", "long_name": VALID_TIME_LONG_NAME}
        dataset = dataset.assign_coords({valid_name: ((name, str(lead.name)), valid, attrs)})
        dataset[valid_name].encoding = {key: value for key, value in coordinate.encoding.items() if key == "calendar"}
    return dataset


def lead_dimensions(dataset: xr.Dataset) -> list[str]:
    """The lead-time dimensions of the valid times that lie on several dimensions.

    A dated coordinate with CF ``standard_name = "time"`` on two dimensions (the new CDS's
    ``valid_time(forecast_reference_time, forecastMonth)``, cfgrib's ``valid_time(time, step)``)
    becomes one time axis once one value of its lead dimension is chosen: the dimensions whose
    coordinate is not the ``forecast_reference_time`` (CF standard name), or, when none is, those
    whose coordinate is a ``forecast_period``.

    Parameters
    ----------
    dataset : xarray.Dataset
        Times decoded (cftime objects or datetime64).

    Returns
    -------
    list of str
        In the order of the valid times' dimensions; empty when every valid time lies on one
        dimension (or none is told apart from the reference time).
    """
    leads: list[str] = []
    for coordinate in dataset.coords.values():
        if coordinate.attrs.get("standard_name") != "time" or coordinate.ndim < 2 or not is_dated(coordinate):
            continue
        kinds = {dim: dataset.coords[dim].attrs.get("standard_name") if dim in dataset.coords else None
                 for dim in map(str, coordinate.dims)}
        if FORECAST_REFERENCE_TIME in kinds.values():
            found = [dim for dim, kind in kinds.items() if kind != FORECAST_REFERENCE_TIME]
        else:
            found = [dim for dim, kind in kinds.items() if kind == FORECAST_PERIOD]
        leads += [dim for dim in found if dim not in leads]
    return leads


def unchosen_lead_message(dataset: xr.Dataset, grid_dims: Collection[str], *, where: str, others: str) -> str | None:
    """Why a forecast file whose valid times lie on several dimensions (no lead time chosen,
    :func:`lead_dimensions`) cannot be combined with other files, and the ``--select`` that
    lets it be; None when its valid times lie on one dimension.

    Set beside observations by its reference times, a forecast would be paired with the
    observation of the month it started in, not of the month it is valid for. The advice
    chooses the first value of each lead dimension and of each other extra dimension of the
    forecast's variables (those not on the valid times nor the grid, ``grid_dims``: an
    ensemble member), so that following it reads one series on its valid times.

    Parameters
    ----------
    dataset : xarray.Dataset
        One file, opened.
    grid_dims : collection of str
        Its horizontal dimensions.
    where, others : str
        The file's name and the other files', for the message.
    """
    leads = lead_dimensions(dataset)
    if not leads:
        return None
    valid = forecast_valid_times(dataset)
    held = forecast_variables(dataset)
    chosen = list(first_choices(dataset, grid_dims))
    advice = " ".join(f"--select {dim}={_first_value(dataset, dim)}" for dim in chosen)
    forecast = ", ".join(f"{name}({', '.join(map(str, dataset[name].dims))})" for name in held)
    also = f"and one value of {', '.join(chosen[len(leads):])} " if len(chosen) > len(leads) else ""
    return (f"{where} holds forecasts, {forecast}, whose valid times '{valid.name}' lie on "
            f"{' and '.join(map(str, valid.dims))}: set beside {others} by their reference times, each forecast "
            f"would be paired with values of the time it started at, not of the time it is valid at; choose one "
            f"lead time ({', '.join(leads)}) {also}with [data] select, e.g. {advice}: the forecast is then read on "
            f"its valid times")


def forecast_valid_times(dataset: xr.Dataset) -> xr.DataArray:
    """The valid times that lie on several dimensions, one of them a lead dimension
    (:func:`lead_dimensions`, which must not be empty): the new CDS's
    ``valid_time(forecast_reference_time, forecastMonth)``."""
    leads = lead_dimensions(dataset)
    return next(coordinate for coordinate in dataset.coords.values() if coordinate.ndim >= 2
                and leads[0] in coordinate.dims and coordinate.attrs.get("standard_name") == "time")


def forecast_variables(dataset: xr.Dataset) -> list[str]:
    """The data variables on every dimension of the forecast's valid times
    (:func:`forecast_valid_times`): the forecasts themselves."""
    valid = forecast_valid_times(dataset)
    return [str(name) for name, variable in dataset.data_vars.items() if set(valid.dims) <= set(variable.dims)]


def first_choices(dataset: xr.Dataset, grid_dims: Collection[str]) -> dict[str, object]:
    """The ``select`` that reads a forecast file on its valid times: the first value of each
    lead dimension (:func:`lead_dimensions`) and of each other extra dimension of several
    values of its forecasts (neither on the valid times nor the grid, ``grid_dims``: an
    ensemble member), by coordinate value (the index without a coordinate, as
    :func:`~climann.data.subset.select_values` reads it); empty when the valid times lie on
    one dimension.

    Parameters
    ----------
    dataset : xarray.Dataset
        One file, opened (times decoded).
    grid_dims : collection of str
        Its horizontal dimensions.

    Returns
    -------
    dict of str to object
        Lead dimensions first, then the others; values as Python scalars (``int``, ``float``,
        ``str``).
    """
    leads = lead_dimensions(dataset)
    if not leads:
        return {}
    valid = forecast_valid_times(dataset)
    extra = [str(dim) for name in forecast_variables(dataset) for dim in dataset[name].dims
             if dim not in valid.dims and dim not in grid_dims and dataset.sizes[dim] > 1]
    return {dim: _first_scalar(dataset, dim) for dim in [*leads, *dict.fromkeys(extra)]}


def lead_month_of_months(dataset: xr.Dataset, months: Collection[int]) -> dict[str, object]:
    """The lead month (:func:`is_lead_month`) of a seasonal forecast whose valid months are all
    among the calendar months ``months`` (1–12) that the other files hold, the smallest such:
    ``{"forecastMonth": 2}`` for November starts beside December observations; empty when the
    forecast has no lead month, or none or every lead fits (the first lead then stays,
    :func:`first_choices`). ``climann info`` proposes it: its first lead, November forecasts,
    was paired with December observations (break45d B1).

    Parameters
    ----------
    dataset : xarray.Dataset
        One forecast file, opened (times decoded), its valid times on two dimensions.
    months : collection of int
        The months of the other files' time stamps.
    """
    leads = lead_dimensions(dataset)
    if len(leads) != 1 or leads[0] not in dataset.coords or not is_lead_month(dataset[leads[0]]) or not months:
        return {}
    lead, valid = leads[0], forecast_valid_times(dataset)
    fitting = []
    for index in range(dataset.sizes[lead]):
        stamps = np.ravel(valid.isel({lead: index}).values)
        held = {int(str(np.datetime_as_string(stamp, "M"))[5:7]) if isinstance(stamp, np.datetime64) else stamp.month
                for stamp in stamps}
        fitting.append(held <= set(months))
    if not any(fitting) or all(fitting):
        return {}
    value = np.ravel(dataset[lead].values)[fitting.index(True)]
    return {lead: value.item() if isinstance(value, np.generic) else value}


def _first_scalar(dataset: xr.Dataset, dim: str) -> object:
    """The first value of ``dim`` as a Python scalar (its index 0 without a coordinate)."""
    if dim not in dataset.coords:
        return 0
    value = np.ravel(dataset[dim].values)[0]
    if isinstance(value, np.floating) and value.dtype.itemsize < 8:  # 0.01 in float32, not 0.009999999776482582
        return float(str(value))
    return value.item() if isinstance(value, np.generic) else value


def _first_value(dataset: xr.Dataset, dim: str) -> str:
    """The first value of ``dim`` as ``--select`` takes it (its index without a coordinate)."""
    if dim not in dataset.coords:
        return "0"
    value = np.ravel(dataset[dim].values)[0]
    if is_dated(dataset[dim]):
        return str(value)[:10]
    return f"{value:g}" if isinstance(value, (float, np.floating)) else str(value)


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
    ``select``. A lead time in months or years is added in calendar months
    (:func:`plus_lead_time`).

    Parameters
    ----------
    dataset : xarray.Dataset
        Times decoded (cftime objects or datetime64); lead times in units of time (CF
        ``units``, read with pint), as :func:`with_lead_times_as_numbers` leaves them.

    Returns
    -------
    xarray.Dataset
        ``dataset`` itself when it holds no such reference time, or its lead time has no
        units.

    Raises
    ------
    ClimannError
        If the lead time's units are not units of time, or it cannot be added exactly
        (:func:`plus_lead_time`).
    """
    check_not_at_reference_times(dataset)
    for name, coordinate, leads in _reference_times_without_valid_times(dataset):
        if len(leads) != 1 or leads[0].dims not in ((), (name,)):
            continue
        lead, fix = leads[0], source_and_copy(dataset, coordinate)
        if not str(lead.attrs.get("units", "")).strip() and not is_lead_month(lead):
            values = np.asarray(lead.values, dtype=np.float64)
            if np.all(values == 0):
                continue  # analyses: valid at their reference times whatever the unit
            raise ClimannError(
                f"the lead time '{lead.name}' (forecast_period) has no units, so its valid times (reference time + "
                f"lead time, CF) cannot be told, and read at their reference times the fields would be dated early by "
                f"{np.unique(values)[:3].tolist()} of an unknown unit; set its units, e.g. "
                f"{attribute_command([ncatted_attribute('units', str(lead.name), 'o', 'c', 'hours')], fix)} (or days, "
                f"months …)"
            )
        valid = coordinate.copy(data=lead_valid_times(coordinate.values, lead, fix=fix))
        valid.attrs = {**{key: value for key, value in coordinate.attrs.items() if key != "long_name"},
                       "standard_name": "time", "long_name": VALID_TIME_LONG_NAME}
        valid.encoding = {key: value for key, value in coordinate.encoding.items() if key == "calendar"}
        bounds = coordinate.attrs.get("bounds")
        if bounds in dataset.variables and is_dated(dataset[bounds]):
            edges = dataset[bounds]
            shifted = (_plus_calendar_months(edges.values, np.broadcast_to(np.asarray(lead.values, np.float64) - 1,
                                                                          edges.shape))
                       if is_lead_month(lead) else plus_lead_time(edges.values, lead, fix=fix))
            dataset = dataset.assign({bounds: edges.copy(data=shifted)})
        dataset = dataset.assign_coords({name: valid})
        axis = "time" if "time" not in dataset.variables else name
        dataset = with_file_time_names(dataset.rename({name: axis}), axis, name, name)
    return dataset


#: cfgrib's ``long_name`` of the reference time ``time``, said without its standard name too.
REFERENCE_TIME_LONG_NAME = "initial time of forecast"


def is_reference_time(coordinate: xr.DataArray) -> bool:
    """Whether a coordinate says it is a forecast's start: CF ``standard_name =
    "forecast_reference_time"``, or cfgrib's ``long_name`` "initial time of forecast"."""
    return (coordinate.attrs.get("standard_name") == FORECAST_REFERENCE_TIME
            or str(coordinate.attrs.get("long_name", "")).strip().lower() == REFERENCE_TIME_LONG_NAME)


def check_not_at_reference_times(dataset: xr.Dataset) -> None:
    """Refuse a file whose time axis says it holds the forecasts' starts
    (:func:`is_reference_time`) with no lead time (``forecast_period``) and no valid time
    (``standard_name = "time"``) beside it: the times its values are valid at cannot be told.

    ``fc.sel(step=slice(14, 27 days)).mean("step")`` keeps cfgrib's reference time ``time``
    and drops the lead: each week-3–4 mean, valid from 14 days after its start, was paired with
    the observations of its start (break31a A2, exit 0).

    Raises
    ------
    ClimannError
        Naming the axis and the way out: shift it to the valid times and mark it
        ``standard_name = "time"`` (``ncap2`` for a file, an xarray line for a Zarr store,
        :func:`~climann.data.shell.values_command`).
    """
    if any(is_forecast_period(coordinate) or is_lead_month(coordinate) for coordinate in dataset.coords.values()):
        return
    for name, coordinate in dataset.coords.items():
        if coordinate.dims != (name,) or not is_dated(coordinate) or not is_reference_time(coordinate):
            continue
        if any(other.attrs.get("standard_name") == "time" and name in other.dims
               for key, other in dataset.coords.items() if key != name):
            continue
        raise ClimannError(_reference_time_message(dataset, str(name), coordinate))


def _reference_time_message(dataset: xr.Dataset, name: str, coordinate: xr.DataArray) -> str:
    """The refusal of :func:`check_not_at_reference_times`, with the command for the file."""
    variable, _ = file_time_names(coordinate)
    said = (f"standard_name = {FORECAST_REFERENCE_TIME}" if coordinate.attrs.get("standard_name")
            == FORECAST_REFERENCE_TIME else f"long_name '{coordinate.attrs.get('long_name')}'")
    units = str(coordinate.encoding.get("units", "")).split(" since ")[0].strip() or "its units"
    target = ncap2_name(variable)
    command = values_command(
        [f'{target}={target}+LEAD;{target}@standard_name="time";{target}@long_name="valid time"'],
        [f"d[{variable!r}] = d[{variable!r}].copy(data=d[{variable!r}].values + LEAD)",
         f"d[{variable!r}].attrs.update(standard_name='time', long_name='valid time')"],
        source_and_copy(dataset, coordinate, suffix="valid"))
    where = coordinate.encoding.get("source") or next(
        (item.encoding.get("source") for item in dataset.variables.values() if item.encoding.get("source")), "")
    return (f"{Path(where).name + ': ' if where else ''}the time '{variable}' is the forecasts' start ({said}) and no "
            f"lead time (forecast_period) or valid time lies beside it, so the times the values are valid at cannot "
            f"be told (e.g. a week 3-4 mean started on {_date_text(coordinate.values[0])} is valid 14 days later); "
            f"read at their starts they would be paired with the wrong observations; shift '{variable}' to the valid "
            f"times (or the start of each valid window, with time bounds) and mark it as the time, e.g. `{command}` "
            f"with LEAD the lead in {units}, or keep the lead time as a forecast_period coordinate")


def _date_text(value: object) -> str:
    return str(value)[:10]


def plus_lead_time(times: np.ndarray, lead: xr.DataArray, *, fix: str = "IN.nc OUT.nc") -> np.ndarray:
    """The dates ``times`` + the lead time ``lead``, in the dates' calendar.

    A lead time in units of fixed length (seconds, hours, days, weeks, UDUNITS'
    ``common_year`` of 365 days) is that duration. A lead time in months or years (``months``,
    ``month``, ``mon``, ``years``, ``yr``, ``a`` …: pint's ``month``, ``year`` and the units made
    of whole ones, :func:`calendar_months_per_unit`) is counted in **calendar months** of the
    dates' calendar (cftime's; the proleptic Gregorian for datetime64), a year as 12 months:
    1990-01-01 + 1 month = 1990-02-01, + 1 year = 1991-01-01, the time of day kept. A day the
    month reached lacks is its last day (1990-01-31 + 1 month = 1990-02-28), as pandas'
    ``DateOffset`` and dateutil's ``relativedelta`` do. A fraction of a month is that fraction of
    the month reached, the span from reference + n months to reference + (n + 1) months: the
    IRI Data Library's NMME hindcasts (lead ``L`` 0.5, 1.5 … 11.5 months from starts ``S`` on the
    1st) date the mean of the first month at ``L = 0.5``, i.e. mid-month (1990-01-01 +
    0.5 month = 1990-01-16 12:00; in the ``360_day`` calendar, every month 30 days, that is
    also the IRI's own ``S + L``).

    Why not UDUNITS' month: CF 1.11 §4.4 says its year is 365.242198781 days, "not a calendar
    year", and its month, year/12 (30.44 days; pint's 30.4375), "should also be used with
    caution". Added to a start on the 1st, it dates a one-month lead 1990-01-31 10:30 and a
    ten-year lead in the ninth year, whereas a seasonal or decadal forecast's lead counts
    calendar months from the start: climpred shifts ``init`` by whole months
    (``CFTimeIndex.shift(lead, "MS")``; it refuses fractional months outside ``360_day``, where
    a month is 30 days).

    Parameters
    ----------
    times : numpy.ndarray
        Dates (cftime objects, or datetime64), shape (n,) or (n, 2) for time bounds.
    lead : xarray.DataArray
        The lead time: numbers in its CF ``units``, shape () or (n,).
    fix : str
        The file and its corrected copy, for the command in a refusal.

    Returns
    -------
    numpy.ndarray
        The shape and type of ``times``.

    Raises
    ------
    ClimannError
        If the lead time's units are not units of time; if a lead time is not a number; if a
        lead time in years (or longer calendar units) is not a whole number of months (0.1
        year: which year's length it is a tenth of is not said).
    """
    name, units = lead.name, str(lead.attrs.get("units", "")).strip()
    numbers = np.asarray(lead.values, np.float64)
    if numbers.ndim and np.ndim(times) == 2:
        numbers = numbers[:, None]
    if not np.isfinite(numbers).all():
        raise ClimannError(f"lead time '{name}' (forecast_period) has missing values, so the time its fields are "
                           f"valid at (forecast reference time + lead) cannot be told; give each lead time a value "
                           f"(or select those that have one)")
    quantity = _lead_time_unit(units)
    if quantity is None:
        months_units = ncatted_attribute("units", name, "o", "c", "months")
        # the copy into a new folder: beside the file (X_fixed.nc), a glob over their folder took both (fix56b)
        raise ClimannError(
            f"lead time '{name}' (forecast_period) has units '{units}', not units of time, so the time its fields "
            f"are valid at (forecast reference time + lead) cannot be told; set units of time, e.g. "
            + one_copy_advice(lambda files: f"`{attribute_command([months_units], files)}`", fix, "units_fixed"))
    months = calendar_months_per_unit(units)
    if months is None:
        durations = _durations(numbers * quantity.to("second").magnitude)
        return times + (durations.astype(object) if np.asarray(times).dtype == object else durations)
    counted = np.broadcast_to(numbers * months, np.shape(times))
    whole = np.round(counted)
    exact = np.abs(counted - whole) <= 1e-9 * np.maximum(1.0, np.abs(counted))
    if not exact.all() and str(quantity.units) != "month":
        odd = np.broadcast_to(numbers, counted.shape)[~exact][0]
        raise ClimannError(
            f"lead time '{name}' = {odd:g} {units} is not a whole number of calendar months ({odd * months:g}), and a "
            f"fraction of a year has no length until one says which year; give the lead in months, e.g. "
            f"{one_copy_advice(lambda files: f'`{_lead_in_months(name, months, files)}`', fix, 'lead_in_months')} "
            "(a fraction of a month is read as that fraction of the month it reaches), or in days")
    return _plus_calendar_months(times, np.where(exact, whole, counted))


def _lead_in_months(name: str, months: float, files: str) -> str:
    """The command that gives the lead time ``name`` of ``files`` (``IN OUT``) in months, its
    values times ``months``, the months in one of its units (``ncap2`` on a file, an xarray line on a
    Zarr store: :func:`~climann.data.shell.values_command`)."""
    return values_command([f'{name}={name}*{months:g};{name}@units="months"'],
                          [xarray_values(name, f"{xarray_data(name)} * {months:g}"),
                           f"d[{name!r}].attrs['units'] = 'months'"], files)


def calendar_months_per_unit(units: str) -> float | None:
    """How many calendar months one unit of a lead time in ``units`` is, when its units are
    months or years (:func:`plus_lead_time` adds them in the calendar); None for units of
    time of fixed length, and for units that are not of time.

    pint (climann's registry, :func:`climann.data.units.unit_registry`) decides: its ``month``
    (``month``, ``months``; also CDO's ``mon``) and ``year`` (``years``, ``yr``, ``a``; pint makes
    ``julian_year`` the same unit) and the units that are a whole number of them (``century``)
    are calendar units; UDUNITS' ``common_year``
    (365 days), ``leap_year`` and ``gregorian_year`` are fixed lengths, as are days and weeks.

    Examples
    --------
    >>> calendar_months_per_unit("years"), calendar_months_per_unit("mon"), calendar_months_per_unit("days")
    (12.0, 1.0, None)
    """
    quantity = _lead_time_unit(units)
    if quantity is None:
        return None
    import pint.util

    powers = dict(pint.util.to_units_container(quantity.units))
    if len(powers) != 1 or list(powers.values()) != [1]:
        return None
    (unit,) = powers
    in_months = float(unit_registry().Quantity(1.0, unit).to("month").magnitude)
    if in_months < 1 or abs(in_months - round(in_months)) > 1e-9:
        return None
    return float(quantity.magnitude) * round(in_months)


def is_duration_units(units: str) -> bool:
    """Whether ``units`` are units of time of a duration (``hours``, ``days``, ``months``; read with
    pint as :func:`plus_lead_time` reads a lead time), not a time axis's ``<unit> since <date>``.

    Examples
    --------
    >>> is_duration_units("hours"), is_duration_units("hours since 2021-01-01"), is_duration_units("m")
    (True, False, False)
    """
    return " since " not in f" {units.lower()} " and _lead_time_unit(units) is not None


#: Spellings of a month that neither UDUNITS nor pint define (CDO's and GrADS' ``mon``).
_MONTH_SPELLINGS = {"mon": "month", "mons": "months"}


def _lead_time_unit(units: str):
    """One unit of a lead time in ``units`` as a pint Quantity of time (``3 months``: 3
    months), read as UDUNITS spells it, else in lower case (``Months``); None when the
    units are not units of time (or none)."""
    registry = unit_registry()
    text = normalised_units(units)
    for spelling in (text, text.lower(), _MONTH_SPELLINGS.get(text.lower(), "")):
        if not spelling:
            continue
        try:
            quantity = registry.Quantity(spelling)
        except Exception:  # pint's errors for a string it cannot read: try the next spelling
            continue
        if isinstance(quantity, registry.Quantity) and quantity.check("[time]"):
            return quantity
    return None


def _plus_calendar_months(times: np.ndarray, months: np.ndarray) -> np.ndarray:
    """Each date of ``times`` + its number of calendar months in ``months`` (same shape; a
    fraction of the month reached, see :func:`plus_lead_time`); missing dates (NaT) stay."""
    dated = np.asarray(times)
    objects = dated.astype("datetime64[us]").astype(object) if dated.dtype.kind == "M" else dated
    later = np.empty(dated.shape, object)
    for index, date in np.ndenumerate(objects):
        count = float(months[index])
        whole = int(np.floor(count))
        later[index] = date if date is None else _months_later(date, whole)
        if date is not None and count != whole:
            later[index] += (_months_later(date, whole + 1) - later[index]) * (count - whole)
    return later.astype("datetime64[us]").astype(dated.dtype) if dated.dtype.kind == "M" else later


def _months_later(date, months: int):
    """``date`` (a cftime or datetime.datetime) ``months`` calendar months later, the same day
    and time of day, or the last day of the month reached when it has no such day."""
    counted, month = divmod(month_number(date) + months, 12)
    first = date.replace(year=calendar_year(counted, has_year_zero=getattr(date, "has_year_zero", True)),
                         month=month + 1, day=1)
    days = getattr(first, "daysinmonth", None) or calendar.monthrange(first.year, first.month)[1]
    return first.replace(day=min(date.day, days))


def _durations(seconds: np.ndarray) -> np.ndarray:
    """Durations in seconds as a ``timedelta64[us]`` array (cftime dates add them as
    ``datetime.timedelta`` objects, datetime64 as they are)."""
    microseconds = np.round(np.asarray(seconds) * 1e6).astype(np.int64)
    return microseconds.astype("timedelta64[us]")


#: GRIB ``stepType`` of a value at its valid time (ecCodes); any other (``accum``, ``avg``,
#: ``max``, ``min`` …) is a statistic over the step, from the forecast start to the valid time.
INSTANT_STEP_TYPES = ("", "instant")


def on_held_valid_times(dataset: xr.Dataset, held: set[tuple[np.datetime64, np.datetime64]]) -> xr.Dataset:
    """The dataset on one time axis of valid times, when the (reference time, lead time)
    pairs that hold data have distinct valid times.

    cfgrib lays a parameter's messages on the product of their reference times and lead times
    (``valid_time(time, step)``), the pairs no message holds left missing. CDO's GRIB1 of a
    monthly NetCDF (``cdo -f grb copy``, CDO 2.1) writes the first months as "forecasts" from
    the first date (P1 in days, WMO FM 92 GRIB1 section 1 octets 19-21, as long as it fits in
    one octet) and each later month as its own reference time at step 0: 28 reference times by
    9 lead times, 36 messages, every valid time once. Each valid time then has one value, the
    field valid at it, and is read as a step of one axis (sorted, named ``time``, the lead time
    kept as a coordinate on it). Only where some pairs hold no message: forecasts at the same lead
    times from every start (0, 6 and 12 h of each day) are left to be chosen from by lead time.
    This holds only for values at their valid times (GRIB
    ``stepType`` ``instant`` or none, :data:`INSTANT_STEP_TYPES`): an accumulation or mean from
    the forecast start is not a value of its valid hour, and is left to the refusal of several
    lead times (:func:`climann.data.variables.on_grid`), as are real forecasts (several lead
    times reaching one valid time).

    Parameters
    ----------
    dataset : xarray.Dataset
        As cfgrib opens it: reference times ``time`` (``forecast_reference_time``), lead times
        ``step`` (``forecast_period``), ``valid_time`` on both dimensions.
    held : set of (datetime64, datetime64)
        The (reference time, valid time) pairs of the file's messages, in ``datetime64[s]``.

    Returns
    -------
    xarray.Dataset
        ``dataset`` itself unless every data variable on both dimensions is instantaneous, the
        held pairs are fewer than the grid of pairs and have distinct valid times, each found on
        the grid.
    """
    valid = next((coordinate for coordinate in dataset.coords.values()
                  if coordinate.attrs.get("standard_name") == "time" and coordinate.ndim == 2
                  and is_dated(coordinate)), None)
    if valid is None or not held or len({valid_time for _, valid_time in held}) != len(held):
        return dataset
    reference_dim, lead_dim = valid.dims
    if len(held) >= dataset.sizes[reference_dim] * dataset.sizes[lead_dim]:
        return dataset  # the same lead times from every start: a forecast, one lead time chosen with select
    if (dataset.coords.get(reference_dim) is None or dataset.coords.get(lead_dim) is None
            or dataset[reference_dim].attrs.get("standard_name") != FORECAST_REFERENCE_TIME
            or not is_forecast_period(dataset[lead_dim])):
        return dataset
    on_pairs = [variable for variable in dataset.data_vars.values() if set(valid.dims) <= set(variable.dims)]
    if any(str(variable.attrs.get("GRIB_stepType", "")).strip().lower() not in INSTANT_STEP_TYPES
           for variable in on_pairs):
        return dataset
    references = np.asarray(dataset[reference_dim].values).astype("datetime64[s]")
    valid_times = np.asarray(valid.values).astype("datetime64[s]")
    pairs = []
    for reference, valid_time in sorted(held, key=lambda pair: pair[1]):
        rows, columns = np.nonzero((references[:, None] == reference) & (valid_times == valid_time))
        if len(rows) != 1:
            return dataset  # the header scan and cfgrib's grid disagree: leave it to the refusal
        pairs.append((rows[0], columns[0]))
    rows, columns = (xr.DataArray(np.array(index), dims=reference_dim) for index in zip(*pairs, strict=True))
    return dataset.isel({reference_dim: rows, lead_dim: columns})
