"""Maps of any prediction file (``climann plot FILE.nc``): a ``climann predict`` output, an
``evaluate --out`` folder's or a run's ``predictions.nc``, NetCDF or Zarr.

One figure: truth, prediction and error (prediction − truth) when the file holds the truth,
the prediction alone otherwise; of one time (``--time``) or of the mean over the file. A time
is a year (``2019``), a month (``2019-07``) or a day (``2019-07-16``) in the file's calendar:
the steps in that year, month or day are drawn (their mean when there are several: on hourly
data, a day is the mean of its 24 steps); a day without a step is drawn from the nearest step,
if it lies within the file's period. On sub-daily data, an hour of a day (``2023-07-01T13``,
``2023-07-01T13:30``) draws its step, or the nearest (said in the title).
"""

from __future__ import annotations

import logging
import re
import warnings
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import cftime
import dask
import numpy as np
import xarray as xr

from climann.atomic import claimed_output
from climann.data.layout import GridLayout
from climann.data.open import open_input
from climann.data.time_axis import DATE_FORMS, date_parts, date_text, year_text, year_zero_problem
from climann.errors import ClimannError, library_message
from climann.evaluation.figures.maps import draws_maps, plot_prediction_maps, truth_mean_shown
from climann.evaluation.figures.runs import layout_from_predictions
from climann.evaluation.figures.style import _period

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileMaps:
    """What :func:`plot_prediction_file` draws.

    Attributes
    ----------
    layout : GridLayout
        The file's grid and target.
    prediction : ndarray, shape (n_lat, n_lon)
    truth : ndarray, shape (n_lat, n_lon), or None when the file has no truth
        With a mean over several steps, both are means over the values where both are
        present, so that their difference is the mean error of each cell.
    steps : ndarray of int
        The time steps drawn (their mean when several).
    label : str
        For the file name: ``mean``, or the time drawn (``2019-07``, ``2019-07-16``).
    when : str
        For the title: "on 2019-07-16", "in 2019-07" (one monthly step), "in 2010" (one yearly step),
        "in 2019-07 (mean of 31 steps)", "mean over 1980–2019 (480 steps)"; a mean over time cells of
        unequal lengths (CF bounds: months, dekads of 10, 10 and 8 days) is weighted by their days and says
        so (:func:`cell_lengths`), and a day that opens a cell longer than a day draws that cell's step,
        titled by its days ("in 1995-02-21 to 1995-02-28").
    """

    layout: GridLayout
    prediction: np.ndarray
    truth: np.ndarray | None
    steps: np.ndarray
    label: str
    when: str


def open_prediction_file(path: str | Path) -> xr.Dataset:
    """Open a prediction file lazily (dask), times decoded to cftime.

    Raises
    ------
    ClimannError
        If it does not exist or is not a NetCDF file or Zarr store.
    """
    path = Path(path)
    if not path.exists():
        raise ClimannError(f"{path} not found; give a file written by climann predict or evaluate (or a run directory)")
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*consolidated metadata.*")
            return open_input(path, chunks={}, decode_times=xr.coders.CFDatetimeCoder(use_cftime=True))
    except (OSError, ValueError, TypeError, KeyError) as error:
        reason = library_message(error)
        raise ClimannError(f"cannot read {path} as a prediction file: {reason}") from None


def prediction_target(dataset: xr.Dataset, where: str) -> str:
    """The target of a prediction file: the name before ``_pred`` of its one ``<target>_pred``.

    Raises
    ------
    ClimannError
        If there is no ``<target>_pred`` variable, or several.
    """
    names = [str(name)[: -len("_pred")] for name in dataset.data_vars if str(name).endswith("_pred")]
    if len(names) != 1:
        found = f"several: {', '.join(f'{n}_pred' for n in names)}" if names else "none"
        raise ClimannError(f"{where} is not a climann prediction file: it needs one <target>_pred variable ({found})")
    return names[0]


def _range(times: np.ndarray) -> str:
    return f"{date_text(times[0], precision='day')} … {date_text(times[-1], precision='day')} ({len(times)} steps)"


