"""Files named in the shell commands that climann gives as advice (``ncatted``, ``ncks``,
``cdo`` …), so that a command can be pasted and run as printed.

climann works on absolute paths (see :func:`climann.data.open.expand_paths`); a command names
a file relative to the working folder when the file is inside it, as the user most often gave
it, and by its absolute path otherwise, quoted for a POSIX shell by :func:`shlex.quote`
(``'my data/iri.nc'``). A corrected copy is written beside its input (``'my data/iri_fixed.nc'``):
the command never overwrites the input and leaves nothing in an unexpected folder.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path


def shown_path(path: str | os.PathLike) -> str:
    """``path`` as a shell argument: relative to the working folder when it is inside it, else
    absolute; quoted with :func:`shlex.quote` when it needs to be (``'my data/x.nc'``)."""
    absolute = Path(os.path.abspath(path))
    for base, full in ((Path.cwd(), absolute), (Path.cwd().resolve(), absolute.resolve())):
        if full.is_relative_to(base):
            return shlex.quote(str(full.relative_to(base)))
    return shlex.quote(str(absolute))


def beside(path: str | os.PathLike, suffix: str = "fixed", extension: str = ".nc") -> str:
    """The shell argument of a file written beside ``path``, named after it:
    ``'my data/iri_fixed.nc'`` for ``my data/iri.nc`` (see :func:`shown_path`)."""
    return shown_path(Path(path).with_name(f"{Path(path).stem}_{suffix}{extension}"))


def input_and_copy(path: str | os.PathLike, suffix: str = "fixed") -> str:
    """The two file arguments of a command that writes a corrected copy of ``path`` beside it:
    ``'my data/iri.nc' 'my data/iri_fixed.nc'``."""
    return f"{shown_path(path)} {beside(path, suffix)}"
