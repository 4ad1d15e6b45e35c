"""Find the time, latitude and longitude coordinates of a dataset through CF attributes.

Files call their coordinates ``lat``, ``latitude``, ``nav_lat``, … . CF says what
they *are* through ``standard_name``, ``units`` and ``axis``; cf_xarray reads those
attributes (its criteria tables), and its ``guess_coord_axis`` guesses from the names and
the values' type when a file has no attributes. What is specific to climann is kept here as
data tables: which cf_xarray keys mean each kind of coordinate, and which axes are distances
(a projected grid) rather than angles.
"""

from __future__ import annotations

import copy
import functools
import logging
import shlex
import re
import threading
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TypeVar

import cf_xarray  # registers the ``.cf`` accessor
import cf_xarray.options
import dask
import numpy as np
import xarray as xr
from cf_xarray.criteria import coordinate_criteria
from xarray.core.indexing import PandasIndexingAdapter

from climann.data.age_axes import age_along_dimension, age_axis_advice
from climann.data.before_present import years_per_unit
from climann.data.gridless_cells import gridless_cells_message
from climann.data.ncl_initial_times import one_record_dating_advice
from climann.data.notes import note_once
from climann.data.paths import is_zarr_store
from climann.data.phony_dimensions import phony_copy_advice
from climann.data.hdfeos import hdfeos2_grid, hdfeos2_grid_statements
from climann.data.shell import (
    attribute_command, copies_of_files, identifier, input_and_copy, ncatted_attribute, one_copy_advice, python_command,
    source_and_copy, values_command, whole_write, xarray_command,
)
from climann.data.spectral_axes import FREQUENCY_STANDARD_NAMES as FREQUENCY_STANDARD_NAMES
from climann.data.spectral_axes import FREQUENCY_UNITS as FREQUENCY_UNITS
from climann.data.spectral_axes import spectral_reading
from climann.data.spherical_harmonics import harmonic_coefficients_refusal
from climann.data.text_times import text_dates_advice, text_dates_in
from climann.data.zonal_means import ZONAL_MEAN_LONG_NAME
from climann.errors import ClimannError

_log = logging.getLogger(__name__)

#: CF's discrete sampling geometries whose positions are not a grid nor one place (CF 1.8 §9.1,
#: Table 9.1; ``featureType`` is read in any case), in words for the refusal.
MOVING_FEATURE_TYPES = {
    "point": "points, each observation at its own place and time",
    "trajectory": "a trajectory, positions that move in time as a drifter's or ship's track",
    "profile": "profiles, each at its own place and time",
    "trajectoryprofile": "profiles along a trajectory, each at its own place and time",
}

#: For each kind: the cf_xarray coordinate key (standard_name, units, …), then its axis key
#: (``axis`` attribute, rotated-pole ``grid_latitude``, …), strongest evidence first.
CF_KEYS: dict[str, tuple[str, str]] = {
    "time": ("time", "T"),
    "latitude": ("latitude", "Y"),
    "longitude": ("longitude", "X"),
}

#: Examples of names cf_xarray's guess recognises, quoted when nothing is found.
GUESSED_NAMES: dict[str, tuple[str, ...]] = {
    "time": ("time", "t", "valid_time"),
    "latitude": ("lat", "latitude", "nav_lat"),  # not y: a y not in degrees is a grid row (fix37j)
    "longitude": ("lon", "longitude", "nav_lon"),
}

#: Axes of a rotated-pole grid: regular in rotated degrees, a grid axis but not a latitude.
ROTATED_POLE_NAMES: dict[str, str] = {"latitude": "grid_latitude", "longitude": "grid_longitude"}

#: What a 1-D axis that stands for a latitude or longitude is on a grid that is not one.
ROWS_OR_COLUMNS = {"latitude": "rows", "longitude": "columns"}

#: An X or Y axis with one of these standard names or units is a distance on a map
#: projection, not a latitude or longitude.
PROJECTED_STANDARD_NAMES = ("projection_x_coordinate", "projection_y_coordinate")
DISTANCE_UNITS = ("m", "km", "metre", "metres", "meter", "meters")



#: Names that say what a 1-D coordinate is when it has no CF attributes at all, and the range
#: its values must lie in. A time coordinate is recognised by its CF units (decoded to dates),
#: so it is not among them.
BARE_NAMES: dict[str, str] = {"lat": "latitude", "latitude": "latitude", "lon": "longitude", "longitude": "longitude"}
BARE_RANGES: dict[str, tuple[float, float]] = {"latitude": (-90.0, 90.0), "longitude": (-360.0, 360.0)}


def name_kind(name: str) -> str | None:
    """``latitude``, ``longitude`` or None by a name of :data:`BARE_NAMES` or one that starts
    with one of its short forms, in any case (MAR's ``LAT``, MPAS's ``latCell``; not ``long_name``)."""
    lowered = name.lower()
    return BARE_NAMES.get(lowered) or next((BARE_NAMES[short] for short in ("lat", "lon") if lowered.startswith(short)
                                            and not lowered.startswith("long_")), None)


#: Units that say "an angle in degrees" and not which way: MAR's ``LAT``/``LON``, CALIPSO's
#: ``Latitude(time)``.
PLAIN_DEGREES = ("degrees", "degree", "deg", "degs")


#: A name that ends in a latitude's or longitude's word after a separator or a lower-case
#: letter: the position of something (``storm_lat``, ``center_lon``, ``TC_LATITUDE``, ``stormLat``).
_POSITION_SUFFIX = re.compile(r"(?:[_\-. ]|(?-i:(?<=[a-z])(?=[A-Z])))(lat|latitude|lon|long|longitude)$", re.IGNORECASE)


def position_name_kind(name: str) -> str | None:
    """``latitude``, ``longitude`` or None by a name: :func:`name_kind` (``LAT``, ``lat_storm``,
    ``Latitude``), or one that ends in the word after a separator (:data:`_POSITION_SUFFIX`: an
    IBTrACS-like ``storm_lat``, ``storm_lon``, a vortex tracker's ``center_lat``)."""
    suffix = _POSITION_SUFFIX.search(name)
    return name_kind(name) or (None if suffix is None else "latitude" if suffix.group(1).lower().startswith("lat")
                               else "longitude")


def plain_degrees_kind(name: str, variable: xr.DataArray | xr.Variable) -> str | None:
    """``latitude``, ``longitude`` or None: a variable named as one (:func:`position_name_kind`:
    ``Latitude``, ``LAT``, ``storm_lat``) in units that say only ``degrees`` (:data:`PLAIN_DEGREES`),
    with no ``standard_name`` that says otherwise (CALIPSO's ``Latitude(time)``, MAR's ``LAT(y, x)``,
    a storm track's ``storm_lat(time)``)."""
    units = str(variable.attrs.get("units", "")).strip().lower()
    kind = position_name_kind(name)
    return kind if units in PLAIN_DEGREES and kind is not None and variable.attrs.get("standard_name") in (
        None, kind) else None


#: WRF's marks of a variable on a staggered grid (Arakawa C: the wind components between the
#: mass points): a non-empty ``stagger`` attribute ("X", "Y", "Z") and dimensions named
#: ``west_east_stag``, ``south_north_stag``, ``bottom_top_stag`` (WRF User's Guide, ch. 5).
STAGGER_ATTRIBUTE = "stagger"
STAGGERED_DIMENSION_SUFFIX = "_stag"

#: A coordinate along time holding the file's own time stamps when the time coordinate was
#: replaced by the middles of its cells (:func:`climann.data.time_cells.times_at_cell_middles`;
#: absent otherwise). climann's own: never a candidate for the time coordinate.
FILE_TIME_COORDINATE = "climann_file_stamp"

#: The key, in a data variable's ``encoding``, of the files it was read from (paths as given
#: to :func:`climann.data.open.open_dataset`, in their order); read by
#: :func:`climann.data.sources.source_files` (here, below the modules that name files, as this
#: module's advice names them too).
SOURCE_FILES_KEY = "climann_source_files"

#: The ``long_name`` of the time bounds climann gives a forecast statistic of one chosen lead time
#: (:func:`climann.data.forecast_windows.with_window_cells`): cells that end at their stamps, so
#: that a file stamped alike without bounds is not read as ending there too
#: (:mod:`climann.data.time_axes`), and that the warning on their dating calls windows of lead
#: time, not the file's bounds (:mod:`climann.data.time_cells`). Here, below both, so that
#: neither imports the other.
WINDOW_LONG_NAME = "window of the forecast statistic (GRIB stepType, or bounds of the lead time)"

#: The key, in the ``encoding`` of those bounds, of what gives the window in words: the lead
#: time's own CF bounds (``the bounds of the lead time 'lead' (lead_bnds)``) or the GRIB step
#: type (``GRIB_stepType 'avg' and the lead time``), for the warning on their dating
#: (:mod:`climann.data.time_cells`), which credited a CF file's ``lead_bnds`` to a GRIB step type
#: the file did not have (break41c C1).
WINDOW_SOURCE_KEY = "climann_window_source"

#: The attributes that say what a coordinate is (CF and the NetCDF-Java convention).
_IDENTIFYING_ATTRIBUTES = ("standard_name", "units", "axis", "_CoordinateAxisType")


#: How many answers :func:`_by_metadata` keeps (first in, first out).
_KEPT_ANSWERS = 512

_Answer = TypeVar("_Answer")


def _attribute_key(value: object) -> object:
    """An attribute's value as a key: arrays by their type, shape and bytes (their repr
    elides long ones), text as it is (equal exactly when its repr is; most attributes are text,
    and the key is asked some ten thousand times in a test run), anything else by its type and
    repr."""
    if type(value) is str:
        return value
    if isinstance(value, np.ndarray):
        return value.dtype.str, value.shape, value.tobytes()
    return type(value).__name__, repr(value)


#: CF time units (``days since 2001-01-05 00:00:00``, CF-1.8 §4.4): the unit, then a reference
#: date and time of digits and the separators UDUNITS allows (no letter but ISO's T and Z).
_TIME_UNITS = re.compile(r"\s*(\w+)\s+since\s+[-+0-9:.TZ ]+", re.ASCII)


def _units_key(value: object) -> object:
    """A ``units`` attribute as a key: CF time units by their unit alone, any other as
    :func:`_attribute_key`. Nothing that finds a coordinate reads the reference date (cf_xarray
    and :func:`find_coordinate` compare units with lists of whole words: ``degrees_north``,
    ``m``), and a series of daily files gives each its own (``days since 2001-01-05``): keyed by
    it, each file's coordinates were looked for anew (issue 15: 730 files, 33 s in cf_xarray)."""
    matched = _TIME_UNITS.fullmatch(value) if isinstance(value, str) else None
    return ("time units", matched.group(1)) if matched else _attribute_key(value)


def _holds_cftime(variable: xr.Variable) -> bool:
    """Whether a 1-D coordinate of objects holds cftime dates (cf_xarray's guess takes it for a
    time by that): its first value is read, nothing more."""
    return variable.size > 0 and hasattr(_first_value(variable), "calendar")


