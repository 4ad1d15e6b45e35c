"""Variables renamed in some of the files (``[data] rename``, ``--rename 'GLOB:OLD=NEW'``).

A rule ``{"t2m_*" = {t2m = "tas"}}`` renames variable ``t2m`` to ``tas`` in every file the
pattern matches, as each file is opened and before anything else looks at its variables. The
files then form one set, combined exactly as files that used the new names from the start
(``ncrename -v t2m,tas`` on a copy): the ERA5 years of a variable named ``t2m`` and the CMIP
years named ``tas`` become one ``tas`` over the whole period (each variable's files joined
along time, overlaps refused or resolved by ``[data] overlap``, units converted to the first
file's); two scenarios that both call their field ``air_temperature`` become two variables.

A pattern without a ``/`` matches a file's name (``*585*`` is not matched by a folder
``cmip-585/`` the files are in). One with a ``/`` matches its path: as the paths are given,
a pattern relative to the working directory (``era5/*``, ``./era5/*``, ``../era5/*``, as
``[data] paths`` and ``--data`` are), or the file's absolute path (``/data/ssp585/*``,
``*/ssp585/*``). A run records each relative pattern with a ``/`` made absolute against the
folder it was started in (:func:`anchored_rules`), as it records its files' absolute paths:
its ``config.toml`` and its renames of new data then mean the same files from any folder.
"""

from __future__ import annotations

import fnmatch
import glob
import json
import logging
import os
import re
import shlex
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

import xarray as xr

from climann.data.shell import input_and_copy, one_copy_advice, rename_command, shown_path, working_path
from climann.data.sources import FILE_NAME_KEY
from climann.data.variables import data_variable_names
from climann.errors import ClimannError

_log = logging.getLogger(__name__)


def _matches(path: Path, pattern: str, given: frozenset[Path]) -> bool:
    """Whether ``path`` is one of the files ``pattern`` names (``given``: the pattern's own
    glob, resolved, for a pattern with a ``/``)."""
    if "/" not in pattern:
        return fnmatch.fnmatch(path.name, pattern)
    return fnmatch.fnmatch(str(path), pattern) or path.resolve() in given


def _needed_renames(names: Collection[str], rules: Mapping[str, Mapping[str, str]]) -> dict[str, tuple[str, str]]:
    """{old name: (new name, pattern)} of the rules' renames that a file holding ``names`` would
    need to be named as the run's files were: each old name it holds whose new name it lacks,
    the first rule's when several rename one name (or give one new name)."""
    needed: dict[str, tuple[str, str]] = {}
    for pattern, mapping in rules.items():
        for old, new in mapping.items():
            taken = {renamed for renamed, _ in needed.values()}
            if old in names and new not in names and old not in needed and new not in taken and old != new:
                needed[old] = (new, pattern)
    return needed


def _anchored(pattern: str, folder: Path) -> str:
    """``pattern`` made absolute against ``folder`` when it names paths relative to it (it has
    a ``/``, and begins neither with ``/``, ``~`` nor a glob character: ``*/ssp585/*`` matches
    at any depth and stays so)."""
    if "/" not in pattern:
        return pattern
    expanded = os.path.expanduser(pattern)
    if os.path.isabs(expanded) or expanded[0] in "*?[":
        return expanded
    return os.path.normpath(os.path.join(folder, expanded))


def anchored_rules(rules: Mapping[str, Mapping[str, str]], folder: Path) -> dict[str, dict[str, str]]:
    """``[data] rename`` with each pattern that names paths relative to ``folder`` (``era5/*``,
    ``../era5/*``) made absolute against it (``/work/era5/*``); name patterns (``t2m_*``) and
    absolute ones as they are.

    Parameters
    ----------
    rules : mapping of glob pattern to {old name: new name}
    folder : Path
        The folder the relative patterns were given in: the working directory of the run.

    Returns
    -------
    dict
        The same rules in the same order, their patterns anchored.

    Examples
    --------
    >>> anchored_rules({"era5/*": {"t2m": "tas"}, "t2m_*": {"t2m": "tas"}}, Path("/work"))
    {'/work/era5/*': {'t2m': 'tas'}, 't2m_*': {'t2m': 'tas'}}
    """
    return {_anchored(pattern, folder): dict(mapping) for pattern, mapping in rules.items()}


def _matches_as_glob(path: str, pattern: str) -> bool:
    """Whether ``glob`` would give ``path`` for the absolute ``pattern``: each path component
    matched by the pattern's component (``*`` does not cross a ``/``), without the disk."""
    parts, wanted = Path(path).parts, Path(pattern).parts
    return len(parts) == len(wanted) and all(fnmatch.fnmatch(part, own) for part, own in zip(parts, wanted))


