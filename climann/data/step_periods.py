"""The period each time step of a yearly, monthly or daily axis stands for: its time cell.

Variables of different files are paired by the periods their values cover, not by the
instants the files stamp them with (:mod:`climann.data.time_axes`): CESM history files stamp
the January mean at 1 February 00:00, CMIP files at 16 January 12:00, pandas'
``resample("ME")`` at 31 January 00:00, CDO's ``daymean`` a day's mean at 09:00. A step's
period is

- the calendar year, month or day holding the middle of its cell when the time has CF
  bounds (CF 1.8 section 7.1, "Cell boundaries"): the one date in the right period for
  stamps at the start, the middle or the end of the cell, as everything that reads a date
  dates a step (:mod:`climann.data.time_cells`);
- without bounds, the year, month or day holding its stamp when the stamp lies strictly
  inside it (anything but 1 January at 00:00, the 1st at 00:00, 00:00): such a stamp can
  only date that period;
- without bounds, for a stamp on the first instant of a period, one of two readings: the
  period it opens (ERA5, pandas ``resample("MS")`` and CDO ``monmean`` followed by
  ``setday,1`` stamp so) or the one it closes (CESM history files, ECHAM and ICON raw output,
  CDO with ``-t``/``timestat_date last``). Nothing in the file tells which.

Sub-daily axes (6-hourly, hourly) and steps of several months or days keep their stamps:
a sub-daily value is often an instant (ERA5's analyses), which has no cell to pair by, and
for those steps the stamps of two files agree or the files are refused as not at the same
steps.
"""

from __future__ import annotations

import datetime
import os
import re
import shlex
from collections.abc import Callable, Sequence
from pathlib import Path

import cftime
import numpy as np

from climann.data.instant_values import holds_instants
from climann.data.paths import is_grib_file, is_zarr_store
from climann.data.shell import (copies_command, copies_data, new_folder, python_command, shared_glob, shown_path,
                                whole_write, working_path)
from climann.data.sources import files_text
from climann.data.time_axis import date_text, month_number, year_text, yearly_restart_days
from climann.errors import ClimannError

#: The frequencies (:attr:`climann.data.time_axes._Axis.frequency`) whose steps are paired by
#: period, and for each: the period, where its first instant is, the shift that moves a
#: stamp closing a period into it (CDO's ``shifttime``) and the period's start as an offset of
#: xarray's ``CFTimeIndex.shift`` (for the advice without cdo, :data:`_PYTHON_BOUNDS`).
_PERIODS = {
    "yearly": ("year", "on 1 January at 00:00", "-1day", "YS"),
    "monthly": ("month", "on the 1st at 00:00", "-1day", "MS"),
    "daily": ("day", "at 00:00", "-12hour", "D"),
}

#: The frequencies whose steps are paired by the period (year, month, day) holding them.
PERIOD_FREQUENCIES = tuple(_PERIODS)

#: Hours that move a forecast's valid time on a period's first instant into the period it
#: opens (or, negative, into the one it closes): inside a day, and one day into a month or year.
_INTO_PERIOD_HOURS = {"yearly": 24, "monthly": 24, "daily": 12}

#: The xarray that finds a file's time ``t`` for :data:`_PYTHON_BOUNDS`, as climann reads it (CF's
#: ``axis``/``standard_name``, on any dimension): of the one-dimensional variables that decode to
#: dates, one marked as CF's time (``axis = "T"`` or ``standard_name = "time"``) first, then one
#: named as its dimension. Only xarray's indexes were searched before: NSIDC's sea-ice CDR, whose
#: ``time(tdim)`` is no index, met ``StopIteration`` on every file and got no copy (break51b A1).
_PYTHON_TIME = (
    "c=[k for k in d.variables if d[k].ndim==1 and d[k].size and d[k].dtype.kind=='O' and "
    "hasattr(d[k].values[0],'calendar')];t=min(c,key=lambda k:(d[k].attrs.get('axis')!='T' and "
    "d[k].attrs.get('standard_name')!='time',k not in d.dims));"
)

#: The Python (xarray) that writes the bounds ``cdo settbounds`` writes, for machines without cdo
#: (break28a A3) and files cdo cannot read: ``python -c SCRIPT IN OUT SHIFT`` gives each step of
#: IN the calendar period holding its stamp (SHIFT 0: a stamp on a period's first instant opens
#: it) or holding its stamp moved back by ``{hours}`` hours (SHIFT -1: such a stamp closes the
#: period before; CDO's ``-settbounds,month -shifttime,-1day``), as ``<time>_bnds`` named by the
#: time's ``bounds`` attribute, encoded in the time's units (xarray's CF encoder). The period's
#: start is the day's (``floor('D')``), then for a month or year ``{start}``: one period on
#: (xarray's ``MS``/``YS`` offsets roll a stamp inside its period forward to the next start)
#: and one back. ``shift(0, 'MS')`` alone rolled a stamp of 16 December forward to 1 January,
#: whose cell then did not hold it, and the refusal that advised the line came back (break43a A4).
#: The time is found as climann finds it (:data:`_PYTHON_TIME`), on whatever dimension it lies.
_PYTHON_BOUNDS = (
    "import sys,datetime,numpy as np,xarray as xr;d=xr.open_dataset(sys.argv[1],decode_times=xr.coders."
    "CFDatetimeCoder(use_cftime=True));"
    + _PYTHON_TIME
    + "i=(xr.CFTimeIndex(d[t].values)+datetime.timedelta(hours={hours}*int(sys.argv[3]))).floor('D'){start};"
    "d[t+'_bnds']=((d[t].dims[0],'bnds'),np.stack([i,i.shift(1,'{alias}')],1));d[t].attrs['bounds']=t+'_bnds';"
    + whole_write().replace("{", "{{").replace("}", "}}")
)

