"""The log of a run: its phases with their timings, a data summary and one line per epoch.

A run reports through the standard :mod:`logging` module under the ``climann`` logger. The
pipeline collects the records of each run into ``train.log`` in its run directory
(:func:`capture_run_log`); the command line shows the same records on the terminal
(:mod:`climann.workflow.progress`). Records that carry ``extra={"progress": (what, done, total)}``
(per block of data read, never per sample) drive progress bars and stay out of the file.

Examples
--------
>>> with capture_run_log() as run_log:
...     phases = PhaseTimer()
...     phases.begin("preparing data")
...     phases.end()
>>> [line.split(" ", 1)[1] for line in run_log.lines][0]
'preparing data …'
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

import numpy as np

from climann.data.notes import forget_notes, with_store_notes
from climann.data.splits import compact_periods

if TYPE_CHECKING:
    from climann.evaluation.extrapolation import Extrapolation
    from climann.model import History
    from climann.workflow.config import DataConfig
    from climann.workflow.preparation import PreparedData

#: The logger every climann module logs under; ``climann.run`` reports phases and summaries,
#: ``climann.run.epoch`` the per-epoch lines.
LOGGER_NAME = "climann"
run_logger = logging.getLogger("climann.run")
epoch_logger = logging.getLogger("climann.run.epoch")


def duration_text(seconds: float) -> str:
    """A duration as people read it: ``4.2 s`` under a minute, else ``h:mm:ss`` (as the bars show)."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    whole = round(seconds)
    return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"


def epoch_line(epoch: int, epochs: int, history: History, seconds: float, elapsed: float) -> str:
    """``epoch   3/15  train_loss 0.12345  val_loss 0.13456  in 1.4 s (4.2 s elapsed)``: one
    epoch's losses, how long that epoch took and the time since training began."""
    val = f"  val_loss {history.val_loss[-1]:.5f}" if history.val_loss else ""
    return (f"epoch {epoch:>3}/{epochs}  train_loss {history.train_loss[-1]:.5f}{val}"
            f"  in {duration_text(seconds)} ({duration_text(elapsed)} elapsed)")


class EpochLogger:
    """An epoch callback for :func:`climann.model.train` that logs :func:`epoch_line`.

    Its clock starts when it is made, and again at :meth:`start` (when training begins, after
    the data are prepared): the first epoch's time is its own, not that of reading the data.
    """

    def __init__(self, epochs: int) -> None:
        self.epochs = epochs
        self.start()

    def start(self) -> None:
        """Training begins now."""
        self.started = self.last = time.perf_counter()

    def __call__(self, epoch: int, history: History) -> None:
        now = time.perf_counter()
        epoch_logger.info(epoch_line(epoch, self.epochs, history, now - self.last, now - self.started))
        self.last = now


class PhaseTimer:
    """Logs the phases of a run as they begin and how long each took.

    ``begin(name)`` ends the current phase (logging its duration) and starts the next;
    ``end()`` ends the last one. The records carry ``phase`` (beginning) or ``phase_done``
    and ``seconds`` (ending) for displays.
    """

    def __init__(self) -> None:
        self.name: str | None = None
        self.started = 0.0
        self.durations: dict[str, float] = {}

    def begin(self, name: str) -> None:
        self.end()
        self.name, self.started = name, time.perf_counter()
        run_logger.info("%s …", name, extra={"phase": name})

    def end(self) -> None:
        if self.name is None:
            return
        seconds = time.perf_counter() - self.started
        self.durations[self.name] = seconds
        run_logger.info("%s: %.1f s", self.name, seconds, extra={"phase_done": self.name, "seconds": seconds})
        self.name = None