def anchored_to_files(rules: Mapping[str, Mapping[str, str]], files: Sequence[str]) -> dict[str, dict[str, str]]:
    """The rules of a run recorded before its relative patterns were anchored
    (:func:`anchored_rules`): each relative pattern with a ``/`` made absolute against the
    innermost folder of one of the run's own (absolute) ``files`` from which it names that
    file, as it did in the folder the run was started in; a pattern that names none of them
    from any of their folders is kept as it is (and matches as before)."""
    anchored = {}
    for pattern, mapping in rules.items():
        candidates = ((path, _anchored(pattern, folder)) for path in files for folder in Path(path).parents)
        anchored[next((candidate for path, candidate in candidates if candidate != pattern
                       and _matches_as_glob(path, candidate)), pattern)] = dict(mapping)
    return anchored


def _warn_unmatched_old_name(dataset: xr.Dataset, path: Path, rules: Mapping[str, Mapping[str, str]],
                             used: Collection[str] = ()) -> None:
    """Warn that new data ``path``, which no pattern of the run's rules matches, hold old names
    of the rules and not their new names (they are not renamed: see :class:`FileRenames`),
    with the ``ncrename`` command that makes a renamed copy beside the file, all of the
    renames in one (NCO manual, "ncrename"; files named by :mod:`climann.data.shell`). An old
    name the run itself uses (``used``: ERA5's ``t2m``, the target of a run that renamed the
    S2S forecasts' ``t2m`` to ``t2m_fc``) is that variable, and no rename is asked for it
    (break41c C3: the warning told to rename the target to the predictor's name)."""
    needed = {old: renamed for old, renamed in _needed_renames({str(name) for name in dataset.variables},
                                                               rules).items() if old not in used}
    if not needed:
        return
    olds = " and ".join(f"'{old}'" for old in needed)
    news = " and ".join(f"'{new}'" for new, _ in needed.values())
    patterns = " or ".join(dict.fromkeys(f"'{pattern}'" for _, pattern in needed.values()))
    renamed = {old: new for old, (new, _) in needed.items()}
    # one file's copy in a new folder (fix54b: era5_2000_fixed.nc beside it, taken with it by a glob)
    renames = one_copy_advice(lambda arguments: f"`{rename_command(renamed, arguments)}`", input_and_copy(path),
                              "renamed")
    they, them = ("it is", "it") if len(needed) == 1 else ("they are", "them")
    _log.warning(
        f"{path.name} holds {olds}, which the run renamed to {news} in files matching {patterns} only "
        f"([data] rename): {they} left as {olds} here; if {they} the model's {news}, rename {them} in a copy "
        f"({renames}) or name the file to match"
    )