#: :data:`_PYTHON_BOUNDS` for inputs among which are Zarr stores (directories; cdo reads none): each
#: input opened and written as what it is, a store with :func:`xarray.open_zarr` and
#: :meth:`xarray.Dataset.to_zarr` (the copy a new store), a file as :data:`_PYTHON_BOUNDS` does.
_PYTHON_STORE_BOUNDS = (
    "import os,sys,datetime,numpy as np,xarray as xr;z=os.path.isdir(sys.argv[1]);d=(xr.open_zarr if z else "
    "xr.open_dataset)(sys.argv[1],decode_times=xr.coders.CFDatetimeCoder(use_cftime=True));"
    + _PYTHON_TIME
    + "i=(xr.CFTimeIndex(d[t].values)+datetime.timedelta(hours={hours}*int(sys.argv[3]))).floor('D'){start};"
    "d[t+'_bnds']=((d[t].dims[0],'bnds'),np.stack([i,i.shift(1,'{alias}')],1));d[t].attrs['bounds']=t+'_bnds';"
    + whole_write("(d.to_zarr if z else d.to_netcdf)").replace("{", "{{").replace("}", "}}")
)


def _python_bounds(frequency: str, *, stores: bool) -> str:
    """:data:`_PYTHON_BOUNDS` (or :data:`_PYTHON_STORE_BOUNDS`) for ``frequency``'s period."""
    alias = _PERIODS[frequency][3]
    start = "" if alias == "D" else f".shift(1,'{alias}').shift(-1,'{alias}')"
    script = _PYTHON_STORE_BOUNDS if stores else _PYTHON_BOUNDS
    return script.format(alias=alias, hours=_INTO_PERIOD_HOURS[frequency], start=start)

#: The Python (xarray) that writes a copy of a forecast file IN to OUT with every date
#: coordinate (its reference times, and its valid times when the file holds them) HOURS later
#: (``python -c SCRIPT IN OUT HOURS``): its lead times unchanged, each valid time moves by as
#: much. CDO's ``shifttime`` moves only the time axis (the reference times of a file laid out
#: as cfgrib writes ECMWF's S2S), not a ``valid_time`` coordinate beside it.
_PYTHON_SHIFT = (
    "import sys,datetime,xarray as xr;d=xr.open_dataset(sys.argv[1],decode_times=xr.coders.CFDatetimeCoder("
    "use_cftime=True));h=datetime.timedelta(hours=float(sys.argv[3]));t=[k for k in d.coords if d[k].size and "
    "hasattr(d[k].values.flat[0],'calendar')];d=d.assign_coords({k:d[k].copy(data=d[k].values+h) for k in t});"
    "[d[k].encoding.pop('dtype',None) for k in t];" + whole_write()
)

_SECOND = datetime.timedelta(seconds=1)

#: The folder, beside the files, of the copies with time bounds that :func:`bounds_advice`'s
#: commands write (``with_bounds_2`` … when taken, :func:`climann.data.shell.new_folder`).
_COPIES_FOLDER = "with_bounds"


def median_step_days(times: np.ndarray) -> float | None:
    """The median step of sorted stamps in days (None for a single step)."""
    if len(times) < 2:
        return None
    return float(np.median([(b - a).total_seconds() for a, b in zip(times[:-1], times[1:])])) / 86400


def frequency_of(times: np.ndarray) -> str | None:
    """The frequency of sorted stamps by their median step (:func:`frequency_of_step`); None
    for a single step.

    The median, not the smallest step: a month held twice at two instants (the 15th in one
    file, the 16th at 12:00 in the next) leaves the axis monthly. N-day composites that restart
    on 1 January (MODIS's, :func:`~climann.data.time_axis.yearly_restart_days`) are
    ``"16-day composites"``, not "16-daily" (break33a).
    """
    restart = yearly_restart_days(times)
    if restart is not None:
        return f"{restart}-day composites"
    frequency = frequency_of_step(median_step_days(times))
    return "monthly" if frequency not in (None, "monthly") and months_with_gaps(times) else frequency


def months_with_gaps(times: np.ndarray) -> bool:
    """Whether sorted stamps are a monthly series with months left out: every stamp on the same day
    of its month (a day every month has, ≤ 28) at the same time of day, one calendar month between
    some two of them and a whole number of months between every two. ERA5's monthly means with five
    months a year deleted (``cdo delete,timestep=…``) step by 1 or 2 months, a median of 61 days,
    and were called "61-daily", with the advice to resample the forecast beside them (break53c A2)."""
    stamps = np.asarray(times)
    if len(stamps) < 2:
        return False
    objects = stamps.astype("datetime64[us]").astype(object) if stamps.dtype.kind == "M" else stamps
    try:
        places = {(stamp.day, stamp.hour, stamp.minute, stamp.second, stamp.microsecond) for stamp in objects}
        months = np.array([month_number(stamp) for stamp in objects])
    except (AttributeError, TypeError):  # not dates (numbers of a non-time axis)
        return False
    steps = np.diff(months)
    return len(places) == 1 and next(iter(places))[0] <= 28 and bool((steps >= 1).all()) and int(steps.min()) == 1


