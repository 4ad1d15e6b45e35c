"""Which CF ``standard_name`` a variable's attributes give, if any.

A ``standard_name`` names the physical quantity a variable holds (CF conventions 1.8 §3.3).
Some writers put a placeholder there instead of leaving it out: cfgrib/ecCodes, which writes
ERA5's files for the Climate Data Store since September 2024, gives ``standard_name =
"unknown"`` to every parameter without a CF name (``t2m``, ``d2m``, ``skt``, ``u10``, ``tp`` …).
A placeholder names no quantity: two variables that both say ``"unknown"`` are not one
quantity, so everywhere climann compares or reads standard names it takes them through
:func:`standard_name_of`, which reads a placeholder as no name (CF: the attribute absent).
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["UNNAMED_STANDARD_NAMES", "standard_name_of"]

#: ``standard_name`` values that name no quantity (compared stripped and in lower case).
UNNAMED_STANDARD_NAMES = frozenset({"", "unknown"})


def standard_name_of(attrs: Mapping) -> str:
    """The ``standard_name`` of a variable's attributes, stripped; ``""`` when it names none.

    Parameters
    ----------
    attrs : mapping
        The variable's attributes.

    Returns
    -------
    str
        The name as written (blanks stripped), or ``""`` when the attribute is absent or one
        of :data:`UNNAMED_STANDARD_NAMES` (any case).

    Examples
    --------
    >>> standard_name_of({"standard_name": " air_temperature "})
    'air_temperature'
    >>> standard_name_of({"standard_name": "unknown"})
    ''
    >>> standard_name_of({})
    ''
    """
    name = str(attrs.get("standard_name", "")).strip()
    return "" if name.lower() in UNNAMED_STANDARD_NAMES else name
