"""Forecasts that NCL's ``ncl_convert2nc`` wrote from GRIB, read as forecasts: their lead times said in CF terms.

``ncl_convert2nc`` (NCL's GRIB reader, "GRIB1/GRIB2 file conventions") keeps a GRIB forecast's
two times as two dimensions with names of its own and no CF standard name: the reference time
``initial_time0_hours`` (``long_name = "initial time"``, ``units = "hours since 1800-01-01
00:00"``) and the lead time ``forecast_time1`` (``long_name = "Forecast offset from initial
time"``, ``units = "hours"``). A statistic over a window of lead times says so on the variable:
``statistical_process_descriptor = "average"`` and ``statistical_process_duration = "3 hours
(ending at forecast time)"`` (JRA-55's ``fcst_phy2m`` ``SHTFL_GDS4_SFC_ave3h``, the mean over
the 3 hours before each of the lead times 3 and 6 h).

Read without those words, the lead was an extra dimension like any other, and ``--select
forecast_time1=6`` left each 3–6 h mean at its initial time, 6 hours early: its hour of the
day, its season and its pairing with an analysis were those of its start (break47c A1, exit 0).
:func:`with_ncl_forecast_names` gives them the CF standard names ``forecast_reference_time`` and
``forecast_period`` (CF standard name table), so that :mod:`climann.data.forecast_times` dates
the values at reference + lead, and gives a statistic's lead time the CF bounds of its window
([lead − duration, lead], CF 7.1) and the variable the CF ``cell_methods`` its descriptor says
(CF 7.3), so that :mod:`climann.data.forecast_windows` gives each value that window as its time
cell once one lead time is chosen.
"""

from __future__ import annotations

import re

import numpy as np
import xarray as xr

from climann.data.coords import WINDOW_SOURCE_KEY
from climann.data.forecast_times import FORECAST_PERIOD, FORECAST_REFERENCE_TIME, TIME_UNIT_CODES, is_dated
from climann.data.ncl_initial_times import FROM_THE_START as _FROM_THE_START
from climann.data.ncl_initial_times import NCL_DURATION
from climann.data.shell import cdo_command
from climann.errors import ClimannError

__all__ = ["NCL_DURATION", "NCL_LEAD_LONG_NAME", "NCL_REFERENCE_LONG_NAME", "ncl_lead_names",
           "with_ncl_forecast_names"]

#: ``ncl_convert2nc``'s names (lower case ``long_name``) of a GRIB record's reference and lead time.
NCL_REFERENCE_LONG_NAME = "initial time"
NCL_LEAD_LONG_NAME = "forecast offset from initial time"

#: ``ncl_convert2nc``'s attribute of a variable of one lead time (no lead dimension), beside
#: ``forecast_time_units`` and ``initial_time``.
ATTRIBUTE_LEAD = "forecast_time"

#: ``ncl_convert2nc``'s dimension names of the same, numbered by the order NCL met them.
_NCL_REFERENCE_NAME = re.compile(r"^initial_time\d+_hours$")
_NCL_LEAD_NAME = re.compile(r"^forecast_time\d+$")


#: ``statistical_process_descriptor`` (GRIB2 code table 4.10 as NCL words it) → CF cell method.
_CELL_METHODS = {"average": "mean", "accumulation": "sum", "maximum": "maximum", "minimum": "minimum",
                 "difference": "difference", "root mean square": "root_mean_square",
                 "standard deviation": "standard_deviation", "variance": "variance"}


def _is_ncl_reference(name: str, coordinate: xr.DataArray) -> bool:
    said = (_NCL_REFERENCE_NAME.match(name)
            or str(coordinate.attrs.get("long_name", "")).strip().lower() == NCL_REFERENCE_LONG_NAME)
    return bool(said) and coordinate.dims == (name,) and is_dated(coordinate)


def _is_ncl_lead(name: str, coordinate: xr.DataArray) -> bool:
    said = (_NCL_LEAD_NAME.match(name)
            or str(coordinate.attrs.get("long_name", "")).strip().lower() == NCL_LEAD_LONG_NAME)
    units = str(coordinate.attrs.get("units", "")).strip().lower()
    return (bool(said) and coordinate.dims == (name,) and units in TIME_UNIT_CODES
            and np.issubdtype(coordinate.dtype, np.number))


