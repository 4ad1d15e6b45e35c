"""The one handle of each NetCDF file in the process (:mod:`climann.data.handles` reads through it).

HDF5 shares the state of a file opened twice at once, and a second handle closed after reading
a NetCDF-4 string leaves a stale pointer that the next read follows into a segmentation fault
(Unidata/netcdf-c#2510; the module docstring of :mod:`climann.data.handles`). This module holds
the file managers alone, importing nothing of climann but :mod:`climann.data.notes` (which
imports nothing of climann), so that a module that :mod:`climann.data.handles` imports itself
(:mod:`climann.data.time_commands`, whose CDO advice looks at a file's variables) reads a file
through the same handle (:func:`open_plain`, :func:`plain_header`) without an import cycle.
"""

from __future__ import annotations

import contextlib
import math
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import xarray as xr
from xarray.backends import CachingFileManager, NetCDF4DataStore
from xarray.backends.netCDF4_ import NETCDF4_PYTHON_LOCK

from climann.data.notes import kept_for_the_run

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
    with _MANAGERS_LOCK:
        known = _MANAGERS.get(str(path))
        if known is not None and known[0] == identity:
            return known[1]
        if known is not None:
            known[1].close()  # the file changed on disk: never two handles on one path
        manager = CachingFileManager(
            open_read_only, str(path), mode="r", kwargs={"format": "NETCDF4"}, lock=NETCDF4_PYTHON_LOCK
        )
        _MANAGERS[str(path)] = (identity, manager)
        _room_in_the_file_cache(len(_MANAGERS))
        return manager


def open_read_only(filename: str, mode: str = "r", **options: object) -> object:
    """``netCDF4.Dataset(filename, mode, **options)``, each chunked variable's chunk cache
    (HDF5's cache of decompressed chunks, :func:`chunk_cache_bytes`) holding at most one of its
    chunks: the opener of every file's shared handle (:func:`shared_manager`).

    netCDF-C gives each chunked variable of an open file a cache of 64 MB by default
    (``netCDF4.get_chunk_cache()``), and HDF5 keeps in it every chunk read until the file is
    closed. The shared handles stay open for the whole run, so the data of a folder of one-step
    files were held twice, once as climann's arrays and once in the caches: 1.03 MB per 0.5°
    daily file of ``tas`` (720 × 360 float32 in one chunk), 0.5 GB more for 500 files in
    ``climann info`` and ``train`` (issue 15, fix52d).

    Parameters
    ----------
    filename : str
        A NetCDF3 or NetCDF4 file.
    mode : str
        ``"r"``: the shared handles only read.
    **options
        Given to :class:`netCDF4.Dataset` (``format``).

    Returns
    -------
    netCDF4.Dataset

    Raises
    ------
    OSError
        If the file does not exist or is not a NetCDF file (from netCDF4).
    """
    import netCDF4

    handle = netCDF4.Dataset(filename, mode, **options)
    if handle.data_model.startswith("NETCDF4"):  # NetCDF-3 files have no chunks
        groups = [handle]
        while groups:
            group = groups.pop()
            groups.extend(group.groups.values())
            for variable in group.variables.values():
                size = chunk_cache_bytes(variable.chunking(), variable.shape, variable.dtype)
                if size is not None:
                    variable.set_var_chunk_cache(size=size)
    return handle


