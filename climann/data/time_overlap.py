"""Times held twice: files of one variable that overlap in time, and repeated times in a file.

Combining such files along time would give a time axis with repeated dates (or fail with a
misleading error). They are found from the files' time coordinates (and their CF bounds)
alone, before the files are combined, and resolved as the ``[data] overlap`` setting says:

- ``"error"`` (default): refuse, naming the files (or the file) and the periods;
- ``"first"``: keep the values of the file that starts earlier (in a file, the first of
  each repeated time);
- ``"last"``: keep the values of the file that starts later (in a file, the last repeat).

A step is held twice when two steps cover the same period, not only when they carry the
same stamp: on a yearly, monthly or daily axis a step stands for the calendar year, month or
day of its time cell (:mod:`climann.data.step_periods`, as variables of different files are
paired), from its CF bounds (CF 1.8 section 7.1) or from a stamp strictly inside the period.
An observational product downloaded twice stamps January 2003 on the 15th at 00:00 in one
file and at 16 January 12:00 in the next: one month, held twice. The step kept is the kept
file's, with its own stamp (``first``: 2003-01-15, ``last``: 2003-01-16 12:00), so the kept
values stay dated as their file dates them. Without bounds a stamp on a period's first
instant (the 1st at 00:00; 00:00 for daily values) may open its period (ERA5) or close the
one before (CESM history files); where the two readings hold different periods twice,
climann does not guess: it refuses in one line with the ``cdo settbounds`` command for each
reading. Where neither reading holds a period twice the files are combined, and the stamps
are dated (or refused) as any series of them is (:mod:`climann.data.time_cells`). Sub-daily
axes and steps of several months or days compare their stamps: a sub-daily value is often an
instant, which has no period.

Two steps of one file whose CF bounds differ and do not overlap but whose middles fall in one
period (GRACE solutions of 1-20 March and 20 March-12 April, both centred in March; JPL's
December 2011 solution centred in January 2012 beside January's) are samples of periods of their
own: both are kept, as they are (break57b A2); the monthly axis gives each its own month
(:func:`~climann.data.time_axis.time_step_positions`), so persistence is the solution before.
Steps whose different bounds overlap are refused with ``"error"``, saying how many steps
``first`` and ``last`` drop, and, when the file holds nothing in the period after, with the
``ncap2`` copy that dates the later one there (its lower bound moved to that period's start),
which keeps both.

Repeated times in one file are resolved by position, not by comparing their values: the
values are not read when files are opened (everything stays lazy), and "keep the first"
gives the same result as merging when the repeats are identical.
"""

from __future__ import annotations

import fnmatch
import logging
import os
import re
import shlex
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from pathlib import Path

import cftime
import dask
import numpy as np
import pandas as pd
import xarray as xr

from climann.data.coords import find_coordinate, time_coordinate
from climann.data.forecast_times import is_forecast_period
from climann.data.notes import with_store_notes
from climann.data.step_periods import (
    bounds_advice, first_instant_text, frequency_of_step, period_text, step_periods,
)
from climann.data.shell import (
    copies_command, copies_data, drop_command, input_and_copy, one_copy_advice, ncap2_name, ncatted_number,
    new_folder, none_there, rename_command, shared_glob, shown_path, values_command, working_path, xarray_item,
)
from climann.data.time_axis import axis_time_step, date_text, month_number
from climann.data.time_cells import cell_middles, steps_before_common
from climann.data.variables import data_variable_names
from climann.errors import ClimannError
from climann.data.sources import two_names

if TYPE_CHECKING:
    from climann.data.renames import FileRenames

_SETTING = '[data] overlap = "first" or "last" (--overlap first|last)'

#: The period of a step at each frequency whose steps are dated by period.
_PERIOD_NAMES = {"yearly": "year", "monthly": "month", "daily": "day"}


@dataclass
class _FileTimes:
    """One file's time axis, its time-varying data variables and the steps kept so far; once
    the frequency of its variables is known, each step's period when a stamp on a period's
    first instant opens it (``opening``) and when it closes the one before (``closing``),
    the two equal where the period is known (:func:`~climann.data.step_periods.step_periods`)."""

    path: Path
    name: str
    times: np.ndarray
    variables: frozenset[str]
    keep: np.ndarray
    cells: list = field(default_factory=list)
    encoding: tuple[str, str, str] | None = None
    frequency: str | None = None
    opening: np.ndarray | None = None
    closing: np.ndarray | None = None
    forecast: bool = False  # a forecast file (a lead time other than 0): its fields are no observations
    unheld: str = ""  # its bounds when they do not hold its stamps: "(its time_bnds do not hold 2001-12-16: …)"
    grids: dict = field(default_factory=dict)  # each time-varying variable's grid (_grid_of)

    @property
    def kept(self) -> np.ndarray:
        return self.times[self.keep]

    def periods(self, reading: str = "opening") -> np.ndarray:
        """The kept steps' periods in one reading ("opening" or "closing")."""
        return (self.opening if reading == "opening" else self.closing)[self.keep]

    @property
    def unsure(self) -> np.ndarray:
        """Which steps' periods depend on the reading (stamps on a period's first instant
        without bounds), shape (n_time,) of bool."""
        return self.opening != self.closing


def _dates_text(times: Sequence) -> str:
    """"2003-01-16 … 2003-12-16, 12 time steps" (or one date)."""
    if len(times) == 1:
        return f"{date_text(times[0])}, 1 time step"
    return f"{date_text(times[0])} … {date_text(times[-1])}, {len(times)} time steps"


def _span_text(texts: Sequence[str]) -> str:
    """"2003-01" or "2003-01 … 2003-12" for the texts of sorted periods or dates."""
    return texts[0] if len(texts) == 1 else f"{texts[0]} … {texts[-1]}"


def _time_cells(dataset: xr.Dataset, name: str, times: np.ndarray) -> list:
    """Each step's time cell (lower, upper) from the CF bounds of the time (section 7.1), or
    None for each step when there are none, they are not dates, or a cell does not hold its
    stamp (the combined opening refuses those, naming both datings). The bounds are small
    metadata, read with dask's synchronous scheduler so that no data computation is counted."""
    bounds_name = str(dataset[name].attrs.get("bounds"))
    if bounds_name not in dataset.variables or dataset[bounds_name].dims[:1] != dataset[name].dims:
        return [None] * len(times)
    with dask.config.set(scheduler="synchronous"):
        bounds = np.asarray(dataset[bounds_name].values)
    if bounds.shape != (len(times), 2) or cell_middles(times, bounds) is None:
        return [None] * len(times)
    return [tuple(cell) for cell in bounds]


def _unheld_bounds(dataset: xr.Dataset, name: str, times: np.ndarray) -> str:
    """Words naming the time bounds of ``name`` that are not read because a cell does not hold
    its stamp (" (its time_bnds do not hold 2001-12-16: 2002-01-01 … 2002-02-01)"), so that a
    refusal of stamps "without time bounds" says which bounds it saw (break43a A4: bounds that
    an advised line wrote in the month after were passed over in silence, and the same refusal
    came back); "" when there are none or they are not of that shape."""
    bounds_name = str(dataset[name].attrs.get("bounds"))
    if bounds_name not in dataset.variables or dataset[bounds_name].dims[:1] != dataset[name].dims:
        return ""
    with dask.config.set(scheduler="synchronous"):
        bounds = np.asarray(dataset[bounds_name].values)
    if bounds.shape != (len(times), 2) or not all(hasattr(value, "calendar") for value in bounds.ravel()):
        return ""
    for time, cell in zip(times, bounds):
        low, high = sorted(cell)
        if not low < high or not low <= time <= high:
            return f" (its {bounds_name} do not hold {date_text(time)}: {date_text(low)} … {date_text(high)})"
    return ""


