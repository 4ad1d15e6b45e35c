"""What the commands print on an 80-column terminal: every warning, note, result line and error
line wrapped between words (no word cut in two by the terminal), and the same messages one line
each when the output is not a terminal.

The commands run in this process (:func:`climann.cli.main`) with stdout and stderr on the slave
side of a pseudo-terminal 80 columns wide (:mod:`pty`); what they wrote is read from the master
side. A pseudo-terminal does not wrap: a line longer than 80 characters read back is one the
terminal would have cut at its 80th column, wherever that falls.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import re
import struct
import sys
import termios
import threading
from pathlib import Path

import pytest

from climann.data.notes import forget_notes
from climann.workflow.config import build_config
from climann.workflow.pipeline import run_training
from tests.conftest import grid_dataset
from tests.console import run_main

COLUMNS = 80


@contextlib.contextmanager
def pseudo_terminal(monkeypatch, columns: int = COLUMNS):
    """stdout and stderr on a pseudo-terminal ``columns`` wide; yields the list that receives
    what was written, as text lines, once the block has ended."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    attributes = termios.tcgetattr(slave)
    attributes[1] &= ~termios.ONLCR  # "\n" as written, not "\r\n"
    termios.tcsetattr(slave, termios.TCSANOW, attributes)
    chunks: list[bytes] = []

    def read() -> None:  # at once, so that a long output never fills the terminal's buffer
        with contextlib.suppress(OSError):  # EIO once the slave side is closed
            while chunk := os.read(master, 4096):
                chunks.append(chunk)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    stream = open(slave, "w", encoding="utf-8", buffering=1)  # noqa: SIM115 — closed below
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    lines: list[str] = []
    try:
        with monkeypatch.context() as patch:
            patch.setattr(sys, "stdout", stream)
            patch.setattr(sys, "stderr", stream)
            yield lines
    finally:
        stream.close()
        reader.join(timeout=10)
        os.close(master)
        lines += screen(b"".join(chunks).decode())


#: The control sequences rich's live display writes: cursor up n rows, erase the row, the rest
#: (colours, hiding the cursor) changes no text.
_CONTROL = re.compile(r"(\x1b\[[0-9;?]*[A-Za-z]|\n|\r)")


def screen(written: str) -> list[str]:
    """The rows a terminal shows after ``written``, as far as rich's transient progress display
    and plain lines need: a spinner drawn, erased and the cursor moved up leaves no row."""
    rows, row = [""], 0
    for part in _CONTROL.split(written):
        if part == "\n":
            row += 1
            rows += [""] * (row + 1 - len(rows))
        elif part == "\r" or part == "\x1b[2K":  # rich redraws a whole row after either
            rows[row] = ""
        elif part.startswith("\x1b[") and part.endswith("A"):
            row = max(0, row - int(part[2:-1] or 1))
        elif not part.startswith("\x1b"):
            rows[row] += part
    return [line.rstrip() for line in rows if line.strip()]


def on_terminal(*arguments: str, monkeypatch) -> tuple[int, list[str]]:
    """``climann ARGUMENTS`` on an 80-column pseudo-terminal: exit code and the lines shown."""
    forget_notes()  # the file's warnings said again, as by a new process
    monkeypatch.setattr(sys, "argv", ["climann", *arguments])
    with pseudo_terminal(monkeypatch) as lines:
        try:
            from climann.cli import main

            main()
            code = 0
        except SystemExit as exited:
            code = exited.code
    return code, lines


def off_terminal(*arguments: str, capfd, monkeypatch) -> tuple[int, list[str]]:
    """The same command with its output captured (not a terminal): exit code and the lines."""
    forget_notes()
    finished = run_main(*arguments, capfd=capfd, monkeypatch=monkeypatch)
    return finished.returncode, (finished.stderr + finished.stdout).splitlines()


