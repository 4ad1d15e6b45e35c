"""TRMM and GPM Level-3 grids, whose latitudes and longitudes only their ``GridHeader`` gives.

NASA's Precipitation Processing System (PPS) writes its Level-3 products (GPM's 3A-DPR,
3GPROF and IMERG before V06, TRMM's 3B31 and 3A25) in HDF5 with each grid in a group
(``Grids/G1``, ``Grids/G2``, ``Grid``) whose fields lie on ``(nlon, nlat)`` and whose latitudes
and longitudes are no variables: the group's attribute ``GridHeader`` says them ("PPS File
Specification", "GridHeader"), as text of ``key=value;`` lines::

    BinMethod=ARITHMETIC_MEAN;
    Registration=CENTER;
    LatitudeResolution=5;
    LongitudeResolution=5;
    NorthBoundingCoordinate=70;
    SouthBoundingCoordinate=-70;
    EastBoundingCoordinate=180;
    WestBoundingCoordinate=-180;
    Origin=SOUTHWEST;

The cells are ``LatitudeResolution`` × ``LongitudeResolution`` degrees between the bounding
coordinates, counted from the ``Origin`` corner, each value at its cell's centre
(``Registration=CENTER``). ``ncks -G : -g Grids/G2`` and xarray's group copy keep the
``GridHeader`` (as a global attribute) but write no coordinates: climann found "no latitude
coordinate … coordinates present: none" and stopped (break43b A5). :func:`pps_grid` reads the
header against the group's dimensions, and :func:`pps_copy_code` writes the Python line that
copies the fields with the cells' centres as CF latitude and longitude coordinates (CF 1.8 §4.1)
and the file's date as a CF time: from its name when every name holds one
(:func:`~climann.data.name_dates.named_dating`: ``….20150101-S000000-E235959.…``), else from
the ``FileHeader``'s ``StartGranuleDateTime``.

A header whose bounds and resolution do not make the group's number of rows or columns (bounds
±67 at 5° for 28 rows) places no cell: it is said so, never read as it stands; when its bounds
are symmetric about the equator, the rows at the resolution centred on it are offered, as what
the user must confirm.

Sources: PPS, "File Specification for GPM Products" (GridHeader, FileHeader); TRMM 3B31 V7
headers (``Registration=CENTER``, ``Origin=SOUTHWEST``, ``[nlon][nlat]``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from climann.data.name_dates import named_dates_statements, named_dating
from climann.data.shell import python_copies, whole_write

__all__ = ["FILE_HEADER", "GRID_HEADER", "Axis", "PpsGrid", "grid_header_message", "pps_copy_code", "pps_grid",
           "pps_grid_text", "pps_group_message", "states_start"]

#: The attribute of a PPS grid's group (a global attribute once copied) that describes it.
GRID_HEADER = "GridHeader"

#: The file's attribute that says its granule's period (``StartGranuleDateTime=…;``).
FILE_HEADER = "FileHeader"

#: The keys a header needs to place the cells.
_NEEDED = ("LatitudeResolution", "LongitudeResolution", "NorthBoundingCoordinate", "SouthBoundingCoordinate",
           "EastBoundingCoordinate", "WestBoundingCoordinate")

#: How far a count of cells may lie from a whole number and still be one (the header's decimals).
_WHOLE = 1e-6


@dataclass(frozen=True)
class Axis:
    """Cells of ``step`` degrees from ``low`` up, ``count`` of them, listed from the highest down
    when ``descending``."""

    low: float
    step: float
    count: int
    descending: bool = False

    def centres(self) -> list[float]:
        """The cells' centres in the order of the dimension, degrees."""
        values = [self.low + (index + 0.5) * self.step for index in range(self.count)]
        return values[::-1] if self.descending else values

    def code(self) -> str:
        """The Python expression of :meth:`centres`, for a line that writes them."""
        return (f"[{self.low!r} + (i + 0.5) * {self.step!r} for i in range({self.count})]"
                + ("[::-1]" if self.descending else ""))


@dataclass(frozen=True)
class PpsGrid:
    """A PPS grid placed by its ``GridHeader``.

    Attributes
    ----------
    latitude, longitude : str
        The group's dimensions of the rows and the columns (``nlat``, ``nlon``).
    rows, columns : Axis
        Their cells, from the ``Origin`` corner.
    said : str
        The grid in words, for a message.
    doubt : str
        Empty when the header places the cells; else why it does not, the axes then being the
        header's resolution centred on the equator and on its longitudes' middle, for the user
        to confirm.
    """

    latitude: str
    longitude: str
    rows: Axis
    columns: Axis
    said: str
    doubt: str = ""


