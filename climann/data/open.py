"""Open gridded NetCDF files lazily (dask-backed) from paths, globs or directories."""

from __future__ import annotations

import fnmatch
import functools
import glob
import re
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path

import dask
import xarray as xr

from climann.data.coords import find_coordinate
from climann.data.layout import SPLIT_BLOCK_COORDINATE
from climann.data.time_overlap import keep_times, time_steps_to_keep
from climann.data.time_units import ExactCalendarCoder, months_since_message
from climann.errors import ClimannError

#: The calendars of the CF conventions (cftime decodes them all).
KNOWN_CALENDARS = (
    "standard", "gregorian", "proleptic_gregorian", "noleap", "365_day",
    "all_leap", "366_day", "360_day", "julian", "none",
)

_GLOB_CHARACTERS = set("*?[")


def expand_paths(patterns: Sequence[str | Path]) -> list[Path]:
    """Turn files, glob patterns and directories into a sorted list of files.

    Parameters
    ----------
    patterns : sequence of str or Path
        Each a file, a glob (``data/tas_*.nc``) or a directory (all ``*.nc`` inside).

    Returns
    -------
    list of Path
        Absolute paths, without duplicates, in the order given (each glob sorted).

    Raises
    ------
    ClimannError
        If a pattern matches nothing.
    """
    files: list[Path] = []
    for pattern in patterns:
        text = str(pattern)
        if _GLOB_CHARACTERS & set(text):
            matched = [Path(p) for p in sorted(glob.glob(text))]
        elif Path(text).is_dir():
            matched = sorted(Path(text).glob("*.nc"))
        else:
            matched = [Path(text)] if Path(text).exists() else []
        if not matched:
            raise ClimannError(f"no file matches '{text}'")
        files += [path.resolve() for path in matched if path.resolve() not in files]
    return files


def _open_group(files: Sequence[Path], overlap: str = "error") -> xr.Dataset:
    """Open files that together hold one set of variables (e.g. one file per year)."""
    time_coder = ExactCalendarCoder(use_cftime=True)  # also months since … in 360_day
    with warnings.catch_warnings():
        # Packed files often give both _FillValue and missing_value; xarray masks both and
        # says so in a warning that would only alarm users.
        warnings.filterwarnings("ignore", message=".*multiple fill values.*")
        return _open_files(files, time_coder, overlap)


def _open_files(files: Sequence[Path], time_coder: xr.coders.CFDatetimeCoder, overlap: str = "error") -> xr.Dataset:
    # Repeated and overlapping times are found (and resolved as ``overlap`` says) from the
    # files' time coordinates before they are combined; see climann.data.time_overlap.
    keep = functools.partial(keep_times, time_steps_to_keep(files, time_coder, overlap=overlap))
    try:
        if len(files) == 1:
            return keep(xr.open_dataset(files[0], chunks={}, decode_times=time_coder))
        return xr.open_mfdataset(
            files,
            preprocess=keep,
            combine="by_coords",
            data_vars="minimal",
            coords="minimal",
            compat="override",
            join="exact",
            decode_times=time_coder,
        )
    except (OSError, ValueError, TypeError, KeyError) as error:
        raise ClimannError(_explain_open_failure(files, error)) from None


def _rename_groups(
    files: Sequence[Path], rename: Mapping[str, Mapping[str, str]]
) -> list[tuple[list[Path], Mapping[str, str]]]:
    """Files grouped by the first rename rule whose pattern matches their name or path."""
    groups: dict[str | None, list[Path]] = {}
    for path in files:
        rule = next((p for p in rename if fnmatch.fnmatch(path.name, p) or fnmatch.fnmatch(str(path), p)), None)
        groups.setdefault(rule, []).append(path)
    unused = [pattern for pattern in rename if pattern not in groups]
    if unused:
        raise ClimannError(f"rename pattern '{unused[0]}' matches none of the files")
    return [(group, rename.get(rule, {}) if rule else {}) for rule, group in groups.items()]


def _renamed(dataset: xr.Dataset, mapping: Mapping[str, str], files: Sequence[Path]) -> xr.Dataset:
    missing = [old for old in mapping if old not in dataset.variables]
    if missing:
        raise ClimannError(
            f"rename: '{missing[0]}' is not in {files[0].name}; its variables: {', '.join(map(str, dataset.data_vars))}"
        )
    return dataset.rename(dict(mapping))


