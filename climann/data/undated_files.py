"""Files of one variable that hold no time at all, said so rather than taken for two scenarios.

NASA OceanColor's Level-3 mapped files (``AQUA_MODIS.20030101_20030131.L3m.MO.SST.sst.9km.nc``)
hold ``sst(lat, lon)`` and say their period only in the global attributes
``time_coverage_start``/``time_coverage_end`` (ACDD 1.3); GeoTIFFs converted with
``gdal_translate -of netCDF`` (PRISM, CHELSA, WorldClim, one per month) hold ``Band1(lat, lon)``
and no time. Several such files of one variable cannot be told apart in time: climann says so,
and gives the ``ncap2`` line that adds a CF scalar time to a file (CF conventions 1.8 §5.7; read
as one step, see :mod:`climann.data.scalar_coordinates`), dated from the file's
``time_coverage_start`` where it has one.

Files of one map each with a *scalar* time joined by ``ncecat -u time`` (NCO) are the same
fault inside one file: ``sst(time, lat, lon)`` along a new record dimension ``time``, while
the variable ``time`` stays a scalar, the first file's date. The steps have no dates, and
xarray refuses the file ("dimension 'time' already exists as a scalar variable");
:func:`scalar_time_on_dimension_message` says so in climann's words, with the way out: the
joined files themselves (climann reads one file per step), or xarray's lines that join them
along their scalar times (``ncks --mk_rec_dmn`` does not apply: the files have no ``time``
dimension to make a record one; ``ncrcat`` of them wants one, and ``cdo mergetime`` drops the
scalar time: NCO 5.1.4, CDO 2.1.1).
"""

from __future__ import annotations

import glob
import os
import re
import shlex
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np
import xarray as xr

from climann.data.absolute_time import absolute_time_unit
from climann.data.handles import open_netcdf, shared_manager
from climann.data.long_name_dates import long_name_reference, long_name_reference_advice
from climann.data.members import MEMBER_NAMES, MEMBER_STANDARD_NAME
from climann.data.name_dates import PRISM_DAY_NAME, name_dates, named_dates_statements, named_dating
from climann.data.ncl_initial_times import NCL_INITIAL_TIME
from climann.data.renames import FileRenames, rename_table
from climann.data.shell import (
    copies_in_place_advice, copy_in_place_advice, copy_path, dated_copies, input_and_copy, one_copy_advice,
    original_and_copy, superseded_copies, values_command, whole_write, working_path,
)
from climann.data.text_times import conversion_statements, text_dates_advice, text_dates_in
from climann.data.sources import two_names

__all__ = ["first_undated_pair_message", "joined_files_pattern", "misdated_accumulations_message",
           "undated_files_message", "scalar_time_on_dimension_message"]

#: xarray's refusal of a variable named as a dimension but scalar.
_SCALAR_ON_DIMENSION = re.compile(r"dimension '([^']+)' already exists as a scalar variable")

#: A CF time coordinate's units (CF §4.4): ``UNIT since DATE``.
_SINCE = re.compile(r"\bsince\b", re.IGNORECASE)


def has_time(dataset: xr.Dataset) -> bool:
    """Whether a variable of an undecoded ``dataset`` that can be its time coordinate (a scalar, a
    variable of one dimension, or one named as a dimension of its own) has CF time units (``days
    since …``) or CDO's absolute time units (``day as %Y%m%d.%f``,
    :func:`~climann.data.absolute_time.absolute_time_unit`: ICON's and CDO's output, whose files were said
    to have no time coordinate, break43b A3). A field in such units is no time axis: CATDS SMOS L3's
    ``Days(lat, lon)``, "days since 2000-01-01", the date each pixel was observed, in daily files
    whose date is only in their names (break50a A1: 1 096 of them were taken as dated, and refused
    with 8 768 renames)."""
    return any((variable.ndim <= 1 or str(name) in variable.dims)
               and (_SINCE.search(units := str(variable.attrs.get("units", "")))
                    or absolute_time_unit(units) is not None)
               for name, variable in dataset.variables.items())


#: How many files without a time :func:`first_undated_pair_message` looks at: the first two of a
#: series of undated files already hold its variable twice on one grid.
_UNDATED_LOOKED_AT = 2


