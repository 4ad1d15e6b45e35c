"""Which dimension lists stations: CF's marks, or, without them, what the file holds.

A 1-D latitude and a 1-D longitude on one dimension that is not time, with data on it, are
either a list of stations (buoys, gauges, sites) or the cells of an unstructured mesh (ICON's
``clat(ncells)``, MPAS's ``latCell(nCells)``, FESOM's ``lat(nod2)``). climann reads the first as
stations, one chosen with ``--select station=N`` (:mod:`climann.data.stations`), and refuses the
second with the way to remap it (:func:`climann.data.coordinate_values.checked_coordinates`).
The dimension lists stations (:func:`station_evidence`) when

1. CF says so (CF 1.8 §9): the file's ``featureType`` is ``timeSeries`` or
   ``timeSeriesProfile`` (any case), or a variable on the dimension has
   ``cf_role = "timeseries_id"`` (CF §9.5); never when its ``featureType`` says the positions
   move (``point``, ``trajectory``, ``profile``, ``trajectoryProfile``:
   :data:`~climann.data.coords.MOVING_FEATURE_TYPES`, refused with their own advice by
   :func:`climann.data.coordinate_values.checked_coordinates`): an Argo float's profiles are
   no stations, whatever names its variables; else
2. its points are not the cells of a mesh (:func:`mesh_evidence`: no cell bounds of their
   latitude or longitude, CF §7.1, nor corners on the dimension; no integer connectivity table
   on it, as ICON's ``vertex_of_cell(nv, ncells)`` or MPAS's ``verticesOnCell(nCells,
   maxEdges)``; no UGRID mesh, ``cf_role = "mesh_topology"`` or a ``mesh`` attribute; no HEALPix
   grid mapping), and either

   - the dimension is named as stations are (:data:`STATION_DIMENSION_NAMES`, any case:
     WAVEWATCH III's point output names it ``station`` and writes no DSG markers), or as the
     points of a river network are (:data:`RIVER_NETWORK_DIMENSION_NAMES`: mizuRoute's reaches
     ``seg`` and catchments ``hru``), or
   - a text variable on it names each point (``station_name(station)``, a character array
     ``(station, string40)`` included): a mesh does not name its cells. A quality-control
     flag is no name (:func:`is_flag_variable`: Argo's ``JULD_QC(N_PROF)``, one character per
     profile, ``conventions = "Argo reference table 2"``; CF §3.5 flags), or
   - an integer variable on it alone gives each point the identifier of a reach, catchment or
     gauge (:data:`RIVER_NETWORK_ID_NAMES` followed by ``id``, any case: mizuRoute's
     ``reachID(seg)``, ``hruId(hru)``, NHDPlus's ``COMID``), as ``cf_role = "timeseries_id"``
     would (CF §9.5). A mesh's cell indices (MPAS's ``indexToCellID``) are not named so; or
   - else, one latitude and longitude per index with none of a mesh's marks, the points
     are a point list (:func:`_is_point_list`: county yields on ``county`` FIPS codes, as xarray
     writes a pandas table, break43d A4; centres alone have no cells, and ``cdo remapcon``
     aborts on them), unless the dimension is named as a mesh's cells, nodes or faces are
     (:data:`MESH_DIMENSION_NAMES`: ICON's ``ncells``, MPAS's ``nCells``, CAM-SE's ``ncol``,
     cfgrib's reduced Gaussian ``values``, whose corners are in the model's grid file), is a
     time (a track) or a vertical axis (a profile's drift).

Those stay an unstructured grid: a mesh's cells are not chosen one by one with a remap at hand.
"""

from __future__ import annotations

from collections.abc import Mapping

import dask
import numpy as np
import xarray as xr

from climann.data.coords import MOVING_FEATURE_TYPES, bounds_names, time_coordinate

__all__ = ["station_evidence", "mesh_evidence", "is_flag_variable", "MESH_DIMENSION_NAMES", "STATION_DIMENSION_NAMES",
           "RIVER_NETWORK_DIMENSION_NAMES", "RIVER_NETWORK_ID_NAMES", "STATION_FEATURE_TYPES", "STATION_ROLE"]

#: The CF ``featureType`` values (lower case: CF §9.4 reads them case-insensitively) whose
#: instance dimension lists stations.
STATION_FEATURE_TYPES = ("timeseries", "timeseriesprofile")

#: The CF ``cf_role`` of the variable that names each station (CF §9.5).
STATION_ROLE = "timeseries_id"

#: Names of a dimension that lists stations (compared in lower case).
STATION_DIMENSION_NAMES = ("station", "stations", "nstation", "nstations", "stn", "site", "sites", "buoy", "buoys",
                           "gauge", "gauges", "platform", "platforms")

