"""Signals that end a command: SIGTERM and SIGHUP raise :class:`Terminated`, as SIGINT
raises ``KeyboardInterrupt``, so that every ``finally`` block runs and removes what the
command was writing (temporary files, staging directories).

SIGHUP is what a closed terminal or a dropped ssh session sends. Exit codes are 128 + the
signal's number, as shells report them: 129 (SIGHUP), 130 (SIGINT), 143 (SIGTERM).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from climann.errors import Interrupted
from climann.workflow.terminal import message_lines

#: The signals that stop a run with a checkpoint (see :mod:`climann.workflow.checkpoints`).
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


#: Where :func:`announce` sends a notice while a live display owns the terminal (the latest
#: entered by :func:`notices_to`); none: straight to stderr.
_notice_sinks: list[Callable[[str], None]] = []


def announce(message: str) -> None:
    """Tell the user ``message`` from a signal handler.

    A live progress display (:mod:`climann.workflow.progress`) redraws the lines it owns
    several times a second and would overdraw a line written among them: while one is live
    the notice goes to it (its sink only stores the text, which its own thread draws as a row
    above the bars). Otherwise it is written to stderr with ``os.write``, which takes no lock:
    a handler may run in the middle of another write to stderr; on a terminal wrapped between
    words (:func:`climann.workflow.terminal.message_lines`), and on a line of its own below the
    ``^C`` the terminal echoed; in a pipe or a log, whose lines are whole, without an empty
    line before it.
    """
    if _notice_sinks:
        _notice_sinks[-1](message)
    else:
        lines = "\n".join(message_lines(message, sys.stderr))
        below_the_echo = "\n" if os.isatty(2) else ""
        os.write(2, f"{below_the_echo}{lines}\n".encode())


@contextlib.contextmanager
def notices_to(sink: Callable[[str], None]) -> Iterator[None]:
    """Within the block, :func:`announce` calls ``sink(message)``; ``sink`` must not block or
    write (it runs inside a signal handler): storing the text is what it should do."""
    _notice_sinks.append(sink)
    try:
        yield
    finally:
        _notice_sinks.remove(sink)


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived (a ``BaseException``, like ``KeyboardInterrupt``, so that
    ``except Exception`` does not swallow it).

    Attributes
    ----------
    number : int
        The signal's number.
    """

    def __init__(self, number: int) -> None:
        super().__init__(signal.Signals(number).name)
        self.number = number


def signal_number(stopped: BaseException) -> int:
    """The signal behind ``KeyboardInterrupt`` (SIGINT) or :class:`Terminated`."""
    return stopped.number if isinstance(stopped, Terminated) else int(signal.SIGINT)


def interruption_behind(error: BaseException) -> BaseException | None:
    """The ``KeyboardInterrupt`` or :class:`Terminated` that ``error`` was raised from, if any.

    A signal that arrives while a compiled extension module is being imported raises its
    exception inside the module's initialisation, and extensions built with pybind11 (those
    of matplotlib among them) report any such failure as ``ImportError: initialization
    failed``, raised from it: the signal must still end the command as a signal does, not as
    an unexpected error. Follows ``__cause__`` and ``__context__``.
    """
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, KeyboardInterrupt | Terminated):
            return error
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return None


#: The signals whose :class:`Terminated` Python could not raise, by number (see :func:`take_lost_signal`).
_lost_signals: list[int] = []


def take_lost_signal() -> int | None:
    """The number of a SIGTERM or SIGHUP whose :class:`Terminated` was lost, else None;
    forgotten once taken (the caller raises it again).

    Python runs a signal's handler between any two bytecodes of the main thread, also inside
    a weak reference's callback or a ``__del__`` (importlib runs one as it releases a module's
    lock). An exception raised there cannot propagate: Python passes it to
    ``sys.unraisablehook`` and goes on, and the command would end as if no signal had come (a
    SIGTERM while the figures' modules were imported: exit 0). Within :func:`signals_raise`
    such a :class:`Terminated` is recorded instead of printed; the end of a run's evaluation
    (:meth:`climann.workflow.checkpoints.Checkpointing.after_training`) raises it again, and
    so does the end of the block, for any other command.
    """
    number = _lost_signals[-1] if _lost_signals else None
    _lost_signals.clear()
    return number


