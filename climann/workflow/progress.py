"""Progress on the terminal while a run reads its data and trains.

Two displays, chosen by :func:`terminal_display`:

- on a terminal, :class:`RichDisplay`: a spinner with the current phase, a bar while the
  samples are read (per block of time steps), and while training a bar over the epochs
  (with the ETA of the whole run) and one over the current epoch's batches (batch k/n,
  samples/s, the latest batch loss, ETA); one line per epoch is printed above the bars.
  No row ever wraps: on a narrow terminal the least wanted columns are left out (the batch
  loss, then the elapsed time, the rate, the counts) so that the bar keeps its room;
- elsewhere (pipes, files, CI, tests), :class:`PlainDisplay`: one line per epoch, as in
  ``train.log``.

Both show the ``climann`` log records (:mod:`climann.workflow.runlog`): the per-epoch lines always,
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
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Protocol

from rich.console import Console
from rich.measure import Measurement
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Column, Table
from rich.text import Text

from climann.data.notes import with_store_notes
from climann.data.shell import CopyNames, copies_said_once, wrapped_lines
from climann.workflow.interrupts import notices_to
from climann.workflow.runlog import LOGGER_NAME, RepeatedWarnings
from climann.workflow.terminal import say

if TYPE_CHECKING:
    from climann.model import History

QUIET, NORMAL, VERBOSE = 0, 1, 2


class TrainingProgress(Protocol):
    """What :func:`climann.workflow.pipeline.run_training` tells a progress display while training."""

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
    message = with_store_notes(record.getMessage())  # a Zarr store's edit in place: said so, with its undo
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
    no per-batch work at all. Off a terminal each is one line; on one (the warnings of
    :func:`warnings_on_stderr`) wrapped between words (:func:`climann.workflow.terminal.say`)."""

    def __init__(self, *, verbosity: int = NORMAL) -> None:
        self.verbosity = verbosity

    def show(self, record: logging.LogRecord) -> None:
        if shown(record, self.verbosity):
            say(display_line(record), err=True)  # wrapped between words if stderr is a terminal

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

    def __init__(
        self, console: Console, *, verbosity: int = NORMAL, min_interval: float = 0.2, status: str | None = None
    ) -> None:
        self.verbosity, self.min_interval = verbosity, min_interval
        # Anything else written to stderr (warnings) goes above the bars; stdout may be a file.
        self.progress = FittingProgress(
            console=console, transient=True, refresh_per_second=5, redirect_stdout=False, redirect_stderr=True,
        )
        # With a status, the spinner turns from the start (before the first phase begins).
        # The phase row is its spinner and clock: a bar without an end would read as a full one.
        self._phase = self._add_task(status or "", total=None, visible=bool(status), bar=False)
        self.progress.start()
        # A signal's notice ("stopping to write a checkpoint …") is drawn by the display, as a
        # row above the bars: written to stderr it would be overdrawn by the next redraw.
        self._notices = contextlib.ExitStack()
        self._notices.enter_context(notices_to(self.progress.set_notice))
        self._reading: Any = None
        self._epochs_task: Any = None
        self._batch_task: Any = None
        self._plan: dict[str, Any] = {}
        self._index = 0
        self._next_update = 0.0
        self._epoch_started = 0.0

    def _add_task(
        self, description: str, *, total: float | None, count: str = "", visible: bool = True, bar: bool = True
    ) -> Any:
        return self.progress.add_task(description, total=total, count=count, rate="", loss="", visible=visible, bar=bar)

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
            # wrapped between words at the terminal's width (a long data summary, a warning), but
            # never inside a shell command: rich's own wrapping (off here) would break one
            console = self.progress.console
            lines = wrapped_lines(display_line(record), console.width, continued=True)
            console.print("\n".join(lines), markup=False, highlight=False, soft_wrap=True)

    def _show_reading(self, what: str, done: int, total: int) -> None:
        if self._reading is None:
            self._reading = self._add_task(what, total=total)
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
        self._epochs_task = self._add_task("training", total=epochs, count=f"0/{epochs} epochs")
        self._batch_task = self._add_task(f"epoch 1/{epochs}", total=batches_per_epoch)

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
            rate=f"{rate:,.0f} samples/s", loss=f"batch loss {loss:.4g}",
        )
        if total:
            self.progress.update(self._epochs_task, completed=epoch - 1 + min(index / total, 1.0))

    def on_epoch(self, epoch: int, history: History) -> None:
        plan = self._plan
        if not plan["batches"]:  # streamed: now known from the first epoch
            plan["batches"] = self._index
        epochs = plan["epochs"]
        # The losses are in the epoch line printed above the bars: not repeated here.
        self.progress.update(self._epochs_task, completed=epoch, count=f"{epoch}/{epochs} epochs")
        following = f"epoch {min(epoch + 1, epochs)}/{epochs}"
        self.progress.reset(self._batch_task, total=plan["batches"], description=following, count="", rate="", loss="")
        self._next_update = 0.0

    def end_training(self) -> None:
        for task in (self._batch_task, self._epochs_task):
            if task is not None:
                self.progress.remove_task(task)
        self._batch_task = self._epochs_task = None

    def close(self) -> None:
        self._notices.close()
        self.progress.stop()