def time_steps(
    times: np.ndarray, text: str, *, where: str, bounds: np.ndarray | None = None, dates: np.ndarray | None = None
) -> tuple[np.ndarray, str, bool]:
    """The steps of ``times`` that ``text`` (YYYY, YYYY-MM or YYYY-MM-DD, a negative year with its
    sign: :func:`~climann.data.time_axis.date_parts`; or YYYY-MM-DDTHH[:MM]) names, and its label.

    A year or a month: every step in it. A day: the step whose time cell of a day or more (CF bounds, lower bound
    included) holds the day's start, whatever its stamp (break50a A2); else its steps (all 24 of hourly data);
    else the step whose time cell holds the day's start, when the file has bounds (on
    monthly data, 2019-07-01 is in July's step, dated 2019-07-16); else the nearest step when
    the day lies within the file's period (extended by half a step at either end). An hour
    of a day (break40b B8): its step; else, as for a day, the step of the cell holding it or
    the nearest.

    Parameters
    ----------
    times : ndarray of cftime.datetime, shape (n_time,)
        Increasing.
    text : str
    where : str
        The file, for messages.
    bounds : ndarray of cftime.datetime, shape (n_time, 2), optional
        The time cells.
    dates : ndarray of cftime.datetime, shape (n_time,), optional
        The dates a year or a month takes its steps by, when not ``times``: the middles of the cells
        inferred for stamps without bounds (:func:`inferred_time_cells`).

    Returns
    -------
    steps : ndarray of int
    label : str
        ``2019``, ``2019-07``, the day drawn (``2019-07-16``), or the hour drawn
        (``2023-07-01T13``, ``2023-07-01T1330``); years as
        :func:`~climann.data.time_axis.year_text` writes them (``-0009-07``).
    nearest : bool
        Whether the day or hour had no step of its own: the step of the cell holding it, or the nearest.

    Raises
    ------
    ClimannError
        A malformed time, a day that is not in the calendar, or a time outside the file
        (naming the file's first and last dates).
    """
    hour = _HOUR.match(text.strip())
    parts = date_parts(hour.group("date") if hour else text)
    if parts is None or (hour is not None and len(parts) < 3):
        raise ClimannError(f"--time '{text}' is not a date: give {DATE_FORMS}, or an hour of a day, "
                           "YYYY-MM-DDTHH or YYYY-MM-DDTHH:MM")
    year, month, day = (*parts, None, None)[:3]
    if month is not None and not 1 <= month <= 12:
        raise ClimannError(f"--time {text} is not a month: months are 01 to 12 (e.g. {year_text(year)}-12)")
    no_year = year_zero_problem(year, times[0].calendar)
    if no_year:
        raise ClimannError(f"--time {text} is year 0: {no_year}; its times: {_range(times)}")
    absent = f"{where} has no time step in {text}; its times: {_range(times)}"
    if day is None:
        inside = np.array([t.year == year and (month is None or t.month == month)
                           for t in (times if dates is None else dates)])
        if not inside.any():
            raise ClimannError(absent)
        return np.flatnonzero(inside), year_text(year) + ("" if month is None else f"-{month:02d}"), False
    try:
        date = cftime.datetime(year, month, day, calendar=times[0].calendar)
    except ValueError:
        raise ClimannError(f"--time {text} is not a day of the file's calendar ({times[0].calendar})") from None
    if hour is not None:
        return _hour_step(times, date, hour, text, bounds=bounds, absent=absent)
    same_day = np.flatnonzero([(t.year, t.month, t.day) == (year, month, day) for t in times])
    # a cell of a day or more holding the day is its step, whatever the stamps (break50a A2: a dekad stamped on its
    # last day, 20 July, is not the dekad of 21 July; CESM's January mean stamped 1 February is not February's)
    holding = np.flatnonzero([low <= date < high and (high - low).total_seconds() >= 86_400 for low, high in bounds]
                             ) if bounds is not None else np.array([], int)
    if holding.size:
        step = int(holding[0])
        own = (times[step].year, times[step].month, times[step].day) == (year, month, day) or bounds[step][0] == date
        return np.array([step]), date_text(times[step], precision="day"), not own
    if same_day.size:
        return same_day, date_text(date, precision="day"), False
    opening = np.flatnonzero([low == date for low, _ in bounds]) if bounds is not None else np.array([], int)
    if opening.size:  # the first day of a step's cell (a dekad's stamp in its source file): that step, not "nearest"
        return opening[:1], date_text(times[opening[0]], precision="day"), False
    step = _step_at(times, date, bounds=bounds, absent=absent)
    return np.array([step]), date_text(times[step], precision="day"), True


