"""When one file's grid is part of another's: the cut that puts the files on one grid.

climann does not regrid: files on different grids are refused, with the advice to put them on
one grid first. Interpolation (``cdo remapbil``) is the advice for grids whose cells differ.
When every cell of one latitude-longitude grid is a cell of the other's — a regional target
(8×12 cells) beside a global predictor on the same 15° grid — nothing needs interpolating: the
larger file is cut to the smaller one's cells, and the advice gives the box with its numbers
(``cdo sellonlatbox,45,225,-60,60 x.nc x_fixed.nc``), the edges of those cells.

When the cells differ, the advice is the interpolation of one file onto the other's
latitude-longitude grid (:func:`interpolation_advice`): CDO's ``remapcon`` (conservative, an
area-weighted mean) onto larger cells, ``remapbil`` onto smaller ones, with the reference
file as the grid, or, without CDO, xarray's ``interp`` (SciPy's linear interpolation along each
axis: bilinear on a regular grid), the file's longitudes first put in the reference's convention
(−180…180 or 0…360) and its axes' cell bounds left out (they are the old cells'); the axes keep
their own names, which climann gives one name when the files are combined
(:mod:`climann.data.grid_names`). Cells of the reference beyond the file's outermost centres
become missing (NaN), as does, bilinearly, every cell next to a missing value; conservatively,
a cell is missing only where every cell it overlaps is.

A curvilinear grid (a CMIP ocean model's tripolar grid, with 2-D latitude and longitude on
index axes ``j``/``i``, or ``y``/``x``) cut with ``ncks -d j,0,5`` keeps the whole grid's index
values: when every index value of one file is the other's, the rows and columns they number are
neighbours there, and the 2-D latitudes and longitudes the two files hold at them agree, the cells
are the same (:func:`index_cut`) and the advice is the ``ncks -d`` line that cuts the same rows
and columns of the larger file (a whole grid's ``areacello`` beside a cut of the data: cell areas
are not interpolated, and need not be; break40a A5 was told ``cdo remapbil``). Index values
alone, with no latitude or longitude to check them, are trusted as climann matches cell areas
by them (docs/own-data.md).

The cut is advised, not made: the predictor's area means (``global_means``, ``regional_means``
boxes beyond the target's cells) are over its whole grid, which a cut made silently as the
files are opened would change.

Sources: CDO user guide, ``sellonlatbox`` (selects the cells whose centres lie in the box),
``remapbil`` and ``remapcon`` (Jones 1999, Mon. Wea. Rev. 127, first-order conservative
remapping); xarray's ``Dataset.interp``; CF conventions 1.8 §4.1–4.2 (latitude, longitude in
degrees; longitude periodic).
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import xarray as xr

from climann.data.coordinate_values import geographic_kind
from climann.data.coords import BARE_NAMES
from climann.data.direction_regrid import cdo_direction_chain, file_directions, xarray_direction_statements
from climann.data.handles import open_netcdf
from climann.data.geometry import bounds_from_centres, longitude_span, wrapped_difference
from climann.data.sources import files_text
from climann.data.shell import (cdo_command, copies_of_files, cut_command, input_and_copy, one_copy_advice,
                                python_command, shown_path, whole_write, working_path)
from climann.data.shell import cut_advice as index_cut_commands
from climann.errors import ClimannError

__all__ = ["cut_box", "cut_advice", "cut_cells", "has_missing_cells", "index_cut", "interpolation_advice",
           "interpolation_onto_2d_advice", "position_cut"]


def _axes(grid: Mapping[str, xr.DataArray]) -> dict[str, np.ndarray] | None:
    """The 1-D latitude and longitude axes of a grid (:func:`climann.data.open.grid_coordinates`'s
    mapping), kind → degrees; None when the grid has not both (a curvilinear or projected grid)."""
    axes = {}
    for name, values in grid.items():
        kind = geographic_kind(str(name), values) or BARE_NAMES.get(str(name).lower())
        if kind is None or values.dims != (name,):
            continue
        axes[kind] = np.asarray(values.values, np.float64)
    return axes if len(axes) == 2 else None


def _matches(inner: np.ndarray, outer: np.ndarray, *, longitude: bool, tolerance: float) -> np.ndarray | None:
    """For each value of ``inner``, the index of the equal value of ``outer`` (within
    ``tolerance`` times the outer axis's smallest step; longitudes modulo 360°), or None when
    one has none."""
    steps = np.abs(np.diff(np.sort(np.mod(outer, 360.0) if longitude else outer)))
    steps = steps[steps > 0]
    allowed = tolerance * (steps.min() if steps.size else 1.0)
    gaps = inner[:, None] - outer[None, :]
    gaps = np.abs(wrapped_difference(gaps, 0.0) if longitude else gaps)
    nearest = np.argmin(gaps, axis=1)
    if not np.all(gaps[np.arange(inner.size), nearest] <= allowed):
        return None
    return nearest


def _contiguous(indices: np.ndarray, size: int, *, periodic: bool) -> bool:
    """Whether ``indices`` are a run of neighbouring indices of an axis of ``size`` (round
    the end of a periodic one): a box holds them and nothing else."""
    taken = np.zeros(size, bool)
    taken[indices] = True
    if periodic and not taken.all():
        taken = np.roll(taken, -int(np.argmin(taken)))  # start at an index not taken
    starts = np.flatnonzero(np.diff(np.concatenate([[False], taken]).astype(int)) == 1)
    return starts.size == 1


def cut_box(inner: Mapping[str, xr.DataArray], outer: Mapping[str, xr.DataArray], *,
            tolerance: float) -> tuple[float, float, float, float] | None:
    """The box (west, east, south, north; degrees) that cuts the grid ``outer`` to the cells of
    the grid ``inner``, when every cell of ``inner`` is one of ``outer``'s and they are
    neighbours there; None otherwise (other cells, a coarser grid, or the same grid).

    Parameters
    ----------
    inner, outer : mapping of str to xarray.DataArray
        Two grids as :func:`climann.data.open.grid_coordinates` gives them; only 1-D latitude
        and longitude axes (degrees) count.
    tolerance : float
        A centre matches one of ``outer``'s within this fraction of ``outer``'s spacing (as
        grids are compared, :data:`climann.data.grids.GRID_TOLERANCE`).

    Returns
    -------
    tuple of float or None
        The edges of the matched cells of ``outer`` (:func:`~climann.data.geometry.bounds_from_centres`
        of its axes): ``west < east ≤ west + 360``, ``east ≤ 360`` (a box across the prime
        meridian from a negative ``west``); a band of every longitude is 0…360, or −180…180
        when ``outer``'s longitudes are so (never a box of shifted edges, −345…15, that
        relabels the cells); ``south < north``.

    Examples
    --------
    >>> grid = lambda lat, lon: {"lat": xr.DataArray(lat, dims="lat", attrs={"units": "degrees_north"}),
    ...                          "lon": xr.DataArray(lon, dims="lon", attrs={"units": "degrees_east"})}
    >>> cut_box(grid([-7.5, 7.5], [172.5, -172.5]), grid(np.arange(-82.5, 90, 15), np.arange(7.5, 360, 15)),
    ...         tolerance=1e-3)
    (165.0, 195.0, -15.0, 15.0)
    """
    inner_axes, outer_axes = _axes(inner), _axes(outer)
    if inner_axes is None or outer_axes is None:
        return None
    edges = {}
    for kind in ("latitude", "longitude"):
        longitude = kind == "longitude"
        found = _matches(inner_axes[kind], outer_axes[kind], longitude=longitude, tolerance=tolerance)
        size = outer_axes[kind].size
        if found is None or not _contiguous(found, size, periodic=longitude):
            return None
        edges[kind] = bounds_from_centres(outer_axes[kind], latitude=not longitude, longitude=longitude)[found]
    if all(inner_axes[kind].size == outer_axes[kind].size for kind in edges):
        return None  # the same cells (perhaps in another order): not a cut
    south, north = float(edges["latitude"].min()), float(edges["latitude"].max())
    if inner_axes["longitude"].size == outer_axes["longitude"].size:  # a band of every longitude, in outer's convention
        west, east = (-180.0, 180.0) if outer_axes["longitude"].min() < 0 else (0.0, 360.0)
        return west, east, south, north
    west_edges = edges["longitude"].min(axis=1)
    west, east = longitude_span(west_edges, np.abs(np.diff(edges["longitude"], axis=1)).ravel())
    if east > 360.0:  # across the prime meridian: -15…15, as one writes it
        west, east = west - 360.0, east - 360.0
    return west, east, south, north


def cut_advice(inner: Mapping[str, xr.DataArray], inner_file: str, outer: Mapping[str, xr.DataArray],
               outer_path: str | Path | Sequence[str | Path], *, tolerance: float) -> str | None:
    """Advice to cut the file ``outer_path`` to the cells of ``inner_file``'s grid
    (:func:`cut_box`), with the CDO command that writes the cut copy beside it; None when the
    grids are not so. Several files on the grid ``outer`` (a daily series, one file a month) are
    cut by one loop into a new folder, then given by one ``--data``
    (:func:`~climann.data.shell.copies_of_files`): a cut of the first file alone left the others
    on the whole grid, refused again (break49a A1)."""
    box = cut_box(inner, outer, tolerance=tolerance)
    if box is None:
        return None
    paths = [outer_path] if isinstance(outer_path, (str, Path)) else list(outer_path)
    west, east, south, north = box
    numbers = ",".join(f"{value:g}" for value in (west, east, south, north))
    longitudes = "all longitudes" if east - west >= 360.0 else f"longitude {west:g}…{east:g}"
    shape = "×".join(str(values.size) for values in inner.values() if values.ndim == 1)
    rows = _index_rows(inner, outer, paths[0], tolerance=tolerance)
    if rows is not None:  # axes on dimensions of other names, which CDO does not read as a grid
        where = ", ".join(f"{dim} {first}…{last}" for dim, (first, last) in rows.items())
        first_name = Path(paths[0]).name
        whose = "its" if len(paths) == 1 else "their"
        return (f"{inner_file}'s {shape} cells are the cells {where} of the grid of {files_text(paths)} "
                f"({longitudes}, latitude {south:g}…{north:g}; {whose} latitude and longitude lie on dimensions of "
                f"other names, {', '.join(rows)}, whose grid CDO does not read), so no interpolation is needed: cut "
                + (f"{first_name} to them, " + one_copy_advice(lambda files: index_cut_commands(rows, files),
                                                               input_and_copy(paths[0]), "cut") if len(paths) == 1 else
                   "them to those cells, e.g. " + copies_of_files(lambda files, _: cut_command(rows, files),
                                                                 [str(path) for path in paths], name="cut")))
    if len(paths) == 1:  # its copy in a new folder (fix53a: beside it, a glob over the folder took both)
        return (f"{inner_file}'s {shape} cells are cells of {Path(paths[0]).name}'s grid, so no interpolation is "
                f"needed: cut {Path(paths[0]).name} to them ({longitudes}, latitude {south:g}…{north:g}), e.g. "
                + copies_of_files(lambda files, _: f"`{cdo_command(f'sellonlatbox,{numbers}', files)}`",
                                  [str(paths[0])], name="cut"))
    return (f"{inner_file}'s {shape} cells are cells of the grid of {files_text(paths)}, so no interpolation is "
            f"needed: cut them to those cells ({longitudes}, latitude {south:g}…{north:g}), e.g. "
            + copies_of_files(lambda files, _: cdo_command(f"sellonlatbox,{numbers}", files),
                              [str(path) for path in paths], name="cut"))


def _index_rows(inner: Mapping[str, xr.DataArray], outer: Mapping[str, xr.DataArray], path: str | Path, *,
                tolerance: float) -> dict[str, tuple[int, int]] | None:
    """The rows and columns of the file ``path`` (of the grid ``outer``) that are the cells of
    ``inner``, ``{dimension: (first, last)}`` counted from 0 in the file's own order
    (``ncks -d``), when its 1-D latitude or longitude is stored on a dimension of another name
    (GPCP 1DD's ``latitude(nlat)``, read as the axis of its dimension by
    :func:`~climann.data.coordinate_values.checked_coordinates`): CDO reads no grid there
    ("Unsupported grid type: generic", and ``sellonlatbox`` aborts), NCO cuts by index. None
    otherwise: axes named as their dimensions, values not in degrees, or cells not one run of
    neighbours in the file's order (a cut across its last column)."""
    names = {kind: str(name) for name, values in outer.items() if values.dims == (name,)
             and (kind := geographic_kind(str(name), values) or BARE_NAMES.get(str(name).lower()))}
    wanted = _axes(inner)
    if wanted is None or set(names) != {"latitude", "longitude"}:
        return None
    try:
        with open_netcdf(path, decode_times=False) as dataset:
            stored = {kind: dataset.variables[name] for kind, name in names.items() if name in dataset.variables}
            if len(stored) != 2 or any(variable.ndim != 1 or not str(variable.attrs.get("units", "")).startswith(
                    "degree") for variable in stored.values()) \
                    or all(variable.dims == (names[kind],) for kind, variable in stored.items()):
                return None
            values = {kind: (str(variable.dims[0]), np.asarray(variable.values, np.float64))
                      for kind, variable in stored.items()}
    except (OSError, ValueError, KeyError, TypeError, ClimannError):
        return None
    rows = {}
    for kind, (dim, held) in values.items():
        found = _matches(wanted[kind], held, longitude=kind == "longitude", tolerance=tolerance)
        if found is None:
            return None
        first, last = int(found.min()), int(found.max())
        if last - first + 1 != found.size or np.unique(found).size != found.size:
            return None
        if (first, last) != (0, held.size - 1):
            rows[dim] = (first, last)
    return rows or None


