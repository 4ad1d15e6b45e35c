"""Write files so that they are complete or absent: to a temporary name, then rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success rename it to ``path``.

    The temporary file lives in the same directory (so the rename is atomic) and is removed
    if the block raises: a crash never leaves a half-written file under the final name.

    Example
    -------
    >>> with atomic_path("out.txt") as temporary:      # doctest: +SKIP
    ...     temporary.write_text("complete")
    """
    path = Path(path)
    descriptor, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(descriptor)
    temporary = Path(name)
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
