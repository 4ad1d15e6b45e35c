"""Geometry of cells on the sphere: the bounds of 1-D axes given by their centres, and the
areas of cells from 2-D latitude and longitude (curvilinear grids).

NumPy arrays of degrees in and out; no files. Used for the area weights of latitude-longitude
grids without bounds and of curvilinear, rotated-pole and projected grids, whose cells are
not latitude-longitude boxes.
"""

from __future__ import annotations

import functools

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
    bounds = np.frombuffer(_midway_bounds(np.ascontiguousarray(centres, np.float64).tobytes()), np.float64)
    bounds = bounds.reshape(-1, 2).copy()
    if wraps:
        bounds = bounds[1:-1]
    return np.clip(bounds, -90.0, 90.0) if latitude else bounds


@functools.lru_cache(maxsize=64)
def _midway_bounds(centres: bytes) -> bytes:
    """cf_xarray's ``add_bounds`` of the float64 centres given as bytes, the bounds' bytes
    (shape (n, 2)). Kept for the last 64 axes: a run asks for the bounds of its few axes some
    hundred times (areas, regions, maps), and each answer cost cf_xarray a dataset of its own."""
    axis = xr.Dataset(coords={"axis": ("axis", np.frombuffer(centres, np.float64))})
    bounds = axis.cf.add_bounds("axis", output_dim="vertex")["axis_bounds"].values
    return np.ascontiguousarray(bounds, np.float64).tobytes()


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


def longitude_ends(longitudes: ArrayLike) -> tuple[float, float]:
    """The western and eastern end of some cells' longitudes, as the file writes them: the
    centres on either side of the widest gap between them (:func:`longitude_span`), so that a
    box across the dateline in a −180…180 file has ends (172.5, −172.5) and one across the
    prime meridian in a 0…360 file (350, 10); cells without a gap wider than twice their mean
    step (a global grid, or a polar grid whose 2-D longitudes go round the pole) have the
    smallest and largest value as ends. The one description of a grid's longitudes, for the
    training grid's record and for new data alike.

    Parameters
    ----------
    longitudes : array_like, any shape
        Degrees east, any convention; NaN (a cell without a position) left out; at least one
        finite.

    Returns
    -------
    tuple of (float, float)
        ``(west, east)``, two of ``longitudes``; ``west > east`` for a box across the seam of
        the file's convention.

    Examples
    --------
    >>> longitude_ends([172.5, 177.5, -177.5, -172.5])
    (172.5, -172.5)
    """
    values = np.asarray(longitudes, np.float64).ravel()
    values = values[np.isfinite(values)]
    distinct = np.unique(np.round(np.mod(values, 360.0), 9))
    if distinct.size < 2:
        return float(values[0]), float(values[0])
    west, east = longitude_span(distinct)
    if _without_wide_gap(distinct):
        return float(values.min()), float(values.max())
    return (float(values[np.argmin(np.abs(wrapped_difference(values, west)))]),
            float(values[np.argmin(np.abs(wrapped_difference(values, east)))]))


def _without_wide_gap(longitudes: np.ndarray) -> bool:
    """Whether some cells' longitudes (distinct, any convention) leave no gap round the circle
    much wider (twice) than their mean step: a whole parallel."""
    distinct = np.unique(np.round(np.mod(longitudes[np.isfinite(longitudes)], 360.0), 9))
    if distinct.size < 2:
        return False
    west, east = longitude_span(distinct)
    return bool(360.0 - (east - west) <= 2 * (east - west) / (distinct.size - 1))


