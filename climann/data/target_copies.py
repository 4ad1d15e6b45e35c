"""A predictor that holds the target: the target plus a field constant in time, found by the values.

CMEMS DUACS altimetry holds ``sla`` (sea level anomaly) beside ``adt`` (absolute dynamic
topography), and adt = sla + mdt, a mean dynamic topography constant in time: as a predictor of
``sla``, ``adt`` hands the network ``sla`` itself, and with the cell's position as a feature it
rebuilds it (break32a A1: test skill 0.99, 0.09 without ``adt``). Names do not tell: the
standard names and long names differ, and GLORYS's ``zos`` beside ``sla`` is another such pair,
so the values are compared, on the training block only (the validation and test steps are not
looked at), in one pass over the target and the predictors, block by block as dask reads them:
at each cell, float64 sums over the training steps where both are present of y, y², p, p², p·y,
d = p − y and d² give

- the standard deviation over time of the difference, σ(p − y), and of the target, σ(y): the
  predictor is **the target plus a field constant in time** when σ(p − y) ≤
  :data:`OFFSET_TOLERANCE` × σ(y) + the packing's resolution (the sum of both variables'
  ``scale_factor`` when they are stored as integers: each value is rounded to within half of it,
  so their difference varies by up to that; DUACS packs to 1e-4 m) at nearly every cell
  (:data:`CELL_SHARE`);
- the correlation over time r(p, y): the predictor is **an exact linear function of the target**
  (a·y + b, a and b per cell) when |r| ≥ :data:`CORRELATION_THRESHOLD` at nearly every cell.
  The first implies the second (σ(p − y) ≤ 10⁻³ σ(y) gives |r| ≥ 1 − 5·10⁻⁷).

- the residual of p − y regressed on a seasonal cycle (a constant and the annual and semi-annual
  harmonics of the time of year, least squares per cell, from float64 sums of their products):
  the predictor is **the target less a seasonal cycle** (a series "with the seasonal signal
  removed" beside the one that keeps it: GSFC's GMSL ``gmsl_nos`` beside ``gmsl``, break42b A3,
  test RMSE 0.0107 mm with the ``season`` feature against 18.75 mm for climatology) when the
  residual's σ ≤ :data:`SEASONAL_TOLERANCE` × σ(y) + the packing's resolution at nearly every cell
  with at least :data:`MIN_SEASONAL_STEPS` steps. Only a predictor that holds the target's own
  departures from its seasonal cycle to 1 % is caught, whatever its name: an anomaly of another
  quantity is not.

- the residual of p − y less its mean in each calendar month of the training steps (each day of the
  year for daily and finer steps: :func:`calendar_groups`), from float64 per-cell counts and sums of
  p − y in each: the predictor is **the target less its climatology** (its anomaly from each
  calendar month's or day's mean over the training years, as ``groupby("time.month")`` and
  ``groupby("time.dayofyear")`` compute it) when that residual's σ ≤ :data:`SEASONAL_TOLERANCE` ×
  σ(y) + the packing's resolution at nearly every cell with at least :data:`MIN_SEASONAL_STEPS` steps
  beyond one per group. A climatology of a few years' means is no smooth cycle: its noise left the
  harmonics 2 % (monthly) to 7 % (daily) of σ(y), beyond their 1 %, and such an anomaly trained with
  exit 0 (fix43b: test MSE 0.55 K² against the climatology's 2.62, the network rebuilding the target
  from it). Day-of-year groups need 2 × 366 sums per cell and block along time: beyond
  :data:`GROUP_SUMS_BYTES` of them (more than about 45 000 cells × blocks), calendar months are the groups.

Only cells with at least :data:`MIN_STEPS` such training steps, where both vary, are counted: two
values always correlate exactly. A predictor that is the target plus a constant field, or less a seasonal
cycle, is left out of the default predictors (:mod:`climann.data.defaults`, with a warning) and, named in
``[data] predictors``, refused unless ``[data] keep_target_copies`` names it (a study of the
leak itself). One that is only an exact linear function of the target is kept: a
predictor built from the target by a per-cell scale (another unit, the other sign) is the same
leak, but so is a toy predictor from which a test target is made, and the user knows which: it is
said in an INFO line.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import dask
import numpy as np
import xarray as xr
from dask.base import is_dask_collection

from climann.data.fill_like import BlockReads, blocks_by_place, folded_by_place, read_together
from climann.data.notes import note_once
from climann.data.units import DIMENSIONLESS_TEXT, parse_units, shown_units, unit_registry
from climann.errors import ClimannError

if TYPE_CHECKING:
    import dask.array as da

__all__ = ["CELL_SHARE", "CLIMATOLOGY_STEP_DAYS", "CORRELATION_THRESHOLD", "DECIDABLE_RESOLUTION", "GROUP_SUMS_BYTES",
           "MIN_SEASONAL_STEPS", "MIN_STEPS", "OFFSET_TOLERANCE", "SEASONAL_TOLERANCE", "TargetCopy", "calendar_groups",
           "seasonal_phase", "units_conversion",
           "check_named_target_copies", "copy_note", "copy_text", "planned_target_copies", "target_copies"]

_log = logging.getLogger(__name__)

#: σ over time of predictor − target at most this fraction of the target's σ over time: the
#: predictor is the target plus a field constant in time (packing to 1e-4 m of a 5 cm sla: 1e-3).
OFFSET_TOLERANCE = 1e-3
#: |correlation over time| at least this: the predictor is an exact linear function of the target.
CORRELATION_THRESHOLD = 0.9999
#: "Nearly every cell": at least this share of the cells counted.
CELL_SHARE = 0.99
#: A cell counts with at least this many training steps where both are present.
MIN_STEPS = 5
#: A cell counts only where the packing's resolution allowed in σ(p − y) is at most this fraction
#: of the target's σ over time: beyond it, any predictor within the rounding would pass (DUACS:
#: 2e-4 m beside a sla of 5 cm, 0.004; an unpacked integer, step 1, beside a temperature varying by
#: 0.3 K, 3: undecidable).
DECIDABLE_RESOLUTION = 0.1
#: σ over time of the residual of predictor − target regressed on a seasonal cycle at most this
#: fraction of the target's σ over time: the predictor is the target less a seasonal cycle (GSFC's
#: gmsl_nos: 0.0128 mm beside 9.7 mm, 1.3e-3, float32 values and the product's own harmonics).
SEASONAL_TOLERANCE = 1e-2
#: A cell's seasonal regression (5 coefficients) counts with at least this many steps.
MIN_SEASONAL_STEPS = 15
#: The sums per cell, in the order of :func:`_cell_sums`.
_SUMS = ("n", "y", "yy", "p", "pp", "py", "d", "dd")
#: The seasonal basis: a constant, cos and sin of 2π and 4π times the fraction of the year.
_N_BASIS = 5
#: The pairs (i ≤ j) of the basis whose products Σ bᵢbⱼ are summed (the Gram matrix is symmetric).
_PAIRS = tuple((i, j) for i in range(_N_BASIS) for j in range(i, _N_BASIS))
#: The sums per cell with a seasonal phase: :data:`_SUMS`, then Σ bᵢbⱼ (15) and Σ bᵢd (5).
_N_SEASONAL_SUMS = len(_SUMS) + len(_PAIRS) + _N_BASIS
#: Steps at least this many days long (monthly, seasonal) are grouped by calendar month; shorter ones
#: (daily, sub-daily) by day of the year.
CLIMATOLOGY_STEP_DAYS = 20
#: The most memory the per-cell counts and sums of the day-of-year groups may take (2 × 366 float64 per
#: cell): beyond it, calendar months are the groups.
GROUP_SUMS_BYTES = 2**28


@dataclass(frozen=True)
class TargetCopy:
    """How a predictor holds the target, over the cells counted.

    Attributes
    ----------
    predictor, target : str
    cells : int
        Cells with at least :data:`MIN_STEPS` training steps where both are present and vary, and
        where the packing's resolution is small beside the target's spread (:data:`DECIDABLE_RESOLUTION`).
    offset_share : float
        Share of them where σ(predictor − target) ≤ :data:`OFFSET_TOLERANCE` σ(target).
    correlated_share : float
        Share of them where |r(predictor, target)| ≥ :data:`CORRELATION_THRESHOLD`.
    offset_spread : float
        The largest σ over time of predictor − target, in the target's units.
    lowest_correlation : float
        The lowest |r| among the correlated cells.
    units : str
        The target's units.
    seasonal_share : float
        Share of the cells with at least :data:`MIN_SEASONAL_STEPS` steps where the residual of
        predictor − target regressed on a seasonal cycle has σ ≤ :data:`SEASONAL_TOLERANCE` σ(target).
    seasonal_spread : float
        The largest σ of that residual, in the target's units (NaN when not checked).
    climatology_share : float
        Share of the cells with at least :data:`MIN_SEASONAL_STEPS` steps beyond one per group where
        predictor − target less its mean in each group (:func:`calendar_groups`) has σ ≤
        :data:`SEASONAL_TOLERANCE` σ(target).
    climatology_spread : float
        The largest σ of that residual, in the target's units (NaN when not checked).
    groups : str
        What the groups are: ``"calendar month"`` or ``"day of the year"`` ("" when not checked).
    """

    predictor: str
    target: str
    cells: int
    offset_share: float
    correlated_share: float
    offset_spread: float
    lowest_correlation: float
    units: str = ""
    seasonal_share: float = 0.0
    seasonal_spread: float = float("nan")
    climatology_share: float = 0.0
    climatology_spread: float = float("nan")
    groups: str = ""

    @property
    def plus_constant(self) -> bool:
        """The target plus a field constant in time at nearly every cell."""
        return self.offset_share >= CELL_SHARE

    @property
    def less_seasonal(self) -> bool:
        """The target less a seasonal cycle (not only plus a constant) at nearly every cell."""
        return not self.plus_constant and self.seasonal_share >= CELL_SHARE

    @property
    def less_climatology(self) -> bool:
        """The target less its climatology per calendar month or day of the year (neither of the above)."""
        return not self.plus_constant and not self.less_seasonal and self.climatology_share >= CELL_SHARE

    @property
    def held(self) -> bool:
        """The target plus a constant field, less a seasonal cycle or less its climatology: left out, or
        refused when named."""
        return self.plus_constant or self.less_seasonal or self.less_climatology

    @property
    def linear(self) -> bool:
        """An exact linear function of the target at nearly every cell."""
        return self.correlated_share >= CELL_SHARE


def _block_sums(target: np.ndarray, predictor: np.ndarray, phase: np.ndarray | None = None,
                groups: np.ndarray | None = None, *, axis: int, n_groups: int = 0,
                conversion: tuple[float, float] = (1.0, 0.0)) -> np.ndarray:
    """The sums over ``axis`` (time) of :data:`_SUMS` on the steps where both are present, of one
    block of each: shape (8, *block shape with 1 on ``axis``), float64 (a step where either is
    missing adds 0 to every sum, as a NaN-skipping sum does); with ``phase`` (the fraction of the
    year of each value, broadcastable to the block) the sums of the seasonal regression after them,
    (:data:`_N_SEASONAL_SUMS`, …); with ``groups`` too (each value's calendar group, 0 …
    ``n_groups`` − 1, shaped as ``phase``) the count of such steps and the sum of d = p − y in each
    group after those (:data:`_N_SEASONAL_SUMS` + 2 ``n_groups``, …). ``conversion`` (a, b): the
    predictor in the target's units is a·p + b (:func:`units_conversion`)."""
    y, p = np.asarray(target, dtype=np.float64), np.asarray(predictor, dtype=np.float64)
    if conversion != (1.0, 0.0):
        p = conversion[0] * p + conversion[1]
    both = np.isfinite(y) & np.isfinite(p)  # ±inf are missing too (break34b C1)
    y, p = np.where(both, y, 0.0), np.where(both, p, 0.0)
    d = p - y
    sums = np.stack([np.sum(part, axis=axis, keepdims=True, dtype=np.float64)
                     for part in (both, y, y * y, p, p * p, p * y, d, d * d)])
    if phase is None:
        return sums
    # the basis is a function of time only: Σₜ both·bᵢbⱼ and Σₜ bᵢ·d are products of matrices
    n_steps = y.shape[axis]
    phase = np.asarray(phase, dtype=np.float64)  # on the block's time axis, of length 1 on the others
    angle = 2 * np.pi * np.broadcast_to(phase[tuple(slice(None) if dim == axis else 0 for dim in range(phase.ndim))],
                                        (n_steps,))
    basis = np.column_stack([np.ones(n_steps), np.cos(angle), np.sin(angle), np.cos(2 * angle), np.sin(2 * angle)])
    pairs = np.column_stack([basis[:, i] * basis[:, j] for i, j in _PAIRS])
    cells = np.moveaxis(sums[0], axis, 0).shape  # (1, *cells)
    differences = np.moveaxis(d, axis, 0).reshape(n_steps, -1)
    if both.all():  # every cell has every step: one Gram matrix for all
        gram = np.broadcast_to(pairs.sum(axis=0)[:, None], (len(_PAIRS), differences.shape[1]))
    else:
        gram = pairs.T @ np.moveaxis(both, axis, 0).reshape(n_steps, -1).astype(np.float64)
    seasonal = np.concatenate([gram, basis.T @ differences])  # (20, n_cells)
    if groups is not None:  # one-hot steps by group: counts and sums of d per group, (2 n_groups, n_cells)
        index = np.asarray(groups)[tuple(slice(None) if dim == axis else 0 for dim in range(np.ndim(groups)))]
        members = np.zeros((n_steps, n_groups))  # a product of matrices: 13× as fast as sorting for 12 groups
        members[np.arange(n_steps), np.broadcast_to(index, (n_steps,)).astype(np.intp)] = 1.0
        present = np.moveaxis(both, axis, 0).reshape(n_steps, -1).astype(np.float64)
        seasonal = np.concatenate([seasonal, members.T @ present, members.T @ differences])
    seasonal = np.moveaxis(seasonal.reshape(len(seasonal), *cells), 1, 1 + axis)
    return np.concatenate([sums, seasonal])