def first_undated_pair_message(datasets: Iterable[tuple[Path, xr.Dataset]], files: Sequence[Path],
                               is_field: Callable[[str, xr.DataArray], bool],
                               renames: FileRenames | None = None) -> str | None:
    """The refusal of :func:`undated_files_message` as soon as the first two files without a time
    hold one variable on the same grid, or None. A folder of NCEP Stage IV files converted with
    ``ncl_convert2nc`` (``APCP_P8_L1_GST0_acc(ygrid_0, xgrid_0)``, dated only by the attributes
    ``initial_time`` and ``statistical_process_duration``) was opened file by file, its grids
    compared and its simulations checked, before the refusal named its first two files: 730 daily
    files took 118 s of CPU, 1460 more than 18 minutes (break41d B1). Here at most
    :data:`_UNDATED_LOOKED_AT` undated files are read, and the refusal comes after two.

    Parameters
    ----------
    datasets : iterable of (Path, xarray.Dataset)
        Each file and its header opened without decoding times, its variables renamed as the
        run renames them; consumed lazily, and not beyond the files needed.
    files : sequence of Path
        All the files given, for the advice (:func:`undated_files_message`).
    is_field : callable
        Whether a variable of a file (its name, the variable) is a field, not its grid's
        latitude, longitude or bounds.
    renames : FileRenames, optional
        The run's renames, which the datasets' names are after (:func:`undated_files_message`).

    Returns
    -------
    str or None
        None when the first undated files hold no variable in common on one grid: tiles of one map
        (the same variable on different cells, combined by their coordinates), or a static field
        beside dated files; the general checks then decide.
    """
    seen: dict[str, tuple[Path, xr.Dataset]] = {}
    looked_at = 0
    for path, dataset in datasets:
        if has_time(dataset):
            continue
        for name in (str(name) for name in dataset.data_vars if is_field(str(name), dataset[name])):
            if name in seen and _on_one_grid(seen[name][1], dataset, name, is_field):
                return undated_files_message(name, seen[name], (path, dataset), files, renames)
            seen.setdefault(name, (path, dataset))
        looked_at += 1
        if looked_at >= _UNDATED_LOOKED_AT:
            return None
    return None


def _on_one_grid(one: xr.Dataset, other: xr.Dataset, name: str,
                 is_field: Callable[[str, xr.DataArray], bool]) -> bool:
    """Whether ``name`` has the same dimensions and sizes in both files, and every variable of
    the files on those dimensions alone other than ``name`` and the other fields (``is_field``, but
    an axis of its own name: coordinates, Stage IV's ``gridlat_0``/``gridlon_0``, a ``lat`` axis)
    holds the same values: the same cells twice, not two tiles of a map. Another field differs from
    day to day on the same cells (SMOS's ``Days`` beside ``Soil_Moisture``: 200 daily files were all
    opened, each file's Days read, before the refusal, break51a)."""
    if one[name].dims != other[name].dims or one[name].shape != other[name].shape:
        return False
    dims = set(one[name].dims)
    shared = [key for key in one.variables if key != name and key in other.variables
              and set(one[key].dims) <= dims and one[key].ndim > 0
              and (key in one[key].dims or not is_field(str(key), one[key]))]
    try:
        return all(one[key].shape == other[key].shape and np.array_equal(one[key].values, other[key].values)
                   for key in shared)
    except (OSError, ValueError, TypeError):
        return False


