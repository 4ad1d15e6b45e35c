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
