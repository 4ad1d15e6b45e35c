"""CAM's Gaussian weights, ``gw(lat)``, read as the latitude bounds of a grid that has none.

CESM's atmosphere (CAM) writes its history files' latitudes without bounds but with ``gw``,
the weight of each latitude row (``long_name = "gauss weights"``): on a Gaussian grid the
Gauss–Legendre quadrature weights, on a finite-volume grid the rows' areas; either way the
difference of the sines of each row's edges, summing to 2 from pole to pole (NCL's
``latGauWgt``; Hortal and Simmons 1991, "Use of reduced Gaussian grids in spectral models",
for the cells a Gaussian grid's rows stand for). A file whose weights were not read had its
areas computed from edges midway between the centres (break29b A8: the polar rows' areas
5.8 % too large on a Gaussian grid, a test climatology MSE 4.938 against 4.994).

The edges follow from the weights summed from the south pole: sin φ_{k+½} = −1 + Σ_{j≤k} w_j
(rows in ascending latitude). They are given to the latitude as CF bounds (shape (n, 2), in
the axis's order) when the weights are positive, sum to 2 (a whole globe: a regional cut
has lost the edge its sums start from) and each centre lies within its edges; weights that
do not are not used, with a warning saying why, and the areas are computed from the centres
as before.
"""

from __future__ import annotations

import logging

import numpy as np
import xarray as xr

from climann.data.coords import geographic_kinds, name_kind
from climann.data.notes import note_once

__all__ = ["WEIGHTS_READ_KEY", "edges_from_weights", "latitude_weights_name", "with_latitude_weights_as_bounds"]

_log = logging.getLogger(__name__)

#: The key of a latitude's ``encoding`` naming the weights its bounds were computed from
#: (``"gw"``), for ``climann info`` to say so.
WEIGHTS_READ_KEY = "climann_bounds_from_weights"

#: How close to 2 the weights must sum for the rows to span the globe (relative): CAM writes
#: them in double precision, a float32 copy keeps about 7 digits.
_WHOLE_GLOBE_RTOL = 1e-5


def latitude_weights_name(dataset: xr.Dataset, latitude: str) -> str | None:
    """The variable holding CAM's Gaussian weights of the 1-D coordinate ``latitude``, None
    without: named ``gw``, or with a ``long_name`` that says Gaussian weights, on the
    latitude's dimension alone.

    Parameters
    ----------
    dataset : xarray.Dataset
    latitude : str
        A 1-D latitude coordinate.

    Returns
    -------
    str or None
    """
    dims = dataset.variables[latitude].dims
    for name, variable in dataset.variables.items():
        long_name = str(variable.attrs.get("long_name", "")).lower()
        said = "gauss" in long_name and "weight" in long_name
        if variable.dims == dims and name != latitude and (name == "gw" or said):
            return str(name)
    return None


