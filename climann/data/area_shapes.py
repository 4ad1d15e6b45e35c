"""Whether cell areas a file gives are the areas of its own cells.

A cell-area variable (``areacella``, ICON's ``cell_area``, MPAS's ``areaCell``) remapped with the
data onto a latitude-longitude grid (``cdo remapcon``) is a field like any other: each new cell
holds the area of the native cells under it (ICON's cells are nearly equal in area), not its own
area (∝ cos φ on a regular grid). Weighed by it, the scores of a 5° grid weighed the polar cells
about 1/cos φ times too much: the test climatology MSE came out +50 % (break57a A2, A3).

Where the grid's own areas can be computed exactly, from its geometry (a latitude-longitude
grid's axes, with or without bounds, a rotated pole's, or a curvilinear grid's cell corners), the
given areas are compared with them in *shape*: each normalised by its median ratio, so that the
model's Earth radius (or steradians, km², m²) does not matter. Cells without a given area (land
in ``areacello``: missing or 0) are left out, and so are cells outside a region (both are cut
alike). A true ``areacella`` differs from the computed areas by about 1e-6 relatively; without
cell bounds a Gaussian grid's polar rows by 6 % (edges midway between the centres are not the
Gaussian weights'); a remapped area by tens of per cent over most of the grid. The given areas
are refused when more than :data:`MAX_DIFFERING_SHARE` of the cells differ by more than
:data:`AREA_SHAPE_TOLERANCE`.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from climann.data.geometry import polygon_areas
from climann.data.grids import horizontal_grid
from climann.data.layout import AXES_AREAS
from climann.data.region_areas import whole_grid_areas
from climann.data.shell import attribute_command, ncatted_attribute, one_copy_advice, source_and_copy
from climann.data.sources import files_text, name_in_file, source_files
from climann.errors import ClimannError

#: A cell's given area differs from its own (both normalised) when their ratio is off by more
#: than this: above a Gaussian grid's polar rows without bounds (5.8 %), below a remapped area's
#: spread (0.75…2.0 on a 5° grid from ICON's cells, break57a A2).
AREA_SHAPE_TOLERANCE = 0.1

#: The given areas are not the cells' own when more than this share of the cells differ
#: (:data:`AREA_SHAPE_TOLERANCE`): a few cells (a tripolar grid's fold) may be computed
#: differently by the model, a remapped area differs over most of the grid.
MAX_DIFFERING_SHARE = 0.02


def own_grid_areas(dataset: xr.Dataset) -> np.ndarray | None:
    """The areas of the dataset's cells from its geometry alone, shape (n_rows, n_columns) in the
    order of its latitude and longitude dimensions, steradians: a latitude-longitude (or
    rotated-pole) grid's from its axes' edges, (sin φ₂ − sin φ₁)(λ₂ − λ₁) (the file's CF bounds,
    else midway between the centres; :func:`~climann.data.region_areas.whole_grid_areas`), a
    curvilinear grid's from its cell corners (:func:`~climann.data.geometry.polygon_areas`).

    Returns
    -------
    ndarray or None
        None where they cannot be computed exactly: an unstructured grid, a curvilinear grid
        without corners, a map projection's cells, a list of points.
    """
    try:
        dims, grid, _ = horizontal_grid(dataset)
        if grid is None:
            return whole_grid_areas(dataset)[1]
        if grid.cell_areas is not None or grid.point_list:
            return None
        if grid.latitude_bounds is None or grid.longitude_bounds is None:
            computed = whole_grid_areas(dataset)  # a rotated pole's axes; None for centres alone
            return None if computed is None or computed[0] != AXES_AREAS else computed[1]
        return polygon_areas(np.asarray(grid.latitude_bounds.values, np.float64),
                             np.asarray(grid.longitude_bounds.values, np.float64))
    except (ClimannError, KeyError, ValueError):  # no grid to compute areas on
        return None


def area_shape_difference(given: np.ndarray, computed: np.ndarray) -> tuple[float, float, float]:
    """How far the shape of the ``given`` areas is from that of the ``computed`` ones, both of
    shape (n_rows, n_columns), any units.

    The ratio given/computed of each cell with both areas positive and finite is divided by its
    median (the model's Earth radius and units go); a cell differs when that ratio is off 1 by
    more than :data:`AREA_SHAPE_TOLERANCE`.

    Returns
    -------
    tuple of float
        The share of those cells that differ (0 when none can be compared), and the smallest and
        largest normalised ratio.
    """
    given, computed = np.asarray(given, np.float64), np.asarray(computed, np.float64)
    both = np.isfinite(given) & np.isfinite(computed) & (given > 0) & (computed > 0)
    if not both.any():
        return 0.0, 1.0, 1.0
    ratio = given[both] / computed[both]
    ratio = ratio / np.median(ratio)
    differing = np.abs(ratio - 1) > AREA_SHAPE_TOLERANCE
    return float(differing.mean()), float(ratio.min()), float(ratio.max())


def foreign_areas_text(dataset: xr.Dataset, name: str, areas: np.ndarray | None = None) -> str | None:
    """Why the areas in variable ``name`` are not those of the dataset's cells, or None when
    they are (or cannot be checked: :func:`own_grid_areas`).

    Parameters
    ----------
    dataset : xarray.Dataset
        The grid's data, holding ``name``.
    name : str
        The cell-area variable.
    areas : ndarray, optional
        Its values, shape (n_rows, n_columns) in the order of the latitude and longitude
        dimensions; read from ``dataset[name]`` when not given (size-1 other axes dropped).

    Returns
    -------
    str or None
        ``"its areas are not those of the file's cells: normalised, their ratio to the cells'
        own areas (from the grid's latitudes and longitudes) ranges 0.75…2.00 over 80 % of the
        cells"``.
    """
    computed = own_grid_areas(dataset)
    if computed is None:
        return None
    if areas is None:
        areas = _areas_on_grid(dataset, name)
        if areas is None:
            return None
    if np.shape(areas) != np.shape(computed):
        return None
    share, low, high = area_shape_difference(areas, computed)
    if share <= MAX_DIFFERING_SHARE:
        return None
    return (f"the areas in '{name}' are not those of the file's cells: normalised, their ratio to the cells' own "
            f"areas (from the grid's latitudes and longitudes) ranges {low:.2f}…{high:.2f}, off by more than "
            f"{AREA_SHAPE_TOLERANCE:.0%} in {share:.0%} of the cells (areas of another grid, e.g. remapped as a field "
            "from the model's native grid)")


def _areas_on_grid(dataset: xr.Dataset, name: str) -> np.ndarray | None:
    """``dataset[name]`` as (n_rows, n_columns) in the grid's dimension order, size-1 other axes
    dropped; None when it is not on the grid's two dimensions."""
    try:
        dims, _, _ = horizontal_grid(dataset)
    except (ClimannError, KeyError, ValueError):
        return None
    variable = dataset[name]
    variable = variable.squeeze([dim for dim in variable.dims if dim not in dims and variable.sizes[dim] == 1],
                                drop=True)
    if set(variable.dims) != set(dims):
        return None
    return np.asarray(variable.transpose(*dims).values, np.float64)


def check_own_areas(dataset: xr.Dataset, target: str, name: str, areas: np.ndarray) -> None:
    """Refuse the cell areas ``areas`` (variable ``name``, which the target's ``cell_measures``
    names; shape (n_rows, n_columns)) when they are not those of the file's cells
    (:func:`foreign_areas_text`), with the way out: leave them out, so that climann computes the
    areas, or give the areas of this grid.

    Raises
    ------
    ClimannError
        If the areas' shape differs from the cells' own (a remapped ``areacella``).
    """
    why = foreign_areas_text(dataset, name, areas)
    if why is None:
        return
    own, theirs = source_files(dataset[target]), source_files(dataset[name])
    if theirs and set(theirs).isdisjoint(own):  # given in a file of their own (CMIP's areacella_fx_…)
        way_out = (f"leave {files_text(theirs)} out of --data (climann then computes the areas of these cells), "
                   "or give the areas file of this grid")
    else:
        target_name = name_in_file(dataset[target], target)

        def removal(arguments: str) -> str:
            return f"`{attribute_command([ncatted_attribute('cell_measures', target_name, 'd')], arguments)}`"
        command = one_copy_advice(removal, source_and_copy(dataset[target], dataset), "computed_areas")
        way_out = (f"remove the cell_measures attribute of '{target}' so that climann computes the areas of these "
                   f"cells: {command}; or give the areas of this grid")
    raise ClimannError(f"cell measure '{name}' of '{target}': {why}; weighed by them the scores would be wrong: "
                       f"{way_out}")