def goes_round_the_globe(longitude: ArrayLike) -> bool:
    """Whether a curvilinear grid's cells cover every longitude: one of its rows or columns of
    2-D longitudes goes all round (no gap much wider than its step). On a global tripolar ocean
    grid the rows bent towards its northern poles fill the gaps between the columns of the
    others, so all its longitudes taken together show a gap of one column and their ends
    (:func:`longitude_ends`, recorded by runs and kept as they were) read as a box across the
    prime meridian, "22.5…7.5" (break40a A7); its notes say "all" instead.

    Parameters
    ----------
    longitude : array_like, shape (n_rows, n_columns)
        Degrees east, any convention; NaN (a cell without a position) left out. Other shapes:
        False.

    Returns
    -------
    bool
    """
    grid = np.asarray(longitude, np.float64)
    if grid.ndim != 2:
        return False
    return any(_without_wide_gap(line) for lines in (grid, grid.T) for line in lines)


def longitude_ends_text(ends: tuple[float, float], *, separator: str = "…", pole: str | None = None,
                        digits: int = 6, every: bool = False) -> str:
    """A grid's longitudes as a box reads, from its ``(west, east)`` ends
    (:func:`longitude_ends`): ``"-177.5…177.5"`` for a global grid, ``"172.5…-172.5 across
    the dateline"`` for a box across it in a −180…180 file, ``"350…10 across the prime
    meridian"`` for one across Greenwich in a 0…360 file. ``separator`` between the ends
    (``" to "`` in ``climann info``'s summary); ``digits``: significant digits at most (as
    ``:g``: 6). A grid round a pole (``pole``, from :func:`encircled_pole`) has no ends:
    ``"all, round the North Pole"``; a curvilinear grid that goes round the globe (``every``,
    :func:`goes_round_the_globe`: a global tripolar ocean grid), ``"all"``.

    Examples
    --------
    >>> longitude_ends_text(longitude_ends([150.0, 180.0, -175.0, -150.0]), separator=" to ")
    '150 to -150 across the dateline'
    """
    if pole:
        return f"all, round the {pole}"
    if every:
        return "all"
    west, east = ends
    said = f"{west:.{digits}g}{separator}{east:.{digits}g}"
    if west <= east:
        return said
    return f"{said} across the {'dateline' if east < 0.0 else 'prime meridian'}"


def encircled_pole(latitude: np.ndarray, longitude: np.ndarray) -> str | None:
    """``"North Pole"`` or ``"South Pole"`` when a grid's cells lie round that pole, None
    otherwise (a regional or global latitude-longitude grid, a curvilinear grid beside a pole).

    The ring of the grid's outermost cells (first row, last column, last row, first column)
    winds once round a pole when its longitude steps, each taken the short way
    (:func:`wrapped_difference`), add up to ±360°; on a latitude-longitude grid, global or not,
    they add up to 0. The pole is the one the cells come nearer to (a polar stereographic
    sea-ice grid, a rotated grid over the Arctic, a tripolar ocean grid, whose fold lies round
    the North Pole).

    Parameters
    ----------
    latitude, longitude : ndarray, shape (n_rows, n_columns)
        The cells' centres, degrees; NaN (no position) left out of the ring, and no pole told
        when a stretch of them could hide half a turn (its cells times the largest step between
        neighbouring placed cells of the ring reaching 180°).

    Returns
    -------
    str or None
    """
    latitude, longitude = np.asarray(latitude, np.float64), np.asarray(longitude, np.float64)
    if latitude.ndim != 2 or min(latitude.shape) < 2:
        return None
    ring = np.concatenate([longitude[0, :], longitude[1:, -1], longitude[-1, -2::-1], longitude[-2:0:-1, 0]])
    present = np.flatnonzero(np.isfinite(ring))
    if present.size < 3:
        return None
    steps = wrapped_difference(ring[np.roll(present, -1)], ring[present])
    # a step across missing cells spans (missing + 1) cells: taken the short way only while those cells cannot
    # have gone half round (break52b A4: SMAP's -9999 off the retrievals closed a global row through 360°)
    spans = np.mod(np.roll(present, -1) - present, ring.size)
    spans[spans == 0] = ring.size
    adjacent = np.abs(steps[spans == 1])
    if (spans > 1).any() and (adjacent.size == 0 or (spans[spans > 1] * adjacent.max() >= 180.0).any()):
        return None
    if abs(np.sum(steps)) < 180.0:
        return None
    return "North Pole" if np.nanmax(latitude) >= -np.nanmin(latitude) else "South Pole"