def units_conversion(units: object, to: object) -> tuple[float, float] | None:
    """How a predictor's values in ``units`` read in the target's units ``to``: (a, b) with the
    value in ``to`` = a·value + b (pint, cf_xarray's UDUNITS registry: ``degC`` → ``K`` is (1,
    273.15), ``m`` → ``mm`` (1000, 0)); (1, 0) when either is missing or unreadable (nothing tells
    them apart); None when they measure quantities of other dimensions (``mm/day`` and ``s``), whose
    difference means nothing.

    Parameters
    ----------
    units, to : object
        The ``units`` attributes (str, or None when absent).

    Returns
    -------
    tuple of (float, float) or None
    """
    if not isinstance(units, str) or not isinstance(to, str) or not units.strip() or not to.strip():
        return 1.0, 0.0
    if units.strip() == to.strip():
        return 1.0, 0.0
    import pint

    try:
        source, destination = parse_units(units, variable="predictor"), parse_units(to, variable="target")
    except ClimannError:
        return 1.0, 0.0
    if not source.is_compatible_with(destination):
        return None
    registry = unit_registry()
    try:
        zero, one = (registry.Quantity(value * float(source.magnitude), source.units).to(destination.units).magnitude
                     / float(destination.magnitude) for value in (0.0, 1.0))
    except pint.PintError:
        return 1.0, 0.0
    return float(one - zero), float(zero)


