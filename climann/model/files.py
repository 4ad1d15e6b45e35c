"""Model files: a network's parameters and description in one ``.npz`` archive.

Layout (``format_version`` 1)::

    weight_0, bias_0, weight_1, bias_1, …   the parameters, shapes (n_l, n_(l+1)) and (n_(l+1),)
    metadata                                 0-d unicode array holding JSON:
        {"format_version": 1, "layer_sizes": [...], "activations": [...] (hidden layers),
         "output_activation": "...", "dtype": "float32", "climann_version": "...",
         "user": {...}}

The file holds no pickled objects: it loads with ``np.load(path, allow_pickle=False)``.
Writing is atomic: a temporary file in the same directory is written, flushed to disk,
then renamed over the final name, so a file under that name is always complete.
"""

from __future__ import annotations

import json
import os
import zipfile
from dataclasses import dataclass, field
from os import PathLike
from typing import Any

import numpy as np

from climann._version import __version__
from climann.atomic import atomic_path
from climann.errors import ClimannError
from climann.jsonfile import dumps

__all__ = ["FORMAT_VERSION", "ModelRecord", "read_model", "write_model"]

FORMAT_VERSION = 1
REQUIRED_KEYS = (
    "format_version",
    "layer_sizes",
    "activations",
    "output_activation",
    "dtype",
    "user",
)


@dataclass(frozen=True)
class ModelRecord:
    """Everything a model file holds, as plain Python and NumPy values."""

    layer_sizes: list[int]
    activations: list[str]
    output_activation: str
    dtype: str
    weights: list[np.ndarray]
    biases: list[np.ndarray]
    user_metadata: dict[str, Any] = field(default_factory=dict)


def _header_json(record: ModelRecord) -> str:
    """The ``metadata`` JSON text of ``record``.

    User metadata round-trips exactly if it holds only JSON types (dict with str keys, list,
    str, int, float, bool, None); tuples come back as lists, other keys as str.
    """
    if not isinstance(record.user_metadata, dict):
        raise ClimannError(
            f"model metadata must be a dict; got {type(record.user_metadata).__name__}"
        )
    header = {
        "format_version": FORMAT_VERSION,
        "layer_sizes": [int(size) for size in record.layer_sizes],
        "activations": list(record.activations),
        "output_activation": record.output_activation,
        "dtype": record.dtype,
        "climann_version": __version__,
        "user": record.user_metadata,
    }
    try:
        return dumps(header)
    except (TypeError, ValueError) as error:
        raise ClimannError(
            f"model metadata must be JSON-serialisable (str, numbers, lists, dicts): {error}"
        ) from None


def write_model(path: str | PathLike, record: ModelRecord) -> None:
    """Write ``record`` to ``path`` atomically; the file is complete or absent.

    Parameters
    ----------
    path : str or path-like
        Final file name, used exactly (no ``.npz`` appended).
    record : ModelRecord

    Raises
    ------
    ClimannError
        If the metadata is not JSON-serialisable or the file cannot be written.
    """
    arrays: dict[str, np.ndarray] = {"metadata": np.array(_header_json(record))}
    for layer, (weights, biases) in enumerate(zip(record.weights, record.biases, strict=True)):
        arrays[f"weight_{layer}"] = weights
        arrays[f"bias_{layer}"] = biases
    _savez_atomically(os.fspath(path), arrays)


def _savez_atomically(path: str, arrays: dict[str, np.ndarray]) -> None:
    """``np.savez`` to a temporary file next to ``path``, fsync, then rename it to ``path``."""
    with atomic_path(path, what="model file") as temporary:
        # A file handle, not a name: np.savez would append ".npz" to a name.
        with open(temporary, "wb") as handle:
            np.savez(handle, **arrays)
            handle.flush()
            os.fsync(handle.fileno())