def steps_text(count: int, frequency: str | None) -> str:
    """``count`` steps at ``frequency`` as a message writes them: ``"24 monthly steps"``, and,
    where the frequency is a noun (:func:`frequency_of`'s ``"16-day composites"``, a forecast's
    ``"7-day means"``), ``"160 steps of 7-day composites"``, not "160 7-day composites steps";
    ``"24 steps"`` without one."""
    if not frequency:
        return f"{count} step{'s' * (count != 1)}"
    if frequency.endswith("s"):  # a plural noun: composites, means
        return f"{count} step{'s' * (count != 1)} of {frequency}"
    return f"{count} {frequency} step{'s' * (count != 1)}"


def frequency_of_step(days: float | None) -> str | None:
    """The frequency of an axis whose median step is ``days`` days: "yearly" (359–366 days),
    "monthly" (28–31 days, in every CF calendar), "daily", "6-hourly", "5-daily"…; None for
    None. :func:`xarray.infer_freq` is not used: it names no frequency for mid-month stamps."""
    if days is None:
        return None
    if 359 <= days <= 366:
        return "yearly"
    if 28 <= days <= 31:
        return "monthly"
    if 0.99 <= days <= 1.01:
        return "daily"
    return f"{days * 24:g}-hourly" if days < 1 else f"{days:g}-daily"


def period_start(time: object, frequency: str) -> object:
    """The first instant of the calendar year, month or day (``frequency`` ``"yearly"``,
    ``"monthly"``, ``"daily"``) holding ``time`` (a cftime date), in its calendar."""
    month = 1 if frequency == "yearly" else time.month
    day = time.day if frequency == "daily" else 1
    # built anew rather than by ``replace`` (five times slower): each step of a century of days
    return cftime.datetime(time.year, month, day, calendar=time.calendar, has_year_zero=time.has_year_zero)


def step_periods(stamp: object, cell: tuple | None, frequency: str | None) -> tuple[object, object]:
    """The period of one time step in the two readings of a stamp on a period's first instant
    (see the module description).

    Parameters
    ----------
    stamp : cftime.datetime
    cell : (cftime.datetime, cftime.datetime) or None
        The step's time cell (its CF 7.1 bounds, either order), None without bounds.
    frequency : str or None
        The axis's frequency ("yearly", "monthly", "daily", "6-hourly"…).

    Returns
    -------
    (cftime.datetime, cftime.datetime)
        The first instant of the step's period when a stamp on a period's first instant opens
        its period, and when it closes the period before; the two are equal when the period
        is known (bounds, or a stamp inside it). Both are the stamp itself for another
        frequency.

    Examples
    --------
    >>> import cftime
    >>> opening, closing = step_periods(cftime.datetime(1, 2, 1, calendar="noleap"), None, "monthly")
    >>> opening.strftime("%Y-%m"), closing.strftime("%Y-%m")  # February, or January (CESM)
    ('0001-02', '0001-01')
    """
    if frequency not in _PERIODS:
        return stamp, stamp
    if cell is not None:
        low, high = min(cell), max(cell)
        known = period_start(low + (high - low) / 2, frequency)
        return known, known
    opening = period_start(stamp, frequency)
    return opening, (period_start(stamp - _SECOND, frequency) if stamp == opening else opening)


def period_text(period: object, frequency: str | None) -> str:
    """A step's period as precisely as its frequency needs: ``2003`` (yearly), ``2003-01``
    (monthly), ``2003-01-01`` (daily); the date (and time) for other frequencies."""
    if frequency == "yearly":
        return year_text(period.year)
    return date_text(period, precision={"monthly": "month", "daily": "day"}.get(frequency))


def first_instant_text(frequency: str) -> str:
    """Where a ``frequency`` ("yearly", "monthly", "daily") period's first instant is, in words
    ("on the 1st at 00:00")."""
    return _PERIODS[frequency][1]


def bounds_advice(files: str | Path | Sequence[str | Path], frequency: str, *,
                  given: Sequence[str | Path] = ()) -> str:
    """The way out for files stamped on their periods' first instants without bounds: "give
    FILE time bounds in a new folder: if each value is of the month beginning at its stamp
    `mkdir -p with_bounds && cdo settbounds,month IN with_bounds/IN`, if of the month ending
    there `… cdo -settbounds,month -shifttime,-1day …`; then give --data with_bounds/IN in place
    of IN" (CDO's ``settbounds`` gives the calendar period holding each stamp; a stamp closing a
    period is first moved into it with ``shifttime``). Of several files, one shell loop over all
    of them (a command for the first alone would meet the same refusal at the next, verify24
    F2). The copies keep their files' names in a new folder beside them
    (:func:`climann.data.shell.new_folder`), one per folder of the files, and the ``--data``
    that takes them is given: copies beside the originals were taken with them by the same
    ``--data`` glob and met the same refusal (verify25 F3). That ``--data`` names too the other
    files of ``given`` (every file read: a glob over the folder took the other variables'
    files with the originals), one ``--data`` each, so that given in place of the user's it
    reads all that was read, the copies in place of their originals (verify26b F3). Of Zarr
    stores, which cdo does not read, the xarray line alone (:data:`_PYTHON_STORE_BOUNDS`), its
    copies new stores; so too of files that hold a variable whose first dimension is not time
    (:func:`cdo_skipped`: ``ground_temperature(station, time, depth)`` of a CF timeSeriesProfile
    file), which cdo skips and then refuses to open ("Time must be the first dimension! …
    Unsupported file structure", break43a A4)."""
    period, _, back, _ = _PERIODS[frequency]
    given = _with_timeless(files, given)
    files, held, command, python, stores, dropped = _bounds_commands(files, frequency)
    cdo_skips = None if stores else _cdo_losses(files)
    one = len(files) == 1
    subject, copies = (Path(str(files[0])).name, "a copy") if one else (f"the {len(files)} files", "copies")
    copies += _left_out(dropped)
    if stores:  # cdo reads no Zarr store (fix34c): the xarray line alone
        return (f"give {subject} time bounds in {copies} in a new folder with xarray (cdo does not read a Zarr "
                f"store): if each value is of the {period} beginning at its stamp `{python}`, if of the {period} "
                f"ending there the same with -1 in place of the last 0; {_copies_given(files, held, given)}")
    if cdo_skips:  # what cdo would leave out or change
        return (f"give {subject} time bounds in {copies} in a new folder with xarray ({cdo_skips}): if each value "
                f"is of the {period} beginning at its stamp `{python}`, if of the {period} ending there the same "
                f"with -1 in place of the last 0; "
                f"{_copies_given(files, held, given)}")
    if counted := _calendar_units_of(files):  # xarray writes no times in months or years (break51c A2)
        other = f"no xarray line: xarray does not write times in calendar {counted[0]}s, as {counted[1]}"
    else:
        other = f"without cdo, with xarray: `{python}`, with -1 in place of the last 0 for the {period} ending there"
    return (f"give {subject} time bounds in {copies} in a new folder: if each value is of the {period} beginning at "
            f"its stamp `{command(f'settbounds,{period}')}`, if of the {period} ending there "
            f"`{command(f'-settbounds,{period} -shifttime,{back}')}` ({other}); {_copies_given(files, held, given)}")