class FileRenames:
    """The renames of each file, applied as the file is opened.

    Parameters
    ----------
    files : sequence of Path
        The files to be opened.
    rules : mapping of glob pattern to {old name: new name}
        ``[data] rename``; each file takes the first rule whose pattern matches it (see the
        module description).

    checked_at_last : bool
        Shared by several openings (the blocks of ``[data] split_files``, whose files all
        count for the patterns and old names): :meth:`check_applied` then checks only when
        called with ``at_last=True``, once every block is open.
    new_data : bool
        The rules are a trained run's, applied to new files (``predict``, ``evaluate
        --data``): they rename where they match, as in training (new ERA5 files named
        ``t2m_*`` give ``tas``), but a pattern that matches none of the new files, or an old
        name none of them holds, is not refused: the rules were written for the training
        files, and new files already named as the model's variables (a CMIP scenario's
        ``tas``) need none.
    used : collection of str
        With ``new_data``, the run's own variable names (its target and predictors): a file
        no pattern matches that holds one of them under a rule's old name is not warned of.
    given : collection of str, optional
        With ``new_data``, the patterns of ``rules`` the user gave on the command line
        (``--rename``), the others being the run's own ``[data] rename``; None when every rule
        is the user's (train and info, where a ``--rename`` given replaces ``[data] rename``).

    Raises
    ------
    ClimannError
        If a pattern matches none of the files (unless ``new_data``).
    """

    def __init__(
        self, files: Sequence[Path], rules: Mapping[str, Mapping[str, str]], *, checked_at_last: bool = False,
        new_data: bool = False, used: Collection[str] = (), given: Collection[str] | None = None,
    ) -> None:
        self.checked_at_last = checked_at_last
        self.new_data = new_data
        self.used = frozenset(used)
        self.rules = {pattern: dict(mapping) for pattern, mapping in rules.items()}
        self.given = frozenset(self.rules if given is None else given)
        given = {pattern: frozenset(Path(p).resolve() for p in glob.glob(os.path.expanduser(pattern)))
                 for pattern in self.rules if "/" in pattern}
        self.rule_of: dict[Path, str] = {}
        for path in files:
            rule = next((p for p in self.rules if _matches(Path(path), p, given.get(p, frozenset()))), None)
            if rule is not None:
                self.rule_of[Path(path)] = rule
        unused = [pattern for pattern in self.rules if pattern not in self.rule_of.values()]
        if unused and not new_data:
            raise ClimannError(self._unused_refusal(unused[0], files, given.get(unused[0], frozenset())))
        self._applied: set[tuple[str, str]] = set()
        self._variables: dict[str, list[str]] = {}

    def _unused_refusal(self, pattern: str, files: Sequence[Path], given: frozenset[Path]) -> str:
        """Why the rule of ``pattern`` renames no file: it matches none of ``files``, or each file
        it matches takes an earlier rule (``given``: the pattern's own glob, for one with a
        ``/``). A file takes only the first rule whose pattern matches it, so ``'era5_B*'``
        before ``'era5_B_inv*'`` takes ``era5_B_invariant.nc`` (break28b A4: that was said to
        match none of the files)."""
        from climann.data.sources import files_text

        shadowed = [Path(path) for path in files if _matches(Path(path), pattern, given)]
        if not shadowed:
            return f"rename pattern '{pattern}' matches none of the files"
        earlier = list(dict.fromkeys(self.rule_of[path] for path in shadowed))
        which = " and ".join(f"'{other}'" for other in earlier)
        patterns = "pattern" if len(earlier) == 1 else "patterns"
        taken = [Path(path) for path in files if self.rule_of.get(Path(path)) in earlier]
        if len(earlier) == 1 and all(_matches(path, pattern, given) for path in taken):
            # given first, the pattern would take every file of the earlier one, which would then match none
            # and be refused the other way round (verify28 V5): one pattern with both rules' renames
            together = {**self.rules[earlier[0]], **self.rules[pattern]}
            flags = " --rename ".join(shlex.quote(f"{earlier[0]}:{old}={new}") for old, new in together.items())
            return (f"rename pattern '{pattern}' matches {files_text(shadowed)}, which the earlier pattern {which} "
                    f"already renames: a file takes the first pattern that matches it, and rules do not chain; "
                    f"{which} matches no file that '{pattern}' does not, so give every rename of those files under "
                    f"one pattern: --rename {flags}")
        return (f"rename pattern '{pattern}' matches {files_text(shadowed)}, which the earlier {patterns} {which} "
                f"already {'renames' if len(earlier) == 1 else 'rename'}: a file takes the first pattern that "
                f"matches it, and rules do not chain; give the renames of '{pattern}' before those of {which} "
                f"(--rename, [data] rename), or make {which} match only {'its' if len(earlier) == 1 else 'their'} "
                f"own files")

    def run_name(self, name: str) -> str | None:
        """With a trained run's rules on new files (``new_data``), the name the run gives the
        variable ``name`` by a rule that renames none of the new files (its pattern matches only
        the training files' names): one of the run's own variables (``used``), which a new
        file holding ``name`` is to be renamed to, as the run's file was; None otherwise.

        A file of next year's forecasts under another name than the training file's
        (``seas5_new_cds_2017.nc`` beside the run's rule ``{"seas5_new_cds.nc" = {t2m =
        "t2m_fc"}}``) was advised ``t2m=t2m_seas5``, and the pasted line was refused: the model
        reads ``t2m_fc`` (break53c A6)."""
        rule = self.run_rule(name)
        return rule[1] if rule is not None else None

    def run_rule(self, name: str) -> tuple[str, str] | None:
        """As :meth:`run_name`, with the pattern of the run's rule that gives it: ``(pattern, run's name)``."""
        if not self.new_data:
            return None
        taken = set(self.rule_of.values())
        return next(((pattern, mapping[name]) for pattern, mapping in self.rules.items()
                     if pattern not in taken and mapping.get(name, name) != name and mapping[name] in self.used),
                    None)

    def mapping(self, path: Path) -> dict[str, str]:
        """{old name: new name} of the file's rule (empty when no pattern matches it)."""
        rule = self.rule_of.get(Path(path))
        return self.rules[rule] if rule is not None else {}

    def original_name(self, path: Path, name: str, variables: Collection[str]) -> str | None:
        """The name in the file ``path``, which holds ``variables``, of the variable called
        ``name`` after the renames; None when the file holds no such variable."""
        mapping = self.mapping(path)
        renamed = [old for old, new in mapping.items() if new == name and old in variables]
        if renamed:
            return renamed[0]
        return name if name in variables and mapping.get(name, name) == name else None

    def applied(self, dataset: xr.Dataset, path: Path) -> xr.Dataset:
        """``dataset`` (the file ``path``) with its rule's variables renamed.

        A rule's old names that the file lacks are left alone (``'*:t2m=tas'`` over ERA5 and
        CMIP files); :meth:`check_applied` refuses an old name that none of its files holds.
        With ``new_data``, a file that no pattern matches but that holds a rule's old name and
        not its new one is left as it is, with one warning: the pattern, not the name, says
        which files the rule is for.

        Raises
        ------
        ClimannError
            If the file already holds a new name besides the old one (the two would clash).
        """
        rule = self.rule_of.get(Path(path))
        if rule is None:
            if self.new_data:
                _warn_unmatched_old_name(dataset, Path(path), self.rules, self.used)
            return dataset
        names = [str(name) for name in dataset.variables]
        renames = {old: new for old, new in self.rules[rule].items() if old in names and old != new}
        clash = next((old for old, new in renames.items() if new in names and new not in renames), None)
        if clash is not None:
            raise ClimannError(
                f"rename: {Path(path).name} has both '{clash}' and '{renames[clash]}'; rename '{clash}' to "
                f"another name, or leave this file out of the pattern '{rule}'"
            )
        self._applied.update((rule, old) for old in self.rules[rule] if old in names)
        self._variables.setdefault(rule, []).extend(data_variable_names(dataset))
        renamed = dataset.rename(renames)
        for old, new in renames.items():  # each keeps its own name, for commands on this file
            renamed[new].encoding[FILE_NAME_KEY] = old
        return renamed

    def check_applied(self, *, at_last: bool = False) -> None:
        """Refuse a rule whose old name is in none of the files its pattern matched (with
        ``checked_at_last``, only when ``at_last``; never for ``new_data``).

        Raises
        ------
        ClimannError
            Naming the old name, the rule's files and the variables they hold.
        """
        if (self.checked_at_last and not at_last) or self.new_data:
            return
        for rule, mapping in self.rules.items():
            missing = [old for old in mapping if (rule, old) not in self._applied]
            if missing:
                files = [path.name for path, own in self.rule_of.items() if own == rule]
                where = files[0] if len(files) == 1 else ", ".join(files[:3]) + (" …" if len(files) > 3 else "")
                held = ", ".join(dict.fromkeys(self._variables.get(rule, [])))
                whose = "its" if len(files) == 1 else "their"
                raise ClimannError(f"rename: '{missing[0]}' is not in {where}; {whose} variables: {held}")


