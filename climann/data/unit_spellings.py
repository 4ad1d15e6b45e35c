"""The units registry and the spellings it is given: how climann reads a units attribute.

:func:`unit_registry` is cf_xarray's pint registry (UDUNITS spellings) with climann's definitions
(:data:`UNIT_DEFINITIONS`: ``ppbv``, Dobson units, ERA5's ``Degree true``, ``per mil``, ``m w.e.``)
and preprocessors; :func:`readable_units` and :func:`normalised_units` rewrite the spellings real
files use that the registry misreads (``degrees C``, ``psu``, ``1.e-3``, ``~``, ERA5's ``(0 - 1)``).
Kept apart from :mod:`climann.data.units`, which converts values with them, so that modules that
only need to read a units attribute (:mod:`climann.data.circular`: is this an angle?) do not import
the conversions, and the conversions' advice can use them (a direction beside a rate averaged by
its sine and cosine, :mod:`climann.data.direction_regrid`) without an import cycle.
:mod:`climann.data.units` re-exports the public names.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from typing import TYPE_CHECKING

from climann.data.amount_labels import LABEL_DEFINITIONS, labels_as_units
from climann.data.notes import note_once
from climann.data.salinity import PRACTICAL_SALINITY_UNITS

if TYPE_CHECKING:
    import pint

__all__ = ["DIMENSIONLESS_SPELLINGS", "GLUED_PERIOD", "GLUED_PERIOD_POWER", "UNIT_DEFINITIONS", "normalised_units",
           "read_glued_periods", "readable_units", "unit_registry"]

#: The notes said on reading units are the units module's (its logger, as before they moved here).
_log = logging.getLogger("climann.data.units")


#: "degrees C", "deg_C", "Degrees Celsius", "degree K", "Kelvin", the IRI Data Library's
#: "Kelvin_scale", "Celsius_scale", "Fahrenheit_scale", … (any case): the scale.
_TEMPERATURE_SPELLING = re.compile(
    r"(?:deg(?:ree)?s?[\s_]*)?(?P<scale>celsius|celcius|centigrade|kelvin|fahrenheit)(?:_scale)?"
    r"|deg(?:ree)?s?[\s_]*(?P<letter>[ckf])",
    re.IGNORECASE,
)


#: The temperature scale a temperature was measured on, written after its unit: the Argo RG
#: climatology's "degree celcius (ITS-90)" (break44a A8), "degC ITS-90", IPTS-68 in older ocean data.
#: It names the realisation of the scale (ITS-90 and IPTS-68 differ by less than 0.01 K over the
#: ocean's range), not another unit: read as the unit before it, with a note.
_TEMPERATURE_SCALE_NOTE = re.compile(r"\s*[(\[]?\s*\b(?P<scale>i?pts[\s_-]?68|its[\s_-]?90)\s*[)\]]?\s*$",
                                     re.IGNORECASE)


_TEMPERATURE_SCALES = {
    "celsius": "degC", "celcius": "degC", "centigrade": "degC", "c": "degC",
    "kelvin": "K", "k": "K",
    "fahrenheit": "degF", "f": "degF",
}


#: ECMWF's way of saying a depth is of liquid water, after the unit: ERA5's snowfall ``sf`` and
#: snow depth ``sd`` are in "m of water equivalent" (ECMWF parameter database, 228144 and 141).
_WATER_EQUIVALENT_SUFFIX = re.compile(r"\s+(?:of\s+)?water\s+equivalent\s*$", re.IGNORECASE)


#: "Dobson units", "Dobson Unit", "dobson_units" (TOMS, OMI): the Dobson unit, ``DU``
#: (:data:`UNIT_DEFINITIONS`); pint would read the word "units" as a micro-nit, a luminance.
_DOBSON_UNITS = re.compile(r"\bdobson(?:[\s_]+units?)?\b", re.IGNORECASE)


def normalised_units(text: str) -> str:
    """The units string with a spelling of a temperature scale the registry misreads
    (``degrees C``, ``deg C``, ``degrees_C``, ``Degrees Celsius``, ``degree K``, ``Kelvin``, the
    IRI Data Library's ``Kelvin_scale``, ``Celsius_scale``, ``Fahrenheit_scale``) rewritten as
    ``degC``, ``K`` or ``degF`` (also misspelt ``celcius``, and followed by the temperature scale
    the values were measured on, ``degree celcius (ITS-90)``, with a note), "Dobson units" written
    ``DU``, ECMWF's "of water equivalent"
    after a length left out (the
    quantity stays water: :func:`is_water_quantity` reads it in the units attribute); other
    strings stripped of surrounding blanks.

    Examples
    --------
    >>> normalised_units("degrees C"), normalised_units("K"), normalised_units("m of water equivalent")
    ('degC', 'K', 'm')
    """
    stripped = _DOBSON_UNITS.sub("DU", _WATER_EQUIVALENT_SUFFIX.sub("", str(text)).strip())
    scale = _TEMPERATURE_SCALE_NOTE.search(stripped)
    unit = stripped[:scale.start()].strip() if scale is not None else stripped
    match = _TEMPERATURE_SPELLING.fullmatch(unit)
    if match or (scale is not None and unit in ("K", "degC", "degF")):
        symbol = _TEMPERATURE_SCALES[(match.group("scale") or match.group("letter")).lower()] if match else unit
        if scale is not None:
            note_once(_log, logging.INFO, (
                f"units '{stripped}' read as {symbol}: {scale.group('scale')} names the temperature scale the values "
                f"were measured on (ITS-90 and IPTS-68 differ by less than 0.01 K over the ocean's range), not "
                "another unit"), key=(__name__, "temperature scale", stripped.lower()))
        return symbol
    return stripped


#: A number written with a dot before its exponent (``1.e-3``): pint's tokenizer reads it as
#: ``1.`` times the elementary charge ``e`` to the power −3; UDUNITS reads 0.001.
_DOT_BEFORE_EXPONENT = re.compile(r"(?<=\d)\.(?=[eE][+-]?\d)")


#: Spellings of practical salinity (PSS-78) as units, any case: ``psu``, ``PSU``, ESA CCI's ``pss``,
#: ``PSS-78``, ``practical salinity units``. cf_xarray's registry defines ``psu`` as the pure
#: number 1 (35 psu = 35, a thousand times CMIP6's 35 in ``1e-3``), and reads ``PSS-78`` as
#: ``PSS**-78``. The PSS-78 number is on the g/kg scale (S_P = 35 is 35.165 g/kg, TEOS-10's
#: ``gsw_uPS``), so the registry reads them as ``1e-3`` (CF's older table's units of salinity,
#: CMIP6's): 35 psu is 35 in ``1e-3`` and in ``g/kg``, never 35 in ``1``
#: (:mod:`climann.data.salinity` for salinity in ``1``).
_PRACTICAL_SALINITY_SPELLING = re.compile(
    r"(?:psu|pss|practical[\s_]+salinity(?:[\s_]+(?:units?|scale))?)(?:[\s_-]*(?:19)?78)?", re.IGNORECASE)


#: The products' own spellings of a pure number (units ``1``, CF 1.8 §3.1), read as ``1``
#: (compared in lower case): ECMWF's and CAMS's ``~`` (``aod550``, ``tcc`` in GRIB-converted
#: files), MODIS's ``none`` (MOD08 aerosol optical depth and cloud fraction), ``-``, ``unitless``,
#: ``nondimensional``. cf_xarray's registry already reads ``1``, ``dimensionless`` and the
#: empty string, and none of these (break37a B1: a run trained on ``~`` refused data in ``1``).
DIMENSIONLESS_SPELLINGS = frozenset({"~", "-", "none", "unitless", "nondimensional", "non-dimensional"})


#: The range 0 to 1 written as units, a pure number (units ``1``): ERA5's ``(0 - 1)`` of ``lsm``,
#: ``tcc``, ``ci`` and ``siconc`` as the CDS's NetCDF files write them, also ``0-1`` and ``(0-1)``.
#: The registry cannot read them (a scaling factor): a run trained on ERA5's ``tcc`` was only warned,
#: then refused the same variable in ``1`` (rerun37 N1); read as ``1``.
_UNIT_RANGE_SPELLING = re.compile(r"\(?\s*0\s*-\s*1\s*\)?")


#: The time units a count is glued to in a period (any case but as written: ``3h``, ``8day``,
#: ``3hr``, ``6hrs``, ``1d``, ``10min``), longest spelling first.
_PERIOD_UNIT = r"(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|h|days?|d|weeks?|months?|years?|yrs?|s)"

#: A count of a time unit glued to it after a division: MSWEP's ``mm/3h`` and ``mm/6h`` (per 3
#: hours), MOD16A2's ``kg/m^2/8day`` (per 8 days), also ``mm/3 h``. Pint and UDUNITS-2 read a
#: number then a unit as a product after the division, ``mm/3h`` as ``(mm/3) h``, a length times a
#: time, which no file means (fix40o refused it; break54b A3: then trained on unconverted as a
#: "cannot read the units" warning, a daily sum of ``mm/3h`` rates scored as mm/3h with exit 0).
GLUED_PERIOD = re.compile(rf"/\s*(?P<count>\d+)\s*(?P<unit>{_PERIOD_UNIT})\b")

#: The same count glued to its unit with the exponent -1 (``kg m-2 8day-1``, ``mm 3hr-1``: per 8
#: days, per 3 hours), which pint reads as the count times the unit to the -1, 8 per day.
GLUED_PERIOD_POWER = re.compile(rf"(?<![\w.])(?P<count>\d+)(?P<unit>{_PERIOD_UNIT})(?:\^|\*\*)?-1(?![\d.])")


def read_glued_periods(text: str) -> str:
    """``text`` with a period glued to its count (:data:`GLUED_PERIOD`, :data:`GLUED_PERIOD_POWER`)
    written in parentheses, ``/(3 h)``: the rate per that period that MSWEP's ``mm/3h`` and MOD16A2's
    ``kg/m^2/8day`` mean, said once as an INFO note.

    Examples
    --------
    >>> read_glued_periods("mm/3h"), read_glued_periods("kg m-2 8day-1"), read_glued_periods("mm/day")
    ('mm/(3 h)', 'kg m-2 /(8 day)', 'mm/day')
    """
    read = GLUED_PERIOD_POWER.sub(lambda found: f"/({found['count']} {found['unit']})",
                                  GLUED_PERIOD.sub(lambda found: f"/({found['count']} {found['unit']})", text))
    if read != text:
        note_once(_log, logging.INFO, (
            f"units '{text}' read as {read}: a count glued to a time unit after a division (or before -1) is the "
            "period of the rate (UDUNITS would read '/3h' as divided by 3 and times h)"),
            key=(__name__, "glued period", text))
    return read


def readable_units(text: str) -> str:
    """The units string as the registry reads it: :func:`normalised_units`, ``1.e-3``
    written ``1.0e-3`` (:data:`_DOT_BEFORE_EXPONENT`), a period glued to its count (``mm/3h``,
    ``kg/m^2/8day``) as the rate per that period (:func:`read_glued_periods`), a spelling of practical salinity
    (``psu``, ``PSS-78``, :data:`_PRACTICAL_SALINITY_SPELLING`) read on its scale,
    :data:`~climann.data.salinity.PRACTICAL_SALINITY_UNITS`, and a product's spelling of a pure
    number (:data:`DIMENSIONLESS_SPELLINGS`: ``~``, ``none``; ERA5's ``(0 - 1)``,
    :data:`_UNIT_RANGE_SPELLING`) as ``1``.

    Examples
    --------
    >>> readable_units("PSU"), readable_units("PSS-78"), readable_units("1.e-3"), readable_units("~")
    ('1e-3', '1e-3', '1.0e-3', '1')
    """
    normalised = normalised_units(text)
    if normalised.lower() in DIMENSIONLESS_SPELLINGS or _UNIT_RANGE_SPELLING.fullmatch(normalised):
        return "1"
    if _PRACTICAL_SALINITY_SPELLING.fullmatch(normalised):
        return PRACTICAL_SALINITY_UNITS
    return read_glued_periods(_DOT_BEFORE_EXPONENT.sub(".0", normalised))


#: Units that files of atmospheric composition write and the registry lacks, as pint definitions
#: added to it once (:func:`unit_registry`): parts per billion and the "by volume" spellings of
#: NOAA GML, AGAGE and CAMS (``ppbv``, ``ppmv``, ``pptv``) as pure numbers, as pint reads
#: ``ppm`` (so that beside ``mol mol-1`` they follow ``ppm``'s rule,
#: :mod:`climann.data.unit_ratios`); the Dobson unit of total ozone columns (OMI, TOMS):
#: 2.6867e20 molecules per m2, 4.4615e-4 mol m-2 (WMO, "Atmospheric ozone 1985", and NASA's
#: Ozone Watch: 0.01 mm of ozone at 273.15 K and 1013.25 hPa). Degrees clockwise from true north
#: (``degree_true``, ``degrees_true``; ecCodes' ``Degree true`` of ERA5's wave directions ``mwd``,
#: ``mdts``, joined by :func:`_degrees_true`) are degrees: an angle, its reference the direction's own
#: business (:mod:`climann.data.circular`), as cf_xarray reads ``degrees_north`` as degrees.
#: Per mille (‰, 1e-3, pint's ``permille``) as palaeoclimate records write it for isotope ratios
#: (δ18O, δD: NOAA Paleo and LiPD files write ``permil``; ``per mil`` and ``per mille`` are joined
#: by :func:`_per_mille`): read, not "cannot read the units" (break35a A9).
#: Glaciology's water equivalent after a length (``m w.e.``, ``mm w.e. yr-1``, ``mmWE``: WGMS, RACMO,
#: MAR) as that length of liquid water times its density, 1000 kg m-3 by the field's convention
#: (Cogley et al. 2011, Glossary of Glacier Mass Balance: 1 m w.e. = 1000 kg m-2, 1 mm w.e. = 1 kg
#: m-2): ``water_equivalent`` is that density, and :func:`_water_equivalent` writes ``m w.e.`` as
#: ``m water_equivalent``, so that ``m w.e.``, ``mm w.e.`` and ``kg m-2`` convert by pint (break36a
#: A5: a run in ``m w.e.`` could score no other file).
#: UDUNITS-2's ``degree_C`` and ``degree_F`` (and ``degrees_C`` as files
#: write it) as names of ``degC`` and ``degF``: :func:`normalised_units` rewrites them when they are
#: the whole units string, but in a product (``degree_C days``, growing degree days) the registry
#: met them unread ("cannot read the units"), so a thermal-time total in them went unchecked
#: (rerun40 R1); pint then reads the product as a temperature difference times a time.
#: SMAP L3's ``Kelvins`` (``surface_temperature``, ``tb_*``), which pint reads as ``kelvins`` and
#: ``Kelvin`` but not capitalised and plural (break52b: "cannot read the units", no line given).
UNIT_DEFINITIONS = (
    "parts_per_billion = 1e-9 = ppb",
    "ppbv = 1e-9",
    "ppmv = 1e-6",
    "pptv = 1e-12",
    "dobson_unit = 2.6867e20 * molecule / meter ** 2 = DU",
    "@alias degree = degree_true = degrees_true = Degree_true = Degrees_true",
    "@alias permille = permil = permill = per_mil = per_mille",
    "water_equivalent = 1000 * kilogram / meter ** 3",
    "@alias degC = degree_C = degrees_C",
    "@alias degF = degree_F = degrees_F",
    "@alias kelvin = Kelvins",
)


#: A degree spelling followed by the word "true" (ecCodes' ``Degree true``): pint reads a space
#: as a product (``Degree * true``), so :func:`unit_registry` gives its registry a preprocessor,
#: as cf_xarray does for ``%``, that joins the two into the one name defined above.
_DEGREES_TRUE = re.compile(r"\b(degrees?)\s+true\b", re.IGNORECASE)


def _degrees_true(text: str) -> str:
    """``text`` with ``Degree true`` written ``Degree_true`` (a registry preprocessor)."""
    return _DEGREES_TRUE.sub(r"\1_true", text)


#: ``per mil`` and ``per mille`` (pint would read ``per * mil``, ``mil`` a thousandth of an inch).
_PER_MILLE_WORDS = re.compile(r"\bper[\s_-]?(?:mil|mill|mille)\b", re.IGNORECASE)


def _per_mille(text: str) -> str:
    """``text`` with ``per mil`` or ``per mille`` written ``permille`` (a registry preprocessor)."""
    return _PER_MILLE_WORDS.sub("permille", text)


def _water_equivalent(text: str) -> str:
    """``text`` with a length's ``w.e.`` (:data:`_WATER_EQUIVALENT_ABBREVIATION`: ``m w.e.``,
    ``mmWE``) written as that length times ``water_equivalent``, the density of liquid water
    (:data:`UNIT_DEFINITIONS`; a registry preprocessor)."""
    return _WATER_EQUIVALENT_ABBREVIATION.sub(lambda found: f"{found['length']} water_equivalent ", text)


#: A hyphen between two letters: UDUNITS-2's product of the units on either side (its grammar
#: reads ``-``, ``.``, ``*`` and a blank alike between units: ``acre-feet`` is acre times feet,
#: 1233.4868 m3 to libudunits2, as ResOpsUS and USBR write reservoir storage; ``N-m``), where
#: cf_xarray's preprocessor for exponents (``m-2``) made it a power (``acre**-feet``, refused as
#: unreadable: break40a A7). A hyphen before a digit stays an exponent.
_HYPHEN_PRODUCT = re.compile(r"(?<=[A-Za-z])-(?=[A-Za-z])")


#: An exponent after a parenthesis, as UDUNITS-2 writes a power of a group (``kg m-2 (8 day)-1``:
#: per 8 days, 0.125 kg m-2 day-1 to libudunits2), where pint read ``(8 day) - 1``, a subtraction.
#: Only right after the parenthesis: after a blank a number is a factor, ``(8 day) 2`` 16 days.
_PARENTHESIS_POWER = re.compile(r"\)(?=[-+]?\d)")


def _parenthesis_power(text: str) -> str:
    """``text`` with an exponent after a parenthesis written as pint's power, ``)**-1``
    (:data:`_PARENTHESIS_POWER`; a registry preprocessor)."""
    return _PARENTHESIS_POWER.sub(")**", text)


def _hyphen_product(text: str) -> str:
    """``text`` with a hyphen between two units written as a blank, pint's product
    (:data:`_HYPHEN_PRODUCT`; a registry preprocessor, run before cf_xarray's exponents)."""
    return _HYPHEN_PRODUCT.sub(" ", text)


_DEFINING = threading.Lock()


@functools.cache
def unit_registry() -> pint.UnitRegistry:
    """cf_xarray's pint registry, which reads UDUNITS spellings (``degC``, ``kg m-2 s-1``), with
    :data:`UNIT_DEFINITIONS` added to it, and ``Degree true`` read as ``degree_true``
    (:data:`_DEGREES_TRUE`), ``per mil`` as ``permille`` (:func:`_per_mille`), ``m w.e.`` as
    ``m water_equivalent``, 1000 kg m-2 (:func:`_water_equivalent`), and a hyphen between two
    units as their product, as UDUNITS-2 reads it (``acre-feet``, :func:`_hyphen_product`), and an
    exponent after a parenthesis a power of the group (``(8 day)-1``, :func:`_parenthesis_power`),
    and the element or compound written after an amount (``mmol N m-3``) as a label of its own
    dimension, not a newton (:mod:`climann.data.amount_labels`).

    Imported quietly: building it redefines a few of pint's units (``percent``, ``year``,
    ``C`` …) on purpose, and pint logs each as a warning, a dozen lines that a notebook or
    a script with ``logging.basicConfig()`` would print on the first conversion. Once: a
    logger's level set clears the cache of every logger of the process, and the units of
    every variable of every file are read through here (3 084 calls in a fifth of the tests).

    Returns
    -------
    pint.UnitRegistry
        ``cf_xarray.units.units``, one registry for the process (other users of cf_xarray's
        registry in the process see climann's definitions too: they only add units).
    """
    logger = logging.getLogger("pint.util")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        from cf_xarray.units import units
    finally:
        logger.setLevel(level)
    if "pptv" not in units._units:  # once per process; the lock keeps two threads from defining twice
        with _DEFINING:
            if "pptv" not in units._units:
                for definition in (*UNIT_DEFINITIONS, *LABEL_DEFINITIONS):
                    units.define(definition)
                units.preprocessors.insert(1, labels_as_units)  # after cf_xarray's str, before its exponents
                units.preprocessors.insert(2, _hyphen_product)
                units.preprocessors.insert(3, _parenthesis_power)
                units.preprocessors.append(_degrees_true)
                units.preprocessors.append(_per_mille)
                units.preprocessors.append(_water_equivalent)
    return units


#: Glaciology's water equivalent after a length (``mm w.e.``, ``m w.e.``, ``mmWE``, ``mm weq``):
#: a mass per area, the length times the density of water, 1000 kg m-3 (Cogley et al. 2011,
#: Glossary of Glacier Mass Balance: 1 m w.e. = 1000 kg m-2), as :data:`_WATER_EQUIVALENT_MASSES` writes it.
_WATER_EQUIVALENT_ABBREVIATION = re.compile(r"\b(?P<length>mm|cm|m)\s*(?i:w\.?\s?e\.?(?:q\.?)?)(?=[\s/*^]|$)")
