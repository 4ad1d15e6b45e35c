"""One run of climann: configuration → data → model → evaluation → run directory.

The workflow layer joins the three others (``climann.data``, ``climann.model``,
``climann.evaluation``) into runs: the configuration (``config``: schema, validation, the TOML
template), the data made ready for a run (``preparation``), the run itself (``pipeline``: in
this process, streamed or on a dask cluster through ``compute``), its outputs (``outputs``,
``checkpoints``, ``provenance``, ``runlog``, ``progress``, ``interrupts``) and the commands
that use a finished run (``predict``, ``explain``).

The names below are the public Python API of a run. They are imported on first use, so that
``import climann.workflow`` stays cheap for the command line::

    from climann.workflow import build_config, run_training

    result = run_training(build_config({"data": {"paths": ["data/sample.nc"]}}), out="runs/mine")
"""

from __future__ import annotations

import importlib
from typing import Any

# public name → the module of this package that defines it
_PUBLIC = {
    "RunConfig": "config",
    "build_config": "config",
    "check_config_file_paths": "config_paths",
    "config_to_toml": "config",
    "load_config_file": "config",
    "merge_settings": "config",
    "prepare_data": "preparation",
    "resolve_inputs": "preparation",
    "RunResult": "pipeline",
    "run_training": "pipeline",
    "evaluate_run": "predict",
    "explain_run": "explain",
    "predict_files": "predict",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str) -> Any:
    """Import a public name's module on first use (PEP 562)."""
    if name not in _PUBLIC:
        raise AttributeError(f"module 'climann.workflow' has no attribute {name!r}")
    return getattr(importlib.import_module(f"climann.workflow.{_PUBLIC[name]}"), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_PUBLIC))
