"""Where a command may write: no command removes or replaces a file that it did not make.

A run directory (``climann train --out``) is recognised by the content of climann's own
files, not by their names (:func:`climann.run_files.is_run_directory`: climann's
``model.npz``, checkpoint, best weights of a diverged run or ``provenance.json``), and each
file of the run-directory contract in it must be climann's by its content too
(:data:`OWN_CONTENT`): another program's ``config.toml`` + ``model.npz`` + ``history.csv`` is
no run. ``--overwrite`` replaces such a directory's own files, and only those
(:func:`publish_run`); a directory holding anything else that climann did not write is
refused, naming a few of those files. An ``--out`` that is a file, a dangling symbolic link,
the working directory or one of its ancestors, that contains an input of the run, or whose
parent does not let climann build the run beside it is refused before any work.
:func:`publish_run` checks again when the run is done, hours later perhaps: another run
written there meanwhile is not replaced without ``--overwrite``, nor with it (``--overwrite``
replaces the run found there when the run started, by its ``model.npz``'s SHA-256).

The single output files of ``predict``, ``sample-data`` and ``config init``, and the files
``evaluate``, ``explain``, ``compare`` and ``plot`` write into a folder, replace an existing
file only when asked, and only one climann wrote (:func:`refuse_existing`,
:func:`prepare_output_folder`, :func:`written_by_climann`; figures by the mark that
:func:`climann.evaluation.figures.style._save` writes into each). A run directory's figures
are climann's by the run's contract files, marked or not.

An output given as a symbolic link (``ln -s /scratch/me/pred.nc pred.nc``, a run directory
linked to a scratch disk) is written through, into what it points to, and the link is never
removed or replaced (:func:`climann.atomic.write_target`); what it points into must exist
(:func:`check_output_link`, the one rule every command's output goes through).

A killed run (SIGKILL cannot be caught) may leave hidden temporaries: ``.NAME.PID.*.tmp``
files (:mod:`climann.atomic`) and ``.RUN.PID.*.partial`` staging directories. The next run
into that directory, or ``--resume``, removes those of processes no longer running
(:func:`remove_leftovers`).
"""

from __future__ import annotations

import contextlib
import errno
import filecmp
import json
import os
import re
import shlex
import shutil
import signal
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from climann.atomic import is_claim_file, new_temporary, published_here, write_target
from climann.errors import ClimannError
from climann.run_files import (
    PUBLISH_ORDER,
    REPLACED_MODEL_CLAIM,
    few,
    is_checkpoint_file,
    is_members_file,
    is_model_file,
    is_provenance_file,
    model_sha256,
)
from climann.run_files import is_run_directory as _is_run_directory

#: The files of a finished run directory (the run-directory contract).
RUN_FILES = ("config.toml", "model.npz", "metrics.json", "history.csv", "predictions.nc", "report.md",
             "provenance.json", "train.log")
#: The files of an ensemble run besides :data:`RUN_FILES` (see :mod:`climann.workflow.ensemble`).
ENSEMBLE_RUN_FILES = ("model_members.npz",)
#: climann's own files of an unfinished or diverged run (see :mod:`climann.workflow.checkpoints`).
CHECKPOINT_FILES = ("checkpoint.npz", "best_model.npz")
#: What ``climann evaluate --out DIR`` writes (such a folder may sit inside a run directory).
EVALUATION_FILES = ("metrics.json", "predictions.nc", "report.md")
#: What ``climann explain`` writes (by default into ``RUN/explain``).
EXPLAIN_FILES = ("importance.json", "partial_dependence.json", "importance.png", "importance_maps.png",
                 "partial_dependence.png")
#: What ``climann compare --out DIR`` writes.
COMPARE_FILES = ("comparison.md", "comparison.png")
#: The first line of each markdown file climann writes (a run's report, a comparison).
MARKDOWN_HEADINGS = ("# climann run", "# climann comparison")
#: How the TOML files climann writes begin: ``climann config init``'s template and a run's
#: resolved ``config.toml``.
TOML_HEADINGS = ("# climann configuration", "# climann resolved configuration")
FIGURES = "figures"
#: The file each command writes with its figures, by which a figure of a climann older than
#: the figures' mark is still known as climann's (:func:`_is_unmarked_climann_figure`).
_UNMARKED_FIGURE_COMPANIONS = {"comparison.png": "comparison.md",
                               **{name: "importance.json" for name in EXPLAIN_FILES if name.endswith(".png")}}

# .NAME.PID.HEX.tmp (climann.atomic) and .RUN.PID.RANDOM.partial (staging_directory); the PID
# is absent in names of older versions.
_TEMPORARY = re.compile(r"^\.(?P<name>.+?)\.(?:(?P<pid>\d+)\.)?[^.]+\.(?:tmp|partial)$")


def current_umask() -> int:
    """The process's umask (read by setting it and back: there is no other way)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def make_private_directory_public(path: Path) -> None:
    """Give a directory made by ``tempfile.mkdtemp`` (mode 0700) the mode of any new
    directory: 0777 less the umask (0755 under the usual 022)."""
    os.chmod(path, 0o777 & ~current_umask())


def _figure_names() -> set[str]:
    from climann.evaluation.figure_files import ENSEMBLE_FIGURE_FILES, FIGURE_FILES, METRICS_FIGURE_FILES

    return {*FIGURE_FILES.values(), *METRICS_FIGURE_FILES.values(), *ENSEMBLE_FIGURE_FILES.values()}


def _is_leftover(entry: Path) -> bool:
    """A temporary of a climann process that is no longer running."""
    match = _TEMPORARY.match(entry.name)
    if match is None:
        return False
    if match["pid"] is None:
        return True
    try:
        os.kill(int(match["pid"]), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # another user's process: not a climann run of this user
        return True
    return False  # still running: perhaps a run writing there now


def _is_leftover_of(entry: Path, names: Iterable[str]) -> bool:
    match = _TEMPORARY.match(entry.name)
    return match is not None and match["name"] in set(names) and _is_leftover(entry)


def leftovers(run_dir: str | Path) -> list[Path]:
    """What a killed climann process left for ``run_dir``: hidden temporaries of its own files
    inside it (and in its ``figures``), among them the claim ``.model.npz.replaced.tmp`` of a
    replacement (:data:`~climann.run_files.REPLACED_MODEL_CLAIM`), and hidden staging
    directories beside it. The one rule for them: :func:`remove_leftovers` removes them before
    a run goes there (``train``, ``--overwrite``, ``--resume``, each run of a sweep), and
    :func:`foreign_entries` does not count them as files climann did not write.

    Returns
    -------
    list of Path
        Inside ``run_dir``, then beside it.
    """
    run_dir = Path(run_dir)
    own = {*RUN_FILES, *ENSEMBLE_RUN_FILES, *CHECKPOINT_FILES, *_figure_names(), FIGURES}
    found = []
    for folder in (run_dir, run_dir / FIGURES):
        if folder.is_dir():
            found += [entry for entry in folder.iterdir() if _is_leftover_of(entry, own)]
    if run_dir.parent.is_dir():
        found += [entry for entry in run_dir.parent.iterdir()
                  if entry.name.endswith(".partial") and _is_leftover_of(entry, [run_dir.name])]
    return found


def remove_leftovers(run_dir: str | Path) -> list[Path]:
    """Remove what a killed climann process left for ``run_dir`` (:func:`leftovers`).

    Returns
    -------
    list of Path
        What was removed (logged as one warning line when not empty).
    """
    candidates = leftovers(run_dir)
    for entry in candidates:
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
    if candidates:
        from climann.workflow.runlog import run_logger

        run_logger.warning("removed %d temporary file(s) left by an interrupted run: %s", len(candidates),
                           _few(entry.name for entry in candidates))
    return candidates


_few = few  # the name this module used before climann.run_files


#: What each kind of folder ``climann evaluate --out`` or ``climann explain`` writes (such a
#: folder may sit inside a run), by the file that tells it: climann's ``metrics.json`` or
#: ``importance.json``.
_OUTPUT_FOLDERS = {"metrics.json": (*EVALUATION_FILES, FIGURES), "importance.json": EXPLAIN_FILES}


def _foreign_in_output_folder(folder: Path) -> list[str] | None:
    """What in ``folder`` climann did not write, when it is an ``evaluate --out`` or ``explain``
    folder (:data:`_OUTPUT_FOLDERS`): ``["explain/notes.md"]``, each name relative to the
    folder's parent (a folder as ``"explain/sub/"``); None when it is neither (the whole folder
    is then someone else's)."""
    for tell, names in _OUTPUT_FOLDERS.items():
        if (folder / tell).is_file() and not (folder / tell).is_symlink() and written_by_climann(folder / tell):
            break
    else:
        return None
    foreign = []
    for entry in sorted(folder.iterdir()):
        label = f"{folder.name}/{entry.name}"
        if is_claim_file(entry):  # a claim: climann's, removed when its command ends
            continue
        if entry.name == FIGURES and FIGURES in names and entry.is_dir() and not entry.is_symlink():
            foreign += [f"{folder.name}/{inner}" for inner in _foreign_figures(entry)]
        elif entry.is_dir() and not entry.is_symlink():
            foreign.append(f"{label}/")
        elif entry.name not in names or entry.is_symlink() or not written_by_climann(entry):
            foreign.append(label)
    return foreign