def chunk_cache_bytes(chunking: object, shape: tuple[int, ...], dtype: object) -> int | None:
    """The chunk cache given to a variable of ``shape`` stored in chunks of ``chunking``
    (``netCDF4.Variable.chunking()``) by :func:`open_read_only`, bytes: none (0) for a variable
    stored in one chunk, which any read decompresses whole (the chunk of a one-step file: nothing
    to keep once read), else one chunk's bytes, so that reads cutting through a chunk (one time
    step of a chunk of several, a dask chunk smaller than HDF5's) decompress it once; ``None``
    (netCDF-C's default left) for contiguous variables and types without a fixed size, which
    have no chunk cache to set.

    Parameters
    ----------
    chunking : "contiguous" or sequence of int
        The variable's chunk shape, as ``netCDF4.Variable.chunking()`` gives it.
    shape : tuple of int
        The variable's shape.
    dtype : numpy.dtype or type
        Its type (``netCDF4.Variable.dtype``; ``str`` or a VLEN type's for variable-length data).

    Returns
    -------
    int or None
        Bytes; at most netCDF-C's default (64 MB) never raised.

    Examples
    --------
    >>> chunk_cache_bytes([1, 360, 720], (1, 360, 720), np.dtype("f4"))
    0
    >>> chunk_cache_bytes([1, 360, 720], (365, 360, 720), np.dtype("f4"))
    1036800
    """
    itemsize = getattr(dtype, "itemsize", 0) if isinstance(dtype, np.dtype) else 0
    if isinstance(chunking, str) or not itemsize or dtype.kind in "OV":
        return None
    chunks = math.prod(-(-length // chunk) for length, chunk in zip(shape, chunking, strict=True))
    return 0 if chunks <= 1 else min(math.prod(chunking) * itemsize, _DEFAULT_CHUNK_CACHE)


#: netCDF-C's default chunk cache of a variable (``netCDF4.get_chunk_cache()[0]``), bytes.
_DEFAULT_CHUNK_CACHE = 64 * 2**20


#: Handles kept beside the files' own in xarray's cache, and descriptors left for everything else.
_CACHE_SPARE, _DESCRIPTORS_SPARE = 32, 256

#: Resident memory of one open NetCDF-4 handle, bytes: HDF5's state of an open file, not its
#: chunk cache (fix46e, HDF5 2.2.0, netCDF-C 4.10.1: 0.57 MB for an empty NetCDF-4 file, of
#: which the 64 Ki-entry hash table of HDF5's metadata cache, 512 KiB, fixed when HDF5 is
#: built; 1.14 MB for an OSI-405-like file of 14 variables, whose headers stay in that cache;
#: 1.28 MB once every variable was read, 1.23 MB with a chunk cache of 64 KB instead of
#: 64 MB; 0.03 MB for a NetCDF-3 file), rounded up for files of more variables. Neither
#: netCDF4-python nor xarray can set HDF5's metadata cache.
_HANDLE_BYTES = 1.5 * 2**20
#: The share of the memory available when the cache first grows that its handles may take.
_MEMORY_SHARE = 1 / 8
#: The most handles the cache keeps open, whatever the memory (fix56c): 128 × 1.1 MB. Kept for
#: every file of the run, 365 daily 0.25° files held 0.75–0.85 MB each for the whole of
#: ``climann info`` (1 095: 0.9 GB); beyond it each of info's few passes over the files reopens
#: them (365 files: 1 527 openings instead of 365, about 6 ms each, fix56c).
_MOST_HANDLES = 128
#: How many handles :data:`_MEMORY_SHARE` holds, fixed at the cache's first growth.
_memory_room: int | None = None


def _handles_in_memory_budget() -> int:
    """How many open handles fit in :data:`_MEMORY_SHARE` of the memory available
    (:func:`psutil.virtual_memory`) when the cache of handles first grows, at
    :data:`_HANDLE_BYTES` each, and at most :data:`_MOST_HANDLES`; the same number for the
    rest of the process (the handles' own memory would otherwise shrink the budget they are
    counted against)."""
    global _memory_room
    if _memory_room is None:
        import psutil

        _memory_room = int(_MEMORY_SHARE * psutil.virtual_memory().available // _HANDLE_BYTES)
    return min(_memory_room, _MOST_HANDLES)


def _room_in_the_file_cache(n_files: int) -> None:
    """Make xarray's cache of open handles (``file_cache_maxsize``, 128 by default) hold the
    ``n_files`` files of the run, as far as the process may open files.

    Every file of a run is read several times (its times, its grid, its values): with more files
    than the cache holds, the least recently used handle was closed at each opening of another
    and opened again at its next read; 200 daily files were opened 12 760 times in one
    ``climann info`` (fix45j; 40 min for 1 097 files, break45c A6). The soft limit of open file
    descriptors (``RLIMIT_NOFILE``) is raised toward the hard limit when the files need it, and
    the cache never holds more handles than the limit leaves room for (less
    :data:`_DESCRIPTORS_SPARE`): beyond it, handles are closed and reopened as before.

    Each open handle also holds about 1.1–1.3 MB of HDF5's state of the file (11 GB for 10 000
    files): the cache holds no more handles than fit in an eighth of the memory available when
    it first grows, nor more than :data:`_MOST_HANDLES` (:func:`_handles_in_memory_budget`), and
    never fewer than xarray's own ``file_cache_maxsize`` (a budget below it changes nothing).
    Beyond the smaller of the caps, the least recently used handle is closed at each opening of
    another, and a run reading its files in turn reopens each file at each pass over them
    (about 4 openings per file in ``climann info`` since fix55c read each header once; before
    fix45j about 60), so that memory stays bounded whatever the number of files.
    """
    wanted = n_files + _CACHE_SPARE
    if wanted <= xr.get_options()["file_cache_maxsize"]:
        return
    wanted = min(wanted, _handles_in_memory_budget())
    if wanted <= xr.get_options()["file_cache_maxsize"]:
        return
    try:
        import resource  # POSIX only
    except ImportError:
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < wanted + _DESCRIPTORS_SPARE:
        needed = wanted + _DESCRIPTORS_SPARE
        raised = needed if hard == resource.RLIM_INFINITY else min(hard, needed)
        if raised > soft:
            try:
                resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
            except (ValueError, OSError):
                pass
            soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    room = wanted if soft == resource.RLIM_INFINITY else min(wanted, soft - _DESCRIPTORS_SPARE)
    if room > xr.get_options()["file_cache_maxsize"]:
        xr.set_options(file_cache_maxsize=room)


@contextlib.contextmanager
def briefly_open(path: str | os.PathLike) -> Iterator[object]:
    """The open ``netCDF4.Dataset`` of ``path`` through its shared handle (:func:`shared_manager`)
    for one look at it (its groups, its data model's sizes), closed after the look unless it was
    open before: a handle holds 1.1 MB of HDF5's state of the file, and a look at each of 1 096
    files kept 1 096 handles open for the rest of the command (fix50e).

    Raises
    ------
    OSError
        If the file does not exist or is not a NetCDF file (from netCDF4).
    """
    manager = shared_manager(path)
    was_open = getattr(manager, "_key", None) in getattr(manager, "_cache", {})
    try:
        with manager.acquire_context() as handle:
            yield handle
    finally:
        if not was_open:
            manager.close()


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


#: Each NetCDF file's header as :func:`plain_header` read it in this run, by resolved path and
#: identity (:func:`_identity`: a file rewritten since is read again); at most
#: :data:`_KEPT_HEADERS`, first in first out, forgotten at a run's start with its notes.
_HEADERS: dict[tuple, xr.Dataset] = {}
_HEADERS_LOCK = threading.Lock()
_KEPT_HEADERS = 4096
kept_for_the_run(_HEADERS.clear)


def plain_header(path: str | os.PathLike) -> xr.Dataset:
    """``open_plain(path, decode_cf=False)``: a NetCDF file's variables as stored (names,
    dimensions, types, attributes, values lazy), read once per unchanged file and run.

    The advice for files without time bounds looks at every file's header several times (its
    timeless files, its instants, the variables cdo skips, drops or reads as signed, its calendar
    units: eight readings of each file, 960 of ``climann info``'s 1 200 openings of 120 daily
    files, fix55c). Each caller gets its own shallow copy (its own attributes); the file's handle
    is closed after the reading, as each reading closed it before.

    Parameters
    ----------
    path : str or path-like
        A NetCDF3 or NetCDF4 file.

    Returns
    -------
    xarray.Dataset
        Nothing decoded; closing it leaves the file's handle as it is.

    Raises
    ------
    OSError
        If the file does not exist or is not a NetCDF file (from netCDF4); not kept: raised again.
    """
    resolved = Path(path).resolve()
    key = (str(resolved), *_identity(resolved))
    with _HEADERS_LOCK:
        known = _HEADERS.get(key)
    if known is None:
        with open_plain(path, decode_cf=False) as opened:
            known = opened.copy(deep=False)
        with _HEADERS_LOCK:
            if len(_HEADERS) >= _KEPT_HEADERS:
                _HEADERS.pop(next(iter(_HEADERS)))
            _HEADERS[key] = known
    return known.copy(deep=False)
