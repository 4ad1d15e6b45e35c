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
version numbers (1 before 5: the final data first), and says so once per run, with how many
time steps each version supplied to the first such variable (:func:`supplied_steps`: a step
is held by a version that has a value there at any grid cell; counting reads that variable
once, when the warning is first said): a version that supplied none (both versions holding
every month, ERA5T unused) is named so. Versions other than ERA5's 1 and ERA5T's 5 are
combined by the same rule but not described as ERA5. Files of the new CDS hold ``expver`` as
a variable along ``valid_time`` instead, one value per step (``"0001"``, ``"0005"``): nothing
to combine, and they are left as they are, but their steps of versions other than ERA5's 1 are
counted in a warning (:func:`preliminary_steps_note`), as the old layout's are
(break56c A4: the ERA5T months of a test block went untold in the new layout): ECMWF may still
revise them.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import dask
import numpy as np
import xarray as xr

from climann.data.notes import note_once

__all__ = ["ERA5_VERSIONS", "EXPERIMENT_VERSION", "preliminary_steps_note", "supplied_steps",
           "with_experiment_versions_combined"]

_log = logging.getLogger(__name__)

#: The name ECMWF's files give the dimension of experiment versions.
EXPERIMENT_VERSION = "expver"

#: ERA5's experiment versions: the final data and the preliminary ERA5T.
ERA5_VERSIONS = {1: "ERA5", 5: "ERA5T"}


def _version_numbers(values: np.ndarray) -> list[int] | None:
    """The versions as numbers ("0001" and 1 are 1), None where one is not a number."""
    try:
        return [int(str(value).strip()) for value in values]
    except ValueError:
        return None


def _version_order(values: np.ndarray) -> list[int]:
    """Positions of the versions in increasing number ("0001" and 1 are one); the file's
    order where a version is not a number."""
    numbers = _version_numbers(values)
    if numbers is None:
        return list(range(len(values)))
    return sorted(range(len(values)), key=numbers.__getitem__)


def supplied_steps(variable: xr.DataArray, time_dim: str, order: Sequence[int]) -> tuple[list[int], int, int]:
    """How many time steps each version supplies to the combined series, in the order the
    versions are taken: a version supplies a step that it holds (a value at any grid cell)
    and no earlier version holds. Reads ``variable`` once (one dask computation, local threads).

    Parameters
    ----------
    variable : xarray.DataArray
        On the time dimension and ``expver``, e.g. (n_time, n_versions, n_lat, n_lon).
    time_dim : str
    order : sequence of int
        Positions along ``expver``, first taken first.

    Returns
    -------
    (list of int, int, int)
        The steps each version supplies (in ``order``), the steps held by more than one
        version, and the steps held by none.
    """
    others = [dim for dim in variable.dims if dim not in (time_dim, EXPERIMENT_VERSION)]
    held = variable.notnull().any(dim=others).transpose(time_dim, EXPERIMENT_VERSION)
    with dask.config.set(scheduler="threads"):
        held = np.asarray(held.values, bool)[:, list(order)]
    first = np.argmax(held, axis=1)
    anywhere = held.any(axis=1)
    supplied = [int(np.count_nonzero(anywhere & (first == position))) for position in range(held.shape[1])]
    return supplied, int(np.count_nonzero(held.sum(axis=1) > 1)), int(np.count_nonzero(~anywhere))


def _combined_note(names: Sequence[str], where: str, labels: Sequence[str], numbers: list[int] | None,
                   counts: tuple[list[int], int, int], n_steps: int) -> str:
    """The warning that the versions were combined, with what each supplied."""
    supplied, shared, neither = counts
    era5 = numbers is not None and set(numbers) <= set(ERA5_VERSIONS)
    known, rule = (("; ERA5 is 1, its preliminary ERA5T 5", "ECMWF's advice") if era5 else
                   ("", "ECMWF's rule for ERA5's 1 and ERA5T's 5, which these are not: check that it suits them"))
    steps = ", ".join(f"expver {label} supplied {count or 'none'}"
                      for label, count in zip(labels, supplied, strict=True))
    both = "both versions" if len(labels) == 2 else "more than one version"
    shared_text = f" ({shared} held by {both}, each taken from the first of them)" if shared else ""
    unused = [label for label, count in zip(labels, supplied, strict=True) if not count]
    unused_text = f"; expver {', '.join(unused)} {'is' if len(unused) == 1 else 'are'} not used" if unused else ""
    missing = f"; {neither} in no version" if neither else ""
    return (f"{', '.join(names)} in {where} hold{'s' if len(names) == 1 else ''} {len(labels)} experiment versions "
            f"(expver {', '.join(labels)}{known}): combined into one series, each value from the first version in "
            f"that order that holds it ({rule}); of {names[0]}'s {n_steps} time steps {steps}{shared_text}"
            f"{unused_text}{missing}")


