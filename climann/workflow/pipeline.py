"""One run: configuration → data → model → evaluation → run directory.

The data are prepared by :mod:`climann.workflow.preparation` (in memory, or as a source streamed while
training); this module trains, evaluates against the baselines and writes. The run
directory is built under a temporary name next to its final place and renamed when every
file is written, so a failed or interrupted run leaves no half-written run behind. Notebooks
and the CLI call the same functions.
"""

from __future__ import annotations

import contextlib
import math
import shutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from climann._version import __version__
from climann.workflow.checkpoints import (
    Checkpointing,
    data_fingerprint,
    interrupted,
    refuse_changed_inputs,
    remove_published_checkpoint,
    training_hooks,
)
from climann.workflow.compute.cluster import uses_cluster
from climann.workflow.config import BASELINES, RunConfig, config_to_toml, training_options  # noqa: F401 (re-exported)
from climann.workflow.config import with_steps_before_range
from climann.data.batches import (
    estimated_bytes,
)
from climann.data.field import FieldSamples
from climann.data.layout import GridLayout
from climann.data.pointwise import PointwiseSource
from climann.data.scaling import Standardizer
from climann.data.shell import files_given
from climann.data.splits import TimeSplit
from climann.atomic import claimed_output
from climann.errors import ClimannError
from climann.evaluation.baselines import (
    LinearRegression,
    blocks_after_months_left_out,
    climatology_prediction,
    forecast_persistence,
    persistence_left_out,
    persistence_left_out_reason,
    persistence_prediction,
    run_climatology_per,
    training_key_counts,
)
from climann.evaluation.cell_measures import cell_areas_source, cell_weights_text
from climann.evaluation.climatology_years import add_climatology_narrowed, add_few_years_note
from climann.evaluation.groups import run_metrics, season_region_metrics
from climann.evaluation.regions import Region, layout_regions
from climann.evaluation.scored_blocks import layout_fingerprints, region_record
from climann.evaluation.scores import whole_grid_sums
from climann.evaluation.seasons import axis_seasons, is_sub_annual, season_index
from climann.model import (
    History,
    Network,
    train,
)
from climann.model.ensemble import Ensemble
from climann.evaluation.ensemble import ensemble_mean, ensemble_spread
from climann.workflow.interrupts import Terminated, signal_number, signals_raise
from climann.model.training import BatchCallback
from climann.workflow.outputs import (  # noqa: F401 (re-exported)
    RUN_FILES,
    check_run_directory,
    check_run_place,
    publish_run,
    refuse_unwritable,
    staging_directory,
)
from climann.workflow.preparation import (
    PreparedData,
    dropped_target_entry,
    ensure_sample_data,
    opened_for_run,
    prepare_data,  # noqa: F401 (re-exported: notebooks and tests import it from here)
    prepared_for_training,
    record_split,
    resolve_inputs,
    steps_asked_before_range,
    sample_source,
    selected_months,
    split_for,
    warn_about_part_years,
    warn_dropped_targets,
)
from climann.workflow.provenance import run_provenance
from climann.workflow.unscored_anomalies import unscored_anomaly_notes
from climann.workflow.run_directory import (  # noqa: F401 (RunResult … grid_summary: re-exported, the API before the move)
    Evaluation,
    RunRecords,
    RunResult,
    grid_summary,
    history_csv,
    input_units,
    model_metadata,
    target_means_entry,
    untrained_outputs,
    write_run_files,
)
from climann.workflow.runlog import (
    EpochLogger,
    PhaseTimer,
    RunLogCollector,
    block_extrapolation,
    capture_run_log,
    log_data_summary,
    run_logger,
    warn_about_extrapolation,
    warn_about_identity,
    warn_about_negative_skill,
    warn_about_notes,
    warn_about_target_means,
)

if TYPE_CHECKING:
    from climann.workflow.compute.run import TrainedOnCluster
    from climann.workflow.progress import TrainingProgress


def fit_network_streaming(
    config: RunConfig, source: PointwiseSource, *, on_epoch: Callable[[int, History], None] | None = None,
    on_batch: BatchCallback | None = None, checkpointing: Checkpointing | None = None,
) -> tuple[Network, History, TimeSplit, Standardizer, Standardizer]:
    """Train on data larger than memory: the chunk route of a cluster run, with this process
    as the executor (:func:`climann.workflow.compute.executor.train_in_process`): each chunk
    is read when its round comes, so memory holds one chunk.

    The scalers are fitted in one pass over the training block's chunks; validation sums the
    validation block's chunks. ``checkpointing`` (see :mod:`climann.workflow.checkpoints`)
    writes checkpoints between rounds and continues a resumed run. ``on_batch`` is not
    called: the chunk route reports epochs (as a cluster run).
    """
    trained, split = _fit_streaming(config, source, on_epoch=on_epoch, checkpointing=checkpointing)
    return trained.network, trained.history, split, trained.input_scaler, trained.target_scaler


