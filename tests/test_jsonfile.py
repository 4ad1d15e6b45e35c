"""Strict JSON: non-finite numbers become null, and the result parses with a strict parser."""

import json
import math

import numpy as np
import pytest

from climann.jsonfile import dumps, finite_or_none, write_json


def strict_loads(text):
    def refuse(constant):
        raise ValueError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def test_non_finite_numbers_are_written_as_null_at_any_depth():
    value = {"a": float("nan"), "b": [1.0, float("inf"), {"c": -math.inf}], "d": np.float32("nan"),
             "e": np.float64(2.5), "f": (np.int64(3), "x", None, True)}
    parsed = strict_loads(dumps(value))
    assert parsed == {"a": None, "b": [1.0, None, {"c": None}], "d": None, "e": 2.5, "f": [3, "x", None, True]}


def test_finite_values_are_unchanged():
    value = {"mse": 0.1, "n": 7, "names": ["tas"], "flag": False}
    assert finite_or_none(value) == value
    assert json.loads(dumps(value)) == value


def test_write_json_writes_strict_indented_json(tmp_path):
    path = tmp_path / "metrics.json"
    write_json(path, {"skill": float("nan")})
    assert path.read_text() == '{\n  "skill": null\n}\n'
    assert not list(tmp_path.glob(".*tmp"))


def test_objects_json_cannot_represent_are_refused():
    with pytest.raises(TypeError):
        dumps({"x": object()})
