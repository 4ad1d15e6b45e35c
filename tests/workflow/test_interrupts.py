"""Tests for climann/workflow/interrupts.py: a signal that reaches an import still ends a
command as a signal, and the command-line entry point reports it so."""

import signal
import subprocess
import sys
from pathlib import Path

import pytest

import climann.cli
from climann.workflow.interrupts import Terminated, interruption_behind


def _import_failed_by(stopped: BaseException) -> ImportError:
    """What a pybind11 extension (matplotlib's) raises when a signal handler's exception
    interrupts its initialisation: ``ImportError("initialization failed")`` from it."""
    try:
        try:
            raise stopped
        except BaseException as inner:
            raise ImportError("initialization failed") from inner
    except ImportError as error:
        return error


def test_the_signal_behind_an_import_error_is_found_through_causes_and_contexts():
    terminated = Terminated(signal.SIGTERM)
    assert interruption_behind(_import_failed_by(terminated)) is terminated
    interrupt = KeyboardInterrupt()
    try:
        try:
            raise interrupt
        except KeyboardInterrupt:
            raise RuntimeError("while handling it")  # noqa: B904 — a __context__, not a __cause__
    except RuntimeError as error:
        assert interruption_behind(error) is interrupt
    assert interruption_behind(ImportError("no module named x")) is None
    assert interruption_behind(terminated) is terminated


@pytest.mark.parametrize(("stopped", "code", "line"), [
    pytest.param(Terminated(signal.SIGTERM), 143, "climann: interrupted by SIGTERM", id="SIGTERM"),
    pytest.param(KeyboardInterrupt(), 130, "climann: interrupted by SIGINT", id="SIGINT"),
])
def test_a_signal_inside_an_import_ends_the_command_as_the_signal(monkeypatch, capsys, stopped, code, line):
    """Seen once in the suite: SIGTERM while the figures imported matplotlib gave
    "climann: unexpected error: ImportError: initialization failed" and exit code 1."""
    def app(**_):
        raise _import_failed_by(stopped)

    monkeypatch.setattr(climann.cli, "app", app)
    with pytest.raises(SystemExit) as exited:
        climann.cli.main()
    assert exited.value.code == code
    assert capsys.readouterr().err.strip() == line


class _Referent:
    """Something a weak reference can point at."""


def _signal_inside_a_weakref_callback(number: int) -> None:
    """Deliver ``number`` to this process while Python runs a weak reference's callback, as
    importlib does when it releases a module lock: the handler's exception cannot propagate."""
    import os
    import weakref

    def callback(_reference: object) -> None:
        os.kill(os.getpid(), number)
        for _ in range(10_000):  # the handler runs between two of these bytecodes
            pass

    referent = _Referent()
    reference = weakref.ref(referent, callback)
    del referent  # the callback runs here
    assert reference() is None


def test_a_signal_whose_exception_python_swallows_is_kept_not_lost(capsys):
    """SIGTERM inside a weakref callback: Python cannot raise the handler's Terminated
    ("Exception ignored in …"); signals_raise keeps its number instead of printing it."""
    from climann.workflow.interrupts import signals_raise, take_lost_signal

    with signals_raise():
        assert take_lost_signal() is None
        _signal_inside_a_weakref_callback(signal.SIGTERM)  # returns: the exception was swallowed
        assert take_lost_signal() == signal.SIGTERM
        assert take_lost_signal() is None  # taken once
    assert "Exception ignored" not in capsys.readouterr().err


def test_a_lost_signal_nobody_took_ends_the_block_as_the_signal():
    """Any other command: the signal is raised when the block ends, so the command exits 128 + n."""
    from climann.workflow.interrupts import signals_raise, take_lost_signal

    with pytest.raises(Terminated) as stopped, signals_raise():
        _signal_inside_a_weakref_callback(signal.SIGHUP)
    assert stopped.value.number == signal.SIGHUP
    assert take_lost_signal() is None  # nothing left for a later command