def seasonal_phase(times: xr.DataArray) -> np.ndarray | None:
    """The fraction of the year of each time, (day of year − 1 + hour/24)/days in the year, in its
    calendar; None when the times are not dates.

    Parameters
    ----------
    times : xarray.DataArray
        A time coordinate (datetime64 or cftime dates).

    Returns
    -------
    numpy.ndarray or None
        Shape (n_time,), in [0, 1).
    """
    try:
        dt = times.dt
        return np.asarray((dt.dayofyear - 1 + dt.hour / 24 + dt.minute / 1440) / dt.days_in_year, dtype=np.float64)
    except (AttributeError, TypeError):
        return None


def calendar_groups(times: xr.DataArray, *, cells: int) -> tuple[np.ndarray, int, str] | None:
    """Each time's group for a climatology: its calendar month for steps of at least
    :data:`CLIMATOLOGY_STEP_DAYS` days (monthly, seasonal), its day of the year for shorter steps
    (daily: 366 groups, 29 February its own in a leap year, as ``groupby("time.dayofyear")``), or its
    calendar month when the day-of-year sums of ``cells`` cells would exceed :data:`GROUP_SUMS_BYTES`.

    Parameters
    ----------
    times : xarray.DataArray
        A time coordinate (datetime64 or cftime dates), shape (n_time,).
    cells : int
        The number of cells whose sums are kept at once (times the blocks along time, each of which
        gives its own until they are added).

    Returns
    -------
    tuple of (numpy.ndarray, int, str) or None
        The group of each time, 0-based, shape (n_time,); the number of groups; their name
        (``"calendar month"``, ``"day of the year"``). None when the times are not dates.
    """
    try:
        dt = times.dt
        months, days, years = (np.asarray(part, dtype=np.int64) for part in (dt.month, dt.dayofyear, dt.year))
        phase = np.asarray((dt.dayofyear - 1) / dt.days_in_year, dtype=np.float64)
    except (AttributeError, TypeError):
        return None
    steps = np.diff(years + phase) * 365.25  # in days, near enough to tell a month from a day
    step = float(np.median(steps[steps > 0])) if (steps > 0).any() else float("inf")
    if step < CLIMATOLOGY_STEP_DAYS and 2 * 366 * 8 * cells <= GROUP_SUMS_BYTES:
        return days - 1, 366, "day of the year"
    return months - 1, 12, "calendar month"


