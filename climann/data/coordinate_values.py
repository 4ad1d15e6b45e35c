"""The values of a file's latitudes and longitudes: checked, and brought to what climann uses.

climann computes areas, regions, features and maps from latitudes in ``degrees_north`` and
longitudes in ``degrees_east``, on 1-D axes in order. Files sometimes say otherwise, in ways
the CF conventions or UDUNITS allow, or hold values no grid can have. Each file is checked once,
when it is opened (:func:`checked_coordinates`):

- angles in other units (ICON's ``clat``/``clon`` in ``radian``) are converted to degrees with
  pint (cf_xarray's UDUNITS registry, :mod:`climann.data.units`); values counted southward or
  westward (``degrees_south``, ``degrees_west``, COARDS/UDUNITS spellings) are negated;
- 1-D latitude(y) / longitude(x) data variables with a CF ``standard_name`` but no
  ``coordinates`` link become the axes of their dimension;
- a latitude outside −90…90°, a NaN in a 1-D latitude or longitude, a repeated value, or a
  latitude and longitude on one dimension (an unstructured grid) are refused in one line;
- an axis whose values are not in order (tiles concatenated unsorted) is sorted by value, with
  a warning, as climann sorts an unsorted time axis.

Sources: CF conventions 1.8 §4.1–4.2 (latitude and longitude units), §7.1 (bounds share their
coordinate's units); UDUNITS-2; COARDS.
"""

from __future__ import annotations

import functools
import logging
import os
import shlex
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import dask
import numpy as np
import xarray as xr
from cf_xarray.criteria import coordinate_criteria

from climann.data.coords import GUESSED_NAMES, MOVING_FEATURE_TYPES, PLAIN_DEGREES, name_kind, plain_degrees_kind
from climann.data.direction_regrid import cdo_direction_chain, dataset_directions
from climann.data.gridless_cells import cell_area_names, grid_file_message, measured_files_beside
from climann.data.handles import open_netcdf
from climann.data.notes import note_once
from climann.data.paths import is_zarr_store
from climann.data.remap_targets import RemapTarget, remap_target
from climann.data.unstructured_copies import coordinates_attributes, text_dates_operators
from climann.data.sources import name_in_file
from climann.data.shell import (
    attribute_command, cdo_folder, copy_folder_of, copy_name, ncap2_name, ncatted_attribute,
    one_copy_advice, others_given_as_before, python_command, shown_path, source_and_copy, values_command,
    whole_write, working_path, written_there, xarray_data, xarray_values,
)
from climann.errors import ClimannError

_log = logging.getLogger(__name__)

#: The units climann keeps each kind in (CF's recommended ones).
CF_UNITS: dict[str, str] = {"latitude": "degrees_north", "longitude": "degrees_east"}

#: Units whose values count southward or westward: cf_xarray's tables of northward and
#: eastward spellings (``degrees_north``, ``degree_N``, ``degreesN`` …) turned round.
REVERSED_UNITS: dict[str, tuple[str, ...]] = {
    "latitude": tuple(u.replace("north", "south").replace("N", "S") for u in coordinate_criteria["latitude"]["units"]),
    "longitude": tuple(u.replace("east", "west").replace("E", "W") for u in coordinate_criteria["longitude"]["units"]),
}

#: The geographic range of a latitude, degrees (a little rounding allowed).
LATITUDE_RANGE = (-90.0, 90.0)
_RANGE_TOLERANCE = 1e-4

def _note(message: str) -> None:
    note_once(_log, logging.WARNING, message)  # once per run: a run opens its files several times


def geographic_kind(name: str, variable: xr.DataArray | xr.Variable) -> str | None:
    """``latitude``, ``longitude`` or None: by CF ``standard_name``, by units (northward,
    eastward, southward or westward spellings), or, for a variable in another angle unit
    (``radian``), by a name of :data:`~climann.data.coords.BARE_NAMES` or one that starts
    with one of its short forms (MPAS's ``latCell``/``lonCell`` in radians). Only the
    attributes are read: a dataset's :class:`xarray.Variable` will do (a run asks of every
    variable of every dataset it opens; a DataArray built for each was most of the cost)."""
    units = str(variable.attrs.get("units", "")).strip()
    for kind in CF_UNITS:
        if variable.attrs.get("standard_name") == kind:
            return kind
        if units in coordinate_criteria[kind]["units"] or units in REVERSED_UNITS[kind]:
            return kind
    kind = name_kind(name)
    if kind is not None and _angle_scale(units) not in (None, 1.0):
        return kind
    return None


@functools.lru_cache(maxsize=256)
def _angle_scale(units: str) -> float | None:
    """Degrees per unit of an angle unit (``radian`` → 57.29…), by pint and cf_xarray's UDUNITS
    registry; None when ``units`` is not an angle (or not readable). Kept per units string: it
    depends on nothing else (the registry is built once per process), and :func:`geographic_kind`
    asks it of every variable named like a latitude or longitude, each time a dataset is read."""
    from climann.data.units import parse_units, unit_registry

    registry = unit_registry()

    if not units:
        return None
    try:
        angle = parse_units(units, variable="")  # a scale times a unit
    except ClimannError:
        return None
    if registry.get_root_units(angle.units)[1] != registry.Unit("radian"):
        return None
    return float(angle.to("degree").magnitude)


