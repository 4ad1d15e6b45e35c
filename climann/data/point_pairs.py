"""Two files of one point each, at different places: a pair of stations, not two grids.

A single-station file (or a file with scalar latitude and longitude) is a grid of one cell to
climann (:mod:`climann.data.stations`). Two such files whose positions differ hold two places;
interpolation (``cdo remapbil``, xESMF) brings a grid onto another grid, and cannot bring one
point onto another. Such files are refused as *different places* (:func:`different_places_message`).

Pairing them is still a common aim: an urban station's temperature against a rural one's (the
urban heat island, urban minus rural), a gauge against the gauge upstream. That is the user's
decision, not climann's: the advice gives the xarray line that writes the first file's position
into a copy of the other, and says that this takes the two stations as one place. Nothing is
moved silently.

Sources: CF conventions 1.8 §9 (discrete sampling geometries: a station is a point with no cell);
CDO user guide, ``remapbil`` (interpolation between grids).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import xarray as xr

from climann.data.coordinate_values import geographic_kind
from climann.data.coords import find_coordinate
from climann.data.shell import copy_path, python_command, working_path
from climann.errors import ClimannError

__all__ = ["different_places_message"]


def different_places_message(reference: Mapping[str, xr.DataArray], own: Mapping[str, xr.DataArray],
                             paths: tuple[Path, Path]) -> str | None:
    """The refusal of two files that each hold one point, at different positions, with the
    line that pairs them as one place if the user means to; None when either file holds more
    than one point (a grid: the advice is a regridding) or lacks a latitude or longitude.

    Parameters
    ----------
    reference, own : mapping of str to xarray.DataArray
        Each file's grid coordinates (:func:`climann.data.open.grid_coordinates`), in degrees:
        size 1 each for a point (scalar, ``(1,)`` or ``(1, 1)``).
    paths : tuple of Path
        The reference's file (the target's: its position is kept) and the other file.

    Returns
    -------
    str or None
        E.g. ``"urban.nc and rural.nc hold different places, one point each: urban.nc at
        48.82° N, 2.34° E, rural.nc at 48.77° N, 2.01° E; a point is not interpolated onto another
        point …"``, ending with ``python -c "…"`` that writes ``rural_at_urban.nc``.
    """
    places = [_position(coordinates) for coordinates in (reference, own)]
    if None in places:
        return None
    (lat, lon), (own_lat, own_lon) = places
    first, other = paths
    copy = working_path(copy_path(other, f"at_{first.stem}"))
    names = _raw_names(other)
    if names is None:
        return None
    code = (f"import xarray as xr; d = xr.open_dataset({working_path(other)!r}); "
            f"d.assign({{{names[0]!r}: xr.full_like(d[{names[0]!r}], {lat}), "
            f"{names[1]!r}: xr.full_like(d[{names[1]!r}], {lon})}}).to_netcdf({copy!r})")
    return (f"{first.name} and {other.name} hold different places, one point each: {first.name} at {_shown(lat, lon)}, "
            f"{other.name} at {_shown(own_lat, own_lon)}; a point is not interpolated onto another point (cdo remapbil "
            f"and xESMF regrid grids). To pair them (e.g. urban minus rural for an urban heat island), and only if "
            f"that is what you mean, write {first.name}'s position into a copy of {other.name}, which takes the two "
            f"stations as one place: `{python_command(code)}`, then give that copy in place of {other.name} in --data")


def _position(coordinates: Mapping[str, xr.DataArray]) -> tuple[str, str] | None:
    """The latitude and longitude of a file of one point, as the shortest text that reads back
    to the stored values (``"48.82"`` for float32 48.82), or None for a grid of several cells."""
    if not coordinates or any(values.size != 1 for values in coordinates.values()):
        return None
    found = {geographic_kind(name, values): values for name, values in coordinates.items()}
    if "latitude" not in found or "longitude" not in found:
        return None
    return (np.format_float_positional(found["latitude"].values.ravel()[0], trim="-"),
            np.format_float_positional(found["longitude"].values.ravel()[0], trim="-"))


def _raw_names(path: Path) -> tuple[str, str] | None:
    """The names of the latitude and longitude as stored in ``path`` (before climann renamed
    them to the target file's), for the line that edits a copy of it; None when not found."""
    with xr.open_dataset(path, decode_times=False) as dataset:
        try:
            return find_coordinate(dataset, "latitude"), find_coordinate(dataset, "longitude")
        except ClimannError:
            return None


def _shown(lat: str, lon: str) -> str:
    """A position in words: ``48.82° N, 2.34° E`` (``-8.86° N`` as ``8.86° S``)."""
    north = f"{lat.removeprefix('-')}° {'S' if lat.startswith('-') else 'N'}"
    east = f"{lon.removeprefix('-')}° {'W' if lon.startswith('-') else 'E'}"
    return f"{north}, {east}"