@dataclass(frozen=True)
class _Grid:
    """A variable's grid beside its time (:func:`_grid_of`): the sizes of its other dimensions
    of more than one element, sorted (``(60, 120)``; a ``lev`` of one depth left out, as names
    differ between products: ``latitude`` and ``lat``), its horizontal coordinates
    (:func:`~climann.data.grid_match.grid_coordinates`), and the words that name it."""

    sizes: tuple[int, ...]
    words: str
    coordinates: Mapping[str, xr.DataArray] = field(default_factory=dict, compare=False)

    def same_as(self, other: _Grid) -> bool:
        """Whether ``other`` is this grid: the same sizes, and coordinates that differ by no
        more than the float precision they are stored in or a thousandth of the grid spacing
        (:func:`~climann.data.grid_match.grid_mismatch`, as files are told on one grid when combined).
        Sizes alone told a grid from one of the same size shifted by half a cell (fix49c). A 1-D
        coordinate is compared as the values it holds in increasing order, a longitude modulo
        360°: −180…178 and 0…358, or latitudes 88…−88 and −88…88, are the same cells, which the
        files' opening puts in one order (their overlap is then one series held twice or not, as
        on one grid)."""
        from climann.data.grid_match import grid_mismatch

        return self.sizes == other.sizes and grid_mismatch(_in_order(self.coordinates),
                                                           _in_order(other.coordinates)) is None


def _in_order(coordinates: Mapping[str, xr.DataArray]) -> dict[str, xr.DataArray]:
    """``coordinates`` with each 1-D one's values increasing, a longitude's modulo 360°."""
    from climann.data.grid_match import _is_longitude

    def ordered(name: str, values: xr.DataArray) -> xr.DataArray:
        held = np.asarray(values.values, np.float64)
        return values.copy(data=np.sort(np.mod(held, 360.0) if _is_longitude(name, values) else held))

    return {name: ordered(name, values) if values.ndim == 1 else values for name, values in coordinates.items()}


def _grid_of(dataset: xr.Dataset, variable: str, time: str) -> _Grid:
    """The grid of ``variable`` beside its time (:class:`_Grid`): its words name its sizes
    (``latitude 60 × longitude 120, 3°``, the step of a 1-D latitude coordinate when there is
    one) and, when the coordinates differ from another grid's of the same sizes, where its
    first cell's centre lies (:func:`_placed_words`)."""
    from climann.data.grid_match import grid_coordinates

    held = dataset.variables[variable]  # its dimensions and sizes, no DataArray made
    dims = {dim for dim in held.dims if dim != time}
    sizes = {str(dim): size for dim, size in held.sizes.items() if dim != time and size > 1}
    words = " × ".join(f"{dim} {size}" for dim, size in sizes.items())
    try:
        latitude = np.asarray(dataset[find_coordinate(dataset, "latitude")].values, dtype=np.float64)
    except (ClimannError, KeyError, ValueError, TypeError):
        latitude = np.zeros(0)
    if latitude.ndim == 1 and len(latitude) > 1:
        words += f", {float(np.median(np.abs(np.diff(latitude)))):g}°"
    try:
        coordinates = {name: values for name, values in grid_coordinates(dataset).items() if set(values.dims) <= dims}
    except (ClimannError, KeyError, ValueError, TypeError):
        coordinates = {}
    return _Grid(tuple(sorted(sizes.values())), words, coordinates)


def _placed_words(grid: _Grid) -> str:
    """``grid``'s words with its 1-D coordinates' first and last values (``latitude 90 × longitude
    180, 2°, longitude 0…358``): what tells it from another grid of the same sizes."""
    ends = [f"{name} {float(values.values[0]):g}…{float(values.values[-1]):g}"
            for name, values in grid.coordinates.items() if values.ndim == 1 and values.size > 1]
    return ", ".join([grid.words, *ends])


def file_times(path: Path, open_file: Callable[[Path], xr.Dataset]) -> _FileTimes | None:
    """The file's time axis, or None when it has none (static fields) or cannot be read
    (the combined opening then says why). The dataset is left open: ``open_file`` may hand
    out the very dataset that is combined afterwards (:mod:`climann.data.open` opens each file
    once)."""
    try:
        dataset = open_file(path)
        name = find_coordinate(dataset, "time")
        times = np.asarray(dataset[name].values)
        variables = frozenset(v for v in data_variable_names(dataset) if name in dataset[v].dims)
    except (ClimannError, OSError, ValueError, TypeError, KeyError):
        return None
    if times.ndim != 1 or not len(times) or not hasattr(times[0], "calendar"):
        return None
    info = _FileTimes(path, name, times, variables, np.arange(len(times)), forecast=_is_forecast(dataset))
    info.grids = {variable: _grid_of(dataset, variable, name) for variable in variables}
    try:
        info.cells = _time_cells(dataset, name, times)
        info.unheld = _unheld_bounds(dataset, name, times) if info.cells[0] is None else ""
        encoding = dataset[name].encoding
        if "units" in encoding and info.cells[0] is not None:
            info.encoding = (str(encoding["units"]), str(encoding.get("calendar", "standard")),
                             str(dataset[name].attrs["bounds"]))
    except (OSError, ValueError, TypeError, KeyError):
        info.cells = [None] * len(times)
    return info


#: The key, in the ``encoding`` of a scalar lead time (CF ``forecast_period``), that says it was
#: chosen from a file of several lead times (:func:`climann.data.open.with_lead_chosen`): lead 0
#: of a forecast file (``climann info`` chooses the first) is a forecast's start, not an analysis.
CHOSEN_FROM_LEADS_KEY = "climann_chosen_from_leads"


def _is_forecast(dataset: xr.Dataset) -> bool:
    """Whether the dataset holds forecasts: a lead time (CF ``forecast_period``) other than 0
    (an analysis's step 0 is none), or 0 chosen from a file of several (:data:`CHOSEN_FROM_LEADS_KEY`)."""
    leads = [coordinate for coordinate in dataset.coords.values() if is_forecast_period(coordinate)]
    if any(lead.encoding.get(CHOSEN_FROM_LEADS_KEY) for lead in leads):
        return True
    return any(np.issubdtype(lead.dtype, np.number) and np.any(np.asarray(lead.values) != 0)
               or np.issubdtype(lead.dtype, np.timedelta64) and np.any(np.asarray(lead.values).astype(np.int64) != 0)
               for lead in leads)


