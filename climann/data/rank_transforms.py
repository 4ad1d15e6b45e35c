"""A predictor that ranks the target's own values: a percentile, a rank, a cumulative probability.

GIMMS NDVI3g v1 ships ``ndvi`` beside ``percentile`` ("ndvi percentile": 2000 × a gap-fill flag
plus the percentile of that NDVI value in its own time series, 0 … 1000). Such a variable is data
about the target's values, as an error estimate or a quality flag is (:mod:`climann.data.ancillary`),
but worse: it is the target itself, ranked. As a default predictor of ``ndvi`` it gave a test skill
of 0.825 over the climatology where the same network without it scored 0.122 (break47b A1): target
leakage, not a model of vegetation. Such a variable is left out of the default predictors
(:mod:`climann.data.defaults`) with a one-line note; named in ``[data] predictors`` it is used, with
a warning.

Two rules find it:

- **its words** (:func:`rank_reason`): its name or a description (``long_name``, ``description``,
  ``var_desc``, ``standard_name``) holds one of :data:`RANK_PHRASES` ("percentile", "rank",
  "quantile", "cumulative probability"…) and names the target (its name, its ``long_name`` or its
  ``standard_name``, as whole words), or is the
  bare phrase (a variable named ``percentile`` with no description naming another variable of the
  file). A threshold, "95th percentile of daily precipitation" (an ordinal before the phrase), or a
  variable in the target's own units other than a fraction (a percentile *value* in mm) is a
  quantity of its own and kept;
- **its values**, the safety net (:func:`monotone_relations`): on a sample of at most
  :data:`SAMPLED_CELLS` cells (evenly spaced along each horizontal dimension) and the training steps
  the other checks look at, the Spearman rank correlation over time of the predictor and the target
  at each cell with at least :data:`MIN_STEPS` steps where both are present and vary; the predictor
  is (almost) a monotone function of the target when \\|ρ\\| ≥ :data:`RANK_CORRELATION`, nearer 1
  than the linear correlation \\|r\\| (1 − \\|r\\| > :data:`NONLINEAR_RATIO` (1 − \\|ρ\\|) +
  :data:`NONLINEAR_MARGIN`: a driver with small noise, as toy data make, has 1 − ρ ≥ 1 − r), at
  :data:`MONOTONE_SHARE` of those cells, and not an exact linear function of it (\\|r\\| ≥
  :data:`~climann.data.target_copies.CORRELATION_THRESHOLD`, which
  :mod:`climann.data.target_copies` says in an INFO line and keeps: a toy target made from its
  predictor is one). A rank of the target is a monotone function of it at each cell whatever its
  name; a driver (radiation, temperature) is not one to 0.99 (Spearman, 1904, "The proof and
  measurement of association between two things", Am. J. Psychol. 15, 72–101).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence

import dask
import numpy as np
import xarray as xr

from climann.data.fill_like import BlockReads, blocks_by_place
from climann.data.notes import note_once

__all__ = ["MIN_STEPS", "MONOTONE_SHARE", "NONLINEAR_MARGIN", "NONLINEAR_RATIO", "RANK_CORRELATION", "RANK_PHRASES",
           "SAMPLED_CELLS", "monotone_relations", "planned_monotone_relations", "rank_note",
           "rank_reason", "rank_relations", "warn_rank_predictors"]

_log = logging.getLogger(__name__)

#: Phrases (lower case, whole words) that make a variable a rank of another's values.
RANK_PHRASES = ("percentile", "percentiles", "percentile rank", "percent rank", "rank", "ranks", "ranking",
                "quantile", "quantiles", "cumulative probability", "non exceedance probability",
                "exceedance probability", "cdf value", "empirical cdf")
#: Words of a target's descriptions that name no quantity of their own: "ndvi" names NDVI, "index" does not.
GENERIC_WORDS = frozenset({"the", "of", "and", "in", "at", "on", "for", "to", "a", "an", "daily", "monthly", "mean",
                           "total", "index", "value", "values", "data", "surface", "average", "normalized",
                           "difference", "grid", "cell", "area", "level", "field", "amount", "rate", "flux"})
#: An ordinal or a number before "percentile": a threshold of the distribution, a quantity.
_THRESHOLD = re.compile(r"\b(?:\d+(?:st|nd|rd|th)?|median|upper|lower) (?:percentile|quantile)s?\b")
#: Units that say a fraction or a percentage, which a rank is in whatever the target's units.
_FRACTION_UNITS = ("", "1", "%", "percent", "percentile", "fraction", "-", "none", "unitless", "dimensionless")
#: The description attributes read.
DESCRIPTION_ATTRIBUTES = ("long_name", "LongName", "description", "var_desc", "standard_name")

#: At most this many cells are sampled for the values' check.
SAMPLED_CELLS = 256
#: A cell counts with at least this many steps where both are present and vary.
MIN_STEPS = 10
#: |Spearman ρ| at least this at a cell: the predictor ranks as the target there.
RANK_CORRELATION = 0.99
#: At least this share of the counted cells: a monotone function of the target.
MONOTONE_SHARE = 0.9
#: A monotone cell's 1 − |r| exceeds this many times its 1 − |ρ| (plus :data:`NONLINEAR_MARGIN`): no
#: linear relation with noise, whose 1 − |ρ| is at least its 1 − |r|.
NONLINEAR_RATIO = 2.0
#: See :data:`NONLINEAR_RATIO`.
NONLINEAR_MARGIN = 1e-4


def _words(text: object) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", str(text)).lower()))


def _has_phrase(words: str) -> str | None:
    padded = f" {words} "
    return next((phrase for phrase in sorted(RANK_PHRASES, key=len, reverse=True) if f" {phrase} " in padded), None)


def _target_words(target: xr.DataArray) -> set[str]:
    """The target's name, long_name and standard_name, each as a whole phrase of words (lower case)."""
    said = [_words(target.name)] + [_words(str(target.attrs.get(key, "")).replace("_", " "))
                                    for key in ("long_name", "standard_name")]
    return {text for text in said if text and text not in GENERIC_WORDS}


