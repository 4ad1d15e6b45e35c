"""What a CDO remap of an unstructured grid's file needs written into its copy first.

CDO reads an unstructured grid (``ncol``, ``nCells``) only when each field on it names its
latitude and longitude in a ``coordinates`` attribute (CF conventions section 5); E3SM's EAM
writes ``TREFHT(time, ncol)`` without one, MPAS ``t2m(Time, nCells)`` too, and the advised
``cdo remapdis`` aborted: "Unsupported generic coordinates (Variable: lat)!", then on the static
``area`` (break57a A1). :func:`coordinates_attributes` gives the ``ncatted`` changes that name
them on every variable of the grid's dimension, made in a copy before the remap.

MPAS dates its steps by the text ``xtime(Time, StrLen)`` (``1980-01-15_00:00:00``), which CDO
does not read: the copy's dates were ``0000-00-00``. :func:`text_dates_operators` gives the CDO
operators that write them (``-settaxis`` from the first date, by the regular step), or, for
steps that are not regular, None: the words to say that the dates must be set.
"""

from __future__ import annotations

import cftime
import numpy as np
import xarray as xr

from climann.data.handles import open_netcdf
from climann.data.shell import ncatted_attribute
from climann.data.text_times import text_dates_in

#: CDO's ``settaxis`` increments by the number of seconds they stand for (CDO manual, "settaxis").
_SECOND_STEPS = ((86400, "day"), (3600, "hour"), (60, "minute"), (1, "second"))


def coordinates_attributes(source: str, latitude: str, longitude: str, dim: str) -> list[str]:
    """The ``ncatted`` changes (``-a coordinates,TREFHT,o,c,'lat lon'``, one per variable) that
    name ``latitude`` and ``longitude`` in the ``coordinates`` of every variable of the file
    ``source`` on the unstructured dimension ``dim`` that does not name both (the positions and
    their bounds aside); empty when every one does.

    Parameters
    ----------
    source : str
        The NetCDF file, read for its variables' names, dimensions and attributes (every
        variable, those climann reads and those it does not: CDO reads them all).
    latitude, longitude : str
        The names in the file of the grid's latitude and longitude (1-D on ``dim``).
    dim : str
        The grid's one horizontal dimension.

    Returns
    -------
    list of str
    """
    with open_netcdf(source, decode_times=False, decode_timedelta=False, decode_coords=False,
                     mask_and_scale=False) as opened:
        positions = {latitude, longitude}
        bounds = {str(opened[name].attrs.get("bounds", "")) for name in positions if name in opened.variables}
        changes = []
        for name, variable in opened.variables.items():
            if dim not in variable.dims or name in positions | bounds:
                continue
            if positions <= set(str(variable.attrs.get("coordinates", "")).split()):
                continue
            changes.append(ncatted_attribute("coordinates", str(name), "o", "c", f"{latitude} {longitude}"))
    return changes


def text_dates_operators(dataset: xr.Dataset, dim: str) -> tuple[str, str] | None:
    """The CDO operators that write the dates of a file dated by text (MPAS's ``xtime``,
    ``1980-01-15_00:00:00``) as a CF time axis, and the words that say so; None when the data
    on ``dim`` have no such dates (a CF time, read by CDO).

    Returns
    -------
    tuple of (str, str) or None
        ``("-settunits,days -settaxis,1980-01-15,00:00:00,1month", "...")``; the operators are
        ``""`` when the steps are not regular (the words then say to set the dates).
    """
    for time_dim, dates in text_dates_in(dataset).items():
        if time_dim in dataset.variables or not any(time_dim in variable.dims and dim in variable.dims
                                                     for variable in dataset.data_vars.values()):
            continue  # a CF time axis of its own, or dates of other data
        texts = [value.decode() if isinstance(value, bytes) else str(value)
                 for value in np.asarray(dataset[dates.name].values).reshape(-1)]
        times = [cftime.datetime.strptime(text.strip(), dates.format, calendar=dates.calendar) for text in texts]
        increment = _regular_increment(times)
        if increment is None:
            return "", (f"the dates of '{dates.name}' ({dates.quoted()}) are text, which CDO does not read, and their "
                        "steps are not regular: set the copy's dates (cdo settaxis, or xarray) before giving it")
        first = times[0]
        calendar = "" if dates.calendar == "standard" else f"-setcalendar,{dates.calendar} "
        operators = (f"{calendar}-settunits,days -settaxis,{first.year:04d}-{first.month:02d}-{first.day:02d},"
                     f"{first.hour:02d}:{first.minute:02d}:{first.second:02d},{increment}")
        return operators, (f"the dates of '{dates.name}' ({dates.quoted()}), text that CDO does not read, written as a "
                           "CF time by settaxis")
    return None


def _regular_increment(times: list) -> str | None:
    """CDO's ``settaxis`` increment of the dates ``times`` (``1month``, ``6hour``, ``1day``): a
    whole number of months between the same day and time of each month, or one number of
    seconds; ``1day`` for a single date; None when the steps differ."""
    if len(times) == 1:
        return "1day"
    months = [(later.year - earlier.year) * 12 + later.month - earlier.month
              for earlier, later in zip(times, times[1:])]
    first = (times[0].day, times[0].hour, times[0].minute, times[0].second)
    same_day = all((later.day, later.hour, later.minute, later.second) == first for later in times[1:])
    if same_day and len(set(months)) == 1 and months[0] > 0:
        return f"{months[0]}month"
    seconds = {round((later - earlier).total_seconds()) for earlier, later in zip(times, times[1:])}
    if len(seconds) != 1 or (step := seconds.pop()) <= 0:
        return None
    size, unit = next((size, unit) for size, unit in _SECOND_STEPS if step % size == 0)
    return f"{step // size}{unit}"