def _first_value(variable: xr.Variable) -> object:
    """The first value of a 1-D variable: an index coordinate's (a MultiIndex level's too) from
    its pandas index, a sixth of the cost of a one-value variable, and asked of every dataset's
    time; any other's as ``variable[:1]``, which reads that value alone from a lazy file."""
    if isinstance(variable, xr.IndexVariable):
        held = getattr(variable, "_data", None)
        if type(held) is PandasIndexingAdapter:  # its own pandas index, as ``to_index`` gives it less its name
            return held.array[0]
        return variable.to_index()[0]  # a MultiIndex level: its values of that level
    return np.asarray(variable[:1].values)[0]


def _variable_key(name: Hashable, variable: xr.Variable, coordinates: set, indexes: set,
                  units_key: Callable[[object], object]) -> tuple:
    """One variable's part of :func:`_metadata_key` (list comprehensions, not generators: the
    key is asked some ten thousand times in a test run; the type read once, no pint units None)."""
    dtype = variable.dtype
    units = getattr(getattr(variable, "_data", None), "units", None)  # pint units
    return (name, name in coordinates, name in indexes, variable.dims, dtype.str,
            tuple([(key, units_key(value) if key == "units" else _attribute_key(value))
                   for key, value in variable.attrs.items()]),
            str(variable.encoding.get("coordinates", "")),
            None if units is None else _attribute_key(units),
            dtype.kind == "O" and variable.ndim == 1 and name in coordinates and _holds_cftime(variable))


def _metadata_key(dataset: xr.Dataset) -> tuple:
    """Everything :func:`find_coordinate` and cf_xarray read to find a dataset's coordinates:
    each variable's name, whether it is a coordinate and an index, its dimensions, type,
    attributes, ``coordinates`` encoding and pint units (for a 1-D coordinate of objects,
    whether it holds dates), the dataset's own ``coordinates`` attribute and encoding as
    given (cf_xarray splits them on spaces only; an empty attribute hides the encoding), and
    cf_xarray's ``custom_criteria`` option; CF time units by their unit alone (:func:`_units_key`)
    unless custom criteria are set. Of the values, only the first of each 1-D
    coordinate of objects is read (from its file when it is lazy), as cf_xarray's guess reads
    it."""
    # views of the names (sets of them cost a third of the key)
    coordinates, indexes = dataset.coords.keys(), dataset.xindexes.keys()
    # a custom criterion may be a pattern on units: then the reference date is read too
    units_key = _attribute_key if cf_xarray.options.OPTIONS["custom_criteria"] else _units_key
    return (
        repr(cf_xarray.options.OPTIONS["custom_criteria"]),
        tuple([("coordinates" in where, _attribute_key(where.get("coordinates")))
               for where in (dataset.attrs, dataset.encoding)]),
        tuple([_variable_key(name, variable, coordinates, indexes, units_key)
               for name, variable in dataset.variables.items()]),
    )


def _by_metadata(find: Callable[..., _Answer]) -> Callable[..., _Answer]:
    """``find(dataset, *args)`` answered once for each :func:`_metadata_key` of the dataset:
    a run asks for a dataset's coordinates some thousand times, of datasets that differ in
    their values only (a block, a subset, a file of a series), and each question cost
    cf_xarray a scan of every variable (its criteria read attributes only). Refusals are not
    kept: they are asked again, and raised again."""
    answers: dict[tuple, _Answer] = {}
    lock = threading.Lock()  # dask's threads may ask too

    @functools.wraps(find)
    def remembered(dataset: xr.Dataset, *args):
        key = (_metadata_key(dataset), args)
        with lock:
            if key in answers:
                return copy.deepcopy(answers[key])
        answer = find(dataset, *args)
        with lock:
            if len(answers) >= _KEPT_ANSWERS:
                answers.pop(next(iter(answers)))
            answers[key] = answer
        return copy.deepcopy(answer)

    remembered.answers = answers  # type: ignore[attr-defined]
    return remembered


def bare_coordinates(dataset: xr.Dataset) -> dict[str, str]:
    """The 1-D coordinates known only by their name: ``lat``/``latitude``/``lon``/``longitude``
    (any case) with none of the identifying attributes and values in degrees' range.

    :func:`find_coordinate` finds them by name (cf_xarray's guess); this says which they
    are, for a note to the user that the file does not say so itself.

    Returns
    -------
    dict of str to str
        Coordinate name → the kind it is taken as (``latitude`` or ``longitude``).
    """
    recognised = {}
    for name in dataset.coords:
        variable, kind = dataset[name], BARE_NAMES.get(str(name).lower())
        if kind is None or variable.dims != (name,) or any(key in variable.attrs for key in _IDENTIFYING_ATTRIBUTES):
            continue
        low, high = BARE_RANGES[kind]
        values = np.asarray(variable.values)
        if np.issubdtype(values.dtype, np.number) and values.size and low <= values.min() and values.max() <= high:
            recognised[str(name)] = kind
    return recognised


def named_coordinates(variable: xr.DataArray | xr.Variable) -> list[str]:
    """The names in a variable's CF ``coordinates`` attribute (CF 1.8 §5: its auxiliary
    coordinates), read from its attributes or, once xarray has decoded them, its encoding;
    in the attribute's order, each once."""
    sources = (variable.attrs, variable.encoding)
    return list(dict.fromkeys(word for source in sources for word in str(source.get("coordinates", "")).split()))


def _is_projected(variable: xr.DataArray) -> bool:
    return (
        variable.attrs.get("standard_name") in PROJECTED_STANDARD_NAMES
        or str(variable.attrs.get("units", "")).strip() in DISTANCE_UNITS
    )


def _single(dataset: xr.Dataset, kind: str, names: list[str], *, guessed: bool = False) -> str:
    """The one candidate, or among several the one with a CF standard_name; refused when
    none or several have one (as named in the refusal). ``guessed``: the standard names are
    cf_xarray's guess (:func:`_guessed_axes`), from names and decoded values, not the file's."""
    named = [name for name in names if "standard_name" in dataset[name].attrs]
    if len(names) > 1 and len(named) == 1:
        names = named
    if len(named) > 1:  # the CF attributes say each is one: no advice to add one
        said = "each by its name or values (no CF standard_name)" if guessed else "each by its CF standard_name"
        raise ClimannError(
            f"several coordinates look like {kind} ({', '.join(names)}), {said}, so which "
            f"one is meant cannot be told; keep the variables of one ({_one_copy_per_axis(dataset, names)}), or, if "
            f"two files name one grid so, give them one name ({_one_name_renames(dataset, kind, names)})"
        )
    if len(names) > 1:
        raise ClimannError(
            f"several coordinates look like {kind} ({', '.join(names)}); "
            "give the right one a CF standard_name"
        )
    return names[0]


def _one_copy_per_axis(dataset: xr.Dataset, names: list[str]) -> str:
    """For a file that holds several coordinates of one kind (``names``), the ``ncks -v`` lines
    that write one copy of it per coordinate, each with the data variables on it (by dimension or
    CF ``coordinates``), and the coordinates those name (NCO adds them itself only in a file whose
    ``Conventions`` say CF), each into a new folder beside the file it was read from
    (:func:`_axis_folder`), with the ``--data`` to give; words when that file, or the variables of
    a coordinate, are not known (fix44d: was ``ncks -v VARIABLES IN.nc OUT.nc``)."""
    source = str(dataset[names[0]].encoding.get("source", "")).strip()
    on = {name: [str(variable) for variable, values in dataset.data_vars.items()
                 if name in values.dims or name in named_coordinates(values)] for name in names}
    if not source or not all(on.values()) or is_zarr_store(source):
        return ("a file holding both: one copy per coordinate with the variables on it, written with ncks -v and "
                "their names")
    dims = {dataset[name].dims for name in names}
    if len(dims) == 1 and len(next(iter(dims))) == 1:  # times of one dimension's steps (WRF's Time and XTIME)
        # each copy without the others: ncks -v keeps a dimension's coordinate and those the variables
        # name, so both lines kept both (break49c A2); -C: none added back
        lines = [one_copy_advice(lambda files, name=name: f"`ncks -C -x -v "
                                 f"{shlex.quote(','.join(other for other in names if other != name))} {files}`",
                                 input_and_copy(source, identifier(name)), _axis_folder(name)) for name in names]
        return f"a file holding both: one copy per coordinate, {' and '.join(lines)}"
    kept = {name: [*on[name], *(linked for variable in on[name] for linked in named_coordinates(dataset[variable])
                                if linked in dataset.variables), name] for name in names}
    lines = [one_copy_advice(lambda files, name=name: f"`ncks -v {shlex.quote(','.join(dict.fromkeys(kept[name])))} "
                                                      f"{files}`", input_and_copy(source, identifier(name)),
                             _axis_folder(name)) for name in names]
    return f"a file holding both: one copy per coordinate, {' and '.join(lines)}"


def _axis_folder(name: str) -> str:
    """The new folder of the copy of a file that keeps the coordinate ``name`` alone
    (:func:`_one_copy_per_axis`): ``with_XTIME``, one per coordinate (fix56a: each copy was written
    beside the file, ``wrf_XTIME.nc``, and a glob over their folder took the three)."""
    return f"with_{identifier(name)}"


def _one_name_renames(dataset: xr.Dataset, kind: str, names: list[str]) -> str:
    """The ``--rename`` options that give the last of ``names`` the first's name, in the file
    it was read from (its ``encoding["source"]``, else ``FILE``), and likewise the other
    horizontal kind's when it too has several with a CF standard_name of the same number of
    dimensions: the CDR's ``latitude``/``longitude`` beside ERA5's ``lat``/``lon`` differ in
    both, and a rename of the latitude alone was refused next (break43a A1)."""
    pairs = [(names[-1], names[0])]
    other = {"latitude": "longitude", "longitude": "latitude"}.get(kind)
    if other is not None:
        ndim = dataset[names[0]].ndim
        others = [str(name) for name in dataset.cf.coordinates.get(other, [])
                  if dataset[name].ndim == ndim and "standard_name" in dataset[name].attrs]
        if len(others) > 1:
            pairs.append((others[-1], others[0]))
    options = []
    for old, new in pairs:
        source = str(dataset[old].encoding.get("source", "")).strip()
        file = Path(source).name if source else "FILE"
        option = f"{file}:{old}={new}"
        options.append(f"--rename '{option}'" if "'" not in option else f"--rename {shlex.quote(option)}")
    return " ".join(options)


def is_frequency(variable: xr.DataArray | xr.Variable) -> bool:
    """Whether a coordinate is a frequency by its CF ``standard_name``, ``units`` or
    ``long_name`` (:func:`climann.data.spectral_axes.is_frequency`): never a latitude or
    longitude, whatever its ``axis``.

    Examples
    --------
    >>> is_frequency(xr.Variable("frequency", [0.04, 0.05], {"units": "s-1", "axis": "Y"}))
    True
    """
    reading = spectral_reading(variable.attrs)
    return reading is not None and reading[0] == "frequency"