def _in_degrees(dataset: xr.Dataset, where: str) -> xr.Dataset:
    """``dataset`` with every latitude and longitude (and its CF bounds) in ``degrees_north`` /
    ``degrees_east``: southward and westward values negated, other angle units converted."""
    changed = {}
    for name, variable in dataset.variables.items():
        kind = geographic_kind(str(name), variable)
        units = str(variable.attrs.get("units", "")).strip()
        if kind is None or units in coordinate_criteria[kind]["units"]:
            continue
        if units in REVERSED_UNITS[kind]:
            scale, how = -1.0, f"counted {'southward' if kind == 'latitude' else 'westward'}: negated"
        else:
            scale = _angle_scale(units)
            if scale is None or scale == 1.0:
                continue
            how = "converted to degrees"
        _note(f"{where}: {kind} '{name}' is in {units}, {how} ({CF_UNITS[kind]})")
        for part in (str(name), str(variable.attrs.get("bounds", ""))):
            if part in dataset.variables and part not in changed:
                old = dataset.variables[part]
                attrs = {**old.attrs, "units": CF_UNITS[kind]} if "units" in old.attrs or part == name else old.attrs
                changed[part] = xr.Variable(old.dims, old.data * scale, attrs, old.encoding)
    if not changed:
        return dataset
    coords = {k: v for k, v in changed.items() if k in dataset.coords}
    data = {k: v for k, v in changed.items() if k not in dataset.coords}
    return dataset.assign_coords(coords).assign(data)


#: Units that say "an angle in degrees" and not which way: MAR's ``LAT``/``LON``.
_PLAIN_DEGREES = PLAIN_DEGREES

#: The range a 2-D longitude in plain degrees must lie in to be read as one (−180…180 or 0…360).
_PLAIN_LONGITUDE_RANGE = (-180.0, 360.0)


def plain_degree_positions(dataset: xr.Dataset) -> tuple[str, str] | None:
    """The 2-D latitude and longitude that say only ``units = "degrees"`` (MAR's ``LAT``/``LON``
    on ``(Y, X)``), or None.

    CF conventions section 4.1 recognises a latitude by ``degrees_north`` (or its
    ``standard_name``); ``degrees`` alone says neither. It is read as one only when
    everything else does: no ``standard_name``, one variable named like a latitude and one
    like a longitude (:func:`~climann.data.coords.name_kind`), both 2-D on the same dimensions,
    with every value in −90…90 and −180…360 respectively (missing values left aside), and no
    other position in the file (dimensions named like latitude or longitude, or a latitude or
    longitude by CF units or standard_name: :func:`geographic_kind`).
    """
    found: dict[str, list[str]] = {"latitude": [], "longitude": []}
    for name, variable in dataset.variables.items():
        units = str(variable.attrs.get("units", "")).strip().lower()
        kind = name_kind(str(name))
        if variable.ndim == 2 and units in _PLAIN_DEGREES and "standard_name" not in variable.attrs and kind:
            found[kind].append(str(name))
    if len(found["latitude"]) != 1 or len(found["longitude"]) != 1:
        return None
    latitude, longitude = found["latitude"][0], found["longitude"][0]
    if dataset[latitude].dims != dataset[longitude].dims:
        return None
    if any(name_kind(str(dim)) for dim in dataset[latitude].dims) or any(
            geographic_kind(str(name), variable) for name, variable in dataset.variables.items()):
        return None  # the grid's positions are known otherwise: lat/lon axes, or CF latitudes and longitudes
    for name, (low, high) in ((latitude, LATITUDE_RANGE), (longitude, _PLAIN_LONGITUDE_RANGE)):
        values = np.asarray(dataset[name].values, np.float64)
        if not np.isfinite(values).any() or np.nanmin(values) < low or np.nanmax(values) > high:
            return None
    return latitude, longitude


def _plain_degrees_as_positions(dataset: xr.Dataset, where: str) -> xr.Dataset:
    """``dataset`` with the 2-D latitude and longitude in plain ``degrees``
    (:func:`plain_degree_positions`) given the CF units ``degrees_north``/``degrees_east``,
    with a warning that says what made them positions and the command that says so in the file."""
    found = plain_degree_positions(dataset)
    if found is None:
        return dataset
    latitude, longitude = found
    ranges = " and ".join(
        f"{float(np.nanmin(dataset[n].values)):.4g}…{float(np.nanmax(dataset[n].values)):.4g}" for n in found)
    dims = tuple(map(str, dataset[latitude].dims))
    _note(f"{where}: '{latitude}'/'{longitude}' (units '{dataset[latitude].attrs['units']}', which says neither "
          f"north nor east) read as the grid's latitude and longitude: 2-D on {dims}, named so, "
          f"values {ranges} degrees; to say so in the file: "
          + _one_copy(lambda files: attribute_command(
              [ncatted_attribute("units", latitude, "o", "c", CF_UNITS["latitude"]),
               ncatted_attribute("units", longitude, "o", "c", CF_UNITS["longitude"])], files),
              source_and_copy(dataset, dataset[latitude]), "units_fixed"))
    changed = {name: dataset[name].variable.copy(deep=False) for name in found}
    for name, kind in zip(found, CF_UNITS):
        changed[name].attrs = {**changed[name].attrs, "units": CF_UNITS[kind]}
    coords = {k: v for k, v in changed.items() if k in dataset.coords}
    data = {k: v for k, v in changed.items() if k not in dataset.coords}
    return dataset.assign_coords(coords).assign(data)


def _plain_degree_axes(dataset: xr.Dataset, where: str) -> xr.Dataset:
    """``dataset`` with each 1-D coordinate variable named like a latitude or longitude in plain
    ``degrees`` (``lat(lat)``, ``lon(lon)`` as some R, MATLAB and IDL writers leave them:
    :func:`~climann.data.coords.plain_degrees_kind`) given the CF units ``degrees_north`` /
    ``degrees_east`` (CF 1.8 §4.1), with a note: the axis of its own dimension, named so, is the
    grid's axis, and is then checked as one (range, NaN, repeated values, order) and never read as
    positions that move (a track)."""
    found = {str(name): kind for name, variable in dataset.coords.items()
             if variable.dims == (name,) and geographic_kind(str(name), variable) is None
             and (kind := plain_degrees_kind(str(name), variable)) is not None}
    if not found:
        return dataset
    named = " and ".join(f"{kind} '{name}'" for name, kind in found.items())
    _note(f"{where}: {named} (units '{dataset[next(iter(found))].attrs['units']}', which says no direction) "
          f"read as {' and '.join(CF_UNITS[kind] for kind in found.values())}, as the "
          f"name{' says' if len(found) == 1 else 's say'} (each the axis of its own dimension); to say so in the file: "
          + _one_copy(lambda files: attribute_command([ncatted_attribute("units", name, "o", "c", CF_UNITS[kind])
                                                       for name, kind in found.items()], files),
                      source_and_copy(dataset, *(dataset[name] for name in found)), "units_fixed"))
    changed = {}
    for name, kind in found.items():
        units = dataset[name].attrs["units"]
        for part in (name, str(dataset[name].attrs.get("bounds", ""))):  # CF 7.1: bounds share their units
            if part in dataset.variables and (part == name or dataset[part].attrs.get("units") == units):
                changed[part] = dataset[part].variable.copy(deep=False)
                changed[part].attrs = {**changed[part].attrs, "units": CF_UNITS[kind]}
    coords = {k: v for k, v in changed.items() if k in dataset.coords}
    data = {k: v for k, v in changed.items() if k not in dataset.coords}
    return dataset.assign_coords(coords).assign(data)


