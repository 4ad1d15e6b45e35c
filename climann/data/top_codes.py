"""Codes at the top of an integer type's range, told from the data by the levels they hold.

Products that store a quantity as integers often write codes at the top of the stored type's
range beside it, without ``flag_values`` or a ``valid_range`` that marks them: AMSR-E's monthly
snow water equivalent (AE_MoSno: ``ubyte`` = mm/2, 0-240 as data, 247 incorrect spacecraft
attitude, 248 off-earth, 252 land or snow impossible, 253 ice sheet, 254 water, 255 missing),
MODIS's LAI and FPAR (MOD15: 0-100 as data, 248-254 land-cover classes, 255 fill) and GPP
(MOD17: ``short``, 32761-32766 classes), NSIDC's sea-ice concentrations (0-250, 251-255). Read as
data, a code is a number: AMSR-E's 247 is 494 mm of snow, 14 mm above the data's maximum of
480 mm (break43a A3: 61 such values trained on and scored, after three rounds of advice that each
named some codes only).

Each level of the stored type (the packed integer, for packed data) is counted where it is held
(:func:`levels_in_block`): the :data:`TOP_WINDOW` highest levels of the type by time step, and the
:data:`LEVELS_BELOW` highest levels held below them in total. The codes are then (:func:`top_codes`):

- every level of the window above a *gap* that stands the codes apart from the data: a run of at
  least :data:`MIN_GAP` levels held nowhere, where the :data:`APART_VALUES` or more values the
  data hold in as many levels just below it would have put some in it had the data gone on (the
  chance of none, were the values spread evenly over both, is 2⁻¹⁰), and which is more than twice
  as wide as any run of empty levels between the data's levels in twice as many levels below it
  (data that hold every fourth level have runs of three). AMSR-E: none of 241-246 held, 707
  values in 235-240: 247, 253, 254 and 255 are codes, whether they move from step to step (247,
  255) or not (253, 254). A quantity whose values thin out towards the top of the type (a tail,
  the maximum a packer put at the highest level) holds a few values below its widest gaps and is
  not split;
- every level of the window from the lowest of the :data:`TOP_CODES` highest levels that is held
  at the same cells every step up (:func:`at_fixed_cells`): land-cover classes written beside a
  quantity that reaches up to them (NSIDC's 251 pole hole, 253 coast and 254 land above
  concentrations up to 250), and the moving codes above them (its 255, missing).

Neither holds for a 0/1 field (a land-sea mask, a wet-day indicator packed in shorts: 0 at the
type's bottom, 1 at its top; or 0 and 100 in ``%``, 0 and the whole in its units), whose two
levels are its data (:func:`zero_and_one`), nor does the
second for a field the same at every step (ERA5's ``lsm`` written at each step), whose every level
is held at fixed cells (:func:`unchanging`): before fix44c both were named codes, and the advised
``ncatted`` made every land cell (or wet day) missing. Nor does either hold for a variable packed
over its signed type's whole range (:func:`range_packed`: its lowest value at the type's bottom,
as ERA5's and ``ncpdq``'s packings put it), whose highest level is its maximum: a warm outlier
there stood apart as codes do (break48d A7).

All the codes of a variable are so found in one reading of its values and named in one warning,
with one ``ncatted`` that marks them all (:mod:`climann.data.fill_like`).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from climann.data.file_encodings import CONVERSIONS_KEY

__all__ = ["APART_VALUES", "LEVELS_BELOW", "MIN_GAP", "TOP_CODES", "TOP_WINDOW", "LevelForm", "TopCodes",
           "at_fixed_cells", "deepest_level", "first_and_change", "level_form", "levels_in_block", "merged_below",
           "range_packed", "top_codes", "unchanging", "zero_and_one"]

#: How many levels at the top of an integer type's range are looked at as codes: MODIS's snow
#: cover codes reach down to 200 of ``ubyte`` (200 missing, 201 no decision, 211 night, 237 inland
#: water, 239 ocean, 250 cloud, 254 detector saturated, 255 fill; MOD10 user guide).
TOP_WINDOW = 64

#: How many of the highest levels are looked at for classes written at the same cells every
#: step (:func:`at_fixed_cells`): MOD15's 248-254 below the fill 255, MOD17's 32761-32766 below
#: the fill 32767 of ``short``, 65529-65534 of ``ushort``.
TOP_CODES = 8

#: How many of the highest levels held below the window are kept (each block's, merged): the data
#: just below a gap (:func:`top_codes`); every level of a byte type.
LEVELS_BELOW = 256

#: The fewest empty levels between the data and codes above them (AMSR-E: 6, 241-246). Two, or
#: one, empty levels happen where a quantity's values thin out.
MIN_GAP = 3

#: The fewest values the data hold in the levels just below a gap, as many as the gap is wide,
#: for the gap to stand the levels above it apart: spread evenly over the two, each value falls
#: in the gap with chance 1/2, so none of 10 does with chance 2⁻¹⁰.
APART_VALUES = 10

#: The levels below the highest held below the window of which a block counts each: every level
#: of a byte type; the values of a ``short`` field packed over its whole range in the highest 1/64th.
_SPAN = 1024


@dataclass(frozen=True)
class LevelForm:
    """How a variable's decoded values give the levels of its stored integer type.

    Attributes
    ----------
    top : int
        The type's highest value (255 for ``ubyte``; ``_Unsigned`` read).
    scale, offset : float
        The packing (CF-1.8 §8.1; 1 and 0 unpacked): level = (value − offset) / scale.
    conversions : tuple of (float, float)
        The affine unit conversions made to the decoded values, in order (each value × scale +
        offset), undone before the packing.
    levels : int
        How many levels the type has (256 for the bytes, whose every level a block counts at
        once: :func:`levels_in_block`); 0: not said.
    """

    top: int
    scale: float = 1.0
    offset: float = 0.0
    conversions: tuple[tuple[float, float], ...] = ()
    levels: int = 0

    def distances(self, values: np.ndarray) -> np.ndarray:
        """How many levels below :attr:`top` each decoded value is (0: the highest), as floats
        (NaN where a value is missing)."""
        levels = np.asarray(values, dtype=np.float64)
        for scale, offset in reversed(self.conversions):
            levels = (levels - offset) / scale
        if self.scale != 1.0 or self.offset != 0.0:
            levels = (levels - self.offset) / self.scale
        return self.top - np.rint(levels)

    def value_at(self, level: float) -> float:
        """The decoded value of a (fractional) level: level × scale + offset, then the conversions."""
        value = level * self.scale + self.offset
        for scale, offset in self.conversions:
            value = value * scale + offset
        return float(value)

    def row_distances(self, values: np.ndarray) -> np.ndarray:
        """:meth:`distances` of one step's values of a byte type as int64, :attr:`levels` where a
        value is missing: in float32 when the values are, nothing was converted and the packing's
        offset is under 2**16 scales (each value then within 0.02 of its level), else in float64."""
        single = values.dtype == np.float32 and not self.conversions and abs(self.offset / self.scale) < 1 << 16
        levels = values.astype(np.float32 if single else np.float64)  # a copy, changed in place
        kind = levels.dtype.type
        for scale, offset in reversed(self.conversions):
            levels -= kind(offset)
            levels /= kind(scale)
        if self.scale != 1.0 or self.offset != 0.0:
            levels -= kind(self.offset)
            levels /= kind(self.scale)
        np.rint(levels, out=levels)
        distances = self.top - levels
        outside = ~((distances >= 0) & (distances < self.levels))  # missing (NaN), or no level of the type
        distances[outside] = self.levels
        return distances.astype(np.int64)

    @property
    def rising(self) -> bool:
        """Whether the decoded values rise with the levels (a negative scale turns them over)."""
        return bool(np.prod([np.sign(self.scale), *(np.sign(scale) for scale, _ in self.conversions)]) > 0)

    def at_or_above(self, values: np.ndarray, level: float) -> np.ndarray:
        """Which ``values`` are of a level of at least ``level`` (a half level: between two levels),
        compared as decoded values (one comparison, no value converted); False where missing."""
        bound = self.value_at(level)
        return values >= bound if self.rising else values <= bound


def level_form(encoding: dict, stored: np.dtype) -> LevelForm | None:
    """The :class:`LevelForm` of a variable stored as ``stored`` (its read type: ``_Unsigned``
    applied) with ``encoding``; None for a type other than an integer of 32 bits or fewer (a
    float64 holds every level of those exactly), a zero scale, or values converted by the
    lengths of their time steps (no one level per value)."""
    if stored.kind not in "iu" or stored.itemsize > 4:
        return None
    scale, offset = float(encoding.get("scale_factor", 1.0)), float(encoding.get("add_offset", 0.0))
    conversions = tuple(encoding.get(CONVERSIONS_KEY, ()))
    if not scale or any(isinstance(conversion, np.ndarray) or not conversion[0] for conversion in conversions):
        return None
    return LevelForm(int(np.iinfo(stored).max), scale, offset,
                     tuple((float(scale_), float(offset_)) for scale_, offset_ in conversions),
                     1 << (8 * stored.itemsize))


def levels_in_block(block: np.ndarray, time_axis: int | None, *, form: LevelForm, steps: np.ndarray | None = None,
                    start: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The levels one block of a variable holds at the top of its type, in a few passes over its
    values that convert none: the values of the window, and those of the :data:`_SPAN` levels below
    the highest level held below it, are found by comparing the decoded values with the decoded
    values halfway between two levels, and only they are converted to levels.

    Parameters
    ----------
    block : numpy.ndarray
        Decoded values (NaN missing), any shape.
    time_axis : int or None
        Its time axis; None for a static field (one step).
    form : LevelForm
    steps : numpy.ndarray of bool, optional
        Shape (n_time,) of the whole variable: the steps counted (those of the files stored as
        ``form`` says); None: all.
    start : int
        The index of the block's first step in the variable.

    Returns
    -------
    window : numpy.ndarray
        Shape (TOP_WINDOW, n_steps) int64, n_steps the block's (1 for a static field): how many
        values are each of the :data:`TOP_WINDOW` highest levels at each step, row k the level
        ``top - k``; zeros at steps not counted.
    missing : numpy.ndarray
        Shape (n_steps,) int64: the missing values at each step counted.
    below, below_counts : numpy.ndarray
        Shape (n,) int64, n ≤ :data:`LEVELS_BELOW`: the highest levels held below the window, as
        distances from ``top`` in increasing order, and how many values hold each.
    """
    values = np.asarray(block)
    n_steps = 1 if time_axis is None else values.shape[time_axis]
    window, missing = np.zeros((TOP_WINDOW, n_steps), np.int64), np.zeros(n_steps, np.int64)
    nothing = np.zeros(0, np.int64)
    counted = np.arange(n_steps)
    if steps is not None and time_axis is not None:
        counted = np.flatnonzero(steps[start:start + n_steps])
        values = np.take(values, counted, axis=time_axis)
    if not values.size:
        return window, missing, nothing, nothing
    if 0 < form.levels <= 256:  # a byte type: every level of each step at once
        return _every_level(values, time_axis, form, counted, window, missing)
    axes = tuple(axis for axis in range(values.ndim) if axis != time_axis)
    gone = np.isnan(values) if values.dtype.kind == "f" else np.zeros(values.shape, bool)
    missing[counted] += gone.sum(axis=axes) if time_axis is not None else int(gone.sum())
    top = form.at_or_above(values, form.top - TOP_WINDOW + 0.5)
    if top.any():
        where = np.nonzero(top)
        distances = form.distances(values[where]).astype(np.int64)
        step = counted[where[time_axis]] if time_axis is not None else np.zeros(distances.size, np.int64)
        window += np.bincount(distances * n_steps + step, minlength=TOP_WINDOW * n_steps).reshape(TOP_WINDOW, n_steps)
    rest = ~top & ~gone
    if not rest.any():
        return window, missing, nothing, nothing
    lowest, most = ((-np.inf, np.inf) if values.dtype.kind == "f"
                    else (np.iinfo(values.dtype).min, np.iinfo(values.dtype).max))
    highest = (np.max(values, where=rest, initial=lowest) if form.rising
               else np.min(values, where=rest, initial=most))
    nearest = int(form.distances(np.array([highest]))[0])
    lower = form.distances(values[rest & form.at_or_above(values, form.top - nearest - _SPAN + 0.5)]).astype(np.int64)
    counts = np.bincount(lower - nearest)
    levels = np.flatnonzero(counts)[:LEVELS_BELOW]
    return window, missing, levels + nearest, counts[levels]


