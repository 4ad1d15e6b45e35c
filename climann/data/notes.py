"""Notes and warnings the data layer gives once per run.

A run opens its files several times (to choose the inputs, to read them, to evaluate), and the
data layer notes at each opening what it did to them (a coordinate in radians converted, an
axis sorted, a cyclic column dropped, a pre-1582 reference date read as CF says). Each such
line is said once per run: :func:`note_once` remembers it until :func:`forget_notes`, which
each run calls at its start (:func:`climann.workflow.runlog.capture_run_log`), so that a second
run in the same Python session records them in its own ``train.log`` too.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import os
import re
import threading
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from pathlib import Path

__all__ = ["forget_notes", "in_full", "kept_for_the_run", "note_once", "noted", "notes_grouped_by_file",
           "notes_in_full", "said_with", "say_with", "with_store_notes"]

_SAID: set[Hashable] = set()

#: Whether warnings give their long way out in full (:func:`notes_in_full`).
_IN_FULL: contextvars.ContextVar[bool] = contextvars.ContextVar("climann_notes_in_full", default=False)


@contextlib.contextmanager
def notes_in_full() -> Iterator[None]:
    """Within the block, warnings whose way out is a long command give it in full
    (:func:`in_full`): ``climann info``, where data are looked at once. Every run (``train``,
    ``evaluate``, ``predict``) warns in one short line that points to ``climann info`` and to
    ``train.log`` for it (break47a: ISIMIP's stamps at 00:00 without bounds were 900 characters
    on every run)."""
    token = _IN_FULL.set(True)
    try:
        yield
    finally:
        _IN_FULL.reset(token)


def in_full() -> bool:
    """Whether a warning's long way out is given in full (:func:`notes_in_full`)."""
    return _IN_FULL.get()


#: The warnings held while files are opened (:func:`notes_grouped_by_file`), one list per opening.
_HELD: list[list[tuple[logging.Logger, int, str]]] = []


def note_once(logger: logging.Logger, level: int, message: str | Callable[[], str | None], *,
              key: Hashable = None, by_file: bool = False) -> None:
    """Log ``message`` at ``level`` unless the same ``key`` (default: the message) was logged
    since the last :func:`forget_notes`. A callable ``message`` (with a ``key``) is called only
    when the note is said: a note that costs a read is computed once per run; one that returns
    None (the read found nothing to say) says nothing, and is not computed again. Warnings, and
    notes said of each file (``by_file``: a GlobSnow file's flag codes, said of 240 monthly
    files in 240 lines of ``train.log``, break55d A2), are grouped by file while files are
    opened (:func:`notes_grouped_by_file`)."""
    if callable(message) and key is None:
        raise TypeError("a message computed when said needs a key")
    key = message if key is None else key
    if key not in _SAID:
        _SAID.add(key)
        said = message() if callable(message) else message
        said = None if said is None else with_store_notes(said)
        if said is not None and _HELD and (level >= logging.WARNING or by_file):
            _HELD[-1].append((logger, level, said))  # said when the files are open, grouped by file
        elif said is not None:
            logger.log(level, "%s", said)


@contextlib.contextmanager
def notes_grouped_by_file(files: Sequence[str | os.PathLike], *, named: Callable[[Sequence[Path]], str]
                          ) -> Iterator[None]:
    """Hold the warnings :func:`note_once` gives while ``files`` are opened, and say them at the end
    with those that differ only in the file they are about said once: the first file's, then
    ``; the same in b.nc, c.nc and 13 more files``. Sixteen yearly MAR files, each with latitude
    and longitude in ``degrees``, gave sixteen identical warnings of 420 characters but for the
    file's name (break41d B4); every warning of one file (its name, its path in a command, its
    copy's ``_fixed`` name) is grouped so, whichever check gives it. Nested openings are grouped
    by the outermost. Warnings are said also when the block raises (before the refusal).

    Parameters
    ----------
    files : sequence of str or path-like
        The files being opened: a warning is taken as about the first of them whose name it
        starts with (``MAR-2001.nc: …``), else whose file stem it holds.
    named : callable
        The other files of a group as a message names them
        (:func:`climann.data.sources.files_text`: ``b.nc, c.nc and 13 more files``).
    """
    if _HELD:  # an opening within an opening: the outer one groups
        yield
        return
    _HELD.append([])
    try:
        yield
    finally:
        held = _HELD.pop()
        for logger, level, message in _grouped(held, [Path(file) for file in files], named):
            logger.log(level, "%s", message)