def _values(text: str) -> dict[str, str]:
    """The ``key=value;`` lines of a PPS header, by key."""
    return {key: value.strip() for key, value in re.findall(r"(\w+)=([^;\n]*);", text)}


def _dimension(sizes: Mapping[str, int], word: str) -> str | None:
    """The one dimension whose name holds ``word`` (``lat`` in ``nlat``), or None."""
    found = [name for name in sizes if word in name.lower()]
    return found[0] if len(found) == 1 else None


def pps_grid(header: str, sizes: Mapping[str, int]) -> PpsGrid | None:
    """The grid a PPS ``GridHeader`` describes for a group with dimensions ``sizes``.

    Parameters
    ----------
    header : str
        The ``GridHeader`` text.
    sizes : mapping of str to int
        The group's dimensions and their lengths; the rows' and the columns' are those whose
        names hold ``lat`` and ``lon``.

    Returns
    -------
    PpsGrid or None
        None when ``header`` lacks a resolution or bound, says another registration than
        ``CENTER``, or the dimensions are not found; a grid whose ``doubt`` says why its rows
        or columns do not fit the header (their centres then the header's resolution centred on
        the equator and on its longitudes' middle, when the bounds are symmetric; else None).
    """
    values = _values(header)
    if any(key not in values for key in _NEEDED) or values.get("Registration", "CENTER").upper() != "CENTER":
        return None
    try:
        dlat, dlon, north, south, east, west = (float(values[key]) for key in _NEEDED)
    except ValueError:
        return None
    latitude, longitude = _dimension(sizes, "lat"), _dimension(sizes, "lon")
    if latitude is None or longitude is None or dlat <= 0 or dlon <= 0:
        return None
    rows, columns = sizes[latitude], sizes[longitude]
    origin = values.get("Origin", "SOUTHWEST").upper()
    said = (f"{columns} × {rows} cells of {dlon:g}° × {dlat:g}° between {west:g} and {east:g} degrees east, "
            f"{south:g} and {north:g} north, values at the cells' centres")
    doubts = [f"its {kind} {low:g}…{high:g} at {step:g}° make {(high - low) / step:.4g} {what}, but '{dim}' holds "
              f"{count}" for kind, low, high, step, what, dim, count in (
                  ("latitudes", south, north, dlat, "rows", latitude, rows),
                  ("longitudes", west, east, dlon, "columns", longitude, columns))
              if abs((high - low) / step - count) > _WHOLE]
    from_north, from_east = origin.startswith("NORTH"), origin.endswith("EAST")
    if not doubts:
        return PpsGrid(latitude, longitude, Axis(south, dlat, rows, from_north), Axis(west, dlon, columns, from_east),
                       said)
    if south != -north:
        return None
    middle = (west + east) / 2
    return PpsGrid(latitude, longitude, Axis(-rows * dlat / 2, dlat, rows, from_north),
                   Axis(middle - columns * dlon / 2, dlon, columns, from_east), said, "; ".join(doubts))


def pps_grid_text(grid: PpsGrid) -> str:
    """The grid in words for a message, then ``;`` (or ``,``: the condition of the copy that
    follows): what the header says, and, for a header that does not fit the dimensions, why, and
    the centres offered in its place."""
    if not grid.doubt:
        return f"its GridHeader gives {grid.said};"
    latitudes, longitudes = grid.rows.centres(), grid.columns.centres()
    return (f"its GridHeader does not fit the group ({grid.doubt}), so climann cannot place its cells; only if they "
            f"are rows and columns at the header's resolution centred on the equator (latitudes "
            f"{min(latitudes):g}…{max(latitudes):g}, longitudes {min(longitudes):g}…{max(longitudes):g} at the "
            "centres),")


def _dated_statements(dating: tuple[tuple[int, str], tuple[str, str, str]] | None) -> list[str]:
    """Statements that give the copy ``d`` of the file ``sys.argv[1]`` its date as a CF scalar
    time: from its name (:func:`~climann.data.name_dates.named_dates_statements`), else from
    its ``FileHeader``'s ``StartGranuleDateTime`` (in days since 1970-01-01)."""
    if dating is not None:
        return named_dates_statements(dating[0][0], dating[1])
    pattern = "StartGranuleDateTime=([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2})"
    return ["import re, datetime as dt",
            f"h = xr.open_dataset(sys.argv[1]).attrs['{FILE_HEADER}']",
            f"s = dt.datetime.strptime(re.search('{pattern}', h).group(1), '%Y-%m-%dT%H:%M:%S')",
            "o = dt.datetime(1970, 1, 1)",
            "d = d.assign_coords(time=((), (s - o).total_seconds() / 86400, {'units': 'days since 1970-01-01', "
            "'calendar': 'standard', 'standard_name': 'time'}))"]


