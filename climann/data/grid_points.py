"""The points a variable lies on, in a file whose grid has more than one set of them.

CESM's ocean model POP2 writes each history file with two pairs of 2-D coordinates on the
same dimensions ``(nlat, nlon)``: ``TLAT``/``TLONG``, the T points (temperature, salinity, sea
surface height) and ``ULAT``/``ULONG``, the U points half a cell to the north-east
(velocities, wind stress: an Arakawa B grid), neither pair with a CF ``standard_name``. Each
variable names its own pair in its ``coordinates`` attribute (``SST: coordinates = "TLONG
TLAT time"``, ``UVEL: coordinates = "ULONG ULAT z_t time"``): CF 1.8 §5, a variable's
auxiliary coordinates are those it names, not every coordinate of the file.

So the grid of a run is its target's points (:func:`on_points_of`):

- the pair that the target names in its ``coordinates``; else the pair with CF standard
  names (the file says which is its grid); else refused in one line with the ``ncatted`` that
  gives one pair its standard names;
- a variable the run uses (a predictor) that names another pair lies elsewhere in every cell,
  as WRF's staggered winds do (:func:`climann.data.coords.is_staggered`): refused in one line,
  interpolate it to the target's points first;
- a variable the run does not name (the predictors chosen from the data, ``climann info``)
  on another pair is left out, with a note;
- the other pairs (and their CF bounds) are dropped: the dataset then has one grid.

``climann info``, which has no target yet, takes the pair that most data variables name (POP's
T points), and says so.

A regular grid may have more than one set of 1-D axes too: CESM CAM-FV history files hold
``slat``/``slon`` (the staggered latitudes and longitudes, half a cell off, of ``US(time, slat,
lon)`` and ``VS(time, lat, slon)``) beside ``lat``/``lon``; GFDL MOM5 and ACCESS-OM2 ocean files
hold ``yt_ocean``/``xt_ocean`` (T cells) beside ``yu_ocean``/``xu_ocean`` (U cells of the B grid),
none of them with a CF standard_name. There a variable's points are its dimensions (CF 1.8 §4:
a coordinate variable is the coordinate of the variables along its dimension), and the same
rules hold: the target's axes are the run's grid, a used variable along another axis is
refused (with the ``cdo remapbil`` that brings it to the target's grid), an unused one left out
with a note, the other axes and every variable along them dropped.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Collection

import numpy as np
import xarray as xr

from climann.data.coords import (
    bounds_names, named_coordinates, one_dimensional_candidates, two_dimensional_candidates,
)
from climann.data.direction_regrid import cdo_direction_chain, dataset_directions
from climann.data.notes import note_once
from climann.data.shell import attribute_command, ncatted_attribute, source_and_copy, shown_path
from climann.errors import ClimannError

_log = logging.getLogger(__name__)

#: A pair of 2-D coordinates: (latitude name, longitude name).
Points = tuple[str, str]


def _several(candidates: dict[str, list[str]]) -> bool:
    return any(len(candidates.get(kind, [])) > 1 for kind in ("latitude", "longitude"))


def point_candidates(dataset: xr.Dataset) -> tuple[dict[str, list[str]], bool]:
    """The latitudes and longitudes of a grid with more than one set of points: kind → names,
    and whether they are 1-D axes (CAM-FV's, MOM's) rather than 2-D coordinates (POP's); the
    2-D ones when there are any (a curvilinear grid's 1-D axes are its index dimensions)."""
    two = two_dimensional_candidates(dataset)
    if two:
        return two, False
    return one_dimensional_candidates(dataset), True


def named_points(dataset: xr.Dataset) -> dict[str, Points]:
    """Each data variable (not bounds) that names a 2-D latitude and longitude of ``dataset`` in
    its ``coordinates`` attribute (or, on 1-D axes, lies along one latitude and one longitude
    axis) → that pair; only when the dataset has several of a kind (:func:`point_candidates`),
    else empty."""
    candidates, axes = point_candidates(dataset)
    if not _several(candidates):
        return {}
    bounds, found = bounds_names(dataset), {}
    for name, variable in dataset.data_vars.items():
        listed = list(map(str, variable.dims)) if axes else named_coordinates(variable)
        latitude = [item for item in listed if item in candidates.get("latitude", [])]
        longitude = [item for item in listed if item in candidates.get("longitude", [])]
        if name not in bounds and len(latitude) == 1 and len(longitude) == 1:
            found[str(name)] = (latitude[0], longitude[0])
    return found


def _stated_points(dataset: xr.Dataset) -> Points | None:
    """The one pair whose latitude and longitude carry CF standard names, or None."""
    candidates, axes = point_candidates(dataset)
    if axes and not _several(candidates):  # a regular grid's one pair of axes
        return None
    stated = [[name for name in candidates.get(kind, []) if "standard_name" in dataset[name].attrs]
              for kind in ("latitude", "longitude")]
    return (stated[0][0], stated[1][0]) if all(len(names) == 1 for names in stated) else None


def _most_named(on: dict[str, Points]) -> Points:
    """The pair most variables name (the first named of equals)."""
    return Counter(on.values()).most_common(1)[0][0]


def on_points_of(
    dataset: xr.Dataset, target: str | None, *, used: Collection[str] | None = None,
    points: Points | None = None, where: str = "the file",
) -> tuple[xr.Dataset, Points | None]:
    """``dataset`` with one set of 2-D points, its target's, as the module says.

    Parameters
    ----------
    dataset : xarray.Dataset
        One file (or the files combined), lazy.
    target : str or None
        The run's target; None: the pair most data variables name (``climann info``).
    used : collection of str, optional
        The variables the run uses (target, predictors …); None: predictors not chosen yet,
        so the variables on other points are left out rather than refused.
    points : (str, str), optional
        The target's pair as found in another file (a file without the target); taken where
        the dataset holds both of its names, else the dataset's own.
    where : str
        The file's name, for messages.

    Returns
    -------
    (xarray.Dataset, (str, str) or None)
        The dataset with the other pairs, their bounds and the unused variables on them
        dropped, and the pair kept; as given, with None, when it has one set of points.

    Raises
    ------
    ClimannError
        If the target names no pair and none has CF standard names (with the ``ncatted``
        line), or a used variable names another pair than the target's.
    """
    on = named_points(dataset)
    if not on and _stated_points(dataset) is None:
        return dataset, None
    candidates, axes = point_candidates(dataset)
    if target is not None and target in on:
        points = on[target]
    elif points is None or any(name not in dataset.variables for name in points):
        # another file's pair applies where this file holds both of its names: a file with a pair
        # of its own under other names (ERA5's lat/lon beside the CDR's latitude/longitude) keeps
        # it, and the files' names are made one when they are combined (climann.data.grid_names);
        # its lon was dropped as "other points" when only its lat was renamed (break43a A1)
        points = _stated_points(dataset) or (_most_named(on) if on and (target is None or target not in dataset)
                                             else None)
    if points is None:
        raise ClimannError(_unnamed_message(dataset, target, where))
    # a pair equal in value to the target's is the same points under other names (SMAP's latitude_pm beside latitude)
    dataset, on, candidates = _same_points_joined(dataset, on, candidates, points, axes, where=where)
    others = {name for names in candidates.values() for name in names} - set(points)
    elsewhere = {name: pair for name, pair in on.items() if pair != points}
    if axes:  # a variable along one other axis (CAM's w_stag(slat)) is off the grid too
        elsewhere |= {str(name): tuple(str(dim) for dim in variable.dims if dim in others or dim in points)
                      for name, variable in dataset.data_vars.items()
                      if name not in elsewhere and set(map(str, variable.dims)) & others}
    refused = [name for name in elsewhere if used is not None and name in used]
    if refused:
        raise ClimannError(_elsewhere_message(dataset, refused[0], elsewhere[refused[0]], target, points, axes))
    if elsewhere:
        whose = f"the target '{target}'" if target is not None else "most variables"
        note_once(_log, logging.INFO, f"{where}: left out, on other points than {whose} ({' and '.join(points)}): "
                  + "; ".join(f"{name} ({' and '.join(pair)})" for name, pair in elsewhere.items()))
    bounds = {str(dataset[name].attrs["bounds"]) for name in others if "bounds" in dataset[name].attrs}
    dropped = [name for name in (*elsewhere, *others, *bounds) if name in dataset.variables]
    return dataset.drop_vars(dropped), points


def _same_points(dataset: xr.Dataset, pair: Points, points: Points) -> bool:
    """Whether the 2-D ``pair`` (latitude, longitude names) places the cells where ``points`` does:
    the same dimensions and, at every cell where both hold a value, values within
    :data:`~climann.data.grids.GRID_TOLERANCE` of the typical step between neighbouring cells
    (fill-aware: SMAP's AM and PM pairs are -9999, missing once decoded, where each half of the
    day had no retrieval), with at least one such cell."""
    from climann.data.grids import GRID_TOLERANCE

    for kind, (one, other) in enumerate(zip(pair, points)):
        first, second = dataset[one], dataset[other]
        if first.ndim != 2 or set(first.dims) != set(second.dims):
            return False
        a, b = (np.asarray(v.transpose(*first.dims).values, np.float64) for v in (first, second))
        both = np.isfinite(a) & np.isfinite(b)
        if not both.any():
            return False
        steps = np.abs(np.diff(np.where(np.isfinite(b), b, np.nan), axis=-1))
        step = float(np.nanmedian(steps)) if np.isfinite(steps).any() else 1.0
        difference = a[both] - b[both]
        apart = np.abs((difference + 180.0) % 360.0 - 180.0 if kind == 1 else difference)  # longitudes wrap
        if apart.max() > GRID_TOLERANCE * max(step, 1e-9):
            return False
    return True


def _same_points_joined(dataset: xr.Dataset, on: dict[str, Points], candidates: dict[str, list[str]],
                        points: Points, axes: bool, *, where: str
                        ) -> tuple[xr.Dataset, dict[str, Points], dict[str, list[str]]]:
    """The variables of ``on`` naming a 2-D pair equal in value to ``points`` (:func:`_same_points`)
    put on ``points``: their ``coordinates`` name ``points``, ``points`` filled from the pair where
    they are missing and it is not, and the pair no more a candidate (dropped with the others), said
    in a note. break52b A5: SMAP L3's AM and PM groups merged, ``soil_moisture_pm`` on
    ``latitude_pm``/``longitude_pm`` (the same cells) was refused as a staggered grid, "interpolate it
    to the target's points first"."""
    if axes:
        return dataset, on, candidates
    pairs = {pair for pair in on.values() if pair != points and all(name in dataset.variables for name in pair)}
    same = [pair for pair in pairs if _same_points(dataset, pair, points)]
    if not same:
        return dataset, on, candidates
    for pair in same:
        for kept, other in zip(points, pair):
            filled = dataset[kept].fillna(dataset[other].transpose(*dataset[kept].dims))
            dataset = dataset.assign_coords({kept: filled.variable}) if kept in dataset.coords else \
                dataset.assign({kept: filled})
        for name in [name for name, named in on.items() if named == pair]:
            variable = dataset[name]
            words = [points[pair.index(word)] if word in pair else word for word in named_coordinates(variable)]
            attrs = {**variable.attrs, "coordinates": " ".join(words)} if "coordinates" in variable.attrs \
                else variable.attrs
            encoding = {**variable.encoding, "coordinates": " ".join(words)} if "coordinates" in variable.encoding \
                else variable.encoding
            dataset[name] = variable.assign_attrs(attrs) if attrs is not variable.attrs else variable
            dataset[name].encoding = encoding
            on[name] = points
        note_once(_log, logging.INFO, f"{where}: {' and '.join(pair)} equal {' and '.join(points)} wherever both "
                  "are given: the same points, read as one grid")
    return dataset, on, candidates


def _elsewhere_message(dataset: xr.Dataset, name: str, pair: tuple[str, ...], target: str | None, points: Points,
                       axes: bool) -> str:
    """Why a used variable on other points than the target's is refused, and the way out."""
    if not axes:
        return (f"variable '{name}' lies on other points than the target's: its coordinates attribute names "
                f"{' and '.join(pair)}, the target's {' and '.join(points)} (a staggered grid, as POP's U and T "
                f"points); interpolate it to the target's points first (e.g. with xESMF), or choose another variable")
    off = set(pair) - set(points)
    grid = [str(other) for other, variable in dataset.data_vars.items()
            if set(points) <= set(map(str, variable.dims)) and not off & set(map(str, variable.dims))]
    source = str(dataset.encoding.get("source", "")) or "IN.nc"
    reference = target or (grid[0] if grid else "TARGET")
    on_grid = f"{reference}_grid.nc"
    whose = "the target" if target is None else f"the target '{target}'"
    source, written = shown_path(source), f"{name}_on_{'_'.join(points)}.nc"
    # a direction interpolated as numbers puts 350° and 10° at 180°: by its sine and cosine (fix52k)
    remap = cdo_direction_chain(f"remapbil,{on_grid}", dataset_directions(dataset[[name]])).removeprefix("-")
    return (f"variable '{name}' lies on another grid than the target's: along {' and '.join(pair)}, {whose} "
            f"along {' and '.join(points)} (a staggered grid, as CAM-FV's slat/slon or MOM's U and T cells, half a "
            f"cell apart); interpolate it to the target's grid first, e.g. cdo selvar,{reference} {source} "
            f"{on_grid}; cdo {remap} -selvar,{name} {source} {written}, or choose variables of the "
            "target's grid" + (f" ({', '.join(grid[:6])}{' …' if len(grid) > 6 else ''})" if grid else ""))


def _unnamed_message(dataset: xr.Dataset, target: str | None, where: str) -> str:
    """Why the target's points are not known, with the ``ncatted`` line that says which pair is the grid."""
    candidates, axes = point_candidates(dataset)
    kind = "latitude" if len(candidates.get("latitude", [])) > 1 else "longitude"
    latitude, longitude = candidates.get("latitude", ["LAT"])[0], candidates.get("longitude", ["LON"])[0]
    how = "lies along none of them" if axes else "names none of them in its coordinates attribute"
    return (f"{where}: several {'' if axes else '2-D '}coordinates look like {kind} ({', '.join(candidates[kind])}) "
            f"and '{target}' {how}, nor does any carry a CF standard_name; say "
            "which are its points, e.g. "
            + attribute_command([ncatted_attribute("standard_name", latitude, "o", "c", "latitude"),
                                 ncatted_attribute("standard_name", longitude, "o", "c", "longitude")],
                                source_and_copy(dataset)))
