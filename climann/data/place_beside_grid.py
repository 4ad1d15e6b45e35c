"""A file at one place (a station chosen, a single cell) beside a file on a grid of several cells.

climann trains on one grid, or at one place as a grid of one cell (a station chosen with
``--select station=GRAZ``, :mod:`climann.data.stations`). A station's series beside a gridded
reanalysis (GHCN-D beside ERA5) is neither: the two did not combine, and xarray's "conflicting
sizes for dimension 'lat'" reached the user (break31a B4). climann does not take a grid's values
at a point (that is interpolation, a choice of method); the way out is the grid's cell nearest
the place, written as a file at the place's own latitude and longitude, which then trains at that
one place beside the station. :func:`check_place_beside_grid` refuses the pair in one line with
the xarray line that writes that cell, into a new folder beside the grid's file, run by the
interpreter that runs climann (:func:`~climann.data.shell.advised_python`; a bare ``python`` may
be one without xarray).

A place more than a cell beyond the grid's outer cells has no nearest cell: the line took the
edge cell of an E-OBS box (5–11°E) and labelled it as a station 94° west of it, which then
trained (break56d A1). Such a place is refused without the line, naming the grid's extent: the
place's file probably does not belong to the run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import xarray as xr

from climann.data.coords import find_coordinate
from climann.data.shell import input_and_copy, one_copy_advice, python_command, whole_write
from climann.data.stations import station_label
from climann.errors import ClimannError

#: The horizontal axes, as :func:`~climann.data.coords.find_coordinate` finds them.
_KINDS = ("latitude", "longitude")


def _axes(dataset: xr.Dataset) -> tuple[str, str] | None:
    """The names of the dataset's latitude and longitude coordinates, or None without both."""
    try:
        return find_coordinate(dataset, "latitude"), find_coordinate(dataset, "longitude")
    except ClimannError:
        return None


def _cells(dataset: xr.Dataset, axes: tuple[str, str]) -> int:
    """How many grid cells the dataset's latitude and longitude coordinates span."""
    dims = {dim for name in axes for dim in dataset[name].dims}
    return int(np.prod([dataset.sizes[dim] for dim in dims])) if dims else 1


def _station_text(dataset: xr.Dataset) -> str:
    """`` (station GRAZ)`` when a chosen station's name is kept (CF ``cf_role = "timeseries_id"``,
    :func:`~climann.data.stations.station_label`: GRDC's ``LOBITH, id 6335060``)."""
    name = station_label([coordinate.squeeze() for coordinate in dataset.coords.values() if coordinate.size == 1])
    return f" (station {name})" if name is not None else ""


def check_place_beside_grid(datasets: Mapping[Path, xr.Dataset]) -> None:
    """Refuse files at one place beside files on a grid of several cells.

    Parameters
    ----------
    datasets : mapping of Path to xarray.Dataset
        Each file as opened, its station chosen (:func:`~climann.data.stations.with_station_chosen`),
        its coordinates under the file's own names.

    Raises
    ------
    ClimannError
        Naming the place's file and position and the grid's file, with the xarray line that
        writes the grid's cell nearest the place, labelled with the place's latitude and
        longitude, into a new folder, to give in place of the grid's file (for a grid of 1-D
        latitude and longitude; for another grid, the same in words); for a place more than a
        cell beyond the grid's outer cells, the grid's extent and no line.
    """
    found = {path: axes for path, dataset in datasets.items() if (axes := _axes(dataset)) is not None}
    places = [path for path, axes in found.items() if _cells(datasets[path], axes) == 1]
    grids = [path for path, axes in found.items() if _cells(datasets[path], axes) > 1]
    if not places or not grids:
        return
    place, grid = places[0], grids[0]
    latitude, longitude = (float(np.ravel(datasets[place][name].values)[0]) for name in found[place])
    where = f"{latitude:g}°N {longitude:g}°E{_station_text(datasets[place])}"
    extent = _outside(datasets[grid], found[grid], (latitude, longitude))
    if extent:
        way = (f"the place lies outside that grid ({extent}, more than a cell beyond its outer cells), where it has "
               f"no nearest cell: {place.name} probably does not belong to this run; leave it out, or give a grid "
               f"that covers the place")
    else:
        cut = _cell_command(datasets[grid], found[grid], grid, (latitude, longitude))
        way = (f"write the grid's cell nearest the place as a file at the place{cut}" if cut else
               f"write the grid's cell nearest the place as a file at the place, and give that file in place of "
               f"{grid.name}")
    raise PlaceBesideGridError(
        f"{place.name} is at one place, {where}, and {grid.name} on a grid of {_cells(datasets[grid], found[grid])} "
        f"cells: climann trains on one grid or at one place, and takes no grid's values at a point; {way}",
        beside=f"{place.name} is at one place, {where}, and {grid.name} on a grid of "
               f"{_cells(datasets[grid], found[grid])} cells: climann trains on one grid or at one place",
        grid=grid, variables=tuple(str(name) for name in datasets[grid].data_vars), axes=found[grid],
        place=(latitude, longitude), dataset=datasets[grid],
    )