def open_dataset(
    files: Sequence[Path], *, rename: Mapping[str, Mapping[str, str]] | None = None, overlap: str = "error"
) -> xr.Dataset:
    """Open one or many NetCDF files as one lazy dataset.

    Times are decoded to ``cftime`` objects whatever the calendar, so that ``noleap`` or
    ``360_day`` dates survive unchanged; several files are combined along their coordinates
    (e.g. one file per year, or one file per variable on the same grid).

    Parameters
    ----------
    files : sequence of Path
        Existing NetCDF3 or NetCDF4 files, e.g. from :func:`expand_paths`.
    rename : mapping of glob pattern to {old name: new name}, optional
        Variables to rename in the files matching each pattern (by file name or path), e.g.
        ``{"*ssp585*": {"air_temperature": "tas_ssp585"}}`` when two files use one name for
        different fields. Each group of files is opened on its own, then all are merged.
    overlap : {"error", "first", "last"}
        What to do with times that two files of one variable both hold, or that one file
        holds twice: refuse naming the files and dates, or keep the values of the earlier
        (``first``) or later (``last``) file, or of the first or last repeat in a file
        (see :mod:`climann.data.time_overlap`). Nothing is read but the time coordinates.

    Returns
    -------
    xarray.Dataset
        Dask-backed: nothing is read but the coordinates.

    Raises
    ------
    ClimannError
        If a file is not NetCDF, is truncated, the files do not combine (different grids,
        the same variable twice), files overlap in time or repeat times (with ``overlap``
        "error"), or a rename does not apply.
    """
    groups = _rename_groups(files, rename or {})
    datasets = [_renamed(_open_group(group, overlap), mapping, group) for group, mapping in groups]
    if len(datasets) == 1:
        return _with_bounds_in_memory(datasets[0])
    try:
        merged = xr.merge(datasets, join="exact", compat="no_conflicts", combine_attrs="drop_conflicts")
    except (ValueError, xr.MergeError) as error:
        raise ClimannError(_explain_open_failure(files, error)) from None
    return _with_bounds_in_memory(merged)


def concat_blocks(parts: Sequence[xr.Dataset], names: Sequence[str]) -> xr.Dataset:
    """Datasets of the split blocks (e.g. one scenario each) one after another along time.

    Time-varying variables are concatenated; static fields and bounds are taken from the
    first block. The coordinate :data:`~climann.data.layout.SPLIT_BLOCK_COORDINATE` names the
    block of each step, since dates may repeat (two scenarios over the same years).

    Raises
    ------
    ClimannError
        If the blocks are on different grids or lack a variable of the first block.
    """
    time_name = find_coordinate(parts[0], "time")
    grids = {_grid_summary(part) for part in parts}
    if len(grids) > 1:
        raise ClimannError(
            f"the split blocks are on different grids ({' / '.join(sorted(grids))}); put them on one grid first"
        )
    for name, part in zip(names[1:], parts[1:]):
        missing = [variable for variable in parts[0].data_vars if variable not in part.variables]
        if missing:
            raise ClimannError(f"the {name} block's files lack '{missing[0]}', which the {names[0]} block has")
    labels = [label for name, part in zip(names, parts) for label in [name] * part.sizes[time_name]]
    try:
        combined = xr.concat(
            list(parts), dim=time_name, data_vars="minimal", coords="minimal", compat="override",
            join="override", combine_attrs="drop_conflicts",
        )
    except (ValueError, xr.MergeError) as error:
        raise ClimannError(f"the split blocks do not combine along {time_name}: {error}") from None
    return combined.assign_coords({SPLIT_BLOCK_COORDINATE: (time_name, labels)})


def _with_bounds_in_memory(dataset: xr.Dataset) -> xr.Dataset:
    """Read the coordinates' bounds variables now, like the coordinates themselves: they are
    small metadata (cell edges), and the data variables stay lazy. Read deliberately with
    dask's synchronous scheduler, so that it is not counted as a data computation."""
    names = [
        str(variable.attrs["bounds"]) for variable in dataset.coords.values()
        if str(variable.attrs.get("bounds")) in dataset.variables
    ]
    if not names:
        return dataset
    with dask.config.set(scheduler="synchronous"):
        return dataset.assign({name: dataset[name].load() for name in names})


