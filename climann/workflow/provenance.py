"""What a run was made from: ``provenance.json`` in the run directory.

The command line, the versions of climann, Python and every dependency, the platform, each
input file with its size and SHA-256 checksum (size and modification time for files of
:data:`HASH_LIMIT_BYTES` and more, which would take long to hash), and the git commit when
climann runs from a checkout. With ``config.toml`` this says everything needed to rerun a
run and to tell whether its inputs have changed since.

Examples
--------
>>> record = run_provenance(["data/sample.nc"], command_line="climann train")  # doctest: +SKIP
>>> record["inputs"][0]["sha256"]  # doctest: +SKIP
'5f3c…'
"""

from __future__ import annotations

import datetime
import hashlib
import importlib.metadata
import json
import os
import platform
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from climann._version import __version__
from climann.data.containers import store_files
from climann.errors import ClimannError

#: Files this large or larger are recorded by size and modification time, not hashed.
HASH_LIMIT_BYTES = 2**30

#: Bytes read at a time while hashing: memory stays at one chunk whatever the file's size.
CHUNK_BYTES = 2**20

#: Recorded when climann's own package metadata is missing (running from a bare source tree).
FALLBACK_PACKAGES = ("numpy", "xarray", "netCDF4", "cftime", "dask", "distributed", "matplotlib", "typer",
                     "cf_xarray", "rich")


def sha256_of(path: str | Path) -> str:
    """The SHA-256 checksum of a file as hex, read in chunks of :data:`CHUNK_BYTES`; of a
    directory store (Zarr), over each of its files' relative path and content, in order."""
    digest, path = hashlib.sha256(), Path(path)
    for file in store_files(path):
        if path.is_dir():
            digest.update(str(file.relative_to(path)).encode() + b"\0")
        with open(file, "rb") as stream:
            while chunk := stream.read(CHUNK_BYTES):
                digest.update(chunk)
    return digest.hexdigest()


def _statuses(path: Path) -> list[os.stat_result]:
    """The status of each file of an input (all the files of a Zarr store)."""
    return [file.stat() for file in store_files(path)]


def _latest_mtime(statuses: Sequence[os.stat_result]) -> str:
    """The latest modification time of the files, ISO 8601 in UTC (as ``provenance.json`` records it)."""
    latest = max(status.st_mtime for status in statuses)
    return datetime.datetime.fromtimestamp(latest, datetime.UTC).isoformat()


def file_record(path: str | Path) -> dict:
    """``{"path", "size", "sha256"}`` of one file; ``{"path", "size", "mtime"}`` (ISO 8601,
    UTC) when it has :data:`HASH_LIMIT_BYTES` or more.

    Raises
    ------
    ClimannError
        If the file cannot be read.
    """
    path = Path(path).resolve()
    try:
        statuses = _statuses(path)
        size = sum(status.st_size for status in statuses)
        record: dict = {"path": str(path), "size": size}
        if size < HASH_LIMIT_BYTES:
            record["sha256"] = sha256_of(path)
        else:
            record["mtime"] = _latest_mtime(statuses)
    except OSError as error:
        raise ClimannError(f"cannot read input file {path}: {error.strerror}") from None
    return record


