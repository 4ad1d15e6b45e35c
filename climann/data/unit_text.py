"""A unit written after a number in a message: `` K``; nothing for CF's dimensionless ``1``."""

from __future__ import annotations

__all__ = ["after_number"]


def after_number(unit: str) -> str:
    """A unit to write after a number: `` m``; nothing for ``1`` (CF's dimensionless unit: "by up
    to 1 1" read as two numbers) or no units; a unit that is itself a number, CMIP's ``0.001``
    of salinity, in words (`` (units 0.001)``), or "37.02 0.001" reads as two numbers.

    Examples
    --------
    >>> after_number("K"), after_number("1"), after_number("0.001")
    (' K', '', ' (units 0.001)')
    """
    unit = str(unit).strip()
    if not unit or unit == "1":
        return ""
    try:
        float(unit)
    except ValueError:
        return f" {unit}"
    return f" (units {unit})"