def _foreign_figures(figures: Path) -> list[str]:
    """What in a ``figures`` folder is not a figure climann drew there (by its mark, or, in a run
    made before the mark, by its name: :func:`written_by_climann`), as ``"figures/NAME"``."""
    return [f"{FIGURES}/{inner.name}" + ("/" if inner.is_dir() and not inner.is_symlink() else "")
            for inner in sorted(figures.iterdir())
            if inner.name not in _figure_names() or not inner.is_file() or inner.is_symlink()
            or not written_by_climann(inner)]


def _first_line(path: Path) -> str:
    with open(path, encoding="utf-8", errors="replace") as handle:
        return handle.readline(1000)


def _is_history_csv(path: Path) -> bool:
    """``history.csv`` as climann writes it: ``epoch,train_loss,val_loss`` first (``,learning_rate``
    since 30 Nov 2026)."""
    return _first_line(path).startswith("epoch,train_loss,val_loss")


#: A ``train.log`` begins with the time and climann's version (``2026-12-02T10:48:30.536 climann 0.1.0: …``).
_RUN_LOG_START = re.compile(r"^\d{4}-\d{2}-\d{2}T\S+ climann \S")


def _is_run_log(path: Path) -> bool:
    return _RUN_LOG_START.match(_first_line(path)) is not None


#: How each file of the run-directory contract is known as climann's by its content: the
#: marks climann has written into them since their first version (a run of an earlier
#: version is recognised alike).
OWN_CONTENT = {
    "config.toml": lambda path: written_by_climann(path),  # "# climann resolved configuration" first
    "model.npz": is_model_file,
    "best_model.npz": is_model_file,
    "model_members.npz": is_members_file,
    "checkpoint.npz": is_checkpoint_file,
    "metrics.json": lambda path: written_by_climann(path),  # target and splits
    "provenance.json": is_provenance_file,
    "history.csv": _is_history_csv,
    "predictions.nc": lambda path: written_by_climann(path),  # global source "climann …"
    "report.md": lambda path: written_by_climann(path),  # "# climann run" first
    "train.log": _is_run_log,
}


#: Files of the run-directory contract whose content carries no mark of climann (the header
#: ``epoch,train_loss,val_loss`` is any training logger's): climann's only beside a climann run.
UNMARKED_RUN_FILES = ("history.csv",)


def is_own_run_file(path: Path) -> bool:
    """Whether ``path``, a file named as one of the run-directory contract, is climann's by
    its content (:data:`OWN_CONTENT`); a symbolic link never is (replacing it would replace
    the link, not what climann wrote)."""
    check = OWN_CONTENT.get(path.name)
    try:
        return check is not None and path.is_file() and not path.is_symlink() and bool(check(path))
    except (OSError, ValueError):
        return False


def foreign_entries(run_dir: Path) -> list[str]:
    """The names in ``run_dir`` that are not climann's: a file of a run-directory contract
    name whose content climann did not write (:func:`is_own_run_file`), any other file that
    is not an output of climann (:func:`written_by_climann`: ``climann predict --out
    RUN/pred_2013.nc`` is climann's), a figure that climann did not draw
    (``figures/map_test.png`` without climann's mark in a run made since it marks them, see
    :mod:`climann.workflow.own_figures`), a folder that is not climann's figures or an
    ``evaluate``/``explain`` folder, and every symbolic link. Inside climann's folders the
    user's files are named themselves (``explain/notes.md``), not their folder. A file of
    :data:`UNMARKED_RUN_FILES` (``history.csv``) is climann's only in a climann run directory
    (:func:`is_run_directory`): alone, or beside another program's files, nothing tells it
    from another program's log. What a killed climann process left (:func:`leftovers`, such as
    the claim ``.model.npz.replaced.tmp``) is climann's, not named (verify22b F4)."""
    own = {*RUN_FILES, *ENSEMBLE_RUN_FILES, *CHECKPOINT_FILES}
    if not is_run_directory(run_dir):
        own -= set(UNMARKED_RUN_FILES)
    left = set(leftovers(run_dir))  # a killed run's, removed by the next run there: climann's
    foreign = []
    for entry in sorted(run_dir.iterdir()):
        if entry in left or is_claim_file(entry):  # a claim: climann's, removed when its command ends
            continue
        if entry.name == FIGURES and entry.is_dir() and not entry.is_symlink():
            foreign += [name for name in _foreign_figures(entry) if entry.parent / name not in left]
        elif entry.is_dir() and not entry.is_symlink():
            inside = _foreign_in_output_folder(entry)
            foreign += [f"{entry.name}/"] if inside is None else inside
        elif entry.is_symlink():
            foreign.append(entry.name)
        elif not (is_own_run_file(entry) if entry.name in own else written_by_climann(entry)):
            foreign.append(entry.name)
    return foreign


def is_run_directory(run_dir: str | Path) -> bool:
    """Whether ``run_dir`` holds a climann run, by content: climann's ``model.npz``,
    ``checkpoint.npz``, ``best_model.npz`` or ``provenance.json``
    (:func:`climann.run_files.is_run_directory`), not merely files of those names."""
    return _is_run_directory(run_dir)


def _not_a_run(run_dir: Path, foreign: Sequence[str], *, option: str = "--out") -> str:
    """The refusal of a folder that is not a climann run, naming what climann did not write (or,
    when climann wrote all of it, what it holds); of a climann run that also holds files climann
    did not write, naming those files; of climann's ``.npz`` files cut short, that they are
    (:func:`climann.run_files.cut_short`)."""
    from climann.run_files import cut_short

    if (damaged := cut_short(run_dir)) is not None:
        return f"{option} {run_dir}: {damaged}"
    if foreign and is_run_directory(run_dir):
        many = len(foreign) > 1
        # each named: the way out is to move every one away (docs/run-directory.md; break28b A7)
        return (f"{option} {run_dir} is a climann run, but it also holds {_few(foreign, len(foreign))}, which "
                f"climann did not write and --overwrite never replaces; move {'them' if many else 'it'} away, or "
                f"choose another {option}")
    if foreign:
        holds = f"; it holds {_few(foreign)}, which climann did not write"
    else:
        holds = (f"; it holds {_few(entry.name for entry in run_dir.iterdir())}, but no model.npz, checkpoint.npz "
                 "or provenance.json of a climann run")
    return (f"{option} {run_dir} is not a climann run directory{holds}; choose another {option} "
            "(--overwrite replaces only a climann run)")