def _explain_open_failure(files: Sequence[Path], error: Exception) -> str:
    """One line saying why the files could not be opened together, as precisely as possible."""
    names = ", ".join(path.name for path in files[:3]) + (" …" if len(files) > 3 else "")
    reason = str(error).splitlines()[0] if str(error) else type(error).__name__
    if "calendar" in reason:
        return _calendar_message(files) or _time_units_message(files) or f"cannot decode the times of {names}: {reason}"
    duplicated = _duplicated_variable_message(files)
    if duplicated:
        return duplicated
    if "align" in reason and len(files) > 1:
        return _grid_mismatch_message(files) or f"the files {names} do not combine: {reason}"
    unreadable = _unreadable_file(files) if _UNREADABLE.search(reason) else None
    if unreadable is not None:
        return f"{unreadable} is not a readable NetCDF file (truncated or another format)"
    return f"cannot open {names} as NetCDF: {reason}"


# What the backends say of a file that is not NetCDF (or GRIB) or is cut short.
_UNREADABLE = re.compile(r"did not find a match in any of xarray|HDF error|NetCDF: |not a valid NetCDF|"
                         r"file format|is not a valid|unexpected end|truncated", re.IGNORECASE)


def _unreadable_file(files: Sequence[Path]) -> Path | None:
    """The first of ``files`` that does not open on its own (the only one, if one)."""
    if len(files) == 1:
        return files[0]
    for path in files:
        try:
            xr.open_dataset(path, decode_times=False, chunks={}).close()
        except Exception:  # noqa: BLE001 — any failure makes it the unreadable one
            return path
    return None


def _raw_datasets(files: Sequence[Path]) -> list[tuple[Path, xr.Dataset]]:
    """Each file opened without decoding times, for diagnostics; unreadable files skipped."""
    opened = []
    for path in files:
        try:
            opened.append((path, xr.open_dataset(path, decode_times=False, chunks={})))
        except (OSError, ValueError):
            continue
    return opened


def _calendar_message(files: Sequence[Path]) -> str | None:
    for path, dataset in _raw_datasets(files):
        for name, variable in dataset.variables.items():
            calendar = variable.attrs.get("calendar")
            if calendar and str(calendar).lower() not in KNOWN_CALENDARS:
                # IRI Data Library files say '360' for CF's 360_day; not guessed, but named
                fix = f"`ncatted -a calendar,{name},o,c,360_day {path.name} fixed.nc`"
                hint = f"; if it means 30-day months, CF's name is '360_day': {fix}" if str(calendar) == "360" else ""
                return (
                    f"'{name}' in {path.name} uses calendar '{calendar}', which is not a CF calendar; "
                    f"known: {', '.join(KNOWN_CALENDARS)}{hint}"
                )
    return None


def _time_units_message(files: Sequence[Path]) -> str | None:
    """For time units in calendar months or years where they are not exact: why, and the fix."""
    for path, dataset in _raw_datasets(files):
        for name, variable in dataset.variables.items():
            units, calendar = variable.attrs.get("units"), str(variable.attrs.get("calendar", "standard"))
            message = isinstance(units, str) and months_since_message(str(name), units, calendar, path.name)
            if message:
                return message
    return None


def _grid_summary(dataset: xr.Dataset) -> str:
    parts = []
    for kind in ("latitude", "longitude"):
        try:
            values = dataset[find_coordinate(dataset, kind)].values
        except ClimannError:
            continue
        parts.append(f"{kind[:3]} {values.size} values {values.min():g}…{values.max():g}")
    return ", ".join(parts) or "no lat/lon"


def _grid_mismatch_message(files: Sequence[Path]) -> str | None:
    grids: dict[str, list[str]] = {}
    for path, dataset in _raw_datasets(files):
        variables = ", ".join(map(str, list(dataset.data_vars)[:4]))
        grids.setdefault(_grid_summary(dataset), []).append(f"{path.name} ({variables})")
    if len(grids) < 2:
        return None
    described = "; ".join(f"{' and '.join(names)} on {grid}" for grid, names in grids.items())
    return (
        f"the files are on different grids: {described}. Regridding is out of scope: put them "
        "on one grid first (e.g. cdo remapbil or xESMF)"
    )


def _duplicated_variable_message(files: Sequence[Path]) -> str | None:
    """When two files hold the same variable at the same times (two scenarios?), say so."""
    seen: dict[tuple[str, object], str] = {}
    for path, dataset in _raw_datasets(files):
        times = tuple(dataset["time"].values[:3].tolist()) if "time" in dataset.variables else ()
        for name in dataset.data_vars:
            key = (str(name), times)
            if key in seen and not str(name).endswith("bnds"):
                return (
                    f"'{name}' is in both {seen[key]} and {path.name} at the same times (two scenarios?); "
                    f"give one a new name with [data] rename = {{\"{path.name}\" = {{{name} = \"{name}_2\"}}}}"
                )
            seen[key] = path.name
    return None