def _cell_sums(target: xr.DataArray, predictor: xr.DataArray, time_dim: str,
               phase: np.ndarray | None = None, groups: tuple[np.ndarray, int] | None = None,
               conversion: tuple[float, float] = (1.0, 0.0)) -> np.ndarray | da.Array:
    """The sums over time, per cell, of :data:`_SUMS` on the steps where both are present: shape
    (8, *cells), lazy when either is a dask array.

    One kernel (:func:`_block_sums`) per block and one dask sum of its partial sums: the same
    additions as eight NaN-skipping sums of the masked products (the same partial sums per
    block, combined in the same tree), in a graph of one task per block rather than of fifteen
    array operations (building those graphs was most of this check's time on small files).
    """
    target, predictor = xr.align(target, predictor, join="inner", copy=False)
    predictor = predictor.broadcast_like(target).transpose(*target.dims)
    axis = target.get_axis_num(time_dim)
    shape = tuple(-1 if dim == axis else 1 for dim in range(target.ndim))
    phases = None if phase is None else np.reshape(phase, shape)
    members, n_groups = (None, 0) if groups is None or phase is None else (np.reshape(groups[0], shape), groups[1])
    if not (is_dask_collection(target.data) or is_dask_collection(predictor.data)):
        return np.squeeze(_block_sums(target.data, predictor.data, phases, members, axis=axis, n_groups=n_groups,
                                      conversion=conversion),
                          axis=1 + axis)
    import dask.array as da  # imported here: ~0.2 s that a process opening no file need not pay

    index = tuple(range(target.ndim))
    _, (y, p) = da.core.unify_chunks(da.asarray(target.data), index, da.asarray(predictor.data), index)
    n_sums = len(_SUMS) if phase is None else _N_SEASONAL_SUMS + 2 * n_groups
    chunks = ((n_sums,), *(((1,) * len(sizes)) if dim == axis else sizes for dim, sizes in enumerate(y.chunks)))
    if phases is None:
        partial = da.map_blocks(_block_sums, y, p, axis=axis, new_axis=0, chunks=chunks, dtype=np.float64,
                                conversion=conversion)
    else:
        # chunked on time as the target, one block wide elsewhere: map_blocks broadcasts it to each block
        along = tuple(y.chunks[axis] if dim == axis else (1,) for dim in range(y.ndim))
        extra = [] if members is None else [da.from_array(members, chunks=along)]
        partial = da.map_blocks(_block_sums, y, p, da.from_array(phases, chunks=along), *extra, axis=axis,
                                n_groups=n_groups, new_axis=0, chunks=chunks, dtype=np.float64, conversion=conversion)
    return partial.sum(axis=1 + axis)


def _block_sums_on_steps(target: np.ndarray, predictor: np.ndarray, steps: np.ndarray, *, axis: int,
                         phase: np.ndarray | None = None, groups: np.ndarray | None = None,
                         n_groups: int = 0, conversion: tuple[float, float] = (1.0, 0.0)) -> np.ndarray:
    """:func:`_block_sums` of the ``steps`` (a boolean mask of the block's time steps) of one block of each;
    ``phase`` and ``groups`` those of the block's steps (1-D), or None."""
    index = tuple(np.flatnonzero(steps) if dim == axis else slice(None) for dim in range(np.ndim(target)))
    shape = tuple(-1 if dim == axis else 1 for dim in range(np.ndim(target)))
    phases = None if phase is None else np.reshape(np.asarray(phase)[steps], shape)
    members = None if groups is None or phase is None else np.reshape(np.asarray(groups)[steps], shape)
    return _block_sums(np.asarray(target)[index], np.asarray(predictor)[index], phases, members, axis=axis,
                       n_groups=n_groups, conversion=conversion)


