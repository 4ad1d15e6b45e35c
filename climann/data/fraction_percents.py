"""Fractions labelled as percentages: a variable in ``%`` whose values all lie in 0 … 1.

NOAA's OISST v2.1 stores sea-ice concentration ``ice`` as shorts with ``scale_factor = 0.01``
and ``valid_max = 100`` (unpacked: 0 … 1) under ``units = "%"`` (the product's own ``ncdump``:
``ice:units = "%" ; ice:scale_factor = 0.01f ; ice:valid_max = 100s``): a fraction of the cell
labelled a percentage. Read as ``%`` such values are 100 times too small wherever units are
converted or compared (a bound of 100 %, a predictor of another product's ``siconc`` in %).
climann does not guess which is meant: it warns once per variable, with its largest value and
the ``ncatted`` line that labels it a fraction (``units = "1"``, CF-1.8 §3.1), after every value
is read with the run's other checks (:func:`~climann.data.fill_like.read_together`).
A percentage that is a ratio to a reference (percent of normal) is not such a share of a whole
(:func:`~climann.data.bounded_quantities.upper_bound`) and is left alone.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Mapping, Sequence

import dask
import numpy as np
import xarray as xr

from climann.data.bounded_quantities import upper_bound
from climann.data.fill_like import BlockReads, checked_blocks
from climann.data.flags import PERCENT_UNITS
from climann.data.notes import with_store_notes
from climann.data.shell import attribute_command, input_and_copy, ncatted_attribute, one_copy_advice
from climann.data.sources import files_text, source_files

_log = logging.getLogger(__name__)


def _percent_shares(dataset: xr.Dataset, names: Sequence[str]) -> list[str]:
    """The variables of ``names`` in percent (:data:`~climann.data.flags.PERCENT_UNITS`) that are
    shares of a whole (bounded by 100 %: :func:`~climann.data.bounded_quantities.upper_bound`)."""
    return [name for name in dict.fromkeys(names) if name in dataset.data_vars
            and str(dataset[name].attrs.get("units", "")).strip().lower() in PERCENT_UNITS
            and (bound := upper_bound(name, dataset[name])) is not None and bound[0] == 100.0]


def _block_extremes(block: np.ndarray, time_axis: int | None, held: np.ndarray | None) -> tuple[float, float]:
    """The smallest and largest value of one block at its steps ``held`` (NaN when none is present)."""
    values = np.asarray(block, dtype=np.float64)
    values = values if time_axis is None else np.take(values, held, time_axis)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a block of missing values only
        return float(np.nanmin(values)) if values.size else np.nan, float(np.nanmax(values)) if values.size else np.nan


def planned_percent_ranges(dataset: xr.Dataset, names: Sequence[str], *, shared: Sequence[str] = ()) -> BlockReads:
    """The reads of the smallest and largest value of each variable of ``names`` in percent that is
    a share of a whole, to be computed with the run's other checks of every value
    (:func:`~climann.data.fill_like.read_together`), each block as they read it
    (:func:`~climann.data.fill_like.checked_blocks`).

    Parameters
    ----------
    dataset : xarray.Dataset
        As opened and subset (lazy).
    names : sequence of str
        The variables checked (those absent, or not in percent, have no read).
    shared : sequence of str
        The variables whose blocks keep the file's keys, as the other checks read them.

    Returns
    -------
    climann.data.fill_like.BlockReads
        Its answer: {name: (smallest, largest)}, NaN for a variable of no value present.
    """
    chosen = _percent_shares(dataset, names)
    tasks, owners = [], []
    for name in chosen:
        variable = dataset[name]
        time = next((dim for dim in variable.dims if dim == "time"), None)
        axis = None if time is None else variable.dims.index(time)
        for block, _, held in checked_blocks(variable, shared=name in shared):
            tasks.append(dask.delayed(_block_extremes)(block, axis, held))
            owners.append(name)

    def finish(parts: Sequence[tuple[float, float]]) -> dict[str, tuple[float, float]]:
        found = {}
        for name in chosen:
            own = np.array([part for owner, part in zip(owners, parts, strict=True) if owner == name], dtype=np.float64)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                found[name] = ((float(np.nanmin(own[:, 0])), float(np.nanmax(own[:, 1]))) if own.size
                               else (np.nan, np.nan))
        return found

    return BlockReads(tasks, finish)


def warn_fractions_in_percent(dataset: xr.Dataset, ranges: Mapping[str, tuple[float, float]], *, where: str) -> None:
    """Warn once of each variable in percent whose values all lie in 0 … 1, some above 0: a
    fraction labelled ``%`` (OISST v2.1's ``ice``), naming its largest value and the ``ncatted``
    line that labels it ``1`` (a copy beside its one file, or ``IN.nc OUT.nc`` for several).

    Parameters
    ----------
    dataset : xarray.Dataset
        As opened.
    ranges : mapping of str to (float, float)
        :func:`planned_percent_ranges`'s answer: each variable's smallest and largest value.
    where : str
        The files, for the message, when a variable does not record its own.
    """
    for name, (low, high) in ranges.items():
        if not (np.isfinite(low) and np.isfinite(high) and low >= 0.0 and 0.0 < high <= 1.0):
            continue
        files = source_files(dataset[name])
        held = files_text(files) if files else where
        copy = input_and_copy(files[0], "fraction") if len(files) == 1 else "IN.nc OUT.nc"
        labelled = [ncatted_attribute("units", name, "o", "c", "1")]
        # one file's copy in a new folder (fix54b: X_fraction.nc beside X.nc, taken with it by a glob)
        command = one_copy_advice(lambda arguments: f"`{attribute_command(labelled, arguments)}`", copy, "fraction")
        units = dataset[name].attrs.get("units")
        _log.warning("%s", with_store_notes(
            f"{name} in {held} is in '{units}' but all its values lie in 0 … 1 (largest {high:.4g}): a fraction of the "
            "whole labelled a percentage (NOAA OISST v2.1 stores ice so: scale_factor 0.01 of 0 … 100)? Read as "
            f"{units} it is 100 times smaller than it is; if it is a fraction, label it so: {command}"))