def _geographic_variables(dataset: xr.Dataset) -> dict[str, str]:
    """Name → kind of every latitude and longitude of ``dataset`` (see :func:`geographic_kind`)."""
    found = {}
    for name, variable in dataset.variables.items():
        kind = geographic_kind(str(name), variable)
        if kind is not None:
            found[str(name)] = kind
    return found


def position_kind(name: str, variable: xr.DataArray | xr.Variable) -> str | None:
    """``latitude``, ``longitude`` or None: a latitude or longitude by CF (:func:`geographic_kind`),
    or one named so (:func:`~climann.data.coords.name_kind`: ``Latitude``, ``LAT``) in units
    that say only ``degrees`` (:data:`_PLAIN_DEGREES`, CALIPSO's ``Latitude(time)``) with no
    ``standard_name`` that says otherwise: a position, never data to learn."""
    return geographic_kind(name, variable) or plain_degrees_kind(name, variable)


def _positions_in_plain_degrees(dataset: xr.Dataset) -> dict[str, str]:
    """Name → kind of the latitudes and longitudes that only their names and ``degrees`` say
    are positions (:func:`position_kind`), beside those CF marks."""
    return {str(name): kind for name, variable in dataset.variables.items()
            if geographic_kind(str(name), variable) is None
            and (kind := position_kind(str(name), variable)) is not None}


def _track_beside_grid(dataset: xr.Dataset, where: str, found: dict[str, str]) -> xr.Dataset:
    """``dataset`` without the latitude and longitude of a track beside a grid that CF marks.

    The grid: the latitude and longitude axes of their own dimensions (``lat(lat)``/``lon(lon)``
    in ``degrees_north``/``degrees_east``), or else a curvilinear grid's 2-D ones. The track: a
    latitude and a longitude on dimensions the grid's lack, either in plain ``degrees``
    (:func:`position_kind`: a satellite's ``Latitude(time)``) or in CF units along a time
    coordinate (a ship's or a storm's ``lat(time)``/``lon(time)`` in ``degrees_north``/
    ``degrees_east``; several storms' ``storm_lat(time, storm)``, a lone ``lat_storm(time)``). The
    grid's coordinates place the data; the track's are positions, never data to learn: left out
    with a note. A file without such a grid keeps them (a track, refused as
    moving positions by :func:`_moving_positions`, or a constant one, one place), and so does one
    whose CF positions on dimensions of their own do not follow a time (stations, refused with
    their own advice)."""
    axes = [name for name in found if dataset[name].dims == (name,)]
    grid = axes or [name for name in found if dataset[name].ndim == 2]
    if {found[name] for name in grid} != set(CF_UNITS):
        return dataset
    grid_dims = {str(dim) for name in grid for dim in dataset[name].dims}
    plain = _positions_in_plain_degrees(dataset)
    # along a time: on its dimensions, and maybe others (several storms' storm_lat(time, storm))
    time_dims = [set(map(str, variable.dims)) for name, variable in dataset.variables.items()
                 if variable.ndim and _is_time(dataset[name])]
    kinds = {**found, **plain}
    track = [name for name in kinds if name not in grid and dataset[name].ndim
             and not set(map(str, dataset[name].dims)) & grid_dims
             and (name in plain or any(dims <= set(map(str, dataset[name].dims)) for dims in time_dims))]
    if not track:
        return dataset
    one = len(track) == 1
    note_once(_log, logging.WARNING, f"{where}: {' and '.join(repr(name) for name in track)} (units "
              f"'{dataset[track[0]].attrs.get('units')}', on {', '.join(map(str, dataset[track[0]].dims))}) "
              f"{'is a position' if one else 'are positions'} of {'its' if one else 'their'} own beside the grid's "
              f"{' and '.join(repr(name) for name in grid)}: the grid's coordinates place the data, and "
              f"{'it is' if one else 'these are'} left out (positions, not data to learn)",
              key=("track beside grid", tuple(track)))
    return dataset.drop_vars(track)


def _healpix(dataset: xr.Dataset, where: str) -> None:
    """Refuse a HEALPix grid (a grid mapping ``healpix``, as the WCRP/easy.gems HEALPix files
    write: the cells numbered on one dimension, their positions implied by ``healpix_nside``
    and ``healpix_order``, no latitude or longitude variables)."""
    for name, variable in dataset.variables.items():
        if str(variable.attrs.get("grid_mapping_name", "")).strip().lower() == "healpix":
            nside, order = variable.attrs.get("healpix_nside"), variable.attrs.get("healpix_order")
            said = ", ".join(str(part) for part in (f"nside {nside}" if nside is not None else None, order) if part)
            raise ClimannError(
                f"{where}: the grid is HEALPix (grid mapping '{name}'{f': {said}' if said else ''}), its cells "
                "numbered on one dimension with no latitude or longitude, and climann needs a latitude-longitude, "
                "rotated, projected or curvilinear grid; remap the file to one first (e.g. with healpy or easygems, "
                "or CDO 2.4 or later, which reads HEALPix grids)"
            )


