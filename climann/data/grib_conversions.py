"""ECMWF accumulations converted from GRIB to NetCDF without their ``GRIB_stepType``: told by the file's history.

cfgrib and the Copernicus Climate Data Store's new NetCDF keep ``GRIB_stepType = "accum"`` on
ERA5's and ERA5-Land's accumulated fields, and climann reads from it that a value stamped once a day
may be the total of the hour before its stamp (ERA5) or of the whole day before it (ERA5-Land, whose
totals run from 00 UTC: its value at 00 UTC is the previous day's total), and refuses such an axis
without bounds (:func:`~climann.data.units.refuse_grib_accumulations`). Other converters leave no such
attribute: the CDS's ``grib_to_netcdf`` (its NetCDF until 2024), ``cdo -f nc copy``, ``ncl_convert2nc``.
ERA5-Land's ``tp`` at 00 UTC converted so was read as the total of the day beginning at its stamp, a
day late against every other variable, with exit 0.

What is left is the file's global ``history`` (CF 2.6.2), which each of them writes
(``… by grib_to_netcdf-2.16.0: grib_to_netcdf -S param -o out.nc in.grib``, ``cdo -f nc copy
in.grib out.nc``), and the parameter: its ECMWF short name, long name (ECMWF parameter database,
https://codes.ecmwf.int/grib/param-db/) or GRIB 1 code of table 128 (CDO's ``code``). The
accumulated ones are those of the ERA5 documentation's tables of accumulations (ECMWF, "ERA5: data
documentation", tables 3 and 4, https://confluence.ecmwf.int/x/Z4tQBQ; ERA5-Land's are the same
parameters): :data:`ACCUMULATED_PARAMETERS`. Both are needed: ``tp`` without a GRIB history may be any
daily total (:func:`~climann.data.time_cells.season_feature_times` warns of its stamps), and ``sd``
(snow depth) converted from GRIB is an instant.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from climann.data.cell_methods import time_cell_method

__all__ = ["ACCUMULATED_PARAMETERS", "DAILY_STATISTICS", "GRIB_HISTORY", "accumulated_short_name",
           "converted_accumulation", "daily_statistics_words", "grib_history_words"]

#: ECMWF's accumulated parameters: short name → (long name, GRIB 1 code of table 128 or None).
ACCUMULATED_PARAMETERS: dict[str, tuple[str, int | None]] = {
    "tp": ("Total precipitation", 228), "cp": ("Convective precipitation", 143),
    "lsp": ("Large-scale precipitation", 142), "sf": ("Snowfall", 144), "csf": ("Convective snowfall", 239),
    "lsf": ("Large-scale snowfall", 240), "e": ("Evaporation", 182), "es": ("Snow evaporation", 44),
    "pev": ("Potential evaporation", None), "smlt": ("Snowmelt", 45), "ro": ("Runoff", 205),
    "sro": ("Surface runoff", 8), "ssro": ("Sub-surface runoff", 9),
    "ssrd": ("Surface solar radiation downwards", 169), "strd": ("Surface thermal radiation downwards", 175),
    "ssr": ("Surface net solar radiation", 176), "str": ("Surface net thermal radiation", 177),
    "tsr": ("Top net solar radiation", 178), "ttr": ("Top net thermal radiation", 179),
    "tisr": ("TOA incident solar radiation", 212), "slhf": ("Surface latent heat flux", 147),
    "sshf": ("Surface sensible heat flux", 146), "fdir": ("Total sky direct solar radiation at surface", None),
    "ssrdc": ("Surface solar radiation downward clear-sky", None),
    "strdc": ("Surface thermal radiation downward clear-sky", None), "bld": ("Boundary layer dissipation", 145),
    "ewss": ("Eastward turbulent surface stress", 180), "nsss": ("Northward turbulent surface stress", 181),
    "gwd": ("Gravity wave dissipation", 197),
}

_LONG_NAMES = {long_name.lower(): short for short, (long_name, _) in ACCUMULATED_PARAMETERS.items()}
_CODES = {code: short for short, (_, code) in ACCUMULATED_PARAMETERS.items() if code is not None}

#: Words of a ``history`` that say the file was converted from GRIB: ECMWF's ``grib_to_netcdf``,
#: cfgrib, or a command naming a GRIB file (``cdo -f nc copy era5land.grib out.nc``).
GRIB_HISTORY = re.compile(r"\bgrib_to_netcdf\b|\bcfgrib\b|\bgrib2?nc\b|\S+\.(?:grib2?|grb2?)\b", re.IGNORECASE)


def grib_history_words(attrs: Mapping[str, object]) -> str:
    """The words of a file's global ``history`` that say it was converted from GRIB
    (:data:`GRIB_HISTORY`), "" when it says nothing so.

    Examples
    --------
    >>> grib_history_words({"history": "2021-05-12 by grib_to_netcdf-2.16.0: grib_to_netcdf -o a.nc b.grib"})
    'grib_to_netcdf'
    >>> grib_history_words({"history": "Sun Dec 06 2026: cdo -f nc copy era5land.grib out.nc"})
    'era5land.grib'
    >>> grib_history_words({"history": "cdo daysum in.nc out.nc"})
    ''
    """
    found = GRIB_HISTORY.search(str(attrs.get("history", "")))
    return "" if found is None else found.group(0)


def converted_accumulation(name: str, attrs: Mapping[str, object], file_attrs: Mapping[str, object],
                           time_name: str = "time") -> str:
    """Why a variable without ``GRIB_stepType`` is an ECMWF accumulation converted from GRIB:
    its file's ``history`` says it was converted (:func:`grib_history_words`) and its short name,
    ``long_name`` or ``code`` (CDO's, of table 128) is one of :data:`ACCUMULATED_PARAMETERS`;
    "" when either is missing or its ``cell_methods`` say what it is over time already.

    Parameters
    ----------
    name : str
        The variable's name in its file.
    attrs : mapping
        Its attributes.
    file_attrs : mapping
        The global attributes of its file.
    time_name : str
        The name of its time dimension (``valid_time`` in the new CDS's files): ``cell_methods``
        over it, or over ``time``, say what the values are over time
        (:func:`~climann.data.cell_methods.time_cell_method`).

    Returns
    -------
    str
        "ECMWF's tp, converted from GRIB without GRIB_stepType: its history names grib_to_netcdf"
        for a message; "" when not so.

    Examples
    --------
    >>> converted_accumulation("tp", {"units": "m"}, {"history": "grib_to_netcdf -o a.nc b.grib"})
    "ECMWF's tp, converted from GRIB without GRIB_stepType: its history names grib_to_netcdf"
    >>> converted_accumulation("sd", {"units": "m"}, {"history": "grib_to_netcdf -o a.nc b.grib"})
    ''
    >>> converted_accumulation("tp", {"units": "m"}, {})
    ''
    >>> converted_accumulation("tp", {"cell_methods": "valid_time: sum"}, {"history": "grib_to_netcdf"}, "valid_time")
    ''
    """
    if "GRIB_stepType" in attrs or time_cell_method(str(attrs.get("cell_methods", "")), time_name) is not None:
        return ""
    words = grib_history_words(file_attrs)
    if not words:
        return ""
    short = accumulated_short_name(name, attrs)
    if short is None:
        return ""
    return f"ECMWF's {short}, converted from GRIB without GRIB_stepType: its history names {words}"


def accumulated_short_name(name: str, attrs: Mapping[str, object]) -> str | None:
    """The short name of the ECMWF accumulated parameter (:data:`ACCUMULATED_PARAMETERS`) a variable
    is by its name, its ``GRIB_shortName``, its ``long_name`` or CDO's ``code`` (of table 128);
    None when it is none of them.

    Examples
    --------
    >>> accumulated_short_name("precip", {"long_name": "Total precipitation"})
    'tp'
    >>> accumulated_short_name("sd", {"units": "m"}) is None
    True
    """
    for short in (name.lower(), str(attrs.get("GRIB_shortName", "")).lower()):
        if short in ACCUMULATED_PARAMETERS:
            return short
    return _LONG_NAMES.get(str(attrs.get("long_name", "")).strip().lower()) or _code_name(attrs)


def _code_name(attrs: Mapping[str, object]) -> str | None:
    """The short name of CDO's ``code`` attribute in table 128 (``table``, when given)."""
    try:
        code, table = int(attrs.get("code")), int(attrs.get("table", 128))
    except (TypeError, ValueError):
        return None
    return _CODES.get(code) if table == 128 else None


#: Words that name ERA5's post-processed daily statistics of the Climate Data Store (the catalogue
#: entries ``derived-era5-single-levels-daily-statistics`` …, their statistics ``daily_mean``,
#: ``daily_maximum``, ``daily_minimum``, ``daily_sum``, computed by earthkit-transforms'
#: ``daily_reduce``): in a file's name, its global attributes or the variable's. Their daily sum
#: stamped D 00 UTC is over D 00–24 UTC, the hourly totals (each over the hour before its stamp)
#: shifted by one hour for it (ECMWF, "ERA5 family post-processed daily statistics documentation",
#: https://confluence.ecmwf.int/display/CKB/ERA5+family+post-processed+daily+statistics+documentation).
DAILY_STATISTICS = re.compile(r"daily[-_ ](?:sum|mean|maximum|minimum|max|min|statistics?)\b|\bdaily_reduce\b|"
                              r"derived-era5-[a-z-]*daily", re.IGNORECASE)


def daily_statistics_words(attrs: Mapping[str, object], file_attrs: Mapping[str, object], source: str = "") -> str:
    """The words that say a variable comes from ERA5's post-processed daily statistics
    (:data:`DAILY_STATISTICS`), in the file's name ``source``, its global attributes
    ``file_attrs`` or the variable's ``attrs``; "" when none does.

    Examples
    --------
    >>> daily_statistics_words({}, {"history": "daily statistic: daily_sum (tp)"})
    'daily statistic'
    >>> daily_statistics_words({}, {}, "tp_stream-oper_daily-sum.nc"), daily_statistics_words({}, {}, "tp.nc")
    ('daily-sum', '')
    """
    texts = [source.rsplit("/", 1)[-1], *map(str, file_attrs.values()), *map(str, attrs.values())]
    return next((found.group(0) for text in texts if (found := DAILY_STATISTICS.search(text))), "")