def is_spectral_axis(variable: xr.DataArray | xr.Variable) -> bool:
    """Whether a coordinate is a spectrum's frequency, direction, wavelength, wavenumber or band
    (:func:`climann.data.spectral_axes.spectral_reading`): never a latitude or longitude,
    whatever its ``axis`` (WAVEWATCH III's ``direction:axis = "X"`` in degrees, break43c A3)."""
    return spectral_reading(variable.attrs) is not None


def _horizontal_by_axis(dataset: xr.Dataset, kind: str, names: list[str]) -> list[str]:
    """Of the coordinates ``names`` that cf_xarray finds by their ``axis`` (Y or X), those that
    may be a geographic ``kind``: no rotated or projected axis (:func:`is_grid_axis`) and no
    spectral axis (:func:`is_spectral_axis`: a frequency, a direction), whose ``axis`` is
    overridden with a note at INFO."""
    overridden = [name for name in names if is_spectral_axis(dataset[name])]
    for name in overridden:
        axis = dataset[name].attrs.get("axis", CF_KEYS[kind][1])
        spectral, said = spectral_reading(dataset[name].attrs)
        note_once(_log, logging.INFO,
                  f"'{name}' has axis = \"{axis}\" but is a {spectral} by {said}, not a {kind}: its axis attribute "
                  "is overridden, and it is not taken as a horizontal axis (it is an extra dimension, chosen "
                  f"with --select {name}=VALUE)",
                  key=(__name__, "spectral axis", name, kind))
    return [name for name in names if not is_grid_axis(dataset[name]) and name not in overridden
            and (_angular(dataset[name]) or name_kind(name) == kind)]


def _angular(variable: xr.DataArray) -> bool:
    """Whether a coordinate's ``units`` are degrees (``degrees``, ``degree_N``, ``deg``, ``°``…).

    An axis found by its ``axis`` attribute alone (or by cf_xarray's guess from a name like
    ``y``: axis Y, nothing more) is a latitude or longitude only in degrees, or when its name
    says so (``lat``): CF gives a latitude units of degrees_north (section 4.1). A unitless ``y``
    of 0, 1, 2 (grid rows, or a projection's y without its units) was described by ``climann
    info`` as "latitude 'y' … every 1°" and weighed by cos(y°) (fix37j)."""
    units = str(variable.attrs.get("units", "")).strip().lower()
    return units.startswith("deg") or units.startswith("°")


def is_grid_axis(variable: xr.DataArray) -> bool:
    """Whether a 1-D coordinate is a rotated-pole or projected axis: regular on the map, not a latitude."""
    return _is_projected(variable) or variable.attrs.get("standard_name") in ROTATED_POLE_NAMES.values()


def _choose(dataset: xr.Dataset, kind: str, ndim: int = 1, *, guessed: bool = False) -> str | None:
    """The geographic coordinate of ``kind`` with ``ndim`` dimensions (1: an axis, 0: a scalar
    coordinate) found by cf_xarray's criteria, or None (``guessed``: see :func:`_single`)."""
    candidates = _candidates(dataset, kind, ndim)
    return _single(dataset, kind, candidates, guessed=guessed) if candidates else None


@_by_metadata
def _cf_keys(dataset: xr.Dataset) -> tuple[dict[str, list], dict[str, list]]:
    """``dataset.cf.coordinates`` and ``dataset.cf.axes``, found once for each
    :func:`_metadata_key` of the dataset: each is a scan of every variable's attributes, and
    a dataset's coordinates of each kind, its 2-D positions and its map axes asked them anew."""
    return dict(dataset.cf.coordinates), dict(dataset.cf.axes)


def _candidates(dataset: xr.Dataset, kind: str, ndim: int = 1) -> list[str]:
    """The coordinates of ``kind`` with ``ndim`` dimensions that cf_xarray's criteria find, by
    the strongest evidence any of them has (standard_name or units, then axis); empty when none."""
    coordinate_key, axis_key = CF_KEYS[kind]
    coordinates, axes = _cf_keys(dataset)
    by_attributes = [str(n) for n in coordinates.get(coordinate_key, [])]
    by_axis = [str(n) for n in axes.get(axis_key, [])]
    if kind != "time":
        by_axis = _horizontal_by_axis(dataset, kind, by_axis)
    # units of years before present (a core's age in "ka BP") say time as "since" does (see
    # climann.data.before_present): the axis is then refused with the command that dates it, not
    # offered as an extra dimension to pick one sample of; the weakest evidence, after axis
    by_units = _before_present_axes(dataset) if kind == "time" else []
    # the cell bounds of a scalar coordinate are 1-D, and the guess takes ``lat_bnds`` for a latitude
    bounds = {str(variable.attrs.get("bounds")) for variable in dataset.variables.values()}
    for names in (by_attributes, by_axis, by_units):
        candidates = [name for name in names
                      if dataset[name].ndim == ndim and name != FILE_TIME_COORDINATE and name not in bounds]
        if candidates:
            return candidates
    return []


def _before_present_axes(dataset: xr.Dataset) -> list[str]:
    """The dimension coordinates whose units count years before present (``age(age)`` in
    ``"ka BP"``, ``"cal yr BP"``: :func:`~climann.data.before_present.years_per_unit`), whatever
    their ``axis`` or ``standard_name``."""
    return [str(name) for name, coordinate in dataset.coords.items()
            if coordinate.dims == (name,) and years_per_unit(str(coordinate.attrs.get("units", ""))) is not None]


@_by_metadata
def one_dimensional_candidates(dataset: xr.Dataset) -> dict[str, list[str]]:
    """The 1-D latitude and longitude axes of ``dataset`` (each its own dimension's coordinate),
    as :func:`find_coordinate` looks for them but all of them: kind → names, a kind without any
    left out. Several of a kind are the axes of a grid with more than one set of points (CESM
    CAM-FV's ``lat``/``slat``, GFDL MOM's ``yt_ocean``/``yu_ocean``; see
    :mod:`climann.data.grid_points`)."""
    found = {}
    for kind in ("latitude", "longitude"):
        names = _candidates(dataset, kind) or _candidates(_guessed_axes(dataset), kind)
        names = [name for name in names if dataset[name].dims == (name,) and not is_grid_axis(dataset[name])]
        if names:
            found[kind] = names
    return found


@_by_metadata
def scalar_coordinate(dataset: xr.Dataset, kind: str) -> str | None:
    """Name of the scalar (0-D, one value) coordinate of ``kind``, or None.

    A station series or one cell cut out of a grid has its latitude and longitude as CF scalar
    coordinate variables (CF conventions 1.8 §5.7): found as :func:`find_coordinate` finds a
    1-D one, by ``standard_name``, ``units``, ``axis``, then by cf_xarray's guess from the name.

    Raises
    ------
    ClimannError
        If several are equally good.
    """
    return _choose(dataset, kind, ndim=0) or _choose(_guessed_axes(dataset), kind, ndim=0)


def is_staggered(variable: xr.DataArray) -> bool:
    """Whether a variable lies on a WRF staggered grid (:data:`STAGGER_ATTRIBUTE` not empty,
    or a dimension ending in :data:`STAGGERED_DIMENSION_SUFFIX`), not on the mass points."""
    return bool(str(variable.attrs.get(STAGGER_ATTRIBUTE, "")).strip()) or any(
        str(dim).endswith(STAGGERED_DIMENSION_SUFFIX) for dim in variable.dims
    )


@_by_metadata
def two_dimensional_coordinates(dataset: xr.Dataset) -> tuple[str, str] | None:
    """Names of the 2-D latitude and longitude (auxiliary coordinates of a curvilinear or
    rotated-pole grid, found by CF ``standard_name``/``units``), or None when there are none.

    Of several, those of WRF's staggered grids (``XLAT_U``, ``XLAT_V``, see
    :func:`is_staggered`) are left out: the grid is that of the mass points (``XLAT``).

    Raises
    ------
    ClimannError
        If only one of them is 2-D, or they lie on different dimensions.
    """
    found = {}
    for kind, names in two_dimensional_candidates(dataset).items():
        named = [name for name in names if name in _named_by_data_variables(dataset)]
        if len(names) > 1 and len(named) == 1:
            names = named
        if len(names) > 1 and all("standard_name" not in dataset[name].attrs for name in names):
            raise ClimannError(_several_points_message(dataset, kind, names))
        found[kind] = _single(dataset, kind, names)
    if not found:
        return None
    if len(found) == 1 or dataset[found["latitude"]].dims != dataset[found["longitude"]].dims:
        shapes = ", ".join(f"{name} {tuple(map(str, dataset[name].dims))}" for name in found.values())
        raise ClimannError(
            f"the 2-D latitude and longitude do not match ({shapes}): a curvilinear grid needs both, "
            "on the same two dimensions"
        )
    return found["latitude"], found["longitude"]


@_by_metadata
def two_dimensional_candidates(dataset: xr.Dataset) -> dict[str, list[str]]:
    """The 2-D latitudes and longitudes of ``dataset`` by CF ``standard_name`` or ``units``
    (bounds left out; of several, WRF's staggered ones too, :func:`is_staggered`): kind →
    names, a kind without any left out. Several of a kind are the points of a grid with more
    than one set (POP's ``TLAT`` and ``ULAT``; see :mod:`climann.data.grid_points`)."""
    found = {}
    bounds = bounds_names(dataset)
    for kind in ("latitude", "longitude"):
        names = [str(n) for n in _cf_keys(dataset)[0].get(kind, []) if dataset[n].ndim == 2 and n not in bounds]
        unstaggered = [name for name in names if not is_staggered(dataset[name])]
        names = unstaggered if len(names) > 1 and unstaggered else names
        if names:
            found[kind] = names
    return found


def _named_by_data_variables(dataset: xr.Dataset) -> set[str]:
    """The names that the data variables (not bounds) give in their ``coordinates`` attributes."""
    bounds = bounds_names(dataset)
    return {coordinate for name, variable in dataset.data_vars.items() if name not in bounds
            for coordinate in named_coordinates(variable)}


def _several_points_message(dataset: xr.Dataset, kind: str, names: list[str]) -> str:
    """Why the 2-D ``kind`` is not known (several, none with a CF standard_name, and the data
    variables name several or none of them), with the ``ncatted`` line that gives the first
    pair its CF standard names (the file then says which is its grid)."""
    bounds = bounds_names(dataset)
    on = {name: [str(variable) for variable, values in dataset.data_vars.items()
                 if variable not in bounds and name in named_coordinates(values)] for name in names}
    said = "; ".join(f"{name}: {', '.join(variables)}" for name, variables in on.items() if variables)
    pair = {kind: names[0]}
    others = two_dimensional_candidates(dataset).get("longitude" if kind == "latitude" else "latitude", [])
    partner = next((other for other in others if dataset[other].dims == dataset[names[0]].dims
                    and any(other in named_coordinates(values) and names[0] in named_coordinates(values)
                            for values in dataset.data_vars.values())), others[0] if others else None)
    if partner is not None:
        pair["longitude" if kind == "latitude" else "latitude"] = partner
    named = [ncatted_attribute("standard_name", name, "o", "c", which) for which, name in sorted(pair.items(),
                                                                                                reverse=True)]
    # the copy in a new folder (fix56a: beside the file, a glob over their folder took both)
    fix = one_copy_advice(lambda files: attribute_command(named, files), source_and_copy(dataset),
                          "standard_names_set")
    return (f"several 2-D coordinates look like {kind} ({', '.join(names)}): the points of a grid with more than one "
            f"set (as CESM POP's T and U points), named by the variables' coordinates attributes "
            f"({said or 'by none'}); a run takes its target's, or the one with a CF standard_name: say which is the "
            f"grid's, e.g. {fix}")