#: Time units counting calendar months or years (``months since 1601-1-1``), as
#: :func:`climann.data.time_units.calendar_unit` reads them (that module imports this one).
_COUNTED_UNITS = re.compile(r"^\s*(?:common_)?(month|year)s?\s+since\s", re.IGNORECASE)


def _calendar_units_of(files: Sequence[str | Path]) -> tuple[str, str] | None:
    """``("month", "time in 'months since 1601-1-1 00:00:00'")`` for the first of ``files``
    with a 1-D variable (its time) counting calendar months or years (ISIMIP's old output, 360_day), read from
    the files' headers, else None: xarray decodes ``months since`` in ``360_day`` but writes
    no such units (its encoder has no month), and decodes no ``years since`` at all, so its
    line for them fails where cdo's works."""
    from climann.data.shared_handles import plain_header

    for file in files:
        if is_zarr_store(file) or is_grib_file(file):
            continue
        try:
            with plain_header(file) as raw:
                for name, variable in raw.variables.items():
                    units = str(variable.attrs.get("units", ""))
                    if variable.ndim == 1 and (unit := _COUNTED_UNITS.match(units)):
                        return unit.group(1).lower(), f"{name} in '{units}'"
        except (OSError, ValueError, TypeError, KeyError):
            continue
    return None


def instants_of(file: str | Path) -> tuple[list[str], list[str]]:
    """The data variables of ``file`` along its time (a 1-D variable whose units say ``… since …``,
    CF 4.4), and those of them whose attributes say their values are instants
    (:func:`~climann.data.instant_values.holds_instants`: ``time: point``, GRIB ``instant``), read
    from its header. Instants are never given a period's bounds: a day's cell for ERA5's 00 UTC
    analysis of t2m, moved by ``-shifttime,-12hour``, would read as a day's mean (fix53k, fix54a).

    Parameters
    ----------
    file : str or Path
        A NetCDF file.

    Returns
    -------
    (list of str, list of str)
        The variables along time and the instants among them, in the file's order (a Zarr
        store's: sorted by name); both empty for a file that cannot be read so (a GRIB file).
    """
    from climann.data.handles import open_zarr
    from climann.data.shared_handles import plain_header

    if is_grib_file(file):
        return [], []
    try:
        with open_zarr(file, decode_cf=False) if is_zarr_store(file) else plain_header(file) as raw:
            times = {name for name, variable in raw.variables.items()
                     if variable.ndim == 1 and " since " in str(variable.attrs.get("units", ""))}
            bounds = {str(variable.attrs.get("bounds")) for variable in raw.variables.values()}
            along = [str(name) for name, variable in raw.data_vars.items()
                     if name not in times and name not in bounds and times & set(variable.dims)]
            return along, [name for name in along if holds_instants(raw[name].attrs, name)]
    except (OSError, ValueError, TypeError, KeyError):
        return [], []


def _instants_only(file: str | Path) -> bool:
    """Whether every variable of ``file`` along its time holds instants (:func:`instants_of`):
    such a file is left out of the bounds advice; False for a file that cannot be read so."""
    along, instants = instants_of(file)
    return bool(along) and len(instants) == len(along)


