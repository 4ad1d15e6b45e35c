"""Commands that change a file's time axis, as climann's advice prints them: a CDO or NCO line
for a NetCDF file, and for a Zarr store (which neither tool reads), or a file CDO would not copy
whole (:func:`cdo_copies`: a station file), one xarray line
(:func:`climann.data.shell.xarray_command`) that writes a corrected copy beside it.

The xarray lines read the stored numbers (``decode_times=False``) and turn them into dates and
back with cftime in the time's own ``units`` and ``calendar`` (``cftime.num2date``,
``cftime.date2num``), so that they hold whatever the units are (``days since``, ``hours
since`` …) and whatever the calendar; the time's bounds (CF 7.1, named by its ``bounds``
attribute; in their own units when they have some, as xarray writes them) move with it. The
new values are new variables (``xr.Variable``), without the stored encoding: an integer
``dtype`` kept from the store would round a time moved by 90 minutes in ``hours since`` to
whole hours.
"""

from __future__ import annotations

import datetime
import shlex
from collections.abc import Sequence
from dataclasses import dataclass

from climann.data.paths import is_grib_file, is_zarr_store
from climann.data.shell import python_command, cdo_command, input_and_copy, ncap2_command, whole_write, xarray_command

#: The statements of an xarray line that read the time ``{time}``'s units and calendar and
#: import cftime and datetime.
_DATES = ("import cftime, datetime",
          "u, c = d[{time!r}].attrs['units'], d[{time!r}].attrs.get('calendar', 'standard')")


@dataclass(frozen=True)
class TimeSource:
    """Where a time axis was read from, for the commands that change it.

    Attributes
    ----------
    files : tuple of str
        The files (or Zarr stores) holding it, in order; a command names the first.
    time : str
        The time variable's name in them (``valid_time`` for cfgrib's, see
        :func:`climann.data.shell.file_time_names`).
    """

    files: tuple[str, ...]
    time: str = "time"

    @property
    def file(self) -> str:
        """The first file."""
        return self.files[0]

    def on_a_store(self) -> bool:
        """Whether the first file is a Zarr store."""
        return is_zarr_store(self.file)


def cdo_copies(path: str, time: str = "time") -> bool:
    """Whether CDO reads the NetCDF file ``path`` and copies all of it, so that a CDO line on it
    writes the whole file changed: not a Zarr store (CDO reads none), each variable along the
    time dimension of ``time`` has it first, and no variable holds text.

    CDO refuses a file whose data have time after another dimension ("Time must be the first
    dimension! Unsupported array structure, skipped variable"; then "Open failed ...
    Unsupported file structure" when nothing is left: a CF station file ``sea_level(station,
    time)``, break38b B2), and skips text variables ("Unsupported data type (char/string)"):
    from a time-major station file it writes a copy without ``station_name`` nor its CF
    ``timeseries_id``, whose stations no name chooses. CDO 2.x behaviour, seen with CDO 2.1.1.

    Parameters
    ----------
    path : str
        The file, as a command names it (relative to the working folder, or absolute).
    time : str
        The time variable's name in it.

    Returns
    -------
    bool
        True also for a file that cannot be read here (the CDO line is then given as before).
    """
    from climann.data.shared_handles import plain_header  # every input through its one handle

    if is_zarr_store(path):
        return False
    try:
        with plain_header(path) as dataset:
            dims = dataset[time].dims if time in dataset.variables else (time,)
            return not any(variable.dtype.kind in "SUO" or (dims[0] in variable.dims[1:])
                           for variable in dataset.variables.values())
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return True


def _statements(time: str, *changes: str) -> list[str]:
    return [statement.format(time=time) for statement in _DATES] + list(changes)