def grid_mapping_names(dataset: xr.Dataset) -> list[str]:
    """The grid-mapping variables the data variables refer to (CF ``grid_mapping``, also in
    its extended form ``"crs: x y"``) that are in ``dataset``, in order of first mention."""
    names: dict[str, None] = {}
    for variable in dataset.data_vars.values():
        if "grid_mapping" in variable.attrs:
            names[str(variable.attrs["grid_mapping"]).split(":")[0].strip()] = None
    return [name for name in names if name in dataset.variables]


def is_geographic_mapping(variable: xr.DataArray) -> bool:
    """Whether a grid-mapping variable maps plain latitude and longitude (``latitude_longitude``)."""
    return variable.attrs.get("grid_mapping_name") == "latitude_longitude"


def _mapped_axis(dataset: xr.Dataset, kind: str) -> str | None:
    """The 1-D rotated-pole or projected axis of ``kind`` (row axis for latitude, column axis
    for longitude), or None. It is only a grid axis when a grid mapping says where it lies."""
    axis_key = CF_KEYS[kind][1]
    names = [str(n) for n in _cf_keys(dataset)[1].get(axis_key, []) if dataset[n].ndim == 1]
    names += [
        str(name) for name, variable in dataset.coords.items()
        if variable.ndim == 1 and variable.attrs.get("standard_name") in (
            ROTATED_POLE_NAMES[kind], PROJECTED_STANDARD_NAMES[0 if kind == "longitude" else 1]
        )
    ]
    names = list(dict.fromkeys(name for name in names if is_grid_axis(dataset[name])))
    if not names:
        return None
    mappings = [name for name in grid_mapping_names(dataset) if not is_geographic_mapping(dataset[name])]
    if not mappings:
        raise ClimannError(
            f"'{names[0]}' is a rotated-pole or projected axis (the grid's {ROWS_OR_COLUMNS[kind]}, not a {kind}), but "
            "the file has neither 2-D "
            "latitude/longitude coordinates nor a grid mapping saying where it lies; add either "
            "(e.g. with cdo setgrid) or regrid to a latitude-longitude grid"
        )
    return _single(dataset, kind, names)


def find_coordinate(dataset: xr.Dataset, kind: str) -> str:
    """Name of the 1-D coordinate of ``kind`` (``time``, ``latitude`` or ``longitude``).

    On a curvilinear or rotated-pole grid (2-D latitude and longitude, see
    :func:`two_dimensional_coordinates`) "latitude" and "longitude" are the grid's row and
    column dimensions, the first and second dimension of the 2-D latitude (``rlat``/``rlon``,
    or index-only ``y``/``x``); with a grid mapping and no 2-D coordinates they are its 1-D
    rotated or projected axes (``axis`` Y and X). Their geographic position is then found by
    :func:`climann.data.grids.geographic_grid`, never taken from these axes.

    The coordinate is found through cf_xarray: first by ``standard_name``, ``units`` (e.g.
    ``degrees_north``) or ``_CoordinateAxisType``, then by ``axis`` (``Y``, in degrees or
    named like a latitude: :func:`_angular`) or a rotated-pole ``grid_latitude``; a file
    without such attributes falls back to ``dataset.cf.guess_coord_axis()`` (names like
    ``lat``, ``nav_lat``; times by their decoded type, since decoding moves a time's ``units``
    into its encoding). A ``y`` not in degrees is a grid's rows, refused without a grid mapping
    or 2-D latitude and longitude (:func:`_unplaced_map_axes`).

    Parameters
    ----------
    dataset : xarray.Dataset
        An opened dataset (not modified).
    kind : str
        One of the keys of :data:`CF_KEYS`.

    Returns
    -------
    str
        The coordinate's name in ``dataset``.

    Raises
    ------
    ClimannError
        If no 1-D coordinate matches, several equally good ones do, or the axes are rotated
        or projected and nothing says where they lie.

    Examples
    --------
    >>> dataset = xr.Dataset(coords={"nav_lat": ("nav_lat", [-45.0, 45.0])})
    >>> find_coordinate(dataset, "latitude")
    'nav_lat'
    """
    found = _found_coordinate(dataset, kind)
    if found is None:
        raise ClimannError(_not_found_message(dataset, kind))
    return found


@_by_metadata
def _found_coordinate(dataset: xr.Dataset, kind: str) -> str | None:
    """:func:`find_coordinate`'s coordinate, or None when there is none."""
    if kind != "time" and (tiled := tiled_coordinates(dataset)) is not None:
        raise ClimannError(_tiled_message(dataset, *tiled))
    if kind != "time":
        two_dimensional = two_dimensional_coordinates(dataset)
        if two_dimensional is not None:
            return str(dataset[two_dimensional[0]].dims[0 if kind == "latitude" else 1])
    found = _choose(dataset, kind)
    if found is None and kind != "time":
        found = _mapped_axis(dataset, kind)
    if found is None:
        found = _choose(_guessed_axes(dataset), kind, guessed=True)
    return found


def _guessed_axes(dataset: xr.Dataset) -> xr.Dataset:
    """``dataset.cf.guess_coord_axis()``: a shallow copy whose coordinates have the attributes
    cf_xarray's guess gives them from their names and the type of their values (``axis``,
    ``standard_name``, ``units`` …), guessed once for each :func:`_metadata_key`.

    cf_xarray's guess scans every variable's attributes again for each coordinate and each of
    its patterns (tens of milliseconds for a file of a dozen variables), and a dataset's time,
    latitude, longitude and scalar coordinates were each guessed anew, of every file and block
    of a run: the guess depends on the metadata alone, so the attributes it adds are kept
    (:func:`_guessed_attributes`) and put on a shallow copy, as the guess itself does.

    Parameters
    ----------
    dataset : xarray.Dataset
        Not modified.

    Returns
    -------
    xarray.Dataset
        A shallow copy (the same data) with the guessed attributes.
    """
    guessed = dataset.copy(deep=False)
    for name, attributes in _guessed_attributes(dataset).items():
        guessed[name].attrs = attributes
    return guessed


@_by_metadata
def _guessed_attributes(dataset: xr.Dataset) -> dict[str, dict]:
    """The coordinates to which ``dataset.cf.guess_coord_axis()`` adds attributes, each with all
    its attributes after the guess (which only adds: a coordinate's own attributes are kept)."""
    guessed = dataset.cf.guess_coord_axis()
    return {str(name): dict(guessed[name].attrs) for name in guessed.coords
            if set(guessed[name].attrs) != set(dataset[name].attrs)}


def tiled_coordinates(dataset: xr.Dataset) -> tuple[str, str, tuple[str, ...]] | None:
    """The latitude and longitude of a grid made of tiles, and the dimensions that number the
    tiles; None for any other grid.

    A tiled grid stores its latitude and longitude with more than two dimensions besides time:
    MITgcm's and ECCO's lat-lon-cap grid (``XC``/``YC`` on ``(tile, j, i)``, 13 tiles; ECCO v4
    release 4 native files) and cubed-sphere output (GEOS's ``lats``/``lons`` on
    ``(nf, Ydim, Xdim)``, 6 faces). Each tile is a curvilinear grid of rows and columns (its
    last two dimensions); the tiles together are not one. Found by CF ``standard_name`` or
    ``units`` (``degrees_north``…), coordinate or data variable; a latitude repeated along
    time is not tiled (see :func:`fixed_in_time`).

    Returns
    -------
    tuple of (str, str, tuple of str) or None
        The latitude's and the longitude's names and the dimensions before their last two
        (``("tile",)``).
    """
    time_dim = _found_time_dimension(dataset)
    bounds = bounds_names(dataset)
    found: dict[str, str] = {}
    for name, variable in dataset.variables.items():
        if name in bounds or len([dim for dim in variable.dims if dim != time_dim]) < 3:
            continue
        for kind in geographic_kinds(variable):
            found.setdefault(kind, str(name))
    if len(found) < 2:
        return None
    latitude = dataset[found["latitude"]]
    # the corners of a curvilinear grid's cells (CMIP's vertices_latitude(j, i, vertices) in
    # degrees_north, its bounds attribute lost) lie on a dimension that no data variable has
    on_data = any(set(latitude.dims) <= set(variable.dims) for name, variable in dataset.data_vars.items()
                  if name not in found.values() and name not in bounds)
    if dataset[found["longitude"]].dims != latitude.dims or not on_data:
        return None
    tiles = tuple(str(dim) for dim in latitude.dims[:-2] if dim != time_dim)
    return found["latitude"], found["longitude"], tiles


def _tiled_message(dataset: xr.Dataset, latitude: str, longitude: str, tiles: tuple[str, ...]) -> str:
    """The refusal of a tiled grid (:func:`tiled_coordinates`) with its two ways out."""
    dims = tuple(map(str, dataset[latitude].dims))
    counts = " × ".join(str(dataset.sizes[dim]) for dim in tiles) + f" tiles (along {', '.join(tiles)})"
    rows, columns = (dataset.sizes[dim] for dim in dims[-2:])
    choose = " ".join(f"--select {dim}=VALUE" for dim in tiles)
    return (
        f"latitude '{latitude}' and longitude '{longitude}' lie on {dims}: a grid of {counts} of "
        f"{rows} × {columns} cells (a lat-lon-cap grid such as MITgcm's and ECCO's, or a cubed sphere), not one "
        f"grid of rows and columns; each tile is one: choose a tile with {choose} (in a config, select = "
        f"{{{', '.join(f'{dim} = VALUE' for dim in tiles)}}}), or regrid the tiles to a latitude-longitude grid "
        "first (e.g. ecco_v4_py's resample_to_latlon or xESMF)"
    )