def _span(values: np.ndarray) -> tuple[float, float, float]:
    """The first and last of sorted ``values`` (a grid axis' cell centres) and their largest spacing (0 for one)."""
    ordered = np.sort(values.astype(float))
    return float(ordered[0]), float(ordered[-1]), float(np.max(np.diff(ordered))) if ordered.size > 1 else 0.0


def _outside(dataset: xr.Dataset, axes: tuple[str, str], place: tuple[float, float]) -> str:
    """The grid's extent in words (``45.1–46.9°N, 5.1–6.9°E``) when ``place`` lies more than a cell
    beyond its outer cells (each axis' edge half a cell beyond its outer centre, one more cell
    beyond that; the place's longitude compared modulo 360); ``""`` when it lies within, and for a
    grid of 2-D coordinates (no cell spacing by axis)."""
    latitude_name, longitude_name = axes
    if dataset[latitude_name].dims != (latitude_name,) or dataset[longitude_name].dims != (longitude_name,):
        return ""
    south, north, step_y = _span(dataset[latitude_name].values)
    west, east, step_x = _span(dataset[longitude_name].values)
    step = max(step_y, step_x)  # an axis of one cell takes the other's spacing
    latitude, longitude = place
    beyond_y = max(south - latitude, latitude - north, 0.0)
    # the place's longitude moved into the grid's turn (0…360 or −180…180) before it is compared
    middle = (west + east) / 2
    longitude = middle + (longitude - middle + 180) % 360 - 180
    beyond_x = max(west - longitude, longitude - east, 0.0) if east - west < 360 - 3 * step else 0.0
    if max(beyond_y, beyond_x) <= 1.5 * step:
        return ""
    return f"{south:g}–{north:g}°N, {west:g}–{east:g}°E"


def _copy_line(code: str, path: Path, name: str) -> str:
    """The printed line ``python -c CODE IN OUT`` (in backticks) that writes ``path``'s copy into a
    new folder ``name`` beside it (:func:`~climann.data.shell.one_copy_advice`), run by the
    interpreter that runs climann (:func:`~climann.data.shell.advised_python`), and the ``--data``
    to give in its place."""
    line = one_copy_advice(lambda files: f"`{python_command(code)} {files}`", input_and_copy(path), name)
    return line


class PlaceBesideGridError(ClimannError):
    """The refusal of :func:`check_place_beside_grid`, with what a run's ``[data] regional_means``
    needs to say the way out for a box mean (:meth:`with_regional_means`)."""

    def __init__(self, message: str, *, beside: str, grid: Path, variables: tuple[str, ...],
                 axes: tuple[str, str], place: tuple[float, float], dataset: xr.Dataset) -> None:
        super().__init__(message)
        self.beside, self.grid, self.variables, self.axes, self.place = beside, grid, variables, axes, place
        self.dataset = dataset

    def with_regional_means(self, requests: Sequence[tuple[str, str, Sequence[float]]]) -> ClimannError:
        """The refusal for a run that asks regional means of the grid's variables (a basin's mean
        precipitation beside a gauge's discharge; ``requests``: each feature's ``(column, variable,
        box)``, :func:`~climann.data.area_means.area_mean_requests`): the nearest cell would be a
        box "mean" of one cell (break46b A7), so the line written is that of the boxes'
        area-weighted means at the place, each under the name of the run's feature; this refusal
        itself when none of them is of the grid's variables."""
        asked = [(column, name, box) for column, name, box in requests if box and name in self.variables]
        command = _box_means_command(self.dataset, self.axes, self.grid, self.place, asked) if asked else ""
        if not command:
            return self
        columns = ", ".join(column for column, _, _ in asked)
        return ClimannError(
            f"{self.beside}, and a regional mean is taken over a grid's cells in the box, which a file at one place "
            f"cannot give (its box would hold one cell); write the box means at the place, e.g. {command}, and "
            f"name {columns} in --predictors ([data] predictors) in "
            f"place of --regional-means")