def shift_command(minutes: int, time: str, files: str, *, cdo: bool | None = None) -> str:
    """The command that writes a copy of the input of ``files`` (``IN OUT``,
    :func:`~climann.data.shell.input_and_copy`) with its times ``time`` and their bounds
    ``minutes`` later (earlier when negative): ``cdo shifttime,-90minutes IN OUT`` for a
    NetCDF file CDO copies whole (CDO's ``shifttime``, which moves the bounds too;
    :func:`cdo_copies`), an xarray line for a Zarr store or a file CDO does not copy whole (a
    station file).

    Parameters
    ----------
    minutes : int
        The shift, in minutes.
    time : str
        The time variable's name in the file.
    files : str
        ``IN OUT``.
    cdo : bool, optional
        Whether CDO copies the input whole (:func:`cdo_copies`), said when ``files`` are the
        shell words of a loop (``"$f" …``) rather than a file; judged from the input otherwise.

    Returns
    -------
    str

    Examples
    --------
    >>> shift_command(-90, "time", "pr.nc pr_fixed.nc").split(" && ")[-1]
    'cdo shifttime,-90minutes pr.nc pr_fixed.nc'
    """
    if cdo_copies(shlex.split(files)[0], time) if cdo is None else cdo:
        return cdo_command(f"shifttime,{minutes}minutes", files)
    shifted = _shifted(minutes)
    moved = (f"d = d.assign({{v: xr.Variable(d[v].dims, m(v), d[v].attrs) for v in {{{time!r}, "
             f"d[{time!r}].attrs.get('bounds', {time!r})}}}})")
    return xarray_command(_statements(time, shifted, moved), files)


def _shifted(minutes: int) -> str:
    """The statement of a shift's xarray line that defines ``m(v)``: variable ``v``'s times
    ``minutes`` later, each in its own units (xarray writes a time's bounds with units of their
    own), by cftime in the calendar ``c`` (:func:`_statements`)."""
    return (f"m = lambda v: cftime.date2num(cftime.num2date(d[v].values, d[v].attrs.get('units', u), c) + "
            f"datetime.timedelta(minutes={minutes}), d[v].attrs.get('units', u), c)")


def times_of_day_command(minutes: Sequence[int], time: str, files: str, *, cdo: bool | None = None) -> str:
    """The command that writes a copy of the input of ``files`` (``IN OUT``) holding only its
    steps at the times of day ``minutes`` (minutes after 00:00): ``cdo selhour,0,3,6,…`` for
    whole hours, ``cdo seltime,00:30:00,…`` otherwise (CDO's ``selhour`` and ``seltime``), for a
    NetCDF file CDO copies whole (:func:`cdo_copies`); an xarray line for a Zarr store or a file
    CDO does not copy whole (a station file). Values at instants (ERA5's hourly wind) taken at
    the instants of a coarser series (3-hourly wave heights at 00, 03, … 21 UTC) are those
    instants' values; averaging them would be a mean over hours that series does not describe.

    Parameters
    ----------
    minutes : sequence of int
        The times of day kept, in minutes after 00:00, ascending.
    time : str
        The time variable's name in the file.
    files : str
        ``IN OUT``.
    cdo : bool, optional
        Whether CDO copies the input whole, as for :func:`shift_command`.

    Returns
    -------
    str

    Examples
    --------
    >>> times_of_day_command([0, 180, 360], "time", "u10.nc u10_fixed.nc", cdo=True).split(" && ")[-1]
    'cdo selhour,0,3,6 u10.nc u10_fixed.nc'
    >>> times_of_day_command([90, 270], "time", "u10.nc u10_fixed.nc", cdo=True).split(" && ")[-1]
    'cdo seltime,01:30:00,04:30:00 u10.nc u10_fixed.nc'
    """
    if cdo_copies(shlex.split(files)[0], time) if cdo is None else cdo:
        if all(minute % 60 == 0 for minute in minutes):
            return cdo_command(f"selhour,{','.join(str(minute // 60) for minute in minutes)}", files)
        times = ",".join(f"{minute // 60:02d}:{minute % 60:02d}:00" for minute in minutes)
        return cdo_command(f"seltime,{times}", files)
    kept = (f"d = d.isel({{d[{time!r}].dims[0]: [i for i, x in enumerate(cftime.num2date(d[{time!r}].values, u, c)) "
            f"if x.hour * 60 + x.minute in {set(minutes)!r} and x.second == 0]}})")
    return xarray_command(_statements(time, kept), files)


