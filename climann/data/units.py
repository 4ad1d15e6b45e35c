"""Units of variables: read with pint and cf_xarray's UDUNITS registry, converted when convertible.

The units strings are those of the files' ``units`` attributes (UDUNITS syntax: ``K``,
``degC``, ``degree_Celsius``, ``hPa``, ``kg m-2 s-1``, ``mm day-1``, ``%``, ``1``, and numbers as
scales: ``0.001``, CMIP6's units of salinity, is 0.001 of ``1``; :func:`parse_units`). Every
conversion the registry knows is affine, ``new = scale · old + offset`` (an offset only
for temperatures on the Celsius or Fahrenheit scales), so a conversion is two numbers and
stays lazy on dask-backed data. A month or a year in the units (``mm month-1``) is the one
holding each time step, in its calendar (:func:`calendar_factor`): then the scale varies
along time.

Three additions to the registry, each documented where it acts:

- :func:`normalised_units` rewrites a few spellings of temperature scales that real files
  use but the registry misreads: ``degrees C`` and ``deg C`` would parse as *angle degrees
  times a Celsius interval* (a factor π/180), ``degrees_C`` and ``Kelvin`` not at all, nor the
  IRI/LDEO Data Library's ``Kelvin_scale``, ``Celsius_scale`` and ``Fahrenheit_scale`` (its
  names of a temperature on a scale, beside ``degree_Kelvin`` … for a difference: "Units in
  the Data Library", the ``doc+unitsnote.html`` of any iridl.ldeo.columbia.edu page).
- A length (rate) and a mass per area (rate) — ``mm day-1`` and ``kg m-2 s-1`` — differ by
  a density. Where the quantity is liquid water (:func:`is_water_quantity`: precipitation,
  rain, evaporation, runoff, a water equivalent, CF's ``lwe_`` names and the amount and flux
  forms of water) they are converted with the density of liquid water,
  :data:`WATER_DENSITY`, and the note says so; a depth of snow or ice (CF
  ``thickness_of_snowfall_amount``, ``surface_snow_thickness``, a "Snow depth") is refused
  in one line as needing its own density, never converted with water's (fresh snow is about
  100 kg m-3: water's would make it 10 times too much).
- Practical salinity's ``psu``, ``PSS-78``, ``pss`` are read as ``1e-3`` (:func:`readable_units`:
  cf_xarray makes ``psu`` the number 1, a thousand times CMIP6's ``1e-3``); salinity between
  ``1`` and the 1e-3 scale is converted as its values say (:mod:`climann.data.salinity`: CF's
  newer table writes practical salinity, 35, in ``1``).

Sources: UDUNITS-2 (https://docs.unidata.ucar.edu/udunits/), cf_xarray.units
(https://cf-xarray.readthedocs.io/en/latest/units.html), pint.
"""

from __future__ import annotations

import contextvars
import dataclasses
import datetime
import functools
import logging
import re
import shlex
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path
from dataclasses import dataclass

import numpy as np
import xarray as xr

from climann.data.amount_labels import label_conversion, molar_mass_note
from climann.data.direction_regrid import cdo_direction_chain, file_directions
from climann.data.file_encodings import conversion_recorded
from climann.data.gas_concentrations import (
    fraction_gas, fraction_kind, fraction_refusal, is_mole_fraction_units, mole_fraction_refusal,
)
from climann.data.geopotential import geopotential_factor, geopotential_refusal_text, is_height
from climann.data.grain_volumes import (
    TEST_WEIGHTS_LB, bushel_against_mass, bushel_refusal_text, crop_factor, crop_of, names_bushels,
)
from climann.data.media_densities import concentration_refusal, medium_of
from climann.data.notes import with_store_notes
from climann.data.paths import is_zarr_store
from climann.data.quantities import liquid_equivalent
from climann.data.salinity import PRACTICAL_SALINITY_UNITS, is_salinity, salinity_scale, typical_salinity
from climann.data.shell import (
    attribute_command, cdo_command, copies_of_files, file_time_names, input_and_copy, ncap2_name, ncatted_attribute,
    ncatted_command, one_copy_advice, shell_words, values_command, xarray_data, xarray_values,
)
from climann.data.sources import (
    name_in_file, own_period_bounded, source_files, variable_where,
)
from climann.data.standard_names import standard_name_of
from climann.data.time_axis import date_text, month_number, month_start, own_series_lag_of, years_later
from climann.data.unit_ratios import (
    NAMED_RATIO, PURE_NUMBER, crosses_ratio, ratio_kind, ratio_refusal, units_of_the_same_quantity,
)
from climann.data.unit_spellings import (
    _TEMPERATURE_SCALES, _WATER_EQUIVALENT_ABBREVIATION, DIMENSIONLESS_SPELLINGS, GLUED_PERIOD, GLUED_PERIOD_POWER,
    normalised_units, readable_units, unit_registry,
)
from climann.errors import ClimannError

_log = logging.getLogger(__name__)

#: Liquid water density (kg m-3) used to turn a water depth into a mass per area.
WATER_DENSITY = 1000.0



#: Standard names whose values are liquid water, so that a depth of them and their mass per area
#: differ by :data:`WATER_DENSITY` (CF standard name table): CF's ``lwe_`` ("liquid water
#: equivalent") names; a depth (``thickness_of_…``) or rate of rain, which is liquid
#: (``thickness_of_rainfall_amount``, ``rainfall_rate``); and the mass per area forms of water
#: (``…_amount``, ``…_flux``, ``mass_content_of_…``) of precipitation, rain, snow, ice,
#: evaporation, runoff, melt or water, whose mass given as a depth is a depth of liquid water
#: equivalent (``surface_snow_amount`` in mm, ``mass_content_of_water_in_soil`` in mm). A
#: thickness or depth of anything else (``thickness_of_snowfall_amount``: the depth of the
#: fallen snow, ``surface_snow_thickness``, ``sea_ice_thickness``) is not: its density is its own.
_LIQUID_WATER_NAME = re.compile(
    r"lwe_.*"
    r"|(?:thickness_of_)?(?:\w+_)?rainfall_(?:amount|rate)"
    r"|(?!.*(?:thickness|depth|height))"
    r"(?=.*(?:precipitation|rain|snow|(?:^|_)ice(?:_|$)|graupel|hail|evapo|transpiration|runoff|melt|water))"
    r"(?:.*(?:_amount|_flux)|.*mass_content_of_.*)"
)
#: Words of a ``long_name`` (or variable name) that say a liquid water depth: a water
#: equivalent, or water held in the soil or the air column given as its depth.
_WATER_EQUIVALENT_WORDS = re.compile(
    r"water[\s_-]*equivalent|\blwe\b|\bswe\b|liquid[\s_-]*water|soil[\s_-]*(?:moisture|water)|precipitable[\s_-]*water",
    re.IGNORECASE)
#: Words that say a depth of snow or ice (its own density, about 50 to 900 kg m-3): "Snow depth",
#: "sea ice thickness", "fresh snow", "new snow".
_SNOW_DEPTH_WORDS = re.compile(
    r"(?=.*\b(?:snow\w*|ice|firn|hail|graupel)\b)(?=.*\b(?:depth|thickness|height)\b)|\b(?:fresh|new)[\s_-]*snow",
    re.IGNORECASE)
#: Words of a ``long_name`` (or of a ``standard_name`` outside the table) that name a water
#: quantity, each group named after its quantity: precipitation (whatever falls), rain,
#: snowfall, evaporation, runoff (wgrib2's MRMS "Radar Precipitation Rate [mm/hr]" is
#: precipitation; "Terrain height" and "drainage" are no rain). Read by :func:`water_quantity`,
#: the one reading of them.
_WATER_QUANTITY = re.compile(r"(?P<precipitation>precip)|(?P<rain>(?<![a-z])rain)|(?P<snowfall>snow[\s_-]*fall)"
                             r"|(?P<evaporation>evapo)|(?P<runoff>runoff)", re.IGNORECASE)
#: Variable names of water quantities and the quantity each names: CMIP's precipitation, snowfall
#: flux (a mass flux: its water), evaporation, runoff and snow amount, ERA5's total
#: precipitation, E-OBS's rainfall, and the plain words; and the models' accumulated amounts,
#: which a file may hold without a word (:data:`MODEL_WATER_AMOUNTS`).
WATER_VARIABLE_NAMES = {"pr": "precipitation", "prc": "precipitation", "tp": "precipitation",
                        "precip": "precipitation", "precipitation": "precipitation", "rr": "rain",
                        "prsn": "snowfall flux", "evspsbl": "evaporation", "mrro": "runoff", "snw": "snow amount"}
#: Names of the water amounts numerical models accumulate, which their files may carry without a
#: ``long_name`` (WRF writes a ``description`` alone, and a copy made with ``ncatted -a
#: description,,d,,`` or a converter keeps none): WRF's grid-scale, cumulus and shallow-cumulus
#: rain (``RAINNC``, ``RAINC``, ``RAINSH``) and grid-scale snow, graupel and hail (``SNOWNC``,
#: ``GRAUPELNC``, ``HAILNC``: solid precipitation in mm of liquid water, 1 mm = 1 kg m-2), its land
#: model's snowfall (``ACSNOW``, kg m-2), surface and underground runoff (``SFROFF``, ``UDROFF``,
#: mm) and the melt water leaving its snowpack (``ACSNOM``, kg m-2, counted with runoff) (WRF
#: User's Guide, "Output fields"; Noah LSM); COSMO's
#: and ICON's total, grid-scale and convective precipitation (``TOT_PREC``, ``RAIN_GSP``,
#: ``SNOW_GSP``, ``RAIN_CON``, ``SNOW_CON``, kg m-2, accumulated from the forecast's start: DWD's
#: ICON database reference). Each is a precipitation or a runoff amount: never negative, liquid
#: water equivalent, checked for a total since a start by its values
#: (:mod:`climann.data.running_totals`). Keys are the lower-case names (read case-blind).
MODEL_WATER_AMOUNTS = {
    **dict.fromkeys(("rainnc", "rainc", "rainsh", "snownc", "graupelnc", "hailnc", "acsnow", "tot_prec",
                     "rain_gsp", "snow_gsp", "rain_con", "snow_con"), "precipitation"),
    **dict.fromkeys(("sfroff", "udroff", "acsnom"), "runoff"),
}
WATER_VARIABLE_NAMES.update(MODEL_WATER_AMOUNTS)
#: The quantities of :func:`water_quantity` whose depth is a depth of liquid water. Snowfall named
#: by words alone is not among them: "snowfall" in cm is usually the depth of the fresh snow, in
#: mm its water; only its units would tell. Nor is ``snw`` by its name alone (a snow depth in m?).
LIQUID_WATER_QUANTITIES = frozenset({"precipitation", "rain", "snowfall flux", "evaporation", "runoff"})
#: The quantities of :func:`water_quantity` that cannot be negative (no rain falls upward);
#: evaporation can (dew).
NONNEGATIVE_WATER_QUANTITIES = frozenset({"precipitation", "rain", "snowfall", "snowfall flux", "runoff",
                                          "snow amount"})
#: The quantities of :func:`water_quantity` that are a state, the water held at an instant (CMIP's
#: ``snw``, "Surface Snow Amount", kg m-2, like soil moisture), not an amount gathered over a time:
#: its daily value is its mean, never a sum nor a difference, and its values falling at one hour
#: each day (a melt, a daily snow analysis) are no restart of a total (fix49i).
WATER_STATE_QUANTITIES = frozenset({"snow amount"})
#: CF standard names of a snow amount, the snow on the ground given as its water (CF standard name
#: table): ``surface_snow_amount`` (kg m-2), ``lwe_thickness_of_surface_snow_amount`` (m); not
#: ``snowfall_amount``, which is gathered over a time.
SNOW_AMOUNT_STANDARD_NAMES = re.compile(r"(?:^|_)snow_amount$")
#: Words of a ``long_name`` (or of a variable name, its ``_`` read as blanks) that name a snow
#: amount, a snow water equivalent: ESA Snow CCI's and GlobSnow's "Snow Water Equivalent", CMIP's
#: ``snw`` "Surface Snow Amount", "snow mass", "water equivalent of (the) snow", "SWE"; not
#: "water equivalent of snowfall" (a fall, gathered over a time).
SNOW_AMOUNT_WORDS = re.compile(
    r"\bsnow[\s_-]*(?:amount|mass|water[\s_-]*equivalent)\b|\bwater[\s_-]*equivalent\s+of\s+(?:the\s+)?snow\b"
    r"|\bswe\b", re.IGNORECASE)
#: Variable names of a snow amount, read when the ``long_name`` says nothing of water, snow, rain
#: or ice (:func:`snow_amount_said`): ``swe`` (ESA Snow CCI, Daymet, SNODAS), CMIP's ``snw``.
SNOW_AMOUNT_NAMES = frozenset({"swe", "snw"})
#: Words of a ``long_name`` that say what a variable is, so that its name is not read for it.
_WATER_WORDS = re.compile(r"water|snow|rain|ice", re.IGNORECASE)


def snow_amount_said(name: str, attrs: Mapping) -> str | None:
    """What says a variable is a snow amount, a snow water equivalent (the snow on the ground given
    as the depth or mass per area of its water): the one reading of it, for the sign
    (:func:`climann.data.nonnegative.cannot_be_negative`) and for a state of water
    (:func:`is_water_state`). Read in this order, the first that says it:

    1. its ``standard_name`` (:data:`SNOW_AMOUNT_STANDARD_NAMES`: ``surface_snow_amount``,
       ``lwe_thickness_of_surface_snow_amount``);
    2. its ``long_name`` (:data:`SNOW_AMOUNT_WORDS`: "Snow Water Equivalent", "Surface Snow
       Amount", "snow mass", "water equivalent of the snow", "SWE");
    3. its name, when the ``long_name`` says nothing of water, snow, rain or ice: one of
       :data:`SNOW_AMOUNT_NAMES` (``swe``, ``snw``) or a name whose words (``_`` read as blanks)
       are those of 2 (GlobSnow's ``swe_average``, ``snow_water_equivalent``).

    Neither its units nor signed words ("change") are read here: the caller asks those.
    (fix50c: two readings disagreed; "Surface Snow Amount" and ``swe_average`` were a state of
    water but could be negative, "water equivalent of the snow" the reverse.)

    Parameters
    ----------
    name : str
        The variable's name.
    attrs : mapping
        Its attributes (``standard_name``, ``long_name``).

    Returns
    -------
    str or None
        ``"standard_name"``, ``"long_name"`` or ``"name"``: which says it; None when none does.

    Examples
    --------
    >>> snow_amount_said("x", {"long_name": "Surface Snow Amount"}), snow_amount_said("swe_average", {})
    ('long_name', 'name')
    >>> snow_amount_said("prsn", {"standard_name": "snowfall_amount"}) is None
    True
    """
    if SNOW_AMOUNT_STANDARD_NAMES.search(standard_name_of(attrs)):
        return "standard_name"
    long_name = str(attrs.get("long_name", ""))
    if SNOW_AMOUNT_WORDS.search(long_name):
        return "long_name"
    if _WATER_WORDS.search(long_name):
        return None
    return "name" if name.lower() in SNOW_AMOUNT_NAMES or SNOW_AMOUNT_WORDS.search(name.replace("_", " ")) else None


#: Words of a ``standard_name`` (read as words), ``long_name`` or variable name that say a state of
#: water other than a snow amount (:func:`snow_amount_said`): the snow on the ground by its depth,
#: thickness (CF's ``surface_snow_thickness``, a snow depth), cover or pack, the water in the soil
#: (``mrso``'s "Total Soil Moisture Content", "soil water"), a water or moisture content.
#: "Snowfall amount" is no state: its word is "snowfall".
_WATER_STATE_WORDS = re.compile(
    r"\bsnow[\s_-]*(?:depth|thickness|cover|pack)\b|\bsnowpack\b"
    r"|\bsoil[\s_-]*(?:moisture|water)|moisture[\s_-]*content|water[\s_-]*content",
    re.IGNORECASE)
#: Words that nonetheless say an amount gathered over a time ("Accumulated snow depth"), or the
#: change of a state over a time ("Snow water equivalent change", CF's
#: ``change_over_time_in_surface_snow_amount`` and ``tendency_of_…``, an increment): no state held
#: at an instant, though a state's words name what changed.
_GATHERED_WORDS = re.compile(r"accumulat|\bfall\b|snowfall|\bsum\b|\btotal[\s_-]*(?:precip|snowfall)"
                             r"|\bchanges?\b|\btendency\b|\bincrements?\b", re.IGNORECASE)


def is_water_state(name: str, attrs: Mapping) -> bool:
    """Whether a variable is a state of water, held at an instant (:data:`WATER_STATE_QUANTITIES`:
    CMIP's ``snw``; a snow amount, :func:`snow_amount_said`; or by its ``standard_name``,
    ``long_name`` or name, :data:`_WATER_STATE_WORDS`: snow depth or thickness, soil moisture,
    water content), not an amount gathered over a time nor a state's change over one
    (:data:`_GATHERED_WORDS`: "Snow water equivalent change" was read as a state by its "snow
    water equivalent", fix51c). A state is never an accumulation: its daily value is its mean.

    Parameters
    ----------
    name : str
        The variable's name.
    attrs : mapping
        Its attributes (``standard_name``, ``long_name``).

    Returns
    -------
    bool

    Examples
    --------
    >>> is_water_state("snw", {}), is_water_state("x", {"long_name": "Surface Snow Amount"})
    (True, True)
    >>> is_water_state("prsn", {"standard_name": "snowfall_amount"}), is_water_state("pr", {})
    (False, False)
    >>> is_water_state("sd", {"standard_name": "surface_snow_thickness"}), is_water_state(
    ...     "x", {"long_name": "Snow water equivalent change"})
    (True, False)
    """
    words = f"{name} {standard_name_of(attrs)} {attrs.get('long_name', '')}".replace("_", " ")
    if _GATHERED_WORDS.search(words):
        return False
    if water_quantity(name, attrs) in WATER_STATE_QUANTITIES:
        return True
    return snow_amount_said(name, attrs) is not None or bool(_WATER_STATE_WORDS.search(words))


def water_quantity(name: str, attrs: Mapping) -> str | None:
    """Which water quantity a variable's name or words say it is: its name
    (:data:`WATER_VARIABLE_NAMES`: ``pr`` is precipitation), else the first of
    :data:`_WATER_QUANTITY`'s words in its ``standard_name`` (read as words) and ``long_name``.
    The one reading of "this is precipitation, snowfall, runoff …", for converting a depth into
    a mass per area (:func:`is_water_quantity`) and for the sign
    (:func:`climann.data.nonnegative.cannot_be_negative`).

    Parameters
    ----------
    name : str
        The variable's name.
    attrs : mapping
        Its attributes (``standard_name``, ``long_name``).

    Returns
    -------
    str or None
        ``"precipitation"``, ``"rain"``, ``"snowfall"``, ``"snowfall flux"``, ``"evaporation"``,
        ``"runoff"``, ``"snow amount"``; None when neither says a water quantity.

    Examples
    --------
    >>> water_quantity("PrecipRate_0mabovemeansealevel", {"long_name": "Radar Precipitation Rate [mm/hr]"})
    'precipitation'
    >>> water_quantity("pr", {}), water_quantity("tas", {"long_name": "Near-Surface Air Temperature"})
    ('precipitation', None)
    """
    if name.lower() in WATER_VARIABLE_NAMES:
        return WATER_VARIABLE_NAMES[name.lower()]
    words = f"{standard_name_of(attrs).replace('_', ' ')} {attrs.get('long_name', '')}"
    found = _WATER_QUANTITY.search(words)
    return None if found is None else found.lastgroup








#: Python's and pint's exponent (``m**3``, ``m^3``), as ECMWF's NetCDF files write it (ERA5's
#: ``swvl1`` in ``m**3 m**-3``), written the UDUNITS way, ``m3 m-3``, in squared units: the sign
#: between a unit's name and a number only (``10^3 kg``, a scale, is not ``103 kg``).
_POWER_SIGN = re.compile(r"(?<=[^\W\d_])\s*(?:\*\*|\^)\s*(?=[-+]?\d)")


