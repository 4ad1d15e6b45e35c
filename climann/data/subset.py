"""Subsetting a lazy dataset: extra-dimension values, region box, time range, months, strides.

Every selection keeps the input's coordinate order and longitude convention, and stays lazy
(index selections on dask arrays). An empty selection is a user error that says what the
data do cover.
"""

from __future__ import annotations

from calendar import month_abbr
from collections.abc import Mapping, Sequence

import logging
import re

import cftime
import numpy as np
import xarray as xr

from climann.data.boxes import cells_in_box, longitude_in_box
from climann.data.climatology_axes import CLIMATOLOGIES_KEY
from climann.data.composites import period_positions
from climann.data.coords import find_coordinate, time_coordinate
from climann.data.experiment_versions import EXPERIMENT_VERSION
from climann.data.flags import code_of_meaning, values_with_meanings
from climann.data.geometry import wrapped_difference
from climann.data.forecast_times import TIME_UNIT_CODES, is_dated, is_forecast_period, on_valid_time
from climann.data.scalar_coordinates import with_scalar_coordinates_as_axes
from climann.data.selection_lists import listed_values, several_values_message
from climann.data.sources import files_text, source_files
from climann.data.stations import names_chosen_station
from climann.data.time_range import is_day, range_bounds
from climann.data.grids import GRID_TOLERANCE, cell_coordinates
from climann.data.region_areas import cut_grid
from climann.data.layout import (GRID_STRIDE_KEY, REGION_GRID_CELLS_KEY, SELECTED_COORDINATES_KEY,
                                 STRAIGHT_CELL_EDGES_KEY)
from climann.data.notes import note_once, with_store_notes
from climann.data.levels import (
    counted_positive, counted_positive_text, in_own_direction, is_pressure_or_height, other_kind_text,
    numbered_model_level, parametric_level, parametric_level_advice, positive_direction,
)
from climann.data.time_axis import axis_time_step, date_text, year_text, year_zero_problem
from climann.data.time_cells import (
    ending_middles, period_dates, season_score_times, steps_before_common, with_selection_by_stamps,
    with_steps_before_common, with_steps_before_range, with_time_stride,
    with_value_periods, with_value_step,
)
from climann.data.variables import data_variable_names
from climann.data.window_totals import window_end_reason
from climann.data.zonal_means import zonal_mean_evidence
from climann.errors import ClimannError

_log = logging.getLogger(__name__)

#: Meteorological seasons as calendar months; DJF spans the year boundary.
SEASON_MONTHS: dict[str, tuple[int, ...]] = {
    "DJF": (12, 1, 2),
    "MAM": (3, 4, 5),
    "JJA": (6, 7, 8),
    "SON": (9, 10, 11),
}


def select_values(
    dataset: xr.Dataset, selection: Mapping[str, object], *, units: Mapping[str, str] | None = None,
    where: str = "these data", reference: str = "", directions: Mapping[str, str] | None = None,
    kinds: Mapping[str, str] | None = None,
) -> xr.Dataset:
    """Pick one value of extra dimensions by coordinate value, e.g. ``{"plev": 85000}``.

    A numeric coordinate value matches within :data:`SELECT_TOLERANCE` of the spacing of the
    coordinate's values (as grids are matched, :data:`climann.data.grids.GRID_TOLERANCE`), or
    within a relative 1e-6 of a single value or the precision it is printed with
    (:func:`printed_precision`: ``1.54138`` of a float32 ``1.541375``): a level written as
    ``85000.000085`` is the level 85000. The value selected is the file's own.

    A bare number is in the coordinate's own units (its CF ``units`` attribute, CF
    conventions section 3.1): ``{"plev": 850}`` in a file in hPa. A value written with its
    units, ``{"plev": "85000 Pa"}``, is converted to them with pint
    (:func:`climann.data.units.conversion`), whatever the file's units are.

    A coordinate of flag codes (``flag_values`` with ``flag_meanings``, CF-1.11 §3.5) is also
    selected by a meaning: AMSR2's ``pass`` (1 2, "ascending descending") by
    ``{"pass": "descending"}`` (:func:`climann.data.flags.code_of_meaning`).

    A dimension without a coordinate variable (``member`` with no ``member`` variable; NetCDF
    User Guide: a dimension's values are then only its indices) is selected by index, 0 the
    first: its values are 0, 1, 2 …, as ``climann info`` lists them. The index is kept as a
    scalar coordinate, so that ``predictions.nc`` says which one was taken.

    Parameters
    ----------
    dataset : xarray.Dataset
    selection : mapping of dimension name to value
        A number (in the coordinate's units), a number with units (``"850 hPa"``), or a
        string value of a coordinate of strings.
    units : mapping of dimension name to units string, optional
        The units the selection's values are in (a trained model's, recorded from its
        training data). A coordinate in other units (its CF ``units`` attribute, e.g. hPa
        for Pa) has the value converted to them with pint (:func:`climann.data.units.conversion`),
        with a warning. None: the values are in the coordinate's own units.
    directions : mapping of dimension name to ``"up"`` or ``"down"``, optional
        The way the selection's values of a vertical coordinate are counted positive (a
        trained model's, recorded with its levels, CF conventions §4.3). A coordinate counted
        the other way has the value's sign changed, with a warning
        (:func:`climann.data.levels.in_own_direction`, the rule a refusal of a bare number
        states: a depth of 15 m is ``depth=-15`` of an axis positive up). None: the values
        are counted as the coordinate counts them.
    kinds : mapping of dimension name to str, optional
        The kind of level each selected coordinate was in the training data (a trained model's,
        :func:`climann.data.levels.level_kind`: ``"length"``, ``"pressure"``, or a parametric
        model level's CF ``standard_name``). A coordinate of another kind is refused
        (:func:`climann.data.levels.other_kind_text`): level 6 of an ocean sigma-z coordinate is
        no depth of 6 m. None: not checked.
    where, reference : str
        The files (``"new.nc"``) and where the selection comes from (``"the model's training
        data"``), for the messages.

    Raises
    ------
    ClimannError
        If the dimension does not exist, the value is not one of its coordinate values
        (of its indices, without a coordinate variable; the message names the coordinate's
        units), the coordinate's units do not convert to those of ``units`` or to those
        a value is given with, or it is a level of another kind than ``kinds`` says.

    Notes
    -----
    The warnings that a value was converted to the coordinate's units or direction are given
    once that value is found (break42b A8: "selected as lev=600 centimeters" was said just
    before the refusal that the file holds no such level).
    """
    everywhere = where
    for dim, value in selection.items():
        _refuse_listed_values(dataset, dim, value)
        said: list[str] = []
        given, asked = value, None
        along = _dimension_of_coordinate(dataset, dim)  # ECCO's Z(k): a value of Z picks its k
        # the files that hold the dimension, not the others (break34b C3)
        where = _holders_of(dataset, along or dim, everywhere)
        if dim in dataset.coords and is_dated(dataset[dim]):  # "1990-01-01": a date of its calendar
            value = _date_to_select(dataset, dim, value)
        if dim in dataset.coords:  # "descending" of AMSR2's pass, flag_values 1 2 "ascending descending"
            value = code_of_meaning(dataset[dim], value)
        if dim in dataset.coords and dim in (kinds or {}):  # break42b A1: model level 6 is no depth of 6 m
            refusal = other_kind_text(dim, kinds[dim], dataset[dim], value=value, units=(units or {}).get(dim, ""),
                                      positive=(directions or {}).get(dim), where=where, reference=reference)
            if refusal is not None:
                raise ClimannError(refusal)
        with_units = _value_and_units(dataset[dim], value) if dim in dataset.coords else None
        if with_units is not None and (parametric_level(dataset[dim]) or numbered_model_level(dataset[dim])) \
                and is_pressure_or_height(with_units[1]):
            # "90000 Pa" of a hybrid level in hPa would pick the level of nominal value 900, whose pressure is not
            given = f"{dim}={_shown(with_units[0])} {with_units[1]}"
            advice = parametric_level_advice(dataset[dim], dim, _first_value(dataset, dim), with_units[1],
                                             grib=any(str(key).startswith("GRIB_") for key in dataset.attrs),
                                             asked=with_units[0])
            raise ClimannError(f"cannot select {given}{_values_text(dataset, dim)}: {advice}")
        if with_units is not None:  # "850 hPa": converted to the coordinate's own units
            value = _in_own_units(dataset[dim], dim, *with_units, where=where,
                                  advice=_by_coordinate_advice(dataset, dim))
            asked = f"{_shown(with_units[0])} {with_units[1]}"
        elif dim in dataset.coords and dim in (units or {}):
            value = _in_coordinate_units(dataset[dim], dim, value, units[dim], where=where, reference=reference,
                                         said=said)
        if with_units is None and dim in dataset.coords and dim in (directions or {}):
            value = in_own_direction(dataset[dim], dim, value, directions[dim], where=where, reference=reference,
                                     said=said)
        dataset = _select_one(dataset, dim, value, given=given, along=along, trained=bool(units and dim in units),
                              where=where, reference=reference, asked=asked, units=units)
        for warning in said:  # the value is found: its conversion is worth saying
            _log.warning("%s", with_store_notes(warning))
    # one value of the grid's latitude or longitude (a station picked out of a grid) stays a
    # grid axis of length 1, as a station file's scalar lat/lon do; one lead time of a
    # forecast (step) leaves its valid times on one dimension, which they become the axis of
    return on_valid_time(with_scalar_coordinates_as_axes(dataset))


def _select_one(dataset: xr.Dataset, dim: str, value: object, *, given: object, along: str | None, trained: bool,
                where: str, reference: str, asked: str | None, units: Mapping[str, str] | None) -> xr.Dataset:
    """``dataset`` at ``value`` of ``dim`` (already in its units and direction) for
    :func:`select_values`: a scalar coordinate checked, a coordinate along another dimension
    (:func:`_select_along`), a dimension's coordinate or index (kept as a scalar coordinate).

    Raises
    ------
    ClimannError
        If ``value`` is none of ``dim``'s values, or no data variable has ``dim``.
    """
    if dim in dataset.coords:
        value = _in_coordinate_type(dataset[dim], value)
    if dim in dataset.coords and dataset[dim].ndim == 0:  # a scalar coordinate: already one value
        # a station chosen by its name as its file was opened; see climann.data.stations
        if _nearest(dataset[dim].values.reshape(1), value) is None and not names_chosen_station(dataset, given):
            raise ClimannError(_not_a_value(dataset, dim, value, trained=trained, where=where, reference=reference))
        return dataset
    if along is not None:
        return _select_along(dataset, dim, along, value, trained=trained, where=where, reference=reference,
                             asked=asked)
    if dim not in _data_dimensions(dataset):
        instead = _lead_time_rename(dataset, dim, value, units) + _model_levels_instead(dataset, dim, value)
        raise ClimannError(_no_dimension(dataset, dim, value) + (instead or _level_rename(dataset, dim, value)))
    had_dim = [name for name, variable in dataset.data_vars.items() if dim in variable.dims]
    try:
        selected = (_select_value(dataset, dim, value) if dim in dataset.coords
                    else _select_index(dataset, dim, value))
    except (KeyError, TypeError, ValueError):
        raise ClimannError(_not_a_value(dataset, dim, value, trained=trained, where=where, reference=reference,
                                        asked=asked)) from None
    if dim in _curvilinear_dimensions(dataset):
        return _kept_as_grid_row(dataset, selected, dim)
    dataset = selected
    for name in had_dim:
        _add_scalar_coordinate(dataset.variables[name], dim)
    return dataset


