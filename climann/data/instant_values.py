"""Whether a variable's values are instants: the one rule, read from its attributes.

A value at an instant (ERA5's 00 UTC analysis of ``t2m``) has no time cell: it is never given a
period's bounds, and beside a daily statistic which instant goes with each day is a choice
(:mod:`climann.data.day_instants`). Its attributes say so in three ways: ecCodes' GRIB
``stepType`` ``instant`` (as cfgrib writes it, ``GRIB_stepType``), a CF cell method ``time:
point`` (CF 1.8 section 7.3, "Cell methods": "point: the data values are representative of
points in space or time (instantaneous)"), or a field of WRF's history output. Nothing here
imports another module of climann: the data layer's modules that read files
(:mod:`climann.data.step_periods`) and those that date forecasts
(:mod:`climann.data.forecast_times`) share the rule without an import cycle.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

#: A CF cell method of values at instants (CF 1.8 section 7.3).
_POINT = re.compile(r"\btime:\s*point\b")

#: Words of a WRF ``description`` that say a value is no snapshot: a total (``ACCUMULATED TOTAL GRID
#: SCALE PRECIPITATION``, ``TIME-STEP CUMULUS PRECIPITATION``, the ``prec_acc_dt`` windows) or a
#: statistic over the output interval (the ``wrfxtrm`` diagnostics ``MAX TEMP AT 2 M``, ``MEAN …``).
_WRF_NOT_SNAPSHOT = re.compile(
    r"\b(?:accumulated|accumulation|time-step|over|during|mean|average|averaged|max|maximum|min|minimum|std|"
    r"standard deviation|sum|total|bucket)\b", re.IGNORECASE)

#: WRF's names of totals and output-interval statistics whose ``description`` may not say so
#: (``SFROFF`` "SURFACE RUNOFF", a total since the start; ``T2MAX``; the ``AC…`` fluxes).
_WRF_NOT_SNAPSHOT_NAME = re.compile(r"^(?:AC|I_)|(?:MEAN|MAX|MIN|STD)$|^(?:SFROFF|UDROFF|RAINNC|RAINC|RAINSH|"
                                    r"SNOWNC|GRAUPELNC|HAILNC|RAINNCV|RAINCV|SNOWNCV|GRAUPELNCV|HAILNCV)$")


def is_wrf_snapshot(name: str, attrs: Mapping[str, object]) -> bool:
    """Whether a variable is a field of WRF's history output (``wrfout``: its I/O API attribute
    ``MemoryOrder`` beside a ``description``), which WRF writes as it is at each output time (WRF
    User's Guide, "Output fields": history output is instantaneous), and not one of its totals or
    output-interval statistics (:data:`_WRF_NOT_SNAPSHOT`, :data:`_WRF_NOT_SNAPSHOT_NAME`).

    Parameters
    ----------
    name : str
        The variable's name.
    attrs : mapping
        Its attributes.

    Returns
    -------
    bool

    Examples
    --------
    >>> is_wrf_snapshot("T2", {"MemoryOrder": "XY ", "description": "TEMP at 2 M"})
    True
    >>> is_wrf_snapshot("RAINNC", {"MemoryOrder": "XY ", "description": "ACCUMULATED TOTAL GRID SCALE PRECIPITATION"})
    False
    >>> is_wrf_snapshot("T2", {"description": "TEMP at 2 M"})  # no WRF I/O attribute: nothing known
    False
    """
    description = attrs.get("description")
    if "MemoryOrder" not in attrs or not isinstance(description, str) or not description.strip():
        return False
    return not (_WRF_NOT_SNAPSHOT.search(description) or _WRF_NOT_SNAPSHOT_NAME.search(str(name).upper()))


def holds_instants(attrs: Mapping[str, object], name: str = "") -> bool:
    """Whether a variable's attributes say its values are instantaneous: GRIB ``stepType``
    ``instant`` (ecCodes, as cfgrib writes it), a CF cell method ``time: point`` (CF 7.3), or a
    snapshot of WRF's history output (:func:`is_wrf_snapshot`: ``T2`` at 00:00 of daily ``wrfout``
    files is the temperature at midnight, no daily mean); False when they say nothing (a value
    without any of them may be a mean).

    Parameters
    ----------
    attrs : mapping
        The variable's attributes (decoded or raw: only strings are read).
    name : str, optional
        Its name, for WRF's names of totals.

    Returns
    -------
    bool

    Examples
    --------
    >>> holds_instants({"cell_methods": "time: point"}), holds_instants({"GRIB_stepType": "accum"})
    (True, False)
    """
    step_type = str(attrs.get("GRIB_stepType", "")).strip().lower()
    return step_type == "instant" or bool(_POINT.search(str(attrs.get("cell_methods", "")))) \
        or is_wrf_snapshot(name, attrs)
