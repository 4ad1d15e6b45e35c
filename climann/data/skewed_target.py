"""A positive target strongly skewed to the right: a note that such a quantity is often modelled in log10.

Ocean-colour chlorophyll (CMEMS/GlobColour L4 ``CHL``, mg m-3) is log-normal (Campbell 1995, "The
lognormal distribution as a model for bio-optical variability in the sea", J. Geophys. Res. 100;
IOCCG reports validate it in log10): 0.4 mg m-3 in most of the ocean, 30 in a bloom. Trained and
scored in linear units, the blooms dominate the squared errors and predictions may go negative
(break50b A5: skewness 5.29, of log10 0.48). climann changes no value: when every held value of
the target is positive and their skewness is large while that of their log10 is much smaller
(:data:`SKEWNESS_LIMIT`, :data:`LOG_SKEWNESS_SHARE`), one warning says so, on the terminal as
every advice on the data is (break51 N3: at INFO it reached ``train.log`` alone), with the ncap2
line that writes copies of the files holding log10 of the target (its units then ``1``, its
``standard_name`` and valid range removed where the file has them: they describe the linear
quantity).

The moments are summed in the run's one read of its target (:func:`planned_skewness`, with the
checks of :mod:`climann.data.value_checks`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import dask
import numpy as np
import xarray as xr

from climann.data.fill_like import BlockReads, blocks_by_place
from climann.data.notes import note_once
from climann.data.paths import is_zarr_store
from climann.data.shell import copies_of_files, input_and_copy
from climann.data.sources import files_text, name_in_file, source_files

__all__ = ["LINEAR_ATTRIBUTES", "LOG_SKEWNESS_SHARE", "SKEWNESS_LIMIT", "Skewness", "log10_command",
           "note_log_normal_target", "planned_skewness"]

_log = logging.getLogger(__name__)

#: The skewness of the target's values above which a positive target is said to be strongly
#: skewed to the right (a normal distribution has 0, an exponential one 2).
SKEWNESS_LIMIT = 2.0

#: The largest share of that skewness the skewness of their log10 may have (in absolute value)
#: for log10 to be said to take it away.
LOG_SKEWNESS_SHARE = 0.25


@dataclass(frozen=True)
class Skewness:
    """The sample skewness (Fisher's, biased: the third central moment over the cube of the
    standard deviation, as :func:`scipy.stats.skew`) of the target's held values and of their log10.

    Attributes
    ----------
    n : int
        The held values.
    positive : bool
        Whether every one of them is above 0 (else log10 is not taken).
    skewness, log_skewness : float
    low, high : float
        Their smallest and largest, in the target's units.
    """

    n: int
    positive: bool
    skewness: float
    log_skewness: float
    low: float
    high: float


def _block_sums(values: np.ndarray) -> tuple:
    """Of one block of the target: the held values' count, whether all are positive, their smallest
    and largest, and the sums of their first three powers and of those of their log10."""
    x = np.asarray(values, dtype="float64")
    x = x[np.isfinite(x)]  # infinite values are the checks' of infinities (infinite_values), not a skew
    if not x.size:
        return 0, True, np.inf, -np.inf, (0.0,) * 3, (0.0,) * 3
    positive = bool((x > 0).all())
    logs = np.log10(x) if positive else np.zeros(1)
    with np.errstate(over="ignore", invalid="ignore"):  # cubes beyond float64: a sum of inf, no note (_skew)
        return (x.size, positive, float(x.min()), float(x.max()), tuple(float((x ** k).sum()) for k in (1, 2, 3)),
                tuple(float((logs ** k).sum()) for k in (1, 2, 3)))


def _skew(n: int, sums: Sequence[float]) -> float:
    """The sample skewness from the sums of the first three powers of ``n`` values."""
    if not all(np.isfinite(sums)):
        return float("nan")
    mean, m2, m3 = (total / n for total in sums)
    variance = m2 - mean ** 2
    if variance <= 0:
        return 0.0
    return float((m3 - 3 * mean * m2 + 2 * mean ** 3) / variance ** 1.5)


def planned_skewness(dataset: xr.Dataset, target: str | None, *, shared: bool = False) -> BlockReads:
    """The reads of :class:`Skewness` of ``target``, each block read as the other checks read it
    (:func:`~climann.data.fill_like.blocks_by_place`, the same keys: dask reads it once for all).

    Returns
    -------
    climann.data.fill_like.BlockReads
        Its answer: a :class:`Skewness`, or None when there is no target or no held value.
    """
    if target is None or target not in dataset.data_vars or dataset[target].dtype.kind not in "iuf":
        return BlockReads([], lambda parts: None)
    tasks = [dask.delayed(_block_sums)(block) for block, _ in blocks_by_place(dataset[target].data, shared=shared)]

    def finish(parts: Sequence[tuple]) -> Skewness | None:
        n = sum(part[0] for part in parts)
        if not n:
            return None
        positive = all(part[1] for part in parts)
        sums = [sum(part[4][k] for part in parts) for k in range(3)]
        logs = [sum(part[5][k] for part in parts) for k in range(3)]
        return Skewness(n, positive, _skew(n, sums), _skew(n, logs) if positive else float("nan"),
                        min(part[2] for part in parts), max(part[3] for part in parts))

    return BlockReads(tasks, finish)


#: The attributes of the target that describe the linear quantity, removed from its log10 copy.
LINEAR_ATTRIBUTES = ("standard_name", "valid_min", "valid_max", "valid_range")


def log10_command(name: str, arguments: str) -> str:
    """The ncap2 line that writes a copy of a file holding log10 of ``name`` in place of it, its
    units ``1`` and its ``standard_name``, ``valid_min``, ``valid_max`` and ``valid_range``
    (:data:`LINEAR_ATTRIBUTES`) removed where the file has them: ncap2's ``ram_delete`` of an
    attribute a file lacks warns (``ncap2: WARNING … unable to find variable: CHL@valid_range``),
    once per file of a loop (break51 N3), so each is removed only if it ``exists()``.

    Examples
    --------
    >>> log10_command("CHL", "a.nc a_log10.nc")
    'ncap2 -s \\'CHL=log10(CHL);CHL@units="1";if(exists(CHL@standard_name)) ram_delete(CHL@standard_name);\
