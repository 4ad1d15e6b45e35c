"""Time stamps stored in a floating type too coarse for their step (float32 ``days since 1850``).

A float32 has a 24-bit significand: at 55 000 days since 1850-01-01 (the 2000s) the spacing
of its representable values (``numpy.spacing``) is 2⁻⁸ day, about 5.6 minutes. An hourly
stamp (1/24 day is no binary fraction) is then stored up to 2.8 minutes off its hour, the
steps look irregular (0.039 and 0.043 days), and everything counted by the step (lags,
persistence, the climatology per hour of day) goes wrong. NetCDF stores what it is given
(NetCDF User Guide, "Data Types": ``float`` is 32-bit IEEE 754), and xarray or netCDF4 write
float32 time when asked to.

When the time variable is stored in a floating type whose precision at its largest stamp
(``numpy.spacing`` of the stored type times the unit) exceeds a millionth of the step (for
float64 it is some ten thousand times finer), and every stamp lies within that precision of one regular grid
(origin + k · step, the step being the spacing of the stamps rounded to whole hours, minutes
or seconds, the first of these that fits), the stamps are put on that grid, with one warning
naming the cause. Stamps farther from the grid than the precision stay as they are: a truly
irregular axis is not made regular. Where the precision is too coarse to place the stamps
(more than a quarter of the step), :func:`coarse_storage` says so, for the refusal of lags
on the irregular axis.
"""

from __future__ import annotations

import datetime
import re

import cftime
import numpy as np

from climann.data.shell import ncap2_command, ncap2_name, values_command, xarray_data, xarray_values
from climann.data.time_axis import TimeStep, year_text
from climann.data.time_values import COMMAND_FILES_PLACEHOLDER, FILE_PLACEHOLDER

#: A stored precision finer than this fraction of the step is exact enough (every float64 axis).
NEGLIGIBLE_FRACTION = 1e-6

#: A stored precision coarser than this fraction of the step cannot tell a stamp on the grid
#: from one off it.
PLACEABLE_FRACTION = 0.25

#: Whole units the step is rounded to, coarsest first (seconds).
_STEP_UNITS = (3600, 60, 1)


#: Stamps this close to a whole second (s) are read as that second (:func:`on_whole_seconds`).
WHOLE_SECOND_TOLERANCE = 0.1

#: Only axes whose usual spacing is at least this long (s) have stamps put on whole seconds.
_WHOLE_SECOND_STEPS = 60.0


def on_whole_seconds(values: np.ndarray, units: str, calendar: str) -> np.ndarray | None:
    """Time values within :data:`WHOLE_SECOND_TOLERANCE` (0.1 s) of a whole second since the
    reference date put on that second; None when none is moved.

    A stamp meant for 12:00 or the 1st at 00:00 but stored as a float number of days carries
    whatever rounding its conversions left: double ``days since`` holds a day's stamp to a few
    microseconds, a fraction of a day computed in float32 and stored as double is off by up to
    some milliseconds (1e-7 day is 8.6 ms), a MATLAB datenum by some tens of microseconds. Read
    as they are, such stamps change what is derived from them: 11:59:59.999 and 12:00:00.001
    make a daily axis irregular, 10:59:59.999 falls in hour 10, 23:59:59.991 on 31 December
    dates a monthly value a month early. No time step or key climann derives is finer than a
    second (the hour, day or month of a stamp, its time of day in whole seconds), so a stamp
    within a tenth of a second of a whole second can only mean that second; stamps off by more
    (a satellite day's mean observation time, minutes from 12:00) are left as they are. Only
    axes whose usual spacing is a minute or more (every climate axis) are concerned: a
    sub-second series keeps its stamps.

    Parameters
    ----------
    values : ndarray of float64, shape (n_time,) or (n_time, 2)
        Stamps (or time-cell bounds) in ``units``, finite.
    units, calendar : str
        ``<unit> since <date>`` and the CF calendar.

    Returns
    -------
    ndarray of float64 or None
        The values, those within the tolerance of a whole second replaced by it, in ``units``.
    """
    per_unit = unit_seconds(units, calendar)
    if per_unit is None or values.size < 2 or not np.all(np.isfinite(values)):
        return None
    seconds = values * per_unit
    spacings = np.abs(np.diff(np.ravel(seconds if seconds.ndim == 1 else seconds[:, 0])))
    if not spacings.size or float(np.median(spacings)) < _WHOLE_SECOND_STEPS:
        return None
    whole = np.round(seconds)
    near = np.abs(seconds - whole) <= WHOLE_SECOND_TOLERANCE
    snapped = np.where(near, whole / per_unit, values)
    return None if np.array_equal(snapped, values) else snapped


