"""Write files so that they are complete or absent: to a temporary name, then rename.

Every file climann writes (model files, the sample dataset, run-directory files) goes
through :func:`atomic_path`, so a crash or a full disk never leaves a half-written file
under the final name, and an older file there survives a failed write.

A final name that is a symbolic link is written through (:func:`write_target`): the file or
store it points to is written, and the link stays (renaming a temporary onto the link's own
name would replace the user's link by a regular file, and put nothing where it pointed).

The temporary is named by its absolute path: xarray and fsspec expand a leading ``~``
(``os.path.expanduser``), so a temporary ``~/.pred.nc.….tmp`` under a folder literally named
``~`` would be written in the home folder while its empty namesake is renamed into place.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from climann.errors import ClimannError


def write_target(path: str | os.PathLike) -> Path:
    """Where writing ``path`` lands: ``path`` itself, or, when ``path`` is a symbolic link
    (dangling or not), what it points to, followed to the end (``os.path.realpath``).

    Example
    -------
    ``ln -s /scratch/me/pred.nc pred.nc``: ``write_target("pred.nc")`` is
    ``/scratch/me/pred.nc``; the link is left as it is.
    """
    path = Path(path)
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _create_temporary(path: Path) -> Path:
    """An empty, uniquely named hidden file beside ``path``; its mode follows the umask
    (like any new file: unlike ``tempfile.mkstemp``'s private 0600)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    os.close(os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
    return temporary


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, *, what: str = "file") -> Iterator[Path]:
    """Yield a temporary path next to ``path``; when the block succeeds, rename it to ``path``.

    Parameters
    ----------
    path : str or path-like
        The final file name; a symbolic link is written through (:func:`write_target`).
    what : str
        What is written, for error messages ("model file", "sample dataset", …).

    Raises
    ------
    ClimannError
        If the file cannot be created or written (missing directory, permissions, full
        disk); the temporary file is removed and an existing file at ``path`` is untouched.

    Example
    -------
    >>> with atomic_path("out.txt") as temporary:      # doctest: +SKIP
    ...     temporary.write_text("complete")
    """
    path = Path(path)
    # absolute: xarray and fsspec would read a temporary under a folder literally named ~
    # (pathlib shortens ./~/x to ~/x) as one in the home folder, and write there instead
    target = write_target(path).absolute()
    temporary = None
    try:
        temporary = _create_temporary(target)
        yield temporary
        os.replace(temporary, target)
    except OSError as error:
        reason = error.strerror or str(error)
        raise ClimannError(f"cannot write {what} {path}: {reason}") from None
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_directory(path: str | os.PathLike, *, what: str = "directory") -> Iterator[Path]:
    """Like :func:`atomic_path` for a directory (e.g. a Zarr store): yield an empty temporary
    directory next to ``path``; when the block succeeds, it replaces ``path``.

    An existing directory at ``path`` is moved aside, the new one renamed into place, and
    the old one removed; a failed block leaves ``path`` as it was. A symbolic link is
    written through (:func:`write_target`): the directory it points to is the one replaced.

    Raises
    ------
    ClimannError
        If the directory cannot be created or written, or ``path`` is a file.
    """
    import shutil

    path = Path(path)
    target = write_target(path).absolute()  # as in atomic_path: never a temporary that xarray expands
    if target.exists() and not target.is_dir():
        raise ClimannError(f"cannot write {what} {path}: a file of that name exists")
    temporary = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        temporary.mkdir()
        yield temporary
        old = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.old")
        if target.exists():
            os.replace(target, old)
        os.replace(temporary, target)
        shutil.rmtree(old, ignore_errors=True)
    except OSError as error:
        reason = error.strerror or str(error)
        raise ClimannError(f"cannot write {what} {path}: {reason}") from None
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
