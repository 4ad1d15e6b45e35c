"""How the x/y axes and the grid mapping of a CF map projection read in pyproj's metres.

``pyproj.CRS.from_cf`` reads the grid mapping with its false easting and northing in metres,
and its transformer takes x/y in metres. CF (appendix F) says otherwise for two kinds of file:

- the false easting and northing are "expressed in the unit of the coordinate variable
  identified by the standard name projection_x_coordinate" (and ``projection_y_coordinate``):
  beside x/y in km they are in km (netCDF-Java reads them so). Yet some files write them in
  metres beside km axes (NCEP's NARR: ``false_easting = 5632642.22547`` with x in km), so where
  the two readings place the grid apart, the file's own 2-D latitude and longitude decide;
  without them CF's reading is taken with a warning naming both places;
- on the ``geostationary`` grid mapping the x/y coordinates are the satellite's scanning
  angles in radians (GOES-R ABI's fixed grid, MSG SEVIRI): PROJ's ``geos`` x/y in metres are
  the angle times ``perspective_point_height``.

A grid whose mapping and own latitude and longitude disagree is refused: its area weights
come from the mapping's corners, its positions from the file. Axes without ``units`` have no
scale (CF gives projection coordinates units of length): the file's own latitude and
longitude decide between metres and km, and without them the file is refused.
"""

from __future__ import annotations

import difflib
import functools
import logging
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pyproj  # imported with the package: PROJ finds its database only if loaded before a file is opened
import xarray as xr

from climann.data.layout import Coordinate
from climann.data.notes import note_once
from climann.data.shell import attribute_command, ncatted_attribute, one_copy_advice, source_and_copy
from climann.data.sources import FILE_NAME_KEY
from climann.errors import ClimannError

_log = logging.getLogger(__name__)

#: Units of projected axes, as a factor to metres (what ``pyproj.CRS.from_cf`` expects).
METRES_PER_UNIT: dict[str, float] = {
    "m": 1.0, "metre": 1.0, "metres": 1.0, "meter": 1.0, "meters": 1.0,
    "km": 1000.0, "kilometre": 1000.0, "kilometres": 1000.0, "kilometer": 1000.0, "kilometers": 1000.0,
}

#: The grid mappings of CF conventions Appendix F ("Grid Mappings", CF-1.11): the values a
#: ``grid_mapping_name`` can have.
CF_GRID_MAPPINGS = (
    "albers_conical_equal_area", "azimuthal_equidistant", "geostationary", "lambert_azimuthal_equal_area",
    "lambert_conformal_conic", "lambert_cylindrical_equal_area", "latitude_longitude", "mercator",
    "oblique_mercator", "orthographic", "polar_stereographic", "rotated_latitude_longitude", "sinusoidal",
    "stereographic", "transverse_mercator", "vertical_perspective",
)

#: Units of a geostationary grid's scanning angles (CF appendix F: x/y in radians).
RADIAN_UNITS = ("rad", "radian", "radians")

#: Slack, in km, between a grid mapping's positions and the file's own latitude and longitude
#: that are still the same cells: latitudes computed on another figure of the Earth than the
#: mapping declares (a sphere against WGS 84) differ by up to 21 km (geodetic and geocentric
#: latitude differ by at most 0.19°; the same Lambert or polar stereographic x/y on a sphere
#: and on WGS 84 are 12 to 19 km apart over the NARR, Daymet and NSIDC domains).
FIGURE_OF_THE_EARTH_KM = 25.0

#: Mean radius of the Earth (IUGG), km: for distances between positions, not for areas.
EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class ProjectionReading:
    """A projected grid as pyproj reads it.

    Attributes
    ----------
    attrs : dict
        The grid-mapping attributes for ``pyproj.CRS.from_cf``: false easting and northing in
        metres, as chosen (:func:`projection_reading`).
    factors : (float, float)
        Metres of pyproj's x/y per unit of the row and of the column axis (1000 for km, the
        ``perspective_point_height`` for a geostationary grid's radians).
    """

    attrs: dict
    factors: tuple[float, float]

    def transformer(self, name: str = "") -> pyproj.Transformer:
        """From the projection's metres to longitude, latitude (EPSG:4326).

        Raises
        ------
        ClimannError
            If pyproj cannot read the grid mapping (named ``name``)."""
        attrs = _hashable(self.attrs)
        try:
            _crs(attrs)
        except (pyproj.exceptions.CRSError, KeyError, ValueError) as error:
            raise ClimannError(
                f"cannot read grid mapping '{name}' "
                f"({self.attrs.get('grid_mapping_name', 'no grid_mapping_name')}): {error}{_figure_advice(self.attrs)}"
            ) from None
        return _to_longitude_latitude(attrs)

    def positions(self, rows: np.ndarray, columns: np.ndarray, name: str = "") -> tuple[np.ndarray, np.ndarray]:
        """Latitude and longitude (degrees; NaN off the projection's domain, e.g. beyond a
        geostationary satellite's disk) of the points at ``rows``, ``columns`` in the axes'
        own units, arrays of one shape."""
        longitude, latitude = self.transformer(name).transform(np.asarray(columns, np.float64) * self.factors[1],
                                                              np.asarray(rows, np.float64) * self.factors[0])
        latitude, longitude = np.asarray(latitude, np.float64), np.asarray(longitude, np.float64)
        off = ~np.isfinite(latitude) | ~np.isfinite(longitude)
        return np.where(off, np.nan, latitude), np.where(off, np.nan, longitude)