def recorded_inputs(run_dir: str | Path) -> list[dict]:
    """The ``inputs`` of a run's ``provenance.json`` (see :func:`file_record`); none when the
    run has no readable one (runs of climann versions before it was written)."""
    try:
        inputs = json.loads((Path(run_dir) / "provenance.json").read_text())["inputs"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    return [entry for entry in inputs if isinstance(entry, dict) and {"path", "size"} <= entry.keys()]


def records_difference(then: dict, now: dict, *, source: str = "provenance.json") -> str | None:
    """How two :func:`file_record` of one file differ, or None when they do not: the size,
    then the SHA-256 checksum, or (a file too large to hash) the modification time.

    Parameters
    ----------
    then, now : dict
        The record made earlier (``source``'s) and one made now.
    source : str
        Where ``then`` was recorded, named in the answer.
    """
    if now["size"] != then["size"]:
        return f"size differs from {source}: {then['size']} bytes then, {now['size']} now"
    if "sha256" in then and "sha256" in now:
        return None if now["sha256"] == then["sha256"] else f"sha256 differs from {source}"
    if then.get("mtime") != now.get("mtime"):
        return (f"modification time differs from {source}; the file is too large to be hashed, so its content may "
                "be the same")
    return None


def record_difference(record: dict) -> str | None:
    """How the input file of one ``provenance.json`` record differs from it now, or None when
    it does not.

    The size is compared first; only a file of the same size is read whole, to hash it
    (:func:`file_record`: files under :data:`HASH_LIMIT_BYTES`; larger ones are compared by
    their modification time), then compared by :func:`records_difference`.

    Parameters
    ----------
    record : dict
        ``{"path", "size", "sha256"}`` or ``{"path", "size", "mtime"}``.

    Returns
    -------
    str or None
        What differs, e.g. ``"sha256 differs from provenance.json"``, or ``"missing"``.

    Raises
    ------
    ClimannError
        If the file exists but cannot be read.
    """
    path = Path(record["path"])
    if not path.exists():
        return "missing"
    try:
        size = sum(status.st_size for status in _statuses(path))
    except OSError as error:
        raise ClimannError(f"cannot read input file {path}: {error.strerror}") from None
    if size != record["size"]:
        return records_difference(record, {"size": size})
    return records_difference(record, file_record(path))


def changed_inputs(records: Sequence[dict], paths: Sequence[str | Path]) -> list[dict]:
    """The input files among ``paths`` that differ from their ``provenance.json`` record.

    Parameters
    ----------
    records : sequence of dict
        From :func:`recorded_inputs`.
    paths : sequence of str or Path
        The files about to be read again; one without a record is not checked.

    Returns
    -------
    list of dict
        ``{"path", "change"}`` of each file that differs (:func:`record_difference`), in the
        order of ``paths``; empty when none does.
    """
    by_path = {str(Path(record["path"]).resolve()): record for record in records}
    changes, seen = [], set()
    for path in paths:
        resolved = str(Path(path).resolve())
        if resolved in seen or resolved not in by_path:
            continue
        seen.add(resolved)
        change = record_difference(by_path[resolved])
        if change:
            changes.append({"path": by_path[resolved]["path"], "change": change})
    return changes


def dependency_names() -> list[str]:
    """climann's declared runtime dependencies (extras left out), from its package metadata."""
    try:
        requirements = importlib.metadata.requires("climann") or []
    except importlib.metadata.PackageNotFoundError:
        return list(FALLBACK_PACKAGES)
    names = []
    for requirement in requirements:
        if "extra" in requirement.partition(";")[2]:  # an optional dependency
            continue
        match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
        if match and match.group(1) not in names:
            names.append(match.group(1))
    return names


def package_versions(names: Sequence[str] | None = None) -> dict[str, str | None]:
    """The installed version of each package (None when it is not installed)."""
    versions: dict[str, str | None] = {}
    for name in dependency_names() if names is None else names:
        try:
            versions[name] = installed_version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions


#: The versions read from installed packages' metadata files, by the file's path, inode,
#: modification and change times and size (:func:`installed_version`).
_VERSIONS_READ: dict[tuple[str, int, int, int, int], str] = {}

#: The metadata files a distribution's version is read from: a wheel's and an egg's.
_METADATA_FILES = ("METADATA", "PKG-INFO")


def installed_version(name: str) -> str:
    """``importlib.metadata.version(name)``, the metadata file parsed once per process while it
    is unchanged: its version is kept by the file's path, inode, modification and change times and
    size, so that a package reinstalled or upgraded in place is read again. Finding the package
    stays a lookup per call; parsing its metadata was nine tenths of the 12 ms of CPU that every
    run's ``provenance.json`` spent on the versions of its 15 dependencies.

    Parameters
    ----------
    name : str
        A distribution's name (``netCDF4``).

    Returns
    -------
    str

    Raises
    ------
    importlib.metadata.PackageNotFoundError
        When it is not installed.
    """
    distribution = importlib.metadata.distribution(name)
    folder = getattr(distribution, "_path", None)  # a PathDistribution's .dist-info or .egg-info
    for file_name in _METADATA_FILES if folder is not None else ():
        try:
            status = (Path(folder) / file_name).stat()
        except OSError:
            continue
        key = (str(Path(folder) / file_name), status.st_ino, status.st_mtime_ns, status.st_ctime_ns, status.st_size)
        if key not in _VERSIONS_READ:
            _VERSIONS_READ[key] = distribution.version
        return _VERSIONS_READ[key]
    return distribution.version


def git_state(directory: str | Path | None = None) -> dict | None:
    """``{"commit", "dirty"}`` of the git checkout that holds climann's source, or None.

    None when git is not installed, the package is not in a checkout (an installed
    wheel), or git fails. ``dirty`` is true when tracked files differ from the commit.

    Parameters
    ----------
    directory : str or Path, optional
        The package directory to look from [default: climann's own].
    """
    directory = Path(directory) if directory else Path(__file__).resolve().parents[1]

    def git(*arguments: str) -> str:
        return subprocess.run(
            ["git", "-C", str(directory), *arguments], capture_output=True, text=True, timeout=30, check=True,
        ).stdout.strip()

    try:
        # The package's own files must be tracked: a wheel installed into a virtual
        # environment that happens to lie inside some other repository is not a checkout.
        git("ls-files", "--error-unmatch", "__init__.py")
        commit = git("rev-parse", "HEAD")
        dirty = bool(git("status", "--porcelain", "--untracked-files=no"))
    except (OSError, subprocess.SubprocessError):
        return None
    return {"commit": commit, "dirty": dirty}


def run_provenance(input_files: Sequence[str | Path], *, command_line: str = "") -> dict:
    """Everything ``provenance.json`` records about a run.

    Parameters
    ----------
    input_files : sequence of str or Path
        The resolved input files (not patterns).
    command_line : str
        The command that started the run; empty from Python.

    Returns
    -------
    dict
        ``command_line``, ``created`` (UTC), ``climann_version``, ``python``,
        ``platform``, ``packages``, ``inputs`` (see :func:`file_record`) and ``git``
        (see :func:`git_state`).
    """
    return {
        "command_line": command_line or None,
        "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "climann_version": __version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "packages": package_versions(),
        "inputs": [file_record(path) for path in input_files],
        "git": git_state(),
    }