def ncl_lead_names(dataset: xr.Dataset) -> tuple[str, list[str]] | None:
    """The reference-time dimension and the lead-time dimensions of a forecast as
    ``ncl_convert2nc`` writes it (names or ``long_name`` as in the module description, lead
    times in units of time), neither with a CF standard name yet; None for any other file
    (an analysis has a reference time and no lead time: it is valid at it)."""
    if any(coordinate.attrs.get("standard_name") in (FORECAST_REFERENCE_TIME, FORECAST_PERIOD)
           for coordinate in dataset.coords.values()):
        return None
    references = [str(name) for name, coordinate in dataset.coords.items()
                  if _is_ncl_reference(str(name), coordinate) and "standard_name" not in coordinate.attrs]
    leads = [str(name) for name, coordinate in dataset.coords.items() if _is_ncl_lead(str(name), coordinate)]
    if len(references) != 1 or not leads:
        return None
    return references[0], leads


def with_ncl_forecast_names(dataset: xr.Dataset, *, where: str) -> xr.Dataset:
    """``dataset`` with an ``ncl_convert2nc`` forecast's reference time and lead time
    (:func:`ncl_lead_names`) marked CF ``forecast_reference_time`` and ``forecast_period``, and
    each lead time that the variables on it describe as a window (``statistical_process_duration``)
    given CF bounds ``<lead>_bnds`` = [lead − duration, lead] (or [0, lead] for "initial time to
    forecast time"), in the lead's units, with the variables' ``cell_methods`` saying the statistic
    (``statistical_process_descriptor``: average → ``time: mean``, the statistic over the valid times).

    Parameters
    ----------
    dataset : xarray.Dataset
        One file as opened, times decoded.
    where : str
        The file, for the messages.

    Returns
    -------
    xarray.Dataset
        ``dataset`` itself for any other file.

    Raises
    ------
    ClimannError
        If the variables on one lead time say different windows (one bounds variable cannot give
        both), or a duration in units that are not of time, naming the ``cdo selname`` that
        separates them.

    Examples
    --------
    >>> import numpy as np, pandas as pd, xarray as xr
    >>> d = xr.Dataset({"SHTFL_ave3h": (("initial_time0_hours", "forecast_time1"), np.zeros((2, 2)),
    ...                                 {"statistical_process_descriptor": "average",
    ...                                  "statistical_process_duration": "3 hours (ending at forecast time)"})},
    ...                coords={"initial_time0_hours": pd.date_range("2000-01-01", periods=2, freq="6h"),
    ...                        "forecast_time1": ("forecast_time1", [3, 6], {"units": "hours"})})
    >>> d = with_ncl_forecast_names(d, where="fcst.nc")
    >>> d["forecast_time1_bnds"].values.tolist(), d["SHTFL_ave3h"].attrs["cell_methods"]
    ([[0.0, 3.0], [3.0, 6.0]], 'time: mean')
    """
    given = set(dataset.dims)
    dataset = _with_attribute_lead(dataset, where=where)
    found = ncl_lead_names(dataset)
    if found is None:
        return dataset
    reference, leads = found
    marked = {reference: dataset[reference].variable.copy(deep=False)}
    marked[reference].attrs = {**marked[reference].attrs, "standard_name": FORECAST_REFERENCE_TIME}
    for lead in leads:
        marked[lead] = dataset[lead].variable.copy(deep=False)
        marked[lead].attrs = {**marked[lead].attrs, "standard_name": FORECAST_PERIOD}
    dataset = dataset.assign_coords(marked)
    for lead in leads:
        dataset = _with_lead_window(dataset, lead, where=where, from_attributes=lead not in given)
    return dataset


def _ncl_reference(dataset: xr.Dataset) -> str | None:
    """The one ``ncl_convert2nc`` reference-time dimension of ``dataset`` (no CF standard name
    yet), or None."""
    references = [str(name) for name, coordinate in dataset.coords.items()
                  if _is_ncl_reference(str(name), coordinate) and "standard_name" not in coordinate.attrs]
    return references[0] if len(references) == 1 else None


