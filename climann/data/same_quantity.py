"""Variables that are other estimates of the target's own quantity, at the same time steps.

Gridded products ship their value beside the estimates it was made from: the NOAA/NSIDC sea-ice
concentration CDR (G02202) holds ``cdr_seaice_conc`` with the NASA Team and Bootstrap
concentrations ``nsidc_nt_seaice_conc`` and ``nsidc_bt_seaice_conc`` — the CDR is their maximum,
cell by cell (Meier et al., G02202 user guide, section 3) — and OSI SAF's OSI-450 holds
``ice_conc`` with the unfiltered ``raw_ice_conc_values``. Each carries the target's CF
``standard_name`` (``sea_ice_area_fraction``). As predictors they hand the network the target
itself (test skill 0.80 on an OSI-450-like file, against 0.02 without it): a score that measures the
copy, not a prediction. They are left out of the default predictors (:mod:`climann.data.defaults`)
with a note; named in ``[data] predictors`` they are used.

The rule is narrow, so that no other physical variable is left out: a variable is another
estimate of the target when both have a time axis (the same time steps) and

- its CF ``standard_name`` is the target's (CF §3.3: the same physical quantity), with the same
  ``cell_methods`` (CF §7.3: ``tasmax``, "time: maximum", is another quantity than ``tas``,
  "time: mean") and the same scalar coordinates (CF §5.7: ``ta`` at 500 hPa is another quantity
  than ``ta`` at 850 hPa), each variable's own (:func:`own_scalar_coordinates`: the ones it names
  and the level its own file gave it, not every scalar coordinate xarray attaches to every
  variable of a merged file);
- neither is a flag (CF §3.5, ``flag_values`` or ``flag_masks``: a frozen/unfrozen flag made from
  ``tas`` may keep its ``standard_name``, and ``tas`` is then no copy of the flag).

Files of summaries hold several statistics of one quantity and often no ``standard_name``: NOAA
PSL's ICOADS 2-degree monthly summaries have ``sst`` (the mean), ``sst_median``, ``sst_sd`` and
``sst_nobs``, each with a ``statistic`` attribute ("Mean", "Median", "Standard Deviation",
"Number of Observations") and the same ``var_desc`` ("Sea Surface Temperature"). The median as a
predictor of the mean is a copy of it (break33b B3: test skill 0.946, against 0.185 without). So a
variable is also a statistic of the target's quantity (:func:`statistic_reason`) when both have a
time axis, the same ``units`` and the same scalar coordinates, neither is a flag, and

- both have a ``statistic`` attribute, different ones, and the same ``var_desc`` (PSL's); or
- their ``long_name`` values differ only by statistic words (:data:`STATISTIC_WORDS`: "Sea
  Surface Temperature Monthly Median" and "… Monthly Mean"); or
- one's name is the other's plus a statistic suffix (:data:`STATISTIC_SUFFIXES`: ``sst_median``
  beside ``sst``), or both are one name plus different such suffixes, each perhaps followed by a
  weighting (:data:`WEIGHTING_SUFFIXES`): SOCAT's gridded product names its statistics
  ``<quantity>_<statistic>_<weighting>`` (``fco2_ave_weighted``, "fCO2 mean - per cruise
  weighted", beside ``fco2_ave_unwtd``, ``fco2_min_unwtd`` and ``fco2_max_unwtd``, all in uatm;
  Sabine et al. 2013, ESSD 5, 145, section 3), and the other means, the minimum and the maximum of
  the target's own cruises as predictors of fCO2 gave a test skill of 0.995, against 0.24 from its
  SST and salinity alone (break36a A2).

A quantile is another statistic of the same observations (rerun36 V2: ``fco2_q25``, "fCO2 25th
percentile", beside ``fco2_mean_wtd`` gave a test skill of 0.988): names ending in ``q25``, ``p90``,
``pct25``, ``perc95``, ``percentile_90`` (:data:`QUANTILE_SUFFIX`) and long names with "25th
percentile", "quantile" or "quartile" are read as statistics as ``median`` is.

Some quantities are one another within less than their observations' own error, and are one
quantity here (:data:`ONE_QUANTITY_FORMS`, a table: each entry the variable-name stems and the CF
standard names of one quantity's forms). The partial pressure of CO2 in sea water, its fugacity
(the partial pressure times the fugacity coefficient, 0.996–0.997 at the sea surface: Weiss 1974,
Mar. Chem. 2, 203; Pfeil et al. 2013, ESSD 5, 125) and its mole fraction in the air in equilibrium
with the water (pCO2 = xCO2 (P − pH2O); Dickson et al. 2007, SOP 4) are one: ``pco2_mean_wtd`` as a
predictor of ``fco2_mean_wtd`` gave a test skill of 0.998 (rerun36 V2). Two standard names of one
entry count as the target's (the rule above), and two names whose stems are of one entry as two
statistics of it, also when the statistics are the same (``pco2_mean_wtd`` beside
``fco2_mean_wtd``), in the same units. Forms in other media (``pco2_air``, ``…_in_air``) are other
quantities and are in no entry.

A spread statistic (:data:`SPREAD_STATISTICS`: ``sst_sd``, "Standard Deviation") is no copy of the
mean: how much the observations of a month vary is a quantity of its own, as the within-month
standard deviation of daily values is (:mod:`climann.data.ancillary` keeps ``tas_sd`` a predictor),
so it stays a default predictor (``fco2_std_weighted`` beside ``fco2_ave_weighted``), as an ensemble's
spread beside its mean does (:mod:`climann.data.ensemble_spreads`: 20CRv3's ``statistic = "Ensemble
Spread"``, ECMWF's ``dataType = "es"``, GEFS's ``gespr``, under every rule of this module); two spreads of
one quantity (``fco2_std_weighted`` and ``fco2_std_unwtd``) are the same one, and one is left out as
a copy of the other when it is the target. Where both variables have a ``cell_methods`` and they differ, CF
says which quantity each is (``tasmax``, "time: maximum", beside ``tas``, "time: mean", is another
one), and the long-name and name rules do not apply. A count has other units, so it is none of
these (:mod:`climann.data.ancillary` leaves ``sst_nobs``, ``fco2_count_nobs`` and ``count_ncruise``
out: counts of observations).

Satellite precipitation products ship their merged estimate beside the estimates of the sensors it
was merged from: TRMM 3B42 (Huffman et al. 2007, J. Hydrometeor. 8, 38, section 3) holds
``precipitation`` (the combined microwave-IR estimate: in each 3-hour slot the high-quality
microwave estimate where there is one, else the microwave-calibrated infrared one) beside
``HQprecipitation`` and ``IRprecipitation``; GPM IMERG (V06) ``precipitationCal`` beside
``precipitationUncal``, ``HQprecipitation`` and ``IRprecipitation``. Each is the target's quantity
from a subset of the sensors, or before the gauge calibration, and mostly equals it (break39a F4:
``HQprecipitation`` was the default predictor of ``precipitation``). So a variable is also another
estimate of the target (:func:`source_reason`) when both have a time axis, the same ``units``, the same
scalar coordinates and the same ``cell_methods``, neither is a flag, their standard names (where
both have one) are of one quantity, and their names are one stem with different sensor or
calibration qualifiers of :data:`SOURCE_QUALIFIERS` (a prefix in capitals before the stem, or a
suffix; one of the two may have none): ``HQprecipitation`` and ``precipitation``,
``precipitationUncal`` and ``precipitationCal``. A prefix in lower case counts only before ``_``
(``hq_precipitation``), so that no word is read as one (``irradiance`` is no infrared ``radiance``).

(Data about the target's values — ``ancillary_variables``, ``standard_error`` — are
:mod:`climann.data.ancillary`'s.)
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np
import xarray as xr

from climann.data.ensemble_spreads import ensemble_spread_reason
from climann.data.standard_names import standard_name_of
from climann.data.variables import scalar_coordinates, variable_levels

__all__ = ["ONE_QUANTITY_FORMS", "QUANTILE_SUFFIX", "SOURCE_QUALIFIERS", "SPREAD_STATISTICS", "STATISTIC_SUFFIXES",
           "STATISTIC_WORDS", "WEIGHTING_SUFFIXES", "own_scalar_coordinates", "same_quantity_note",
           "same_quantity_relations", "source_reason", "statistic_reason"]

#: Words that name a statistic in a long name (any case), longest first: removed, the long names
#: of two statistics of one quantity are equal ("Sea Surface Temperature Monthly").
STATISTIC_WORDS = ("number of observations", "interquartile range", "standard deviation", "lower quartile",
                   "upper quartile", "percentile", "quantile", "quartile", "minimum", "maximum", "median", "mean",
                   "average", "count")

#: An ordinal or percentage before "percentile", "quantile" or "quartile" ("25th", "90 %", "0.9"),
#: part of the statistic's words.
_QUANTILE_RANK = r"(?:\d+(?:\.\d+)?(?:st|nd|rd|th)?\s*%?\s+)?"

#: Name suffixes that say a statistic of the quantity the rest of the name names (``sst_median``).
STATISTIC_SUFFIXES = ("mean", "ave", "avg", "average", "median", "min", "max", "minimum", "maximum", "sd", "std",
                      "stdev", "stddev", "var", "variance", "iqr", "count", "nobs")

#: A name suffix that says a quantile (a regular expression): ``q25``, ``p90``, ``pct25``, ``pctl10``,
#: ``perc95``, ``percentile_90``, ``quantile_75`` (one or two digits: ``ta_p850`` is a level).
QUANTILE_SUFFIX = r"(?:q|p|pct|pctl|perc|percentile_?|quantile_?)\d{1,2}"

#: Name suffixes after a statistic that say how the observations were weighted (SOCAT's
#: ``fco2_ave_weighted``, per cruise, and ``fco2_ave_unwtd``, all observations alike).
WEIGHTING_SUFFIXES = ("weighted", "unweighted", "wtd", "unwtd")

#: Statistics of the spread of the observations (lower case): a quantity of their own, never left out here.
SPREAD_STATISTICS = ("standard deviation", "sd", "std", "stdev", "stddev", "variance", "var", "interquartile range",
                     "iqr")

#: Forms of one quantity, each ``(what it is, variable-name stems, CF standard names)``, lower case;
#: see the module's docstring for the sources. Add a row for another quantity, not code.
ONE_QUANTITY_FORMS = (
    ("CO2 in sea water (its partial pressure, fugacity and mole fraction)",
     ("pco2", "fco2", "xco2", "spco2", "pco2_sw", "fco2_sw", "xco2_sw", "pco2w", "fco2w", "xco2w", "pco2_water",
      "fco2_water", "xco2_water"),
     ("surface_partial_pressure_of_carbon_dioxide_in_sea_water", "partial_pressure_of_carbon_dioxide_in_sea_water",
      "fugacity_of_carbon_dioxide_in_sea_water", "mole_fraction_of_carbon_dioxide_in_sea_water",
      "mole_fraction_of_carbon_dioxide_in_sea_water_in_dry_gas",
      "mole_fraction_of_carbon_dioxide_in_sea_water_in_wet_gas")),
)

#: Qualifiers of a variable's name that say which sensors or which calibration an estimate of the
#: quantity its stem names comes from → what they say; a prefix (``HQprecipitation``) or a suffix
#: (``precipitationUncal``), as :data:`_SOURCE_QUALIFIED` reads them. See the module's docstring
#: for the products. Add a row for another product's qualifier, not code.
SOURCE_QUALIFIERS = {
    "prefix": {"HQ": "from the high-quality (passive microwave) sensors alone",
               "PMW": "from the passive microwave sensors alone", "MW": "from the microwave sensors alone",
               "IR": "from the infrared sensors alone"},
    "suffix": {"Cal": "with the gauge calibration", "Uncal": "without the gauge calibration"},
}

_PREFIXES = "|".join(SOURCE_QUALIFIERS["prefix"])
_SUFFIXES = "|".join(SOURCE_QUALIFIERS["suffix"])
#: A name as qualifier and stem: a prefix in capitals directly before a stem that begins in lower
#: case, or in any case before ``_``; a suffix after ``_`` (any case) or as a camelCase hump.
_SOURCE_QUALIFIED = re.compile(
    rf"^(?:(?P<prefix>{_PREFIXES})(?=[a-z])|(?P<prefix_word>(?i:{_PREFIXES}))_)?(?P<stem>.+?)"
    rf"(?:(?<=[a-z0-9])(?P<suffix>{_SUFFIXES})|_(?P<suffix_word>(?i:{_SUFFIXES})))?$")

#: Each name stem and standard name of :data:`ONE_QUANTITY_FORMS` → what its quantity is.
_QUANTITY_OF = {form.lower(): what for what, *forms in ONE_QUANTITY_FORMS for group in forms for form in group}

_STATISTIC_WORD = re.compile(r"\b(" + _QUANTILE_RANK + r"(?:percentile|quantile|quartile)s?|"
                             + "|".join(word.replace(" ", r"\s+") for word in STATISTIC_WORDS) + r")\b",
                             re.IGNORECASE)
_STATISTIC_SUFFIX = re.compile(r"^(?P<base>.+?)_(?P<statistic>" + "|".join(STATISTIC_SUFFIXES) + "|"
                               + QUANTILE_SUFFIX + r")"
                               r"(?:_(?P<weighting>" + "|".join(WEIGHTING_SUFFIXES) + r"))?$", re.IGNORECASE)


#: One variable's scalar coordinates, as :func:`own_scalar_coordinates` gives them.
ScalarCoordinates = Mapping[str, object]


def own_scalar_coordinates(dataset: xr.Dataset, name: str) -> dict[str, object]:
    """The data variable ``name``'s own coordinates of one value (CF §5.7: ``height = 2 m``,
    ``plev = 50000 Pa``) → their values: those it names (:func:`~climann.data.variables.scalar_coordinates`:
    xarray gives every variable of a merged file each scalar coordinate of any of them, so
    ``ta500``, which names ``plev500``, was also at ``plev850`` of ``ta850``, break43b A2), its
    levels as its own file gave them (:func:`~climann.data.variables.variable_levels`: files
    combined keep the first file's ``height``, so ICON's ``ta2`` split by ``cdo sellevel`` had
    ``ta1``'s 1 m).

    Parameters
    ----------
    dataset : xarray.Dataset
    name : str
        A data variable of it.

    Returns
    -------
    dict of str to object
        Each coordinate's name → its value (a Python scalar).
    """
    found = {coordinate.name: coordinate for coordinate in scalar_coordinates(dataset, name, ())}
    found.update({level.name: level for level in variable_levels(dataset, name)})
    return {str(key): np.asarray(coordinate.values).item() for key, coordinate in found.items()}


def _at_other_coordinates(variable: xr.DataArray, target: xr.DataArray,
                          own: tuple[ScalarCoordinates, ScalarCoordinates] | None) -> bool:
    """Whether ``variable`` and ``target`` have other scalar coordinates (CF §5.7: ``ta`` at
    500 hPa is another quantity than ``ta`` at 850 hPa): ``own``, each one's own
    (:func:`own_scalar_coordinates`), else each one's coordinates of one value as it has them
    (two variables on their own: every one is its own)."""
    if own is not None:
        return own[0] != own[1]
    scalars = [{str(name): np.asarray(coordinate.values).item() for name, coordinate in checked.coords.items()
                if coordinate.ndim == 0} for checked in (variable, target)]
    return scalars[0] != scalars[1]


def same_quantity_reason(variable: xr.DataArray, target: xr.DataArray, *, time_dim: str,
                         own_coordinates: tuple[ScalarCoordinates, ScalarCoordinates] | None = None) -> str | None:
    """Why ``variable`` is another estimate of ``target``'s quantity (the module's rule), or None.

    Parameters
    ----------
    variable, target : xarray.DataArray
    time_dim : str
    own_coordinates : (mapping, mapping), optional
        Each one's own scalar coordinates (:func:`own_scalar_coordinates`), as
        :func:`same_quantity_relations` gives them; without, each one's coordinates of one value.

    Returns
    -------
    str or None
        ``"standard_name 'sea_ice_area_fraction', as cdr_seaice_conc's"``.
    """
    standard_name = standard_name_of(target.attrs)  # "unknown" (ERA5 from the new CDS) names no quantity
    own_name = standard_name_of(variable.attrs)
    if (not standard_name or time_dim not in variable.dims or time_dim not in target.dims
            or _quantity_of(own_name) != _quantity_of(standard_name)):
        return None
    if any(flag in checked.attrs for checked in (variable, target) for flag in ("flag_values", "flag_masks")):
        return None  # a flag (CF §3.5) states a class of the quantity, not another estimate of its value
    if str(variable.attrs.get("cell_methods", "")).split() != str(target.attrs.get("cell_methods", "")).split():
        return None
    if _at_other_coordinates(variable, target, own_coordinates) or _is_spread(variable) != _is_spread(target):
        return None  # an ensemble spread keeps its field's standard_name (cfgrib's t2m of dataType 'es'): no copy
    if own_name != standard_name:
        return f"standard_name '{own_name}', {target.name}'s '{standard_name}': both {_QUANTITY_OF[standard_name]}"
    return f"standard_name '{standard_name}', as {target.name}'s"


def _quantity_of(name: str) -> str:
    """What quantity a name stem or standard name is one form of (:data:`ONE_QUANTITY_FORMS`), else
    the name itself."""
    return _QUANTITY_OF.get(name.lower(), name)


def _long_name_without_statistic(attrs: dict) -> tuple[str, bool]:
    """The long name without its statistic words, lower case and single-spaced, and whether it had one."""
    long_name = str(attrs.get("long_name", ""))
    stripped = _STATISTIC_WORD.sub(" ", long_name)
    return " ".join(stripped.lower().split()), stripped != long_name


def _is_spread(variable: xr.DataArray) -> bool:
    """Whether the ``statistic`` attribute, the long name or the name's suffix says a spread
    (:data:`SPREAD_STATISTICS`), or the variable is an ensemble spread
    (:func:`~climann.data.ensemble_spreads.ensemble_spread_reason`: 20CRv3's "Ensemble Spread")."""
    long_name = " ".join(str(variable.attrs.get("long_name", "")).lower().split())
    return (str(variable.attrs.get("statistic", "")).strip().lower() in SPREAD_STATISTICS
            or "standard deviation" in long_name or "variance" in long_name or "interquartile range" in long_name
            or _name_without_statistic(str(variable.name))[1] in SPREAD_STATISTICS
            or ensemble_spread_reason(variable) is not None)


def _name_without_statistic(name: str) -> tuple[str, str, str]:
    """``("sst", "median", "")`` for ``sst_median``; ``("fco2", "ave", "unwtd")`` for ``fco2_ave_unwtd``;
    ``("sst", "", "")`` for ``sst``."""
    found = _STATISTIC_SUFFIX.match(name)
    return (found["base"], found["statistic"].lower(), (found["weighting"] or "").lower()) if found else (name, "", "")


def statistic_reason(variable: xr.DataArray, target: xr.DataArray, *, time_dim: str,
                     own_coordinates: tuple[ScalarCoordinates, ScalarCoordinates] | None = None) -> str | None:
    """Why ``variable`` is another statistic of ``target``'s quantity (the module's second rule), or None.

    Parameters
    ----------
    variable, target : xarray.DataArray
        Named, with their attributes (``units``, ``statistic``, ``var_desc``, ``long_name``).
    time_dim : str
    own_coordinates : (mapping, mapping), optional
        As :func:`same_quantity_reason`'s.

    Returns
    -------
    str or None
        ``"statistic 'Median' of var_desc 'Sea Surface Temperature', as sst's 'Mean'"``.
    """
    if (time_dim not in variable.dims or time_dim not in target.dims or variable.name == target.name
            or any(flag in checked.attrs for checked in (variable, target) for flag in ("flag_values", "flag_masks"))
            or str(variable.attrs.get("units", "")).strip() != str(target.attrs.get("units", "")).strip()
            or _at_other_coordinates(variable, target, own_coordinates)
            or _is_spread(variable) != _is_spread(target)):
        return None  # a spread beside a mean (sst_sd, sst) is a quantity of its own; two spreads are one
    statistics = [str(checked.attrs.get("statistic", "")).strip() for checked in (variable, target)]
    descriptions = [str(checked.attrs.get("var_desc", "")).strip() for checked in (variable, target)]
    if all(statistics) and statistics[0].lower() != statistics[1].lower() and descriptions[0] \
            and descriptions[0].lower() == descriptions[1].lower():
        return f"statistic '{statistics[0]}' of var_desc '{descriptions[0]}', as {target.name}'s '{statistics[1]}'"
    methods = [str(checked.attrs.get("cell_methods", "")).split() for checked in (variable, target)]
    if all(methods) and methods[0] != methods[1]:
        return None  # CF's cell_methods say which statistic each is: another quantity
    (own, own_statistic), (other, other_statistic) = (_long_name_without_statistic(variable.attrs),
                                                      _long_name_without_statistic(target.attrs))
    if own and own == other and (own_statistic or other_statistic) \
            and variable.attrs["long_name"] != target.attrs["long_name"]:
        return f"long_name '{variable.attrs['long_name']}', {target.name}'s '{target.attrs['long_name']}'"
    (own, *own_statistic), (other, *other_statistic) = (_name_without_statistic(str(variable.name)),
                                                        _name_without_statistic(str(target.name)))
    if own == other and own_statistic != other_statistic:
        return f"named as another statistic of {own}, {target.name}'s quantity, in the same units"
    if own != other and _quantity_of(own) == _quantity_of(other):
        return f"named as {own}, {target.name}'s {other}, in the same units: both {_quantity_of(own)}"
    return None


def _source_qualified(name: str) -> tuple[str, str]:
    """``("precipitation", "from the high-quality (passive microwave) sensors alone")`` for
    ``HQprecipitation``; ``("precipitation", "")`` for ``precipitation``: the stem (lower case) and
    what its qualifier of :data:`SOURCE_QUALIFIERS` says."""
    found = _SOURCE_QUALIFIED.match(name)
    if found is None:
        return name.lower(), ""
    said = ""
    for kind, group in (("prefix", found["prefix"] or found["prefix_word"]),
                        ("suffix", found["suffix"] or found["suffix_word"])):
        if group is not None:
            said = next(what for qualifier, what in SOURCE_QUALIFIERS[kind].items()
                        if qualifier.lower() == group.lower())
    return found["stem"].lower(), said


def source_reason(variable: xr.DataArray, target: xr.DataArray, *, time_dim: str,
                  own_coordinates: tuple[ScalarCoordinates, ScalarCoordinates] | None = None) -> str | None:
    """Why ``variable`` is the target's quantity from other sensors or another calibration (the
    module's third rule, :data:`SOURCE_QUALIFIERS`), or None.

    Parameters
    ----------
    variable, target : xarray.DataArray
        Named, with their attributes (``units``, ``standard_name``, ``cell_methods``).
    time_dim : str
    own_coordinates : (mapping, mapping), optional
        As :func:`same_quantity_reason`'s.

    Returns
    -------
    str or None
        ``"named as precipitation from the high-quality (passive microwave) sensors alone, in
        precipitation's units 'mm'"``.
    """
    names = [standard_name_of(checked.attrs) for checked in (variable, target)]
    units = str(target.attrs.get("units", "")).strip()
    if (time_dim not in variable.dims or time_dim not in target.dims or variable.name == target.name
            or any(flag in checked.attrs for checked in (variable, target) for flag in ("flag_values", "flag_masks"))
            or str(variable.attrs.get("units", "")).strip() != units
            or _at_other_coordinates(variable, target, own_coordinates)
            or str(variable.attrs.get("cell_methods", "")).split() != str(target.attrs.get("cell_methods", "")).split()
            or _is_spread(variable) != _is_spread(target)
            or (all(names) and _quantity_of(names[0]) != _quantity_of(names[1]))):
        return None
    (stem, said), (target_stem, target_said) = (_source_qualified(str(variable.name)),
                                                _source_qualified(str(target.name)))
    if stem != target_stem or said == target_said:
        return None
    what = f"{stem} {said}" if said else f"{stem}, of which {target.name} is the estimate {target_said}"
    return f"named as {what}, in {target.name}'s units '{units}'" if units else f"named as {what}, without units"


def same_quantity_relations(dataset: xr.Dataset, target: str, names: Sequence[str], *,
                            time_dim: str) -> dict[str, str]:
    """Of ``names``, those that are other estimates of ``target``'s quantity → why
    (:func:`same_quantity_reason`), other statistics of it (:func:`statistic_reason`), or its
    estimates from other sensors or another calibration (:func:`source_reason`), each compared
    at its own scalar coordinates (:func:`own_scalar_coordinates`): ``ta500`` beside ``ta850``
    is another predictor, not a copy."""
    found = {}
    target_coordinates = own_scalar_coordinates(dataset, target)
    for name in names:
        own = (own_scalar_coordinates(dataset, name), target_coordinates)
        reason = (same_quantity_reason(dataset[name], dataset[target], time_dim=time_dim, own_coordinates=own)
                  or statistic_reason(dataset[name], dataset[target], time_dim=time_dim, own_coordinates=own)
                  or source_reason(dataset[name], dataset[target], time_dim=time_dim, own_coordinates=own))
        if reason is not None:
            found[name] = reason
    return found


def same_quantity_note(relations: dict[str, str], target: str) -> str:
    """One line for the notes of the default predictors: which were left out and why."""
    reasons = list(dict.fromkeys(relations.values()))
    shown = (f"{', '.join(relations)} ({reasons[0]}, at the same time steps)" if len(reasons) == 1 else
             "; ".join(f"{name} ({reason})" for name, reason in relations.items()) + ", at the same time steps")
    them = "them" if len(relations) > 1 else "it"
    return (f"left out of the default predictors: {shown}: other estimates of {target}'s own quantity (another "
            f"retrieval or analysis of it, or another statistic of the same observations), so a network fed {them} "
            f"copies {them} or learns from the target's own sample, and its skill measures that, not a prediction of "
            f"{target}; name {them} in [data] predictors (--predictors) to use {them} anyway")
