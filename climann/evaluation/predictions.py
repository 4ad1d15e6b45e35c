"""``predictions.nc``: truth, prediction and error on the input's grid, as CF-1.8 NetCDF.

What a CF reader (CDO, NCO, ncview, cf-python, the IOOS compliance checker) needs is kept
from the input: the target's ``units``, ``units_metadata``, ``standard_name``, ``long_name``
and ``cell_methods``; of a temperature, the error and an ensemble's spread carry
``units_metadata = "temperature: difference"`` (CF-1.11 §3.1.2: a negative error in K is
no value below absolute zero, :mod:`climann.data.absolute_zero`); the bounds of time,
latitude and longitude (2-D corners on a curvilinear grid); the target's scalar coordinates
(``height = 2 m``, a selected level or member); the grid mapping. ``history`` is the
input's with a timestamped climann line in front, and the split of each time step is a
small integer with ``flag_values`` and ``flag_meanings`` (readable by tools that cannot
read string variables); :func:`split_labels` reads it back, also from files of older
climann versions, whose ``split`` holds strings.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import math
import re
import tempfile
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

import numpy as np
import xarray as xr

from climann._version import __version__
from climann.atomic import atomic_path
from climann.data.area_fractions import FRACTION_STANDARD_NAMES
from climann.data.composites import period_cells
from climann.data.grids import cell_measure_name, file_cell_measure
from climann.data.layout import GEOGRAPHY_ATTRIBUTE, Coordinate, GridLayout
from climann.data.levels import level_text
from climann.data.notes import note_once
from climann.data.run_outputs import ERROR_SUFFIX, PREDICTED_SUFFIX, PREDICTIONS_TITLE
from climann.data.standard_names import is_cf_standard_name, standard_name_of
from climann.data.stations import station_named_as_chosen
from climann.data.time_units import encodable_time_units
from climann.data.units import temperature_difference_attributes
from climann.data.time_axis import year_text
from climann.errors import ClimannError, library_message
from climann.evaluation.cell_measures import written_cell_measure

_log = logging.getLogger(__name__)

_FILL_VALUE = np.float32(1e20)
_CF_ATTRIBUTES = ("units", "units_metadata", "standard_name", "long_name", "cell_methods")
#: The code of each split label in the ``split`` variable ('' is a step in no block); the
#: codes are fixed, so that a script selecting ``split == 3`` (test) works on every file.
SPLIT_FLAGS = {"": 0, "train": 1, "val": 2, "test": 3, "all": 4}
#: The flag meaning of each label: one word each, as CF asks.
_FLAG_MEANINGS = {"": "unused", "train": "train", "val": "val", "test": "test", "all": "all"}
#: What each flag meaning stands for, in the ``long_name``.
_FLAG_EXPLAINED = {"val": "val: validation", "all": "all: the whole period scored as one block",
                   "unused": "unused: in no block"}


def history_line(command: str, now: datetime.datetime | None = None) -> str:
    """``"2026-11-30T19:05:00Z: climann train …"``: the command with the UTC time, ISO 8601.

    Parameters
    ----------
    command : str
        The command line.
    now : datetime.datetime, optional
        The time to write (default: now); converted to UTC.
    """
    now = (now or datetime.datetime.now(datetime.UTC)).astimezone(datetime.UTC)
    return f"{now:%Y-%m-%dT%H:%M:%SZ}: {command}"


def file_history(command: str, input_history: str = "") -> str:
    """The ``history`` attribute of an output: a timestamped line for ``command`` prepended
    to the input's history, newline-separated as NCO and CDO write it. Without a command,
    the input's history alone."""
    lines = [history_line(command)] if command else []
    return "\n".join([*lines, *([input_history.strip("\n")] if input_history.strip() else [])])


def split_variable(labels: Sequence[str], dim: str) -> xr.DataArray:
    """The ``split`` variable: an int8 code per time step (:data:`SPLIT_FLAGS`) with the CF
    ``flag_values`` and ``flag_meanings`` of the labels present (CF 1.8 §3.5), and a
    ``long_name`` that explains those meanings and no others.

    Parameters
    ----------
    labels : sequence of str, length n_time
        ``"train"``, ``"val"``, ``"test"``, ``"all"`` or ``""`` (in no block).
    dim : str
        The time dimension.
    """
    labels = [str(label) for label in labels]
    codes = np.array([SPLIT_FLAGS[label] for label in labels], dtype=np.int8)
    present = sorted(set(labels), key=SPLIT_FLAGS.__getitem__)
    meanings = [_FLAG_MEANINGS[label] for label in present]
    explained = "; ".join(_FLAG_EXPLAINED.get(meaning, meaning) for meaning in meanings)
    return xr.DataArray(codes, dims=dim, attrs={
        "long_name": f"data split of each time step ({explained})",
        "flag_values": np.array([SPLIT_FLAGS[label] for label in present], dtype=np.int8),
        "flag_meanings": " ".join(meanings),
    })


def split_labels(variable: xr.DataArray) -> np.ndarray:
    """The label of each time step from a predictions file's ``split`` variable: its flags
    (this version), or its strings (files of climann before 0.x wrote them so).

    Returns
    -------
    ndarray of str, shape (n_time,)
        ``"train"``, ``"val"``, ``"test"``, ``"all"`` or ``""``.

    Raises
    ------
    ClimannError
        If the variable has codes without flag attributes, or codes not among its flags.
    """
    values = np.asarray(variable.values)
    if values.dtype.kind in "USO":
        return values.astype(str)
    meanings = str(variable.attrs.get("flag_meanings", "")).split()
    flags = np.atleast_1d(np.asarray(variable.attrs.get("flag_values", []))).tolist()
    if not meanings or len(meanings) != len(flags):
        raise ClimannError("the 'split' variable has no matching flag_values and flag_meanings; "
                           "is this a predictions file written by climann?")
    label_of = {meaning: label for label, meaning in _FLAG_MEANINGS.items()}
    by_code = {int(code): label_of.get(meaning, meaning) for code, meaning in zip(flags, meanings)}
    unknown = sorted(set(values.astype(int).tolist()) - by_code.keys())
    if unknown:
        raise ClimannError(f"the 'split' variable has code {unknown[0]}, which is not among its flag_values")
    return np.array([by_code[int(code)] for code in values], dtype=str)


def _bounds_name(coordinate: Coordinate) -> str | None:
    return str(coordinate.attrs["bounds"]) if coordinate.attrs.get("bounds") else None


def _climatology_name(coordinate: Coordinate) -> str | None:
    return str(coordinate.attrs["climatology"]) if coordinate.attrs.get("climatology") else None