def edge_stamp_command(edge: str, time: str, files: str) -> str:
    """The xarray line that writes a copy of the input of ``files`` (``IN OUT``) in which each
    time of ``time`` is the ``"start"`` or the ``"end"`` of its time cell (CF 7.1 bounds, named
    by its ``bounds`` attribute, in their own units when they have some) and the bounds are
    left out: statistics over cells (3-hourly means) then stand at the instants of another
    variable they are chosen to go with (the target's), which keeps its own stamps. Without the
    bounds the copy no longer says which cell each value is over; the choice is the user's.

    Parameters
    ----------
    edge : str
        ``"start"`` or ``"end"``.
    time : str
        The time variable's name in the file.
    files : str
        ``IN OUT``.

    Returns
    -------
    str

    Examples
    --------
    >>> from climann.data.shell import advised_python
    >>> line = edge_stamp_command("start", "time", "pr.nc pr_fixed.nc")
    >>> line.startswith(advised_python() + ' -c "import sys, xarray as xr')
    True
    """
    take = {"start": "min", "end": "max"}[edge]
    cells = ("b = d[{time!r}].attrs.pop('bounds'); e = cftime.date2num(cftime.num2date(d[b].values, "
             "d[b].attrs.get('units', u), c), u, c)").format(time=time)
    moved = (f"d = d.drop_vars(b).assign({{{time!r}: xr.Variable(d[{time!r}].dims, e.{take}(1), "
             f"d[{time!r}].attrs)}})")
    return xarray_command(_statements(time, cells, moved), files)


def bounds_shift_command(minutes: int, time: str, files: str) -> str:
    """The xarray line that writes a copy of the input of ``files`` (``IN OUT``) whose time
    bounds (CF 7.1, named by the ``bounds`` attribute of ``time``) are ``minutes`` later
    (earlier when negative), its times unchanged: for a file whose bounds were moved with its
    times (CDO's ``shifttime`` moves both: climann's own advice for a NetCDF file, above), NetCDF
    or Zarr alike.

    Parameters
    ----------
    minutes : int
        The shift, in minutes.
    time : str
        The time variable's name in the file.
    files : str
        ``IN OUT``.

    Returns
    -------
    str

    Examples
    --------
    >>> from climann.data.shell import advised_python
    >>> line = bounds_shift_command(90, "time", "pr.nc pr_fixed.nc")
    >>> line.startswith(advised_python() + ' -c "import sys, xarray as xr')
    True
    """
    shifted = _shifted(minutes)
    moved = f"b = d[{time!r}].attrs['bounds']; d[b] = xr.Variable(d[b].dims, m(b), d[b].attrs)"
    return xarray_command(_statements(time, shifted, moved), files)


def day_bounds_command(time: str, files: str) -> str:
    """The command that writes a copy of the input of ``files`` (``IN OUT``) in which each time
    of ``time`` has the bounds of the calendar day holding it (CF 7.1 ``bounds``, in the
    time's units): ``cdo settbounds,day IN OUT`` for a NetCDF file CDO copies whole (CDO's
    ``settbounds``, :func:`cdo_copies`), an xarray line for a Zarr store or another file that
    writes ``<time>_bnds`` and names it in the time's ``bounds`` attribute.

    Examples
    --------
    >>> day_bounds_command("time", "sst.nc sst_fixed.nc").split(" && ")[-1]
    'cdo settbounds,day sst.nc sst_fixed.nc'
    """
    if cdo_copies(shlex.split(files)[0], time):
        return cdo_command("settbounds,day", files)
    bounds = f"{time}_bnds"
    days = ("s = [x.replace(hour=0, minute=0, second=0, microsecond=0) for x in cftime.num2date("
            f"d[{time!r}].values, u, c)]")
    written = (f"d[{bounds!r}] = (({time!r}, 'bnds'), [[cftime.date2num(x, u, c), cftime.date2num(x + "
               f"datetime.timedelta(days=1), u, c)] for x in s])")
    return xarray_command(_statements(time, days, written, f"d[{time!r}].attrs['bounds'] = {bounds!r}"), files)


