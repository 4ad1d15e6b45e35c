"""Progress on the terminal while a run reads its data and trains.

Two displays, chosen by :func:`terminal_display`:

- on a terminal, :class:`RichDisplay`: a spinner with the current phase, a bar while the
  samples are read (per block of time steps), and while training a bar over the epochs
  (with the ETA of the whole run) and one over the current epoch's batches (batch k/n,
  samples/s, the latest batch loss, ETA); one line per epoch is printed above the bars;
- elsewhere (pipes, files, CI, tests), :class:`PlainDisplay`: one line per epoch, as in
  ``train.log``.

Both show the ``climann`` log records (:mod:`climann.runlog`): the per-epoch lines always,
phases with their timings and the data summary with ``verbose``. The per-batch hook costs
one clock reading per batch; the bars are redrawn at most every ``min_interval`` seconds
(and rich draws from its own thread). Nothing here is per sample.

Example
-------
>>> with terminal_display(verbosity=1) as progress:  # doctest: +SKIP
...     run_training(config, run_dir="runs/x", progress=progress)
"""

from __future__ import annotations

import contextlib
import logging
import math
import sys
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Protocol

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.text import Text

from climann.runlog import LOGGER_NAME

if TYPE_CHECKING:
    from climann.model import History

QUIET, NORMAL, VERBOSE = 0, 1, 2


class TrainingProgress(Protocol):
    """What :func:`climann.pipeline.run_training` tells a progress display while training."""

    def start_training(
        self, *, epochs: int, batch_size: int, batches_per_epoch: int | None, samples_per_epoch: int | None
    ) -> None:
        """Training begins; the batches (and samples) per epoch are None when unknown
        before the first epoch (streamed data)."""

    def on_batch(self, epoch: int, index: int, loss: float) -> None:
        """After each optimizer step (a :data:`climann.model.training.BatchCallback`)."""

    def on_epoch(self, epoch: int, history: History) -> None:
        """After each epoch (a :data:`climann.model.training.Callback`)."""

    def end_training(self) -> None:
        """Training has ended (finished, stopped early, or failed)."""


def display_line(record: logging.LogRecord) -> str:
    """The line a display prints for ``record``: its message, after ``climann: warning: ``
    for a warning (which tells the user something to act on)."""
    message = record.getMessage()
    return f"climann: warning: {message}" if record.levelno >= logging.WARNING else message


def shown(record: logging.LogRecord, verbosity: int) -> bool:
    """Whether a log record is printed at this verbosity: warnings always, the per-epoch
    lines from :data:`NORMAL`, everything else (phases, data summary) with :data:`VERBOSE`;
    progress records never (they drive bars)."""
    if hasattr(record, "progress") or verbosity <= QUIET:
        return record.levelno >= logging.ERROR
    if record.levelno >= logging.WARNING or record.name == "climann.run.epoch":
        return True
    return verbosity >= VERBOSE and record.levelno >= logging.INFO


class PlainDisplay:
    """Log lines on ``sys.stderr``, one per epoch (and per phase with ``verbosity=VERBOSE``);
    no per-batch work at all."""

    def __init__(self, *, verbosity: int = NORMAL) -> None:
        self.verbosity = verbosity

    def show(self, record: logging.LogRecord) -> None:
        if shown(record, self.verbosity):
            print(display_line(record), file=sys.stderr, flush=True)

    def start_training(self, **plan: Any) -> None:
        pass

    def on_batch(self, epoch: int, index: int, loss: float) -> None:
        pass  # nothing is drawn between epochs

    def on_epoch(self, epoch: int, history: History) -> None:
        pass

    def end_training(self) -> None:
        pass

    def close(self) -> None:
        pass


