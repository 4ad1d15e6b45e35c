"""A coordinate's ``bounds`` attribute that names a variable the file does not hold.

CF §7.1: a coordinate's cell boundaries are the variable its ``bounds`` attribute names
(``time:bounds = "time_bnds"``, ``lat:bounds = "lat_bnds"``, the 2-D corners of a curvilinear
grid, a level's ``plev_bnds``). Tools that copy some variables of a file keep the attribute and
leave the variable behind: xarray's ``ds[["t2m"]].to_netcdf(...)`` of a file with bounds,
``ncks -C -v t2m``. Such a file has no bounds, and is read as one without: each file's
dangling attributes are dropped when it is opened (:func:`without_absent_bounds`), with a
note naming them (``-v``, ``train.log``), so that nothing downstream takes the attribute for
bounds (the ``season`` and ``year`` features of a monthly file stamped on the 1st were dated by
the raw stamps, half a month early, as if the bounds had dated them).

CF §7.1 also puts the bounds' vertex dimension last: ``lat_bnds(lat, bnds)``. A file written
with it first, ``lat_bnds(bnds, lat)`` (an xarray ``transpose`` or ``ncpdq -a`` too many), was
accepted by ``climann info`` and failed late in ``train``, with xarray's "Duplicate dimension
names" and a message that blamed the time encoding (break29b A5b). Its dimensions' names say
which is the vertex dimension — the one the coordinate does not have — so nothing is guessed:
such bounds are transposed as the file is opened (:func:`with_vertices_last`), with a note.
"""

from __future__ import annotations

import logging

import numpy as np
import xarray as xr

from climann.data.notes import note_once

__all__ = ["CELLS_SAID_KEY", "MADE_BOUNDS_KEY", "STATED_CELLS_KEY", "absent_bounds", "misordered_bounds",
           "with_made_time_bounds", "with_vertices_last", "without_absent_bounds"]

_log = logging.getLogger(__name__)

#: The key, in the ``encoding`` of a bounds variable climann made as it opened a file (ECMWF's
#: monthly means, :func:`climann.data.ecmwf_means.with_stated_month_cells`; a forecast's
#: window, :mod:`climann.data.forecast_windows`), saying that no file holds it: ``climann info``
#: listed ERA5's ``valid_time_bnds`` among the file's variables left out (break39b B10a).
#: Encoding, not attributes: it describes where the variable came from, and xarray does not
#: write keys it does not know.
MADE_BOUNDS_KEY = "climann_made_bounds"

#: The key, in the ``encoding`` of time bounds climann made from what a file states
#: (:func:`climann.data.coverage_cells.with_covered_cells`), of the words that say why, for the
#: warning about stamps at the ends of their cells (:mod:`climann.data.time_cells`): the file
#: has no ``time_bnds`` of its own to name.
STATED_CELLS_KEY = "climann_stated_cells"

#: The key, in the ``encoding`` of time bounds climann made, that the warning which made them
#: already said how their values are read and dated (the weekly means without bounds beside a
#: forecast's windows, :mod:`climann.data.time_axes`): :mod:`climann.data.time_cells` says
#: nothing more about the same cells (fix47p: two warnings about one file).
CELLS_SAID_KEY = "climann_cells_said"


def absent_bounds(dataset: xr.Dataset) -> dict[str, str]:
    """Variable name → the bounds variable its ``bounds`` attribute names, for each variable
    whose named bounds are not in ``dataset`` (an empty attribute included)."""
    return {str(name): str(variable.attrs["bounds"]) for name, variable in dataset.variables.items()
            if "bounds" in variable.attrs and str(variable.attrs["bounds"]) not in dataset.variables}


def without_absent_bounds(dataset: xr.Dataset, where: str = "the file") -> xr.Dataset:
    """``dataset`` without the ``bounds`` attributes that name absent variables (CF §7.1).

    Each dropped attribute is said in one note (logged at INFO, once per run and file): the
    variable and the bounds it names. Variables whose bounds are present are unchanged.

    Parameters
    ----------
    dataset : xarray.Dataset
        One file, as opened (lazy; nothing is read).
    where : str
        The file, for the note.

    Returns
    -------
    xarray.Dataset
        A shallow copy when an attribute is dropped (the opened dataset is left as it is),
        else ``dataset`` itself.

    Examples
    --------
    A time whose ``bounds = "time_bnds"`` names no variable becomes a time without bounds:

    >>> import numpy as np, xarray as xr
    >>> ds = xr.Dataset(coords={"time": ("time", np.arange(3), {"bounds": "time_bnds"})})
    >>> "bounds" in without_absent_bounds(ds)["time"].attrs
    False
    """
    absent = absent_bounds(dataset)
    if not absent:
        return dataset
    result = dataset.copy(deep=False)  # copies each variable's attributes: the opened dataset keeps its own
    for name in absent:
        del result.variables[name].attrs["bounds"]
    listed = ", ".join(f"'{name}' names '{bounds}'" for name, bounds in absent.items())
    note_once(_log, logging.INFO, (
        f"{where}: read without the cell bounds its bounds attributes name, which the file does not hold "
        f"({listed}; left by a tool that copied some variables, e.g. xarray's ds[[...]].to_netcdf or ncks -C -v)"))
    return result


