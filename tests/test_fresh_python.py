"""tests/fresh_python.py: a printed ``python -c`` line runs there as in a fresh interpreter."""

import os
import subprocess
import sys

import pytest

from tests.fresh_python import run_python, shell_path


def test_the_line_gets_its_arguments_working_directory_and_main_name(tmp_path):
    code = "import os, sys; print(sys.argv, __name__, os.getcwd()); print('said', file=sys.stderr)"
    finished = run_python("-c", code, "a b", tmp_path / "x", cwd=tmp_path, capture_output=True)
    assert finished.returncode == 0
    assert finished.stdout == f"{['-c', 'a b', str(tmp_path / 'x')]} __main__ {tmp_path.resolve()}\n"
    assert finished.stderr == "said\n"


@pytest.mark.parametrize(("code", "returncode", "said"), [
    pytest.param("import sys; sys.exit(3)", 3, "", id="exit-code"),
    pytest.param("import sys; sys.exit('no')", 1, "no\n", id="exit-message"),
    pytest.param("raise ValueError('bad')", 1, "ValueError: bad\n", id="exception"),
    pytest.param("xarray.Dataset()", 1, "NameError: name 'xarray' is not defined\n", id="not-imported"),
    # the interpreter reports an uncaught exception through sys.excepthook (climann's lines remove their
    # OUT.part there): a line that sets its own has it run
    pytest.param("import sys; sys.excepthook = lambda *e: print('hook', e[0].__name__, file=sys.stderr); 1 / 0", 1,
                 "hook ZeroDivisionError\n", id="own-excepthook"),
])
def test_exit_codes_and_errors_are_a_fresh_interpreters(code, returncode, said):
    fresh = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    finished = run_python("-c", code, capture_output=True)
    assert finished.returncode == fresh.returncode == returncode
    assert finished.stderr.endswith(said) and fresh.stderr.endswith(said)
    with pytest.raises(subprocess.CalledProcessError):
        run_python("-c", code, check=True)


def test_nothing_of_climann_or_the_tests_is_loaded_and_each_line_starts_anew():
    code = ("import sys; print(sorted(m for m in sys.modules if m.split('.')[0] in ('climann', 'tests', 'cf_xarray', "
            "'pint'))); print(globals().get('kept')); kept = 1")
    for _ in range(2):
        assert run_python("-c", code, capture_output=True, check=True).stdout == "[]\nNone\n"


def test_only_python_c_lines_are_run():
    with pytest.raises(ValueError, match="python -c CODE"):
        run_python("script.py")


#: A printed shell line's kind: a loop over files, each a ``python -c`` line that reads its
#: arguments, working directory, environment and standard input and ends with its own exit
#: code; then lines that fail, one that runs ``python -c`` itself, and ``python`` without -c.
SHELL_LINE = """cd "$1" && for f in a 'b c'; do python -c "import os, sys; print(sys.argv, __name__, os.getcwd(), \\
os.environ['CLIMANN_SHELL_TEST'], sys.stdin.readline().strip()); print('said', file=sys.stderr)" "$f" x; done <<< $'in1\\nin2'
python -c 'import sys; sys.exit(3)'; echo "exit $?"
python -c "import sys; sys.exit('no')"; echo "exit $?"
python -c 'xarray.Dataset()' 2>/dev/null; echo "exit $?"
python -c 'import subprocess; print(subprocess.run(["python", "-c", "print(42)"], capture_output=True, text=True).stdout)'
python -c 'import os; os.kill(os.getpid(), 15)'; echo "exit $?"
python -V"""


def test_a_shell_line_on_the_shell_path_runs_its_python_as_a_fresh_interpreter(tmp_path):
    """:func:`shell_path`'s ``python`` (its lines in children of a helper) prints and ends as this
    interpreter's own does, line by line."""
    outputs = []
    for path in (shell_path(), f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ['PATH']}"):
        outputs.append(subprocess.run(["bash", "-c", SHELL_LINE, "bash", tmp_path], capture_output=True, text=True,
                                      env={**os.environ, "PATH": path, "CLIMANN_SHELL_TEST": "set"}))
    shim, fresh = outputs
    assert shim.returncode == fresh.returncode == 0
    assert shim.stdout == fresh.stdout
    assert shim.stdout.startswith(f"['-c', 'a', 'x'] __main__ {tmp_path.resolve()} set in1\n['-c', 'b c', 'x']")
    assert "exit 3\nexit 1\nexit 1\n42\n\nexit 143\nPython 3." in shim.stdout
    assert shim.stderr.splitlines()[:3] == fresh.stderr.splitlines()[:3] == ["said", "said", "no"]
