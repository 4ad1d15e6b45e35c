"""The files of one variable's series must agree on every scalar coordinate that says which
quantity their values are, not only on its level.

A CF scalar coordinate (CF 1.8 §5.7: one value, no dimension, named in the variable's
``coordinates`` attribute; or a coordinate of size 1) says more of a field than its level
(:mod:`climann.data.levels`, compared by :mod:`climann.data.series_files`): CMIP6 AERmon
``od550aer`` is the aerosol optical depth at ``wavelength = 550 nm`` (an 870 nm file is another
quantity); CF ``area_type`` says over which surface an area statistic is ("land", "sea_ice");
``basin`` or ``region`` labels name the region of a transport or index; a ``threshold`` says
which concentration a sea-ice extent counts (15 % or 30 %); a ``station_name`` says where a
series was measured. xarray combines files along time with the first file's value of such a
coordinate (``compat = "override"``), so two quantities became one series, exit 0.

:func:`scalar_coordinate_refusal` compares each such coordinate of a later file's variable with
the first file's (numbers in the first file's units with pint, as levels are; text as text) and
refuses, in one line, naming the coordinate, both values, both files and the way out. Not
compared, because they differ from file to file as a matter of course or are compared
elsewhere:

- time-like coordinates: values that are dates (a scalar ``time``, ``forecast_reference_time``,
  a GRIB file's ``valid_time``), a CF ``standard_name`` of ``time`` or
  ``forecast_reference_time``, ``axis = "T"``, or units ``<unit> since <date>`` (times not
  decoded). A lead time is *not* time-like: a 1-day and a 10-day forecast of ``tas`` are two
  quantities, as :func:`climann.data.levels.is_level` already holds for CF
  ``forecast_period``; a lead without that name (``leadtime = 1 day``) is compared here;
- levels (:func:`climann.data.levels.is_level`), compared with their own message;
- ensemble members (:func:`climann.data.members.is_member_axis`), judged as simulations
  (:mod:`climann.data.simulations`, :mod:`climann.data.duplicate_files`);
- the horizontal position (latitude, longitude, projection coordinates: the grid, compared when
  files are set on one grid), grid mappings, bounds, and climann's own coordinates.

A coordinate that only one of the files has is not compared (a file written by a tool that
dropped it says nothing), as a missing attribute is not (:mod:`climann.data.series_files`).
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import numpy as np
import xarray as xr

from climann.data.coords import FILE_TIME_COORDINATE, time_coordinate
from climann.data.layout import SPLIT_BLOCK_COORDINATE, SPLIT_SERIES_COORDINATE, Coordinate
from climann.data.levels import is_level, same_level
from climann.data.members import is_member_axis
from climann.data.notes import note_once
from climann.data.variables import scalar_coordinates

_log = logging.getLogger(__name__)

__all__ = ["is_station_identifier", "scalar_coordinate_refusal", "says_the_quantity", "series_way_out",
           "share_time_steps", "value_suffix"]

#: CF standard names of coordinates that differ between the files of a series as a matter of
#: course (the time of each file, its forecast's start) or that place it on the grid.
_NOT_OF_THE_QUANTITY = frozenset({
    "time", "forecast_reference_time", "latitude", "longitude", "grid_latitude", "grid_longitude",
    "projection_x_coordinate", "projection_y_coordinate", "projection_x_angular_coordinate",
    "projection_y_angular_coordinate",
})

#: Units of a latitude or longitude (CF §4.1, §4.2).
_HORIZONTAL_UNITS = frozenset({
    "degrees_north", "degree_north", "degree_n", "degrees_n", "degreen", "degreesn",
    "degrees_east", "degree_east", "degree_e", "degrees_e", "degreee", "degreese",
})

#: Units of a time not decoded (UDUNITS ``<unit> since <date>``).
_SINCE = re.compile(r"^\s*\w+\s+since\s+", re.IGNORECASE)

#: Names climann gives its own coordinates.
_OWN = frozenset({SPLIT_BLOCK_COORDINATE, SPLIT_SERIES_COORDINATE, FILE_TIME_COORDINATE})


def _is_time_like(coordinate: Coordinate) -> bool:
    """Whether a coordinate holds a date (a time stamp of the file, not a property of the quantity)."""
    value = np.asarray(coordinate.values)
    if value.dtype.kind == "M" or (value.dtype.kind == "O" and hasattr(value.item(), "calendar")):
        return True
    units = str(coordinate.attrs.get("units", ""))
    return str(coordinate.attrs.get("axis", "")).upper() == "T" or bool(_SINCE.match(units))


def says_the_quantity(dataset: xr.Dataset, coordinate: Coordinate) -> bool:
    """Whether a single-valued coordinate of a variable in ``dataset`` says which quantity its
    values are, and is compared between the files of a series (see the module's rules).

    Parameters
    ----------
    dataset : xarray.Dataset
        One opened file.
    coordinate : Coordinate
        One of its variable's single-valued coordinates, of shape ()
        (:func:`climann.data.variables.scalar_coordinates`).

    Returns
    -------
    bool
        False for a time-like coordinate, a level, an ensemble member, a horizontal position,
        a grid mapping and climann's own coordinates; True otherwise.
    """
    attrs = coordinate.attrs
    if coordinate.name in _OWN or "grid_mapping_name" in attrs:
        return False
    if attrs.get("standard_name") in _NOT_OF_THE_QUANTITY or str(attrs.get("axis", "")).upper() in ("X", "Y"):
        return False
    if str(attrs.get("units", "")).strip().lower() in _HORIZONTAL_UNITS:
        return False
    return not (_is_time_like(coordinate) or is_level(coordinate) or is_member_axis(dataset, coordinate.name))


def _shown(coordinate: Coordinate) -> str:
    """A coordinate's one value as text: ``550``, ``land``."""
    value = np.asarray(coordinate.values).item()
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return f"{value:g}" if isinstance(value, float) else str(value).strip()


def _value_text(coordinate: Coordinate) -> str:
    """``wavelength = 550 nm`` or ``area_type = land`` for a message."""
    units = str(coordinate.attrs.get("units", "")).strip()
    text = isinstance(np.asarray(coordinate.values).item(), (str, bytes))
    return f"{coordinate.name} = {_shown(coordinate)}{' ' + units if units and not text else ''}"


def _same_value(first: Coordinate, later: Coordinate) -> bool:
    """Whether two values of one coordinate are one: text equal once stripped (bytes decoded),
    numbers equal once converted to the first's units (:func:`climann.data.levels.same_level`)."""
    old, new = (np.asarray(coordinate.values).item() for coordinate in (first, later))
    old, new = (value.decode("utf-8", "replace") if isinstance(value, bytes) else value for value in (old, new))
    if isinstance(old, str) or isinstance(new, str):
        return str(old).strip() == str(new).strip()
    if isinstance(old, float) and isinstance(new, float) and np.isnan(old) and np.isnan(new):
        return True
    if np.asarray(first.values).dtype.kind == "m" or np.asarray(later.values).dtype.kind == "m":
        return bool(np.asarray(first.values) == np.asarray(later.values))
    return same_level(first, later)


def _quantity_coordinates(dataset: xr.Dataset, name: str) -> dict[str, Coordinate]:
    """{coordinate name: coordinate} of the single-valued coordinates of ``name`` that say its quantity."""
    return {str(coordinate.name): coordinate for coordinate in scalar_coordinates(dataset, name, ())
            if says_the_quantity(dataset, coordinate)}


def share_time_steps(first: xr.Dataset, later: xr.Dataset) -> bool:
    """Whether two files hold some time step in common.

    Files of two quantities at the same years are two variables side by side, which a
    ``[data] rename`` keeps apart; files of different years are not one run's pair (renamed,
    they cover periods that do not overlap and the run refuses them).

    Parameters
    ----------
    first, later : xarray.Dataset
        Two opened files (lazy; only their time coordinates are read).

    Returns
    -------
    bool
        True when some time stamp is in both; False when they share none or either has no time.
    """
    names = [time_coordinate(dataset) for dataset in (first, later)]
    if None in names:
        return False
    steps = [{str(value) for value in np.asarray(dataset[name].values).ravel()}
             for dataset, name in zip((first, later), names, strict=True)]
    return bool(steps[0] & steps[1])


def value_suffix(coordinate: Coordinate) -> str:
    """A coordinate's name and one value as a part of a variable name: ``plev_50000``,
    ``wavelength_870``, ``area_type_sea_ice``."""
    value = re.sub(r"\W+", "_", _shown(coordinate)).strip("_")
    return f"{coordinate.name}_{value}"


def series_way_out(name: str, what: str, new_name: str, later_path: Path, *, side_by_side: bool) -> str:
    """The way out of files of one variable that hold two quantities (two levels, two values of
    a scalar coordinate, two statistics): the files of one; and, only for files at the same time
    steps (:func:`share_time_steps`), the ``[data] rename`` that keeps both.

    Parameters
    ----------
    name : str
        The variable.
    what : str
        What differs, for the message: ``"level"``, ``"wavelength"``, ``"statistic"``.
    new_name : str
        The name the rename gives the later file's variable (``ta_plev_50000``).
    later_path : pathlib.Path
        The later file, whose name keys the rename.
    side_by_side : bool
        Whether the files share time steps. A rename of files of different years is not offered:
        followed, it is refused as variables of periods that do not overlap.

    Returns
    -------
    str
        The advice, to end a refusal.
    """
    one = f"give the files of one {what}"
    if not side_by_side:
        return f"{one} (a file of another {what} is another variable, not more of this series)"
    renamed = json.dumps({later_path.name: {name: new_name}}).replace(": ", " = ")
    return f"{one} or, to use both, give one a new name with [data] rename = {renamed}"


def scalar_coordinate_refusal(name: str, first: xr.Dataset, first_path: Path, later: xr.Dataset, later_path: Path,
                              *, later_name: str | None = None) -> str | None:
    """Why a later file's ``later_name`` (by default ``name``) is another quantity than ``name``
    of the first file by a scalar coordinate that is no level, or None when it is not.

    Parameters
    ----------
    name : str
        The variable, present in ``first``.
    first, later : xarray.Dataset
        The first file of the series that holds it, and a later one, as opened (lazy; only
        their single-valued coordinates are read).
    first_path, later_path : pathlib.Path
        Their files, for the message.
    later_name : str, optional
        The variable's name in ``later`` when it is another.

    Returns
    -------
    str or None
        One line naming the variable, the coordinate, its value in each file, both files and
        the way out (the files of one value; and, when the files share time steps, a ``[data]
        rename`` of the later file's variable that keeps both), for the first coordinate of the same name that
        :func:`says_the_quantity` and whose values differ (:func:`_same_value`).
    """
    refusal, renumbered = _station_number_refusal(name, first, first_path, later, later_path, later_name=later_name)
    if refusal is not None:
        return refusal
    theirs = _quantity_coordinates(later, later_name or name)
    for coordinate_name, own in _quantity_coordinates(first, name).items():
        other = theirs.get(coordinate_name)
        if other is None or _same_value(own, other) or coordinate_name in renumbered:
            continue
        way_out = series_way_out(name, coordinate_name, f"{name}_{value_suffix(other)}", later_path,
                                 side_by_side=share_time_steps(first, later))
        return (
            f"'{name}' is at {_value_text(own)} in {first_path.name} but at {_value_text(other)} in "
            f"{later_path.name} (CF scalar coordinates): two quantities, not one series; {way_out}")
    return None


#: Names (lower case) of coordinates that number or name a station, besides CF's ``cf_role =
#: "timeseries_id"`` (CF 1.8 §9.5): WAVEWATCH III's ``station``, NDBC's and OceanSITES' ids.
STATION_IDENTIFIER_NAMES = frozenset({"station", "station_id", "station_number", "station_name", "stations",
                                      "wmo_id", "wmo_number", "site_id", "buoy_id", "platform_id", "platform_code"})


def is_station_identifier(coordinate: Coordinate) -> bool:
    """Whether a single-valued coordinate numbers or names a station (CF ``cf_role =
    "timeseries_id"``, or a name of :data:`STATION_IDENTIFIER_NAMES`): which station, not which
    quantity; its place is what tells two stations apart."""
    return (coordinate.attrs.get("cf_role") == "timeseries_id"
            or str(coordinate.name).lower() in STATION_IDENTIFIER_NAMES)


def _station_number_refusal(name: str, first: xr.Dataset, first_path: Path, later: xr.Dataset, later_path: Path,
                            *, later_name: str | None = None) -> tuple[str | None, set[str]]:
    """Files of one place under two station numbers or names (a station's identifier differs,
    its position within :data:`~climann.data.point_pairs.SAME_PLACE_METRES`): over periods that
    share no time step, one station's series continued under a new number (a buoy renumbered,
    WAVEWATCH III's ``station`` 5 then 8 after a change of its station list), read as one
    series with a warning naming both (fix37j: WW3 files were read as ``station = 5`` without a
    word; CF station files were refused as "two quantities", whose way out, "give the files of
    one station_id", dropped half the record); at shared time steps, two records of one place
    side by side: refused, with the ``[data] rename`` that keeps both. Returns the refusal (or
    None) and the identifiers not to compare as a quantity's: those read as one station's, or,
    for files each of one place farther apart, every station identifier (files at two places are
    refused as such, :mod:`climann.data.point_pairs`: two WAVEWATCH III buoys' ``hs`` were "two
    quantities" by their ``station_name`` once its characters were read as text, break43c A4);
    none when the files are not each of one place (labels on a grid still as two quantities)."""
    from climann.data.point_pairs import SAME_PLACE_METRES, metres_apart, place_of

    theirs = {str(c.name): c for c in scalar_coordinates(later, later_name or name, ()) if is_station_identifier(c)}
    renumbered: set[str] = set()
    for own in scalar_coordinates(first, name, ()):
        other = theirs.get(str(own.name))
        if other is None or not is_station_identifier(own) or _same_value(own, other):
            continue
        places = place_of(first), place_of(later)
        if None in places:
            return None, renumbered
        apart = metres_apart(*(tuple(map(float, place)) for place in places))
        if apart >= SAME_PLACE_METRES:  # two places: refused as such, not as two quantities by their names
            return None, {str(c.name) for c in scalar_coordinates(first, name, ()) if is_station_identifier(c)}
        said = (f"{first_path.name} ({_value_text(own)}) and {later_path.name} ({_value_text(other)}) hold one "
                f"place ({apart:.2g} m apart)")
        if share_time_steps(first, later):
            way_out = series_way_out(name, str(own.name), f"{name}_{value_suffix(other)}", later_path,
                                     side_by_side=True)
            return (f"{said} at the same time steps: two records of '{name}' side by side, not one series; "
                    f"{way_out}"), renumbered
        renumbered.add(str(own.name))
        note_once(_log, logging.WARNING,
                  f"{said} over periods that follow one another: read as one station's series continued under a "
                  f"new {own.name} (kept as {_value_text(own)}); if they are two stations, give the files of one",
                  key=(__name__, "renumbered", str(first_path), str(later_path)))
    return None, renumbered
