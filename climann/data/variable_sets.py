"""Files that hold different sets of the same variables: one per period, each of some variables.

A download extended by a later one often changes how the variables are split into files:
ERA5 from the Climate Data Store before September 2024 came as one file of every variable
asked for (``t2m``, ``d2m``, ``msl``, ``tp``), the new CDS gives a zip of two
(``data_stream-moda_stepType-avgua.nc``: the instantaneous ``t2m``, ``d2m``, ``msl``;
``…-avgad.nc``: the accumulated ``tp``). A static field saved in the first year's file only
(``orog`` beside ``tas``) is the same pattern. :func:`xarray.combine_by_coords` groups the files
by their whole set of data variables, concatenates each group along time and merges the
groups with ``join="exact"``: the old file's group ends in 2009, the new files' groups begin
in 2010, and the merge refused them ("cannot align objects with join='exact'", break23a F2).

Here the files are grouped by variable instead: the series variables held by the very same
files are one group (``t2m``, ``d2m``, ``msl`` from the old file and ``avgua``; ``tp`` from
the old file and ``avgad``), and each file is cut into one part per group it holds, its time
bounds with each part, its static fields (no time dimension) in a part of their own taken
from the first file that holds them (the others' copies are compared by
:mod:`climann.data.duplicate_files` first). Each group then concatenates along time and the
groups merge as before: every series on one time axis and one grid, or refused.

Variables whose periods then differ (``d2m`` in the old file only) are the business of
:mod:`climann.data.time_axes`, before this: the common period of the variables a run uses,
with a warning, and the others left out where their steps differ; never padded with
missing values.
"""

from __future__ import annotations

from collections.abc import Sequence

import xarray as xr

from climann.data.coords import time_coordinate
from climann.data.variables import data_variable_names

__all__ = ["by_variable_sets", "series_variables", "sharing_series"]


def series_variables(dataset: xr.Dataset) -> list[str]:
    """The variables of ``dataset`` that can be features and lie along its time dimension;
    none for a dataset without a time axis."""
    time = time_coordinate(dataset)
    if time is None or not dataset[time].dims:
        return []
    dim = dataset[time].dims[0]
    return [name for name in data_variable_names(dataset) if dim in dataset[name].dims]


def sharing_series(datasets: Sequence[xr.Dataset]) -> list[list[int]]:
    """The datasets in groups linked by the series variables they share (a file of ``t2m`` and
    ``tp`` links a file of ``t2m`` with one of ``tp``), as indices in the order given; a
    dataset without series variables is a group of its own."""
    group = list(range(len(datasets)))

    def root(index: int) -> int:
        while group[index] != index:
            index = group[index]
        return index

    first_holder: dict[str, int] = {}
    for index, dataset in enumerate(datasets):
        for name in series_variables(dataset):
            group[root(index)] = root(first_holder.setdefault(name, index))
    members: dict[int, list[int]] = {}
    for index in range(len(datasets)):
        members.setdefault(root(index), []).append(index)
    return list(members.values())


def _ragged(datasets: Sequence[xr.Dataset]) -> bool:
    """Whether two datasets that share a series variable hold different sets of data variables
    (what :func:`xarray.combine_by_coords` would put in different groups)."""
    holders: dict[str, set[frozenset]] = {}
    for dataset in datasets:
        for name in series_variables(dataset):
            holders.setdefault(name, set()).add(frozenset(map(str, dataset.data_vars)))
    return any(len(sets) > 1 for sets in holders.values())


def by_variable_sets(datasets: Sequence[xr.Dataset]) -> list[xr.Dataset]:
    """The datasets cut into parts that :func:`xarray.combine_by_coords` combines one series
    per variable, when files sharing a variable hold different sets of variables; else as given.

    Parameters
    ----------
    datasets : sequence of xarray.Dataset
        One per file, on one grid, calendar and time name, each variable's periods already
        agreed (:func:`~climann.data.time_axes.on_common_time_steps`) and copies left out
        (:func:`~climann.data.duplicate_files.without_duplicate_files`).

    Returns
    -------
    list of xarray.Dataset
        Lazy parts: for each group of series variables held by the same datasets, each such
        dataset's variables of the group with its other data variables along time (time
        bounds); then each static data variable (no time dimension) from the first dataset
        holding it. The same datasets when no file needs cutting.
    """
    if not _ragged(datasets):
        return list(datasets)
    series = [series_variables(dataset) for dataset in datasets]
    holders: dict[str, frozenset[int]] = {}
    for index, names in enumerate(series):
        for name in names:
            holders[name] = holders.get(name, frozenset()) | {index}
    parts = []
    static_seen: set[str] = set()
    for index, (dataset, names) in enumerate(zip(datasets, series, strict=True)):
        dim = dataset[time_coordinate(dataset)].dims[0] if names else None
        along_time = [str(name) for name, variable in dataset.data_vars.items()
                      if dim in variable.dims and name not in names]
        static = [str(name) for name, variable in dataset.data_vars.items()
                  if dim not in variable.dims and name not in static_seen]
        groups: dict[frozenset[int], list[str]] = {}
        for name in names:
            groups.setdefault(holders[name], []).append(name)
        parts.extend(dataset[group + along_time] for group in groups.values())
        if static:
            parts.append(dataset[static])
            static_seen.update(static)
    return parts
