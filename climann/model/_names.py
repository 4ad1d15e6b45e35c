"""Look up an activation, loss, optimizer or initializer by name, with a helpful error."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import TypeVar

from climann.errors import ClimannError

T = TypeVar("T")


def lookup(table: Mapping[str, T], name: str, *, kind: str) -> T:
    """Return ``table[name]`` (case-insensitive) or raise an error listing the valid names.

    Parameters
    ----------
    table : mapping of str to T
        Valid names (aliases included) and what they stand for.
    name : str
        The name asked for, e.g. ``"relu"``.
    kind : str
        What is looked up, used in the message, e.g. ``"activation"``.

    Returns
    -------
    T
        The entry for ``name``.

    Raises
    ------
    ClimannError
        "unknown activation 'rleu'; valid names: elu, identity, relu, ...; did you mean 'relu'?"
    """
    valid = ", ".join(sorted(table))
    if not isinstance(name, str):
        raise ClimannError(
            f"{kind} must be given by name (a str), got {name!r}; valid names: {valid}"
        )
    key = name.strip().lower()
    if key in table:
        return table[key]
    close = difflib.get_close_matches(key, list(table), n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise ClimannError(f"unknown {kind} '{name}'; valid names: {valid}{hint}")