def _curvilinear_dimensions(dataset: xr.Dataset) -> set[str]:
    """The index dimensions of a curvilinear grid's 2-D latitude and longitude (CMIP's ``j``, ``i``),
    none when it has none."""
    from climann.data.coords import two_dimensional_coordinates, with_2d_coordinates

    try:
        names = two_dimensional_coordinates(with_2d_coordinates(dataset))
    except ClimannError:
        return set()
    return {str(dim) for dim in dataset[names[0]].dims} if names else set()


def _kept_as_grid_row(dataset: xr.Dataset, selected: xr.Dataset, dim: str) -> xr.Dataset:
    """``dataset`` at the one row (or column) of its curvilinear grid that ``selected`` (the same at
    that value of ``dim``) holds, ``dim`` kept as a dimension of length 1, as ``ncks -d j,5,5``
    keeps it: the grid stays two-dimensional (1 × n cells, each with its latitude, longitude,
    corners and cell area: ``areacello(j, i)`` beside it is cut to the same row). break47a A5: the
    row's ``latitude(i)`` was no grid, and its areacello ``(i,)`` was refused as on other
    dimensions than the grid's, with the advice to remove the user's cell_measures; A4: "extra
    dimension i"."""
    if dim in dataset.coords:
        index = int(np.flatnonzero(np.asarray(dataset[dim].values) == np.asarray(selected[dim].values))[0])
    else:
        index = int(selected[dim].values)
    return dataset.isel({dim: [index]})


def _refuse_listed_values(dataset: xr.Dataset, dim: str, value: object) -> None:
    """Refuse a value that lists several (``"2,4"``, :func:`~climann.data.selection_lists.listed_values`),
    unless it is itself one of a coordinate of labels' values: read as one number with units, pint
    took ``2,4`` for 2 × 4 (break42c A1)."""
    values = listed_values(value)
    if values is None:
        return
    labels = dataset[dim].values if dim in dataset.coords and dataset[dim].dtype.kind in "OSU" else ()
    if str(value) in map(str, np.ravel(labels)):
        return
    raise ClimannError(several_values_message(dim, values, where="select"))


def _data_dimensions(dataset: xr.Dataset) -> list[str]:
    """The dimensions of ``dataset``'s data variables (:func:`climann.data.variables.data_variable_names`),
    in the dataset's order: what a selection can pick a value of. Not the bounds' ``bnds``
    nor a text's string length, which no data variable has."""
    used = {dim for name in data_variable_names(dataset) for dim in dataset[name].dims}
    return [str(dim) for dim in dataset.dims if dim in used]


def _dimension_of_coordinate(dataset: xr.Dataset, name: str) -> str | None:
    """The data dimension along which ``name`` is a 1-D coordinate that is not the dimension's
    own (CF §5, an auxiliary coordinate variable: ECCO's depth ``Z(k)`` along the index ``k``,
    which its ``swap_dim = "Z"`` names), so that a value of ``name`` selects one index of that
    dimension; None for any other name, and for a coordinate along the time axis or a
    horizontal grid dimension (chosen with a time range and a region, not one value)."""
    if name in dataset.dims or name not in dataset.coords or dataset[name].ndim != 1 or is_dated(dataset[name]):
        return None
    along = str(dataset[name].dims[0])
    if along not in _data_dimensions(dataset) or along in _time_or_grid_dimensions(dataset):
        return None
    return along


def coordinates_along(dataset: xr.Dataset, dim: str) -> list[str]:
    """The 1-D coordinates along the data dimension ``dim`` other than its own, by which
    :func:`select_values` also selects one of its values: ECCO's depth ``Z`` along the index
    ``k`` (``select = {Z = -105.31}`` is ``k = 10``); none along the time axis or a horizontal
    grid dimension.

    Parameters
    ----------
    dataset : xarray.Dataset
    dim : str
        A dimension of ``dataset``.

    Returns
    -------
    list of str
        The coordinates' names, in the dataset's order.
    """
    return [str(name) for name in dataset.coords if _dimension_of_coordinate(dataset, str(name)) == dim]


def _by_coordinate_advice(dataset: xr.Dataset, dim: str) -> str:
    """``; or select by Z, the value along k (m), e.g. --select 'Z=-105.31'``: the way out of a
    value refused on an index ``dim`` without units that a coordinate along it gives a meaning
    (:func:`coordinates_along`; break40b B1: ``k=105 m`` was told to give "a bare number", and
    ``k=105`` refused of ECCO's 12 indices); "" when none does."""
    along = coordinates_along(dataset, dim)
    if not along or (dim in dataset.coords and str(dataset[dim].attrs.get("units", "")).strip()):
        return ""
    name = along[0]
    units = str(dataset[name].attrs.get("units", "")).strip()
    first = np.atleast_1d(dataset[name].values)[0]
    example = _shown(float(str(first))) if isinstance(first, np.floating) else str(first)  # float32 -5, not -5.0000x
    return (f"; or select by {name}, the value along {dim}{f' ({units})' if units else ''}, e.g. --select "
            f"'{name}={example}' (climann info lists each {dim} with its {name})")


def _time_or_grid_dimensions(dataset: xr.Dataset) -> set[str]:
    """The dimensions of the time coordinate and of the latitude and longitude coordinates
    (1-D or 2-D) that are found."""
    found: set[str] = set()
    for kind in ("time", "latitude", "longitude"):
        try:
            found.update(map(str, dataset[find_coordinate(dataset, kind)].dims))
        except (ClimannError, KeyError):
            continue
    return found


def _select_along(dataset: xr.Dataset, name: str, along: str, value: object, *, trained: bool, where: str,
                  reference: str, asked: str | None) -> xr.Dataset:
    """``dataset`` at the index of dimension ``along`` whose coordinate ``name`` is ``value``
    (:func:`_nearest`, ``value`` already in ``name``'s units), both kept as scalar coordinates
    of the variables that had ``along``; which index it is, said in a note (ECCO's ``Z=-105.31``
    is ``k=10``).

    Raises
    ------
    ClimannError
        If ``value`` is none of ``name``'s values.
    """
    index = _nearest(np.asarray(dataset[name].values), value)
    if index is None:
        raise ClimannError(_not_a_value(dataset, name, value, trained=trained, where=where, reference=reference,
                                        asked=asked))
    had_dim = [variable for variable, data in dataset.data_vars.items() if along in data.dims]
    own = str(dataset[name].attrs.get("units", "")).strip()
    label = _shown(dataset[along].values[index]) if along in dataset.coords else str(index)
    note_once(_log, logging.INFO, f"{name}={_shown(dataset[name].values[index])}{' ' + own if own else ''} selected "
              f"at {along}={label}, the {along} whose {name} it is ({', '.join(map(str, had_dim))})")
    dataset = dataset.isel({along: index})
    if along not in dataset.coords:  # an index without a coordinate variable: kept as the index taken
        dataset = dataset.assign_coords({along: index})
    for variable in had_dim:
        _add_scalar_coordinate(dataset.variables[variable], along)
        _add_scalar_coordinate(dataset.variables[variable], name)
    return dataset


def _no_dimension(dataset: xr.Dataset, dim: str, value: object) -> str:
    """The refusal of ``select = {dim = value}`` where no data variable has the dimension
    ``dim``: the dimensions that can be selected, and the variables (bounds, text) that have
    ``dim`` when some do (CF conventions §7.1: ``bnds`` is the bounds' own dimension)."""
    combined = (" (experiment versions are combined into one series as the files are opened, as ECMWF "
                "advises for ERA5 and ERA5T; choose a period with --time-range instead)"
                if dim == EXPERIMENT_VERSION else "")
    holders = [str(name) for name, variable in dataset.variables.items() if dim in variable.dims]
    only = (f" (only {', '.join(holders)} {'have' if len(holders) > 1 else 'has'} it, which "
            f"{'are' if len(holders) > 1 else 'is'} not data)" if holders else "")
    # the axis of a climatology left out beside its file's series (CERES EBAF's ctime; climann.data.climatology_axes)
    climatologies = [name for name, record in dataset.encoding.get(CLIMATOLOGIES_KEY, {}).items() if record[1] == dim]
    left_out = (f" ({', '.join(climatologies)} on '{dim}' {'are' if len(climatologies) > 1 else 'is'} left out as "
                f"{'climatologies' if len(climatologies) > 1 else 'a climatology'}, never a predictor: leave the "
                f"select of '{dim}' out)" if climatologies else "")
    return (f"cannot select {dim}={value}: no dimension '{dim}' of the data{only}{combined}{left_out}; dimensions: "
            f"{', '.join(_data_dimensions(dataset)) or 'none'}")


#: Words of the names of level dimensions (``model_level``, ``lev``, ``plev``, ``pressure_level``,
#: ``isobaricInhPa``, cfgrib's ``hybrid``, ``depth``, ``height``), for :func:`_level_rename`.
_LEVEL_NAME = re.compile(r"lev|hybrid|isobaric|pressure|depth|height|altitude|sigma", re.IGNORECASE)


def _level_rename(dataset: xr.Dataset, dim: str, value: object) -> str:
    """The way out when the level ``dim`` chosen (a run's ``model_level`` of CAMS EAC4's new CDS
    layout) is not there and the data hold one level axis under another name (the legacy ADS
    layout's ``level``, long_name ``model_level_number``): ``--rename`` to the name chosen, for the
    same kind of level; ``""`` when the data hold no such axis or several, or ``dim``'s name is no
    level's (:data:`_LEVEL_NAME`: ``member``) (break57c A1: refused with
    no way out, when ``--rename '*:level=model_level'`` scored as the new layout does)."""
    from climann.data.levels import is_level, level_kind

    if not _LEVEL_NAME.search(dim):  # a member, a station, a band: no level under another name
        return ""
    levels = [str(name) for name in _data_dimensions(dataset) if name != dim and name in dataset.coords
              and (is_level(dataset[name]) or level_kind(dataset[name]) is not None)]
    if len(levels) != 1:
        return ""
    level = levels[0]
    what = numbered_model_level(dataset[level]) or parametric_level(dataset[level]) \
        or ", ".join(f"{key} {dataset[level].attrs[key]}" for key in ("standard_name", "long_name", "units")
                     if key in dataset[level].attrs) or "a vertical axis"
    return (f"; the data's one level axis is '{level}' ({what}): if it holds the levels of '{dim}' under another "
            f"name (CAMS's legacy ADS files name EAC4's model levels 'level', the new CDS 'model_level'), give "
            f"--rename '*:{level}={dim}' so that {dim}={_shown(value)} takes it")


