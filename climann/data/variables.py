"""Variables of an opened dataset: which are data, finding them by name, putting them on the grid.

Bounds and grid-mapping variables are metadata, never features. A variable is brought onto
the canonical (time, latitude, longitude) order, with size-1 extra dimensions dropped.
"""

from __future__ import annotations

import dataclasses

import difflib
import os
import shlex
from collections.abc import Sequence
from pathlib import Path

import cftime
import numpy as np
import xarray as xr

from climann.data.area_fractions import file_area_fraction
from climann.data.containers import files_with_variable_in_groups, in_group_message, variable_in_groups
from climann.data.coords import (
    STAGGERED_DIMENSION_SUFFIX, find_coordinate, is_staggered, named_coordinates, unlinked_bounds,
)
from climann.data.forecast_times import VALID_TIME_LONG_NAME, is_forecast_period
from climann.data.wrf_projections import wrf_map_projection
from climann.data.area_shapes import check_own_areas
from climann.data.grids import STAND_IN_TARGET, axis_bounds, file_cell_measure, geographic_grid, grid_mapping_of
from climann.data.left_out_files import left_out_holding
from climann.data.levels import LEVELS_KEY, is_level
from climann.data.layout import (
    AREA_EXTENT_ATTRIBUTE,
    GRID_STRIDE_KEY,
    FORECAST_WINDOW_KEY,
    REGION_GRID_CELLS_KEY,
    WHOLE_GRID_AREAS_KEY,
    SELECTED_COORDINATES_KEY,
    STRAIGHT_CELL_EDGES_KEY,
    SPLIT_BLOCK_COORDINATE,
    SPLIT_SERIES_COORDINATE,
    Coordinate,
    GridLayout,
    geography_of,
)
from climann.data.paths import is_zarr_store
from climann.data.shell import beside, copies_of_files, ncrename_variable, shown_path
from climann.data.sources import (
    UNUSED_FILES_KEY, files_text, own_period_bounded, source_files as recorded_files, source_names,
)
from climann.data.quantities import quantity_record
from climann.data.standard_name_aliases import current_standard_name
from climann.data.standard_names import standard_name_of
from climann.data.temperature_readings import temperature_reading
from climann.data.units import variable_units
from climann.data.user_types import user_type_message
from climann.data.time_encodings import time_encoding_names
from climann.data.time_units import TIME_STORAGE_KEY, undecoded_time_message
from climann.data.undated_axes import climatology_months_advice
from climann.data.time_axis import PeriodStep, TimeStep, year_text
from climann.data.time_cells import (
    FILE_TIME_COORDINATE, KNOWN_STEP_KEY, SELECTED_BY_STAMPS_KEY, STEPS_BEFORE_RANGE_KEY, STEPS_READ_BEFORE_COMMON_KEY,
    TIME_STRIDE_KEY, TRAINED_RUN_KEY, VALUE_PERIODS_KEY, VALUE_STEP_KEY,
)
from climann.errors import ClimannError


def data_variable_names(dataset: xr.Dataset) -> list[str]:
    """Names of the data variables that can be features: bounds and grid-mapping variables
    (named by other variables' ``bounds``, ``climatology`` or ``grid_mapping`` attributes),
    bounds that no ``bounds`` attribute names (:func:`unlinked_bounds`), auxiliary coordinates
    (named by a ``coordinates`` attribute, when xarray left them data variables), cell measures
    (``cell_measures = "area: areacella"``), the averaging period of a GFDL/MOM time mean (named by
    ``time_avg_info = "average_T1,average_T2,average_DT"``: ``average_DT``, its length in days, is a
    number, not data) and variables that are not numbers (text such as WRF's ``Times`` character
    array, dates) excluded, and those that write the time again in other words
    (:func:`~climann.data.time_encodings.time_encoding_names`: NCL's ``initial_time0_encoded``)."""
    metadata = metadata_variable_names(dataset) | set(time_encoding_names(dataset))
    return [str(name) for name in dataset.data_vars
            if name not in metadata and _is_numeric(dataset.variables[name])]


def metadata_variable_names(dataset: xr.Dataset) -> set[str]:
    """The variables that describe others rather than hold data (:func:`data_variable_names`
    leaves them out): named by another variable's ``bounds``, ``climatology``,
    ``grid_mapping``, ``coordinates``, ``cell_measures`` or GFDL's ``time_avg_info``, and
    bounds that no ``bounds`` attribute names (:func:`unlinked_bounds`).

    Parameters
    ----------
    dataset : xarray.Dataset

    Returns
    -------
    set of str
    """
    metadata = unlinked_bounds(dataset)
    for variable in dataset.variables.values():
        for key in ("bounds", "climatology", "grid_mapping"):
            if key in variable.attrs:
                # grid_mapping may be "crs" or the extended form "crs: lat lon"
                metadata.add(str(variable.attrs[key]).split(":")[0].strip())
        for source in (variable.attrs, variable.encoding):
            metadata.update(str(source.get("coordinates", "")).split())
        metadata.update(str(variable.attrs.get("cell_measures", "")).split()[1::2])
        # GFDL/MOM's averaging period of a time mean (SODA): its start, end and length, whichever decodes to dates
        metadata.update(str(variable.attrs.get("time_avg_info", "")).replace(",", " ").split())
    return metadata


