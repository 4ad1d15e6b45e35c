"""CF flag variables as predictors or target: codes of classes, not amounts.

A flag variable (CF-1.11 §3.5 "Flags") holds ``flag_meanings`` with either ``flag_values``
(mutually exclusive codes: a land-cover class 1 forest, 2 grass, 3 desert, 4 ice) or
``flag_masks`` (a bit field: each bit one independent condition). A network given such a
variable reads its codes as numbers: desert (3) lies "between" grass (2) and ice (4), and a
bit combination 13 (bits 1, 4 and 8) is "more" than 8. So:

- a flag variable is left out of the default predictors, with a note naming it
  (:mod:`climann.data.defaults`);
- named in ``[data] predictors`` it is used as the user asks, with one warning that its
  codes are used as numbers and how to give one 0/1 variable per class instead
  (:func:`warn_flag_predictors`). It is not refused: an MLP can still learn a function of a
  variable that takes a few distinct values, bit field or not, only less well than from
  indicators, and the user may know the codes are ordered (quality levels 0…3).

As the target, a flag variable of more than two values is refused (:func:`refuse_flag_target`):
a regression on class codes predicts in-between numbers (2.6: "between grass and desert") and
scores its errors as distances between codes; no output is right. One class as a 0/1 target
(``cdo eqc,CODE``) is a regression on its probability, and is meaningful.

A flag variable of at most two values (``flag_values = 0, 1`` "sea land"; a single bit of
``flag_masks``) is an indicator already: once standardised, two codes are the same input as 0
and 1, so it is a predictor like any other. A boolean mask without flag attributes is too.
The test of the attributes is cf_xarray's ``DataArray.cf.is_flag_variable``.

Example
-------
>>> flag_classes(dataset["lc"])  # doctest: +SKIP
'flag_values 1 2 3 4: forest grass desert ice'
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import cf_xarray  # noqa: F401  (registers the ``.cf`` accessor)
import numpy as np
import xarray as xr

from climann.data.shell import shown_path

__all__ = ["flag_classes", "indicator_advice", "refuse_flag_target", "warn_flag_predictors"]

_log = logging.getLogger(__name__)


def flag_classes(variable: xr.DataArray) -> str | None:
    """The classes of a CF flag variable of more than two values, for messages; else None.

    Parameters
    ----------
    variable : xarray.DataArray
        Any variable; its ``flag_values``, ``flag_masks`` and ``flag_meanings`` attributes
        are read (CF-1.11 §3.5).

    Returns
    -------
    str or None
        ``"flag_values 1 2 3 4: forest grass desert ice"`` (or ``flag_masks …``); None for a
        variable without flag attributes, or with at most two values (``flag_values`` of two
        codes, or one bit of ``flag_masks``): an indicator, used as it is.
    """
    if not variable.cf.is_flag_variable:
        return None
    values = np.atleast_1d(variable.attrs.get("flag_values", []))
    masks = np.atleast_1d(variable.attrs.get("flag_masks", []))
    if (masks.size == 0 and values.size <= 2) or (values.size == 0 and masks.size == 1):
        return None
    kind, codes = ("flag_masks", masks) if masks.size else ("flag_values", values)
    shown = " ".join(f"{code:g}" if np.issubdtype(np.asarray(code).dtype, np.number) else str(code) for code in codes)
    return f"{kind} {shown}: {variable.attrs['flag_meanings']}"


def indicator_advice(name: str, variable: xr.DataArray) -> str:
    """How to give a flag variable as one 0/1 variable per class (or per bit), for messages:
    an ``ncap2`` expression for its first class."""
    values = np.atleast_1d(variable.attrs.get("flag_values", []))
    masks = np.atleast_1d(variable.attrs.get("flag_masks", []))
    meaning = str(variable.attrs.get("flag_meanings", "")).split()[:1] or ["class"]
    if masks.size:
        return (f"give one 0/1 variable per bit instead (e.g. ncap2 -s '{name}_{meaning[0]}=({name}/{masks[0]:g})%2' "
                "IN.nc OUT.nc, for integer codes)")
    return (f"give one 0/1 variable per class instead (e.g. ncap2 -s '{name}_{meaning[0]}=({name}=={values[0]:g})' "
            "IN.nc OUT.nc)")


def warn_flag_predictors(dataset: xr.Dataset, names: Sequence[str], *, where: str) -> None:
    """Warn, one line per variable, when a predictor named by the user is a CF flag variable of
    more than two values (:func:`flag_classes`): its codes are used as numbers.

    Parameters
    ----------
    dataset : xarray.Dataset
        As opened.
    names : sequence of str
        The predictors (those absent are skipped).
    where : str
        The files, for the message.
    """
    for name in names:
        if name not in dataset.data_vars:
            continue
        classes = flag_classes(dataset[name])
        if classes is not None:
            _log.warning(
                "'%s' in %s is a CF flag variable (%s): its codes are used as numbers, as if they were amounts; "
                "to use its classes, %s", name, where, classes, indicator_advice(name, dataset[name]),
            )


def refuse_flag_target(dataset: xr.Dataset, target: str, *, where: str) -> None:
    """Refuse a target that is a CF flag variable of more than two values (:func:`flag_classes`,
    CF-1.11 §3.5): its codes are classes, and a regression on them is meaningless.

    Parameters
    ----------
    dataset : xarray.Dataset
        As opened.
    target : str
        The target's name (nothing is checked when it is absent).
    where : str
        The files, for the message.

    Raises
    ------
    ClimannError
        If the target is such a flag variable; the message says how to train on one class
        as a 0/1 indicator instead.
    """
    from climann.errors import ClimannError

    if target not in dataset.data_vars or (classes := flag_classes(dataset[target])) is None:
        return
    variable = dataset[target]
    values = np.atleast_1d(variable.attrs.get("flag_values", []))
    masks = np.atleast_1d(variable.attrs.get("flag_masks", []))
    meaning = (str(variable.attrs.get("flag_meanings", "")).split() or ["class"])[0]
    source = variable.encoding.get("source") or (where if "," not in where else "IN.nc")
    files = f"{shown_path(source)} {shown_path(Path(source).with_name(f'{target}_{meaning}.nc'))}"  # beside it
    if values.size:
        way = (f"cdo eqc,{values[0]:g} {files} (1 where {target} is {values[0]:g}, {meaning}; "
               f"0 elsewhere) or ncap2 -s '{target}_{meaning}=({target}=={values[0]:g})' {files}")
    else:
        way = f"ncap2 -s '{target}_{meaning}=({target}/{masks[0]:g})%2' {files} for integer codes"
    raise ClimannError(
        f"the target '{target}' in {where} is a CF flag variable ({classes}): its codes are classes, not amounts, "
        f"and a regression on them would predict codes between classes; train on a 0/1 indicator of one class "
        f"instead (its predictions are that class's probability), e.g. {way}"
    )