def _coordinate(coordinate: Coordinate, bounds: np.ndarray | None = None, bounds_dim: str = "bnds", *,
                climatology: np.ndarray | None = None) -> dict:
    """The coordinate with its CF attributes, and its bounds variable when the layout has
    them (else without a ``bounds`` attribute: a dangling reference would break CF). A
    climatology's ``climatology`` attribute (CF §7.4, new data of ``predict``) is kept with its
    climatology bounds (``climatology``, as the layout read them), so that the predictions of
    a climatology are one (fix36d: they were left out), and left out when the layout has none;
    the variables' ``cell_methods`` (``within years … over years``) say what the steps are."""
    name, of_climatology = _bounds_name(coordinate), _climatology_name(coordinate)
    keep = bounds is not None and name is not None
    keep_climatology = climatology is not None and of_climatology is not None and of_climatology != name
    attrs = {key: value for key, value in coordinate.attrs.items()
             if (key != "bounds" or keep) and (key != "climatology" or keep_climatology)}
    variables = {coordinate.name: xr.Variable(coordinate.name, coordinate.values, attrs)}
    if keep:
        variables[name] = xr.Variable((coordinate.name, bounds_dim), bounds)
    if keep_climatology:
        variables[of_climatology] = xr.Variable((coordinate.name, bounds_dim), climatology)
    return variables


#: The name of the time bounds :func:`written_time_cells` gives a file whose times had none, after CF's examples (7.1).
TIME_CELLS_NAME = "time_bnds"


def written_time_cells(layout: GridLayout, time: Coordinate | None = None) -> tuple[Coordinate, np.ndarray | None]:
    """The time coordinate ``predictions.nc`` writes and its cells (CF 7.1 bounds), shape (n_time, 2).

    The input's own bounds when it has them; else, for a calendar of periods that restart each year
    or month (dekads, pentads, N-day composites: :func:`~climann.data.composites.period_cells`), the
    period holding each stamp, as the run dated its values by (its climatology, lags, ``--months``),
    under ``time_bnds`` (the coordinate's ``bounds`` names it): ``plot --time 2020-07-21`` of Copernicus
    Global Land's dekads, stamped on their last day, drew the dekad 11–20 July, the stamp nearest,
    from a file that kept no cells (break50a A2). Other times without bounds are written as they are:
    a month or a week is inferred only with a doubt (:func:`~climann.data.time_cells.inferred_cells`).

    Parameters
    ----------
    layout : GridLayout
    time : Coordinate, optional
        The time coordinate written (the input's stamps, ``layout.file_times``); ``layout.time`` by default.

    Returns
    -------
    (Coordinate, ndarray of cftime.datetime of shape (n_time, 2) or None)
    """
    time = layout.time if time is None else time
    if layout.time_bounds is not None or layout.climatology_bounds is not None:
        return time, layout.time_bounds
    values = np.asarray(time.values)
    names = {layout.latitude.name, layout.longitude.name, layout.target_name}
    if (len(values) == 0 or time.attrs.get("bounds") or TIME_CELLS_NAME in names
            or not all(hasattr(value, "calendar") for value in values)):
        return time, None
    found = period_cells(list(values), layout.value_periods)
    if found is None:
        return time, None
    return dataclasses.replace(time, attrs={**time.attrs, "bounds": TIME_CELLS_NAME}), found[1]


def _axes(layout: GridLayout) -> tuple[dict[str, xr.Variable], dict[str, xr.Variable]]:
    """Time and the 1-D row and column axes (unless index-only) as coordinates, their bounds
    as data variables, and the target's scalar coordinates. Time holds the input's own stamps
    (``layout.file_times``, e.g. the ends of CESM's monthly cells) when the layout dates the
    steps by the middles of their cells. Bounds of another number of vertices than an interval's
    two have a dimension of their own (``bnds_4``: break47a A4, one dimension of two sizes
    could not be written)."""
    vertex_dim = layout.bounds_dim
    if layout.geographic is not None and layout.geographic.vertex_dim == vertex_dim:
        vertex_dim = f"{vertex_dim}2"  # the 2-D corners' dimension has another size
    coords, bounds = {}, {}
    time = layout.time if layout.file_times is None else dataclasses.replace(layout.time, values=layout.file_times)
    time, time_bounds = written_time_cells(layout, time)
    axes = [(time, time_bounds), (layout.latitude, layout.latitude_bounds),
            (layout.longitude, layout.longitude_bounds)]
    for coordinate, values in axes:
        if coordinate.name in layout.index_dims:
            continue
        vertices = 2 if values is None else np.shape(values)[-1]
        own_dim = vertex_dim if vertices == 2 else f"{vertex_dim}_{vertices}"
        variables = _coordinate(coordinate, values, own_dim,
                                climatology=layout.climatology_bounds if coordinate is time else None)
        coords[coordinate.name] = variables.pop(coordinate.name)
        bounds.update(variables)
    for scalar in station_named_as_chosen(layout.scalar_coordinates):  # train's station as predict's: by its id
        coords[scalar.name] = xr.Variable((), scalar.values, scalar.attrs)
    return coords, bounds


def _field(layout: GridLayout, grid: np.ndarray, attrs: dict) -> xr.DataArray:
    """A (time, lat, lon) grid as a DataArray in the input file's dimension order, referring
    to the grid mapping when the input has one."""
    dims = (layout.time.name, layout.latitude.name, layout.longitude.name)
    mapping = {"grid_mapping": written.name} if (written := _written_mapping(layout)) is not None else {}
    array = xr.DataArray(grid.astype(layout.value_dtype), dims=dims, attrs={**attrs, **mapping})
    return array.transpose(*layout.file_dims)


def _grid_variables(layout: GridLayout) -> tuple[dict[str, xr.Variable], dict[str, xr.Variable]]:
    """Coordinates and metadata variables of the horizontal grid: on a curvilinear grid the
    2-D latitude and longitude with their cell bounds, and the grid-mapping variable."""
    coords: dict[str, xr.Variable] = {}
    metadata: dict[str, xr.Variable] = {}
    grid, dims = layout.geographic, (layout.latitude.name, layout.longitude.name)
    if grid is not None:
        with_bounds = grid.latitude_bounds is not None and grid.longitude_bounds is not None
        for coordinate, bounds in ((grid.latitude, grid.latitude_bounds), (grid.longitude, grid.longitude_bounds)):
            attrs = dict(coordinate.attrs)
            if with_bounds:
                attrs["bounds"] = bounds.name
                metadata[bounds.name] = xr.Variable((*dims, grid.vertex_dim), bounds.values, bounds.attrs)
            coords[coordinate.name] = xr.Variable(dims, coordinate.values, attrs)
    if (mapping := _written_mapping(layout)) is not None:
        metadata[mapping.name] = xr.Variable((), np.int32(0), mapping.attrs)
    return coords, metadata


def _written_mapping(layout: GridLayout) -> Coordinate | None:
    """The grid mapping prediction files refer to: the input's, else the CF one of a projection
    the input says in other words (WRF's global attributes, ``layout.map_projection``)."""
    return layout.grid_mapping if layout.grid_mapping is not None else layout.map_projection


