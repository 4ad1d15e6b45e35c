"""The NetCDF-4 files read in this process that define an enum type, for the advice on them.

NCO cannot read a file that holds a NetCDF-4 enum variable: ``ncap2`` stops at the enum type
("switch(nctype) statement fell through to default case", NCO 5.1) and ``ncatted`` finds no
enum variable of the name given (break41b B2b), whatever the variable changed. A command that
changes a copy of such a file is therefore given in Python (xarray writes enums back), as for a
Zarr store (:func:`climann.data.shell.copy_command`).

Each enum variable is seen as it is read, through the one place every NetCDF variable is read
(:class:`climann.data.handles` via :func:`climann.data.user_types.with_enum_as_flags`), which
records its file here (:func:`note_enum_file`); advice is only ever given on a file already read.
The file is known by its resolved path and what tells a changed file apart (device, inode, size,
modification time), so that a file rewritten since is not taken for the one read. This module
imports nothing of climann's: the shell advice reads it, and the file handles write it.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

__all__ = ["enum_variables", "holds_enum_types", "note_enum_file"]

#: Each file read with enum variables (by :func:`_key`) → the names of those variables.
_FILES: dict[tuple[str, int, int, int, int], set[str]] = {}
_LOCK = threading.Lock()


def _key(path: str | os.PathLike) -> tuple[str, int, int, int, int] | None:
    """The resolved path and identity of an existing file; None for another path."""
    try:
        status = os.stat(path)
    except (OSError, ValueError):
        return None
    return str(Path(path).resolve()), status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns


def note_enum_file(path: str | os.PathLike, name: str) -> None:
    """Record that the NetCDF-4 file ``path`` holds the enum variable ``name`` (read in this process)."""
    key = _key(path)
    if key is not None:
        with _LOCK:
            _FILES.setdefault(key, set()).add(name)


def enum_variables(path: str | os.PathLike) -> set[str]:
    """The enum variables of ``path`` read in this process (:func:`note_enum_file`), the file
    unchanged since; empty for any other path.

    Examples
    --------
    >>> enum_variables("IN.nc")
    set()
    """
    key = _key(path)
    with _LOCK:
        return set(_FILES.get(key, ())) if key is not None else set()


def holds_enum_types(path: str | os.PathLike) -> bool:
    """Whether ``path`` is a file read in this process that holds a NetCDF-4 enum variable
    (:func:`note_enum_file`), unchanged since; False for any other path (``IN.nc``, a store).

    Examples
    --------
    >>> holds_enum_types("IN.nc")
    False
    """
    return bool(enum_variables(path))
