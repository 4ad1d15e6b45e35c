"""Files named in the shell commands that climann gives as advice (``ncatted``, ``ncks``,
``cdo`` …), so that a command can be pasted and run as printed.

climann works on absolute paths (see :func:`climann.data.open.expand_paths`); a command names
a file relative to the working folder when the file is inside it, as the user most often gave
it, and by its absolute path otherwise, quoted for a POSIX shell by :func:`shlex.quote`
(``'my data/iri.nc'``). A relative name that begins with ``-`` is written ``./-lead.nc``, so
that the command does not read it as an option (POSIX utility syntax guidelines: an argument
that begins with ``-`` is an option).

A corrected copy is written beside its input (``'my data/iri_fixed.nc'``), named after it so
that it is never the input itself, nor a file that is already there (``iri_fixed_2.nc`` when
``iri_fixed.nc`` exists): the command never overwrites a file, whatever the tool does with an
existing output (NCO asks, CDO replaces it), and leaves nothing in an unexpected folder. Nor
is it a copy another message of the same command named already (:func:`copies_said_once`:
two warnings of one run, a ``_FillValue`` line and a land-mask line, each name their own copy,
``x_fixed.nc`` and ``x_fixed_2.nc``, rerun37 N5; the second reads the first's copy, so that the
two, run in order, end in one copy holding both fixes, fix38d). A
copy of such a copy, when a second advice is followed on ``iri_fixed.nc``, is numbered
(``iri_fixed_2.nc``) rather than named ``iri_fixed_fixed.nc``.

A command names the file's own variables, not climann's names for them: cfgrib's valid time
``valid_time(time)`` becomes climann's time axis ``time`` (see
:mod:`climann.data.forecast_times`), which records the file's names (:func:`file_time_names`).
"""

from __future__ import annotations

import contextlib
import contextvars
import glob
import os
import re
import shlex
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from climann.data.enum_files import enum_variables, holds_enum_types
from climann.data.notes import said_with, say_with
from climann.data.paths import GRIB_FILE_SUFFIXES, NETCDF_SUFFIXES, is_grib_file, is_zarr_store

if TYPE_CHECKING:
    import xarray as xr

#: The key, in the ``encoding`` of the time coordinate made from a forecast's valid or
#: reference time, of the file's own names of that variable and of its dimension
#: (``("valid_time", "time")`` in cfgrib's layout): advice that changes the file names them
#: (:func:`file_time_names`). Encoding, not attributes: it describes the file read, and
#: xarray does not write keys it does not know into an output file.
FILE_TIME_NAMES_KEY = "climann_file_time_names"


def file_time_names(time: xr.DataArray) -> tuple[str, str]:
    """The names, in the file read, of the variable that became the time coordinate ``time``
    and of its dimension: ``("valid_time", "time")`` for cfgrib's ``valid_time(time)``
    renamed ``time`` by :func:`climann.data.forecast_times.on_valid_time`;
    ``(time.name, time.dims[0])`` for a time read as it is stored.

    Parameters
    ----------
    time : xarray.DataArray, shape (n_time,)
        A time coordinate of an opened dataset.

    Returns
    -------
    tuple of str
        The variable's name and its dimension's, as a command on the file (``ncap2``,
        ``ncatted``) must give them.
    """
    variable, dimension = time.encoding.get(FILE_TIME_NAMES_KEY, (time.name, time.dims[0]))
    return str(variable), str(dimension)


def with_file_time_names(dataset: xr.Dataset, coordinate: str, variable: str, dimension: str) -> xr.Dataset:
    """``dataset`` whose time coordinate ``coordinate`` records (:data:`FILE_TIME_NAMES_KEY`)
    that it is the file's ``variable`` on its dimension ``dimension``, unless it records
    already the names of the file (a coordinate renamed twice); a copy of the coordinate,
    the input's untouched."""
    recorded = dataset[coordinate].variable.copy(deep=False)
    recorded.encoding = {FILE_TIME_NAMES_KEY: (variable, dimension), **recorded.encoding}
    return dataset.assign_coords({coordinate: recorded})


def working_path(path: str | os.PathLike) -> str:
    """``path`` as the user reaches it: relative to the working folder when it is inside it
    (``./-lead.nc`` for a name that begins with ``-``, read as an option otherwise), else
    absolute (unquoted: for Python code in a message, ``to_netcdf('my data/x.nc')``)."""
    absolute = Path(os.path.abspath(path))
    for base, full in ((Path.cwd(), absolute), (Path.cwd().resolve(), absolute.resolve())):
        if full.is_relative_to(base):
            relative = str(full.relative_to(base))
            return f"./{relative}" if relative.startswith("-") else relative
    return str(absolute)


def shown_path(path: str | os.PathLike) -> str:
    """``path`` as a shell argument: :func:`working_path`, quoted with :func:`shlex.quote` when
    it needs to be (``'my data/x.nc'``)."""
    return shlex.quote(working_path(path))


def copy_path(path: str | os.PathLike, suffix: str = "fixed", extension: str = ".nc", *,
              renumber: bool = True) -> Path:
    """The file a command writes beside ``path``, named after it (``iri_fixed.nc`` for
    ``iri.nc``), with ``_2``, ``_3`` … added while that name is taken: never ``path`` itself
    nor any existing file. A copy of such a copy (a second advice followed on ``iri_fixed.nc``)
    is numbered, ``iri_fixed_2.nc``, not stacked (``iri_fixed_fixed.nc``, fix36b).

    Parameters
    ----------
    path : str or PathLike
        The command's input.
    suffix : str
        Says what the copy holds (``fixed``, ``monthly``, a group's name).
    extension : str
        The copy's extension, with its dot.
    renumber : bool
        Whether a name that ends in ``suffix`` is read as such a copy. False for a part of a file
        named by what it holds: ``ens_cf_pf.grib2``'s ``dataType = pf`` is ``ens_cf_pf_pf.grib2``,
        not ``ens_cf_pf_2.grib2`` (break42c B3).
    """
    path = Path(path)
    numbered = r"(?:_[0-9]+)?" if renumber else r"_[0-9]+"
    stem = f"{re.sub(rf'_{re.escape(suffix)}{numbered}$', '', path.stem)}_{suffix}"
    candidate, number = path.with_name(f"{stem}{extension}"), 2
    while os.path.lexists(candidate) or candidate == path:
        candidate, number = path.with_name(f"{stem}_{number}{extension}"), number + 1
    _handed_out(candidate, path)
    return candidate


