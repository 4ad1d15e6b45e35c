"""The run directory: what a run writes, whichever way it ran.

One module writes the files of the run-directory contract (``config.toml``, ``model.npz`` with
its metadata, ``metrics.json``, ``history.csv``, ``predictions.nc``, ``figures/``,
``report.md``, ``provenance.json``, ``train.log``) for a run in this process, streamed, or on
a dask cluster (:mod:`climann.workflow.pipeline` and :mod:`climann.workflow.compute.run` both
call it, so neither imports the other's internals). The directory is built in a staging
folder and published by :mod:`climann.workflow.outputs`.
"""

from __future__ import annotations

import csv
import datetime
import dataclasses
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from climann.data.area_means import target_area_mean_names
from climann.data.cell_methods import time_cell_method
from climann.data.climatology import climatology_record
from climann.data.composites import period_positions
from climann.data.geometry import encircled_pole, goes_round_the_globe, longitude_ends
from climann.data.lags import strided_previous_steps
from climann.data.layout import GridLayout
from climann.data.splits import TimeSplit
from climann.data.stamp_places import stamp_place
from climann.data.time_axis import PeriodStep, TimeStep, axis_time_step, cell_time_step
from climann.data.stations import chosen_station_record
from climann.evaluation.baselines import CLIMATOLOGY_WINDOW_DAYS
from climann.evaluation.predictions import predictions_dataset, predictor_levels_text, write_predictions
from climann.evaluation.report import report_markdown
from climann.evaluation.target_means import target_means_record
from climann.jsonfile import dumps
from climann.run_files import MODEL_SHA256_KEY, model_sha256
from climann.model import History, Network
from climann.model.ensemble import Ensemble
from climann.model.state import WEIGHTS_EPOCH_KEY
from climann.workflow.config import RunConfig, config_to_toml, steps_read_before_range
from climann.workflow.runlog import run_inputs
from climann.workflow.preparation import PreparedData, exceeds_memory_limit, selected_months, used_variables
from climann.workflow.runlog import PhaseTimer, RunLogCollector
from climann.workflow.training_cells import grid_mapping_record

if TYPE_CHECKING:
    from climann.data.pointwise import PointwiseSource

# climann.evaluation.figures is imported inside the functions that use it: it imports matplotlib
# (~0.4 s), which a process that draws no figure (a test, a notebook, a dask worker) never needs.

__all__ = [
    "ChunkedEvaluation", "Evaluation", "RunRecords", "RunResult", "figures_from_file", "grid_summary", "history_csv",
    "input_levels", "input_time_cell_methods", "input_units", "model_metadata", "model_record", "nominal_time_step",
    "scored_steps_record", "untrained_outputs", "write_chunked_run_files", "write_run_files", "write_run_record",
]


@dataclass(frozen=True)
class Evaluation:
    """Everything the evaluation computed, on the grid.

    Attributes
    ----------
    metrics : dict
        The content of ``metrics.json``.
    truth : ndarray, shape (n_time, n_lat, n_lon)
    predictions : dict of str to ndarray, shape (n_time, n_lat, n_lon)
        ``"model"`` and the baselines (``"linear"``, ``"climatology"``, ``"persistence"``
        when the time axis is regular), NaN where a value is missing.
    spread : ndarray, shape (n_time, n_lat, n_lon), or None
        An ensemble's spread (:func:`~climann.evaluation.ensemble.ensemble_spread`); None
        for a single network.
    members : ndarray, shape (n_members, n_time, n_lat, n_lon), or None
        An ensemble's members' predictions (``"model"`` is their mean).
    """

    metrics: dict
    truth: np.ndarray
    predictions: dict[str, np.ndarray]
    spread: np.ndarray | None = None
    members: np.ndarray | None = None


@dataclass(frozen=True)
class RunResult:
    """What a finished run produced.

    Attributes
    ----------
    run_dir : Path
    metrics : dict
        The content of ``metrics.json``.
    figures : list of Path
    history : History
    config : RunConfig
        The resolved configuration (absolute input paths).
    """

    run_dir: Path
    metrics: dict
    figures: list[Path]
    history: History
    config: RunConfig