def undated_files_message(name: str, first: tuple[Path, xr.Dataset], second: tuple[Path, xr.Dataset],
                          files: Sequence[Path] = (), renames: FileRenames | None = None) -> str | None:
    """The refusal of two files that both hold ``name`` and neither has a time, or None when
    either has one.

    Parameters
    ----------
    name : str
        The variable in both files.
    first, second : tuple of (Path, xarray.Dataset)
        Each file and its dataset, opened without decoding times.
    files : sequence of Path
        All the files given (the two among them): when the two date their steps in text (WRF's
        ``Times`` without ``XTIME``), the advice is one loop that writes a dated copy of each.
    renames : FileRenames, optional
        The run's renames (``name`` is the name after them), merged into the rename advised
        (:func:`~climann.data.renames.rename_table`).

    Returns
    -------
    str or None
        One line naming the two files, where their period is said (``time_coverage_start``),
        the ``ncap2`` line that adds a time to the second file (each file with its own date),
        and the rename for two different fields; for files whose steps are dated in text
        (:func:`_text_dated_message`), the loop that makes those dates their time coordinates.
    """
    (one_path, one), (other_path, other) = first, second
    if has_time(one) or has_time(other):
        return None
    if (pair := original_and_copy(one_path, other_path)) is not None:  # not two dates: the copy in its place
        chain = superseded_copies(one_path, other_path, files)  # X_fixed_2.nc too: every earlier copy at once
        return (f"'{name}' is in both {two_names(pair[0], pair[1])}, and neither has a time coordinate; "
                f"{copy_in_place_advice(*pair) if chain is None else copies_in_place_advice(*chain)}")
    if (texts := _text_dated_message(name, first, second, files)) is not None:
        return texts
    if (accumulations := _accumulations_message(name, first, second, files)) is not None:
        return accumulations
    if (dated := _long_name_dated_message(name, first, second, files)) is not None:
        return dated
    where, start = _stated_start(other)  # a start stated in the file is said before MODIS's AYYYYDDD
    if (named := _named_dates_message(name, one_path, other_path, files, year_day=not start)) is not None:
        return named
    date = start[:10] if re.match(r"\d{4}-\d{2}-\d{2}", start) else "YYYY-MM-DD"
    said = f" (the period only in {where}, {start} in the second)" if start else ""
    units = f"days since {date} 00:00:00"
    # its copy in a new folder: beside the original, a glob over their folder took both (break57d A5)
    command = one_copy_advice(lambda words: values_command(
        [f'time=0.0;time@units="{units}";time@standard_name="time"'],
        [f"d = d.assign_coords(time=((), 0.0, {{'units': {units!r}, 'standard_name': 'time'}}))"], words),
        input_and_copy(other_path, "dated"), "with_time")
    return (
        f"'{name}' is in both {two_names(one_path, other_path)}, and neither has a time coordinate"
        f"{said}, so which date each holds cannot be told; if they are dated files of one series, give each "
        f"file its date as a time coordinate, e.g. {command} (each file with its own date; a file's time is then "
        f"one step); if both hold the same field, give only one of them in --data; or, if they are two different "
        f"fields, give one a new name with [data] rename = {rename_table(name, other_path, one_path, files, renames)}"
    )


def _long_name_time(name: str, dataset: xr.Dataset) -> xr.DataArray | None:
    """The coordinate of a dimension of ``name`` in an undecoded ``dataset`` whose units are a unit
    of time alone and whose ``long_name`` names the date it counts from
    (:func:`~climann.data.long_name_dates.long_name_reference`: CAMS Europe's old ADS files,
    ``time`` in ``hours``, "FORECAST time from 20210101"), or None."""
    if name not in dataset.variables:
        return None
    return next((dataset[dim] for dim in dataset[name].dims
                 if dim in dataset.variables and long_name_reference(dataset[dim]) is not None), None)


def _long_name_dated_message(name: str, first: tuple[Path, xr.Dataset], second: tuple[Path, xr.Dataset],
                             files: Sequence[Path]) -> str | None:
    """The refusal of files that hold ``name`` on a time in a unit alone whose ``long_name`` names
    the date it counts from (:func:`_long_name_time`), or None for others: the loop of
    :func:`~climann.data.long_name_dates.long_name_reference_advice` that sets each file's units from
    its own long name, the advice one such file alone gets. The general advice (a file-name date
    as a scalar ``time``) failed when run on them, whose ``time`` is already a dimension: "dimension
    'time' already exists as a scalar variable" (break49d A5). Every file given that holds ``name``
    is read (its header, undecoded) for its time."""
    (one_path, one), (other_path, other) = first, second
    if _long_name_time(name, one) is None or _long_name_time(name, other) is None:
        return None
    times: dict[Path, xr.DataArray] = {}
    for path in dict.fromkeys([one_path, other_path, *map(Path, files)]):
        if path in (one_path, other_path):
            time = _long_name_time(name, one if path == one_path else other)
        elif path.is_file():
            with open_netcdf(path, decode_times=False, decode_timedelta=False) as opened:
                time = _long_name_time(name, opened)
                time = None if time is None else time.load()
        else:
            return None
        if time is not None:
            times[path] = time
    advice = long_name_reference_advice(times)
    if advice is None:
        return None
    return f"'{name}' is in both {two_names(one_path, other_path)}, and neither has a time coordinate: {advice}"


