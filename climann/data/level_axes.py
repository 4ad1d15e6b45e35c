"""Level axes shared by several files: matched within the tolerance horizontal axes have.

CMIP's ``tsl`` and ``mrsol`` hold the same soil layers (``depth``, in m), but a file rewritten
by another tool may store them as float32 (0.09 as 0.09000000357627869 m) beside another's
float64; an ocean file may give its ``lev`` in centimeters beside another's in m. xarray
combines files only when the values of such an axis are equal (``join="exact"``), and refused
them naming every file (break34b A5), while latitudes and longitudes are matched within
:func:`~climann.data.coordinate_tolerance.grid_tolerance`. A vertical axis (CF §4.3:
:func:`~climann.data.levels.is_level`: ``depth``, ``lev``, ``plev``, ``height``) held by two or
more files is matched the same way, in its units: each file's values converted with pint to the
units of the reference file's (the target's file, else the first that holds it) and, when
they match, replaced by the reference's, with its units and bounds. Values that do not match
are refused in one line that names the files holding the axis (not those without it).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import xarray as xr

from climann.data.coordinate_tolerance import grid_tolerance
from climann.data.levels import LENGTH_KIND, PRESSURE_KIND, is_level, level_kind, level_kind_text
from climann.data.notes import note_once
from climann.errors import ClimannError
from climann.data.sources import two_names

__all__ = ["level_axes", "on_reference_levels", "refuse_mixed_kinds"]

_log = logging.getLogger(__name__)


def level_axes(dataset: xr.Dataset) -> dict[str, xr.DataArray]:
    """The vertical dimension coordinates of a dataset (1-D, named as their dimension, numeric,
    :func:`~climann.data.levels.is_level`), by name."""
    variables = dataset.variables  # their dimensions and types read without making a DataArray of each
    return {str(name): dataset[name] for name in dataset.dims if name in dataset.coords
            and variables[name].ndim == 1 and variables[name].dtype.kind in "iuf" and is_level(dataset[name])}


def _in_units(axis: xr.DataArray, to: xr.DataArray) -> tuple[float, float] | None:
    """``(scale, offset)`` that express ``axis``'s values in the units of ``to`` (1, 0 when the
    units are the same or either has none); None when they do not convert."""
    from climann.data.units import conversion

    units, wanted = (str(each.attrs.get("units", "")).strip() for each in (axis, to))
    if not units or not wanted or units == wanted:
        return 1.0, 0.0
    try:
        found = conversion(units, wanted, variable=str(axis.name), attrs=axis.attrs)
    except ClimannError:
        return None
    if found is None or found.along_time or getattr(found, "per_cell", False):
        return None
    return float(found.scale), float(found.offset)


def _on_reference(dataset: xr.Dataset, name: str, reference: xr.DataArray, scale: float, offset: float) -> xr.Dataset:
    """``dataset`` with its axis ``name`` given the reference's values and attributes, and
    its CF bounds (if any) converted to the reference's units."""
    own = dataset[name]
    bounds = str(own.attrs.get("bounds", ""))
    if bounds in dataset.variables and (scale, offset) != (1.0, 0.0):
        stored = dataset.variables[bounds]  # a Variable: its rows follow the axis, whatever its values
        converted = xr.Variable(stored.dims, np.asarray(stored.values, np.float64) * scale + offset,
                                {**stored.attrs, "units": reference.attrs.get("units", "")})
        dataset = dataset.assign_coords({bounds: converted}) if bounds in dataset.coords \
            else dataset.assign({bounds: converted})
    replaced = dataset.assign_coords({name: xr.Variable((name,), reference.values, encoding=dict(own.encoding))})
    replaced[name].attrs = dict(reference.attrs)  # an index keeps its old attributes through assign_coords
    return replaced


def _difference(reference: xr.DataArray, own: xr.DataArray, scale: float, offset: float) -> float:
    """The largest |difference| between ``own``'s values in the reference's units and the reference's."""
    values = np.asarray(own.values, np.float64) * scale + offset
    difference = np.abs(values - np.asarray(reference.values, np.float64))
    return float(np.nanmax(difference)) if difference.size and not np.isnan(difference).all() else 0.0


def _refusal(name: str, reference: xr.DataArray, holders: Sequence[str], detail: str, lacking: str = "",
             way: str = "", *, single: tuple[Path, xr.DataArray] | None = None) -> ClimannError:
    units = str(reference.attrs.get("units", "")).strip()
    if single is not None:
        return ClimannError(
            f"the level axis '{name}'{f' ({units})' if units else ''} of {', '.join(holders)} (the files that hold "
            f"it) is not the same: {detail}{lacking}; {_one_level_advice(name, *single)}")
    return ClimannError(
        f"the level axis '{name}'{f' ({units})' if units else ''} of {', '.join(holders)} (the files that hold it) "
        f"is not the same: {detail}{lacking}; files are combined on one set of levels: give them on the same levels"
        f"{way}")


