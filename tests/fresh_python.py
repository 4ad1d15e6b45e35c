"""Run ``python -c CODE ARGS…`` (a line climann prints for the user to paste) in a process of its
own, as a fresh interpreter would, without paying each time for Python's start and the import of
NumPy and xarray (about a second of CPU per line; the suite runs dozens).

One helper process per test process (started on first use) has imported ``numpy``, ``xarray``,
``netCDF4``, ``cftime``, ``zarr`` and ``dask.array``, and written, read and multiplied a file of
its own (xarray imports the modules of those steps on their first use in any process); nothing
of climann or of the tests. Each line runs in a child forked from it, with the line's own
globals (``__name__ == "__main__"``), ``sys.argv == ["-c", *ARGS]``, its working directory, and
its standard output and error captured. An import the line makes is its own (a module the
helper imported is already loaded, as the line's own import of it would load it); a name it
uses without importing it fails as in a fresh interpreter (tests/test_fresh_python.py). The
child's exit code is the interpreter's: 0, ``SystemExit``'s code, or 1 after an uncaught
exception (reported by ``sys.excepthook``: its traceback on standard error, or the line's own
hook's doing).
"""

from __future__ import annotations

import atexit
import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from climann.data.shell import advised_python as _running_python  # bound before tests/conftest.py's printed_python

#: The helper: imports what most printed lines import, then forks a child per request (one
#: JSON line on stdin) and answers with the child's exit code (one line on stdout).
_WARM = r"""
import json, os, sys
import os, tempfile
import cftime, dask.array, netCDF4, numpy, xarray, zarr  # what the lines import and load first: once, before any fork
# xarray's first read, arithmetic and write import and find what any later one uses (its backends,
# dask.array for its array types, the netCDF4 writer's modules): done once here, on a file of its own
with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "warm.nc")
    xarray.Dataset({"a": ("x", numpy.arange(2.0))}).to_netcdf(path)
    with xarray.open_dataset(path) as warm:
        (warm.a * 2).load()


def run_line(request):
    # in the forked child, its standard streams in place: the line as `python -c` runs it; never returns
    code = 1
    try:
        os.chdir(request["cwd"])
        sys.stdout = open(1, "w", closefd=False)
        sys.stderr = open(2, "w", closefd=False)
        sys.argv = ["-c", *request["arguments"]]
        sys.path[0] = ""  # as `python -c` has it: the working directory first
        try:
            exec(compile(request["code"], "<string>", "exec"), {"__name__": "__main__", "__builtins__": __builtins__})
            code = 0
        except SystemExit as exited:
            if exited.code is None or isinstance(exited.code, int):
                code = exited.code or 0
            else:
                print(exited.code, file=sys.stderr)
        except BaseException:
            sys.excepthook(*sys.exc_info())  # as the interpreter reports it: a hook the line set runs
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)
"""

#: The helper: imports what most printed lines import, then forks a child per request (one
#: JSON line on stdin) and answers with the child's exit code (one line on stdout).
_HELPER = _WARM + r"""
requests, answers = sys.stdin, sys.stdout
for line in requests:
    request = json.loads(line)
    child = os.fork()
    if child == 0:
        try:
            for number, name in ((1, "stdout"), (2, "stderr")):
                handle = os.open(request[name], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                os.dup2(handle, number)
                os.close(handle)
            sys.stdin = open(os.devnull)
        finally:
            run_line(request)
    _, status = os.waitpid(child, 0)
    answers.write(f"{os.waitstatus_to_exitcode(status)}\n")
    answers.flush()
"""