def _model_levels_instead(dataset: xr.Dataset, dim: str, value: object) -> str:
    """Why a level asked of a name of pressure levels (``level=50``, ``level=50 hPa``) is not there
    when the data's one vertical dimension holds model levels (cfgrib's ``hybrid`` of a GRIB file of
    ERA5's model levels): how to choose one by its number, or interpolate to a pressure first
    (:func:`~climann.data.levels.parametric_level_advice`); ``""`` for any other dimension or data."""
    from climann.data.levels import PRESSURE_LEVEL_NAMES

    with_units = _VALUE_WITH_UNITS.fullmatch(value) if isinstance(value, str) else None
    asked_units = with_units.group(2) if with_units is not None else ""
    if dim not in PRESSURE_LEVEL_NAMES and not is_pressure_or_height(asked_units):
        return ""
    model = [str(name) for name in _data_dimensions(dataset) if name in dataset.coords
             and (parametric_level(dataset[name]) or numbered_model_level(dataset[name]))]
    if len(model) != 1:
        return ""
    levels = np.atleast_1d(dataset[model[0]].values)
    try:
        number = float(value if with_units is None else with_units.group(1))
    except (TypeError, ValueError):
        number = None
    # the number asked, when it is one of the model levels (model level 50 of 137) and given bare
    example = (_shown(number) if number is not None and not asked_units and number in levels.astype(float)
               else _first_value(dataset, model[0]))
    grib = any(str(key).startswith("GRIB_") for key in dataset.attrs)  # cfgrib's: the GRIB's levels
    return (f"; the data's levels are model levels, not pressure levels: "
            f"{parametric_level_advice(dataset[model[0]], model[0], example, asked_units, grib=grib, asked=number)}")


def _lead_time_rename(dataset: xr.Dataset, dim: str, value: object, units: Mapping[str, str] | None) -> str:
    """The way out when the run chose a lead time (``dim``, its ``units`` of time: cfgrib's
    ``step = 1`` day) that the data hold under another name (CF ``forecast_period``, the new
    ADS layout's ``forecast_period`` in hours, break34a A5): ``--rename`` to the run's name, the
    value in the data's units when they differ; ``""`` when neither applies."""
    run_units = str((units or {}).get(dim, "")).strip().lower()
    leads = [str(name) for name, coordinate in dataset.coords.items() if is_forecast_period(coordinate) and name != dim]
    if run_units not in TIME_UNIT_CODES or len(leads) != 1 or isinstance(value, (str, bool)):
        return ""
    lead = leads[0]
    own = str(dataset[lead].attrs.get("units", "")).strip()
    same = ""
    if own.lower() in TIME_UNIT_CODES and own.lower() != run_units:
        factor = np.timedelta64(1, TIME_UNIT_CODES[run_units]) / np.timedelta64(1, TIME_UNIT_CODES[own.lower()])
        same = f", the run's {dim}={_shown(value)} {run_units} being {lead}={_shown(float(value) * factor)} {own}"
    chosen = (f"; one lead time is already chosen here ({lead}={_shown(dataset[lead].item())}, by --select or by "
              f"the file): leave out a --select of {lead}, as the run's own selection chooses it"
              if dataset[lead].ndim == 0 else "")
    return (f"; the run's {dim} is a lead time in {run_units}, and these data hold their lead time as '{lead}'"
            f" ({own or 'no units'}): give --rename '*:{lead}={dim}' so that the run's selection takes it{same}"
            f"{chosen}")


#: A date to select: ``YYYY-MM-DD``, then optionally the hour, minutes and seconds (ISO 8601;
#: a negative year with its sign, as :func:`~climann.data.time_axis.date_text` writes it).
_DATE = re.compile(r"\s*([+-]?\d+)-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2})(?::(\d{1,2})(?::(\d{1,2}))?)?)?\s*")


def _date_to_select(dataset: xr.Dataset, dim: str, value: object) -> object:
    """``value`` (``"1990-01-01"`` or ``"1990-01-01 06:00:00"``) as a date of the dated
    coordinate ``dim``: a :class:`cftime.datetime` in its calendar (CF conventions §4.4.1;
    ``2000-02-30`` is a day of ``360_day``), or a :class:`numpy.datetime64`, so that it
    compares with the coordinate's values (a text never equals a date).

    Raises
    ------
    ClimannError
        If ``dim`` is the time axis (a select keeps one time step; a period is chosen with
        ``time_range``), or ``value`` is not such a date, or not a day of the calendar.
    """
    try:
        time_axis = find_coordinate(dataset, "time")
    except ClimannError:
        time_axis = None
    if time_axis == dim:
        first, last = (date_text(date, precision="month") for date in (dataset[dim].values[0], dataset[dim].values[-1]))
        raise ClimannError(
            f"cannot select {dim}={value}: '{dim}' is the time axis, and a select keeps one value of it (one time "
            f"step); choose a period with --time-range {first},{last} ([data] time_range = [\"{first}\", \"{last}\"]), "
            "or seasons with --seasons")
    matched = _DATE.fullmatch(str(value))
    if matched is None:
        raise ClimannError(f"{dim}={value} is not a date; '{dim}' holds dates: give one as YYYY-MM-DD or "
                           f"'YYYY-MM-DD HH:MM:SS', e.g. {dim}={_shown(dataset[dim].values.flat[0])}")
    parts = [int(part) for part in matched.groups(default="0")]
    values = dataset[dim].values
    dated64 = np.issubdtype(values.dtype, np.datetime64)
    calendar = "proleptic_gregorian" if dated64 else values.flat[0].calendar  # datetime64: numpy's calendar
    try:
        if year_zero_problem(parts[0], calendar):
            raise ValueError  # cftime makes a year 0 of 'standard' with a warning only
        date = cftime.datetime(*parts, calendar=calendar)
    except ValueError:
        raise ClimannError(_not_a_date_of_the_calendar(dim, value, parts, calendar, values)) from None
    if dated64:
        year, month, day, hour, minute, second = parts
        return np.datetime64(f"{year_text(year)}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}"
                             ).astype(values.dtype)
    return date


def _not_a_date_of_the_calendar(dim: str, value: object, parts: list[int], calendar: str, values: np.ndarray) -> str:
    """Why ``value`` (``parts``: year, month, day, hour, minute, second) is no date of
    ``calendar`` (CF conventions §4.4.1: ``360_day`` months have 30 days, ``noleap`` has no
    29 February), the day to give instead, and the values of ``dim`` around it."""
    year, month, day = parts[:3]
    given = f"{dim}={value} is not a date of the '{calendar}' calendar of '{dim}'"
    if year_zero_problem(year, calendar):
        return f"{given}: {year_zero_problem(year, calendar)}"
    if not 1 <= month <= 12:
        reason, month, day = "months are 1 to 12", min(max(month, 1), 12), 1
    elif day < 1:
        reason, day = "days start at 1", 1
    elif not is_day(year, month, day, calendar):
        day = next(last for last in range(31, 0, -1) if is_day(year, month, last, calendar))
        month_shown = f"{year_text(year)}-{month:02d}"
        reason = f"its {month_shown} has {day} days (give {month_shown}-{day:02d})"
    else:
        reason = "hours are 0 to 23, minutes and seconds 0 to 59"
    return (f"{given}: {reason}; the values of '{dim}' nearest it: "
            f"{_dates_around(values, year, month, day, calendar)}")


def _dates_around(values: np.ndarray, year: int, month: int, day: int, calendar: str) -> str:
    """The values of a dated coordinate just before and after the day ``year-month-day`` of
    ``calendar`` (one of them at either end), as ``YYYY-MM-DD``."""
    import pandas as pd

    day_of = cftime.datetime(year, month, day, calendar=calendar)
    dates = ([cftime.datetime(*pd.Timestamp(v).timetuple()[:6], calendar=calendar) for v in values.ravel()]
             if np.issubdtype(values.dtype, np.datetime64) else list(values.ravel()))
    before = [date for date in dates if date <= day_of]
    after = [date for date in dates if date > day_of]
    around = ([max(before)] if before else []) + ([min(after)] if after else [])
    return ", ".join(date_text(date) for date in around)


#: A selected coordinate value matches within this fraction of the spacing of the
#: coordinate's values: float rounding when a file was written (as for grids).
SELECT_TOLERANCE = GRID_TOLERANCE

#: A single coordinate value (no spacing) matches within this relative difference.
SINGLE_VALUE_TOLERANCE = 1e-6


def _in_coordinate_type(coordinate: xr.DataArray, value: object) -> object:
    """``value`` as a value of ``coordinate``'s kind: a number written as text (``"2"``,
    ``"010"`` of a TOML string or the command line) is its number on a numeric coordinate,
    and a number its text on a coordinate of strings (``realization = 1`` is ``"1"`` of
    ``["1", "2"]``); anything else unchanged (a text that is no number on a numeric
    coordinate matches nothing, and is refused with the coordinate's values)."""
    kind = coordinate.dtype.kind
    if isinstance(value, str) and kind in "iuf":
        try:
            return float(value.strip())
        except ValueError:
            return value
    if isinstance(value, (int, float, np.number)) and not isinstance(value, bool) and kind in "USO":
        return str(value)
    return value


def printed_precision(value: float) -> float:
    """Half a unit in the last digit of ``value`` as climann prints it (``f"{value:g}"``, six
    significant digits): a value typed as printed (``1.54138`` of the float32 ``1.541375``)
    lies within it of the value.

    Examples
    --------
    >>> printed_precision(1.541375), printed_precision(85000.0), printed_precision(0.0)
    (5e-06, 0.05, 0.0)
    """
    if not np.isfinite(value) or value == 0.0:
        return 0.0
    return 0.5 * 10.0 ** (int(np.floor(np.log10(abs(value)))) - 5)


def _nearest(values: np.ndarray, value: object) -> int | None:
    """The index of ``value`` among the 1-D ``values``: exact, or for numbers the nearest
    within :data:`SELECT_TOLERANCE` of their spacing; for a single value, within
    :data:`SINGLE_VALUE_TOLERANCE` relative or the precision it is printed with
    (:func:`printed_precision`), so that the value ``climann info`` shows selects it whether
    the file holds one value or several (break37a C2); None when none matches."""
    exact = np.flatnonzero(np.asarray(values == value, dtype=bool).reshape(-1)) if values.size else []
    if len(exact):
        return int(exact[0])
    if values.dtype.kind not in "iuf" or isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        return None
    numbers = np.asarray(values, np.float64)
    steps = np.abs(np.diff(np.sort(numbers)))
    steps = steps[steps > 0]
    tolerance = (SELECT_TOLERANCE * steps.min() if steps.size
                 else max(SINGLE_VALUE_TOLERANCE * max(abs(float(value)), np.finfo(np.float64).tiny),
                          printed_precision(float(numbers[0]))))
    distance = np.abs(numbers - float(value))
    index = int(np.nanargmin(distance)) if np.isfinite(distance).any() else 0
    return index if distance[index] <= tolerance else None


