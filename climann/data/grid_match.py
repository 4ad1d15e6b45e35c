"""Whether two grids are one: their horizontal coordinates (:func:`grid_coordinates`) compared
within :func:`~climann.data.coordinate_tolerance.grid_tolerance`, longitudes modulo 360°
(:func:`grid_mismatch`). Used where files are combined (:mod:`climann.data.open`) and where one
name in two products is told from one series held twice (:mod:`climann.data.time_overlap`);
apart from :mod:`climann.data.open` so that the second needs no import of the first (fix49c).
"""

from __future__ import annotations

import dask
import numpy as np
import xarray as xr

from climann.data.coordinate_tolerance import grid_tolerance
from climann.data.coords import find_coordinate, geographic_kinds, two_dimensional_coordinates
from climann.data.geometry import wrapped_difference
from climann.data.grid_names import cell_positions
from climann.data.grids import GRID_TOLERANCE
from climann.errors import ClimannError


def grid_coordinates(dataset: xr.Dataset) -> dict[str, xr.DataArray]:
    """The horizontal coordinates that define a dataset's grid, by name: its 1-D row and column
    axes (latitude and longitude, or rotated/projected axes) and any 2-D latitude and longitude.
    Read into memory (small) with dask's synchronous scheduler."""
    names = []
    for kind in ("latitude", "longitude"):
        try:
            names.append(find_coordinate(dataset, kind))
        except ClimannError:
            continue
    try:
        names += list(two_dimensional_coordinates(dataset) or ())
    except ClimannError:
        pass
    with dask.config.set(scheduler="synchronous"):
        return {name: dataset[name].load() for name in names if name in dataset.coords}


def _is_longitude(name: str, values: xr.DataArray) -> bool:
    """Whether a grid coordinate is a longitude (CF standard_name or units, or named so)."""
    return "longitude" in geographic_kinds(values) or name in ("lon", "longitude")


def _units_text(variable: xr.DataArray) -> str:
    units = str(variable.attrs.get("units", ""))
    return "°" if units.startswith("degree") or units in ("", "degrees") else f" {units}"


def grid_mismatch(
    reference: dict[str, xr.DataArray], other: dict[str, xr.DataArray], *, labels: tuple[str, str] = ("one", "another")
) -> str | None:
    """What makes ``other``'s grid differ from ``reference``'s beyond the tolerance, or None.

    Two coordinates of the same name are one when they have the same shape and every value
    differs by at most :func:`grid_tolerance` (:data:`GRID_TOLERANCE` of the median grid
    spacing, or the float precision the values are stored in); longitudes are compared
    modulo 360° (−180…180 and 0…360 name the same meridians, on any grid, 1-D or 2-D).
    Otherwise the message names the coordinate and its largest difference (e.g. "lat
    differs by up to 0.5° between a.nc and b.nc", ``labels`` naming the two) or the two sizes.
    Grids without a coordinate of one name are compared by their cells' positions
    (:func:`_positions_mismatch`).
    """
    if reference and other and not set(reference) & set(other):
        return _positions_mismatch(reference, other, labels=labels)
    for name, values in reference.items():
        if name not in other:
            continue
        if other[name].shape != values.shape:
            if values.ndim == 1 and other[name].ndim == 1:
                return f"{name} has {values.size} values in {labels[0]} and {other[name].size} in {labels[1]}"
            # a 2-D latitude's size is its cells, no count of latitudes (break54a A3: "864 values" of 72 x 12)
            return f"{_grid_shape_text(reference)} in {labels[0]} against {_grid_shape_text(other)} in {labels[1]}"
        difference = np.asarray(other[name].values, np.float64) - np.asarray(values.values, np.float64)
        if _is_longitude(name, values):
            difference = wrapped_difference(difference, 0.0)
        difference = np.abs(difference)
        largest = float(np.nanmax(difference)) if difference.size and not np.isnan(difference).all() else 0.0
        tolerance = grid_tolerance(values, other[name])
        if largest > tolerance:
            units = _units_text(values)
            return (
                f"{name} differs by up to {largest:.6g}{units} between {labels[0]} and {labels[1]} (more than "
                f"{tolerance:.3g}{units}, {GRID_TOLERANCE:g} of the median grid spacing or the float precision of "
                f"the values)"
            )
    return None


def _grid_shape_text(grid: dict[str, xr.DataArray]) -> str:
    """A grid's shape in words: "a 72 × 12 curvilinear grid (2-D latitude, longitude on y, x)" for 2-D
    latitude and longitude, "a 21 × 360 latitude–longitude grid" for 1-D axes (rows × columns)."""
    two_d = [name for name, values in grid.items() if values.ndim == 2]
    if two_d:
        rows, columns = grid[two_d[0]].shape
        dims = ", ".join(grid[two_d[0]].dims)
        return f"a {rows} × {columns} curvilinear grid (2-D {', '.join(two_d)} on {dims})"
    sizes = {name: values.size for name, values in grid.items() if values.ndim == 1}
    longitudes = [name for name in sizes if _is_longitude(name, grid[name])]
    rows = [name for name in sizes if name not in longitudes]
    if rows and longitudes:
        return f"a {sizes[rows[0]]} × {sizes[longitudes[0]]} latitude–longitude grid ({rows[0]}, {longitudes[0]})"
    return "a grid of " + ", ".join(f"{size} {name}" for name, size in sizes.items())


def _positions_mismatch(reference: dict[str, xr.DataArray], other: dict[str, xr.DataArray], *,
                        labels: tuple[str, str]) -> str | None:
    """How two grids that have no coordinate name in common differ, by the latitude and longitude of
    their cells (:func:`~climann.data.grid_names.cell_positions`): their numbers of rows and columns,
    else as :func:`grid_mismatch` compares coordinates; None when either grid's cells have no
    position to compare. A 1° grid ``cdo remapbil`` wrote (``lat``, ``lon``) beside the model's
    native ``areacello(j, i)`` (2-D ``latitude``, ``longitude``) had nothing compared and was one
    grid: the areas' curvilinear grid took over the data's (break43c A1)."""
    cells = [cell_positions(grid) for grid in (reference, other)]
    if cells[0] is None or cells[1] is None:
        return None
    shapes = [positions["latitude"].shape for positions in cells]
    if shapes[0] != shapes[1]:
        def stored(grid: dict[str, xr.DataArray]) -> str:
            names = [name for name, values in grid.items() if values.ndim == 2] or list(grid)
            dims = list(dict.fromkeys(dim for name in names for dim in grid[name].dims))
            return (f"2-D {', '.join(names)} on {', '.join(dims)}" if grid[names[0]].ndim == 2
                    else f"1-D {', '.join(names)}")
        return (f"the grid has {shapes[0][0]} × {shapes[0][1]} cells in {labels[0]} ({stored(reference)}) and "
                f"{shapes[1][0]} × {shapes[1][1]} in {labels[1]} ({stored(other)})")
    return grid_mismatch(cells[0], cells[1], labels=labels)
