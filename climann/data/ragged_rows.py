"""The counts and indices of a ragged array of stations, checked before a station's rows are taken.

A CF ragged array (CF 1.x §9.3.3–9.3.4, appendix H.2.4–H.2.5) finds each station's
observations along the sample dimension ``obs`` through one variable:

- a *contiguous* ragged array, ``row_size(station)`` with ``sample_dimension = "obs"``: the
  number of observations of each station, one station's rows after the previous station's, in
  the order of the instance dimension. A count is a whole number from 0 on, and the counts add
  up to the sample dimension;
- an *indexed* ragged array, ``stationIndex(obs)`` with ``instance_dimension = "station"``:
  the index of each observation's station along the instance dimension, 0 the first (CF
  §9.3.4: "the index of the instance ... the value is the zero-based index"), so ``0 …
  n_stations - 1``.

A value outside these is no CF ragged array and would take another station's rows: an index
file written counting from 1 (``1 … n_stations``, as Fortran, R and MATLAB count) puts station
1's name on station 0's observations (break37b D1). :func:`checked_ragged_values` refuses it in
one line naming the index out of range, and, for indices that count from 1, gives the xarray
line that subtracts 1. A negative count, a missing count or index, or counts whose sum is not
the sample dimension (a file cut along the stations alone) are refused too.

Counts whose sum is right but whose order is not that of the stored observations (``row_size``
written for the stations in another order) cut one station's rows across two stations: its
times then go back (or repeat) where the second station's rows begin (break37b D2).
:func:`check_station_times` refuses a chosen station of a contiguous ragged array whose times
neither only increase nor only decrease, naming where they go back and where the times of the
whole sample dimension go back (where the stations' observations probably begin), to correct
``row_size``.
"""

from __future__ import annotations

from collections.abc import Callable
import logging

import dask
import numpy as np
import pandas as pd
import xarray as xr

from climann.data.notes import note_once
from climann.data.shell import copy_path, python_command, whole_write, working_path
from climann.data.time_axis import date_text
from climann.errors import ClimannError

__all__ = ["checked_ragged_values", "check_station_times", "ragged_layout", "stations_without_observations",
           "warn_stations_without_observations"]

_log = logging.getLogger(__name__)

#: At most this many values are listed in a message.
_SHOWN = 3


def checked_ragged_values(dataset: xr.Dataset, name: str, dims: tuple[str, str], *, where: str) -> np.ndarray:
    """The counts (CF §9.3.3) or station indices (CF §9.3.4) of the ragged array variable
    ``name``, after checking that they are a CF ragged array's.

    Parameters
    ----------
    dataset : xarray.Dataset
        One opened file (lazy); only ``name`` is read.
    name : str
        The count variable (``row_size(station)``, with ``sample_dimension``) or the index
        variable (``stationIndex(obs)``, with ``instance_dimension``).
    dims : tuple of str
        The instance and the sample dimension (``("station", "obs")``).
    where : str
        The file's name, for the messages.

    Returns
    -------
    numpy.ndarray of int64, shape (n_stations,) or (n_obs,)
        The counts or the indices.

    Raises
    ------
    ClimannError
        If a value is missing; a count is negative, or the counts do not add up to the sample
        dimension; an index lies outside ``0 … n_stations - 1`` (for indices ``1 …
        n_stations``, with the xarray line that subtracts 1).
    """
    instance, sample = dims
    with dask.config.set(scheduler="synchronous"):
        raw = np.asarray(dataset[name].values)
    contiguous = dataset[name].dims == (instance,)
    kind = "count" if contiguous else "index"
    if raw.dtype.kind == "f" and not np.isfinite(raw).all():
        missing = int((~np.isfinite(raw)).sum())
        raise ClimannError(f"{where}: {missing} of the {raw.size} values of the ragged array's {kind} variable "
                           f"'{name}' ({ragged_layout(dataset, name)}) are missing, so the rows of a station cannot be "
                           f"found: give a file whose '{name}' has every value")
    values = raw.astype(np.int64)
    if contiguous:
        _check_counts(dataset, name, values, dims, where)
    else:
        _check_indices(dataset, name, values, dims, where)
    return values


def _check_counts(dataset: xr.Dataset, name: str, counts: np.ndarray, dims: tuple[str, str], where: str) -> None:
    """Refuse negative counts, or counts that do not add up to the sample dimension."""
    instance, sample = dims
    if (counts < 0).any():
        station = int(np.flatnonzero(counts < 0)[0])
        raise ClimannError(f"{where}: the station counts '{name}' ({ragged_layout(dataset, name)}) hold "
                           f"{counts[station]} for {instance} {station}, and a count of observations is 0 or more: "
                           f"give a file whose '{name}' holds each station's number of rows of '{sample}'")
    if counts.sum() != dataset.sizes[sample]:
        raise ClimannError(
            f"{where}: the station counts '{name}' ({ragged_layout(dataset, name)}) add up to {counts.sum()} "
            f"observations, but '{sample}' holds {dataset.sizes[sample]}, so a station's rows cannot be found (a "
            f"file cut along '{instance}' without its observations?): give the original file with --select "
            f"{instance}=N")