def _select_value(dataset: xr.Dataset, dim: str, value: object) -> xr.Dataset:
    """``dataset`` at the coordinate value ``value`` of ``dim`` (see :func:`_nearest`).

    Raises
    ------
    KeyError
        If no coordinate value matches.
    """
    index = _nearest(np.asarray(dataset[dim].values), value)
    if index is None:
        raise KeyError(value)
    return dataset.isel({dim: index})


def _in_coordinate_units(
    coordinate: xr.DataArray, dim: str, value: object, units: str, *, where: str, reference: str,
    said: list[str] | None = None,
) -> object:
    """``value``, given in ``units``, in the units of ``coordinate`` (its ``units``
    attribute), converted with pint when they differ (with a warning, or its text added to
    ``said`` for the caller to give once the value is found); unchanged when either has no
    units or they are spelled the same.

    Raises
    ------
    ClimannError
        If the units do not convert (or the conversion would need a calendar).
    """
    from climann.data.units import conversion, misread_units_note

    own = str(coordinate.attrs.get("units", "")).strip()
    if not own or not str(units).strip() or own == str(units).strip() or isinstance(value, (str, bool)):
        return value
    found = conversion(str(units), own, variable=dim, attrs=coordinate.attrs, where=reference, reference=where)
    if found is None or found.along_time:
        raise ClimannError(
            f"{dim} is in '{own}' in {where} but in '{units}' in {reference} ({dim}={_shown(value)} {units} selected), "
            f"and '{own}' does not convert to '{units}'; give {dim} in {units} (or a convertible unit)"
            f"{misread_units_note(own, units, variable=coordinate, name=dim, where=where)}"
        )
    converted = found.scale * float(value) + found.offset
    if not found.is_identity:
        text = f"{dim}={value:g} {units} of {reference} selected as {dim}={converted:g} {own} in {where}"
        if said is not None:
            said.append(text)
        else:
            _log.warning("%s", with_store_notes(text))
    return converted


#: A selection value written with its units: a number, then a UDUNITS string (``850 hPa``,
#: ``1.5e3 m``, ``30 days``).
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
#: Units begin with neither a digit nor a comma: ``2,4`` is no number with units (break42c A1).
_VALUE_WITH_UNITS = re.compile(rf"\s*({_NUMBER})\s*([^\d\s.,+-].*?)\s*")


def _value_and_units(coordinate: xr.DataArray, value: object) -> tuple[float, str] | None:
    """``(850.0, "hPa")`` for the value ``"850 hPa"`` of a numeric coordinate; None for a
    number, or a string of a coordinate of strings (``r1i1p1f1``)."""
    if not isinstance(value, str) or coordinate.dtype.kind not in "iuf":
        return None
    own = str(coordinate.attrs.get("units", "")).strip()
    if own:  # the coordinate's own units as written, even when no UDUNITS string ("1", "level")
        space = r"\s+" if own[0] in "0123456789.+-" else r"\s*"
        matched = re.fullmatch(rf"\s*({_NUMBER}){space}{re.escape(own)}\s*", value)
        if matched is not None:
            return float(matched.group(1)), own
    matched = _VALUE_WITH_UNITS.fullmatch(value)
    return None if matched is None else (float(matched.group(1)), matched.group(2))


def _in_own_units(coordinate: xr.DataArray, dim: str, number: float, units: str, *, where: str,
                  advice: str = "") -> float:
    """``number`` ``units`` (a selection given with its units, ``plev=850 hPa``) in the units
    of ``coordinate`` (its CF ``units`` attribute), converted with pint
    (:func:`climann.data.units.conversion`).

    Raises
    ------
    ClimannError
        If the coordinate has no units (with ``advice``, the coordinate to select by instead:
        :func:`_by_coordinate_advice`), or its units do not convert to ``units``.
    """
    from climann.data.units import conversion, misread_units_note

    own = str(coordinate.attrs.get("units", "")).strip()
    given = f"{dim}={_shown(number)} {units}"
    if own and units == own:  # as the file writes them: nothing to convert (nor to read: "1", "level")
        return number
    if not own:
        raise ClimannError(f"{given} is given with units, but '{dim}' in {where} has none (no units attribute); "
                           f"give the value as a bare number, as the file holds it{advice}")
    _refuse_a_number_in_units(dim, number, units)
    found = conversion(units, own, variable=dim, attrs=coordinate.attrs, where=f"the selection {given}",
                       reference=where)
    if found is None or found.along_time:
        raise ClimannError(f"{given}: '{units}' does not convert to '{own}', the units of '{dim}' in {where}; "
                           f"give the value in {own} (a bare number) or in units that convert to it"
                           f"{misread_units_note(own, units, variable=coordinate, name=dim, where=where)}")
    return found.scale * number + found.offset


def _refuse_a_number_in_units(dim: str, number: float, units: str) -> None:
    """Refuse units of a selected value that hold a number of their own: pint reads ``2;4`` as 2
    with units ``;4``, that is 2 × 4, and member 8 was selected with exit 0 (rerun42 N1, after
    break42c A1 refused ``2,4``). Units read as a magnitude other than 1 are no units."""
    from climann.data.units import readable_units, unit_registry

    try:
        magnitude = unit_registry().parse_expression(readable_units(units)).magnitude
    except Exception:  # noqa: BLE001 - unreadable units are refused by the conversion that follows
        return
    if magnitude != 1:
        raise ClimannError(f"{dim}={_shown(number)}{units}: '{units}' is no units but holds a number ({magnitude:g}: "
                           f"pint would multiply the value by it); a selection is one value of each dimension, "
                           f"given as a bare number ({dim}={_shown(number)}) or with its units (as plev=850 hPa); "
                           f"for several values run once per value")


def _holders_of(dataset: xr.Dataset, dim: str, where: str) -> str:
    """The files of the variables that have dimension ``dim`` (:func:`~climann.data.sources.source_files`),
    for a message about its values; ``where`` (every file) when they are not recorded."""
    files = dict.fromkeys(file for variable in dataset.data_vars.values() if dim in variable.dims
                          for file in source_files(variable))
    return files_text(list(files), listed=3) if files else where


def _names_several(where: str) -> bool:
    """Whether ``where`` (:func:`_holders_of`, :func:`~climann.data.sources.files_text`) names
    several files: ``a.nc, b.nc``, ``a.nc and 3 more files``; the verb after it agrees."""
    return ", " in where or re.search(r" and \d+ more files?$", where) is not None


def _shown(value: object) -> str:
    """``85000.0`` → ``"85000"``; other values as they print."""
    return f"{value:g}" if isinstance(value, (float, np.floating)) else str(value)


def _not_a_value(dataset: xr.Dataset, dim: str, value: object, *, trained: bool, where: str, reference: str,
                 asked: str | None = None) -> str:
    """The message for a selection ``dim=value`` that is none of the dimension's values: a
    value the user can change (``trained`` False), or one fixed by a trained model; ``asked``:
    the value as given with its units (``"10 m"``), ``value`` being it in the coordinate's."""
    values = np.atleast_1d(dataset[dim].values) if dim in dataset.coords else np.arange(dataset.sizes[dim])
    shown = _listed(dataset, dim, values, str)
    if dim not in dataset.coords:
        given = f"{value:g}" if isinstance(value, float) else value  # (the config's numbers are floats: 5.0)
        return (f"{dim}={given} is not an index of '{dim}', which has no coordinate variable and is selected by "
                f"index; its indices: {shown}")
    if trained:
        own = _units_of_values(dataset[dim])
        shown = _listed(dataset, dim, values, _shown)
        holds, its = ("do not hold", "their") if _names_several(where) else ("does not hold", "its")
        return (f"{reference} are at {dim}={_shown(value)}{' ' + own if own else ''} ([data] select), which {where} "
                f"{holds} ({its} {dim} values: {shown}{' ' + own if own else ''}"
                f"{_either_side_text(values, value, own)}); give data at that {dim}, "
                f"or retrain the run on these")
    own = str(dataset[dim].attrs.get("units", "")).strip()
    if not own or dataset[dim].dtype.kind not in "iuf":
        return (f"{dim}={value} is not a value of '{dim}'; its values: {shown}{_either_side_text(values, value, own)}"
                f"{_by_coordinate_advice(dataset, dim)}")
    if not _units_of_values(dataset[dim]) and not parametric_level(dataset[dim]):  # a pure number (CF units 1)
        example = _shown(values[_nearest_index(values, value, within=True)])
        return (f"{dim}={asked or value} is not a value of '{dim}' in {where}: its values are "
                f"{_listed(dataset, dim, values, _shown)}{_either_side_text(values, value, '')} (pure numbers, "
                f"units {own}); give one of them as a bare number, e.g. --select {dim}={example} ([data] select = "
                f"{{{dim} = {example}}})")
    # with its units the value is in the coordinate's own (converted): its nearest value, however far
    example = _shown(values[_example_index(dataset[dim], values, value, within=asked is None)])
    if parametric_level(dataset[dim]):  # a model level: chosen by its own value, never by a pressure
        return (f"{dim}={value} is not a value of '{dim}' in {where}{_values_text(dataset, dim)}: "
                f"{parametric_level_advice(dataset[dim], dim, example)}")
    shown = (_listed(dataset, dim, values, _shown) + f" {own}{_either_side_text(values, value, own)}"
             + _other_sign_text(dataset[dim], dim, value))
    if asked is not None:  # the user gave units: no word of a bare number
        return (f"{dim}={asked} ({_shown(value)} {own}) is not a value of '{dim}' in {where}: its values are "
                f"{shown}; give one of them, with its units or as a bare number in {own}, e.g. "
                f"--select '{dim}={example} {own}' ([data] select = {{{dim} = \"{example} {own}\"}})")
    if (meant := _meant_in_other_units(values, value, own, dim)) is not None:  # 500 meaning 500 hPa, in Pa
        unit, index = meant
        return (f"{dim}={value} is not a value of '{dim}' in {where}: its values are {shown}, and a bare "
                f"number is read in {own}; {_shown(value)} {unit} is one of them ({_shown(values[index])} {own}): "
                f"--select '{dim}={_shown(value)} {unit}' ([data] select = {{{dim} = \"{_shown(value)} {unit}\"}})")
    return (f"{dim}={value} is not a value of '{dim}' in {where}: its values are {shown}, and a bare "
            f"number is read in {own}; give one of them, or a value with its units, e.g. "
            f"--select '{dim}={example} {own}' ([data] select = {{{dim} = \"{example} {own}\"}})")


