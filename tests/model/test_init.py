"""Tests for climann/model/__init__.py and the model layer's boundaries."""

import ast
from pathlib import Path

import climann.model

MODEL_DIR = Path(climann.model.__file__).parent
FORBIDDEN = ("xarray", "dask", "netCDF4", "matplotlib", "climann.data", "climann.evaluation")


def test_public_api():
    assert sorted(climann.model.__all__) == [
        "Adam",
        "AdamW",
        "Constant",
        "CosineDecay",
        "EarlyStopping",
        "ExponentialDecay",
        "GradientDescent",
        "History",
        "Momentum",
        "Nesterov",
        "Network",
        "RMSProp",
        "ReduceOnPlateau",
        "StepDecay",
        "StopRequest",
        "TrainingDiverged",
        "TrainingInterrupted",
        "TrainingState",
        "finite_difference_gradients",
        "load_state",
        "relative_error",
        "save_state",
        "train",
    ]
    assert all(hasattr(climann.model, name) for name in climann.model.__all__)


def _imported_modules(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_model_layer_imports_only_numpy_and_the_standard_library():
    sources = sorted(MODEL_DIR.glob("*.py"))
    assert len(sources) >= 9
    offending = [
        f"{path.name}: {module}"
        for path in sources
        for module in _imported_modules(path)
        if any(module == name or module.startswith(name + ".") for name in FORBIDDEN)
    ]
    assert offending == []
