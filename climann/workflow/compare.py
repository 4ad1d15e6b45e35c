"""``climann compare RUN RUN …``: finished runs side by side, from their run directories.

Nothing is recomputed: the test scores are those of each run's ``metrics.json`` (``splits →
test → model``: ``mse``, ``mae``, ``acc`` and ``skill_vs_climatology``, which is the MSE skill
score against the climatology, MSESS = 1 − MSE/MSE_clim; a run whose target is in other units
that convert by one factor has its MSE and MAE put in the first run's, :func:`in_units_of`), the learning curves its
``history.csv``, the number of epochs trained the rows there (fewer than ``[training] epochs``
after early stopping), the number of parameters the sizes of the weights and biases in
``model.npz`` (of an ensemble: every member's, in ``model_members.npz``), and the training time
the duration of the training phase that ``train.log`` records (``training: 4.6 s``; for a
resumed run, that of the session which finished it), to the millisecond from the timestamps of
the phase's lines.

Written with ``--out DIR``: ``comparison.md`` (the table, the notes and the figure's link) and
``comparison.png`` (:func:`climann.evaluation.figures.comparison.plot_comparison`).
"""

from __future__ import annotations

import csv
import dataclasses
import json
import logging
import math
import re
import shlex
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
from rich.cells import cell_len

from climann.data.circular import refuse_direction_scores
from climann.data.members import MEMBER_NAMES
from climann.data.paths import path_list
from climann.data.splits import compact_periods
from climann.errors import ClimannError, library_message
from climann.evaluation.cell_measures import COMPUTED_AREAS, ONE_CELL_TEXT, WHOLE_CELLS, weighting_text
from climann.evaluation.report import PARALLEL_MEMBERS, climatology_text
from climann.evaluation.scored_blocks import CELLS_IN_REGION_KEY
from climann.evaluation.target_means import TARGET_MEANS_KEY
from climann.run_files import (
    few, finished_run_problem, interrupted_retraining, is_unfinished_run, mixed_run_problem, model_sha256,
    npz_json,
)
from climann.atomic import claimed_output
from climann.workflow.outputs import CHECKPOINT_FILES, COMPARE_FILES, ENSEMBLE_RUN_FILES, prepare_output_folder

_log = logging.getLogger(__name__)

#: An ensemble run's file of every member (climann.workflow.ensemble.MEMBERS_FILE).
MEMBERS_FILE = ENSEMBLE_RUN_FILES[0]
#: The files a run must hold to be compared.
NEEDED_FILES = ("metrics.json", "history.csv", "model.npz", "config.toml")
#: The heading ``comparison.md`` starts with (how climann recognises it as its own).
COMPARISON_HEADING = "# climann comparison"
#: The table's score columns: key in ``metrics.json`` (``splits → test → model``), header.
SCORE_COLUMNS = (("mse", "MSE"), ("mae", "MAE"), ("acc", "ACC"), ("skill_vs_climatology", "MSESS"))
#: Scores where higher is better (the others: lower is better).
HIGHER_IS_BETTER = ("acc", "skill_vs_climatology")
#: Scores closer than this (relative) are the same: one run's scores stored in other units
#: (kg m-2 s-1 against mm/day) and converted differ from the other's in the 7th or 8th digit,
#: float32 data carrying about 7 (the table shows 4 significant digits, or 3 decimals).
SAME_SCORE_RTOL = 1e-5
#: And, for ACC and MSESS (no units, of order 1), closer than this in absolute terms (near 0).
SAME_SCORE_ATOL = 1e-6
MSESS_TEXT = ("MSESS = MSE skill score against the training years' climatology, 1 − MSE/MSE_clim (1 perfect, 0 no "
              "better than the climatology; skill_vs_climatology in metrics.json)")
ACC_TEXT = ("ACC = anomaly correlation coefficient (anomalies from the training years' climatology), centred; "
            "the uncentred one (WeatherBench 2's) is acc_uncentred in each run's metrics.json")
TIME_TEXT = "time = the training phase in train.log (not reading data, evaluating, writing)"
# "2026-12-01T02:53:11.714 training: 4.6 s", also "training (streamed)" and "training (on the cluster)"
_TRAINING_LINE = re.compile(r"^(?P<stamp>\S+) training(?: \([^)]*\))?: (?P<seconds>[0-9.]+) s$", re.M)
# "2026-12-01T02:53:07.102 training …": where that phase began
_TRAINING_BEGUN = re.compile(r"^(?P<stamp>\S+) training(?: \([^)]*\))? …$", re.M)
#: The ``[data]`` keys of ``config.toml`` that choose a block's cells, and its time steps (with
#: the test period, which ``split_periods`` gives): what a run's scores are over in its input
#: files, beside the fingerprints of ``metrics.json``'s ``scored_on``
#: (:mod:`climann.evaluation.scored_blocks`), which runs of earlier versions lack.
CELL_KEYS = ("region", "grid_stride", "select")
STEP_KEYS = ("months", "seasons", "time_stride")
#: What the fingerprints of ``scored_on`` identify: its words, the number and the checksum in
#: the record, and the ``[data]`` keys that choose them.
SCORED_PARTS = (("cells", "n_cells", "cells_sha256", CELL_KEYS), ("time steps", "n_steps", "times_sha256", STEP_KEYS))
#: How far the time between a phase's two lines may lie from the duration logged (rounded to
#: 0.1 s), in seconds, for the two to be one measure of the phase.
STAMPS_AGREE_SECONDS = 0.06


