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
from pathlib import Path


from climann.data.shell import input_and_copy
from climann.errors import ClimannError

#: The frequencies (:attr:`climann.data.time_axes._Axis.frequency`) whose steps are paired by
#: period, and for each: the period, where its first instant is, and the shift that moves a
#: stamp closing a period into it (CDO's ``shifttime``).
_PERIODS = {
    "yearly": ("year", "on 1 January at 00:00", "-1day"),
    "monthly": ("month", "on the 1st at 00:00", "-1day"),
    "daily": ("day", "at 00:00", "-12hour"),
}

_SECOND = datetime.timedelta(seconds=1)


def period_start(time: object, frequency: str) -> object:
    """The first instant of the calendar year, month or day (``frequency`` ``"yearly"``,
    ``"monthly"``, ``"daily"``) holding ``time`` (a cftime date), in its calendar."""
    midnight = time.replace(hour=0, minute=0, second=0, microsecond=0)
    if frequency == "daily":
        return midnight
    return midnight.replace(day=1) if frequency == "monthly" else midnight.replace(month=1, day=1)


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


def _date(time: object) -> str:
    text = f"{time.year:04d}-{time.month:02d}-{time.day:02d}"
    return text + (f" {time.hour:02d}:{time.minute:02d}" if time.hour or time.minute else "")


def unknown_periods_refusal(
    frequency: str, unsure: tuple[str, str | Path, object], known: tuple[str, str | Path, object, tuple | None],
) -> ClimannError:
    """The refusal of a variable stamped on its periods' first instants without bounds beside
    one whose periods are known, when the two readings of the stamps pair them differently.

    Parameters
    ----------
    frequency : {"yearly", "monthly", "daily"}
    unsure : (str, str or Path, cftime.datetime)
        The variable, the file holding its first such stamp, and that stamp.
    known : (str, str or Path, cftime.datetime, (cftime.datetime, cftime.datetime) or None)
        The other variable, its first file, its first stamp there and that step's cell (its
        bounds; None when the stamp lies inside its period).

    Returns
    -------
    ClimannError
        One line naming both files' stamps and the ``cdo settbounds`` command for each
        reading (CDO's ``settbounds`` gives the calendar period holding each stamp; a stamp
        closing a period is first moved into it with ``shifttime``).
    """
    period, first_instant, back = _PERIODS[frequency]
    variable, file, stamp = unsure
    other, other_file, other_stamp, cell = known
    if cell is None:
        how = f"from its stamps inside them ({Path(str(other_file)).name}: {_date(other_stamp)})"
    else:
        how = (f"from its time bounds ({Path(str(other_file)).name}: {_date(other_stamp)} for the cell "
               f"{_date(min(cell))} to {_date(max(cell))})")
    files = input_and_copy(file, "bounds")
    return ClimannError(
        f"{Path(str(file)).name} stamps {variable} {first_instant} without time bounds ({_date(stamp)}, …), and a "
        f"stamp there may open its {period} (ERA5) or close the {period} before (CESM history files), while "
        f"{other}'s {period}s are known {how}: paired by {period}, the two readings put each {variable} value one "
        f"{period} apart, and climann does not guess; give {Path(str(file)).name} time bounds: if each value is of the "
        f"{period} beginning at its stamp `cdo settbounds,{period} {files}`, if of the {period} ending there "
        f"`cdo -settbounds,{period} -shifttime,{back} {files}`"
    )