def predictions_dataset(
    layout: GridLayout,
    truth: np.ndarray,
    predicted: np.ndarray,
    split_labels: Sequence[str],
    *,
    history: str = "",
    baselines: Mapping[str, np.ndarray] | None = None,
    extrapolated: np.ndarray | None = None,
    spread: np.ndarray | None = None,
    n_members: int | None = None,
) -> xr.Dataset:
    """Build the predictions dataset.

    Parameters
    ----------
    layout : GridLayout
        The input's grid and target metadata.
    truth, predicted : ndarray, shape (n_time, n_lat, n_lon)
        NaN where there is no sample.
    split_labels : sequence of str, length n_time
        ``"train"``, ``"val"``, ``"test"``, ``"all"`` or ``""`` for each time step.
    history : str
        The command line that made the file; written with the time (UTC) in front of the
        input's history (:func:`file_history`).
    baselines : mapping of str to ndarray, shape (n_time, n_lat, n_lon), optional
        Baseline predictions, written as ``<target>_<name>`` (e.g. ``tas_climatology``).
    extrapolated : ndarray, shape (n_time, n_lat, n_lon), optional
        1 where a feature of the sample lies outside its training range, 0 where none does,
        NaN where there is no sample (see :mod:`climann.evaluation.extrapolation`); written
        as ``<target>_extrapolated`` (:func:`extrapolated_variable`).
    spread : ndarray, shape (n_time, n_lat, n_lon), optional
        An ensemble's spread (its members' standard deviation, ddof = 1), written as
        ``<target>_spread`` (:func:`spread_attributes`); ``predicted`` is then the ensemble
        mean, and says so in its ``cell_methods``.
    n_members : int, optional
        The ensemble's size (with ``spread``).

    Returns
    -------
    xarray.Dataset
        Variables ``<target>``, ``<target>_pred``, ``<target>_error`` (ŷ − y) and ``split``
        (:func:`split_variable`), with the target's ``units``, ``units_metadata`` (not on the
        error, which of a temperature says ``temperature: difference``), ``standard_name`` (not on the
        error, nor a placeholder such as ``"unknown"``:
        :func:`~climann.data.standard_names.standard_name_of`), ``long_name`` and
        ``cell_methods``; the bounds of the axes and the target's scalar coordinates when
        the input has them; on a curvilinear, rotated-pole or projected grid also the 2-D
        latitude and longitude (coordinates, with their cell bounds) and the grid-mapping
        variable, which the fields name in their
        ``coordinates`` and ``grid_mapping`` attributes. The cells' areas the scores weigh
        with (:func:`~climann.evaluation.cell_measures.written_cell_measure`: the input's
        ``areacello``, or ``cell_area`` computed by climann), which every field names in its
        ``cell_measures``; none where climann cannot tell them (a single row, column or
        point without bounds; a grid thinned by ``grid_stride`` without bounds).
    """
    name = layout.target_name
    axes, axis_bounds = _axes(layout)
    grid_coords, grid_metadata = _grid_variables(layout)
    kept = {key: layout.target_attrs[key] for key in _CF_ATTRIBUTES if key in layout.target_attrs}
    if "standard_name" in kept and not standard_name_of(kept):  # new-CDS ERA5's "unknown" is no CF name
        del kept["standard_name"]
    elif "standard_name" in kept and not is_cf_standard_name(standard_name_of(kept)):
        # CHIRPS's "convective precipitation rate" is no CF name: not copied into a CF-1.8 file (break53b A6)
        kept["source_standard_name"] = kept.pop("standard_name")
        note_once(_log, logging.WARNING, f"'{name}' has standard_name '{kept['source_standard_name']}', which is "
                  f"not a CF standard name (CF 1.8 3.3: lower-case letters, digits and underscores, with at most a "
                  f"modifier): left out of the predictions' fields, and kept as their source_standard_name",
                  key=("not a CF standard name", name, kept["source_standard_name"]))
    long_name = kept.get("long_name", name)
    # every field is over the same cells as the truth (e.g. "time: mean" of each month)
    units = {key: kept[key] for key in ("units", "cell_methods") if key in kept}
    # predictions are the same physical quantity as the truth (an anomaly too: its units_metadata with it);
    # an error (a difference) is not, and of a temperature says so (CF-1.11 §3.1.2: -2 K is no code below 0 K)
    same_quantity = {**units, **{key: kept[key] for key in ("units_metadata", "standard_name", "source_standard_name")
                                if key in kept}}
    difference = temperature_difference_attributes(kept.get("units"), variable=name)
    data_vars = {
        # a field without standard_name gets a long_name (CF): the variable's name, if nothing else
        name: _field(layout, truth, {**({} if "standard_name" in kept else {"long_name": long_name}), **kept}),
        f"{name}_pred": _field(layout, predicted, {**same_quantity, "long_name": f"{long_name}{PREDICTED_SUFFIX}"}),
        f"{name}_error": _field(
            layout, predicted - truth, {**units, **difference, "long_name": f"{long_name}{ERROR_SUFFIX}"}
        ),
        **{
            f"{name}_{baseline}": _field(
                layout, grid, {**same_quantity, "long_name": f"{long_name} predicted by the {baseline} baseline"}
            )
            for baseline, grid in (baselines or {}).items()
        },
        **grid_metadata,
        **axis_bounds,
        "split": split_variable(split_labels, layout.time.name),
    }
    for variable in (*axis_bounds.values(), *grid_metadata.values(), data_vars["split"]):
        # xarray would name the scalar (and 2-D) coordinates here too: they are the fields' only
        variable.encoding["coordinates"] = None
    if extrapolated is not None:
        data_vars[f"{name}_extrapolated"] = extrapolated_variable(layout, extrapolated)
    if spread is not None:
        data_vars[f"{name}_pred"].attrs.update(ensemble_mean_attributes(kept, n_members))
        data_vars[f"{name}_spread"] = _field(layout, spread, spread_attributes(kept, long_name, n_members))
    for made_from_predictors in (f"{name}_pred", f"{name}_linear"):
        if made_from_predictors in data_vars and (levels := predictor_levels_text(layout)):
            data_vars[made_from_predictors].attrs[PREDICTOR_LEVELS_ATTRIBUTE] = levels
    coords = {**axes, **grid_coords, **_selection_coordinates(layout), **_block_coordinate(layout, {*data_vars})}
    _without_selections(data_vars, coords, layout, of_target=(name, f"{name}_climatology", f"{name}_persistence"))
    _without_absent_terms(coords, {*data_vars, *coords})
    # the areas the scores weighed with, for CDO's fldmean too (CF 7.2)
    _with_cell_measure(data_vars, layout, written_cell_measure(layout, {*data_vars, *coords}))
    _with_area_fraction(data_vars, layout, {*data_vars, *coords})
    external = external_cell_measures(data_vars, {*data_vars, *coords})
    attrs = {
        "Conventions": "CF-1.8",
        "title": f"{PREDICTIONS_TITLE}{name}",  # how info and train know the file (climann.data.run_outputs)
        "source": f"climann {__version__}",
        "history": file_history(history, layout.input_history),
        "input_files": ", ".join(Path(f).name for f in layout.source_files),
        # the input's invented geography travels with its predictions: plot draws no coastlines on them
        **({GEOGRAPHY_ATTRIBUTE: layout.geography} if layout.geography else {}),
        **layout.projection_attributes,  # WRF's MAP_PROJ, TRUELAT1 … as salem and wrf-python read them
        # CF 1.7+ section 2.6.3: a cell measure the file does not hold is named here
        **({"external_variables": " ".join(external)} if external else {}),
    }
    return in_time_order(xr.Dataset(data_vars, coords=coords, attrs=attrs), layout)


