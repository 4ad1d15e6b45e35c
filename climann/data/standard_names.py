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

import re

__all__ = ["STANDARD_NAME_MODIFIERS", "UNNAMED_STANDARD_NAMES", "is_cf_standard_name", "standard_name_of"]

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


#: The modifiers a standard name may be followed by, after one blank (CF conventions 1.8 §3.3, Appendix C).
STANDARD_NAME_MODIFIERS = frozenset({"detection_minimum", "number_of_observations", "standard_error",
                                     "status_flag"})

#: A standard name's form (CF 1.8 §3.3: "lower case letters, digits and underscores", beginning with a letter).
_STANDARD_NAME = re.compile(r"[a-z][a-z0-9_]*")


def is_cf_standard_name(name: str) -> bool:
    """Whether ``name`` has the form of a CF standard name: lower-case letters, digits and
    underscores, beginning with a letter, optionally followed by one blank and a modifier
    (CF conventions 1.8 §3.3 and Appendix C). The name is not looked up in the standard name
    table, which climann does not ship (only its aliases, :mod:`climann.data.standard_name_aliases`):
    a name of the right form but not in the table is taken as it is.

    Parameters
    ----------
    name : str
        A ``standard_name`` attribute's value, stripped.

    Returns
    -------
    bool

    Examples
    --------
    >>> is_cf_standard_name("precipitation_flux"), is_cf_standard_name("air_temperature standard_error")
    (True, True)
    >>> is_cf_standard_name("convective precipitation rate"), is_cf_standard_name("Precipitation")
    (False, False)
    """
    words = str(name).split(" ")
    return (len(words) in (1, 2) and _STANDARD_NAME.fullmatch(words[0]) is not None
            and (len(words) == 1 or words[1] in STANDARD_NAME_MODIFIERS))
