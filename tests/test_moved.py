"""Tests for climann/_moved.py: the old names of the modules moved into climann.workflow still import."""

import importlib
import subprocess
import sys

import pytest

from climann._moved import MOVED_MODULES, new_name


@pytest.mark.parametrize("old", [pytest.param(f"climann.{name}", id=name) for name in MOVED_MODULES])
def test_old_name_is_the_moved_module(old):
    assert importlib.import_module(old) is importlib.import_module(new_name(old))


def test_submodule_of_a_moved_package():
    from climann.compute.training import train_distributed
    from climann.workflow.compute import training

    assert train_distributed is training.train_distributed


@pytest.mark.parametrize("name", ["climann.data", "climann.model.network", "climann.workflow.pipeline", "climann.cli", "climann.computer"])
def test_names_that_did_not_move(name):
    assert new_name(name) is None


def test_old_import_in_a_fresh_interpreter():
    """`from climann import pipeline` before anything else imported it (a notebook's first cell)."""
    code = "from climann import pipeline, config; import climann.workflow.pipeline as p; print(pipeline is p, config.__name__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["True", "climann.workflow.config"]


def test_unknown_old_name_still_fails():
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("climann.no_such_module")