def _parse_header(text: str, path: str) -> dict[str, Any]:
    """Decode and check the ``metadata`` JSON of the file ``path``."""
    try:
        header = json.loads(text)
    except json.JSONDecodeError:
        raise ClimannError(
            f"{path}: the 'metadata' entry is not valid JSON; the file is corrupt"
        ) from None
    if not isinstance(header, dict):
        raise ClimannError(
            f"{path}: the 'metadata' entry is not a JSON object; the file is corrupt"
        )
    version = header.get("format_version")
    if version != FORMAT_VERSION:
        raise ClimannError(
            f"{path} has model format_version {version!r}, but climann {__version__} reads only "
            f"version {FORMAT_VERSION}; use the climann version that wrote it"
        )
    missing = [key for key in REQUIRED_KEYS if key not in header]
    if missing:
        raise ClimannError(f"{path}: metadata lacks {', '.join(missing)}; the file is corrupt")
    return header


def _read_archive(path: str) -> dict[str, np.ndarray]:
    """All arrays of the ``.npz`` file ``path``, read without unpickling."""
    if not os.path.isfile(path):
        raise ClimannError(f"model file {path} not found; check the path (train a model first?)")
    if not zipfile.is_zipfile(path):
        raise ClimannError(f"{path} is not a climann model file: expected an .npz (zip) archive")
    try:
        with np.load(path, allow_pickle=False) as archive:
            return {name: archive[name] for name in archive.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
        raise ClimannError(f"{path} is not a readable climann model file (.npz): {error}") from None


def _layer_arrays(
    arrays: dict[str, np.ndarray], layer_sizes: list[int], dtype: str, path: str
) -> tuple[list, list]:
    """``weight_l`` and ``bias_l`` from ``arrays``, checked against ``layer_sizes``, ``dtype``."""
    weights, biases = [], []
    n_layers = len(layer_sizes) - 1
    for layer in range(n_layers):
        expected = {
            f"weight_{layer}": (layer_sizes[layer], layer_sizes[layer + 1]),
            f"bias_{layer}": (layer_sizes[layer + 1],),
        }
        for name, shape in expected.items():
            if name not in arrays:
                raise ClimannError(
                    f"{path}: array '{name}' is missing; the file is incomplete or corrupt"
                )
            array = arrays[name]
            if array.shape != shape or array.dtype != np.dtype(dtype):
                raise ClimannError(
                    f"{path}: array '{name}' has shape {array.shape} and dtype {array.dtype}, but "
                    f"layer_sizes {layer_sizes} and dtype {dtype} need {shape}; the file is corrupt"
                )
        weights.append(arrays[f"weight_{layer}"])
        biases.append(arrays[f"bias_{layer}"])
    extra = sorted(
        set(arrays)
        - {"metadata"}
        - {f"{kind}_{i}" for kind in ("weight", "bias") for i in range(n_layers)}
    )
    if extra:
        raise ClimannError(
            f"{path}: unexpected arrays {', '.join(extra)} for layer_sizes {layer_sizes}; "
            "the file is corrupt"
        )
    return weights, biases


def read_model(path: str | PathLike) -> ModelRecord:
    """Read a model file written by :func:`write_model`.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    ModelRecord

    Raises
    ------
    ClimannError
        If the file is missing, not an ``.npz`` archive, has an unknown ``format_version``,
        lacks an array, or has arrays whose shapes disagree with ``layer_sizes``.
    """
    path = os.fspath(path)
    arrays = _read_archive(path)
    if (
        "metadata" not in arrays
        or arrays["metadata"].shape != ()
        or arrays["metadata"].dtype.kind != "U"
    ):
        raise ClimannError(
            f"{path} lacks the 'metadata' text entry; it is not a climann model file"
        )
    header = _parse_header(str(arrays["metadata"]), path)
    layer_sizes = header["layer_sizes"]
    if not (
        isinstance(layer_sizes, list)
        and len(layer_sizes) >= 2
        and all(isinstance(n, int) and n >= 1 for n in layer_sizes)
    ):
        raise ClimannError(
            f"{path}: metadata layer_sizes {layer_sizes!r} is not a list of positive integers; "
            "the file is corrupt"
        )
    if header["dtype"] not in ("float32", "float64"):
        raise ClimannError(
            f"{path}: metadata dtype {header['dtype']!r} is not float32 or float64; corrupt file"
        )
    weights, biases = _layer_arrays(arrays, layer_sizes, header["dtype"], path)
    return ModelRecord(
        layer_sizes=layer_sizes,
        activations=header["activations"],
        output_activation=header["output_activation"],
        dtype=header["dtype"],
        weights=weights,
        biases=biases,
        user_metadata=header["user"],
    )
