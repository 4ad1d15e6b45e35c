"""Unstructured-grid data without their coordinates, and the grid files that hold them.

ICON's GRIB2 output (DWD's open data) does not hold the positions of its cells: a message
names its grid by number and UUID (``numberOfGridUsed``, ``uuidOfHGrid``), and the centres
and corners are in the model's grid file (``icon_grid_0047_R19B07_L.nc``: ``clon(cell)``,
``clat(cell)``, their bounds, ``cell_area``). ``cdo -f nc copy`` of such GRIB2 writes the
fields on ``ncells`` with ``CDI_grid_type = "unstructured"`` and
``number_of_grid_in_reference`` but no ``clon``/``clat``; ``cdo setgrid,GRIDFILE`` attaches
them (CDO user guide, "SETGRID"), after which the data are read as any unstructured grid and
remapped (:mod:`climann.data.coordinate_values`). The data file alone was told only "no
latitude coordinate found", and the grid file given beside it was advised a remap of its own,
which holds no data (break49d A2). :func:`gridless_cells_message` and
:func:`grid_file_message` say what each is and give ``cdo setgrid`` first, naming the other
file when it lies beside (:func:`grid_files_beside`, :func:`gridless_files_beside`), so that
the command runs as printed (break49e: ``DATA.nc``).
"""

from __future__ import annotations

import shlex
from pathlib import Path

import xarray as xr

from climann.data.shared_handles import plain_header
from climann.data.shell import (cdo_command, cdo_folder, copies_command, copies_data, copies_folder, in_cdo_folder,
                                one_copy_line, shown_path, source_and_copy, users_file_copied)

__all__ = ["GRID_FILE_VARIABLES", "UNSTRUCTURED_CELL_DIMENSIONS", "cell_area_names", "grid_file_message",
           "grid_files_beside", "gridless_cells_message", "gridless_files_beside", "is_grid_file",
           "measured_files_beside"]

#: The cell dimensions of unstructured model grids as their files and CDO name them (ICON's
#: ``ncells`` and ``cell``, MPAS's ``nCells``, FESOM's ``nod2``, CAM-SE's ``ncol``); lower case.
UNSTRUCTURED_CELL_DIMENSIONS = frozenset({"ncells", "ncell", "cell", "cells", "ncol", "nod2", "nod2d"})

#: Variables of ICON's grid files that describe the grid, not a field on it (ICON grid file
#: specification: areas, lengths, index tables, the cells' parents and land-sea mask of the grid).
GRID_FILE_VARIABLES = frozenset({
    "cell_area", "cell_area_p", "dual_area", "dual_area_p", "edge_length", "dual_edge_length",
    "edge_cell_distance", "edge_vert_distance", "zonal_normal_primal_edge", "meridional_normal_primal_edge",
    "zonal_normal_dual_edge", "meridional_normal_dual_edge", "orientation_of_normal", "cell_index", "edge_index",
    "vertex_index", "parent_cell_index", "neighbor_cell_index", "edge_of_cell", "vertex_of_cell",
    "adjacent_cell_of_edge", "edge_vertices", "cells_of_vertex", "edges_of_vertex", "vertices_of_vertex",
    "edge_orientation", "cell_sea_land_mask", "edge_system_orientation", "refin_c_ctrl", "refin_e_ctrl",
    "refin_v_ctrl", "phys_cell_id", "phys_edge_id", "cell_elevation", "lon_cell_centre", "lat_cell_centre",
    "clon_vertices", "clat_vertices"})


def _cell_dimension(dataset: xr.Dataset) -> tuple[str, list[str]] | None:
    """The one dimension without a coordinate variable that the data variables lie on, where they
    say they are on an unstructured grid (CDI's ``CDI_grid_type = "unstructured"``) or it is named as
    one's cells (:data:`UNSTRUCTURED_CELL_DIMENSIONS`), and the variables on it; None otherwise."""
    found: dict[str, list[str]] = {}
    for name, variable in dataset.data_vars.items():
        bare = [str(dim) for dim in variable.dims if dim not in dataset.variables]
        said = str(variable.attrs.get("CDI_grid_type", "")).strip().lower() == "unstructured"
        cells = [dim for dim in bare if said or dim.lower() in UNSTRUCTURED_CELL_DIMENSIONS]
        if len(cells) == 1:
            found.setdefault(cells[0], []).append(str(name))
    return next(iter(found.items())) if len(found) == 1 else None