def log_data_summary(data: PreparedData, *, n_files: int) -> None:
    """Log what the prepared samples are: mode, features, samples per block, memory."""
    from climann.data.field import FieldSamples
    from climann.data.stations import station_label  # imports xarray: after the configuration is checked
    from climann.evaluation.report import NO_UNITS

    samples, layout = data.samples, data.samples.layout
    mode = "field" if isinstance(samples, FieldSamples) else "pointwise"
    names = list(samples.feature_names)
    before = layout.steps_before_range  # read for persistence and lags: no time step of the run
    station = station_label(layout.scalar_coordinates)  # by its stored id: --select gave it maybe by its index
    run_logger.info(
        "data: %d file%s, %s mode, target %s (%s), %d×%d grid%s, %d time steps%s; %d features: %s",
        n_files, "" if n_files == 1 else "s", mode, layout.target_name, layout.target_units or NO_UNITS,
        layout.shape[1], layout.shape[2], "" if station is None else f" (station {station})", layout.shape[0] - before,
        _steps_before_text(before, _read_within(layout.time.values, before)), len(names), ", ".join(names),
    )
    periods = data.split.descriptions
    blocks = ", ".join(f"{name} {int(mask.sum())} ({compact_periods(periods.get(name, ''))})"
                       for name, mask in data.sample_masks.items())
    size = data.scaled_inputs.nbytes + data.scaled_target.nbytes
    run_logger.info("samples: %s; %d dropped%s; in memory (%.3g GB)", blocks, samples.n_dropped,
                    "" if mode == "field" else _weightless_text(data), size / 2**30)


def _weightless_text(data: PreparedData) -> str:
    """``; of zero weight, which no score counts: train 96, val 24, test 24 (samples that weigh: train
    480, …)``, or ``""`` when every sample weighs: a pointwise sample in a cell of no land for a
    mean "where land" (no sea ice at its step, for one "where sea_ice") weighs nothing, and the
    scores count only values that weigh
    (:func:`~climann.evaluation.sums.weighed_values`), so the samples line said 576 where
    metrics.json's ``n_samples`` said 480 (fix37j)."""
    weightless = ~(data.area_weights() > 0)  # (a NaN weight weighs nothing either)
    if not weightless.any():
        return ""
    counts = {name: (int(mask.sum()), int((weightless & mask).sum())) for name, mask in data.sample_masks.items()}
    zero = ", ".join(f"{name} {none}" for name, (_, none) in counts.items())
    scored = ", ".join(f"{name} {total - none}" for name, (total, none) in counts.items())
    return f"; of zero weight, which no score counts: {zero} (samples that weigh: {scored})"


def _steps_before_text(before: int, within: int = 0) -> str:
    """`` (and the step before them, for persistence and lags)``, ``… the 12 steps before
    them …``, or ``""`` (none read before the run's ``time_range``); with ``within`` of them
    inside the run's period (the days or months observed last before each forecast's start,
    read for its persistence alone), ``… (and 6 steps read for persistence and lags alone, 5 of
    them within the period: the last observed before a forecast's start)``."""
    if not before:
        return ""
    if within:
        return (f" (and {before} step{'' if before == 1 else 's'} read for persistence and lags alone, {within} of "
                "them within the period: the last observed before a forecast's start)")
    return f" (and the {'step' if before == 1 else f'{before} steps'} before them, for persistence and lags)"


def _read_within(times: np.ndarray, before: int) -> int:
    """How many of the first ``before`` steps of ``times``, read for persistence and lags alone,
    lie within the span of the run's steps (those after them), not before it."""
    if not before or before >= len(times):
        return 0
    first = min(times[before:])
    return sum(time >= first for time in times[:before])


def warn_about_notes(metrics: dict) -> None:
    """Log each note of ``metrics`` (a baseline left out of a block or scored on part of it,
    see :func:`climann.evaluation.scores.note_lines`) as a warning: on the terminal as
    ``climann: warning: …`` and in ``train.log``."""
    from climann.evaluation.scores import note_lines

    for line in note_lines(metrics.get("notes", [])):
        run_logger.warning(line)


