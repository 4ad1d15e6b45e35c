"""Signals that end a command: SIGTERM and SIGHUP raise :class:`Terminated`, as SIGINT
raises ``KeyboardInterrupt``, so that every ``finally`` block runs and removes what the
command was writing (temporary files, staging directories).

SIGHUP is what a closed terminal or a dropped ssh session sends. Exit codes are 128 + the
signal's number, as shells report them: 129 (SIGHUP), 130 (SIGINT), 143 (SIGTERM).
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

#: The signals that stop a run with a checkpoint (see :mod:`climann.workflow.checkpoints`).
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


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


@contextlib.contextmanager
def signals_raise() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP raise :class:`Terminated` (in the main thread,
    the only one where Python runs signal handlers; elsewhere the block runs unchanged).
    Handlers that are not the default ones (set by the caller) are left alone."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handle(number: int, frame: object) -> None:
        raise Terminated(number)

    previous = {}
    for number in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(number) in (signal.SIG_DFL, None):
            previous[number] = signal.signal(number, handle)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler if handler is not None else signal.SIG_DFL)