def ending_day_bounds_command(time: str, files: str, *, dimension: str | None = None, hours: float = 24) -> str:
    """The xarray line that writes a copy of the input of ``files`` (``IN OUT``) in which each
    time of ``time`` has the bounds of the day ending at it, [time - 1 day, time] (CF 7.1
    ``bounds``, in the time's units and calendar): for a value over the 24 hours before its
    stamp (GloFAS's ``dis24``, "Mean discharge in the last 24 hours", stamped 00 UTC), which
    ``cdo settbounds,day`` would put in the day beginning there. ``dimension`` is the time's
    dimension in the file when it is named otherwise (cfgrib's ``valid_time(time)``); ``hours``
    the window's length when it is not a day ("in the last 6 hours": [time - 6 hours, time]).

    Examples
    --------
    >>> from climann.data.shell import advised_python
    >>> line = ending_day_bounds_command("valid_time", "q.nc q_fixed.nc")
    >>> line.startswith(advised_python() + ' -c "import sys, xarray as xr')
    True
    """
    bounds = f"{time}_bnds"
    times = f"t = cftime.num2date(d[{time!r}].values, u, c)"
    window = "days=1" if hours == 24 else f"hours={hours:g}"
    written = (f"d[{bounds!r}] = (({dimension or time!r}, 'bnds'), [[cftime.date2num(x - datetime.timedelta({window}), "
               f"u, c), "
               f"cftime.date2num(x, u, c)] for x in t])")
    return xarray_command(_statements(time, times, written, f"d[{time!r}].attrs['bounds'] = {bounds!r}"), files)


#: Units of a CF time (before " since") and how many of them make a day, for the ``ncap2`` line of
#: :func:`midday_stamps_advice`.
_PER_DAY = {"days": 1, "day": 1, "d": 1, "hours": 24, "hour": 24, "h": 24, "hr": 24, "minutes": 1440,
            "minute": 1440, "min": 1440, "seconds": 86400, "second": 86400, "s": 86400, "sec": 86400}


def _midday_script(time: str, units: str | None) -> str | None:
    """The ``ncap2`` statement that puts each time of ``time``, in ``units`` (``UNIT since
    REFERENCE``), on 12:00 of its day: ``floor(t/N)*N+N/2`` with N the units in a day; None when
    the units are not such, or their reference is not a midnight (the floor would then be no
    day's start)."""
    unit, since, reference = str(units or "").strip().partition(" since ")
    per_day = _PER_DAY.get(unit.strip().lower())
    if not since or per_day is None:
        return None
    clock = reference.strip().replace("T", " ").split()[1:2]
    if clock and any(float(part or 0) for part in clock[0].rstrip("Zz").split("+")[0].split(":")):
        return None
    if per_day == 1:
        return f"{time}=floor({time})+0.5"
    return f"{time}=floor({time}/{per_day})*{per_day}+{per_day // 2}"


def midday_stamps_advice(time: str, files: str, *, units: str | None = "days since 1970-01-01") -> str:
    """The way out that puts each daily time of ``time`` on 12:00 of its day, in a copy of the
    input of ``files`` (``IN OUT``), for the end of a message: for a NetCDF file the ncap2 line
    in the time's own ``units`` (``time=floor(time)+0.5`` for days, ``floor(time/86400)*86400+43200``
    for seconds since a midnight: break51d A4, HARP's ``datetime_start`` in seconds was given the
    line for days, which left the stamps irregular) and the same in Python, for a Zarr store, or
    units whose reference is no midnight, the Python alone (NCO does not read a store); each in
    backticks. The Python line holds whatever the units are: it sets each date's hour to 12:00.

    Examples
    --------
    >>> midday_stamps_advice("time", "sst.nc sst_fixed.nc").split(", or in Python")[0]
    "for its times in days since a midnight `ncap2 -s 'time=floor(time)+0.5' sst.nc sst_fixed.nc`"
    >>> midday_stamps_advice("t", "a.nc b.nc", units="seconds since 2010-01-01").split(", or in Python")[0]
    "for its times in seconds since a midnight `ncap2 -s 't=floor(t/86400)*86400+43200' a.nc b.nc`"
    """
    noon = (f"d[{time!r}] = xr.Variable(d[{time!r}].dims, cftime.date2num([x.replace(hour=12, minute=0, second=0, "
            f"microsecond=0) for x in cftime.num2date(d[{time!r}].values, u, c)], u, c), d[{time!r}].attrs)")
    python = f"`{xarray_command(_statements(time, noon), files)}`"
    script = _midday_script(time, units)
    if is_zarr_store(shlex.split(files)[0]) or script is None:
        return python
    unit = str(units).strip().partition(" since ")[0].strip().lower()
    return f"for its times in {unit} since a midnight `{ncap2_command([script], files)}`, or in Python: {python}"


