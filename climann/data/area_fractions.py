"""The part of each cell a "where land", "where sea" or "where sea_ice" target is a mean over: its weights.

CF 1.8 section 7.3.3: ``cell_methods = "area: mean where land"`` says that each value is the
mean over the land part of its cell (CMIP6 ``mrso``, ``mrro``, ``lai``; ``"area: mean where
sea"`` for ``tos``, ``sos``). A mean over several such cells (the CMIP and IPCC land averages)
weighs each by the area its value is a mean over: the cell's area times the fraction of it
that is land (``land_area_fraction``, CMIP6 ``sftlf`` in %) or sea (``sea_area_fraction``,
``sftof``). Weighed by whole cells, a coastal cell with 10 % land would count ten times its land.
Any other CF area type is read the same way: ``"area: time: mean where sea_ice (comment:
mask=siconc)"`` (CMIP6 ``sithick``, ``sitemptop``: a mean over the ice-covered part of the cell,
missing where it has no ice) weighs each value by the cell's area × that time step's
``sea_ice_area_fraction`` (``siconc``: the fraction then changes with time, and the weights with
it); ``where ice_sheet`` / ``where land_ice`` by ``land_ice_area_fraction`` (``sftgif``). A
``where sea`` target on an atmosphere grid (``siconca``) without ``sea_area_fraction`` is weighed
by 1 − ``land_area_fraction`` (``sftlf``; CF: the sea area fraction where lakes and land ice
are not told apart). ``"area: mean where snow over sea_ice area: time: mean where sea_ice"`` (CMIP6
``sisnthick``; CF 1.8 section 7.3.3 "where type1 over type2": a mean over the part of the sea ice
covered by snow) weighs each value by the cell's area × ``siconc`` × ``sisnconc`` (the
``surface_snow_area_fraction`` of the sea ice), both of that time step. Without its fraction in the
data a target is warned about, never weighed by whole cells silently; without one of two fractions,
the warning names the missing one.

:func:`file_area_fraction` finds that fraction in the data by its CF ``standard_name``
(:data:`FRACTION_STANDARD_NAMES`), in its own file too (it is then matched to the grid by
coordinate, as ``areacella``), in units of 1; :meth:`climann.data.layout.GridLayout.cell_area_weights`
multiplies the cells' areas by it. Runs trained before 4 December 2026 weighed whole cells
(``[data] weigh_by_area_fraction = false``): :func:`with_whole_cell_weights` marks their data.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import xarray as xr

from climann.data.cell_methods import parse_cell_methods
from climann.data.fill_like import USUAL_FILL_VALUES, fill_like_values, marking_fix
from climann.data.grids import STAND_IN_TARGET
from climann.data.layout import FRACTION_READ_BYTES, Coordinate
from climann.data.notes import note_once
from climann.data.paths import is_zarr_store
from climann.data.shell import attribute_command, copies_of_files, in_place_note, input_and_copy, ncatted_attribute
from climann.data.sources import source_files, variable_file, variable_where
from climann.data.units import conversion, is_fraction_word
from climann.errors import ClimannError

__all__ = ["FRACTION_STANDARD_NAMES", "RUN_WEIGHTS_KEY", "WHOLE_CELL_AREA_MEANS_KEY", "WHOLE_CELL_WEIGHTS_KEY",
           "file_area_fraction",
           "fraction_standard_name", "mask_variable", "partial_surface", "partial_surfaces", "with_run_weights",
           "with_whole_cell_area_means", "with_whole_cell_weights"]

if TYPE_CHECKING:
    import dask.array

_log = logging.getLogger("climann")

#: The CF standard name of the fraction of a cell that each surface of ``where <surface>`` covers
#: (CF standard name table and area type table; CMIP6 ``sftlf``, ``sftof``, ``siconc``, ``sftgif``,
#: ``snc``). Another surface's is ``<surface>_area_fraction`` (:func:`fraction_standard_name`).
FRACTION_STANDARD_NAMES = {"land": "land_area_fraction", "sea": "sea_area_fraction",
                           "sea_ice": "sea_ice_area_fraction", "land_ice": "land_ice_area_fraction",
                           "ice_sheet": "land_ice_area_fraction", "snow": "surface_snow_area_fraction"}

#: The CMIP6 variable of each fraction, named in the advice when the data lack it.
CMIP_FRACTION_NAMES = {"land": "sftlf", "sea": "sftof", "sea_ice": "siconc", "land_ice": "sftgif",
                       "ice_sheet": "sftgif", "snow": "snc"}

#: The CMIP6 table of each fraction, the second part of its file's name (CMIP6 data request:
#: ``sftlf`` and ``sftgif`` in table ``fx``, ``sftof`` in the ocean's ``Ofx``: ``sftof_Ofx_….nc``,
#: ``siconc`` in ``SImon``, ``snc`` in ``LImon``).
CMIP_FRACTION_TABLES = {"land": "fx", "sea": "Ofx", "sea_ice": "SImon", "land_ice": "fx", "ice_sheet": "fx",
                        "snow": "LImon"}

#: The CMIP6 variable and table of the fraction of a surface within another (``where snow over
#: sea_ice``): the part of the sea ice covered by snow is ``sisnconc`` (SImon, ``surface_snow_area_fraction``
#: in % of the sea ice), not the land's ``snc``.
CMIP_FRACTION_WITHIN = {("snow", "sea_ice"): ("sisnconc", "SImon")}

#: The key of a time coordinate's ``encoding`` saying that the run weighs whole cells
#: (``[data] weigh_by_area_fraction = false``, runs trained before 4 December 2026).
WHOLE_CELL_WEIGHTS_KEY = "climann_whole_cell_weights"

#: The key of a time coordinate's ``encoding`` saying that the run's area means (``[data]
#: global_means``, ``regional_means``) weigh whole cells, also of a variable that is a mean where
#: land (``[data] area_means_by_fraction = false``, runs trained before 7 December 2026).
WHOLE_CELL_AREA_MEANS_KEY = "climann_whole_cell_area_means"

#: The key of a time coordinate's ``encoding`` holding what weighed the cells of the run that
#: scores these (other) data (its ``metrics.json`` ``weighted_by``), for the warning when they
#: lack the fraction the run weighed by.
RUN_WEIGHTS_KEY = "climann_run_weighted_by"

# "where land", "where sea_ice" (any CF area type), not "where land over all_area_types"
_WHERE = re.compile(r"\bmean\s+where\s+([a-z][a-z_]*)(?![\w-])(?!\s+over\b)")

# "where snow over sea_ice": a mean over the part of the sea ice that snow covers (CF 1.8 section 7.3.3)
_WHERE_OVER = re.compile(r"\bmean\s+where\s+([a-z][a-z_]*)\s+over\s+([a-z][a-z_]*)(?![\w-])")

# the variable masking the values, in a CMIP6 comment: "area: time: mean where sea_ice (comment: mask=siconc)"
_MASK = re.compile(r"\bmask\s*=\s*([A-Za-z_][\w-]*)")

#: The area types that are whole cells (CF area type table): a mean where these is over the cell.
WHOLE_CELL_AREA_TYPES = frozenset({"all_area_types"})


def partial_surface(cell_methods: str) -> str | None:
    """The surface (a CF area type: ``"land"``, ``"sea"``, ``"sea_ice"``, ``"ice_sheet"`` …) whose
    part of each cell the values are an area mean over, by the ``area`` entry of a CF
    ``cell_methods`` attribute (CF 1.8 section 7.3.3); None for a mean over whole cells
    (``all_area_types`` too) or over a surface within another (``where land over all_area_types``).

    Examples
    --------
    >>> partial_surface("area: mean where land time: mean")
    'land'
    >>> partial_surface("area: time: mean where sea_ice (comment: mask=siconc)")
    'sea_ice'
    >>> partial_surface("area: time: mean") is None
    True
    """
    surfaces = partial_surfaces(cell_methods)
    return surfaces[0] if surfaces else None


def partial_surfaces(cell_methods: str) -> tuple[str, ...]:
    """The surfaces (CF area types) whose parts of each cell the values are an area mean over,
    the outer first, by the ``area`` entries of a CF ``cell_methods`` attribute (CF 1.8 section
    7.3.3): ``"where type1 over type2"`` is a mean over the part of type2 that type1 covers, so its
    weight is the cell's area × type2's fraction of the cell × type1's fraction of type2.

    Examples
    --------
    >>> partial_surfaces("area: mean where snow over sea_ice area: time: mean where sea_ice")
    ('sea_ice', 'snow')
    >>> partial_surfaces("area: mean where land time: mean")
    ('land',)
    >>> partial_surfaces("area: mean where land over all_area_types")
    ()
    """
    surfaces: list[str] = []
    for entry in parse_cell_methods(cell_methods):
        if "area" not in entry.names:
            continue
        if over := _WHERE_OVER.search(entry.method):
            inner, outer = over.groups()
            found = [] if outer in WHOLE_CELL_AREA_TYPES else [outer, inner]
        else:
            found = [where.group(1)] if (where := _WHERE.search(entry.method)) else []
        surfaces += [surface for surface in found if surface not in WHOLE_CELL_AREA_TYPES and surface not in surfaces]
    return tuple(surfaces)


def fraction_standard_name(surface: str) -> str:
    """The CF standard name of the fraction of a cell that ``surface`` covers:
    :data:`FRACTION_STANDARD_NAMES`, else ``<surface>_area_fraction`` (the CF pattern:
    ``vegetation_area_fraction``)."""
    return FRACTION_STANDARD_NAMES.get(surface, f"{surface}_area_fraction")


def mask_variable(cell_methods: str) -> str | None:
    """The variable a CMIP6 ``cell_methods`` comment names as the mask of the mean
    (``"area: time: mean where sea_ice (comment: mask=siconc)"``: ``'siconc'``), or None."""
    found = _MASK.search(cell_methods)
    return found.group(1) if found else None


def with_whole_cell_weights(dataset: xr.Dataset, time_name: str) -> xr.Dataset:
    """``dataset`` with its time coordinate ``time_name`` marked (:data:`WHOLE_CELL_WEIGHTS_KEY`)
    so that its layout weighs whole cells, as runs trained before 4 December 2026 did."""
    time = dataset[time_name]
    encoding = {**time.encoding, WHOLE_CELL_WEIGHTS_KEY: True}
    return dataset.assign_coords({time_name: xr.Variable(time.dims, time.values, time.attrs, encoding)})


def with_whole_cell_area_means(dataset: xr.Dataset, time_name: str) -> xr.Dataset:
    """``dataset`` with its time coordinate ``time_name`` marked (:data:`WHOLE_CELL_AREA_MEANS_KEY`)
    so that its area-mean features weigh whole cells, as runs trained before 7 December 2026 did
    (:func:`climann.data.area_means.area_mean_series`)."""
    time = dataset[time_name]
    encoding = {**time.encoding, WHOLE_CELL_AREA_MEANS_KEY: True}
    return dataset.assign_coords({time_name: xr.Variable(time.dims, time.values, time.attrs, encoding)})


def with_run_weights(dataset: xr.Dataset, time_name: str, weighted_by: str) -> xr.Dataset:
    """``dataset`` with its time coordinate ``time_name`` marked (:data:`RUN_WEIGHTS_KEY`) with what
    weighed the cells of the run that scores these other data (``metrics.json`` ``weighted_by``,
    ``"cell area × land_area_fraction (sftlf)"``): data without that fraction are then said to be
    scored otherwise than the run's own scores (:func:`file_area_fraction`)."""
    time = dataset[time_name]
    encoding = {**time.encoding, RUN_WEIGHTS_KEY: weighted_by}
    return dataset.assign_coords({time_name: xr.Variable(time.dims, time.values, time.attrs, encoding)})


