"""Two-dimensional latitudes and longitudes that list points rather than lay out a grid.

A land-surface model run on its land points only writes them with 2-D coordinates, as a
curvilinear grid would: JULES's ``latitude(y, x)`` and ``longitude(y, x)`` with ``y`` of length 1
and ``x`` the land points, in the order of its land-point list. Their neighbours in the list are
no neighbours on the sphere (the list jumps across the sea and from the end of one latitude row
to the start of the next, or holds scattered sites), so the quadrilaterals with corners midway
between list neighbours (:func:`~climann.data.geometry.centre_spacing_areas`) are no cells: read
as a curvilinear grid, 60 JULES points got weights from 0.05 to 6.6, five of them 40 % of the
score (break42a A1).

Without cell corners in the file, the centres are read as a set of points (:func:`listed_points`)
when

- one of the two dimensions has length 1 and the other more (a single row or column: nothing
  tells the cells' extent across it, and a land-point list is written so);
- along either dimension, some step between neighbouring centres is more than
  :data:`JUMP_RATIO` times the median step along it (a list jumping across a sea, or back to
  the west end of the next row); or
- more than :data:`FOLDED_SHARE` of the quadrilaterals with corners midway between the centres
  (away from the grid's edge) are crossed or turn against the others (folded over their
  neighbours: list neighbours are no neighbours on the sphere).

A set of points has no cells: each point is weighed by cos φ of its latitude
(:func:`point_weights`), the area of its cell on an evenly spaced latitude-longitude grid
(exact for the land points of such a grid, which is what a land-point list usually holds), no
``cell_area`` is written with its predictions, the ``lat`` feature is its points' latitude, and
its maps draw each point as a dot. Cells whose corners the file gives are its cells, and a grid
that the file's ``cell_measures`` give areas for keeps them (CF 1.8 §7.2).

Sources: JULES output files (``latitude``/``longitude`` on ``y``, ``x``; the land-points-only
layout, JULES user guide, "Output from JULES"); CF 1.8 §5.2 (2-D coordinates), §7.1 (cell bounds).
"""

from __future__ import annotations

import numpy as np

from climann.data.geometry import corners_from_centres, crossed_quadrilaterals

__all__ = ["listed_points", "point_weights", "POINT_WEIGHTS", "JUMP_RATIO", "FOLDED_SHARE"]

#: A step between neighbouring centres this many times the median step along the same
#: dimension is no grid's: a curvilinear grid's spacing changes gradually (an ORCA grid's from
#: 1/3° at the equator to about 1°), a list jumps.
JUMP_RATIO = 10.0

#: The centres are points when more than this share of the quadrilaterals between them (those
#: inside the grid's edge rows and columns) fold over their neighbours: none do on a grid, about
#: half of those of scattered sites do.
FOLDED_SHARE = 0.25

#: What weighs each point of a set of points in the scores (``metrics.json``'s ``weighted_by``).
POINT_WEIGHTS = "cos(latitude) of each point (a list of points, not cells)"


def listed_points(latitude: np.ndarray, longitude: np.ndarray) -> str:
    """Why the centres of a grid without cell corners are a list of points rather than a
    grid's cells (see the module's description); '' when they are a grid.

    Parameters
    ----------
    latitude, longitude : ndarray, shape (n_rows, n_columns)
        Degrees; NaN for a cell without a position (no neighbour of any).

    Returns
    -------
    str
        E.g. ``"a single row of 60 points"``, ``"neighbouring points up to 94 times their
        median spacing apart"``; '' for a grid.
    """
    latitude, longitude = np.asarray(latitude, np.float64), np.asarray(longitude, np.float64)
    if latitude.ndim != 2 or latitude.size < 2:
        return ""
    n_rows, n_columns = latitude.shape
    if min(n_rows, n_columns) == 1:
        return f"a single {'row' if n_rows == 1 else 'column'} of {latitude.size} points"
    jump = _largest_jump(latitude, longitude)
    if jump > JUMP_RATIO:
        return f"neighbouring points up to {jump:.0f} times their median spacing apart"
    folded = _folded_share(latitude, longitude)
    if folded > FOLDED_SHARE:
        return (f"{folded:.0%} of the quadrilaterals between neighbouring points folded over their neighbours "
                "(list neighbours are no neighbours on the sphere)")
    return ""


def _largest_jump(latitude: np.ndarray, longitude: np.ndarray) -> float:
    """The largest ratio of a step between neighbouring centres to the median step along the
    same dimension (chords on the unit sphere; steps from or to a centre without a position
    left out); 0 when no step has a length."""
    phi, lam = np.deg2rad(latitude), np.deg2rad(longitude)
    vectors = np.stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)], axis=-1)
    largest = 0.0
    for axis in (0, 1):
        steps = np.linalg.norm(np.diff(vectors, axis=axis), axis=-1)
        steps = steps[np.isfinite(steps)]
        median = float(np.median(steps)) if steps.size else 0.0
        if median > 0:
            largest = max(largest, float(steps.max()) / median)
    return largest


def _folded_share(latitude: np.ndarray, longitude: np.ndarray) -> float:
    """The share of the placed cells whose quadrilateral (corners midway between the centres,
    :func:`~climann.data.geometry.corners_from_centres`) is crossed or turns against the
    majority's way: 0 on a grid, whose cells all turn one way."""
    corner_latitude, corner_longitude, _ = corners_from_centres(latitude, longitude)
    placed = np.isfinite(corner_latitude).all(axis=-1) & np.isfinite(corner_longitude).all(axis=-1)
    if not placed.any():
        return 0.0
    phi, lam = np.deg2rad(corner_latitude), np.deg2rad(corner_longitude)
    v = np.stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)], axis=-1)
    turn = np.sum(np.sum(v[..., :1, :] * np.cross(v[..., 1:-1, :], v[..., 2:, :]), axis=-1), axis=-1)
    majority = np.sign(np.sum(np.sign(turn[placed])))
    folded = (crossed_quadrilaterals(corner_latitude, corner_longitude) | (np.sign(turn) != majority)) & placed
    if min(placed.shape) >= 3:  # the edge cells' outer corners are mirrored; an ORCA grid's fold is its last row
        folded, placed = folded[1:-1, 1:-1], placed[1:-1, 1:-1]
    return float(folded.sum() / placed.sum()) if placed.any() else 0.0


def point_weights(latitude: np.ndarray) -> np.ndarray:
    """The weight of each point of a set of points: cos φ of its latitude, the relative area of
    its cell on an evenly spaced latitude-longitude grid; 0 for a point without a position.

    Parameters
    ----------
    latitude : ndarray, any shape
        Degrees north, NaN for a point without a position.

    Returns
    -------
    ndarray, the shape of ``latitude``
        cos φ, ≥ 0 (0 at a pole).
    """
    weights = np.clip(np.cos(np.deg2rad(np.asarray(latitude, np.float64))), 0.0, None)
    return np.where(np.isfinite(weights), weights, 0.0)