def _forecast_beside_observations(earlier: _FileTimes, later: _FileTimes,
                                  infos: Sequence[_FileTimes] = (), renames: FileRenames | None = None
                                  ) -> ClimannError | None:
    """The refusal of a forecast file and a file without lead times that share a variable's name
    (S2S ``t2m`` beside ERA5 ``t2m``): not one series to keep either file's values of (break31a B3:
    ``overlap`` merged forecasts into observations); the way out names the forecast anew, in
    every forecast file of ``infos`` holding the name. None unless exactly one of the two is a
    forecast."""
    if earlier.forecast == later.forecast:
        return None
    forecast, observed = (earlier, later) if earlier.forecast else (later, earlier)
    shared = sorted(earlier.variables & later.variables)
    others = [info.path for info in infos if info.forecast and info is not forecast and info.variables & set(shared)]
    return forecast_name_refusal(forecast.path, observed.path, shared, others=others, renames=renames,
                                 files=[info.path for info in infos])


def forecast_name_refusal(forecast: Path, observed: Path, shared: Sequence[str], *,
                          others: Sequence[Path] = (), renames: FileRenames | None = None,
                          files: Sequence[Path] = ()) -> ClimannError:
    """The refusal of a forecast file ``forecast`` beside a file without lead times ``observed``
    whose variables ``shared`` have the same names: the rename that tells them apart (``--rename``
    for ``climann train`` and ``climann info``, or an ``ncrename`` copy) and the ``select`` of one
    lead time and member.

    With ``others``, the other forecast files holding those names (ECMWF's S2S reforecasts, one
    file per model version date), the rename takes every one: ``--rename`` of the glob that
    matches their names and not ``observed``'s (:func:`~climann.data.shell.shared_glob`), else one
    ``--rename`` per file, and the copies written into a new folder by one loop
    (:func:`~climann.data.shell.copies_command`). Naming one of them sent the next refusal to the
    other (break41c C2).

    With ``renames``, the run's own rules of its ``files`` (all given), the ``--rename`` advised is
    merged with them (:func:`~climann.data.renames.rename_options`: a rule of the forecast's
    ``var167`` to ``t2m`` takes ``var167`` to ``t2m_fc`` instead), and the copies rename the name
    the forecast files hold (fix44d)."""
    from climann.data.renames import name_in_file, rename_commands, rename_options

    name = shared[0]
    renamed = {name_in_file(renames, Path(forecast), name): f"{name}_fc"}
    forecasts = sorted({Path(forecast), *map(Path, others)})
    given = list(files) or [*forecasts, Path(observed)]
    if len(forecasts) == 1:
        rename = rename_options({forecast.name: {name: f"{name}_fc"}}, renames, given)
        copy = f"a renamed copy, `{rename_command(renamed, input_and_copy(forecast, 'renamed'))}`"
        held = forecast.name
    else:
        pattern = shared_glob(forecasts)
        patterns = [pattern.name] if pattern is not None and not fnmatch.fnmatch(observed.name, pattern.name) \
            else [path.name for path in forecasts]
        rename = rename_options({each: {name: f"{name}_fc"} for each in patterns}, renames, given)
        folder = forecasts[0].parent / "renamed"
        command = copies_command(lambda one, other: rename_command(renamed, f"{one} {other}"), folder, forecasts)
        copy = f"renamed copies, `{command}` then --data {copies_data(folder, forecasts)} in their place"
        held = f"{forecast.name} (and {len(forecasts) - 1} more forecast file{'s' if len(forecasts) > 2 else ''})"
    return ClimannError(
        f"{held} holds forecasts of {', '.join(shared)} and {observed.name} {', '.join(shared)} "
        f"without a lead time: the same name, but not one series, and no forecast is merged into observations "
        f"([data] overlap does not apply); give the forecast its own name, e.g. {rename} "
        f"{rename_commands(renames, 'climann train and climann info')}, or {copy}, and "
        f"predict {name} from {name}_fc with one lead time and member chosen (--select)"
    )


def _groups(infos: Sequence[_FileTimes]) -> list[list[_FileTimes]]:
    """The files in groups of one series each: files sharing a time-varying variable, directly
    or through another file, are one group."""
    groups: list[tuple[set[str], list[_FileTimes]]] = []
    for info in infos:
        joined = [group for group in groups if group[0] & info.variables]
        variables = set(info.variables).union(*(group[0] for group in joined))
        members = [info] + [member for group in joined for member in group[1]]
        groups = [group for group in groups if all(group is not other for other in joined)] + [(variables, members)]
    return [members for _, members in groups]


def _group_frequency(group: Sequence[_FileTimes]) -> str | None:
    """The frequency of one series' files (:func:`~climann.data.step_periods.frequency_of_step`)
    by the median of the steps within each file (an overlap between files, or a month held
    twice at two instants, leaves it monthly); by the spacing of the files' times when none
    holds two steps (one file per step)."""
    steps = []
    for info in group:
        times = info.times if np.all(info.times[1:] >= info.times[:-1]) else np.sort(info.times)
        steps.append(np.asarray(times[1:] - times[:-1], dtype="timedelta64[us]"))
    within = np.concatenate(steps) if steps else np.zeros(0, "timedelta64[us]")
    within = within[within > np.timedelta64(0, "us")]
    if not len(within):
        every = np.sort(np.unique(np.concatenate([info.times for info in group])))
        within = np.asarray(every[1:] - every[:-1], dtype="timedelta64[us]")
    if not len(within):
        return None
    return frequency_of_step(float(np.median(within / np.timedelta64(1, "s"))) / 86400)


def _on_calendar_periods(group: Sequence[_FileTimes], frequency: str | None) -> bool:
    """Whether the files' steps stand for calendar periods at ``frequency``: a yearly or
    monthly frequency whose files step by a fixed duration instead (every 30 days in the
    ``standard`` calendar, where two stamps of one month are two steps, not one month held
    twice; :func:`~climann.data.time_axis.axis_time_step`) does not, nor one whose files hold
    readings at irregular instants (:func:`_irregular_readings`)."""
    if frequency not in _PERIOD_NAMES:
        return False
    if frequency == "daily":
        return True
    steps = [(info, axis_time_step(np.unique(info.times))) for info in group if len(info.times) > 2]
    return not any(step is not None and not step.months or step is None and _irregular_readings(info, frequency)
                   for info, step in steps)


#: The share of a file's steps above which both its periods held by two stamps and its single
#: periods skipped make it irregular readings (:func:`_irregular_readings`), not a series of
#: periods with a few held twice; and the fewest of each that do.
IRREGULAR_SHARE, IRREGULAR_AT_LEAST = 0.05, 3


def _irregular_readings(info: _FileTimes, frequency: str) -> bool:
    """Whether a file's stamps without time bounds, whose median spacing is a month (or a year),
    are readings at irregular instants rather than one value per calendar period: more than
    :data:`IRREGULAR_SHARE` of its steps, and at least :data:`IRREGULAR_AT_LEAST`, stay in the
    period of the step before (two readings in one month), and as many skip one period (no
    reading in the month between). A reading drawn one way across a month's edge leaves the
    neighbouring month without one: a GTN-P borehole logger read every 10-50 days holds 36 months
    twice and skips 29 of its 185 steps (break43a A4: refused as a monthly axis whose stamps on the
    1st at 00:00 may open or close their month, with advice that could not work). A monthly
    series with a few months held twice (two downloads joined, an overlap inside one file) skips
    none, and its months held twice are still refused or resolved as such (``[data] overlap``);
    so are the steps of a file with time bounds, whose cells say their periods (GRACE's two
    solutions centred in one month).

    Parameters
    ----------
    info : _FileTimes
        The file's stamps and time cells.
    frequency : {"monthly", "yearly"}

    Returns
    -------
    bool
    """
    if any(cell is not None for cell in info.cells):
        return False
    stamps = np.sort(info.times)
    periods = np.array([time.year if frequency == "yearly" else month_number(time) for time in stamps], dtype=np.int64)
    steps = np.diff(periods)
    least = max(IRREGULAR_SHARE * len(steps), IRREGULAR_AT_LEAST - 1)
    return bool(np.count_nonzero(steps == 0) > least and np.count_nonzero(steps == 2) > least)