if(exists(CHL@valid_min)) ram_delete(CHL@valid_min);if(exists(CHL@valid_max)) ram_delete(CHL@valid_max);\
if(exists(CHL@valid_range)) ram_delete(CHL@valid_range)\\' a.nc a_log10.nc'
    """
    removed = ";".join(f"if(exists({name}@{attribute})) ram_delete({name}@{attribute})"
                       for attribute in LINEAR_ATTRIBUTES)
    return f"ncap2 -s '{name}=log10({name});{name}@units=\"1\";{removed}' {arguments}"


def note_log_normal_target(dataset: xr.Dataset, target: str, found: Skewness | None, *, where: str) -> None:
    """Warn once that the target is positive and strongly skewed to the right while its log10
    is not, with the line that writes copies of its files in log10 (:func:`log10_command`)."""
    if (found is None or not found.positive or not np.isfinite(found.skewness) or found.skewness <= SKEWNESS_LIMIT
            or abs(found.log_skewness) > LOG_SKEWNESS_SHARE * found.skewness):
        return
    variable = dataset[target]
    files = list(source_files(variable))
    name = name_in_file(variable)
    if files and not any(is_zarr_store(file) for file in files):  # one file's copy too in a folder (fix53a)
        line = copies_of_files(lambda arguments, file: log10_command(name, arguments), files, name="log10")
    else:
        line = log10_command(name, input_and_copy(files[0], "log10") if files else "IN.nc OUT.nc")
    units = variable.attrs.get("units", "")
    note_once(_log, logging.WARNING, (
        f"{files_text(files) if files else where}: the {found.n} values of '{target}' are all positive "
        f"({found.low:.3g} … {found.high:.3g} {units}) and strongly skewed to the right (skewness "
        f"{found.skewness:.2f}; of their log10 {found.log_skewness:.2f}): a quantity distributed so (ocean "
        f"chlorophyll, Campbell 1995) is often modelled in log10, where an error is a ratio and no prediction is "
        f"negative; climann trains on the values as they are; to train on their log10 (scores then in log10 "
        f"units): {line}"), key=("log-normal target", target))