def _bounds_commands(files: str | Path | Sequence[str | Path], frequency: str, shift: int = 0):
    """The pieces of :func:`bounds_advice` and :func:`closing_bounds_advice`: the files (in the
    order given, once each, but those of instants alone (:func:`_instants_only`) when others are
    given), the new folder of each folder's files (``with_bounds``) → its files,
    the loop of cdo with the given operators over them, the loop of the xarray line (``shift``
    its last argument: 0 the period beginning at each stamp, -1 the one ending there), and
    whether any is a Zarr store. Files without a time axis (E-OBS's elevation beside its daily
    files) are left out (:func:`timeless_files`). The instants of a file that holds others too
    (:func:`instants_of`: ERA5's t2m at 00 UTC beside tp's daily totals) are left out of its copy
    (``cdo -delname``, xarray's ``drop_vars``; named by :func:`_left_out`): a day's bounds on the
    file's one time axis would be theirs too, a day's cell for an analysis (fix54a)."""
    files = [files] if isinstance(files, (str, Path)) else list(dict.fromkeys(files))
    timeless = timeless_files(files)  # once: each call reads every file's header (break54b A4: n² opens)
    files = [file for file in files if file not in timeless] or files
    files = [file for file in files if not _instants_only(file)] or files
    folders = {Path(str(file)).parent: new_folder(Path(str(file)).parent, _COPIES_FOLDER) for file in files}
    held = {folder: [file for file in files if Path(str(file)).parent == source] for source, folder in folders.items()}

    dropped = list(dict.fromkeys(name for file in files for name in instants_of(file)[1]))

    def command(operators: str) -> str:
        if dropped:  # cdo's chain runs right to left: the instants leave before the bounds are set
            operators = f"{operators if operators.startswith('-') else '-' + operators} -delname,{','.join(dropped)}"
        return " && ".join(copies_command(lambda source, copy: f"cdo {operators} {source} {copy}", folder, own)
                           for folder, own in held.items())

    stores = any(is_zarr_store(file) for file in files)
    script = _python_bounds(frequency, stores=stores)
    if dropped:
        script = script.replace(";c=[k for k in d.variables", f";d=d.drop_vars({dropped!r},errors='ignore')"
                                ";c=[k for k in d.variables", 1)
    python = " && ".join(copies_command(lambda source, copy: f'{python_command(script)} {source} {copy} {shift}',
                                        folder, own)
                         for folder, own in held.items())
    return files, held, command, python, stores, dropped


def _left_out(dropped: Sequence[str]) -> str:
    """Words for the instants left out of the copies (:func:`_bounds_commands`), or ``""``."""
    if not dropped:
        return ""
    names = dropped[0] if len(dropped) == 1 else f"{', '.join(dropped[:-1])} and {dropped[-1]}"
    return f" without {names} (instants, 'time: point' or GRIB 'instant': no period's bounds fit them)"


def timeless_files(files: Sequence[str | Path]) -> list[str | Path]:
    """The files of ``files`` without a time axis, read from their NetCDF headers: no variable
    in units of ``… since …`` (CF 1.8 §4.4) or of CDO's absolute ``day as %Y%m%d.%f``, as E-OBS's
    ``elev_ens_0.25deg_reg_v29.0e.nc`` beside its daily files. A loop of ``cdo -settbounds,day``
    over them gave the elevation a time axis at -11129.5, "not a date", and the copies were
    refused (break53b A2); such a file is given as it is. Zarr stores, GRIB files and files that
    cannot be read so are taken to have one (their advice is left as it was).

    Parameters
    ----------
    files : sequence of str or Path

    Returns
    -------
    list of str or Path
        Those files, in their order.
    """
    from climann.data.shared_handles import plain_header

    timeless = []
    for file in files:
        if is_zarr_store(file) or is_grib_file(file):
            continue
        try:
            with plain_header(file) as raw:
                units = [str(variable.attrs.get("units", "")) for variable in raw.variables.values()]
        except (OSError, ValueError, TypeError, KeyError):
            continue
        if not any(" since " in unit or " as %" in unit for unit in units):
            timeless.append(file)
    return timeless


def _with_timeless(files: str | Path | Sequence[str | Path], given: Sequence[str | Path]) -> list[str | Path]:
    """``given`` (every file read), with the files of ``files`` that have no time axis
    (:func:`timeless_files`): left out of the advice's copies, they are given as they are."""
    files = [files] if isinstance(files, (str, Path)) else list(files)
    return list(dict.fromkeys([*given, *timeless_files(files)]))


#: What befalls a ``--data`` that still takes files read as opening their periods (:func:`closing_bounds_advice`).
_READ_AS_BEFORE = "is read as before, each stamp opening its period"


def closing_bounds_advice(files: str | Path | Sequence[str | Path], frequency: str, *,
                          given: Sequence[str | Path] = ()) -> str:
    """The way out for files stamped on their periods' first instants without bounds, read as
    opening their periods, whose values may close them (CESM history files, ECHAM and ICON raw
    output: the January mean stamped 1 February 00:00): "if each value is of the month ending at
    its stamp, give FILE those bounds in a copy in a new folder: `mkdir -p with_bounds && cdo
    -settbounds,month -shifttime,-1day IN with_bounds/IN` (without cdo, …); then give --data
    with_bounds/IN in place of it" (break43b A6: the warning named the reading and gave no
    command). The copies, loops and ``--data`` are :func:`bounds_advice`'s.

    Parameters
    ----------
    files : str, Path or sequence of them
        The files of the values.
    frequency : {"yearly", "monthly", "daily"}
    given : sequence of str or Path
        Every file read, for the ``--data`` of the advice.

    Returns
    -------
    str
    """
    period, _, back, _ = _PERIODS[frequency]
    given = _with_timeless(files, given)
    files, held, command, python, stores, dropped = _bounds_commands(files, frequency, -1)
    one = len(files) == 1
    subject, copies = (Path(str(files[0])).name, "a copy") if one else (f"the {len(files)} files", "copies")
    copies += _left_out(dropped)
    if stores:  # cdo reads no Zarr store: the xarray line alone
        return (f"if each value is of the {period} ending at its stamp, give {subject} those time bounds in {copies} "
                f"in a new folder with xarray (cdo does not read a Zarr store): `{python}`; "
                f"{_copies_given(files, held, given, _READ_AS_BEFORE)}")
    if cdo_skips := _cdo_losses(files):  # what cdo would leave out or change
        return (f"if each value is of the {period} ending at its stamp, give {subject} those time bounds in {copies} "
                f"in a new folder with xarray ({cdo_skips}): `{python}`; "
                f"{_copies_given(files, held, given, _READ_AS_BEFORE)}")
    if counted := _calendar_units_of(files):  # xarray writes no times in months or years (break51c A2, fix52b)
        other = f"no xarray line: xarray does not write times in calendar {counted[0]}s, as {counted[1]}"
    else:
        other = f"without cdo, with xarray: `{python}`"
    return (f"if each value is of the {period} ending at its stamp, give {subject} those time bounds in {copies} in "
            f"a new folder: `{command(f'-settbounds,{period} -shifttime,{back}')}` ({other}); "
            f"{_copies_given(files, held, given, _READ_AS_BEFORE)}")