def file_area_fraction(dataset: xr.Dataset, target: str, dims: tuple[str, str], *,
                       time_name: str) -> Coordinate | None:
    """The fraction of each cell the target's values are a mean over, when its ``cell_methods``
    say ``area: mean where <surface>`` (``land``, ``sea``, ``sea_ice`` …) and the data hold the
    matching fraction (:func:`fraction_standard_name`, or the variable a CMIP6 ``mask=`` comment
    names; for ``sea`` 1 − the ``land_area_fraction``) on the grid's two dimensions, and time.

    Said in one note per run: which fraction weighs the cells, or, when the data lack it, a
    warning that whole cells do and which file to give (stronger for the other data of a run whose
    own scores weighed by the fraction: :func:`with_run_weights`); other data holding the fraction
    of a run whose own scores weighed whole cells (its training data lacked it) are warned that
    they are weighed otherwise.

    Parameters
    ----------
    dataset : xarray.Dataset
    target : str
    dims : tuple of str
        The grid's (row, column) dimensions.
    time_name : str
        The time coordinate, whose :data:`WHOLE_CELL_WEIGHTS_KEY` says to weigh whole cells.

    Returns
    -------
    Coordinate or None
        Its name, values of shape (n_rows, n_columns), or (n_time, n_rows, n_columns) for a
        fraction that changes with time (``siconc``), in units of 1 (``%`` converted; NaN where
        the data hold none, the file's missing values or the cells a ``--region`` masked out,
        which weigh 0: :meth:`~climann.data.layout.GridLayout.cell_area_weights`), its attributes
        with ``units = "1"``; None when whole cells are weighed. The values are written as they
        are beside the predictions: missing where the data hold none, not a made-up 0.

    Raises
    ------
    ClimannError
        If the fraction's units are not a fraction (``%``, ``1``) or its values lie outside 0…1.
    """
    cell_methods = str(dataset[target].attrs.get("cell_methods", ""))
    surfaces = partial_surfaces(cell_methods)
    if not surfaces or dataset[time_name].encoding.get(WHOLE_CELL_WEIGHTS_KEY):
        return None
    mask = mask_variable(cell_methods)  # of the outer surface: "where sea_ice (comment: mask=siconc)"
    found = {surface: _fraction_in(dataset, surface, dims, time_name=time_name, mask=mask if not number else None)
             for number, surface in enumerate(surfaces)}
    missing = [surface for surface, held in found.items() if held is None]
    if missing and dataset[target].encoding.get(STAND_IN_TARGET):
        return None  # predictions without the target: nothing is scored
    run_weighted_by = dataset[time_name].encoding.get(RUN_WEIGHTS_KEY)
    cell_measures = str(dataset[target].attrs.get("cell_measures", ""))
    fractions = [_one_fraction(target, surface, *held) for surface, held in found.items() if held is not None]
    if not fractions:
        note_once(_log, logging.WARNING,
                  _whole_cells_note(target, surfaces, run_weighted_by=run_weighted_by, cell_measures=cell_measures),
                  key=("no area fraction", target))  # not silenced by a training's note of its fraction
        return None
    if missing:  # never one of two fractions silently: "where snow over sea_ice" without sisnconc
        note_once(_log, logging.WARNING,
                  _missing_inner_note(target, surfaces, missing, fractions, run_weighted_by=run_weighted_by,
                                     cell_measures=cell_measures),
                  key=("no area fraction", target))
    values = fractions[0].values
    for fraction in fractions[1:]:
        values = values * fraction.values  # (n_time, n_rows, n_columns) when one changes with time
    said = " × ".join(fraction.said for fraction in fractions)
    if np.ndim(values) == 3:
        said += " of each time step (the fraction changes with time: each value weighs its own step's)"
    where = _where_text(surfaces)
    note_once(_log, logging.INFO, f"the scores weigh each cell of '{target}' (a mean where {where}: its "
              f"cell_methods) by its area × {said}", key=("area fraction", target))
    standard_names = [fraction_standard_name(fraction.surface) for fraction in fractions]
    if run_weighted_by and any(name not in run_weighted_by for name in standard_names):  # verify26b F5
        lacked = next(name for name in standard_names if name not in run_weighted_by)
        held = " and ".join(fraction.held_name for fraction in fractions)
        weighed = " × ".join(fraction.name for fraction in fractions)
        note_once(_log, logging.WARNING,
                  f"'{target}' is a mean where {where} (its cell_methods) and these data hold its {where} "
                  f"fraction {held}: the scores weigh each cell by its area × {weighed}, NOT as the run's own scores "
                  f"(weighted by {run_weighted_by}: its training data held no {lacked}): they "
                  f"are not comparable with them; leave {held}'s file out of the data to score as the run did",
                  key=("fraction the run lacked", target))
    if len(fractions) == 1:
        return Coordinate(fractions[0].name, values, {**fractions[0].attrs, "units": "1"})
    name = "_times_".join(fraction.name for fraction in fractions)
    product = " × ".join(f"{fraction.name} ({standard})" for fraction, standard in zip(fractions, standard_names))
    return Coordinate(name, values, {"long_name": " × ".join(standard_names), "units": "1",
                                     "comment": f"the fraction of each cell that is {where}: {product}"})


