"""Paths given to the public API: one path or a sequence of them.

A ``str`` is itself a sequence (of characters) and an xarray Dataset a mapping (of variable
names), so ``for path in paths`` would read ``"file.nc"`` as the files ``f``, ``i``, …; every
public function that takes files, globs or run directories reads them through
:func:`path_list` instead.

A ``~`` at the start of a path given on the command line or in a configuration file is the
home folder, as the shell makes it of an unquoted word (POSIX Shell Command Language, 2.6.1
Tilde Expansion): a quoted ``'~/runs/x'``, an element of a ``subprocess.run`` list or a
Makefile variable reach climann unexpanded. :func:`home_expanded` and :func:`user_path`
expand it once, at that edge (the CLI's arguments, :func:`climann.workflow.config.build_config`);
below it every path is literal, as for :func:`open`. xarray and fsspec expand a leading ``~``
themselves (``os.path.expanduser``), so a file climann checks, creates or renames under a
literal ``~`` folder is handed to them as an absolute path (:func:`user_path`,
:func:`climann.atomic.atomic_path`): the file written is then the file renamed.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from climann.data.grib_framing import GRIB_MAGIC, HEAD_BYTES, grib_start
from climann.errors import ClimannError

__all__ = [
    "GRIB_MAGIC", "NETCDF_SUFFIXES", "ZARR_MARKERS", "ZARR_SUFFIX", "home_expanded", "is_glob_pattern", "is_grib",
    "matched_paths", "path_list", "is_zarr_store", "relative_to_working_directory", "user_path", "zarr_marker",
]


def is_grib(path: str | Path) -> bool:
    """Whether ``path`` is a GRIB file by its first bytes (:data:`GRIB_MAGIC`, or a WMO bulletin
    heading before it: :func:`~climann.data.grib_framing.grib_start`), whatever its name (NCEP
    names its GRIB2 files ``….pgrb2a.0p50.f006``, without ``.grib2``; a bulletin off the GTS is
    often ``.bin``). False for a folder and for what cannot be read."""
    try:
        with open(path, "rb") as handle:
            return grib_start(handle.read(HEAD_BYTES)) is not None
    except OSError:
        return False


#: A directory with this ending is a Zarr store (one input), not a folder of files.
ZARR_SUFFIX = ".zarr"

#: The files at the top of a Zarr store (v2: the group's, consolidated metadata, an array's;
#: v3: ``zarr.json``), which say that a directory is one (a copy of a cloud store's
#: ``gs://cmip6/…/v20190308/`` keeps no ``.zarr`` in its name).
ZARR_MARKERS = ("zarr.json", ".zmetadata", ".zgroup", ".zarray")

_GLOB_CHARACTERS = set("*?[")


def zarr_marker(folder: str | os.PathLike) -> str | None:
    """The first of :data:`ZARR_MARKERS` that directory ``folder`` holds, None when it holds
    none (or is no directory): a directory holding one is a Zarr store, whatever its name."""
    folder = Path(folder)
    return next((marker for marker in ZARR_MARKERS if (folder / marker).is_file()), None)


def is_zarr_store(path: str | os.PathLike) -> bool:
    """Whether ``path`` is a Zarr store, one input: named ``*.zarr`` (a trailing ``/`` or not),
    or a directory that holds a Zarr store's top files (:func:`zarr_marker`) and no ``*.nc``
    file (a local copy of Pangeo's ``gs://cmip6/…/v20190308/``; break29b A5). A name the system
    cannot look up (longer than its limit, as a message's comma-joined list of GGCMI's 95-character
    file names is: rerun34 F1) is no store."""
    path = Path(str(path).rstrip("/") or "/")
    if path.suffix.lower() == ZARR_SUFFIX:
        return True
    try:
        return path.is_dir() and zarr_marker(path) is not None and not any(path.glob("*.nc"))
    except OSError:  # ENAMETOOLONG and the like: nothing of that name can be opened
        return False


def path_list(paths: str | os.PathLike | Iterable[str | os.PathLike], *, name: str = "paths") -> list[str | Path]:
    """Paths as a list: one path (a ``str`` or ``os.PathLike``) is a list of one, not of its
    characters; a sequence of paths is kept in its order.

    Every public function that takes several files, globs or run directories reads them
    through this, so that ``predict_files(run, "file.nc", out)`` means that file.

    Parameters
    ----------
    paths : str, os.PathLike or iterable of them
    name : str
        The argument's name, for the message.

    Raises
    ------
    ClimannError
        If ``paths`` is neither (an xarray Dataset, a number, a list holding something else):
        the message names the type given.
    """
    if isinstance(paths, (str, os.PathLike)):
        return [paths]
    if isinstance(paths, (bytes, Mapping)) or not isinstance(paths, Iterable):  # an xarray Dataset is a Mapping
        raise ClimannError(f"{name} must be a file name (str or pathlib.Path) or a list of them; got "
                           f"type {_type_name(paths)}")
    given = list(paths)
    for position, path in enumerate(given):
        if not isinstance(path, (str, os.PathLike)):
            raise ClimannError(f"{name} must be a file name (str or pathlib.Path) or a list of them; item {position} "
                               f"has type {_type_name(path)}")
    return given


def _type_name(value: object) -> str:
    """``"xarray.core.dataset.Dataset"``, ``"int"``: the type given instead of a path."""
    kind = type(value)
    return kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"


def home_expanded(text: str) -> str:
    """``text`` with a leading ``~`` (or ``~user``) made the home folder, as the shell does
    with an unquoted word (``os.path.expanduser``); any other text as it is.

    Example
    -------
    ``home_expanded("~/data/*.nc")`` is ``"/home/me/data/*.nc"``; ``home_expanded("./~/x.nc")``
    stays ``"./~/x.nc"`` (a folder named ``~`` in the working directory).
    """
    return os.path.expanduser(text)


def user_path(text: str) -> Path:
    """A path given by the user (a command-line argument) as the file it names: a leading
    ``~`` is the home folder (:func:`home_expanded`); a folder literally named ``~`` in the
    working directory (``./~/run``, which ``pathlib`` shortens to ``~/run``) is made absolute,
    so that no library reads it as the home folder.

    Example
    -------
    ``user_path("~/run")`` is ``Path("/home/me/run")``; ``user_path("./~/run")`` is
    ``Path("/work/~/run")`` in ``/work``; ``user_path("runs/x")`` stays ``Path("runs/x")``.
    """
    path = Path(home_expanded(text))
    return path.absolute() if str(path).startswith("~") else path


#: File name endings of NetCDF and HDF5 files besides ``.nc`` (NASA's GES DISC writes MERRA-2,
#: GLDAS and IMERG as ``.nc4``): read like ``.nc``, but not taken from a directory, which gives
#: its ``*.nc`` files (:func:`matched_paths`), so they are named by a glob.
NETCDF_SUFFIXES = (".nc4", ".nc3", ".cdf", ".netcdf", ".h5", ".hdf5", ".he5", ".hdf")


#: File name endings of GRIB files (editions 1 and 2): a command that writes NetCDF from one
#: names its copy ``.nc`` (a NetCDF copy under a ``.grib2`` name was read through cfgrib and
#: refused, break38a B1).
GRIB_FILE_SUFFIXES = (".grib", ".grb", ".grib1", ".grb1", ".grib2", ".grb2")


def is_grib_file(path: str | os.PathLike) -> bool:
    """Whether ``path`` is named as a GRIB file (:data:`GRIB_FILE_SUFFIXES`, any case) or begins
    as one (:func:`is_grib`: NCEP's ``gec00.t00z.pgrb2a.0p50.f006``, break42c B1)."""
    return Path(path).suffix.lower() in GRIB_FILE_SUFFIXES or is_grib(path)


def is_glob_pattern(pattern: str | os.PathLike) -> bool:
    """Whether ``pattern`` is a glob (holds ``*``, ``?`` or ``[``), matched as :mod:`glob` does."""
    return bool(_GLOB_CHARACTERS & set(str(pattern)))


def matched_paths(pattern: str | os.PathLike) -> list[Path]:
    """What one pattern of input files names, as given (a relative pattern relative to the
    working directory): a glob's matches, sorted; a folder's ``*.nc`` files, sorted; a file
    (or a Zarr store, or a symbolic link, even to nothing) itself; nothing else: ``[]``.

    The one reading of a pattern: :func:`climann.data.open.expand_paths` opens what it gives,
    and a configuration file's relative paths are checked with it against the file's own folder
    (:mod:`climann.workflow.config_paths`).

    Example
    -------
    ``matched_paths("data/")`` is ``[Path("data/a.nc"), Path("data/b.nc")]``;
    ``matched_paths("data/nosuch.nc")`` is ``[]``.
    """
    text = str(pattern)
    if is_glob_pattern(text):
        return [Path(path) for path in sorted(glob.glob(text))]
    path = Path(text)
    if path.is_dir() and not is_zarr_store(path):
        return sorted(path.glob("*.nc"))
    return [path] if path.exists() or path.is_symlink() else []


def relative_to_working_directory(pattern: str | os.PathLike) -> str:
    """``" in the working directory /home/me/work"`` for a relative ``pattern``, which is read
    from there; ``""`` for an absolute one. For messages about a pattern that matched nothing:
    a configuration file used from another folder is read from that folder, not its own.
    """
    if Path(pattern).is_absolute():
        return ""
    try:
        return f" in the working directory {Path.cwd()}"
    except OSError:  # the working directory was removed
        return " in the working directory"