def warn_about_identity(metrics: dict, data: DataConfig) -> None:
    """Warn (on the terminal and in ``train.log``) when the run's inputs reproduce its target
    on the test block: its skill then measures an identity
    (:func:`climann.evaluation.identities.identity_warning`). ``data``: the run's ``[data]``
    with its inputs chosen (their names go into the line)."""
    from climann.evaluation.identities import identity_warning

    line = identity_warning(metrics, predictors=data.predictors or (), features=data.features or (),
                           lags=data.lags or {})
    if line is not None:
        run_logger.warning(line)


def run_inputs(data: DataConfig) -> dict:
    """What the run's network learnt from, as :func:`climann.evaluation.negative_skill.negative_skill_text`
    (and ``report.md``) fit their causes and ways out to it: ``target_anomaly``, ``predictors``,
    ``features`` and ``lags`` (after "auto" is resolved; None where still "auto": not known)."""
    return {"target_anomaly": bool(data.target_anomaly), "predictors": data.predictors,
            "features": data.features, "lags": data.lags or {}}


def warn_about_negative_skill(metrics: dict, data: DataConfig) -> None:
    """Warn (on the terminal and in ``train.log``) when the network scores worse than the
    climatology on the test block: a negative skill score, its causes and the ways out fitted to
    the run's inputs in ``data`` (:func:`climann.evaluation.negative_skill.negative_skill_text`);
    nothing is refused."""
    from climann.evaluation.negative_skill import negative_skill_text

    line = negative_skill_text(metrics, **run_inputs(data))
    if line is not None:
        run_logger.warning(line)


def warn_about_target_means(metrics: dict) -> None:
    """Warn (on the terminal and in ``train.log``) when the run's inputs hold the target's own
    area mean at the same time step (``metrics.json`` ``target_area_means``): its scores assume
    that true mean is given (:func:`climann.evaluation.target_means.target_means_text`)."""
    from climann.evaluation.target_means import target_means_text

    line = target_means_text(metrics)
    if line is not None:
        run_logger.warning(line)


#: The least share of a validation or test block's samples outside the training range that
#: ``train`` warns of: a few record values (0.2 % of a 3-year sample's blocks) are what any
#: split of one record holds, and a line for them on every run would teach users to ignore it.
BLOCK_EXTRAPOLATION_SHARE = 0.01

#: The least number of a block's samples outside the training range that ``train`` warns of:
#: on a station's series (24 monthly samples a block) one record value is already 4 % of the
#: block, and a random series without a trend had one in most splits (verify21a F7).
BLOCK_EXTRAPOLATION_SAMPLES = 5


def warn_about_extrapolation(blocks: Mapping[str, Extrapolation], units: Mapping[str, str]) -> None:
    """Warn (on the terminal and in ``train.log``), one line per block, when at least
    :data:`BLOCK_EXTRAPOLATION_SHARE` of the samples of the validation or test block, and at
    least :data:`BLOCK_EXTRAPOLATION_SAMPLES` of them, have
    features outside their range on the training block: the line ``predict`` gives new data
    (:func:`~climann.evaluation.extrapolation.extrapolation_message`), so that a test block
    warmer than any training year, or a latitude first observed after it, is not scored
    without a word.

    One function for every route: ``blocks`` holds each block's
    :class:`~climann.evaluation.extrapolation.Extrapolation`, checked on the samples in memory
    (:func:`block_extrapolation`) or added up from the chunks' counts on the streamed and
    cluster routes (:func:`climann.workflow.compute.evaluation.extrapolation_from_series`);
    other blocks than ``val`` and ``test`` are ignored, and so is the ``year`` feature, beyond
    its training range in those blocks by the split's construction (:func:`block_check_ranges`).
    ``units``: the inputs' units (``model.npz`` ``units``)."""
    from climann.evaluation.extrapolation import extrapolation_message

    for block in ("val", "test"):
        extrapolation = blocks.get(block)
        if extrapolation is None:
            continue
        message = extrapolation_message(extrapolation, units)
        if (message and extrapolation.fraction >= BLOCK_EXTRAPOLATION_SHARE
                and extrapolation.n_outside >= BLOCK_EXTRAPOLATION_SAMPLES):
            run_logger.warning("%s block: %s", block, message)


