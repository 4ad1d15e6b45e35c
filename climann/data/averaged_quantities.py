"""Refuse averaging of a non-quantity: the ``[data]`` settings that average a variable's values.

Three ``[data]`` settings average a variable's values as numbers on a line: ``global_means``
(its area-weighted mean over the globe), ``regional_means`` (over each box) and ``anomalies``
(its value minus its mean of each calendar month); in field mode with ``field_inputs = "mean"``
(the default) ``predictors`` and ``lags`` too (each the area-weighted mean of its map). A mean
is a quantity only where the values are amounts of one: the mean of class codes is no class
(land-cover classes 10 and 50 average to 30, another one;
:func:`climann.data.flags.refuse_flag_features`), the arithmetic mean of angles no direction
(350° and 10° average to 180°, the opposite of their circular mean 0°;
:func:`climann.data.circular.refuse_direction_features`).

:func:`refuse_averaged` is the loop both refusals share: each gives only its reading (what makes
a variable no amount, or ``None``) and its message; the first variable named in an averaging
setting that its reading finds is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

import xarray as xr

from climann.errors import ClimannError

__all__ = ["AVERAGING_SETTINGS", "refuse_averaged"]

#: The ``[data]`` settings that average a variable's values, each with its command-line flag:
#: in field mode with ``field_inputs = "mean"`` (the default) the predictors and lags too, each
#: given to the network as its area-weighted mean over the target's grid
#: (:func:`climann.data.field.build_field_samples`).
AVERAGING_SETTINGS = {"global_means": "--global-means", "regional_means": "--regional-means",
                      "anomalies": "--anomalies", "predictors": "--predictors in field mode",
                      "lags": "--lags in field mode"}

Reading = TypeVar("Reading")


def refuse_averaged(dataset: xr.Dataset, averaged: Mapping[str, Sequence[str]], *,
                    reading: Callable[[str, xr.DataArray], Reading | None],
                    message: Callable[[xr.Dataset, str, str, Reading], str]) -> None:
    """Refuse the first variable named in an averaging setting whose values are no amount.

    Parameters
    ----------
    dataset : xarray.Dataset
        As opened.
    averaged : mapping of str to sequence of str
        Each averaging setting (a key of :data:`AVERAGING_SETTINGS`) and the variables it names,
        in the order they are checked (those not in ``dataset`` are skipped: their settings say so
        elsewhere).
    reading : callable
        ``reading(name, variable)``: what makes the variable no amount (its direction, its flag
        classes), or ``None`` for an amount one can average.
    message : callable
        ``message(dataset, name, setting, found)``: the refusal of ``dataset[name]`` named in
        ``[data] setting``, given what ``reading`` found.

    Raises
    ------
    ClimannError
        With ``message`` of the first variable (setting by setting, name by name) that ``reading``
        finds.

    Examples
    --------
    >>> import numpy as np
    >>> dataset = xr.Dataset({"lc": ("x", np.array([10, 50]), {"flag_values": [10, 50, 70]})})
    >>> refuse_averaged(dataset, {"global_means": ["lc"]},
    ...                 reading=lambda name, variable: variable.attrs.get("flag_values"),
    ...                 message=lambda dataset, name, setting, found: f"{name}: classes {found}")
    Traceback (most recent call last):
    ...
    climann.errors.ClimannError: lc: classes [10, 50, 70]
    """
    for setting, names in averaged.items():
        for name in names:
            if name not in dataset.data_vars or (found := reading(name, dataset[name])) is None:
                continue
            raise ClimannError(message(dataset, name, setting, found))
