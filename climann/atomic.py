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

A claim also records, line by line, the hidden temporaries its command makes for the output
(:func:`new_temporary`: ``.NAME.PID.HEX.tmp`` files, staging folders), each before it is
created. A killed command (SIGKILL) leaves them behind; the next command that takes its stale
claim over removes exactly those (their name carrying the dead command's process id, beside or
inside the claimed output) and says so in one INFO line, so that a 500 MB temporary of a killed
``predict`` does not stay for good. A Zarr store replaced with ``--overwrite`` is moved aside as
``.NAME.PID.HEX.old`` before the new one is renamed into place (:func:`atomic_directory`); the
claim records that move first (:data:`ASIDE_RECORD`, with both stores' identities), so that the
command taking over after a kill between the two renames puts the earlier store back (it is
then the only copy of the user's output), and after the second rename removes the earlier
store only when the store in place is the one the killed command wrote
(:func:`dead_claimants_asides`). A claim's own hidden temporary (``.NAME.claim.PID.HEX.tmp``)
left by a kill while the claim was created goes with the next claim of that output
(:func:`dead_claim_temporaries`). A claim on a folder also covers what is inside it: a
command writing into a folder that another climann claims (``predict --out RUN/p.nc`` while
``train --out RUN --overwrite`` runs), or claiming a folder in which another climann writes, is
refused as a second command on the same output is.
"""

from __future__ import annotations

import contextlib
import contextvars
import errno
import logging
import os
import re
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from climann.errors import ClimannError

_log = logging.getLogger(__name__)


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


def _temporary_name(path: Path, suffix: str = ".tmp") -> Path:
    """A new hidden name beside ``path``, ``.NAME.PID.HEX.tmp``, recorded in the claims this
    context holds (:func:`claimed_output`) before anything is created under it."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}{suffix}")
    _record_temporary(temporary)
    return temporary


def _create_temporary(path: Path) -> Path:
    """An empty, uniquely named hidden file beside ``path``; its mode follows the umask
    (like any new file: unlike ``tempfile.mkstemp``'s private 0600)."""
    temporary = _temporary_name(path)
    os.close(os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
    return temporary


def new_temporary(path: str | os.PathLike, *, suffix: str = ".tmp") -> Path:
    """Create an empty hidden folder beside ``path`` to build ``path`` in (a run's staging
    folder, figures drawn all at once): ``.NAME.PID.HEX`` + ``suffix``, with the mode of any
    new folder (0777 less the umask), recorded in the claims this command holds so that the
    command taking over its claim after a SIGKILL removes it (:func:`claimed_output`).

    Parameters
    ----------
    path : str or path-like
        What is built (its folder must exist); the name says whose temporary it is.
    suffix : str
        ``.tmp``, or ``.partial`` for a run's staging folder.

    Returns
    -------
    Path
        The new folder (absolute when ``path`` is).

    Raises
    ------
    OSError
        When it cannot be created.
    """
    temporary = _temporary_name(Path(path), suffix)
    temporary.mkdir()
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
    path = Path(path)
    target = write_target(path).absolute()  # as in atomic_path: never a temporary that xarray expands
    if target.exists() and not target.is_dir():
        raise ClimannError(f"cannot write {what} {path}: a file of that name exists")
    temporary = _temporary_name(target)
    try:
        temporary.mkdir()
        yield temporary
        old = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.old")
        if target.exists() and not _may_replace(target):
            raise _appeared(path, what)
        moved = target.exists()
        if moved:
            _record_aside(old, replaced=target, new=temporary)  # before the move: a kill after it is undone
            os.replace(target, old)
        try:
            os.replace(temporary, target)
        except OSError:
            if moved:
                _put_back(old, target, path, what)
            raise
        shutil.rmtree(old, ignore_errors=True)
    except OSError as error:
        reason = error.strerror or str(error)
        raise ClimannError(f"cannot write {what} {path}: {reason}") from None
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


def _put_back(old: Path, target: Path, path: Path, what: str) -> None:
    """Rename the store moved aside to ``old`` back to ``target`` when the new one could not take
    its name; when the name is taken meanwhile (another program's folder), leave it and say
    where the earlier store is (WARNING)."""
    try:
        if os.path.lexists(target):
            raise FileExistsError(errno.EEXIST, "the name is taken")
        os.rename(old, target)
    except OSError as error:
        _log.warning("the earlier %s %s is kept as %s (%s): move it back by hand if you want it", what, path, old,
                     error.strerror or error)


class OutputClaimed(ClimannError):
    """Another climann command is writing the same output now (:func:`claimed_output`)."""


@dataclass(frozen=True)
class _Claim:
    """An output this process claimed: its final name (links followed), whether it is a folder
    (its files are the output), whether ``--overwrite`` lets them replace existing ones, and the
    open claim file, into which the temporaries made for it are recorded (:func:`new_temporary`)."""

    target: Path
    folder: bool
    overwrite: bool
    record: int = -1
    temporaries: list[Path] = field(default_factory=list, compare=False)
    asides: list[tuple[Path, str]] = field(default_factory=list, compare=False)


#: The outputs claimed in this context (a command's, or a thread's of a sweep).
_CLAIMS: contextvars.ContextVar[tuple[_Claim, ...]] = contextvars.ContextVar("climann_claims", default=())
#: The first bytes of a claim file, before the claiming process's id.
CLAIM_HEADER = "climann claim pid "
#: How a claim file's later lines begin: each names a temporary its command made (absolute path).
TEMPORARY_RECORD = "temporary "
#: How a claim file's line begins that names an output store its command moved aside to replace
#: it (``--overwrite``): ``aside DEV:INO DEV:INO PATH``, the identities of the store moved aside
#: and of the new store renamed into its place, then the aside name (absolute path).
ASIDE_RECORD = "aside "
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
        with open(claim, encoding="ascii", errors="replace") as handle:
            text = handle.readline(200)  # the first line: the temporaries recorded follow it
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


def _record_temporary(temporary: Path) -> None:
    """Write ``temporary`` (absolute) into each claim this context holds, before it is created.

    The record is rewritten with the temporaries that still exist and the new one, so that it
    stays short however many a long run makes (a checkpoint each epoch); a line cut short by a
    kill names nothing that :func:`dead_claimants_temporaries` accepts."""
    temporary = temporary.absolute()
    if "\n" in str(temporary):  # one line each: a name with a newline is not recorded
        return
    for claim in _CLAIMS.get():
        if claim.record < 0:
            continue
        claim.temporaries[:] = [*(path for path in claim.temporaries if os.path.lexists(path)), temporary]
        _write_record(claim)


def _record_aside(old: Path, *, replaced: Path, new: Path) -> None:
    """Write into each claim this context holds, before the store ``replaced`` is moved aside
    to ``old``, that this command moves it there to put ``new`` in its place
    (:data:`ASIDE_RECORD`, with both stores' identities)."""
    old = old.absolute()
    if "\n" in str(old):
        return
    identities = f"{_store_identity(os.lstat(replaced))} {_store_identity(os.lstat(new))}"
    for claim in _CLAIMS.get():
        if claim.record < 0:
            continue
        claim.asides[:] = [*((path, ids) for path, ids in claim.asides if os.path.lexists(path)), (old, identities)]
        _write_record(claim)


def _store_identity(result: os.stat_result) -> str:
    """A folder's identity as an aside record gives it, ``DEV:INO``: kept by a rename."""
    return f"{result.st_dev}:{result.st_ino}"


def _write_record(claim: _Claim) -> None:
    """Rewrite the open claim's record: its header, its temporaries and the stores moved aside."""
    record = (f"{CLAIM_HEADER}{os.getpid()}\n" + "".join(f"{TEMPORARY_RECORD}{path}\n" for path in claim.temporaries)
              + "".join(f"{ASIDE_RECORD}{ids} {path}\n" for path, ids in claim.asides))
    with contextlib.suppress(OSError):
        content = os.fsencode(record)
        os.pwrite(claim.record, content, 0)
        os.ftruncate(claim.record, len(content))


def _take_over(claim: Path) -> bool:
    """Remove ``claim`` when no process holds it (its command was killed), and the temporaries
    that command recorded in it (:func:`_remove_dead_temporaries`): the lock of the very file at
    ``claim`` is taken first, so a claim made meanwhile by another command is left alone.
    Returns False when a command holds it."""
    try:
        descriptor = os.open(claim, os.O_RDONLY)
    except FileNotFoundError:
        return True
    try:
        if not _locked(descriptor):
            return False
        header = os.pread(descriptor, len(CLAIM_HEADER), 0)
        if not header:  # being created where there are no hard links (empty for an instant): held
            return False
        if header != CLAIM_HEADER.encode():
            raise ClimannError(f"{claim} has the name of climann's claim on {_claimed_name(claim)}, but it is not "
                               "climann's; it was left alone: move it away, or choose another name")
        with contextlib.suppress(FileNotFoundError):
            if os.path.samestat(os.fstat(descriptor), os.stat(claim)):
                record = _read_record(descriptor)
                claim.unlink()  # only the command that removed it cleans up after the dead one
                _settle_dead_asides(claim, record)  # first: a store put back is no temporary
                _remove_dead_temporaries(claim, record)
        return True
    finally:
        os.close(descriptor)


def _claimed_name(claim: Path) -> Path:
    """The output a claim is of: ``X`` for ``.X.claim``, the folder for ``.climann.claim`` inside it."""
    return claim.parent if claim.name == ".climann.claim" else claim.with_name(claim.name[1:-len(".claim")])


def _read_record(descriptor: int) -> bytes:
    """The whole content of the open claim file."""
    chunks = []
    while chunk := os.pread(descriptor, 1 << 16, sum(map(len, chunks))):
        chunks.append(chunk)
    return b"".join(chunks)


def dead_claimants_temporaries(claim: str | os.PathLike, record: bytes) -> list[Path]:
    """The temporaries a killed command recorded in its stale ``claim`` (content ``record``) that
    still exist: each named ``.NAME.PID.HEX.tmp`` (or ``.partial``) with the claim's process id,
    beside the claim or in a folder under it, and not a symbolic link. Nothing else: never a
    file the user named, never another process's temporary.

    Parameters
    ----------
    claim : path-like
        The stale claim (``.NAME.claim``).
    record : bytes
        Its content: :data:`CLAIM_HEADER` and the process id, then one
        :data:`TEMPORARY_RECORD` line per temporary.

    Returns
    -------
    list of Path
    """
    lines = [os.fsdecode(line) for line in record.split(b"\n")]
    holder = lines[0][len(CLAIM_HEADER):].strip() if lines[0].startswith(CLAIM_HEADER) else ""
    if not holder.isdigit():
        return []
    own_name = re.compile(rf"^\..+\.{holder}\.[0-9a-f]{{8}}\.(?:tmp|partial)$")
    place = Path(os.path.realpath(Path(claim).parent))
    found = []
    for line in dict.fromkeys(lines[1:]):
        path = Path(line[len(TEMPORARY_RECORD):])
        if not line.startswith(TEMPORARY_RECORD) or not path.is_absolute() or not own_name.match(path.name):
            continue
        folder = Path(os.path.realpath(path.parent))
        if (folder == place or place in folder.parents) and os.path.lexists(path) and not path.is_symlink():
            found.append(path)
    return found


@dataclass(frozen=True)
class DeadAside:
    """An output store that a killed command moved aside to replace it (``--overwrite``), still
    there under its aside name (:func:`dead_claimants_asides`)."""

    #: The aside name, ``.NAME.PID.HEX.old``.
    path: Path
    #: The output it was: ``NAME`` beside it.
    output: Path
    #: The identity (``DEV:INO``) of the new store the command was putting in its place.
    new: str


def dead_claimants_asides(claim: str | os.PathLike, record: bytes) -> list[DeadAside]:
    """The output stores a killed command recorded in its stale ``claim`` (content ``record``,
    :data:`ASIDE_RECORD` lines) as moved aside to replace them, that are still there: each named
    ``.NAME.PID.HEX.old`` with the claim's process id, beside the claim or in a folder under it,
    a folder (not a symbolic link) whose identity is the one recorded for the store moved. Nothing
    else: a user's folder of such a name is never one.

    Parameters
    ----------
    claim : path-like
        The stale claim (``.NAME.claim``).
    record : bytes
        Its content (:func:`dead_claimants_temporaries`).

    Returns
    -------
    list of DeadAside
    """
    lines = [os.fsdecode(line) for line in record.split(b"\n")]
    holder = lines[0][len(CLAIM_HEADER):].strip() if lines[0].startswith(CLAIM_HEADER) else ""
    if not holder.isdigit():
        return []
    own_name = re.compile(rf"^\.(?P<output>.+)\.{holder}\.[0-9a-f]{{8}}\.old$")
    place = Path(os.path.realpath(Path(claim).parent))
    found = []
    for line in dict.fromkeys(lines[1:]):
        fields = line[len(ASIDE_RECORD):].split(" ", 2)
        if not line.startswith(ASIDE_RECORD) or len(fields) != 3 or not Path(fields[2]).is_absolute():
            continue
        moved, new, path = fields[0], fields[1], Path(fields[2])
        name = own_name.match(path.name)
        folder = Path(os.path.realpath(path.parent))
        if not name or not (folder == place or place in folder.parents) or path.is_symlink() or not path.is_dir():
            continue
        if _store_identity(os.lstat(path)) == moved:
            found.append(DeadAside(path, path.with_name(name["output"]), new))
    return found


def _settle_dead_asides(claim: Path, record: bytes) -> None:
    """Undo or finish the replacements of output stores that the killed command whose stale
    ``claim`` was taken over left half-way (:func:`dead_claimants_asides`): a store whose name is
    free is put back (a WARNING line: it is the user's earlier output, the only copy); one whose
    name holds the store that command wrote is removed (an INFO line); otherwise both stay, and a
    WARNING line says where the earlier one is."""
    holder = record.split(b"\n")[0].decode("ascii", "replace")[len(CLAIM_HEADER):].strip()
    for aside in dead_claimants_asides(claim, record):
        killed = f"climann process {holder}, killed while replacing it (--overwrite),"
        try:
            if not os.path.lexists(aside.output):
                os.rename(aside.path, aside.output)
                _log.warning("put back %s: %s had moved it aside as %s; it is the output from before that command",
                             aside.output, killed, aside.path.name)
            elif not aside.output.is_symlink() and _store_identity(os.lstat(aside.output)) == aside.new:
                shutil.rmtree(aside.path)
                _log.info("removed %s, the earlier %s that %s had moved aside: %s is the store it wrote",
                          aside.path.name, aside.output, killed, aside.output.name)
            else:
                _log.warning("%s holds the earlier %s, that %s had moved aside; %s is not the store that command "
                             "wrote: both were left alone, keep the one you want", aside.path, aside.output, killed,
                             aside.output.name)
        except OSError as error:
            _log.warning("%s holds the earlier %s, that %s had moved aside; it could not be settled (%s): move it "
                         "back yourself if you want it", aside.path, aside.output, killed, error.strerror or error)


def _remove_dead_temporaries(claim: Path, record: bytes) -> None:
    """Remove the temporaries of the killed command whose stale ``claim`` was taken over
    (:func:`dead_claimants_temporaries`), and say so in one INFO line."""
    removed = []
    for path in dead_claimants_temporaries(claim, record):
        try:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        except OSError:
            continue
        removed.append(path.name)
    if removed:
        holder = record.split(b"\n")[0].decode("ascii", "replace")[len(CLAIM_HEADER):].strip()
        output = _claimed_name(claim)
        _log.info("removed %d temporar%s that climann process %s, killed while writing %s, left: %s", len(removed),
                  "y" if len(removed) == 1 else "ies", holder, output, ", ".join(removed[:3])
                  + (f" and {len(removed) - 3} more" if len(removed) > 3 else ""))


def dead_claim_temporaries(claim: str | os.PathLike) -> list[Path]:
    """The hidden temporaries of ``claim`` left by commands killed while they created it
    (:func:`claimed_output` makes a claim as ``.NAME.claim.PID.HEX.tmp``, then links it to its
    name): each a regular file beside ``claim`` of that name, holding exactly
    :data:`CLAIM_HEADER` and the process id of its name, whose process is gone and whose lock no
    process holds. Nothing else: an empty one (killed before its header was written) is left,
    as any file that is not climann's.

    Parameters
    ----------
    claim : path-like
        A claim's name (``.NAME.claim``).

    Returns
    -------
    list of Path
    """
    claim = Path(claim)
    own_name = re.compile(rf"^\.{re.escape(claim.name)}\.(?P<pid>[0-9]+)\.[0-9a-f]{{8}}\.tmp$")
    try:
        entries = [entry for entry in os.scandir(claim.parent) if own_name.match(entry.name)]
    except OSError:
        return []
    found = []
    for entry in entries:
        pid = int(own_name.match(entry.name)["pid"])
        if pid == os.getpid() or _process_alive(pid) or not entry.is_file(follow_symlinks=False):
            continue
        try:
            descriptor = os.open(entry.path, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            if os.pread(descriptor, 200, 0) == f"{CLAIM_HEADER}{pid}\n".encode() and _locked(descriptor):
                found.append(Path(entry.path))
        finally:
            os.close(descriptor)
    return found


def _remove_dead_claim_temporaries(claim: Path) -> None:
    """Remove the temporaries of ``claim`` that killed commands left (:func:`dead_claim_temporaries`)
    and say so in one INFO line."""
    removed = []
    for path in dead_claim_temporaries(claim):
        try:
            path.unlink()
        except OSError:
            continue
        removed.append(path.name)
    if removed:
        _log.info("removed %d temporar%s of the claim on %s that climann commands killed while claiming it left: %s",
                  len(removed), "y" if len(removed) == 1 else "ies", _claimed_name(claim), ", ".join(removed[:3])
                  + (f" and {len(removed) - 3} more" if len(removed) > 3 else ""))


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
            _remove_dead_claim_temporaries(claim)
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
    token = None
    try:
        _refuse_related_claims(claim, write_target(path).absolute(), folder=folder, what=what, path=path,
                               way_out=way_out)
        token = _CLAIMS.set((*_CLAIMS.get(), _Claim(write_target(path).absolute(), folder, overwrite, descriptor)))
        yield path
    finally:
        if token is not None:
            _CLAIMS.reset(token)
        with contextlib.suppress(FileNotFoundError):
            if os.path.samestat(os.fstat(descriptor), os.stat(claim)):
                claim.unlink()
        os.close(descriptor)
        _remove_empty(created)


def _related_claims(claim: Path, target: Path, *, folder: bool) -> Iterator[tuple[Path, bool]]:
    """The claims that would cover ``target`` too, each with whether it is of a folder holding
    ``target`` (else of an output inside the folder ``target``): those of every folder above it
    (``.NAME.claim`` beside each, or ``.climann.claim`` inside), and, when ``target`` is a
    folder, those of the outputs in it and in its folders (``RUN/.p.nc.claim``,
    ``RUN/explain/.importance.json.claim``). Found on the folders as they are on disk (links
    followed), where the claims are."""
    above = Path(os.path.realpath(target.parent))
    for holding in (above, *above.parents):
        if holding.parent != holding:
            yield holding.with_name(f".{holding.name}.claim"), True
        yield holding / ".climann.claim", True
    if folder and target.is_dir() and not target.is_symlink():
        inner = [target, *(entry for entry in target.iterdir() if entry.is_dir() and not entry.is_symlink())]
        for place in inner:
            yield from ((found, False) for found in sorted(place.glob(".*.claim")) if found != claim)


def _refuse_related_claims(claim: Path, target: Path, *, folder: bool, what: str, path: Path, way_out: str) -> None:
    """Refuse an output when another climann command claims a folder that holds it, or, for a
    folder, an output inside it (:func:`_related_claims`); a stale such claim is taken over
    (:func:`_take_over`). Claims of this process (a sweep's threads, an outer claim) do not count.

    Raises
    ------
    OutputClaimed
    """
    for related, holding in _related_claims(claim, target, folder=folder):
        holder = _claim_holder(related) if os.path.lexists(related) else None
        if holder is None or holder == str(os.getpid()) or not is_claim_file(related) or _take_over(related):
            continue
        other = _claimed_name(related)
        # a folder above named as the user gave it (R, not /home/me/R)
        other = next((above for above in Path(path).parents if above != Path(".")
                      and os.path.realpath(above) == str(other)), other) if holding else other
        relation = f"which holds {what} {path}" if holding else f"inside {what} {path}"
        raise OutputClaimed(f"another climann (process {holder}) is writing {other} now, {relation}; this one stops "
                            f"and leaves it alone: wait for it to finish, or {way_out}")


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