#: Units a bare number given for a level is often meant in: pressures in hPa (mbar) or Pa (CMIP's
#: plev is in Pa, ERA5's and most reanalyses' in hPa: plev=500 of a file in Pa means 500 hPa), and
#: heights or depths in m or km; only those of the coordinate's own dimensionality are tried.
_MEANT_UNITS = ("hPa", "Pa", "kPa", "m", "km")


def _meant_in_other_units(values: np.ndarray, value: object, own: str, dim: str) -> tuple[str, int] | None:
    """The units of :data:`_MEANT_UNITS` (other than ``own``, of its dimensionality) in which the
    number ``value`` is one of the coordinate ``values`` (in ``own``), and that value's index:
    ``("hPa", 3)`` for 500 among 100000, 85000, 70000, 50000 Pa (break52d A2: the refusal of
    ``plev=500`` gave ``'plev=100 Pa'`` as its example); None when none is."""
    from climann.data.units import parse_units, unit_registry

    if values.dtype.kind not in "iuf" or isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        return None
    try:
        quantity = parse_units(own, variable=dim)
    except ClimannError:
        return None
    numbers = np.asarray(values, np.float64)
    for unit in _MEANT_UNITS:
        meant = unit_registry().Quantity(1.0, unit)
        if meant.dimensionality != quantity.dimensionality:
            continue
        factor = meant.to(quantity.units).magnitude / quantity.magnitude
        if np.isclose(factor, 1.0):
            continue  # the coordinate's own units: the value is none of them
        matches = np.flatnonzero(np.isclose(numbers, float(value) * factor, rtol=1e-6, atol=0.0))
        if matches.size:
            return unit, int(matches[0])
    return None


def _nearest_index(values: np.ndarray, value: object, *, within: bool = False) -> int:
    """The index of the value of the 1-D ``values`` nearest the number ``value`` (the first of
    two as near); 0 when either is no number, or (``within``) when ``value`` lies beyond the
    values' range widened by its own width on either side: ``plev=85000`` of levels in hPa is in
    other units, and its nearest level (the highest) is no better a value to advise than the
    first; ``depth=10`` beside GLORYS' levels 0.494 … 9.573 m is the deepest's neighbour, the
    nearest (break53a: the first, 0.494 m, was advised)."""
    if values.dtype.kind not in "iuf" or isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        return 0
    numbers = np.asarray(values, np.float64)
    if not np.isfinite(numbers).any():
        return 0
    low, high = np.nanmin(numbers), np.nanmax(numbers)
    if within and not low - (high - low) <= float(value) <= high + (high - low):
        return 0
    return int(np.nanargmin(np.abs(numbers - float(value))))


def _either_side_text(values: np.ndarray, value: object, own: str) -> str:
    """`` (20 in all; either side of 250: 224.777 and 253.068 meters)``: the values of ``values``
    just below and above the number ``value``, or the nearest end beyond them, when
    :func:`_listed` leaves them out (more than ten values; break40b B3: SODA's levels beside
    250 m were never shown); "" otherwise."""
    if len(values) <= 10 or values.dtype.kind not in "iuf" or isinstance(value, bool) \
            or not isinstance(value, (int, float, np.number)):
        return ""
    numbers = np.asarray(values, np.float64)
    below, above = numbers[numbers < float(value)], numbers[numbers > float(value)]
    units, count = f" {own}" if own else "", f" ({len(values)} in all; "
    if below.size and above.size:
        return f"{count}either side of {value:g}: {_shown(below.max())} and {_shown(above.min())}{units})"
    end = "highest" if below.size else "lowest"
    return f"{count}the {end}, nearest {value:g}: {_shown(numbers[_nearest_index(values, value)])}{units})"


def _other_sign_index(coordinate: xr.DataArray, value: object) -> int | None:
    """The index of the number ``value`` counted the other way
    (:func:`~climann.data.levels.counted_positive`) among the values of a vertical
    ``coordinate`` with a ``positive`` direction (a depth of 100 m is ``lev=-100`` of an axis
    positive up); None when it is none of them, or the direction is unknown."""
    positive = positive_direction(coordinate)
    if positive is None or isinstance(value, bool) or not isinstance(value, (int, float, np.number)) or not value:
        return None
    values = np.atleast_1d(coordinate.values)
    other = counted_positive(float(value), counted="down" if positive == "up" else "up", positive=positive)
    return _nearest(values, other) if values.dtype.kind in "iuf" else None


def _example_index(coordinate: xr.DataArray, values: np.ndarray, value: object, *, within: bool = True) -> int:
    """The index of the value a refusal of ``value`` gives as its example: ``value`` counted the
    other way when that is a value (:func:`_other_sign_index`; break43c A2: "a depth of 100 m
    is lev=-100 …, e.g. --select 'lev=-6 m'"), else the value nearest ``value`` within their
    range (:func:`_nearest_index`; ``within`` False: the nearest however far, for a value given
    with its units), or nearest it counted the other way when only that lies within (``lev=95 m``
    of an axis positive up: ``lev=-100 m``)."""
    if (index := _other_sign_index(coordinate, value)) is not None:
        return index
    positive = positive_direction(coordinate)
    if (positive is not None and not isinstance(value, bool) and isinstance(value, (int, float, np.number))
            and values.dtype.kind in "iuf" and np.isfinite(np.asarray(values, np.float64)).any()):
        low, high = np.nanmin(np.asarray(values, np.float64)), np.nanmax(np.asarray(values, np.float64))
        other = counted_positive(float(value), counted="down" if positive == "up" else "up", positive=positive)
        if not low <= float(value) <= high and low <= other <= high:
            return _nearest_index(values, other, within=True)
    return _nearest_index(values, value, within=within)


def _other_sign_text(coordinate: xr.DataArray, dim: str, value: object) -> str:
    """``; 'Z' is positive up (CF §4.3), so a depth of 105.31 m is Z=-105.31``: when the number
    ``value`` counted the other way (:func:`~climann.data.levels.counted_positive`, as a run's
    level is given to new data counted so) is a value of a vertical ``coordinate`` of lengths
    with a ``positive`` direction (ECCO's Z, heights negative below the surface); "" otherwise."""
    index = _other_sign_index(coordinate, value)
    if index is None:
        return ""
    values = np.atleast_1d(coordinate.values)
    own = str(coordinate.attrs.get("units", "")).strip()
    return "; " + counted_positive_text(dim, float(values[index]), positive_direction(coordinate), own)


def _first_value(dataset: xr.Dataset, dim: str) -> str:
    return _shown(np.atleast_1d(dataset[dim].values)[0])


def _values_text(dataset: xr.Dataset, dim: str) -> str:
    """`` (its values: 0.985, 0.91 … 1)``: a coordinate's values and units, for a message."""
    values = np.atleast_1d(dataset[dim].values)
    own = _units_of_values(dataset[dim])
    return f" (its values: {_listed(dataset, dim, values, _shown)}{' ' + own if own else ''})"


def _units_of_values(coordinate: xr.DataArray) -> str:
    """The units to write after a coordinate's values in a message: its ``units`` attribute, or
    ``""`` for a pure number (CF 1.8 §3.1: units ``1``; its spellings, :func:`~climann.data.units.shown_units`):
    "its values are 0, 1, …, 9 1" reads as a list ending in 1 (rerun42 N5)."""
    from climann.data.units import DIMENSIONLESS_TEXT, shown_units

    own = str(coordinate.attrs.get("units", "")).strip()
    return "" if own and shown_units(own) == DIMENSIONLESS_TEXT else own


def _listed(dataset: xr.Dataset, dim: str, values: np.ndarray, show) -> str:
    """The first ten ``values`` of ``dim`` as text (each by ``show``), with their flag meanings
    (``1 (ascending), 2 (descending)``, :func:`~climann.data.flags.values_with_meanings`)."""
    texts = [show(v) for v in values[:10]]
    if dim in dataset.coords:
        texts = values_with_meanings(dataset[dim], texts, values[:10])
    return ", ".join(texts) + (" …" if len(values) > 10 else "")


def _select_index(dataset: xr.Dataset, dim: str, value: object) -> xr.Dataset:
    """``dataset`` at index ``value`` (a whole number, ``0`` or ``0.0``) of dimension ``dim``,
    which has no coordinate variable; the index kept as the scalar coordinate ``dim``.

    Raises
    ------
    KeyError
        If ``value`` is not one of the indices ``0 … size - 1``.
    """
    index = value if isinstance(value, (int, float, np.number)) and not isinstance(value, bool) else None
    if index is None or float(index) != int(index) or not 0 <= int(index) < dataset.sizes[dim]:
        raise KeyError(value)
    return dataset.isel({dim: int(index)}).assign_coords({dim: int(index)})


def _add_scalar_coordinate(variable: xr.Variable, name: str) -> None:
    """List ``name`` among the variable's own coordinates (its CF ``coordinates`` attribute,
    which xarray keeps in ``encoding``; CF conventions section 5.7, scalar coordinate
    variables): the value selected along one of its dimensions. ``dataset.sel`` makes the
    value a coordinate of every variable of the dataset; a variable that never had the
    dimension (the target, when a predictor's level is selected) does not get it listed."""
    listed = str(variable.encoding.get("coordinates", "")).split()
    variable.encoding["coordinates"] = " ".join([*listed, name] if name not in listed else listed)
    selected = tuple(variable.encoding.get(SELECTED_COORDINATES_KEY, ()))
    variable.encoding[SELECTED_COORDINATES_KEY] = selected if name in selected else (*selected, name)