def _around_the_circle(longitudes: np.ndarray) -> np.ndarray:
    """The indices of ``longitudes`` (degrees, any order) in ascending order round the circle,
    starting after the widest gap between neighbours (where a regional axis has its ends,
    :func:`longitude_span`)."""
    circular = np.mod(longitudes, 360.0)
    west, _ = longitude_span(circular)
    return np.argsort(np.mod(circular - west, 360.0), kind="stable")


def steps_around_the_circle(longitudes: ArrayLike) -> np.ndarray:
    """The steps between neighbouring longitudes taken in their order round the circle, from
    the western end of the cells (after the widest gap, :func:`longitude_span`) eastward,
    whatever the order the file stores them in: a regional axis across the prime meridian
    stored ascending in a 0…360 file (0.25, …, 17.75, 350.25, …, 357.75) is every 2.5° from
    350.25 to 17.75; the 332.5° between 17.75 and 350.25 is the gap outside the region.

    Parameters
    ----------
    longitudes : array_like, shape (n,)
        Degrees east, any convention and order, finite, n ≥ 1.

    Returns
    -------
    ndarray, shape (n - 1,)
        Degrees, each in (0, 360).

    Examples
    --------
    >>> steps_around_the_circle([0.25, 2.75, 5.25, 355.25, 357.75]).tolist()
    [2.5, 2.5, 2.5, 2.5]
    """
    longitudes = np.asarray(longitudes, np.float64).ravel()
    ordered = longitudes[_around_the_circle(longitudes)]
    return np.mod(np.diff(ordered), 360.0)


def wrapped_difference(longitude: np.ndarray, reference: np.ndarray | float) -> np.ndarray:
    """λ − λ_ref brought into [−180, 180) degrees, so that 179° and −179° are 2° apart."""
    return (np.asarray(longitude, np.float64) - reference + 180.0) % 360.0 - 180.0


#: The most longitude, degrees, that an edge of a cell off a parallel spanned for
#: :func:`polygon_areas` with ``straight_edges`` (runs trained before 4 December 2026) to take
#: it as straight in the (λ, sin φ) plane; a cell with a longer one got its geodesic polygon area.
STRAIGHT_EDGE_DEGREES = 1.0

#: The most two latitudes of an edge may differ, degrees, for :func:`polygon_areas` to take
#: the edge as along a parallel (exact in the (λ, sin φ) plane whatever its length): float32's
#: rounding of a latitude (its spacing is 7.6e-6° at 90°).
PARALLEL_TOLERANCE_DEGREES = 1e-5


