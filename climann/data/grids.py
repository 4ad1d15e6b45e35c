"""Where the cells of a curvilinear, rotated-pole or projected grid lie on the Earth.

Such grids have row and column axes that are not latitude and longitude: rotated degrees
(``rlat``/``rlon`` with a ``rotated_latitude_longitude`` grid mapping), distances on a map
projection (``x``/``y`` in metres with, e.g., a ``lambert_conformal_conic`` grid mapping) or
bare indices (``y``/``x`` of an ocean model). The true latitude and longitude of each cell
are the file's 2-D auxiliary coordinates (CF ``coordinates``), or, when it has none,
computed from its grid mapping with pyproj (``pyproj.CRS.from_cf``, the axes and false origin
read in metres as :mod:`climann.data.projections` says).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import xarray as xr

from climann.data.coords import (
    find_coordinate, geographic_kinds, grid_mapping_names, is_grid_axis, time_coordinate, two_dimensional_coordinates,
)
from climann.data.geometry import (
    anticlockwise, bounds_from_centres, crossed_quadrilaterals, great_circle_polygon_areas, wrapped_difference,
)
from climann.data.layout import Coordinate, GeographicGrid
from climann.data.notes import note_once
from climann.data.point_lists import listed_points
from climann.data.projections import ProjectionReading, check_grid_mapping_name, projection_reading
from climann.data.shell import (attribute_command,
    input_and_copy, ncap2_name, ncatted_attribute, shown_path, source_and_copy, values_command, xarray_data,
    xarray_values,
)
from climann.data.sources import files_text, name_in_file, source_files
from climann.errors import ClimannError

_log = logging.getLogger(__name__)

#: Grid coordinates that differ by at most this fraction of the grid spacing are one grid
#: (float rounding when a file was written, e.g. 4e-6° on a 2° grid).
GRID_TOLERANCE = 1e-3

#: The ``encoding`` key of a stand-in target (all missing: ``climann predict`` on data
#: without the target); the cells are then judged by the variables the predictions come from.
STAND_IN_TARGET = "climann_stand_in_target"

def grid_mapping_of(dataset: xr.Dataset, target: str) -> Coordinate | None:
    """The grid-mapping variable of ``target`` (its CF ``grid_mapping``), else the one the
    data variables share, as name and attributes (value 0); None without one.

    Raises
    ------
    ClimannError
        If the data variables refer to several grid mappings and the target to none.
    """
    own = str(dataset[target].attrs.get("grid_mapping", "")).split(":")[0].strip()
    names = [own] if own in dataset.variables else grid_mapping_names(dataset)
    if len(names) > 1:
        raise ClimannError(
            f"the variables refer to several grid mappings ({', '.join(names)}) and '{target}' to none; "
            f"give '{target}' a grid_mapping attribute"
        )
    if not names:
        return None
    return Coordinate(names[0], np.array(0, dtype=np.int32), dict(dataset[names[0]].attrs))


def _from_file(dataset: xr.Dataset, names: tuple[str, str], dims: tuple[str, str],
               target: str | None, mapping: Coordinate | None = None) -> GeographicGrid:
    """The 2-D latitude and longitude of the file, with their corner bounds when given
    (checked: :func:`_complete_vertices`, cells judged by ``target``: :func:`_cells_with_data`);
    where they are missing on 1-D projected axes, computed from the grid ``mapping``
    (:func:`_missing_from_mapping`)."""
    coordinates, bounds, vertex_dim = [], [], "nv"
    for name in names:
        variable = dataset[name].transpose(*dims)
        coordinates.append(Coordinate(name, np.asarray(variable.values, np.float64), dict(variable.attrs)))
    coordinates = _missing_from_mapping(dataset, coordinates, dims, mapping)
    for name in names:
        variable = dataset[name].transpose(*dims)
        bounds_name = variable.attrs.get("bounds")
        if bounds_name in dataset.variables and dataset[bounds_name].ndim == 3:
            vertex_dim = next(str(d) for d in dataset[bounds_name].dims if d not in dims)
            values = dataset[bounds_name].transpose(*dims, vertex_dim).values
            bounds.append(Coordinate(str(bounds_name), np.asarray(values, np.float64),
                                     dict(dataset[bounds_name].attrs)))
    if len(bounds) < 2:
        coordinates = [Coordinate(c.name, c.values, {k: v for k, v in c.attrs.items() if k != "bounds"})
                       for c in coordinates]
        bounds = [None, None]
    eliminated = eliminated_cells(dataset, coordinates[0], coordinates[1], dims, target=target)
    if eliminated.any():  # no position: missing, as CF 1.9 lets auxiliary coordinates be (section 5)
        coordinates = [Coordinate(c.name, np.where(eliminated, np.nan, c.values), c.attrs) for c in coordinates]
        bounds = [None if b is None else _without_corners_of(b, eliminated) for b in bounds]
    if bounds[0] is not None:
        placed = np.isfinite(coordinates[0].values) & np.isfinite(coordinates[1].values)
        bounds, _ = _complete_vertices(dataset, bounds, placed, dims, names, target=target)
        bounds = _without_corners_off_the_globe_where_no_data(dataset, bounds, placed, dims, target)
        latitude_corners = within_the_poles(dataset, bounds[0].name, names[0], bounds[0].values)
        bounds[0] = Coordinate(bounds[0].name, latitude_corners, bounds[0].attrs)
        bounds = _corners_round_the_cell(dataset, bounds, placed, names, dims, target)
        return GeographicGrid(*coordinates, *bounds, vertex_dim=vertex_dim)
    points = listed_points(coordinates[0].values, coordinates[1].values)  # cells need corners to be cells
    if points:
        _note_point_list(dataset, names, dims, points)
    return GeographicGrid(*coordinates, *bounds, vertex_dim=vertex_dim, point_list=points)


def _note_point_list(dataset: xr.Dataset, names: tuple[str, str], dims: tuple[str, str], reason: str) -> None:
    """One note per run: the 2-D latitude and longitude list points, not a grid's cells
    (:mod:`climann.data.point_lists`), and what follows from it."""
    source = dataset.encoding.get("source")
    where = f"{Path(source).name}: " if source else ""
    shape = " × ".join(f"{dim}: {dataset.sizes[dim]}" for dim in dims)
    note_once(_log, logging.WARNING, (
        f"{where}latitude '{names[0]}' and longitude '{names[1]}' ({shape}) list points, not the cells of a grid "
        f"({reason}; as a land-surface model's land points): each point is weighed by cos(latitude) in the "
        "training and the scores, the area of its cell on an evenly spaced latitude-longitude grid (no cell areas "
        "are made up from list neighbours), and the maps draw points; to weigh by the cells' true areas, give them "
        "with the file's cell_measures (CF 7.2) or its cell corners (CF 7.1 bounds)"),
        key=("point list", names, dims))


def _without_corners_of(bounds: Coordinate, cells: np.ndarray) -> Coordinate:
    """``bounds`` (2-D corners, shape (n_rows, n_columns, n_vertices)) missing at ``cells``,
    shape (n_rows, n_columns): cells left without a position or an area."""
    return Coordinate(bounds.name, np.where(cells[..., None], np.nan, np.asarray(bounds.values, np.float64)),
                      bounds.attrs)


def _without_corners_off_the_globe_where_no_data(dataset: xr.Dataset, bounds: list[Coordinate], placed: np.ndarray,
                                                 dims: tuple[str, str], target: str | None) -> list[Coordinate]:
    """The 2-D corners with those of cells where the target never holds data (land of an
    ocean grid, :func:`_cells_with_data`) left missing when some of their latitudes lie beyond
    the poles (an undeclared fill, −999 or 1e20, written on land): such a cell carries no
    sample and no area weight, as a cell with a corner missing (:func:`_complete_vertices`),
    so its corners are not judged by :func:`within_the_poles` (verify21b F0)."""
    latitude = np.asarray(bounds[0].values, np.float64)
    with np.errstate(invalid="ignore"):
        beyond = placed & (np.abs(latitude) - 90.0 > _POLE_ROUNDING_DEGREES).any(axis=-1)
    if not beyond.any():
        return bounds
    has_data = _cells_with_data(dataset, beyond, dims, target)
    empty = beyond & ~has_data if has_data is not None else np.zeros_like(beyond)
    if not empty.any():
        return bounds
    return [_without_corners_of(b, empty) for b in bounds]


def _corners_round_the_cell(dataset: xr.Dataset, bounds: list[Coordinate], placed: np.ndarray,
                            names: tuple[str, str], dims: tuple[str, str],
                            target: str | None = None) -> list[Coordinate]:
    """The 2-D corners of four vertices a cell listed round each cell (CF section 7.1).

    Corners written row by row (SW, SE, NW, NE) make crossed polygons ("bowties",
    :func:`~climann.data.geometry.crossed_quadrilaterals`) whose areas are nonsense (from 2e-6
    to 0.24 of the cells' on a 25 km polar grid). When listing the vertices 0, 1, 3, 2
    uncrosses every crossed cell and crosses none of the others (a collapsed cell written as a
    triangle, its last vertex repeated, stays the triangle it is in either order), the file's
    order is that one throughout: the corners are read so, with a warning naming the
    variables. A crossed cell where the target never holds data (:func:`_cells_with_data`)
    carries no sample and no weight: it is left without an area, as a cell with a corner
    missing. Any other crossing is refused.

    Raises
    ------
    ClimannError
        If some cells are crossed and no one order of the vertices uncrosses them all.
    """
    latitude, longitude = (np.asarray(b.values, np.float64) for b in bounds)
    if latitude.shape[-1] != 4:
        return bounds
    crossed = crossed_quadrilaterals(latitude, longitude) & placed
    if crossed.any() and (has_data := _cells_with_data(dataset, crossed, dims, target)) is not None:
        empty = crossed & ~has_data  # no sample and no weight there: left without an area (verify21c F4)
        if empty.any():
            bounds = [_without_corners_of(b, empty) for b in bounds]
            latitude, longitude = (np.asarray(b.values, np.float64) for b in bounds)
            placed, crossed = placed & ~empty, crossed & ~empty
    if not crossed.any():
        return bounds
    row_by_row = [0, 1, 3, 2]
    if not (crossed_quadrilaterals(latitude[..., row_by_row], longitude[..., row_by_row]) & placed).any():
        note_once(_log, logging.WARNING, (
            f"'{bounds[0].name}'/'{bounds[1].name}' (the cell corners of '{names[0]}'/'{names[1]}') list each cell's "
            f"vertices row by row (e.g. SW, SE, NW, NE), not round the cell as CF 7.1 asks, which would make crossed "
            f"polygons of no area: read in the order 0, 1, 3, 2, round each cell"
        ), key=("corners row by row", bounds[0].name))
        return [Coordinate(b.name, np.asarray(b.values)[..., row_by_row], b.attrs) for b in bounds]
    i, j = np.argwhere(crossed)[0]
    raise ClimannError(
        f"'{bounds[0].name}'/'{bounds[1].name}' (the cell corners of '{names[0]}'/'{names[1]}') do not go round "
        f"{int(crossed.sum())} of {int(placed.sum())} cells (first at index {i}, {j}: latitudes "
        f"{', '.join(f'{value:g}' for value in latitude[i, j])}, longitudes "
        f"{', '.join(f'{value:g}' for value in longitude[i, j])}): their polygons cross themselves, so their areas, "
        f"which weight the training and the scores, are unknown (CF 7.1: vertices in order round the cell); "
        + _without_bounds_advice(dataset, names[1])
    )


#: Positions an ocean model writes where it has none: NEMO's eliminated land processors
#: (``jpni``/``jpnj`` domains with no ocean, not run) leave nav_lat/nav_lon at 0 or −1.
_NO_POSITION = ((0.0, 0.0), (-1.0, -1.0))


def _missing_from_mapping(dataset: xr.Dataset, coordinates: list[Coordinate], dims: tuple[str, str],
                          mapping: Coordinate | None) -> list[Coordinate]:
    """The file's 2-D latitude and longitude (``coordinates``, shape (n_rows, n_columns)) with the
    cells where either is missing placed by the grid ``mapping`` of the 1-D projected axes ``dims``
    (pyproj, read as :func:`_reading` reads it, checked against the cells the file does place),
    said in a note; as they are without such axes and mapping, when nothing is missing, or when
    pyproj cannot read the mapping (the cells are then refused as unplaced: :func:`eliminated_cells`).
    SMAP L3 writes -9999 in ``latitude``/``longitude`` wherever that day had no retrieval on its
    EASE-Grid 2.0 x/y (break52b A2: refused, "fill in the coordinates (e.g. from the model's
    mesh_mask file)"), although the grid mapping places every cell."""
    latitude, longitude = (c.values for c in coordinates)
    missing = ~np.isfinite(latitude) | ~np.isfinite(longitude)
    if mapping is None or not missing.any() or not _is_projection(dataset, dims, mapping):
        return coordinates
    try:
        reading = _reading(dataset, dims, mapping, GeographicGrid(*coordinates) if not missing.all() else None)
    except ClimannError:
        return coordinates
    rows, columns = np.meshgrid(*(np.asarray(dataset[dim].values, np.float64) for dim in dims), indexing="ij")
    placed = reading.positions(rows[missing], columns[missing], mapping.name)
    note_once(_log, logging.INFO, (
        f"'{coordinates[0].name}'/'{coordinates[1].name}' are missing at {int(missing.sum())} of {missing.size} cells: "
        f"placed there by the grid mapping '{mapping.name}' with pyproj, as the file's own place the others"
    ), key=("positions missing, from the mapping", coordinates[0].name, mapping.name))
    filled = []
    for coordinate, values in zip(coordinates, placed):
        whole = coordinate.values.copy()
        whole[missing] = values
        filled.append(Coordinate(coordinate.name, whole, coordinate.attrs))
    return filled


def eliminated_cells(dataset: xr.Dataset, latitude: Coordinate, longitude: Coordinate,
                     dims: tuple[str, str], *, target: str | None = None) -> np.ndarray:
    """Cells of a curvilinear grid that have no position: 2-D latitude and longitude that are
    missing, or exactly (0, 0) or (−1, −1), where the target (every data variable on the grid
    and in time without one: :func:`_cells_with_data`) is missing at every time step (NEMO's
    land processors eliminated at run time write no coordinates and no data there); shape
    (n_rows, n_columns). Bounds, cell measures and fields without time (a mask) are not
    asked: they may hold zeros there. Only the candidate cells are read.

    A cell at 0°N 0°E or 1°S 1°W that holds data is a real one and kept; without a time
    axis no cell is taken for eliminated.

    Raises
    ------
    ClimannError
        If a cell whose latitude or longitude is missing holds data of the target: it cannot be placed.
    """
    lat, lon = np.asarray(latitude.values, np.float64), np.asarray(longitude.values, np.float64)
    missing = ~np.isfinite(lat) | ~np.isfinite(lon)
    candidates = missing | np.logical_or.reduce([(lat == a) & (lon == b) for a, b in _NO_POSITION])
    if not candidates.any():
        return candidates
    has_data = _cells_with_data(dataset, candidates, dims, target)
    if has_data is None:  # only static fields: nothing tells an eliminated tile apart
        return np.zeros_like(candidates)
    if (missing & has_data).any():
        i, j = np.argwhere(missing & has_data)[0]
        raise ClimannError(
            f"'{latitude.name}'/'{longitude.name}' are missing at {int((missing & has_data).sum())} cells that hold "
            f"{_whose(dataset, target)}data (first at {dims[0]}={i}, {dims[1]}={j}): those cells cannot be placed; "
            "fill in the coordinates (e.g. from the model's mesh_mask file) or mask the data there"
        )
    return candidates & ~has_data


def _cells_with_data(dataset: xr.Dataset, candidates: np.ndarray, dims: tuple[str, str],
                     target: str | None = None) -> np.ndarray | None:
    """Which of the ``candidates`` cells, shape (n_rows, n_columns), hold a value of the
    ``target`` at some time step, or, without a target in the dataset (or only a stand-in:
    :data:`STAND_IN_TARGET`), of some data variable on the grid and in time; only those
    cells are read. None without a time axis (bounds, cell measures and static fields, such
    as a mask, may hold values on a tile that was never run).

    A cell where the target never holds data carries no sample, so no score and no area
    weight: a predictor's values there (a forcing field given on land too) do not make its
    position or area needed (pointwise and field mode alike)."""
    if (time_name := time_coordinate(dataset)) is None:
        return None
    time = dataset[time_name].dims
    judged = dataset.data_vars.values() if _real_target(dataset, target) is None else [dataset[target]]
    fields = [variable for variable in judged if set(dims) | set(time) <= set(variable.dims)]
    rows, columns = np.nonzero(candidates)
    at = {dims[0]: xr.DataArray(rows, dims="cell"), dims[1]: xr.DataArray(columns, dims="cell")}
    has_data = np.zeros(candidates.shape, bool)
    for variable in fields:
        values = variable.isel(at).notnull()
        has_data[rows, columns] |= np.asarray(values.any([dim for dim in values.dims if dim != "cell"]).values)
    return has_data


def _real_target(dataset: xr.Dataset, target: str | None) -> str | None:
    """``target`` when the dataset holds it, not a stand-in for it; else None."""
    if target is None or target not in dataset.data_vars or dataset[target].encoding.get(STAND_IN_TARGET):
        return None
    return target


def _whose(dataset: xr.Dataset, target: str | None) -> str:
    return "" if _real_target(dataset, target) is None else f"'{target}' "


def _without_bounds_advice(dataset: xr.Dataset, name: str) -> str:
    """The way out of bounds of ``name`` that cannot be used: fill them in, or the ncatted
    command that removes its ``bounds`` attribute, for the first file holding the bounds and,
    when several do (CMIP files of one variable each carry the same vertices), naming the
    others (break24a F1: one file named of four)."""
    holders = source_files(dataset[bounds]) if (bounds := dataset[name].attrs.get("bounds")) in dataset else ()
    first = input_and_copy(holders[0]) if holders else source_and_copy(dataset, dataset[name])
    others = (f", and the same in {files_text(holders[1:])}, which hold{'s' if len(holders) == 2 else ''} them too"
              if len(holders) > 1 else "")
    return (f"fill in the bounds, or remove the bounds attribute to have the areas computed from the cell centres: "
            f"{attribute_command([ncatted_attribute('bounds', name, 'd')], first)}{others}")


#: How far past ±90° a latitude bound may lie as the rounding of a pole written in float32
#: (float32(90.00001) is 90.0000076; float32's spacing at 90 is 7.6e-6°), degrees: clipped
#: without a word, as a bound on the pole itself.
_POLE_ROUNDING_DEGREES = 1e-4


def within_the_poles(dataset: xr.Dataset, bounds_name: str, name: str, values: np.ndarray) -> np.ndarray:
    """Latitude cell bounds (1-D, shape (n, 2)) or cell corners (2-D, shape (n_rows,
    n_columns, n_vertices)) with those beyond ±90° clipped to the pole, degrees.

    A cell cannot reach past a pole. Bounds extrapolated half a spacing beyond the end
    centres write one all the same: cf_xarray's ``add_bounds`` on ERA5's 90…−90 rows gives
    the 90° row [91.25, 88.75], whose sin φ difference, and so area, is 0; corners
    extrapolated from 2-D centres around a pole write 90.5°, a unit vector at 89.5° on the
    opposite meridian, which makes the polar cells 0.08 and 2.08 times their area. Clipping
    at ±90° is the usual reading (CDO's and xESMF's bounds, cf_xarray users' own fix), said
    in one warning naming the variable; a bound within 10⁻⁴° past the pole (a pole written in
    float32, 90.0000076) is the pole, clipped without a word. A bound beyond ±180° is no
    latitude at all (a fill value the file does not declare, another unit): refused.

    Parameters
    ----------
    dataset : xarray.Dataset
        The file, for the command of the refusal.
    bounds_name, name : str
        The bounds variable and the latitude it bounds, for the messages.
    values : ndarray, shape (..., n_vertices)
        The bounds, degrees; NaN where missing (kept).

    Returns
    -------
    ndarray, shape (..., n_vertices)
        ``values`` itself when all lie within ±90°, else a clipped copy.

    Raises
    ------
    ClimannError
        If a bound lies beyond ±180°, with the ncap2 command that clips the bounds (CF
        conventions section 4.1: latitude is in degrees north, within ±90°).
    """
    with np.errstate(invalid="ignore"):
        excess = np.abs(values) - 90.0
        beyond = excess > _POLE_ROUNDING_DEGREES
    if not beyond.any():
        return np.clip(values, -90.0, 90.0) if (excess > 0.0).any() else values
    impossible = beyond & (excess > 90.0)
    variable = ncap2_name(bounds_name)
    clip = values_command([f"where({variable}>90) {variable}=90; where({variable}<-90) {variable}=-90"],
                          [xarray_values(bounds_name, f"{xarray_data(bounds_name)}.clip(-90, 90)")],
                          source_and_copy(dataset, dataset[bounds_name]))
    if impossible.any():
        value = float(values[impossible][np.argmax(np.abs(values[impossible]))])
        raise ClimannError(
            f"'{bounds_name}' (the cell bounds of '{name}') reaches latitude {value:g}, which is no latitude (a fill "
            f"value the file does not declare? other units?), so the cells' areas, which weight the training and the "
            f"scores, are unknown; declare the fill value, or, if the bounds are degrees north extrapolated past the "
            f"pole, clip them at ±90: {clip}"
        )
    farthest = float(values[beyond][np.argmax(excess[beyond])])
    note_once(_log, logging.WARNING, (
        f"'{bounds_name}' (the cell bounds of '{name}') reaches latitude {farthest:.6g} at {int(beyond.sum())} bounds, "
        f"beyond the pole (bounds extrapolated past the end rows, e.g. cf_xarray's add_bounds): clipped at ±90° "
        f"for the cell areas, as CDO and xESMF do (to clip them in the file: {clip})"
    ), key=("latitude bounds beyond the pole", bounds_name))
    return np.clip(values, -90.0, 90.0)


def axis_bounds(dataset: xr.Dataset, name: str, *, longitude: bool = False) -> np.ndarray | None:
    """The CF cell bounds of the 1-D axis ``name``, shape (n, 2), as the file gives them (its
    ``bounds`` attribute, CF conventions section 7.1), a latitude's clipped at ±90° with a
    warning (:func:`within_the_poles`); None without.

    Parameters
    ----------
    dataset : xarray.Dataset
    name : str
        A latitude or longitude axis.
    longitude : bool
        Whether it is a longitude: its cells are arcs modulo 360° (``[165, -165]`` is the
        30° cell of the −180° meridian).

    Raises
    ------
    ClimannError
        If a bound is missing (NaN): the cell's extent, and so its area, which weights the
        training and the scores, is unknown; or a cell does not hold its coordinate value
        (:func:`centre_outside_cell`: ``lat_bnds`` left in south-to-north order by a flip of
        ``lat``), so that the areas would be other rows' or columns' — as time bounds that
        do not hold their stamps are refused (:func:`climann.data.time_cells.check_stamps_in_cells`).
        The message names the cells and how to have the areas computed from the centres
        instead (nothing is guessed).
    """
    bounds_name = dataset[name].attrs.get("bounds")
    if bounds_name not in dataset.variables or dataset[bounds_name].ndim != 2:
        return None
    values = np.asarray(dataset[bounds_name].values, np.float64)
    missing = ~np.isfinite(values).all(axis=-1)
    if missing.any():
        first = np.asarray(dataset[name].values)[np.argmax(missing)]
        raise ClimannError(
            f"'{bounds_name}' (the cell bounds of '{name}') is missing at {int(missing.sum())} of {missing.size} "
            f"cells (first at {name}={first:g}): their areas, which weight the training and the scores, are unknown; "
            + _without_bounds_advice(dataset, name)
        )
    centres = np.asarray(dataset[name].values, np.float64)
    outside = centre_outside_cell(centres, values, longitude=longitude) if values.shape == (centres.size, 2) else None
    if outside is not None:
        count = int(outside.sum())
        index = int(np.argmax(outside))
        low, high = values[index].min(), values[index].max()
        more = f" (so do {count - 1} more of its {centres.size} cells)" if count > 1 else ""
        raise ClimannError(
            f"'{bounds_name}' (the cell bounds of '{name}') contradicts it: {name}={centres[index]:g} (index {index}, "
            f"counting from 0) lies outside its cell {low:g} to {high:g}{more}, so the areas, which weight the "
            f"training and the scores, would be those of other cells (CF 7.1: a cell holds its coordinate value); if "
            f"the {name} values are right, remove the bounds attribute to have the areas computed from them: "
            f"{attribute_command([ncatted_attribute('bounds', name, 'd')], source_and_copy(dataset, dataset[name]))}"
        )
    if not longitude and geographic_kinds(dataset[name]) == {"latitude"}:
        values = within_the_poles(dataset, str(bounds_name), name, values)
    return values


def centre_outside_cell(centres: np.ndarray, bounds: np.ndarray, *, longitude: bool = False) -> np.ndarray | None:
    """Which cells of a 1-D axis do not hold their coordinate value (CF 7.1), None when all do.

    A value on an edge of its cell holds it, to within the tolerance time cells have
    (:data:`climann.data.time_cells.EDGE_TOLERANCE` of the cell's width: bounds and
    values stored apart may round differently).

    Parameters
    ----------
    centres : ndarray, shape (n,)
        The axis's values, degrees.
    bounds : ndarray, shape (n, 2)
        Each cell's two bounds, degrees, in either order.
    longitude : bool
        Cells are arcs modulo 360°: the shorter arc between the two bounds (a single
        column of 360° holds every value).

    Returns
    -------
    ndarray of bool, shape (n,), or None
    """
    from climann.data.time_cells import EDGE_TOLERANCE

    if longitude:
        width = np.abs(wrapped_difference(bounds[:, 1], bounds[:, 0]))
        # on the arc, the two distances to its ends add up to its width; off it, to more
        reach = np.abs(wrapped_difference(centres, bounds[:, 0])) + np.abs(wrapped_difference(centres, bounds[:, 1]))
        round_the_globe = np.abs(bounds[:, 1] - bounds[:, 0]) >= 360.0 - 1e-9
        outside = ~round_the_globe & (reach - width > 2 * EDGE_TOLERANCE * width + 1e-9)
    else:
        low, high = bounds.min(axis=1), bounds.max(axis=1)
        slack = EDGE_TOLERANCE * (high - low) + 1e-9
        outside = (centres < low - slack) | (centres > high + slack)
    return outside if outside.any() else None


def _complete_vertices(dataset: xr.Dataset, bounds: list[Coordinate], placed: np.ndarray, dims: tuple[str, str],
                       names: tuple[str, str], *, target: str | None = None) -> tuple[list[Coordinate], np.ndarray]:
    """The 2-D cell vertices, shape (n_rows, n_columns, n_vertices), checked, and the cells
    left without an area, shape (n_rows, n_columns).

    A cell of fewer vertices than the vertex dimension holds the fill value in its last
    ones (CF conventions section 7.1): they are given its last vertex, a zero-length side
    that adds no area. A placed cell (finite centre) with another vertex missing has no
    known area: when the target never holds data there (:func:`_cells_with_data`) it is left
    without an area, as a cell without a position is; else the file is refused.

    Raises
    ------
    ClimannError
        If a cell where the target holds data (or any, without a time axis) has a missing vertex.
    """
    latitude, longitude = (np.asarray(b.values, np.float64) for b in bounds)
    missing = ~np.isfinite(latitude) | ~np.isfinite(longitude)
    trailing = np.all(np.diff(missing.astype(np.int8), axis=-1) >= 0, axis=-1) & ((~missing).sum(axis=-1) >= 3)
    broken = placed & missing.any(axis=-1) & ~trailing
    if broken.any():
        has_data = _cells_with_data(dataset, broken, dims, target)
        held = broken if has_data is None else broken & has_data
        if held.any():
            i, j = np.argwhere(held)[0]
            raise ClimannError(
                f"'{bounds[0].name}'/'{bounds[1].name}' (the cell corners of '{names[0]}'/'{names[1]}') are missing at "
                f"{int(held.sum())} cells that hold {_whose(dataset, target)}data (first at {dims[0]}={i}, "
                f"{dims[1]}={j}): their areas, which weight the training and the scores, are unknown; "
                + _without_bounds_advice(dataset, names[1])
            )
    for k in range(1, missing.shape[-1]):  # the fill of fewer-sided cells: their last vertex again
        fill = (placed & trailing)[..., None] & missing[..., k:k + 1]
        latitude[..., k:k + 1] = np.where(fill, latitude[..., k - 1:k], latitude[..., k:k + 1])
        longitude[..., k:k + 1] = np.where(fill, longitude[..., k - 1:k], longitude[..., k:k + 1])
    completed = [Coordinate(b.name, values, b.attrs) for b, values in zip(bounds, (latitude, longitude))]
    return completed, broken


def _axis_edges(dataset: xr.Dataset, name: str) -> np.ndarray:
    """Cell edges along a 1-D axis, shape (n + 1,): from its CF bounds, else midway between
    centres (and as far beyond the ends as the neighbouring step)."""
    bounds = axis_bounds(dataset, name)
    if bounds is None:
        bounds = bounds_from_centres(np.asarray(dataset[name].values, np.float64))
    return np.concatenate([bounds[:, 0], bounds[-1:, 1]])


def _reading(dataset: xr.Dataset, dims: tuple[str, str], mapping: Coordinate,
             file_grid: GeographicGrid | None = None) -> ProjectionReading:
    """How pyproj reads the 1-D rotated or projected axes ``dims`` with ``mapping``: rotated
    degrees as they are; a map projection's x/y and false origin in metres
    (:func:`~climann.data.projections.projection_reading`, checked against the file's own
    latitude and longitude in ``file_grid``)."""
    if not _is_projection(dataset, dims, mapping):
        return ProjectionReading(dict(mapping.attrs), (1.0, 1.0))
    check_grid_mapping_name(mapping, (dataset[dims[0]], dataset[dims[1]]))
    positions = None if file_grid is None else (file_grid.latitude, file_grid.longitude)
    return projection_reading(dataset, dims, mapping, positions)


def _projected_corners(dataset: xr.Dataset, dims: tuple[str, str], mapping: Coordinate, reading: ProjectionReading):
    """Latitude and longitude of the cell centres, shape (n_rows, n_columns), and of the cell
    corners, shape (n_rows + 1, n_columns + 1), degrees, from the 1-D projected (or rotated)
    axes: the corners are the axes' edges (CF bounds, else midway between centres), exact in
    the projection's coordinates, transformed with pyproj as ``reading`` says."""
    rows, columns = np.meshgrid(*(np.asarray(dataset[dim].values, np.float64) for dim in dims), indexing="ij")
    corner_rows, corner_columns = np.meshgrid(*(_axis_edges(dataset, dim) for dim in dims), indexing="ij")
    latitude, longitude = reading.positions(rows, columns, mapping.name)
    corner_lat, corner_lon = reading.positions(corner_rows, corner_columns, mapping.name)
    return (longitude, latitude), (corner_lon, corner_lat)


def _vertices(corners: np.ndarray) -> np.ndarray:
    """The 4 corners of each cell, shape (n_rows, n_columns, 4), from the corner grid of shape
    (n_rows + 1, n_columns + 1), in CF vertex order, anticlockwise in index space:
    (i, j), (i, j+1), (i+1, j+1), (i+1, j)."""
    return np.stack([corners[:-1, :-1], corners[:-1, 1:], corners[1:, 1:], corners[1:, :-1]], axis=-1)


def _projected_cell_areas(dataset: xr.Dataset, dims: tuple[str, str], mapping: Coordinate,
                          reading: ProjectionReading) -> np.ndarray:
    """Area of each cell of a projected grid on the Earth, shape (n_rows, n_columns), unit
    authalic sphere (steradians): the geodesic polygon through its corners, which are exact in
    the projection's coordinates, on the grid mapping's ellipsoid
    (:func:`~climann.data.geometry.great_circle_polygon_areas`). Cells around or containing
    a pole, or across the antimeridian, are whole: no longitude is averaged or differenced."""
    _, (corner_lon, corner_lat) = _projected_corners(dataset, dims, mapping, reading)
    ellipsoid = reading.transformer(mapping.name).source_crs.ellipsoid
    flattening = 0.0 if ellipsoid is None or not ellipsoid.inverse_flattening else 1 / ellipsoid.inverse_flattening
    return great_circle_polygon_areas(_vertices(corner_lat), _vertices(corner_lon), flattening=flattening)


def _from_mapping(dataset: xr.Dataset, dims: tuple[str, str], mapping: Coordinate,
                  reading: ProjectionReading) -> GeographicGrid:
    """2-D latitude, longitude and cell corners computed from the 1-D axes and the grid mapping."""
    (longitude, latitude), (corner_lon, corner_lat) = _projected_corners(dataset, dims, mapping, reading)
    latitude_attrs = {"standard_name": "latitude", "long_name": "latitude", "units": "degrees_north",
                      "bounds": "lat_bnds"}
    longitude_attrs = {"standard_name": "longitude", "long_name": "longitude", "units": "degrees_east",
                       "bounds": "lon_bnds"}
    free = lambda name: name if name not in dataset.variables else f"{name}_climann"  # noqa: E731
    # anticlockwise, as CF 7.1 asks: index order is clockwise where the y axis descends (NSIDC, EASE-Grid 2.0)
    vertex_lat, vertex_lon = anticlockwise(_vertices(corner_lat), _vertices(corner_lon))
    return GeographicGrid(
        latitude=Coordinate(free("lat"), latitude, latitude_attrs),
        longitude=Coordinate(free("lon"), longitude, longitude_attrs),
        latitude_bounds=Coordinate(free("lat_bnds"), vertex_lat, {}),
        longitude_bounds=Coordinate(free("lon_bnds"), vertex_lon, {}),
        vertex_dim="nv",
    )


def _is_projection(dataset: xr.Dataset, dims: tuple[str, str], mapping: Coordinate | None) -> bool:
    """Whether the rows and columns are 1-D axes of a map projection (x/y in a length unit),
    not rotated or plain degrees."""
    return (mapping is not None
            and mapping.attrs.get("grid_mapping_name") not in ("rotated_latitude_longitude", "latitude_longitude")
            and all(dim in dataset.coords and is_grid_axis(dataset[dim]) for dim in dims))


def geographic_grid(dataset: xr.Dataset, dims: tuple[str, str], mapping: Coordinate | None, *,
                    target: str | None = None) -> GeographicGrid | None:
    """The true latitude and longitude of each cell when the grid is not a regular
    latitude-longitude one; None when it is.

    Parameters
    ----------
    dataset : xarray.Dataset
    dims : (row, column) dimension names
        As found by :func:`climann.data.coords.find_coordinate` for latitude and longitude.
    mapping : Coordinate or None
        The target's grid mapping (:func:`grid_mapping_of`).
    target : str, optional
        The variable whose cells need a position and an area: a cell of a curvilinear grid
        without them is accepted where it never holds data (land of an ocean grid). Without
        it (or when it is not in the dataset), every data variable on the grid and in time.

    Returns
    -------
    GeographicGrid or None
        The file's 2-D coordinates (and their bounds), or, for 1-D rotated or projected
        axes with a grid mapping and no 2-D coordinates, values computed with pyproj
        (cell corners from the axes' bounds, or midway between centres). On a map
        projection it also carries the cells' geodesic areas from their projected corners
        (:func:`_projected_cell_areas`) and how pyproj reads the axes (its ``projection``).

    Raises
    ------
    ClimannError
        If pyproj cannot read the grid mapping, a projected axis has no length units (nor
        radians on a geostationary grid), or the mapping places the cells far from the
        file's own 2-D latitude and longitude (:func:`~climann.data.projections.projection_reading`).
    """
    names = two_dimensional_coordinates(dataset)
    on_axes = mapping is not None and all(dim in dataset.coords and is_grid_axis(dataset[dim]) for dim in dims)
    file_grid = None if names is None else _from_file(dataset, names, dims, target, mapping if on_axes else None)
    if not on_axes:
        return file_grid  # None on a regular latitude-longitude grid (perhaps with a latitude_longitude mapping)
    reading = _reading(dataset, dims, mapping, file_grid)
    grid = file_grid or _from_mapping(dataset, dims, mapping, reading)
    if _is_projection(dataset, dims, mapping):  # also when the file (a predictions file) has 2-D lat/lon
        areas = _projected_cell_areas(dataset, dims, mapping, reading)
        _note_cells_off_the_earth(dataset, dims, mapping, grid, areas, target)
        grid = dataclasses.replace(grid, cell_areas=areas, projection=reading)
    return grid


def _note_cells_off_the_earth(dataset: xr.Dataset, dims: tuple[str, str], mapping: Coordinate,
                              grid: GeographicGrid, areas: np.ndarray, target: str | None) -> None:
    """One warning per run when cells holding data (:func:`_cells_with_data`) have a corner the
    projection puts nowhere on the Earth (the limb of a geostationary satellite's disk): their
    areas, and so their weights in the training and the scores, are 0."""
    unknown = ~np.isfinite(areas) & np.isfinite(np.asarray(grid.latitude.values, np.float64))
    if not unknown.any():
        return
    has_data = _cells_with_data(dataset, unknown, dims, target)
    held = unknown if has_data is None else unknown & has_data
    if held.any():
        i, j = np.argwhere(held)[0]
        note_once(_log, logging.WARNING, (
            f"{int(held.sum())} cells holding {_whose(dataset, target)}data (first at {dims[0]}={i}, {dims[1]}={j}) "
            f"have a corner that grid mapping '{mapping.name}' puts off the Earth (the edge of a geostationary "
            "satellite's disk): their areas are unknown, so they weigh 0 in the training and the scores "
            "(counted in the numbers of samples all the same)"
        ), key=("cells off the Earth", mapping.name, int(held.sum())))


def horizontal_grid(dataset: xr.Dataset, *, target: str | None = None
                    ) -> tuple[tuple[str, str], GeographicGrid | None, Coordinate | None]:
    """The (row, column) dimensions, the geographic grid (None on a regular grid) and the
    grid mapping (None without one) of a dataset whose variables share one grid; its cells
    judged by ``target`` as in :func:`geographic_grid`, its mapping the target's
    (:func:`grid_mapping_of`, as a run reads it) when ``target`` is given: a predictor's file
    may name the same projection under another name (ERA5's ``crs`` beside the NSIDC CDR's
    ``projection``, break43a A1).

    Raises
    ------
    ClimannError
        As :func:`geographic_grid`, or when the variables refer to several grid mappings.
    """
    dims = (find_coordinate(dataset, "latitude"), find_coordinate(dataset, "longitude"))
    if target is not None and target in dataset.data_vars:  # the target's own, as a run reads it
        mapping = grid_mapping_of(dataset, target)
        return dims, geographic_grid(dataset, dims, mapping, target=target), mapping
    names = grid_mapping_names(dataset)
    if len(names) > 1:
        raise ClimannError(f"the variables refer to several grid mappings ({', '.join(names)}); keep one")
    mapping = Coordinate(names[0], np.array(0, np.int32), dict(dataset[names[0]].attrs)) if names else None
    return dims, geographic_grid(dataset, dims, mapping, target=target), mapping


def cell_measure_name(attrs: Mapping) -> str | None:
    """The variable a CF ``cell_measures`` attribute names for ``area`` (``"area: areacello"``
    → ``"areacello"``; CF conventions section 7.2), None when it names none."""
    words = str(attrs.get("cell_measures", "")).split()
    return next((value for key, value in zip(words[::2], words[1::2]) if key == "area:"), None)


def file_cell_measure(dataset: xr.Dataset, target: str, dims: tuple[str, str]) -> Coordinate | None:
    """The target's cell-area variable as the file gives it (its name, values of shape
    (n_rows, n_columns) in ``dims`` order, attributes), for prediction files to carry with the
    ``cell_measures`` attribute (CF section 7.2): CDO's ``fldmean`` then weighs with the areas
    climann weighed with. None where :func:`file_cell_areas` finds none."""
    areas = file_cell_areas(dataset, target, dims)
    if areas is None:
        return None
    name = cell_measure_name(dataset[target].attrs)
    return Coordinate(name, areas, {key: value for key, value in dataset[name].attrs.items()
                                    if key not in ("_FillValue", "missing_value", "coordinates")})


def file_cell_areas(dataset: xr.Dataset, target: str, dims: tuple[str, str]) -> np.ndarray | None:
    """The target's cell areas as the file gives them: the variable its CF ``cell_measures``
    attribute names for ``area`` (``"area: areacello"``; CF conventions section 7.2), shape
    (n_rows, n_columns) in ``dims`` order, NaN where it is missing (land); None when the
    attribute names none or the variable is not in the file (CMIP's ``external_variables``,
    CF section 2.6.3), which is said in one note per run (:func:`_note_external_areas`).

    Raises
    ------
    ClimannError
        If the area variable is not on the grid's two dimensions, or has negative values.
    """
    name = cell_measure_name(dataset[target].attrs)
    if name is None:
        return None
    if name not in dataset.variables:
        _note_external_areas(dataset, target, name)
        return None
    variable = dataset[name]
    # a size-1 axis beside the grid goes (a time of one step), never the grid's own (a grid of one cell)
    variable = variable.squeeze([dim for dim in variable.dims if dim not in dims and variable.sizes[dim] == 1],
                                drop=True)
    if set(variable.dims) != set(dims):
        removal = attribute_command([ncatted_attribute("cell_measures", name_in_file(dataset[target], target), "d")],
                                    source_and_copy(dataset[target], dataset))
        if (station := station_coordinate(dataset, variable)) is not None:
            raise ClimannError(
                f"cell measure '{name}' of '{target}' is one area per station ({station}): the area a station's "
                f"series stands for (its catchment's), not a grid cell's; climann weighs grid cells by their areas, "
                f"and the scores of stations are not weighed: remove the cell_measures attribute ({removal}) and "
                "give that copy in place of the file"
            )
        on = (f"on {tuple(map(str, variable.dims))}" if variable.dims else "one value (no dimension)")
        raise ClimannError(
            f"cell measure '{name}' of '{target}' is {on}, not on the grid's "
            f"{dims}; give the cell areas on the grid, or remove the cell_measures attribute to have them computed"
        )
    areas = np.asarray(variable.transpose(*dims).values, np.float64)
    if (areas < 0).any():
        raise ClimannError(f"cell measure '{name}' of '{target}' has negative areas; fix the file or remove "
                           "the cell_measures attribute to have the areas computed")
    return areas


#: CF roles (section 9.5, discrete sampling geometries) of the variable that names each feature:
#: a station's series, a profile, a trajectory.
FEATURE_ROLES = ("timeseries_id", "profile_id", "trajectory_id")


def station_coordinate(dataset: xr.Dataset, variable: xr.DataArray) -> str | None:
    """How ``variable`` is one value per station (a CF discrete sampling geometry, section 9):
    ``"'subid', cf_role timeseries_id"`` when a dimension of it, or a scalar coordinate left by
    the selection of one station, is named by a variable with a :data:`FEATURE_ROLES` ``cf_role``
    (HYPE's ``subid``); None otherwise (a grid's cells, an unstructured mesh's).

    Parameters
    ----------
    dataset : xarray.Dataset
        The file, whose coordinates say the roles.
    variable : xarray.DataArray
        A variable of it (``area(subid)``, or ``area`` with the scalar ``subid`` after a selection).

    Returns
    -------
    str or None
    """
    names = [*map(str, variable.dims), *(str(key) for key in variable.coords if variable[key].ndim == 0)]
    for key in names:
        role = str(dataset[key].attrs.get("cf_role", "")) if key in dataset.variables else ""
        if role in FEATURE_ROLES:
            return f"'{key}', cf_role {role}"
    for key, candidate in dataset.variables.items():  # the role on a variable of the station dimension
        if str(candidate.attrs.get("cf_role", "")) in FEATURE_ROLES and set(candidate.dims) & set(variable.dims):
            return f"'{key}', cf_role {candidate.attrs['cf_role']}"
    return None


def _note_external_areas(dataset: xr.Dataset, target: str, name: str) -> None:
    """One note per run: the target's cell areas are in a variable the file only names (in
    CMIP files, listed in the global ``external_variables``, CF section 2.6.3), so they are
    computed from the grid, and how to give them instead: their file with the data, which is
    matched to the grid by coordinate (nothing written, no input changed)."""
    external = str(dataset.attrs.get("external_variables", "")).split()
    where = " (named in the file's external_variables)" if name in external else ""
    source = dataset[target].encoding.get("source") or dataset.encoding.get("source")
    found = _files_of(name, Path(source).parent) if source else []
    given = (f"add `--data {shown_path(found[0])}`" if found
             else f"add `--data AREAS.nc`, AREAS.nc being the file of {name}")
    data = f" {Path(source).name}'s" if source else ""
    note_once(_log, logging.INFO,
              f"the cell areas of '{target}' are in '{name}' (its cell_measures), which is not in the data{where}: "
              f"the areas are computed from the cell bounds (or from the cell centres without them) instead; to use "
              f"{name}, give its file with the data: {given} (or put it in [data] paths), matched to{data} grid by "
              "coordinate", key=("external cell measure", target, name))


def _files_of(name: str, folder: Path) -> list[Path]:
    """The NetCDF files in ``folder`` named after the variable ``name`` as CMIP names them
    (``areacella_fx_<model>_….nc``, or ``areacella.nc``), sorted."""
    return sorted({*folder.glob(f"{name}_*.nc"), *folder.glob(f"{name}.nc")})


def cell_coordinates(dataset: xr.Dataset) -> tuple[tuple[str, str], np.ndarray, np.ndarray] | None:
    """The (row, column) dimensions and the true latitude and longitude of every cell, each
    shape (n_rows, n_columns), of a curvilinear, rotated-pole or projected grid; None for a
    regular latitude-longitude grid (whose 1-D axes are the geographic coordinates).

    Raises
    ------
    ClimannError
        As :func:`horizontal_grid`.
    """
    dims, grid, _ = horizontal_grid(dataset)
    if grid is None:
        return None
    return dims, np.asarray(grid.latitude.values), np.asarray(grid.longitude.values)