def in_time_order(dataset: xr.Dataset, layout: GridLayout) -> xr.Dataset:
    """``dataset`` without the steps read for a forecast's persistence alone that lie within its
    period (the days before the starts of S2S forecasts, in front of the layout's axis,
    :mod:`climann.data.earlier_steps`): a step before the run's steps is written (``split``
    ``unused``) only when it is earlier than every step after it, so that the file's time axis
    ascends, as ``ncrcat`` and ``cdo`` need. Unchanged when the axis ascends already."""
    keep = _written_steps(layout)
    return dataset if keep.all() else dataset.isel({layout.time.name: np.flatnonzero(keep)})


def _written_steps(layout: GridLayout) -> np.ndarray:
    """Which steps of the layout's axis :func:`in_time_order` writes, shape (n_time,)."""
    times = np.asarray(layout.time.values)
    before = layout.steps_before_range
    keep = np.ones(len(times), dtype=bool)
    if not before or len(times) < 2:
        return keep
    later = np.minimum.accumulate(times[::-1])[::-1]  # the earliest time from each step on
    keep[:before] = times[:before] < later[1:before + 1]
    return keep


#: The auxiliary coordinate (on time) of a split by files: the block of ``split_files`` each
#: step was read from (:func:`_block_coordinate`).
BLOCK_COORDINATE = "block"


def _block_coordinate(layout: GridLayout, taken: Collection[str]) -> dict[str, xr.Variable]:
    """``{"block": …}``, the block of ``split_files`` each time step was read from, where the run
    split by files (``layout.time_blocks``); ``{}`` otherwise, or where a variable of the file has
    the name. Blocks over the same years (one model, member or scenario each, fix46k's split by
    model) repeat every date on the one time axis, which xarray then indexes with duplicates: the
    dates are unique within a block, ``ds.where(ds.block == "test", drop=True)`` or
    ``ds.groupby("block")`` takes one. An auxiliary coordinate (CF-1.8 §5), not a dimension: the
    fields stay (time, lat, lon), as readers of earlier files take them."""
    if not layout.time_blocks or BLOCK_COORDINATE in taken or BLOCK_COORDINATE in layout.file_dims:
        return {}
    return {BLOCK_COORDINATE: xr.Variable(layout.time.name, np.array(layout.time_blocks, dtype=str), {
        "long_name": "block of split_files each time step was read from (its dates are unique within a block; "
                     "blocks over the same years repeat them)"})}


#: The attribute of the predictions (``tas_pred``, and the linear baseline made from the same
#: inputs) that names the level each input variable was taken at: :func:`predictor_levels_text`.
PREDICTOR_LEVELS_ATTRIBUTE = "predictor_levels"


def predictor_levels_text(layout: GridLayout) -> str:
    """``"ta: plev = 85000 Pa; zg: plev = 70000 Pa"``: the level (CF scalar vertical coordinate)
    of each variable the features are made of besides the target (:attr:`GridLayout.input_levels`:
    as its file gave it or ``[data] select`` chose it, and for new data as the run records it,
    the data checked to be at it); '' when none has one. The target's own level is its scalar
    coordinate (CF 1.8 §5.7), written beside every field; a predictor's is not, as it would say
    the predictions are at it (:func:`climann.data.variables.input_selections`), so it is named in
    this attribute of the predictions (fix41k: ``--select plev=85000`` wrote no word of the level a predictor was at).

    Parameters
    ----------
    layout : GridLayout
        The input's layout, its ``input_levels`` set by the sample source.

    Returns
    -------
    str
        ``name: level; …`` in the order of ``input_levels``, each level as
        :func:`climann.data.levels.level_text` shows it.
    """
    return "; ".join(f"{variable}: {', '.join(level_text(level) for level in levels)}"
                     for variable, levels in layout.input_levels.items() if levels)


def _selection_coordinates(layout: GridLayout) -> dict[str, xr.Variable]:
    """The values ``select`` chose for the predictors (:attr:`GridLayout.input_selections`: an
    NMME member ``M`` and lead ``L`` of an observed target) as CF scalar coordinates (CF 1.8
    §5.7), each with a ``comment`` saying what it is of (break40c C7: ``predict --select M=3``
    wrote a file that said of no member)."""
    return {selection.name: xr.Variable((), selection.values, {
        **selection.attrs, "comment": "the value selected for the predictors ([data] select, --select); the "
                                      "predictions were made from the predictors at it"})
            for selection in layout.input_selections}


def _without_selections(data_vars: dict, coords: Mapping[str, xr.Variable], layout: GridLayout, *,
                        of_target: Sequence[str]) -> None:
    """List, in place, the predictors' selections (:func:`_selection_coordinates`) among the
    coordinates of the predictions only: the truth and the baselines made from it alone
    (``of_target``: climatology, persistence) are of no member or lead of the predictors."""
    chosen = {selection.name for selection in layout.input_selections}
    if not chosen:
        return
    for name in of_target:
        if name in data_vars and data_vars[name].encoding.get("coordinates", "") is not None:
            dims = set(data_vars[name].dims)
            listed = [str(other) for other, value in coords.items()
                      if other not in chosen and other not in dims and set(value.dims) <= dims]
            data_vars[name].encoding["coordinates"] = " ".join(sorted(listed)) or None


def _without_absent_terms(coords: Mapping[str, xr.Variable], present: Collection[str]) -> None:
    """Drop, in place, the ``formula_terms`` (CF-1.8 §4.3.3) of a coordinate that names variables
    not among ``present`` (the file's variables), saying in its ``comment`` what they were: a
    model level selected from ERA5's ``hybrid`` keeps "ap: hyam b: hybm ps: sp", but the
    predictions file holds neither the coefficients nor the surface pressure (break39b B10e), and
    a reader that computes each level's pressure from the terms would find none of them. The level's
    ``standard_name`` stays: it says what the level is."""
    for coordinate in coords.values():
        terms = str(coordinate.attrs.get("formula_terms", ""))
        absent = [name for name in re.findall(r"\w+:\s*(\S+)", terms) if name not in present]
        if not absent:
            continue
        said = (f"formula_terms of the input ({terms.strip()}) not kept: {', '.join(absent)} "
                f"{'is' if len(absent) == 1 else 'are'} not in this file")
        comment = str(coordinate.attrs.get("comment", "")).strip()
        coordinate.attrs = {**{key: value for key, value in coordinate.attrs.items() if key != "formula_terms"},
                            "comment": f"{comment}; {said}" if comment else said}


def external_cell_measures(data_vars: Mapping[str, object], present: Collection[str]) -> list[str]:
    """The variables the ``cell_measures`` of ``data_vars`` name that are not among ``present``
    (the file's variables): a CMIP6 ``sftof`` read without its ``areacello`` file keeps its
    ``cell_measures = "area: areacello"``, which CF 1.7+ (section 2.6.3) allows when the file's
    global ``external_variables`` names ``areacello``; :func:`predictions_dataset` writes that
    attribute, and :func:`prediction_encoding` gives no encoding to a variable not written.

    Parameters
    ----------
    data_vars : mapping of str to xarray.Variable or xarray.DataArray
    present : collection of str
        The names of every variable and coordinate of the file.

    Returns
    -------
    list of str
        In the order first named, without repeats.
    """
    named = (cell_measure_name(variable.attrs) for variable in data_vars.values() if hasattr(variable, "attrs"))
    return list(dict.fromkeys(name for name in named if name is not None and name not in present))