def _text_dated_message(name: str, first: tuple[Path, xr.Dataset], second: tuple[Path, xr.Dataset],
                        files: Sequence[Path]) -> str | None:
    """The refusal of files that hold ``name`` along a dimension whose steps a text variable
    dates (WRF's ``char Times(Time, DateStrLen)`` without ``XTIME``: monthly wrfout files of 28
    to 31 daily steps, break38a A3), or None for others. A scalar time per file, which the
    ``ncap2`` line of :func:`undated_files_message` adds, would make each file one step: here
    each file's dates are in it, and one loop (:func:`~climann.data.shell.dated_copies`) writes
    them as a CF time coordinate into a copy of each file, as the one-file advice does
    (:func:`~climann.data.text_times.text_dates_advice`)."""
    (one_path, one), (other_path, other) = first, second
    ones, others = text_dates_in(one), text_dates_in(other)
    found = [others[dim] for dim in other[name].dims if dim in others and dim in ones and dim in one[name].dims]
    if not found:
        return None
    dates = found[0]
    said = (f"'{name}' is in both {two_names(one_path, other_path)}, and neither has a time coordinate: the "
            f"dates of their steps (dimension '{dates.dim}') are stored as text in '{dates.name}' "
            f"({other_path.name}: {dates.quoted()})")
    if dates.orders:  # day/month order undecided: the one-file advice offers both readings
        return f"{said}; {text_dates_advice(dates, other_path)}; write each file's copy so"
    copied = list(dict.fromkeys([*map(Path, files), one_path, other_path]))
    return (f"{said}; a CF time coordinate holds numbers in units of time since a date (CF §4.4); write a copy of "
            f"each file with its dates as one, calendar '{dates.calendar}': "
            f"{dated_copies(conversion_statements(dates), copied)}")


def _named_dates_message(name: str, one_path: Path, other_path: Path, files: Sequence[Path], *,
                         year_day: bool = True) -> str | None:
    """The refusal of files that hold ``name`` without a time while each file's name holds
    its date (PRISM's ``PRISM_ppt_stable_4kmM3_198101_bil.nc`` from ``gdal_translate``, one a
    month: break42d P1), or None for others: one loop writes a copy of each file dated from its
    name (:func:`named_dates_statements`), where the general advice was an ``ncap2`` line
    with a date ``YYYY-MM-DD`` to fill in for each of 120 files. Only where every name holds one
    date-like number of one form at one place, or one that differs from name to name beside
    others that do not (:func:`named_dating`), and the two files'
    dates differ: the same date twice is two fields or one field twice, which the general
    advice says. No rename of one file is offered: in a series of one file a date, it would
    meet the refusal again at the next (break42d P2). MODIS's ``AYYYYDDD`` names are read only with
    ``year_day`` (files that state no start of their own: break44b B7's MOD10CM)."""
    copied = list(dict.fromkeys([*map(Path, files), one_path, other_path]))
    if (dating := named_dating(copied, year_day=year_day)) is None:
        return None
    (place, _), form = dating
    one_date, other_date = (next(number for at, _, number in name_dates(path, year_day=year_day) if at == dating[0])
                            for path in (one_path, other_path))
    if one_date == other_date:
        return None
    # PRISM's day D ends 12 UTC on D: stamped at 00:00 of D it was read as the day beginning there (break55b A4)
    noon = form[2] == "day" and all(PRISM_DAY_NAME.match(path.name) for path in copied)
    said = {"month": "the middle of its month, with the month as its bounds",
            "day": ("PRISM's day, the 24 hours ending 12 UTC on the name's date, as its bounds, the time their middle "
                    "(00 UTC of that date)") if noon else "its day",
            "hour": "its hour", "time": "its date and time of day"}[form[2]]
    return (f"'{name}' is in both {two_names(one_path, other_path)}, and neither has a time coordinate; each "
            f"file's name holds a date ({form[1]}: {one_date} and {other_date}): if they are dated files of one "
            f"series, write a copy of each file with that date as a CF time coordinate ({said}, in days since "
            f"1970-01-01): {dated_copies(named_dates_statements(place, form, day_ends_at_noon=noon), copied)}")


#: ``ncl_convert2nc``'s reference time of a GRIB record (``initial_time = "01/01/2017 (12:00)"``,
#: month/day/year (hour:minute)), on each variable converted (NCL, "GRIB2 file conventions").
_NCL_INITIAL_TIME = NCL_INITIAL_TIME

