"""HDF5 files without dimension scales: a grid whose latitudes and longitudes are 2-D datasets of the root.

The netCDF library reads an HDF5 file written without dimension scales (h5py's
``create_dataset`` alone, as GFED4.1s's yearly ``GFED4.1s_2010.hdf5`` is) by naming each
dataset's dimensions ``phony_dim_0``, ``phony_dim_1``, … anew in each group (netCDF User Guide,
"HDF5 files not created with netCDF-4": *phony dimensions*). GFED keeps its grid as the 2-D
``lat`` and ``lon`` of the root, without units (720 × 1440, 0.25°, north to south), and each
month's fields in a group of its own (``burned_area/01`` … ``burned_area/12``: ``burned_fraction``,
``source``; ``emissions/MM``, ``biosphere/MM`` alike). Nothing links the groups' phony dimensions
to the root's: ``ncks -G : -g burned_area/01`` and xarray's ``open_datatree(…)["burned_area/01"]``
copy the fields without any latitude or longitude, and ``ncap2`` refuses the root ("dimension
phony_dim_26 is not in list of dimensions"), so every way out climann printed failed (break43d A3).

:func:`phony_grid` finds such a file: phony dimensions, a root ``lat`` and ``lon`` (by name,
:func:`~climann.data.coords.name_kind`) 2-D on them, each constant along one axis (a regular
grid: its 1-D axes are ``lat[:, 0]`` and ``lon[0, :]``), and groups of data on the same shape.
:func:`phony_grid_message` refuses it with one Python line (a loop for several files) that
writes the fields of the twelve month groups of one parent as one file, on 1-D ``lat`` and
``lon`` with CF units and the months of the year in the file's name as a time with bounds
(CF 1.8 §4.1, §4.4, §7.1); or, without month groups, one group's fields on the grid.
:func:`~climann.data.phony_dimensions.phony_copy_advice` says, of a copy of one group that lost its
grid, where the grid is.

Sources: netCDF-C, "HDF5 files not created with netCDF-4" (phony dimensions); GFED4.1s
"Readme" (van der Werf et al. 2017, Earth Syst. Sci. Data 9, 697: the HDF5 layout).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import dask
import numpy as np
import xarray as xr

from climann.data.coords import name_kind
from climann.data.phony_dimensions import is_phony
from climann.data.shell import python_copies, whole_write

__all__ = ["PhonyGrid", "month_parents", "phony_copy_code", "phony_grid", "phony_grid_message"]

#: The month groups of a parent: ``01`` … ``12``.
MONTHS = tuple(f"{month:02d}" for month in range(1, 13))

#: The years a number of four digits alone in a file's name is taken as (``GFED4.1s_2010.hdf5``).
_YEARS = range(1700, 2201)


@dataclass(frozen=True)
class PhonyGrid:
    """A regular grid given by a root's 2-D latitude and longitude on phony dimensions.

    Attributes
    ----------
    latitude, longitude : str
        The root's 2-D variables (``lat``, ``lon``).
    rows_are_latitudes : bool
        Whether the latitude changes along the first dimension (``lat[:, 0]``), else the second.
    shape : tuple of int
        Their shape, which the groups' fields share.
    said : str
        The grid in words, for a message.
    """

    latitude: str
    longitude: str
    rows_are_latitudes: bool
    shape: tuple[int, int]
    said: str


def phony_grid(dataset: xr.Dataset) -> PhonyGrid | None:
    """The grid of a root whose latitude and longitude are 2-D on phony dimensions, or None.

    Parameters
    ----------
    dataset : xarray.Dataset
        The root group of a file, lazily opened (its two position variables are read).

    Returns
    -------
    PhonyGrid or None
        None unless one variable named as a latitude and one as a longitude lie on the same two
        phony dimensions, each constant along one of them (the latitude along the other's axis).
    """
    found = {}
    for name, variable in dataset.variables.items():
        kind = name_kind(str(name))
        if kind and variable.ndim == 2 and all(map(is_phony, variable.dims)) and variable.dtype.kind == "f":
            found.setdefault(kind, str(name))
    if len(found) < 2 or dataset[found["latitude"]].dims != dataset[found["longitude"]].dims:
        return None
    with dask.config.set(scheduler="synchronous"):
        lat, lon = (np.asarray(dataset[found[kind]].values, np.float64) for kind in ("latitude", "longitude"))
    for rows in (True, False):
        axis_lat, axis_lon = (lat[:, :1], lon[:1, :]) if rows else (lat[:1, :], lon[:, :1])
        if np.array_equal(lat, np.broadcast_to(axis_lat, lat.shape)) and np.array_equal(
                lon, np.broadcast_to(axis_lon, lon.shape)) and np.abs(lat).max() <= 90:
            latitudes, longitudes = axis_lat.ravel(), axis_lon.ravel()
            said = (f"'{found['latitude']}' {latitudes[0]:g}…{latitudes[-1]:g} along its "
                    f"{'rows' if rows else 'columns'}, '{found['longitude']}' {longitudes[0]:g}…{longitudes[-1]:g} "
                    f"along its {'columns' if rows else 'rows'}")
            return PhonyGrid(found["latitude"], found["longitude"], rows, tuple(lat.shape), said)
    return None


def _grid_code(grid: PhonyGrid) -> list[str]:
    """Statements that read the 1-D latitudes ``y`` and longitudes ``x`` from the root ``r``."""
    lat, lon = ("[:, 0]", "[0, :]") if grid.rows_are_latitudes else ("[0, :]", "[:, 0]")
    return [f"y = r[{grid.latitude!r}].values{lat}", f"x = r[{grid.longitude!r}].values{lon}"]


def phony_copy_code(grid: PhonyGrid, groups: Sequence[str], names: Sequence[str]) -> str:
    """One line of Python that writes the fields ``names`` of the file ``sys.argv[1]``'s
    ``groups`` into ``sys.argv[2]`` on 1-D ``lat`` and ``lon``: the twelve month groups of a
    parent stacked along a time of the months of the year in the file's name (its last number of
    four digits within 1700…2200), each with its month as bounds; one group as it is."""
    dims = "'lat', 'lon'" if grid.rows_are_latitudes else "'lon', 'lat'"
    coords = ("'lat': ('lat', y, {'units': 'degrees_north', 'standard_name': 'latitude'}), "
              "'lon': ('lon', x, {'units': 'degrees_east', 'standard_name': 'longitude'})")
    statements = ["import sys, os, re, numpy as np, xarray as xr", "f = sys.argv[1]", "r = xr.open_dataset(f)",
                  *_grid_code(grid)]
    if len(groups) == 1:
        statements += [f"g = xr.open_dataset(f, group={groups[0]!r})",
                       f"d = xr.Dataset({{k: (({dims}), g[k].values, g[k].attrs) for k in {list(names)!r}}}, "
                       f"coords={{{coords}}})"]
    else:
        parent = groups[0].rsplit("/", 1)[0]
        statements += [
            f"a = int([n for n in re.findall('[0-9]+', os.path.basename(f)) if len(n) == 4 and "
            f"{_YEARS.start} <= int(n) < {_YEARS.stop}][-1])",
            "t = [np.datetime64('%04d-%02d-01' % (a + m // 12, m % 12 + 1)) for m in range(13)]",
            f"g = [xr.open_dataset(f, group='{parent}/%02d' % m) for m in range(1, 13)]",
            f"d = xr.Dataset({{k: (('time', {dims}), np.stack([e[k].values for e in g]), g[0][k].attrs) "
            f"for k in {list(names)!r}}}, coords={{'time': t[:12], {coords}}})",
            "d['time_bnds'] = (('time', 'bnds'), np.stack([t[:12], t[1:]], 1))",
            "d['time'].attrs['bounds'] = 'time_bnds'",
            "d['time'].encoding.update(units='days since 1970-01-01', calendar='standard')",
        ]
    return "; ".join([*statements, whole_write()])


def _year_of(path: Path) -> int | None:
    """The one year (four digits alone, 1700…2200) the name of ``path`` holds, or None."""
    years = [int(number) for number in re.findall("[0-9]+", path.name) if len(number) == 4 and int(number) in _YEARS]
    return years[-1] if years else None


def month_parents(groups: dict[str, list[str]]) -> dict[str, list[str]]:
    """The parents whose month groups ``01`` … ``12`` all hold data (``groups``: each group's
    full name and its fields on the grid), with the fields the twelve share, in order."""
    parents: dict[str, list[str]] = {}
    for name in groups:
        parent, _, last = name.strip("/").rpartition("/")
        if last == "01" and parent:
            held = [groups.get(f"/{parent}/{month}") for month in MONTHS]
            if all(held):
                parents[parent] = [field for field in held[0] if all(field in each for each in held)]
    return {parent: fields for parent, fields in parents.items() if fields}


def phony_grid_message(path: Path, grid: PhonyGrid, groups: dict[str, list[str]], files: Sequence[Path],
                       dims: Sequence[str]) -> str:
    """The refusal of an HDF5 file without dimension scales whose root places the grid of its
    groups' fields (:func:`phony_grid`), with the line that writes them on it (a loop over
    ``files``, :func:`phony_copy_code`).

    Parameters
    ----------
    path : Path
        The file.
    grid : PhonyGrid
        Its root's grid.
    groups : dict of str to list of str
        Each group's full name and its fields of the grid's shape.
    files : sequence of Path
        The files given like it (several: one loop).
    dims : sequence of str
        The root's phony dimensions, for the message.
    """
    parents = month_parents(groups)
    head = (f"{path.name} is HDF5 without dimension scales (netCDF names its dimensions {', '.join(dims)}, and "
            f"others in each group): the 2-D {grid.said} of its root place the fields of its groups, which nothing "
            "links to them, so a copy of a group (ncks -G, xarray's open_datatree) has no latitude or longitude")
    files = list(files) or [path]
    if parents:
        parent, fields = next(iter(parents.items()))
        years = [_year_of(Path(file)) for file in files]
        others = [name for name in parents if name != parent]
        if any(year is None for year in years):
            return (f"{head}; its months are groups ('{parent}/01' … '{parent}/12': {', '.join(fields)}) and its "
                    "name holds no year to date them: write each year's months as one file with the root's "
                    f"{grid.latitude}[:, 0] and {grid.longitude}[0, :] as 1-D coordinates and a time of the months")
        code = phony_copy_code(grid, [f"{parent}/{month}" for month in MONTHS], fields)
        what = (f"the months of '{parent}' ('{parent}/01' … '{parent}/12': {', '.join(fields)}) as one file a year "
                "on 1-D lat and lon, its months (of the year in its name) as a time with bounds")
        also = (f" (for {', '.join(repr(name) for name in others)}, put its name in place of '{parent}' in the line)"
                if others else "")
    else:
        group, fields = next(iter(groups.items()))
        code = phony_copy_code(grid, [group.strip("/")], fields)
        what = f"'{group.strip('/')}' ({', '.join(fields)}) on 1-D lat and lon"
        also = ""
    command, data = python_copies(code, files)
    many = ", each file in a loop" if len(files) > 1 else ""
    return f"{head}; write {what}{many}: `{command}`, then give --data {data}{also}"