def predicted_period(dataset: xr.Dataset, layout: GridLayout) -> xr.Dataset:
    """A ``predict`` file without the steps read from before ``--time-range`` for the lags of its
    first step (:attr:`~climann.data.layout.GridLayout.steps_before_range`): they are inputs,
    not predictions, and a file of the period joins the next period's file with no step twice."""
    before = layout.steps_before_range
    if dataset.sizes.get(layout.time.name) != layout.shape[0]:  # in_time_order left some of them out already
        before = int(_written_steps(layout)[:before].sum())
    return dataset.isel({layout.time.name: slice(before, None)})


def _with_cell_measure(data_vars: dict, layout: GridLayout, measure: Coordinate | None) -> None:
    """Add the cell-area variable ``measure`` (:func:`~climann.evaluation.cell_measures.written_cell_measure`:
    the input's ``areacello``, or the areas climann computed) to ``data_vars``, on the grid's
    row and column dimensions, and name it in the ``cell_measures`` of every field on the grid
    (CF 1.8 section 7.2: ``area: areacello``); nothing when ``measure`` is None (the areas
    are not known: :func:`~climann.evaluation.cell_measures.unknown_areas`)."""
    if measure is None:
        return
    dims = (layout.latitude.name, layout.longitude.name)
    for variable in data_vars.values():
        if isinstance(variable, xr.DataArray) and set(dims) <= set(variable.dims):
            variable.attrs["cell_measures"] = f"area: {measure.name}"
    data_vars[measure.name] = xr.Variable(dims, measure.values, measure.attrs)
    grid = layout.geographic  # its true latitude and longitude, on a curvilinear grid (CF 5.2, 5.6)
    data_vars[measure.name].encoding["coordinates"] = (None if grid is None
                                                       else f"{grid.latitude.name} {grid.longitude.name}")


def _with_area_fraction(data_vars: dict, layout: GridLayout, taken: set) -> None:
    """Add the land (sea) fraction the scores weighed each cell by (``layout.area_fraction``,
    :mod:`climann.data.area_fractions`), in units of 1, beside the cells' areas: its ``comment``
    says that the scores weigh area × fraction, so that they can be computed again from the file;
    nothing when the scores weighed whole cells."""
    fraction = layout.area_fraction
    if fraction is None:
        return
    name = fraction.name if fraction.name not in taken else f"{fraction.name}_climann"
    area = next((variable.attrs["cell_measures"].split()[-1] for variable in data_vars.values()
                 if isinstance(variable, xr.DataArray) and "cell_measures" in variable.attrs), "the cell's area")
    comment = (f"{layout.target_name} is a mean over part of each cell (cell_methods '"
               f"{layout.target_attrs.get('cell_methods', '')}'): {_FRACTION_COMMENT} {area} × {name}")
    if np.ndim(fraction.values) == 3:  # each time step's (sea ice): its weights change with time
        comment += " of the same time step"
    dims = (layout.latitude.name, layout.longitude.name)
    data_vars[name] = xr.Variable(((layout.time.name,) if np.ndim(fraction.values) == 3 else ()) + dims,
                                  fraction.values, {**fraction.attrs, "units": "1", "comment": comment})
    grid = layout.geographic
    data_vars[name].encoding["coordinates"] = None if grid is None else f"{grid.latitude.name} {grid.longitude.name}"


#: The words of the ``comment`` of the fraction a predictions file holds beside the areas (:func:`_with_area_fraction`).
_FRACTION_COMMENT = "climann's scores weigh each cell by"


def written_area_fraction(dataset: xr.Dataset, dims: tuple[str, str, str]) -> Coordinate | None:
    """The area fraction the run's scores weighed its cells by, as its predictions file holds it
    beside the areas (:func:`_with_area_fraction`: its ``comment`` says so), for figures redrawn
    from the file to weigh as the run did; None when the scores weighed whole cells.

    Parameters
    ----------
    dataset : xarray.Dataset
        A predictions file.
    dims : tuple of str
        Its (time, row, column) dimensions.

    Returns
    -------
    Coordinate or None
        Values of shape (n_lat, n_lon), or (n_time, n_lat, n_lon) for one that changes with
        time (``siconc``), in units of 1.
    """
    for name, variable in dataset.data_vars.items():
        if _FRACTION_COMMENT in str(variable.attrs.get("comment", "")) and set(variable.dims) <= set(dims):
            ordered = variable.transpose(*(dim for dim in dims if dim in variable.dims))
            return Coordinate(str(name), np.asarray(ordered.values, np.float64), dict(variable.attrs))
    return None


def written_areas(dataset: xr.Dataset, field: str, dims: tuple[str, str]) -> Coordinate | None:
    """The cells' areas a predictions file holds beside ``field`` (:func:`_with_cell_measure`:
    the variable its CF ``cell_measures`` names, CF 1.8 section 7.2), which the run's scores
    weighed with: the input's own (``areacello``, ``areacella``), or those climann computed
    (``cell_area``). For figures redrawn from the file to weigh as the run did, not by areas
    computed again from the file's coordinates. None when the file holds none (the areas were
    not known, or the ``cell_measures`` names a variable the file lacks: CF
    ``external_variables``), and the figures then weigh by the computed areas as the run did.

    Parameters
    ----------
    dataset : xarray.Dataset
        A predictions file.
    field : str
        A field on the grid (``<target>`` or ``<target>_pred``).
    dims : tuple of str
        Its (row, column) dimensions.

    Returns
    -------
    Coordinate or None
        Values of shape (n_lat, n_lon) in the file's units (m²), NaN where the file holds none.

    Raises
    ------
    ClimannError
        If the area variable is not on the grid or has negative areas
        (:func:`~climann.data.grids.file_cell_areas`).
    """
    name = cell_measure_name(dataset[field].attrs)
    if name is None or name not in dataset.variables:  # a CMIP external areacello: the run computed them too
        return None
    return file_cell_measure(dataset, field, dims)


# The statistic over the members is stated in ``comment`` in the form of a cell method
# ("realization: mean"), not appended to ``cell_methods``: CF 1.8 §7.3 allows a standard name
# there, but the IOOS compliance checker (the tests' reference) flags any name that is not a
# dimension or coordinate, and the file has no realization axis.
def ensemble_mean_attributes(attributes: Mapping[str, str], n_members: int | None) -> dict[str, str]:
    """What ``<target>_pred`` of an ensemble adds: a ``comment`` saying it is the mean of the
    members (``realization: mean``); its ``cell_methods`` stay the target's."""
    return {"comment": f"realization: mean of the {n_members} ensemble members (networks trained with "
                       "consecutive seeds)"}


