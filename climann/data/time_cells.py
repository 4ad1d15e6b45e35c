"""Each time step dated by the middle of its time cell (CF bounds of time).

A mean over an interval belongs to the month, season and year of the interval, whatever
instant the file stamps it with. CESM history files stamp a monthly mean at the *end* of
its interval (the January 1990 mean at 1990-02-01 00:00, ``time_bnds`` = [1990-01-01,
1990-02-01]); read by its stamp, it would count as a February mean and every month,
season and year split would shift by one step. The CF conventions (section 7.1, "Cell
boundaries") describe the interval by the ``bounds`` variable of the time coordinate; its
middle is the one date that lies in the right month for stamps at the start, the middle or
the end of the interval.

So when the time coordinate has CF bounds that hold each stamp, the steps are dated by the
middles of their cells for everything that reads a date (``--months``, ``--seasons``,
``--time-range``, the split into years, the climatology's season keys, the ``season``
feature, figures' periods), and the file's own stamps are kept along time in the coordinate
:data:`FILE_TIME_COORDINATE`, to be written back to predictions files unchanged.
"""

from __future__ import annotations

import calendar
import datetime
import logging
from collections.abc import Callable, Sequence
from pathlib import Path

import cftime
import numpy as np
import xarray as xr

from climann.data.cell_bounds import CELLS_SAID_KEY, STATED_CELLS_KEY
from climann.data.composites import period_cells
from climann.data.coords import FILE_TIME_COORDINATE, WINDOW_LONG_NAME, WINDOW_SOURCE_KEY, time_coordinate
from climann.data.multiyear_steps import years_apart
from climann.data.notes import in_full, note_once
from climann.data.paths import is_zarr_store
from climann.data.shell import (attribute_command, cdo_command, copies_of_files, one_copy_advice,
    drop_command, file_time_names, in_place_note, input_and_copy, ncap2_name, ncatted_attribute, source_and_copy,
    values_command, xarray_data, xarray_values,
)
from climann.data.time_axis import (
    PeriodStep, TimeStep, axis_time_step, cell_time_step, date_text, month_number, month_start, year_text,
)
from climann.data.step_periods import closing_bounds_advice
from climann.data.time_commands import ending_day_bounds_command
from climann.data.window_totals import WRF_WINDOWS, ending_window
from climann.errors import ClimannError

_log = logging.getLogger(__name__)


def cell_middles(times: np.ndarray, bounds: np.ndarray) -> np.ndarray | None:
    """The middle of each time cell, lower + (upper − lower) / 2, when every cell holds its time.

    Parameters
    ----------
    times : ndarray of cftime.datetime, shape (n_time,)
    bounds : ndarray of cftime.datetime, shape (n_time, 2)
        The cells [lower, upper] (CF 7.1), either order of the two vertices.

    Returns
    -------
    ndarray of cftime.datetime, shape (n_time,), or None
        None when a cell is empty or does not hold its time (the bounds then say nothing
        reliable about the step), or the values are not dates.
    """
    if len(times) == 0 or bounds.shape != (len(times), 2):
        return None
    if not all(hasattr(value, "calendar") for value in (*times, *bounds.ravel())):
        return None
    lower, upper = _lower_upper(bounds)
    if not all(low < high and low <= time <= high for low, time, high in zip(lower, times, upper)):
        return None
    return np.array([low + (high - low) / 2 for low, high in zip(lower, upper)], dtype=object)


