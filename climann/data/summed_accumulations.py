"""Sums over time of ERA5-Land's running totals: ``cdo daysum`` of accumulations from 00 UTC.

ERA5-Land's accumulated fields (``tp``, ``e``, ``ro``, ``ssrd`` …, ``GRIB_stepType = "accum"``) are
at each hour the total from 00 UTC of the day to that hour, the value at 00 UTC the whole day
before's (ECMWF, "ERA5-Land: data documentation", section "Accumulations",
https://confluence.ecmwf.int/x/3AS2G). climann finds them so in hourly files by their values
(:mod:`climann.data.daily_totals`) and refuses them with the line that writes each hour's amount.
A sum of them over a day (``cdo daysum``, ``monsum``, ``timsum`` …) is a sum of 24 running totals,
about 12.5 times the day's amount, and its values no longer show the restart: break54a A1 trained
on such "daily totals" with exit 0. ERA5's own hourly accumulations carry the same GRIB attributes
but are each over the hour before the stamp, and their daily sum is the day's total: the sum is
refused only where the file says ERA5-Land (:func:`era5_land_evidence`: its words, or ERA5-Land's
native 0.1° grid, ERA5's being 0.25°), and never for copies the ERA5-Land line wrote
(:data:`~climann.data.daily_totals.STEP_AMOUNTS_ATTRIBUTE`, each value an hour's amount) or ECMWF's post-processed daily
statistics.

:func:`refuse_summed_running_totals` refuses such a variable in one line naming what was summed
and the two ways to daily totals: the hourly files' own amounts first (climann prints the line
for them), then their sum; or each day's 00 UTC value, the whole day before's total.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import xarray as xr

from climann.data.cell_methods import time_cell_method
from climann.data.daily_totals import STEP_AMOUNTS_ATTRIBUTE
from climann.data.fill_like import time_dimension
from climann.data.sources import source_files, variable_where
from climann.errors import ClimannError

__all__ = ["ERA5_LAND_GRID_DEGREES", "era5_land_evidence", "refuse_summed_running_totals",
           "summed_running_totals"]

#: ERA5-Land's native grid spacing in degrees (ECMWF, "ERA5-Land: data documentation", "Spatial
#: grid": 0.1° x 0.1°); ERA5's single levels are on 0.25° x 0.25°.
ERA5_LAND_GRID_DEGREES = 0.1

#: Words that name ERA5-Land: the CDS's dataset ``reanalysis-era5-land``, file names ``era5land_…``.
_ERA5_LAND_WORDS = re.compile(r"era5[-_ ]?land", re.IGNORECASE)

#: CDO's and NCO's operators that sum values over time (``daysum``, ``monsum``, ``yearsum``,
#: ``seassum``, ``timsum``, ``timselsum``, ``runsum``, ``hoursum``, ``ydaysum`` …; ``ncra -y ttl``).
_SUM_WORDS = re.compile(r"\b(?:y?(?:day|mon|year|seas|hour)|tim|timsel|run|ydrun)sum\b|\bncra\b[^\n]*-y\s*ttl\b",
                        re.IGNORECASE)

#: ERA5's post-processed daily statistics (the CDS's own daily sums, made right by ECMWF).
_DAILY_STATISTICS = re.compile(r"daily[-_ ](?:sum|statistics?)\b|derived-era5-[a-z-]*daily", re.IGNORECASE)


def _grid_spacing_words(dataset: xr.Dataset, variable: xr.DataArray) -> str:
    """ERA5-Land's 0.1° grid where the variable's GRIB increments or its 1-D latitude and longitude
    say it, as words for the message; "" otherwise."""
    increments = [variable.attrs.get(f"GRIB_{axis}DirectionIncrementInDegrees") for axis in "ij"]
    if all(value is not None for value in increments):
        if all(np.isclose(float(value), ERA5_LAND_GRID_DEGREES) for value in increments):
            return f"GRIB_iDirectionIncrementInDegrees = {ERA5_LAND_GRID_DEGREES:g} (ERA5-Land's grid; ERA5's is 0.25°)"
        return ""
    spacings = []
    for name in ("latitude", "longitude", "lat", "lon"):
        if name in dataset.coords and dataset[name].ndim == 1 and dataset[name].size > 1 and name in variable.dims:
            spacings.append(float(np.median(np.abs(np.diff(np.asarray(dataset[name].values, np.float64))))))
    if len(spacings) == 2 and all(np.isclose(spacing, ERA5_LAND_GRID_DEGREES, atol=1e-6) for spacing in spacings):
        return f"its latitude and longitude {ERA5_LAND_GRID_DEGREES:g}° apart (ERA5-Land's grid; ERA5's is 0.25°)"
    return ""


def era5_land_evidence(dataset: xr.Dataset, variable: xr.DataArray) -> str:
    """What says ``variable`` is ERA5-Land's, for a message: the words "ERA5-Land" (or ``era5land``)
    in its attributes, its file's global attributes (``history`` naming the files summed) or its
    files' names, else ERA5-Land's native 0.1° grid (:data:`ERA5_LAND_GRID_DEGREES`: its GRIB
    increments, or its latitude and longitude); "" when nothing does.

    Parameters
    ----------
    dataset : xarray.Dataset
        Holding the variable and its coordinates.
    variable : xarray.DataArray
        The variable.

    Returns
    -------
    str

    Examples
    --------
    >>> import xarray as xr
    >>> era5_land_evidence(xr.Dataset(attrs={"history": "cdo daysum era5land_2021.nc tp.nc"}), xr.DataArray(0.0))
    "the words 'era5land'"
    """
    texts = [*map(str, variable.attrs.values()), *map(str, dataset.attrs.values()), _history(dataset, variable),
             *(str(file).rsplit("/", 1)[-1] for file in source_files(variable))]
    found = next((match.group(0) for text in texts if (match := _ERA5_LAND_WORDS.search(text))), None)
    if found is not None:
        return f"the words '{found}'"
    return _grid_spacing_words(dataset, variable)


def summed_running_totals(dataset: xr.Dataset, name: str) -> str | None:
    """Why ``name`` is a sum over time of ERA5-Land's running totals, for a message; None when not:
    a GRIB accumulation (``GRIB_stepType = "accum"``) whose ``cell_methods`` say a sum over time
    (keyed by its time dimension's name, as ``cdo daysum`` writes it, or ``time``), not a copy of
    each step's amounts (:data:`~climann.data.daily_totals.STEP_AMOUNTS_ATTRIBUTE`) nor ECMWF's
    daily statistics, summed by a tool its file's ``history`` names (``daysum``, ``monsum`` …) or
    over time cells longer than an hour, in a file that says ERA5-Land (:func:`era5_land_evidence`).

    Parameters
    ----------
    dataset : xarray.Dataset
        As opened.
    name : str
        The variable.

    Returns
    -------
    str or None
    """
    variable = dataset[name]
    time = time_dimension(variable)
    attrs = variable.attrs
    if (time is None or str(attrs.get("GRIB_stepType", "")).strip().lower() != "accum"
            or STEP_AMOUNTS_ATTRIBUTE in attrs):
        return None
    method = time_cell_method(str(attrs.get("cell_methods", "")), time)
    if method is None or not re.search(r"\bsum\b", method):
        return None
    history = _history(dataset, variable)
    if any(_DAILY_STATISTICS.search(str(text)) for text in (history, *attrs.values())):
        return None
    summed = _SUM_WORDS.search(history)
    cells = _cell_hours(dataset, time)
    if summed is None and (cells is None or cells <= 1.0):
        return None
    land = era5_land_evidence(dataset, variable)
    if not land:
        return None
    how = f"its history names '{summed.group(0)}'" if summed else f"its time cells are {cells:g} hours long"
    return f"GRIB_stepType 'accum', cell_methods '{attrs['cell_methods']}', {how}, and {land} say ERA5-Land"


def _history(dataset: xr.Dataset, variable: xr.DataArray) -> str:
    """The global ``history`` of the files of ``variable``: the dataset's, else (files whose
    histories differ, which their combination drops) its first file's."""
    if "history" in dataset.attrs or not source_files(variable):
        return str(dataset.attrs.get("history", ""))
    from climann.data.handles import open_file  # every input through its one handle

    try:
        with open_file(source_files(variable)[0], decode_times=False, decode_cf=False) as opened:
            return str(opened.attrs.get("history", ""))
    except (OSError, ValueError):
        return ""