def raise_lost_signal() -> None:
    """Raise :class:`Terminated` again for the signal of :func:`take_lost_signal`, if any."""
    lost = take_lost_signal()
    if lost is not None:
        raise Terminated(lost)


@contextlib.contextmanager
def signals_raise() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP raise :class:`Terminated` (in the main thread,
    the only one where Python runs signal handlers; elsewhere the block runs unchanged).
    Handlers that are not the default ones (set by the caller) are left alone. A
    :class:`Terminated` that Python could not raise is kept for :func:`take_lost_signal`;
    one not taken by the end of the block is raised there: the command ends as the signal."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handle(number: int, frame: object) -> None:
        raise Terminated(number)

    previous = {}
    for number in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(number) in (signal.SIG_DFL, None):
            previous[number] = signal.signal(number, handle)
    if not previous:  # an enclosing block (or the caller) handles the signals
        yield
        return
    previous_hook = sys.unraisablehook

    def unraisable(report: object) -> None:
        value = getattr(report, "exc_value", None)
        if isinstance(value, Terminated):
            _lost_signals.append(value.number)
        else:
            previous_hook(report)

    sys.unraisablehook = unraisable
    try:
        yield
        raise_lost_signal()
    finally:
        sys.unraisablehook = previous_hook
        _lost_signals.clear()
        for number, handler in previous.items():
            signal.signal(number, handler if handler is not None else signal.SIG_DFL)


def _file_state(path: Path) -> tuple[int, int, int] | None:
    """Inode, modification time (ns) and size of ``path``; None when it does not exist. A file
    replaced by rename (as every output is written) has a new inode."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_ino, status.st_mtime_ns, status.st_size


@contextlib.contextmanager
def outputs_reported(paths: Sequence[Path]) -> Iterator[None]:
    """Within the block, SIGINT (``KeyboardInterrupt``), SIGTERM or SIGHUP (:class:`Terminated`)
    end it as :class:`~climann.errors.Interrupted`, whose one line says which of ``paths``
    (the files the command writes, each complete or absent) were written before the signal
    came, and that the others were not, an existing one untouched.

    Raises
    ------
    Interrupted
        With exit code 128 + the signal's number.
    """
    before = {Path(path): _file_state(Path(path)) for path in paths}
    try:
        yield
    except (KeyboardInterrupt, Terminated) as stopped:
        raise Interrupted(interruption_text(signal_number(stopped), before), exit_code=128 + signal_number(stopped)) \
            from None
    except Exception as error:  # a signal inside an import (see interruption_behind)
        stopped = interruption_behind(error)
        if stopped is None:
            raise
        raise Interrupted(interruption_text(signal_number(stopped), before), exit_code=128 + signal_number(stopped)) \
            from None


def interruption_text(number: int, before: dict[Path, tuple[int, int, int] | None]) -> str:
    """``interrupted by SIGINT; pred.nc was not written (the existing file is untouched)``,
    or ``interrupted by SIGINT after out/predictions.nc was written; out/metrics.json was
    not``: the outputs (``before``: their state when the command started, see
    :func:`outputs_reported`) as they are now."""
    written = [path for path, state in before.items() if _file_state(path) not in (None, state)]
    others = [path for path in before if path not in written]
    existing = [path for path in others if before[path] is not None]
    untouched = ("" if not existing else " (the existing file is untouched)" if len(others) == 1
                 else " (the existing files are untouched)" if existing == others
                 else f" ({_listed(existing)} {'is' if len(existing) == 1 else 'are'} untouched)")
    text = f"interrupted by {signal.Signals(number).name}"
    if written:
        text += f" after {_listed(written)} {'was' if len(written) == 1 else 'were'} written"
        return text + (f"; {_listed(others)} {'was' if len(others) == 1 else 'were'} not{untouched}" if others else "")
    return text + (f"; {_listed(others)} {'was' if len(others) == 1 else 'were'} not written{untouched}"
                   if others else "")


def _listed(paths: Sequence[Path]) -> str:
    names = [str(path) for path in paths]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