def index_cut(inner: Mapping[str, xr.DataArray], outer: Mapping[str, xr.DataArray], *,
              tolerance: float) -> dict[str, tuple[int, int]] | None:
    """The rows and columns of the grid ``outer`` that are the cells of the grid ``inner``, by
    the values of their index axes (``j``/``i``, ``y``/``x``: 1-D grid axes that are not latitude
    or longitude), ``{axis: (first, last)}`` counted from 0 (``ncks -d axis,first,last``) for
    each axis cut (an axis whose values are all of ``outer``'s is left out); None when they are
    not such a cut.

    Every index value of ``inner`` must be one of ``outer``'s, in the same order and with no
    gap there (one ``ncks`` hyperslab per axis), along at least one axis fewer of them; and
    the 2-D coordinates both grids hold (latitude, longitude: degrees, longitudes modulo 360°)
    must agree at those cells within ``tolerance`` times ``outer``'s largest step between
    neighbouring cells (a cut that numbered its rows afresh from 0 is then not taken for the
    whole grid's first rows).

    Parameters
    ----------
    inner, outer : mapping of str to xarray.DataArray
        Two grids as :func:`climann.data.open.grid_coordinates` gives them.
    tolerance : float
        As grids are compared, :data:`climann.data.grids.GRID_TOLERANCE`.

    Returns
    -------
    dict of str to (int, int) or None

    Examples
    --------
    >>> axis = lambda name, values: xr.DataArray(values, dims=name)
    >>> index_cut({"j": axis("j", [2, 3]), "i": axis("i", [0, 1, 2])},
    ...           {"j": axis("j", [0, 1, 2, 3, 4]), "i": axis("i", [0, 1, 2])}, tolerance=1e-3)
    {'j': (2, 3)}
    """
    indices = [name for name, values in inner.items() if values.dims == (name,)
               and (geographic_kind(str(name), values) or BARE_NAMES.get(str(name).lower())) is None]
    if not indices or any(name not in outer or outer[name].dims != (name,) for name in indices):
        return None
    cuts = {}
    for name in indices:
        wanted, held = (np.asarray(grid[name].values, np.float64) for grid in (inner, outer))
        found = [np.flatnonzero(np.abs(held - value) <= 1e-6 * max(1.0, abs(value))) for value in wanted]
        if any(match.size != 1 for match in found):
            return None
        rows = np.array([match[0] for match in found])
        if not np.array_equal(rows, np.arange(rows[0], rows[0] + rows.size)):
            return None
        cuts[str(name)] = (int(rows[0]), int(rows[-1]))
    if all(inner[name].size == outer[name].size for name in cuts):
        return None  # the same rows and columns: not a cut
    if not _same_cells(inner, outer, cuts, tolerance=tolerance):
        return None
    return {name: span for name, span in cuts.items() if inner[name].size != outer[name].size}  # whole axes uncut