#: A day and an hour (``2023-07-01T13``, ``2023-07-01T13:30``, or with a space for the T).
#: A label naming a day ("2019-07-16", "2023-07-01 13:00"), which a title says "on"; a month or a year it says "in".
_WITH_A_DAY = re.compile(r"^-?\d+-\d{2}-\d{2}")
_HOUR = re.compile(r"^(?P<date>.+?\d)[T ](?P<hour>\d{1,2})(?::(?P<minute>\d{2}))?$")


def _hour_step(times: np.ndarray, day: object, hour: re.Match, text: str, *, bounds: np.ndarray | None,
               absent: str) -> tuple[np.ndarray, str, bool]:
    """The step at ``day`` and ``hour`` (the match of :data:`_HOUR`), else the step of the
    time cell holding it or the nearest (:func:`_step_at`); labelled ``2023-07-01T13`` (a name
    for a file: no colon), ``2023-07-01T1330`` with minutes, after the step drawn."""
    hours, minutes = int(hour.group("hour")), int(hour.group("minute") or 0)
    if hours > 23 or minutes > 59:
        raise ClimannError(f"--time {text} is not an hour of the day: hours are 00 to 23, minutes 00 to 59")
    date = day + timedelta(hours=hours, minutes=minutes)
    same = np.flatnonzero([t == date for t in times])
    step, nearest = (int(same[0]), False) if same.size else (_step_at(times, date, bounds=bounds, absent=absent), True)
    drawn = times[step]
    label = f"{date_text(drawn, precision='day')}T{drawn.hour:02d}" + (f"{drawn.minute:02d}" if drawn.minute else "")
    return np.array([step]), label, nearest


def _step_at(times: np.ndarray, date: object, *, bounds: np.ndarray | None, absent: str) -> int:
    """The step whose time cell (CF bounds, lower bound included) holds ``date``, else the
    nearest step when ``date`` lies within the file's period (extended by half a step at
    either end); refused with ``absent`` otherwise."""
    if bounds is not None:
        holding = np.flatnonzero([low <= date < high for low, high in bounds])
        if holding.size:
            return int(holding[0])
    seconds = np.array([(t - date).total_seconds() for t in times])
    half_step = np.median(np.abs(np.diff(seconds))) / 2 if len(times) > 1 else 0.0
    if seconds[0] - half_step > 0 or seconds[-1] + half_step < 0:
        raise ClimannError(absent)
    return int(np.argmin(np.abs(seconds)))


def _time_bounds(dataset: xr.Dataset, time_name: str) -> np.ndarray | None:
    """The time cells of the file as dates (n_time, 2), when it has CF bounds of time."""
    name = dataset[time_name].attrs.get("bounds")
    if name not in dataset.variables or dataset[name].ndim != 2:
        return None
    values = np.asarray(dataset[name].values)
    return values if all(hasattr(value, "calendar") for value in values.ravel()) else None


def inferred_time_cells(times: np.ndarray, where: str) -> tuple[np.ndarray | None, np.ndarray | None]:
    """The time cells and their middles of a file without time bounds, when dating its steps by them
    moves one into another month than its stamp's, as a run dates them
    (:func:`~climann.data.time_cells.inferred_cells`: a pentad stamped on its first day is the pentad
    beginning there, a weekly mean stamped at 00:00 the 7 days beginning there); (None, None) otherwise.
    ``plot --time 1980-07`` of NOAA PSL's pentads left out 29 June – 3 July, 3 of its 5 days in July
    (break49e A1). Said in one warning line naming the first step moved.

    Parameters
    ----------
    times : ndarray of cftime.datetime, shape (n_time,)
        The file's stamps.
    where : str
        The file, for the warning.

    Returns
    -------
    (ndarray of cftime.datetime of shape (n_time, 2), ndarray of cftime.datetime of shape (n_time,))
        or (None, None)
    """
    from climann.data.time_axis import axis_time_step
    from climann.data.time_cells import cell_middles, inferred_cells

    if len(times) < 2 or not all(hasattr(time, "calendar") for time in times):
        return None, None
    found = inferred_cells(times, axis_time_step(times))
    middles = None if found is None else cell_middles(times, found[0])
    if middles is None:
        return None, None
    moved = np.flatnonzero([(s.year, s.month) != (m.year, m.month) for s, m in zip(times, middles)])
    if not moved.size:
        return None, None
    step, doubt = int(moved[0]), found[1] or "cell"
    _log.warning(f"{where} has no time bounds: a year or month takes each step by the middle of the {doubt} "
                 f"beginning at its stamp, as a run dates it (the one stamped {date_text(times[step])}, middle "
                 f"{date_text(middles[step])}, is in {middles[step].strftime('%B')}); time_bnds in the file say "
                 "otherwise (CF 7.1)")
    return found[0], middles


