"""The target's steps before the variables' common period, beside a forecast at one lead.

A forecast run reads only the period every variable covers
(:func:`~climann.data.time_axes.on_common_time_steps`): from the first forecast's valid week. Its
persistence is the last value observed by each forecast's start (WeatherBench 2; see
:func:`~climann.evaluation.baselines.forecast_persistence`), which for the first forecasts lies
before that period; where the target's file holds it (ERA5 weekly means from the weeks before the
first start), the first forecasts had no persistence (break47e B3). Those steps are kept apart while
the files are combined (:func:`steps_before_common_apart`; the other variables have no value there)
and joined in front of the combined data (:func:`with_steps_before_common_joined`), the other
variables missing there, their number recorded
(:data:`~climann.data.time_cells.STEPS_BEFORE_COMMON_KEY`). The run's time selection then reads as
many of them as persistence and the lags need, as steps before the range, never trained on or
scored (:func:`climann.data.subset.select_time`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import xarray as xr

from climann.data.coords import time_coordinate
from climann.data.time_cells import steps_before_common, with_steps_before_common


def steps_before_common_apart(datasets: Sequence[xr.Dataset], names: Sequence[str | Path]
                              ) -> tuple[list[xr.Dataset], list[str | Path], list[xr.Dataset]]:
    """``datasets`` and their files without the steps before the common period that open some
    of them (:func:`~climann.data.time_cells.steps_before_common`), and those steps apart.

    Parameters
    ----------
    datasets : sequence of xarray.Dataset
        As :func:`~climann.data.time_axes.on_common_time_steps` gives them with ``earlier``.
    names : sequence of str or Path
        The file of each dataset.

    Returns
    -------
    (list of xarray.Dataset, list of str or Path, list of xarray.Dataset)
        The datasets at the common period's steps (one holding only earlier steps left out with its
        file, or kept with its static fields), their files, and the earlier steps of each dataset
        that held some, in the order of the files.
    """
    kept, files, earlier = [], [], []
    for dataset, name in zip(datasets, names, strict=True):
        count = steps_before_common(dataset)
        if not count:
            kept.append(dataset)
            files.append(name)
            continue
        time = time_coordinate(dataset)
        earlier.append(with_steps_before_common(dataset.isel({time: slice(None, count)}), 0))
        rest = with_steps_before_common(dataset.isel({time: slice(count, None)}), 0)
        if rest.sizes[time] or (rest := rest.drop_dims(time)).data_vars:
            kept.append(rest)
            files.append(name)
    return kept, files, earlier


def with_steps_before_common_joined(combined: xr.Dataset, earlier: Sequence[xr.Dataset]) -> xr.Dataset:
    """``combined`` (the files combined over the common period) with the ``earlier`` steps
    (:func:`steps_before_common_apart`) in front: each variable those hold takes their values
    there (its attributes and encoding kept), every other one is missing there; their number is
    recorded on the time coordinate (:func:`~climann.data.time_cells.with_steps_before_common`).
    The common period's values are those of ``combined``, unchanged.

    Parameters
    ----------
    combined : xarray.Dataset
        Lazy, with a time coordinate along its time dimension.
    earlier : sequence of xarray.Dataset
        Steps before ``combined``'s first, of one or more files of the target.

    Returns
    -------
    xarray.Dataset
        ``combined`` unchanged when ``earlier`` is empty or holds none of its variables.
    """
    time = time_coordinate(combined)
    first = combined[time].values[0] if time is not None and combined.sizes.get(time) else None
    held = combined[time].values if first is not None else ()
    # before the period, and within it the days before the forecasts' starts that are no valid day
    parts = [part.isel({time: np.flatnonzero(~np.isin(part[time].values, held))}) for part in earlier
             if first is not None and time in part.dims]
    parts = [part for part in parts if part.sizes[time]]
    if not parts:
        return combined
    part = (parts[0] if len(parts) == 1 else xr.concat(parts, time, data_vars="minimal", coords="minimal",
                                                      compat="override", join="override",
                                                      combine_attrs="override")).sortby(time)
    names = [name for name, variable in part.variables.items()
             if name != time and time in variable.dims and name in combined.variables
             and set(variable.dims) == set(combined[name].dims)]
    if not any(name in combined.data_vars for name in names):
        return combined
    stamps = np.concatenate([part[time].values, combined[time].values])
    joined = combined.reindex({time: stamps})
    for name in names:
        own = combined[name].variable
        values = xr.Variable.concat([part[name].variable.transpose(*own.dims), own], dim=time)
        variable = xr.Variable(own.dims, values.data, own.attrs, own.encoding)
        joined = joined.assign_coords({name: variable}) if name in combined.coords else joined.assign({name: variable})
    joined.encoding = dict(combined.encoding)
    return with_steps_before_common(joined, part.sizes[time])
