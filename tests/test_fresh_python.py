"""tests/fresh_python.py: a printed ``python -c`` line runs there as in a fresh interpreter."""

import subprocess
import sys

import pytest

from tests.fresh_python import run_python


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