def _same_cells(inner: Mapping[str, xr.DataArray], outer: Mapping[str, xr.DataArray],
                cuts: Mapping[str, tuple[int, int]], *, tolerance: float) -> bool:
    """Whether the 2-D coordinates both grids hold agree once ``outer`` is cut to ``cuts``
    (:func:`index_cut`)."""
    for name, values in inner.items():
        if values.ndim < 2 or name not in outer or outer[name].dims != values.dims:
            continue
        if not set(values.dims) <= set(cuts):
            return False
        whole = np.asarray(outer[name].values, np.float64)
        part = np.asarray(outer[name].isel({dim: slice(first, last + 1) for dim, (first, last) in cuts.items()
                                            if dim in values.dims}).values, np.float64)
        longitude = geographic_kind(str(name), values) == "longitude"
        steps = [np.abs(wrapped_difference(np.diff(whole, axis=axis), 0.0) if longitude else np.diff(whole, axis=axis))
                 for axis in range(whole.ndim)]
        step = max((float(np.nanmax(step)) for step in steps if step.size), default=1.0) or 1.0
        gaps = np.asarray(values.values, np.float64) - part
        gaps = np.abs(wrapped_difference(gaps, 0.0) if longitude else gaps)
        if part.shape != gaps.shape or not np.all(np.isnan(gaps) | (gaps <= tolerance * step)):
            return False
    return True