class CopyNames:
    """The copies :func:`copy_path` (and :func:`copies_of_files`' folders) named while
    :func:`copies_said_once` runs, which message shown first named each, and the original each
    copies: a later, different message naming the same copy is shown with a new name for it,
    and its commands that write a copy of an original an earlier message's command copies read
    that earlier copy instead (:meth:`shown`)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.handed: dict[str, None] = {}  # absolute paths, in the order handed out
        self.original: dict[str, str] = {}  # copy (absolute path) → the file or folder it copies
        self.owner: dict[str, str] = {}  # copy (absolute path) → the message shown first that names it
        # original → (its last copy shown, that message, the file its command reads, how many fixes the copy holds)
        self.latest: dict[str, tuple[str, str, str, int]] = {}
        self.shown_as: dict[str, str] = {}  # a message → as shown (the same again: the same words)
        # a file → (variable, attribute) → (ncatted type, values) that a message's ncatted set on its copy
        self.advised: dict[str, dict[tuple[str, str], tuple[str, list[str]]]] = {}
        # a folder of ONE file's copy (copies_of_files) → the files whose copy a message built puts there, the latest
        # last (absolute paths): chained by the file the shown message copies (two messages on two files of one folder
        # name the same folder until shown; fix56a: the first was chained as the second's file's)
        self.one_file: dict[str, list[str]] = {}
        # a folder of copies (absolute path) → the names of the files its command copies into it
        self.held: dict[str, frozenset[str]] = {}

    def shown(self, message: str) -> str:
        """``message`` with each copy it names that an earlier, different message named already
        renamed to a copy of its own (``x_fixed_2.nc``: :func:`copy_path`'s numbering, skipping
        files there and copies named), and chained: the command that writes it reads the copy of
        the same original that the earlier message's command writes (``ncatted … x_fixed.nc
        x_fixed_2.nc``, not ``… x.nc x_fixed_2.nc``), and the message says to run that one
        first. Two fixes of one file, each followed as printed, then end in one copy holding
        both (fix38d: each wrote its own copy of the original, one fix in each). The same
        message again is shown as it was the first time."""
        with self.lock:
            if message in self.shown_as:
                return self.shown_as[message]
            text, chained = message, []
            before = dict(self.latest)  # a message writing two copies of one file chains both (break43d A5)
            # the copies the message itself names, each renamed first: a chain below makes a command read an
            # earlier message's copy, whose name is then no copy of this message to rename (break54b A1: the
            # units line read 'time_cells_joined_2/x.nc' while the line before wrote 'time_cells_joined/x.nc')
            named = [path for path in self.handed if _word(os.path.basename(path)).search(message)]
            renamed = {}
            for path in named:
                owner, renamed[path] = self.owner.setdefault(path, message), path
                if owner != message:
                    renamed[path] = copy = self._free(path)
                    self.owner[copy] = message
                    text = _word(os.path.basename(path)).sub(lambda _, copy=copy: os.path.basename(copy), text)
            for path in named:
                copy = renamed[path]
                original = self.original.get(path)
                if path in self.one_file:  # one file's copy in its folder: a copy of that file, not of the folder
                    original = _one_file_copied(self.one_file[path], path, message)
                    copy = os.path.join(copy, os.path.basename(original))
                if original is None:
                    continue
                earlier = before.get(original)
                reads, fixes = original, 1
                if earlier is not None and earlier[1] != message:
                    held = self.held.get(earlier[0])
                    chained_text = _chained(text, original, earlier[0], copy, held)
                    if chained_text == text:
                        continue  # no command of it reads the original: the chain goes on from the earlier copy
                    some = _partly_copied(text, held) if os.path.isdir(original) else False
                    text = chained_text
                    reads, fixes = earlier[0], earlier[3] + 1
                    chained.append((earlier[0], earlier[2], copy, fixes, some))
                self.latest[original] = (copy, message, reads, fixes)
            text = _earlier_copies_given(text, message, before)
            grouped: dict[tuple[str, str, int, bool], list[str]] = {}
            for earlier, read, copy, fixes, some in chained:
                grouped.setdefault((earlier, read, fixes, some), []).append(copy)
            for (earlier, read, fixes, some), copies in grouped.items():
                told = _told([earlier, read, *copies])  # names: the lines give the paths
                names, written = told[:2], " and ".join(told[2:])
                these, hold = ("these read", "hold") if len(copies) > 1 else ("this reads", "holds")
                if some:  # the earlier line copied some of the files: the others are read where they are
                    text += (f" ({these} each file from {names[0]} where the line shown before writes its copy "
                             f"(from {names[1]}), else from {names[1]}: run that one first; {written} then {hold} "
                             f"every file, with {_fixes_held(fixes)} where both apply)")
                    continue
                text += (f" ({these} {names[0]}, which the line shown before writes from {names[1]}: run that one "
                         f"first; {written} then {hold} {_fixes_held(fixes)})")
            self.shown_as[message] = text
            return text

    def _free(self, path: str) -> str:
        stem, extension = os.path.splitext(path)
        stem = re.sub(r"_[0-9]+$", "", stem)
        number = 2
        while (candidate := f"{stem}_{number}{extension}") in self.owner or os.path.lexists(candidate):
            number += 1
        return candidate


def note_advised_marks(files: str, edits: Sequence[str]) -> None:
    """Record the fill attributes (``_FillValue``, ``missing_value``) that the ``ncatted`` of a
    message writes (``edits``, its ``-a`` words, mode ``o`` or ``c``) on the copy of the input of
    ``files`` (``IN OUT``), while :func:`copies_said_once` runs: a later message's command, chained
    to read that copy (:meth:`CopyNames.shown`), then keeps that choice (:func:`advised_marks`)
    instead of deleting what the earlier line set (rerun41 R7: ERA5's ``licd``)."""
    copies = _copies[-1] if _copies else None
    if copies is None or not files.strip():
        return
    original = os.path.abspath(shlex.split(files)[0])
    for edit in edits:
        words = shlex.split(edit)
        if len(words) != 2 or words[0] != "-a":
            continue
        parts = words[1].split(",", 4)
        if len(parts) == 5 and parts[0] in ("_FillValue", "missing_value") and parts[2] in ("o", "c"):
            with copies.lock:
                copies.advised.setdefault(original, {})[(parts[1], parts[0])] = (parts[3], parts[4].split(","))


def advised_marks(file: str | os.PathLike, variable: str) -> dict[str, tuple[str, list[str]]]:
    """The fill attributes of ``variable`` that an earlier message's ``ncatted`` set on its copy of
    ``file`` (:func:`note_advised_marks`), by attribute: (ncatted type, values as written); empty
    when none, or outside :func:`copies_said_once`."""
    copies = _copies[-1] if _copies else None
    if copies is None:
        return {}
    with copies.lock:
        held = copies.advised.get(os.path.abspath(file), {})
        return {attribute: marks for (name, attribute), marks in held.items() if name == variable}


def _told(paths: Sequence[str]) -> list[str]:
    """``paths`` as the note of a chain names them (:meth:`CopyNames.shown`): their names, which the
    lines give with their folders; as the user reaches them (:func:`working_path`) when two have one
    name (one file's copy in a new folder, ``units_fixed/x.nc``, and ``x.nc`` itself)."""
    names = [os.path.basename(path) for path in paths]
    alike = len(set(names)) < len({os.path.abspath(path) for path in paths})
    return [working_path(path) for path in paths] if alike else names


def _fixes_held(count: int) -> str:
    """What the last copy of a chain of ``count`` lines (each reading the copy the one before
    writes) holds: "both fixes", "all three fixes", "every fix of the 4 lines" (rerun38 N9: a
    third copy was said to hold "both")."""
    return {2: "both fixes", 3: "all three fixes"}.get(count, f"every fix of the {count} lines")


_copies: list[CopyNames] = []  # a stack: the innermost copies_said_once's


def _handed_out(candidate: Path, original: str | os.PathLike | None = None) -> None:
    copies = _copies[-1] if _copies else None
    if copies is not None:
        with copies.lock:
            copies.handed[os.path.abspath(candidate)] = None
            if original is not None:
                copies.original[os.path.abspath(candidate)] = os.path.abspath(original)


def _word(name: str) -> re.Pattern:
    """``name`` as a whole word of a message: a shell word or a Python string's, not part of a longer name."""
    return re.compile(rf"(?<![\w.-]){re.escape(name)}(?![\w.-])")


#: The interpreter of a printed Python line (:func:`advised_python`) in a pattern: its path (quoted
#: when it holds a character special to the shell), or a bare ``python`` or ``python3``.
_PYTHON_WORD = r"(?:'[^']*/python3?'|(?:[^\s'\"`]*/)?python3?)"

#: Where a command that may read a copy's original begins (:func:`_chained`).
_READING_COMMAND_START = re.compile(
    rf"(?<![\w.-])(?:ncatted|ncks|ncrename|ncap2|ncpdq|cdo|{_PYTHON_WORD} -c|mkdir -p) ")


def _chained(text: str, original: str, earlier: str, copy: str, held: frozenset[str] | None = None) -> str:
    """``text`` whose commands that write ``copy`` read ``earlier`` (an earlier command's copy
    of ``original``) in place of ``original``: a file's name in those commands
    (``ncatted … x.nc x_fixed_2.nc``, ``xr.open_dataset("x.nc")``), or, for a folder of copies
    (:func:`copies_of_files`), the files of the loop (``for f in d/*.nc`` → ``for f in
    d/units_fixed/*.nc``); when the earlier folder holds copies of some of the loop's files
    only (``held``: their names, :func:`_partly_copied`), each file from it where its copy is
    and from ``original`` otherwise (:func:`_reading`). Unchanged when no command writing
    ``copy`` reads ``original``."""
    if os.path.isdir(original) and _partly_copied(text, held):
        return _reading_copies_where_there(text, earlier, copy)
    copy_word, spans = _word(os.path.basename(copy)), []
    for match in _READING_COMMAND_START.finditer(text):
        end = _command_end(text, match.start())
        if copy_word.search(text, match.start(), end):
            spans.append((match.start(), end))
    if not spans:
        return text
    pieces, position = [], 0
    for start, end in spans:
        if start < position:
            continue
        pieces.append(text[position:start])
        pieces.append(_reading(text[start:end], original, earlier, copy))
        position = end
    return "".join(pieces) + text[position:]


def _reading_copies_where_there(text: str, earlier: str, copy: str) -> str:
    """``text`` whose loops writing into the folder ``copy`` read each file from the folder
    ``earlier`` where an earlier line wrote its copy, else the file itself (:func:`_chained`):
    looped over ``earlier``'s files alone, the second of two lines kept the 3 files the first had
    copied of NEMO's 10 yearly files, and said "each of its 10 files" (break53a A2)."""
    copied = f'{shown_path(earlier)}/"${{f##*/}}"'
    return re.sub(rf"(mkdir -p {re.escape(shown_path(copy))} && \( for f in .*?; do )",
                  lambda loop: f"{loop.group(1)}if [ -e {copied} ]; then f={copied}; fi; ", text, flags=re.S)


def _reading(command: str, original: str, earlier: str, copy: str) -> str:
    """One command (:func:`_chained`) reading ``earlier`` in place of ``original``."""
    if os.path.isdir(original):  # a folder's copies: the loop's files, not its command's words
        loop = re.match(r"(mkdir -p \S+ && \( for f in )(.*?)(; do|$)", command, flags=re.S)
        if loop is None:
            return command
        files = []
        for listed in shlex.split(loop.group(2)):
            name = os.path.basename(listed)
            files.append(f"{shown_path(earlier)}/{name}" if "*" in name else shown_path(Path(earlier) / name))
        return f"{loop.group(1)}{' '.join(files)}{command[loop.end(2):]}"
    if {os.path.dirname(os.path.abspath(path)) for path in (earlier, copy)} == {os.path.dirname(original)}:
        return _word(os.path.basename(original)).sub(lambda _: os.path.basename(earlier), command)
    # a copy in a new folder (copies_of_files' one file) has its original's name: the original's whole path
    # read, as a shell word or a Python string, not the name, which the copy's path ends in too
    for old, new in ((shown_path(original), shown_path(earlier)), (working_path(original), working_path(earlier))):
        command = re.sub(rf"(?<![\w./-]){re.escape(old)}(?![\w./-])", lambda _, new=new: new, command)
    return command


def _note_one_file(copies: CopyNames, folder: Path, file: str | os.PathLike) -> None:
    """Record ``file`` as the one file whose copy a line puts into ``folder`` (:attr:`CopyNames.one_file`)."""
    files = copies.one_file.setdefault(os.path.abspath(folder), [])
    if os.path.abspath(file) in files:
        files.remove(os.path.abspath(file))
    files.append(os.path.abspath(file))


def _one_file_copied(files: Sequence[str], folder: str, message: str) -> str:
    """Which of ``files`` (:attr:`CopyNames.one_file` of ``folder``) ``message`` copies into ``folder``: the latest
    whose copy there it names (``units_fixed/a.nc``), else the latest."""
    named = [file for file in files if f"{os.path.basename(folder)}/{copy_name(file)}" in message]
    return (named or list(files))[-1]


def _earlier_copies_given(text: str, message: str, before: Mapping[str, tuple[str, str, str, int]]) -> str:
    """``text`` (``message`` as shown so far) with each ``--data FILE`` it says to give, of a file an
    earlier, different message's line copies (``before``: :attr:`CopyNames.latest`), naming that
    copy instead, said so: a second one-file line's "other files of the folder given as before
    (--data a.nc)" contradicted the first's "give --data units_fixed/a.nc in place of a.nc", and the
    run given both said's files read a.nc's uncorrected values again (fix56a). A folder's copies
    (an original that is a folder) are not named so: a glob of the others cannot be split."""
    noted = []
    for original, (copy, owner, _, _) in before.items():
        if owner == message or os.path.isdir(original) or not os.path.lexists(original):
            continue
        given = re.compile(rf"--data {re.escape(shown_path(original))}(?=[\s),;]|$)")
        if given.search(text):
            text = given.sub(lambda _, copy=copy: f"--data {shown_path(copy)}", text)
            noted.append((working_path(copy), working_path(original)))
    for copy, original in noted:
        text += f" ({copy}: the copy of {original} that a line shown before writes, given in its place)"
    return text


def _partly_copied(text: str, held: frozenset[str] | None) -> bool:
    """Whether the files of the loops of ``text`` (``for f in LISTED; do``, globs expanded from the
    working directory) include any whose name is not among ``held``, the files an earlier line
    copies into its folder (:attr:`CopyNames.held`); False when ``held`` is not known."""
    if held is None:
        return False
    for loop in re.finditer(r"mkdir -p \S+ && \( for f in (.*?); do", text, flags=re.S):
        for word in shlex.split(loop.group(1)):
            names = [os.path.basename(found) for found in glob.glob(word)] if "*" in word else [os.path.basename(word)]
            if any(name not in held for name in names):
                return True
    return False


@contextlib.contextmanager
def copies_said_once() -> Iterator[CopyNames]:
    """While the block runs, each message shown through the yielded :meth:`CopyNames.shown`
    names copies of its own: a copy another message of the same command named already is
    renamed (rerun37 N5: a ``_FillValue`` ``ncatted`` line and a land-mask ``xarray`` line, two
    warnings of one run, both wrote ``x_fixed.nc``; NCO asked to overwrite it, xarray replaced
    it, one fix lost; now the second writes ``x_fixed_2.nc``), and reads the first's copy
    (fix38d: each fix wrote its own copy of the original, one fix in each; now the two lines,
    run in order as printed, end in one copy holding both, and the second says to run the
    first before it). A refusal (:class:`~climann.errors.ClimannError`) raised out of the block
    is renamed and chained likewise.
    """
    from climann.errors import ClimannError

    copies = CopyNames()
    _copies.append(copies)
    try:
        yield copies
    except ClimannError as error:
        if len(error.args) == 1 and isinstance(error.args[0], str):
            error.args = (copies.shown(error.args[0]),)
        raise
    finally:
        _copies.remove(copies)


#: A copy :func:`copy_path` numbered because its first name was taken (``iri_fixed_2.nc``), as a
#: shell word of a message, quoted (``'my data/iri_fixed_2.nc'``) or not.
_NUMBERED_COPY = re.compile(r"'(?P<quoted>[^']+_[A-Za-z0-9]+)_\d+(?P<qext>\.[A-Za-z0-9]+)'"
                            r"|(?P<plain>[^\s'\"`()]+_[A-Za-z0-9]+)_\d+(?P<ext>\.[A-Za-z0-9]+)")


def new_folder(parent: str | os.PathLike, name: str) -> Path:
    """A folder inside ``parent`` for the copies a command writes (``with_bounds``), with
    ``_2``, ``_3`` … added while that name is taken by anything but an empty folder (:func:`_empty_folder`,
    left by an advised line that failed): the command writes into nothing that is already there, and the
    copies are apart from their inputs, so that a glob over the inputs'
    folder (``'era5/*.nc'``) does not take both.

    Parameters
    ----------
    parent : str or PathLike
        The inputs' folder.
    name : str
        Says what the copies hold.
    """
    candidate, number = Path(parent) / name, 2
    while os.path.lexists(candidate) and not _empty_folder(candidate):
        candidate, number = Path(parent) / f"{name}_{number}", number + 1
    return candidate


def _empty_folder(path: Path) -> bool:
    """Whether ``path`` is a folder (not a link to one) holding nothing: the one an advised line made before
    its tool failed (``mkdir -p regridded && cdo …`` aborting), taken again rather than ``regridded_2``
    (break56b A5): the line writes over nothing there."""
    try:
        return path.is_dir() and not path.is_symlink() and not any(path.iterdir())
    except OSError:
        return False


def shared_glob(files: Sequence[str | os.PathLike]) -> Path | None:
    """A glob pattern that matches ``files`` and nothing else: their folder, the start and the
    end their names share, ``*`` between (``data/icon/icon-eu_*_TOT_PREC.grib2``); None when
    they are fewer than two, in several folders, or such a pattern takes other files of the
    folder too.

    Parameters
    ----------
    files : sequence of str or PathLike
        Existing files.

    Returns
    -------
    Path or None
        The pattern, in the files' folder as given.
    """
    paths = [Path(file) for file in files]
    if len(paths) < 2 or len({os.path.abspath(path.parent) for path in paths}) > 1:
        return None
    names = [path.name for path in paths]
    start = os.path.commonprefix(names)
    end = os.path.commonprefix([name[len(start):][::-1] for name in names])[::-1]
    if _glob_escaped(start + end) != start + end:  # a name of glob's own characters: no pattern
        return None
    folder = paths[0].parent
    matched = sorted(os.path.abspath(match) for match in folder.glob(f"{start}*{end}"))
    return folder / f"{start}*{end}" if matched == sorted({os.path.abspath(path) for path in paths}) else None


#: How a printed Python line opens its input file (``sys.argv[1]``) with xarray.
_OPENS_ARGUMENT = re.compile(r"open_dataset\(sys\.argv\[1\]\s*,")


def grib_command(command: str) -> str:
    """``command``, a printed line that reads a GRIB file and writes a NetCDF copy, made to do so:
    its xarray ``open_dataset(sys.argv[1], …)`` through cfgrib without an index file
    (``backend_kwargs={'indexpath': ''}``: cfgrib otherwise leaves ``x.grib2.5b7b6.idx`` beside
    the user's file, break38a B5), CDO's output NetCDF (``cdo -f nc4``: CDO writes GRIB from
    GRIB, under any name, break38a B1).

    Examples
    --------
    >>> grib_command("cdo settbounds,day a.grib2 b.nc")
    'cdo -f nc4 settbounds,day a.grib2 b.nc'
    """
    command = _OPENS_ARGUMENT.sub("open_dataset(sys.argv[1],engine='cfgrib',backend_kwargs={'indexpath':''},", command)
    return re.sub(r"(^|&& )cdo (?!-f )", r"\1cdo -f nc4 ", command, count=1)


def copy_name(path: str | os.PathLike) -> str:
    """The name of a NetCDF copy of ``path`` under its own name: the same, but ``.nc`` for a GRIB
    file (``gfs_t2m.nc`` for ``gfs_t2m.grib2``: a NetCDF copy under a ``.grib2`` name is read
    through cfgrib and refused, break38a B1)."""
    path = Path(str(path))
    return f"{path.stem}.nc" if is_grib_file(path) else path.name


def copies_command(tool: Callable[[str, str], str], folder: Path, files: Sequence[str | Path], *,
                   period: str | None = None) -> str:
    """The shell command that makes ``folder`` and writes into it, under its own name, the copy
    of each of ``files`` that ``tool(input, copy)`` (a command on two shell words: ``cdo
    operators IN OUT``) makes: one command, or a loop over the files (over a glob that takes
    them and nothing else when there is one, :func:`shared_glob`: a loop over 36 files named
    one by one was one line of 6 kB, break38a B5). ``period``: the copies hold statistics over
    these periods (``"daily"``), and CMIP/CORDEX names say the files' own frequency: renamed for
    what they hold (:func:`period_renaming`)."""
    made = f"mkdir -p {shown_path(folder)}"
    grib = any(is_grib_file(file) for file in files)
    renaming = period_renaming(files, period) if period is not None and not grib else None
    home = _cdo_home(tool, files, folder)  # CDO opens no path with a space: run inside the files' folder
    if len(files) == 1:
        copy = folder / period_copy_name(files[0], renaming)
        command = tool(shown_path(files[0]), shown_path(copy))
        # mkdir -p passes the second time, and CDO writes over a copy there: none written over (break51a A3's kind)
        kept = "" if guards_itself(command) else none_there(copy)
        if home is not None:
            inside = shlex.quote(os.path.relpath(copy, home))
            command = f"( cd {shown_path(home)} && {tool(shlex.quote(Path(str(files[0])).name), inside)} )"
        return f"{kept}{made} && {grib_command(command) if grib else command}"
    pattern = shared_glob(files)
    listed = (" ".join(shown_path(file) for file in files) if pattern is None
              else glob_words(pattern))
    # a GRIB file's NetCDF copy ends .nc: its name without its ending, then .nc
    named = ('"$(basename "${f%.*}")".nc' if grib else '"${f##*/}"' if renaming is None
             else f'"$(basename "$f" | sed {renaming.sed})"')
    each, copy = '"$f"', f'{shown_path(folder)}/' + named
    command = tool(each, copy)
    kept = "" if guards_itself(command) else none_there_in_loop(listed, copy)
    if home is not None:  # the loop inside the folder, over the files' names there
        names = (" ".join(shlex.quote(Path(str(file)).name) for file in files) if pattern is None
                 else glob_words(Path(pattern.name)))
        copy = f"{shlex.quote(os.path.relpath(folder, home))}/{named}"
        looped = stopping_loop(names, grib_command(tool(each, copy)) if grib else tool(each, copy))
        return f"{kept}{made} && ( cd {shown_path(home)} && {looped} )"
    return f"{kept}{made} && {stopping_loop(listed, grib_command(command) if grib else command)}"


def _cdo_home(tool: Callable[[str, str], str], files: Sequence[str | Path], folder: Path) -> Path | None:
    """:func:`cdo_folder` of ``files`` and ``folder`` when ``tool`` is CDO's (``cdo …``): :func:`copies_command`
    then runs CDO inside it. None otherwise."""
    if re.search(r"(^|&& |\( )cdo ", tool("IN", "OUT")) is None:
        return None
    return cdo_folder(files, folder)


def cdo_folder(files: Sequence[str | os.PathLike], written: str | os.PathLike) -> Path | None:
    """The one folder of ``files`` when its path holds a space, with ``written`` (the copies' new folder, or a
    copy) inside it and no space in the names from there; None otherwise: a CDO line on them is then run inside
    it (``( cd 'my data' && cdo … a.nc with_grid/a.nc )``, :func:`in_cdo_folder`). CDO 2.1.1 opens no path with a
    space, input or output, quoted or not ("Open failed on >my<"); an operator's argument with a space it takes
    (:func:`cdo_inside_folder` for one line of merged files, fix56d; :func:`copies_command`, fix57c; the others,
    fix57i).

    Examples
    --------
    >>> cdo_folder(["/no/such/a.nc"], "/no/such/copies") is None
    True
    """
    parents = {os.path.abspath(Path(str(file)).parent) for file in files}
    if len(parents) != 1:
        return None
    home = Path(str(files[0])).parent
    inside = [Path(str(file)).name for file in files] + [os.path.relpath(written, home)]
    if (not re.search(r"\s", working_path(home))
            or any(re.search(r"\s", name) or name.startswith("..") for name in inside)):
        return None
    return home


def in_cdo_folder(line: Callable[[Callable[[str | os.PathLike], str]], str], files: Sequence[str | os.PathLike],
                  written: str | os.PathLike) -> str:
    """``line(named)``, a line of CDO (and shell) commands on ``files`` that writes ``written`` (a copy, or the
    copies' new folder), each path in it given as ``named(path)``: the shell word of the path from the working
    folder (:func:`shown_path`), or, when the files' folder holds a space (:func:`cdo_folder`), from that folder,
    the line then run inside it: ``( cd 'my data' && LINE )`` (CDO opens no path with a space).

    Examples
    --------
    >>> in_cdo_folder(lambda named: f"cdo copy {named('/no/such/a.nc')} {named('/no/such/b/a.nc')}",
    ...               ["/no/such/a.nc"], "/no/such/b")
    'cdo copy /no/such/a.nc /no/such/b/a.nc'
    """
    home = cdo_folder(files, written)
    if home is None:
        return line(shown_path)
    return f"( cd {shown_path(home)} && {line(lambda path: shlex.quote(os.path.relpath(path, home)))} )"


#: CMIP's and CORDEX's frequency tokens in file names (CMIP6 DRS ``frequency``; CORDEX archive
#: specifications: ``pr_EUR-11_…_v1_3hr_200601010130-….nc``), the longer first.
_NAME_FREQUENCIES = ("1hrPt", "3hrPt", "6hrPt", "1hrCM", "1hr", "3hr", "6hr", "day", "mon", "sem", "yr")
#: climann's period words → the token of a CMIP/CORDEX file of such statistics and the digits of
#: the dates of its time range (``day``: YYYYMMDD; ``mon``: YYYYMM; ``yr``: YYYY).
_PERIOD_TOKENS = {"daily": ("day", 8), "monthly": ("mon", 6), "yearly": ("yr", 4)}


@dataclass(frozen=True)
class PeriodRenaming:
    """The renaming of CMIP/CORDEX file names for copies holding statistics over longer periods:
    the frequency token ``old`` becomes ``new``, and the dates of the time range at the end of
    the name are cut to ``digits`` (from ``stored`` digits), in Python (:meth:`name`) and in a
    ``sed`` script for a loop (:attr:`sed`)."""

    old: str
    new: str
    stored: int
    digits: int

    def name(self, name: str) -> str:
        """``name`` renamed: ``pr_…_3hr_200601010130-201112302230.nc`` → ``pr_…_day_20060101-20111230.nc``."""
        name = name.replace(f"_{self.old}_", f"_{self.new}_", 1)
        if self.digits < self.stored:
            cut = self.stored - self.digits
            name = re.sub(rf"_(\d{{{self.digits}}})\d{{{cut}}}-(\d{{{self.digits}}})\d{{{cut}}}(\.\w+)$",
                          r"_\1-\2\3", name)
        return name

    @property
    def sed(self) -> str:
        """The ``sed`` arguments that rename as :meth:`name` does, quoted for the shell."""
        words = ["-e", f"s/_{self.old}_/_{self.new}_/"]
        if self.digits < self.stored:
            cut = self.stored - self.digits
            date = rf"\([0-9]\{{{self.digits}\}}\)[0-9]\{{{cut}\}}"
            words += ["-e", rf"s/_{date}-{date}\(\.[A-Za-z0-9]*\)$/_\1-\2\3/"]
        return " ".join(shlex.quote(word) for word in words)


def period_renaming(files: Sequence[str | Path], period: str) -> PeriodRenaming | None:
    """How the copies of ``files`` holding statistics over ``period`` (``"daily"``) are named
    for what they hold: when every file's name is a CMIP/CORDEX one, carrying one frequency
    token of finer steps (:data:`_NAME_FREQUENCIES`) and ending in its time range
    (``_200601010130-201112302230.nc``), that token becomes the period's (``3hr`` → ``day``) and
    the range's dates lose their finer digits; None otherwise (a copy keeps its file's name).
    Daily means written under the name ``pr_…_3hr_200601010130-….nc`` were listed by ``climann
    info`` as 3-hourly files (break54c A7)."""
    if period not in _PERIOD_TOKENS:
        return None
    new, digits = _PERIOD_TOKENS[period]
    names = [Path(str(file)).name for file in files]
    found = {next((token for token in _NAME_FREQUENCIES if f"_{token}_" in name), None) for name in names}
    if len(found) != 1 or None in found or new in found:
        return None
    # a CMIP/CORDEX name (DRS) ends in its time range: pr_day_2001.nc, named by its user, keeps its name
    ranges = [re.search(r"_(\d+)-(\d+)\.\w+$", name) for name in names]
    lengths = {len(match.group(1)) for match in ranges if match and len(match.group(1)) == len(match.group(2))}
    if len(lengths) != 1 or not all(ranges) or next(iter(lengths)) not in (4, 6, 8, 10, 12):
        return None
    stored = lengths.pop()
    return PeriodRenaming(found.pop(), new, stored, min(digits, stored))


def period_copy_name(path: str | os.PathLike, renaming: PeriodRenaming | None) -> str:
    """:func:`copy_name` of ``path``, renamed by ``renaming`` when given."""
    name = copy_name(path)
    return name if renaming is None else renaming.name(name)


def guards_itself(command: str) -> bool:
    """Whether ``command`` refuses by itself to write over a file there (:func:`whole_write`'s
    Python, :func:`none_there`'s shell): no second guard before it."""
    return THERE_ALREADY.split(":")[0] in command


def copy_in_folder(folder: Path, path: str | os.PathLike, suffix: str) -> Path:
    """The copy of ``path`` a command writes into ``folder`` (:func:`copies_folder`), named after
    it as :func:`copy_path` names one beside it (``daily_monthly_totals.nc``), and kept as a
    copy of ``path`` while the message is made (:func:`copies_said_once`: a command of a later
    message then reads the copy an earlier one writes of the same file)."""
    candidate = Path(folder) / f"{Path(path).stem}_{suffix}.nc"
    _handed_out(candidate, path)
    return candidate


def copies_data(folder: Path, files: Sequence[str | Path], *, period: str | None = None) -> str:
    """The ``--data`` argument that takes the copies of ``files`` in ``folder`` and nothing
    else: the one copy, or a glob over the new folder (quoted for the shell). ``period``: as
    :func:`copies_command` names the copies."""
    if len(files) == 1:
        renaming = period_renaming(files, period) if period is not None and not is_grib_file(files[0]) else None
        return shown_path(folder / period_copy_name(files[0], renaming))
    suffixes = {Path(copy_name(file)).suffix for file in files}
    return shlex.quote(f"{working_path(folder)}/*{suffixes.pop() if len(suffixes) == 1 else ''}")


def python_copies_by_folder(script: str, files: Sequence[str | Path], name: str, *,
                            previous: bool = False) -> tuple[str, str]:
    """The command that runs ``python -c SCRIPT IN OUT`` on each of ``files``, its copy in a new
    folder ``name`` beside each folder of them (:func:`new_folder`, :func:`copies_command`), and
    the ``--data`` that takes the copies (:func:`copies_data`): files in several folders get one
    folder of copies each, the commands joined by ``&&``. ``previous``: in a loop, each file's
    line gets the file before it in the loop as a third word (``"$p"``, empty for the first:
    ``python -c SCRIPT IN OUT PREVIOUS``), as step amounts that continue a simulation need."""
    folders = {Path(str(file)).parent: new_folder(Path(str(file)).parent, name) for file in files}
    held = {folder: [file for file in files if Path(str(file)).parent == source] for source, folder in folders.items()}

    def tool(source: str, copy: str) -> str:
        # "&&", not ";": a failed copy skips p= and meets the loop's "|| exit 1" (stopping_loop)
        before = ' "$p" && p="$f"' if previous and source == '"$f"' else ""
        return f"{python_command(script)} {source} {copy}{before}"

    command = " && ".join(copies_command(tool, folder, own) for folder, own in held.items())
    if previous:  # each loop starts with no file before its first
        command = command.replace(" && ( for f in ", " && p= && ( for f in ")
    return command, " ".join(f"--data {copies_data(folder, own)}" for folder, own in held.items())


#: The two shell words of a loop's file and its copy in a new folder (:func:`copies_of_files`):
#: ``"$f" FOLDER/"${f##*/}"``, FOLDER filled in.
_LOOP_WORDS = '"$f" {folder}/"${{f##*/}}"'

#: Where a command that a loop wraps begins (:func:`copies_of_files`): a tool's name, or ``python -c``.
_LOOPED_COMMAND_START = re.compile(rf"(?<![\w.-])(?:ncatted|ncks|ncrename|ncap2|ncpdq|cdo|{_PYTHON_WORD} -c) ")


def copies_of_files(advice: Callable[[str, str], str], files: Sequence[str | os.PathLike], *, name: str) -> str:
    """The advice that corrects a copy of each of ``files``, a variable's files: for one file, each
    command of ``advice(IN OUT, file)`` on the file and its copy in a new folder beside it
    (:func:`_one_copy`; a copy beside it was taken with it by a glob over their folder, break52a A1,
    and fix53a moved every caller there); for several, each command of that advice that works on the
    copy's shell words becomes one loop over the files, writing their copies under their own names
    into a new folder beside them (:func:`new_folder`, ``name``), followed by the ``--data`` that
    takes the copies. A copy of the first file alone left the others as they were, a folder refused
    as mixed (break37a B1, for units; fix38d: the land-mask, density, cell_methods and ncap2 lines
    of a folder alike).

    The files are grouped by folder and by the advice they get (a variable named otherwise in
    some files gets its own loop): their ``*.nc`` when the group is every such file of the
    folder, else the files listed.

    Parameters
    ----------
    advice : callable
        ``advice(arguments, file)``: the words (one command, or prose holding commands) that
        correct ``file`` given the two shell words of a command's input and output
        (``arguments``). A ``python -c`` line among them reads them as ``sys.argv[1:3]``
        (:func:`xarray_command` does).
    files : sequence of str or PathLike
        The variable's files.
    name : str
        The new folder's name, saying what the copies hold (``units_fixed``, ``land_masked``).

    Returns
    -------
    str

    Examples
    --------
    >>> from climann.data.shell import ncatted_attribute, ncatted_command
    >>> print(copies_of_files(lambda arguments, file: ncatted_command([ncatted_attribute("units", "tas", "o",
    ...       "c", "K")], arguments), ["/no/such/d/a.nc", "/no/such/d/b.nc"], name="units_fixed"))
    ... # doctest: +NORMALIZE_WHITESPACE
    ( for f in /no/such/d/a.nc /no/such/d/b.nc; do [ ! -e /no/such/d/units_fixed/"${f##*/}" ] || { echo
    /no/such/d/units_fixed/"${f##*/}"' is there already: left as it is, nothing written; move it away or write another
    name' >&2; exit 1; }; done ) && mkdir -p /no/such/d/units_fixed && ( for f in /no/such/d/a.nc
    /no/such/d/b.nc; do ncatted -a units,tas,o,c,K "$f" /no/such/d/units_fixed/"${f##*/}" || exit 1; done ) (a copy
    of each of its 2 files in a new folder), then give --data '/no/such/d/units_fixed/*.nc' in place of the
    originals
    """
    files = [str(file) for file in files]
    if len(files) == 1:
        return _one_copy(advice, files[0], name)
    folders = {Path(file).parent: copies_folder(Path(file).parent, name) for file in files}
    for parent, folder in folders.items():
        _note_held(folder, [file for file in files if Path(file).parent == parent])
    groups: dict[tuple[Path, str], list[str]] = {}
    for file in files:
        parent = Path(file).parent
        words = _LOOP_WORDS.format(folder=shown_path(folders[parent]))
        groups.setdefault((parent, advice(words, file)), []).append(file)
    said = []
    for (parent, text), held in groups.items():
        every = [file for file in files if Path(file).parent == parent]  # the --data takes the folder's copies
        if len(held) == 1:  # a group of one file: its command, not a loop over it (fix54b)
            looped = _one_of_group(advice, held[0], folders[parent], every)
        else:
            looped = _looped(text, _LOOP_WORDS.format(folder=shown_path(folders[parent])), folders[parent],
                             _loop_list(parent, held), len(held), every)
        said.append(looped if len(groups) == 1 else f"for {', '.join(Path(file).name for file in held)}: {looped}")
    return "; ".join(said)


def _one_copy(advice: Callable[[str, str], str], file: str, name: str) -> str:
    """:func:`copies_of_files` for one file: each command of ``advice`` that writes the file's copy
    (its words ``IN OUT`` at its end, or the copy named in its Python, :func:`xarray_command`)
    writes it, under the file's own name, into a new folder ``name`` beside it
    (:func:`copies_folder`), checked not there first (:func:`none_there`: ``mkdir -p`` passes the
    second time, and CDO writes over a copy), and is followed by the ``--data`` to give in its
    place. A copy written beside its original (``tp_daily_sum_fixed.nc``) was taken with it by a
    glob over their folder, and the run then refused the two files of one variable with xarray's
    words on another pair of files (break52a A1, A5). A command that changes a Zarr store itself
    (:func:`attribute_command`) names no copy and is left as it is."""
    folder = copies_folder(Path(file).parent, name)
    _note_held(folder, [file])
    return _one_copy_into(advice, file, folder)


def _one_copy_into(advice: Callable[[str, str], str], file: str, folder: Path) -> str:
    """:func:`_one_copy` into ``folder``, handed out already: the commands, then the ``--data`` to give."""
    words, copy, after = _one_copy_words(file, folder)
    return _into_folder(advice(words, file), words, folder, copy, after)


def _one_copy_words(file: str, folder: Path) -> tuple[str, Path, str]:
    """The words ``IN OUT`` of ``file`` and its copy in ``folder`` (handed out already, and kept as
    that file's copy while :func:`copies_said_once` runs: chained by the file, :meth:`CopyNames.shown`),
    the copy, and the words that follow the line: the ``--data`` to give in the file's place."""
    copy = folder / copy_name(file)
    copies = _copies[-1] if _copies else None
    if copies is not None:  # chained by the file it copies (CopyNames.shown)
        with copies.lock:
            _note_one_file(copies, folder, file)
    words = f"{shown_path(file)} {shown_path(copy)}"
    after = (f" (its copy in a new folder), then give --data {shown_path(copy)} in place of {shown_path(file)}"
             f"{_others_kept(Path(file).parent, [file])}")
    return words, copy, after


def others_given_as_before(file: str | os.PathLike) -> str:
    """The words after a line that writes the copy of ``file`` into a new folder beside it (its own line,
    not :func:`one_copy_advice`'s: a GRIB copy under a GRIB name, a remap that writes its grid first) on
    the other files of its folder, given as before (:func:`_others_kept`); ``""`` when there are none."""
    return _others_kept(Path(file).parent, [str(file)])


def copy_folder_of(file: str | os.PathLike, name: str) -> Path:
    """A new folder ``name`` beside ``file`` for its copy (:func:`copies_folder`), kept as that file's
    copy while :func:`copies_said_once` runs: a later message's command on ``file`` reads its copy there
    (:meth:`CopyNames.shown`), as it reads :func:`one_copy_advice`'s. For a line that writes copies of
    several files into one folder, kept as the copy of the file named."""
    folder = copies_folder(Path(file).parent, name)
    _note_held(folder, [str(file)])
    copies = _copies[-1] if _copies else None
    if copies is not None:
        with copies.lock:
            _note_one_file(copies, folder, file)
    return folder


def one_copy_line(line: Callable[[str, Path], str], file: str | os.PathLike, name: str) -> str:
    """A line of several commands (``ncatted … IN OUT && ncpdq … OUT TMP && mv TMP OUT``) that writes
    the copy of ``file`` into a new folder ``name`` beside it, under its own name (as
    :func:`one_copy_advice` writes one command's), in backticks: ``line(IN OUT, copy)``, the words of
    the file and its copy and the copy, gives the commands, each checked by the caller not to write
    over a file there (:func:`none_there`); they are preceded by the ``mkdir -p`` of the folder and
    followed by the ``--data`` to give in the file's place. :func:`one_copy_advice` puts those words
    right after the command that ends in ``IN OUT``, inside such a line (fix55a).

    Parameters
    ----------
    line : callable
        ``line(arguments, copy)``: the commands, ``arguments`` the shell words ``IN OUT``.
    file : str or PathLike
        The user's file (an existing NetCDF file: :func:`users_file_copied`).
    name : str
        The new folder's name, saying what the copy holds.

    Returns
    -------
    str
    """
    folder = copies_folder(Path(file).parent, name)
    _note_held(folder, [str(file)])
    words, copy, after = _one_copy_words(str(file), folder)
    return f"`mkdir -p {shown_path(folder)} && {line(words, copy)}`{after}"


def _one_of_group(advice: Callable[[str, str], str], file: str, folder: Path, every: Sequence[str]) -> str:
    """:func:`copies_of_files`' commands for a group of ONE of the files (its advice its own, or the
    one file of its folder): each command on the file and its copy in ``folder``, under its own name,
    not a loop over the one file (``for f in a.nc; do …``: file_encodings' groups of one file,
    fix54b), then the ``--data`` that takes the copies of ``every`` file of its folder."""
    if len(every) == 1:  # the folder's one file: as one file alone is told
        return _one_copy_into(advice, file, folder)
    copy = folder / copy_name(file)
    words = f"{shown_path(file)} {shown_path(copy)}"
    after = (f" (its copy in a new folder, with the other files' copies), then give --data "
             f"{copies_data(folder, every)} in place of the originals{_others_kept(folder.parent, every)}")
    return _into_folder(advice(words, file), words, folder, copy, after)


def _into_folder(text: str, words: str, folder: Path, copy: Path, after: str) -> str:
    """``text`` with each command that writes ``copy`` (its words ``IN OUT`` at its end, ``words``,
    or the copy named in its Python) made to write it into ``folder``, checked not there first
    (:func:`none_there`), and followed by ``after``."""

    def write(command: str, quoted: str) -> str:
        kept = "" if guards_itself(command) or none_there(copy) in text else none_there(copy)
        return f"{kept}mkdir -p {shown_path(folder)} && {command}{quoted}{after}"

    return _each_command(text, words, write, written=repr(working_path(copy)))


def _note_held(folder: Path, files: Sequence[str]) -> None:
    """Record, while :func:`copies_said_once` runs, the names of the copies of ``files`` that a
    command writes into ``folder`` (:attr:`CopyNames.held`), for a later line chained to read them."""
    copies = _copies[-1] if _copies else None
    if copies is not None:
        with copies.lock:
            copies.held[os.path.abspath(folder)] = frozenset(copy_name(file) for file in files)


def copies_folder(parent: str | os.PathLike, name: str) -> Path:
    """The new folder inside ``parent`` (:func:`new_folder`) for the copies of its files that one
    piece of advice writes (:func:`copies_of_files`), kept as handed out while the message is
    made (:func:`copies_said_once`)."""
    folder = new_folder(parent, name)
    _handed_out(folder, parent)
    return folder


def _loop_list(parent: Path, held: Sequence[str]) -> str:
    """The words a loop over ``held`` (files of ``parent``) runs on: ``parent/*.nc`` when they are
    every file of the folder with their extension, else a glob that takes them alone
    (:func:`shared_glob`: 36 monthly files beside a file of another name were listed one by one,
    break46c A4), else the files listed."""
    suffixes = {Path(file).suffix for file in held}
    whole = len(suffixes) == 1 and {Path(file) for file in held} == set(parent.glob(f"*{next(iter(suffixes))}"))
    if whole:
        return f"{shown_path(parent)}/*{next(iter(suffixes))}"
    pattern = shared_glob(held)
    return " ".join(shown_path(file) for file in held) if pattern is None else glob_words(pattern)


def _looped(text: str, words: str, folder: Path, listed: str, count: int, every: Sequence[str]) -> str:
    """``text`` with each command that ends in ``words`` made a loop over ``listed`` (``count``
    files) writing into ``folder``, each followed (after its closing backtick, when it is in
    backticks) by the ``--data`` that takes the copies of ``every`` file of their folder; each loop
    stops at the first file whose command fails (:func:`stopping_loop`; break56d A3: a file of another
    packing was otherwise copied unchanged, and the loop answered with the last file's status)."""
    copies = f"a copy of each of its {count} files" if count > 1 else "its copy"
    after = (f" ({copies} in a new folder), then give --data {copies_data(folder, every)} in place of the originals"
             f"{_others_kept(folder.parent, every)}")

    def loop(command: str, quoted: str) -> str:
        # each copy checked before the loop: mkdir -p passes the second time, CDO writes over a copy (NCO asks)
        kept = "" if guards_itself(command) else none_there_in_loop(listed, words.split(" ", 1)[1])
        return f"{kept}mkdir -p {shown_path(folder)} && {stopping_loop(listed, command)}{quoted}{after}"

    return _each_command(text, words, loop)


def _each_command(text: str, words: str, rewrite: Callable[[str, str], str], *, written: str = "") -> str:
    """``text`` with each command that ends in ``words`` (from its start, :data:`_LOOPED_COMMAND_START`),
    or that holds ``written`` (a Python string naming the file it writes: :func:`xarray_command`'s
    line on one file, to its end, :func:`_command_end`), replaced by ``rewrite(command, quoted)``,
    ``quoted`` the closing backtick after it or ``""`` (the words that follow a command in backticks
    go after them)."""
    pieces, position = [], 0
    while (found := _next_command(text, words, written, position)) is not None:
        start, stop = found
        quoted = "`" if text.startswith("`", stop) else ""
        pieces.append(text[position:start] + rewrite(text[start:stop], quoted))
        position = stop + len(quoted)
    return "".join(pieces) + text[position:]


def _next_command(text: str, words: str, written: str, position: int) -> tuple[int, int] | None:
    """Where the next command of ``text`` from ``position`` that :func:`_each_command` rewrites
    begins and ends, or None."""
    ends = [(end, end + len(words)) for end in [text.find(words, position)] if end >= 0]
    if written and (named := text.find(written, position)) >= 0:
        ends.append((named, -1))
    if not ends:
        return None
    end, stop = min(ends)
    starts = [match.start() for match in _LOOPED_COMMAND_START.finditer(text, position, end)]
    start = starts[-1] if starts else position
    if stop < 0:  # a Python line: to its end, or to the backtick that closes it
        closing = text.find("`", end) if text[start - 1:start] == "`" else -1
        stop = closing if closing >= 0 else _command_end(text, start)
    return start, stop


@contextlib.contextmanager
def files_given(files: Sequence[str | os.PathLike]) -> Iterator[None]:
    """While the block runs, ``files`` are the files the user gave (``--data``, info's paths):
    the advice that names the other files to give as before (:func:`_others_kept`) names only
    these (break46b A4: files of the folder never given, IMERG Early and Final together, were
    listed to give). Nested blocks: the innermost's files."""
    token = _GIVEN.set(frozenset(Path(file).resolve() for file in files))
    try:
        yield
    finally:
        _GIVEN.reset(token)


def given_files() -> frozenset[Path]:
    """The files the user gave (resolved), while :func:`files_given` runs; none outside it."""
    return _GIVEN.get() or frozenset()


#: The files the user gave, while :func:`files_given` runs; None outside it (every file of the folder).
_GIVEN: contextvars.ContextVar[frozenset[Path] | None] = contextvars.ContextVar("files_given", default=None)


#: The endings of the files climann reads by their name (:func:`_others_kept`): NetCDF, HDF5, GRIB.
_READ_ENDINGS = (".nc", *NETCDF_SUFFIXES, *GRIB_FILE_SUFFIXES)


def _others_kept(parent: Path, every: Sequence[str]) -> str:
    """Words for the files of ``parent`` beside ``every`` (a variable's files there, copied) that
    hold other variables, with the ``--data`` that takes them as before: their tightest glob
    (``'bu/climate_*_dated.nc'``) when it takes them alone, else up to three listed; ``""`` when
    the folder holds no other such file. A run given the copies' folder alone lost its
    predictors' files (break43d A6: "variable 'tas_gs' not in …"). Other files are those of
    any ending climann reads (:data:`_READ_ENDINGS`), not only the copies' own: MODIS's ``*.nc``
    beside MERRA-2's ``*.nc4`` copied were left out, the target's files with them (break46c A1).
    Only files the user gave count, when known (:func:`files_given`). A copy an earlier line wrote
    beside one of ``every`` (``obs_restamped.nc`` beside ``obs.nc``, :func:`original_and_copy`) is
    no other variable's file: it is named as most likely that corrected copy (fix54b: it was to be
    given as before, with the new copy of the same file)."""
    endings = {Path(file).suffix.lower() for file in every} | set(_READ_ENDINGS)
    copied = {Path(file).resolve() for file in every}
    given = _GIVEN.get()
    others = sorted(path for path in (parent.iterdir() if parent.is_dir() else ()) if path.suffix.lower() in endings
                    and path.is_file() and not path.name.startswith(".") and path.resolve() not in copied
                    and (given is None or path.resolve() in given))
    # a copy written beside its original before (X_restamped.nc by an earlier line): no other variable's file
    earlier = {path: Path(file) for path in others for file in every
               if (pair := original_and_copy(Path(file), path)) is not None and pair[1] == path}
    others = [path for path in others if path not in earlier]
    said = "".join(f"; {shown_path(copy)}, beside {shown_path(original)}, may be its corrected copy written before: "
                   f"if so, move {shown_path(original)} out of the files given to climann (a folder is read whole), "
                   "and run again" for copy, original in earlier.items())
    return _others_given(parent, others) + said


def _others_given(parent: Path, others: Sequence[Path]) -> str:
    """:func:`_others_kept`'s words for the files ``others`` of ``parent``: ``""`` for none."""
    if not others:
        return ""
    names = [path.name for path in others]
    prefix = os.path.commonprefix(names)
    room = len(min(names, key=len)) - len(prefix)  # the common end may not overlap the common start
    suffix = os.path.commonprefix([name[::-1] for name in names])[:max(room, 0)][::-1]
    words = re.match(r".*[^A-Za-z0-9]|", prefix).group(0)  # cut after its last word: 'climate_*', not 'climate_200*'
    pattern = next((f"{start}*{suffix}" for start in dict.fromkeys((words, prefix))
                    if len(others) > 1 and set(parent.glob(f"{start}*{suffix}")) == set(others)), None)
    if pattern is not None:
        taken = f"--data {shlex.quote(f'{working_path(parent)}/{pattern}')}"
    elif len(others) <= 3:
        taken = " ".join(f"--data {shown_path(path)}" for path in others)
    else:
        return f", with the {len(others)} other files of {_folder_words(parent)} given as before"
    return f", with the other files of {_folder_words(parent)} given as before ({taken})"


def _folder_words(folder: Path) -> str:
    """A folder as a sentence names it: ``the working folder`` for ``.`` (a message said "the other
    files of . given as before", fix55f), else its path as :func:`shown_path` shows it."""
    shown = shown_path(folder)
    return "the working folder" if shown == "." else shown


#: The folder beside the files that :func:`dated_copies`'s loop writes their dated copies into.
DATED_COPIES_FOLDER = "with_dates"


def dated_copies(statements: Sequence[str], files: Sequence[Path]) -> str:
    """The loop that runs ``statements`` (on the dataset ``d``, opened with its times as stored:
    ``decode_times=False``) on each of ``files`` and writes the copies, under their own names,
    into a new folder beside each folder of them (:func:`new_folder`), quoted as a message shows
    it, and the ``--data`` that takes the copies in place of the originals. A copy beside each
    original would be taken with the originals by a glob over their folder, which meets the
    refusal again, and a line for the first file alone meets it at the next (rerun34).

    Parameters
    ----------
    statements : sequence of str
        Python statements on ``d`` (``d = d.drop_vars('Times')``).
    files : sequence of Path
        The files to copy.

    Returns
    -------
    str
        The command in backquotes, then ``; then give --data … in place of the N files (…)``.

    Notes
    -----
    Several files are copied by one Python process (:func:`_dated_copies_command`): a loop that
    started one per file, each importing xarray, took 3 min 56 s for 31 TRMM 3B42 daily files
    under load, about 2 h 20 min for 3 years, where one process for the 1 096 took 1 min 55 s
    (break50d A3).
    """
    each = (f"d = xr.open_dataset(sys.argv[1], decode_times=False); {'; '.join(dict.fromkeys(statements))}; "
            f"{whole_write()}")
    folders = {file.parent: new_folder(file.parent, DATED_COPIES_FOLDER) for file in files}
    held = {folder: [file for file in files if file.parent == source] for source, folder in folders.items()}
    loops = " && ".join(_dated_copies_command(each, folder, own) for folder, own in held.items())
    data = " ".join(f"--data {copies_data(folder, own)}" for folder, own in held.items())
    return (f"`{loops}`; then give {data} in place of the {len(files)} files (a --data that still takes the "
            "originals, as a glob over their folder does, meets this refusal again)")


def advised_python() -> str:
    """The Python interpreter a printed multi-file line names: ``python`` beside the running
    interpreter (a virtual environment's ``bin/python``, which imports xarray), else the running
    interpreter itself (:data:`sys.executable`), quoted for the shell. A bare ``python`` found by
    a plain shell may be the system's, without xarray ("No module named 'xarray'" for every file
    of a loop, break50d A3)."""
    import sys

    running = Path(sys.executable)
    beside = running.with_name("python")
    return shlex.quote(str(beside if beside.is_file() else running))


def _dated_copies_command(each: str, folder: Path, files: Sequence[Path]) -> str:
    """The shell command that makes ``folder`` and writes into it a copy of each of ``files``
    under its own name by the Python statements ``each`` (which read ``sys.argv[1]`` and write
    ``sys.argv[2]``, :func:`whole_write`): for one file, ``python -c`` on it and its copy; for
    several, one process over all (the folder, then the files: a glob that takes them and nothing
    else when there is one, :func:`shared_glob`), which sets ``sys.argv[1:3]`` to each file and
    its copy in turn (one line: the loop is the script's one statement, its body simple
    statements), so a failing file stops it with the copies before it written whole."""
    made = f"mkdir -p {shown_path(folder)}"
    if len(files) == 1:
        return (f"{made} && {python_command(f'import sys, xarray as xr; {each}')} {shown_path(files[0])} "
                f"{shown_path(folder / copy_name(files[0]))}")
    pattern = shared_glob(files)
    listed = " ".join(shown_path(file) for file in files) if pattern is None else glob_words(pattern)
    script = ("for a in (lambda s, o: [(f, o.path.join(s.argv[1], o.path.basename(f))) for f in s.argv[2:]])("
              f"__import__('sys'), __import__('os')): import sys, xarray as xr; sys.argv[1:3] = a; {each}")
    return f"{made} && {python_command(script)} {shown_path(folder)} {listed}"


def earlier_copy_note(message: str) -> str:
    """Words to add to a refusal whose command writes a numbered copy (``hfss_fixed_2.nc``)
    because the copy it names first (``hfss_fixed.nc``) is already beside the input: most
    likely the user ran the command before, and the folder given to ``--data`` now holds the
    original and its corrected copy, both read, the original refused again. ``""`` when no
    command of ``message`` does.

    Examples
    --------
    ``… (ncap2 … d/hfss.nc d/hfss_fixed_2.nc)`` with ``d/hfss_fixed.nc`` present gives
    ``"; d/hfss_fixed.nc, beside d/hfss.nc, may be its corrected copy written before: if so,
    move d/hfss.nc out of the files given to climann (a folder is read whole), and run again"``.
    """
    for match in _NUMBERED_COPY.finditer(message):
        first = Path((match["quoted"] or match["plain"]) + (match["qext"] or match["ext"]))
        head = first.stem.rsplit("_", 1)[0]
        if not first.is_file() or _names(message, str(first)) or first.suffix.lower() not in _READ_ENDINGS:
            continue  # none there, the command's own input (a copy of the copy is numbered: copy_path), or no data
            # file (the remap advice's grid description X_grid.txt is no copy of X.nc: break49d A3)
        originals = sorted(path for path in first.parent.glob(f"{_glob_escaped(head)}.*")
                           if path.is_file() and path != first)
        if originals:
            original = shown_path(originals[0])
            return (f"; {shown_path(first)}, beside {original}, may be its corrected copy written before: if so, "
                    f"move {original} out of the files given to climann (a folder is read whole), and run again")
    return ""


def _names(message: str, path: str) -> bool:
    """Whether ``message`` names ``path`` as a whole word (a shell word, quoted or not, or a
    Python string): ``d/x_fixed.nc``, not the ``d/x_fixed`` of ``d/x_fixed_2.nc``."""
    return re.search(rf"(?<![\w./-]){re.escape(path)}(?![\w.-])", message) is not None


def glob_words(pattern: Path) -> str:
    """A glob ``pattern`` (one ``*``, :func:`shared_glob`) as shell words the shell expands: its
    folder and the fixed parts of its name quoted where they need to be, the ``*`` left bare, so
    that a folder or file names with spaces stay one word each (``'my data/omi '*.he5``).

    Parameters
    ----------
    pattern : pathlib.Path
        A folder and a name with one ``*``.

    Returns
    -------
    str

    Examples
    --------
    >>> glob_words(Path("/no/such/my omi/omi *.he5"))
    "'/no/such/my omi/omi '*.he5"
    """
    folder = working_path(pattern.parent) if str(pattern.parent) not in ("", ".") else ""
    folder = "" if folder == "." else folder  # the working folder itself: the name alone
    start, end = pattern.name.split("*", 1)
    head = shlex.quote(f"{folder}/{start}" if folder else start) if (folder or start) else ""
    return f"{head}*{shlex.quote(end) if end else ''}"


def cdo_input_files(files: Sequence[str | os.PathLike]) -> str:
    """The input of one CDO operator over many ``files`` (``-mergetime …``): their shared glob
    (:func:`shared_glob`) quoted as ONE argument, which CDO expands itself (CDO manual, "Wildcards":
    ``cdo copy 'ifile?' ofile``), so that no shell lists the files and thousands of hourly files
    (NLDAS-2: 8 784 a year) do not reach the kernel's limit on a command's arguments ("Argument list
    too long"; ``getconf ARG_MAX``). CDO splits its arguments on spaces, so a pattern with a space or
    a quote is left to the shell as :func:`glob_words` writes it; files no glob takes alone are listed.

    Parameters
    ----------
    files : sequence of str or PathLike
        Existing files, two or more.

    Returns
    -------
    str

    Examples
    --------
    >>> cdo_input_files(["/no/such/a.nc"])
    '/no/such/a.nc'
    """
    pattern = shared_glob(files)
    if pattern is None:
        return " ".join(shown_path(file) for file in files)
    folder = working_path(pattern.parent) if str(pattern.parent) not in ("", ".") else ""
    whole = f"{folder}/{pattern.name}" if folder not in ("", ".") else pattern.name
    if re.search(r"[\s'\"\\]", whole):
        return glob_words(pattern)
    return f"'{whole}'"


def cdo_inside_folder(operators: str, files: Sequence[str | os.PathLike], copy: str | os.PathLike) -> str | None:
    """``cdo OPERATORS INPUT COPY`` run inside the folder of ``files`` (``( cd FOLDER && cdo … )``)
    when that folder's path holds a space, its input (:func:`cdo_input_files`: ``-mergetime`` of
    several ``files``, or the one file) and ``copy`` (a path inside that folder) named from there;
    None when the folder's path holds none, or a name inside it does (nothing to cd past). CDO
    2.1.1 opens no path with a space, input or output ("Open failed on >my<" for
    ``'my data/a.nc'``, quoted or escaped; checked by hand, fix56d), so that no glob the shell
    or CDO expands reaches the files from outside such a folder.

    Examples
    --------
    >>> cdo_inside_folder("daysum", ["/no/such/a.nc"], "/no/such/daily/a.nc") is None
    True
    """
    paths = [Path(file) for file in files]
    folder = paths[0].parent
    inside = [os.path.relpath(path, folder) for path in (*paths, Path(copy))]
    if (len({os.path.abspath(path.parent) for path in paths}) > 1 or not re.search(r"\s", working_path(folder))
            or any(re.search(r"\s", name) or name.startswith("..") for name in inside)):
        return None
    pattern = shared_glob(paths)
    source = (shlex.quote(paths[0].name) if len(paths) == 1 else
              f"-mergetime '{pattern.name}'" if pattern is not None and not re.search(r"['\"\\]", pattern.name)
              else "-mergetime " + " ".join(shlex.quote(path.name) for path in paths))
    return f"( cd {shown_path(folder)} && cdo {operators} {source} {shlex.quote(inside[-1])} )"


def _glob_escaped(text: str) -> str:
    """``text`` with the characters :meth:`pathlib.Path.glob` reads as patterns escaped."""
    return re.sub(r"([\[\]*?])", r"[\1]", text)


def beside(path: str | os.PathLike, suffix: str = "fixed", extension: str = ".nc", *, renumber: bool = True) -> str:
    """The shell argument of a file written beside ``path``, named after it:
    ``'my data/iri_fixed.nc'`` for ``my data/iri.nc`` (see :func:`copy_path`,
    :func:`shown_path`)."""
    return shown_path(copy_path(path, suffix, extension, renumber=renumber))


#: The suffixes of the copies climann's advice writes beside a file (:func:`copy_path`):
#: ``X_fixed.nc``, ``X_restamped.nc`` ….
ADVISED_COPY_SUFFIXES = ("fixed", "restamped", "remapped", "dated", "renamed", "selected", "codes", "members",
                         "with_coordinates")


def original_and_copy(first: Path, second: Path) -> tuple[Path, Path] | None:
    """The two files as (original, copy) when one is named as the copy of the other that a
    command climann advises writes beside it (``X_fixed.nc`` beside ``X.nc``:
    :data:`ADVISED_COPY_SUFFIXES`), so that a ``--data`` that took the original takes the copy
    too (``X_fixed_2.nc`` as well); None otherwise (``tas_ssp585.nc`` beside ``tas.nc`` is no such copy)."""
    original, copy = sorted((Path(first), Path(second)), key=lambda path: len(path.stem))
    suffixes = "|".join(ADVISED_COPY_SUFFIXES)
    if copy.parent == original.parent and re.fullmatch(rf"{re.escape(original.stem)}_({suffixes})(_\d+)?", copy.stem):
        return original, copy  # X_fixed_2.nc: copy_path's name when X_fixed.nc was taken
    if (copy.parent == original.parent and re.search(rf"_({suffixes})$", original.stem)
            and re.fullmatch(rf"{re.escape(original.stem)}_\d+", copy.stem)):
        return original, copy  # X_fixed_2.nc beside X_fixed.nc: a copy of the copy, numbered (copy_path)
    return None


def copy_in_place_advice(original: Path, copy: Path) -> str:
    """The way out when a file and its copy (:func:`original_and_copy`) are both given: the copy
    in place of the original (verify26 G2, verify26b F1: the ways out offered before, a rename
    or a date for each, read both)."""
    return (f"{copy.name} is named as a copy of {original.name} (such as the corrected copy a command climann "
            f"advised writes beside it): give the copy in place of the original: move {working_path(original)!r} "
            "out of the folder, or give --data files that leave it out")


def _numbered(path: Path) -> tuple[str, int]:
    """A copy's name without :func:`copy_path`'s number, and that number: ``("X_fixed", 3)`` for
    ``X_fixed_3.nc``, ``("X_fixed", 1)`` for ``X_fixed.nc`` (and any other name)."""
    found = re.fullmatch(rf"(.*_(?:{'|'.join(ADVISED_COPY_SUFFIXES)}))_(\d+)", path.stem)
    return (found.group(1), int(found.group(2))) if found else (path.stem, 1)


def _supersedes(later: Path, earlier: Path) -> bool:
    """Whether ``later`` is named as a later copy than ``earlier``, in one folder: its copy
    (:func:`original_and_copy`: ``X_fixed.nc`` of ``X.nc``, ``X_fixed_2.nc`` of ``X_fixed.nc``), or
    numbered after it by :func:`copy_path` (``X_fixed_3.nc`` after ``X_fixed_2.nc``)."""
    if later == earlier or later.parent != earlier.parent:
        return False
    if original_and_copy(earlier, later) == (earlier, later):
        return True
    (stem, number), (earlier_stem, earlier_number) = _numbered(later), _numbered(earlier)
    return stem == earlier_stem and number > earlier_number and stem != later.stem


def superseded_copies(first: Path, second: Path, files: Sequence[str | os.PathLike] = ()
                      ) -> tuple[Path, list[Path]] | None:
    """When ``first`` and ``second`` are a file and its copy (:func:`original_and_copy`), the
    latest copy of their chain among ``files`` and every file of the chain it supersedes, the
    original first: a chain of advised fixes, each written from the one before, leaves ``X.nc``,
    ``X_fixed.nc`` and ``X_fixed_2.nc`` in one folder, and one glob takes the three; the refusal
    names the two it would otherwise move one round at a time (fix40b). None when the two are no
    such pair, or when the chain ends in two copies neither named after the other (``X_fixed.nc``
    and ``X_dated.nc``, two fixes of ``X.nc``).

    Parameters
    ----------
    first, second : Path
        The two files found holding one field.
    files : sequence of str or PathLike
        Every file given (the two among them, or not).

    Returns
    -------
    tuple of (Path, list of Path) or None
        The latest copy, and the files it supersedes in the order of their names
        (``[X.nc, X_fixed.nc]``).

    Examples
    --------
    >>> latest, earlier = superseded_copies(Path("X.nc"), Path("X_fixed.nc"), ["X.nc", "X_fixed.nc", "X_fixed_2.nc"])
    >>> latest.name, [path.name for path in earlier]
    ('X_fixed_2.nc', ['X.nc', 'X_fixed.nc'])
    """
    if original_and_copy(first, second) is None:
        return None
    chain = {Path(first), Path(second)}
    others = [Path(file) for file in files if Path(file).parent == Path(first).parent]
    grown = True
    while grown:  # the files named after any of the chain, or that it is named after
        joined = {path for path in others if path not in chain
                  and any(_supersedes(path, held) or _supersedes(held, path) for held in chain)}
        chain |= joined
        grown = bool(joined)
    latest = [path for path in chain if not any(_supersedes(other, path) for other in chain)]
    if len(latest) != 1:
        return None
    return latest[0], sorted(chain - {latest[0]}, key=lambda path: (len(path.stem), path.stem))


def copies_in_place_advice(latest: Path, superseded: Sequence[Path]) -> str:
    """The way out when a file and copies of it are given (:func:`superseded_copies`): the latest
    copy in place of all the others, named at once; :func:`copy_in_place_advice` for one.

    Parameters
    ----------
    latest : Path
        The latest copy, to be given.
    superseded : sequence of Path
        The files it supersedes, the original first: to be moved out.

    Returns
    -------
    str
        The words of the refusal after its ";".
    """
    if len(superseded) == 1:
        return copy_in_place_advice(superseded[0], latest)
    names = [path.name for path in superseded]
    moved = ", ".join(repr(working_path(path)) for path in superseded[:-1])
    return (f"{latest.name} is named as the latest copy of {names[0]} (after {', '.join(names[1:])}: such as the "
            f"corrected copies a chain of commands climann advised writes, each from the one before): give the latest "
            f"copy in place of the others: move {moved} and {working_path(superseded[-1])!r} out of the folder, or "
            f"give --data files that leave them out")


def whole_write(call: str = "d.to_netcdf", target: str = "sys.argv[2]", *, quote: str | None = None) -> str:
    """The Python statements that end a printed ``python -c SCRIPT IN OUT`` line: ``call`` (the
    dataset's writer, ``d.to_netcdf`` or a choice with ``d.to_zarr``) writes ``OUT.part``, renamed
    ``OUT`` once whole (:func:`os.replace`), never over a file there already: with ``OUT`` present the
    line exits at once, nothing written (break51a A3: a join followed twice replaced the user's
    first join); on any error the part is removed before the
    traceback, so a failed line leaves nothing behind. A line that wrote ``OUT`` itself left a
    239-byte file in the folder of copies when xarray refused to write (break44c A4). ``target``
    is the Python expression of ``OUT``: the line's second argument, or a path written in the
    script (``'d/a_fixed.nc'``, of a line that names its files itself; fix45m: those wrote
    ``OUT`` directly, and one interrupted half-way left a file under that name). The script
    imports :mod:`sys` before. ``quote`` is the quote of the strings it writes: by default the
    target's own (``"`` for ``"d/a_fixed.nc"``, else ``'``), ``"`` for a script that keeps to it.

    Examples
    --------
    >>> whole_write().endswith("d.to_netcdf(p);os.replace(p,sys.argv[2])")
    True
    """
    quote = quote or ('"' if target.startswith('"') else "'")  # the target's quotes: a script in one kind stays in it
    written, named, call = _written_object(call)
    # a line followed twice, or its name taken since it was printed, must not replace that file (break51a A3)
    kept = (f"os.path.lexists({target}) and sys.exit({target}+{quote} is there already: left as it is, nothing "
            f"written; move it away or write another name{quote});")
    return (f"import os,shutil,numpy;p={target}+{quote}.part{quote};{kept}"
            "sys.excepthook=lambda *e:(shutil.rmtree(p,True) if "
            f"os.path.isdir(p) else os.path.exists(p) and os.remove(p),sys.__excepthook__(*e));{named}"
            f"{_one_missing_mark(written, quote)}{call}(p);os.replace(p,{target})")


def none_there(*paths: str | os.PathLike) -> str:
    """The shell words that begin a printed line whose tools would write over ``paths`` (``ncap2
    -O`` on the line's copy, ``mv`` of its temporary onto the copy): with any of them there, one
    line on stderr, ``… is there already: left as it is, nothing written; …``, and the rest of
    the line is not run (``&&`` after a false status). The line's first tool alone never wrote
    over it: NCO asks, but answered "n" it exits 0, and the ``-O`` steps after it then replaced
    the user's file (break51a A3's kind: a line followed twice, or a name taken since printed).

    Parameters
    ----------
    paths : str or PathLike
        The files the line writes, as paths (quoted here for the shell).

    Returns
    -------
    str
        ``{ [ ! -e P ] || { echo '…' >&2; false; }; } && `` for each path, to put before the line.

    Examples
    --------
    >>> none_there("a_fixed.nc").startswith("{ [ ! -e a_fixed.nc ] || { echo 'a_fixed.nc is there already")
    True
    """
    told = []
    for path in paths:
        said = f"{working_path(path)}{THERE_ALREADY}"
        told.append(f"{{ [ ! -e {shown_path(path)} ] || {{ echo {shlex.quote(said)} >&2; false; }}; }} && ")
    return "".join(told)


#: What a printed line says on stderr, after the name, when a file it would write is there already.
THERE_ALREADY = " is there already: left as it is, nothing written; move it away or write another name"

#: The placeholders of a line that names no file (``IN.nc OUT.nc``): no file of the user's is there to keep.
_PLACEHOLDERS = frozenset({"OUT", "OUT.nc", "FILE_fixed.nc", "DATA_withgrid.nc"})


def written_there(files: str) -> str:
    """:func:`none_there` for the file a command on ``files`` (``IN OUT`` as
    :func:`input_and_copy` gives them, or ``IN … OUT``) writes, its last shell word: the guard to
    put before the command (``""`` for a placeholder, ``OUT.nc``, and for a loop's copy,
    ``D/"${f##*/}"``, which the loop checks before it begins: :func:`none_there_in_loop`)."""
    words = shell_words(files)
    if not words:
        return ""
    written = words[-1]
    if "$" in written or shlex.split(written)[0] in _PLACEHOLDERS:
        return ""
    return none_there(shlex.split(written)[0])


def cdo_command(operators: str, files: str) -> str:
    """The printed ``cdo OPERATORS IN OUT`` line (``files``: ``IN OUT`` as :func:`input_and_copy`
    gives them), opened by :func:`none_there` for ``OUT``: CDO writes over an existing output
    without asking (CDO manual, option ``-O``: only ``ens*``, ``merge`` and ``mergetime`` check),
    so a line followed twice, or a name taken since it was printed, replaced the file there.

    Examples
    --------
    >>> cdo_command("settbounds,day", "a.nc a_fixed.nc").endswith("false; }; } && cdo settbounds,day a.nc a_fixed.nc")
    True
    >>> cdo_command("settbounds,day", "IN.nc OUT.nc")
    'cdo settbounds,day IN.nc OUT.nc'
    """
    return f"{written_there(files)}cdo {operators} {files}"


def none_there_in_loop(listed: str, copy: str) -> str:
    """The shell words that begin a printed loop (``for f in LISTED; do … COPY; done``) whose
    command writes ``copy`` (a shell word on ``"$f"``: ``D/"${f##*/}"``): a loop first over the
    same files that, with any copy there already, says so on stderr and stops the line
    (``exit 1`` of a subshell, not of the user's shell) before a file is written. ``mkdir -p``
    passes on a folder made the first time, and CDO writes over each copy (NCO asks, and "n"
    exits 0): followed twice, the loop replaced every copy.

    Examples
    --------
    >>> none_there_in_loop("d/*.nc", 'd/x/"${f##*/}"').startswith('( for f in d/*.nc; do [ ! -e d/x/"${f##*/}" ] || ')
    True
    """
    return (f"( for f in {listed}; do [ ! -e {copy} ] || {{ echo {copy}{shlex.quote(THERE_ALREADY)} >&2; exit 1; }}; "
            "done ) && ")


def stopping_loop(listed: str, body: str) -> str:
    """A printed loop over ``listed`` (``"$f"`` each file) that stops at the first file whose ``body``
    fails: ``( for f in LISTED; do BODY || exit 1; done )``, the ``exit 1`` of a subshell, not of the
    user's shell, and the loop's status that of the failure. A bare ``for … done`` goes on to the next
    file and answers with the last file's status: a file CDO could not read was left out of the copies
    without a word, and a ``&&`` after the loop ran on them.

    Examples
    --------
    >>> stopping_loop("d/*.nc", 'cdo copy "$f" x/"${f##*/}"')
    '( for f in d/*.nc; do cdo copy "$f" x/"${f##*/}" || exit 1; done )'
    """
    return f"( for f in {listed}; do {body} || exit 1; done )"


#: A writer of a dataset named by one word: ``d.to_netcdf``, or the choice of
#: :data:`~climann.data.step_periods._PYTHON_STORE_BOUNDS` (``(d.to_zarr if z else d.to_netcdf)``).
_NAMED_WRITER = re.compile(r"(?P<name>\w+)\.to_(?:netcdf|zarr)"
                           r"|\((?P<chosen>\w+)\.to_zarr if \w+ else (?P=chosen)\.to_netcdf\)")


def _written_object(call: str) -> tuple[str, str, str]:
    """The Python name of the dataset that ``call`` (:func:`whole_write`) writes, the statement
    that names it (``""`` for a name) and the call that writes it: an expression
    (``xr.concat([...], 'time').to_netcdf``) is first named ``w_``."""
    if (named := _NAMED_WRITER.fullmatch(call)) is not None:
        return named["name"] or named["chosen"], "", call
    expression, writer = call.rsplit(".to_", 1)
    return "w_", f"w_={expression};", f"w_.to_{writer}"


def _one_missing_mark(name: str, quote: str) -> str:
    """The statement of a printed xarray line that leaves the dataset ``name`` with no
    ``missing_value`` xarray cannot write back. The NetCDF Users Guide and CF-1.8 §2.5.1 allow
    several values, and one beside a different ``_FillValue``; xarray reads both and refuses to
    write either ("conflicting _FillValue (nan) and missing_value ([-999. -888.])", "The truth
    value of an array with more than one element is ambiguous"). Read, the values it marks are
    NaN already: the ``_FillValue`` marks them in the copy (its first value where the variable has
    none). A copy of a file that climann's ncatted marked with several values (IGRA2's -8888 and
    -9999; two codes beside pandas' NaN ``_FillValue``, fix46h) failed every later xarray line
    (the time bounds'). Ends with ``;``; ``numpy`` imported before."""
    q = quote
    mark, fill = f"v.encoding[{q}missing_value{q}]", f"v.encoding.get({q}_FillValue{q}, numpy.nan)"
    return (f"[v.encoding.setdefault({q}_FillValue{q}, numpy.ravel(v.encoding.pop({q}missing_value{q}))[0]) for v in "
            f"{name}.variables.values() if {q}missing_value{q} in v.encoding and not numpy.array_equal("
            f"numpy.ravel({mark}), numpy.ravel({fill}), equal_nan=True)];")


def python_command(code: str) -> str:
    """``PYTHON -c "CODE"``, ``PYTHON`` the interpreter that runs climann (:func:`advised_python`:
    a bare ``python`` a plain shell finds may be the system's, without xarray, fix57d), ``CODE``
    in double quotes when nothing in it is special there to a POSIX shell (or to bash's history:
    ``!``), else quoted by :func:`shlex.quote`.

    Examples
    --------
    >>> line = python_command("import xarray; print(xarray.__name__)")
    >>> line == advised_python() + ' -c "import xarray; print(xarray.__name__)"'
    True
    """
    python = advised_python()
    plain = not any(character in code for character in '"$`\\!')
    return f'{python} -c "{code}"' if plain else f"{python} -c {shlex.quote(code)}"


def python_copies(code: str, files: Sequence[str | os.PathLike], folder: str = "grids") -> tuple[str, str]:
    """The command that runs ``python -c CODE IN OUT`` (a line that reads ``sys.argv[1]`` and
    writes ``sys.argv[2]``) on each of ``files``, writing a NetCDF copy under each one's name with
    ``.nc`` into a new folder beside the first (:func:`new_folder`): one command, or a loop over
    them (over a glob that takes them and nothing else when there is one, :func:`shared_glob`);
    and the ``--data`` that takes the copies."""
    into = new_folder(Path(files[0]).parent, folder)
    made = f"mkdir -p {shown_path(into)}"
    if len(files) == 1:
        copy = into / f"{Path(files[0]).stem}.nc"
        return f"{made} && {python_command(code)} {shown_path(files[0])} {shown_path(copy)}", shown_path(copy)
    pattern = shared_glob(files)
    listed = " ".join(shown_path(file) for file in files) if pattern is None else glob_words(pattern)
    command = f'{made} && ' + stopping_loop(listed, f'{python_command(code)} "$f" '
                                             f'{shown_path(into)}/"$(basename "${{f%.*}}")".nc')
    return command, shlex.quote(f"{working_path(into)}/*.nc")


def input_and_copy(path: str | os.PathLike, suffix: str = "fixed", *, extension: str = ".nc") -> str:
    """The two file arguments of a command that writes a corrected copy of ``path`` beside it:
    ``'my data/iri.nc' 'my data/iri_fixed.nc'`` (the copy ending ``extension``: a NetCDF one
    unless the command writes another format)."""
    return f"{shown_path(path)} {beside(path, suffix, extension)}"


def users_file_copied(files: str) -> str | None:
    """The user's file whose copy a command on ``files`` (``IN OUT`` as :func:`input_and_copy` gives
    them) writes beside it, to have it written into a new folder instead (:func:`copies_of_files`);
    None for placeholders (``IN.nc OUT.nc``), which name no file, and for a Zarr store (its attributes
    changed in place, :func:`attribute_command`; a store's copy is written by its own line)."""
    words = shlex.split(files)
    if len(words) != 2 or not os.path.isfile(words[0]) or is_zarr_store(words[0]):
        return None
    return words[0]


def one_copy_advice(advice: Callable[[str], str], files: str, name: str) -> str:
    """``advice(files)``, a command on ``files`` (``IN OUT`` as :func:`input_and_copy` gives them;
    or words holding such commands, in backticks or not), with the copy of the user's file written
    into a new folder ``name`` beside it, under its own name, and the ``--data`` to give in its place
    (:func:`copies_of_files`), not beside the file, where a glob over their folder took both
    (fix54b: the lines outside copies_of_files). Placeholders (``IN.nc OUT.nc``) and a Zarr store
    (:func:`users_file_copied`) are given ``advice(files)`` as it is. Alternatives printed together
    take a ``name`` each: in one folder, the second refused, or mixed with the first's copy.

    Examples
    --------
    >>> one_copy_advice(lambda files: f"ncks -x -v b {files}", "IN.nc OUT.nc", "dropped")
    'ncks -x -v b IN.nc OUT.nc'
    """
    if (original := users_file_copied(files)) is None:
        return advice(files)
    return copies_of_files(lambda arguments, _: advice(arguments), [original], name=name)


def in_place_note(files: str) -> str:
    """Words to put after a command that writes a corrected copy beside its input (``files``,
    ``IN OUT`` as :func:`input_and_copy` gives them): `` (then give 'd/iri_fixed.nc' in place
    of 'd/iri.nc' in --data: a glob over their folder takes both, and two files of one
    variable are refused)``; ``""`` for placeholders (``IN.nc OUT.nc``), which name no file.

    Examples
    --------
    >>> in_place_note("d/sftlf.nc d/sftlf_fixed.nc")
    ' (then give d/sftlf_fixed.nc in place of d/sftlf.nc in --data: a glob over their folder takes both, \
and two files of one variable are refused)'
    """
    words = shlex.split(files)
    if len(words) != 2 or words in (["IN.nc", "OUT.nc"], ["FILE.nc", "FILE_fixed.nc"]) or is_zarr_store(words[0]):
        return ""  # placeholders name no file; a store is changed in place (attribute_command)
    original, copy = (shlex.quote(word) for word in words)
    return (f" (then give {copy} in place of {original} in --data: a glob over their folder takes both, and two "
            f"files of one variable are refused)")


def source_and_copy(*objects: object, suffix: str = "fixed") -> str:
    """The two file arguments of a command that writes a corrected copy of the file the first
    of ``objects`` (xarray datasets or variables) that says so was read from (xarray's
    ``encoding["source"]``), beside it (:func:`input_and_copy`): ``'my data/iri.nc'
    'my data/iri_fixed.nc'``; ``IN.nc OUT.nc`` when none says (data built in memory)."""
    for item in objects:
        source = getattr(item, "encoding", {}).get("source")
        if source:
            return input_and_copy(source, suffix)
    return "IN.nc OUT.nc"


#: ncatted's type letters for NumPy types (NCO manual, "ncatted": ``f`` float, ``d`` double,
#: ``s`` short …).
NCATTED_TYPES = {"f4": "f", "f8": "d", "i1": "b", "u1": "ub", "i2": "s", "u2": "us", "i4": "l", "u4": "ul",
                 "i8": "ll", "u8": "ull"}


def ncatted_type(dtype: np.dtype) -> str:
    """ncatted's letter for an attribute of type ``dtype`` (:data:`NCATTED_TYPES`; ``d`` for
    a type it lacks)."""
    return NCATTED_TYPES.get(np.dtype(dtype).str[1:], "d")


def ncatted_number(value: object, dtype: np.dtype) -> str:
    """``value`` as ncatted is to read it into an attribute of type ``dtype``, to the digit
    that type needs: ``-9999``, ``1e+20`` (float), ``9.969209968386869e+36`` (double: the
    netCDF default fill, which ``9.96921e+36`` is not), ``0.2``.

    Parameters
    ----------
    value : number
    dtype : numpy.dtype
        The attribute's type.
    """
    dtype = np.dtype(dtype)
    number = np.asarray(value).astype(dtype)[()]
    if dtype.kind in "iu":
        return str(int(number))
    if np.isfinite(number) and float(number).is_integer() and abs(float(number)) < 1e15:
        return str(int(number))
    return str(number) if dtype == np.float32 else repr(float(number))


#: A name NCO's ncap2 reads bare in a script (NCO manual, ncap2, "ID Quoting": a letter or
#: ``_``, then letters, digits and ``_``); any other name is quoted there (:func:`ncap2_name`).
_NCAP2_BARE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def ncap2_name(name: str) -> str:
    """A variable's ``name`` as an ncap2 script names it: bare when it is an NCO identifier
    (``tas``), else in single quotes (``'land cover'``), as the NCO manual (ncap2, "ID
    Quoting") says for names with characters outside letters, digits and ``_`` (checked with
    NCO 5.1.4: ``land_cover_forest=('land cover'==1)`` reads the variable ``land cover``)."""
    return name if _NCAP2_BARE_NAME.fullmatch(name) else f"'{name}'"


def identifier(name: str) -> str:
    """``name`` as a name of a new variable that every tool reads bare: each run of characters
    other than letters, digits and ``_`` becomes one ``_`` (``land cover`` → ``land_cover``),
    with ``_`` before a leading digit."""
    word = re.sub(r"[^A-Za-z0-9_]+", "_", name).strip("_") or "_"
    return f"_{word}" if word[0].isdigit() else word


def script_word(script: str) -> str:
    """An ncap2 (or other tool's) ``script`` as one shell word, in quotes whatever it holds:
    ``'lat=90-lat'``; in double quotes when it holds single quotes (a quoted ncap2 name) and
    nothing a shell expands or ends between double quotes (dollar, backquote, backslash, ``"``, ``!``):
    ``"land_cover_forest=('land cover'==1)"``; else as :func:`shlex.quote` writes it."""
    if "'" not in script:
        return f"'{script}'"
    if not any(char in script for char in '$`\\"!'):
        return f'"{script}"'
    return shlex.quote(script)


def ncap2_command(scripts: Sequence[str], files: str) -> str:
    """One ``ncap2`` that runs each of ``scripts`` (``-s`` each, :func:`script_word`) on
    ``files`` (``IN OUT``, :func:`input_and_copy`); names in the scripts are given by
    :func:`ncap2_name`."""
    return " ".join(["ncap2", *(f"-s {script_word(script)}" for script in dict.fromkeys(scripts)), files])


def ncatted_attribute(attribute: str, variable: str, mode: str, kind: str = "", value: str = "") -> str:
    """One ``-a`` of ncatted (NCO manual, "ncatted": ``-a att_nm,var_nm,mode,att_type,att_val``),
    one shell word whatever the names: each part quoted as it needs to be
    (``-a valid_min,'sea surface temperature',o,f,-273.15``, ``-a units,tas,o,c,'kg m-2'``);
    ``variable`` empty for every variable (``-a bounds,,d,,``), ``global`` for the file's.

    Parameters
    ----------
    attribute, variable : str
        The attribute's and the variable's names as in the file.
    mode : str
        ``o`` overwrite, ``c`` create, ``d`` delete, ``a`` append, ``m`` modify.
    kind : str
        ncatted's type letter (:func:`ncatted_type`, ``c`` for text); empty with ``d``.
    value : str
        The value as ncatted reads it (numbers joined by ``,``, or text), not yet quoted.
    """
    parts = [attribute, variable, mode, kind, value]
    return "-a " + ",".join(shlex.quote(part) if part else "" for part in parts)


def ncrename_variable(old: str, new: str) -> str:
    """ncrename's ``-v old,new`` as one shell word (``-v 'sea temp',sst``)."""
    return f"-v {shlex.quote(old)},{shlex.quote(new)}"


def name_list(names: Sequence[str]) -> str:
    """Variables' names as the one shell word of NCO's ``-v`` (``tas,'net radiation'``)."""
    return ",".join(shlex.quote(name) for name in names)


def ncatted_command(attributes: Sequence[str], files: str) -> str:
    """One ``ncatted`` that makes every change of ``attributes`` (``-a valid_min,psl,o,f,90000``
    …) in one corrected copy: ``files`` is ``IN OUT`` (:func:`input_and_copy`). Commands that
    each wrote the copy from the same input would keep only the last one's change."""
    return " ".join(["ncatted", *dict.fromkeys(attributes), files])


#: ncatted's type letters of integer attributes; the other numeric letters (``f``, ``d``) are floats.
_INTEGER_LETTERS = frozenset({"b", "ub", "s", "us", "l", "ul", "ll", "ull", "i", "ui", "int", "short", "byte"})


def _parsed_attribute(attribute: str) -> tuple[str, str, str, str, str]:
    """The five fields of one ncatted ``-a`` (:func:`ncatted_attribute`): ``(attribute, variable,
    mode, kind, value)``, unquoted; the value is all after the fourth comma (``1,2`` for two numbers)."""
    (word,) = shlex.split(attribute.removeprefix("-a "))
    name, variable, mode, kind, value = (word.split(",", 4) + ["", "", "", "", ""])[:5]
    return name, variable, mode, kind, value


def _zarr_value(kind: str, value: str) -> object:
    """An ncatted value as the JSON a Zarr attribute holds: text for ``c``; a number, or a list of
    numbers, for a numeric type letter (integers for an integer letter)."""
    if kind in ("c", "char", "sng", "string", ""):
        return value
    numbers = [int(float(word)) if kind in _INTEGER_LETTERS else float(word) for word in value.split(",")]
    return numbers[0] if len(numbers) == 1 else numbers


#: An attribute that a Zarr store does not take from its arrays' attributes: xarray reads a
#: store's ``_FillValue`` from the array's own ``fill_value`` (format 2 ignores the attribute,
#: format 3 fails to open on it), and masks the values of ``missing_value`` (CF 2.5.1) alike.
ZARR_ATTRIBUTE_NAMES = {"_FillValue": "missing_value"}


def _zarr_edit(attribute: str) -> str:
    """One ncatted ``-a`` as a Python statement on the group ``g`` of a Zarr store: set
    (``o``, ``c``, ``m``) or delete (``d``) the attribute of one array, of every array (no
    variable), or of the group (``global``)."""
    name, variable, mode, kind, value = _parsed_attribute(attribute)
    name = ZARR_ATTRIBUTE_NAMES.get(name, name)
    change = f".pop({name!r}, None)" if mode == "d" else f"[{name!r}] = {_zarr_value(kind, value)!r}"
    if variable == "global":
        return f"g.attrs{change}"
    if not variable:
        return f"[a.attrs{change} for _, a in g.arrays()]"
    return f"g[{variable!r}].attrs{change}"


def _xarray_edit(attribute: str) -> str:
    """One ncatted ``-a`` as a Python statement on a dataset ``d`` that xarray opened (times not
    decoded), for a NetCDF file NCO cannot edit (an enum variable's): set or delete the attribute
    of one variable, of every variable (no variable) or of the file (``global``); a fill value
    (``_FillValue``, ``missing_value``) in the variable's ``encoding``, which xarray writes."""
    name, variable, mode, kind, value = _parsed_attribute(attribute)
    place = "encoding" if name in ("_FillValue", "missing_value") else "attrs"
    change = f".pop({name!r}, None)" if mode == "d" else f"[{name!r}] = {_zarr_value(kind, value)!r}"
    if variable == "global":
        return f"d.attrs{change}"
    if not variable:  # an assignment is no expression: update() in the list
        edit = f".pop({name!r}, None)" if mode == "d" else f".update({{{name!r}: {_zarr_value(kind, value)!r}}})"
        return f"[v.{place}{edit} for v in d.variables.values()]"
    return f"d[{variable!r}].{place}{change}"


def attribute_command(attributes: Sequence[str], files: str, *, file_command: str = "") -> str:
    """The command that makes the attribute changes ``attributes`` (ncatted's ``-a``,
    :func:`ncatted_attribute`) to the input of ``files`` (``IN OUT``, :func:`input_and_copy`):
    one ``ncatted`` writing a corrected copy of a NetCDF file (:func:`ncatted_command`); for a
    Zarr store, which NCO does not edit, one zarr-python line that changes the store itself
    (zarr format 2 and 3 alike) and consolidates its metadata (``zarr.consolidate_metadata``):
    a store's copy may be as large as its data. A store's ``_FillValue`` is set as its
    ``missing_value`` (:data:`ZARR_ATTRIBUTE_NAMES`). A change to an enum variable of a NetCDF-4
    file (:func:`~climann.data.enum_files.enum_variables`), which ncatted does not find, is one
    xarray line (:func:`xarray_command`) that writes the copy.

    Parameters
    ----------
    attributes : sequence of str
        ``-a att,var,mode,type,value`` words, as :func:`ncatted_attribute` gives them.
    files : str
        ``IN OUT`` as :func:`input_and_copy` or :func:`source_and_copy` give them.
    file_command : str, optional
        The command to give for a NetCDF file in place of ncatted's (an ``ncap2 -s
        'tas@cell_methods="time: mean"'`` that the advice gave before).

    Returns
    -------
    str

    Examples
    --------
    >>> attribute_command([ncatted_attribute("calendar", "time", "o", "c", "360_day")], "a.nc a_fixed.nc")
    'ncatted -a calendar,time,o,c,360_day a.nc a_fixed.nc'
    """
    words = shlex.split(files)
    enums = enum_variables(words[0]) if words else set()
    if enums and any(_parsed_attribute(attribute)[1] in (*enums, "") for attribute in attributes):
        # ncatted finds no enum variable (NCO has no enums: break41b B2b): the same edits in xarray
        return xarray_command([_xarray_edit(attribute) for attribute in dict.fromkeys(attributes)], files)
    if not words or not is_zarr_store(words[0]):
        return file_command or ncatted_command(attributes, files)
    store = working_path(words[0])
    edits = "; ".join(_zarr_edit(attribute) for attribute in dict.fromkeys(attributes))
    line = python_command(f"import zarr; g = zarr.open_group({store!r}, mode='r+'); {edits}; "
                          f"zarr.consolidate_metadata({store!r})")
    if not said_with(line):  # its note reads the store's attributes before the edit: once
        say_with(line, _store_edit_note(words[0], list(dict.fromkeys(attributes))))
    return line


#: An attribute a store did not have before a line's change (:func:`store_attributes_before`).
ABSENT = object()

#: The most attributes a note names one by one (:func:`_store_edit_note`); the line that puts them back holds all.
_NAMED_ATTRIBUTES = 6


def store_attributes_before(store: str | os.PathLike,
                            attributes: Sequence[str]) -> list[tuple[str | None, str, object]]:
    """The attributes of the Zarr ``store`` that the changes ``attributes`` (ncatted's ``-a``,
    :func:`ncatted_attribute`) make, as they are now: ``(array, attribute, value)`` in the order
    changed, ``array`` None for the group's own (``global``), every array's for a change of no
    variable, the attribute as the store names it (:data:`ZARR_ATTRIBUTE_NAMES`), ``value``
    :data:`ABSENT` where it has none.

    Raises
    ------
    Exception
        Whatever zarr raises when the store cannot be opened (zarr not installed, no store there).
    """
    import zarr

    group = zarr.open_group(str(store), mode="r")
    before: dict[tuple[str | None, str], object] = {}
    for attribute in attributes:
        name, variable, _, _, _ = _parsed_attribute(attribute)
        name = ZARR_ATTRIBUTE_NAMES.get(name, name)
        places = ([None] if variable == "global" else [str(array) for array, _ in group.arrays()] if not variable
                  else [variable])
        for place in places:
            held = dict((group if place is None else group[place]).attrs)
            before.setdefault((place, name), held.get(name, ABSENT))  # the first change's: the value before them all
    return [(place, name, value) for (place, name), value in before.items()]


def restore_command(store: str | os.PathLike, before: Sequence[tuple[str | None, str, object]]) -> str:
    """The zarr-python line that puts the attributes ``before`` (:func:`store_attributes_before`)
    back into ``store``: each value set again, each attribute that was absent removed, the
    metadata consolidated, as :func:`attribute_command`'s line does.

    Parameters
    ----------
    store : str or PathLike
        The Zarr store.
    before : sequence of (str or None, str, object)
        ``(array, attribute, value)``: None for the group's own, :data:`ABSENT` for none.

    Returns
    -------
    str
        ``python -c "import zarr; …"``, as :func:`python_command` quotes it.
    """
    path = working_path(store)
    statements = []
    for place, name, value in before:
        where = "g.attrs" if place is None else f"g[{place!r}].attrs"
        statements.append(f"{where}.pop({name!r}, None)" if value is ABSENT
                          else f"{where}[{name!r}] = {_literal(value)}")
    return python_command(f"import zarr; g = zarr.open_group({path!r}, mode='r+'); {'; '.join(statements)}; "
                          f"zarr.consolidate_metadata({path!r})")


def _literal(value: object) -> str:
    """``value``, an attribute's JSON value, as Python that gives it back: its ``repr`` when that reads
    back equal, else ``json.loads`` of its JSON (a NaN, whose repr ``nan`` is no Python)."""
    import ast
    import json

    try:
        if ast.literal_eval(repr(value)) == value:
            return repr(value)
    except (ValueError, SyntaxError):
        pass
    return f"__import__('json').loads({json.dumps(value)!r})"


def _store_edit_note(store: str, attributes: Sequence[str]) -> str:
    """The words said beside :func:`attribute_command`'s line on ``store``: that it changes the
    store's own attributes in place (a copy of a store may be as large as its data), which and
    their values before, and the line that puts those back (:func:`restore_command`)."""
    said = "this line changes the store's own attributes in place"
    try:
        before = store_attributes_before(store, attributes)
    except Exception as error:  # noqa: BLE001 - any failure to read: say so, the line is still given
        from climann.errors import library_message

        return (f"{said}; their values before could not be read ({library_message(error)}): copy the store's "
                ".zattrs, .zarray and zarr.json files first to keep them")
    named = [f"{name} of {place!r}" if place is not None else f"the store's {name}" for place, name, _ in before]
    values = ["none" if value is ABSENT else repr(value) for _, _, value in before]
    listed = [f"{what} ({value} before)" for what, value in zip(named, values)][:_NAMED_ATTRIBUTES]
    more = len(before) - len(listed)
    return (f"{said} (no copy: a store's may be as large as its data): {', '.join(listed)}"
            f"{f' and {more} more' if more > 0 else ''}; the line that puts them back: "
            f"`{restore_command(store, before)}`")


def values_command(scripts: Sequence[str], statements: Sequence[str], files: str) -> str:
    """The command that computes new values in a corrected copy of the input of ``files``
    (``IN OUT``, :func:`input_and_copy`): ``ncap2`` running ``scripts`` (:func:`ncap2_command`)
    for a NetCDF file; for a Zarr store, which NCO does not read, one xarray line that runs
    ``statements`` on the store opened as ``d`` (:func:`xarray.open_zarr`) and writes ``d`` to a
    new store beside it (``pr_fixed.zarr``), leaving the input as it is. Times are opened as the
    numbers stored, in their units (``decode_times=False``), as ncap2 reads a file's: a
    statement computes on them as the script does (``time=time-0.5`` in days), and they are
    written back as they were given (:func:`xarray_values`).

    Parameters
    ----------
    scripts : sequence of str
        ncap2 scripts (``where(pr < 0) pr = 0``), names as :func:`ncap2_name` gives them.
    statements : sequence of str
        The same change as Python statements on ``d`` (``d['pr'] = d['pr'].where(d['pr'] >= 0, 0)``).
    files : str
        ``IN OUT`` as :func:`input_and_copy` or :func:`source_and_copy` give them.

    Returns
    -------
    str

    Examples
    --------
    >>> values_command(["where(pr < 0) pr = 0"], ["d['pr'] = d['pr'].where(d['pr'] >= 0, 0)"], "a.nc a_fixed.nc")
    "ncap2 -s 'where(pr < 0) pr = 0' a.nc a_fixed.nc"
    """
    return copy_command(ncap2_command(scripts, files), statements, files)


def copy_command(file_command: str, statements: Sequence[str], files: str, *, suffix: str = "fixed") -> str:
    """The command that writes a corrected copy of the input of ``files`` (``IN OUT``,
    :func:`input_and_copy`): ``file_command``, NCO's or CDO's command on ``files``, for a
    NetCDF file; for a Zarr store, which neither tool reads, and a NetCDF-4 file with an enum
    type, which NCO stops at (:func:`~climann.data.enum_files.holds_enum_types`), one xarray line that runs
    ``statements`` on the store opened as ``d`` (:func:`xarray.open_zarr`, times as the numbers
    stored: ``decode_times=False``) and writes ``d`` to a new store beside it
    (``pr_fixed.zarr``), leaving the input as it is. :func:`values_command` (``ncap2``) and
    :func:`drop_command` (``ncks -x``) are made with it.

    Parameters
    ----------
    file_command : str
        The command for a NetCDF file, as printed.
    statements : sequence of str
        The same change as Python statements on ``d`` (``d = d.drop_vars(['time_bnds'])``).
    files : str
        ``IN OUT`` as :func:`input_and_copy` or :func:`source_and_copy` give them.
    suffix : str
        Says what the store's copy holds (:func:`copy_path`): ``pr_fixed.zarr``; another where
        several commands each write a copy of one store (one per time axis).

    Returns
    -------
    str
    """
    words = shlex.split(files)
    # NCO stops at a file's enum type (a NetCDF-4 enum variable anywhere in it): Python there too
    if not words or not (is_zarr_store(words[0]) or holds_enum_types(words[0])):
        return file_command
    return xarray_command(statements, files, suffix=suffix)


def xarray_command(statements: Sequence[str], files: str, *, suffix: str = "fixed") -> str:
    """One xarray line that runs ``statements`` on the input of ``files`` (``IN OUT``,
    :func:`input_and_copy`) opened as ``d`` with its times as the numbers stored
    (``decode_times=False``), and writes ``d`` to a copy: the second file of ``files`` for a
    NetCDF file (:meth:`xarray.Dataset.to_netcdf`); for a Zarr store (:meth:`xarray.Dataset.to_zarr`)
    that second one where it names a store (``shifted/pr.zarr``), else a new store beside it
    (``pr_fixed.zarr``), whole or not at all
    (:func:`whole_write`: a line interrupted half-way leaves no file under the copy's name). It
    is :func:`values_command`'s line for a store, and the way out that runs where NCO is not
    installed for a file.

    Parameters
    ----------
    statements : sequence of str
        Python statements on ``d`` (:func:`xarray_values`).
    files : str
        ``IN OUT`` as :func:`input_and_copy` or :func:`source_and_copy` give them.
    suffix : str
        Says what a store's copy holds (:func:`copy_path`): ``pr_fixed.zarr`` by default.

    Returns
    -------
    str

    Examples
    --------
    >>> line = xarray_command(["d['lat'] = d['lat'].copy(data=-d['lat'].data)"], "a.nc a_fixed.nc")
    >>> line.startswith(advised_python() + " -c ")  # the interpreter that runs climann (fix57d)
    True
    >>> print(line[line.index("-c "):line.index("import os")])  # doctest: +NORMALIZE_WHITESPACE
    -c "import sys, xarray as xr; d = xr.open_dataset('a.nc', decode_times=False);
    d['lat'] = d['lat'].copy(data=-d['lat'].data);
    >>> line.endswith("d.to_netcdf(p);os.replace(p,'a_fixed.nc')" + chr(34))  # whole_write: a.nc's part renamed
    True
    """
    words = shlex.split(files)
    body = "; ".join(dict.fromkeys(statements))
    if any("$" in word for word in words[:2]):  # a loop's file and copy (copies_of_files): read as arguments
        script = (f"import sys, xarray as xr; d = xr.open_dataset(sys.argv[1], decode_times=False); {body}; "
                  f"{whole_write()}")
        return f"{python_command(script)} {files}"
    if is_zarr_store(words[0]):
        # a store's copy named as a store (in a new folder, fix57a), else a new store beside it
        named = len(words) > 1 and words[1].rstrip("/").endswith(".zarr")
        store, copy = working_path(words[0]), working_path(words[1] if named else copy_path(words[0], suffix, ".zarr"))
        return python_command(f"import sys, xarray as xr; d = xr.open_zarr({store!r}, decode_times=False); "
                              f"{body}; {whole_write('d.to_zarr', repr(copy))}")
    read, written = (working_path(word) if word not in ("IN.nc", "OUT.nc") else word for word in words[:2])
    # of a GRIB file, through cfgrib without an index file beside the user's (break38a B5)
    grib = ", engine='cfgrib', backend_kwargs={'indexpath': ''}" if is_grib_file(read) else ""
    return python_command(f"import sys, xarray as xr; d = xr.open_dataset({read!r}{grib}, decode_times=False); "
                          f"{body}; {whole_write(target=repr(written))}")


def values_advice(scripts: Sequence[str], statements: Sequence[str], files: str) -> str:
    """The way out that computes new values into a copy, for the end of a message: the
    ``ncap2`` line of :func:`values_command` and the same change in Python
    (:func:`xarray_command`), which runs where NCO is not installed, for a NetCDF file; the
    xarray line alone for a Zarr store (NCO does not read one). Each in backticks."""
    words = shlex.split(files)
    if words and (is_zarr_store(words[0]) or holds_enum_types(words[0])):  # NCO reads neither
        return f"`{xarray_command(statements, files)}`"
    return f"`{ncap2_command(scripts, files)}`, or in Python: `{xarray_command(statements, files)}`"


def drop_command(names: Sequence[str], files: str) -> str:
    """The command that writes a copy of the input of ``files`` (``IN OUT``,
    :func:`input_and_copy`) without the variables ``names``: ``ncks -x -v NAMES IN OUT`` (NCO
    manual, "ncks": ``-x`` excludes the variables of ``-v``) for a NetCDF file, an xarray line
    for a Zarr store (:func:`copy_command`: ``d = d.drop_vars([...])``), which also drops the
    ``bounds`` attributes that name a variable dropped (CF 7.1: they would name none).

    Examples
    --------
    >>> drop_command(["time_bnds"], "a.nc a_fixed.nc")
    'ncks -x -v time_bnds a.nc a_fixed.nc'
    """
    dropped = list(names)
    unbound = (f"[v.attrs.pop('bounds') for v in d.variables.values() "
               f"if v.attrs.get('bounds') in {dropped!r}]")
    return copy_command(f"ncks -x -v {name_list(names)} {files}", [f"d = d.drop_vars({dropped!r})", unbound], files)


def select_command(names: Sequence[str], files: str, *, suffix: str = "fixed") -> str:
    """The command that writes a copy of the input of ``files`` (``IN OUT``) with the variables
    ``names`` alone (and the coordinates they need): ``ncks -v NAMES IN OUT`` (NCO manual,
    "ncks": ``-v`` extracts variables, their coordinates with them) for a NetCDF file, an xarray
    line for a Zarr store (:func:`copy_command`: ``d = d[[...]]``), its copy named with
    ``suffix`` (``two_time_tas.zarr``).

    Examples
    --------
    >>> select_command(["tas"], "a.nc a_tas.nc", suffix="tas")
    'ncks -v tas a.nc a_tas.nc'
    """
    return copy_command(f"ncks -v {name_list(names)} {files}", [f"d = d[{list(names)!r}]"], files, suffix=suffix)


def cut_command(cuts: Mapping[str, tuple[int, ...]], files: str) -> str:
    """The command that writes a copy of the input of ``files`` (``IN OUT``,
    :func:`input_and_copy`) cut to index ranges of some dimensions, ``{dim: (first, last)}``
    (inclusive, counting from 0) or ``{dim: (index,)}``: ``ncks -d dim,first,last … IN OUT``
    (NCO manual, "ncks": ``-d`` hyperslabs, a dimension kept at length 1 for one index) for a
    NetCDF file, an xarray line for a Zarr store (:func:`copy_command`: ``d = d.isel({dim:
    slice(first, last + 1)})``, which keeps the dimension too).

    Examples
    --------
    >>> cut_command({"lon": (0, 359)}, "a.nc a_fixed.nc")
    'ncks -d lon,0,359 a.nc a_fixed.nc'
    """
    hyperslabs = " ".join(f"-d {dim},{','.join(map(str, span))}" for dim, span in cuts.items())
    slices = ", ".join(f"{dim!r}: slice({span[0]}, {span[-1] + 1})" for dim, span in cuts.items())
    return copy_command(f"ncks {hyperslabs} {files}", [f"d = d.isel({{{slices}}})"], files)


def cut_advice(cuts: Mapping[str, tuple[int, ...]], files: str) -> str:
    """:func:`cut_command` for the end of a message, in backticks: the ``ncks`` line and the same
    cut in Python (:func:`xarray_command`: ``d = d.isel({dim: slice(first, last + 1)})``), which
    runs where NCO is not installed (break36b B3), for a NetCDF file; the xarray line alone for a
    Zarr store (NCO does not read one).

    Examples
    --------
    >>> advice = cut_advice({"station": (0,)}, "s.nc s_station0.nc")
    >>> print(advice[:advice.index("import os")])  # doctest: +NORMALIZE_WHITESPACE
    `ncks -d station,0 s.nc s_station0.nc`, or in Python: `.../python -c "import sys, xarray as xr;
    d = xr.open_dataset('s.nc', decode_times=False); d = d.isel({'station': slice(0, 1)});
    >>> advice.endswith("d.to_netcdf(p);os.replace(p,'s_station0.nc')" + chr(34) + "`")
    True
    """
    command = cut_command(cuts, files)
    words = shlex.split(files)
    if not words or is_zarr_store(words[0]):
        return f"`{command}`"
    slices = ", ".join(f"{dim!r}: slice({span[0]}, {span[-1] + 1})" for dim, span in cuts.items())
    return f"`{command}`, or in Python: `{xarray_command([f'd = d.isel({{{slices}}})'], files)}`"


def steps_command(steps: Sequence[int], dim: str, files: str, *, suffix: str = "fixed") -> str:
    """The command that writes a copy of the input of ``files`` (``IN OUT``) without the time
    steps ``steps`` (counting from 1, as CDO does) of its time dimension ``dim``: ``cdo
    delete,timestep=4,5 IN OUT`` (CDO's ``delete`` operator) for a NetCDF file, an xarray line
    for a Zarr store (:func:`copy_command`: ``d = d.drop_isel({dim: [...]})``, counting from 0),
    its copy named with ``suffix``.

    Examples
    --------
    >>> steps_command([4, 5], "time", "a.nc a_selected.nc", suffix="selected").split(" && ")[-1]
    'cdo delete,timestep=4,5 a.nc a_selected.nc'
    """
    first = [step - 1 for step in steps]
    return copy_command(cdo_command(f"delete,timestep={','.join(map(str, steps))}", files),
                        [f"d = d.drop_isel({{{dim!r}: {first!r}}})"], files, suffix=suffix)


def rename_command(renames: Mapping[str, str], files: str) -> str:
    """The command that writes a copy of the input of ``files`` (``IN OUT``,
    :func:`input_and_copy`) with its variables renamed, ``{old: new}``: ``ncrename -v old,new
    … IN OUT`` (NCO manual, "ncrename"; :func:`ncrename_variable`) for a NetCDF file, an xarray
    line for a Zarr store (:func:`copy_command`: ``d = d.rename_vars({...})``, variables only, as
    ncrename's ``-v``).

    Examples
    --------
    >>> rename_command({"t2m": "tas"}, "a.nc a_fixed.nc")
    'ncrename -v t2m,tas a.nc a_fixed.nc'
    """
    words = " ".join(ncrename_variable(old, new) for old, new in renames.items())
    return copy_command(f"ncrename {words} {files}", [f"d = d.rename_vars({dict(renames)!r})"], files)


def xarray_data(name: str) -> str:
    """The values of the variable ``name`` of the dataset ``d`` of a :func:`values_command`, as
    Python: ``d['lat'].data`` (lazy for a store's data variable)."""
    return f"d[{name!r}].data"


def xarray_values(name: str, expression: str) -> str:
    """The statement of a :func:`values_command` that gives the variable ``name`` of the dataset
    ``d`` the values ``expression`` (Python on ``d``, :func:`xarray_data`), its dimensions,
    attributes and encoding kept (``DataArray.copy(data=...)``) but for the stored type and
    packing (:data:`STORED_TYPE_KEYS`), which are dropped: the ncap2 script ``lat=90-lat`` is
    ``d['lat'] = d['lat'].copy(data=90 - d['lat'].data); ...``.

    Every advice built on it computes new values in the units the file is read in (a time's
    middle, a unit converted, bounds moved), and those are written as computed: kept, an
    integer ``dtype`` (times as int64 ``hours since``, cells' bounds as whole days) rounds a
    middle of 15.5 days to 16 on write, and a packing (int16 with ``scale_factor``) rounds to
    its step and wraps values that leave its range, a precipitation in m times 1000 written as
    garbage (fix34c).

    Examples
    --------
    >>> xarray_values("lat", f"90 - {xarray_data('lat')}")
    "d['lat'] = d['lat'].copy(data=90 - d['lat'].data); \
[d['lat'].encoding.pop(k, None) for k in ('dtype', 'scale_factor', 'add_offset')]"
    """
    return f"d[{name!r}] = d[{name!r}].copy(data={expression}); {unpacked(name)}"


#: The encoding keys that store a variable as another type than its values (xarray's CF coders):
#: the stored ``dtype`` and CF packing (NUG, CF 8.1), dropped where new values are written.
STORED_TYPE_KEYS = ("dtype", "scale_factor", "add_offset")


def unpacked(name: str) -> str:
    """The statement that drops the stored type and packing (:data:`STORED_TYPE_KEYS`) from the
    encoding of the variable ``name`` of the dataset ``d``: its values are then written as they
    are (float64 for a time's middles), not rounded to an integer type or a packing's step."""
    return f"[d[{name!r}].encoding.pop(k, None) for k in {STORED_TYPE_KEYS!r}]"


def xarray_item(name: str, index: str, value: str) -> str:
    """The statements of a :func:`values_command` that set one value of the variable ``name``
    of the dataset ``d``, as the ncap2 script ``time(3)=123.5`` does: ``v = d['time'].values.copy();
    v[3] = 123.5; d['time'] = d['time'].copy(data=v)`` (:func:`xarray_values`); ``index`` as
    Python writes it (``3``, ``3, 0``)."""
    return f"v = d[{name!r}].values.copy(); v[{index}] = {value}; {xarray_values(name, 'v')}"


#: The tools whose commands climann's advice gives; in a message without backticks, a command
#: runs from one of these words to the ``)`` that closes the parenthesis it is in, to a word
#: beginning with ``(`` after it (``… in.nc out.nc (for totals over the day …)``), to a ``,``
#: or ``;`` that ends a word outside quotes (``… --resume runs/demo, or pass --overwrite``),
#: or to the end.
TOOLS = ("ncatted", "ncks", "ncrename", "ncap2", "ncpdq", "cdo", "gunzip", "bunzip2", "unxz", "unzstd", "unzip")

#: climann's own commands (``climann train --resume runs/demo``), which begin as the tools' do:
#: ``climann`` followed by one of these words (not ``climann predictions of tas``, nor the
#: ``climann: error:`` of every message).
CLIMANN_COMMANDS = ("sample-data", "info", "predict", "evaluate", "plot", "explain", "compare", "sweep", "train",
                    "config")

#: The starts of climann's advised lines that begin with no tool's name: a copy's folder made
#: before it (``mkdir -p sincos && python -c "…"``, :func:`one_copy_line`) and a Python line
#: (:func:`python_command`, the interpreter by its path too: :func:`advised_python`). Unknown as
#: commands, their words were wrapped over fifteen comment lines of ``climann info > my.toml``,
#: inside the program's string literals (break56c A2).
_ADVISED_STARTS = rf"mkdir -p |{_PYTHON_WORD} -c "

_COMMAND_START = re.compile(
    rf"`|(?<![\w.-])(?:(?:{'|'.join(TOOLS)}) |climann (?:{'|'.join(CLIMANN_COMMANDS)})(?![\w-])|{_ADVISED_STARTS})")


#: The start of a compound command of climann's advice that begins with no tool's name: the loop
#: of :func:`copies_of_files` (``( for f in …; do [ ! -e …; done ) && mkdir -p … && ( for f in …``)
#: and the guard of :func:`one_copy_advice` (``{ [ ! -e …] || { echo …; false; }; } && …``). Its
#: ``;`` are its own, not the prose's (break54d: ``climann info`` wrapped such a loop over eight
#: comment lines, which no shell takes back as one).
_COMPOUND_START = re.compile(
    r"(?<![\w.-])(?:\( for \w+ in |for \w+ in |\{ \[ ! -e |mkdir -p (?:'[^']*'|\S+) && (?:\( )?for \w+ in )")


def _command_end(text: str, start: int, *, compound: bool = False) -> int:
    """Where the command that begins at ``start`` (after a backtick, or a tool's name) ends:
    after its closing backtick; else at the unquoted ``)`` that closes a parenthesis opened
    before it, before an unquoted ``(`` that begins a word but a loop's ``( for``
    (:func:`stopping_loop`) (prose after the command: in a
    POSIX shell ``(`` is an operator that only begins a subshell, a syntax error among a
    command's arguments; POSIX.1-2017 Shell Command Language 2.9.4), before an unquoted ``,``
    or ``;`` followed by a space (the prose's punctuation: ``;`` ends a shell command, and no
    argument of climann's advice ends in a comma but ``ncatted``'s deletion ``-a
    _FillValue,x,d,,``, whose two commas go on: break39a F5, the line after it was not chained),
    or at the end of ``text`` (single and
    double quotes as a POSIX shell reads them). A ``compound`` command (:data:`_COMPOUND_START`)
    is not ended by its ``;``."""
    if text[start] == "`":
        closing = text.find("`", start + 1)
        return len(text) if closing < 0 else closing + 1
    depth, quote = 0, None
    for index in range(start, len(text)):
        char = text[index]
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif (char == "(" and depth == 0 and index > start and text[index - 1].isspace()
              and not text.startswith("( for ", index)):  # a loop's subshell (stopping_loop) goes on
            return len(text[:index].rstrip())
        elif (char in ("," if compound else ",;") and depth == 0 and text[index + 1:index + 2].isspace()
              and not (char == "," and text[index - 1] == ",")):  # ncatted's "-a _FillValue,x,d,," goes on
            return index
        elif char in "()":
            depth += 1 if char == "(" else -1
            if depth < 0:
                return index
    return len(text)


#: A number as messages write it (``1000``, ``-0.5``, ``1e-3``), possibly after a ``(``.
_NUMBER = re.compile(r"\(?[-+−]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")

#: One symbol of a UDUNITS unit as messages write it after a number (``kg``, ``m-3``, ``s-1``,
#: ``hPa``, ``W``, ``degC``), with an exponent and the prose's punctuation after it.
_UNIT_SYMBOL = re.compile(r"(?:[kcmµhd]?(?:g|m|s|K|W|J|Pa|N|mol)|day|yr|degC|degF|%)"
                          r"(?:(?:\*\*)?-?\d+|⁻?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)?[,.;:)]*")

#: Operators as messages write them between spaces (``1 − MSE/MSE_clim``, ``173 ± 0.62 K²``,
#: ``area_weighted = true``): never the last word of a line nor the first, so a line never ends
#: in ``1 −`` or ``mean ±`` (break49e A3). Not ``-`` nor ``/``, which prose and paths use otherwise.
_OPERATORS = frozenset({"±", "−", "+", "×", "·", "=", "≈", "≠", "≤", "≥", "→"})


#: One word of units in parentheses after a number (``(dimensionless)``, ``(kg m-2 s-1)²``,
#: ``(mm/day)``, ``(units 0.001)``, ERA5's ``(0 - 1)``): a unit's letters with an exponent, joined
#: by ``/``, ``*``, ``^`` or ``.``, a number, or a dash; at most :data:`_UNIT_GROUP_WORDS` words.
_PARENTHESISED_UNIT_WORD = re.compile(
    r"(?:[A-Za-zµ°%_]+(?:\^?[-+]?\d+|⁻?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)?|[-+]?\d+(?:\.\d+)?|[-−])"
    r"(?:[/*^.·](?:[A-Za-zµ°%_]+(?:\^?[-+]?\d+|⁻?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)?|\d+(?:\.\d+)?))*")
#: The most words units in parentheses after a number have (``(kg m-2 s-1)``: 3).
_UNIT_GROUP_WORDS = 4


def _parenthesised_units(words: list[tuple[str, str]], start: int) -> int:
    """How many of ``words`` from ``start`` are units in parentheses (``(dimensionless),``,
    ``(kg`` ``m-2`` ``s-1)²``, each word with its spaces, :func:`_words`), one space between
    them, or 0: a ``(`` opens the first, the first ``)`` closes them (a square and the prose's
    punctuation may follow it), each word between is a word of units
    (:data:`_PARENTHESISED_UNIT_WORD`), at most :data:`_UNIT_GROUP_WORDS` of them."""
    if not words[start][0].startswith("("):
        return 0
    inside: list[str] = []
    for count, (word, spaces) in enumerate(words[start:start + _UNIT_GROUP_WORDS], start=1):
        text = word[1:] if count == 1 else word
        content, closing, after = text.partition(")")
        inside.append(content)
        if closing:
            tail = re.fullmatch(r"[²³]?[,.;:)]*", after) is not None
            return count if tail and _units_inside(inside) else 0
        if spaces != " ":
            return 0
    return 0


def _units_inside(parts: list[str]) -> bool:
    """Whether the words between parentheses are units: words of units
    (:data:`_PARENTHESISED_UNIT_WORD`) that are all units' letters (``kg m-2 s-1``), all numbers
    and dashes (ERA5's ``0 - 1``), or ``units`` and a number (``units 0.001``, a unit that is a
    number, :func:`climann.data.unit_text.after_number`); not numbers among words (``3 of 5 years``)."""
    if not parts or not all(_PARENTHESISED_UNIT_WORD.fullmatch(part) for part in parts):
        return False
    numeric = [bool(re.fullmatch(r"[-+]?\d+(?:\.\d+)?|[-−]", part)) for part in parts]
    return not any(numeric) or all(numeric) or (parts[0] == "units" and all(numeric[1:]))


def _with_units_kept(words: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """``words`` (:func:`_words`) with a number and the unit symbols after it made one word
    (``1000 kg m-3``, ``0.5 K``): a line that ends in ``1000 kg`` and a next that begins with
    ``m-3`` reads as another unit (break28b A7), ``0.6666`` and ``K²`` as two (break49e A3).
    So are a number and units in parentheses after it (``MSE 0.53 (dimensionless)``,
    ``0.2 (kg m-2 s-1)``, :func:`_parenthesised_units`): ``0.53`` at a line's end and
    ``(dimensionless)`` at the next's start read as a number without units (break51 N4).
    Only after a number: units in words (``pr (kg m-2 s-1)``) are kept whole by the caller's
    ``whole`` phrases. An operator (:data:`_OPERATORS`) is made one word with the words either
    side of it (``1 − MSE/MSE_clim``, ``mean ± standard``), as a number with its units."""
    kept: list[tuple[str, str]] = []
    after_number = False  # the last word is a number, or a number and units without punctuation after them
    after_operator = False  # the last word ends in an operator (:data:`_OPERATORS`) and one space
    index = 0
    while index < len(words):
        word, spaces = words[index]
        group = _parenthesised_units(words, index) if after_number and kept and kept[-1][1] == " " else 0
        if group:  # the units in parentheses after a number: one word with it, nothing joined after them
            kept[-1] = (f"{kept[-1][0]} " + " ".join(part for part, _ in words[index:index + group]),
                        words[index + group - 1][1])
            after_number = after_operator = False
            index += group
            continue
        index += 1
        joined = kept and kept[-1][1] == " " and (
            after_operator or word in _OPERATORS or (after_number and _UNIT_SYMBOL.fullmatch(word)))
        if joined:
            unit = after_number and not after_operator and bool(_UNIT_SYMBOL.fullmatch(word))
            kept[-1] = (f"{kept[-1][0]} {word}", spaces)
            after_number = (unit and word[-1] not in ",.;:)") or (not unit and bool(_NUMBER.fullmatch(word)))
        else:
            kept.append((word, spaces))
            after_number = bool(_NUMBER.fullmatch(word))
        after_operator = word in _OPERATORS
    return kept


def _words(text: str, whole: Sequence[str] = ()) -> list[tuple[str, str]]:
    """``text`` split at its spaces, except those inside a shell command (see :data:`TOOLS`)
    or inside one of the phrases ``whole``, or between a number and its units
    (:func:`_with_units_kept`): each word with the spaces that follow it."""
    phrases = sorted((phrase for phrase in set(whole) if any(char.isspace() for char in phrase)), key=len,
                     reverse=True)  # the longest first: "(kg m-2 s-1)²" before "kg m-2 s-1"
    words: list[tuple[str, str]] = []
    word, spaces, index = "", "", 0
    while index < len(text):
        if text[index].isspace():
            spaces, index = spaces + text[index], index + 1
            continue
        if spaces and word:
            words.append((word, spaces))
            word = ""
        spaces = ""
        phrase = next((phrase for phrase in phrases if text.startswith(phrase, index)), "")
        if phrase:
            end = index + len(phrase)
        else:
            compound = _COMPOUND_START.match(text, index) is not None
            end = (_command_end(text, index, compound=compound) if compound or _COMMAND_START.match(text, index)
                   else index + 1)
        word, index = word + text[index:end], end
    return _with_units_kept([*words, (word, spaces)] if word else words)


def wrapped_lines(text: str, width: int, *, initial_indent: str = "", subsequent_indent: str = "",
                  whole: Sequence[str] = (), continued: bool = False) -> list[str]:
    """``text`` wrapped between words into lines of at most ``width`` characters, as
    :func:`textwrap.wrap`, but never inside a shell command (one in backticks, or one
    beginning with a tool's name or with climann's own, see :data:`TOOLS` and
    :data:`CLIMANN_COMMANDS`), nor inside a phrase of ``whole`` (units such as
    ``(kg m-2 s-1)²``): a command that does not fit on the line
    starts the next, and one longer than ``width`` stands on a line of its own, whole (a
    terminal wraps it softly, and copying it gives the command back as one line).

    Parameters
    ----------
    text : str
        One message; its line breaks are kept, and the spaces before the first word and
        between words on one line.
    width : int
        The terminal's or the report's width, in characters.
    initial_indent, subsequent_indent : str
        Put before the first line and before each of the others.
    whole : sequence of str
        Phrases of ``text`` that are never split (their spaces are not places to break), as
        a command's are not.
    continued : bool
        Break a command longer than a line at its spaces outside quotes, each of its lines but
        the last ending in a space and a backslash (the shell's line continuation: the lines pasted into a
        shell are one command again), the next indented by two more spaces
        (:func:`continued_command`). For a terminal, which would otherwise break the long line
        at its last column, inside a file name (break30b A6). Without it such a command stands
        whole on a line of its own (a file's comment: a ``#`` before each line would not paste).

    Returns
    -------
    list of str
        The lines, without line breaks.
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        # the paragraph's own leading spaces are kept, as textwrap keeps them (a table's indent)
        leading = paragraph[: len(paragraph) - len(paragraph.lstrip())]
        line, indent, between = "", initial_indent if not lines else subsequent_indent, leading
        for word, spaces in _words(paragraph, whole):
            if line and len(indent) + len(line) + len(between) + len(word) > width:
                lines.append(indent + line)
                line, indent, between = "", subsequent_indent, ""
            pieces = [word]
            if continued and not line and len(indent) + len(between) + len(word) > width and \
                    _COMMAND_START.search(word):
                pieces = continued_command(between + word, width - len(indent),
                                           width - len(subsequent_indent) - len(CONTINUATION_INDENT))
            if len(pieces) > 1:  # a command: its lines but the last now, the last goes on as a word
                lines += [indent + pieces[0], *(subsequent_indent + CONTINUATION_INDENT + piece
                                                for piece in pieces[1:-1])]
                indent, between, word = subsequent_indent + CONTINUATION_INDENT, "", pieces[-1]
            line, between = line + between + word, spaces
        lines.append(indent + line)
    return lines


#: How much further than its first line a command's continued lines are indented.
CONTINUATION_INDENT = "  "


def shell_words(command: str) -> list[str]:
    """``command`` split at its runs of spaces outside single or double quotes (the quotes kept):
    the words as printed, ready to be put into another printed command.

    Examples
    --------
    >>> shell_words('"$f" "my data"/"${f##*/}"')
    ['"$f"', '"my data"/"${f##*/}"']
    """
    words, word, quote = [], "", None
    for char in command:
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char.isspace():
            if word:
                words.append(word)
            word = ""
            continue
        word += char
    return [*words, word] if word else words


def continued_command(command: str, first_width: int, width: int) -> list[str]:
    r"""``command`` laid out on lines of at most ``first_width`` (the first) and ``width`` (the
    others) characters, broken only at its spaces outside quotes, each line but the last
    ending in a space and a backslash (a POSIX shell's line continuation, Shell Command Language 2.2.1: the
    backslash and newline are removed, so the lines are the one command). A word longer than
    its line stays whole on a line of its own.

    Parameters
    ----------
    command : str
        One shell command as a message gives it (in backticks or parentheses or not).
    first_width, width : int
        The room on the first line and on each later one, in characters.

    Returns
    -------
    list of str
        Without the indent, the last without a backslash.

    Example
    -------
    >>> continued_command("ncatted -a units,tas,o,c,K in.nc out.nc", 30, 28)
    ['ncatted -a units,tas,o,c,K \\', 'in.nc out.nc']
    """
    words = shell_words(command)
    lines, line, room = [], "", first_width
    for word in words:
        if line and len(line) + 1 + len(word) + len(" \\") > room:
            lines.append(f"{line} \\")
            line, room = "", width
        line = f"{line} {word}" if line else word
    return [*lines, line]
