"""Numeric attributes stored as text: read as the numbers they hold, or refused naming every file.

CF-1.8 §2.5.1 and §8.1 and the NetCDF User Guide's attribute conventions give ``_FillValue``,
``missing_value``, ``valid_min``, ``valid_max`` and ``valid_range`` the type of the data as
stored, ``scale_factor`` and ``add_offset`` the unpacked type. Some writers store them as text:
CERES EBAF Ed4.x writes ``valid_min = "    0.00000"``, ``valid_max = "600.000"``; ``ncatted -a
missing_value,v,o,c,-999`` writes ``"-999"``. xarray ignores a text ``missing_value`` or valid
range (−999 read as data) and fails on a text ``scale_factor`` only when the values are read.

The rules applied here:

- a text that is exactly one decimal number (two for ``valid_range``, separated by blanks or a
  comma: ``"0.0 100.0"``), blanks around it allowed, says its number(s) without doubt. It is read
  as that number before xarray decodes the variable (:func:`with_text_numbers_read`, called by
  :mod:`climann.data.handles` on each raw variable, so that xarray's ``mask_and_scale`` masks and
  unpacks with it): the fill values and the valid range in the type the data are stored in (an
  integer type only when the number is one of its values; with ``_Unsigned`` flipping the
  signedness, also its other-signed type), ``scale_factor`` and ``add_offset`` as ``float64``
  (the text says no type; float64 is the nearest to the decimal written). Each is said in one
  note per file (:func:`note_text_numbers`).
- any other text (``"n/a"``, ``"-999f"``, two numbers in ``valid_min``, one in ``valid_range``, a
  fraction for ``short`` data) is refused in one line naming each such attribute of each file,
  with the ``ncatted`` (NCO) and the xarray line that store the numbers meant
  (:func:`refuse_text_attributes`, :func:`refuse_text_attributes_of`). ``"nan"`` and ``"1_000"``,
  which Python's ``float`` reads, are no decimal numbers here.

Coordinates (a time axis, latitude, longitude, depth, a scalar ``height``) follow the same rules:
xarray decodes a dimension coordinate as the file is opened, so such a coordinate's other text is
refused as its file is read (:func:`refuse_text_coordinate`), before any NumPy error.
"""

from __future__ import annotations

import logging
import re
import shlex
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import xarray as xr

from climann.data.notes import note_once
from climann.data.shell import (
    NCATTED_TYPES, attribute_command, input_and_copy, ncatted_attribute, python_command, whole_write, working_path,
)
from climann.data.paths import is_zarr_store
from climann.data.sources import files_text
from climann.data.stored_values import exact_cast
from climann.errors import ClimannError

_log = logging.getLogger(__name__)

#: Attributes that hold numbers: the fill values and valid range in the stored type, the
#: packing in the unpacked type (NUG attribute conventions; CF-1.8 §2.5.1, §8.1).
NUMERIC_ATTRIBUTES = ("_FillValue", "missing_value", "scale_factor", "add_offset", "valid_range", "valid_min",
                      "valid_max")

#: The packing attributes: their type is the unpacked type, which a text does not say.
PACKING_ATTRIBUTES = ("scale_factor", "add_offset")

#: The ``encoding`` key of a variable's attributes read from text: ``["valid_min '0.00000' as
#: float32(0.0)", …]``, for the note (:func:`note_text_numbers`).
TEXT_NUMBERS_KEY = "climann_text_numbers"

#: One decimal number: ``0.00000``, ``-1e+03``, ``.5``; not ``nan``, ``1_000`` or ``-999f``.
_DECIMAL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")

#: What separates the numbers of a text: blanks, or one comma with blanks around it.
_SEPARATOR = re.compile(r"\s*,\s*|\s+")


def attribute_text(value: object) -> str | None:
    """An attribute's text (NUL and blanks at its ends removed), None for numbers."""
    if value is None:
        return None
    array = np.asarray(value)
    if array.dtype.kind not in "SUO":
        return None
    parts = [part.decode(errors="replace") if isinstance(part, bytes) else str(part) for part in array.reshape(-1)]
    return " ".join(parts).strip(" \t\r\n\0")