def _lower_upper(bounds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The earlier and the later vertex of each cell, each shape (n_time,)."""
    in_order = bounds[:, 0] <= bounds[:, 1]
    return np.where(in_order, bounds[:, 0], bounds[:, 1]), np.where(in_order, bounds[:, 1], bounds[:, 0])


def _note(stamps: np.ndarray, bounds: xr.DataArray, middles: np.ndarray, time: xr.DataArray, where: str) -> None:
    """Warn once when a stamp lies in another calendar month than its cell's middle: then the
    dating changes which month, season or year a step counts in (else it is only hours). The
    example of where the stamps lie is the first step's; the month said is of the first step
    whose stamp is in another month than its middle.

    The warning names the cells as the file has them: its own bounds variable, or the windows
    of lead time climann gives a forecast statistic that has none (:data:`climann.data.coords.WINDOW_LONG_NAME`,
    cfgrib's GloFAS ``dis24``; rerun33 R3), with what gives them (the lead time's bounds or the GRIB step
    type, :data:`~climann.data.coords.WINDOW_SOURCE_KEY`); it names CESM only for stamps at the ends of a
    file's own cells, and the time the prediction files keep by its name in the file
    (``valid_time`` for cfgrib's valid times). Nothing for cells whose maker's warning said it
    (:data:`~climann.data.cell_bounds.CELLS_SAID_KEY`)."""
    if bounds.encoding.get(CELLS_SAID_KEY) or middle_dating(stamps, middles) is None:
        return
    lower, upper = _lower_upper(np.asarray(bounds.values))
    position = "the ends" if all(stamps == upper) else "the starts" if all(stamps == lower) else "other points"
    stamp_name = file_time_names(time)[0]
    step = cell_time_step(np.asarray(bounds.values))
    values = f"{step.name} values" if step is not None else "values"
    # the file's own first stamp shows where its stamps lie (the first that changes a month was shown: the
    # 2000-02-01 of daily values from 2000-01-02, break47d A5); that one's month is said below
    example = f"{date_text(stamps[0])} for {date_text(lower[0])} to {date_text(upper[0])}" + (
        ", …" if len(stamps) > 1 else "")
    if bounds.attrs.get("long_name") == WINDOW_LONG_NAME:
        source = bounds.encoding.get(WINDOW_SOURCE_KEY, "the forecast's GRIB_stepType or lead-time bounds")
        cell, kind = "window", (
            f"{values} over the windows of lead time that {source} give (the file has no time bounds of its "
            f"valid times), stamped ({stamp_name}) at {position} of their windows ({example})")
    elif (stated := bounds.encoding.get(STATED_CELLS_KEY)) is not None:  # no time_bnds of the file's own
        cell, kind = "cell", (f"time stamps at {position} of the cells the file states without time bounds ({stated}; "
                              f"{example})")
    else:
        cesm = ", as CESM history files stamp means" if position == "the ends" else ""
        cell, kind = "cell", f"time stamps at {position} of their {bounds.name} cells ({example}{cesm})"
    message = (
        f"{where}: {kind}; {middle_dating(stamps, middles, cell)}; prediction files keep the file's stamps "
        f"({stamp_name}) as their time, with these {cell}s as {bounds.name}"
    )
    note_once(_log, logging.WARNING, message)  # once per run: a run opens its files several times


def middle_dating(stamps: np.ndarray, middles: np.ndarray, cell: str = "cell") -> str | None:
    """The words that say each value is dated by its time cell's middle, with the first step whose
    stamp lies in another calendar month than its middle (its month is the one it counts in);
    None when no stamp does (then the dating changes only hours). Said by :func:`times_at_cell_middles`'
    warning and by that of the cells :mod:`climann.data.time_axes` gives weekly means without
    bounds beside a forecast's windows.

    Parameters
    ----------
    stamps, middles : ndarray of cftime.datetime, shape (n_time,)
        The file's stamps and their cells' middles.
    cell : str
        What the cells are called (``cell``, ``window``).

    Returns
    -------
    str or None
        ``each value is dated by its cell's middle for months, seasons, years and the split
        (2000-04-02 12:00; CF 7.1): the value stamped 2000-03-30 counts in April 2000``.
    """
    moved = np.flatnonzero([(s.year, s.month) != (m.year, m.month) for s, m in zip(stamps, middles)])
    if not moved.size:
        return None
    first = int(moved[0])
    middle = middles[first]
    return (f"each value is dated by its {cell}'s middle for months, seasons, years and the split "
            f"({date_text(middle)}; CF 7.1): the value stamped {date_text(stamps[first])} counts in "
            f"{calendar.month_name[middle.month]} {year_text(middle.year)}")


def times_at_cell_middles(dataset: xr.Dataset, where: str = "the data") -> xr.Dataset:
    """``dataset`` with its time coordinate at the middles of its CF time cells.

    Nothing changes when the time has no bounds, the bounds are not dates, a cell is empty,
    or every stamp is already its cell's middle. Otherwise the time
    coordinate (attributes and encoding kept) holds the middles and the stamps are kept in
    :data:`FILE_TIME_COORDINATE`; when that moves a step into another calendar month (stamps
    at the ends of the cells, as in CESM history files), a warning says so once.

    Parameters
    ----------
    dataset : xarray.Dataset
        Opened with times decoded to cftime; its bounds variables in memory.
    where : str
        The files, for the message.

    Returns
    -------
    xarray.Dataset

    Raises
    ------
    ClimannError
        If a cell does not hold its stamp (:func:`check_stamps_in_cells`).
    """
    if (name := time_coordinate(dataset)) is None:
        return dataset
    time = dataset[name]
    bounds_name = str(time.attrs.get("bounds"))
    if time.ndim != 1 or bounds_name not in dataset.variables or dataset[bounds_name].dims[:1] != time.dims:
        return dataset
    stamps, bounds = np.asarray(time.values), np.asarray(dataset[bounds_name].values)
    check_stamps_in_cells(stamps, bounds, (name, bounds_name), where,
                          source_and_copy(dataset, time, suffix="restamped"),
                          units=(time.encoding.get("units"), dataset[bounds_name].encoding.get("units")))
    middles = cell_middles(stamps, bounds)
    if middles is None or all(middles == stamps):
        return dataset
    _note(stamps, dataset[bounds_name], middles, time, where)
    at_middles = xr.Variable(time.dims, middles, time.attrs, time.encoding)
    return dataset.assign_coords({name: at_middles, FILE_TIME_COORDINATE: (time.dims, stamps)})




#: How far outside its cell a stamp may lie and still be on its edge, as a fraction of the
#: cell's length (a monthly cell: about 45 minutes): stamps and bounds stored apart may round
#: differently.
EDGE_TOLERANCE = 1e-3


def stamp_outside_cell(stamps: np.ndarray, bounds: np.ndarray) -> int | None:
    """The index of the first stamp that lies outside its time cell (CF 7.1 bounds), None when
    every cell holds its stamp.

    A stamp on an edge of its cell holds it (CESM history files stamp a mean at its upper
    bound), to within :data:`EDGE_TOLERANCE` of the cell's length; an empty cell (both
    bounds equal) holds only its own instant.

    Parameters
    ----------
    stamps : ndarray of cftime.datetime, shape (n_time,)
    bounds : ndarray of cftime.datetime, shape (n_time, 2)
        Either order of the two vertices.

    Returns
    -------
    int or None
        None also when the shapes do not match or the values are not dates.
    """
    if len(stamps) == 0 or bounds.shape != (len(stamps), 2):
        return None
    if not all(hasattr(value, "calendar") for value in (*stamps, *bounds.ravel())):
        return None
    lower, upper = _lower_upper(bounds)
    for index, (low, stamp, high) in enumerate(zip(lower, stamps, upper)):
        slack = (high - low) * EDGE_TOLERANCE
        if not low - slack <= stamp <= high + slack:
            return index
    return None


def check_stamps_in_cells(stamps: np.ndarray, bounds: np.ndarray, names: tuple[str, str], where: str,
                          files: str = "IN.nc OUT.nc", *, units: tuple[object, object] = (None, None)) -> None:
    """Refuse time bounds whose cells do not hold their stamps (a stamp on 15 January with
    the cell 1 December to 1 January): the stamps date each value in one period and the
    cells in another, and nothing tells which is right.

    Parameters
    ----------
    stamps : ndarray of cftime.datetime, shape (n_time,)
    bounds : ndarray of cftime.datetime, shape (n_time, 2)
    names : (str, str)
        The time coordinate's and its bounds variable's names, for the commands.
    where : str
        The files, for the message.
    files : str
        The input and output arguments of the commands (:func:`climann.data.shell.input_and_copy`).
    units : (str or None, str or None)
        The units the time and its bounds were decoded with (their ``encoding["units"]``), when known.

    Raises
    ------
    ClimannError
        Naming the first such step, both datings (the stamp, and its cell's middle) and the
        ways out: restamp at the cells' middles when the bounds are right, or drop the bounds
        when the stamps are. When the bounds carry units of their own, other than the time's,
        and their numbers read in the time's units hold every stamp (``time_bnds:units`` without
        the time's time-zone offset ``+05:00``, or from another reference date), the message
        names the two units and deletes the bounds' own instead (CF 7.1: bounds take their
        coordinate's units).
    """
    _check_one_calendar(stamps, bounds, names, where, files)
    index = stamp_outside_cell(stamps, bounds)
    if index is None:
        return
    time_name, bounds_name = names
    lower, upper = _lower_upper(bounds)
    stamp, low, high = stamps[index], lower[index], upper[index]
    if _hold_in_time_units(stamps, bounds, *units):
        raise ClimannError(
            f"{where}: the time bounds '{bounds_name}' have units of their own, '{units[1]}', other than those of "
            f"'{time_name}', '{units[0]}': read in their own, time step {index} (counting from 0) stamped "
            f"{date_text(stamp)} lies outside its cell {date_text(low)} to {date_text(high)}, while read in the "
            f"time's units "
            f"every cell holds its stamp; CF 7.1: bounds take their coordinate's units, so delete the bounds' own: "
            + one_copy_advice(lambda arguments: _quoted(attribute_command(
                [ncatted_attribute("units", bounds_name, "d")], arguments)), files, "bounds_units_removed"))
    time_own, bounds_own = ncap2_name(time_name), ncap2_name(bounds_name)
    restamp = f"{time_own}=({bounds_own}(:,0)+{bounds_own}(:,1))/2"
    middles = xarray_values(time_name, f"({xarray_data(bounds_name)}[:, 0] + {xarray_data(bounds_name)}[:, 1]) / 2")
    raise ClimannError(
        f"{where}: the time bounds '{bounds_name}' contradict the stamps: time step {index} (counting from 0) is "
        f"stamped "
        f"{date_text(stamp)} outside its cell {date_text(low)} to {date_text(high)}, "
        f"so {_readings(stamp, low + (high - low) / 2)} "
        f"(CF 7.1); if the bounds are right, restamp at their "
        "middles: "
        # each way its own folder (fix54b: the two, beside the file, wrote one copy: the second refused)
        + one_copy_advice(lambda arguments: _quoted(values_command([restamp], [middles], arguments)), files,
                          "restamped")
        + "; if the stamps are right, drop the bounds: "
        + one_copy_advice(lambda arguments: _quoted(drop_command([bounds_name], arguments)), files, "bounds_dropped")
    )


def _quoted(command: str) -> str:
    """``command`` in backticks, as a message shows a line to run."""
    return f"`{command}`"


#: Calendar names that CF-1.8 §4.4.1 defines alike (cftime reports the first of each pair).
_CALENDAR_ALIASES = {"gregorian": "standard", "365_day": "noleap", "366_day": "all_leap"}


def _calendars(dates: np.ndarray) -> set[str]:
    """The calendars of the cftime dates among ``dates`` (their ``calendar``), aliases as one."""
    found = {str(getattr(date, "calendar", "")) for date in np.ravel(dates)} - {""}
    return {_CALENDAR_ALIASES.get(calendar, calendar) for calendar in found}


def _check_one_calendar(stamps: np.ndarray, bounds: np.ndarray, names: tuple[str, str], where: str,
                        files: str) -> None:
    """Refuse time bounds decoded in a calendar of their own, other than their coordinate's.

    CF 7.1: bounds take their coordinate's calendar. xarray's ``Dataset.convert_calendar``
    converts the time coordinate, not its bounds, which keep the old calendar and its dates
    (break28a A1: a standard file converted to noleap as climann's calendar advice said; its
    bounds could not be compared with the stamps, "unexpected error: TypeError").
    """
    own, theirs = _calendars(stamps), _calendars(bounds)
    if len(own) != 1 or len(theirs) != 1 or own == theirs:
        return
    time_name, bounds_name = names
    raise ClimannError(
        f"{where}: the time bounds '{bounds_name}' are dated in the {theirs.pop()} calendar and '{time_name}' in the "
        f"{own.pop()} calendar: CF 7.1 takes bounds in their coordinate's calendar, and their dates differ wherever "
        f"the calendars do (xarray's convert_calendar converts the time, not its bounds); drop the bounds "
        f"(or Dataset.drop_vars('{bounds_name}') before convert_calendar; climann then dates each step by its "
        "stamp): " + one_copy_advice(lambda arguments: _quoted(drop_command([bounds_name], arguments)), files,
                                     "bounds_dropped"))


def _hold_in_time_units(stamps: np.ndarray, bounds: np.ndarray, time_units: object, bounds_units: object) -> bool:
    """Whether bounds decoded in ``bounds_units``, units of their own other than the time's
    ``time_units``, would hold every stamp if their numbers were read in ``time_units``.

    Parameters
    ----------
    stamps : ndarray of cftime.datetime, shape (n_time,)
    bounds : ndarray of cftime.datetime, shape (n_time, 2)
    time_units, bounds_units : str or None
        The units each was decoded with (``hours since 2000-01-01 00:00:00 +05:00``).
    """
    if not (isinstance(time_units, str) and isinstance(bounds_units, str)) or time_units == bounds_units:
        return False
    calendar = stamps[0].calendar
    try:
        numbers = cftime.date2num(list(bounds.ravel()), bounds_units, calendar=calendar)
        rebased = cftime.num2date(numbers, time_units, calendar=calendar, has_year_zero=stamps[0].has_year_zero)
    except (ValueError, TypeError):  # units cftime does not read (converted when decoded): say no more
        return False
    return stamp_outside_cell(stamps, np.asarray(rebased, dtype=object).reshape(bounds.shape)) is None


def _readings(stamp: cftime.datetime, middle: cftime.datetime) -> str:
    """The two datings of a value in words: by month when they differ in month ("it is in
    January 2000 by its stamp and in December 1999 by its cell"), else by date."""
    if (stamp.year, stamp.month) == (middle.year, middle.month):
        return f"it is dated {date_text(stamp)} by its stamp and {date_text(middle)} by its cell's middle"
    return (f"it is in {stamp.strftime('%B')} {year_text(stamp.year)} by its stamp and in {middle.strftime('%B')} "
            f"{year_text(middle.year)} by its cell")


def _months_after(time: cftime.datetime, months: int) -> cftime.datetime:
    """The first instant of the calendar month ``months`` after the month of ``time``."""
    return month_start(month_number(time) + months, time)


def _at_month_start(time: cftime.datetime) -> bool:
    return (time.day, time.hour, time.minute, time.second, time.microsecond) == (1, 0, 0, 0, 0)


def _at_midnight(time: cftime.datetime) -> bool:
    return (time.hour, time.minute, time.second, time.microsecond) == (0, 0, 0, 0)


def inferred_cells(times: np.ndarray, step: TimeStep | PeriodStep | None) -> tuple[np.ndarray, str] | None:
    """The time cells of stamps without CF bounds, from the axis's nominal step or its calendar of periods.

    - monthly: the calendar month that holds each stamp (a stamp on the 1st at 00:00 opens
      its month, as ERA5 monthly means and CDO ``monmean`` followed by ``setday,1`` stamp them);
    - every k months (seasonal, yearly, …) stamped at the first instant of a month: the k
      months that start there; for one value a year (or fewer), only when stamped on
      1 January: then the year is the stamp's whatever each value is (a year, or a season or
      month of it, ``cdo selseas``, ``selmon``). Stamped on the 1st of another month (DJF means
      on 1 December) the 12 months would move a season's value by half a year, into another
      season and year (a DJF mean dated in June): no cell is inferred, the stamp dates it;
    - every n whole days stamped at 00:00: the n days that start there;
    - no nominal step, or a calendar of periods that restart each year or month (``step`` a
      :class:`~climann.data.time_axis.PeriodStep`, or found from the times by
      :func:`~climann.data.composites.period_cells`): the period of the calendar that holds each
      stamp, to the next period's start (CPC's pentads, the 12th of a leap year 6 days; dekads to
      the month's end; MODIS's 8-day composites, each year's last to 1 January). A stamp at a
      period's first instant (NOAA PSL's pentads, stamped on their first day) opens it, as a weekly
      stamp at 00:00 opens its 7 days (break49e A1: such pentads were dated by their stamps, the
      31 May – 4 June pentad left out of ``--months 6``).

    Any other axis (k months stamped inside the cell, sub-daily, no nominal step) has no
    inferred cell: a sub-daily value is often an instant, and a stamp inside a cell of several
    months is not enough to place the cell.

    Parameters
    ----------
    times : ndarray of cftime.datetime, shape (n_time,)
    step : TimeStep, PeriodStep or None
        The axis's nominal step (:func:`climann.data.time_axis.axis_time_step`), or the calendar of
        periods the values were of before a selection thinned the axis
        (:attr:`climann.data.layout.GridLayout.value_periods`).

    Returns
    -------
    (ndarray of cftime.datetime, shape (n_time, 2), str) or None
        The cells [lower, upper], and "" when the stamps leave no doubt, else the cell's length
        ("month", "3 months", "day"…) or period ("pentad", "dekad", "8-day composite": see
        :func:`period_doubt`) when each stamp is read as the start of its cell, or None.
    """
    if len(times) == 0:
        return None
    if step is None or isinstance(step, PeriodStep):
        return _period_cells(times, step)
    if step.months == 1:
        lower = np.array([_months_after(time, 0) for time in times], dtype=object)
        upper = np.array([_months_after(time, 1) for time in times], dtype=object)
        doubt = "month" if all(_at_month_start(time) for time in times) else ""
    elif step.months and all(_at_month_start(time) for time in times) and not _one_season_a_year(times, step):
        lower = np.asarray(times, dtype=object)
        upper = np.array([_months_after(time, step.months) for time in times], dtype=object)
        doubt = f"{step.months} months"
    elif not step.months and step.duration % datetime.timedelta(days=1) == datetime.timedelta(0) \
            and all(_at_midnight(time) for time in times):
        lower = np.asarray(times, dtype=object)
        upper = np.array([time + step.duration for time in times], dtype=object)
        doubt = "day" if step.duration == datetime.timedelta(days=1) else f"{step.duration.days} days"
    else:
        return None
    return np.stack([lower, upper], axis=1), doubt


def _period_cells(times: np.ndarray, periods: PeriodStep | None) -> tuple[np.ndarray, str] | None:
    """The cells of a calendar of periods (:func:`~climann.data.composites.period_cells`) for
    :func:`inferred_cells`, with the period as the doubt when every stamp opens its cell."""
    if not all(hasattr(time, "calendar") for time in times):
        return None
    found = period_cells(np.asarray(times), periods)
    if found is None:
        return None
    calendar, cells = found
    at_starts = all(time == low for time, (low, _) in zip(times, cells))
    return cells, (calendar.period if at_starts else "")


def period_doubt(doubt: str) -> bool:
    """Whether ``doubt`` of :func:`inferred_cells` names a period of a calendar (``pentad``,
    ``dekad``, ``half-month``, ``8-day composite``), not a fixed length (``7 days``, ``month``)."""
    return doubt in ("pentad", "dekad", "half-month") or doubt.endswith("-day composite")


def ending_bounds_command(span: datetime.timedelta, *, units: str, files: Sequence[str]) -> str:
    """The ``ncap2`` line that gives stamps without CF bounds the cells [time − ``span``, time]
    (CF 7.1): values of the ``span`` ending at each stamp, the reading other than
    :func:`inferred_cells`' (the ``span`` beginning there), said beside every use of that reading.

    Parameters
    ----------
    span : datetime.timedelta
        Each cell's length (7 days for weekly means).
    units : str
        The time axis's CF units (``days since 2000-01-01``), in which the line subtracts ``span``.
    files : sequence of str
        The files to copy with bounds; none: ``IN.nc OUT.nc``.

    Returns
    -------
    str
    """
    per_unit = {"day": 86400.0, "hour": 3600.0, "minute": 60.0, "second": 1.0}
    unit = str(units).split()[0].lower().rstrip("s") if str(units).strip() else "day"
    back = f"{span.total_seconds() / per_unit.get(unit, 86400.0):g}"
    statements = (f"defdim(\"bnds\",2); time_bnds[$time,$bnds]=0.0; time_bnds(:,0)=time-{back}; "
                  f"time_bnds(:,1)=time; time@bounds=\"time_bnds\"")

    def command(arguments: str, _file: object = None) -> str:
        return f"ncap2 -s '{statements}' {arguments}"

    return copies_of_files(command, list(files), name="with_bounds") if files else command("IN.nc OUT.nc")


def period_start_switch(stamps: np.ndarray) -> int | None:
    """The index of the first stamp of a monthly or daily axis whose place in its month or
    day switches between the first instant of the period (the 1st at 00:00; 00:00) and
    inside it, None when the stamps keep one of the two (or the axis is neither).

    Without time bounds a stamp at the first instant of a month or day may open it (ERA5) or
    close the one before (CESM history files); a series stamped so throughout is read one way,
    with a warning (:func:`inferred_cells`), but one that switches to or from stamps inside
    their periods (the 15th, CMIP's mid-month days and hours; 12:00 for daily means) would be
    dated by two readings at once, one of them a period off.

    Parameters
    ----------
    stamps : ndarray of cftime.datetime, shape (n_time,)

    Returns
    -------
    int or None
    """
    step = axis_time_step(stamps)
    if step == TimeStep(months=1):
        at_start = np.array([_at_month_start(time) for time in stamps])
    elif step == TimeStep(duration=datetime.timedelta(days=1)):
        at_start = np.array([_at_midnight(time) for time in stamps])
    else:
        return None
    if at_start.all() or not at_start.any():
        return None
    return int(np.flatnonzero(at_start != at_start[0])[0])


#: For a monthly and a daily axis: the period, where its first instant is, and the cdo
#: operators that restamp a value inside its period (opening it) or inside the one before
#: (closing it).
_PERIODS = {
    True: ("month", "on the 1st at 00:00", "setday,15", "-setday,15 -shifttime,-1day"),
    False: ("day", "at 00:00", "settime,12:00:00", "-settime,12:00:00 -shifttime,-1day"),
}


def check_period_stamps(stamps: np.ndarray, where: str,
                        source_of: Callable[[object], str | None] | None = None) -> None:
    """Refuse monthly or daily values without time bounds whose stamps switch between the
    first instant of their month or day and inside it (:func:`period_start_switch`).

    Parameters
    ----------
    stamps : ndarray of cftime.datetime, shape (n_time,)
        The time coordinate of data without time bounds, in increasing order.
    where : str
        The files, for the message.
    source_of : callable, optional
        The file holding a stamp (a cftime date → its path, or None), to name it and give
        the command on it; without it the step alone is named.

    Raises
    ------
    ClimannError
        Naming the step where the stamps switch, the step before, and the ways out: time
        bounds, or restamping the values stamped at the period's start (``cdo setday,15``,
        ``cdo settime,12:00:00``).
    """
    index = period_start_switch(np.asarray(stamps))
    if index is None:
        return
    monthly = axis_time_step(np.asarray(stamps)) == TimeStep(months=1)
    period, first_instant, opening, closing = _PERIODS[monthly]
    at_period_start = _at_month_start if monthly else _at_midnight
    before, after = stamps[index - 1], stamps[index]
    at_start = after if at_period_start(after) else before
    source = source_of(at_start) if source_of else None
    files = input_and_copy(source, "restamped") if source else "IN.nc OUT.nc"
    sources = [source_of(time) if source_of else None for time in (before, after)]
    named = [f" in {Path(str(name)).name}" if name and sources[0] != sources[1] else "" for name in sources]

    def place(time: cftime.datetime) -> str:
        return (f"{first_instant} ({date_text(time)})" if at_period_start(time)
                else f"inside the {period} ({date_text(time)})")

    values = "monthly" if monthly else "daily"
    raise ClimannError(
        f"{where}: {values} values without time bounds are stamped {place(before)}{named[0]} then "
        f"{place(after)}{named[1]}: a stamp {first_instant} may open its {period} (ERA5) or close the {period} "
        f"before (CESM history files), so which {period} each value is cannot be told; give the files time bounds "
        f"(CF 7.1), or restamp the values stamped {first_instant}: if they open their {period}s "
        # each way its copy in a new folder of its own: beside the file (X_restamped.nc), a glob over their folder
        # took both, and the two ways wrote one copy (fix56b)
        + one_copy_advice(lambda arguments: _quoted(cdo_command(opening, arguments)), files, "restamped_as_opening")
        + f", if they close the {period} before "
        + one_copy_advice(lambda arguments: _quoted(cdo_command(closing, arguments)), files, "restamped_as_closing")
    )


def _one_season_a_year(times: np.ndarray, step: TimeStep) -> bool:
    """Whether stamps on the 1st are a year or more apart and not on 1 January: each value
    may be one season's or month's beginning there (DJF means on 1 December), not a year's."""
    return step.months % 12 == 0 and any(time.month != 1 for time in times)


def _note_stamped_seasons(name: str, stamps: np.ndarray, step: TimeStep | None) -> None:
    """Warn once that values a year apart stamped on the 1st of a month other than January,
    without bounds, are dated by their stamps (see :func:`inferred_cells`)."""
    if step is not None and step.months and len(stamps) and _one_season_a_year(stamps, step) \
            and all(_at_month_start(time) for time in stamps):
        note_once(_log, logging.WARNING, (
            f"'{name}' has no bounds and its values are {step.span()} apart, stamped on the 1st of "
            f"{stamps[0].strftime('%B')} ({date_text(stamps[0])}, …): each may be the mean of the {step.span()} or of "
            f"one season or month beginning there (DJF means on 1 December), so it is dated by its stamp (its "
            f"month, season and year, and the season and year features); give time_bnds to date it by its cell"))


def cell_lengths(times: np.ndarray, bounds: np.ndarray | None = None) -> np.ndarray | None:
    """The length of each time cell in seconds: the period a total over the cell (CF
    ``cell_methods`` ``time: sum``, CF 1.8 section 7.3) is summed over.

    From the CF bounds of time (section 7.1) when given; else from the cells implied by the
    axis's nominal step (:func:`inferred_cells`: the calendar month of a monthly stamp, the n
    days beginning at a stamp at 00:00); else the step itself when it is a fixed duration
    (daily values stamped at 12:00, 6-hourly ones). Lengths are exact in the times' calendar
    (``cftime`` differences: February 28 days in ``noleap``, 30 in ``360_day``).

    Stamps more than an hour and less than a day apart (3-hourly, 6-hourly) give no length:
    they may be totals over the hours since the stamp before (WRF, reanalyses at their own
    step) or over one hour only (ERA5 hourly totals kept every 6 hours: 00, 06, 12 and 18 UTC,
    as the CDS gives them when asked for those hours), rates 6 times apart. Hourly (or finer)
    stamps give the step: the hour is the smallest period totals are kept over.

    Stamps several months apart (seasonal, yearly, every k months) give no length, wherever
    they sit in their months: the spacing is not the cell. Values one year apart may each be
    a year's total, one season's (``cdo selseas,DJF`` then ``seassum``) or one month's
    (``cdo selmon,1``); values 3 months apart may be seasons or single months; a stamp on the
    1st may open its cell or close the one before (CESM history files).

    Parameters
    ----------
    times : ndarray of cftime.datetime, shape (n_time,)
    bounds : ndarray of cftime.datetime, shape (n_time, 2), optional
        The cells [lower, upper], either order of the two vertices.

    Returns
    -------
    ndarray of float64, shape (n_time,), or None
        Seconds per cell; None when the lengths are unknown: no bounds (or bounds that are
        not dates, or an empty cell) and no step to infer them from (a single time, irregular
        times, stamps between an hour and a day apart, stamps several months apart).

    Examples
    --------
    >>> times = np.array([cftime.datetime(2001, m, 15, calendar="noleap") for m in (1, 2)])
    >>> (cell_lengths(times) / 86400).tolist()  # January and February in the noleap calendar
    [31.0, 28.0]
    """
    times = np.asarray(times)
    if bounds is not None and bounds.shape == (len(times), 2) and all(
            hasattr(value, "calendar") for value in bounds.ravel()):
        lower, upper = _lower_upper(bounds)
        lengths = np.array([(high - low).total_seconds() for low, high in zip(lower, upper)])
        return lengths if len(lengths) and lengths.min() > 0 else None
    step = axis_time_step(times)
    if step is None or step.months > 1:
        return None
    found = inferred_cells(times, step)
    if found is not None:
        return np.array([(high - low).total_seconds() for low, high in found[0]])
    if step is not None and not step.months and not _HOUR < step.duration < _DAY:
        return np.full(len(times), step.duration.total_seconds())
    return None


_HOUR, _DAY = datetime.timedelta(hours=1), datetime.timedelta(days=1)

#: The key of a time coordinate's ``encoding`` holding the step (:meth:`TimeStep.record`) its
#: values have when the axis itself cannot tell (a single time step): a trained model's
#: step, given to new data by ``predict`` and ``evaluate --data``; see :func:`with_known_step`.
KNOWN_STEP_KEY = "climann_known_time_step"


def with_known_step(dataset: xr.Dataset, step: TimeStep | None) -> xr.Dataset:
    """``dataset`` with ``step`` recorded on its time coordinate (:data:`KNOWN_STEP_KEY`), for
    :func:`season_feature_times` to infer the cell of a time the axis gives no step for;
    unchanged when ``step`` is None or there is no time coordinate."""
    return _with_step_recorded(dataset, step, KNOWN_STEP_KEY)


#: The key of a time coordinate's ``encoding`` that says its values are new data for a trained
#: run (``predict``, ``evaluate --data``; :func:`for_trained_run`): the run's features are fixed,
#: and a ``season`` the run was trained with is the season of each new date, however far apart
#: the dates are (a real-time forecast of one start a year; break41c C3).
TRAINED_RUN_KEY = "climann_trained_run"


def for_trained_run(dataset: xr.Dataset) -> xr.Dataset:
    """``dataset`` with its time coordinate marked as new data for a trained run
    (:data:`TRAINED_RUN_KEY`); unchanged when there is no time coordinate.

    Parameters
    ----------
    dataset : xarray.Dataset
        New data, opened.

    Returns
    -------
    xarray.Dataset
        The same values and attributes; the time coordinate's encoding holds the key.
    """
    name = time_coordinate(dataset)
    if name is None:
        return dataset
    time = dataset[name]
    marked = xr.Variable(time.dims, time.values, time.attrs, {**time.encoding, TRAINED_RUN_KEY: True})
    return dataset.assign_coords({name: marked})


def _with_step_recorded(dataset: xr.Dataset, step: TimeStep | PeriodStep | None, key: str) -> xr.Dataset:
    """``dataset`` with ``step`` recorded under ``key`` of its time coordinate's ``encoding``;
    unchanged when ``step`` is None or there is no time coordinate."""
    name = time_coordinate(dataset)
    if step is None or name is None:
        return dataset
    time = dataset[name]
    recorded = xr.Variable(time.dims, time.values, time.attrs, {**time.encoding, key: step.record()})
    return dataset.assign_coords({name: recorded})


#: The key of a time coordinate's ``encoding`` holding the step (:meth:`TimeStep.record`) of
#: the axis before the run's own time selection thinned it (``time_stride``, ``months``): the
#: values are still cells of that step, now further apart; see :func:`with_value_step`.
VALUE_STEP_KEY = "climann_value_time_step"


def with_value_step(dataset: xr.Dataset, step: TimeStep | None) -> xr.Dataset:
    """``dataset`` with ``step``, the step its values had before a time selection thinned the
    axis, recorded on its time coordinate (:data:`VALUE_STEP_KEY`): monthly means kept every
    other month (``time_stride = 2``) are 1-month cells 2 months apart, which the kept axis
    alone (a step of 2 months) cannot tell when the file has no time bounds. Unchanged when
    ``step`` is None or there is no time coordinate."""
    return _with_step_recorded(dataset, step, VALUE_STEP_KEY)


#: The key of a time coordinate's ``encoding`` holding the calendar of periods that restart each
#: year or month (:class:`~climann.data.time_axis.PeriodStep`: CPC's pentads, dekads, MODIS's
#: composites) the axis was of before the run's own time selection thinned it; see
#: :func:`with_value_periods`.
VALUE_PERIODS_KEY = "climann_value_periods"


def with_value_periods(dataset: xr.Dataset, periods: PeriodStep | None) -> xr.Dataset:
    """``dataset`` with ``periods``, the calendar of periods its values were of before a time
    selection thinned the axis, recorded on its time coordinate (:data:`VALUE_PERIODS_KEY`):
    CPC's pentads kept every other pentad (``time_stride = 2``) are still pentads, each of its
    own place in the year, which the kept axis alone (10 days apart, 73 a year shifting by one
    each year) cannot tell: keyed by its spacing, each "10-day period of the year" pooled two
    pentads. Unchanged when ``periods`` is None or there is no time coordinate."""
    return _with_step_recorded(dataset, periods, VALUE_PERIODS_KEY)


#: The key of a time coordinate's ``encoding`` holding the run's ``time_stride`` (an int above
#: 1): the series kept steps ``time_stride`` steps of the axis before it
#: (:class:`~climann.data.time_axis.TimeStride`); see :func:`with_time_stride`.
TIME_STRIDE_KEY = "climann_time_stride"


def with_time_stride(dataset: xr.Dataset, time_stride: int) -> xr.Dataset:
    """``dataset`` with the run's ``time_stride`` recorded on its time coordinate
    (:data:`TIME_STRIDE_KEY`): persistence forecasts each value kept with the value one step of
    the series kept earlier, ``time_stride`` steps of the axis before the stride, found by those
    steps even where a step missing from the file shifts the steps kept. Unchanged for a
    stride of 1 or without a time coordinate."""
    name = time_coordinate(dataset)
    if time_stride <= 1 or name is None:
        return dataset
    time = dataset[name]
    encoding = {**time.encoding, TIME_STRIDE_KEY: int(time_stride)}
    return dataset.assign_coords({name: xr.Variable(time.dims, time.values, time.attrs, encoding)})


#: The key of a time coordinate's ``encoding`` saying that the run's ``months``/``seasons``
#: chose its steps by their stamps (``[data] selection_dated_by = "stamp"``, runs trained
#: before 3 December 2026), not by their time cells' middles; see :func:`with_selection_by_stamps`.
SELECTED_BY_STAMPS_KEY = "climann_selected_by_stamps"


def with_selection_by_stamps(dataset: xr.Dataset) -> xr.Dataset:
    """``dataset`` with its time coordinate marked as chosen by the stamps' months
    (:data:`SELECTED_BY_STAMPS_KEY`), so that the warnings naming the selection as a cause
    judge it as it chose (:meth:`climann.data.layout.GridLayout.selection_dates`)."""
    name = time_coordinate(dataset)
    if name is None:
        return dataset
    time = dataset[name]
    encoding = {**time.encoding, SELECTED_BY_STAMPS_KEY: True}
    return dataset.assign_coords({name: xr.Variable(time.dims, time.values, time.attrs, encoding)})


#: The key of a time coordinate's ``encoding`` holding how many steps at its start lie before
#: the chosen period (``--time-range``): read only for persistence and the lags of the
#: period's first steps, never scored or trained on; see :func:`with_steps_before_range`.
STEPS_BEFORE_RANGE_KEY = "climann_steps_before_range"


#: The key of a time coordinate's ``encoding`` holding how many of the steps before the chosen
#: period (:data:`STEPS_BEFORE_RANGE_KEY`), the first, lie before the variables' common period
#: (:data:`STEPS_BEFORE_COMMON_KEY`): only the target's files hold values there, the other
#: variables' lags read there are missing (:func:`climann.data.pointwise.lags_without_values_read_before`).
STEPS_READ_BEFORE_COMMON_KEY = "climann_steps_read_before_common"


def with_steps_before_range(dataset: xr.Dataset, n_steps: int, *, before_common: int = 0) -> xr.Dataset:
    """``dataset`` with ``n_steps``, the steps at the start of its time axis read from before
    the chosen period, recorded on its time coordinate (:data:`STEPS_BEFORE_RANGE_KEY`), and how
    many of them, the first, lie before the variables' common period (``before_common``,
    :data:`STEPS_READ_BEFORE_COMMON_KEY`, when any); unchanged when ``n_steps`` is 0."""
    if not n_steps:
        return dataset
    name = time_coordinate(dataset)
    time = dataset[name]
    encoding = {**time.encoding, STEPS_BEFORE_RANGE_KEY: int(n_steps)}
    if before_common:
        encoding[STEPS_READ_BEFORE_COMMON_KEY] = int(before_common)
    return dataset.assign_coords({name: xr.Variable(time.dims, time.values, time.attrs, encoding)})


#: The key of a time coordinate's ``encoding`` holding how many steps at its start lie before the
#: variables' common period: the target's steps observed before a forecast's first valid times,
#: kept for persistence only (:func:`climann.data.time_axes.on_common_time_steps` ``earlier``) until
#: the time selection reads as many of them as are needed before the run's period and records those
#: as steps before the range (:func:`climann.data.subset.select_time`); see :func:`with_steps_before_common`.
STEPS_BEFORE_COMMON_KEY = "climann_steps_before_common"


def with_steps_before_common(dataset: xr.Dataset, n_steps: int) -> xr.Dataset:
    """``dataset`` with ``n_steps``, the steps at the start of its time axis from before the
    variables' common period, recorded on its time coordinate (:data:`STEPS_BEFORE_COMMON_KEY`);
    without the record when ``n_steps`` is 0."""
    name = time_coordinate(dataset)
    if name is None or (not n_steps and STEPS_BEFORE_COMMON_KEY not in dataset[name].encoding):
        return dataset
    time = dataset[name]
    encoding = {key: value for key, value in time.encoding.items() if key != STEPS_BEFORE_COMMON_KEY}
    if n_steps:
        encoding[STEPS_BEFORE_COMMON_KEY] = int(n_steps)
    return dataset.assign_coords({name: xr.Variable(time.dims, time.values, time.attrs, encoding)})


def steps_before_common(dataset: xr.Dataset) -> int:
    """How many steps at the start of ``dataset``'s time axis lie before the variables' common
    period (:func:`with_steps_before_common`); 0 when none is recorded."""
    name = time_coordinate(dataset)
    return 0 if name is None else int(dataset[name].encoding.get(STEPS_BEFORE_COMMON_KEY, 0))


#: Who stamps each cell at its start, for the warning of :func:`season_feature_times`, by what
#: each value is over its cell (:func:`~climann.data.cell_methods.time_value_word`): CDO's
#: operator of that statistic, never an average for totals (``monsum``: a monthly precipitation
#: total is no mean; fix36c).
_STAMPED_SO = {"month": {
    "mean": "as ERA5 and CDO, e.g. monmean with setday,1, stamp them",
    "total": "as ERA5 and CDO, e.g. monsum with setday,1, stamp them",
    "value": "as ERA5 and CDO's monthly statistics, e.g. monmax or monmin with setday,1, stamp them",
}}


def season_feature_times(
    time: xr.DataArray, *, dated_by: str, segment_starts: np.ndarray | None = None, known_step: TimeStep | None = None,
    value_step: TimeStep | None = None, instants: bool = False, value_word: str = "mean", window_ends: str = "",
    files: Sequence[str] = (), value_periods: PeriodStep | None = None, shown_from: int = 0,
) -> np.ndarray:
    """The dates the ``season`` and ``year`` features are computed from, one per time step.

    With ``dated_by="cell_middle"`` each step is dated by the middle of its time cell (CF 7.1):
    a mean belongs to the time of year of the interval it averages, not to the instant the
    file stamps it with. When the time has CF bounds the coordinate already holds the middles
    (:func:`times_at_cell_middles`) and is used as it is; without bounds the cell is inferred
    from the axis's nominal step (:func:`inferred_cells`), so that monthly means stamped on the
    1st, on the 15th or at their bounds' middles get the same features. A reading of stamps at
    the first instant of a month (or day) that could also be the end of the previous cell
    (CESM history files) is said in one note: ``time_bnds`` in the file settle it. With
    ``dated_by="stamp"`` (models trained before the dating was recorded) the stamps are used.
    When the axis has no step of its own (a single time step), ``known_step`` is taken: a
    trained model's step, so that one monthly mean stamped on the 1st gets the features it
    has within a longer series. When a time selection thinned the axis, the cells are those of
    ``value_step``, the step the values had: monthly means kept every other month
    (``time_stride = 2``) are calendar months 2 months apart, and February stamped on the 1st
    is dated 15 February, as in a whole series and in new data given to ``predict``, not
    2 March, the middle of a 2-month cell (and December not 1 January of the next year).

    Parameters
    ----------
    time : xarray.DataArray, shape (n_time,)
        The layout's time coordinate, decoded to cftime (its ``bounds`` attribute kept).
    dated_by : {"cell_middle", "stamp"}
    segment_starts : ndarray of int, shape (n_time,), optional
        Each step's dataset (:func:`climann.data.layout.segment_starts`), for the nominal step.
    known_step : TimeStep, optional
        The step of the values when the axis cannot tell it (:data:`KNOWN_STEP_KEY`).
    value_step : TimeStep, optional
        The step before a time selection thinned the axis (:data:`VALUE_STEP_KEY`).
    instants : bool
        Whether the values are instantaneous (:func:`~climann.data.instant_values.holds_instants`),
        for the words of the warning about stamps at the start of their cells.
    value_word : {"mean", "mean rate", "total", "value"}
        What each value is over its cell (:func:`~climann.data.cell_methods.time_value_word`),
        for the same warning: a monthly sum is read as the total of its month, not its mean; a rate (mm/month) its
        mean rate.
    window_ends : str
        What says each value is over the window ending at its stamp, "" when nothing does
        (:func:`~climann.data.window_totals.window_end_reason`: WRF's totals over ``prec_acc_dt``
        windows, GloFAS's "Mean discharge in the last 24 hours"), for the same warning.
    files : sequence of str
        The files the values were read from, for the line of that warning that writes time
        bounds into a copy of each (``IN.nc OUT.nc`` when none is given: data built in memory).
    value_periods : PeriodStep, optional
        The calendar of periods the values are of when the axis cannot show it (a selection
        thinned it, :data:`VALUE_PERIODS_KEY`; one step of a run trained on periods): each
        step's cell is its period (:func:`inferred_cells`).

    shown_from : int
        The first step the warnings name (a step read from before ``--time-range`` for
        persistence and lags, :data:`STEPS_BEFORE_RANGE_KEY`, is none of the period asked for:
        break52a A6 named 2004-12-31 of a 2005 prediction).

    Returns
    -------
    ndarray of cftime.datetime, shape (n_time,)
    """
    stamps = np.asarray(time.values)
    if dated_by == "stamp" or "bounds" in time.attrs:
        return stamps
    step = value_step or value_periods or axis_time_step(stamps, segment_starts=segment_starts) or known_step
    ending = ending_middles(stamps, step, window_ends)
    if ending is not None:
        _note_ending_stamps(str(time.name), stamps, ending, window_ends=window_ends, value_word=value_word,
                            file_time=_file_time(time), files=files)
        return ending
    found = inferred_cells(stamps, step)
    if found is None:
        _note_stamped_seasons(str(time.name), stamps, step)
        return stamps
    cells, doubt = found
    shown = _shown(shown_from, stamps)
    if not time.attrs.get("climatology"):  # a climatology's bounds give its periods (break55b A6)
        _note_start_stamps(str(time.name), stamps[shown], doubt, instants=instants, value_word=value_word,
                           files=files, cells=cells[shown])
    return cell_middles(stamps, cells)


def season_score_times(
    time: xr.DataArray, *, segment_starts: np.ndarray | None = None, known_step: TimeStep | None = None,
    value_step: TimeStep | None = None, instants: bool = False, value_word: str = "mean", window_ends: str = "",
    files: Sequence[str] = (), value_periods: PeriodStep | None = None, shown_from: int = 0,
) -> np.ndarray:
    """The dates the scores per season (``metrics.json``'s ``seasons``) take each step's month
    from: the middle of its time cell (CF 7.1), the date the ``season`` feature gives it
    (:func:`season_feature_times` with ``dated_by="cell_middle"``). A mean over a cell belongs
    to the season of the interval it averages: weekly means stamped at the start of their
    7 days (ERA5) put the week stamped 26 February, whose middle is 1 March, in MAM, as the
    season feature does, not in DJF.

    With CF bounds the coordinate already holds the middles (:func:`times_at_cell_middles`);
    without, the cells are inferred (:func:`inferred_cells`) from the step of the values:
    ``value_step`` when a time selection thinned the axis (monthly means kept every other
    month are still calendar months, not 2-month cells), else the axis's nominal step, else
    ``known_step``; the stamps when no cell can be inferred. The warning that the stamps are
    read as the starts of their cells is given when that moves a step into another season.

    Parameters
    ----------
    time : xarray.DataArray, shape (n_time,)
        The layout's time coordinate, decoded to cftime (its ``bounds`` attribute kept).
    segment_starts : ndarray of int, shape (n_time,), optional
        Each step's dataset (:func:`climann.data.layout.segment_starts`), for the nominal step.
    known_step, value_step : TimeStep, optional
        The step of the values when the axis cannot tell it (:data:`KNOWN_STEP_KEY`), and the
        step before a time selection thinned the axis (:data:`VALUE_STEP_KEY`).
    instants : bool
        Whether the values are instantaneous, for the words of the warning (see
        :func:`season_feature_times`).
    value_word : {"mean", "mean rate", "total", "value"}
        What each value is over its cell, for the same warning (see :func:`season_feature_times`).
    window_ends : str
        What says each value is over the window ending at its stamp (see
        :func:`season_feature_times`).
    files : sequence of str
        The files the values were read from (see :func:`season_feature_times`).
    value_periods : PeriodStep, optional
        The calendar of periods of the values when the axis cannot show it (see
        :func:`season_feature_times`); by default the one recorded on ``time``
        (:data:`VALUE_PERIODS_KEY`), else the one its times are of.

    shown_from : int
        The first step the warnings name (a step read from before ``--time-range`` for
        persistence and lags, :data:`STEPS_BEFORE_RANGE_KEY`, is none of the period asked for:
        break52a A6 named 2004-12-31 of a 2005 prediction).

    Returns
    -------
    ndarray of cftime.datetime, shape (n_time,)
    """
    stamps = np.asarray(time.values)
    if "bounds" in time.attrs:
        return stamps
    recorded = getattr(time, "encoding", {}).get(VALUE_PERIODS_KEY)  # a dataset's time (a layout's: value_periods)
    if value_periods is None and recorded is not None:
        value_periods = PeriodStep.from_record(recorded)
    step = value_step or value_periods or axis_time_step(stamps, segment_starts=segment_starts) or known_step
    ending = ending_middles(stamps, step, window_ends)
    if ending is not None:
        if any(_season_of(middle) != _season_of(stamp) for middle, stamp in zip(ending, stamps)):
            _note_ending_stamps(str(time.name), stamps, ending, window_ends=window_ends, value_word=value_word,
                                file_time=_file_time(time), files=files)
        return ending
    found = inferred_cells(stamps, step)
    middles = None if found is None else cell_middles(stamps, found[0])
    if middles is None:
        return stamps
    if not time.attrs.get("climatology") and any(
            _season_of(middle) != _season_of(stamp) for middle, stamp in zip(middles, stamps)):
        shown = _shown(shown_from, stamps)
        _note_start_stamps(str(time.name), stamps[shown], found[1], instants=instants, value_word=value_word,
                           files=files, cells=found[0][shown])
    return middles


def _shown(first: int, stamps: np.ndarray) -> slice:
    """The steps a warning names: from ``first`` (the period asked for), all when none is left."""
    return slice(first if 0 <= first < len(stamps) else 0, None)


def ending_middles(stamps: np.ndarray, step: TimeStep | None, window_ends: str) -> np.ndarray | None:
    """The middle of the window ending at each stamp, ``stamp - window / 2``, for values that are
    each over the window ending at their stamp (``window_ends``,
    :func:`~climann.data.window_totals.window_end_reason`); None for any other values, and on an
    axis of calendar months or of no known step (:func:`~climann.data.window_totals.ending_window`).

    GloFAS's ``dis24`` ("Mean discharge in the last 24 hours") stamped 1 March 00 UTC is the mean
    of 28 February: dated by the day beginning at its stamp, it was scored in MAM, not DJF, and
    its season feature was a day late (fix47d).

    Parameters
    ----------
    stamps : ndarray of cftime.datetime, shape (n_time,)
    step : TimeStep or None
        The axis's nominal step (:func:`~climann.data.time_axis.axis_time_step`).
    window_ends : str
        What says each value is over the window ending at its stamp, "" when nothing does.

    Returns
    -------
    ndarray of cftime.datetime, shape (n_time,), or None

    Examples
    --------
    >>> stamps = np.array([cftime.DatetimeGregorian(2019, 3, 1), cftime.DatetimeGregorian(2019, 3, 2)])
    >>> step = TimeStep(duration=datetime.timedelta(days=1))
    >>> [date.isoformat() for date in ending_middles(stamps, step, "its long_name 'dis in the last 24 hours'")]
    ['2019-02-28T12:00:00', '2019-03-01T12:00:00']
    """
    fixed = step.duration if step is not None and not step.months else None
    window = ending_window(window_ends, fixed)
    if window is None or not len(stamps) or not all(hasattr(stamp, "calendar") for stamp in stamps):
        return None
    return np.array([stamp - window / 2 for stamp in stamps], dtype=object)


def period_dates(stamps: np.ndarray, middles: np.ndarray) -> np.ndarray:
    """The dates by which each step is counted in its year and period: the train/val/test split
    by years, the blocks' printed periods and ``--time-range``. They are the dates of its season
    (``middles``: :func:`season_score_times`, the middle of its time cell), so that one step is
    of one year everywhere: GloFAS's ``dis24`` stamped 1 January 2019 00 UTC, the mean of
    31 December 2018, is in the block of 2018 as in 2018's DJF (fix47j: it was in the next
    block, ``train 2017-01-02 to 2018-12-31``). Only a step whose cell lies before its stamp (its
    middle earlier: a window ending at the stamp) takes its middle; a stamp that opens its cell or
    lies inside it dates it (a week stamped 29 December is of December, a month stamped on the 15th
    is in a ``--time-range`` ending that day). On an axis of steps a year or more apart
    (:func:`~climann.data.multiyear_steps.years_apart`), or of one step, which has no seasons,
    the stamps: a decadal mean stamped 1 January 1900 is of 1900, not of its middle, 1905.

    Parameters
    ----------
    stamps, middles : ndarray of cftime.datetime, shape (n_time,)

    Returns
    -------
    ndarray of cftime.datetime, shape (n_time,)
    """
    stamps = np.asarray(stamps)
    if len(stamps) < 2 or not all(hasattr(stamp, "calendar") for stamp in stamps[:1]) or years_apart(stamps):
        return stamps
    middles = np.asarray(middles)
    # a stamp that opens or lies inside its cell dates it: a middle taken for it moved a weekly mean stamped
    # 29 December into the next year, and a month stamped on the 15th out of a --time-range ending on that day
    return np.where(middles < stamps, middles, stamps)


def _file_time(time: object) -> tuple[str, str]:
    """The time's variable and dimension names in its file (:func:`file_time_names`), or its own
    names for a coordinate that keeps no encoding."""
    if hasattr(time, "encoding") and hasattr(time, "dims"):
        return file_time_names(time)
    return str(time.name), str(time.name)


def _note_ending_stamps(name: str, stamps: np.ndarray, middles: np.ndarray, *, window_ends: str,
                        value_word: str = "mean", file_time: tuple[str, str] | None = None,
                        files: Sequence[str] = ()) -> None:
    """Warn once that values without bounds said to be over the window ending at their stamps
    (``window_ends``: GloFAS's "Mean discharge in the last 24 hours", WRF's ``prec_acc_dt``
    totals) are dated so: each by the middle of that window (``middles``, :func:`ending_middles`),
    the value stamped 1 March 00 UTC in February; with the line that writes those windows as time
    bounds (``file_time``: the time's variable and dimension names, when the files do not say
    theirs) on a copy of each of ``files`` (``IN.nc OUT.nc`` when none is known). That line is
    given in full in ``climann info`` (:func:`~climann.data.notes.notes_in_full`) or when no file is
    known; a run's warning is one line that points to ``climann info`` and to ``train.log``, where the
    line is written at INFO (fix47m: dis24's warning was ~1 100 characters on every run)."""
    window = 2 * (stamps[0] - middles[0])
    span = _window_words(window)
    said = (f"values are {window_ends}, each the total of the {span} ending at its stamp" if window_ends == WRF_WINDOWS
            else f"values are {_of_the_cell(value_word)} of the {span} ending at its stamp, as {window_ends} says")
    variable, dimension = file_time or (name, name)

    cell = f"[time - {span if span[0].isdigit() else '1 ' + span}, time]"

    def own_name() -> str:
        # the files' own name of their time: dis24's valid_time merged onto ERA5's time was called 'time' (fix47j)
        own = {found[0] for file in files if (found := _own_time_names(file, variable, dimension)) is not None}
        return own.pop() if len(own) == 1 else variable

    def warning(advice: str) -> str:
        return (f"'{own_name()}' has no bounds and is stamped at the end of each {span} ({date_text(stamps[0])}, …): "
                f"its {said} (the value stamped {date_text(stamps[0])} is that of the {span} before it); its season "
                f"and year are those of the middle of the {span} before its stamp "
                f"({date_text(middles[0])}); time bounds {cell} date each value by its own {span}{advice}")

    def line() -> str:
        return _ending_bounds_advice(variable, dimension, files, window=window)

    key = ("stamped at the end of each", name, span)
    # the line that writes the bounds: in full in climann info (and where no file is known, IN.nc OUT.nc); a run
    # points to it and to train.log, where it made dis24's warning ~1 100 characters on every run (fix47m)
    if in_full() or not files:
        note_once(_log, logging.WARNING, lambda: warning(f": {line()}"), key=key)
        return
    note_once(_log, logging.WARNING, lambda: warning(" (the line that writes them: climann info on the files, "
                                                     "train.log)"), key=key)
    note_once(_log, logging.INFO, lambda: f"'{own_name()}' stamped at the end of each {span}: time bounds {cell} "
              f"(CF 7.1) date each value by its own {span}: {line()}",
              key=("bounds of the windows ending at the stamps", name, span))


def _window_words(window: datetime.timedelta) -> str:
    """``day``, ``hour`` or ``6 hours``: a window's length in words."""
    if window == _DAY:
        return "day"
    hours = window.total_seconds() / 3600
    return "hour" if hours == 1 else f"{hours:g} hours"


def _ending_bounds_advice(variable: str, dimension: str, files: Sequence[str], *,
                          window: datetime.timedelta = _DAY) -> str:
    """The line that gives each time the bounds of the ``window`` ending at it, [time - window,
    time], on a copy of each of ``files`` (one file: beside it; several: a loop into a new folder),
    as every other corrected copy is advised (rerun40: it printed ``IN OUT`` where the user's file
    belonged). Each file's line names the file's own time variable and dimension
    (:func:`_own_time_names`): GloFAS's ``valid_time`` merged beside ERA5's ``time`` was named
    ``time``, a name dis24's file does not have (fix47d). ``variable`` and ``dimension`` are the
    names given when no file is known. A file without a time axis (GloFAS's static ``uparea``
    beside its ``dis24``) is given as it is: the line would fail on it, and its copy be missing
    from the folder of copies; so is a file whose time has bounds already (IMERG's days beside
    GloFAS's ``dis24``)."""
    hours = window.total_seconds() / 3600
    names = {file: found for file in files if (found := _own_time_names(file, variable, dimension)) is not None}
    if not names:
        return ending_day_bounds_command(variable, "IN.nc OUT.nc", dimension=dimension, hours=hours)

    def line(arguments: str, file: str) -> str:
        own_variable, own_dimension = names[str(file)]
        return ending_day_bounds_command(own_variable, arguments, dimension=own_dimension, hours=hours)

    if len(names) == 1 and is_zarr_store(next(iter(names))):  # a store's copy is written beside it (xarray_command)
        (file,) = names
        arguments = input_and_copy(file)
        return line(arguments, file) + in_place_note(arguments)
    return copies_of_files(line, list(names), name="time_bounded")  # one file's copy too in a folder (fix53a)


def _own_time_names(file: str, variable: str, dimension: str) -> tuple[str, str] | None:
    """The names of ``file``'s time variable and dimension, ``(variable, dimension)`` when the file
    has that dimension, else its one dimension coordinate in dates (units ``UNIT since DATE``);
    None when it has none, or its time has bounds already. ``(variable, dimension)`` when the
    file cannot be read here (the line is then given for it as before: a GRIB file, a Zarr store)."""
    from climann.data.handles import open_netcdf

    try:
        with open_netcdf(Path(file), decode_cf=False) as header:
            if dimension not in header.sizes:
                dated = [name for name in header.sizes if name in header.variables
                         and " since " in str(header[name].attrs.get("units", ""))]
                if len(dated) != 1:
                    return None
                variable = dimension = dated[0]
            elif variable not in header.variables:
                variable = dimension
            # a file whose time has bounds already needs none: IMERG's days beside GloFAS's dis24 were to be
            # given the day before as bounds, one day off (fix46o)
            bounded = variable in header.variables and "bounds" in header[variable].attrs
            return None if bounded else (variable, dimension)
    except Exception:  # noqa: BLE001 — an unreadable file is refused with its own message when opened
        return variable, dimension


def _season_of(time: cftime.datetime) -> int:
    """The meteorological season of a date, 0 (DJF) to 3 (SON)."""
    return time.month % 12 // 3


def _note_start_stamps(name: str, stamps: np.ndarray, doubt: str, *, instants: bool = False,
                       value_word: str = "mean", files: Sequence[str] = (), cells: np.ndarray | None = None) -> None:
    """Warn once that stamps at the first instant of a month (or day) without bounds are read
    as opening their cell (``doubt``: its length; "" says nothing); of ``instants`` (GRIB
    ``stepType`` instant, ``time: point``), that each value is the field at its stamp, not a
    mean over the cell (break34a A6), and only its season is taken from the cell; of others, that
    each is the ``value_word`` (mean, total, value) of the cell beginning there (break35b D2: a
    monthly sum was called a mean), with the line that bounds each by the cell ending at its
    stamp instead, on a copy of each of ``files``. Values said to be over the window ending at
    their stamps are warned of by :func:`_note_ending_stamps`. A period of a calendar (``doubt`` a
    pentad, dekad or N-day composite, :func:`period_doubt`) is said with its ``cells`` (shape
    (n_time, 2)) by :func:`_every_period_assumed`."""
    if doubt and not instants and period_doubt(doubt) and cells is not None:
        note_once(_log, logging.WARNING, _every_period_assumed(name, stamps, cells, doubt, value_word=value_word),
                  key=("stamped at the start of each", name, doubt))
    elif doubt and instants:
        note_once(_log, logging.WARNING, (
            f"'{name}' has no bounds and is stamped at the start of each {doubt} ({date_text(stamps[0])}, …): its "
            f"values are instantaneous (GRIB_stepType instant, cell_methods time: point, or a WRF history field), each "
            f"the value at its "
            f"stamp, its valid time; its season (in the scores per season and the season and year features) is "
            f"taken from the middle of the {doubt} beginning there"),
            key=("stamped at the start of each", name, doubt))
    elif doubt and doubt[0].isdigit():  # every n days or months: a mean over them, or one day's value every n
        note_once(_log, logging.WARNING, _every_n_assumed(name, stamps, doubt, value_word=value_word),
                  key=("stamped at the start of each", name, doubt))
    elif doubt:
        stamped_so = _STAMPED_SO.get(doubt, {}).get(value_word.removesuffix(" rate"), "as ERA5 stamps them")
        # the command that bounds each value by the cell ending at its stamp (break43b A6: none was given): in full
        # in climann info; a run points to it and to train.log, since it made the warning of every ISIMIP run
        # 900 characters (break47a)
        fix = bool(files) and doubt in _FREQUENCIES
        said = (f"'{name}' has no bounds and is stamped at the start of each {doubt} ({date_text(stamps[0])}, …): "
                f"each value is read as {_of_the_cell(value_word)} of the {doubt} beginning there ({stamped_so}); a "
                f"file stamped at the end of each {doubt} (CESM history files, ECHAM and ICON raw output) needs "
                f"time_bnds")
        if fix and in_full():
            note_once(_log, logging.WARNING, lambda: f"{said}: {closing_bounds_advice(files, _FREQUENCIES[doubt])}",
                      key=("stamped at the start of each", name, doubt))
            return
        note_once(_log, logging.WARNING, said + (" (the line that writes them: climann info on the files, train.log)"
                                                 if fix else ""),
                  key=("stamped at the start of each", name, doubt))  # once, whichever step of the axis it first names
        if fix:
            note_once(_log, logging.INFO, lambda: f"'{name}' stamped at the start of each {doubt}: "
                      f"{closing_bounds_advice(files, _FREQUENCIES[doubt])}",
                      key=("bounds of the cells ending at the stamps", name, doubt))

#: The frequency (:mod:`climann.data.step_periods`) of each cell that a stamp may open or close.
_FREQUENCIES = {"month": "monthly", "day": "daily"}


def _of_the_cell(value_word: str) -> str:
    """``the mean``, ``the total``, or ``that`` (of the month …) for any other value."""
    return "that" if value_word == "value" else f"the {value_word}"


def _every_period_assumed(name: str, stamps: np.ndarray, cells: np.ndarray, period: str, *,
                          value_word: str = "mean") -> str:
    """The warning for an axis without bounds of a calendar of periods (CPC's pentads, dekads,
    MODIS's 8-day composites) stamped at each period's first instant: each value is read as that of
    the period beginning at its stamp, to the next period's start, and dated by the period's middle
    for its month and season, as weekly stamps at 00:00 are read (:func:`_every_n_assumed`;
    break49e A1), with the first step that reading moves into another month."""
    days = sorted({round((high - low).total_seconds() / 86400.0, 6) for low, high in cells})
    named = [f"{day:g}" for day in days]
    lengths = (named[0] if len(named) == 1 else f"{', '.join(named[:-1])} or {named[-1]}") + (
        " day" if days == [1] else " days")
    middles = np.array([low + (high - low) / 2 for low, high in cells], dtype=object)
    moved = np.flatnonzero([(s.year, s.month) != (m.year, m.month) for s, m in zip(stamps, middles)])
    example = "" if not moved.size else (
        f": the {period} stamped {date_text(stamps[moved[0]])} (middle {date_text(middles[moved[0]])}) counts in "
        f"{calendar.month_name[middles[moved[0]].month]} {year_text(middles[moved[0]].year)}")
    return (f"'{name}' has no bounds and is stamped at the start of each {period} ({date_text(stamps[0])}, …): each "
            f"value is read as {_of_the_cell(value_word)} of the {period} beginning at its stamp, to the next "
            f"{period}'s start ({lengths}), and dated by that {period}'s middle for --months, --seasons, the scores "
            f"per season and the season and year features{example}; a file stamped at the end of each {period} needs "
            f"time_bnds (CF 7.1), and [data] selection_dated_by = \"stamp\" chooses the months by the stamps")


def _every_n_assumed(name: str, stamps: np.ndarray, doubt: str, *, value_word: str = "mean") -> str:
    """The warning for an axis without bounds with one value every ``doubt`` (``2 days``,
    ``3 months``) stamped at the start of a day or month: its cells are assumed, not known
    (break29a A6: NSIDC's SMMR-era sea ice is one day's value every other day, not a mean of
    2 days); what is assumed, its effect, and the bounds that say otherwise (CF 7.1)."""
    unit = "day" if doubt.endswith("days") else "month"
    return (f"'{name}' has no bounds and holds one value every {doubt}, each stamped at the start of a {unit} "
            f"({date_text(stamps[0])}, …): nothing in the file says whether a value is {_of_the_cell(value_word)} of "
            f"the {doubt} beginning "
            f"at its stamp or one {unit}'s value every {doubt} (NSIDC's SMMR-era sea ice: every other day), so it is "
            f"assumed to be {_of_the_cell(value_word)} of the {doubt} beginning there, and its season (in the scores "
            f"per season and the "
            f"season and year features) is that of those {doubt}' middle; if each value is one {unit}'s, say so with "
            f"time bounds of that {unit} (time_bnds [stamp, stamp + 1 {unit}], CF 7.1); a file stamped at the end of "
            f"each {doubt} (CESM history files) needs time_bnds too")


def time_bounds_name(dataset: xr.Dataset) -> str | None:
    """The name of the CF bounds variable of the dataset's time (CF 7.1), None without one."""
    name = time_coordinate(dataset)
    bounds_name = None if name is None else str(dataset[name].attrs.get("bounds"))
    return bounds_name if bounds_name in dataset.variables else None


def on_common_time_cells(datasets: Sequence[xr.Dataset], names: Sequence[str]) -> list[xr.Dataset]:
    """Datasets to be put one after another along time (the split blocks), each dated as it
    would be on its own, with the same time-cell variables so that they concatenate.

    Each dataset is dated by :func:`times_at_cell_middles` (nothing changes for one already
    dated). When some have CF bounds of time (CF 7.1) and others have none, the bounds are
    dropped from all, with one warning, and the concatenated time axis has no bounds for any
    step rather than for some: a dataset without bounds is dated by the middles of the cells
    its own step implies (:func:`inferred_cells`; a monthly stamp on the 1st opening its
    month, said in the same warning as for a single such file), so that its season and year
    features are those it has on its own, where its step is known; else by its stamps. When some keep
    their file's stamps in :data:`FILE_TIME_COORDINATE` (stamps at the starts or ends of
    the cells), the others' stamps are their times.

    Parameters
    ----------
    datasets : sequence of xarray.Dataset
        Each with a time coordinate along one dimension, times decoded to cftime, and its
        bounds variables in memory.
    names : sequence of str
        What each dataset was read from, for the warning.

    Returns
    -------
    list of xarray.Dataset
        In the order given.
    """
    datasets = [times_at_cell_middles(dataset, name) for dataset, name in zip(datasets, names)]
    bounds = [time_bounds_name(dataset) for dataset in datasets]
    if any(bounds) and not all(bounds):
        with_bounds = next(name for name, bound in zip(names, bounds) if bound)
        without = next(name for name, bound in zip(names, bounds) if not bound)
        note_once(_log, logging.WARNING, (
            f"{without} has no time bounds while {with_bounds} has ('{next(filter(None, bounds))}'): each is dated "
            "as on its own (by its cells' middles where the bounds give them, by the cells its time step implies "
            "elsewhere) and the time bounds are dropped for all"
        ))
        datasets = [_without_time_bounds(dataset, bound) if bound else _at_inferred_cell_middles(dataset)
                    for dataset, bound in zip(datasets, bounds)]
    if any(FILE_TIME_COORDINATE in dataset.coords for dataset in datasets):
        datasets = [dataset if FILE_TIME_COORDINATE in dataset.coords else _stamped_at_times(dataset)
                    for dataset in datasets]
    return datasets


def _at_inferred_cell_middles(dataset: xr.Dataset) -> xr.Dataset:
    """The dataset (time without bounds) with its time at the middles of the cells its step
    implies (:func:`inferred_cells`) and its stamps in :data:`FILE_TIME_COORDINATE`; unchanged
    without a step that implies cells (a single time, irregular times) or when the stamps are
    the middles."""
    name = time_coordinate(dataset)
    time = dataset[name]
    stamps = np.asarray(time.values)
    step = axis_time_step(stamps) if time.ndim == 1 else None
    found = inferred_cells(stamps, step)
    if found is None:
        _note_stamped_seasons(str(name), stamps, step)
    middles = None if found is None else cell_middles(stamps, found[0])
    if middles is None or all(middles == stamps):
        return dataset
    _note_start_stamps(str(name), stamps, found[1], cells=found[0])
    at_middles = xr.Variable(time.dims, middles, time.attrs, time.encoding)
    return dataset.assign_coords({name: at_middles, FILE_TIME_COORDINATE: (time.dims, stamps)})


def _without_time_bounds(dataset: xr.Dataset, bounds_name: str) -> xr.Dataset:
    """The dataset without its time bounds variable, and its time without the ``bounds`` attribute."""
    name = time_coordinate(dataset)
    time = dataset[name]
    attrs = {key: value for key, value in time.attrs.items() if key != "bounds"}
    unbounded = xr.Variable(time.dims, time.values, attrs, time.encoding)
    return dataset.drop_vars(bounds_name).assign_coords({name: unbounded})


def _stamped_at_times(dataset: xr.Dataset) -> xr.Dataset:
    """The dataset with its times as the file's stamps (:data:`FILE_TIME_COORDINATE`)."""
    name = time_coordinate(dataset)
    return dataset.assign_coords({FILE_TIME_COORDINATE: (dataset[name].dims, dataset[name].values)})