def polygon_areas(latitude_bounds: np.ndarray, longitude_bounds: np.ndarray, *,
                  straight_edges: bool = False) -> np.ndarray:
    """Area of each cell from its corners, on the unit sphere (steradians).

    The area is the sum over the cell's edges of the signed area between each edge and the
    equator (Green's theorem on the sphere), each edge from (φ₁, λ₁) to (φ₂, λ₂), Δλ = λ₂ − λ₁
    in [−π, π). A latitude-longitude box (every edge along a parallel or a meridian, within
    :data:`PARALLEL_TOLERANCE_DEGREES`) has its edges along them: Δλ sin φ under a parallel,
    so the box gets (λ₂ − λ₁)(sin φ₂ − sin φ₁), exactly. Any other cell has great circles
    between its corners (as CDO, ESMF and pyproj take the edges of curvilinear cells; two
    corners of a rotated cell at one latitude are no parallel), each bounding the spherical
    trapezoid E with tan(E/2) = tan(Δλ/2) (t₁ + t₂) / (1 + t₁t₂), t = tan(φ/2) (Chamberlain
    and Duquette 2007, JPL Publication 07-03): its geodesic polygon's area, exactly, at any
    size and next to any grid pole. A cell that goes
    round a pole, or has a single vertex on one (its longitudes do not come back to where they
    started; a latitude-longitude box at the pole has two there), gets the area of the
    geodesic polygon through its vertices (:func:`great_circle_polygon_areas`), which needs no
    longitude differenced. Longitudes are differenced edge by edge, so cells across the
    dateline are whole.

    With ``straight_edges`` (the areas of runs trained before 4 December 2026, kept so that
    they re-score as trained): edges off a parallel are straight in the plane of the Lambert
    cylindrical equal-area projection (x = λ, y = sin φ; the shoelace formula), unless one
    spans more than :data:`STRAIGHT_EDGE_DEGREES` of longitude, when the cell gets its geodesic
    polygon area; off by up to 2–7 % for narrow cells next to a grid pole (break24a F2).

    Parameters
    ----------
    latitude_bounds, longitude_bounds : ndarray, shape (..., n_vertices)
        The vertices in order (clockwise or anticlockwise, as CF asks), degrees.
    straight_edges : bool
        The areas of runs trained before 4 December 2026 (``[data] cell_edges = "straight"``).

    Returns
    -------
    ndarray, shape (...)
    """
    longitude_bounds = np.asarray(longitude_bounds, np.float64)
    latitude_bounds = np.asarray(latitude_bounds, np.float64)
    steps = wrapped_difference(np.roll(longitude_bounds, -1, axis=-1), longitude_bounds)
    latitude, latitude_next = np.deg2rad(latitude_bounds), np.deg2rad(np.roll(latitude_bounds, -1, axis=-1))
    # exact along a parallel; within float32's rounding of a latitude (7.6e-6° at 90°: corners stored in float32, as
    # CDO's gridbounds or a reprojection leave them, verify21b F5) still a parallel
    along_parallel = np.abs(latitude_next - latitude) <= np.deg2rad(PARALLEL_TOLERANCE_DEGREES)
    widths = np.deg2rad(steps)
    under_straight = widths * (np.sin(latitude) + np.sin(latitude_next)) / 2  # a parallel's Δλ sin φ too
    if straight_edges:  # as before 4 December 2026, to the bit: the shoelace in the (λ, sin φ) plane
        x = np.deg2rad(wrapped_difference(longitude_bounds, longitude_bounds[..., :1]))
        y = np.sin(latitude)
        areas = 0.5 * np.abs(np.sum(x * np.roll(y, -1, axis=-1) - np.roll(x, -1, axis=-1) * y, axis=-1))
        bent = ((np.abs(steps) > STRAIGHT_EDGE_DEGREES) & ~along_parallel).any(axis=-1)
    else:
        t, t_next = np.tan(latitude / 2), np.tan(latitude_next / 2)
        under_great_circle = 2 * np.arctan2(np.tan(widths / 2) * (t + t_next), 1 + t * t_next)
        along_meridian = np.abs(steps) <= PARALLEL_TOLERANCE_DEGREES
        box = (along_parallel | along_meridian).all(axis=-1, keepdims=True)
        areas = np.abs(np.sum(np.where(box, under_straight, under_great_circle), axis=-1))
        bent = False
    polar = ((np.abs(np.sum(steps, axis=-1)) > 1.0) | bent
             | (np.sum(np.abs(latitude_bounds) >= 90.0 - PARALLEL_TOLERANCE_DEGREES, axis=-1) == 1))  # a box: 2
    if np.any(polar):
        areas = np.where(polar, great_circle_polygon_areas(latitude_bounds, longitude_bounds), areas)
    return areas


