"""The notebooks in notebooks/: each runs from top to bottom without an error, and each is
stored without outputs. They run as ``make notebooks`` runs them (``notebooks/execute.py``)."""

import importlib.util
from pathlib import Path

import nbformat
import pytest
from nbclient.exceptions import CellExecutionError

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
LESSON_NOTEBOOKS = {"01-the-lesson.ipynb", "02-explore-data.ipynb", "03-train-and-map.ipynb",
                    "04-what-the-network-learned.ipynb"}


def _executor():
    """``notebooks/execute.py`` as a module (the notebooks folder is not a package)."""
    spec = importlib.util.spec_from_file_location("notebook_executor", NOTEBOOK_DIR / "execute.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_lesson_notebooks_are_there():
    assert LESSON_NOTEBOOKS <= {path.name for path in NOTEBOOKS}
    assert _executor().notebook_paths() == NOTEBOOKS


@pytest.mark.parametrize("path", [pytest.param(path, id=path.stem) for path in NOTEBOOKS])
def test_notebook_is_stored_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code, "a notebook without code"
    assert [cell.execution_count for cell in code] == [None] * len(code)
    assert [cell.outputs for cell in code] == [[]] * len(code)
    assert notebook.metadata.kernelspec.name == "python3"


@pytest.mark.parametrize("path", [pytest.param(path, id=path.stem) for path in NOTEBOOKS])
def test_notebook_runs_without_error(path, tmp_path):
    executor = _executor()  # loaded first: its own bytecode (notebooks/__pycache__) is not the notebook's writing
    before, stored = sorted(NOTEBOOK_DIR.iterdir()), path.read_bytes()
    executed = executor.execute_notebook(path, cwd=tmp_path)  # a failing cell raises CellExecutionError
    code = [cell for cell in executed.cells if cell.cell_type == "code"]
    assert all(cell.execution_count is not None for cell in code)  # every cell ran
    assert not [output for cell in code for output in cell.outputs if output.output_type == "error"]
    assert sorted(NOTEBOOK_DIR.iterdir()) == before  # nothing written beside the notebooks
    assert path.read_bytes() == stored  # the outputs are not written back


def test_a_failing_cell_fails_the_run(tmp_path):
    cells = [nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("raise ValueError('boom')")]
    path = tmp_path / "failing.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}}), path)
    with pytest.raises(CellExecutionError, match="boom"):
        _executor().execute_notebook(path, cwd=tmp_path)