def _with_periods(infos: Sequence[_FileTimes]) -> None:
    """Each file's frequency and its steps' periods in both readings (in place)."""
    for group in _groups(infos):
        frequency = _group_frequency(group)
        by_period = _on_calendar_periods(group, frequency)
        forecasts = all(info.forecast for info in group)
        for info in group:
            info.frequency = frequency
            if not by_period or forecasts:  # sub-daily, several months or days, forecasts' valid times: the stamps
                info.opening = info.closing = info.times
                continue
            readings = [step_periods(time, cell, frequency) for time, cell in zip(info.times, info.cells)]
            info.opening, info.closing = (np.array(reading, dtype=object) for reading in zip(*readings))


def _repeats(info: _FileTimes, reading: str) -> dict[object, list[int]]:
    """The file's periods held by more than one step in one reading → those steps (indices)."""
    periods = info.periods(reading)
    if np.all(periods[1:] > periods[:-1]):  # in order, none twice: most files, without hashing each date
        return {}
    held: dict[object, list[int]] = {}
    for index, period in zip(info.keep, periods):
        held.setdefault(period, []).append(int(index))
    return {period: steps for period, steps in held.items() if len(steps) > 1}


def _held_text(info: _FileTimes, period: object, steps: Sequence[int]) -> str:
    """One period held twice: its stamp when the steps share one, else "2003-01, stamped
    2003-01-15 and 2003-01-16 12:00"."""
    stamps = sorted(set(info.times[steps]))
    if len(stamps) == 1:
        return date_text(stamps[0])
    return f"{period_text(period, info.frequency)}, stamped {' and '.join(date_text(time) for time in stamps)}"


def _unsure_text(info: _FileTimes) -> tuple[str, str]:
    """Where the file's stamps are that may open or close their periods, and its first such
    stamp: ("on the 1st at 00:00", "2003-01-01")."""
    return first_instant_text(info.frequency), date_text(info.times[np.flatnonzero(info.unsure)[0]])


def _unknown_repeats_refusal(info: _FileTimes, opening: dict, closing: dict) -> ClimannError:
    def held(repeats: dict) -> str:
        return ", ".join(period_text(period, info.frequency) for period in sorted(repeats)[:3]) or "nothing"

    where, stamp = _unsure_text(info)
    period = _PERIOD_NAMES[info.frequency]
    return ClimannError(
        f"'{info.name}' in {info.path.name} is stamped {where} without time bounds{info.unheld} ({stamp}, …) and "
        f"elsewhere inside its {period}s: it holds {held(opening)} twice if a stamp there opens its {period} (ERA5), "
        f"{held(closing)} if it closes the {period} before (CESM history files), and climann does not guess; "
        f"{bounds_advice(info.path, info.frequency)}"
    )


def _unrepeated(info: _FileTimes, overlap: str) -> np.ndarray:
    """Steps of the file kept when each repeated period is kept once (first or last repeat)."""
    repeats = _repeats(info, "opening")
    if not repeats:
        return info.keep
    if repeats != (closing := _repeats(info, "closing")):
        raise _unknown_repeats_refusal(info, repeats, closing)
    repeats = {period: steps for period, steps in repeats.items() if not _separate_cells(info, steps)}
    if not repeats:  # solutions of their own periods that share a month (JPL GRACE, break57b A2): all kept
        return info.keep
    if overlap == "error" and all(_distinct_cells(info, steps) for steps in repeats.values()):
        raise _two_cells_refusal(info, repeats)
    if overlap == "error":
        periods = sorted(repeats)
        shown = ", ".join(_held_text(info, period, repeats[period]) for period in periods[:3])
        shown += ", …" if len(periods) > 3 else ""
        alike = all(len(set(info.times[steps])) == 1 for steps in repeats.values())
        unit = "time" if alike else _PERIOD_NAMES[info.frequency]
        raise ClimannError(
            f"'{info.name}' in {info.path.name} repeats {len(periods)} {unit}{'s' if len(periods) > 1 else ''} "
            f"({shown}); keep the first or the last of each with {_SETTING}{_dropped_text(repeats)}, or remove the "
            f"repeats from the file"
        )
    dropped = {step for steps in repeats.values() for step in (steps[1:] if overlap != "last" else steps[:-1])}
    return np.array([index for index in info.keep if int(index) not in dropped], dtype=np.int64)


def _distinct_cells(info: _FileTimes, steps: Sequence[int]) -> bool:
    """Whether the steps of one period have time bounds that differ from one another: values of
    different periods that fall in one month (GRACE: solutions 1-20 March and 20 March-12 April,
    both centred in March), not one period held twice."""
    cells = [info.cells[step] for step in steps]
    return all(cell is not None for cell in cells) and len({tuple(sorted(cell)) for cell in cells}) == len(cells)


def _dropped_text(repeats: Mapping[object, Sequence[int]]) -> str:
    """How many steps keeping one of each repeat drops: " (dropping 2 of the file's steps)"."""
    dropped = sum(len(steps) - 1 for steps in repeats.values())
    return f" (dropping {dropped} of the file's steps)"


def _separate_cells(info: _FileTimes, steps: Sequence[int]) -> bool:
    """Whether the steps of one period have time bounds that do not overlap (one may end where the
    next begins): samples of periods of their own that happen to fall in one month, as JPL's GRACE
    solution for December 2011 (17 December-17 January, centred in January 2012) beside January's
    (17 January-14 February), or May 2015's centred in April (break57b A2). Each is kept as a
    step of its own: no value is held twice and none is dropped."""
    cells = [info.cells[step] for step in steps]
    if any(cell is None for cell in cells):
        return False
    spans = sorted(tuple(sorted(cell)) for cell in cells)
    return all(low < high for low, high in spans) and all(
        earlier[1] <= later[0] for earlier, later in zip(spans, spans[1:]))


def _cell_text(cell: tuple) -> str:
    """A time cell as "2008-03-20 … 2008-04-12"."""
    low, high = sorted(cell)
    return f"{date_text(low)} … {date_text(high)}"


def _into_next_period(info: _FileTimes, step: int) -> list[tuple[str, str]] | None:
    """The ncap2 scripts, each with its statement for a Zarr store
    (:func:`~climann.data.shell.values_command`), that date the later of two cells of one period in the period after it,
    in a copy: its lower bound moved to that period's first instant (the part of its cell there) and
    its stamp to the middle of what is left; None when the file holds that period already, the
    cell does not reach into it, or the file's time encoding is not known."""
    low, high = sorted(info.cells[step])
    following = step_periods(high - (high - low) / 1e6, None, info.frequency)[0]
    if info.encoding is None or following <= info.opening[step] or following in set(info.periods()):
        return None
    units, calendar, bounds = info.encoding
    lower, upper = (float(cftime.date2num(time, units, calendar)) for time in (following, high))
    side = list(info.cells[step]).index(low)  # the lower bound's place (CF 7.1 allows either order)
    middle, start = ncatted_number((lower + upper) / 2, np.float64), ncatted_number(lower, np.float64)
    return [(f"{ncap2_name(info.name)}({step})={middle}", xarray_item(info.name, str(step), middle)),
            (f"{ncap2_name(bounds)}({step},{side})={start}", xarray_item(bounds, f"{step}, {side}", start))]


