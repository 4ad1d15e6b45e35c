"""A file beside a cut of itself: one variable at the same times in both, the second's cells a
part of the first's grid.

``ncks -d j,6,11 siconc.nc siconc_north.nc`` keeps the whole grid's index values ``j``/``i`` and its
2-D latitudes and longitudes at those rows; ``cdo sellonlatbox`` keeps the latitude and longitude
of the cells it selects. Given both (two ``--data``, or a glob over their folder), the variable is
held twice. When one file's cells are a cut of the other's grid
(:func:`~climann.data.grid_cuts.cut_cells`) and the values at the first step agree there, the
second is a copy of part of the first: climann says which cells, and that one of the two is to be
given (break48e A3 was asked whether one was interpolated from the other). When the values
differ at those cells (two scenarios, one cut), it says so, with the rename that tells them apart
and the cut of the whole grid to the same cells (:mod:`climann.data.grid_cuts`).

Sources: NCO user guide, ``ncks -d`` hyperslabs (index values kept); CDO user guide,
``sellonlatbox``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import dask
import numpy as np
import xarray as xr

from climann.data.grid_cuts import cut_advice, cut_cells, index_cut_advice
from climann.data.renames import FileRenames, rename_table
from climann.data.sources import two_names

__all__ = ["cut_copy_message"]

#: Relative difference within which values at one cell are one value (a packed copy rounds
#: to its packing's step, which this does not cover: those are told as other values).
_SAME_VALUES = 1e-6


def cut_copy_message(name: str, first: tuple[Path, xr.Dataset, Mapping[str, xr.DataArray]],
                     second: tuple[Path, xr.Dataset, Mapping[str, xr.DataArray]], files: Sequence[Path],
                     renames: FileRenames | None = None, *, tolerance: float) -> str | None:
    """The refusal of the variable ``name`` held by two files at the same times where one file's
    cells are a cut of the other's grid; None when neither is a cut of the other.

    Parameters
    ----------
    name : str
        The variable both files hold.
    first, second : tuple of (Path, xarray.Dataset, mapping of str to xarray.DataArray)
        Each file, opened (times undecoded), and its grid coordinates
        (:func:`climann.data.open.grid_coordinates`).
    files, renames
        All the files given and the run's renames, for the rename advised when the values differ
        (:func:`~climann.data.renames.rename_table`).
    tolerance : float
        As grids are compared (:data:`climann.data.grids.GRID_TOLERANCE`).

    Returns
    -------
    str or None
        One line: ``"'siconc' is in both a.nc and b.nc at the same times, and b.nc is the cells
        j 6…11 of a.nc's grid with the same values there (a cut of it): give one of them …"``.
    """
    for whole, part in ((first, second), (second, first)):
        found = cut_cells(part[2], whole[2], tolerance=tolerance)
        if found is None:
            continue
        indexer, cells = found
        same = _same_values(whole[1][name], part[1][name], indexer)
        head = (f"'{name}' is in both {two_names(first[0], second[0])} at the same times, and {part[0].name} "
                f"is the cells {cells} of {whole[0].name}'s grid")
        if same is False:  # both are wanted: the whole cut to the same cells, and one field renamed
            way = (index_cut_advice(part[2], part[0].name, whole[2], whole[0], tolerance=tolerance)
                   or cut_advice(part[2], part[0].name, whole[2], whole[0], tolerance=tolerance))
            return (f"{head}, with other values there (two scenarios?): to use both, give {part[0].name}'s a new "
                    f"name with [data] rename = {rename_table(name, part[0], whole[0], files, renames)}, and put "
                    f"them on one grid: {way}")
        there = " with the same values there" if same else ""
        return (f"{head}{there} (a cut of it): give one of them, {whole[0].name} for the whole grid or "
                f"{part[0].name} for its cells alone (a --data that takes both, as a glob over their folder does, "
                f"reads both; a copy goes in a folder of its own)")
    return None


def _same_values(whole: xr.DataArray, part: xr.DataArray, indexer: Mapping[str, slice | np.ndarray]) -> bool | None:
    """Whether ``part``'s first step (of every axis not in ``indexer``) holds ``whole``'s values at
    the cells ``indexer`` selects (missing where the other is missing); None when they cannot be
    put side by side (other dimensions)."""
    if whole.dims != part.dims or not set(indexer) <= set(whole.dims):
        return None
    first = {dim: 0 for dim in whole.dims if dim not in indexer and dim not in _grid_dims(part, indexer)}
    with dask.config.set(scheduler="synchronous"):
        ours = np.asarray(whole.isel(first).isel(dict(indexer)).values, np.float64)
        theirs = np.asarray(part.isel(first).values, np.float64)
    if ours.shape != theirs.shape:
        return None
    return bool(np.allclose(ours, theirs, rtol=_SAME_VALUES, atol=0.0, equal_nan=True))


def _grid_dims(part: xr.DataArray, indexer: Mapping[str, slice | np.ndarray]) -> set[str]:
    """The horizontal dimensions of ``part``: the cut ones and, of a cut along one axis, the whole
    other one (the last two dimensions, as CF orders them: …, y, x)."""
    return set(indexer) | {str(dim) for dim in part.dims[-2:]}