def _fit_streaming(
    config: RunConfig, source: PointwiseSource, *, on_epoch: Callable[[int, History], None] | None = None,
    checkpointing: Checkpointing | None = None,
) -> tuple[TrainedOnCluster, TimeSplit]:
    """:func:`fit_network_streaming`, what it trained as the chunk route returns it (with how it
    trained, ``metrics.json`` ``training``) and the split."""
    from climann.workflow.compute.executor import train_in_process  # imports dask.distributed

    split = split_for(config, source.layout)
    warn_about_part_years(config, source.layout, split)
    return train_in_process(config, source, split, on_epoch=on_epoch, checkpointing=checkpointing), split


def sample_area_weights(data: PreparedData) -> np.ndarray:
    """Each pointwise sample's cell area (mean 1), shape (n_samples,) (:meth:`PreparedData.area_weights`)."""
    return data.area_weights()


def fit_network(
    config: RunConfig, data: PreparedData, *, on_epoch: Callable[[int, History], None] | None = None,
    on_batch: BatchCallback | None = None, checkpointing: Checkpointing | None = None,
) -> tuple[Network, History]:
    """Build the network of ``config.model`` and train it on the training block,
    validating on the validation block after every epoch. ``checkpointing`` (see
    :mod:`climann.workflow.checkpoints`) writes checkpoints and continues a resumed run."""
    train_mask, val_mask = data.sample_masks["train"], data.sample_masks["val"]
    network = Network(
        [data.scaled_inputs.shape[1], *config.model.hidden, data.scaled_target.shape[1]],
        activation=config.model.activation,
        output_activation=config.model.output_activation,
        init=config.model.init,
        seed=config.training.seed,
        dtype=config.model.dtype,
    )
    weights = sample_area_weights(data) if config.training.area_weighted else None
    masks = None if data.target_mask is None else data.target_mask
    keywords, guard = training_hooks(
        checkpointing, network, fingerprint=lambda: data_fingerprint(data.input_scaler, data.target_scaler),
        model_metadata=lambda: model_metadata(config, data),
    )
    with guard:
        history = train(
            network,
            data.scaled_inputs[train_mask],
            data.scaled_target[train_mask],
            sample_weight=None if weights is None else weights[train_mask],
            mask=None if masks is None else masks[train_mask],
            validation=(
                data.scaled_inputs[val_mask],
                data.scaled_target[val_mask],
                None if weights is None else weights[val_mask],
                None if masks is None else masks[val_mask],
            ),
            callbacks=(on_epoch,) if on_epoch else (),
            batch_callbacks=(on_batch,) if on_batch else (),
            **training_options(config),
            **keywords,
        )
    return network, history


def fit_linear_baseline(data: PreparedData, *, area_weighted: bool = False) -> np.ndarray:
    """Least squares on the network's features, fitted on the training block with the
    network's loss weights; its predictions for every sample in the target's units, shape
    (n_samples, n_outputs).

    The weights are those of the training loss: each sample's cell area when
    ``area_weighted`` (``[training] area_weighted``, pointwise mode), none otherwise; in
    field mode a missing target value weighs 0 (the loss's mask), so each cell's output is
    fitted on its present values only. A cell with no value in the training block at all is
    fitted to the training mean (a constant). The residuals then have a zero weighted mean on
    the training block: no bias there under the loss's weights.
    """
    train_mask = data.sample_masks["train"]
    target = np.where(data.present, data.samples.target, np.nan)[train_mask]
    weights = np.isfinite(target).astype(np.float64)
    never = ~weights.any(axis=0)  # field mode: a cell the training block never has
    target[:, never], weights[:, never] = float(np.nanmean(target)), 1.0
    if area_weighted:
        weights = weights * sample_area_weights(data)[train_mask][:, None]
    unweighted = bool((weights == 1).all())
    fit = LinearRegression.fit(data.scaled_inputs[train_mask], target, None if unweighted else weights)
    return fit.predict(data.scaled_inputs)


def model_on_grid(data: PreparedData, network: Network | Ensemble) -> tuple[np.ndarray, np.ndarray]:
    """The truth and the network's predictions (in the target's units) on the grid; with
    ``[data] target_anomaly`` the network's output is the anomaly, and the target's
    climatology is added back (ŷ = clim + output). An ensemble's prediction is the mean of its
    members' (:func:`member_grids`, :func:`~climann.evaluation.ensemble.ensemble_mean`)."""
    if isinstance(network, Ensemble):
        return truth_on_grid(data), ensemble_mean(member_grids(data, network))
    return truth_on_grid(data), _output_on_grid(data, network.predict(data.scaled_inputs))