def _attribute_leads(dataset: xr.Dataset, reference: str) -> dict[str, tuple[float, str] | None]:
    """Each data variable on ``reference`` → the one lead time its ``forecast_time`` and
    ``forecast_time_units`` attributes give (value, units), None where it has none or one that is
    not a single number in units of time. Variables on ``reference`` alone without the attribute
    (NCL's ``initial_time0_encoded``) are not fields and are left out."""
    leads: dict[str, tuple[float, str] | None] = {}
    for name, variable in dataset.data_vars.items():
        if reference not in variable.dims:
            continue
        if variable.dims == (reference,) and ATTRIBUTE_LEAD not in variable.attrs:
            continue  # NCL's initial_time0_encoded (yyyymmddhh): a way of writing the initial time, not a field
        value = np.ravel(np.asarray(variable.attrs.get(ATTRIBUTE_LEAD, [])))
        units = str(variable.attrs.get(f"{ATTRIBUTE_LEAD}_units", "")).strip().lower()
        single = value.size == 1 and np.issubdtype(value.dtype, np.number) and units in TIME_UNIT_CODES
        leads[str(name)] = (value[0].item(), units) if single else None
    return leads


def _with_attribute_lead(dataset: xr.Dataset, *, where: str) -> xr.Dataset:
    """An ``ncl_convert2nc`` forecast of one lead time, which NCL writes as the variables'
    attributes ``forecast_time = 6``, ``forecast_time_units = "hours"`` (beside ``initial_time``)
    and no lead dimension, with that lead as a lead-time dimension of length 1 (named
    ``forecast_time``, ``long_name`` :data:`NCL_LEAD_LONG_NAME`) on its variables, as NCL writes
    several: then dated at reference + lead like them. ``dataset`` itself when it has a lead
    dimension already, no NCL reference time, or no such attribute (break48: read at the initial
    times, each value 6 h early, ``climann info``'s time axis ``initial_time0_hours``).

    Raises
    ------
    ClimannError
        If the variables on the reference time say different lead times, or some none or one
        that is not read (one lead dimension cannot date them all), naming the ``ncks -v``
        that separates them. Analyses, whose variables all say lead 0 or none (JRA-55
        anl_surf125), are read at their initial times as before.
    """
    reference = _ncl_reference(dataset)
    if reference is None or any(_is_ncl_lead(str(name), coordinate) for name, coordinate in dataset.coords.items()):
        return dataset
    leads = _attribute_leads(dataset, reference)
    if all(lead is None or lead[0] == 0 for lead in leads.values()):
        return dataset  # analyses: "forecast_time = 0" and none say the same, valid at the initial time
    if len(set(leads.values())) > 1:
        said = ", ".join(f"{name}: {'none' if lead is None else f'{lead[0]:g} {lead[1]}'}"
                         for name, lead in leads.items())
        first = next(name for name, lead in leads.items() if lead is not None)
        raise ClimannError(
            f"{where}: the variables on the initial time '{reference}' give different lead times in their "
            f"{ATTRIBUTE_LEAD} attributes, or some none ({said}), so one lead time cannot date them all; put each "
            f"kind in a file of its own, e.g. `ncks -v {first} {where} {first}.nc` (NCO keeps NCL's names, "
            f"which cdo renames)")
    value, units = next(iter(leads.values()))
    name = next(candidate for candidate in (ATTRIBUTE_LEAD, f"{ATTRIBUTE_LEAD}_lead", f"{ATTRIBUTE_LEAD}_ncl")
                if candidate not in dataset.variables and candidate not in dataset.dims)
    lead = xr.Variable((name,), np.array([value]), {"long_name": NCL_LEAD_LONG_NAME.capitalize(), "units": units})
    moved = {}
    for variable_name in leads:
        variable = dataset[variable_name]
        position = variable.dims.index(reference) + 1
        expanded = variable.expand_dims({name: 1}, axis=position)
        expanded.attrs = {key: attribute for key, attribute in variable.attrs.items()
                          if key not in (ATTRIBUTE_LEAD, f"{ATTRIBUTE_LEAD}_units")}
        moved[variable_name] = expanded.variable
    return dataset.drop_vars(list(leads)).assign_coords({name: lead}).assign(moved)


