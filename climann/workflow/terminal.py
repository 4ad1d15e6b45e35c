"""Messages on the terminal: wrapped between words at its width there, one line each elsewhere.

Every warning, note, result line and error line of the command line is one message. Printed
as one long line on a terminal, the terminal itself breaks it at its last column, in the middle
of a word (``did y`` / ``ou mean 'tos'?``). On a terminal, :func:`say` therefore wraps a
message between words at the terminal's width, never inside a shell command
(:func:`climann.data.shell.wrapped_lines`); a command longer than the terminal's width is
broken at its spaces outside quotes, each of its lines but the last ending in a backslash, so
that the lines pasted into a shell are the one command (the terminal had broken it inside a
file name, break30b A6). Anywhere else (a pipe, a file, a test) a message
stays one line, whatever its length, so that ``grep`` finds it and a script compares it whole
(``climann: error: …`` is always one line there).

The live progress display (:class:`climann.workflow.progress.RichDisplay`) wraps its log lines
with the same :func:`climann.data.shell.wrapped_lines`, at its console's width. This module
imports only the standard library: an error line costs no import of rich.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence
from typing import TextIO

from climann.data.notes import with_store_notes
from climann.data.shell import wrapped_lines

#: ``TERM`` values of terminals that cannot move the cursor (as rich treats them): no wrapping.
DUMB_TERMINALS = ("dumb", "unknown")


def terminal_width(stream: TextIO) -> int | None:
    """The width in columns of the terminal that ``stream`` writes to; None when it is not a
    terminal (a pipe, a file, a test's capture, ``TERM=dumb``) or its width is unknown.

    ``COLUMNS``, when set to a positive integer, overrides the size the terminal reports (as
    :func:`shutil.get_terminal_size` and rich read it).

    Parameters
    ----------
    stream : text stream
        ``sys.stdout`` or ``sys.stderr`` (looked up when called: a test may have replaced it).

    Returns
    -------
    int or None
    """
    try:
        if not stream.isatty() or os.environ.get("TERM", "") in DUMB_TERMINALS:
            return None
        descriptor = stream.fileno()
    except (AttributeError, OSError, ValueError):  # a stream without a file descriptor
        return None
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        return os.get_terminal_size(descriptor).columns or None
    except OSError:
        return None


def message_lines(message: str, stream: TextIO, *, whole: Sequence[str] = ()) -> list[str]:
    """The lines that show ``message`` on ``stream``: wrapped between words (never inside a
    shell command, nor inside a phrase of ``whole``) at the terminal's width on a terminal,
    a command longer than that width continued on the next lines with a backslash
    (:func:`climann.data.shell.continued_command`); else ``message`` itself as one line. A
    zarr-python line that edits a store in place is followed by the words that say so and the
    line that puts the attributes back (:func:`climann.data.notes.with_store_notes`).

    Parameters
    ----------
    message : str
        One message, e.g. ``"climann: warning: …"``.
    stream : text stream
        Where it will be written.
    whole : sequence of str
        Phrases of ``message`` never split across lines, e.g. a table title's units
        ``(kg m-2 s-1)²`` (:func:`climann.data.shell.wrapped_lines`).

    Returns
    -------
    list of str
        The lines, without line breaks.
    """
    message = with_store_notes(message)  # a Zarr store's edit in place: said so, with the line that undoes it
    width = terminal_width(stream)
    return [message] if width is None else wrapped_lines(message, width, whole=whole, continued=True)


def say(message: str, *, err: bool = False, whole: Sequence[str] = ()) -> None:
    """Print ``message`` on stdout (``err=True``: stderr) as :func:`message_lines` shows it.

    Parameters
    ----------
    message : str
        One warning, note, result or error line.
    err : bool
        Write to stderr (warnings, notes, errors) instead of stdout (results).
    whole : sequence of str
        Phrases never split across lines on a terminal (a title's units).
    """
    stream = sys.stderr if err else sys.stdout
    print("\n".join(message_lines(message, stream, whole=whole)), file=stream, flush=True)


#: The ``--data`` advice of the data layer in the words of ``climann info``, which takes its
#: files as positional paths (break44d A7: "then give --data A --data B in place of the --data
#: given", followed, gave "No such option: --data"): the pattern and its replacement, in order.
_POSITIONAL_WORDS = (
    (re.compile(r"\b(give|then) --data (\S+(?: (?:and )?--data \S+)*)"),
     lambda match: f"{match.group(1)} " + re.sub(r"(^| (?:and )?)--data ", r"\1", match.group(2))),
    # "with the other files of d given as before (--data a.nc --data b.nc)" (break46b A4)
    (re.compile(r"\bgiven as before \((--data \S+(?: --data \S+)*)\)"),
     lambda match: "given as before (" + re.sub(r"(^| )--data ", r"\1", match.group(1)) + ")"),
    (re.compile(r"\bthe --data given\b"), lambda match: "the paths given"),
    # "give a longer series (several files: --data 'folder/*.nc')", info's reason for no config (fix53h)
    (re.compile(r"\b(several files:) --data\b"), lambda match: match.group(1)),
    (re.compile(r"\b(a|one) --data\b"), lambda match: f"{match.group(1)} path"),
    (re.compile(r"\bto --data\b"), lambda match: "to info"),
    (re.compile(r"\bin --data\b"), lambda match: "among the paths given"),
)


def with_positional_paths(message: str) -> str:
    """``message`` (a refusal, warning or advice of the data layer, written for ``train
    --data``) in the words of a command that takes its files as positional paths (``climann
    info A.nc B.nc``): ``give --data A --data B`` → ``give A B``, ``the --data given`` → ``the
    paths given``, ``a --data that …`` → ``a path that …``, ``to --data`` → ``to info``, ``in
    --data`` → ``among the paths given``. A ``--data`` of another command's line (``climann
    evaluate RUN --data FILE``) is kept.

    Examples
    --------
    >>> with_positional_paths("then give --data a.nc --data b/c.nc in place of the --data given")
    'then give a.nc b/c.nc in place of the paths given'
    >>> with_positional_paths("with the other files of d given as before (--data d/a.nc --data d/b.nc)")
    'with the other files of d given as before (d/a.nc d/b.nc)'
    >>> with_positional_paths("give a longer series (several files: --data 'folder/*.nc')")
    "give a longer series (several files: 'folder/*.nc')"
    >>> with_positional_paths("score it with `climann evaluate run --data x.nc`")
    'score it with `climann evaluate run --data x.nc`'
    """
    for pattern, replacement in _POSITIONAL_WORDS:
        message = pattern.sub(replacement, message)
    return message
