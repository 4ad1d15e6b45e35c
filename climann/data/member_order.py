"""Other dimensions (ensemble members, categories) that files hold in different orders.

Two S2S reforecast files of one model may list their ensemble members in another order (one
``number`` 1, 2, 3, the other 3, 1, 2, the data moved with them: rerun41 R1). xarray combines
files only when such an axis is equal in every file (``join="exact"``) and refused them with
its own message, which gave no way out. A dimension coordinate that is neither time nor the
grid, held by two or more files with the same values in another order, is

- put in the reference file's order (the target's file, else the first that holds it) when the
  run selects one of its values (``--select number=1``): the selection is by value, so each
  file's member 1 is its member 1 whatever its position;
- refused otherwise, in one line naming the dimension, both orders and the way out (select one
  value; or write one file in the other's order): which of the two files' positions the run's
  later steps would pair is not for this code to guess.

Level axes are matched by :mod:`climann.data.level_axes`; latitude and longitude by
:func:`climann.data.open.on_reference_grid`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import xarray as xr

from climann.data.shell import python_command, whole_write
from climann.errors import ClimannError

__all__ = ["in_reference_order"]


def _other_axes(dataset: xr.Dataset, skip: frozenset[str]) -> dict[str, np.ndarray]:
    """The 1-D numeric or text dimension coordinates of ``dataset`` not in ``skip``, by name."""
    return {str(name): np.asarray(dataset[name].values) for name in dataset.dims
            if name in dataset.coords and str(name) not in skip and dataset[name].ndim == 1
            and dataset[name].dtype.kind in "iufUS"}


def _listed(values: np.ndarray) -> str:
    shown = [str(value) for value in values[:8]]
    return ", ".join(shown) + (", …" if values.size > 8 else "")


def in_reference_order(datasets: Sequence[xr.Dataset], files: Sequence[Path], *, home: int = 0,
                       select: Mapping[str, object] | None = None,
                       skip: Sequence[str] = ()) -> list[xr.Dataset]:
    """The datasets with each dimension that two or more hold with the same values in another
    order put in the reference file's order, where the run selects a value of it.

    Parameters
    ----------
    datasets : sequence of xarray.Dataset
        One per file, in the order of ``files``.
    files : sequence of Path
        The files, for the message.
    home : int
        The index of the target's file, whose order is the reference when it holds the dimension
        (else the first file that does).
    select : mapping of dimension name to value, optional
        The run's selection (``[data] select``).
    skip : sequence of str
        Dimensions matched elsewhere (time, latitude, longitude, levels).

    Returns
    -------
    list of xarray.Dataset
        The datasets, reordered by value (``reindex``) where needed; the others unchanged.

    Raises
    ------
    ClimannError
        If a dimension the run does not select holds the same values in two files in different
        orders, naming it, both orders and both files.
    """
    skipped = frozenset(map(str, skip))
    axes = [_other_axes(dataset, skipped) for dataset in datasets]
    result = list(datasets)
    for name in dict.fromkeys(name for each in axes for name in each):
        holders = [index for index, each in enumerate(axes) if name in each]
        if len(holders) < 2:
            continue
        first = home if home in holders else holders[0]
        reference = axes[first][name]
        if np.unique(reference).size != reference.size:
            continue
        for index in holders:
            own = axes[index][name]
            if index == first or own.shape != reference.shape or np.array_equal(own, reference) \
                    or not np.array_equal(np.sort(own), np.sort(reference)):
                continue  # other values: xarray's or another check's refusal says so
            if name not in (select or {}):
                raise ClimannError(
                    f"the files hold the {name} values in different orders ({_listed(reference)} in "
                    f"{files[first].name}, {_listed(own)} in {files[index].name}): choose one of them with "
                    f"--select {name}=VALUE (taken by value in each file), or write {files[index].name} in "
                    f"{files[first].name}'s order ("
                    + python_command(f"import sys, xarray as xr; d = xr.open_dataset('{files[index].name}')"
                                     f".reindex({name}={reference.tolist()!r}); "
                                     + whole_write(target=f"'{Path(files[index].name).stem}_reordered.nc'")) + ")")
            result[index] = result[index].reindex({name: reference})
    return result
