"""Regions of the grid to score separately: latitude bands, boxes, and named IPCC regions.

A region is a boolean mask of the grid's cells, taken from each cell's true latitude and
longitude (the 2-D geographic coordinates on a curvilinear or rotated grid, see
:meth:`climann.data.layout.GridLayout.geographic_coordinates`):

- **latitude bands** (the default when ``[evaluation] regions`` is ``"auto"``): the tropics
  |φ| ≤ 20°, the northern extratropics φ > 20° and the southern extratropics φ < −20°
  (disjoint), each only if the grid has cells there;
- **boxes** ``[lat_min, lat_max, lon_min, lon_max]`` in degrees (``[evaluation] regions``): a
  cell is inside when lat_min ≤ φ ≤ lat_max and its longitude lies from lon_min eastward to
  lon_max, in either longitude convention; lon_min > lon_max crosses the dateline or the prime
  meridian (``[-10, 10, 170, -170]``, ``[35, 70, 350, 40]``), and ``[…, …, 0, 360]`` is every
  longitude (the same test as ``[data] region``, :func:`climann.data.boxes.cells_in_box`);
- **named regions** (``[evaluation] named_regions``) from the region sets that regionmask ships
  inside its package: ``srex`` (the 26 IPCC SREX regions of AR5, the default set), ``giorgi``
  and ``prudence``, by abbreviation or name, masked with ``regionmask`` (cell centres inside
  the polygons); and the IPCC AR6 reference regions (Iturbide et al. 2020, ESSD 12, 2959) as
  ``ar6:`` names, from regionmask's own cached copy. regionmask 0.13 does not ship them: it
  downloads ``IPCC-WGI-reference-regions-v4.zip`` into its cache on first use. climann
  downloads nothing at run time, so it reads that cached file when it is there (put there
  once by ``python -c "import regionmask; regionmask.defined_regions.ar6.all"`` on a machine
  with network, or copied into the cache folder) and refuses ``ar6:`` names in one line,
  saying so, when it is not.
  regionmask is an optional extra (``pip install "climann[regions]"``), imported only here.

  A named region's key in ``metrics.json`` and the tables is its abbreviation (``MED``); two
  regions of one abbreviation from different sets (``"MED"`` and ``"giorgi:MED"``: SREX's
  "S. Europe/Mediterranean" and Giorgi's Mediterranean, other polygons) are both scored, keyed
  by set and abbreviation (``srex:MED``, ``giorgi:MED``: :func:`named_region_keys`), so that
  two definitions of a region can be compared. The same region named twice (``"MED"`` and
  ``"srex:MED"``) is refused.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from climann.data.layout import GridLayout
from climann.data.boxes import cells_in_box
from climann.data.shell import python_command
from climann.errors import ClimannError

#: The latitude bands scored by default, (south, north) with the band's rule in words.
LATITUDE_BANDS: dict[str, tuple[float, float]] = {
    "tropics": (-20.0, 20.0), "northern_extratropics": (20.0, 90.0), "southern_extratropics": (-90.0, -20.0),
}
#: The region sets of regionmask shipped inside its package (no download), by prefix.
REGION_SETS = ("srex", "giorgi", "prudence")
#: The AR6 regions' file in regionmask's cache (``pooch`` puts it under the regionmask version).
AR6_FILE = "IPCC-WGI-reference-regions-v4.zip"
#: How to put the AR6 regions into regionmask's cache, on a machine with network: the Python of
#: :func:`~climann.data.shell.python_command` (the interpreter that runs climann, which imports
#: regionmask; a bare ``python`` may be the system's, fix57d).
AR6_FETCH = "import regionmask; regionmask.defined_regions.ar6.all"
#: How to see the valid names of a set (its name filled in), as :data:`AR6_FETCH`.
LIST_HINT = "import regionmask; print(regionmask.defined_regions.{}.to_dataframe())"


@dataclass(frozen=True)
class Region:
    """One region on the grid.

    Attributes
    ----------
    name : str
        Its key in ``metrics.json`` and the tables.
    cells : ndarray of bool, shape (n_lat, n_lon)
    description : dict
        What it is, for ``metrics.json``: ``kind`` ("latitude band", "box", or a region set
        such as "srex") and its latitudes, box, or abbreviation and full name.
    """

    name: str
    cells: np.ndarray = field(repr=False)
    description: dict

    @property
    def n_cells(self) -> int:
        """Grid cells inside."""
        return int(self.cells.sum())


def box_problem(values: Sequence[float]) -> str | None:
    """What is wrong with a box ``[lat_min, lat_max, lon_min, lon_max]``, or None."""
    if len(values) != 4:
        return f"must be four numbers [lat_min, lat_max, lon_min, lon_max], got {len(values)}"
    if not all(math.isfinite(value) for value in values):
        return f"must be finite numbers, got {list(values)}"
    lat_min, lat_max, lon_min, lon_max = values
    if not (-90 <= lat_min <= 90 and -90 <= lat_max <= 90):
        return f"latitudes must be in [-90, 90], got {lat_min:g} and {lat_max:g}"
    if lat_min >= lat_max:
        return f"lat_min {lat_min:g} must be below lat_max {lat_max:g}"
    if not (-180 <= lon_min <= 360 and -180 <= lon_max <= 360):
        return f"longitudes must be in [-180, 360], got {lon_min:g} and {lon_max:g}"
    return None


def box_cells(latitude: np.ndarray, longitude: np.ndarray, box: Sequence[float]) -> np.ndarray:
    """The cells inside a box, bool, the shape of ``latitude``.

    lat_min ≤ φ ≤ lat_max and λ from lon_min eastward to lon_max (both ends included; any
    longitude convention; lon_min > lon_max crosses the dateline or prime meridian).

    Parameters
    ----------
    latitude, longitude : ndarray, shape (n_lat, n_lon)
        Each cell's true coordinates in degrees.
    box : (lat_min, lat_max, lon_min, lon_max)
    """
    return cells_in_box(latitude, longitude, box)


def latitude_bands(latitude: np.ndarray, within: np.ndarray | None = None) -> dict[str, Region]:
    """The default regions: tropics |φ| ≤ 20°, northern extratropics φ > 20°, southern
    extratropics φ < −20° (disjoint), those with cells on the grid (of the cells ``within``,
    bool of the shape of ``latitude``, when given: see :func:`grid_regions`)."""
    within = np.ones(np.shape(latitude), dtype=bool) if within is None else within
    masks = {"tropics": (np.abs(latitude) <= 20) & within, "northern_extratropics": (latitude > 20) & within,
             "southern_extratropics": (latitude < -20) & within}
    rules = {"tropics": "|lat| <= 20", "northern_extratropics": "lat > 20", "southern_extratropics": "lat < -20"}
    return {name: Region(name, cells, {"kind": "latitude band", "latitudes": list(LATITUDE_BANDS[name]),
                                       "rule": rules[name]})
            for name, cells in masks.items() if cells.any()}


def _regionmask():
    """regionmask, or a one-line error naming the extra."""
    try:
        import regionmask
    except ImportError:
        raise ClimannError('[evaluation] named_regions needs regionmask: pip install "climann[regions]"') from None
    return regionmask


def parse_named_region(spec: str) -> tuple[str, str]:
    """``"srex:NEU"`` → ``("srex", "NEU")``; without a prefix the set is ``srex``.

    Raises
    ------
    ClimannError
        For an unknown set.
    """
    prefix, colon, name = spec.partition(":")
    region_set, name = (prefix.strip().lower(), name.strip()) if colon else ("srex", spec.strip())
    if region_set not in (*REGION_SETS, "ar6"):
        raise ClimannError(f"[evaluation] named_regions: unknown region set '{prefix}' in '{spec}'; "
                           f"valid: {', '.join(REGION_SETS)} (e.g. \"srex:NEU\")")
    return region_set, name


def find_named_region(spec: str) -> tuple[str, object, int]:
    """The region set, its ``regionmask.Regions`` and the region's number for ``spec``
    (abbreviation or name, any case).

    Raises
    ------
    ClimannError
        An unknown set or name (the message says how to list the valid ones), or no regionmask.
    """
    region_set, name = parse_named_region(spec)
    regions = ar6_regions() if region_set == "ar6" else getattr(_regionmask().defined_regions, region_set)
    for number, abbrev, full in zip(regions.numbers, regions.abbrevs, regions.names, strict=True):
        if name.lower() in (abbrev.lower(), full.lower()):
            return region_set, regions, number
    raise ClimannError(f"[evaluation] named_regions: no region '{name}' in {region_set}; valid abbreviations: "
                       f"{', '.join(regions.abbrevs)} (names: {python_command(LIST_HINT.format(region_set))})")


def ar6_cache_file() -> Path:
    """Where regionmask keeps its downloaded copy of the AR6 regions: its ``cache_dir`` option
    (or pooch's default cache folder for regionmask), then the regionmask version."""
    import pooch

    regionmask = _regionmask()
    folder = Path(regionmask.get_options()["cache_dir"] or pooch.os_cache("regionmask")).expanduser()
    return folder / f"v{regionmask.__version__}" / AR6_FILE


def ar6_regions():
    """The 58 IPCC AR6 reference regions (land and ocean) as ``regionmask.Regions``, read from
    regionmask's cached copy (as ``regionmask.defined_regions.ar6.all`` builds them), never
    downloaded.

    Raises
    ------
    ClimannError
        If regionmask's cache does not hold them.
    """
    import geopandas

    regionmask, path = _regionmask(), ar6_cache_file()
    if not path.is_file():
        raise ClimannError(
            f"[evaluation] named_regions: the AR6 regions are not in regionmask's cache ({path}) and climann downloads "
            f"nothing: run {python_command(AR6_FETCH)} once with network, or use srex:, giorgi:, prudence: or a box")
    frame = geopandas.read_file(f"zip://{path}")
    return regionmask.from_geopandas(frame, names="Name", abbrevs="Acronym", name="AR6 reference regions",
                                     source="Iturbide et al., 2020 (ESSD)", overlap=False)


def named_region_keys(specs: Sequence[str]) -> dict[str, str]:
    """Each named region's key in ``metrics.json`` and the tables: its abbreviation
    (``"NEU"`` → ``NEU``), or its set and abbreviation when a region of another set in
    ``specs`` has the same abbreviation (``"MED"``, ``"giorgi:MED"`` → ``srex:MED``,
    ``giorgi:MED``).

    Parameters
    ----------
    specs : sequence of str
        ``[evaluation] named_regions`` (see :func:`parse_named_region`).

    Returns
    -------
    dict of str to str
        Each spec → its key, in the order given.

    Raises
    ------
    ClimannError
        The same region named twice (by abbreviation and name, with and without ``srex:``),
        or an unknown set or region (:func:`find_named_region`).
    """
    chosen: dict[str, tuple[str, str]] = {}
    for spec in specs:
        region_set, regions, number = find_named_region(spec)
        found = (region_set, str(regions[[number]].abbrevs[0]))
        earlier = next((given for given, other in chosen.items() if other == found), None)
        if earlier is not None:
            raise ClimannError(f"[evaluation] named_regions names the region {found[0]}:{found[1]} twice ({earlier!r} "
                               f"and {spec!r}): keep one")
        chosen[spec] = found
    sets = {abbrev: {region_set for region_set, other in chosen.values() if other == abbrev}
            for _, abbrev in chosen.values()}
    return {spec: abbrev if len(sets[abbrev]) == 1 else f"{region_set}:{abbrev}"
            for spec, (region_set, abbrev) in chosen.items()}


def named_region(spec: str, latitude: np.ndarray, longitude: np.ndarray, *, key: str | None = None) -> Region:
    """A named region's cells (cell centres inside its polygon, by ``regionmask``'s ``mask``
    on the true coordinates) and description; its name is ``key``, by default its
    abbreviation (see :func:`named_region_keys`)."""
    region_set, regions, number = find_named_region(spec)
    chosen = regions[[number]]
    # mask_3D: one layer per region, right also for sets whose regions overlap (PRUDENCE),
    # where regionmask refuses a 2-D mask. A region off the grid is no fault of the mask:
    # regionmask's UserWarning for it is silenced, and climann's own warning says it once
    # (:func:`climann.evaluation.groups.group_metrics_from_score_sums`).
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="No gridpoint belongs to any region", category=UserWarning)
        layers = chosen.mask_3D(np.asarray(longitude, np.float64), np.asarray(latitude, np.float64))
    cells = np.asarray(layers.values).any(axis=0).reshape(np.shape(latitude))
    abbrev, full = chosen.abbrevs[0], chosen.names[0]
    return Region(key or abbrev, cells, {"kind": region_set, "abbrev": abbrev, "name": full})


