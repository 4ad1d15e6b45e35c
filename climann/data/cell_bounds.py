"""A coordinate's ``bounds`` attribute that names a variable the file does not hold.

CF §7.1: a coordinate's cell boundaries are the variable its ``bounds`` attribute names
(``time:bounds = "time_bnds"``, ``lat:bounds = "lat_bnds"``, the 2-D corners of a curvilinear
grid, a level's ``plev_bnds``). Tools that copy some variables of a file keep the attribute and
leave the variable behind: xarray's ``ds[["t2m"]].to_netcdf(...)`` of a file with bounds,
``ncks -C -v t2m``. Such a file has no bounds, and is read as one without: each file's
dangling attributes are dropped when it is opened (:func:`without_absent_bounds`), with a
note naming them (``-v``, ``train.log``), so that nothing downstream takes the attribute for
bounds (the ``season`` and ``year`` features of a monthly file stamped on the 1st were dated by
the raw stamps, half a month early, as if the bounds had dated them).
"""

from __future__ import annotations

import logging

import xarray as xr

from climann.data.notes import note_once

__all__ = ["absent_bounds", "without_absent_bounds"]

_log = logging.getLogger(__name__)


def absent_bounds(dataset: xr.Dataset) -> dict[str, str]:
    """Variable name → the bounds variable its ``bounds`` attribute names, for each variable
    whose named bounds are not in ``dataset`` (an empty attribute included)."""
    return {str(name): str(variable.attrs["bounds"]) for name, variable in dataset.variables.items()
            if "bounds" in variable.attrs and str(variable.attrs["bounds"]) not in dataset.variables}


def without_absent_bounds(dataset: xr.Dataset, where: str = "the file") -> xr.Dataset:
    """``dataset`` without the ``bounds`` attributes that name absent variables (CF §7.1).

    Each dropped attribute is said in one note (logged at INFO, once per run and file): the
    variable and the bounds it names. Variables whose bounds are present are unchanged.

    Parameters
    ----------
    dataset : xarray.Dataset
        One file, as opened (lazy; nothing is read).
    where : str
        The file, for the note.

    Returns
    -------
    xarray.Dataset
        A shallow copy when an attribute is dropped (the opened dataset is left as it is),
        else ``dataset`` itself.

    Examples
    --------
    A time whose ``bounds = "time_bnds"`` names no variable becomes a time without bounds:

    >>> import numpy as np, xarray as xr
    >>> ds = xr.Dataset(coords={"time": ("time", np.arange(3), {"bounds": "time_bnds"})})
    >>> "bounds" in without_absent_bounds(ds)["time"].attrs
    False
    """
    absent = absent_bounds(dataset)
    if not absent:
        return dataset
    result = dataset.copy(deep=False)  # copies each variable's attributes: the opened dataset keeps its own
    for name in absent:
        del result.variables[name].attrs["bounds"]
    listed = ", ".join(f"'{name}' names '{bounds}'" for name, bounds in absent.items())
    note_once(_log, logging.INFO, (
        f"{where}: read without the cell bounds its bounds attributes name, which the file does not hold "
        f"({listed}; left by a tool that copied some variables, e.g. xarray's ds[[...]].to_netcdf or ncks -C -v)"))
    return result