def refuse_run_files(path: str | Path, *, option: str = "--out", run_dir: str | Path | None = None) -> None:
    """Refuse an output that would replace a run's own record: a file of a run directory's
    contract (:data:`RUN_FILES`, ensemble and checkpoint files) inside that run directory,
    or (``run_dir`` given, for ``climann evaluate``) a run directory other than ``run_dir``
    as the output folder. New names inside a run directory stay allowed (``climann evaluate
    RUN --data other.nc --out RUN/other``).

    Raises
    ------
    ClimannError
    """
    path = Path(path)
    own = {*RUN_FILES, *ENSEMBLE_RUN_FILES, *CHECKPOINT_FILES}
    target = write_target(path)  # a symbolic link is written through: what it points to counts
    for written in dict.fromkeys([path, target]):
        if written.name in own and is_run_directory(written.parent):
            link = f" a symbolic link to {written}," if written != path else ""
            raise ClimannError(f"{option} {path} is{link} the {written.name} of the run {written.parent}; writing "
                               "there would replace the run's own results; give another file name")
    if run_dir is not None and path.is_dir() and path.resolve() != Path(run_dir).resolve() and is_run_directory(path):
        raise ClimannError(f"{option} {path} is another run's directory; its metrics.json, predictions.nc and "
                           "report.md would be replaced; give a new directory")


def refuse_unsafe_location(path: str | Path, *, option: str, inputs: Sequence[str | Path] = ()) -> None:
    """Refuse an output directory that is the working directory or one of its ancestors,
    or that contains one of the ``inputs``.

    Raises
    ------
    ClimannError
    """
    resolved = Path(path).resolve()
    working = Path.cwd().resolve()
    if resolved == working or resolved in working.parents:
        raise ClimannError(
            f"{option} {path} is the working directory or contains it; give a new directory such as runs/NAME"
        )
    for given in inputs:
        if resolved in Path(given).resolve().parents:
            raise ClimannError(f"{option} {path} contains the input file {given}; give a separate directory")


def check_run_directory(
    run_dir: str | Path, overwrite: bool, *, inputs: Sequence[str | Path] = (), option: str = "--out",
) -> None:
    """Before a new run in ``run_dir``: refuse, before any work, a place that would lose data.

    A file, a symbolic link to nothing, the working directory or an ancestor of it, a
    directory that contains an input file, a folder whose parent does not let climann build
    the run beside it (:func:`staging_directory`), a directory holding anything that climann
    did not write (by content: :func:`foreign_entries`, :func:`is_run_directory`), and
    (unless ``overwrite``) any non-empty run directory. An unfinished run there is refused
    with how to resume it; with ``overwrite`` its checkpoint is removed. Leftovers of killed
    runs are removed first (:func:`remove_leftovers`).

    Parameters
    ----------
    run_dir : str or Path
    overwrite : bool
        ``--overwrite``: a climann run there may be replaced.
    inputs : sequence of str or Path
        The run's input files (never inside ``run_dir``).
    option : str
        How the messages name the place (``--out``; ``climann sweep`` checks its runs'
        folders itself, :func:`climann.workflow.sweep.check_sweep_folders`).

    Raises
    ------
    ClimannError
    """
    run_dir = Path(run_dir)
    check_run_place(run_dir, inputs=inputs, option=option)
    remove_leftovers(run_dir)
    if not run_dir.is_dir() or not any(run_dir.iterdir()):
        return
    foreign = foreign_entries(run_dir)
    if foreign or not is_run_directory(run_dir):
        raise ClimannError(_not_a_run(run_dir, foreign, option=option))
    refuse_unfinished_run(run_dir, overwrite)
    if not overwrite:
        raise ClimannError(f"run directory {run_dir} is not empty; choose another {option} or pass --overwrite")


def check_run_place(run_dir: str | Path, *, inputs: Sequence[str | Path] = (), option: str = "--out") -> None:
    """The part of :func:`check_run_directory` that only looks: refuse a file, a symbolic link to
    nothing, the working directory or an ancestor of it, a directory containing an input, and a
    place climann cannot write. What ``climann train`` checks before it claims the run directory
    (:func:`climann.atomic.claimed_output`); what removes anything comes after the claim.

    Raises
    ------
    ClimannError
    """
    run_dir = Path(run_dir)
    check_output_link(run_dir, option=option, directory=True)
    if run_dir.exists() and not run_dir.is_dir():
        raise ClimannError(f"{option} {run_dir} is a file; give a directory for the run (e.g. runs/NAME)")
    refuse_unsafe_location(run_dir, option=option, inputs=inputs)
    refuse_unwritable_parent(run_dir, option=option)
    refuse_unwritable(run_dir, option=option)  # its checkpoint is written there while it trains


def check_output_link(
    path: str | Path, *, option: str = "--out", directory: bool = False, alternative: bool = True,
) -> None:
    """The rule for an output that is a symbolic link, for every command: climann writes
    through it, into what it points to, and never removes or replaces the link itself
    (:func:`climann.atomic.write_target`). What it points into must therefore exist: the
    directory itself for an output directory (a run, ``evaluate``/``explain``/``compare``/
    ``plot`` ``--out``), as climann does not create a directory at the end of a user's link;
    the folder the file goes into for an output file (``predict --out``, ``sample-data PATH``,
    ``config init PATH``, each file written into an output folder), whose file is created
    there. ``path`` that is no symbolic link passes.

    Parameters
    ----------
    path : str or Path
        The output as the user gave it.
    option : str
        How the messages name it (``--out``; "" for a positional path).
    directory : bool
        Whether ``path`` is an output directory (else a file or a Zarr store).
    alternative : bool
        Whether the message offers another name (not for a folder the command always writes,
        such as a run's ``figures``).

    Raises
    ------
    ClimannError
        Before any work: ``--out run_link is a symbolic link to scratch/run, which does not
        exist; create that directory first, or choose another --out``; for a file, ``… to
        /nonexistent/dir/p.nc, whose folder /nonexistent/dir does not exist; …``; a link that
        points to itself through a loop.
    """
    path = Path(path)
    if not path.is_symlink():
        return
    named, instead = (f"{option} {path}", f"another {option}") if option else (str(path), "another name")
    instead = f", or choose {instead}" if alternative else ""
    points_to = os.readlink(path)
    try:
        path.stat()
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise ClimannError(f"{named} is a symbolic link to {points_to}, which leads back to itself through "
                               f"links (a loop); fix the link{instead}") from None
    target = write_target(path)
    if directory and not target.exists():
        raise ClimannError(f"{named} is a symbolic link to {points_to}, which does not exist; create that directory "
                           f"first{instead}")
    if not directory and not target.parent.is_dir():
        raise ClimannError(f"{named} is a symbolic link to {points_to}, whose folder {target.parent} does not exist; "
                           f"create that folder first{instead}")


