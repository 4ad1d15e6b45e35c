"""Open gridded NetCDF files lazily (dask-backed) from paths, globs or directories."""

from __future__ import annotations

import glob
from collections.abc import Sequence
from pathlib import Path

import xarray as xr

from climann.data.coords import find_coordinate
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


def open_dataset(files: Sequence[Path]) -> xr.Dataset:
    """Open one or many NetCDF files as one lazy dataset.

    Times are decoded to ``cftime`` objects whatever the calendar, so that ``noleap`` or
    ``360_day`` dates survive unchanged; several files are combined along their coordinates
    (e.g. one file per year).

    Parameters
    ----------
    files : sequence of Path
        Existing NetCDF3 or NetCDF4 files, e.g. from :func:`expand_paths`.

    Returns
    -------
    xarray.Dataset
        Dask-backed: nothing is read but the coordinates.

    Raises
    ------
    ClimannError
        If a file is not NetCDF, is truncated, or the files do not combine.
    """
    time_coder = xr.coders.CFDatetimeCoder(use_cftime=True)
    try:
        if len(files) == 1:
            return xr.open_dataset(files[0], chunks={}, decode_times=time_coder)
        return xr.open_mfdataset(
            files,
            combine="by_coords",
            data_vars="minimal",
            coords="minimal",
            compat="override",
            join="exact",
            decode_times=time_coder,
        )
    except (OSError, ValueError, TypeError, KeyError) as error:
        raise ClimannError(_explain_open_failure(files, error)) from None


def _explain_open_failure(files: Sequence[Path], error: Exception) -> str:
    """One line saying why the files could not be opened together, as precisely as possible."""
    names = ", ".join(path.name for path in files[:3]) + (" …" if len(files) > 3 else "")
    reason = str(error).splitlines()[0] if str(error) else type(error).__name__
    if "calendar" in reason:
        return _calendar_message(files) or f"cannot decode the times of {names}: {reason}"
    if "align" in reason and len(files) > 1:
        return _grid_mismatch_message(files) or f"the files {names} do not combine: {reason}"
    return f"cannot open {names} as NetCDF: {reason}"


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
                return (
                    f"'{name}' in {path.name} uses calendar '{calendar}', which is not a CF calendar; "
                    f"known: {', '.join(KNOWN_CALENDARS)}"
                )
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