def rank_reason(variable: xr.DataArray, target: xr.DataArray, others: Sequence[str] = ()) -> str | None:
    """Why ``variable`` ranks ``target``'s values by its words (the module's first rule), or None.

    Parameters
    ----------
    variable, target : xarray.DataArray
        Named, with their attributes.
    others : sequence of str
        The names of the file's other data variables: a bare ``percentile`` whose description
        names one of them ranks that one, not the target.

    Returns
    -------
    str or None
        ``"its long_name 'ndvi percentile', a percentile of ndvi's values"``.
    """
    units = str(variable.attrs.get("units", "")).strip().lower()
    target_units = str(target.attrs.get("units", "")).strip().lower()
    if units == target_units and units not in _FRACTION_UNITS:  # a percentile value in the target's units
        return None
    said = [("name", str(variable.name), _words(variable.name))]
    said += [(key, str(variable.attrs[key]), _words(variable.attrs[key])) for key in DESCRIPTION_ATTRIBUTES
             if variable.attrs.get(key) is not None]
    if any(_THRESHOLD.search(words) for _, _, words in said):
        return None
    target_words = _target_words(target)
    named_other = any(f" {_words(other)} " in f" {words} " for other in others
                      if other not in (variable.name, target.name) for _, _, words in said[1:])
    for key, text, words in said:
        phrase = _has_phrase(words)
        if phrase is None:
            continue
        mentions = any(f" {word} " in f" {words} " for word in target_words)
        bare = key == "name" and words == phrase and not named_other
        if mentions or bare:
            return f"its {key} '{text}', a {phrase} of {target.name}'s values"
    return None


def rank_relations(dataset: xr.Dataset, target: str, names: Sequence[str]) -> dict[str, str]:
    """Of ``names``, those that rank ``target``'s values by their words (:func:`rank_reason`) → why."""
    others = [str(name) for name in dataset.data_vars]
    return {name: reason for name in names
            if (reason := rank_reason(dataset[name], dataset[target], others)) is not None}


def _sampled_cells(target: xr.DataArray, time_dim: str) -> dict[str, np.ndarray]:
    """At most :data:`SAMPLED_CELLS` cells, evenly spaced along each of the target's other dimensions."""
    others = [dim for dim in target.dims if dim != time_dim]
    per_dim = max(1, int(np.floor(SAMPLED_CELLS ** (1 / max(1, len(others))))))
    return {dim: np.unique(np.linspace(0, target.sizes[dim] - 1, min(per_dim, target.sizes[dim])).round().astype(int))
            for dim in others}


