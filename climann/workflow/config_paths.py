"""A configuration file's data paths, read from the working directory, checked against its own folder.

``[data] paths`` and ``split_files`` of a configuration file are relative to the working
directory, as on the command line (``make train CONFIG=experiments/x.toml`` run from the
repository's root reads ``data/sample.nc`` there), not to the file's folder (unlike ``[sweep]
base``, which is relative to the sweep file). A file written by ``climann info my_data/ >
my.toml`` and used from another folder then names that folder's ``my_data/`` (break22b F12).
:func:`check_config_file_paths` says so before anything is read: a relative path that matches
nothing in the working directory but does in the file's folder is refused with both ways out;
one that names other files there than in the working directory is read from the working
directory, with a warning.
"""

from __future__ import annotations

import glob
import logging
import os
import shlex
from collections.abc import Iterable, Mapping
from pathlib import Path

from climann.data.paths import home_expanded, is_glob_pattern, matched_paths
from climann.errors import ClimannError
from climann.workflow.config import RunConfig

__all__ = ["check_config_file_paths"]

_log = logging.getLogger(__name__)


def check_config_file_paths(settings: Mapping, config_file: str | Path, configs: Iterable[RunConfig]) -> None:
    """Check the relative data paths of ``config_file`` against the file's own folder.

    Each relative pattern of its ``[data] paths`` and ``split_files`` that the runs still read
    (not replaced by ``--data`` or ``--set``) is matched in the working directory, as the run
    reads it, and in the file's folder (:func:`climann.data.paths.matched_paths`). Nothing is
    checked when the two folders are one.

    Parameters
    ----------
    settings : mapping
        The file's own settings, ``{section: {key: value}}`` as
        :func:`~climann.workflow.config.load_config_file` reads them (before the command line's).
    config_file : str or Path
        The file they were read from.
    configs : iterable of RunConfig
        The runs' resolved configurations (one for ``train``, each value's for a sweep).

    Raises
    ------
    ClimannError
        If a pattern matches nothing in the working directory but something in the file's
        folder: naming both, and the ways out (``cd`` there, or an absolute path).

    Warns
    -----
    A ``climann`` log warning (one line) when a pattern matches files in both folders and
    they are not the same files: the run reads the working directory's.
    """
    folder = Path(config_file).absolute().parent
    try:
        here = Path.cwd()
    except OSError:  # the working directory was removed: every relative path fails, saying so
        return
    if _same_folder(folder, here):
        return
    in_use = {pattern for config in configs for pattern in _read_patterns(config)}
    for key, pattern in _file_patterns(settings):
        if Path(pattern).is_absolute() or pattern not in in_use:
            continue
        beside = matched_paths(_in_folder(folder, pattern))
        if not beside:
            continue
        read = matched_paths(pattern)
        if not read:
            raise ClimannError(_only_beside_message(key, pattern, Path(config_file), folder, here))
        if {path.resolve() for path in read} != {path.resolve() for path in beside}:
            _log.warning("%s", _other_files_message(key, pattern, Path(config_file), folder, here, read))


def _same_folder(first: Path, second: Path) -> bool:
    """Whether two folders are one (also through a symbolic link)."""
    try:
        return first.samefile(second)
    except OSError:
        return False


def _read_patterns(config: RunConfig) -> list[str]:
    """The patterns a run reads: ``[data] paths`` and every block of ``split_files``."""
    return [*config.data.paths, *(pattern for patterns in config.data.split_files.values() for pattern in patterns)]


def _file_patterns(settings: Mapping) -> list[tuple[str, str]]:
    """``(key, pattern)`` of the file's ``[data] paths`` and ``split_files``, with a leading
    ``~`` made the home folder (as :func:`~climann.workflow.config.build_config` does)."""
    data = settings.get("data")
    if not isinstance(data, Mapping):
        return []
    found = [("paths", pattern) for pattern in _strings(data.get("paths"))]
    split_files = data.get("split_files")
    if isinstance(split_files, Mapping):
        found += [(f"split_files.{block}", pattern) for block, patterns in split_files.items()
                  for pattern in _strings(patterns)]
    return [(key, home_expanded(pattern)) for key, pattern in found]


def _strings(value: object) -> list[str]:
    """A pattern or a list of them, as strings (anything else was refused by the configuration's checks)."""
    if isinstance(value, str):
        return [value]
    return [item for item in value if isinstance(item, str)] if isinstance(value, list | tuple) else []


def _in_folder(folder: Path, pattern: str) -> str:
    """``pattern`` taken relative to ``folder``, whose name is not read as a glob."""
    return os.path.join(glob.escape(str(folder)) if is_glob_pattern(pattern) else str(folder), pattern)


def _only_beside_message(key: str, pattern: str, config_file: Path, folder: Path, here: Path) -> str:
    """The refusal of a pattern found only beside the configuration file."""
    absolute = os.path.join(str(folder), pattern)
    return (f"no file matches '{pattern}' in the working directory {here}, which [data] {key} of {config_file} are "
            f"relative to, but its folder {folder} holds {absolute}: run climann from there (cd "
            f"{shlex.quote(str(folder))}), or make the path absolute in {config_file.name} (\"{absolute}\")")


def _other_files_message(key: str, pattern: str, config_file: Path, folder: Path, here: Path,
                         read: list[Path]) -> str:
    """The warning for a pattern that names other files in the working directory than beside the file."""
    shown = str(read[0].absolute()) + (f" and {len(read) - 1} more" if len(read) > 1 else "")
    absolute = os.path.join(str(folder), pattern)
    return (f"'{pattern}' of [data] {key} in {config_file} is read in the working directory {here} ({shown}), "
            f"not in the file's folder, which holds other files under that name; to read those, make the path "
            f"absolute (\"{absolute}\") or run climann from {folder}")
