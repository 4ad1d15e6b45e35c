"""Progress displays: plain lines off a terminal, throttled rich bars on one."""

import io
import logging
import os
import re

import pytest
from rich.cells import cell_len
from rich.console import Console

from climann.model import History
from climann.workflow.progress import (
    MIN_BAR,
    NORMAL,
    QUIET,
    VERBOSE,
    PlainDisplay,
    RichDisplay,
    shown,
    terminal_display,
)
from climann.workflow.interrupts import announce
from climann.workflow.runlog import PhaseTimer, epoch_logger, run_logger


def record(name="climann.run", level=logging.INFO, message="m", **extra):
    entry = logging.LogRecord(name, level, __file__, 1, message, (), None)
    entry.__dict__.update(extra)
    return entry


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        pytest.param(record("climann.run.epoch"), {QUIET: False, NORMAL: True, VERBOSE: True}, id="epoch-line"),
        pytest.param(record(), {QUIET: False, NORMAL: False, VERBOSE: True}, id="phase-or-summary"),
        pytest.param(record(level=logging.WARNING), {QUIET: False, NORMAL: True, VERBOSE: True}, id="warning"),
        pytest.param(record(level=logging.ERROR), {QUIET: True, NORMAL: True, VERBOSE: True}, id="error"),
        pytest.param(record(level=logging.DEBUG, progress=("reading", 1, 2)), {QUIET: False, NORMAL: False, VERBOSE: False},
                     id="progress-record"),
    ],
)
def test_which_records_are_shown_at_each_verbosity(entry, expected):
    assert {verbosity: shown(entry, verbosity) for verbosity in expected} == expected


def history_after(epoch):
    return History(train_loss=[0.5 / k for k in range(1, epoch + 1)], val_loss=[0.6 / k for k in range(1, epoch + 1)])


def terminal_console():
    return Console(file=io.StringIO(), force_terminal=True, width=140, color_system=None)


def task_named(display, prefix):
    return next(task for task in display.progress.tasks if task.description.startswith(prefix))


def test_rich_display_shows_batches_epochs_and_rate():
    display = RichDisplay(terminal_console(), min_interval=0.0)
    try:
        display.start_training(epochs=2, batch_size=10, batches_per_epoch=4, samples_per_epoch=35)
        for index in range(1, 5):
            display.on_batch(1, index, 0.25)
        batches = task_named(display, "epoch 1/2")
        assert batches.completed == 4 and batches.total == 4
        assert batches.fields["count"] == "batch 4/4"
        assert batches.fields["rate"].endswith("samples/s") and batches.fields["loss"] == "batch loss 0.25"
        assert task_named(display, "training").completed == pytest.approx(1.0)
        display.on_epoch(1, history_after(1))
        epochs = task_named(display, "training")
        assert epochs.completed == 1 and epochs.fields["count"] == "1/2 epochs"
        assert epochs.fields["rate"] == epochs.fields["loss"] == ""  # the losses are in the epoch line, not the bar
        assert task_named(display, "epoch 2/2").completed == 0  # the batch bar starts again
        display.end_training()
        assert not [task for task in display.progress.tasks if task.visible]
    finally:
        display.close()


def test_rich_display_updates_at_most_every_min_interval():
    display = RichDisplay(terminal_console(), min_interval=3600.0)
    try:
        display.start_training(epochs=1, batch_size=10, batches_per_epoch=100, samples_per_epoch=1000)
        for index in range(1, 101):
            display.on_batch(1, index, 0.1)
        assert task_named(display, "epoch 1/1").completed == 1  # only the first batch was drawn
    finally:
        display.close()


def test_streamed_batches_per_epoch_are_learned_in_the_first_epoch():
    display = RichDisplay(terminal_console(), min_interval=0.0)
    try:
        display.start_training(epochs=2, batch_size=10, batches_per_epoch=None, samples_per_epoch=None)
        for index in range(1, 8):
            display.on_batch(1, index, 0.1)
        assert task_named(display, "epoch 1/2").total is None
        assert task_named(display, "epoch 1/2").fields["count"] == "batch 7/?"
        display.on_epoch(1, history_after(1))
        assert task_named(display, "epoch 2/2").total == 7
    finally:
        display.close()


def test_rich_display_prints_log_lines_above_the_bars_and_reads_blocks():
    console = terminal_console()
    display = RichDisplay(console, verbosity=NORMAL)
    try:
        display.show(record("climann.run.epoch", message="epoch   1/2  train_loss 0.5"))
        display.show(record(message="a phase detail"))  # shown with --verbose only
        display.show(record(level=logging.DEBUG, progress=("reading samples", 1, 3)))
        reading = task_named(display, "reading samples")
        assert reading.completed == 1 and reading.fields["count"] == "1/3 blocks"
        display.show(record(level=logging.DEBUG, progress=("reading samples", 3, 3)))
        assert not [task for task in display.progress.tasks if task.description == "reading samples"]
    finally:
        display.close()
    output = console.file.getvalue()
    assert "epoch   1/2  train_loss 0.5" in output and "a phase detail" not in output


