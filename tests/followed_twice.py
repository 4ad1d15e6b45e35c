"""A printed line followed again with a file already under the name it writes (the user's, or
its own copy of the first time): the file is left as it is, byte for byte, the line says so on
stderr and ends with a non-zero status (never lose a user's file; break51a A3's kind)."""

from __future__ import annotations

import hashlib
import re
import shlex
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path


def md5(path: str | Path) -> str:
    return hashlib.md5(Path(path).read_bytes()).hexdigest()


def assert_left_as_it_is(target: str | Path, run: Callable[[], subprocess.CompletedProcess],
                         users_file: str | Path) -> None:
    """Put a copy of ``users_file`` (a NetCDF file other than the line's copy) at ``target``, run
    the line again (``run``; NCO's "overwrite?" answered "n", which exits 0), and check that
    ``target`` is unchanged and the line refused naming it."""
    target = Path(target)
    shutil.copyfile(users_file, target)
    before = md5(target)
    finished = run()
    assert md5(target) == before, f"{target.name} was written over: {finished.stderr}"
    assert finished.returncode != 0, finished
    assert f"{target.name} is there already: left as it is, nothing written" in finished.stderr, finished.stderr


#: The words climann's guards put before a line that writes a file (:func:`climann.data.shell.none_there`,
#: :func:`~climann.data.shell.none_there_in_loop`), as a regular expression: a test that finds a printed line
#: to run it takes them with it (``rf"`({GUARD}mkdir -p …)`"``).
GUARD = (r"(?:\{ \[ ! -e (?:(?!; \}; \} && ).)*; \}; \} && "
         r"|\( for f in (?:(?!; do ).)*?; do \[ ! -e (?:(?! \) && ).)*?; done \) && )*")


def without_guards(text: str) -> str:
    """``text`` without the guards before its lines (:data:`GUARD`), for a test of what a line does once:
    that the guards keep a file there is the test of each builder in tests/data/test_shell_followed_twice.py."""
    return re.sub(GUARD, "", text)


def one_copy(command: str, original: str | Path, folder: str | Path, after: str = "") -> str:
    """The line climann prints, without its guard (:func:`without_guards`), for a copy of ONE file
    (:func:`climann.data.shell.copies_of_files`): ``command`` on ``original`` and its copy under its own
    name in the new ``folder``, then the ``--data`` to give in its place (fix53a: every such line; a copy
    beside its original was taken with it by a glob over their folder, break52a A1). ``after``: the
    words on the other files of the folder, when it holds others."""
    copy = Path(folder) / Path(original).name
    return (f"mkdir -p {folder} && {command} {original} {copy} (its copy in a new folder), then give --data {copy} "
            f"in place of {original}{after}")


#: A printed line that corrects ONE file (:func:`one_copy`'s form, its guard kept): the command (the guard, the new
#: folder, the tool; without the backquotes around it), the folder, then the copy to give and the original it replaces,
#: as shell words.
ONE_COPY = re.compile(rf"(?P<command>{GUARD}mkdir -p (?P<folder>'[^']*'|\S+) && .*?)`? \(its copy in a new folder\), "
                      r"then give --data (?P<copy>'[^']*'|\S+) in place of (?P<original>'[^']*'|[^\s,;)]+)")


def run_one_copy(text: str, cwd: str | Path | None = None, env: dict[str, str] | None = None) -> dict[str, str]:
    """Run the first one-file line of ``text`` (:data:`ONE_COPY`) as printed, by bash in ``cwd`` (with
    ``env``), after checking that its folder is new; returns its ``command`` and its ``folder``, ``copy``
    and ``original`` as the shell reads them (unquoted)."""
    printed = ONE_COPY.search(text)
    assert printed is not None, text
    words = {key: shlex.split(value)[0] for key, value in printed.groupdict().items() if key != "command"}
    folder = Path(cwd or ".") / words["folder"]
    assert not folder.exists(), f"{folder} was there before the line"
    subprocess.run(["bash", "-c", printed["command"]], check=True, capture_output=True, cwd=cwd, env=env)
    return {"command": printed["command"], **words}