def truth_on_grid(data: PreparedData) -> np.ndarray:
    """The target on the grid, shape (n_time, n_lat, n_lon), float64, NaN where it is missing:
    the file's values, also where a missing feature dropped the sample (pointwise samples'
    ``target_field``; the scores still take only the cells the network predicted)."""
    samples = data.samples
    if getattr(samples, "target_field", None) is not None:
        return samples.target_field.astype(np.float64)
    return samples.layout.to_grid(samples.target[data.present].astype(np.float64), samples.flat_index)


def _output_on_grid(data: PreparedData, scaled: np.ndarray) -> np.ndarray:
    """A network's standardised outputs, shape (n_samples, n_outputs), as predictions in the
    target's units on the grid, shape (n_time, n_lat, n_lon) (the climatology added back with
    ``[data] target_anomaly``)."""
    predicted = data.target_scaler.inverse_transform(scaled)
    if data.target_offset is not None:
        predicted = predicted + data.target_offset
    return data.samples.layout.to_grid(predicted[data.present], data.samples.flat_index)


def member_grids(data: PreparedData, ensemble: Ensemble) -> np.ndarray:
    """Each member's predictions in the target's units on the grid, shape (n_members, n_time,
    n_lat, n_lon), as :func:`model_on_grid` makes a single network's."""
    return np.stack([_output_on_grid(data, scaled) for scaled in ensemble.predict_members(data.scaled_inputs)])