#: A file name's words (letters and digits) and what separates them (``_``, ``-``, ``.``).
_NAME_WORDS = re.compile(r"([^A-Za-z0-9]+)")

#: Names that say nothing of the quantity: GDAL's ``Band1`` of ``gdal_translate -of netCDF``
#: (PRISM, CHELSA, WorldClim), xarray's name of an unnamed DataArray. Two sets of files of one
#: such name are better named by the word their file names differ in (``ppt``, ``tmean``).
_SAYS_NOTHING = re.compile(r"^(Band\d+|__xarray_dataarray_variable__)$")

#: A word fit to be a variable's name on its own.
_WORD_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")


def _set_patterns(first: Path, second: Path, files: Sequence[Path]) -> tuple[tuple[str, str], tuple[str, str]] | None:
    """The glob patterns of two sets of files, and the word each set's names hold: the names'
    words up to the first they differ in (and the separator after it), then ``*``
    (``PRISM_ppt_stable_4kmM3_198101_bil.nc`` and ``PRISM_tmean_…`` give ``PRISM_ppt_*``,
    ``ppt`` and ``PRISM_tmean_*``, ``tmean``); None unless the second's pattern takes more
    than one of ``files`` (then ``second`` is one of a set) and neither pattern takes the other file."""
    parts = [_NAME_WORDS.split(path.name) for path in (first, second)]
    if len(parts[0]) != len(parts[1]):
        return None
    at = next((index for index, (one, other) in enumerate(zip(*parts)) if one != other), None)
    if at is None or at % 2 or at + 1 >= len(parts[0]) or parts[0][at + 1] != parts[1][at + 1]:
        return None  # the names differ in a separator, or in their last word: no pattern after it
    patterns = ["".join(own[:at + 2]) + "*" for own in parts]
    if any(glob.escape(pattern[:-1]) != pattern[:-1] for pattern in patterns):
        return None
    names = {Path(path).name for path in (*files, first, second)}
    if (fnmatch.fnmatch(first.name, patterns[1]) or fnmatch.fnmatch(second.name, patterns[0])
            or len([name for name in names if fnmatch.fnmatch(name, patterns[1])]) < 2):
        return None
    return (patterns[0], parts[0][at]), (patterns[1], parts[1][at])


