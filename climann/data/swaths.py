"""Level-2 satellite swaths: refused in one line, with the way to a grid.

A Level-2 product (NASA EOSDIS data processing levels: "derived geophysical variables at the
same resolution and location as the Level 1 source data") holds what one pass of an instrument
saw, pixel by pixel along its scan lines: MODIS-Aqua's L2 SST on ``number_of_lines`` ×
``pixels_per_line`` with a time per scan line, GHRSST's L2P (Sentinel-3 SLSTR) on ``nj`` × ``ni``
with each pixel's time offset. Its latitude and longitude are 2-D and differ from pass to pass:
a swath is not a grid. climann trains on one fixed grid of cells over time, so passes must first
be gridded, all of them onto one common regular latitude-longitude grid (the product's Level-3
files: OBPG's mapped L3m, GHRSST's collated L3C or super-collated L3S; SeaDAS ``l2bin`` then
``l3mapgen``; or pyresample). Remapping every pass onto the first pass's pixels (what the
advice for curvilinear grids, ``cdo remapbil``, would do) loses what falls outside that one
swath, a different share of each pass (break40b B5: 22 % of the second pass).

A file is a swath when its latitude is not 1-D (2-D on the pixels, or not in the file at all,
as in a copy of MODIS's ``geophysical_data`` group alone), it has no 1-D projected axis (x/y
of a polar stereographic grid: a Level-2 product already gridded) and something says Level 2: its
``processing_level`` (ACDD 1.3; "L2", "L2P", "Level 2"), its ``cdm_data_type`` "swath" (ACDD,
Unidata's CDM feature types), the dimensions of scan lines and pixels that swath products use
(:data:`SWATH_DIMENSIONS`, :data:`SWATH_DIMENSION_PATTERN`: OBPG's, MODIS's HDF-EOS
``Cell_Along_Swath:mod04`` as netCDF-C reads them, VIIRS's ``Idx_Atrack``), a granule's file name
(:data:`GRANULE_NAME`: ``MOD04_L2.A2020001.0935.…``, ``AQUA_MODIS.20200101T093500.L2.OC.nc``), or
a time per scan line (a time on the latitude's first dimension, or a scan time on the pixels:
MODIS's ``Scan_Start_Time``, "replicated across the swath"). MOD04_L2 granules, which hold no
``processing_level``, were read as curvilinear grids, and several as "files on different grids",
whose advice (``cdo remapbil``) aborts on them ("Unsupported generic coordinates", break47d A2).
Files of one product whose 2-D latitude and longitude differ from file to file and that have no time
axis are passes too (:func:`moving_pixels_message`): a fixed curvilinear grid keeps its positions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import xarray as xr

#: ACDD ``processing_level`` values of a Level-2 product: "L2" (OBPG), "L2P" (GHRSST), "L2A",
#: "Level 2", "Level-2".
_LEVEL_2 = re.compile(r"^\s*l(?:evel)?[\s_-]*2[a-z]?\s*$", re.IGNORECASE)

#: Dimension names of scan lines and pixels in Level-2 swath products: OBPG (MODIS, VIIRS,
#: SeaWiFS, PACE) number_of_lines × pixels_per_line (pixel_control_points for navigation);
#: Sentinel-5P TROPOMI scanline × ground_pixel; GPM nscan × npixel; and the generic
#: along_track × across_track.
SWATH_DIMENSIONS = frozenset({
    "number_of_lines", "pixels_per_line", "pixel_control_points", "scanline", "ground_pixel",
    "nscan", "npixel", "along_track", "across_track", "cross_track",
})

#: Dimension names of scan lines and pixels beyond :data:`SWATH_DIMENSIONS`, matched on the name
#: before any ``:`` suffix (netCDF-C names an HDF-EOS swath's dimensions ``Cell_Along_Swath:mod04``),
#: ignoring case: MODIS's ``Cell_Along_Swath``/``Cell_Across_Swath`` (``_1km``, ``_5km``: MOD04,
#: MOD06, MOD35 L2), VIIRS's ``Idx_Atrack``/``Idx_Xtrack`` (AERDB/AERDT L2), ``number_of_pixels``
#: (VIIRS L2 NetCDF), ``nscans`` (``10*nscans``: MODIS L1B), and ``along_swath``/``across_swath``.
SWATH_DIMENSION_PATTERN = re.compile(
    r"(?:cell_(?:along|across)_swath(?:_\d+k?m)?|(?:idx_)?[ax]track|(?:along|across|cross)_(?:swath|track)"
    r"|number_of_(?:lines|pixels|scans)|(?:\d+\*)?nscans|pixels_per_(?:line|scan))", re.IGNORECASE)

#: A Level-2 granule's file name: MODIS and VIIRS (LAADS, LP DAAC) ``MOD04_L2.A2020001.0935.061.….hdf``
#: (year, day of year, then the granule's start HHMM: Level-3 daily files and tiles have no HHMM),
#: ``AERDB_L2_VIIRS_SNPP.A2020001.0000.…``; OBPG's ``AQUA_MODIS.20200101T093500.L2.OC.nc`` and
#: ``A2020001093500.L2_LAC_OC.nc``.
GRANULE_NAME = re.compile(r"\.A\d{7}\.\d{4}\.|(?:^|[._])L2(?:[._]|$)|_L2_", re.IGNORECASE)


def is_swath_dimension(dim: str) -> bool:
    """Whether ``dim`` is a swath's scan-line or pixel dimension (:data:`SWATH_DIMENSIONS`,
    :data:`SWATH_DIMENSION_PATTERN`), its ``:…`` suffix (``Cell_Along_Swath:mod04``) left out."""
    name = str(dim).split(":")[0]
    return name in SWATH_DIMENSIONS or SWATH_DIMENSION_PATTERN.fullmatch(name) is not None


#: Where the passes go: the product's gridded files or the tools that grid them.
GRIDDING = ("grid all the passes onto one common regular latitude-longitude grid first, not onto one swath's "
            "pixels: the product's Level-3 files (L3m, L3C or L3S), SeaDAS `l2bin` then `l3mapgen`, or pyresample")


def level_2_attributes(attributes: Mapping[str, object]) -> list[str]:
    """The global attributes that say a file is a Level-2 swath, as text (``processing_level
    'L2'``, ``cdm_data_type 'swath'``); empty when none does.

    Parameters
    ----------
    attributes : mapping
        The file's global attributes.
    """
    said = []
    level = attributes.get("processing_level")
    if isinstance(level, str) and _LEVEL_2.match(level):
        said.append(f"processing_level '{level.strip()}'")
    kind = attributes.get("cdm_data_type")
    if isinstance(kind, str) and kind.strip().lower() == "swath":
        said.append(f"cdm_data_type '{kind.strip()}'")
    return said


def _is_latitude(variable: xr.DataArray, name: str) -> bool:
    units = str(variable.attrs.get("units", "")).lower()
    return (variable.attrs.get("standard_name") == "latitude" or units in ("degrees_north", "degree_north",
                                                                          "degrees_n", "degree_n")
            or name.lower() in ("lat", "latitude", "nav_lat"))


def _is_grid_axis(variable: xr.DataArray) -> bool:
    """A 1-D projected or rotated axis (CF §4.1, §5.6): a grid, whatever says Level 2."""
    return variable.ndim == 1 and (variable.attrs.get("axis") in ("X", "Y") or variable.attrs.get("standard_name") in (
        "projection_x_coordinate", "projection_y_coordinate", "grid_longitude", "grid_latitude"))


def _is_time(variable: xr.DataArray) -> bool:
    units = str(variable.attrs.get("units", variable.encoding.get("units", "")))
    return (variable.dtype.kind == "M" or variable.attrs.get("standard_name") == "time" or " since " in units
            or "time" in str(variable.attrs.get("long_name", "")).lower())


def swath_message(dataset: xr.Dataset, where: str) -> str | None:
    """The one-line refusal of a Level-2 swath (see the module's description), or None.

    Parameters
    ----------
    dataset : xarray.Dataset
        One file, opened (its variables, coordinates and global attributes).
    where : str
        The file's name, for the message.

    Returns
    -------
    str or None
        The refusal, naming what says the file is a swath and where to grid it; None for a
        file with a 1-D latitude (a grid, whatever its attributes say) or nothing of a swath.
    """
    variables = {str(name): variable for name, variable in dataset.variables.items()}
    latitudes = [(name, variable) for name, variable in variables.items() if _is_latitude(variable, name)]
    if any(variable.ndim == 1 for _, variable in latitudes) or any(_is_grid_axis(variable)
                                                                   for variable in variables.values()):
        return None
    said = level_2_attributes(dataset.attrs)
    pixels = next((variable.dims for _, variable in latitudes if variable.ndim == 2), None)
    dims = [str(dim) for dim in dataset.dims]
    swath_dims = [dim for dim in dims if is_swath_dimension(dim)]
    granule = GRANULE_NAME.search(where) is not None
    if pixels is not None:
        names = " and ".join(f"'{name}'" for name, variable in variables.items()
                             if variable.dims == pixels and (_is_latitude(variable, name)
                                                             or variable.attrs.get("standard_name") == "longitude"
                                                             or name.lower() in ("lon", "longitude", "nav_lon")))
        said.append(f"{names} of each pixel on {' × '.join(map(str, pixels))}")
        # a time on the scan lines, which have no coordinate of their own: lat(time, station) of moving
        # stations is on the file's time axis (its coordinate time(time)), not on scan lines
        line_times = [name for name, variable in variables.items()
                      if variable.dims == pixels[:1] and _is_time(variable) and pixels[0] not in variables]
        if line_times:
            said.append(f"a time per scan line ({', '.join(repr(name) for name in line_times)})")
        # a scan's time on every pixel (MODIS's Scan_Start_Time, "replicated across the swath")
        scan_times = [name for name, variable in variables.items() if variable.dims == pixels and _is_time(variable)
                      and "scan" in f"{name} {variable.attrs.get('long_name', '')}".lower()]
        if scan_times:
            said.append(f"a scan time on each pixel ({', '.join(repr(name) for name in scan_times)})")
        if granule:
            said.append("a Level-2 granule's file name")
    elif swath_dims:
        said.append(f"data on {' × '.join(swath_dims)} and no latitude or longitude")
    if not level_2_attributes(dataset.attrs) and not swath_dims and not any(
            "scan" in text or "granule" in text for text in said):
        return None
    return swath_refusal(where, said, product=modis_product(where, dims))


#: A MODIS Level-2 product's short name in a granule's file name or a dimension's HDF-EOS suffix
#: (``MOD04_L2``, ``MYD06_L2``, ``Cell_Along_Swath:mod04``): its Level-3 atmosphere product is
#: ``M?D08`` (daily ``_D3``, eight-day ``_E3``, monthly ``_M3``, 1°).
_MODIS_PRODUCT = re.compile(r"(?:^|[/:])(?P<platform>m[oy]d)(?P<number>0[4-7])(?:_l2|\b)", re.IGNORECASE)


def modis_product(where: str, dims=()) -> str:
    """Words naming the Level-3 files of a MODIS atmosphere Level-2 product (MOD04–MOD07 →
    ``MOD08_D3``, daily on a 1° grid; ``MYD`` for Aqua), from the file name or a dimension's
    ``:mod04`` suffix; "" for other products."""
    for text in (where, *map(str, dims)):
        found = _MODIS_PRODUCT.search(text)
        if found is not None:
            platform = "MYD" if found["platform"].lower() == "myd" else "MOD"
            return (f"MODIS atmosphere's Level-3 {platform}08_D3 (daily, 1°; {platform}08_M3 monthly) holds "
                    f"{found['platform'].upper()}{found['number']}_L2's quantities gridded")
    return ""


def swath_refusal(where: str, said: list[str], *, product: str = "") -> str:
    """The one line that refuses the swath ``where`` for what ``said`` (its attributes, pixels);
    ``product``: words naming the product's own gridded files (:func:`modis_product`), said first."""
    gridded = f"{product}; or {GRIDDING}" if product else GRIDDING
    return (f"{where} is a Level-2 satellite swath ({'; '.join(said)}): a swath is not a grid (each pass has its "
            f"own pixels, and climann trains on one fixed grid of cells over time); {gridded}, and give those files")


def moving_pixels_message(reference: Mapping[str, xr.DataArray], other: Mapping[str, xr.DataArray],
                          where: tuple[str, str], *, same_variables: bool, time_axis: bool) -> str | None:
    """The refusal of two files of one product whose 2-D latitude and longitude, on the same
    dimensions, differ (the caller found them on different grids): the passes of a swath, whatever
    their attributes say, which no remapping onto one of them grids; None when either grid is not
    2-D latitude and longitude on the same dimensions, the files hold different variables, or they
    have a time axis (a model's curvilinear output, a series on its fixed grid).

    Parameters
    ----------
    reference, other : mapping of str to xarray.DataArray
        The two files' grid coordinates (:func:`climann.data.coords.grid_coordinates`).
    where : (str, str)
        The two files' names.
    same_variables : bool
        Whether the two files hold the same data variables.
    time_axis : bool
        Whether either file has a time axis.
    """
    two_d = [values.dims for values in (*reference.values(), *other.values()) if values.ndim == 2]
    if (time_axis or not same_variables or len(two_d) != len(reference) + len(other) or len(two_d) < 4
            or len(set(two_d)) != 1):
        return None
    said = [f"2-D latitude and longitude on {' × '.join(map(str, two_d[0]))} that differ from file to file "
            f"({where[0]}, {where[1]}), without a time axis: each file one pass"]
    return swath_refusal(f"{where[1]}, beside {where[0]},", said, product=modis_product(where[1], two_d[0]))


def grouped_swath_message(handle: object, where: str, groups: list[str]) -> str | None:
    """The refusal of a NetCDF-4 Level-2 product whose root holds no data (OBPG's L2 files:
    ``geophysical_data``, ``navigation_data``, ``scan_line_attributes``), said by its root's
    attributes (:func:`level_2_attributes`) or its groups' swath dimensions; None for any
    other grouped file.

    Parameters
    ----------
    handle : netCDF4.Dataset
        The open file.
    where : str
        The file's name, for the message.
    groups : list of str
        The full names of its groups that hold variables.
    """
    attributes = {key: handle.getncattr(key) for key in handle.ncattrs()}
    said = level_2_attributes(attributes)
    dims = [str(dim) for dim in handle.dimensions]
    if not said and not any(dim in SWATH_DIMENSIONS for dim in dims):
        return None
    for name in groups:
        group = handle[name.strip("/")]
        for variable_name, variable in group.variables.items():
            if len(variable.dimensions) == 2 and (getattr(variable, "standard_name", "") == "latitude"
                                                  or variable_name.lower() in ("lat", "latitude")):
                said.append(f"latitude and longitude of each pixel in '{name.strip('/')}' on "
                            f"{' × '.join(variable.dimensions)}")
                break
    if not said:
        return None
    return swath_refusal(f"{where} (groups {', '.join(repr(name.strip('/')) for name in groups[:5])})", said)