def gridded_predictions(
    data: PreparedData, network: Network | Ensemble, *, persistence: bool = True, baselines: Sequence[str] = BASELINES,
    area_weighted: bool = False, on_grid: tuple[np.ndarray, np.ndarray] | None = None,
    climatology_window_days: int,
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The truth and every prediction (the network's and the ``baselines``') on the grid.

    The linear baseline is fitted with the loss's weights (``area_weighted``, see
    :func:`fit_linear_baseline`); the climatology's days of year are smoothed over
    ``climatology_window_days`` (``[evaluation] climatology_window_days``, see
    :func:`~climann.evaluation.baselines.climatology_from_sums`). ``on_grid``: the truth and
    the network's predictions when already computed (:func:`model_on_grid`).

    Persistence (the value one step earlier) is included when asked and the time axis is
    regular (a selection of months leaves gaps where "one step earlier" changes meaning).
    """
    layout, present = data.samples.layout, data.present
    truth, model = on_grid if on_grid is not None else model_on_grid(data, network)
    predictions = {"model": model}
    if "climatology" in baselines:
        predictions["climatology"] = climatology_prediction(truth, layout.time.values, data.split.time_masks["train"],
                                                            window_days=climatology_window_days,
                                                            value_step=layout.climatology_value_step,
                                                            dates=layout.period_times())
    if "linear" in baselines:
        predictions["linear"] = layout.to_grid(fit_linear_baseline(data, area_weighted=area_weighted)[present],
                                               data.samples.flat_index)
    if persistence and "persistence" in baselines and persistence_left_out(layout) is None:
        predictions["persistence"] = persistence_prediction(truth, layout.time.values,
                                                            dates=layout.selection_dates(),
                                                            first_counted=layout.steps_before_range,
                                                            segment_starts=layout.time_segment_starts(),
                                                            earlier_steps=_forecast_earlier(layout),
                                                            stride=layout.strided_series)
    return truth, predictions


def anomaly_reference(predictions: dict[str, np.ndarray], truth: np.ndarray, data: PreparedData, *,
                      window_days: int) -> np.ndarray:
    """The climatology the ACC takes anomalies from, shape (n_time, n_lat, n_lon): the
    ``climatology`` baseline's grid, or (when that baseline is not asked for) the same
    computed from the truth of the training block (its days of year smoothed over
    ``window_days``, ``[evaluation] climatology_window_days``)."""
    if "climatology" in predictions:
        return predictions["climatology"]
    layout = data.samples.layout
    return climatology_prediction(truth, layout.time.values, data.split.time_masks["train"], window_days=window_days,
                                  value_step=layout.climatology_value_step, dates=layout.period_times())


def evaluate(config: RunConfig, data: PreparedData, network: Network | Ensemble) -> Evaluation:
    """Score the network and the baselines on every block: area-weighted, on the same cells,
    from the sums of the grid as one chunk (:func:`grid_metrics`). An ensemble is scored by
    its mean (the ``model``), and ``metrics.json`` gets its ``ensemble`` entry
    (:func:`climann.workflow.ensemble.ensemble_metrics`). With ``[data] target_anomaly``, the
    values left out for want of a training climatology are noted per block
    (:func:`~climann.workflow.unscored_anomalies.unscored_anomaly_notes`).

    Returns
    -------
    Evaluation
    """
    layout = data.samples.layout
    members = member_grids(data, network) if isinstance(network, Ensemble) else None
    on_grid = None if members is None else (truth_on_grid(data), ensemble_mean(members))
    # A sample fraction thins the training block only: persistence is scored where the previous step was sampled.
    truth, predictions = gridded_predictions(
        data, network, baselines=config.evaluation.baselines,
        area_weighted=config.training.area_weighted, on_grid=on_grid,
        climatology_window_days=config.evaluation.climatology_window_days,
    )
    left_out = {}
    if "persistence" in config.evaluation.baselines and "persistence" not in predictions:
        left_out["persistence"] = (persistence_left_out(layout, lags=config.data.lags)
                                   or persistence_left_out_reason(layout.time_storage))
    reference = anomaly_reference(predictions, truth, data, window_days=config.evaluation.climatology_window_days)
    metrics = grid_metrics(config, layout, predictions, truth, data.split, climatology=reference, left_out=left_out,
                           mode="field" if isinstance(data.samples, FieldSamples) else "pointwise",
                           n_dropped=data.samples.n_dropped)
    if "train" in data.split.time_masks:
        # each cell's climatology rests on its own training values (a station with half the years)
        training = training_key_counts(truth, layout.time.values, data.split.time_masks["train"],
                                       value_step=layout.climatology_value_step, dates=layout.period_times())
        add_few_years_note(metrics, layout.time.values, data.split.time_masks["train"],
                           value_step=layout.climatology_value_step, counts=training)
        add_climatology_narrowed(metrics, layout.time.values, data.split.time_masks["train"],
                                 value_step=layout.climatology_value_step, months=selected_months(config),
                                 counts=training)
    add_unscored_anomaly_notes(metrics, data)
    add_dropped_target_entry(metrics, data)
    if members is None:
        return Evaluation(metrics=metrics, truth=truth, predictions=predictions)
    from climann.workflow.ensemble import ensemble_metrics

    spread = ensemble_spread(members)
    metrics["ensemble"] = ensemble_metrics(network.seeds, members, predictions["model"], spread, truth,
                                           layout.cell_area_weights(), data.split.time_masks)
    return Evaluation(metrics=metrics, truth=truth, predictions=predictions, spread=spread, members=members)


def add_unscored_anomaly_notes(metrics: dict, data: PreparedData) -> None:
    """Add to ``metrics["notes"]`` the values of a ``[data] target_anomaly`` run left out of each
    block for want of a training climatology
    (:func:`~climann.workflow.unscored_anomalies.unscored_anomaly_notes`), in the run, when it is
    evaluated again and on other data (``evaluate --data``, break30b A1: 8 % of the values were
    left out there without a word).

    Parameters
    ----------
    metrics : dict
        ``metrics.json`` as scored, with its ``n_samples`` per block; changed in place.
    data : PreparedData
        The samples scored; nothing is added without a ``target_offset``.
    """
    if data.target_offset is None:
        return
    samples = data.samples
    notes = unscored_anomaly_notes(~np.isfinite(data.target_offset[:, 0]), samples.time_index,
                                   samples.layout.time.values, data.split.time_masks, metrics["n_samples"],
                                   climatology=data.target_climatology, flat_index=samples.flat_index,
                                   n_cells=samples.layout.n_cells)
    if notes:
        metrics["notes"] = metrics.get("notes", []) + notes


def add_dropped_target_entry(metrics: dict, data: PreparedData) -> None:
    """Record in ``metrics`` the target's values dropped because a feature is missing there:
    ``n_target_dropped`` (beside ``n_dropped``, which counts every grid point without target or
    feature), and, when they are more than
    :data:`~climann.data.dropped_targets.MAX_DROPPED_SHARE` of the target's values, the warning
    that says how they differ from those kept as ``target_dropped_note`` (report.md shows it;
    break33b B2), said on the terminal once per run (training says it as the samples are read,
    ``evaluate`` here: :func:`~climann.workflow.preparation.warn_dropped_targets`).

    Parameters
    ----------
    metrics : dict
        ``metrics.json`` as scored; changed in place.
    data : PreparedData
        The samples scored; nothing is added when they do not count the values dropped
        (field mode, or no target required).
    """
    dropped = getattr(data.samples, "dropped_targets", None)
    # said on the terminal too, as training and a streamed evaluation say it: `evaluate --data` scored a
    # quarter of the year without a word (break44d A5); once per run (train said it as it read the samples)
    warn_dropped_targets(dropped, data.samples.layout)
    metrics.update(dropped_target_entry(dropped, data.samples.layout))


def run_regions(config: RunConfig, layout: GridLayout) -> dict[str, Region]:
    """The regions scored separately (``[evaluation] regions`` and ``named_regions``) on the
    grid's true coordinates, of the cells inside ``[data] region``."""
    return layout_regions(layout, config.evaluation.regions, config.evaluation.named_regions,
                          region=config.data.region)


