"""A climatology's time axis beside a file's dated series, and climatologies that do not say so.

CERES EBAF (Edition 4.2, "Monthly Averages and 12-Month Climatologies") holds in one file the
monthly series on ``time`` (``toa_sw_all_mon``, ``solar_mon`` …) and their climatologies on
``ctime`` (``toa_sw_all_clim`` …, 12 climatological months, CF §7.4: ``ctime:climatology =
"climatology_bounds"``). A climatology holds no dated steps to train on; the series beside it
do. The variables on the climatology axis are left out as the file is opened, said in one
note line (:func:`without_climatologies_beside_series`), and the file is read as its series:
the defaults never take them, ``climann info`` lists them apart as climatologies, and a run
that names one of them is refused with the variables it can use and the ``ncks -v`` that
writes the series alone (:func:`named_climatology_message`). A file of a climatology alone is
refused for training as before (:mod:`climann.data.time_values`).

A time axis is a climatology when CF §7.4 says so (its ``climatology`` attribute, or a
variable's ``cell_methods`` ``time: mean within years time: mean over years``) and also when
its name or long name do (``ctime``, ``clim_time``; "climatological time": CERES Edition 4.1
and subsets written without the attribute) and its stamps are 12 monthly steps within one
year, with bounds, when it has them, that span years (:func:`unmarked_climatology_said`):
12 such months beside a 24-year series, taken as dated data, were read as the one year they
are stamped in (break39a F1: 274 of 286 months dropped, the climatology a predictor).
Ed4.2 from the subsetting service numbers ``ctime`` 1 … 12 in "months of a climatological year",
no dates: beside a dated series, 12 values on an axis whose name, long name or units say it is
a climatology's are one as well (:func:`undated_climatology_said`; break49a A2: read as an extra
dimension, ``info`` advised ``select = {ctime = 1}``, and January's climatology of the target,
over years that hold the test years, became a default predictor of every month).
"""

from __future__ import annotations

import datetime
import logging
import re
from pathlib import Path
from collections.abc import Mapping, Sequence

import dask
import xarray as xr

from climann.data.coords import CLIMATOLOGY_BOUNDS_NAMES
from climann.data.forecast_times import is_dated
from climann.data.notes import note_once
from climann.data.shell import copy_path, select_command, shown_path
from climann.data.time_values import climatology_attribute_said, is_climatology_method

__all__ = [
    "CLIMATOLOGIES_KEY", "CLIMATOLOGY_TIME_NAMES", "climatology_axes", "long_term_mean_said",
    "named_climatology_message", "undated_climatology_said", "unmarked_climatology_said",
    "without_climatologies_beside_series",
]

_log = logging.getLogger(__name__)

#: Names of time axes that are a climatology's (CERES EBAF's ``ctime``), lower case.
CLIMATOLOGY_TIME_NAMES = frozenset({"ctime", "clim_time", "climatology_time", "time_clim", "climtime"})

#: Names of a dimension of the 12 months of the year (Berkeley Earth's ``month_number`` of its
#: ``climatology(month_number, latitude, longitude)``, lower case): a climatology's months when
#: it holds no values or the months' numbers (:func:`_months_of_year`).
_MONTH_OF_YEAR_NAMES = frozenset({"month_number", "month_of_year", "monthofyear", "moy", "month"})

#: A long name that says the axis is a climatology's ("climatological time").
_CLIMATOLOGICAL = re.compile(r"\bclimatolog", re.IGNORECASE)

#: Where a dataset records the climatologies left out of it (in ``encoding``, never written):
#: {variable: (file, axis, how the file says it is a climatology, steps, {series axis: variables})}.
CLIMATOLOGIES_KEY = "climann_climatologies_left_out"

#: NOAA PSL's words for a long-term mean (``statistic = "Long Term Mean"``, long names "Long Term
#: Mean Monthly Mean of …"), and the years of its ``avg_period`` (``"0030-00-00 00:00:00"``).
_LONG_TERM_MEAN = re.compile(r"\blong[- ]term mean", re.IGNORECASE)
_AVERAGED_YEARS = re.compile(r"\s*(\d{4})-\d{2}-\d{2}")

#: A cell of climatology bounds spans years (CF §7.4: 1990-01-01 to 2020-01-01 for a January
#: mean over 1990-2019); a cell of a month's own mean spans at most 31 days.
_YEAR_DAYS = 365


