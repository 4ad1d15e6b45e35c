"""Every figure of a run: drawn after training, or redrawn later from the run directory's files."""

from __future__ import annotations

import csv
import dataclasses
import json
import logging
import math
import shlex
import tomllib
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

import numpy as np
import xarray as xr

from climann.data.coords import find_coordinate
from climann.data.handles import open_netcdf
from climann.data.grids import axis_bounds, geographic_grid, grid_mapping_of
from climann.data.layout import Coordinate, GridLayout, geography_of
from climann.data.memory import DEFAULT_IN_MEMORY_LIMIT_GB
from climann.data.splits import compact_periods, season_year_note, season_years
from climann.data.stations import station_label
from climann.data.subset import season_months
from climann.data.time_axis import date_text
from climann.data.time_cells import times_at_cell_middles
from climann.data.variables import scalar_coordinates
from climann.errors import ClimannError
from climann.jsonfile import write_json
from climann.model.files import read_model
from climann.model.state import WEIGHTS_EPOCH_KEY
from climann.evaluation.predictions import PREDICTED_SUFFIX, split_labels, written_area_fraction, written_areas
from climann.evaluation.report import group_block, write_report
from climann.evaluation.scores import compared_area_means
from climann.evaluation.baselines import (
    CLIMATOLOGY_WINDOW_DAYS,
    climatology_from_sums,
    climatology_keys,
    climatology_prediction,
    run_climatology_per,
)
from climann.evaluation.figures.maps import (
    cell_place,
    cell_position,
    draws_maps,
    plot_anomaly_correlation_map,
    plot_error_maps,
    plot_mean_truth_prediction_error,
    plot_spread_map,
    plot_truth_prediction_error,
)
from climann.evaluation.figures.plots import (
    plot_area_mean_series,
    plot_learning_curves,
    plot_predicted_vs_observed,
    plot_skill_by_group,
)
from climann.evaluation.figures.style import (
    ENSEMBLE_FIGURE_FILES,
    FIGURE_FILES,
    METRICS_FIGURE_FILES,
    NO_MAPS_TEXT,
    _period,
)

_log = logging.getLogger(__name__)


#: The ``<target>_*`` variables of a predictions file that are not a baseline's prediction.
NOT_BASELINES = ("pred", "error", "extrapolated", "spread")

#: The key of ``metrics.json`` that says a run's test figures show every n-th test year only.
FIGURES_STRIDE_KEY = "figures_every_nth_test_year"


