"""What holds a file's data, when climann cannot read it as it stands: a compressed file
(``.nc.gz``), or a NetCDF-4 file whose variables are in groups.

A compressed file is told by its first bytes (the format's magic number), whatever its name,
and refused with the command that decompresses it: climann never writes a decompressed copy
next to a user's files.

NetCDF-4 groups (NetCDF User Guide, "Groups"; CF 1.8 §2.7) nest variables under the root
group, as some satellite products and model output do. climann reads the root group; a file
whose root holds no data variables while groups do is refused, naming those groups and the
``ncks`` line that copies one into a plain file. Reading a group in place would lose what the
root or other groups hold (coordinates may be in the root, CF 1.8 §2.7's search by proximity),
so the choice of group is left to the user. A variable asked for that is not in the root but
in a group of a file beside root data (``tas`` in the root, ``rsdt`` in ``/radiation``) is
refused the same way, naming its group (:func:`variable_in_groups`, :func:`in_group_message`):
it is in the file, not where climann reads.

A Zarr store is a directory of files (Zarr specification v2/v3: metadata and one file per
chunk): its size is that of its files, never of its directory entry (:func:`store_files`).
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from climann.data.flux_tables import flux_table_message, text_head_lines
from climann.data.gesla_tables import gesla_table_message
from climann.data.grdc_tables import grdc_table_message
from climann.data.rdb_tables import rdb_table_message
from climann.data.shared_handles import briefly_open
from climann.data.paths import is_grib
from climann.data.hdfeos import (FILE_ATTRIBUTES, STRUCT_METADATA, HdfEosGrid, granule_dating, grid_copy_code,
                                 hdfeos_grids, span_grid)
from climann.data.pps_grids import FILE_HEADER, GRID_HEADER, PpsGrid, pps_grid, states_start
from climann.data.shell import (copy_path, glob_words, new_folder, python_command, python_copies,
                                shared_glob,
                                stopping_loop,
                                shown_path, whole_write, working_path)

#: The first bytes of an HDF5 file, so of every NetCDF-4 file (HDF5 File Format Specification,
#: "Format Signature"): only these can hold groups.
HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"

#: The first bytes of compressed files, with the format and the command that decompresses.
COMPRESSED_MAGIC: dict[bytes, tuple[str, str]] = {
    b"\x1f\x8b": ("gzip", "gunzip -k"),
    b"BZh": ("bzip2", "bunzip2 -k"),
    b"\xfd7zXZ\x00": ("xz", "unxz -k"),
    b"\x28\xb5\x2f\xfd": ("zstd", "unzstd"),
    b"PK\x03\x04": ("zip", "unzip"),
}


def store_files(path: str | Path) -> list[Path]:
    """The files of an input: itself, or every file inside a directory store (Zarr), sorted.

    Parameters
    ----------
    path : str or Path
        A file, or a directory store.

    Returns
    -------
    list of Path
        ``[path]`` for a file; a store's files (its metadata and chunks) at any depth.
    """
    path = Path(path)
    return sorted(file for file in path.rglob("*") if file.is_file()) if path.is_dir() else [path]


def input_size(path: str | Path) -> int:
    """An input's size in bytes: the file's, or the sum of a directory store's files
    (:func:`store_files`; ``du --apparent-size`` of the store).

    Raises
    ------
    OSError
        If the file (or a file of the store) cannot be read.
    """
    return sum(file.stat().st_size for file in store_files(path))


def compression(path: Path) -> tuple[str, str] | None:
    """The compression format of ``path`` and the command that decompresses it (``("gzip",
    "gunzip -k")``), from its first bytes; None for any other file (or one that cannot be read)."""
    try:
        with open(path, "rb") as file:
            start = file.read(8)
    except OSError:
        return None
    return next((found for magic, found in COMPRESSED_MAGIC.items() if start.startswith(magic)), None)


#: The first bytes of an HDF4 file (HDF 4.2 Specification, "The File Header": the magic number
#: ``0e 03 13 01``): MODIS, CALIPSO, TRMM and AMSR-E products of HDF-EOS2. The netCDF library
#: reads HDF4 only when built for it (``--enable-hdf4``), which netCDF4's wheels are not.
HDF4_SIGNATURE = b"\x0e\x03\x13\x01"


def other_format_message(path: Path) -> str | None:
    """One line for a file of a format climann does not read, told by its first bytes: an HDF4
    file (:data:`HDF4_SIGNATURE`), with the ways to a NetCDF copy (the HDF-EOS to netCDF-CF
    converter ``h4tonccf``; GDAL's ``gdal_translate -of netCDF`` of one of its subdatasets, which
    ``gdalinfo`` lists; pyhdf in Python); None for another file (or one that cannot be read).

    Examples
    --------
    >>> other_format_message(Path("MOD08_M3.hdf"))  # doctest: +SKIP
    'MOD08_M3.hdf is an HDF4 file (HDF-EOS2, as MODIS and CALIPSO write), not NetCDF: …'
    """
    try:
        with open(path, "rb") as file:
            start = file.read(4)
    except OSError:
        return None
    if start != HDF4_SIGNATURE:
        return (text_table_message(path) or flux_table_message(path) or rdb_table_message(path)
                or gesla_table_message(path) or grdc_table_message(path) or delimited_table_message(path))
    shown, copy = shown_path(path), shown_path(copy_path(path, "netcdf"))
    return (f"{path.name} is an HDF4 file (HDF-EOS2, as MODIS and CALIPSO write), not NetCDF, which climann's "
            f"netCDF library does not read; write a NetCDF copy first: `h4tonccf {shown} {copy}` (HDF-EOS's "
            f"netCDF-CF converter), or one field with GDAL: `gdalinfo {shown}` lists its subdatasets, then "
            f"`gdal_translate -of netCDF SUBDATASET {copy}`; in Python, pyhdf (pip install pyhdf) reads it")


#: Column names that say a table's latitude, longitude and time (case ignored).
_LATITUDE_COLUMNS = ("lat", "latitude", "y_lat")
_LONGITUDE_COLUMNS = ("lon", "long", "longitude", "lng", "x_lon")
_TIME_WORDS = ("time", "date", "datetime", "timestamp")


def delimited_table_message(path: Path) -> str | None:
    """One line for a text table of columns (CSV: commas, semicolons or tabs; a header line of
    names and rows of as many fields) given as data, which is no NetCDF file: for reports at
    points (a latitude, a longitude and a time column: ESWD's hail reports, storm reports) the
    line of pandas that bins them onto a 1° grid and the months, as a CF point file is told to
    (docs/own-data.md, "Positions that move in time"): the mean of each numeric column and the
    number of reports in each box and month, with CF coordinates and the months' bounds, written
    as NetCDF; for another table, that it is
    to be written as NetCDF first (docs/own-data.md); None for anything else (break48d A4: a
    CSV of hail reports was "not a readable NetCDF file (truncated or another format)").

    Examples
    --------
    >>> delimited_table_message(Path("eswd_hail.csv"))  # doctest: +SKIP
    'eswd_hail.csv is a CSV table (comma-separated columns TIME_EVENT, LATITUDE, …), not NetCDF: …'
    """
    lines = [line for line in text_head_lines(path) or [] if not line.startswith("#")]  # a '#' header: comments
    if len(lines) < 2:
        return None
    separator = max((",", ";", "\t"), key=lines[0].count)
    fields = lines[0].count(separator)
    if not fields or any(line.count(separator) != fields for line in lines[1:]):
        return None
    names = [name.strip().strip('"') for name in lines[0].split(separator)]
    if any(not name or name[0].isdigit() or name[0] in "+-." for name in names):
        return None  # a row of numbers, not a header
    kind = {",": "comma", ";": "semicolon", "\t": "tab"}[separator]
    shown = ", ".join(names[:4]) + (", …" if len(names) > 4 else "")
    head = f"{path.name} is a CSV table ({kind}-separated columns {shown}), not NetCDF"
    lower = {name.lower(): name for name in names}
    lat = next((lower[name] for name in _LATITUDE_COLUMNS if name in lower), None)
    lon = next((lower[name] for name in _LONGITUDE_COLUMNS if name in lower), None)
    time = next((name for name in names if any(word in name.lower() for word in _TIME_WORDS)), None)
    if lat is None or lon is None or time is None:
        return (f"{head}; climann reads grids and station series from NetCDF: write its columns as a NetCDF file "
                f"first (with pandas: pd.read_csv(...).set_index([...]).to_xarray().to_netcdf(...), the index "
                f"the time and, for a station, its latitude and longitude as scalars; see docs/own-data.md)")
    sep = "" if separator == "," else f",sep={separator!r}"
    code = (f"import sys,numpy as np,pandas as pd;t=pd.read_csv(sys.argv[1]{sep});"
            f"t['time']=pd.to_datetime(t[{time!r}]).dt.to_period('M').dt.to_timestamp();"
            f"t['lat']=t[{lat!r}].round();t['lon']=t[{lon!r}].round();"
            f"g=t.groupby(['time','lat','lon']);"
            f"d=g[[c for c in t.select_dtypes('number') if c not in ('lat','lon',{lat!r},{lon!r})]].mean();"
            f"d['n_reports']=g.size();d=d.to_xarray();"
            f"d.lat.attrs.update(units='degrees_north',standard_name='latitude');"
            f"d.lon.attrs.update(units='degrees_east',standard_name='longitude');"
            f"i=d.indexes['time'];d['time_bnds']=(('time','bnds'),np.stack([i,i+pd.offsets.MonthBegin()],1));"
            f"d.time.attrs['bounds']='time_bnds';d.time.encoding['units']='days since 1970-01-01';"
            + whole_write())
    copy = shown_path(copy_path(path, "binned"))
    return (f"{head}: it holds reports at points ({lat}, {lon}, {time}), each at its own place and time, so no "
            f"place has a series and the table is not a grid; bin them onto a latitude-longitude grid and a time "
            f"axis first, as for a CF point file (docs/own-data.md): the mean of each 1° box and month and the "
            f"number of reports, {python_command(code)} {shown_path(path)} {copy} (boxes and months without a "
            f"report are missing, not zero: fill n_reports with 0 where a count is the target)")


#: A line of PSMSL's RLR and Metric data files (``1.rlrdata``, ``.metdata``; psmsl.org/data/obtaining,
#: "Format of the data files"): the decimal year (the middle of the month, or of the year in annual
#: files), the mean sea level in mm (-99999 missing), the number of missing days, a flag for attention
#: (3 digits), separated by ``;``.
_PSMSL_LINE = re.compile(r"^\s*(\d{4}(?:\.\d+)?)\s*;\s*-?\d+\s*;\s*-?\d+\s*;\s*\d+\s*$")


def text_table_message(path: Path) -> str | None:
    """One line for a text file of PSMSL's RLR format (:data:`_PSMSL_LINE`) given as data, with the
    pandas line that writes its series as a CF station NetCDF file (``sea_level(time)`` in mm,
    -99999 missing, the missing days and flag for attention beside it, the station's latitude and
    longitude given as its last two arguments: they are in PSMSL's station list, not in the file);
    None for any other file (other text is "not a readable NetCDF file").

    Monthly values are dated on the 15th of their month (PSMSL's decimal year is the month's middle,
    ``year + (month - 0.5) / 12``); annual ones on 1 July.

    Examples
    --------
    >>> text_table_message(Path("1.rlrdata"))  # doctest: +SKIP
    "1.rlrdata is a text file of PSMSL's tide-gauge format (decimal year; sea level in mm; …"
    """
    lines = text_head_lines(path)
    if not lines:
        return None
    if all(_PSMSL_LINE.match(line) for line in lines):
        monthly = any("." in line.split(";")[0] and float(line.split(";")[0]) % 1 for line in lines)
        dated = ("m=np.round((t.year-np.floor(t.year))*12+0.5).astype(int);"
                 "time=pd.to_datetime(dict(year=np.floor(t.year).astype(int),month=m,day=15))" if monthly
                 else "time=pd.to_datetime(dict(year=t.year.astype(int),month=7,day=1))")
        code = ("import sys,numpy as np,pandas as pd,xarray as xr;"
                "t=pd.read_csv(sys.argv[1],sep=';',header=None,names=['year','sea_level','missing_days','flag']);"
                f"{dated};"
                "a=lambda v,u:((),float(v),dict(units=u));"
                "d=xr.Dataset(dict(sea_level=('time',t.sea_level.mask(t.sea_level==-99999).astype('f8').values,"
                "dict(units='mm',standard_name='sea_surface_height_above_reference_datum',"
                "long_name='mean sea level (RLR)')),missing_days=('time',t.missing_days.values,"
                "dict(units='1',long_name='number of missing days')),flag=('time',t.flag.values,"
                "dict(long_name='flag for attention'))),coords=dict(time=time.values,"
                "lat=a(sys.argv[3],'degrees_north'),lon=a(sys.argv[4],'degrees_east')),"
                f"attrs=dict(featureType='timeSeries'));{whole_write()}")
        copy = shown_path(copy_path(path, "netcdf"))
        return (f"{path.name} is a text file of PSMSL's tide-gauge format (decimal year; sea level in mm, -99999 "
                f"missing; missing days; flag for attention), not NetCDF, which climann reads; write its series as a "
                f"CF station NetCDF file with the station's latitude and longitude (from PSMSL's station list) in "
                f"place of LAT LON: `{python_command(code)} {shown_path(path)} {copy} LAT LON`, and give that file")
    return None


def compressed_message(path: Path) -> str | None:
    """One line for a compressed file: its format and the command that decompresses it;
    None when ``path`` is not compressed."""
    found = compression(path)
    if found is None:
        return None
    kind, command = found
    return f"{path.name} is {kind}-compressed, not NetCDF; decompress it first: `{command} {shown_path(path)}`"


def groups_with_variables(dataset: object) -> list[str]:
    """The full names of the groups below the root (``/data``, ``/data/monthly``) that hold
    variables, depth first.

    Parameters
    ----------
    dataset : netCDF4.Dataset or netCDF4.Group
        An open NetCDF file (its root group).
    """
    found = []
    for group in getattr(dataset, "groups", {}).values():
        if group.variables:
            found.append(group.path)
        found += groups_with_variables(group)
    return found


def groups_holding(dataset: object, name: str) -> list[str]:
    """The full names of the groups below the root (``/radiation``) that hold a variable
    ``name``, depth first.

    Parameters
    ----------
    dataset : netCDF4.Dataset or netCDF4.Group
        An open NetCDF file (its root group).
    name : str
        The variable's name in the file.
    """
    found = []
    for group in getattr(dataset, "groups", {}).values():
        if name in group.variables:
            found.append(group.path)
        found += groups_holding(group, name)
    return found


def _netcdf4_groups(path: Path, read: Callable[[object], object]) -> object | None:
    """``read`` of an open NetCDF-4 file (its root group); None for a file that is not
    NetCDF-4 (:data:`HDF5_SIGNATURE`: only these hold groups) or cannot be read."""
    try:
        with open(path, "rb") as handle:
            if handle.read(len(HDF5_SIGNATURE)) != HDF5_SIGNATURE:
                return None
        with briefly_open(path) as dataset:
            return read(dataset)
    except (OSError, RuntimeError, ValueError):
        return None


def grouped_variables(path: str | Path) -> dict[str, list[str]]:
    """The groups below the root of a NetCDF-4 file that hold variables (full names, depth
    first), each with the names of its variables but coordinate variables (CF §1.2: one
    dimension of their own name); empty for a file without such groups or that is not NetCDF-4."""
    def read(dataset: object) -> dict[str, list[str]]:
        found = {}
        for name in groups_with_variables(dataset):
            group = dataset[name.strip("/")]
            found[name] = [key for key, variable in group.variables.items() if variable.dimensions != (key,)]
        return found

    return _netcdf4_groups(Path(path), read) or {}


def variable_in_groups(files: list[str | Path], name: str) -> tuple[Path, list[str]] | None:
    """The first NetCDF-4 file of ``files`` that holds a variable ``name`` in groups below its
    root, and those groups (:func:`groups_holding`); None when none does. Read from the
    headers only; a file that is not NetCDF-4 (:data:`HDF5_SIGNATURE`) or cannot be read is
    passed over: this only explains a variable that was not found."""
    for file in dict.fromkeys(Path(file) for file in files):
        groups = _netcdf4_groups(file, lambda dataset: groups_holding(dataset, name))
        if groups:
            return file, groups
    return None


def files_with_variable_in_groups(files: Sequence[str | Path], name: str, group: str) -> list[Path]:
    """Those of ``files`` (each once, in order) that hold a variable ``name`` in ``group`` (a
    full name) below their root: the files a loop of :func:`in_group_message` copies. Read from
    the headers only, as :func:`variable_in_groups`; a file named twice (relative and absolute)
    counts once."""
    distinct: dict[Path, Path] = {}
    for file in files:
        distinct.setdefault(Path(file).resolve(), Path(file))
    return [file for file in distinct.values()
            if group in (_netcdf4_groups(file, lambda dataset: groups_holding(dataset, name)) or [])]


def in_group_message(path: Path, name: str, groups: list[str], *, files: Sequence[Path] = ()) -> str:
    """Where a variable asked for is, when it is not in the root group of ``path`` but in
    ``groups`` (full names) beside the root's data: the group and the ``ncks`` that copies it
    into a plain file beside ``path`` (see :func:`grouped_message`), to be given too; the
    Python line that copies it with the root's positions, grid mapping and time when the root
    holds what places or dates the group's fields (:func:`root_companions`: SMAP L4). For
    several ``files`` holding it (``path`` the first; :func:`files_with_variable_in_groups`),
    a loop that copies each into a new folder, as ``climann info`` gives
    (:func:`groups_beside_root_note`; fix45k: one granule's line for several SMAP L4 granules)."""
    first = groups[0].strip("/")
    copy = copy_path(path, first.rsplit("/", 1)[-1])
    also = f" (also in {', '.join(repr(group.strip('/')) for group in groups[1:])})" if len(groups) > 1 else ""
    held = f"{path.name} and {len(files) - 1} more file{'s' if len(files) > 2 else ''}" if len(files) > 1 \
        else path.name
    said = (f"variable '{name}' is in {held} in the NetCDF-4 group '{first}'{also}, not in the root group that "
            f"climann reads")
    companions = _netcdf4_groups(path, lambda dataset: root_companions(dataset, first))
    if companions and (companions[0] or companions[1]):
        code = root_companions_code(first, *companions)
        if len(files) > 1:
            command, data = python_copies(code, list(files), folder=first.rsplit("/", 1)[-1].replace(" ", "_"))
            return (f"{said}; its {_companions_text(*companions)} are in the root: copy the group with them into a "
                    f"plain file, each file in a loop, and give the copies too: `{command}`, then --data {data}")
        return (f"{said}; its {_companions_text(*companions)} are in the root: copy the group with them into a plain "
                f"file and give that file too (--data), e.g. `{python_command(code)} {shown_path(path)} "
                f"{shown_path(copy)}`")
    if len(files) > 1:
        return (f"{said}; copy the group into a plain file and give the copies too, each file in a loop: "
                f"{_group_copies_loop(files, [first])}")
    return (
        f"{said}; copy the group into a plain file and give that file too (--data), e.g. "
        f"`ncks -G : -g {shlex.quote(first)} {shown_path(path)} {shown_path(copy)}` ({_xarray_copy(path, first, copy)})"
    )


def root_companions(dataset: object, group: str) -> tuple[list[str], list[str], str | None]:
    """What the root of an open NetCDF-4 file holds that the fields of ``group`` (a full name)
    need and a copy of the group alone leaves behind (``ncks -G : -g``, or a DataTree node's
    ``to_dataset()``, which inherits only the root's dimension coordinates): the 2-D latitude and
    longitude on the fields' dimensions (CF 5.2: SMAP L4's ``cell_lat(y, x)``, ``cell_lon(y, x)``
    beside ``Geophysical_Data/sm_surface(y, x)`` on its EASE-Grid 2.0), the grid mappings the
    fields name (CF 5.6), and the root's time coordinate of one step that the fields lack (each
    granule's ``time``, 01:30 for the 3-hourly mean of [00:00, 03:00]; fix45d: the copies had
    neither, and were dated by hand or from the day in their names only).

    Returns
    -------
    (list of str, list of str, str or None)
        The positions' names, the grid mappings' names, the time's name (None when the root
        has no time of one step, or the fields already have it).
    """
    node = dataset[group.strip("/")]
    fields = [variable for variable in node.variables.values() if len(variable.dimensions) >= 2]
    dims = {dim for variable in fields for dim in variable.dimensions}
    positions = [name for name, variable in dataset.variables.items() if len(variable.dimensions) == 2
                 and set(variable.dimensions) <= dims and getattr(variable.dtype, "kind", "S") in "f"
                 and (_is_latitude(name, variable) or _is_longitude(name, variable))]
    mappings = sorted({str(getattr(variable, "grid_mapping", "")) for variable in fields} & set(dataset.variables))
    time = next((name for name, variable in dataset.variables.items() if variable.dimensions == (name,)
                 and len(variable) == 1 and " since " in str(getattr(variable, "units", ""))
                 and not any(name in variable_in.dimensions for variable_in in fields)), None)
    return (positions if {"lat", "lon"} <= {_axis_of(name, dataset.variables[name]) for name in positions} else [],
            mappings, time)


def _is_longitude(name: str, variable: object) -> bool:
    return (getattr(variable, "standard_name", None) == "longitude"
            or str(getattr(variable, "units", "")).lower() in ("degrees_east", "degree_east")
            or name.lower() in ("lon", "longitude", "nav_lon"))


def _axis_of(name: str, variable: object) -> str:
    return "lat" if _is_latitude(name, variable) else "lon"


def _companions_text(positions: Sequence[str], mappings: Sequence[str], time: str | None) -> str:
    parts = ([f"positions ({', '.join(positions)})"] if positions else []) + (
        [f"grid mapping ({', '.join(mappings)})"] if mappings else []) + ([f"time ({time})"] if time else [])
    return ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]


#: The statement of the xarray lines that copy groups (``d`` the copy) that writes its coordinates
#: without a ``_FillValue`` unless the file gave them one: xarray adds NaN to float ones (fix45k:
#: the copies' time had one its file had not; CF 1.8 §2.5.1: coordinates have no missing values).
_AS_READ = '[d[k].encoding.setdefault("_FillValue", None) for k in d.coords]; '


def root_companions_code(group: str, positions: Sequence[str], mappings: Sequence[str], time: str | None) -> str:
    """The Python line (``sys.argv[1]`` the file, ``sys.argv[2]`` the copy) that copies ``group``
    with the root's ``positions`` (as coordinates), grid ``mappings`` and ``time``, giving the
    fields without it that one step as their time dimension (:func:`root_companions`); the time
    keeps its stamp, units and calendar as the file states them (read undecoded: decoded and
    written again, a time without a ``calendar``, the CF ``standard`` one, was written
    ``proleptic_gregorian``, fix45k)."""
    kept = json.dumps([*positions, *mappings])
    timed = (f"d = d.assign({{k: v.expand_dims({json.dumps(time)}) for k, v in d.data_vars.items() "
             f"if {json.dumps(time)} not in v.dims and v.ndim >= 2}}); ") if time else ""
    return (f"import sys, xarray as xr; t = xr.open_datatree(sys.argv[1], decode_times=False); "
            f"d = xr.merge([t[{json.dumps(group)}].to_dataset(), t.to_dataset()[{kept}]], combine_attrs=\"override\")"
            f".set_coords({json.dumps(list(positions))}); {timed}{_AS_READ}" + whole_write())


def groups_beside_root_note(path: Path, groups: dict[str, list[str]], *, files: Sequence[Path] = ()) -> str:
    """One line for ``climann info`` about a file whose groups (:func:`grouped_variables`) hold
    variables beside the root's data, which climann does not read: the groups, their
    variables and the ``ncks`` that copies the first into a plain file. For several ``files``
    whose groups are the same (``path`` the first), one line with their count and a loop that
    copies each (:func:`_group_copies_loop`): a note per file gave 736 lines for 128 SMAP L4
    files (break44b B5)."""
    first = next(iter(groups)).strip("/")
    copy = copy_path(path, first.rsplit("/", 1)[-1])
    companions = _netcdf4_groups(Path(path), lambda dataset: root_companions(dataset, first))
    held = "; ".join(f"'{group.strip('/')}': {', '.join(names[:8])}{' …' if len(names) > 8 else ''}"
                     for group, names in list(groups.items())[:5]) + (" …" if len(groups) > 5 else "")
    named = ", ".join(Path(file).name for file in files[:2]) + (f" and {len(files) - 2} more" if len(files) > 2 else "")
    said = (f"{len(files)} files ({named}) also hold variables in NetCDF-4 groups, the same in each, which climann "
            f"does not read ({held})" if len(files) > 1 else
            f"{path.name} also holds variables in NetCDF-4 groups, which climann does not read ({held})")
    if companions and (companions[0] or companions[1]):  # SMAP L4: the root places and dates the group's fields
        command, data = python_copies(root_companions_code(first, *companions), list(files) or [path],
                                      folder=first.rsplit("/", 1)[-1].replace(" ", "_"))
        return (f"{said}; '{first}' is placed and dated by the root's {_companions_text(*companions)}: to use it, "
                f"copy it with them into a plain file{', each file in a loop' if len(files) > 1 else ''}: "
                f"`{command}`, then give --data {data}")
    if len(files) > 1:
        return (f"{said}; to use them, copy a group into a plain file and give the copies too, each "
                f"file in a loop: {_group_copies_loop(files, [first])}")
    return (f"{path.name} also holds variables in NetCDF-4 groups, which climann does not read ({held}); to use "
            f"them, copy a group into a plain file and give it too, e.g. "
            f"`ncks -G : -g {shlex.quote(first)} {shown_path(path)} {shown_path(copy)}` "
            f"({_xarray_copy(path, first, copy)})")


def data_groups_first(dataset: object, groups: list[str]) -> list[str]:
    """``groups`` (full names) with those that hold data first: a variable of numbers with a
    dimension. A group of text alone (HDF-EOS5's ``HDFEOS INFORMATION``, only the ODL text
    ``StructMetadata.0``) comes after them: its copy held no data (break38a B3)."""
    def holds_data(name: str) -> bool:
        variables = dataset[name.strip("/")].variables.values()
        return any(variable.dimensions and variable.dtype != str and getattr(variable.dtype, "kind", "S") in "iuf"
                   for variable in variables)

    return sorted(groups, key=lambda name: not holds_data(name))


def hdfeos_grid_of(dataset: object, group: str) -> HdfEosGrid | None:
    """The geographic HDF-EOS5 grid (:func:`~climann.data.hdfeos.hdfeos_grids`) whose data
    fields ``group`` (``/HDFEOS/GRIDS/<GridName>/Data Fields``) holds, from the file's
    ``StructMetadata.0``, or else from the ``GridSpan`` and ``GridSpacing`` attributes of its
    grid's group (:func:`~climann.data.hdfeos.span_grid`); None for any other group or file."""
    parts = group.strip("/").split("/")
    if len(parts) < 3 or parts[:2] != ["HDFEOS", "GRIDS"]:
        return None
    try:
        values = np.ravel(np.ma.getdata(dataset[STRUCT_METADATA[0]].variables[STRUCT_METADATA[1]][...]))
    except (KeyError, IndexError, AttributeError, OSError, RuntimeError):
        values = np.array([])
    # char (one byte per element, as the netCDF library reads HDF5's fixed string) or one string
    text = "".join(value.decode("latin-1") if isinstance(value, bytes) else str(value) for value in values.tolist())
    grid = hdfeos_grids(text).get(parts[2])
    if grid is not None:
        return grid
    try:
        node = dataset["/".join(parts[:3])]
        attributes = {key: node.getncattr(key) for key in node.ncattrs()}
    except (KeyError, IndexError, AttributeError, OSError, RuntimeError):
        return None
    return span_grid(parts[2], attributes)


def pps_grid_of(dataset: object, group: str) -> tuple[PpsGrid, bool] | None:
    """The TRMM/GPM Level-3 grid (:func:`~climann.data.pps_grids.pps_grid`) that ``group``'s
    ``GridHeader`` attribute describes for its dimensions, and whether the file's ``FileHeader``
    says its start (:func:`~climann.data.pps_grids.states_start`); None for any other group."""
    try:
        node = dataset[group.strip("/")]
        header = node.getncattr(GRID_HEADER) if GRID_HEADER in node.ncattrs() else None
        sizes = {str(name): len(dimension) for name, dimension in node.dimensions.items()}
        start = dataset.getncattr(FILE_HEADER) if FILE_HEADER in dataset.ncattrs() else ""
    except (KeyError, IndexError, AttributeError, OSError, RuntimeError):
        return None
    grid = pps_grid(str(header), sizes) if isinstance(header, str) else None
    return None if grid is None else (grid, states_start(str(start)))


def grouped_fields(dataset: object, shape: tuple[int, ...]) -> dict[str, list[str]]:
    """The groups below the root of an open NetCDF-4 file (full names, depth first) that hold
    variables of numbers of ``shape``, each with their names: the fields a root's 2-D latitude
    and longitude of that shape place (:mod:`climann.data.phony_grids`)."""
    found = {}
    for name in groups_with_variables(dataset):
        fields = [key for key, variable in dataset[name.strip("/")].variables.items()
                  if tuple(variable.shape) == tuple(shape) and getattr(variable.dtype, "kind", "S") in "iuf"]
        if fields:
            found[name] = fields
    return found


def hdfeos_dating_of(dataset: object, path: Path) -> str | None:
    """How copies of the HDF-EOS5 file ``path`` (open as ``dataset``) get their day
    (:func:`~climann.data.hdfeos.granule_dating`): from its ``GranuleYear``/``GranuleMonth``/
    ``GranuleDay``, from its name, or None."""
    try:
        group = dataset[FILE_ATTRIBUTES]
        attributes = {key: group.getncattr(key) for key in group.ncattrs()}
    except (KeyError, IndexError, AttributeError, OSError, RuntimeError):
        attributes = {}
    return granule_dating(attributes, path.name)


def grouped_message(path: Path, groups: list[str], grid: HdfEosGrid | None = None, *,
                    files: Sequence[Path] = (), dated: str | None = None,
                    coordinates_in: Sequence[str] = ()) -> str:
    """One line for a file whose root holds no data variables and whose ``groups`` (full
    names) do: the groups and how to copy one into a plain file, written beside the file and
    named after it and the group (``S5P_1990_PRODUCT.nc``): never the file itself (``data.nc``
    with a group ``data``), nor the copy of another file's group of the same name (see
    :func:`climann.data.shell.copy_path`). Groups that hold data come first
    (:func:`data_groups_first`). For the data fields of an HDF-EOS5 geographic ``grid``, which
    hold no latitude or longitude, the Python line that copies them with the grid's
    (:func:`~climann.data.hdfeos.grid_copy_code`), and, ``dated`` (:func:`hdfeos_dating_of`),
    each copy's day; for several ``files`` of such grids, a loop that copies each into a new
    folder (rerun38 N6: the first file's line only, and copies without a time). The groups
    ``coordinates_in`` (:func:`coordinate_groups`) that hold the latitude and longitude the
    first group lacks are copied with it. For several ``files`` of any other group, one ``ncks``
    loop copies each (break43b A5: one file's line for 72 monthly files)."""
    first = groups[0].strip("/")
    copy = copy_path(path, first.rsplit("/", 1)[-1].replace(" ", "_") if grid is None else grid.name)
    files_text = f"{shown_path(path)} {shown_path(copy)}"
    named = ", ".join(f"'{group.strip('/')}'" for group in groups[:5]) + (" …" if len(groups) > 5 else "")
    noun = "group" if len(groups) == 1 else "groups"
    said = f"{path.name} holds its variables in the NetCDF-4 {noun} {named}, not in the root group that climann reads"
    if grid is not None:
        head = (
            f"{said}; '{first}' is an HDF-EOS5 grid ('{grid.name}', {grid.columns} × {grid.rows} cells from "
            f"{grid.west:g}, {grid.north:g} to {grid.east:g}, {grid.south:g} degrees east, north): its latitude and "
            f"longitude are not in the group but in the grid's description ({grid.described}); copy the group with "
            f"them (at the cells' centres) and its "
            f"Units as units")
        day = {"attributes": f" and its day ({FILE_ATTRIBUTES}: GranuleYear, GranuleMonth, GranuleDay) as a time "
                             "with bounds [day, next day]",
               "name": " and its day (YYYYmMMDD in the file name) as a time with bounds [day, next day]",
               None: ""}[dated]
        if len(files) > 1:
            return head + day + ", each file in a loop: " + _grid_copies_loop(files, first, grid, dated)
        code = grid_copy_code(working_path(path), first, grid, working_path(copy), dated)
        return f"{head}{day}, in Python: `{python_command(code)}`"
    if coordinates_in:  # lat/lon in a sibling group (navigation_data): copied with the data (break40b B4)
        both = [first, *coordinates_in]
        held = ", ".join(f"'{group}'" for group in coordinates_in)
        if len(files) > 1:
            return (f"{said}; its latitude and longitude are in {held}: copy the groups together into a plain file, "
                    f"each file in a loop: {_group_copies_loop(files, both)}")
        return (
            f"{said}; its latitude and longitude are in {held}: copy the groups together into a plain file, e.g. "
            f"`ncks -G : -g {shlex.quote(','.join(both))} {files_text}` ({_xarray_merge(path, both, copy)})"
        )
    if len(files) > 1:
        return f"{said}; copy the group into a plain file, each file in a loop: {_group_copies_loop(files, [first])}"
    return (
        f"{said}; copy the group into a plain file, e.g. `ncks -G : -g {shlex.quote(first)} {files_text}` "
        f"({_xarray_copy(path, first, copy)})"
    )


def _group_copies_loop(files: Sequence[Path], groups: Sequence[str]) -> str:
    """The loop that copies ``groups`` of each of ``files`` with ``ncks -G :`` into a new folder
    named after the first group, a NetCDF file under each one's name with ``.nc``, then the
    ``--data`` that takes the copies: a line for the first file alone left the others as they
    were (break43b A5: 72 monthly files, one ncks line)."""
    folder = new_folder(Path(files[0]).parent, groups[0].rsplit("/", 1)[-1].replace(" ", "_"))
    pattern = shared_glob(files)
    listed = " ".join(shown_path(file) for file in files) if pattern is None else glob_words(pattern)
    copy = f"{shown_path(folder)}/\"$(basename \"${{f%.*}}\")\".nc"
    command = (f"mkdir -p {shown_path(folder)} && "
               + stopping_loop(listed, f"ncks -G : -g {shlex.quote(','.join(groups))} \"$f\" {copy}"))
    return f"`{command}`, then give --data {shlex.quote(f'{working_path(folder)}/*.nc')}"


def _is_latitude(name: str, variable: object) -> bool:
    return (getattr(variable, "standard_name", None) == "latitude"
            or str(getattr(variable, "units", "")).lower() in ("degrees_north", "degree_north")
            or name.lower() in ("lat", "latitude", "nav_lat"))


def coordinate_groups(dataset: object, group: str) -> list[str]:
    """The groups (names below the root, ``navigation_data``) that hold a latitude (CF
    standard_name or units ``degrees_north``, or the names lat, latitude) when neither the
    data ``group`` (a full name) nor any group above it does; empty otherwise. OBPG's files
    keep the pixels' latitude and longitude in ``navigation_data`` beside ``geophysical_data``:
    a copy of the data group alone has no place for its values (break40b B4).

    Parameters
    ----------
    dataset : netCDF4.Dataset
        An open NetCDF file (its root group).
    group : str
        The full name of the group whose data are copied.
    """
    parts = group.strip("/").split("/")
    above = [dataset] + [dataset["/".join(parts[:n])] for n in range(1, len(parts) + 1)]
    if any(_is_latitude(name, variable) for node in above for name, variable in node.variables.items()):
        return []
    return [name.strip("/") for name in groups_with_variables(dataset)
            if any(_is_latitude(key, variable) for key, variable in dataset[name.strip("/")].variables.items())]


def _xarray_merge(path: Path, groups: Sequence[str], copy: Path) -> str:
    """The xarray line that copies ``groups`` of ``path`` (data and their coordinates' group)
    together into the plain file ``copy``, their times as the file states them (undecoded: a
    time without a ``calendar`` was written ``proleptic_gregorian``, fix45k)."""
    script = (f"import sys, xarray as xr; t = xr.open_datatree({json.dumps(working_path(path))}, decode_times=False); "
              f"d = xr.merge([t[g].to_dataset() for g in {json.dumps(list(groups))}]); {_AS_READ}"
              + whole_write(target=json.dumps(working_path(copy))))
    return f"or xarray: `{python_command(script)}`"


def _grid_copies_loop(files: Sequence[Path], group: str, grid: HdfEosGrid, dated: str | None) -> str:
    """The loop that copies ``group`` of each of ``files`` into a new folder beside them
    (``grids``, :func:`~climann.data.shell.new_folder`), a NetCDF file under each one's name
    with ``.nc``, then the ``--data`` that takes the copies; and, without a day for the copies,
    that they are undated."""
    folder = new_folder(Path(files[0]).parent, "grids")
    pattern = shared_glob(files)
    # the glob's * bare for the shell to expand, its folder and the rest of the names quoted (names with spaces)
    listed = " ".join(shown_path(file) for file in files) if pattern is None else glob_words(pattern)
    code = grid_copy_code(None, group, grid, None, dated)
    command = f"mkdir -p {shown_path(folder)} && " + stopping_loop(
        listed, f"{python_command(code)} \"$f\" {shown_path(folder)}/\"$(basename \"${{f%.*}}\")\".nc")
    data = shlex.quote(f"{working_path(folder)}/*.nc")
    undated = ("" if dated else "; the files say no day (no GranuleYear/GranuleMonth/GranuleDay, no YYYYmMMDD in "
               "their names): give each copy its time before combining them")
    return f"`{command}`, then give --data {data}{undated}"


def _xarray_copy(path: Path, group: str, copy: Path) -> str:
    """The xarray line that copies ``group`` of ``path`` into the plain file ``copy`` with the
    coordinates it inherits from its ancestors (the root's time, lat, lon: a DataTree node's
    ``to_dataset()`` keeps them, while ``open_dataset(path, group=...)`` leaves them behind and
    gives a file whose values only their position places, break29b A3); their times as the
    file states them (undecoded: a time without a ``calendar`` was written
    ``proleptic_gregorian``, fix45k)."""
    script = (f"import sys, xarray as xr; d = xr.open_datatree({json.dumps(working_path(path))}, decode_times=False)"
              f"[{json.dumps(group)}].to_dataset(); {_AS_READ}" + whole_write(target=json.dumps(working_path(copy))))
    return f"or xarray, which keeps the root's coordinates: `{python_command(script)}`"


#: The way out of a file cut short.
_AGAIN = "fetch or copy the file again"


def cut_short_message(handle: object, path: Path) -> str | None:
    """Why a NetCDF-3 file is cut short (a download or copy that did not finish), or None.

    A classic or 64-bit-offset file (NetCDF User Guide, "File Format Specification") holds
    its fixed-size variables, then one record after another along its unlimited dimension, as
    many as its header's record count. Cut short, the file still opens, and the netCDF
    library reads the records it lacks as zeros: a time axis then repeats its reference date
    (refused as a repeated time, with advice about overlapping files that does not apply),
    and data values are zero. The file needs at least the bytes of every fixed-size variable
    and of every record (the header and padding come on top, so this lower bound never
    accuses a complete file); fewer bytes on disk mean records are missing.

    Parameters
    ----------
    handle : netCDF4.Dataset
        The open file.
    path : Path
        The file, for its size and name.

    Returns
    -------
    str or None
        The one-line refusal, or None when the file is NetCDF-4 or has its bytes.
    """
    if not str(getattr(handle, "data_model", "")).startswith("NETCDF3"):
        return None
    dimensions = handle.dimensions
    unlimited = [name for name, dimension in dimensions.items() if dimension.isunlimited()]
    n_records = len(dimensions[unlimited[0]]) if unlimited else 0
    fixed = per_record = 0
    for variable in handle.variables.values():
        size = variable.dtype.itemsize
        for name in variable.dimensions:
            size *= 1 if dimensions[name].isunlimited() else len(dimensions[name])
        if variable.dimensions and dimensions[variable.dimensions[0]].isunlimited():
            per_record += size
        else:
            fixed += size
    needed, on_disk = fixed + n_records * per_record, path.stat().st_size
    if on_disk >= needed:
        return None
    # xarray (and ncks of such a file) writes no unlimited dimension unless told: then only
    # fixed-size variables, whose missing tail is read as zeros all the same.
    promised = (f"{n_records} records along '{unlimited[0]}'" if unlimited
                else "its fixed-size variables (it has no unlimited dimension)")
    missing = "records" if unlimited else "values"
    return (f"{path.name} is cut short: its header promises {promised} "
            f"(at least {needed:,} bytes of data) but the file holds {on_disk:,} bytes, so the missing {missing} "
            f"would be read as zeros (a download or copy that did not finish); {_AGAIN}")


#: The first bytes of a NetCDF-3 file: classic, 64-bit offset, 64-bit data (CDF5) (NetCDF
#: User Guide, "File Format Specification": magic).
NETCDF3_MAGIC = (b"CDF\x01", b"CDF\x02", b"CDF\x05")


def is_netcdf(path: str | Path) -> bool:
    """Whether ``path`` is a NetCDF file by its first bytes, whatever its name (``predict
    --out pred``, ``pred.netcdf`` or ``pred.NC`` write NetCDF as ``pred.nc`` does): a NetCDF-3
    magic (:data:`NETCDF3_MAGIC`), or the HDF5 signature of NetCDF-4 (:data:`HDF5_SIGNATURE`)
    at the start or after a user block of 512, 1024, 2048, … bytes (HDF5 File Format
    Specification, "Format Signature"). False for a folder and for what cannot be read."""
    try:
        with open(path, "rb") as handle:
            if handle.read(4) in NETCDF3_MAGIC:
                return True
            for offset in (0, 512, 1024, 2048, 4096, 8192):
                handle.seek(offset)
                if handle.read(len(HDF5_SIGNATURE)) == HDF5_SIGNATURE:
                    return True
    except OSError:
        return False
    return False


def format_by_content(path: str | Path) -> str | None:
    """``"grib"`` or ``"netcdf"`` (NetCDF-3, or HDF5 and so NetCDF-4) for a file whose first
    bytes say so (:func:`is_grib`, :func:`is_netcdf`), None for another file, a folder (a Zarr
    store is told by its metadata: :func:`~climann.data.paths.is_zarr_store`) or one that cannot
    be read."""
    return "grib" if is_grib(path) else "netcdf" if is_netcdf(path) else None


def _hdf5_end_of_file(head: bytes) -> int | None:
    """The end-of-file address an HDF5 superblock at the start of the file records (HDF5
    File Format Specification, "Superblock": versions 0 and 1 hold it after the base and
    free-space addresses, versions 2 and 3 after the base and superblock-extension addresses;
    addresses are little-endian, of the superblock's "size of offsets" bytes), added to its
    base address; None when ``head`` holds no such superblock."""
    if not head.startswith(HDF5_SIGNATURE) or len(head) < 16:
        return None
    version = head[8]
    if version in (0, 1):
        size, start = head[13], 24 + (4 if version == 1 else 0)
        base_at, eof_at = start, start + 2 * head[13]
    elif version in (2, 3):
        size, base_at = head[9], 12
        eof_at = base_at + 2 * size
    else:
        return None
    if size not in (2, 4, 8) or len(head) < eof_at + size:
        return None
    base = int.from_bytes(head[base_at:base_at + size], "little")
    end = int.from_bytes(head[eof_at:eof_at + size], "little")
    return base + end


def short_file_message(path: Path) -> str | None:
    """Why a file that does not open is shorter than it should be, or None.

    Three kinds, each told by the file's own first bytes: a file of 0 bytes (a download that
    never started, a copy onto a full disk); a NetCDF-4 (HDF5) file shorter than the
    end-of-file address its superblock records (:func:`_hdf5_end_of_file`); a file that
    begins as NetCDF-3 (:data:`NETCDF3_MAGIC`) yet does not open, so ends inside its header
    (one cut after its header opens and is refused by :func:`cut_short_message`).

    Parameters
    ----------
    path : Path
        A file that the netCDF library could not open.

    Returns
    -------
    str or None
        The one-line refusal naming the file and the way out (download or copy it again).
    """
    try:
        on_disk = path.stat().st_size
        with open(path, "rb") as stream:
            head = stream.read(64)
    except OSError:
        return None
    if on_disk == 0:
        return f"{path.name} is empty (0 bytes: a download or copy that did not finish); {_AGAIN}"
    end = _hdf5_end_of_file(head)
    if end is not None and on_disk < end:
        return (f"{path.name} is cut short: its NetCDF-4 (HDF5) header says the file ends at byte {end:,} but it "
                f"holds {on_disk:,} bytes (a download or copy that did not finish); {_AGAIN}")
    if head.startswith(NETCDF3_MAGIC):
        return (f"{path.name} is cut short: it begins as a NetCDF-3 file but ends within its header ({on_disk:,} "
                f"bytes; a download or copy that did not finish); {_AGAIN}")
    return None
