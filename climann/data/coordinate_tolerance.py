"""How far apart the values of one coordinate may lie in two files that hold the same cells.

Files written by different tools store the same latitudes, longitudes or levels with float
rounding (float32 beside float64: 3e-6° on a 0.1° grid, 6e-8 m on a soil depth); such values
are one coordinate when they differ by at most :data:`~climann.data.grids.GRID_TOLERANCE` of
the coordinate's median spacing, or by what the coarser stored float type alone allows
(:func:`grid_tolerance`). A coordinate shifted by a fraction of a cell differs by far more.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from climann.data.grids import GRID_TOLERANCE

__all__ = ["grid_tolerance"]


def _spacing(values: np.ndarray) -> float:
    """The grid spacing: along each axis the median step between neighbouring values, the
    largest of these (0 for a single value). The median, not the smallest step: a 2-D
    longitude constant along one column up to round-off (the meridian through a grid pole of
    a rotated or displaced-pole grid) steps there by 1e-16°, which made any rewrite of the
    same cells "another grid" (break24a F3); the largest axis: a 2-D latitude of a regular
    grid is constant along its rows."""
    medians = []
    for axis in range(values.ndim):
        if values.shape[axis] > 1:
            steps = np.abs(np.diff(values, axis=axis))
            steps = steps[np.isfinite(steps)]
            if steps.size:
                medians.append(float(np.median(steps)))
    return max(medians, default=0.0)


#: Stored values of the same cells may differ by this many units in the last place of the
#: coarsest float type of the two files, times the largest magnitude (float32 coordinates
#: beside float64 ones: 1.9e-6° at 65°, 1.5e-5° at 320°).
_STORAGE_ULPS = 4


def _storage_precision(*coordinates: xr.DataArray) -> float:
    """How far apart the same cells' coordinates may lie by the float type they are stored in
    alone: :data:`_STORAGE_ULPS` × the coarsest type's machine epsilon × the largest |value|
    (0 for integers)."""
    kinds = [np.dtype(coordinate.dtype) for coordinate in coordinates]
    epsilons = [float(np.finfo(kind).eps) for kind in kinds if np.issubdtype(kind, np.floating)]
    values = [np.abs(np.asarray(coordinate.values, np.float64)) for coordinate in coordinates]
    largest = max((float(np.nanmax(v)) for v in values if v.size and np.isfinite(v).any()), default=0.0)
    return _STORAGE_ULPS * max(epsilons, default=0.0) * largest


def grid_tolerance(reference: xr.DataArray, other: xr.DataArray) -> float:
    """How far the same cells' values of a grid coordinate (or a level) may differ between two files:
    :data:`GRID_TOLERANCE` × the reference's spacing (:func:`_spacing`, its median step), or
    the float precision of the coarser of the two stored types (:func:`_storage_precision`),
    whichever is larger. A grid shifted by a fraction of a cell differs by far more."""
    spacing = _spacing(np.asarray(reference.values, np.float64))
    return max(GRID_TOLERANCE * spacing, _storage_precision(reference, other))
