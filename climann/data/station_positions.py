"""Stations whose positions are given at every time step: fixed places, or platforms that move.

WAVEWATCH III's point output (``ww3_ounp``) writes each station's position at every time step,
``latitude(time, station)`` and ``longitude(time, station)``, moored buoys and drifting ones
alike. climann trains on fixed places, so as a file is opened
(:func:`with_station_positions_fixed`):

- the stations the run uses are those chosen with ``select`` (``--select station=3``, by the
  rules of :mod:`climann.data.stations`), else all of them;
- when none of those moves (every step holds exactly the values of the first, a missing value
  equal to a missing one), the positions become ``latitude(station)`` and
  ``longitude(station)``, the first step's, and the file is read as any station file; a station
  that is not used and moves gets no position (NaN): it is left out as the station is chosen;
- when one of them moves, the file is refused in one line naming it and its whole drift over
  the record (the range of its latitude and its longitude, a longitude taken round the circle
  from the first: a buoy drifting across 180° spans a few degrees, not 360), with the xarray line
  that gives each station its mean position (a moored buoy whose recorded position wanders) and
  the way out for a platform that travels (a grid); without a choice, the stations that keep
  their place are named as the ones ``select`` can take.

A drifting buoy among moored ones no longer makes the moored ones unusable (rerun34 F2). Positions
on a dimension that no data variable lies on are no stations (several storms' ``storm_lat(time,
storm)`` beside data on a grid): left to :mod:`climann.data.coordinate_values`, which leaves a
track beside a grid out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import dask
import numpy as np
import xarray as xr

from climann.data.coords import geographic_kinds, time_coordinate
from climann.data.shell import source_and_copy, xarray_command
from climann.data.stations import chosen_station_index, station_choice, station_text
from climann.errors import ClimannError

__all__ = ["with_station_positions_fixed", "positions_by_station", "position_record", "PositionRecord"]

#: At most this many values of a position are read at once (about 32 MiB in float64).
_CHECKED_VALUES_AT_ONCE = 2**22

#: At most this many stations are named in a message.
_SHOWN = 3


@dataclass(frozen=True)
class PositionRecord:
    """What one position variable, ``latitude(time, station)``, does over the record, by station.

    Attributes
    ----------
    moves : numpy.ndarray of bool, shape (n_stations,)
        Whether some step differs from the first (a missing value differs from a value).
    first_change : numpy.ndarray of int, shape (n_stations,)
        The first step that differs, counting from 0; -1 where none does.
    low, high : numpy.ndarray of float, shape (n_stations,)
        The smallest and largest value over the record, in the variable's units (NaN where every
        step is missing); a longitude's taken round the circle from its first step's value.
    missing : numpy.ndarray of int, shape (n_stations,)
        The number of steps without a value.
    """

    moves: np.ndarray
    first_change: np.ndarray
    low: np.ndarray
    high: np.ndarray
    missing: np.ndarray


def position_record(variable: xr.Variable, time_dim: str, *, longitude: bool = False) -> PositionRecord:
    """The record of ``variable`` (``(time_dim, station)``) at each station, read in blocks of steps
    with dask's synchronous scheduler (positions are metadata, not data).

    Parameters
    ----------
    variable : xarray.Variable
        A latitude or longitude of shape (n_time, n_stations), time first.
    time_dim : str
        Its time dimension.
    longitude : bool
        Whether it is a longitude: each value is then taken within ±180° of the station's first
        (``first + ((value - first + 180) mod 360 - 180)``), so that a drift across the
        antimeridian is the few degrees it is.

    Returns
    -------
    PositionRecord
    """
    first = np.asarray(variable.isel({time_dim: 0}).values, np.float64)
    n_steps, n_stations = variable.shape
    moves, first_change = np.zeros(n_stations, bool), np.full(n_stations, -1)
    low, high, missing = np.full(n_stations, np.nan), np.full(n_stations, np.nan), np.zeros(n_stations, int)
    block = max(1, _CHECKED_VALUES_AT_ONCE // max(n_stations, 1))
    with dask.config.set(scheduler="synchronous"):
        for start in range(0, n_steps, block):
            values = np.asarray(variable.isel({time_dim: slice(start, start + block)}).values, np.float64)
            differs = ~((values == first) | (np.isnan(values) & np.isnan(first)))
            newly = differs.any(axis=0) & ~moves
            first_change[newly] = start + np.argmax(differs[:, newly], axis=0)
            moves |= newly
            if longitude:
                values = np.where(np.isnan(first), values, first + ((values - first + 180.0) % 360.0 - 180.0))
            missing += np.isnan(values).sum(axis=0)
            low, high = np.fmin(low, _reduced(np.fmin, values)), np.fmax(high, _reduced(np.fmax, values))
    return PositionRecord(moves, first_change, low, high, missing)


def _reduced(reduce: np.ufunc, values: np.ndarray) -> np.ndarray:
    """``reduce`` (np.fmin, np.fmax) over the steps, NaN where every step is missing, without warnings."""
    return reduce.reduce(values, axis=0, initial=np.nan) if values.size else np.full(values.shape[1:], np.nan)


def positions_by_station(dataset: xr.Dataset, time_dim: str) -> dict[str, dict[str, str]]:
    """The latitude and longitude given at each time step of each station, by the station
    dimension: ``{"station": {"latitude": "latitude", "longitude": "longitude"}}`` for
    ``latitude(time, station)`` and ``longitude(time, station)`` (either order), found by CF
    ``standard_name`` or ``units``; a dimension without exactly one of each is left out."""
    found: dict[str, dict[str, list[str]]] = {}
    for name, variable in dataset.variables.items():
        kinds = geographic_kinds(variable) if variable.ndim == 2 and time_dim in variable.dims else set()
        if len(kinds) == 1:
            station = next(str(dim) for dim in variable.dims if dim != time_dim)
            found.setdefault(station, {}).setdefault(kinds.pop(), []).append(str(name))
    return {station: {kind: names[0] for kind, names in kinds.items()} for station, kinds in found.items()
            if set(kinds) == {"latitude", "longitude"} and all(len(names) == 1 for names in kinds.values())}


def with_station_positions_fixed(dataset: xr.Dataset, select: Mapping[str, object] | None = None, *,
                                 where: str = "the file") -> xr.Dataset:
    """``dataset`` with each station's position given at every time step made one place per
    station, once the stations the run uses are checked not to move (see the module's description).

    Parameters
    ----------
    dataset : xarray.Dataset
        One opened file, its time coordinate on its dimension (lazy; not modified).
    select : mapping of dimension name to value, optional
        The run's selection; an entry naming a station dimension chooses the one station checked
        (:func:`~climann.data.stations.chosen_station_index`: its index, value or name).
    where : str
        The file's name, for the messages.

    Returns
    -------
    xarray.Dataset
        The same dataset without such positions; else with ``latitude(time, station)`` and
        ``longitude(time, station)`` replaced by coordinates ``latitude(station)`` and
        ``longitude(station)`` (their first step; NaN for a station not used that moves).

    Raises
    ------
    ClimannError
        If the chosen station moves, or, none chosen, any station does, naming it and its
        whole drift; if the value chosen is no station of the file.
    """
    if (time := time_coordinate(dataset)) is None:
        return dataset
    time_dim = str(dataset[time].dims[0])
    for station, names in positions_by_station(dataset, time_dim).items():
        if not _data_on(dataset, station, names):
            continue  # no data of these places: a storm's track beside a grid (climann.data.coordinate_values)
        chosen = (select or {}).get(station)
        used = None if chosen is None else chosen_station_index(dataset, station, chosen, where=where)
        variables = {kind: dataset[name].variable.transpose(time_dim, station) for kind, name in names.items()}
        records = {kind: position_record(variable, time_dim, longitude=kind == "longitude")
                   for kind, variable in variables.items()}
        moving = records["latitude"].moves | records["longitude"].moves
        if moving[slice(None) if used is None else used].any():
            raise ClimannError(_moving_message(dataset, names, records, (station, time_dim), used, where))
        fixed = {names[kind]: xr.Variable((station,), np.where(moving, np.nan, _first_step(variable, time_dim)),
                                          dict(variable.attrs), dict(variable.encoding))
                 for kind, variable in variables.items()}
        dataset = dataset.drop_vars(list(fixed)).assign_coords(fixed)
    return dataset


def _data_on(dataset: xr.Dataset, station: str, names: dict[str, str]) -> bool:
    """Whether a data variable other than the positions ``names`` lies on ``station``: the
    places hold data (WAVEWATCH III's ``hs(time, station)``), rather than tracing where something
    was beside data on a grid (several storms' ``storm_lat(time, storm)``)."""
    return any(station in variable.dims for name, variable in dataset.data_vars.items()
               if name not in names.values())


def _first_step(variable: xr.Variable, time_dim: str) -> np.ndarray:
    with dask.config.set(scheduler="synchronous"):
        return np.asarray(variable.isel({time_dim: 0}).values)


def _moving_message(dataset: xr.Dataset, names: dict[str, str], records: dict[str, PositionRecord],
                    dims: tuple[str, str], used: int | None, where: str) -> str:
    """The refusal of a station that moves: the one chosen (``used``), else the first that does,
    with its drift over the whole record, the other stations that move, and the ways out."""
    station, time_dim = dims
    moving = np.flatnonzero(records["latitude"].moves | records["longitude"].moves)
    index = int(moving[0]) if used is None else used
    changes = [int(record.first_change[index]) for record in records.values() if record.first_change[index] >= 0]
    step = min(changes)
    times = dataset[time_dim].values
    label = _label(dataset, station, index)
    who = f"the station chosen, {label}," if used is not None else label
    listed = ", ".join(_label(dataset, station, int(each)) for each in moving[:_SHOWN]) + ", …" * (moving.size > _SHOWN)
    others = "" if used is not None or moving.size == 1 else (
        f" ({moving.size} of the {dataset.sizes[station]} stations move: {listed})")
    mean = [f"d[{name!r}] = d[{name!r}].mean({time_dim!r}, keep_attrs=True)" for name in names.values()]
    return (
        f"{where}: the positions {' and '.join(repr(each) for each in names.values())} are given at each time step "
        f"of each {station}, and {who} moves: over the record ({times[0]} to "
        f"{times[-1]}) {_drift(dataset, names, records, index)}, changing first at time step {step} counting from 0 "
        f"({times[step]}){others}; climann trains on fixed places{_fixed_ones(dataset, station, records, used)}; "
        f"if each {station} keeps to one place and only its recorded position wanders (a moored buoy), give each "
        f"its mean position in a copy: {xarray_command(mean, source_and_copy(dataset, dataset[names['latitude']]))}; "
        "a platform that travels (a ship, a drifter) has no series of one place: bin its observations onto a "
        "latitude-longitude grid first"
    )


def _label(dataset: xr.Dataset, station: str, index: int) -> str:
    """``station PAR (index 1)``: the station by its stored id (:func:`~climann.data.stations.station_text`)."""
    return f"{station} {station_text(dataset, station, index)}"


def _drift(dataset: xr.Dataset, names: dict[str, str], records: dict[str, PositionRecord], index: int) -> str:
    """``'latitude' spans 44.4444 to 47.4444 degree_north (3 degree_north) and 'longitude' …``, and
    the steps without a position."""
    parts = []
    for kind, name in names.items():
        record, units = records[kind], dataset[name].attrs.get("units", "")
        low, high = record.low[index], record.high[index]
        parts.append(f"{name!r} spans {low:.6g} to {high:.6g} {units} ({high - low:.6g} {units})".replace(" )", ")"))
    missing = max(int(record.missing[index]) for record in records.values())
    return " and ".join(parts) + (f", {missing} steps without a position" if missing else "")


def _fixed_ones(dataset: xr.Dataset, station: str, records: dict[str, PositionRecord], used: int | None) -> str:
    """With no station chosen, the way to train on one that keeps its place: ``--select station=3``."""
    still = np.flatnonzero(~(records["latitude"].moves | records["longitude"].moves))
    if used is not None or not still.size:
        return ""
    shown = [station_choice(dataset, station, int(each)) for each in still[:_SHOWN]]
    return (f"; {still.size} of its {station}s keep their place and can be trained on one at a time with "
            f"--select {station}={shown[0]} ({', '.join(shown)}{', …' * (still.size > _SHOWN)})")