def _scalar_coordinate_message(dataset: xr.Dataset, kind: str, scalar: str) -> str:
    """The refusal of a scalar coordinate where an axis is looked for, naming its file. Where other
    files' variables hold no position beside a file at one place (a gauge's CF scalar ``lat``, read
    alone as a station, beside a cut cell whose latitude lost its units and then, to cdo, itself:
    break44a A3), it is those files that are named, with the line that gives them the place's
    latitude and longitude with their units."""
    def files(variable: xr.DataArray) -> tuple[str, ...]:  # the file each variable was opened from
        return (str(variable.encoding["source"]),) if variable.encoding.get("source") else ()

    holders = files(dataset[scalar])
    own = f" of {', '.join(Path(file).name for file in holders)}" if holders else ""
    value = dataset[scalar].values
    unplaced = list(dict.fromkeys(file for name, variable in dataset.data_vars.items() for file in files(variable)
                                  if file not in holders and not any(
                                      dataset[coordinate].ndim == 0 and file in files(dataset[coordinate])
                                      for coordinate in dataset.coords)))
    other = "longitude" if kind == "latitude" else "latitude"
    try:
        paired = scalar_coordinate(dataset, other)
    except ClimannError:
        paired = None
    if unplaced and holders and paired is not None:
        place = {kind: float(value), other: float(dataset[paired].values)}
        code = ("import sys,xarray as xr;d=xr.open_dataset(sys.argv[1]);d=d.assign_coords("
                f"latitude=((),{place['latitude']!r},dict(units='degrees_north',standard_name='latitude')),"
                f"longitude=((),{place['longitude']!r},dict(units='degrees_east',standard_name='longitude')));"
                f"{whole_write()}")
        files = input_and_copy(unplaced[0], "placed")
        # the copy in a new folder, with the --data to give (fix56a: x_placed.nc beside x.nc, a glob took both)
        line = one_copy_advice(lambda words: f"`{python_command(code)} {words}`", files, "placed")
        given = "" if "--data" in line else f", and give that file in place of {Path(unplaced[0]).name}"
        return (
            f"{', '.join(Path(file).name for file in unplaced)} hold{'s' if len(unplaced) == 1 else ''} no {kind} "
            f"beside {Path(holders[0]).name}, which is at one place ({kind} '{scalar}' = {value}): a latitude and "
            f"longitude without units are no position (cdo drops them: \"Coordinates variable latitude can't be "
            f"assigned\"); give the place's, with their units, in a copy, e.g. {line}{given}"
        )
    return (
        f"the {kind} '{scalar}'{own} is a scalar coordinate (one value, {value}), not an axis of "
        f"the data; make it a dimension of length 1, e.g. with xarray's expand_dims('{scalar}')"
    )


def _not_found_message(dataset: xr.Dataset, kind: str) -> str:
    """Why no coordinate of ``kind`` was found: a scalar one is not an axis, the dates are text
    (WRF's ``Times``, see :mod:`climann.data.text_times`), or none is there."""
    texts = text_dates_in(dataset) if kind == "time" else {}
    if texts:
        dates = next(iter(texts.values()))
        source = dataset.encoding.get("source")
        where = f" in {Path(source).name}" if source else ""
        return (
            f"no time coordinate found{where}: the dates of its {dates.count} steps (dimension '{dates.dim}') are "
            f"stored as text in '{dates.name}' ({dates.quoted()}); {text_dates_advice(dates, source)}"
        )
    try:
        scalar = scalar_coordinate(dataset, kind) if kind != "time" else None
    except ClimannError:
        scalar = None
    if scalar is not None:
        return _scalar_coordinate_message(dataset, kind, scalar)
    harmonics = harmonic_coefficients_refusal(dataset) if kind != "time" else None
    if harmonics is not None:  # GRACE Level-2 clm(time, degree, order): no position to give them (break40a A2)
        return harmonics
    described = _struct_metadata_message(dataset) if kind != "time" else None
    if described is not None:  # MODIS CMG through netCDF-C: the grid in StructMetadata.0 alone (break56d A5)
        return f"no {kind} coordinate read: {described}"
    unlabelled = unlabelled_degree_axes(dataset) if kind != "time" else None
    if unlabelled is not None:  # before the map axes' refusal: a grid mapping is the wrong way out (break46c A4)
        return f"no {kind} coordinate read: {_unlabelled_degrees_message(dataset, unlabelled)}"
    unplaced = _unplaced_map_axes(dataset) if kind != "time" else None
    if unplaced is not None:
        return unplaced
    gridless = gridless_cells_message(dataset) if kind != "time" else None
    if gridless is not None:  # ICON's GRIB2 converted without its grid (break49d A2)
        return f"no {kind} coordinate found: {gridless}"
    present = [f"{name} (scalar)" if dataset[name].ndim == 0 else str(name) for name in dataset.coords]
    # ncl_convert2nc's one record, dated only by its attributes (initial_time, forecast_time); see
    # climann.data.ncl_initial_times
    advice = ((_age_advice(dataset) or one_record_dating_advice(dataset) or _static_file_advice(dataset))
              if kind == "time"
              else (_unread_positions_advice(dataset) or phony_copy_advice(dataset) or _position_advice(dataset, kind)))
    return (
        f"no {kind} coordinate found (looked for a CF standard_name, units and axis, then guessed from names like "
        f"{', '.join(GUESSED_NAMES[kind])}); coordinates present: {', '.join(present) or 'none'}{advice}"
    )


#: The names HDF-EOS gives a grid's 1-D axes (``YDim``, ``XDim``, MODIS's MOD08_M3 among them), which a
#: conversion to NetCDF keeps without units or with ``units = "none"``; compared in lower case.
HDF_EOS_AXIS_NAMES = {"ydim": "latitude", "xdim": "longitude"}

#: Units that say nothing of what an axis measures (none given, HDF-EOS's "none", a bare number).
_NO_UNITS = ("", "none", "1", "-", "unknown", "n/a", "dimensionless")

#: The values a latitude and a longitude in degrees take.
_DEGREE_RANGES = {"latitude": (-90.0, 90.0), "longitude": (-180.0, 360.0)}


def unlabelled_degree_axes(dataset: xr.Dataset) -> dict[str, str] | None:
    """The 1-D latitude and longitude of a grid whose units do not say so: kind → variable name, or None.

    Each is a 1-D variable (a coordinate or not) named as HDF-EOS names a grid's axes
    (:data:`HDF_EOS_AXIS_NAMES`: ``YDim``, ``XDim``) or like a latitude or longitude
    (:func:`name_kind`), on a dimension of the data, without units or with units that say
    nothing (:data:`_NO_UNITS`: ``"none"``), its values numbers, strictly monotonic and within
    a latitude's (−90…90) or a longitude's (−180…360) range in degrees. Both are needed. A
    MOD08_M3 file as netCDF-C reads the HDF-EOS file (``YDim(YDim:mod08)``, ``XDim(XDim:mod08)``,
    units "none") was refused "no latitude coordinate found" with no way out (break46c A4);
    renamed onto its dimensions, it was told to add a grid mapping. They are not read as
    latitudes: :func:`_unlabelled_degrees_message` refuses them with the units to give them.
    """
    data_dims = {dim for variable in dataset.data_vars.values() if variable.ndim > 1 for dim in variable.dims}
    found: dict[str, str] = {}
    for name, variable in dataset.variables.items():
        kind = HDF_EOS_AXIS_NAMES.get(str(name).lower()) or name_kind(str(name))
        if kind is None or kind in found or variable.ndim != 1 or variable.dims[0] not in data_dims:
            continue
        if str(variable.attrs.get("units", "")).strip().lower() not in _NO_UNITS:
            continue
        if not np.issubdtype(variable.dtype, np.number) or variable.size < 2:
            continue
        values = np.asarray(variable.values, np.float64)
        steps = np.diff(values)
        low, high = _DEGREE_RANGES[kind]
        if np.all(np.isfinite(values)) and (np.all(steps > 0) or np.all(steps < 0)) and low <= values.min() \
                and values.max() <= high:
            found[kind] = str(name)
    return found if len(found) == 2 else None


def _struct_metadata_message(dataset: xr.Dataset) -> str | None:
    """The refusal of an HDF-EOS2 grid as netCDF-C reads it (:func:`~climann.data.hdfeos.hdfeos2_grid`:
    fields on ``YDim:<GridName>``, ``XDim:<GridName>``, the grid only in the global ``StructMetadata.0``),
    with the xarray line that writes a copy of each of the data's files with the grid's latitude and
    longitude, in a new folder (:func:`~climann.data.shell.copies_of_files`); None for other data."""
    found = hdfeos2_grid(dict(dataset.sizes), dataset.attrs)
    if found is None:
        return None
    grid, rows, columns = found
    latitudes, longitudes = grid.centres()
    statements = hdfeos2_grid_statements(grid, rows, columns)
    files = _files_of_data(dataset)
    fix = (copies_of_files(lambda arguments, _: xarray_command(statements, arguments), files, name="with_grid")
           if files else xarray_command(statements, "IN.nc OUT.nc"))
    return (f"the data lie on '{rows}' and '{columns}', the rows and columns of the HDF-EOS grid {grid.name} that "
            f"the global attribute StructMetadata.0 describes (XDim, YDim, UpperLeftPointMtrs, LowerRightMtrs, "
            f"GCTP_GEO: {grid.rows} × {grid.columns} cells, latitude {latitudes[0]:g} to "
            f"{latitudes[-1]:g}, longitude {longitudes[0]:g} to {longitudes[-1]:g} at their centres), which netCDF-C "
            f"does not make coordinates; write them into a copy: {fix}")


def _unlabelled_degrees_message(dataset: xr.Dataset, axes: dict[str, str]) -> str:
    """The refusal of a latitude and longitude whose units do not say so (:func:`unlabelled_degree_axes`),
    with the ``ncatted`` that gives them CF's units (4.1), a copy of each of the data's files in a new
    folder (:func:`~climann.data.shell.copies_of_files`) when there are several."""
    latitude, longitude = axes["latitude"], axes["longitude"]

    def said(name: str) -> str:
        values, units = dataset[name].values, dataset[name].attrs.get("units")
        return (f"'{name}' (on '{dataset[name].dims[0]}', {values[0]:g} to {values[-1]:g}, "
                f"{'no units' if units is None else f'units {str(units)!r}'})")

    attributes = [ncatted_attribute("units", latitude, "o", "c", "degrees_north"),
                  ncatted_attribute("units", longitude, "o", "c", "degrees_east")]
    files = _files_of_data(dataset)
    fix = (copies_of_files(lambda arguments, _: attribute_command(attributes, arguments), files, name="degrees")
           if files and not any(is_zarr_store(file) for file in files)  # one file's too in a folder (fix53a)
           else one_copy_advice(lambda words: attribute_command(attributes, words),
                                source_and_copy(dataset, dataset[latitude]), "degrees"))
    return (f"{said(latitude)} and {said(longitude)} are named and valued like a latitude and a longitude in "
            "degrees (as HDF-EOS grids converted to NetCDF, MODIS's MOD08_M3 among them, store them), but their "
            "units do not say so (CF 4.1: degrees_north, degrees_east), and climann does not guess: if they are, "
            f"give them those units: {fix}")


