"""The map projection of WRF output, said in its global attributes, as a CF grid mapping.

WRF's ``wrfout`` files place their grid by global attributes, not by a CF ``grid_mapping``
variable (WRF Users' Guide, "Description of the WRF output"; wrf-python's and salem's readers):
``MAP_PROJ`` (1 Lambert conformal, 2 polar stereographic, 3 Mercator, 6 latitude-longitude),
``TRUELAT1``/``TRUELAT2`` (the standard parallels), ``STAND_LON`` (the central meridian),
``MOAD_CEN_LAT`` or ``CEN_LAT`` (the projection's origin latitude), ``DX``/``DY`` (the grid
spacing in metres), on WRF's sphere of radius 6370 km. climann reads the cells from ``XLAT`` and
``XLONG``; the projection itself was lost from ``predictions.nc`` (break49c A4), so that
salem, wrf-python or cartopy could not place the predictions on their map.
:func:`wrf_map_projection` gives the CF grid mapping (CF 1.8 appendix F) that pyproj writes for
that projection (:meth:`pyproj.crs.CRS.to_cf`) and the WRF attributes kept as they are.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from climann.data.layout import Coordinate

__all__ = ["WRF_EARTH_RADIUS_M", "WRF_PROJECTION_ATTRIBUTES", "WRF_PROJECTION_NAME", "wrf_map_projection"]

#: The radius of WRF's spherical Earth, in m (WRF's ``EARTH_RADIUS_M`` in ``share/module_model_constants``).
WRF_EARTH_RADIUS_M = 6370000.0

#: The global attributes of a wrfout file that say its projection and grid spacing.
WRF_PROJECTION_ATTRIBUTES = ("MAP_PROJ", "MAP_PROJ_CHAR", "TRUELAT1", "TRUELAT2", "STAND_LON", "MOAD_CEN_LAT",
                             "CEN_LAT", "CEN_LON", "POLE_LAT", "POLE_LON", "DX", "DY")

#: The name of the grid-mapping variable written (as xwrf names it).
WRF_PROJECTION_NAME = "wrf_projection"


def _proj_string(attrs: Mapping[str, object]) -> str | None:
    """The PROJ definition of WRF's ``MAP_PROJ`` 1, 2 or 3 (as wrf-python and salem read them);
    None for another projection or missing attributes."""
    try:
        kind = int(np.ravel(attrs["MAP_PROJ"])[0])
        number = {key: float(np.ravel(attrs[key])[0]) for key in ("TRUELAT1", "STAND_LON") if key in attrs}
        origin = float(np.ravel(attrs.get("MOAD_CEN_LAT", attrs.get("CEN_LAT", np.nan)))[0])
        second = float(np.ravel(attrs.get("TRUELAT2", number.get("TRUELAT1", np.nan)))[0])
    except (KeyError, TypeError, ValueError, IndexError):
        return None
    if len(number) < 2 or not all(np.isfinite([*number.values(), second])):
        return None
    sphere = f"+a={WRF_EARTH_RADIUS_M:.0f} +b={WRF_EARTH_RADIUS_M:.0f} +units=m +no_defs"
    if kind == 1 and np.isfinite(origin):
        return (f"+proj=lcc +lat_1={number['TRUELAT1']} +lat_2={second} +lat_0={origin} "
                f"+lon_0={number['STAND_LON']} {sphere}")
    if kind == 2:
        pole = 90.0 if number["TRUELAT1"] >= 0 else -90.0
        return f"+proj=stere +lat_ts={number['TRUELAT1']} +lat_0={pole} +lon_0={number['STAND_LON']} {sphere}"
    if kind == 3:
        return f"+proj=merc +lat_ts={number['TRUELAT1']} +lon_0={number['STAND_LON']} {sphere}"
    return None


def wrf_map_projection(attrs: Mapping[str, object]) -> tuple[Coordinate | None, dict[str, object]]:
    """The CF grid mapping of a wrfout file's projection and its WRF projection attributes.

    Parameters
    ----------
    attrs : mapping
        The file's global attributes (``MAP_PROJ``, ``TRUELAT1``, …).

    Returns
    -------
    mapping : Coordinate or None
        The grid-mapping variable :data:`WRF_PROJECTION_NAME` (a scalar 0) whose attributes are
        pyproj's CF description of the projection (``grid_mapping_name =
        "lambert_conformal_conic"``, ``standard_parallel``, ``longitude_of_central_meridian``,
        ``latitude_of_projection_origin``, the sphere's radius, ``crs_wkt``); None for a file
        without WRF's projection attributes or of another projection (``MAP_PROJ`` 6, rotated
        latitude-longitude, is left to the file's ``XLAT``/``XLONG``).
    kept : dict
        The attributes of :data:`WRF_PROJECTION_ATTRIBUTES` the file has, as it has them; empty
        for a file with none.

    Examples
    --------
    >>> mapping, kept = wrf_map_projection({"MAP_PROJ": 1, "TRUELAT1": 30.0, "TRUELAT2": 60.0,
    ...                                     "STAND_LON": -98.0, "CEN_LAT": 40.0})
    >>> mapping.attrs["grid_mapping_name"], kept["STAND_LON"]
    ('lambert_conformal_conic', -98.0)
    """
    kept = {key: attrs[key] for key in WRF_PROJECTION_ATTRIBUTES if key in attrs}
    definition = _proj_string(attrs) if "MAP_PROJ" in attrs else None
    if definition is None:
        return None, kept
    import pyproj  # here: only WRF output needs it, and it loads PROJ's database

    described = pyproj.CRS.from_proj4(definition).to_cf()
    mapping = {key: (np.asarray(value, np.float64) if isinstance(value, (list, tuple)) else value)
               for key, value in described.items()}
    return Coordinate(WRF_PROJECTION_NAME, np.array(0, dtype=np.int32), mapping), kept