def difference_units(units: str) -> str:
    """The units of a difference of a quantity in ``units`` (an error, an RMSE, a bias, a
    spread), as captions write them: a spelling of a temperature scale by the scale's symbol
    (:func:`normalised_units`), other units as given but for their exponents (below).

    The IRI Data Library's ``Kelvin_scale`` says a temperature on the Kelvin scale; a
    difference of two such temperatures is in kelvin, ``K`` ("Units in the Data Library":
    ``degree_Kelvin`` for a difference). A difference in degrees Celsius equals one in kelvin;
    it is written ``degC`` as UDUNITS does. A unit's exponent is written the UDUNITS way,
    ``m^2/m^2`` → ``m2/m2``, ``m**3 m**-3`` → ``m3 m-3``, as :func:`squared_units` writes it: one
    spelling in a table and in the warning beside it (break47b A4: ``m^2/m^2`` and ``(m2/m2)²``).

    Examples
    --------
    >>> difference_units("Kelvin_scale"), difference_units("degrees C"), difference_units("W m-2")
    ('K', 'degC', 'W m-2')
    >>> difference_units("m^2/m^2"), difference_units("m**3 m**-3"), difference_units("10^3 kg")
    ('m2/m2', 'm3 m-3', '10^3 kg')
    """
    symbol = normalised_units(units)
    return symbol if symbol in _TEMPERATURE_SCALES.values() else _POWER_SIGN.sub("", units)



def squared_units(units: str, *, square: str = "²") -> str:
    """Units squared, the units of an MSE, as every caption, table, figure, terminal line and record
    writes them (:mod:`climann.evaluation.report`, :mod:`climann.evaluation.negative_skill`,
    ``climann explain``): one symbol squared as it is, ``"K"`` → ``"K²"``, ``"%"`` → ``"%²"``,
    ``"fraction"`` → ``"fraction²"``; units already in one pair of parentheses squared without a
    second pair, ERA5's ``"(0 - 1)"`` → ``"(0 - 1)²"`` (break38c: ``((0 - 1))²``); other units in
    parentheses, their exponents written the UDUNITS way, ``"W m-2"`` → ``"(W m-2)²"``,
    ``"kg m**-2"`` → ``"(kg m-2)²"`` (break38c: ``(m**3 m**-3)²``); ``"1"``, a pure number,
    stays ``"1"`` (so do its spellings ``~``, ``none``: :data:`DIMENSIONLESS_SPELLINGS`, and a
    ratio of one unit to itself, ERA5's ``m**3 m**-3``, MODIS LAI's ``m^2/m^2``, ``kg kg-1``,
    dimensionless to pint, its square too: break47b A4 printed ``(m2/m2)²``); a
    temperature scale by its symbol (:func:`difference_units`), ``"degrees_C"`` → ``"degC²"``;
    ``""`` → ``""``.

    Parameters
    ----------
    units : str
        A ``units`` attribute.
    square : str
        The sign of the square: ``"²"`` for people, ``"2"`` for a record in UDUNITS syntax
        (``importance.json``'s ``mse_units``: ``"K2"``, ``"(W m-2)2"``).

    Returns
    -------
    str

    Examples
    --------
    >>> squared_units("K"), squared_units("(0 - 1)"), squared_units("kg m**-2"), squared_units("W m-2", square="2")
    ('K²', '(0 - 1)²', '(kg m-2)²', '(W m-2)2')
    >>> squared_units("m**3 m**-3"), squared_units("m^2/m^2"), squared_units("g/kg")
    ('1', '1', '(g/kg)²')
    """
    if not units.strip():
        return ""
    shown = _POWER_SIGN.sub("", difference_units(units).strip())
    if shown == "1" or shown.lower() in DIMENSIONLESS_SPELLINGS or _is_ratio_of_one(shown):
        return "1"  # a pure number squared is one, and so is a ratio of one unit to itself (m2/m2, kg kg-1)
    if re.fullmatch(r"[^\W\d]+|%|‰", shown) or _one_pair_of_parentheses(shown):
        return f"{shown}{square}"
    return f"({shown}){square}"


def _is_ratio_of_one(units: str) -> bool:
    """Whether units are a ratio of named units whose value is one (:func:`dimensionless_kind`,
    :func:`full_scale`: ``m2/m2``, ``m3 m-3``, ``kg kg-1``; not ``g/kg``, 1000 to the whole, nor
    ``%``): dimensionless to pint, their square too (break47b A4: LAI's ``m^2/m^2`` squared
    ``(m2/m2)²``)."""
    return dimensionless_kind(units) == NAMED_RATIO and full_scale(units) == 1.0


#: How captions, tables and figures' labels name the units of a pure number (CF 1.8 §3.1: units
#: ``1``): "RMSE and bias in 1", "fwinx (1)" read as a unit called one (break41d B3).
DIMENSIONLESS_TEXT = "dimensionless"


def shown_units(units: str) -> str:
    """The units of a difference (:func:`difference_units`) as people read them: a pure number
    (``1``, its spellings :data:`DIMENSIONLESS_SPELLINGS`, ``dimensionless``, or an index's word,
    :func:`index_units_word`) as :data:`DIMENSIONLESS_TEXT`; ``""`` stays ``""``.

    Examples
    --------
    >>> shown_units("1"), shown_units("Numeric"), shown_units("degrees_C"), shown_units("(0 - 1)")
    ('dimensionless', 'dimensionless', 'degC', '(0 - 1)')
    """
    word = str(units).strip()
    if word in ("1", "1.0") or word.lower() in (*DIMENSIONLESS_SPELLINGS, "dimensionless") or index_units_word(word):
        return DIMENSIONLESS_TEXT
    return difference_units(units)


def shown_squared_units(units: str) -> str:
    """The units of an MSE as people read them: :func:`squared_units`, a pure number's
    (:func:`shown_units`) and a ratio of one unit to itself (``m^2/m^2``) as
    :data:`DIMENSIONLESS_TEXT` (its square is a pure number too).

    Examples
    --------
    >>> shown_squared_units("K"), shown_squared_units("z-values"), shown_squared_units("")
    ('K²', 'dimensionless', '')
    >>> shown_squared_units("m^2/m^2")
    'dimensionless'
    """
    squared = squared_units(units)
    return DIMENSIONLESS_TEXT if shown_units(units) == DIMENSIONLESS_TEXT or squared == "1" else squared


def units_phrase(units: str) -> str:
    """Units after the scores they are of, in a caption: ``in K``; ``(dimensionless)`` for a pure
    number (:data:`DIMENSIONLESS_TEXT`), not "in dimensionless".

    Examples
    --------
    >>> units_phrase("K"), units_phrase("dimensionless")
    ('in K', '(dimensionless)')
    """
    return f"({units})" if units == DIMENSIONLESS_TEXT else f"in {units}"


def in_parentheses(units: str) -> str:
    """Units in parentheses, as a label writes them after a name (``tas (K)``): units already
    wholly in one pair of parentheses, ERA5's ``"(0 - 1)"``, as they are, not wrapped again
    (rerun39 N6: ``fal ((0 - 1)), area-weighted``), as :func:`squared_units` squares them.

    Parameters
    ----------
    units : str
        Units as a caption shows them (a temperature scale already by its symbol).

    Returns
    -------
    str
        ``"(K)"`` for ``"K"``, ``"(0 - 1)"`` for ``"(0 - 1)"``, ``"((a) (b))"`` for ``"(a) (b)"``.

    Examples
    --------
    >>> in_parentheses("K"), in_parentheses("(0 - 1)"), in_parentheses("W m-2")
    ('(K)', '(0 - 1)', '(W m-2)')
    """
    shown = units.strip()
    return shown if _one_pair_of_parentheses(shown) else f"({shown})"


def _one_pair_of_parentheses(text: str) -> bool:
    """Whether ``text`` is wholly in one pair of parentheses: ``(0 - 1)``, not ``(a) (b)``."""
    if not (text.startswith("(") and text.endswith(")")):
        return False
    depth = 0
    for position, character in enumerate(text):
        depth += {"(": 1, ")": -1}.get(character, 0)
        if depth == 0:
            return position == len(text) - 1
    return False


#: ``mb``, GrADS's and NCEP's spelling of the millibar, is a millibarn (1e-31 m², an area) for
#: UDUNITS and pint; read as a millibar where the attributes say the quantity is a pressure.
_MILLIBAR_SPELLINGS = frozenset({"mb"})


def is_pressure(attrs: Mapping) -> bool:
    """Whether a variable's CF attributes say it is a pressure: a ``standard_name`` that
    names one (``air_pressure``, ``surface_air_pressure``, …; CF standard name table), or
    ``positive = "down"`` (CF 4.3: a vertical coordinate that increases downward is a
    pressure, or a depth, which no one gives in millibarns either)."""
    named = "pressure" in str(attrs.get("standard_name", "")).lower()
    return named or str(attrs.get("positive", "")).strip().lower() == "down"


def units_as_meant(text: str, attrs: Mapping) -> str:
    """``text``, with ``mb`` (GrADS's and NCEP's millibar, an area for UDUNITS and pint)
    rewritten ``mbar`` where the attributes say the quantity is a pressure
    (:func:`is_pressure`); unchanged elsewhere, so that an area is never read as a pressure.

    Examples
    --------
    >>> units_as_meant("mb", {"positive": "down"}), units_as_meant("mb", {})
    ('mbar', 'mb')
    """
    stripped = str(text).strip()
    return "mbar" if stripped in _MILLIBAR_SPELLINGS and is_pressure(attrs) else stripped


def misread_units_note(*texts: str, variable: xr.DataArray, name: str, where: str, reference: str | None = None) -> str:
    """``"; 'mb' is read as …"``, for a refusal whose units include ``mb`` read as a
    millibarn (``variable``'s attributes do not say pressure, :func:`units_as_meant`), with
    the ``ncatted`` command that sets the units of ``name`` in ``where`` to hPa; for two units
    of which one is ``F`` (farad) and the other a temperature, the ``ncatted`` that sets
    ``degF`` in the file that has ``F`` (:func:`_farad_note`; ``reference`` the other side's
    file); ``""`` otherwise."""
    farad = _farad_note(*texts, variable=variable, name=name, where=where, reference=reference) \
        if len(texts) == 2 else ""
    if farad:
        return farad
    if not any(str(text).strip() in _MILLIBAR_SPELLINGS for text in texts):
        return ""
    return (f"; 'mb' is read as millibarn (UDUNITS: an area, 1e-31 m2), since nothing on '{name}' says it is a "
            f"pressure (standard_name air_pressure or positive = down): if it means millibar, set the units to hPa "
            f"({_units_fix(variable, name, 'hPa', where)})")


#: Units that UDUNITS and pint read as farad (a capacitance), written on temperatures meaning
#: degrees Fahrenheit (``C``, the coulomb in SI, is read as degrees Celsius: cf_xarray's
#: registry redefines it so, as HadISST writes it).
_FARAD_SPELLINGS = frozenset({"F"})


def _is_temperature(text: str, attrs: Mapping) -> bool:
    """Whether units ``text`` are of a temperature, or ``attrs`` name one (standard_name)."""
    if "temperature" in str(attrs.get("standard_name", "")).lower():
        return True
    try:
        return "[temperature]" in str(parse_units(text, variable="").dimensionality)
    except ClimannError:
        return False


def _farad_note(units: str, to: str, *, variable: xr.DataArray, name: str, where: str,
                reference: str | None = None) -> str:
    """``"; 'F' is read as farad …"`` with the ``ncatted`` that sets ``degF`` in the file that
    has ``F``, when one side is ``F`` and the other (or the variable's standard_name) is a
    temperature; ``""`` otherwise."""
    units, to, own = str(units).strip(), str(to).strip(), name
    if units in _FARAD_SPELLINGS and _is_temperature(to, variable.attrs):
        fix = _units_fix(variable, name, "degF", where)  # each of its files (break37a B1)
    elif to in _FARAD_SPELLINGS and _is_temperature(units, variable.attrs):
        copy = input_and_copy(reference) if reference and re.fullmatch(r"[^,\s]+\.nc4?", reference) else \
            "FILE.nc FILE_fixed.nc"
        # the reference file's copy in a new folder too (fix56a: beside it, a glob over their folder took both)
        fix = one_copy_advice(lambda files: attribute_command([ncatted_attribute("units", own, "o", "c", "degF")],
                                                              files), copy, _UNITS_COPIES_FOLDER)
    else:
        return ""
    return (f"; 'F' is read as farad (UDUNITS: a capacitance), while '{name}' is a temperature: if it means "
            f"degrees Fahrenheit, set the units to degF ({fix})")











def _units_in_words(name: str) -> str:
    """The way out of units no spelling of which climann can propose, in words: a command with a
    placeholder (``ncatted -a units,CHL,o,c,UNITS``) wrote "UNITS" when run as printed (break42b A7)."""
    return (f"set the units attribute of '{name}' (in a copy of the file) to the UDUNITS spelling of the unit its "
            "values are in, a thing measured left to its long_name (kg m-2, not kg snow m-2); climann cannot tell "
            "which unit that is from these units")





















#: Spellings that mean two different units in real files, each reading with the units to write
#: for it; refused by :func:`parse_units` (pint reads ``ppt`` as a picopint, a volume).
AMBIGUOUS_UNITS = {
    "ppt": (("parts per trillion (NOAA and AGAGE trace gases)", "1e-12"), ("parts per thousand (salinity)", "1e-3")),
}
_AMBIGUOUS_SPELLING = re.compile(rf"(?<![A-Za-z_])({'|'.join(AMBIGUOUS_UNITS)})(?![A-Za-z_])")

#: A count written apart before a period with the exponent -1, among other units (``kg m-2 8 day-1``,
#: ``mm 8 day-1``, ``W m-2 16 day-1``, ``mm 10 yr-1``): UDUNITS-2 reads a number among the units as a
#: factor (8 kg m-2 day-1, 8 per day; libudunits2 converts it so), where MODIS and GLEAM 8-day
#: composites mean per 8 days, count² (64) times less. ``8 kg m-2 day-1``, the number first as CF's
#: scales are written (``1e-3``), and ``kg m-2 (8 day)-1`` or ``/(8 day)`` say which; a count of 1 is
#: the same either way.
_COUNT_BEFORE_PERIOD = re.compile(
    r"(?<=[\w)])\s+(?P<count>[2-9]|[1-9]\d+)\s+(?P<unit>days?|d|hours?|hr|h|weeks?|months?|mon|years?|yr)"
    r"(?P<power>(?:\^|\*\*)?-1)(?![\d.])")




def ambiguous_units_advice(text: str) -> str | None:
    """What an ambiguous spelling in ``text`` (:data:`AMBIGUOUS_UNITS`, or a count before a period,
    :data:`_COUNT_BEFORE_PERIOD`) may mean, with the units to write for each reading; None when
    ``text`` holds none.

    Examples
    --------
    >>> ambiguous_units_advice("ppt")[:60]
    "'ppt' is parts per trillion (NOAA and AGAGE trace gases), wr"
    >>> ambiguous_units_advice("ppb") is None
    True
    >>> ambiguous_units_advice("mm 8 day-1")[:46]
    "'8 day-1' is per 8 day (as MODIS and GLEAM 8-d"
    """
    if (found := _COUNT_BEFORE_PERIOD.search(text)) is not None and _AMBIGUOUS_SPELLING.search(text) is None:
        (per, per_written), (times, times_written) = _meanings(text)
        return (f"'{found[0].strip()}' is {per} (as MODIS and GLEAM 8-day composites mean it), written {per_written}, "
                f"or {times}, {int(found['count']) ** 2} times as much, written {times_written}, as UDUNITS reads a "
                "number among the units")
    found = _AMBIGUOUS_SPELLING.search(text)
    if found is None:
        return None
    readings = " or ".join(f"{meaning}, written {units}," for meaning, units in AMBIGUOUS_UNITS[found[1]])
    return f"'{found[1]}' is {readings} not the picopint (a volume) that the units library reads"


def _meanings(text: str) -> list[tuple[str, str]]:
    """Each reading of the ambiguous spelling in ``text`` with ``text`` written for it (``ppt/yr``:
    ``1e-12/yr`` for parts per trillion; ``kg m-2 8 day-1``: ``kg m-2 /(8 day)`` for per 8 day and
    ``8 kg m-2 day-1`` for 8 times per day, :data:`_COUNT_BEFORE_PERIOD`); empty when it holds none."""
    if (found := _AMBIGUOUS_SPELLING.search(text)) is not None:
        return [(meaning, _AMBIGUOUS_SPELLING.sub(units, text)) for meaning, units in AMBIGUOUS_UNITS[found[1]]]
    if (found := _COUNT_BEFORE_PERIOD.search(text)) is not None:
        count, unit = found["count"], found["unit"]
        before, after = text[:found.start()], text[found.end():]
        return [(f"per {count} {unit}", f"{before} /({count} {unit}){after}".strip()),
                (f"{count} times per {unit}", f"{count} {before.strip()} {unit}{found['power']}{after}".strip())]
    return []


def _ambiguous_units_fix(variable: xr.DataArray, name: str, units: str, where: str) -> str | None:
    """The ``ncatted`` that writes each reading of an ambiguous spelling in ``units``
    (:data:`AMBIGUOUS_UNITS`), each named: ``ncatted -a units,x,o,c,1e-12 … for parts per
    trillion (…) or ncatted -a units,x,o,c,1e-3 … for parts per thousand (…)``; None when
    ``units`` holds none."""
    if not _meanings(units):
        return None
    return "write the units meant: " + " or ".join(
        f"{_units_fix(variable, name, written, where, folder=_alternative_folder(written))} for {meaning}"
        for meaning, written in _meanings(units))


#: The units strings read so far: text → (scale, unit). What :func:`parse_units` makes of a
#: string depends on the string alone (the registry is built once per process); a run reads the
#: same few units some thousand times (every variable of every dataset it lays out), each
#: costing pint a parse (60–200 µs). Refusals are not kept: they are read again, and raised
#: again with the variable and file named.
_READ_UNITS: dict[str, tuple] = {}
_READ_UNITS_KEPT = 4096


def parse_units(text: str, *, variable: str, where: str = "the file", fix: str = ""):
    """The units string as a pint Quantity: its scale (1 unless the string holds a number)
    times its unit (cf_xarray's UDUNITS registry, after :func:`normalised_units`).

    A number in the units is a scale, as in UDUNITS: ``0.001`` (or ``1e-3``, CMIP6's units of
    salinity ``so``; CF section 3.1 names ``1e-3`` parts per thousand) is 0.001 of ``1``, so
    35 in ``0.001`` is 0.035 in ``1`` and 35 in ``g/kg``; ``0.01`` is ``%``.

    Parameters
    ----------
    text : str
        The ``units`` attribute.
    variable, where : str
        The variable's name and where the units come from (``"new.nc"``, ``"the model's
        training data"``), for the message.
    fix : str, optional
        The way out, for the message; by default, to correct the units attribute in ``where``.

    Returns
    -------
    pint.Quantity
        ``quantity.magnitude`` is the scale (a positive float), ``quantity.units`` the unit.
        A new Quantity at each call (a string read before is taken from :data:`_READ_UNITS`).

    Raises
    ------
    ClimannError
        If the string holds a spelling of two units (:data:`AMBIGUOUS_UNITS`: ``ppt``), is not
        UDUNITS syntax, its scale is not a positive finite number, or it
        mixes angle degrees or a number with a temperature (``degrees K``-like spellings, or a
        scaled ``0.1 degC``, that cannot be read safely).
    """
    known = _READ_UNITS.get(text) if isinstance(text, str) else None
    if known is not None:
        return unit_registry().Quantity(*known)
    quantity = _parsed_units(text, variable=variable, where=where, fix=fix)
    if isinstance(text, str) and len(_READ_UNITS) < _READ_UNITS_KEPT:
        _READ_UNITS[text] = (float(quantity.magnitude), quantity.units)  # the scale as a float: a new
        # magnitude each call (the registry makes it a 0-d array, which a caller's `*=` changes in place)
    return quantity