def _figure_advice(attrs: Mapping[str, object]) -> str:
    """What would let an unreadable well-known text be read past: a CF mapping's figure of the
    Earth (:func:`_read_crs` reads the CF attributes then); empty for other mappings."""
    if not attrs.keys() & WKT_ATTRIBUTES or attrs.get("grid_mapping_name") not in CF_GRID_MAPPINGS \
            or attrs.keys() & FIGURE_ATTRIBUTES:
        return ""
    return ("; its CF attributes give the projection but not the figure of the Earth: add semi_major_axis and "
            "inverse_flattening (or earth_radius) to the mapping, and its CF attributes are read instead")


def crs_from_cf(attrs: Mapping[str, object]) -> pyproj.CRS:
    """``pyproj.CRS.from_cf(attrs)`` (CF conventions section 5.6 and appendix F) of a grid
    mapping's attributes, read once per set of attribute values in a process: pyproj takes up
    to a second to read a mapping with its own figure of the Earth (``earth_radius``,
    ``semi_major_axis`` …), and a run, its figures and its predictions read one mapping many
    times.

    Parameters
    ----------
    attrs : Mapping
        Attribute names and values: text, numbers, or arrays and lists of numbers.

    Returns
    -------
    pyproj.CRS
        The same object for equal attribute values (pyproj's CRS is immutable and thread-safe).

    Raises
    ------
    pyproj.exceptions.CRSError, KeyError, ValueError
        As ``pyproj.CRS.from_cf``, when pyproj cannot read the mapping.
    """
    return _crs(_hashable(dict(attrs)))


def _crs(attrs: tuple) -> pyproj.CRS:
    """:func:`_read_crs`, with a warning (once per run) when it left an unreadable well-known
    text aside."""
    crs, unread = _read_crs(attrs)
    if unread:
        note_once(_log, logging.WARNING, unread, key=("unread wkt", attrs))
    return crs


@functools.lru_cache(maxsize=32)
def _read_crs(attrs: tuple) -> tuple[pyproj.CRS, str | None]:
    """``pyproj.CRS.from_cf`` of grid-mapping attributes given as :func:`_hashable`, and what was
    left unread (None: nothing); kept, since
    it takes a quarter of a second and a run places its grid several times. A well-known text
    pyproj cannot read (:data:`WKT_ATTRIBUTES`) beside CF attributes that define the projection
    on their own (:func:`_cf_defines_projection`) is left aside with a warning, and the CF
    attributes are read (break55c A2: a SMAP conversion's ``crs_wkt`` holding only
    ``PROJCS["WGS 84 / NSIDC EASE-Grid 2.0 Global"]`` refused a file whose
    ``lambert_cylindrical_equal_area`` attributes give EASE-Grid 2.0 exactly)."""
    given = {key: value for key, value in attrs}
    try:
        return pyproj.CRS.from_cf(given), None
    except pyproj.exceptions.CRSError as error:
        cf_only = {key: value for key, value in given.items() if key not in WKT_ATTRIBUTES}
        if len(cf_only) == len(given) or not _cf_defines_projection(cf_only):
            raise
        crs = pyproj.CRS.from_cf(cf_only)
        text = str(error).splitlines()[0] if str(error) else type(error).__name__
        ignored = "/".join(sorted(given.keys() & WKT_ATTRIBUTES))
        return crs, (f"the {ignored} of a {given['grid_mapping_name']} grid mapping cannot be read by pyproj ({text}): "
                     f"it is ignored, and the projection is read from the mapping's CF attributes "
                     f"({_proj_text(crs)})")