def index_cut_advice(inner: Mapping[str, xr.DataArray], inner_file: str, outer: Mapping[str, xr.DataArray],
                     outer_path: str | Path, *, tolerance: float) -> str | None:
    """Advice to cut the file ``outer_path`` to the rows and columns that are ``inner_file``'s
    cells by their index values (:func:`index_cut`): the ``ncks -d`` line (and the same in
    Python) that writes the cut copy beside it, to be given in its place; None when the grids are
    not so."""
    cuts, same = index_cut(inner, outer, tolerance=tolerance), "the same index values, latitudes and longitudes"
    if cuts is None and not _index_axes(inner):  # no index values to go by: by the cells' positions
        cuts, same = position_cut(inner, outer, tolerance=tolerance), "the same latitudes and longitudes"
    if cuts is None:
        return None
    files = input_and_copy(outer_path)
    rows = ", ".join(f"{name} {first}…{last}" for name, (first, last) in cuts.items())
    shape = "×".join(str(size) for size in next(values.shape for values in inner.values() if values.ndim == 2))
    return (f"{inner_file}'s {shape} cells are the cells {rows} of {Path(outer_path).name}'s grid ({same}), "
            f"so nothing needs interpolating: cut {Path(outer_path).name} to "
            f"them, " + one_copy_advice(lambda arguments: index_cut_commands(cuts, arguments), files, "cut"))


def cut_cells(inner: Mapping[str, xr.DataArray], outer: Mapping[str, xr.DataArray], *,
              tolerance: float) -> tuple[dict[str, slice | np.ndarray], str] | None:
    """Where the grid ``inner`` lies in the grid ``outer`` when it is a cut of it: by the index
    values of a curvilinear grid (:func:`index_cut`, or :func:`position_cut` when ``inner`` has
    none), or as a box of a latitude-longitude grid (:func:`cut_box`); None when it is not a cut.

    Returns
    -------
    tuple of (dict of str to slice or numpy.ndarray, str) or None
        The indexer (``outer.isel(indexer)`` gives ``inner``'s cells in ``inner``'s order:
        slices of index axes, the matched indices of latitude and longitude axes) and the
        words that name those cells (``"j 6…11"``; ``"longitude 45…225, latitude -60…60"``).

    Examples
    --------
    >>> axis = lambda name, values: xr.DataArray(values, dims=name)
    >>> cut_cells({"j": axis("j", [2, 3]), "i": axis("i", [0, 1, 2])},
    ...           {"j": axis("j", [0, 1, 2, 3, 4]), "i": axis("i", [0, 1, 2])}, tolerance=1e-3)
    ({'j': slice(2, 4, None)}, 'j 2…3')
    """
    cuts = index_cut(inner, outer, tolerance=tolerance)
    if cuts is None and not _index_axes(inner):
        cuts = position_cut(inner, outer, tolerance=tolerance)
    if cuts:
        return ({dim: slice(first, last + 1) for dim, (first, last) in cuts.items()},
                ", ".join(f"{dim} {first}…{last}" for dim, (first, last) in cuts.items()))
    box = cut_box(inner, outer, tolerance=tolerance)
    if box is None:
        return None
    names, inner_axes, outer_axes = _axis_names(outer), _axes(inner), _axes(outer)
    indexer = {names[kind]: _matches(inner_axes[kind], outer_axes[kind], longitude=kind == "longitude",
                                     tolerance=tolerance) for kind in ("latitude", "longitude")}
    west, east, south, north = box
    return indexer, f"longitude {west:g}…{east:g}, latitude {south:g}…{north:g}"


def _index_axes(grid: Mapping[str, xr.DataArray]) -> list[str]:
    """The index axes of a grid (1-D axes that are no latitude or longitude: ``j``, ``i``)."""
    return [str(name) for name, values in grid.items() if values.dims == (name,)
            and (geographic_kind(str(name), values) or BARE_NAMES.get(str(name).lower())) is None]