def crossed_quadrilaterals(latitude_bounds: np.ndarray, longitude_bounds: np.ndarray) -> np.ndarray:
    """Which cells of four vertices do not list them round the cell: their polygon crosses
    itself (a "bowtie", the vertices of a cell written row by row, SW SE NW NE, where CF
    section 7.1 asks for them in order round the cell).

    A quadrilateral listed round the cell, convex or not, has a diagonal that cuts it into two
    triangles turning the same way; a crossed one has none: either diagonal leaves two
    triangles turning opposite ways. Each triangle's turn is the sign of v₀·(v₁ × v₂) of its
    corners as unit vectors (no longitude differenced: cells round a pole too), none for a
    degenerate triangle (:func:`_turn`). A cell with a repeated vertex (a triangle, CF section
    7.1) or a missing (NaN) one is not crossed.

    Parameters
    ----------
    latitude_bounds, longitude_bounds : ndarray, shape (..., 4)
        Degrees.

    Returns
    -------
    ndarray of bool, shape (...)
    """
    latitude, longitude = np.deg2rad(latitude_bounds), np.deg2rad(longitude_bounds)
    v = np.stack([np.cos(latitude) * np.cos(longitude), np.cos(latitude) * np.sin(longitude), np.sin(latitude)],
                 axis=-1)
    turn = lambda a, b, c: _turn(v[..., a, :], v[..., b, :], v[..., c, :])  # noqa: E731
    with np.errstate(invalid="ignore"):
        opposite_02 = turn(0, 1, 2) * turn(0, 2, 3) < 0
        opposite_13 = turn(1, 2, 3) * turn(1, 3, 0) < 0
    return opposite_02 & opposite_13


#: Below this sine of the angle at a triangle's first corner (or chord between two of its
#: corners, on the unit sphere: 6e-3 mm on the Earth), the triangle is degenerate and turns
#: neither way: round-off of float64 unit vectors is 1e-16.
_DEGENERATE = 1e-10