def unit_seconds(units: str, calendar: str) -> float | None:
    """Seconds per unit of ``<unit> since <date>`` (86400 for ``days since …``), from cftime's
    reading of the units; None when cftime cannot read them."""
    try:
        zero, one = cftime.num2date([0, 1], units, calendar=calendar)
    except (ValueError, TypeError):
        return None
    return (one - zero).total_seconds()


def stored_precision(values: np.ndarray, dtype: np.dtype, seconds_per_unit: float) -> float | None:
    """The spacing of the values the stored type can hold at the largest stamp, in seconds;
    None for an integer type (exact).

    Parameters
    ----------
    values : ndarray of float, shape (n_time,)
        The stored time values, finite.
    dtype : numpy.dtype
        The type they are stored in (``float32``, ``float64``, …).
    seconds_per_unit : float
        Seconds per unit of the time units (:func:`unit_seconds`).
    """
    if not np.issubdtype(dtype, np.floating) or values.size == 0:
        return None
    largest = dtype.type(np.max(np.abs(values)))
    return float(np.spacing(largest)) * seconds_per_unit


def _on_grid(seconds: np.ndarray, step: float, precision: float) -> np.ndarray | None:
    """The grid origin + k · step nearest the stamps (origin in whole seconds), or None when a
    stamp lies farther than ``precision`` from it or two stamps share a grid point."""
    positions = np.round((seconds - seconds[0]) / step)
    if np.any(np.diff(positions) < 1):
        return None
    origin = np.round(seconds[0] + np.median(seconds - seconds[0] - positions * step))
    grid = origin + positions * step
    return grid if np.max(np.abs(seconds - grid)) <= precision else None


def regular_grid(seconds: np.ndarray, precision: float) -> tuple[np.ndarray, float] | None:
    """The regular grid the stamps are stored within ``precision`` of, and its step.

    The step is the mean of the spacings that are one step (within twice the precision of
    their median; longer ones are gaps), rounded to whole hours, minutes or seconds: the
    first of these whose grid holds every stamp.

    Parameters
    ----------
    seconds : ndarray of float64, shape (n_time,)
        The stamps in seconds since the reference date, increasing.
    precision : float
        The stored precision in seconds (:func:`stored_precision`).

    Returns
    -------
    (grid, step) or None
        ``grid`` of float64, shape (n_time,), whole seconds since the reference date when the
        step is; ``step`` in seconds. None when no regular grid holds the stamps, or the
        precision is too coarse (over :data:`PLACEABLE_FRACTION` of the step) to tell.
    """
    if seconds.size < 2:
        return None
    spacings = np.diff(seconds)
    typical = float(np.median(spacings))
    if typical <= 0 or precision > PLACEABLE_FRACTION * typical:
        return None
    estimate = _mean_step(spacings, precision)
    if estimate is None:
        return None
    for unit in _STEP_UNITS:
        step = round(estimate / unit) * unit
        grid = _on_grid(seconds, step, precision) if step > 0 else None
        if grid is not None:
            return grid, float(step)
    return None


def _mean_step(spacings: np.ndarray, precision: float) -> float | None:
    """The mean of the spacings that are one step, those within twice the stored precision of
    their median (longer ones are gaps): each stamp is off by up to the precision, but over a
    run of steps the errors cancel, leaving the error of its two ends. None when no spacing is
    near their median: steps that alternate, as twice-weekly starts 3 and 4 days apart (an even
    count of them has the median 3.5 days, which no step is), have no one step."""
    typical = float(np.median(spacings))
    steps = spacings[np.abs(spacings - typical) <= 2 * precision]
    return float(np.mean(steps)) if steps.size else None


