"""ERA5 and ERA5T in one file: the ``expver`` dimension combined into one series.

ECMWF's reanalysis ERA5 is released in two steps: a preliminary version, ERA5T (experiment
version ``expver`` 5), a few days behind real time, and the final ERA5 (``expver`` 1) two to
three months later. A file retrieved from the Copernicus Climate Data Store before its
change of September 2024, or from MARS, that reaches into the recent months holds both as a
dimension: ``t2m(time, expver, latitude, longitude)``, each time step present in one
version and missing (``_FillValue``) in the other. Neither version alone is the series: the
final months are only in ERA5T, the others only in ERA5, so choosing one (``select = {expver
= 1}``) silently drops the most recent months, which a split by years makes the test block.

ECMWF's own advice is to combine the two, the final version where it exists
(``ds.sel(expver=1).combine_first(ds.sel(expver=5))``, ECMWF Confluence, "ERA5: data
documentation", section "Near real-time data (ERA5T)"). :func:`with_experiment_versions_combined`
does this for every variable on such a dimension as each file is opened, in order of the
version numbers (1 before 5: the final data first), and says so once. Files of the new CDS
hold ``expver`` as a variable along ``valid_time`` instead, one value per step: nothing to
combine, and they are left as they are.
"""

from __future__ import annotations

import logging

import numpy as np
import xarray as xr

from climann.data.notes import note_once

__all__ = ["EXPERIMENT_VERSION", "with_experiment_versions_combined"]

_log = logging.getLogger(__name__)

#: The name ECMWF's files give the dimension of experiment versions.
EXPERIMENT_VERSION = "expver"


def _version_order(values: np.ndarray) -> list[int]:
    """Positions of the versions in increasing number ("0001" and 1 are one); the file's
    order where a version is not a number."""
    try:
        numbers = [int(str(value).strip()) for value in values]
    except ValueError:
        return list(range(len(values)))
    return sorted(range(len(values)), key=numbers.__getitem__)


def with_experiment_versions_combined(dataset: xr.Dataset, where: str = "the file") -> xr.Dataset:
    """``dataset`` with each variable on an ``expver`` dimension combined into one series.

    Each value is taken from the first version, in increasing version number, that holds it
    (ERA5's ``expver`` 1 before ERA5T's 5: the final data wherever they exist), as ECMWF
    advises; the ``expver`` dimension and coordinate are dropped. A variable on ``expver``
    but not on the time dimension, or a dataset without the dimension, is returned as it is.
    Lazy: nothing is read.

    Parameters
    ----------
    dataset : xarray.Dataset
        One opened file, its time coordinate on its dimension. A variable of shape
        (n_time, n_versions, …) becomes (n_time, …).
    where : str
        The file's name, for the note.

    Returns
    -------
    xarray.Dataset
    """
    if EXPERIMENT_VERSION not in dataset.dims:
        return dataset
    from climann.data.coords import time_coordinate

    time = time_coordinate(dataset)
    if time is None:
        return dataset
    time_dim = dataset[time].dims[0]
    names = [str(name) for name, variable in dataset.data_vars.items()
             if EXPERIMENT_VERSION in variable.dims and time_dim in variable.dims]
    if not names:
        return dataset
    labels = (dataset[EXPERIMENT_VERSION].values if EXPERIMENT_VERSION in dataset.coords
              else np.arange(dataset.sizes[EXPERIMENT_VERSION]))
    order = _version_order(labels)
    combined = {}
    for name in names:
        variable = dataset[name]
        series = variable.isel({EXPERIMENT_VERSION: order[0]}, drop=True)
        for position in order[1:]:
            series = series.fillna(variable.isel({EXPERIMENT_VERSION: position}, drop=True))
        series.attrs, series.encoding = variable.attrs, variable.encoding
        combined[name] = series.transpose(*(dim for dim in variable.dims if dim != EXPERIMENT_VERSION))
    shown = ", ".join(str(label).strip() for label in labels[order])
    note_once(_log, logging.WARNING,
              f"{', '.join(names)} in {where} hold{'s' if len(names) == 1 else ''} {len(labels)} experiment versions "
              f"(expver {shown}; ERA5 is 1, its preliminary ERA5T 5): combined into one series, each value from the "
              f"first version in that order that holds it (ECMWF's advice)")
    return dataset.drop_vars(names).assign(combined).drop_dims(EXPERIMENT_VERSION, errors="ignore")