def select_region(
    dataset: xr.Dataset, box: Sequence[float], *, of_run: bool = False, regional_mean: str = ""
) -> xr.Dataset:
    """Keep the cells inside ``box = (south, north, west, east)`` in degrees.

    ``of_run``: the box is a trained run's own ``[data] region``, applied to new data
    (``predict``, ``evaluate --data``), which cannot change it: a refusal says whose region it
    is and the way out (break40a A4: a northern-hemisphere run on southern data was told of a
    "region" the user never gave). ``regional_mean``: the box is instead the
    ``[data] regional_means`` box of this variable (an area-mean feature); with ``of_run``, the
    run's, fixed at training.

    On a regular grid the latitudes and longitudes inside are selected. On a curvilinear,
    rotated-pole or projected grid the box is a mask by each cell's true latitude and
    longitude: the rows and columns around the cells inside are kept, and the data
    variables are missing (NaN) at the cells outside, so they are never sampled.

    Raises
    ------
    ClimannError
        If ``south > north`` (refused, not swapped: the numbers may be in another order
        than meant), or no cell is inside; the message gives the grid's extent.
    """
    south, north, west, east = box
    if south > north:
        raise ClimannError(f"region ({box_text(box)}): south is north of north; "
                           "give south, north, west, east in that order")
    curvilinear = cell_coordinates(dataset)
    if curvilinear is not None:
        return _mask_region(dataset, box, *curvilinear, of_run=of_run, regional_mean=regional_mean)
    lat_name, lon_name = find_coordinate(dataset, "latitude"), find_coordinate(dataset, "longitude")
    latitude, longitude = dataset[lat_name].values, dataset[lon_name].values
    lat_keep = np.flatnonzero((latitude >= south) & (latitude <= north))
    lon_keep = np.flatnonzero(longitude_in_box(longitude, west, east))
    if lon_keep.size == 0 and lat_keep.size and (zonal := zonal_mean_evidence(dataset, lon_name)) is not None:
        # a zonal mean's one column stands for every longitude: the box takes its latitudes (climann.data.zonal_means)
        note_once(_log, logging.WARNING, f"the data are a zonal mean ({zonal}): their one longitude stands for every "
                  f"longitude, so the region ({box_text(box)}) takes their latitudes {south:g}…{north:g} alone, its "
                  f"longitudes {west:g}…{east:g} left aside", key=("zonal mean region", tuple(box)))
        lon_keep = np.arange(longitude.size)
    if lat_keep.size == 0 or lon_keep.size == 0:
        lats, lons = np.meshgrid(latitude, longitude, indexing="ij")
        raise ClimannError(_no_cell_text(box, f"the grid spans latitude {latitude.min():g}…{latitude.max():g} and "
                                              f"longitude {longitude.min():g}…{longitude.max():g}", of_run=of_run,
                                        regional_mean=regional_mean) + _order_hint(box, lats, lons, of_run=of_run,
                                                                                   regional_mean=regional_mean))
    return cut_grid(dataset, lat_keep, lon_keep)  # the areas of the whole grid, then the cut


def _no_cell_text(box: Sequence[float], extent: str, *, of_run: bool, regional_mean: str = "") -> str:
    """The refusal of a region without cells, with the grid's ``extent``; for a run's own region
    (``of_run``) on new data, that it is the run's and that only another run predicts there; for
    a ``[data] regional_means`` box (``regional_mean``: its variable), whose box it is and the
    way out (break40 fixers: new data without the run's box were told of a bare "region")."""
    if regional_mean:
        return _no_regional_mean_cell_text(box, extent, of_run=of_run, name=regional_mean)
    if not of_run:
        return f"region ({box_text(box)}) contains no grid cell; {extent}"
    return (f"the run's own region (south {box[0]:g}, north {box[1]:g}, west {box[2]:g}, east {box[3]:g}: [data] "
            f"region of its config.toml, which predict and evaluate keep, as the model was trained on its cells) "
            f"contains no grid cell of these data; {extent}: a run's region cannot be changed after training, so to "
            f"predict these cells train a run without --region, or with a --region that holds them")


def _order_hint(box: Sequence[float], latitude: np.ndarray, longitude: np.ndarray, *, of_run: bool,
                regional_mean: str) -> str:
    """Words to add to the refusal of a ``--region`` without cells when its numbers, read in the
    order west, east, south, north (that of CDO's ``sellonlatbox`` and of many tools' boxes), hold
    cells of the grid (``latitude`` and ``longitude`` of each cell, degrees): the user most likely
    gave them in that order (fix45l: ``--region -10,30,35,60`` on a European grid was told only
    that it "contains no grid cell"). ``""`` otherwise, and for a run's own box or a
    ``regional_means`` box, which other words refuse."""
    west, east, south, north = box
    if of_run or regional_mean or not -90 <= south <= north <= 90:
        return ""
    count = int(np.count_nonzero(cells_in_box(latitude, longitude, (south, north, west, east))))
    if not count:
        return ""
    order = ",".join(f"{value:g}" for value in (south, north, west, east))
    return (f"; read as west, east, south, north these numbers hold {count} cell{'s' if count > 1 else ''} of the "
            f"grid: climann's order is south, north, west, east, so give --region {order} if that box was meant")


def _no_regional_mean_cell_text(box: Sequence[float], extent: str, *, of_run: bool, name: str) -> str:
    """:func:`_no_cell_text` of the ``[data] regional_means`` box of variable ``name``."""
    setting = f"[data] regional_means.{name}"
    if not of_run:
        return (f"the {setting} box ({box_text(box)}) contains no grid cell; {extent}: give a box that holds cells "
                f"of the grid, or leave out {setting}")
    return (f"the run's regional_means box of '{name}' ({box_text(box)}: {setting} of its config.toml, whose "
            f"area mean is a feature of the model) contains no grid cell of these data; {extent}: give data that "
            f"cover the whole box (cut the predictions afterwards), or retrain without {setting}")


def _mask_region(
    dataset: xr.Dataset, box: Sequence[float], dims: tuple[str, str], latitude: np.ndarray, longitude: np.ndarray,
    *, of_run: bool = False, regional_mean: str = "",
) -> xr.Dataset:
    """The rectangle of rows and columns around the cells whose geographic latitude and
    longitude are in ``box`` (:func:`~climann.data.boxes.cells_in_box`), round the end of an
    axis that goes round the globe where that is narrower (:func:`_run_around`), with the data
    variables masked outside them (lazily). The scores' records count the cells inside, not
    the rectangle (:meth:`~climann.data.layout.GridLayout.cells_in_region`)."""
    inside = cells_in_box(latitude, longitude, box)
    if not inside.any():
        raise ClimannError(_no_cell_text(box, f"the grid's cells lie at latitude {np.nanmin(latitude):g}…"
                                              f"{np.nanmax(latitude):g} and longitude {np.nanmin(longitude):g}…"
                                              f"{np.nanmax(longitude):g}", of_run=of_run,
                                        regional_mean=regional_mean) + _order_hint(box, latitude, longitude,
                                                                                   of_run=of_run,
                                                                                   regional_mean=regional_mean))
    rows, columns = (_run_around(inside.any(axis=1 - axis), periodic=_around_the_globe(longitude, axis))
                     for axis in (0, 1))
    cut = cut_grid(dataset, rows, columns)  # the areas of the whole grid, then the cut
    mask = xr.DataArray(inside[np.ix_(rows, columns)], dims=dims)
    masked = {name: _with_own_records(cut[name].where(mask), cut[name])
              for name in data_variable_names(cut) if set(dims) <= set(cut[name].dims)}
    return cut.assign(masked)


def _with_own_records(masked: xr.DataArray, variable: xr.DataArray) -> xr.DataArray:
    """``masked`` with the records climann keeps in ``variable``'s ``encoding`` (its files,
    :data:`~climann.data.coords.SOURCE_FILES_KEY`, its names in them, the file xarray read it from):
    :meth:`xarray.DataArray.where` drops the encoding, and the advice on a region of a projected grid
    (EASE2's) then named ``'IN.nc'``/``'OUT.nc'`` placeholders, not the loop over the user's files it
    names without ``--region`` (break50b A2), and its CF ``coordinates`` (kept in ``encoding``), which
    say whose scalar coordinate is whose: without them predictions.nc put an Omon thetao at tas's
    ``height = 2 m`` and lost its selected ``lev`` (break53a A1). The file's own packing (``dtype``,
    ``_FillValue``) is not carried over: the masked values are floats with NaN."""
    masked.encoding.update({key: value for key, value in variable.encoding.items()
                            if key in ("source", "coordinates") or key.startswith("climann_")})
    return masked


def _around_the_globe(longitude: np.ndarray, axis: int) -> bool:
    """Whether the rows or columns (``axis`` 0 or 1) of a curvilinear grid's ``longitude``
    (degrees, shape (n_rows, n_columns)) go once round the globe, the last one beside the first:
    along the median line the steps between neighbours, the closing one from the last to the
    first included, add up to 360° (within one step), and the closing step is no longer than the
    longest other (a tripolar ocean grid's columns; not a regional grid's, nor its rows)."""
    lines = np.moveaxis(np.asarray(longitude, np.float64), axis, -1)
    if lines.shape[-1] < 3:
        return False
    steps = np.abs(wrapped_difference(lines[..., 1:], lines[..., :-1]))
    closing = np.abs(wrapped_difference(lines[..., 0], lines[..., -1]))
    longest = np.nanmax(steps, axis=-1)
    span = np.nansum(steps, axis=-1) + closing
    return bool(np.nanmedian(np.abs(span - 360.0) - longest) <= 0 and np.nanmedian(closing - longest) <= 0)


def _run_around(taken: np.ndarray, *, periodic: bool) -> np.ndarray:
    """The indices of the shortest run of neighbouring rows or columns that holds every ``taken``
    one (bool, at least one True): from the first to the last, or, along an axis that goes round
    the globe (``periodic``), round its end where that is shorter, in the order they follow each
    other there (…, n − 2, n − 1, 0, 1, …). fix48c: a box across 0° on a tripolar grid whose
    columns start at 20°E took the columns at both ends and every one between them, masked."""
    indices = np.flatnonzero(taken)
    size = taken.size
    after = np.diff(np.concatenate([indices, [indices[0] + size]]))  # from each taken index to the next
    widest = int(np.argmax(after))
    if not periodic or after[-1] >= after[widest]:
        return np.arange(indices[0], indices[-1] + 1)
    return np.arange(indices[widest + 1], indices[widest] + size + 1) % size


def box_text(box: Sequence[float]) -> str:
    """``"south 10, north 11, west 20, east 21"``: a region box ``[south, north, west, east]``
    (degrees) as a message names it."""
    return ", ".join(f"{side} {value:g}" for side, value in zip(("south", "north", "west", "east"), box))


def empty_selection_text(time_range: Sequence[str], months: Sequence[int], *, span: str, in_range: bool) -> str:
    """The one-line refusal of a time selection that keeps no step: ``"the time selection
    (1981-03-01 to 1981-03-31, months Feb) is empty; the data cover 1980-01-16 to 1983-12-16,
    and no step from 1981-03-01 to 1981-03-31 is in Feb: widen the time range or choose other
    months"``.

    Parameters
    ----------
    time_range : sequence of str
        ``(first, last)`` or empty.
    months : sequence of int
        1–12, or empty.
    span : str
        The data's time span (``"1980-01-16 to 1983-12-16"``).
    in_range : bool
        Whether ``time_range`` (or the whole axis without one) holds any step: the months then
        left none.
    """
    dates = f"{time_range[0]} to {time_range[1]}" if time_range else ""
    chosen = "/".join(month_abbr[int(month)] for month in months)
    selection = ", ".join(part for part in (dates, chosen and f"months {chosen}") if part)
    if not in_range and dates:  # outside the data, or between two of their stamps
        return (f"the time selection ({selection}) is empty; no time step of the data (which cover {span}) lies from "
                f"{dates}: widen the time range")
    if not in_range or not months:
        return f"the time selection ({selection}) is empty; the data cover {span}: choose dates within them"
    where = f"no step from {dates}" if dates else "none of their steps"
    advice = "widen the time range or choose other months" if dates else "choose other months"
    return f"the time selection ({selection}) is empty; the data cover {span}, and {where} is in {chosen}: {advice}"