class _Fraction(NamedTuple):
    """One surface's fraction as read (:func:`_one_fraction`): ``values`` in units of 1,
    ``name`` as written beside the predictions, ``held_name`` the data's variable, ``said`` for the note."""

    surface: str
    name: str
    held_name: str
    values: np.ndarray
    attrs: dict
    said: str


def _one_fraction(target: str, surface: str, name: str, fraction: xr.DataArray) -> _Fraction:
    """``fraction`` (the data's variable ``name``) of ``surface`` in units of 1: for ``sea`` read
    from a ``land_area_fraction``, 1 − it (CF: where lakes and land ice are not told apart)."""
    values = _in_units_of_one(fraction, name)
    attrs = {key: value for key, value in fraction.attrs.items()
             if key not in ("_FillValue", "missing_value", "coordinates", "units", "valid_range", "valid_max")}
    if fraction.attrs.get("standard_name") == FRACTION_STANDARD_NAMES["land"] and surface == "sea":
        # CF: sea_area_fraction = 1 − land_area_fraction where no lakes or land ice are told apart
        attrs = {"standard_name": fraction_standard_name(surface), "long_name": f"sea area fraction, 1 - {name}",
                 "comment": f"1 - {name} (land_area_fraction): the data hold no sea_area_fraction"}
        return _Fraction(surface, f"sea_fraction_from_{name}", name, 1.0 - values, attrs,
                         f"its sea fraction 1 − {name} (the land_area_fraction in the data; CF: the sea area fraction "
                         "is 1 − the land area fraction where lakes and land ice are not told apart)")
    return _Fraction(surface, name, name, values, attrs, f"its {surface} fraction {name}")


