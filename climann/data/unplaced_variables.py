"""Variables whose file gives their time steps or grid cells no coordinate values.

A file's variable is placed in time and space by its file's coordinates (CF §4, §5): a
``time`` and a ``lat``/``lon`` (or 2-D ``lat(y, x)``) on its dimensions. A file without them
still has the dimensions, and xarray combines it with files that have them by position alone:
``rsdt(time, lat, lon)`` of a NetCDF-4 group copied out with
``xr.open_dataset(path, group="forcing").to_netcdf(...)`` (whose coordinates live in the root
group and are not copied) trained beside the root's ``tas`` without a word, and so did the same
copy shifted by one month (break29b A3: linear RMSE 6.955 K instead of 3.107 K). Which step
and cell such values belong to is nowhere in the file, so it is not guessed: a variable used
(target or predictor) whose file gives no time coordinate on its time dimension, when the
other files have one, or no horizontal coordinates on its grid dimensions, is refused in one
line naming the file and the variable, with the way out (copy the coordinates with it)
(:func:`check_variables_placed`).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from pathlib import Path

import xarray as xr

from climann.data.coords import time_coordinate
from climann.data.shell import python_command, copy_path, in_place_note, shown_path, whole_write, working_path
from climann.data.sources import FILE_NAME_KEY
from climann.data.variables import data_variable_names
from climann.errors import ClimannError

__all__ = ["check_variables_placed", "placed_dimensions"]

#: What a coordinate of each kind places values on, for the message.
_UNITS = {"time": "steps", "horizontal": "cells"}


def placed_dimensions(dataset: xr.Dataset, grid_coordinates: Mapping[str, xr.DataArray]) -> tuple[set[str], set[str]]:
    """The dimensions that one file's coordinates give values to: those of its time coordinate
    (:func:`~climann.data.coords.time_coordinate`), and those of its horizontal coordinates
    (``grid_coordinates``: 1-D latitude and longitude axes, 2-D latitude and longitude).

    Parameters
    ----------
    dataset : xarray.Dataset
        One file, as opened.
    grid_coordinates : mapping of str to xarray.DataArray
        Its horizontal coordinates (:func:`climann.data.open.grid_coordinates`).

    Returns
    -------
    (set of str, set of str)
        The time dimensions and the horizontal dimensions.
    """
    time = time_coordinate(dataset)
    time_dims = {str(dim) for dim in dataset[time].dims} if time is not None else set()
    grid_dims = {str(dim) for coordinate in grid_coordinates.values() for dim in coordinate.dims}
    return time_dims, grid_dims


def check_variables_placed(
    datasets: Mapping[Path, xr.Dataset], grids: Mapping[Path, Mapping[str, xr.DataArray]],
    used: Collection[str] | None,
) -> None:
    """Refuse a used variable on a time or grid dimension that its own file gives no
    coordinate values while other files do: it could only be paired with theirs by position.

    Parameters
    ----------
    datasets : mapping of Path to xarray.Dataset
        The files combined into one set, as opened.
    grids : mapping of Path to mapping of str to xarray.DataArray
        Each file's horizontal coordinates (:func:`climann.data.open.grid_coordinates`).
    used : collection of str or None
        The variables the run uses (target, predictors …); None: every data variable
        (:func:`~climann.data.variables.data_variable_names`).

    Raises
    ------
    ClimannError
        Naming the first such file and variable, the dimensions without values, a file
        that has them, and how to copy the coordinates into the variable's file.
    """
    placed = {path: placed_dimensions(dataset, grids[path]) for path, dataset in datasets.items()}
    for path, dataset in datasets.items():
        names = data_variable_names(dataset) if used is None else [name for name in used if name in dataset.data_vars]
        for name in names:
            bare = {kind: _bare_dimensions(dataset[name], path, placed, index)
                    for index, kind in enumerate(("time", "horizontal"))}
            if any(bare.values()):
                dims = [dim for dims in bare.values() for dim in dims]
                holder = _holder(placed, path, dims)
                kinds = [kind for kind, found in bare.items() if found]
                raise ClimannError(_unplaced_message(path, name, kinds, dims, holder,
                                                     _coordinates_on(datasets[holder], grids[holder], dims)))


def _bare_dimensions(variable: xr.DataArray, path: Path, placed: Mapping[Path, tuple[set[str], set[str]]],
                     index: int) -> list[str]:
    """The dimensions of ``variable`` (of the file ``path``) that another file's time (``index``
    0) or horizontal (1) coordinates give values to and its own file's do not."""
    elsewhere = set().union(*(dims[index] for other, dims in placed.items() if other != path))
    return [str(dim) for dim in variable.dims if dim in elsewhere and dim not in placed[path][index]]