#: ``ncl_convert2nc``'s length of an accumulation (GRIB2 product template 4.8's statistical
#: process): ``statistical_process_duration = "6 hours (ending at forecast time)"``.
_NCL_DURATION = re.compile(r"^\s*(\d+) hours?\b")


def _accumulation_dating(name: str, dataset: xr.Dataset) -> tuple[dict[str, str], list[str]] | None:
    """The attributes ``initial_time`` and ``statistical_process_duration`` of ``name`` in
    ``dataset`` as ``ncl_convert2nc`` writes a GRIB accumulation's, and the Python statements
    (on the dataset ``d`` of :func:`~climann.data.shell.dated_copies`) that give a copy a CF time
    at the end of its accumulation, in hours since that end, with the bounds ``[-duration, 0]``
    hours; None when ``name`` is not dated so."""
    said = {key: str(dataset[name].attrs.get(key, "")) for key in ("initial_time", "statistical_process_duration")}
    if not (_NCL_INITIAL_TIME.match(said["initial_time"])
            and _NCL_DURATION.match(said["statistical_process_duration"])):
        return None
    forecast_units = str(dataset[name].attrs.get("forecast_time_units", "hours")).strip()
    step = "max(h, int(a.get('forecast_time', 0)))" if forecast_units in ("hours", "hour") else "h"
    return said, [
        "import datetime as dt", f"a = d[{name!r}].attrs",
        "h = int(str(a['statistical_process_duration']).split()[0])",
        f"e = dt.datetime.strptime(str(a['initial_time']), '%m/%d/%Y (%H:%M)') + dt.timedelta(hours={step})",
        "d = d.assign_coords(time=((), 0.0, {'units': e.strftime('hours since %Y-%m-%d %H:%M:00'), "
        "'standard_name': 'time', 'bounds': 'time_bnds'}))",
        "d['time_bnds'] = (('nv',), [-float(h), 0.0])",
    ]


def _accumulations_message(name: str, first: tuple[Path, xr.Dataset], second: tuple[Path, xr.Dataset],
                           files: Sequence[Path]) -> str | None:
    """The refusal of files that hold ``name`` as an accumulation dated only by attributes of
    ``ncl_convert2nc`` (NCEP Stage IV's ``APCP_P8_L1_GST0_acc``: ``initial_time``,
    ``statistical_process_duration``, ``forecast_time`` in hours), or None for others. The
    general advice, a time ``days since YYYY-MM-DD 00:00:00`` per file, stamped the four 6-hour
    files of a day at one time, and they were then refused as two scenarios (break41d B2). Here
    one loop dates each file's copy by its own attributes at the end of its accumulation
    (CF §7.1: an accumulation's time is within its bounds; the end, as the files' names say):
    the reference time plus the duration, or plus ``forecast_time`` when NCL gives it as the end of
    the interval (larger than the duration), in ``hours since`` that end, with the bounds
    ``[-duration, 0]`` hours (:func:`_accumulation_dating`)."""
    (one_path, _), (other_path, other) = first, second
    if (dating := _accumulation_dating(name, other)) is None:
        return None
    said, statements = dating
    copied = list(dict.fromkeys([*map(Path, files), one_path, other_path]))
    return (f"'{name}' is in both {two_names(one_path, other_path)}, and neither has a time coordinate: each "
            f"dates its accumulation only in the attributes initial_time and statistical_process_duration "
            f"({other_path.name}: {said['initial_time']!r}, {said['statistical_process_duration']!r}, as "
            f"ncl_convert2nc writes a GRIB file's); write a copy of each file with a CF time at the end of its "
            f"accumulation, in hours since that time, and its bounds: {dated_copies(statements, copied)}")


