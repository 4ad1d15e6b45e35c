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

A file may leave the standard names out and say the same by CF's other attributes: NSIDC v4-like
``xgrid(x)``/``ygrid(y)`` with ``axis = "X"``/``"Y"`` and ``units = "meters"`` beside a data
variable whose ``grid_mapping`` names a projection (rerun36 V3: refused "no latitude coordinate
found", with no way out). CF §4 says ``axis`` X/Y marks a variable as the grid's x/y and
appendix F gives a projection's x/y units of length, so a 1-D variable with both, alone on a
dimension without a coordinate variable, in a file with a grid mapping other than
``latitude_longitude``, is read as ``projection_x_coordinate``/``projection_y_coordinate``
(:func:`axis_reading`); ``info`` says so (the coordinate's ``encoding[READING_KEY]``).
"""

from __future__ import annotations

import xarray as xr

# The key of a promoted coordinate's ``encoding`` that holds its name in the file (``"xgrid"``) is a
# renamed variable's, so that a command on the file (climann.data.sources.name_in_file) names it so.
from climann.data.sources import FILE_NAME_KEY

__all__ = ["GRID_AXIS_STANDARD_NAMES", "axis_reading", "with_grid_axis_variables_as_coordinates"]

#: Standard names of a 1-D axis of a projected or rotated-pole grid (CF standard name table,
#: CF appendix F): the variable holds the position of each row or column on the map.
GRID_AXIS_STANDARD_NAMES = ("projection_x_coordinate", "projection_y_coordinate", "grid_longitude", "grid_latitude")

#: The key of a promoted coordinate's ``encoding`` that says how its standard name was read when
#: the file gave none (``"ygrid's axis 'Y' and units 'meters', …"``), for ``info``.
READING_KEY = "climann_axis_reading"

#: The standard name CF's ``axis`` attribute stands for on a projected grid (CF §4, appendix F).
_PROJECTION_AXES = {"X": "projection_x_coordinate", "Y": "projection_y_coordinate"}


def _projection_mapping(dataset: xr.Dataset) -> str | None:
    """The name of a projected grid mapping a data variable names by ``grid_mapping`` (CF §5.6),
    or None (none, or only ``latitude_longitude``, whose axes are no projection's x/y)."""
    for variable in dataset.data_vars.values():
        name = str(variable.attrs.get("grid_mapping", "")).split(":")[0].strip()
        mapping = dataset.variables.get(name) if name else None
        if mapping is not None and mapping.attrs.get("grid_mapping_name", "latitude_longitude") \
                != "latitude_longitude":
            return name
    return None


def axis_reading(variable: xr.Variable, name: str, mapping: str | None) -> tuple[str, str] | None:
    """The projection standard name a 1-D variable without one stands for, and why; or None.

    Parameters
    ----------
    variable : xarray.Variable
        1-D, on a dimension without a coordinate variable.
    name : str
        Its name in the file (``"ygrid"``).
    mapping : str or None
        The projected grid mapping of the file (:func:`_projection_mapping`), or None.

    Returns
    -------
    (str, str) or None
        ``("projection_y_coordinate", "ygrid's axis 'Y' and units 'meters' beside the grid mapping
        'projection'")`` when ``axis`` is X or Y (CF §4), the ``units`` a length
        (:data:`climann.data.projections.METRES_PER_UNIT`, appendix F) and ``mapping`` is given.
    """
    from climann.data.projections import METRES_PER_UNIT

    axis = str(variable.attrs.get("axis", "")).strip().upper()
    units = str(variable.attrs.get("units", "")).strip()
    if mapping is None or "standard_name" in variable.attrs or axis not in _PROJECTION_AXES \
            or units.lower() not in METRES_PER_UNIT:
        return None
    return _PROJECTION_AXES[axis], f"{name}'s axis '{axis}' and units '{units}' beside the grid mapping '{mapping}'"


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
    readings: dict[str, tuple[str, str]] = {}
    mapping = _projection_mapping(dataset)
    for dim in dataset.dims:
        if dim in dataset.variables:
            continue
        on_dim = {str(name): variable for name, variable in dataset.variables.items() if variable.dims == (dim,)}
        named = [name for name, variable in on_dim.items()
                 if variable.attrs.get("standard_name") in GRID_AXIS_STANDARD_NAMES]
        read = {name: found for name, variable in on_dim.items()
                if (found := axis_reading(variable, name, mapping)) is not None}
        if len(named) == 1:
            promoted[str(dim)] = named[0]
        elif not named and len(read) == 1:
            promoted[str(dim)] = next(iter(read))
            readings[str(dim)] = read[promoted[str(dim)]]
    if not promoted:
        return dataset
    axes = {}
    for dim, name in promoted.items():
        axis = dataset[name].variable.copy(deep=False)
        axis.encoding = {**axis.encoding, FILE_NAME_KEY: name}
        if dim in readings:
            axis.attrs = {**axis.attrs, "standard_name": readings[dim][0]}
            axis.encoding[READING_KEY] = readings[dim][1]
        axes[dim] = axis
    return dataset.drop_vars(list(promoted.values())).assign_coords(axes)
