"""The time cell of a forecast value that is a statistic over a window of its lead times.

A forecast's value at lead time L is not always a value of its valid instant
(reference + L). ECMWF's GRIB says what it is in ``stepType`` (ecCodes; cfgrib keeps it as the
variable's ``GRIB_stepType`` and gives the end of the GRIB step range as ``step``):

- ``instant``: the value at the valid time;
- ``avg``, ``max``, ``min``: the mean, maximum or minimum over the window that ends at the valid
  time and begins at the lead time before it (ECMWF's S2S daily means of ``2t`` at steps 24,
  48 … h are each the mean of the 24 hours before their step, the first from the start);
- ``accum``: the total from the forecast start to the valid time (S2S and ENS ``tp``; ERA5's
  totals, which ecCodes also calls ``accum``, are over the hour before the step: the same at the
  first step, and told by bounds of the lead time past it; GRIB2 totals over step ranges that
  do not all begin at the start, "0-6" and "6-12", get such bounds from the messages' own
  ``startStep``, :func:`climann.data.grib.step_ranges`).

Dated at the instant valid time, an S2S daily mean valid at 00:00 of day D + 1 is the mean of
day D, and was paired with the observation of day D + 1 (break31a A1, exit 0). Once a lead time
is chosen (:func:`with_window_cells`), or when the file holds one lead time only (cfgrib's scalar
``step``, or a ``step`` dimension of length 1: :func:`with_one_lead_window_cells`, read as if that
lead were chosen), such a forecast gets CF time bounds (CF 7.1) that hold its window, and is
then paired with other files by its cells, as any file with time bounds
(:mod:`climann.data.time_axes`): the observation of day D, not of day D + 1. A ``forecast_period``
with CF bounds gives the window itself, whatever the kind. A total from the start over more
than the first lead step is no value of one observation step, and is refused with the line that
differences it; a statistic the file names only in ``cell_methods`` (CF 7.3), with no GRIB step
type and no bounds of the lead time, has no window the file tells, and is refused too.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import numpy as np
import xarray as xr

from climann.data.cell_bounds import MADE_BOUNDS_KEY
from climann.data.coords import WINDOW_LONG_NAME, WINDOW_SOURCE_KEY
from climann.data.layout import FORECAST_WINDOW_KEY
from climann.data.forecast_times import (
    FORECAST_REFERENCE_TIME, TIME_UNIT_CODES, forecast_valid_times, forecast_variables, is_dated, is_forecast_period,
    is_lead_month, lead_dimensions, on_valid_time, plus_lead_time, with_lead_times_as_numbers,
    with_valid_times_on_lead_dimension,
)
from climann.data.grib import GRIB_FILE_NAME_KEY
from climann.data.handles import open_netcdf
from climann.data.paths import is_grib_file
from climann.data.shell import (
    attribute_command, cdo_command, copies_data, copies_of_files, copy_folder_of, copy_name, given_files,
    grib_command, in_cdo_folder, ncatted_attribute, none_there, one_copy_advice, one_copy_line, others_given_as_before,
    python_command,
    shown_path, source_and_copy, users_file_copied, working_path, whole_write, xarray_command,
)
from climann.errors import ClimannError

#: GRIB ``stepType`` (ecCodes) of a statistic over the window from the lead time before to this one.
WINDOW_STEP_TYPES = ("avg", "max", "min")

#: GRIB ``stepType`` of a total from the forecast start to the valid time.
ACCUMULATION_STEP_TYPE = "accum"

#: GRIB originating centres (``GRIB_centre``, WMO Common Code Table C-11 as ecCodes abbreviates
#: it) whose accumulations at a lead time of a day or more are totals from the forecast start:
#: ECMWF, which also produces GloFAS (CEMS-Flood, archived in MARS with centre ``ecmf``) and
#: ERA5-Land. Not NCEP (``kwbc``), whose GFS and GEFS ``APCP`` at 24 h is the 18–24 h bucket,
#: nor any centre not known to accumulate from the start.
FROM_THE_START_CENTRES = frozenset({"ecmf"})

#: GRIB ``stepType`` of a value at its valid time (none given: the same).
INSTANT_STEP_TYPES = ("", "instant")

#: A time entry of CF ``cell_methods`` (section 7.3) other than ``point``: a statistic over time.
_TIME_STATISTIC = re.compile(r"\b(?:time|valid_time|step|forecast_period)\s*:\s*(?!point\b)(\w+)")


def window_kind(variable: xr.DataArray) -> str | None:
    """What window a forecast variable's value describes: ``"window"`` (GRIB ``avg``, ``max``,
    ``min``: from the lead time before), ``"accum"`` (from the forecast start), ``"stated"``
    (a time statistic said only in CF ``cell_methods``: the window is not told), or None for a
    value at its valid time (GRIB ``instant``, or no GRIB step type and no time statistic in
    ``cell_methods``; other GRIB step types, ECMWF's monthly means, are left to their own
    rules, :mod:`climann.data.ecmwf_means`)."""
    step_type = str(variable.attrs.get("GRIB_stepType", "")).strip().lower()
    if step_type in WINDOW_STEP_TYPES:
        return "window"
    if step_type == ACCUMULATION_STEP_TYPE:
        return "accum"
    if step_type in INSTANT_STEP_TYPES and _TIME_STATISTIC.search(str(variable.attrs.get("cell_methods", ""))):
        return "stated"
    return None


def with_window_cells(chosen: xr.Dataset, whole: xr.Dataset, *, where: str) -> xr.Dataset:
    """``chosen`` (one lead time selected from the forecast ``whole``) with CF time bounds on its
    valid times that hold the window its values describe (see the module description).

    The window is [reference + earlier lead, valid time]: the earlier lead is the lead time
    before the chosen one in ``whole`` (0 for the first) for GRIB ``avg``/``max``/``min``, 0 for
    an accumulation of the first positive lead time, and the lead time's own CF bounds when it
    has them (for every kind). Values at their valid times are left as they are.

    Parameters
    ----------
    chosen : xarray.Dataset
        ``whole`` with one value of its lead dimension selected (a scalar coordinate), its valid
        times on the reference-time dimension.
    whole : xarray.Dataset
        The forecast before the selection (its lead times on their dimension).
    where : str
        The file, for the messages.

    Returns
    -------
    xarray.Dataset
        With ``<valid time>_bnds`` (reference dimension, ``bnds``), dates, named by the valid
        time's ``bounds``; ``chosen`` itself for instantaneous values, or valid times with bounds.

    Raises
    ------
    ClimannError
        If the forecast's variables describe different windows; if the window is not told (a
        ``cell_methods`` statistic without lead bounds, a lead time without units); if an
        accumulation is a total over more than its first lead step.
    """
    leads = lead_dimensions(whole)
    if len(leads) != 1 or leads[0] in chosen.dims or leads[0] not in chosen.coords:
        return chosen
    lead_dim, whole_valid = leads[0], forecast_valid_times(whole)
    if is_lead_month(whole[lead_dim]):
        return chosen  # a statistic over the calendar month its lead month counts, dated by that month's start
    kinds = {name: window_kind(whole[name]) for name in forecast_variables(whole)}
    stated = {name: kind for name, kind in kinds.items() if kind is not None}
    valid = _valid_times(chosen)
    reference_dim = next(str(dim) for dim in whole_valid.dims if dim != lead_dim)
    if (not stated or valid is None or str(valid.attrs.get("bounds")) in chosen.variables
            or reference_dim not in whole.coords or not is_dated(whole[reference_dim])
            or whole.sizes[reference_dim] != valid.size):
        return chosen
    lead, fix = chosen[lead_dim], source_and_copy(whole)
    if len(set(kinds.values())) > 1:
        raise ClimannError(_kinds_refusal(whole, kinds, lead, where=where))
    start = _window_start(whole, lead, next(iter(stated.values())), names=sorted(stated), where=where)
    reference = whole[reference_dim].values  # the selection keeps their order along the valid times
    if isinstance(start, tuple):  # the lead time's own bounds: both edges
        lower, upper = (plus_lead_time(reference, edge, fix=fix) for edge in start)
        bounds = str(whole[lead_dim].attrs["bounds"])
        # bounds made from other words of the file (ncl_convert2nc's attributes) say which (break48e A4)
        source = whole[bounds].encoding.get(WINDOW_SOURCE_KEY, f"the bounds of the lead time '{lead_dim}' ({bounds})")
        window = (float(start[0].values), float(start[1].values))
    else:
        lower, upper = plus_lead_time(reference, start, fix=fix), np.asarray(valid.values)
        step_types = sorted({str(whole[name].attrs.get("GRIB_stepType")) for name in stated})
        source = f"GRIB_stepType {', '.join(map(repr, step_types))} and the lead time '{lead_dim}'"
        window = (float(start.values), float(lead.values))
    return _with_window_recorded(_with_bounds(chosen, str(valid.name), np.stack([lower, upper], axis=-1),
                                              source=source), window, names=list(kinds))


def _with_window_recorded(chosen: xr.Dataset, window: tuple[float, float], *, names: list[str]) -> xr.Dataset:
    """``chosen`` with the window of lead times its forecast's values are over recorded in the
    ``encoding`` of each of its forecast variables ``names``
    (:data:`~climann.data.layout.FORECAST_WINDOW_KEY`): the time cells made of it say where a
    value's window lies, not when its forecast started, which persistence needs (the lead is
    measured to the window's end or to its start, as the lead's
    bounds say: fix47c)."""
    recorded = {}
    for name in (name for name in names if name in chosen.data_vars):
        variable = chosen[name].variable.copy(deep=False)
        variable.encoding = {**variable.encoding, FORECAST_WINDOW_KEY: window}
        recorded[name] = variable
    return chosen.assign(recorded)


def with_one_lead_window_cells(dataset: xr.Dataset, *, where: str) -> xr.Dataset:
    """``dataset``, a forecast of one lead time whose values are statistics over a window of lead
    times (GRIB ``avg``, ``max``, ``min``, ``accum``), on its valid times with the CF time bounds
    of that window, as :func:`with_window_cells` gives them once that lead time is chosen.

    cfgrib keeps a single lead time as a scalar ``step`` beside ``valid_time(time)``; other
    writers keep it as a ``step`` dimension of length 1. GloFAS's ``dis24`` at ``step`` = 1 day
    ("Mean discharge in the last 24 hours") is the mean over [time, valid_time]; read without
    bounds at its valid time, it was taken as the mean of the day beginning there, a day late,
    while the same values with two lead times and ``--select step=1`` were dated by their window
    (break33a A2). The single lead time is read here as the chosen one: the same window, the
    same refusals. Values at their valid times, lead times of 0 (analyses) and time statistics
    said only in ``cell_methods`` are left as they are. An accumulation at one lead time past
    1 hour without CF bounds of the lead time is refused (:func:`one_lead_accumulation_refusal`):
    ECMWF's S2S and ENS totals are from the forecast start, ERA5's (also ``accum``) over the hour
    before the step (cfgrib's ``step`` = 6 h for ERA5's 00 UTC ``tp`` from 18 UTC), NCEP's GFS and
    GEFS ``APCP`` over the last 6-hour bucket (18–24 h at ``step`` = 24 h), and a NetCDF copy keeps
    no GRIB step range to tell which (fix34c: a 6-hour bucket read as a day's total, exit 0). One
    exception: a lead of a day or more that equals the spacing of the reference times, from a
    producer that accumulates from the start (:data:`FROM_THE_START_CENTRES`: GloFAS's ``dis24``
    and ERA5-Land's daily totals, a day from each day's 00 UTC, ``GRIB_centre = "ecmf"``), is the
    total from the start, each over one step of the series (ERA5's hourly totals come from
    forecasts of at most 12 hours).

    Parameters
    ----------
    dataset : xarray.Dataset
        One file as opened, times decoded, before its valid times become its time axis
        (:func:`~climann.data.forecast_times.on_valid_time`).
    where : str
        The file, for the messages.

    Returns
    -------
    xarray.Dataset
        On its valid times with ``<valid time>_bnds`` (:func:`with_window_cells`); else
        ``dataset`` itself.

    Raises
    ------
    ClimannError
        As :func:`with_window_cells`; for an accumulation whose window one lead time does not
        tell (:func:`one_lead_accumulation_refusal`).
    """
    # a lead dimension of length 1 with no valid time of its own (ncl_convert2nc's) gets them, reference + lead
    numbered = with_valid_times_on_lead_dimension(with_lead_times_as_numbers(dataset), fewest_leads=1)
    whole = _with_one_lead_on_its_dimension(numbered)
    if whole is None:
        return dataset
    names = forecast_variables(whole)
    kinds = {window_kind(whole[name]) for name in names}
    lead_dim = lead_dimensions(whole)[0]
    # a statistic said in cell_methods whose window the lead time's own CF bounds give (ncl_convert2nc's
    # forecast_time1_bnds, climann.data.ncl_forecasts) is read as when that lead is chosen (fix48c: stamped at
    # its end, no cell, where --select of the same lead gave the window)
    bounded = "stated" in kinds and str(whole[lead_dim].attrs.get("bounds")) in whole.variables
    if "window" not in kinds and not bounded and not ("accum" in kinds
                                                      and _total_over_its_own_window(whole, lead_dim)):
        if "accum" not in kinds or _valid_times_bounded(whole):  # bounds of the valid times give the cells
            return dataset
        accumulated = [name for name in names if window_kind(whole[name]) == "accum"]
        raise one_lead_accumulation_refusal(whole, whole[lead_dim], accumulated, where=where)
    chosen = on_valid_time(whole.sel({lead_dim: whole[lead_dim].values[0]}))
    return with_window_cells(chosen, whole, where=where)


def _total_over_its_own_window(whole: xr.Dataset, lead_dim: str) -> bool:
    """Whether an accumulation at the single lead time ``lead_dim`` of ``whole`` covers [reference,
    valid time]: the lead has CF bounds (they give the window), it is at most 1 hour (a total
    from the start and one over the hour before the step are then the same), or it is a day or
    more, equals the spacing of the reference times and comes from a producer that accumulates
    from the start (:func:`accumulates_from_the_start`: each total then covers one step of the
    series, as GloFAS's and ERA5-Land's daily totals do; ERA5's totals over the hour before the
    step have leads of at most 12 hours)."""
    lead = whole[lead_dim]
    if str(lead.attrs.get("bounds")) in whole.variables:
        return True
    lead_hours = _lead_hours(lead)
    return lead_hours <= 1.0 or (lead_hours >= 24.0 and lead_hours == _reference_spacing_hours(whole, lead_dim)
                                 and accumulates_from_the_start(whole))


def _lead_hours(lead: xr.DataArray) -> float:
    """The single lead time ``lead`` (a number in its CF ``units``) in hours; NaN without units."""
    return float(lead.values.item()) * _hours_per_unit(lead)


def _hours_per_unit(lead: xr.DataArray) -> float:
    """Hours in one unit of the lead time ``lead`` (its CF ``units``); NaN without units."""
    code = TIME_UNIT_CODES.get(str(lead.attrs.get("units", "")).strip().lower())
    return float(np.timedelta64(1, code) / np.timedelta64(1, "h")) if code else float("nan")


def producer_centre(dataset: xr.Dataset) -> str | None:
    """The GRIB originating centre of a forecast written by cfgrib (``GRIB_centre``: ``"ecmf"``,
    ``"kwbc"``), from its forecast variables or, where cfgrib writes it, the file's global
    attributes (cfgrib's ``GLOBAL_ATTRIBUTES_KEYS``); None when the file does not say."""
    found = {str(dataset[name].attrs["GRIB_centre"]).strip().lower() for name in forecast_variables(dataset)
             if "GRIB_centre" in dataset[name].attrs}
    if not found and "GRIB_centre" in dataset.attrs:
        found = {str(dataset.attrs["GRIB_centre"]).strip().lower()}
    return found.pop() if len(found) == 1 else None


def accumulates_from_the_start(dataset: xr.Dataset) -> bool:
    """Whether the forecast ``dataset`` comes from a producer whose GRIB accumulations at a lead
    time of a day or more are totals from the forecast start (:data:`FROM_THE_START_CENTRES`),
    by its ``GRIB_centre`` (:func:`producer_centre`)."""
    return producer_centre(dataset) in FROM_THE_START_CENTRES


def _valid_times_bounded(dataset: xr.Dataset) -> bool:
    """Whether the valid times (CF ``standard_name = "time"``) of ``dataset`` have CF bounds in it:
    they give each value's cell (:mod:`climann.data.time_axes`), as the way out of the units layer
    for cfgrib's layout writes them (``valid_time_bnds``)."""
    return any(coordinate.attrs.get("standard_name") == "time"
               and str(coordinate.attrs.get("bounds")) in dataset.variables for coordinate in dataset.coords.values())


def _reference_spacing_hours(whole: xr.Dataset, lead_dim: str) -> float:
    """The one spacing of the dated reference times (the dimension of the valid times other than
    ``lead_dim``) in hours; NaN when they are not evenly spaced or not found."""
    for valid in whole.coords.values():
        dims = [dim for dim in valid.dims if dim != lead_dim]
        if valid.attrs.get("standard_name") != "time" or len(dims) != 1 or dims[0] not in whole.coords:
            continue
        reference = whole.coords[dims[0]]
        if not is_dated(reference) or reference.size < 2:
            return float("nan")
        steps = np.unique(np.diff(reference.values).astype("timedelta64[s]").astype(np.int64))
        return steps[0] / 3600.0 if steps.size == 1 else float("nan")
    return float("nan")


def _with_one_lead_on_its_dimension(dataset: xr.Dataset) -> xr.Dataset | None:
    """``dataset`` with its one positive lead time (``forecast_period``, scalar or on a dimension
    of length 1) on a dimension of length 1, its 1-D valid times (on the reference dimension) on
    (reference, lead): the layout a lead time is chosen from; None for any other forecast."""
    leads = [lead for lead in dataset.coords.values() if is_forecast_period(lead)]
    if len(leads) != 1 or leads[0].size != 1 or leads[0].dims not in ((), (leads[0].name,)):
        return None
    lead = leads[0]
    if not np.issubdtype(lead.dtype, np.number) or lead.values.item() <= 0:
        return None
    dataset = _one_message_on_its_reference(dataset)
    name = str(lead.name)
    whole = dataset.expand_dims(name) if lead.ndim == 0 else dataset
    bounds = str(lead.attrs.get("bounds"))
    if lead.ndim == 0 and bounds in dataset.variables and dataset[bounds].shape == (2,):
        # a scalar lead's CF bounds lie on their vertex dimension alone (CF 7.1); put on the lead's new dimension
        # too, as for several leads (a data variable's are by expand_dims, a coordinate's are not)
        whole = whole.assign({bounds: dataset[bounds].variable.set_dims((name, *dataset[bounds].dims))})
    for valid_name, valid in whole.coords.items():
        reference = whole.coords.get(valid.dims[0]) if valid.ndim == 1 else None
        if (valid.attrs.get("standard_name") == "time" and is_dated(valid) and reference is not None
                and reference.attrs.get("standard_name") == FORECAST_REFERENCE_TIME):
            whole = whole.assign_coords({valid_name: valid.expand_dims(name, axis=-1)})
    return whole if lead_dimensions(whole) == [name] else None


def _one_message_on_its_reference(dataset: xr.Dataset) -> xr.Dataset:
    """``dataset`` whose scalar reference time (``forecast_reference_time``) and scalar valid time
    (cfgrib's of a file of one message per parameter: NLDAS-2's hourly ``APCP``, "0-1 hour acc"
    from the hour its name gives) are put on a reference dimension of length 1, as a file of
    several reference times holds them; else ``dataset`` itself. Left scalar, the hour's total was
    stamped at its valid time without a window, read as the hour centred there, and a day's sum
    took 23 of the day's hours and the last hour of the day before (fix54e)."""
    references = [name for name, coordinate in dataset.coords.items() if coordinate.ndim == 0
                  and coordinate.attrs.get("standard_name") == FORECAST_REFERENCE_TIME and is_dated(coordinate)]
    valid = [name for name, coordinate in dataset.coords.items() if coordinate.ndim == 0
             and coordinate.attrs.get("standard_name") == "time" and is_dated(coordinate)]
    if len(references) != 1 or len(valid) != 1 or references[0] in dataset.dims:
        return dataset
    reference = references[0]
    whole = dataset.expand_dims(reference)  # the new dimension coordinate keeps no attributes: given back
    # the lead time's CF bounds (step_bnds) are of the lead alone, not of each reference time: kept as they were
    held = {str(coordinate.attrs["bounds"]) for coordinate in dataset.coords.values() if "bounds" in coordinate.attrs}
    whole = whole.assign({name: dataset[name].variable for name in held if name in dataset.data_vars})
    stamps = xr.Variable((reference,), whole[reference].values, dataset[reference].attrs, dataset[reference].encoding)
    valid_times = xr.Variable((reference,), np.atleast_1d(dataset[valid[0]].values), dataset[valid[0]].attrs,
                              dataset[valid[0]].encoding)
    return whole.assign_coords({reference: stamps, valid[0]: valid_times})


def _valid_times(chosen: xr.Dataset) -> xr.DataArray | None:
    """The 1-D dated valid times (CF ``standard_name = "time"``) on their own dimension."""
    return next((coordinate for name, coordinate in chosen.coords.items()
                 if coordinate.dims == (name,) and coordinate.attrs.get("standard_name") == "time"
                 and is_dated(coordinate)), None)


def _kinds_refusal(whole: xr.Dataset, kinds: dict[str, str | None], lead: xr.DataArray, *, where: str) -> str:
    """The refusal of a forecast whose variables describe different windows (``kinds``, by
    :func:`window_kind`), with the lines that put the first kind's variables in a file of their
    own: CDO's ``selname`` and, where CDO is not installed, the same in xarray (the others
    dropped, so that the lead time's bounds stay)."""
    first = next(kind for kind in kinds.values() if kind is not None)
    kept = [name for name, kind in kinds.items() if kind == first]
    dropped = [name for name, kind in kinds.items() if kind != first]
    source = next((str(item.encoding["source"]) for item in (whole, *whole.data_vars.values())
                   if item.encoding.get("source")), None)
    if source is not None and is_grib_file(source):
        return _grib_kinds_refusal(whole, kinds, lead, kept, source, where=where)
    files = source_and_copy(whole, suffix="selected")

    def ways(arguments: str) -> str:
        xarray = xarray_command([f"d = d.drop_vars({dropped!r})"], arguments, suffix="selected")
        return f"`{cdo_command('selname,' + ','.join(kept), arguments)}` or, without CDO, `{xarray}`"

    # the copy into a new folder: beside the file (X_selected.nc), a glob over their folder took both (fix56b)
    return (f"{where} holds forecasts of different kinds of time ({_kinds_text(whole, kinds, lead)}): one time axis "
            f"cannot give each its window; put them in separate files, e.g. for {', '.join(kept)} "
            f"{one_copy_advice(ways, files, 'selected_variables')}, and the others likewise")


def _grib_kinds_refusal(whole: xr.Dataset, kinds: dict[str, str | None], lead: xr.DataArray, kept: list[str],
                        source: str, *, where: str) -> str:
    """:func:`_kinds_refusal` of a GRIB file: its messages of ``kept`` copied into a GRIB file of
    their own (CDO's ``selname`` on GRIB writes GRIB; without CDO, ecCodes' Python), so that each
    keeps its step range, which gives its window when the copy is read (a NetCDF copy keeps none:
    the accumulation was then refused for it, break38a B2); the copy's name ends as the input's."""
    short_names = [str(whole[name].attrs.get("GRIB_shortName", name)) for name in kept]
    # the copy, a GRIB file under the file's own name, into a new folder: beside it (X_selected.grib2), a glob over
    # their folder took both (fix56b)
    folder = copy_folder_of(source, "selected_variables")
    copy = folder / Path(source).name
    made = f"mkdir -p {shown_path(folder)} && "
    code = (f"import eccodes; f = open({working_path(source)!r}, 'rb'); o = open({working_path(copy)!r}, 'wb'); "
            f"[(eccodes.codes_get(m, 'shortName') in {short_names!r} and eccodes.codes_write(m, o), "
            f"eccodes.codes_release(m)) for m in iter(lambda: eccodes.codes_grib_new_from_file(f), None)]; o.close()")
    # CDO opens no path with a space: in a folder with one, run inside it (fix57i)
    cdo = in_cdo_folder(lambda named: cdo_command('selname,' + ','.join(short_names), f"{named(source)} {named(copy)}"),
                        [source], folder)
    return (f"{where} holds forecasts of different kinds of time ({_kinds_text(whole, kinds, lead)}): one time axis "
            f"cannot give each its window; put them in separate GRIB files, which keep each message's step range, "
            f"e.g. for {', '.join(kept)} `{made}{cdo}` or, without CDO, `{none_there(copy)}{made}"
            f"{python_command(code)}` (its copy in a new folder), then give --data {shown_path(copy)} in place of "
            f"{shown_path(source)}{others_given_as_before(source)}, and the others likewise")


def _kinds_text(whole: xr.Dataset, kinds: dict[str, str | None], lead: xr.DataArray) -> str:
    """``tp: totals over lead times 0.75 to 1 days (step_bnds), t2m: values at their valid times``:
    what each variable's value is, the window the lead time's CF bounds give when it has them
    (they give it for every kind, :func:`_window_start`), else the one its GRIB step type says."""
    words = {None: "values at their valid times", "window": "statistics over the step before",
             "accum": "totals from the start", "stated": "time statistics (cell_methods)"}
    edges = _lead_edges(whole, lead)
    if edges is not None:
        bounds, units = whole[str(lead.name)].attrs["bounds"], str(lead.attrs.get("units", "")).strip()
        unit = f" {units}" if units else ""
        span = (f"from the start to lead time {edges[1]:g}{unit} ({bounds})" if edges[0] == 0
                else f"over lead times {edges[0]:g} to {edges[1]:g}{unit} ({bounds})")
        what = {"window": "statistics", "accum": "totals", "stated": "time statistics (cell_methods)"}
        words |= {kind: f"{what[kind]} {span}" for kind in what}
    return ", ".join(f"{name}: {words[kind]}" for name, kind in kinds.items())


def _lead_edges(whole: xr.Dataset, lead: xr.DataArray) -> tuple[float, float] | None:
    """The CF bounds of the chosen lead time ``lead`` (a scalar of ``whole``'s lead dimension), in
    the lead's units; None when the lead time has none."""
    lead_dim = str(lead.name)
    bounds = whole[lead_dim].attrs.get("bounds")
    if bounds not in whole.variables or whole[bounds].ndim != 2:
        return None
    edges = np.asarray(whole[bounds].sel({lead_dim: lead.values}).values)
    if np.issubdtype(edges.dtype, np.timedelta64):  # decoded as the lead was, read in its units
        edges = edges / np.timedelta64(1, TIME_UNIT_CODES.get(str(lead.attrs.get("units")), "h"))
    return float(edges[0]), float(edges[1])


def _window_start(whole: xr.Dataset, lead: xr.DataArray, kind: str, *, names: list[str], where: str):
    """The lead time at which the chosen lead's window begins, as a scalar DataArray in the
    lead's units, or the lead's own (lower, upper) bounds; refusals as in :func:`with_window_cells`."""
    lead_dim = str(lead.name)
    if (edges := _lead_edges(whole, lead)) is not None:
        return tuple(lead.copy(data=np.float64(edge)) for edge in edges)
    if kind == "stated":
        methods = whole[names[0]].attrs.get("cell_methods")
        raise ClimannError(
            f"{', '.join(names)} in {where} say a time statistic (cell_methods '{methods}'), but no GRIB stepType "
            f"or bounds of the lead time '{lead_dim}' say over which window of lead times, so the days it describes "
            f"cannot be told; give '{lead_dim}' CF bounds (e.g. {lead_dim}_bnds = [{lead_dim} - 24, {lead_dim}] hours "
            f"for means of the day before each step, and {lead_dim}:bounds = \"{lead_dim}_bnds\")")
    if not str(lead.attrs.get("units", "")).strip():
        hours = ncatted_attribute("units", lead_dim, "o", "c", "hours")
        raise ClimannError(f"the lead time '{lead_dim}' of {where} has no units, so the window of {', '.join(names)} "
                           f"(GRIB stepType) cannot be told; set its units, e.g. "
                           + one_copy_advice(lambda files: f"`{attribute_command([hours], files)}`",
                                             source_and_copy(whole), "units_fixed"))
    chosen = float(lead.values)
    every = np.asarray(whole[lead_dim].values, np.float64)
    earlier = every[every < chosen]
    if kind == "window":
        return lead.copy(data=np.float64(earlier.max() if earlier.size else 0.0))
    positive = every[every > 0]
    if positive.size and chosen == positive.min():
        return lead.copy(data=np.float64(0.0))
    if _one_step_of_the_series(whole, lead):  # ERA5-Land's step=24: the day's total (break45b A5)
        return lead.copy(data=np.float64(0.0))
    raise _accumulation_refusal(whole, lead, earlier, names, where)


def _one_step_of_the_series(whole: xr.Dataset, lead: xr.DataArray) -> bool:
    """Whether the chosen lead ``lead`` of an accumulation is a day or more, equals the spacing of
    the reference times and comes from a producer that accumulates from the start
    (:func:`accumulates_from_the_start`): each total then covers [reference, valid time], one step
    of the series, as with one lead alone (:func:`_total_over_its_own_window`): ERA5-Land's GRIB
    at ``step`` = 24 h (steps 1–24 from each day's 00 UTC) is each day's total (ECMWF, "ERA5-Land:
    data documentation", https://confluence.ecmwf.int/x/3AS2G: accumulated from the forecast's start)."""
    hours = float(lead.values) * _hours_per_unit(lead)
    return bool(hours >= 24.0 and hours == _reference_spacing_hours(whole, str(lead.name))
                and accumulates_from_the_start(whole))


def _accumulation_refusal(whole: xr.Dataset, lead: xr.DataArray, earlier: np.ndarray, names: list[str],
                          where: str) -> ClimannError:
    """The refusal of a GRIB accumulation chosen at a lead time past its first step: a total from
    the forecast start over more than one step (21 days of rain at ``step=504``) is no value of
    one observation step; the line that writes the total over the step before it instead."""
    lead_dim, units = str(lead.name), str(lead.attrs.get("units"))
    value, before = float(lead.values), float(earlier.max()) if earlier.size else 0.0
    # the names the line's reader sees: cfgrib's own (``unknown``) where climann renamed one (param8.1.0)
    in_file = [whole[name].encoding.get(GRIB_FILE_NAME_KEY, name) for name in names]
    script = (f"import sys, numpy as np, xarray as xr; d = xr.open_dataset(sys.argv[1], decode_timedelta=False); "
              f"s = d[{lead_dim!r}].values; t = d[{in_file!r}].diff({lead_dim!r}, label='upper'); "
              f"t[{lead_dim + '_bnds'!r}] = (({lead_dim!r}, 'bnds'), np.stack([s[:-1], s[1:]], -1)); "
              f"t[{lead_dim!r}].attrs['bounds'] = {lead_dim + '_bnds'!r}; " + whole_write("t.to_netcdf"))
    source = whole.encoding.get("source")
    files = _files_holding(Path(source), in_file) if source else []
    if files and (written := _step_totals_written(files, in_file, lead_dim)):
        way = written  # the line run before: its copies are given, not a second folder of them (fix55d)
    elif files:  # each file of the variable given, its copy in a new folder (break54c A2: the first alone, beside it)
        way = "write them and choose from those, e.g. " + (
            copies_of_files(lambda arguments, file: _python_on(script, arguments, file), files,
                            name=STEP_TOTALS_FOLDER) + _written_before(files))
    else:
        way = f"write them and choose from those, e.g. {python_command(script)} IN.nc OUT.nc"
    return ClimannError(
        f"{', '.join(names)} in {where} are GRIB accumulations (GRIB_stepType = accum): at {lead_dim} = {value:g} "
        f"{units} each value is the total from the forecast start (ECMWF's forecasts: S2S, ENS, ERA5-Land's from "
        f"00 UTC), over {value:g} {units}, which is not one step of the series of forecast starts "
        f"({_spacing_text(whole, lead_dim)}): its totals overlap; for the total over one step of the series choose "
        f"the lead equal to that spacing (ERA5-Land's day at {lead_dim} = 24 hours, its forecasts starting daily); "
        f"for the totals over each lead step (bounded by the step before; at {lead_dim} = {value:g} the total from "
        f"{before:g} to {value:g} {units}, not from the start), {way}; if "
        f"your values are totals over the step before already (ERA5's hourly totals), give '{lead_dim}' CF bounds "
        f"that say so ({lead_dim}_bnds = [previous {lead_dim}, {lead_dim}])")


#: The folder beside a forecast's files into which :func:`_accumulation_refusal`'s line writes
#: their totals over each lead step.
STEP_TOTALS_FOLDER = "step_totals"


def _python_on(script: str, arguments: str, file: str) -> str:
    """``python -c SCRIPT IN OUT`` on ``arguments``; read through cfgrib for a GRIB ``file``."""
    command = f"{python_command(script)} {arguments}"
    return grib_command(command) if is_grib_file(file) else command


def _written_before(files: list[str]) -> str:
    """Words for the folder ``step_totals`` beside ``files`` when it holds a copy of each of them:
    most likely the line's copies written before, the originals given again (break54c A2: a new
    folder was named, nothing said of the first)."""
    folder = Path(files[0]).parent / STEP_TOTALS_FOLDER
    if not all((folder / copy_name(file)).is_file() for file in files):
        return ""
    return (f"; {shown_path(folder)} already holds files of these names, perhaps the copies written before: if so, "
            f"give --data {copies_data(folder, files)} in place of the originals")


def _step_totals_written(files: list[str], names: list[str], lead_dim: str) -> str:
    """Words for the copies of ``files`` in the folder ``step_totals`` beside them when every one
    is there and holds what :func:`_accumulation_refusal`'s line writes (each of ``names`` and the
    lead's bounds ``{lead_dim}_bnds``, read from the headers): the line was run before and the
    originals given again, for which a second folder (``step_totals_2``) was offered (fix55d);
    ``""`` otherwise."""
    folder = Path(files[0]).parent / STEP_TOTALS_FOLDER
    copies = [folder / copy_name(file) for file in files]
    if is_grib_file(files[0]) or not all(_holds(copy, [*names, f"{lead_dim}_bnds"]) for copy in copies):
        return ""
    held = "its copy" if len(files) == 1 else f"the copies of its {len(files)} files"
    return (f"they are written already, most likely by the line advised before: {shown_path(folder)} holds {held} "
            f"with each lead step's total ({lead_dim}_bnds); give --data {copies_data(folder, files)} in place of "
            f"the originals")


def _files_holding(source: Path, names: list[str]) -> list[str]:
    """``source`` and the other files given (:func:`~climann.data.shell.given_files`) in its
    folder with its ending whose header holds every one of ``names``: the files of one forecast
    variable that a glob over the folder took (S2S reforecasts, one file per model version date),
    each needing the same line (break54c A2: the first alone was converted). A GRIB file's
    header is not read here: that file alone."""
    source = source.resolve()
    if is_grib_file(source):
        return [str(source)]
    others = sorted(path for path in given_files() if path.parent == source.parent and path != source
                    and path.suffix == source.suffix)
    return [str(source), *(str(path) for path in others if _holds(path, names))]


def _holds(path: Path, names: list[str]) -> bool:
    """Whether the NetCDF file ``path`` holds each of ``names`` (its header, nothing decoded)."""
    try:
        with open_netcdf(path, decode_cf=False) as header:
            return all(name in header.variables for name in names)
    except (OSError, ValueError, ClimannError):
        return False


def _spacing_text(whole: xr.Dataset, lead_dim: str) -> str:
    """``"24 hours apart"``: the spacing of the reference times, or that it is not one spacing."""
    hours = _reference_spacing_hours(whole, lead_dim)
    return "not evenly spaced" if np.isnan(hours) else f"{hours:g} hours apart"


#: The Python (xarray) that writes a copy of a forecast file of one lead time ``step`` with CF
#: bounds of that lead time: ``python -c SCRIPT IN OUT LOWER`` gives ``step_bnds`` = [LOWER,
#: step] in the lead's units as stored (``decode_timedelta=False``), a scalar ``step``'s bounds
#: on ``bnds`` alone (CF 7.1), a ``step`` dimension's on (step, bnds). ``{lead}`` is the lead's name.
_PYTHON_LEAD_BOUNDS = (
    "import sys,xarray as xr;d=xr.open_dataset(sys.argv[1],decode_timedelta=False);s=d[{lead!r}];"
    "b=[float(sys.argv[3]),float(s.values.item())];d[{bounds!r}]=(s.dims+('bnds',),[b] if s.ndim else b);"
    "d[{lead!r}].attrs['bounds']={bounds!r};" + whole_write()
)


def one_lead_accumulation_refusal(whole: xr.Dataset, lead: xr.DataArray, names: list[str], *,
                                  where: str) -> ClimannError:
    """The refusal of GRIB accumulations (``GRIB_stepType = "accum"``) at one lead time, without
    CF bounds of it, whose window the file does not tell (see :func:`with_one_lead_window_cells`).

    Each value is either the total from the forecast start, over [reference, valid time]
    (ECMWF's forecasts), or the total over the last bucket of the producer's accumulation
    before the valid time (NCEP's GFS and GEFS ``APCP`` at 24 h: 18–24 h; ERA5's hourly totals:
    the hour before the step); GRIB says which in the message's step range, which a NetCDF copy
    does not keep. The way out is the Python line (:data:`_PYTHON_LEAD_BOUNDS`) that writes a
    copy with the lead's CF bounds for the reading the user knows.

    Parameters
    ----------
    whole : xarray.Dataset
        The forecast, its one lead time on a dimension of length 1.
    lead : xarray.DataArray
        That lead time, a number in its CF ``units``.
    names : list of str
        The accumulated variables.
    where : str
        The file, for the message.

    Returns
    -------
    ClimannError
        One line naming both readings and the command for each.
    """
    lead_dim, value = str(lead.name), float(lead.values.item())
    units = str(lead.attrs.get("units", "")).strip() or "(no units)"
    script = _PYTHON_LEAD_BOUNDS.format(lead=lead_dim, bounds=f"{lead_dim}_bnds")
    files = source_and_copy(whole, suffix="bounded")

    def line(arguments: str, _: object = None) -> str:
        command = f"{python_command(script)} {arguments} LOWER"
        return grib_command(command) if is_grib_file(shlex.split(files)[0]) else command

    # the copy into a new folder: beside the file (X_bounded.nc), a glob over their folder took both (fix56b)
    copied = users_file_copied(files)
    written = f"`{line(files)}`" if copied is None else one_copy_line(line, copied, "lead_bounded")
    centre = producer_centre(whole)
    said = f"GRIB_centre '{centre}'" if centre else "no GRIB_centre"
    last = {hours: f"{max(value - hours / _hours_per_unit(lead), 0.0):g}" for hours in (6, 1)}
    return ClimannError(
        f"{', '.join(names)} in {where} are GRIB accumulations (GRIB_stepType = accum) at one lead time, {lead_dim} "
        f"= {value:g} {units}, without bounds of it ({said}): each value is either the total from the forecast "
        f"start ({lead_dim} 0 to {value:g} {units}: ECMWF's forecasts) or the total over the last bucket before the "
        f"valid time (NCEP's GFS and GEFS APCP: 6-hour buckets; ERA5: the hour before), and a NetCDF copy keeps no "
        f"GRIB step range to tell which, so climann does not guess; write a copy whose lead time has CF bounds for "
        f"the reading you know, LOWER 0 for the total from the start, "
        f"or the {lead_dim} where the last bucket begins, in {units} ({last[6]} for 6-hour buckets, {last[1]} for "
        f"ERA5's hour before): {written}" + (", then give the copy in place of the file" if copied is None else ""))


def _with_bounds(chosen: xr.Dataset, valid_name: str, bounds: np.ndarray, *, source: str) -> xr.Dataset:
    """``chosen`` with ``bounds`` (reference dimension, 2) as the CF bounds of its valid times,
    ``source`` (what gives the window, in words) in their encoding (:data:`WINDOW_SOURCE_KEY`)."""
    valid = chosen[valid_name]
    name = f"{valid_name}_bnds"
    while name in chosen.variables:
        name = f"{name}_"
    vertex = "bnds" if chosen.sizes.get("bnds", 2) == 2 else "nv_window"
    coordinate = valid.variable.copy(deep=False)
    coordinate.attrs = {**coordinate.attrs, "bounds": name}
    window = xr.Variable((valid.dims[0], vertex), bounds, {"long_name": WINDOW_LONG_NAME},
                         encoding={MADE_BOUNDS_KEY: True, WINDOW_SOURCE_KEY: source})
    return chosen.assign({name: window}).assign_coords({valid_name: coordinate})