def period_time_cells(times: np.ndarray) -> np.ndarray | None:
    """The cells of a file's times without bounds that are of a calendar of periods restarting each year or
    month (dekads, pentads, N-day composites), each the period that holds its stamp
    (:func:`~climann.data.composites.period_cells`), as a run dates them; None for other times. A day given
    to ``plot --time`` then draws the period that holds it, not the stamp nearest (break50a A2: Copernicus
    Global Land's dekads, stamped on their last day, in a ``predictions.nc`` written before 7 December 2026).

    Parameters
    ----------
    times : ndarray of cftime.datetime, shape (n_time,)

    Returns
    -------
    ndarray of cftime.datetime, shape (n_time, 2), or None
    """
    from climann.data.composites import period_cells

    if len(times) < 2 or not all(hasattr(time, "calendar") for time in times):
        return None
    found = period_cells(list(times))
    return None if found is None else found[1]


def _mean_over_time(field: xr.DataArray, dim: str, weights: np.ndarray | None = None
                    ) -> tuple[xr.DataArray, xr.DataArray]:
    """The sum of the present values along ``dim`` and their count (lazy); with ``weights``
    (shape (n_steps,), the cells' lengths), the weighted sum and the sum of the weights of the
    present values."""
    if weights is None:
        return field.sum(dim, skipna=True, dtype=np.float64), field.count(dim)
    weight = xr.DataArray(np.asarray(weights, np.float64), dims=dim)
    return (field.astype(np.float64) * weight).sum(dim, skipna=True), (field.notnull() * weight).sum(dim)


def cell_lengths(bounds: np.ndarray | None, steps: np.ndarray) -> np.ndarray | None:
    """The lengths in days of the time cells of ``steps`` (CF bounds, :func:`_time_bounds`), when
    they differ (dekads of 10, 10 and 8 days, months of 28 to 31): the weights of a mean over them,
    as of every mean of unequal cells (a month's mean of its dekads is their day-weighted mean);
    None without bounds or when every cell is as long (the plain mean is the same)."""
    if bounds is None or steps.size < 2:
        return None
    days = np.array([(high - low).total_seconds() / 86400.0 for low, high in bounds[steps]])
    return days if np.ptp(days) > 1e-9 * days.max() else None


def _cell_text(bounds: np.ndarray, step: int) -> str:
    """A time cell of more than a day as its first and last days ("1995-02-21 to 1995-02-28", its
    upper bound excluded), for a title."""
    low, high = bounds[step]
    last = high - timedelta(days=1) if (high.hour, high.minute, high.second) == (0, 0, 0) else high
    return f"{date_text(low, precision='day')} to {date_text(last, precision='day')}"