def rounded_stamps_command(seconds: int, time: str, files: str) -> str:
    """The command that writes a copy of the input of ``files`` (``IN OUT``) whose times ``time``
    are each put on the nearest multiple of ``seconds`` after 00:00 UTC (the nominal 00 and 12 UTC
    of radiosondes stamped at their release times, IGRA2's RELTIME: ~23:00 is 00 UTC of the next
    day), in their own units and calendar; it stops, writing nothing, when two stamps would fall on
    one time (two soundings of one slot: which to keep is the user's choice). An xarray line
    (:func:`~climann.data.shell.xarray_command`): CDO has no rounding of time stamps.

    Parameters
    ----------
    seconds : int
        The nominal step, a divisor of a day (43200 for 12-hourly).
    time : str
        The time variable's name in the file.
    files : str
        ``IN OUT``.

    Returns
    -------
    str

    Examples
    --------
    >>> "(s / 43200 + 0.5) // 1 * 43200" in rounded_stamps_command(43200, "time", "a.nc a_fixed.nc")
    True
    """
    epoch = "seconds since 1970-01-01 00:00:00"
    statements = [
        f"s = cftime.date2num(cftime.num2date(d[{time!r}].values, u, c), {epoch!r}, c)",
        f"r = cftime.date2num(cftime.num2date((s / {seconds} + 0.5) // 1 * {seconds}, {epoch!r}, c), u, c)",
        "len(set(r.tolist())) == len(r) or sys.exit('two stamps fall on one time: keep one of each first')",
        f"d[{time!r}] = xr.Variable(d[{time!r}].dims, r, d[{time!r}].attrs)",
    ]
    return xarray_command(_statements(time, *statements), files)


#: Each CDO ``settaxis`` increment of a decimal-year axis as the date of step ``k`` after the
#: first, ``s`` (a ``cftime.datetime``), in Python: months and years by the calendar.
_STEP_DATES = {
    "1mon": "cftime.datetime(s.year + (s.month - 1 + k) // 12, (s.month - 1 + k) % 12 + 1, s.day, s.hour, s.minute, "
            "calendar='standard')",
    "1year": "cftime.datetime(s.year + k, s.month, s.day, s.hour, s.minute, calendar='standard')",
    "1day": "s + datetime.timedelta(days=k)",
}


def dated_axis_command(time: str, start: datetime.datetime, increment: str, files: str) -> str:
    """The command that writes a copy of the input of ``files`` (``IN OUT``) whose time ``time``
    is the dates from ``start`` on, one each ``increment`` (``1mon``, ``1year``, ``1day``), in
    ``days since`` ``start`` (calendar ``standard``): ``cdo -settunits,days
    -settaxis,1980-01-15,00:00:00,1mon IN OUT`` for a NetCDF file CDO copies whole (CDO's
    ``settaxis``, :func:`cdo_copies`), an xarray line for a Zarr store or another file (a CF
    station file ``sea_level(station, time)``, which CDO does not open: break38b B2).

    Examples
    --------
    >>> dated_axis_command("time", datetime.datetime(1980, 1, 15), "1mon", "a.nc a_fixed.nc").split(" && ")[-1]
    'cdo -settunits,days -settaxis,1980-01-15,00:00:00,1mon a.nc a_fixed.nc'
    """
    day = f"{start.year:04d}-{start.month:02d}-{start.day:02d}"  # strftime's %Y does not pad year 850
    if cdo_copies(shlex.split(files)[0], time):
        return cdo_command(f"-settunits,days -settaxis,{day},{start:%H:%M:%S},{increment}", files)
    units = f"days since {day} {start:%H:%M:%S}"
    statements = [
        "import cftime, datetime",
        f"s = cftime.datetime({start.year}, {start.month}, {start.day}, {start.hour}, {start.minute}, "
        "calendar='standard')",
        f"t = [{_STEP_DATES[increment]} for k in range(d.sizes[{time!r}])]",
        f"d[{time!r}] = xr.Variable(d[{time!r}].dims, cftime.date2num(t, {units!r}, 'standard'), "
        f"{{'units': {units!r}, 'calendar': 'standard'}})",
    ]
    return xarray_command(statements, files)