#: Names of a dimension that lists the points of a river network: reaches, catchments, gauges
#: (mizuRoute's ``seg`` and ``hru``; compared in lower case). Routed discharge on them has no
#: cells to remap: each point is chosen, as a station is.
RIVER_NETWORK_DIMENSION_NAMES = ("seg", "segs", "nseg", "segment", "segments", "reach", "reaches", "nreach",
                                 "nreaches", "hru", "hrus", "nhru", "basin", "basins", "nbasin", "subbasin",
                                 "subbasins", "catchment", "catchments", "river", "rivers", "nriver", "gage",
                                 "gages", "ngauge", "ngage")

#: What an integer identifier variable of river-network points is named after, before ``id``
#: (``reachID``, ``hruId``, ``seg_id``, ``basinID``, ``COMID``; compared in lower case).
RIVER_NETWORK_ID_NAMES = ("reach", "seg", "segment", "hru", "basin", "subbasin", "catchment", "river", "gauge",
                          "gage", "station", "site", "com")


def station_evidence(dataset: xr.Dataset, dim: str) -> str | None:
    """Why ``dim`` lists stations (see the module's description), in words for a message; None
    when it does not.

    Parameters
    ----------
    dataset : xarray.Dataset
        One opened file (lazy); only its metadata are read.
    dim : str
        A dimension on which a 1-D latitude and longitude lie
        (:func:`~climann.data.stations.location_dimension`).

    Returns
    -------
    str or None
        ``"a CF station time-series file"``; ``"stations by the dimension's name, 'station', with
        no cell bounds or mesh"``; ``"river-network points by the dimension's name, 'seg', ..."``;
        ``"stations named in 'station_name', ..."``; ``"river-network points identified by
        'reachID', ..."``; or None.
    """
    feature_type = str(dataset.attrs.get("featureType", "")).strip().lower()
    if feature_type in MOVING_FEATURE_TYPES:  # CF's word first: positions that move are no stations (break37a C1)
        return None
    if feature_type in STATION_FEATURE_TYPES or any(
            variable.attrs.get("cf_role") == STATION_ROLE and variable.dims[:1] == (dim,)
            for variable in dataset.variables.values()):
        return "a CF station time-series file"
    if mesh_evidence(dataset, dim) is not None:
        return None
    if dim.lower() in STATION_DIMENSION_NAMES:
        return f"stations by the dimension's name, '{dim}', with no cell bounds or mesh"
    if dim.lower() in RIVER_NETWORK_DIMENSION_NAMES:
        return f"river-network points by the dimension's name, '{dim}', with no cell bounds or mesh"
    if (labels := _point_names(dataset, dim)) is not None:
        return f"stations named in '{labels}', with no cell bounds or mesh"
    if (identifiers := _point_identifiers(dataset, dim)) is not None:
        return f"river-network points identified by '{identifiers}', with no cell bounds or mesh"
    if _is_point_list(dataset, dim):
        return f"points, one latitude and longitude per '{dim}', with no cell bounds or mesh"
    return None


#: Names of the dimension of a mesh's cells, nodes or faces, or of a reduced grid's points
#: (compared in lower case, digits and ``_`` at the end apart: ICON's ``ncells``/``ncells_2``,
#: MPAS's ``nCells``, FESOM's ``nod2``/``elem``, CAM-SE's ``ncol``, cfgrib's reduced Gaussian
#: ``values``, CDO's ``rgrid``, SCRIP's ``grid_size``, UGRID's ``nMesh2_face``): cells without their
#: corners in the file (the grid file holds them) are still cells.
MESH_DIMENSION_NAMES = ("ncells", "ncell", "cells", "cell", "nod2", "nod2d", "nod", "nodes", "node", "nnodes",
                        "elem", "elems", "nelem", "element", "elements", "face", "faces", "nface", "nfaces",
                        "ncol", "values", "rgrid", "grid_size", "gridsize", "ngrid", "gridcell", "gridcells",
                        "nedges", "nvertices")


def _is_point_list(dataset: xr.Dataset, dim: str) -> bool:
    """Whether the latitudes and longitudes along ``dim`` list points (counties, sites, plots):
    one position per index with no cell bounds or mesh (checked by the caller), on a dimension
    that is neither a mesh's by its name (:data:`MESH_DIMENSION_NAMES`, UGRID's ``mesh``/``face``/
    ``node`` names), a time (positions along time are a track) nor a vertical axis (a profile's
    drift, :func:`~climann.data.slanted_profiles.is_vertical_axis`). Centres alone have no cells to
    remap (``cdo remapcon`` aborts: "Source grid cell corner coordinates missing!", break43d A4:
    NASS county yields on ``county`` FIPS codes)."""
    from climann.data.slanted_profiles import is_vertical_axis

    lowered = dim.lower().rstrip("0123456789_")
    if lowered in MESH_DIMENSION_NAMES or any(word in lowered for word in ("mesh", "face", "node", "cell")):
        return False
    time = time_coordinate(dataset)
    if time is not None and dim in dataset[time].dims:
        return False
    return not any(variable.dims == (dim,) and is_vertical_axis(dataset[name])
                   for name, variable in dataset.variables.items())