def _check_indices(dataset: xr.Dataset, name: str, indices: np.ndarray, dims: tuple[str, str], where: str) -> None:
    """Refuse station indices outside ``0 … n_stations - 1`` (CF §9.3.4: zero-based)."""
    instance, sample = dims
    n_stations = dataset.sizes[instance]
    outside = (indices < 0) | (indices >= n_stations)
    if not outside.any():
        return
    first = int(np.flatnonzero(outside)[0])
    values = np.unique(indices[outside]).tolist()
    listed = ", ".join(map(str, values[:_SHOWN])) + (", …" if len(values) > _SHOWN else "")
    head = (f"{where}: the station index '{name}' ({ragged_layout(dataset, name)}) is {indices[first]} at {sample} "
            f"{first} ({int(outside.sum())} observations of index {listed}), outside 0 to {n_stations - 1}: CF "
            f"counts a ragged array's stations from 0 (§9.3.4, appendix H.2.5), so it is no index of the "
            f"{n_stations} stations along '{instance}'")
    if indices.min() == 1 and indices.max() == n_stations:
        raise ClimannError(f"{head}; its indices 1 to {n_stations} count the stations from 1: write a copy counting "
                           f"from 0, e.g. {_from_zero_command(dataset, name)}, then give that copy in place of "
                           f"{where}")
    raise ClimannError(f"{head} (a file cut along '{instance}' without its observations?): give the original file "
                       f"with --select {instance}=N")


def stations_without_observations(values: np.ndarray, n_stations: int, *, contiguous: bool) -> np.ndarray:
    """The stations (indices along the instance dimension) that no observation belongs to: a
    count of 0 (CF §9.3.3), or an index that no value of the index variable holds (CF §9.3.4).

    Parameters
    ----------
    values : numpy.ndarray of int, shape (n_stations,) or (n_obs,)
        The counts or the station indices, as :func:`checked_ragged_values` gives them.
    n_stations : int
        The length of the instance dimension.
    contiguous : bool
        Whether ``values`` are counts (else indices).

    Returns
    -------
    numpy.ndarray of int64
        The stations without observations, in order.

    Examples
    --------
    >>> stations_without_observations(np.array([1, 2, 3, 1]), 4, contiguous=False)
    array([0])
    """
    if contiguous:
        return np.flatnonzero(np.asarray(values) == 0)
    return np.setdiff1d(np.arange(n_stations), values).astype(np.int64)


def warn_stations_without_observations(dataset: xr.Dataset, name: str, dims: tuple[str, str], indices: np.ndarray,
                                       *, station_text: Callable[[int], str], where: str) -> None:
    """Warn, once per file, when stations of an indexed ragged array (CF §9.3.4) have no
    observations, naming them. Valid CF, read as such: but indices written counting from 1
    (Fortran, R and MATLAB) that stay below the number of stations look exactly like this,
    station 0 empty and every observation read as the station after its own (fix38d: 1 … 3
    of 4 stations were read without a word, station 1's name on station 0's series); the
    warning then says so and gives the line that writes a copy counting from 0. A count of 0
    (CF §9.3.3) says so itself: no warning.

    Parameters
    ----------
    dataset : xarray.Dataset
        The file, as opened.
    name : str
        The index variable (``stationIndex(obs)``).
    dims : tuple of str
        The instance and the sample dimension.
    indices : numpy.ndarray of int, shape (n_obs,)
        Its values (:func:`checked_ragged_values`).
    station_text : callable
        A station's index → its words in a message (``0 (A01)``).
    where : str
        The file's name.
    """
    instance, sample = dims
    n_stations = dataset.sizes[instance]
    empty = stations_without_observations(indices, n_stations, contiguous=False)
    if not empty.size:
        return
    shown = ", ".join(station_text(int(station)) for station in empty[:_SHOWN]) + (", …" if empty.size > _SHOWN else "")
    several = empty.size > 1
    message = (f"{where}: {instance}{'s' if several else ''} {shown} of the {n_stations} along '{instance}' "
               f"{'have' if several else 'has'} no observations: no value of the station index '{name}' "
               f"({ragged_layout(dataset, name)}) is {_listed(empty.tolist())}")
    if empty[0] == 0 and indices.size and indices.min() >= 1:
        message += (f"; CF counts the stations from 0, and indices written counting from 1 (as Fortran, R and MATLAB "
                    f"count) look like this: its indices run {indices.min()} to {indices.max()}; if they count from "
                    f"1, each of the {dataset.sizes[sample]} '{sample}' is read as the station after its own: write a "
                    f"copy counting from 0, e.g. {_from_zero_command(dataset, name)}, then give that copy in place of "
                    f"{where}")
    note_once(_log, logging.WARNING, message, key=("stations without observations", where, name))