def _is_time(variable: xr.DataArray) -> bool:
    """Whether a variable is a time (CF ``standard_name``, ``axis = "T"``, or dates, decoded
    or not); its values are not read."""
    units = str(variable.encoding.get("units", variable.attrs.get("units", "")))
    return (variable.attrs.get("standard_name") == "time" or str(variable.attrs.get("axis", "")).upper() == "T"
            or variable.dtype.kind == "M" or " since " in units)


def _is_time_per_track(variable: xr.DataArray, dataset: xr.Dataset | None = None) -> bool:
    """Whether a 2-D variable is the time coordinate of tracks, one row of times per track
    (IBTrACS's ``time(storm, date_time)``, CF 1.8 appendix H.4.2's ``time(trajectory, obs)``):
    marked as the time by CF ``standard_name`` or ``axis = "T"``; or, as IBTrACS is distributed
    (break44d A2: no standard_name, axis nor featureType), dates named as a time
    (:data:`~climann.data.coords.GUESSED_NAMES`) that are a coordinate of the ``dataset``'s data
    (named in their ``coordinates``); not by its units alone (a field of dates on a grid,
    ``last_frost(y, x)``, has units in days since a date too, and is no coordinate)."""
    if variable.ndim != 2:
        return False
    if variable.attrs.get("standard_name") == "time" or str(variable.attrs.get("axis", "")).upper() == "T":
        return True
    return (dataset is not None and str(variable.name).lower() in GUESSED_NAMES["time"] and _is_time(variable)
            and variable.name in dataset.coords)


def _positions_change(dataset: xr.Dataset, names: Iterable[str]) -> bool:
    """Whether the coordinates ``names`` (a latitude and a longitude on one dimension) take more
    than one value: a small read of two 1-D coordinates."""
    with dask.config.set(scheduler="synchronous"):
        values = [np.asarray(dataset[name].values, np.float64) for name in names]
    return any(np.unique(each[np.isfinite(each)]).size > 1 for each in values)


def _moving_positions(dataset: xr.Dataset, where: str, found: dict[str, str]) -> None:
    """Refuse a file whose latitude and longitude change with its time: a CF point, trajectory,
    profile or trajectoryProfile feature (:data:`MOVING_FEATURE_TYPES`, CF 1.8 §9; NOAA GDP
    drifters, ICOADS/SAMOS ship tracks, Argo, gliders), or any file whose latitude, longitude and
    time lie on the same dimensions (``lat(obs)``, ``lon(obs)``, ``time(obs)``; or tracks without
    a featureType, ``time(storm, date_time)`` marked as the time, IBTrACS). Each position
    holds one time, so no cell of a grid has a series and remapping cannot make one; station
    files (``timeSeries``, one place per station) are left to :mod:`climann.data.stations`."""
    feature = str(dataset.attrs.get("featureType", "")).strip()
    # CALIPSO's Latitude(time) and Longitude(time) in "degrees" are an orbit's track too (break41b B3)
    found = {**found, **_positions_in_plain_degrees(dataset)}
    for name, variable in dataset.variables.items():
        if not (variable.ndim and _is_time(dataset[name])):
            continue
        # (a position broadcast onto the 1×1 grid of scalar lat/lon added beside it is on the time's dimensions)
        kinds = {kind: other for other, kind in found.items()
                 if tuple(d for d in dataset[other].dims if d in variable.dims or dataset.sizes[d] > 1)
                 == variable.dims}
        # Without a featureType, only a time axis of its own (one dimension), or a time coordinate
        # given per track and step (IBTrACS's time(storm, date_time), CF H.4.2), whose positions
        # change along it: a date-valued field on a curvilinear grid (last_frost(y, x), beside
        # lat(y, x)) is data, and a mooring's constant lat(time) and lon(time) are one place.
        moving = feature.lower() in MOVING_FEATURE_TYPES or (
            not feature and len(kinds) == 2 and (variable.ndim == 1 or _is_time_per_track(dataset[name], dataset))
            and _positions_change(dataset, kinds.values()))
        if not (moving and kinds):
            continue
        what = MOVING_FEATURE_TYPES.get(feature.lower(), "observations whose positions move in time")
        said = f" (CF featureType '{feature}')" if feature else ""
        along = "" if variable.dims == (name,) else f" (dimensions {', '.join(map(str, variable.dims))})"
        raise ClimannError(
            f"{where}: the file holds {what}{said}: {' and '.join(f'{k} {n!r}' for k, n in kinds.items())} "
            f"are given at each step of time '{name}'{along}, so no place has a series and the file is not a grid; "
            "climann trains on grids and single places only: bin the observations onto a latitude-longitude grid "
            "and a time axis first (e.g. the mean of each 1° box and month: with pandas, group ds.to_dataframe() by "
            "the month and the rounded latitude and longitude, .mean().to_xarray())"
            + _other_dimensions_advice(dataset, variable.dims)
        )


def _other_dimensions_advice(dataset: xr.Dataset, dims: tuple) -> str:
    """For data on the positions' dimensions and others (Argo's ``TEMP(N_PROF, N_LEVELS)``, a
    storm composite's ``vt(time, radius, azimuth)``): binned as they are, every level would be
    averaged into one value (5 to 2000 dbar together), so one is to be chosen, or each profile
    interpolated to fixed levels, first; ``""`` when no data variable has another dimension."""
    other: dict[str, list[str]] = {}
    for name, variable in dataset.data_vars.items():
        if set(dims) <= set(variable.dims):
            for dim in variable.dims:
                if dim not in dims and variable.sizes[dim] > 1:
                    other.setdefault(str(dim), []).append(str(name))
    if not other:
        return _vertical_advice(dataset, dims)
    listed = "; ".join(f"{dim}: {', '.join(names[:4])}{', …' if len(names) > 4 else ''}"
                       for dim, names in other.items())
    return (f"; the data also lie on {', '.join(other)} ({listed}), which such a mean would average together (a "
            f"profile's every level into one value): first take one value of {' and '.join(other)} at every step, or "
            "interpolate each profile to one fixed pressure or depth (numpy.interp on each profile's own pressures "
            "or depths), and bin that")


