"""One name for the time axis of files that name it differently.

ERA5 downloaded from the Copernicus Climate Data Store before September 2024 calls its time
axis ``time``; from the new CDS, ``valid_time`` (both with ``standard_name = "time"``). A
variable split over both (the years downloaded before and after), or a target in one and a
predictor in the other, are one time axis under two names, which xarray cannot combine.

Each file's time axis is found by its CF attributes, not its name: the one dimension
coordinate whose ``units`` (``UNIT since DATE``) decoded it to dates. When the files' axes
have different names, each is renamed to one name, ``time`` when a file calls it so (CF's
examples and most files do), else the name of the first file's (in the order given); the
file's own names are recorded (:func:`climann.data.shell.with_file_time_names`), so that a
command quoted in advice names the file's variable. Nothing is guessed: a file with two
such axes, or where the name is taken by another of its variables, is refused in one line
naming the files, their names and the ``--rename`` that gives them one.
"""

from __future__ import annotations

from collections.abc import Sequence

import xarray as xr

from climann.data.forecast_times import is_dated
from climann.data.shell import with_file_time_names
from climann.errors import ClimannError

#: The name the files' time axes get when they differ and one of them has it.
USUAL_TIME_NAME = "time"


def time_axes(dataset: xr.Dataset) -> list[str]:
    """The dimension coordinates of ``dataset`` decoded to dates (by their CF ``units``)."""
    return [str(name) for name in dataset.dims if name in dataset.coords and is_dated(dataset[name])]


def one_time_name(datasets: Sequence[xr.Dataset], labels: Sequence[str]) -> list[xr.Dataset]:
    """The datasets with their time axes under one name when they name them differently.

    The name is ``time`` when a dataset calls its axis so, else the first one's; when
    another variable of a dataset that would be renamed has that name (a scalar reference
    time ``time`` beside a ``valid_time`` axis), the next of their names that is free.

    Parameters
    ----------
    datasets : sequence of xarray.Dataset
        Each file (or split block) as opened, times decoded, in the order given.
    labels : sequence of str
        What each was read from, a file name (also the ``--rename`` pattern the advice
        gives for it).

    Returns
    -------
    list of xarray.Dataset
        The same datasets, lazy as given; those whose time axis had another name renamed
        (one without a time axis, a static field, as it is).

    Raises
    ------
    ClimannError
        When the names differ and a dataset has two time axes, or every name is taken by
        another variable in a dataset that would be renamed.
    """
    axes = [time_axes(dataset) for dataset in datasets]
    names = list(dict.fromkeys(name for found in axes for name in found))
    if len(names) < 2:
        return list(datasets)
    several = next((index for index, found in enumerate(axes) if len(found) > 1), None)
    if several is not None:
        raise ClimannError(_refusal(
            axes, labels, f"{labels[several]} has {len(axes[several])} time axes ({', '.join(axes[several])}), so "
                          "which one is meant cannot be told",
            f"give each file one time axis (a copy of {labels[several]} with the variables of one), of one name, "
            "e.g. "))
    candidates = sorted(names, key=lambda name: name != USUAL_TIME_NAME)  # stable: else in the given order
    taken = {name: next((index for index, found in enumerate(axes)
                         if found and found[0] != name and name in datasets[index].variables), None)
             for name in candidates}
    free = [name for name in candidates if taken[name] is None]
    if not free:
        index, name = taken[candidates[0]], candidates[0]
        raise ClimannError(_refusal(
            axes, labels, f"{labels[index]} has another variable named '{name}'",
            f"rename that variable, e.g. --rename '{labels[index]}:{name}={name}_2', and the axes take one name; or "
            "give them one yourself, e.g. "))
    return [_renamed(dataset, found[0], free[0]) if found and found[0] != free[0] else dataset
            for dataset, found in zip(datasets, axes)]


def _renamed(dataset: xr.Dataset, name: str, common: str) -> xr.Dataset:
    """``dataset`` with its time axis ``name`` (variable and dimension) called ``common``."""
    return with_file_time_names(dataset.rename({name: common}), common, name, name)


def _refusal(axes: Sequence[list[str]], labels: Sequence[str], reason: str, fix: str) -> str:
    """One line: which files name their time axis how, why they cannot be given one name
    here, and the ``--rename`` (``[data] rename``) that gives them one."""
    by_name: dict[str, list[str]] = {}
    for label, found in zip(labels, axes):
        for name in found:
            by_name.setdefault(name, []).append(label)
    listed = "; ".join(f"'{name}' in {', '.join(files[:2])}{' …' if len(files) > 2 else ''}"
                       for name, files in by_name.items())
    first, other = list(by_name)[:2]
    return (f"the files name their time axis differently ({listed}) and {reason}; {fix}"
            f"--rename '{by_name[other][0]}:{other}={first}'")