def _planned_block_sums(target: xr.DataArray, predictor: xr.DataArray, time_dim: str, steps: np.ndarray | None, *,
                        shared: tuple[bool, bool], phase: np.ndarray | None = None,
                        groups: tuple[np.ndarray, int] | None = None, conversion: tuple[float, float] = (1.0, 0.0),
                        ) -> tuple[list, Callable[[Sequence], np.ndarray]] | None:
    """The sums of :func:`_cell_sums` on the training ``steps``, made from the blocks the other checks
    of the values read (:func:`~climann.data.fill_like.blocks_by_place`: the same keys, so that,
    computed with them, dask reads each block once for all; ``shared`` by variable, as theirs),
    each block's added to its place's total as it is made, one task per place
    (:func:`~climann.data.fill_like.folded_by_place`: one total held per place, not one result per
    block): the tasks, and what adds their results into the sums, shape (8, *cells). None when the
    two are not dask arrays on the same dimensions in the same blocks (then :func:`_cell_sums`)."""
    y, p = target.data, predictor.data
    if target.dims != predictor.dims or not (is_dask_collection(y) and is_dask_collection(p)) or y.chunks != p.chunks:
        return None
    axis = target.get_axis_num(time_dim)
    steps = np.ones(target.sizes[time_dim], dtype=bool) if steps is None else np.asarray(steps, dtype=bool)
    tasks, places = [], []
    for (y_block, start), (p_block, _), index in zip(blocks_by_place(y, shared=shared[0]),
                                                      blocks_by_place(p, shared=shared[1]), np.ndindex(*y.numblocks)):
        ends = [first + y.chunks[dim][index[dim]] for dim, first in enumerate(start)]
        on_steps = steps[start[axis]:ends[axis]]
        if on_steps.any():  # a block of validation or test steps is not looked at
            along = slice(start[axis], ends[axis])
            tasks.append((_block_sums_on_steps, (y_block, p_block, on_steps), dict(
                axis=axis, phase=None if phase is None else phase[along],
                groups=None if groups is None else groups[0][along], n_groups=0 if groups is None else groups[1],
                conversion=conversion)))
            places.append(tuple(slice(start[dim], ends[dim]) for dim in range(y.ndim) if dim != axis))
    cells = tuple(size for dim, size in enumerate(y.shape) if dim != axis)
    # a place's blocks added to its total as each is read, in this order (the same sums): held all at
    # once, the sums of 60 daily OISST files were 60 × 431 MB (break51a)
    tasks, places = folded_by_place(tasks, places, np.add)

    def added(parts: Sequence) -> np.ndarray:
        n_sums = len(_SUMS) if phase is None else _N_SEASONAL_SUMS + 2 * (0 if groups is None else groups[1])
        sums = np.zeros((n_sums, *cells), dtype=np.float64)
        for place, part in zip(places, parts, strict=True):
            sums[(slice(None), *place)] += np.squeeze(part, axis=1 + axis)
        return sums

    return tasks, added


def packing_resolution(variable: xr.DataArray) -> float:
    """The ``scale_factor`` of a variable stored as integers (CF 8.1 packing), the step between
    the values it can hold; 0 when it is not packed."""
    stored = np.dtype(variable.encoding.get("dtype", variable.dtype))
    return abs(float(variable.encoding.get("scale_factor", 1.0))) if stored.kind in "iu" else 0.0


def _relation(sums: Sequence[np.ndarray], predictor: str, target: str, units: str, resolution: float,
              groups: str = "", *, comparable: bool = True) -> TargetCopy:
    """The :class:`TargetCopy` of the per-cell sums (:func:`_cell_sums`): variances and covariance
    from the float64 sums, σ² = Σx²/n − (Σx/n)²; ``resolution``: that of the packing of both
    (:func:`packing_resolution`), allowed in σ(p − y). Not ``comparable`` (units of other dimensions,
    :func:`units_conversion`): p − y means nothing, only the correlation is kept.

    What p − y leaves once a seasonal cycle or a climatology is taken out is compared with the smaller of
    σ(y) and σ(p): against σ(y) alone, any predictor small beside a target that is itself a seasonal
    cycle passed (Daymet's daylength ``dayl`` in s, σ 5000 s, less a temperature of σ 4: 4 s left,
    within 0.01 of σ(dayl), break50c A1), though what is left is the predictor's own variation."""
    n, sy, syy, sp, spp, spy, sd, sdd = (np.asarray(part, dtype=np.float64).ravel() for part in sums[:len(_SUMS)])
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_y, mean_p = sy / n, sp / n
        var_y, var_p = syy / n - mean_y**2, spp / n - mean_p**2
        var_d = np.maximum(sdd / n - (sd / n) ** 2, 0.0)
        # a variance within the rounding of its sums is none (a constant cell)
        varies = (var_y > 1e-12 * mean_y**2) & (var_p > 1e-12 * mean_p**2) & (var_y > 0) & (var_p > 0)
        # where the rounding allowed is not small beside the target's spread, σ(p − y) lies within it
        # whatever p is: a 0/1 int (step 1) beside a 0.3 K lst was "lst plus a constant" (fix39j)
        decidable = resolution <= DECIDABLE_RESOLUTION * np.sqrt(var_y)
        counted = (n >= MIN_STEPS) & varies & decidable
        correlation = np.abs((spy / n - mean_y * mean_p) / np.sqrt(var_y * var_p))
        spread = np.sqrt(var_d)
    cells = int(counted.sum())
    if not cells:
        return TargetCopy(predictor, target, 0, 0.0, 0.0, float("nan"), float("nan"), units)
    offset = spread[counted] <= OFFSET_TOLERANCE * np.sqrt(var_y[counted]) + resolution
    correlated = correlation[counted] >= CORRELATION_THRESHOLD
    if not comparable:
        offset = np.zeros(cells, dtype=bool)
    smaller = np.minimum(var_y, var_p)  # the smaller variance: what p − y leaves is tested against it
    seasonal_share, seasonal_spread = _seasonal_fit(sums, counted & (n >= MIN_SEASONAL_STEPS), smaller, resolution)
    climatology_share, climatology_spread = _climatology_fit(sums, counted, smaller, resolution)
    if not comparable:
        seasonal_share, climatology_share = 0.0, 0.0
    return TargetCopy(predictor, target, cells, float(offset.mean()), float(correlated.mean()),
                      float(spread[counted].max()),
                      float(correlation[counted][correlated].min()) if correlated.any() else float("nan"), units,
                      seasonal_share, seasonal_spread, climatology_share, climatology_spread,
                      groups if len(sums) > _N_SEASONAL_SUMS else "")