def misordered_bounds(dataset: xr.Dataset) -> dict[str, tuple[str, ...]]:
    """Bounds variable → its dimensions in CF order, for each bounds variable (named by a
    ``bounds`` or ``climatology`` attribute) whose vertex dimension is not last: it has the
    dimensions of the coordinate it bounds and exactly one more, in another order than the
    coordinate's followed by that one (CF §7.1). Bounds of any other shape are not listed."""
    found = {}
    for name, variable in dataset.variables.items():
        for key in ("bounds", "climatology"):
            bounds = str(variable.attrs.get(key, ""))
            if bounds not in dataset.variables or not variable.dims:
                continue
            dims = dataset.variables[bounds].dims
            extra = [dim for dim in dims if dim not in variable.dims]
            if len(dims) == variable.ndim + 1 and len(extra) == 1 and dims != (*variable.dims, extra[0]):
                found[bounds] = (*map(str, variable.dims), str(extra[0]))
    return found


def with_vertices_last(dataset: xr.Dataset, where: str = "the file") -> xr.Dataset:
    """``dataset`` with each bounds variable whose vertex dimension is not last transposed to
    the coordinate's dimensions followed by the vertex dimension (CF §7.1).

    The dimensions' names say which is which (the vertex dimension is the one the coordinate
    lacks), so the transposition is no guess; it is said in one note (logged at INFO, once per
    run and file) naming the variables and the fix in the file.

    Parameters
    ----------
    dataset : xarray.Dataset
        One file, as opened (lazy; nothing is read).
    where : str
        The file, for the note.

    Returns
    -------
    xarray.Dataset
        A new dataset when bounds were transposed (lazily), else ``dataset`` itself.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> ds = xr.Dataset({"lat_bnds": (("bnds", "lat"), [[-90.0, 0.0], [0.0, 90.0]])},
    ...                 coords={"lat": ("lat", [-45.0, 45.0], {"bounds": "lat_bnds"})})
    >>> with_vertices_last(ds)["lat_bnds"].dims
    ('lat', 'bnds')
    """
    misordered = misordered_bounds(dataset)
    if not misordered:
        return dataset
    result = dataset
    for bounds, dims in misordered.items():
        transposed = {bounds: dataset.variables[bounds].transpose(*dims)}
        result = result.assign_coords(transposed) if bounds in dataset.coords else result.assign(transposed)
    listed = ", ".join(f"'{bounds}' {tuple(dataset[bounds].dims)} as {dims}" for bounds, dims in misordered.items())
    coordinate_dims = [dim for dims in misordered.values() for dim in dims[:-1]]
    order = list(dict.fromkeys(coordinate_dims + [dims[-1] for dims in misordered.values()]))
    xarray = "; ".join(f"ds['{bounds}'] = ds['{bounds}'].transpose({', '.join(map(repr, dims))})"
                       for bounds, dims in misordered.items())
    note_once(_log, logging.INFO, (
        f"{where}: cell bounds read with their vertex dimension last, as CF 7.1 wants them ({listed}); to store "
        f"them so: ncpdq -a {','.join(order)} IN OUT, or in xarray: {xarray}"))
    return result


def with_made_time_bounds(dataset: xr.Dataset, time: str, cells: np.ndarray, **encoding: object) -> xr.Dataset:
    """``dataset`` whose 1-D time coordinate ``time`` gets ``cells`` as its CF bounds (CF 1.8
    §7.1): a new variable ``<time>_bnds`` (or ``<time>_bounds``, ``<time>_bnds_climann``, the
    first name the file does not hold) named by the time's ``bounds`` attribute, marked as made
    by climann (:data:`MADE_BOUNDS_KEY`) in its encoding, with ``encoding``'s keys beside it.

    Parameters
    ----------
    dataset : xarray.Dataset
        One file as opened, ``time`` on its own dimension and without bounds.
    time : str
        The time coordinate's name.
    cells : numpy.ndarray, shape (n_time, 2)
        Each step's [lower, upper] instants (cftime dates), as ``cdo settbounds`` writes them.
    **encoding
        Further encoding keys of the bounds variable (e.g. :data:`STATED_CELLS_KEY`).

    Returns
    -------
    xarray.Dataset
        A new dataset; the vertex dimension is ``bnds`` unless the file holds a ``bnds`` of
        another length (then ``bnds_climann``).
    """
    name = next(candidate for candidate in (f"{time}_bnds", f"{time}_bounds", f"{time}_bnds_climann")
                if candidate not in dataset.variables)
    stamped = xr.Variable((time,), np.asarray(dataset[time].values), {**dataset[time].attrs, "bounds": name},
                          encoding=dataset[time].encoding)
    vertex = "bnds" if dataset.sizes.get("bnds", 2) == 2 else "bnds_climann"
    made = xr.Variable((time, vertex), cells, encoding={MADE_BOUNDS_KEY: True, **encoding})
    return dataset.assign_coords({time: stamped}).assign({name: made})
