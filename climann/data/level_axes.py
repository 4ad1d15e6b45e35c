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
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import xarray as xr

from climann.data.coordinate_tolerance import grid_tolerance
from climann.data.levels import is_level
from climann.data.notes import note_once
from climann.errors import ClimannError

__all__ = ["level_axes", "on_reference_levels"]

_log = logging.getLogger(__name__)


def level_axes(dataset: xr.Dataset) -> dict[str, xr.DataArray]:
    """The vertical dimension coordinates of a dataset (1-D, named as their dimension, numeric,
    :func:`~climann.data.levels.is_level`), by name."""
    return {str(name): dataset[name] for name in dataset.dims if name in dataset.coords
            and dataset[name].ndim == 1 and dataset[name].dtype.kind in "iuf" and is_level(dataset[name])}


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


def _refusal(name: str, reference: xr.DataArray, holders: Sequence[str], detail: str) -> ClimannError:
    units = str(reference.attrs.get("units", "")).strip()
    return ClimannError(
        f"the level axis '{name}'{f' ({units})' if units else ''} of {', '.join(holders)} (the files that hold it) "
        f"is not the same: {detail}; files are combined on one set of levels: give them on the same levels (e.g. "
        f"cdo intlevel,LEVELS IN.nc OUT.nc for a depth or height, cdo sellevel,LEVELS IN.nc OUT.nc to keep some)")


def on_reference_levels(datasets: Sequence[xr.Dataset], files: Sequence[Path], *, home: int = 0) -> list[xr.Dataset]:
    """The datasets with each level axis that two or more of them hold matched to the
    reference file's (the file ``home``, the target's, when it holds the axis, else the first
    that does): values within :func:`~climann.data.coordinate_tolerance.grid_tolerance` of the
    reference's once converted to its units (pint) are replaced by them.

    Parameters
    ----------
    datasets : sequence of xarray.Dataset
        One per file, in the order of ``files``.
    files : sequence of Path
        The files, for the messages.
    home : int
        The index of the target's file.

    Returns
    -------
    list of xarray.Dataset

    Raises
    ------
    ClimannError
        If an axis has other values in two files (beyond the tolerance), another number of
        values, or units that do not convert, naming the axis, the files that hold it and the
        largest difference.
    """
    datasets = list(datasets)
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
            if own.shape != reference.shape:  # xarray's "cannot align … join='exact'" named every file
                raise _refusal(name, reference, names, f"it has {reference.size} values in {files[first].name} and "
                               f"{own.size} in {files[index].name}")
            found = _in_units(own, reference)
            if found is None:
                raise _refusal(name, reference, names, f"'{own.attrs.get('units')}' in {files[index].name} does not "
                               f"convert to '{reference.attrs.get('units')}' in {files[first].name}")
            largest, tolerance = _difference(reference, own, *found), grid_tolerance(reference, own)
            if largest > tolerance:
                raise _refusal(name, reference, names, (
                    f"it differs by up to {largest:.6g} between {files[first].name} and {files[index].name} (more "
                    f"than {tolerance:.3g}, a thousandth of its spacing or the float precision of the values)"))
            if found != (1.0, 0.0):
                note_once(_log, logging.INFO, (
                    f"'{name}' of {files[index].name} converted from '{own.attrs.get('units')}' to "
                    f"'{reference.attrs.get('units')}', the units of {files[first].name}'s"))
            if found != (1.0, 0.0) or not np.array_equal(own.values, reference.values) or own.dtype != reference.dtype:
                datasets[index] = _on_reference(datasets[index], name, reference, *found)
    return datasets