def spread_attributes(attributes: Mapping[str, str], long_name: str, n_members: int | None) -> dict[str, str]:
    """The CF attributes of ``<target>_spread``: the target's ``units`` and ``cell_methods``
    (the spread is over the same cells and times), a ``long_name``, and a ``comment`` stating
    the statistic in cell-method form, ``realization: standard_deviation``, and its estimator
    (ddof = 1, the unbiased sample variance, as WeatherBench 2's ``EnsembleVariance``; see
    :mod:`climann.evaluation.ensemble`). No ``standard_name``: the spread is not the
    target's quantity; of a temperature, ``units_metadata = "temperature: difference"``
    (CF-1.11 §3.1.2: a spread of 0 K is no value at absolute zero)."""
    kept = {key: attributes[key] for key in ("units", "cell_methods") if key in attributes}
    return {
        **kept,
        **temperature_difference_attributes(kept.get("units"), variable="spread"),
        "long_name": f"{long_name} ensemble spread (standard deviation of the {n_members} members)",
        "comment": f"realization: standard_deviation of the {n_members} ensemble members with ddof = 1 "
                   "(sqrt(sum((x_k - mean)^2) / (N - 1))), as WeatherBench 2 (Rasp et al. 2024)",
    }


def extrapolated_variable(layout: GridLayout, flags: np.ndarray) -> xr.DataArray:
    """``<target>_extrapolated``: a CF flag variable, int8, 1 where a sample's features lie
    outside the training range, 0 inside, −1 (its ``_FillValue``) where there is no sample.

    Parameters
    ----------
    layout : GridLayout
    flags : ndarray (or dask array), shape (n_time, n_lat, n_lon)
        1.0, 0.0 or NaN.
    """
    array = _field(layout, flags, {}).fillna(-1).astype(np.int8)
    array.attrs = {
        "long_name": f"{layout.target_name} prediction from inputs outside the range seen in training",
        "flag_values": np.array([0, 1], dtype=np.int8),
        "flag_meanings": "within_training_range outside_training_range",
        **({"grid_mapping": written.name} if (written := _written_mapping(layout)) is not None else {}),
    }
    array.encoding = {"dtype": "int8", "_FillValue": np.int8(-1)}
    return array


def write_predictions(dataset: xr.Dataset, path: str | Path, layout: GridLayout) -> Path:
    """Write ``dataset`` to ``path`` atomically, times encoded with the input's units and calendar.

    No encoding is copied from the input files: every variable gets float32 (float64 when the
    target is held in float64, ``layout.value_dtype``, :mod:`climann.data.value_precision`) with a
    ``_FillValue`` of 1e20, and coordinates none. Time is the unlimited (record) dimension
    (:func:`record_dimensions`). Negative predictions of a quantity that cannot be negative
    are written as predicted, with a warning (:func:`warn_negative_predictions`).
    """
    path = Path(path)
    records = record_dimensions(dataset, layout)
    encoding = record_chunks(dataset, prediction_encoding(dataset, layout), records)
    with atomic_path(path) as temporary:
        dataset.to_netcdf(temporary, format="NETCDF4", encoding=encoding, unlimited_dims=records)
    warn_negative_predictions(negative_prediction_counts(dataset, layout.target_name), dataset, layout.target_name,
                              path)
    return path


def negative_prediction_counts(dataset: xr.Dataset, name: str) -> xr.Dataset | None:
    """How many of the network's predictions (``<name>_pred``) lie beyond the range of the
    quantity: below 0 when it cannot be negative (:func:`climann.data.nonnegative.cannot_be_negative`:
    precipitation by its ``standard_name`` or name ...) or is a share of a whole, above the
    whole for a share (:func:`climann.data.bounded_quantities.upper_bound`: 100 for a
    percentage, 1 for a fraction or probability); None when nothing bounds it, or the file holds
    no prediction. Of a file whose ``split`` puts steps in blocks, only those steps, the ones
    scored: a step read before the period for the persistence of its first step ("unused") is
    predicted and written, not scored (fix53d: evaluate of January counted its 32 days, 31 scored).

    Returns
    -------
    xarray.Dataset or None
        Scalars ``negative`` (values below 0), ``present`` (values not missing), ``lowest`` and
        ``largest`` (largest absolute value), and for a share ``above`` (values above its
        bound) and ``highest``; lazy when ``dataset`` holds dask arrays, to be computed in the
        pass that writes it.
    """
    from climann.data.bounded_quantities import upper_bound
    from climann.data.nonnegative import cannot_be_negative

    predicted = dataset.get(f"{name}_pred")
    if predicted is None:
        return None
    described = _as_the_input_describes(predicted)
    bound = upper_bound(name, described)
    if bound is None and cannot_be_negative(name, described) is None:
        return None
    split = dataset.get("split")
    if split is not None and split.ndim == 1 and bool((split != SPLIT_FLAGS[""]).any()):
        predicted = predicted.where(split != SPLIT_FLAGS[""])
    counts = {"negative": (predicted < 0).sum(), "present": predicted.notnull().sum(),
              "lowest": predicted.min(), "largest": abs(predicted).max()}
    if bound is not None:
        counts.update(above=(predicted > bound[0]).sum(), highest=predicted.max())
    return xr.Dataset(counts)


def warn_negative_predictions(
    counts: xr.Dataset | None, dataset: xr.Dataset, name: str, path: str | Path
) -> str | None:
    """Warn, in one line each, that a share of the predictions of a quantity that cannot be
    negative are negative, and that a share of the predictions of a share of a whole (a
    percentage, a fraction, a probability) lie above the whole; both are written (and scored)
    as predicted.

    An identity output layer bounds nothing: a network fitted by least squares to a
    quantity with many zeros (dry days, dry months) predicts some values below 0, and one
    fitted to probabilities near 100 % some above. They are not clipped: the file holds what
    the network predicted and the scores score it. Values within
    :data:`~climann.data.nonnegative.NEGATIVE_TOLERANCE` times the largest absolute prediction
    beyond an end are taken for rounding, as in the inputs.

    Parameters
    ----------
    counts : xarray.Dataset or None
        From :func:`negative_prediction_counts` (computed here if lazy).
    dataset : xarray.Dataset
        The predictions (for the variable's units and what bounds it).
    name : str
        The target's name.
    path : str or Path
        The file written.

    Returns
    -------
    str or None
        The warnings logged (one line each, joined by a newline), or None.
    """
    from climann.data.bounded_quantities import upper_bound
    from climann.data.nonnegative import NEGATIVE_TOLERANCE, cannot_be_negative

    if counts is None:
        return None
    counts = counts.compute()
    predicted = _as_the_input_describes(dataset[f"{name}_pred"])
    units = predicted.attrs.get("units", "")
    present, largest = int(counts["present"]), float(counts["largest"])
    bound = upper_bound(name, predicted)
    said = []
    negative, lowest = int(counts["negative"]), float(counts["lowest"])
    if negative and lowest < -NEGATIVE_TOLERANCE * largest:
        reason = cannot_be_negative(name, predicted) or (bound[1] if bound is not None else "")
        said.append(_beyond_range_message(name, negative, present, f"down to {lowest:.3g}", "are negative",
                                          reason, units, path))
    above, highest = int(counts.get("above", 0)), float(counts.get("highest", -np.inf))
    if bound is not None and above and highest > bound[0] + NEGATIVE_TOLERANCE * largest:
        whole = f"{bound[0]:g}{' ' + units if units not in ('', '1') else ''}"
        said.append(_beyond_range_message(name, above, present, f"up to {highest:.3g}", f"are above {whole}",
                                          bound[1], units, path))
    for message in said:
        _log.warning(message)
    return "\n".join(said) or None