def misdated_accumulations_message(name: str, first: tuple[Path, xr.Dataset], second: tuple[Path, xr.Dataset],
                                   files: Sequence[Path]) -> str | None:
    """The refusal of two files whose time coordinates give ``name`` the same times while its
    ``ncl_convert2nc`` attributes date it differently (``initial_time``), or None for others.

    A folder of NCEP Stage IV accumulations dated by an earlier piece of advice (a time ``days
    since YYYY-MM-DD`` written into each file, the same date into every one, or the files' names
    changed) was refused as "a corrected download? two scenarios?" about its first two files:
    the fault is the time coordinates, which do not say what the files' own attributes say. The
    way out is the loop of :func:`_accumulations_message`, which replaces each copy's time by the
    end of its accumulation (CF §7.1) whatever time the file holds.

    Parameters
    ----------
    name : str
        The variable both files hold at the same times.
    first, second : tuple of (Path, xarray.Dataset)
        Each file and its dataset (attributes as in the file).
    files : sequence of Path
        All the files given: the loop writes a dated copy of each.

    Returns
    -------
    str or None
        One line: the shared time, the two ``initial_time`` attributes, and the loop.
    """
    (one_path, one), (other_path, other) = first, second
    if name not in one.variables or name not in other.variables:
        return None
    dated = [_accumulation_dating(name, dataset) for dataset in (one, other)]
    if any(dating is None for dating in dated) or dated[0][0]["initial_time"] == dated[1][0]["initial_time"]:
        return None
    copied = list(dict.fromkeys([*map(Path, files), one_path, other_path]))
    return (f"'{name}' has the same time coordinate in {two_names(one_path, other_path)}, but its attribute "
            f"initial_time, as ncl_convert2nc writes a GRIB file's, dates them differently "
            f"({dated[0][0]['initial_time']!r} and {dated[1][0]['initial_time']!r}, each accumulated over "
            f"{dated[1][0]['statistical_process_duration']!r}): their time coordinates do not give their dates (one "
            f"date written into each file, as a time 'days since YYYY-MM-DD' added by hand does); write a copy of "
            f"each file with a CF time at the end of its accumulation, in hours since that time, and its bounds, "
            f"in place of the time it holds: {dated_copies(dated[1][1], copied)}")


#: HDF-EOS's inventory metadata (ECS ODL in the global attribute ``CoreMetadata.0``, which
#: MODIS files keep when converted to NetCDF): the first day of the file's period.
_RANGE_BEGINNING = re.compile(r"OBJECT\s*=\s*RANGEBEGINNINGDATE.*?VALUE\s*=\s*\"?(\d{4}-\d{2}-\d{2})", re.DOTALL)


def _stated_start(dataset: xr.Dataset) -> tuple[str, str]:
    """Where an undated file says when its period starts, and the date said: ACDD's global
    attribute ``time_coverage_start``, or the ``RANGEBEGINNINGDATE`` of HDF-EOS's
    ``CoreMetadata.0`` (MODIS MOD08_M3, break34a A3); ``("", "")`` when it says nowhere."""
    start = str(dataset.attrs.get("time_coverage_start", ""))
    if start:
        return "the global attribute time_coverage_start", start
    found = _RANGE_BEGINNING.search(str(dataset.attrs.get("CoreMetadata.0", "")))
    return ("the HDF-EOS metadata CoreMetadata.0 (RANGEBEGINNINGDATE)", found[1]) if found else ("", "")


def scalar_time_on_dimension_message(path: Path, reason: str) -> str | None:
    """The refusal of a file whose time dimension's variable is a scalar (``ncecat -u time`` of
    files with a scalar time), or None when xarray's ``reason`` is another.

    Parameters
    ----------
    path : Path
        The file xarray could not open.
    reason : str
        xarray's message.

    Returns
    -------
    str or None
        One line: the dimension's number of steps, that they have no dates, and the ways out.
    """
    found = _SCALAR_ON_DIMENSION.search(reason)
    if found is None:
        return None
    dim = found.group(1)
    try:
        with shared_manager(path).acquire_context() as handle:
            size = len(handle.dimensions[dim])
            history = str(getattr(handle, "history", ""))
            standard_name = str(getattr(handle.variables[dim], "standard_name", ""))
    except (OSError, KeyError, AttributeError):  # not a NetCDF file xarray's netCDF4 backend opens
        size, history, standard_name = None, "", ""
    steps = "" if size is None else f" of {size} steps"
    joined = joined_files_pattern(path, history)
    pattern = joined or "FOLDER/*.nc"
    if standard_name == MEMBER_STANDARD_NAME or (not standard_name and dim in MEMBER_NAMES):
        return _scalar_member_message(path, dim, size, pattern, joined is not None)
    copy = working_path(copy_path(path, "dated"))
    return (
        f"{path.name}: '{dim}' is a dimension{steps}, but the variable '{dim}' is a scalar (one date), as "
        f"`ncecat -u {dim}` leaves files of one map with a scalar {dim}: the steps have no dates, and climann "
        f"does not guess them; give the files that were joined instead (climann reads one map per file, e.g. "
        f"--data {shlex.quote(pattern)}{'' if joined else ', FOLDER the folder that holds them'}), or join them "
        f"along their dates in Python: import sys, xarray as xr; "
        + whole_write(f"xr.open_mfdataset({pattern!r}, combine='nested', concat_dim='{dim}').to_netcdf", repr(copy))
    )


