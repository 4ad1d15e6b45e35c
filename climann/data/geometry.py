"""Geometry of cells on the sphere: the bounds of 1-D axes given by their centres, and the
areas of cells from 2-D latitude and longitude (curvilinear grids).

NumPy arrays of degrees in and out; no files. Used for the area weights of latitude-longitude
grids without bounds and of curvilinear, rotated-pole and projected grids, whose cells are
not latitude-longitude boxes.
"""

from __future__ import annotations

import cf_xarray  # noqa: F401  (registers the ``.cf`` accessor)
import numpy as np
import xarray as xr
from numpy.typing import ArrayLike


def bounds_from_centres(centres: np.ndarray, *, latitude: bool = False, longitude: bool = False) -> np.ndarray:
    """Cell bounds of a 1-D axis known only by its cell centres, shape (n, 2).

    Each edge lies midway between neighbouring centres, and the first and last edges half a
    spacing beyond the end centres (cf_xarray's ``add_bounds``, which CF section 7.1 leaves to
    the user when a file has no ``bounds``). On an even spacing Δ the bounds are c ± Δ/2; on a
    Gaussian grid or a grid refined in the tropics each cell reaches halfway to its
    neighbours. Latitude edges are clipped to ±90° (a centre at the pole has a polar cap
    of half a spacing as its cell); longitudes are unwrapped first, so that an axis across
    the dateline or the prime meridian (…, 355, 0, 5, …) has cells 5° wide, not 180°. A
    global longitude axis (the gap from its last centre round to its first, 360° − span, no
    wider than its widest step) has its end edges midway across that seam instead: its cells
    tile the circle, 360° in all.

    Parameters
    ----------
    centres : ndarray, shape (n,)
        Degrees, in the axis's order (ascending or descending).
    latitude, longitude : bool
        Whether the axis is a latitude (edges clipped to ±90°) or a longitude (unwrapped).

    Returns
    -------
    ndarray, shape (n, 2)
        Lower and upper edge of each cell along the axis's order, degrees (a longitude axis in
        no order round the circle, such as a region cut across the file's 0° or 180° seam:
        each cell's edges in ascending order round the circle). A single centre gets a cell
        1° wide (clipped to ±90° on a latitude: half a degree at a pole).
    """
    centres = np.asarray(centres, np.float64).ravel()
    if centres.size == 1:  # clipped too: a single row at a pole (90 ± 0.5) had no area at all
        bounds = centres[:, None] + np.array([[-0.5, 0.5]])
        return np.clip(bounds, -90.0, 90.0) if latitude else bounds
    if longitude and not _monotonic(np.unwrap(centres, period=360.0)):
        # A region cut across the file's seam keeps the file's order (0, 20, 340): the cells
        # are those of the centres in their order round the circle (340, 0, 20).
        order = _around_the_circle(centres)
        bounds = np.empty((centres.size, 2))
        bounds[order] = bounds_from_centres(centres[order], longitude=True)
        return bounds
    wraps = False
    if longitude:
        centres = np.unwrap(centres, period=360.0)
        direction = np.sign(centres[-1] - centres[0])
        seam = 360.0 - abs(centres[-1] - centres[0])  # from the last centre round to the first
        wraps = 0 < seam <= np.abs(np.diff(centres)).max() * (1 + 1e-9)
        if wraps:  # a global axis: the neighbours across the seam are its other end
            centres = np.concatenate([[centres[-1] - direction * 360.0], centres, [centres[0] + direction * 360.0]])
    axis = xr.Dataset(coords={"axis": ("axis", centres)})
    bounds = np.asarray(axis.cf.add_bounds("axis", output_dim="vertex")["axis_bounds"].values, np.float64)
    if wraps:
        bounds = bounds[1:-1]
    return np.clip(bounds, -90.0, 90.0) if latitude else bounds


def _monotonic(values: np.ndarray) -> bool:
    steps = np.diff(values)
    return bool((steps > 0).all() or (steps < 0).all())