def _keep_both_command(moves: list[list[tuple[str, str]]], path: Path) -> str:
    """The one command that makes every move of ``moves`` (:func:`_into_next_period`) in a copy of ``path``."""
    changes = [change for move in moves for change in move]
    return values_command([script for script, _ in changes], [statement for _, statement in changes],
                          input_and_copy(path))


def _two_cells_refusal(info: _FileTimes, repeats: dict) -> ClimannError:
    """The refusal of steps whose different time bounds fall in one period (break29a A3):
    not a repeat; which one ``first`` and ``last`` drop; the copy that keeps both."""
    period = _PERIOD_NAMES[info.frequency]
    shown = "; ".join(f"{period_text(key, info.frequency)}: {' and '.join(_cell_text(info.cells[s]) for s in steps)}"
                      for key, steps in sorted(repeats.items())[:3])
    moves = [_into_next_period(info, steps[-1]) for steps in repeats.values()]
    keep_both = (f"; to keep both, date the later one in the {period} after, which the file does not hold (GRACE's "
                 f"nominal {period}), in a copy whose bounds for it start there (the part of its window in that "
                 f"{period}; its values unchanged): "
                 f"{_keep_both_command(moves, info.path)}"
                 if all(moves) else "")
    return ClimannError(
        f"'{info.name}' in {info.path.name} holds values whose time bounds differ but overlap, their middles in one "
        f"{period}: different periods, not a repeat ({shown}); {_SETTING} keeps one of each and drops "
        f"the other{_dropped_text(repeats)} (first: the earlier, last: the later){keep_both}"
    )


def _shared(earlier: _FileTimes, later: _FileTimes, reading: str) -> tuple[tuple, tuple]:
    """The kept steps (positions among each file's kept steps) of ``earlier`` from the start of
    ``later`` on and of ``later`` up to the end of ``earlier``, their periods read as ``reading``;
    both empty when the files do not overlap."""
    first, second = earlier.periods(reading), later.periods(reading)
    if not len(first) or not len(second) or second.min() > first.max():
        return (), ()
    if earlier.forecast and later.forecast:  # starts interleaved, not overlapping: only valid times in both
        common = set(first) & set(second)
        return (tuple(np.flatnonzero([time in common for time in first])),
                tuple(np.flatnonzero([time in common for time in second])))
    return tuple(np.flatnonzero(first >= second.min())), tuple(np.flatnonzero(second <= first.max()))


def _overlap_error(earlier: _FileTimes, later: _FileTimes, pairs: Sequence[tuple[_FileTimes, _FileTimes]] = ()
                   ) -> ClimannError:
    """The refusal of two files holding the same periods, naming them (and each file's stamps
    there when they differ).

    With ``pairs`` (every pair of overlapping files), the files that overlap ``earlier`` holding
    ``later``'s variables are counted as one with ``later`` (ERSSTv5, one file a month beside a
    HadISST file of 60 months: "36 time steps in both", where the first monthly file alone was
    counted, "1 time step in both, 35 more in HadISST_sst.nc alone", break48a A2)."""
    partners = [b for a, b in pairs if a is earlier and b.variables == later.variables] or [later]
    partners = sorted(partners, key=lambda info: (info.periods().min(), info.kept.min()))
    in_earlier = np.zeros(0, dtype=np.int64)
    in_later = []
    for partner in partners:
        own, theirs = (np.asarray(steps, dtype=np.int64) for steps in _shared(earlier, partner, "opening"))
        in_earlier = np.union1d(in_earlier, own)
        in_later.append(theirs)
    stamps = earlier.kept[in_earlier], np.concatenate([p.kept[own] for p, own in zip(partners, in_later)])
    variables = ", ".join(sorted(earlier.variables & later.variables))
    more = f" (and {len(partners) - 1} more file{'s' if len(partners) > 2 else ''})" if len(partners) > 1 else ""
    if set(stamps[0]) == set(stamps[1]):
        held = f"{_dates_text(sorted(set(stamps[0])))} in both, variables {variables}"
        middles = _middles(earlier, earlier.keep[in_earlier])
        if middles is not None and any(middle != stamp for middle, stamp in zip(middles, stamps[0])):
            # dated as climann info and --time-range date them, the files' stamps beside (break48c)
            held = (f"{_dates_text(sorted(set(middles)))} in both, the middles of their time cells (stamped "
                    f"{_span_text([date_text(t) for t in sorted(set(stamps[0]))])} in the files); "
                    f"variables {variables}")
    else:
        held = (f"{_shared_periods_text(earlier, partners, in_earlier, in_later)}, "
                f"stamped {_span_text([date_text(t) for t in stamps[0]])} in "
                f"{earlier.path.name} and {_span_text([date_text(t) for t in sorted(stamps[1])])} in "
                f"{later.path.name}{more}; variables {variables}")
    if len(partners) == 1 and (passes := _two_times_of_day(earlier, later, stamps)) is not None:
        return ClimannError(passes)
    return ClimannError(
        f"{two_names(earlier.path, later.path)}{more} overlap in time ({held}); keep the "
        f"earlier or the later file's values there with {_SETTING}, or leave one file out"
    )


def _time_of_day(stamp) -> str:
    return f"{stamp.hour:02d}:{stamp.minute:02d}"


def _two_times_of_day(earlier: _FileTimes, later: _FileTimes, stamps: tuple[np.ndarray, np.ndarray]) -> str | None:
    """The refusal of two files that hold the same days, each at its own time of day, no stamp in
    both, the two together one series of even steps (SMOS L3's ascending pass at 06:00 and its
    descending pass at 18:00, one variable observed twice a day; break50a A5, where the advice
    ``overlap = "first"``/``"last"`` or one file left out each dropped a pass): which hours, and the
    ``cdo mergetime`` that joins both into one series at their stamps, each value at its own hour;
    None for other overlaps."""
    if (earlier.frequency != later.frequency or earlier.frequency != "daily" or len(stamps[0]) != len(stamps[1])
            or len(stamps[0]) < 2 or set(stamps[0]) & set(stamps[1])):
        return None  # one day stamped differently at the join of two series is an overlap (its advice stands)
    hours = [sorted({_time_of_day(stamp) for stamp in own}) for own in stamps]
    if any(len(own) != 1 for own in hours) or hours[0] == hours[1]:
        return None
    joined = sorted([*stamps[0], *stamps[1]])
    steps = {later_stamp - earlier_stamp for earlier_stamp, later_stamp in zip(joined, joined[1:])}
    if len(steps) != 1:
        return None  # 06:00 and 09:00, or a day missing in one file: an uneven series
    step = next(iter(steps))
    folder = new_folder(later.path.parent, "merged")
    joined_path = folder / f"{earlier.path.stem}_{later.path.stem}.nc"
    return (
        f"{two_names(earlier.path, later.path)} hold the same days at different times of day ({hours[0][0]} "
        f"in {earlier.path.name}, {hours[1][0]} in {later.path.name}; {_span_text([date_text(t) for t in stamps[0]])} "
        f"and {_span_text([date_text(t) for t in stamps[1]])}; variables "
        f"{', '.join(sorted(earlier.variables & later.variables))}): two observations a day (e.g. a satellite's "
        f"ascending and descending passes), not one value twice; to keep both, join them into one series at their "
        f"own stamps, every {_step_text(step)}, `{none_there(joined_path)}mkdir -p {shown_path(folder)} && "
        "cdo mergetime "
        f"{shown_path(earlier.path)} {shown_path(later.path)} {shown_path(joined_path)}`, and give "
        f"{shown_path(joined_path)} in their place; or keep only one of them with {_SETTING}, or leave one file out"
    )