def _scalar_member_message(path: Path, dim: str, size: int | None, pattern: str, joined: bool) -> str:
    """The refusal of ``ncecat -u realization`` of one-member files (HadCRUT5's, each with a
    scalar ``realization``): a member axis whose variable was left a scalar. Members have no
    dates to lose: the ways out are the member axis without its scalar (chosen by index) or the
    files joined along their member coordinate."""
    members = "" if size is None else f" of {size} members"
    copy = working_path(copy_path(path, "members"))
    return (
        f"{path.name}: '{dim}' is an ensemble member dimension{members}, but the variable '{dim}' is a scalar (one "
        f"member's number), as `ncecat -u {dim}` leaves files of one member each: which member is which is not said; "
        f"drop the scalar, after which the members are chosen by index (--select {dim}=0 the first file joined): "
        f"ncks -C -x -v {dim} {input_and_copy(path, 'members')}, or join the member files along their '{dim}' "
        f"coordinate in Python: import sys, xarray as xr; "
        + whole_write(f"xr.open_mfdataset({pattern!r}, combine='nested', concat_dim='{dim}').to_netcdf", repr(copy))
        + ('' if joined else ', FOLDER the folder that holds them')
    )


#: An NCO ``history`` line of ``ncecat`` (NCO prepends ``DATE: COMMAND``, newest first).
_NCECAT = re.compile(r"^.*?:\s*(ncecat\s.*)$", re.MULTILINE)


def joined_files_pattern(path: Path, history: str) -> str | None:
    """The pattern of the files ``ncecat`` joined into ``path``, as the working folder reaches
    them (``DAILY/sst_200302*.nc``), from the newest ``ncecat`` command of its NCO ``history``
    attribute; None unless those files are there (from the working folder or ``path``'s own) and
    the pattern matches them and nothing else.

    Parameters
    ----------
    path : Path
        The joined file.
    history : str
        Its global attribute ``history`` (NCO appends each command it runs on a file).

    Returns
    -------
    str or None
        A glob pattern, relative to the working folder where the files are inside it.

    Notes
    -----
    The pattern is the files' folder, the start and the end their names share, and ``*``
    between: the joined file itself, or other files of the folder, are not in it.
    """
    found = _NCECAT.search(history)
    if found is None:
        return None
    try:
        words = shlex.split(found.group(1))[1:]
    except ValueError:  # unbalanced quotes: a history cut short
        return None
    named = [word for word, before in zip(words, ["", *words], strict=False)
             if not word.startswith("-") and before not in _NCECAT_VALUED and Path(word).suffix]
    # ncecat's output is the value of -o, else the last file named
    inputs = named if {"-o", "--output"} & set(words) else named[:-1]
    for base in (Path.cwd(), path.parent):
        files = [(base / name).resolve() for name in inputs]
        if len(files) < 2 or not all(file.is_file() for file in files) or len({file.parent for file in files}) > 1:
            continue
        names = [file.name for file in files]
        start = os.path.commonprefix(names)
        end = os.path.commonprefix([name[len(start):][::-1] for name in names])[::-1]
        if glob.escape(start + end) != start + end:  # a name of glob's own characters: no pattern
            return None
        folder = files[0].parent
        if sorted(Path(match).resolve() for match in folder.glob(f"{start}*{end}")) == sorted(files):
            return working_path(folder / f"{start}*{end}")
    return None


#: ncecat's options that take a value (NCO 5.1.4 ``ncecat --help``), which is no file.
_NCECAT_VALUED = {"-u", "--ulm_nm", "--rcd_nm", "-v", "--variable", "-d", "--dimension", "-p", "--path", "-o",
                  "--output", "-L", "--dfl_lvl", "-t", "--thr_nbr", "-M", "-n", "--nintap", "-l", "--lcl", "--local"}