def _where_text(surfaces: Sequence[str]) -> str:
    """``"sea_ice"``, or ``"snow over sea_ice"`` for a surface within another (outer first in ``surfaces``)."""
    return " over ".join(reversed(surfaces))


def _missing_inner_note(target: str, surfaces: Sequence[str], missing: Sequence[str], fractions: Sequence[_Fraction],
                        *, run_weighted_by: str | None = None, cell_measures: str = "") -> str:
    """The warning that the scores weigh by some of the fractions of a target that is a mean over a
    surface within another (``where snow over sea_ice``) because the data lack the others."""
    lacking = " and ".join(fraction_standard_name(surface) for surface in missing)
    files = "; ".join(_fraction_files(surface, cell_measures, within=surfaces[0] if surface != surfaces[0] else None)
                      for surface in missing)
    said = (f"'{target}' is a mean where {_where_text(surfaces)} (its cell_methods) but the data hold no {lacking}: "
            f"the scores weigh each cell by its area × {' × '.join(fraction.name for fraction in fractions)} only, "
            f"not by the part of it that is {' and '.join(missing)}")
    return _with_way_out(said, [fraction_standard_name(surface) for surface in missing], files,
                         files_said="the fraction's file", weigh="it", run_weighted_by=run_weighted_by)


def _with_way_out(said: str, lacking: Sequence[str], files: str, *, files_said: str, weigh: str,
                  run_weighted_by: str | None) -> str:
    """``said`` (what the scores weigh for want of the ``lacking`` fractions' standard names) and the
    way out: give ``files`` with the data; stronger when the run scoring these data weighed by one
    of them (``run_weighted_by``), else also how to train weighing whole cells without the warning."""
    if run_weighted_by and any(name in run_weighted_by for name in lacking):
        return (f"{said}, NOT as the run's own scores (weighted by {run_weighted_by}): they are not comparable with "
                f"them; give {files_said} with the data ({files}) to score as the run did")
    return (f"{said}; to weigh by {weigh}, give {files_said} with the data ({files}), or, to train weighing whole "
            "cells without this warning, set [data] weigh_by_area_fraction = false")


