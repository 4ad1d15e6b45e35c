"""Cell bounds that carry dimensions their coordinate does not have.

CF §7.1: the bounds of a coordinate ``lat(lat)`` are ``lat_bnds(lat, bnds)``: the coordinate's
own dimensions, then one vertex dimension. Ensemble tools broadcast them over the members:
xarray's ``expand_dims(member_id=…)`` expands every data variable, ``xr.concat(members,
dim="member_id")`` broadcasts ``time_bnds`` too, and Pangeo's intake-esm stores give
``lat_bnds(member_id, dcpp_init_year, lat, bnds)``. Read as they are, such bounds have one
dimension too many for every reader of bounds, and were left unused without a word: the cell
areas were computed from midpoints, and CESM's month-end stamps (dated by ``time_bnds``)
dated every value one month late (break29b A1).

Each file's bounds are put on their coordinate's dimensions and the vertex dimension when it
is opened (:func:`with_bounds_on_own_dimensions`), as the data variables' and ``areacella``'s
length-1 extra dimensions are dropped: a dimension of length 1 is dropped, one whose values
repeat the same bounds is reduced to its first; bounds that differ along it are refused, since
which member's cells the data are in is not for climann to guess.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from climann.errors import ClimannError

__all__ = ["extra_bounds_dimensions", "with_bounds_on_own_dimensions"]

#: The attributes whose value names a coordinate's CF bounds (CF §7.1, §7.4).
BOUNDS_ATTRIBUTES = ("bounds", "climatology")


def extra_bounds_dimensions(coordinate: xr.DataArray, bounds: xr.DataArray) -> list[str]:
    """The dimensions of ``bounds`` that are neither ``coordinate``'s nor its vertex dimension.

    The vertex dimension is the last dimension of ``bounds`` that ``coordinate`` lacks and
    that has more than one value (CF §7.1 puts it last; a cell has at least two vertices);
    the last one it lacks when all have one value.

    Parameters
    ----------
    coordinate : xarray.DataArray
        A coordinate, e.g. ``lat(lat)`` or the 2-D ``lat(y, x)`` of a curvilinear grid.
    bounds : xarray.DataArray
        The variable its ``bounds`` attribute names, e.g. ``lat_bnds(member_id, lat, bnds)``.

    Returns
    -------
    list of str
        In ``bounds``' order; empty for bounds on ``coordinate``'s dimensions and one more.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> lat = xr.DataArray(np.zeros(3), dims="lat")
    >>> extra_bounds_dimensions(lat, xr.DataArray(np.zeros((1, 3, 2)), dims=("member_id", "lat", "bnds")))
    ['member_id']
    """
    outside = [str(dim) for dim in bounds.dims if dim not in coordinate.dims]
    if len(outside) <= 1:
        return []
    several = [dim for dim in outside if bounds.sizes[dim] > 1]
    vertex = several[-1] if several else outside[-1]
    return [dim for dim in outside if dim != vertex]


def with_bounds_on_own_dimensions(dataset: xr.Dataset, where: str = "the file") -> xr.Dataset:
    """``dataset`` with each coordinate's bounds on the coordinate's dimensions and one vertex
    dimension (CF §7.1): each extra dimension (:func:`extra_bounds_dimensions`) of length 1
    dropped, one along which the bounds are all the same reduced to its first value.

    Parameters
    ----------
    dataset : xarray.Dataset
        One file, as opened (lazy; only bounds with an extra dimension of several values are read).
    where : str
        The file, for the message.

    Returns
    -------
    xarray.Dataset
        ``dataset`` itself when no bounds have an extra dimension, else a shallow copy.

    Raises
    ------
    ClimannError
        If bounds differ along an extra dimension (``lat_bnds(member_id: 2, lat, bnds)`` of two
        members on different grids): which of them holds the data's cells is ambiguous. The
        message names the bounds, the dimension and how to keep one of its values.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> ds = xr.Dataset({"lat_bnds": (("member_id", "lat", "bnds"), [[[-90., 0.], [0., 90.]]])},
    ...                 coords={"lat": ("lat", [-45., 45.], {"bounds": "lat_bnds"})})
    >>> with_bounds_on_own_dimensions(ds)["lat_bnds"].dims
    ('lat', 'bnds')
    """
    fixed = {}
    for name, coordinate in dataset.variables.items():
        for key in BOUNDS_ATTRIBUTES:
            bounds_name = str(coordinate.attrs.get(key, ""))
            if bounds_name not in dataset.variables or bounds_name in fixed:
                continue
            bounds = dataset[bounds_name]
            extra = extra_bounds_dimensions(dataset[name], bounds)
            if extra:
                fixed[bounds_name] = _on_own_dimensions(bounds, extra, str(name), where)
    if not fixed:
        return dataset
    in_coords = {name: bounds for name, bounds in fixed.items() if name in dataset.coords}
    in_data = {name: bounds for name, bounds in fixed.items() if name not in dataset.coords}
    return dataset.assign_coords(in_coords).assign(in_data)


def _on_own_dimensions(bounds: xr.DataArray, extra: list[str], coordinate: str, where: str) -> xr.DataArray:
    """``bounds`` without the dimensions ``extra``: each of length 1 dropped, each of several
    values reduced to its first when the bounds repeat along it, else refused."""
    for dim in extra:
        if bounds.sizes[dim] > 1 and not _same_along(bounds, dim):
            raise ClimannError(
                f"{where}: '{bounds.name}' (the cell bounds of '{coordinate}') differs along its dimension '{dim}' "
                f"({bounds.sizes[dim]} values), which '{coordinate}' does not have, so which cells the data are in "
                f"is ambiguous; keep one {dim} in a copy (e.g. xarray's ds.isel({dim}=[0]), or ncks -d {dim},0 "
                "for a NetCDF file) and give that"
            )
        bounds = bounds.isel({dim: 0}, drop=True)
    return bounds


def _same_along(bounds: xr.DataArray, dim: str) -> bool:
    """Whether ``bounds`` holds the same values (missing in the same places) at every index of ``dim``."""
    values = np.asarray(bounds.transpose(dim, ...).values)
    return all(np.array_equal(values[0], other, equal_nan=values.dtype.kind in "fc") for other in values[1:])
