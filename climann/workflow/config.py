"""The run configuration: schema, defaults and validation, in one place.

A run is configured by a TOML file with sections ``[data]``, ``[model]``, ``[training]``,
``[evaluation]`` and ``[compute]`` whose keys are the fields of the dataclasses below, plus
command-line overrides. Everything is validated here, once, before any data are read: unknown
keys (with the closest valid
name), wrong types and out-of-range values raise :class:`~climann.errors.ClimannError`.

Example
-------
>>> config = build_config({"training": {"epochs": 5}})
>>> config.training.epochs
5
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import math
import os
import shlex
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from climann.data.memory import DEFAULT_IN_MEMORY_LIMIT_GB
from climann.data.paths import home_expanded
from climann.data.selection_lists import listed_values, several_values_message
from climann.data.splits import DEFAULT_SPLIT_FRACTIONS
from climann.data.features import SEASON_DATINGS
from climann.data.cell_edges import CELL_EDGES
from climann.errors import ClimannError
from climann.evaluation.baselines import CLIMATOLOGY_WINDOW_DAYS
from climann.model.activations import get_activation
from climann.model.initializers import get_initializer
from climann.model.local_sgd import CHUNKS_TO_REPLICAS
from climann.model.losses import LOSSES, Huber
from climann.model.optimizers import OPTIMIZERS
from climann.model.schedules import (
    SCHEDULES,
    Constant,
    CosineDecay,
    ExponentialDecay,
    ReduceOnPlateau,
    StepDecay,
)
from climann.model.stopping import EarlyStopping

DEFAULT_SAMPLE_PATH = "data/sample.nc"

#: How a configuration file or ``--predictors``/``--features`` says "not given: choose from the
#: data" (``None`` in :class:`DataConfig`); an empty list means none.
AUTO = "auto"

#: Features derived from coordinates, and the columns each one adds.
DERIVED_FEATURES: dict[str, tuple[str, ...]] = {
    "lat": ("lat",),
    "lon": ("lon_sin", "lon_cos"),
    "season": ("season_sin", "season_cos"),
    "hour": ("hour_sin", "hour_cos"),
    "year": ("year",),
}


@dataclass(frozen=True)
class DataConfig:
    """Where the data are and what to learn from them.

    Attributes
    ----------
    paths : tuple of str
        NetCDF files or glob patterns, relative to the working directory.
    target : str
        Name of the variable to predict.
    predictors : tuple of str or None
        Names of the variables used as input features (may be empty). "auto" (None, the
        default): every other variable on the target's grid, time-varying or static, except
        those missing on more than 5 % of the cells where the target is present (named in a
        warning) or with several values of an extra dimension; chosen from the data when the
        run starts and written into the run's config.toml.
    features : tuple of str or None
        Features derived from coordinates: any of ``lat``, ``lon``, ``season``, ``year``.
        "auto" (None, the default): ``lat`` (pointwise mode), plus ``season`` when the time
        axis is finer than a year.
    season_dated_by : str
        How ``season`` and ``year`` date a time step: ``cell_middle`` (the middle of its time
        cell: from the time bounds, else the calendar month holding the stamp, a stamp on the
        1st opening its month) or ``stamp`` (the file's time stamp, as runs trained before
        this setting was recorded; their models keep it).
    selection_dated_by : str
        How ``months`` and ``seasons`` date a time step: ``cell_middle`` (the middle of its
        time cell, as the ``season`` feature and the scores per season date it: a weekly mean
        stamped 26 February, without bounds, is in March) or ``stamp`` (the file's time stamp,
        as runs trained before 3 December 2026 chose them; their models keep it).
    step_before_range : bool
        Read the file's step just before ``time_range`` for the persistence and lags of the
        period's first step only (in no block, never trained on or scored). Runs trained
        before 3 December 2026 did not; their models keep that.
    steps_before_range : int or None
        How many of the file's steps before ``time_range`` are read with ``step_before_range``:
        "auto" (None): :func:`lag_steps_needed`, the largest lag (at least 1, for
        persistence), so that every step of the period has its lags; 0 without
        ``step_before_range``. On a forecast at lead month L the data read at least L
        (:func:`climann.workflow.preparation.forecast_steps_before`: its persistence is the
        month before the start). A run records the number (:func:`with_steps_before_range`).
        Runs trained before 4 December 2026 read one step (their ``config.toml`` and model
        lack the key; their models keep that).
    cell_edges : str
        How 2-D cell corners (CF bounds of curvilinear grids) are joined for the cells' areas:
        ``great_circle`` (exact: a latitude-longitude box's edges along its parallels and
        meridians, any other cell's great circles) or
        ``straight`` (straight in the (λ, sin φ) plane while they span under 1° of longitude,
        up to 2–7 % off next to a grid pole), as runs trained before 4 December 2026 weighed
        their cells (their ``model.npz`` lacks the key; their models keep that).
    steps_before_months : bool
        With ``months`` or ``seasons`` too, read those of the ``steps_before_range`` steps
        before ``time_range`` that lie in the chosen months (December 1983 for the first
        January of a DJF period from 1984: :func:`climann.data.subset.steps_before_range_of`).
        Runs trained before 4 December 2026 read none then, and the first chosen step lacked
        its lags and persistence (their ``model.npz`` lacks the key; their models keep that).
    weigh_by_area_fraction : bool
        For a target that is an area mean over the land (sea) part of each cell (``cell_methods =
        "area: mean where land"``, CMIP6 ``mrso``, ``tos``), weigh each cell in every score (and
        an area-weighted loss) by its area × the land (sea) fraction the data hold
        (``land_area_fraction``, e.g. ``sftlf``: :mod:`climann.data.area_fractions`); whole cells
        without it. Runs trained before 4 December 2026 weighed whole cells (their ``model.npz``
        lacks the key; their models keep that).
    area_means_by_fraction : bool
        Weigh the cells of an area-mean feature (``global_means``, ``regional_means``) as every
        score of that variable: by their area × the land (sea) fraction the data hold, for a
        variable that is a mean where land (sea) (``mrso``), whole cells otherwise
        (:func:`climann.data.area_means.area_mean_series`). Runs trained before 7 December 2026
        weighed whole cells (their ``model.npz`` lacks the key; their models keep that).
    split_fractions : tuple of float
        Fractions of the years (train, val, test), taken as contiguous blocks in that order.
    split_years : dict of str to (first, last)
        Explicit year ranges ``{"train": [1980, 1993], "val": [...], "test": [...]}``,
        instead of ``split_fractions``.
    split_gap_years : int
        Years left out between consecutive blocks, against autocorrelation leakage.
    split_files : dict of str to list of str
        Split by dataset instead of by years: ``{train = ["*historical*.nc"], val =
        ["*ssp245*.nc"], test = ["*ssp585*.nc"]}``; each block is read from its own files
        plus ``paths``, shared by all blocks: static fields (orog, sftlf), not a series of the
        blocks' variables; a file in two blocks, or in paths and a block, is refused. Periods may
        overlap (two scenarios over the same years).
    select : dict
        One value of each extra dimension, by coordinate value: ``{"plev": 85000}``, a bare
        number being in the coordinate's own units, or with its units, ``{"plev": "850 hPa"}``;
        by index (0 the first) for a dimension without a coordinate variable: ``{"member": 0}``.
    region : tuple of float
        ``(south, north, west, east)`` in degrees, any longitude convention; ``west > east``
        crosses the dateline or prime meridian. Empty: the whole grid.
    time_range : tuple of str
        ``(first, last)`` dates ``YYYY[-MM[-DD[THH[:MM]]]]``, inclusive. Empty: all times. The run's
        period only: new data (``predict``, ``evaluate --data``) are not cut to it.
    months, seasons : tuple
        Keep only these calendar months (1–12) and/or seasons (DJF, MAM, JJA, SON); new
        data are cut to them too, with a warning.
    time_stride, grid_stride : int
        Keep every n-th time step / every n-th latitude and longitude.
    sample_fraction : float
        Keep a seeded random fraction of the training block's pointwise samples (a cheaper training set for
        huge datasets; pointwise mode only): the validation and test blocks are scored on every value.
    lags : dict of str to tuple of int
        ``{"tas": [1, 12]}``: the variable's value k time steps earlier as features (field
        mode: the field k steps earlier, as its area mean ``tas_lag1_mean`` or its cells).
    global_means : tuple of str
        Variables whose area-weighted mean over the files' whole grid (not only the selected
        ``region``) is a feature, ``<name>_global_mean`` (pattern scaling).
    regional_means : dict of str to list of float
        ``{tos = [-5, 5, 190, 240]}``: the variable's area-weighted mean over a box
        ``[south, north, west, east]`` (several boxes: 4 more numbers each) is a feature,
        ``<name>_mean_5S-5N_190E-240E``; the box may lie outside the selected ``region``.
    keep_target_copies : tuple of str
        Predictors kept although they are the target plus a field constant in time on the training
        block (DUACS's ``adt`` beside ``sla``, :mod:`climann.data.target_copies`), which are else
        refused: a study of that leak itself. Warned about.
    anomalies : tuple of str
        Variables whose anomaly (value minus the training years' mean for its calendar
        month, at that cell) is a feature: ``<name>_anomaly`` (field mode: its area mean
        ``<name>_anomaly_mean`` or its cells); not the target. The climatology is saved
        with the model, for predict.
    target_anomaly : bool
        The network learns the target minus its climatology (the training years' mean at
        each cell per calendar month, per day of year for daily data, per day of year and hour for
        sub-daily data: that of the
        climatology baseline); predictions add it back, so every output is in the target's
        units. The climatology is saved with the model (pointwise, in-memory runs only).
    mode : str
        ``pointwise`` (each cell at each time is a sample) or ``field`` (each time step is
        a sample; the whole target map is the output vector, emulator style).
    field_inputs : str
        In field mode, each predictor as its area-weighted ``mean`` or ``flatten``-ed cells.
    in_memory_limit_gb : float
        Pointwise samples larger than this are streamed from disk in chunks while training
        (memory bounded by a few chunks), and evaluated on every k-th time step that fits.
    rename : dict of str to dict
        ``{"*ssp585*" = {air_temperature = "tas_ssp585"}}``: rename variables in the files
        matching a glob, when several files use one name for different fields, or one field
        under different names (``{"t2m_*" = {t2m = "tas"}}``: ERA5 years beside CMIP years);
        the files are then combined as if renamed by hand (see :mod:`climann.data.renames`).
    overlap : str
        Times held twice (two files of one variable overlapping in time, or a time repeated
        in a file): ``error`` refuses naming the files and dates; ``first`` keeps the
        earlier file's values (the first repeat), ``last`` the later file's (the last repeat).
    """

    paths: tuple[str, ...] = (DEFAULT_SAMPLE_PATH,)
    target: str = "tas"
    predictors: tuple[str, ...] | None = None
    features: tuple[str, ...] | None = None
    season_dated_by: str = "cell_middle"
    selection_dated_by: str = "cell_middle"
    step_before_range: bool = True
    steps_before_range: int | None = None
    steps_before_months: bool = True
    cell_edges: str = "great_circle"
    weigh_by_area_fraction: bool = True
    area_means_by_fraction: bool = True
    split_fractions: tuple[float, ...] = DEFAULT_SPLIT_FRACTIONS
    split_years: dict[str, tuple[int, ...]] = field(default_factory=dict)
    split_gap_years: int = 0
    split_files: dict[str, tuple[str, ...]] = field(default_factory=dict)
    select: dict[str, int | float | str] = field(default_factory=dict)
    region: tuple[float, ...] = ()
    time_range: tuple[str, ...] = ()
    months: tuple[int, ...] = ()
    seasons: tuple[str, ...] = ()
    time_stride: int = 1
    grid_stride: int = 1
    sample_fraction: float = 1.0
    lags: dict[str, tuple[int, ...]] = field(default_factory=dict)
    global_means: tuple[str, ...] = ()
    regional_means: dict[str, tuple[float, ...]] = field(default_factory=dict)
    anomalies: tuple[str, ...] = ()
    keep_target_copies: tuple[str, ...] = ()
    target_anomaly: bool = False
    rename: dict[str, dict[str, str]] = field(default_factory=dict)
    mode: str = "pointwise"
    field_inputs: str = "mean"
    in_memory_limit_gb: float = DEFAULT_IN_MEMORY_LIMIT_GB
    overlap: str = "error"


@dataclass(frozen=True)
class ModelConfig:
    """The network's architecture.

    Attributes
    ----------
    hidden : tuple of int
        Widths of the hidden layers (empty: a linear model).
    activation : str
        Activation of the hidden layers.
    output_activation : str
        Activation of the output layer.
    init : str
        Weight initialisation scheme.
    dtype : str
        Floating-point type of weights and computations: ``float32`` or ``float64``.
    """

    hidden: tuple[int, ...] = (64, 64)
    activation: str = "relu"
    output_activation: str = "identity"
    init: str = "he"
    dtype: str = "float32"


@dataclass(frozen=True)
class TrainingConfig:
    """How the network is trained.

    Attributes
    ----------
    epochs : int
        Passes over the training samples.
    learning_rate : float
        Step size λ of the gradient-descent update w ← w − λ ∂J/∂w.
    batch_size : int
        Samples per mini-batch.
    seed : int
        Seed of the weight initialisation and the per-epoch shuffling.
    optimizer : str
        ``sgd`` (plain gradient descent w ← w − λ ∂J/∂w), ``momentum``, ``nesterov``,
        ``rmsprop``, ``adam`` or ``adamw``.
    loss : str
        Training loss: ``mse`` (J = 1/(2m) Σ(ŷ−y)²), ``mae`` or ``huber``.
    momentum : float
        μ of ``momentum`` and ``nesterov``.
    weight_decay : float
        Decoupled weight decay of ``adamw`` (weights only, not biases).
    l2 : float
        L2 penalty (l2/2)·Σ‖W‖² on the weights, independent of the batch size.
    clip_norm : float
        Clip the global gradient norm to this value; 0 turns clipping off.
    schedule : str
        Learning rate per epoch: ``constant``, ``step``, ``exponential``, ``cosine`` or
        ``reduce_on_plateau``.
    decay_factor : float
        γ of ``step`` and ``exponential``; the factor of ``reduce_on_plateau``.
    decay_every : int
        Epochs between the decays of ``step``.
    schedule_patience : int
        Epochs without improvement before ``reduce_on_plateau`` reduces the rate.
    min_learning_rate : float
        Floor of ``cosine`` and ``reduce_on_plateau``.
    early_stopping_patience : int
        Stop after this many epochs without a better validation loss and restore the best
        weights; 0 turns early stopping off.
    min_delta : float
        The improvement that counts for early stopping.
    huber_delta : float
        δ of the Huber loss.
    area_weighted : bool
        Weight each sample's loss by its cell's area (pointwise mode; the default), so that
        the many small polar cells do not dominate training and the loss is the area-weighted
        MSE the scores report. Left out in field mode, it is false there (a field sample is a
        whole map); given true in field mode, it is refused.
    checkpoint_every : int
        Save a checkpoint (``RUN_DIR/checkpoint.npz``) every this many epochs, for
        ``climann train --resume``; 0: only when interrupted (SIGINT, SIGTERM).
    ensemble : int
        Members of an ensemble of networks (≥ 1): each trained on the same prepared data
        with seeds seed, seed + 1, …, seed + ensemble − 1 (its initial weights and batch
        order); predictions are their mean, their spread the standard deviation. 1 (the
        default) trains one network, as without the key. In this process only (no dask
        cluster, no streamed data), and not resumable (no checkpoints are written).
    """

    epochs: int = 15
    learning_rate: float = 1e-3
    batch_size: int = 256
    seed: int = 0
    optimizer: str = "adam"
    loss: str = "mse"
    momentum: float = 0.9
    weight_decay: float = 0.0
    l2: float = 0.0
    clip_norm: float = 0.0
    schedule: str = "constant"
    decay_factor: float = 0.5
    decay_every: int = 10
    schedule_patience: int = 3
    min_learning_rate: float = 0.0
    early_stopping_patience: int = 0
    min_delta: float = 0.0
    huber_delta: float = 1.0
    area_weighted: bool = True
    checkpoint_every: int = 1
    ensemble: int = 1


#: The baselines the network is compared with (see :mod:`climann.evaluation.baselines`).
BASELINES = ("climatology", "persistence", "linear")

#: Values of ``[data] overlap`` (see :mod:`climann.data.time_overlap`).
OVERLAP_CHOICES = ("error", "first", "last")


@dataclass(frozen=True)
class EvaluationConfig:
    """What a run scores and draws after training.

    Attributes
    ----------
    baselines : tuple of str
        Baselines scored beside the network: any of ``climatology``, ``persistence``,
        ``linear``. Every model is scored on the samples where all of them are present, and
        ``skill_vs_climatology`` needs ``climatology``.
    figures : bool
        Draw the figures into ``figures/`` (``climann plot`` draws them later otherwise).
    dpi : int
        Resolution of the figures in dots per inch.
    regions : dict of str to list of float, or None
        Regions scored separately, ``{tropics = [-20, 20, 0, 360], pacific = [-30, 30, 150,
        -90]}``: boxes [lat_min, lat_max, lon_min, lon_max] in degrees, either longitude
        convention, lon_min > lon_max crossing the dateline. "auto" (the default): the tropics
        (|lat| ≤ 20), the northern (lat > 20) and the southern (lat < -20) extratropics.
    named_regions : tuple of str
        IPCC regions scored separately, by abbreviation or name from the sets shipped inside
        regionmask (pip install "climann[regions]"): ["NEU", "srex:MED", "giorgi:WAF",
        "prudence:BI"]; no prefix: srex (the IPCC SREX/AR5 regions).
    climatology_window_days : int
        The days of the year over which the climatology of daily and sub-daily data (the
        ``climatology`` baseline, the ACC's reference, ``[data] target_anomaly``'s) is smoothed:
        an odd number from 1 to 359, WeatherBench 2's triangular 61-day window by default
        (:func:`climann.evaluation.baselines.climatology_from_sums`); 1: the raw mean of each day
        of year (and hour) over the training years. Monthly climatologies are not smoothed.
    """

    baselines: tuple[str, ...] = BASELINES
    figures: bool = True
    dpi: int = 150
    regions: dict[str, tuple[float, ...]] | None = None
    named_regions: tuple[str, ...] = ()
    climatology_window_days: int = CLIMATOLOGY_WINDOW_DAYS


@dataclass(frozen=True)
class ComputeConfig:
    """Where the computation runs: in this process (the default) or on a dask cluster.

    Attributes
    ----------
    scheduler : str
        Address of a running dask scheduler, e.g. ``tcp://host:8786``: train on its cluster.
    workers : int
        Start a local cluster of this many worker processes (0: no cluster).
    threads_per_worker : int
        Threads of each local worker process.
    memory_limit_gb : float
        Memory of each local worker; beyond it dask spills chunks to disk (0: dask's
        default, the machine's memory shared among the workers).
    chunk_mb : float
        Largest chunk (a block of time steps) that one task reads and holds, in MiB.
    connect_timeout : float
        Seconds to wait for the scheduler before giving up.
    sync_every : int
        Mini-batch training on a cluster is local SGD: each worker steps through its chunk
        and the weights are averaged every ``sync_every`` steps; 0 (the default): after each
        whole chunk (fewest exchanges; as accurate as one process on the sample).
    chunks_per_round : int
        With ``sync_every = 0``: whole chunks each worker steps through between two averages
        (fewer rounds, less waiting for the cluster); 0 (the default): automatic, rounds of
        about 1000 steps of each worker (at least one chunk, at most its whole share of an
        epoch).
    scale_learning_rate : bool
        Local SGD on K workers: each steps at K × ``[training] learning_rate`` (and the
        schedule's rate of each epoch), the linear scaling rule, since the averaged model takes
        K times fewer steps than one process (the default, true); false: at the same rate.
    chunks_to_replicas : str
        Local SGD on K workers: ``"dealt"`` (the default), the chunks dealt out to the
        workers' replicas in a new seeded order each epoch, so that each trains on other
        months every epoch; ``"fixed"``, chunk k to replica k mod K every epoch (as runs
        trained before 4 December 2026, and their checkpoints resume).
    """

    scheduler: str = ""
    workers: int = 0
    threads_per_worker: int = 1
    memory_limit_gb: float = 0.0
    chunk_mb: float = 32.0
    connect_timeout: float = 10.0
    sync_every: int = 0
    chunks_per_round: int = 0
    scale_learning_rate: bool = True
    chunks_to_replicas: str = "dealt"


@dataclass(frozen=True)
class RunConfig:
    """The whole configuration of one run: one attribute per section."""

    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    training: TrainingConfig = field(default_factory=TrainingConfig)
    evaluation: EvaluationConfig = field(default_factory=EvaluationConfig)
    compute: ComputeConfig = field(default_factory=ComputeConfig)


#: Section name → its dataclass, in file order: the fields of :class:`RunConfig`.
SECTIONS: dict[str, type] = {
    section.name: typing.get_type_hints(RunConfig)[section.name] for section in dataclasses.fields(RunConfig)
}

_CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    ("data", "mode"): ("pointwise", "field"),
    ("data", "field_inputs"): ("mean", "flatten"),
    ("data", "overlap"): OVERLAP_CHOICES,
    ("data", "season_dated_by"): SEASON_DATINGS,
    ("data", "selection_dated_by"): SEASON_DATINGS,
    ("data", "cell_edges"): CELL_EDGES,
    ("model", "dtype"): ("float32", "float64"),
    ("training", "optimizer"): tuple(OPTIMIZERS),
    ("training", "loss"): tuple(LOSSES),
    ("training", "schedule"): tuple(SCHEDULES),
    ("compute", "chunks_to_replicas"): CHUNKS_TO_REPLICAS,
}


def load_config_file(path: str | Path) -> dict[str, dict[str, Any]]:
    """Read a TOML configuration file into a plain nested dictionary.

    Parameters
    ----------
    path : str or Path
        The TOML file.

    Returns
    -------
    dict
        ``{section: {key: value}}`` exactly as written (not yet validated).

    Raises
    ------
    ClimannError
        If the file is missing, unreadable or not valid TOML.
    """
    path = Path(path)
    try:
        with path.open("rb") as stream:
            return tomllib.load(stream)
    except FileNotFoundError:
        raise ClimannError(f"config file not found: {path}") from None
    except tomllib.TOMLDecodeError as error:
        raise ClimannError(f"config file {path} is not valid TOML: {error}") from None
    except OSError as error:
        raise ClimannError(f"cannot read config file {path}: {error.strerror}") from None


def refuse_config_without_data(settings: dict, source: str | Path, *, command: str = "train") -> None:
    """Refuse the settings of a config file that name no data to train on.

    ``data/sample.nc`` (:data:`DEFAULT_SAMPLE_PATH`) is the default of ``[data] paths`` for
    ``climann train`` without a config file only (the demo). A config file without ``paths``
    (nor ``split_files``) is most often ``climann info DIR > my.toml`` where info found no
    config to print (the file holds only comments): training on the demo sample instead of the
    user's data, scored and reported as theirs, would be silently wrong.

    Parameters
    ----------
    settings : dict
        ``{section: {key: value}}``: the file's settings with the command line's merged in.
    source : str or Path
        The config file, as named in the message.
    command : str
        ``train`` (whose ``--data`` also names data) or ``sweep`` (whose data are only its file's
        or its ``base`` file's: it has no ``--data``, rerun42 N3).

    Raises
    ------
    ClimannError
        If ``[data]`` gives neither ``paths`` nor ``split_files``.
    """
    data = settings.get("data")
    if isinstance(data, dict) and (data.get("paths") or data.get("split_files")):
        return
    what = "no [data] section" if not isinstance(data, dict) else "no paths in its [data] section"
    if command == "sweep":  # climann sweep takes --runs and --quiet only: the data are the file's
        raise ClimannError(
            f"sweep file {source} (with its [sweep] base, if any) has {what}, so it names no data to train on: "
            "add [data] with paths = [\"my_data/*.nc\"] and target = \"VARIABLE\" to it (climann sweep takes every "
            "setting from the file and its [sweep] base = \"CONFIG.toml\"; its only options are --runs and --quiet); "
            "the sample "
            f"{DEFAULT_SAMPLE_PATH} is no sweep's default")
    raise ClimannError(
        f"config file {source} has {what}, so it names no data to train on: add paths = [\"my_data/*.nc\"] under "
        f"[data] (or give --data 'my_data/*.nc'); the sample {DEFAULT_SAMPLE_PATH} is the default only without "
        "--config (a file from climann info that ends in '# No config to start from: …' says why info made none)")


def merge_settings(base: dict, overrides: dict) -> dict:
    """Return ``base`` with the section keys of ``overrides`` replacing its own.

    Values of ``None`` in ``overrides`` mean "not given" and are skipped.
    """
    merged = {section: dict(values) for section, values in base.items()}
    for section, values in overrides.items():
        for key, value in values.items():
            if value is not None:
                merged.setdefault(section, {})[key] = value
    return merged


def refuse_conflicting_assignments(
    assigned: dict[str, dict[str, Any]], flags: dict[str, dict[str, Any]], *,
    flag_names: dict[str, str] | None = None,
) -> None:
    """Refuse a key that ``--set`` and a flag both give, with different values (break30b A4:
    ``--set training.epochs=4 --epochs 3`` trained 3 epochs without a word).

    Equal values are accepted, also when written differently (``--hidden 32,32`` and
    ``--set model.hidden=[32, 32]``): both are compared as :func:`build_config` reads them.

    Parameters
    ----------
    assigned : dict
        ``{section: {key: value}}`` of ``--set`` (:func:`parse_assignments`).
    flags : dict
        ``{section: {key: value}}`` of the flags; ``None``: not given.
    flag_names : dict, optional
        ``"section.key"`` → the flag that sets it, where that is not ``--key`` with dashes
        (``"data.paths"`` → ``"--data"``).

    Raises
    ------
    ClimannError
        Naming the first such key, both values and the way out: give one of them.
    """
    for section, values in assigned.items():
        for key, value in values.items():
            given = flags.get(section, {}).get(key)
            if given is None or _same_setting(section, key, value, given):
                continue
            flag = (flag_names or {}).get(f"{section}.{key}", "--" + key.replace("_", "-"))
            raise ClimannError(
                f"--set {section}.{key}={_toml_text(value)} and {_flag_text(flag, given)} both set [{section}] {key}, "
                f"to different values: give one of them")


def _same_setting(section: str, key: str, one: Any, other: Any) -> bool:
    """Whether two values of one key are the same setting once read (``"32,32"`` is ``[32, 32]``);
    values that cannot be read alone are compared as given."""
    if one == other:
        return True
    try:
        read = [getattr(getattr(build_config({section: {key: value}}), section), key) for value in (one, other)]
    except (ClimannError, AttributeError, TypeError, ValueError):
        return False
    return read[0] == read[1]


def _toml_text(value: Any) -> str:
    """A ``--set`` value as written back: TOML's quoted strings, lists and booleans."""
    return json.dumps(value) if not isinstance(value, bool) else str(value).lower()


def _flag_text(flag: str, value: Any) -> str:
    """A flag as typed: ``--epochs 3``, ``--no-target-anomaly``, a repeated flag's values one
    after the other."""
    if isinstance(value, bool):
        return flag if value else "--no-" + flag.removeprefix("--")
    return f"{flag} {' '.join(map(str, value)) if isinstance(value, list | tuple) else value}"


def parse_assignments(assignments: list[str]) -> dict[str, dict[str, Any]]:
    """``["training.momentum=0.8", "data.region=[-30, 30, 0, 360]"]`` → nested settings.

    Values are read as TOML values (numbers, booleans, lists, inline tables, quoted
    strings); anything else is taken as a plain string.

    Raises
    ------
    ClimannError
        For an assignment that is not ``SECTION.KEY=VALUE``.
    """
    settings: dict[str, dict[str, Any]] = {}
    for assignment in assignments:
        name, sign, text = assignment.partition("=")
        section, dot, key = name.strip().partition(".")
        if not (sign and dot and section and key):
            raise ClimannError(f"--set '{assignment}' is not of the form SECTION.KEY=VALUE")
        try:
            value = tomllib.loads(f"value = {text.strip()}")["value"]
        except tomllib.TOMLDecodeError:
            value = text.strip()
        settings.setdefault(section, {})[key.strip()] = value
    return settings


def build_config(settings: dict[str, Any]) -> RunConfig:
    """Validate a nested settings dictionary and build the frozen configuration.

    Parameters
    ----------
    settings : dict
        ``{section: {key: value}}``; missing keys take their defaults.

    Returns
    -------
    RunConfig

    Raises
    ------
    ClimannError
        For an unknown section or key (naming the closest valid one), a value of the wrong
        type, or a value out of range.
    """
    _reject_unknown(settings.keys(), SECTIONS, "section")
    data = settings.get("data")
    if isinstance(data, dict) and data.get("split_files") and "paths" not in data:
        # With a split by dataset every file may belong to a block: no default sample path.
        settings = {**settings, "data": {**data, "paths": []}}
    sections = {}
    for name, schema in SECTIONS.items():
        values = settings.get(name, {})
        if not isinstance(values, dict):
            raise ClimannError(f"[{name}] must be a table of keys, got {values!r}")
        sections[name] = _build_section(name, schema, values, settings=settings)
    config = RunConfig(**sections)
    config = dataclasses.replace(config, data=_home_expanded_paths(config.data))
    if config.data.mode == "field" and "area_weighted" not in settings.get("training", {}):
        # the default (true) applies to pointwise samples only
        config = dataclasses.replace(config, training=dataclasses.replace(config.training, area_weighted=False))
    _check_ranges(config)
    return config


def derived_inputs(data: DataConfig) -> bool:
    """Whether ``data`` asks for inputs besides its predictors and features: lags
    (``<name>_lag<k>``), area means (``<name>_global_mean``, ``<name>_mean_<region>``) or
    anomalies (``<name>_anomaly``), each an input column of its own."""
    return bool(data.lags or data.global_means or data.regional_means or data.anomalies)


def lag_steps_needed(data: DataConfig) -> int:
    """How many steps before a time step its features and baselines read: the largest of
    ``[data] lags`` (``{"tas": [1, 12]}`` → 12), at least 1 (persistence, the target one
    step earlier)."""
    return max([1, *(lag for lags in data.lags.values() for lag in lags)])


def steps_read_before_range(data: DataConfig) -> int:
    """How many of the files' steps before ``time_range`` a run reads (``[data]
    steps_before_range``; "auto": :func:`lag_steps_needed`), 0 without ``step_before_range``."""
    if not data.step_before_range:
        return 0
    return data.steps_before_range if data.steps_before_range is not None else lag_steps_needed(data)


def with_steps_before_range(config: RunConfig, *, read: int | None = None) -> RunConfig:
    """``config`` with ``[data] steps_before_range`` resolved (:func:`steps_read_before_range`):
    a run records the number of steps it read in its checkpoint and ``config.toml``. ``read``:
    the number its files were read with (:func:`climann.workflow.preparation.steps_asked_before_range`),
    which "auto" raises above the lags' for a forecast's persistence
    (:func:`climann.workflow.preparation.forecast_steps_before`: 3 weekly steps at a lead of 14
    days, recorded as 1 before fix47c)."""
    number = steps_read_before_range(config.data)
    if read is not None and config.data.steps_before_range is None:
        number = max(number, read)
    return dataclasses.replace(config, data=dataclasses.replace(config.data, steps_before_range=number))


def _home_expanded_paths(data: DataConfig) -> DataConfig:
    """``[data] paths`` and ``split_files`` with a leading ``~`` made the home folder, as the
    shell would (:func:`climann.data.paths.home_expanded`): a quoted ``--data '~/obs.nc'`` or
    ``paths = ["~/era5/*.nc"]`` names the user's files, and the run's config.toml records them so.
    (``rename`` patterns are expanded where they are matched, :mod:`climann.data.renames`.)"""
    return dataclasses.replace(
        data, paths=tuple(map(home_expanded, data.paths)),
        split_files={block: tuple(map(home_expanded, patterns)) for block, patterns in data.split_files.items()})


def _did_you_mean(word: str, valid: Any) -> str:
    """``"; did you mean 'adam'?"`` for the closest of ``valid`` names, or ``""``."""
    close = difflib.get_close_matches(word, list(valid), n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


def _reject_unknown(keys: Any, valid: Any, what: str, section: str | None = None) -> None:
    for key in keys:
        if key not in valid:
            where = f"[{section}] " if section else ""
            close = difflib.get_close_matches(key, list(valid), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise ClimannError(
                f"unknown {what} {where}'{key}'; valid: {', '.join(valid)}{hint}"
            )


#: What a key's value is, said when it cannot be read: a named region ("NEU") is no box.
_VALUE_IS = {
    ("data", "region"): (
        "region is 4 numbers in degrees, south,north,west,east (e.g. --region 35,72,-10,40; "
        "[data] region = [35, 72, -10, 40]); a region by name (an IPCC region such as NEU) is not selected but "
        "scored separately: [evaluation] named_regions = [\"NEU\"] (--set 'evaluation.named_regions=[\"NEU\"]')"
    ),
}


def _build_section(name: str, schema: type, values: dict[str, Any], *, settings: dict[str, Any]) -> Any:
    fields = {f.name: f for f in dataclasses.fields(schema)}
    _reject_unknown(values.keys(), fields, "key", section=name)
    hints = typing.get_type_hints(schema)
    if name == "data" and "select" in values:  # before a TOML list's type is refused without saying why
        _refuse_listed_values(values["select"], "[data] select", settings=settings)
    converted = {}
    for key, value in values.items():
        try:
            converted[key] = _convert(value, hints[key], f"[{name}] {key}")
        except ClimannError as error:
            if (name, key) not in _VALUE_IS:
                raise
            raise ClimannError(f"[{name}] {key}: {value!r} is not a box of numbers: {_VALUE_IS[name, key]}") from error
    if name == "data" and "select" in converted:  # also a list written as a quoted text: --select 'number="2,4"'
        _refuse_listed_values(converted["select"], "[data] select", settings=settings)
    return schema(**converted)


def parse_selection(assignments: list[str] | None, *, command: str | None = None) -> dict[str, int | float | str]:
    """``["realization=2"]`` → ``{"realization": 2}``: ``--select`` of ``info``, ``predict`` and
    ``evaluate``, read as ``[data] select`` is: each value as it is written, a whole number
    as an integer (``5``, not ``5.0``, in messages and in ``config.toml``), a decimal as a
    float (``2.5``, ``2.0``), anything else as a string (``010``: TOML numbers have no leading
    zeros; see :func:`_command_line_word`). ``command`` (``info``) names the command in the
    refusal of several values.

    Raises
    ------
    ClimannError
        For an item that is not ``DIM=VALUE``, or one that gives several values of a dimension
        (``number=2,4``; :mod:`climann.data.selection_lists`).
    """
    selection = _convert(list(assignments or ()), dict[str, int | float | str], "--select")
    _refuse_listed_values(selection, "--select", command=command)
    return selection


def _refuse_listed_values(selection: object, where: str, *, command: str | None = None,
                          settings: dict[str, Any] | None = None) -> None:
    """Refuse a selection that gives several values of one dimension (``number=2,4``, ``{number =
    [2, 4]}``): it keeps one value each, and pint read ``2,4`` as 2 × 4 (break42c A1). ``settings``:
    the run's, written into the sweep file the refusal advises (:func:`_sweep_file_settings`)."""
    if isinstance(selection, str):
        selection = [selection]
    if isinstance(selection, (list, tuple)):  # the command line's DIM=VALUE items
        selection = dict(_split_assignment(item, where) for item in selection if isinstance(item, str) and item.strip())
    if not isinstance(selection, dict):
        return  # not a table: refused as such by _convert
    for dim, value in selection.items():
        values = listed_values(value)
        if values is not None:
            others = {key: item for key, item in selection.items() if key != dim}
            sweep_lines = None if settings is None else _sweep_file_settings(settings)
            raise ClimannError(several_values_message(str(dim), values, where=where, command=command,
                                                      others=others, run_lines=sweep_lines))


def _sweep_file_settings(settings: dict[str, Any]) -> list[str]:
    """The TOML lines of a run's ``settings`` (its config file's and the command line's) but its
    selection, ``[data]`` first, for a sweep file over ``data.select``: ``climann sweep`` takes
    every setting from its file (rerun42 N3: a sweep file of only ``[sweep]`` names no data, and
    ``sweep`` has no ``--data``). Without ``paths`` nor ``split_files`` the run reads the sample
    (:data:`DEFAULT_SAMPLE_PATH`), which a sweep file names."""
    data = {key: value for key, value in (settings.get("data") or {}).items() if key != "select" and value is not None}
    if not data.get("paths") and not data.get("split_files"):
        data = {"paths": [DEFAULT_SAMPLE_PATH], **data}
    lines = ["[data]", *(f"{key} = {_toml_value(_plain(value))}" for key, value in data.items())]
    for section, values in settings.items():
        given = {key: value for key, value in (values or {}).items() if value is not None}
        if section != "data" and isinstance(values, dict) and given:
            lines += [f"[{section}]", *(f"{key} = {_toml_value(_plain(value))}" for key, value in given.items())]
    return lines


def _plain(value: Any) -> Any:
    """``value`` with paths as text (``--data`` may give :class:`~pathlib.Path`), for :func:`_toml_value`."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return str(value) if isinstance(value, os.PathLike) else value


def _split_assignment(text: str, where: str) -> tuple[str, str]:
    """The command line's ``key=value`` form of one dictionary entry."""
    key, sign, value = text.partition("=")
    if not sign or not key.strip():
        raise ClimannError(f"{where}: '{text}' is not of the form KEY=VALUE")
    return key.strip(), value.strip()


def _convert(value: Any, annotation: Any, where: str) -> Any:
    """Check one value against its annotated type; return it in canonical form."""
    origin = typing.get_origin(annotation)
    arguments = typing.get_args(annotation)
    if origin in (types.UnionType, typing.Union) and type(None) in arguments:
        # "not given" (None) is written "auto" in files and on the command line
        if value is None or value == AUTO:
            return None
        (annotation,) = [member for member in arguments if member is not type(None)]
        return _convert(value, annotation, where)
    if origin in (types.UnionType, typing.Union):
        if isinstance(value, str) and str in arguments:  # a TOML string stays a string: "001" is not 1
            return value
        for member in typing.get_args(annotation):
            try:
                word = _parse_word(value, member, where) if isinstance(value, str) else value
                return _convert(word, member, where)
            except ClimannError:
                continue
        names = " or ".join(member.__name__ for member in typing.get_args(annotation))
        raise ClimannError(f"{where} must be {names}, got {value!r}")
    if origin is dict:
        value_type = typing.get_args(annotation)[1]
        if isinstance(value, str):
            value = [value]
        if isinstance(value, (list, tuple)):  # the command line's KEY=VALUE form
            if not all(isinstance(item, str) for item in value):  # a TOML list of lists: not a table
                raise ClimannError(f"{where} must be a table {{key = value}} (KEY=VALUE on the command line), "
                                   f"got {value!r}")
            pairs = (_split_assignment(item, where) for item in value if str(item).strip())
            value = {key: _command_line_word(word, value_type) for key, word in pairs}
        if not isinstance(value, dict):
            raise ClimannError(f"{where} must be a table {{key = value}}, got {value!r}")
        return {str(key): _convert(item, value_type, f"{where}.{key}") for key, item in value.items()}
    if origin is tuple:
        item_type = typing.get_args(annotation)[0]
        if isinstance(value, str):  # the command line's comma-separated form: "64,64"
            value = [_parse_word(part.strip(), item_type, where) for part in value.split(",")]
            value = [item for item in value if item != ""]
        if not isinstance(value, (list, tuple)):
            raise ClimannError(f"{where} must be a list, got {value!r}")
        return tuple(_convert(item, item_type, where) for item in value)
    if annotation is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    expected = annotation if isinstance(annotation, type) else object
    if isinstance(value, bool) and expected is not bool or not isinstance(value, expected):
        raise ClimannError(
            f"{where} must be of type {expected.__name__}, got {type(value).__name__} {value!r}"
        )
    return value


def _command_line_word(word: str, value_type: Any) -> Any:
    """One value of the command line's ``KEY=VALUE`` form, for a table of ``value_type``: read
    as the same text would be in a TOML file when a value may be a number or a string
    (``int | float | str``): ``5`` and ``-2`` are integers, ``2.5`` and ``1e3`` floats, as TOML's
    grammar writes them, a quoted TOML string (``"11240"``, ``'2'``) the text within the quotes,
    as a name (a station named by digits), and anything else is the string as typed (``010`` and
    ``+01`` are labels, not 10 and 1: TOML allows no leading zeros); unchanged for other tables."""
    if not (typing.get_origin(value_type) in (types.UnionType, typing.Union) and str in typing.get_args(value_type)):
        return word
    try:
        number = tomllib.loads(f"value = {word}")["value"]
    except (tomllib.TOMLDecodeError, KeyError):
        return word
    return number if isinstance(number, (int, float, str)) and not isinstance(number, bool) else word


def _parse_word(word: str, item_type: type, where: str) -> Any:
    if item_type is str or word == "":
        return word
    try:
        return item_type(word)
    except ValueError:
        # "tas=1,ts=1" read as one variable's list: each NAME=VALUES pair is its own option
        hint = ("; give each NAME=VALUES pair its own option or key (e.g. --lags tas=1 --lags ts=1)"
                if "=" in word else "")
        raise ClimannError(f"{where}: '{word}' is not a valid {item_type.__name__}{hint}") from None


def check_overlap(value: str) -> str:
    """``value`` if it is one of :data:`OVERLAP_CHOICES` (for ``--overlap`` of commands
    without a config file).

    Raises
    ------
    ClimannError
    """
    if value not in OVERLAP_CHOICES:
        raise ClimannError(f"--overlap '{value}' is not one of: {', '.join(OVERLAP_CHOICES)}")
    return value


def _check_ranges(config: RunConfig) -> None:
    data, model, training = config.data, config.model, config.training
    for (section, key), choices in _CHOICES.items():
        value = getattr(getattr(config, section), key)
        if value not in choices:
            raise ClimannError(f"[{section}] {key} = '{value}' is not one of: {', '.join(choices)}"
                               f"{_did_you_mean(str(value), choices)}")
    if not data.paths and not data.split_files:
        raise ClimannError("[data] paths is empty: give at least one NetCDF file or glob")
    if not data.target:
        raise ClimannError("[data] target is empty: name the variable to predict")
    _reject_unknown(data.features or (), DERIVED_FEATURES, "feature", section="data")
    # lags, area means and anomalies are inputs of their own (break54d A7: global_means alone)
    if data.predictors == () and data.features == () and not derived_inputs(data):
        raise ClimannError("no inputs: give at least one of [data] predictors, features, lags, global_means, "
                           "regional_means or anomalies")
    if data.target in (data.predictors or ()):
        raise ClimannError(f"the target '{data.target}' is also listed as a predictor")
    _check_split(data.split_fractions)
    _check_data_selection(data)
    if data.steps_before_range is not None and data.steps_before_range < 0:
        raise ClimannError(f"[data] steps_before_range must be ≥ 0 (or \"auto\"), got {data.steps_before_range}")
    _check_model_names(model)
    if any(width < 1 for width in model.hidden):
        raise ClimannError(f"[model] hidden widths must be ≥ 1, got {list(model.hidden)}")
    if training.epochs < 1:
        raise ClimannError(f"[training] epochs must be ≥ 1, got {training.epochs}")
    if training.batch_size < 1:
        raise ClimannError(f"[training] batch_size must be ≥ 1, got {training.batch_size}")
    if training.ensemble < 1:
        raise ClimannError(f"[training] ensemble must be ≥ 1 (the number of networks; 1: a single one), "
                           f"got {training.ensemble}")
    _check_training_options(training)
    _check_evaluation(config.evaluation)
    if data.mode == "field" and training.area_weighted:
        raise ClimannError("[training] area_weighted applies to mode = \"pointwise\" (field outputs are whole maps)")
    if not (math.isfinite(training.learning_rate) and training.learning_rate > 0):
        raise ClimannError(
            f"[training] learning_rate must be a positive number, got {training.learning_rate}"
        )
    _check_compute(config.compute, data)


def _check_compute(compute: ComputeConfig, data: DataConfig) -> None:
    """Ranges of ``[compute]``; a cluster needs pointwise samples."""
    if compute.scheduler and compute.workers:
        raise ClimannError("[compute] give either scheduler (an existing cluster) or workers (a local one), not both")
    if compute.workers < 0 or compute.threads_per_worker < 1:
        raise ClimannError("[compute] workers must be ≥ 0 and threads_per_worker ≥ 1")
    if compute.sync_every < 0:
        raise ClimannError(f"[compute] sync_every must be ≥ 0 (0: average after each whole chunk), got "
                           f"{compute.sync_every}")
    if compute.chunks_per_round < 0 or (compute.sync_every and compute.chunks_per_round > 1):
        raise ClimannError(f"[compute] chunks_per_round must be ≥ 0 (0: automatic), and 0 or 1 when sync_every > 0 "
                           f"(rounds within a chunk), got {compute.chunks_per_round}")
    for key in ("chunk_mb", "connect_timeout"):
        if not getattr(compute, key) > 0:
            raise ClimannError(f"[compute] {key} must be > 0, got {getattr(compute, key)}")
    if not compute.memory_limit_gb >= 0:
        raise ClimannError(f"[compute] memory_limit_gb must be ≥ 0, got {compute.memory_limit_gb}")
    if (compute.scheduler or compute.workers) and data.mode != "pointwise":
        raise ClimannError('[compute] a dask cluster (scheduler or workers) needs [data] mode = "pointwise"')
    if (compute.scheduler or compute.workers) and data.target_anomaly:
        raise ClimannError("[compute] a dask cluster cannot train on [data] target_anomaly yet: drop one of the two")


def _check_model_names(model: ModelConfig) -> None:
    """Check names against the model layer's own tables, so that a typo fails before any
    data are read."""
    checks = {
        "activation": get_activation,
        "output_activation": get_activation,
        "init": get_initializer,
    }
    for key, lookup in checks.items():
        try:
            lookup(getattr(model, key))
        except ClimannError as error:
            raise ClimannError(f"[model] {key}: {error}") from None


def _check_data_selection(data: DataConfig) -> None:
    """Ranges of the subsetting, feature and split options of ``[data]``."""
    problems = []
    if data.region and len(data.region) != 4:
        problems.append(f"region needs 4 numbers, south, north, west, east; got {len(data.region)}: "
                        f"{list(data.region)}")
    elif data.region and any(abs(lat) > 90 for lat in data.region[:2]):
        problems.append(f"region must be [south, north, west, east] with |latitude| ≤ 90, got {list(data.region)}")
    elif data.region and data.region[0] > data.region[1]:
        problems.append(f"region: south {data.region[0]:g} is north of north {data.region[1]:g}; "
                        "give south first: [south, north, west, east]")
    if data.time_range and len(data.time_range) != 2:
        problems.append(f"time_range must be [first, last], got {list(data.time_range)}")
    if any(not 1 <= month <= 12 for month in data.months):
        problems.append(f"months must be 1–12, got {list(data.months)}")
    bad_seasons = [s for s in data.seasons if s.upper() not in ("DJF", "MAM", "JJA", "SON")]
    if bad_seasons:
        problems.append(f"seasons must be DJF, MAM, JJA or SON, got {bad_seasons}")
    if data.time_stride < 1 or data.grid_stride < 1:
        problems.append("time_stride and grid_stride must be ≥ 1")
    if not data.in_memory_limit_gb > 0:
        problems.append(f"in_memory_limit_gb must be > 0, got {data.in_memory_limit_gb}")
    if not 0 < data.sample_fraction <= 1:
        problems.append(f"sample_fraction must be in (0, 1], got {data.sample_fraction}")
    if any(lag < 1 for steps in data.lags.values() for lag in steps):
        problems.append(f"lags must be ≥ 1 time step, got {data.lags}")
    if data.split_gap_years < 0:
        problems.append(f"split_gap_years must be ≥ 0, got {data.split_gap_years}")
    if data.split_years:
        if set(data.split_years) != {"train", "val", "test"} or any(
            len(r) != 2 or r[0] > r[1] for r in data.split_years.values()
        ):
            problems.append(
                "split_years must be {train = [first, last], val = [first, last], test = [first, last]}, "
                f"got {data.split_years}"
            )
    problems += _split_files_problems(data)
    for name, values in data.regional_means.items():
        if (not values or len(values) % 4 or any(abs(lat) > 90 for i, lat in enumerate(values) if i % 4 < 2)
                or any(values[i] > values[i + 1] for i in range(0, len(values) - 1, 4))):
            problems.append(
                f"regional_means.{name} must be [south, north, west, east] (|latitude| ≤ 90, south ≤ north), "
                f"or several such boxes one after another; got {list(values)}"
            )
    if data.mode == "field" and data.sample_fraction < 1:
        problems.append("sample_fraction applies to mode = \"pointwise\" only (a field sample is a whole map)")
    if data.target_anomaly and data.mode != "pointwise":
        problems.append('target_anomaly needs mode = "pointwise" (field mode does not subtract the climatology yet)')
    if data.target in data.anomalies:
        problems.append(f"anomalies: the target '{data.target}' at the same time step would hand the network the "
                        f"answer; lag it instead (lags = {{{data.target} = [1]}})")
    if problems:
        raise ClimannError(f"[data] {problems[0]}")


def _split_files_problems(data: DataConfig) -> list[str]:
    """What is wrong with a split by dataset, if one is configured."""
    if not data.split_files:
        return []
    if set(data.split_files) != {"train", "val", "test"} or not all(data.split_files.values()):
        blocks = ("train", "val", "test")
        missing = [name for name in blocks if not data.split_files.get(name)]
        unknown = [name for name in data.split_files if name not in blocks]
        wrong = "; ".join([*([f"no files for {', '.join(missing)}"] if missing else []),
                           *([f"no block {', '.join(unknown)}"] if unknown else [])])
        # a block of another name ("valid") is named as the fix; a block not given at all gets the way to one
        way = _validation_block_way(data.split_files.get("train", ())) if "val" in missing and not unknown else ""
        return [
            'split_files must give files for each block: {train = ["…"], val = ["…"], test = ["…"]}; '
            f"{wrong} (got {_split_files_text(data.split_files)}){way}"
        ]
    if data.split_years or data.split_gap_years:
        return ["split_files splits by dataset: leave split_years and split_gap_years unset"]
    return []


def _validation_block_way(train: tuple[str, ...]) -> str:
    """How a split by dataset given train and test files only gets its validation block, the
    years that choose the epoch kept and are never trained on (not the test's, which would
    then score a model chosen on them): the last year or two of the train files, in files of
    their own. For one train file, the ``cdo splityear`` line that writes one file per year
    beside it; for several, the last of them (fix46c: a user with train.nc and test.nc was
    told only that val had no files)."""
    if len(train) == 1 and not any(mark in train[0] for mark in "*?["):
        path = Path(train[0])
        prefix = str(path.with_name(f"{path.stem}_"))
        from climann.data.shell import none_there_in_loop

        # CDO writes over a year's file there: none is, or nothing is written (followed twice)
        kept = none_there_in_loop(f"{shlex.quote(prefix)}[0-9][0-9][0-9][0-9].nc", '"$f"')
        return (f"; a validation block is the last year or two kept out of training: split the train file by year "
                f"(`{kept}cdo splityear {shlex.quote(train[0])} {shlex.quote(prefix)}` writes {prefix}YYYY.nc), "
                "then give "
                f"the last one or two as val and the rest as train (--split-files val={prefix}YYYY.nc)")
    return ("; a validation block is the last year or two kept out of training: give the last one or two of the train "
            "files as val (--split-files val=FILE) and the rest as train")


def _split_files_text(split_files: dict[str, tuple[str, ...]]) -> str:
    """``train = ["a.nc"], test = ["b.nc", "c.nc"]``: the files of each block as TOML writes them."""
    return ", ".join(f"{name} = [{', '.join(json.dumps(str(path)) for path in paths)}]"
                     for name, paths in split_files.items()) or "none"


def _check_training_options(training: TrainingConfig) -> None:
    """Ranges of the optimizer, regularisation, schedule and early-stopping settings."""
    non_negative = (
        "weight_decay", "l2", "clip_norm", "min_learning_rate", "min_delta", "early_stopping_patience",
        "checkpoint_every",
    )
    for key in non_negative:
        if not getattr(training, key) >= 0:
            raise ClimannError(f"[training] {key} must be ≥ 0, got {getattr(training, key)}")
    if not 0 <= training.momentum < 1:
        raise ClimannError(f"[training] momentum must be in [0, 1), got {training.momentum}")
    if not 0 < training.decay_factor <= 1:
        raise ClimannError(f"[training] decay_factor must be in (0, 1], got {training.decay_factor}")
    if training.decay_every < 1 or training.schedule_patience < 1:
        raise ClimannError("[training] decay_every and schedule_patience must be ≥ 1")
    if not training.huber_delta > 0:
        raise ClimannError(f"[training] huber_delta must be > 0, got {training.huber_delta}")


def _check_evaluation(evaluation: EvaluationConfig) -> None:
    _reject_unknown(evaluation.baselines, BASELINES, "baseline", section="evaluation")
    if len(set(evaluation.baselines)) != len(evaluation.baselines):
        raise ClimannError(f"[evaluation] baselines lists a baseline twice: {list(evaluation.baselines)}")
    window = evaluation.climatology_window_days
    if not (1 <= window <= 359 and window % 2 == 1):
        raise ClimannError(f"[evaluation] climatology_window_days must be an odd number of days from 1 to 359 (a "
                           f"window centred on each day of the year), got {window}: e.g. 61 (WeatherBench 2's) or 1 "
                           "(the raw mean of each day of year)")
    if not 10 <= evaluation.dpi <= 1200:
        raise ClimannError(f"[evaluation] dpi must be in 10–1200, got {evaluation.dpi}")
    from climann.evaluation.regions import box_problem, named_region_keys

    for name, box in (evaluation.regions or {}).items():
        problem = box_problem(box)
        if problem:
            raise ClimannError(f"[evaluation] regions.{name} {problem}")
    # named regions are checked now, not after training (regionmask is imported only then)
    keys = named_region_keys(evaluation.named_regions)
    spec = next((spec for spec, key in keys.items() if key in (evaluation.regions or {})), None)
    if spec is not None:
        raise ClimannError(f"[evaluation] regions has a box named {keys[spec]}, the name under which named_regions' "
                           f"{spec!r} is scored: rename the box (regions are keyed by name in metrics.json)")


def _check_split(fractions: tuple[float, ...]) -> None:
    if len(fractions) != 3 or any(not (0 < f < 1) for f in fractions):
        raise ClimannError(
            "[data] split_fractions must be three fractions in (0, 1) for train, val, test; "
            f"got {list(fractions)}"
        )
    if not math.isclose(sum(fractions), 1.0, abs_tol=1e-6):
        raise ClimannError(f"[data] split_fractions must add up to 1, got {sum(fractions):g}")


def config_to_dict(config: RunConfig) -> dict[str, dict[str, Any]]:
    """The configuration as ``{section: {key: value}}`` with lists for tuples and
    :data:`AUTO` for "not given" (None)."""
    return {
        name: {
            key: AUTO if value is None else _plain(value)
            for key, value in dataclasses.asdict(getattr(config, name)).items()
        }
        for name in SECTIONS
    }


def _plain(value: Any) -> Any:
    """Tuples as lists, recursively (the form TOML and JSON write)."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


#: The first line of :func:`config_to_toml` (``config show``, a run's ``config.toml``), 80
#: columns at most as every comment line climann prints: on an 80-column terminal a longer one
#: ends on the next line, outside the comment (copied from the screen, invalid TOML).
RESOLVED_HEADER = "# climann resolved configuration: `climann train --config FILE` reruns it."


def config_to_toml(config: RunConfig) -> str:
    """Serialise the configuration as TOML that :func:`load_config_file` reads back.

    The schema holds only strings, integers, floats and flat lists of them, so a small
    writer suffices (the standard library reads TOML but does not write it).
    """
    lines = [RESOLVED_HEADER]
    for section, values in config_to_dict(config).items():
        lines += ["", f"[{section}]"]
        lines += [f"{key} = {_toml_value(value)}" for key, value in values.items()]
    return "\n".join(lines) + "\n"


def _toml_value(value: Any) -> str:
    if isinstance(value, dict):
        entries = ", ".join(f"{json.dumps(str(key))} = {_toml_value(item)}" for key, item in value.items())
        return "{" + entries + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    # JSON string escapes are valid TOML basic-string escapes.
    return json.dumps(value, ensure_ascii=False)


def training_options(config: RunConfig) -> dict:
    """The ``[training]`` settings as the model layer's objects and keywords for
    :func:`climann.model.train` (optimizer, loss, schedule, early stopping, L2, clipping,
    epochs, batch size, seed): one translation for every run, in this process or on a cluster."""
    training = config.training
    optimizer_options = {
        "momentum": {"momentum": training.momentum},
        "nesterov": {"momentum": training.momentum},
        "adamw": {"weight_decay": training.weight_decay},
    }.get(training.optimizer, {})
    schedules = {
        "constant": Constant,
        "step": lambda: StepDecay(step_size=training.decay_every, gamma=training.decay_factor),
        "exponential": lambda: ExponentialDecay(gamma=training.decay_factor),
        "cosine": lambda: CosineDecay(min_learning_rate=training.min_learning_rate),
        "reduce_on_plateau": lambda: ReduceOnPlateau(
            factor=training.decay_factor, patience=training.schedule_patience,
            min_learning_rate=training.min_learning_rate,
        ),
    }
    schedules["plateau"] = schedules["reduce_on_plateau"]
    return {
        "optimizer": OPTIMIZERS[training.optimizer](learning_rate=training.learning_rate, **optimizer_options),
        "loss": Huber(delta=training.huber_delta) if training.loss == "huber" else training.loss,
        "schedule": schedules[training.schedule](),
        "early_stopping": (
            EarlyStopping(patience=training.early_stopping_patience, min_delta=training.min_delta)
            if training.early_stopping_patience else None
        ),
        "l2": training.l2,
        "clip_norm": training.clip_norm or None,
        "epochs": training.epochs,
        "batch_size": training.batch_size,
        "seed": training.seed,
    }