def with_experiment_versions_combined(dataset: xr.Dataset, where: str = "the file") -> xr.Dataset:
    """``dataset`` with each variable on an ``expver`` dimension combined into one series.

    Each value is taken from the first version, in increasing version number, that holds it
    (ERA5's ``expver`` 1 before ERA5T's 5: the final data wherever they exist), as ECMWF
    advises; the ``expver`` dimension and coordinate are dropped. A variable on ``expver``
    but not on the time dimension, or a dataset without the dimension, is returned as it is.
    Lazy, but for the warning's count (:func:`supplied_steps`), which reads the first such
    variable once per run, when the warning is first said.

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
    from climann.data.coords import time_coordinate

    if EXPERIMENT_VERSION not in dataset.dims:
        # a warning, as the old layout's count of the same months is (the terminal shows no INFO note)
        note_once(_log, logging.WARNING, lambda: preliminary_steps_note(dataset, where),
                  key=(EXPERIMENT_VERSION, where, "labels"))
        return dataset

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
    shown = [str(label).strip() for label in labels[order]]
    numbers = _version_numbers(labels)
    counted = dataset[names[0]]  # the first variable only: counting reads it

    def note() -> str:
        return _combined_note(names, where, shown, numbers, supplied_steps(counted, time_dim, order),
                              dataset.sizes[time_dim])

    note_once(_log, logging.WARNING, note, key=(EXPERIMENT_VERSION, where, tuple(names), tuple(shown)))
    return dataset.drop_vars(names).assign(combined).drop_dims(EXPERIMENT_VERSION, errors="ignore")


def _time_text(value: object) -> str:
    """A time step's date as read (``1999-10-01``; a cftime date's, or the number undecoded)."""
    text = str(np.datetime_as_string(value, unit="D")) if isinstance(value, np.datetime64) else str(value)
    return text.removesuffix(" 00:00:00")


def preliminary_steps_note(dataset: xr.Dataset, where: str = "the file") -> str | None:
    """The note on the steps of a file of the new CDS whose ``expver`` along time (one label per
    step, ``"0001"`` ERA5, ``"0005"`` its preliminary ERA5T) is other than ERA5's 1: how many, of
    which version, and from which step to which; None when every step is ERA5's (or the file has
    no such labels). Reads the labels (one small coordinate).

    Parameters
    ----------
    dataset : xarray.Dataset
        One opened file.
    where : str
        The file's name, for the note.

    Returns
    -------
    str or None

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> d = xr.Dataset(coords={"valid_time": np.array(["1999-10-01", "1999-11-01", "1999-12-01"], "M8[ns]"),
    ...                        "expver": ("valid_time", ["0001", "0005", "0005"])})
    >>> preliminary_steps_note(d, "w.nc")
    "w.nc: 2 of its 3 time steps are ERA5T (expver 0005, from 1999-11-01 to 1999-12-01): ECMWF's preliminary data, ..."
    """
    from climann.data.coords import time_coordinate

    time = time_coordinate(dataset)
    if time is None or EXPERIMENT_VERSION not in dataset.variables or dataset[time].ndim != 1:
        return None
    labels = dataset[EXPERIMENT_VERSION]
    if labels.dims != dataset[time].dims:
        return None
    with dask.config.set(scheduler="threads"):  # one label per step: a small read, as supplied_steps' is
        shown = np.array([str(label).strip() for label in np.asarray(labels.values)])
    numbers = _version_numbers(shown)
    final = np.array([number == 1 for number in numbers]) if numbers is not None else shown == "1"
    if final.all():
        return None
    times = np.asarray(dataset[time].values)
    parts = []
    for label in dict.fromkeys(shown[~final]):
        steps = np.flatnonzero(shown == label)
        number = _version_numbers(np.array([label]))
        name = ERA5_VERSIONS.get(number[0]) if number else None
        what = "ERA5T" if name == "ERA5T" else "of another version than ERA5's 1" if name is None else name
        span = (f"{_time_text(times[steps[0]])}" if steps.size == 1
                else f"from {_time_text(times[steps[0]])} to {_time_text(times[steps[-1]])}")
        parts.append(f"{steps.size} of its {shown.size} time steps {'is' if steps.size == 1 else 'are'} {what} "
                     f"(expver {label}, {span})")
    return (f"{where}: {'; '.join(parts)}: ECMWF's preliminary data, a few days behind real time, which it may still "
            "revise before they become ERA5 (expver 0001) two to three months later; used as they are, in one series "
            "with the others: retrieve the file again once they are final to score on the final data")