def _own_word(path: Path, other: Path) -> str:
    """The first word (letters and digits) of ``path``'s name that differs from the word at
    its place in ``other``'s (``ta3`` of ``ta3.nc`` beside ``ta1.nc``, ``2004`` of
    ``sst_2004.nc`` beside ``sst_2003.nc``); else ``path``'s whole stem in such words joined
    by ``_``, and ``2`` for a name of none."""
    words = [[word for word in _NAME_WORDS.split(each.name) if word and not _NAME_WORDS.fullmatch(word)]
             for each in (path, other)]
    differing = next((own for own, theirs in zip(*words) if own != theirs), None)
    if differing is not None and len(words[0]) == len(words[1]):
        return differing
    stem = [word for word in _NAME_WORDS.split(Path(path.name).stem) if word and not _NAME_WORDS.fullmatch(word)]
    return "_".join(stem) or "2"


def _toml_key(key: str) -> str:
    """``key`` as a TOML key: bare when it may be (letters, digits, ``_``, ``-``), else quoted."""
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)


def rename_table(name: str, second: Path, first: Path, files: Sequence[Path] = (),
                 renames: FileRenames | None = None) -> str:
    """The ``[data] rename`` table (TOML) that tells apart the field ``name`` of ``second``
    from that of ``first``, for a refusal of two fields under one name.

    Where ``second`` is one of a set of files (one a month) whose names differ from
    ``first``'s in one word (``PRISM_ppt_…_198101_bil.nc`` and ``PRISM_tmean_…_198101_bil.nc``,
    both ``Band1``), the rule is the set's glob pattern (:func:`_set_patterns`): a rule naming one
    file renamed that file alone, and the next month was refused again, 119 times for ten
    years (break42d P2). A name that says nothing of the quantity (GDAL's ``Band1``) becomes
    the word the names differ in, in both sets (``{"PRISM_tmean_*" = {Band1 = "tmean"},
    "PRISM_ppt_*" = {Band1 = "ppt"}}``); another name gets that word added in the second set
    (``tas_ssp585``). Otherwise the second file alone, ``name`` with the word its file's name
    differs in (:func:`_own_word`: ``height_ta3`` in ta3.nc beside ta1.nc): a new name for each
    file of a series; ``height_2`` was advised for every file in turn, and the third collided with
    the second (break43b A3).

    Where the run already renames (``renames``: the user's ``[data] rename``), the table is the
    whole of it, the user's rules kept (:func:`merged_rules`): printed alone, the new table put in
    place of the user's dropped its renames (a target renamed ``tasmax`` was then in no file), and
    put after them never applied, a file taking the first rule that matches it.

    Parameters
    ----------
    name : str
        The variable both hold.
    second, first : Path
        The file to rename the field of, and the other.
    files : sequence of Path
        All the files given, of which the sets are.
    renames : FileRenames, optional
        The run's renames of ``files``; ``name`` is the name after them.

    Returns
    -------
    str
        ``{"PATTERN" = {name = "NEW"}, …}``.
    """
    second, first = Path(second), Path(first)
    sets = _set_patterns(first, Path(second), [Path(path) for path in files])
    if sets is None:
        rules = {second.name: f"{name}_{_own_word(second, first)}"}
    else:
        (first_pattern, first_word), (second_pattern, second_word) = sets
        if _SAYS_NOTHING.match(name) and _WORD_NAME.match(first_word) and _WORD_NAME.match(second_word):
            rules = {second_pattern: second_word, first_pattern: first_word}
        else:
            rules = {second_pattern: f"{name}_{second_word}"}
    advised = with_run_names({pattern: {name: new} for pattern, new in rules.items()}, renames)
    if renames is not None and renames.rules:
        merged = merged_rules(advised, renames, list(files) or [first, second])
        if merged is not None:
            return toml_rename_table(merged)
    return toml_rename_table(advised)


def toml_rename_table(rules: Mapping[str, Mapping[str, str]]) -> str:
    """``rules`` as a TOML inline table: ``{"PRISM_ppt_*" = {Band1 = "ppt"}, …}``."""
    tables = ", ".join(f"{json.dumps(pattern)} = {{"
                       + ", ".join(f"{_toml_key(old)} = {json.dumps(new)}" for old, new in mapping.items()) + "}"
                       for pattern, mapping in rules.items())
    return f"{{{tables}}}"


