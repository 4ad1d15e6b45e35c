"""A predictor that is the target's own anomaly, or the target that is a predictor's anomaly.

Gridded products often hold a quantity beside its anomaly, the departure from its
climatology: NOAA OISST v2.1 has ``sst`` and ``anom`` ("Daily sea surface temperature
anomalies"), ERSST v5 ``sst`` and ``ssta``, CF names such as ``air_temperature_anomaly``.
One is the other less a climatology that depends only on the cell and the time of year, so
as a predictor of the other it hands the network the target's own signal (its interannual
part, the part a climatology cannot predict): the skill against climatology and persistence
is inflated, not learnt. Such a variable is left out of the default predictors
(:mod:`climann.data.defaults`), and named as a predictor it is warned about once.

The rule is kept narrow, so that no unrelated variable is left out; it concerns a variable on the
target's time axis only (a climatology's map, the same every year, holds no step's anomaly:
Berkeley Earth's ``climatology`` beside its ``temperature`` anomaly); a variable ``A`` is the
anomaly of ``X`` when

- its CF ``standard_name`` is ``X``'s followed by ``_anomaly`` (the CF standard name table's
  construction, "anomaly: difference from climatology": ``air_temperature`` →
  ``air_temperature_anomaly``); or
- its ``long_name`` is ``X``'s with the word "anomaly" or "anomalies" added (before it, or
  after it as "anomaly of …"/"anomalies in …"), case and punctuation aside: OISST's "Daily sea
  surface temperature anomalies" of "Daily sea surface temperature"; or
- its name is ``X``'s followed by ``_anom``, ``_anomaly``, ``_anomalies``, ``anom`` or
  ``anomaly`` (``sst_anom``, ``tasanomaly``), or by ``a`` or ``_a`` when its ``long_name`` or
  ``standard_name`` says "anomal…" (ERSST's ``ssta``, "Extended reconstructed SST
  anomalies"); a bare ``a`` alone is no sign (``ua`` is the eastward wind, not ``u``'s anomaly).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

import xarray as xr

from climann.data.forecast_times import is_dated
from climann.data.notes import note_once
from climann.data.standard_names import standard_name_of

__all__ = ["anomaly_reason", "anomaly_relations", "leak_note", "warn_own_anomalies"]

_log = logging.getLogger(__name__)

#: The words of a long_name that make it an anomaly's.
ANOMALY_WORDS = ("anomaly", "anomalies")
#: Name endings that make a variable the anomaly of the variable named by the rest.
ANOMALY_NAME_SUFFIXES = ("_anom", "_anomaly", "_anomalies", "anom", "anomaly")
#: Short endings that do only when the long_name or standard_name also says "anomal…".
SHORT_ANOMALY_NAME_SUFFIXES = ("a", "_a")


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _without_anomaly_words(words: list[str]) -> list[str]:
    """The words of a long_name less "anomaly"/"anomalies" and an "of" or "in" right after
    one ("anomalies in daily sea surface temperature")."""
    kept, skip_preposition = [], False
    for word in words:
        if word in ANOMALY_WORDS:
            skip_preposition = True
            continue
        if not (skip_preposition and word in ("of", "in")):
            kept.append(word)
        skip_preposition = False
    return kept


def anomaly_reason(anomaly: xr.DataArray, of: xr.DataArray) -> str | None:
    """Why ``anomaly`` is the anomaly of ``of`` (the module's rules), or None when it is not.

    Parameters
    ----------
    anomaly, of : xarray.DataArray
        Two variables, named; only their names and attributes are read.

    Returns
    -------
    str or None
        ``"its long_name 'Daily sea surface temperature anomalies'"``, ``"its standard_name
        'air_temperature_anomaly'"`` or ``"its name 'sst_anom'"``.
    """
    attrs, of_attrs = anomaly.attrs, of.attrs
    standard_name, of_standard_name = standard_name_of(attrs), standard_name_of(of_attrs)
    if of_standard_name and standard_name == f"{of_standard_name}_anomaly":
        return f"its standard_name '{standard_name}'"
    long_name, of_long_name = str(attrs.get("long_name", "")), str(of_attrs.get("long_name", ""))
    words, of_words = _words(long_name), _words(of_long_name)
    if of_words and set(words) & set(ANOMALY_WORDS) and _without_anomaly_words(words) == of_words:
        return f"its long_name '{long_name}'"
    name, of_name = str(anomaly.name).lower(), str(of.name).lower()
    says_anomaly = "anomal" in f"{long_name} {standard_name}".lower()
    suffixes = ANOMALY_NAME_SUFFIXES + (SHORT_ANOMALY_NAME_SUFFIXES if says_anomaly else ())
    if any(name == of_name + suffix for suffix in suffixes):
        return f"its name '{anomaly.name}'" + (f" and long_name '{long_name}'" if says_anomaly and long_name else "")
    return None


def anomaly_relations(dataset: xr.Dataset, target: str, names: Sequence[str]) -> dict[str, str]:
    """The variables among ``names`` that are the target's anomaly, or whose anomaly the
    target is (:func:`anomaly_reason` either way), each → why, as a clause:
    ``"the anomaly of sst: its long_name '…'"`` or ``"sst_anom is its anomaly: its name
    'sst_anom'"``."""
    relations = {}
    if target not in dataset.data_vars:  # said elsewhere, naming the variables there are
        return relations
    times = _time_dims(dataset, target)
    for name in names:
        if name == target or name not in dataset.data_vars:
            continue
        if not times <= set(dataset[name].dims):  # a field without the time axis carries no step's anomaly
            continue
        if (reason := anomaly_reason(dataset[name], dataset[target])) is not None:
            relations[name] = f"the anomaly of {target}: {reason}"
        elif (reason := anomaly_reason(dataset[target], dataset[name])) is not None:
            relations[name] = f"{target} is its anomaly: {target}'s {reason.removeprefix('its ')}"
    return relations


def _time_dims(dataset: xr.Dataset, target: str) -> set:
    """The target's dims whose coordinates are dates: a predictor without them (Berkeley Earth's
    ``climatology(month_number, lat, lon)``, a map) is the same every year and holds no step's
    anomaly, so no leak of the target's signal (break51a A2)."""
    return {dim for dim in dataset[target].dims if dim in dataset.coords and is_dated(dataset[dim])}


def leak_note(relations: dict[str, str], target: str) -> str:
    """Why such variables are no predictors of ``target``, one line."""
    shown = "; ".join(f"{name} ({why})" for name, why in relations.items())
    return (f"{shown}: one is the other less its climatology, so as a predictor of {target} it holds {target}'s own "
            "signal, which would leak into the inputs (inflating the skill against climatology and persistence)")


def warn_own_anomalies(dataset: xr.Dataset, predictors: Sequence[str], target: str, *, where: str) -> None:
    """Warn once, in one line, when a predictor named by the user is the target's anomaly or
    the target is its anomaly (:func:`anomaly_relations`)."""
    relations = anomaly_relations(dataset, target, predictors)
    if relations:
        note_once(_log, logging.WARNING, f"predictors in {where}: {leak_note(relations, target)}; leave "
                  f"{', '.join(relations)} out of [data] predictors unless that is what you mean to test")
