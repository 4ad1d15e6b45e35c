"""Execute climann's notebooks: ``python notebooks/execute.py [--out DIR] [NOTEBOOK ...]``.

Each notebook runs from top to bottom in a fresh ``python3`` kernel of this Python (the
kernel that ipykernel installs into ``sys.prefix``), with a temporary working directory.
The executed copy, with its outputs, goes to ``--out`` (default ``runs/notebooks/``, ignored
by git) — never back into ``notebooks/``, where the notebooks are stored without outputs.
``make notebooks`` runs this script; ``tests/test_notebooks.py`` uses :func:`execute_notebook`.
Exit code 1 if a cell fails (its traceback is printed), 0 otherwise.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import zmq
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

NOTEBOOK_DIR = Path(__file__).resolve().parent
CELL_TIMEOUT_S = 300


def notebook_paths() -> list[Path]:
    """Every ``*.ipynb`` in ``notebooks/``, in name order."""
    return sorted(NOTEBOOK_DIR.glob("*.ipynb"))


def _kernel_manager() -> KernelManager:
    """A manager of this Python's ``python3`` kernel: its kernelspec (``sys.prefix``) is
    looked up before any other, so that a user-wide ``python3`` kernel of another Python
    (without climann) is not picked up instead."""
    own = Path(sys.prefix) / "share" / "jupyter" / "kernels"
    specs = KernelSpecManager()
    specs.kernel_dirs = [str(own), *(d for d in specs.kernel_dirs if Path(d) != own)]
    manager = KernelManager(kernel_name="python3", kernel_spec_manager=specs)
    # Keys of our own: the kernel's TCP sockets are encrypted (and ipykernel does not warn).
    manager.curve_publickey, manager.curve_secretkey = zmq.curve_keypair()
    return manager


def execute_notebook(path: str | Path, *, cwd: str | Path) -> nbformat.NotebookNode:
    """Run every cell of the notebook at ``path`` in a new kernel started in ``cwd``.

    Parameters
    ----------
    path : str or Path
        The notebook; it is read, not changed.
    cwd : str or Path
        The kernel's working directory.

    Returns
    -------
    nbformat.NotebookNode
        The executed notebook, outputs included.

    Raises
    ------
    nbclient.exceptions.CellExecutionError
        If a cell raises; the message holds the cell's source and traceback.
    """
    notebook = nbformat.read(path, as_version=4)
    manager = _kernel_manager()
    client = NotebookClient(notebook, km=manager, timeout=CELL_TIMEOUT_S, resources={"metadata": {"path": str(cwd)}})
    try:
        client.execute()
    finally:  # nbclient leaves a kernel it did not start running
        if manager.has_kernel:
            manager.shutdown_kernel()
    return notebook


def _write(notebook: nbformat.NotebookNode, path: Path) -> None:
    """Write the executed copy: complete or absent."""
    from climann.atomic import atomic_path

    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path, what="executed notebook") as temporary:
        nbformat.write(notebook, temporary)


def main(arguments: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to run [default: every one in notebooks/]")
    parser.add_argument("--out", type=Path, default=Path("runs/notebooks"), help="folder for the executed copies")
    options = parser.parse_args(arguments)
    for path in options.notebooks or notebook_paths():
        started = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="climann-notebook-") as cwd:
            try:
                executed = execute_notebook(path, cwd=cwd)
            except CellExecutionError as error:
                print(f"{Path(path).name}: a cell failed\n{error}", file=sys.stderr)
                return 1
        _write(executed, options.out / Path(path).name)
        print(f"{Path(path).name}: ran in {time.perf_counter() - started:.1f} s; executed copy {options.out / Path(path).name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