def _seasonal_fit(sums: Sequence[np.ndarray], counted: np.ndarray, var_y: np.ndarray,
                  resolution: float) -> tuple[float, float]:
    """The share of the ``counted`` cells where predictor − target less its least-squares seasonal
    cycle (normal equations from the sums of :func:`_block_sums`: coefficients G⁻¹r, residual sum of
    squares Σd² − r·G⁻¹r) has σ ≤ :data:`SEASONAL_TOLERANCE` σ(target) + ``resolution``, and the
    largest such σ; (0, NaN) without the seasonal sums or such cells."""
    if len(sums) < _N_SEASONAL_SUMS or not counted.any():
        return 0.0, float("nan")
    flat = np.asarray(sums[:_N_SEASONAL_SUMS], dtype=np.float64).reshape(_N_SEASONAL_SUMS, -1)[:, counted]
    gram = np.empty((flat.shape[1], _N_BASIS, _N_BASIS))
    for row, (i, j) in enumerate(_PAIRS):
        gram[:, i, j] = gram[:, j, i] = flat[len(_SUMS) + row]
    right = flat[len(_SUMS) + len(_PAIRS):].T
    try:
        coefficients = np.linalg.solve(gram, right[..., None])[..., 0]
    except np.linalg.LinAlgError:  # a cell whose steps do not fix the 5 coefficients (few phases): least squares
        coefficients = np.einsum("cij,cj->ci", np.linalg.pinv(gram), right)
    n, squares = flat[0], flat[len(_SUMS) - 1]
    residual = np.sqrt(np.maximum(squares - np.einsum("ci,ci->c", coefficients, right), 0.0) / n)
    close = residual <= SEASONAL_TOLERANCE * np.sqrt(var_y[counted]) + resolution
    return float(close.mean()), float(residual.max())


def _climatology_fit(sums: Sequence[np.ndarray], counted: np.ndarray, var_y: np.ndarray,
                     resolution: float) -> tuple[float, float]:
    """The share of the ``counted`` cells with at least :data:`MIN_SEASONAL_STEPS` steps beyond one per
    group present where predictor − target less its mean in each calendar group (the per-group counts
    nᵍ and sums Sᵍ of :func:`_block_sums`: residual sum of squares Σd² − Σᵍ (Sᵍ)²/nᵍ) has σ ≤
    :data:`SEASONAL_TOLERANCE` σ(target) + ``resolution``, and the largest such σ; (0, NaN) without
    the group sums or such cells."""
    if len(sums) <= _N_SEASONAL_SUMS:
        return 0.0, float("nan")
    flat = np.asarray(sums, dtype=np.float64).reshape(len(sums), -1)
    n_groups = (len(flat) - _N_SEASONAL_SUMS) // 2
    counts, totals = flat[_N_SEASONAL_SUMS:_N_SEASONAL_SUMS + n_groups], flat[_N_SEASONAL_SUMS + n_groups:]
    n, squares = flat[0], flat[len(_SUMS) - 1]
    enough = counted & (n - (counts > 0).sum(axis=0) >= MIN_SEASONAL_STEPS)
    if not enough.any():
        return 0.0, float("nan")
    with np.errstate(divide="ignore", invalid="ignore"):
        explained = np.where(counts > 0, totals**2 / counts, 0.0).sum(axis=0)
    residual = np.sqrt(np.maximum(squares - explained, 0.0)[enough] / n[enough])
    close = residual <= SEASONAL_TOLERANCE * np.sqrt(var_y[enough]) + resolution
    return float(close.mean()), float(residual.max())


def _on_steps(variable: xr.DataArray, time_dim: str, steps: np.ndarray | None, keep: set[str]) -> xr.DataArray:
    """The variable on the training ``steps`` (a boolean mask of the time axis; all when None),
    without its size-1 dimensions other than ``keep``."""
    variable = variable.squeeze([dim for dim in variable.dims if dim not in keep and variable.sizes[dim] == 1],
                                drop=True)
    return variable if steps is None else variable.isel({time_dim: np.flatnonzero(steps)})


