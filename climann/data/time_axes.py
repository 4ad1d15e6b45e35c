"""Variables of different files at different time steps: their common period, or a refusal.

climann needs every time-varying variable at the same time steps (a sample pairs the
target's map with the predictors' maps of the same step). Files holding different variables
are compared, from their time coordinates alone, before they are combined:

- the same steps over different periods (``tas`` 1990–1995, ``rsdt`` 1991–1996): only the
  common period is used, with a warning naming each variable's period and the steps left out.
  The configuration's ``time_range`` is applied after the files are combined, so it can only
  choose within that period; training on the years every variable covers is what a scientist
  would do by hand;
- different frequencies (a daily predictor beside a monthly target): refused, naming both
  frequencies and the ``cdo`` command that averages the finer one to the coarser;
- the same months (or days, or years) stamped at different instants (ERA5 stamps a monthly
  mean on the 1st at 00:00, CMIP on the 16th): refused. Aligning them by month would be
  right for ERA5 and wrong by one month for CESM history files, which stamp each monthly
  mean at the *end* of its interval, the 1st of the next month; the stamps alone cannot tell
  which, so the user restamps one file (``cdo settaxis``) knowing where it comes from;
- anything else (a month missing from one variable, periods that do not overlap): refused,
  naming the first step held by one variable only, or the two variables whose periods do
  not overlap (the one that ends first and the one that begins last).

Only the variables a run uses (its target, predictors, lagged, area-mean and anomaly
variables) count, when the caller names them: a variable nobody asked for (``huss`` in one
year's file only) neither narrows the period nor blocks the run; it is left out where its
steps are not the others'. A file whose steps all lie outside the common period keeps its
static fields (``orog`` beside an unused series of other years).

Frequencies are judged from the median step (28–31 days is monthly in every CF calendar);
:func:`xarray.infer_freq` is not used because it names no frequency for mid-month stamps.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr

from climann.data.coords import time_coordinate
from climann.data.shell import input_and_copy
from climann.data.time_axis import TimeStep, axis_time_step, cell_time_step, values_text
from climann.data.time_overlap import date_text
from climann.data.variables import data_variable_names
from climann.errors import ClimannError

_log = logging.getLogger(__name__)

_SAME_STEPS = "climann needs every variable at the same time steps"

#: Frequency name → (the cdo command averaging finer data to it, cdo settaxis increment).
_FREQUENCIES = {"yearly": ("yearmean", "1year"), "monthly": ("monmean", "1mon"), "daily": ("daymean", "1day")}


@dataclass(frozen=True)
class _Axis:
    """One variable's time axis: its sorted distinct steps, the first file holding it."""

    variable: str
    file: str | Path
    times: np.ndarray

    @property
    def step_days(self) -> float | None:
        """The median step in days (None for a single step)."""
        if len(self.times) < 2:
            return None
        return float(np.median([(b - a).total_seconds() for a, b in zip(self.times[:-1], self.times[1:])])) / 86400

    @property
    def frequency(self) -> str | None:
        days = self.step_days
        if days is None:
            return None
        if 359 <= days <= 366:
            return "yearly"
        if 28 <= days <= 31:
            return "monthly"
        if 0.99 <= days <= 1.01:
            return "daily"
        hours = days * 24
        return f"{hours:g}-hourly" if days < 1 else f"{days:g}-daily"

    def label(self, time: object) -> object:
        """The period a step stands for at this frequency: its year, month or day (else the step)."""
        kind = self.frequency
        if kind == "yearly":
            return (time.year,)
        if kind == "monthly":
            return (time.year, time.month)
        if kind == "daily":
            return (time.year, time.month, time.day)
        return time

    def text(self, time: object) -> str:
        """The date of a step as precisely as its frequency needs (``1990-01`` for monthly)."""
        label = self.label(time)
        return "-".join(f"{part:0{4 if i == 0 else 2}d}" for i, part in enumerate(label)) if isinstance(
            label, tuple) else date_text(time)

    @property
    def period(self) -> str:
        return f"{self.text(self.times[0])} to {self.text(self.times[-1])}"