def _proj_text(crs: pyproj.CRS) -> str:
    """The PROJ string of ``crs``, to name a projection in one line (pyproj's warning that a PROJ
    string may lose information is for conversions, not for showing it)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return crs.to_proj4()


#: CF attributes giving the figure of the Earth (CF appendix F); pyproj takes WGS 84 without one.
FIGURE_ATTRIBUTES = frozenset({"earth_radius", "semi_major_axis", "reference_ellipsoid_name",
                               "horizontal_datum_name"})


def _cf_defines_projection(attrs: Mapping[str, object]) -> bool:
    """Whether CF grid-mapping ``attrs`` (without well-known text) give a projection by
    themselves: a CF ``grid_mapping_name`` (:data:`CF_GRID_MAPPINGS`) and the figure of the
    Earth (:data:`FIGURE_ATTRIBUTES`), which pyproj would otherwise take to be WGS 84."""
    return attrs.get("grid_mapping_name") in CF_GRID_MAPPINGS and bool(attrs.keys() & FIGURE_ATTRIBUTES)


@functools.lru_cache(maxsize=32)
def _to_longitude_latitude(attrs: tuple) -> pyproj.Transformer:
    """The transformer from the projection of :func:`_crs` ``(attrs)`` to longitude, latitude
    (EPSG:4326); kept, since PROJ's search for the operation takes some 30 ms and a run places
    its grid and its cells several times (pyproj's transformers are thread-safe since 3.1)."""
    return pyproj.Transformer.from_crs(_crs(attrs), "EPSG:4326", always_xy=True)


def _hashable(attrs: dict) -> tuple:
    """Attributes as a sorted tuple of (name, value), arrays as tuples: a key for :func:`_crs`."""
    return tuple(sorted((str(key), value if isinstance(value, str) else
                         (tuple(np.asarray(value).ravel().tolist()) if np.ndim(value) else np.asarray(value).item()))
                        for key, value in attrs.items()))


#: Attributes of a grid mapping holding its CRS as well-known text (CF 1.7 ``crs_wkt``; GDAL's
#: and rioxarray's ``spatial_ref``), which pyproj reads whatever the ``grid_mapping_name``.
WKT_ATTRIBUTES = frozenset({"crs_wkt", "spatial_ref"})


def check_grid_mapping_name(mapping: Coordinate, axes: tuple[xr.DataArray, xr.DataArray]) -> None:
    """Refuse a grid mapping whose ``grid_mapping_name`` is none of CF's (:data:`CF_GRID_MAPPINGS`,
    CF conventions Appendix F), or missing, before its ``axes`` (row, column) are read as a
    projection's: a misspelled ``rotation_latitude_longitude`` made rotated degrees "a
    projected axis with units 'degrees'", a message that names neither the mapping nor the
    fix. The message names the mapping, its name, CF's names and the ``ncatted`` that writes
    the closest of them (:func:`difflib.get_close_matches`, in any case), or a placeholder. A
    mapping that holds its CRS as well-known text (:data:`WKT_ATTRIBUTES`) is not checked:
    pyproj reads that (GDAL writes no CF name for Robinson).

    Raises
    ------
    ClimannError
        If the name is missing or not one of :data:`CF_GRID_MAPPINGS`.
    """
    name = mapping.attrs.get("grid_mapping_name")
    if name in CF_GRID_MAPPINGS or mapping.attrs.keys() & WKT_ATTRIBUTES:
        return  # a CRS in well-known text (GDAL, rioxarray: Robinson has no CF name) is read by pyproj
    close = difflib.get_close_matches(str(name).lower(), CF_GRID_MAPPINGS, n=1) if name is not None else []
    said = f"has grid_mapping_name '{name}'" if name is not None else "has no grid_mapping_name"
    attribute = ncatted_attribute("grid_mapping_name", str(mapping.name), "o", "c", close[0] if close else "NAME")
    command = _edited_copy([attribute], source_and_copy(*axes), "grid_mapping_fixed")
    fix = f"did you mean '{close[0]}'? {command}" if close else f"write the mapping's CF name: {command}"
    raise ClimannError(
        f"grid mapping '{mapping.name}' (of axes '{axes[0].name}', '{axes[1].name}') {said}, which is none of CF's "
        f"(Appendix F: {', '.join(CF_GRID_MAPPINGS)}), so its axes cannot be placed on the Earth; {fix}"
    )


def axis_metres_per_unit(variable: xr.DataArray, mapping: Coordinate) -> float:
    """Metres of pyproj's projection coordinate per unit of the 1-D axis ``variable``: from its
    length ``units`` (:data:`METRES_PER_UNIT` in any case, ``KM``; or any UDUNITS length,
    ``1000 m``, ``10^3 m``, read as other units are; an axis without them is read as metres here, but
    :func:`projection_reading` never reads one so: :func:`_unitless_reading`), or, on a
    ``geostationary`` grid mapping with the axis in radians (CF appendix F: the scanning
    angle), the mapping's ``perspective_point_height`` in metres.

    Raises
    ------
    ClimannError
        If the units are not a length (nor radians on a geostationary grid), or a
        geostationary mapping in radians has no positive ``perspective_point_height``.
    """
    units = str(variable.attrs.get("units", "m")).strip()
    if units.lower() in METRES_PER_UNIT:  # "KM", "Km" too: no other unit is spelt so
        return METRES_PER_UNIT[units.lower()]
    length = _udunits_metres(units)
    if length is not None:
        return length
    geostationary = mapping.attrs.get("grid_mapping_name") == "geostationary"
    if geostationary and units in RADIAN_UNITS:
        height = float(np.asarray(mapping.attrs.get("perspective_point_height", np.nan)))
        if not height > 0:
            raise ClimannError(
                f"projected axis '{variable.name}' is a scanning angle in '{units}' on the geostationary grid mapping "
                f"'{mapping.name}', which has no perspective_point_height (the satellite's height above the "
                f"ellipsoid, m) to turn it into the projection's metres; add it (35786023 m for GOES-R and MSG): "
                + _edited_copy([ncatted_attribute("perspective_point_height", str(mapping.name), "o", "d",
                                                  "35786023")], source_and_copy(variable), "grid_mapping_fixed")
            )
        return height
    expected = "expected a length (m, km, or any UDUNITS length such as '1000 m')"
    if geostationary:
        expected += f", or on this geostationary grid a scanning angle in {' or '.join(RADIAN_UNITS)} (CF appendix F)"
    fix = _edited_copy([ncatted_attribute("units", str(variable.name), "o", "c", "km")], source_and_copy(variable),
                       "axis_units_fixed")
    raise ClimannError(f"projected axis '{variable.name}' has units '{units}'; {expected}: if it is in km, {fix}")


def _udunits_metres(units: str) -> float | None:
    """Metres per unit of a UDUNITS length (``1000 m``, ``10^3 m``, ``100 km``, ``ft``), as
    the units of every other variable are read (:func:`climann.data.units.parse_units`); None
    for anything else."""
    from climann.data.units import parse_units

    try:
        quantity = parse_units(units, variable="")
    except ClimannError:
        return None
    if not quantity.check("[length]"):
        return None
    return float(quantity.to("m").magnitude)


def projection_reading(dataset: xr.Dataset, dims: tuple[str, str], mapping: Coordinate,
                       file_positions: tuple[Coordinate, Coordinate] | None = None) -> ProjectionReading:
    """How pyproj is to read the projected grid on the 1-D axes ``dims`` (row, column).

    The false easting and northing are in the unit of the x/y axes, as CF appendix F says
    (``false_easting`` × :func:`axis_metres_per_unit` metres). With axes in another unit than
    metres (km, a geostationary grid's radians) and a non-zero false origin, the file may
    also mean it in metres (NARR's files do): when the two readings place the grid further
    apart than :func:`_tolerance_km`,

    - with the file's own 2-D latitude and longitude (``file_positions``), the reading that
      places the cells within that tolerance of them is taken (the closer if both do); when
      neither does, the file is refused;
    - without them, a reading that puts no cell on the Earth, or squeezes or stretches the
      grid beyond :data:`PLAUSIBLE_SCALES`, is not a reading; of two left CF's is taken, and
      a warning (once per run) names the places of both and the ``ncatted`` that settles it
      (so it is when only the metres reading is left); with none left the file is refused.

    With a single reading and the file's own latitude and longitude, the two are compared too:
    a mapping that places the cells further from them than the tolerance is refused, since
    the area weights would come from the mapping's corners and the positions from the file.

    Parameters
    ----------
    dataset : xarray.Dataset
    dims : (row, column) dimension names
        1-D projected axes with coordinate values.
    mapping : Coordinate
        The CF grid-mapping variable (its attributes).
    file_positions : (latitude, longitude) Coordinate, optional
        The file's 2-D coordinates, values of shape (n_rows, n_columns) in degrees (NaN
        where a cell has no position).

    Returns
    -------
    ProjectionReading

    Raises
    ------
    ClimannError
        As :func:`axis_metres_per_unit`; if pyproj cannot read the mapping; if the mapping
        and the file's latitude and longitude disagree; if no reading places the grid on the Earth;
        if an axis has no ``units`` and no 2-D latitude and longitude tell its scale
        (:func:`_unitless_reading`).
    """
    unitless = [dim for dim in dims if not str(dataset[dim].attrs.get("units", "")).strip()]
    if unitless:
        return _unitless_reading(dataset, dims, mapping, file_positions, unitless)
    factors = (axis_metres_per_unit(dataset[dims[0]], mapping), axis_metres_per_unit(dataset[dims[1]], mapping))
    readings = _readings(mapping, factors)
    rows, columns = (np.asarray(dataset[dim].values, np.float64) for dim in dims)
    at = _sample(rows.size, columns.size)
    tolerance = _tolerance_km(rows, columns, factors)
    if file_positions is not None:
        return _closest_to_file(dataset, dims, mapping, readings, file_positions, at, tolerance)
    placed = [reading.positions(rows[at[0]], columns[at[1]], mapping.name) for reading in readings]
    if len(readings) == 1:
        if not np.isfinite(placed[0][0]).any():
            raise ClimannError(
                f"grid mapping '{mapping.name}' ({mapping.attrs.get('grid_mapping_name')}) puts none of the grid's "
                f"cells on the Earth ({dims[1]} {columns[0]:g}…{columns[-1]:g}, {dims[0]} {rows[0]:g}…{rows[-1]:g} "
                f"{_units(dataset, dims)}); check its attributes and the axes' units"
            )
        return readings[0]
    scales = [_scale_range(rows[at[0]], columns[at[1]], factors, *where) for where in placed]
    plausible = [k for k, scale in enumerate(scales) if _is_plausible(scale)]
    apart = _largest_distance_km(*placed[0], *placed[1]) > tolerance
    if not plausible or (plausible == [0, 1] and apart) or plausible == [1]:
        said = lambda: _two_readings_text(dataset, dims, mapping, readings, scales, plausible)  # noqa: E731
        if not plausible:
            raise ClimannError(said())
        note_once(_log, logging.WARNING, said, key=("false origin unit", mapping.name, _false_origin(mapping)))
    return readings[plausible[0]]


#: The length units a projected axis without ``units`` may be in, tried against the file's own
#: 2-D latitude and longitude (:func:`_unitless_reading`).
UNITLESS_CANDIDATES = ("m", "km")


def _unitless_reading(dataset: xr.Dataset, dims: tuple[str, str], mapping: Coordinate,
                      file_positions: tuple[Coordinate, Coordinate] | None, unitless: list[str]) -> ProjectionReading:
    """The reading of projected axes of which ``unitless`` have no ``units`` attribute.

    CF (sections 4 and 5.6, appendix F) gives projection coordinates units of length; without
    them the scale is unknown: an Antarctic grid of 64 km cells in km read as metres is a
    1.9 km patch at the pole, and 64 m cells are as much a grid to pyproj. With the file's own
    2-D latitude and longitude, each of :data:`UNITLESS_CANDIDATES` is read as
    :func:`projection_reading` reads axes with those units, and the one that places the cells
    where the file does is taken, said in a note; without them, or when neither does, the
    file is refused.

    Raises
    ------
    ClimannError
        Naming the axes and the ``ncatted`` that gives them units.
    """
    in_file = {dim: str(dataset[dim].encoding.get(FILE_NAME_KEY, dim)) for dim in unitless}  # NSIDC's xgrid
    set_units = [ncatted_attribute("units", in_file[dim], "o", "c", "km") for dim in unitless]
    fix = _edited_copy(set_units, source_and_copy(dataset), "axis_units_fixed")
    names = "/".join(f"'{dim}'" for dim in unitless)
    if file_positions is None:
        raise ClimannError(
            f"projected axis {names} of grid mapping '{mapping.name}' has no units, so the grid's scale, and with it "
            f"where its cells lie and their areas, is unknown (CF appendix F: projection coordinates are lengths); "
            f"give the units in km (or m for metres): {fix}"
        )
    found = []
    for unit in UNITLESS_CANDIDATES:
        with_units = dataset.assign_coords({dim: dataset[dim].assign_attrs(units=unit) for dim in unitless})
        try:
            reading = projection_reading(with_units, dims, mapping, file_positions)
        except ClimannError:
            continue
        rows, columns = (np.asarray(dataset[dim].values, np.float64) for dim in dims)
        latitude, longitude = (np.asarray(c.values, np.float64) for c in file_positions)
        at = _file_sample(latitude, _sample(rows.size, columns.size))
        placed = reading.positions(rows[at[0]], columns[at[1]], mapping.name)
        found.append((_largest_distance_km(*placed, latitude[at], longitude[at]), unit, reading))
    if not found:
        raise ClimannError(
            f"projected axis {names} of grid mapping '{mapping.name}' has no units, and read neither in metres nor in "
            f"km do the cells lie near the file's own '{file_positions[0].name}'/'{file_positions[1].name}'; check the "
            f"grid mapping and give the axes their units in km (or m for metres): {fix}"
        )
    distance, unit, reading = min(found, key=lambda item: item[0])
    note_once(_log, logging.WARNING, (
        f"projected axis {names} of grid mapping '{mapping.name}' has no units: read in {unit}, where the file's own "
        f"'{file_positions[0].name}'/'{file_positions[1].name}' place the cells (within {distance:.1f} km); to say "
        "so in the file: "
        + _edited_copy([ncatted_attribute("units", in_file[dim], "o", "c", unit) for dim in unitless],
                       source_and_copy(dataset), "axis_units_fixed")
    ), key=("unitless projected axes", mapping.name, tuple(unitless)))
    return reading


#: The widest range of scale factors (distance on the Earth over distance on the map) that a
#: reading of a grid may show between its cells: a projection is used where it keeps the scale
#: near 1 (within a factor of 2 over NARR's whole Lambert domain, a polar stereographic
#: hemisphere or a geostationary disk); NARR's false easting in metres read as km squeezes its
#: grid into a few metres by the South Pole (scale 1e-4).
PLAUSIBLE_SCALES = (0.2, 5.0)


def _scale_range(rows: np.ndarray, columns: np.ndarray, factors: tuple[float, float],
                 latitude: np.ndarray, longitude: np.ndarray) -> tuple[float, float] | None:
    """The smallest and largest ratio of distance on the Earth to distance on the map between
    the cells at ``rows``, ``columns`` (the axes' units, shape (k,)) placed at ``latitude``,
    ``longitude``; None when none is on the Earth, (1, 1) when a single one is."""
    on_earth = np.isfinite(latitude)
    if not on_earth.any():
        return None
    y, x = rows[on_earth] * factors[0], columns[on_earth] * factors[1]
    first, second = np.triu_indices(y.size, k=1)
    on_map = np.hypot(y[first] - y[second], x[first] - x[second]) / 1000.0
    apart = on_map > 0
    if not apart.any():
        return 1.0, 1.0
    lat, lon = latitude[on_earth], longitude[on_earth]
    ratios = distance_km(lat[first], lon[first], lat[second], lon[second])[apart] / on_map[apart]
    return float(ratios.min()), float(ratios.max())


def _is_plausible(scale: tuple[float, float] | None) -> bool:
    return scale is not None and PLAUSIBLE_SCALES[0] <= scale[0] and scale[1] <= PLAUSIBLE_SCALES[1]


def _readings(mapping: Coordinate, factors: tuple[float, float]) -> list[ProjectionReading]:
    """CF's reading of the false origin (in the axes' unit) and, where it differs, the one in
    metres: one or two :class:`ProjectionReading`, CF's first."""
    easting, northing = _false_origin(mapping)
    cf = ProjectionReading(_with_false_origin(mapping.attrs, easting * factors[1], northing * factors[0]), factors)
    if factors == (1.0, 1.0) or (easting == 0 and northing == 0):
        return [cf]
    return [cf, ProjectionReading(_with_false_origin(mapping.attrs, easting, northing), factors)]


def _false_origin(mapping: Coordinate) -> tuple[float, float]:
    return tuple(float(np.asarray(mapping.attrs.get(key, 0.0))) for key in ("false_easting", "false_northing"))


def _with_false_origin(attrs: dict, easting: float, northing: float) -> dict:
    changed = dict(attrs)
    if "false_easting" in attrs:
        changed["false_easting"] = easting
    if "false_northing" in attrs:
        changed["false_northing"] = northing
    return changed


def _sample(n_rows: int, n_columns: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices (rows, columns), each shape (k,), of a 5 × 5 lattice of cells over the grid,
    edges included: a few cells suffice to tell readings thousands of km apart."""
    rows = np.unique(np.linspace(0, n_rows - 1, 5).round().astype(int))
    columns = np.unique(np.linspace(0, n_columns - 1, 5).round().astype(int))
    grid_rows, grid_columns = np.meshgrid(rows, columns, indexing="ij")
    return grid_rows.ravel(), grid_columns.ravel()


def _tolerance_km(rows: np.ndarray, columns: np.ndarray, factors: tuple[float, float]) -> float:
    """How far apart two placings of the same cells may be, km: :data:`FIGURE_OF_THE_EARTH_KM`
    plus the largest cell's diagonal in the projection's metres (positions given at the cells'
    corners or on a staggered grid are half a diagonal away; the rest is room for the scale factor)."""
    steps = [np.abs(np.diff(values)).max(initial=0.0) * factor for values, factor in zip((rows, columns), factors)]
    return FIGURE_OF_THE_EARTH_KM + float(np.hypot(*steps)) / 1000.0


def distance_km(latitude_a, longitude_a, latitude_b, longitude_b) -> np.ndarray:
    """Great-circle distance, km, between points given in degrees (any broadcastable shapes),
    on a sphere of :data:`EARTH_RADIUS_KM` (haversine formula); NaN where a point is missing."""
    phi_a, phi_b = np.deg2rad(latitude_a), np.deg2rad(latitude_b)
    half_dphi, half_dlambda = (phi_b - phi_a) / 2, np.deg2rad(np.asarray(longitude_b) - longitude_a) / 2
    haversine = np.sin(half_dphi) ** 2 + np.cos(phi_a) * np.cos(phi_b) * np.sin(half_dlambda) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(haversine, 0.0, 1.0)))


def _largest_distance_km(latitude_a, longitude_a, latitude_b, longitude_b) -> float:
    """The largest distance between two placings of the same cells; infinite where one has a
    position and the other none."""
    distances = distance_km(latitude_a, longitude_a, latitude_b, longitude_b)
    one_missing = np.isnan(latitude_a) != np.isnan(latitude_b)
    return float(np.nanmax(np.where(one_missing, np.inf, distances), initial=0.0))


def _file_sample(latitude: np.ndarray, at: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The cells of the lattice ``at`` where the file gives a position; without any, up to 25
    cells spread over those where it does."""
    known = np.isfinite(latitude[at])
    if known.any():
        return at[0][known], at[1][known]
    placed = np.flatnonzero(np.isfinite(latitude))
    chosen = placed[np.unique(np.linspace(0, placed.size - 1, min(placed.size, 25)).round().astype(int))]
    return np.unravel_index(chosen, latitude.shape) if placed.size else (np.array([], int), np.array([], int))


def _closest_to_file(dataset: xr.Dataset, dims: tuple[str, str], mapping: Coordinate,
                     readings: list[ProjectionReading], file_positions: tuple[Coordinate, Coordinate],
                     at: tuple[np.ndarray, np.ndarray], tolerance: float) -> ProjectionReading:
    """The reading that places the cells within ``tolerance`` km of the file's own latitude
    and longitude (the closer of two); refused when none does (:func:`projection_reading`)."""
    file_latitude, file_longitude = (np.asarray(c.values, np.float64) for c in file_positions)
    at = _file_sample(file_latitude, at)
    if not at[0].size:  # no cell placed by the file: nothing to compare
        return readings[0]
    rows, columns = (np.asarray(dataset[dim].values, np.float64) for dim in dims)
    placed = [reading.positions(rows[at[0]], columns[at[1]], mapping.name) for reading in readings]
    distances = [_largest_distance_km(*where, file_latitude[at], file_longitude[at]) for where in placed]
    best = int(np.argmin(distances))
    if distances[best] <= tolerance:
        if best:
            note_once(_log, logging.INFO, f"grid mapping '{mapping.name}': {_false_origin_text(mapping)} read in "
                      f"metres beside {dims[1]}/{dims[0]} in {_units(dataset, dims)}, not in the axes' unit as CF says "
                      f"(appendix F): so the cells lie where the file's own '{file_positions[0].name}'/"
                      f"'{file_positions[1].name}' place them (within {distances[best]:.1f} km)",
                      key=("false origin in metres", mapping.name))
        return readings[best]
    raise ClimannError(_disagreement_text(dataset, dims, mapping, file_positions, placed[0], at, distances, tolerance))


def _disagreement_text(dataset, dims, mapping, file_positions, placed, at, distances, tolerance) -> str:
    """The refusal of a grid mapping that places the cells far from the file's own latitude and longitude."""
    latitude, longitude = file_positions
    ways_out = (f"correct the grid mapping's attributes, or, if '{latitude.name}'/'{longitude.name}' are right, have "
                "the areas computed from them alone: "
                + _edited_copy([ncatted_attribute("grid_mapping", "", "d")], source_and_copy(dataset),
                               "grid_mapping_removed"))
    names = f"the file's own '{latitude.name}'/'{longitude.name}'"
    beyond = (f"more than the {tolerance:.0f} km that another figure of the Earth and the cell size explain; the "
              "area weights would come from the mapping, the positions from the file")
    if len(distances) == 2:
        units = _units(dataset, dims)
        return (f"grid mapping '{mapping.name}' gives {_false_origin_text(mapping)} beside {dims[1]}/{dims[0]} in "
                f"{units}, and neither reading places the cells near {names}: read in {units} (CF appendix F) they "
                f"lie up to {distances[0]:.0f} km from them, read in metres up to {distances[1]:.0f} km ({beyond}); "
                + ways_out)
    far = np.nan_to_num(distance_km(*placed, latitude.values[at], longitude.values[at]), nan=np.inf)
    k = int(np.argmax(far))
    i, j = at[0][k], at[1][k]
    return (f"grid mapping '{mapping.name}' ({mapping.attrs.get('grid_mapping_name')}) places the cells up to "
            f"{distances[0]:.0f} km from {names} (at {dims[0]}={i}, {dims[1]}={j}: lat, lon {placed[0][k]:.2f}, "
            f"{placed[1][k]:.2f} by the mapping, {latitude.values[i, j]:.2f}, {longitude.values[i, j]:.2f} in the "
            f"file; {beyond}); " + ways_out)


def _two_readings_text(dataset: xr.Dataset, dims: tuple[str, str], mapping: Coordinate,
                       readings: list[ProjectionReading], scales: list, plausible: list[int]) -> str:
    """The warning (or refusal, when neither is plausible) of a false origin that reads two
    ways with no latitude and longitude in the file to decide."""
    rows, columns = np.meshgrid(*(np.asarray(dataset[dim].values, np.float64) for dim in dims), indexing="ij")
    places = [_extent_text(*reading.positions(rows, columns, mapping.name)) + ("" if k in plausible else
              _implausible_text(scales[k])) for k, reading in enumerate(readings)]
    units = _units(dataset, dims)
    factor = readings[0].factors[1], readings[0].factors[0]
    settle = [f"-a {key},{mapping.name},o,d,{float(np.asarray(mapping.attrs[key])) / f:.12g}"
              for key, f in zip(("false_easting", "false_northing"), factor) if key in mapping.attrs]
    said = (f"grid mapping '{mapping.name}' gives {_false_origin_text(mapping)} beside {dims[1]}/{dims[0]} in {units}: "
            f"read in {units}, as CF says (appendix F), the grid lies at {places[0]}; read in metres (as NARR's files "
            f"write them) at {places[1]}")
    if not plausible:
        return f"{said}; check the grid mapping's attributes and the axes' units"
    return (f"{said}; the {(units, 'metres')[plausible[0]]} reading is used, and the file's own 2-D latitude and "
            f"longitude would decide; if metres are meant, write the false origin in the axes' unit, as CF reads it: "
            + _edited_copy(settle, source_and_copy(dataset), "grid_mapping_fixed"))


def _implausible_text(scale: tuple[float, float] | None) -> str:
    if scale is None:
        return ""
    low, high = scale
    ratio = f"{low:.2g}" if low < PLAUSIBLE_SCALES[0] else f"{high:.2g}"
    return f" (no grid: {ratio} km on the Earth for a km on the map)"


def _extent_text(latitude: np.ndarray, longitude: np.ndarray) -> str:
    if not np.isfinite(latitude).any():
        return "no place on the Earth"
    return (f"latitude {np.nanmin(latitude):.2f}…{np.nanmax(latitude):.2f}, "
            f"longitude {np.nanmin(longitude):.2f}…{np.nanmax(longitude):.2f}")


def _false_origin_text(mapping: Coordinate) -> str:
    return " and ".join(f"{key} {float(np.asarray(mapping.attrs[key])):.12g}"
                        for key in ("false_easting", "false_northing") if key in mapping.attrs)


def _units(dataset: xr.Dataset, dims: tuple[str, str]) -> str:
    return str(dataset[dims[1]].attrs.get("units", "m")).strip()


def _edited_copy(attributes: list[str], files: str, folder: str) -> str:
    """The ``ncatted`` that makes ``attributes`` on ``files`` (``IN OUT``, :func:`~climann.data.shell.source_and_copy`),
    the copy of the user's file written into a new folder ``folder`` beside it, named for what the
    copy holds, then the ``--data`` to give in its place (:func:`~climann.data.shell.one_copy_advice`;
    fix56a: ``x_fixed.nc`` beside ``x.nc`` was taken with it by a glob over their folder, and the
    run refused the two files of one variable). Placeholders (``IN.nc OUT.nc``) and a Zarr store
    (changed in place, :func:`~climann.data.shell.attribute_command`) are given the command alone."""
    return one_copy_advice(lambda words: attribute_command(attributes, words), files, folder)