def position_cut(inner: Mapping[str, xr.DataArray], outer: Mapping[str, xr.DataArray], *,
                 tolerance: float) -> dict[str, tuple[int, int]] | None:
    """The rows and columns of the curvilinear grid ``outer`` whose 2-D latitudes and longitudes are
    ``inner``'s, found by the positions alone (``inner`` has no index values: a cut whose ``j``, ``i``
    were dropped), ``{dim: (first, last)}`` as :func:`index_cut` gives them; None when no block of
    ``outer`` of ``inner``'s shape holds them (within ``tolerance`` of ``outer``'s largest step, as
    :func:`index_cut` checks) or the grids are the same size.

    Examples
    --------
    >>> lat = xr.DataArray([[60.0, 61.0], [62.0, 63.0], [64.0, 65.0]], dims=("j", "i"),
    ...                    attrs={"standard_name": "latitude"})
    >>> lon = xr.DataArray([[0.0, 10.0], [0.0, 10.0], [0.0, 10.0]], dims=("j", "i"),
    ...                    attrs={"standard_name": "longitude"})
    >>> position_cut({"lat": lat[1:], "lon": lon[1:]}, {"lat": lat, "lon": lon}, tolerance=1e-3)
    {'j': (1, 2)}
    """
    kinds = {geographic_kind(str(name), values): str(name) for name, values in inner.items() if values.ndim == 2}
    if not {"latitude", "longitude"} <= kinds.keys():
        return None
    names = (kinds["latitude"], kinds["longitude"])
    dims = inner[names[0]].dims
    if any(name not in outer or outer[name].dims != dims or inner[name].dims != dims for name in names):
        return None
    small, large = (tuple(grid[names[0]].shape) for grid in (inner, outer))
    if small == large or any(part > whole for part, whole in zip(small, large)):
        return None
    (lat, lon), (whole_lat, whole_lon) = ([np.asarray(grid[name].values, np.float64) for name in names]
                                          for grid in (inner, outer))
    finite = np.argwhere(np.isfinite(lat) & np.isfinite(lon))
    if not finite.size:
        return None
    row, column = finite[0]
    near = np.ones(whole_lat.shape, dtype=bool)
    for whole, value, longitude in ((whole_lat, lat[row, column], False), (whole_lon, lon[row, column], True)):
        gaps = [np.diff(whole, axis=axis) for axis in (0, 1)]
        gaps = [np.abs(wrapped_difference(gap, 0.0)) if longitude else np.abs(gap) for gap in gaps]
        step = max((float(np.nanmax(gap)) for gap in gaps if gap.size and np.isfinite(gap).any()), default=1.0) or 1.0
        offset = np.abs(wrapped_difference(whole - value, 0.0)) if longitude else np.abs(whole - value)
        near &= offset <= tolerance * step
    for found_row, found_column in np.argwhere(near):
        first = (int(found_row - row), int(found_column - column))
        if min(first) < 0 or first[0] + small[0] > large[0] or first[1] + small[1] > large[1]:
            continue
        cuts = {str(dim): (start, start + size - 1) for dim, start, size in zip(dims, first, small)}
        if _same_cells(inner, outer, cuts, tolerance=tolerance):
            return {dim: span for dim, span, size, whole in zip(cuts, cuts.values(), small, large) if size != whole}
    return None


def _axis_names(grid: Mapping[str, xr.DataArray]) -> dict[str, str] | None:
    """The names of a grid's 1-D latitude and longitude axes, kind → name (as :func:`_axes`
    finds them); None when it has not both."""
    names = {}
    for name, values in grid.items():
        kind = geographic_kind(str(name), values) or BARE_NAMES.get(str(name).lower())
        if kind is not None and values.dims == (name,):
            names[kind] = str(name)
    return names if len(names) == 2 else None


def _longitude_statement(reference: np.ndarray, own: np.ndarray, name: str) -> str:
    """The Python statement that puts the dataset ``d``'s longitude ``name`` in the convention of
    ``reference`` (−180…180 when it has a value below 0 and ``own`` one above 180; 0…360 when it
    has one above 180 and ``own`` one below 0), sorted; ``""`` when they agree (a reference within
    0…180 is in both)."""
    if reference.min() < 0 and own.max() > 180:
        return f"d = d.assign_coords({name}=(d[{name!r}] + 180) % 360 - 180).sortby({name!r}); "
    if reference.max() > 180 and own.min() < 0:
        return f"d = d.assign_coords({name}=d[{name!r}] % 360).sortby({name!r}); "
    return ""