def _duration(seconds: float) -> str:
    """"5.6 min", "42 s", "1.5 h"."""
    if seconds < 60:
        return f"{seconds:.2g} s"
    return f"{seconds / 60:.2g} min" if seconds < 3600 else f"{seconds / 3600:.2g} h"


def _step_name(step: float) -> str:
    return TimeStep(duration=datetime.timedelta(seconds=step)).name


def _storage(name: str, dtype: np.dtype, precision: float, year: int) -> str:
    return f"time '{name}' is stored as {dtype} (precision ≈ {_duration(precision)} at {year_text(year)})"


def rounded_stamps(
    name: str, values: np.ndarray, dtype: np.dtype, units: str, calendar: str
) -> tuple[np.ndarray, str] | None:
    """Time values stored too coarsely for their step, put on their regular grid, and the
    warning to give; None when the values stay as stored (exact enough, exactly on the grid
    already, or not within the stored precision of one regular grid).

    Parameters
    ----------
    name : str
        The time variable.
    values : ndarray of float64, shape (n_time,)
        Its values, finite and increasing, in ``units``.
    dtype : numpy.dtype
        The type they were stored in.
    units, calendar : str
        Its ``units`` (``<unit> since <date>``) and calendar.

    Returns
    -------
    (values, warning) or None
        ``values`` of float64, shape (n_time,), in ``units``; ``warning`` one line with
        :data:`climann.data.time_values.FILE_PLACEHOLDER` for the file's name and
        :data:`~climann.data.time_values.COMMAND_FILES_PLACEHOLDER` for its command's files.
    """
    found = _grid_of(values, dtype, units, calendar)
    if found is None:
        return None
    grid, step, precision, per_unit = found
    rounded = grid / per_unit
    if np.array_equal(rounded, values):
        return None
    year = cftime.num2date(float(values.max()), units, calendar=calendar).year
    per_step = per_unit / step
    own = ncap2_name(name)
    fix = (f"`{ncap2_command([_rounding_script(own, f'{per_step:g}')], COMMAND_FILES_PLACEHOLDER)}`"
           if per_step == round(per_step) and np.all(np.mod(grid, step) == 0) else "writing it again from the source")
    warning = (f"{FILE_PLACEHOLDER}: {_storage(name, dtype, precision, year)}: stamps rounded to the "
               f"{_step_name(step)} step (at most {_duration(float(np.max(np.abs(grid - values * per_unit))))} "
               f"each); store time as double, e.g. {fix}")
    return rounded, warning


def _rounding_script(own: str, per_step: str) -> str:
    """The ncap2 script that puts the stamps of the time ``own`` (as ncap2 names it) on the grid
    of ``per_step`` steps per unit, as double: ``time=round(double(time)*24)/24``."""
    return f"{own}=round(double({own})*{per_step})/{per_step}"


#: The command of :func:`rounded_stamps`'s warning, its files not yet known (:data:`COMMAND_FILES_PLACEHOLDER`),
#: for a time that ncap2 names bare.
_ROUNDING_COMMAND = re.compile(r"`ncap2 -s '(?P<own>[A-Za-z_][A-Za-z0-9_]*)=round\(double\((?P=own)\)"
                               r"\*(?P<per>[^)]+)\)/(?P=per)' " + re.escape(COMMAND_FILES_PLACEHOLDER) + "`")


def with_rounding_commands(text: str, files: str) -> str:
    """``text`` (a warning of :func:`rounded_stamps`) with its command on ``files`` (``IN OUT``,
    :func:`~climann.data.shell.input_and_copy`), before the rest of it is given its file
    (:meth:`climann.data.time_values.TimeValuesError.in_file`): the ncap2 as it is for a NetCDF file; for a
    Zarr store the xarray line that writes the rounded stamps as double in a copy
    (:func:`~climann.data.shell.values_command`; the ``dtype`` the store gave them dropped,
    :func:`~climann.data.shell.xarray_values`)."""
    def command(found: re.Match) -> str:
        own, per = found["own"], found["per"]
        rounded = xarray_values(own, f"({xarray_data(own)}.astype('f8') * {per}).round() / {per}")
        return f"`{values_command([_rounding_script(own, per)], [rounded], files)}`"

    return _ROUNDING_COMMAND.sub(command, text)