def _unplaced_map_axes(dataset: xr.Dataset) -> str | None:
    """The refusal of 1-D Y and X axes (by ``axis``, by a projection's standard_name or a
    distance's units, or by cf_xarray's guess from names like ``y``/``x``) that are not a
    latitude and a longitude (not in degrees, :func:`_angular`) with nothing saying where they
    lie: they are a grid's rows and columns, and the data do have positions (the refusal for
    data without any, "one station's series?", was wrong for them). None when there are none,
    or when 2-D latitude and longitude without CF units are there (:func:`_unread_positions_advice`
    gives their units).
    """
    guessed = _guessed_axes(dataset)
    axes: dict[str, str] = {}
    for kind, axis in (("latitude", "Y"), ("longitude", "X")):
        names = [str(name) for name in _cf_keys(guessed)[1].get(axis, [])]
        names += [str(name) for name, variable in dataset.coords.items()
                  if variable.attrs.get("standard_name") == PROJECTED_STANDARD_NAMES[kind == "latitude"]]
        names = [name for name in dict.fromkeys(names) if dataset[name].dims == (name,) and not _angular(dataset[name])
                 and not is_spectral_axis(dataset[name])]
        if names:
            axes[kind] = names[0]
    if not axes:
        return None
    def said(name: str) -> str:
        units = dataset[name].attrs.get("units")
        return f"'{name}' ({'no units' if units in (None, '') else f'in {units}'})"
    which = " and ".join(said(axes[kind]) for kind in ("latitude", "longitude") if kind in axes)
    edits = [ncatted_attribute("units", axes[kind], "o", "c", units)
             for kind, units in (("latitude", "degrees_north"), ("longitude", "degrees_east")) if kind in axes]
    fix = one_copy_advice(lambda words: attribute_command(edits, words), source_and_copy(dataset), "degrees")
    unitless = any(dataset[name].attrs.get("units") in (None, "") for name in axes.values())
    if _unread_positions_advice(dataset):  # the 2-D latitude and longitude are there, without units: said so
        return None
    return (f"{which} {'are the grid' if len(axes) > 1 else 'is a grid'}'s "
            f"{' and '.join(ROWS_OR_COLUMNS[kind] for kind in axes)} (the y and x of a map projection"
            f"{', or cell numbers' if unitless else ''}), not a latitude and a longitude (which have units "
            "degrees_north and degrees_east, CF 4.1), and nothing in the file says where they lie (no grid mapping, "
            f"no 2-D latitude and longitude): add a grid mapping{' and the axes’ units' if unitless else ''} (e.g. "
            "with cdo setgrid), or 2-D latitude and longitude coordinates"
            + (f"; if they are latitudes and longitudes in degrees, say so: {fix}" if unitless else ""))


#: The ``standard_name`` of a map projection's axes (CF §5.6).
PROJECTION_AXIS_NAMES = ("projection_x_coordinate", "projection_y_coordinate")


def _static_file_advice(dataset: xr.Dataset) -> str:
    """The way out for a file without any time axis (BedMachine's ``bed(y, x)``), as words to end
    the refusal with: its fields are static, so it can hold neither the target nor all the data,
    only predictors beside time-varying files; on a map projection's axes (:data:`PROJECTION_AXIS_NAMES`),
    regridded onto their latitude-longitude grid first (break54d A6: the refusal named no way out)."""
    projected = [str(name) for name, variable in dataset.variables.items()
                 if variable.attrs.get("standard_name") in PROJECTION_AXIS_NAMES]
    regrid = (f", once regridded onto their latitude-longitude grid (its {' and '.join(projected)} are the axes "
              f"of a map projection, not latitude and longitude)" if projected else "")
    return ("; a file without a time axis holds static fields: it can hold neither the target nor all the data, "
            f"only static predictors: give it beside the time-varying files (one --data each) and name its "
            f"variables in [data] predictors{regrid}")


def _age_advice(dataset: xr.Dataset) -> str:
    """The way out for a record along depth dated by an age variable (LiPD's ``age(depth)``,
    :func:`climann.data.age_axes.age_along_dimension`); empty for any other file."""
    age = age_along_dimension(dataset)
    return "" if age is None else age_axis_advice(dataset, age)


def _unread_positions_advice(dataset: xr.Dataset) -> str:
    """The way out for a grid whose 2-D latitude and longitude are there but not recognised:
    one variable named like a latitude and one like a longitude (:func:`name_kind`), 2-D on the
    same dimensions, whose ``units`` (none, or ``degrees`` with values out of range) say
    neither: the ``ncatted`` that gives them CF units (section 4.1); empty for any other file.
    Only variables on the data's horizontal dimensions count: xESMF's cell corners ``lat_b``/
    ``lon_b`` on (``y_b``, ``x_b``) beside ``lat``/``lon`` on (``y``, ``x``) hid the advice
    (break29b A4)."""
    data_dims = {dim for name, variable in dataset.data_vars.items() if name_kind(str(name)) is None
                 for dim in variable.dims}
    found: dict[str, list[str]] = {"latitude": [], "longitude": []}
    for name, variable in dataset.variables.items():
        if variable.ndim == 2 and (kind := name_kind(str(name))) is not None and set(variable.dims) <= data_dims:
            found[kind].append(str(name))
    if len(found["latitude"]) != 1 or len(found["longitude"]) != 1:
        return ""
    latitude, longitude = found["latitude"][0], found["longitude"][0]
    if dataset[latitude].dims != dataset[longitude].dims:
        return ""
    units = "/".join(repr(str(dataset[name].attrs["units"])) if "units" in dataset[name].attrs else "none"
                     for name in (latitude, longitude))
    return (f"; '{latitude}'/'{longitude}' (2-D on {tuple(map(str, dataset[latitude].dims))}) look like the grid's "
            f"latitude and longitude, but their units ({units}) do not say so (CF 4.1: degrees_north, degrees_east): "
            "if they are, in degrees: "
            + one_copy_advice(lambda words: attribute_command([
                ncatted_attribute("units", latitude, "o", "c", "degrees_north"),
                ncatted_attribute("units", longitude, "o", "c", "degrees_east")], words),
                source_and_copy(dataset, dataset[latitude]), "degrees"))


#: The scalar coordinate that gives data without a latitude or longitude a position: its name,
#: CF units and standard name. 0 is as good as any value for a zonal or area mean (one cell
#: weighs the same at any position); a station has its own.
POSITION_COORDINATES: dict[str, tuple[str, str]] = {"latitude": ("lat", "degrees_north"),
                                                      "longitude": ("lon", "degrees_east")}


def _could_be_horizontal(dataset: xr.Dataset, dim: str) -> bool:
    """Whether dimension ``dim`` might be a latitude or longitude that was not recognised: it
    has no coordinate variable, or one of numbers without units or in degrees or radians (not
    a level with ``axis = "Z"`` or ``positive``, nor dates, names or members' labels)."""
    if dim not in dataset.coords:
        return True
    coordinate = dataset[dim]
    if not np.issubdtype(coordinate.dtype, np.number) or coordinate.attrs.get("axis") in ("Z", "T"):
        return False
    units = str(coordinate.attrs.get("units", "")).lower()
    return "positive" not in coordinate.attrs and (not units or "degree" in units or "radian" in units)


def _position_advice(dataset: xr.Dataset, kind: str) -> str:
    """The way out for data that have no latitude or longitude at all (a zonal mean
    ``tas(time, lat)``, a global-mean or station series ``tas(time)``): give them one as
    a CF scalar coordinate (§5.7), which climann reads as an axis of length 1
    (:mod:`climann.data.scalar_coordinates`), with the ``ncap2`` line and the xarray line that
    write it in a copy; empty where :func:`_missing_position` gives no advice."""
    missing = _missing_position(dataset, kind)
    if not missing:
        return ""
    new = {POSITION_COORDINATES[other][0]: (other, POSITION_COORDINATES[other][1]) for other in missing}
    # a zonal mean's longitude says it stands for every longitude (a region box then takes its latitudes alone)
    zonal = missing == ["longitude"]
    named = f';{POSITION_COORDINATES["longitude"][0]}@long_name="{ZONAL_MEAN_LONG_NAME}"' if zonal else ""
    ncap2 = ";".join(f'{name}=0.0;{name}@units="{units}";{name}@standard_name="{other}"'
                     for name, (other, units) in new.items()) + named
    source = dataset.encoding.get("source") or next(
        (variable.encoding["source"] for variable in dataset.data_vars.values() if "source" in variable.encoding), None)
    files = input_and_copy(source) if source else "IN.nc OUT.nc"
    named = f", 'long_name': '{ZONAL_MEAN_LONG_NAME}'" if zonal else ""
    coordinates = ", ".join(f"{name}=((), 0.0, {{'units': '{units}', 'standard_name': '{other}'{named}}})"
                            for name, (other, units) in new.items())
    what = {("longitude",): "the data lie on latitudes alone (a zonal mean, as xarray's mean('lon') leaves it?): "
                            "give them a longitude of one value (a CF scalar coordinate, read as one column; cdo "
                            "zonmean writes one)",
            ("latitude",): "the data lie on longitudes alone (a meridional mean?): give them a latitude of one value "
                           "(a CF scalar coordinate, read as one row)",
            }.get(tuple(missing), "the data have no position (one station's series, or a global or regional mean?): "
                                  "give them a latitude and a longitude of one value each (CF scalar coordinates, "
                                  "read as a grid of one cell; a station's own position, any for an area mean)")
    several = _files_of_data(dataset)
    if several and not any(is_zarr_store(file) for file in several):  # one file's too in a new folder (fix53a)
        # a copy of each file (fix45b: the line named the first of a zonal mean's yearly files alone, and the others,
        # given as they were beside its copy, were refused again)
        statements = [f"d = d.assign_coords({coordinates})"]
        return f"; {what}: " + copies_of_files(
            lambda arguments, _: f"{values_command([ncap2], statements, arguments)} (or xarray: "
                                 f"{xarray_command(statements, arguments)})", several, name="positioned")
    command = values_command([ncap2], [f"d = d.assign_coords({coordinates})"], files)
    if source and is_zarr_store(source):  # the xarray line is the command itself
        return f"; {what}: {command}"
    # the xarray line writes the copy whole (xarray_command; fix45m: it wrote the copy's name directly); the file's
    # copy in a new folder, as several files' (fix56a: beside it, a glob over their folder took both)
    return f"; {what}: " + one_copy_advice(
        lambda words: f"{values_command([ncap2], [f'd = d.assign_coords({coordinates})'], words)} (or xarray: "
                      f"{xarray_command([f'd = d.assign_coords({coordinates})'], words)})", files, "positioned")


def _files_of_data(dataset: xr.Dataset) -> list[str]:
    """The files the data variables were read from (their :data:`SOURCE_FILES_KEY`, as
    :func:`~climann.data.sources.source_files` reads it), each once."""
    return list(dict.fromkeys(file for variable in dataset.data_vars.values()
                              for file in variable.encoding.get(SOURCE_FILES_KEY, ())))


