"""Geometry of cells on the sphere from 2-D latitude and longitude (curvilinear grids).

Plain NumPy on arrays of degrees; no files, no xarray. Used for the area weights of
curvilinear, rotated-pole and projected grids, whose cells are not latitude-longitude boxes.
"""

from __future__ import annotations

import numpy as np


def wrapped_difference(longitude: np.ndarray, reference: np.ndarray | float) -> np.ndarray:
    """λ − λ_ref brought into [−180, 180) degrees, so that 179° and −179° are 2° apart."""
    return (np.asarray(longitude, np.float64) - reference + 180.0) % 360.0 - 180.0


def polygon_areas(latitude_bounds: np.ndarray, longitude_bounds: np.ndarray) -> np.ndarray:
    """Area of each cell from its corners, on the unit sphere (steradians).

    Each cell is the polygon through its vertices in the plane of the Lambert cylindrical
    equal-area projection (x = λ in radians, y = sin φ), whose areas equal areas on the
    sphere; the shoelace formula A = ½ |Σₖ (xₖ yₖ₊₁ − xₖ₊₁ yₖ)| gives it. For cells bounded
    by meridians and parallels (a regular grid) this is exact, (λ₂ − λ₁)(sin φ₂ − sin φ₁);
    for other cells it takes the edges as straight in that projection rather than great
    circles, a relative difference of the order of the squared cell size in radians (below
    1e-4 for 1° cells). Longitudes are taken relative to each cell's first vertex, so cells
    across the dateline are whole. A cell that contains a pole is not handled.

    Parameters
    ----------
    latitude_bounds, longitude_bounds : ndarray, shape (..., n_vertices)
        The vertices in order (clockwise or anticlockwise, as CF asks), degrees.

    Returns
    -------
    ndarray, shape (...)
    """
    longitude_bounds = np.asarray(longitude_bounds, np.float64)
    x = np.deg2rad(wrapped_difference(longitude_bounds, longitude_bounds[..., :1]))
    y = np.sin(np.deg2rad(np.asarray(latitude_bounds, np.float64)))
    x_next, y_next = np.roll(x, -1, axis=-1), np.roll(y, -1, axis=-1)
    return 0.5 * np.abs(np.sum(x * y_next - x_next * y, axis=-1))


def centre_spacing_areas(latitude: np.ndarray, longitude: np.ndarray) -> np.ndarray:
    """Approximate area of each cell from the cell centres alone, on the unit sphere.

    The local cell is the parallelogram spanned by the steps to the neighbouring centres
    along the rows and along the columns (centred differences inside, one-sided at the
    edges; ``numpy.gradient``): A ≈ cos φ · |∂λ/∂j · ∂φ/∂i − ∂λ/∂i · ∂φ/∂j| with λ, φ in
    radians and i, j the row and column indices. On a regular latitude-longitude grid with
    even spacing this is cos φ Δφ Δλ, the cos φ weighting of regular grids. Longitude
    steps are wrapped to ±180°, so a grid across the dateline is continuous.

    Parameters
    ----------
    latitude, longitude : ndarray, shape (n_rows, n_columns)
        Cell centres in degrees; at least 2 along an axis to measure a step along it
        (a single row or column counts a step of 1 radian along it).

    Returns
    -------
    ndarray, shape (n_rows, n_columns)
    """
    latitude = np.deg2rad(np.asarray(latitude, np.float64))
    longitude = np.deg2rad(np.asarray(longitude, np.float64))
    steps = {}
    for axis in (0, 1):
        if latitude.shape[axis] < 2:
            steps[axis] = (np.zeros_like(latitude), np.ones_like(latitude)) if axis == 0 else (
                np.ones_like(latitude), np.zeros_like(latitude))
            continue
        unwrapped = np.unwrap(longitude, axis=axis)
        steps[axis] = (np.gradient(unwrapped, axis=axis), np.gradient(latitude, axis=axis))
    (dlon_di, dlat_di), (dlon_dj, dlat_dj) = steps[0], steps[1]
    return np.clip(np.cos(latitude), 0, None) * np.abs(dlon_dj * dlat_di - dlon_di * dlat_dj)
