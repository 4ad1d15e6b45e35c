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
import platform
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from climann._version import __version__
from climann.errors import ClimannError

#: Files this large or larger are recorded by size and modification time, not hashed.
HASH_LIMIT_BYTES = 2**30

#: Bytes read at a time while hashing: memory stays at one chunk whatever the file's size.
CHUNK_BYTES = 2**20

#: Recorded when climann's own package metadata is missing (running from a bare source tree).
FALLBACK_PACKAGES = ("numpy", "xarray", "netCDF4", "cftime", "dask", "distributed", "matplotlib", "typer",
                     "cf_xarray", "rich")


def _store_files(path: Path) -> list[Path]:
    """The files of an input: itself, or every file inside a directory store (Zarr), sorted."""
    return sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]


def sha256_of(path: str | Path) -> str:
    """The SHA-256 checksum of a file as hex, read in chunks of :data:`CHUNK_BYTES`; of a
    directory store (Zarr), over each of its files' relative path and content, in order."""
    digest, path = hashlib.sha256(), Path(path)
    for file in _store_files(path):
        if path.is_dir():
            digest.update(str(file.relative_to(path)).encode() + b"\0")
        with open(file, "rb") as stream:
            while chunk := stream.read(CHUNK_BYTES):
                digest.update(chunk)
    return digest.hexdigest()


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
        statuses = [file.stat() for file in _store_files(path)]  # a Zarr store: all its files
        size = sum(status.st_size for status in statuses)
        record: dict = {"path": str(path), "size": size}
        if size < HASH_LIMIT_BYTES:
            record["sha256"] = sha256_of(path)
        else:
            latest = max(status.st_mtime for status in statuses)
            record["mtime"] = datetime.datetime.fromtimestamp(latest, datetime.UTC).isoformat()
    except OSError as error:
        raise ClimannError(f"cannot read input file {path}: {error.strerror}") from None
    return record


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
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions


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