def _level_list(values: np.ndarray) -> str:
    """CDO's comma-separated levels, each exact (``repr``: a float32 0.09 as stored, which
    ``sellevel`` must match)."""
    return ",".join(repr(float(value)) for value in values)


def _level_advice(reference: xr.DataArray, own: xr.DataArray, found: tuple[float, float] | None,
                  reference_file: Path, own_file: Path) -> str:
    """The CDO lines that put ``own_file``'s levels (``own``) on ``reference_file``'s
    (``reference``; ``found``: :func:`_in_units` of own to the reference's units), run as printed
    (fix44d: was ``cdo intlevel,LEVELS IN.nc OUT.nc``): the reference cut to own's levels when it
    holds them all (``cdo sellevel``), own cut to the reference's when it holds them all, else
    own interpolated to the reference's levels within its range (``cdo intlevel``, which gives
    missing values outside it) and, when some lie outside, the reference cut to those. Words
    only when the units do not convert."""
    from climann.data.shell import cdo_command, input_and_copy, one_copy_advice

    if found is None:
        return (f" (in one unit first: '{own.attrs.get('units')}' in {own_file.name} and "
                f"'{reference.attrs.get('units')}' in {reference_file.name} do not convert)")
    scale, offset = found
    ours = np.asarray(reference.values, np.float64)
    theirs = np.asarray(own.values, np.float64) * scale + offset
    tolerance = grid_tolerance(reference, own)
    ours_held = np.array([np.isclose(theirs, value, rtol=0, atol=tolerance).any() for value in ours])
    theirs_held = np.array([np.isclose(ours, value, rtol=0, atol=tolerance).any() for value in theirs])
    if theirs_held.all():  # every level of own is one of the reference's: keep those of the reference
        kept = [value for value in np.asarray(reference.values) if np.isclose(theirs, value, rtol=0,
                                                                               atol=tolerance).any()]
        return f" (e.g. {_selected(kept, input_and_copy(reference_file))})"
    if ours_held.all():
        kept = [value for value in np.asarray(own.values) if np.isclose(ours, value * scale + offset, rtol=0,
                                                                         atol=tolerance).any()]
        return f" (e.g. {_selected(kept, input_and_copy(own_file))})"
    inside = ours[(ours >= theirs.min() - tolerance) & (ours <= theirs.max() + tolerance)]
    if not inside.size:
        return f" (the levels of {two_names(own_file, reference_file)} do not overlap)"
    files = input_and_copy(own_file)
    levels = _level_list((inside - offset) / scale)
    interpolate = one_copy_advice(lambda arguments: f"`{cdo_command(f'intlevel,{levels}', arguments)}`, linear in the "
                                  "level", files, "levels_interpolated")
    if inside.size == ours.size:
        return f" (e.g. {interpolate})"
    cut = input_and_copy(reference_file)
    kept = np.asarray(reference.values)[(ours >= theirs.min() - tolerance) & (ours <= theirs.max() + tolerance)]
    return (f" (e.g. {interpolate}, and, as levels of {reference_file.name} lie beyond those of "
            f"{own_file.name}, {_selected(kept, cut)})")


def _selected(kept: Sequence[float] | np.ndarray, files: str) -> str:
    """The ``cdo sellevel`` line that keeps the levels ``kept`` of the input of ``files``, its copy in a new
    folder (fix54b: beside the file, a glob over their folder took both)."""
    from climann.data.shell import cdo_command, one_copy_advice

    levels = _level_list(np.array(kept))
    return one_copy_advice(lambda arguments: f"`{cdo_command(f'sellevel,{levels}', arguments)}`", files,
                           "levels_selected")


def _one_level_advice(name: str, path: Path, axis: xr.DataArray) -> str:
    """The way out for a file whose level axis ``name`` has one value (``ncks -d PRESSURE,2.5``
    keeps it, of size 1) beside files of several levels: that value is its variables' own level
    (a surface field beside profiles, CF §5.7), not one of the others' levels to interpolate to
    (``cdo intlevel`` and ``sellevel`` abort on it: break44a A1); NCO's ``ncwa -a`` drops the
    axis and keeps its value as a scalar level (read so: :mod:`climann.data.file_levels`)."""
    from climann.data.shell import input_and_copy, none_there, one_copy_line, users_file_copied

    units = str(axis.attrs.get("units", "")).strip()
    value = float(np.asarray(axis.values, np.float64).ravel()[0])
    files = input_and_copy(path, f"no_{name}")
    # the copy into a new folder: beside the file (x_no_lev.nc), a glob over their folder took both (fix56b)
    way = (f"`ncwa -a {name} {files}`, and give that file in place of {path.name}" if users_file_copied(files) is None
           else one_copy_line(lambda arguments, copy: f"{none_there(copy)}ncwa -a {name} {arguments}", path,
                              "level_axis_dropped"))
    return (f"{path.name} holds '{name}' with one value ({value:g}{f' {units}' if units else ''}): if that is its "
            f"variables' own level (a surface field beside profiles), drop the axis in a copy, its value kept as a "
            f"scalar level, {way}")