def rename_options(advised: Mapping[str, Mapping[str, str]], renames: FileRenames | None,
                   files: Sequence[Path]) -> str:
    """The ``--rename`` options of the rules ``advised`` (glob pattern → {name after the renames:
    new name}), merged with the user's own (:func:`merged_rules`) when the run has some: then
    every rule of the merged table, said to replace the options given (fix44d: advised alone
    beside the user's ``--rename 's2s.nc:var167=t2m'``, ``--rename 's2s.nc:t2m=t2m_fc'``
    renamed nothing, since rules do not chain, and the same refusal came back). Said only where
    the user gave some (``renames.given``): a trained run's own rules, merged in on new data,
    are no options given (fix54d: ``predict`` without ``--rename`` said "in place of the
    --rename options given").

    Parameters
    ----------
    advised : mapping of glob pattern to {name: new name}
        Patterns without ``/`` (file names).
    renames : FileRenames or None
        The run's renames of ``files``.
    files : sequence of Path
        The files given.

    Returns
    -------
    str
        ``--rename 'PATTERN:OLD=NEW' …`` (each option one shell word).
    """
    table, merged = advised_table(advised, renames, files)
    options = table_options(table)
    given = merged and renames is not None and bool(renames.given & set(renames.rules))
    return f"{options} (in place of the --rename options given)" if given else options


def rename_commands(renames: FileRenames | None, trained: str = "climann train") -> str:
    """Where the advised ``--rename`` goes, in parentheses after it: ``(climann train, [data]
    rename)`` when the files are a run's own (``trained``: the commands that take it), ``(the
    --rename of this predict or evaluate --data)`` on new data (:attr:`FileRenames.new_data`),
    whose run's ``[data] rename`` is fixed (fix55d: predict was told of climann train)."""
    if renames is not None and renames.new_data:
        return "(the --rename of this predict or evaluate --data)"
    return f"({trained}, [data] rename)"


def table_options(table: Mapping[str, Mapping[str, str]]) -> str:
    """The rename ``table`` as ``--rename 'PATTERN:OLD=NEW' …`` (each option one shell word), in its order."""
    return " ".join(_rename_option(f"{pattern}:{old}={new}") for pattern, mapping in table.items()
                    for old, new in mapping.items())


def advised_table(advised: Mapping[str, Mapping[str, str]], renames: FileRenames | None,
                  files: Sequence[Path]) -> tuple[dict[str, dict[str, str]], bool]:
    """The rename table to advise for the rules ``advised`` (as in :func:`rename_options`): the
    user's rules merged with them (:func:`merged_rules`; a pattern whose files take several of
    the user's rules advised file by file, each merged with its own), or ``advised`` alone when
    the run has no rules; and whether it is merged (then it replaces the user's table, since a
    ``--rename`` given replaces ``[data] rename`` and a file takes only the first rule that
    matches it)."""
    if renames is None or not renames.rules:
        return {pattern: dict(mapping) for pattern, mapping in advised.items()}, False
    advised = with_run_names(advised, renames)
    merged = merged_rules(advised, renames, files)
    if merged is None:  # a pattern whose files take several user rules: one rule per file, each merged with its own
        by_file = {Path(path).name: mapping for pattern, mapping in advised.items() for path in files
                   if fnmatch.fnmatch(Path(path).name, pattern)}
        merged = merged_rules(by_file, renames, files)
    return (merged, True) if merged is not None else ({pattern: dict(m) for pattern, m in advised.items()}, False)


def with_run_names(advised: Mapping[str, Mapping[str, str]],
                   renames: FileRenames | None) -> dict[str, dict[str, str]]:
    """The rules ``advised`` (glob pattern → {name: new name}), each new name the run's own
    (:meth:`FileRenames.run_name`) where a trained run renames that variable in files these new
    ones are not (predict, evaluate --data): the name its model reads, not a new one that no
    model knows (break53c A6)."""
    return {pattern: {name: (renames.run_name(name) if renames is not None else None) or new
                      for name, new in mapping.items()} for pattern, mapping in advised.items()}