def cdo_skipped(files: Sequence[str | Path]) -> str | None:
    """A variable of ``files`` whose first dimension is not its time's, as the file stores it
    (``ground_temperature(station, time, depth)`` of a CF timeSeriesProfile file, whatever station
    a run chose), or None: cdo reads only variables whose first dimension is time, skips the others
    and refuses a file left without any ("Unsupported file structure", break43a A4). The time
    dimensions are those of the 1-D variables whose units say ``… since …`` (CF §4.4); read from
    the files' headers, when a refusal advises cdo; a file that cannot be read so is passed over."""
    return _first_raw_variable(files, lambda variable, times: bool(times & set(variable.dims[1:])), data_only=True)


def _first_raw_variable(files: Sequence[str | Path], chosen: Callable[..., bool], *,
                        data_only: bool) -> str | None:
    """``name(dims)`` of the first variable of ``files``' headers for which ``chosen(variable,
    time_dimensions)`` holds, or None. The time dimensions are those of the 1-D variables whose
    units say ``… since …`` (CF §4.4); data variables only when ``data_only``. Zarr stores and GRIB
    files are passed over (cdo's lines are for NetCDF), and so is a file that cannot be read so."""
    # a refusal's words only: not on the configuration's path; through the file's one handle (a
    # handle of its own beside the run's read NetCDF-4 strings through a stale pointer: break43d A5)
    from climann.data.shared_handles import plain_header

    for file in files:
        if is_zarr_store(file) or is_grib_file(file):
            continue
        try:
            with plain_header(file) as raw:
                times = {variable.dims[0] for variable in raw.variables.values()
                         if variable.ndim == 1 and " since " in str(variable.attrs.get("units", ""))}
                for name, variable in (raw.data_vars if data_only else raw.variables).items():
                    if chosen(variable, times):
                        return f"{name}({', '.join(map(str, variable.dims))})"
        except (OSError, ValueError, TypeError, KeyError):
            continue
    return None


def _cdo_losses(files: Sequence[str | Path]) -> str | None:
    """Why cdo's line is not offered for ``files``, in words, or None: a variable cdo skips for its
    first dimension (:func:`cdo_skipped`), or one it drops or changes (:func:`cdo_dropped`)."""
    if skipped := cdo_skipped(files):
        return f"cdo reads no variable whose first dimension is not time, as {skipped}"
    if dropped := cdo_dropped(files):
        return (f"cdo drops text variables, as {dropped}, and writes integer station ids (cf_role "
                f"timeseries_id) as doubles")
    if unsigned := cdo_signed(files):
        return (f"cdo ignores _Unsigned and reads {unsigned}'s bytes as signed, so its valid range or fill "
                f"value makes the codes above 127 missing")
    return None


def cdo_signed(files: Sequence[str | Path]) -> str | None:
    """A variable of ``files`` stored as signed integers and meant unsigned, or None: one with
    ``_Unsigned = "true"`` (NUG), or whose ``valid_min`` exceeds its ``valid_max`` as stored (a
    range that only an unsigned reading makes whole: ESA CCI land cover's ``lccs_class``, byte
    with ``valid_min = 1b``, ``valid_max = -36b``, i.e. 220). cdo ignores ``_Unsigned``: it reads
    the bytes as -128…127 and compares them with that range read the same way, and so wrote every
    class of such a variable missing in its ``settbounds`` copy (break54d A4: 0 of 2592 values;
    CDO 2.1.1). Read from the files' headers, as :func:`cdo_skipped` reads them."""

    def signed_unsigned(variable, times) -> bool:
        if variable.dtype.kind != "i":
            return False
        if str(variable.attrs.get("_Unsigned", "")).strip().lower() == "true":
            return True
        low, high = variable.attrs.get("valid_min"), variable.attrs.get("valid_max")
        if "valid_range" in variable.attrs and np.size(variable.attrs["valid_range"]) == 2:
            low, high = np.ravel(variable.attrs["valid_range"])
        return low is not None and high is not None and np.ravel(low)[0] > np.ravel(high)[0]

    return _first_raw_variable(files, signed_unsigned, data_only=True)


def cdo_dropped(files: Sequence[str | Path]) -> str | None:
    """A variable of ``files`` that cdo would drop from its copy: text (NetCDF strings or
    characters) on no time dimension, a station's name (GRDC's ``station_name(id)``) or id; or
    None. cdo skips every text variable ("Unsupported data type (char/string), skipped variable
    station_name") and makes an integer ``id(id)`` a double: climann's own ``cdo settbounds``
    line left GRDC-Monthly.nc without its station names, and ``--select id=REES`` was then refused
    (break49c A3; CDO 2.1.1). Read from the files' headers, as :func:`cdo_skipped` reads them."""
    return _first_raw_variable(
        files, lambda variable, times: variable.dtype.kind in "SUO" and bool(variable.ndim)
        and not times & set(variable.dims), data_only=False)


