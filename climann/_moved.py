"""Old import paths of the modules that moved into :mod:`climann.workflow`.

Until version 0.x the workflow modules sat at the package root (``climann.pipeline``,
``climann.config``, ``climann.compute.training`` …). They now live in ``climann.workflow``;
code written against the old names keeps working: importing an old name returns the moved
module itself (the same object, so ``unittest.mock.patch("climann.pipeline.…")`` and
``isinstance`` checks behave as before). No file is read and nothing is imported until an old
name is asked for.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
from importlib.machinery import ModuleSpec
from types import ModuleType

MOVED_MODULES = (
    "checkpoints", "compute", "config", "config_template", "interrupts", "outputs", "pipeline", "predict",
    "preparation", "progress", "provenance", "runlog",
)


def new_name(old_name: str) -> str | None:
    """The module's name in ``climann.workflow``, or None when ``old_name`` did not move.

    >>> new_name("climann.compute.training")
    'climann.workflow.compute.training'
    """
    parts = old_name.split(".")
    if len(parts) < 2 or parts[0] != "climann" or parts[1] not in MOVED_MODULES:
        return None
    return ".".join(["climann", "workflow", *parts[1:]])


class MovedModuleFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds an old module name and loads it as the moved module."""

    def find_spec(self, fullname: str, path: object = None, target: object = None) -> ModuleSpec | None:
        moved = new_name(fullname)
        if moved is None:
            return None
        return importlib.util.spec_from_loader(fullname, self, is_package=fullname.endswith(".compute"))

    def create_module(self, spec: ModuleSpec) -> ModuleType:
        return importlib.import_module(new_name(spec.name))

    def exec_module(self, module: ModuleType) -> None:
        """The moved module ran when it was imported under its own name."""


def install() -> None:
    """Put the finder first on ``sys.meta_path`` (once)."""
    if not any(isinstance(finder, MovedModuleFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, MovedModuleFinder())