def _parsed_units(text: str, *, variable: str, where: str, fix: str):
    """:func:`parse_units` without its memory: the string read by pint, or refused."""
    import pint
    import pint.util
    units = unit_registry()

    readable = readable_units(text)
    if (found := _WATER_RESOURCES_ABBREVIATION.search(readable)) is not None:  # ac-ft, KAF/month (fix41d)
        meaning, spelled = _water_resources_abbreviation(found)[0], _water_resources_spelling(readable)
        raise ClimannError(
            f"cannot read the units '{text}' of '{variable}' in {where}: '{found[0]}' is no UDUNITS unit but reservoir "
            f"and river records' abbreviation of {meaning}{_as_the_library_reads(found[0])}; "
            f"{fix or f'if it is {meaning}, write {spelled} in the units attribute of {where}'}")
    if (ambiguous := ambiguous_units_advice(readable)) is not None:
        raise ClimannError(f"the units '{text}' of '{variable}' in {where} are ambiguous: {ambiguous}; "
                           f"{fix or f'write the units meant as the units attribute of {where}'}")
    try:
        quantity = units.Quantity(1.0, units.Unit(readable))
    except (pint.PintError, AttributeError, TypeError, ValueError, AssertionError):
        quantity = None
    if quantity is None:  # "Unit expression cannot have a scaling factor": a number, read as a Quantity
        try:
            quantity = units.Quantity(readable)
        except (pint.PintError, AttributeError, TypeError, ValueError, AssertionError, SyntaxError):
            quantity = None
    scale = _scale(quantity)
    if scale is None:
        raise ClimannError(
            f"cannot read the units '{text}' of '{variable}' in {where}: expected UDUNITS units such as K, degC, "
            f"hPa, kg m-2 s-1, 0.001; {fix or f'correct the units attribute of {where}'}"
        )
    unit = quantity.units
    parts = dict(pint.util.to_units_container(unit))
    if "[temperature]" in unit.dimensionality and (
        (len(parts) > 1 and any(units.Unit(p).dimensionless for p in parts)) or (scale != 1.0 and _has_offset(unit))
    ):  # a scaled degC: UDUNITS and pint disagree on whether the offset is scaled too
        raise ClimannError(
            f"the units '{text}' of '{variable}' in {where} mix an angle or a number with a temperature; "
            f"{fix or f'correct the units attribute of {where} (e.g. K or degC)'}"
        )
    return units.Quantity(scale, unit)


def _as_the_library_reads(text: str) -> str:
    """``, which the units library reads as …`` when the registry reads ``text`` (``ac-ft``: an
    attospeed of light times a foot), else ``""``."""
    import pint
    try:
        return f", which the units library reads as {unit_registry().Unit(text)}"
    except (pint.PintError, AttributeError, TypeError, ValueError, AssertionError):
        return ""


def dimensionless_kind(text: str) -> str | None:
    """Whether dimensionless units are a ratio of units that have a dimension (``m3 m-3``,
    ``kg kg-1``, ``mol mol-1``, ``g/kg``: :data:`~climann.data.unit_ratios.NAMED_RATIO`) or a pure
    number (``1``, ``%``, ``percent``, ``0.001``, ``ppm``: :data:`~climann.data.unit_ratios.PURE_NUMBER`),
    by :func:`ratio_dimensions`.

    Parameters
    ----------
    text : str
        A ``units`` attribute.

    Returns
    -------
    str or None
        None for units that have a dimension or cannot be read.

    Examples
    --------
    >>> dimensionless_kind("m3 m-3"), dimensionless_kind("%"), dimensionless_kind("K")
    ('a ratio of named units', 'a pure number', None)
    """
    found = ratio_dimensions(text)
    return None if found is None else NAMED_RATIO if any(found) else PURE_NUMBER


def dimensionless_quantity(text: str) -> str | None:
    """What dimensionless units say is counted: :data:`~climann.data.unit_ratios.PURE_NUMBER`,
    or a ratio of named units with the kinds of its numerator and denominator
    (:func:`~climann.data.unit_ratios.ratio_kind` of :func:`ratio_dimensions`): two units give
    the same text exactly when they are one kind of ratio, ``m3 m-3``, ``m^3/m^3`` and ``L m-3``
    a volume per volume, ``kg kg-1`` and ``g/kg`` a mass per mass.

    Parameters
    ----------
    text : str
        A ``units`` attribute.

    Returns
    -------
    str or None
        None for units that have a dimension or cannot be read.

    Examples
    --------
    >>> dimensionless_quantity("m3 m-3"), dimensionless_quantity("g/kg"), dimensionless_quantity("%")
    ('a ratio of named units, volume per volume', 'a ratio of named units, mass per mass', 'a pure number')
    """
    found = ratio_dimensions(text)
    return None if found is None else ratio_kind(*found) if any(found) else PURE_NUMBER


def full_scale(text: str) -> float | None:
    """The value of a whole (a fraction of 1, all of it) in dimensionless units: 100 in ``%``
    or ``percent``, 1000 in ``‰``, 1 in ``1``, ``m3 m-3`` or ERA5's ``(0 - 1)``, 100 in
    ``0.01``: the value a 0/1 field (a land-sea mask, an indicator) takes for its 1 when
    written in these units (break45: a mask converted to percent holds 0 and 100).

    Parameters
    ----------
    text : str
        A ``units`` attribute.

    Returns
    -------
    float or None
        None for units that have a dimension or cannot be read.

    Examples
    --------
    >>> full_scale("%"), full_scale("1"), full_scale("‰"), full_scale("K") is None
    (100.0, 1.0, 1000.0, True)
    """
    try:
        quantity = parse_units(text, variable="")
        if not quantity.units.dimensionless:
            return None
        return float(1.0 / quantity.to("dimensionless").magnitude)
    except (ClimannError, AttributeError, TypeError, ValueError, ZeroDivisionError):
        return None


def ratio_dimensions(text: str) -> tuple[dict[str, float], dict[str, float]] | None:
    """The base dimensions of the numerator and of the denominator of dimensionless units,
    before pint cancels them: ``m3 m-3`` is ``({'[length]': 3}, {'[length]': 3})``, a volume per
    volume, ``g/kg`` ``({'[mass]': 1}, {'[mass]': 1})``, ``mol mol-1`` an amount of substance per
    amount of substance; a pure number (``1``, ``%``, ``0.001``, ``ppm``) two empty dicts.

    The string is read as pint reads units (the registry's preprocessors, then pint's own:
    UDUNITS ``m3`` is ``m**3``, ``^`` is ``**``), each unit named in it kept apart, so that
    ``m**3`` and ``m**-3`` do not cancel. The units with a positive power make the numerator,
    those with a negative power the denominator, each by the registry's dimensions of it
    (``L`` is ``[length] ** 3``, ``kg`` and ``g`` are ``[mass]``).

    Parameters
    ----------
    text : str
        A ``units`` attribute.

    Returns
    -------
    (dict, dict) or None
        Base dimension → power, of the numerator and of the denominator; None for units that
        have a dimension or cannot be read.

    Examples
    --------
    >>> ratio_dimensions("m^3 m^-3"), ratio_dimensions("%"), ratio_dimensions("K")
    (({'[length]': 3}, {'[length]': 3}), ({}, {}), None)
    """
    import pint

    try:
        if not parse_units(text, variable="").units.dimensionless:
            return None
        named, powers = _units_kept_apart(text)
        dimensions = [(power, unit_registry().Unit(named[index]).dimensionality) for index, power in powers.items()]
    except (ClimannError, pint.PintError, AttributeError, TypeError, ValueError, SyntaxError, AssertionError):
        return None
    numerator: dict[str, float] = {}
    denominator: dict[str, float] = {}
    for power, dimensionality in dimensions:
        side = numerator if power > 0 else denominator
        for dimension, exponent in dimensionality.items():
            side[dimension] = side.get(dimension, 0) + exponent * abs(power)
    return ({name: power for name, power in numerator.items() if power},
            {name: power for name, power in denominator.items() if power})


def _units_kept_apart(text: str) -> tuple[list[str], dict[int, float]]:
    """The unit names of ``text`` in order (``['m', 'm']`` for ``m3 m-3``) and the power of each
    occurrence (``{0: 3, 1: -3}``): pint's parser with every name made its own symbol."""
    import tokenize

    from pint.pint_eval import build_eval_tree, tokenizer
    from pint.util import ParserHelper, string_preprocessor

    readable = readable_units(text)
    for preprocess in unit_registry().preprocessors:
        readable = preprocess(readable)
    named: list[str] = []
    if not readable.strip():  # no units written: pint's "1"
        return named, {}

    def kept_apart(token: tokenize.TokenInfo):
        if token.type != tokenize.NAME:
            return ParserHelper.eval_token(token)
        named.append(token.string)
        return ParserHelper.from_word(str(len(named) - 1))

    parsed = build_eval_tree(tokenizer(string_preprocessor(readable))).evaluate(kept_apart)
    powers = parsed.items() if isinstance(parsed, ParserHelper) else ()  # a bare number names no unit
    return named, {int(index): power for index, power in powers}


def _has_offset(unit) -> bool:
    """Whether 0 in ``unit`` is not 0 in SI units (degC, degF: a temperature scale's zero)."""
    units = unit_registry()

    return float(units.Quantity(0.0, unit).to_base_units().magnitude) != 0.0


def _scale(quantity) -> float | None:
    """The magnitude of a parsed units string as a float: None if it is not a Quantity (a
    bare number) or not a positive finite number (``0``, ``-1``, ``nan`` are not units)."""
    try:
        scale = float(quantity.magnitude)
    except (AttributeError, TypeError, ValueError):
        return None
    return scale if np.isfinite(scale) and scale > 0 else None


@dataclass(frozen=True)
class Conversion:
    """``new = scale · old + offset``; ``assumption`` says what else the conversion needed."""

    scale: float
    offset: float
    assumption: str = ""
    #: Powers of the days of each step's calendar month and year that multiply ``scale``
    #: (``mm month-1`` to ``mm day-1``: month −1); see :func:`calendar_factor`.
    per_month: int = 0
    per_year: int = 0
    #: Power of each step's time cell length in seconds that multiplies ``scale``: −1 from an
    #: amount (``mm``, ``kg m-2``) totalled over each cell to a rate, +1 back; see
    #: :func:`convert_variable`.
    per_cell: int = 0

    @property
    def is_identity(self) -> bool:
        return self.scale == 1.0 and self.offset == 0.0 and not self.along_time

    @property
    def along_time(self) -> bool:
        """Whether the scale varies along time (by the days of months or years, or cells)."""
        return bool(self.per_month or self.per_year or self.per_cell)


def is_water_quantity(name: str, attrs: Mapping) -> bool:
    """Whether a variable is liquid water, so that its depth and its mass per area differ by
    the density of water: precipitation, rain, evaporation, runoff, a snow water equivalent,
    the water in the soil (1 mm of liquid water is 1 kg m-2). A depth of snow or ice is not.

    A ``standard_name`` of the table's liquid forms says water (:data:`_LIQUID_WATER_NAME`:
    ``lwe_…`` names, a depth or rate of rainfall, the amount or flux forms of water); any
    other thickness, depth or height does not (``thickness_of_snowfall_amount`` is the depth
    of the fallen snow, CF's liquid form being ``lwe_thickness_of_snowfall_amount``). Else
    its words, the ``long_name`` (and the variable name) decide, and units that say water
    equivalent (ERA5's ``m of water equivalent``) say water: a depth of snow or ice
    (:data:`_SNOW_DEPTH_WORDS`: "Snow depth (accumulated snowfall on the ground)") is not
    water unless they say water equivalent; else the words of a water equivalent say water,
    and so does a liquid water quantity named (:func:`water_quantity` among
    :data:`LIQUID_WATER_QUANTITIES`: the CMIP/ERA5 names of water fluxes ``pr``, ``prsn``,
    ``tp`` …, the words precipitation, rain, evaporation and runoff).

    Parameters
    ----------
    name : str
        The variable's name.
    attrs : mapping
        Its attributes (``standard_name``, ``long_name``).

    Returns
    -------
    bool

    Examples
    --------
    >>> is_water_quantity("prsn", {"standard_name": "lwe_thickness_of_snowfall_amount"})
    True
    >>> is_water_quantity("prsn", {"standard_name": "thickness_of_snowfall_amount"})
    False
    >>> is_water_quantity("snd", {"long_name": "Snow depth (accumulated snowfall on the ground)"})
    False
    >>> is_water_quantity("sd", {"long_name": "Snow depth", "units": "m of water equivalent"})
    True
    """
    standard_name = standard_name_of(attrs).lower()
    if _LIQUID_WATER_NAME.fullmatch(standard_name):
        return True
    if re.search(r"thickness|depth|height", standard_name):
        return False
    # a name outside the table ("total_precipitation") is read as words, like a long_name
    words = f"{standard_name.replace('_', ' ')} {attrs.get('long_name', '')}"
    # ERA5's snowfall and snow depth say it in their units: "m of water equivalent"
    if _WATER_EQUIVALENT_WORDS.search(f"{name} {words} {attrs.get('units', '')}"):
        return True
    if _WATER_EQUIVALENT_ABBREVIATION.search(str(attrs.get("units", ""))):  # WGMS's "m w.e."
        return True
    if _SNOW_DEPTH_WORDS.search(f"{name} {words}"):
        return False
    return water_quantity(name, attrs) in LIQUID_WATER_QUANTITIES


def conversion(
    units: str, to: str, *, variable: str, attrs: Mapping | None = None, where: str = "the file",
    reference: str = "the reference", reference_fix: str = "", fix: str = "", difference_fix: str = "",
) -> Conversion | None:
    """How to convert values of ``variable`` from ``units`` to ``to``; None if not convertible.

    Affine: ``offset`` is the value 0 in ``units`` expressed in ``to`` and ``scale`` the
    change of one unit, both computed by pint; a number in the units is a scale
    (:func:`parse_units`: 35 in ``0.001`` is 0.035 in ``1``). A temperature between scales
    with different zeros (degC, degF, K) is converted as its ``units_metadata`` says (CF-1.11
    §3.1.2; see :func:`_temperature_conversion`): a difference without the offset. Depth and
    mass per area of a water quantity (see :func:`is_water_quantity`) convert with
    :data:`WATER_DENSITY`. A pressure's ``mb`` is a millibar (:func:`units_as_meant`).

    An amount and a rate (``mm`` or ``kg m-2`` and ``kg m-2 s-1``) differ by a time: their
    conversion has ``per_cell`` set, and applies only to totals over each time cell
    (:func:`convert_variable` checks the ``cell_methods``).

    Parameters
    ----------
    units, to : str
        The units the values are in, and those wanted.
    variable : str
        The variable's name, for the messages.
    attrs : mapping, optional
        The variable's attributes (``standard_name``, ``long_name``, ``units_metadata``).
    where, reference : str
        Where ``units`` and ``to`` come from (``"new.nc"``, ``"the model's training data"``):
        a message about units that cannot be read names the side that holds them.
    reference_fix : str, optional
        The way out when ``to`` cannot be read; by default, to correct the units of ``reference``.
    fix : str, optional
        The way out when ``units`` cannot be read; by default, to correct the units of ``where``.
    difference_fix : str, optional
        The commands that mark a temperature a difference in its files (:func:`difference_commands`),
        for the assumption and the refusal of a temperature whose ``units_metadata`` does not say;
        by default one ``ncatted`` on ``FILE``.

    Raises
    ------
    ClimannError
        If a units string cannot be read (:func:`parse_units`), or a temperature's
        ``units_metadata`` is not CF's or is missing where its names say it is an anomaly, or
        the two are amounts of different substances (``mmol N m-3`` and ``mmol C m-3``:
        :func:`~climann.data.amount_labels.label_conversion`).
    """
    attrs = attrs or {}
    source = parse_units(units_as_meant(units, attrs), variable=variable, where=where, fix=fix)
    destination = parse_units(units_as_meant(to, attrs), variable=variable, where=reference, fix=reference_fix)
    # mmol N m-3 and mmol C m-3: refused; a label on one side only: the same substance, said
    source, destination, labelled = label_conversion(source, destination, units, to, variable=variable, where=where,
                                                     reference=reference, registry=unit_registry())
    found = _quantity_conversion(source, destination, units, to, variable=variable, attrs=attrs,
                                 difference_fix=difference_fix)
    if found is None or not labelled:
        return found
    return dataclasses.replace(found, assumption=", ".join(filter(None, (found.assumption, labelled))))


def _quantity_conversion(source, destination, units: str, to: str, *, variable: str, attrs: Mapping,
                         difference_fix: str = ""):
    """:func:`conversion` between two parsed units (pint Quantities: scale times unit)."""
    shift = [_power(source.units, period) - _power(destination.units, period) for period in _CALENDAR_PERIODS]
    if any(shift):
        found = _quantity_conversion(_in_days(source), _in_days(destination), units, to, variable=variable,
                                     attrs=attrs, difference_fix=difference_fix)
        return None if found is None else dataclasses.replace(found, per_month=shift[0], per_year=shift[1])
    found = _fixed_conversion(source, destination, units, to, variable=variable, attrs=attrs,
                              difference_fix=difference_fix)
    return found if found is not None else _over_cells(source, destination, variable=variable, attrs=attrs)


def _over_cells(source, destination, *, variable: str, attrs: Mapping) -> Conversion | None:
    """The conversion between an amount and a rate (``mm`` and ``kg m-2 s-1``: units that
    differ by one time dimension) for values per second, with ``per_cell`` saying whether
    each value is then divided (−1) or multiplied (+1) by its time cell's length in seconds;
    None when the units differ otherwise. ``source`` and ``destination`` are parsed units
    (:func:`parse_units`), whose scales carry through (``0.1 mm``: 0.1 ``mm s-1``)."""
    import pint
    registry = unit_registry()

    second = registry.Unit("s")
    # the unit divided or multiplied, not the quantity: pint would turn 1 degC into 274.15 K first
    for power, unit in ((-1, source.units / second), (1, source.units * second)):
        per_second = registry.Quantity(source.magnitude, unit)
        try:
            found = _fixed_conversion(per_second, destination, str(unit), str(destination.units),
                                      variable=variable, attrs=attrs)
        except pint.PintError:  # a temperature scale times a time: no such quantity
            found = None
        if found is not None and found.offset == 0.0:
            return dataclasses.replace(found, per_cell=power)
    return None


def _fixed_conversion(source, destination, units: str, to: str, *, variable: str, attrs: Mapping,
                      difference_fix: str = "") -> Conversion | None:
    """The conversion between two parsed units (pint Quantities: scale times unit) by pint,
    or for a water quantity with :data:`WATER_DENSITY`; None if neither applies (see
    :func:`conversion`)."""
    registry = unit_registry()

    # v in "s·U" is v·s U; in "d·V" it is (a·v·s + b) / d, where a·x + b converts U to V
    ratio = float(source.magnitude) / float(destination.magnitude)
    if source.units.is_compatible_with(destination.units):
        zero = float(registry.Quantity(0.0, source.units).to(destination.units).magnitude)
        one = float(registry.Quantity(1.0, source.units).to(destination.units).magnitude)
        scale, offset = _snapped((one - zero) * ratio), zero / float(destination.magnitude)
        if offset == 0.0:
            return Conversion(scale, offset, _water_equivalent_assumption(source.units, destination.units))
        return _temperature_conversion(Conversion(scale, offset), source.units, destination.units, units, to,
                                       variable=variable, attrs=attrs, ratio=ratio, difference_fix=difference_fix)
    if not is_water_quantity(variable, {**attrs, "units": f"{attrs.get('units', '')} {units}"}):
        return None
    if names_bushels(source.units) or names_bushels(destination.units):
        return None  # a volume of grain, never of water, whatever the attributes say (climann.data.grain_volumes)
    density = registry.Quantity(WATER_DENSITY, "kg m-3")
    assumption = f"with the density of liquid water, {WATER_DENSITY:g} kg m-3"
    for converted in (registry.Quantity(1.0, source.units) * density, registry.Quantity(1.0, source.units) / density):
        if converted.is_compatible_with(destination.units):
            return Conversion(_snapped(float(converted.to(destination.units).magnitude) * ratio), 0.0, assumption)
    return None


def _water_equivalent_assumption(source, destination) -> str:
    """What a conversion between a water equivalent and a mass per area (``m w.e.`` and
    ``kg m-2``: pint's ``water_equivalent``, :data:`~climann.data.unit_spellings.UNIT_DEFINITIONS`)
    assumed, for its note:
    the density of liquid water, as a depth of water converted to a mass says (fix37c: said
    nothing, and ``mm w.e.`` to ``kg m-2``, a factor 1, was relabelled without a word); ""
    between two water equivalents (``m w.e.`` and ``mm w.e.``) or none."""
    sides = ["water_equivalent" in str(units) for units in (source, destination)]
    return f"with the density of liquid water, {WATER_DENSITY:g} kg m-3 (a water equivalent)" if sides[0] != sides[1] \
        else ""