def rounded_bounds(
    name: str, values: np.ndarray, dtype: np.dtype, units: str, calendar: str
) -> tuple[np.ndarray, str] | None:
    """Time-cell bounds (CF §7.1) stored too coarsely for their step, each column put on its
    regular grid as :func:`rounded_stamps` puts the stamps, and the warning to give; None when
    they stay as stored (exact enough, on their grids already, or either column not within
    the stored precision of one regular grid: then neither is moved).

    Without it, float32 bounds of float32 hourly stamps stayed up to half the precision off
    the rounded stamps: the cells (3375 s and 3712 s long) no longer held their stamps at their
    ends, and the values were dated an half-hour off those of the float64 twin.

    Parameters
    ----------
    name : str
        The bounds variable.
    values : ndarray of float64, shape (n_time, 2)
        Its values in ``units``.
    dtype, units, calendar
        As for :func:`rounded_stamps`.

    Returns
    -------
    (values, warning) or None
        ``values`` of float64, shape (n_time, 2).
    """
    if values.ndim != 2 or values.shape[1] != 2 or not np.all(np.isfinite(values)):
        return None
    found = [_grid_of(values[:, column], dtype, units, calendar) for column in (0, 1)]
    if any(column is None for column in found):
        return None
    rounded = np.stack([grid / per_unit for grid, _, _, per_unit in found], axis=1)
    if np.array_equal(rounded, values):
        return None
    _, step, precision, per_unit = found[0]
    year = cftime.num2date(float(values.max()), units, calendar=calendar).year
    moved = float(np.max(np.abs(rounded - values))) * per_unit
    warning = (f"{FILE_PLACEHOLDER}: {_storage(name, dtype, precision, year)}: cell bounds rounded to the "
               f"{_step_name(step)} grid as the stamps are (at most {_duration(moved)} each)")
    return rounded, warning


def _grid_of(
    values: np.ndarray, dtype: np.dtype, units: str, calendar: str
) -> tuple[np.ndarray, float, float, float] | None:
    """(grid in seconds, step in seconds, precision in seconds, seconds per unit) of values
    stored coarser than a negligible fraction of their step, or None."""
    if values.size >= 2 and np.all(np.diff(values) < 0):  # a descending axis: its grid read newest first
        found = _grid_of(values[::-1], dtype, units, calendar)
        return None if found is None else (found[0][::-1], *found[1:])
    per_unit = unit_seconds(units, calendar)
    precision = None if per_unit is None else stored_precision(values, dtype, per_unit)
    if precision is None or values.size < 2 or np.any(np.diff(values) <= 0):
        return None
    seconds = values * per_unit
    if precision <= NEGLIGIBLE_FRACTION * float(np.median(np.diff(seconds))):
        return None
    found = regular_grid(seconds, precision)
    return None if found is None else (*found, precision, per_unit)


def coarse_storage(name: str, values: np.ndarray, dtype: np.dtype, units: str, calendar: str) -> str | None:
    """Why an axis has no regular step when its storage is the cause: ``time 't' is stored
    as float32 (precision ≈ 5.6 min at 2004), too coarse for steps of about 15 min``, when
    the stored precision exceeds :data:`PLACEABLE_FRACTION` of the spacing of the stamps
    (they cannot be put on a grid, see :func:`regular_grid`); None otherwise: finer storage
    puts stamps on their grid or leaves them where they are for another reason.

    Parameters are those of :func:`rounded_stamps`.
    """
    per_unit = unit_seconds(units, calendar)
    precision = None if per_unit is None else stored_precision(values, dtype, per_unit)
    if precision is None or values.size < 2:
        return None
    spacings = np.abs(np.diff(values)) * per_unit  # (a descending axis alike)
    if not precision > PLACEABLE_FRACTION * float(np.median(spacings)) > 0:
        return None
    year = cftime.num2date(float(np.max(values)), units, calendar=calendar).year
    step = _mean_step(spacings, precision) or float(np.median(spacings))
    return f"{_storage(name, dtype, precision, year)}, too coarse for steps of about {_duration(step)}"