def _ranks(values: np.ndarray) -> np.ndarray:
    """Average ranks along axis 0 (ties share the mean of their ranks, from 1) of finite ``values``,
    shape (n,) or (n, m): ``scipy.stats.rankdata(values, axis=0)``, the same numbers (each whole or
    a half, exact), without its checks per call (four fifths of its time on a column of 36 steps;
    ``climann info`` ranks each sampled cell of each predictor).

    A run of tied values at sorted positions ``first`` … ``last`` (from 0) takes the rank
    (first + last) / 2 + 1, scipy's ``first + 1 + (count - 1) / 2``.
    """
    order = np.argsort(values, axis=0, kind="stable")
    ordered = np.take_along_axis(values, order, axis=0)
    n = values.shape[0]
    position = np.arange(n).reshape((n,) + (1,) * (values.ndim - 1))
    starts = np.ones(values.shape, dtype=bool)
    starts[1:] = ordered[1:] != ordered[:-1]
    ends = np.ones(values.shape, dtype=bool)
    ends[:-1] = starts[1:]
    first = np.maximum.accumulate(np.where(starts, position, 0), axis=0)
    last = np.minimum.accumulate(np.where(ends, position, n)[::-1], axis=0)[::-1]
    ranks = np.empty(values.shape, dtype=np.float64)
    np.put_along_axis(ranks, order, (first + last) / 2 + 1, axis=0)
    return ranks