@dataclass(frozen=True)
class RunSummary:
    """What the comparison shows of one run, as read from its directory.

    Attributes
    ----------
    label : str
        Its name in the table and figure (the directory's name, or more of its path when two
        runs share a name).
    path : Path
    target : str
    units : str
        The units of the scores shown: the run's target's, or the first compared run's when
        they differ and convert (:func:`in_units_of`; ``units_note`` then says how).
    test_period : str
        The test block's years, e.g. "1997–1999" (``split_periods`` of ``metrics.json``).
    scores : dict of str to float or None
        The network's test scores of :data:`SCORE_COLUMNS` (None when undefined).
    climatology_mse : float or None
        The climatology baseline's test MSE (None when it was not scored).
    n_test : int
        The values the test scores are over.
    n_parameters : int
        Weights and biases of the network (of an ensemble: of all its members).
    epochs : int
        Epochs trained (rows of ``history.csv``).
    training_seconds : float or None
        None when ``train.log`` has no training phase.
    train_loss, val_loss : ndarray, shape (epochs,)
        The loss J of the standardised target after each epoch (NaN where missing).
    loss : str
        The training loss (``mse``, ``mae``, ``huber``).
    inputs : tuple of str
        The sha256 (or path) of each input file, from ``provenance.json``.
    ensemble_size : int
        Networks whose mean the run scores (``ensemble → size`` of ``metrics.json``; 1: one network).
    learned : str
        What its network learns (:func:`learned_quantity`).
    climatology : str
        What the reference of its MSESS and ACC is taken per, and how it was smoothed
        (:func:`~climann.evaluation.report.climatology_text`).
    units_note : str
        How its scores were put in the units of the first run compared ("" when not converted).
    climatology_years : str
        The training period the climatology (the reference of MSESS and ACC) was taken over
        (``metrics.json`` ``split_periods → train``; "" when the climatology was not scored).
    changed_inputs : tuple of str
        The input files that had changed since training when the run was (re-)scored
        (``metrics.json`` ``changed_inputs``): its scores are of the changed files.
    scored_on : dict or None
        The test block's cells and time steps (``metrics.json`` ``scored_on → test``,
        :mod:`climann.evaluation.scored_blocks`); None for a run of an earlier version.
    choices : dict
        The ``[data]`` keys of :data:`CELL_KEYS` and :data:`STEP_KEYS` in its ``config.toml``
        (:func:`sample_choices`).
    target_means : tuple of str
        Its inputs that are area means of its target at the same time step (``metrics.json``
        ``target_area_means``, :mod:`climann.evaluation.target_means`): its scores assume the
        true mean is given.
    weighted_by : str
        What weighs each cell in its scores (``metrics.json`` ``weighted_by``,
        :func:`~climann.evaluation.cell_measures.cell_weights_text`); "cell area" for a run of an
        earlier version.
    cell_areas : str
        Whose areas those cells' are (``metrics.json`` ``cell_areas``,
        :func:`~climann.evaluation.cell_measures.cell_areas_source`): the data's own cell-area
        variable (``areacella``) or ``computed`` (from the grid); empty for a run of a version
        before the record (6 December 2026).
    target_attributes : dict
        The target's CF ``standard_name`` and ``long_name`` as its training file gave them
        (``model.npz`` ``target_attributes``); empty when it had none, or for a run of a version
        before they were recorded.
    target_levels : tuple of str
        The vertical coordinates (CF §4.3) the target is at as scalars (``depth`` of one level
        chosen by ``[data] select``), from ``model.npz``'s ``levels``
        (:func:`model_target_levels`); empty for a run without any.
    training : str
        How it trained (:func:`training_route`): "in memory", "streamed", "on a cluster of 2
        workers (local SGD)"; empty when not known (a run of an earlier version in one process).
    """

    label: str
    path: Path
    target: str
    units: str
    test_period: str
    scores: dict
    climatology_mse: float | None
    n_test: int
    n_parameters: int
    epochs: int
    training_seconds: float | None
    train_loss: np.ndarray
    val_loss: np.ndarray
    loss: str
    inputs: tuple[str, ...]
    ensemble_size: int = 1
    learned: str = "the target"
    climatology: str = ""
    units_note: str = ""
    climatology_years: str = ""
    changed_inputs: tuple[str, ...] = ()
    scored_on: dict | None = None
    choices: dict = dataclasses.field(default_factory=dict)
    target_means: tuple[str, ...] = ()
    weighted_by: str = WHOLE_CELLS
    cell_areas: str = ""
    target_levels: tuple[str, ...] = ()
    target_attributes: dict = dataclasses.field(default_factory=dict)
    training: str = ""

    @property
    def weighting(self) -> str:
        """How its test scores weigh the cells (:func:`~climann.evaluation.cell_measures.weighting_text`
        of ``weighted_by`` and the test block's ``n_cells``): ``area-weighted``, ``one cell (no
        weighting)`` …"""
        return weighting_text(self.weighted_by, n_cells=(self.scored_on or {}).get("n_cells"))


@dataclass(frozen=True)
class Comparison:
    """The runs compared and what was written.

    Attributes
    ----------
    runs : list of RunSummary
    notes : list of str
        Why some scores are not comparable one to one (printed as warnings, listed in the markdown).
    files : list of Path
        ``comparison.md`` and ``comparison.png`` when written (``out``), else empty.
    """

    runs: list[RunSummary]
    notes: list[str]
    files: list[Path]


def count_parameters(model_path: str | Path) -> int:
    """The number of weights and biases in a model file: Σ over layers of the sizes of
    ``weight_<l>`` (n_in, n_out) and ``bias_<l>`` (n_out,); in an ensemble's members file
    (``model_members.npz``) those of every member, ``member_<k>_weight_<l>`` and
    ``member_<k>_bias_<l>``."""
    with np.load(model_path, allow_pickle=False) as arrays:
        return int(sum(arrays[name].size for name in arrays.files
                       if re.fullmatch(r"(member_\d+_)?(weight|bias)_\d+", name)))


def model_target_attributes(model_path: str | Path) -> dict[str, str]:
    """The target's CF attributes a model file records (its metadata's ``target_attributes``:
    ``standard_name``, ``long_name``, ``cell_methods``); empty for a file written before they were."""
    recorded = ((npz_json(model_path, "metadata") or {}).get("user") or {}).get("target_attributes")
    return {str(key): str(value) for key, value in recorded.items()} if isinstance(recorded, dict) else {}


def model_target_levels(model_path: str | Path, target: str) -> tuple[str, ...]:
    """The names of the vertical coordinates the target of a model file is at (its metadata's
    ``levels``, :func:`climann.data.levels.levels_record`: ``depth``, ``plev``, ``height``),
    a forecast's lead time (also recorded there) left out; empty for a file without any."""
    levels = (((npz_json(model_path, "metadata") or {}).get("user") or {}).get("levels") or {}).get(target)
    if not isinstance(levels, dict):
        return ()
    return tuple(str(name) for name, record in levels.items()
                 if not (isinstance(record, dict) and record.get("standard_name") == "forecast_period"))


def training_seconds(log_text: str) -> float | None:
    """The duration of the training phase in a ``train.log`` (the last one logged), or None.

    The time between the millisecond timestamps of the phase's first line (``training …``)
    and its last (``training: 0.1 s``), when it agrees with the duration logged there, which is
    rounded to 0.1 s (a run of a few milliseconds is not "0.0 s" long); else the duration logged.
    """
    done = list(_TRAINING_LINE.finditer(log_text))
    if not done:
        return None
    last, logged = done[-1], float(done[-1]["seconds"])
    begun = list(_TRAINING_BEGUN.finditer(log_text, 0, last.start()))
    try:
        measured = (datetime.fromisoformat(last["stamp"]) - datetime.fromisoformat(begun[-1]["stamp"])).total_seconds()
    except (IndexError, ValueError):
        return logged
    return measured if abs(measured - logged) <= STAMPS_AGREE_SECONDS else logged


def time_text(seconds: float) -> str:
    """A training time in the table, in one form for every row: a number and its unit (SI's ``ms``
    and ``s``, ``min`` and ``h``): ``64 ms`` under 0.1 s (``<1 ms`` under a millisecond, the
    resolution of ``train.log``), ``4.6 s`` under a minute, ``1 min 6 s`` under an hour, else
    ``2 h 5 min``. The run log's clock form (``0:01:06``) beside ``40.9 s`` in one column was
    read as two kinds of value (break49e A3).

    Examples
    --------
    >>> [time_text(s) for s in (0.064, 40.94, 66.2, 3599.6, 7512.0)]
    ['64 ms', '40.9 s', '1 min 6 s', '1 h 0 min', '2 h 5 min']
    """
    if seconds < 0.0005:
        return "<1 ms"
    if seconds < 0.0995:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 59.95:
        return f"{seconds:.1f} s"
    whole = round(seconds)
    if whole < 3600:
        return f"{whole // 60} min {whole % 60} s"
    minutes = round(seconds / 60)
    return f"{minutes // 60} h {minutes % 60} min"