@dataclass(frozen=True)
class RunRecords:
    """What a run records besides its results: ``provenance.json`` and ``train.log``.

    Attributes
    ----------
    provenance : dict
        From :func:`climann.workflow.provenance.run_provenance`.
    run_log : RunLogCollector
        The run's log so far.
    phases : PhaseTimer
        Times the run's phases into the log; :meth:`write` ends the last one.
    """

    provenance: dict
    run_log: RunLogCollector
    phases: PhaseTimer

    def write(self, staging: Path) -> None:
        """Write ``provenance.json`` and ``train.log`` into the run being built in ``staging``."""
        provenance = self.provenance | model_record(staging)
        (staging / "provenance.json").write_text(dumps(provenance, indent=2) + "\n")
        self.phases.end()
        (staging / "train.log").write_text(self.run_log.text())


def model_record(folder: Path) -> dict[str, str]:
    """``{"model_sha256": "…"}``: which ``model.npz`` (in ``folder``) the ``metrics.json`` and
    ``provenance.json`` written with it belong to (:data:`climann.run_files.MODEL_SHA256_KEY`),
    so that a run replaced only in part is told (:func:`climann.run_files.mixed_run_problem`);
    empty when ``folder`` holds no model file."""
    sha = model_sha256(folder / "model.npz")
    return {} if sha is None else {MODEL_SHA256_KEY: sha}