def gridless_cells_message(dataset: xr.Dataset) -> str | None:
    """Why a file on an unstructured grid's cells has no latitude (:func:`_cell_dimension`), and the
    ``cdo setgrid`` that attaches the grid file's coordinates, then the remap; None for others.

    Examples
    --------
    >>> import numpy as np
    >>> d = xr.Dataset({"t_2m": (("time", "ncells"), np.zeros((1, 4)), {"CDI_grid_type": "unstructured"})},
    ...                coords={"time": [0]}, attrs={"number_of_grid_used": 47})
    >>> print(gridless_cells_message(d))  # doctest: +NORMALIZE_WHITESPACE
    t_2m lie on 'ncells', the cells of an unstructured grid, with no coordinates: the positions are in the
    model's grid file (ICON's GRIB2 converted by cdo without its grid; grid number 47), not in this file; attach
    the grid with `cdo setgrid,GRIDFILE IN.nc OUT.nc` (GRIDFILE the model's grid file, e.g.
    icon_grid_0047_R19B07_L.nc, whose cells number 4), then give the copy: climann gives its remap to a regular grid
    """
    found = _cell_dimension(dataset)
    if found is None:
        return None
    dim, names = found
    number = dataset.attrs.get("number_of_grid_used", next(
        (dataset[name].attrs["number_of_grid_used"] for name in names if "number_of_grid_used" in dataset[name].attrs),
        None))
    said = f"; grid number {number}" if number is not None else ""
    files = source_and_copy(dataset, *(dataset[name] for name in names), suffix="withgrid")
    source = next((item.encoding["source"] for item in (dataset, *(dataset[name] for name in names))
                   if item.encoding.get("source")), None)
    grids = grid_files_beside(Path(source), dataset.sizes[dim]) if source else []
    opening = (f"{', '.join(names)} lie on '{dim}', the cells of an unstructured grid, with no coordinates: the "
               f"positions are in the model's grid file (ICON's GRIB2 converted by cdo without its grid{said}), not in "
               "this file")
    beside = len(grids) == 1  # the grid file beside it, named: the command runs as printed (break49e)
    if users_file_copied(files) is None:  # data built in memory: placeholders
        grid = shown_path(grids[0]) if beside else "GRIDFILE"
        line, then = f"`{cdo_command(f'setgrid,{grid}', files)}`", ", then give the copy"
    else:  # the copy into a new folder, CDO run inside a folder with a space (fix57i): beside it, a glob took both
        line, then = one_copy_line(lambda _, copy: in_cdo_folder(lambda named: cdo_command(
            f"setgrid,{named(grids[0]) if beside else 'GRIDFILE'}", f"{named(source)} {named(copy)}"),
            [source], copy.parent), source, "with_grid"), ""
    if beside:
        return (f"{opening}; {grids[0].name} beside it is a grid file of its {dataset.sizes[dim]} cells: attach it "
                f"with {line}{then}: climann gives its remap to a regular grid")
    return (f"{opening}; attach the grid with {line} (GRIDFILE the model's grid file, e.g. "
            f"icon_grid_0047_R19B07_L.nc, whose cells number {dataset.sizes[dim]}{_from_folder(line)}){then}: "
            "climann gives its remap to a regular grid")


def _from_folder(line: str) -> str:
    """Words for the ``GRIDFILE`` of ``line`` when the line runs CDO inside the data's folder (``( cd 'my data' &&
    …``, :func:`~climann.data.shell.in_cdo_folder`): a relative path is then read from there."""
    return "; its path from the data's folder, or absolute, as the line runs cdo there" if "( cd " in line else ""


def is_grid_file(dataset: xr.Dataset, coordinates: set[str]) -> bool:
    """Whether ``dataset`` holds an unstructured grid's description and no field on it: every data
    variable other than the grid's ``coordinates`` and their bounds is a description of the grid
    (:data:`GRID_FILE_VARIABLES`, CF ``standard_name = "cell_area"``) or an integer index table."""
    bounds = {str(dataset[name].attrs.get("bounds", dataset[name].encoding.get("bounds", ""))) for name in coordinates}
    held = [name for name in dataset.data_vars if name not in coordinates | bounds]
    return all(str(name).lower() in GRID_FILE_VARIABLES or dataset[name].attrs.get("standard_name") == "cell_area"
               or dataset[name].dtype.kind in "iu" for name in held)