def _grouped(held: list[tuple[logging.Logger, int, str]], files: list[Path],
             named: Callable[[Sequence[Path]], str]) -> list[tuple[logging.Logger, int, str]]:
    """The ``held`` warnings, those alike but for their file (the file's stem in the message
    replaced) said once, in the order of the first of each, with the other files named."""
    by_name = {}
    for file in files:
        by_name.setdefault(file.name, file)
    groups: dict[tuple, list] = {}
    for logger, level, message in held:
        about = _file_of(message, files, by_name)
        key = (logger.name, level, _without_file(message, about) if about is not None else message)
        groups.setdefault(key, [logger, level, message, []])
        if about is not None and message != groups[key][2]:
            groups[key][3].append(about)
    return [(logger, level, f"{message}; the same in {named(others)}" if others else message)
            for logger, level, message, others in groups.values()]


def _without_file(message: str, file: Path) -> str:
    """``message`` with each mention of ``file`` (its name, its path, its copy's ``_fixed`` name: its
    stem where no letter, digit or space follows and none precedes it) made one mark. The stem
    replaced wherever it stood made the warnings of a.nc differ from b.nc's: the "a" of
    "latitude" went too (20 files named a.nc to t.nc gave 14 lines of one warning)."""
    return re.sub(rf"(?<![A-Za-z0-9]){re.escape(file.stem)}(?![A-Za-z0-9 ])", "\0", message)


def _file_of(message: str, files: list[Path], by_name: dict[str, Path]) -> Path | None:
    """The file of ``files`` a warning is about: the one whose name starts it (``a.nc: …``, looked
    up in ``by_name``), else the one with the longest stem (three characters or more) it holds;
    None for none."""
    start = message.split(": ", 1)[0]
    if start in by_name:
        return by_name[start]
    holding = [file for file in files if len(file.stem) >= 3 and file.stem in message]
    return max(holding, key=lambda file: len(file.stem)) if holding else None


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


#: The words to say beside a line of advice wherever a message holds it (the line → the words,
#: :func:`say_with`): a zarr-python line that changes a store in place, which attributes and their
#: values before, and the line that puts them back (:func:`~climann.data.shell.attribute_command`).
_SAID_WITH: dict[str, str] = {}
_SAID_WITH_LOCK = threading.Lock()


def say_with(line: str, words: str) -> None:
    """Have every message that holds ``line`` (a printed command) say ``words`` after it
    (:func:`with_store_notes`); the first words given for a line are kept (a store's attributes
    before its edit are read once, before the line can have run)."""
    with _SAID_WITH_LOCK:
        _SAID_WITH.setdefault(line, words)


def said_with(line: str) -> bool:
    """Whether :func:`say_with` was given words for ``line``."""
    with _SAID_WITH_LOCK:
        return line in _SAID_WITH


def with_store_notes(message: str) -> str:
    """``message`` with the words on each zarr-python line of
    :func:`~climann.data.shell.attribute_command` it holds added after the line (after its closing
    backtick, :func:`say_with`): that the line changes the store's own attributes in place, which
    and their values before, and the line that puts them back. A line that edited a store without
    saying so changed data climann did not create (fix53a). The words are added once: a message
    shown twice (its warning, then the terminal's line) is not given them again. Every message
    gets them where it is made, not only the terminal's line (fix54b: ``train.log``, a Python
    caller's log records and ``str(ClimannError)`` lacked them): :func:`note_once`, the
    :class:`~climann.errors.ClimannError` itself, ``train.log``'s lines.

    Parameters
    ----------
    message : str
        A refusal, warning or note as climann shows it.

    Returns
    -------
    str
        ``message``, each store's line followed by ``(this line changes the store's own attributes
        in place …: units of 'tas' ('degC' before); the line that puts them back: `python -c …`)``.
    """
    with _SAID_WITH_LOCK:
        notes = [(line, note) for line, note in _SAID_WITH.items() if line in message]
    for line, note in notes:
        pieces, position = [], 0
        while (found := message.find(line, position)) >= 0:
            end = found + len(line)
            end += message.startswith("`", end)
            added = f" ({note})"
            pieces.append(message[position:end] + ("" if message.startswith(added, end) else added))
            position = end
        message = "".join(pieces) + message[position:]
    return message