def _pearson(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson's r of two 1-D float64 arrays of the same length n ≥ 2: ``np.corrcoef(a, b)[0, 1]``,
    bit for bit (the same operations in the same order as numpy's ``cov`` and ``corrcoef``:
    the rows' means removed, their products by one ``dot``, scaled by 1/(n − 1), divided by the
    square roots of the diagonal, clipped to [−1, 1]), without their checks per call."""
    rows = np.array([a, b], dtype=np.float64)
    rows -= rows.mean(axis=1)[:, None]
    products = np.dot(rows, rows.T.conj())
    products *= np.true_divide(1, rows.shape[1] - 1)
    spread = np.sqrt(np.diag(products))
    products /= spread[:, None]
    products /= spread[None, :]
    np.clip(products, -1, 1, out=products)
    return float(products[0, 1])


def _cell_correlations(y: np.ndarray, p: np.ndarray) -> list[tuple[float, float]]:
    """(|Spearman ρ|, |Pearson r|) of each column of ``y`` and ``p`` (shape (n_steps, n_cells)) with at
    least :data:`MIN_STEPS` steps where both are finite, where both vary there. Without a missing
    value (most files), every column is ranked in one call."""
    if y.shape[0] < MIN_STEPS:
        return []
    whole = bool(np.isfinite(y).all() and np.isfinite(p).all())
    if whole:
        y_ranks, p_ranks = _ranks(y), _ranks(p)
        varies = (np.ptp(y, axis=0) != 0) & (np.ptp(p, axis=0) != 0)
    found = []
    for column in range(y.shape[1]):
        if whole:
            if not varies[column]:
                continue
            yc, pc, yr, pr = y[:, column], p[:, column], y_ranks[:, column], p_ranks[:, column]
        else:
            both = np.isfinite(y[:, column]) & np.isfinite(p[:, column])
            yc, pc = y[both, column], p[both, column]
            if yc.size < MIN_STEPS or np.ptp(yc) == 0 or np.ptp(pc) == 0:
                continue
            yr, pr = _ranks(yc), _ranks(pc)
        found.append((abs(_pearson(yr, pr)), abs(_pearson(yc, pc))))
    return found


def _picked(block: np.ndarray, where: tuple[np.ndarray, ...]) -> np.ndarray:
    """The values of one block at the indices ``where`` (one array per axis, an outer selection)."""
    return np.asarray(block)[np.ix_(*where)]


def _sample_reads(variable: xr.DataArray, index: dict[str, np.ndarray], *, shared: bool
                  ) -> tuple[list, Callable[[Sequence[np.ndarray]], np.ndarray]]:
    """The tasks that read ``variable`` at the outer selection ``index`` (dimension → sorted indices,
    every dimension of ``variable``), one per block that holds any of them, from the blocks the other
    checks read (:func:`~climann.data.fill_like.blocks_by_place`, the same keys: dask reads each block
    once for all; ``shared`` as there), and what puts their results together (shape: the selection's)."""
    wanted = [np.asarray(index[dim]) for dim in variable.dims]
    data = variable.data
    chunks = data.chunks if dask.is_dask_collection(data) else tuple((size,) for size in variable.shape)
    tasks, places = [], []
    for block, starts in blocks_by_place(data, shared=shared):
        ends = [start + dict(zip(np.cumsum([0, *sizes]).tolist(), sizes))[start]
                for start, sizes in zip(starts, chunks, strict=True)]
        inside = [np.flatnonzero((at >= start) & (at < end))
                  for at, start, end in zip(wanted, starts, ends, strict=True)]
        if any(not held.size for held in inside):
            continue  # a block of no sampled cell or step is not read
        local = tuple(wanted[axis][held] - starts[axis] for axis, held in enumerate(inside))
        tasks.append(dask.delayed(_picked)(block, local))
        places.append(np.ix_(*inside))
    shape = tuple(len(at) for at in wanted)

    def added(parts: Sequence[np.ndarray]) -> np.ndarray:
        values = np.full(shape, np.nan)
        for place, part in zip(places, parts, strict=True):
            values[place] = part
        return values

    return tasks, added


def planned_monotone_relations(dataset: xr.Dataset, target: str, names: Sequence[str], *, time_dim: str,
                               steps: np.ndarray | None, shared: Sequence[str] = ()) -> BlockReads:
    """The reads of :func:`monotone_relations` (same parameters), to be computed with other checks'
    (:func:`~climann.data.fill_like.read_together`): the target's and each predictor's values at the
    sampled cells and steps, taken from the blocks those checks read (the same keys, so that dask reads
    each once for all; ``shared``: the variables whose blocks keep the keys of the file's reads, as
    :func:`~climann.data.target_copies.planned_target_copies` takes them); the answer that of
    :func:`monotone_relations`."""
    keep = set(dataset[target].dims)
    checked = [name for name in dict.fromkeys(names) if name != target and name in dataset.data_vars
               and time_dim in dataset[target].dims and time_dim in dataset[name].dims
               and set(dataset[name].dims) <= keep and dataset[name].dtype.kind in "biuf"]
    if not checked:
        return BlockReads([], lambda parts: {})
    index: dict[str, np.ndarray] = _sampled_cells(dataset[target], time_dim)
    index[time_dim] = (np.arange(dataset.sizes[time_dim]) if steps is None
                       else np.flatnonzero(np.asarray(steps, dtype=bool)))
    order = [time_dim, *(dim for dim in dataset[target].dims if dim != time_dim)]
    reads = []
    for name in (target, *checked):
        variable = dataset[name]
        if set(variable.dims) == keep:
            reads.append((_sample_reads(variable, index, shared=name in shared), variable.dims))
        else:  # fewer dimensions than the target: broadcast on the sample once read
            picked = variable.isel({dim: at for dim, at in index.items() if dim in variable.dims})
            broadcast = picked.broadcast_like(dataset[target].isel(index)).transpose(*dataset[target].dims)
            reads.append((([dask.delayed(np.asarray)(broadcast.data)], lambda parts: parts[0]), dataset[target].dims))
    counts = [len(tasks) for (tasks, _), _ in reads]

    def finish(parts: Sequence[np.ndarray]) -> dict[str, str]:
        from climann.data.target_copies import CORRELATION_THRESHOLD  # imported here: it imports dask's array

        arrays, start = [], 0
        for ((_, added), dims), count in zip(reads, counts, strict=True):
            values = added(parts[start:start + count])
            start += count
            arrays.append(np.transpose(values, [list(dims).index(dim) for dim in order]))
        y = np.asarray(arrays[0], dtype=np.float64).reshape(len(index[time_dim]), -1)
        found = {}
        for name, p in zip(checked, arrays[1:], strict=True):
            cells = _cell_correlations(y, np.asarray(p, dtype=np.float64).reshape(y.shape))
            if not cells or sum(r >= CORRELATION_THRESHOLD for _, r in cells) >= MONOTONE_SHARE * len(cells):
                continue  # an exact linear function: target_copies says it (a toy target made from its predictor)
            share = sum(_monotone(rho, r) for rho, r in cells) / len(cells)
            if share >= MONOTONE_SHARE:
                found[name] = (f"|Spearman rho| >= {RANK_CORRELATION:g} with {target} over the training steps, "
                               f"nearer 1 than its linear correlation, at {100 * share:.3g}% of {len(cells)} sampled "
                               "cells: (almost) a monotone function of it")
        return found

    return BlockReads([task for (tasks, _), _ in reads for task in tasks], finish)


def _monotone(rho: float, r: float) -> bool:
    """Whether a cell's |Spearman ρ| and |Pearson r| say a monotone function that is no linear one
    with noise: ρ ≥ :data:`RANK_CORRELATION` and 1 − r beyond :data:`NONLINEAR_RATIO` × (1 − ρ) +
    :data:`NONLINEAR_MARGIN`. A rank is monotone exactly (ρ = 1) but not linear (a normal target's
    percentile: r ≈ 0.98); a driver with small noise (a toy T2 = 230 + 0.2 SWDOWN + ε) has
    1 − ρ ≥ 1 − r (for a bivariate normal, ρ = 6/π asin(r/2) < r)."""
    return rho >= RANK_CORRELATION and (1 - r) > NONLINEAR_RATIO * (1 - rho) + NONLINEAR_MARGIN


def monotone_relations(dataset: xr.Dataset, target: str, names: Sequence[str], *, time_dim: str,
                       steps: np.ndarray | None) -> dict[str, str]:
    """Of ``names``, those (almost) a monotone function of ``target`` at the same time steps, not an
    exact linear one nor a linear one with noise (the module's second rule) → what was found.

    Parameters
    ----------
    dataset : xarray.Dataset
        Lazy or in memory.
    target : str
    names : sequence of str
        The predictors; those without ``time_dim`` or with a dimension the target lacks are skipped.
    time_dim : str
    steps : ndarray of bool, shape (n_time,), or None
        The training steps looked at (None: every step).

    Returns
    -------
    dict of str to str
        ``{"q": "|Spearman rho| >= 0.99 with tas over the training steps, … at 100% of 30 sampled cells: …"}``.
    """
    planned = planned_monotone_relations(dataset, target, names, time_dim=time_dim, steps=steps)
    return planned.finish(dask.compute(*planned.tasks)) if planned.tasks else {}


def rank_note(relations: dict[str, str], target: str) -> str:
    """One line for the notes of the default predictors: which rank ``target``'s values and why left out."""
    shown = "; ".join(f"{name} ({reason})" for name, reason in relations.items())
    them = "them" if len(relations) > 1 else "it"
    return (f"left out of the default predictors: {shown}: data about {target}'s own values (a percentile, rank or "
            f"monotone transform of them), so a network fed {them} rebuilds {target} rather than predicts it "
            f"(target leakage); name {them} in [data] predictors (--predictors) to use {them} anyway")


def warn_rank_predictors(dataset: xr.Dataset, predictors: Sequence[str], target: str, *, where: str,
                         time_dim: str, steps: np.ndarray | None,
                         found: Callable[[], dict[str, str]] | None = None) -> None:
    """Warn once, in one line, when predictors named by the user rank the target's values, by their
    words (:func:`rank_relations`) or their values (:func:`monotone_relations`; ``found``: the answer
    of :func:`planned_monotone_relations` of them, computed with other checks' reads; None: read here)."""
    named = [name for name in predictors if name in dataset.data_vars and name != target]
    relations = rank_relations(dataset, target, named)
    monotone = found() if found is not None else monotone_relations(dataset, target, named, time_dim=time_dim,
                                                                    steps=steps)
    relations |= {name: reason for name, reason in monotone.items() if name not in relations}
    if relations:
        shown = "; ".join(f"{name} ({reason})" for name, reason in relations.items())
        note_once(_log, logging.WARNING, f"predictors in {where}: {shown}: data about {target}'s own values (a "
                  f"percentile, rank or monotone transform of them): its skill would be {target} rebuilt, not "
                  f"predicted; leave {', '.join(relations)} out of [data] predictors unless that is what you mean "
                  "to test")