def _snapped(scale: float) -> float:
    """``scale``, or exactly 1 when within float rounding of it: ``g/kg`` to ``0.001`` is the
    same unit spelled otherwise (1e-3 / 0.001), relabelled rather than converted."""
    return 1.0 if abs(scale - 1.0) < 1e-12 else scale


#: Units whose length depends on the calendar and the date: UDUNITS and pint fix them
#: (a month 30.44 days, a year 365.25), but a monthly total in ``mm month-1`` is the sum over
#: its own month's days.
_CALENDAR_PERIODS = ("month", "year")


def is_rate(units: str | None) -> bool:
    """Whether ``units`` are a rate per unit time (``g C m-2 day-1``, ``kg m-2 s-1``, ``K s-1``):
    a value over a time cell in them is its mean rate, never its total. False for units that
    are not readable (or absent).

    >>> is_rate("g C m-2 day-1"), is_rate("kg m-2"), is_rate("1"), is_rate(None)
    (True, False, False, False)
    """
    if units is None or not str(units).strip():
        return False
    try:
        quantity = parse_units(str(units), variable="")
    except ClimannError:
        return False
    return quantity.dimensionality.get("[time]", 0) < 0


def _power(unit, period: str) -> int:
    """The power of ``period`` ("month", "year") in a pint unit: −1 in ``mm month-1``."""
    import pint.util

    return int(dict(pint.util.to_units_container(unit)).get(period, 0))


def scores_conversion(units: str, to: str, *, variable: str, where: str = "the file",
                      reference: str = "the reference") -> Conversion | None:
    """How scores of ``variable`` computed in ``units`` are expressed in ``to``: an error,
    bias, MAE or RMSE (a difference of two values) is multiplied by ``scale``, an MSE (its
    square) by ``scale²``; correlations and skill scores do not change. None when the two
    units do not convert by one constant factor.

    A difference drops the offset between scales (``new = scale · old + offset`` for values,
    ``new − new' = scale · (old − old')``): K and degC give ``scale`` 1 and ``offset``
    −273.15 (the same scores), degF and K ``scale`` 5/9. Units spelled otherwise but meaning
    the same (``mm/day`` and UDUNITS' ``mm d-1``, ``K`` and ``kelvin``) give the identity.
    Depth and mass per area of a water quantity convert with :data:`WATER_DENSITY`
    (``assumption`` says so); a conversion whose scale varies along time (``mm month-1``
    against ``mm day-1``: each month's days; an amount against a rate: each step's length)
    has no single factor for a score over many steps, and gives None; so do missing units
    (an empty string: unknown) against any other.

    Parameters
    ----------
    units, to : str
        The units the scores are in, and those wanted (the ``units`` of two ``metrics.json``).
    variable : str
        The scored variable (the target), whose name says whether it is a water quantity.
    where, reference : str
        Where ``units`` and ``to`` come from, for a message about units that cannot be read.

    Returns
    -------
    Conversion or None
        ``scale`` the factor of a difference; ``offset`` that of the values (differences drop it).

    Raises
    ------
    ClimannError
        If ``units`` and ``to`` differ and one of them cannot be read (:func:`parse_units`).

    Examples
    --------
    >>> scores_conversion("mm d-1", "mm/day", variable="pr").is_identity
    True
    >>> scores_conversion("degF", "K", variable="tas").scale  # doctest: +ELLIPSIS
    0.555...
    """
    if str(units).strip() == str(to).strip():
        return Conversion(1.0, 0.0)
    if not str(units).strip() or not str(to).strip():  # pint would read no units as "1"
        return None
    # the values' own conversion, with the offset of a temperature scale; scores of differences ignore it
    found = conversion(units, to, variable=variable, attrs={"units_metadata": "temperature: on_scale"}, where=where,
                       reference=reference)
    return None if found is None or found.along_time else found


def per_calendar_period(text: str, period: str) -> bool:
    """Whether the units ``text`` are an amount per one ``period`` ("month" or "year"):
    ``mm/month`` per month, as :func:`calendar_factor` reads them by each step's own month.

    Raises
    ------
    ClimannError
        If ``text`` is not a unit pint can read (:func:`parse_units`).
    """
    return _power(parse_units(text, variable="").units, period) == -1


def _in_days(quantity):
    """The parsed units (a pint Quantity, :func:`parse_units`) with each month and year
    replaced by a day, the scale kept: ``mm month-1`` → ``mm day-1``."""
    registry = unit_registry()

    for period in _CALENDAR_PERIODS:
        quantity = quantity * (registry.Unit("day") / registry.Unit(period)) ** _power(quantity.units, period)
    return quantity


def _days_of_periods(times, period: str) -> np.ndarray:
    """The number of days of the calendar month (or year) holding each time, in its calendar.

    Exact in every CF calendar (``cftime`` differences): February has 28 days in ``noleap``
    and 2001, 29 in 2000 and in ``all_leap``, 30 in ``360_day``.
    """
    import cftime

    def start(year: int, month: int, like) -> cftime.datetime:
        return cftime.datetime(year, month, 1, calendar=like.calendar, has_year_zero=like.has_year_zero)

    days = []
    for time in times:
        if period == "month":
            first, following = start(time.year, time.month, time), month_start(month_number(time) + 1, time)
        else:
            first = start(time.year, 1, time)
            following = start(years_later(time.year, 1, has_year_zero=time.has_year_zero), 1, time)
        days.append((following - first).total_seconds() / 86400)
    return np.array(days)


def calendar_factor(variable: xr.DataArray, found: Conversion, *, name: str, where: str) -> xr.DataArray:
    """The factor, along time, by which a conversion involving months or years multiplies its
    ``scale``: ``days ** per_month`` of each step's calendar month (and likewise for years).

    A monthly total in ``mm month-1`` is the sum over that month's days; its rate in
    ``mm day-1`` is the total over the days of its month (``cdo divdpm`` does the same).
    Months need a monthly time axis; years are those holding each step.

    Returns
    -------
    xarray.DataArray, shape (n_time,)

    Raises
    ------
    ClimannError
        If the variable has no time axis of ``cftime`` dates, or is per month but its steps
        are not monthly.
    """
    from climann.data.time_axis import time_step_positions

    dims = [dim for dim in variable.dims
            if dim in variable.coords and variable[dim].size and hasattr(variable[dim].values.flat[0], "calendar")]
    units = variable.attrs.get("units")
    advice = "give it with a time axis of monthly steps"
    if not dims:
        raise ClimannError(f"'{name}' in {where} is in '{units}' but has no time axis to tell the length of its "
                           f"months or years; {advice}")
    times = variable[dims[0]].values
    step, _ = time_step_positions(times)
    if found.per_month and (step is None or step.months != 1):
        raise ClimannError(f"'{name}' in {where} is in '{units}' but its steps are "
                           f"{'irregular' if step is None else step.name}, not monthly, so the month meant is "
                           f"unknown; {_monthly_advice(variable, found, step, name=name, where=where)}")
    factor = np.ones(len(times))
    for period, power in (("month", found.per_month), ("year", found.per_year)):
        if power:
            factor = factor * _days_of_periods(times, period) ** power
    return xr.DataArray(factor, dims=(dims[0],), coords={dims[0]: variable[dims[0]]})


def _monthly_advice(variable: xr.DataArray, found: Conversion, step, *, name: str, where: str) -> str:
    """The way out when a conversion to or from a rate per month meets steps that are not
    monthly (:func:`calendar_factor`).

    Into a rate per month (``g C m-2 day-1`` to ``g C m-2 month-1``, ``per_month`` +1) from
    steps finer than a month: the monthly means of the rate (``cdo monmean``), which
    :func:`calendar_factor` then multiplies by each month's days. Out of a rate per month
    (``mm month-1`` to ``mm day-1``): ``cdo divdpm`` divides each value by the days of its
    month but keeps the units attribute, so the line sets it too (``setattribute``). It divides
    every variable of its input, so it is given the rate alone (``-selname``), which ``cdo
    replace`` puts in place of the file's own (CDO manual, ``replace``: the variables of the
    second input replace those of the first): a temperature or a direction beside the rate is
    kept as it is (fix53h: each was divided by the days of its month too).
    """
    stored = name_in_file(variable, name)
    finer = step is not None and not step.months and step.duration < datetime.timedelta(days=28)
    if found.per_month > 0:
        if not finer:
            return "give it at monthly steps"
        return _on_copies(variable, where, lambda files: (
            f"if its values are rates (each step's mean rate per {_without_months(variable)}), give their "
            f"monthly means: `{cdo_command(_monthly_means_operators(), files)}` (climann then multiplies each "
            "month's mean by the days of that month)"), name="monthly_means")
    per_day = _per_day_units(str(variable.attrs.get("units", "")))
    if per_day is None:
        return "convert it to a rate per day first (cdo divdpm divides each value by the days of its month)"
    def operators(files: str) -> str:  # `cdo -setattribute,… -replace IN -divdpm -selname,NAME IN OUT`
        return (f"-setattribute,{shlex.quote(f'{stored}@units={per_day}')} -replace {shell_words(files)[0]} "
                f"-divdpm {shlex.quote(f'-selname,{stored}')}")

    return _on_copies(variable, where, lambda files: (
        f"if each value is a rate per month of the month holding it, convert it to {per_day} by the days of "
        f"that month (the other variables of the file as they are): `{cdo_command(operators(files), files)}`"),
        name="per_day")


def _monthly_means_operators() -> str:
    """``monmean`` over the whole file :func:`_on_copies` advises on (:data:`_ADVISED_FILE`), its directions
    (a wave direction beside the rate) averaged by their sine and cosine and recovered with atan2
    (:func:`~climann.data.direction_regrid.cdo_direction_chain`): as numbers, days of 350° and 10° give a
    month near 180° (Fisher 1993, §2.2, eq. 2.9; fix52k for the other time means)."""
    file = _ADVISED_FILE.get()
    directions = {} if file is None or is_zarr_store(file) else file_directions(file)
    return cdo_direction_chain("monmean", directions).removeprefix("-")


def _without_months(variable: xr.DataArray) -> str:
    """The time unit of a rate's units other than months (``day`` of ``g C m-2 day-1``)."""
    units = str(variable.attrs.get("units", ""))
    for period in ("s", "second", "hour", "hr", "h", "day", "d", "year", "yr", "a"):
        if re.search(rf"(?:\b{period}\s*-1\b|/\s*{period}\b|\b{period}\s*\^\s*-1\b)", units):
            return {"s": "second", "hr": "hour", "h": "hour", "d": "day", "yr": "year", "a": "year"}.get(period, period)
    return "unit time"


def _per_day_units(units: str) -> str | None:
    """``units`` with its month written as a day (``mm month-1`` → ``mm day-1``), None when
    the month is not spelt ``month-1``, ``mon-1`` or ``/month``."""
    replaced, count = re.subn(r"\b(month|mon)(\s*-1\b|\s*\^\s*-1\b)", r"day\2", units)
    if count != 1:
        replaced, count = re.subn(r"/\s*(month|mon)\b", "/day", units)
    return replaced if count == 1 else None


def temperature_kind(variable: str, attrs: Mapping) -> str:
    """What a temperature's ``units_metadata`` says it is: ``"on_scale"``, ``"difference"``
    or ``"unknown"`` (also when the attribute is absent).

    CF-1.11 §3.1.2: ``units_metadata = "temperature: on_scale"`` (a temperature on its
    scale, e.g. 15 degC = 288.15 K), ``"temperature: difference"`` (a difference or
    anomaly, 1 degC = 1 K with no offset) or ``"temperature: unknown"``. Without it, units
    in the IRI Data Library's names of a scale (``Kelvin_scale``, ``Celsius_scale``,
    ``Fahrenheit_scale``; its units note) say ``"on_scale"``.

    Raises
    ------
    ClimannError
        If the attribute holds anything else.
    """
    given = attrs.get("units_metadata")
    if given is None:
        return "on_scale" if _IRI_SCALE.fullmatch(str(attrs.get("units", "")).strip()) else "unknown"
    match = re.fullmatch(r"\s*temperature\s*:\s*(on_scale|difference|unknown)\s*", str(given))
    if match is None:
        raise ClimannError(
            f"units_metadata of '{variable}' is '{given}'; CF-1.11 allows 'temperature: on_scale', "
            "'temperature: difference' or 'temperature: unknown'; correct it in the file"
        )
    return match.group(1)


#: CF-1.11 §3.1.2: the ``units_metadata`` of a temperature difference (an anomaly, an error, a spread).
TEMPERATURE_DIFFERENCE = "temperature: difference"


def temperature_difference_attributes(units: object, *, variable: str) -> dict[str, str]:
    """The attributes that say a variable in ``units`` holds temperature differences:
    ``{"units_metadata": "temperature: difference"}`` (CF-1.11 §3.1.2) when ``units`` are a
    temperature (pint's dimensionality ``[temperature]``: ``K``, ``degC``, ``degF``), else none.
    Without them a difference in K reads as a temperature on the scale, and a negative one as
    below absolute zero (:mod:`climann.data.absolute_zero`).

    Parameters
    ----------
    units : str or None
        The ``units`` attribute.
    variable : str
        The variable's name (for :func:`parse_units`).

    Returns
    -------
    dict of str to str

    Examples
    --------
    >>> temperature_difference_attributes("K", variable="tas_error")
    {'units_metadata': 'temperature: difference'}
    >>> temperature_difference_attributes("kg m-2 s-1", variable="pr_error")
    {}
    """
    if units is None or not str(units).strip():
        return {}
    try:
        quantity = parse_units(str(units), variable=variable)
    except ClimannError:
        return {}
    return {"units_metadata": TEMPERATURE_DIFFERENCE} if quantity.check("[temperature]") else {}


#: The IRI Data Library's units of a temperature on its scale (its ``degree_Kelvin`` … are differences).
_IRI_SCALE = re.compile(r"(?:kelvin|celsius|fahrenheit)_scale", re.IGNORECASE)


#: Words of a name, ``standard_name`` or ``long_name`` that make a variable a difference from a
#: reference: an anomaly (CF's ``..._anomaly`` names, ``tas_anom``), a change or difference
#: ("temperature change relative to 1850-1900", as IPCC AR6 and CMIP scenario deltas are
#: named), a departure from normal (NOAA CPC's word).
DIFFERENCE_WORDS = re.compile(r"anom|\bchange|\bdifference|\bdeparture|relative to", re.IGNORECASE)


#: Words of a name, ``standard_name`` or ``long_name`` that make a temperature an error, a bias or
#: a spread of another temperature, in its units a temperature difference (CF-1.11 §3.1.2; CF's
#: standard name modifier ``standard_error``): GHRSST's ``sses_bias`` ("SSES bias error based on
#: proximity confidence flags", GDS 2.0, units "kelvin", 0 K and below where the retrieval is
#: unbiased or warm), ``sses_standard_deviation``, MUR's ``analysis_error`` ("estimated error
#: standard deviation of analysed_sst"), an ensemble spread, an uncertainty. Not a temperature
#: corrected for its bias (ISIMIP's "Bias-Adjusted Near-Surface Air Temperature", ``tasAdjust``):
#: that is a temperature on its scale.
ERROR_WORDS = re.compile(
    r"(?<![a-z])(?:bias(?![-_ ]?(?:adjust|correct))|error(?![-_ ]?correct)|uncertainty|spread"
    r"|standard[-_ ]?deviation|std[-_ ]?dev|stdev)",
    re.IGNORECASE,
)


def described_as_error(variable: str, attrs: Mapping) -> bool:
    """Whether the name, ``standard_name`` or ``long_name`` call the variable a bias, an error,
    an uncertainty, a standard deviation or a spread (:data:`ERROR_WORDS`): of a temperature,
    a temperature difference.

    Examples
    --------
    >>> described_as_error("sses_bias", {"long_name": "SSES bias error based on proximity confidence flags"})
    True
    >>> described_as_error("tasAdjust", {"long_name": "Bias-Adjusted Near-Surface Air Temperature"})
    False
    """
    described = " ".join(str(attrs.get(key, "")) for key in ("standard_name", "long_name"))
    return bool(ERROR_WORDS.search(f"{variable} {described}".replace("_", " ")))


def described_as_anomaly(variable: str, attrs: Mapping) -> bool:
    """Whether the name, ``standard_name`` or ``long_name`` calls the variable an anomaly, a
    change or a difference from a reference (:data:`DIFFERENCE_WORDS`)."""
    described = " ".join(str(attrs.get(key, "")) for key in ("standard_name", "long_name"))
    return bool(DIFFERENCE_WORDS.search(f"{variable} {described}"))


def _temperature_conversion(
    on_scale: Conversion, source, destination, units: str, to: str, *, variable: str, attrs: Mapping,
    ratio: float = 1.0, difference_fix: str = "",
) -> Conversion:
    """The conversion of a temperature between scales with different zeros (degC, degF, K):
    by the difference of two values — ``scale`` only — when ``units_metadata`` says it is a
    difference; with the offset when it says on_scale; when it says nothing (or "unknown"),
    with the offset and the assumption stated, or refused if the variable is called an anomaly.
    ``ratio`` is the scale of ``units`` over that of ``to`` (``0.1 degC``: 0.1); ``difference_fix``
    the commands that mark it a difference (:func:`difference_commands`; by default one on ``FILE``).

    Raises
    ------
    ClimannError
        If nothing says whether it is a difference but its names say it is an anomaly.
    """
    registry = unit_registry()

    kind = temperature_kind(variable, attrs)
    if kind == "difference":  # pint: degC - degC is a delta_degC, which converts to K without an offset
        step = registry.Quantity(1.0, source) - registry.Quantity(0.0, source)
        unit = (registry.Quantity(1.0, destination) - registry.Quantity(0.0, destination)).units
        note = "as a temperature difference (units_metadata), without an offset"
        return Conversion(float(step.to(unit).magnitude) * ratio, 0.0, note)
    if kind == "on_scale":
        return on_scale
    fix = difference_fix or (f"give '{variable}' the attribute units_metadata = '{TEMPERATURE_DIFFERENCE}' in its "
                             "file")  # no file known here: words, never a FILE placeholder in a command
    if described_as_anomaly(variable, attrs) or described_as_error(variable, attrs):
        raise ClimannError(
            f"'{variable}' is called an anomaly or a change, a bias or an error but is in '{units}' with no "
            f"units_metadata saying "
            f"whether it is a temperature difference; converting it to '{to}' needs to know: if it is one, "
            f"mark it ({fix}), else set units_metadata = 'temperature: on_scale'"
        )
    return Conversion(on_scale.scale, on_scale.offset, (
        "assumed a temperature on the scale (with the offset): units_metadata does not say; if it is a "
        f"difference or anomaly, mark it ({fix})"
    ))


def _present(units: object) -> bool:
    return units is not None and str(units).strip() != ""


