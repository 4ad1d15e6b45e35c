"""Land-only output compressed by gathering (CF §8.2) put back on its latitude-longitude grid.

Land-surface models (JULES, CLM, ORCHIDEE) write only the land cells: ``tas(time, land)`` with a
*list variable* ``int land(land)`` whose attribute ``compress = "lat lon"`` names the grid's
dimensions, and whose values are each cell's position in the grid read as one flat array,
0 the first and the last named dimension varying fastest (CF §8.2: ``land = lat_index *
n_lon + lon_index``). ``land`` is not an extra dimension to choose one value of: it *is* the grid.
As each file is opened, every variable on the compressed dimension is scattered back onto the
named dimensions, its cells that the list leaves out (the sea) missing, as the uncompressed
file would hold them (``tas(time, lat, lon)``). Only the list variable is read; the data stay
lazy (one indexing by an integer array of the grid's shape).

Source: CF conventions 1.8 §8.2 (compression by gathering), example 8.2.
"""

from __future__ import annotations

import dask
import numpy as np
import xarray as xr

from climann.errors import ClimannError

__all__ = ["ungathered"]

#: Encoding entries that describe the gathered variable's storage shape.
_CHUNK_KEYS = ("chunksizes", "preferred_chunks", "original_shape", "contiguous")


def ungathered(dataset: xr.Dataset, where: str = "the file") -> xr.Dataset:
    """``dataset`` with each variable compressed by gathering on the grid the list variable names.

    Parameters
    ----------
    dataset : xarray.Dataset
        One opened file (lazy; not modified).
    where : str
        The file's name, for the messages.

    Returns
    -------
    xarray.Dataset
        The same dataset when no variable has a ``compress`` attribute; else every variable on
        the list variable's dimension, e.g. ``tas`` of shape (n_time, n_land), with that
        dimension replaced by the named ones, shape (n_time, n_lat, n_lon), missing (NaN)
        where no land cell lies; the list variable dropped.

    Raises
    ------
    ClimannError
        If the list variable names a dimension the file lacks, or holds a position outside
        the grid or one twice (a list written 1-based, or not a CF list).
    """
    for name, variable in list(dataset.variables.items()):
        if "compress" in variable.attrs and variable.dims == (name,):
            dataset = _scattered(dataset, str(name), str(variable.attrs["compress"]).split(), where)
    return dataset


def _scattered(dataset: xr.Dataset, name: str, dims: list[str], where: str) -> xr.Dataset:
    """Every variable on dimension ``name`` scattered onto ``dims`` by the list variable ``name``."""
    missing = [dim for dim in dims if dim not in dataset.sizes]
    if missing:
        raise ClimannError(f"{where}: '{name}' is compressed by gathering (CF §8.2) onto the dimensions "
                           f"{' '.join(dims)}, but the file has no dimension {', '.join(missing)}: give the file "
                           "with its grid's coordinates, or uncompress it first (cf-python's cf.read does)")
    shape = tuple(dataset.sizes[dim] for dim in dims)
    with dask.config.set(scheduler="synchronous"):
        positions = np.asarray(dataset[name].values).astype(np.int64)
    n_cells = int(np.prod(shape))
    repeats = len(np.unique(positions)) < positions.size
    if positions.size and (positions.min() < 0 or positions.max() >= n_cells or repeats):
        raise ClimannError(
            f"{where}: the list variable '{name}' (compression by gathering, CF §8.2) holds positions "
            f"{positions.min()} to {positions.max()}{' with repeats' if repeats else ''}, but the "
            f"{' × '.join(map(str, shape))} grid ({' '.join(dims)}) has cells 0 to {n_cells - 1}, each once "
            "(CF counts from 0): fix the list, e.g. subtract 1 if it was written counting from 1")
    index = np.full(n_cells, -1)
    index[positions] = np.arange(positions.size)
    taken = xr.DataArray(np.maximum(index, 0).reshape(shape), dims=dims)
    present = xr.DataArray(index.reshape(shape) >= 0, dims=dims)
    gathered = dataset.drop_vars(name)
    scattered = {
        str(var_name): _on_grid(variable, name, taken, present)
        for var_name, variable in gathered.data_vars.items() if name in variable.dims
    }
    return gathered.assign(scattered)


def _on_grid(variable: xr.DataArray, dim: str, taken: xr.DataArray, present: xr.DataArray) -> xr.DataArray:
    """``variable`` with ``dim`` replaced by the grid: the value of the list's cell where
    ``present``, else missing. Its attributes and encoding are kept, but for the storage's
    chunk shapes, which were those of the gathered dimension."""
    on_grid = variable.isel({dim: taken}).where(present)
    on_grid.attrs = dict(variable.attrs)
    on_grid.encoding = {key: value for key, value in variable.encoding.items() if key not in _CHUNK_KEYS}
    return on_grid