def numbers_in_text(text: str) -> list[float] | None:
    """The decimal numbers a text holds, in order (``"0.0 100.0"`` → ``[0.0, 100.0]``); None
    if any part of it is no decimal number (``"n/a"``, ``"-999f"``, ``"nan"``) or it is empty.

    Examples
    --------
    >>> numbers_in_text("    0.00000")
    [0.0]
    >>> numbers_in_text("0.0, 100.0")
    [0.0, 100.0]
    >>> numbers_in_text("-999f") is None
    True
    """
    words = _SEPARATOR.split(text.strip())
    if not words or not all(_DECIMAL.fullmatch(word) for word in words):
        return None
    return [float(word) for word in words]


def _wanted_count(key: str) -> int:
    """How many numbers attribute ``key`` holds: two for ``valid_range``, one for the others."""
    return 2 if key == "valid_range" else 1


def _types_for(key: str, variable: xr.Variable) -> list[np.dtype]:
    """The types attribute ``key`` of a raw variable is read in, first that fits: float64 for the
    packing; else the stored type, then, where ``_Unsigned`` flips its signedness, the other one
    (``"255"`` on ``_Unsigned`` bytes: ubyte 255, as a numeric attribute of that type reads)."""
    if key in PACKING_ATTRIBUTES:
        return [np.dtype(np.float64)]
    stored = np.dtype(variable.dtype)
    flag = str(variable.attrs.get("_Unsigned", "")).strip().lower()
    flipped = {("i", "true"): "u", ("u", "false"): "i"}.get((stored.kind, flag))
    return [stored, *([np.dtype(f"{flipped}{stored.itemsize}")] if flipped else [])]


def number_from_text(key: str, value: object, variable: xr.Variable) -> np.ndarray | None:
    """The number(s) a text attribute ``key`` of a raw variable says without doubt, typed as
    the module's rules say; None if it is not text, not exactly one decimal number (two for
    ``valid_range``), or not a value of the type (``"0.5"`` for ``short`` data).

    Parameters
    ----------
    key : str
        One of :data:`NUMERIC_ATTRIBUTES`.
    value : object
        The attribute as the file gives it.
    variable : xarray.Variable
        The raw (undecoded) variable: its type is the stored type.

    Returns
    -------
    numpy.ndarray or None
        A 0-d array (a 1-d array of two for ``valid_range``).
    """
    text = attribute_text(value)
    numbers = None if text is None else numbers_in_text(text)
    if numbers is None or len(numbers) != _wanted_count(key) or variable.dtype.kind not in "iuf":
        return None
    given = np.asarray(numbers if key == "valid_range" else numbers[0], dtype=np.float64)
    for dtype in _types_for(key, variable):
        cast = exact_cast(given, dtype)
        if cast is not None:
            return cast
    return None


def with_text_numbers_read(name: str, variable: xr.Variable) -> xr.Variable:
    """The raw variable with each numeric attribute stored as text that says its number(s)
    without doubt read as them (:func:`number_from_text`), before xarray decodes it (its
    ``mask_and_scale`` then masks and unpacks with the numbers); each so read is recorded in
    ``encoding[TEXT_NUMBERS_KEY]`` for the note (:func:`note_text_numbers`). Other text is left
    as it is, to be refused (:func:`refuse_text_attributes`). Changed in place.

    Parameters
    ----------
    name : str
        The variable's name, for the note.
    variable : xarray.Variable
        As a data store gives it: stored type, attributes as in the file.

    Returns
    -------
    xarray.Variable
    """
    said = []
    for key in NUMERIC_ATTRIBUTES:
        if key not in variable.attrs:
            continue
        number = number_from_text(key, variable.attrs[key], variable)
        if number is not None:
            text = attribute_text(variable.attrs[key])
            shown = ", ".join(f"{item!r}" for item in number.reshape(-1).tolist())
            said.append(f"'{name}' {key} '{text}' as {number.dtype}({shown})")
            variable.attrs[key] = number if number.ndim else number[()]
    if said:
        variable.encoding[TEXT_NUMBERS_KEY] = said
    return variable


