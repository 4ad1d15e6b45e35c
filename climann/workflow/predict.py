"""Apply a trained run to new data: ``climann predict RUN_DIR --data … --out FILE.nc``.

The run's own configuration says how samples are built (predictors, derived features,
selection); the model file carries the standardisation fitted on the run's training block,
which is applied unchanged — never refitted on the new data.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import re
import shlex
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr

from climann.atomic import claimed_output
from climann.workflow.compute.cluster import uses_cluster
from climann.workflow.compute.prediction import is_zarr, require_zarr
from climann.workflow.config import (
    ComputeConfig,
    RunConfig,
    build_config,
    lag_steps_needed,
    load_config_file,
    steps_read_before_range,
)
from climann.data.geometry import longitude_ends, longitude_ends_text, wrapped_difference
from climann.data.grids import STAND_IN_TARGET
from climann.data.layout import GridLayout, steps_weights
from climann.data.scaling import Standardizer
from climann.data.open import expand_paths
from climann.data.pointwise import applying_run
from climann.data.shell import files_given, shared_glob
from climann.data.circular import refuse_direction_scores
from climann.data.paths import path_list
from climann.data.sources import files_text, source_files
from climann.data.unitless_values import TrainingValues
from climann.data.units import TEMPERATURE_DIFFERENCE
from climann.data.variables import data_variable_names
from climann.errors import ClimannError
from climann.evaluation.extrapolation import Extrapolation, check_extrapolation, extrapolation_message
from climann.evaluation.baselines import ClimatologyKeys
from climann.evaluation.cell_measures import WHOLE_CELLS, cell_weights_text, weighting_text
from climann.evaluation.ensemble import ensemble_mean, ensemble_spread
from climann.evaluation.predictions import (
    check_predictions_encodable, predicted_period, predictions_dataset, write_predictions,
)
from climann.evaluation.scored_blocks import region_record
from climann.evaluation.scores import whole_grid_sums
from climann.evaluation.sums import network_scores
from climann.jsonfile import write_json
from climann.model import Network
from climann.model.ensemble import Ensemble
from climann.data.coords import FILE_TIME_COORDINATE, named_coordinates, time_coordinate
from climann.data.notes import note_once
from climann.data.stamp_places import at_stamp_place
from climann.data.time_axis import date_text
from climann.data.members import member_values
from climann.workflow.runlog import warn_about_identity, warn_about_target_means
from climann.workflow.scored_years import other_models, scored_own_years, warn_scored_own_years
from climann.workflow.new_data import (
    check_like_training, member_notes, other_place, persistence_step_text, require_recorded_inputs,
    training_target_attributes, with_trained_input_levels, with_training_levels, with_run_weights_of,
    with_training_quantity, with_training_step, warn_other_cell_areas,
)
from climann.workflow.target_cells import predicted_cells as target_cells
from climann.workflow.unscored_anomalies import undefined_anomaly_text
from climann.workflow.training_cells import (
    SAME_CELL_DEGREES, TrainingCells, same_projection, same_summarised_grid, training_cells)
from climann.workflow.outputs import (
    EVALUATION_FILES,
    folder_written,
    is_predict_output,
    prepare_output_folder,
    refuse_existing,
    refuse_run_files,
)

_log = logging.getLogger(__name__)


#: Suffixes of the files climann writes in other formats than NetCDF (figures, scores, reports,
#: tables, model files, configurations, logs): never the name of a predictions file.
_OTHER_FORMATS = (".png", ".json", ".md", ".csv", ".npz", ".toml", ".log", ".txt")


def refuse_other_format(out: str | Path) -> None:
    """Refuse a predictions file named as a file of another format (``map.png``,
    ``metrics.json``): ``climann predict`` writes NetCDF (or a Zarr store, ``.zarr``), which
    no program would open under such a name.

    Raises
    ------
    ClimannError
    """
    suffix = Path(out).suffix.lower()
    if suffix in _OTHER_FORMATS:
        raise ClimannError(f"--out {out} names a {suffix} file, but the predictions are written as NetCDF; give a "
                           f"name ending in .nc (or .zarr for a Zarr store), e.g. {Path(out).with_suffix('.nc')}")


@dataclass(frozen=True)
class TrainedRun:
    """A finished run's configuration and network (with its scaling in ``metadata``); an
    ensemble run's network is its :class:`~climann.model.ensemble.Ensemble` (which predicts
    the members' mean)."""

    config: RunConfig
    network: Network | Ensemble
    #: The SHA-256 of its ``model.npz`` as read (:func:`climann.run_files.model_sha256`), which
    #: the ``metrics.json`` of ``climann evaluate`` records; None for a run of a climann before
    #: that record (re-scored, its metrics.json stays as it was) or a network given otherwise.
    model_sha256: str | None = None
    #: How its model was trained (``metrics.json`` ``training``, kept from the run's own
    #: ``metrics.json`` when that was written for this ``model.npz``); None when not recorded.
    training: dict | None = None

    @property
    def target_units(self) -> str:
        return str(self.network.metadata.get("target_units", [""])[0])

    def input_units(self) -> dict[str, str]:
        """The units of the target and of the variables the features are made of, as
        recorded at training; new data are converted to them. A model file written before
        they were recorded gives only the target's, with a warning."""
        recorded = self.network.metadata.get("units")
        if recorded is not None:
            return {str(name): str(units) for name, units in recorded.items()}
        _log.warning(
            "this run's model.npz predates the record of the predictors' units: only the target's units are checked "
            "(retrain to check them all)"
        )
        return {self.config.data.target: self.target_units} if self.target_units else {}

    def selection_directions(self) -> dict[str, str]:
        """The way each vertical coordinate the run selected a value of (``[data] select``)
        counted positive in its training data, ``"up"`` or ``"down"`` (its CF ``positive``
        attribute, recorded with the levels in ``model.npz`` ``levels``): new data counting it
        the other way are given the value with its sign changed
        (:func:`~climann.data.levels.in_own_direction`). Empty for a model file without the
        record, or a selection of no such coordinate."""
        found = {}
        for levels in (self.network.metadata.get("levels") or {}).values():
            for name, record in levels.items():
                positive = str(record.get("positive", "")).strip().lower()
                if name in (self.config.data.select or {}) and positive in ("up", "down"):
                    found.setdefault(str(name), positive)
        return found

    def selection_kinds(self) -> dict[str, str]:
        """The kind of level (:func:`~climann.data.levels.level_kind`: ``"length"``,
        ``"pressure"``, or a parametric model level's CF ``standard_name``) of each coordinate the
        run selected a value of (``[data] select``) in its training data, as ``model.npz``
        ``levels`` records it (:func:`~climann.data.levels.recorded_kind`; for a run trained before
        the kind was recorded, read from the ``standard_name`` and ``units`` kept there): new data
        whose coordinate is a level of another kind are refused. Empty for a model file without
        the record, or a selection of no level."""
        from climann.data.levels import recorded_kind

        found: dict[str, str] = {}
        for levels in (self.network.metadata.get("levels") or {}).values():
            for name, record in levels.items():
                kind = recorded_kind(str(name), record) if name in (self.config.data.select or {}) else None
                if kind is not None:
                    found.setdefault(str(name), kind)
        return found

    def training_values(self) -> dict[str, TrainingValues]:
        """The mean, standard deviation and range on the training block of the target and of
        each variable of :meth:`input_units` that is a feature itself (a predictor, or else its
        first lag), from the model file (``target_scaling`` and ``target_range``,
        ``input_scaling`` and ``input_ranges``), with its training units: what new data without
        units are compared with (:func:`~climann.data.unitless_values.check_unitless_values`).
        The target is left out with ``[data] target_anomaly`` (the network's target was its
        anomaly), and so are variables that enter as area means or anomalies only."""
        meta = self.network.metadata
        target = self.config.data.target
        inputs = _scaled_columns(meta.get("input_scaling"), meta.get("input_ranges"))
        targets = {} if self.config.data.target_anomaly else _scaled_columns(meta.get("target_scaling"),
                                                                             meta.get("target_range"))
        found = {}
        for name, units in self.input_units().items():
            lags = sorted((column for column in inputs if re.fullmatch(rf"{re.escape(name)}_lag\d+", column)),
                          key=lambda column: int(column.rsplit("_lag", 1)[1]))
            candidates = [targets.get(name) if name == target else None, inputs.get(name), *map(inputs.get, lags)]
            chosen = next((values for values in candidates if values is not None), None)
            if chosen is not None:
                found[name] = dataclasses.replace(chosen, units=units)
        return found

    def input_quantities(self) -> dict[str, dict[str, str]]:
        """The record of each input's CF ``standard_name`` and ``positive`` at training
        (``model.npz`` ``quantities``, :func:`~climann.data.quantities.quantity_record`); empty for a
        model file written before it was recorded."""
        return {str(name): dict(record) for name, record in (self.network.metadata.get("quantities") or {}).items()}

    def input_cell_methods(self) -> dict[str, str]:
        """The time part of the CF ``cell_methods`` of the variables of :meth:`input_units`, as
        recorded at training (``time: sum`` marks totals over each time step); empty for a
        model file written before they were recorded."""
        return {str(name): str(method) for name, method in
                (self.network.metadata.get("time_cell_methods") or {}).items()}


@dataclass(frozen=True)
class PredictionResult:
    """What :func:`predict_files` wrote and found.

    Attributes
    ----------
    path : Path
    n_samples : int
        Values predicted (finite in the predictions file: every sample with all its features,
        the target present or not, and with ``[data] target_anomaly`` a training climatology).
    scores : dict or None
        Area-weighted scores over every time step together (the block ``all`` of
        ``climann evaluate --data``), with ``n_samples`` the values scored: where the target
        and the prediction are both present. None without the target.
    notes : list of str
    extrapolation : dict or None
        :meth:`climann.evaluation.extrapolation.Extrapolation.summary` (None when the model
        file has no training ranges, or the predictions were made chunk by chunk).
    weighted_by : str
        What weighs each cell in ``scores`` (as ``metrics.json`` ``weighted_by``,
        :func:`~climann.evaluation.cell_measures.cell_weights_text`).
    n_cells : int or None
        The grid cells predicted and scored (1: a station, an index; ``scores`` then weigh
        nothing, :func:`~climann.evaluation.cell_measures.weighting_text`); None when not known.
    region : dict or None
        The run's own ``[data] region`` and the cells of the new data inside it
        (:func:`~climann.evaluation.scored_blocks.region_record`, as ``metrics.json`` ``region``);
        None when the run has no region.
    units : str
        The units of the target and of ``scores`` (the MSE's squared), as the run recorded them ("" when
        its file had none).
    """

    path: Path
    n_samples: int
    scores: dict | None
    notes: list[str]
    extrapolation: dict | None = None
    weighted_by: str = WHOLE_CELLS
    n_cells: int | None = None
    region: dict | None = None
    units: str = ""

    @property
    def weighting(self) -> str:
        """How ``scores`` weigh the cells: ``area-weighted``, ``one cell (no weighting)`` …
        (:func:`~climann.evaluation.cell_measures.weighting_text`)."""
        return weighting_text(self.weighted_by, n_cells=self.n_cells)


