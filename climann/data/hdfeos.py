"""HDF-EOS5 grid files (``.he5``: OMI's OMNO2d, OMAERUVd, MLS and TES level-3 grids).

An HDF-EOS5 file is HDF5 that the netCDF library opens as NetCDF-4: the root group holds no
variables; the group ``HDFEOS INFORMATION`` holds only ``StructMetadata.0``, the grid's
description as ODL text (HDF-EOS5 User's Guide, "Grid Interface"); each grid's data fields are
in ``HDFEOS/GRIDS/<GridName>/Data Fields``. The data group holds no latitude or longitude: for a
geographic grid (``Projection=HE5_GCTP_GEO``) they follow from ``XDim``, ``YDim`` and the
corners ``UpperLeftPointMtrs`` and ``LowerRightMtrs``, which for that projection are degrees in
GCTP's packed DMS (``DDDMMMSSS.SS``: ``-180000000.0`` is 180° W). The cells are the
``XDim × YDim`` equal spans between the corners, counted from the upper left
(``GridOrigin=HE5_HDFE_GD_UL``), each value at its cell's centre (OMNO2d: 0.25° cells,
latitude 89.875 to -89.875).

HDF-EOS names its attributes otherwise than CF: ``Units`` (OMI: ``molec/cm2``) for CF's
``units``, ``MissingValue`` beside the ``_FillValue`` of the same value, ``ScaleFactor`` and
``Offset`` (1 and 0 in OMI's level-3 grids). :func:`~climann.data.attribute_names.with_cf_names`
reads ``Units`` as the units where a variable has no ``units``; :func:`grid_copy_code` writes
the copy of a data group with its latitude and longitude, its ``Units`` as ``units``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass

from climann.data.shell import whole_write

__all__ = ["FILE_ATTRIBUTES", "GRANULE_DATE", "GRID_SPACING", "GRID_SPAN", "NAME_DATE", "HdfEosGrid", "granule_dating",
           "grid_copy_code", "hdfeos2_grid", "hdfeos2_grid_statements", "hdfeos_grids", "span_grid"]

#: The group and variable holding an HDF-EOS5 file's structural metadata.
STRUCT_METADATA = ("HDFEOS INFORMATION", "StructMetadata.0")

#: One ``GROUP=GRID_n … END_GROUP=GRID_n`` of the ODL's ``GridStructure``.
_GRID = re.compile(r"GROUP=(GRID_\d+)(?P<body>.*?)END_GROUP=\1", re.DOTALL)


@dataclass(frozen=True)
class HdfEosGrid:
    """A geographic HDF-EOS5 grid, from its ``StructMetadata.0``.

    Attributes
    ----------
    name : str
        ``GridName`` (the group ``HDFEOS/GRIDS/<name>``).
    columns, rows : int
        ``XDim`` and ``YDim``.
    west, north, east, south : float
        The corners, in degrees (``UpperLeftPointMtrs``, ``LowerRightMtrs``, unpacked from DMS).
    described : str
        Where the file describes the grid, for a refusal's words.
    """

    name: str
    columns: int
    rows: int
    west: float
    north: float
    east: float
    south: float
    described: str = "/".join(STRUCT_METADATA) + ": XDim, YDim, UpperLeftPointMtrs, LowerRightMtrs"

    def centres(self) -> tuple[list[float], list[float]]:
        """The latitudes of the rows (north first) and the longitudes of the columns, at the
        cells' centres, in degrees."""
        dy, dx = (self.north - self.south) / self.rows, (self.east - self.west) / self.columns
        return ([self.north - (row + 0.5) * dy for row in range(self.rows)],
                [self.west + (column + 0.5) * dx for column in range(self.columns)])


def _degrees(packed: float) -> float:
    """GCTP's packed DMS (``DDDMMMSSS.SS``) in degrees: ``-180000000.0`` → -180.0."""
    sign, value = (-1 if packed < 0 else 1), abs(packed)
    degrees, rest = divmod(value, 1e6)
    minutes, seconds = divmod(rest, 1e3)
    return sign * (degrees + minutes / 60 + seconds / 3600)