def note_text_numbers(dataset: xr.Dataset) -> None:
    """Say once per file which numeric attributes were stored as text and read as their numbers
    (:func:`with_text_numbers_read`), at INFO.

    Parameters
    ----------
    dataset : xarray.Dataset
        One file as opened.
    """
    said = [item for variable in dataset.variables.values() for item in variable.encoding.get(TEXT_NUMBERS_KEY, ())]
    if not said:
        return
    source = dataset.encoding.get("source")
    note_once(_log, logging.INFO, (
        f"{Path(str(source)).name if source else 'the file'} stores numeric attributes as text, each exactly the "
        f"number it means, read as that number (fill values and valid limits in the variable's type, "
        f"scale_factor and add_offset as float64): {', '.join(dict.fromkeys(said))}"))


def _texts_of(name: str, variable: xr.Variable) -> list[tuple[str, str, str, np.dtype]]:
    """``(name, attribute, its text, the type it is meant in)`` of each numeric attribute of one
    variable still stored as text (xarray keeps the fill values and packing in ``encoding``);
    none of a variable of text (a station's name: its fill value is text, CF-1.8 §2.5.1)."""
    stored = np.dtype(variable.encoding.get("dtype", variable.dtype))
    if stored.kind in "SU":
        return []
    found = []
    for key in NUMERIC_ATTRIBUTES:
        text = attribute_text(variable.attrs.get(key, variable.encoding.get(key)))
        if text is None:
            continue
        meant = np.dtype(np.float32) if key in PACKING_ATTRIBUTES or stored.kind not in "iuf" else stored
        found.append((name, key, text, meant))
    return found


def _text_attributes(dataset: xr.Dataset) -> list[tuple[str, str, str, np.dtype]]:
    """:func:`_texts_of` each variable of a file once it is open, its data variables and its
    coordinates (a time axis, latitude, a scalar ``height``: fix36d), numeric attributes not
    read as numbers (:func:`with_text_numbers_read`)."""
    return [item for name, variable in dataset.variables.items() for item in _texts_of(str(name), variable)]


def _value_meant(key: str, text: str) -> str:
    """The value to store, as ncatted reads it: the text's numbers when there are as many as
    ``key`` holds, else ``NUMBER`` (``LOW,HIGH`` for ``valid_range``) for the user to fill in."""
    numbers = numbers_in_text(text)
    if numbers is not None and len(numbers) == _wanted_count(key):
        return ",".join(f"{number:g}" for number in numbers)
    return "LOW,HIGH" if key == "valid_range" else "NUMBER"


def _xarray_fix(found: Sequence[tuple[str, str, str, np.dtype]], files: str) -> str:
    """One xarray line that stores the attributes ``found`` as numbers in a copy (the file
    opened undecoded, ``decode_cf=False``: the text would be decoded first)."""
    words = [word if word in ("IN.nc", "OUT.nc") else working_path(word) for word in shlex.split(files)]
    statements = []
    for name, key, text, meant in found:
        value = _value_meant(key, text)
        typed = (f"np.array([{value.replace(',', ', ')}], {meant.name!r})" if key == "valid_range"
                 else f"np.{meant.name}({value})")
        statements.append(f"d[{name!r}].attrs[{key!r}] = {typed}")
    return python_command(f"import sys, numpy as np, xarray as xr; d = xr.open_dataset({words[0]!r}, decode_cf=False); "
                          f"{'; '.join(statements)}; " + whole_write(target=repr(words[1])))


def _fix_of(found: Sequence[tuple[str, str, str, np.dtype]], source: str | None) -> str:
    """The ncatted that stores ``found`` as numbers in a copy of ``source`` and, for a NetCDF
    file, the xarray line that does the same (for a Zarr store: the zarr-python line alone)."""
    files = input_and_copy(source) if source else "IN.nc OUT.nc"
    command = attribute_command([ncatted_attribute(key, name, "o", NCATTED_TYPES.get(meant.str[1:], "f"),
                                                   _value_meant(key, text)) for name, key, text, meant in found], files)
    if source and is_zarr_store(source):
        return f"`{command}`"
    return f"`{command}`, or with xarray: `{_xarray_fix(found, files)}`"


