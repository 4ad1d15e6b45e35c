"""Ensemble spreads: the standard deviation of an ensemble's members about their mean, a quantity of its own.

Ensemble products ship the spread of their members beside their mean, under the field's own name
and units: NOAA PSL's 20th Century Reanalysis (20CRv3) ``air`` in ``degK`` in
``air.2m.mon.mean.spread.nc``, ``statistic = "Ensemble Spread"``, beside the ensemble mean ``air``
in ``air.2m.mon.mean.nc``, ``statistic = "Mean"``; ECMWF's ensemble ``2t`` with ecCodes' ``dataType =
"es"`` (ensemble standard deviation) beside ``"em"`` (ensemble mean); NCEP GEFS's ``gespr`` files,
GRIB2 product definition template 4.2 (derived forecasts from all members) with the derived forecast
code 2 (WMO GRIB2 Code Table 4.7: standard deviation with respect to the cluster mean), beside
``geavg`` (code 0, the unweighted mean). cfgrib names each ``t2m`` "2 metre temperature" in ``K``:
nothing in the name says which it is. A spread is how uncertain the ensemble is (a few tenths of a
kelvin today, several kelvin in 1850 for 20CRv3), not another estimate of the field: it is never
read as a copy of its mean (:mod:`climann.data.same_quantity`), and ``climann info`` says what it is.

A variable is an ensemble spread (:func:`ensemble_spread_reason`) when

- its ``statistic`` (PSL's) or ``long_name`` holds the word "spread" ("Ensemble Spread");
- its CF ``cell_methods`` are a standard deviation or variance over the member axis (CF §7.3,
  Appendix E: ``realization: standard_deviation``; the axis as :data:`~climann.data.members.MEMBER_NAMES`
  names it);
- its ecCodes ``dataType`` is ``es`` (:data:`SPREAD_DATA_TYPES`, cfgrib's ``GRIB_dataType``);
- its GRIB2 derived forecast code (``derivedForecast``, templates 4.2 and 4.12, cfgrib's
  ``GRIB_derivedForecast``) is a spread of :data:`SPREAD_DERIVED_FORECASTS`;
- its name ends in ``_spread``, ``_sprd`` or ``spr`` after ``_`` (:data:`SPREAD_SUFFIXES`).
"""

from __future__ import annotations

import re

import xarray as xr

from climann.data.members import MEMBER_NAMES

__all__ = ["SPREAD_DATA_TYPES", "SPREAD_DERIVED_FORECASTS", "SPREAD_SUFFIXES", "ensemble_spread_reason"]

#: ecCodes' ``dataType`` of an ensemble's standard deviation (ECMWF's MARS ``type = es``).
SPREAD_DATA_TYPES = {"es": "ecCodes dataType 'es', the ensemble standard deviation"}

#: GRIB2 derived forecast codes (WMO GRIB2 Code Table 4.7) of a spread of the members.
SPREAD_DERIVED_FORECASTS = {2: "standard deviation with respect to the cluster mean",
                            3: "standard deviation with respect to the cluster mean, normalized",
                            4: "spread of all members", 7: "interquartile range of the members"}

#: Name suffixes (after ``_``, any case) that say an ensemble spread: ``air_spread``, ``t2m_sprd``.
SPREAD_SUFFIXES = ("spread", "sprd", "spr")

_SPREAD_WORD = re.compile(r"\bspread\b", re.IGNORECASE)
_SPREAD_NAME = re.compile(r"_(?:" + "|".join(SPREAD_SUFFIXES) + r")$", re.IGNORECASE)
#: ``<member axis>: standard_deviation`` (or ``variance``) in CF cell_methods, any of the axis names.
_SPREAD_METHOD = re.compile(r"\b(?:" + "|".join(MEMBER_NAMES) + r")\s*:\s*(?:standard_deviation|variance)\b")


def ensemble_spread_reason(variable: xr.DataArray) -> str | None:
    """What says ``variable`` is the spread of an ensemble's members (the module's rule), or None.

    Parameters
    ----------
    variable : xarray.DataArray
        Named, with its attributes (``statistic``, ``long_name``, ``cell_methods``, cfgrib's
        ``GRIB_dataType`` and ``GRIB_derivedForecast``).

    Returns
    -------
    str or None
        ``"statistic 'Ensemble Spread'"``, ``"ecCodes dataType 'es', the ensemble standard
        deviation"`` …

    Examples
    --------
    >>> ensemble_spread_reason(xr.DataArray([1.0], dims="time", name="air", attrs={"statistic": "Ensemble Spread"}))
    "statistic 'Ensemble Spread'"
    >>> ensemble_spread_reason(xr.DataArray([1.0], dims="time", name="air", attrs={"statistic": "Mean"})) is None
    True
    """
    attrs = variable.attrs
    for key in ("statistic", "long_name"):
        if _SPREAD_WORD.search(str(attrs.get(key, ""))):
            return f"{key} '{attrs[key]}'"
    if _SPREAD_METHOD.search(str(attrs.get("cell_methods", ""))):
        return f"cell_methods '{attrs['cell_methods']}'"
    data_type = str(attrs.get("GRIB_dataType", "")).strip().lower()
    if data_type in SPREAD_DATA_TYPES:
        return SPREAD_DATA_TYPES[data_type]
    code = attrs.get("GRIB_derivedForecast")
    if code is not None and str(code).strip().isdigit() and int(code) in SPREAD_DERIVED_FORECASTS:
        return f"GRIB2 derived forecast {int(code)} of WMO Code Table 4.7, {SPREAD_DERIVED_FORECASTS[int(code)]}"
    if variable.name is not None and _SPREAD_NAME.search(str(variable.name)):
        return f"named as a spread ({variable.name})"
    return None