def _step_text(step) -> str:
    """A step between stamps as "12 hours" (a whole number of hours) or "90 minutes"."""
    minutes = int(round(pd.Timedelta(step).total_seconds() / 60))
    return f"{minutes // 60} hours" if minutes % 60 == 0 else f"{minutes} minutes"


def _middles(info: _FileTimes, steps: np.ndarray) -> np.ndarray | None:
    """The middles of the time cells of ``info``'s steps ``steps`` (indices of its times), the dates
    climann gives them (:func:`~climann.data.time_cells.cell_middles`, as ``climann info`` shows
    them); None when a step has no cell."""
    cells = [info.cells[step] for step in steps] if len(info.cells) == len(info.times) else [None]
    if not len(steps) or any(cell is None for cell in cells):
        return None
    return cell_middles(np.asarray(info.times)[steps], np.array(cells, dtype=object).reshape(len(steps), 2))


def _shared_periods_text(earlier: _FileTimes, partners: Sequence[_FileTimes], in_earlier: np.ndarray,
                         in_later: Sequence[np.ndarray]) -> str:
    """The span of two files' overlap (the second one or several files, ``partners``) and how many
    periods both hold there, those one of them alone holds counted apart: "1980-01 … 1991-12, 143
    time steps in both, 1 more in s.nc alone" (a file without 1985-12 beside one with it; verify23
    F5: the union was said to be in both)."""
    own = (set(earlier.periods()[in_earlier]),
           set().union(*(set(partner.periods()[steps]) for partner, steps in zip(partners, in_later))))
    both = own[0] & own[1]
    texts = [period_text(period, earlier.frequency) for period in sorted(own[0] | own[1])]
    said = f"{_span_text(texts)}, {len(both)} time step{'' if len(both) == 1 else 's'} in both"
    names = (earlier.path.name, partners[0].path.name + (" and the others" if len(partners) > 1 else ""))
    for periods, name in zip(own, names):
        if len(periods - both):
            said += f", {len(periods - both)} more in {name} alone"
    return said


def _unknown_overlap_refusal(earlier: _FileTimes, later: _FileTimes, infos: Sequence[_FileTimes] = (),
                             files: Sequence[Path] = ()) -> ClimannError:
    """The refusal of two files whose overlap depends on the reading of stamps on their
    periods' first instants without bounds.

    The bounds advised are for every file of ``infos`` stamped so that holds the variables of the
    file named (ERSSTv5, one file per month: one loop over the 36, where the command for the first
    alone met the next refusal, its 35 others never fixed, break48a A1), the copies given with the
    other ``files`` (every file given); the periods held twice in each reading are those two files
    of the variables both hold, over every pair, not the first two alone."""
    unsure = earlier if earlier.unsure.any() else later
    where, stamp = _unsure_text(unsure)
    period = _PERIOD_NAMES[unsure.frequency]
    shared = earlier.variables & later.variables
    # the files of the variable's series stamped as the one named: given their bounds together
    alike = [info for info in infos if info.unsure.any() and info.frequency == unsure.frequency
             and info.variables & shared] or [unsure]
    ordered = [info for info in infos if info.variables & shared] or [earlier, later]
    pairs = [(a, b) for i, a in enumerate(ordered) for b in ordered[i + 1:] if a.variables & b.variables] \
        or [(earlier, later)]

    def held(reading: str) -> str:
        periods: set = set()
        for first, second in pairs:  # the periods both hold (a span from the first file's start counted months
            periods |= set(first.periods(reading)) & set(second.periods(reading))  # one file alone held, fix48j)
        return (f"in {_span_text([period_text(p, unsure.frequency) for p in sorted(periods)])}" if periods
                else "not at all")

    more = f" (and {len(alike) - 1} more file{'s' if len(alike) > 2 else ''} so)" if len(alike) > 1 else ""
    return ClimannError(
        f"{unsure.path.name}{more} stamps {', '.join(sorted(shared))} {where} without time "
        f"bounds{unsure.unheld} ({stamp}, …): {two_names(earlier.path, later.path)} overlap {held('opening')} "
        f"if a stamp there opens its {period} (ERA5), {held('closing')} if it closes the {period} before (CESM "
        f"history files), and climann does not guess; "
        f"{bounds_advice([info.path for info in alike], unsure.frequency, given=files)}"
    )


def _two_grids_refusal(infos: Sequence[_FileTimes], earlier: _FileTimes, later: _FileTimes,
                       renames: FileRenames | None) -> ClimannError | None:
    """The refusal of a variable's name in two products on different grids whose times overlap
    (HadISST1's ``sst`` at 1° beside ERSSTv5's ``sst`` at 2°, one file per month): two fields
    under one name, not one series held twice. It was refused as a time overlap, the periods
    counted from the first monthly file only, with ``[data] overlap`` advised, which then failed
    inside xarray (break48a A2). Whatever ``overlap``, it names both grids, the ``--rename`` that
    gives the files of one of them (all of them, by a glob that takes them and not the other's)
    a name of their own, and the ``ncks -x`` copies that leave the variable out of them; None
    when each shared variable is on one grid in both files.

    Parameters
    ----------
    infos : sequence of _FileTimes
        Every file's time axis and grids, of which those holding the name on the later file's
        grid are renamed together.
    earlier, later : _FileTimes
        Two files whose periods overlap.
    renames : FileRenames or None
        The run's renames, which the rename advised is merged with.

    Returns
    -------
    ClimannError or None
    """
    from climann.data.renames import name_in_file, rename_commands, rename_options

    clashing = sorted(name for name in earlier.variables & later.variables
                      if name in earlier.grids and name in later.grids
                      and not earlier.grids[name].same_as(later.grids[name]))
    if not clashing:
        return None
    name = clashing[0]
    # the product renamed: the one holding other variables beside the name (ERSST's ssta), else the later
    one, other = (later, earlier) if len(later.variables) >= len(earlier.variables) else (earlier, later)
    held = sorted({info.path for info in infos if name in info.variables and info.grids[name].same_as(one.grids[name])})
    files = [info.path for info in infos]
    word = next((part.lower() for part in re.split(r"[^A-Za-z0-9]+", one.path.stem) if part), "")
    new = f"{name}_{word}" if word and word != name.lower() else f"{name}_2"
    if len(held) == 1:
        pattern = one.path.name
        stored = name_in_file(renames, one.path, name)
        copy = input_and_copy(one.path, "without_" + stored)
        # its copy in a new folder, as the files' loop below (fix54b: beside it, a glob took both)
        drop = one_copy_advice(lambda arguments: f"`{drop_command([stored], arguments)}`", copy, f"without_{stored}")
    else:
        glob = shared_glob(held)
        pattern = glob.name if glob is not None and not fnmatch.fnmatch(other.path.name, glob.name) else None
        stored = name_in_file(renames, held[0], name)
        folder = held[0].parent / f"without_{stored}"
        drop = (f"`{copies_command(lambda a, b: drop_command([stored], f'{a} {b}'), folder, held)}` then --data "
                f"{copies_data(folder, held)} in their place")
    advised = {pattern: {name: new}} if pattern else {each.name: {name: new} for each in held}
    rename = rename_options(advised, renames, files)
    more = f"and {len(held) - 1} more file{'s' if len(held) > 2 else ''}, " if len(held) > 1 else ""
    words = ((other.grids[name].words, one.grids[name].words) if other.grids[name].sizes != one.grids[name].sizes
             else (_placed_words(other.grids[name]), _placed_words(one.grids[name])))  # the same sizes: where
    return ClimannError(
        f"'{name}' is in {other.path.name} ({words[0]}) and {one.path.name} "
        f"({more}{words[1]}) over the same times, on different grids: two products under one name, not one "
        f"series held twice ([data] overlap does not apply); name one of them otherwise, e.g. {rename} "
        f"{rename_commands(renames)}, or leave it out of one: {drop}"
    )