def prediction_file_maps(dataset: xr.Dataset, *, time: str | None = None, where: str = "the file") -> FileMaps:
    """The maps :func:`plot_prediction_file` draws from an opened prediction file.

    Parameters
    ----------
    dataset : xarray.Dataset
        From :func:`open_prediction_file`.
    time : str, optional
        YYYY, YYYY-MM or YYYY-MM-DD (see :func:`time_steps`); None: the mean over the file.
    where : str
        The file, for messages and titles.

    Returns
    -------
    FileMaps

    Raises
    ------
    ClimannError
        Not a prediction file, or a time it does not hold.
    """
    target = prediction_target(dataset, where)
    layout = layout_from_predictions(dataset, target)
    dims = (layout.time.name, layout.latitude.name, layout.longitude.name)
    times = np.asarray(layout.time.values)
    bounds, dates = _time_bounds(dataset, layout.time.name), None
    if bounds is None:
        bounds, dates = inferred_time_cells(times, where)
    if time is None:
        steps, label = _labelled_steps(dataset, times.size), "mean"
        weights = cell_lengths(bounds, steps)
        weighted = "" if weights is None else ", weighted by their time cells' days"
        when = f"mean over {_period([times[k].year for k in steps])} ({steps.size} steps{weighted}) from {where}"
    else:
        # a day takes the period holding it (break50a A2: the stamp nearest to 21 July, a dekad's 20 July, was drawn)
        day_cells = bounds if bounds is not None else period_time_cells(times)
        # a day's map is named by its step's stamp in the file (the dekad's 2020-07-31), not its cell's middle
        stamps = np.asarray(dataset[layout.time.name].values)
        by_stamps = (_WITH_A_DAY.match(time.strip()) and not _HOUR.match(time.strip()) and stamps.shape == times.shape
                     and all(hasattr(stamp, "calendar") for stamp in stamps))
        steps, label, nearest = (time_steps(stamps, time, where=where, bounds=day_cells) if by_stamps else
                                 time_steps(times, time, where=where, bounds=day_cells, dates=dates))
        weights = cell_lengths(bounds, steps)
        # an hour's step shown as climann's messages show a time (2023-07-01 13:00), not as its file's label
        shown = date_text(times[steps[0]], precision="minute") if _HOUR.match(time.strip()) else label
        days = (bounds[steps[0]][1] - bounds[steps[0]][0]).total_seconds() / 86400.0 if bounds is not None else 0
        if steps.size == 1 and days > 1 and _WITH_A_DAY.match(time.strip()) and not _HOUR.match(time.strip()):
            shown = _cell_text(bounds, int(steps[0]))  # a dekad asked by a day: "1995-02-21 to 1995-02-28"
        if nearest:  # a day inside a longer cell is in it, not near its stamp (break51 N5: July's 16th for the 20th)
            held = day_cells is not None and _cell_holds(day_cells[steps[0]], time, times[0].calendar)
            shown = f"{shown} (the {'cell that holds' if held else 'step nearest to'} {time})"
        # a day (or an hour) is "on", a month or a year "in" (break45d: "on 2010" for a yearly step)
        preposition = "on" if _WITH_A_DAY.match(shown) and " to " not in shown else "in"
        lengths = "" if weights is None else ", ".join(f"{length:g}" for length in weights)
        counted = "" if weights is None else f", weighted by their time cells' days: {lengths}"
        when = f"{preposition} {shown}" if steps.size == 1 else f"in {shown} (mean of {steps.size} steps{counted})"
        when += f" from {where}"
    fields = {"prediction": dataset[f"{target}_pred"]}
    if target in dataset:
        fields["truth"] = dataset[target]
    fields = {name: field.isel({dims[0]: steps}).transpose(*dims) for name, field in fields.items()}
    if steps.size > 1 and "truth" in fields:  # the mean where both are present: their difference is the bias
        both = fields["prediction"].notnull() & fields["truth"].notnull()
        fields = {**{name: field.where(both) for name, field in fields.items()}, "own truth": fields["truth"]}
    sums = dask.compute({name: _mean_over_time(field, dims[0], weights) for name, field in fields.items()})[0]
    maps = {name: np.divide(total.values, count.values, out=np.full(count.shape, np.nan), where=count.values > 0)
            for name, (total, count) in sums.items()}
    truth = maps.get("truth") if "own truth" not in maps else truth_mean_shown(maps["truth"], maps["own truth"])
    return FileMaps(layout, maps["prediction"], truth, steps, label, when)


def _cell_holds(cell: np.ndarray, text: str, calendar: str) -> bool:
    """Whether the time cell ``cell`` [start, end) holds the start of the day or hour ``text``
    (YYYY-MM-DD or YYYY-MM-DDTHH[:MM], a time :func:`time_steps` read)."""
    hour = _HOUR.match(text.strip())
    parts = date_parts(hour.group("date") if hour else text)
    if parts is None or len(parts) < 3:
        return False
    date = cftime.datetime(*parts[:3], calendar=calendar)
    if hour is not None:
        date += timedelta(hours=int(hour.group("hour")), minutes=int(hour.group("minute") or 0))
    return bool(cell[0] <= date < cell[1])


def _labelled_steps(dataset: xr.Dataset, n_time: int) -> np.ndarray:
    """The steps a prediction file's mean map is over, shape (n_steps,): those its ``split``
    labels as a block (train, val, test, all), leaving out the ``unused`` step read from
    before a ``--time-range`` for its first step's lags and persistence, which holds no
    prediction; every step when none is labelled (``predict``'s files have no ``split``)."""
    from climann.evaluation.predictions import split_labels

    if "split" not in dataset:
        return np.arange(n_time)
    labelled = np.flatnonzero(split_labels(dataset["split"]) != "")
    return labelled if labelled.size else np.arange(n_time)


