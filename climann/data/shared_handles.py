"""The one handle of each NetCDF file in the process (:mod:`climann.data.handles` reads through it).

HDF5 shares the state of a file opened twice at once, and a second handle closed after reading
a NetCDF-4 string leaves a stale pointer that the next read follows into a segmentation fault
(Unidata/netcdf-c#2510; the module docstring of :mod:`climann.data.handles`). This module holds
the file managers alone, importing nothing of climann, so that a module that
:mod:`climann.data.handles` imports itself (:mod:`climann.data.time_commands`, whose CDO advice
looks at a file's variables) reads a file through the same handle (:func:`open_plain`) without
an import cycle.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import xarray as xr
from xarray.backends import CachingFileManager, NetCDF4DataStore
from xarray.backends.netCDF4_ import NETCDF4_PYTHON_LOCK

#: The file manager of each file, by resolved path, with the file's identity when opened.
_MANAGERS: dict[str, tuple[tuple[int, int, int, int], CachingFileManager]] = {}
_MANAGERS_LOCK = threading.Lock()


def _identity(path: Path) -> tuple[int, int, int, int]:
    """What tells a changed file apart: device, inode, size and modification time (ns)."""
    status = os.stat(path)
    return status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns


def shared_manager(path: str | os.PathLike) -> CachingFileManager:
    """The one file manager of a NetCDF file in this process, opening it read-only on demand.

    Parameters
    ----------
    path : str or path-like
        An existing NetCDF3 or NetCDF4 file.

    Returns
    -------
    xarray.backends.CachingFileManager
        The same object for every call on the same unchanged file.

    Raises
    ------
    OSError
        If the file does not exist.
    """
    path = Path(path).resolve()
    identity = _identity(path)
    import netCDF4  # the netcdf4 engine's library, imported when a file is opened

    with _MANAGERS_LOCK:
        known = _MANAGERS.get(str(path))
        if known is not None and known[0] == identity:
            return known[1]
        if known is not None:
            known[1].close()  # the file changed on disk: never two handles on one path
        manager = CachingFileManager(
            netCDF4.Dataset, str(path), mode="r", kwargs={"format": "NETCDF4"}, lock=NETCDF4_PYTHON_LOCK
        )
        _MANAGERS[str(path)] = (identity, manager)
        return manager


def open_plain(path: str | os.PathLike, **options: object) -> xr.Dataset:
    """:func:`xarray.open_dataset` of a NetCDF file through its shared handle
    (:func:`shared_manager`), as xarray's netcdf4 engine reads it: for a look at a file's
    variables (their dimensions, types, attributes) while other datasets of it are open. The
    data a run reads come through :func:`climann.data.handles.open_netcdf`, which also reads
    the attributes as climann does.

    Parameters
    ----------
    path : str or path-like
        A NetCDF3 or NetCDF4 file.
    **options
        Given to :func:`xarray.open_dataset` (``decode_cf`` …).

    Returns
    -------
    xarray.Dataset

    Raises
    ------
    OSError
        If the file does not exist or is not a NetCDF file (from netCDF4).
    """
    manager = shared_manager(path)
    store = NetCDF4DataStore(manager, mode="r", lock=NETCDF4_PYTHON_LOCK)
    with manager.acquire_context():
        return xr.open_dataset(store, engine="store", **options)