def pps_copy_code(group: str | None, grid: PpsGrid,
                  dating: tuple[tuple[int, str], tuple[str, str, str]] | None = None, *, dated: bool = True) -> str:
    """One line of Python that copies the file ``sys.argv[1]`` (its group ``group``, or its root
    when None) into ``sys.argv[2]``, with ``grid``'s cell centres as the CF coordinates ``lat`` and
    ``lon`` of its rows and columns (the dimensions renamed so) and, with ``dated``, its date as a
    CF time (:func:`_dated_statements`, by ``dating``, the place of the date in the names).

    Examples
    --------
    >>> grid = PpsGrid("nlat", "nlon", Axis(-90.0, 90.0, 2), Axis(-180.0, 180.0, 2), "")
    >>> print(pps_copy_code("Grids/G2", grid, dated=False))  # doctest: +ELLIPSIS
    import sys, xarray as xr; d = xr.open_dataset(sys.argv[1], group='Grids/G2'); d = d.rename_dims(...
    """
    opened = f"xr.open_dataset(sys.argv[1]{f', group={group!r}' if group else ''})"
    statements = [
        f"d = {opened}",
        f"d = d.rename_dims({{{grid.latitude!r}: 'lat', {grid.longitude!r}: 'lon'}})",
        f"d = d.assign_coords(lat=('lat', {grid.rows.code()}, {{'units': 'degrees_north', "
        f"'standard_name': 'latitude'}}), lon=('lon', {grid.columns.code()}, {{'units': 'degrees_east', "
        "'standard_name': 'longitude'}))",
        *(_dated_statements(dating) if dated else []),
        whole_write(),
    ]
    return "import sys, xarray as xr; " + "; ".join(statements)


def states_start(file_header: str) -> bool:
    """Whether a ``FileHeader`` says its granule's start (``StartGranuleDateTime=YYYY-MM-DDThh:mm:ss``)."""
    return re.search(r"StartGranuleDateTime=\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}", file_header) is not None


def _copy_words(group: str | None, grid: PpsGrid, files: Sequence[Path], *, timed: bool, start_stated: bool) -> str:
    """How to write the copies with the grid's coordinates (:func:`pps_copy_code`) and a date
    each: from the names (:func:`~climann.data.name_dates.named_dating`), else the
    ``FileHeader``; with the command and the ``--data`` that takes them."""
    dating = None if timed else named_dating(files)
    dated = not timed and (dating is not None or start_stated)
    code = pps_copy_code(group, grid, dating, dated=dated)
    command, data = python_copies(code, files)
    words = ("" if not dated else f" and its date (in the file name, {dating[1][1]}) as a CF time" if dating
             else " and its date (StartGranuleDateTime in its FileHeader) as a CF time")
    many = ", each file in a loop" if len(files) > 1 else ""
    undated = ("; the files say no date (none in their names or FileHeader): give each copy its time before "
               "combining them" if not timed and not dated and len(files) > 1 else "")
    return (f"write a copy with the cells' centres as CF latitude and longitude{words}{many}: `{command}`, then give "
            f"--data {data}{undated}")


def pps_group_message(said: str, group: str, grid: PpsGrid, files: Sequence[Path], *, start_stated: bool) -> str:
    """The refusal of files whose data are a PPS grid in the group ``group`` (``said``: that the
    root holds no data), with the copy of the group, its coordinates and date (:func:`_copy_words`)."""
    return (f"{said}; '{group}' is a TRMM/GPM Level-3 grid whose latitudes and longitudes are in no variable: "
            f"{pps_grid_text(grid)} "
            + _copy_words(group, grid, files, timed=False, start_stated=start_stated))


def grid_header_message(path: Path, grid: PpsGrid, files: Sequence[Path], *, timed: bool, start_stated: bool) -> str:
    """The refusal of a file whose grid only its ``GridHeader`` attribute places (a PPS group
    copied by ``ncks -G : -g`` or xarray), with the copy that writes its coordinates (and its date,
    unless ``timed``), of each of ``files`` (:func:`_copy_words`)."""
    return (f"{path.name}: its grid ('{grid.latitude}', '{grid.longitude}') has no latitude or longitude variable; its "
            f"GridHeader attribute places it (a TRMM/GPM Level-3 grid copied out of its group): {pps_grid_text(grid)} "
            + _copy_words(None, grid, files, timed=timed, start_stated=start_stated))