def _fraction_in(dataset: xr.Dataset, surface: str, dims: tuple[str, str], *, time_name: str,
                 mask: str | None) -> tuple[str, xr.DataArray] | None:
    """The name and values (dims ``dims``, or ``(time_name, *dims)`` for a fraction that changes
    with time: ``siconc``) of the fraction of each cell ``surface`` covers in ``dataset``: the
    variable a CMIP6 comment names (``mask=siconc``), else one with its standard name
    (:func:`fraction_standard_name`), else for ``sea`` the land fraction (its complement is the
    sea's); None without one on the grid."""
    wanted = fraction_standard_name(surface)
    on_grid = {str(name): variable for name, variable in dataset.data_vars.items()
               if _on_grid(variable, dims, time_name) is not None}
    standard = {name: variable.attrs.get("standard_name") for name, variable in on_grid.items()}
    if mask in on_grid and standard[mask] in (wanted, None):
        name = mask
    else:
        name = next((name for name, held in standard.items() if held == wanted), None)
    if name is None and surface == "sea":
        name = next((name for name, held in standard.items()
                     if held == FRACTION_STANDARD_NAMES["land"] and time_name not in on_grid[name].dims), None)
    if name is None:
        return None
    variable = dataset[name]
    fraction = _on_grid(variable, dims, time_name)
    fraction.encoding = dict(variable.encoding)  # its files and stored type, for the messages
    return name, fraction