def _time_axes(datasets: Sequence[xr.Dataset], names: Sequence[str | Path]) -> tuple[str | None, list[_Axis]]:
    """The time dimension's name and each time-varying variable's axis, in the order of the files."""
    steps: dict[str, set] = {}
    first_file: dict[str, str | Path] = {}
    time_name = None
    for dataset, name in zip(datasets, names):
        if (time := time_coordinate(dataset)) is None:
            continue
        if time not in dataset.dims or time not in dataset.indexes:
            continue
        time_name = time
        values = dataset.indexes[time].values
        for variable in data_variable_names(dataset):
            if time in dataset[variable].dims:
                steps.setdefault(variable, set()).update(values)
                first_file.setdefault(variable, name)
    return time_name, [_Axis(v, first_file[v], np.array(sorted(steps[v]), dtype=object)) for v in steps]


def _listed(parts: Sequence[str]) -> str:
    return ", ".join(parts[:-1]) + f" and {parts[-1]}" if len(parts) > 1 else parts[0]


def averaging_advice(file: str | Path, frequency: str) -> str:
    """How to average the finer data of ``file`` to ``frequency`` (``"monthly"``…): the cdo
    command when there is one, e.g. ``e.g. monthly means with `cdo monmean daily.nc daily_monthly.nc```
    (the file as :func:`climann.data.shell.shown_path` gives it, the means written beside it)."""
    command = _FREQUENCIES.get(frequency, (None, None))[0]
    return (f"e.g. {frequency} means with `cdo {command} {input_and_copy(file, frequency)}`" if command
            else "e.g. with xarray's Dataset.resample")


def _frequency_refusal(first: _Axis, other: _Axis) -> ClimannError:
    coarse, fine = (first, other) if first.step_days > other.step_days else (other, first)
    how = averaging_advice(fine.file, coarse.frequency)
    return ClimannError(
        f"{first.variable} is {first.frequency} ({first.period}) and {other.variable} {other.frequency} "
        f"({other.period}): {_SAME_STEPS}; bring {fine.variable} to {coarse.frequency} steps first, {how}"
    )


def _instants_text(axis: _Axis, times: np.ndarray) -> str:
    """Where in its period each step is stamped: "on the 16th", "at 12:00", "on days 15 to 16"."""
    if axis.frequency == "daily":
        hours = sorted({f"{t.hour:02d}:{t.minute:02d}" for t in times})
        return f"at {hours[0]}" if len(hours) == 1 else f"at {hours[0]} to {hours[-1]}"
    if axis.frequency == "yearly":
        days = sorted({f"{t.month:02d}-{t.day:02d}" for t in times})
        return f"on {days[0]}" if len(days) == 1 else f"on {days[0]} to {days[-1]}"
    days = sorted({t.day for t in times})
    clocks = {f"{t.hour:02d}:{t.minute:02d}" for t in times}
    clock = f" at {clocks.pop()}" if len(clocks) == 1 and "00:00" not in clocks else ""
    on = f"on the {_ordinal(days[0])}" if len(days) == 1 else f"on days {days[0]} to {days[-1]}"
    return on + clock


def _ordinal(day: int) -> str:
    return f"{day}{'th' if 10 <= day % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(day % 10, 'th')}"