def _copies_given(files: Sequence[str | Path], held: dict[Path, list[str | Path]],
                  given: Sequence[str | Path], again: str = "meets this refusal again") -> str:
    """The end of an advice that writes copies of ``files`` into new folders (``held``: new
    folder → its files): the ``--data`` that takes the copies in place of the originals, with
    the other files of ``given`` (see :func:`bounds_advice`); ``again`` what befalls a ``--data``
    that still takes the originals."""
    one = len(files) == 1
    copied = {Path(os.path.abspath(str(file))) for file in files}
    others = [file for file in dict.fromkeys(given) if Path(os.path.abspath(str(file))) not in copied]
    pattern = shared_glob(others)  # 36 ICON files: one glob, not 36 --data (a 6 kB line, break38a B5)
    kept = (f"--data {shlex.quote(working_path(pattern))} " if pattern is not None
            else "".join(f"--data {shown_path(file)} " for file in others))
    replaced = (f"the --data given, the cop{'y' if one else 'ies'} in place of the original{'' if one else 's'}"
                if kept else "it" if one else "them")
    return (f"then give {kept}"
            f"{' '.join(f'--data {copies_data(folder, own)}' for folder, own in held.items())} in place of "
            f"{replaced} (a --data that still takes the original{'' if one else 's'}, as a glob over "
            f"{'its' if one else 'their'} folder does, {again}){_earlier_copies_note(held, kept)}")


def forecast_shift_advice(files: str | Path | Sequence[str | Path], frequency: str, *,
                          given: Sequence[str | Path] = ()) -> str:
    """The way out for a forecast whose valid times fall on its periods' first instants
    (00:00 beside daily observations) without time bounds: a copy of each file in a new folder
    with its date coordinates moved into the period its values go with
    (:data:`_PYTHON_SHIFT`: +12 hours into the day beginning at the valid time, -12 into the day
    ending there; a day for months and years), then the ``--data`` that takes the copies.

    Time bounds, the way out of :func:`bounds_advice`, do not serve: a forecast file's time
    axis holds its reference times (``cdo settbounds`` or the advice's Python bounded those, and
    its valid times met the same refusal, fix32e), and a forecast's value at an instant has no
    cell.
    """
    period = _PERIODS[frequency][0]
    hours = _INTO_PERIOD_HOURS[frequency]
    files = [files] if isinstance(files, (str, Path)) else list(dict.fromkeys(files))
    folders = {Path(str(file)).parent: new_folder(Path(str(file)).parent, _COPIES_FOLDER) for file in files}
    held = {folder: [file for file in files if Path(str(file)).parent == source] for source, folder in folders.items()}
    python = " && ".join(
        copies_command(lambda source, copy: f'{python_command(_PYTHON_SHIFT)} {source} {copy} {hours}', folder, own)
        for folder, own in held.items())
    one = len(files) == 1
    subject = (f"{'its' if one else 'their'} reference and valid times (the lead times unchanged) in "
               f"{'a copy' if one else 'copies'} in a new folder")
    return (f"move {subject} into the {period} each value goes with: for the {period} beginning at its valid time "
            f"`{python}`, for the {period} ending there the same with -{hours} in place of the last {hours}; "
            f"{_copies_given(files, held, given)}")


def _earlier_copies_note(held: dict[Path, list[str | Path]], kept: str = "") -> str:
    """Words for the folders taken before each new one (``with_bounds`` when ``held``, the new
    folder of each folder's files, names ``with_bounds_2``) that hold a file of each name of its
    files: most likely the copies written before, with the originals given to climann again;
    every such folder is named (``with_bounds`` and ``with_bounds_2``: the copies of both
    readings, verify26b F5), with ``kept``, the ``--data`` of the other files, before them."""
    earlier = []
    for folder, own in held.items():
        number = int(folder.name.rpartition("_")[2]) if folder.name != _COPIES_FOLDER else 1
        taken = [folder.with_name(_COPIES_FOLDER),
                 *(folder.with_name(f"{_COPIES_FOLDER}_{n}") for n in range(2, number))]
        earlier += [(each, own) for each in taken if all((each / Path(str(file)).name).is_file() for file in own)]
    if not earlier:
        return ""
    folders = [shown_path(folder) for folder, _ in earlier]
    said = folders[0] if len(folders) == 1 else f"{', '.join(folders[:-1])} and {folders[-1]}"
    if len(earlier) == len(held):
        data = kept + " ".join(f"--data {copies_data(folder, own)}" for folder, own in earlier)
        return (f"; {said} already hold{'s' if len(earlier) == 1 else ''} files of these names, perhaps the copies "
                f"written before: if so, give {data} in place of the originals")
    choices = " or ".join(f"{kept}--data {copies_data(folder, own)}" for folder, own in earlier)
    return (f"; {said} already hold files of these names, perhaps the copies written before (one folder for each "
            f"reading of the stamps): if so, give the one of the reading chosen, {choices}, in place of the originals")


#: The shortest length of each frequency's period, in hours (February of 28 days, a year of 365).
_PERIOD_HOURS = {"yearly": 365 * 24, "monthly": 28 * 24, "daily": 24}


def _cell_hours(cell: tuple) -> float | None:
    """The length of a cell (two dates) in hours, or None when the dates do not subtract."""
    try:
        return (max(cell) - min(cell)).total_seconds() / 3600
    except (TypeError, AttributeError):
        return None