def _resolve_overlaps(infos: list[_FileTimes], overlap: str, renames: FileRenames | None = None,
                      files: Sequence[Path] = ()) -> None:
    """Trim (or refuse) the files of one variable whose periods overlap; ``infos`` sorted by start.

    Files with the very same times are left alone: a copy, or two fields under one name (two
    scenarios), which :mod:`climann.data.duplicate_files` tells apart by their names and values."""
    pairs = [
        (a, b) for i, a in enumerate(infos) for b in infos[i + 1 :]
        if a.variables & b.variables and _shared(a, b, "opening")[0] and not np.array_equal(a.kept, b.kept)
    ]
    for earlier, later in pairs:
        if (refusal := _forecast_beside_observations(earlier, later, infos, renames)) is not None:
            raise refusal
        if (refusal := _two_grids_refusal(infos, earlier, later, renames)) is not None:
            raise refusal
        if _shared(earlier, later, "opening") != _shared(earlier, later, "closing"):
            raise _unknown_overlap_refusal(earlier, later, infos, files)
    if pairs and overlap == "error":
        raise _overlap_error(*pairs[0], pairs)
    if overlap == "first":  # each later file loses what an earlier one holds
        for earlier, later in pairs:
            if len(earlier.keep):
                later.keep = later.keep[_beyond(later, earlier, later.periods() > earlier.periods().max())]
    else:  # each earlier file loses what a later one holds, the latest first
        for earlier, later in reversed(pairs):
            if len(later.keep):  # outside the later file's span: after it too, when it lies inside the earlier's
                outside = (earlier.periods() < later.periods().min()) | (earlier.periods() > later.periods().max())
                earlier.keep = earlier.keep[_beyond(earlier, later, outside)]


def _beyond(trimmed: _FileTimes, kept: _FileTimes, outside: np.ndarray) -> np.ndarray:
    """Which kept steps of ``trimmed`` stay beside the file ``kept``, shape (n_kept,) of bool:
    those ``outside`` its span, or, for two forecast files (one per model version date, their
    starts interleaved year by year), those at valid times ``kept`` does not hold (S2S
    reforecasts of 2 and 9 January each year: ``first`` dropped all of the second file's 20 starts,
    break41c C2)."""
    if not (trimmed.forecast and kept.forecast):
        return outside
    held = set(kept.periods())
    return np.array([time not in held for time in trimmed.periods()], dtype=bool)


def _two_frequencies_refusal(infos: Sequence[_FileTimes], files: Sequence[Path]) -> ClimannError | None:
    """The refusal of one variable's files at two frequencies whose spans overlap: CLIMDEX/ETCCDI
    archives ship ``txxETCCDI_mon_…`` beside ``txxETCCDI_yr_…``, and a glob takes both. They are
    two versions of one index, not one series held twice: read as periods of the finer step, the
    yearly file's steps fell on the monthly file's months and were refused as an overlap, and
    ``overlap = "last"`` then left 71 "yearly" steps with 1950 twice, ``"first"`` a yearly file of
    no steps ("Cannot handle size zero dimensions", break45d A1/A2). Refused whatever ``overlap``,
    naming each file's frequency and a glob (over their folder) that takes the files of one
    frequency and none of the other's; None when no variable's files differ so.

    Parameters
    ----------
    infos : sequence of _FileTimes
        The files' time axes (forecast files, whose valid times interleave, are passed over).
    files : sequence of Path
        Every file given, which a glob must take or leave as their frequency says.

    Returns
    -------
    ClimannError or None
    """
    for group in _groups([info for info in infos if not info.forecast]):
        own = {info.path: _group_frequency([info]) for info in group if len(info.times) > 1}
        kinds = list(dict.fromkeys(kind for kind in own.values() if kind is not None))
        if len(kinds) < 2:
            continue
        by_kind = {kind: [info for info in group if own.get(info.path) == kind] for kind in kinds}
        pairs = [(one, other) for one in by_kind[kinds[0]] for kind in kinds[1:] for other in by_kind[kind]
                 if one.times.min() <= other.times.max() and other.times.min() <= one.times.max()]
        if not pairs:
            continue
        one, other = pairs[0]
        shared = ", ".join(sorted(one.variables & other.variables))
        globs = [_frequency_glob(info, [each for each in group if own.get(each.path) != own[info.path]], files)
                 for info in (other, one)]
        ways = " or ".join(f"--data {glob} ({own[info.path]})" for glob, info in zip(globs, (other, one)) if glob)
        way = (f"give the files of one frequency, e.g. {ways}" if ways else
               f"leave {one.path.name} or {other.path.name} out of the files given")
        return ClimannError(
            f"{one.path.name} holds {shared} {own[one.path]} ({_dates_text(one.times)}) and {other.path.name} "
            f"{own[other.path]} ({_dates_text(other.times)}): one variable at two frequencies, two versions of one "
            f"series (CLIMDEX/ETCCDI archives ship an index's _mon_ and _yr_ files side by side), not one series "
            f"held twice ([data] overlap does not apply); {way}"
        )
    return None


def _frequency_glob(info: _FileTimes, others: Sequence[_FileTimes], files: Sequence[Path]) -> str | None:
    """A glob over ``info``'s folder, quoted for the shell, taking ``info``'s file and none of
    ``others`` (the files of the variable's other frequency): ``'data/*_yr_*'`` from the word its name
    differs in (``yr`` of ``txxETCCDI_yr_…`` beside ``txxETCCDI_mon_…``), the other files given in
    that folder kept when it takes them; None when there is no such word."""
    from climann.data.renames import _own_word

    names = {Path(each).name for each in files} | {info.path.name}
    for other in others:
        word = _own_word(info.path, other.path)
        pattern = f"*_{word}_*"
        taken = {name for name in names if fnmatch.fnmatch(name, pattern)}
        if info.path.name in taken and not taken & {each.path.name for each in others}:
            return shlex.quote(f"{working_path(info.path.parent)}/{pattern}")
    return None