def longitude_span(west_edges: ArrayLike, widths: ArrayLike = 0.0) -> tuple[float, float]:
    """The western and eastern edge of some cells around the circle of longitude: the circle
    less the widest gap between the cells (where a regional box has its ends).

    Each cell reaches eastward from its western edge by its width; the cells are taken in any
    order and convention (−180…180, 0…360, across the dateline or the prime meridian), since
    longitude is periodic (CF conventions section 4.2: degrees east, any range). Points
    (``widths`` 0: cell centres) are cells of no width: the span then runs from the first
    centre after the widest gap to the last before it. Cells that leave no gap wider than a
    thousandth of the widest cell go round the whole circle.

    Parameters
    ----------
    west_edges : array_like, shape (n,)
        Degrees east, finite, n ≥ 1.
    widths : array_like, shape (n,) or scalar
        Degrees eastward, 0 ≤ width ≤ 360 (default 0: points).

    Returns
    -------
    tuple of (float, float)
        ``(west, east)`` in degrees: ``west`` in [0, 360) (one of ``west_edges`` modulo 360),
        ``west ≤ east ≤ west + 360``; ``east - west`` is the span (360 for the whole circle,
        0 for one point).

    Examples
    --------
    >>> longitude_span([170.0, -175.0, 175.0, -170.0], 5.0)  # 170…195 across the dateline
    (170.0, 195.0)
    >>> longitude_span(np.arange(0.0, 360.0, 30.0), 30.0)  # the whole circle
    (0.0, 360.0)
    """
    starts = np.mod(np.asarray(west_edges, np.float64).ravel(), 360.0)
    widths = np.broadcast_to(np.asarray(widths, np.float64), starts.shape)
    order = np.argsort(starts, kind="stable")
    starts, ends = starts[order], starts[order] + widths[order]
    reach = np.maximum.accumulate(ends)  # the eastern edge of the cells so far
    gaps = np.append(starts[1:], starts[0] + 360.0) - reach  # the last: from the end round to the start
    widest = int(np.argmax(gaps))
    if gaps[widest] <= 1e-3 * widths.max():  # the cells go round the circle
        return float(starts[0]), float(starts[0] + 360.0)
    west = float(starts[(widest + 1) % starts.size])
    return west, west + 360.0 - float(gaps[widest])