#: The shell's helper: the same, serving the ``python`` of :func:`shell_path` on a UNIX socket
#: (``sys.argv[1]``). Each connection brings the line (JSON: code, arguments, cwd, environment)
#: and the caller's standard input, output and error; a child forked for it forks the line's
#: own process, waits for it and answers with its exit code (the helper waits for no line, so a
#: line that runs ``python -c`` itself is served too).
_SHELL_HELPER = _WARM + r"""
import select, signal, socket
signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the connections' children reap themselves
server = socket.socket(socket.AF_UNIX)
server.bind(sys.argv[1])
server.listen(64)
print("ready", flush=True)
while sys.stdin not in select.select([server, sys.stdin], [], [])[0]:  # stdin closed: the tests have ended
    connection, _ = server.accept()
    if os.fork() == 0:
        server.close()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        header, fds, _, _ = socket.recv_fds(connection, 8, 3)
        size, payload = int.from_bytes(header, "big"), b""
        while len(payload) < size:
            payload += connection.recv(size - len(payload))
        request = json.loads(payload)
        line = os.fork()
        if line == 0:
            connection.close()
            try:
                for number, handle in enumerate(fds):
                    os.dup2(handle, number)
                    os.close(handle)
                sys.stdin = open(0, closefd=False)
                os.environ.clear()
                os.environ.update(request["environment"])
            finally:
                run_line(request)
        for handle in fds:
            os.close(handle)
        _, status = os.waitpid(line, 0)
        connection.sendall(f"{os.waitstatus_to_exitcode(status)}\n".encode())
        os._exit(0)
    connection.close()
import shutil
shutil.rmtree(os.path.dirname(sys.argv[1]), ignore_errors=True)  # its folder: the socket and the shim
"""

#: ``python`` on :func:`shell_path`'s PATH: a ``python -c CODE ARGS…`` line goes to the shell's
#: helper with this process's standard streams, and ends with the line's exit code; any other
#: use runs the real interpreter, and so does a line whose PYTHONPATH is not the helper's (a
#: ``sitecustomize`` of its own, as test_constant_cells counts the bytes a line reads with: the
#: helper started without it). No site, no environment read: it starts in milliseconds.
_SHIM = """#!{python} -SE
import json, os, socket, sys
if len(sys.argv) < 3 or sys.argv[1] != "-c" or os.environ.get("PYTHONPATH") != {pythonpath!r}:
    os.execv({python!r}, [{python!r}, *sys.argv[1:]])
request = json.dumps({{"code": sys.argv[2], "arguments": sys.argv[3:], "cwd": os.getcwd(),
                      "environment": dict(os.environ)}}).encode()
with socket.socket(socket.AF_UNIX) as helper:
    helper.connect({socket!r})
    socket.send_fds(helper, [len(request).to_bytes(8, "big")], [0, 1, 2])
    helper.sendall(request)
    answer = b""
    while not answer.endswith(b"\\n"):
        answer += helper.recv(16) or b"-1\\n"
code = int(answer)
if code < 0:
    os.kill(os.getpid(), -code)
sys.exit(code)
"""

_lock = threading.Lock()
_helper: list[subprocess.Popen] = []


def _started() -> subprocess.Popen:
    if not _helper or _helper[0].poll() is not None:
        _helper[:] = [subprocess.Popen([sys.executable, "-c", _HELPER], stdin=subprocess.PIPE,
                                       stdout=subprocess.PIPE, text=True, cwd=tempfile.gettempdir())]
        atexit.register(_helper[0].communicate)  # its stdin closed: it ends
    return _helper[0]


def run_python(*arguments: str | os.PathLike, cwd: str | os.PathLike | None = None, check: bool = False,
               capture_output: bool = False, text: bool = True) -> subprocess.CompletedProcess:
    """``subprocess.run([sys.executable, *arguments], cwd=cwd, check=check, capture_output=…,
    text=True)`` for ``arguments`` ``["-c", CODE, *ARGS]``, run in a child of the helper (module
    docstring). The output is captured always (as text); without ``capture_output`` it is
    printed on this process's standard output and error once the line ends, as a test that does
    not look at it sees it."""
    words = [str(argument) for argument in arguments]
    if words[:1] != ["-c"] or len(words) < 2 or not text:
        raise ValueError(f"run_python runs `python -c CODE …` as text, not {words}")
    flag, code, *rest = words
    with tempfile.TemporaryDirectory() as folder, _lock:
        out, err = Path(folder, "stdout"), Path(folder, "stderr")
        request = {"code": code, "arguments": rest, "cwd": str(Path(cwd or os.getcwd()).resolve()),
                   "stdout": str(out), "stderr": str(err)}
        helper = _started()
        helper.stdin.write(json.dumps(request) + "\n")
        helper.stdin.flush()
        returncode = int(helper.stdout.readline())
        stdout, stderr = out.read_text(), err.read_text()
    if not capture_output:
        sys.stdout.write(stdout)
        sys.stderr.write(stderr)
    finished = subprocess.CompletedProcess([sys.executable, flag, code, *rest], returncode, stdout, stderr)
    if check:
        finished.check_returncode()
    return finished