def convert_variable(
    variable: xr.DataArray, to: str, *, name: str, where: str, reference: str,
    time_bounds: xr.DataArray | None = None, reference_method: str | None = None, values_checked: bool = False,
    reference_attrs: Mapping | None = None, reference_values: xr.DataArray | None = None,
) -> xr.DataArray:
    """The variable in units ``to`` (lazily), with a warning when converted.

    An amount (``mm``, ``kg m-2``) whose ``cell_methods`` say ``time: sum`` is the total over
    each time cell (CF 1.8 section 7.3); its mean rate (``kg m-2 s-1``) is that total divided
    by the cell's length (:func:`climann.data.time_cells.cell_lengths`: from the time bounds,
    else the axis's step where it is the period: a calendar month or day, an hour; never
    3- or 6-hourly stamps, which may hold ERA5's 1-hour totals kept every 6 hours), so daily,
    monthly and seasonal totals convert alike; a rate goes
    back to such totals, times the length, when the reference's values are totals
    (``reference_method`` ``time: sum``). An amount that does not say its period (ERA5's
    ``m``) is refused.

    Parameters
    ----------
    variable : xarray.DataArray
        Its ``units`` attribute is the units it is in.
    to : str
        The units wanted ('' when the reference has none).
    name : str
        The variable's name, for the messages.
    where, reference : str
        Where the variable comes from (``"new.nc"``) and where ``to`` comes from (``"the
        model's training data"``), for the messages.
    time_bounds : xarray.DataArray, shape (n_time, 2), optional
        The CF bounds of the variable's time (section 7.1), for totals over time cells.
    reference_method : str, optional
        The ``cell_methods`` of the reference's values (their time part is read).
    values_checked : bool
        Whether the caller compares the variable's values with the reference's when only one
        of them has units (:func:`climann.data.unitless_values.check_unitless_values`, which
        refuses or warns): then it is returned without the warning.
    reference_attrs : mapping, optional
        What is known of the reference's variable: its attributes, or a run's record of its
        ``standard_name`` (:func:`climann.data.quantities.quantity_record`). A ratio of named
        units and a pure number (``m3 m-3`` and ``percent``) convert only when both sides
        name one ``standard_name`` (:mod:`climann.data.unit_ratios`).
    reference_values : xarray.DataArray, optional
        The reference's values, when at hand (the first file of a variable split over files): a
        salinity in ``1`` there is told practical or a fraction by them (:mod:`climann.data.salinity`).

    Returns
    -------
    xarray.DataArray
        Unchanged when either side has no units (with a warning: nothing can be checked)
        or when both are the same string; relabelled ``to`` when both are the same unit
        spelled otherwise; else ``scale · values + offset`` with ``units = to`` (the scale
        varying along time for months, years and time cells; ``time: sum`` and ``time: mean``
        in ``cell_methods`` swapped between totals and rates).

    Raises
    ------
    ClimannError
        If the units are not convertible (naming the variable and both units) or unreadable,
        an amount and a rate are not totals over time cells of known lengths, or a ratio of
        named units and a pure number are not said to be one quantity.
    """
    units = variable.attrs.get("units")
    if not _present(units) and not _present(to):
        return variable
    if values_checked and (not _present(units) or not _present(to)):
        return variable  # its values are compared with the reference's instead
    if not _present(units) or not _present(to):
        missing, other = (where, f"{reference} has '{to}'") if _present(to) else (reference, f"{where} has '{units}'")
        _log.warning("'%s' has no units in %s (%s): its units are not checked", name, missing, other)
        return variable
    if str(units).strip() == str(to).strip():
        return variable  # identical strings: nothing to convert, even if the registry cannot read them
    if (refusal := _bushel_refusal(variable, name, str(units), to, where=where, reference=reference)) is not None:
        raise ClimannError(refusal)
    found = conversion(str(units), to, variable=name, attrs=variable.attrs, where=where, reference=reference,
                       reference_fix=_reference_units_fix(name, to, where=where, reference=reference),
                       fix=_unreadable_units_fix(variable, name, str(units), to, where=where, reference=reference),
                       difference_fix=difference_commands(variable, name, where))
    if found is None:
        if _mole_fraction_and_mass_concentration(str(units), to):  # ppb against µg m-3 (break34a A2)
            raise ClimannError(_on_copies(variable, where, lambda files: mole_fraction_refusal(
                name, variable.attrs, str(units), to, where=where, reference=reference,
                stored=name_in_file(variable, name), files=files, step=_unit_factor), name="units_fixed"))
        if (refusal := _geopotential_refusal(variable, name, str(units), to, where=where,
                                             reference=reference)) is not None:
            raise ClimannError(refusal)
        if _differ_by_a_density(str(units), to):
            raise ClimannError(_medium_refusal(variable, name, str(units), to, where=where, reference=reference,
                                               reference_attrs=reference_attrs))
        misread = misread_units_note(units, to, variable=variable, name=name, where=where, reference=reference) \
            or _molar_mass_note(str(units), to)
        raise ClimannError(
            f"'{name}' is in '{units}' in {where} but in '{to}' in {reference}, and '{units}' does not convert to "
            f"'{to}'; give '{name}' in {to} (or a convertible unit) or check that it is the same quantity"
            + (misread or f"; if the values are in {str(to).strip()} and only the units attribute is wrong: "
                          f"{_units_fix(variable, name, to, where)}")
        )
    kinds = (dimensionless_quantity(str(units)), dimensionless_quantity(str(to)))
    if crosses_ratio(kinds, variable.attrs, reference_attrs):  # one mole fraction spelled two ways, else refused
        found = _kinds_crossed(variable, found, str(units), str(to), kinds=kinds, name=name, where=where,
                               reference=reference, reference_attrs=reference_attrs)
    found = _salinity_read(variable, found, str(units), to, name=name, where=where, reference=reference,
                           reference_values=reference_values)
    relabelled = _same_quantity_named({**variable.attrs, "units": to}, str(units), to, name=name)
    if found.is_identity and found.assumption:  # relabelled on what the values say: said
        _log.warning("'%s' in %s in %s %s", name, where, units, found.assumption)
    if found.is_identity:
        return variable.assign_attrs(relabelled)
    if found.along_time:
        factor = xr.DataArray(found.scale)
        if found.per_month or found.per_year:
            factor = factor * calendar_factor(variable, found, name=name, where=where)
            periods = " and ".join(p for p, n in (("month", found.per_month), ("year", found.per_year)) if n)
            calendar = factor[factor.dims[0]].values.flat[0].calendar
            found = dataclasses.replace(found, assumption=", ".join(filter(None, (
                found.assumption, f"by the days of each step's {periods} in its calendar ({calendar})"))))
        if found.per_cell:
            lengths, how = _cell_lengths(variable, found, to, name=name, where=where, reference=reference,
                                         time_bounds=time_bounds, reference_method=reference_method)
            factor = factor * lengths ** found.per_cell
            found = dataclasses.replace(found, assumption=", ".join(filter(None, (found.assumption, how))))
        multiplier = factor.astype(variable.dtype if variable.dtype.kind == "f" else np.float64)
        converted = variable * multiplier
        relabelled = _totals_as_rates(relabelled, found, factor.dims[0])
        recorded = np.unique(np.asarray(multiplier.values))
    else:
        converted = variable * found.scale + found.offset
        recorded = (found.scale, found.offset)
    if variable.dtype.kind == "f":
        converted = converted.astype(variable.dtype)
    extra = f", {found.assumption}" if found.assumption else ""
    _log.warning("'%s' in %s converted from %s to %s, the units of %s%s", name, where, units, to, reference, extra)
    # a value the file stores, in the converted values: of each file (climann.data.file_encodings)
    converted.attrs, converted.encoding = relabelled, conversion_recorded(variable.encoding, recorded)
    return converted


#: What a conversion between two spellings of a mole fraction assumed, for its warning (break57c A3).
_MOLE_FRACTIONS = ("read as one mole fraction of a gas (ppm, ppb and ppt of a gas are its µmol, nmol and pmol "
                   "mol-1 of dry air, the WMO's convention)")


def _kinds_crossed(variable: xr.DataArray, found: Conversion, units: str, to: str, *,
                   kinds: tuple[str | None, str | None], name: str, where: str, reference: str,
                   reference_attrs: Mapping | None) -> Conversion:
    """``found`` for two units of dimensionless kinds that :func:`crosses_ratio` parts, when both are
    a mole fraction (``ppm`` and ``micromol mol-1``: its assumption says so, break57c A3); else refused.

    Raises
    ------
    ClimannError
        For a mole fraction against a mass fraction, which differ by the gas's molar mass over dry
        air's (:func:`~climann.data.gas_concentrations.fraction_refusal`: ``ppm`` relabelled
        ``1e-06 kg kg**-1`` gave CO2 1/1.519 of its mass fraction, break57c A2): with the ncap2 that
        converts a copy of each of the variable's files when its gas is known, the formula alone
        when not. For any other two kinds (:func:`~climann.data.unit_ratios.ratio_refusal`), with
        the ncatted that gives a copy the units of the reference's quantity.
    """
    fractions = (fraction_kind(units, kinds[0], variable.attrs), fraction_kind(to, kinds[1], reference_attrs or {}))
    if fractions == ("mole", "mole"):
        return dataclasses.replace(found, assumption=_MOLE_FRACTIONS)
    if set(fractions) != {"mole", "mass"}:
        fix = _units_fix(variable, name, units_of_the_same_quantity(to, found.scale), where)
        raise ClimannError(ratio_refusal(name, units, to, kinds=kinds, attrs=variable.attrs, where=where,
                                         reference_attrs=reference_attrs, reference=reference, scale=found.scale,
                                         fix=fix))
    gas = fraction_gas(name, variable.attrs, reference_attrs or {})
    refusal = functools.partial(fraction_refusal, name, variable.attrs, gas, units, to,
                                into_mass=fractions[0] == "mole", scale=found.scale, where=where, reference=reference)
    if gas is None:
        raise ClimannError(refusal())
    folder = "mass_fractions" if fractions[0] == "mole" else "mole_fractions"
    raise ClimannError(_on_copies(variable, where, lambda files: refusal(stored=name_in_file(variable, name),
                                                                          files=files), name=folder))


def _molar_mass_note(units: str, to: str) -> str:
    """:func:`~climann.data.amount_labels.molar_mass_note` of two units strings ("" when unread)."""
    try:
        return molar_mass_note(parse_units(units, variable=""), parse_units(to, variable=""))
    except ClimannError:
        return ""


def _salinity_read(variable: xr.DataArray, found: Conversion, units: str, to: str, *, name: str, where: str,
                   reference: str, reference_values: xr.DataArray | None = None) -> Conversion:
    """``found``, or for salinity between a fraction and the 1e-3 scale (a factor 1000: ``1``
    and ``1e-3``, ``psu``, ``g/kg``) the factor its values say (:func:`~climann.data.salinity.salinity_scale`)."""
    thousandfold = found.offset == 0.0 and not found.along_time and (
        np.isclose(found.scale, 1000.0, rtol=1e-9) or np.isclose(found.scale, 1e-3, rtol=1e-9))
    spelled = any(readable_units(text) == PRACTICAL_SALINITY_UNITS != str(text).strip() for text in (units, to))
    if not thousandfold or not (spelled or is_salinity(variable.attrs)):
        return found
    up = bool(found.scale > 1.0)
    fraction = units if up else to
    one = dimensionless_kind(fraction) == PURE_NUMBER and parse_units(fraction, variable=name).magnitude == 1.0
    fixes = {target: _units_fix(variable, name, target, where) for target in ("1", PRACTICAL_SALINITY_UNITS)}
    at_hand = None if reference_values is None or up else typical_salinity(reference_values)
    scale, assumption = salinity_scale(1000.0 if up else 1e-3, typical_salinity(variable), units=units, to=to,
                                       fraction_is_one=one, name=name, where=where, reference=reference, fixes=fixes,
                                       reference_typical=at_hand)
    return dataclasses.replace(found, scale=found.scale if scale != 1.0 else 1.0, assumption=assumption)


def _unreadable_units_fix(variable: xr.DataArray, name: str, units: str, to: str, *, where: str, reference: str) -> str:
    """The way out of units that cannot be read: their readable spelling when there is one
    (NCEP/NCAR's ``Kg/m^2/s`` written ``kg/m^2/s``, :func:`_readable_spelling`), the advice
    :func:`warn_unreadable_units` gives at training, so that the values are then converted;
    else the units of ``reference`` (or ``1`` for a word for a fraction), for values that are in
    them. Relabelling ``Kg/m^2/s`` as a run's ``mm`` scored rates as daily totals (break31b B2)."""
    ambiguous = _ambiguous_units_fix(variable, name, units, where)
    if ambiguous is not None:
        return f"to have them converted, {ambiguous}"
    readable = _readable_spelling(units, variable.attrs)
    if readable not in (None, "1") or dimensionless_index(units) or index_units_word(units):
        long_name = _day_of_year_long_name(variable, name, units)
        return (f"to have them converted, write readable units{_spelling_note(units)}: "
                f"{_units_fix(variable, name, readable, where, long_name=long_name)}")
    return (f"correct its units attribute ({_fraction_fix(variable, name, units, where)}if the values are in "
            f"{str(to).strip()}, as in {reference}: {_units_fix(variable, name, to, where)})")


def _reference_units_fix(name: str, to: str, *, where: str, reference: str) -> str:
    """The way out of reference units ``to`` that cannot be read: for an ambiguous spelling
    (:data:`AMBIGUOUS_UNITS`: ``ppt``), the ``ncatted`` that writes each reading in the reference
    file (a file climann can name; else the units to write, in words), never the advice to give
    the new data the ambiguous units too; else to give the new data the reference's units
    exactly (identical units are not converted)."""
    if not _meanings(str(to)):
        return (f"give '{name}' in {where} with units '{to}' exactly as in {reference} "
                "(identical units are not converted)")
    file = Path(reference)

    def way(written: str) -> str:  # each reading's copy in a folder of its own (fix56a: both were x_fixed.nc)
        edit = ncatted_attribute("units", name, "o", "c", written)
        return one_copy_advice(lambda files: attribute_command([edit], files), input_and_copy(file),
                               _alternative_folder(written)) if file.exists() else f"'{written}'"

    ways = " or ".join(f"{way(written)} for {meaning}" for meaning, written in _meanings(str(to)))
    return f"write the units meant as the units of '{name}' in {reference}: {ways}"


def _same_quantity_named(attrs: dict, units: str, to: str, *, name: str) -> dict:
    """The attributes of values converted from ``units`` to ``to``, without their
    ``standard_name`` when the conversion changed what they measure (a total over each month in
    ``mm month-1`` as ``precipitation_amount``, a rate of liquid-water depth as
    ``lwe_precipitation_rate``, made a mass flux in ``kg m-2 s-1``): a standard name's
    canonical units must convert to the variable's (CF 1.8 section 3.3), and which name the
    converted values have is the reference's to say (``predict`` takes the run's,
    :func:`climann.workflow.new_data.with_training_quantity`). A temperature in degC made K,
    or precipitation_flux in g m-2 s-1 made kg m-2 s-1, keeps it."""
    if "standard_name" not in attrs:
        return attrs
    try:
        same = (parse_units(units, variable=name).dimensionality == parse_units(to, variable=name).dimensionality)
    except ClimannError:
        same = False
    return attrs if same else {key: value for key, value in attrs.items() if key != "standard_name"}


def _totals_as_rates(attrs: dict, found: Conversion, time_name: str) -> dict:
    """The attributes of values converted from an amount per month or year (``mm month-1``)
    or per time cell (``mm``, ``time: sum``) to a rate, by the days of each step's month or
    year or its cell's length: their ``time: sum`` (the total over each step's cell, CF 1.8
    section 7.3) is now a ``time: mean`` (the mean rate over it); and back, for rates made
    totals over each cell."""
    from climann.data.cell_methods import with_time_method

    if "cell_methods" not in attrs:
        return attrs
    if found.per_cell > 0:
        return {**attrs, "cell_methods": with_time_method(attrs["cell_methods"], "mean", "sum", time_name)}
    if not (found.per_month < 0 or found.per_year < 0 or found.per_cell < 0):
        return attrs
    return {**attrs, "cell_methods": with_time_method(attrs["cell_methods"], "sum", "mean", time_name)}


def _time_dim(variable: xr.DataArray) -> str | None:
    """The variable's dimension whose coordinate holds cftime dates, None without one."""
    return next((dim for dim in variable.dims if dim in variable.coords and variable[dim].size
                 and hasattr(variable[dim].values.flat[0], "calendar")), None)


def _mole_fraction_and_mass_concentration(units: str, to: str) -> bool:
    """Whether one of ``units`` and ``to`` is a mole fraction (ppb, ppmv, nmol mol-1:
    :func:`~climann.data.gas_concentrations.is_mole_fraction_units`) and the other a mass per
    volume (µg m-3), which convert only through a gas's molar mass and the air's molar volume."""
    def mass_concentration(text: str) -> bool:
        try:
            return parse_units(text, variable="").units.is_compatible_with(unit_registry().Unit("kg m-3"))
        except ClimannError:
            return False
    return any(is_mole_fraction_units(one.strip()) and mass_concentration(other)
               for one, other in ((units, to), (to, units)))


def _unit_factor(source: str, destination: str) -> float:
    """The factor from ``source`` to ``destination``, two units of one kind (``ppm`` to ``ppb``: 1000)."""
    return float(conversion(source, destination, variable="").scale)


def _differ_by_a_density(units: str, to: str) -> bool:
    """Whether a depth (rate) and a mass per area (rate) are all that parts ``units`` from
    ``to`` (``m`` and ``kg m-2 s-1``, ``mm`` and ``kg m-2``): the two convert through a
    density, possibly with a time cell. False when either cannot be read."""
    import pint
    registry = unit_registry()

    try:
        source = parse_units(units_as_meant(units, {}), variable="").units
        destination = parse_units(units_as_meant(to, {}), variable="").units
    except (ClimannError, pint.PintError):
        return False
    density, second = registry.Unit("kg m-3"), registry.Unit("s")
    return any((source * by * per).is_compatible_with(destination)
               for by in (density, 1 / density) for per in (1, second, 1 / second))


def _depth_against_mass_per_area(units: str, to: str) -> bool:
    """Whether one of ``units`` and ``to`` is a depth or its rate (``mm``, ``m s-1``): then the
    other, which differs from it by a density (:func:`_differ_by_a_density`), is a mass per area."""
    depths = ({"[length]": 1}, {"[length]": 1, "[time]": -1})
    return any(dict(parse_units(units_as_meant(text, {}), variable="").dimensionality) in depths
               for text in (units, to))


def _per_mass(text: str) -> bool:
    """Whether units are an amount or mass per mass of the medium (``µmol kg-1``, ``kg kg-1``,
    ``g/kg``): a mass in their denominator. A pure number (``1``, ``%``) is not said to be one."""
    dimensionality = parse_units(units_as_meant(text, {}), variable="").dimensionality
    if dimensionality.get("[mass]", 0) < 0:
        return True
    found = ratio_dimensions(text) if not dimensionality else None
    return found is not None and "[mass]" in found[1]


def _per_volume(text: str) -> bool:
    """Whether units are an amount or mass per volume (``mol m-3``, ``kg m-3``)."""
    return parse_units(units_as_meant(text, {}), variable="").dimensionality.get("[length]", 0) == -3


def _medium_refusal(variable: xr.DataArray, name: str, units: str, to: str, *, where: str, reference: str,
                    reference_attrs: Mapping | None) -> str:
    """The one-line refusal of two units that differ by a density (:func:`_differ_by_a_density`),
    by which density: a depth against a mass per area, that of the snow or ice
    (:func:`_density_refusal`); an amount per volume against one per mass, that of the medium
    (:func:`~climann.data.media_densities.concentration_refusal`: sea water, air); any other pair
    (a pure number against a mass per volume) is not said to convert at all."""
    if _depth_against_mass_per_area(units, to):
        return _density_refusal(variable, name, units, to, where=where, reference=reference)
    registry = unit_registry()
    density = registry.Quantity(1.0, "kg m-3")
    source, destination = parse_units(units, variable=name), parse_units(to, variable=name)
    for per_mass, (mass, volume) in ((True, (units, to)), (False, (to, units))):
        if _per_mass(mass) and _per_volume(volume):
            converted = source * density if per_mass else source / density
            factor = float(converted.to(destination.units).magnitude) / float(destination.magnitude)
            own = standard_name_of(dict(reference_attrs or {}))
            return _on_copies(variable, where, lambda files: concentration_refusal(
                name, units, to, medium=medium_of(name, variable.attrs, reference_attrs or {}), per_mass=per_mass,
                factor=factor, where=where, reference=reference, stored=name_in_file(variable, name),
                files=files, standard_name=own if own and own != standard_name_of(variable.attrs) else None),
                name="units_fixed")
    return (f"'{name}' is in '{units}' in {where} but in '{to}' in {reference}, and '{units}' does not convert to "
            f"'{to}'; give '{name}' in {to} (or a convertible unit) or check that it is the same quantity")