def refuse_unwritable(
    path: str | Path, *, option: str = "--out", directory: bool = True, way_out: str | None = None,
) -> None:
    """The one check, before any work, that an output can be written, for every command: the
    folder that receives it (``path`` itself for an output directory, its folder for a file; a
    symbolic link is followed, :func:`climann.atomic.write_target`) must let climann create
    files, or, when it does not exist yet, the nearest folder above it that does must let
    climann create folders, and be a folder, not a file. Found after training or computing, the
    system's words ("Operation not permitted") came with no way out.

    Parameters
    ----------
    path : str or Path
        The output as the user gave it (or its default).
    option : str
        How the messages name it (``--out``; "" for a positional path or a default).
    directory : bool
        Whether ``path`` is an output directory (else a file or a Zarr store).
    way_out : str, optional
        What to do instead of making the folder writable; by default choosing another
        ``option`` (or name).

    Raises
    ------
    ClimannError
        ``--out ro/run: ro cannot be written (read-only, immutable or not yours); make it
        writable, or choose another --out``; ``--out fcase/afile/sub: fcase/afile is a file, not
        a folder; choose another --out``.
    """
    path = Path(path)
    target = write_target(path)
    folder = target if directory else target.parent
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    named = f"{option} {path}" if option else str(path)
    way_out = way_out or (f"choose another {option.split()[-1]}" if option else "choose another name")
    if not existing.is_dir():
        raise ClimannError(f"{named}: {existing} is a file, not a folder; {way_out}")
    if not os.access(existing, os.W_OK | os.X_OK):
        doing = "cannot be written" if existing == folder else "does not allow creating folders"
        which = named if existing == path else f"{named}: {existing}"  # not the same path twice
        raise ClimannError(f"{which} {doing} (read-only, immutable or not yours); make it writable, or {way_out}")


def refuse_unwritable_parent(run_dir: Path, *, option: str = "--out") -> None:
    """Refuse a run directory whose parent does not let climann create the hidden folder the
    run is built in (read-only, immutable, not ours): found now rather than after training.

    Raises
    ------
    ClimannError
    """
    parent = run_dir.parent
    if not parent.is_dir() or os.access(parent, os.W_OK | os.X_OK):
        return
    if run_dir.is_dir():
        raise ClimannError(
            f"{option} {run_dir}: climann builds a run in a hidden folder beside its directory and then moves it "
            f"into place, but {parent} does not allow creating folders (read-only or immutable); make {parent} "
            f"writable, or choose another {option}"
        )
    raise ClimannError(f"cannot create run directory {run_dir}: {parent} does not allow creating folders "
                       f"(read-only or immutable); choose another {option}")


def staging_directory(run_dir: Path) -> Path:
    """A new empty directory beside ``run_dir`` (hidden, ``.RUN.PID.*.partial``) to build a
    run in, with the mode of any new directory.

    Raises
    ------
    ClimannError
        If it cannot be created.
    """
    try:
        run_dir.parent.mkdir(parents=True, exist_ok=True)
        # absolute: see climann.atomic; recorded in the run's claim, for whoever takes it over after a SIGKILL
        staging = new_temporary(run_dir.absolute(), suffix=".partial")
    except OSError as error:
        if run_dir.is_dir():  # the run directory exists: it is the folder beside it that cannot be made
            raise ClimannError(f"cannot create the folder in which run directory {run_dir} is built, beside it in "
                               f"{run_dir.parent}: {error.strerror}") from None
        raise ClimannError(f"cannot create run directory {run_dir}: {error.strerror}") from None
    return staging


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """SIGINT, SIGTERM and SIGHUP wait until the block is done (a few renames), then act as
    they would have (the handlers in place before the block run, in the order they came).

    Blocking the signals in the main thread (``pthread_sigmask``) is not enough: the kernel
    gives a signal sent to the process to any thread that does not block it (a dask client's
    event loop, a thread pool, the progress display), and Python then runs the handler in the
    main thread at its next instruction, inside the block (the renames of a run directory
    would stop half done). Handlers that only record the signal are in place while the block
    runs; nested blocks pass what they recorded to the enclosing one.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    numbers = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    arrived: list[int] = []

    def record(number: int, frame: object) -> None:
        arrived.append(number)

    handlers = {number: signal.getsignal(number) for number in numbers}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, numbers)
    for number, handler in handlers.items():
        if handler != signal.SIG_IGN:  # an ignored signal (nohup) stays ignored
            signal.signal(number, record)
    def restore_handlers() -> None:
        for number, handler in handlers.items():
            signal.signal(number, handler if handler is not None else signal.SIG_DFL)

    try:
        yield
    finally:
        # the mask first, while the recording handlers are in place: a signal held back arrives now and is
        # recorded. Restored after the handlers, a signal that another thread took late ran the run's own
        # handler inside this block, whose exception left SIGINT, SIGTERM and SIGHUP blocked (Ctrl-C then
        # did nothing; seen once as test_checkpoints' signal-mask check failing under load)
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        try:
            restore_handlers()
        finally:
            restore_handlers()  # again: a handler run late may raise before every one was put back
        for number in dict.fromkeys(arrived):
            signal.raise_signal(number)  # its handler runs here (raise_signal checks for signals)


class RunDirectoryTaken(ClimannError):
    """A finished run that :func:`publish_run` did not put in place: its run directory was
    taken meanwhile (another run written there, or files climann did not write). The run is
    kept, complete, in :attr:`kept` (None if it could not be)."""

    def __init__(self, message: str, kept: Path | None) -> None:
        super().__init__(message)
        self.kept = kept


def _rename(source: Path, target: Path) -> None:
    """One step of publishing a run (:func:`_replace_run_files`): ``source`` replaces ``target``."""
    os.replace(source, target)


def _replace_entries(source: Path, destination: Path, own: set[str], *, placed: Iterable[str] = ()) -> None:
    """Move every file of ``source`` into ``destination``, replacing files of the same
    names; remove the files of ``own`` names in ``destination`` that ``source`` lacks (and
    that were not ``placed`` there already)."""
    entries = sorted(source.iterdir())
    for entry in entries:
        _rename(entry, destination / entry.name)
    _remove_stale(destination, own - {entry.name for entry in entries} - set(placed))


def _remove_stale(destination: Path, names: Iterable[str]) -> None:
    """Remove the files ``names`` of ``destination`` (never a symbolic link)."""
    for stale in names:
        target = destination / stale
        if target.is_file() and not target.is_symlink():
            target.unlink()


def _placed_as_new(staging: Path, run_dir: Path) -> bool:
    """Rename ``staging`` to the new ``run_dir``: atomic, and refused by the system when a
    directory of that name holding anything appeared meanwhile (False then)."""
    try:
        os.rename(staging, run_dir)
    except OSError as error:
        if error.errno in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOTDIR, errno.EISDIR):
            return False
        raise
    return True


def _taken(run_dir: Path, overwrite: bool) -> str | None:
    """Why the finished run may not go into the existing ``run_dir`` now, or None: without
    ``overwrite``, files of another run (a checkpoint aside: that of this run, or of another
    still training); with it, files of climann's names that climann did not write."""
    if not run_dir.is_dir():
        return f"{run_dir} is no longer a directory"
    own = {*RUN_FILES, *ENSEMBLE_RUN_FILES, *CHECKPOINT_FILES}
    present = [run_dir / name for name in sorted(own) if os.path.lexists(run_dir / name)]
    figures = run_dir / FIGURES
    present += [figures / name for name in sorted(_figure_names()) if os.path.lexists(figures / name)]
    not_ours = [str(path.relative_to(run_dir)) for path in present
                if not (is_own_run_file(path) if path.parent == run_dir
                        else path.is_file() and not path.is_symlink() and written_by_climann(path))]
    if not_ours:
        return f"it now holds {_few(not_ours)}, which climann did not write (put there while this run ran)"
    others = [path.name for path in present if path.parent == run_dir and path.name != CHECKPOINT_FILES[0]] or \
        [f"{FIGURES}/{path.name}" for path in present if path.parent != run_dir]
    if others and not overwrite:
        return f"another run was written there while this one ran (it holds {_few(others)})"
    return None