def _missing_position(dataset: xr.Dataset, kind: str) -> list[str]:
    """The kinds (``latitude``, ``longitude``) that the data lack, ``kind`` among them, when
    every dimension of the data variables is accounted for (time, the coordinates found);
    empty when a dimension might be the missing coordinate under a name that was not
    recognised (:func:`_could_be_horizontal`: the advice would add a second one), when the
    other kind is ambiguous, or when the name the advice would give is taken."""
    missing, placed = {kind}, set()
    for other in set(POSITION_COORDINATES) - {kind}:
        try:
            found = _found_coordinate(dataset, other)
            if found is None and scalar_coordinate(dataset, other) is None:
                missing.add(other)
        except ClimannError:  # several candidates, a rotated axis without its mapping
            return []
        placed |= set(dataset[found].dims) if found is not None else set()
    placed.add(_found_time_dimension(dataset))
    bounds = bounds_names(dataset)
    names = [str(name) for name, variable in dataset.data_vars.items() if name not in bounds and variable.ndim]
    unknown = {dim for name in names for dim in dataset[name].dims if dim not in placed}
    if (not names or any(_could_be_horizontal(dataset, dim) for dim in unknown)
            or any(POSITION_COORDINATES[other][0] in dataset.variables for other in missing)):
        return []
    return [other for other in POSITION_COORDINATES if other in missing]  # latitude first


def _found_time_dimension(dataset: xr.Dataset) -> str | None:
    """The dimension of the time coordinate (:func:`_found_coordinate`), or else the dimension
    whose steps a text variable dates (WRF's ``Times`` on ``Time`` in a wrfout file without
    ``XTIME``: :func:`~climann.data.text_times.text_dates_in`), or None."""
    try:
        time = _found_coordinate(dataset, "time")
    except ClimannError:
        time = None
    if time is not None and dataset[time].ndim == 1:
        return str(dataset[time].dims[0])
    return next(iter(text_dates_in(dataset)), None) if time is None else None


def geographic_kinds(variable: xr.DataArray | xr.Variable) -> set[str]:
    """Which of "latitude" and "longitude" a variable is by CF ``standard_name`` or ``units``
    (cf_xarray's criteria: ``degrees_north``, ``degree_north``, …); empty for neither."""
    return {kind for kind in ("latitude", "longitude")
            if variable.attrs.get("standard_name") in coordinate_criteria[kind]["standard_name"]
            or str(variable.attrs.get("units", "")) in coordinate_criteria[kind]["units"]}


def _is_latitude_or_longitude(variable: xr.DataArray | xr.Variable) -> bool:
    """Whether a variable is a latitude or longitude (:func:`geographic_kinds`)."""
    return bool(geographic_kinds(variable))


def time_coordinate(dataset: xr.Dataset) -> str | None:
    """Name of the time coordinate (:func:`find_coordinate`), or None when the dataset has
    none or several equally good ones (static fields: a mask, an orography)."""
    try:
        return find_coordinate(dataset, "time")
    except ClimannError:
        return None


#: The names CF files give the bounds of coordinate ``{c}`` (CMIP's ``time_bnds``, NEMO's
#: ``bounds_nav_lon``, ``time_centered_bounds``, CORDEX's ``lat_vertices``: beside a CDO-written file of the grid,
#: whose ``lat`` says ``bounds = "lat_bnds"``, the combined ``lat`` names only one, break54c A4).
BOUNDS_NAMES = ("{c}_bnds", "{c}_bounds", "{c}_bnd", "bounds_{c}", "{c}_vertices")

#: Names of a time axis's climatology bounds (CF §7.4's examples name them ``climatology_bounds``),
#: lower case: NOAA PSL's long-term means hold ``climatology_bounds(time, nbnds)`` though ``time``
#: has no ``climatology`` attribute that names it (break55b A2: read as a data variable of dates).
CLIMATOLOGY_BOUNDS_NAMES = frozenset({"climatology_bounds", "climatology_bnds", "climatology_bounds_time"})


def unlinked_bounds(dataset: xr.Dataset) -> set[str]:
    """The data variables that are a coordinate's cell bounds though no ``bounds`` attribute
    names them (a file whose ``bounds`` attributes were lost, e.g. by ``ncks -C``): named after
    the coordinate as :data:`BOUNDS_NAMES` says, on its dimensions and one more, last
    (CF conventions 1.8 §7.1: the vertex dimension), or as a climatology's are
    (:data:`CLIMATOLOGY_BOUNDS_NAMES`, CF §7.4). They are never features, and the cells'
    areas and times are computed as for a file without bounds."""
    data_names = {str(name): name for name in dataset.data_vars}
    climatology_names = {name for name in data_names if name.lower() in CLIMATOLOGY_BOUNDS_NAMES}
    found = set()
    for coordinate in dataset.coords:
        values = dataset.variables[coordinate]  # Variables, not DataArrays: read often, built cheaply
        names = {pattern.format(c=coordinate) for pattern in BOUNDS_NAMES} & data_names.keys()
        for name in names | climatology_names:
            variable = dataset.variables[data_names[name]]
            if values.ndim and variable.dims[:-1] == values.dims and variable.ndim == values.ndim + 1:
                found.add(name)
    return found


def bounds_names(dataset: xr.Dataset) -> set[str]:
    """The variables that are cell bounds: named by a ``bounds`` or ``climatology`` attribute
    (CF conventions 1.8 §7.1, §7.4), or :func:`unlinked_bounds`."""
    named = {str(variable.attrs[key]) for variable in dataset.variables.values()
             for key in ("bounds", "climatology") if key in variable.attrs}
    return named | unlinked_bounds(dataset)


def with_0d_coordinates(dataset: xr.Dataset) -> xr.Dataset:
    """``dataset`` with 0-D data variables that are latitudes or longitudes by CF
    ``standard_name`` or ``units`` made coordinates: a station file that does not name its
    ``lat`` and ``lon`` in a ``coordinates`` attribute still has them as scalar coordinates
    (CF §5.7), never features."""
    names = [name for name, variable in dataset.data_vars.items()
             if variable.ndim == 0 and _is_latitude_or_longitude(variable)]
    return dataset.set_coords(names) if names else dataset


def with_2d_coordinates(dataset: xr.Dataset) -> xr.Dataset:
    """``dataset`` with 2-D data variables that are latitudes or longitudes by CF
    ``standard_name`` or ``units`` (``nav_lat`` in ``degrees_north``…) made coordinates: files
    that do not name them in a ``coordinates`` attribute still have them, and they are never
    features."""
    bounds = bounds_names(dataset)  # lat_bnds(lat, bnds) in degrees_north is no 2-D latitude
    names = [name for name, variable in dataset.data_vars.items()
             if variable.ndim == 2 and _is_latitude_or_longitude(variable) and name not in bounds]
    return _projected_rows_and_columns(dataset.set_coords(names) if names else dataset)


#: The CF standard names of a map projection's axes (CF 1.8 section 5.6).
_PROJECTION_AXES = {"latitude": "projection_y_coordinate", "longitude": "projection_x_coordinate"}


def _projected_rows_and_columns(dataset: xr.Dataset) -> xr.Dataset:
    """``dataset`` with a 1-D latitude on a projection's y axis and a 1-D longitude on its x axis
    (an EASE-2 global grid as CATDS and NSIDC give it: ``lat(y)``, ``lon(x)`` beside ``x``, ``y``
    in metres; the projection is cylindrical, one latitude a row and one longitude a column)
    broadcast to ``lat(y, x)``, ``lon(y, x)``: read as the same grid written with 2-D latitudes
    and longitudes is, its cell areas from the projection (break57b A1: refused as not on
    latitude and longitude, with advice to regrid). Returned as it is otherwise."""
    found: dict[str, str] = {}
    for name, variable in dataset.variables.items():
        kinds = geographic_kinds(variable) if variable.ndim == 1 and name not in dataset.dims else set()
        dim = str(variable.dims[0]) if kinds else ""
        for kind in kinds:
            if dim in dataset.variables and dataset[dim].attrs.get("standard_name") == _PROJECTION_AXES[kind]:
                if kind in found:  # two latitudes on one axis: not one grid to read
                    return dataset
                found[kind] = str(name)
    if set(found) != {"latitude", "longitude"}:
        return dataset
    latitude, longitude = dataset[found["latitude"]].variable, dataset[found["longitude"]].variable
    dims = (latitude.dims[0], longitude.dims[0])
    shape = (latitude.size, longitude.size)
    return dataset.assign_coords({found["latitude"]: latitude.set_dims(dims, shape),
                                  found["longitude"]: longitude.set_dims(dims, shape)})


#: At most this many values of a time-repeated latitude or longitude are read at once
#: (about 32 MiB in float64) when checking that it does not change in time.
_CHECKED_VALUES_AT_ONCE = 2**22