def copy_files(source: TimeSource | None, suffix: str = "fixed") -> str:
    """``IN OUT`` of a command on the first file of ``source``
    (:func:`~climann.data.shell.input_and_copy`), or the words ``IN OUT`` when no file is known."""
    return "IN OUT" if source is None or not source.files else input_and_copy(source.file, suffix)


def time_source(files: Sequence[str], time: str) -> TimeSource | None:
    """A :class:`TimeSource` of ``files`` and ``time``; None without files or when one is a GRIB
    file, by its name or its first bytes (the commands then say ``IN OUT``)."""
    # the commands write NetCDF, and cfgrib's names are not the file's
    if not files or any(is_grib_file(file) for file in files):
        return None
    return TimeSource(tuple(str(file) for file in files), time)


#: ``python -c SCRIPT IN OUT DAYS TIME``: IN's time bounds made those of the N-day composites
#: restarting each 1 January that their starts lie in, [start, next start), its times kept; refused
#: (nothing written) when a cell reaches past its composite's end.
_PYTHON_COMPOSITE_BOUNDS = (
    'import sys,datetime,numpy as np,xarray as xr;i,o,n,t=sys.argv[1:5];N=datetime.timedelta(days=int(n));'
    'd=xr.open_dataset(i,decode_times=xr.coders.CFDatetimeCoder(use_cftime=True));e=d[t].encoding;'
    'b=d[t].attrs["bounds"];c=d[b].values;lo=c.min(1);'
    'Y=np.array([q.replace(month=1,day=1,hour=0,minute=0,second=0,microsecond=0) for q in lo]);'
    'S=np.array([y+N*((q-y)//N) for q,y in zip(lo,Y)]);'
    'E=np.array([min(a+N,y.replace(year=y.year+1)) for a,y in zip(S,Y)]);'
    '(c.max(1)<=E).all() or sys.exit(i+": a cell reaches past its composite: not means over them; nothing written");'
    'd[b]=d[b].copy(data=np.stack([S,E],1));d[t].encoding={k:e[k] for k in ("units","calendar") if k in e};'
    + whole_write("d.to_netcdf", "o", quote='"')
)


def composite_bounds_command(days: int, time: str, files: str) -> str:
    """The shell line that gives a file of means over ``days``-day composites restarting each
    1 January (``cdo timselmean,8`` of daily values per yearly file, which bounds each mean by
    its first and last day's stamps, a day short) the composites' own CF bounds (section 7.1):
    each cell's start is in one composite [start, next start) (the year's last 5 or 6 days
    long), which becomes its bounds, its time kept.

    Parameters
    ----------
    days : int
        The composites' length, days (8).
    time : str
        The name of the time variable in the file.
    files : str
        ``IN OUT`` as shell words (a loop's ``"$f" …``).

    Returns
    -------
    str
        ``python -c SCRIPT IN OUT DAYS TIME``; a file with a cell reaching past its composite's
        end is left alone, nothing written (its values are no means over the composites).

    Examples
    --------
    >>> composite_bounds_command(8, "time", "E.nc 8-day/E.nc").endswith("E.nc 8-day/E.nc 8 time")
    True
    """
    return f"{python_command(_PYTHON_COMPOSITE_BOUNDS)} {files} {days:d} {shlex.quote(time)}"