def grid_regions(
    latitude: np.ndarray, longitude: np.ndarray, boxes: Mapping[str, Sequence[float]] | None,
    named: Sequence[str] = (), *, within: np.ndarray | None = None,
) -> dict[str, Region]:
    """Every region to score on a grid: the boxes (the :func:`latitude_bands` when ``boxes``
    is None), then the named regions.

    Parameters
    ----------
    latitude, longitude : ndarray, shape (n_lat, n_lon)
        Each cell's true coordinates in degrees.
    boxes : mapping of name to (lat_min, lat_max, lon_min, lon_max), or None
    named : sequence of str
        ``"srex:NEU"``, ``"NEU"``, ``"giorgi:WAF"``, … (see :func:`parse_named_region`).
    within : ndarray of bool, shape (n_lat, n_lon), optional
        The cells scored (those inside ``[data] region``,
        :meth:`~climann.data.layout.GridLayout.cells_in_region`): each region holds only
        those, and a latitude band none of them is in is left out. None: every cell.

    Returns
    -------
    dict of str to Region
        Regions without a cell on the grid included (``n_cells`` 0); the named ones keyed
        by :func:`named_region_keys`.
    """
    within = np.ones(np.shape(latitude), dtype=bool) if within is None else np.asarray(within, bool)
    if boxes is None:
        regions = latitude_bands(latitude, within)
    else:
        regions = {name: Region(name, box_cells(latitude, longitude, box) & within, {"kind": "box", "box": list(box)})
                   for name, box in boxes.items()}
    for spec, key in named_region_keys(named).items():
        region = named_region(spec, latitude, longitude, key=key)
        regions[key] = dataclasses.replace(region, cells=region.cells & within)
    return regions


def layout_regions(layout: GridLayout, boxes: Mapping[str, Sequence[float]] | None,
                   named: Sequence[str] = (), *, region: Sequence[float]) -> dict[str, Region]:
    """:func:`grid_regions` on a grid's true coordinates (2-D on a curvilinear or rotated
    grid), of the cells scored inside the run's ``[data] region`` (``region``, empty for none;
    :meth:`~climann.data.layout.GridLayout.cells_in_region`): on a rotated or curvilinear grid
    the layout holds the rectangle of rows and columns around that box, whose other cells are
    never scored and are in no region."""
    latitude, longitude = layout.geographic_coordinates()
    return grid_regions(latitude, longitude, boxes, named, within=layout.cells_in_region(region))


def region_definitions(regions: Mapping[str, Region]) -> dict[str, dict]:
    """``metrics.json``'s ``region_definitions``: each region's description and ``n_cells``."""
    return {name: {**region.description, "n_cells": region.n_cells} for name, region in regions.items()}