def read_history(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """``train_loss`` and ``val_loss`` per epoch from a ``history.csv`` (NaN where blank)."""
    with Path(path).open(newline="") as file:
        rows = list(csv.DictReader(file))

    def column(name: str) -> np.ndarray:
        return np.array([float(row[name]) if row.get(name) not in (None, "") else np.nan for row in rows])

    return column("train_loss"), column("val_loss")


def run_labels(paths: Sequence[Path]) -> list[str]:
    """Short unique names: each directory's name, with as many parent folders as it takes to
    tell apart runs of the same name (``a/demo``, ``b/demo``)."""
    parts = [Path(path).resolve().parts for path in paths]
    depth = 1
    while True:
        labels = ["/".join(p[-depth:]) for p in parts]
        if len(set(labels)) == len(labels) or depth >= max(len(p) for p in parts):
            return labels
        depth += 1


def _refuse_not_a_run(run_dir: Path) -> None:
    if not run_dir.is_dir():
        raise ClimannError(f"{run_dir} is not a directory; give finished run directories (climann train --out)")
    if (mixed := mixed_run_problem(run_dir)) is not None:  # the scores of one run beside another's network
        raise ClimannError(mixed)
    if (retraining := interrupted_retraining(run_dir)) is not None:  # the finished run is whole: compared
        _log.warning(retraining)
    elif is_unfinished_run(run_dir):
        raise ClimannError(f"{run_dir} is an unfinished run ({CHECKPOINT_FILES[0]}); finish it with: climann train "
                           f"--resume {shlex.quote(str(run_dir))}, then compare it")
    problem = finished_run_problem(run_dir)  # by content: another tool's config.toml + model.npz is no run
    if problem is not None and (scored := evaluate_folder_text(run_dir)) is not None:
        raise ClimannError(scored)
    if problem is not None and not problem.startswith(f"{run_dir} is not a finished"):
        raise ClimannError(f"{problem}; give run directories written by climann train")
    missing = [name for name in NEEDED_FILES if not (run_dir / name).is_file()]
    if missing:
        raise ClimannError(f"{run_dir} is not a finished climann run: it has no {', '.join(missing)}; give run "
                           "directories written by climann train")


def evaluate_folder_text(folder: Path) -> str | None:
    """The refusal of a folder that ``climann evaluate --data FILES --out FOLDER`` wrote (its
    ``metrics.json`` names the ``data`` scored; no ``model.npz``), or None for any other
    folder. Not compared: a comparison's rows are runs (their parameters, epochs, training time
    and learning curves), scored on their own test blocks; such a folder scores other data in
    one block ``all`` (break23b F4: it was refused as "not a climann run directory", with no
    word of what it is). The run it scored is named when it is the folder's parent, as
    ``--out RUN/NAME`` puts it (by the SHA-256 of its ``model.npz``)."""
    try:
        metrics = json.loads((folder / "metrics.json").read_text())
    except (OSError, ValueError):
        return None
    if (not isinstance(metrics, dict) or not isinstance(metrics.get("data"), list)
            or not isinstance(metrics.get("splits"), dict) or (folder / "model.npz").exists()):
        return None
    recorded = metrics.get("model_sha256")
    of = f" of the run {folder.parent}" if recorded and recorded == model_sha256(folder.parent / "model.npz") else ""
    data = few(Path(str(path)).name for path in metrics["data"])
    return (f"{folder} is an output of climann evaluate --data{of} (the scores of {data}, block "
            f"{', '.join(metrics['splits'])}), not a run directory: compare puts runs written by climann train side "
            f"by side on their test blocks; give the runs themselves, and read the scores of other data in each "
            f"folder's report.md or metrics.json")


def read_run(run_dir: str | Path, label: str | None = None) -> RunSummary:
    """Read what the comparison shows from a finished run directory.

    Raises
    ------
    ClimannError
        Not a directory, an unfinished run, a folder without the run's files, or a
        ``metrics.json`` without the network's test scores.
    """
    run_dir = Path(run_dir)
    _refuse_not_a_run(run_dir)
    try:
        metrics = json.loads((run_dir / "metrics.json").read_text())
        test = metrics["splits"]["test"]
        model = test["model"]
        config = tomllib.loads((run_dir / "config.toml").read_text())
        scores = {key: model.get(key) for key, _ in SCORE_COLUMNS}
        train_loss, val_loss = read_history(run_dir / "history.csv")
        ensemble_size = int((metrics.get("ensemble") or {}).get("size", 1))
        n_parameters = count_parameters(run_dir / (MEMBERS_FILE if ensemble_size > 1 else "model.npz"))
        target_attributes = model_target_attributes(run_dir / "model.npz")
        target_levels = model_target_levels(run_dir / "model.npz", str(metrics.get("target", "")))
    except (KeyError, TypeError, AttributeError, ValueError, OSError, tomllib.TOMLDecodeError) as error:
        detail = f"no {error}" if isinstance(error, KeyError) else library_message(error)
        raise ClimannError(f"{run_dir} cannot be compared: its files are incomplete or not climann's ({detail}); "
                           f"when its metrics.json lacks the test scores, re-score it with: climann evaluate "
                           f"{shlex.quote(str(run_dir))}") from None
    log = run_dir / "train.log"
    seconds = training_seconds(log.read_text(errors="replace")) if log.is_file() else None
    climatology = test.get("climatology", {}).get("mse")
    return RunSummary(
        label=label or run_dir.name, path=run_dir, target=str(metrics.get("target", "")),
        units=str(metrics.get("units", "")), test_period=str(metrics.get("split_periods", {}).get("test", "")),
        scores=scores, climatology_mse=climatology,
        n_test=int(model.get("n_samples", 0)), n_parameters=n_parameters, epochs=int(train_loss.size),
        training_seconds=seconds, train_loss=train_loss, val_loss=val_loss,
        loss=str(config.get("training", {}).get("loss", "mse")), inputs=_input_keys(run_dir),
        ensemble_size=ensemble_size, learned=learned_quantity(config.get("data", {})),
        climatology=climatology_text(metrics), target_means=tuple(metrics.get(TARGET_MEANS_KEY) or ()),
        climatology_years=str(metrics.get("split_periods", {}).get("train", "")) if climatology is not None else "",
        changed_inputs=tuple(str(change.get("path", change)) if isinstance(change, dict) else str(change)
                             for change in metrics.get("changed_inputs", [])),
        scored_on=(metrics.get("scored_on") or {}).get("test"),
        choices=sample_choices(config.get("data", {})),
        # runs of earlier versions, which lack the key, weighed whole cells
        weighted_by=str(metrics.get("weighted_by", WHOLE_CELLS)), target_attributes=target_attributes,
        cell_areas=str(metrics.get("cell_areas") or ""),
        target_levels=target_levels, training=training_route(metrics.get("training"), config.get("compute", {})),
    )


def training_route(record: dict | None, compute: dict) -> str:
    """How a run trained, for :func:`comparison_notes`: from ``metrics.json`` ``training``
    ("in memory", "streamed", "on a cluster of 2 workers (local SGD)"; "in memory" for an
    ensemble whose members trained in parallel on a cluster, each as in memory, the networks of
    one process: the scores do not differ for it); for a run of an earlier
    version, without it, "on a cluster" when its ``config.toml`` ``[compute]`` names workers or
    a scheduler, else "" (in memory or streamed: not recorded)."""
    if record:
        route = str(record.get("route", ""))
        if record.get("method") == PARALLEL_MEMBERS:  # each member trained as in memory, the same networks
            return "in memory"
        if route == "cluster":
            return f"on a cluster of {record.get('workers')} workers ({record.get('method', '')})"
        return route
    workers, scheduler = compute.get("workers"), compute.get("scheduler")
    return f"on a cluster of {workers} workers" if workers else "on a cluster" if scheduler else ""


def training_differences(routes: Sequence[str]) -> str:
    """What each way of training among ``routes`` (:func:`training_route`) does to the samples, in
    the order they first appear, for the note on runs that trained differently: only the ways
    these runs took (rerun36: a note on two runs neither of them streamed spoke of a streamed run)."""
    said: list[str] = []
    for route in routes:
        if route == "in memory":
            text = "a run in memory shuffles all its training samples each epoch"
        elif route == "streamed":
            text = "a streamed run shuffles its samples only within the chunks of a round"
        elif "(local SGD)" in route:
            text = "local SGD on several workers averages the replicas after each round"
        elif "(mini-batch SGD)" in route:
            text = "a run on one worker of a cluster shuffles its samples only within the chunks of a round"
        elif "(full batch)" in route:
            text = "a full-batch run on a cluster takes one step per epoch over the samples of every chunk"
        else:  # a cluster run of an earlier version: its method was not recorded
            text = "a run on a cluster trains on its workers' chunks"
        if text not in said:
            said.append(text)
    return "; ".join(said)


def sample_choices(data: dict) -> dict:
    """The keys of :data:`CELL_KEYS` and :data:`STEP_KEYS` of a ``config.toml``'s ``[data]``;
    a key absent (a run of a version before it) has its default, what such a run did."""
    from climann.workflow.config import DataConfig

    defaults = DataConfig()
    return {key: data.get(key, getattr(defaults, key)) for key in (*CELL_KEYS, *STEP_KEYS)}


def learned_quantity(data: dict) -> str:
    """What the network of a run learns (whose standardised values its loss J is taken
    over), from its ``config.toml``'s ``[data]``: the target, its anomaly from the training
    climatology (``target_anomaly``), or either as whole maps (``mode = "field"``)."""
    quantity = "the target's anomaly" if data.get("target_anomaly") else "the target"
    return f"{quantity} as maps (field mode)" if data.get("mode") == "field" else quantity


def _input_keys(run_dir: Path) -> tuple[str, ...]:
    """Each input file's checksum (its path and mtime for files of 1 GB and more) from ``provenance.json``."""
    try:
        inputs = json.loads((run_dir / "provenance.json").read_text())["inputs"]
        return tuple(sorted(str(entry.get("sha256") or f"{entry['path']}@{entry.get('mtime')}") for entry in inputs))
    except (OSError, KeyError, TypeError, ValueError):
        return ()


def read_runs(run_dirs: Sequence[str | Path]) -> list[RunSummary]:
    """Read every run (labels from :func:`run_labels`).

    Raises
    ------
    ClimannError
        No run, the same run twice, a directory that is not a finished run, or runs of
        different targets or of units that do not convert by one factor (their scores have
        no common scale; see :func:`in_units_of`, which puts every run's scores in the
        units of the first).
    """
    run_dirs = path_list(run_dirs, name="run_dirs")
    if not run_dirs:
        raise ClimannError("give at least one run directory to compare, e.g. climann compare runs/a runs/b")
    paths = [Path(run_dir) for run_dir in run_dirs]
    resolved = [path.resolve() for path in paths]
    twice = next((path for index, path in enumerate(paths) if resolved[index] in resolved[:index]), None)
    if twice is not None:
        raise ClimannError(f"{twice} is given twice; give each run once")
    runs = [read_run(path, label) for path, label in zip(paths, run_labels(paths))]
    for run in runs:
        refuse_direction_scores(run.target, {**run.target_attributes, "units": run.units}, run=str(run.path),
                                data_file=_one_data_file(run.path))
    return [runs[0], *(in_units_of(run, runs[0]) for run in runs[1:])]


def _one_data_file(run_dir: Path) -> str | None:
    """The run's data file when its ``config.toml`` names one file (no glob, no other files), else None."""
    try:
        data = tomllib.loads((run_dir / "config.toml").read_text()).get("data", {})
    except (OSError, tomllib.TOMLDecodeError):
        return None
    paths = data.get("paths") or []
    one = len(paths) == 1 and not data.get("split_files") and not any(char in str(paths[0]) for char in "*?[")
    return str(paths[0]) if one and Path(paths[0]).is_file() else None


def in_units_of(run: RunSummary, first: RunSummary) -> RunSummary:
    """``run`` with its scores in the units of ``first``, the first run compared.

    Units are compared by meaning (pint with cf_xarray's UDUNITS registry,
    :func:`climann.data.units.scores_conversion`), not as text: ``mm/day`` and ``mm d-1``,
    ``K`` and ``kelvin`` are one unit, and the run is returned as it is. Units that convert
    by one factor c (``kg m-2 s-1`` to ``mm/day`` for precipitation: c = 86400 with the
    density of liquid water; ``degF`` to ``K``: c = 5/9) give MAE × c and MSE × c² (of the
    network and of the climatology baseline), ACC and MSESS unchanged (a correlation and a
    ratio of MSEs); the offset between temperature scales (degC and K) cancels in the
    differences the scores are made of. ``units_note`` says what was done.

    Raises
    ------
    ClimannError
        If the runs predict different targets, or units that do not convert by one factor
        (another quantity, ``mm month-1`` against ``mm day-1``, missing or unreadable units), or
        dimensionless quantities of other kinds (:func:`other_quantity_refusal`).
    """
    if run.target != first.target:
        raise ClimannError(f"{run.path} predicts {run.target} ({run.units or 'no units'}), {first.path} {first.target} "
                           f"({first.units or 'no units'}): compare runs of the same target")
    clash = units_clash(run.target, run.units, first.units, attrs=run.target_attributes,
                        reference_attrs=first.target_attributes, where=f"{run.path}/metrics.json",
                        reference=f"{first.path}/metrics.json")
    if clash is not None:
        advice = (f"compare runs whose {run.target} is one quantity (in units of one kind, or named by one CF "
                  "standard_name in the files of both)" if clash.other_quantity
                  else "compare runs of the same target in the same (or convertible) units")
        raise ClimannError(f"{run.path} predicts {run.target} in {clash.units}, {first.path} in {clash.reference_units}"
                           f"{clash.reason}; {advice}")
    found = _scores_conversion(run, first)
    if found.is_identity:
        return run
    scale = found.scale
    scores = {**run.scores, "mse": _scaled(run.scores.get("mse"), scale ** 2),
              "mae": _scaled(run.scores.get("mae"), scale)}
    if scale == 1.0:
        note = (f"{run.label}'s {run.target} is in {run.units}, {first.label}'s in {first.units}: its MSE and MAE are "
                f"the same in {first.units} (the offset between the two scales cancels in the errors)")
    else:
        assumption = f"; {found.assumption}" if found.assumption else ""
        note = (f"{run.label}'s {run.target} is in {run.units}: its MSE and MAE are converted to {first.units} "
                f"(MAE × {scale:.6g}, MSE × {scale:.6g}²{assumption})")
    return dataclasses.replace(run, units=first.units, scores=scores,
                               climatology_mse=_scaled(run.climatology_mse, scale ** 2), units_note=note)


@dataclass(frozen=True)
class UnitsClash:
    """Why scores in one unit cannot be put in another (:func:`units_clash`), for a refusal.

    Attributes
    ----------
    units, reference_units : str
        The two units as the message shows them (``'K'``, ``no units``, ``'kg kg-1' (a ratio
        of named units, mass per mass)``).
    reason : str
        Said after them, from ``, which do not convert by one factor`` or ``: …``.
    other_quantity : bool
        Whether the two are dimensionless quantities of other kinds (pint converts them, but
        they are not one quantity) rather than units without one factor between them.
    """

    units: str
    reference_units: str
    reason: str
    other_quantity: bool


def units_clash(target: str, units: str, reference_units: str, *, attrs: Mapping, reference_attrs: Mapping,
                where: str, reference: str) -> UnitsClash | None:
    """Why scores of ``target`` in ``units`` cannot be put in ``reference_units``; None when
    they can (the rule of :func:`in_units_of`, also used before a sweep trains its runs,
    :func:`climann.workflow.sweep.refuse_other_units`).

    Refused: units that do not convert by one factor (another quantity, ``mm month-1`` against
    ``mm day-1``, missing or unreadable units; :func:`climann.data.units.scores_conversion`),
    and dimensionless quantities of other kinds without one CF ``standard_name`` on both sides
    (``m3 m-3`` against ``percent``, which pint would rescale by 100;
    :func:`climann.data.unit_ratios.crosses_ratio`).

    Parameters
    ----------
    target : str
        The target's name.
    units, reference_units : str
        The units of the scores, and those they would be put in.
    attrs, reference_attrs : mapping
        The target's CF attributes on each side (``standard_name``, ``long_name``).
    where, reference : str
        Where each unit was read, for a unit pint cannot read.

    Returns
    -------
    UnitsClash or None
    """
    from climann.data.unit_ratios import crosses_ratio, described_kinds
    from climann.data.units import dimensionless_quantity, scores_conversion

    if units.strip() and reference_units.strip():
        kinds = (dimensionless_quantity(units), dimensionless_quantity(reference_units))
        if crosses_ratio(kinds, attrs, reference_attrs):
            own, theirs, why = described_kinds(units, reference_units, kinds=kinds, attrs=attrs,
                                               reference_attrs=reference_attrs)
            return UnitsClash(own, theirs, f": {why}, so their scores are not put on one scale", True)
    try:
        found = scores_conversion(units, reference_units, variable=target, where=where, reference=reference)
    except ClimannError:  # a unit pint cannot read: named with the other
        found = None
    if found is not None:
        return None
    return UnitsClash(_units_named(units), _units_named(reference_units),
                      ", which do not convert by one factor: their scores have no common scale", False)


def other_quantity_refusal(run: RunSummary, first: RunSummary) -> str | None:
    """Why the scores of ``run`` cannot be put in the units of ``first`` although pint converts
    them: a ratio of named units against a pure number (``m3 m-3`` against ``percent``, which
    pint would rescale by 100) or against a ratio of another kind (``kg kg-1`` against ``m3 m-3``,
    taken as one unit), without the targets of both runs naming one CF ``standard_name``
    (:func:`climann.data.unit_ratios.crosses_ratio`, the rule that converting their files
    follows); None when nothing says so, or a side has no units (then
    :func:`~climann.data.units.scores_conversion` refuses)."""
    clash = units_clash(run.target, run.units, first.units, attrs=run.target_attributes,
                        reference_attrs=first.target_attributes, where=f"{run.path}/metrics.json",
                        reference=f"{first.path}/metrics.json")
    if clash is None or not clash.other_quantity:
        return None
    return (f"{run.path} predicts {run.target} in {clash.units}, {first.path} in {clash.reference_units}"
            f"{clash.reason}; compare runs whose {run.target} is one quantity (in units of one kind, or named by "
            "one CF standard_name in the files of both)")


def _scores_conversion(run: RunSummary, first: RunSummary):
    """:func:`climann.data.units.scores_conversion` of ``run``'s units to ``first``'s, which
    :func:`units_clash` found to convert."""
    from climann.data.units import scores_conversion

    return scores_conversion(run.units, first.units, variable=run.target, where=f"{run.path}/metrics.json",
                             reference=f"{first.path}/metrics.json")


def _units_named(units: str) -> str:
    """``'mm d-1'``, or ``no units`` for a target whose file had none."""
    return f"'{units}'" if units else "no units"


def _scaled(value: float | None, factor: float) -> float | None:
    """``value × factor``; None stays None (a score not defined)."""
    return None if value is None else value * factor


def comparison_notes(runs: Sequence[RunSummary]) -> list[str]:
    """Why the runs' numbers are not comparable one to one, one sentence each (none when they are)."""
    notes = [run.units_note for run in runs if run.units_note]

    def differ(name: str, values: list, consequence: str, shown=str) -> None:
        if len(set(values)) > 1:
            listed = ", ".join(f"{run.label} {shown(value)}" for run, value in zip(runs, values))
            notes.append(f"the runs differ in {name} ({listed}): {consequence}")

    differ("test period", [run.test_period for run in runs], "their test scores are over different data",
           shown=compact_periods)
    differ("test values", [run.n_test for run in runs], "their test scores are over different values")
    differ("cell weights", [run.weighted_by for run in runs],
           "their scores are means over other areas (metrics.json weighted_by; with a fraction, over the land or "
           "sea part of each cell only): not comparable one to one")
    if _areas_differ(runs):  # break52c A5: one caption for the file's areacella and the computed areas
        listed = ", ".join(f"{run.label} {_areas_text(run.cell_areas)}" for run in runs)
        notes.append(f"the runs differ in cell areas ({listed}; metrics.json cell_areas): each cell weighs otherwise "
                     "in their scores, which are not comparable one to one")
    notes += scored_values_notes(runs)
    if all(run.inputs for run in runs) and len({run.inputs for run in runs}) > 1:
        notes.append("the runs' input files differ (checksums in provenance.json): they were trained and scored on "
                     "different data")
    for run in runs:
        if run.changed_inputs:
            notes.append(f"{run.label} was scored on input files changed since it was trained "
                         f"({', '.join(run.changed_inputs)}; metrics.json changed_inputs): its scores are of the "
                         "changed data, not of the files the other runs were scored on")
    differ("climatology", [run.climatology for run in runs],
           "their MSESS and ACC are against different climatologies (metrics.json climatology_per and "
           "climatology_window_days)")
    if all(run.climatology_years for run in runs):
        differ("the years of their climatology", [run.climatology_years for run in runs],
               "their MSESS and ACC are against climatologies of different training years (metrics.json "
               "split_periods train)", shown=compact_periods)
    differ("training loss", [run.loss for run in runs], "their learning curves are different quantities")
    routes = [run.training for run in runs]
    if all(routes):  # (runs of earlier versions did not record it)
        differ("how they trained", routes,
               f"{training_differences(routes)}, so their scores and training times differ for that too, not only "
               "for their settings (metrics.json training)")
    differ("what the network learns", [run.learned for run in runs],
           "their learning curves are losses of different standardised quantities and are not comparable (their "
           "test scores are, in the target's units)")
    for run in runs:
        if run.target_means:
            notes.append(f"{run.label}'s inputs hold {run.target}'s own area mean at the same time step "
                         f"({', '.join(run.target_means)}; metrics.json {TARGET_MEANS_KEY}): its scores assume the "
                         "true mean is given at prediction time")
        if run.ensemble_size > 1:
            notes.append(f"{run.label} is an ensemble of {run.ensemble_size} networks scored by their mean: its params "
                         "count every member's weights and biases, its epochs and learning curve are member 0's "
                         "(history.csv)")
    missing = [run.label for run in runs if run.training_seconds is None]
    if missing:
        notes.append(f"no training time in train.log of {', '.join(missing)}")
    return notes


def scored_values_notes(runs: Sequence[RunSummary]) -> list[str]:
    """Whether the runs' test scores are over other cells or time steps, one sentence each.

    By the fingerprints of ``scored_on`` when every run records them (the same cells chosen
    by other keys, ``seasons = ["DJF"]`` against ``months = [12, 1, 2]``, are the same); the
    sentence names the ``[data]`` keys that differ (or the numbers of cells or steps). Runs of
    earlier versions, which lack them, by their ``[data]`` keys (:data:`CELL_KEYS`,
    :data:`STEP_KEYS`); when those agree and so does the number of test values, a sentence says
    that the values themselves cannot be told apart. A record of the rectangle of rows and
    columns around a run's region (written before 4 December 2026,
    :func:`_fingerprints_rectangle`) is trusted where the ``region`` keys agree with it (the same
    fingerprint and box, or other fingerprints and boxes); where they disagree (the same box
    fingerprinted before and after, other boxes of one rectangle) a sentence says that whether
    the cells are the same cannot be told, and how to re-score.
    """
    recorded = all(run.scored_on for run in runs)
    notes = []
    for words, count, checksum, keys in SCORED_PARTS:
        differing = [key for key in keys if len({_choice_text(key, run.choices.get(key)) for run in runs}) > 1]
        same = recorded and len({run.scored_on.get(checksum) for run in runs}) == 1
        rectangles = [run for run in runs if words == "cells" and recorded and _fingerprints_rectangle(run)]
        if rectangles and same == bool(differing):  # the fingerprints and the keys disagree
            notes.append(_rectangle_note(rectangles))
            continue
        if same:
            continue
        if not recorded and not differing:
            continue
        named = "; ".join(f"{key}: " + ", ".join(f"{run.label} {_choice_text(key, run.choices.get(key))}"
                                                  for run in runs) for key in differing)
        if not named:
            named = ", ".join(f"{run.label} {run.scored_on.get(count)}" for run in runs)
        where = "metrics.json scored_on" if recorded else "[data] in config.toml"
        if words == "cells" and differing == ["select"] and _levels_selected_only(runs):
            words = "levels"
        elif words == "cells" and differing == ["select"] and _members_selected_only(runs):
            words = "ensemble members"  # break52c A6: a member chosen from a member axis is no set of cells
        notes.append(f"the runs' test scores are over different {words} ({named}; {where}): they are not "
                     "comparable one to one")
    if not recorded and not notes and len({run.n_test for run in runs}) == 1:
        older = [run.label for run in runs if not run.scored_on]
        named = older[0] + " records" if len(older) == 1 else ", ".join(older[:-1]) + f" and {older[-1]} record"
        notes.append(f"{named} no fingerprint of the test values (metrics.json scored_on; runs of earlier climann "
                     "versions): the runs choose their cells and time steps with the same [data] keys and score as "
                     "many values, but whether they are the same values cannot be told")
    return notes


def _levels_selected_only(runs: Sequence[RunSummary]) -> bool:
    """Whether the runs' ``[data] select`` differ only in coordinates that are the target's
    vertical levels in every run (:attr:`RunSummary.target_levels`): two depths of one ocean
    field, not other cells (break35b D4)."""
    selections = [run.choices.get("select") or {} for run in runs]
    if not all(isinstance(selection, dict) for selection in selections):
        return False
    names = {name for selection in selections for name in selection}
    differing = {name for name in names if len({str(selection.get(name)) for selection in selections}) > 1}
    return bool(differing) and all(differing <= set(run.target_levels) for run in runs)


def _members_selected_only(runs: Sequence[RunSummary]) -> bool:
    """Whether the runs' ``[data] select`` differ only in ensemble-member coordinates
    (:data:`~climann.data.members.MEMBER_NAMES`: ``member_id = "r2i1p1f1"`` of a Pangeo file beside
    runs on one member's files): other members of one ensemble, not other cells (break52c A6)."""
    selections = [run.choices.get("select") or {} for run in runs]
    if not all(isinstance(selection, dict) for selection in selections):
        return False
    names = {name for selection in selections for name in selection}
    differing = {name for name in names if len({str(selection.get(name)) for selection in selections}) > 1}
    return bool(differing) and differing <= set(MEMBER_NAMES)


def _fingerprints_rectangle(run: RunSummary) -> bool:
    """Whether ``run``'s cells fingerprint may be of the rectangle of rows and columns around
    its ``[data] region`` rather than of the cells scored in it: a record written before
    4 December 2026 (without :data:`~climann.evaluation.scored_blocks.CELLS_IN_REGION_KEY`) of a
    run with a region. On a curvilinear or rotated grid the two differ (break24a F5); on a
    regular grid they are one, which compare cannot see."""
    return bool(run.scored_on) and not run.scored_on.get(CELLS_IN_REGION_KEY) and bool(run.choices.get("region"))


def _rectangle_note(runs: Sequence[RunSummary]) -> str:
    """The note for runs whose cells fingerprints may be of the rectangle around their region
    (:func:`_fingerprints_rectangle`) where the fingerprints and the ``region`` keys disagree:
    the same box may give other fingerprints, other boxes of one rectangle the same one."""
    labels = [run.label for run in runs]
    named = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + f" and {labels[-1]}"
    rescore = "; ".join(f"climann evaluate {shlex.quote(str(run.path))}" for run in runs)
    return (f"{named} {'records' if len(runs) == 1 else 'record'} the cells of the rows and columns around "
            f"{'its' if len(runs) == 1 else 'their'} [data] region (metrics.json scored_on, written before "
            "4 December 2026), not the cells scored in it: whether the runs' test scores are over the same cells "
            f"cannot be told; re-score to record them: {rescore}")


def _choice_text(key: str, value: object) -> str:
    """A ``[data]`` key's value as the notes show it: ``-40,0,90,200``, ``all`` (none chosen), ``plev=85000``."""
    if isinstance(value, dict):
        return ",".join(f"{name}={value[name]}" for name in sorted(value)) or "none"
    if isinstance(value, list | tuple):
        return ",".join(f"{item:g}" if isinstance(item, float) else str(item) for item in value) or "all"
    return str(value)


def format_score(value: float | None, key: str) -> str:
    """A score as text: 4 significant digits for MSE and MAE, 3 decimals for ACC and MSESS;
    ``n/a`` when undefined."""
    if value is None or not math.isfinite(value):
        return "n/a"
    return f"{value:.3f}" if key in HIGHER_IS_BETTER else f"{value:.4g}"


def best_runs(runs: Sequence[RunSummary]) -> dict[str, set[int]]:
    """For each score, the indices of the runs with the best value (lowest MSE and MAE, highest
    ACC and MSESS): every run whose value is the best one up to float noise
    (:data:`SAME_SCORE_RTOL`, :data:`SAME_SCORE_ATOL` for ACC and MSESS), so that the same
    run scored in two units is bold twice or not at all."""
    best = {}
    for key, _ in SCORE_COLUMNS:
        values = [run.scores[key] for run in runs]
        finite = [value for value in values if value is not None and math.isfinite(value)]
        if finite:
            target = max(finite) if key in HIGHER_IS_BETTER else min(finite)
            tolerance = SAME_SCORE_ATOL if key in HIGHER_IS_BETTER else 0.0
            best[key] = {index for index, value in enumerate(values) if value is not None and math.isclose(
                value, target, rel_tol=SAME_SCORE_RTOL, abs_tol=tolerance)}
    return best


def comparison_rows(runs: Sequence[RunSummary]) -> tuple[list[str], list[list[str]]]:
    """The header and one row of text per run: run, scores, parameters, epochs, time."""
    header = ["run", *(label for _, label in SCORE_COLUMNS), "params", "epochs", "time"]
    rows = [[run.label, *(format_score(run.scores[key], key) for key, _ in SCORE_COLUMNS), f"{run.n_parameters:,}",
             str(run.epochs), "n/a" if run.training_seconds is None else time_text(run.training_seconds)]
            for run in runs]
    return header, rows


def comparison_title(runs: Sequence[RunSummary]) -> str:
    """``tas (K), test split 1997–1999, area-weighted: MSE in K², MAE in K`` (the weighting:
    :func:`runs_weighting`)."""
    from climann.data.units import in_parentheses, units_phrase
    from climann.evaluation.report import units_texts

    first = runs[0]
    label, units, squared = units_texts(first.units)
    periods = [compact_periods(period) for period in sorted({run.test_period for run in runs})]
    return (f"{first.target} {in_parentheses(label)}, test split {', '.join(periods)}, {runs_weighting(runs)}: "
            f"MSE {units_phrase(squared)}, MAE {units_phrase(units)}")


def _areas_text(cell_areas: str) -> str:
    """``"areas of areacella"``, ``"areas computed from the grid"``, ``"areas not recorded"``."""
    if not cell_areas:
        return "areas not recorded"
    return "areas computed from the grid" if cell_areas == COMPUTED_AREAS else f"areas of {cell_areas}"


def _areas_differ(runs: Sequence[RunSummary]) -> bool:
    """Whether the runs' scores weigh cells by different areas (``metrics.json`` ``cell_areas``: the
    file's ``areacella`` against the areas computed from the grid), of the runs that record them
    and weigh by area at all."""
    recorded = {run.cell_areas for run in runs if run.cell_areas and run.weighting != ONE_CELL_TEXT}
    return len(recorded) > 1


def run_weighting(run: RunSummary, *, areas: bool = False) -> str:
    """How a run's scores weigh the cells (:attr:`RunSummary.weighting`), with whose areas when
    ``areas`` (the runs compared weigh by different ones, :func:`_areas_differ`): ``weighted by cell
    area × land_area_fraction (sftlf), areas of areacella``."""
    if not areas or run.weighting == ONE_CELL_TEXT:
        return run.weighting
    return f"{run.weighting}, {_areas_text(run.cell_areas)}"


def runs_weighting(runs: Sequence[RunSummary]) -> str:
    """How the runs' scores are weighted (:attr:`RunSummary.weighting`: ``metrics.json``
    ``weighted_by``, one cell): ``area-weighted``, ``weighted by cell area ×
    land_area_fraction (sftlf)``, ``one cell (no weighting)``, or when they differ each with its runs: ``weights differ:
    weighted by cell area × land_area_fraction (sftlf) (base), area-weighted (unw)``; also when only their
    areas differ (``metrics.json`` ``cell_areas``, break52c A5), each with them (:func:`run_weighting`)."""
    by_weights: dict[str, list[str]] = {}
    areas = _areas_differ(runs)
    for run in runs:
        by_weights.setdefault(run_weighting(run, areas=areas), []).append(run.label)
    if len(by_weights) == 1:
        return runs[0].weighting
    return "weights differ: " + ", ".join(f"{weighting} ({', '.join(labels)})"
                                           for weighting, labels in by_weights.items())


def comparison_table(runs: Sequence[RunSummary], *, title: bool = True, width: int | None = None):
    """A rich table of the runs, the best value of each score in bold (what the columns are:
    :func:`comparison_legend`). ``title=False`` leaves out :func:`comparison_title`, which the
    command line prints as a message of its own (rich wraps a title at the table's width, in a
    pipe too, and inside its units).

    With ``width`` (a terminal's columns) the table fits in it: no number is ever wrapped or cut
    (its column is as wide as its widest value), the run names get the width left, at least
    :data:`NAME_MIN_WIDTH`, and are broken between the parts of a name (after ``-``, ``_``,
    ``/``), not inside a value (``sweep-0.0003`` at 10 columns is ``sweep-`` / ``0.0003``,
    where rich alone folded it to ``sweep-0.00`` / ``03``); when the names would get less, the
    columns of :data:`COMPACT_DROPPED` are left out, last first, and
    :func:`comparison_footer` names them.

    Parameters
    ----------
    runs : sequence of RunSummary
    title : bool
    width : int, optional
        Terminal cells; default: every column, names unbroken.

    Returns
    -------
    rich.table.Table
    """
    from rich import box
    from rich.table import Table

    header, rows = comparison_rows(runs)
    best = best_runs(runs)
    shown, name_width = shown_columns(header, rows, width)
    table = Table(title=comparison_title(runs) if title else None, title_justify="left", box=box.SIMPLE_HEAD,
                  pad_edge=False)
    for index in shown:
        if index == 0:  # names: broken between their parts; folded only a part wider than the column
            table.add_column(header[index], justify="left", overflow="fold", width=name_width)
        else:
            table.add_column(header[index], justify="right", no_wrap=True,
                             min_width=max(cell_len(text) for text in [header[index], *(row[index] for row in rows)]))
    for number, row in enumerate(rows):
        cells = [name_lines(row[0], name_width)] + [f"[bold]{text}[/bold]" if number in best.get(key, ()) else text
                                                    for (key, _), text in zip(SCORE_COLUMNS, row[1:])]
        cells += row[1 + len(SCORE_COLUMNS):]
        table.add_row(*(cells[index] for index in shown))
    return table


#: The columns of :func:`comparison_rows` left out, in this order, where the terminal is too
#: narrow for them and names of :data:`NAME_MIN_WIDTH`: the training time, epochs and
#: parameters, then MAE and ACC (MSE and MSESS, the comparison's point, stay).
COMPACT_DROPPED = ("time", "epochs", "params", "MAE", "ACC")
#: The fewest columns the run names get (or their longest, when shorter).
NAME_MIN_WIDTH = 16
#: Where a run name may be broken: after these, except a ``-`` or ``+`` of a number's exponent
#: (``1e-05``).
_NAME_BREAK = re.compile(r"(?<=[/_])|(?<=-)(?<![0-9.][eE]-)|(?<=\+)(?<![0-9.][eE]\+)")


def shown_columns(header: Sequence[str], rows: Sequence[Sequence[str]], width: int | None
                  ) -> tuple[list[int], int | None]:
    """The indices of the columns of :func:`comparison_table` shown in ``width`` terminal cells
    and the width of the names' column (None: every column, names as wide as the longest).

    The table's border takes one cell at each side and one between columns, its padding one
    cell either side of a cell but the outer two (rich's ``box.SIMPLE_HEAD``, ``pad_edge=False``).
    """
    longest = max(cell_len(text) for text in [header[0], *(row[0] for row in rows)])
    if width is None:
        return list(range(len(header))), None
    widths = [max(cell_len(text) for text in [name, *(row[index] for row in rows)]) for index, name in
              enumerate(header)]
    shown = list(range(len(header)))
    dropped = [header.index(name) for name in COMPACT_DROPPED if name in header]
    while True:
        frame = 2 + (len(shown) - 1) + 2 * len(shown) - 2
        left = width - frame - sum(widths[index] for index in shown[1:])
        if left >= min(longest, NAME_MIN_WIDTH) or not dropped:
            return shown, max(1, min(longest, left))
        shown.remove(dropped.pop(0))


def name_lines(name: str, width: int | None) -> str:
    """A run name broken into lines of at most ``width`` cells between its parts (after ``/``,
    ``_``, ``-``; not inside a number's exponent, ``1e-05``): ``sweep-`` / ``0.0003``; a part
    wider than ``width`` is left to the column to fold. The name itself when it fits.

    Examples
    --------
    >>> print(name_lines("precipitation-sweep-0.00031415", 16))
    precipitation-
    sweep-0.00031415
    >>> print(name_lines("lr-1e-05", 5))
    lr-
    1e-05
    """
    if width is None or cell_len(name) <= width:
        return name
    lines = [""]
    for part in _NAME_BREAK.split(name):
        if lines[-1] and cell_len(lines[-1] + part) > width:
            lines.append("")
        lines[-1] += part
    return "\n".join(lines)


def comparison_footer(runs: Sequence[RunSummary], *, width: int | None = None) -> list[str]:
    """The lines below :func:`comparison_table` at ``width``: what its columns are
    (:func:`comparison_legend`) and, when the width left some out, which (``comparison.md``
    has them all). One message each: the command line wraps them between words on a terminal.

    Parameters
    ----------
    runs : sequence of RunSummary
    width : int, optional
        As :func:`comparison_table`'s.

    Returns
    -------
    list of str
    """
    header, rows = comparison_rows(runs)
    shown, _ = shown_columns(header, rows, width)
    left_out = [name for index, name in enumerate(header) if index not in shown]
    if not left_out:
        return comparison_legend()
    # the legend's lines of the columns shown: each line is of the columns of _LEGEND_COLUMNS
    legend = [line for line, columns in zip(comparison_legend(), _LEGEND_COLUMNS) if set(columns) - set(left_out)]
    return [*legend, f"left out at this width ({width} columns): {', '.join(left_out)}; a wider terminal shows "
            "them, as does the comparison.md that compare --out and sweep write"]


#: The columns each line of :func:`comparison_legend` is about.
_LEGEND_COLUMNS = (("MSESS",), ("ACC",), ("time",), ("params", "epochs"))


def comparison_legend() -> list[str]:
    """What the table's columns are, one line each (below the table and in ``comparison.md``)."""
    return [MSESS_TEXT, ACC_TEXT, TIME_TEXT,
            "params = weights and biases; epochs = epochs trained (rows of history.csv)"]


def comparison_markdown(runs: Sequence[RunSummary], notes: Sequence[str], figure: str | None) -> str:
    """The content of ``comparison.md``: the table (best values in bold), what the columns
    are, the runs' paths, the notes and the figure."""
    header, rows = comparison_rows(runs)
    best = best_runs(runs)
    lines = [COMPARISON_HEADING, "", comparison_title(runs) + ".", "",
             "| " + " | ".join(header) + " |", "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
    for number, row in enumerate(rows):
        scores = [f"**{text}**" if number in best.get(key, ()) else text
                  for (key, _), text in zip(SCORE_COLUMNS, row[1:])]
        lines.append("| " + " | ".join([row[0].replace("|", "\\|"), *scores, *row[1 + len(SCORE_COLUMNS):]]) + " |")
    lines += ["", "The best value of each score in bold.", ""] + [f"- {line}." for line in comparison_legend()]
    lines += ["", "Runs:", ""]
    lines += [f"- {run.label}: `{run.path.resolve()}`" for run in runs]
    if notes:
        lines += ["", "Notes:", ""] + [f"- {note}" for note in notes]
    if figure:
        lines += ["", f"![learning curves and test scores]({figure})"]
    return "\n".join(lines) + "\n"


def write_comparison(runs: Sequence[RunSummary], notes: Sequence[str], out: Path, *, dpi: int = 150) -> list[Path]:
    """Write ``comparison.png`` and ``comparison.md`` into ``out`` (which must exist), each
    complete or absent; return their paths."""
    from climann.atomic import atomic_path
    from climann.evaluation.figures.comparison import plot_comparison

    markdown_name, figure_name = COMPARE_FILES
    figure = plot_comparison(
        [run.label for run in runs], [run.train_loss for run in runs], [run.val_loss for run in runs],
        [run.scores["mse"] for run in runs], [run.climatology_mse for run in runs],
        [run.scores["skill_vs_climatology"] for run in runs], loss_names=[run.loss for run in runs],
        learned=[run.learned for run in runs],
        target=runs[0].target, units=runs[0].units,
        period=", ".join(compact_periods(period) for period in sorted({run.test_period for run in runs})),
        path=out / figure_name, dpi=dpi,
        weighting=runs[0].weighting if len({run_weighting(run, areas=_areas_differ(runs)) for run in runs}) == 1
        else "weights differ",
    )
    with atomic_path(out / markdown_name, what="comparison") as temporary:
        temporary.write_text(comparison_markdown(runs, notes, figure_name))
    return [out / markdown_name, figure]


def compare_runs(run_dirs: Sequence[str | Path], out: str | Path | None = None, *, overwrite: bool = False,
                 dpi: int = 150, option: str = "--out", way_out: str | None = None) -> Comparison:
    """Read finished runs and, with ``out``, write their comparison there.

    Parameters
    ----------
    run_dirs : str, Path or sequence of them
        Finished run directories (``climann train --out``); one alone as itself.
    out : str or Path, optional
        Folder for ``comparison.md`` and ``comparison.png`` (created if missing).
    overwrite : bool
        Replace those two files in ``out`` when they are climann's own.
    dpi : int
    option : str
        How the messages name ``out`` (``--out``; a sweep's comparison folder is not an option
        of its own: "the comparison folder").
    way_out : str, optional
        The way out the refusals name (another climann writing ``out`` now, ``out`` not
        writable): by default "choose another ``option``"; a sweep names its ``--runs``.

    Returns
    -------
    Comparison

    Raises
    ------
    ClimannError
        See :func:`read_runs`; also ``out`` inside a compared run (its files would become
        foreign to the run), or holding those files (without ``overwrite``, or not climann's).
    """
    runs = read_runs(run_dirs)
    files: list[Path] = []
    if out is not None:
        out = Path(out)
        for run in runs:
            if out.resolve() == run.path.resolve() or run.path.resolve() in out.resolve().parents:
                raise ClimannError(f"--out {out} is inside the run {run.path}; write the comparison beside the runs, "
                                   "e.g. runs/comparison")
        prepare_output_folder(out, COMPARE_FILES, overwrite=overwrite, option=option, way_out=way_out)
    notes = comparison_notes(runs)
    if out is not None:
        with claimed_output(out, overwrite=overwrite, folder=True, what="comparison folder",
                            way_out=way_out or f"choose another {option}"):
            # again, now that no other climann writes there: the check and the writing are one step
            prepare_output_folder(out, COMPARE_FILES, overwrite=overwrite, option=option, way_out=way_out)
            files = write_comparison(runs, notes, out, dpi=dpi)
    return Comparison(runs=runs, notes=notes, files=files)