def _scaled_columns(scaling: Mapping | None, ranges: Mapping | None) -> dict[str, TrainingValues]:
    """Each column of a model file's ``input_scaling`` (or ``target_scaling``) with its range
    from ``input_ranges`` (``target_range``) when the file holds it, units left ''."""
    scaling, ranges = scaling or {}, ranges or {}
    limits = {name: (low, high) for name, low, high in
              zip(ranges.get("names", []), ranges.get("min", []), ranges.get("max", []), strict=True)}
    return {name: TrainingValues(float(mean), float(std), "", *limits.get(name, (None, None)))
            for name, mean, std in zip(scaling.get("names", []), scaling.get("mean", []), scaling.get("std", []),
                                       strict=True)}


def load_run(run_dir: str | Path, *, rescoring: bool = False) -> TrainedRun:
    """Read ``config.toml`` and ``model.npz`` of a run directory.

    Parameters
    ----------
    run_dir : str or Path
    rescoring : bool
        For ``climann evaluate``, which rewrites a run's evaluation: a run whose
        ``metrics.json`` alone is newer than its model is read
        (:func:`climann.run_files.mixed_run_problem`).

    Raises
    ------
    ClimannError
        If the directory is not a finished run, or mixes two runs.
    """
    from climann.run_files import cut_short, finished_run_problem, interrupted_retraining, mixed_run_problem, \
        model_sha256, recorded_model

    run_dir = Path(run_dir)
    problem = finished_run_problem(run_dir)  # by content: another tool's config.toml + model.npz is no run
    if problem is not None and ("--resume" in problem or cut_short(run_dir) is not None):
        raise ClimannError(problem)  # an unfinished or cut-short run: the message says what to do
    if problem is not None:
        where = "run directory " if not run_dir.exists() else ""
        raise ClimannError(f"{where}{problem}; give a directory written by climann train")
    if (mixed := mixed_run_problem(run_dir, rescoring=rescoring)) is not None:
        raise ClimannError(mixed)
    if (retraining := interrupted_retraining(run_dir)) is not None:
        _log.warning(retraining)
    from climann.workflow.ensemble import load_run_network

    recorded = any(recorded_model(run_dir / name) for name in ("metrics.json", "provenance.json"))
    sha = model_sha256(run_dir / "model.npz") if recorded else None  # an older run's record stays as it was
    network = load_run_network(run_dir, Network.load(run_dir / "model.npz"))
    settings = load_config_file(run_dir / "config.toml")
    config = _renames_as_trained(_window_as_trained(build_config(settings), settings))
    return TrainedRun(_station_as_trained(_dated_as_trained(config, network), network), network, sha,
                      _training_record(run_dir, sha))