#: What a variable of each non-numeric NumPy dtype kind holds, for messages.
_NON_NUMERIC = {"S": "text", "U": "text", "M": "dates", "m": "durations"}


def _is_numeric(variable: xr.DataArray | xr.Variable) -> bool:
    """Numbers or booleans: not text (``S``, ``U``, object) nor dates (``M``, ``m``)."""
    return variable.dtype.kind in "biuf"


def require_variable(
    dataset: xr.Dataset, name: str, where: str = "the data", *, role: str = "variable", standard_name: str = "",
    taken: Sequence[str] = (),
) -> xr.DataArray:
    """Return variable ``name`` or raise an error listing the available ones.

    ``role="target"``: the message says that the missing variable is the one to predict and
    how to choose it (the target defaults to the sample's ``tas``, which a user's own file
    seldom holds). ``standard_name``: the one a trained run recorded for ``name``
    (``model.npz`` ``quantities``); when exactly one variable of the data has it (ERA5's
    ``t2m`` for CMIP's ``tas``, ``tcc`` for ``clt``: names far apart as text), the message
    names that variable and how to rename it, rather than a name spelled alike. ``taken``: the
    other variables the run reads (its target, its other predictors), never proposed as the
    missing one's stand-in: RG's ``ARGO_TEMPERATURE_ANOMALY``, the run's target, is spelled
    like its missing predictor ``ARGO_TEMPERATURE_MEAN`` and renamed into it would be read as
    the mean field.

    Raises
    ------
    ClimannError
        "variable 'tass' not in sample.nc; available: tas, rsdt; did you mean 'tas'?"; for a
        variable that is there but not numbers (WRF's ``Times``), that it holds text; for one
        in a NetCDF-4 group of a file read, its group and the ``ncks`` that copies the group
        into a plain file (:func:`climann.data.containers.in_group_message`).
    """
    available = data_variable_names(dataset)
    if name in available:
        return dataset[name]
    if name in dataset.data_vars and not _is_numeric(dataset[name]):
        # a NetCDF-4 VLEN or compound variable: what it holds and the way out; see climann.data.user_types
        user_type = user_type_message(name, dataset[name], where, role="target" if role == "target" else "feature")
        if user_type is not None:
            raise ClimannError(user_type)
        holds = _NON_NUMERIC.get(dataset[name].dtype.kind, "objects")
        raise ClimannError(
            f"variable '{name}' in {where} holds {holds}, not numbers, so it "
            f"cannot be a {'target' if role == 'target' else 'feature'}; available: {', '.join(available) or 'none'}"
        )
    read = _read_files(dataset)
    in_groups = variable_in_groups(read, name)
    if in_groups is not None:  # in a NetCDF-4 group beside the root's data (break13 F20)
        path, groups = in_groups
        files = files_with_variable_in_groups(read, name, groups[0])
        raise ClimannError(f"{in_group_message(path, name, groups, files=files)}; in the root: "
                           f"{_root_text(dataset, available)}")
    # the run's other variables are never a stand-in (break44a A2: the target renamed into a predictor)
    others = [variable for variable in available if variable not in taken]
    same = same_standard_name_variables(dataset, standard_name, others) if standard_name else []
    if len(same) == 1:
        raise ClimannError(
            f"{'target ' if role == 'target' else ''}variable '{name}' not in {where}; available: "
            f"{', '.join(available)}; '{same[0]}' has the standard_name {standard_name} that the run recorded "
            f"for '{name}'.{_rename_hint(dataset, where, same[0], name)}")
    close = difflib.get_close_matches(name, others if role != "target" else available, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    if (beside := left_out_holding(read, name)):  # MERRA-2's T2M in *.nc4 beside the *.nc read (break55a A5)
        hint = beside
    if role == "target":
        raise ClimannError(
            f"target variable '{name}' not in {where}; available: {', '.join(available) or 'none'}{hint}; "
            "name the variable to predict with --target NAME ([data] target)"
        )
    if _names_a_file(name):  # --predictors bm/BedMachine.nc (break54d A6)
        hint = (f"; '{name}' is a file's path: predictors are variable names; give the file with --data "
                "([data] paths) and name its variables in --predictors")
    elif close:
        hint += _rename_hint(dataset, where, close[0], name)
    else:  # break28b A7: CMIP's scenario files given without the fx files of the run's orog and sftlf
        hint = ("; if it is in other files (CMIP keeps static fields such as orog and sftlf in their own fx "
                "files, orog_fx_….nc, and a static field of the training files, such as RG's mean field, is in "
                "those files), give those files too (--data, [data] paths)")
    raise ClimannError(
        f"variable '{name}' not in {where}; available: {', '.join(available) or 'none'}{hint}"
    )


def _names_a_file(name: str) -> bool:
    """Whether ``name`` reads as a path rather than a variable's name: it holds a ``/``, ends in a
    data file's extension, or is a file there."""
    return "/" in name or name.lower().endswith((".nc", ".nc4", ".grib", ".grb", ".grib2", ".zarr", ".h5", ".hdf")) \
        or os.path.exists(name)


def _rename_hint(dataset: xr.Dataset, where: str, old: str, new: str) -> str:
    """" If it is the same field, rename it in a copy (ncrename -v old,new IN OUT) or with
    --rename …": train, predict and evaluate --data all take ``--rename``.

    Both name the variable as its files hold it, and the ``--rename`` rule is one that applies
    to them: a file takes the first rule whose pattern matches it, and a rule renames the
    file's own names, so rules do not chain (:mod:`climann.data.renames`). ``old`` that a
    rule made of the file's ``t2m`` (``--rename 'era_t2m*:t2m=tas'``) is renamed by that rule
    with the new name (``--rename 'era_t2m*:t2m=airt'``, in place of the user's); a
    ``'*:tas=airt'`` would match the file after ``'era_t2m*'`` and never apply (verify25 F8).
    Each file's rule and own name are those :func:`climann.data.open.open_dataset` recorded
    (:func:`climann.data.sources.source_names`)."""
    records = source_names(dataset[old]) if old in dataset.variables else ()
    stored = dict.fromkeys(name for _, _, name in records) or {old: None}
    files = [file for file, _, _ in records]
    source = files[0] if len(files) == 1 else dataset.encoding.get("source") or where
    one_file = (len(files) == 1 and is_zarr_store(files[0])) or (
        not files and "," not in where and where.endswith((".nc", ".nc4", ".zarr")))
    if one_file:
        copy = f"{shown_path(source)} {beside(source, 'renamed', Path(source).suffix)}"
        copies = " and ".join(f"ncrename {ncrename_variable(name, new)} {copy}" for name in stored if name != new)
    elif files:  # each file its own copy, in a new folder (fix44d: was `ncrename … FILE NEW_FILE`); one too (fix53a)
        own = {file: name for file, _, name in records}
        copies = copies_of_files(lambda arguments, file: "" if own[file] == new else
                                 f"ncrename {ncrename_variable(own[file], new)} {arguments}", files, name="renamed")
    else:  # no file recorded: said in words, no placeholder to paste
        copies = (f"a copy of each file holding it, ncrename {ncrename_variable(next(iter(stored)), new)} with the "
                  "file and its copy" if next(iter(stored)) != new else "")
    rules = _rename_rules(records, old, new, where)
    if not copies:  # the files hold it as the run names it: a rule renamed it away
        return f" If it is the same field, {rules}"
    return f" If it is the same field, rename it in a copy ({copies}) or with {rules}"


def _rename_rules(records: Sequence[tuple[str, str, str]], old: str, new: str, where: str) -> str:
    """The ``--rename`` words that name ``old`` ``new`` in its files (``records``:
    :func:`climann.data.sources.source_names`): in each rule's files, that rule's pattern with
    the file's own name, said to replace the rule's rename of that name; in files that no rule
    matches, their one file's name, else ``*``."""
    rules = dict.fromkeys((pattern, name) for _, pattern, name in records if pattern)
    unmatched = [file for file, pattern, _ in records if not pattern]
    if unmatched or not records:
        names = dict.fromkeys(name for _, pattern, name in records if not pattern) or {old: None}
        glob = (Path(unmatched[0]).name if len(unmatched) == 1 else "*") if records else (
            where if "," not in where and where.endswith((".nc", ".nc4", ".zarr")) else "*")
        rules.update(dict.fromkeys((glob, name) for name in names))
    words = []
    for pattern, name in rules:
        own = shlex.quote(f"{pattern}:{name}={old}")
        if name == new:
            words.append(f"leave out --rename {own}")
            continue
        replaced = f" (in place of {own})" if name != old else ""
        words.append(f"--rename {shlex.quote(f'{pattern}:{name}={new}')}{replaced}")
    return " and ".join(words)


def same_standard_name_variables(dataset: xr.Dataset, standard_name: str,
                                 names: Sequence[str] | None = None) -> list[str]:
    """The variables of ``dataset`` (of ``names``, default: its data variables) whose CF
    ``standard_name`` is ``standard_name``, aliases of the standard name table read as the name
    they stand for and ``"unknown"`` as no name (:func:`climann.data.standard_names.standard_name_of`).

    Examples
    --------
    ERA5's ``t2m`` and CMIP's ``tas`` are both ``air_temperature``; CMIP5's
    ``air_pressure_at_sea_level`` is CMIP6's ``air_pressure_at_mean_sea_level``.
    """
    wanted = current_standard_name(standard_name_of({"standard_name": standard_name}).lower())
    if not wanted:
        return []
    return [name for name in (data_variable_names(dataset) if names is None else names)
            if current_standard_name(standard_name_of(dataset[name].attrs).lower()) == wanted]


def _root_text(dataset: xr.Dataset, available: Sequence[str]) -> str:
    """What the root of the files read holds, for a refusal of a variable in a group: its data
    variables, else its coordinates and metadata variables (SMAP L4's ``cell_lat``,
    ``cell_lon``, ``time``, ``x``, ``y``; fix45k: "in the root: none"), else ``none``."""
    if available:
        return ", ".join(available)
    held = [str(name) for name in dataset.variables]
    return f"no data variables, only {', '.join(held)}" if held else "none"


def _read_files(dataset: xr.Dataset) -> list[str]:
    """The files a dataset was read from: those its data variables record
    (:func:`climann.data.sources.source_files`) and its own ``source``."""
    files = [file for variable in dataset.data_vars.values() for file in recorded_files(variable)]
    return [*files, *([dataset.encoding["source"]] if dataset.encoding.get("source") else [])]


def _projection_axes(variable: xr.DataArray) -> list[str]:
    """The coordinates of ``variable`` that are a map projection's axes (``standard_name``
    ``projection_x_coordinate`` or ``projection_y_coordinate``, CF §5.6), on its dimensions or
    left as scalars by a ``select``."""
    return [str(name) for name, coordinate in variable.coords.items()
            if coordinate.attrs.get("standard_name") in ("projection_x_coordinate", "projection_y_coordinate")]


def _describe_values(variable: xr.DataArray, dim: str) -> str:
    values = variable[dim].values if dim in variable.coords else np.arange(variable.sizes[dim])
    shown = ", ".join(f"{value:g}" if np.issubdtype(np.asarray(value).dtype, np.number) else str(value)
                      for value in values[:6])
    return f"{dim} ({len(values)} values: {shown}{', …' if len(values) > 6 else ''})"


def _several_lead_times_message(variable: xr.DataArray, dim: str) -> str:
    """Why a forecast with several lead times per reference time (``valid_time(time, step)``,
    see :mod:`climann.data.forecast_times`) is not one time axis, and the way out."""
    values = np.asarray(variable[dim].values)
    units = str(variable[dim].attrs.get("units", "")).strip()
    shown = ", ".join(f"{value:g}" for value in values[:6]) + (", …" if len(values) > 6 else "")
    example = f"{values[min(1, len(values) - 1)]:g}"
    return (f"variable '{variable.name}' holds forecasts at {len(values)} lead times ({dim}: {shown}"
            f"{' ' + units if units else ''}) for each forecast reference time, so its valid times are not one time "
            f"axis; choose one lead time with [data] select or --select {dim}={example} (its valid times become the "
            f"time axis)")


def on_grid(variable: xr.DataArray, grid_dims: Sequence[str], *, needs_time: bool) -> xr.DataArray:
    """The variable with size-1 extra dimensions dropped, in (time, lat, lon) order.

    Parameters
    ----------
    variable : xarray.DataArray
    grid_dims : (time, lat, lon) dimension names
    needs_time : bool
        Whether a static (lat, lon) field is refused.

    Raises
    ------
    ClimannError
        For an extra dimension with several values (naming it and its values, to be chosen
        with ``select``), or a missing grid dimension.
    """
    extra = [dim for dim in variable.dims if dim not in grid_dims]
    variable = variable.squeeze([dim for dim in extra if variable.sizes[dim] == 1], drop=True)
    extra = [dim for dim in variable.dims if dim not in grid_dims]
    time_dim, lat_dim, lon_dim = grid_dims
    if extra and is_staggered(variable) and not {lat_dim, lon_dim} <= set(variable.dims):
        staggered = [dim for dim in extra if str(dim).endswith(STAGGERED_DIMENSION_SUFFIX)] or extra
        raise ClimannError(
            f"variable '{variable.name}' lies on a staggered grid (its dims are {', '.join(map(str, variable.dims))}; "
            f"the grid's {lat_dim}, {lon_dim}): interpolate it to the grid's points first (e.g. wrf-python's "
            f"wrf.destagger, or with xarray the mean of neighbouring values along {staggered[0]}), or choose another "
            "variable"
        )
    lead = next((dim for dim in extra if dim in variable.coords and is_forecast_period(variable[dim])), None)
    if lead is not None:
        raise ClimannError(_several_lead_times_message(variable, lead))
    if not {lat_dim, lon_dim} & set(variable.dims) and (projected := _projection_axes(variable)):
        # BedMachine's bed(y, x) beside a latitude-longitude target: no value of y to choose (break54d A1)
        raise ClimannError(_projected_message(variable, grid_dims, projected))
    if extra:
        described = "; ".join(_describe_values(variable, dim) for dim in extra)
        raise ClimannError(
            f"variable '{variable.name}' has extra dimension {described}; choose one value "
            f"with [data] select or --select {extra[0]}=VALUE"
        )
    required = (lat_dim, lon_dim, time_dim) if needs_time else (lat_dim, lon_dim)
    missing = [dim for dim in required if dim not in variable.dims]
    if missing:
        raise ClimannError(
            f"variable '{variable.name}' is not on the grid ({', '.join(grid_dims)}): it lacks "
            f"{', '.join(missing)} (its dims are {', '.join(map(str, variable.dims)) or 'none: a single value'})"
        )
    return variable.transpose(*[dim for dim in grid_dims if dim in variable.dims])


def _projected_message(variable: xr.DataArray, grid_dims: Sequence[str], projected: Sequence[str]) -> str:
    """Why ``variable``, on the axes ``projected`` of a map projection, is not on the grid
    ``grid_dims`` of a latitude-longitude target, and the way out."""
    return (f"variable '{variable.name}' is not on the grid ({', '.join(map(str, grid_dims))}): it is on the axes of a "
            f"map projection ({', '.join(projected)}), not on latitude and longitude; regrid it onto that grid first "
            f"(e.g. xESMF, from the latitudes and longitudes its grid_mapping gives through pyproj), then give the "
            f"regridded file with --data in place of its own")


def refuse_projected_predictors(dataset: xr.Dataset, names: Sequence[str], target: str, *,
                                time_dims: Sequence[str] = ()) -> None:
    """Refuse a predictor on the axes of a map projection beside a target on none of them (a
    BedMachine ``mask(y, x)`` beside a latitude-longitude ``tas``), before any warning on its
    values: a warning's line (a flag variable's ``ncap2``) pasted for a run that is refused
    anyway is work for nothing (fix55f).

    Parameters
    ----------
    dataset : xarray.Dataset
        As opened.
    names : sequence of str
        The predictors (those absent are skipped).
    target : str
        The run's target; its dimensions but ``time_dims`` are the grid's.
    time_dims : sequence of str
        The time axis' dimensions.

    Raises
    ------
    ClimannError
        The refusal :func:`on_grid` gives such a predictor, naming the target's grid.
    """
    if target not in dataset.data_vars:
        return
    grid = [str(dim) for dim in dataset[target].dims]
    cells = set(grid) - set(time_dims)
    for name in names:
        variable = dataset[name] if name in dataset.data_vars else None
        if variable is not None and cells and not cells & set(variable.dims) and (
                projected := _projection_axes(variable)) and not _projection_axes(dataset[target]):
            raise ClimannError(_projected_message(variable, grid, projected))


def _time_bounds(dataset: xr.Dataset, time_name: str, target: str | None = None) -> np.ndarray | None:
    """The (n_time, 2) bounds of time as dates when the file has CF bounds of time that
    decoded to dates (like the time axis), else None; None too when they are the bounds of
    predictors' files beside a target whose own files have none
    (:func:`~climann.data.sources.own_period_bounded`): the target's values are not over
    those cells, and its baselines (persistence, climatology keys) and predictions.nc go by
    its own (break48d A5: ERA5's 1-hour cells made GEFF's daily fwi "1 hour cells 1 day
    apart", persistence left out and the climatology per day of year and hour)."""
    bounds_name = dataset[time_name].attrs.get("bounds")
    if bounds_name not in dataset.variables:
        return None
    if target is not None and target in dataset.data_vars and time_name in dataset[target].dims \
            and not own_period_bounded(dataset, dataset[target], time_name):
        return None
    bounds = dataset[bounds_name]
    if bounds.ndim != 2 or bounds.dims[0] != time_name:
        return None
    values = np.asarray(bounds.values)
    if values.size and not all(hasattr(value, "calendar") for value in values.ravel()):
        return None
    return values


def _climatology_bounds(dataset: xr.Dataset, time_name: str, *, units: str, calendar: str) -> np.ndarray | None:
    """The (n_time, 2) climatology bounds of a climatological time axis as dates (CF-1.8 §7.4:
    the variable its ``climatology`` attribute names), else None. xarray decodes the variable a
    ``bounds`` attribute names, not this one: its numbers are in the time axis's ``units`` and
    ``calendar`` (unless it has its own), as CF §7.4 says of climatology bounds."""
    bounds_name = dataset[time_name].attrs.get("climatology")
    if bounds_name not in dataset.variables:
        return None
    bounds = dataset[bounds_name]
    if bounds.ndim != 2 or bounds.dims[0] != time_name or bounds.shape[1] != 2:
        return None
    values = np.asarray(bounds.values)
    if values.dtype.kind in "iuf":
        if not np.isfinite(values).all():
            return None
        values = cftime.num2date(values, str(bounds.attrs.get("units", units)),
                                 str(bounds.attrs.get("calendar", calendar)))
    if values.size and not all(hasattr(value, "calendar") for value in values.ravel()):
        return None
    return np.asarray(values)


def _bounds_dim(dataset: xr.Dataset, names: Sequence[str]) -> str:
    """The vertex dimension of the first 1-D bounds variable of the axes ``names`` ('bnds'
    when none has bounds)."""
    for name in names:
        bounds_name = dataset[name].attrs.get("bounds")
        if bounds_name in dataset.variables and dataset[bounds_name].ndim == 2:
            return str(dataset[bounds_name].dims[1])
    return "bnds"


def scalar_coordinates(dataset: xr.Dataset, target: str, excluded: Sequence[str]) -> tuple[Coordinate, ...]:
    """The target's single-valued coordinates: CF scalar coordinates (``height = 2 m``, a
    level chosen with ``select``, an ensemble member) and the values of its size-1 extra
    dimensions, each as a Coordinate of shape (); their ``bounds`` attribute is dropped
    (their bounds are not kept). Coordinates along the grid's axes and ``excluded`` names
    are not scalar coordinates.

    xarray gives every variable of a dataset each scalar coordinate of any of them, such as
    the level selected for a predictor (``select = {plev = 85000}`` with a 2 m target). So a
    dimensionless coordinate that another variable lists in its ``coordinates`` attribute
    (CF conventions section 5.7; xarray keeps the attribute in ``encoding``, and
    :func:`climann.data.subset.select_values` adds the level it selected to the variables
    that had that dimension) is the target's only when the target lists it too.

    The coordinates are read as :class:`xarray.Variable` objects (a run asks this of every
    variable of the datasets it opens, a few thousand times: a DataArray built for each
    coordinate and data variable cost more than the answer)."""
    variable = dataset[target]
    grid_dims = set(variable.dims) - {dim for dim in variable.dims if variable.sizes[dim] == 1}
    others = {name for other in dataset.data_vars if other != target
              for name in named_coordinates(dataset.variables[other])}
    found = []
    for name, coordinate in variable.coords.variables.items():
        if name in excluded or coordinate.size != 1 or set(coordinate.dims) & grid_dims:
            continue
        if not coordinate.dims and name in others - set(named_coordinates(variable)):
            continue  # another variable's scalar coordinate, not the target's
        attrs = {key: value for key, value in coordinate.attrs.items() if key != "bounds"}
        found.append(Coordinate(str(name), np.asarray(coordinate.values).reshape(()), attrs))
    return tuple(found)


def input_selections(dataset: xr.Dataset, target: str) -> tuple[Coordinate, ...]:
    """The values a selection (``[data] select``, :func:`climann.data.subset.select_values`)
    chose along dimensions of other data variables (the predictors) that ``target`` lacks, each
    as a Coordinate of shape (): an NMME forecast's member ``M`` and lead ``L`` when the target
    is observed. Scalar coordinates a file gave its variables are not among them, nor those of
    the target (:func:`scalar_coordinates`), nor vertical levels (:func:`climann.data.levels.is_level`):
    a member or a lead describes the predictions made from it, but a predictor's 850 hPa, written
    beside 2 m air temperature's predictions, would say they are at 850 hPa."""
    own = set(named_coordinates(dataset[target])) | set(dataset[target].dims)
    found = []
    for name in data_variable_names(dataset):
        for chosen in dataset[name].encoding.get(SELECTED_COORDINATES_KEY, ()):
            if (chosen in own or chosen in {coordinate.name for coordinate in found} or chosen not in dataset.coords
                    or dataset[chosen].ndim):
                continue
            attrs = {key: value for key, value in dataset[chosen].attrs.items() if key != "bounds"}
            selection = Coordinate(str(chosen), np.asarray(dataset[chosen].values).reshape(()), attrs)
            if not is_level(selection) or is_forecast_period(selection):  # a lead is no vertical level
                found.append(selection)
    return tuple(found)


def forecast_window_of(dataset: xr.Dataset, target: str) -> tuple[float, float] | None:
    """The window of lead times ``(first, last)``, in the chosen lead's units, that the values of
    the predictors' forecast are a statistic over (:data:`~climann.data.layout.FORECAST_WINDOW_KEY`,
    recorded as the lead was chosen: CFSv2's week 2 ``(7.0, 14.0)`` days); None when no data
    variable but ``target`` has one (an instantaneous forecast, or no forecast)."""
    for name in data_variable_names(dataset):
        if name != target and (window := dataset[name].encoding.get(FORECAST_WINDOW_KEY)) is not None:
            return float(window[0]), float(window[1])
    return None


def with_levels_recorded(dataset: xr.Dataset) -> xr.Dataset:
    """One opened file with each data variable's levels recorded in its ``encoding``
    (:data:`LEVELS_KEY`: a tuple of :class:`~climann.data.layout.Coordinate` of shape ()),
    so that they survive the combination with other files. A variable's levels are its
    single-valued coordinates (:func:`scalar_coordinates`) that are
    levels (:func:`climann.data.levels.is_level`). Lazy; the variables are shallow copies."""
    recorded = {}
    for name in data_variable_names(dataset):
        levels = tuple(coordinate for coordinate in scalar_coordinates(dataset, name, ()) if is_level(coordinate))
        if levels:
            variable = dataset[name].variable.copy(deep=False)
            variable.encoding = {**variable.encoding, LEVELS_KEY: levels}
            recorded[name] = variable
    return dataset.assign(recorded) if recorded else dataset


def variable_levels(dataset: xr.Dataset, name: str) -> tuple[Coordinate, ...]:
    """The levels of the data variable ``name``: those recorded as its file was opened
    (:func:`with_levels_recorded`), then those it has now and that were not recorded (a
    level chosen since with ``[data] select``)."""
    recorded = tuple(dataset[name].encoding.get(LEVELS_KEY, ()))
    names = {level.name for level in recorded}
    now = [coordinate for coordinate in scalar_coordinates(dataset, name, ())
           if is_level(coordinate) and coordinate.name not in names]
    return (*recorded, *now)


def _with_own_levels(coordinates: tuple[Coordinate, ...], levels: tuple[Coordinate, ...]) -> tuple[Coordinate, ...]:
    """The target's single-valued coordinates with its levels as its own file gave them
    (:func:`variable_levels`): files combined keep the first file's value
    of a coordinate they share (``height`` 10 m of ``uas.nc`` for ``tas`` at 2 m)."""
    own = {level.name: level for level in levels}
    kept = [own.pop(coordinate.name, coordinate) for coordinate in coordinates]
    return (*kept, *own.values())


def _known_step(time: xr.DataArray, key: str = KNOWN_STEP_KEY) -> TimeStep | None:
    """The step recorded on the time coordinate under ``key``: for values whose axis cannot
    tell it (:data:`climann.data.time_cells.KNOWN_STEP_KEY`), or of the axis before the run's
    time selection thinned it (:data:`climann.data.time_cells.VALUE_STEP_KEY`); None without one."""
    record = time.encoding.get(key)
    return None if record is None else TimeStep.from_record(record)


def _known_periods(time: xr.DataArray) -> PeriodStep | None:
    """The calendar of periods recorded on the time coordinate, of the axis before the run's
    time selection thinned it (:data:`climann.data.time_cells.VALUE_PERIODS_KEY`); None without one."""
    record = time.encoding.get(VALUE_PERIODS_KEY)
    return None if record is None else PeriodStep.from_record(record)


def _target_time(time: Coordinate, dataset: xr.Dataset, target: str) -> Coordinate:
    """The time axis as the target's: labelled "valid time (forecast reference time + forecast
    period)" only when the target is a forecast, a lead time (CF ``forecast_period``) among its
    coordinates. An observed target read beside forecasts shares their valid times, and their
    label travelled to its predictions (break40c C8: CAMS-OPI's predictions said "valid time …");
    its time is then the plain ``long_name`` "time"."""
    if time.attrs.get("long_name") != VALID_TIME_LONG_NAME:
        return time
    variable = dataset[target]
    own = {*map(str, variable.dims), *named_coordinates(variable)}
    if any(name in dataset.variables and is_forecast_period(dataset[name]) for name in own):
        return time
    return dataclasses.replace(time, attrs={**time.attrs, "long_name": "time"})


def grid_layout(dataset: xr.Dataset, target: str, source_files: Sequence[str]) -> GridLayout:
    """Describe the target's grid: coordinates, time encoding, attributes and dim order; on a
    curvilinear, rotated-pole or projected grid also the true latitude and longitude of each
    cell (:func:`climann.data.grids.geographic_grid`) and the grid mapping; the file's own
    cell areas when the target's ``cell_measures`` names them (:func:`climann.data.grids.file_cell_areas`), and
    the land (sea) fraction of a target that is a mean where land (sea)
    (:func:`climann.data.area_fractions.file_area_fraction`)."""
    names = {kind: find_coordinate(dataset, kind) for kind in ("time", "latitude", "longitude")}
    time = dataset[names["time"]]
    values = time.values
    if len(values) and not hasattr(values[0], "calendar"):
        where = files_text(source_files) or "the data"
        source = source_files[0] if len(source_files) == 1 else None
        advice = None if source is None else climatology_months_advice(time, source)
        raise ClimannError(undecoded_time_message(time, where, source) + (f"; {advice}" if advice else ""))
    calendar = time.encoding.get("calendar", values[0].calendar if len(values) else "standard")
    units = time.encoding.get("units", f"days since {year_text(values[0].year)}-01-01" if len(values) else "")

    def coordinate(name: str) -> Coordinate:
        return Coordinate(name, dataset[name].values, dict(dataset[name].attrs))

    mapping = grid_mapping_of(dataset, target)
    rows_and_columns = (names["latitude"], names["longitude"])
    geographic = geographic_grid(dataset, rows_and_columns, mapping, target=target)
    not_scalar = [*names.values(), SPLIT_BLOCK_COORDINATE, SPLIT_SERIES_COORDINATE, FILE_TIME_COORDINATE,
                  *([mapping.name] if mapping else []),
                  *([geographic.latitude.name, geographic.longitude.name] if geographic else [])]
    scalar_names = [str(name) for name, value in dataset.coords.variables.items() if not value.dims]
    # the data variables' names once, and their attributes and encodings read from the Variables
    # (a run lays out its grids some hundred times: a DataArray per variable and question was a
    # tenth of it)
    data_names, variables = data_variable_names(dataset), dataset.variables
    levels = {name: found for name in data_names if (found := variable_levels(dataset, name))}
    cell_measure = file_cell_measure(dataset, target, rows_and_columns)
    if cell_measure is not None:  # areas remapped from another grid are not these cells' (break57a A2, A3)
        check_own_areas(dataset, target, cell_measure.name, cell_measure.values)
    projection = wrf_map_projection(dataset.attrs)  # WRF's, said in global attributes (break49c A4)
    return GridLayout(
        time=_target_time(coordinate(names["time"]), dataset, target),
        latitude=coordinate(names["latitude"]),
        longitude=coordinate(names["longitude"]),
        latitude_bounds=axis_bounds(dataset, names["latitude"]),
        longitude_bounds=axis_bounds(dataset, names["longitude"], longitude=True),
        geographic=geographic,
        grid_mapping=mapping,
        map_projection=None if mapping is not None else projection[0],
        projection_attributes=projection[1],
        index_dims=tuple(name for name in rows_and_columns if name not in dataset.coords),
        time_units=str(units),
        calendar=str(calendar),
        file_dims=tuple(str(d) for d in dataset[target].dims if d in names.values()),
        target_name=target,
        target_attrs={k: v for k, v in dataset[target].attrs.items()},
        source_files=tuple(str(f) for f in source_files),
        time_blocks=(
            tuple(str(label) for label in dataset[SPLIT_BLOCK_COORDINATE].values)
            if SPLIT_BLOCK_COORDINATE in dataset.coords else ()
        ),
        series_blocks=(
            tuple(str(label) for label in dataset[SPLIT_SERIES_COORDINATE].values)
            if SPLIT_SERIES_COORDINATE in dataset.coords else ()
        ),
        # and of the scalar coordinates: the level chosen with [data] select is in them
        variable_units=variable_units(dataset, [*data_names, *scalar_names]),
        variable_cell_methods={name: str(variables[name].attrs["cell_methods"]) for name in data_names
                               if "cell_methods" in variables[name].attrs},
        time_bounds=_time_bounds(dataset, names["time"], target),
        climatology_bounds=_climatology_bounds(dataset, names["time"], units=str(units), calendar=str(calendar)),
        bounds_dim=_bounds_dim(dataset, list(names.values())),
        scalar_coordinates=_with_own_levels(scalar_coordinates(dataset, target, not_scalar), levels.get(target, ())),
        input_selections=input_selections(dataset, target),
        forecast_window=forecast_window_of(dataset, target),
        variable_levels=levels,
        variable_quantities={name: record for name in data_names
                             if (record := quantity_record(variables[name].attrs))},
        variable_temperature_readings={name: reading for name in data_names
                                       if not variables[name].encoding.get(STAND_IN_TARGET)
                                       and (reading := temperature_reading(name, variables[name].attrs))},
        input_history=str(dataset.attrs.get("history", "")),
        geography=geography_of(dataset.attrs),
        file_times=dataset[FILE_TIME_COORDINATE].values if FILE_TIME_COORDINATE in dataset.coords else None,
        known_time_step=_known_step(time),
        value_time_step=_known_step(time, VALUE_STEP_KEY),
        value_periods=_known_periods(time),
        time_stride=int(time.encoding.get(TIME_STRIDE_KEY, 1)),
        for_trained_run=bool(time.encoding.get(TRAINED_RUN_KEY, False)),
        steps_before_range=int(time.encoding.get(STEPS_BEFORE_RANGE_KEY, 0)),
        steps_before_common=int(time.encoding.get(STEPS_READ_BEFORE_COMMON_KEY, 0)),
        selected_by_stamps=bool(time.encoding.get(SELECTED_BY_STAMPS_KEY, False)),
        straight_cell_edges=bool(time.encoding.get(STRAIGHT_CELL_EDGES_KEY, False)),
        cell_areas=None if cell_measure is None else cell_measure.values,
        cell_measure=cell_measure,
        area_fraction=file_area_fraction(dataset, target, rows_and_columns, time_name=names["time"]),
        time_storage=str(time.encoding.get(TIME_STORAGE_KEY, "")),
        grid_stride=int(time.encoding.get(GRID_STRIDE_KEY, 1)),
        region_grid_cells=int(time.encoding.get(REGION_GRID_CELLS_KEY, 0)),
        whole_grid_areas=time.encoding.get(WHOLE_GRID_AREAS_KEY),
        area_extents={name: [float(v) for v in variables[name].attrs[AREA_EXTENT_ATTRIBUTE]]
                      for name in data_names if AREA_EXTENT_ATTRIBUTE in variables[name].attrs},
        variable_files={name: files for name in data_names if (files := recorded_files(variables[name]))},
        variable_file_names={name: {file: own for file, _, own in records if own != name}
                             for name in data_names if (records := source_names(variables[name]))},
        unused_files=tuple(dataset[target].encoding.get(UNUSED_FILES_KEY, ())) if target in dataset else (),
    )