def _on_grid(variable: xr.DataArray, dims: tuple[str, str], time_name: str) -> xr.DataArray | None:
    """``variable`` with dims ``dims`` or ``(time_name, *dims)`` (other dimensions of one value
    dropped), or None when it is not on the grid."""
    other = [dim for dim in variable.dims if dim not in (time_name, *dims)]
    if not set(dims) <= set(variable.dims) or any(variable.sizes[dim] != 1 for dim in other):
        return None
    kept = variable.isel({dim: 0 for dim in other}, drop=True)
    return kept.transpose(*((time_name,) if time_name in kept.dims else ()), *dims)


def _in_units_of_one(variable: xr.DataArray, name: str) -> np.ndarray:
    """The values of the fraction ``name`` in units of 1 (``%`` divided by 100), NaN kept; a word
    for a fraction (``fraction``, ``0-1``: :func:`~climann.data.units.is_fraction_word`) is 1, its
    values then checked to lie in 0…1 as any.

    Raises
    ------
    ClimannError
        Naming the file and the ``ncatted`` that corrects a copy of it: if the units are not
        readable or not a fraction's, or the values lie outside 0…1 in them (an unmarked fill
        value such as CMIP's 1e20, :func:`_fill_like_refusal`, or units that say 1 of a
        percentage).
    """
    units = str(variable.attrs.get("units", "")).strip() or "1"
    where, files = _file_of(variable)
    # one that changes with time stays in its files as the data do (a dask array), read chunk by chunk
    lazy = variable.chunks is not None and variable.ndim == 3
    held = variable.data.astype(np.float64) if lazy else np.asarray(variable.values, np.float64)
    held_range = _finite_range(held)
    way_out = _units_way_out(name, files, held_range, variable)
    found = conversion("1" if is_fraction_word(units) else units, "1", variable=name, attrs=variable.attrs,
                       where=where, fix=way_out)
    if found is None or found.along_time:
        raise ClimannError(f"'{name}' (a {variable.attrs.get('standard_name')}) in {where} is in '{units}', not a "
                           f"fraction: {way_out}")
    values = held * found.scale + found.offset
    if held_range is not None:  # the conversion is affine, hence monotonic: the range's ends convert to the values'
        low, high = sorted(end * found.scale + found.offset for end in held_range)
        if low < -1e-6 or high > 1 + 1e-6:
            raise ClimannError(_fill_like_refusal(variable, name, where, files) or (
                f"'{name}' (a {variable.attrs.get('standard_name')}) in {where} in '{units}' holds "
                f"{low:g}…{high:g} as a fraction, outside 0…1: {way_out}"))
    return np.clip(values, 0.0, 1.0)