def _claimed(staging: Path, run_dir: Path) -> bool:
    """Put the new ``model.npz`` into ``run_dir`` only if it has none: a hard link fails when
    the name exists (atomic, also on NFS), so of two runs publishing into one new directory at
    the same moment the second finds the first's. Where hard links are not supported, the
    name is checked just before the rename instead."""
    source, target = staging / "model.npz", run_dir / "model.npz"
    if not source.is_file():
        return not os.path.lexists(target)
    try:
        os.link(source, target)
    except FileExistsError:
        return False
    except OSError:  # no hard links on this file system
        if os.path.lexists(target):
            return False
        os.replace(source, target)
        return True
    source.unlink()
    return True


def _kept_beside(staging: Path, run_dir: Path, why: str, overwrite: bool, advice: str | None = None
                 ) -> RunDirectoryTaken:
    """Move the finished run that may not go into ``run_dir`` to the first free ``RUN-2``,
    ``RUN-3``, … beside it; the error that names it (``advice``: why it was not replaced,
    by default what ``overwrite`` replaces)."""
    advice = advice or ("--overwrite replaces only what climann wrote" if overwrite
                        else "a run is replaced only with --overwrite")
    for number in range(2, 1000):
        candidate = run_dir.with_name(f"{run_dir.name}-{number}")
        if os.path.lexists(candidate):
            continue
        try:
            os.rename(staging, candidate)
        except OSError as error:
            if error.errno in (errno.ENOTEMPTY, errno.EEXIST):
                continue
            break
        return RunDirectoryTaken(f"run directory {run_dir}: {why}; {advice}: this run was written to {candidate} "
                                 "instead", candidate)
    return RunDirectoryTaken(f"run directory {run_dir}: {why}; {advice}, and no folder beside it could take this "
                             "run: it was not kept", None)


#: ``publish_run(replaces=ANY_RUN)``: ``overwrite`` replaces whichever climann run is there.
ANY_RUN = "any climann run"
#: Held, while a run replaces another, by a hard link to the model it replaces (:func:`_replacing`).
_REPLACED_MODEL = REPLACED_MODEL_CLAIM
_REPLACED_ADVICE = "--overwrite replaces only the run that was there when this one started"


def _replacing(run_dir: Path, replaces: str | None) -> tuple[str | None, Path | None, bool]:
    """Whether ``run_dir`` still holds the run that ``--overwrite`` set out to replace:
    ``(why not, claim, changed)``.

    ``replaces`` is the SHA-256 of the ``model.npz`` there when the run started (None: there
    was none). The ``model.npz`` there now is first hard-linked to one fixed hidden name (the
    claim, removed when the run is published): the file system refuses the link when the name
    exists, so of two runs replacing the same run at the same moment only one goes on, and the
    content compared is that of the file claimed, not of a name read twice. ``changed``: a
    different run is there (or the one found at the start is gone)."""
    model, claim = run_dir / "model.npz", run_dir / _REPLACED_MODEL
    try:
        os.link(model, claim, follow_symlinks=False)
    except FileNotFoundError:  # no model.npz now
        found, claim = None, None
    except FileExistsError:
        return "another run was being published there at the same moment", None, False
    except OSError:  # no hard links on this file system: the name is read just before the replacement
        found, claim = model_sha256(model), None
    else:
        found = model_sha256(claim)
    if found == replaces:
        return None, claim, False
    if claim is not None:
        claim.unlink(missing_ok=True)
    if found is None:
        return "the run that was there when this one started was removed meanwhile", None, True
    return ("another run was written there while this one ran (its model.npz is not the one this run set out to "
            "replace)"), None, True


def publish_run(staging: Path, run_dir: Path, *, overwrite: bool = False, replaces: str | None = ANY_RUN,
                keep: Iterable[str] = ()) -> None:
    """Move the finished run in ``staging`` to ``run_dir``.

    A new ``run_dir`` is the staging directory renamed. An existing one (checked by
    :func:`check_run_directory` when the run began) is checked again, since the run may have
    taken hours: it may hold this run's checkpoint (or that of another run training into the
    same directory), and with ``overwrite`` a climann run; never files of climann's names that
    climann did not write (:func:`is_own_run_file`). With ``overwrite`` and ``replaces``, only
    the run found there when this one started (:func:`_replacing`): a run another ``climann
    train`` wrote there meanwhile is not replaced, but treated as without ``overwrite``. It
    then gets the new files in place of the old ones; climann's own files that the new run
    lacks (old figures, best weights, the checkpoint) are removed and nothing else is touched.
    Where no ``model.npz`` is to be replaced, the new one goes first, and only if the
    directory has none (:func:`_claimed`): of two runs finishing into one new directory, the
    second is refused. Signals wait until this is done.

    Parameters
    ----------
    staging : Path
        The complete run (:func:`staging_directory`).
    run_dir : Path
    overwrite : bool
        Whether a climann run in ``run_dir`` may be replaced (``--overwrite``).
    replaces : str or None
        With ``overwrite``: which run may be replaced, the SHA-256 of its ``model.npz`` when
        this run started (:func:`climann.run_files.model_sha256`; None: there was none), or
        :data:`ANY_RUN` (whichever climann run is there).
    keep : iterable of str
        Names of climann's files in ``run_dir`` that are not this run's and stay: the
        ``checkpoint.npz`` of another run still training there.

    Raises
    ------
    RunDirectoryTaken
        When the run may not go into ``run_dir``: it is moved, complete, to ``RUN-2`` (or
        ``RUN-3``, …) beside it, which the message names; ``run_dir`` is untouched.
    """
    with signals_deferred():
        if not os.path.lexists(run_dir) and _placed_as_new(staging, run_dir):
            return
        why = _taken(run_dir, overwrite)
        placed, claim, advice = set(keep), None, None
        new_model_first = not overwrite
        if why is None and overwrite and replaces != ANY_RUN:
            why, claim, changed = _replacing(run_dir, replaces)
            new_model_first = replaces is None
            if changed and _taken(run_dir, False) is None:  # no run there now: placed as without --overwrite
                why, overwrite, new_model_first = None, False, True
            advice = _REPLACED_ADVICE
        try:
            if why is None and new_model_first:
                if not _claimed(staging, run_dir):
                    why = "another run was written there at the same moment"
                placed = {"model.npz", *keep}
            if why is not None:
                raise _kept_beside(staging, run_dir, why, overwrite, advice)
            # found before the old model goes; a model reproduced byte for byte keeps them (break22b F6)
            derived = _derived_outputs(run_dir) if overwrite and not _same_model(staging, run_dir) else []
            _replace_run_files(staging, run_dir, placed)
            _remove_derived_outputs(run_dir, derived)
        finally:
            if claim is not None:
                claim.unlink(missing_ok=True)