def grid_file_message(dataset: xr.Dataset, where: str, kinds: dict[str, str], dim: str) -> str | None:
    """The refusal of a grid file (:func:`is_grid_file`; ``kinds``: its latitude and longitude, on
    ``dim``), given as data: it is the grid to attach to data without coordinates, not data to
    remap; None for any other file."""
    if not is_grid_file(dataset, set(kinds.values())):
        return None
    source = dataset.encoding.get("source")
    grid = shlex.split(source_and_copy(dataset))[0] if source else where
    cells = dataset.sizes[dim]
    said = (f"{where} holds an unstructured grid ('{kinds['latitude']}' and '{kinds['longitude']}' on '{dim}', "
            f"{cells} cells) and no field on it: it is a model's grid file, not data; attach it to the data on "
            f"{cells} cells without coordinates (ICON's GRIB2 converted by cdo without its grid)")
    data = gridless_files_beside(Path(source), cells) if source else []
    if not data:
        return (f"{said} with `cdo setgrid,{shlex.quote(grid)} DATA.nc DATA_withgrid.nc` (DATA.nc your data file on "
                f"{cells} cells: none lies beside {where}), then give DATA_withgrid.nc alone in place of both "
                "(climann then gives its remap to a regular grid)")
    # the copies into a new folder, CDO run inside a folder with a space (fix57i): beside them, a glob took both
    folder = copies_folder(Path(source).parent, "with_grid")
    inside = cdo_folder(data, folder) is not None
    command = copies_command(lambda given, copy: f"cdo setgrid,{shlex.quote(Path(grid).name if inside else grid)} "
                                                 f"{given} {copy}", folder, data)
    instead = "both" if len(data) == 1 else "them and the grid file"
    copies = "its copy" if len(data) == 1 else "a copy of each"
    return (f"{said}, here {_listed(data)} beside it, with `{command}` ({copies} in a new folder), then give "
            f"--data {copies_data(folder, data)} in place of {instead} (climann then gives its remap to a regular "
            "grid)")


#: How many data files a grid file's advice names one by one (more: a loop over them).
_NAMED_FILES = 3
#: How many files beside a grid file are looked into for its data (their headers only).
_FILES_LOOKED_INTO = 200
_NETCDF_SUFFIXES = (".nc", ".nc4", ".cdf", ".netcdf")


def _listed(paths: list[Path]) -> str:
    """The names of ``paths``, the first :data:`_NAMED_FILES` of them and how many more."""
    names = [path.name for path in paths[:_NAMED_FILES]]
    return ", ".join(names) + (f" and {len(paths) - _NAMED_FILES} more" if len(paths) > _NAMED_FILES else "")


def _position_kind(name: str, variable: xr.Variable) -> str | None:
    """``"latitude"`` or ``"longitude"`` for a variable that CF's ``standard_name`` or units
    (``degrees_north``, ``degrees_east``) or ICON's and CF's usual names (``clat``, ``lat`` …) say
    is one, in a file's header read without decoding; None otherwise. (The full reading is
    :func:`climann.data.coordinate_values.geographic_kind`, which imports this module.)"""
    standard = str(variable.attrs.get("standard_name", "")).strip().lower()
    units = str(variable.attrs.get("units", "")).strip().lower()
    for kind, names, unit in (("latitude", {"clat", "lat", "latitude", "nav_lat"}, "degrees_north"),
                              ("longitude", {"clon", "lon", "longitude", "nav_lon"}, "degrees_east")):
        if standard == kind or units == unit or name.lower() in names:
            return kind
    return None


def _netcdf_beside(path: Path) -> list[Path]:
    """The NetCDF files in the folder of ``path`` but it, the first :data:`_FILES_LOOKED_INTO` by name."""
    try:
        return sorted(other for other in path.parent.iterdir()
                      if other.suffix.lower() in _NETCDF_SUFFIXES and other.is_file() and other != path
                      )[:_FILES_LOOKED_INTO]
    except OSError:
        return []