def _stamps_refusal(first: _Axis, other: _Axis) -> ClimannError:
    periods = {"monthly": "months", "daily": "days", "yearly": "years"}[first.frequency]
    uniform = len({(t.day, t.hour, t.minute) if first.frequency == "monthly" else (t.hour, t.minute)
                   for t in first.times}) == 1
    if uniform and first.frequency in ("monthly", "daily"):
        start, model = other.times[0], first.times[0]
        day = model.day if first.frequency == "monthly" else start.day
        how = (f"`cdo settaxis,{start.year:04d}-{start.month:02d}-{day:02d},{model.hour:02d}:{model.minute:02d}:00,"
               f"{_FREQUENCIES[first.frequency][1]} {input_and_copy(other.file, 'restamped')}`")
    else:
        how = f"in xarray, assign_coords with {first.variable}'s times"
    return ClimannError(
        f"the same {periods} are stamped at different instants ({first.variable} {_instants_text(first, first.times)}, "
        f"{other.variable} {_instants_text(other, other.times)}): {_SAME_STEPS}, and the stamps cannot tell whether "
        f"a step dates its own period or, stamped at its end as in CESM files, the one before; if {other.variable}'s "
        f"stamps date their own {periods}, give it {first.variable}'s: {how}"
    )


def _no_overlap_refusal(axes: Sequence[_Axis]) -> ClimannError:
    """Naming the variable whose period ends first and the one whose period begins last
    (two that do not overlap; the first of ``axes``, the target, first when it is one)."""
    first = axes[0]
    ends_first = min(axes, key=lambda axis: first.label(axis.times[-1]))
    begins_last = max(axes, key=lambda axis: first.label(axis.times[0]))
    one, other = sorted((ends_first, begins_last), key=lambda axis: axis is not first)
    return ClimannError(
        f"{one.variable} ({one.period}) and {other.variable} ({other.period}) cover periods that do not "
        f"overlap: {_SAME_STEPS}; give files of a common period"
    )


def _steps_refusal(first: _Axis, other: _Axis, start: object, end: object) -> ClimannError:
    mine = {first.label(t): t for t in first.times if start <= first.label(t) <= end}
    theirs = {first.label(t): t for t in other.times if start <= first.label(t) <= end}
    label = min(set(mine) ^ set(theirs))
    holder, time = (first, mine[label]) if label in mine else (other, theirs[label])
    return ClimannError(
        f"{first.variable} ({first.period}, {len(first.times)} {first.frequency or ''} steps) and {other.variable} "
        f"({other.period}, {len(other.times)} {other.frequency or ''} steps) are not at the same time steps: "
        f"{holder.text(time)} is in {holder.variable} only; {_SAME_STEPS}; give them the same steps (e.g. cdo "
        f"seldate or cdo delete on one file)"
    )


def _check_same_steps(axes: Sequence[_Axis]) -> None:
    """Refuse (see the module description) unless every axis has the first's steps within the
    common period."""
    first = axes[0]
    for other in axes[1:]:
        if first.frequency and other.frequency and first.frequency != other.frequency:
            raise _frequency_refusal(first, other)
    start = max(first.label(axis.times[0]) for axis in axes)
    end = min(first.label(axis.times[-1]) for axis in axes)
    if start > end:
        raise _no_overlap_refusal(axes)
    for other in axes[1:]:
        mine = [t for t in first.times if start <= first.label(t) <= end]
        theirs = [t for t in other.times if start <= first.label(t) <= end]
        if [first.label(t) for t in mine] != [first.label(t) for t in theirs]:
            raise _steps_refusal(first, other, start, end)
        if mine != theirs:
            raise _stamps_refusal(first, other)