#: Features whose validation and test values lie outside their training range by the split's
#: own construction, left out of :func:`warn_about_extrapolation`'s check: the blocks are
#: whole years after (or before) the training years, so ``year`` is beyond its training range
#: at every sample of them, on every run that uses it (verify21a F5). ``predict`` still checks it.
BY_CONSTRUCTION = ("year",)


def block_check_ranges(ranges: Mapping | None) -> dict | None:
    """The training ranges of the inputs (``model.npz`` ``input_ranges``) for the check of the
    validation and test blocks: those of :data:`BY_CONSTRUCTION` opened to (−∞, ∞), the others
    as they are; None when not known."""
    if ranges is None:
        return None
    open_ended = [name in BY_CONSTRUCTION for name in ranges["names"]]
    return {"names": list(ranges["names"]),
            "min": [-np.inf if free else low for free, low in zip(open_ended, ranges["min"])],
            "max": [np.inf if free else high for free, high in zip(open_ended, ranges["max"])]}


def block_extrapolation(data: PreparedData) -> dict[str, Extrapolation]:
    """The samples of the validation and test blocks in memory outside the training block's
    range of their features (:func:`~climann.evaluation.extrapolation.check_extrapolation`),
    by block; empty when the range is not known."""
    from climann.evaluation.extrapolation import check_extrapolation

    ranges = block_check_ranges(data.input_scaler.range_dict())
    if ranges is None:
        return {}
    masks = {block: data.sample_masks.get(block) for block in ("val", "test")}
    return {block: check_extrapolation(data.samples.inputs[mask], ranges)
            for block, mask in masks.items() if mask is not None and mask.any()}


class RepeatedWarnings(logging.Filter):
    """Lets each warning through once per handler (a display, a run's log).

    A command opens its files more than once (to choose the inputs, to read them, to
    evaluate), and the data layer warns at each opening (a unit converted, a static field
    taken, a time axis sorted): the same line again tells the user nothing new.
    """

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno != logging.WARNING:
            return True
        message = record.getMessage()
        if message in self.seen:
            return False
        self.seen.add(message)
        return True


class RunLogCollector(logging.Handler):
    """Keeps a run's log records as timestamped lines (progress records left out; each
    warning once, :class:`RepeatedWarnings`)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.addFilter(RepeatedWarnings())
        self.lines: list[str] = []
        formatter = logging.Formatter("%(asctime)s.%(msecs)03d %(message)s", datefmt="%Y-%m-%dT%H:%M:%S")
        self.setFormatter(formatter)

    def emit(self, record: logging.LogRecord) -> None:
        if not hasattr(record, "progress"):  # a Zarr store's edit in place said so, as on the terminal
            self.lines.append(with_store_notes(self.format(record)))

    def continue_from(self, earlier: str, note: str | None = None) -> None:
        """Put the log of the run's earlier part (``train.log`` text, as recorded in the
        checkpoint that a resumed run continues) before the lines so far, and ``note``
        between them (a line saying where the run was interrupted and resumed)."""
        self.lines[:0] = [*earlier.splitlines(), *([note] if note else [])]

    def text(self) -> str:
        """The lines so far, as the content of ``train.log``."""
        return "\n".join(self.lines) + "\n" if self.lines else ""


@contextlib.contextmanager
def capture_run_log() -> Iterator[RunLogCollector]:
    """Collect the ``climann`` log records at INFO and above while the block runs.

    The logger's level is lowered to INFO for the duration if needed, and restored after. The
    data layer's notes, said once per run (:mod:`climann.data.notes`), start afresh.
    """
    logger = logging.getLogger(LOGGER_NAME)
    collector = RunLogCollector()
    forget_notes()  # a new run: the data layer's notes are said again, into this run's log
    level = logger.level
    if logger.getEffectiveLevel() > logging.INFO:
        logger.setLevel(logging.INFO)
    logger.addHandler(collector)
    try:
        yield collector
    finally:
        logger.removeHandler(collector)
        logger.setLevel(level)