def _around_the_circle(longitudes: np.ndarray) -> np.ndarray:
    """The indices of ``longitudes`` (degrees, any order) in ascending order round the circle,
    starting after the widest gap between neighbours (where a regional axis has its ends,
    :func:`longitude_span`)."""
    circular = np.mod(longitudes, 360.0)
    west, _ = longitude_span(circular)
    return np.argsort(np.mod(circular - west, 360.0), kind="stable")


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
    across the dateline are whole. A cell that goes round a pole, or has the pole on its
    edge or as a vertex (its longitudes do not come back to where they started, an edge
    spans 90° of longitude or more, or a single vertex is at ±90°; a latitude-longitude box
    at the pole has two there), has no polygon in that plane:
    it gets the area of the geodesic polygon through its vertices
    (:func:`great_circle_polygon_areas`).

    Parameters
    ----------
    latitude_bounds, longitude_bounds : ndarray, shape (..., n_vertices)
        The vertices in order (clockwise or anticlockwise, as CF asks), degrees.

    Returns
    -------
    ndarray, shape (...)
    """
    longitude_bounds = np.asarray(longitude_bounds, np.float64)
    latitude_bounds = np.asarray(latitude_bounds, np.float64)
    x = np.deg2rad(wrapped_difference(longitude_bounds, longitude_bounds[..., :1]))
    y = np.sin(np.deg2rad(latitude_bounds))
    x_next, y_next = np.roll(x, -1, axis=-1), np.roll(y, -1, axis=-1)
    areas = 0.5 * np.abs(np.sum(x * y_next - x_next * y, axis=-1))
    steps = wrapped_difference(np.roll(longitude_bounds, -1, axis=-1), longitude_bounds)
    polar = ((np.abs(np.sum(steps, axis=-1)) > 1.0) | (np.abs(steps) >= 90.0).any(axis=-1)
             | (np.sum(np.abs(latitude_bounds) >= 90.0 - 1e-9, axis=-1) == 1))  # a box's polar edge has 2
    if polar.any():
        areas = np.where(polar, great_circle_polygon_areas(latitude_bounds, longitude_bounds), areas)
    return areas


def great_circle_polygon_areas(
    latitude_bounds: np.ndarray, longitude_bounds: np.ndarray, *, flattening: float = 0.0
) -> np.ndarray:
    """Area of each cell whose edges are geodesics between its corners, on the unit authalic
    sphere (steradians).

    The corners become unit vectors and the polygon is cut into the triangles
    (v₀, vₖ, vₖ₊₁); each triangle's spherical excess E comes from
    tan(E/2) = v₀·(vₖ × vₖ₊₁) / (1 + v₀·vₖ + vₖ·vₖ₊₁ + vₖ₊₁·v₀) (Van Oosterom and Strackee,
    1983), signed, so the sum is the polygon's area for convex and concave cells alike. No
    longitude is differenced, so a cell containing a pole or across the antimeridian is whole.
    On an ellipsoid of the given flattening the latitudes are first made authalic
    (Snyder 1987, eq. 3-11), so that the relative areas are those on the ellipsoid (to the
    order of the cell size squared times the flattening, the gap between a geodesic of the
    ellipsoid and a great circle of the authalic sphere).

    Parameters
    ----------
    latitude_bounds, longitude_bounds : ndarray, shape (..., n_vertices)
        The vertices in order (clockwise or anticlockwise), degrees (geodetic latitude).
    flattening : float
        Of the ellipsoid the latitudes refer to; 0 for a sphere.

    Returns
    -------
    ndarray, shape (...)
        Steradians on the sphere of the ellipsoid's area (its authalic sphere); a cell with
        a missing (NaN) corner gets NaN.
    """
    latitude = np.deg2rad(authalic_latitude(np.asarray(latitude_bounds, np.float64), flattening=flattening))
    longitude = np.deg2rad(np.asarray(longitude_bounds, np.float64))
    vectors = np.stack([np.cos(latitude) * np.cos(longitude), np.cos(latitude) * np.sin(longitude),
                        np.sin(latitude)], axis=-1)  # (..., n_vertices, 3)
    first, this, following = vectors[..., :1, :], vectors[..., 1:-1, :], vectors[..., 2:, :]
    triple = np.sum(first * np.cross(this, following), axis=-1)
    denominator = (1 + np.sum(first * this, axis=-1) + np.sum(this * following, axis=-1)
                   + np.sum(following * first, axis=-1))
    return np.abs(np.sum(2 * np.arctan2(triple, denominator), axis=-1))


def authalic_latitude(latitude: np.ndarray, *, flattening: float) -> np.ndarray:
    """The latitude β on the sphere of equal area whose zones have the ellipsoid's areas,
    degrees: sin β = q(φ) / q(90°) with q(φ) = (1 − e²)[sin φ / (1 − e² sin² φ)
    − ln((1 − e sin φ) / (1 + e sin φ)) / (2e)] (Snyder 1987, Map projections: a working
    manual, eqs. 3-11 and 3-12); φ itself on a sphere (flattening 0)."""
    if flattening == 0:
        return latitude
    eccentricity = np.sqrt(flattening * (2 - flattening))

    def q(sine):
        e_sine = eccentricity * sine
        return (1 - eccentricity**2) * (sine / (1 - e_sine**2)
                                        - np.log((1 - e_sine) / (1 + e_sine)) / (2 * eccentricity))

    return np.rad2deg(np.arcsin(np.clip(q(np.sin(np.deg2rad(latitude))) / q(1.0), -1, 1)))


def centre_spacing_areas(latitude: np.ndarray, longitude: np.ndarray) -> np.ndarray:
    """Approximate area of each cell from the cell centres alone, on the unit sphere.

    The local cell is the parallelogram spanned by the steps to the neighbouring centres
    along the rows and along the columns (centred differences inside, one-sided at the
    edges and beside a cell without a position): A ≈ cos φ · |∂λ/∂j · ∂φ/∂i − ∂λ/∂i · ∂φ/∂j|
    with λ, φ in radians and i, j the row and column indices. On a regular latitude-longitude
    grid with even spacing this is cos φ Δφ Δλ, the cos φ weighting of regular grids.
    Longitude steps are wrapped to ±180°, so a grid across the dateline is continuous.

    Parameters
    ----------
    latitude, longitude : ndarray, shape (n_rows, n_columns)
        Cell centres in degrees, NaN for a cell without a position (it gets area 0 and is
        no neighbour); at least 2 along an axis to measure a step along it (a single row or
        column, or a cell with no placed neighbour along an axis, counts a step of 1 radian
        along it).

    Returns
    -------
    ndarray, shape (n_rows, n_columns)
    """
    latitude = np.deg2rad(np.asarray(latitude, np.float64))
    longitude = np.deg2rad(np.asarray(longitude, np.float64))
    (dlon_di, dlat_di), (dlon_dj, dlat_dj) = (_centre_steps(latitude, longitude, axis) for axis in (0, 1))
    area = np.clip(np.cos(latitude), 0, None) * np.abs(dlon_dj * dlat_di - dlon_di * dlat_dj)
    return np.where(np.isfinite(area), area, 0.0)


def _centre_steps(latitude: np.ndarray, longitude: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """Steps of longitude (wrapped to ±π) and latitude to the next cell along ``axis``, radians:
    the mean of the steps to the neighbours on either side that have a position (numpy's
    centred difference inside, one-sided at the edges)."""
    if latitude.shape[axis] < 2:
        return (np.zeros_like(latitude), np.ones_like(latitude)) if axis == 0 else (
            np.ones_like(latitude), np.zeros_like(latitude))
    steps = []
    for values, wrap in ((longitude, True), (latitude, False)):
        forward = np.diff(values, axis=axis)
        if wrap:
            forward = (forward + np.pi) % (2 * np.pi) - np.pi
        pad = [(0, 0), (0, 0)]
        pad[axis] = (0, 1)
        after = np.pad(forward, pad, constant_values=np.nan)  # to the next cell along the axis
        pad[axis] = (1, 0)
        before = np.pad(forward, pad, constant_values=np.nan)  # from the previous one
        both = np.stack([after, before])
        placed = np.isfinite(both)
        steps.append(np.where(placed.any(axis=0), np.nansum(both, axis=0) / np.maximum(placed.sum(axis=0), 1),
                              np.nan))
    lonstep, latstep = steps
    lonless = ~np.isfinite(lonstep) & np.isfinite(latitude)  # no placed neighbour along this axis
    if axis == 0:
        return np.where(lonless, 0.0, lonstep), np.where(lonless, 1.0, latstep)
    return np.where(lonless, 1.0, lonstep), np.where(lonless, 0.0, latstep)
