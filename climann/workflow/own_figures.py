"""Which figures are climann's: those carrying its mark, and, where climann drew before it
marked its figures, those it put there then.

Every figure climann has written since 1 Dec 2026 carries the PNG text chunk
``Software: climann <version>`` (:data:`climann.evaluation.figure_files.FIGURE_MARK`). A
figure without it, under one of climann's figure names in a place climann writes them (a run's
``figures/``, an ``explain`` or ``compare`` folder beside the ``importance.json`` or
``comparison.md`` climann wrote with it), is climann's only when that place was made before
the marking began: a run created after it (its ``provenance.json`` says when) drew every
figure with the mark, so an unmarked image there is a user's, however it is named, and no
command replaces it. A file that is not a PNG image is never a climann figure.

When a place was made is what its own files record: a run's ``provenance.json``
(``created``, UTC, written since 24 Nov 2026), else the first line of its ``train.log``
(local time); the ``importance.json`` or ``comparison.md`` of an ``explain`` or ``compare``
folder, which record no date, by their modification time. A run that records no date is
older than both records, and older than the mark.
"""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

from climann.run_files import PROVENANCE_FILE, is_provenance_file

__all__ = ["MARKING_BEGAN", "is_png_file", "made_before_marking", "run_created"]

#: When climann began to mark its figures: the commit that added the mark (6f6bd7e,
#: 2026-12-01 19:45:36 UTC; :data:`~climann.evaluation.figure_files.FIGURE_MARK_SINCE` is its day).
MARKING_BEGAN = datetime.datetime(2026, 12, 1, 19, 45, 36, tzinfo=datetime.UTC)
#: The first line of a ``train.log``: ``2026-12-02T10:48:30.536 climann 0.1.0: …`` (local time).
_RUN_LOG_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.\d+)? climann \S")
#: The eight bytes every PNG file begins with (PNG 1.2, section 3.1).
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def is_png_file(path: str | Path) -> bool:
    """Whether ``path`` is a file that begins with the PNG signature (what every figure climann
    wrote, marked or not, begins with); False for what cannot be read."""
    try:
        with open(path, "rb") as handle:
            return handle.read(len(_PNG_SIGNATURE)) == _PNG_SIGNATURE
    except OSError:
        return False


def _aware(moment: datetime.datetime) -> datetime.datetime:
    """``moment`` with its time zone; a naive one is local time (as :mod:`logging` writes it)."""
    return moment if moment.tzinfo is not None else moment.astimezone()


def run_created(run_dir: str | Path) -> datetime.datetime | None:
    """When the run in ``run_dir`` was created: ``created`` of its ``provenance.json``, else the
    time on the first line of its ``train.log``; None when neither says (a run of a climann from
    before both records)."""
    run_dir = Path(run_dir)
    provenance = run_dir / PROVENANCE_FILE
    if is_provenance_file(provenance):
        try:
            return _aware(datetime.datetime.fromisoformat(json.loads(provenance.read_text())["created"]))
        except (OSError, ValueError, KeyError, TypeError):
            pass
    try:
        with open(run_dir / "train.log", encoding="utf-8", errors="replace") as handle:
            match = _RUN_LOG_TIME.match(handle.readline(1000))
    except OSError:
        return None
    return _aware(datetime.datetime.fromisoformat(match[1])) if match else None


def made_before_marking(*, run_dir: str | Path | None = None, companion: str | Path | None = None) -> bool:
    """Whether a place of climann's figures was made before climann marked them
    (:data:`MARKING_BEGAN`), so that an unmarked figure there may be one climann drew.

    Parameters
    ----------
    run_dir : str or Path, optional
        A run directory, dated by :func:`run_created` (no date: made before).
    companion : str or Path, optional
        The file climann wrote with the figures of an ``explain`` or ``compare`` folder
        (``importance.json``, ``comparison.md``), dated by its modification time.

    Returns
    -------
    bool
    """
    if run_dir is not None:
        created = run_created(run_dir)
        return created is None or created < MARKING_BEGAN
    try:
        modified = datetime.datetime.fromtimestamp(Path(companion).stat().st_mtime, tz=datetime.UTC)
    except (OSError, TypeError):
        return False
    return modified < MARKING_BEGAN