class _RemainingColumn(TimeRemainingColumn):
    """The ETA, only for tasks with a known total (not for the phase spinner)."""

    def render(self, task: Any) -> Text:
        if task.total is None:
            return Text("")
        return Text("eta ") + super().render(task)


#: The bar's width in cells: it takes what the other columns leave, within these bounds.
MIN_BAR, MAX_BAR = 15, 40
#: The columns left out, in this order, while the bar would be narrower than MIN_BAR.
DROP_ORDER = ("loss", "elapsed", "rate", "count")


class FittingProgress(Progress):
    """Rich progress rows that fit the console's width and never wrap.

    The columns: spinner, description, bar, count (``batch 3/40``, ``2/15 epochs``), elapsed
    time, ETA, samples/s and the latest batch loss (task fields ``count``, ``rate``, ``loss``).
    On each redraw the bar gets the width the other columns leave (at most :data:`MAX_BAR`);
    while that is under :data:`MIN_BAR` the columns of :data:`DROP_ORDER` are left out one by
    one, and then the description gives up cells while the bar is very short. Columns empty in every visible row take no
    room. Text that still does not fit (a terminal narrower than ~40 cells) is cut with an
    ellipsis rather than wrapped.
    """

    def __init__(self, **options: Any) -> None:
        self.bar, self.description = _Bar(bar_width=MAX_BAR), TextColumn("{task.description}")
        self.description_width: int | None = None
        self.named_columns: dict[str, ProgressColumn] = {
            "spinner": SpinnerColumn(), "description": self.description, "bar": self.bar,
            "count": TextColumn("{task.fields[count]}"), "elapsed": TimeElapsedColumn(), "eta": _RemainingColumn(),
            "rate": TextColumn("{task.fields[rate]}"), "loss": TextColumn("{task.fields[loss]}"),
        }
        self.notice: str | None = None
        super().__init__(*self.named_columns.values(), **options)

    def set_notice(self, message: str) -> None:
        """Show ``message`` above the rows from the next redraw on (safe in a signal handler:
        it only stores the text; rich's refresh thread draws it)."""
        self.notice = message

    def get_renderables(self) -> Iterator[Any]:
        if self.notice:
            yield Text(self.notice)  # wrapped at the console's width, unlike the rows
        yield self.make_tasks_table(self.tasks)

    def fitted_columns(self, rows: list[Task]) -> list[ProgressColumn]:
        """The columns to draw ``rows`` with, the bar's width set to fit the console."""
        widths = {name: max((Measurement.get(self.console, self.console.options, column(task)).maximum
                             for task in rows), default=0)
                  for name, column in self.named_columns.items() if column is not self.bar}
        widths["bar"] = 1 if any(task.fields.get("bar", True) for task in rows) else 0
        kept = [name for name in self.named_columns if widths[name] > 0]
        leave_out = iter(DROP_ORDER)
        while True:
            # one cell between neighbouring columns
            room = self.console.width - sum(widths[name] + 1 for name in kept if name != "bar")
            if "bar" not in kept:
                break
            dropped = next((name for name in leave_out if name in kept), None) if room < MIN_BAR else None
            if dropped is None:
                break
            kept.remove(dropped)
        # Still too narrow: the description gives up cells (cut with an ellipsis) while the bar
        # would be under 8 cells, down to 8 cells itself.
        self.description_width = max(8, widths["description"] - max(0, 8 - room)) if "bar" in kept else None
        room += widths["description"] - (self.description_width or widths["description"])
        self.bar.bar_width = max(1, min(MAX_BAR, room))
        return [self.named_columns[name] for name in kept]

    def make_tasks_table(self, tasks: Any) -> Table:
        rows = [task for task in tasks if task.visible]
        if not rows:  # also while rich builds its display, before self.console exists
            return Table.grid()
        columns = self.fitted_columns(rows)
        table = Table.grid(*(Column(no_wrap=True, overflow="ellipsis",
                                    max_width=self.description_width if column is self.description else None)
                             for column in columns), padding=(0, 1))
        for task in rows:
            table.add_row(*(column(task) for column in columns))
        return table