def mesh_evidence(dataset: xr.Dataset, dim: str) -> str | None:
    """What makes the points along ``dim`` the cells of a mesh (``"cell bounds 'clat_bnds'"``,
    ``"connectivity 'vertex_of_cell'"``, ``"UGRID mesh 'mesh2d'"``, ``"HEALPix grid mapping 'crs'"``),
    or None (see the module's description)."""
    for name in sorted(bounds_names(dataset)):
        if name in dataset.variables and dim in dataset[name].dims:
            return f"cell bounds '{name}'"
    time = time_coordinate(dataset)
    time_dims = set(dataset[time].dims) if time is not None else set()
    for name, variable in dataset.variables.items():
        attrs = variable.attrs
        if attrs.get("cf_role") == "mesh_topology" or "mesh" in attrs:
            return f"UGRID mesh '{attrs.get('mesh', name)}'"
        if str(attrs.get("grid_mapping_name", "")).lower() == "healpix":
            return f"HEALPix grid mapping '{name}'"
        if (variable.ndim == 2 and dim in variable.dims and np.issubdtype(variable.dtype, np.integer)
                and not time_dims & set(variable.dims)):
            return f"connectivity '{name}'"
    return None


def _point_names(dataset: xr.Dataset, dim: str) -> str | None:
    """The text variable that names each point along ``dim`` (``station_name(station)``, or a
    CF character array ``(station, strlen)``), or None."""
    for name, variable in dataset.variables.items():
        chars = variable.ndim == 2 and variable.dtype.kind == "S"
        text = variable.ndim == 1 and (variable.dtype.kind in "US" or (
            variable.dtype.kind == "O" and variable.size and _holds_text(variable)))
        if variable.dims[:1] == (dim,) and (chars or text) and not is_flag_variable(str(name), variable.attrs):
            return str(name)
    return None


#: The ``conventions`` of Argo's quality-control flags (Argo user's manual, reference table 2:
#: ``0`` no QC … ``9`` missing), compared in lower case.
_QC_CONVENTIONS = "argo reference table"

#: The CF attributes of a flag variable (CF 1.8 §3.5).
_FLAG_ATTRIBUTES = ("flag_values", "flag_masks", "flag_meanings")


def is_flag_variable(name: str, attrs: Mapping) -> bool:
    """Whether a variable is a quality-control or status flag, never the names of points: CF
    flag attributes (``flag_values``, ``flag_masks``, ``flag_meanings``, CF 1.8 §3.5), a
    ``status_flag`` or ``quality_flag`` standard name (CF standard name modifiers), Argo's
    ``conventions = "Argo reference table 2"``, or a name ending in ``_QC`` (any case: Argo's
    ``JULD_QC``, ``POSITION_QC``, ``PROFILE_DOXY_QC``, one character per profile).

    Examples
    --------
    >>> is_flag_variable("JULD_QC", {}), is_flag_variable("station_name", {})
    (True, False)
    """
    standard_name = str(attrs.get("standard_name", "")).strip().lower()
    return (any(key in attrs for key in _FLAG_ATTRIBUTES) or standard_name.endswith(("status_flag", "quality_flag"))
            or str(attrs.get("conventions", "")).strip().lower().startswith(_QC_CONVENTIONS)
            or name.lower().endswith("_qc"))


def _point_identifiers(dataset: xr.Dataset, dim: str) -> str | None:
    """The integer variable on ``dim`` alone named as the identifiers of river-network points
    (``reachID(seg)``, ``hru_id(hru)``: :data:`RIVER_NETWORK_ID_NAMES` then ``id``), or None."""
    for name, variable in dataset.variables.items():
        stem = str(name).lower().removesuffix("id").removesuffix("_")
        if (variable.dims == (dim,) and np.issubdtype(variable.dtype, np.integer) and str(name).lower().endswith("id")
                and stem in RIVER_NETWORK_ID_NAMES):
            return str(name)
    return None


def _holds_text(variable: xr.Variable) -> bool:
    """Whether an object array's first value is text (not a date: cftime objects are objects too)."""
    with dask.config.set(scheduler="synchronous"):
        return isinstance(np.asarray(variable[(0,) * variable.ndim].values).item(), (str, bytes))
