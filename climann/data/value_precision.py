"""The floating type a variable's values are held in between its files and the network: float32,
or float64 where float32 would lose their variation.

climann reads values in float32 (half the memory of float64, and the network trains in it). A
float32 keeps 24 binary digits: a value ``x`` is rounded to within half of
``numpy.spacing(numpy.float32(x))``, 6e-8 of ``x``. For most data that rounding is nothing
beside how the values vary (a temperature of 300 K to 3e-5 K, where it varies by kelvins). It
is everything for a variable whose variation is small against its size (break40a A1): GRACE's
C20 Stokes coefficient, −4.8416945e-4 varying by 1e-10, rounds to within 2.7e-11 in float32, so
180 monthly values became 15 and the baselines were scored on the rounded ones; so would a
pressure in Pa with anomalies of a few mPa, or a time-like quantity with a large offset.

Each variable of a type float32 does not hold exactly (float64, and integers of 32 bits or
more: ``int16`` and ``float32`` data lose nothing) is therefore decided on once, when a sample
source is made, from its values on the checked time steps (the sample the data checks read,
:func:`climann.data.fill_like.checked_steps`): it is held in float64 when, at some grid cell,
float32's spacing at the cell's largest magnitude exceeds :data:`FLOAT32_SHARE` of the standard
deviation of its values over time (over the cells for a static field). Such a variable is held
in float64 from the read on: its baselines, climatologies and predictions file keep its digits,
and it is standardised, z = (x − μ) / σ, in float64 before the network sees z in its own type.
Every other variable is held in float32, as before; ``[model] dtype = "float64"`` holds every
variable in float64.

The values are read for it once: where a run checks its target and predictors, every value read
once for all those checks (:mod:`climann.data.value_checks`), each block that holds a checked
step is also reduced to its cells' counts, means, sums of squared deviations and largest
magnitudes (:func:`planned_spreads`), joined over the blocks (Chan, Golub & LeVeque 1979's
pairwise update of the variance), and recorded in the variable's ``encoding``
(:data:`SPREAD_KEY`); :func:`held_dtypes` decides from that record, and reads the checked steps
itself only for a variable that has none (another subset of cells or steps, a derived series).
It read them before in one computation of its own, once for the anomaly climatologies and once
for the sample source: with one dask block per file (a folder of daily files), every block
that holds one of the 24 steps is read whole, so each was a whole read of the variable.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import dask
import numpy as np
import xarray as xr

from climann.data.fill_like import BlockReads, checked_blocks, checked_step_numbers, checked_steps, time_dimension
from climann.data.notes import note_once

__all__ = ["FLOAT32_SHARE", "HELD_DTYPES", "SPREAD_KEY", "Spread", "held_dtypes", "loses_in_float32", "planned_spreads",
           "record_spreads", "widest"]

_log = logging.getLogger(__name__)

#: The largest float32 spacing, as a share of a cell's standard deviation over time, that is
#: negligible: rounding within half of it adds (share)²/12 of the variance, 1e-9 at this share
#: (a baseline's RMSE changes by less than 1e-8 of itself), where a share of 1 merges values.
FLOAT32_SHARE = 1e-4

#: The floating types values may be held in (``[model] dtype``'s choices).
HELD_DTYPES = ("float32", "float64")


def loses_in_float32(dtype: np.dtype) -> bool:
    """Whether float32 may not hold values of ``dtype`` exactly: float64 (and wider), and
    integers of 32 bits or more; float16/float32 and integers up to 16 bits it holds."""
    dtype = np.dtype(dtype)
    return (dtype.kind == "f" and dtype.itemsize > 4) or (dtype.kind in "iu" and dtype.itemsize >= 4)


def _spread(variable: xr.DataArray) -> tuple[object, object]:
    """The standard deviation over time and the largest magnitude at each cell, on the checked
    time steps (over the whole field for a static one), lazy; NaN skipped."""
    values = checked_steps(variable)
    time = time_dimension(variable)
    values = values.astype(np.float64) if values.dtype.kind in "iu" else values
    if time is None:
        return values.std().data, abs(values).max().data
    return values.std(time).data, abs(values).max(time).data


#: The key, in a variable's ``encoding``, of its :class:`Spread` on the checked steps, recorded by
#: the run's one read of its values (:func:`record_spreads`) for :func:`held_dtypes`.
SPREAD_KEY = "climann_float32_spread"


@dataclass(frozen=True)
class Spread:
    """A variable's standard deviation over time and largest magnitude at each cell, on the
    checked time steps (:func:`~climann.data.fill_like.checked_steps`), NaN skipped; over the
    whole field for a static one.

    Attributes
    ----------
    std, largest : numpy.ndarray
        Float64, shape (the sizes of ``dims``), NaN at a cell missing at every checked step;
        0-d for a static field.
    dims : tuple of str
        The variable's dimensions but time, in its order.
    sizes : tuple of int
        Their sizes (of the whole field for a static one, whose arrays are 0-d).
    indexes : dict
        Their index coordinates (``pandas.Index``), by dimension, where they have one.
    times : numpy.ndarray or None
        The time coordinate's values at the checked steps; None for a static field.
    """

    std: np.ndarray
    largest: np.ndarray
    dims: tuple
    sizes: tuple
    indexes: dict
    times: np.ndarray | None


def planned_spreads(dataset: xr.Dataset, names: Sequence[str], *, shared: Sequence[str] = ()) -> BlockReads:
    """The reads of each :class:`Spread` of the variables ``names`` of a type float32 does not hold
    exactly (:func:`loses_in_float32`; the others, and those absent, have none), to be computed
    with the run's other checks of every value (:func:`~climann.data.fill_like.read_together`):
    each block that holds a checked step, as those checks read it
    (:func:`~climann.data.fill_like.checked_blocks`), is reduced to its cells' count, mean, sum of
    squared deviations from the mean and largest magnitude at those steps, joined as it is read
    into its cells' running moments (one task per place, so that a place's moments are held once,
    not once per block) by the pairwise update of Chan, Golub & LeVeque (1979), for a mean and
    variance free of the cancellation of sums of squares.

    Parameters
    ----------
    dataset : xarray.Dataset
        As opened and subset (lazy).
    names : sequence of str
    shared : sequence of str
        The variables whose blocks keep the file's keys
        (:func:`~climann.data.fill_like.blocks_by_step`), as the other checks read them.

    Returns
    -------
    climann.data.fill_like.BlockReads
        Its answer: {name: :class:`Spread`}.
    """
    chosen = [name for name in dict.fromkeys(names)
              if name in dataset.data_vars and loses_in_float32(dataset[name].dtype)]
    tasks, places = [], []
    for name in chosen:
        variable = dataset[name]
        axis = None if (time := time_dimension(variable)) is None else variable.dims.index(time)
        # each place's blocks joined into its running moments as each is read, in their order (the
        # same updates): held until all were read, the 24 checked blocks' four per-cell arrays of
        # a folder of daily 0.25° files were 0.9 GB (fix56c)
        chains: dict[tuple, object] = {}
        for block, place, held in checked_blocks(variable, shared=name in shared):
            key = place if axis is not None else ()  # a static field's blocks join into one sample
            chains[key] = dask.delayed(_moments_updated)(chains.get(key), block, axis, held)
        tasks.extend(chains.values())
        places.extend((name, place) for place in chains)

    def finish(parts: Sequence[tuple[np.ndarray, ...]]) -> dict[str, Spread]:
        return {name: _joined(dataset[name], [part for (of, _), part in zip(places, parts, strict=True) if of == name],
                              [place for of, place in places if of == name]) for name in chosen}

    return BlockReads(tasks, finish)


def _block_moments(block: np.ndarray, time_axis: int | None, held: np.ndarray | None) -> tuple[np.ndarray, ...]:
    """Of one block at its steps ``held`` along ``time_axis`` (None: a static field, every value
    one sample): each cell's count of values present, their mean, the sum of their squared
    deviations from it, and their largest magnitude (NaN where none is present)."""
    values = np.asarray(block)
    values = values.astype(np.float64) if values.dtype.kind in "iu" else values
    values = values.reshape(-1) if time_axis is None else np.take(values, held, time_axis)
    axis = 0 if time_axis is None else time_axis
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a cell missing at every step
        count = np.sum(~np.isnan(values), axis=axis)
        mean = np.nansum(values, axis=axis) / count
        squares = np.nansum((values - np.expand_dims(mean, axis)) ** 2, axis=axis)
        largest = np.fmax.reduce(np.abs(values), axis=axis)
    return count, mean, squares, largest


def _moments_updated(moments: tuple[np.ndarray, ...] | None, block: np.ndarray, time_axis: int | None,
                     held: np.ndarray | None) -> tuple[np.ndarray, ...]:
    """The running moments of a place's cells (count, mean, sum of squared deviations, largest
    magnitude; None before its first block) joined with those of its next ``block``
    (:func:`_block_moments`) by the pairwise update of Chan, Golub & LeVeque (1979):
    mean_ab = mean_a + δ n_b / n, M2_ab = M2_a + M2_b + δ² n_a n_b / n with δ = mean_b − mean_a."""
    n_b, mean_b, squares_b, largest_b = _block_moments(block, time_axis, held)
    if moments is None:
        shape = np.shape(n_b)
        moments = np.zeros(shape, np.int64), np.zeros(shape), np.zeros(shape), np.full(shape, np.nan)
    n_a, mean_a, squares_a, largest_a = moments
    n = n_a + n_b
    with np.errstate(invalid="ignore", divide="ignore"):
        delta = np.where(n_b > 0, mean_b, 0.0) - mean_a
        mean = np.where(n > 0, mean_a + delta * n_b / np.maximum(n, 1), 0.0)
        squares = squares_a + np.where(n_b > 0, squares_b, 0.0) + delta ** 2 * n_a * n_b / np.maximum(n, 1)
    return n, mean, squares, np.fmax(largest_a, largest_b)


def _joined(variable: xr.DataArray, parts: Sequence[tuple[np.ndarray, ...]],
            places: Sequence[tuple[int, ...]]) -> Spread:
    """The :class:`Spread` of ``variable`` from the joined moments of each place's blocks
    (``parts``, :func:`_moments_updated`, each place's cells starting at its ``places``):
    std = √(M2 / n), ddof 0."""
    time = time_dimension(variable)
    dims = tuple(dim for dim in variable.dims if dim != time)
    shape = () if time is None else tuple(variable.sizes[dim] for dim in dims)
    count, squares, largest = np.zeros(shape, np.int64), np.zeros(shape), np.full(shape, np.nan)
    for place, (n, _, squares_b, largest_b) in zip(places, parts, strict=True):
        region = tuple(slice(start, start + size) for start, size in zip(place, np.shape(n))) if shape else ()
        count[region], squares[region], largest[region] = n, squares_b, largest_b
    with np.errstate(invalid="ignore", divide="ignore"):
        std = np.where(count > 0, np.sqrt(squares / np.maximum(count, 1)), np.nan)
    times = None if time is None else np.asarray(variable[time].values[checked_step_numbers(variable)])
    return Spread(std, largest, dims, tuple(variable.sizes[dim] for dim in dims),
                  {dim: variable.indexes[dim] for dim in dims if dim in variable.indexes}, times)


def record_spreads(dataset: xr.Dataset, spreads: Mapping[str, Spread]) -> None:
    """Record each :class:`Spread` in its variable's ``encoding`` (:data:`SPREAD_KEY`), for
    :func:`held_dtypes` (the variable's later subsets and transpositions keep it, and
    :func:`held_dtypes` takes it only where it describes the same cells and steps)."""
    for name, spread in spreads.items():
        dataset[name].encoding[SPREAD_KEY] = spread


def _recorded(variable: xr.DataArray) -> tuple[np.ndarray, np.ndarray] | None:
    """The recorded std and largest magnitude of ``variable``'s cells, in the order of its
    dimensions, when its record (:data:`SPREAD_KEY`) is of the same cells (dimensions, sizes and
    index coordinates; those of size 1 it no longer has dropped, as :func:`~climann.data.variables.on_grid`
    drops them) and the same checked steps; else None."""
    spread = variable.encoding.get(SPREAD_KEY)
    if not isinstance(spread, Spread):
        return None
    time = time_dimension(variable)
    if (time is None) != (spread.times is None):
        return None
    if time is not None:
        times = np.asarray(variable[time].values[checked_step_numbers(variable)])
        if times.shape != spread.times.shape or not bool(np.all(times == spread.times)):
            return None
    kept = [number for number, (dim, size) in enumerate(zip(spread.dims, spread.sizes, strict=True))
            if dim in variable.dims or size != 1]
    dims = [spread.dims[number] for number in kept]
    if sorted(dims) != sorted(dim for dim in variable.dims if dim != time) or any(
            spread.sizes[number] != variable.sizes[spread.dims[number]] for number in kept):
        return None
    for dim in dims:
        if (dim in variable.indexes) != (dim in spread.indexes) or (
                dim in variable.indexes and not variable.indexes[dim].equals(spread.indexes[dim])):
            return None
    if time is None:
        return spread.std, spread.largest
    order = [dims.index(dim) for dim in variable.dims if dim != time]
    std, largest = (np.transpose(array.reshape([array.shape[number] for number in kept]), order)
                    for array in (spread.std, spread.largest))
    return std, largest


def _lost(std: np.ndarray, largest: np.ndarray) -> tuple[float, float, float] | None:
    """(standard deviation, largest magnitude, float32 spacing) of the cell whose variation
    float32 loses most, or None when it loses no cell's (cells that do not vary lose none)."""
    std, largest = np.ravel(np.asarray(std, dtype=np.float64)), np.ravel(np.asarray(largest, dtype=np.float64))
    varying = np.isfinite(std) & (std > 0) & np.isfinite(largest)
    if not varying.any():
        return None
    std, largest = std[varying], largest[varying]
    with np.errstate(over="ignore"):
        narrow = largest.astype(np.float32)
    spacing = np.where(np.isfinite(narrow), np.spacing(np.abs(narrow)).astype(np.float64), np.inf)
    share = spacing / std
    worst = int(np.argmax(share))
    return (float(std[worst]), float(largest[worst]), float(spacing[worst])) if share[worst] > FLOAT32_SHARE else None


def held_dtypes(variables: Mapping[str, xr.DataArray], *, dtype: str = "float32",
                where: str = "the data") -> dict[str, np.dtype]:
    """The floating type each variable is held in: ``dtype``, or float64 where float32 would
    lose its variation (see the module's description); those widened are said in a note.

    Parameters
    ----------
    variables : mapping of str to xarray.DataArray
        By name; lazy (only their checked time steps of the types float32 does not hold
        exactly are read, in one computation, and only for those without a record of the
        run's one read of its values, :func:`record_spreads`, of the same cells and steps).
    dtype : {"float32", "float64"}
        ``[model] dtype``: the least precision to hold them in.
    where : str
        The files, for the note.

    Returns
    -------
    dict of str to numpy.dtype
        float32 or float64, by name.
    """
    held = {name: np.dtype(dtype) for name in variables}
    if np.dtype(dtype) == np.float64:
        return held
    checked = [name for name, variable in variables.items() if loses_in_float32(variable.dtype)]
    if not checked:
        return held
    found = {name: recorded for name in checked if (recorded := _recorded(variables[name])) is not None}
    unread = [name for name in checked if name not in found]
    with warnings.catch_warnings():  # a cell missing at every checked step (land in an ocean field) has no spread
        warnings.simplefilter("ignore", RuntimeWarning)
        found.update(zip(unread, dask.compute(*[_spread(variables[name]) for name in unread]), strict=True))
    for name in checked:
        std, largest = found[name]
        lost = _lost(std, largest)
        if lost is not None:
            held[name] = np.dtype(np.float64)
            note_once(_log, logging.INFO, _note(name, *lost, where=where), key=(__name__, where, name))
    return held


def _note(name: str, std: float, largest: float, spacing: float, *, where: str) -> str:
    """The note that ``name`` is held in float64, with the numbers that decided it."""
    return (f"{where}: '{name}' is held in float64, not float32: its values vary by {std:.3g} (standard deviation "
            f"over time at a cell) at a size of {largest:.8g}, where float32's spacing is {spacing:.3g}, which would "
            "merge or blur them (baselines and predictions would be scored and written on rounded values); "
            "memory for it doubles")


def widest(dtypes: Mapping[str, np.dtype] | list) -> np.dtype:
    """float64 if any of ``dtypes`` (a mapping's values or a list) is, else float32."""
    values = list(dtypes.values()) if isinstance(dtypes, Mapping) else list(dtypes)
    return np.dtype(np.float64) if any(np.dtype(value) == np.float64 for value in values) else np.dtype(np.float32)
