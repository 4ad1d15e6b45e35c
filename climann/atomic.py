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

Two climann commands writing one output at once (two terminals, a script started twice) do
not both go on: each first claims its output (:func:`claimed_output`), a hidden file
``.NAME.claim`` beside it, created atomically and locked (``flock``) while the command runs;
the second is refused in one line. A killed command's lock goes with its process, so its
claim is stale and taken over by the next command (no claim blocks forever). While an output
is claimed without ``--overwrite``, :func:`atomic_path` and :func:`atomic_directory` publish
its files with a hard link (``os.link`` fails when the name exists) instead of a rename, so a
file that another program put there meanwhile is never replaced. What was published is
remembered (:func:`published_here`), so a command cleaning up after a failure removes only
its own files, never one that appeared beside them.
"""

from __future__ import annotations

import contextlib
import contextvars
import errno
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
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
        _publish(temporary, target, path, what)
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
        if target.exists() and not _may_replace(target):
            raise _appeared(path, what)
        if target.exists():
            os.replace(target, old)
        os.replace(temporary, target)
        shutil.rmtree(old, ignore_errors=True)
    except OSError as error:
        reason = error.strerror or str(error)
        raise ClimannError(f"cannot write {what} {path}: {reason}") from None
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


class OutputClaimed(ClimannError):
    """Another climann command is writing the same output now (:func:`claimed_output`)."""


@dataclass(frozen=True)
class _Claim:
    """An output this process claimed: its final name (links followed), whether it is a folder
    (its files are the output) and whether ``--overwrite`` lets them replace existing ones."""

    target: Path
    folder: bool
    overwrite: bool


#: The outputs claimed in this context (a command's, or a thread's of a sweep).
_CLAIMS: contextvars.ContextVar[tuple[_Claim, ...]] = contextvars.ContextVar("climann_claims", default=())
#: The first bytes of a claim file, before the claiming process's id.
CLAIM_HEADER = "climann claim pid "
_NO_HARD_LINKS = (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK, errno.ENOSYS)


def claim_path(path: str | os.PathLike) -> Path:
    """The claim of the output ``path``: ``.NAME.claim`` beside what ``path`` writes
    (:func:`write_target`), so two links to one file share one claim."""
    target = write_target(path).absolute()
    return target.with_name(f".{target.name}.claim")


def is_claim_file(path: str | os.PathLike) -> bool:
    """Whether ``path`` is a claim that :func:`claimed_output` made (by its name and first bytes)."""
    path = Path(path)
    if not (path.name.startswith(".") and path.name.endswith(".claim")) or path.is_symlink():
        return False
    try:
        with open(path, "rb") as handle:
            return handle.read(len(CLAIM_HEADER)) == CLAIM_HEADER.encode()
    except OSError:
        return False


def _claim_holder(claim: Path) -> str:
    """The process id written in ``claim`` ("unknown" when unreadable)."""
    try:
        text = claim.read_text(encoding="ascii", errors="replace")
    except OSError:
        return "unknown"
    return text[len(CLAIM_HEADER):].strip() or "unknown" if text.startswith(CLAIM_HEADER) else "unknown"


def _locked(descriptor: int) -> bool:
    """Take the exclusive lock of the open claim without waiting: False when another process
    holds it. Where the file system has no locks, the claim's process id tells instead
    (alive: held)."""
    import fcntl

    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError:  # no locks here (some network or FUSE file systems): the process id tells
        holder = os.pread(descriptor, 64, 0).decode("ascii", "replace")[len(CLAIM_HEADER):].strip()
        return not (holder.isdigit() and _process_alive(int(holder)))
    return True


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _new_claim(claim: Path) -> int | None:
    """Create ``claim`` holding this process's id, locked from the moment its name exists (the
    lock is taken on a hidden temporary that is then hard-linked to the claim's name, which
    fails when the name exists). Returns its open descriptor, None when the name exists."""
    temporary = _create_temporary(claim)
    descriptor = os.open(temporary, os.O_RDWR)
    try:
        _locked(descriptor)
        os.write(descriptor, f"{CLAIM_HEADER}{os.getpid()}\n".encode("ascii"))
        try:
            os.link(temporary, claim)
        except FileExistsError:
            os.close(descriptor)
            return None
        except OSError as error:
            if error.errno not in _NO_HARD_LINKS:
                raise
            try:  # no hard links: the name is created exclusively (empty for an instant)
                os.close(os.open(claim, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
            except FileExistsError:
                os.close(descriptor)
                return None
            os.replace(temporary, claim)
        return descriptor
    except BaseException:
        with contextlib.suppress(OSError):
            os.close(descriptor)
        raise
    finally:
        temporary.unlink(missing_ok=True)


def _take_over(claim: Path) -> bool:
    """Remove ``claim`` when no process holds it (its command was killed): the lock of the very
    file at ``claim`` is taken first, so a claim made meanwhile by another command is left alone.
    Returns False when a command holds it."""
    try:
        descriptor = os.open(claim, os.O_RDONLY)
    except FileNotFoundError:
        return True
    try:
        if not _locked(descriptor):
            return False
        with contextlib.suppress(FileNotFoundError):
            if os.path.samestat(os.fstat(descriptor), os.stat(claim)):
                claim.unlink()
        return True
    finally:
        os.close(descriptor)


def _acquire(claim: Path, path: Path, what: str, way_out: str) -> int:
    """This process's lock of ``claim``, made new or taken over from a killed command.

    Raises
    ------
    OutputClaimed
        When another climann command holds it.
    """
    for _ in range(20):
        descriptor = _new_claim(claim)
        if descriptor is not None:
            return descriptor
        if not _take_over(claim):
            raise OutputClaimed(
                f"another climann (process {_claim_holder(claim)}) is writing {what} {path} now; this one "
                f"stops and leaves it alone: wait for it to finish, or {way_out}")
    raise OutputClaimed(f"could not claim {what} {path}: other climann commands claim it at the same moment; "
                        "run this one again")


@contextlib.contextmanager
def claimed_output(path: str | os.PathLike, *, overwrite: bool, folder: bool = False,
                   what: str = "output", way_out: str = "choose another --out") -> Iterator[Path]:
    """Claim the output ``path`` for the block: no other climann command writes it meanwhile.

    The claim is ``.NAME.claim`` beside ``path`` (:func:`claim_path`), holding this process's
    id, locked while the block runs and removed after it; a claim whose lock no process holds
    (its command was killed) is taken over. Inside the block, files written to ``path`` (or,
    with ``folder``, into it) through :func:`atomic_path` or :func:`atomic_directory` replace
    no existing file unless ``overwrite``: a file put there meanwhile by another program
    is kept, and the write refused. The existence checks of the command (``--overwrite``)
    belong inside the block: then they and the write are one step for other climann commands.

    Parameters
    ----------
    path : str or path-like
        The output file (its folder must exist), or with ``folder`` the output folder: the
        folders above it are created when missing, and removed after the block when left
        empty. A folder in a folder that cannot be written is claimed by ``.climann.claim``
        inside it.
    overwrite : bool
        Whether files written there may replace existing ones (``--overwrite``).
    folder : bool
        ``path`` is a folder whose files are written.
    what : str
        What is written, for the messages ("predictions", "scores folder").
    way_out : str
        The other way out besides waiting, when another command holds the claim ("choose
        another --out"; "choose another file name" where the output is an argument).

    Raises
    ------
    OutputClaimed
        When another climann command holds the claim.
    ClimannError
        When the claim cannot be created (its folder missing or read-only).
    """
    path = Path(path)
    claim = claim_path(path)
    # a folder's missing parents are made for its claim (the command makes them anyway); a file's are not
    created = [parent for parent in claim.parents if not parent.exists()] if folder else []  # the deepest first
    try:
        if folder:
            claim.parent.mkdir(parents=True, exist_ok=True)
        descriptor = _acquire(claim, path, what, way_out)
    except OSError as error:
        _remove_empty(created)
        if error.errno == errno.ENOENT and not claim.parent.is_dir():
            raise ClimannError(f"cannot write {what} {path}: the folder {path.parent} does not exist; create it "
                               "first, or choose another name") from None
        if not (folder and path.is_dir() and error.errno in (errno.EACCES, errno.EROFS, errno.EPERM)):
            raise ClimannError(f"cannot write {what} {path}: {error.strerror or error} (while claiming it: "
                               f"{claim.name})") from None
        claim = write_target(path).absolute() / ".climann.claim"  # a folder in a read-only folder: inside it
        try:
            descriptor = _acquire(claim, path, what, way_out)
        except OSError as inside:
            raise ClimannError(f"cannot write {what} {path}: {inside.strerror or inside}") from None
    token = _CLAIMS.set((*_CLAIMS.get(), _Claim(write_target(path).absolute(), folder, overwrite)))
    try:
        yield path
    finally:
        _CLAIMS.reset(token)
        with contextlib.suppress(FileNotFoundError):
            if os.path.samestat(os.fstat(descriptor), os.stat(claim)):
                claim.unlink()
        os.close(descriptor)
        _remove_empty(created)


def _remove_empty(folders: list[Path]) -> None:
    """Remove ``folders`` (the deepest first) that are empty: those made for a claim only."""
    for folder in folders:
        with contextlib.suppress(OSError):
            folder.rmdir()


def _may_replace(target: Path) -> bool:
    """Whether writing ``target`` may replace an existing file: always, unless it is (or is in)
    an output claimed without ``overwrite``."""
    for claim in _CLAIMS.get():
        if target == claim.target or (claim.folder and target.parent == claim.target):
            return claim.overwrite
    return True


#: Identities (device, inode, size, modification time) of the files this process published.
_PUBLISHED: set[tuple[int, int, int, int]] = set()


def _identity(result: os.stat_result) -> tuple[int, int, int, int]:
    return result.st_dev, result.st_ino, result.st_size, result.st_mtime_ns


def published_here(path: str | os.PathLike) -> bool:
    """Whether the file at ``path`` (links followed) is one that :func:`atomic_path` published
    in this process, unchanged since: a file of that name that another program put there
    (one that made the publishing fail, see :func:`claimed_output`) is not.

    Example
    -------
    A command that fails after writing ``metrics.json`` removes it only when
    ``published_here(folder / "metrics.json")``.
    """
    try:
        return _identity(os.stat(path)) in _PUBLISHED
    except OSError:
        return False


def _appeared(path: Path, what: str) -> ClimannError:
    return ClimannError(f"cannot write {what} {path}: a file of that name appeared while this command ran (another "
                        "program's, or a climann's that does not claim its outputs); it was left alone and this "
                        "result was not kept: choose another name")


def _publish(temporary: Path, target: Path, path: Path, what: str) -> None:
    """Rename the finished ``temporary`` to ``target``; where no file may be replaced
    (:func:`_may_replace`), by a hard link that fails when the name exists, then removing the
    temporary name (without hard links: the name checked just before the rename).

    Raises
    ------
    ClimannError
        When ``target`` exists and may not be replaced.
    """
    _PUBLISHED.add(_identity(os.stat(temporary)))
    if _may_replace(target):
        os.replace(temporary, target)
        return
    try:
        os.link(temporary, target)
    except FileExistsError:
        raise _appeared(path, what) from None
    except OSError as error:
        if error.errno not in _NO_HARD_LINKS:
            raise
        if os.path.lexists(target):
            raise _appeared(path, what) from None
        os.replace(temporary, target)
        return
    temporary.unlink()