def time_steps_to_keep(
    files: Sequence[Path], open_file: Callable[[Path], xr.Dataset], *, overlap: str = "error",
    renames: FileRenames | None = None,
) -> dict[str, tuple[str, np.ndarray]]:
    """Which time steps of which files to keep so that no period is held twice.

    Parameters
    ----------
    files : sequence of Path
        Files combined along time (and variables).
    open_file : callable
        Opens one file lazily with its times decoded, as the files are combined
        (``climann.data.open``: the right engine for NetCDF, Zarr or GRIB). The dataset is
        not closed here: the caller owns it.
    overlap : {"error", "first", "last"}
        See the module description.
    renames : FileRenames, optional
        The run's renames of ``files``, which a rename advised is merged with.

    Returns
    -------
    dict of str to (str, ndarray of int)
        For each file (by its real path) that loses time steps: its time dimension and the
        indices of the steps kept. Empty when nothing is held twice.

    Raises
    ------
    ClimannError
        With ``overlap = "error"``, naming the files (or the file) and the periods held twice;
        whatever ``overlap``, when which periods are held twice depends on the reading of
        stamps on a period's first instant without bounds (with the bounds for each reading).
    """
    infos = [info for info in (file_times(Path(path), open_file) for path in files) if info is not None]
    if (refusal := _two_frequencies_refusal(infos, [Path(path) for path in files])) is not None:
        raise refusal
    _with_periods(infos)
    for info in infos:
        info.keep = _unrepeated(info, overlap)
    infos.sort(key=lambda info: (info.periods().min(), info.kept.min()))
    _resolve_overlaps(infos, overlap, renames, [Path(path) for path in files])
    return {
        os.path.realpath(info.path): (info.name, info.keep) for info in infos if len(info.keep) < len(info.times)
    }


def keep_times(selections: Mapping[str, tuple[str, np.ndarray]], dataset: xr.Dataset) -> xr.Dataset:
    """The dataset of one file with only the time steps :func:`time_steps_to_keep` chose (lazy)."""
    source = dataset.encoding.get("source")
    chosen = selections.get(os.path.realpath(source)) if source else None
    if chosen is None:
        return dataset
    name, keep = chosen
    if not len(keep):  # every step held by another file, whose values are kept: its fields without time only
        return dataset.drop_dims(name)
    return dataset.isel({name: keep})


#: Messages already logged, so that a run opening its files twice says it once.
_NOTED_ORDER: set[str] = set()


def interleaved_forecasts_joined(parts: Sequence[xr.Dataset], **combine: object) -> list[xr.Dataset]:
    """The parts to combine, those of forecast files (:func:`_is_forecast`) with the same
    variables along time whose valid times interleave joined into one, in time order.

    ECMWF's S2S reforecasts come one file per model version date, each holding its 20 years'
    starts (2 January 2000 … 2019 in one, 9 January 2000 … 2019 in the next): their spans
    overlap but no valid time is in both (:func:`_shared`), and
    :func:`xarray.combine_by_coords`, which puts whole files one after another, cannot order
    them ("does not have monotonic global indexes"). :func:`xarray.concat` of the parts then
    ``sortby`` of the time gives the 40 starts in order, lazily, as one file holding both
    along ``hdate`` would (break41c C2). So are the files of any series whose steps interleave
    once no step is held twice: a file lying inside another's span, kept with ``overlap = "last"``,
    leaves the other's steps before it and after it (those after it were dropped in silence
    before, fix45f).

    Parameters
    ----------
    parts : sequence of xarray.Dataset
        As given to :func:`xarray.combine_by_coords`, on one time name.
    **combine
        Its keyword arguments (``data_vars``, ``coords``, ``compat``, ``join``,
        ``combine_attrs``), for :func:`xarray.concat`.

    Returns
    -------
    list of xarray.Dataset
        The parts, each joined group in the place of its first part; ``parts`` as given when
        none interleave.
    """
    groups: dict[tuple, list[int]] = {}
    for index, part in enumerate(parts):
        time = time_coordinate(part)
        if time is None or time not in part.dims or time not in part.indexes:
            continue
        names = frozenset(str(name) for name, variable in part.data_vars.items() if time in variable.dims)
        groups.setdefault((time, names), []).append(index)
    joined, left_out = list(parts), set()
    for (time, _), members in groups.items():
        ordered = sorted(members, key=lambda index: parts[index].indexes[time][0])
        stamps = np.concatenate([np.asarray(parts[index].indexes[time].values) for index in ordered])
        if len(members) < 2 or all(one < two for one, two in zip(stamps[:-1], stamps[1:])):
            continue  # one after another: combine_by_coords joins them
        if len(set(stamps)) < len(stamps):
            continue  # a step held twice: refused or resolved as such (combine_by_coords says which)
        joined[members[0]] = xr.concat([parts[index] for index in ordered], dim=time, **combine).sortby(time)
        left_out.update(members[1:])
    return [part for index, part in enumerate(joined) if index not in left_out]


def sorted_in_time(dataset: xr.Dataset, where: str = "the data") -> xr.Dataset:
    """``dataset`` with its steps in increasing time, after a warning (once) when they were not.

    A file whose years are stored out of order (``cdo mergetime`` of unsorted inputs,
    ``ncrcat`` in shell-glob order) holds the same data as the sorted file: its steps are
    sorted by time (:meth:`xarray.Dataset.sortby`, lazy; bounds and every time-varying variable
    follow), as ``cdo sorttime`` would. Repeated times are not sorted here: they are refused
    or resolved by ``[data] overlap`` when the files are opened (see :func:`keep_times`).

    Parameters
    ----------
    dataset : xarray.Dataset
    where : str
        The files, for the message.

    Returns
    -------
    xarray.Dataset
    """
    if (name := time_coordinate(dataset)) is None:
        return dataset
    index = dataset.indexes.get(name)
    # the target's steps read for a forecast's persistence lead the axis, each part in order by itself
    # (climann.data.earlier_steps): the days before the starts within the period come before its first
    apart = steps_before_common(dataset)
    if (index is None or len(index) < 2 or not index.is_unique
            or all(part.is_monotonic_increasing for part in (index[:apart], index[apart:]))):
        return dataset
    if not isinstance(index, (pd.DatetimeIndex, xr.CFTimeIndex)):
        # not decoded as dates (numbers, or text: pandas' StringDtype is no NumPy type, fix37j): refused with
        # the way to write them as dates, not sorted (text sorts by its characters: '10-Jan' before '2-Jan')
        return dataset
    times = index.values
    backwards = times[1:] < times[:-1]
    if apart:
        backwards[apart - 1] = False  # the period's first step after the last read for persistence
    first = int(np.flatnonzero(backwards)[0])
    message = (
        f"{where}: the time axis is not in order ({date_text(times[first + 1])} comes after "
        f"{date_text(times[first])}); its steps are sorted by time, as `cdo sorttime` would"
    )
    if message not in _NOTED_ORDER:
        _NOTED_ORDER.add(message)
        logging.getLogger(__name__).warning("%s", with_store_notes(message))
    if apart:
        order = np.concatenate([np.argsort(times[:apart], kind="stable"),
                                apart + np.argsort(times[apart:], kind="stable")])
        return dataset.isel({name: order})
    return dataset.sortby(name)