def planned_target_copies(
    dataset: xr.Dataset, target: str, names: Sequence[str], *, time_dim: str, training_steps: np.ndarray | None,
    shared: Sequence[str] = (),
) -> BlockReads:
    """The reads of :func:`target_copies`, to be computed with other checks'
    (:func:`~climann.data.fill_like.read_together`): per-cell sums, reduced block by block.

    Parameters
    ----------
    dataset : xarray.Dataset
        Lazy (dask) or in memory.
    target : str
    names : sequence of str
        The predictors; those without ``time_dim``, absent, the target, or with dimensions the
        target lacks are skipped (a static field cannot follow the target in time).
    time_dim : str
    training_steps : ndarray of bool, shape (n_time,), or None
        The training block's steps (None: every step).
    shared : sequence of str
        The variables whose blocks keep the keys of the file's reads in the checks computed with
        these (:func:`~climann.data.fill_like.blocks_by_step`): a predictor on the target's
        dimensions and blocks is read from the same blocks as those checks, once for all.

    Returns
    -------
    BlockReads
        Whose answer is a dict of predictor → :class:`TargetCopy`, for every predictor checked.
    """
    keep = set(dataset[target].dims)
    y = _on_steps(dataset[target], time_dim, training_steps, keep)
    phase = seasonal_phase(dataset[time_dim]) if time_dim in dataset.coords else None
    trained_phase = None if phase is None or training_steps is None else phase[np.flatnonzero(training_steps)]
    # each block along time gives its partial sums (now added as they come); the groups' sums are sized as
    # when all were kept, so that the groups, hence the numbers, are those chosen before (break51a)
    data = dataset[target].data
    blocks = len(data.chunks[dataset[target].get_axis_num(time_dim)]) if is_dask_collection(data) else 1
    cells = int(np.prod([size for dim, size in dataset[target].sizes.items() if dim != time_dim])) * blocks
    found_groups = calendar_groups(dataset[time_dim], cells=cells) if phase is not None else None
    groups = None if found_groups is None else found_groups[:2]
    trained_groups = None if groups is None or training_steps is None else (
        groups[0][np.flatnonzero(training_steps)], groups[1])
    checked = []
    for name in dict.fromkeys(names):
        if name == target or name not in dataset.data_vars or time_dim not in dataset[name].dims:
            continue
        p = _on_steps(dataset[name], time_dim, training_steps, keep)
        if set(p.dims) <= keep:
            # p − y only in the same units: the predictor converted to the target's, none between a daylength in s
            # and a precipitation in mm/day (break50c A1: "prcp is dayl with its seasonal cycle removed")
            conversion = units_conversion(dataset[name].attrs.get("units"), dataset[target].attrs.get("units"))
            scale = (1.0, 0.0) if conversion is None else conversion
            resolution = abs(scale[0]) * packing_resolution(dataset[name]) + packing_resolution(dataset[target])
            planned = _planned_block_sums(dataset[target], dataset[name], time_dim, training_steps,
                                          shared=(target in shared, name in shared), phase=phase, groups=groups,
                                          conversion=scale)
            # every task a Delayed: dask.compute gives the arrays of a list that mixes them with Delayed ones first
            # (dask 2026.8: compute(x, [delayed, array]) -> [array's, delayed's]), as defaults computes these tasks
            tasks, added = planned if planned is not None else (
                [dask.delayed(np.asarray)(_cell_sums(
                    y, p, time_dim, phase if training_steps is None else trained_phase,
                    groups if training_steps is None else trained_groups, conversion=scale))], lambda parts: parts[0])
            checked.append((name, resolution, tasks, added, conversion is not None))
    units = str(dataset[target].attrs.get("units", ""))

    def finish(parts: Sequence) -> dict[str, TargetCopy]:
        found, start = {}, 0
        for name, resolution, tasks, added, comparable in checked:
            found[name] = _relation(added(parts[start:start + len(tasks)]), name, target, units, resolution,
                                    "" if found_groups is None else found_groups[2], comparable=comparable)
            start += len(tasks)
        return found

    return BlockReads([task for _, _, tasks, _, _ in checked for task in tasks], finish)


def target_copies(dataset: xr.Dataset, target: str, names: Sequence[str], *, time_dim: str,
                  training_steps: np.ndarray | None) -> dict[str, TargetCopy]:
    """The predictors among ``names`` that hold the target on the training steps: the target plus
    a field constant in time, or an exact linear function of it, at nearly every cell (see the
    module), each → its :class:`TargetCopy`; one computation.

    Parameters
    ----------
    dataset, target, names, time_dim, training_steps
        As :func:`planned_target_copies`.

    Returns
    -------
    dict of str to TargetCopy
        Only those that are either (``plus_constant`` or ``linear``).
    """
    found = read_together(planned_target_copies(dataset, target, names, time_dim=time_dim,
                                                training_steps=training_steps))[0]()
    return {name: copy for name, copy in found.items() if copy.held or copy.linear}


