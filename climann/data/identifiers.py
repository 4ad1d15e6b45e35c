"""Identifiers as predictors: numbers that name things, not amounts.

A lake, station, basin or region number (ESA CCI Lakes' ``lakeid(lat, lon)``, long name "Lake
identifier", values 6, 300, 1049; a "catchment ID"; a "region number") names a thing: lake 1049
is not "more" than lake 6, and a network given it reads it as an amount, as it would read a
flag variable's codes (:mod:`climann.data.flags`). Such a variable is said by

- CF's ``cf_role`` (CF-1.11 §9.5: ``timeseries_id``, ``profile_id``, ``trajectory_id``), which
  names the ids of discrete sampling geometry features;
- its ``long_name`` or ``standard_name``: the word "identifier" or "ID" ("station id"), or a
  thing's "number", "code" or "index" ("region number", "basin code", "lake index": not a
  "drought index", which names no thing);
- its name, when it has no long name: ``*_id``, ``id`` after a thing's name (``lakeid``,
  ``stationid``), ``id``; not any name ending in "id" (``humid``, ``liquid``).

An integer map of classes without CF flag attributes is read the same way (a class code names
a class as an id names a lake): GFED4.1s' ``source`` (the data set each cell's burned area comes
from, no attributes), GFED's ``basis_regions`` ("GFED basis regions"), a Köppen-Geiger "climate
class", a "land cover type", ERA5's ``slt`` "Soil type" and ``tvh`` "Type of high vegetation"
(:func:`class_reading`): stored as integers (packed or not), its ``long_name`` ending in
"class", "type", "category", "classification", "regions", "biome" or "source" (or starting
"type of", "class of"), or, without a long name, such a word in its name (``kg_class``,
``basis_regions``, ``source``). Before fix44c they were default predictors, a class id read as
a magnitude. Classes declared with ``flag_values`` and ``flag_meanings`` keep their own route
(:mod:`climann.data.flags`). As the target, a class map of more than two values in any of its
steps (:func:`class_map_values`) is refused as a flag variable of more than two classes is
(:func:`climann.data.flags.refuse_flag_target`): before fix44e it trained a regression on class ids.

A variable with physical units is no identifier, whatever its name. Such variables are left out
of the default predictors with a note (:mod:`climann.data.defaults`); named in ``[data]
predictors`` they are used as the user asks, with one warning (:func:`warn_identifier_predictors`)
that says to give a 0/1 indicator of the region (one-hot; a region mask as ``regionmask`` makes
it) instead: not refused, as the user may know the numbers are ordered.

Example
-------
>>> identifier_reading("lakeid", dataset["lakeid"])  # doctest: +SKIP
"long_name 'Lake identifier'"
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

import numpy as np
import xarray as xr

from climann.data.sources import variable_where

__all__ = ["class_map_values", "class_reading", "identifier_advice", "identifier_reading",
           "warn_identifier_predictors"]

_log = logging.getLogger(__name__)

#: Things whose numbers are names: a "<thing> number" (or code, index) is an identifier.
_THINGS = ("lake", "station", "site", "basin", "sub-?basin", "catchment", "watershed", "region", "country", "state",
           "province", "county", "district", "zone", "polygon", "river", "reach", "segment", "glacier", "island",
           "cell", "grid ?cell", "plot", "well", "gauge", "gage", "buoy", "platform", "ship", "feature", "object",
           "storm", "track", "city", "landunit", "patch", "column", "hru", "shape")

#: Words of a long name or standard name that say an identifier.
_LONG_NAME = re.compile(rf"\bidentifier\b|\bid\b|\b(?:{'|'.join(_THINGS)})s?[ _-]?(?:number|no\.?|code|index)\b",
                        re.IGNORECASE)

#: Variable names of identifiers: ``id``, ``*_id``, a thing's name then ``id`` (``lakeid``) or number.
_NAME = re.compile(rf"^(?:id|.*[_\-. ]id|(?:{'|'.join(_THINGS)})id|(?:{'|'.join(_THINGS)})_?(?:number|no|code))$",
                   re.IGNORECASE)

#: Units of a number without a physical quantity (CF: ``1`` or none).
_NO_UNITS = ("", "1", "-", "~", "none", "n/a", "count", "dimensionless")  # "~": ecCodes' (ERA5's tvh, slt)

#: The words that say an integer's values are classes: last in its long name ("Koppen-Geiger climate
#: class", "GFED basis regions", "data source"), first before "of" ("Type of high vegetation").
_CLASS_WORDS = r"class(?:es)?|classification|type|categor(?:y|ies)|regions|biomes?|source"
_CLASS_LONG_NAME = re.compile(rf"(?:\b(?:{_CLASS_WORDS})\W*$)|(?:^\W*(?:class|type|category)\s+of\b)", re.IGNORECASE)

#: The same words in a name without a long name (``kg_class``, ``basis_regions``, ``lc_type``, ``source``).
_CLASS_NAME = re.compile(rf"(?:^|[_\-.])(?:{_CLASS_WORDS})$", re.IGNORECASE)

def identifier_advice(name: str) -> str:
    """What to do instead of giving identifiers as amounts, for the note and the warning."""
    return (f"give a 0/1 indicator of each place (or class) that matters instead (one-hot encoding, as a region "
            f"mask that regionmask makes, or 1 where {name} is that place's or class's number, 0 elsewhere)")


def _stored_as_integers(variable: xr.DataArray) -> bool:
    """Whether a variable's file stores it as integers (its ``dtype`` as read, or as written in the
    file when a fill value or a packing made it floats)."""
    stored = variable.encoding.get("dtype", variable.dtype)
    return np.dtype(stored).kind in "iu" or variable.dtype.kind in "iu"


def class_reading(name: str, variable: xr.DataArray) -> str | None:
    """What says that an integer variable without flag attributes holds class codes (see the
    module's description), or None.

    Parameters
    ----------
    name : str
        The variable's name.
    variable : xarray.DataArray
        Its attributes and stored type are read, not its values.

    Returns
    -------
    str or None
        ``"long_name 'Koppen-Geiger climate class'"``, ``"its name"``; None for a variable not
        stored as integers, with physical units or CF flag attributes, or one nothing says holds
        classes.
    """
    attrs = variable.attrs
    if (not _stored_as_integers(variable) or str(attrs.get("units", "")).strip().lower() not in _NO_UNITS
            or "flag_values" in attrs or "flag_masks" in attrs):
        return None
    if isinstance(attrs.get("long_name"), str):
        return f"long_name '{attrs['long_name']}'" if _CLASS_LONG_NAME.search(attrs["long_name"].strip()) else None
    return "its name" if _CLASS_NAME.search(name) else None


def _time_dimensions(variable: xr.DataArray) -> list[str]:
    """The dimensions of ``variable`` whose coordinate holds dates (decoded times: ``datetime64``
    or cftime objects)."""
    return [dim for dim in variable.dims if dim in variable.coords
            and (variable[dim].dtype.kind == "M"
                 or (variable[dim].dtype.kind == "O" and variable[dim].size and hasattr(variable[dim].values[0],
                                                                                          "calendar")))]


#: How many values a block of steps read for :func:`class_map_values` holds at most (a few MB).
_CLASS_BLOCK_VALUES = 1 << 20


def _classes_held(variable: xr.DataArray) -> tuple[np.ndarray, int]:
    """The distinct values (missing left out, sorted) of ``variable``, read a block of time steps
    at a time until more than two are found or every step is read, and how many steps were read
    (0: a map without a time axis, read whole). A map whose first step is all missing, or whose
    first step holds two classes and later ones more, was judged on its first step alone before
    fix45c (and trained on as amounts)."""
    times = _time_dimensions(variable)
    if not times:
        return _distinct(variable.values), 0
    stacked = variable.transpose(*times, ...)
    n_steps = int(np.prod([variable.sizes[dim] for dim in times]))
    per_step = max(1, variable.size // max(n_steps, 1))
    block = max(1, _CLASS_BLOCK_VALUES // per_step)
    found = np.array([], dtype=variable.dtype)
    read = 0
    flat = stacked.data.reshape((n_steps, -1)) if len(times) > 1 else stacked.data
    while read < n_steps:
        values = np.asarray(flat[read:read + block])
        read = min(n_steps, read + block)
        found = np.union1d(found, _distinct(values))
        if found.size > 2:
            break
    return found, read


def _distinct(values: np.ndarray) -> np.ndarray:
    """The sorted distinct values of ``values``, NaN (missing) left out."""
    values = np.asarray(values).ravel()
    return np.unique(values[~np.isnan(values)] if values.dtype.kind == "f" else values)


def class_map_values(name: str, variable: xr.DataArray) -> tuple[str, np.ndarray] | None:
    """What says that ``variable`` is a map of classes (:func:`class_reading`) and the classes
    it holds, when there are more than two; else None.

    Two values are an indicator (once standardised the same input as 0 and 1, as a flag variable
    of two codes is, :mod:`climann.data.flags`). Its steps are read a block at a time until a
    third class is found (:func:`_classes_held`): a map of many classes costs one block, an
    indicator the whole series (only variables whose attributes say classes are read).

    Parameters
    ----------
    name : str
        The variable's name.
    variable : xarray.DataArray
        As opened (lazy).

    Returns
    -------
    (str, numpy.ndarray) or None
        The reading (``"long_name 'land cover type'"``) and the sorted distinct values found,
        shape (n_classes,), as opened (unpacked, missing cells left out).
    """
    reading = class_reading(name, variable)
    if reading is None:
        return None
    classes, _ = _classes_held(variable)
    return (reading, classes) if classes.size > 2 else None


def identifier_reading(name: str, variable: xr.DataArray) -> str | None:
    """What says that ``variable`` holds identifiers (numbers that name lakes, stations,
    regions), or None.

    Parameters
    ----------
    name : str
        The variable's name.
    variable : xarray.DataArray
        Its attributes are read, not its values.

    Returns
    -------
    str or None
        ``"cf_role 'timeseries_id'"``, ``"long_name 'Lake identifier'"``, ``"its name"``; None for a
        variable with physical units, or one nothing says is an identifier.
    """
    attrs = variable.attrs
    if str(attrs.get("units", "")).strip().lower() not in _NO_UNITS:
        return None
    if str(attrs.get("cf_role", "")).endswith("_id"):
        return f"cf_role '{attrs['cf_role']}'"
    for key in ("long_name", "standard_name"):
        if isinstance(attrs.get(key), str) and _LONG_NAME.search(attrs[key]):
            return f"{key} '{attrs[key]}'"
    if _NAME.match(name) and "long_name" not in attrs:
        return "its name"
    return class_reading(name, variable)


def warn_identifier_predictors(dataset: xr.Dataset, names: Sequence[str], *, where: str) -> None:
    """Warn, one line per variable, when a predictor named by the user holds identifiers
    (:func:`identifier_reading`): its numbers are used as amounts.

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
        if name in dataset.data_vars and (reading := identifier_reading(name, dataset[name])) is not None:
            _log.warning(
                "'%s' in %s holds identifiers (%s): numbers that name things, used as amounts (one is not 'more' "
                "than another); to use where they are, %s", name, variable_where(dataset[name], where), reading,
                identifier_advice(name),
            )