def unmarked_climatology_said(dataset: xr.Dataset, name: str) -> str | None:
    """How the time axis ``name`` says it is a climatology without CF's ``climatology``
    attribute: 12 monthly steps within one year (distinct months, less than a year from the
    first to the last), with bounds, when it has them, that each span a year or more, and its name
    (:data:`CLIMATOLOGY_TIME_NAMES`), long name ("climatological time") or those bounds say so
    (a month's cell of years, one month after the last's: no series of dates, which were read by
    their cells' middles, January 1961-1990 as July 1975, break51a A6); None otherwise.

    Parameters
    ----------
    dataset : xarray.Dataset
        One file, times decoded.
    name : str
        A dated dimension coordinate of it.
    """
    coordinate = dataset[name]
    long_name = str(coordinate.attrs.get("long_name", ""))
    bounds = str(coordinate.attrs.get("bounds", coordinate.encoding.get("bounds", ""))) or next(
        (str(other) for other, variable in dataset.data_vars.items()  # CF's name of them, no attribute naming them
         if str(other).lower() in CLIMATOLOGY_BOUNDS_NAMES and variable.dims[:1] == (name,)), "")
    stamps = list(coordinate.values)
    cells = None
    if len(stamps) == 12 and bounds in dataset.variables and dataset[bounds].ndim == 2:
        # cell edges, read as the coordinates' bounds are (open._with_bounds_in_memory): metadata, not data
        with dask.config.set(scheduler="synchronous"):
            cells = dataset[bounds].values
    if cells is not None and (cells.size == 0 or not hasattr(cells.flat[0], "calendar")):
        cells = None  # bounds not read as cftime dates (bounds that do not hold their steps stay numbers): none said
    if len(stamps) != 12 or len({stamp.month for stamp in stamps}) != 12:
        return None
    if not all(later > earlier for earlier, later in zip(stamps, stamps[1:])) or _days(stamps[-1] - stamps[0]) >= 365:
        return None
    if cells is not None and not all(_days(end - start) >= _YEAR_DAYS for start, end in cells):
        return None
    if name.lower() in CLIMATOLOGY_TIME_NAMES:
        how = f"its name '{name}'"
    elif _CLIMATOLOGICAL.search(long_name):
        how = f"its long_name '{long_name}'"
    elif cells is not None:  # break51a A6: HadCRUT5's absolute_v5.nc, each month's cell 1961 to 1990
        how = (f"its bounds '{bounds}': each month's cell spans years, {cells[0][0].year:04d} to "
               f"{cells[0][1].year:04d}, as CF §7.4's climatology bounds do")
    elif said := long_term_mean_said(dataset, name):  # break55b A1: PSL's prate.sfc.mon.ltm.nc, year 0001
        how = said
    else:
        return None
    return (f"time '{name}' is a climatology ({how}; 12 monthly steps within one year, "
            f"{stamps[0].year:04d}-{stamps[0].month:02d} to {stamps[-1].year:04d}-{stamps[-1].month:02d})")


def long_term_mean_said(dataset: xr.Dataset, name: str) -> str | None:
    """How NOAA PSL's attributes say the steps on ``name`` are long-term means (PSL's
    ``*.mon.ltm.*.nc``, 12 months stamped in year 1): the time's ``avg_period`` of years
    (``'0030-00-00 00:00:00'``), its ``ltm_range`` or ``climo_period``, a data variable's
    ``statistic`` or ``long_name`` "Long Term Mean" or its ``valid_years``; None when none does.
    (break55b A1: 12 such means over 1991-2005, the test years among them, trained on as year 0001.)

    Parameters
    ----------
    dataset : xarray.Dataset
        One file.
    name : str
        Its time axis.

    Returns
    -------
    str or None
        ``"NOAA PSL's long-term-mean attributes: …"``.
    """
    attrs = dataset[name].attrs
    said = []
    if (years := _AVERAGED_YEARS.match(str(attrs.get("avg_period", "")))) and int(years[1]) > 0:
        said.append(f"avg_period '{attrs['avg_period']}', {int(years[1])} years")
    said += [f"{key} present" for key in ("ltm_range", "climo_period") if key in attrs]
    for variable_name, variable in dataset.data_vars.items():
        if name not in variable.dims:
            continue
        said += [f"'{variable_name}' {key} '{variable.attrs[key]}'" for key in ("statistic", "long_name")
                 if _LONG_TERM_MEAN.search(str(variable.attrs.get(key, "")))]
        if "valid_years" in variable.attrs:
            said.append(f"'{variable_name}' valid_years present")
    if not said:
        return None
    return f"NOAA PSL's long-term-mean attributes: {', '.join(dict.fromkeys(said))}"