#: The geographic projection and upper-left origin as HDF-EOS5 (``HE5_``) and HDF-EOS2 (HDF4: MODIS's
#: CMG products, ``GCTP_GEO``, ``HDFE_GD_UL``) write them.
_GEOGRAPHIC, _UPPER_LEFT = ("HE5_GCTP_GEO", "GCTP_GEO"), ("HE5_HDFE_GD_UL", "HDFE_GD_UL")


def hdfeos_grids(text: str) -> dict[str, HdfEosGrid]:
    """The geographic grids (``HE5_GCTP_GEO``, origin upper left; HDF-EOS2's ``GCTP_GEO``,
    ``HDFE_GD_UL`` alike) a ``StructMetadata.0`` describes, by ``GridName``; other projections
    and origins are left out.

    Parameters
    ----------
    text : str
        The ODL text.

    Returns
    -------
    dict of str to HdfEosGrid
    """
    grids = {}
    for found in _GRID.finditer(text):
        body = found["body"]
        values = dict(re.findall(r"^\s*(\w+)=(.*?)\s*$", body, re.MULTILINE))
        corners = [re.findall(r"[-+0-9.eE]+", values.get(key, "")) for key in ("UpperLeftPointMtrs", "LowerRightMtrs")]
        if (values.get("Projection") not in _GEOGRAPHIC or values.get("GridOrigin", "HE5_HDFE_GD_UL") not in _UPPER_LEFT
                or any(len(corner) != 2 for corner in corners) or not values.get("XDim", "").isdigit()
                or not values.get("YDim", "").isdigit()):
            continue
        (west, north), (east, south) = ([_degrees(float(number)) for number in corner] for corner in corners)
        name = values.get("GridName", "").strip('"')
        grids[name] = HdfEosGrid(name, int(values["XDim"]), int(values["YDim"]), west, north, east, south)
    return grids


def hdfeos2_grid(dims: Mapping[str, int], attrs: Mapping[str, object]) -> tuple[HdfEosGrid, str, str] | None:
    """The geographic grid of an HDF-EOS2 file as netCDF-C reads it (MODIS's CMG products: MOD11C3,
    MOD13C2), whose fields lie on dimensions ``YDim:<GridName>`` and ``XDim:<GridName>`` with no
    coordinate variables, the grid described only in the global attribute ``StructMetadata.0``
    (:func:`hdfeos_grids`): the grid, and its rows' and columns' dimensions (sizes ``YDim`` and
    ``XDim``); None without such dimensions or such a grid (break56d A5: "no latitude coordinate
    found", nothing naming StructMetadata.0).

    Parameters
    ----------
    dims : mapping of str to int
        The file's dimensions and their sizes.
    attrs : mapping
        The file's global attributes.

    Returns
    -------
    tuple of (HdfEosGrid, str, str) or None

    Examples
    --------
    >>> odl = ('GROUP=GRID_1 GridName="G"\\n XDim=4\\n YDim=2\\n UpperLeftPointMtrs=(0.0,45000000.0)\\n'
    ...        ' LowerRightMtrs=(2000000.0,44000000.0)\\n Projection=GCTP_GEO\\n END_GROUP=GRID_1')
    >>> grid, rows, columns = hdfeos2_grid({"YDim:G": 2, "XDim:G": 4}, {"StructMetadata.0": odl})
    >>> rows, columns, grid.centres()
    ('YDim:G', 'XDim:G', ([44.75, 44.25], [0.25, 0.75, 1.25, 1.75]))
    """
    text = attrs.get("StructMetadata.0")
    if not isinstance(text, str):
        return None
    for name, grid in hdfeos_grids(text).items():
        rows, columns = f"YDim:{name}", f"XDim:{name}"
        if dims.get(rows) == grid.rows and dims.get(columns) == grid.columns:
            return (dataclasses.replace(grid, described="the global attribute StructMetadata.0: XDim, YDim, "
                                        "UpperLeftPointMtrs, LowerRightMtrs"), rows, columns)
    return None