def _every_level(values: np.ndarray, time_axis: int | None, form: LevelForm, counted: np.ndarray,
                 window: np.ndarray, missing: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`levels_in_block` of a byte type: each step's values converted to levels and counted in
    one ``numpy.bincount`` of the type's 256 levels and the missing values."""
    rows = (np.moveaxis(values, time_axis, 0).reshape(values.shape[time_axis], -1) if time_axis is not None
            else values.reshape(1, -1))
    totals = np.zeros(form.levels, np.int64)
    for row, step in zip(rows, counted, strict=True):
        held = np.bincount(form.row_distances(row) if row.dtype.kind == "f" else form.top - row.astype(np.int64),
                           minlength=form.levels + 1)
        window[:, step] += held[:TOP_WINDOW]
        missing[step] += held[form.levels]
        totals += held[:form.levels]
    levels = np.flatnonzero(totals[TOP_WINDOW:])[:LEVELS_BELOW] + TOP_WINDOW
    return window, missing, levels, totals[levels]


def merged_below(parts: Sequence[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray, int]:
    """The :data:`LEVELS_BELOW` highest levels held below the window over several blocks, from each
    block's (:func:`levels_in_block`'s ``below`` and ``below_counts``), their counts summed, and the
    deepest level (a distance from the type's highest) down to which they are every level held:
    the :data:`_SPAN` levels below the highest (a block whose highest is lower counts every level
    of them below its own), or the last kept when :data:`LEVELS_BELOW` are."""
    levels = np.concatenate([np.asarray(part[0], np.int64) for part in parts]) if parts else np.zeros(0, np.int64)
    counts = np.concatenate([np.asarray(part[1], np.int64) for part in parts]) if parts else np.zeros(0, np.int64)
    if not levels.size:
        return levels, counts, -1
    unique, inverse = np.unique(levels, return_inverse=True)
    summed = np.bincount(inverse, weights=counts, minlength=unique.size).astype(np.int64)
    kept = unique < unique[0] + _SPAN
    unique, summed = unique[kept][:LEVELS_BELOW], summed[kept][:LEVELS_BELOW]
    reach = int(unique[-1]) if unique.size == LEVELS_BELOW else int(unique[0]) + _SPAN - 1
    return unique, summed, reach


def at_fixed_cells(by_step: np.ndarray, missing_by_step: np.ndarray) -> bool:
    """Whether a top level is held at the same cells every time step, as its counts by step say:
    held at every one of two or more steps (those of its files), and at each step by as many
    values as at the step that holds it most, less at most that step's missing values (a fill
    written over some of the class's cells at that step: break40c C1, MOD17's 32767 over its
    land-cover codes 32761-32766). A land-cover class, not a quantity that reaches the top of
    its type now and then (at a few cells of a few steps, in numbers that vary).

    Parameters
    ----------
    by_step : numpy.ndarray
        Shape (n_steps,): how many values are the level at each step.
    missing_by_step : numpy.ndarray
        Shape (n_steps,): how many values are missing (NaN) at each step.

    Returns
    -------
    bool
    """
    if by_step.size < 2 or not bool(np.all(by_step > 0)):
        return False
    return bool(np.all(by_step.max() - by_step <= missing_by_step))


@dataclass(frozen=True)
class TopCodes:
    """The codes at the top of a variable's type (:func:`top_codes`).

    Attributes
    ----------
    codes : tuple of int
        Their distances from the type's highest level (0: the highest), in increasing order.
    fixed : tuple of int
        Those held at the same cells every step (:func:`at_fixed_cells`).
    data_top : int or None
        The distance of the data's highest level below the codes (None: no gap found, the
        codes are the fixed classes and those above them).
    gap : int
        The empty levels between the data's highest level and the lowest code (0 without).
    below : int
        The values the data hold in as many levels just below the gap: all of them when
        ``below_exact``, else those of the :data:`LEVELS_BELOW` highest levels held (the band
        reaches lower).
    below_exact : bool
    """

    codes: tuple[int, ...]
    fixed: tuple[int, ...] = ()
    data_top: int | None = None
    gap: int = 0
    below: int = 0
    below_exact: bool = True


def _apart(held: np.ndarray, counts: np.ndarray, upper: int, lower: int,
           reach: int) -> tuple[int, int, bool] | None:
    """The gap between the held distance ``upper`` (the lowest code) and ``lower`` (the data's
    highest level), the values just below it and whether they are all counted, when it stands the
    levels above apart (see the module's description); None otherwise. ``held``, ``counts``: the
    held distances known, increasing, every one down to ``reach``."""
    gap = lower - upper - 1
    if gap < MIN_GAP:
        return None
    band = (held >= lower) & (held < lower + gap)
    values = int(counts[band].sum())
    levels = held[(held >= lower) & (held <= lower + 2 * gap)]  # twice as deep: a spacing of gap + 1 shows
    widest = int(np.diff(levels).max()) - 1 if levels.size > 1 else 0
    exact = lower + gap - 1 <= reach
    return (gap, values, exact) if values >= APART_VALUES and gap > 2 * widest else None


def deepest_level(block: np.ndarray, time_axis: int | None, *, form: LevelForm, steps: np.ndarray | None = None,
                  start: int = 0) -> int:
    """How far below the type's highest level the lowest level a block holds lies (its lowest
    decoded value, or highest under a negative scale), over the steps ``steps`` counts as
    :func:`levels_in_block` does; -1 when it holds no value."""
    values = np.asarray(block)
    if steps is not None and time_axis is not None:
        values = np.take(values, np.flatnonzero(steps[start:start + values.shape[time_axis]]), axis=time_axis)
    if not values.size:
        return -1
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a block of missing values only: NaN, said below
        lowest = np.nanmin(values) if form.rising else np.nanmax(values)  # one pass, no copy of the values
    return -1 if np.isnan(lowest) else int(form.distances(np.array([lowest]))[0])


def range_packed(deepest: int, form: LevelForm) -> bool:
    """Whether a packed variable of a signed integer type holds a value within :data:`TOP_CODES`
    levels of the type's lowest (``deepest``, :func:`deepest_level`): its packer spread the
    data's range over the whole type (ERA5's and CAMS's ``add_offset`` = the middle of the range,
    the minimum at -32766 and the maximum at 32766; NCO's ``ncpdq`` at ±32767), so the highest
    level held is the data's maximum, and a warm outlier there is no code however far it stands
    above the rest (break48d A7: a t2m 4 K above the next value named "as codes do"). Codes beside
    packed data (MOD17's GPP of 0-3 kgC m-2 packed by 1e-4 from 0, its codes 32761-32766) leave the
    type's negative half empty; an unsigned type's lowest level is also a quantity's 0 (MOD15's
    LAI in ``ubyte``), which tells nothing."""
    signed = form.levels == 2 * (form.top + 1)
    packed = form.scale != 1.0 or form.offset != 0.0 or bool(form.conversions)
    return signed and packed and deepest >= form.levels - 1 - TOP_CODES


def first_and_change(block: np.ndarray, time_axis: int | None) -> tuple[np.ndarray | None, bool]:
    """A block's first time step (None for a static field) and whether a later step differs
    from it (NaN equal to NaN): with :func:`unchanging`, whether a field is the same at every step.

    Parameters
    ----------
    block : numpy.ndarray
        Decoded values, any shape.
    time_axis : int or None
        Its time axis; None for a static field.
    """
    if time_axis is None:
        return None, False
    values = np.moveaxis(np.asarray(block), time_axis, 0)
    if not values.shape[0]:
        return None, False
    first = values[0]
    same = values == first
    if values.dtype.kind == "f":
        same |= np.isnan(values) & np.isnan(first)
    return first, not bool(same.all())


def unchanging(parts: Sequence[tuple[np.ndarray | None, bool]]) -> bool:
    """Whether a field of two or more steps is the same at every step, from each of its blocks'
    :func:`first_and_change`: no block changes and every block's first step is the first's (a land-sea
    mask or an orography written at every step, as ERA5's ``lsm``)."""
    firsts = [first for first, _ in parts if first is not None]
    if not firsts or any(change for _, change in parts):
        return False
    return all(np.array_equal(first, firsts[0], equal_nan=firsts[0].dtype.kind == "f") for first in firsts[1:])


def zero_and_one(held: np.ndarray, reach: int | None, form: LevelForm, *, whole: float | None = 1.0) -> bool:
    """Whether a variable holds two levels of its type only, decoded as 0 and 1, or as 0 and the
    whole in its units (``whole``: 100 for a mask in ``%``), within half a level, every level of
    the type counted: a 0/1 field (a land-sea mask, a wet-day indicator)
    packed in shorts, whose 1 a packer puts at the top of the type (ERA5's ``lsm``: 0 at -32766,
    1 at 32766) and whose 0 at the bottom. Its 1 is data, not a code standing apart from data or
    a class at fixed cells: two values, nothing tells one of them a code (fix44c: both were
    flagged, and the advised ``ncatted`` made every land cell or wet day missing; fix45c: so was
    a mask converted to percent, 0 and 100 ``%``).

    Parameters
    ----------
    held : numpy.ndarray
        The levels held (distances from the type's highest), of the window and below it.
    reach : int or None
        :func:`merged_below`'s: every level held is known down to it (None: all).
    form : LevelForm
    whole : float or None
        The value of a whole in the variable's units (:func:`climann.data.units.full_scale`: 100
        for ``%``); None or 1 when they have a dimension or are a fraction: 1 only.
    """
    if held.size != 2 or (reach is not None and reach < form.levels - 1):
        return False
    decoded = sorted(form.value_at(form.top - float(level)) for level in held)
    within = abs(form.scale) / 2 * float(np.prod([abs(scale) for scale, _ in form.conversions]))
    return abs(decoded[0]) <= within and any(abs(decoded[1] - one) <= within for one in {1.0, whole or 1.0})


def top_codes(window: np.ndarray, missing: np.ndarray, below: np.ndarray, below_counts: np.ndarray,
              reach: int | None = None, *, form: LevelForm | None = None, same_every_step: bool = False,
              whole: float | None = 1.0, deepest: int = -1) -> TopCodes | None:
    """The codes at the top of a variable's type, from the levels it holds (see the module's
    description).

    Parameters
    ----------
    window : numpy.ndarray
        Shape (TOP_WINDOW, n_steps): how many values are each of the highest levels at each step
        counted (row k the level k below the type's highest), :func:`levels_in_block`'s summed.
    missing : numpy.ndarray
        Shape (n_steps,): the missing values at each of those steps.
    below, below_counts, reach : numpy.ndarray, numpy.ndarray, int
        :func:`merged_below`'s; ``reach`` None: every level held below is in ``below``.
    form : LevelForm, optional
        How the levels decode: a 0/1 field (:func:`zero_and_one`) holds no codes.
    whole : float or None
        The value of a whole in the variable's units (100 for ``%``), for :func:`zero_and_one`.
    same_every_step : bool
        Whether the field is the same at every step (:func:`unchanging`): each of its levels is
        then held at the same cells every step, which tells no class from data (ERA5's fractional
        ``lsm``, its 1 at 32766 at every land cell of every step, was named "class codes": fix44c);
        only a gap stands codes apart.
    deepest : int
        :func:`deepest_level` of the variable (-1: not known): a variable packed over its type's
        whole range (:func:`range_packed`) holds no codes, its highest level its maximum.

    Returns
    -------
    TopCodes or None
        None when no level of the window is a code.

    Examples
    --------
    >>> import numpy as np
    >>> window = np.zeros((TOP_WINDOW, 1), np.int64)
    >>> window[[0, 8], 0] = 30, 5  # 255 and 247 of ubyte
    >>> top_codes(window, np.zeros(1), np.arange(15, 40), np.full(25, 20)).codes  # data up to 240
    (0, 8)
    """
    totals = window.sum(axis=1)
    in_window = np.flatnonzero(totals)
    held = np.concatenate([in_window, below]).astype(np.int64)
    counts = np.concatenate([totals[in_window], below_counts]).astype(np.int64)
    if form is not None and (zero_and_one(held, reach, form, whole=whole) or range_packed(deepest, form)):
        return None
    lowest, apart = -1, None
    for place in range(len(in_window) - 1, -1, -1):  # the lowest split that holds, all codes above it
        if place + 1 < len(held) and (found := _apart(held, counts, int(held[place]), int(held[place + 1]),
                                                      np.iinfo(np.int64).max if reach is None else reach)):
            lowest, apart = int(held[place]), (int(held[place + 1]), *found)
            break
    fixed = tuple(int(level) for level in in_window[in_window < TOP_CODES]
                  if window.shape[1] > 1 and not same_every_step and at_fixed_cells(window[level], missing))
    lowest = max(lowest, max(fixed, default=-1))
    if lowest < 0:
        return None
    codes = tuple(int(level) for level in in_window if level <= lowest)
    # a class held at fixed cells below the gap found: the data reach up to it, no gap stands them apart
    return TopCodes(codes, fixed, *(apart if apart is not None and apart[0] > lowest else (None, 0, 0, True)))