def _cell_hours(dataset: xr.Dataset, time: str) -> float | None:
    """The median length in hours of the time cells of ``time``'s bounds, None without bounds."""
    if time not in dataset.coords:
        return None
    bounds = dataset[time].attrs.get("bounds") or dataset[time].encoding.get("bounds")
    if bounds not in dataset.variables or dataset[bounds].ndim != 2 or dataset[bounds].dtype.kind not in "MO":
        return None
    edges = np.asarray(dataset[bounds].values)
    spans = edges[:, 1] - edges[:, 0]  # timedelta64, or datetime.timedelta of cftime dates
    hours = (spans / np.timedelta64(1, "h") if spans.dtype.kind == "m"
             else np.array([span.total_seconds() / 3600 for span in spans.tolist()]))
    return float(np.median(hours)) if hours.size else None


def refuse_summed_running_totals(dataset: xr.Dataset, names: Sequence[str], *, where: str) -> None:
    """Refuse, as target or predictor, sums over time of ERA5-Land's running totals
    (:func:`summed_running_totals`), in one line naming what was summed and the ways out.

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
        For the first such variable.
    """
    for name in names:
        if name not in dataset.data_vars or (reason := summed_running_totals(dataset, name)) is None:
            continue
        raise ClimannError(
            f"'{name}' in {variable_where(dataset[name], where)} is a sum over time of ERA5-Land's running totals "
            f"({reason}): each hourly value summed was the total from 00 UTC of its day to that hour (the 00 UTC "
            f"value the whole day before's: ECMWF, 'ERA5-Land: data documentation', https://confluence.ecmwf.int/x/"
            f"3AS2G), so a day's sum of them is about 12.5 times the day's amount, not its total; from the hourly "
            f"files, either write each hour's amount first (give the hourly files to climann, which prints the line; "
            f"its copies say they are amounts) and then sum those (e.g. cdo daysum -shifttime,-1hour, each day "
            f"01 UTC to 00 UTC of the next), or take each day's 00 UTC value as the whole day before's total (give "
            f"the hourly files to climann with that selection: cdo selhour,0, and it asks which day each belongs "
            f"to); if these are ERA5's hourly amounts (each over its hour) regridded, not ERA5-Land's, give their "
            f"hourly files, whose values climann reads to tell the two")