def edges_from_weights(latitudes: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The latitude bounds of rows whose Gaussian weights are ``weights``, shape (n, 2).

    sin φ_{k+½} = −1 + Σ_{j≤k} w_j over the rows in ascending latitude, the weights scaled to
    sum to exactly 2 (CAM's ``gw``; see the module's description).

    Parameters
    ----------
    latitudes : ndarray, shape (n,)
        Row centres, degrees north, ascending or descending.
    weights : ndarray, shape (n,)
        Each row's weight, positive, summing to 2 (pole to pole).

    Returns
    -------
    ndarray, shape (n, 2)
        Each row's southern and northern edge, degrees north, in the rows' order (for a
        descending axis, the northern edge first, as the axis runs).

    Examples
    --------
    >>> edges_from_weights(np.array([-45.0, 45.0]), np.array([1.0, 1.0])).tolist()
    [[-90.0, 0.0], [0.0, 90.0]]
    """
    latitudes, weights = np.asarray(latitudes, np.float64), np.asarray(weights, np.float64)
    order = np.argsort(latitudes, kind="stable")
    sines = np.concatenate([[-1.0], -1.0 + np.cumsum(weights[order]) * 2.0 / weights.sum()])
    edges = np.degrees(np.arcsin(np.clip(sines, -1.0, 1.0)))
    ascending = np.stack([edges[:-1], edges[1:]], axis=-1)
    bounds = np.empty_like(ascending)
    bounds[order] = ascending
    if latitudes.size > 1 and latitudes[0] > latitudes[-1]:
        bounds = bounds[:, ::-1]
    return bounds


def with_latitude_weights_as_bounds(dataset: xr.Dataset, where: str = "the file") -> xr.Dataset:
    """``dataset`` with the bounds of its 1-D latitude computed from CAM's Gaussian weights
    when it has no bounds of its own (see the module's description).

    Parameters
    ----------
    dataset : xarray.Dataset
        One file, as opened; the weights are read (small: one value per row).
    where : str
        The file, for the warning.

    Returns
    -------
    xarray.Dataset
        A shallow copy with bounds ``<latitude>_bnds`` of shape (n, 2) on (latitude, ``bnds``)
        and the latitude's ``bounds`` attribute naming them, when the weights were read; else
        ``dataset`` itself.
    """
    for latitude in _latitudes_without_bounds(dataset):
        weights = latitude_weights_name(dataset, latitude)
        if weights is None:
            continue
        centres = np.asarray(dataset.variables[latitude].values, np.float64)
        values = np.asarray(dataset.variables[weights].values, np.float64)
        problem = _unusable(centres, values)
        if problem is not None:
            note_once(_log, logging.WARNING, (
                f"{where}: '{weights}' (Gaussian weights of '{latitude}', as CESM's CAM writes them) {problem}: not "
                f"used; the areas are computed from edges midway between the latitudes"
            ), key=("latitude weights unusable", where, weights))
            continue
        dataset = _with_bounds(dataset, latitude, weights, edges_from_weights(centres, values))
    return dataset


def _latitudes_without_bounds(dataset: xr.Dataset) -> list[str]:
    """The 1-D latitude coordinates (by CF attributes or name) on their own dimension with no
    ``bounds`` attribute."""
    found = []
    for name, variable in dataset.variables.items():
        kinds = geographic_kinds(variable)
        is_latitude = "latitude" in kinds if kinds else name_kind(str(name)) == "latitude"
        if is_latitude and variable.dims == (name,) and "bounds" not in variable.attrs:
            found.append(str(name))
    return found


def _unusable(centres: np.ndarray, weights: np.ndarray) -> str | None:
    """Why the weights cannot give the rows' edges, None when they can."""
    if not (np.isfinite(weights).all() and np.isfinite(centres).all() and (weights > 0).all()):
        return "holds values that are not positive"
    total = weights.sum()
    if not np.isclose(total, 2.0, rtol=_WHOLE_GLOBE_RTOL, atol=0.0):
        return (f"sums to {total:.6g}, not 2 (the rows of a whole globe): a regional cut of the file has lost the "
                "edge its sums start from")
    bounds = edges_from_weights(centres, weights)
    low, high = bounds.min(axis=-1), bounds.max(axis=-1)
    slack = 1e-6 * (high - low) + 1e-9
    outside = (centres < low - slack) | (centres > high + slack)
    if outside.any():
        row = int(np.argmax(outside))
        return (f"puts the row at {centres[row]:g}° between {low[row]:.4g}° and {high[row]:.4g}°: they are not the "
                "weights of these rows")
    return None


def _with_bounds(dataset: xr.Dataset, latitude: str, weights: str, bounds: np.ndarray) -> xr.Dataset:
    """``dataset`` with ``bounds`` as the CF bounds of ``latitude``."""
    vertex_dim, number = "bnds", 1
    while dataset.sizes.get(vertex_dim, 2) != 2:
        vertex_dim, number = f"bnds{number}", number + 1
    name = f"{latitude}_bnds"
    while name in dataset.variables:
        name = f"{name}_"
    dataset = dataset.copy(deep=False)  # copies each variable's attributes
    units = dataset.variables[latitude].attrs.get("units", "degrees_north")
    dataset = dataset.assign_coords({name: ((latitude, vertex_dim), bounds, {"units": units})})
    dataset.variables[latitude].attrs["bounds"] = name
    dataset.variables[latitude].encoding[WEIGHTS_READ_KEY] = weights
    return dataset
