"""Tests for climann/workflow/interrupts.py: a signal that reaches an import still ends a
command as a signal, and the command-line entry point reports it so."""

import signal

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
    pytest.param(KeyboardInterrupt(), 130, "climann: interrupted", id="SIGINT"),
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