def _days(difference: datetime.timedelta) -> float:
    """A difference of two cftime dates in days."""
    return difference.total_seconds() / 86400.0


def undated_climatology_said(dataset: xr.Dataset, name: str) -> str | None:
    """How the dimension ``name``, whose values are no dates, says it is a climatology's 12
    months: its name (:data:`CLIMATOLOGY_TIME_NAMES`), long name ("climatological time") or
    units ("months of a climatological year", CERES EBAF Ed4.2's ``ctime`` of the numbers 1 … 12)
    say so and it has 12 values; None otherwise. (break49a A2: read as an extra dimension, info
    advised ``select = {ctime = 1}``, which paired January's climatology, over years that hold
    the test years, with every month as a default predictor.)

    Parameters
    ----------
    dataset : xarray.Dataset
        One file.
    name : str
        A dimension of it.
    """
    attrs = dataset[name].attrs if name in dataset.variables else {}
    words = {"name": name, "long_name": str(attrs.get("long_name", "")), "units": str(attrs.get("units", ""))}
    said = [f"its {key} '{value}'" for key, value in words.items()
            if (value.lower() in CLIMATOLOGY_TIME_NAMES if key == "name" else _CLIMATOLOGICAL.search(value))]
    if dataset.sizes[name] != 12:
        return None
    if not said and name.lower() in _MONTH_OF_YEAR_NAMES and (numbers := _months_of_year(dataset, name)):
        said = [f"its name '{name}', the 12 calendar months {numbers}"]
    if not said:
        return None
    return f"'{name}' is a climatology's 12 months ({', '.join(said)})"


def _months_of_year(dataset: xr.Dataset, name: str) -> str | None:
    """How the 12 values of the dimension ``name`` number the months (``"without values"``, or
    ``"numbered 1 … 12"`` or ``0 … 11`` in order), None when they do not: Berkeley Earth stores
    none (break51a A4: info advised ``select = {month_number = 0}``, January's climatology at
    every step)."""
    if name not in dataset.variables:
        return "without values"
    values = dataset[name].values
    first = next((first for first in (0, 1) if values.dtype.kind in "iuf"
                  and list(values) == list(range(first, first + 12))), None)
    return None if first is None else f"numbered {first} … {first + 11}"


def climatology_axes(dataset: xr.Dataset, *, undated: bool = False) -> dict[str, tuple[str, int]]:
    """The time axes of ``dataset`` that are climatologies: {axis: (how the file says so, number
    of steps)}, by CF §7.4 (the axis's ``climatology`` attribute, a data variable's
    ``cell_methods`` over years on it) or by :func:`unmarked_climatology_said`; with ``undated``,
    also a dimension of no dates that :func:`undated_climatology_said` says is one.

    Parameters
    ----------
    dataset : xarray.Dataset
        One file, times decoded (a climatology's as its stamps).
    undated : bool, optional
        Whether to take undated axes too (beside a dated series, where they are no time axis
        of the file's own).
    """
    found: dict[str, tuple[str, int]] = {}
    for name in map(str, dataset.dims):
        if undated and name not in dataset.coords and (said := undated_climatology_said(dataset, name)):
            found[name] = (said, dataset.sizes[name])
        if name not in dataset.coords or dataset.variables[name].ndim != 1:
            continue
        coordinate = dataset[name]
        if coordinate.attrs.get("climatology"):
            found[name] = (climatology_attribute_said(name, coordinate.attrs), coordinate.size)
        elif is_dated(coordinate) and (said := unmarked_climatology_said(dataset, name)):
            found[name] = (said, coordinate.size)
        elif undated and not is_dated(coordinate) and (said := undated_climatology_said(dataset, name)):
            found[name] = (said, coordinate.size)
    for variable_name, variable in dataset.variables.items():  # the data variables', no DataArray made
        if variable_name in dataset.coords:
            continue
        dims = tuple(map(str, variable.dims))
        if dims and dims[0] not in found and is_climatology_method(variable.attrs.get("cell_methods"), dims[0]):
            said = f"'{variable_name}' is a climatology (cell_methods = '{variable.attrs['cell_methods']}', CF §7.4)"
            found[dims[0]] = (said, dataset.sizes[dims[0]])
    return found