def assert_wrapped_between_words(shown: list[str], messages: list[str]) -> None:
    """``shown`` (the terminal's lines) fit the terminal, and its words, in order, are those of
    ``messages`` (the lines off a terminal): no word was cut."""
    assert all(len(line) <= COLUMNS for line in shown), [line for line in shown if len(line) > COLUMNS]
    assert " ".join(shown).split() == " ".join(messages).split()


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A trained run, and a file of its predictors whose coordinates have no CF attributes
    (every command that reads it warns: 'coordinates without CF attributes recognised by name')."""
    folder = tmp_path_factory.mktemp("terminal")
    dataset = grid_dataset(n_years=4)
    dataset[["tas", "pred"]].to_netcdf(folder / "grid.nc")
    config = build_config({"data": {"paths": [str(folder / "grid.nc")], "target": "tas", "predictors": ["pred"],
                                    "features": ["lat"]},
                           "model": {"hidden": [4]}, "training": {"epochs": 2}, "evaluation": {"figures": False}})
    run_training(config, run_dir=folder / "run")
    bare = dataset[["tas", "pred"]]
    for name in ("lat", "lon"):
        bare[name].attrs = {}
    bare.to_netcdf(folder / "bare.nc")
    return folder


COMMANDS = [
    pytest.param(["predict", "run", "--data", "bare.nc", "--out", "p-{}.nc"],
                 ["climann: warning: bare.nc: coordinates without", "scores against the target in the data, area-weighted,"], id="predict"),
    pytest.param(["info", "bare.nc"], ["climann: warning: bare.nc: coordinates without"], id="info"),
    pytest.param(["explain", "run", "--repeats", "1", "--out", "explain-{}"],
                 ["permutation importance on the test split", "  1. "], id="explain"),
    pytest.param(["train", "--data", "grid.nc", "--target", "tass", "--out", "x"],
                 ["climann: error: target variable 'tass' not in grid.nc"], id="error"),
]


@pytest.mark.parametrize(("arguments", "beginnings"), COMMANDS)
def test_every_command_wraps_its_messages_between_words_on_a_terminal(files, arguments, beginnings, capfd,
                                                                       monkeypatch):
    """predict, info and explain printed their warnings, notes and result lines (and every
    command its error line) as one long line, which an 80-column terminal cut in the middle
    of words (``recognised by nam`` / ``e: 'lat'``, ``b`` / ``ias -0.2246``, ``did y`` / ``ou
    mean``); train and evaluate already wrapped theirs between words."""
    monkeypatch.chdir(files)
    code, messages = off_terminal(*[part.format("off") for part in arguments], capfd=capfd, monkeypatch=monkeypatch)
    if arguments[0] == "info":
        messages = [line for line in messages if line.startswith("climann:")]  # the report is TOML, not messages
    for beginning in beginnings:
        assert sum(line.startswith(beginning) for line in messages) == 1, messages  # one line each off a terminal
    assert any(len(line) > COLUMNS for line in messages)  # the test has a message to wrap

    code_on, shown = on_terminal(*[part.format("on") for part in arguments], monkeypatch=monkeypatch)
    assert code_on == code
    if arguments[0] == "info":
        shown = shown[:next(index for index, line in enumerate(shown) if line.startswith("#"))]
    shown = [line.replace("explain-on", "explain-off").replace("p-on.nc", "p-off.nc") for line in shown]
    assert_wrapped_between_words(shown, messages)



def _interrupted_at_epoch_1(monkeypatch):
    """``climann train`` in this process receives SIGINT at the end of its first epoch."""
    import signal

    from climann.workflow import pipeline

    run_training_as_is = pipeline.run_training

    def interrupted(*arguments, **options):
        def on_epoch(epoch, history):
            if epoch == 1:
                os.kill(os.getpid(), signal.SIGINT)

        return run_training_as_is(*arguments, **options, on_epoch=on_epoch)

    monkeypatch.setattr(pipeline, "run_training", interrupted)


# the 80th column falls inside the interruption's command with either name (tour13: `resume with:
# climann` / `train --resume runs/demo`), inside the refusal's with the longer (`… climann train
# --resume` / `runs/tas-from-rsdt-and-orog, or pass …`)
@pytest.mark.parametrize("run_dir", [pytest.param(name, id=name) for name in ("runs/demo", "runs/tas-from-rsdt-and-orog")])
def test_climanns_own_commands_in_messages_are_never_split_on_a_terminal(files, run_dir, tmp_path, monkeypatch):
    """The interruption's resume advice and the refusal of an unfinished run's folder: each
    ``climann train --resume DIR`` stands whole on one line of an 80-column terminal, as the
    commands of ncatted and the other tools did (a command cut after ``climann`` runs ``climann``
    alone when the two screen lines are pasted)."""
    monkeypatch.chdir(tmp_path)
    train = ["train", "--data", str(files / "grid.nc"), "--target", "tas", "--predictors", "pred", "--features",
             "lat", "--hidden", "4", "--epochs", "3", "--set", "evaluation.figures=false", "--out", run_dir]
    command = f"climann train --resume {run_dir}"
    with monkeypatch.context() as patch:
        _interrupted_at_epoch_1(patch)
        code, shown = on_terminal(*train, monkeypatch=monkeypatch)
    assert code == 130
    interruption = f"climann: interrupted by SIGINT after epoch 1; resume with: {command}"
    assert_wrapped_between_words(shown[-2:], [interruption])
    assert any(line == command or line.endswith(f" {command}") for line in shown[-2:]), shown

    code, shown = on_terminal(*train, monkeypatch=monkeypatch)
    assert code == 2
    refusal = (f"climann: error: run directory {run_dir} holds an unfinished run (checkpoint.npz); continue it "
               f"with: {command}, or pass --overwrite to start again")
    assert_wrapped_between_words(shown, [refusal])
    assert any(f"{command}," in line for line in shown), shown


PR_UNITS = "kg m-2 s-1"
PR_METRICS = {
    "target": "pr", "units": PR_UNITS, "area_weighted": True, "split_periods": {"test": "2007–2009"},
    "splits": {"test": {
        "model": {"mse": 9.28e-11, "mae": 7.148e-6, "rmse": 9.63e-6, "bias": -7.05e-7, "r2": 0.9, "corr": 0.95,
                  "acc": 0.483, "skill_vs_climatology": 0.033},
        "persistence": {"mse": 2.233e-10, "mae": 1.031e-5, "rmse": 1.494e-5, "bias": 1.3e-8, "r2": 0.77,
                        "corr": 0.89, "acc": 0.1, "skill_vs_climatology": -1.3},
    }},
}


def _pr_comparison():
    """``climann compare r1 r2 r3`` of three runs on a precipitation flux (tour13)."""
    import numpy as np

    from climann.workflow.compare import Comparison, RunSummary

    runs = [RunSummary(label=f"r{number}", path=Path(f"r{number}"), target="pr", units=PR_UNITS,
                       test_period="2007–2009", scores={"mse": 9.28e-11, "mae": 7.148e-6, "acc": 0.483,
                                                        "skill_vs_climatology": 0.033},
                       climatology_mse=9.59e-11, n_test=100, n_parameters=4609, epochs=1, training_seconds=0.2,
                       train_loss=np.ones(1), val_loss=np.ones(1), loss="mse", inputs=())
            for number in (1, 2, 3)]
    return Comparison(runs=runs, notes=[], files=[])


def _print_table(kind):
    from climann.cli import _print_comparison, _print_metrics

    if kind == "compare":
        _print_comparison(_pr_comparison())
    else:
        _print_metrics(PR_METRICS, wide=kind == "evaluate-wide")


TABLES = [pytest.param(kind, id=kind) for kind in ("compare", "evaluate-wide", "evaluate")]
#: the units of the titles, none of which may be split across two lines
PR_UNIT_TEXTS = (f"({PR_UNITS})²", PR_UNITS)


@pytest.mark.parametrize("kind", TABLES)
def test_a_table_title_is_one_line_in_a_pipe(kind, capsys, monkeypatch):
    """docs/cli.md: in a pipe each message is one line; rich wrapped the table's title at the
    table's width (``… MSE in (kg m-2`` / ``s-1)², MAE in kg m-2 s-1``), in a pipe too."""
    monkeypatch.setenv("COLUMNS", "80")  # no terminal: the width of a table, not of a message
    _print_table(kind)
    lines = capsys.readouterr().out.splitlines()
    [title] = [line for line in lines if line.startswith("pr (kg m-2 s-1)")]
    assert f"MSE in ({PR_UNITS})²" in title or kind == "evaluate"  # the compact table shows no MSE at 80
    assert title.endswith(f"in {PR_UNITS}") or kind == "evaluate-wide"
    assert title == title.rstrip()  # not padded to the table's width


