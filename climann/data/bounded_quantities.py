"""Quantities bounded above by what they are: a percentage of a whole, a fraction, a probability.

A share of a whole lies within 0…100 % or 0…1: C3S's tercile probabilities (``units = "%"``),
cloud cover in %, sea-ice area fraction (CF ``sea_ice_area_fraction``, ``units = "1"``). The
network's identity output layer bounds nothing, so its predictions of such a quantity can lie
beyond either end; the predictions file says so (:mod:`climann.evaluation.predictions`).

The bound is read from the units and the description, never from the variable's name alone
(CF-1.8 §3.1, §3.3; the CF standard name table calls a "fraction" a dimensionless ratio of a
part to the whole):

- ``units`` a percentage (:data:`~climann.data.flags.PERCENT_UNITS`: ``%``, ``percent``,
  ``percentage``): 0…100;
- ``units`` ``"1"`` (or none) and a ``standard_name`` ending in ``_fraction`` or naming a
  probability (``probability_of_…``; not a probability *density* or *distribution*, which
  can exceed 1), or, without a ``standard_name``, a ``long_name`` that calls it a fraction or a
  probability: 0…1;
- none when the description calls it a ratio to a reference, which can exceed the whole:
  "percent of normal" precipitation (250 % after a wet month), soil moisture in "percent of
  field capacity" (above 100 % when wetter than field capacity), an anomaly, a change, a
  difference (:func:`~climann.data.units.described_as_anomaly`), a ratio; unless it calls it a
  probability, bounded whatever it is of (C3S: "probability of 2m temperature tercile category
  … (relative to 1993-2016 hindcast)").
"""

from __future__ import annotations

import re

import xarray as xr

from climann.data.flags import PERCENT_UNITS
from climann.data.units import described_as_anomaly

#: References a quantity can exceed: a percentage of one is no share of a whole. Soil moisture
#: in "percent of field capacity" is above 100 % in a soil wetter than field capacity (up to
#: saturation, after rain: fix36b), a reservoir's storage in "% of capacity" above 100 % in a
#: flood, precipitation in "percent of normal" 250 % after a wet month.
_REFERENCES = (r"(the )?(long[- ]term )?(normal|mean|average|median|climatology|reference|field capacity|"
               r"(storage |reservoir )?capacity|potential)")

#: Words of a description that make a percentage or fraction a ratio to a reference, not a
#: share of a whole: it can exceed 100 % (percent of normal, of the mean, of a climatology,
#: of field capacity).
RATIO_WORDS = re.compile(rf"\b(of|relative to) {_REFERENCES}\b|percent_of_normal|_of_field_capacity\b|"
                         r"\bratio\b|_ratio\b", re.IGNORECASE)

#: A probability (not its density or distribution), in a standard_name or a long_name.
_PROBABILITY = re.compile(r"probabilit(y|ies)(?![ _](density|distribution))", re.IGNORECASE)

#: A fraction, in a long_name (a standard_name's ``_fraction`` ending is read on its own).
_FRACTION = re.compile(r"\bfraction\b", re.IGNORECASE)


def _described(variable: xr.DataArray) -> str:
    """The ``standard_name`` and ``long_name`` of a variable, joined."""
    return " ".join(str(variable.attrs.get(key, "")) for key in ("standard_name", "long_name"))


def upper_bound(name: str, variable: xr.DataArray) -> tuple[float, str] | None:
    """The largest value a share of a whole can take (see the module's rules), and what says it
    is one, for messages.

    Parameters
    ----------
    name : str
        The variable's name (an anomaly's name, ``pr_anom``, takes the bound away; it never
        gives one).
    variable : xarray.DataArray
        Its attributes (``units``, ``standard_name``, ``long_name``) say the bound.

    Returns
    -------
    (float, str) or None
        ``(100.0, "its units '%'")``, ``(1.0, "its standard_name sea_ice_area_fraction")``;
        None when nothing bounds it.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> upper_bound("clt", xr.DataArray(np.zeros(2), dims="x", attrs={"units": "%"}))
    (100.0, "its units '%'")
    >>> upper_bound("pr_pct", xr.DataArray(np.zeros(2), dims="x", attrs={"units": "%",
    ...     "long_name": "Precipitation percent of normal"})) is None
    True
    """
    attrs = variable.attrs
    if variable.dtype.kind not in "fiu" or "flag_values" in attrs or "flag_masks" in attrs:
        return None
    # a probability is one whatever it is of (C3S's "probability of 2m temperature tercile category …
    # (relative to 1993-2016 hindcast)"); other shares lose their bound when called a ratio or an anomaly
    probability = _PROBABILITY.search(_described(variable)) is not None
    if not probability and (described_as_anomaly(name, attrs) or RATIO_WORDS.search(_described(variable))):
        return None
    units = str(attrs.get("units", "")).strip()
    if units.lower() in PERCENT_UNITS:
        return 100.0, f"its units '{units}'"
    if units not in ("1", ""):
        return None
    standard = str(attrs.get("standard_name", "")).strip()
    if standard:
        shares = standard.endswith("_fraction") or _PROBABILITY.search(standard)
        return (1.0, f"its standard_name {standard} in units '{units or '1'}'") if shares else None
    long_name = " ".join(str(attrs.get("long_name", "")).split())
    if long_name and (_FRACTION.search(long_name) or _PROBABILITY.search(long_name)):
        return 1.0, f"its long_name '{long_name}' in units '{units or '1'}'"
    return None