def test_plain_display_prints_epoch_lines_to_stderr(capsys):
    display = PlainDisplay(verbosity=NORMAL)
    display.show(record("climann.run.epoch", message="epoch   1/1  train_loss 0.5"))
    display.show(record(message="preparing data …"))
    display.on_batch(1, 1, 0.5)  # nothing per batch
    assert capsys.readouterr().err == "epoch   1/1  train_loss 0.5\n"


@pytest.mark.parametrize(
    ("console", "kind"),
    [
        pytest.param(Console(file=io.StringIO()), PlainDisplay, id="not-a-terminal"),
        pytest.param(terminal_console(), RichDisplay, id="terminal"),
    ],
)
def test_terminal_display_chooses_by_console_and_detaches(console, kind, capsys):
    logger = logging.getLogger("climann")
    handlers, level = list(logger.handlers), logger.level
    with terminal_display(VERBOSE, console=console) as display:
        assert isinstance(display, kind)
        phases = PhaseTimer()
        phases.begin("preparing data")
        epoch_logger.info("epoch   1/1  train_loss 0.5")
        phases.end()
    assert logger.handlers == handlers and logger.level == level
    printed = capsys.readouterr().err if kind is PlainDisplay else console.file.getvalue()
    assert "preparing data …" in printed and "epoch   1/1  train_loss 0.5" in printed
    assert "preparing data: 0.0 s" in printed


def test_quiet_display_is_none_and_attaches_only_a_warnings_handler_while_it_runs():
    logger = logging.getLogger("climann")
    handlers = list(logger.handlers)
    with terminal_display(QUIET) as display:
        added = [handler for handler in logger.handlers if handler not in handlers]
        assert display is None and [handler.level for handler in added] == [logging.WARNING]
        run_logger.info("not shown")
    assert logger.handlers == handlers


def test_samples_per_second_count_from_the_first_batch(monkeypatch):
    clock = iter([10.0, 12.0])  # batch 1 (the clock starts), then batch 5
    monkeypatch.setattr("climann.workflow.progress.time.perf_counter", lambda: next(clock))
    display = RichDisplay(terminal_console(), min_interval=0.0)
    try:
        display.start_training(epochs=1, batch_size=10, batches_per_epoch=8, samples_per_epoch=75)
        display.on_batch(1, 1, 0.5)
        display.on_batch(1, 5, 0.5)
        assert task_named(display, "epoch 1/1").fields["rate"] == "20 samples/s"  # 4 batches × 10 in 2 s
    finally:
        display.close()


def test_warnings_are_printed_as_warnings_by_both_displays(capsys):
    warning = record(level=logging.WARNING, message="steps are large")
    PlainDisplay(verbosity=NORMAL).show(warning)
    PlainDisplay(verbosity=NORMAL).show(record("climann.run.epoch", message="epoch   1/2"))
    assert capsys.readouterr().err == "climann: warning: steps are large\nepoch   1/2\n"
    console = terminal_console()
    display = RichDisplay(console, verbosity=NORMAL)
    try:
        display.show(warning)
    finally:
        display.close()
    assert "climann: warning: steps are large" in console.file.getvalue()


def rendered_rows(display, width):
    """The display's rows as a person sees them on a terminal ``width`` cells wide."""
    snapshot = Console(file=io.StringIO(), width=width, force_terminal=True, record=True, color_system=None)
    snapshot.print(display.progress.get_renderable())
    return snapshot.export_text().splitlines()


def training_at_width(width, monkeypatch):
    """A display ``width`` cells wide in the middle of epoch 12 of 100 (486 batches of 10
    samples), its clock advancing 1 ms a batch: 10,000 samples/s."""
    clock = iter(range(10**6))
    monkeypatch.setattr("climann.workflow.progress.time.perf_counter", lambda: next(clock) / 1000)
    console = Console(file=io.StringIO(), width=width, force_terminal=True, record=True, color_system=None)
    display = RichDisplay(console, min_interval=0.0)
    display.start_training(epochs=100, batch_size=10, batches_per_epoch=486, samples_per_epoch=4860)
    display.on_epoch(11, history_after(11))
    for index in range(1, 300):
        display.on_batch(12, index, 0.0047581234)
    return display