def interpolation_advice(reference: Mapping[str, xr.DataArray], reference_path: str | Path,
                         own: Mapping[str, xr.DataArray], own_path: str | Path | Sequence[str | Path]) -> str | None:
    """The commands that interpolate the file ``own_path`` (or each of several files on one grid)
    onto the latitude-longitude grid of ``reference_path`` and write the copy beside it
    (the copies into a new folder, then the ``--data`` that takes them:
    :func:`~climann.data.shell.copies_of_files`): ``cdo remapbil``, and the xarray line that does it
    without CDO (see the module's text), which writes ``OUT.part`` and renames it ``OUT`` once
    whole (:func:`~climann.data.shell.whole_write`); None when either grid is not a 1-D
    latitude-longitude grid (rotated, curvilinear: cdo or xESMF with the grid's description).
    Onto a grid of larger cells (:func:`_cell_size`), CDO's first-order conservative remapping
    (``remapcon``: each new cell the area-weighted mean of the valid values of the cells it
    overlaps, missing where none is valid); onto smaller or equal cells, ``remapbil``, unless the
    file has missing cells (:func:`has_missing_cells`): ``remapcon`` then too, each new cell the
    value of the cell it lies in (xarray: the nearest), as bilinear interpolation leaves missing
    every new cell next to a missing one (fix46g: a gappy target refined 50 % missing, 4 %
    conservatively), and so when the new grid reaches past the file's outermost centres
    (:func:`_reaches_past_centres`, break47b A4: 19 % missing bilinearly, 0 % so). break46c
    A3: MERRA-2's 0.5°×0.625° onto MODIS's 1° was told bilinear, which samples the finer cells.
    fix45b: the xarray line wrote its fixed copy's name itself (half a file left where it failed),
    and the refusal of yearly files on another grid named the first file alone.

    Parameters
    ----------
    reference, own : mapping of str to xarray.DataArray
        Each file's grid coordinates (:func:`climann.data.open.grid_coordinates`), in degrees.
    reference_path : str or Path
        The file of the grid to interpolate onto.
    own_path : str or Path, or sequence of them
        The file, or the files (all on the grid ``own``), to interpolate.

    Returns
    -------
    str or None
    """
    axes, names = (_axes(reference), _axes(own)), (_axis_names(reference), _axis_names(own))
    if None in axes or None in names:
        return None
    paths = [own_path] if isinstance(own_path, (str, Path)) else list(own_path)
    bounds = [str(own[name].attrs["bounds"]) for name in names[1].values() if own[name].attrs.get("bounds")]
    lat, lon = names[1]["latitude"], names[1]["longitude"]
    # onto larger cells, an average over each (break46c A3: bilinear samples 4 of the finer cells); onto smaller
    # cells of a file with missing cells, each new cell the value of the cell it lies in (bilinear interpolation
    # leaves missing every new cell beside a missing one: 50 % of a coastal target where remapcon leaves 4 %)
    coarser = _cell_size(axes[0]) > _cell_size(axes[1]) * (1 + 1e-6)
    # onto smaller cells reaching past the outermost centres (a 0.05° box onto a 0.5° one of the same extent),
    # bilinear interpolation has no neighbour on the outer side: 19 % of the new cells missing (break47b A4)
    beyond = not coarser and _reaches_past_centres(axes[0], axes[1])
    gappy = not coarser and (beyond or has_missing_cells(paths[0], (lat, lon)))
    # past the outermost cell EDGES too: no cell to lie in; the nearest cell's value, as CDO's remapnn gives
    past_edges = beyond and _reaches_past_centres(axes[0], axes[1], edges=True)
    onto = {lat: f"g[{names[0]['latitude']!r}].values", lon: f"g[{names[0]['longitude']!r}].values"}
    if gappy:  # the cell each new centre lies in: the nearest centre within half a cell (a reindex per axis)
        half = {name: f"{_half_step(axes[1][kind]):.10g}" for kind, name in (("latitude", lat), ("longitude", lon))}
        regrid = "d = d" + "".join(f".reindex({name}={values}, method='nearest'"
                                   + ("" if past_edges else f", tolerance={half[name]}") + ")"
                                   for name, values in onto.items()) + "; "
    else:
        regrid = f"d = d.interp({lat}={onto[lat]}, {lon}={onto[lon]}); "
    # a direction averaged as numbers puts 350° and 10° at 180° (break52b A1): its sine and cosine are regridded
    directions = file_directions(paths[0])
    before, after = xarray_direction_statements(directions)
    code = (f"import sys, xarray as xr{', numpy as np' if directions else ''}; "
            f"g = xr.open_dataset({working_path(reference_path)!r}); "
            "d = xr.open_dataset(sys.argv[1])"
            + (f".drop_vars({bounds!r}, errors='ignore'); " if bounds else "; ")
            + _longitude_statement(axes[0]["longitude"], axes[1]["longitude"], lon)
            + before + regrid + after + whole_write())
    if coarser:
        way, operator = "conservatively (an area-weighted average of the cells each new cell covers)", "remapcon"
    elif past_edges:
        way, operator = ("by the nearest cell (each new cell the value of the cell it lies in, or of the nearest "
                         "cell where it lies past the file's outermost cell edges, as the new grid reaches: there "
                         "`cdo remapcon` leaves the new cells missing and the variable is left out of the predictors "
                         "again; to use no value from beyond the file's cells, choose the target's cells inside them "
                         f"instead, with --region or `cdo sellonlatbox,{_inside_box(axes[1])}` on the target's "
                         "files)"), "remapnn"
    elif beyond:
        way, operator = ("conservatively (each new cell the value of the cell it lies in: the new grid reaches "
                         "past the file's outermost cell centres, where bilinear interpolation leaves every new "
                         "cell missing)"), "remapcon"
    elif gappy:
        way, operator = ("conservatively (each new cell the value of the cell it lies in: the file has missing "
                         "cells, and bilinear interpolation leaves missing every new cell beside one)"), "remapcon"
    else:
        way, operator = "bilinearly", "remapbil"
    without = ": bilinear, no average" if coarser else ": the nearest centre's value" if past_edges \
        else ": the nearest centre's value within half a cell" if gappy else ""

    described = cdo_grid_description(reference_path)

    def advice(files: str, quote: str = "") -> str:
        target = shown_path(reference_path) if described is None else _described_grid(described, files)
        remap = cdo_command(cdo_direction_chain(f"{operator},{target}", directions), files)
        return (f"{quote}{remap}{quote}, or without CDO (xarray's "
                f"interp, with SciPy{without}) {quote}{python_command(code)} {files}{quote}")

    way += _direction_words(directions)
    if len(paths) == 1:  # its copy in a new folder (fix53a)
        one = copies_of_files(lambda files, _: advice(files, "`"), [str(paths[0])], name="regridded")
        return f"interpolate {Path(paths[0]).name} {way} onto {Path(reference_path).name}'s grid: {one}"
    return (f"interpolate {files_text(paths)} {way} onto {Path(reference_path).name}'s grid: "
            f"{copies_of_files(lambda files, _: advice(files), [str(path) for path in paths], name='regridded')}")