def on_common_time_steps(
    datasets: Sequence[xr.Dataset], names: Sequence[str | Path], *, target: str | None = None,
    variables: Collection[str] | None = None,
) -> list[xr.Dataset]:
    """The datasets (one per file, or group of files) restricted to the period every
    time-varying variable covers, when their steps agree there (see the module description).

    Parameters
    ----------
    datasets : sequence of xarray.Dataset
        Lazy, to be combined; static fields (no time dimension) pass unchanged.
    names : sequence of str or Path
        The file of each dataset, for the commands of the messages.
    target : str, optional
        The variable whose steps the others are compared with (and told to take when
        restamped); without it, the first file's first variable.
    variables : collection of str, optional
        The variables the caller uses (the run's target, predictors, lagged, area-mean and
        anomaly variables): only these count for the common period and the checks; any
        other time-varying variable whose steps there are not theirs is dropped (named at
        the INFO level). Without it, every time-varying variable counts.

    Returns
    -------
    list of xarray.Dataset
        The same datasets when every counted variable has the same steps; else each
        restricted (lazily) to the common period, after a warning, and those left without a
        step (or a variable) dropped.

    Raises
    ------
    ClimannError
        If two variables are at different frequencies, stamp the same periods at different
        instants, or have different steps within their common period (or none in common),
        naming both variables, their periods and the way out.
    """
    time, every_axis = _time_axes(datasets, names)
    every_axis.sort(key=lambda axis: axis.variable != target)
    axes = [axis for axis in every_axis if variables is None or axis.variable in variables]
    if not axes or all(np.array_equal(axis.times, axes[0].times) for axis in every_axis):
        return list(datasets)
    if len(axes) > 1:
        _check_same_steps(axes)
    start = max(axis.times[0] for axis in axes)
    end = min(axis.times[-1] for axis in axes)
    used = {axis.variable for axis in axes}
    datasets = _without_unused(datasets, [axis for axis in every_axis if axis.variable not in used], axes[0],
                               start, end)
    if not all(np.array_equal(axis.times, axes[0].times) for axis in axes[1:]):
        _warn_common_period(axes, start, end)
    result = []
    for dataset in datasets:
        if time not in dataset.dims or time not in dataset.indexes:
            result.append(dataset)
            continue
        values = dataset.indexes[time].values
        inside = np.flatnonzero([start <= t <= end for t in values])
        if len(inside):
            result.append(dataset.isel({time: inside}) if len(inside) < len(values) else dataset)
        elif (static := dataset.drop_dims(time)).data_vars:
            result.append(static)  # its static fields (orog beside an unused series of other years) stay
    return result


def _warn_common_period(axes: Sequence[_Axis], start: object, end: object) -> None:
    """Warn that only the common period of the variables' ``axes`` is used."""
    kept = sum(1 for t in axes[0].times if start <= t <= end)
    periods = [f"{axis.variable} ({axis.period})" for axis in axes]
    left_out = [f"{len(axis.times) - kept} of {axis.variable}'s {len(axis.times)}" for axis in axes
                if len(axis.times) > kept]
    _log.warning(
        "%s cover different periods: only their common period, %s to %s, is used (%s steps left out); "
        "[data] time_range chooses within it", _listed(periods), axes[0].text(start), axes[0].text(end),
        _listed(left_out),
    )


def _without_unused(
    datasets: Sequence[xr.Dataset], unused: Sequence[_Axis], used: _Axis, start: object, end: object
) -> list[xr.Dataset]:
    """``datasets`` without each ``unused`` variable whose steps from ``start`` to ``end`` are
    not those of the ``used`` one (it would not combine), and without the datasets left
    holding no variable; said at the INFO level."""
    common = [t for t in used.times if start <= t <= end]
    dropped = [axis for axis in unused if [t for t in axis.times if start <= t <= end] != common]
    if not dropped:
        return list(datasets)
    _log.info("%s, which the run does not use, left out: not at the time steps of %s", _listed(
        [f"{axis.variable} ({axis.period})" for axis in dropped]), used.variable)
    names = {axis.variable for axis in dropped}
    result = []
    for dataset in datasets:
        kept = dataset.drop_vars([name for name in dataset.data_vars if name in names])
        if kept.data_vars or not dataset.data_vars:
            result.append(kept)
    return result


