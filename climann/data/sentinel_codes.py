"""Codes of repeated digits written far outside the data, which no attribute marks missing.

Observation products write codes in their data's place: IGRA2's radiosonde files -9999 where a
value is missing and -8888 where its quality assurance removed one (IGRA v2 data format
description, "-8888 = Value removed by IGRA quality assurance, -9999 = Value missing");
NOAA's Integrated Surface Database 9999, 99999 and 999.9 by field; station series -7777 or
-6666 for their own reasons. A conversion that marks one code (IGRA2's -9999 as ``_FillValue``)
leaves the other as a number: break46d A2 trained a radiosonde's 500 hPa geopotential height with
-8888 at 52 of 4014 soundings beside data from 5025 to 6002 m, and scored its climatology's RMSE
at 1277.6 m where it is 78.0 m with the codes missing. -8888 is no usual fill value
(:data:`~climann.data.fill_like.USUAL_FILL_VALUES`), and a list of codes is never complete, so a
code is told from the data by what makes it one:

- it is written with one digit repeated, at least :data:`MIN_DIGITS` times (-8888, -7777, 9999.9,
  999.9, -99.99; :func:`code_like`): a number chosen to be seen, not measured;
- it is held at least :data:`MIN_REPEATS` times, identically;
- it lies at an end of the data (below every other value, or above), and farther from the other
  values than their whole range (:data:`FARTHER_THAN_RANGE`): -8888 m lies 13 913 m below data
  that span 977 m. A real extreme stands out from the bulk of its data, but not by more than
  the bulk's whole extent: rain of 0-80 mm with two days of 99.9 mm is rain.

A value at a physical bound (0 of precipitation, held on most days) is no code: it is no repeated
digit, and nothing lies beyond it. Values of a variable that declares its classes (CF
``flag_values``, ``flag_masks``) are its classes, not looked at.

The ends of each block of a variable are read in the one read of every value
(:mod:`climann.data.value_checks`, through :func:`climann.data.fill_like.planned_fill_like_counts`):
its lowest and highest values (:func:`block_ends`), and only where such a value is code-like the
count of it by time step and the next value in; the blocks' ends are then merged
(:func:`merged_ends`), exactly (a value among the merged ends is among the ends of every block
that holds it, or below a value that is not code-like and so no code), and decided on
(:func:`standing_codes`). The codes found are named in
:func:`~climann.data.fill_like.warn_fill_like_values`'s warning, with the ``ncatted`` that marks
them missing.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["FARTHER_THAN_RANGE", "MAX_CODES", "MIN_DIGITS", "MIN_REPEATS", "End", "block_ends", "code_like",
           "merged_ends", "standing_codes"]

#: The fewest digits of a code, all the same (-999.9 has 4; 0, 1.1 and 22 are values).
MIN_DIGITS = 3

#: The fewest values a code is held at: one value far out is a single outlier, said nowhere here.
MIN_REPEATS = 2

#: How much farther from the data than their whole range a code lies (the gap between the code and
#: the nearest other value over the other values' range).
FARTHER_THAN_RANGE = 1.0

#: The most codes looked for at each end of a variable's values.
MAX_CODES = 4


def code_like(value: float, dtype: np.dtype | type = np.float64) -> bool:
    """Whether ``value``, as the shortest decimal that its type ``dtype`` reads back as it, is one
    digit (not 0) repeated at least :data:`MIN_DIGITS` times, whatever its sign and decimal point.

    Examples
    --------
    >>> [code_like(v, np.float32) for v in (-8888.0, 9999.9, -999.9, 99.99, -7777.0, 0.0, 5025.0, 22.2, 111.5)]
    [True, True, True, True, True, False, False, True, False]
    >>> code_like(-99.0), code_like(-1e20)
    (False, False)
    """
    kind = np.dtype(dtype)
    if not np.isfinite(value):
        return False
    number = np.asarray(value, dtype=kind if kind.kind in "fiu" else np.float64)[()]
    text = (np.format_float_positional(number, unique=True, trim="-") if number.dtype.kind == "f"
            else str(int(number)))
    digits = text.lstrip("-").replace(".", "")
    return len(digits) >= MIN_DIGITS and len(set(digits)) == 1 and digits[0] != "0"


@dataclass(frozen=True)
class End:
    """One end of the values read (a block's, or a variable's, merged).

    Attributes
    ----------
    codes : tuple of (float, numpy.ndarray)
        The code-like values at that end, outermost first, each with its count by time step
        (shape (n_steps,) of the block's steps, or of the variable's when merged).
    rest : float or None
        The outermost value that is not code-like (the data's end), None when every value is one.
    """

    codes: tuple
    rest: float | None


def _outermost(values: np.ndarray, low: bool) -> float | None:
    """The lowest (``low``) or highest value of ``values`` that is not NaN, None when none is."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN: answered None
        found = np.nanmin(values) if low else np.nanmax(values)
    return None if np.isnan(found) else float(found)


def _end(values: np.ndarray, time_axis: int | None, *, low: bool, skip: Sequence[float]) -> End:
    """:func:`block_ends`'s one end: the code-like values from the outermost in, up to
    :data:`MAX_CODES`, each counted by step, and the first value that is not one (values ``skip``
    and infinities are passed over: other checks count them)."""
    n_steps = 1 if time_axis is None else values.shape[time_axis]
    codes, current = [], _outermost(values, low)
    for _ in range(MAX_CODES + len(skip) + 2):
        if current is None:
            return End(tuple(codes), None)
        passed = current in skip or not np.isfinite(current)
        if not passed and not code_like(current, values.dtype):
            return End(tuple(codes), current)
        if not passed:
            held = values == current
            by_step = (np.array([held.sum()]) if time_axis is None else
                       held.sum(axis=tuple(axis for axis in range(held.ndim) if axis != time_axis)))
            codes.append((current, np.asarray(by_step, dtype=np.int64).reshape(n_steps)))
            if len(codes) == MAX_CODES:  # the next value in is taken for the data's end
                current = _outermost(np.where(values > current if low else values < current, values, np.nan), low)
                return End(tuple(codes), current)
        current = _outermost(np.where(values > current if low else values < current, values, np.nan), low)
    return End(tuple(codes), current)


def block_ends(block: np.ndarray, time_axis: int | None, skip: Sequence[float] = ()) -> tuple[End, End]:
    """The low and high :class:`End` of one block of a variable's values: two reductions of the
    block (its minimum and maximum), and more only where they are code-like (:func:`code_like`).

    Parameters
    ----------
    block : numpy.ndarray
        Decoded values (missing ones NaN).
    time_axis : int or None
        The block's time axis, None for a static field.
    skip : sequence of float
        Values passed over (the usual fill values the other rule counts).

    Returns
    -------
    tuple of End
        Low, high; counts by the block's steps.

    Examples
    --------
    >>> low, high = block_ends(np.array([[-8888.0, 5025.0], [5100.0, -8888.0], [6002.0, np.nan]]), 0)
    >>> [(value, steps.tolist()) for value, steps in low.codes], low.rest, high.codes, high.rest
    ([(-8888.0, [1, 1, 0])], 5025.0, (), 6002.0)
    """
    values = np.asarray(block)
    if values.dtype.kind not in "fiu" or not values.size:
        return End((), None), End((), None)
    skipped = [float(value) for value in skip]
    return (_end(values, time_axis, low=True, skip=skipped), _end(values, time_axis, low=False, skip=skipped))


def merged_ends(parts: Iterable[tuple[tuple[End, End], int]], n_steps: int) -> tuple[End, End]:
    """The low and high :class:`End` of a variable from those of its blocks, each with the index
    of the block's first step: the data's end is the outermost of the blocks' ``rest``; the codes
    are the blocks' code-like values beyond it, each counted over every block (a block that holds
    one counts it, for every value beyond it in that block is code-like too)."""
    parts = list(parts)
    merged = []
    for side, low in ((0, True), (1, False)):
        rests = [ends[side].rest for ends, _ in parts if ends[side].rest is not None]
        rest = (min(rests) if low else max(rests)) if rests else None
        counts: dict[float, np.ndarray] = {}
        for ends, offset in parts:
            for value, by_step in ends[side].codes:
                if rest is not None and not (value < rest if low else value > rest):
                    continue
                counts.setdefault(value, np.zeros(n_steps, dtype=np.int64))
                counts[value][offset:offset + by_step.size] += by_step
        ordered = sorted(counts, reverse=not low)
        merged.append(End(tuple((value, counts[value]) for value in ordered), rest))
    return merged[0], merged[1]


def standing_codes(low: End, high: End) -> list[tuple[float, np.ndarray, float, float]]:
    """The codes among a variable's merged ends (:func:`merged_ends`): each code-like value held
    at least :data:`MIN_REPEATS` times and farther from the other values than
    :data:`FARTHER_THAN_RANGE` times their range (from ``low.rest`` to ``high.rest``).

    Returns
    -------
    list of (float, numpy.ndarray, float, float)
        Each code, its count by step, and the lowest and highest of the other values.

    Examples
    --------
    >>> steps = np.array([30, 22])
    >>> [code for code, *_ in standing_codes(End(((-8888.0, steps),), 5025.0), End((), 6002.0))]
    [-8888.0]
    >>> standing_codes(End((), 0.0), End(((99.9, steps),), 80.0))  # a wet day's extreme: 19.9 mm beyond 0-80
    []
    """
    if low.rest is None or high.rest is None:
        return []
    spread = high.rest - low.rest
    found = []
    for end, outside in ((low, lambda value: low.rest - value), (high, lambda value: value - high.rest)):
        for value, by_step in end.codes:
            if int(by_step.sum()) >= MIN_REPEATS and outside(value) > FARTHER_THAN_RANGE * spread:
                found.append((value, by_step, low.rest, high.rest))
    return found