def cdo_grid_description(path: str | Path) -> list[str] | None:
    """The lines of a CDO grid description of a file whose grid CDO reads as "generic", where
    ``cdo remapcon,<that file>`` aborts, "Unsupported target grid type (generic)" (break56b A1):
    ``gridtype = lonlat`` (``xsize``, ``xfirst``, ``xinc`` or ``xvals`` …, in the file's own order)
    of the file's 1-D latitude and longitude when either is stored on a dimension of another name
    (the GPCP v2.3 CDR's ``latitude(nlat)``, ``longitude(nlon)`` without a ``coordinates``
    attribute); ``gridtype = curvilinear`` of its 2-D latitude and longitude on one pair of
    dimensions when no variable on them names both in its ``coordinates`` attribute
    (:func:`_curvilinear_description`: before, no line was given, fix57d). None otherwise (CDO
    reads the file's grid itself), or when the file cannot be read.

    Examples
    --------
    >>> cdo_grid_description("/no/such/file.nc") is None
    True
    """
    try:
        with open_netcdf(path, decode_times=False) as dataset:
            found, planes = {}, {}
            for name, variable in dataset.variables.items():
                kind = geographic_kind(str(name), variable) if variable.ndim in (1, 2) else None
                if kind is not None and variable.ndim == 1 and kind not in found:
                    found[kind] = (variable.dims != (name,), np.asarray(variable.values, np.float64))
                elif kind is not None and variable.ndim == 2 and kind not in planes:
                    planes[kind] = str(name)
            if set(found) != {"latitude", "longitude"} and set(planes) == {"latitude", "longitude"}:
                return _curvilinear_description(dataset, planes["latitude"], planes["longitude"])
    except (OSError, ValueError, KeyError, TypeError, ClimannError):
        return None
    if set(found) != {"latitude", "longitude"} or not any(other for other, _ in found.values()):
        return None
    lines = ["gridtype = lonlat"]
    for axis, kind in (("x", "longitude"), ("y", "latitude")):
        values = found[kind][1]
        lines.append(f"{axis}size = {values.size}")
        steps = np.diff(values)
        if values.size > 1 and np.allclose(steps, steps[0], rtol=1e-6, atol=0):
            lines += [f"{axis}first = {values[0]:.10g}", f"{axis}inc = {steps[0]:.10g}"]
        else:
            lines.append(f"{axis}vals = " + " ".join(f"{value:.10g}" for value in values))
    return lines


def _curvilinear_description(dataset: xr.Dataset, latitude: str, longitude: str) -> list[str] | None:
    """The lines of CDO's ``gridtype = curvilinear`` description of ``dataset``'s 2-D ``latitude``
    and ``longitude`` (degrees, on one pair of dimensions ``(y, x)``): ``xsize``, ``ysize``, each
    cell's centre row by row (``xvals``, ``yvals``) and, when both name CF ``bounds`` of 4 corners
    ``(y, x, 4)``, the corners (``nvertex = 4``, ``xbounds``, ``ybounds``, as CDO's conservative
    remapping needs them). None when CDO reads the grid itself: a variable on those dimensions names
    both in its ``coordinates`` attribute (CF-1.8 §5.2), or they are on different dimensions."""
    lat, lon = dataset[latitude], dataset[longitude]
    # xarray moves a read `coordinates` attribute into the encoding
    named = [str(variable.attrs.get("coordinates", variable.encoding.get("coordinates", ""))).split()
             for variable in dataset.variables.values() if set(lat.dims) <= set(variable.dims)]
    if lat.dims != lon.dims or any({latitude, longitude} <= set(names) for names in named):
        return None
    y, x = lat.shape
    lines = ["gridtype = curvilinear", f"gridsize = {lat.size}", f"xsize = {x}", f"ysize = {y}"]
    corners = [dataset.variables.get(str(values.attrs.get("bounds"))) for values in (lon, lat)]
    cornered = all(corner is not None and corner.shape == (y, x, 4) for corner in corners)
    lines += ["nvertex = 4"] if cornered else []
    for axis, values, corner in zip("xy", (lon, lat), corners):  # in CDO's griddes order: xvals, xbounds, yvals …
        lines.append(f"{axis}vals = " + " ".join(f"{value:.10g}" for value in np.ravel(values.values)))
        if cornered:
            lines.append(f"{axis}bounds = " + " ".join(f"{value:.10g}" for value in np.ravel(corner.values)))
    return lines


def _described_grid(lines: Sequence[str], files: str) -> str:
    """The ``remap`` operator's grid argument for a target CDO reads as generic (:func:`cdo_grid_description`):
    a command substitution that writes the description into the copy's new folder (the folder of the
    second of ``files``, made before the command runs) and names it. A pipe (``<(printf …)``) CDO cannot
    open ("Open failed on /dev/fd/63"); the folder holds the copies, ending ``.nc``, and this ``.txt``."""
    folder = files.split(" ", 1)[1].rsplit("/", 1)[0]
    written = f"{folder}/target_grid.txt"
    return f'"$(printf \'%s\\n\' {" ".join(shlex.quote(line) for line in lines)} > {written} && echo {written})"'


def _direction_words(directions: Mapping[str, float]) -> str:
    """The words that say which directions of a file are regridded by their sine and cosine
    (:mod:`climann.data.direction_regrid`); ``""`` for none."""
    if not directions:
        return ""
    names = ", ".join(directions)
    return (f" ({names}: a direction, whose values averaged as numbers put 350° and 10° at 180°; the lines regrid "
            "its sine and cosine and recover the angle with atan2)")


def _geographic_2d(grid: Mapping[str, xr.DataArray]) -> bool:
    """Whether a grid (:func:`climann.data.open.grid_coordinates`'s mapping) has 2-D latitude and
    longitude (a projected grid with them, EASE-Grid 2.0's ``lat(y, x)``; a curvilinear one)."""
    kinds = {geographic_kind(str(name), values) or BARE_NAMES.get(str(name).lower())
             for name, values in grid.items() if values.ndim == 2}
    return {"latitude", "longitude"} <= kinds