def refuse_target_renamed_as_predictor(rules: Mapping[str, Mapping[str, str]], *, target: str,
                                       predictors: Collection[str],
                                       own: Mapping[str, Mapping[str, str]] | None = None) -> None:
    """Refuse a user's rule that renames a run's target into the name of one of its predictors,
    or one of its predictors into the target's name, in new data (``predict``/``evaluate
    --data … --rename``): the network would be given the values it is to predict (break44a A2:
    RG's anomaly-only files, ``--rename '*:ARGO_TEMPERATURE_ANOMALY=ARGO_TEMPERATURE_MEAN'``,
    predicted the anomaly from itself, exit 0), or be scored against a predictor's values.

    A rename the run itself made in training (its own ``[data] rename``, ``own``) is left alone:
    there the predictor was another source's field of the target's name (a model's ``tas``
    renamed ``tas_model`` beside observed ``tas``), and the new files are named as its were.

    Parameters
    ----------
    rules : mapping of glob pattern to {old name: new name}
        The user's rules (``--rename``).
    target : str
        The run's target.
    predictors : collection of str
        The run's predictors.
    own : mapping of glob pattern to {old name: new name}, optional
        The run's own ``[data] rename``.

    Raises
    ------
    ClimannError
        Naming the rule, the two roles and the way out.
    """
    made = {(old, new) for mapping in (own or {}).values() for old, new in mapping.items()}
    for pattern, mapping in rules.items():
        for old, new in mapping.items():
            if (old, new) in made or old == new:
                continue
            if old == target and new in predictors:
                what = (f"the run's target '{target}' into its predictor '{new}': the network would be given the "
                        f"values it is to predict (a leak: its skill would be '{target}' copied, not predicted)")
                way = f"give the files that hold '{new}' itself (the training files hold it) instead"
            elif old in predictors and new == target:
                what = (f"the run's predictor '{old}' into its target '{target}': the predictions would be scored "
                        f"against the values of a predictor")
                way = f"give the files that hold '{target}' itself instead"
            else:
                continue
            raise ClimannError(f"{_rename_option(f'{pattern}:{old}={new}')} renames {what}; leave this rename "
                               f"out and {way}")


def _rename_option(rule: str) -> str:
    """``--rename 'RULE'``, quoted as one shell word."""
    return f"--rename '{rule}'" if "'" not in rule else f"--rename {shlex.quote(rule)}"


def name_in_file(renames: FileRenames | None, path: Path, name: str) -> str:
    """The name that ``path`` holds the variable called ``name`` after the run's ``renames`` by
    (``var167`` for ``t2m`` of the rule ``{var167 = "t2m"}`` it takes), for a command run on the
    file itself; ``name`` when no rule of it renames to that name."""
    mapping = renames.mapping(Path(path)) if renames is not None else {}
    return next((old for old, new in mapping.items() if new == name), name)


def merged_rules(advised: Mapping[str, Mapping[str, str]], renames: FileRenames,
                 files: Sequence[Path]) -> dict[str, dict[str, str]] | None:
    """The user's rename rules (``renames.rules``) with the ``advised`` ones, as one table that
    renames every file as both would: each advised rule first (a file takes the first rule
    that matches it, and rules do not chain), holding the user's renames of the rule its files
    took, its own rename of the name after them in place of the user's of that variable; then
    the user's rules in their order, less those whose every file an advised rule now takes.

    Parameters
    ----------
    advised : mapping of glob pattern to {name after the renames: new name}
        Patterns without ``/`` (file names), as :func:`rename_table` makes them.
    renames : FileRenames
        The user's rules and the rule each file takes.
    files : sequence of Path
        The files given.

    Returns
    -------
    dict or None
        None when the files of an advised pattern take several of the user's rules (one rule
        cannot hold them).

    Example
    -------
    The user's ``{"PRISM_*" = {Band1 = "prism"}}`` and the advice ``{"PRISM_ppt_*" = {prism =
    "ppt"}}`` merge into ``{"PRISM_ppt_*" = {Band1 = "ppt"}, "PRISM_*" = {Band1 = "prism"}}``.
    """
    merged: dict[str, dict[str, str]] = {}
    for pattern, mapping in advised.items():
        taken = {renames.rule_of.get(Path(path)) for path in files if fnmatch.fnmatch(Path(path).name, pattern)}
        if len(taken) > 1:
            return None
        rule = next(iter(taken), None)
        own = dict(renames.rules[rule]) if rule is not None else {}
        for name, new in mapping.items():
            in_file = next((old for old, renamed in own.items() if renamed == name), name)
            own.pop(in_file, None)
            own[in_file] = new
        merged[pattern] = own
    covered = {Path(path) for path in files if any(fnmatch.fnmatch(Path(path).name, pattern) for pattern in advised)}
    for pattern, mapping in renames.rules.items():
        own_files = [path for path, rule in renames.rule_of.items() if rule == pattern]
        if pattern not in merged and not all(path in covered for path in own_files):
            merged[pattern] = dict(mapping)
    return merged


