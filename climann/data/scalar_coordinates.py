"""A latitude or longitude given as a single value (a CF scalar coordinate) read as a grid axis
of length 1.

A station series, or one cell cut out of a grid (``ncks -d lat,10 -d lon,5``, xarray's
``isel(lat=10, lon=5)``), holds ``tas(time)`` with ``lat`` and ``lon`` as *scalar coordinate
variables*: no dimension, one value, named in the variable's ``coordinates`` attribute (CF
conventions 1.8 §5.7; §9.2 writes a single time series so, its instance variables scalar
coordinates). CF says they mean exactly what a coordinate of size 1 means. climann works on grids
(time, latitude, longitude), so each scalar latitude or longitude becomes a dimension of
length 1 of the data variables when a file is opened: the station trains, predicts and is
scored exactly as the same data written with 1-long ``lat`` and ``lon`` dimensions would be
(one cell, a 1×1 grid; a scalar latitude beside a 1-D longitude is a 1×n grid).

A scalar *time* is read the same way (:func:`with_scalar_time_as_axis`): one map per file,
``sst(lat, lon)`` with ``time`` a scalar coordinate (what xarray's ``ds.isel(time=i).to_netcdf()``
or NCO's ``ncwa -a time`` writes, and how some Level-3 products ship one month per file), is a
time axis of length 1, so that such files combine into a series as files of one step each do.
"""

from __future__ import annotations

import xarray as xr

from climann.data.coordinate_values import geographic_kind
from climann.data.coords import find_coordinate, scalar_coordinate, time_coordinate, with_0d_coordinates
from climann.data.variables import data_variable_names
from climann.errors import ClimannError

#: The order of the grid axes in each data variable, after any other dimension (CF §2.4's
#: T, Z, Y, X order).
_GRID_ORDER = ("latitude", "longitude")


def scalar_grid_coordinates(dataset: xr.Dataset) -> dict[str, str]:
    """The scalar latitude and longitude that stand for grid axes: kind → name.

    A kind is there only when the dataset has no 1-D or 2-D coordinate of that kind
    (:func:`~climann.data.coords.find_coordinate` finds none) and a scalar one is found by the
    same CF attributes (:func:`~climann.data.coords.scalar_coordinate`).

    Raises
    ------
    ClimannError
        If several scalar coordinates are equally good for one kind.
    """
    found = {}
    for kind in _GRID_ORDER:
        try:
            find_coordinate(dataset, kind)
            continue
        except ClimannError:
            name = scalar_coordinate(dataset, kind)
        if name is not None:
            found[kind] = name
    return found


#: The vertices of the CF bounds of a 1-D axis (CF conventions 1.8 §7.1: a cell of one axis is an
#: interval); a scalar latitude's bounds of 4 vertices are the corners of a cell of a 2-D grid.
_AXIS_VERTICES = 2


def _as_axis(dataset: xr.Dataset, name: str) -> xr.Dataset:
    """The scalar coordinate ``name`` made its own dimension of length 1, with its CF bounds
    (shape (2,) → (1, 2)), on no variable yet.

    Bounds of another number of vertices are the corners of one cell cut out of a curvilinear
    grid (CMIP6's ``vertices_latitude(j, i, vertices)`` after ``--select j=5 --select i=3``):
    the cell's latitude and longitude are then not intervals of two axes, so the coordinate
    loses its ``bounds`` attribute and the corners are dropped (a grid of one cell weighs its
    one cell whatever its area); break47a A4: they were kept as ``(1, 4)`` bounds of a 1-D axis,
    and ``predictions.nc`` could not be written (their dimension beside the time bounds')."""
    bounds = str(dataset[name].attrs.get("bounds", ""))
    if bounds in dataset.variables and dataset[bounds].shape != (_AXIS_VERTICES,):
        coordinate = dataset[name].variable.copy(deep=False)
        coordinate.attrs = {key: value for key, value in coordinate.attrs.items() if key != "bounds"}
        corners = [bounds] if dataset[bounds].ndim == 1 else []
        dataset = dataset.drop_vars(corners).assign_coords({name: coordinate})
    axis = {name: dataset[name].variable.set_dims({name: 1})}
    if bounds in dataset.variables and dataset[bounds].ndim == 1:
        variable = dataset[bounds].variable
        axis[bounds] = variable.set_dims({name: 1, **variable.sizes})
    coords = {key: value for key, value in axis.items() if key in dataset.coords or key == name}
    data = {key: value for key, value in axis.items() if key not in coords}
    return dataset.drop_vars(list(axis)).assign_coords(coords).assign(data)


