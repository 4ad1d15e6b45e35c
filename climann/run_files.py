"""A climann run directory, known by what its files hold rather than by their names.

Another program's folder may well hold a ``config.toml`` beside a ``model.npz`` and a
``history.csv`` (a common trio in machine-learning projects), and a user may keep a
``checkpoint.npz`` of their own: names alone would take them for a climann run, and
``climann train --overwrite`` would then replace them. A folder is a climann run when one of
the files that only a run writes is climann's by its content:

- ``model.npz`` or ``best_model.npz`` (a diverged run's best weights): a model file whose
  ``metadata`` entry is JSON holding ``climann_version`` (:func:`climann.model.files.write_model`
  has written it since climann's first version);
- ``checkpoint.npz`` (an unfinished run): a training state whose ``header`` entry is JSON with
  ``"format": "climann training state"`` (:data:`CHECKPOINT_FORMAT`, in every checkpoint
  :func:`climann.model.state.save_state` wrote);
- ``provenance.json``: a JSON object holding ``climann_version`` (in every run since
  24 Nov 2026).

Only NumPy and JSON are needed to tell (no pickles, no weights read: ``np.load`` of an
``.npz`` reads one entry), so every layer may ask: the data layer refuses a run given as data
(:mod:`climann.data.run_outputs`), the workflow refuses to replace what is not a run
(:mod:`climann.workflow.outputs`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import zipfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np

__all__ = [
    "CHECKPOINT_FORMAT", "MEMBERS_KIND", "describe_position", "few", "finished_run_problem", "interrupted_retraining",
    "is_checkpoint_file",
    "holds_published_model", "is_published_checkpoint", "publishing_model",
    "is_finished_run", "is_members_file", "is_model_file", "is_provenance_file", "is_run_directory",
    "is_unfinished_run", "mixed_run_files", "mixed_run_problem", "model_sha256", "not_a_run", "npz_json",
    "recorded_model",
]

#: The ``format`` of a checkpoint's header (:mod:`climann.model.state`).
CHECKPOINT_FORMAT = "climann training state"
#: The ``kind`` of an ensemble's members file (:mod:`climann.model.ensemble`).
MEMBERS_KIND = "climann ensemble members"
MODEL_FILE, BEST_MODEL_FILE, CHECKPOINT_FILE = "model.npz", "best_model.npz", "checkpoint.npz"
PROVENANCE_FILE, CONFIG_FILE = "provenance.json", "config.toml"
#: The hidden hard link to the model.npz a ``train --overwrite`` replaces, there while it publishes.
REPLACED_MODEL_CLAIM = ".model.npz.replaced.tmp"
#: The key of ``metrics.json`` and ``provenance.json`` that names the ``model.npz`` they were
#: written for: its SHA-256 (:func:`model_sha256`), since 3 December 2026.
MODEL_SHA256_KEY = "model_sha256"
#: The order in which a finished run's files replace those of the run before it
#: (:func:`climann.workflow.outputs.publish_run`): its evaluation, led by ``metrics.json``
#: (what ``climann evaluate RUN`` rewrites, with the figures ``climann plot RUN`` redraws), then
#: its training record, led by ``provenance.json``, and ``model.npz`` last. Each leader names
#: its model (:data:`MODEL_SHA256_KEY`), so a replacement cut short between two renames
#: (SIGKILL, a power cut) is seen by :func:`mixed_run_problem`. A file not listed goes just
#: before ``model.npz``.
PUBLISH_ORDER = ("metrics.json", "predictions.nc", "report.md", "figures",
                 PROVENANCE_FILE, "history.csv", "train.log", "model_members.npz", CONFIG_FILE, MODEL_FILE)


def npz_json(path: str | Path, entry: str) -> dict | None:
    """The JSON object held as text in the 0-d array ``entry`` of the ``.npz`` file ``path``.

    Returns
    -------
    dict or None
        None when ``path`` is not a readable ``.npz`` (zip) archive, has no such entry, or
        the entry is not a JSON object. Nothing is unpickled; only ``entry`` is read.
    """
    path = Path(path)
    try:
        if not (path.is_file() and zipfile.is_zipfile(path)):
            return None
        with np.load(path, allow_pickle=False) as archive:
            if entry not in archive.files:
                return None
            text = archive[entry]
        content = json.loads(str(text)) if text.shape == () else None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, TypeError, AttributeError):
        return None
    return content if isinstance(content, dict) else None


#: The start of every zip archive (a local file header, PKWARE APPNOTE 4.3.7): an ``.npz`` file.
_ZIP_START = b"PK\x03\x04"
#: climann's NumPy archives in a run directory.
NPZ_FILES = (MODEL_FILE, BEST_MODEL_FILE, CHECKPOINT_FILE, "model_members.npz")


def cut_short(folder: str | Path) -> str | None:
    """Why climann's ``.npz`` files in ``folder`` cannot be read, when they begin as a zip
    archive but lack its end (the central directory, written last: PKWARE APPNOTE 4.3.6), or
    None. Such a file is a run's file cut short (a ``cp -r`` or ``rsync`` that did not finish, a
    full disk), not another program's: it is said so, rather than "not written by climann".

    Returns
    -------
    str or None
        ``"runs/x/checkpoint.npz cannot be read: it is cut short (a zip archive without its end:
        a copy that did not finish, or a full disk?); copy it again from where the run was
        trained, or remove it and train again"``.
    """
    damaged = []
    for name in NPZ_FILES:
        path = Path(folder) / name
        try:
            with open(path, "rb") as handle:
                begins_as_zip = handle.read(len(_ZIP_START)) == _ZIP_START
        except OSError:
            continue
        if begins_as_zip and not zipfile.is_zipfile(path):
            damaged.append(str(path))
    if not damaged:
        return None
    many = len(damaged) > 1
    return (f"{few(damaged)} cannot be read: {'they are' if many else 'it is'} cut short (a zip archive without its "
            f"end: a copy that did not finish, or a full disk?); copy {'them' if many else 'it'} again from where the "
            f"run was trained, or remove {'them' if many else 'it'} and train again")


def is_model_file(path: str | Path) -> bool:
    """Whether ``path`` is a model file climann wrote (``model.npz``, ``best_model.npz``):
    its ``metadata`` JSON holds ``climann_version``."""
    header = npz_json(path, "metadata")
    return header is not None and "climann_version" in header


def model_sha256(path: str | Path) -> str | None:
    """Which run's model ``path`` is: the SHA-256 of the model file climann wrote there
    (64 hexadecimal digits), None when there is none (absent, or not climann's by
    :func:`is_model_file`). What ``train --overwrite`` records of the run it set out to
    replace (:func:`climann.workflow.outputs.publish_run`).

    Raises
    ------
    OSError
        If the file vanishes or cannot be read while it is hashed.
    """
    if not is_model_file(path):
        return None
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def recorded_model(path: str | Path) -> str | None:
    """The SHA-256 of the ``model.npz`` that the JSON file ``path`` (``metrics.json``,
    ``provenance.json``) was written for (:data:`MODEL_SHA256_KEY`), or None: no such record
    (a run of a climann before it), or no readable JSON object."""
    try:
        content = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None
    recorded = content.get(MODEL_SHA256_KEY) if isinstance(content, dict) else None
    return recorded if isinstance(recorded, str) else None


def mixed_run_files(folder: str | Path) -> list[str]:
    """The leaders of :data:`PUBLISH_ORDER` in ``folder`` (``metrics.json``,
    ``provenance.json``) that were written for another ``model.npz`` than the one there: a
    ``climann train --overwrite`` stopped while it replaced the run. Empty when each names the
    model there, or names none (runs of a climann before the record: not checked), or when
    ``folder`` holds no model file of climann's.

    Examples
    --------
    Killed after its ``metrics.json`` replaced the old run's, before its ``model.npz`` did:
    ``["metrics.json"]``.
    """
    folder = Path(folder)
    recorded = {name: recorded_model(folder / name) for name in ("metrics.json", PROVENANCE_FILE)}
    recorded = {name: sha for name, sha in recorded.items() if sha is not None}
    if not recorded:
        return []
    try:
        found = model_sha256(folder / MODEL_FILE)
    except OSError:
        found = None
    if found is None:  # no model file: not a finished run, which finished_run_problem says
        return []
    return [name for name, sha in recorded.items() if sha != found]


def mixed_run_problem(folder: str | Path, *, rescoring: bool = False) -> str | None:
    """Why ``folder`` is not one run but parts of two, as one line with the way out, or None
    (:func:`mixed_run_files`). ``rescoring``: for ``climann evaluate RUN``, which rewrites the
    evaluation and so mends a run of which only it is newer than ``model.npz``.

    Returns
    -------
    str or None
        ``"runs/x mixes two runs: its metrics.json (and perhaps predictions.nc, report.md and
        figures, replaced after it) was written for another model.npz than the one there (a
        `climann train --overwrite` stopped while it replaced the run); re-score the run with:
        climann evaluate runs/x, then redraw its figures with: climann plot runs/x"``.
    """
    folder = Path(folder)
    mixed = mixed_run_files(folder)
    if mixed and not _publishing_stopped(folder):
        return _model_replaced_problem(folder, mixed, rescoring=rescoring)
    if not mixed or (rescoring and mixed == ["metrics.json"]):
        return None
    quoted = shlex.quote(str(folder))
    # the retraining's checkpoint goes last of all: while it is there, --resume publishes the new run whole
    resume = f"finish the retraining with: climann train --resume {quoted}" if is_unfinished_run(folder) else None
    if mixed == ["metrics.json"]:
        return (f"{folder} mixes two runs: its metrics.json (and perhaps predictions.nc, report.md and figures, "
                f"replaced after it) {_written_for_another('was')}; re-score the run with: climann evaluate {quoted}, "
                f"then redraw its figures with: climann plot {quoted}" + (f"; or {resume}" if resume else ""))
    way = resume or f"train it again with: climann train --out {quoted} --overwrite (with the run's other options)"
    newer, verb = (("its evaluation files and provenance.json", "were") if "metrics.json" in mixed
                   else ("its provenance.json", "was"))
    return (f"{folder} mixes two runs: {newer} (and perhaps history.csv, train.log and config.toml, replaced after "
            f"{'them' if verb == 'were' else 'it'}) {_written_for_another(verb)}; {way}")


def _publishing_stopped(folder: Path) -> bool:
    """Whether ``folder`` shows a ``climann train`` stopped while it published its run: the
    retraining's checkpoint (removed last of all) or the claim on the model it replaced
    (:data:`REPLACED_MODEL_CLAIM`). Without either, a ``model.npz`` that its files do not name
    was put there by other means (by hand, ``cp`` of another run's model)."""
    return (folder / CHECKPOINT_FILE).exists() or os.path.lexists(folder / REPLACED_MODEL_CLAIM)


def _model_replaced_problem(folder: Path, mixed: list[str], *, rescoring: bool) -> str | None:
    """A ``model.npz`` put into a run by other means than ``climann train`` (verify22b F3): as
    before the record, ``climann evaluate`` (and ``make evaluate``) scores it, which rewrites
    ``metrics.json`` for it; until then the scores there are another model's, and the commands
    that show them refuse with the way out. ``provenance.json`` keeps the training's record."""
    if rescoring or "metrics.json" not in mixed:
        return None
    quoted = shlex.quote(str(folder))
    return (f"{folder}'s model.npz is not the one its metrics.json was written for (it was replaced after the run "
            f"was written, not by climann train); score it with: climann evaluate {quoted}, or put back the run's "
            "own model.npz")


def _written_for_another(verb: str) -> str:
    return (f"{verb} written for another model.npz than the one there (a `climann train --overwrite` stopped while "
            "it replaced the run)")


def is_checkpoint_file(path: str | Path) -> bool:
    """Whether ``path`` is a training checkpoint climann wrote (:data:`CHECKPOINT_FORMAT`)."""
    header = npz_json(path, "header")
    return header is not None and header.get("format") == CHECKPOINT_FORMAT


def is_members_file(path: str | Path) -> bool:
    """Whether ``path`` is an ensemble's members file climann wrote (:data:`MEMBERS_KIND`)."""
    header = npz_json(path, "metadata")
    return header is not None and header.get("kind") == MEMBERS_KIND


def is_provenance_file(path: str | Path) -> bool:
    """Whether ``path`` is a run's ``provenance.json``: a JSON object with ``climann_version``."""
    try:
        content = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return False
    return isinstance(content, dict) and "climann_version" in content


def is_finished_run(folder: str | Path) -> bool:
    """Whether ``folder`` holds a finished climann run: climann's ``model.npz`` beside a
    ``config.toml``."""
    folder = Path(folder)
    return (folder / CONFIG_FILE).is_file() and is_model_file(folder / MODEL_FILE)


def is_unfinished_run(folder: str | Path) -> bool:
    """Whether ``folder`` holds climann's ``checkpoint.npz`` (an unfinished run, see
    :mod:`climann.workflow.checkpoints`)."""
    return is_checkpoint_file(Path(folder) / CHECKPOINT_FILE)


def is_run_directory(folder: str | Path) -> bool:
    """Whether ``folder`` is a climann run directory, by content: climann's ``model.npz``,
    ``checkpoint.npz``, ``best_model.npz`` or ``provenance.json`` (see the module's
    description). Runs written by earlier climann versions are known alike: those marks are
    as old as the files.

    Examples
    --------
    A folder of another tool, ``config.toml`` + ``model.npz`` (a plain ``np.savez``) +
    ``history.csv``, is not a run; the same names written by ``climann train`` are.
    """
    folder = Path(folder)
    return (is_model_file(folder / MODEL_FILE) or is_unfinished_run(folder)
            or is_model_file(folder / BEST_MODEL_FILE) or is_provenance_file(folder / PROVENANCE_FILE))


def training_kind(folder: str | Path) -> str:
    """``"retraining"`` when the run of ``folder``'s checkpoint was started with
    ``--overwrite`` over a finished run (its ``replaces_model``, that run model's SHA-256),
    else ``"training"``: a first training, or a checkpoint of a climann before 2 Dec 2026,
    which recorded none (verify23 F4: a first training was called a retraining)."""
    user = (npz_json(Path(folder) / CHECKPOINT_FILE, "header") or {}).get("user")
    return "retraining" if isinstance(user, dict) and isinstance(user.get("replaces_model"), str) else "training"


def describe_position(epoch: int, batch: int, *, batch_size: int | None) -> str:
    """Where a training state stands: ``"after epoch 3"``, ``"in epoch 4, after batch 120"``,
    or ``"in epoch 4, after round 2"`` when ``batch_size`` is 0 (a state of training in rounds,
    whose ``batch`` counts the epoch's rounds; :meth:`climann.model.state.TrainingState.describe`)."""
    if not batch:
        return f"after epoch {epoch}"
    return f"in epoch {epoch + 1}, after {'round' if batch_size == 0 else 'batch'} {batch}"


def interrupted_retraining(folder: str | Path) -> str | None:
    """The warning every command that reads a finished run gives when the run also holds
    climann's checkpoint, or None: ``train RUN --overwrite`` (``make demo``) stopped while it
    trained, or still training.

    A retraining writes only its checkpoint into the run directory until it is done; the new
    ``config.toml``, ``model.npz`` and the rest replace the old ones together when it finishes
    (:func:`climann.workflow.outputs.publish_run`). So the finished run there is still whole
    and consistent (its model with its own configuration) and is used, with this warning;
    ``climann train --resume RUN`` finishes the retraining, which then replaces it.

    Returns
    -------
    str or None
        ``"runs/demo also holds the checkpoint of a retraining that has not finished (in epoch
        8, after batch 432; interrupted, or still running): these are the results of the
        finished run it is to replace; finish the retraining with: climann train --resume
        runs/demo"``.
    """
    folder = Path(folder)
    if not (is_finished_run(folder) and is_unfinished_run(folder)):
        return None
    if is_published_checkpoint(folder):
        return (f"{folder} also holds the checkpoint of the {training_kind(folder)} that wrote this run (it was "
                f"stopped after the "
                f"run was in place, before it removed its checkpoint): the run is whole; remove the checkpoint with: "
                f"climann train --resume {shlex.quote(str(folder))}")
    header = npz_json(folder / CHECKPOINT_FILE, "header") or {}
    epoch, batch = header.get("epoch"), header.get("batch")
    where = ""
    if isinstance(epoch, int) and isinstance(batch, int):
        where = f"{describe_position(epoch, batch, batch_size=header.get('batch_size'))}; "
    return (f"{folder} also holds the checkpoint of a retraining that has not finished ({where}interrupted, or still "
            f"running): these are the results of the finished run it is to replace; finish the retraining with: "
            f"climann train --resume {folder}")


def publishing_model(folder: str | Path) -> str | None:
    """The SHA-256 of the ``model.npz`` that the run of ``folder``'s ``checkpoint.npz`` was
    publishing (``publishes_model``, written by
    :meth:`climann.workflow.checkpoints.Checkpointing.publish` just before its files go into
    place), or None: no checkpoint, or one that was not publishing (or of a climann before
    3 Dec 2026, which recorded none)."""
    user = (npz_json(Path(folder) / CHECKPOINT_FILE, "header") or {}).get("user")
    publishes = user.get("publishes_model") if isinstance(user, dict) else None
    return publishes if isinstance(publishes, str) else None


def holds_published_model(folder: str | Path) -> bool:
    """Whether the ``model.npz`` in ``folder`` is the one its checkpoint's run was publishing
    (:func:`publishing_model`): that run's own, placed by it, whether or not its other files
    followed (a run into a folder without a model places its ``model.npz`` first, as its
    claim on the folder: :func:`climann.workflow.outputs.publish_run`)."""
    publishes = publishing_model(folder)
    try:
        return publishes is not None and publishes == model_sha256(Path(folder) / MODEL_FILE)
    except OSError:
        return False


def is_published_checkpoint(folder: str | Path) -> bool:
    """Whether ``folder``'s ``checkpoint.npz`` is a leftover of the run finished there: the
    ``model.npz`` there is the one its run was publishing (:func:`holds_published_model`) and
    the run is whole, a finished run (``config.toml`` beside it) whose files all name that
    model (no :func:`mixed_run_files`). So a process killed after its last rename, before it
    removed the checkpoint, left its own run whole (verify22b F1). Killed before: False, also
    when its ``model.npz`` went first (into a folder without one, ``config.toml`` last after
    it) and is in place alone (verify22b F7): ``--resume`` finishes that run. Checkpoints of a
    climann before 3 Dec 2026 record no model: False."""
    folder = Path(folder)
    return holds_published_model(folder) and is_finished_run(folder) and not mixed_run_files(folder)


def finished_run_problem(folder: str | Path) -> str | None:
    """Why ``folder`` is not a finished climann run, as the start of a message, or None.

    Returns
    -------
    str or None
        ``"X does not exist"``, ``"X is a file, not a run directory"``, :func:`not_a_run`'s
        ``"X is not a climann run directory; it holds a, b, but no …"``, ``"X is an unfinished
        run (checkpoint.npz); finish it with: climann train --resume X"`` or ``"X is not a
        finished climann run: config.toml missing"``; the caller adds what to do.
    """
    folder = Path(folder)
    if not folder.exists():
        return f"{folder} does not exist"
    if not folder.is_dir():
        return f"{folder} is a file, not a run directory"
    if is_finished_run(folder):
        return None
    if (damaged := cut_short(folder)) is not None:
        return damaged
    if not is_run_directory(folder):
        return not_a_run(folder)
    if is_unfinished_run(folder):
        resume = f"climann train --resume {shlex.quote(str(folder))}"
        return f"{folder} is an unfinished run ({CHECKPOINT_FILE}); finish it with: {resume}"
    missing = [name for name in (CONFIG_FILE, MODEL_FILE) if not (folder / name).is_file()]
    if not missing:
        return f"{folder} is not a finished climann run: its {MODEL_FILE} was not written by climann"
    return f"{folder} is not a finished climann run: {', '.join(missing)} missing"


def not_a_run(folder: str | Path) -> str:
    """``"X is not a climann run directory; it holds a, b, c, but no model.npz, checkpoint.npz
    or provenance.json written by climann"`` (or ``"X is empty, …"``): the start of a refusal."""
    names = [entry.name for entry in Path(folder).iterdir()] if Path(folder).is_dir() else []
    if not names:
        return f"{folder} is empty, not a climann run directory"
    return (f"{folder} is not a climann run directory; it holds {few(names)}, but no {MODEL_FILE}, "
            f"{CHECKPOINT_FILE} or {PROVENANCE_FILE} written by climann")


def few(names: Iterable[str], limit: int = 3) -> str:
    """``"a, b, c and 2 more"``: the first ``limit`` of ``names`` in sorted order."""
    names = sorted(names)
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more
