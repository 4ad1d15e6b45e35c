"""Open gridded NetCDF files lazily (dask-backed) from paths, globs or directories."""

from __future__ import annotations

import glob
from collections.abc import Sequence
from pathlib import Path

import xarray as xr

from climann.errors import ClimannError

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
        names = ", ".join(path.name for path in files[:3]) + (" …" if len(files) > 3 else "")
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ClimannError(f"cannot open {names} as NetCDF: {reason}") from None
