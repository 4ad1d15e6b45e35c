"""One run on a dask cluster: ``climann train --workers N`` or ``--scheduler ADDRESS``.

The same run directory as :func:`climann.workflow.pipeline.run_training` writes in one process, with
the data kept on the workers throughout:

1. the client opens the files lazily (metadata only), builds the sample source, the split
   and the chunks (:func:`~climann.workflow.compute.chunks.chunk_blocks`);
2. the workers fit the standardisation on the training chunks (moments merged on the
   client), then read, standardise and persist the training and validation chunks;
3. data-parallel training (:mod:`climann.workflow.compute.training`);
4. the persisted chunks are released; the workers fit the baselines and evaluate every chunk
   of :func:`~climann.workflow.compute.chunks.evaluation_blocks` (fewer than training's for
   small data; :mod:`climann.workflow.compute.evaluation`), writing ``predictions.nc`` chunk by chunk and
   returning only the score sums;
5. the figures: the test block's maps, error maps and density from ``predictions.nc`` (every
   n-th year of the block when its grids would exceed ``[data] in_memory_limit_gb``; n is
   then recorded in ``metrics.json`` as ``figures_every_nth_test_year``), the area-mean series
   from the area means of every time step computed with the scores.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from climann.workflow.checkpoints import Checkpointing, data_fingerprint, training_hooks
from climann.workflow.compute.chunks import (
    chunk_blocks,
    chunk_cut,
    evaluation_blocks,
    interleaved_chunks,
    persist_samples,
    read_fit_and_persist,
    read_on_demand,
    reads_once,
    scaling_and_rows,
    short_chunk_warning,
)
from climann.workflow.compute.cluster import cluster_client, warm_up
from climann.workflow.compute.evaluation import (
    SAMPLES_SCORED,
    TARGET_PRESENT,
    ChunkEvaluation,
    ScoreSums,
    block_extrapolation_from_series,
    extrapolation_from_series,
    fit_baselines,
)
from climann.workflow.compute.prediction import chunked_grids, write_dataset
from climann.workflow.compute.training import local_sgd_replicas, train_distributed, training_record
from climann.workflow.config import BASELINES, RunConfig, training_options
from climann.data.batches import blocks_in_split, even_blocks
from climann.data.pointwise import PointwiseSamples, PointwiseSource
from climann.data.scaling import Standardizer
from climann.data.splits import TimeSplit
from climann.evaluation.baselines import (
    blocks_after_months_left_out, persistence_gap_warning, persistence_left_out, persistence_left_out_reason,
    forecast_persistence, persistence_missing_steps, persistence_previous_steps,
    run_climatology_per, season_keys,
)
from climann.evaluation.extrapolation import Extrapolation
from climann.evaluation.predictions import check_predictions_encodable, predictions_dataset
from climann.evaluation.cell_measures import cell_areas_source, cell_weights_text
from climann.evaluation.climatology_years import add_climatology_narrowed, add_few_years_note
from climann.evaluation.groups import run_metrics
from climann.evaluation.regions import layout_regions
from climann.evaluation.scored_blocks import layout_fingerprints, region_record
from climann.evaluation.seasons import axis_seasons, is_sub_annual
from climann.evaluation.seasons import season_index as season_of_steps  # the name season_index is taken below
from climann.model import History, Network
from climann.workflow.preparation import (
    PreparedData,
    dropped_target_entry,
    empty_block_error,
    open_selected,
    pointwise_source,
    record_split,
    selected_months,
    split_for,
    warn_about_part_years,
    warn_dropped_targets,
    warn_steps_without_target,
)
from climann.workflow.outputs import publish_run, staging_directory
from climann.workflow.run_directory import (
    ChunkedEvaluation,
    RunRecords,
    RunResult,
    input_units,
    model_metadata,
    scored_steps_record,
    target_means_entry,
    write_chunked_run_files,
)
from climann.workflow.runlog import (
    PhaseTimer,
    block_check_ranges,
    run_logger,
    warn_about_extrapolation,
    warn_about_identity,
    warn_about_negative_skill,
    warn_about_notes,
    warn_about_target_means,
)

if TYPE_CHECKING:
    import xarray as xr
    from distributed import Client

__all__ = ["evaluate_and_write", "evaluate_distributed", "run_distributed", "train_on_cluster"]


@dataclass(frozen=True)
class TrainedOnCluster:
    """What :func:`train_on_cluster` returns."""

    network: Network
    history: History
    input_scaler: Standardizer
    target_scaler: Standardizer
    #: How it trained: ``metrics.json`` ``training`` (:func:`~climann.workflow.compute.training.training_record`)
    training: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Evaluated:
    """What :func:`evaluate_distributed` returns.

    Attributes
    ----------
    metrics : dict
        The content of ``metrics.json``.
    total : ScoreSums
        The summed chunks (counts of samples per block among them).
    area_means : dict of str to ndarray, shape (n_time,)
        Area-weighted mean of the truth and of each prediction at each time step.
    climatology : ndarray, shape (n_seasons, n_lat, n_lon), or None
        The training years' mean of each season key (calendar month, day of year, or day of year and hour) and
        cell, the reference of the anomalies; None without a training block.
    season_index : ndarray of int, shape (n_time,), or None
        Each time step's season (index into ``climatology``).
    extrapolation : dict of str to Extrapolation
        With ``ranges``, each block's samples outside them (added up from the chunks' counts,
        :func:`~climann.workflow.compute.evaluation.block_extrapolation_from_series`); else empty.
    """

    metrics: dict
    total: ScoreSums
    area_means: dict[str, np.ndarray]
    climatology: np.ndarray | None = None
    season_index: np.ndarray | None = None
    extrapolation: dict[str, Extrapolation] = field(default_factory=dict)


def check_test_block_has_a_sample(config: RunConfig, source: PointwiseSource, split: TimeSplit,
                                   blocks: Sequence[tuple[int, int]]) -> None:
    """Refuse, before any training, a run whose test block holds no complete sample.

    The training and validation blocks are read before training; the test block only when
    the run is evaluated. An in-memory run refuses an empty test block as it reads its samples;
    the chunk route read the test block after training and refused then, leaving a checkpoint
    that ``--resume`` could never finish. The test block's chunks are read here in this
    process, one at a time, until one holds a sample: one chunk when the block has samples,
    all of them only when it has none.

    Raises
    ------
    ClimannError
        If no chunk of the test block holds a sample (:func:`empty_block_error`).
    """
    for start, stop in blocks_in_split(blocks, split.time_masks["test"]):
        if source.read(start, stop, scheduler="synchronous").target.size:
            return
    raise empty_block_error(config, split, "test", source)


def train_on_cluster(
    client: Client, config: RunConfig, source: PointwiseSource, split: TimeSplit, blocks: list[tuple[int, int]],
    *, on_epoch: Callable[[int, History], None] | None = None, checkpointing: Checkpointing | None = None,
    held: bool = True, on_data_ready: Callable[[], None] | None = None, blocks_per_chunk: int = 1,
) -> TrainedOnCluster:
    """Steps 2 and 3: scaling fitted and chunks persisted on the workers, then training.

    The one training route of chunked data: a cluster run holds the chunks on its workers
    (``held``); a streamed run (:mod:`climann.workflow.compute.executor`, this process as the
    executor) reads each chunk when its round comes (``held=False``,
    :func:`~climann.workflow.compute.chunks.read_on_demand`): the same chunks, the same
    rounds, the same weights; memory for one chunk instead of all (rounds of one chunk:
    ``[compute] chunks_per_round`` is 1 then). A cluster run whose chunks fit the
    workers' memory comfortably reads each chunk once
    (:func:`~climann.workflow.compute.chunks.read_fit_and_persist`), else twice (the
    scaling pass, then the tables). A streamed run with ``blocks_per_chunk`` > 1 trains on
    chunks of that many of the training block's ``blocks`` taken from every part of its period
    (:func:`~climann.workflow.compute.chunks.interleaved_chunks`), each read as one table.
    ``on_data_ready()`` is called once the scaling is fitted
    and the chunks are persisted (or set up to be read), before training starts.

    With ``checkpointing`` (see :mod:`climann.workflow.checkpoints`), the run's checkpoint is written
    between epochs and on SIGINT/SIGTERM/SIGHUP (after the current epoch), and a resumed run
    continues from it.

    Raises
    ------
    ClimannError
        If the training, validation or test block has no sample, the data differ from a resumed
        checkpoint's, or training diverges (the best weights are then kept in
        ``best_model.npz`` with ``checkpointing``).
    Interrupted
        On SIGINT, SIGTERM or SIGHUP, after writing the checkpoint.
    """

    check_test_block_has_a_sample(config, source, split, blocks)
    short = short_chunk_warning(source, blocks, months=selected_months(config), held=held,
                                blocks_per_chunk=1 if held else blocks_per_chunk)
    if short:
        run_logger.warning(short)
    replicas = local_sgd_replicas(client, checkpointing.resumed if checkpointing is not None else None)
    # each split's chunks of equal length, as many for every replica: the replicas get equal work
    train_blocks, val_blocks = (even_blocks(blocks_in_split(blocks, split.time_masks[name]), multiple_of=replicas)
                                for name in ("train", "val"))
    layout = {"dtype": config.model.dtype, "area_weighted": config.training.area_weighted}
    if held and reads_once(client, source, [*train_blocks, *val_blocks]):
        input_scaler, target_scaler, persisted = read_fit_and_persist(
            client, source, {"train": train_blocks, "val": val_blocks}, **layout)
    else:
        input_scaler, target_scaler, train_rows = scaling_and_rows(client, source, train_blocks)
        tables = {"input_scaler": input_scaler, "target_scaler": target_scaler, **layout}
        if held:
            persisted = {"train": persist_samples(client, source, train_blocks, **tables),
                         "val": persist_samples(client, source, val_blocks, **tables)}
        else:
            chunks = interleaved_chunks(train_blocks, blocks_per_chunk=blocks_per_chunk)
            rows_of = dict(zip(train_blocks, train_rows, strict=True))
            train = read_on_demand(client, source, chunks if blocks_per_chunk > 1 else train_blocks,
                                   rows=[sum(rows_of[block] for block in chunk) for chunk in chunks], **tables)
            persisted = {"train": train, "val": read_on_demand(client, source, val_blocks, along=train, **tables)}
    if on_data_ready is not None:
        on_data_ready()
    try:
        for name, samples in persisted.items():
            if samples.n_samples == 0:
                raise empty_block_error(config, split, name, source)
        network = Network(
            [len(source.feature_names), *config.model.hidden, 1], activation=config.model.activation,
            output_activation=config.model.output_activation, init=config.model.init, seed=config.training.seed,
            dtype=config.model.dtype,
        )
        hooks, guarded = training_hooks(
            checkpointing, network, fingerprint=lambda: data_fingerprint(input_scaler, target_scaler),
            model_metadata=lambda: model_metadata(config, _metadata_only(source, split, input_scaler, target_scaler)),
            chunks=train_blocks,
        )
        options = training_options(config)
        with guarded:
            history = train_distributed(
                client, network, persisted["train"], persisted["val"], batch_size=options.pop("batch_size"),
                seed=options.pop("seed"), loss=options.pop("loss"), sync_every=config.compute.sync_every,
                replicas=replicas,
                # chunks read on demand: one chunk per round, so that one chunk is in memory at a time
                chunks_per_round=config.compute.chunks_per_round if held else 1,
                scale_learning_rate=config.compute.scale_learning_rate,
                chunks_to_replicas=config.compute.chunks_to_replicas,
                chunk_cut=chunk_cut(source, blocks, train_blocks) if held else None,
                callbacks=(on_epoch,) if on_epoch else (),
                **options, **hooks,
            )
        training = {"route": "cluster" if held else "streamed", **training_record(
            persisted["train"].rows, replicas=replicas, batch_size=config.training.batch_size,
            sync_every=config.compute.sync_every, chunks_per_round=config.compute.chunks_per_round if held else 1,
            seed=config.training.seed, epochs=config.training.epochs,
            dealt=config.compute.chunks_to_replicas == "dealt", scale_learning_rate=config.compute.scale_learning_rate)}
    finally:
        for samples in persisted.values():
            samples.release()
    return TrainedOnCluster(network, history, input_scaler, target_scaler, training)


def evaluate_distributed(
    client: Client | None, config: RunConfig, source: PointwiseSource, split: TimeSplit, blocks: list[tuple[int, int]],
    network: Network, input_scaler: Standardizer, target_scaler: Standardizer, predictions_path: Path, *,
    history: str, baselines: Sequence[str] = BASELINES, ranges: dict | None = None, own_data: bool = True,
    flag_extrapolation: bool = True,
) -> Evaluated:
    """Step 4: baselines, scores and the predictions file chunk by chunk.

    Parameters
    ----------
    client : distributed.Client, or None
        The cluster; None: chunk by chunk in this process (dask's local threads), as for a
        streamed run.
    baselines : sequence of str
        The baselines to score (``[evaluation] baselines``): ``"linear"`` and
        ``"climatology"`` are fitted on the training block, ``"persistence"`` is scored
        when the time axis is regular and every sample is kept. For another dataset
        scored as one block, persistence at most.
    ranges : dict, optional
        The model file's ``input_ranges``: the samples outside them are counted per block
        (``Evaluated.extrapolation``) and, with ``flag_extrapolation``, flagged in
        ``<target>_extrapolated`` and counted in ``metrics["extrapolation"]``.
    flag_extrapolation : bool
        False: ``ranges`` only count (``train``'s warning of its validation and test blocks,
        :func:`~climann.workflow.runlog.warn_about_extrapolation`); the files are as without.
    own_data : bool
        True for the run's own data (``climann train``, ``climann evaluate RUN_DIR``): a
        streamed run's metrics then say that every time step was scored
        (:func:`~climann.workflow.run_directory.scored_steps_record`). False for another
        dataset scored as one block (``climann evaluate --data``).

    Returns
    -------
    Evaluated

    Raises
    ------
    ClimannError
        If a block has no sample.
    """
    layout = source.layout
    options: dict = {}
    models: tuple[str, ...] = ("model",)
    fitted = tuple(name for name in ("climatology", "linear") if name in baselines)
    # the climatology is also the reference of the ACC's anomalies: fitted whenever there is a training block
    training_counts = None  # the training values of each climatology key at each cell
    if fitted or "train" in split.time_masks:
        keys, season_index = np.unique(season_keys(layout.time.values, value_step=layout.climatology_value_step,
                                                   dates=layout.period_times()), return_inverse=True)
        linear, climatology, training_counts = fit_baselines(
            client, source, blocks_in_split(blocks, split.time_masks["train"]), input_scaler,
            dtype=config.model.dtype, season_index=season_index, key_values=keys,
            area_weighted=config.training.area_weighted, window_days=config.evaluation.climatology_window_days,
        )
        options = {"season_index": season_index, "climatology": climatology}
        options.update({"linear": linear} if "linear" in fitted else {})
        models += fitted
    # the previous step by time (None without a nominal step): missing after gaps
    left_out_because = persistence_left_out(layout, lags=config.data.lags)
    # in a run on a forecast at one lead: the last value observed before each forecast's start
    forecast = forecast_persistence(layout)
    previous = (None if left_out_because is not None
                else forecast.earlier if forecast is not None
                else persistence_previous_steps(layout.time.values, segment_starts=layout.time_segment_starts(),
                                                stride=layout.strided_series))
    if "persistence" in baselines and previous is not None:
        models += ("persistence",)
        options["previous"] = previous
        missing = np.zeros(0, np.int64) if forecast is not None else persistence_missing_steps(
            previous, layout.time.values, first_counted=layout.steps_before_range, dates=layout.selection_dates(),
            segment_starts=layout.time_segment_starts())
        if missing.size:
            run_logger.warning(persistence_gap_warning(missing.size, layout.time.values, after=missing,
                                                       dates=layout.selection_dates(), stride=layout.strided_series))
    names = list(split.time_masks)
    block_of_step = np.full(layout.shape[0], -1, dtype=np.int64)
    for index, name in enumerate(names):
        block_of_step[split.time_masks[name]] = index
    every_region = layout_regions(layout, config.evaluation.regions, config.evaluation.named_regions,
                                  region=config.data.region)
    regions = {name: region for name, region in every_region.items() if region.n_cells}  # warned in run_metrics
    season_times = layout.season_times()  # by the middles of the time cells, as the season feature
    if is_sub_annual(season_times):
        options["season_of_step"] = season_of_steps(season_times)
    if regions:
        options["region_cells"] = np.stack([region.cells for region in regions.values()])
    context = ChunkEvaluation(source, network, input_scaler, target_scaler, models, block_of_step, len(names),
                              shift=float(target_scaler.mean[0]), ranges=ranges,
                              extrapolated_grid=flag_extrapolation, **options)
    grids, sums, series = chunked_grids(context, blocks)
    dataset = predictions_dataset(layout, grids["truth"], grids["model"], split.labels(), history=history,
                                  baselines={name: grids[name] for name in models[1:]},
                                  extrapolated=grids.get("extrapolated"))
    total, area_means = write_dataset(dataset, predictions_path, layout, also=[sums, series])
    counts = {name: area_means.pop(name) for name in list(area_means) if name.startswith("extrapolation:")}
    n_target, n_scored = area_means.pop(TARGET_PRESENT), area_means.pop(SAMPLES_SCORED)
    source.log_lags_at_steps_without_target(n_target.astype(np.int64))
    warn_steps_without_target(split, n_target > 0, config.data.target, layout.time.values, scored=n_scored > 0)
    for index, name in enumerate(names):
        if total.samples[index] == 0:
            raise empty_block_error(config, split, name, source)
    left_out = ({"persistence": left_out_because or persistence_left_out_reason(layout.time_storage)}
                if "persistence" in baselines and "persistence" not in models else {})
    metrics = run_metrics(
        total, names, list(models), target=layout.target_name, units=layout.target_units, mode="pointwise",
        season=run_climatology_per(layout), regions=every_region,
        n_dropped=total.n_dropped,
        split_periods=split.descriptions, left_out=left_out, have_climatology="climatology" in options,
        window_days=config.evaluation.climatology_window_days if "climatology" in options else None,
        seasons=axis_seasons(season_times),
        scored_on=layout_fingerprints(layout, split.time_masks, region=config.data.region),
        weighted_by=cell_weights_text(layout), cell_areas=cell_areas_source(layout),
        months_left_out=blocks_after_months_left_out(layout, split.time_masks),
        forecast_persistence=None if forecast is None else forecast.before,
        region=region_record(layout, config.data.region), cell_weights=layout.cell_area_weights,
    )
    metrics.update(target_means_entry(config))
    if own_data and "train" in split.time_masks:
        add_few_years_note(metrics, layout.time.values, split.time_masks["train"],
                           value_step=layout.climatology_value_step, counts=training_counts)
        add_climatology_narrowed(metrics, layout.time.values, split.time_masks["train"],
                                 value_step=layout.climatology_value_step, months=selected_months(config),
                                 counts=training_counts)
    if own_data:
        metrics.update(scored_steps_record(source, config))
    if ranges is not None and flag_extrapolation:
        metrics["extrapolation"] = extrapolation_from_series(counts, ranges).summary()
    warn_dropped_targets(total.dropped_targets, layout)  # streamed: said as the chunks are scored
    metrics.update(dropped_target_entry(total.dropped_targets, layout))  # last, as in memory
    blocks_outside = {} if ranges is None else block_extrapolation_from_series(counts, ranges, block_of_step, names)
    return Evaluated(metrics, total, area_means, options.get("climatology"), options.get("season_index"),
                     extrapolation=blocks_outside)


def _metadata_only(
    source: PointwiseSource, split: TimeSplit, input_scaler: Standardizer, target_scaler: Standardizer
) -> PreparedData:
    """The prepared data's description for the model file's metadata, without samples (they
    stayed on the workers): feature names, layout, split and scalers."""
    n_features = len(source.feature_names)
    empty = PointwiseSamples(
        inputs=np.empty((0, n_features), np.float32), target=np.empty((0, 1), np.float32),
        flat_index=np.empty(0, np.int64), feature_names=source.feature_names, layout=source.layout, n_dropped=0,
        climatologies=source.climatologies,
    )
    return PreparedData(
        samples=empty, split=split, sample_masks={}, input_scaler=input_scaler, target_scaler=target_scaler,
        scaled_inputs=empty.inputs, scaled_target=empty.target,
    )


def evaluate_and_write(
    client: Client | None, config: RunConfig, source: PointwiseSource, split: TimeSplit,
    blocks: list[tuple[int, int]], trained: TrainedOnCluster, staging: Path, *, command_line: str,
    phases: PhaseTimer | None = None,
) -> tuple[dict, list[Path]]:
    """Steps 4 and 5 of a run evaluated chunk by chunk, on a cluster (``client``) or in this
    process (``client`` None: dask's local threads, a streamed run): :func:`evaluate_distributed`
    writes ``predictions.nc`` into ``staging`` and sums the scores of every time step, then
    :func:`climann.workflow.run_directory.write_chunked_run_files` draws the figures and writes
    the other files of the run directory there.

    Returns
    -------
    metrics : dict
        The content of ``metrics.json``.
    figures : list of Path
        In ``staging``.
    """
    evaluated = evaluate_distributed(
        client, config, source, split, blocks, trained.network, trained.input_scaler, trained.target_scaler,
        staging / "predictions.nc", history=command_line, baselines=config.evaluation.baselines,
        ranges=block_check_ranges(trained.input_scaler.range_dict()), flag_extrapolation=False,
    )
    warn_about_notes(evaluated.metrics)
    warn_about_identity(evaluated.metrics, config.data)
    warn_about_target_means(evaluated.metrics)
    warn_about_negative_skill(evaluated.metrics, config.data)
    warn_about_extrapolation(evaluated.extrapolation, input_units(config, source.feature_names, source.layout))
    if trained.training:
        evaluated.metrics["training"] = trained.training
    _begin(phases, "writing the run directory")
    figures = write_chunked_run_files(
        staging, config, _metadata_only(source, split, trained.input_scaler, trained.target_scaler), trained.network,
        trained.history, ChunkedEvaluation(evaluated.metrics, evaluated.area_means, evaluated.climatology,
                                           evaluated.season_index),
    )
    return evaluated.metrics, figures


def run_distributed(
    config: RunConfig, *, run_dir: Path, command_line: str = "",
    on_epoch: Callable[[int, History], None] | None = None, checkpointing: Checkpointing | None = None,
    records: RunRecords | None = None, on_training_start: Callable[[], None] | None = None,
    dataset: xr.Dataset | None = None,
) -> RunResult:
    """:func:`climann.workflow.pipeline.run_training` on the cluster of ``config.compute``.

    ``config.data.paths`` must be resolved and the run directory checked (``run_training``
    does both before it hands over, and passes its ``checkpointing`` and ``records``: the
    checkpoint, ``provenance.json`` and ``train.log``). ``on_training_start()`` is called once
    the cluster holds the data, as training begins (the clock of the epoch lines). ``dataset``:
    the data as :func:`~climann.workflow.preparation.open_selected` opens them (``run_training``
    opened them to choose the inputs), opened here when not given.

    Raises
    ------
    ClimannError
        As ``run_training``; also when the scheduler cannot be reached.
    Interrupted
        On SIGINT, SIGTERM or SIGHUP while training, after writing the checkpoint.
    """

    phases = records.phases if records else None
    # its own phase: a local cluster's worker processes take a second or more to start
    _begin(phases, "connecting to the cluster" if config.compute.scheduler else "starting the cluster")
    with cluster_client(config.compute) as client:
        _begin(phases, "preparing data (on the cluster)")
        warming = warm_up(client)  # the workers import what they read with while the files are opened here
        source = pointwise_source(config, open_selected(config) if dataset is None else dataset)
        check_predictions_encodable(source.layout, config.evaluation.baselines)
        split = split_for(config, source.layout)
        warn_about_part_years(config, source.layout, split)
        config = record_split(config, split)
        blocks = chunk_blocks(source, chunk_mb=config.compute.chunk_mb)
        run_logger.info("cluster: %d workers (%s); %d chunks of ≤ %g MiB", len(client.scheduler_info()["workers"]),
                        config.compute.scheduler or "local", len(blocks), config.compute.chunk_mb)
        # the workers read and standardise the chunks while data are prepared, as one process does
        trained = train_on_cluster(client, config, source, split, blocks, on_epoch=on_epoch,
                                   checkpointing=checkpointing,
                                   on_data_ready=lambda: _training_begins(phases, on_training_start))
        del warming
        _begin(phases, "evaluating (on the cluster)")
        staging = staging_directory(run_dir)
        try:
            during = (lambda: phases.name) if phases else "evaluating"
            with checkpointing.after_training(during) if checkpointing else contextlib.nullcontext():
                metrics, figures = evaluate_and_write(
                    client, config, source, split, evaluation_blocks(source, chunk_mb=config.compute.chunk_mb),
                    trained, staging, command_line=command_line, phases=phases,
                )
                if records is not None:
                    records.write(staging)
            if checkpointing is not None:
                checkpointing.publish(staging)  # replaces a run there only with --overwrite
            else:
                publish_run(staging, run_dir)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    figures = [run_dir / figure.relative_to(staging) for figure in figures]
    return RunResult(run_dir=run_dir, metrics=metrics, figures=figures, history=trained.history, config=config)


def _training_begins(phases: PhaseTimer | None, on_training_start: Callable[[], None] | None) -> None:
    _begin(phases, "training (on the cluster)")
    if on_training_start is not None:
        on_training_start()


def _begin(phases: PhaseTimer | None, name: str) -> None:
    if phases is not None:
        phases.begin(name)