def _bushel_refusal(variable: xr.DataArray, name: str, units: str, to: str, *, where: str,
                    reference: str) -> str | None:
    """The one-line refusal of a yield in bushels against a mass (or the other way round,
    :func:`~climann.data.grain_volumes.bushel_against_mass`), whose line multiplies by the crop's
    factor (:mod:`climann.data.grain_volumes`), in a copy of each of its files; None for any
    other pair, or units that cannot be read (refused as such later)."""
    import pint

    try:
        source, destination = parse_units(units, variable=name), parse_units(to, variable=name)
    except (ClimannError, pint.PintError):
        return None
    if not bushel_against_mass(source, destination):
        return None
    factors = {crop: crop_factor(source, destination, crop) for crop in TEST_WEIGHTS_LB}
    crop = crop_of([name, str(variable.attrs.get("long_name", "")), standard_name_of(variable.attrs),
                    *map(str, source_files(variable))])
    stored = name_in_file(variable, name)
    own, factor = ncap2_name(stored), f"{factors[crop]:.6g}" if crop is not None else "FACTOR"

    def text(files: str) -> str:
        line = values_command([f'{own}={own}*{factor};{own}@units="{str(to).strip()}"'],
                              [xarray_values(stored, f"{xarray_data(stored)} * {factor}"),
                               f"d[{stored!r}].attrs['units'] = {str(to).strip()!r}"], files)
        return bushel_refusal_text(name, units, str(to).strip(), where=where, reference=reference, crop=crop,
                                   factors=factors, line=line)

    return _on_copies(variable, where, text, name="units_fixed")


def _geopotential_refusal(variable: xr.DataArray, name: str, units: str, to: str, *, where: str,
                          reference: str) -> str | None:
    """The one-line refusal of a geopotential height against a geopotential (JRA-55's ``gpm``
    against ERA5's ``m**2 s**-2``, :mod:`climann.data.geopotential`), whose line multiplies by g0
    and sets the units in a copy of each of its files, in a new folder (:func:`_on_copies`); None
    for any other pair."""
    import pint

    try:
        source, destination = parse_units(units, variable=name), parse_units(str(to), variable=name)
    except (ClimannError, pint.PintError):
        return None
    factor = geopotential_factor(source, destination)
    if factor is None:
        return None
    stored = name_in_file(variable, name)
    own, wanted = ncap2_name(stored), str(to).strip()

    def text(files: str) -> str:
        line = values_command([f'{own}={own}*{factor:.9g};{own}@units="{wanted}"'],
                              [xarray_values(stored, f"{xarray_data(stored)} * {factor:.9g}"),
                               f"d[{stored!r}].attrs['units'] = {wanted!r}"], files)
        return geopotential_refusal_text(name, units, wanted, where=where, reference=reference, factor=factor,
                                         line=line, height_given=is_height(source))

    return _on_copies(variable, where, text, name="units_fixed")


def _density_refusal(variable: xr.DataArray, name: str, units: str, to: str, *, where: str, reference: str) -> str:
    """The one-line refusal of a depth that is not said to be liquid water
    (:func:`is_water_quantity`: a snow or ice depth, CF ``thickness_of_snowfall_amount``)
    against a mass per area: its own density is needed and not known, and water's would be
    wrong (fresh snow about 100 kg m-3, settled snow 200 to 500: the mass 2 to 10 times too
    large). The ways out: its water equivalent computed with the density the user knows, or,
    when its values already are one, the attribute that says so; for a variable of several
    files, in a copy of each (:func:`_on_copies`)."""
    return _on_copies(variable, where, lambda files: _density_text(variable, name, units, to, files, where=where,
                                                                   reference=reference), name="water_equivalent")


def _density_text(variable: xr.DataArray, name: str, units: str, to: str, files: str, *, where: str,
                  reference: str) -> str:
    """:func:`_density_refusal`'s words, its commands on ``files`` (``IN OUT``)."""
    standard_name = standard_name_of(variable.attrs)
    named = bool(standard_name)
    long_name = str(variable.attrs.get("long_name", "")).strip()
    said = f"standard_name {standard_name}" if named else f"long_name '{long_name}'" if long_name else "nothing"
    liquid = liquid_equivalent(standard_name)
    stored = name_in_file(variable, name)
    own = ncap2_name(stored)
    convert = f"{own}={own}*DENSITY/{WATER_DENSITY:g}" + (f'; {own}@standard_name="{liquid}"' if liquid else "")
    statements = [xarray_values(stored, f"{xarray_data(stored)} * DENSITY / {WATER_DENSITY:g}"),
                  *([f"d[{stored!r}].attrs['standard_name'] = {liquid!r}"] if liquid else [])]
    if liquid:
        relabel = attribute_command([ncatted_attribute("standard_name", stored, "o", "c", liquid)], files)
    elif not named:
        long_name = ncatted_attribute("long_name", stored, "o", "c", f"{name} water equivalent")
        relabel = attribute_command([long_name], files)
    else:
        relabel = None
    return (f"'{name}' is in '{units}' in {where} but in '{to}' in {reference}: a depth against a mass per area, "
            f"which convert only through the density of what '{name}' is, and its attributes ({said}) do not say "
            f"liquid water (CF lwe_ names, precipitation, rain, a water equivalent): a depth of snow or ice has its "
            f"own density (fresh snow about 100 kg m-3, not water's {WATER_DENSITY:g}), which is not known; give "
            f"'{name}' as its liquid water equivalent, e.g. with the snow's density in kg m-3 for DENSITY "
            f"({values_command([convert], statements, files)})"
            + (f", or, if its values already are a water equivalent, say so ({relabel})" if relabel else ""))


#: The folder, beside a variable's files, of their copies with its units corrected
#: (``units_fixed_2`` … when taken, :func:`climann.data.shell.new_folder`).
_UNITS_COPIES_FOLDER = "units_fixed"


def _units_fix(variable: xr.DataArray, name: str, to: str, where: str, *, long_name: str | None = None,
               folder: str = _UNITS_COPIES_FOLDER) -> str:
    """The ``ncatted`` that sets the units of ``name`` to ``to`` in a copy of the file
    ``variable`` comes from, written into a new folder ``folder`` beside it under its own name,
    then the ``--data`` to give in its place (:func:`~climann.data.shell.one_copy_advice`):
    ``mkdir -p units_fixed && ncatted -a units,tas,o,c,K new.nc units_fixed/new.nc (its copy in a
    new folder), then give --data units_fixed/new.nc in place of new.nc``. Its copy written beside
    it (``new_fixed.nc``) was taken with it by a glob over their folder, and the run refused the
    two files of one variable (fix56a). A file that is not there (a name in words) is given the
    command on it and its copy beside it; for a Zarr store, which ncatted does not edit,
    zarr-python's edit of the store (:func:`climann.data.shell.attribute_command`; break29b A6).
    With ``long_name``, the same command sets that too (a day of year's,
    :func:`_day_of_year_long_name`). Alternatives printed together take a ``folder`` each
    (:func:`_alternative_folder`): in one, the second line refused, its copy being there."""
    stored = name_in_file(variable, name)
    edits = [ncatted_attribute("units", stored, "o", "c", str(to).strip()),
             *([ncatted_attribute("long_name", stored, "o", "c", long_name)] if long_name else [])]
    store = next((path for path in (*source_files(variable), where) if is_zarr_store(path)), None)
    if store is not None:  # NCO edits NetCDF files only: the store's attributes are changed in place, no copy
        return (f"{attribute_command(edits, input_and_copy(store))} (a Zarr store, which ncatted does not edit: "
                "this sets the attribute in the store itself)")
    if len(source_files(variable)) > 1:
        return _units_fix_of_files(variable, name, to, long_name=long_name, folder=folder)
    return one_copy_advice(lambda files: attribute_command(edits, files), _fixed_copy(variable, where), folder)


def _alternative_folder(units: str) -> str:
    """The folder of the copy that a line among alternatives writes with ``units`` (``units_1e-12``
    beside ``units_1e-3`` for the two readings of ``ppt``): each its own, so that the second line
    run after the first is not refused for the copy the first wrote, nor mixed with it.

    Examples
    --------
    >>> _alternative_folder("1e-12"), _alternative_folder("m day-1"), _alternative_folder("%")
    ('units_1e-12', 'units_m_day-1', 'units_percent')
    """
    word = re.sub(r"[^A-Za-z0-9.+-]+", "_", str(units).strip().replace("%", "percent")).strip("_")
    return f"units_{word or 'fixed'}"


def _day_of_year_long_name(variable: xr.DataArray, name: str, units: str) -> str | None:
    """The ``long_name`` that the advice writing ``day`` for a day of year's units (``day of year``,
    ``DOY``: :data:`DAY_OF_YEAR_UNITS`) writes with them, so that the copy is still read as a day of
    year (its own ``long_name`` and ``, day of year``): units ``day`` alone said a count of days, and
    dates wrapping past 31 December in the copy were trained on and scored as numbers (fix43b:
    test RMSE 62.9 days, no warning); None when the units are no day of year or its
    ``long_name`` says it already (:data:`DAY_OF_YEAR_WORDS`)."""
    own = " ".join(str(variable.attrs.get("long_name", "")).split())
    if not DAY_OF_YEAR_UNITS.fullmatch(str(units)) or DAY_OF_YEAR_WORDS.search(own):
        return None
    return f"{own or name}, day of year"


def _units_fix_of_files(variable: xr.DataArray, name: str, to: str, *, long_name: str | None = None,
                        folder: str = _UNITS_COPIES_FOLDER) -> str:
    """The ``ncatted`` that sets the units of ``name`` to ``to`` in a copy of each of the files
    ``variable`` comes from, in a new folder beside them, then the ``--data`` that takes the
    copies (:func:`~climann.data.shell.copies_of_files`). A copy of the first file alone, written
    beside it, left a folder of 72 MODIS files whose copy's units differed from the 71 others',
    and the folder was refused (break37a B1)."""
    def edit(arguments: str, file: str) -> str:
        stored = name_in_file(variable, name, file)
        return ncatted_command([ncatted_attribute("units", stored, "o", "c", str(to).strip()),
                                *([ncatted_attribute("long_name", stored, "o", "c", long_name)] if long_name else [])],
                               arguments)

    return copies_of_files(edit, source_files(variable), name=folder)


def difference_commands(variable: xr.DataArray, name: str, where: str) -> str:
    """The ``ncatted`` commands that mark ``variable`` a temperature difference
    (``units_metadata = "temperature: difference"``, CF-1.11 §3.1.2) in a copy of each of its
    files, each naming the variable as that file holds it (verify28 V4: ``tas`` for files that
    hold ``t2m`` and ``temp`` with rename rules changed nothing), the copies written into a new
    folder beside them, one command per file or a loop over the files of one name, then the
    ``--data`` that takes them (:func:`~climann.data.shell.copies_of_files`; it was one command on
    ``IN.nc OUT.nc`` for each, fix38d, then up to :data:`~climann.data.sources.LISTED_FILES`
    copies written beside their files, which a glob over their folder took with them, fix56a); a
    Zarr store's attributes changed in place. Overwrite (``o``), not create: a file's
    ``temperature: unknown`` stays otherwise.

    Parameters
    ----------
    variable : xarray.DataArray
        As opened (the record of its files and their names in ``encoding``).
    name : str
        Its name as read (after the renames).
    where : str
        Its files for a message, naming the one file when the variable records none.

    Returns
    -------
    str

    Examples
    --------
    >>> import xarray as xr
    >>> difference_commands(xr.DataArray([1.0], dims="time"), "tas_anom", "anom.nc")
    "ncatted -a units_metadata,tas_anom,o,c,'temperature: difference' anom.nc anom_fixed.nc"
    """
    def command(own: str, files: str) -> str:
        return attribute_command([ncatted_attribute("units_metadata", own, "o", "c", TEMPERATURE_DIFFERENCE)], files)

    files = source_files(variable)
    if not files:
        return one_copy_advice(lambda arguments: command(name_in_file(variable, name), arguments),
                               _fixed_copy(variable, where), _UNITS_COPIES_FOLDER)
    # a store's attributes are changed in place (attribute_command); the files' copies go into a new folder (fix56a:
    # each written beside its file, a glob over their folder took both, and the run refused two files of one variable)
    said = [command(name_in_file(variable, name, path), input_and_copy(path)) for path in files if is_zarr_store(path)]
    copied = [path for path in files if not is_zarr_store(path)]
    if copied:
        said.append(copies_of_files(lambda arguments, file: command(name_in_file(variable, name, file), arguments),
                                    copied, name=_UNITS_COPIES_FOLDER))
    return "; ".join(said)


#: Words written as the units of a fraction that UDUNITS cannot read; its units are ``1``.
_FRACTION_WORDS = frozenset({"fraction", "fractional", "frac", "0-1", "0 - 1", "0 to 1", "unitless", "none"})


def is_fraction_word(units: str) -> bool:
    """Whether ``units`` is a word for a fraction that UDUNITS cannot read (:data:`_FRACTION_WORDS`,
    any case, also in parentheses as old-CDS ERA5's ``(0 - 1)``): its units are ``1``.

    Examples
    --------
    >>> is_fraction_word("Fraction"), is_fraction_word("(0 - 1)"), is_fraction_word("%")
    (True, True, False)

    A word for a fraction followed by its range is one too: MUR's ``sea_ice_fraction`` in
    ``"fraction (between 0 and 1)"`` (break39b B10d: the advice ended in a placeholder ``UNITS``).

    >>> is_fraction_word("fraction (between 0 and 1)"), is_fraction_word("fraction [0, 1]")
    (True, True)
    """
    text = str(units).strip().lower()
    if text.strip("()").strip() in _FRACTION_WORDS:
        return True
    found = _FRACTION_WITH_RANGE.match(text)
    return found is not None and (found["word"] is not None or found["range"] is not None)


#: A word for a fraction, its range 0 to 1 after it (in parentheses or brackets, or not), or the range alone.
_FRACTION_WITH_RANGE = re.compile(
    r"^(?P<word>fraction(?:al)?|frac)?\s*(?P<range>[(\[]?\s*(?:between\s+)?0(?:\.0*)?\s*(?:-|–|to|and|,)\s*"
    r"1(?:\.0*)?\s*[)\]]?)?$")


def _fraction_fix(variable: xr.DataArray, name: str, units: str, where: str) -> str:
    """``"if the values are fractions (0 to 1): ncatted … 1; "`` for units that are a word for a
    fraction (:data:`_FRACTION_WORDS`), so that the way out offered is not only the reference's
    ``%``; ``""`` otherwise."""
    if not is_fraction_word(units):
        return ""
    fix = _units_fix(variable, name, "1", where, folder=_alternative_folder("1"))  # beside the other way's folder
    return f"if the values are fractions (0 to 1), their units are 1: {fix}; "


def _on_copies(variable: xr.DataArray, where: str, advice: Callable[[str], str], *, name: str) -> str:
    """``advice(files)``, words holding commands on a file and its corrected copy (``IN OUT``),
    for ``variable``: on its one file (:func:`_fixed_copy`), or, read from several files, each
    command a loop that writes a copy of each into a new folder ``name`` beside them, with the
    ``--data`` that takes them (:func:`~climann.data.shell.copies_of_files`; fix38d: the
    cell_methods, water-equivalent and ncap2 lines of a folder named its first file alone)."""
    files = source_files(variable)
    # one file too: its copy in a new folder, with the --data to give (break52a A1: beside it, a glob took both)
    if files and not any(is_zarr_store(file) for file in files):
        return copies_of_files(lambda arguments, file: _advised_on(file, advice, arguments), files, name=name)
    if not files:  # the file named in where, when there: its copy in a new folder too (fix56a)
        return one_copy_advice(lambda arguments: _advised_on(None, advice, arguments), _fixed_copy(variable, where),
                               name)
    return _advised_on(files[0], advice, _fixed_copy(variable, where))


#: The file a piece of advice built by :func:`_on_copies` is for, while it is built: a number in
#: the units of a file's own time (:func:`_advised_time_units`) is that file's, not the first
#: file read's (break48d A1: ``time-1.0/24``, days, written into ERA5 files in hours).
_ADVISED_FILE: contextvars.ContextVar[str | None] = contextvars.ContextVar("_ADVISED_FILE", default=None)


def _advised_on(file: str | None, advice: Callable[[str], str], arguments: str) -> str:
    """``advice(arguments)`` built for ``file`` (:data:`_ADVISED_FILE`)."""
    token = _ADVISED_FILE.set(file)
    try:
        return advice(arguments)
    finally:
        _ADVISED_FILE.reset(token)


def _advised_time_units(variable: xr.DataArray, dim: str) -> str:
    """The units of the time ``dim`` of ``variable`` as the file a command is for stores them
    (:data:`_ADVISED_FILE`, else the variable's first file): a command's numbers are in them.
    The coordinate's encoding keeps only the first file read of the whole set, which may be
    another variable's (break48d A1: GEFF's ``days since`` beside ERA5's ``hours since``)."""
    file = _ADVISED_FILE.get() or next(iter(source_files(variable)), None)
    stored = None if file is None else _stored_time_units(str(file), file_time_names(variable[dim])[0])
    return stored or str(variable[dim].encoding.get("units", ""))


def _stored_time_units(file: str, time: str) -> str | None:
    """The ``units`` attribute of the variable ``time`` in ``file`` (a NetCDF file or a Zarr
    store), as stored; None when it cannot be read."""
    try:
        if is_zarr_store(file):
            with xr.open_zarr(file, decode_times=False) as store:
                units = store[time].attrs.get("units")
        else:
            import netCDF4

            with netCDF4.Dataset(file) as dataset:
                units = getattr(dataset.variables[time], "units", None)
    except (OSError, KeyError, ValueError, TypeError):
        return None
    return units if isinstance(units, str) else None


def _fixed_copy(variable: xr.DataArray, where: str) -> str:
    """The file named in advice and its corrected copy beside it, ``'my data/new.nc'
    'my data/new_fixed.nc'`` (see :func:`climann.data.shell.input_and_copy`): the variable's
    source file, else ``where`` when it names one file, else ``FILE.nc``. The words a line is
    built on: :func:`~climann.data.shell.one_copy_advice` writes the copy of a file that is there
    into a new folder instead (fix56a)."""
    named = where if re.fullmatch(r"[^,\s]+\.nc4?", where) else "FILE.nc"
    return input_and_copy(variable.encoding.get("source") or named)


def _step_of_the_rate(variable: xr.DataArray, units: str, to: str, dim: str | None) -> str | None:
    """``"day"`` when every time cell of ``variable`` (:func:`~climann.data.time_cells.cell_lengths`)
    is one period of its rate ``units`` (``mm/day`` on daily steps) and that rate times its period
    is one ``to`` (``mm``): each value, the rate over its step, is then also the step's total in
    ``to``; None otherwise (or when the cells are unknown)."""
    from climann.data.time_cells import cell_lengths

    if dim is None:
        return None
    try:
        # the time that makes one unit of the rate one of the amount: 1 day for mm/day and mm
        ratio = parse_units(to, variable="") / parse_units(units, variable="")
        period = float(ratio.to("second").magnitude)
        if period not in (3600.0, 86400.0):
            return None
        bounds_name = variable[dim].attrs.get("bounds")
        lengths = cell_lengths(np.asarray(variable[dim].values), None if bounds_name is None or bounds_name not in
                               variable.coords else np.asarray(variable[bounds_name].values))
    except Exception:  # noqa: BLE001 — the advice without the line, as before
        return None
    if lengths is None or not np.size(lengths) or not np.allclose(np.asarray(lengths, "f8"), period):
        return None
    return "day" if period == 86400.0 else "hour"