def season_region_scores(
    config: RunConfig, layout: GridLayout, predictions: dict[str, np.ndarray], truth: np.ndarray,
    time_masks: dict[str, np.ndarray], *, climatology: np.ndarray | None = None,
) -> dict:
    """The ``seasons``, ``regions`` and ``region_definitions`` entries of ``metrics.json``
    (see :func:`climann.evaluation.groups.season_region_metrics`; ``climatology`` the
    reference of the ACC's anomalies, as for the whole blocks)."""
    return season_region_metrics(predictions, truth, layout.cell_area_weights(), time_masks, layout.season_times(),
                                 run_regions(config, layout), climatology=climatology)


def _forecast_earlier(layout: GridLayout) -> np.ndarray | None:
    """The steps a forecast run's persistence takes (:func:`~climann.evaluation.baselines.forecast_persistence`)."""
    forecast = forecast_persistence(layout)
    return None if forecast is None else forecast.earlier


def _forecast_before(layout: GridLayout) -> str | None:
    """What a forecast run's persistence is, in words
    (:attr:`~climann.evaluation.baselines.ForecastPersistence.before`)."""
    forecast = forecast_persistence(layout)
    return None if forecast is None else forecast.before


def grid_metrics(
    config: RunConfig, layout: GridLayout, predictions: dict[str, np.ndarray], truth: np.ndarray, split: TimeSplit,
    *, mode: str, n_dropped: int, climatology: np.ndarray | None = None, left_out: dict[str, str] | None = None,
) -> dict:
    """``metrics.json`` of grids in memory: the sums of the grid as one chunk
    (:func:`climann.evaluation.scores.whole_grid_sums`, per block, season and region), turned
    into metrics by :func:`climann.evaluation.groups.run_metrics` as a chunked run's are.

    Parameters
    ----------
    predictions : dict of str to ndarray, shape (n_time, n_lat, n_lon)
        ``"model"`` and the baselines.
    truth : ndarray, shape (n_time, n_lat, n_lon)
    split : TimeSplit
        The blocks scored (``time_masks``) and their periods.
    mode : str
        ``"pointwise"`` or ``"field"``.
    n_dropped : int
    climatology : ndarray, shape (n_time, n_lat, n_lon), optional
        The reference of the ACC's anomalies (none: no ACC), smoothed over ``[evaluation]
        climatology_window_days`` (recorded in ``metrics.json``; a trained run's saved
        climatology was made with its own setting, which ``config`` holds).
    left_out : dict of baseline to reason, optional
        Baselines asked for but not computed.
    """
    regions = run_regions(config, layout)
    scored = [region for region in regions.values() if region.n_cells]
    season_times = layout.season_times()  # seasons by the time cells' middles
    total, names = whole_grid_sums(
        predictions, truth, layout.cell_area_weights(), split.time_masks, climatology=climatology,
        season_of_step=season_index(season_times) if is_sub_annual(season_times) else None,
        region_cells=np.stack([region.cells for region in scored]) if scored else None,
        # the data's first step only: a later block of split_files has no step before its first in its own
        # series either, a loss its persistence note says (break44d A9: a test year scored on 11 months, unsaid)
        series_starts=np.arange(1),
    )
    metrics = run_metrics(total, list(split.time_masks), names, target=layout.target_name, units=layout.target_units,
                          mode=mode, season=run_climatology_per(layout), regions=regions,
                          n_dropped=n_dropped, split_periods=split.descriptions, left_out=left_out,
                          have_climatology=climatology is not None, seasons=axis_seasons(season_times),
                          window_days=None if climatology is None else config.evaluation.climatology_window_days,
                          scored_on=layout_fingerprints(layout, split.time_masks, region=config.data.region),
                          weighted_by=cell_weights_text(layout), cell_areas=cell_areas_source(layout),
                          months_left_out=blocks_after_months_left_out(layout, split.time_masks),
                          forecast_persistence=_forecast_before(layout),
                          region=region_record(layout, config.data.region), cell_weights=layout.cell_area_weights)
    return metrics | target_means_entry(config)