def _from_zero_command(dataset: xr.Dataset, name: str) -> str:
    """The ``python -c`` line that writes a copy of the dataset's file with ``name`` less 1,
    every other variable as stored (``decode_cf=False``)."""
    source = dataset.encoding.get("source", "IN.nc")
    copy = working_path(copy_path(source, suffix="from0")) if "source" in dataset.encoding else "OUT.nc"
    return python_command(f"import sys, xarray as xr; d = xr.open_dataset('{working_path(source)}', decode_cf=False); "
                          f"d['{name}'] = d['{name}'].copy(data=d['{name}'].values - 1); "
                          + whole_write(target=f"'{copy}'"))


def check_station_times(dataset: xr.Dataset, name: str, dims: tuple[str, str], counts: np.ndarray, *,
                        station_text: Callable[[int], str], where: str) -> None:
    """Refuse a contiguous ragged array (CF §9.3.3) in which the times of a station, in the rows
    its counts give it, go back after going forward or repeat: rows of two stations, the counts
    ``name`` not in the order of the stored observations. Every station is checked, not only the
    one chosen: the same counts place each station's rows (a station before the misplaced one is
    cut short, its times in order).

    Parameters
    ----------
    dataset : xarray.Dataset
        One opened file (lazy), the whole sample dimension; only its ``time(obs)`` (a variable
        on the sample dimension with ``standard_name = "time"`` or ``axis = "T"``) is read.
    name : str
        The count variable, ``row_size(station)``.
    dims : tuple of str
        The instance and the sample dimension.
    counts : numpy.ndarray of int, shape (n_stations,)
        The values of ``name``, checked by :func:`checked_ragged_values`.
    station_text : callable
        Station ``index`` as messages name it (``1 (01594440)``).
    where : str
        The file's name.

    Raises
    ------
    ClimannError
        If the times of a station neither only increase nor only decrease (missing times left
        out), naming the rows where the times of the whole sample dimension go back.
    """
    instance, sample = dims
    time = next((key for key, variable in dataset.variables.items() if variable.dims == (sample,) and (
        variable.attrs.get("standard_name") == "time" or str(variable.attrs.get("axis", "")).upper() == "T")), None)
    if time is None:
        return
    with dask.config.set(scheduler="synchronous"):
        every = np.asarray(dataset[time].values)
    ends = np.cumsum(counts)
    for station, (start, stop) in enumerate(zip(ends - counts, ends)):
        rows = np.arange(start, stop)[~pd.isnull(every[start:stop])]
        times = every[rows]
        back = np.flatnonzero(times[1:] <= times[:-1])
        if back.size and not (times[1:] < times[:-1]).all():  # latest first: sorted later, with a warning
            step = int(back[0])
            raise ClimannError(_mixed_rows(dataset, (name, time), dims, (start, stop, rows[step], rows[step + 1]),
                                           station=station_text(station), where=where))


def _mixed_rows(dataset: xr.Dataset, names: tuple[str, str], dims: tuple[str, str], rows: tuple[int, ...], *,
                station: str, where: str) -> str:
    """:func:`check_station_times`'s refusal: ``rows`` are the station's first and end row, and
    the rows before and at the first step back."""
    (name, time), (instance, sample) = names, dims
    start, stop, before, after = rows
    with dask.config.set(scheduler="synchronous"):
        every = np.asarray(dataset[time].values)
        given = np.asarray(dataset[name].values).astype(np.int64).tolist()
    went = "repeats" if every[after] == every[before] else "goes back"
    dated = ~pd.isnull(every)
    starts = [int(row) + 1 for row in np.flatnonzero(dated[1:] & dated[:-1] & (every[1:] <= every[:-1]))]
    runs = np.diff([0, *starts, every.size]).tolist()
    return (f"{instance} {station} of {where}: its times decrease or repeat in the rows {start} to {stop - 1} of "
            f"'{sample}' that the counts '{name}' give it ({ragged_layout(dataset, name)}: each station's rows "
            f"follow the rows of the stations before it along '{instance}'): '{time}' {went} from "
            f"{date_text(every[before])} to {date_text(every[after])} at row {after}, so these rows hold two "
            f"stations' observations; '{time}' goes back or repeats at the rows {_listed(starts)} of the whole "
            f"'{sample}', where the stations' observations likely begin ({len(runs)} runs of {_listed(runs)} rows, "
            f"in the order stored), while '{name}' gives {_listed(given)} in the order of '{instance}': correct "
            f"'{name}' (or the order of the stations along '{instance}') to the order of the stored observations")


def _listed(values: list) -> str:
    return ", ".join(map(str, values[:6])) + (", …" if len(values) > 6 else "")


def ragged_layout(dataset: xr.Dataset, name: str) -> str:
    """How the ragged array variable ``name`` finds each station's rows, as messages say it:
    ``a contiguous ragged array: row_size with sample_dimension = "obs", CF §9.3.3``."""
    attrs = dataset[name].attrs
    if "sample_dimension" in attrs:
        return f'a contiguous ragged array: {name} with sample_dimension = "{attrs["sample_dimension"]}", CF §9.3.3'
    return f'an indexed ragged array: {name} with instance_dimension = "{attrs["instance_dimension"]}", CF §9.3.4'
