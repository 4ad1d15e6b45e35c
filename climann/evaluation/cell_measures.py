"""The cell areas a prediction file carries: the weights of climann's area-weighted scores.

CF 1.8 section 7.2: a field names its cells' areas in ``cell_measures = "area: <variable>"``,
and CDO's ``fldmean``, cf-python and CF-aware xarray code weigh with that variable. The input's
own areas (``areacello``, ``areacella``, named by its target's ``cell_measures``) are written
as the input gives them; where climann computed the areas itself (from the cell bounds, the
2-D corners, a map projection's corners, or the centres' spacing: on an evenly spaced
latitude-longitude grid without bounds, the cos(latitude) weighting), they are written as
``cell_area`` in m², steradians times the square of the Earth's radius of the grid mapping
(CF's ``earth_radius``, or the authalic radius of its ``semi_major_axis`` and flattening),
6 371 000 m without one. The scale does not change a weighted mean: the written areas are
proportional to the weights (:meth:`~climann.data.layout.GridLayout.cell_area_weights`).

Where the areas are not known, none is written rather than one made up
(:func:`unknown_areas`): an axis without bounds that has a single centre (a single row,
column or cell, a station or any other point) has no spacing to find its cells' width from, and
on a grid thinned with ``grid_stride`` the edges midway between the kept centres make each
kept cell ``grid_stride``² of the input's. The scores still weigh as before: the weights need
only the cells' relative areas (constant along a single row or column), not their size.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import numpy as np

from climann.data.layout import Coordinate, GridLayout
from climann.data.point_lists import POINT_WEIGHTS

#: The Earth's radius (m) the areas are scaled with when the grid mapping gives none: the
#: mean radius CDO's ``gridarea`` takes by default.
MEAN_EARTH_RADIUS = 6_371_000.0

#: The name of the written variable, unless the file already has a variable of that name.
CELL_AREA_NAME = "cell_area"

#: ``metrics.json``'s ``weighted_by`` of a run that weighs each cell by its whole area (and of
#: runs of earlier versions, which lack the key).
WHOLE_CELLS = "cell area"


#: How scores of one grid cell (a sea-ice extent, a station, an index: one value per time step)
#: are weighted, instead of ``area-weighted``: a weight of one value is no weighting. Also
#: ``metrics.json``'s ``weighted_by`` of such a run (with ``area_weighted`` false), as the
#: terminal and ``report.md`` say it (break36b B6).
ONE_CELL_TEXT = "one cell (no weighting)"


def is_area_weighted(weighted_by: str) -> bool:
    """Whether scores recorded with ``weighted_by`` (``metrics.json``, ``importance.json``) are
    means weighted by the cells' areas: all but those of one cell (:data:`ONE_CELL_TEXT`)."""
    return weighted_by != ONE_CELL_TEXT


def weighting_text(weighted_by: str = WHOLE_CELLS, *, n_cells: int | None = None, weighted: bool = True) -> str:
    """How the scores weigh the cells, wherever climann says it: report captions, the lines of
    ``predict`` and ``explain``, the importance and comparison figures' axes.

    Parameters
    ----------
    weighted_by : str
        What weighs each cell (``metrics.json`` ``weighted_by``, :func:`cell_weights_text`).
    n_cells : int, optional
        The cells scored (``metrics.json`` ``scored_on`` ``n_cells``); None when not known.
    weighted : bool
        False for scores of a run that records them unweighted (``metrics.json``
        ``area_weighted`` false).

    Returns
    -------
    str
        :data:`ONE_CELL_TEXT` on one cell, whatever the weights (one value's weight weighs
        nothing); else ``"unweighted"``; ``"area-weighted"`` for whole cells
        (:data:`WHOLE_CELLS`); else ``"weighted by cell area × land_area_fraction (sftlf)"``: a
        land-weighted score is never captioned as a mean over whole cells.
    """
    if n_cells == 1 or weighted_by == ONE_CELL_TEXT:
        return ONE_CELL_TEXT
    if not weighted:
        return "unweighted"
    return "area-weighted" if weighted_by == WHOLE_CELLS else f"weighted by {weighted_by}"


def recorded_weighting(record: Mapping) -> str:
    """:func:`weighting_text` of a record that keeps ``weighted_by`` and ``n_cells`` beside its
    scores (``importance.json``); one of an earlier version, without them, as its scores were
    computed then: ``area-weighted``."""
    return weighting_text(str(record.get("weighted_by", WHOLE_CELLS)), n_cells=record.get("n_cells"))


