"""Zonal means: data on latitudes whose one longitude stands for every longitude.

A zonal mean ``tas(time, lat)`` (ROM SAF's radio-occultation climatologies, xarray's
``mean("lon")``, CDO's ``zonmean``) is read on a grid of one column once it has a longitude
(the CF scalar coordinate climann advises, :mod:`climann.data.coords`, ``lon = 0``). That
column is no place at longitude 0: a region box (``--region -30,30,100,200``) chooses its
latitudes alone, and its longitudes are left aside with a note (break43b A8: such a box was
refused, "contains no grid cell … longitude 0…0").

The data are a zonal mean when the one longitude says so, by any of: a CF ``cell_methods``
entry over it (``lon: mean``, ``longitude: mean``, CF 1.8 §7.3) on a data variable; CF bounds
of the longitude spanning 360°; the words "zonal mean" (or "zonally averaged", "zonal
average") in its ``long_name`` (climann's advice writes "zonal mean, every longitude"), in a
data variable's, or in the file's ``title``. A column without such a word is a place (a
meridian's transect, a station) and keeps its longitude.
"""

from __future__ import annotations

import re

import numpy as np
import xarray as xr

from climann.data.cell_methods import parse_cell_methods

#: The ``long_name`` climann's advice gives the longitude it adds to a zonal mean.
ZONAL_MEAN_LONG_NAME = "zonal mean, every longitude"

#: Words that say a value is a zonal mean.
_ZONAL_WORDS = re.compile(r"\bzonal(?:ly)?[\s_-]+(?:mean|average[ds]?|averaged)\b", re.IGNORECASE)


def zonal_mean_evidence(dataset: xr.Dataset, longitude: str) -> str | None:
    """What says that ``dataset``, on the one value of ``longitude``, is a zonal mean (see the
    module description), in words for a note; None when it has several longitudes or nothing
    says so.

    Parameters
    ----------
    dataset : xarray.Dataset
        The data, their longitude ``longitude`` found.
    longitude : str
        The longitude coordinate's name.

    Returns
    -------
    str or None
        ``"cell_methods 'lon: mean' of tdry"``, ``"the title …"``, …
    """
    coordinate = dataset[longitude]
    if coordinate.size != 1:
        return None
    for name, variable in dataset.data_vars.items():
        for entry in parse_cell_methods(str(variable.attrs.get("cell_methods", ""))):
            if {longitude, "longitude"} & set(entry.names) and entry.method.split()[0] == "mean":
                return f"cell_methods '{variable.attrs['cell_methods']}' of {name}"
    bounds = str(coordinate.attrs.get("bounds", ""))
    if bounds in dataset.variables:
        values = np.asarray(dataset[bounds].values, dtype=np.float64)
        if values.size and np.nanmax(values) - np.nanmin(values) >= 359.0:
            return f"its bounds {bounds} span every longitude"
    worded = [(f"the long_name of {longitude}", coordinate.attrs.get("long_name")),
              *((f"the long_name of {name}", variable.attrs.get("long_name"))
                for name, variable in dataset.data_vars.items()),
              ("the title", dataset.attrs.get("title"))]
    return next((f"{where}, {str(text)!r}" for where, text in worded if _ZONAL_WORDS.search(str(text or ""))), None)