def _problem_text(found: Sequence[tuple[str, str, str, np.dtype]], where: str) -> str:
    """``'v' in a.nc has missing_value stored as text ('n/a'), 'w' valid_range ('0')``."""
    (name, key, text, _), others = found[0], found[1:]
    also = "".join(f", {'' if other == name else f'{other!r} '}{attribute} ('{words}')"
                   for other, attribute, words, _ in others)
    return f"'{name}' in {where} has {key} stored as text ('{text}'){also}"


def refuse_text_attributes_of(datasets: Mapping[object, xr.Dataset]) -> None:
    """Refuse files whose data variables have a fill value, packing or valid range stored as
    text that is not exactly the number(s) it means (the module's rules), naming each such
    file: files with the same attributes are named together, with one command each takes on
    its own copy.

    Parameters
    ----------
    datasets : mapping
        Each file (path) → its dataset as opened.

    Raises
    ------
    ClimannError
        One line naming each file, variable and attribute, and the ``ncatted`` and xarray line
        that store the numbers meant (``NUMBER`` where the text says none).
    """
    groups: dict[tuple, list[tuple[object, xr.Dataset]]] = {}
    for path, dataset in datasets.items():
        found = _text_attributes(dataset)
        if found:
            groups.setdefault(tuple(found), []).append((path, dataset))
    if not groups:
        return
    raise ClimannError(_refusal([(found, [Path(str(dataset.encoding.get("source") or path)).name
                                          for path, dataset in members], members[0][1].encoding.get("source"))
                                  for found, members in groups.items()]))


def _refusal(groups: Sequence[tuple[Sequence[tuple[str, str, str, np.dtype]], Sequence[str], str | None]]) -> str:
    """The one-line refusal of ``(found, file names, the first file's path)`` groups."""
    parts, fixes = [], []
    for found, names, source in groups:
        parts.append(_problem_text(found, files_text(names)))
        fixes.append(_fix_of(found, source) + (" (each file with this command on its own copy)" if len(names) > 1
                                               else ""))
    several = len(parts) > 1 or any(len(found) > 1 for found, _, _ in groups)
    numbers, them = ("numbers", "them") if several else ("a number", "it")
    return (f"{'; '.join(parts)}, not as {numbers}, in a text that is not exactly one decimal number (two "
            f"for valid_range) of the variable's type, so the number meant is not said; store {them} as "
            f"{numbers}: {'; '.join(fixes)}")


def refuse_text_coordinate(name: str, variable: xr.Variable, source: str | None) -> None:
    """Refuse a dimension coordinate (a time axis, latitude, depth: one dimension of its own
    name) whose numeric attributes hold text that is not exactly the number(s) it means, as
    it is read from its file: xarray decodes such a coordinate as the file is opened, where a
    text ``scale_factor`` failed with a NumPy error and a text ``missing_value`` was ignored
    (-999 read as a time or a depth), before :func:`refuse_text_attributes_of` could name it.

    Parameters
    ----------
    name : str
        The variable's name.
    variable : xarray.Variable
        Raw, as the data store gives it, its text numbers read (:func:`with_text_numbers_read`).
    source : str or None
        The file's path, for the message and the commands.

    Raises
    ------
    ClimannError
        One line naming the file, coordinate and attributes, and the ``ncatted`` and xarray line
        that store the numbers meant, as :func:`refuse_text_attributes_of` says it.
    """
    if variable.dims != (name,):
        return
    found = _texts_of(name, variable)
    if found:
        raise ClimannError(_refusal([(found, [Path(str(source)).name if source else "the file"], source)]))


def refuse_text_attributes(dataset: xr.Dataset) -> None:
    """:func:`refuse_text_attributes_of` for one file.

    Raises
    ------
    ClimannError
        As :func:`refuse_text_attributes_of` does.
    """
    refuse_text_attributes_of({dataset.encoding.get("source") or "the file": dataset})