def _time_values(dataset: xr.Dataset) -> tuple[str, np.ndarray, str]:
    name = find_coordinate(dataset, "time")
    values = dataset[name].values
    calendar = values[0].calendar if len(values) and hasattr(values[0], "calendar") else "standard"
    return name, values, calendar


def select_time(
    dataset: xr.Dataset,
    *,
    time_range: Sequence[str] = (),
    months: Sequence[int] = (),
    time_stride: int = 1,
    steps_before: int = 0,
    dated_by: str = "cell_middle",
    before_in_months: bool = True,
) -> xr.Dataset:
    """Keep the time steps within ``time_range = (first, last)`` (inclusive, dates as
    'YYYY[-MM[-DD]]'), in ``months`` (1–12), then every ``time_stride``-th of them. A step is
    in the month of its time cell's middle (:func:`~climann.data.time_cells.season_score_times`,
    the date the ``season`` feature and the scores per season give it): a weekly mean stamped
    at the start of its 7 days on 26 February, without bounds, is in March; with ``dated_by``
    = ``"stamp"`` (``[data] selection_dated_by`` of runs trained before 3 December 2026), in
    the month of its stamp.

    With ``steps_before`` (and a ``time_range``, without ``time_stride``) the data's
    ``steps_before`` steps just before the range's first chosen step are kept too, as many as
    the data have, and recorded as such (:func:`~climann.data.time_cells.with_steps_before_range`):
    persistence and the lags of the range's first steps take their values from them (lags of
    up to ``steps_before`` steps: :func:`climann.workflow.config.lag_steps_needed`), and they
    are never scored or trained on. With ``months`` those in the months only
    (:func:`steps_before_range_of`: 1983-12 for the first January of a DJF range from 1984),
    unless ``before_in_months`` is False (``[data] steps_before_months`` of runs trained before
    4 December 2026, which read none with ``months``).

    When ``months`` or ``time_stride`` thin the axis, the step it had before (within
    ``time_range``) is recorded on the time coordinate (:func:`with_value_step`): the values
    are still cells of that step, so that persistence, which forecasts with the value one
    such cell earlier, is known to be missing with or without time bounds in the file
    (``months``); a ``time_stride`` is recorded too (:func:`~climann.data.time_cells.with_time_stride`):
    the series kept steps ``time_stride`` cells, and its persistence is the value that far earlier.

    Raises
    ------
    ClimannError
        If no time step is left; the message gives the data's time span.
    """
    name, values, calendar = _time_values(dataset)
    earlier = steps_before_common(dataset)  # never within the run's period: read before it, or not at all
    dates = selection_dates(dataset, name, dated_by) if time_range else values
    within = _within(dates, time_range, calendar) if time_range else np.ones(len(values), dtype=bool)
    within[:earlier] = False
    keep = within.copy()
    within_range = values[keep]
    if months:  # by the month of each value's cell middle, as the season features and scores date it
        keep &= np.isin(_selection_months(dataset, name, dated_by), list(months))
    chosen = np.flatnonzero(keep)[::time_stride]
    if chosen.size == 0:
        raise ClimannError(empty_selection_text(time_range, months, span=_span(values),
                                                in_range=bool(within_range.size)))
    before = np.array([], dtype=np.int64)
    if steps_before and (time_range or earlier) and time_stride == 1 and (not months or before_in_months):
        in_months = np.isin(_selection_months(dataset, name, dated_by), list(months)) if months else None
        before = steps_before_range_of(chosen, within, steps_before, in_months=in_months, times=values,
                                       earlier=earlier)
    thinned = with_steps_before_range(with_steps_before_common(dataset.isel({name: np.concatenate([before, chosen])}),
                                                               0), before.size,
                                      before_common=int((before < earlier).sum()))
    if months and dated_by == "stamp":
        thinned = with_selection_by_stamps(thinned)
    thinned = _with_steps_before_thinning(thinned, within_range) if months or time_stride > 1 else thinned
    return with_time_stride(thinned, time_stride)


def _with_steps_before_thinning(thinned: xr.Dataset, before: np.ndarray) -> xr.Dataset:
    """``thinned`` with the step of its axis ``before`` the run's time selection thinned it
    recorded (:func:`with_value_step`), or, for an axis of periods that restart each year or
    month and so have no fixed step (CPC's 73 pentads, dekads, MODIS's composites), their
    calendar (:func:`with_value_periods`): the climatology is keyed by the period of the year of
    each kept step, not by the kept axis's spacing (every other CPC pentad is 10 days apart:
    "10-day periods of the year" pooled two pentads each)."""
    step = axis_time_step(before)
    found = period_positions(before) if step is None and len(before) > 1 else None
    return with_value_periods(with_value_step(thinned, step), None if found is None else found[0])


def steps_before_range_of(chosen: np.ndarray, within: np.ndarray, steps_before: int, *,
                          in_months: np.ndarray | None = None, times: np.ndarray | None = None,
                          earlier: int = 0) -> np.ndarray:
    """The indices of the steps read before a time range: those of the ``steps_before`` steps
    of the axis just before the first step ``chosen`` that lie before the range (not
    ``within`` it) and, with ``in_months``, in the chosen months (the lags and persistence
    of the other steps are missing anyway: a month the selection leaves out).

    Beside a forecast, the axis opens with ``earlier`` steps of the target read for persistence
    alone (:func:`~climann.data.time_cells.steps_before_common`): those before the common period
    and, within it, the day or month observed last before each start that is no valid time (the
    day before each start of S2S forecasts; October before November starts valid in December).
    "Just before" then counts by ``times``: the ``steps_before`` steps, of those and the others
    together, latest before the first chosen step; and those of the ``earlier`` steps that lie
    between the first and the last chosen step are read whatever ``steps_before`` is (the
    persistence of forecasts within the period, not steps before it: ``steps_before`` counts
    what its name says; it counted every day read for persistence, 729 in a two-year S2S run,
    before fix55d).

    Parameters
    ----------
    chosen : ndarray of int, shape (n_chosen,)
        The chosen steps, ascending, at least one.
    within : ndarray of bool, shape (n_time,)
        Whether each step of the axis lies within the range.
    steps_before : int
        How many steps of the axis before ``chosen[0]`` are looked at (the largest lag).
    in_months : ndarray of bool, shape (n_time,), optional
        Whether each step is in the chosen months (``months``, ``seasons``); None: all are.
    times : ndarray, shape (n_time,), optional
        The axis's times; needed with ``earlier``.
    earlier : int
        How many steps open the axis read for persistence alone, each in order by itself.

    Returns
    -------
    ndarray of int64, shape (n_before,)
        Those of the ``earlier`` steps first, ascending, then the others, ascending; as many as
        the axis holds (none for a range that starts the axis).

    Examples
    --------
    A monthly axis from 1983-01, the range from 1984-01, DJF, lags up to 12:
    ``[0, 1, 11]`` (1983-01, 1983-02 and 1983-12).
    """
    if not earlier:
        candidates = np.arange(max(int(chosen[0]) - steps_before, 0), int(chosen[0]))
    else:
        first, last = times[int(chosen[0])], times[int(chosen[-1])]
        front = np.arange(earlier)
        read_first = np.array([time < first for time in times[:earlier]], dtype=bool)
        pool = np.concatenate([front[read_first], np.arange(earlier, int(chosen[0]))]).astype(np.int64)
        by_time = pool[np.argsort(times[pool], kind="stable")] if pool.size else pool
        candidates = np.sort(by_time[max(by_time.size - steps_before, 0):]) if steps_before else pool[:0]
    keep = ~within[candidates]
    if in_months is not None:
        keep &= in_months[candidates]
    found = candidates[keep]
    if not earlier:
        return found
    amid = np.flatnonzero([first <= time <= last for time in times[:earlier]])
    return np.concatenate([np.union1d(found[found < earlier], amid), found[found >= earlier]]).astype(np.int64)


def steps_held_before_range(dataset: xr.Dataset, *, time_range: Sequence[str], months: Sequence[int] = (),
                            steps_before: int, dated_by: str = "cell_middle", before_in_months: bool = True) -> int:
    """How many steps before ``time_range`` :func:`select_time` (and :func:`select_new_data_time`)
    read with ``steps_before``: as many of them as ``dataset`` holds (:func:`steps_before_range_of`),
    0 when none is read. Reads the time coordinate only.

    Parameters
    ----------
    dataset : xarray.Dataset
        The data before any time selection.
    time_range : sequence of two str
        ``(first, last)``, inclusive.
    months : sequence of int
        The chosen months (``months`` and the seasons' months), or none.
    steps_before, dated_by, before_in_months
        As :func:`select_time` takes them.

    Returns
    -------
    int
    """
    earlier = steps_before_common(dataset)
    if not (time_range or earlier) or not steps_before or (months and not before_in_months):
        return 0
    name, values, calendar = _time_values(dataset)
    within = (_within(selection_dates(dataset, name, dated_by), time_range, calendar) if time_range
              else np.ones(len(values), dtype=bool))
    within[:earlier] = False
    in_months = np.isin(_selection_months(dataset, name, dated_by), list(months)) if months else None
    chosen = np.flatnonzero(within if in_months is None else within & in_months)
    return (steps_before_range_of(chosen, within, steps_before, in_months=in_months, times=values,
                                  earlier=earlier).size if chosen.size else 0)


def _within(values: np.ndarray, time_range: Sequence[str], calendar: str) -> np.ndarray:
    """Which dates of ``values`` lie within ``time_range = (first, last)``, inclusive."""
    first, after_last = range_bounds(time_range, calendar)
    return np.array([first <= value < after_last for value in values], dtype=bool)


def _span(values: np.ndarray) -> str:
    """The period of a time axis, ``"2007-01-15 to 2009-12-15"``."""
    return (f"{date_text(values[0], precision='day')} to {date_text(values[-1], precision='day')}" if len(values)
            else "nothing")


_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _trained_months_text(months: Sequence[int], seasons: Sequence[str]) -> tuple[str, str]:
    """The months a run was trained on, in words (``"DJF"``, ``"Jun, Jul"``), and the config
    keys that chose them (``"[data] seasons"``)."""
    named = [season.upper() for season in seasons] + [_MONTH_NAMES[month - 1] for month in months]
    keys = [key for key, given in (("months", months), ("seasons", seasons)) if given]
    return ", ".join(named), "[data] " + " and ".join(keys)