def test_a_lost_signal_while_evaluating_ends_the_run_with_its_checkpoint(tmp_path):
    """The evaluation's block raises the lost SIGTERM again, before the run is published: exit 143."""
    from climann.errors import Interrupted
    from climann.workflow.checkpoints import Checkpointing
    from climann.workflow.config import build_config
    from climann.workflow.interrupts import signals_raise
    from tests.workflow.test_checkpoints import _a_training_state

    checkpointing = Checkpointing.start(build_config({}), tmp_path / "run")
    checkpointing.train_keywords("fingerprint")["on_checkpoint"](_a_training_state())
    finished = []
    with signals_raise(), pytest.raises(Interrupted, match="while evaluating") as interrupted:
        with checkpointing.after_training():
            _signal_inside_a_weakref_callback(signal.SIGTERM)
            finished.append("the evaluation went on")
    assert finished and interrupted.value.exit_code == 143


def test_typers_own_catch_of_a_sigint_is_said(monkeypatch, capsys):
    """typer turns a SIGINT it catches outside a command's body into exit code 130, silently."""
    monkeypatch.setattr(climann.cli, "app", lambda **_: 130)
    with pytest.raises(SystemExit) as exited:
        climann.cli.main()
    assert exited.value.code == 130
    assert capsys.readouterr().err == "climann: interrupted by SIGINT\n"


def _replaced(path, text):
    """Written as every output is: a complete temporary file renamed over the old one."""
    (path.parent / f".{path.name}.tmp").write_text(text)
    (path.parent / f".{path.name}.tmp").replace(path)


@pytest.mark.parametrize(("names", "existing", "written", "line"), [
    pytest.param(["a.nc"], ["a.nc"], [], "interrupted by SIGINT; a.nc was not written (the existing file is untouched)",
                 id="one-existing"),
    pytest.param(["a.nc", "b.json"], [], [], "interrupted by SIGINT; a.nc and b.json were not written",
                 id="none-existing"),
    pytest.param(["a.nc", "b.json"], ["a.nc"], [],
                 "interrupted by SIGINT; a.nc and b.json were not written (a.nc is untouched)", id="one-of-two-existing"),
    pytest.param(["a.nc", "b.json"], ["a.nc", "b.json"], ["a.nc"],
                 "interrupted by SIGINT after a.nc was written; b.json was not (the existing file is untouched)",
                 id="one-written"),
])
def test_an_interruption_says_which_outputs_were_written(tmp_path, monkeypatch, names, existing, written, line):
    from climann.errors import Interrupted
    from climann.workflow.interrupts import outputs_reported

    monkeypatch.chdir(tmp_path)
    for name in existing:
        Path(name).write_text("old")
    with pytest.raises(Interrupted) as stopped, outputs_reported([Path(name) for name in names]):
        for name in written:
            _replaced(tmp_path / name, "new")
        raise KeyboardInterrupt
    assert (str(stopped.value), stopped.value.exit_code) == (line, 130)
    assert all(Path(name).read_text() == "old" for name in existing if name not in written)


#: ``climann`` with the workflow function ``name`` replaced by one that receives SIGINT (Ctrl-C).
_STOPPED_IN = """
import os, signal, sys, time
import climann.workflow.predict as predict

def stopped(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(30)

setattr(predict, sys.argv[1], stopped)
sys.argv = ["climann", *sys.argv[2:]]
from climann.cli import main
main()
"""


@pytest.mark.parametrize(("function", "arguments", "line"), [
    pytest.param("predict_files", ["predict", "run", "--data", "new.nc", "--out", "pred.nc", "--overwrite"],
                 "climann: interrupted by SIGINT; pred.nc was not written (the existing file is untouched)",
                 id="predict"),
    pytest.param("evaluate_run", ["evaluate", "run", "--data", "new.nc", "--out", "scores"],
                 "climann: interrupted by SIGINT; scores/metrics.json, scores/predictions.nc and scores/report.md "
                 "were not written", id="evaluate"),
])
def test_predict_and_evaluate_stopped_by_sigint_say_so_in_one_line(tmp_path, function, arguments, line):
    """Ctrl-C in the command's body: exit 130 with one line saying what was written (before:
    typer turned the KeyboardInterrupt into exit code 130 with nothing on stderr)."""
    (tmp_path / "pred.nc").write_text("old predictions")
    done = subprocess.run([sys.executable, "-c", _STOPPED_IN, function, *arguments], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stderr) == (130, line + "\n")
    assert (tmp_path / "pred.nc").read_text() == "old predictions"