def on_reference_levels(datasets: Sequence[xr.Dataset], files: Sequence[Path], *, home: int = 0,
                        select: Mapping[str, object] | None = None) -> list[xr.Dataset]:
    """The datasets with each level axis that two or more of them hold matched to the
    reference file's (the file ``home``, the target's, when it holds the axis, else the first
    that does): values within :func:`~climann.data.coordinate_tolerance.grid_tolerance` of the
    reference's once converted to its units (pint) are replaced by them.

    An axis whose level the run selects (``select``, as
    :func:`~climann.data.subset.select_values` reads it in each file) is first cut to that level
    in each file when their sets of levels differ and every file holds it (ERA5 downloads of
    1000/850/500 hPa and of 500/850 hPa, ``pressure_level = 850``: break40b B2); the run's
    selection then takes the one level left.

    Parameters
    ----------
    datasets : sequence of xarray.Dataset
        One per file, in the order of ``files``.
    files : sequence of Path
        The files, for the messages.
    home : int
        The index of the target's file.
    select : mapping of dimension name to value, optional
        The run's selection (``[data] select``).

    Returns
    -------
    list of xarray.Dataset

    Raises
    ------
    ClimannError
        If an axis has other values in two files (beyond the tolerance), another number of
        values, or units that do not convert, naming the axis, the files that hold it and the
        largest difference; or is a level of different kinds in them (:func:`refuse_mixed_kinds`).
    """
    refuse_mixed_kinds(datasets, files)
    datasets, lacking = _at_selected_levels(list(datasets), files, select or {})
    axes = [level_axes(dataset) for dataset in datasets]
    for name in dict.fromkeys(name for each in axes for name in each):
        holders = [index for index, each in enumerate(axes) if name in each]
        if len(holders) < 2:
            continue
        first = home if home in holders else holders[0]
        reference = axes[first][name]
        names = [files[index].name for index in holders]
        for index in holders:
            own = axes[index][name]
            if index == first:
                continue
            found = _in_units(own, reference)
            way = _level_advice(reference, own, found, Path(files[first]), Path(files[index]))
            if own.shape != reference.shape:  # xarray's "cannot align … join='exact'" named every file
                single = (files[index], own) if own.size == 1 else (files[first], reference) \
                    if reference.size == 1 else None
                raise _refusal(name, reference, names, f"it has {reference.size} values in {files[first].name} and "
                               f"{own.size} in {files[index].name}", lacking.get(name, ""), way, single=single)
            if found is None:
                raise _refusal(name, reference, names, f"'{own.attrs.get('units')}' in {files[index].name} does not "
                               f"convert to '{reference.attrs.get('units')}' in {files[first].name}",
                               lacking.get(name, ""))
            largest, tolerance = _difference(reference, own, *found), grid_tolerance(reference, own)
            if largest > tolerance:
                raise _refusal(name, reference, names, (
                    f"it differs by up to {largest:.6g} between {two_names(files[first], files[index])} (more "
                    f"than {tolerance:.3g}, a thousandth of its spacing or the float precision of the values)"),
                    lacking.get(name, ""), way)
            if found != (1.0, 0.0):
                note_once(_log, logging.INFO, (
                    f"'{name}' of {files[index].name} converted from '{own.attrs.get('units')}' to "
                    f"'{reference.attrs.get('units')}', the units of {files[first].name}'s"))
            if found != (1.0, 0.0) or not np.array_equal(own.values, reference.values) or own.dtype != reference.dtype:
                datasets[index] = _on_reference(datasets[index], name, reference, *found)
    return datasets


