"""Codes averaged into means: values below absolute zero that a code, not a quantity, explains.

A code that marks cells in a temperature (HadISST1's -1000 over sea ice, Rayner et al. 2003,
doi:10.1029/2002JD002670; -999, -9999, short's -32768 …) is read as missing where it stands
alone (:mod:`climann.data.absolute_zero`). Averaged by a tool that does not know it (``cdo
zonmean``, ``remapbil``, ``timmean``: CDO masks only the ``_FillValue`` and ``missing_value``,
CDO User Guide §1.4.4 "Missing values"), the code enters the means: a zonal mean of HadISST over
a band with 3 of its 90 boxes under ice is (3 × -1000 + 87 × -1.5) / 90 = -34.8 °C, no
temperature of the sea, yet above absolute zero. The averaged file then holds the code itself
(where every cell was ice), hundreds of different values below absolute zero and more above it,
all mixtures of code and temperature that no mask on that file can take apart (break52d A3:
1044 of 16200 values of a zonal-mean HadISST between -1000 and -273.2 °C; declared temperature
differences, as the only way out then said, they trained at a test RMSE of 102.7 °C).

So when the values below absolute zero are many (no few codes read as missing):

- those exactly at a known code (:data:`KNOWN_CODES`: HadISST's sea-ice value and the usual
  negative fill values of :data:`climann.data.fill_like.USUAL_FILL_VALUES`) or at a round one
  (:func:`is_round_code`: -1000, -999, -9999 …), each with its count, or values far below
  absolute zero (more than :data:`climann.data.absolute_zero.ANOMALY_AT_MOST` under it: no
  anomaly of a monthly or daily mean), say a code averaged in (:func:`averaged_code_refusal`);
- the way out is to mask the code in the original before averaging (``cdo setctomiss,CODE``): when
  the file's ``history`` names the CDO line that made it and its input is there, that line again
  with ``-setctomiss,CODE`` before the input (:func:`cdo_masked_command`), writing a new file;
- reading the values as temperature differences (``units_metadata``, CF-1.11 §3.1.2) is offered
  only when the variable's ``standard_name`` does not say a temperature on its scale
  (:func:`says_temperature_on_scale`: ``sea_surface_temperature``, ``air_temperature``): for those
  it would train the codes as data.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from climann.data.fill_like import USUAL_FILL_VALUES
from climann.data.shell import copy_path, none_there, shown_path

__all__ = ["KNOWN_CODES", "averaged_code_refusal", "cdo_masked_command", "codes_among", "is_round_code",
           "says_temperature_on_scale"]

#: Codes written into temperatures, by value, with what writes them: HadISST1's sea ice (its
#: ``sst`` in ``C``, no attribute saying so) and the negative values of
#: :data:`climann.data.fill_like.USUAL_FILL_VALUES` (with their sources there).
KNOWN_CODES = {-1000.0: "HadISST's sea-ice code",
               **{value: name for value, name in USUAL_FILL_VALUES.items() if value < 0}}

#: The digits of a round code's magnitude: all nines (999, 9999) or one digit and zeros (1000).
_ROUND_DIGITS = re.compile(r"9{2,}|[1-9]0{2,}")

#: Words of a ``standard_name`` (CF standard name table) that make it no temperature on its scale.
_DIFFERENCE_WORDS = ("anomaly", "difference", "change", "tendency", "depression", "increment", "error", "bias")


def is_round_code(value: float) -> bool:
    """Whether ``value`` is a negative round number that writers use as a code: a whole number whose
    magnitude is at least 99, all nines or one digit followed by zeros (-99, -999, -9999, -1000,
    -10000).

    Examples
    --------
    >>> is_round_code(-1000.0), is_round_code(-9999.0), is_round_code(-999.5), is_round_code(-1234.0)
    (True, True, False, False)
    """
    return bool(value < 0 and np.isfinite(value) and float(value).is_integer()
                and _ROUND_DIGITS.fullmatch(str(int(-value))))


def codes_among(values: np.ndarray, counts: np.ndarray) -> list[tuple[float, int, str]]:
    """The values of ``values`` that are codes (:data:`KNOWN_CODES`, compared in the values' own
    type, then :func:`is_round_code`), each with its count in ``counts`` and what it is.

    Parameters
    ----------
    values : numpy.ndarray
        (n,) the different values (as stored: float32 -999.9 is a known code).
    counts : numpy.ndarray
        (n,) how many times each is there.

    Returns
    -------
    list of (float, int, str)
        ``(code, count, name)``, most frequent first as ``values`` are ordered.
    """
    found = []
    for value, count in zip(values.tolist(), counts.tolist(), strict=True):
        named = [name for code, name in KNOWN_CODES.items()
                 if np.asarray(code).astype(values.dtype) == np.asarray(value).astype(values.dtype)]
        if named or is_round_code(value):
            found.append((float(value), int(count), named[0] if named else "a round number written as a code"))
    return found


def says_temperature_on_scale(standard_name: str) -> bool:
    """Whether a CF ``standard_name`` names a temperature on its scale (``air_temperature``,
    ``sea_surface_temperature``, ``sea_water_potential_temperature``), not a difference of one
    (``air_temperature_anomaly``, ``change_over_time_in_air_temperature``) nor a modifier's
    (``air_temperature standard_error``: CF Appendix C).

    Examples
    --------
    >>> says_temperature_on_scale("sea_surface_temperature"), says_temperature_on_scale("air_temperature_anomaly")
    (True, False)
    """
    words = str(standard_name).split()
    if len(words) != 1 or not re.fullmatch(r"[a-z0-9_]*temperature", words[0]):
        return False
    return not any(word in words[0] for word in _DIFFERENCE_WORDS)


def _last_cdo_line(history: str, file: str) -> list[str] | None:
    """The words of the last CDO line of ``history`` whose output is ``file`` (by name)."""
    for line in reversed(str(history).splitlines()):
        command = line.split(": ", 1)[-1].strip()
        try:
            words = shlex.split(command)
        except ValueError:
            continue
        if len(words) >= 4 and Path(words[0]).name == "cdo" and Path(words[-1]).name == Path(file).name:
            return words
    return None


def cdo_masked_command(history: str, file: str, codes: Sequence[float]) -> str | None:
    """The CDO line of ``history`` that wrote ``file`` again, with the ``codes`` set missing in its
    input first (``-setctomiss,CODE`` before it, CDO's operator chaining) and writing a new file
    beside ``file`` (:func:`climann.data.shell.copy_path`, ``_masked``), guarded against writing
    over one there (:func:`climann.data.shell.none_there`); None when no such line is there, or
    its input is not one file found from here or beside ``file``.

    Examples
    --------
    >>> cdo_masked_command("Mon Dec 07 2026: cdo -s zonmean nowhere.nc zm.nc", "zm.nc", [-1000.0]) is None
    True
    """
    words = _last_cdo_line(history, file)
    if words is None:
        return None
    source = words[-2]
    found = [path for path in (Path(source), Path(file).parent / source) if not source.startswith("-")
             and path.is_file()]
    inputs = [word for word in words[1:-2] if not word.startswith("-") and os.path.isfile(word)]
    if not found or inputs:  # one input, the word before the output: an operator chain's
        return None
    masks = [f"-setctomiss,{code:g}" for code in codes]
    copy = copy_path(file, "masked")
    return none_there(copy) + " ".join([*map(shlex.quote, words[:-2]), *masks, shown_path(found[0]), shown_path(copy)])


def averaged_code_refusal(name: str, codes: Sequence[tuple[float, int, str]], *, zero: float, units: str,
                          lowest: float, file: str | None, history: str, reading: str = "") -> str:
    """The part of the refusal of many values below absolute zero that says they hold a code
    averaged in, and how to mask it before averaging (see the module's rules).

    Parameters
    ----------
    name : str
        The variable.
    codes : sequence of (float, int, str)
        :func:`codes_among` of its values below absolute zero (may be empty).
    zero : float
        Absolute zero in its ``units``.
    units : str
        Its units.
    lowest : float
        Its lowest value below absolute zero.
    file : str or None
        The file (None: built in memory).
    history : str
        That file's global ``history`` (``""`` if none).
    reading : str
        Said before the way out: ``" (its standard_name … )"``, or ``""``.

    Returns
    -------
    str
        Begins with ``: `` and ends without a full stop.
    """
    if codes:
        said = ", ".join(f"{code:g} ({what}) at {count} of them" for code, count, what in codes)
        shown = codes[0][0]
        found = f"{said}, a code no temperature can be, and values between it and the temperatures"
    else:
        shown = None
        found = f"values down to {lowest:g} {units}, far below absolute zero, as a code averaged in leaves"
    mask = ",".join(f"{code:g}" for code, _, _ in codes) or "CODE"
    command = cdo_masked_command(history, file, [code for code, _, _ in codes]) if codes and file else None
    again = (f"e.g. the line that made it (its history) again with the code masked first: {command}" if command else
             f"e.g. cdo setctomiss,{shown:g} ORIGINAL.nc MASKED.nc" if shown is not None else
             "e.g. cdo setctomiss,CODE ORIGINAL.nc MASKED.nc with CODE the original's")
    return (f": {found}; a code averaged into means (cdo zonmean, remapping, time means: CDO masks only the "
            f"_FillValue and missing_value) cannot be taken out of the averaged file, whose values near it, "
            f"above absolute zero too, are mixtures of code and temperature{reading}; mask the code ({mask}) in the "
            f"original before averaging or any other cdo operator, then average that, {again}")