def _vertical_advice(dataset: xr.Dataset, dims: tuple) -> str:
    """For observations each at a depth or pressure of its own on the positions' one dimension (a
    glider's ``depth(time)``, :func:`~climann.data.profile_interpolation.vertical_on`), that the
    mean of a box and month would mix every depth: bin by it too; ``""`` otherwise."""
    from climann.data.profile_interpolation import vertical_on

    for name in (vertical_on(dataset, str(dims[0])) if len(dims) == 1 else []):
        with dask.config.set(scheduler="synchronous"):
            values = np.asarray(dataset[name].values, np.float64)
        finite = values[np.isfinite(values)]
        if finite.size and finite.min() != finite.max():
            units = str(dataset[name].attrs.get("units", "")).strip()
            return (f"; each observation is at a {name} of its own ('{name}' spans {finite.min():g}…"
                    f"{finite.max():g}{' ' + units if units else ''}), which such a mean would average together: group "
                    f"by the rounded {name} too, or keep one layer of it, and bin that")
    return ""


def _unstructured(dataset: xr.Dataset, where: str, found: dict[str, str]) -> None:
    """Refuse latitude and longitude that share their one dimension (ICON's ``clat(ncells)``,
    FESOM's ``lat(nod2)``, MPAS's ``latCell(nCells)``), when data variables lie on that
    dimension, a HEALPix grid (:func:`_healpix`), and positions that move in time
    (:func:`_moving_positions`: they share their dimension with the time, not a grid)."""
    _healpix(dataset, where)
    _moving_positions(dataset, where, found)
    on_dims: dict[str, dict[str, str]] = {}
    for name, kind in found.items():
        if dataset[name].ndim == 1:
            on_dims.setdefault(str(dataset[name].dims[0]), {})[kind] = name
    for dim, kinds in on_dims.items():
        if len(kinds) == 2 and any(dim in variable.dims for variable in dataset.data_vars.values()):
            if (areas_file := _cell_areas_message(dataset, where, kinds, dim)) is not None:
                raise ClimannError(areas_file)  # CMIP's areacella_fx: the areas of data, not a grid file (break57a A5)
            if (grid_file := grid_file_message(dataset, where, kinds, dim)) is not None:
                raise ClimannError(grid_file)  # no data to remap: the grid of data without it (break49d A2)
            files = source_and_copy(dataset, *dataset.data_vars.values(), suffix="remapped")
            if (remapped := _remapped_beside(shlex.split(files)[0])) is not None:
                raise ClimannError(_remapped_beside_message(where, kinds, dim, shlex.split(files)[0], remapped))
            target = _remap_target(dataset, kinds)
            if is_zarr_store(shlex.split(files)[0]):
                raise _unstructured_store(where, kinds, dim, shlex.split(files)[0], target,
                                          has_cell_corners(dataset, kinds, dim), dataset_directions(dataset))
            remap = _remap_way(has_cell_corners(dataset, kinds, dim), target, files, dataset_directions(dataset),
                               unstructured=(dataset, kinds, dim))
            raise ClimannError(
                f"{where}: the grid is unstructured (latitude '{kinds['latitude']}' and longitude "
                f"'{kinds['longitude']}' both lie on the one horizontal dimension '{dim}'), and climann needs a "
                "latitude-longitude, rotated, projected or curvilinear grid; remap the file first to a regular grid "
                f"near its own spacing ({target.words()}), {remap}"
            )


def _cell_areas_message(dataset: xr.Dataset, where: str, kinds: dict[str, str], dim: str) -> str | None:
    """The refusal of a file that holds only the cell areas of an unstructured grid (CMIP's
    ``areacella_fx_…_gn.nc``, :func:`~climann.data.gridless_cells.cell_area_names`): the areas of the
    data on that grid, not data, and not a model's grid file to attach with ``cdo setgrid`` (its data
    hold their own positions; break57a A5). The way out: the data alone, with the remap of the data
    file beside that names them in its ``cell_measures`` (the areas are not remapped: remapped as a
    field they are the native cells' areas, not the new cells', which climann computes; A3); None
    for any other file."""
    names = cell_area_names(dataset, set(kinds.values()))
    if not names:
        return None
    said = (f"{where} holds only the cell areas ({', '.join(names)}) of an unstructured grid ('{kinds['latitude']}' "
            f"and '{kinds['longitude']}' on '{dim}', {dataset.sizes[dim]} cells): the areas of data on that grid, not "
            "data; leave it out (do not remap it: remapped as a field it holds the native cells' areas, not the new "
            "cells', whose areas climann computes)")
    source = dataset.encoding.get("source")
    data = measured_files_beside(Path(source), names, dataset.sizes[dim]) if source else []
    if not data and not {name.lower() for name in names} & {"areacella", "areacello"}:
        return None  # ICON's grid file holds cell_area too: a grid file unless data name it (grid_file_message)
    if not data:
        return f"{said} and give the data file on this grid alone: climann then gives its remap to a regular grid"
    with open_netcdf(data[0], decode_times=False, decode_timedelta=False) as opened:
        data_kinds = {kind: name for kind, name in kinds.items() if name in opened.variables}
        if len(data_kinds) < 2:
            return f"{said} and give {shown_path(data[0])} alone: climann then gives its remap to a regular grid"
        remap = _remap_way(has_cell_corners(opened, data_kinds, dim), _remap_target(opened, data_kinds),
                           source_and_copy(opened, suffix="remapped"), dataset_directions(opened),
                           unstructured=(opened, data_kinds, dim))
    return f"{said}, and remap {shown_path(data[0])}, which names them in its cell_measures, {remap}"