def _at_selected_levels(datasets: list[xr.Dataset], files: Sequence[Path], select: Mapping[str, object]
                        ) -> tuple[list[xr.Dataset], dict[str, str]]:
    """``datasets`` with each level axis that ``select`` names and two or more of them hold
    with different values cut to the one level selected, where every one of them holds it
    (:func:`_selected_index`); kept as it is otherwise (and refused, or matched, by
    :func:`on_reference_levels`), with the words for its refusal that name the files lacking
    the level (``; pressure_level=1000 is not a level of b.nc``). The axis stays a dimension of
    length 1, its level's value the file's own, so that the files are compared and combined on
    it as before."""
    axes = [level_axes(dataset) for dataset in datasets]
    lacking: dict[str, str] = {}
    for name, value in select.items():
        holders = [index for index, each in enumerate(axes) if name in each]
        first = axes[holders[0]][name] if holders else None
        if len(holders) < 2 or all(axes[index][name].identical(first) for index in holders):
            continue
        chosen = {index: _selected_index(datasets[index], name, value, where=files[index].name) for index in holders}
        if any(position is None for position in chosen.values()):
            without = [files[index].name for index, position in chosen.items() if position is None]
            lacking[name] = (f"; the selected {name}={value} is not a level of {', '.join(without)}, so the files "
                             "cannot be cut to it")
            continue
        levels = "; ".join(_levels_text(axes[index][name], files[index].name) for index in holders)
        note_once(_log, logging.INFO, (
            f"{name}={value} taken in each of {', '.join(files[index].name for index in holders)} before they are "
            f"combined, as their levels differ ({levels})"))
        for index, position in chosen.items():
            datasets[index] = datasets[index].isel({name: [position]})
    return datasets, lacking


def _selected_index(dataset: xr.Dataset, name: str, value: object, *, where: str) -> int | None:
    """The index along the level axis ``name`` of ``dataset`` that the selection ``name=value``
    takes (:func:`~climann.data.subset.select_values`: a bare number in the file's units, or
    a value with its units); None when it takes none."""
    from climann.data.subset import select_values

    try:
        taken = select_values(dataset, {name: value}, where=where)[name].values
    except ClimannError:
        return None
    found = np.flatnonzero(np.asarray(dataset[name].values) == taken)
    return int(found[0]) if found.size == 1 else None


def _levels_text(axis: xr.DataArray, file: str) -> str:
    """``1000, 850, 500 hPa in a.nc``."""
    units = str(axis.attrs.get("units", "")).strip()
    values = ", ".join(f"{value:g}" for value in np.asarray(axis.values, np.float64))
    return f"{values}{' ' + units if units else ''} in {file}"


def refuse_mixed_kinds(datasets: Sequence[xr.Dataset], files: Sequence[Path]) -> None:
    """Refuse files whose level axis of one name is a level of different kinds
    (:func:`~climann.data.levels.level_kind`) in two of them: ERA5's ``t`` on pressure levels
    (``level`` in millibars) in some years and on model levels in others (``level`` of long_name
    ``model_level_number``, no units, as grib_to_netcdf writes it). Combined, model level 50 was
    taken for 50 hPa (break55a A4); a level of one kind is no level of the other, whatever their
    numbers. An axis of unknown kind (no units nor attribute that says it) is not compared.

    Parameters
    ----------
    datasets : sequence of xarray.Dataset
        One per file, as opened.
    files : sequence of Path
        The files, in the order of ``datasets``.

    Raises
    ------
    ClimannError
        In one line naming the axis, the files of each kind, both kinds and the way out.
    """
    axes = [level_axes(dataset) for dataset in datasets]
    for name in dict.fromkeys(name for each in axes for name in each):
        by_kind: dict[str, list[int]] = {}
        for index, each in enumerate(axes):
            kind = level_kind(each[name]) if name in each else None
            if kind is not None:
                by_kind.setdefault(kind, []).append(index)
        if len(by_kind) < 2:
            continue
        held = "; ".join(f"{_some_files([Path(files[index]).name for index in indices])}: "
                         f"{level_kind_text(kind, axes[indices[0]][name])}" for kind, indices in by_kind.items())
        raise ClimannError(f"the level axis '{name}' is of different kinds in the files ({held}): a level of one kind "
                           f"is no level of the other, whatever their numbers, so they are not combined; "
                           f"{_kinds_way_out(list(by_kind))}")


def _some_files(names: Sequence[str]) -> str:
    """``a.nc, b.nc, c.nc …``: up to three names."""
    return f"{', '.join(names[:3])}{' …' if len(names) > 3 else ''}"


def _kinds_way_out(kinds: Sequence[str]) -> str:
    """How files of these kinds of level are brought to one kind, for a message."""
    model = [kind for kind in kinds if kind not in (PRESSURE_KIND, LENGTH_KIND)]
    if model and PRESSURE_KIND in kinds:
        return ("interpolate the model levels to pressure levels first (cdo ml2pl, with the surface pressure), or "
                "give files of one kind of level only")
    if model:
        return ("interpolate the model levels to heights or depths first (cdo ml2hl, or intlevel3d), or give files "
                "of one kind of level only")
    return "interpolate them to one kind of level first, or give files of one kind of level only"
