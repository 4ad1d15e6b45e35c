"""The console script's entry point: a Ctrl-C while the command line is imported."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import climann
from climann import _console


def _import_stopped_by(stopped: BaseException):
    def import_module(name: str):
        raise stopped

    return import_module


def _import_error_from_a_signal(name: str):
    try:
        raise KeyboardInterrupt
    except KeyboardInterrupt as stopped:  # as pybind11 reports a failed extension initialisation
        raise ImportError("initialization failed") from stopped


@pytest.mark.parametrize("import_module", [_import_stopped_by(KeyboardInterrupt()), _import_error_from_a_signal],
                         ids=["KeyboardInterrupt", "ImportError-from-it"])
def test_a_ctrl_c_while_the_command_line_is_imported_is_one_line_and_exit_130(monkeypatch, capsys, import_module):
    monkeypatch.setattr(_console.importlib, "import_module", import_module)
    with pytest.raises(SystemExit) as exited:
        _console.main()
    assert exited.value.code == 130
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "climann: interrupted by SIGINT while starting; nothing was read or written\n"


def test_a_missing_dependency_is_not_taken_for_an_interruption(monkeypatch):
    monkeypatch.setattr(_console.importlib, "import_module", _import_stopped_by(ImportError("No module named 'typer'")))
    with pytest.raises(ImportError, match="typer"):
        _console.main()


def test_the_console_script_and_python_m_climann_start_here():
    project = tomllib.loads((Path(climann.__file__).parents[1] / "pyproject.toml").read_text())
    assert project["project"]["scripts"]["climann"] == "climann._console:main"
    done = subprocess.run([sys.executable, "-m", "climann", "--version"], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (0, f"climann {climann.__version__}\n", "")
