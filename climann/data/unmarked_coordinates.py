"""A coordinate of one file stored as a plain variable of another (NEMO's ``mesh_mask.nc``).

NEMO writes the grid's ``nav_lat(y, x)`` and ``nav_lon(y, x)`` into its ``mesh_mask.nc`` as
plain variables without attributes, while its output files (XIOS) hold the same two as
coordinates with ``standard_name`` and ``units`` (NEMO reference manual, "Space and time
domain"; CF §5.2: auxiliary coordinates). Combined, xarray cannot tell whether the name is a
coordinate or a variable ("unable to determine if these variables should be coordinates or not
in the merged result"), and that text reached the user of ``train`` (break42b A4).

The folder is read, not refused: such a variable, on the same dimensions and sizes as the
other file's coordinate of its name, holding the same values, is that coordinate (it takes the
coordinate's attributes), and so places the file's other variables on the same cells
(:func:`with_coordinates_named_elsewhere`). Other values are refused in one line naming the
two files and the largest difference, with the line that writes a copy with the coordinates
(only right when the values are on the same cells in the same order) and the copy to give in
place of the original.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import xarray as xr

from climann.data.shell import python_command, copy_path, in_place_note, shown_path, whole_write, working_path
from climann.errors import ClimannError

__all__ = ["with_coordinates_named_elsewhere"]

#: Attributes that say what a variable is: one that has any is read as it says (a 2-D latitude in
#: ``degrees_north`` is made a coordinate by :func:`climann.data.coords.with_2d_coordinates`), not
#: taken for another file's coordinate of its name.
_DESCRIBING = frozenset({"standard_name", "units", "axis", "long_name"})


def with_coordinates_named_elsewhere(datasets: Mapping[Path, xr.Dataset]) -> dict[Path, xr.Dataset]:
    """The files combined into one set, a plain data variable of one (without ``standard_name``,
    ``units``, ``axis`` or ``long_name``) made a coordinate where another file holds a coordinate
    (not a dimension's own) of its name on the same dimensions and sizes with the same values.

    Parameters
    ----------
    datasets : mapping of Path to xarray.Dataset
        The files, as opened, in the order given.

    Returns
    -------
    dict of Path to xarray.Dataset
        The same files, such variables replaced by the other file's coordinate (its values and
        attributes: ``standard_name``, ``units``).

    Raises
    ------
    ClimannError
        When the values differ (compared in the coarser of the two floating-point types, NaN
        equal to NaN), or the dimensions or sizes do: naming both files, the variable and the
        largest difference, with the line that copies the coordinates into a copy of the file.
    """
    held: dict[str, tuple[Path, xr.Variable]] = {}
    for path, dataset in datasets.items():
        for name, coordinate in dataset.coords.items():
            if coordinate.ndim and name not in dataset.dims:
                held.setdefault(str(name), (path, coordinate.variable))
    result = dict(datasets)
    for path, dataset in datasets.items():
        found = {str(name): held[str(name)] for name, variable in dataset.data_vars.items()
                 if str(name) in held and held[str(name)][0] != path and not set(variable.attrs) & _DESCRIBING}
        for name, (holder, coordinate) in found.items():
            _check_same(path, dataset[name].variable, name, holder, coordinate, list(found))
        if found:
            result[path] = dataset.drop_vars(list(found)).assign_coords(
                {name: coordinate.copy(deep=False) for name, (_, coordinate) in found.items()})
    return result


def _check_same(path: Path, variable: xr.Variable, name: str, holder: Path, coordinate: xr.Variable,
                names: list[str]) -> None:
    """Refuse ``name`` of ``path`` unless it holds ``holder``'s coordinate's values on its dimensions."""
    if variable.dims != coordinate.dims or variable.shape != coordinate.shape:
        where = (f"on {dict(variable.sizes)} in {path.name} but {dict(coordinate.sizes)} in {holder.name}")
        raise ClimannError(f"'{name}' is a coordinate of {holder.name} and a plain variable of {path.name}, "
                           f"{where}: not the same cells; leave {path.name} out of the files given (--data)")
    values, reference = np.asarray(variable.values), np.asarray(coordinate.values)
    if np.issubdtype(values.dtype, np.floating) and np.issubdtype(reference.dtype, np.floating):
        coarser = min(values.dtype, reference.dtype, key=lambda dtype: dtype.itemsize)
        values, reference = values.astype(coarser), reference.astype(coarser)
        same = (values == reference) | (np.isnan(values) & np.isnan(reference))
    else:
        same = values == reference
    if np.all(same):
        return
    differs = ~np.asarray(same)
    largest = (f"up to {float(np.nanmax(np.abs(values[differs].astype(float) - reference[differs]))):.6g} apart"
               if np.issubdtype(values.dtype, np.number) and np.issubdtype(reference.dtype, np.number) else "")
    raise ClimannError(
        f"'{name}' is a coordinate of {holder.name} and a plain variable of {path.name} (a grid file's copy of it, "
        f"as NEMO's mesh_mask.nc writes without attributes) with other values at {int(differs.sum())} of its "
        f"{differs.size} cells{' (' + largest + ')' if largest else ''}: they are not the same cells; if "
        f"{path.name}'s variables are nonetheless on {holder.name}'s cells in that order, write a copy with its "
        f"coordinates: {_copy_command(path, holder, names, copy := copy_path(path, 'with_coordinates'))}"
        f"{in_place_note(f'{shown_path(path)} {shown_path(copy)}')}")


def _copy_command(path: Path, holder: Path, names: list[str], copy: Path) -> str:
    """The xarray line that writes ``copy`` of ``path`` with ``holder``'s coordinates ``names``."""
    script = (f"import sys, xarray as xr; d = xr.open_dataset({json.dumps(working_path(path))})"
              f".drop_vars({json.dumps(names)})"
              f".assign_coords(xr.open_dataset({json.dumps(working_path(holder))})[{json.dumps(names)}].coords); "
              + whole_write(target=json.dumps(working_path(copy))))
    return f"{python_command(script)}"

