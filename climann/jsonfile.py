"""Strict JSON for every file climann writes: NaN and infinities become ``null``.

Python's :mod:`json` writes ``NaN`` and ``Infinity`` by default, which is not JSON (RFC 8259):
jq, JavaScript and most readers outside Python reject it. Every JSON climann writes
(``metrics.json``, ``provenance.json``, the metadata in ``model.npz`` and checkpoints) goes
through :func:`dumps`, which maps a non-finite number to ``null`` ("undefined") and then
serialises with ``allow_nan=False`` as the guard.

Example
-------
>>> dumps({"r2": float("nan"), "mse": 1.5})
'{"r2": null, "mse": 1.5}'
"""

from __future__ import annotations

import json
import math
import os
from typing import Any

import numpy as np

from climann.atomic import atomic_path


def finite_or_none(value: Any) -> Any:
    """``value`` with every NaN or infinite number (also inside dicts, lists and tuples, and
    NumPy scalars) replaced by None; other values unchanged (NumPy scalars as Python numbers)."""
    if isinstance(value, dict):
        return {key: finite_or_none(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite_or_none(item) for item in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def dumps(value: Any, **options: Any) -> str:
    """``json.dumps`` of ``value`` as strict JSON: non-finite numbers as ``null``.

    Parameters
    ----------
    value : JSON-like (dict, list, str, int, float, bool, None, NumPy scalars)
    **options
        Passed to :func:`json.dumps` (``indent``, ``sort_keys`` …); ``allow_nan`` is always False.

    Raises
    ------
    TypeError
        If ``value`` holds something JSON cannot represent.
    """
    return json.dumps(finite_or_none(value), allow_nan=False, **options)


def write_json(path: str | os.PathLike, value: Any, *, what: str = "JSON file") -> None:
    """Write ``value`` to ``path`` as indented strict JSON (:func:`dumps`), complete or absent.

    Raises
    ------
    ClimannError
        If the file cannot be written (see :func:`climann.atomic.atomic_path`).
    """
    text = dumps(value, indent=2) + "\n"
    with atomic_path(path, what=what) as temporary:
        temporary.write_text(text)
