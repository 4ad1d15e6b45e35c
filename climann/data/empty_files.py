"""Files that hold no values: a dimension of their data variables has length 0.

An unlimited dimension may have length 0 (NetCDF User Guide, "Dimensions": a record
dimension grows as records are written; a file with none is valid and ``ncdump -h`` reads
it). ``cdo seldate`` outside a file's period, ``ncks -d time,…`` past its end, or a download
of a year not yet published leave such a file: ``tas(time, lat, lon)`` with ``time`` of
length 0. NetCDF-4 allows several unlimited dimensions, so a latitude or longitude of length
0 can be stored too (a fixed dimension cannot have length 0).

Such a file has nothing to learn from or to describe, and in a set of files it would not
combine with the others (xarray: "Cannot handle size zero dimensions", which named the good
files as not NetCDF). It is refused in one line naming every such file of the set, so that
the user can leave them out; the good files are never blamed. Leaving them out quietly would
hide that a year the user asked for is absent.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import xarray as xr

from climann.data.coords import time_coordinate
from climann.errors import ClimannError


def empty_dimension(dataset: xr.Dataset) -> str | None:
    """The dimension of length 0 that the data variables of ``dataset`` lie on (the time
    dimension first), or None when every data variable holds values (or none has dimensions).

    Parameters
    ----------
    dataset : xarray.Dataset
        One file, opened.

    Returns
    -------
    str or None
    """
    empty = [str(dim) for dim, size in dataset.sizes.items()
             if size == 0 and any(dim in variable.dims for variable in dataset.data_vars.values())]
    if not empty:
        return None
    time = time_coordinate(dataset)
    time_dim = dataset[time].dims[0] if time is not None and dataset[time].ndim == 1 else None
    return time_dim if time_dim in empty else empty[0]


def _what_is_missing(dataset: xr.Dataset, dim: str) -> str:
    """'no time step (its time dimension 'time' has length 0)', or the same for another dimension."""
    time = time_coordinate(dataset)
    if time is not None and dataset[time].dims == (dim,):
        return f"no time step (its time dimension '{dim}' has length 0)"
    names = ", ".join(str(name) for name, variable in dataset.data_vars.items() if dim in variable.dims)
    return f"no value of {names} (dimension '{dim}' has length 0)"


def check_not_empty(datasets: Mapping[Path, xr.Dataset]) -> None:
    """Refuse the files whose data variables hold no values (:func:`empty_dimension`),
    naming all of them in one line.

    Parameters
    ----------
    datasets : mapping of Path to xarray.Dataset
        Each file of a set, opened.

    Raises
    ------
    ClimannError
        If one or more of the files holds no values: "tas_2010.nc holds no time step (its
        time dimension 'time' has length 0) …: leave it out of the files given".
    """
    empty = {path: _what_is_missing(dataset, dim) for path, dataset in datasets.items()
             if (dim := empty_dimension(dataset)) is not None}
    if not empty:
        return
    parts = "; ".join(f"{path.name} holds {what}" for path, what in empty.items())
    them = "it" if len(empty) == 1 else "them"
    others = f" (the other {len(datasets) - len(empty)} files hold values)" if len(datasets) > len(empty) else ""
    made = (" — cdo seldate or ncks -d outside a file's period, or a download of a year not yet published, "
            "leaves such a file" if any("time step" in what for what in empty.values()) else "")
    raise ClimannError(f"{parts}: leave {them} out of the files given (--data, [data] paths){others}{made}")
