"""Seasonal forecasts' monthly means as cfgrib lays them out: lead months split by month length.

C3S's seasonal forecasts (SEAS5 …) give each member's mean of each whole calendar month of the
forecast. ecCodes dates such a mean by the end of its month (validityDate the 1st of the NEXT
month, ECMWF's forum "Grib keys of monthly statistics of seasonal forecasts"), and cfgrib, with
its default ``time_dims``, lays the fields on the reference time ``time`` and the lead time
``step`` = end of the averaged month − start, ``valid_time(time, step)`` their sum. Months differ
in length, so one lead month lies on up to four ``step`` values (28, 29, 30, 31 days from starts
in February, a leap February, April …, January …), every (start, step) pair that no month ends
at left missing: 12 start months give 24 steps for 6 lead months. Read step by step, each
``step`` was taken for a lead time of its own that only some starts have (break53c A1: ``info``
proposed 28 days, the non-leap February starts, then left the forecast out as 94 % missing).

C3S's own tutorials read these files with ``time_dims=('forecastMonth', 'time')``: the lead
month, ECMWF's ``forecastMonth`` (:func:`~climann.data.forecast_times.is_lead_month`: 1 the
month of the start). :func:`with_steps_as_lead_months` regroups the steps so, giving the file the
new CDS's layout (``forecastMonth`` beside the reference time), which climann reads from there
on (valid times, ``select``, the persistence of a forecast: the month before its start).

A file is regrouped when its forecasts say they are statistics over their step (GRIB
``stepType`` ``avg``, ``max``, ``min``, or ``dataType`` ``fcmean`` …), or say nothing either way
while every value lies at a step a whole month long (C3S's pattern, a lead month on several
steps), and every start is the 1st of a month at 00:00 and every value's valid time the 1st of a
later month. Forecasts some of which say their values are instantaneous and others means are
refused: which of them are month means cannot be told from the file.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

import numpy as np
import xarray as xr

from climann.data.forecast_times import (
    FORECAST_REFERENCE_TIME, is_dated, is_forecast_period, is_reference_time, with_lead_times_as_numbers,
    with_valid_times_on_lead_dimension,
)
from climann.data.notes import note_once
from climann.data.shell import drop_command, source_and_copy
from climann.data.time_axis import month_number
from climann.errors import ClimannError

__all__ = ["LEAD_MONTH", "MONTH_STATISTIC_DATA_TYPES", "MONTH_STATISTIC_STEP_TYPES", "with_steps_as_lead_months"]

_log = logging.getLogger(__name__)

#: The name the lead month gets: the new CDS's (ECMWF's MARS ``fcmonth``).
LEAD_MONTH = "forecastMonth"

#: ecCodes' ``stepType`` of a statistic over the step (cfgrib's ``GRIB_stepType``).
MONTH_STATISTIC_STEP_TYPES = frozenset({"avg", "max", "min"})

#: MARS ``type`` (cfgrib's ``GRIB_dataType``) of C3S's monthly statistics of seasonal forecasts.
MONTH_STATISTIC_DATA_TYPES = frozenset({"fcmean", "fcmax", "fcmin", "fcstdev"})


def _kind(variable: xr.DataArray) -> str | None:
    """``"statistic"`` when a variable's GRIB keys say its values are over the step, ``"instant"``
    when they say it is at its valid time, None when they say neither."""
    step_type = str(variable.attrs.get("GRIB_stepType", "")).strip().lower()
    data_type = str(variable.attrs.get("GRIB_dataType", "")).strip().lower()
    if step_type in MONTH_STATISTIC_STEP_TYPES or data_type in MONTH_STATISTIC_DATA_TYPES:
        return "statistic"
    if step_type == "instant":
        return "instant"
    return None


def _as_objects(times: np.ndarray) -> np.ndarray:
    """Dates as cftime or ``datetime.datetime`` objects (datetime64 converted; NaT as None)."""
    dated = np.asarray(times)
    return dated.astype("datetime64[us]").astype(object) if dated.dtype.kind == "M" else dated


def _opens_a_month(date: object) -> bool:
    return date is not None and (date.day, date.hour, date.minute, date.second, date.microsecond) == (1, 0, 0, 0, 0)


def _lead_months(starts: np.ndarray, valid: np.ndarray) -> np.ndarray | None:
    """The lead month of each (start, step) pair, shape (n_start, n_step): the calendar months
    from the start's to the one before the valid time's (the averaged month; 1 the start's own),
    0 where the valid time opens no month after the start; None unless every start opens a month."""
    starts, valid = _as_objects(starts), _as_objects(valid)
    if not all(map(_opens_a_month, starts)):
        return None
    leads = np.zeros(valid.shape, np.int64)
    for (row, column), date in np.ndenumerate(valid):
        if _opens_a_month(date):
            leads[row, column] = max(month_number(date) - month_number(starts[row]), 0)
    return leads


def _held(dataset: xr.Dataset, names: list[str], dims: tuple[str, str]) -> np.ndarray:
    """Which (start, step) pairs hold a value of any of ``names`` (read on the first value of
    every other dimension but the grid's: one member, all points), shape (n_start, n_step)."""
    held = np.zeros((dataset.sizes[dims[0]], dataset.sizes[dims[1]]), bool)
    for name in names:
        variable = dataset[name]
        others = [dim for dim in variable.dims if dim not in dims]
        first = variable.isel({dim: 0 for dim in others if dim not in _horizontal(variable)})
        held |= first.notnull().any([dim for dim in first.dims if dim not in dims]).transpose(*dims).values
    return held


def _horizontal(variable: xr.DataArray) -> list[str]:
    """The last two dimensions (a grid's y and x, as cfgrib writes them), or the last one."""
    return list(variable.dims[-2:])


def _step_layout(dataset: xr.Dataset) -> tuple[xr.DataArray, str, str] | None:
    """cfgrib's ``valid_time(time, step)`` with its reference and lead dimensions, when the file
    has one (reference time and lead time told by their CF names, cfgrib's long name)."""
    for coordinate in dataset.coords.values():
        if coordinate.attrs.get("standard_name") != "time" or coordinate.ndim != 2 or not is_dated(coordinate):
            continue
        reference, lead = map(str, coordinate.dims)
        if (reference in dataset.coords and lead in dataset.coords and is_reference_time(dataset[reference])
                and is_forecast_period(dataset[lead])):
            return coordinate, reference, lead
    return None


def with_steps_as_lead_months(dataset: xr.Dataset, select: Mapping[str, object] | None = None, *,
                              where: str, path: str | os.PathLike | None = None) -> xr.Dataset:
    """``dataset`` with cfgrib's monthly means of a seasonal forecast on ``time`` × ``step`` (see the
    module's rules) regrouped on the lead month ``forecastMonth`` beside the reference time, as the
    new CDS lays them out; else as it is.

    Each forecast variable ``v(…, time, step, …)`` becomes ``v(…, time, forecastMonth, …)``, the
    value of lead month ``L`` at start ``s`` the one at the step from ``s`` to the end of the L-th
    calendar month of the forecast (missing where no step reaches it); ``step`` and cfgrib's
    ``valid_time`` are dropped (the valid times are dated again from the lead month,
    :func:`~climann.data.forecast_times.with_valid_times_on_lead_dimension`). One warning says so.
    A file of that pattern with one step per lead month (November starts of non-leap years) and
    no GRIB key either way is read as it is, each value at its step, with one warning naming the
    steps and the line that says they are means (:func:`_unsaid_kind_message`).

    Parameters
    ----------
    dataset : xarray.Dataset
        One file as opened, times decoded (cftime objects or datetime64), lazily.
    select : mapping, optional
        The run's ``[data] select``, to refuse a choice of ``step``.
    where : str
        The file's name, for messages.
    path : str or PathLike, optional
        The file, for the line of a warning that writes a copy of it.

    Returns
    -------
    xarray.Dataset
        Lazy: only the (start, step) pairs that hold values of one member are read to regroup.

    Raises
    ------
    ClimannError
        If ``select`` chooses a ``step`` of a regrouped file (one step holds different lead
        months from different starts: the lead month is chosen instead); if some forecasts say
        their values are instantaneous and others statistics over their steps.
    """
    found = _step_layout(dataset)
    if found is None:
        return dataset
    valid, reference, step = found
    names = [str(name) for name, variable in dataset.data_vars.items() if {reference, step} <= set(variable.dims)]
    kinds = {name: _kind(dataset[name]) for name in names}
    if not names or set(kinds.values()) == {"instant"}:
        return dataset
    leads = _lead_months(dataset[reference].values, valid.values)
    if leads is None:
        return dataset
    held = _held(dataset, names, (reference, step))
    if not held.any() or (held & (leads < 1)).any():
        return dataset  # a value at a step that ends no month: no month means
    spread = any(len(set(np.nonzero(held & (leads == lead))[1])) > 1 for lead in np.unique(leads[held]))
    if "statistic" not in kinds.values() and not spread:
        if "instant" not in kinds.values():  # nothing says either way: read as they are, said once
            note_once(_log, logging.WARNING, _unsaid_kind_message(dataset, names, leads, held, step, where, path))
        return dataset
    if "instant" in kinds.values():
        raise ClimannError(_mixed_kinds_message(dataset, kinds, step, where))
    return _regrouped(dataset, names, leads, held, reference, step, valid, select, where=where)


def _regrouped(dataset: xr.Dataset, names: list[str], leads: np.ndarray, held: np.ndarray, reference: str,
               step: str, valid: xr.DataArray, select: Mapping[str, object] | None, *, where: str) -> xr.Dataset:
    """The regrouping of :func:`with_steps_as_lead_months` (its rules checked)."""
    count = int(leads[held].max())
    columns = np.full((leads.shape[0], count), -1, np.int64)
    for row, column in zip(*np.nonzero(held), strict=True):
        columns[row, leads[row, column] - 1] = column
    if step in (select or {}):
        raise ClimannError(_step_chosen_message(dataset, names, leads, held, step, select[step], where))
    starts = np.broadcast_to(np.arange(leads.shape[0])[:, None], columns.shape)
    rows = xr.DataArray(starts, dims=(reference, LEAD_MONTH))
    picked = xr.DataArray(np.maximum(columns, 0), dims=(reference, LEAD_MONTH))
    missing = xr.DataArray(columns < 0, dims=(reference, LEAD_MONTH))
    regrouped = {}
    for name in names:
        variable = dataset[name]
        order = [LEAD_MONTH if dim == step else dim for dim in variable.dims]
        values = variable.drop_vars([key for key in variable.coords if step in dataset[key].dims
                                     or key == valid.name], errors="ignore")
        taken = values.isel({reference: rows, step: picked}).where(~missing)
        regrouped[name] = taken.transpose(*order).assign_attrs(variable.attrs)
        regrouped[name].encoding = {key: value for key, value in variable.encoding.items()
                                    if key in ("dtype", "_FillValue", "missing_value", "scale_factor", "add_offset")}
    on_steps = [key for key, variable in dataset.variables.items() if step in variable.dims]
    result = dataset.drop_vars(on_steps).assign(regrouped)
    result = result.assign_coords({LEAD_MONTH: (LEAD_MONTH, np.arange(1, count + 1), {
        "long_name": "months since forecast_reference_time", "units": "1",
        "comment": f"regrouped by climann from cfgrib's '{step}' (end of each averaged month - start)"}),
        reference: dataset[reference].assign_attrs(standard_name=FORECAST_REFERENCE_TIME)})
    if count == 1:
        result = result.squeeze(LEAD_MONTH)
    steps = int(held.any(axis=0).sum())
    spread = f"{steps} steps for {count} lead months, by month length" if steps > count else f"{steps} steps"
    note_once(_log, logging.WARNING, (
        f"{where}: {', '.join(names)} {'is' if len(names) == 1 else 'are'} monthly means of a seasonal forecast as "
        f"cfgrib lays them out, '{step}' the end of each averaged month ({spread}); read as lead months "
        f"{LEAD_MONTH} = 1 … {count} (1 the month of each start, as the new CDS gives them): choose one with "
        f"[data] select, e.g. --select {LEAD_MONTH}=1"))
    return with_valid_times_on_lead_dimension(with_lead_times_as_numbers(result))


def _unsaid_kind_message(dataset: xr.Dataset, names: list[str], leads: np.ndarray, held: np.ndarray, step: str,
                         where: str, path: str | os.PathLike | None) -> str:
    """The warning of forecasts at steps that each end a calendar month of their starts, one step a
    lead month, whose file says neither that they are month means nor instants (no GRIB key): read
    as they are, each at its valid time, the 1st of the month after the one a mean would be of; the
    line (a copy in a new folder, :func:`~climann.data.shell.copies_of_files`) that gives them
    ``GRIB_stepType = "avg"`` if they are means, which are then read as lead months. Read either
    way without a word, one reading puts every value one month from its own (fix54d: the steps of
    November starts were kept and nothing said so)."""
    from climann.data.paths import is_zarr_store
    from climann.data.shell import attribute_command, copies_of_files, ncatted_attribute

    columns = sorted(set(np.nonzero(held)[1].tolist()))
    values = dataset[step].values[columns]
    days = [f"{value / np.timedelta64(1, 'D'):g}" if np.asarray(value).dtype.kind == "m" else f"{value}"
            for value in values]
    shown = ", ".join(days[:4]) + (" …" if len(days) > 4 else "")
    unit = " days" if np.asarray(values).dtype.kind == "m" else ""
    months = sorted({int(lead) for lead in leads[held]})
    attributes = [ncatted_attribute("GRIB_stepType", name, "o", "c", "avg") for name in names]
    line = (copies_of_files(lambda arguments, _: attribute_command(attributes, arguments), [path], name="month_means")
            if path is not None and not is_zarr_store(path) else
            f"the attribute GRIB_stepType = \"avg\" on {', '.join(names)}")
    verb = "lies" if len(names) == 1 else "lie"
    return (f"{where}: {', '.join(names)} {verb} at '{step}' {shown}{unit} ({len(columns)} step"
            f"{'s' if len(columns) != 1 else ''}, one a lead month: {LEAD_MONTH} {months[0]}"
            f"{f' … {months[-1]}' if len(months) > 1 else ''}), each the end of a calendar month of its start, as "
            f"cfgrib lays out monthly means of a seasonal forecast, but nothing in the file (no GRIB_stepType or "
            f"GRIB_dataType) says whether they are means of the month ending there or values at that instant; read as "
            f"they are, each at its valid time (the 1st of the month after the one a mean would be of); if they are "
            f"month means, give them so and they are read as lead months: {line}")


def _step_chosen_message(dataset: xr.Dataset, names: list[str], leads: np.ndarray, held: np.ndarray, step: str,
                         value: object, where: str) -> str:
    """The refusal of ``--select step=…`` on a regrouped file, naming the lead months that step holds."""
    months = sorted({int(lead) for lead in leads[held]})
    at = ", ".join(f"{LEAD_MONTH} {lead}" for lead in months[:3])
    return (f"{where}: '{step}' of {', '.join(names)} is the end of each averaged month (cfgrib's layout of monthly "
            f"means), so a lead month lies on as many steps as its months have lengths; the file is read as lead "
            f"months ({at}{' …' if len(months) > 3 else ''}): choose the lead month instead of {step}={value}, e.g. "
            f"--select {LEAD_MONTH}={months[0]}")


def _mixed_kinds_message(dataset: xr.Dataset, kinds: Mapping[str, str | None], step: str, where: str) -> str:
    """The refusal of forecasts whose GRIB keys say both instants and statistics over the step."""
    instants = [name for name, kind in kinds.items() if kind == "instant"]
    means = [name for name, kind in kinds.items() if kind != "instant"]
    return (f"{where}: {', '.join(means)} lie at steps ('{step}') that end whole calendar months, as cfgrib lays out "
            f"monthly means of a seasonal forecast, but {', '.join(instants)} say their values are instantaneous "
            f"(GRIB_stepType instant), so which of them are month means to read as lead months cannot be told; "
            f"give the means without them, e.g. `{drop_command(instants, source_and_copy(dataset, suffix='means'))}`, "
            f"and the instantaneous ones in a file of their own")