def _remap_way(corners: bool, target: RemapTarget, files: str, directions: Mapping[str, float], *,
               written: bool = False, unstructured: tuple[xr.Dataset, dict[str, str], str] | None = None) -> str:
    """The remap line of an unstructured grid's file (``files``: ``IN OUT`` as
    :func:`~climann.data.shell.source_and_copy` gives them) to ``target`` (:func:`remap_advice`), its
    copy, and the grid description it writes first, in a new folder ``remapped`` beside the file, made
    first (:func:`~climann.data.shell.copy_folder_of`), then the ``--data`` to give in its place: beside
    it (``X_remapped.nc``), a glob over their folder took both (fix56b). Placeholders (data built in
    memory) as before. ``written``: the file is one a line before writes (a Zarr store's NetCDF copy).

    ``unstructured``: the file's dataset, its latitude and longitude (kind → name) and their one
    dimension. Fields on it that do not name them in ``coordinates`` (E3SM's, MPAS's) are given the
    attribute in a copy in the new folder first, which the line removes once remapped: CDO aborted on
    them, "Unsupported generic coordinates" (break57a A1); text dates (MPAS's ``xtime``) are written
    as a CF time by the same CDO line (:func:`~climann.data.unstructured_copies.text_dates_operators`).
    """
    source = shlex.split(files)[0]
    if not written and not os.path.isfile(source):
        before, grid = target.grid(source)
        return remap_advice(corners, before, grid, files, directions=directions)
    folder = copy_folder_of(source, "remapped")
    copy = folder / copy_name(source)
    # CDO opens no path with a space: in a folder with one, the line runs inside it, each path named from there (fix57i)
    home = cdo_folder([source], folder)
    named = shown_path if home is None else (lambda path: shlex.quote(os.path.relpath(path, home)))
    before, grid = target.grid(str(copy), named)  # the grid description beside the copy: nothing else beside the file
    then = (f" (its copy in a new folder), then give --data {shown_path(copy)} in place of {shown_path(source)}"
            f"{others_given_as_before(source)}")
    first, remapped, last, dates, told = f"mkdir -p {shown_path(folder)} && ", named(source), "", "", ""
    if unstructured is not None and not written:
        dataset, kinds, dim = unstructured
        names = [name_in_file(dataset[kinds[kind]], kinds[kind]) for kind in ("latitude", "longitude")]
        if linked := coordinates_attributes(source, *names, dim):
            linked_copy = folder / f"{Path(copy).stem}_coordinates.nc"
            first += (f"{written_there(shown_path(linked_copy))}"
                      f"{attribute_command(linked, f'{shown_path(source)} {shown_path(linked_copy)}')} && ")
            remapped, last = named(linked_copy), f" && rm {shown_path(linked_copy)}"
            told = (f" (ncatted first names {' and '.join(names)} in the coordinates of every variable on '{dim}', "
                    "in a copy the line removes once remapped: CDO reads the grid only so)")
        if (found := text_dates_operators(dataset, dim)) is not None:
            dates, words = found
            told += f" ({words})"
    return remap_advice(corners, f"{before}", grid, f"{remapped} {named(copy)}", directions=directions,
                        first=first, then=then + told, last=last, dates=dates, inside=home)


def _remapped_beside(source: str) -> Path | None:
    """The copy that the remap advice of an unstructured grid's file ``source`` writes
    (``X_remapped.nc`` beside ``X.nc``, :func:`remap_advice`), when it is there and on a regular
    grid (a 1-D latitude and a 1-D longitude on dimensions of their own, as ``cdo remapcon`` writes
    them); None otherwise, and for a Zarr store."""
    if source in ("IN.nc", "") or is_zarr_store(source):
        return None
    remapped = Path(source).with_name(f"{Path(source).stem}_remapped.nc")
    if not remapped.is_file():
        return None
    try:
        with open_netcdf(remapped, decode_times=False, decode_timedelta=False) as opened:
            axes = {str(variable.attrs.get("standard_name", "")): variable.dims
                    for variable in opened.variables.values() if variable.ndim == 1}
    except (OSError, ValueError):
        return None
    latitude, longitude = axes.get("latitude"), axes.get("longitude")
    return remapped if latitude and longitude and latitude != longitude else None


def _remapped_beside_message(where: str, kinds: dict[str, str], dim: str, source: str, remapped: Path) -> str:
    """The refusal of an unstructured grid's file given beside its remapped copy (the remap advice
    followed in the same folder, then the folder given): the copy to give, and no second remap
    (break49d A3: the grid description ``X_grid.txt`` was called its corrected copy, and a remap into
    ``X_remapped_2.nc`` proposed)."""
    return (f"{where}: the grid is unstructured (latitude '{kinds['latitude']}' and longitude '{kinds['longitude']}' "
            f"both lie on the one horizontal dimension '{dim}'), and climann needs a regular one; {remapped.name}, "
            f"beside it, is its remap to a regular grid (the copy climann's remap advice writes): give "
            f"{shown_path(remapped)} in place of {shown_path(source)}, i.e. move {shown_path(source)} out of the files "
            "given to climann (a folder is read whole), and run again")


def has_cell_corners(dataset: xr.Dataset, kinds: dict[str, str], dim: str) -> bool:
    """Whether the latitude and longitude of an unstructured grid (``kinds``: kind → name, on
    ``dim``) both name CF cell bounds (CF 1.8 §7.1, ``bounds``) held in ``dataset`` on ``dim`` and
    one more dimension (the vertices): what CDO's conservative remapping (``remapcon``) needs;
    without them it aborts ("Source grid cell corner coordinates missing!", fix44d)."""
    for name in kinds.values():
        bounds = str(dataset[name].attrs.get("bounds", dataset[name].encoding.get("bounds", ""))).strip()
        if bounds not in dataset.variables or dataset.variables[bounds].dims[:1] != (dim,) \
                or dataset.variables[bounds].ndim != 2:
            return False
    return True