def several_clashes_message(clashes: Mapping[str, Sequence[Path]], files: Sequence[Path],
                            renames: FileRenames | None = None) -> str:
    """One refusal of every name held by several files at the same times, with one set of renames
    that tells them all apart: each such name in each file holding it gets the word of the file's
    name that tells it from the others (``Ann_TXx`` in ``GHCND_TXx_….nc``), every file renamed, so
    that no file's field keeps the bare name by chance; as ``--rename`` options and the same
    ``[data] rename`` table (climann train), as ``ncrename`` copies in a new folder (climann info,
    which renames nothing), or a glob over one kind of file.

    Parameters
    ----------
    clashes : mapping of str to sequence of Path
        Each name (after ``renames``) → the files holding it at the same times, in order.
    files : sequence of Path
        Every file given.
    renames : FileRenames, optional
        The run's renames, merged with those advised.

    Returns
    -------
    str
        The message (one line).
    """
    holders = list(dict.fromkeys(path for paths in clashes.values() for path in paths))
    # each file's word against the files that hold a name it holds, not against every file: E-OBS's rr and tg
    # mean and spread files were told apart by 'rr'/'tg' and the file's whole name (break53b A3)
    words = {path: _telling_word(path, [other for other in holders if other != path and any(
        path in paths and other in paths for paths in clashes.values())]) for path in holders}
    # of a name held by an ensemble mean and others (E-OBS's _ens_mean_ and _ens_spread_), the mean keeps the name
    bare = {name: next(iter(means)) for name, paths in clashes.items()
            if len(means := [path for path in paths if words[path].lower() in _MEAN_WORDS]) == 1}
    advised: dict[str, dict[str, str]] = {}
    copies = []
    for path in holders:
        word = words[path]
        names = [name for name, paths in clashes.items() if path in paths and bare.get(name) != path]
        if not names:
            continue
        matched = {Path(each).name for each in [*holders, *files] if fnmatch.fnmatch(Path(each).name, f"*_{word}_*")}
        pattern = f"*_{word}_*" if matched == {path.name} else path.name
        advised[pattern] = {name: f"{name}_{word}" for name in names}
        copies.append((path, {name_in_file(renames, path, name): f"{name}_{word}" for name in names}))
    listed = ", ".join(f"'{name}'" for name in list(clashes)[:4]) + (
        f" and {len(clashes) - 4} more" if len(clashes) > 4 else "")
    held = ", ".join(path.name for path in holders)
    said = (f"'{next(iter(clashes))}' is in each of {held}" if len(clashes) == 1 else
            f"{listed} ({len(clashes)} names) are each in more than one of {held}")
    renamed = [path for path, _ in copies]
    folder = renamed[0].parent / "renamed"
    command = f"mkdir -p {shown_path(folder)} && " + " && ".join(
        rename_command(mapping, f"{shown_path(path)} {shown_path(folder / path.name)}") for path, mapping in copies)
    kept = [Path(f) for f in files if Path(f) not in renamed]
    table = (merged_rules(advised, renames, list(files)) if renames is not None and renames.rules else None) or advised
    last = list(advised)[-1]
    if bare:  # the means keep their names: one of them is the file to give alone, not a spread (break53b A3)
        means = list(dict.fromkeys(bare.values()))
        one = " ".join(shown_path(path) for path in means)
        alone = ("give one of the files alone, e.g. " if len(means) == 1
                 else "give one file of each name alone, e.g. the ensemble means, ")
        bare_note = (f" (the ensemble mean{'s' if len(means) > 1 else ''}, "
                     f"{', '.join(path.name for path in means)}, keep{'s' if len(means) == 1 else ''} "
                     f"{'its' if len(means) == 1 else 'their'} name{'s' if len(means) > 1 else ''})")
    else:
        one = shlex.quote(f"{working_path(renamed[-1].parent)}/{last}") if "*" in last else shown_path(renamed[-1])
        alone, bare_note = "give one of the files alone, e.g. ", ""
    return (
        f"{said} at the same times: fields of different files under one name; "
        f"give each its own name, all at once, with {rename_options(advised, renames, files)}{bare_note} "
        f"([data] rename = {toml_rename_table(table)}, climann train), or renamed copies, `{command}`, then "
        f"give {shlex.quote(f'{working_path(folder)}/*.nc')}{' and the other files' if kept else ''} in their place "
        f"(climann info); or {alone}{one}"
    )


#: The words of a file name that say it holds an ensemble's mean (E-OBS's ``_ens_mean_``,
#: ``ensmean``): of a name held by it and by other files (the spread), it keeps the name.
_MEAN_WORDS = frozenset({"mean", "ensmean"})


def _telling_word(path: Path, others: Sequence[Path]) -> str:
    """The first word of ``path``'s name that is in none of ``others``' names at its place
    (``TXx`` of ``GHCND_TXx_1951-2010.nc`` beside ``GHCND_TNn_…`` and ``GHCND_CDD_…``); else its
    whole stem's words joined by ``_``."""
    words = [_own_word(path, other) for other in others]
    return words[0] if len(set(words)) == 1 else "_".join(
        word for word in re.split(r"[^A-Za-z0-9]+", path.stem) if word) or "2"