def _training_record(run_dir: Path, sha: str | None) -> dict | None:
    """``metrics.json`` ``training`` of the run in ``run_dir`` when that file was written for
    the ``model.npz`` of SHA-256 ``sha`` (how that model was trained: re-scoring keeps it); for
    a run that names no model (``sha`` None, :func:`load_run`), its own record as written."""
    import json

    from climann.run_files import MODEL_SHA256_KEY

    try:
        metrics = json.loads((run_dir / "metrics.json").read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(metrics, dict) or (sha is not None and metrics.get(MODEL_SHA256_KEY) != sha):
        return None
    record = metrics.get("training")
    return record if isinstance(record, dict) else None


def _station_as_trained(config: RunConfig, network: Network | Ensemble) -> RunConfig:
    """The run's configuration with the station it was trained on chosen by its name
    (``model.npz`` ``station``, :func:`climann.data.stations.chosen_station_record`) instead of
    its index: a file listing its stations in another order (``GRAZ`` first, not second) gives
    the same station, and one without it is refused. A model file without the record (a run
    of a file whose stations have no names, or written before) keeps the index."""
    from climann.data.stations import TrainedStation

    record = network.metadata.get("station")
    if not record or record["dimension"] not in (config.data.select or {}):
        return config
    select = {**config.data.select, record["dimension"]: TrainedStation(record["name"])}
    return dataclasses.replace(config, data=dataclasses.replace(config.data, select=select))


def _window_as_trained(config: RunConfig, settings: dict) -> RunConfig:
    """The run's configuration with ``[evaluation] climatology_window_days`` as it was trained:
    a run's ``config.toml`` holds every key, so one without this key was written before the
    climatology of daily and sub-daily data was smoothed, and its climatology was the raw mean
    of each day of year (window 1). Re-scored, it keeps that climatology (and its scores)."""
    if "climatology_window_days" in settings.get("evaluation", {}):
        return config
    return dataclasses.replace(config, evaluation=dataclasses.replace(config.evaluation, climatology_window_days=1))


def _renames_as_trained(config: RunConfig) -> RunConfig:
    """The run's configuration with its ``[data] rename`` patterns absolute, as runs record
    them now: a run recorded before kept ``era5/*`` relative to the folder it was trained in
    (its paths absolute), and from any other folder its renames matched none of its files;
    such a pattern is anchored at the folder from which it names the run's own files
    (:func:`~climann.data.renames.anchored_to_files`)."""
    from climann.data.renames import anchored_to_files
    from climann.workflow.pipeline import input_patterns

    if not config.data.rename:
        return config
    rename = anchored_to_files(config.data.rename, input_patterns(config))
    return dataclasses.replace(config, data=dataclasses.replace(config.data, rename=rename))


def _dated_as_trained(config: RunConfig, network: Network | Ensemble) -> RunConfig:
    """The run's configuration with ``[data] season_dated_by``, ``selection_dated_by``,
    ``step_before_range``, ``steps_before_range``, ``steps_before_months``, ``cell_edges``,
    ``weigh_by_area_fraction`` and ``area_means_by_fraction`` as its model was trained: a model
    file without the record of one (in its metadata) was trained as climann did before it: season and year features
    computed from the files' stamps; ``months``/``seasons`` chosen by the stamps' months, and no step
    read before ``time_range`` (before 3 December 2026), one step whatever the lags and none with
    ``months``/``seasons``, 2-D cell corners joined by straight edges for the areas, and whole cells weighed
    (before 4 December 2026), so that ``climann evaluate RUN``
    scores such a run on its own data as it was trained (verify21a F8). A run on a calendar of periods
    (``time_periods``) without ``time_periods_dated_by_cells``, trained before 7 December 2026, dated
    periods without time bounds by their stamps (break49e A1): both datings are ``"stamp"``."""
    step_before = bool(network.metadata.get("step_before_range", False))
    # runs trained before 4 December 2026 read one step before time_range, whatever their lags
    recorded = {"selection_dated_by": network.metadata.get("selection_dated_by", "stamp"),
                "step_before_range": step_before,
                "steps_before_range": int(network.metadata.get("steps_before_range", int(step_before))),
                # and none with months or seasons
                "steps_before_months": bool(network.metadata.get("steps_before_months", False)),
                # before 4 December 2026, 2-D cell corners were joined by straight edges under 1° of longitude
                "cell_edges": str(network.metadata.get("cell_edges", "straight")),
                # and whole cells were weighed, whatever the target's cell_methods (break24a F7)
                "weigh_by_area_fraction": bool(network.metadata.get("weigh_by_area_fraction", False)),
                # and before 7 December 2026 the area means of global_means / regional_means weighed whole cells
                "area_means_by_fraction": bool(network.metadata.get("area_means_by_fraction", False))}
    # a run on a calendar of periods (pentads, dekads, 8-day composites) trained before 7 December 2026 dated them
    # by their stamps when the files had no time bounds, whatever it recorded (break49e A1)
    stamped_periods = bool(network.metadata.get("time_periods")) and not network.metadata.get(
        "time_periods_dated_by_cells", False)
    if stamped_periods:
        recorded["selection_dated_by"] = "stamp"
    if any(getattr(config.data, key) != value for key, value in recorded.items()):
        config = dataclasses.replace(config, data=dataclasses.replace(config.data, **recorded))
    dated_by = "stamp" if stamped_periods else network.metadata.get("season_dated_by", "stamp")
    if config.data.season_dated_by == dated_by:
        return config
    if {"season", "year"} & set(config.data.features or ()):
        _log.info("this run's model.npz predates the record of how its season and year features were dated: they "
                  "are dated by the files' time stamps, as in training (retrain to date them by their time cells)")
    return dataclasses.replace(config, data=dataclasses.replace(config.data, season_dated_by=dated_by))


def _at_target_stamps(dataset: xr.Dataset, run: TrainedRun) -> xr.Dataset:
    """New predictors without the target, stamped in their time cells where the run's target
    was (``time_stamp_place``, :func:`~climann.data.stamp_places.at_stamp_place`), as training
    gave them the target's stamps: the predictions then carry the stamps of the run's
    ``predictions.nc`` (GloFAS' day ends beside GLEAM's day starts), and the season features
    date each step as in training; said in a note."""
    place = run.network.metadata.get("time_stamp_place")
    restamped = at_stamp_place(dataset, place)
    if restamped is not dataset:
        stamps = restamped[FILE_TIME_COORDINATE if FILE_TIME_COORDINATE in restamped.coords
                           else time_coordinate(restamped)].values
        note_once(_log, logging.INFO, f"the new data's steps are stamped at the {place} of their time cells, as the "
                  f"run's target {run.config.data.target} was ({date_text(stamps[0])}, …), so the predictions carry "
                  "the run's stamps")
    return restamped


def _with_placeholder_target(dataset: xr.Dataset, run: TrainedRun) -> xr.Dataset:
    """When the new data lack the target, a NaN field on the predictors' grid stands in
    (predictions need only the features), with the target's units and, as the model file
    records them, its ``standard_name``, ``long_name``, ``cell_methods`` and ``positive``
    (:func:`~climann.workflow.new_data.training_target_attributes`), and ``units_metadata =
    "temperature: difference"`` when it was read as one (``temperature_readings``: predicted
    anomalies are not temperatures on the scale, CF-1.11 §3.1.2): the predictions file says
    what its values are; none of the predictor's attributes (it is not that quantity)."""
    target = run.config.data.target
    if target in dataset:
        return dataset
    time_varying = [name for name in run.config.data.predictors if name in dataset and dataset[name].ndim >= 3]
    if not time_varying:
        raise ClimannError(
            f"the new data have neither the target '{target}' nor a time-varying predictor to take the grid from"
        )
    template = dataset[time_varying[0]]
    placeholder = xr.full_like(template, np.nan, dtype=np.float32)
    # labelled as the run's target: what its values are a mean of (cell_methods), not only their units
    difference = (run.network.metadata.get("temperature_readings") or {}).get(target) == "difference"
    placeholder.attrs = {"units": run.target_units, "long_name": target, **training_target_attributes(run),
                         **(run.network.metadata.get("quantities") or {}).get(target, {}),
                         **({"units_metadata": TEMPERATURE_DIFFERENCE} if difference else {})}
    placeholder.encoding[STAND_IN_TARGET] = True  # its cells judged by the predictors (climann.data.grids)
    # the new data's member (a scalar member_id the predictor lists) is the predictions' as a level
    # is: listed as the target's own coordinate; unlisted, it was another variable's and left out
    labels = _scalar_member_labels(dataset, template)
    if labels:
        placeholder.encoding["coordinates"] = " ".join(labels)
    return dataset.assign({target: placeholder})


def _scalar_member_labels(dataset: xr.Dataset, variable: xr.DataArray) -> list[str]:
    """The ensemble member labels (:func:`climann.data.members.member_values`: CF standard name
    ``realization`` or a member name such as ``member_id``) that ``variable`` lists as scalar
    coordinates (its CF ``coordinates`` attribute, CF 1.8 §5.7)."""
    members = member_values(dataset)
    return [name for name in named_coordinates(variable)
            if name in members and name in variable.coords and variable[name].ndim == 0]


def _check_features(feature_names: tuple[str, ...], run: TrainedRun, dataset: xr.Dataset) -> None:
    expected = list(run.network.metadata.get("features", []))
    if list(feature_names) != expected:
        missing = [name for name in expected if name not in feature_names]
        available = ", ".join(data_variable_names(dataset))
        raise ClimannError(
            f"the new data do not give the model's features: missing {', '.join(missing) or 'none'} "
            f"(the model needs {', '.join(expected)}); variables available: {available}"
        )


def predict_files(
    run_dir: str | Path, data_paths: str | Path | Sequence[str | Path], out: str | Path, *,
    compute: ComputeConfig | None = None, overwrite: bool = False,
    overlap: str | None = None, select: Mapping[str, object] | None = None, time_range: str | Sequence[str] = (),
    rename: Mapping[str, Mapping[str, str]] | None = None, command_line: str = "",
) -> PredictionResult:
    """Predict the run's target on new files and write a predictions NetCDF file.

    Parameters
    ----------
    run_dir : str or Path
        A finished run directory (``config.toml``, ``model.npz``).
    data_paths : str, Path or sequence of them
        Files, globs or directories with the model's predictors (and, optionally, the target);
        one alone as itself.
    out : str or Path
        The NetCDF file to write: ``<target>_pred`` on the new data's grid, plus
        ``<target>`` and ``<target>_error`` when the target is in the data. A path ending in
        ``.zarr`` writes a Zarr store instead (needs the ``zarr`` package).
    compute : ComputeConfig, optional
        A dask cluster (``scheduler`` or ``workers``) to predict on. With a cluster or a Zarr
        output, the predictions are computed and written chunk by chunk (never the whole
        output in memory); otherwise in memory, at once.
    overwrite : bool
        Replace an existing ``out`` (never one of the input files).
    overlap : {"error", "first", "last"}, optional
        Times held twice in the new files (``[data] overlap``); default: the run's setting.
    select : mapping of dimension name to value, optional
        One value of an extra dimension of the new files (``{"realization": 2}``: one member of
        an ensemble file). The run's own ``[data] select`` of a level applies as it is; that of
        an ensemble member does not (:func:`climann.data.members.new_data_selection`): a run
        trained on one member predicts any other, and data without members; a note names the
        member predicted.
    time_range : str or (str, str), optional
        A period of the new data, ``"2050,2059-06"`` as ``--time-range`` takes it or
        ``("2050", "2059-06")``, inclusive (:func:`~climann.workflow.preparation.time_range_dates`);
        default: all of it. The step just before it in the files is read for the lags of its
        first step, never written. The run's own ``[data] time_range`` chose its training
        period and never applies to new data; its ``months``/``seasons``, ``time_stride``,
        ``region`` and ``grid_stride`` do, each with a warning naming the steps or cells kept
        (:func:`climann.workflow.preparation.new_data_config`,
        :func:`~climann.workflow.preparation.warn_run_subset`).
    rename : mapping of glob pattern to {old name: new name}, optional
        Variables to rename in the new files (``--rename 'gpcp_*:precip=pr'``), as ``[data]
        rename`` renames in training (:mod:`climann.data.renames`), before the run's own rules.
    command_line : str, optional
        The command that asked for the predictions, for the output's CF ``history`` (the CLI
        gives its own); default: the call as the equivalent ``climann predict`` command, its
        selection, time range and renaming included (:func:`new_data_command`).

    Returns
    -------
    PredictionResult
        With area-weighted scores when the target was present.

    Raises
    ------
    ClimannError
        Not a run, missing files or features, units that do not convert to the model's
        (:mod:`climann.data.units`), a field-mode run on data on another grid, or with a
        cluster or a Zarr output; anomaly features of a model file that does not hold their
        climatology; ``out`` an input file, a directory, an existing file without ``overwrite``
        or one that ``climann predict`` did not write, or a name of another format (``.png``).
    """
    data_paths = path_list(data_paths, name="data_paths")
    run = load_run(run_dir)
    # a run an earlier version trained on a direction: refused even where the new data lack the target
    refuse_direction_scores(run.config.data.target, {**training_target_attributes(run), "units": run.target_units},
                            run=str(run_dir))
    require_zarr(out)
    if run.config.data.mode == "field":
        _refuse_chunked_field(compute, out)
    files = expand_paths(data_paths)
    refuse_other_format(out)
    refuse_run_files(out)
    refuse_existing(out, overwrite=overwrite, what="predictions", inputs=files, option="--out",
                    same_kind=is_predict_output, kind="predictions of `climann predict`")
    with claimed_output(out, overwrite=overwrite, what="predictions"):
        # again, now that no other climann writes it: the check and the write are one step
        refuse_existing(out, overwrite=overwrite, what="predictions", inputs=files, option="--out",
                        same_kind=is_predict_output, kind="predictions of `climann predict`")
        history = command_line or new_data_command("predict", run_dir, data_paths, out=out, select=select,
                                                   time_range=time_range, rename=rename)
        # advice names only these (break46b A4), and no training option (break54c A6: the run's lags are fixed)
        with files_given(files), applying_run("predict"):
            return _predict_claimed(run, run_dir, data_paths, files, out, compute=compute, overlap=overlap,
                                    select=select, time_range=time_range, rename=rename, history=history)


def new_data_command(command: str, run_dir: str | Path, data_paths: Sequence[str | Path] | None, *,
                     out: str | Path | None, select: Mapping[str, object] | None = None,
                     time_range: str | Sequence[str] = (),
                     rename: Mapping[str, Mapping[str, str]] | None = None) -> str:
    """The ``climann predict`` (``evaluate``) command equivalent to a call of
    :func:`predict_files` (:func:`evaluate_run`), as the output's CF ``history`` records it:
    every option that chose the values, ``--select`` (an ensemble member, a lead), ``--time-range``
    and ``--rename`` included (break40c C7: ``--select M=3`` was left out, and nothing in the
    file said which member it was predicted from).

    Examples
    --------
    >>> new_data_command("predict", "runs/nmme", ["nmme.nc"], out="pred.nc", select={"M": 3, "L": 1.5})
    'climann predict runs/nmme --data nmme.nc --select M=3 --select L=1.5 --out pred.nc'
    """
    words = ["climann", command, str(run_dir)]
    if data_paths:
        words += ["--data", *map(str, data_paths)]
    for dim, value in (select or {}).items():
        words += ["--select", f"{dim}={value}"]
    period = [time_range] if isinstance(time_range, str) else list(time_range or ())
    if period:
        words += ["--time-range", ",".join(map(str, period))]
    for pattern, names in (rename or {}).items():
        for old, new in names.items():
            words += ["--rename", f"{pattern}:{old}={new}"]
    if out is not None:
        words += ["--out", str(out)]
    return shlex.join(words)


def _predict_claimed(
    run: TrainedRun, run_dir: str | Path, data_paths: list, files: list, out: str | Path, *,
    compute: ComputeConfig | None, overlap: str | None, select: Mapping[str, object] | None,
    time_range: str | Sequence[str], rename: Mapping[str, Mapping[str, str]] | None, history: str,
) -> PredictionResult:
    """:func:`predict_files` once its output is claimed (:func:`climann.atomic.claimed_output`)."""
    from climann.data.variables import grid_layout
    from climann.workflow.run_directory import grid_summary
    from climann.workflow.preparation import given_rename_patterns, new_data_config, open_selected, pointwise_source

    config = new_data_config(run.config, files, time_range=time_range, overlap=overlap, rename=rename)
    notes: list[str] = []
    # Every variable in the model's units (converted with a warning, or refused): the
    # predictions and the target in the output are then in the model's training units.
    dataset = with_run_weights_of(run_dir, with_training_step(run, open_selected(
        config, units=run.input_units(), cell_methods=run.input_cell_methods(), grid=cell_order_grid(run),
        quantities=run.input_quantities(), new_data=True, select=select, training_values=run.training_values(),
        directions=run.selection_directions(), kinds=run.selection_kinds(),
        steps_before=lag_steps_needed(config.data), given_renames=given_rename_patterns(rename))))
    notes += member_notes(run, dataset, files)
    require_recorded_inputs(run, dataset, files, with_target=False)
    had_target = config.data.target in dataset
    if not had_target:  # the predictors alone: stamped in their cells where the target was (break55c A1)
        dataset = _at_target_stamps(dataset, run)
    # the target at the run's level, named as the run's where its units were converted from another quantity
    dataset = with_training_levels(run, with_training_quantity(run, _with_placeholder_target(dataset, run)))
    if config.data.mode == "field":
        return _predict_field(run, config, dataset, Path(out), had_target=had_target, run_dir=run_dir,
                              history=history)
    cells = climatology_cells(run, grid_layout(dataset, config.data.target, list(config.data.paths)))
    source = pointwise_source(config, dataset, require_target=False,
                              climatologies=training_climatologies(run, new_data=True, cells=cells))
    source.layout = with_trained_input_levels(run, with_run_precision(run, source.layout))
    _check_features(source.feature_names, run, dataset)
    check_like_training(run, source.layout, scoring=False)
    trained_grid, new_grid = run.network.metadata.get("grid"), grid_summary(source.layout)
    if trained_grid:
        trained_lon, new_lon = _compared_longitude_ends(run, new_grid)
        extent = ("n_lat", "n_lon", "lat_range")  # the same within SAME_CELL_DEGREES: float32 beside float64
        same_columns = _same_columns(run, source.layout)
        if (not same_summarised_grid(trained_grid, new_grid, extent[2:])
                or not (_same_box(trained_lon, new_lon) if same_columns is None else same_columns)):
            notes.append(
                f"the grid differs from the training grid "
                f"({_grid_change_text(trained_grid, trained_lon, new_grid, new_lon)}); a pointwise model predicts "
                "each cell from its own features"
                + (", with the training climatology of that cell" if cells is not None else "")
            )
    if not is_zarr(out):  # fail now, not after the predictions are computed
        check_predictions_encodable(source.layout)
    # not where the target never exists (SST over land), on every route: the source reads no sample there
    predicted_cells = target_cells(run, run_dir, dataset, source.layout, had_target=had_target)
    source = source.at_cells(predicted_cells.cells)
    notes += [predicted_cells.note] if predicted_cells.note else []
    compute = compute or ComputeConfig()
    target_climatology = saved_target_climatology(run, cells)
    if target_climatology is not None and (uses_cluster(compute) or is_zarr(out)):
        raise ClimannError("a run with [data] target_anomaly predicts in memory: give --out a .nc file and no "
                           "--workers/--scheduler")
    if isinstance(run.network, Ensemble) and (uses_cluster(compute) or is_zarr(out)):
        raise ClimannError(f"an ensemble run ({run.network.size} members) predicts in memory: give --out a .nc file "
                           "and no --workers/--scheduler")
    if uses_cluster(compute) or is_zarr(out):
        n_samples, scores, extrapolation = _predict_chunked(run, source, Path(out), compute, history=history,
                                                            had_target=had_target)
        return PredictionResult(path=Path(out), n_samples=n_samples, scores=scores, notes=notes,
                                extrapolation=None if extrapolation is None else extrapolation.summary(),
                                weighted_by=cell_weights_text(source.layout), n_cells=source.layout.n_cells,
                                region=region_record(source.layout, config.data.region), units=run.target_units)
    samples = source.read_all()
    meta = run.network.metadata
    inputs = (samples.inputs - np.array(meta["input_scaling"]["mean"])) / np.array(meta["input_scaling"]["std"])
    offset = 0.0
    if target_climatology is not None:  # the network learnt the anomaly: add the training climatology back
        from climann.workflow.preparation import climatology_offset

        offset = climatology_offset(samples, target_climatology, calendar=saved_climatology_calendar(run),
                                    keys=saved_climatology_keys(run))[:, 0]
        if np.count_nonzero(~np.isfinite(offset)):  # in the words of the notes of metrics.json
            notes.append(undefined_anomaly_text(~np.isfinite(offset), samples.time_index, samples.layout.time.values,
                                                climatology=target_climatology, flat_index=samples.flat_index,
                                                n_cells=samples.layout.n_cells, scored=False))
    layout = samples.layout
    spread = None
    if isinstance(run.network, Ensemble):
        members = saved_scalers(run)[1].inverse_transform(
            run.network.predict_members(inputs.astype(run.network.dtype))[..., 0:1])[..., 0] + offset
        predicted, spread = ensemble_mean(members), layout.to_grid(ensemble_spread(members), samples.flat_index)
    else:
        scaled = run.network.predict(inputs.astype(run.network.dtype))
        # x = z σ + μ in float64 (as the run's own evaluation does it): float32 z times a Python
        # float stays float32, which rounded a target held in float64 (break40a A1)
        predicted = saved_scalers(run)[1].inverse_transform(scaled[:, 0:1])[:, 0]
        if target_climatology is not None:
            predicted = predicted + offset
    truth = (layout.to_grid(samples.target[:, 0].astype(np.float64), samples.flat_index)
             if samples.target_field is None else samples.target_field.astype(np.float64))
    predicted_grid = layout.to_grid(predicted, samples.flat_index)
    return _write_prediction_file(run, samples, truth, predicted_grid, Path(out), history=history,
                                  had_target=had_target, n_samples=_n_predicted(predicted_grid, layout), notes=notes,
                                  spread=spread)


def _span(limits: list[float], digits: int = 6) -> str:
    """``[-87.5, 87.5]`` → ``"-87.5…87.5"`` (``digits`` significant digits at most)."""
    return f"{limits[0]:.{digits}g}…{limits[1]:.{digits}g}"


def _grid_change_text(trained: Mapping, trained_lon: tuple[float, float], new: Mapping,
                      new_lon: tuple[float, float]) -> str:
    """``"6×6, lat 80.5…88.1, lon -168.69…168.69 → 6×6, …"``; when the two read alike (grids
    round a pole have no longitude ends: one turned round it), where their first cells lie;
    with as many digits as tell the two apart (fix37j: two latitudes 0.002° apart both read
    "54.99" in 4 significant digits, the note "54.99 → 54.99")."""
    def texts(digits: int) -> list[str]:
        said = [f"{grid['n_lat']}×{grid['n_lon']}, lat {_span(grid['lat_range'], digits)}, "
                f"lon {_longitudes_text(grid, ends, digits)}"
                for grid, ends in ((trained, trained_lon), (new, new_lon))]
        if said[0] == said[1] and "first_cell" in trained and "first_cell" in new:
            said = [f"{text}, first cell at {grid['first_cell'][0]:.{digits}g}°N {grid['first_cell'][1]:.{digits}g}°E"
                    for text, grid in zip(said, (trained, new))]
        return said
    return " → ".join(_distinct_texts(texts))


def _distinct_texts(texts: Callable[[int], list[str]]) -> list[str]:
    """``texts(digits)`` with the fewest significant digits from 6 (as ``:g`` writes) that
    tell its texts apart, up to 17 (a float64 in full); alike at 17, those of 6.

    Parameters
    ----------
    texts : callable
        Significant digits → the texts of two (or more) things that differ.

    Returns
    -------
    list of str
    """
    for digits in range(6, 18):
        said = texts(digits)
        if len(set(said)) == len(said):
            return said
    return texts(6)


def _longitudes_text(grid: Mapping, ends: tuple[float, float], digits: int = 6) -> str:
    """The longitudes of a grid summary (:func:`~climann.workflow.run_directory.grid_summary`)
    with ends ``ends``: ``"-60…30"``, ``"172.5…-172.5 across the dateline"``, or for a grid round
    a pole (its ``pole``), ``"all, round the North Pole"``; ``digits`` significant digits at most."""
    return longitude_ends_text(ends, pole=grid.get("pole"), digits=digits, every=bool(grid.get("every_longitude")))


def _compared_longitude_ends(run: TrainedRun, new_grid: dict) -> tuple[tuple[float, float], tuple[float, float]]:
    """The western and eastern ends of the training grid's longitudes and of the new grid's
    (its :func:`~climann.workflow.run_directory.grid_summary`), described the same way
    (:func:`~climann.data.geometry.longitude_ends`): as recorded in ``grid.lon_ends``; for a
    model file from before that record, of its regular longitude axis (``grid_axes``); on a
    curvilinear grid recorded before it, both grids' smallest and largest longitude
    (``lon_range``), the only extent recorded."""
    grid = run.network.metadata["grid"]
    if "lon_ends" in grid:
        return tuple(grid["lon_ends"]), tuple(new_grid["lon_ends"])
    axes = list((run.network.metadata.get("grid_axes") or {}).values())
    if len(axes) == 2 and np.allclose([min(axes[1]), max(axes[1])], grid["lon_range"], rtol=0, atol=1e-9):
        return longitude_ends(axes[1]), tuple(new_grid["lon_ends"])
    return tuple(grid["lon_range"]), tuple(new_grid["lon_range"])


def _same_columns(run: TrainedRun, layout: GridLayout) -> bool | None:
    """Whether a regular grid's longitudes are the training grid's column axis (``model.npz``
    ``grid_axes``) as a set modulo 360°, equal within 0.001 of the spacing: the same cells in
    another longitude convention or order (7.5…352.5 and −172.5…172.5 on a global 15° grid)
    are the same columns, as docs/run-directory.md says. A global grid's ends depend on its
    convention, so :func:`_same_box` alone took them for another grid. None when it cannot be
    told this way (a curvilinear grid, or a model file without its axes)."""
    axes = list((run.network.metadata.get("grid_axes") or {}).values())
    if layout.is_curvilinear or len(axes) != 2:
        return None
    trained = np.sort(np.mod(np.asarray(axes[1], np.float64), 360.0))
    new = np.sort(np.mod(np.asarray(layout.longitude.values, np.float64), 360.0))
    if trained.size != new.size:
        return False
    spacing = float(np.median(np.diff(trained))) if trained.size > 1 else 1.0
    return bool(np.all(np.abs(wrapped_difference(new, trained)) <= 1e-3 * spacing))


def _same_box(ends: tuple[float, float], other: tuple[float, float]) -> bool:
    """Whether two grids' longitude ends are the same, in whichever convention (172.5…−172.5
    and 172.5…187.5 are one box), within :data:`~climann.workflow.training_cells.SAME_CELL_DEGREES`
    (float32 longitudes beside float64 ones are the same box)."""
    return bool(np.allclose(wrapped_difference(np.array(ends), np.array(other)), 0.0, rtol=0,
                            atol=SAME_CELL_DEGREES))


def _write_prediction_file(
    run: TrainedRun, samples, truth: np.ndarray, predicted: np.ndarray, out: Path, *, history: str,
    had_target: bool, n_samples: int, notes: list[str], spread: np.ndarray | None = None,
) -> PredictionResult:
    """Check the extrapolation, score (when the new data have the target: all time steps
    together, area-weighted, over the values where truth and prediction are both present)
    and write the predictions file of ``predict``; ``truth``, ``predicted`` and an ensemble's
    ``spread`` on the grid, shape (n_time, n_lat, n_lon), ``samples`` pointwise or field
    samples of the new data."""
    layout = samples.layout
    in_period = _samples_in_period(samples)  # not the step read before --time-range for the lags
    extrapolation = check_training_range(run, samples.inputs[in_period])
    flags = None
    if extrapolation is not None:
        outside = np.zeros(in_period.shape, dtype=bool)
        outside[in_period] = extrapolation.outside
        flags = extrapolation_grid(samples, outside, predicted)
    scores = None
    before = layout.steps_before_range
    if had_target:  # the grid as one chunk: the scores of predict_chunked, by the same sums
        total, _ = whole_grid_sums({"model": predicted[before:]}, truth[before:],
                                   steps_weights(layout.cell_area_weights(), slice(before, None)),
                                   {"all": np.ones(layout.shape[0] - before, dtype=bool)})
        scores = network_scores(total)
    output = predictions_dataset(layout, truth, predicted, [""] * layout.shape[0], history=history,
                                 extrapolated=flags, spread=spread, n_members=_n_members(run))
    if not had_target:
        output = output.drop_vars([layout.target_name, f"{layout.target_name}_error"])
    write_predictions(predicted_period(output.drop_vars("split"), layout), out, layout)
    return PredictionResult(path=out, n_samples=n_samples, scores=scores, notes=notes,
                            extrapolation=None if extrapolation is None else extrapolation.summary(),
                            weighted_by=cell_weights_text(layout), n_cells=layout.n_cells,
                            region=region_record(layout, run.config.data.region), units=run.target_units)


def _n_predicted(predicted: np.ndarray, layout: GridLayout) -> int:
    """The values predicted in the period written, ``predicted`` shape (n_time, n_lat, n_lon)."""
    return int(np.isfinite(predicted[layout.steps_before_range:]).sum())


def _samples_in_period(samples) -> np.ndarray:
    """Which samples (pointwise) or maps (field), shape (n_samples,), are of the period
    predicted: not of the steps read from before ``--time-range`` for the lags of its first
    step (:attr:`~climann.data.layout.GridLayout.steps_before_range`)."""
    from climann.data.field import FieldSamples

    layout = samples.layout
    steps = samples.time_index if isinstance(samples, FieldSamples) else layout.time_index(samples.flat_index)
    return np.asarray(steps) >= layout.steps_before_range


def _n_members(run: TrainedRun) -> int | None:
    return run.network.size if isinstance(run.network, Ensemble) else None


def extrapolation_grid(samples, outside: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    """The values of ``<target>_extrapolated`` on the grid, shape (n_time, n_lat, n_lon).

    Parameters
    ----------
    samples : PointwiseSamples or FieldSamples
    outside : ndarray of bool, shape (n_samples,)
        Whether each sample's features lie outside the training range.
    predicted : ndarray, shape (n_time, n_lat, n_lon)
        The predictions on the grid: the flags are NaN where it is.

    Returns
    -------
    ndarray, float64
        1.0 or 0.0 at every predicted value: a pointwise sample's own flag, in field mode its
        map's flag at every cell of the map; NaN where nothing is predicted.
    """
    from climann.data.field import FieldSamples

    layout = samples.layout
    if isinstance(samples, FieldSamples):
        grid = np.full((layout.shape[0], layout.n_cells), np.nan)
        grid[samples.time_index] = outside.astype(np.float64)[:, None]
        grid = grid.reshape(layout.shape)
    else:
        grid = layout.to_grid(outside.astype(np.float64), samples.flat_index)
    return np.where(np.isfinite(predicted), grid, np.nan)


def check_training_range(run: TrainedRun, inputs: np.ndarray) -> Extrapolation | None:
    """Which samples' features lie outside the range seen in training, with one warning line
    naming those features and the share of samples; None, with a warning, when the model
    file predates the record of the training ranges.

    Parameters
    ----------
    run : TrainedRun
    inputs : ndarray, shape (n_samples, n_features)
        The new data's unscaled features.
    """
    ranges = training_ranges(run)
    return None if ranges is None else warn_extrapolation(run, check_extrapolation(inputs, ranges))


def training_ranges(run: TrainedRun) -> dict | None:
    """The model file's ``input_ranges`` (each feature's min and max on the training block),
    or None with a warning when the model file predates their record."""
    ranges = run.network.metadata.get("input_ranges")
    if ranges is None:
        _log.warning("this run's model.npz predates the record of its features' training ranges: "
                     "extrapolation cannot be checked (retrain to check it)")
    return ranges


def warn_extrapolation(run: TrainedRun, extrapolation: Extrapolation | None) -> Extrapolation | None:
    """Log :func:`~climann.evaluation.extrapolation.extrapolation_message` as one warning when
    some samples lie outside the training range; returns ``extrapolation``."""
    message = None if extrapolation is None else extrapolation_message(extrapolation, run.network.metadata.get("units"))
    if message:
        _log.warning(message)
    return extrapolation


def training_climatologies(run: TrainedRun, *, new_data: bool,
                           cells: TrainingCells | None = None) -> dict[str, np.ndarray] | None:
    """The monthly climatologies of the run's anomaly features, as saved in its model file
    (the training years'), shape (12, n_lat, n_lon) each; at the new data's ``cells`` when
    they are a part of the training grid (:func:`climatology_cells`).

    New data must use these, never their own: an empty dict then when none are saved, which
    :func:`climann.workflow.preparation.anomaly_climatologies` refuses for a run with anomalies. On
    the run's own data, None when none are saved (recomputed from the same training years).
    """
    from climann.data.climatology import climatologies_from_record

    saved = climatologies_from_record(run.network.metadata.get("climatologies", {}))
    if cells is not None:
        saved = {name: cells.cut(values) for name, values in saved.items()}
    return saved if saved or new_data else None


def cell_order_grid(run: TrainedRun) -> dict[str, list[float]] | None:
    """The training grid's axes (``grid_axes`` of its model file) when the run depends on the
    order of the cells (a climatology saved per cell, ``[data] target_anomaly`` or
    ``[data] anomalies``, or field mode): new data holding the same cells in another order
    are then put in the training order by value
    (:func:`climann.workflow.preparation.on_training_grid`). None for other runs, whose
    predictions keep the data's order, and for model files that predate the record."""
    meta = run.network.metadata
    needs_order = (meta.get("target_climatology") is not None or bool(run.config.data.anomalies)
                   or run.config.data.mode == "field")
    return meta.get("grid_axes") if needs_order else None


def saved_target_climatology(run: TrainedRun, cells: TrainingCells | None = None) -> np.ndarray | None:
    """The target's training climatology saved with a ``[data] target_anomaly`` run, shape
    (12 or 366, n_lat, n_lon), float32 (at the new data's ``cells`` when they are a part of the
    training grid, see :func:`climatology_cells`); None for a run without the option.

    Raises
    ------
    ClimannError
        If the run has the option but its model file does not hold the climatology.
    """
    from climann.data.climatology import climatologies_from_record

    record = run.network.metadata.get("target_climatology")
    if record is None:
        if run.config.data.target_anomaly:
            raise ClimannError("this run's model.npz does not hold the target's training climatology that "
                               "[data] target_anomaly needs: retrain the run")
        return None
    climatology = climatologies_from_record({"target": record})["target"]
    return climatology if cells is None else cells.cut(climatology)


def saved_climatology_calendar(run: TrainedRun) -> str | None:
    """The calendar the days of year of the run's saved target climatology are counted in (the
    training data's, CF-1.8 §4.4.1); None for a run without one, or whose model file predates
    the record (its climatology is then looked up by the new data's day number, as then)."""
    return (run.network.metadata.get("target_climatology") or {}).get("calendar")


def saved_climatology_keys(run: TrainedRun) -> ClimatologyKeys | None:
    """What the run's saved target climatology is taken per (``model.npz`` ``target_climatology``
    ``per``, with its slot or window length, :meth:`~climann.evaluation.baselines.ClimatologyKeys.from_record`):
    new data are looked up by the keys the run was trained with, a single time step too; None
    for a run without one, or whose model file predates the record (the data's own keys)."""
    record = run.network.metadata.get("target_climatology") or {}
    if "per" not in record or "shape" not in record:
        return None
    return ClimatologyKeys.from_record(record, count=record["shape"][0])


def _refuse_chunked_field(compute: ComputeConfig | None, out: str | Path) -> None:
    """A field-mode run predicts whole maps in memory: no cluster, no Zarr output (yet)."""
    if compute is not None and uses_cluster(compute):
        raise ClimannError(
            "a dask cluster (--workers, --scheduler) computes pointwise runs; this run is in field mode "
            "(one sample per map, in memory): run without --workers/--scheduler"
        )
    if is_zarr(out):
        raise ClimannError(f"a field-mode run writes its predictions as NetCDF: give --out a .nc file, not {out}")


def climatology_cells(run: TrainedRun, layout: GridLayout) -> TrainingCells | None:
    """The training cells at which new data take a run's training climatology.

    A run that adds back (``[data] target_anomaly``) or subtracts (``[data] anomalies``) its
    training climatology, saved cell by cell on its training grid, applies it to data on
    training cells only: a grid elsewhere (shifted, another region) would get other cells'
    climatologies, silently. The data's cells are found in the training grid by coordinate
    value (:func:`climann.workflow.training_cells.training_cells`): the whole training grid
    (aligned into its order when opened) or a part of it, such as a region cut from the same
    product, which then takes the climatology of its own cells. On a rotated-pole or projected
    grid a part is accepted under the training grid's projection only
    (:func:`~climann.workflow.training_cells.same_projection`). Data whose cells cannot be
    found by value (a model file without ``grid_axes``, index-only rows and columns) must be
    the training grid itself, as told by :func:`climann.workflow.run_directory.grid_summary`
    (size, extent, first and last cell, within :data:`~climann.workflow.training_cells.SAME_CELL_DEGREES`).

    Returns
    -------
    TrainingCells or None
        The data's rows and columns in the training grid when they are a part of it; None
        for the whole training grid or a run without a per-cell climatology.

    Raises
    ------
    ClimannError
        If the run holds a climatology and a cell of the data is not a training cell.
    """
    meta = run.network.metadata
    uses = (["[data] target_anomaly adds back"] if meta.get("target_climatology") is not None else []) + (
        [f"[data] anomalies ({', '.join(run.config.data.anomalies)}) subtract"] if run.config.data.anomalies else [])
    if not uses or not meta.get("grid"):
        return None
    needs = f"this run's {' and '.join(uses)} its training climatology cell by cell"
    places = other_place_message(run, layout)
    if places:
        raise ClimannError(f"{needs}, at its training point only: {places}")
    try:
        cells = training_cells(meta.get("grid_axes") or {}, layout)
    except ClimannError as error:
        raise ClimannError(f"{needs}, at training cells only: {error}: regrid the data to the training grid "
                           "(e.g. cdo remapcon), cut them to training cells, or retrain on their grid") from None
    if cells is None or cells.whole:
        _require_same_grid(run, layout, needs=needs, by_value=cells is not None)
        return None
    if layout.geographic is not None and not same_projection(meta.get("grid_mapping"), layout):
        raise ClimannError(
            f"{needs}: the data's rows and columns ({layout.latitude.name}, {layout.longitude.name}) are the "
            "training grid's, but are the same cells only under the same grid mapping, "
            + ("and this run's model.npz predates the record of its grid mapping" if "grid_mapping" not in meta
               else "which the data do not share")
            + ": give the data on the whole training grid, or retrain")
    return cells


def _require_same_grid(run: TrainedRun, layout: GridLayout, *, needs: str, by_value: bool) -> None:
    """The data on the run's training grid itself (its :func:`grid_summary` in the model file),
    its cells not found by value: the same size, extent, first and last cell within
    :data:`~climann.workflow.training_cells.SAME_CELL_DEGREES`."""
    from climann.workflow.run_directory import grid_summary

    trained, new = run.network.metadata["grid"], grid_summary(layout)
    if same_summarised_grid(trained, new):
        return
    trained_longitudes, new_longitudes = _compared_longitude_ends(run, new)

    def shown(grid: dict, longitudes: tuple[float, float]) -> str:
        return (f"{grid['n_lat']}×{grid['n_lon']}, lat {_span(grid['lat_range'])}, "
                f"lon {_longitudes_text(grid, longitudes)}"
                + (f", first cell at lat, lon {grid['first_cell'][0]:g}, {grid['first_cell'][1]:g}"
                   if "first_cell" in grid else ""))
    reordered = same_summarised_grid(trained, new, ("lat_range", "lon_range"))
    index_only = [axis.name for axis in (layout.latitude, layout.longitude) if axis.name in layout.index_dims]
    advice = ("put them in the training order (e.g. cdo invertlat) and rerun" if reordered else
              f"their cells cannot be found in it by value ({', '.join(index_only)} without coordinate values): give "
              "the data on the whole training grid, or retrain on their grid" if index_only and not by_value else
              "regrid them to the training grid (e.g. cdo remapcon) or retrain on their grid")
    raise ClimannError(
        f"{needs} on its training grid ({shown(trained, trained_longitudes)}); the data are on "
        f"{shown(new, new_longitudes)}: {advice}"
    )


def other_place_message(run: TrainedRun, layout: GridLayout) -> str | None:
    """The refusal of new data of one point at another place than the one point a run was
    trained on (:func:`climann.data.point_pairs.two_places_message`): a point is not regridded
    onto another; the advice writes the training position into a copy of the new file, for a
    user who means to take the two stations as one place.

    Parameters
    ----------
    run : TrainedRun
        Its model file's ``grid_axes`` (the training grid's row and column values) are read.
    layout : GridLayout
        The new data's grid, with its files.

    Returns
    -------
    str or None
        None unless the run was trained on one latitude-longitude point and the data hold one
        point at another position in a file that gives it (:func:`~climann.data.point_pairs.place_of_file`).
    """
    from climann.data.open import open_input
    from climann.data.point_pairs import place_of_file, position_text, two_places_message

    axes = list((run.network.metadata.get("grid_axes") or {}).values())
    if (len(axes) != 2 or any(len(values) != 1 for values in axes) or layout.geographic is not None
            or layout.latitude.values.size != 1 or layout.longitude.values.size != 1):
        return None
    trained = (position_text(axes[0][0]), position_text(axes[1][0]))
    paths = [str(path) for path in run.config.data.paths]
    label = Path(paths[0]).name if len(paths) == 1 and not any(char in paths[0] for char in "*?[") else \
        "the training data"
    for source in map(Path, layout.source_files):
        own = place_of_file(source, opener=open_input)
        if own is not None:
            return two_places_message((label, trained), source, own, copy_suffix="at_training_point",
                                      aim="e.g. to predict at a station near the training one with its climatology",
                                      opener=open_input)
    return None


def require_training_grid(run: TrainedRun, layout: GridLayout) -> None:
    """A field-mode network outputs the map of its training grid: new data must be on it.

    Raises
    ------
    ClimannError
        If the grid (size or extent, see :func:`climann.workflow.pipeline.grid_summary`) differs.
    """
    from climann.workflow.run_directory import grid_summary

    places = other_place_message(run, layout)
    if places:
        raise ClimannError(f"this field-mode run predicts at its training point: {places}")
    trained, new = run.network.metadata.get("grid"), grid_summary(layout)
    if trained and "first_cell" not in trained:
        raise ClimannError("this field-mode run's model.npz predates the record of its grid's cell order, which "
                           "predict needs to place the maps: retrain the run")
    # compared on what the model file records (a file from before lon_ends has none)
    new_recorded = {key: value for key, value in new.items() if key in (trained or {})}
    if trained and all(trained[key] == new[key] for key in ("n_lat", "n_lon", "lat_range", "lon_range")) \
            and trained != new_recorded:
        raise ClimannError(
            f"the new data are the training grid in another cell order (first cell at lat, lon {new['first_cell']}, "
            f"in training {trained['first_cell']}): put them in the training order (e.g. cdo invertlat) and rerun")
    if trained and trained != new_recorded:
        trained_longitudes, new_longitudes = _compared_longitude_ends(run, new)

        def shown(grid: dict, longitudes: tuple[float, float]) -> str:
            return (f"{grid['n_lat']}×{grid['n_lon']}, lat {_span(grid['lat_range'])}, "
                    f"lon {_longitudes_text(grid, longitudes)}")
        raise ClimannError(
            "this field-mode run predicts whole maps on its training grid "
            f"({shown(trained, trained_longitudes)}), the new data are on "
            f"{shown(new, new_longitudes)}: regrid them to the training grid (e.g. cdo remapcon) "
            "or use a pointwise run"
        )


def _predict_field(
    run: TrainedRun, config: RunConfig, dataset: xr.Dataset, out: Path, *, had_target: bool, history: str,
    run_dir: str | Path,
) -> PredictionResult:
    """Field mode: each time step's whole map from its inputs, with the saved scalers and
    climatologies; NaN where an input is missing, at cells that had no target in training and
    where the target never exists (:mod:`climann.workflow.target_cells`)."""
    from climann.data.variables import grid_layout
    from climann.workflow.preparation import field_samples

    new_layout = grid_layout(dataset, config.data.target, list(config.data.paths))
    require_training_grid(run, new_layout)
    check_like_training(run, new_layout, scoring=False)
    samples = field_samples(config, dataset, climatologies=training_climatologies(run, new_data=True),
                            require_target=False)
    samples = dataclasses.replace(samples, layout=with_trained_input_levels(run, with_run_precision(
        run, samples.layout)))
    _check_features(samples.feature_names, run, dataset)
    layout = samples.layout
    check_predictions_encodable(layout)
    input_scaler, target_scaler = saved_scalers(run)
    scaled_inputs = input_scaler.transform(samples.inputs, run.network.dtype)
    untrained = run.network.metadata.get("untrained_outputs", [])
    spread = None
    if isinstance(run.network, Ensemble):
        members = np.stack([target_scaler.inverse_transform(scaled)
                            for scaled in run.network.predict_members(scaled_inputs)])
        outputs, spread = ensemble_mean(members), _field_grid(layout, samples, ensemble_spread(members), untrained)
    else:
        outputs = target_scaler.inverse_transform(run.network.predict(scaled_inputs))
    predicted = _field_grid(layout, samples, outputs, untrained)
    predicted_cells = target_cells(run, run_dir, dataset, layout, had_target=had_target)
    if predicted_cells.cells is not None:
        for grid in (predicted,) if spread is None else (predicted, spread):
            grid[:, ~predicted_cells.cells] = np.nan
    truth = np.full((layout.shape[0], layout.n_cells), np.nan)
    truth[samples.time_index] = samples.target
    truth = truth.reshape(layout.shape)
    return _write_prediction_file(run, samples, truth, predicted, out, history=history, had_target=had_target,
                                  n_samples=_n_predicted(predicted, layout),
                                  notes=[predicted_cells.note] if predicted_cells.note else [], spread=spread)


def _field_grid(layout: GridLayout, samples, outputs: np.ndarray, untrained: list[int]) -> np.ndarray:
    """Field mode: each map's outputs, shape (n_maps, n_cells), on the grid, shape (n_time,
    n_lat, n_lon); NaN at steps without a map and at the ``untrained`` cells."""
    grid = np.full((layout.shape[0], layout.n_cells), np.nan)
    grid[samples.time_index] = outputs
    grid[:, untrained] = np.nan
    return grid.reshape(layout.shape)


def _predict_chunked(
    run: TrainedRun, source, out: Path, compute: ComputeConfig, *, history: str, had_target: bool
) -> tuple[int, dict | None, Extrapolation | None]:
    """The predictions file chunk by chunk, on the cluster of ``compute`` or in local threads."""
    from climann.workflow.compute.chunks import evaluation_blocks
    from climann.workflow.compute.cluster import cluster_client
    from climann.workflow.compute.evaluation import ChunkEvaluation
    from climann.workflow.compute.prediction import predict_chunked

    input_scaler, target_scaler = saved_scalers(run)
    context = ChunkEvaluation(
        source, run.network, input_scaler, target_scaler, ("model",),
        # the steps read from before --time-range for the lags are in no block: not counted nor scored
        block_of_step=np.where(np.arange(source.layout.shape[0]) < source.layout.steps_before_range, -1, 0),
        n_blocks=1, shift=float(target_scaler.mean[0]),
        ranges=training_ranges(run),
    )
    blocks = _period_blocks(evaluation_blocks(source, chunk_mb=compute.chunk_mb), source.layout.steps_before_range)
    if not uses_cluster(compute):
        n_samples, scores, extrapolation = predict_chunked(context, blocks, out, history=history, had_target=had_target)
    else:
        with cluster_client(compute):
            n_samples, scores, extrapolation = predict_chunked(context, blocks, out, history=history,
                                                               had_target=had_target)
    return n_samples, scores, warn_extrapolation(run, extrapolation)


def _period_blocks(blocks: list[tuple[int, int]], before: int) -> list[tuple[int, int]]:
    """The chunks (start, stop) of ``blocks``, of one length, laid over the period after the
    ``before`` steps read for its lags, which the first chunk takes in too: without them the
    file's chunks are again of one length (the last may be shorter), as Zarr needs."""
    if not before:
        return blocks
    length, end = blocks[0][1] - blocks[0][0], blocks[-1][1]
    chunks = [(start, min(start + length, end)) for start in range(before, end, length)]
    return [(0, chunks[0][1]), *chunks[1:]]


def with_run_precision(run: TrainedRun, layout: GridLayout) -> GridLayout:
    """``layout`` with the floating type its predictions are written in widened to the run's
    (the model file's ``value_dtype``, float64 for a target held so in training,
    :mod:`climann.data.value_precision`): the predictions x = z σ + μ of a target that varies
    little against its size keep their digits when the new data lack the target, or hold it
    in float32.

    Parameters
    ----------
    run : TrainedRun
    layout : GridLayout
        Of the new data.

    Returns
    -------
    GridLayout
    """
    trained = run.network.metadata.get("value_dtype", "float32")
    if trained == "float32" or layout.value_dtype == trained:
        return layout
    return dataclasses.replace(layout, value_dtype=trained)


def saved_scalers(run: TrainedRun) -> tuple[Standardizer, Standardizer]:
    """The input and target scalers stored in the model file (metadata ``input_scaling`` and
    ``target_scaling``): those the run was trained with, applied unchanged to new data.

    Returns
    -------
    input_scaler, target_scaler : Standardizer
        Means and standard deviations of shape (n_features,) and (1,), in the inputs' and
        the target's units.
    """
    meta = run.network.metadata

    def saved(key: str) -> Standardizer:
        return Standardizer(np.array(meta[key]["mean"]), np.array(meta[key]["std"]), tuple(meta[key]["names"]))

    return saved("input_scaling"), saved("target_scaling")


def evaluate_run(
    run_dir: str | Path, data_paths: str | Path | Sequence[str | Path] | None = None, out: str | Path | None = None,
    *, compute: ComputeConfig | None = None, overwrite: bool = False, overlap: str | None = None,
    select: Mapping[str, object] | None = None, time_range: str | Sequence[str] = (),
    rename: Mapping[str, Mapping[str, str]] | None = None, command_line: str = "",
) -> dict:
    """Re-score a trained run on its own data, or score it on another dataset.

    On its own data (no ``data_paths``) the blocks and baselines are those of training.
    On other data (e.g. another scenario) the whole period is one block ``all``, scored for
    the network and the persistence baseline; the linear and climatology baselines need the
    training data and are left out. Writes ``metrics.json``, ``predictions.nc`` and
    ``report.md`` into ``out`` (default: the run directory itself for its own data).
    With a dask cluster in ``compute`` (``scheduler`` or ``workers``), everything is computed
    chunk by chunk on the workers (:mod:`climann.workflow.compute`); pointwise runs only. A
    pointwise run whose own data exceed ``[data] in_memory_limit_gb`` (a streamed run) is
    scored chunk by chunk in this process, as it was when it trained. Either way the scores
    come from the sums of :mod:`climann.evaluation.sums`, as a run's do.
    ``overlap`` (``[data] overlap``) replaces the run's setting for times held twice;
    ``select`` chooses one value of an extra dimension of other data, and ``time_range`` a
    period of them, as in :func:`predict_files` (whose ensemble members are recorded in
    ``metrics.json`` as ``members``): the run's own ``time_range`` never applies to other data,
    its ``months``/``seasons`` do, with a warning naming the steps kept. On its own data the
    run's selection is that of training, unchanged. ``rename`` renames variables in the other
    data, as in :func:`predict_files`. ``data_paths``: one path or a sequence of them.
    ``command_line`` is recorded as the CF ``history`` of ``predictions.nc`` (the CLI gives its
    own); default: the call as the equivalent ``climann evaluate`` command
    (:func:`new_data_command`).

    An ``out`` other than the run directory is refused when it already holds one of those
    files, unless ``overwrite``; an input file is never replaced.

    Returns
    -------
    dict
        The metrics written.

    Raises
    ------
    ClimannError
        As :func:`predict_files`, or ``--out`` missing or the run directory itself for other
        data, a file, or holding those files without ``overwrite``.
    """
    from climann.workflow.preparation import new_data_config

    data_paths = path_list(data_paths, name="data_paths") if data_paths is not None else []
    run = load_run(run_dir, rescoring=True)
    other = bool(data_paths)
    if time_range and not other:
        raise ClimannError("--time-range chooses a period of other data: give it with --data; on its own data a run "
                           "is scored on the period it was trained on ([data] time_range)")
    if other and out is None:
        raise ClimannError("scoring on other data needs --out DIR, so the run's own results stay untouched")
    if select and not other:
        raise ClimannError("--select chooses among other data's values: give it with --data, or leave it out to "
                           "re-score the run on its own data")
    if rename and not other:
        raise ClimannError("--rename renames variables in other data: give it with --data; a run's own files are "
                           "renamed as in training ([data] rename in its config.toml)")
    if other and Path(out).resolve() == Path(run_dir).resolve():
        raise ClimannError(f"--out {out} is the run directory: the scores on other data would replace the run's own "
                           "metrics.json, predictions.nc and report.md; give another directory")
    config = run.config
    if overlap:
        config = dataclasses.replace(config, data=dataclasses.replace(config.data, overlap=overlap))
    if other:
        files = tuple(map(str, expand_paths(data_paths)))
        config = new_data_config(config, files, time_range=time_range, rename=rename)
    if out is not None:
        refuse_run_files(out, run_dir=run_dir)
    _check_scores_folder(run_dir, out, overwrite=overwrite, inputs=config.data.paths)
    replaces_own = out is None or Path(out).resolve() == Path(run_dir).resolve()
    with claimed_output(Path(out) if out else Path(run_dir), overwrite=overwrite or replaces_own, folder=True,
                        what="scores folder"):
        # again, now that no other climann writes there: the check and the writing are one step
        _check_scores_folder(run_dir, out, overwrite=overwrite, inputs=config.data.paths)
        history = command_line or new_data_command("evaluate", run_dir, data_paths, out=out, select=select,
                                                   time_range=time_range, rename=rename)
        from climann.workflow.pipeline import input_files

        # advice names only these (break46b A4), and no training option (break54c A6: the run's lags are fixed)
        with files_given(input_files(config)), applying_run("evaluate"):
            return _evaluate_claimed(run, run_dir, out, config, data_paths, files if other else (), compute=compute,
                                     select=select, history=history, rename=rename)


def _check_scores_folder(run_dir: str | Path, out: str | Path | None, *, overwrite: bool,
                         inputs: Sequence[str | Path]) -> None:
    """Refuse what ``evaluate_run`` may not write: ``out`` holding its files without
    ``overwrite``, or files there (or in the run directory re-scored in place) that climann did
    not write (:func:`~climann.workflow.outputs.prepare_output_folder`)."""
    if out is not None and Path(out).resolve() != Path(run_dir).resolve():
        prepare_output_folder(out, EVALUATION_FILES, overwrite=overwrite, inputs=inputs, create=False)
    else:  # re-scored in place: the run's own files are replaced, never one put there by someone else
        prepare_output_folder(run_dir, EVALUATION_FILES, overwrite=True, create=False, option="",
                              way_out="write the scores elsewhere with --out DIR")


def _evaluate_claimed(
    run: TrainedRun, run_dir: str | Path, out: str | Path | None, config: RunConfig, data_paths: list,
    files: Sequence[str], *, compute: ComputeConfig | None, select: Mapping[str, object] | None, history: str,
    rename: Mapping[str, Mapping[str, str]] | None = None,
) -> dict:
    """:func:`evaluate_run` once its folder is claimed (:func:`climann.atomic.claimed_output`); ``rename``: the
    user's ``--rename`` rules, already in ``config`` (:func:`~climann.workflow.preparation.given_rename_patterns`)."""
    from climann.data.variables import grid_layout
    from climann.evaluation.baselines import forecast_persistence, persistence_left_out, persistence_prediction
    from climann.evaluation.report import write_report
    from climann.workflow.pipeline import (add_dropped_target_entry, add_unscored_anomaly_notes, evaluate,
                                           grid_metrics)
    from climann.workflow.preparation import given_rename_patterns, open_selected, prepared_with_scalers, sample_source

    other = bool(data_paths)
    target_climatology = saved_target_climatology(run)
    if target_climatology is not None and compute is not None and uses_cluster(compute):
        raise ClimannError("a run with [data] target_anomaly is evaluated in memory: run without --workers/--scheduler")
    if isinstance(run.network, Ensemble) and compute is not None and uses_cluster(compute):
        raise ClimannError(f"an ensemble run ({run.network.size} members) is evaluated in memory: run without "
                           "--workers/--scheduler")
    changed = [] if other else warn_changed_inputs(run_dir, config)
    dataset, cells, own_years, persistence_step = None, None, None, None
    if other:  # opened once, here: data unlike the training data are refused before any sample is read
        dataset = with_run_weights_of(run_dir, with_training_step(run, open_selected(
            config, units=run.input_units(), cell_methods=run.input_cell_methods(), grid=cell_order_grid(run),
            quantities=run.input_quantities(), new_data=True, select=select, training_values=run.training_values(),
        directions=run.selection_directions(), kinds=run.selection_kinds(),
            # a run from before the record scores other data as it did
            steps_before=steps_read_before_range(config.data), given_renames=given_rename_patterns(rename))))
        require_recorded_inputs(run, dataset, files, with_target=True)
        dataset = with_training_levels(run, with_training_quantity(run, dataset))
        require_scored_target(dataset, config.data.target, files, predictors=config.data.predictors,
                              target_units=(run.input_units() or {}).get(config.data.target))
        layout = grid_layout(dataset, config.data.target, list(config.data.paths))  # from the coordinates only
        if config.data.mode == "field":  # its own data are on its own grid
            require_training_grid(run, layout)
        check_like_training(run, layout, scoring=True)
        warn_other_cell_areas(run_dir, layout, dataset[config.data.target].attrs)  # areacello in training, not here
        check_predictions_encodable(layout, _written_baselines(config, other=True))  # as train and predict do
        # another model's years are no dates the network saw (rerun41 R5), nor another place's (break45a A8: a
        # flux tower 6 000 km from the training one; check_place warns of the transfer)
        elsewhere = other_models(run.config.data.paths, files) or other_place(run, layout) is not None
        own_years = None if elsewhere else scored_own_years(
            run_dir, run, layout.time.values[layout.steps_before_range:])
        if "persistence" in config.evaluation.baselines:  # the previous step of these data, not the run's
            persistence_step = persistence_step_text(run, layout)
        if config.data.mode == "pointwise":  # a field-mode run needs its whole training grid
            cells = climatology_cells(run, layout)
            target_climatology = saved_target_climatology(run, cells)
    if compute is not None and uses_cluster(compute):
        return _evaluate_chunked(run, config, compute, Path(out) if out else Path(run_dir), other=other,
                                 history=history, changed=changed, dataset=dataset, cells=cells,
                                 own_years=own_years, persistence_step=persistence_step)
    if not other and config.data.mode == "pointwise":  # opened once, for the source and the samples
        dataset = open_selected(config)
        source, streamed = sample_source(config, dataset)
        if streamed:  # as when it trained: chunk by chunk in this process, never the whole data in memory
            return _evaluate_chunked(run, config, None, Path(out) if out else Path(run_dir), other=False,
                                     history=history, source=source, changed=changed)
    data = prepared_with_scalers(config, *saved_scalers(run), whole_period=other,
                                 units=run.input_units() if other else None,
                                 climatologies=training_climatologies(run, new_data=other, cells=cells),
                                 target_climatology=target_climatology, dataset=dataset,
                                 climatology_calendar=saved_climatology_calendar(run),
                                 climatology_keys=saved_climatology_keys(run))
    if other:  # its predictions.nc names the inputs' levels as the run took them
        data = dataclasses.replace(data, samples=dataclasses.replace(
            data.samples, layout=with_trained_input_levels(run, data.samples.layout)))
    flags = None  # where the inputs lie outside the training range (other data only)
    spread = None
    if other:
        truth, model, spread, members = _model_and_spread(data, run.network)
        predictions = {"model": model}
        layout = data.samples.layout
        left_out = {}
        if "persistence" in config.evaluation.baselines:
            reason = persistence_left_out(layout, lags=config.data.lags)
            if reason is None:
                predictions["persistence"] = persistence_prediction(truth, layout.time.values,
                                                                    dates=layout.selection_dates(),
                                                                    first_counted=layout.steps_before_range,
                                                                    segment_starts=layout.time_segment_starts(),
                                                                    earlier_steps=getattr(
                                                                        forecast_persistence(layout), "earlier", None),
                                                                    stride=layout.strided_series)
            else:
                left_out["persistence"] = reason
        extrapolation = check_training_range(run, data.samples.inputs)
        scored = grid_metrics(config, layout, predictions, truth, data.split, mode=config.data.mode,
                              n_dropped=data.samples.n_dropped, left_out=left_out,
                              climatology=saved_climatology_grid(target_climatology, layout,
                                                                 calendar=saved_climatology_calendar(run),
                                                                 keys=saved_climatology_keys(run)))
        add_dropped_target_entry(scored, data)  # where the chunk-wise evaluation records it, before the rest
        add_saved_climatology_narrowed(scored, run)
        metrics = _other_data_metrics(
            scored,
            files, None if extrapolation is None else extrapolation.summary(), dataset, own_years,
            persistence_step=persistence_step,
        )
        add_unscored_anomaly_notes(metrics, data)  # as the run's own blocks are noted
        if extrapolation is not None:
            flags = extrapolation_grid(data.samples, extrapolation.outside, model)
        if members is not None:
            from climann.workflow.ensemble import ensemble_metrics

            metrics["ensemble"] = ensemble_metrics(run.network.seeds, members, model, spread, truth,
                                                   layout.cell_area_weights(), data.split.time_masks)
    else:
        evaluation = evaluate(config, data, run.network)
        metrics, truth, predictions = evaluation.metrics, evaluation.truth, evaluation.predictions
        metrics = with_changed_inputs(metrics, changed)
        spread = evaluation.spread
        warn_about_identity(metrics, config.data)  # the linear baseline on its test block, as train says
        warn_about_target_means(metrics)
    metrics = with_model_record(metrics, run)
    with folder_written(Path(out) if out else Path(run_dir), EVALUATION_FILES) as destination:
        _write_scores(destination, data, metrics, truth, predictions, history,
                      extrapolated=flags, spread=spread, n_members=_n_members(run))
        write_report(destination, metrics)
    return metrics


def add_saved_climatology_narrowed(metrics: dict, run: TrainedRun) -> None:
    """Record, with the scores of other data taken against the run's saved training climatology
    smoothed over the days of the year (``climatology_window_days`` in ``metrics``), the days of
    the year its window was narrowed near: ``metrics.json``'s ``climatology_narrowed``, as
    ``train`` records it (:data:`~climann.evaluation.climatology_years.NARROWED_KEY`), read from
    the ``model.npz`` record (``target_climatology`` ``narrowed``). A run recorded before the key
    has none, and none is written (nothing is guessed)."""
    from climann.evaluation.climatology_years import NARROWED_KEY

    record = run.network.metadata.get("target_climatology") or {}
    if "climatology_window_days" in metrics and "narrowed" in record:
        metrics[NARROWED_KEY] = record["narrowed"]


def _written_baselines(config: RunConfig, *, other: bool) -> list[str]:
    """The baselines whose predictions ``evaluate`` writes: the run's, and on other data only
    persistence (the others need the training data)."""
    return [name for name in config.evaluation.baselines if not other or name == "persistence"]


def require_scored_target(dataset: xr.Dataset, target: str, files: Sequence[str | Path], *,
                          predictors: Sequence[str] | None = (), target_units: str | None = None) -> None:
    """Refuse other data to score a run on (``climann evaluate RUN --data FILE``) that do not
    hold its target: scores compare the predictions with it. When the files hold one variable
    that is not among the run's ``predictors`` and whose units measure what the target's
    ``target_units`` do, but for a time (CHIRPS's ``precip`` in mm/day for an E-OBS run's ``rr``
    in mm), the ``--rename`` that gives it the target's name is offered (break53b A4: only "add it").

    Raises
    ------
    ClimannError
        Naming the target, the variables the files hold, the ``--rename`` when one variable may
        be the target under another name, and ``climann predict``, which predicts without the
        target (and so without scores).
    """
    if target in dataset.data_vars:
        return
    where = files_text(files, listed=3)
    held = data_variable_names(dataset)
    verb = "holds" if len(files) == 1 else "hold"
    others = [name for name in held if name not in set(predictors or ()) and name in dataset.data_vars
              and _measures_alike(dataset[name].attrs.get("units"), target_units)]
    renamed = ""
    if len(others) == 1:
        own = source_files(dataset[others[0]])
        pattern = Path(own[0]).name if len(own) == 1 else None
        if pattern is None and (shared := shared_glob(own)) is not None:
            pattern = shared.name
        if pattern is not None:
            renamed = (f"if '{others[0]}' is '{target}' under another name, give --rename "
                       f"{shlex.quote(f'{pattern}:{others[0]}={target}')}; ")
    raise ClimannError(
        f"evaluate --data needs the target '{target}' in the data to score against ({where} "
        f"{f'{verb} ' + ', '.join(held) if held else f'{verb} no variable'}); {renamed}add it, or use "
        "`climann predict` for predictions without scores"
    )


def _measures_alike(units: object, target_units: str | None) -> bool:
    """Whether ``units`` and ``target_units`` are of one dimension but for a power of time
    (``mm/day`` and ``mm``: a rate and an amount of one quantity); False when either is unknown."""
    from climann.data.units import parse_units

    if not units or not target_units:
        return False
    try:
        dimensions = [{key: power for key, power in parse_units(str(text), variable="").dimensionality.items()
                       if key != "[time]"} for text in (units, target_units)]
    except ClimannError:
        return False
    return dimensions[0] == dimensions[1]


def warn_changed_inputs(run_dir: str | Path, config: RunConfig, *, other_data: bool = True) -> list[dict]:
    """The run's own input files (``[data] paths`` and ``split_files``) that differ now from
    their record in its ``provenance.json``, each logged as one warning: what ``evaluate RUN``
    and ``explain RUN`` check before they score the run's data again.

    A scientist may have corrected a file on purpose, so a change is said, not refused: the
    scores (and importances) are then of the file as it is now. A run without
    ``provenance.json`` (older climann), or a file it does not record, is not checked.

    Parameters
    ----------
    run_dir : str or Path
    config : RunConfig
        The run's configuration (its input files).
    other_data : bool
        Whether the command can score other data instead (``evaluate --data``), for the
        advice when an input is missing.

    Returns
    -------
    list of dict
        :func:`climann.workflow.provenance.changed_inputs`: ``{"path", "change"}`` each.

    Raises
    ------
    ClimannError
        If a recorded input file is missing (it could not be scored), or cannot be read.
    """
    from climann.evaluation.report import changed_input_text
    from climann.workflow.pipeline import input_patterns
    from climann.workflow.provenance import changed_inputs, recorded_inputs

    records = recorded_inputs(run_dir)
    if not records:
        return []
    changes = changed_inputs(records, input_patterns(config))
    missing = [change["path"] for change in changes if change["change"] == "missing"]
    if missing:  # reading them would fail: said once, with what the run was trained on
        one = len(missing) == 1
        raise ClimannError(f"{', '.join(missing)} {'is' if one else 'are'} missing: the run was trained on "
                           f"{'it' if one else 'them'} (provenance.json); put {'it' if one else 'them'} back"
                           + (", or score other data with --data FILE --out DIR" if other_data else ""))
    for change in changes:
        _log.warning(changed_input_text(change))
    return changes


def with_changed_inputs(metrics: dict, changed: list[dict]) -> dict:
    """``metrics`` with ``changed_inputs`` (the input files that differ from the run's
    ``provenance.json``, see :func:`warn_changed_inputs`) last, when there are any."""
    return {**metrics, "changed_inputs": changed} if changed else metrics


def with_model_record(metrics: dict, run: TrainedRun) -> dict:
    """``metrics`` with how the run's model was trained (``training``, when recorded) and the
    SHA-256 of the run's ``model.npz`` they were computed from
    (:data:`climann.run_files.MODEL_SHA256_KEY`, last), as ``climann train`` writes them."""
    from climann.run_files import MODEL_SHA256_KEY

    if run.training:
        metrics = {**{key: value for key, value in metrics.items() if key != "training"}, "training": run.training}
    if run.model_sha256 is None:
        return metrics
    return {**{key: value for key, value in metrics.items() if key != MODEL_SHA256_KEY},
            MODEL_SHA256_KEY: run.model_sha256}


def saved_climatology_grid(climatology: np.ndarray | None, layout: GridLayout, *, calendar: str | None = None,
                           keys: ClimatologyKeys | None = None) -> np.ndarray | None:
    """The saved training climatology (see :func:`saved_target_climatology`) at every time
    step of ``layout``, shape (n_time, n_lat, n_lon): the reference of the ACC on other data;
    None without one (no ACC). ``calendar``: the one it is counted in
    (:func:`saved_climatology_calendar`), ``keys`` what it is taken per
    (:func:`saved_climatology_keys`), as :func:`~climann.workflow.preparation.climatology_offset`."""
    from climann.workflow.preparation import climatology_rows

    if climatology is None:
        return None
    return climatology.astype(np.float64)[climatology_rows(layout, climatology, calendar=calendar, keys=keys)]


def _model_and_spread(data, network: Network | Ensemble):
    """The truth and the model's predictions on the grid (:func:`~climann.workflow.pipeline.model_on_grid`),
    and an ensemble's spread and members' grids (None for a single network)."""
    from climann.workflow.pipeline import member_grids, model_on_grid, truth_on_grid

    if not isinstance(network, Ensemble):
        return (*model_on_grid(data, network), None, None)
    members = member_grids(data, network)
    return truth_on_grid(data), ensemble_mean(members), ensemble_spread(members), members


def _write_scores(destination: Path, data, metrics: dict, truth, predictions: dict, history: str, *,
                  extrapolated: np.ndarray | None = None, spread: np.ndarray | None = None,
                  n_members: int | None = None) -> None:
    layout = data.samples.layout
    baselines = {name: grid for name, grid in predictions.items() if name != "model"}
    labels = data.split.labels()
    output = predictions_dataset(layout, truth, predictions["model"], labels, history=history, baselines=baselines,
                                 extrapolated=extrapolated, spread=spread, n_members=n_members)
    write_predictions(output, destination / "predictions.nc", layout)
    write_json(destination / "metrics.json", metrics, what="metrics file")


def _evaluate_chunked(
    run: TrainedRun, config: RunConfig, compute: ComputeConfig | None, destination: Path, *, other: bool,
    history: str, source=None, changed: list[dict] | None = None, dataset: xr.Dataset | None = None,
    cells: TrainingCells | None = None, own_years: dict | None = None, persistence_step: str | None = None,
) -> dict:
    """:func:`evaluate_run` chunk by chunk (:func:`climann.workflow.compute.run.evaluate_distributed`):
    on the dask cluster of ``compute``, or (``compute`` None) in this process, for a run whose
    data exceed ``[data] in_memory_limit_gb`` (``source``: its sample source, already open);
    ``changed``: its input files that differ from ``provenance.json`` (:func:`warn_changed_inputs`);
    ``dataset``: the other data, already opened (:func:`~climann.workflow.preparation.open_selected`) and
    checked like the training data (:func:`~climann.workflow.new_data.check_like_training`), on
    the training grid's ``cells`` when a part of it (:func:`climatology_cells`), ``own_years``
    the run's training and validation dates they hold
    (:func:`~climann.workflow.scored_years.scored_own_years`), ``persistence_step`` what their
    persistence is when their step is not the run's
    (:func:`~climann.workflow.new_data.persistence_step_text`)."""
    from climann.workflow.compute.chunks import evaluation_blocks
    from climann.workflow.compute.cluster import cluster_client
    from climann.workflow.compute.run import evaluate_distributed
    from climann.evaluation.report import write_report
    from climann.workflow.preparation import open_selected, pointwise_source, split_for, whole_period_split

    if config.data.mode != "pointwise":
        raise ClimannError('a dask cluster (--workers, --scheduler) needs a run with mode = "pointwise"')
    with cluster_client(compute) if compute is not None else contextlib.nullcontext() as client:
        if source is None:
            if dataset is None:
                dataset = open_selected(config, units=run.input_units() if other else None,
                                        cell_methods=run.input_cell_methods(), new_data=other,
                                        quantities=run.input_quantities() if other else None,
                                        training_values=run.training_values() if other else None,
                                        directions=run.selection_directions() if other else None,
                                        kinds=run.selection_kinds() if other else None)
                dataset = (with_training_levels(run, with_training_quantity(run, with_training_step(run, dataset)))
                           if other else dataset)
            source = pointwise_source(config, dataset,
                                      climatologies=training_climatologies(run, new_data=other, cells=cells))
        if other:  # its predictions.nc names the inputs' levels as the run took them
            source.layout = with_trained_input_levels(run, source.layout)
        if other:  # checked like training by evaluate_run as it opened them
            split = whole_period_split(config, source.layout)
        else:
            split = split_for(config, source.layout)
        with folder_written(destination, EVALUATION_FILES):
            evaluated = evaluate_distributed(
                client, config, source, split,
                evaluation_blocks(source, chunk_mb=(compute or config.compute).chunk_mb), run.network,
                *saved_scalers(run), destination / "predictions.nc", history=history,
                baselines=_written_baselines(config, other=other),
                ranges=training_ranges(run) if other else None, own_data=not other,
            )
            metrics = evaluated.metrics
            if "extrapolation" in metrics:
                warn_extrapolation(run, Extrapolation(**metrics["extrapolation"]))
            if other:
                metrics = _other_data_metrics(metrics, config.data.paths, metrics.get("extrapolation"), dataset,
                                              own_years, persistence_step=persistence_step)
            metrics = with_changed_inputs(metrics, changed or [])
            if not other:  # the linear baseline on the run's test block, as train says
                warn_about_identity(metrics, config.data)
                warn_about_target_means(metrics)
            metrics = with_model_record(metrics, run)
            write_json(destination / "metrics.json", metrics, what="metrics file")
            write_report(destination, metrics)
    return metrics


def _other_data_metrics(metrics: dict, files, extrapolation: dict | None, dataset: xr.Dataset,
                        own_years: dict | None = None, *, persistence_step: str | None = None) -> dict:
    """``metrics.json`` of ``climann evaluate --data``: a run's metrics with the files scored
    (``data``, after ``area_weighted``), their ensemble ``members`` when they have a member
    axis (:func:`climann.data.members.member_values` of the ``dataset``, e.g.
    ``{"realization": [2]}``), when they hold the run's training or validation dates
    ``own_years_scored`` (:func:`~climann.workflow.scored_years.scored_own_years`, warned of
    here), ``persistence_step_note`` when their persistence is over another step than the
    run's (``persistence_step``, break40b B6) and, when checked, the ``extrapolation``."""
    members = member_values(dataset)
    warn_scored_own_years(own_years)  # once scored: after any refusal
    metrics = {key: value for key, value in metrics.items() if key != "extrapolation"}
    first = ("target", "units", "mode", "area_weighted")
    return {**{key: metrics[key] for key in first}, "data": list(files), **({"members": members} if members else {}),
            **({"own_years_scored": own_years} if own_years else {}),
            **({"persistence_step_note": persistence_step} if persistence_step else {}),
            **{key: value for key, value in metrics.items() if key not in first},
            **({"extrapolation": extrapolation} if extrapolation is not None else {})}