class _Bar(BarColumn):
    """The bar, drawn only for tasks with the field ``bar`` true (not for the phase spinner)."""

    def render(self, task: Any) -> Any:
        return super().render(task) if task.fields.get("bar", True) else Text("")


class _OwnCopies(logging.Filter):
    """Shows each warning with copies of its own (:meth:`climann.data.shell.CopyNames.shown`):
    two fixes printed in one command never write the same file (rerun37 N5)."""

    def __init__(self, copies: CopyNames) -> None:
        super().__init__()
        self.copies = copies

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            message = record.getMessage()
            shown = self.copies.shown(message)
            if shown != message:
                record.msg, record.args = shown, None
        return True


class _DisplayHandler(logging.Handler):
    """Hands the ``climann`` log records to a display, each warning once (:class:`RepeatedWarnings`)."""

    def __init__(self, display: PlainDisplay | RichDisplay | _Reworded, copies: CopyNames | None = None) -> None:
        super().__init__(logging.DEBUG)
        if copies is not None:
            self.addFilter(_OwnCopies(copies))  # before RepeatedWarnings: it compares the words shown
        self.addFilter(RepeatedWarnings())
        self.display = display

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.display.show(record)
        except Exception:  # noqa: BLE001 — a display problem must never stop a run
            self.handleError(record)


class _Reworded:
    """A display that shows each record in the words ``rewrite`` gives its message (a copy of
    the record: other handlers keep its own words)."""

    def __init__(self, display: PlainDisplay, rewrite: Callable[[str], str]) -> None:
        self.display, self.rewrite = display, rewrite

    def show(self, record: logging.LogRecord) -> None:
        reworded = logging.makeLogRecord(record.__dict__)
        reworded.msg, reworded.args = self.rewrite(record.getMessage()), ()
        self.display.show(reworded)


@contextlib.contextmanager
def terminal_display(
    verbosity: int = NORMAL, *, console: Console | None = None, status: str | None = None
) -> Iterator[TrainingProgress | None]:
    """Show a run's progress on stderr while the block runs.

    Parameters
    ----------
    verbosity : {QUIET, NORMAL, VERBOSE}
        QUIET shows only the warnings, as ``climann: warning: …`` lines (None is yielded);
        NORMAL the per-epoch lines (and bars on a
        terminal); VERBOSE also the phases with their timings and the data summary.
    console : rich.console.Console, optional
        Where to draw [default: stderr]; bars only if it is a terminal.
    status : str, optional
        On a terminal, a spinner with this text shown at once, until the first phase begins
        (the command line shows it before importing the heavy modules).

    Yields
    ------
    TrainingProgress or None
        To pass to :func:`climann.workflow.pipeline.run_training` as ``progress``.
    """
    if verbosity <= QUIET:  # warnings still: a quiet run must not hide what it did to the data
        with warnings_on_stderr():
            yield None
        return
    console = console or Console(stderr=True)
    terminal = console.is_terminal and not console.is_dumb_terminal
    display: PlainDisplay | RichDisplay = (
        RichDisplay(console, verbosity=verbosity, status=status) if terminal else PlainDisplay(verbosity=verbosity)
    )
    logger = logging.getLogger(LOGGER_NAME)
    with copies_said_once() as copies:
        handler, level = _DisplayHandler(display, copies), logger.level
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
def warnings_on_stderr(rewrite: Callable[[str], str] | None = None) -> Iterator[None]:
    """Print the ``climann`` log's warnings (only) on stderr as ``climann: warning: …`` while
    the block runs: for the commands without a training display (``predict``, ``evaluate``);
    each in the words ``rewrite`` gives it, when given (``info``'s positional paths for
    ``--data``, :func:`climann.workflow.terminal.with_positional_paths`)."""
    logger = logging.getLogger(LOGGER_NAME)
    with copies_said_once() as copies:
        display = PlainDisplay(verbosity=NORMAL)
        handler = _DisplayHandler(display if rewrite is None else _Reworded(display, rewrite), copies)
        handler.setLevel(logging.WARNING)
        logger.addHandler(handler)
        try:
            yield
        finally:
            logger.removeHandler(handler)
