"""Messages on the terminal: wrapped between words at its width there, one line each elsewhere."""

from __future__ import annotations

import fcntl
import io
import os
import pty
import struct
import termios

import pytest

from climann.workflow.terminal import message_lines, say, terminal_width

COMMAND = "ncatted -a _FillValue,sp,o,f,-9999 'era5 like.nc' 'era5 like_fixed.nc'"
MESSAGE = f"climann: warning: 'sp' holds -9999 as data, which looks like a fill value; if it is missing: {COMMAND}"


@pytest.fixture
def terminal(monkeypatch):
    """A text stream on a pseudo-terminal 40 columns wide (``COLUMNS`` unset, TERM xterm)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 40, 0, 0))
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    with open(slave, "w", encoding="utf-8") as stream:
        yield stream
    os.close(master)


def test_on_a_terminal_a_message_is_wrapped_between_words_and_its_command_continued_at_a_space(terminal):
    import shlex

    assert terminal_width(terminal) == 40
    lines = message_lines(MESSAGE, terminal)
    # the command, longer than 40 columns, on its own lines: broken at a space outside quotes, with the
    # shell's line continuation (the terminal itself broke it inside a file name, break30b A6)
    assert lines == ["climann: warning: 'sp' holds -9999 as", "data, which looks like a fill value; if",
                     "it is missing:", "ncatted -a _FillValue,sp,o,f,-9999 \\", "  'era5 like.nc' 'era5 like_fixed.nc'"]
    # pasted into a shell, the backslash and the newline are removed (POSIX Shell Command Language 2.2.1)
    assert shlex.split("\n".join(lines[3:]).replace("\\\n", "")) == shlex.split(COMMAND)


@pytest.mark.parametrize(("variable", "value", "width"), [
    pytest.param("COLUMNS", "60", 60, id="COLUMNS-overrides"),
    pytest.param("TERM", "dumb", None, id="dumb-terminal"),
])
def test_the_environment_sets_the_width_or_turns_wrapping_off(terminal, monkeypatch, variable, value, width):
    monkeypatch.setenv(variable, value)
    assert terminal_width(terminal) == width
    assert (message_lines(MESSAGE, terminal) == [MESSAGE]) is (width is None)


@pytest.mark.parametrize("kind", [pytest.param("captured", id="captured"), pytest.param("file", id="file")])
def test_off_a_terminal_a_message_is_one_line_however_long(kind, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")  # a size for a terminal, not for a pipe or a file
    with io.StringIO() if kind == "captured" else open(tmp_path / "log.txt", "w") as stream:
        assert terminal_width(stream) is None
        assert message_lines(MESSAGE * 3, stream) == [MESSAGE * 3]


def test_say_writes_one_line_to_stderr_when_captured(capsys):
    say(MESSAGE, err=True)
    assert capsys.readouterr() == ("", MESSAGE + "\n")