class RichDisplay:
    """Rich progress bars on a terminal, log lines printed above them.

    Parameters
    ----------
    console : rich.console.Console
    verbosity : int
    min_interval : float
        Seconds between two updates of the batch bar.
    """

    def __init__(self, console: Console, *, verbosity: int = NORMAL, min_interval: float = 0.2) -> None:
        self.verbosity, self.min_interval = verbosity, min_interval
        # Anything else written to stderr (warnings) goes above the bars; stdout may be a file.
        self.progress = Progress(
            SpinnerColumn(), TextColumn("{task.description}"), BarColumn(bar_width=28),
            TextColumn("{task.fields[count]}"), TimeElapsedColumn(), _RemainingColumn(),
            TextColumn("{task.fields[detail]}"),
            console=console, transient=True, refresh_per_second=5, redirect_stdout=False, redirect_stderr=True,
        )
        self.progress.start()
        self._phase = self.progress.add_task("", total=None, count="", detail="", visible=False)
        self._reading: Any = None
        self._epochs_task: Any = None
        self._batch_task: Any = None
        self._plan: dict[str, Any] = {}
        self._index = 0
        self._next_update = 0.0
        self._epoch_started = 0.0

    # log records -------------------------------------------------------------------------
    def show(self, record: logging.LogRecord) -> None:
        progress = getattr(record, "progress", None)
        if progress is not None:
            self._show_reading(*progress)
        elif getattr(record, "phase", None):
            # reset: the spinner's clock counts this phase only
            self.progress.reset(self._phase, description=record.phase, visible=self._batch_task is None)
        elif getattr(record, "phase_done", None):
            self.progress.update(self._phase, visible=False)
        if shown(record, self.verbosity):
            self.progress.console.print(display_line(record), markup=False, highlight=False, soft_wrap=True)

    def _show_reading(self, what: str, done: int, total: int) -> None:
        if self._reading is None:
            self._reading = self.progress.add_task(what, total=total, count="", detail="")
        self.progress.update(self._reading, completed=done, total=total, count=f"{done}/{total} blocks")
        if done >= total:
            self.progress.remove_task(self._reading)
            self._reading = None

    # training ----------------------------------------------------------------------------
    def start_training(
        self, *, epochs: int, batch_size: int, batches_per_epoch: int | None, samples_per_epoch: int | None
    ) -> None:
        self._plan = {"epochs": epochs, "batch_size": batch_size, "batches": batches_per_epoch,
                      "samples": samples_per_epoch}
        self.progress.update(self._phase, visible=False)
        self._epochs_task = self.progress.add_task("training", total=epochs, count=f"0/{epochs} epochs", detail="")
        self._batch_task = self.progress.add_task(f"epoch 1/{epochs}", total=batches_per_epoch, count="", detail="")

    def on_batch(self, epoch: int, index: int, loss: float) -> None:
        self._index = index
        now = time.perf_counter()
        if index == 1:  # the rate's clock starts here: a stream reads, and fits scalers, before
            self._epoch_started = now
        if now < self._next_update:
            return
        self._next_update = now + self.min_interval
        plan = self._plan
        samples = (index - 1) * plan["batch_size"]
        if plan["samples"]:
            samples = min(samples, plan["samples"])
        rate = samples / max(now - self._epoch_started, 1e-9)
        total = plan["batches"]
        self.progress.update(
            self._batch_task, completed=index, count=f"batch {index}/{total or '?'}",
            detail=f"{rate:,.0f} samples/s  batch loss {loss:.4g}",
        )
        if total:
            self.progress.update(self._epochs_task, completed=epoch - 1 + min(index / total, 1.0))

    def on_epoch(self, epoch: int, history: History) -> None:
        plan = self._plan
        if not plan["batches"]:  # streamed: now known from the first epoch
            plan["batches"] = self._index
        losses = f"train_loss {history.train_loss[-1]:.5f}"
        if history.val_loss:
            losses += f"  val_loss {history.val_loss[-1]:.5f}"
        epochs = plan["epochs"]
        self.progress.update(self._epochs_task, completed=epoch, count=f"{epoch}/{epochs} epochs", detail=losses)
        following = f"epoch {min(epoch + 1, epochs)}/{epochs}"
        self.progress.reset(self._batch_task, total=plan["batches"], description=following, count="", detail="")
        self._next_update = 0.0

    def end_training(self) -> None:
        for task in (self._batch_task, self._epochs_task):
            if task is not None:
                self.progress.remove_task(task)
        self._batch_task = self._epochs_task = None

    def close(self) -> None:
        self.progress.stop()


class _RemainingColumn(TimeRemainingColumn):
    """The ETA, only for tasks with a known total (not for the phase spinner)."""

    def render(self, task: Any) -> Text:
        if task.total is None:
            return Text("")
        return Text("eta ") + super().render(task)


class _DisplayHandler(logging.Handler):
    """Hands the ``climann`` log records to a display."""

    def __init__(self, display: PlainDisplay | RichDisplay) -> None:
        super().__init__(logging.DEBUG)
        self.display = display

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.display.show(record)
        except Exception:  # noqa: BLE001 — a display problem must never stop a run
            self.handleError(record)


@contextlib.contextmanager
def terminal_display(verbosity: int = NORMAL, *, console: Console | None = None) -> Iterator[TrainingProgress | None]:
    """Show a run's progress on stderr while the block runs.

    Parameters
    ----------
    verbosity : {QUIET, NORMAL, VERBOSE}
        QUIET shows nothing (None is yielded); NORMAL the per-epoch lines (and bars on a
        terminal); VERBOSE also the phases with their timings and the data summary.
    console : rich.console.Console, optional
        Where to draw [default: stderr]; bars only if it is a terminal.

    Yields
    ------
    TrainingProgress or None
        To pass to :func:`climann.pipeline.run_training` as ``progress``.
    """
    if verbosity <= QUIET:
        yield None
        return
    console = console or Console(stderr=True)
    terminal = console.is_terminal and not console.is_dumb_terminal
    display = RichDisplay(console, verbosity=verbosity) if terminal else PlainDisplay(verbosity=verbosity)
    logger = logging.getLogger(LOGGER_NAME)
    handler, level = _DisplayHandler(display), logger.level
    # DEBUG on a terminal: the per-block reading records drive a bar.
    wanted = logging.DEBUG if terminal else logging.INFO
    if logger.getEffectiveLevel() > wanted:
        logger.setLevel(wanted)
    logger.addHandler(handler)
    try:
        yield display
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        display.close()


def batches_per_epoch(n_samples: int, batch_size: int) -> int:
    """Mini-batches in one pass over ``n_samples`` samples: ⌈n_samples / batch_size⌉."""
    return math.ceil(n_samples / batch_size)


@contextlib.contextmanager
def warnings_on_stderr() -> Iterator[None]:
    """Print the ``climann`` log's warnings (only) on stderr as ``climann: warning: …`` while
    the block runs: for the commands without a training display (``predict``, ``evaluate``)."""
    logger = logging.getLogger(LOGGER_NAME)
    handler = _DisplayHandler(PlainDisplay(verbosity=NORMAL))
    handler.setLevel(logging.WARNING)
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