def _is_prediction_file(path: Path) -> bool:
    """A NetCDF file ``climann predict`` wrote (global ``title`` "climann predictions of …",
    ``source`` "climann …"), not the run's own ``predictions.nc``."""
    from climann.data.containers import is_netcdf  # here: climann.data imports xarray, the CLI's spinner comes first
    from climann.data.handles import open_netcdf

    if not is_netcdf(path) or path.name in RUN_FILES or not written_by_climann(path):
        return False

    try:
        with open_netcdf(path, decode_cf=False) as dataset:
            return str(dataset.attrs.get("title", "")).startswith("climann predictions")
    except Exception:  # noqa: BLE001 — what cannot be read is not taken for climann's
        return False


def _derived_outputs(run_dir: Path) -> list[Path]:
    """What climann made from a run's model inside its directory: ``explain`` and
    ``evaluate --out`` folders holding only climann's files (:func:`_foreign_in_output_folder`),
    and ``climann predict`` files (:func:`_is_prediction_file`). Symbolic links are not followed."""
    derived = []
    for entry in sorted(run_dir.iterdir()):
        if entry.is_symlink() or entry.name == FIGURES:
            continue
        if entry.is_dir() and _foreign_in_output_folder(entry) == []:
            derived.append(entry)
        elif entry.is_file() and _is_prediction_file(entry):
            derived.append(entry)
    return derived


def _same_model(staging: Path, run_dir: Path) -> bool:
    """Whether the run in ``staging`` has the very model of the run in ``run_dir``: its
    ``model.npz`` (and an ensemble's ``model_members.npz``, or its absence) byte for byte the
    same. Training is deterministic, so a run resumed after an interruption, or retrained with
    the same settings on the same data by the same climann, writes the same bytes; the
    ``explain``, ``evaluate --out`` and ``predict`` outputs made from the replaced model then
    describe this one, and stay (:func:`_derived_outputs`)."""
    for name in ("model.npz", *ENSEMBLE_RUN_FILES):
        new, old = staging / name, run_dir / name
        if not (new.is_file() or old.is_file()) and name != "model.npz":
            continue
        try:
            if not (new.is_file() and old.is_file() and filecmp.cmp(new, old, shallow=False)):
                return False
        except OSError:  # vanished or unreadable meanwhile: not known to be the same
            return False
    return True


def _remove_derived_outputs(run_dir: Path, derived: Sequence[Path]) -> None:
    """Remove ``derived`` (:func:`_derived_outputs`), the outputs of the model a run has just
    replaced, and say so in one warning line: their numbers describe a network that is gone
    (tour13: explain/importance.json ranked inputs the new network does not have). A file
    climann did not write that appeared in such a folder meanwhile is kept, with its folder,
    and named."""
    from climann.workflow.runlog import run_logger

    removed, kept = [], []
    for path in derived:
        if path.is_file():
            path.unlink(missing_ok=True)
            removed.append(path.name)
            continue
        theirs = _foreign_in_output_folder(path)
        if theirs:
            kept += theirs
            continue
        for inner in sorted(path.rglob("*"), reverse=True):  # files before their folders
            inner.rmdir() if inner.is_dir() and not inner.is_symlink() else inner.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            path.rmdir()
        removed.append(f"{path.name}/")
    if removed:
        run_logger.warning("removed %s from %s: climann's outputs of the run this one replaced (explain, evaluate "
                           "--out, predict), whose model is gone; make them again for this run", _few(removed, 6),
                           run_dir)
    if kept:
        run_logger.warning("kept %s in %s, which climann did not write; the folders around them hold outputs of the "
                           "replaced run", _few(kept), run_dir)


def _replace_run_files(staging: Path, run_dir: Path, placed: set[str]) -> None:
    """Move the files of ``staging`` into ``run_dir`` over the old run's (:func:`publish_run`),
    one rename each, in :data:`~climann.run_files.PUBLISH_ORDER` (``model.npz`` last), so that
    a replacement cut short leaves a run that :func:`climann.run_files.mixed_run_problem`
    refuses; then remove the old run's own files that the new one lacks (the checkpoint last:
    ``--resume`` finishes a replacement cut short)."""
    rank = {name: index for index, name in enumerate(PUBLISH_ORDER)}
    unlisted = len(PUBLISH_ORDER) - 1.5  # just before model.npz
    names = sorted({entry.name for entry in staging.iterdir()} | {FIGURES},
                   key=lambda name: (rank.get(name, unlisted), name))
    for name in names:
        if name == FIGURES:
            _replace_figures(staging / FIGURES, run_dir / FIGURES)
        else:
            _rename(staging / name, run_dir / name)
    own = {*RUN_FILES, *ENSEMBLE_RUN_FILES, *CHECKPOINT_FILES}
    _remove_stale(run_dir, sorted(own - set(names) - placed, key=lambda name: name in CHECKPOINT_FILES))
    staging.rmdir()


def _replace_figures(figures: Path, old_figures: Path) -> None:
    """The new run's ``figures`` replace the old run's ``old_figures`` (and the old ones it does not
    draw go); without new figures, the old run's own figures go, and their folder if then empty."""
    if figures.is_dir() and old_figures.is_dir():
        _replace_entries(figures, old_figures, _figure_names())
        figures.rmdir()
    elif figures.is_dir():
        _rename(figures, old_figures)
    elif old_figures.is_dir():
        for name in _figure_names():
            (old_figures / name).unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            old_figures.rmdir()  # only if nothing else is in it


def refuse_existing(
    path: str | Path, *, overwrite: bool, what: str, inputs: Sequence[str | Path] = (), option: str = "",
    not_ours: str = "", same_kind: Callable[[Path], bool] | None = None, kind: str = "",
) -> None:
    """Before writing the single file (or Zarr store) ``path``: refuse an input of the
    command always, a directory (that is not a Zarr store) always, an existing file that
    climann did not write always (:func:`written_by_climann`), and climann's own unless
    ``overwrite``; a symbolic link is written through, and refused when the folder it points
    into does not exist (:func:`check_output_link`; ``option`` names ``path`` there, e.g.
    ``--out``).

    ``not_ours``, when given, is what an existing file that is not climann's output is said
    not to be, in place of "not written by climann": ``"a template that `climann config init`
    wrote"`` of a TOML file, whose text climann may well have printed (``climann info >
    my.toml``) without marking it as an output.

    ``same_kind``, when given, says whether an existing file of climann's is of the kind
    written (``kind``, e.g. "predictions of `climann predict`"): ``--overwrite`` replaces only
    such a file, never another of climann's outputs (a run's figure, an ``importance.json``, a
    ``metrics.json``), which a file of another kind under its name would make unreadable and
    disowned. An input is recognised by path and by identity (``os.path.samefile``: a hard
    link to it is the input).

    Raises
    ------
    ClimannError
    """
    path = Path(path)
    check_output_link(path, option=option)
    resolved = path.resolve()
    if any(resolved == Path(given).resolve() or _same_file(path, given) for given in inputs):
        raise ClimannError(f"{path} is an input of this command; write the {what} to another file")
    is_store = any((path / name).exists() for name in (".zgroup", "zarr.json", ".zmetadata"))
    if path.is_dir() and not (path.suffix == ".zarr" and (is_store or not any(path.iterdir()))):
        raise ClimannError(f"{path} is a directory; give a file name for the {what}")
    if path.exists() and not written_by_climann(path):  # refused before --overwrite is offered
        raise ClimannError(f"{path} exists and is not {not_ours}; choose another name (or remove that file yourself)"
                           if not_ours else _not_ours([path]))
    if path.exists() and same_kind is not None and not same_kind(path):  # refused before --overwrite is offered
        named = f"{option} {path}" if option else str(path)
        raise ClimannError(f"{named} is a file climann wrote, but not {kind}, and --overwrite replaces only those; "
                           f"choose another file name for the {what}")
    if path.exists() and not overwrite:
        raise ClimannError(f"{path} exists; choose another file or pass --overwrite to replace it")
    refuse_unwritable(path, option=option, directory=False)


