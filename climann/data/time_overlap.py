"""Times held twice: files of one variable that overlap in time, and repeated times in a file.

Combining such files along time would give a time axis with repeated dates (or fail with a
misleading error). They are found from the files' time coordinates alone, before the files
are combined, and resolved as the ``[data] overlap`` setting says:

- ``"error"`` (default): refuse, naming the files (or the file) and the dates;
- ``"first"``: keep the values of the file that starts earlier (in a file, the first of
  each repeated time);
- ``"last"``: keep the values of the file that starts later (in a file, the last repeat).

Repeated times in one file are resolved by position, not by comparing their values: the
values are not read when files are opened (everything stays lazy), and "keep the first"
gives the same result as merging when the repeats are identical.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr

from climann.data.coords import find_coordinate, time_coordinate
from climann.data.variables import data_variable_names
from climann.errors import ClimannError

_SETTING = '[data] overlap = "first" or "last" (--overlap first|last)'


@dataclass
class _FileTimes:
    """One file's time axis, its time-varying data variables and the steps kept so far."""

    path: Path
    name: str
    times: np.ndarray
    variables: frozenset[str]
    keep: np.ndarray

    @property
    def kept(self) -> np.ndarray:
        return self.times[self.keep]


def date_text(time: object) -> str:
    """``2003-01-16`` (with ``HH:MM`` when not midnight) for a cftime date."""
    text = f"{time.year:04d}-{time.month:02d}-{time.day:02d}"
    return text + (f" {time.hour:02d}:{time.minute:02d}" if time.hour or time.minute else "")


def _dates_text(times: Sequence) -> str:
    """"2003-01-16 … 2003-12-16, 12 time steps" (or one date)."""
    if len(times) == 1:
        return f"{date_text(times[0])}, 1 time step"
    return f"{date_text(times[0])} … {date_text(times[-1])}, {len(times)} time steps"


def file_times(path: Path, open_file: Callable[[Path], xr.Dataset]) -> _FileTimes | None:
    """The file's time axis, or None when it has none (static fields) or cannot be read
    (the combined opening then says why). The dataset is left open: ``open_file`` may hand
    out the very dataset that is combined afterwards (:mod:`climann.data.open` opens each file
    once)."""
    try:
        dataset = open_file(path)
        name = find_coordinate(dataset, "time")
        times = np.asarray(dataset[name].values)
        variables = frozenset(v for v in data_variable_names(dataset) if name in dataset[v].dims)
    except (ClimannError, OSError, ValueError, TypeError, KeyError):
        return None
    if times.ndim != 1 or not len(times) or not hasattr(times[0], "calendar"):
        return None
    return _FileTimes(path, name, times, variables, np.arange(len(times)))


def _unrepeated(info: _FileTimes, overlap: str) -> np.ndarray:
    """Steps of the file kept when each repeated time is kept once (first or last repeat)."""
    seen: dict[object, int] = {}
    repeated: list[object] = []
    order = range(len(info.times)) if overlap != "last" else range(len(info.times) - 1, -1, -1)
    for index in order:
        time = info.times[index]
        if time in seen:
            repeated.append(time)
        else:
            seen[time] = index
    if not repeated:
        return info.keep
    if overlap == "error":
        dates = sorted(set(repeated))
        shown = ", ".join(date_text(t) for t in dates[:3]) + (", …" if len(dates) > 3 else "")
        raise ClimannError(
            f"'{info.name}' in {info.path.name} repeats {len(dates)} time{'s' if len(dates) > 1 else ''} "
            f"({shown}); keep the first or the last of each with {_SETTING}, or remove the repeats from the file"
        )
    return np.sort(np.fromiter(seen.values(), dtype=np.int64))


def _overlap_error(earlier: _FileTimes, later: _FileTimes) -> ClimannError:
    both = sorted(
        set(later.kept[later.kept <= earlier.kept[-1]]) | set(earlier.kept[earlier.kept >= later.kept[0]])
    )
    return ClimannError(
        f"{earlier.path.name} and {later.path.name} overlap in time ({_dates_text(both)} in both, "
        f"variables {', '.join(sorted(earlier.variables & later.variables))}); keep the earlier or the later "
        f"file's values there with {_SETTING}, or leave one file out"
    )