def figure_name(path: str | Path, label: str) -> str:
    """``<file stem>_map_<label>.png``: figures of several files can share one folder."""
    return f"{Path(path).stem}_map_{label}.png"


def plot_prediction_file(
    path: str | Path, *, time: str | None = None, out: str | Path = ".", overwrite: bool = False, dpi: int = 150,
) -> list[Path]:
    """Draw a prediction file's maps into ``out`` (see the module's description).

    Parameters
    ----------
    path : str or Path
        A NetCDF file or Zarr store with a ``<target>_pred`` variable.
    time : str, optional
        YYYY, YYYY-MM or YYYY-MM-DD; None: the mean over the file.
    out : str or Path
        The folder for the figure (created if missing).
    overwrite : bool
        Replace a figure of the same name (only an image climann may have written).
    dpi : int

    Returns
    -------
    list of Path
        The figure written.

    Raises
    ------
    ClimannError
        A missing or unreadable file, one that is not a prediction file, a time it does
        not hold, or an existing figure without ``overwrite``.
    """
    from climann.workflow.outputs import prepare_output_folder

    if dpi < 1:
        raise ClimannError(f"--dpi must be a positive integer; got {dpi}")
    path = Path(path)
    with open_prediction_file(path) as dataset:
        maps = prediction_file_maps(dataset, time=time, where=path.name)
        if not draws_maps(maps.layout):  # a station: a map would be one square; its series instead
            return [_plot_cell_series(dataset, maps.layout, path, out=Path(out), overwrite=overwrite, dpi=dpi)]
    name = figure_name(path, maps.label)
    prepare_output_folder(out, [name], overwrite=overwrite, inputs=[path])
    with claimed_output(Path(out) / name, overwrite=overwrite, what="figure"):
        # again, now that no other climann draws it: the check and the drawing are one step
        prepare_output_folder(out, [name], overwrite=overwrite, inputs=[path])
        return [plot_prediction_maps(maps.layout, maps.prediction, maps.truth, when=maps.when,
                                     path=Path(out) / name, dpi=dpi)]


def _plot_cell_series(dataset: xr.Dataset, layout: GridLayout, path: Path, *, out: Path, overwrite: bool,
                      dpi: int) -> Path:
    """``<file stem>_series.png``: the truth (when the file holds it) and the prediction of a
    file of one grid cell over all its time steps, titled by where the cell lies (a run's
    ``area_mean_series.png`` of a station; :func:`~climann.evaluation.figures.plots.plot_area_mean_series`),
    both drawn where both are present
    (:func:`~climann.evaluation.scores.compared_area_means`)."""
    from climann.evaluation.figures.maps import cell_place
    from climann.evaluation.figures.plots import plot_area_mean_series
    from climann.evaluation.predictions import split_labels
    from climann.evaluation.scores import compared_area_means
    from climann.workflow.outputs import prepare_output_folder

    target = layout.target_name
    dims = (layout.time.name, layout.latitude.name, layout.longitude.name)
    names = {"truth": target, "model": f"{target}_pred"}
    grids = {label: np.asarray(dataset[name].transpose(*dims).values, np.float64)
             for label, name in names.items() if name in dataset}
    # compared where both are present, as a run's figure (one cell: its values where both have one)
    series = (compared_area_means(grids.pop("truth"), grids, np.ones(grids["model"].shape[1:])) if "truth" in grids
              else {"model": grids["model"].reshape(-1)})
    splits = split_labels(dataset["split"]) if "split" in dataset else np.full(layout.time.values.size, "")
    name = f"{path.stem}_series.png"
    prepare_output_folder(out, [name], overwrite=overwrite, inputs=[path])
    with claimed_output(out / name, overwrite=overwrite, what="figure"):
        prepare_output_folder(out, [name], overwrite=overwrite, inputs=[path])  # again, now that it is claimed
        return plot_area_mean_series(layout.time.values, series,
                                     units=str(dataset[names["model"]].attrs.get("units", "")), name=target,
                                     split_labels=list(splits), path=out / name, dpi=dpi, point=cell_place(layout))


def is_prediction_file(path: str | Path) -> bool:
    """Whether ``climann plot`` takes ``path`` for a prediction file rather than a run
    directory: an existing file, or a name ending in ``.nc``, ``.nc4`` or ``.zarr``."""
    path = Path(path)
    return path.is_file() or path.suffix in (".nc", ".nc4", ".zarr")