def _beyond_range_message(name: str, count: int, present: int, extreme: str, beyond: str, reason: str,
                          units: str, path: str | Path) -> str:
    """One warning of predictions beyond the range of their quantity: ``3.2 % of the predicted
    tp (…, down to -0.1 kg m-2) are negative, which its standard_name … says it cannot be: …``."""
    says = "say" if reason.startswith("its units") else "says"
    shown = f" {units}" if units not in ("", "1") else ""
    return (f"{100 * count / present:.3g} % of the predicted {name} ({count} of {present} values, {extreme}{shown}) "
            f"{beyond}, which {reason} {says} it cannot be: they are written as predicted ({name}_pred in "
            f"{Path(path).name}; the output layer bounds nothing) and scored as they are")


def _as_the_input_describes(predicted: xr.DataArray) -> xr.DataArray:
    """``<name>_pred`` with the input variable's own ``long_name`` (without
    :data:`PREDICTED_SUFFIX`), the words that say whether it can be negative (rerun33 R3c: the
    warning quoted "… predicted by climann" as the variable's long_name)."""
    long_name = predicted.attrs.get("long_name")
    if long_name is None:
        return predicted
    return predicted.assign_attrs(long_name=str(long_name).removesuffix(PREDICTED_SUFFIX))


def record_dimensions(dataset: xr.Dataset, layout: GridLayout) -> list[str]:
    """The dimensions a NetCDF predictions file writes unlimited: time, as CMOR and CDO write
    it (NetCDF User Guide, "Dimensions"), so that NCO's ``ncrcat`` joins the files of a
    scenario predicted in pieces (``--time-range``) along it, as ``cdo mergetime`` does."""
    return [layout.time.name] if layout.time.name in dataset.dims else []


#: The encoding keys of a variable that :func:`record_chunks` keeps when it gives the variable an
#: entry of its own (xarray's netCDF4 encodings; not ``source`` or ``original_shape``).
_WRITTEN_ENCODING = ("dtype", "_FillValue", "missing_value", "scale_factor", "add_offset", "units", "calendar",
                     "zlib", "complevel", "compression", "shuffle", "fletcher32", "contiguous")

#: The size a chunk of a field along the record dimension reaches, bytes (whole time steps).
RECORD_CHUNK_BYTES = 1 << 20


