"""ECMWF's monthly means, whose own GRIB metadata say which month each value is of.

A monthly mean stamped on the 1st at 00:00 without time bounds may be the mean of the month it
opens (ERA5, CDO's ``monmean`` followed by ``setday,1``) or of the month it closes (CESM history
files); nothing in most files tells which, and beside a file whose months are known climann
refuses to guess (:func:`climann.data.step_periods.unknown_periods_refusal`). ERA5's monthly
means from the new CDS say it themselves: cfgrib writes the GRIB keys of each field into the
NetCDF file, the producing centre ``GRIB_centre = "ecmf"`` (ECMWF) and each variable's
``GRIB_stepType`` an average (:data:`MONTHLY_MEAN_STEP_TYPES`: ``avgua`` for analyses such as
``t2m``, ``avgad`` and ``avgid`` for forecast accumulations and fluxes such as ``tp``), and
ECMWF's monthly means (MARS stream ``moda``) are dated by the first day of the month they
average. Such a file is read so, alone and beside files with bounds alike: its time gets the
bounds of the month beginning at each stamp, as ``cdo settbounds,month`` writes them
(:func:`with_stated_month_cells`), and one warning line says so (break28a A3: beside a
CMIP-style file with ``time_bnds`` it was refused as ambiguous and told to use cdo, while
read alone as opening its months).

Only files that say all of it: ECMWF's centre, an average step type on every time-varying
variable, stamps on the 1st at 00:00, one month apart. ERA5's monthly means by hour of day
(stream ``mnth``, 24 stamps per month) and a file whose attributes were lost keep the refusal.
"""

from __future__ import annotations

import logging

import cftime
import numpy as np
import xarray as xr

from climann.data.cell_bounds import with_made_time_bounds
from climann.data.coords import time_coordinate
from climann.data.notes import note_once
from climann.data.step_periods import frequency_of, period_start
from climann.data.time_axis import month_number, month_start

__all__ = ["MONTHLY_MEAN_STEP_TYPES", "with_stated_month_cells"]

_log = logging.getLogger(__name__)

#: cfgrib's ``GRIB_stepType`` of ECMWF's monthly means (ecCodes' step types of averages over the
#: month: of analyses, ``avgua``; of daily forecast accumulations, ``avgad`` and ``avgid``).
MONTHLY_MEAN_STEP_TYPES = frozenset({"avgua", "avgad", "avgid"})


def _says_monthly_means(dataset: xr.Dataset, time: str) -> list[str]:
    """The time-varying data variables of a file whose GRIB attributes say they are ECMWF's
    monthly means (see the module's rules); empty when any of them does not say so."""
    if str(dataset.attrs.get("GRIB_centre", "")).strip() != "ecmf":
        return []
    varying = [str(name) for name, variable in dataset.data_vars.items() if time in variable.dims]
    said = [name for name in varying
            if str(dataset[name].attrs.get("GRIB_stepType", "")).strip() in MONTHLY_MEAN_STEP_TYPES]
    return said if said and said == varying else []


def _next_month(stamp: cftime.datetime) -> cftime.datetime:
    """The first instant of the month after ``stamp``'s, in its calendar."""
    return month_start(month_number(stamp) + 1, stamp)


def with_stated_month_cells(dataset: xr.Dataset, where: str) -> xr.Dataset:
    """``dataset`` whose time, stamped on the 1st at 00:00 without bounds, gets the bounds of the
    month beginning at each stamp when its GRIB attributes say it holds ECMWF's monthly means
    (see the module's rules), with one warning naming ``where``; else as it is.

    Parameters
    ----------
    dataset : xarray.Dataset
        One file as opened, its time decoded to cftime and on its own dimension.
    where : str
        The file's name, for the warning.

    Returns
    -------
    xarray.Dataset
        With a bounds variable ``<time>_bnds`` (cftime dates, shape (n_time, 2)) named by the
        time's ``bounds`` attribute (CF 1.8 section 7.1), as ``cdo settbounds,month`` writes it.
    """
    time = time_coordinate(dataset)
    if time is None or "bounds" in dataset[time].attrs or dataset[time].dims != (time,):
        return dataset
    stamps = np.asarray(dataset[time].values)
    if stamps.size < 2 or not isinstance(stamps[0], cftime.datetime):
        return dataset
    if any(stamp != period_start(stamp, "monthly") for stamp in stamps) or frequency_of(np.sort(stamps)) != "monthly":
        return dataset
    said = _says_monthly_means(dataset, time)
    if not said:
        return dataset
    bounds = np.array([[stamp, _next_month(stamp)] for stamp in stamps], dtype=object)
    types = ", ".join(sorted({str(dataset[variable].attrs["GRIB_stepType"]).strip() for variable in said}))
    dataset, per_day = _per_day(dataset, said)
    daily = (f"; {', '.join(f'{name} ({was} → {now})' for name, (was, now) in per_day.items())} "
             f"{'are' if len(per_day) > 1 else 'is'} the mean of the month's daily totals (GRIB_stepType avgad, "
             f"avgid), in units per day as ECMWF states them (\"Conversion table for accumulated variables\": "
             f"monthly averaged accumulations 'have been scaled to have units that include per day'), not a "
             f"month's total" if per_day else "")
    note_once(_log, logging.WARNING, (
        f"{where}: {', '.join(said)} stamped on the 1st at 00:00 without time bounds are ECMWF's monthly means by "
        f"the file's GRIB attributes (GRIB_centre ecmf, GRIB_stepType {types}): each value is read as the mean of "
        f"the month beginning at its stamp, as ECMWF dates them{daily}"))
    return with_made_time_bounds(dataset, time, bounds)


#: ecCodes' step types of monthly means of daily forecast accumulations (ERA5's and ERA5-Land's
#: "monthly averaged reanalysis" ``tp``, ``ssrd`` …): each value a mean daily total.
DAILY_TOTAL_MEAN_STEP_TYPES = frozenset({"avgad", "avgid"})


def _per_day(dataset: xr.Dataset, said: list[str]) -> tuple[xr.Dataset, dict[str, tuple[str, str]]]:
    """``dataset`` whose monthly means of daily accumulations (:data:`DAILY_TOTAL_MEAN_STEP_TYPES`)
    in units of an amount (``m``, ``J m**-2``: no time in them) say per day (``m day-1``), and each
    changed variable's units before and after. ECMWF, "Conversion table for accumulated variables
    (total precipitation/fluxes)" (https://confluence.ecmwf.int/pages/viewpage.action?pageId=197702790):
    in ERA5's and ERA5-Land's monthly averaged reanalysis "the accumulations in monthly means of daily
    means have been scaled to have units that include 'per day'", though the files say ``m`` (break45b
    A6: RMSE "in m" of mean daily totals, 0.83 mm a day read as a month's)."""
    from climann.data.units import is_rate

    changed: dict[str, tuple[str, str]] = {}
    for name in said:
        variable = dataset[name]
        units = str(variable.attrs.get("units", "")).strip()
        if (str(variable.attrs.get("GRIB_stepType", "")).strip() not in DAILY_TOTAL_MEAN_STEP_TYPES or not units
                or units in ("1", "-", "~") or is_rate(units) or "day" in units.split()):
            continue
        changed[name] = (units, f"{units} day-1")
    if not changed:
        return dataset, changed
    dataset = dataset.assign({name: dataset[name].assign_attrs(units=now) for name, (_, now) in changed.items()})
    return dataset, changed
