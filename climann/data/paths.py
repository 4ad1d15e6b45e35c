"""Paths given to the public API: one path or a sequence of them.

A ``str`` is itself a sequence (of characters) and an xarray Dataset a mapping (of variable
names), so ``for path in paths`` would read ``"file.nc"`` as the files ``f``, ``i``, …; every
public function that takes files, globs or run directories reads them through
:func:`path_list` instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from climann.errors import ClimannError

__all__ = ["path_list"]


def path_list(paths: str | os.PathLike | Iterable[str | os.PathLike], *, name: str = "paths") -> list[str | Path]:
    """Paths as a list: one path (a ``str`` or ``os.PathLike``) is a list of one, not of its
    characters; a sequence of paths is kept in its order.

    Every public function that takes several files, globs or run directories reads them
    through this, so that ``predict_files(run, "file.nc", out)`` means that file.

    Parameters
    ----------
    paths : str, os.PathLike or iterable of them
    name : str
        The argument's name, for the message.

    Raises
    ------
    ClimannError
        If ``paths`` is neither (an xarray Dataset, a number, a list holding something else):
        the message names the type given.
    """
    if isinstance(paths, (str, os.PathLike)):
        return [paths]
    if isinstance(paths, (bytes, Mapping)) or not isinstance(paths, Iterable):  # an xarray Dataset is a Mapping
        raise ClimannError(f"{name} must be a file name (str or pathlib.Path) or a list of them; got "
                           f"type {_type_name(paths)}")
    given = list(paths)
    for position, path in enumerate(given):
        if not isinstance(path, (str, os.PathLike)):
            raise ClimannError(f"{name} must be a file name (str or pathlib.Path) or a list of them; item {position} "
                               f"has type {_type_name(path)}")
    return given


def _type_name(value: object) -> str:
    """``"xarray.core.dataset.Dataset"``, ``"int"``: the type given instead of a path."""
    kind = type(value)
    return kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
