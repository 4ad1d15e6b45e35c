"""The codes of CF flag attributes, ``flag_values`` and ``flag_masks`` (CF-1.11 §3.5), as the
producer means them.

CF asks for numbers of the variable's own type; files hold text too (``"0 1 2"``, CDL's
``"0b, 1b"``), signed bytes whose ``-128b`` is bit 128, and bytes whose ``_Unsigned`` attribute
says ``-5b`` is 251. Both :mod:`climann.data.flags` (flag variables as data) and
:mod:`climann.data.quality_levels` (a target's quality flag) read their codes here, so that a
flag written one way is read the same by each.
"""

from __future__ import annotations

import re

import numpy as np
import xarray as xr

from climann.data.stored_values import with_signedness

__all__ = ["flag_codes", "unsigned_masks"]


def flag_codes(variable: xr.DataArray, key: str) -> np.ndarray:
    """The codes of a flag attribute, ``flag_values`` or ``flag_masks`` (CF-1.11 §3.5), one
    per entry of ``flag_meanings``.

    CF asks for numbers of the variable's type; some writers put text (``"0 1 2"``,
    ``"1, 2, 4"``, CDL's ``"0b, 1b"``): it is split at blanks and commas, and each part read
    as a number (a CDL type letter after it dropped), so that the text counts its codes, not
    as one. A part that is not a number is kept as text.

    Parameters
    ----------
    variable : xarray.DataArray
    key : {"flag_values", "flag_masks"}

    Returns
    -------
    ndarray, shape (n_codes,)
        Empty without the attribute; float64 for text of numbers, else the attribute's type,
        read unsigned where the variable's ``_Unsigned`` is "true" (NUG "Attribute
        Conventions": the attribute has the variable's type, so its signedness: the byte
        ``-5b`` of NSIDC's sea-ice concentration is 251). ``flag_masks`` are bits, always read
        unsigned (:func:`climann.data.flag_codes.unsigned_masks`): OSI SAF's signed byte
        ``-128b`` is bit 128, and was shown as -128 and divided by in the advised ``ncap2`` line.
    """
    raw = variable.attrs.get(key)
    if raw is None:
        return np.array([])
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    if not isinstance(raw, str):  # the stored type's signedness: -5b is 251 where _Unsigned = "true"
        codes = with_signedness(np.atleast_1d(np.asarray(raw)), {**variable.attrs, **variable.encoding})
        if key == "flag_masks" and codes.dtype.kind == "i":  # bits: a signed byte's -128b is bit 128
            return np.array(unsigned_masks(codes), dtype=f"u{codes.dtype.itemsize}")
        return codes
    parts = [part for part in re.split(r"[\s,]+", raw.strip()) if part]
    numbers = [_number(part) for part in parts]
    if None in numbers:
        return np.array(parts)
    if key == "flag_masks" and min(numbers, default=0) < 0:  # "-128b" as text: bit 128 of the stored type
        return _text_masks_unsigned(variable, numbers)
    return np.array(numbers)


def _text_masks_unsigned(variable: xr.DataArray, numbers: list[float]) -> np.ndarray:
    """Masks written as text with negative numbers (``"1b, 64b, -128b"``, as ``ncdump`` prints a
    signed byte's) as the unsigned bits of the variable's stored integer type: text has no type of
    its own, so the stored one says that -128 is bit 128 of a byte (and -32768 bit 32768 of a
    short); a float variable keeps the numbers as they are."""
    stored = np.dtype(variable.encoding.get("dtype", variable.dtype))
    if stored.kind not in "iu":
        return np.array(numbers)
    return np.array(unsigned_masks(np.array(numbers).astype(f"i{stored.itemsize}")), dtype=f"u{stored.itemsize}")


def unsigned_masks(masks: np.ndarray) -> list[int]:
    """CF ``flag_masks`` as the unsigned bits the producer means: a signed byte's ``-128b`` (OSI
    SAF's ``status_flag``, as ``ncdump`` prints it) is bit 128, not -128 (break50b A3).

    Examples
    --------
    >>> unsigned_masks(np.array([1, 64, -128], "i1"))
    [1, 64, 128]
    """
    masks = np.atleast_1d(np.asarray(masks))
    if masks.dtype.kind == "i":
        return [int(mask) % (1 << (8 * masks.dtype.itemsize)) for mask in masks.tolist()]
    return [int(mask) for mask in masks.tolist()]


def _number(text: str) -> float | None:
    """``text`` as a number (``"2"``, ``"0b"`` with CDL's type letter), None if it is none."""
    try:
        return float(re.sub(r"(?<=[0-9.])(?:[bBsSlL]|[uU][bBsSlL]?)$", "", text))
    except ValueError:
        return None
