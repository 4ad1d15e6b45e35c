"""``-inf`` and ``+inf`` in a file's values are missing, like NaN.

SPEIbase writes ``-inf`` and ``+inf`` where its log-logistic fit fails; other index and ratio
files hold them after a division by zero. No score, scaler or count can use them: one ``inf``
makes a mean or a standard deviation NaN. The samples (pointwise and field mode) already left
them out (``numpy.isfinite``), but ``info`` and the rule that leaves a variable missing on more
than 5 % out of the default predictors counted them as present (break34b B3), through
:func:`missing_values`. How many a run's variables hold is said at INFO, per variable
(:func:`note_infinite_values`), counted in the one read of every value that the run's other
checks make (:func:`planned_infinite_counts`, :mod:`climann.data.value_checks`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

import dask
import numpy as np
import xarray as xr

from climann.data.fill_like import BlockReads, blocks_by_step
from climann.data.notes import note_once
from climann.data.sources import variable_where

__all__ = ["missing_values", "note_infinite_values", "planned_infinite_counts", "planned_missing_counts"]

_log = logging.getLogger(__name__)


def missing_values(variable: xr.DataArray) -> xr.DataArray:
    """Where ``variable`` is missing: NaN (or NaT, or None), and ``-inf`` or ``+inf`` for a
    floating-point variable. Lazy when ``variable`` is.

    Parameters
    ----------
    variable : xarray.DataArray
        Any shape and type.

    Returns
    -------
    xarray.DataArray of bool
        The same shape.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> missing_values(xr.DataArray([1.0, np.nan, -np.inf, np.inf])).values
    array([False,  True,  True,  True])
    """
    if variable.dtype.kind in "fc":
        return ~np.isfinite(variable)
    return variable.isnull()


def _infinite_in_block(block: np.ndarray) -> np.ndarray:
    """``[number of -inf, number of +inf]`` in one block of values."""
    block = np.asarray(block)
    return np.array([np.count_nonzero(block == -np.inf), np.count_nonzero(block == np.inf)], dtype=np.int64)


def planned_infinite_counts(dataset: xr.Dataset, names: Sequence[str], *, shared: Sequence[str] = ()) -> BlockReads:
    """The reads that count the ``-inf`` and ``+inf`` of each floating-point variable of
    ``names``, to be computed with the run's other checks of every value
    (:func:`~climann.data.fill_like.read_together`: each block read once for all); the variables
    ``shared`` keep the keys of the file's reads (:func:`~climann.data.fill_like.blocks_by_step`).

    Parameters
    ----------
    dataset : xarray.Dataset
        As opened, lazy.
    names : sequence of str
        The variables to count (those absent or not floating-point are skipped).
    shared : sequence of str
        The variables whose blocks keep the file's keys.

    Returns
    -------
    climann.data.fill_like.BlockReads
        Its answer: ``{name: (n_minus_inf, n_plus_inf, n_values)}`` of each variable that holds any.
    """
    chosen, tasks, places = [], [], []
    for name in names:
        if name not in dataset.data_vars or dataset[name].dtype.kind not in "fc":
            continue
        for block, _ in blocks_by_step(dataset[name].data, None, shared=name in shared):
            tasks.append(dask.delayed(_infinite_in_block)(block))
            places.append(len(chosen))
        chosen.append(name)

    def finish(parts: Sequence[np.ndarray]) -> dict[str, tuple[int, int, int]]:
        totals = [np.zeros(2, dtype=np.int64) for _ in chosen]
        for number, part in zip(places, parts, strict=True):
            totals[number] += part
        return {name: (int(total[0]), int(total[1]), int(dataset[name].size))
                for name, total in zip(chosen, totals, strict=True) if total.any()}

    return BlockReads(tasks, finish)


def _missing_in_block(block: np.ndarray) -> np.ndarray:
    """``[number missing, number of -inf, number of +inf]`` in one block of values
    (:func:`missing_values`; no ``inf`` counted outside floating-point blocks)."""
    block = np.asarray(block)
    missing = np.count_nonzero(missing_values(xr.DataArray(block)).values)
    if block.dtype.kind not in "fc":
        return np.array([missing, 0, 0], dtype=np.int64)
    return np.array([missing, np.count_nonzero(block == -np.inf), np.count_nonzero(block == np.inf)], dtype=np.int64)


def planned_missing_counts(dataset: xr.Dataset, names: Sequence[str], *, shared: Sequence[str] = ()) -> BlockReads:
    """The reads that count the missing values (:func:`missing_values`) of each variable of
    ``names`` and, in the same pass over each block, its ``-inf`` and ``+inf``: one task per block
    (:func:`~climann.data.fill_like.blocks_by_step`), to be computed with other checks' reads
    (:func:`~climann.data.fill_like.read_together`). ``climann info``'s table read each variable
    once for its fraction and again for its infinities, each a reduction tree over every file
    (a folder of 300 daily files: 600 readings of one file each); ``shared``: the variables whose
    blocks keep the keys of the file's reads, so that a check of the same reads computed with
    these (:func:`~climann.data.absolute_zero.planned_below_absolute_zero`) reads them once.

    Parameters
    ----------
    dataset : xarray.Dataset
        As opened, lazy.
    names : sequence of str
        Variables of ``dataset``, any shape and type.
    shared : sequence of str
        The variables whose blocks keep the file's keys.

    Returns
    -------
    climann.data.fill_like.BlockReads
        Its answer: ``(fractions, infinite)``, ``{name: n_missing / n_values}`` of every variable
        (0 for an empty one) and ``{name: (n_minus_inf, n_plus_inf, n_values)}`` of the
        floating-point variables that hold any ``inf``.
    """
    names = list(dict.fromkeys(names))
    tasks, places = [], []
    for number, name in enumerate(names):
        for block, _ in blocks_by_step(dataset[name].data, None, shared=name in shared):
            tasks.append(dask.delayed(_missing_in_block)(block))
            places.append(number)

    def finish(parts: Sequence[np.ndarray]) -> tuple[dict[str, float], dict[str, tuple[int, int, int]]]:
        totals = [np.zeros(3, dtype=np.int64) for _ in names]
        for number, part in zip(places, parts, strict=True):
            totals[number] += part
        sizes = [int(dataset[name].size) for name in names]
        fractions = {name: int(total[0]) / size if size else 0.0 for name, total, size in zip(names, totals, sizes)}
        infinite = {name: (int(total[1]), int(total[2]), size) for name, total, size in zip(names, totals, sizes)
                    if total[1] or total[2]}
        return fractions, infinite

    return BlockReads(tasks, finish)


def note_infinite_values(dataset: xr.Dataset, found: Mapping[str, tuple[int, int, int]], *, where: str) -> None:
    """Say at INFO, once per variable and run, how many ``-inf`` and ``+inf`` a variable holds,
    read as missing (:func:`missing_values`).

    Parameters
    ----------
    dataset : xarray.Dataset
        For the files of each variable (:func:`~climann.data.sources.variable_where`).
    found : mapping
        ``{name: (n_minus_inf, n_plus_inf, n_values)}`` from :func:`planned_infinite_counts`.
    where : str
        The files, when a variable does not record its own.
    """
    for name, (minus, plus, size) in found.items():
        held = " and ".join(f"{count} {sign}inf" for count, sign in ((minus, "-"), (plus, "+")) if count)
        note_once(_log, logging.INFO, (
            f"'{name}' in {variable_where(dataset[name], where)} holds {held} ({100 * (minus + plus) / size:.3g} % of "
            f"its {size} values), read as missing, as NaN is: no score, scaler or count uses them"))
