"""A ``_FillValue`` or ``missing_value`` that is a value of the data themselves.

CF says a variable's ``_FillValue`` and ``missing_value`` mark missing data (CF-1.8 §2.5.1),
and climann reads them so, as xarray does: every value equal to one is missing. Some files
mark with a number the data also take: a gauge-derived precipitation grid with
``missing_value = 0`` ("no data = 0"), where every dry cell (a third of the values) is then
dropped, every score becomes a wet-cell score and the climatology a wet-cell mean
(break19b F4); a packer that left 0 as the ``_FillValue`` of a temperature packed around
280 K, where the values that were exactly 280 K vanish. Following CF, climann keeps reading
them as missing (the attribute may be right: a product that writes 0 where it has no
gauge), but says so in one warning line per variable (:func:`warn_fill_among_values`), with
the count of missing values and the ``ncatted`` that removes the attribute in a copy.

A mark is suspect (:func:`_suspect`) when its decoded value is

- 0 for a quantity that cannot be negative (:func:`climann.data.nonnegative.cannot_be_negative`:
  precipitation, snow, runoff, contents): 0 is its lower bound and a common value;
- strictly between the smallest and the largest value the data hold besides it: a fill value
  is chosen outside the data (CF §2.5.1: "a value outside the valid range"; NUG "Fill
  Values"), never in their midst.

Only a mark that marks values is named (the data hold missing values). The values are
counted in the one read of :mod:`climann.data.value_checks`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import dask
import numpy as np
import xarray as xr

from climann.data.fill_like import BlockReads, blocks_by_step, read_together
from climann.data.nonnegative import cannot_be_negative
from climann.data.shell import input_and_copy, ncatted_attribute, ncatted_command
from climann.data.sources import variable_file, variable_where
from climann.data.stored_values import FILL_ATTRIBUTES, unpacked

__all__ = ["FillAmongValues", "fill_among_values", "planned_fill_among_values", "warn_fill_among_values"]

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FillAmongValues:
    """What the data of a variable with fill marks hold, counted on every value.

    Attributes
    ----------
    missing, size : int
        The missing (NaN) values, and every value read.
    lowest, highest : float
        The smallest and largest values held (NaN when every value is missing).
    """

    missing: int
    size: int
    lowest: float
    highest: float


def _marks(variable: xr.DataArray) -> dict[str, list[float]]:
    """{attribute: its values decoded (unpacked as the data are)} of the variable's
    ``_FillValue`` and ``missing_value`` (CF-1.8 §2.5.1), NaN marks left out."""
    found = {}
    for key in FILL_ATTRIBUTES:
        if key in variable.encoding:
            values = np.atleast_1d(unpacked(np.atleast_1d(variable.encoding[key]), variable.encoding,
                                            np.dtype(variable.dtype)))
            found[key] = [float(value) for value in values if np.isfinite(value)]
    return {key: values for key, values in found.items() if values}


def _in_block(block: np.ndarray) -> tuple[int, float, float]:
    """The missing values of ``block``, its smallest and largest value (NaN left out)."""
    block = np.asarray(block, dtype=np.float64)
    if not block.size:
        return 0, np.inf, -np.inf
    missing = int(np.isnan(block).sum())
    if missing == block.size:
        return missing, np.inf, -np.inf
    return missing, float(np.nanmin(block)), float(np.nanmax(block))


def planned_fill_among_values(dataset: xr.Dataset, names: Sequence[str], *, shared: Sequence[str] = ()) -> BlockReads:
    """The reads of :func:`fill_among_values`, to be computed with other checks'
    (:func:`~climann.data.fill_like.read_together`)."""
    chosen, tasks, places = [], [], []
    for name in names:
        if name not in dataset.data_vars or dataset[name].dtype.kind != "f" or not _marks(dataset[name]):
            continue
        for block, _ in blocks_by_step(dataset[name].data, None, shared=name in shared):
            tasks.append(dask.delayed(_in_block)(block))
            places.append(len(chosen))
        chosen.append(name)

    def finish(parts: Sequence[tuple]) -> dict[str, FillAmongValues]:
        missing = dict.fromkeys(chosen, 0)
        lowest, highest = dict.fromkeys(chosen, np.inf), dict.fromkeys(chosen, -np.inf)
        for number, (count, low, high) in zip(places, parts, strict=True):
            name = chosen[number]
            missing[name] += count
            lowest[name], highest[name] = min(lowest[name], low), max(highest[name], high)
        return {name: FillAmongValues(missing[name], int(dataset[name].size),
                                      lowest[name] if np.isfinite(lowest[name]) else np.nan,
                                      highest[name] if np.isfinite(highest[name]) else np.nan) for name in chosen}

    return BlockReads(tasks, finish)


def fill_among_values(dataset: xr.Dataset, names: Sequence[str]) -> dict[str, FillAmongValues]:
    """:class:`FillAmongValues` of each variable of ``names`` with a fill mark, each block read once."""
    return read_together(planned_fill_among_values(dataset, names))[0]()


def _suspect(name: str, variable: xr.DataArray, value: float, held: FillAmongValues) -> str | None:
    """Why the decoded mark ``value`` looks like data (see the module description), or None."""
    nonnegative = cannot_be_negative(name, variable)
    if value == 0 and nonnegative:
        return f"0 is a valid value of it ({nonnegative} says it cannot be negative, and 0 is its lower bound)"
    if held.lowest < value < held.highest:
        return f"it lies among the values the data hold ({held.lowest:g} to {held.highest:g})"
    return None


def warn_fill_among_values(
    dataset: xr.Dataset, names: Sequence[str], *, where: str, file: str | Path | None,
    found: dict[str, FillAmongValues] | None = None,
) -> None:
    """Warn, one line per variable, when a ``_FillValue`` or ``missing_value`` that marks
    values looks like a value of the data (see the module description): the values it marks
    stay missing, as CF says; the warning gives their count and the ``ncatted`` that removes
    the attribute in a copy (NCO manual, "ncatted": mode ``d``).

    Parameters
    ----------
    dataset : xarray.Dataset
        As opened.
    names : sequence of str
        The variables to check (those absent are skipped).
    where : str
        The files, for the message, when the variable does not record its own.
    file : str or Path or None
        The file to name in the command when the variable does not record its one file; None
        for data from several files (``IN.nc OUT.nc``).
    found : dict, optional
        :func:`fill_among_values` of ``names`` when the caller read them with other checks.
    """
    present = [name for name in names if name in dataset.data_vars]
    found = fill_among_values(dataset, present) if found is None else found
    for name, held in found.items():
        if not held.missing:
            continue
        variable = dataset[name]
        for key, values in _marks(variable).items():
            reason = next((why for value in values if (why := _suspect(name, variable, value, held))), None)
            if reason is None:
                continue
            own = variable_file(variable) or file
            files = "IN.nc OUT.nc" if own is None else input_and_copy(own)
            share = 100 * held.missing / held.size
            marks = ", ".join(f"{value:g}" for value in values)
            _log.warning(
                f"'{name}' in {variable_where(variable, where)} has {key} {marks}, and {reason}: {held.missing} of "
                f"its {held.size} values ({share:.3g} %) are read as missing (CF §2.5.1); if they are data, remove "
                f"the attribute in a copy: {ncatted_command([ncatted_attribute(key, name, 'd')], files)}"
            )
            break
