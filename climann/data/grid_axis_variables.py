"""Projected and rotated axes stored under another name than their dimension, read as its coordinate.

CF §4 and §5 find a map projection's x/y by the standard names ``projection_x_coordinate`` and
``projection_y_coordinate`` (a rotated pole's by ``grid_longitude`` and ``grid_latitude``) on a
coordinate variable, one named as its dimension. Some files store the same axis under another
name: NOAA/NSIDC's sea-ice concentration CDR version 4 (G02202 v4) has dimensions ``x`` and ``y``
with no variables of those names, and its polar stereographic x/y in metres as ``xgrid(x)`` and
``ygrid(y)`` (standard names ``projection_x_coordinate`` and ``projection_y_coordinate``), beside
the grid mapping ``projection`` (EPSG:3411, Hughes 1980 ellipsoid). Left so, the rows and columns
were index only: the cell areas came from the file's 2-D latitude and longitude on a sphere
(0.9912 times the ellipsoid's), and the maps were drawn in a projection of the sphere instead of
the file's own x/y (break36a A6). Version 5 writes them as ``x(x)`` and ``y(y)``, which were read.

Each dimension without a coordinate variable that exactly one 1-D variable on it names by one of
:data:`GRID_AXIS_STANDARD_NAMES` gets that variable's values and attributes as its coordinate (the
variable itself, now the coordinate, is dropped): everything downstream, the grid mapping's
positions and ellipsoidal areas (:func:`climann.data.grids.geographic_grid`), ``info`` and the maps,
then reads the axis as that of the version 5 layout. Two such variables on one dimension are left
as they are (which one is meant is not said).
"""

from __future__ import annotations

import xarray as xr

__all__ = ["GRID_AXIS_STANDARD_NAMES", "with_grid_axis_variables_as_coordinates"]

#: Standard names of a 1-D axis of a projected or rotated-pole grid (CF standard name table,
#: CF appendix F): the variable holds the position of each row or column on the map.
GRID_AXIS_STANDARD_NAMES = ("projection_x_coordinate", "projection_y_coordinate", "grid_longitude", "grid_latitude")

#: The key of a promoted coordinate's ``encoding`` that holds its name in the file (``"xgrid"``).
FILE_NAME_KEY = "climann_name_in_file"


def with_grid_axis_variables_as_coordinates(dataset: xr.Dataset) -> xr.Dataset:
    """``dataset`` with each grid axis stored under another name than its dimension made the
    dimension's coordinate (NSIDC CDR v4's ``xgrid(x)`` becomes ``x(x)``).

    Parameters
    ----------
    dataset : xarray.Dataset
        As opened; not modified.

    Returns
    -------
    xarray.Dataset
        The same dataset when no dimension lacking a coordinate has one variable named by
        :data:`GRID_AXIS_STANDARD_NAMES` on it; else a copy with each such variable as the
        coordinate of its dimension, its attributes kept and its file name in
        ``encoding[FILE_NAME_KEY]``.

    Examples
    --------
    >>> import numpy as np
    >>> xgrid = ("x", np.array([-25e3, 25e3]), {"standard_name": "projection_x_coordinate", "units": "meters"})
    >>> dataset = xr.Dataset({"xgrid": xgrid, "sic": (("y", "x"), np.zeros((1, 2)))})
    >>> found = with_grid_axis_variables_as_coordinates(dataset)
    >>> found["x"].values.tolist(), "xgrid" in found
    ([-25000.0, 25000.0], False)
    """
    promoted: dict[str, str] = {}
    for dim in dataset.dims:
        if dim in dataset.variables:
            continue
        named = [str(name) for name, variable in dataset.variables.items()
                 if variable.dims == (dim,) and variable.attrs.get("standard_name") in GRID_AXIS_STANDARD_NAMES]
        if len(named) == 1:
            promoted[str(dim)] = named[0]
    if not promoted:
        return dataset
    axes = {}
    for dim, name in promoted.items():
        axis = dataset[name].variable.copy(deep=False)
        axis.encoding = {**axis.encoding, FILE_NAME_KEY: name}
        axes[dim] = axis
    return dataset.drop_vars(list(promoted.values())).assign_coords(axes)
