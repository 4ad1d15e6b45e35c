"""The areas of a region's cells are those of the whole grid: computed on it, then cut.

A cell's area is a property of the grid, not of the part of it a run keeps. Where climann
computes the areas from the cell centres (no CF bounds, no corners: edges midway between
neighbouring centres, :func:`~climann.data.geometry.bounds_from_centres` and
:func:`~climann.data.geometry.centre_spacing_areas`), the cells on the edge of a cut
(``[data] region``) have neighbours on the whole grid that the cut removed: computed from the
cut alone their outer edges lie half their own spacing out, as at the grid's edge. On GODAS's
uneven latitudes (1/3° rows beside 1° ones) the edge rows of a tropical region then weighed 2/3
of their area, and on a NEMO grid without corners the edge cells 0.2–1.2 % less (break56a A4,
A2). :func:`cut_grid` computes the areas on the whole grid first and records those of the kept
cells on the time coordinate (:data:`~climann.data.layout.WHOLE_GRID_AREAS_KEY`), which
:meth:`~climann.data.layout.GridLayout.computed_cell_areas` reads: every route that cuts a
region (train in memory and streamed, ``evaluate --data``, ``predict``, regional means) cuts
through :func:`~climann.data.subset.select_region`, which cuts through :func:`cut_grid`.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from climann.data.coords import find_coordinate, time_coordinate
from climann.data.geometry import bounds_from_centres, centre_spacing_areas
from climann.data.grids import axis_bounds, horizontal_grid
from climann.data.layout import (AXES_AREAS, CENTRE_SPACING_AREAS, WHOLE_GRID_AREAS_KEY,
                                 latitude_longitude_areas, rotated_pole_axes)


def whole_grid_areas(dataset: xr.Dataset) -> tuple[str, np.ndarray] | None:
    """The areas climann computes for every cell of the dataset's whole grid, as
    :meth:`~climann.data.layout.GridLayout.computed_cell_areas` computes them on it.

    Parameters
    ----------
    dataset : xarray.Dataset
        The whole grid's data, before any cut of its rows and columns.

    Returns
    -------
    tuple of (str, ndarray of shape (n_rows, n_columns)) or None
        How they were computed (:data:`~climann.data.layout.AXES_AREAS`: from the 1-D axes'
        edges, (sin φ₂ − sin φ₁)(λ₂ − λ₁), on a regular or rotated-pole grid;
        :data:`~climann.data.layout.CENTRE_SPACING_AREAS`: from corners midway between the
        2-D centres) and the areas in steradians; None where each cell's area is its own
        whatever the cut (a curvilinear grid with corners, a map projection's cells, a list
        of points).

    Raises
    ------
    ClimannError
        As :func:`~climann.data.grids.horizontal_grid` and :func:`~climann.data.grids.axis_bounds`.
    """
    dims, grid, mapping = horizontal_grid(dataset)
    if grid is None or rotated_pole_axes(mapping, *(_attrs(dataset, name) for name in dims)):
        edges = [axis_bounds(dataset, name, longitude=longitude) for name, longitude in zip(dims, (False, True))]
        if edges[0] is None:
            edges[0] = bounds_from_centres(np.asarray(dataset[dims[0]].values), latitude=True)
        if edges[1] is None:
            edges[1] = bounds_from_centres(np.asarray(dataset[dims[1]].values), longitude=True)
        return AXES_AREAS, latitude_longitude_areas(*edges)
    if grid.cell_areas is not None or grid.point_list or (grid.latitude_bounds is not None
                                                          and grid.longitude_bounds is not None):
        return None
    return CENTRE_SPACING_AREAS, centre_spacing_areas(np.asarray(grid.latitude.values, np.float64),
                                                      np.asarray(grid.longitude.values, np.float64))


def _attrs(dataset: xr.Dataset, name: str) -> dict:
    """The attributes of the row or column axis ``name`` ({} for an index-only dimension)."""
    return dict(dataset[name].attrs) if name in dataset.variables else {}


def cut_grid(dataset: xr.Dataset, rows: np.ndarray, columns: np.ndarray) -> xr.Dataset:
    """``dataset`` cut to the ``rows`` and ``columns`` (indices along its latitude and longitude
    dimensions, :func:`~climann.data.coords.find_coordinate`), with the whole grid's areas of
    the kept cells (:func:`whole_grid_areas`) recorded on its time coordinate
    (:data:`~climann.data.layout.WHOLE_GRID_AREAS_KEY`), shape (n_rows, n_columns) of the cut.

    Parameters
    ----------
    dataset : xarray.Dataset
        The whole grid's data.
    rows, columns : ndarray of int
        The kept indices, in the order kept (a run round the end of a periodic axis included).

    Returns
    -------
    xarray.Dataset
        ``dataset.isel`` of them; without a record when the areas are each cell's own, or the
        dataset has no time coordinate (the layout then computes them from the cut).
    """
    dims = (find_coordinate(dataset, "latitude"), find_coordinate(dataset, "longitude"))
    areas = whole_grid_areas(dataset)
    cut = dataset.isel({dims[0]: rows, dims[1]: columns})
    time_name = time_coordinate(cut)
    if areas is None or time_name is None:
        return cut
    time = cut[time_name]
    kept = (areas[0], np.ascontiguousarray(areas[1][np.ix_(np.asarray(rows), np.asarray(columns))]))
    recorded = xr.Variable(time.dims, time.values, time.attrs, {**time.encoding, WHOLE_GRID_AREAS_KEY: kept})
    return cut.assign_coords({time_name: recorded})
