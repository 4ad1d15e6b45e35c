"""``climann sweep SWEEP.toml`` (``make sweep``): one run per value of one configuration key,
then their comparison (:mod:`climann.workflow.compare`).

A sweep file is a configuration with a ``[sweep]`` section::

    [sweep]
    base = "pointwise-tas.toml"          # optional: a config file, relative to this one
    key = "training.learning_rate"       # SECTION.KEY, any key of the configuration
    values = [0.0003, 0.001, 0.003]

    [training]                           # set for every run, over the base
    epochs = 3

Each value trains ``RUNS/<stem>-<value>/`` (``runs/sweep-0.001/`` for
``experiments/sweep.toml``) with the base, the file's own sections and ``key = value``; the
comparison goes to ``RUNS/<stem>/`` (``comparison.md``, ``comparison.png``).

Nothing is redone while its inputs are unchanged, by a recorded fingerprint (not by Make's
file times: the runs are a list inside one file): ``RUNS/<stem>/sweep.json`` holds, per run,
the SHA-256 of its settings, the working directory (relative data paths are read from it),
the climann version and each input file's path, size and modification time — and the
SHA-256 of the ``model.npz`` it produced. A run is trained again when its fingerprint
changed, its directory is not a finished run, or its ``model.npz`` is not the one recorded
(retrained or replaced by hand); the comparison is written again when a run was trained or
one of its files is missing. Changes to climann's code do not count (as ``make train``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from climann._version import __version__
from climann.atomic import is_claim_file
from climann.data.containers import store_files
from climann.data.paths import home_expanded
from climann.errors import ClimannError
from climann.jsonfile import write_json
from climann.workflow.compare import NEEDED_FILES, compare_runs
from climann.workflow.config import (
    RunConfig,
    build_config,
    load_config_file,
    merge_settings,
    refuse_config_without_data,
)
from climann.workflow.config_paths import check_config_file_paths
from climann.run_files import few
from climann.workflow.outputs import (
    COMPARE_FILES,
    create_folder,
    foreign_entries,
    is_run_directory,
    leftovers,
    refuse_unsafe_location,
    refuse_unwritable_parent,
    written_by_climann,
)

#: The fingerprints, in the comparison folder.
RECORD_FILE = "sweep.json"
#: The way out a sweep's refusals name: its own option, ``--runs`` (``--out`` is train's and compare's).
SWEEP_WAY_OUT = "give the sweep another folder with --runs DIR"


@dataclass(frozen=True)
class SweepRun:
    """One run of a sweep.

    Attributes
    ----------
    name : str
        Its directory's name, ``<stem>-<value>`` (the sweep file's name and the value).
    value : Any
        The swept key's value.
    settings : dict
        ``{section: {key: value}}`` of the run (base, the sweep file's sections, the value).
    config : RunConfig
        The settings validated.
    """

    name: str
    value: Any
    settings: dict
    config: RunConfig


@dataclass(frozen=True)
class Sweep:
    """A sweep file read and validated.

    Attributes
    ----------
    path : Path
    key : str
        ``SECTION.KEY``.
    runs : list of SweepRun
    comparison_name : str
        The name of the comparison folder (the file's stem).
    """

    path: Path
    key: str
    runs: list[SweepRun]
    comparison_name: str


@dataclass(frozen=True)
class SweepResult:
    """What :func:`run_sweep` did.

    Attributes
    ----------
    runs : list of Path
        Every run of the sweep, in the file's order.
    trained : list of Path
        The runs trained now.
    skipped : list of Path
        The runs whose inputs had not changed.
    comparison : Path
        The comparison folder.
    compared : bool
        Whether the comparison was written now.
    """

    runs: list[Path]
    trained: list[Path]
    skipped: list[Path]
    comparison: Path
    compared: bool


def value_text(value: Any) -> str:
    """A value as part of a directory name: ``0.001``, ``64-64`` for ``[64, 64]``, ``tanh``,
    ``depth-0.494025`` for a table ``{depth = 0.494025}`` (its entries joined by ``_``);
    characters other than letters, digits, ``.``, ``_`` and ``-`` become ``_``."""
    if isinstance(value, dict):
        text = "_".join(f"{key}-{value_text(item)}" for key, item in value.items()) or "none"
    elif isinstance(value, (list, tuple)):
        text = "-".join(value_text(item) for item in value) or "none"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = str(value)
    return re.sub(r"[^A-Za-z0-9._-]", "_", text)


def earlier_value_text(value: Any) -> str:
    """:func:`value_text` as climann wrote it before 5 December 2026, when a table was written
    as Python shows it (``__depth___0.494025_`` for ``{depth = 0.494025}``, break35b D4): the
    name of a run folder an earlier sweep made, which a rerun keeps using."""
    if isinstance(value, (list, tuple)):
        text = "-".join(earlier_value_text(item) for item in value) or "none"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = str(value)
    return re.sub(r"[^A-Za-z0-9._-]", "_", text)


def with_earlier_folders(sweep: Sweep, runs_dir: str | Path) -> Sweep:
    """``sweep`` with each run named as an earlier version named it (:func:`earlier_value_text`)
    where ``runs_dir`` holds that folder and not the one of today's name: a rerun finds the runs
    it recorded in ``sweep.json`` (up to date, not trained again) instead of training them anew
    beside the old folders.

    Parameters
    ----------
    sweep : Sweep
        From :func:`load_sweep`.
    runs_dir : str or Path
        The sweep's ``--runs`` folder.

    Returns
    -------
    Sweep
    """
    runs_dir = Path(runs_dir)
    runs = []
    for run in sweep.runs:
        earlier = f"{sweep.comparison_name}-{earlier_value_text(run.value)}"
        kept = (earlier != run.name and (runs_dir / earlier).is_dir()
                and not os.path.lexists(runs_dir / run.name))
        runs.append(dataclasses.replace(run, name=earlier) if kept else run)
    return dataclasses.replace(sweep, runs=runs)


def load_sweep(path: str | Path) -> Sweep:
    """Read a sweep file and validate every run's configuration.

    Raises
    ------
    ClimannError
        A file that is not a sweep (no ``[sweep]`` with ``key`` and a non-empty list of
        ``values``), a base file that cannot be read, two values giving one run name, a
        run whose configuration is invalid (naming its value), runs that predict different
        targets (:func:`refuse_other_targets`: their comparison could not be made) or a target in
        units that do not convert into each other (:func:`refuse_other_units`), runs that name no data
        (no ``[data] paths`` in the file or its base: the demo sample is no sweep's default,
        :func:`~climann.workflow.config.refuse_config_without_data`), or a relative data path
        that matches nothing in the working directory but does beside the file that names it
        (:func:`~climann.workflow.config_paths.check_config_file_paths`, which also warns when
        it names other files there).
    """
    path = Path(path)
    settings = load_config_file(path)
    sweep = settings.pop("sweep", None)
    if not isinstance(sweep, dict):
        raise ClimannError(f"{path} has no [sweep] section; a sweep file names key = \"SECTION.KEY\" and values = "
                           "[…] there (see experiments/sweep.toml)")
    unknown = set(sweep) - {"base", "key", "values"}
    if unknown:
        raise ClimannError(f"[sweep] of {path} has unknown key(s) {', '.join(sorted(unknown))}; it takes base, key, "
                           "values")
    key, values = sweep.get("key"), sweep.get("values")
    if not isinstance(key, str) or key.count(".") != 1:
        raise ClimannError(f"[sweep] key of {path} must be \"SECTION.KEY\", e.g. \"training.learning_rate\"; "
                           f"got {key!r}")
    if not isinstance(values, list) or not values:
        raise ClimannError(f"[sweep] values of {path} must be a non-empty list, e.g. [0.0003, 0.001, 0.003]")
    base: dict = {}
    base_path = path.parent / home_expanded(str(sweep.get("base", "")))  # "~/…" is the home folder
    if "base" in sweep:
        base = load_config_file(base_path)
    common = merge_settings(base, settings)
    section, name = key.split(".")
    runs, names = [], set()
    for value in values:
        run_name = f"{path.stem}-{value_text(value)}"
        if run_name in names:
            raise ClimannError(f"[sweep] values of {path} give the run {run_name} twice; give each value once")
        names.add(run_name)
        run_settings = merge_settings(common, {section: {name: value}})
        try:
            config = build_config(run_settings)
        except ClimannError as error:
            raise ClimannError(f"{path}, {key} = {json.dumps(value)}: {error}") from None
        runs.append(SweepRun(name=run_name, value=value, settings=run_settings, config=config))
    for run in runs:  # after the values' own checks, which name the value at fault
        refuse_config_without_data(run.settings, path, command="sweep")
    refuse_other_targets(runs, path, key)
    refuse_other_units(runs, path, key)
    for source, own in ((path, settings), (base_path, base)):  # data paths: relative to the working directory
        check_config_file_paths(own, source, [run.config for run in runs])
    return Sweep(path=path, key=key, runs=runs, comparison_name=path.stem)


def refuse_other_targets(runs: list[SweepRun], path: Path, key: str) -> None:
    """Before the first run is trained: refuse a sweep whose runs predict different targets.

    The comparison a sweep ends with puts every run's scores on one scale, which runs of
    different targets do not have (:func:`~climann.workflow.compare.in_units_of`); the target
    is known from the configurations alone, so the sweep is refused here rather than after
    training every run (break35b B1, a sweep over ``data.target``).

    Parameters
    ----------
    runs : list of SweepRun
        The sweep's runs, validated.
    path : Path
        The sweep file, named in the message.
    key : str
        The swept ``SECTION.KEY``, named in the message.

    Raises
    ------
    ClimannError
        Naming each target and the way out: one sweep per target.
    """
    targets = list(dict.fromkeys(run.config.data.target for run in runs))
    if len(targets) < 2:
        return
    listed = ", ".join(f"{run.name} {run.config.data.target}" for run in runs)
    advice = ("sweep another key" if key == "data.target"
              else f"keep [data] target the same for every value of {key}")
    raise ClimannError(f"sweep {path}: its runs predict different targets ({listed}), whose scores cannot be compared; "
                       f"make one sweep per target (set [data] target = \"{targets[0]}\" in one sweep file, "
                       f"\"{targets[1]}\" in another) and {advice} (nothing was trained)")


def refuse_other_units(runs: list[SweepRun], path: Path, key: str) -> None:
    """Before the first run is trained: refuse a sweep whose runs' files hold the target in
    units that cannot be put on one scale (a sweep over ``data.paths`` of a file in K and one
    in kg m-2 s-1, or one in m3 m-3 and one in percent), whose comparison would be refused
    after every run was trained (break36, as :func:`refuse_other_targets` for the target).

    Each run's units are read from the metadata of the first of its training files holding the
    target (:func:`files_target_units`), and compared with the first run's by the rule the
    comparison applies (:func:`~climann.workflow.compare.units_clash`). A run whose files give
    no units, units that cannot be read, or no such variable is not judged here: its training
    says what is wrong with its files, or converts them.

    Parameters
    ----------
    runs : list of SweepRun
        The sweep's runs, validated, all of one target.
    path : Path
        The sweep file, named in the message.
    key : str
        The swept ``SECTION.KEY``, named in the message.

    Raises
    ------
    ClimannError
        Naming both runs, their units and files, and the way out (nothing trained).
    """
    from climann.workflow.compare import units_clash

    read = [(run, files_target_units(run.config)) for run in runs]
    read = [(run, found) for run, found in read if found is not None]
    if len(read) < 2:
        return
    (first, (first_file, first_units, first_attrs)), target = read[0], runs[0].config.data.target
    for run, (file, units, attrs) in read[1:]:
        clash = units_clash(target, units, first_units, attrs=attrs, reference_attrs=first_attrs, where=file,
                            reference=first_file)
        if clash is None:
            continue
        advice = (f"give [sweep] values whose files hold {target} in the same (or convertible) units, or make one "
                  "sweep per unit" if key.startswith("data.") else
                  f"give every run files whose {target} is in the same (or convertible) units")
        raise ClimannError(f"sweep {path}: the comparison it ends with would be refused: the run {run.name} "
                           f"predicts {target} in {clash.units} ({file}), {first.name} in {clash.reference_units} "
                           f"({first_file}){clash.reason}; {advice} (nothing was trained)")


def files_target_units(config: RunConfig) -> tuple[str, str, dict[str, str]] | None:
    """The file, ``units`` and CF attributes (``standard_name``, ``long_name``) of a run's
    target as its first training file holding it gives them (``[data] paths``, then the train
    block's ``split_files``; ``[data] rename`` applied), read from the files' metadata only
    (no values); None when no file holds it, or its units are missing or unreadable.

    Parameters
    ----------
    config : RunConfig

    Returns
    -------
    (str, str, dict) or None
    """
    from climann.data.open import expand_paths, open_input
    from climann.data.renames import FileRenames
    from climann.data.splits import SPLIT_NAMES
    from climann.data.units import parse_units

    data = config.data
    try:
        files = expand_paths([*data.paths, *data.split_files.get(SPLIT_NAMES[0], [])])
    except ClimannError:  # the run names the files it cannot find
        return None
    renames = FileRenames(files, data.rename or {}, new_data=True)
    for file in files:
        try:
            with open_input(file, decode_times=False) as dataset:
                name = renames.original_name(file, data.target, list(dataset.data_vars))
                attrs = {} if name is None else dict(dataset[name].attrs)
        except (OSError, ValueError, RuntimeError, ClimannError):  # a file training will name, in its own words
            continue
        if name is None:
            continue
        units = str(attrs.get("units", "")).strip()
        try:
            parse_units(units, variable=data.target, where=str(file))
        except ClimannError:
            return None
        return (str(file), units, {key: str(attrs[key]) for key in ("standard_name", "long_name") if key in attrs}
                ) if units else None
    return None


def fingerprint(run: SweepRun) -> str:
    """SHA-256 of what a run is made of: its settings, the working directory (relative data
    paths are read from it), climann's version and each input file's absolute path, size and
    modification time (as ``make`` would look at it; a Zarr store's: the sum of its files'
    sizes and the latest of their times, since rewriting a chunk leaves the directory's own
    unchanged)."""
    from climann.workflow.pipeline import input_files

    inputs = []
    for name in sorted(input_files(run.config)):
        statuses = [file.stat() for file in store_files(name)]  # a Zarr store: each of its files
        inputs.append([str(Path(name).resolve()), sum(status.st_size for status in statuses),
                       max((status.st_mtime_ns for status in statuses), default=0)])
    content = {"settings": run.settings, "cwd": str(Path.cwd().resolve()), "climann": __version__, "inputs": inputs}
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


def file_sha256(path: Path) -> str | None:
    """The SHA-256 of a file, or None when it cannot be read."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def read_record(path: Path) -> dict:
    """The runs recorded in ``sweep.json`` (empty when there is none or it is not climann's)."""
    try:
        content = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    if not (isinstance(content, dict) and str(content.get("source", "")).startswith("climann")):
        return {}
    runs = content.get("runs")
    return runs if isinstance(runs, dict) else {}


def is_up_to_date(run_dir: Path, recorded: dict | None, current: str) -> bool:
    """Whether the finished run in ``run_dir`` was made from the ``current`` fingerprint and
    is still the one recorded."""
    if not recorded or recorded.get("fingerprint") != current:
        return False
    if not all((run_dir / name).is_file() for name in NEEDED_FILES):
        return False
    return recorded.get("model_sha256") == file_sha256(run_dir / "model.npz")


def check_sweep_folders(sweep: Sweep, runs_dir: str | Path) -> None:
    """Before the first run is trained: refuse a sweep whose runs' folders
    (``RUNS/<stem>-<value>/``) or comparison folder (``RUNS/<stem>/``) hold files climann did
    not write (by content, as ``climann train --out`` checks a run directory:
    :func:`~climann.workflow.outputs.foreign_entries`), or are a file or a symbolic link to
    nothing, naming every such folder and file in one message; also a run folder that is the
    working directory, contains an input, or cannot be created. The runs' folders belong to
    the sweep: climann's runs there are replaced (``--overwrite``), so they are no problem.

    Raises
    ------
    ClimannError
        With the sweep's own way out (``--runs DIR``, or moving the files), before anything
        is trained or written.
    """
    from climann.workflow.pipeline import input_files

    runs_dir = Path(runs_dir)
    held: dict[Path, list[str]] = {}
    unusable: list[str] = []
    for run in sweep.runs:
        run_dir = runs_dir / run.name
        if os.path.lexists(run_dir) and not run_dir.is_dir():
            unusable.append(f"{run_dir} (the folder of the run {run.name}) is {_not_a_folder(run_dir)}")
            continue
        refuse_unsafe_location(run_dir, option=f"sweep {sweep.path}: the run folder", inputs=input_files(run.config))
        refuse_unwritable_parent(run_dir, option="--runs")
        if run_dir.is_dir() and _holds_more_than_leftovers(run_dir):
            foreign = foreign_entries(run_dir)
            if foreign or not is_run_directory(run_dir):
                held[run_dir] = foreign or [f"{few(entry.name for entry in run_dir.iterdir())} but no climann run"]
    comparison = runs_dir / sweep.comparison_name
    if os.path.lexists(comparison) and not comparison.is_dir():
        unusable.append(f"{comparison} (the comparison folder) is {_not_a_folder(comparison)}")
    else:
        foreign = [name for name in (*COMPARE_FILES, RECORD_FILE)
                   if os.path.lexists(comparison / name) and not written_by_climann(comparison / name)]
        if foreign:
            held[comparison] = foreign
    problems = list(unusable)
    if held:
        listed = "; ".join(f"{folder}/: {few(names, limit=12)}" for folder, names in held.items())
        problems.append(f"its folders hold files climann did not write ({listed}), which a sweep never replaces")
    if problems:
        things = "them" if len(unusable) + sum(map(len, held.values())) > 1 else "it"
        raise ClimannError(f"sweep {sweep.path}: {'; '.join(problems)}; move {things} away, or give the sweep another "
                           "folder with --runs DIR (nothing was trained)")


def _holds_more_than_leftovers(run_dir: Path) -> bool:
    """Whether ``run_dir`` holds anything but what a killed climann left there (its temporaries and
    claims, :func:`~climann.workflow.outputs.leftovers`), which the run trained there removes: a
    sweep killed during its first checkpoint left only ``.checkpoint.npz.PID.HEX.tmp``, and the
    next sweep refused the folder as holding "no climann run"."""
    left = set(leftovers(run_dir))
    return any(entry not in left and not is_claim_file(entry) for entry in run_dir.iterdir())


def _not_a_folder(path: Path) -> str:
    """``a file`` or ``a symbolic link to X, which does not exist``."""
    if path.is_symlink() and not path.exists():
        return f"a symbolic link to {os.readlink(path)}, which does not exist"
    return "a file"


@contextlib.contextmanager
def _no_display() -> Iterator[None]:
    yield None


def run_sweep(
    path: str | Path,
    *,
    runs_dir: str | Path = "runs",
    command_line: str = "",
    display: Callable[[], contextlib.AbstractContextManager] | None = None,
    on_run: Callable[[str, Path, bool], None] | None = None,
    dpi: int = 150,
) -> SweepResult:
    """Train the runs of a sweep whose inputs changed, then compare them all.

    Parameters
    ----------
    path : str or Path
        The sweep file (see the module's description).
    runs_dir : str or Path
        Where the runs (``<stem>-<value>/``) and the comparison (``<stem>/``) go.
    command_line : str
        Recorded in each run's ``provenance.json``.
    display : callable, optional
        Returns a context manager yielding a progress display for one run
        (:func:`climann.workflow.progress.terminal_display`); default none.
    on_run : callable, optional
        Called as ``on_run(name, run_dir, trained)`` before a run is trained (``True``) or
        after it is found up to date (``False``).
    dpi : int
        Resolution of ``comparison.png``.

    Returns
    -------
    SweepResult

    Raises
    ------
    ClimannError
        From :func:`load_sweep`, :func:`check_sweep_folders` (a run's or the comparison's
        folder holding files that are not climann's: before any run is trained), or a run's
        training.
    """
    from climann.workflow.pipeline import run_training

    runs_dir = Path(runs_dir)
    sweep = with_earlier_folders(load_sweep(path), runs_dir)
    comparison = runs_dir / sweep.comparison_name
    check_sweep_folders(sweep, runs_dir)
    record_path = comparison / RECORD_FILE
    recorded = read_record(record_path)
    record = {name: entry for name, entry in recorded.items() if name in {run.name for run in sweep.runs}}
    trained, skipped = [], []
    for run in sweep.runs:
        run_dir = runs_dir / run.name
        current = fingerprint(run)
        if is_up_to_date(run_dir, recorded.get(run.name), current):
            skipped.append(run_dir)
            if on_run:
                on_run(run.name, run_dir, False)
            continue
        if on_run:
            on_run(run.name, run_dir, True)
        with (display or _no_display)() as progress:
            run_training(run.config, run_dir=run_dir, overwrite=True, command_line=command_line, progress=progress,
                         option="--runs", way_out=SWEEP_WAY_OUT)
        trained.append(run_dir)
        record[run.name] = {"fingerprint": current, "model_sha256": file_sha256(run_dir / "model.npz"),
                            sweep.key: run.value}
        _write_record(record_path, sweep, record)  # after each run: an interrupted sweep keeps the finished ones
    run_dirs = [runs_dir / run.name for run in sweep.runs]
    compared = bool(trained) or set(recorded) != set(record) or not all(
        (comparison / name).is_file() for name in COMPARE_FILES)
    if compared:
        compare_runs(run_dirs, comparison, overwrite=True, dpi=dpi, option="the comparison folder",
                     way_out=SWEEP_WAY_OUT)
        _write_record(record_path, sweep, record)
    return SweepResult(runs=run_dirs, trained=trained, skipped=skipped, comparison=comparison, compared=compared)


def _write_record(path: Path, sweep: Sweep, runs: dict) -> None:
    create_folder(path.parent)  # the comparison folder, made when there is something to record
    write_json(path, {"source": f"climann {__version__} sweep", "sweep": str(sweep.path.resolve()),
                      "key": sweep.key, "runs": runs}, what="sweep record")