def remap_advice(corners: bool, before: str, grid: str, files: str, *,
                 directions: Mapping[str, float] | None = None, first: str = "", then: str = "", last: str = "",
                 dates: str = "", inside: Path | None = None) -> str:
    """The CDO line that remaps an unstructured grid's file (``files``: ``IN OUT``) to ``grid``
    (``before``: the words that write its description), for the message: conservative
    (``remapcon``) when the cell corners are in the file, else distance-weighted (``remapdis``,
    which needs only the centres) with, in words, the way to a conservative one: the model's grid
    file, which holds the corners, given to ``-setgrid``. The file's ``directions`` (name → radians
    per unit, :func:`~climann.data.direction_regrid.dataset_directions`) are remapped by their
    sine and cosine and recovered with atan2 (:func:`~climann.data.direction_regrid.cdo_direction_chain`):
    a weighted mean of the angles as numbers puts 350° and 10° at 180° (fix52k; Fisher 1993, §2.2).
    ``first``: words that begin the line (the ``mkdir -p`` of the copy's new folder); ``then``: words
    right after it (the ``--data`` to give); ``last``: words that end the line (the removal of a copy
    it wrote first); ``dates``: CDO operators put before the remap (``-settaxis``, which writes text
    dates as a CF time). ``inside``: the folder the line runs CDO in after ``first``
    (``( cd 'my data' && … )``: CDO opens no path with a space, :func:`~climann.data.shell.in_cdo_folder`),
    ``before``, ``grid`` and ``files`` naming their paths from there."""
    # CDO writes over a file there, as the shell's > does: neither written over (followed twice)
    kept = (written_there(grid) if before else "") + written_there(files)
    directions = dict(directions or {})
    told = (f" ({', '.join(directions)}: a direction, remapped by its sine and cosine and recovered with atan2, as "
            "its values averaged as numbers put 350° and 10° at 180°)") if directions else ""
    method = "remapcon" if corners else "remapdis"
    chain = cdo_direction_chain(f"{method},{grid}", directions)
    if dates:
        chain = f"{dates} {chain if chain.startswith('-') else '-' + chain}"
    command = f"{kept}{before}cdo {chain} {files}"
    if inside is not None:
        command = f"( cd {shown_path(inside)} && {command} )"
    line = f"e.g. `{first}{command}{last}`{then}{told}"
    if corners:
        return line
    return (f"{line} "
            "(inverse-distance weighted: the cell corners that "
            "conservative remapping, remapcon, needs are not in the file; for remapcon, put -setgrid, followed by the "
            "path of the model's grid file, which holds them, before the input)")


def _remap_target(dataset: xr.Dataset, kinds: dict[str, str]) -> RemapTarget:
    """The regular grid near the mean spacing of the unstructured grid of ``dataset``'s latitude
    and longitude (``kinds``: kind → name; in degrees or another angle unit, ICON's radians)."""
    with dask.config.set(scheduler="synchronous"):  # metadata, not a data computation
        values = {kind: np.asarray(dataset[name].values, np.float64)
                  * (_angle_scale(str(dataset[name].attrs.get("units", "")).strip()) or 1.0)
                  for kind, name in kinds.items()}
    return remap_target(values["latitude"], values["longitude"])


def _unstructured_store(where: str, kinds: dict[str, str], dim: str, store: str, target: RemapTarget,
                        corners: bool, directions: Mapping[str, float]) -> ClimannError:
    """The refusal of a Zarr store on an unstructured grid: CDO, whose remapping the refusal
    of a NetCDF file gives (:func:`remap_advice`; ``corners``: :func:`has_cell_corners`), reads
    no store, so the store is first written as NetCDF into a new folder beside it
    (one xarray line) and that file remapped (to ``target``); in Python a store is regridded
    with xESMF."""
    # the NetCDF copy under the store's name into a new folder, its remap into one inside that: beside the store
    # (u_netcdf.nc, u_netcdf_remapped.nc), a glob over their folder took them (fix56b)
    folder = copy_folder_of(store, "as_netcdf")
    netcdf = folder / f"{Path(store).stem}.nc"
    export = f"mkdir -p {shown_path(folder)} && " + python_command(
        f"import sys, xarray as xr; d = xr.open_zarr({working_path(store)!r}, decode_times=False); "
        + whole_write(target=repr(working_path(netcdf))))
    remap = _remap_way(corners, target, f"{shown_path(netcdf)} OUT.nc", directions, written=True)
    return ClimannError(
        f"{where}: the grid is unstructured (latitude '{kinds['latitude']}' and longitude '{kinds['longitude']}' both "
        f"lie on the one horizontal dimension '{dim}'), and climann needs a latitude-longitude, rotated, projected or "
        "curvilinear grid; CDO, which remaps it, reads NetCDF only (a Zarr store is regridded in Python with xESMF): "
        f"write the store as NetCDF, `{export}`, then remap that to a regular grid near its own spacing "
        f"({target.words()}), {remap}")


def _axes_of_their_dimension(dataset: xr.Dataset, found: dict[str, str], where: str) -> xr.Dataset:
    """``dataset`` with each 1-D latitude(y) or longitude(x) that is the only latitude or
    longitude on a dimension without a coordinate variable made that dimension's coordinate
    (:meth:`xarray.Dataset.swap_dims`, the dimension renamed after it): files that do not link
    it through a ``coordinates`` attribute (CF 1.8 §5) still have it."""
    on_dims: dict[str, list[str]] = {}
    for name in found:
        if dataset[name].ndim == 1:
            on_dims.setdefault(str(dataset[name].dims[0]), []).append(name)
    swaps = {dim: names[0] for dim, names in on_dims.items()
             if len(names) == 1 and dim not in dataset.variables and names[0] != dim
             and any(dim in variable.dims for other, variable in dataset.data_vars.items() if other not in found)}
    if not swaps:
        return dataset
    for dim, name in swaps.items():  # once a run, not once a file: MOD08_M3 comes one file a month (break34a A3)
        note_once(_log, logging.WARNING, f"{where}: {found[name]} '{name}' is taken as the axis of dimension '{dim}' "
                  "(its standard_name or units say what it is; no coordinates attribute names it), as in any other "
                  "file given where it is so", key=("axis of its dimension", found[name], name, dim))
    return dataset.set_coords([n for n in swaps.values() if n not in dataset.coords]).swap_dims(swaps)