def history_csv(history: History) -> str:
    """``epoch,train_loss,val_loss,learning_rate``, one row per epoch."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["epoch", "train_loss", "val_loss", "learning_rate"])
    for index, train_loss in enumerate(history.train_loss):
        val_loss = repr(float(history.val_loss[index])) if index < len(history.val_loss) else ""
        rate = repr(float(history.learning_rate[index])) if index < len(history.learning_rate) else ""
        writer.writerow([index + 1, repr(float(train_loss)), val_loss, rate])
    return buffer.getvalue()


def model_metadata(config: RunConfig, data: PreparedData) -> dict:
    """The metadata saved with the weights in ``model.npz``: features, target (its units and
    CF attributes, ``target_attributes``, see :func:`target_attributes`), scalers, the
    range of each feature on the training block (``input_ranges``, unscaled, to flag
    extrapolation) and of the target (``target_range``, to compare new data without units
    with), the inputs' ``units``, the time part of their ``cell_methods``
    (``time_cell_methods``), their levels (``levels``, see :func:`input_levels`) and their
    quantities and sign conventions (``quantities``, see :func:`input_quantities`), how their
    temperatures were read (``temperature_readings``, see :func:`input_temperature_readings`), the time
    axis's nominal step (``time_step``, see
    :meth:`~climann.data.time_axis.TimeStep.record`; None when it has none), the common length
    of its time cells from the time bounds (``time_cell``: what each value is a mean or total
    over, e.g. 3 months for DJF values 12 months apart; None without bounds or with cells of
    different lengths), where in those cells its steps are stamped (``time_stamp_place``,
    :func:`~climann.data.stamp_places.stamp_place`; only with bounds), how the season
    and year features dated a time step (``season_dated_by``, ``[data] season_dated_by``), loss, grid (with the
    attributes of its CF grid-mapping variable, ``grid_mapping``, when it has one), the
    anomaly features' climatologies (:func:`~climann.data.climatology.climatology_record`), the
    target's climatology with ``[data] target_anomaly`` (``target_climatology``, see :func:`target_climatology_record`),
    the area each area-mean feature was taken over (``area_extents``, see
    :meth:`~climann.data.area_means.AreaExtent.record`), the station of a station file chosen
    with ``[data] select`` by its name (``station``, see
    :func:`~climann.data.stations.chosen_station_record`) and the whole configuration (what ``predict`` needs
    to use the model again)."""
    layout = data.samples.layout
    climatologies = data.samples.climatologies  # of the anomaly features: new data must use the training years'
    ranges, target_range = data.input_scaler.range_dict(), data.target_scaler.range_dict()
    return {
        **({"climatologies": climatology_record(climatologies)} if climatologies else {}),
        "features": list(data.samples.feature_names),
        "targets": [layout.target_name],
        "target_units": [layout.target_units],
        "target_attributes": target_attributes(layout),
        "units": input_units(config, data.samples.feature_names, layout),
        "time_cell_methods": input_time_cell_methods(config, data.samples.feature_names, layout),
        "levels": input_levels(config, data.samples.feature_names, layout),
        "quantities": input_quantities(config, data.samples.feature_names, layout),
        "temperature_readings": input_temperature_readings(config, data.samples.feature_names, layout),
        "time_step": None if (step := nominal_time_step(layout)) is None else step.record(),
        "time_cell": None if (cell := training_time_cell(layout)) is None else cell.record(),
        **({"time_stamp_hours": phase} if (phase := training_stamp_hours(layout, step)) is not None else {}),
        # where in its cells the target was stamped: predict stamps predictors alone there (break55c A1)
        **({"time_stamp_place": place} if (place := stamp_place(written_times(layout), layout.time_bounds)) else {}),
        # since 7 December 2026 such periods without time bounds are dated by their middles (break49e A1)
        **({"time_periods": periods.period, "time_periods_a_year": periods.per_year,
            "time_periods_dated_by_cells": True} if (periods := training_period_step(layout)) else {}),
        "season_dated_by": config.data.season_dated_by,
        "selection_dated_by": config.data.selection_dated_by,
        "step_before_range": config.data.step_before_range,
        "steps_before_range": steps_read_before_range(config.data),
        "steps_before_months": config.data.steps_before_months,
        "cell_edges": config.data.cell_edges,
        "weigh_by_area_fraction": config.data.weigh_by_area_fraction,
        "area_means_by_fraction": config.data.area_means_by_fraction,
        "input_scaling": data.input_scaler.to_dict(),
        "target_scaling": data.target_scaler.to_dict(),
        **({"input_ranges": ranges} if ranges is not None else {}),
        **({"target_range": target_range} if target_range is not None else {}),
        "loss": config.training.loss,
        "grid": grid_summary(layout),
        "grid_axes": grid_axes(layout),
        **({"grid_mapping": grid_mapping_record(layout.grid_mapping)} if layout.grid_mapping is not None else {}),
        **({"untrained_outputs": untrained_outputs(data)} if data.target_mask is not None else {}),
        **({"target_climatology": target_climatology_record(data, config.evaluation.climatology_window_days,
                                                            months=selected_months(config))}
           if data.target_climatology is not None else {}),
        **({"area_extents": layout.area_extents} if layout.area_extents else {}),
        # the target held in float64 (climann.data.value_precision): predictions on new data are written so too
        **({"value_dtype": layout.value_dtype} if layout.value_dtype != "float32" else {}),
        **({"station": station} if (station := chosen_station_record(layout.scalar_coordinates,
                                                                     config.data.select or {})) else {}),
        "config": json.loads(json.dumps(dataclasses.asdict(config))),
    }


def target_climatology_record(data: PreparedData, smoothing_days: int, *, months: Sequence[int] = ()) -> dict:
    """``[data] target_anomaly``: the target's training climatology in JSON form
    (:func:`~climann.data.climatology.climatology_record`), with what it is taken ``per``
    (calendar month, window or day of year, with the window's ``window_days`` or the
    time-of-day slot's ``slot_seconds``: :meth:`~climann.evaluation.baselines.ClimatologyKeys.record`),
    the ``calendar`` its days of year are counted in (the training data's, CF-1.8 §4.4.1;
    new data in another calendar look it up by the fraction of the year,
    :func:`~climann.evaluation.baselines.climatology_days`) and, per day of year (and hour),
    the days of year it was smoothed over (``smoothing_days``, ``[evaluation]
    climatology_window_days``; a record without it is of the raw means) and the days of the
    year its window was narrowed near (``narrowed``, ``metrics.json``'s ``climatology_narrowed``
    of the run, :func:`~climann.evaluation.climatology_years.narrowed_days`, for the months
    ``months`` the run selected; ``evaluate --data`` records it with the scores it takes
    against this climatology; a record without it predates the key)."""
    from climann.evaluation.baselines import climatology_keys, is_smoothed, training_key_counts
    from climann.evaluation.climatology_years import narrowed_days
    from climann.workflow.preparation import target_grid

    layout = data.samples.layout
    name, times, value_step = layout.target_name, layout.time.values, layout.climatology_value_step
    record = climatology_record({name: data.target_climatology})[name]
    keys = climatology_keys(times, value_step=value_step)
    smoothed = {}
    if is_smoothed(keys.per):
        train = data.split.time_masks["train"]
        counts = training_key_counts(target_grid(data.samples), times, train, value_step=value_step,
                                     dates=layout.period_times())
        smoothed = {"smoothing_days": int(smoothing_days),
                    "narrowed": narrowed_days(times, train, value_step=value_step, window_days=int(smoothing_days),
                                              months=months, counts=counts)}
    return {**keys.record(), "calendar": times[0].calendar, **smoothed, **record}


def untrained_outputs(data: PreparedData) -> list[int]:
    """Field mode: the output cells (in (lat, lon) order) without a target value anywhere in
    the training block; the network never learnt them, so ``predict`` leaves them missing."""
    seen = data.present[data.sample_masks["train"]].any(axis=0)
    return np.flatnonzero(~seen).tolist()


def _input_variables(config: RunConfig, feature_names: Sequence[str]) -> list[str]:
    """The target and every variable the features are made of (:func:`used_variables`:
    predictors, lagged, area-mean and anomaly variables) and the features, each once."""
    return list(dict.fromkeys([*used_variables(config), *feature_names]))


def input_units(config: RunConfig, feature_names: Sequence[str], layout: GridLayout) -> dict[str, str]:
    """The units ('' for none) of the target and of every variable the features are made
    of (predictors, lagged, area-mean and anomaly variables), and of each coordinate a value
    is chosen of with ``[data] select`` (``plev``: the level's units), as the files gave
    them: what ``predict`` checks new data against."""
    names = [*_input_variables(config, feature_names), *config.data.select]
    return {name: layout.variable_units[name] for name in dict.fromkeys(names) if name in layout.variable_units}


def target_attributes(layout: GridLayout) -> dict[str, str]:
    """The target's CF ``standard_name``, ``long_name`` and ``cell_methods`` as its training
    file gave them (those it has): ``predict`` labels the predictions of data without the
    target with them (``area: mean where land time: mean`` of a land-only monthly mean), and
    names converted values by the run's ``standard_name``
    (:func:`climann.workflow.new_data.with_training_quantity`)."""
    return {key: str(layout.target_attrs[key]) for key in ("standard_name", "long_name", "cell_methods")
            if str(layout.target_attrs.get(key, "")).strip()}


def input_time_cell_methods(config: RunConfig, feature_names: Sequence[str], layout: GridLayout) -> dict[str, str]:
    """The time part of the CF ``cell_methods`` (:func:`climann.data.cell_methods.time_cell_method`,
    e.g. ``"time: mean"``) of the target and of every variable the features are made of, as
    the files gave them; variables whose attribute is absent or says nothing about time are
    left out. ``predict`` and ``evaluate --data`` compare the new data's with them
    (:func:`climann.workflow.new_data.check_cell_methods`)."""
    found = {name: time_cell_method(layout.variable_cell_methods.get(name), layout.time.name)
             for name in _input_variables(config, feature_names)}
    return {name: method for name, method in found.items() if method is not None}


def input_levels(config: RunConfig, feature_names: Sequence[str], layout: GridLayout) -> dict[str, dict]:
    """The levels given as CF scalar coordinates (CF conventions §5.7: ``plev = 85000 Pa``,
    ``height = 2 m``; :mod:`climann.data.levels`) of the target and of every variable the
    features are made of, as their files gave them: variable → level name →
    ``{"value", "units", "standard_name", …}`` (:func:`climann.data.levels.levels_record`).
    Variables without a level are left out. ``predict`` and ``evaluate --data`` compare the
    new data's with them (:func:`climann.workflow.new_data.check_levels`)."""
    from climann.data.levels import levels_record

    return {name: levels_record(layout.variable_levels[name]) for name in _input_variables(config, feature_names)
            if layout.variable_levels.get(name)}


def input_quantities(config: RunConfig, feature_names: Sequence[str], layout: GridLayout) -> dict[str, dict]:
    """The ``standard_name`` and ``positive`` attributes (:func:`climann.data.quantities.quantity_record`)
    of the target and of every variable the features are made of, as their files gave them:
    variable → ``{"standard_name": "surface_upward_latent_heat_flux", "positive": "up"}``.
    Variables that say neither are left out. ``predict`` and ``evaluate --data`` compare the
    new data's with them (:func:`climann.workflow.new_data.check_quantities`): the same
    flux counted downward has the opposite sign."""
    return {name: dict(layout.variable_quantities[name]) for name in _input_variables(config, feature_names)
            if layout.variable_quantities.get(name)}


def input_temperature_readings(config: RunConfig, feature_names: Sequence[str], layout: GridLayout) -> dict[str, str]:
    """How the target and every variable the features are made of were read when they are
    temperatures (:func:`climann.data.temperature_readings.temperature_reading`): variable →
    ``"on_scale"`` or ``"difference"`` (an anomaly, CF-1.11 §3.1.2); other variables are left
    out. ``predict`` and ``evaluate --data`` compare the new data's with them
    (:func:`climann.workflow.new_data.check_temperature_readings`): anomalies given to a run
    trained on absolute temperatures would be scored against 288 K."""
    return {name: layout.variable_temperature_readings[name].kind for name in _input_variables(config, feature_names)
            if name in layout.variable_temperature_readings}


def nominal_time_step(layout: GridLayout) -> TimeStep | None:
    """The nominal step of the layout's time axis (:func:`climann.data.time_axis.axis_time_step`,
    the step lags and persistence go by), each dataset's axis of a split by files on its
    own; None when it has none (irregular, a single time).

    A run's ``time_stride`` n makes the series kept the one forecast
    (:attr:`~climann.data.layout.GridLayout.strided_series`): its step is n steps of the file,
    whether or not a step missing from the file shifts the steps kept after it (fix49c: monthly
    data with gaps kept one in two recorded "monthly", daily ones none, where the same data
    without gaps recorded 2 months and 2 days), as long as some value kept lies one such step
    after another (:func:`~climann.data.lags.strided_previous_steps`); January means kept one in
    two, 24 months apart, keep the spacing of the axis."""
    starts = layout.time_segment_starts()
    stride = layout.strided_series
    if stride is not None and stride.step is not None:
        previous = strided_previous_steps(layout.time.values, stride, segment_starts=starts)
        if previous is not None and np.any(previous >= 0):
            return stride.step
    return axis_time_step(layout.time.values, segment_starts=starts)


def training_time_periods(layout: GridLayout) -> str | None:
    """The period of the calendar the layout's time axis is of when it has no nominal step
    (``"pentad"``, ``"dekad"``, ``"16-day composite"``:
    :func:`climann.data.composites.period_positions`), which its lags count; None otherwise.
    Recorded as ``model.npz`` metadata ``time_periods`` for new data to be checked against
    (:func:`climann.workflow.new_data.check_time_step`)."""
    step = training_period_step(layout)
    return None if step is None else step.period


def training_period_step(layout: GridLayout) -> PeriodStep | None:
    """The calendar of periods the layout's time axis is of when it has no nominal step
    (:func:`climann.data.composites.period_positions`), None otherwise. Its ``period`` and
    ``per_year`` are recorded as ``model.npz`` metadata ``time_periods`` and
    ``time_periods_a_year``: CPC's pentads (73 a year) and CHIRPS's (72, six a month) are both
    "pentad", and only the count tells them apart."""
    if nominal_time_step(layout) is not None:
        return None
    found = period_positions(np.unique(layout.time.values))
    return None if found is None else found[0]


def written_times(layout: GridLayout) -> np.ndarray:
    """The time stamps the run's ``predictions.nc`` carries: the files' own (``file_times``) where
    the layout dates its steps by their cells' middles, else its times."""
    return np.asarray(layout.time.values if layout.file_times is None else layout.file_times)


def training_time_cell(layout: GridLayout) -> TimeStep | None:
    """The common length of the layout's time cells from its CF time bounds (section 7.1,
    :func:`climann.data.time_axis.cell_time_step`); None without bounds."""
    return None if layout.time_bounds is None else cell_time_step(layout.time_bounds)


def training_stamp_hours(layout: GridLayout, step: TimeStep | None) -> float | None:
    """Where in its step a sub-daily axis without time bounds is stamped: the hours after 00:00 of
    its first stamp, modulo the step (0.0 for 00:00, 03:00 …, 1.5 for 01:30, 04:30 … of a 3-hourly
    axis), when every stamp shares it; None with bounds, a step of a day or more, or stamps at
    other places. The run read such values at their stamps (its ``hour`` feature), so data of a
    finer step are advised means centred there (fix44k,
    :func:`~climann.data.resampling.resample_command`)."""
    if layout.time_bounds is not None or step is None or step.duration is None \
            or step.duration >= datetime.timedelta(days=1) or len(layout.time.values) == 0:
        return None
    seconds = step.duration.total_seconds()
    phases = {round((time.hour * 3600 + time.minute * 60 + time.second) % seconds)
              for time in np.asarray(layout.time.values)}
    return phases.pop() / 3600 if len(phases) == 1 else None


def grid_summary(layout: GridLayout) -> dict:
    """Size, geographic extent and cell order of a grid (true latitudes and longitudes, also
    on a curvilinear grid), to tell later whether new data are on the same grid:
    ``first_cell`` and ``last_cell`` are the [lat, lon] of the grid's first and last cells, so
    that the same grid with its latitudes flipped or its longitudes rolled is told apart;
    ``lon_ends`` the western and eastern end of its longitudes
    (:func:`~climann.data.geometry.longitude_ends`, for the notes that compare grids); ``pole``,
    only on a grid round a pole, which (:func:`~climann.data.geometry.encircled_pole`: its
    longitudes have no ends, and the notes say so); ``every_longitude``, only on a curvilinear
    grid whose rows go round the globe (:func:`~climann.data.geometry.goes_round_the_globe`,
    said "lon all"). Cells
    without a position (NEMO's eliminated land processors, see
    :func:`climann.data.grids.eliminated_cells`) are left out: the first and last cells are
    then those with one."""
    latitude, longitude = layout.geographic_coordinates()
    placed = np.flatnonzero(np.isfinite(latitude) & np.isfinite(longitude))
    first, last = placed[0], placed[-1]
    return {
        "n_lat": int(layout.shape[1]), "n_lon": int(layout.shape[2]),
        "lat_range": [float(np.nanmin(latitude)), float(np.nanmax(latitude))],
        "lon_range": [float(np.nanmin(longitude)), float(np.nanmax(longitude))],
        "lon_ends": list(longitude_ends(longitude)),
        "first_cell": [float(latitude.flat[first]), float(longitude.flat[first])],
        "last_cell": [float(latitude.flat[last]), float(longitude.flat[last])],
        # only round a pole, so that the summaries of other grids stay those of earlier runs
        **({"pole": pole} if (pole := encircled_pole(latitude, longitude)) else {}),
        # a curvilinear grid round the globe (a global tripolar one): its longitudes are "all"
        **({"every_longitude": True} if layout.is_curvilinear and not pole and goes_round_the_globe(longitude)
           else {}),
    }


def grid_axes(layout: GridLayout) -> dict[str, list[float]]:
    """The training grid's 1-D row and column axes by name (``{"lat": [...], "lon": [...]}``,
    rotated or projected axes on such grids; index-only dimensions left out), in the model
    file so that new data holding the same cells in another order or longitude convention are
    put back in the training order by value
    (:func:`climann.workflow.preparation.on_training_grid`)."""
    return {axis.name: [float(value) for value in np.asarray(axis.values, np.float64)]
            for axis in (layout.latitude, layout.longitude) if axis.name not in layout.index_dims}


def write_run_record(
    staging: Path, config: RunConfig, network: Network, history: History, metrics: dict, *, metadata: dict,
    figures: Sequence[Path], predictor_levels: str = "",
) -> None:
    """Write ``config.toml``, ``model.npz`` (the weights with ``metadata``, see
    :func:`model_metadata`), ``metrics.json``, ``history.csv`` and ``report.md`` (naming
    ``figures``, already drawn, and ``predictor_levels``,
    :func:`~climann.evaluation.predictions.predictor_levels_text`) into ``staging``: the files
    every run writes, whichever way its predictions and figures were made."""
    (staging / "config.toml").write_text(config_to_toml(config))
    if history.weights_epoch is not None:  # which epoch's weights model.npz holds (the learning curves mark it)
        metadata = metadata | {WEIGHTS_EPOCH_KEY: history.weights_epoch}
    network.save(staging / "model.npz", metadata=metadata)
    metrics.update(model_record(staging))  # the run's result says so too: evaluate RUN returns the same
    (staging / "metrics.json").write_text(dumps(metrics, indent=2) + "\n")
    (staging / "history.csv").write_text(history_csv(history))
    (staging / "report.md").write_text(report_markdown(metrics, list(figures), staging,
                                                            inputs=run_inputs(config.data),
                                                            predictor_levels=predictor_levels))


def write_run_files(
    staging: Path, config: RunConfig, data: PreparedData, network: Network | Ensemble,
    history: History, evaluation: Evaluation, command_line: str, *, member_histories: Sequence[History] = (),
) -> list[Path]:
    """Write every file of the run-directory contract into ``staging`` from grids in memory
    (``predictions.nc`` and the figures from ``evaluation``'s grids); return the figures.

    An ensemble (see :mod:`climann.workflow.ensemble`) also writes ``<target>_spread`` into
    ``predictions.nc``, ``model_members.npz``, ``figures/spread_test.png``, and learning
    curves of every member (``member_histories``); ``model.npz`` is its first member, and
    ``history`` (``history.csv``) that member's."""
    layout = data.samples.layout
    predicted = evaluation.predictions["model"]
    baselines = {name: grid for name, grid in evaluation.predictions.items() if name != "model"}
    is_ensemble = isinstance(network, Ensemble)
    dataset = predictions_dataset(
        layout, evaluation.truth, predicted, data.split.labels(), history=command_line, baselines=baselines,
        spread=evaluation.spread, n_members=network.size if is_ensemble else None,
    )
    write_predictions(dataset, staging / "predictions.nc", layout)
    figures = []
    if config.evaluation.figures:
        from climann.evaluation.figures import (
            ENSEMBLE_FIGURE_FILES, draw_figures, draw_skill_figure, draws_maps, plot_spread_map,
        )

        figures = draw_figures(
            layout, evaluation.truth, evaluation.predictions, data.split.labels(), history.train_loss,
            history.val_loss, loss_name=config.training.loss, directory=staging / "figures",
            dpi=config.evaluation.dpi,
            member_losses=[(h.train_loss, h.val_loss) for h in member_histories] if is_ensemble else None,
            test_period=data.split.descriptions.get("test"), weights_epoch=history.weights_epoch,
            climatology_window_days=config.evaluation.climatology_window_days,
            climatology_per=evaluation.metrics.get("climatology_per"),
        )
        figures += draw_skill_figure(evaluation.metrics, directory=staging / "figures", dpi=config.evaluation.dpi)
        if is_ensemble and evaluation.spread is not None and draws_maps(layout):
            figures.append(plot_spread_map(
                layout, evaluation.spread, evaluation.truth, predicted, n_members=network.size,
                time_steps=np.asarray(data.split.labels()) == "test", split="test",
                period=data.split.descriptions.get("test"),
                path=staging / "figures" / ENSEMBLE_FIGURE_FILES["spread_map"], dpi=config.evaluation.dpi,
            ))
    metadata = model_metadata(config, data)
    if is_ensemble:
        from climann.workflow.ensemble import ensemble_record, save_members

        metadata["ensemble"] = ensemble_record(network)
        save_members(staging, network)
        network = network.members[0]
    write_run_record(staging, config, network, history, evaluation.metrics, metadata=metadata, figures=figures,
                     predictor_levels=predictor_levels_text(layout))
    return figures


@dataclass(frozen=True)
class ChunkedEvaluation:
    """What a chunk-by-chunk evaluation (a streamed or cluster run) leaves for the run directory:
    its ``predictions.nc`` is already written into the staging folder.

    Attributes
    ----------
    metrics : dict
        The content of ``metrics.json``.
    area_means : dict of str to ndarray, shape (n_time,)
        Area-weighted mean of the truth and of each prediction at each time step.
    climatology : ndarray, shape (n_seasons, n_lat, n_lon), or None
        The training years' mean of each season key and cell, the reference of the anomalies.
    season_index : ndarray of int, shape (n_time,), or None
        Each time step's season (index into ``climatology``).
    """

    metrics: dict
    area_means: dict[str, np.ndarray]
    climatology: np.ndarray | None = None
    season_index: np.ndarray | None = None


def target_means_entry(config: RunConfig) -> dict[str, list[str]]:
    """The entry of ``metrics.json`` naming the run's inputs that are area means of its target at
    the same time step (``[data] global_means`` or ``regional_means`` of the target, see
    :mod:`climann.evaluation.target_means`): ``{"target_area_means": ["tas_global_mean"]}``,
    empty when there are none. Every route that scores a run adds it (in memory
    :func:`climann.workflow.pipeline.grid_metrics`, chunk by chunk
    :func:`climann.workflow.compute.run.evaluate_distributed`), so ``climann evaluate`` keeps it."""
    data = config.data
    return target_means_record(target_area_mean_names(data.target, data.global_means, data.regional_means))


def scored_steps_record(source: PointwiseSource, config: RunConfig) -> dict[str, int]:
    """The key of ``metrics.json`` that says which time steps of a streamed run were scored.

    A run whose samples exceed ``[data] in_memory_limit_gb`` (a streamed run) is scored chunk
    by chunk, in this process or on a dask cluster, on every time step of its own data. Its
    ``metrics.json`` says so with ``evaluated_every_nth_time_step = 1``: the key in which older
    streamed runs, scored on every n-th step only, recorded n. ``climann train`` and ``climann
    evaluate`` of the run's own data both take it from here, whichever computes the scores, so
    a re-evaluation keeps it. A run held in memory has no such key.

    Parameters
    ----------
    source : PointwiseSource
        The run's own samples (opened lazily: nothing is read).
    config : RunConfig
        Its configuration (``[data] in_memory_limit_gb``).

    Returns
    -------
    dict
        ``{"evaluated_every_nth_time_step": 1}`` for a streamed run, else empty.
    """
    every_time_step = 1  # the chunks of the evaluation cover the whole time axis
    return {"evaluated_every_nth_time_step": every_time_step} if exceeds_memory_limit(source, config) else {}


def write_chunked_run_files(
    staging: Path, config: RunConfig, data: PreparedData, network: Network, history: History,
    evaluated: ChunkedEvaluation,
) -> list[Path]:
    """Write the files of the run-directory contract into ``staging`` for a run evaluated chunk
    by chunk, whose ``predictions.nc`` is there already: the figures from that file
    (:func:`~climann.evaluation.figures.draw_figures_from_file`, the route ``climann plot
    RUN_DIR`` takes too; ``figures_every_nth_test_year`` added to ``evaluated.metrics`` when they
    show every n-th test year only), then :func:`write_run_record`. ``data`` describes the
    samples (feature names, layout, split, scalers) for the model file; its arrays may be
    empty. Returns the figures."""
    layout, split, metrics = data.samples.layout, data.split, evaluated.metrics
    figures: list[Path] = []
    if config.evaluation.figures:
        from climann.evaluation.figures import FIGURES_STRIDE_KEY, draw_skill_figure

        figures, every = figures_from_file(
            staging / "predictions.nc", layout, split, history, evaluated.area_means, loss_name=config.training.loss,
            limit_gb=config.data.in_memory_limit_gb, directory=staging / "figures", dpi=config.evaluation.dpi,
            climatology=evaluated.climatology, season_index=evaluated.season_index,
            climatology_window_days=config.evaluation.climatology_window_days, months=selected_months(config),
            climatology_per=metrics.get("climatology_per"),
        )
        if every > 1:
            metrics[FIGURES_STRIDE_KEY] = every
        figures += draw_skill_figure(metrics, directory=staging / "figures", dpi=config.evaluation.dpi)
    write_run_record(staging, config, network, history, metrics, metadata=model_metadata(config, data),
                     figures=figures, predictor_levels=predictor_levels_text(layout))
    return figures


def figures_from_file(
    predictions_path: Path, layout: GridLayout, split: TimeSplit, history: History, area_means: dict[str, np.ndarray],
    *, loss_name: str, limit_gb: float, directory: Path, dpi: int = 150, climatology: np.ndarray | None = None,
    season_index: np.ndarray | None = None, climatology_window_days: int = CLIMATOLOGY_WINDOW_DAYS,
    months: Sequence[int] = (), climatology_per: str | None = None,
) -> tuple[list[Path], int]:
    """The run's figures when its grids are not in memory: :func:`~climann.evaluation.figures.draw_figures_from_file`
    (every n-th year of the test block when its grids would exceed ``limit_gb``; the area-mean
    series from ``area_means``, over every step) with the run's ``split`` and ``history``;
    ``months`` are the run's selected months (:func:`~climann.workflow.preparation.selected_months`),
    so that the test years are the split's (a DJF year is a winter); ``climatology_per`` what the
    run's climatology is taken per (``metrics.json`` ``climatology_per``), for the captions.

    Returns
    -------
    figures : list of Path
    every : int
        n, the test years' stride (1: all of them).
    """
    from climann.evaluation.figures import draw_figures_from_file

    return draw_figures_from_file(
        predictions_path, layout, split.labels(), history.train_loss, history.val_loss, loss_name=loss_name,
        limit_gb=limit_gb, directory=directory, dpi=dpi, area_means=area_means, climatology=climatology,
        season_index=season_index, test_period=split.descriptions.get("test"), weights_epoch=history.weights_epoch,
        climatology_window_days=climatology_window_days, months=months, climatology_per=climatology_per,
    )