def cell_weights_text(layout: GridLayout) -> str:
    """What weighs each cell in the scores, for ``metrics.json``'s ``weighted_by``: ``"cell area"``
    (:data:`WHOLE_CELLS`), or for a target that is a mean where land (sea) weighed by the land
    (sea) part of each cell (:mod:`climann.data.area_fractions`), ``"cell area × land_area_fraction
    (sftlf)"``; by a fraction that changes with time (sea ice), ``"cell area × sea_ice_area_fraction
    (siconc, each time step's)"``; by two (snow over sea ice), ``"cell area × sea_ice_area_fraction ×
    surface_snow_area_fraction (siconc_times_sisnconc, each time step's)"``: ``climann compare`` names
    runs whose scores are weighed otherwise.
    On one cell (a station, an index) :data:`ONE_CELL_TEXT`: one value's weight weighs nothing. On a
    list of points written as a grid (a JULES land-point list, :mod:`climann.data.point_lists`)
    :data:`~climann.data.point_lists.POINT_WEIGHTS` in place of the cell area."""
    if layout.n_cells == 1:
        return ONE_CELL_TEXT
    whole = POINT_WEIGHTS if layout.is_point_list else WHOLE_CELLS
    fraction = layout.area_fraction
    if fraction is None:
        return whole
    each = ", each time step's" if np.ndim(fraction.values) == 3 else ""  # sea ice: weights that change with time
    # a product of fractions (snow over sea ice) names theirs in its long_name
    described = fraction.attrs.get("standard_name") or fraction.attrs.get("long_name", "area fraction")
    return f"{whole} × {described} ({fraction.name}{each})"


#: ``metrics.json``'s ``cell_areas`` of scores weighed by the areas climann computes from the
#: grid (:meth:`~climann.data.layout.GridLayout.computed_cell_areas`), not by the input's own.
COMPUTED_AREAS = "computed"


def cell_areas_source(layout: GridLayout) -> str:
    """Whose areas weigh the cells, for ``metrics.json``'s ``cell_areas`` (beside ``weighted_by``,
    which says what is weighed: whole cells or their land part): the name of the input's own
    cell-area variable named by the target's ``cell_measures`` (CF 1.8 §7.2: ``"areacello"``),
    or :data:`COMPUTED_AREAS` where climann computed them from the grid. A run weighed by
    ``areacello`` scores other data weighed by computed areas slightly otherwise (break42b A6:
    MSE 26.49701 against 26.50151), which ``evaluate --data`` says
    (:func:`climann.workflow.new_data.warn_other_cell_areas`).

    Parameters
    ----------
    layout : GridLayout

    Returns
    -------
    str
    """
    return layout.cell_measure.name if layout.cell_measure is not None else COMPUTED_AREAS


def written_cell_measure(layout: GridLayout, taken: Collection[str] = ()) -> Coordinate | None:
    """The cell-area variable a prediction file writes: the input's own (``layout.cell_measure``),
    else the areas climann computed (:meth:`~climann.data.layout.GridLayout.computed_cell_areas`)
    in m², named ``cell_area`` (``cell_area_climann`` when ``taken`` holds that name); None
    when the cells' areas are not known (:func:`unknown_areas`).

    Parameters
    ----------
    layout : GridLayout
    taken : collection of str
        The names of the file's other variables and coordinates.

    Returns
    -------
    Coordinate or None
        Name, values of shape (n_lat, n_lon) in m² (0 for a cell without a position, which
        weighs 0), and CF attributes: ``standard_name = "cell_area"``, ``units = "m2"``, and a
        ``comment`` saying how the areas were computed.
    """
    if layout.cell_measure is not None:
        return layout.cell_measure
    if unknown_areas(layout):
        return None
    mapping = {} if layout.grid_mapping is None else layout.grid_mapping.attrs
    radius = earth_radius(mapping)
    name = CELL_AREA_NAME if CELL_AREA_NAME not in taken else f"{CELL_AREA_NAME}_climann"
    attrs = {
        "standard_name": "cell_area",
        "long_name": "area of the grid cell (the weights of climann's area-weighted scores)",
        "units": "m2",
        "comment": f"computed by climann {areas_origin(layout)}, on a sphere of radius {radius:.1f} m",
    }
    return Coordinate(name, layout.computed_cell_areas() * radius**2, attrs)


