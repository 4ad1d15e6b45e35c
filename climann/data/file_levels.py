"""A level each file gives its own variables: one file per level of a quantity.

"Predict ta at one model level from the others" starts from one file per level, each with
its own variable: ``cdo -chname,ta,ta2 -sellevel,2 icon.nc ta2.nc`` writes ``ta2(time, height,
lat, lon)`` with ``height`` a dimension of length 1 (2 m), ta1.nc holds ta1 at ``height`` 1 m,
and so on. xarray combines such files along ``height`` (each variable then at four levels,
three of them missing), and climann refused them as files "on different levels", advising
``cdo intlevel``/``cdo sellevel``, which cannot apply to four different variables (break43b A3).
CF says a coordinate of size 1 means exactly what a scalar coordinate does (CF 1.8 §5.7): each
file's level is its variables' own, as ``tas`` at 2 m beside ``uas`` at 10 m have theirs. So a
vertical dimension of size 1 (:func:`~climann.data.levels.is_level`, not a forecast's lead time)
whose value differs between the files holding it, where no variable is held at two of those
values (:func:`own_level_dimensions`), is made a scalar coordinate of each file's variables
before the files are combined, with a note; each variable keeps its own level
(:func:`~climann.data.variables.variable_levels`). A variable held at two levels in two files
is still refused (:mod:`climann.data.level_axes`): its files are on different levels.

The same files written with NCO's ``ncwa -a height`` hold ``height`` as a plain 0-D variable
that no ``coordinates`` attribute names, while the data variable's ``cell_methods`` does
(``"time: mean height: mean"``, as NCO writes it): CF 7.3 names in ``cell_methods`` a dimension
or a scalar coordinate of the variable. They were refused as two fields named ``height`` (after
"neither has a time coordinate", their CDO time ``day as %Y%m%d.%f`` not taken for one), with a
rename to ``height_2`` for every file in turn, the third colliding with the second. Such a 0-D
variable, vertical by its CF attributes (``axis = "Z"``, a vertical ``standard_name``,
``positive``), is read as the scalar coordinate of the variables whose ``cell_methods`` name it,
or, with ``axis = "Z"`` (CF 4: only coordinates have one), of the file
(:func:`with_level_variables_as_coordinates`), as a member label is (:mod:`climann.data.members`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import xarray as xr

from climann.data.cell_methods import parse_cell_methods
from climann.data.coords import named_coordinates
from climann.data.levels import is_level
from climann.data.notes import note_once
from climann.data.variables import data_variable_names

__all__ = ["own_level_dimensions", "with_level_variables_as_coordinates"]

_log = logging.getLogger(__name__)

#: The attributes that say a variable is a vertical coordinate (CF §4.3), as cf_xarray's criteria
#: ``vertical`` and ``Z`` read them; units of pressure alone do not (a 0-D surface pressure is data).
_VERTICAL = {"standard_name": ("air_pressure", "height", "depth", "geopotential_height", "altitude",
                               "height_above_geopotential_datum", "height_above_reference_ellipsoid",
                               "height_above_mean_sea_level", "model_level_number"),
             "positive": ("up", "down"), "axis": ("Z",)}


def _is_vertical(variable: xr.DataArray) -> bool:
    return any(str(variable.attrs.get(key, "")).strip() in values for key, values in _VERTICAL.items())


def with_level_variables_as_coordinates(dataset: xr.Dataset) -> xr.Dataset:
    """``dataset`` with each 0-D data variable that is vertical by its CF attributes and that a
    data variable's ``cell_methods`` names (or whose ``axis`` is ``Z``) made a scalar coordinate,
    listed in the CF ``coordinates`` (kept in ``encoding``) of the variables whose
    ``cell_methods`` name it.

    Parameters
    ----------
    dataset : xarray.Dataset
        One file, as opened; lazy.

    Returns
    -------
    xarray.Dataset
        The same dataset, such variables coordinates; as given when there are none.

    Examples
    --------
    >>> height = ((), 2.0, {"standard_name": "height", "units": "m"})
    >>> ta = (("time",), [280.0], {"cell_methods": "time: mean height: mean"})
    >>> read = with_level_variables_as_coordinates(xr.Dataset({"ta2": ta, "height": height}))
    >>> list(read.data_vars), read["ta2"].encoding["coordinates"]
    (['ta2'], 'height')
    """
    levels = [str(name) for name, variable in dataset.data_vars.items()
              if variable.ndim == 0 and _is_vertical(variable)]
    named = {level: [str(name) for name, variable in dataset.data_vars.items() if name not in levels
                     and any(level in method.names for method in parse_cell_methods(
                         str(variable.attrs.get("cell_methods", ""))))]
             for level in levels}
    levels = [level for level in levels if named[level] or str(dataset[level].attrs.get("axis", "")).strip() == "Z"]
    if not levels:
        return dataset
    read = dataset.set_coords(levels)
    listed = {}
    for level in levels:
        for name in named[level]:
            variable = listed.get(name, read.variables[name].copy(deep=False))
            variable.encoding = {**variable.encoding,
                                 "coordinates": " ".join(dict.fromkeys([*named_coordinates(variable), level]))}
            listed[name] = variable
    return read.assign(listed) if listed else read


def own_level_dimensions(datasets: Sequence[xr.Dataset], labels: Sequence[str]) -> list[str]:
    """The vertical dimensions of size 1 that are each file's own level: held by two or more of
    ``datasets`` with a coordinate of different values (in the same units), no data variable
    held at two of those values, and no lead time (``forecast_period``).

    Parameters
    ----------
    datasets : sequence of xarray.Dataset
        The files, as opened, in the order given.
    labels : sequence of str
        Their names, for the note that says how the levels are read.

    Returns
    -------
    list of str
        The dimensions, to be made scalar coordinates of each file's variables.
    """
    found = []
    for dim in dict.fromkeys(str(dim) for dataset in datasets for dim in dataset.dims):
        holders = [index for index, dataset in enumerate(datasets) if dim in dataset.dims]
        if len(holders) < 2 or not all(_single_level(datasets[index], dim) for index in holders):
            continue
        values = [_value(datasets[index][dim]) for index in holders]
        if len(set(values)) < 2 or len({str(datasets[index][dim].attrs.get("units", "")) for index in holders}) > 1:
            continue
        held: dict[str, set] = {}
        for index, value in zip(holders, values):
            for name in data_variable_names(datasets[index]):  # not the level's bounds, held at each value
                if dim in datasets[index][name].dims:
                    held.setdefault(name, set()).add(value)
        if any(len(levels) > 1 for levels in held.values()):
            continue
        units = str(datasets[holders[0]][dim].attrs.get("units", "")).strip()
        each = ", ".join(f"{labels[index]} {value:g}{f' {units}' if units else ''}"
                         for index, value in zip(holders, values))
        note_once(_log, logging.INFO, (
            f"'{dim}' has one value in each of the files that hold it, a different one in each ({each}), and no "
            "variable is in two of them: each file's level, read as its variables' own (a scalar coordinate), "
            "not one axis to combine them along"), key=(__name__, dim, tuple(values)))
        found.append(dim)
    return found


def _single_level(dataset: xr.Dataset, dim: str) -> bool:
    """Whether ``dim`` has size 1 and a numeric vertical coordinate that is no lead time."""
    if dataset.sizes[dim] != 1 or dim not in dataset.coords:
        return False
    coordinate = dataset[dim]
    return (coordinate.dtype.kind in "iuf" and is_level(coordinate)
            and coordinate.attrs.get("standard_name") != "forecast_period")


def _value(coordinate: xr.DataArray) -> float:
    return float(np.asarray(coordinate.values).ravel()[0])