def _checked_axis(dataset: xr.Dataset, name: str, kind: str, where: str) -> xr.Dataset:
    """One 1-D latitude or longitude axis: NaN, repeated values refused; out of order sorted."""
    values = np.asarray(dataset[name].values, np.float64)
    missing = np.flatnonzero(~np.isfinite(values))
    if missing.size:
        raise ClimannError(
            f"{where}: {kind} '{name}' has {missing.size} missing (NaN) value{'s' * (missing.size > 1)} "
            f"(at index {int(missing[0])} of {values.size}), so its cells have no place; give every {kind} a value "
            f"or leave those cells out (e.g. with xarray: ds.dropna('{name}', subset=['{name}']))"
        )
    unique, counts = np.unique(values, return_counts=True)
    if (counts > 1).any():
        value = float(unique[counts > 1][0])
        raise ClimannError(
            f"{where}: {kind} '{name}' holds {value:g} {int(counts[counts > 1][0])} times, so its cells would count "
            f"more than once; keep one of each, e.g. with xarray: ds.drop_duplicates('{name}').to_netcdf(...)"
        )
    steps = np.diff(np.unwrap(values, period=360.0) if kind == "longitude" else values)
    in_order = (steps > 0).all() or (steps < 0).all()
    if kind == "longitude":
        # A region across the seam of the file's convention stored ascending (0.25, …, 17.75, 350.25, …,
        # 357.75 in 0…360, as `cdo sellonlatbox,0,360,…` leaves it) is in order: sorting it by value
        # changes nothing, and its cells are placed round the circle (climann.data.geometry).
        in_order = in_order or (np.diff(values) > 0).all()
    if steps.size and not in_order:
        _note(f"{where}: {kind} '{name}' is not in order; its cells are sorted by {kind}")
        return dataset.sortby(name)
    return dataset


def _in_range(dataset: xr.Dataset, name: str, where: str) -> None:
    """Refuse a latitude with values outside −90…90° (after conversion to degrees)."""
    values = np.asarray(dataset[name].values, np.float64)
    values = values[np.isfinite(values)]
    low, high = LATITUDE_RANGE
    if values.size and (values.min() < low - _RANGE_TOLERANCE or values.max() > high + _RANGE_TOLERANCE):
        raise ClimannError(
            f"{where}: latitude '{name}' values {values.min():g}…{values.max():g} lie outside −90…90 (a colatitude, "
            f"or wrong units?); store latitudes in degrees_north, e.g. for a colatitude "
            f"{_colatitude_fix(dataset, name)}"
        )


def _colatitude_fix(dataset: xr.Dataset, name: str) -> str:
    """The command that makes the colatitudes of ``name`` latitudes (90 minus each) in a copy of
    its file (:func:`~climann.data.shell.values_command`), in backticks, the copy in a new folder
    ``latitudes_fixed`` (:func:`_one_copy`)."""
    own = ncap2_name(name)
    return _one_copy(lambda files: values_command([f"{own}=90-{own}"],
                                                  [xarray_values(name, f"90 - {xarray_data(name)}")], files),
                     source_and_copy(dataset, dataset[name]), "latitudes_fixed")


def _one_copy(command: Callable[[str], str], files: str, name: str) -> str:
    """``command(IN OUT)`` in backticks, the copy of the user's file (``files``: ``IN OUT`` as
    :func:`~climann.data.shell.source_and_copy` gives them) written under its own name into a new folder
    ``name`` beside it, then the ``--data`` to give in its place (:func:`~climann.data.shell.one_copy_advice`):
    beside the file (``X_fixed.nc``), a glob over their folder took both (fix56b). Placeholders and a Zarr
    store as they are."""
    return one_copy_advice(lambda arguments: f"`{command(arguments)}`", files, name)


def checked_coordinates(dataset: xr.Dataset, where: str = "the file") -> xr.Dataset:
    """One opened file's latitudes and longitudes, checked and in ``degrees_north`` /
    ``degrees_east`` on ordered axes (see the module's description).

    Parameters
    ----------
    dataset : xarray.Dataset
        One file, lazily opened (its data are not read; its latitudes and longitudes are).
    where : str
        The file's name, for the messages.

    Returns
    -------
    xarray.Dataset
        With radian, southward or westward latitudes and longitudes (and their bounds) in
        degrees north and east, 1-D latitude/longitude data variables as the axes of their
        dimension, and 1-D axes out of order sorted by value (lazily, every variable following).

    Raises
    ------
    ClimannError
        For a latitude outside −90…90°, a NaN or a repeated value in a 1-D latitude or longitude
        axis, or an unstructured grid (latitude and longitude on one dimension), naming the
        coordinate and the way out.
    """
    dataset = _plain_degree_axes(dataset, where)
    dataset = _plain_degrees_as_positions(dataset, where)
    dataset = _track_beside_grid(dataset, where, _geographic_variables(dataset))
    _unstructured(dataset, where, _geographic_variables(dataset))
    dataset = _in_degrees(dataset, where)
    dataset = _axes_of_their_dimension(dataset, _geographic_variables(dataset), where)
    # The coordinates are metadata, read with dask's synchronous scheduler (not a data computation).
    with dask.config.set(scheduler="synchronous"):
        for name, kind in _geographic_variables(dataset).items():
            if kind == "latitude":
                _in_range(dataset, name, where)
            if dataset[name].dims == (name,):
                dataset = _checked_axis(dataset, name, kind, where)
    # (a NaN in a 2-D latitude or longitude is judged with the data: climann.data.grids.eliminated_cells)
    return dataset