def with_scalar_coordinates_as_axes(dataset: xr.Dataset) -> xr.Dataset:
    """``dataset`` with its scalar latitude and longitude (see :func:`scalar_grid_coordinates`)
    made dimensions of length 1 of its data variables.

    Each data variable that can be a feature (:func:`~climann.data.variables.data_variable_names`:
    not a bounds, grid-mapping or text variable) gets the new dimensions last, latitude before
    longitude (CF §2.4's T, Z, Y, X order): ``tas(time)`` with scalar ``lat``, ``lon`` becomes
    ``tas(time, lat, lon)`` of shape (n_time, 1, 1). The coordinates' own CF bounds, shape
    (2,), become shape (1, 2). Lazy: nothing is read.

    Parameters
    ----------
    dataset : xarray.Dataset
        One opened file (not modified).

    Returns
    -------
    xarray.Dataset
        The same dataset when it has no such scalar coordinate.

    Raises
    ------
    ClimannError
        If several scalar coordinates are equally good for one kind.

    Examples
    --------
    >>> station = xr.Dataset(
    ...     {"tas": ("time", [280.0, 281.0])},
    ...     coords={"lat": ((), 52.5, {"standard_name": "latitude"}),
    ...             "lon": ((), 13.4, {"standard_name": "longitude"})})
    >>> with_scalar_coordinates_as_axes(station)["tas"].dims
    ('time', 'lat', 'lon')
    """
    if all(variable.ndim for variable in dataset.variables.values()):
        return dataset  # nothing scalar: the usual gridded file, at no cost
    dataset = with_0d_coordinates(dataset)
    scalars = scalar_grid_coordinates(dataset)
    if not scalars:
        return dataset
    fields = data_variable_names(dataset)
    expanded = dataset
    for name in scalars.values():
        expanded = _as_axis(expanded, name)
    grid_dims = [scalars[kind] if kind in scalars else _grid_dimension(dataset, kind) for kind in _GRID_ORDER]
    placed = {}
    for field in fields:
        variable = expanded[field].variable
        variable = variable.set_dims({**{name: 1 for name in scalars.values()}, **variable.sizes})
        last = [dim for dim in grid_dims if dim in variable.dims]
        placed[field] = variable.transpose(*[dim for dim in variable.dims if dim not in last], *last)
    return expanded.assign(placed)


def with_scalar_time_as_axis(dataset: xr.Dataset) -> xr.Dataset:
    """``dataset`` with a scalar time coordinate (CF conventions 1.8 §5.7: one value, no
    dimension) made a time dimension of length 1, first, of the data variables it belongs to.

    Only when the dataset has no 1-D time coordinate. A 0-D data variable with ``standard_name
    = "time"`` or ``axis = "T"`` is such a coordinate too. The time belongs to the data variables
    whose ``coordinates`` attribute names it (CF §5.7); when none names it (NCO's ``ncwa``
    leaves no such attribute), to every data variable that can be a feature
    (:func:`~climann.data.variables.data_variable_names`) except a latitude or longitude
    (:func:`~climann.data.coordinate_values.geographic_kind`). Its CF bounds, shape (2,), become
    shape (1, 2). ``sst(lat, lon)`` of shape (n_lat, n_lon) becomes ``sst(time, lat, lon)`` of
    shape (1, n_lat, n_lon): one step, exactly as the same map written with a ``time``
    dimension. Lazy: nothing is read.

    Parameters
    ----------
    dataset : xarray.Dataset
        One opened file, its times decoded (not modified).

    Returns
    -------
    xarray.Dataset
        The same dataset when it has a 1-D time coordinate or no scalar one.

    Raises
    ------
    ClimannError
        If several scalar coordinates are equally good as the time.

    Examples
    --------
    >>> import numpy as np
    >>> one_month = xr.Dataset(
    ...     {"sst": (("lat", "lon"), [[290.0, 291.0]])},
    ...     coords={"lat": [0.0], "lon": [0.0, 1.0],
    ...             "time": ((), np.datetime64("2003-01-16"), {"standard_name": "time"})})
    >>> with_scalar_time_as_axis(one_month)["sst"].dims
    ('time', 'lat', 'lon')
    """
    if all(variable.ndim for variable in dataset.variables.values()):
        return dataset  # nothing scalar: the usual file, at no cost
    if time_coordinate(dataset) is not None:
        return dataset
    dataset = _with_0d_times_as_coordinates(dataset)
    if (name := scalar_coordinate(dataset, "time")) is None:
        return dataset
    # a latitude or longitude left a data variable (MODIS MOD08's Latitude(YDim), taken as its
    # dimension's axis later) is the grid's, not a field of that date: given the time, it was
    # stacked along it and the grid no longer read (break34a A3)
    fields = [field for field in data_variable_names(dataset) if geographic_kind(field, dataset[field]) is None]
    naming = [field for field in fields if name in _coordinates_named(dataset[field])]
    expanded = _as_axis(dataset, name)
    placed = {field: expanded[field].variable.set_dims({name: 1, **expanded[field].sizes})
              for field in (naming or fields) if field != name}
    return expanded.assign(placed)


def _with_0d_times_as_coordinates(dataset: xr.Dataset) -> xr.Dataset:
    """``dataset`` with its 0-D data variables that say they are the time (CF ``standard_name =
    "time"`` or ``axis = "T"``) made coordinates: a time that no ``coordinates`` attribute
    names (NCO's ``ncwa -a time``, or one added with ``ncap2 -s 'time=0.0;…'``) is still the
    file's scalar time, never a feature."""
    names = [name for name, variable in dataset.data_vars.items() if variable.ndim == 0 and (
        variable.attrs.get("standard_name") == "time" or str(variable.attrs.get("axis", "")).upper() == "T")]
    return dataset.set_coords(names) if names else dataset


def _coordinates_named(variable: xr.DataArray) -> list[str]:
    """The names in a variable's CF ``coordinates`` attribute (moved to its encoding when decoded)."""
    return str(variable.encoding.get("coordinates", variable.attrs.get("coordinates", ""))).split()


def _grid_dimension(dataset: xr.Dataset, kind: str) -> str | None:
    """The dimension of the 1-D coordinate of ``kind``, or None when there is none."""
    try:
        return str(dataset[find_coordinate(dataset, kind)].dims[0])
    except (ClimannError, IndexError):
        return None
