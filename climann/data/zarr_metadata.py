"""Consolidated metadata of a Zarr store that no longer says what its arrays hold.

A Zarr store's consolidated metadata (``.zmetadata`` in Zarr format 2, the root ``zarr.json``'s
``consolidated_metadata`` in format 3) is a copy of every array's own metadata (``.zarray``,
the array's ``zarr.json``), kept in one file so that a store on object storage opens with one
read. The arrays' own metadata are the store; the copy is updated only when someone calls
``zarr.consolidate_metadata`` again. Writers that append or resize arrays without it
(xarray's ``to_zarr(append_dim=..., consolidated=False)``, parallel region writes, zarr's
``Array.resize``) leave it stale, and xarray, which prefers the consolidated metadata, read
such a store at its old length without a word (break29b A3b: 120 of 240 monthly steps,
trained and scored on the first ten years of twenty).

:func:`stale_consolidated_arrays` compares the two, from the small JSON files alone (no chunk
is read); :func:`climann.data.handles.open_zarr` then opens such a store from its arrays' own
metadata, which hold what the store holds, with a warning naming the arrays and the
``zarr.consolidate_metadata`` line that brings the copy up to date for other tools. It opens
rather than refuses: the values read are the store's, nothing is guessed, and refusing would
only ask the user to write into their store before a run that reads it correctly anyway.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

from climann.data.shell import python_command, working_path

__all__ = ["stale_consolidated_arrays", "stale_metadata_warning"]

#: The name of Zarr format 2's consolidated metadata, and of each array's own metadata.
V2_CONSOLIDATED, V2_ARRAY, V2_GROUP = ".zmetadata", ".zarray", ".zgroup"
#: Zarr format 3's metadata file of every node (group or array).
V3_NODE = "zarr.json"


def stale_consolidated_arrays(path: str | os.PathLike) -> dict[str, tuple[list[int] | None, list[int] | None]]:
    """The arrays of the Zarr store ``path`` whose shape in its consolidated metadata differs
    from the shape in their own metadata, or that one of the two lacks.

    Parameters
    ----------
    path : str or path-like
        A local Zarr store (a directory) of format 2 or 3.

    Returns
    -------
    dict of str to (list of int or None, list of int or None)
        Array path in the store (``"time"``, ``"group/tas"``) → (its shape in the consolidated
        metadata, its own shape); None where one side has no such array. Empty for a store
        without consolidated metadata, or whose copy agrees with its arrays, or whose
        metadata cannot be read as JSON (left to zarr to say).
    """
    store = Path(path)
    try:
        consolidated = _consolidated_shapes(store)
        if consolidated is None:
            return {}
        own = dict(_own_shapes(store, store, v3=(store / V3_NODE).is_file() and not (store / V2_GROUP).is_file()))
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}
    return {name: (consolidated.get(name), own.get(name)) for name in sorted(consolidated.keys() | own.keys())
            if consolidated.get(name) != own.get(name)}


def _consolidated_shapes(store: Path) -> dict[str, list[int]] | None:
    """Array path → shape, as the store's consolidated metadata say; None without them."""
    if (store / V2_CONSOLIDATED).is_file():
        metadata = json.loads((store / V2_CONSOLIDATED).read_text())["metadata"]
        suffix = f"/{V2_ARRAY}"
        return {key[:-len(suffix)]: list(value["shape"]) for key, value in metadata.items() if key.endswith(suffix)}
    if (store / V3_NODE).is_file():
        root = json.loads((store / V3_NODE).read_text())
        metadata = (root.get("consolidated_metadata") or {}).get("metadata")
        if metadata is None:
            return None
        return {key: list(value["shape"]) for key, value in metadata.items() if value.get("node_type") == "array"}
    return None


def _own_shapes(store: Path, folder: Path, *, v3: bool) -> Iterator[tuple[str, list[int]]]:
    """(array path, shape) of every array below ``folder``, from its own metadata file; groups
    are descended into, arrays not (their chunks may be many files)."""
    for entry in sorted(os.scandir(folder), key=lambda entry: entry.name):
        if not entry.is_dir():
            continue
        child = Path(entry.path)
        name = child.relative_to(store).as_posix()
        if v3 and (child / V3_NODE).is_file():
            node = json.loads((child / V3_NODE).read_text())
            if node.get("node_type") == "array":
                yield name, list(node["shape"])
            else:
                yield from _own_shapes(store, child, v3=v3)
        elif not v3 and (child / V2_ARRAY).is_file():
            yield name, list(json.loads((child / V2_ARRAY).read_text())["shape"])
        elif not v3 and (child / V2_GROUP).is_file():
            yield from _own_shapes(store, child, v3=v3)


def stale_metadata_warning(path: str | os.PathLike, stale: dict[str, tuple[list[int] | None, list[int] | None]]) -> str:
    """The warning about the store ``path`` whose consolidated metadata are ``stale``
    (:func:`stale_consolidated_arrays`): the first arrays and their two shapes, how the store is
    read, and the ``zarr.consolidate_metadata`` line that updates the copy."""
    shown = "; ".join(f"'{name}' {_shape(copy)} there, {_shape(own)} in its own metadata"
                      for name, (copy, own) in _fewest_dimensions_first(stale)[:3]) + (" …" if len(stale) > 3 else "")
    store = Path(path)
    fix = python_command(f"import zarr; zarr.consolidate_metadata({json.dumps(working_path(store))})")
    return (f"{store.name}: its consolidated metadata are out of date ({shown}; arrays written after they were "
            "consolidated, e.g. appended with consolidated=False): read from the arrays' own metadata, which hold what "
            f"the store holds; tools that read the consolidated metadata see the old shapes; to update them: {fix}")


def _fewest_dimensions_first(stale: dict[str, tuple[list[int] | None, list[int] | None]],
                             ) -> list[tuple[str, tuple[list[int] | None, list[int] | None]]]:
    """The entries of ``stale``, coordinates (``time``: one dimension) before the data on them."""
    return sorted(stale.items(), key=lambda item: (len(item[1][1] or item[1][0] or ()), item[0]))


def _shape(shape: list[int] | None) -> str:
    return "absent" if shape is None else f"shape {tuple(shape)}"