def unknown_areas(layout: GridLayout) -> str:
    """Why climann cannot tell the areas of the cells of ``layout`` ('' when it can): an axis
    whose cells' edges are not given (no CF bounds on a 1-D axis; a curvilinear grid without
    2-D corners) and which has a single centre, whose width nothing tells
    (:func:`~climann.data.geometry.bounds_from_centres` gives it 1° for the weights), or which
    ``grid_stride`` thinned, whose midway edges span ``grid_stride`` of the input's cells. The
    input's own areas (``layout.cell_measure``) are known regardless.

    Parameters
    ----------
    layout : GridLayout

    Returns
    -------
    str
        E.g. ``"lat has a single centre and no bounds"``; '' when the areas are known.
    """
    if layout.is_point_list:  # weighed by cos φ, points have no cells (climann.data.point_lists)
        return f"the grid lists points, not cells ({layout.geographic.point_list})"
    reasons = []
    for axis, size in zip((layout.latitude, layout.longitude), layout.shape[1:]):
        if _edges_given(layout, axis.name):
            continue
        if size == 1:
            reasons.append(f"{axis.name} has a single centre and no bounds")
        elif layout.grid_stride > 1:
            reasons.append(f"{axis.name} has no bounds and grid_stride {layout.grid_stride} thinned it")
    return "; ".join(reasons)


def _edges_given(layout: GridLayout, axis: str) -> bool:
    """Whether the file gives the edges of the cells along the row or column axis ``axis``:
    its 1-D CF bounds (of a latitude-longitude, rotated-pole or projected grid's axes), or on a
    curvilinear grid without a map projection its 2-D cell corners."""
    grid = layout.geographic
    if grid is not None and not layout.is_rotated_pole and grid.projection is None:
        return grid.latitude_bounds is not None and grid.longitude_bounds is not None
    bounds = layout.latitude_bounds if axis == layout.latitude.name else layout.longitude_bounds
    return bounds is not None


def earth_radius(mapping: Mapping) -> float:
    """The radius (m) of the sphere whose areas are the Earth's for the grid mapping
    attributes ``mapping`` (CF 1.8 appendix F): its ``earth_radius``; else the authalic radius
    R = a √(q_p / 2) of the ellipsoid of ``semi_major_axis`` a and ``inverse_flattening`` (or
    ``semi_minor_axis``), q_p = (1 − e²)[1/(1 − e²) − ln((1 − e)/(1 + e))/(2e)] (Snyder 1987,
    *Map projections: a working manual*, eqs. 3-12 and 3-13); else :data:`MEAN_EARTH_RADIUS`."""
    if "earth_radius" in mapping:
        return float(mapping["earth_radius"])
    if "semi_major_axis" not in mapping:
        return MEAN_EARTH_RADIUS
    major = float(mapping["semi_major_axis"])
    if "inverse_flattening" in mapping and float(mapping["inverse_flattening"]) != 0:
        flattening = 1 / float(mapping["inverse_flattening"])
    else:
        flattening = 1 - float(mapping.get("semi_minor_axis", major)) / major
    eccentricity = np.sqrt(flattening * (2 - flattening))
    if eccentricity == 0:
        return major
    polar = (1 - eccentricity**2) * (1 / (1 - eccentricity**2)
                                     - np.log((1 - eccentricity) / (1 + eccentricity)) / (2 * eccentricity))
    return float(major * np.sqrt(polar / 2))


def areas_origin(layout: GridLayout) -> str:
    """How :meth:`~climann.data.layout.GridLayout.computed_cell_areas` found the areas, for the
    written variable's ``comment``: ``"from the cell bounds lat_bnds and lon_bnds"``, ``"from
    edges midway between the cell centres (...)"``, …"""
    grid = layout.geographic
    if grid is not None and not layout.is_rotated_pole:
        if grid.cell_areas is not None:
            return ("as the geodesic areas of the cells' corners placed by the map projection (grid mapping "
                    f"'{layout.grid_mapping.name if layout.grid_mapping is not None else ''}')")
        if grid.latitude_bounds is not None and grid.longitude_bounds is not None:
            return f"from the cell corners {grid.latitude_bounds.name} and {grid.longitude_bounds.name}"
        return "from corners midway between the cell centres"
    edges = [(coordinate.attrs.get("bounds") if bounds is not None else None)
             for coordinate, bounds in ((layout.latitude, layout.latitude_bounds),
                                        (layout.longitude, layout.longitude_bounds))]
    rotated = " of the rotated grid" if layout.is_rotated_pole else ""
    return _latitude_longitude_origin(edges) + rotated


def _latitude_longitude_origin(edges: list) -> str:
    """Where the edges of a latitude-longitude grid's cells came from (``edges``: the names of
    the latitude and longitude bounds, None for an axis without)."""
    if all(edges):
        return f"from the cell bounds {edges[0]} and {edges[1]}, (lambda2 - lambda1)(sin phi2 - sin phi1)"
    return ("from edges midway between the cell centres, (lambda2 - lambda1)(sin phi2 - sin phi1) (on an evenly "
            "spaced grid the cos(latitude) weighting)" if not any(edges) else
            "from the cell bounds of one axis and edges midway between the centres of the other, "
            "(lambda2 - lambda1)(sin phi2 - sin phi1)")