def _box_means_command(dataset: xr.Dataset, axes: tuple[str, str], path: Path, place: tuple[float, float],
                       asked: Sequence[tuple[str, str, Sequence[float]]]) -> str:
    """The line ``python -c "…" IN OUT`` (:func:`_copy_line`) that writes, for each ``(column,
    variable, box)`` of ``asked``, the mean of ``variable`` over the grid's cells inside ``box``
    weighted by cos(latitude) (a cell's area on a regular latitude-longitude grid), missing values
    left out, as ``column`` at the place, labelled with the place's latitude and longitude; ``""``
    for a grid of 2-D coordinates or a box across the grid's longitude seam (west > east in the
    grid's convention)."""
    latitude_name, longitude_name = axes
    if dataset[latitude_name].dims != (latitude_name,) or dataset[longitude_name].dims != (longitude_name,):
        return ""
    eastern = float(np.max(dataset[longitude_name].values)) > 180  # a 0…360 grid

    def on_grid(value: float) -> float:
        return value + 360 if eastern and value < 0 else value - 360 if not eastern and value > 180 else value

    means = []
    for column, name, (south, north, west, east) in asked:
        west, east = on_grid(west), on_grid(east)
        if west > east:
            return ""
        means.append(f"o[{column!r}]=m(d[{name!r}],{south!r},{north!r},{west!r},{east!r})")
    latitude, longitude = place
    lat, lon = latitude_name, longitude_name
    code = (f"import sys,numpy as np,xarray as xr;d=xr.open_dataset(sys.argv[1]);"
            f"m=lambda v,s,n,w,e:v.where((v[{lat!r}]>=s)&(v[{lat!r}]<=n)&(v[{lon!r}]>=w)&(v[{lon!r}]<=e))"
            f".weighted(np.cos(np.deg2rad(v[{lat!r}]))).mean(({lat!r},{lon!r})).assign_attrs(v.attrs);"
            f"o=d.drop_dims([{lat!r},{lon!r}]);{';'.join(means)};"
            f"o=o.assign_coords({lat}=d[{lat!r}][0].copy(data={latitude!r}),{lon}=d[{lon!r}][0].copy(data={longitude!r}));"
            f"{whole_write('o.to_netcdf')}")
    return _copy_line(code, path, f"box_means_at_{latitude:g}_{longitude:g}")


def _cell_command(dataset: xr.Dataset, axes: tuple[str, str], path: Path, place: tuple[float, float]) -> str:
    """``, e.g. `python -c "…" IN OUT``` (:func:`_copy_line`) that writes the cell of ``path``'s 1-D latitude and
    longitude nearest ``place`` (the place's longitude in the grid's convention, 0…360 or
    −180…180, for the choice), labelled with the place's own latitude and longitude, the
    coordinates' attributes (units, standard_name) kept; ``""`` for a grid of 2-D coordinates
    (no nearest cell by axis)."""
    latitude_name, longitude_name = axes
    if dataset[latitude_name].dims != (latitude_name,) or dataset[longitude_name].dims != (longitude_name,):
        return ""
    latitude, longitude = place
    eastern = float(np.max(dataset[longitude_name].values)) > 180  # a 0…360 grid
    on_grid = longitude + 360 if eastern and longitude < 0 else longitude - 360 if not eastern and longitude > 180 \
        else longitude
    # the place's values put in the cell's coordinates, their attributes kept: without units a scalar latitude is
    # no latitude, and cdo drops it ("Coordinates variable latitude can't be assigned!", break44a A3)
    code = (f"import sys,xarray as xr;d=xr.open_dataset(sys.argv[1]);"
            f"d=d.sel({latitude_name}={latitude!r},{longitude_name}={on_grid!r},method='nearest');"
            f"d=d.assign_coords({latitude_name}=d[{latitude_name!r}].copy(data={latitude!r}),"
            f"{longitude_name}=d[{longitude_name!r}].copy(data={longitude!r}));{whole_write()}")
    return f", e.g. {_copy_line(code, path, f'at_{latitude:g}_{longitude:g}')}"