def _file_values(dataset: xr.Dataset, time: str) -> tuple[TimeStep | None, TimeStep | None]:
    """What one file's values are: the length of their time cells (CF 7.1 bounds,
    :func:`~climann.data.time_axis.cell_time_step`; None without bounds) and their spacing
    (:func:`~climann.data.time_axis.axis_time_step`; None for a single or irregular time)."""
    times = np.asarray(dataset.indexes[time].values)
    bounds_name = str(dataset[time].attrs.get("bounds"))
    bounds = np.asarray(dataset[bounds_name].values) if bounds_name in dataset.variables else None
    return (cell_time_step(bounds) if bounds is not None else None), axis_time_step(times)


def _same_values(first: tuple[TimeStep | None, TimeStep | None],
                 other: tuple[TimeStep | None, TimeStep | None]) -> bool:
    """Whether two files' values (cells, spacing) can be one series: the same cells (or,
    either file without bounds, the same spacing); a file without bounds whose values lie
    further apart than the other's cells may hold a subset of them (January means), so it is
    not told apart. Unknown on either side: not compared."""
    (cells, spacing), (other_cells, other_spacing) = first, other
    values, other_values = cells or spacing, other_cells or other_spacing
    if values is None or other_values is None or values == other_values:
        return True
    if cells is None and other_cells is not None and spacing.approximate_days > other_cells.approximate_days:
        return True
    return other_cells is None and cells is not None and other_spacing.approximate_days > cells.approximate_days


def check_one_step_per_variable(datasets: Sequence[xr.Dataset], names: Sequence[str | Path]) -> None:
    """Refuse files of the same variables (one per period) whose values are of different time
    steps: monthly means followed by daily means are not one series, whatever their names.

    What a file's values are is the length of their time cells when the file has CF time
    bounds (section 7.1), else the spacing of its times (as ``predict`` judges new data
    against a run, :func:`climann.workflow.new_data.check_time_step`). A file with a single
    time step, or times without a regular step, is not compared; nor is a file without bounds
    whose values lie further apart than another's cells (a subset of months, January means).
    Gaps of missing steps keep a file's step (a monthly file without 2004 is monthly).

    Parameters
    ----------
    datasets : sequence of xarray.Dataset
        One per file, their time bounds (if any) readable.
    names : sequence of str or Path
        The file of each dataset.

    Raises
    ------
    ClimannError
        Naming two such files, what each holds and the way out: average the finer file to the
        coarser step (``cdo monmean``), or use files of one step.
    """
    groups: dict[frozenset, list[tuple[str | Path, tuple]]] = {}
    for dataset, name in zip(datasets, names):
        time = time_coordinate(dataset)
        if time is None or time not in dataset.dims or time not in dataset.indexes:
            continue
        bounds = str(dataset[time].attrs.get("bounds"))
        variables = frozenset(variable for variable in data_variable_names(dataset) if variable != bounds)
        groups.setdefault(variables, []).append((name, _file_values(dataset, time)))
    for variables, files in groups.items():
        for name, values in files[1:]:
            if not _same_values(files[0][1], values):
                raise _one_step_refusal(sorted(variables), files[0], (name, values))


def _one_step_refusal(variables: Sequence[str], first: tuple, other: tuple) -> ClimannError:
    """The refusal of :func:`check_one_step_per_variable` for two files (name, (cells, spacing))."""
    def holds(values: tuple) -> str:
        cells, spacing = values
        described = values_text(cells, spacing)
        return described if described.startswith("values ") else f"{described} values"

    (coarse, coarse_values), (fine, fine_values) = sorted(
        (first, other), key=lambda file: -(file[1][0] or file[1][1]).approximate_days)
    coarse_step = coarse_values[0] or coarse_values[1]
    return ClimannError(
        f"the files of {_listed(variables)} are at different time steps ({Path(str(first[0])).name} holds "
        f"{holds(first[1])}, {Path(str(other[0])).name} {holds(other[1])}): {_SAME_STEPS}, one series; bring "
        f"{Path(str(fine)).name} to {coarse_step.name} steps first, {averaging_advice(fine, coarse_step.name)}, "
        f"or give files of one time step"
    )