def hdfeos2_grid_statements(grid: HdfEosGrid, rows: str, columns: str) -> list[str]:
    """Python statements on a dataset ``d`` (:func:`~climann.data.shell.xarray_command`) that name
    the dimensions ``rows`` and ``columns`` of ``grid`` (:func:`hdfeos2_grid`) ``lat`` and ``lon``
    and give them the latitudes and longitudes of its cells' centres in degrees (CF 4.1)."""
    dy, dx = (grid.north - grid.south) / grid.rows, (grid.east - grid.west) / grid.columns
    return [f"d = d.rename({{{rows!r}: 'lat', {columns!r}: 'lon'}})",
            f"d = d.assign_coords(lat=('lat', [{grid.north!r} - (i + 0.5) * {dy!r} for i in range({grid.rows})], "
            "{'units': 'degrees_north', 'standard_name': 'latitude'}), "
            f"lon=('lon', [{grid.west!r} + (i + 0.5) * {dx!r} for i in range({grid.columns})], "
            "{'units': 'degrees_east', 'standard_name': 'longitude'}))"]


#: The attributes of a grid's group (``HDFEOS/GRIDS/<GridName>``) that OMI's level-3 files write
#: beside ``StructMetadata.0``: ``GridSpan = "(-180,180,-90,90)"`` (the first and last edges of the
#: columns, then of the rows, in the order stored), ``GridSpacing = "(0.25,0.25)"`` (columns, rows).
GRID_SPAN, GRID_SPACING = "GridSpan", "GridSpacing"


def span_grid(name: str, attributes: dict) -> HdfEosGrid | None:
    """The grid the attributes of an HDF-EOS5 grid's group describe (:data:`GRID_SPAN`,
    :data:`GRID_SPACING`, in degrees), for a file whose ``StructMetadata.0`` does not: the edges
    in the order stored, so OMI's ``(-180,180,-90,90)`` at 0.25° is 1440 columns from 180° W and
    720 rows from 90° S (OMNO2d's rows run south to north, latitude -89.875 to 89.875; break44c
    A2: the refusal's ``ncks`` copy held no coordinates and the advice came back to the file).
    None when either attribute is missing or unreadable, when a spacing does not divide its span
    into whole cells, or when ``NumberOfLatitudesInGrid`` / ``NumberOfLongitudesInGrid`` say
    other counts.

    Examples
    --------
    >>> grid = span_grid("G", {"GridSpan": "(-180,180,-90,90)", "GridSpacing": "(0.25,0.25)"})
    >>> grid.columns, grid.rows, grid.centres()[0][0], grid.centres()[1][0]
    (1440, 720, -89.875, -179.875)
    """
    numbers = [[float(number) for number in re.findall(r"[-+]?[0-9.]+(?:[eE][-+]?\d+)?", str(attributes.get(key, "")))]
               for key in (GRID_SPAN, GRID_SPACING)]
    if len(numbers[0]) != 4 or len(numbers[1]) != 2 or min(abs(number) for number in numbers[1]) == 0:
        return None
    (first_column, last_column, first_row, last_row), (column_step, row_step) = numbers
    counts = [abs(last - first) / abs(step) for first, last, step in
              ((first_column, last_column, column_step), (first_row, last_row, row_step))]
    if any(abs(count - round(count)) > 1e-6 or round(count) < 1 for count in counts):
        return None
    columns, rows = (round(count) for count in counts)
    said = [attributes.get(key) for key in ("NumberOfLongitudesInGrid", "NumberOfLatitudesInGrid")]
    if any(number is not None and int(number) != count for number, count in zip(said, (columns, rows))):
        return None
    # HdfEosGrid counts rows from its "north" edge, the first stored (StructMetadata's upper left)
    return HdfEosGrid(name, columns, rows, first_column, first_row, last_column, last_row,
                      described=f"the attributes of HDFEOS/GRIDS/{name}: {GRID_SPAN}, {GRID_SPACING}")


#: The group of an HDF-EOS5 file's own attributes (OMI level 3: ``GranuleYear``, ``GranuleMonth``,
#: ``GranuleDay``, the day the grid is of).
FILE_ATTRIBUTES = "HDFEOS/ADDITIONAL/FILE_ATTRIBUTES"

#: The attributes of :data:`FILE_ATTRIBUTES` that date a daily level-3 grid.
GRANULE_DATE = ("GranuleYear", "GranuleMonth", "GranuleDay")

#: The day in an OMI level-3 file name (``OMI-Aura_L3-OMNO2d_2019m0101_v003-….he5``: ``YYYYmMMDD``).
NAME_DATE = re.compile(r"_(\d{4})m(\d{2})(\d{2})(?=[_.])")