def copy_text(copy: TargetCopy) -> str:
    """What relates the predictor to the target, one clause: ``"adt − sla is constant in time at
    100% of the 1600 cells (its standard deviation over time at most 4.1e-05 m, within 0.001 of
    sla's), |correlation| over time ≥ 0.99999 …"``."""
    # a pure number's "1" after a spread read "at most 0 1" (break44b B8): no units said for it
    units = f" {copy.units}" if copy.units and shown_units(copy.units) != DIMENSIONLESS_TEXT else ""
    correlation = (f"|correlation| of {copy.predictor} and {copy.target} over time at least "
                   f"{copy.lowest_correlation:.6g} at {100 * copy.correlated_share:.3g}% of the {copy.cells} cells")
    if copy.plus_constant:
        return (f"{copy.predictor} − {copy.target} is constant in time at {100 * copy.offset_share:.3g}% of the "
                f"{copy.cells} cells checked on the training block (its standard deviation over time at most "
                f"{copy.offset_spread:.3g}{units}: within {OFFSET_TOLERANCE:g} of {copy.target}'s and the packing's "
                f"rounding), {correlation}: "
                f"{copy.predictor} is {copy.target} plus a field constant in time")
    if copy.less_seasonal:
        return (f"{copy.target} − {copy.predictor} is a seasonal cycle (a constant and the annual and semi-annual "
                f"harmonics) at {100 * copy.seasonal_share:.3g}% of the cells checked on the training block (what "
                f"it leaves has a standard deviation over time of at most {copy.seasonal_spread:.3g}{units}: within "
                f"{SEASONAL_TOLERANCE:g} of {copy.target}'s and of {copy.predictor}'s): {copy.predictor} is "
                f"{copy.target} with its seasonal cycle removed, which the season feature gives back")
    if copy.less_climatology:
        return (f"{copy.target} − {copy.predictor} is the same in each {copy.groups} (a climatology: each "
                f"{copy.groups}'s mean) at {100 * copy.climatology_share:.3g}% of the cells checked on the training "
                f"block (what it leaves has a standard deviation over time of at most "
                f"{copy.climatology_spread:.3g}{units}: within {SEASONAL_TOLERANCE:g} of {copy.target}'s and of "
                f"{copy.predictor}'s): "
                f"{copy.predictor} is {copy.target}'s anomaly from its climatology per {copy.groups}, which the "
                "season feature and the network give back")
    return (f"{correlation} checked on the training block: {copy.predictor} is an exact linear function of "
            f"{copy.target} at each cell")


def copy_note(copy: TargetCopy, target: str) -> str:
    """The line that says a default predictor holds the target: left out when it is the target
    plus a field constant in time, else kept (an exact linear function of it only), one line."""
    if copy.held:
        return (f"left out of the default predictors: {copy.predictor}, which holds '{target}': {copy_text(copy)}; "
                f"its skill would be {target} rebuilt, not predicted; to use it anyway, name it in [data] predictors "
                f'(--predictors) and set [data] keep_target_copies = ["{copy.predictor}"]')
    return (f"kept as a default predictor: {copy.predictor}, which may hold '{target}': {copy_text(copy)}; its skill "
            f"would be {target} rebuilt, not predicted, unless that is what you mean to test; leave it out with "
            "[data] predictors (--predictors)")


def _way_out(copies: Sequence[TargetCopy], predictors: Sequence[str]) -> str:
    """Both ways out: the predictors without them, or the config key that keeps them."""
    names = [copy.predictor for copy in copies]
    rest = [name for name in predictors if name not in names]
    keep = ", ".join(f'"{name}"' for name in names)
    return (f"leave {', '.join(names)} out (--predictors {','.join(rest) if rest else chr(39) * 2}), or, to train "
            f"on {'them' if len(names) > 1 else 'it'} anyway (a study of the leak itself), set [data] "
            f"keep_target_copies = [{keep}]")


def check_named_target_copies(
    found: Callable[[], dict[str, TargetCopy]] | dict[str, TargetCopy], predictors: Sequence[str], target: str, *,
    kept: Sequence[str] = (),
) -> None:
    """Refuse predictors named by the user that are the target plus a field constant in time,
    unless ``kept`` (``[data] keep_target_copies``) names them (then warn); say those that are only
    an exact linear function of it in an INFO line (see the module).

    Parameters
    ----------
    found : dict of str to TargetCopy, or a function giving it
        From :func:`target_copies` (or :func:`planned_target_copies` computed).
    predictors : sequence of str
        The run's predictors.
    target : str
    kept : sequence of str
        Predictors kept on purpose: warned about, not refused.

    Raises
    ------
    ClimannError
        Naming the predictor, the target, what relates them and both ways out.
    """
    # the answer of planned_target_copies holds every predictor compared, these only those that hold it
    copies = {name: copy for name, copy in (found() if callable(found) else found).items()
              if copy.held or copy.linear}
    refused = [copy for name, copy in copies.items() if copy.held and name not in kept]
    if refused:
        raise ClimannError(
            f"predictor '{refused[0].predictor}' holds the target '{target}': {copy_text(refused[0])}; its skill "
            f"would be {target} rebuilt, not predicted; {_way_out(refused, predictors)}")
    for name, copy in copies.items():  # kept on purpose (a warning), or only linear (a toy target is one)
        level = logging.WARNING if copy.held else logging.INFO
        note_once(_log, level, f"predictor '{name}' {'holds' if copy.held else 'may hold'} the target "
                  f"'{target}': {copy_text(copy)}; its skill is {target} rebuilt, not predicted, unless that is what "
                  "you mean to test")