@pytest.mark.parametrize(
    ("width", "shown_columns", "left_out"),
    [
        pytest.param(120, ["batch 299/486", "11/100 epochs", "10,000 samples/s", "batch loss 0.004758"], [], id="120"),
        pytest.param(80, ["batch 299/486", "11/100 epochs", "10,000 samples/s"], ["batch loss"], id="80"),
        pytest.param(60, ["batch 299/486", "11/100 epochs"], ["batch loss", "samples/s"], id="60"),
    ],
)
def test_training_rows_fit_the_terminal_without_wrapping(width, shown_columns, left_out, monkeypatch):
    display = training_at_width(width, monkeypatch)
    try:
        rows = rendered_rows(display, width)
    finally:
        display.close()
    assert len(rows) == 2, rows  # one row per bar: nothing wrapped onto a second line
    assert all(cell_len(row) <= width for row in rows), rows
    assert all(re.search(r" eta \d+:\d\d:\d\d( |$)", row) for row in rows), rows  # the ETA whole, not cut to 0:…
    bars = [re.search(r"[━╸╺ ]{%d,}" % MIN_BAR, row) for row in rows]
    assert all(bars), rows  # the bar keeps its room
    text = "\n".join(rows)
    assert all(column in text for column in shown_columns), rows
    assert not any(column in text for column in left_out), rows
    assert "train_loss" not in text and "val_loss" not in text  # the epoch line's losses are not repeated


@pytest.mark.parametrize("width", [pytest.param(w, id=str(w)) for w in (120, 80, 60, 40)])
def test_phase_and_reading_rows_fit_the_terminal(width):
    console = Console(file=io.StringIO(), width=width, force_terminal=True, record=True, color_system=None)
    display = RichDisplay(console, verbosity=NORMAL)
    try:
        display.show(record(message="writing the run directory …", phase="writing the run directory"))
        display.show(record(level=logging.DEBUG, progress=("reading samples", 120, 345)))
        rows = rendered_rows(display, width)
    finally:
        display.close()
    assert len(rows) == 2 and all(cell_len(row) <= width for row in rows), rows
    phase, reading = rows
    assert "━" not in phase  # a spinner (and its clock while there is room): no endless bar that reads as full
    assert re.search(r"\d:\d\d:\d\d$", phase.rstrip()) or width < 80
    assert re.search("[━╸╺]", reading)


def test_a_status_spinner_turns_from_the_start_until_the_first_phase():
    display = RichDisplay(terminal_console(), status="starting")
    try:
        assert [task.description for task in display.progress.tasks if task.visible] == ["starting"]
        assert re.fullmatch(r". starting 0:00:0\d", rendered_rows(display, 80)[0].rstrip())
        display.show(record(message="preparing data …", phase="preparing data"))
        assert [task.description for task in display.progress.tasks if task.visible] == ["preparing data"]
    finally:
        display.close()


def test_long_log_lines_wrap_between_words_at_the_terminal_width():
    console = Console(file=io.StringIO(), width=40, force_terminal=True, record=True, color_system=None)
    display = RichDisplay(console, verbosity=VERBOSE)
    try:
        display.show(record(message="data: 1 file, pointwise mode, target tas (K), 36×72 grid; 7 features: rsdt, orog"))
    finally:
        display.close()
    lines = [line.rstrip() for line in console.export_text().splitlines() if line.strip()]
    words = "data: 1 file, pointwise mode, target tas (K), 36×72 grid; 7 features: rsdt, orog".split()
    assert len(lines) > 1 and all(cell_len(line) <= 40 for line in lines)
    assert [word for line in lines for word in line.split()] == words  # no word cut in two


def test_a_stop_notice_is_drawn_above_the_bars_and_kept_on_each_redraw(monkeypatch):
    """Ctrl-C's notice written to stderr was overdrawn by the next redraw of the bars (80
    columns, seen by a newcomer): while a display is live, it draws the notice itself."""
    display = training_at_width(80, monkeypatch)
    try:
        announce("climann: stopping to write a checkpoint after the current batch (a streamed or cluster run: "
                 "after the current round); send the signal again to stop at once")
        rows, again = rendered_rows(display, 80), rendered_rows(display, 80)
    finally:
        display.close()
    assert rows == again  # every redraw keeps it
    text = " ".join(row.strip() for row in rows)
    assert text.startswith("climann: stopping to write a checkpoint") and "stop at once" in text
    assert len(rows) == 2 + 2 and all(cell_len(row) <= 80 for row in rows), rows  # wrapped, then the two bars
    assert "batch 299/486" in rows[-1]


@pytest.mark.parametrize("terminal, written", [
    pytest.param(True, "\nclimann: stopping\n", id="terminal-below-the-echoed-ctrl-c"),
    pytest.param(False, "climann: stopping\n", id="log-without-an-empty-line"),
])
def test_without_a_live_display_a_stop_notice_goes_to_stderr(capfd, monkeypatch, terminal, written):
    display = RichDisplay(terminal_console())
    display.close()  # no longer live: not its notice any more
    monkeypatch.setattr(os, "isatty", lambda descriptor: terminal if descriptor == 2 else False)
    announce("climann: stopping")
    assert capfd.readouterr().err == written