def granule_dating(attributes: dict, name: str) -> str | None:
    """How the copy of a daily HDF-EOS5 grid gets its day: ``"attributes"`` when the file's
    :data:`FILE_ATTRIBUTES` hold :data:`GRANULE_DATE`, ``"name"`` when its file name holds OMI's
    ``YYYYmMMDD`` (:data:`NAME_DATE`), None when neither does."""
    if all(key in attributes for key in GRANULE_DATE):
        return "attributes"
    return "name" if NAME_DATE.search(name) else None


def _dating_code(source: str, dated: str) -> str:
    """Python statements that give the dataset ``d`` (the copy of a daily grid) its day: a time
    dimension of one step at the day's 00:00 UTC with CF bounds [day, day + 1 day] (CF 7.1), the
    day from :data:`GRANULE_DATE` or from the file name (``dated``, :func:`granule_dating`)."""
    if dated == "attributes":
        day = (f"a = xr.open_dataset({source}, group={FILE_ATTRIBUTES!r}).attrs; "
               "t = np.datetime64('%04d-%02d-%02d' % tuple(int(a[k]) for k in "
               f"{GRANULE_DATE!r})); ")
    else:
        day = (f"m = re.search({NAME_DATE.pattern!r}, os.path.basename({source})); "
               "t = np.datetime64('%s-%s-%s' % m.groups()); ")
    return (day + "d = d.expand_dims(time=[t]); "
            "d = d.assign_coords(time_bnds=(('time', 'bnds'), [[t, t + np.timedelta64(1, 'D')]])); "
            "d['time'].attrs.update(standard_name='time', bounds='time_bnds'); "
            "d['time'].encoding.update(units='days since 2000-01-01', calendar='standard'); ")


def grid_copy_code(source: str | None, group: str, grid: HdfEosGrid, copy: str | None,
                   dated: str | None = None) -> str:
    """One line of Python that copies the data group ``group`` of the HDF-EOS5 file ``source``
    into the NetCDF file ``copy`` with the latitude and longitude of ``grid``'s cell centres as
    CF coordinates of its ``YDim`` and ``XDim`` dimensions (by their sizes: the first dimension
    of the rows' size, the last of the columns': HDF-EOS stores fields as (YDim, XDim)), and each
    ``Units`` as ``units``. With ``dated`` (:func:`granule_dating`), the copy gets a time of one
    step, the grid's day with its bounds (:func:`_dating_code`). ``source`` and ``copy`` None: the
    line reads them from its arguments (``sys.argv[1]``, ``sys.argv[2]``), for a loop over files.

    Examples
    --------
    >>> grid = HdfEosGrid("G", 4, 2, -180.0, 90.0, 180.0, -90.0)
    >>> print(grid_copy_code("a.he5", "HDFEOS/GRIDS/G/Data Fields", grid, "a_G.nc"))  # doctest: +ELLIPSIS
    import xarray as xr; import sys; d = xr.open_dataset('a.he5', group='HDFEOS/GRIDS/G/Data Fields'); ...
    """
    dy, dx = (grid.north - grid.south) / grid.rows, (grid.east - grid.west) / grid.columns
    read, write = ("sys.argv[1]", "sys.argv[2]") if source is None else (repr(source), repr(copy))
    imports = "import xarray as xr; import sys" + (
        "; import numpy as np, os, re" if dated else "")
    return (
        f"{imports}; d = xr.open_dataset({read}, group={group!r}); "
        f"y = next(k for k, n in d.sizes.items() if n == {grid.rows}); "
        f"x = [k for k, n in d.sizes.items() if n == {grid.columns}][-1]; "
        f"d = d.assign_coords({{y: [{grid.north!r} - (i + 0.5) * {dy!r} for i in range({grid.rows})], "
        f"x: [{grid.west!r} + (i + 0.5) * {dx!r} for i in range({grid.columns})]}}); "
        "d[y].attrs.update(units='degrees_north', standard_name='latitude'); "
        "d[x].attrs.update(units='degrees_east', standard_name='longitude'); "
        "[v.attrs.setdefault('units', v.attrs['Units']) for v in d.data_vars.values() if 'Units' in v.attrs]; "
        + (_dating_code(read, dated) if dated else "")
        + whole_write(target=write)  # whole, never over a file there (fix51j: to_netcdf(copy) replaced it)
    )
