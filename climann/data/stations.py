"""Station time series (CF discrete sampling geometries): one station is a point, several are chosen from.

A CF station file (CF conventions 1.8 §9, ``featureType = "timeSeries"``) lists its stations
along an *instance dimension*: ``tas(station, time)`` (or ``tas(time, station)``) with
``lat(station)``, ``lon(station)`` and the stations' names in a variable with
``cf_role = "timeseries_id"``. climann trains on a grid, and on one place as a grid of one cell
(:mod:`climann.data.scalar_coordinates`); as each file is opened:

- a station dimension of length 1 (a single-station file, station- or time-major) is that
  station: its latitude and longitude become scalar coordinates, and the station trains,
  predicts and is scored exactly as the same values written with scalar ``lat``/``lon``;
- a station (or any location) dimension named in ``select`` (``--select station=2``) is
  reduced to that station: by the coordinate's value when the dimension has a coordinate
  variable, else by index, 0 the first (NetCDF User Guide: its values are then its
  indices); either way also by its name (``--select station=GRAZ``: the value of its
  ``cf_role = "timeseries_id"`` variable, CF §9.5, or of a text variable that says it names the
  stations, ``station_name`` or "name of station", where the ``cf_role`` is on numbers: GRDC's
  ``--select id=LOBITH`` beside its integer ``id``). The choice is kept as a scalar
  coordinate, so that ``predictions.nc`` says which. A run records the station it was
  trained on by its name (:func:`chosen_station_record`), and ``predict`` and ``evaluate``
  choose that station of new data by its name, wherever it lies in their file (stations are
  listed in any order), refusing a file without it;
- several stations left are refused in one line with the ways out (choose one, or one file
  per station). They are not a grid: the stations have no cells, areas or neighbours, and
  climann's maps, area weights, regions and ``predictions.nc`` are those of a grid.

A station file may also hold every station's observations along one *sample dimension*, a
ragged array (CF §9.3.3, §9.3.4; appendix H.2.4, H.2.5): ``tas(obs)``, ``time(obs)``, and either

- a *contiguous* ragged array: ``row_size(station)`` with ``sample_dimension = "obs"``, the
  number of observations of each station, stored one station after the other;
- an *indexed* ragged array: ``stationIndex(obs)`` with ``instance_dimension = "station"``, the
  station of each observation (0 the first), in any order.

:func:`with_station_rows` cuts such a file to the rows of the station chosen in ``select`` (then
chosen as above), and refuses several stations left with the same advice, never cutting
``lat(station)`` alone: all stations' observations under one station's name would be a
series spliced from the others.

An *incomplete multidimensional* array (CF §9.3.2, appendix H.2.2), ``tas(station, obs)`` with
``time(station, obs)``, gives each station its own times: the ``obs`` dimension is the n-th
observation of each station, not a date, and one value of it is one observation of every
station at a different time each. :func:`check_times_shared_by_stations` refuses it naming the
2-D time, with the lines that write one station on its own time axis.

A dimension without CF's marks lists stations when its points are no mesh's cells and the file
names them or names the dimension as stations are (WAVEWATCH III's ``station`` without DSG
markers; :mod:`climann.data.station_dimensions`). Latitude and longitude that share any other
dimension (ICON's ``clat(ncells)``) are an unstructured grid, refused by
:func:`climann.data.coordinate_values.checked_coordinates` with its own advice (remapping);
one cell of it (length 1, or one index chosen) is a point as a station is.

Sources: CF conventions 1.8 §9.1–9.5 (featureType, which is case-insensitive; instance
dimension; cf_role), §9.3.3–9.3.4 (ragged arrays: ``sample_dimension``, ``instance_dimension``),
appendix H.2 (time series).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
import logging
import re
import shlex

import dask
import numpy as np
import xarray as xr

from climann.data.coordinate_values import geographic_kind
from climann.data.coords import MOVING_FEATURE_TYPES
from climann.data.layout import Coordinate
from climann.data.profile_interpolation import example_level, ragged_profiles_command, vertical_on
from climann.data.ragged_rows import (
    check_station_times, checked_ragged_values, ragged_layout, stations_without_observations,
    warn_stations_without_observations,
)
from climann.data.shell import copy_path, cut_advice, source_and_copy, whole_write, working_path
from climann.data.station_dimensions import STATION_ROLE, station_evidence
from climann.data.notes import note_once
from climann.errors import ClimannError

_log = logging.getLogger(__name__)

__all__ = ["location_dimension", "is_station_dimension", "with_station_chosen", "with_station_rows", "SeveralStations",
           "stations_summary",
           "chosen_station_index", "names_chosen_station", "check_times_shared_by_stations", "chosen_station_record",
           "STATION_INDEX_NAME", "TrainedStation", "station_label", "station_text", "station_choice",
           "station_named_as_chosen", "reordered_stations_advice"]

#: The ``long_name`` of the scalar coordinate that keeps the index of a station chosen by its
#: index (a dimension without coordinate variable).
STATION_INDEX_NAME = "index of the station chosen, 0 the first"

class TrainedStation(str):
    """The name of the station a trained run was trained on, chosen of new data (``predict``,
    ``evaluate``): a file without it is refused as not holding the run's station, rather than
    as a choice the user typed."""


#: At most this many stations are named in the refusal.
_SHOWN = 3


class SeveralStations(ClimannError):
    """The refusal of a file of several stations, none chosen (:func:`with_station_chosen`,
    :func:`with_station_rows`), with what ``climann info`` needs to describe the file instead of
    refusing it (break36b B3): the station dimension, the ``select`` value of its first station,
    and :func:`stations_summary`'s lines.

    Attributes
    ----------
    dim : str
        The station (instance) dimension.
    first : object
        The value that chooses the first station (``select = {station = 0}``): its index without
        a coordinate variable, else the coordinate's first value.
    summary : str
        The stations' count, names and positions (:func:`stations_summary`).
    shown_as : str
        Which station ``first`` is: ``"the first station"``, or ``"the first station with
        observations"`` of a ragged array whose first stations have none; then its name when the
        file names its stations (``"the first station, BER"``: the index in ``select`` names no station).
    choice : str
        What a ``select`` value of this dimension is (:func:`_choice_words`), as
        :func:`with_station_chosen` reads it: ``N one of the values of 'record_id' (57, 58, 60)
        or a station's name``, or ``N its index, 0 to 2, or its name`` without a coordinate variable.
    """

    def __init__(self, message: str, *, dim: str, first: object, summary: str, choice: str,
                 shown_as: str = "the first station") -> None:
        super().__init__(message)
        self.dim, self.first, self.summary, self.choice, self.shown_as = dim, first, summary, choice, shown_as


def location_dimension(dataset: xr.Dataset) -> str | None:
    """The one dimension on which a 1-D latitude and a 1-D longitude both lie and some data
    variable too (a station or unstructured-grid dimension), or None.

    Latitude and longitude are found by CF ``standard_name`` or units
    (:func:`~climann.data.coordinate_values.geographic_kind`).
    """
    kinds: dict[str, set[str]] = {}
    for name, variable in dataset.variables.items():
        kind = geographic_kind(str(name), variable)
        if kind is not None and variable.ndim == 1:
            kinds.setdefault(str(variable.dims[0]), set()).add(kind)
    for dim, found in kinds.items():
        if len(found) == 2 and any(dim in dataset.variables[name].dims for name in dataset.data_vars):
            return dim
    return None


def is_station_dimension(dataset: xr.Dataset, dim: str) -> bool:
    """Whether ``dim`` lists stations: CF says so (``featureType`` a time series, any case, or a
    ``cf_role = "timeseries_id"`` variable along ``dim``), or, without CF's marks, its points are
    no mesh's cells and are named, or the dimension is named as stations are
    (:func:`~climann.data.station_dimensions.station_evidence`)."""
    return station_evidence(dataset, dim) is not None


def with_station_chosen(dataset: xr.Dataset, select: Mapping[str, object] | None = None, *,
                        where: str = "the file") -> xr.Dataset:
    """``dataset`` with its station (location) dimension reduced to one station, whose
    latitude and longitude are then scalar coordinates (see the module's description).

    Parameters
    ----------
    dataset : xarray.Dataset
        One opened file (lazy; not modified). Only its coordinates are read.
    select : mapping of dimension name to value, optional
        The run's selection (``[data] select``, ``--select``); only an entry naming the
        location dimension is used here: an index ``0 … n_stations - 1`` without a coordinate
        variable, else one of the coordinate's values; or a station's name; or, without one, an
        entry naming the variable of the stations' names (``station_name = "Nawiliwili, Kauai"``):
        that name.
    where : str
        The file's name, for the messages.

    Returns
    -------
    xarray.Dataset
        The same dataset when it has no location dimension, or one of several that is not a
        station dimension and not selected (an unstructured grid, refused later); otherwise
        every variable at the one station, e.g. ``tas`` of shape (n_time,) with scalar ``lat``
        and ``lon``. A selected station's index (or value) is a scalar coordinate named after
        the dimension.

    Raises
    ------
    ClimannError
        If several stations are left (none selected), or the selected value is not one of the
        dimension's indices or values.
    """
    dim = location_dimension(dataset)
    if dim is None:
        return dataset
    chosen = (select or {}).get(dim)
    if chosen is None:  # chosen by its name's variable (--select 'station_name=Nawiliwili, Kauai'; break47c A5)
        chosen = next((select[name] for name in _naming_variables(dataset, dim) if name in (select or {})), None)
    if isinstance(chosen, TrainedStation) and dataset.sizes[dim] == 1 and not _holds(dataset, dim, chosen, where):
        return _other_station(dataset, dim, chosen, where)
    if chosen is not None:
        index, label = _index(dataset, dim, chosen, where)
        return _at(dataset, dim, index, keep=True, label=label)
    if dataset.sizes[dim] == 1:
        return _at(dataset, dim, 0, keep=False)
    if is_station_dimension(dataset, dim):
        raise _several_stations_error(dataset, dim, where)
    return dataset


def _holds(dataset: xr.Dataset, dim: str, station: object, where: str) -> bool:
    """Whether ``dataset`` holds ``station`` along ``dim`` (:func:`_index` finds it)."""
    try:
        _index(dataset, dim, station, where)
    except ClimannError:
        return False
    return True


def _other_station(dataset: xr.Dataset, dim: str, trained: TrainedStation, where: str) -> xr.Dataset:
    """The one station of ``dataset`` (a copy cut to it, ``ncks -d site,1``), not the station
    ``trained`` the run was trained on: a run of one flux tower is scored at another, the
    standard test of a station model's transfer (break45a A4); the check of the new data's place
    (:mod:`climann.workflow.new_data`) warns of it."""
    names = _station_names(dataset, dim)
    note_once(_log, logging.INFO, f"{where} holds one station, {station_text(dataset, dim, 0)}, not {trained}, the "
                                  "station the run was trained on: the run is applied there")
    return _at(dataset, dim, 0, keep=True, label=names[0] if names else 0)


def with_station_rows(dataset: xr.Dataset, select: Mapping[str, object] | None = None, *,
                      where: str = "the file") -> xr.Dataset:
    """``dataset`` with a ragged array of stations (CF §9.3.3, §9.3.4; see the module's
    description) cut to the observations of the station chosen in ``select``.

    Parameters
    ----------
    dataset : xarray.Dataset
        One opened file (lazy; not modified). Only the count or index variable is read.
    select : mapping of dimension name to value, optional
        The run's selection; the entry naming the instance dimension (``station``) chooses the
        station: its index without a coordinate variable, else one of the coordinate's values.
    where : str
        The file's name, for the messages.

    Returns
    -------
    xarray.Dataset
        The same dataset without a ragged array; else the chosen station's observations, e.g.
        ``tas(obs)`` and ``time(obs)`` of its ``row_size`` values, without the count or index
        variable, with that station's scalar ``lat``, ``lon`` and name, as
        :func:`with_station_chosen` gives.

    Raises
    ------
    ClimannError
        If several stations are left (none selected), the selected value is not a station, or
        the counts do not add up to the sample dimension (a file cut along the stations only,
        whose offsets would take another station's rows), or the ragged array is nested
        (``timeSeriesProfile``, CF H.5.3).
    """
    ragged = _ragged_arrays(dataset)
    feature = str(dataset.attrs.get("featureType", "")).strip()
    if ragged and feature.lower() == "profile" and (place := _one_place(dataset)) is not None:
        raise ClimannError(
            f"{where}: the file holds profiles (CF featureType '{feature}') all at one place ({place}), each with "
            f"values at levels of its own on the ragged dimension '{next(iter(ragged.values()))[1]}', which is no "
            f"level to select; climann reads one place's series at a fixed level: interpolate each profile to one "
            f"first{_profiles_advice(dataset, ragged)}")
    if not ragged or feature.lower() in MOVING_FEATURE_TYPES:
        return dataset  # ragged trajectories, points, profiles: not stations, refused as moving positions
    if len(ragged) > 1:
        raise ClimannError(f"{where} holds ragged arrays within ragged arrays ({', '.join(ragged)}; e.g. CF "
                           "timeSeriesProfile, appendix H.5.3), which climann does not read, and its profiles share "
                           "no level: write one station's series at one fixed level first, each profile interpolated "
                           f"to it{_profiles_advice(dataset, ragged, select)}")
    name, (instance, sample) = next(iter(ragged.items()))
    # Counts or indices that are no CF ragged array's would take another station's rows (break37b D1).
    values = checked_ragged_values(dataset, name, (instance, sample), where=where)
    contiguous = dataset[name].dims == (instance,)
    if not contiguous:  # valid CF, but indices counted from 1 look so (fix38d)
        warn_stations_without_observations(dataset, name, (instance, sample), values, where=where,
                                           station_text=lambda station: station_text(dataset, instance, station))
    chosen = (select or {}).get(instance)
    if chosen is None and dataset.sizes[instance] > 1:
        empty = stations_without_observations(values, dataset.sizes[instance], contiguous=contiguous)
        held = np.setdiff1d(np.arange(dataset.sizes[instance]), empty)
        raise _several_stations_error(dataset, instance, where, ragged=ragged_layout(dataset, name),
                                      index=int(held[0]) if held.size else 0)
    index, label = (0, None) if chosen is None else _index(dataset, instance, chosen, where)
    positions = _rows(values, index, contiguous=contiguous)
    if (positions.stop == positions.start) if isinstance(positions, slice) else positions.size == 0:
        raise ClimannError(_no_observations(dataset, (instance, sample), index, where, name))
    if contiguous:
        check_station_times(dataset, name, (instance, sample), values, where=where,
                            station_text=lambda station: station_text(dataset, instance, station))
    rows = dataset.drop_vars(name).isel({sample: positions})
    # The observations' times (CF H.2.4, H.2.5: time(obs)) are a coordinate also where no
    # variable's ``coordinates`` attribute names them.
    rows = rows.set_coords([name for name, variable in rows.data_vars.items() if variable.dims == (sample,) and (
        variable.attrs.get("standard_name") == "time" or variable.attrs.get("axis") == "T")])
    return _at(rows, instance, index, keep=chosen is not None, label=label)


def station_text(dataset: xr.Dataset, dim: str, index: int) -> str:
    """Station ``index`` of ``dim`` as messages name it, by its stored id first: ``PAR (index 1)``
    when the file names its stations (its ``cf_role = "timeseries_id"`` variable, CF §9.5, or a
    text variable of station names, :func:`_station_names_variable`), with the dimension's
    coordinate value in place of the index when there is one (GRDC's ``LOBITH (id 6335060)``); the
    coordinate value alone (``11240``) or ``index 1`` when nothing names them. The index alone,
    0 … N-1, named no station a reader of the file knows (fix41d: "station index 1" of a file
    whose ``station_name`` says PAR).

    Parameters
    ----------
    dataset : xarray.Dataset
        The file as opened, all its stations along ``dim``.
    dim : str
        The station (instance) dimension.
    index : int
        The station's position along ``dim``, 0 the first.

    Returns
    -------
    str
        To follow the dimension's name: ``f"station {station_text(...)}"``.

    Examples
    --------
    >>> import xarray as xr
    >>> stations = xr.Dataset(coords={"station_name": ("station", ["BER", "PAR"], {"cf_role": "timeseries_id"})})
    >>> station_text(stations, "station", 1), station_text(stations.drop_vars("station_name"), "station", 1)
    ('PAR (index 1)', 'index 1')
    """
    names = _station_names(dataset, dim)
    value = _shown(np.asarray(dataset[dim].values)[index]) if dim in dataset.variables else None
    if not names:
        return f"index {index}" if value is None else value
    if value is None:
        return f"{names[index]} (index {index})"
    return names[index] if value == names[index] else f"{names[index]} ({dim} {value})"


def reordered_stations_advice(reference: xr.Dataset, other: xr.Dataset, place: tuple[str, str] | None,
                              labels: tuple[str, str]) -> str | None:
    """The way out when two files list the same stations by name (CF §9.5 ``cf_role =
    "timeseries_id"`` text, or a text variable of station names) in other orders along one
    station dimension without a coordinate variable: ``--select dim=N`` then takes station N of
    each file, two stations (break44d A6: ``--select glacier=0`` gave Hintereisferner's balance
    beside South Cascade's climate); the name takes one station from each.

    Parameters
    ----------
    reference, other : xarray.Dataset
        The two files as stored (undecoded is fine), every station along the dimension.
    place : tuple of str or None
        The latitude and longitude (text, degrees) of the station of ``reference`` the run took,
        to name it in the advice; the first station when None or not found.
    labels : tuple of str
        The two files' names, for the message.

    Returns
    -------
    str or None
        E.g. ``"a.nc and b.nc list the same glaciers by name (glacier_name) in other orders
        (HINTEREIS F. is glacier 0 of a.nc and 3 of b.nc): a glacier chosen by its index is
        another glacier in each; choose it by name, which takes the same one from each:
        --select 'glacier=HINTEREIS F.'"``; None when the files have no such dimension in common,
        it has a coordinate variable (chosen by value, the same in each), the names are not text,
        not all different, not the same set, or in the same order.
    """
    dim = location_dimension(reference)
    if dim is None or dim != location_dimension(other) or dim in reference.variables or dim in other.variables:
        return None
    variable = _station_names_variable(reference, dim)
    if (variable is None or not _is_text(reference[variable]) or _station_names_variable(other, dim) is None
            or not _is_text(other[_station_names_variable(other, dim)])):
        return None
    mine, theirs = _station_names(reference, dim), _station_names(other, dim)
    if mine == theirs or sorted(mine) != sorted(theirs) or len(set(mine)) != len(mine):
        return None
    index = _station_at(reference, dim, place)
    name = mine[index]
    choice = shlex.quote(f"{dim}={name}")
    return (f"{labels[0]} and {labels[1]} list the same {dim}s by name ({variable}) in other orders ({name} is "
            f"{dim} {index} of {labels[0]} and {theirs.index(name)} of {labels[1]}): a {dim} chosen by its index is "
            f"another {dim} in each; choose it by name, which takes the same one from each: --select {choice}")


def _station_at(dataset: xr.Dataset, dim: str, place: tuple[str, str] | None) -> int:
    """The index along ``dim`` of the station at ``place`` (latitude, longitude as text), by the
    dataset's latitude and longitude along ``dim``; 0 when none or several are there."""
    found = {geographic_kind(str(name), variable): variable for name, variable in dataset.variables.items()
             if variable.dims == (dim,) and variable.dtype.kind in "fiu"}
    if place is None or "latitude" not in found or "longitude" not in found:
        return 0
    with dask.config.set(scheduler="synchronous"):
        lat, lon = (np.asarray(found[kind].values, dtype=float) for kind in ("latitude", "longitude"))
    at = np.flatnonzero(np.isclose(lat, float(place[0])) & np.isclose((lon - float(place[1]) + 180) % 360, 180))
    return int(at[0]) if at.size == 1 else 0


def station_choice(dataset: xr.Dataset, dim: str, index: int) -> str:
    """What ``--select`` takes for station ``index`` of ``dim``, by its stored id: the
    dimension's coordinate value, else the station's name when the file names its stations in
    text (``PAR``; :func:`with_station_chosen` chooses by name), else the index."""
    if dim in dataset.variables:
        return _shown(np.asarray(dataset[dim].values)[index])
    named = _station_names_variable(dataset, dim)
    if named is not None and _is_text(dataset[named]):
        return _station_names(dataset, dim)[index]
    return str(index)


def _no_observations(dataset: xr.Dataset, dims: tuple[str, str], index: int, where: str, name: str) -> str:
    """The refusal of a chosen station with no rows in its ragged array (``dims``: the instance
    and sample dimensions; a ``row_size`` of 0, or an index no observation has): the station
    is empty, not the file."""
    instance, sample = dims
    count = f"{name} 0" if dataset[name].dims == (instance,) else f"no observation's {name} is {index}"
    choices = "one of its values" if instance in dataset.variables else f"its index, {_indices_text(dataset, instance)}"
    return (f"{instance} {station_text(dataset, instance, index)} has no observations in {where} ({count}; its "
            f"{dataset.sizes[sample]} "
            f"'{sample}' are other stations'): choose another station with --select {instance}=VALUE ({choices})")


def check_times_shared_by_stations(dataset: xr.Dataset, where: str = "the file") -> None:
    """Refuse a time coordinate on the station dimension (CF §9.3.2, H.2.2: ``time(station, obs)``).

    Parameters
    ----------
    dataset : xarray.Dataset
        One opened file (lazy); only its variables' dimensions and attributes are read.
    where : str
        The file's name, for the message.

    Raises
    ------
    ClimannError
        If a variable with ``standard_name = "time"`` or ``axis = "T"`` lies on the location
        dimension (:func:`location_dimension`) and another one: each station has its own dates.
    """
    dim = location_dimension(dataset)
    for name, variable in dataset.variables.items():
        dated = variable.attrs.get("standard_name") == "time" or variable.attrs.get("axis") == "T"
        if dim is None or not dated or dim not in variable.dims or variable.ndim < 2:
            continue
        other = next(str(each) for each in variable.dims if each != dim)
        source = dataset.encoding.get("source") or where
        copy = working_path(copy_path(source, suffix=f"{dim}0"))
        # The times stay numbers until the padding is dropped: xarray decodes a missing time of a
        # noleap or 360_day calendar (cftime) as the reference date, which notnull() keeps.
        dims = ", ".join(map(str, variable.dims))
        raise ClimannError(
            f"{where} gives each of its {dataset.sizes[dim]} stations its own times ({name}({dims}), "
            f"'{other}' counting each station's observations: a CF incomplete multidimensional array, appendix "
            f"H.2.2), and climann reads one time axis: write a station on its own first, e.g. in Python: "
            f"import sys, xarray as xr; ds = xr.open_dataset('{working_path(source)}', decode_times=False)"
            f".isel({dim}=0); "
            + whole_write(f"ds.where(ds.{name}.notnull(), drop=True).swap_dims({other}='{name}').to_netcdf",
                          repr(copy)))


def _one_place(dataset: xr.Dataset) -> str | None:
    """``40.53, -80.22``: the one latitude and longitude every profile of ``dataset`` is at
    (each a single value wherever given), else None (profiles that move, or no position)."""
    found = {}
    for name, variable in dataset.variables.items():
        kind = geographic_kind(str(name), dataset[name])
        if kind is not None and kind not in found:
            with dask.config.set(scheduler="synchronous"):
                values = np.unique(np.asarray(variable.values, np.float64).ravel())
            found[kind] = values[np.isfinite(values)]
    if set(found) != {"latitude", "longitude"} or any(values.size != 1 for values in found.values()):
        return None
    return f"{found['latitude'][0]:g}, {found['longitude'][0]:g}"


def _profiles_advice(dataset: xr.Dataset, ragged: Mapping[str, tuple[str, str]],
                     select: Mapping[str, object] | None = None) -> str:
    """`` (e.g. `python -c "…"`, which writes …)``: the command that interpolates each profile of a
    contiguous ragged array (:mod:`climann.data.profile_interpolation`), with the file's names;
    ``""`` when the file lacks what it needs (a count variable, one vertical coordinate on the
    sample dimension, a time, a latitude and a longitude, its path)."""
    counts = [name for name in ragged if "sample_dimension" in dataset[name].attrs]
    indices = [name for name in ragged if "instance_dimension" in dataset[name].attrs]
    if len(counts) != 1 or len(indices) > 1:
        return ""
    instance, sample = ragged[counts[0]]
    vertical = vertical_on(dataset, sample)
    names = [str(n) for n, v in dataset.data_vars.items() if v.dims == (sample,) and str(n) not in vertical
             and v.dtype.kind in "iuf"]
    times = [str(n) for n, v in dataset.variables.items() if v.dims == (instance,) and (
        v.dtype.kind == "M" or v.attrs.get("standard_name") == "time")]
    positions = {geographic_kind(str(n), dataset[n]): str(n) for n in dataset.variables}
    source = next((v.encoding.get("source") for v in dataset.data_vars.values() if v.encoding.get("source")), None)
    if len(vertical) != 1 or not names or len(times) != 1 or source is None or not {
            "latitude", "longitude"} <= set(positions):
        return ""
    station = None
    if indices:
        wanted = (select or {}).get(ragged[indices[0]][0], 0)
        station = (indices[0], int(wanted) if isinstance(wanted, (int, float)) and float(wanted).is_integer() else 0)
    with dask.config.set(scheduler="synchronous"):
        level = example_level(np.asarray(dataset[vertical[0]].values, np.float64))
    units = str(dataset[vertical[0]].attrs.get("units", "")).strip()
    command = ragged_profiles_command(dataset, count=counts[0], vertical=vertical[0], names=names, time=times[0],
                                      positions=(positions["latitude"], positions["longitude"]), path=source,
                                      level=level, station=station)
    which = f"station {station[1]}'s profiles" if station else "each profile"
    return (f", e.g. with numpy.interp: `{command}` (writes {', '.join(names)} of {which} at {vertical[0]} = "
            f"{level:g}{' ' + units if units else ''}, a level most profiles hold; change it to the one you want)")


def _ragged_arrays(dataset: xr.Dataset) -> dict[str, tuple[str, str]]:
    """Each count variable (``sample_dimension``, CF §9.3.3) or index variable
    (``instance_dimension``, CF §9.3.4) → (instance dimension, sample dimension)."""
    found = {}
    for name, variable in dataset.variables.items():
        if variable.ndim != 1:
            continue
        if "sample_dimension" in variable.attrs:
            found[str(name)] = (str(variable.dims[0]), str(variable.attrs["sample_dimension"]).strip())
        elif "instance_dimension" in variable.attrs:
            found[str(name)] = (str(variable.attrs["instance_dimension"]).strip(), str(variable.dims[0]))
    return {name: dims for name, dims in found.items() if all(dim in dataset.sizes for dim in dims)}


def _rows(values: np.ndarray, index: int, *, contiguous: bool) -> np.ndarray | slice:
    """The positions along the sample dimension of station ``index``'s observations: the
    ``values[index]`` rows after those of the stations before it (counts, CF §9.3.3), or
    where the index variable is ``index`` (CF §9.3.4)."""
    if contiguous:
        start = int(values[:index].sum())
        return slice(start, start + int(values[index]))
    return np.flatnonzero(values == index)


def _at(dataset: xr.Dataset, dim: str, index: int, *, keep: bool, label: object = None) -> xr.Dataset:
    """Every variable at ``index`` of ``dim``; with ``keep``, the station chosen of a dimension
    without coordinate variable kept as its scalar coordinate, as ``label`` chose it (its name;
    an index as the index, :data:`STATION_INDEX_NAME`), and listed among the data variables'
    coordinates (their CF ``coordinates``, in xarray's encoding). The stations' names (their
    ``cf_role = "timeseries_id"`` variable, CF §9.5) are a coordinate also where no variable's
    ``coordinates`` attribute names them (a file rewritten without it): the station's name is
    then written into ``predictions.nc`` as from a file that names it (verify20 F10)."""
    dataset = dataset.set_coords([name for name in _naming_variables(dataset, dim) if name in dataset.data_vars])
    had_dim = [name for name, variable in dataset.data_vars.items() if dim in variable.dims]
    chosen = _labels_as_text(dataset.isel({dim: index}), dataset, dim)
    if keep and dim not in dataset.variables:
        named = isinstance(label, (str, bytes))
        kept = xr.Variable((), _shown(label) if named else index, {} if named else {"long_name": STATION_INDEX_NAME})
        chosen = chosen.assign_coords({dim: kept})
    if keep:
        for name in had_dim:
            listed = str(chosen[name].encoding.get("coordinates", "")).split()
            chosen[name].encoding["coordinates"] = " ".join(dict.fromkeys([*listed, dim]))
    return chosen


def _labels_as_text(chosen: xr.Dataset, dataset: xr.Dataset, dim: str) -> xr.Dataset:
    """``chosen`` with the station's labels held as character arrays in ``dataset`` (CF §2.2:
    ``char station_name(station, strlen)``, which xarray reads as fixed-width bytes,
    ``b'WIEN      '``) as text without the padding, ``'WIEN'``: what a file storing them as
    strings (NC_STRING) gives, and what ``predictions.nc`` then writes. Only the one station's
    labels are read (a few bytes)."""
    labels = [name for name, variable in dataset.variables.items()
              if dim in variable.dims and variable.dtype.kind == "S" and name in chosen.variables]
    for name in labels:
        variable = chosen[name].variable
        with dask.config.set(scheduler="synchronous"):
            values = np.asarray(variable.values)
        text = np.char.strip(np.char.decode(values, "utf-8", errors="replace"))
        chosen = chosen.assign({name: xr.Variable(variable.dims, text, variable.attrs)}) if name in chosen.data_vars \
            else chosen.assign_coords({name: xr.Variable(variable.dims, text, variable.attrs)})
    return chosen


def _index(dataset: xr.Dataset, dim: str, value: object, where: str) -> tuple[int, object]:
    """The index of the station ``value`` names, and ``value`` as it chose (the name's text
    when it chose by name): the index itself (a whole number) without a coordinate variable,
    else the position of the coordinate's value; or the position of the station of that name
    (its ``cf_role = "timeseries_id"`` variable, CF §9.5). A text (``--select 'station="2"'``)
    is a name first; a whole number that is only a name (a WMO id, ``11240``) chooses by it.

    Raises
    ------
    ClimannError
        If ``value`` is neither, or a whole number that is both the name of one station and the
        index (or coordinate value) of another.
    """
    named, naming = None, None
    for naming in _naming_variables(dataset, dim) if _names_a_station(value) else ():
        names = _names_in(dataset, naming)
        if _shown(value) in names:
            named = names.index(_shown(value))
            break
    if isinstance(value, (str, bytes)) and named is not None:
        return named, _shown(value)
    other = _by_value(dataset, dim, value, where)
    if named is not None and other is not None and named != other:
        raise ClimannError(_ambiguous(dataset, (dim, naming), value, (named, other), where))
    if other is not None:
        return other, value
    if named is not None:
        return named, _shown(value)
    raise ClimannError(_not_a_station(dataset, dim, value, where))


def chosen_station_index(dataset: xr.Dataset, dim: str, value: object, *, where: str = "the file") -> int:
    """The index along ``dim`` of the station ``value`` chooses, as :func:`with_station_chosen`
    chooses it: its index without a coordinate variable, else the position of the coordinate's
    value; or its name (``cf_role = "timeseries_id"``, CF §9.5).

    Parameters
    ----------
    dataset : xarray.Dataset
        One opened file (lazy); only the station coordinate and names are read.
    dim : str
        The station dimension.
    value : object
        As selected (``--select station=3``).
    where : str
        The file's name, for the messages.

    Returns
    -------
    int
        0 … n_stations − 1.

    Raises
    ------
    ClimannError
        If ``value`` chooses no station, or is one's name and another's index.
    """
    return _index(dataset, dim, value, where)[0]


def _names_a_station(value: object) -> bool:
    """Whether ``value`` may be a station's name: a text, or a whole number (a name of digits,
    ``11240``, which the command line and TOML read as a number)."""
    return isinstance(value, (str, bytes, int, np.integer)) and not isinstance(value, bool)


def _by_value(dataset: xr.Dataset, dim: str, value: object, where: str) -> int | None:
    """The position of the coordinate value ``value`` (a dimension with a coordinate variable),
    else ``value`` as an index in range (a whole number); None when it is neither."""
    if dim in dataset.variables:
        with dask.config.set(scheduler="synchronous"):
            values = np.asarray(dataset[dim].values)
        found = np.flatnonzero(values == np.asarray(value, dtype=values.dtype)) if _comparable(value, values) else []
        return int(found[0]) if len(found) else None
    number = isinstance(value, (int, float, np.number)) and not isinstance(value, bool) and np.isfinite(value)
    if not number or float(value) != int(value) or not 0 <= int(value) < dataset.sizes[dim]:
        return None
    return int(value)


def _ambiguous(dataset: xr.Dataset, dims: tuple[str, str], value: object, stations: tuple[int, int],
               where: str) -> str:
    """The refusal of ``value`` that names station ``stations[0]`` (in the naming variable
    ``dims[1]`` along ``dims[0]``) and is the index (or the coordinate value) of station
    ``stations[1]``, with each one's quoted name, which chooses by name only."""
    dim, naming = dims
    names = _names_in(dataset, naming)
    named, other = stations
    reading = f"the value of '{dim}'" if dim in dataset.variables else "the index"
    called, by = _station_names_variable(dataset, dim), "name"
    if called not in (None, naming):  # an id beside the names (PSMSL's station_id 61 of GENOVA): each by both
        labels = _names_in(dataset, called)
        both = (f"the {naming} of the station of index {named}, {labels[named]} ({naming} {names[named]}), and "
                f"{reading} of another, {labels[other]} ({naming} {names[other]})")
        by = naming
    else:
        both = (f"the name of the station of index {named} ({naming} '{names[named]}') and {reading} of another, "
                f"named '{names[other]}'")
    return (f"cannot select {dim}={_shown(value)} in {where}: it is both {both}: choose by the {by}, quoted: "
            f"--select '{dim}=\"{names[named]}\"' for the "
            f"first, --select '{dim}=\"{names[other]}\"' for the second ([data] select = "
            f"{{{dim} = \"{names[named]}\"}} in a config)")


def _not_a_station(dataset: xr.Dataset, dim: str, value: object, where: str) -> str:
    """The refusal of ``value`` that is neither a station's name nor its index or value."""
    names = _station_names(dataset, dim)
    if isinstance(value, TrainedStation):
        role = [name for name in _naming_variables(dataset, dim) if dataset[name].attrs.get("cf_role") == STATION_ROLE]
        names = _names_in(dataset, role[0]) if role else names
        example = f"'{dim}=\"{sorted(names)[0]}\"'" if names else f"{dim}=0"
        return (f"{where} has no station {value}, the station the run was trained on "
                f"({(role or [dim])[0]}: {_listed(sorted(names)) or 'no names'}): "
                f"give a file that holds {value}, or choose the station to apply the run at with --select {example} "
                f"(another place: a transfer), or train a run on the station you want")
    if dim in dataset.variables:
        with dask.config.set(scheduler="synchronous"):
            values = np.asarray(dataset[dim].values)
        named = (f" nor a station's name ({_station_names_variable(dataset, dim)}: {_listed(names)})" if names
                 else "")
        return (f"cannot select {dim}={_shown(value)} in {where}: not one of its {dataset.sizes[dim]} values "
                f"({_listed([_shown(item) for item in values.tolist()])}){named}")
    if isinstance(value, (str, bytes)) and names:
        return (f"cannot select {dim}={_shown(value)} in {where}: no station of that name "
                f"({_station_names_variable(dataset, dim)}: {_listed(sorted(names))}); a station is chosen "
                f"by its name or its index ({_indices_text(dataset, dim)})")
    how = "its name or its index" if names else "its index"
    return (f"cannot select {dim}={_shown(value)} in {where}: '{dim}' has no coordinate variable, so a "
            f"station is chosen by {how} ({_indices_text(dataset, dim)})")


def names_chosen_station(dataset: xr.Dataset, value: object) -> bool:
    """Whether ``value`` is the name of the one station ``dataset`` was cut to: its scalar
    ``cf_role = "timeseries_id"`` coordinate (CF §9.5), which :func:`with_station_chosen` keeps.

    A station chosen by its name on a dimension with a coordinate variable (GRDC's integer
    ``id`` beside ``station_code``) keeps that coordinate's value, ``id = 6335060``; the run's
    selection, applied again to the opened files (:func:`climann.data.subset.select_values`),
    then finds its name there (break33a A8: "id=ST02 is not a value of 'id'; its values: 6335060").

    Parameters
    ----------
    dataset : xarray.Dataset
        Opened, its station chosen (or not: then no scalar name matches).
    value : object
        As selected: a text, or a whole number for a name of digits.

    Returns
    -------
    bool
    """
    if not _names_a_station(value):
        return False
    names = [_shown(np.asarray(coordinate.values).item()) for name, coordinate in dataset.coords.items()
             if coordinate.ndim == 0 and (coordinate.attrs.get("cf_role") == STATION_ROLE or (
                 _is_text(coordinate) and _says_station_names(str(name), coordinate)))]
    return _shown(value) in names


def _comparable(value: object, values: np.ndarray) -> bool:
    """Whether ``value`` can be compared with a coordinate of ``values``' type."""
    try:
        np.asarray(value, dtype=values.dtype)
    except (TypeError, ValueError):
        return False
    return True


def _shown(value: object) -> str:
    """A value as the user would type it: ``2.0`` (a number read from the command line) → ``2``,
    ``6335025.0`` (GRDC's ids after CDO made them doubles) → ``6335025``, not ``6.33502e+06``, which
    is no id and was refused typed back (break49c A3); another float in its shortest form that reads
    back the same (``0.1``); ``b"BER"`` → ``BER``."""
    if isinstance(value, bytes):
        return value.decode(errors="replace").strip()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _toml(value: object) -> str:
    """``value`` as TOML writes it (a string quoted)."""
    return f'"{value}"' if isinstance(value, str) else str(value)


def _listed(values: list) -> str:
    return ", ".join(map(str, values[:_SHOWN])) + (", …" if len(values) > _SHOWN else "")


def station_label(coordinates: Sequence[object]) -> str | None:
    """The chosen station's label for a title, from its scalar coordinates: its name, and its
    number beside it when the ``cf_role = "timeseries_id"`` (CF section 9.5) is on numbers
    (GRDC's ``LOBITH, id 6335060``: the name in a text ``station_name``, the role on its
    integer ``id``; fix37c: titled by the number alone), as :func:`_naming_variables` orders
    them; None when no scalar coordinate names a station.

    Parameters
    ----------
    coordinates : sequence
        Scalar coordinates, each with ``name``, ``values`` (shape ()) and ``attrs``
        (:class:`climann.data.layout.Coordinate` or :class:`xarray.DataArray`).

    Returns
    -------
    str or None

    Examples
    --------
    >>> import xarray as xr
    >>> station_label([xr.DataArray(6335060, name="id", attrs={"cf_role": "timeseries_id"}),
    ...                xr.DataArray("LOBITH", name="station_name", attrs={"long_name": "name of station"})])
    'LOBITH, id 6335060'
    """
    def text(coordinate: object) -> str:
        return _shown(np.asarray(coordinate.values).item()).strip("\0 ")

    scalar = [coordinate for coordinate in coordinates if np.ndim(coordinate.values) == 0]
    role = [coordinate for coordinate in scalar if coordinate.attrs.get("cf_role") == STATION_ROLE][:1]
    if role and _is_text(xr.Variable((), np.asarray(role[0].values))):
        return text(role[0])
    names = [coordinate for coordinate in scalar if _is_text(xr.Variable((), np.asarray(coordinate.values)))
             and _says_station_names(str(coordinate.name), xr.Variable((), 0, coordinate.attrs))]
    if names:
        return text(names[0]) + (f", {role[0].name} {text(role[0])}" if role else "")
    return text(role[0]) if role else None


def _station_names(dataset: xr.Dataset, dim: str) -> list[str]:
    """Each station's name (:func:`_station_names_variable`), empty without one."""
    name = _station_names_variable(dataset, dim)
    return [] if name is None else _names_in(dataset, name)


def _names_in(dataset: xr.Dataset, name: str) -> list[str]:
    """The values of the naming variable ``name`` as text, one per station."""
    with dask.config.set(scheduler="synchronous"):
        values = np.asarray(dataset[name].values)
    if values.dtype.kind == "S" and values.ndim == 2:  # CF §2.2 char array (station, strlen)
        values = np.array([b"".join(row) for row in values])
    return [_shown(value).strip("\0 ") for value in values.tolist()]


def _station_names_variable(dataset: xr.Dataset, dim: str) -> str | None:
    """The variable whose values are the stations' names, as messages show them: the first of
    :func:`_naming_variables` (GRDC's text ``station_name`` before its integer ``id``)."""
    return next(iter(_naming_variables(dataset, dim)), None)


def _naming_variables(dataset: xr.Dataset, dim: str) -> list[str]:
    """The variables along ``dim`` that name its stations, text first: the ``cf_role =
    "timeseries_id"`` variable (CF §9.5) when it holds text; a text variable that says it names
    the stations (:func:`_says_station_names`: GRDC's ``station_name(id)``, "name of station",
    beside its integer ``id`` that carries the ``cf_role``); the ``cf_role`` variable when it holds
    numbers (a WMO number, ``11240``)."""
    role = [str(name) for name, variable in dataset.variables.items()
            if variable.attrs.get("cf_role") == STATION_ROLE and variable.dims[:1] == (dim,)][:1]
    text = [str(name) for name, variable in dataset.variables.items()
            if variable.dims[:1] == (dim,) and _is_text(variable)
            and (_says_station_names(str(name), variable) or _names_each_of(dataset, str(name), dim))]
    if role and _is_text(dataset[role[0]]):
        return role + [name for name in text if name != role[0]]
    return text[:1] + role


def _holds_text(coordinate: Coordinate) -> bool:
    """Whether a scalar :class:`~climann.data.layout.Coordinate` holds text."""
    return isinstance(np.asarray(coordinate.values).item(), (str, bytes))


def _is_text(variable: xr.Variable | xr.DataArray) -> bool:
    """Whether ``variable`` holds text: strings, or a CF §2.2 character array (station, strlen)."""
    if variable.dtype.kind in "US":
        return True
    return variable.dtype.kind == "O" and variable.size > 0 and isinstance(
        np.asarray(variable.values).ravel()[0], (str, bytes))


#: The name and long-name words of a text variable of station names (lower case, split at
#: ``_`` and camelCase humps): GRDC's ``station_name``, "name of station"; CF's ``platform_name``;
#: the names of other things each measured at one place (WGMS's ``glacier_name``, a lake's, a
#: buoy's, a well's: fix45c, whose ``glacier_name`` was not read and info proposed ``glacier = 0``).
STATION_NAME_WORDS = (("station", "name"), ("stn", "name"), ("platform", "name"), ("site", "name"),
                      ("glacier", "name"), ("lake", "name"), ("buoy", "name"), ("gauge", "name"), ("gage", "name"),
                      ("well", "name"), ("mooring", "name"), ("tower", "name"), ("borehole", "name"))


def _names_each_of(dataset: xr.Dataset, name: str, dim: str) -> bool:
    """Whether the text variable ``name`` along ``dim`` says it names the things ``dim`` lists (its
    name or ``long_name`` holds "name" and the words of ``dim``: ``basin_name(basin)``, "name of
    the basin") and holds a different name for each, none empty (GRDC's ``river_name``, which
    several stations share, names none of them)."""
    variable = dataset.variables[name]
    own = set(re.findall(r"[a-z0-9]+", re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", dim).lower()))
    texts = (re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name), str(variable.attrs.get("long_name", "")))
    if not own or not any(own | {"name"} <= set(re.findall(r"[a-z0-9]+", text.lower())) for text in texts):
        return False
    names = _names_in(dataset, name)
    return all(names) and len(set(names)) == len(names)


def _says_station_names(name: str, variable: xr.Variable | xr.DataArray) -> bool:
    """Whether a text variable names stations: CF ``standard_name = "platform_name"``, or its
    name or ``long_name`` holds the words of one of :data:`STATION_NAME_WORDS` ("station_name",
    "name of station"; not GRDC's ``river_name``, which several stations share)."""
    if variable.attrs.get("standard_name") == "platform_name":
        return True
    texts = (re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name), str(variable.attrs.get("long_name", "")))
    words = [set(re.findall(r"[a-z0-9]+", text.lower())) for text in texts]
    return any(set(pair) <= found for pair in STATION_NAME_WORDS for found in words)


def chosen_station_record(scalar_coordinates: tuple, select: Mapping[str, object]) -> dict | None:
    """The station a run was trained on, by its name, for ``model.npz``: ``{"dimension":
    "station", "name": "GRAZ"}``; None when ``select`` chose no station of a file that names
    its stations (its ``cf_role = "timeseries_id"`` variable, CF §9.5). Only a station chosen
    by its index or its name is recorded: one chosen by a coordinate value is the same station
    in any file that lists it.

    Parameters
    ----------
    scalar_coordinates : tuple of Coordinate
        The target's scalar coordinates (:attr:`climann.data.layout.GridLayout.scalar_coordinates`):
        the station's name, and the station kept as chosen (:func:`with_station_chosen`).
    select : mapping of dimension name to value
        The run's ``[data] select``.
    """
    named = [coordinate for coordinate in scalar_coordinates if coordinate.attrs.get("cf_role") == STATION_ROLE]
    if len(named) == 1:
        name = _shown(np.asarray(named[0].values).item())
        for coordinate in scalar_coordinates:
            value = np.asarray(coordinate.values).item()
            by_index = coordinate.attrs.get("long_name") == STATION_INDEX_NAME
            if coordinate.name in select and (by_index or (isinstance(value, str) and value == name)):
                return {"dimension": coordinate.name, "name": name}
    return _station_by_value_record(scalar_coordinates, select)


def _station_by_value_record(scalar_coordinates: tuple, select: Mapping[str, object]) -> dict | None:
    """The record of a station chosen by a value of its dimension's coordinate (UHSLC's
    ``record_id = 570``) of a file that names its stations (a scalar text coordinate that says so,
    :func:`_says_station_names`, or ``cf_role = "timeseries_id"``): ``{"dimension": "record_id",
    "name": "570"}``, the value as text, which chooses the same station in any file that lists it
    (:func:`_index`). Recorded, the run applies to another station of such a file
    (``--select record_id=560``), to a copy cut to one (``ncks -d record_id,1``) or to one without
    the dimension (``ncwa -a record_id``), as the documentation says a station run does; not
    recorded, its value was taken as fixed as a level's (break47c A2). A vertical level (cf_xarray's
    ``vertical`` and ``Z`` criteria, as :func:`climann.data.levels.is_level` reads them), a lead
    time or a time chosen beside the station is no station."""
    from cf_xarray.criteria import coordinate_criteria

    def is_level(coordinate: Coordinate) -> bool:
        return any(str(coordinate.attrs.get(key, "")) in values for kind in ("vertical", "Z")
                   for key, values in coordinate_criteria[kind].items())

    if not any(coordinate.attrs.get("cf_role") == STATION_ROLE
               or (_holds_text(coordinate) and _says_station_names(coordinate.name, coordinate))
               for coordinate in scalar_coordinates):
        return None
    chosen = [coordinate for coordinate in scalar_coordinates
              if coordinate.name in select and not is_level(coordinate)
              and coordinate.attrs.get("standard_name") not in ("forecast_period", "forecast_reference_time", "time")
              and np.asarray(coordinate.values).dtype.kind in "iu"
              and _shown(np.asarray(coordinate.values).item()) == _shown(select[coordinate.name])]
    return {"dimension": chosen[0].name, "name": _shown(np.asarray(chosen[0].values).item())} if len(chosen) == 1 \
        else None


def station_named_as_chosen(scalar_coordinates: Sequence[Coordinate]) -> tuple[Coordinate, ...]:
    """The target's scalar coordinates as prediction files write them: a station chosen by its
    index (``--select station=1``, :data:`STATION_INDEX_NAME`) of a file that names its stations
    (one scalar ``cf_role = "timeseries_id"`` coordinate, CF §9.5) given as its stored id, the
    text :func:`chosen_station_record` records and ``predict`` chooses and keeps it by
    (``station = "PAR"``). fix41k: ``train`` wrote ``station = 1``, the index in its file,
    and ``predict`` of the same run ``station = "PAR"``; the index names no station in another
    file (:func:`with_station_chosen` keeps it for the run's selection, applied again to the
    opened files, :func:`climann.data.subset.select_values`). Without a stored id the index is
    kept, as ``predict`` then chooses by it too.

    Parameters
    ----------
    scalar_coordinates : sequence of Coordinate
        Each of shape () (:attr:`climann.data.layout.GridLayout.scalar_coordinates`).

    Returns
    -------
    tuple of Coordinate
        In the same order; only the station index replaced, by a text without attributes.

    Examples
    --------
    >>> import numpy as np
    >>> from climann.data.layout import Coordinate
    >>> kept = station_named_as_chosen([
    ...     Coordinate("station", np.array(1), {"long_name": STATION_INDEX_NAME}),
    ...     Coordinate("station_name", np.array("PAR"), {"cf_role": "timeseries_id"})])
    >>> [(coordinate.name, coordinate.values.item()) for coordinate in kept]
    [('station', 'PAR'), ('station_name', 'PAR')]
    """
    named = [coordinate for coordinate in scalar_coordinates if coordinate.attrs.get("cf_role") == STATION_ROLE]
    if len(named) != 1:
        return tuple(scalar_coordinates)
    name = _shown(np.asarray(named[0].values).item())
    return tuple(Coordinate(coordinate.name, np.asarray(name), {})
                 if coordinate.attrs.get("long_name") == STATION_INDEX_NAME else coordinate
                 for coordinate in scalar_coordinates)


def _indices_text(dataset: xr.Dataset, dim: str) -> str:
    """``0 to 4; 0: ST01, 1: ST02, 2: ST03, …``: the indices, and the first stations' names
    when the file names them."""
    names = _station_names(dataset, dim)
    named = f"; {_listed([f'{index}: {name}' for index, name in enumerate(names)])}" if names else ""
    return f"0 to {dataset.sizes[dim] - 1}{named}"


def _several_stations(dataset: xr.Dataset, dim: str, where: str, ragged: str | None = None) -> str:
    """The refusal of a file with several stations, with the ways out; for a ragged array
    (described by ``ragged``) only ``select``: ``ncks -d station,0`` would keep every station's
    observations beside the first station's counts."""
    size = dataset.sizes[dim]
    if dim in dataset.variables:
        with dask.config.set(scheduler="synchronous"):
            first = [_shown(value) for value in np.asarray(dataset[dim].values).tolist()]
        names = _station_names(dataset, dim)
        named = f", or a station's name ({_station_names_variable(dataset, dim)}: {_listed(names)})" if names else ""
        how, example = f"one of its values: {_listed(first)}{named}", first[0]
    else:
        how, example = f"its index, {_indices_text(dataset, dim)}", 0
        if (name := _unique_name(dataset, dim, 0)) is not None:
            how, example = f"{how}, or its name ({_station_names_variable(dataset, dim)})", name
    evidence = station_evidence(dataset, dim) or "a CF station time-series file"
    layout = f"{evidence}, {ragged}" if ragged else evidence
    choose = (f"{where} holds {size} stations along '{dim}' ({layout}), and climann trains on a grid or on one "
              f"place (stations have no cells or areas to make a grid of): choose one station with --select "
              f"{shlex.quote(f'{dim}={example}')} (climann info, train, evaluate or predict; [data] select = "
              f"{{{dim} = {_toml(example)}}} in a config; {how})")
    if ragged:
        return f"{choose}, which takes that station's observations"
    copy = source_and_copy(dataset, suffix=f"{dim}0")
    return (f"{choose}, or write one file per station, e.g. {cut_advice({dim: (0,)}, copy)}, which trains as a "
            f"single point")


def _several_stations_error(dataset: xr.Dataset, dim: str, where: str, ragged: str | None = None, *,
                            index: int = 0) -> SeveralStations:
    """:func:`_several_stations`'s refusal, carrying the ``select`` value of the station
    ``climann info`` describes (``index``: the first station, or of a ragged array the first
    with observations, fix38d: info refused a file whose station 0 had none) and the stations'
    summary for it."""
    first: object = index
    if dim in dataset.variables:
        with dask.config.set(scheduler="synchronous"):
            value = np.asarray(dataset[dim].values).ravel()[index]
        first = _shown(value) if isinstance(value, bytes) else value.item() if isinstance(value, np.generic) else value
    elif (name := _unique_name(dataset, dim, index)) is not None:  # the station a reader knows, not 0 (fix45c)
        first = name
    return SeveralStations(_several_stations(dataset, dim, where, ragged), dim=dim, first=first,
                           summary=stations_summary(dataset, dim, where, ragged=ragged),
                           choice=_choice_words(dataset, dim),
                           shown_as=("the first station" if index == 0 else "the first station with observations")
                           + "".join(f", {name}" for name in _station_names(dataset, dim)[index:index + 1]))


def _unique_name(dataset: xr.Dataset, dim: str, index: int) -> str | None:
    """The name of station ``index`` in the file's text variable of station names
    (:func:`_station_names_variable`) when it names no other station and reads as a name, not an
    index (``select`` by a name of digits would pick that index); else None."""
    named = _station_names_variable(dataset, dim)
    if named is None or not _is_text(dataset[named]):
        return None
    names = _station_names(dataset, dim)
    name = names[index]
    return name if name and names.count(name) == 1 and not name.strip().lstrip("-").isdigit() else None


def _choice_words(dataset: xr.Dataset, dim: str) -> str:
    """What the ``N`` of ``--select dim=N`` is, by the one rule of :func:`_index`: a number is a
    value of the coordinate variable when ``dim`` has one (as ``xarray.Dataset.sel`` reads it;
    UHSLC's ``record_id`` = 57, 58, 60: ``record_id=1`` is no station), else the station's index;
    a text, or a number no value or index matches, a station's name (break38b B1: info advised
    "its index or its name" for a ``record_id`` whose index was refused)."""
    names = _station_names(dataset, dim)
    if dim in dataset.variables:
        with dask.config.set(scheduler="synchronous"):
            values = [_shown(value) for value in np.asarray(dataset[dim].values).tolist()]
        return (f"N one of the values of '{dim}' ({_listed(values)})" + (" or a station's name" if names else "")
                + ", not an index")
    return f"N its index, 0 to {dataset.sizes[dim] - 1}" + (", or its name" if names else "")


#: At most this many stations are listed by name in :func:`stations_summary` (more: the first
#: ones, "…", and the last).
_LISTED = 12


def stations_summary(dataset: xr.Dataset, dim: str, where: str, *, ragged: str | None = None) -> str:
    """What ``climann info`` says of a file of several stations: how many, along which dimension
    and why they are stations; their names (CF §9.5 ``timeseries_id``) by the ``select`` value that
    chooses each (the coordinate's value, else the index: :func:`_choice_words`); the range of
    their latitudes, longitudes and heights (each 1-D variable along ``dim`` that is one, in its
    units).

    Parameters
    ----------
    dataset : xarray.Dataset
        One opened file (lazy); only its station variables are read.
    dim : str
        The station (instance) dimension.
    where : str
        The file's name.
    ragged : str, optional
        The layout of a ragged array (:func:`with_station_rows`).

    Returns
    -------
    str
        Lines, the first ``Stations: 12 along 'station' in ghcn.nc (a CF station time-series
        file): climann trains on one``, the others indented by two spaces.
    """
    evidence = station_evidence(dataset, dim) or "a CF station time-series file"
    layout = f"{evidence}, {ragged}" if ragged else evidence
    lines = [f"Stations: {dataset.sizes[dim]} along '{dim}' in {where} ({layout}): climann trains on one"]
    names = _station_names(dataset, dim)
    if names:
        keys, by = list(range(len(names))), "index"
        if dim in dataset.variables:  # a number chooses by the coordinate's value (_choice_words)
            with dask.config.set(scheduler="synchronous"):
                keys, by = [_shown(value) for value in np.asarray(dataset[dim].values).tolist()], f"'{dim}'"
        # a numbered station whose number is its name (HYPE's subid): said once, not "9594: 9594"
        named = [key if str(key) == str(name) else f"{key}: {name}" for key, name in zip(keys, names)]
        shown = named if len(named) <= _LISTED else [*named[:_LISTED - 2], "…", named[-1]]
        lines.append(f"  names ({_station_names_variable(dataset, dim)}) by {by}: {', '.join(shown)}")
    found = [str(name) for name, variable in dataset.variables.items()
             if variable.dims == (dim,) and variable.dtype.kind in "iuf" and _is_position(str(name), dataset[name])]
    order = ("latitude", "longitude", None)  # then heights
    positions = [_range_text(name, dataset[name])
                 for name in sorted(found, key=lambda name: order.index(geographic_kind(name, dataset[name])))]
    if positions:
        lines.append(f"  {'; '.join(positions)}")
    return "\n".join(lines)


#: CF standard names of a station's height (CF standard name table), shown beside its position.
_HEIGHT_NAMES = ("height", "altitude", "surface_altitude", "height_above_mean_sea_level")


def _is_position(name: str, variable: xr.DataArray) -> bool:
    """Whether ``variable`` is a station's latitude, longitude or height."""
    return (geographic_kind(name, variable) is not None or variable.attrs.get("standard_name") in _HEIGHT_NAMES
            or str(variable.attrs.get("axis", "")).upper() == "Z")


def _range_text(name: str, variable: xr.DataArray) -> str:
    """``latitude 'lat': 25.3 to 48.9 degrees_north``: the smallest and largest value."""
    with dask.config.set(scheduler="synchronous"):
        values = np.asarray(variable.values, dtype=np.float64)
    kind = geographic_kind(name, variable) or "height"
    units = str(variable.attrs.get("units", "")).strip()
    finite = values[np.isfinite(values)]
    if not finite.size:
        return f"{kind} '{name}': no values"
    return f"{kind} '{name}': {finite.min():.6g} to {finite.max():.6g}{' ' + units if units else ''}"