def test_a_warning_wrapped_on_a_narrow_terminal_continues_its_command_at_a_space():
    """On a 40-column terminal, the warning is wrapped between words, and its ``ncatted``
    command, longer than the line, is broken only at a space outside quotes and continued with
    a backslash, so pasted into a shell it is the one command again: wrapped by rich, it was
    broken after ``ncatted -a``; printed whole, the terminal broke it inside a file name
    (break30b A6)."""
    import shlex

    command = "ncatted -a _FillValue,sp,o,f,-9999 'era5 like.nc' 'era5 like_fixed.nc'"
    console = Console(file=io.StringIO(), force_terminal=True, width=40, color_system=None)
    display = RichDisplay(console, verbosity=NORMAL)
    try:
        display.show(record(level=logging.WARNING, message=f"'sp' holds -9999 as data; if missing: {command}"))
    finally:
        display.close()
    lines = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", console.file.getvalue()).splitlines()  # no cursor codes
    start = lines.index("ncatted -a _FillValue,sp,o,f,-9999 \\")
    assert lines[start + 1] == "  'era5 like.nc' 'era5 like_fixed.nc'"
    assert shlex.split("\n".join(lines[start:start + 2]).replace("\\\n", "")) == shlex.split(command)
    assert all(len(line) <= 40 for line in lines)
    assert "climann: warning: 'sp' holds -9999 as" in lines  # the words before it still wrapped


def test_a_quiet_display_still_prints_the_warnings_with_their_prefix(capsys):
    """--quiet hid train's warnings, and evaluate's came out bare (Python's last-resort
    handler): a quiet run must still say what it did to the data."""
    from climann.workflow.progress import QUIET, terminal_display

    with terminal_display(QUIET) as progress:
        assert progress is None
        logging.getLogger("climann.data.open").warning("t2m: two experiment versions combined")
        logging.getLogger("climann.data.open").info("a note for --verbose only")
    assert capsys.readouterr().err == "climann: warning: t2m: two experiment versions combined\n"


@pytest.mark.parametrize("quiet", [pytest.param(True, id="warnings-only"), pytest.param(False, id="display")])
def test_two_fixes_printed_in_one_command_write_their_own_copies(tmp_path, monkeypatch, capsys, quiet):
    """rerun37 N5: a _FillValue ncatted line and a land-mask xarray line, two warnings of one run,
    both wrote v4_1e20_fixed.nc (NCO asked to overwrite it, one fix lost). Each fix shown names
    its own copy; the same warning again (a file opened twice) is shown once, as before; a
    refusal raised in the command names a third, and reads the copy of x.nc written before it (fix38d:
    chained); x_fixed_2.nc already there is skipped."""
    from climann.data.shell import input_and_copy
    from climann.errors import ClimannError
    from climann.workflow.progress import warnings_on_stderr

    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.nc").touch()
    (tmp_path / "x_fixed_2.nc").touch()
    data = logging.getLogger("climann.data.test")
    context = warnings_on_stderr() if quiet else terminal_display(NORMAL, console=Console(file=io.StringIO()))

    def fill_line() -> str:
        return f"1e20 unmarked: ncatted -a _FillValue,sst,o,f,1e+20 {input_and_copy('x.nc')} (then give x_fixed.nc)"

    with pytest.raises(ClimannError) as refused, context:
        data.warning(fill_line())
        land = input_and_copy("x.nc").split()[1]
        data.warning(f"land stored as 0: python -c 'd.to_netcdf(\"{land}\")'")
        data.warning(fill_line())  # the same warning again
        raise ClimannError(f"refused: ncatted -a units,sst,o,c,K {input_and_copy('x.nc')}")
    assert capsys.readouterr().err.splitlines() == [
        "climann: warning: 1e20 unmarked: ncatted -a _FillValue,sst,o,f,1e+20 x.nc x_fixed.nc (then give x_fixed.nc)",
        "climann: warning: land stored as 0: python -c 'd.to_netcdf(\"x_fixed_3.nc\")'",
    ]
    # fix38d: the refusal's line reads the copy the first warning's line writes of x.nc (the land line names none)
    assert str(refused.value) == ("refused: ncatted -a units,sst,o,c,K x_fixed.nc x_fixed_4.nc (this reads x_fixed.nc, "
                                  "which the line shown before writes from x.nc: run that one first; x_fixed_4.nc "
                                  "then holds both fixes)")
    assert input_and_copy("x.nc") == "x.nc x_fixed.nc"  # outside a command: as before