def interpolation_onto_2d_advice(reference: Mapping[str, xr.DataArray], reference_path: str | Path,
                                 own: Mapping[str, xr.DataArray],
                                 own_path: str | Path | Sequence[str | Path]) -> str | None:
    """The ``cdo remapbil`` that interpolates the file ``own_path`` (or each of several files on one
    grid), on a latitude-longitude grid (1-D or 2-D), onto the grid of ``reference_path`` given by
    2-D latitude and longitude (a projected grid such as ESA Snow CCI's EASE-Grid 2.0, or a
    curvilinear one), which CDO reads by the data's ``coordinates`` attribute; the copy beside it,
    or the copies into a new folder and the ``--data`` that takes them
    (:func:`~climann.data.shell.copies_of_files`). Bilinear: CDO's conservative remapping needs the
    target cells' corners, which such files seldom hold. None when ``reference`` has no 2-D
    latitude and longitude or ``own`` no latitude and longitude (break49b A3: ERA5's 0.25° t2m
    beside EASE-Grid SWE was told only "e.g. cdo remapbil or xESMF"; ``cdo remapbil,swe.nc
    era5_t2m.nc out.nc`` made a file that trained)."""
    if not _geographic_2d(reference) or (_axes(own) is None and not _geographic_2d(own)):
        return None
    paths = [own_path] if isinstance(own_path, (str, Path)) else list(own_path)

    directions = file_directions(paths[0])

    # CDO reads a grid whose data name neither in a `coordinates` attribute as generic: its description (fix57d)
    described = cdo_grid_description(reference_path)

    def advice(files: str, quote: str = "") -> str:
        target = shown_path(reference_path) if described is None else _described_grid(described, files)
        chain = cdo_direction_chain(f"remapbil,{target}", directions)
        return f"{quote}{cdo_command(chain, files)}{quote}"

    reads = ("CDO reads its 2-D latitude and longitude" if described is None else
             "the line writes CDO's description of its 2-D latitude and longitude, which no coordinates attribute "
             "names")
    way = (f"bilinearly onto {Path(reference_path).name}'s grid ({reads}; without "
           "CDO, xESMF's Regridder with them)") + _direction_words(directions)
    if len(paths) == 1:  # its copy in a new folder (fix53a)
        one = copies_of_files(lambda files, _: advice(files, "`"), [str(paths[0])], name="regridded")
        return f"interpolate {Path(paths[0]).name} {way}: {one}"
    return (f"interpolate {files_text(paths)} {way}: "
            f"{copies_of_files(lambda files, _: advice(files), [str(path) for path in paths], name='regridded')}")


def _reaches_past_centres(reference: Mapping[str, np.ndarray], own: Mapping[str, np.ndarray], *,
                          edges: bool = False) -> bool:
    """Whether a centre of the grid ``reference`` (kind → degrees, :func:`_axes`) lies beyond the
    outermost centres of the grid ``own`` along latitude or longitude (by more than a millionth of
    ``own``'s step; ``own``'s longitudes first put in ``reference``'s convention, as
    :func:`_longitude_statement` does). Bilinear interpolation (``cdo remapbil``, xarray's
    ``interp``) has no neighbour on the outer side of such a centre and leaves it missing: a
    0.05° box onto a 0.5° box of the same 5°×5° extent, the band between the edge and the
    outermost 0.5° centres, 19 % of the new cells (break47b A4). False when ``own``'s
    longitudes go round the globe (their count times their step 360°): CDO's ``remapbil`` fills
    such a grid's outer rows and columns too (checked with CDO 2.1: 10° centres -35…35°N, 5…355°E
    onto 5° ones -37.5…37.5°N, 2.5…357.5°E, none missing). ``edges``: beyond ``own``'s outermost
    cell edges (half a step past its centres), where even ``cdo remapcon`` has no cell to take a
    value from: GLEAM's 0.1° box reaching 0.05° past ERA5's 0.25° one was left missing on its
    outer row and column, 9.8 % of the cells, and the predictor left out again (break52a A4)."""
    if own["longitude"].size * 2 * _half_step(own["longitude"]) >= 360.0:
        return False
    for kind in ("latitude", "longitude"):
        target, source = reference[kind], own[kind]
        if kind == "longitude" and target.min() < 0 and source.max() > 180:
            source = (source + 180) % 360 - 180
        elif kind == "longitude" and target.max() > 180 and source.min() < 0:
            source = source % 360
        margin = _half_step(source) * (1 + 2e-6 if edges else 2e-6)
        if target.min() < source.min() - margin or target.max() > source.max() + margin:
            return True
    return False


def _inside_box(own: Mapping[str, np.ndarray]) -> str:
    """``LON1,LON2,LAT1,LAT2`` of the cells of the grid ``own`` (kind → degrees, :func:`_axes`):
    its outermost centres and half a step, the box ``cdo sellonlatbox`` keeps a target's cells
    in, those each of which lies in a cell of ``own``."""
    edges = {kind: (own[kind].min() - _half_step(own[kind]), own[kind].max() + _half_step(own[kind]))
             for kind in ("longitude", "latitude")}
    return ",".join(f"{value:.6g}" for kind in ("longitude", "latitude") for value in edges[kind])


def has_missing_cells(path: str | Path, axes: tuple[str, str]) -> bool:
    """Whether a variable of the file on the latitude and longitude ``axes`` has a missing value
    (a ``_FillValue``, ``missing_value`` or NaN: land in an SST, a coastal target) at its first step
    (and first value of every other dimension): one map read, not the whole file. False where the
    file cannot be read (it is refused with its own message when opened)."""
    try:
        with open_netcdf(path, decode_times=False) as dataset:
            for variable in dataset.data_vars.values():
                if set(axes) <= set(variable.dims) and variable.dtype.kind in "fiu":
                    first = variable.isel({dim: 0 for dim in variable.dims if dim not in axes})
                    if bool(first.isnull().any()):
                        return True
    except (OSError, ValueError, KeyError, TypeError, ClimannError):
        return False
    return False


def _half_step(values: np.ndarray) -> float:
    """Half the median step of an axis (degrees; 0.5 for a one-value axis), a hair more: the
    farthest a point of a cell lies from its centre along the axis."""
    step = float(np.median(np.abs(np.diff(values)))) if values.size > 1 else 1.0
    return step / 2 * (1 + 1e-6)


def _cell_size(axes: Mapping[str, np.ndarray]) -> float:
    """The typical cell of a latitude-longitude grid, square degrees: the median step of its
    latitudes times that of its longitudes (a one-value axis: 1°)."""
    steps = [np.median(np.abs(np.diff(values))) if values.size > 1 else 1.0 for values in axes.values()]
    return float(np.prod(steps))