def _cell_lengths(
    variable: xr.DataArray, found: Conversion, to: str, *, name: str, where: str, reference: str,
    time_bounds: xr.DataArray | None, reference_method: str | None,
) -> tuple[xr.DataArray, str]:
    """The length in seconds of each time cell of ``variable``, shape (n_time,), by which an
    amount totalled over the cell and its mean rate differ, and how it was found (for the
    warning); see :func:`convert_variable`. A run's amount that training read as each cell's total
    without ``cell_methods`` is given here as ``time: sum``
    (:func:`~climann.data.value_words.totals_as_read`, break54b A6).

    Raises
    ------
    ClimannError
        If the amount's side is not a total over each cell (``time: sum``, CF 1.8 section
        7.3), the rate's is not a mean (or unmarked), or the cells' lengths are unknown.
    """
    from climann.data.cell_methods import over_each_cell, time_cell_method, without_time_entries
    from climann.data.time_cells import cell_lengths

    units, dim = variable.attrs.get("units"), _time_dim(variable)
    own = time_cell_method(variable.attrs.get("cell_methods"), dim or "time")
    if dim is not None and "climatology" not in variable[dim].attrs:
        own = over_each_cell(own)  # Daymet's "time: sum within days time: sum over days" on months: their sum
    stored = name_in_file(variable, name)

    def on_copies(advice: Callable[[str], str]) -> str:  # a folder's files: a copy of each (fix38d)
        return _on_copies(variable, where, advice, name="time_cells_fixed")

    if found.per_cell < 0 and own != "time: sum":
        marked = " ".join(filter(None, (without_time_entries(variable.attrs.get("cell_methods"), dim or "time"),
                                        "time: sum")))
        raise ClimannError(on_copies(lambda files: (
            f"'{name}' is in '{units}' in {where}, an amount that does not say the period it is over, but in '{to}', a "
            f"rate, in {reference}: it converts only as the total over each time step (CF cell_methods 'time: sum'), "
            f"which {where} does not say{f' (it says {own})' if own else ''}; if the values are totals over each "
            f"time step (not ERA5-Land's, which run from 00 UTC: take the differences of consecutive hours "
            f"first), say so ({attribute_command([ncatted_attribute('cell_methods', stored, 'o', 'c', marked)], files)}"
            "); "
            f"if they are daily "
            f"totals averaged over each step, as ERA5's monthly means are, give the units "
            f"({attribute_command([ncatted_attribute('units', stored, 'o', 'c', f'{units} day-1')], files)})")))
    if found.per_cell > 0 and time_cell_method(reference_method) != "time: sum":
        said = (f"'{name}' is in '{units}', a rate, in {where} but in '{to}' in {reference}, an amount that does not "
                f"say the period it is over (no cell_methods 'time: sum'), so the rate does not convert to it; give "
                f"'{name}' in {to} as {reference} had it")
        if (step := _step_of_the_rate(variable, units, to, dim)) is not None:
            # CHIRPS's mm/day against E-OBS's mm, both daily: each value is also its day's total (break53b A4)
            raise ClimannError(on_copies(lambda files: (
                f"{said}: its steps are each one {step} long, the period of '{units}', so if each value is the "
                f"rate over its {step}, it is also the {step}'s total in '{to}' "
                f"({attribute_command([ncatted_attribute('units', stored, 'o', 'c', to)], files)})")))
        raise ClimannError(said)
    if found.per_cell > 0 and own not in (None, "time: mean"):
        raise ClimannError(
            f"'{name}' in {where} is {own} of a rate ('{units}'), and only a mean rate times its time step's length is "
            f"the total over the step that {reference} holds in '{to}'; give time means of '{name}'")
    bounds = None if time_bounds is None else np.asarray(time_bounds.values)
    lengths = None if dim is None else cell_lengths(np.asarray(variable[dim].values), bounds)
    if dim is not None and bounds is None and _accumulated_by_a_forecast_model(variable):
        from climann.data.grib_conversions import daily_statistics_words

        grib = dim
        # the file's name or the variable's attributes may say ERA5's daily statistics (its global ones are not here)
        product = daily_statistics_words(variable.attrs, {}, str(variable.encoding.get("source", "")))
        if _grib_accumulation_cells(variable, grib, "IN.nc OUT.nc") is not None:
            raise ClimannError(on_copies(lambda files: (
                f"'{name}' in {where} is converted from '{units}' to '{to}' by the length of each time step, a total "
                f"over it (time: sum), but {_grib_accumulation_cells(variable, grib, files, product=product)}")))
    if lengths is None:
        raise ClimannError(on_copies(lambda files: (
            f"'{name}' in {where} is converted from '{units}' to '{to}' by the length of each time step, a total "
            f"over it (time: sum), but {_unknown_cells(variable, dim, files)}")))
    source = f"the time bounds {time_bounds.name}" if bounds is not None else "the step of its times"
    if bounds is None and _accumulated_by_a_forecast_model(variable):  # an hour apart: the only kind taken
        source += ("; GRIB accumulations an hour apart are taken as ERA5's totals over the hour before each stamp: "
                   "ERA5-Land's run from 00 UTC, difference them first (each hour minus the one before)")
    how = (f"the totals over each time step divided by its length ({source})" if found.per_cell < 0 else
           f"the mean rates times each time step's length ({source})")
    return xr.DataArray(lengths, dims=(dim,), coords={dim: variable[dim]}), how


def _unknown_cells(variable: xr.DataArray, dim: str | None, files: str) -> str:
    """Why the time cells of a total without bounds have no known length, and how to add
    bounds (CF 7.1) of each value's own period.

    No ``cdo`` command is given: ``cdo settbounds,FREQ`` gives each stamp's calendar day,
    month or year, whatever the values are, and stamps that do not tell the length
    (:func:`climann.data.time_cells.cell_lengths`) do not tell whether it is one of those.
    Stamps one year apart may be yearly totals or one season's or month's of each year
    (``cdo selseas,DJF`` then ``seassum``, ``cdo selmon,1``): ``settbounds,year`` would divide
    a DJF total by a year (a rate 365/90 times too small), ``settbounds,month`` a season's by
    a month. The documentation (``docs/own-data.md``, "Totals without time bounds") says which
    ``settbounds`` fits which period and adds bounds of any period with xarray.
    """
    from climann.data.time_axis import axis_time_step

    step = None if dim is None else axis_time_step(np.asarray(variable[dim].values))
    way = ("add time bounds (CF 7.1) that hold each value's own period, as docs/own-data.md (\"Totals without time "
           "bounds\") shows (cdo settbounds gives each stamp's calendar day, month or year, whatever the period)")
    if step is None:
        return f"its time has no bounds and no regular step to give that length; {way}"
    if not step.months and step.duration < datetime.timedelta(days=1):
        return _sub_daily_cells(variable, dim, step, files, way)
    first = date_text(variable[dim].values[0], precision="day")
    return (f"its time has no bounds and its {step.name} stamps (the first {first}) do not say each value's period: "
            f"{step.span()}, or one season or month of every {step.span()} (as cdo selseas and selmon give); {way}")


def _accumulated_by_a_forecast_model(variable: xr.DataArray) -> bool:
    """Whether the variable says it is a GRIB accumulation (``GRIB_stepType = "accum"``, as
    cfgrib and the Copernicus Climate Data Store write for ERA5's and ERA5-Land's totals):
    each value is totalled over the forecast steps before its stamp, one hour (ERA5) or
    since 00 UTC (ERA5-Land), whatever the spacing of the stamps kept."""
    return str(variable.attrs.get("GRIB_stepType", "")).strip().lower() == "accum"


#: What says a variable is a GRIB accumulation, in the messages: its attribute, or
#: :func:`~climann.data.grib_conversions.converted_accumulation`'s words for a file converted without it.
_GRIB_SAID = "GRIB_stepType = accum"


def _grib_accumulation_cells(variable: xr.DataArray, dim: str, files: str, *, said: str = _GRIB_SAID,
                             product: str = "", others: Sequence[str] = (), alike: Sequence[str] = ()) -> str | None:
    """Why GRIB accumulations (:func:`_accumulated_by_a_forecast_model`) without time bounds
    have no known period, and the way out; None when they are stamped one hour apart, the
    one spacing that says it (ERA5's hourly totals, each over the hour before its stamp).

    A GRIB accumulation is totalled over forecast steps, never over the spacing of the
    stamps kept: whatever that is, each value may be ERA5's total over the hour before its
    stamp (the CDS gives the hours asked for, once a day or once a month as well), or
    ERA5-Land's over the day before it (its totals run from 00 UTC), and on a monthly axis
    the mean daily total of the month (ERA5's "monthly averaged reanalysis", in m but per
    day); no GRIB accumulation is a monthly total. Each kind of spacing says so in its own
    words: months (:func:`_months_apart_accumulations`), whole days
    (:func:`_days_apart_accumulations`), a few hours (:func:`_sub_daily_cells`), anything
    else (irregular, under an hour, 36 hours) the bounds to add. See ECMWF, "ERA5: data
    documentation", sections "Accumulations" and "Monthly means". ``product``: the words that say
    the file is of ERA5's post-processed daily statistics
    (:func:`~climann.data.grib_conversions.daily_statistics_words`); ``others``: the file's other
    variables along time, whose cells the bounds change too (:func:`_days_apart_accumulations`), and
    ``alike`` those of them that are accumulations as well, which take the same bounds.
    """
    from climann.data.time_axis import axis_time_step

    step = axis_time_step(np.asarray(variable[dim].values))
    hour, day = datetime.timedelta(hours=1), datetime.timedelta(days=1)
    if step is not None and not step.months and step.duration == hour:
        return None
    if step is not None and step.months:
        return _months_apart_accumulations(variable, dim, step, files, said=said)
    if step is not None and step.duration >= day and not step.duration % day:
        return _days_apart_accumulations(variable, dim, step, files, said=said, product=product, others=others,
                                         alike=alike)
    way = ("add time bounds (CF 7.1) that hold each value's own period, as docs/own-data.md (\"Totals without time "
           "bounds\") shows")
    if step is not None and hour < step.duration < day:
        return _sub_daily_cells(variable, dim, step, files, way)
    spacing = "irregular stamps" if step is None else f"stamps {step.span()} apart"
    return (f"its time has no bounds and its values are GRIB accumulations ({said}) at {spacing}, "
            f"which do not say the period each is totalled over (only stamps one hour apart do: ERA5's hourly "
            f"totals); {way}")


def _months_apart_accumulations(variable: xr.DataArray, dim: str, step, files: str, *, said: str = _GRIB_SAID) -> str:
    """Why GRIB accumulations stamped months apart without bounds have no known period, and
    the two ways out: the units of a mean daily total (``m day-1``, ERA5's monthly averaged
    reanalysis: each value is the mean over the month of its daily totals, ECMWF, "ERA5:
    data documentation", "Monthly means"), or the ``ncap2`` command that adds bounds of the
    hour before each stamp (ERA5's hourly totals kept once a month)."""
    name = name_in_file(variable)
    units = str(variable.attrs.get("units", ""))
    per_day = f"{units} day-1"
    method = variable.attrs.get("cell_methods")
    mean = None if method is None else _with_time_mean(str(method), dim)
    ncatted = attribute_command(list(filter(None, (
        ncatted_attribute("units", name, "o", "c", per_day),
        None if mean is None else ncatted_attribute("cell_methods", name, "o", "c", mean)))), files)
    first = date_text(variable[dim].values[0], precision="minute")
    kept = "once a month" if step.months == 1 else f"every {step.span()}"
    reason = (f"its time has no bounds and its values are GRIB accumulations ({said}) stamped "
              f"{step.span()} apart (the first {first}), and no GRIB accumulation is a total over its month: each "
              f"value may be the mean daily total of its month (ERA5's monthly averaged reanalysis, in {units} per "
              f"day), the total over the hour before its stamp (ERA5's hourly totals kept {kept}) or over the day "
              f"before it (ERA5-Land's at 00 UTC); for mean daily totals give the units per day ({ncatted})")
    return _hour_bounds_advice(variable, dim, step, files, reason, longer="the day before it", hours=24,
                               joined="; else ")


def _with_time_mean(method: str, dim: str) -> str:
    """``cell_methods`` with its time entry a mean (``time: sum`` → ``time: mean``, CF 7.3): a
    mean daily total is the time mean of a rate per day."""
    from climann.data.cell_methods import with_time_method

    return with_time_method(method, "sum", "mean", dim)


def _days_apart_accumulations(variable: xr.DataArray, dim: str, step, files: str, *, said: str = _GRIB_SAID,
                              product: str = "", others: Sequence[str] = (), alike: Sequence[str] = ()) -> str:
    """Why GRIB accumulations stamped whole days apart without bounds have no known length,
    and the command that adds bounds.

    ERA5's hourly totals kept once a day (the CDS gives them for the hours asked) are totals
    over the hour before the stamp; ERA5-Land's value at 00 UTC is the total of the day
    before (its totals run from 00 UTC); the daily sum of ERA5's post-processed daily statistics
    (the CDS's ``derived-era5-single-levels-daily-statistics``) stamped D 00 UTC is the total over
    D 00–24 UTC, the day starting at its stamp (break46a A4: only the first two were offered, and
    the second, followed, dated the file's daily maxima a day early too). Read by the spacing, the
    first would be 24 times too small a rate. When ``product`` says the file is of the daily
    statistics, the day starting at each stamp is the one reading given; otherwise it is the third.
    Bounds of the hour or the day before a stamp would date ``others`` (the file's other variables
    along time: a daily maximum, an instant) before their stamps too: the advice says so, and
    gives the total its copy, with ``alike`` (the file's other accumulations, whose periods are the
    total's: :func:`_others_dated_too`). See ECMWF, "ERA5: data documentation", section
    "Accumulations", and "ERA5 family post-processed daily statistics documentation"."""
    day = datetime.timedelta(days=1)
    name = name_in_file(variable)
    if product and step.duration == day:
        bounds = _bounds_command(variable, dim, files, after=24)
        reason = (f"its time has no bounds and its values are GRIB accumulations ({said}) stamped 1 day apart, of "
                  f"ERA5's post-processed daily statistics (the file says '{product}'), whose daily sum stamped at "
                  f"00 UTC is the total over the day starting at its stamp (the CDS shifts the hourly totals by one "
                  f"hour for it)")
        if bounds is None:
            return f"{reason}; add time bounds (CF 7.1) of the day starting at each stamp"
        return f"{reason}; add time bounds (CF 7.1) of that day to every value of the file: {bounds}"
    kept = "once a day" if step.duration == day else f"every {step.span()}"
    reason = (f"its time has no bounds and its values are GRIB accumulations ({said}) stamped "
              f"{step.span()} apart: each value may be the total over the hour before its stamp (ERA5's hourly "
              f"totals kept {kept}) or over the day before it (ERA5-Land's at 00 UTC), rates 24 times apart")
    starting = _bounds_command(variable, dim, files, after=24) if step.duration == day else None
    if starting is not None:
        reason += (", or over the day starting at it (the daily sum of ERA5's post-processed daily statistics, "
                   "stamped at 00 UTC)")
    shifted = _others_dated_too(name, others, alike, files)
    after = "" if starting is None else f"; for totals over the day starting at each stamp, {starting}"
    return _hour_bounds_advice(variable, dim, step, files, reason, longer="the day before it", hours=24,
                               after=shifted + after)


def _others_dated_too(name: str, others: Sequence[str], alike: Sequence[str], files: str) -> str:
    """Words saying that bounds before the stamps date ``others`` (the file's variables along time
    that are no accumulation: a daily maximum, an instant) before their stamps too, and the ``ncks``
    that writes ``name`` with ``alike`` (the file's other accumulations, totalled over the same forecast
    steps: ERA5-Land's ``e`` beside ``tp``, all since 00 UTC) to a file of their own; "" without others.
    Session 73: ``tp`` alone was to be written, and ``e``, whose bounds are ``tp``'s, given without any.
    Each ``ncks`` writes its copy of the file of ``files`` (``IN OUT``, :func:`~climann.data.shell.input_and_copy`)
    into a new folder (``accumulations``, ``without_accumulations``: :func:`~climann.data.shell.one_copy_advice`;
    fix56d: ``IN OUT`` was printed where the file was known)."""
    if not others:
        return ""
    together = [name, *alike]
    listed, chosen = ", ".join(others), ",".join(together)
    kept = (f"{name} alone" if not alike else
            f"{' and '.join([', '.join(together[:-1]), together[-1]])} (GRIB accumulations all, over the same "
            f"forecast steps, so of the same periods)")
    written = one_copy_advice(lambda pair: f"ncks -v {chosen} {pair}", files, "accumulations")
    without = one_copy_advice(lambda pair: f"ncks -x -v {chosen} {pair}", files, "without_accumulations")
    return (f"; bounds before the stamps date every variable of the file ({listed} too) before its stamp: "
            f"for those readings write {kept} first, {written}, and give the others "
            f"without {'it' if not alike else 'them'}, {without}")


def _bounds_command(variable: xr.DataArray, dim: str, files: str, *, before: float = 0, after: float = 0
                    ) -> str | None:
    """The command that adds to the copy of ``files`` (``IN OUT``) time bounds from ``before``
    hours before each stamp to ``after`` hours after it, in the units of the file's own time
    variable and on its dimension (:func:`climann.data.shell.file_time_names`): ``ncap2`` for
    a NetCDF file, an xarray line for a Zarr store (:func:`~climann.data.shell.values_command`);
    None when the time's units are not ``UNIT since …``."""
    units = _advised_time_units(variable, dim)
    lower, upper = (_in_time_units(units, hours) if hours else "" for hours in (before, after))
    if None in (lower, upper):
        return None
    time, axis = file_time_names(variable[dim])
    bounds, nv = f"{time}_bnds", "bnds"
    low, high = (f"{time}-{lower}" if lower else time), (f"{time}+{upper}" if upper else time)
    script = (f'defdim("{nv}",2);{bounds}[${axis},${nv}]=0.0;{bounds}(:,0)={low};{bounds}(:,1)={high};'
              f'{time}@bounds="{bounds}"')
    edges = f"[{'-' + lower if lower else '0'}, {upper or '0'}]"
    statements = [f"d[{bounds!r}] = (({axis!r}, {nv!r}), {xarray_data(time)}[:, None] + {edges})",
                  f"d[{time!r}].attrs['bounds'] = {bounds!r}"]
    return values_command([script], statements, files)


def _sub_daily_cells(variable: xr.DataArray, dim: str, step, files: str, way: str) -> str:
    """Why totals stamped a few hours apart (3-, 6-hourly) without bounds have no known
    length, and the command that adds bounds of one hour before each stamp (ERA5's), with the
    number to put for the step's hours: ``ncap2`` in the units of the file's time, so that
    the bounds are exact whatever they are (``hours since``, ``seconds since`` …)."""
    hours = step.duration / datetime.timedelta(hours=1)
    first = date_text(variable[dim].values[0], precision="minute")
    reason = (f"its time has no bounds and its stamps are {step.span()} apart (the first {first}): each value may be "
              f"the total over the {step.span()} before its stamp, or over one hour only (ERA5's hourly totals kept "
              f"every {step.span()}, as the CDS gives them for the hours asked), rates {hours:g} times apart")
    return _hour_bounds_advice(variable, dim, step, files, reason, longer=f"the {step.span()} before it", hours=hours,
                               way=way)


def _hour_bounds_advice(variable: xr.DataArray, dim: str, step, files: str, reason: str, *, longer: str,
                        hours: float, way: str | None = None, joined: str = "; ", after: str = "") -> str:
    """``reason``, then (after ``joined``) the ``ncap2`` command that adds time bounds of the
    hour before each stamp, and the number to put in its place for totals over ``longer``
    (``hours`` hours), then ``after`` (the other readings' words).

    The command names the file's own time variable and dimension
    (:func:`climann.data.shell.file_time_names`): in cfgrib's layout the valid
    time ``valid_time(time)``, which becomes the time axis, not the reference time ``time``
    that is dropped, whose bounds would change nothing."""
    way = way or ("add time bounds (CF 7.1) that hold each value's own period, as docs/own-data.md (\"Totals "
                  "without time bounds\") shows")
    units = _advised_time_units(variable, dim)
    one_hour = _in_time_units(units, 1)
    command = _bounds_command(variable, dim, files, before=1)
    if one_hour is None or command is None:
        return f"{reason}{joined}{way}"
    return (f"{reason}{joined}add time bounds (CF 7.1) of each value's period: for totals over the hour before each "
            f"stamp (ERA5), {command} (for totals over {longer}, "
            f"{_in_time_units(units, hours)} in place of {one_hour}){after}")


def _in_time_units(units: str, hours: float) -> str | None:
    """``hours`` in the unit of a CF time (``hours since …``, ``seconds since …``) as an
    ``ncap2`` number (``21600``, ``6.0/24`` in days); None when the units are not such."""
    import pint

    unit = units.split(" since ")[0].strip() if " since " in units else ""
    try:
        per_hour = float(unit_registry().Quantity(1.0, "hour").to(unit).magnitude)
    except (pint.PintError, AttributeError, TypeError, ValueError, AssertionError):
        return None
    if (per_hour * hours).is_integer():
        return f"{per_hour * hours:.0f}"
    per_unit = 1 / per_hour  # hours in one unit of the time (24 for days)
    return f"{float(hours)!r}/{per_unit:.0f}" if per_unit.is_integer() else None


