"""Two files of one point each, at different places: a pair of stations, not two grids.

A file of one place is a grid of one cell to climann (:mod:`climann.data.stations`), whatever
way it gives its position (:func:`place_of`): scalar latitude and longitude (CF §5.7), a station
dimension of length 1 (``ncks -d station,0`` of a CF station file, ``lat(station)``), or a
position given at every time step and the same at each (WAVEWATCH III's point output cut to one
station, ``latitude(time, station)``, whose ``station`` dimension holds station numbers, not
degrees). Two such files whose positions differ hold two places;
interpolation (``cdo remapbil``, xESMF) brings a grid onto another grid, and cannot bring one
point onto another. Such files are refused as *different places* (:func:`different_places_message`).

Pairing them is still a common aim: an urban station's temperature against a rural one's (the
urban heat island, urban minus rural), a gauge against the gauge upstream. That is the user's
decision, not climann's: the advice gives the xarray line that writes the first file's position
into a copy of the other, and says that this takes the two stations as one place. Nothing is
moved silently.

Sources: CF conventions 1.8 §9 (discrete sampling geometries: a station is a point with no cell);
CDO user guide, ``remapbil`` (interpolation between grids).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import dask
import numpy as np
import xarray as xr

from climann.data.coordinate_values import geographic_kind
from climann.data.coords import time_coordinate
from climann.data.shell import copy_path, identifier, python_command, shown_path, whole_write, working_path
from climann.data.sources import files_text, two_names
from climann.data.stations import reordered_stations_advice
from climann.errors import ClimannError

#: Opens a file undecoded: ``opener(path, decode_times=False, chunks={})``.
Opener = Callable[..., xr.Dataset]

__all__ = ["blocks_at_places_message", "different_places_message", "files_at_different_places", "metres_apart",
           "place_grid", "place_of", "place_of_file", "position_text", "position_words", "two_places_message"]


def different_places_message(reference: Mapping[str, xr.DataArray], own: Mapping[str, xr.DataArray],
                             paths: tuple[Path, Path], *, opener: Opener | None = None) -> str | None:
    """The refusal of two files that each hold one place, at different positions, with the
    line that pairs them as one place if the user means to; None when either file holds more
    than one place (a grid: the advice is a regridding), lacks a latitude or longitude, or both
    are at the same position.

    Each file's place is read from its grid coordinates when they are of one cell, else from
    the file itself (:func:`place_of`: a position given at every time step, or a ``station``
    dimension of length 1 whose coordinate, station numbers, is no grid axis).

    Parameters
    ----------
    reference, own : mapping of str to xarray.DataArray
        Each file's grid coordinates (:func:`climann.data.open.grid_coordinates`), in degrees:
        size 1 each for a point (scalar, ``(1,)`` or ``(1, 1)``).
    paths : tuple of Path
        The reference's file (the target's: its position is kept) and the other file.
    opener : callable, optional
        Opens a file undecoded (``opener(path, decode_times=False, chunks={})``): climann's
        :func:`climann.data.open.open_input`, which writes no GRIB index beside the data; by
        default :func:`xarray.open_dataset`.

    Returns
    -------
    str or None
        E.g. ``"urban.nc and rural.nc hold different places, one point each: urban.nc at
        48.82° N, 2.34° E, rural.nc at 48.77° N, 2.01° E; a point is not interpolated onto another
        point …"``, ending with ``python -c "…"`` that writes ``rural_at_urban.nc``.
    """
    first, other = paths
    place = _position(reference) or place_of_file(first, opener=opener)
    own_place = _position(own) or place_of_file(other, opener=opener)
    if place is None or own_place is None:
        return None
    reordered = _reordered_stations(first, other, place, opener)
    if reordered:  # one station taken by its index from each of two files listing them in other orders
        return (f"{two_names(first, other)} hold different places, one point each: {first.name} at "
                f"{_shown(*place)}, {other.name} at {_shown(*own_place)}; {reordered}")
    shared = sorted(_measured_names(first, opener) & _measured_names(other, opener))
    return two_places_message((first.name, place), other, own_place, opener=opener, shared=shared)


def _reordered_stations(first: Path, other: Path, place: tuple[str, str], opener: Opener | None) -> str | None:
    """:func:`~climann.data.stations.reordered_stations_advice` of the two files as stored; None when either
    does not open."""
    try:
        with _opened(first, opener) as reference, _opened(other, opener) as dataset:
            return reordered_stations_advice(reference, dataset, place, (first.name, other.name))
    except (OSError, ValueError, KeyError, EOFError, ClimannError):
        return None


def files_at_different_places(reference: Path, other: Path, *, opener: Opener | None = None) -> str | None:
    """:func:`different_places_message` of two files read from their headers (``climann info``,
    which leaves a file on another grid out): None unless each holds one place, the two apart."""
    return different_places_message({}, {}, (reference, other), opener=opener)


def two_places_message(reference: tuple[str, tuple[str, str]], other: Path, own: tuple[str, str], *,
                       copy_suffix: str | None = None,
                       aim: str = "e.g. urban minus rural for an urban heat island",
                       opener: Opener | None = None, shared: Sequence[str] = ()) -> str | None:
    """The words of :func:`different_places_message`: ``reference`` (a file's name, or a run's
    training data, and its position) and the file ``other`` hold different places, one point
    each, with the line that writes the reference's position into a copy of ``other``.

    Parameters
    ----------
    reference : tuple of (str, tuple of str)
        What holds the place kept (``"urban.nc"``) and its latitude and longitude in degrees as
        text (``("48.82", "2.34")``, see :func:`place_of`).
    other : Path
        The file whose copy takes the reference's position (given in ``--data``).
    own : tuple of str
        ``other``'s latitude and longitude, as text.
    copy_suffix : str, optional
        What the copy's name adds to ``other``'s (default ``at_`` and the reference's stem:
        ``rural_at_urban.nc``).
    aim : str
        Why one would pair the two places, in the advice.
    opener : callable, optional
        Opens ``other`` (see :func:`different_places_message`).
    shared : sequence of str
        The variables both files hold (two buoys' ``hs``): the copy names each after its file
        (``hs_m6``), since one name is one series to climann and two at the same times are
        refused (fix37c: the line, run as printed, gave a copy refused as "'hs' is in both").

    Returns
    -------
    str or None
        None when the two positions are the same, or ``other``'s latitude and longitude are not
        found (no line can be written).
    """
    label, (lat, lon) = reference
    names = _raw_names(other, opener)
    if names is None or (float(lat), float(lon)) == (float(own[0]), float(own[1])):
        return None
    renamed = {name: identifier(f"{name}_{other.stem}") for name in shared}
    code = _position_copy_code(other, names, (lat, lon), copy_suffix or f"at_{Path(label).stem}", renamed)
    naming = (f" and names its {', '.join(renamed)} {', '.join(renamed.values())} (one name is one series: both "
              f"files hold {', '.join(renamed)})" if renamed else "")
    apart = metres_apart((float(lat), float(lon)), (float(own[0]), float(own[1])))
    line = f"`{python_command(code)}`, then give that copy in place of {other.name} in --data"
    if apart < SAME_PLACE_METRES:  # one buoy under two station numbers: no pair of places, nor a regridding
        return (f"{label} and {other.name} hold one point each, {apart:.2g} m apart: {label} at {_shown(lat, lon)}, "
                f"{other.name} at {_shown(*own)}: one place written twice, it seems (one buoy under two station "
                f"numbers, its position rounded or averaged apart); if they are one station, write {label}'s "
                f"position into a copy of {other.name}{naming}: {line}")
    return (f"{label} and {other.name} hold different places, one point each: {label} at {_shown(lat, lon)}, "
            f"{other.name} at {_shown(*own)}; a point is not interpolated onto another point (cdo remapbil "
            f"and xESMF regrid grids). To pair them ({aim}), and only if that is what you mean, write {label}'s "
            f"position into a copy of {other.name}, which takes the two stations as one place{naming}: {line}")


def _position_copy_code(other: Path, names: tuple[str, str], place: tuple[str, str], suffix: str,
                        renamed: Mapping[str, str] | None = None) -> str:
    """The xarray code that writes ``place`` (latitude and longitude as text) into the variables
    ``names`` of a copy of ``other`` beside it (named with ``suffix``), its variables ``renamed``."""
    copy = working_path(copy_path(other, suffix))
    return (f"import sys, xarray as xr; d = xr.open_dataset({working_path(other)!r}); "
            f"d = d.assign({{{names[0]!r}: xr.full_like(d[{names[0]!r}], {place[0]}), "
            f"{names[1]!r}: xr.full_like(d[{names[1]!r}], {place[1]})}})"
            f"{f'.rename({dict(renamed)!r})' if renamed else ''}; " + whole_write(target=repr(copy)))


def blocks_at_places_message(blocks: Sequence[tuple[str, Sequence[Path]]], *,
                             opener: Opener | None = None) -> str | None:
    """The refusal of split blocks (``[data] split_files``) that hold one place each, not all
    the same: a network trained at one site and scored at others (spatial transfer).

    A point is not interpolated onto another point: ``cdo remapbil`` onto a one-point file
    writes every value missing (break43d A7), so the refusal of blocks on different grids
    ("put them on one grid first") has no way out for them. The two that work: train on the
    train block's file alone (its years split in time) and score that run on each other site's
    file (``climann evaluate`` with ``--data``, which takes a file of one place as the run's
    grid of one cell); or keep the blocks as given and take the sites as one place, with the
    line that writes the train block's position into a copy of each other block's file
    (:func:`two_places_message`'s line, the variables' names kept: a block is one series).

    Parameters
    ----------
    blocks : sequence of (str, sequence of Path)
        Each block's name (``train`` first) and the files of its time-varying variables.
    opener : callable, optional
        Opens a file undecoded (see :func:`different_places_message`).

    Returns
    -------
    str or None
        The message; None unless every file holds one place (:func:`place_of_file`), each
        block's files the same, and the blocks not all at one.
    """
    places = []
    for name, files in blocks:
        found = {place_of_file(path, opener=opener) for path in files}
        if not files or len(found) != 1 or None in found:
            return None
        places.append((name, list(files), found.pop()))
    if len({(float(lat), float(lon)) for *_, (lat, lon) in places}) < 2:
        return None
    train, train_files, own = places[0]
    lines = []
    for _, files, place in places[1:]:
        for path in files:
            names = _raw_names(path, opener)
            if names is None:
                return None
            if (float(place[0]), float(place[1])) != (float(own[0]), float(own[1])):
                code = _position_copy_code(path, names, own, f"at_{train_files[0].stem}")
                lines.append(f"`{python_command(code)}`")
    listed = ", ".join(f"{files_text(files)} ({name}) at {_shown(*place)}" for name, files, place in places)
    others = [path for _, files, place in places[1:] for path in files]
    return (f"the split blocks hold different places, one point each: {listed}; a point is not interpolated onto "
            "another point (cdo remapbil and xESMF regrid grids: onto a point, every value comes out missing). To "
            f"score at one site a network trained at another, train on {files_text(train_files)} alone "
            f"({_data_options(train_files)}, its years split in time) and score that run on each other site's file "
            f"(climann evaluate with {' or '.join(_data_options([path]) for path in others)}); or, to keep these "
            f"blocks and take the sites as one place (the {train} block's position for all), write the {train} "
            f"block's position into a copy of each other block's file: {'; '.join(lines)}; then give those copies "
            "in --split-files in place of the originals")


def _data_options(files: Sequence[Path]) -> str:
    """``--data a.nc --data b.nc``: the files as climann's ``--data`` takes them, one each."""
    return " ".join(f"--data {shown_path(path)}" for path in files)


#: Two one-point files closer than this (metres on the WGS84 ellipsoid) hold one place written
#: twice (a moored buoy's watch circle is a few hundred metres; its mean positions in two records,
#: or one position rounded in two ways, lie closer), not two places to pair: the refusal says so.
SAME_PLACE_METRES = 100.0


def metres_apart(first: tuple[float, float], second: tuple[float, float]) -> float:
    """The geodesic distance between two (latitude, longitude) in degrees, in metres (pyproj's
    ``Geod.inv`` on WGS84, Karney 2013).

    Parameters
    ----------
    first, second : tuple of float
        Latitude and longitude in degrees.

    Returns
    -------
    float
        Metres.
    """
    from pyproj import Geod  # imported here: a process that pairs no points need not load it

    return float(Geod(ellps="WGS84").inv(first[1], first[0], second[1], second[0])[2])


def position_text(value: float) -> str:
    """A latitude or longitude as the shortest text that reads back to it, in float32 when it
    is a float32 value widened (``48.81999969482422`` → ``"48.82"``, as a model file records a
    float32 file's coordinates), else in float64."""
    narrow = np.float32(value)
    return np.format_float_positional(narrow if float(narrow) == float(value) else np.float64(value), trim="-")


def place_of(dataset: xr.Dataset) -> tuple[str, str] | None:
    """The one place a file holds, as latitude and longitude in degrees, or None when it holds
    several places (a grid, several stations, a platform that moves) or gives no position.

    One latitude and one longitude (CF ``standard_name`` or units, coordinates or data
    variables alike, cell bounds apart) whose every dimension is of length 1 but the time axis,
    along which the value stays the same at every step where it is given: scalar coordinates
    (CF §5.7), ``lat(station)`` with one station, WAVEWATCH III's ``latitude(time, station)``
    of a moored buoy cut to one station.

    Parameters
    ----------
    dataset : xarray.Dataset
        A file as stored (times decoded or not); its positions are read.

    Returns
    -------
    tuple of str or None
        The latitude and longitude as the shortest text that reads back to the stored values
        (``"48.7"`` for float32 48.7).
    """
    names = _position_names(dataset)
    if names is None:
        return None
    time = time_coordinate(dataset)
    time_dims = set(dataset[time].dims) if time is not None else set()
    values = []
    for name in names:
        variable = dataset.variables[name]
        if any(size != 1 for dim, size in variable.sizes.items() if dim not in time_dims):
            return None
        with dask.config.set(scheduler="synchronous"):
            given = np.asarray(variable.values).ravel()
        given = given[~np.isnan(given)] if given.dtype.kind == "f" else given
        if given.size == 0 or (given != given[0]).any():
            return None
        values.append(np.format_float_positional(given[0], trim="-"))
    return values[0], values[1]


def place_grid(dataset: xr.Dataset, grid: dict[str, xr.DataArray]) -> dict[str, xr.DataArray]:
    """The grid coordinates by which files are compared (``grid``, of
    :func:`climann.data.open.grid_coordinates`), made the file's one place when they are no
    latitude and longitude of one cell while the file holds one place (:func:`place_of`):
    WAVEWATCH III's ``station`` numbers (``axis = "X"``) are not longitudes in degrees.

    Parameters
    ----------
    dataset : xarray.Dataset
        The file as stored.
    grid : dict of str to xarray.DataArray
        Its grid coordinates as found.

    Returns
    -------
    dict of str to xarray.DataArray
        ``grid``, or the latitude and longitude of the place as 1-D axes of one value each,
        ``(1,)``, under the file's names, with their attributes.
    """
    if _position(grid) is not None:
        return grid
    names, place = _position_names(dataset), place_of(dataset)
    if names is None or place is None:
        return grid
    return {name: xr.DataArray(np.asarray([float(value)], dataset[name].dtype), dims=(name,),
                               attrs=dataset[name].attrs)
            for name, value in zip(names, place, strict=True)}


def _position_names(dataset: xr.Dataset) -> tuple[str, str] | None:
    """The names of the one latitude and the one longitude among ``dataset``'s variables (by
    :func:`~climann.data.coordinate_values.geographic_kind`, cell bounds apart); None when
    either is missing or there are several."""
    bounds = {str(variable.attrs.get("bounds")) for variable in dataset.variables.values()}
    found: dict[str, list[str]] = {"latitude": [], "longitude": []}
    for name in map(str, dataset.variables):
        variable = dataset[name]
        kind = geographic_kind(name, variable) if name not in bounds and variable.dtype.kind in "fiu" else None
        if kind is not None:
            found[kind].append(name)
    if len(found["latitude"]) != 1 or len(found["longitude"]) != 1:
        return None
    return found["latitude"][0], found["longitude"][0]


def _position(coordinates: Mapping[str, xr.DataArray]) -> tuple[str, str] | None:
    """The latitude and longitude of grid coordinates of one cell, as the shortest text that
    reads back to the stored values (``"48.82"`` for float32 48.82), or None for a grid of
    several cells or coordinates that are not a latitude and a longitude (a ``station`` axis)."""
    if not coordinates or any(values.size != 1 for values in coordinates.values()):
        return None
    found = {geographic_kind(name, values): values for name, values in coordinates.items()}
    if "latitude" not in found or "longitude" not in found:
        return None
    return (np.format_float_positional(found["latitude"].values.ravel()[0], trim="-"),
            np.format_float_positional(found["longitude"].values.ravel()[0], trim="-"))


def place_of_file(path: Path, *, opener: Opener | None = None) -> tuple[str, str] | None:
    """:func:`place_of` the file at ``path``, read undecoded with ``opener`` (see
    :func:`different_places_message`); None when it does not open or holds no one place."""
    try:
        with _opened(path, opener) as dataset:
            return place_of(dataset)
    except (OSError, ValueError, KeyError, EOFError, ClimannError):
        return None


def _opened(path: Path, opener: Opener | None) -> xr.Dataset:
    """``path`` opened undecoded by ``opener``, else by :func:`xarray.open_dataset`."""
    return (opener or xr.open_dataset)(path, decode_times=False, chunks={})


def _raw_names(path: Path, opener: Opener | None = None) -> tuple[str, str] | None:
    """The names of the latitude and longitude as stored in ``path`` (before climann renamed
    them to the target file's), for the line that edits a copy of it; None when not found."""
    try:
        with _opened(path, opener) as dataset:
            return _position_names(dataset)
    except (OSError, ValueError, KeyError, EOFError, ClimannError):
        return None


def _measured_names(path: Path, opener: Opener | None = None) -> set[str]:
    """The variables along time of ``path`` other than its position (what a pair's two files
    may both hold: two buoys' ``hs``); empty when it does not open."""
    try:
        with _opened(path, opener) as dataset:
            time = time_coordinate(dataset)
            position = set(_position_names(dataset) or ())
            return {str(name) for name, variable in dataset.data_vars.items()
                    if time is not None and time in variable.dims and str(name) not in position}
    except (OSError, ValueError, KeyError, EOFError, ClimannError):
        return set()


def position_words(lat: str, lon: str) -> str:
    """A position in words: ``48.82° N, 2.34° E`` (``-8.86° N`` as ``8.86° S``), from
    :func:`position_text`'s latitude and longitude."""
    north = f"{lat.removeprefix('-')}° {'S' if lat.startswith('-') else 'N'}"
    east = f"{lon.removeprefix('-')}° {'W' if lon.startswith('-') else 'E'}"
    return f"{north}, {east}"


_shown = position_words