def _turn(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """The way the triangle (a, b, c) of unit vectors (shape (..., 3)) turns: the sign of
    a·(b × c), +1 anticlockwise seen from above the sphere, −1 clockwise, and 0 for a
    degenerate triangle (two corners the same, or the three on one great circle): there
    a·(b × c) is round-off, of random sign (break24a F1: the pole triangles of a rotated grid,
    two corners bit-identical, were "crossed" one time in ten)."""
    triple = np.sum(a * np.cross(b, c), axis=-1)
    ab, ac = np.linalg.norm(b - a, axis=-1), np.linalg.norm(c - a, axis=-1)
    bc = np.linalg.norm(c - b, axis=-1)
    short = np.minimum(np.minimum(ab, ac), bc) <= _DEGENERATE
    with np.errstate(divide="ignore", invalid="ignore"):
        flat = np.abs(triple) <= _DEGENERATE * ab * ac
    return np.where(short | flat, 0.0, np.sign(triple))


def anticlockwise(latitude_bounds: np.ndarray, longitude_bounds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cell vertices in anticlockwise order seen from above the sphere, as CF section 7.1 asks
    for 2-D cell bounds: a cell listed clockwise (the corners of a grid whose y axis descends,
    NSIDC's or EASE-Grid 2.0's, taken in index order) is listed from its first vertex the
    other way round (0, n−1, …, 1). A cell's turn is the sign of the sum over the triangles
    (v₀, vₖ, vₖ₊₁) of v₀·(vₖ × vₖ₊₁), its corners as unit vectors.

    Parameters
    ----------
    latitude_bounds, longitude_bounds : ndarray, shape (..., n_vertices)
        Degrees.

    Returns
    -------
    latitude_bounds, longitude_bounds : ndarray, shape (..., n_vertices)
    """
    latitude, longitude = np.deg2rad(latitude_bounds), np.deg2rad(longitude_bounds)
    v = np.stack([np.cos(latitude) * np.cos(longitude), np.cos(latitude) * np.sin(longitude), np.sin(latitude)],
                 axis=-1)
    turn = np.sum(np.sum(v[..., :1, :] * np.cross(v[..., 1:-1, :], v[..., 2:, :]), axis=-1), axis=-1)
    reversed_order = [0, *range(latitude_bounds.shape[-1] - 1, 0, -1)]
    clockwise = (turn < 0)[..., None]
    return (np.where(clockwise, latitude_bounds[..., reversed_order], latitude_bounds),
            np.where(clockwise, longitude_bounds[..., reversed_order], longitude_bounds))


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
    """Approximate area of each cell from the cell centres alone, on the unit sphere
    (steradians).

    Each cell's four corners lie midway between its centre and its neighbours'
    (:func:`corners_from_centres`), and its area is that of the quadrilateral through them:
    :func:`polygon_areas` for a latitude-longitude box, exact, so that a regular grid written
    with 2-D coordinates has the areas of the same grid with 1-D ones
    ((sin φ₂ − sin φ₁)(λ₂ − λ₁), a centre at a pole its share of the polar cap); else the
    geodesic quadrilateral (:func:`great_circle_polygon_areas`), which needs no longitude
    difference, so that a cell centred on a pole or around it (a rotated grid written as
    bare 2-D latitude and longitude, a NEMO/ORCA grid near its fold) gets its area, not the
    cos φ = 0 of a pole. For cells of Δ radians the relative error is of the order of Δ²
    (2° cells of a rotated grid: 4e-4, 3e-3 at the grid's four corners).

    Parameters
    ----------
    latitude, longitude : ndarray, shape (n_rows, n_columns)
        Cell centres in degrees, NaN for a cell without a position (it gets area 0 and is
        no neighbour: the corners on that side come from the neighbour on the other side).

    Returns
    -------
    ndarray, shape (n_rows, n_columns)
    """
    latitude_corners, longitude_corners, boxes = corners_from_centres(latitude, longitude)
    area = np.where(boxes, polygon_areas(latitude_corners, longitude_corners),
                    great_circle_polygon_areas(latitude_corners, longitude_corners))
    placed = np.isfinite(np.asarray(latitude, np.float64)) & np.isfinite(np.asarray(longitude, np.float64))
    return np.where(placed & np.isfinite(area), area, 0.0)


# The neighbours of a corner, (step along the rows, step along the columns), in order round the
# cell (anticlockwise in index space): the corners of the cell's quadrilateral.
_CORNER_STEPS = ((-1, -1), (-1, 1), (1, 1), (1, -1))
_SAME_DEGREES = 1e-6  # centres this close in latitude or longitude share a parallel or meridian


def corners_from_centres(latitude: np.ndarray, longitude: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The four corners of each cell of a grid known only by its centres, degrees.

    A corner is the middle of the four centres around it: the cell's, its neighbours' along
    the rows and the columns, and the diagonal one. Where these lie on two parallels and two
    meridians (a latitude-longitude grid written with 2-D coordinates) it is their mean
    latitude and longitude (clipped to ±90°), as :func:`bounds_from_centres` places the edges
    of a 1-D axis; elsewhere it is their mean as unit vectors, which averages no longitude,
    so centres around a pole or on it have a corner between them. A neighbour that is
    missing (beyond the grid's edge, or without a position) is the cell's centre mirrored
    through the neighbour on the other side (the edge half a spacing out, as in 1-D); a cell
    with no neighbour along an axis is 1° wide along it (as a single centre of a 1-D axis).

    Parameters
    ----------
    latitude, longitude : ndarray, shape (n_rows, n_columns)
        Cell centres, degrees; NaN for a cell without a position.

    Returns
    -------
    latitude_corners, longitude_corners : ndarray, shape (n_rows, n_columns, 4)
        In order round the cell (CF section 7.1 vertices); NaN at a cell without a position.
    boxes : ndarray of bool, shape (n_rows, n_columns)
        Whether each cell is a latitude-longitude box (all four corners by mean latitude and
        longitude).

    Notes
    -----
    On a grid whose rows go round the globe (:func:`rows_wrap_around`: a global curvilinear
    ocean grid, NEMO's ORCA without its halo columns), the first and last columns are
    neighbours: their corners are found between them, not beyond a mirrored centre (break37a C4:
    the edge columns of a global curvilinear grid were 3–7 % off).
    """
    latitude = np.asarray(latitude, np.float64)
    longitude = np.asarray(longitude, np.float64)
    if rows_wrap_around(latitude, longitude):  # the columns beyond each edge are those of the other edge
        wrapped = [np.concatenate([values[:, -1:], values, values[:, :1]], axis=1) for values in (latitude, longitude)]
        latitude_corners, longitude_corners, boxes = _corners(*wrapped)
        return latitude_corners[:, 1:-1], longitude_corners[:, 1:-1], boxes[:, 1:-1]
    return _corners(latitude, longitude)


def _corners(latitude: np.ndarray, longitude: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`corners_from_centres` of a grid whose edges have no neighbours beyond them."""
    centre = _Points(latitude, longitude)
    corners = []
    for row_step, column_step in _CORNER_STEPS:
        along_rows = _neighbour(centre, axis=0, step=row_step)
        along_columns = _neighbour(centre, axis=1, step=column_step)
        # a missing diagonal: mirrored along the rows beside it, else along the columns, else the
        # parallelogram's fourth corner (a corner of the grid)
        diagonal = (_shifted(centre, row_step, column_step)
                    .where_missing(_shifted(_neighbour(centre, axis=0, step=row_step), 0, column_step))
                    .where_missing(_shifted(_neighbour(centre, axis=1, step=column_step), row_step, 0))
                    .where_missing(centre.completed(along_rows, along_columns)))
        corners.append(_middle(centre, along_rows, along_columns, diagonal))
    latitude_corners = np.stack([corner[0] for corner in corners], axis=-1)
    longitude_corners = np.stack([corner[1] for corner in corners], axis=-1)
    boxes = np.all(np.stack([corner[2] for corner in corners]), axis=0)
    return latitude_corners, longitude_corners, boxes


def rows_wrap_around(latitude: np.ndarray, longitude: np.ndarray) -> bool:
    """Whether each row of a grid of centres goes once round the globe, its last centre the
    first's neighbour: every row's longitude steps (wrapped to ±180°) add up, with the step from
    its last centre back to its first, to ±360°, and that step's great-circle length is at most
    :data:`WRAP_STEP_RATIO` times the row's longest step between neighbours. A regional grid's
    steps add up to 0°; a grid with a repeated (cyclic) column has a last step of 0 length, which
    also wraps.

    Parameters
    ----------
    latitude, longitude : ndarray, shape (n_rows, n_columns)
        Cell centres, degrees. A grid with a centre without a position, or of fewer than three
        columns, does not wrap.

    Returns
    -------
    bool
    """
    placed = np.isfinite(latitude).all() and np.isfinite(longitude).all()
    if latitude.ndim != 2 or latitude.shape[1] < 3 or not placed:
        return False
    steps = wrapped_difference(np.roll(longitude, -1, axis=1), longitude)  # the last: back to the first
    if not np.allclose(np.abs(steps.sum(axis=1)), 360.0, atol=1e-6 * 360.0):
        return False
    vectors = _Points(latitude, longitude).vectors
    lengths = np.linalg.norm(np.roll(vectors, -1, axis=1) - vectors, axis=-1)  # chords, unit sphere
    return bool(np.all(lengths[:, -1] <= WRAP_STEP_RATIO * lengths[:, :-1].max(axis=1)))


#: The step from a row's last centre to its first may be this many times its longest step between
#: neighbours for the row to go round (:func:`rows_wrap_around`): uneven spacing, not a gap.
WRAP_STEP_RATIO = 1.5


class _Points:
    """Points on the sphere both as latitude and longitude (degrees; a mirrored point may have
    |latitude| > 90, on a meridian beyond the pole) and as (unnormalised) vectors, shape (..., 3);
    sums and differences taken in both, longitudes relative to the first point's."""

    def __init__(self, latitude: np.ndarray, longitude: np.ndarray, vectors: np.ndarray | None = None):
        self.latitude, self.longitude = latitude, longitude
        if vectors is None:
            phi, lam = np.deg2rad(latitude), np.deg2rad(longitude)
            vectors = np.stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)], axis=-1)
        self.vectors = vectors

    def completed(self, along_rows: "_Points", along_columns: "_Points") -> "_Points":
        """The fourth corner of the parallelogram from this point to its two neighbours:
        along_rows + along_columns − self (the diagonal neighbour of a cell that has none)."""
        return _Points(along_rows.latitude + along_columns.latitude - self.latitude,
                       along_rows.longitude + wrapped_difference(along_columns.longitude, self.longitude),
                       along_rows.vectors + along_columns.vectors - self.vectors)

    def mirrored_through(self, middle: "_Points") -> "_Points":
        """This point reflected through ``middle``: 2·middle − self."""
        return _Points(2 * middle.latitude - self.latitude,
                       middle.longitude + wrapped_difference(middle.longitude, self.longitude),
                       2 * middle.vectors - self.vectors)

    def where_missing(self, other: "_Points") -> "_Points":
        missing = ~np.isfinite(self.latitude) | ~np.isfinite(self.longitude)
        return _Points(np.where(missing, other.latitude, self.latitude),
                       np.where(missing, other.longitude, self.longitude),
                       np.where(missing[..., None], other.vectors, self.vectors))


def _shifted(points: _Points, row_step: int, column_step: int) -> _Points:
    """The points of the cells ``row_step`` rows and ``column_step`` columns on, NaN beyond
    the grid's edge, shape (n_rows, n_columns)."""
    n_rows, n_columns = points.latitude.shape
    rows, columns = slice(1 + row_step, 1 + row_step + n_rows), slice(1 + column_step, 1 + column_step + n_columns)

    def shift(values: np.ndarray) -> np.ndarray:
        padding = [(1, 1), (1, 1)] + [(0, 0)] * (values.ndim - 2)
        return np.pad(values, padding, constant_values=np.nan)[rows, columns]

    return _Points(shift(points.latitude), shift(points.longitude), shift(points.vectors))


def _neighbour(centres: _Points, *, axis: int, step: int) -> _Points:
    """Each cell's neighbour one ``step`` along ``axis`` (0: rows, 1: columns); where it is
    missing, the cell's centre mirrored through the neighbour on the other side; where that
    is missing too, a point 1° away (of latitude along the rows, of longitude along the
    columns)."""
    steps = (step, 0) if axis == 0 else (0, step)
    beyond = _shifted(centres, -steps[0], -steps[1]).mirrored_through(centres)
    one_degree = _Points(centres.latitude + step * (axis == 0), centres.longitude + step * (axis == 1))
    return _shifted(centres, *steps).where_missing(beyond).where_missing(one_degree)


def _middle(*points: _Points) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The corner between a cell's centre and three neighbours (the one along the rows, the
    one along the columns, the diagonal one): (latitude, longitude, whether they form a
    latitude-longitude box), degrees."""
    centre, along_rows, along_columns, diagonal = points
    same = lambda a, b: np.abs(wrapped_difference(a, b)) <= _SAME_DEGREES  # noqa: E731
    rows_are_parallels = (same(centre.latitude, along_columns.latitude) & same(along_rows.latitude, diagonal.latitude)
                          & same(centre.longitude, along_rows.longitude)
                          & same(along_columns.longitude, diagonal.longitude))
    rows_are_meridians = (same(centre.latitude, along_rows.latitude) & same(along_columns.latitude, diagonal.latitude)
                          & same(centre.longitude, along_columns.longitude)
                          & same(along_rows.longitude, diagonal.longitude))
    box = rows_are_parallels | rows_are_meridians
    box_latitude = np.clip(sum(point.latitude for point in points) / 4, -90.0, 90.0)
    box_longitude = centre.longitude + sum(wrapped_difference(point.longitude, centre.longitude)
                                           for point in points) / 4
    vector = sum(point.vectors for point in points)
    vector_latitude = np.rad2deg(np.arctan2(vector[..., 2], np.hypot(vector[..., 0], vector[..., 1])))
    vector_longitude = np.rad2deg(np.arctan2(vector[..., 1], vector[..., 0]))
    return np.where(box, box_latitude, vector_latitude), np.where(box, box_longitude, vector_longitude), box