def _same_file(path: Path, other: str | Path) -> bool:
    """Whether ``path`` and ``other`` both exist and are one file (a hard link of it)."""
    try:
        return os.path.samefile(path, other)
    except OSError:
        return False


def _not_ours(paths: Sequence[Path], instead: str = "name", *, way_out: str | None = None) -> str:
    """One line refusing files that are not climann's outputs (``--overwrite`` would not
    help). A PNG is said to carry no mark, not to be another program's: climann's figures
    from before :data:`~climann.evaluation.figure_files.FIGURE_MARK_SINCE` carry none either;
    but where climann drew after it began marking them (a run made since, see
    :mod:`climann.workflow.own_figures`), an unmarked figure is said not to be climann's. A file
    named ``.png`` that is no PNG image was not written by climann."""
    from climann.evaluation.figure_files import FIGURE_MARK_SINCE
    from climann.workflow.own_figures import is_png_file

    pngs = [path for path in paths if path.suffix == ".png" and is_png_file(path)]
    marked_place = [path for path in pngs if (place := _figure_place(path)) is not None
                    and not _made_before_marking(place)]
    figures = [path for path in pngs if path not in marked_place]
    others = [path for path in paths if path not in pngs]
    clauses = []
    if others:
        clauses.append(f"{_few(map(str, others))} {'were' if len(others) > 1 else 'was'} not written by climann")
    if marked_place:
        many = len(marked_place) > 1
        clauses.append(f"{_few(map(str, marked_place))} carr{'y' if many else 'ies'} no climann mark, in a run or "
                       f"folder made since climann marks every figure it draws ({FIGURE_MARK_SINCE}): "
                       f"{'they are' if many else 'it is'} not climann's")
    if figures:
        clauses.append(f"{_few(map(str, figures))} carr{'y' if len(figures) > 1 else 'ies'} no climann mark (written "
                       f"by another program, or by a climann from before {FIGURE_MARK_SINCE}, which did not mark its "
                       "figures)")
    many = len(paths) > 1
    if way_out is not None:
        return f"{'; '.join(clauses)}; {way_out}"
    return (f"{'; '.join(clauses)}, and --overwrite replaces only climann's own outputs; choose another {instead} "
            f"(or move {'those files' if many else 'that file'} away yourself)")


def refuse_foreign_figures(run_dir: str | Path) -> None:
    """Before ``climann plot RUN`` redraws a run's figures: refuse, naming them, files of
    climann's figure names in ``RUN/figures`` that climann did not draw (:func:`written_by_climann`:
    unmarked in a run made since climann marks its figures, not a PNG image at all); nothing
    is replaced then.

    Raises
    ------
    ClimannError
    """
    figures = Path(run_dir) / FIGURES
    if not figures.is_dir():
        return
    theirs = [figures / name for name in sorted(_figure_names())
              if os.path.lexists(figures / name) and not written_by_climann(figures / name)]
    if theirs:
        many = len(theirs) > 1
        raise ClimannError(_not_ours(theirs, way_out=(
            f"climann plot {run_dir} redraws the run's figures under those names, and replaces only climann's own: "
            f"move {'them' if many else 'it'} away first")))


def written_by_climann(path: str | Path) -> bool:
    """Whether ``path`` is an output climann wrote: a NetCDF file or Zarr store whose global
    ``source`` attribute starts with "climann" (predictions, the sample dataset), a
    ``metrics.json``-like file (``target`` and ``splits``) or a JSON file whose ``source``
    starts with "climann" (``climann explain``'s), a report beginning
    "# climann run" or a comparison beginning "# climann comparison", a TOML configuration
    beginning as climann writes them (:data:`TOML_HEADINGS`), or a PNG figure that carries
    climann's mark (:data:`climann.evaluation.figure_files.FIGURE_MARK`). A figure of
    climann older than the mark counts as climann's where climann put it
    (:func:`_is_unmarked_climann_figure`); any other image, however named, is not.

    Parameters
    ----------
    path : str or Path
        An existing file or store.

    Returns
    -------
    bool
        False for anything else, and for what cannot be read.
    """
    from climann.data.containers import is_netcdf

    path = Path(path)
    try:
        if path.suffix == ".zarr" or is_netcdf(path):
            return str(_global_attributes(path).get("source", "")).startswith("climann")
        if path.suffix == ".json":
            content = json.loads(path.read_text())
            return isinstance(content, dict) and ({"target", "splits"} <= content.keys()
                                                  or str(content.get("source", "")).startswith("climann"))
        if path.suffix == ".md":
            return path.read_text().startswith(MARKDOWN_HEADINGS)
        if path.suffix == ".toml":
            return path.read_text().startswith(TOML_HEADINGS)
        if path.suffix == ".png":
            from climann.evaluation.figure_files import is_marked_figure

            return is_marked_figure(path) or _is_unmarked_climann_figure(path)
        return False
    except Exception:  # noqa: BLE001 — whatever cannot be read as climann's output is not climann's
        return False


def _global_attributes(path: Path) -> dict:
    """The global attributes of a NetCDF file or Zarr store (``.zarr``), without decoding its
    variables.

    Raises
    ------
    Exception
        Whatever the library raises for a file it cannot read.
    """
    import xarray as xr

    from climann.data.handles import open_netcdf

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a store with stray files warns; only its attributes matter
        opened = (xr.open_dataset(path, engine="zarr", consolidated=False, decode_cf=False)
                  if path.suffix == ".zarr" else open_netcdf(path, decode_cf=False))
        with opened as dataset:
            return dict(dataset.attrs)


def is_predict_output(path: str | Path) -> bool:
    """Whether ``path`` is a file or store that ``climann predict`` wrote: climann's NetCDF or
    Zarr predictions (global ``source`` "climann …", ``title`` "climann predictions of T",
    :data:`climann.data.run_outputs.PREDICTIONS_TITLE`), other than a ``predictions.nc``
    beside climann's ``metrics.json`` (a run's or an ``evaluate --out`` folder's record of its
    scores). What ``predict --overwrite`` may replace; any other output of climann (a figure,
    ``metrics.json``, ``importance.json``, a report, the sample dataset) is not.
    """
    from climann.data.run_outputs import PREDICTIONS_TITLE

    from climann.data.containers import is_netcdf

    path = Path(path)
    if path.suffix != ".zarr" and not is_netcdf(path):
        return False
    if path.name == "predictions.nc" and written_by_climann(path.parent / "metrics.json"):
        return False
    try:
        attributes = _global_attributes(path)
    except Exception:  # noqa: BLE001 — what cannot be read is not climann's predictions
        return False
    return (str(attributes.get("source", "")).startswith("climann")
            and str(attributes.get("title", "")).startswith(PREDICTIONS_TITLE))


def is_sample_dataset(path: str | Path) -> bool:
    """Whether ``path`` is a NetCDF file that ``climann sample-data`` wrote (global ``title``
    :data:`climann.data.sample_data.SAMPLE_TITLE`, ``source`` "climann …"): what
    ``sample-data --overwrite`` may replace."""
    from climann.data.sample_data import SAMPLE_TITLE

    try:
        attributes = _global_attributes(Path(path))
    except Exception:  # noqa: BLE001 — what cannot be read is not the sample
        return False
    return str(attributes.get("source", "")).startswith("climann") and attributes.get("title") == SAMPLE_TITLE