def _holder(placed: Mapping[Path, tuple[set[str], set[str]]], path: Path, dims: list[str]) -> Path:
    """The first other file whose coordinates place all of ``dims``, else the first that places some."""
    known = {other: time | grid for other, (time, grid) in placed.items() if other != path}
    others = {other: dims_known for other, dims_known in known.items() if set(dims) & dims_known}
    return next((other for other, dims_known in others.items() if set(dims) <= dims_known), next(iter(others)))


def _coordinates_on(dataset: xr.Dataset, grid_coordinates: Mapping[str, xr.DataArray], dims: list[str]) -> list[str]:
    """The names in its file of ``dataset``'s time and horizontal coordinates that lie on any of
    ``dims``: a coordinate renamed by a ``[data] rename`` rule (``latitude`` read as ``lat``), or
    a projected axis stored under another name than its dimension (the NSIDC CDR's ``xgrid(x)``,
    :mod:`climann.data.grid_axis_variables`), is named as the file holds it, for the line that
    copies it from that file (break43a A1: KeyError 'lat')."""
    time = time_coordinate(dataset)
    named = ([time] if time is not None else []) + list(grid_coordinates)
    return [_name_in_file(dataset[name]) for name in named if set(map(str, dataset[name].dims)) & set(dims)]


def _name_in_file(coordinate: xr.DataArray) -> str:
    """A coordinate's name in the file it was read from (renamed or promoted, its encoding says)."""
    return str(coordinate.encoding.get(FILE_NAME_KEY, coordinate.name))


def _unplaced_message(path: Path, name: str, kinds: list[str], bare: list[str], holder: Path,
                      coordinates: list[str]) -> str:
    """The refusal of ``name`` in ``path``, whose dimensions ``bare`` have no ``kinds`` of
    coordinate values there while ``holder``'s ``coordinates`` give them, with the xarray line
    that copies those into a copy of ``path`` (when its values are on those steps and cells in
    that order, as a NetCDF-4 group's are on its root's)."""
    dims = ", ".join(f"'{dim}'" for dim in bare)
    script = (f"import sys, xarray as xr; d = xr.open_dataset({json.dumps(working_path(path))}).assign_coords("
              f"xr.open_dataset({json.dumps(working_path(holder))})[{json.dumps(coordinates)}]"
              f".set_coords({json.dumps(coordinates)}).coords); "
              + whole_write(target=json.dumps(working_path(copy := copy_path(path, 'with_coordinates')))))
    command = f"{python_command(script)}{in_place_note(f'{shown_path(path)} {shown_path(copy)}')}"
    several = len(bare) > 1
    return (
        f"variable '{name}' in {path.name} has no {' and '.join(kinds)} coordinate values (its "
        f"dimension{'s' if several else ''} {dims} {'have' if several else 'has'} none in that file, while "
        f"{holder.name} gives them), so its "
        f"values could only be paired with the other files' by position; copy the coordinates into its file, e.g. "
        f"(only if its values are on {holder.name}'s {' and '.join(_UNITS[kind] for kind in kinds)} in that "
        f"order, as a NetCDF-4 group's are on its root's) {command}"
    )
