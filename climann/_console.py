"""The ``climann`` console script: the command line's entry point, importing as little as it can
before a Ctrl-C is caught.

:func:`climann.cli.main` ends every command, and a signal inside its own imports, in one line.
The console script must first import :mod:`climann.cli` itself (typer, rich, click: about a
tenth of a second), and a Ctrl-C in that time reached Python's top level, which printed a
traceback. This module imports nothing heavy (the standard library and :mod:`climann.workflow.interrupts`),
so the window is the interpreter's own start. A Ctrl-C inside a compiled extension's import
arrives as an ``ImportError`` raised from it and is found as in :func:`climann.cli.main`.
"""

from __future__ import annotations

import importlib
import sys

from climann.workflow.interrupts import interruption_behind

#: 128 + SIGINT, the shell's code for a command ended by Ctrl-C (as :func:`climann.cli.main` gives).
EXIT_SIGINT = 130


def main() -> None:
    """Import the command line and run it; a Ctrl-C during the import is one line, exit code 130.

    Raises
    ------
    SystemExit
        With the command's exit code (130 after a Ctrl-C while starting).
    """
    try:
        cli = importlib.import_module("climann.cli")
    except (KeyboardInterrupt, ImportError) as error:
        if interruption_behind(error) is None:  # a broken installation: its traceback says what is missing
            raise
        sys.stderr.write("climann: interrupted by SIGINT while starting; nothing was read or written\n")
        raise SystemExit(EXIT_SIGINT) from None
    cli.main()