def _area_means(area: np.ndarray, truth: np.ndarray, predictions: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The series of the area-mean figure (:func:`~climann.evaluation.scores.compared_area_means`):
    the truth's area-weighted mean over the cells where it and the network's prediction are
    present, and each prediction compared with it on the cells where both have a value.

    ``area`` : (n_lat, n_lon) cell areas; ``truth`` and each prediction : (n_time, n_lat,
    n_lon); each mean : (n_time,), in the target's units. Each step's mean depends on that
    step alone, so a caller may pass any run of steps (a chunk of a file)."""
    return compared_area_means(truth, predictions, area)


def draw_figures(
    layout: GridLayout,
    truth: np.ndarray,
    predictions: Mapping[str, np.ndarray],
    split_labels: Sequence[str],
    history_train: Sequence[float],
    history_val: Sequence[float],
    *,
    loss_name: str,
    directory: str | Path,
    dpi: int = 150,
    climatology: np.ndarray | None = None,
    member_losses: Sequence[tuple[Sequence[float], Sequence[float]]] | None = None,
    area_mean_series: bool = True,
    test_period: str | None = None,
    weights_epoch: int | None = None,
    climatology_window_days: int = CLIMATOLOGY_WINDOW_DAYS,
    climatology_per: str | None = None,
) -> list[Path]:
    """Draw every figure of a run into ``directory`` (names in :data:`FIGURE_FILES`).

    The test block's figures: maps of its middle time step and of its mean, error maps,
    predicted versus observed; then the learning curves (left out when ``history_train``
    is empty), the area-mean series over all time steps and the map of the anomaly
    correlation over the test block (left out without a climatology). On a grid of one cell
    (a station) the maps are left out (:func:`~climann.evaluation.figures.maps.draws_maps`),
    and a log record says so (:data:`~climann.evaluation.figures.style.NO_MAPS_TEXT`).

    Parameters
    ----------
    layout : GridLayout
    truth : ndarray, shape (n_time, n_lat, n_lon)
    predictions : mapping of str to ndarray, shape (n_time, n_lat, n_lon)
        ``"model"`` (the network) and any baselines.
    split_labels : sequence of str, length n_time
        ``"train"``, ``"val"``, ``"test"`` or ``""``.
    history_train, history_val : sequence of float
        The loss per epoch.
    loss_name : str
    directory : str or Path
        An existing folder.
    dpi : int
    climatology : ndarray, shape (n_time, n_lat, n_lon), optional
        The training years' climatology of each step, the reference of the anomalies;
        default: ``predictions["climatology"]``, else computed from the truth of the steps
        labelled ``"train"`` (none: no anomaly correlation map), its days of year smoothed over
        ``climatology_window_days`` (the run's ``[evaluation] climatology_window_days``).
    member_losses : sequence of (train_loss, val_loss), optional
        An ensemble's members' losses per epoch: the learning curves show each member
        (:func:`~climann.evaluation.figures.plots.plot_learning_curves`).
    area_mean_series : bool, default True
        Draw the area-mean series from these grids. False when the caller draws it over
        more time steps than it passes here (a run evaluated chunk by chunk passes the test
        block's grids only, and has the area means of every step).
    test_period : str, optional
        The test block as the run's split names it (``metrics.json`` ``split_periods``, e.g.
        ``"1999-01 to 2000-01"``), for the maps' titles; default: its first and last years.
    weights_epoch : int, optional
        The epoch whose weights the run kept, marked on the learning curves.
    climatology_per : str, optional
        What the run's climatology is taken per (``metrics.json`` ``climatology_per``), named
        in the anomaly correlation map's caption; default: that of ``layout``'s time axis
        (:func:`~climann.evaluation.baselines.run_climatology_per`).

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    ClimannError
        If no time step is labelled ``"test"``.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    labels = np.asarray(split_labels, dtype=str)
    test = labels == "test"
    if not test.any():
        raise ClimannError("no time step is in the test split: nothing to draw the test figures from")
    model, name, units = predictions["model"], layout.target_name, layout.target_units
    test_steps = np.flatnonzero(test)
    maps = draws_maps(layout)
    paths = [
        plot_truth_prediction_error(layout, truth, model, time_index=int(test_steps[len(test_steps) // 2]),
                                    split="test", path=directory / FIGURE_FILES["map"], dpi=dpi),
        plot_mean_truth_prediction_error(layout, truth, model, time_steps=test, split="test", period=test_period,
                                         path=directory / FIGURE_FILES["mean_map"], dpi=dpi),
        plot_error_maps(layout, truth, model, time_steps=test, split="test", period=test_period,
                        path=directory / FIGURE_FILES["error_maps"], dpi=dpi),
    ] if maps else []
    if not maps:
        named = station_label(layout.scalar_coordinates) is not None  # a station by its stored id, not its index
        _log.info(NO_MAPS_TEXT.format(where=f", {cell_place(layout)}" if named else f" ({cell_position(layout)})"))
    paths.append(plot_predicted_vs_observed(model[test], truth[test], units=units, name=name, split="test",
                                            path=directory / FIGURE_FILES["predicted_vs_observed"], dpi=dpi))
    if len(history_train):
        paths.append(plot_learning_curves(history_train, history_val, loss_name=loss_name,
                                          path=directory / FIGURE_FILES["learning_curves"], dpi=dpi,
                                          member_losses=member_losses, weights_epoch=weights_epoch))
    if area_mean_series:
        series = _area_means(layout.cell_area_weights(), truth, predictions)
        paths.append(plot_area_mean_series(layout.time.values, series, units=units, name=name, split_labels=labels,
                                           path=directory / FIGURE_FILES["area_mean_series"], dpi=dpi,
                                           point=None if maps else cell_place(layout)))
    if not maps:
        return paths
    if climatology is None:
        climatology = predictions.get("climatology")
    if climatology is None and (labels == "train").any():
        climatology = climatology_prediction(truth, layout.time.values, labels == "train",
                                             window_days=climatology_window_days,
                                             value_step=layout.climatology_value_step, dates=layout.period_times())
    if climatology is not None:
        paths.append(plot_anomaly_correlation_map(layout, truth, model, climatology, time_steps=test, split="test",
                                                  period=test_period, climatology_per=climatology_per,
                                                  path=directory / FIGURE_FILES["anomaly_correlation_map"], dpi=dpi))
    return paths


def draw_skill_figure(metrics: dict, *, directory: str | Path, dpi: int = 150) -> list[Path]:
    """The figure of skill by season and region (:func:`plot_skill_by_group`) of the test
    block (the last block scored when there is none), as a list: empty when there is
    nothing to draw."""
    block = group_block(metrics)
    if block is None:
        return []
    path = Path(directory) / METRICS_FIGURE_FILES["skill_by_group"]
    path.parent.mkdir(parents=True, exist_ok=True)
    drawn = plot_skill_by_group(metrics, block=block, path=path, dpi=dpi)
    return [drawn] if drawn else []


#: Bytes of one value of a grid the figures hold: float64, whatever the file's type.
GRID_VALUE_BYTES = 8


def _grid_bytes(n_steps: int, n_cells: int, n_grids: int) -> int:
    """Bytes of ``n_grids`` float64 grids of ``n_steps`` time steps of ``n_cells`` cells."""
    return n_steps * n_cells * GRID_VALUE_BYTES * n_grids


def every_nth_test_year(
    times: np.ndarray, test: np.ndarray, *, n_cells: int, n_grids: int, limit_gb: float,
    months: Collection[int] = (),
) -> tuple[np.ndarray, int]:
    """The test block's time steps a run's figures show, and n: every n-th year of the block.

    The years are those the run's split counts (:func:`~climann.data.splits.season_years` of
    the whole time axis and the run's ``months``): with ``seasons = ["DJF"]`` a year is a
    winter, December with the next January and February, never a December alone. n is the
    smallest stride whose years' ``n_grids`` float64 grids stay under ``limit_gb`` (whole
    years: a subsample of months would alias the seasonal cycle), starting from ⌈bytes of
    every test step / limit⌉: a stride of n keeps ⌈years / n⌉ of the block's years, more than
    1/n of them when n does not divide the years. At least the block's first year is shown,
    whatever the limit: n is at most the number of years the block spans (last − first + 1),
    which keeps that first year alone.

    Parameters
    ----------
    times : ndarray of cftime.datetime, shape (n_time,)
        The run's whole time axis (a December's season year depends on the series' end).
    test : ndarray of bool, shape (n_time,)
        The test block's steps; at least one.
    n_cells : int
        Cells of one grid (n_lat · n_lon).
    n_grids : int
        Grids held at once (truth, predictions, climatology, spread).
    limit_gb : float
        ``[data] in_memory_limit_gb``, in GiB.
    months : collection of int
        The calendar months the run selected (``[data] months`` and ``seasons``); empty: all.

    Returns
    -------
    steps : ndarray of int, shape (n_shown,)
        Indices into ``times``, increasing.
    every : int
        n; 1 when every test year is shown (also when n > 1 leaves none out: a block of one year).
    """
    steps = np.flatnonzero(test)
    years = season_years(np.asarray(times), months)[steps]
    limit, span = limit_gb * 2**30, int(years[-1] - years[0]) + 1
    every = min(span, max(1, math.ceil(_grid_bytes(steps.size, n_cells, n_grids) / limit)))
    chosen = (years - years[0]) % every == 0
    while _grid_bytes(int(chosen.sum()), n_cells, n_grids) > limit and every < span:
        every += 1  # at most the block's span: then its first year alone
        chosen = (years - years[0]) % every == 0
    return steps[chosen], (1 if chosen.all() else every)


def shown_test_period(times: np.ndarray, steps: np.ndarray, months: Collection[int] = ()) -> str:
    """The years of the test steps a run's figures show, in the years the split counts:
    ``"1999–2010, every 3rd year"``, ``"2006 (December counted with the next year)"``.

    Parameters
    ----------
    times : ndarray of cftime.datetime, shape (n_time,)
        The run's whole time axis.
    steps : ndarray of int, shape (n_shown,)
        Indices into ``times`` (:func:`every_nth_test_year`).
    months : collection of int
        The calendar months the run selected; empty: all.
    """
    return _period(season_years(np.asarray(times), months)[steps]) + season_year_note(months)


def _time_chunks(n_time: int, *, n_cells: int, n_grids: int, limit_gb: float) -> list[slice]:
    """Runs of consecutive time steps whose ``n_grids`` float64 grids stay under ``limit_gb``
    (at least one step each), covering ``range(n_time)`` in order."""
    length = max(1, int(limit_gb * 2**30 // _grid_bytes(1, n_cells, n_grids)))
    return [slice(start, min(start + length, n_time)) for start in range(0, n_time, length)]


def _read_grids(dataset: xr.Dataset, names: Mapping[str, str], dims: Sequence[str],
                steps: slice | np.ndarray) -> dict[str, np.ndarray]:
    """The variables ``names`` (name in the file → label) at the time steps ``steps``, as
    float64 grids of shape (n_steps, n_lat, n_lon): only those steps are read."""
    subset = dataset.isel({dims[0]: steps})
    return {label: subset[name].transpose(*dims).values.astype(np.float64) for name, label in names.items()}


def _area_means_from_file(dataset: xr.Dataset, names: Mapping[str, str], layout: GridLayout, *,
                          limit_gb: float) -> dict[str, np.ndarray]:
    """:func:`_area_means` of every time step of the file, read in chunks of steps whose grids
    stay under ``limit_gb``: ``{label: ndarray, shape (n_time,)}``."""
    dims = (layout.time.name, layout.latitude.name, layout.longitude.name)
    parts = []
    for chunk in _time_chunks(layout.shape[0], n_cells=layout.n_cells, n_grids=len(names), limit_gb=limit_gb):
        grids = _read_grids(dataset, names, dims, chunk)
        parts.append(_area_means(layout.cell_area_weights(steps=chunk), grids.pop("truth"), grids))  # the chunk's
    return {label: np.concatenate([part[label] for part in parts]) for label in parts[0]}


def _climatology_from_file(dataset: xr.Dataset, layout: GridLayout, train: np.ndarray, *,
                           window_days: int) -> tuple[np.ndarray, np.ndarray]:
    """The training years' climatology of the truth (that of
    :func:`~climann.evaluation.baselines.seasonal_climatology`, value for value: the sums of
    each key smoothed over ``window_days`` by
    :func:`~climann.evaluation.baselines.climatology_from_sums`), read one season key at a
    time: as many grids as the block has years of that key.

    Returns
    -------
    climatology : ndarray, shape (12 or 366, n_lat, n_lon)
        NaN where no training value exists.
    season_index : ndarray of int, shape (n_time,)
        Each step's row of ``climatology``.
    """
    times = np.asarray(layout.time.values)
    dims = (layout.time.name, layout.latitude.name, layout.longitude.name)
    keys = climatology_keys(times, value_step=layout.climatology_value_step)
    key_of_step = keys.of(times, dates=layout.period_times())
    sums, counts = np.zeros((keys.count, *layout.shape[1:])), np.zeros((keys.count, *layout.shape[1:]))
    for key in np.unique(key_of_step[train]):
        steps = np.flatnonzero(train & (key_of_step == key))
        truth = _read_grids(dataset, {layout.target_name: "truth"}, dims, steps)["truth"]
        present = np.isfinite(truth)
        sums[key - 1], counts[key - 1] = np.where(present, truth, 0.0).sum(axis=0), present.sum(axis=0)
    climatology = climatology_from_sums(sums, counts, keys, calendar=times[0].calendar, window_days=window_days)
    return climatology, key_of_step - 1


def draw_figures_from_file(
    path: str | Path,
    layout: GridLayout,
    split_labels: Sequence[str],
    history_train: Sequence[float],
    history_val: Sequence[float],
    *,
    loss_name: str,
    limit_gb: float,
    directory: str | Path,
    dpi: int = 150,
    area_means: Mapping[str, np.ndarray] | None = None,
    climatology: np.ndarray | None = None,
    season_index: np.ndarray | None = None,
    n_members: int | None = None,
    test_period: str | None = None,
    weights_epoch: int | None = None,
    climatology_window_days: int = CLIMATOLOGY_WINDOW_DAYS,
    months: Collection[int] = (),
    climatology_per: str | None = None,
) -> tuple[list[Path], int]:
    """Draw a run's figures from its predictions file, holding at most ``limit_gb`` of grids:
    the one route of a run evaluated chunk by chunk and of ``climann plot RUN_DIR``.

    The test block's maps, error maps, density and anomaly correlation map (and an ensemble's
    spread map) are drawn with :func:`draw_figures` from the test steps of every n-th year of
    the block, in the years the run's split counts (:func:`every_nth_test_year`: n = 1 unless the
    float64 grids of every test step would exceed ``limit_gb``; the titles name the first and
    last year shown, :func:`shown_test_period`); the area-mean series
    over every time step, from ``area_means`` or else from the file, read in chunks under
    ``limit_gb``. The anomalies are taken from the file's climatology baseline, else from
    ``climatology[season_index]``, else from the training years' climatology of the file's
    truth (:func:`~climann.evaluation.baselines.seasonal_climatology`, read a season key at a
    time).

    Parameters
    ----------
    path : str or Path
        A predictions file (:func:`climann.evaluation.predictions.write_predictions`).
    layout : GridLayout
        Its grid and time axis (time values as cftime datetimes).
    split_labels : sequence of str, length n_time
        ``"train"``, ``"val"``, ``"test"`` or ``""`` for each step of the file.
    history_train, history_val : sequence of float
        The loss per epoch (no learning curves when empty).
    loss_name : str
    limit_gb : float
        ``[data] in_memory_limit_gb`` of the run, in GiB (> 0).
    directory : str or Path
        The folder for the figures (created if missing).
    dpi : int
    area_means : mapping of str to ndarray, shape (n_time,), optional
        The series of the area-mean figure at every step: ``"truth"``, ``"model"`` and the
        baselines, each compared with the truth on the cells where both are present
        (:func:`~climann.evaluation.scores.compared_area_means`), in the target's units (a
        chunked evaluation takes them chunk by chunk); default: computed from the file.
    climatology : ndarray, shape (n_seasons, n_lat, n_lon), optional
        The training years' mean of each season key and cell, in the target's units; used
        when the file has no climatology baseline.
    season_index : ndarray of int, shape (n_time,), optional
        Each step's row of ``climatology``; needed with it.
    n_members : int, optional
        An ensemble's size, for the spread map's title (default: from ``<target>_spread``).
    test_period : str, optional
        The test block as the run's split names it (``metrics.json`` ``split_periods``), for
        the maps' titles when every test year is shown; with every n-th, the years shown.
    weights_epoch : int, optional
        The epoch whose weights the run kept, marked on the learning curves.
    climatology_window_days : int
        The run's ``[evaluation] climatology_window_days``, for a climatology computed from
        the file's truth.
    months : collection of int
        The calendar months the run selected (``[data] months`` and ``seasons``; empty: all):
        with months crossing the year boundary the test years are season years, as the split's.
    climatology_per : str, optional
        What the run's climatology is taken per (``metrics.json`` ``climatology_per``), for the
        anomaly correlation map's caption; default: that of ``layout``'s whole time axis
        (:func:`~climann.evaluation.baselines.run_climatology_per`), never of the test steps drawn.

    Returns
    -------
    figures : list of Path
        The files written.
    every : int
        n, the test years' stride; 1 when every test year is shown.

    Raises
    ------
    ClimannError
        If no step is labelled ``"test"``.
    """
    labels, directory = np.asarray(split_labels, dtype=str), Path(directory)
    if not (labels == "test").any():
        raise ClimannError("no time step is in the test split: nothing to draw the test figures from")
    target, times = layout.target_name, np.asarray(layout.time.values)
    dims = (layout.time.name, layout.latitude.name, layout.longitude.name)
    with open_netcdf(path, decode_times=False) as dataset:
        baselines = {f"{target}_{name}": name for name in _baselines(dataset, target)}
        names = {target: "truth", f"{target}_pred": "model", **baselines}
        if area_means is None:
            area_means = _area_means_from_file(dataset, names, layout, limit_gb=limit_gb)
        if "climatology" in names.values():  # the baseline read for the maps is the reference: no second grid
            climatology = season_index = None
        elif climatology is None and (labels == "train").any():
            climatology, season_index = _climatology_from_file(dataset, layout, labels == "train",
                                                               window_days=climatology_window_days)
        spread = f"{target}_spread" if f"{target}_spread" in dataset else None
        if spread is not None and n_members is None:
            n_members = _ensemble_size(dataset[spread])
        anomalies = climatology is not None and season_index is not None
        n_grids = len(names) + anomalies + (spread is not None)
        steps, every = every_nth_test_year(times, labels == "test", n_cells=layout.n_cells, n_grids=n_grids,
                                           limit_gb=limit_gb, months=months)
        grids = _read_grids(dataset, {**names, **({spread: "spread"} if spread else {})}, dims, steps)
    truth, spread_grid = grids.pop("truth"), grids.pop("spread", None)
    directory.mkdir(parents=True, exist_ok=True)
    shown = dataclasses.replace(layout, time=Coordinate(layout.time.name, times[steps], layout.time.attrs))
    test = np.full(steps.size, "test")
    # the block as the split names it, else the years shown: "1999–2010, every 3rd year"
    period = test_period if every == 1 and test_period else shown_test_period(times, steps, months)
    figures = draw_figures(shown, truth, grids, test, history_train, history_val, loss_name=loss_name,
                           directory=directory, dpi=dpi, area_mean_series=False,
                           climatology=climatology[season_index[steps]] if anomalies else None, test_period=period,
                           weights_epoch=weights_epoch, climatology_per=climatology_per or run_climatology_per(layout))
    figures.append(plot_area_mean_series(times, area_means, units=layout.target_units, name=target,
                                         split_labels=labels, path=directory / FIGURE_FILES["area_mean_series"],
                                         dpi=dpi, point=None if draws_maps(layout) else cell_place(layout)))
    if spread_grid is not None and draws_maps(layout):
        figures.append(plot_spread_map(shown, spread_grid, truth, grids["model"], n_members=n_members,
                                       time_steps=test == "test", split="test", period=period,
                                       path=directory / ENSEMBLE_FIGURE_FILES["spread_map"], dpi=dpi))
    return figures, every


def _baselines(dataset: xr.Dataset, target: str) -> list[str]:
    """The baselines whose predictions a predictions file holds (``<target>_linear`` → ``linear``)."""
    prefix = f"{target}_"
    return [str(name)[len(prefix):] for name in dataset.data_vars
            if str(name).startswith(prefix) and str(name)[len(prefix):] not in NOT_BASELINES]


def _open_predictions(path: Path) -> xr.Dataset:
    if not path.is_file():
        raise ClimannError(f"{path} not found: give a run directory written by `climann train`")
    return open_netcdf(path, decode_times=xr.coders.CFDatetimeCoder(use_cftime=True))


def _target_name(dataset: xr.Dataset, path: Path) -> str:
    """The variable that has a ``<name>_pred`` twin."""
    names = [str(name) for name in dataset.data_vars if f"{name}_pred" in dataset.data_vars]
    if len(names) != 1:
        raise ClimannError(f"{path} is not a climann predictions file: no single variable with a '_pred' twin")
    return names[0]


def layout_from_predictions(dataset: xr.Dataset, target: str) -> GridLayout:
    """The grid of a predictions dataset, enough to draw its figures (its 1-D axes' CF bounds,
    no files); on a curvilinear grid with its 2-D latitude and longitude. Its cells' areas and
    area fraction are those the file holds (:func:`~climann.evaluation.predictions.written_areas`,
    :func:`~climann.evaluation.predictions.written_area_fraction`), the run's scores' weights
    (an ocean model's ``areacello``), so that its area means are the scores' weighted means.

    Parameters
    ----------
    dataset : xarray.Dataset
        As written by :func:`climann.evaluation.predictions.write_predictions`, times decoded
        to cftime; the truth ``<target>`` may be absent (a ``climann predict`` output for
        data without the target): the grid and attributes are then those of ``<target>_pred``.
    target : str
        The target variable.

    Returns
    -------
    GridLayout
    """
    # dated as the run dated them: by the middles of the time cells when the file keeps
    # stamps at their ends (CESM), see climann.data.time_cells
    dataset = times_at_cell_middles(dataset, "the predictions file")
    field = target if target in dataset else f"{target}_pred"
    time_name = str(dataset["split"].dims[0]) if "split" in dataset else find_coordinate(dataset, "time")
    names = (time_name, find_coordinate(dataset, "latitude"), find_coordinate(dataset, "longitude"))
    time, latitude, longitude = (
        Coordinate(name, dataset[name].values, dict(dataset[name].attrs)) for name in names
    )
    encoding = dataset[time_name].encoding
    mapping = grid_mapping_of(dataset, field)
    attrs = dict(dataset[field].attrs)
    measure = written_areas(dataset, field, names[1:])  # the areas the run's scores weighed with (areacello)
    if field != target and "long_name" in attrs:  # the quantity's name, as the truth's would be
        attrs["long_name"] = str(attrs["long_name"]).removesuffix(PREDICTED_SUFFIX)
        if attrs["long_name"] == target:
            del attrs["long_name"]
    return GridLayout(
        time=time, latitude=latitude, longitude=longitude,
        geographic=geographic_grid(dataset, names[1:], mapping, target=field), grid_mapping=mapping,
        index_dims=tuple(name for name in names[1:] if name not in dataset.coords),
        time_units=str(encoding.get("units", "")), calendar=str(encoding.get("calendar", "standard")),
        file_dims=tuple(str(dim) for dim in dataset[field].dims),
        target_name=target, target_attrs=attrs,
        # drawn with their widths on a grid of one column or row
        latitude_bounds=axis_bounds(dataset, names[1]), longitude_bounds=axis_bounds(dataset, names[2], longitude=True),
        geography=geography_of(dataset.attrs),  # the sample's invented planet: no coastlines
        scalar_coordinates=scalar_coordinates(dataset, field, names),  # a station's name: its title
        area_fraction=written_area_fraction(dataset, names),  # the area means weigh as the run's scores did
        cell_areas=None if measure is None else measure.values, cell_measure=measure,
    )


def _read_history(path: Path) -> tuple[list[float], list[float]]:
    """Training and validation loss per epoch from ``history.csv`` (NaN where blank); empty
    when there is no such file."""
    if not path.is_file():
        return [], []
    with path.open(newline="") as file:
        rows = list(csv.DictReader(file))
    number = lambda text: float(text) if text not in (None, "") else float("nan")  # noqa: E731
    return [number(row.get("train_loss")) for row in rows], [number(row.get("val_loss")) for row in rows]


def _weights_epoch(path: Path) -> int | None:
    """The epoch whose weights the model file ``path`` holds, from its metadata
    (:data:`~climann.model.state.WEIGHTS_EPOCH_KEY`); None for a file of an earlier version or none at all."""
    try:
        epoch = read_model(path).user_metadata.get(WEIGHTS_EPOCH_KEY)
    except (OSError, ClimannError, ValueError, KeyError):
        return None
    return int(epoch) if isinstance(epoch, int) else None


def _loss_name(run_dir: Path) -> str:
    """The training loss from ``config.toml`` ([training] loss), else ``metrics.json``, else 'loss'."""
    try:
        return str(tomllib.loads((run_dir / "config.toml").read_text())["training"]["loss"])
    except (OSError, KeyError, TypeError, tomllib.TOMLDecodeError):
        pass
    try:
        return str(json.loads((run_dir / "metrics.json").read_text())["loss"])
    except (OSError, KeyError, TypeError, ValueError):
        return "loss"


def _ensemble_size(spread: xr.DataArray) -> int | None:
    """The members of ``<target>_spread``, from its long_name ("… of the 5 members)")."""
    import re

    match = re.search(r"of the (\d+) members", str(spread.attrs.get("long_name", "")))
    return int(match.group(1)) if match else None


def run_memory_limit_gb(run_dir: str | Path) -> float:
    """``[data] in_memory_limit_gb`` of a run, in GiB, from its ``config.toml``.

    Parameters
    ----------
    run_dir : str or Path
        A run directory.

    Returns
    -------
    float
        The run's limit; the configuration's default
        (:data:`~climann.data.memory.DEFAULT_IN_MEMORY_LIMIT_GB`) when the directory has no
        readable ``config.toml`` or the file no such key (runs from before the key).

    Raises
    ------
    ClimannError
        If the key holds something other than a number > 0.
    """
    path = Path(run_dir) / "config.toml"
    try:
        value = tomllib.loads(path.read_text())["data"]["in_memory_limit_gb"]
    except (OSError, KeyError, TypeError, tomllib.TOMLDecodeError):
        return DEFAULT_IN_MEMORY_LIMIT_GB
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ClimannError(f"{path}: [data] in_memory_limit_gb must be a number > 0 (GB), got {value!r}")
    return float(value)


def run_selected_months(run_dir: str | Path) -> tuple[int, ...]:
    """The calendar months a run selected (``[data] months`` and ``seasons`` of its
    ``config.toml``), which decide the years its split counts
    (:func:`~climann.data.splits.season_years`): ``(12, 1, 2)`` for ``seasons = ["DJF"]``;
    empty (every month, calendar years) when the directory has no readable ``config.toml`` or
    the file neither key.

    Raises
    ------
    ClimannError
        If ``seasons`` names an unknown season.
    """
    try:
        data = tomllib.loads((Path(run_dir) / "config.toml").read_text())["data"]
    except (OSError, KeyError, TypeError, tomllib.TOMLDecodeError):
        return ()
    return tuple(int(month) for month in data.get("months", ())) + season_months(data.get("seasons", ()))


def _read_metrics(run_dir: Path) -> dict | None:
    """The run's ``metrics.json``, or None when it is missing or not a JSON object."""
    try:
        metrics = json.loads((run_dir / "metrics.json").read_text())
    except (OSError, ValueError):
        return None
    return metrics if isinstance(metrics, dict) else None


def record_figures_stride(metrics: dict, every: int) -> dict:
    """``metrics`` with :data:`FIGURES_STRIDE_KEY` saying how the figures were drawn: n when
    they show every n-th test year only (n > 1), no such key when they show every year.

    The other keys keep their values and order; a new key goes last (where a run that
    drew them so puts it). ``metrics`` itself is not changed.
    """
    recorded = {key: value for key, value in metrics.items() if not (key == FIGURES_STRIDE_KEY and every == 1)}
    if every > 1:
        recorded[FIGURES_STRIDE_KEY] = every
    return recorded


def refuse_other_data_scores(run_dir: Path, labels: np.ndarray, layout: GridLayout, metrics: dict | None) -> None:
    """Refuse a folder of ``climann evaluate RUN --data F --out DIR``, with the command that maps
    its predictions (break30b A5: "no time step is in the test split" left no way out).

    Such a folder scores other data as one block ``all``: it has no test block, learning
    curves nor baselines of the training data to draw the run's figures from, while its
    ``predictions.nc`` is a prediction file that ``climann plot FILE`` maps (the mean over the
    file, or one step with ``--time``).

    Parameters
    ----------
    run_dir : Path
        The folder given to ``climann plot``.
    labels : ndarray of str, shape (n_time,)
        Its ``predictions.nc``'s split of each step (:func:`split_labels`).
    layout : GridLayout
        Its grid and time axis, for the step named in the command.
    metrics : dict or None
        Its ``metrics.json``, for the period scored.

    Raises
    ------
    ClimannError
        When no step is in a test block and some are in the block ``all``.
    """
    if (labels == "test").any() or not (labels == "all").any():
        return
    steps = np.flatnonzero(labels == "all")
    period = compact_periods(((metrics or {}).get("split_periods") or {}).get("all") or shown_test_period(
        np.asarray(layout.time.values), steps))
    last = date_text(np.asarray(layout.time.values)[steps[-1]], precision="day")
    path = shlex.quote(str(run_dir / "predictions.nc"))
    raise ClimannError(
        f"{run_dir} holds the scores of `climann evaluate --data` on other data (one block 'all', {period}), not a "
        f"run's train/val/test blocks: it has no test figures to draw; map its predictions with `climann plot {path} "
        f"--out DIR` (their mean over the period; `--time {last}` for one step)")


def redraw_figures(run_dir: str | Path, *, dpi: int = 150) -> list[Path]:
    """Draw a run's figures again from its files, into ``run_dir/figures/``, and write
    ``report.md`` again with links to them (when ``metrics.json`` is there).

    Reads ``predictions.nc`` (truth, prediction, baselines, splits; an ensemble's spread, for
    its map) through :func:`draw_figures_from_file`, the route of a run evaluated chunk by
    chunk, under the run's ``[data] in_memory_limit_gb`` (:func:`run_memory_limit_gb`): the
    test maps show every n-th test year when the grids of all of them would exceed it.
    ``metrics.json`` is rewritten (atomically) when its :data:`FIGURES_STRIDE_KEY` no longer
    says how the figures were drawn (:func:`record_figures_stride`); it is otherwise left as it
    is. Also reads ``history.csv`` (the learning curves; an ensemble's first member's) and
    ``config.toml`` (the loss's name, the memory limit, the selected months: with
    ``seasons = ["DJF"]`` the test years are winters, as the split's).

    Parameters
    ----------
    run_dir : str or Path
        A run directory written by ``climann train``.
    dpi : int

    Returns
    -------
    list of Path
        The figures written.

    Raises
    ------
    ClimannError
        If ``run_dir`` has no readable predictions file, or its test block no time step (an
        ``evaluate --data`` folder: :func:`refuse_other_data_scores`), or holds a ``report.md``
        climann did not write (it would be replaced), or its ``figures`` is a symbolic link to
        nothing (:func:`climann.workflow.outputs.check_output_link`).
    """
    from climann.atomic import claimed_output
    from climann.workflow.outputs import check_output_link

    run_dir = Path(run_dir)
    check_output_link(run_dir / "figures", option="", directory=True, alternative=False)  # written through
    # as `evaluate RUN` (which re-scores in place): no other climann rewrites the run's files meanwhile
    with claimed_output(run_dir, overwrite=True, folder=True, what="run directory",
                        way_out=f"copy the run elsewhere (cp -r {shlex.quote(str(run_dir))} NEW) and plot that"):
        return _redraw_claimed(run_dir, dpi=dpi)


def _redraw_claimed(run_dir: Path, *, dpi: int) -> list[Path]:
    """:func:`redraw_figures` once the run is claimed (:func:`climann.atomic.claimed_output`)."""
    from climann.run_files import interrupted_retraining, mixed_run_problem
    from climann.workflow.outputs import figures_all_or_none, refuse_foreign_figures, refuse_unwritable

    path = run_dir / "predictions.nc"
    report = run_dir / "report.md"
    refuse_foreign_figures(run_dir)  # a user's image under a figure's name is never replaced
    if (mixed := mixed_run_problem(run_dir)) is not None:  # curves of one run over the scores of another
        raise ClimannError(mixed)
    if (retraining := interrupted_retraining(run_dir)) is not None:
        _log.warning(retraining)
    for folder in (run_dir, run_dir / "figures"):  # before any work: report.md, metrics.json and the figures
        refuse_unwritable(folder, option="", way_out=f"copy the run elsewhere (cp -r {run_dir} NEW) and plot that")
    if report.is_file() and not report.read_text(errors="replace").startswith("# climann run"):
        raise ClimannError(f"{report} was not written by climann, and `climann plot {shlex.quote(str(run_dir))}` "
                           "would replace it with the run's report; move it away first (climann redraws the figures "
                           "of a run that `climann train` wrote)")
    with _open_predictions(path) as dataset:
        target = _target_name(dataset, path)
        if "split" not in dataset:
            raise ClimannError(
                f"{path} has no 'split' variable: it is a prediction file, not the run's own (as `climann predict` "
                f"writes); draw it with climann plot {shlex.quote(str(path))}, or retrain the run to restore its own")
        layout = layout_from_predictions(dataset, target)
        labels = split_labels(dataset["split"])
    metrics = _read_metrics(run_dir)
    refuse_other_data_scores(run_dir, labels, layout, metrics)
    n_members = ((metrics or {}).get("ensemble") or {}).get("size")
    train_loss, val_loss = _read_history(run_dir / "history.csv")
    with figures_all_or_none(run_dir / "figures") as drawing:  # all figures replaced, or none
        figures, every = draw_figures_from_file(
            path, layout, labels, train_loss, val_loss, loss_name=_loss_name(run_dir),
            limit_gb=run_memory_limit_gb(run_dir), directory=drawing, dpi=dpi, n_members=n_members,
            test_period=((metrics or {}).get("split_periods") or {}).get("test"),
            weights_epoch=_weights_epoch(run_dir / "model.npz"),
            # the window the run used; a metrics.json without it is of a run whose climatology was not smoothed
            climatology_window_days=int((metrics or {}).get("climatology_window_days", 1)),
            months=run_selected_months(run_dir),  # the years the run's split counts
            climatology_per=(metrics or {}).get("climatology_per"),  # as the run's scores and report name it
        )
        if metrics is not None:
            figures += draw_skill_figure(metrics, directory=drawing, dpi=dpi)
    figures = [run_dir / "figures" / figure.name for figure in figures]
    if metrics is not None:
        recorded = record_figures_stride(metrics, every)
        if recorded != metrics:
            write_json(run_dir / "metrics.json", recorded, what="metrics file")
    write_report(run_dir)  # its links to the figures
    return figures