def convert_dataset(
    dataset: xr.Dataset, units: Mapping[str, str], *, where: str, reference: str,
    cell_methods: Mapping[str, str] | None = None, values_checked: Collection[str] = (),
    reference_attrs: Mapping[str, Mapping] | None = None, reference_values: Mapping[str, xr.DataArray] | None = None,
) -> xr.Dataset:
    """The dataset with each variable named in ``units`` (and present) in those units,
    as :func:`convert_variable` does, with the CF bounds of the dataset's time (section 7.1)
    and the reference's ``cell_methods`` of each variable, for totals over time cells;
    ``values_checked``: the variables whose values the caller compares with the reference's
    when they have no units (:func:`convert_variable`); ``reference_attrs``: what is known of
    each variable in the reference (its attributes or a run's record of its ``standard_name``,
    :func:`convert_variable`); ``reference_values``: each variable's values in the reference, when
    at hand (:func:`convert_variable`). The
    messages about a variable name its own files (:func:`climann.data.sources.variable_where`),
    ``where`` (the files of the whole set) when they are not recorded."""
    import dask

    from climann.data.coords import time_coordinate

    time = time_coordinate(dataset)
    bounds_name = None if time is None else str(dataset[time].attrs.get("bounds"))
    bounds = dataset[bounds_name] if bounds_name in dataset.variables else None
    if bounds is not None:  # small metadata, read as the open does (not counted as a data computation)
        with dask.config.set(scheduler="synchronous"):
            bounds = bounds.compute()  # a copy: the dataset keeps its lazy bounds
    converted = {
        name: convert_variable(dataset[name], to, name=name, where=variable_where(dataset[name], where),
                               reference=reference, time_bounds=bounds, reference_method=(cell_methods or {}).get(name),
                               values_checked=name in values_checked, reference_attrs=(reference_attrs or {}).get(name),
                               reference_values=(reference_values or {}).get(name))
        for name, to in units.items() if name in dataset.data_vars
    }
    converted.update(_own_series_lags_converted(dataset, units, bounds, cell_methods or {}, values_checked,
                                                reference_attrs or {}))
    return dataset.assign(converted) if converted else dataset


def _own_series_lags_converted(
    dataset: xr.Dataset, units: Mapping[str, str], bounds: xr.DataArray | None, cell_methods: Mapping[str, str],
    values_checked: Collection[str], reference_attrs: Mapping[str, Mapping],
) -> dict[str, xr.DataArray]:
    """For :func:`convert_dataset`: each lag a predictor's own series gave (``lcopy@lag1``,
    :func:`climann.data.time_axes.own_series_lags`) converted as its variable is, without a
    second warning (its variable's says it)."""
    lagged = {name: found[0] for name in dataset.data_vars
              if (found := own_series_lag_of(str(name))) is not None and found[0] in units}
    if not lagged:
        return {}
    quiet, _log.disabled = _log.disabled, True
    try:
        return {name: convert_variable(dataset[name], units[of], name=of, where=variable_where(dataset[of], ""),
                                       reference="", time_bounds=bounds, reference_method=cell_methods.get(of),
                                       values_checked=of in values_checked, reference_attrs=reference_attrs.get(of))
                for name, of in lagged.items()}
    finally:
        _log.disabled = quiet


def warn_unreadable_units(dataset: xr.Dataset, names, *, where: str) -> dict[str, str]:
    """Warn, one line per variable, when a variable a run trains on has units that cannot be
    read (:func:`parse_units`): NCEP/NCAR Reanalysis writes precipitation in ``Kg/m^2/s``, a
    kelvin-gram for UDUNITS (break23a F4). The run trains on the values as they are, but other
    files can then be scored or predicted from only in exactly those units (identical units
    are not converted); the line gives the ncatted command that writes readable units.

    Parameters
    ----------
    dataset : xarray.Dataset
        The training files, opened.
    names : iterable of str
        The variables the run reads (target, predictors ...); those not in ``dataset`` or
        without units are skipped.
    where : str
        The files, for the message.

    Returns
    -------
    dict of str to str
        The variables warned about, with their units.
    """
    unreadable = {}
    for name, text in variable_units(dataset, names).items():
        if not text:
            continue
        try:
            parse_units(units_as_meant(text, dataset[name].attrs), variable=name, where=where)
        except ClimannError:
            unreadable[name] = text
            _log.warning("%s", with_store_notes(_unreadable_units_warning(dataset[name], name, text, where)))
    return unreadable


def _unreadable_units_warning(variable: xr.DataArray, name: str, text: str, where: str) -> str:
    """The line of :func:`warn_unreadable_units` for one variable: why its units cannot be read (an
    ambiguous spelling, :data:`AMBIGUOUS_UNITS`, or none that UDUNITS reads), and the ``ncatted``
    that writes readable units (each reading of an ambiguous spelling)."""
    found = variable_where(variable, where)
    ambiguous = ambiguous_units_advice(text)
    why = (f"the units '{text}' of '{name}' in {found} are ambiguous: {ambiguous}" if ambiguous else
           f"cannot read the units '{text}' of '{name}' in {found} (expected UDUNITS units such as K, degC, "
           "kg m-2 s-1)")
    readable = _readable_spelling(text, variable.attrs)
    long_name = _day_of_year_long_name(variable, name, text)
    command = _ambiguous_units_fix(variable, name, text, where) or (
        f"write readable units{_spelling_note(text)}: "
        f"{_units_fix(variable, name, readable, where, long_name=long_name)}" if readable is not None
        else _units_in_words(name))
    return (f"{why}: the run trains on its values as they are, but other files can then be scored or predicted from "
            f"only in exactly these units; to have them converted, {command}")


_WATER_EQUIVALENT_MASSES = {"mm": "kg m-2", "cm": "10 kg m-2", "m": "1000 kg m-2"}

#: Why the advice writes a water equivalent as a mass per area.
WATER_EQUIVALENT_NOTE = "w.e. is a water equivalent: 1 mm of water is 1 kg m-2 at 1000 kg m-3"


#: Words for a percentage that UDUNITS cannot read (``Percent``: MODIS AppEEARS' cover layers):
#: UDUNITS' ``%`` (1 % = 0.01), which the advice writes in their place.
_PERCENT_WORDS = frozenset({"percent", "percentage", "per cent", "pct"})

#: Spectral vegetation (water, snow, burn) indices given as their own units (``NDVI``: MODIS
#: AppEEARS' MOD13 layers): each a normalised difference or ratio of reflectances, a pure number
#: (Tucker 1979, Remote Sens. Environ. 8, 127; Huete et al. 2002, ibid. 83, 195 for EVI), whose
#: units are ``1`` (CF's dimensionless quantities), not a placeholder to fill in.
_DIMENSIONLESS_INDICES = frozenset({"ndvi", "evi", "evi2", "ndwi", "ndsi", "savi", "msavi", "nbr", "ndmi"})


#: Words that standardised and fire-danger or drought indices' files write as their units, none a
#: unit (compared in lower case): SPEIbase's ``z-values``, GEFF's (ECMWF fire danger) ``Numeric``,
#: ``index``, ``z-score``. The indices are pure numbers, whose units CF writes ``1`` (CF 1.8 §3.1).
_INDEX_UNITS_WORDS = frozenset({"z-values", "z-value", "z values", "z-score", "z-scores", "zscore", "numeric",
                                "index", "standardized", "standardised", "standardized units", "standard deviations"})


def index_units_word(units: str) -> bool:
    """Whether ``units`` is a word an index's file writes for no unit (:data:`_INDEX_UNITS_WORDS`:
    ``z-values``, ``Numeric``, ``index``): a dimensionless index, units ``1`` in CF."""
    return str(units).strip().strip("()").strip().lower() in _INDEX_UNITS_WORDS


def dimensionless_index(units: str) -> str | None:
    """The index named by ``units`` when they are a spectral index's name (:data:`_DIMENSIONLESS_INDICES`:
    ``NDVI``), whose units are ``1``; else None."""
    word = str(units).strip().strip("()").strip()
    return word.upper() if word.lower() in _DIMENSIONLESS_INDICES else None


#: Abbreviations of water-resources records that UDUNITS does not read (USBR, USACE, ResOpsUS, GRanD),
#: each with what it usually means and its readable units (in the registry: ``acre_feet`` is
#: UDUNITS' and pint's acre-foot; a hyphenated ``acre-feet`` is read too, :func:`_hyphen_product`).
#: The advice says "if": ``MCM`` is a thousand cubic metres in the gas industry (break40a A3, A7:
#: ``af`` and ``MCM`` got a placeholder ``UNITS`` or the run's units as the way out).
WATER_RESOURCES_ABBREVIATIONS = {
    "af": ("acre-feet", "acre_feet"), "acft": ("acre-feet", "acre_feet"), "ac-ft": ("acre-feet", "acre_feet"),
    "kaf": ("thousand acre-feet", "1000 acre_feet"), "taf": ("thousand acre-feet", "1000 acre_feet"),
    "maf": ("million acre-feet", "1e6 acre_feet"),
    "cfs": ("cubic feet per second", "ft3 s-1"), "kcfs": ("thousand cubic feet per second", "1000 ft3 s-1"),
    "mcm": ("million cubic metres", "hm3"), "ac": ("acres", "acre"),
}

#: Any of :data:`WATER_RESOURCES_ABBREVIATIONS` as a unit among others (``ac-ft/d``, ``KAF/month``,
#: ``ac ft``), in any case: pint read ``ac-ft`` as an attospeed of light times a foot (``ac``: atto- and
#: ``c``) and ``mcm`` as a micrometre, units of another dimension without a word (fix41d); UDUNITS-2
#: reads none of them.
_WATER_RESOURCES_ABBREVIATION = re.compile(
    r"(?<![A-Za-z_])(?P<abbreviation>ac[-\s.*]?ft|" + "|".join(sorted(
        (key for key in WATER_RESOURCES_ABBREVIATIONS if key != "ac-ft"), key=len, reverse=True))
    + r")(?![A-Za-z_])", re.IGNORECASE)


def _water_resources_abbreviation(found: re.Match) -> tuple[str, str]:
    """What an abbreviation :data:`_WATER_RESOURCES_ABBREVIATION` found usually means, and its readable units."""
    return WATER_RESOURCES_ABBREVIATIONS[re.sub(r"[-\s.*]", "-", found["abbreviation"].lower())]


def _water_resources_spelling(text: str) -> str:
    """``text`` with each water-resources abbreviation (:data:`_WATER_RESOURCES_ABBREVIATION`) in its
    readable units (``ac-ft/d``: ``acre_feet/d``); one with a number, parenthesised after other units
    (``m3 (1000 acre_feet)-1``), so that the number scales it alone."""
    def readable(found: re.Match) -> str:
        units = _water_resources_abbreviation(found)[1]
        return f"({units})" if " " in units and found.start() > 0 else units

    return _WATER_RESOURCES_ABBREVIATION.sub(readable, text)


def _spelling_note(text: str) -> str:
    """Why the advice writes ``text`` as :func:`_readable_spelling` does, in parentheses; ``""`` when
    the spelling says it (a capital ``Kg``)."""
    if (found := _WATER_RESOURCES_ABBREVIATION.search(text)) is not None:
        return (f" if '{found[0]}' is {_water_resources_abbreviation(found)[0]}, as reservoir and river records "
                f"abbreviate them (else the units the values are in)")
    index = dimensionless_index(text)
    if index is not None:
        return f" ({index} is a dimensionless index, a normalised difference of reflectances: its units are 1)"
    if index_units_word(text):
        return (f" ('{text.strip()}' names no unit: a standardised, fire-danger or drought index is a pure number, "
                "dimensionless, whose units CF writes 1)")
    if text.strip().lower() in _PERCENT_WORDS:
        return f" ('{text.strip()}' is UDUNITS' %)"
    if DAY_OF_YEAR_UNITS.fullmatch(text):
        return f" ({DAY_OF_YEAR_NOTE})"
    notes = _period_spelling(text)[1]
    if _WATER_EQUIVALENT_ABBREVIATION.search(text):
        notes.insert(0, WATER_EQUIVALENT_NOTE)
    return f" ({'; '.join(notes)})" if notes else ""


#: Units that say a day of the year (any case, spaces or underscores: ``day of year``, ``DOY``,
#: ``julian day``), no UDUNITS unit: a day of year is a count of days, whose advice writes ``day``
#: (:func:`_readable_spelling`; the day it counts from is its ``long_name``'s to say).
DAY_OF_YEAR_UNITS = re.compile(r"\s*(?:days?[\s_]+of[\s_]+(?:the[\s_]+)?year|doy|julian[\s_]+days?|"
                               r"day[\s_]+in[\s_]+year|ordinal[\s_]+days?)\s*", re.IGNORECASE)
#: Words of a ``long_name`` (or name) that say a day of the year (:func:`climann.data.year_end_days.is_day_of_year`).
DAY_OF_YEAR_WORDS = re.compile(r"(?<![a-z])(?:days?[\s_]+of[\s_]+(?:the[\s_]+)?year|doy|julian[\s_]+days?)(?![a-z])",
                               re.IGNORECASE)
#: Why the advice writes ``day`` for a day of year.
DAY_OF_YEAR_NOTE = ("a day of year is a count of days, 'day' in UDUNITS, the long_name saying it is a day of year, "
                    "so that dates crossing 31 December are still told; its RMSE and bias are then in days")

#: A count of a time unit glued to it (``/8day``, ``8day-1``: per 8 days), which the registry reads
#: as the rate per that period (:func:`~climann.data.unit_spellings.read_glued_periods`); the advice
#: for units unreadable for another reason writes it so too (:func:`_period_spelling`).
_GLUED_PERIOD, _GLUED_PERIOD_POWER = GLUED_PERIOD, GLUED_PERIOD_POWER


def _period_spelling(text: str) -> tuple[str, list[str]]:
    """``text`` with a glued period parenthesised (``/8day`` → ``/(8 day)``), and a note for each
    change, for the advice only: ``8day`` is 8 days. What a mass is of (``kgC``, ``mg Chl``) is
    kept: it is read as a label (:mod:`climann.data.amount_labels`), not left out (fix44c)."""
    notes, candidate = [], text
    for found in _GLUED_PERIOD.finditer(candidate):
        notes.append(f"{found['count']}{found['unit']} is {found['count']} {found['unit']} written as one word: per "
                     f"{found['count']} {found['unit']} is '/({found['count']} {found['unit']})'")
    candidate = _GLUED_PERIOD.sub(lambda found: f"/({found['count']} {found['unit']})", candidate)
    for found in _GLUED_PERIOD_POWER.finditer(candidate):
        notes.append(f"{found[0]} is per {found['count']} {found['unit']} written as one word: per "
                     f"{found['count']} {found['unit']} is '/({found['count']} {found['unit']})'")
    candidate = _GLUED_PERIOD_POWER.sub(lambda found: f"/({found['count']} {found['unit']})", candidate)
    return candidate, notes


def _readable_spelling(text: str, attrs: Mapping) -> str | None:
    """``text`` with a capital ``Kg`` (NCEP/NCAR's kilogram) written ``kg``, or a water equivalent
    (``mm w.e. yr-1``, :data:`_WATER_EQUIVALENT_ABBREVIATION`) as the same mass per area
    (``kg m-2 yr-1``: the rate per year kept, converted to any rate by the calendar), when that
    makes it readable, ``1`` for a word for a fraction (:data:`_FRACTION_WORDS`, also in parentheses as
    old-CDS ERA5's ``(0 - 1)``) or ``~`` and ``-``, for the advice only
    (the values are never read so), ``%`` for a word for a percentage (:data:`_PERCENT_WORDS`),
    ``1`` for a spectral index's name (:func:`dimensionless_index`: ``NDVI``), ``day`` for a day of
    year (:data:`DAY_OF_YEAR_UNITS`); else None: no unit that climann can propose (a placeholder
    ``UNITS`` in the advice's command wrote "UNITS" when run as printed: break42a A5, break42b A7)."""
    if DAY_OF_YEAR_UNITS.fullmatch(text):
        return "day"
    if (is_fraction_word(text) or text.strip().strip("()").strip() in ("~", "-")
            or dimensionless_index(text) is not None or index_units_word(text)):
        return "1"
    if text.strip().lower() in _PERCENT_WORDS:
        return "%"
    candidate = _WATER_EQUIVALENT_ABBREVIATION.sub(lambda found: _WATER_EQUIVALENT_MASSES[found["length"]],
                                                   re.sub(r"\bKg\b", "kg", _water_resources_spelling(text)))
    candidate = _period_spelling(candidate)[0]
    if candidate == text:
        return None
    try:
        parse_units(units_as_meant(candidate, attrs), variable="")
    except ClimannError:
        return None
    return candidate


def variable_units(dataset: xr.Dataset, names) -> dict[str, str]:
    """Each named variable's ``units`` attribute ('' when it has none)."""
    return {name: str(dataset.variables[name].attrs.get("units", "")).strip() for name in names
            if name in dataset.variables}


#: Kept under its earlier name (:func:`climann.data.sources.own_period_bounded`).
_own_period_bounded = own_period_bounded


def refuse_grib_accumulations(dataset: xr.Dataset, names: Sequence[str], *, where: str) -> None:
    """Refuse, as target or predictor, GRIB accumulations (``GRIB_stepType = "accum"``) on a time
    axis without the files' own bounds whose spacing does not say each value's period
    (:func:`_grib_accumulation_cells`: anything but one hour apart), whether or not their units
    convert: ERA5-Land's ``tp`` kept at 00 UTC is the total of the day *before* each stamp, and
    read as a daily value stamped at 00:00 it is the day beginning there, a day late against
    every other variable (break45b A2); only the unit conversion refused it before. Bounds that
    climann made from what the files say (a forecast's lead bounds, :mod:`climann.data.forecast_windows`)
    give the period as the files' own do. So are ECMWF's accumulated parameters in a file whose
    ``history`` says it was converted from GRIB by a converter that leaves out ``GRIB_stepType``
    (``grib_to_netcdf``, ``cdo -f nc copy``: :func:`~climann.data.grib_conversions.converted_accumulation`;
    fix46c: ERA5-Land's ``tp`` at 00 UTC so converted was read a day late, exit 0). See ECMWF, "ERA5-Land:
    data documentation" (accumulations from 00 UTC, https://confluence.ecmwf.int/x/3AS2G) and "ERA5: data
    documentation", "Accumulations".

    Parameters
    ----------
    dataset : xarray.Dataset
        As opened.
    names : sequence of str
        The run's target and predictors.
    where : str
        The files, for the message.

    Raises
    ------
    ClimannError
        Naming the variable, the spacing and the bounds to add (or the units of a mean daily total).
    """
    from climann.data.fill_like import time_dimension

    from climann.data.grib_conversions import converted_accumulation, daily_statistics_words

    for name in names:
        if name not in dataset.data_vars:
            continue
        variable = dataset[name]
        dim = time_dimension(variable)
        said = _GRIB_SAID if _accumulated_by_a_forecast_model(variable) else converted_accumulation(
            name_in_file(variable, name), variable.attrs, dataset.attrs, dim or "time")
        if not said:
            continue
        if dim is None or variable.sizes[dim] < 2:
            continue
        if _own_period_bounded(dataset, variable, dim):
            continue
        if _grib_accumulation_cells(variable, dim, "IN.nc OUT.nc", said=said) is None:
            continue
        product = daily_statistics_words(variable.attrs, dataset.attrs, str(variable.encoding.get("source", "")))
        # the file's other variables along time, whose cells bounds on the time change too (break46a A4: mx2t)
        along = [other for other in dataset.data_vars if other != name and dim in dataset[other].dims
                 and source_files(dataset[other])[:1] == source_files(variable)[:1]]
        # the file's other accumulations (ERA5-Land's e beside tp) are over the same forecast steps: the same bounds
        accumulated = {other for other in along if _accumulated_by_a_forecast_model(dataset[other])
                       or converted_accumulation(name_in_file(dataset[other], str(other)), dataset[other].attrs,
                                                 dataset.attrs, dim)}
        others = [name_in_file(dataset[other], str(other)) for other in along if other not in accumulated]
        alike = [name_in_file(dataset[other], str(other)) for other in along if other in accumulated]
        own = variable_where(variable, where)  # its own files, not every file read (break47d A1)
        raise ClimannError(_on_copies(variable, own, lambda files, variable=variable, dim=dim, said=said,
                                      product=product, others=others, alike=alike: (
            f"'{name}' in {own} would be read as the value of each time step, but "
            + _grib_accumulation_cells(variable, dim, files, said=said, product=product, others=others,
                                       alike=alike)),
            name="time_cells_fixed"))
