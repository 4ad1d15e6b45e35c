"""Variables on one dimension twice (``averaging_kernel(nlev, nlev)``) left out when a file is
opened.

Retrieval products (AIRS, OCO-2, TROPOMI, IASI) carry averaging kernels and error covariances,
matrices over one axis written on that dimension twice: ``averaging_kernel(nlev, nlev)``,
``cov(k, k)``. NetCDF allows it; CF conventions 1.8 §2.4 recommends against it, and xarray cannot
compute with such a variable (it says so in a ``UserWarning`` at every opening, and fails with
"broadcasting cannot handle duplicate dimensions" at the first computation). Such a matrix is
no field on the latitude-longitude grid and never a feature: each is left out of the opened
dataset, said once per run in one line naming it (the first file that holds it; files of a
series hold the same), in place of xarray's warning; the other variables are read as usual.
"""

from __future__ import annotations

import logging

import xarray as xr

from climann.data.notes import note_once

__all__ = ["XARRAY_WARNING", "without_repeated_dimensions"]

_log = logging.getLogger(__name__)

#: The start of xarray's ``UserWarning`` on such a variable, silenced where the variable is
#: left out (:func:`without_repeated_dimensions` says it in climann's words instead).
XARRAY_WARNING = "Duplicate dimension names present"


def without_repeated_dimensions(dataset: xr.Dataset, where: str) -> xr.Dataset:
    """``dataset`` without its variables that have one dimension more than once.

    Parameters
    ----------
    dataset : xarray.Dataset
        One opened file (not modified).
    where : str
        The file's name, for the note.

    Returns
    -------
    xarray.Dataset
        The same dataset when no variable repeats a dimension.
    """
    repeated = {str(name): variable.dims for name, variable in dataset.variables.items()
                if len(set(variable.dims)) < len(variable.dims)}
    if not repeated:
        return dataset
    shown = ", ".join(f"{name}({', '.join(map(str, dims))})" for name, dims in repeated.items())
    note_once(_log, logging.WARNING, lambda: (
        f"{where}: {shown} left out: a variable on one dimension twice (a matrix such as an averaging "
        "kernel or an error covariance) is no field on the grid, and xarray cannot compute with it"),
        key=("repeated dimensions", shown))
    return dataset.drop_vars(list(repeated))