def run_training(
    config: RunConfig,
    *,
    run_dir: str | Path,
    overwrite: bool = False,
    command_line: str = "",
    on_epoch: Callable[[int, History], None] | None = None,
    progress: TrainingProgress | None = None,
    resume: bool = False,
    option: str = "--out",
    way_out: str | None = None,
) -> RunResult:
    """Train and evaluate one run and write its run directory.

    While training, ``run_dir/checkpoint.npz`` is kept up to date (see
    :mod:`climann.workflow.checkpoints`); the run's files appear only when all are written.

    With ``[compute] scheduler`` or ``workers`` the run goes to a dask cluster
    (:func:`climann.workflow.compute.run.run_distributed`): the same run directory.

    With ``[training] ensemble`` > 1 the members are trained one after the other in this
    process and scored by their mean (:mod:`climann.workflow.ensemble`); such a run writes no
    checkpoint, and ``resume`` is refused.

    Parameters
    ----------
    config : RunConfig
        A validated configuration (see :func:`climann.workflow.config.build_config`).
    run_dir : str or Path
        Where the run directory goes; refused if not empty unless ``overwrite``.
    overwrite : bool
        Replace an existing run directory (only once the new run is complete).
    command_line : str
        Recorded as the ``history`` of ``predictions.nc`` and in ``provenance.json``.
    on_epoch : callable, optional
        Called as ``on_epoch(epoch, history)`` after each epoch (progress display).
    progress : TrainingProgress, optional
        A progress display (see :mod:`climann.workflow.progress`), told about every batch and epoch.
    resume : bool
        Continue the unfinished run in ``run_dir`` from its checkpoint; ``config`` must be
        the one recorded there (up to ``checkpoint_every``). With ``overwrite`` too, the run
        starts again from its first epoch (``config``, the checkpoint's settings and any
        changed, is a new run replacing it): the way out when its inputs or settings changed
        since the checkpoint (break28b A5).
    option : str
        The option that gave ``run_dir``, named by the refusals (``--out``; a sweep's runs:
        ``--runs``).
    way_out : str, optional
        The way out, besides waiting, that the refusal names when another climann command
        writes ``run_dir`` now (the run directory is claimed for the whole run,
        :func:`climann.atomic.claimed_output`): by default "choose another ``option``" ("copy
        the run elsewhere … and resume that" with ``resume``); a sweep gives its own.

    Returns
    -------
    RunResult

    Raises
    ------
    ClimannError
        For any user-caused problem; nothing but a checkpoint (or, after divergence, the
        best weights in ``best_model.npz``) is left in ``run_dir`` then.
    Interrupted
        On SIGINT, SIGTERM or SIGHUP: while training after writing the checkpoint, at other
        moments at once (what was being written removed; the checkpoint, if any, kept).
    """
    run_dir = Path(run_dir)
    again, resume = resume and overwrite, resume and not overwrite
    resume_elsewhere = f"copy the run elsewhere (cp -r {run_dir} NEW) and resume that"
    if resume:
        from climann.workflow.ensemble import refuse_ensemble_resume

        refuse_ensemble_resume(config, run_dir)
        refuse_unwritable(run_dir, option="--resume", way_out=resume_elsewhere)  # before any work, as for a new run
    else:
        # only looks: nothing is removed before the claim
        check_run_place(run_dir, inputs=input_files(config), option=option)
    way_out = way_out or (resume_elsewhere if resume or again else f"choose another {option}")
    made: list[Checkpointing] = []  # the run's, once made: what a signal's message says depends on how far it got
    try:
        # claimed for the whole run: two trains (or a train and an evaluate, predict or plot) never write it at once
        with claimed_output(run_dir, overwrite=True, folder=True, what="run directory", way_out=way_out):
            if resume:
                remove_published_checkpoint(run_dir)  # a retraining killed after it was in place: nothing to resume
            else:
                check_run_directory(run_dir, overwrite, inputs=input_files(config), option=option)
            return _claimed_training(config, run_dir, command_line, on_epoch, progress, resume=resume,
                                     overwrite=overwrite, again=again, made=made)
    except (KeyboardInterrupt, Terminated) as stopped:  # as the claim is released, after the run was written
        if not made or made[0].published is None:
            raise
        raise made[0].interrupted(signal_number(stopped)) from None


def _claimed_training(
    config: RunConfig, run_dir: Path, command_line: str, on_epoch: Callable[[int, History], None] | None,
    progress: TrainingProgress | None, *, resume: bool, overwrite: bool, again: bool,
    made: list[Checkpointing],
) -> RunResult:
    """:func:`run_training` once its run directory is claimed and checked; the run's
    :class:`~climann.workflow.checkpoints.Checkpointing` is appended to ``made`` once it exists."""
    # the advice names only the files given (break46b A4: files of their folder never given, and --data to info)
    with capture_run_log() as run_log, signals_raise(), files_given(input_files(config)):
        run_logger.info("climann %s%s", __version__, f": {command_line}" if command_line else "")
        if again:
            run_logger.info("--resume %s --overwrite: the run starts again from its first epoch, its checkpoint "
                            "replaced", run_dir)
        try:
            return _train_evaluate_write(config, run_dir, command_line, on_epoch, progress, run_log, resume=resume,
                                         overwrite=overwrite, made=made.append)
        except (KeyboardInterrupt, Terminated) as stopped:  # outside training: staging and temporaries are gone
            # after training, or after the run was written (a cluster shutting down), it says so
            number = signal_number(stopped)
            raise (made[0].interrupted(number) if made else interrupted(run_dir, number)) from None