def _figure_place(path: Path) -> tuple[str, Path] | None:
    """Where climann puts a figure of ``path``'s name: ``("run", RUN)`` for a run's figure in the
    ``figures/`` of the climann run ``RUN``, ``("companion", FILE)`` for an ``explain`` or
    ``compare`` figure beside the ``importance.json``/``comparison.md`` climann wrote with it
    (:data:`_UNMARKED_FIGURE_COMPANIONS`), None elsewhere (the lesson's figures, the maps of
    ``plot FILE.nc``: nothing tells an unmarked one from another program's)."""
    folder = path.parent
    if path.name in _figure_names() and folder.name == FIGURES:
        return ("run", folder.parent) if is_run_directory(folder.parent) else None
    companion = _UNMARKED_FIGURE_COMPANIONS.get(path.name)
    if companion is not None and written_by_climann(folder / companion):
        return "companion", folder / companion
    return None


def _made_before_marking(place: tuple[str, Path]) -> bool:
    from climann.workflow.own_figures import made_before_marking

    kind, where = place
    return made_before_marking(run_dir=where) if kind == "run" else made_before_marking(companion=where)


def _is_unmarked_climann_figure(path: Path) -> bool:
    """Whether a PNG without climann's mark is a figure an older climann wrote: a PNG image (a
    file of another format never is) of climann's figure name where climann put it
    (:func:`_figure_place`), in a place made before climann marked its figures
    (:func:`climann.workflow.own_figures.made_before_marking`). In a run or an ``explain``
    folder made since, every figure climann drew carries the mark: an unmarked one is a user's."""
    from climann.workflow.own_figures import is_png_file

    place = _figure_place(path)
    return place is not None and is_png_file(path) and _made_before_marking(place)


def prepare_output_folder(
    folder: str | Path, names: Iterable[str], *, overwrite: bool, option: str = "--out",
    inputs: Sequence[str | Path] = (), create: bool = True, way_out: str | None = None,
) -> Path:
    """Before writing the files ``names`` into ``folder`` (created if missing, unless not
    ``create``: a command that may still fail checks first and creates it when it writes):
    refuse a file, an input of the command among them always, existing files of those names
    that climann did not write always (:func:`written_by_climann`; named, all of them), and
    climann's own unless ``overwrite``; ``folder`` or one of those names as a symbolic link
    to where nothing can be written (:func:`check_output_link`), or a folder that cannot be
    written (:func:`refuse_unwritable`; ``way_out`` its advice besides making it writable).
    Nothing else in ``folder`` is touched.

    Raises
    ------
    ClimannError
    """
    folder = Path(folder)
    check_output_link(folder, option=option, directory=True)
    for name in names:
        check_output_link(folder / name, option="")
    if folder.exists() and not folder.is_dir():
        raise ClimannError(f"{option} {folder} exists and is not a directory; give a directory")
    refuse_unwritable(folder, option=option, way_out=way_out)
    inputs = {Path(given).resolve() for given in inputs}
    clash = [name for name in names if (folder / name).resolve() in inputs]
    if clash:
        raise ClimannError(
            f"{option} {folder} would replace the input file {folder / clash[0]}; give another directory"
        )
    existing = [name for name in names if (folder / name).exists()]
    foreign = [folder / name for name in existing if not written_by_climann(folder / name)]
    if foreign:  # refused before --overwrite is offered: it would not replace them
        raise ClimannError(_not_ours(foreign, instead="directory"))
    if existing and not overwrite:
        raise ClimannError(
            f"{option} {folder} already holds {_few(existing)}; choose another directory "
            "or pass --overwrite to replace them"
        )
    if create:
        create_folder(folder)
    return folder


def create_folder(folder: Path) -> None:
    """``mkdir -p folder``.

    Raises
    ------
    ClimannError
        If it cannot be created; when ``folder`` or a folder above it is a symbolic link to
        nothing, saying so (:func:`check_output_link`): the link is not replaced.
    """
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        for link in (folder, *folder.parents):
            if link.is_symlink() and not link.exists():
                check_output_link(link, option="", directory=True)
        raise ClimannError(f"cannot create directory {folder}: {error.strerror or error}") from None


@contextlib.contextmanager
def folder_written(folder: str | Path, names: Iterable[str]) -> Iterator[Path]:
    """Create ``folder`` (as :func:`create_folder`) for a block that writes the files ``names``
    into it, and leave no empty or half-written folder when the block fails.

    On an error (a refusal, a full disk), the files of ``names`` that were absent before the
    block and that it published (:func:`~climann.atomic.published_here`) are removed, then the
    folders it created, when empty. On an interruption, whose message names what was written
    (:func:`climann.workflow.interrupts.outputs_reported`), only the folders left empty are.
    A file that existed before the block (replaced with ``--overwrite``) and anything else in
    ``folder`` are never removed.

    Raises
    ------
    ClimannError
        If ``folder`` cannot be created; and whatever the block raises.
    """
    folder = Path(folder)
    created = [path for path in (folder, *folder.parents) if not path.exists()]  # the deepest first
    # a name that is a symbolic link is written through: what it points to is what the block makes
    absent = [write_target(folder / name) for name in names if not (folder / name).exists()]
    create_folder(folder)
    try:
        yield folder
    except BaseException as error:
        if isinstance(error, Exception):
            for path in absent:  # only what this block published: never a file that appeared meanwhile
                if path.is_file() and not path.is_symlink() and published_here(path):
                    path.unlink()
        for path in created:
            with contextlib.suppress(OSError):
                path.rmdir()  # only when empty
        raise


@contextlib.contextmanager
def figures_all_or_none(figures: str | Path) -> Iterator[Path]:
    """A hidden folder inside ``figures`` (created if missing; a symbolic link is drawn
    through) for a block that draws figures into it; when the block succeeds, every figure is
    renamed into ``figures`` at once (signals wait), replacing those of the same names.

    A block that fails or is interrupted replaces nothing: its figures are removed with the
    hidden folder, and ``figures`` too when the block created it and it is empty. A killed
    process's hidden folder is removed by :func:`remove_leftovers`. What
    ``climann plot RUN`` draws (it had replaced the run's figures and then failed on its
    ``report.md``: half-written).

    Raises
    ------
    ClimannError
        If the folders cannot be created; and whatever the block raises.
    """
    figures = Path(figures)
    created = not os.path.lexists(figures)
    create_folder(figures)
    target = write_target(figures)
    try:
        staging = new_temporary(target.absolute() / FIGURES)  # .figures.PID.HEX.tmp inside figures
    except OSError as error:
        raise ClimannError(f"cannot create a folder in {figures}: {error.strerror or error}") from None
    try:
        yield staging
        with signals_deferred():
            for drawn in sorted(staging.iterdir()):
                os.replace(drawn, target / drawn.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if created:
            with contextlib.suppress(OSError):
                figures.rmdir()  # only when nothing was put there


def refuse_unfinished_run(run_dir: Path, overwrite: bool) -> None:
    """Before a new run in ``run_dir``: refuse an unfinished run there unless ``overwrite``,
    which removes its checkpoint (a later interruption must not resume the old run)."""
    remove_leftovers(run_dir)
    path = run_dir / CHECKPOINT_FILES[0]
    if not is_checkpoint_file(path):  # none, or not climann's: no unfinished run, nothing to remove
        return
    if not overwrite:
        raise ClimannError(
            f"run directory {run_dir} holds an unfinished run ({CHECKPOINT_FILES[0]}); continue it "
            f"with: climann train --resume {shlex.quote(str(run_dir))}, or pass --overwrite to start again"
        )
    path.unlink(missing_ok=True)