def _finite_range(held: np.ndarray | dask.array.Array) -> tuple[float, float] | None:
    """The least and greatest finite value of ``held`` (of a dask array, read in one pass a few
    time steps at a time, :data:`~climann.data.layout.FRACTION_READ_BYTES`, whatever the file's
    own chunks: a file of one chunk is not read whole), None when it holds none."""
    lazy = getattr(held, "chunks", None) is not None  # a dask array
    if lazy:
        held = held.rechunk({0: max(1, FRACTION_READ_BYTES // (8 * held[0].size))})
    finite = np.isfinite(held)
    if lazy:
        import dask
        import dask.array

        low, high, count = dask.compute(dask.array.where(finite, held, np.inf).min(),
                                        dask.array.where(finite, held, -np.inf).max(), finite.sum())
    else:
        values = held[finite]
        count = values.size
        low, high = (values.min(), values.max()) if count else (np.inf, -np.inf)
    return (float(low), float(high)) if count else None


def _file_of(variable: xr.DataArray) -> tuple[str, str]:
    """The fraction's file for a message (its name; ``the data`` when not recorded) and the two
    file arguments of a command that corrects a copy of it (``FILE.nc FILE_fixed.nc`` when not one file)."""
    source = variable_file(variable)
    return variable_where(variable, "the data"), input_and_copy(source) if source else "FILE.nc FILE_fixed.nc"


#: The folder of the corrected copies of a fraction read from several files (:func:`_on_copies`).
_FRACTION_COPIES_FOLDER = "fraction_fixed"


def _on_copies(variable: xr.DataArray, files: str, command: Callable[[str], str]) -> tuple[str, str]:
    """``command(files)`` and the note that follows it (:func:`~climann.data.shell.in_place_note`)
    for a fraction of one file; for one read from several NetCDF files, a copy of each in a new
    folder (:func:`~climann.data.shell.copies_of_files`; fix38i: the line named ``FILE.nc``) and no
    note (the loop's own words say which ``--data`` takes the copies)."""
    several = source_files(variable)
    if several and not any(is_zarr_store(file) for file in several):  # one file's copy too in a folder (fix53a)
        return copies_of_files(lambda arguments, file: command(arguments), several,
                               name=_FRACTION_COPIES_FOLDER), ""
    return command(files), in_place_note(files)


def _units_way_out(name: str, files: str, held_range: tuple[float, float] | None, variable: xr.DataArray) -> str:
    """The ways out of a fraction whose units are wrong: set them in a copy to those its values
    as read (their finite range ``held_range``, None: none) fit, ``1`` for 0…1, ``%`` for 0…100 (both
    when they fit neither), or weigh whole cells; of ``variable``'s files (:func:`_on_copies`)."""
    low, high = held_range if held_range is not None else (0.0, 1.0)
    choices = [("1", "0…1"), ("%", "0…100")]
    if low >= 0 and high <= 100:
        choices = choices[:1] if high <= 1 else choices[1:]
    commands = [(units, span, *_on_copies(variable, files, lambda arguments, units=units: attribute_command(
        [ncatted_attribute('units', name, 'o', 'c', units)], arguments))) for units, span in choices]
    said = " or ".join(f"'{units}' for values {span} ({command})" for units, span, command, _ in commands)
    return (f"set its units to {said}{commands[-1][3]}, or weigh whole cells: [data] weigh_by_area_fraction "
            "= false")


def _fill_like_refusal(variable: xr.DataArray, name: str, where: str, files: str) -> str | None:
    """The refusal of a fraction that holds an unmarked fill-like value
    (:func:`~climann.data.fill_like.fill_like_values`: CMIP's 1e20 over the ocean of an ``sftlf``
    whose ``_FillValue`` a tool dropped), with the ``ncatted`` that marks it missing (a missing
    fraction weighs 0); None when it holds none. A data variable's is warned about and used as
    data (:mod:`climann.data.fill_like`); a fraction cannot be one, so this is refused."""
    stored = np.asarray(variable.values)
    held = [(value, int(np.isin(stored, value.decoded).sum())) for value in fill_like_values(variable)]
    held = [(value, count) for value, count in held if count]
    if not held:
        return None
    value, count = max(held, key=lambda item: item[1])
    shown = f"{float(value.decoded[0]):g}" + (f" ({USUAL_FILL_VALUES[value.shown]})" if value.shown in USUAL_FILL_VALUES
                                               and not (value.default_of or value.extreme_of) else "")
    fix = marking_fix(name, variable, float(value.decoded[0]))
    marking, note = _on_copies(variable, files, lambda arguments: attribute_command([fix], arguments))
    command = f": mark it missing (a missing fraction weighs 0): {marking}{note}" if fix else ""
    return (f"'{name}' (a {variable.attrs.get('standard_name')}) in {where} holds {shown} at {count} of its "
            f"{stored.size} cells, a fill value that no _FillValue or missing_value of it marks as missing, and no "
            f"fraction"
            f"{command} (or weigh whole cells: [data] weigh_by_area_fraction = false)")


def _whole_cells_note(target: str, surfaces: Sequence[str], *, run_weighted_by: str | None = None,
                      cell_measures: str = "") -> str:
    """The warning that the scores weigh whole cells although the target is a mean over part of
    each (over ``surfaces``, the outer first: ``("sea_ice", "snow")``): stronger when the run scoring
    these data weighed its own scores by the fraction (``run_weighted_by``, its ``metrics.json``
    ``weighted_by``). The files to give are the CMIP6 ones of the target's grid (:func:`_fraction_files`)."""
    fractions = [fraction_standard_name(surface) for surface in surfaces]
    files = "; ".join(_fraction_files(surface, cell_measures, within=None if number == 0 else surfaces[0])
                      for number, surface in enumerate(surfaces))
    where, lacking = _where_text(surfaces), " and ".join(fractions)
    said = (f"'{target}' is a mean where {where} (its cell_methods) but the data hold no {lacking}: the scores "
            f"weigh whole cells by their area")
    parts = " × ".join(f"{surface} fraction" for surface in surfaces)
    return _with_way_out(said, fractions, files,
                         files_said="the fraction's file" if len(surfaces) == 1 else "the fractions' files",
                         weigh=f"{where} area (cell area × {parts})", run_weighted_by=run_weighted_by)


def _fraction_files(surface: str, cell_measures: str, *, within: str | None = None) -> str:
    """The CMIP6 file of ``surface``'s fraction on the target's grid, told by the cell areas its
    ``cell_measures`` names: on an atmosphere grid (``areacella``) the sea fraction is 1 − ``sftlf``
    (``sftof`` is on the ocean grid only); on the ocean grid (``areacello``) it is ``sftof``; on a grid
    not told, both; of a surface ``within`` another (snow on sea ice) :data:`CMIP_FRACTION_WITHIN`;
    a fraction CMIP6 has no variable for by its standard name."""
    if (surface, within) in CMIP_FRACTION_WITHIN:
        name, table = CMIP_FRACTION_WITHIN[surface, within]
        return f"CMIP6: --data {name}_{table}_….nc"
    if surface == "sea":
        atmosphere, ocean = "CMIP6: --data sftlf_fx_….nc, the sea fraction is then 1 − sftlf", \
            "CMIP6: --data sftof_Ofx_….nc"
        if "areacella" in cell_measures:
            return atmosphere
        if "areacello" in cell_measures:
            return ocean
        return f"{ocean} on the ocean grid; on an atmosphere grid {atmosphere.removeprefix('CMIP6: ')}"
    if surface in CMIP_FRACTION_NAMES:
        return f"CMIP6: --data {CMIP_FRACTION_NAMES[surface]}_{CMIP_FRACTION_TABLES[surface]}_….nc"
    return f"a variable with standard_name {fraction_standard_name(surface)} on the same grid"
