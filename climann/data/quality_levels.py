"""A target whose own quality flag says some of its values are bad: the share, and the line that masks them.

GHRSST L2P/L3/L4 files (GHRSST Data Specification v2.0, GDS 2.0, "quality_level") give each
``sea_surface_temperature`` a ``quality_level`` named in its ``ancillary_variables`` (CF 1.8
§3.4), a CF flag variable (§3.5) with ``flag_values`` 0…5 and ``flag_meanings`` "no_data bad_data
worst_quality low_quality acceptable_quality best_quality". GDS 2.0 leaves the choice of levels
to the user's need: 0 and 1 are no data and bad data, 2 the worst usable; the warning names the
levels below 3 and masks them in a line the user may change. An L3C folder trained on every
level (break39b B4: 29.9 % of the values at levels 1 and 2, cloud-contaminated and 0.8 K too
cold) learns the clouds with the SST, without a word.

So when the target's ``ancillary_variables`` name a flag variable of ordered quality levels
(:func:`quality_flag`: ``flag_values`` whose every meaning is a quality word of
:data:`BAD_MEANINGS` or :data:`USABLE_MEANINGS`, at least one of each), one warning
(:func:`warn_low_quality_target`) says the share of the target's values at the bad levels and
gives the xarray line that masks them (a loop writing a copy of each file into a new folder for
several files, :func:`climann.data.shell.copies_of_files`); the run goes on, with them. Bit fields
(``flag_masks``, GHRSST's ``l2p_flags``) are conditions, not levels: not read here, nor a
quality flag whose meanings are no quality words.

ISMN's station files (the International Soil Moisture Network, Dorigo et al. 2013, "Global automated
quality control of in situ soil moisture data from the ISMN", Vadose Zone J.) name instead a flag
of text codes in the target's ``ancillary_variables`` (:func:`text_quality_flag`): ``G`` good,
``C01``…``C03`` beyond physical limits (``C03`` above the soil's saturation), ``D01``…``D10``
dubious (frozen soil, spikes, breaks), ``M`` missing. climann applies none of them: the same
warning says how many of the target's values are flagged other than good, by code, and gives the
line that keeps only those flagged ``G`` (break42a A6: 1 % of ``C03`` values at 0.6 m3 m-3 trained
and scored on without a word).

The counts are made in a run's one read of its target (:func:`planned_quality_counts`, computed
with the checks of :mod:`climann.data.value_checks` from the same dask blocks): the target's values
are read once for all, the flag once beside them.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import dask
import numpy as np
import pandas as pd
import xarray as xr

from climann.data.fill_like import BlockReads, blocks_by_place, read_together
from climann.data.notes import note_once
from climann.data.shell import copies_of_files, input_and_copy, xarray_command
from climann.data.sources import files_text, source_files

__all__ = ["BAD_MEANINGS", "GOOD_CODES", "USABLE_MEANINGS", "QualityCounts", "masking_statements",
           "planned_quality_counts", "quality_flag", "text_quality_flag", "warn_low_quality_target"]

_log = logging.getLogger(__name__)

#: Meanings of the lowest quality levels, named and masked by the warning's line (lower case): GHRSST's
#: no_data, bad_data and worst_quality, and their plain words.
BAD_MEANINGS = frozenset({"no_data", "bad_data", "worst_quality", "bad", "bad_quality", "worst", "invalid",
                          "not_used", "unusable", "missing"})

#: Meanings of usable quality levels (lower case): GHRSST's low_quality, acceptable_quality and
#: best_quality, and their plain words.
USABLE_MEANINGS = frozenset({"low_quality", "acceptable_quality", "best_quality", "low", "acceptable", "best",
                             "good", "good_quality", "good_data", "high_quality", "medium_quality", "excellent",
                             "probably_good"})


#: The codes of a text quality flag that say a value is good: ISMN's ``G`` (Dorigo et al. 2013).
GOOD_CODES = ("G",)


def text_quality_flag(dataset: xr.Dataset, target: str) -> str | None:
    """The flag variable of text codes (ISMN's ``soil_moisture_flag``: ``G``, ``D01``, ``C03`` …)
    that the target's ``ancillary_variables`` name, on no dimension the target lacks; None when
    there is none. Its name or ``long_name`` says a flag or a quality.

    Parameters
    ----------
    dataset : xarray.Dataset
    target : str

    Returns
    -------
    str or None
    """
    for name in str(dataset[target].attrs.get("ancillary_variables", "")).split():
        if name not in dataset.variables or dataset[name].dtype.kind not in "USO":
            continue
        words = f"{name} {dataset[name].attrs.get('long_name', '')}".lower()
        if ("flag" in words or "quality" in words) and set(dataset[name].dims) <= set(dataset[target].dims):
            return name
    return None


def quality_flag(dataset: xr.Dataset, target: str) -> tuple[str, list[int], list[str]] | None:
    """The flag variable of ordered quality levels that the target's ``ancillary_variables``
    name, with its bad values and their meanings; None when there is none.

    Parameters
    ----------
    dataset : xarray.Dataset
        Holding the target and, to be found, the flag variable.
    target : str

    Returns
    -------
    tuple of (str, list of int, list of str) or None
        ``("quality_level", [0, 1, 2], ["no_data", "bad_data", "worst_quality"])``.
    """
    for name in str(dataset[target].attrs.get("ancillary_variables", "")).split():
        if name not in dataset.variables:
            continue
        attrs = dataset[name].attrs
        values = np.atleast_1d(np.asarray(attrs.get("flag_values", []))).tolist()
        meanings = str(attrs.get("flag_meanings", "")).lower().split()
        if "flag_masks" in attrs or not values or len(values) != len(meanings):
            continue
        if set(meanings) <= BAD_MEANINGS | USABLE_MEANINGS and BAD_MEANINGS & set(meanings) \
                and USABLE_MEANINGS & set(meanings):
            bad = [(int(value), meaning) for value, meaning in zip(values, meanings) if meaning in BAD_MEANINGS]
            return name, [value for value, _ in bad], [meaning for _, meaning in bad]
    return None


def masking_statements(target: str, flag: str, bad: list[int], *, text: bool = False) -> list[str]:
    """The Python statements, on a dataset ``d`` opened by xarray, that set the target's values at
    the ``bad`` levels of ``flag`` missing, its encoding kept (the packing of GHRSST's ``int16``
    SST is written back as it was); for a flag of text codes (``text``), those flagged other than
    :data:`GOOD_CODES` (the file's characters read as text: xarray gives them as bytes)."""
    kept = (f"d[{flag!r}].astype(str).isin({list(GOOD_CODES)})" if text else f"~d[{flag!r}].isin({bad})")
    return [f"e = d[{target!r}].encoding",
            f"d[{target!r}] = d[{target!r}].where({kept})",
            f"d[{target!r}].encoding = e"]


@dataclass(frozen=True)
class QualityCounts:
    """How many of the target's values are held (not missing), and how many of those lie at the
    bad levels of its quality flag (:func:`quality_flag`).

    Attributes
    ----------
    flag : str
        The flag variable (``"quality_level"``).
    bad : list of int
        Its bad levels (``[0, 1, 2]``), and ``meanings`` theirs.
    meanings : list of str
    n_held : int
        The target's values not missing.
    n_bad : int
        Those of them whose flag is one of ``bad``.
    codes : dict of str to int
        Of a flag of text codes (:func:`text_quality_flag`): the count of the target's values
        held at each code other than :data:`GOOD_CODES` (then ``bad`` and ``meanings`` are empty).
    """

    flag: str
    bad: list[int]
    meanings: list[str]
    n_held: int
    n_bad: int
    codes: dict[str, int] | None = None


def planned_quality_counts(dataset: xr.Dataset, target: str, *, shared: bool = False) -> BlockReads:
    """The reads of the counts :func:`warn_low_quality_target` says, to be computed with the run's
    other checks of every value (:func:`~climann.data.fill_like.read_together`,
    :mod:`climann.data.value_checks`): each block of the target is read as those checks read it
    (:func:`~climann.data.fill_like.blocks_by_place`, the same keys, so that dask reads it once
    for all), beside the block of its flag over the same cells and steps, and reduced to two counts.

    Parameters
    ----------
    dataset : xarray.Dataset
        As opened and subset (lazy), holding the target and its quality flag.
    target : str
    shared : bool
        Whether the target's blocks keep the file's keys (:func:`~climann.data.fill_like.blocks_by_step`),
        as the other checks read it.

    Returns
    -------
    climann.data.fill_like.BlockReads
        Its answer: a :class:`QualityCounts`, or None when the target is absent, has no quality
        flag of ordered levels, or the flag has a dimension the target lacks (nothing read).
    """
    found = quality_flag(dataset, target) if target in dataset.data_vars else None
    text = text_quality_flag(dataset, target) if target in dataset.data_vars and found is None else None
    if text is not None:
        found = (text, [], [])
    if found is None or not set(dataset[found[0]].dims) <= set(dataset[target].dims):
        return BlockReads([], lambda parts: None)
    flag, bad, meanings = found
    values = dataset[target]
    levels = dataset[flag].broadcast_like(values).transpose(*values.dims)
    if dask.is_dask_collection(values.data):  # the flag's blocks on the target's: one pair per task
        levels = levels.chunk(dict(zip(values.dims, values.data.chunks, strict=True)))
    count = _block_code_counts if text is not None else _block_quality_counts
    tasks = [dask.delayed(count)(block, level_block, bad)
             for (block, _), (level_block, _) in zip(blocks_by_place(values.data, shared=shared),
                                                     blocks_by_place(levels.data), strict=True)]

    def finish(parts: Sequence[tuple]) -> QualityCounts:
        if text is None:
            return QualityCounts(flag, bad, meanings, sum(part[0] for part in parts), sum(part[1] for part in parts))
        codes: dict[str, int] = {}
        for _, _, found_codes in parts:
            for code, number in found_codes.items():
                codes[code] = codes.get(code, 0) + number
        return QualityCounts(flag, [], [], sum(part[0] for part in parts), sum(part[1] for part in parts),
                             codes=dict(sorted(codes.items())))

    return BlockReads(tasks, finish)


def _block_quality_counts(values: np.ndarray, levels: np.ndarray, bad: list[int]) -> tuple[int, int]:
    """Of one block of the target and the same block of its flag: how many of its values are
    held (not missing, as xarray's ``notnull``), and how many of those have a flag in ``bad``."""
    held = ~pd.isnull(np.asarray(values))
    return int(held.sum()), int((held & np.isin(np.asarray(levels), bad)).sum())


def _block_code_counts(values: np.ndarray, codes: np.ndarray, bad: list) -> tuple[int, int, dict[str, int]]:
    """Of one block of the target and the same block of its flag of text codes: how many of its
    values are held, how many of those are flagged other than :data:`GOOD_CODES`, and how many at
    each such code (``bad`` unused: every code but the good ones is counted)."""
    held = ~pd.isnull(np.asarray(values))
    text = np.char.strip(np.asarray(codes).astype(str))
    other = held & ~np.isin(text, GOOD_CODES)
    found, numbers = np.unique(text[other], return_counts=True)
    return int(held.sum()), int(other.sum()), {str(code): int(number) for code, number in zip(found, numbers)}


def warn_low_quality_target(dataset: xr.Dataset, target: str, *, where: str,
                            counts: QualityCounts | None = None) -> None:
    """Warn once when some of the target's values lie at the bad levels of its own quality flag
    (:func:`quality_flag`): how many of its values (those not missing), which levels, and the
    line that masks them in copies of its files.

    Parameters
    ----------
    dataset : xarray.Dataset
        As opened, holding the target and its quality flag (else nothing is said).
    target : str
    where : str
        The files, for the message.
    counts : QualityCounts or None
        The counts, read with the run's other checks (:func:`planned_quality_counts`,
        :func:`climann.data.value_checks.warn_held_values`); None: read here, alone.
    """
    if counts is None:
        counts = read_together(planned_quality_counts(dataset, target))[0]()
    if counts is None or counts.n_bad == 0:
        return
    flag, bad, meanings, n_held, n_bad = counts.flag, counts.bad, counts.meanings, counts.n_held, counts.n_bad
    statements = masking_statements(target, flag, bad, text=counts.codes is not None)
    files = list(source_files(dataset[target]))
    if len(files) > 1:
        line = copies_of_files(lambda arguments, file: xarray_command(statements, arguments), files,
                               name="quality_masked")
    else:
        line = xarray_command(statements, input_and_copy(files[0], "quality_masked") if files else "IN.nc OUT.nc")
    if counts.codes is not None:
        said = ", ".join(f"{code} {number}" for code, number in counts.codes.items())
        note_once(_log, logging.WARNING, (
            f"{files_text(files) if files else where}: {n_bad} of the {n_held} values of '{target}' "
            f"({100 * n_bad / n_held:.1f} %) have {flag} other than {' or '.join(GOOD_CODES)} (good) ({said}), "
            f"quality flags its ancillary_variables name (CF 3.4; ISMN's codes: C beyond physical limits, C03 above "
            f"the soil's saturation, D dubious), which climann does not apply: they are trained and scored on as the "
            f"others; to keep only the values flagged {' or '.join(GOOD_CODES)}: {line}"),
            key=("low quality target", target, flag))
        return
    levels_said = ", ".join(f"{value} {meaning}" for value, meaning in zip(bad, meanings))
    note_once(_log, logging.WARNING, (
        f"{files_text(files) if files else where}: {n_bad} of the {n_held} values of '{target}' "
        f"({100 * n_bad / n_held:.1f} %) have {flag} "
        f"{levels_said}, the lowest levels of its own quality flag (its ancillary_variables, CF 3.4; GHRSST's GDS 2.0 "
        f"leaves which levels to keep to the use: 2 is its worst usable), and they are trained and scored on as the "
        f"others; to leave them out: {line}"), key=("low quality target", target, flag))