def _selection_months(dataset: xr.Dataset, name: str, dated_by: str) -> np.ndarray:
    """The calendar month of each step of the time ``name`` for ``months`` and ``seasons``, shape
    (n_time,): of its time cell's middle (``dated_by="cell_middle"``, :func:`season_score_times`)
    or its stamp. Values each over the window ending at their stamp by every variable's words
    (:func:`~climann.data.window_totals.window_end_reason`: GloFAS's dis24) are of that window's
    middle (:func:`~climann.data.time_cells.ending_middles`), as their scores per season are: the
    day stamped 1 March 00 UTC is in DJF (fix47d)."""
    dates = _season_dates(dataset, name, dated_by)
    return np.array([value.month for value in dates], dtype=np.int64)


def selection_dates(dataset: xr.Dataset, name: str, dated_by: str = "cell_middle") -> np.ndarray:
    """The date of each step of the time ``name`` by which ``--time-range`` chooses it, shape
    (n_time,): with ``dated_by="cell_middle"`` the date its year is counted by in the split
    (:func:`~climann.data.time_cells.period_dates` of its season's date, :func:`_selection_months`),
    with ``dated_by="stamp"`` its stamp. GloFAS's ``dis24`` stamped 1 January 2021 00 UTC, the
    mean of 31 December 2020, is in ``--time-range 2017,2020`` (fix47j: it was left out, and the
    one stamped 1 January 2017 taken in).

    Returns
    -------
    ndarray of cftime.datetime, shape (n_time,)
    """
    dates = _season_dates(dataset, name, dated_by)
    return dates if dated_by != "cell_middle" else period_dates(np.asarray(dataset[name].values), dates)


def _season_dates(dataset: xr.Dataset, name: str, dated_by: str) -> np.ndarray:
    """The date of each step's month and season (:func:`_selection_months`), shape (n_time,)."""
    time = dataset[name]
    if dated_by != "cell_middle":
        return np.asarray(time.values)
    reasons = {window_end_reason(str(variable), dataset[variable].attrs) for variable in dataset.data_vars
               if time.dims[0] in dataset[variable].dims}
    ending = None
    if len(reasons) == 1 and "bounds" not in time.attrs:
        ending = ending_middles(np.asarray(time.values), axis_time_step(np.asarray(time.values)), reasons.pop())
    return season_score_times(time) if ending is None else ending


def select_new_data_time(
    dataset: xr.Dataset, *, time_range: Sequence[str] = (), months: Sequence[int] = (),
    seasons: Sequence[str] = (), where: str, steps_before: int = 0, dated_by: str = "cell_middle",
    before_in_months: bool = True,
) -> xr.Dataset:
    """The time steps of new data (``predict``, ``evaluate --data``) that a trained run predicts.

    The run's own ``time_range`` chose its training period and never applies to new data
    (predicting other years is what a trained run is for); ``time_range`` here is the user's
    choice of a period of the new data (``--time-range``). The run's ``months`` and
    ``seasons`` do apply: its network learnt those months only. Keeping fewer steps than the
    data hold is said in one warning line; keeping none is refused.

    Parameters
    ----------
    dataset : xarray.Dataset
        New data, opened lazily, with a time axis.
    time_range : sequence of two str, optional
        ``(first, last)``, inclusive, 'YYYY[-MM[-DD[THH[:MM]]]]' in the data's calendar.
    months, seasons : sequence, optional
        The run's ``[data] months`` (1–12) and ``seasons`` (``"DJF"``, ...).
    where : str
        The files, for the messages.
    steps_before : int
        Keep as many of the data's steps just before ``time_range`` too (with the run's
        ``months``, those in them), for persistence and lags only: see :func:`select_time`.
    before_in_months : bool
        Keep them also with the run's ``months`` (``[data] steps_before_months``; runs trained
        before 4 December 2026 kept none then): see :func:`select_time`.
    dated_by : {"cell_middle", "stamp"}
        How the run's months date a step (``[data] selection_dated_by``, :func:`select_time`).

    Raises
    ------
    ClimannError
        If ``time_range`` selects no step of the data, or none of the steps left falls in the
        run's months; the message names the data's period or months.
    """
    chosen = tuple(months) + season_months(seasons)
    name, values, calendar = _time_values(dataset)
    earlier = steps_before_common(dataset)  # never predicted: read before the period, or not at all
    within = np.ones(len(values), dtype=bool)
    if time_range:
        dates = selection_dates(dataset, name, dated_by)
        within = _within(dates, time_range, calendar)
        if not within[earlier:].any():
            raise ClimannError(f"--time-range {','.join(time_range)} selects no time step of {where}, which cover "
                               f"{_span(values[earlier:])}; give a period within it")
    within[:earlier] = False
    if not chosen and (time_range or earlier):
        inside = np.flatnonzero(within)
        before = (steps_before_range_of(inside, within, steps_before, times=values, earlier=earlier)
                  if steps_before else inside[:0])
        return with_steps_before_range(with_steps_before_common(dataset.isel({name: np.concatenate([before, inside])}),
                                                                0), before.size,
                                       before_common=int((before < earlier).sum()))
    if not chosen:
        return dataset
    all_months = _selection_months(dataset, name, dated_by)
    held = all_months[within]
    keep = np.flatnonzero(within & np.isin(all_months, chosen))
    trained, keys = _trained_months_text(months, seasons)
    if keep.size == 0:
        in_data = ", ".join(_MONTH_NAMES[month - 1] for month in sorted(set(held.tolist())))
        raise ClimannError(
            f"these data ({where}) hold no time step in the months the run was trained on ({trained}, {keys}): "
            f"their steps fall in {in_data}; give data of those months" + (" or another --time-range" if time_range
                                                                            else ""))
    if keep.size < held.size:
        _log.warning("kept the %d %s steps of the %d of %s: the run was trained on %s only (%s), so the other months "
                     "are not predicted", keep.size, trained, held.size, where, trained, keys)
    before = keep[:0]
    if steps_before and (time_range or earlier) and before_in_months:
        before = steps_before_range_of(keep, within, steps_before, in_months=np.isin(all_months, chosen),
                                       times=values, earlier=earlier)
    kept = with_steps_before_range(with_steps_before_common(dataset.isel({name: np.concatenate([before, keep])}), 0),
                                   before.size, before_common=int((before < earlier).sum()))
    return _with_steps_before_thinning(with_selection_by_stamps(kept) if dated_by == "stamp" else kept, values[within])


def select_grid_stride(dataset: xr.Dataset, stride: int) -> xr.Dataset:
    """Keep every ``stride``-th latitude and longitude (a coarser grid for quick runs), the
    stride recorded on the time coordinate (:data:`~climann.data.layout.GRID_STRIDE_KEY`): the
    kept centres alone cannot tell that each was a cell ``stride`` times narrower."""
    if stride == 1:
        return dataset
    lat_name, lon_name = find_coordinate(dataset, "latitude"), find_coordinate(dataset, "longitude")
    thinned = dataset.isel({lat_name: slice(None, None, stride), lon_name: slice(None, None, stride)})
    time_name = time_coordinate(thinned)
    if time_name is None:
        return thinned
    time = thinned[time_name]
    recorded = xr.Variable(time.dims, time.values, time.attrs, {**time.encoding, GRID_STRIDE_KEY: int(stride)})
    return thinned.assign_coords({time_name: recorded})


def with_cell_edges(dataset: xr.Dataset, cell_edges: str) -> xr.Dataset:
    """``dataset`` with ``[data] cell_edges`` recorded on its time coordinate when it is
    ``straight`` (:data:`~climann.data.layout.STRAIGHT_CELL_EDGES_KEY`, the areas of runs trained
    before 4 December 2026), as it is when ``great_circle``."""
    time_name = time_coordinate(dataset)
    if cell_edges != "straight" or time_name is None:
        return dataset
    time = dataset[time_name]
    recorded = xr.Variable(time.dims, time.values, time.attrs, {**time.encoding, STRAIGHT_CELL_EDGES_KEY: True})
    return dataset.assign_coords({time_name: recorded})


def season_months(seasons: Sequence[str]) -> tuple[int, ...]:
    """Calendar months of named seasons, e.g. ``("DJF",) → (12, 1, 2)``."""
    months: list[int] = []
    for season in seasons:
        if season.upper() not in SEASON_MONTHS:
            raise ClimannError(f"unknown season '{season}'; valid: {', '.join(SEASON_MONTHS)}")
        months += SEASON_MONTHS[season.upper()]
    return tuple(months)


def subset_dataset(
    dataset: xr.Dataset,
    *,
    select: Mapping[str, object] | None = None,
    region: Sequence[float] = (),
    time_range: Sequence[str] = (),
    months: Sequence[int] = (),
    seasons: Sequence[str] = (),
    time_stride: int = 1,
    grid_stride: int = 1,
    steps_before: int = 0,
    dated_by: str = "cell_middle",
    before_in_months: bool = True,
    region_of_run: bool = False,
) -> xr.Dataset:
    """Apply every selection, in this order: extra-dimension values, region, time, grid stride.

    Each argument left at its default selects everything; see the functions above
    (``steps_before``, ``dated_by``, ``before_in_months``: :func:`select_time`;
    ``region_of_run``: :func:`select_region`'s ``of_run``).
    """
    if select:
        dataset = select_values(dataset, select)
    grid_cells = _grid_cells(dataset) if region else 0
    if region:
        dataset = select_region(dataset, region, of_run=region_of_run)
    chosen_months = tuple(months) + season_months(seasons)
    if time_range or chosen_months or time_stride > 1 or steps_before_common(dataset):
        dataset = select_time(dataset, time_range=time_range, months=chosen_months, time_stride=time_stride,
                              steps_before=steps_before, dated_by=dated_by, before_in_months=before_in_months)
    return _with_time_record(select_grid_stride(dataset, grid_stride), REGION_GRID_CELLS_KEY, grid_cells)


def _grid_cells(dataset: xr.Dataset) -> int:
    """The cells of the dataset's horizontal grid: rows × columns of a curvilinear, rotated or
    projected grid, latitudes × longitudes of a regular one."""
    curvilinear = cell_coordinates(dataset)
    if curvilinear is not None:
        return int(curvilinear[1].size)
    return int(dataset[find_coordinate(dataset, "latitude")].size * dataset[find_coordinate(dataset, "longitude")].size)


def _with_time_record(dataset: xr.Dataset, key: str, value: int) -> xr.Dataset:
    """``dataset`` with ``value`` under ``key`` in its time coordinate's encoding, which every
    layout reads (:func:`~climann.data.variables.grid_layout`); as it was when ``value`` is 0
    or there is no time coordinate."""
    time_name = time_coordinate(dataset) if value else None
    if time_name is None:
        return dataset
    time = dataset[time_name]
    return dataset.assign_coords({time_name: xr.Variable(time.dims, time.values, time.attrs,
                                                         {**time.encoding, key: int(value)})})