def _train_evaluate_write(
    config: RunConfig, run_dir: Path, command_line: str, on_epoch: Callable[[int, History], None] | None,
    progress: TrainingProgress | None, run_log: RunLogCollector, *, resume: bool, overwrite: bool,
    made: Callable[[Checkpointing], None] = lambda checkpointing: None,
) -> RunResult:
    """The body of :func:`run_training`, its phases logged into ``run_log``; ``made`` as for
    :func:`_claimed_training`."""
    phases = PhaseTimer()
    phases.begin("recording the inputs")  # their checksums take a while for large files
    ensure_sample_data(config)
    config = resolve_inputs(config)
    provenance = run_provenance(input_files(config), command_line=command_line)
    if resume:  # changed inputs refused before the data are read
        refuse_changed_inputs(run_dir, provenance["inputs"])
    # Chosen once, before the checkpoint and config.toml record the configuration: a rerun,
    # a resume, predict and evaluate use the same inputs. The files are opened once for the
    # choice and the samples (they were opened twice, each opening's notes logged twice).
    config, dataset = opened_for_run(config)
    # recorded as a number: a run keeps the steps it read (the lags' and a forecast's persistence's)
    config = with_steps_before_range(config, read=steps_asked_before_range(dataset))
    checkpointing = (Checkpointing.resume(config, run_dir) if resume
                     else Checkpointing.start(config, run_dir, overwrite=overwrite))
    made(checkpointing)
    config = checkpointing.with_recorded_replicas(config)  # the replicas that train: config.toml records them
    # a resumed run's train.log holds the whole run, and says where it was interrupted
    run_log.continue_from(checkpointing.resumed_log, checkpointing.resumed_note())
    checkpointing.run_log = run_log.text
    records = RunRecords(provenance, run_log, phases)
    checkpointing.record_inputs(records.provenance["inputs"])
    epoch_log = EpochLogger(config.training.epochs)
    callbacks = _Callbacks([epoch_log, on_epoch, progress and progress.on_epoch],
                           progress.on_batch if progress else None)
    if uses_cluster(config.compute) and config.training.ensemble == 1:  # on a dask cluster: climann.workflow.compute
        from climann.workflow.compute.run import run_distributed

        with _training_progress(progress, config, None, epoch_log, log=False):
            return run_distributed(config, run_dir=run_dir, command_line=command_line, on_epoch=callbacks.on_epoch,
                                   checkpointing=checkpointing, records=records, on_training_start=epoch_log.start,
                                   dataset=dataset)
    phases.begin("preparing data")
    source, streamed = sample_source(config, dataset)
    if streamed and config.training.ensemble > 1:
        raise ClimannError(
            f"[training] ensemble = {config.training.ensemble} trains in memory, but these samples "
            f"({estimated_bytes(source) / 2**30:.3g} GB) exceed [data] in_memory_limit_gb = "
            f"{config.data.in_memory_limit_gb:g}: raise it, subsample (time_stride, grid_stride, sample_fraction) "
            "or train with ensemble = 1"
        )
    data = prepared_for_training(config, source, streamed=streamed, dataset=dataset)
    if not streamed:
        config = record_split(config, data.split)
        log_data_summary(data, n_files=len(input_patterns(config)))  # split_files too (break28c C2)
        warn_about_part_years(config, data.samples.layout, data.split)
        phases.begin("training")
        n_train = int(data.sample_masks["train"].sum())
        training = {"route": "in memory"}  # metrics.json training: what the route below really ran
        if config.training.ensemble > 1 and uses_cluster(config.compute):  # members in parallel on the workers
            from climann.workflow.compute.cluster import cluster_client
            from climann.workflow.ensemble import cluster_ensemble_training, fit_ensemble_on_cluster

            with cluster_client(config.compute) as client:
                network, histories = fit_ensemble_on_cluster(client, config, data, fit_network)
                training = cluster_ensemble_training(client, config.training.ensemble)
            history = histories[0]
        elif config.training.ensemble > 1:  # members one after the other, no checkpoints (not resumable)
            from climann.workflow.ensemble import fit_ensemble

            network, histories = fit_ensemble(
                config, lambda member: fit_network(member, data, on_epoch=callbacks.on_epoch,
                                                   on_batch=callbacks.on_batch),
                member_progress=lambda index: _training_progress(progress, config, n_train, epoch_log, log=index == 0),
            )
            history = histories[0]
        else:
            with _training_progress(progress, config, n_train, epoch_log):
                network, history = fit_network(
                    config, data, on_epoch=callbacks.on_epoch, on_batch=callbacks.on_batch,
                    checkpointing=checkpointing,
                )
            histories = [history]
        phases.begin("evaluating")
        with checkpointing.after_training():
            evaluation = evaluate(config, data, network)
        evaluation.metrics["training"] = training
        warn_about_notes(evaluation.metrics)
        warn_about_identity(evaluation.metrics, config.data)
        warn_about_target_means(evaluation.metrics)
        warn_about_negative_skill(evaluation.metrics, config.data)
        warn_about_extrapolation(block_extrapolation(data),
                                 input_units(config, data.samples.feature_names, data.samples.layout))
    else:
        run_logger.info("data: %.3g GB of samples > [data] in_memory_limit_gb = %g: streamed from disk while training",
                        estimated_bytes(source) / 2**30, config.data.in_memory_limit_gb)
        phases.begin("training (streamed)")
        with _training_progress(progress, config, None, epoch_log, log=False):  # the chunk route logs its rounds
            trained, split = _fit_streaming(
                config, source, on_epoch=callbacks.on_epoch, checkpointing=checkpointing
            )
        config = record_split(config, split)
        phases.begin("evaluating (chunk by chunk)")
        return _evaluate_streamed(config, run_dir, source, split, trained,
                                  command_line=command_line, checkpointing=checkpointing, records=records)
    phases.begin("writing the run directory")
    staging = staging_directory(run_dir)
    try:
        with checkpointing.after_training("writing the run directory"):
            figures = write_run_files(staging, config, data, network, history, evaluation, command_line,
                                      member_histories=histories)
            records.write(staging)
        checkpointing.publish(staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    figures = [run_dir / figure.relative_to(staging) for figure in figures]
    return RunResult(run_dir=run_dir, metrics=evaluation.metrics, figures=figures, history=history, config=config)


def _evaluate_streamed(
    config: RunConfig, run_dir: Path, source: PointwiseSource, split: TimeSplit,
    trained: TrainedOnCluster, *, command_line: str, checkpointing: Checkpointing, records: RunRecords,
) -> RunResult:
    """A streamed run's evaluation and run directory: every time step scored chunk by chunk in
    this process (dask's local threads), by the code that evaluates a cluster run
    (:func:`climann.workflow.compute.run.evaluate_and_write` without a client): the chunks'
    score sums, ``predictions.nc`` written as the chunks are computed, the figures read back
    from it. Its ``metrics.json`` keeps ``evaluated_every_nth_time_step`` (now always 1) for
    readers of older streamed runs, which were scored on every n-th step
    (:func:`climann.workflow.run_directory.scored_steps_record`)."""
    from climann.workflow.compute.chunks import evaluation_blocks
    from climann.workflow.compute.run import evaluate_and_write

    blocks = evaluation_blocks(source, chunk_mb=config.compute.chunk_mb)
    staging = staging_directory(run_dir)
    try:
        with checkpointing.after_training(lambda: records.phases.name):
            metrics, figures = evaluate_and_write(None, config, source, split, blocks, trained,
                                                  staging, command_line=command_line, phases=records.phases)
            records.write(staging)
        checkpointing.publish(staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    run_logger.info("evaluated on every time step, in %d chunks", len(blocks))
    figures = [run_dir / figure.relative_to(staging) for figure in figures]
    return RunResult(run_dir=run_dir, metrics=metrics, figures=figures, history=trained.history, config=config)


def input_patterns(config: RunConfig) -> list[str]:
    """The input files or patterns of ``config``: ``[data] paths``, then each ``split_files`` block's."""
    return [*config.data.paths, *(pattern for group in config.data.split_files.values() for pattern in group)]


def input_files(config: RunConfig) -> list[str]:
    """The input files of ``config`` that exist now (patterns expanded), to keep them out
    of the run directory; missing ones are reported later, where they are read."""
    from climann.data.open import expand_paths

    found = []
    for pattern in input_patterns(config):
        try:
            found += [str(path) for path in expand_paths([pattern])]
        except ClimannError:
            continue
    return found


@dataclass(frozen=True)
class _Callbacks:
    """The epoch callbacks of a run (None entries skipped) as one, and its batch callback."""

    epoch_callbacks: list
    on_batch: BatchCallback | None

    def on_epoch(self, epoch: int, history: History) -> None:
        for callback in self.epoch_callbacks:
            if callback is not None:
                callback(epoch, history)


@contextlib.contextmanager
def _training_progress(
    progress: TrainingProgress | None, config: RunConfig, n_train: int | None, epoch_log: EpochLogger, *,
    log: bool = True,
) -> Iterator[None]:
    """Log the shape of training (unless not ``log``), start the clock of the epoch lines and
    show training on ``progress`` while the block trains (batches per epoch unknown when
    streamed or on a cluster)."""
    epoch_log.start()
    training = config.training
    batches = None if n_train is None else math.ceil(n_train / training.batch_size)
    if log:
        run_logger.info("%d epochs × %s batches of %d samples%s", training.epochs, batches or "?", training.batch_size,
                        f" ({n_train} per epoch)" if n_train else " (streamed: counted in the first epoch)")
    if progress is None:
        yield
        return
    progress.start_training(epochs=training.epochs, batch_size=training.batch_size,
                            batches_per_epoch=batches, samples_per_epoch=n_train)
    try:
        yield
    finally:
        progress.end_training()