def _series_axes(dataset: xr.Dataset, climatologies: Mapping[str, object]) -> dict[str, list[str]]:
    """{dated time axis that is no climatology: the data variables on it}, axes no variable lies on left out."""
    axes = [str(name) for name in dataset.dims
            if name in dataset.coords and name not in climatologies and is_dated(dataset[name])]
    on_axis = {axis: [str(name) for name, variable in dataset.data_vars.items() if axis in variable.dims]
               for axis in axes}
    return {axis: names for axis, names in on_axis.items() if names}


def without_climatologies_beside_series(dataset: xr.Dataset, where: str) -> xr.Dataset:
    """``dataset`` without the variables on its climatology axes (:func:`climatology_axes`),
    those axes and their bounds, when a dated series axis beside them carries data variables;
    said in one note line, recorded in ``encoding[CLIMATOLOGIES_KEY]``. A dataset with no
    series beside its climatology, or no climatology, is returned as it is.

    Parameters
    ----------
    dataset : xarray.Dataset
        One file, times decoded (a climatology's as its stamps), lazy.
    where : str
        The file's name, for the note.

    Returns
    -------
    xarray.Dataset
        Lazy.
    """
    climatologies = climatology_axes(dataset, undated=True)
    series = _series_axes(dataset, climatologies)
    if not climatologies or not series:
        return dataset
    source = str(dataset.encoding.get("source") or where)
    left: dict[str, tuple] = {}
    dropped: list[str] = []
    for axis, (said, size) in climatologies.items():
        names = [str(name) for name, variable in dataset.data_vars.items() if axis in variable.dims]
        attrs = dataset[axis].attrs if axis in dataset.variables else {}
        bounds = [str(attrs[key]) for key in ("climatology", "bounds") if str(attrs.get(key)) in dataset.variables]
        dropped += [*names, *bounds, *([axis] if axis in dataset.variables else [])]
        left.update({name: (source, axis, said, size, series) for name in names if name not in bounds})
        listed = "; ".join(f"on '{other}': {', '.join(held)}" for other, held in series.items())
        note_once(_log, logging.WARNING, (
            f"{where}: {', '.join(name for name in names if name not in bounds)} (on '{axis}') left out as "
            f"climatologies: {said}, its {size} steps each a period's mean over years, not dates; the file's series "
            f"are read ({listed})"))
    result = dataset.drop_vars(list(dict.fromkeys(dropped)))
    result.encoding[CLIMATOLOGIES_KEY] = {**dataset.encoding.get(CLIMATOLOGIES_KEY, {}), **left}
    return result


def named_climatology_message(name: str, record: tuple) -> str:
    """One line refusing a run that names ``name``, a variable left out as a climatology
    (:func:`without_climatologies_beside_series`; ``record`` as :data:`CLIMATOLOGIES_KEY`
    holds it): what it is, the series of its file that a run can name, and the ``ncks -v``
    that writes those series alone.

    Parameters
    ----------
    name : str
        The variable the run names (target or predictor).
    record : tuple
        ``(file, axis, said, steps, {series axis: variables})``.

    Returns
    -------
    str
    """
    source, axis, said, size, series = record
    path = shown_path(source)
    first_axis, names = next(iter(series.items()))
    copy = shown_path(copy_path(source, names[0]))
    return (
        f"'{name}' in {Path(source).name} is on '{axis}': {said}: its {size} steps are "
        "climatological periods averaged over years, not dated steps, so it is neither a target nor a predictor; "
        f"the file's series on '{first_axis}' ({', '.join(names)}) are read from it as it is: name those (--target, "
        f"--predictors), or write them alone: `{select_command(names, f'{path} {copy}', suffix=names[0])}`"
    )


def records_of(datasets: Sequence[xr.Dataset]) -> dict[str, tuple]:
    """The climatologies left out of each of ``datasets`` (:data:`CLIMATOLOGIES_KEY`), together."""
    return {name: record for dataset in datasets
            for name, record in dataset.encoding.get(CLIMATOLOGIES_KEY, {}).items()}
