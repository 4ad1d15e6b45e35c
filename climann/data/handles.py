"""One open handle per NetCDF file in the process, shared by every dataset opened from it.

HDF5 (under NetCDF-4) shares the state of a file opened twice at once, and a variable-length
datatype (a NetCDF-4 ``string`` variable, e.g. CMIP6's scalar ``member_id`` coordinate that
``xarray`` writes after ``ds.sel(member_id=...)``) keeps a pointer to the handle that last read
it. When that handle is closed while another stays open, the next opening of the file reads
the string variable's fill value through the stale pointer and the interpreter dies with a
segmentation fault (Unidata/netcdf-c#2510, HDFGroup/hdf5#3649; HDF5 2.2 still does it). Each
:func:`xarray.open_dataset` of a path opens a handle of its own, and a run opens its inputs
several times (times first, then lazily, once more to choose the inputs, again for
``predict`` and ``evaluate``), while earlier datasets keep theirs open.

Every NetCDF file is therefore opened here through one :class:`xarray.backends.CachingFileManager`
per file: all datasets of the file read through the same handle (under xarray's HDF5 lock), so
the file is never open twice. Closing one such dataset closes the handle; the others reopen it
on their next read. A file changed on disk (other size, time or inode) gets a new handle, the
old one closed first.

Each variable's raw attributes pass through :func:`climann.data.stored_values.with_stored_values_read`
before xarray decodes them (``_Unsigned`` in any case, fill values of another type than the
data's): :class:`_StoreReadingStoredValues`. A local Zarr store is read by the same rules
(:func:`open_zarr`): its attributes are the same CF attributes, and xarray decodes them the
same way (a double ``missing_value = 1e20`` on float32 data marked nothing there too).

What opening a file gives (its undecoded header, its decoded lazy dataset) is kept per file
while the file is unchanged, for one run (:class:`PerFile`): a run reads each file's header
and opens it several times, and with one small file per day (ERA5 daily statistics, IMERG,
MODIS L3) the per-file work of ``xarray.open_dataset`` (≈13 ms a file) made ``climann info``
of three years of daily files four minutes long (break17 F4).
"""

from __future__ import annotations

import os
import stat
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Generic, TypeVar

import xarray as xr
from xarray.backends import CachingFileManager, NetCDF4DataStore, ZarrStore
from xarray.backends.netCDF4_ import NETCDF4_PYTHON_LOCK

from climann.data.notes import when_forgotten
from climann.data.stored_values import with_stored_values_read

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


_Read = TypeVar("_Read")


class PerFile(Generic[_Read]):
    """What reading each file gave, kept while the file is unchanged (its :func:`_identity`:
    device, inode, size and modification time), for one run: forgotten with the run's notes
    (:func:`climann.data.notes.forget_notes`), since a reading kept says its notes no more.

    The ``kept`` files read last are kept (least recently asked for forgotten first). A reading
    that raises is not kept: it is asked again, and raises again. Only regular files are kept
    (a Zarr store is a directory, whose time does not change with its chunks); a path that
    cannot be examined is read each time (its error is the reading's own).

    Parameters
    ----------
    kept : int
        How many readings are kept at most.
    """

    def __init__(self, kept: int) -> None:
        self.kept = kept
        self._readings: OrderedDict[tuple, _Read] = OrderedDict()
        self._lock = threading.Lock()
        when_forgotten(self.forget)

    def read(self, path: str | os.PathLike, how: Hashable, reading: Callable[[], _Read]) -> _Read:
        """``reading()`` of ``path`` (read ``how``: options that change what it gives), or what it
        gave when last asked for the unchanged file in this run."""
        resolved = Path(path).resolve()
        try:
            status = os.stat(resolved)
        except OSError:
            return reading()
        if not stat.S_ISREG(status.st_mode):
            return reading()
        key = (str(resolved), (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns), how)
        with self._lock:
            if key in self._readings:
                self._readings.move_to_end(key)
                return self._readings[key]
        read = reading()
        with self._lock:
            self._readings[key] = read
            while len(self._readings) > self.kept:
                self._readings.popitem(last=False)
        return read

    def forget(self) -> None:
        """Forget every reading kept."""
        with self._lock:
            self._readings.clear()


class _StoreReadingStoredValues(NetCDF4DataStore):
    """xarray's NetCDF4 data store, each variable's attributes read as
    :func:`~climann.data.stored_values.with_stored_values_read` says before decoding."""

    def open_store_variable(self, name: str, var: object) -> xr.Variable:
        return with_stored_values_read(name, super().open_store_variable(name, var), self._filename)


def open_netcdf(path: str | os.PathLike, **options: object) -> xr.Dataset:
    """:func:`xarray.open_dataset` of a NetCDF file through its shared handle (:func:`shared_manager`).

    Parameters
    ----------
    path : str or path-like
        A NetCDF3 or NetCDF4 file.
    **options
        Given to :func:`xarray.open_dataset` (``chunks``, ``decode_times``, ``decode_cf`` …);
        not ``engine``, which is xarray's data-store engine here.

    Returns
    -------
    xarray.Dataset
        As ``xarray.open_dataset(path, engine="netcdf4", **options)`` gives it, with
        ``encoding["source"]`` the path, and ``_Unsigned`` and fill values read as
        :mod:`climann.data.stored_values` says.

    Raises
    ------
    OSError
        If the file does not exist or is not a NetCDF file (from netCDF4).
    ClimannError
        If integer data have an ``_Unsigned`` that is neither true nor false.
    """
    manager = shared_manager(path)
    store = _StoreReadingStoredValues(manager, mode="r", lock=NETCDF4_PYTHON_LOCK)
    with manager.acquire_context():  # one acquisition while the metadata are read, as xarray's backend does
        dataset = xr.open_dataset(store, engine="store", **options)
    dataset.encoding["source"] = str(Path(path).resolve())
    return dataset


class _ZarrStoreReadingStoredValues(ZarrStore):
    """xarray's Zarr data store, each variable's attributes read as
    :func:`~climann.data.stored_values.with_stored_values_read` says before decoding;
    ``source``: the store's path, for messages."""

    source: str | None = None

    def open_store_variable(self, name: str) -> xr.Variable:
        return with_stored_values_read(name, super().open_store_variable(name), self.source)


def open_zarr(path: str | os.PathLike, **options: object) -> xr.Dataset:
    """:func:`xarray.open_dataset` of a local Zarr store, its variables' ``_Unsigned`` and
    fill values read as :mod:`climann.data.stored_values` says (as for NetCDF, :func:`open_netcdf`).

    Parameters
    ----------
    path : str or path-like
        A Zarr store (a directory), of Zarr format 2 or 3, with or without consolidated metadata.
    **options
        Given to :func:`xarray.open_dataset` (``chunks``, ``decode_times`` …).

    Returns
    -------
    xarray.Dataset
        As ``xarray.open_dataset(path, engine="zarr", **options)`` gives it, with fill values
        of another type than the data's and ``_Unsigned`` read as for NetCDF.

    Raises
    ------
    ClimannError
        If integer data have an ``_Unsigned`` that is neither true nor false.
    OSError, ValueError
        From zarr, when the store cannot be read.
    """
    store = _ZarrStoreReadingStoredValues.open_group(str(Path(path)), mode="r", consolidated=None)
    store.source = str(Path(path).resolve())
    return xr.open_dataset(str(Path(path)), engine="zarr", store=store, **options)
