"""Run the console script's entry point (:func:`climann.cli.main`) in this process, as a
subprocess would see it: exit code, stdout and stderr (file descriptors included, so that
what C libraries such as HDF5 print is seen), and every Python warning that the interpreter's
default filters would have printed on stderr. Starting a Python process that imports
climann's pipeline costs seconds; the tests of process behaviour (signals, the console script
itself) still run subprocesses.
"""

from __future__ import annotations

import sys
import warnings
from dataclasses import dataclass

from climann.cli import main

#: What a fresh interpreter ignores (the rest of its warnings are printed on stderr).
_IGNORED_BY_DEFAULT = (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning)


@dataclass(frozen=True)
class Finished:
    """What ``subprocess.run(..., capture_output=True, text=True)`` would give."""

    returncode: int
    stdout: str
    stderr: str


def run_main(*arguments: str, capfd, monkeypatch) -> Finished:
    """``climann ARGUMENTS`` through :func:`climann.cli.main` in this process.

    ``capfd`` and ``monkeypatch`` are the test's fixtures; the working directory is the
    test's (``monkeypatch.chdir`` it first where it matters).
    """
    capfd.readouterr()  # only this command's output
    monkeypatch.setattr(sys, "argv", ["climann", *map(str, arguments)])
    with warnings.catch_warnings(record=True) as caught:
        warnings.resetwarnings()  # the interpreter's defaults, not pytest's filters
        for category in _IGNORED_BY_DEFAULT:
            warnings.simplefilter("ignore", category)
        try:
            main()
            code = 0
        except SystemExit as exited:
            code = exited.code if isinstance(exited.code, int) else (0 if exited.code is None else 1)
    out, err = capfd.readouterr()
    shown = "".join(warnings.formatwarning(w.message, w.category, w.filename, w.lineno, w.line) for w in caught)
    return Finished(returncode=code, stdout=out, stderr=err + shown)
