"""xESMF's cell-corner arrays, ``lat_b``/``lon_b``, read as the cells' CF bounds.

xESMF describes a grid's cells by the corners they share: ``lat_b``/``lon_b`` of shape
(n_y + 1, n_x + 1) beside 2-D ``lat``/``lon`` of shape (n_y, n_x), or of shape (n + 1,)
beside 1-D ones (``xe.util.grid_global``, and the target grids of its conservative
regridding), saved with its output without a ``bounds`` attribute. CF §7.1 writes the same
cells as bounds on the coordinate's own dimensions and one more, last: shape (n_y, n_x, 4)
or (n, 2). A file whose corners were not read had its areas computed from edges midway
between the centres (break29b A2: the area weights of a grid with uneven latitude edges off by
a factor 0.84 to 1.13, a test MSE 5 % low).

Each latitude or longitude coordinate (by its CF attributes or its name) with a variable that
is recognisably its corners — named ``<name>_b``, or named by its ``bounds`` attribute, of
shape one more than the coordinate along each axis, and holding each centre within its cell —
has them turned into CF bounds with cf_xarray's ``vertices_to_bounds`` (anticlockwise, as
CF wants), under the same name, and its ``bounds`` attribute naming them: everything
downstream (the areas, ``info``, the maps) reads them as the CF bounds they are. Corners that
do not hold the centres are not used, with a warning that says which cell, and the areas are
computed from the centres, as before.
"""

from __future__ import annotations

import logging

import numpy as np
import xarray as xr
from cf_xarray import vertices_to_bounds

from climann.data.coords import geographic_kinds, name_kind
from climann.data.geometry import wrapped_difference
from climann.data.notes import note_once

__all__ = ["CORNERS_READ_KEY", "corner_array_name", "corners_outside", "with_corner_arrays_as_bounds"]

_log = logging.getLogger(__name__)

#: The key of a coordinate's ``encoding`` that names the corner array its bounds were read
#: from (``"lat_b"``), for ``climann info`` to say so.
CORNERS_READ_KEY = "climann_corners_read_from"

#: The vertex dimension given to the bounds, by the coordinate's number of dimensions, and
#: its length (CF §7.1: 2 for an axis, 4 for a quadrilateral cell).
_VERTEX_DIMS = {1: ("bnds", 2), 2: ("vertices", 4)}


def corner_array_name(dataset: xr.Dataset, name: str) -> str | None:
    """The variable holding the cell corners of coordinate ``name`` in xESMF's form, None
    without: named by its ``bounds`` attribute or ``<name>_b``, with as many dimensions as the
    coordinate and one more value along each (shape (n + 1,) or (n_y + 1, n_x + 1)).

    Parameters
    ----------
    dataset : xarray.Dataset
    name : str
        A latitude or longitude coordinate, 1-D or 2-D.

    Returns
    -------
    str or None
    """
    centres = dataset.variables[name]
    named = str(centres.attrs.get("bounds", ""))
    for candidate in (named, f"{name}_b"):
        if candidate in dataset.variables and candidate != name:
            corners = dataset.variables[candidate]
            if corners.shape == tuple(size + 1 for size in centres.shape) and not set(corners.dims) & set(centres.dims):
                return candidate
    return None


def corners_outside(centres: np.ndarray, corners: np.ndarray, *, longitude: bool) -> tuple[int, ...] | None:
    """The index of the first cell whose corners do not surround its centre, None when all do.

    A centre on an edge is inside, to within :data:`climann.data.time_cells.EDGE_TOLERANCE`
    of the cell's extent. Longitudes are compared modulo 360°, along the shorter arc; a cell
    whose corners span 180° of longitude or more (one round a pole) is not judged by
    longitude. Cells with a missing corner are not judged.

    Parameters
    ----------
    centres : ndarray, shape (n,) or (n_y, n_x)
        Cell centres, degrees.
    corners : ndarray, shape (n, 2) or (n_y, n_x, 4)
        Each cell's corners (CF bounds), degrees.
    longitude : bool
        Whether the values are longitudes.

    Returns
    -------
    tuple of int or None
    """
    from climann.data.time_cells import EDGE_TOLERANCE

    centres, corners = np.asarray(centres, np.float64), np.asarray(corners, np.float64)
    offsets = wrapped_difference(corners, centres[..., None]) if longitude else corners - centres[..., None]
    low, high = offsets.min(axis=-1), offsets.max(axis=-1)
    slack = EDGE_TOLERANCE * (high - low) + 1e-9
    outside = (low > slack) | (high < -slack)
    if longitude:
        outside &= high - low < 180.0
    outside &= np.isfinite(centres) & np.isfinite(corners).all(axis=-1)
    return tuple(int(i) for i in np.argwhere(outside)[0]) if outside.any() else None


