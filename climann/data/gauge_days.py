"""Daily gauge analyses whose day is not the 00–00 UTC day their stamps suggest.

NOAA PSL's copies of CPC's gauge-based daily precipitation (``precip.YYYY.nc``) stamp each day at
00 UTC without time bounds, but the day of the gauges is another:

- the *CPC Unified Gauge-Based Analysis of Daily Precipitation over CONUS* (title as PSL writes it)
  totals the 24 hours from 12 UTC of the day before to 12 UTC of the stamped day (CPC's gauges
  report at 12 UTC). Read at its stamp, as the day beginning there, each value is placed 12 hours
  late: half of its 24 hours fall in the day before of a target whose days run 00–00 UTC. The copy
  that says its day (CF 7.1 time bounds 12 UTC D−1 to 12 UTC D) is advised, written into a new folder;
- *CPC GLOBAL PRCP V1.0* takes each report's own observing day, which differs by region (a local
  morning in one country, 00 or 06 UTC in another): no one pair of bounds is true of every cell.
  Its day is said not to be a 00–00 UTC day, and the way out that exists: pair it at a coarser
  step (monthly totals), where half a day is a small part of each period, or with a target of the
  same gauge days.

The product is known by its ``title`` only (no name is guessed from), and said once per file.
"""

from __future__ import annotations

import logging
import re
import shlex
from pathlib import Path

import xarray as xr

from climann.data.notes import note_once
from climann.data.shell import input_and_copy, one_copy_advice

_log = logging.getLogger("climann")

__all__ = ["CPC_CONUS_TITLE", "CPC_GLOBAL_TITLE", "gauge_day_product", "gauge_days_command", "warn_gauge_days"]

#: The titles NOAA PSL's files of the two CPC products carry (matched without case, as a part of the title).
CPC_CONUS_TITLE = "CPC Unified Gauge-Based Analysis of Daily Precipitation over CONUS"
CPC_GLOBAL_TITLE = "CPC GLOBAL PRCP V1.0"

#: Hours in one unit of a CF time (``hours since …``), for the bounds' half day in the file's own units.
_HOURS_IN = {"day": 24.0, "days": 24.0, "hour": 1.0, "hours": 1.0, "minute": 1 / 60, "minutes": 1 / 60,
             "second": 1 / 3600, "seconds": 1 / 3600}


def gauge_day_product(dataset: xr.Dataset) -> str | None:
    """``"conus"`` or ``"global"`` for a file of the CPC product its ``title`` names
    (:data:`CPC_CONUS_TITLE`, :data:`CPC_GLOBAL_TITLE`), else None."""
    title = str(dataset.attrs.get("title", "")).lower()
    if CPC_CONUS_TITLE.lower() in title:
        return "conus"
    if CPC_GLOBAL_TITLE.lower() in title:
        return "global"
    return None


def gauge_days_command(files: str, time: str, units: str) -> str | None:
    """The line that writes a copy of the file of ``files`` (``IN OUT``,
    :func:`~climann.data.shell.input_and_copy`) into a new folder ``gauge_days`` beside it
    (:func:`~climann.data.shell.one_copy_advice`), its ``time`` given CF bounds (section 7.1) from
    12 hours before each stamp to 12 hours after it (12 UTC D−1 to 12 UTC D for a stamp at D 00 UTC),
    in the time's own ``units``; None when they are no ``UNIT since …``.

    Examples
    --------
    >>> gauge_days_command("IN.nc OUT.nc", "time", "hours since 1900-01-01 00:00:00")[:60]
    'ncap2 -s \\'defdim("nbnds",2);time_bnds[$time,$nbnds]=0.0;time'
    """
    unit = re.match(r"\s*(\w+)\s+since\s", units)
    if unit is None or unit.group(1).lower() not in _HOURS_IN:
        return None
    half = f"{12 / _HOURS_IN[unit.group(1).lower()]:g}"
    bounds = f"{time}_bnds"
    script = (f'defdim("nbnds",2);{bounds}[${time},$nbnds]=0.0;{bounds}(:,0)={time}-{half};'
              f'{bounds}(:,1)={time}+{half};{time}@bounds="{bounds}"')
    return one_copy_advice(lambda pair: f"ncap2 -s {shlex.quote(script)} {pair}", files, "gauge_days")


def warn_gauge_days(dataset: xr.Dataset, path: Path, time: str = "time") -> None:
    """One warning for a file of a CPC gauge product (:func:`gauge_day_product`) whose ``time``
    has no bounds: the CONUS analysis with the line that writes its 12–12 UTC days as bounds
    (:func:`gauge_days_command`), the global one with why no bounds are true of every cell and
    the way out. Nothing for other files, or when the time has bounds (they say its day)."""
    product = gauge_day_product(dataset)
    if product is None or time not in dataset.coords or "bounds" in dataset[time].attrs \
            or "bounds" in dataset[time].encoding:
        return
    if product == "conus":
        units = str(dataset[time].encoding.get("units", ""))
        command = gauge_days_command(input_and_copy(path), time, units)
        way = (f"; {command}" if command is not None else
               "; give its time CF bounds (7.1) from 12 hours before each stamp to 12 hours after it")
        note_once(_log, logging.WARNING,
                  f"{path.name} is CPC's Unified Gauge-Based Analysis of Daily Precipitation over CONUS (its title), "
                  f"whose day is the 24 hours from 12 UTC of the day before to 12 UTC of the day stamped, but "
                  f"'{time}' is stamped at 00 UTC without bounds: read as the day beginning at its stamp, each value "
                  f"is placed 12 hours late: half of its 24 hours fall in the day before of a target whose days run "
                  f"00–00 UTC; give a copy whose bounds say its day{way}", by_file=True)
        return
    note_once(_log, logging.WARNING,
              f"{path.name} is CPC's global gauge-based daily precipitation (title {CPC_GLOBAL_TITLE!r}), whose day "
              f"is each gauge report's own observing day, which differs by region, not a 00–00 UTC day: '{time}' "
              f"stamped at 00 UTC without bounds is read as the day beginning there, and paired with a daily target "
              f"of 00–00 UTC days each value mixes two of its days; no one time bounds are true of every cell, so "
              f"none are advised: pair it at a coarser step (e.g. monthly totals, cdo monsum, and a monthly "
              f"target), where part of a day is a small part of each period, or with a target of the same gauge "
              f"days", by_file=True)