_shell: list = []


def shell_path() -> str:
    """``PATH`` for a printed shell line (a loop over files, each with ``python -c …``) run with
    bash: its ``python`` is :data:`_SHIM`, which runs each line in a child of the shell's helper
    (module docstring: as a fresh interpreter would, without importing NumPy and xarray again for
    each file), then this interpreter's folder (the printed ``python`` is this one), then the
    ``PATH`` this process has."""
    with _lock:
        if not _shell or _shell[0].poll() is not None:
            folder = Path(tempfile.mkdtemp(prefix="climann-shell-"))
            socket_path = folder / "helper.socket"
            helper = subprocess.Popen([sys.executable, "-c", _SHELL_HELPER, str(socket_path)], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, text=True, cwd=tempfile.gettempdir())
            if helper.stdout.readline() != "ready\n":
                raise RuntimeError("the shell's python helper did not start")
            shim = folder / "bin" / "python"
            shim.parent.mkdir()
            shim.write_text(_SHIM.format(python=sys.executable, socket=str(socket_path),
                                         pythonpath=os.environ.get("PYTHONPATH")))
            shim.chmod(0o755)
            atexit.register(_stopped, helper, folder)
            _shell[:] = [helper, shim.parent]
        return os.pathsep.join([str(_shell[1]), os.path.dirname(sys.executable), os.environ["PATH"]])


def shell_python() -> str:
    """The ``python`` of :func:`shell_path` by its path, quoted for the shell: the interpreter that
    climann's printed lines name while the tests run (tests/conftest.py's ``printed_python``), as
    they name this interpreter outside them (:func:`climann.data.shell.advised_python`): a line
    run by bash as printed, whatever the ``PATH``, runs with the tests' NumPy and xarray, in a
    child of the shell's helper (module docstring)."""
    import shlex

    shell_path()
    return shlex.quote(str(Path(_shell[1]) / "python"))


def bare_python(text: str, *, some: bool = True) -> str:
    """``text`` (a message, or a line of it) with the interpreter of each printed Python line written
    ``python``, after checking that each names the interpreter climann names
    (:func:`climann.data.shell.advised_python`: this interpreter's, by its path, or the tests'
    :func:`shell_python`) and none a bare ``python``, which a plain shell may find to be the
    system's, without xarray (fix57d): for a test that takes a line apart as ``python -c CODE …``
    and runs ``CODE`` with :func:`run_python`. ``some``: whether ``text`` must hold such a line."""
    import re

    from climann.data import shell

    named = shell.advised_python()
    bare = re.findall(r"(?<![\w./'-])python3? -c ", text)
    assert not bare, f"a bare python in: {text}"
    # a climann run in a process of its own names this interpreter itself (tests/conftest.py's printed_python aside)
    text = text.replace(f"{_running_python()} -c ", f"{named} -c ")
    assert not some or f"{named} -c " in text, f"no line names {named}: {text}"
    return text.replace(f"{named} -c ", "python -c ")


def _stopped(helper: subprocess.Popen, folder: Path) -> None:
    import shutil

    helper.communicate()  # its stdin closed: it ends (as it does when this process ends any other way)
    shutil.rmtree(folder, ignore_errors=True)