def grid_files_beside(data_file: Path, cells: int) -> list[Path]:
    """The unstructured grid files (:func:`is_grid_file`: a latitude and a longitude on one dimension
    of ``cells`` cells, no field) in the folder of ``data_file``, by name: the grid its
    ``cdo setgrid`` advice names in place of ``GRIDFILE`` when there is one. Headers only.

    Parameters
    ----------
    data_file : pathlib.Path
        A file of fields on ``cells`` cells without coordinates.
    cells : int

    Returns
    -------
    list of pathlib.Path
    """
    found = []
    for path in _netcdf_beside(data_file):
        try:
            with plain_header(path) as opened:
                kinds = {_position_kind(str(name), variable): str(name) for name, variable in opened.variables.items()
                         if variable.ndim == 1 and opened.sizes[variable.dims[0]] == cells}
                if {"latitude", "longitude"} <= kinds.keys() and is_grid_file(
                        opened, {kinds["latitude"], kinds["longitude"]}):
                    found.append(path)
        except Exception:  # noqa: BLE001 - a file beside that is not readable NetCDF is not its grid
            continue
    return found


def gridless_files_beside(grid_file: Path, cells: int) -> list[Path]:
    """The NetCDF files in the folder of ``grid_file`` whose fields lie on an unstructured grid's
    ``cells`` cells without coordinates (:func:`_cell_dimension`, no latitude read), which
    ``cdo setgrid`` with it makes readable: the data its advice names, so that it runs as
    printed (break49e: the advice said ``DATA.nc``). Only the headers of the first
    :data:`_FILES_LOOKED_INTO` files by name are read; a file that does not open is passed over.

    Parameters
    ----------
    grid_file : pathlib.Path
        The grid file (ICON's ``icon_grid_0047_R19B07_L.nc``).
    cells : int
        Its number of cells.

    Returns
    -------
    list of pathlib.Path
        Sorted by name; empty when none.
    """
    found = []
    for path in _netcdf_beside(grid_file):
        try:
            with plain_header(path) as opened:
                cell = _cell_dimension(opened)
                positioned = any(_position_kind(str(name), variable) == "latitude"
                                 for name, variable in opened.variables.items())
                if cell is not None and opened.sizes[cell[0]] == cells and not positioned:
                    found.append(path)
        except Exception:  # noqa: BLE001 - a file beside that is not readable NetCDF is not its data
            continue
    return found


def cell_area_names(dataset: xr.Dataset, coordinates: set[str]) -> list[str]:
    """The variables of an unstructured grid's file that are its cells' areas (CF ``standard_name =
    "cell_area"``, or CMIP's ``areacella``/``areacello``), when every variable but the
    ``coordinates`` and their bounds is one: a CMIP ``areacella_fx_…_gn.nc``, the areas of data on
    that grid, not a model's grid file (break57a A5); empty otherwise."""
    bounds = {str(dataset[name].attrs.get("bounds", dataset[name].encoding.get("bounds", ""))) for name in coordinates}
    held = [str(name) for name in dataset.data_vars if name not in coordinates | bounds]
    areas = [name for name in held if dataset[name].attrs.get("standard_name") == "cell_area"
             or name.lower() in ("areacella", "areacello")]
    return areas if areas and len(areas) == len(held) else []


def measured_files_beside(areas_file: Path, names: list[str], cells: int) -> list[Path]:
    """The NetCDF files in the folder of ``areas_file`` whose fields name one of the area variables
    ``names`` in their ``cell_measures`` (``"area: areacella"``, CF section 7.2) and lie on an
    unstructured grid of ``cells`` cells: the data those areas belong to. Headers only, of the
    first :data:`_FILES_LOOKED_INTO` files by name; a file that does not open is passed over."""
    found = []
    for path in _netcdf_beside(areas_file):
        try:
            with plain_header(path) as opened:
                named = any(set(str(variable.attrs.get("cell_measures", "")).split()[1::2]) & set(names)
                            and cells in (opened.sizes[dim] for dim in variable.dims)
                            for variable in opened.variables.values())
                if named:
                    found.append(path)
        except Exception:  # noqa: BLE001 - a file beside that is not readable NetCDF is not its data
            continue
    return found
