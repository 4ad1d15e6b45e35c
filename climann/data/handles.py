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

What a file's store reads of it (its variables' names, types, dimensions and attributes, its
global attributes and unlimited dimensions) is read once per unchanged file and run: every
opening of the file (its header undecoded, its data decoded in dask's chunks) is xarray's
decoding of its own copies of that one read (:func:`open_netcdf`). A folder of 400 one-day
files was read twice over, once for the header the checks of several files look at and once
for the data (fix43c). A small file (at most :data:`_READ_WHOLE_BYTES` of values) is read whole
at that first reading and its handle closed at once: an open NetCDF-4 handle holds 1.1 MB of
HDF5's state of the file, and the headers of 1 096 daily files, each kept open from the first
check to the end of ``climann info``, took 4.9 GB (issue 15, fix50e). A larger file keeps its
handle in xarray's cache (:mod:`climann.data.shared_handles`), its small variables (coordinates,
bounds) read at once.

Each variable's raw attributes pass through :func:`climann.data.text_numbers.with_text_numbers_read`
(numeric attributes stored as text that say their numbers, read as them) and
:func:`climann.data.stored_values.with_stored_values_read` before xarray decodes them
(``_Unsigned`` in any case, fill values of another type than the
data's): :class:`_StoreReadingStoredValues`. NetCDF-4 enums are read as CF flag variables and
variable-length arrays as objects there too (:mod:`climann.data.user_types`): every opening of
a NetCDF file (its header, its data) comes here. A local Zarr store is read by the same rules
(:func:`open_zarr`): its attributes are the same CF attributes, and xarray decodes them the
same way (a double ``missing_value = 1e20`` on float32 data marked nothing there too).
"""

from __future__ import annotations

import logging
import os
import threading
import weakref
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import xarray as xr
from xarray.backends import CachingFileManager, NetCDF4DataStore, ZarrStore
from xarray.backends.netCDF4_ import NETCDF4_PYTHON_LOCK

from climann.data.notes import kept_for_the_run, note_once
from climann.data.shared_handles import shared_manager
from climann.data.stored_values import with_stored_values_read
from climann.data.text_numbers import refuse_text_coordinate, with_text_numbers_read
from climann.data.user_types import VLEN_KEY, with_enum_as_flags, with_vlen_as_objects
from climann.data.zarr_metadata import stale_consolidated_arrays, stale_metadata_warning

_log = logging.getLogger(__name__)

class _StoreReadingStoredValues(NetCDF4DataStore):
    """xarray's NetCDF4 data store, each variable's attributes read as
    :func:`~climann.data.stored_values.with_stored_values_read` says before decoding, and what
    it reads of the file (``load``, ``get_encoding``) read once: the store of a file is shared by
    its openings (:func:`_store_of`), each of which decodes its own copies."""

    def load(self) -> tuple[Mapping[str, xr.Variable], Mapping[str, object]]:
        """The file's variables and global attributes, read from the file the first time only
        (:func:`_first_read`); each call gets its own shallow copies (xarray's decoding writes
        into the attributes of bounds variables, and the undecoded header must keep the file's)."""
        variables, attributes, _ = _first_read(self)
        # values read at the first opening are copied too: an opening that changes its arrays in
        # place must not change the next one's, as each read of the file gave arrays of its own
        copies = {name: variable.copy(deep=isinstance(variable._data, np.ndarray))
                  for name, variable in variables.items()}
        return copies, dict(attributes)

    def get_encoding(self) -> dict:
        """The file's encoding (its unlimited dimensions), read with :meth:`load`."""
        return dict(_first_read(self)[2])

    def open_store_variable(self, name: str, var: object) -> xr.Variable:
        import netCDF4  # the netcdf4 engine's library, imported when a file is opened

        raw = with_text_numbers_read(name, super().open_store_variable(name, var))
        # NetCDF-4 enums are CF flags, VLEN arrays no numbers; see climann.data.user_types
        if isinstance(var.datatype, netCDF4.EnumType):
            raw = with_enum_as_flags(name, raw, var.datatype.enum_dict)
        elif isinstance(var.datatype, netCDF4.VLType) and var.datatype.dtype is not str:
            raw = with_vlen_as_objects(raw, var.datatype.dtype)
        refuse_text_coordinate(name, raw, self._filename)  # decoded as the file opens: refused first
        return with_stored_values_read(name, raw, self._filename)


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
    store = _store_of(path, manager)
    if _read_whole(store):  # read at its first opening: decoded again without opening the file
        dataset = xr.open_dataset(store, engine="store", **options)
    else:
        with manager.acquire_context():  # one acquisition while the metadata are read, as xarray's backend does
            dataset = xr.open_dataset(store, engine="store", **options)
        if _read_whole(store):
            manager.close()  # its values are in memory: no open handle (1.1 MB of HDF5's state) per small file
    dataset.encoding["source"] = str(Path(path).resolve())
    return dataset


def open_file(path: str | os.PathLike, **options: object) -> xr.Dataset:
    """A NetCDF file through its shared handle (:func:`open_netcdf`), or a local Zarr store
    (:func:`open_zarr`): for the reads of a file's header or a few values that advice makes
    while the run's datasets of it are open (a handle of its own read a NetCDF-4 string through
    HDF5's stale pointer: a segmentation fault, break43d A5). GRIB files are
    :func:`climann.data.grib.open_grib`'s.

    Parameters
    ----------
    path : str or path-like
    **options
        Given to :func:`xarray.open_dataset`.

    Returns
    -------
    xarray.Dataset

    Raises
    ------
    OSError, ValueError
        When the file cannot be read.
    """
    from climann.data.paths import is_zarr_store

    return open_zarr(path, **options) if is_zarr_store(path) else open_netcdf(path, **options)


#: What each store read of its file: its variables and global attributes (``load``) and its encoding.
#: Kept beside the store, not in it: a store is pickled for dask's token of its arrays (their keys,
#: which must name the file: xarray's store has no ``__dict__`` of its own but ``__slots__``) and
#: for a cluster's workers, which read the file again.
_READS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_READS_LOCK = threading.Lock()


#: A file whose variables hold at most this many bytes (as stored, unpacked) is read whole at its
#: first opening and its handle closed at once: an open NetCDF-4 handle holds 1.1–1.3 MB of HDF5's
#: state of the file (:data:`climann.data.shared_handles._HANDLE_BYTES`), more than such a file's
#: values. 1 096 daily OISST files (four 30 × 60 variables, 14 kB of values each) kept 1 096
#: handles open for the whole ``climann info``: 4.9 GB resident (issue 15, fix50e).
_READ_WHOLE_BYTES = 2**20
#: Below it, in a larger file, a variable read at the first opening (coordinates, bounds, scalars):
#: each later opening of the file decodes them without reading the file again.
_READ_AT_ONCE_BYTES = 2**16


def _first_read(store: _StoreReadingStoredValues) -> tuple:
    """What ``store`` read of its file (``load``, ``get_encoding``), read the first time it is
    asked: the variables' attributes, and the values of the small ones (:func:`_read_small`)."""
    with _READS_LOCK:
        read = _READS.get(store)
    if read is None:  # two threads opening one file at once may both read it: the same values
        variables, attributes = NetCDF4DataStore.load(store)
        read = (_read_small(variables), attributes, NetCDF4DataStore.get_encoding(store))
        with _READS_LOCK:
            _READS[store] = read
    return read


def _read_small(variables: Mapping[str, xr.Variable]) -> dict[str, xr.Variable]:
    """``variables`` as the store gives them (lazy), the small ones' values read into memory: every
    variable of a file of at most :data:`_READ_WHOLE_BYTES`, else those of at most
    :data:`_READ_AT_ONCE_BYTES`. Variable-length and compound variables stay lazy."""
    readable = {name: variable for name, variable in variables.items()
                if variable.dtype.kind not in "OV" and VLEN_KEY not in variable.encoding}
    whole = (len(readable) == len(variables)
             and sum(variable.nbytes for variable in variables.values()) <= _READ_WHOLE_BYTES)
    return {name: variable.load() if name in readable and (whole or variable.nbytes <= _READ_AT_ONCE_BYTES)
            else variable for name, variable in variables.items()}


def _read_whole(store: _StoreReadingStoredValues) -> bool:
    """Whether every variable of ``store``'s file was read at its first opening (:func:`_read_small`):
    its datasets need no handle of the file."""
    with _READS_LOCK:
        read = _READS.get(store)
    return read is not None and all(isinstance(variable._data, np.ndarray) for variable in read[0].values())


#: The store of each NetCDF file opened in this run, by resolved path, with the file manager it
#: reads through (a file changed on disk has a new manager, and gets a new store); forgotten at
#: a run's start with the notes its reading said.
_STORES: dict[str, tuple[CachingFileManager, _StoreReadingStoredValues]] = {}
_STORES_LOCK = threading.Lock()
kept_for_the_run(_STORES.clear)


def _store_of(path: str | os.PathLike, manager: CachingFileManager) -> _StoreReadingStoredValues:
    """The one store of the file ``path`` read through ``manager`` (:func:`shared_manager`):
    what it reads of the file, it reads once (:class:`_StoreReadingStoredValues`)."""
    key = str(Path(path).resolve())
    with _STORES_LOCK:
        known = _STORES.get(key)
    if known is not None and known[0] is manager:
        return known[1]
    store = _StoreReadingStoredValues(manager, mode="r", lock=NETCDF4_PYTHON_LOCK)
    with _STORES_LOCK:
        _STORES[key] = (manager, store)
    return store


def data_model(path: str | os.PathLike) -> str:
    """The NetCDF data model of the file ``path`` (netCDF4's ``data_model``: ``"NETCDF4"``,
    ``"NETCDF3_CLASSIC"`` …), as its store read it when the file was opened in this run, without
    opening the file again; else read through its shared handle.

    Raises
    ------
    OSError
        If the file does not exist or is not a NetCDF file (from netCDF4).
    """
    manager = shared_manager(path)
    with _STORES_LOCK:
        known = _STORES.get(str(Path(path).resolve()))
    if known is not None and known[0] is manager:
        return str(known[1].format)
    with manager.acquire_context() as handle:
        return str(handle.data_model)


class _ZarrStoreReadingStoredValues(ZarrStore):
    """xarray's Zarr data store, each variable's attributes read as
    :func:`~climann.data.stored_values.with_stored_values_read` says before decoding, and its
    arrays in the order of their names; ``source``: the store's path, for messages."""

    source: str | None = None

    def open_store_variable(self, name: str) -> xr.Variable:
        raw = with_text_numbers_read(name, super().open_store_variable(name))
        refuse_text_coordinate(name, raw, self.source)  # decoded as the store opens: refused first
        return with_stored_values_read(name, raw, self.source)

    def get_variables(self) -> dict[str, xr.Variable]:
        # A store has no definition order: its arrays are listed by zarr from the consolidated
        # metadata (by name) or from the directory (the file system's order), and the default
        # predictors follow this order (break29b A8: ["clt", "rsdt"] against ["rsdt", "clt"]).
        return {name: self.open_store_variable(name) for name in sorted(self.array_keys())}


def open_zarr(path: str | os.PathLike, **options: object) -> xr.Dataset:
    """:func:`xarray.open_dataset` of a local Zarr store, its variables' ``_Unsigned`` and
    fill values read as :mod:`climann.data.stored_values` says (as for NetCDF, :func:`open_netcdf`).

    Parameters
    ----------
    path : str or path-like
        A Zarr store (a directory), of Zarr format 2 or 3, with or without consolidated metadata.
        Consolidated metadata that disagree with the arrays' own (a store appended to after
        it was consolidated) are not read: the store is read from its arrays' metadata, with
        a warning once per run (:mod:`climann.data.zarr_metadata`).
    **options
        Given to :func:`xarray.open_dataset` (``chunks``, ``decode_times`` …).

    Returns
    -------
    xarray.Dataset
        As ``xarray.open_dataset(path, engine="zarr", **options)`` gives it, with fill values
        of another type than the data's and ``_Unsigned`` read as for NetCDF, its variables
        in the order of their names (sorted), whichever metadata were read (a Zarr store has no
        definition order, and zarr lists the arrays of a store without consolidated metadata
        in the file system's order), and each variable's ``encoding["source"]`` the store, as
        NetCDF's variables record their file (advice that changes a variable names the store:
        :func:`~climann.data.shell.attribute_command`).

    Raises
    ------
    ClimannError
        If integer data have an ``_Unsigned`` that is neither true nor false.
    OSError, ValueError
        From zarr, when the store cannot be read.
    """
    # consolidated metadata older than the arrays are not read; see climann.data.zarr_metadata
    stale = stale_consolidated_arrays(path)
    if stale:
        note_once(_log, logging.WARNING, stale_metadata_warning(path, stale), key=("stale zarr metadata", str(path)))
    store = _ZarrStoreReadingStoredValues.open_group(str(Path(path)), mode="r", consolidated=False if stale else None)
    store.source = str(Path(path).resolve())
    dataset = xr.open_dataset(str(Path(path)), engine="zarr", store=store, **options)
    for variable in dataset.variables.values():  # as the netCDF4 backend records each variable's file
        variable.encoding.setdefault("source", store.source)
    return dataset