def with_corner_arrays_as_bounds(dataset: xr.Dataset, where: str = "the file") -> xr.Dataset:
    """``dataset`` with xESMF's corner arrays of its latitude and longitude turned into their
    CF bounds (see the module's description).

    Parameters
    ----------
    dataset : xarray.Dataset
        One file, as opened; the corner arrays are read (small: the grid's size).
    where : str
        The file, for the warning.

    Returns
    -------
    xarray.Dataset
        A shallow copy when corners were read (the opened dataset is left as it is), each
        corner array replaced by bounds of shape (n, 2) on (``name``, ``bnds``) or
        (n_y, n_x, 4) on (its dims, ``vertices``), anticlockwise, and the coordinate's
        ``bounds`` attribute naming them; else ``dataset`` itself.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> ds = xr.Dataset(coords={"lat": ("lat", [-45.0, 45.0], {"units": "degrees_north"}),
    ...                         "lat_b": ("lat_b", [-90.0, 0.0, 90.0])})
    >>> with_corner_arrays_as_bounds(ds)["lat_b"].values.tolist()
    [[-90.0, 0.0], [0.0, 90.0]]
    """
    result = dataset
    for name in _geographic_coordinates(dataset):
        corners = corner_array_name(dataset, name)
        if corners is None or not _consistent(dataset, name, corners, where):
            continue
        if result is dataset:
            result = dataset.copy(deep=False)  # copies each variable's attributes
        result = _with_bounds_from(result, name, corners)
    return result


def _geographic_coordinates(dataset: xr.Dataset) -> list[str]:
    """The 1-D and 2-D variables that are a latitude or longitude by their CF attributes or,
    without any, by their names (:func:`climann.data.coords.name_kind`)."""
    return [str(name) for name, variable in dataset.variables.items()
            if variable.ndim in (1, 2) and (geographic_kinds(variable) or name_kind(str(name)))
            and not str(name).endswith("_b")]


def _is_longitude(dataset: xr.Dataset, name: str) -> bool:
    kinds = geographic_kinds(dataset.variables[name])
    return "longitude" in kinds if kinds else name_kind(name) == "longitude"


def _consistent(dataset: xr.Dataset, name: str, corners: str, where: str) -> bool:
    """Whether the corners surround each centre; a warning when they do not."""
    centres = np.asarray(dataset.variables[name].values, np.float64)
    bounds = vertices_to_bounds(xr.DataArray(np.asarray(dataset.variables[corners].values, np.float64))).values
    cell = corners_outside(centres, bounds, longitude=_is_longitude(dataset, name))
    if cell is None:
        return True
    index = ", ".join(map(str, cell))
    note_once(_log, logging.WARNING, (
        f"{where}: '{corners}' (of shape {dataset.variables[corners].shape}: the cell corners of "
        f"'{name}', as xESMF writes them) does not surround {name}={centres[cell]:g} at index ({index}) (corners "
        f"{', '.join(f'{value:g}' for value in bounds[cell])}): not used; the areas are computed from the centres "
        f"(edges midway between them); if the corners are right, the centres or the corners were reordered apart"
    ), key=("corner arrays outside", where, corners))
    return False


def _with_bounds_from(dataset: xr.Dataset, name: str, corners: str) -> xr.Dataset:
    """``dataset`` with the corner array ``corners`` of ``name`` replaced by its CF bounds."""
    centres, vertices = dataset.variables[name], dataset.variables[corners]
    vertex_dim = _free_dimension(dataset, *_VERTEX_DIMS[centres.ndim])
    values = np.asarray(vertices.values)
    bounds = vertices_to_bounds(xr.DataArray(values), out_dims=(vertex_dim, *map(str, centres.dims))).variable
    bounds.attrs = {key: value for key, value in vertices.attrs.items() if key not in ("standard_name", "axis")}
    bounds.encoding = {key: value for key, value in vertices.encoding.items() if key == "source"}
    is_coordinate = corners in dataset.coords
    dataset = dataset.drop_vars(corners)
    dataset = dataset.assign_coords({corners: bounds}) if is_coordinate else dataset.assign({corners: bounds})
    dataset.variables[name].attrs["bounds"] = corners
    dataset.variables[name].encoding[CORNERS_READ_KEY] = corners
    return dataset


def _free_dimension(dataset: xr.Dataset, preferred: str, size: int) -> str:
    """``preferred``, or ``preferred`` with a number, unless the dataset has that dimension at
    another length."""
    name, number = preferred, 1
    while dataset.sizes.get(name, size) != size:
        name, number = f"{preferred}{number}", number + 1
    return name
