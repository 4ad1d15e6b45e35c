"""Notes and warnings the data layer gives once per run.

A run opens its files several times (to choose the inputs, to read them, to evaluate), and the
data layer notes at each opening what it did to them (a coordinate in radians converted, an
axis sorted, a cyclic column dropped, a pre-1582 reference date read as CF says). Each such
line is said once per run: :func:`note_once` remembers it until :func:`forget_notes`, which
each run calls at its start (:func:`climann.workflow.runlog.capture_run_log`), so that a second
run in the same Python session records them in its own ``train.log`` too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable, Iterable

__all__ = ["forget_notes", "kept_for_the_run", "note_once", "noted"]

_SAID: set[Hashable] = set()


def note_once(logger: logging.Logger, level: int, message: str | Callable[[], str | None], *,
              key: Hashable = None) -> None:
    """Log ``message`` at ``level`` unless the same ``key`` (default: the message) was logged
    since the last :func:`forget_notes`. A callable ``message`` (with a ``key``) is called only
    when the note is said: a note that costs a read is computed once per run; one that returns
    None (the read found nothing to say) says nothing, and is not computed again."""
    if callable(message) and key is None:
        raise TypeError("a message computed when said needs a key")
    key = message if key is None else key
    if key not in _SAID:
        _SAID.add(key)
        said = message() if callable(message) else message
        if said is not None:
            logger.log(level, "%s", said)


def noted(key: Hashable) -> bool:
    """Whether the note of ``key`` was said (or found nothing to say) since the last
    :func:`forget_notes`: a note that costs a read need not be computed again."""
    return key in _SAID


#: What else the data layer keeps for one run (files opened once), emptied with the notes.
_KEPT_FOR_THE_RUN: list[Callable[[], None]] = []


def kept_for_the_run(clear: Callable[[], None]) -> None:
    """Have :func:`forget_notes` call ``clear``: what the data layer keeps for one run (each file
    as opened, :func:`climann.data.open.open_dataset`) is forgotten with the notes it said when
    it was made, so that a new run makes it again and says them into its own log."""
    _KEPT_FOR_THE_RUN.append(clear)


def forget_notes() -> None:
    """Start a new run: every note may be said again, and what was kept for the last run
    (:func:`kept_for_the_run`) is made again."""
    _SAID.clear()
    for clear in _KEPT_FOR_THE_RUN:
        clear()


def unsaid_records(dataset: object, names: Iterable[str], key: str, topic: str) -> dict[str, object]:
    """The records that opening left in the ``encoding`` of variables ``names`` of ``dataset``
    under ``key`` (what a mask removed, for a warning said later, once the run checks its
    inputs), by variable, leaving out those whose note on ``topic`` was said already; each
    variable once, in the order given."""
    chosen = {}
    for name in dict.fromkeys(names):
        found = dataset[name].encoding.get(key) if name in dataset.data_vars else None
        if found is not None and not noted((topic, name)):
            chosen[name] = found
    return chosen