@pytest.mark.parametrize("kind", TABLES)
def test_a_table_title_wraps_between_units_on_a_terminal(kind, monkeypatch):
    """On an 80-column terminal the title wraps between words, never inside a unit: tour13 saw
    ``(kg m-2`` / ``s-1)²``."""
    with pseudo_terminal(monkeypatch) as shown:
        _print_table(kind)
    start = next(index for index, line in enumerate(shown) if line.startswith("pr (kg m-2 s-1)"))
    end = next(index for index, line in enumerate(shown) if index > start and line[:1] in "┏ ")
    title = shown[start:end]
    assert all(len(line) <= COLUMNS for line in title)
    assert len(title) > 1 or kind == "evaluate"  # the test has a title to wrap
    text = " ".join(title)
    for unit in PR_UNIT_TEXTS:
        # every unit the whole title holds is on one line of it
        assert text.count(unit) == sum(line.count(unit) for line in title), title


#: Names of sweep runs (fix36c: at 80 columns rich folded them inside their values,
#: ``learning-rate-swe`` / ``ep-0.0003``, ``a/precipitation-s`` / ``weep-0.00031415``).
SWEEP_NAMES = ("a/precipitation-sweep-0.00031415", "b/precipitation-sweep-0.00031415",
               "runs/learning-rate-sweep-0.003")