def record_chunks(dataset: xr.Dataset, encoding: dict[str, dict], records: list[str]) -> dict[str, dict]:
    """``encoding`` with the chunk sizes of each field along an unlimited (record) dimension: as
    many whole steps as fill :data:`RECORD_CHUNK_BYTES` (at least one), every other dimension whole.

    NetCDF-C's default chunk along a record dimension is one step: 5-minute radar data on 2 × 2
    cells wrote 315 k chunks of 16 bytes per field, and writing ``predictions.nc`` took most of a
    minute (break42d R1). The values written are the same.

    Parameters
    ----------
    dataset : xarray.Dataset
    encoding : dict of str to dict
        :func:`prediction_encoding`'s; not changed.
    records : list of str
        The unlimited dimensions (:func:`record_dimensions`).

    Returns
    -------
    dict of str to dict
        A copy of ``encoding``, ``chunksizes`` set for each variable written as numbers (times and
        their bounds too) of 2 or more dimensions whose first is a record dimension.
    """
    chunked = {name: dict(entry) for name, entry in encoding.items()}
    for name, variable in dataset.variables.items():
        # a variable without an entry is written with its own encoding (the extrapolation flags' int8 and
        # _FillValue -1): an entry given replaces it whole, so it starts from that encoding
        own = {key: value for key, value in variable.encoding.items() if key in _WRITTEN_ENCODING}
        written = np.dtype(chunked.get(str(name), own).get("dtype", variable.dtype))  # times: their float64
        if variable.ndim < 2 or variable.dims[0] not in records or written.kind not in "biuf":
            continue
        entry = chunked.setdefault(str(name), own)
        step_bytes = written.itemsize * math.prod(variable.shape[1:])
        steps = int(np.clip(RECORD_CHUNK_BYTES // max(step_bytes, 1), 1, max(variable.shape[0], 1)))
        entry["chunksizes"] = (steps, *variable.shape[1:])
    return chunked


def padded_time_units(units: str) -> str:
    """``units`` with the reference date's year written with four digits: ``hours since
    1-1-1 00:00:0.0`` (NCEP/NCAR reanalysis files) becomes ``hours since 0001-1-1 00:00:0.0``.

    The same date as UDUNITS and xarray read it (year-month-day); written so, the file's
    readers (xarray among them) need not warn that they guessed which number is the year.
    """
    return re.sub(r"(\bsince\s+)(-?\d{1,3})(?=-)", lambda m: f"{m[1]}{year_text(int(m[2]))}", units)


def written_time_units(units: str) -> str:
    """The units ``predictions.nc`` writes times in for an input whose times are in ``units``:
    the same unit, reference date and so the same numbers, its unit word spelt as xarray
    encodes it (``h since`` → ``hours since``, :func:`climann.data.time_units.encodable_time_units`)
    and its year in four digits (:func:`padded_time_units`)."""
    return padded_time_units(encodable_time_units(units))


def prediction_encoding(dataset: xr.Dataset, layout: GridLayout) -> dict[str, dict]:
    """The encoding :func:`write_predictions` writes with: float32 fields (float64 when the
    target is held in float64, ``layout.value_dtype``) with a ``_FillValue`` of 1e20; times
    (and their bounds, and date-valued scalar coordinates) in the input's units (as
    :func:`written_time_units` spells them) and calendar; coordinates and bounds float64 and
    unfilled; string scalar coordinates as fixed-length characters (tools such as CDO cannot
    read variable-length strings)."""
    encoding: dict[str, dict] = {
        str(name): {"dtype": layout.value_dtype, "_FillValue": np.dtype(layout.value_dtype).type(1e20)}
        for name, variable in dataset.data_vars.items()
        if variable.dtype.kind == "f"
    }
    times = {"units": written_time_units(layout.time_units), "calendar": layout.calendar, "dtype": "float64",
             "_FillValue": None}
    encoding[layout.time.name] = dict(times)
    written = dataset[layout.time.name].attrs.get("bounds") if layout.time.name in dataset.variables else None
    for time_bounds in (_bounds_name(layout.time), written, _climatology_name(layout.time)):
        if time_bounds in dataset.variables:
            encoding[time_bounds] = dict(times)
    for coordinate in (layout.latitude, layout.longitude):
        if coordinate.name in dataset.variables:
            encoding[coordinate.name] = {"_FillValue": None}
        bounds = _bounds_name(coordinate)
        if bounds in dataset.variables:
            encoding[bounds] = {"dtype": "float64", "_FillValue": None}
    for scalar in station_named_as_chosen(layout.scalar_coordinates):
        kind = np.asarray(scalar.values).dtype.kind
        encoding[scalar.name] = (
            dict(times) if hasattr(scalar.values.item(), "calendar") or kind == "M"
            else {"dtype": "S1"} if kind in "USO" else {"_FillValue": None}
        )
    if BLOCK_COORDINATE in dataset.coords and dataset[BLOCK_COORDINATE].dtype.kind in "USO":
        encoding[BLOCK_COORDINATE] = {"dtype": "S1"}  # fixed-length characters, as CDO reads them
    measures = {cell_measure_name(variable.attrs) for variable in dataset.data_vars.values()}
    for measure in measures & set(dataset.variables):  # not an external one (external_cell_measures)
        encoding[measure] = {"dtype": "float64", "_FillValue": np.float64(_FILL_VALUE)}
    fractions = FRACTION_STANDARD_NAMES.values()
    for name, variable in dataset.data_vars.items():  # the fraction the scores weighed the areas by
        # by its comment too: a target that is a fraction (siconc in 1) keeps the fields' encoding
        # a product of fractions (snow over sea ice) names theirs in its long_name, as cell_weights_text reads it
        named = variable.attrs.get("standard_name") or str(variable.attrs.get("long_name", ""))
        if (all(part in fractions for part in named.split(" × ")) and variable.attrs.get("units") == "1"
                and _FRACTION_COMMENT in str(variable.attrs.get("comment", ""))):
            encoding[str(name)] = {"dtype": "float64", "_FillValue": None}
    grid = layout.geographic
    if grid is not None:
        for coordinate in (grid.latitude, grid.longitude, grid.latitude_bounds, grid.longitude_bounds):
            if coordinate is not None and coordinate.name in dataset.variables:
                encoding[coordinate.name] = {"dtype": "float64", "_FillValue": None}
    return encoding


def _encode_every_time(layout: GridLayout, values: np.ndarray) -> None:
    """Encode all of ``values`` (the times written) and the layout's time bounds as
    :func:`write_predictions` does: the one-step file alone misses a date of another calendar
    further on (a test block in ``standard`` after a ``proleptic_gregorian`` train block: xarray's
    "cannot compute the time difference between dates with different calendars" after
    training), which ``cftime.date2num`` accepts."""
    encoding = {"units": written_time_units(layout.time_units), "calendar": layout.calendar, "dtype": "float64"}
    coder = xr.coders.CFDatetimeCoder(use_cftime=True)
    for dates in (values, layout.time_bounds, layout.climatology_bounds):
        if dates is not None:
            coder.encode(xr.Variable(("time",), np.asarray(dates).ravel(), encoding=dict(encoding)))


def check_predictions_encodable(layout: GridLayout, baselines: Sequence[str] = ()) -> None:
    """Refuse, before any training or prediction, an input whose encoding ``predictions.nc``
    could not keep: ``train``, ``predict`` and ``evaluate --data`` all call it before they
    compute (or create) anything.

    Every time and time bound is encoded as ``to_netcdf`` encodes it, in the units and calendar
    it is written in (:func:`written_time_units`; xarray's ``CFDatetimeCoder``, which refuses
    dates of another calendar than that one as well as any that overflow), and a
    one-time-step predictions dataset with the layout's coordinates, attributes and the
    baselines' variables is written to a temporary NetCDF file with the encoding of
    :func:`write_predictions`: what would fail after training fails here, in a second.

    Parameters
    ----------
    layout : GridLayout
    baselines : sequence of str
        Names of the baselines that will be written (``tas_persistence``, …).

    Raises
    ------
    ClimannError
        Naming the time encoding that cannot be written (the times, their bounds and
        date-valued scalar coordinates are written first, alone), or else the variables and
        attributes.
    """
    values = np.asarray(layout.time.values if layout.file_times is None else layout.file_times)
    single = dataclasses.replace(
        layout, time=Coordinate(layout.time.name, values[:1], layout.time.attrs), time_blocks=layout.time_blocks[:1],
        series_blocks=layout.series_blocks[:1],
        time_bounds=None if layout.time_bounds is None else layout.time_bounds[:1],
        climatology_bounds=None if layout.climatology_bounds is None else layout.climatology_bounds[:1],
        file_times=None if layout.file_times is None else layout.file_times[:1],
        area_fraction=_first_step_fraction(layout.area_fraction),
    )
    grid = np.full((1, *layout.shape[1:]), np.nan, dtype=np.float32)
    try:
        _encode_every_time(layout, values)
        dataset = predictions_dataset(single, grid, grid, ["train"], baselines={name: grid for name in baselines})
        encoding = prediction_encoding(dataset, single)
        # the whole step first: the times alone are written (a second file) only to tell which part a
        # refusal is of, as every train, predict and evaluate checks and almost none is refused
        whole_error = _write_error(dataset, encoding)
        if whole_error is not None:
            _write_checked(dataset[_time_variables(dataset, encoding)], encoding)
    except _WRITE_ERRORS as error:
        raise ClimannError(
            f"predictions.nc could not be written with the input's time encoding (units '{layout.time_units}', "
            f"calendar '{layout.calendar}') or attributes: {library_message(error)}; fix them in a copy of the "
            "input file"
        ) from None
    if whole_error is not None:  # the times alone were written: the cause is elsewhere
        raise ClimannError(
            f"predictions.nc could not be written with the input's variables and attributes: "
            f"{_write_error_text(whole_error)}; fix them in a copy of the input file"
        ) from None


def _first_step_fraction(fraction: Coordinate | None) -> Coordinate | None:
    """The area fraction of a layout of its first time step alone: that step's of one that changes
    with time (``siconc``), else the same."""
    if fraction is None or np.ndim(fraction.values) != 3:
        return fraction
    return Coordinate(fraction.name, fraction.values[:1], fraction.attrs)


#: What xarray's ``to_netcdf`` and the netCDF4 library raise for what they cannot write.
_WRITE_ERRORS = (ValueError, TypeError, KeyError, OverflowError, AttributeError, RuntimeError)


def _time_variables(dataset: xr.Dataset, encoding: Mapping[str, dict]) -> list[str]:
    """The variables of ``dataset`` written as dates (their encoding has a calendar): the time
    axis, its bounds and date-valued scalar coordinates."""
    return [name for name, written in encoding.items() if "calendar" in written and name in dataset.variables]


def _write_checked(dataset: xr.Dataset, encoding: Mapping[str, dict]) -> None:
    """Write ``dataset`` with those of ``encoding``'s entries it holds to a temporary file,
    removed at once: whatever ``to_netcdf`` refuses is raised."""
    kept = {name: written for name, written in encoding.items() if name in dataset.variables}
    with tempfile.TemporaryDirectory(prefix="climann-check-") as directory:
        dataset.to_netcdf(Path(directory) / "predictions.nc", format="NETCDF4", encoding=kept)


def _write_error(dataset: xr.Dataset, encoding: Mapping[str, dict]) -> Exception | None:
    """What :func:`_write_checked` of ``dataset`` raises of :data:`_WRITE_ERRORS`, or None."""
    try:
        _write_checked(dataset, encoding)
    except _WRITE_ERRORS as error:
        return error
    return None


def _write_error_text(error: Exception) -> str:
    """The library's message; a ``KeyError`` (a bare name) said as the variable it names."""
    if isinstance(error, KeyError):
        return f"no variable {library_message(error)} to write (KeyError)"
    return library_message(error)
