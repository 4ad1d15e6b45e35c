"""A ``select`` of a dimension that only files of unused variables hold.

A station file (GHCNd's ``TMAX(station, time)``) beside a one-point file of the target: the
default predictors left out the station file's variables (missing on more than 5 % of the
target's steps), the file then gave nothing to the run, and ``--select station=USC00400000``, as
climann itself advised, was refused as "no dimension 'station' of the data" of a file that has
one (break56d A4). :func:`refuse_unused_select` names the file, its variables and the way to use
them (``--predictors``) before that refusal.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

import xarray as xr

from climann.data.climatology_axes import CLIMATOLOGIES_KEY
from climann.data.handles import open_file
from climann.errors import ClimannError

__all__ = ["refuse_unused_select"]


def _holders(files: Sequence[str | Path], dim: str) -> dict[str, list[str]]:
    """Each of ``files`` whose data variables have dimension ``dim`` (its header read), with those variables."""
    found = {}
    for path in files:
        try:
            header = open_file(path, decode_times=False)
        except (OSError, ValueError, KeyError, ClimannError):
            continue  # a file that does not open is refused by its own message
        names = [str(name) for name, variable in header.data_vars.items() if dim in variable.dims]
        if names:
            found[Path(str(path)).name] = names
    return found


def refuse_unused_select(dataset: xr.Dataset, selection: Mapping[str, object], files: Sequence[str | Path], *,
                         target: str, predictors: Collection[str]) -> None:
    """Refuse a ``select`` of a dimension that no variable of ``dataset`` (the run's variables as
    opened) has but variables of ``files`` the run does not use have; variables left out as
    climatologies (``dataset.encoding[CLIMATOLOGIES_KEY]``) are no way out (they are never a
    predictor), and their axis is refused by :func:`climann.data.subset` saying so.

    Parameters
    ----------
    dataset : xarray.Dataset
        The run's variables, opened from ``files``.
    selection : mapping of str to object
        The run's ``[data] select``: dimension name to value.
    files : sequence of str or Path
        The files given.
    target : str
        The run's target.
    predictors : collection of str
        The run's predictors (chosen or given).

    Raises
    ------
    ClimannError
        Naming the first such dimension, the files that hold it and their variables, and
        ``--predictors`` with them as the way to use them (or leaving the select out).
    """
    for dim, value in selection.items():
        if dim in dataset.dims or dim in dataset.variables:
            continue
        climatologies = dataset.encoding.get(CLIMATOLOGIES_KEY, {})  # never a predictor: subset.py's refusal says so
        holders = {file: kept for file, held in _holders(files, dim).items()
                   if (kept := [name for name in held if name not in climatologies])}
        if not holders:
            continue
        names = list(dict.fromkeys(name for held in holders.values() for name in held))
        where = ", ".join(f"{file} ({', '.join(held)})" for file, held in holders.items())
        used = ", ".join(predictors) or "none"
        raise ClimannError(
            f"cannot select {dim}={value}: '{dim}' is a dimension of {where}, none of whose variables the run uses "
            f"(target {target}, predictors: {used}; a variable missing on many of the target's steps is left out of "
            f"the default predictors, as a warning above says): name them as predictors to use them at that {dim} "
            f"(--predictors {','.join([*predictors, *names])}, [data] predictors), or leave out the select of "
            f"'{dim}' and the file")