def _sweep_comparison():
    """``climann compare`` of three sweep runs with long names, their scores those of tour13's."""
    from dataclasses import replace

    comparison = _pr_comparison()
    return replace(comparison, runs=[replace(run, label=name) for run, name in zip(comparison.runs, SWEEP_NAMES)])


def test_a_comparison_on_a_terminal_breaks_run_names_between_parts_and_its_footer_between_words(
        capsys, monkeypatch):
    from climann.cli import _print_comparison
    from climann.workflow.compare import comparison_rows

    with pseudo_terminal(monkeypatch) as shown:
        _print_comparison(_sweep_comparison())
    assert all(len(line) <= COLUMNS for line in shown), shown
    _, rows = comparison_rows(_sweep_comparison().runs)
    end = next(index for index, line in enumerate(shown) if line.startswith("MSESS = "))
    table = shown[next(index for index, line in enumerate(shown) if set(line.strip()) == {"─"}) + 1:end]
    starts = [index for index, line in enumerate(table) if len(line.split()) > 1]
    assert len(starts) == len(rows), shown
    for row, start in zip(rows, starts):
        # a row's first line: its numbers, each whole (the scores at least; the rest as the width allows)
        numbers = " ".join(table[start].split()[1:])
        assert numbers in [" ".join(row[1:end]) for end in range(5, len(row) + 1)], (table[start], row)
        names = [table[start].split()[0]]
        names += [line.strip() for line in table[start + 1:start + 2] if len(line.split()) == 1]
        assert "".join(names) == row[0] and all(part[-1] in "/-_" for part in names[:-1]), names
    # below the table: every line of the footer, its words whole
    monkeypatch.setenv("COLUMNS", "80")
    _print_comparison(_sweep_comparison())
    messages = capsys.readouterr().out.splitlines()
    footer = messages[next(index for index, line in enumerate(messages) if line.startswith("MSESS = ")):]
    assert_wrapped_between_words(shown[end:], footer)