def _with_lead_window(dataset: xr.Dataset, lead: str, *, where: str, from_attributes: bool) -> xr.Dataset:
    """``dataset`` with the bounds of the lead time ``lead`` that its variables'
    ``statistical_process_duration`` say, and their ``cell_methods``; itself when none says one.
    The bounds keep in their encoding (:data:`~climann.data.coords.WINDOW_SOURCE_KEY`) what in the
    file gives them (:func:`_window_source`): they are not the file's, and the warning on their
    dating named a ``forecast_time_bnds`` the file lacked (break48e A4)."""
    on_lead = {str(name): variable for name, variable in dataset.data_vars.items() if lead in variable.dims}
    stated = {name: variable.attrs for name, variable in on_lead.items()
              if str(variable.attrs.get("statistical_process_duration", "")).strip()}
    if not stated:
        return dataset
    values = np.asarray(dataset[lead].values, np.float64)
    units = str(dataset[lead].attrs["units"]).strip().lower()
    starts = {name: _window_start(values, units, str(attrs["statistical_process_duration"]))
              for name, attrs in stated.items()}
    kinds = {name: None if start is None else tuple(start.tolist()) for name, start in starts.items()}
    if len(set(kinds.values())) > 1 or None in kinds.values() or len(stated) < len(on_lead):
        said = ", ".join(f"{name}: {on_lead[name].attrs.get('statistical_process_duration', 'none')!r}"
                         for name in on_lead)
        first = next(iter(stated))
        raise ClimannError(
            f"{where}: the variables on the lead time '{lead}' say different windows of lead times or one that "
            f"cannot be read (statistical_process_duration {said}), so one lead time cannot date them all; put each "
            f"kind in a file of its own, e.g. `{cdo_command(f'selname,{first}', f'{where} {first}.nc')}`")
    start = next(iter(starts.values()))
    bounds = f"{lead}_bnds"
    coordinate = dataset[lead].variable.copy(deep=False)
    coordinate.attrs = {**coordinate.attrs, "bounds": bounds}
    window = xr.Variable((lead, "nv"), np.stack([start, values], axis=-1),
                         encoding={WINDOW_SOURCE_KEY: _window_source(dataset, lead, stated, from_attributes)})
    dataset = dataset.assign_coords({lead: coordinate, bounds: window})
    described = {}
    for name, variable in on_lead.items():
        method = str(variable.attrs.get("statistical_process_descriptor", "")).strip().lower()
        method = _CELL_METHODS.get(method, re.sub(r"\W+", "_", method) or "mean")
        earlier = str(variable.attrs.get("cell_methods", "")).strip()
        described[name] = variable.variable.copy(deep=False)
        described[name].attrs = {**variable.attrs,
                                 "cell_methods": f"{earlier} time: {method}".strip()}
    return dataset.assign(described)


def _window_source(dataset: xr.Dataset, lead: str, stated: dict[str, dict], from_attributes: bool) -> str:
    """What in the file gives the window of lead times, in words: the variables' attributes
    ``forecast_time``, ``forecast_time_units`` (a lead of its own, :func:`_with_attribute_lead`)
    or the lead dimension, and their ``statistical_process_duration``."""
    durations = ", ".join(sorted({repr(str(attrs["statistical_process_duration"]).strip())
                                  for attrs in stated.values()}))
    if from_attributes:
        value = float(np.ravel(dataset[lead].values)[0])
        return (f"the variables' attributes {ATTRIBUTE_LEAD} and {ATTRIBUTE_LEAD}_units ({value:g} "
                f"{dataset[lead].attrs['units']}) and statistical_process_duration ({durations})")
    return f"the lead time '{lead}' and the variables' attribute statistical_process_duration ({durations})"


def _window_start(values: np.ndarray, units: str, duration: str) -> np.ndarray | None:
    """Where the window of each lead time ``values`` (in ``units``) begins, in those units, by
    NCL's ``statistical_process_duration``; None when it is not read."""
    if _FROM_THE_START.match(duration):
        return np.zeros_like(values)
    said = NCL_DURATION.match(duration)
    if said is None or said["units"].lower() not in TIME_UNIT_CODES:
        return None
    length = float(said["length"]) * (np.timedelta64(1, TIME_UNIT_CODES[said["units"].lower()])
                                      / np.timedelta64(1, TIME_UNIT_CODES[units]))
    return values - length