def _first_change(variable: xr.Variable, time_dim: str) -> tuple[int, float] | None:
    """The first time step at which ``variable`` (time_dim first) differs from its first step,
    and its largest difference there; None when every step is the same, exactly (NaN equal
    to NaN). Read in blocks of steps, with dask's synchronous scheduler (metadata, not data)."""
    first = np.asarray(variable.isel({time_dim: 0}).values, np.float64)
    n_steps = variable.sizes[time_dim]
    block = max(1, _CHECKED_VALUES_AT_ONCE // max(first.size, 1))
    with dask.config.set(scheduler="synchronous"):
        for start in range(1, n_steps, block):
            values = np.asarray(variable.isel({time_dim: slice(start, start + block)}).values, np.float64)
            same = (values == first) | (np.isnan(values) & np.isnan(first))
            if not same.all():
                step = int(np.argmin(same.reshape(len(values), -1).all(axis=1)))
                return start + step, float(np.nanmax(np.abs(values[step] - first)))
    return None


def fixed_in_time(dataset: xr.Dataset, where: str = "the file") -> xr.Dataset:
    """``dataset`` with latitudes and longitudes that are repeated at every time step
    (WRF's ``XLAT``/``XLONG`` on ``(Time, south_north, west_east)``, and files averaged from
    WRF or other regional models' output) replaced by their first step, once every step is
    checked to hold exactly the same values: the 2-D latitude and longitude of a curvilinear
    grid (see :func:`two_dimensional_coordinates`), made coordinates. A station's position given
    at every time step (WAVEWATCH III's point output, ``latitude(time, station)``) is fixed before,
    for the stations the run uses (:mod:`climann.data.station_positions`).

    A latitude or longitude is recognised by CF ``standard_name`` or ``units``
    (``degree_north``…), coordinate or data variable, with three dimensions of which one is
    the time coordinate's (see :func:`find_coordinate`), or else the dimension a text variable
    dates (WRF's ``Times`` without ``XTIME``, break38a A3: read before as 31 tiles of a
    lat-lon-cap grid). A dataset with neither is returned as it is.

    Parameters
    ----------
    dataset : xarray.Dataset
        One opened file, its time coordinate on its dimension (not modified).
    where : str
        The file's name, for the error message.

    Returns
    -------
    xarray.Dataset
        The same dataset with each such variable of shape (n_time, n_rows, n_columns) replaced
        by a 2-D coordinate of shape (n_rows, n_columns), read into memory; and a latitude and
        longitude of shape (n_time,) that never change made scalar (one place,
        :func:`_one_place_in_time`).

    Raises
    ------
    ClimannError
        If one changes between time steps (a moving nest: the cells are not fixed places),
        naming it, the first step that differs and how much.
    """
    if (time := time_coordinate(dataset)) is not None:
        time_dim = dataset[time].dims[0]
    elif (texts := text_dates_in(dataset)):  # WRF's Times without XTIME: the steps are dated, as text
        time_dim = next(iter(texts))
    elif (shared := _times_on_one_dimension(dataset)) is not None:  # two times of its steps: refused elsewhere
        time_dim = shared
    else:
        return dataset
    on_grid = _one_dimensional_grid_dimensions(dataset)
    names = [str(name) for name, variable in dataset.variables.items()
             if variable.ndim == 3 and time_dim in variable.dims and _is_latitude_or_longitude(variable)
             and not set(variable.dims) - {time_dim} <= on_grid]
    names += _box_axes_in_time(dataset, time_dim)
    names = [name for name in names if name not in _beside_named_fixed_positions(dataset, time_dim)]
    fixed = {}
    for name in names:
        variable = dataset[name].variable.transpose(time_dim, ...)
        change = _first_change(variable, time_dim)
        if change is not None:
            step, largest = change
            raise ClimannError(
                f"{where}: '{name}' changes in time (at time step {step} counting from 0, "
                f"{_step_date(dataset, time_dim, step)}, by up to "
                f"{largest:.6g} {variable.attrs.get('units', '')}): the grid moves (a moving nest or a box that "
                "follows a storm), and climann needs cells fixed in place; interpolate each time step from its own "
                "grid to one fixed grid first (in Python, e.g. scipy.interpolate.griddata of each step's values "
                "at that step's latitudes and longitudes, or an xESMF regridder built per step: a regridder built "
                "once from the first step's grid puts every step on that step's places), or, to learn in the box's own "
                f"frame (a storm-relative composite), leave the positions out: {_positions_left_out(dataset, names)}"
            )
        with dask.config.set(scheduler="synchronous"):
            values = np.asarray(variable.isel({time_dim: 0}).values)
        fixed[name] = xr.Variable(variable.dims[1:], values, dict(variable.attrs))
    dataset = dataset.drop_vars(names).assign_coords(fixed) if fixed else dataset
    return _one_place_in_time(dataset, time_dim, where)


def _times_on_one_dimension(dataset: xr.Dataset) -> str | None:
    """The one dimension of several 1-D time coordinates, which :func:`time_coordinate` cannot
    choose between (WRF's ``Time`` written from ``Times`` beside its ``XTIME``): the steps are
    dated, twice, and what lies along them repeated is a grid in time, not tiles (break49c A2:
    ``XLAT(Time, south_north, west_east)`` was "a lat-lon-cap grid of 31 tiles"); None otherwise."""
    names = _candidates(dataset, "time") or _candidates(_guessed_axes(dataset), "time")
    dims = {dataset[name].dims for name in names}
    return str(next(iter(dims))[0]) if len(names) > 1 and len(dims) == 1 and len(next(iter(dims))) == 1 else None


def _beside_named_fixed_positions(dataset: xr.Dataset, time_dim: str) -> set[str]:
    """The latitudes and longitudes on the time dimension that no data variable names in its CF
    ``coordinates`` attribute, in a file whose data variables do name a latitude and a longitude
    without the time dimension: the grid is the one the variables name (CF 1.8 §5), and positions
    that change in time beside it are data about the values (OSI SAF ice drift's ``lat1(time, yc,
    xc)``/``lon1``, where each displacement ends: break45c A1, refused before as a grid that moves,
    with a way out that overwrote the real ``lat``/``lon``); empty when no fixed position is named.
    """
    named = {word for variable in dataset.data_vars.values() for word in named_coordinates(variable)}
    fixed_kinds = {kind for name in named if name in dataset.variables and time_dim not in dataset.variables[name].dims
                   for kind in geographic_kinds(dataset.variables[name])}
    if not {"latitude", "longitude"} <= fixed_kinds:
        return set()
    return {str(name) for name, variable in dataset.variables.items()
            if time_dim in variable.dims and name not in named and geographic_kinds(variable)}


def _one_dimensional_grid_dimensions(dataset: xr.Dataset) -> set[str]:
    """The dimensions of the dataset's 1-D latitudes and longitudes that are their own
    dimension's coordinate (``lat(lat)``, ``lon(lon)``): a variable on them and the time is
    data on a fixed grid (a storm-track density's ``storm_lat(time, lat, lon)`` in
    degrees_north, the latitude of a maximum), never the 2-D positions of a grid that moves,
    whatever its units say (fix44c)."""
    return {str(name) for name, variable in dataset.variables.items()
            if variable.dims == (name,) and _is_latitude_or_longitude(variable)}


def _box_axes_in_time(dataset: xr.Dataset, time_dim: str) -> list[str]:
    """The latitude and longitude of a box given at each time step, each on the time and an axis
    of its own (a storm-following box's ``latitude(time, y)`` and ``longitude(time, x)``, as
    SHIPS-like and tracker output write), by :func:`geographic_kinds`; none otherwise."""
    found: dict[str, str] = {}
    for name, variable in dataset.variables.items():
        kinds = geographic_kinds(variable)
        if variable.ndim == 2 and time_dim in variable.dims and len(kinds) == 1:
            found.setdefault(kinds.pop(), str(name))
    if set(found) != {"latitude", "longitude"}:
        return []
    axes = [tuple(d for d in dataset[name].dims if d != time_dim) for name in found.values()]
    return list(found.values()) if axes[0] != axes[1] else []


def _positions_left_out(dataset: xr.Dataset, names: list[str]) -> str:
    """The command that writes a copy of the file without the moving latitudes and longitudes
    ``names`` (``ncks -C -x -v``) and with one nominal position (CF scalar ``lat``/``lon`` of 0,
    §5.7, by ``ncap2``), its fields then on their own rows and columns, to select from; without
    the nominal position when the file keeps another latitude or longitude (never overwritten).
    The copy of the user's file goes into a new folder beside it (``nominal_position``, or
    ``positions_dropped`` without the nominal position), followed by the ``--data`` to give
    (:func:`~climann.data.shell.one_copy_line`; fix56a: ``x_relative.nc`` beside ``x.nc`` was taken
    with it by a glob over their folder)."""
    from climann.data.shell import none_there, one_copy_advice, one_copy_line, shown_path, source_and_copy, \
        users_file_copied

    files = source_and_copy(*[dataset[name] for name in names], *dataset.data_vars.values(), suffix="relative")
    original = users_file_copied(files)
    kept = {kind for name, variable in dataset.variables.items() if name not in names
            for kind in geographic_kinds(variable)}
    if kept:  # never advise overwriting a position the file keeps (break45c A1: the real 2-D lat/lon set to 0)
        kept_names = [str(name) for name, variable in dataset.variables.items()
                      if name not in names and geographic_kinds(variable)]
        dropped = one_copy_advice(lambda words: f"`ncks -C -x -v {','.join(names)} {words}`", files,
                                  "positions_dropped")
        return (f"{dropped} (the file's {', '.join(kept_names)} then give the positions; the box's cells are chosen "
                "with [data] select)")
    nominal = ";".join(f'{name}=0.0;{name}@units="{units}";{name}@standard_name="{kind}"'
                       for kind, (name, units) in POSITION_COORDINATES.items())

    def line(words: str, copy: str) -> str:
        # ncks answered "n" on a file there exits 0, and ncap2 -O then rewrote that file: none_there first
        return (f"{none_there(copy)}ncks -C -x -v {','.join(names)} {words} && ncap2 -O -s {shlex.quote(nominal)} "
                f"{shown_path(copy)} {shown_path(copy)}")

    if original is None:  # no file named (IN.nc OUT.nc), or a store
        copy = shlex.split(files)[-1]
        return (f"`{line(files, copy)}` (one nominal position; the box's cells are then chosen with [data] select)")
    return (f"{one_copy_line(line, original, 'nominal_position')} (one nominal position; the box's cells are then "
            "chosen with [data] select)")


def _step_date(dataset: xr.Dataset, time_dim: str, step: int) -> str:
    """The date of step ``step`` along ``time_dim``: its time coordinate's value, else the text
    that dates it (WRF's ``Times``)."""
    if time_dim in dataset.coords:
        return str(dataset[time_dim].values[step])
    texts = text_dates_in(dataset).get(time_dim)
    if texts is None:
        return f"step {step}"
    with dask.config.set(scheduler="synchronous"):
        value = dataset[texts.name].values[step]
    return value.decode("utf-8", "replace").strip() if isinstance(value, bytes) else str(value).strip()


_CF_DEGREES = {"latitude": "degrees_north", "longitude": "degrees_east"}


def _positions_along(dataset: xr.Dataset, time_dim: str, kinds_of: Callable) -> dict[str, str]:
    """Kind → name of the variables on ``time_dim`` alone that ``kinds_of`` says are one
    latitude or longitude each."""
    found = {}
    for name, variable in dataset.variables.items():
        kinds = set(kinds_of(dataset[name])) - {None} if variable.dims == (time_dim,) and name != time_dim else set()
        if len(kinds) == 1:
            found[kinds.pop()] = str(name)
    return found


def _one_place_in_time(dataset: xr.Dataset, time_dim: str, where: str) -> xr.Dataset:
    """``dataset`` with a latitude and a longitude given at each time step (``lat(time)``,
    ``lon(time)``: a mooring or station written from a table) that never change made scalar
    coordinates (their value), so that the file is that place, as a file of one station is
    (CF §5.7); with a note. Positions that change (a track) and files whose ``featureType``
    says they move are left as they are, for the refusal of moving positions
    (:mod:`climann.data.coordinate_values`)."""
    found = _positions_along(dataset, time_dim, geographic_kinds)
    plain = False
    if set(found) != {"latitude", "longitude"} and not any(
            geographic_kinds(variable) for variable in dataset.variables.values()):
        # in plain "degrees" (a mooring's Latitude(time) written from a table), where the file has
        # no other latitude or longitude: the same place (break41 fix41m)
        found = _positions_along(dataset, time_dim, lambda variable: {plain_degrees_kind(str(variable.name), variable)})
        plain = True
    if set(found) != {"latitude", "longitude"}:
        return dataset
    if any(_first_change(dataset[name].variable, time_dim) is not None for name in found.values()):
        return dataset
    with dask.config.set(scheduler="synchronous"):
        values = {name: float(dataset[name].values[0]) for name in found.values()}
    if not all(np.isfinite(value) for value in values.values()):
        return dataset
    said = f" (units '{dataset[found['latitude']].attrs['units']}', read as degrees north and east)" if plain else ""
    note_once(_log, logging.INFO, f"{where}: {' and '.join(repr(name) for name in found.values())}{said} are given at "
              f"each time step but never change ({', '.join(f'{value:g}' for value in values.values())}): one place, "
              "read as a point")
    scalar = {name: xr.Variable((), values[name], {**dataset[name].attrs, "units": _CF_DEGREES[kind]} if plain
                                else dict(dataset[name].attrs)) for kind, name in found.items()}
    return dataset.drop_vars(list(found.values())).assign_coords(scalar)