def _resolve_overlaps(infos: list[_FileTimes], overlap: str) -> None:
    """Trim (or refuse) the files of one variable whose periods overlap; ``infos`` sorted by start.

    Files with the very same times are left alone: more likely two fields under one name (two
    scenarios) than an overlap, which the combined opening names, suggesting ``rename``."""
    pairs = [
        (a, b) for i, a in enumerate(infos) for b in infos[i + 1 :]
        if a.variables & b.variables and len(a.keep) and len(b.keep) and b.kept[0] <= a.kept[-1]
        and not np.array_equal(a.kept, b.kept)
    ]
    if pairs and overlap == "error":
        raise _overlap_error(*pairs[0])
    if overlap == "first":  # each later file loses what an earlier one holds
        for earlier, later in pairs:
            later.keep = later.keep[later.kept > earlier.kept[-1]] if len(earlier.keep) else later.keep
    else:  # each earlier file loses what a later one holds, the latest first
        for earlier, later in reversed(pairs):
            earlier.keep = earlier.keep[earlier.kept < later.kept[0]] if len(later.keep) else earlier.keep


def time_steps_to_keep(
    files: Sequence[Path], open_file: Callable[[Path], xr.Dataset], *, overlap: str = "error"
) -> dict[str, tuple[str, np.ndarray]]:
    """Which time steps of which files to keep so that no time is held twice.

    Parameters
    ----------
    files : sequence of Path
        Files combined along time (and variables).
    open_file : callable
        Opens one file lazily with its times decoded, as the files are combined
        (``climann.data.open``: the right engine for NetCDF, Zarr or GRIB). The dataset is
        not closed here: the caller owns it.
    overlap : {"error", "first", "last"}
        See the module description.

    Returns
    -------
    dict of str to (str, ndarray of int)
        For each file (by its real path) that loses time steps: its time dimension and the
        indices of the steps kept. Empty when nothing is held twice.

    Raises
    ------
    ClimannError
        With ``overlap = "error"``, naming the files (or the file) and the dates held twice.
    """
    infos = [info for info in (file_times(Path(path), open_file) for path in files) if info is not None]
    for info in infos:
        info.keep = _unrepeated(info, overlap)
    infos.sort(key=lambda info: info.kept[0] if len(info.keep) else info.times[0])
    _resolve_overlaps(infos, overlap)
    return {
        os.path.realpath(info.path): (info.name, info.keep) for info in infos if len(info.keep) < len(info.times)
    }


def keep_times(selections: Mapping[str, tuple[str, np.ndarray]], dataset: xr.Dataset) -> xr.Dataset:
    """The dataset of one file with only the time steps :func:`time_steps_to_keep` chose (lazy)."""
    source = dataset.encoding.get("source")
    chosen = selections.get(os.path.realpath(source)) if source else None
    if chosen is None:
        return dataset
    name, keep = chosen
    return dataset.isel({name: keep})


#: Messages already logged, so that a run opening its files twice says it once.
_NOTED_ORDER: set[str] = set()


def sorted_in_time(dataset: xr.Dataset, where: str = "the data") -> xr.Dataset:
    """``dataset`` with its steps in increasing time, after a warning (once) when they were not.

    A file whose years are stored out of order (``cdo mergetime`` of unsorted inputs,
    ``ncrcat`` in shell-glob order) holds the same data as the sorted file: its steps are
    sorted by time (:meth:`xarray.Dataset.sortby`, lazy; bounds and every time-varying variable
    follow), as ``cdo sorttime`` would. Repeated times are not sorted here: they are refused
    or resolved by ``[data] overlap`` when the files are opened (see :func:`keep_times`).

    Parameters
    ----------
    dataset : xarray.Dataset
    where : str
        The files, for the message.

    Returns
    -------
    xarray.Dataset
    """
    if (name := time_coordinate(dataset)) is None:
        return dataset
    index = dataset.indexes.get(name)
    if index is None or len(index) < 2 or index.is_monotonic_increasing or not index.is_unique:
        return dataset
    times = index.values
    first = int(np.flatnonzero(times[1:] < times[:-1])[0])
    message = (
        f"{where}: the time axis is not in order ({date_text(times[first + 1])} comes after "
        f"{date_text(times[first])}); its steps are sorted by time, as `cdo sorttime` would"
    )
    if message not in _NOTED_ORDER:
        _NOTED_ORDER.add(message)
        logging.getLogger(__name__).warning("%s", message)
    return dataset.sortby(name)