def unknown_periods_refusal(
    frequency: str, unsure: tuple[str, str | Path, object], known: tuple[str, str | Path, object, tuple | None],
    *, given: Sequence[str | Path] = (), lead: str | None = None,
) -> ClimannError:
    """The refusal of a variable stamped on its periods' first instants without bounds beside
    one whose periods are known, when the two readings of the stamps pair them differently.

    Parameters
    ----------
    frequency : {"yearly", "monthly", "daily"}
    unsure : (str, sequence of str or Path, cftime.datetime)
        The variable, the files holding such stamps (the first holding the first), and the
        first stamp.
    known : (str, str or Path, cftime.datetime, (cftime.datetime, cftime.datetime) or None)
        The other variable, its first file, its first stamp there and that step's cell (its
        bounds; None when the stamp lies inside its period).
    given : sequence of str or Path
        Every file read, for the ``--data`` of the advice.
    lead : str, optional
        The lead time chosen when the unsure variable is a forecast at its valid times
        (``step = 21 days``).

    Returns
    -------
    ClimannError
        One line naming both files' stamps and the ``cdo settbounds`` command for each
        reading (CDO's ``settbounds`` gives the calendar period holding each stamp; a stamp
        closing a period is first moved into it with ``shifttime``); for a forecast, the
        command that moves its valid times into either period
        (:func:`forecast_shift_advice`).
    """
    period, first_instant, _, _ = _PERIODS[frequency]
    variable, files, stamp = unsure
    files = list(dict.fromkeys(files))
    stamps = f"{files_text(files)} stamp" if len(files) > 1 else f"{Path(str(files[0])).name} stamps"
    other, other_file, other_stamp, cell = known
    if cell is None:
        how = f"from its stamps inside them ({Path(str(other_file)).name}: {date_text(other_stamp)})"
    else:
        how = (f"from its time bounds ({Path(str(other_file)).name}: {date_text(other_stamp)} for the cell "
               f"{date_text(min(cell))} to {date_text(max(cell))})")
    edge = f"the boundary between two of {other}'s {period}s"
    if cell is not None and (hours := _cell_hours(cell)) is not None and hours < _PERIOD_HOURS[frequency]:
        # GFS's tp of 18-24 h buckets, one a day: cells of 6 hours, not days (break38a B5)
        edge = f"an edge of {other}'s cells ({hours:g} hours each)"
    if lead is not None:
        return ClimannError(
            f"{stamps} {variable}, a forecast ({lead}), valid {first_instant} without time bounds "
            f"({date_text(stamp)}, …), {edge}, known {how}: its values may "
            f"go with the {period} beginning at each valid time or the {period} ending there, one {period} apart, "
            f"and climann does not guess; {forecast_shift_advice(files, frequency, given=given)}")
    return ClimannError(
        f"{stamps} {variable} {first_instant} without time bounds ({date_text(stamp)}, …), and a "
        f"stamp there may open its {period} (ERA5) or close the {period} before (CESM history files), while "
        f"{other}'s {period}s are known {how}: paired by {period}, the two readings put each {variable} value one "
        f"{period} apart, and climann does not guess; {_readings_text(variable, files[0], stamp, other, frequency)}; "
        f"{bounds_advice(files, frequency, given=given)}"
    )


def _readings_text(variable: str, file: str | Path, stamp: object, other: str, frequency: str) -> str:
    """The two readings of a stamp on a period's first instant, neither taken by default beside known periods
    (the file alone is read as opening them, with a warning, as ``climann info`` says: break56b A5):
    what each pairs ``variable``'s first value (``stamp``) with, and the other variables of its
    ``file`` along time that the same bounds date with it (:func:`_variables_along_time`): a
    copy's time bounds are every variable's of the file (fix47d: the refusal offered the period
    beginning at each stamp first, as if it were climann's reading, and named no variable it
    moved)."""
    period = _PERIODS[frequency][0]
    opening, closing = step_periods(stamp, None, frequency)
    others = _variables_along_time(file, variable)
    listed = ", ".join(others)
    moved = [f", and {listed} of {Path(str(file)).name} with it (bounds on its time date every variable along it)",
             f", and {listed} with it"] if others else ["", ""]
    # read alone, such stamps open their periods, with a warning (info and train say so): said here too (break56b A5)
    return (f"read alone, such stamps are taken as opening their {period}s (with a warning); here, where the wrong "
            f"reading pairs every value one {period} off, neither is taken by default, and the files' documentation "
            f"says which: read as the {period} "
            f"ending at each stamp, {variable} of {date_text(stamp)} goes with {other} of "
            f"{period_text(closing, frequency)}{moved[0]}; read as the {period} beginning at each stamp, with {other} "
            f"of {period_text(opening, frequency)}{moved[1]}")


def _variables_along_time(file: str | Path, variable: str) -> list[str]:
    """The data variables of ``file`` other than ``variable`` along its first dimension (its time),
    bounds and coordinates left out; none when the file cannot be read here (GRIB, Zarr)."""
    from climann.data.handles import open_netcdf

    try:
        with open_netcdf(Path(str(file)), decode_cf=False) as header:
            if variable not in header.variables or not header[variable].dims:
                return []
            time = header[variable].dims[0]
            bounds = {str(header[name].attrs.get("bounds")) for name in header.variables}
            # instants are left out of the copies (:func:`_bounds_commands`): no bounds date them
            return [str(name) for name in header.data_vars if name != variable and name not in bounds
                    and time in header[name].dims and name not in header.coords
                    and not holds_instants(header[name].attrs, str(name))]
    except Exception:  # noqa: BLE001 — an unreadable file is refused with its own message when opened
        return []
