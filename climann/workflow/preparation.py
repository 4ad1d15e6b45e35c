"""Data preparation for a run: open and subset the files, build samples, split, standardise.

Everything here turns ``[data]`` into arrays (or a lazy source for streaming); the pipeline
(:mod:`climann.workflow.pipeline`) trains on them and evaluates.
"""


from __future__ import annotations

import dataclasses
import datetime
import logging
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from climann.workflow.config import (
    DEFAULT_SAMPLE_PATH, DataConfig, RunConfig, build_config, lag_steps_needed, steps_read_before_range,
)
from climann.data.user_types import refuse_user_type_variables
from climann.data.area_fractions import with_whole_cell_area_means, with_whole_cell_weights
from climann.data.area_means import area_mean_features, area_mean_names, area_mean_requests
from climann.data.batches import estimated_bytes
from climann.data.climatology import monthly_climatology
from climann.data.composites import MONTH_PERIOD_NAMES
from climann.data.lags import check_strided_period_lags
from climann.data.coords import find_coordinate, time_coordinate
from climann.data.defaults import checked_training_steps, default_inputs, warn_run_outputs
from climann.data.field import FieldSamples, build_field_samples, refuse_static_target
from climann.data.layout import GridLayout
from climann.data.levels import levels_on_new_dimensions, training_levels_on_new_dimensions
from climann.data.flags import (refuse_codes_within_range, refuse_flag_features, refuse_flag_target,
                                warn_flag_predictors)
from climann.data.identifiers import warn_identifier_predictors
from climann.data.circular import refuse_direction_features, refuse_direction_target, warn_direction_predictors
from climann.data.value_checks import shared_reads, warn_held_values
from climann.data.dropped_targets import DroppedTargets, dropped_target_warning
from climann.data.notes import note_once
from climann.data.own_anomalies import warn_own_anomalies
from climann.data.rank_transforms import planned_monotone_relations, warn_rank_predictors
from climann.data.vector_frames import warn_frame_mismatch
from climann.data.renames import FileRenames, anchored_rules, refuse_target_renamed_as_predictor
from climann.data.open import concat_blocks, expand_paths, on_reference_grid, open_dataset
from climann.data.place_beside_grid import PlaceBesideGridError
from climann.data.pointwise import PointwiseSamples, PointwiseSource, no_complete_sample_text
from climann.data.sample_data import write_sample_dataset
from climann.data.shell import files_given
from climann.data.strided_totals import refuse_strided_daily_totals, with_whole_files_daily_totals
from climann.data.sources import files_text
from climann.data.fill_like import BlockReads, read_together
from climann.data.running_totals import planned_running_totals
from climann.data.target_copies import TargetCopy, check_named_target_copies, copy_note, planned_target_copies
from climann.data.split_files import check_split_files, refuse_shared_target_on_shared_dates, shared_only_target
from climann.data.scaling import Standardizer
from climann.data.splits import (
    SPLIT_NAMES, TimeSplit, compact_periods, part_year_blocks, season_years, split_by_blocks, split_by_year_ranges,
    split_time_blocks, with_dated_descriptions, with_season_year_note, season_year_note, years_text,
)
from climann.data.members import chosen_members, new_data_selection, with_chosen_members
from climann.data.seasonal_subsets import seasons_cut_by_calendar_years
from climann.data.short_cells import check_short_cells
from climann.data.subset import (
    season_months, select_new_data_time, select_values, steps_held_before_range, subset_dataset, with_cell_edges,
)
from climann.data.time_axes import BlockPeriods
from climann.data.time_axis import TimeStep, check_strided_lags, date_text, series_time_step
from climann.data.time_commands import time_source
from climann.data.time_cells import steps_before_common
from climann.data.time_range import month_text, held_time_range
from climann.data.units import convert_dataset, variable_units, warn_unreadable_units
from climann.data.unused_selects import refuse_unused_select
from climann.data.value_words import totals_as_read
from climann.data.value_precision import held_dtypes
from climann.data.unitless_values import TrainingValues, check_unitless_values, checked_values
from climann.data.variables import (data_variable_names, grid_layout, on_grid, refuse_projected_predictors,
                                     require_variable)
from climann.errors import ClimannError
from climann.evaluation.predictions import check_predictions_encodable
from climann.workflow.runlog import run_logger
from climann.workflow.training_cells import axes_named_as_data

if TYPE_CHECKING:
    from climann.evaluation.baselines import ClimatologyKeys


@dataclass(frozen=True)
class PreparedData:
    """Samples split into blocks and standardised, ready for the network.

    Attributes
    ----------
    samples : PointwiseSamples or FieldSamples
    split : TimeSplit
    sample_masks : dict of str to ndarray of bool, shape (n_samples,)
        Which samples belong to each block.
    input_scaler, target_scaler : Standardizer
    scaled_inputs : ndarray, shape (n_samples, n_features)
    scaled_target : ndarray, shape (n_samples, n_outputs)
        Zero where the target is missing (masked).
    target_mask : ndarray of bool, shape (n_samples, n_outputs), or None
        Where the target is present (field mode); None when it always is.
    target_climatology : ndarray, shape (12 or 366, n_lat, n_lon), float32, or None
        ``[data] target_anomaly``: the target's climatology the network's output is added to
        (see :func:`target_climatology`); None otherwise.
    target_offset : ndarray, shape (n_samples, 1), float64, or None
        That climatology at each sample (NaN where it is undefined): the scaled target is
        that of y − offset, and predictions are offset + the network's output.
    """

    samples: PointwiseSamples | FieldSamples
    split: TimeSplit
    sample_masks: dict[str, np.ndarray]
    input_scaler: Standardizer
    target_scaler: Standardizer
    scaled_inputs: np.ndarray
    scaled_target: np.ndarray
    target_mask: np.ndarray | None = None
    target_climatology: np.ndarray | None = None
    target_offset: np.ndarray | None = None

    def area_weights(self) -> np.ndarray:
        """Each pointwise sample's cell area (mean 1), shape (n_samples,): the weight of its
        value in every score and in an area-weighted loss
        (:meth:`~climann.data.layout.GridLayout.cell_area_weights`; 0 for a cell without land
        in a mean "where land")."""
        weights = self.samples.layout.cell_area_weights().reshape(-1)  # of each step's cells when they change
        return weights[self.samples.flat_index % weights.size]

    @property
    def present(self) -> np.ndarray:
        """Where the target is present, shape (n_samples, n_outputs)."""
        if self.target_mask is None:
            return np.ones(self.scaled_target.shape, dtype=bool)
        return self.target_mask


def ensure_sample_data(config: RunConfig) -> None:
    """Generate the sample dataset when the configuration uses it and it is missing."""
    if config.data.paths == (DEFAULT_SAMPLE_PATH,) and not Path(DEFAULT_SAMPLE_PATH).exists():
        Path(DEFAULT_SAMPLE_PATH).parent.mkdir(parents=True, exist_ok=True)
        write_sample_dataset(DEFAULT_SAMPLE_PATH)


def resolve_inputs(config: RunConfig) -> RunConfig:
    """The configuration with its path patterns (and those of ``split_files``) expanded to
    absolute file paths, and its ``[data] rename`` patterns relative to the working
    directory made absolute as they are (:func:`~climann.data.renames.anchored_rules`)."""
    def absolute(patterns: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(str(f) for f in expand_paths(patterns))

    blocks = {name: absolute(patterns) for name, patterns in config.data.split_files.items()}
    data = dataclasses.replace(config.data, paths=absolute(config.data.paths), split_files=blocks,
                               rename=anchored_rules(config.data.rename or {}, Path.cwd()))
    return dataclasses.replace(config, data=data)


def resolve_default_inputs(config: RunConfig, dataset: xr.Dataset | None = None) -> RunConfig:
    """The configuration with the predictors and derived features it does not give ("auto",
    None) chosen from the data (see :mod:`climann.data.defaults`).

    Variables left out of the default predictors (mostly missing where the target is
    present, or with several values of an extra dimension) are named in a warning on the
    ``climann.run`` logger (the terminal and ``train.log``); the choice itself is logged.

    Parameters
    ----------
    config : RunConfig
        With resolved paths (see :func:`resolve_inputs`).
    dataset : xarray.Dataset, optional
        The data as :func:`open_selected` opens them; opened here when not given (and only
        when something is to be chosen).

    Returns
    -------
    RunConfig
        ``config`` itself when it gives both; else a copy with both given.

    Raises
    ------
    ClimannError
        If the target is missing or nothing is left to learn from.
    """
    data = config.data
    if data.predictors is not None and data.features is not None:
        return config
    dataset = open_selected(config) if dataset is None else dataset
    # the totals found by their values are left out as info leaves them out, not refused as predictors
    # no one named (break45b A4): the same read as info's, of the amounts and accumulations only
    value_totals = None
    if data.predictors is None:
        (found,) = read_together(planned_running_totals(dataset, [name for name in dataset.data_vars
                                                                  if name != data.target]))
        value_totals = found()
    chosen = default_inputs(
        dataset, data.target, predictors=data.predictors, features=data.features,
        where=files_text(data.paths) or "the data", mode=data.mode,
        # a missing target is said by default_inputs, naming the variables there are
        training_steps=training_steps(config, dataset) if data.predictors is None and data.target in dataset.data_vars
        else None, value_totals=value_totals,
        derived=[*(f"{name}_lag{lag}" for name, lags in data.lags.items() for lag in lags),
                 *area_mean_names(data.global_means, data.regional_means),
                 *(f"{name}_anomaly" for name in data.anomalies)],
    )
    for note in chosen.notes(data.target):
        run_logger.warning(note)
    for copy in chosen.target_copies.values():
        # kept: a toy target made from its predictor is one too; said only of a predictor the run keeps (left
        # out for its missing values, sithick was "kept as a default predictor" below its own note, break56c A3)
        if not copy.held and copy.predictor in chosen.predictors:
            run_logger.info(copy_note(copy, data.target))
    run_logger.info(
        "inputs chosen from the data: predictors %s; features %s",
        ", ".join(chosen.predictors) or "none", ", ".join(chosen.features) or "none",
    )
    return dataclasses.replace(config, data=dataclasses.replace(data, predictors=chosen.predictors,
                                                                features=chosen.features))


def training_steps(config: RunConfig, dataset: xr.Dataset) -> np.ndarray | None:
    """The run's training block on the time axis of ``dataset`` (:func:`split_for`), a boolean
    mask of shape (n_time,); None when the data cannot be split yet (training says why)."""
    try:
        steps = split_for(config, grid_layout(dataset, config.data.target, list(config.data.paths))).time_masks["train"]
    except ClimannError:
        return None
    time_name = find_coordinate(dataset, "time")
    return steps if len(steps) == dataset.sizes.get(time_name, -1) else None


def planned_run_target_copies(config: RunConfig, dataset: xr.Dataset, *, shared: Sequence[str] = ()
                              ) -> BlockReads | None:
    """The read of :func:`check_target_copies`: the training values of the target and of the
    predictors the user names (:func:`~climann.data.target_copies.planned_target_copies`), to be
    computed with the other checks of those values (:func:`~climann.data.value_checks.warn_held_values`);
    None when there is nothing to compare (no predictors named, one absent or not numeric, or the
    data not to be split yet: training says why); ``shared``: see
    :func:`~climann.data.target_copies.planned_target_copies`."""
    data = config.data
    named = (data.target, *(data.predictors or ()))
    if not data.predictors or not all(name in dataset.data_vars and dataset[name].dtype.kind in "biuf"
                                      for name in named):
        return None
    steps = training_steps(config, dataset)
    if steps is None:
        return None
    return planned_target_copies(dataset, data.target, data.predictors, time_dim=find_coordinate(dataset, "time"),
                                 training_steps=steps, shared=shared)


def planned_run_rank_predictors(config: RunConfig, dataset: xr.Dataset, *, shared: Sequence[str] = ()
                                ) -> BlockReads | None:
    """The read of the named predictors that are (almost) a monotone function of the target on the
    training block (:func:`~climann.data.rank_transforms.planned_monotone_relations`, at most
    :data:`~climann.data.defaults.COPY_CHECKED_STEPS` of its steps), to be computed with the other
    checks of the values (``shared``: as :func:`planned_run_target_copies`); None when no predictor is
    named or the target is absent."""
    data = config.data
    if not data.predictors or data.target not in dataset.data_vars:
        return None
    time_name = find_coordinate(dataset, "time")
    if time_name not in dataset[data.target].dims:
        return None
    steps = checked_training_steps(dataset, time_name, training_steps(config, dataset))
    return planned_monotone_relations(dataset, data.target, data.predictors, time_dim=time_name, steps=steps,
                                      shared=shared)


def check_target_copies(config: RunConfig, dataset: xr.Dataset,
                        found: Callable[[], dict[str, TargetCopy]] | None = None) -> None:
    """Refuse the predictors named by the user that are the target plus a field constant in time
    on the training block, unless ``[data] keep_target_copies`` names them, and warn about those
    only an exact linear function of it (:mod:`climann.data.target_copies`): every training value
    of the target and of those predictors read once, block by block.

    Parameters
    ----------
    config : RunConfig
    dataset : xarray.Dataset
        The run's data as opened (:func:`open_selected`).
    found : callable, optional
        The answer of :func:`planned_run_target_copies` computed with the checks of the values
        the data hold, in their read (:func:`open_selected`); None: read here.

    Raises
    ------
    ClimannError
        From :func:`~climann.data.target_copies.check_named_target_copies`.
    """
    data = config.data
    if found is None:
        planned = planned_run_target_copies(config, dataset)
        if planned is None:
            return
        found = read_together(planned)[0]
    check_named_target_copies(found, data.predictors or (), data.target, kept=data.keep_target_copies)


def used_variables(config: RunConfig) -> tuple[str, ...] | None:
    """The variables a run reads from its files: the target, the predictors (static fields
    among them), the lagged, area-mean and anomaly variables; not the features, which are
    derived from the coordinates (``lat``, ``season``). None while the predictors are still
    to be chosen from the data (every variable may be one)."""
    data = config.data
    if data.predictors is None:
        return None
    return tuple(dict.fromkeys([data.target, *data.predictors, *data.lags,
                                *data.global_means, *data.regional_means, *data.anomalies]))


def _own_series_lags(config: RunConfig) -> dict[str, tuple[int, ...]] | None:
    """The lags the files are opened with (:func:`climann.data.open.open_dataset` ``lags``: a
    predictor's taken from its own series beside a target lacking steps): none while the
    predictors are still to be chosen (its lag is no candidate), nor with a ``time_stride``
    above 1 or chosen ``months`` or ``seasons`` (a lag then counts the steps kept, on the
    target's axis: lag 1 of a January with ``months = [1]`` is the January before, beside a
    complete target as beside one lacking some months)."""
    data = config.data
    counts_all_steps = data.time_stride == 1 and not data.months and not data.seasons
    return dict(data.lags) if data.predictors is not None and counts_all_steps else None


def opened_for_run(config: RunConfig) -> tuple[RunConfig, xr.Dataset]:
    """A run's configuration with the inputs it does not give chosen from the data
    (:func:`resolve_default_inputs`), and its files opened and subset (:func:`open_selected`):
    opened once, the choice made on the data the run then reads.

    The files are opened again only where the choice changes what opening does: several files
    in a block, whose variables at other time steps count for the common period only when the
    run uses them (:func:`climann.data.open.open_dataset` ``variables``). Where the data are
    kept, the chosen predictors get the check :func:`open_selected` makes of named ones
    (usual fill values not marked missing, temperatures at or below absolute zero read as
    missing, negative values of quantities that cannot be negative, in one read:
    :func:`~climann.data.value_checks.warn_held_values`; a tail of the data cut off by a
    valid range, :func:`~climann.data.valid_range_tails.warn_outside_valid_range`). Predictors the
    user names that are the target plus a field constant in time on the training block are
    refused (:func:`check_target_copies`); the default ones are left out.

    Parameters
    ----------
    config : RunConfig
        With resolved paths (see :func:`resolve_inputs`).

    Returns
    -------
    tuple of (RunConfig, xarray.Dataset)
        The configuration with its inputs given, and its data (lazy: nothing is read but the
        coordinates and what the choice looks at).

    Raises
    ------
    ClimannError
        From :func:`open_selected` or :func:`resolve_default_inputs`.
    """
    data = config.data
    blocks = [data.paths] if not data.split_files else [(*data.paths, *files) for files in data.split_files.values()]
    # opened again with the predictors chosen: their values and the target's are checked then, in one read,
    # so that the target's warnings are not given twice and one command marks the fills of a file's variables
    # before another unpacks it (break41a A4: 'licd' warned of twice, the second command on the unpacked copy)
    again = data.predictors is None and any(len(files) > 1 for files in blocks)
    dataset = open_selected(config, held_values=not again, target_copies=not data.split_files)
    # a --select of the old CDS's level taken at the new CDS's pressure_level: the run records the name it was taken
    # at, which its levels are recorded under and evaluate and predict select (break54b A5)
    config = _with_selection_taken(config, dataset)
    # named by the user: those that are the target plus a constant are refused (a missing one is said later)
    named = (config.data.target, *(config.data.predictors or ()))
    # a NetCDF-4 VLEN or compound variable named is refused before any check reads it
    refuse_user_type_variables(dataset, named, where=files_text(config.data.paths))
    if data.split_files and config.data.predictors and all(name in dataset.data_vars for name in named):
        check_target_copies(config, dataset)  # the blocks are opened one by one: compared once together
    resolved = resolve_default_inputs(config, dataset)
    # components along a projected grid's axes against eastward/northward ones (break45c A2)
    warn_frame_mismatch(dataset, resolved.data.predictors or (), config.data.target, resolved.data.features or (),
                        where=files_text(config.data.paths))
    if again:
        return resolved, open_selected(resolved)
    if resolved is config:
        return config, dataset
    chosen = [name for name in resolved.data.predictors if name not in (data.predictors or ())]
    if chosen:
        files = tuple(dict.fromkeys(f for block in blocks for f in block))
        warn_held_values(dataset, chosen, where=files_text(files),
                         file=files[0] if len(files) == 1 else None)  # and their valid ranges' tails
    return resolved, dataset


def _with_selection_taken(config: RunConfig, dataset: xr.Dataset) -> RunConfig:
    """``config`` whose ``[data] select`` names each dimension as the data selected it: a name
    of pressure levels the data lack (:data:`~climann.data.levels.PRESSURE_LEVEL_NAMES`) by the
    data's one pressure level taken (:func:`~climann.data.levels.training_levels_on_new_dimensions`),
    with the value the data hold there."""
    from climann.data.levels import PRESSURE_KIND, PRESSURE_LEVEL_NAMES, is_level, level_kind

    select = dict(config.data.select or {})
    missing = [dim for dim in select if dim in PRESSURE_LEVEL_NAMES and dim not in dataset.coords]
    # JRA-55's lv_ISBL1(1) is a pressure level under a name of no other layout
    taken = [str(name) for name, coordinate in dataset.coords.items() if coordinate.ndim == 0 and name not in select
             and is_level(coordinate) and (name in PRESSURE_LEVEL_NAMES or level_kind(coordinate) == PRESSURE_KIND)]
    if len(missing) != 1 or len(taken) != 1:
        return config
    value = dataset[taken[0]].values.item()
    select = {(taken[0] if dim == missing[0] else dim): (value if dim == missing[0] else given)
              for dim, given in select.items()}
    return dataclasses.replace(config, data=dataclasses.replace(config.data, select=select))


def _renamed_directions(directions: Mapping[str, str], before: Mapping[str, object],
                        after: Mapping[str, object]) -> dict[str, str]:
    """``directions`` (dimension → ``"up"``/``"down"``) keyed as the selection ``after``
    :func:`~climann.data.levels.levels_on_new_dimensions` renamed dimensions of ``before``:
    each dimension it took away given to the one it added, when one of each."""
    gone, added = [dim for dim in before if dim not in after], [dim for dim in after if dim not in before]
    found = {dim: way for dim, way in directions.items() if dim in after}
    if len(gone) == 1 and len(added) == 1 and gone[0] in directions:
        found[added[0]] = directions[gone[0]]
    return found


def _open_subset(
    config: RunConfig, files: tuple[str, ...], units: Mapping[str, str] | None = None, *, reference: str = "",
    cell_methods: Mapping[str, str] | None = None, renames: FileRenames | None = None,
    new_data: bool = False, select: Mapping[str, object] | None = None,
    training_values: Mapping[str, TrainingValues] | None = None, units_checked: tuple[str, ...] = (),
    steps_before: int = 0, quantities: Mapping[str, Mapping] | None = None,
    directions: Mapping[str, str] | None = None, held_values: bool = True, target_copies: bool = False,
    kinds: Mapping[str, str] | None = None,
) -> xr.Dataset:
    """Files opened lazily and subset as ``[data]`` says, with the area-mean feature series
    (over the whole grid or their own boxes, not only the selected region) attached as
    variables ``<name>_global_mean`` and ``<name>_mean_<box>``. Variables named in ``units``
    are first converted to those units (:func:`~climann.data.units.convert_dataset`; the
    ``reference`` says where the units come from, for its messages, and ``cell_methods``
    whether its values are totals over each time step, and ``quantities`` what is known of each
    variable there, its attributes or recorded ``standard_name``; ``renames``: those of every block's
    files; ``new_data``, ``select``, ``training_values``, ``directions``, ``kinds``: see :func:`open_selected`;
    ``units_checked``: variables whose missing units the caller checks against values of its own,
    so that converting them says nothing; ``steps_before``: new data keep so many steps just
    before ``time_range`` for persistence and lags, as a run's own data do, see
    :func:`~climann.data.subset.select_time`; ``held_values``, ``target_copies``: see :func:`open_selected`)."""
    data = config.data
    where = files_text(files)
    # a station of a CF station file is chosen as it is opened (the user's --select for new data first)
    stations = {**(data.select or {}), **((select or {}) if new_data else {})}
    reading = steps_before if new_data else 0 if data.split_files else steps_read_before_range(data)
    try:  # beside a forecast, the target's steps before the common period too: the first forecasts' persistence
        opened = open_dataset([Path(p) for p in files], rename=data.rename, overlap=data.overlap, grid_of=data.target,
                              renames=renames, variables=used_variables(config), select=stations,
                              lags=_own_series_lags(config), time_range=data.time_range, climatologies=new_data,
                              earlier=bool(reading) and data.time_stride == 1)
    except PlaceBesideGridError as refused:  # a box mean beside a station: its line, not the nearest cell's
        raise refused.with_regional_means(area_mean_requests((), data.regional_means)) from None
    opened = with_cell_edges(opened, data.cell_edges)  # the areas of its corners as the run was trained
    # marked before the checks below lay the grid out (the training steps of a glob's data: break52b A3, the
    # "mean where sea" warning printed with weigh_by_area_fraction = false)
    opened = _weighed_as_configured(opened, data)
    described = files_text(files, listed=3)
    if units:
        # an amount training read as each step's total (no cell_methods) takes a rate so too (break54b A6)
        opened = convert_dataset(opened, units, where=described, reference=reference,
                                 cell_methods=totals_as_read(cell_methods, units, quantities),
                                 values_checked=(*(training_values or ()), *units_checked), reference_attrs=quantities)
    elif not new_data:  # the units a run records for its inputs: later files are converted to them
        warn_unreadable_units(opened, used_variables(config) or (data.target,), where=described)
    trained = data.select
    directions, kinds = dict(directions or {}), dict(kinds or {})
    if new_data and trained and units:  # ERA5's level is the new CDS's pressure_level; see climann.data.levels
        renamed, units = levels_on_new_dimensions(opened, trained, units, where=described)
        directions = _renamed_directions(directions, trained, renamed)
        kinds = _renamed_directions(kinds, trained, renamed)
        trained = renamed
    selection = new_data_selection(opened, trained, select, where=described) if new_data else (
        training_levels_on_new_dimensions(opened, data.select, where=described) if data.select else data.select)
    members = chosen_members(opened, selection, select) if new_data and selection else {}
    if selection and not new_data:  # a select of a file whose variables the run does not use (break56d A4)
        refuse_unused_select(opened, selection, files, target=data.target, predictors=data.predictors or ())
    if selection:  # a trained model's level in its units and direction: converted to the files' (hPa for Pa)
        opened = select_values(opened, selection, units=units, where=described, reference=reference,
                               directions=directions if new_data else None, kinds=kinds if new_data else None)
    opened = with_chosen_members(opened, members)  # predict's note says which member of how many, and who chose it
    if reading:  # a forecast at lead month L: persistence is the month before its start, L months back (fix46n)
        forecast = forecast_steps_before(opened, data.target)
        if not new_data and data.steps_before_range is None:  # "auto": as many as the lags and persistence need
            reading = max(reading, forecast)
        elif data.time_stride == 1:  # a user's number, or the run's record: read as said (fix47c)
            warn_forecast_steps_not_read(data, opened, steps_before=reading, needed=forecast, where=described)
    if data.time_stride == 1:
        warn_lags_not_read(data, opened, steps_before=reading, time_range=data.time_range, where=described)
    if data.time_range or data.months or data.seasons or data.time_stride > 1:
        # totals restarted daily are told on the whole files: the steps chosen may be too few (break51d A1)
        opened = with_whole_files_daily_totals(opened, [data.target, *(data.predictors if data.predictors is not None
                                                                       else opened.data_vars)])
    if new_data:  # the run's time_range chose its training period; its months apply, said when they drop steps
        # a time_stride would take every n-th step counted from the step before: the lags of new data then
        # count the steps kept, from the period's first
        opened = select_new_data_time(opened, time_range=data.time_range, months=data.months, seasons=data.seasons,
                                      where=described, steps_before=reading if data.time_stride == 1 else 0,
                                      dated_by=data.selection_dated_by, before_in_months=data.steps_before_months)
        period = {}
    else:
        period = {"time_range": data.time_range, "months": data.months, "seasons": data.seasons,
                  "dated_by": data.selection_dated_by, "before_in_months": data.steps_before_months}
    if data.time_stride > 1:  # a lag counts the steps kept: refused where they are not evenly spaced
        before = subset_dataset(opened, **period)
        before_times = before[find_coordinate(before, "time")].values
        check_strided_period_lags(before_times, time_stride=data.time_stride, lags=data.lags, target=data.target)
        check_strided_lags(before_times, time_stride=data.time_stride, lags=data.lags, target=data.target,
                           months=data.months, seasons=data.seasons)
        # hourly totals restarted daily show their restarts only before the stride (fix46c)
        # (every variable when the predictors are to be chosen: the steps kept hide them from that choice too)
        refuse_strided_daily_totals(before, [data.target, *(data.predictors if data.predictors is not None
                                                             else before.data_vars)],
                                    time_stride=data.time_stride, where=described)
    # the steps before the run's time_range: persistence and lags of its first steps (in no block)
    whole_grid = subset_dataset(opened, **period, time_stride=data.time_stride, steps_before=0 if new_data else reading)
    series = area_mean_features(
        whole_grid, global_means=data.global_means, regional_means=data.regional_means, where=where, of_run=new_data
    )
    selected = subset_dataset(whole_grid, region=data.region, grid_stride=data.grid_stride, region_of_run=new_data)
    time_name = time_coordinate(selected)  # a predictor on another grid: refused before any warning on its values
    refuse_projected_predictors(selected, [*(data.predictors or ()), *data.lags], data.target,
                                time_dims=selected[time_name].dims if time_name is not None else ())
    if new_data:
        warn_run_subset(data, opened, selected, where=described)
    # a total over a partial last day (cdo daysum of hours through 00 UTC) scored as a day (break52a A3)
    check_short_cells(selected, [data.target, *(data.predictors if data.predictors is not None
                                                else selected.data_vars)], where=described)
    if training_values:  # after the subset: the values the model will be given
        check_unitless_values(selected, training_values, where=described, reference=reference)
    refuse_static_target(selected, data.target, where=where)  # before any check reads it by time step
    # the target's land stored as a value, its values at bad quality levels, the tails valid ranges cut off and
    # the spreads that decide the type values are held in are looked for in the same read
    # and the named predictors compared with the target (check_target_copies): one read of their values
    named = [data.target, *(data.predictors or ())]
    copies = planned_run_target_copies(config, selected, shared=shared_reads(selected, named)
                                       ) if held_values and target_copies else None
    # and those (almost) a monotone function of the target, a rank of it (break47b A1): for the data a run is
    # trained on; new data of a trained run are not split (their layout's notes are the run's own)
    ranked = None if new_data else planned_run_rank_predictors(config, selected, shared=shared_reads(selected, named))
    also = [read for read in (copies, ranked) if read is not None]
    if held_values:
        found = warn_held_values(selected, named, where=where, file=files[0] if len(files) == 1 else None,
                                 target=data.target, also=also, training_advice=not new_data)
    ranked_found = None if ranked is None else found[len(also) - 1] if held_values else read_together(ranked)[0]
    refuse_codes_within_range(selected, [data.target, *(data.predictors or ())], where=where)
    refuse_flag_target(selected, data.target, where=where)
    # a mean of class codes is never right; a lag of them is the codes as numbers, as a predictor (break54d A2)
    averaged = {"global_means": data.global_means, "regional_means": list(data.regional_means),
                "anomalies": data.anomalies}
    if data.mode == "field" and data.field_inputs == "mean":  # each predictor and lag is its area mean (fix57a)
        averaged.update(predictors=list(data.predictors or ()), lags=list(data.lags))
    refuse_flag_features(selected, averaged, where=where)
    warn_flag_predictors(selected, list(dict.fromkeys([*(data.predictors or ()), *data.lags])), where=where,
                         target=data.target)
    warn_identifier_predictors(selected, data.predictors or (), where=where)
    refuse_direction_target(selected, data.target, where=where)
    # an area mean or anomaly of angles is no direction; a lag of one is the angle as a number (break56c A1)
    refuse_direction_features(selected, averaged, where=where)
    warn_direction_predictors(selected, data.predictors or (), data.target, where=where, lags=list(data.lags))
    warn_run_outputs(selected, data.predictors or (), data.target, where=where)
    warn_own_anomalies(selected, data.predictors or (), data.target, where=where)
    if ranked_found is not None:  # a percentile or rank of the target (break47b A1)
        warn_rank_predictors(selected, data.predictors or (), data.target, where=where, time_dim="", steps=None,
                             found=ranked_found)
    if copies is not None:
        check_target_copies(config, selected, found[0])
    clashes = [name for name in series if name in selected.variables]
    if clashes:
        raise ClimannError(f"the data already have a variable named '{clashes[0]}'; rename it with [data] rename")
    return with_steps_asked_before_range(_with_own_time(selected.assign(series), selected), reading)


#: The key of a time coordinate's ``encoding`` holding how many steps before ``time_range`` the
#: run asked its files for (:func:`steps_asked_before_range`), whether or not they held them.
STEPS_ASKED_BEFORE_RANGE_KEY = "climann_steps_asked_before_range"


def with_steps_asked_before_range(dataset: xr.Dataset, n_steps: int) -> xr.Dataset:
    """``dataset`` with ``n_steps``, the steps before ``time_range`` it was read with, on its time
    coordinate's ``encoding`` (:data:`STEPS_ASKED_BEFORE_RANGE_KEY`)."""
    if (name := time_coordinate(dataset)) is None or dataset[name].ndim != 1:
        return dataset
    time = dataset[name]
    encoding = {**time.encoding, STEPS_ASKED_BEFORE_RANGE_KEY: int(n_steps)}
    return dataset.assign_coords({name: xr.Variable(time.dims, time.values, time.attrs, encoding)})


def steps_asked_before_range(dataset: xr.Dataset) -> int | None:
    """How many steps before ``time_range`` ``dataset`` was read with (:func:`with_steps_asked_before_range`):
    the lags' and, on a forecast, persistence's (:func:`forecast_steps_before`); None when not said."""
    name = time_coordinate(dataset)
    value = None if name is None else dataset[name].encoding.get(STEPS_ASKED_BEFORE_RANGE_KEY)
    return None if value is None else int(value)


def _with_own_time(dataset: xr.Dataset, selected: xr.Dataset) -> xr.Dataset:
    """``dataset`` with the time coordinate of ``selected`` as it was, its encoding's records of
    the selection (``grid_stride``, the grid's cells before the region: the layout reads them
    there) among them: the area-mean series assigned beside it brought their own (the whole
    grid's, fix47e: a run with global_means and a region lost the grid's cell count)."""
    time = time_coordinate(selected)
    if time is None or time not in dataset.coords:
        return dataset
    return dataset.assign_coords({time: selected[time].variable})


def _ordinal(n: int) -> str:
    """2 → ``"2nd"``, 12 → ``"12th"``."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def warn_run_subset(data: DataConfig, opened: xr.Dataset, selected: xr.Dataset, *, where: str) -> None:
    """Say in one warning line each that new data (``predict``, ``evaluate --data``) keep only
    the time steps and cells the run's ``time_stride``, ``region`` and ``grid_stride`` keep, as
    its training data did: the network learnt those cells (a field-mode network their map), and
    a lag of a time-strided run counts the steps kept, so both apply; the predictions file
    holds those steps and cells only. ``opened``: the new data before these (after the
    user's ``--time-range`` and the run's months), ``selected``: after them.
    """
    time = find_coordinate(opened, "time")
    if data.time_stride > 1:
        n_before, n_after = opened.sizes[time], selected.sizes[time]
        note_once(run_logger, logging.WARNING,
                  f"kept every {_ordinal(data.time_stride)} time step of {where} ({n_after} of its {n_before}): the "
                  f"run was trained with time_stride {data.time_stride}, whose lags count the steps kept; the other "
                  "steps are not predicted (retrain without time_stride to predict every step)")
    if data.region or data.grid_stride > 1:
        grid_dims = [dim for dim in selected.dims if dim != time and opened.sizes.get(dim, 0) != selected.sizes[dim]]
        if not grid_dims:
            return
        shape = "×".join(str(opened.sizes[dim]) for dim in grid_dims)
        kept = "×".join(str(selected.sizes[dim]) for dim in grid_dims)
        region = f"region {','.join(f'{edge:g}' for edge in data.region)}" if data.region else ""
        stride = (f"every {_ordinal(data.grid_stride)} cell (grid_stride {data.grid_stride})"
                  if data.grid_stride > 1 else "")
        how = " and ".join(filter(None, (region, stride)))
        note_once(run_logger, logging.WARNING,
                  f"kept the cells of the run's {how} of {where} ({kept} of its {shape} {'/'.join(grid_dims)}): the "
                  "model was trained on those; the other cells are not predicted (retrain without them to predict "
                  "every cell)")


def time_range_dates(time_range: str | Sequence[str] | None) -> tuple[str, ...]:
    """A period of new data as its two dates: ``"2014,2015"`` (as ``--time-range`` takes it) or
    ``("2014", "2015")``; ``()`` for none given.

    Raises
    ------
    ClimannError
        Naming what was given when it is not two dates.
    """
    if time_range is None or (isinstance(time_range, (str, Sequence)) and len(time_range) == 0):
        return ()
    if isinstance(time_range, str):
        dates = tuple(part.strip() for part in time_range.split(","))
    elif isinstance(time_range, Sequence) and all(isinstance(part, str) for part in time_range):
        dates = tuple(part.strip() for part in time_range)
    else:
        dates = ()
    if len(dates) != 2 or not all(dates):
        given = time_range if isinstance(time_range, str) else repr(time_range)  # the CLI's text as typed
        raise ClimannError(f"--time-range takes FIRST,LAST (two dates YYYY[-MM[-DD[THH[:MM]]]]), got {given}")
    return dates


def new_data_config(
    config: RunConfig, files: Sequence[str | Path], *, time_range: str | Sequence[str] = (), overlap: str | None = None,
    rename: Mapping[str, Mapping[str, str]] | None = None,
) -> RunConfig:
    """A trained run's config for new data (``predict``, ``evaluate --data``): its files, one
    block, every sample (a ``sample_fraction`` thins the training data only), and the user's
    ``time_range`` of them instead of the run's, which chose its training period (predicting
    other years is what a trained run is for). Its ``months``/``seasons`` stay: the network
    learnt those months only (applied with a warning, :func:`open_selected` ``new_data``); so do
    its ``time_stride``, ``region`` and ``grid_stride`` (said in one line each,
    :func:`warn_run_subset`). ``rename``, the user's rules for the new files (``--rename``,
    patterns relative to the working directory), come before the run's own ``[data] rename``:
    each file takes the first rule whose pattern matches it
    (:class:`~climann.data.renames.FileRenames`).

    Raises
    ------
    ClimannError
        If ``time_range`` is not two dates (:func:`time_range_dates`), a pattern of
        ``rename`` matches none of ``files``, or a rule of ``rename`` renames the run's target
        into one of its predictors or back
        (:func:`~climann.data.renames.refuse_target_renamed_as_predictor`).
    """
    rules = dict(config.data.rename or {})
    if rename:
        refuse_target_renamed_as_predictor(rename, target=config.data.target, predictors=config.data.predictors or (),
                                           own=config.data.rename)
        given = anchored_rules(rename, Path.cwd())
        FileRenames([Path(file) for file in files], given)  # a pattern that matches none of them is refused
        rules = {**given, **{pattern: mapping for pattern, mapping in rules.items() if pattern not in given}}
    data = dataclasses.replace(config.data, paths=tuple(map(str, files)), split_files={}, sample_fraction=1.0,
                               time_range=time_range_dates(time_range), overlap=overlap or config.data.overlap,
                               rename=rules)
    return dataclasses.replace(config, data=data)


def given_rename_patterns(rename: Mapping[str, Mapping[str, str]] | None) -> tuple[str, ...]:
    """The patterns of the user's ``--rename`` rules for new files as :func:`new_data_config`
    puts them in the run's ``[data] rename`` (anchored to the working directory): what
    :func:`open_selected` ``given_renames`` takes."""
    return tuple(anchored_rules(rename or {}, Path.cwd()))


def forecast_steps_before(dataset: xr.Dataset, target: str) -> int:
    """How many steps before a time range the persistence of a forecast at one lead reads: at a
    lead month L (:func:`~climann.evaluation.baselines.lead_months_back`, ``forecastMonth = 3``),
    L monthly steps, since a forecast's persistence is the month before its start, L months before
    its valid month; at a lead of fixed length (:func:`~climann.evaluation.baselines.lead_time_of`,
    S2S ``step = 14 days``), the most steps of the time axis between a valid time and the last
    value observed by its start (:func:`~climann.evaluation.baselines.forecast_issue_steps`: 2 for
    weekly means); 0 for other data. Reading only the lags' steps (one, by default) left a
    ``--time-range``'s first L − 1 months without persistence (fix46n). The steps before the range
    are in no block: neither trained on nor scored.

    Parameters
    ----------
    dataset : xarray.Dataset
        The files after ``select`` (:func:`climann.data.subset.select_values`).
    target : str
        The target, which a selection of the predictors' lead does not describe.

    Returns
    -------
    int
    """
    from climann.data.time_cells import time_bounds_name
    from climann.data.sources import source_files
    from climann.data.variables import forecast_window_of, input_selections
    from climann.evaluation.baselines import forecast_issue_steps, lead_months_back, lead_time_of, observed_cell_ends

    if target not in dataset:
        return 0
    selections = input_selections(dataset, target)
    if (months := lead_months_back(selections)) is not None:
        return months
    if ((lead := lead_time_of(selections)) is None or (name := time_coordinate(dataset)) is None
            or dataset[name].ndim != 1):
        return 0
    bounds = dataset[bounds_name] if (bounds_name := time_bounds_name(dataset)) is not None else None
    bounded = bounds is not None and bounds.ndim == 2 and bounds.dims[0] == name and bounds.dtype == dataset[name].dtype
    times = np.asarray(dataset[name].values)
    ends = bounds.values[:, 1] if bounded else observed_cell_ends(
        times, dataset[target].attrs, name=target, units=str(dataset[name].encoding.get("units", "")),
        files=source_files(dataset[target]))
    earlier = forecast_issue_steps(times, lead, cell_ends=ends,
                                   window=forecast_window_of(dataset, target) if bounded else None)
    # counted in time order: the days read for persistence alone lead the axis (climann.data.earlier_steps),
    # and their positions there counted every one of them as a step before the range (fix55d)
    rank = np.empty(len(times), dtype=np.int64)
    rank[np.argsort(times, kind="stable")] = np.arange(len(times))
    found = np.flatnonzero(earlier >= 0)
    found = found[found >= steps_before_common(dataset)]  # those read for persistence are no forecast's valid day
    back = rank[found] - rank[earlier[found]]
    return int(back.max()) if back.size else 0


def warn_lags_not_read(data: DataConfig, dataset: xr.Dataset, *, steps_before: int, time_range: Sequence[str],
                       where: str) -> None:
    """Warn when fewer steps are read before ``time_range`` than the lags reach back although
    ``dataset`` holds more (``[data] steps_before_range = 1`` in a ``config.toml`` reused with
    ``--lags tas=1,12``, or a run trained before 4 December 2026, which read one step whatever
    its lags): the period's first steps then lack their longest lags and their samples are
    dropped (counted in the lag's line of the run log). Nothing is said when the files hold no
    more, or without ``step_before_range`` (runs trained before 3 December 2026 read none).

    Parameters
    ----------
    data : DataConfig
    dataset : xarray.Dataset
        The files before any time selection.
    steps_before : int
        The steps read before ``time_range``.
    time_range : sequence of two str
        The run's ``time_range`` (its own data) or ``--time-range`` (new data).
    where : str
        The files, for the message.
    """
    needed = lag_steps_needed(data)
    if not time_range or not data.step_before_range or steps_before >= needed:
        return
    if (more := _steps_held_beyond(data, dataset, time_range=time_range, steps_before=steps_before,
                                   needed=needed)) > 0:
        longest = [f"{name}_lag{lag}" for name, lags in data.lags.items() for lag in lags if lag > steps_before]
        steps = f"{steps_before} step is" if steps_before == 1 else f"{steps_before} steps are"
        note_once(run_logger, logging.WARNING,  # once per run: its files may be opened twice
                  f"{steps} read before the period ([data] steps_before_range = {steps_before}) but the lags reach "
                  f"{needed} ({', '.join(longest)}) and the files ({where}) hold {more} more: the period's "
                  "first steps lack them and their samples are dropped; steps_before_range = \"auto\" (the default) "
                  "reads as many as the lags need (runs trained before 4 December 2026 read one: train such a run "
                  "again to read them)")


def warn_forecast_steps_not_read(data: DataConfig, dataset: xr.Dataset, *, steps_before: int, needed: int,
                                 where: str) -> None:
    """Warn when an explicit ``[data] steps_before_range`` (or the number a trained run records,
    for its new data) reads fewer steps before ``time_range`` than a forecast's persistence
    reaches back (:func:`forecast_steps_before`) although ``dataset`` holds more: the number is
    read as said, as for the lags (:func:`warn_lags_not_read`), so that a run is scored again as
    it was trained; the period's first steps then have no persistence, and the line says how
    many and that ``"auto"`` reads them (fix47c: the number was raised without a word, and
    ``config.toml`` recorded the one not read).

    Parameters
    ----------
    data : DataConfig
    dataset : xarray.Dataset
        The files before any time selection.
    steps_before : int
        The steps read before ``time_range`` (or, without one, before the variables' common
        period: :func:`~climann.data.time_cells.steps_before_common`).
    needed : int
        The steps persistence reaches back.
    where : str
        The files, for the message.
    """
    if not (data.time_range or steps_before_common(dataset)) or needed <= steps_before:
        return  # (without a time range, the target's steps before the variables' common period: fix48a)
    if (more := _steps_held_beyond(data, dataset, time_range=data.time_range, steps_before=steps_before,
                                   needed=needed)) > 0:
        steps = f"{steps_before} step is" if steps_before == 1 else f"{steps_before} steps are"
        note_once(run_logger, logging.WARNING,
                  f"{steps} read before the period ([data] steps_before_range = {steps_before}, as configured or as "
                  f"the run recorded it) but the forecast's persistence reaches {needed} back and the files ({where}) "
                  f"hold {more} more: up to {more} of the period's first steps have no persistence "
                  "(each is said in the persistence line); steps_before_range = \"auto\" (the default) reads as "
                  "many as persistence needs (a trained run: train it again so)")


def _steps_held_beyond(data: DataConfig, dataset: xr.Dataset, *, time_range: Sequence[str], steps_before: int,
                       needed: int) -> int:
    """How many more steps before ``time_range`` the files hold when ``needed`` are read than when
    ``steps_before`` are (:func:`~climann.data.subset.steps_held_before_range`, with the run's own
    months, seasons and dating): what :func:`warn_lags_not_read` and
    :func:`warn_forecast_steps_not_read` say is left unread."""
    months = tuple(data.months) + season_months(data.seasons)
    options = {"time_range": time_range, "months": months, "dated_by": data.selection_dated_by,
               "before_in_months": data.steps_before_months}
    return (steps_held_before_range(dataset, steps_before=needed, **options)
            - steps_held_before_range(dataset, steps_before=steps_before, **options))


def open_selected(
    config: RunConfig, *, units: Mapping[str, str] | None = None, grid: Mapping[str, list[float]] | None = None,
    cell_methods: Mapping[str, str] | None = None, new_data: bool = False, select: Mapping[str, object] | None = None,
    training_values: Mapping[str, TrainingValues] | None = None, steps_before: int = 0,
    quantities: Mapping[str, Mapping[str, str]] | None = None, directions: Mapping[str, str] | None = None,
    held_values: bool = True, target_copies: bool = False, kinds: Mapping[str, str] | None = None,
    given_renames: Collection[str] | None = None,
) -> xr.Dataset:
    """The configured files, opened lazily and subset as ``[data]`` says.

    With ``split_files`` each block's files (plus ``paths``, static fields shared by every
    block: :func:`~climann.data.split_files.check_split_files` refuses a shared file with a
    time series of a variable the run reads and the blocks hold, or a file named twice) are
    opened and subset on their own and concatenated along time in the order train, val,
    test; the coordinate
    :data:`~climann.data.layout.SPLIT_BLOCK_COORDINATE` says which block each step is from.
    A variable whose units differ from those of the train block is converted to them (or
    refused when not convertible).

    Parameters
    ----------
    config : RunConfig
    units : mapping of variable name to units string, optional
        The units a trained model expects (from its model file): variables in other units
        are converted to them, with a warning, or refused when not convertible.
    cell_methods : mapping of variable name to str, optional
        The CF ``cell_methods`` (their time part) that go with ``units`` (from the model file):
        a rate is converted to an amount only where these say ``time: sum``.
    grid : mapping of axis name to values, optional
        A trained model's grid axes (from its model file, see
        :func:`climann.workflow.run_directory.grid_axes`): data holding the same cells in
        another order are put in that order (:func:`on_training_grid`).
    new_data : bool
        The files are new data for a trained run (``predict``, ``evaluate --data``): its
        ``[data] rename`` rules rename where they match, and are not refused where they
        match nothing (:class:`~climann.data.renames.FileRenames` ``new_data``); the run's
        ``[data] select`` of an ensemble member does not apply to them, and ``select`` chooses
        one value of their extra dimensions (:func:`~climann.data.members.new_data_selection`);
        ``config``'s ``time_range`` is the user's period of them and its months are the run's,
        kept with a warning (:func:`~climann.data.subset.select_new_data_time`; the config
        from :func:`new_data_config`).
    select : mapping of dimension name to value, optional
        New data only: the user's choice (``--select realization=2``).
    held_values : bool
        Check the values the target and predictors hold (:func:`~climann.data.value_checks.warn_held_values`);
        False when the caller opens the files again with the predictors it chooses, and checks them all then
        (:func:`opened_for_run`).
    target_copies : bool
        With ``held_values``, without ``split_files``: refuse the predictors ``config`` names that are the
        target plus a field constant in time (:func:`check_target_copies`), compared in the same read of
        their values (the predictors the user names: those chosen from the data are compared as they are).
    steps_before : int
        New data only (``predict``, ``evaluate --data``): keep so many steps just before
        ``--time-range`` for persistence and the lags of its first steps, in no block (a run's
        own data keep ``[data] steps_before_range``; see :func:`~climann.data.subset.select_time`).
    training_values : mapping of variable name to TrainingValues, optional
        New data only: the values of the target and of the variables the features are made of
        on the training block (from the model file, :meth:`~climann.workflow.predict.TrainedRun.training_values`).
        A variable without units whose training data had units is compared with them, once
        subset: refused when far from them, else warned about
        (:func:`~climann.data.unitless_values.check_unitless_values`).
    quantities : mapping of variable name to mapping, optional
        With ``units``: the trained model's record of each variable's ``standard_name`` (from
        its model file, :func:`~climann.data.quantities.quantity_record`); a ratio of named
        units and a pure number convert only when it names the new data's
        (:mod:`~climann.data.unit_ratios`).
    directions : mapping of dimension name to str, optional
        New data only: the way the run's training data counted positive each vertical
        coordinate of its ``[data] select`` (:meth:`~climann.workflow.predict.TrainedRun.selection_directions`);
        new data counting it the other way have the value selected with its sign changed
        (:func:`~climann.data.subset.select_values`).
    kinds : mapping of dimension name to str, optional
        New data only: the kind of level each coordinate of the run's ``[data] select`` was in
        its training data (:meth:`~climann.workflow.predict.TrainedRun.selection_kinds`); new data
        whose coordinate is a level of another kind (a parametric model level for a depth) are
        refused (:func:`~climann.data.levels.other_kind_text`).
    given_renames : collection of str, optional
        New data only: the patterns of ``config``'s ``[data] rename`` the user gave as
        ``--rename`` (:func:`given_rename_patterns`), the others being the run's own; advice
        then says it replaces options given only when there are some
        (:func:`~climann.data.renames.rename_options`). None: every rule is the user's.

    Raises
    ------
    ClimannError
        From the data layer, or units that do not convert, or a variable without units far
        from its training values; with ``split_files``, a shared file with a time series or a
        file in two places.
    """
    data = config.data
    model = "the model's training data"
    if not data.split_files:
        renames = FileRenames([Path(f) for f in data.paths], data.rename or {}, new_data=new_data,
                              used=(data.target, *(data.predictors or ())), given=given_renames)
        opened = _open_subset(config, data.paths, units, reference=model, cell_methods=cell_methods, renames=renames,
                              new_data=new_data, select=select, training_values=training_values,
                              steps_before=steps_before, quantities=quantities, directions=directions,
                              held_values=held_values, target_copies=target_copies, kinds=kinds)
        opened = opened if grid is None else on_training_grid(opened, grid, where=_files_text(data.paths))
        return _weighed_as_configured(opened, data)
    # The grid stride is taken once the blocks are on the train block's grid: every n-th
    # cell of a block in another order or longitude convention would be other cells.
    unstrided = dataclasses.replace(config, data=dataclasses.replace(data, grid_stride=1))
    # The renames are those of every block's files: a pattern or an old name found in one block
    # only (ERA5's t2m in the train block, CMIP's tas in the others) is checked once all are open.
    every_file = list(dict.fromkeys(Path(f) for name in SPLIT_NAMES for f in (*data.paths, *data.split_files[name])))
    renames = FileRenames(every_file, data.rename or {}, checked_at_last=True)
    # Shared files are static fields and no file is read by two blocks: else test steps are trained on.
    shared, blocks_files = [Path(f) for f in data.paths], {name: [Path(f) for f in data.split_files[name]]
                                                           for name in SPLIT_NAMES}
    check_split_files(shared, blocks_files, renames, used_variables(config), select=data.select)
    periods = BlockPeriods()  # each block's common period with the shared files: one line for all (break46e)
    with periods.block(SPLIT_NAMES[0]):
        first = _open_subset(unstrided, (*data.paths, *data.split_files[SPLIT_NAMES[0]]), units, reference=model,
                             cell_methods=cell_methods, renames=renames, quantities=quantities,
                             held_values=held_values)
    first_units = {**variable_units(first, data_variable_names(first)), **(units or {})}
    first_methods = {**{name: str(first[name].attrs.get("cell_methods", "")) for name in data_variable_names(first)},
                     **(cell_methods or {})}
    first_quantities = quantities if units else {name: first[name].attrs for name in data_variable_names(first)}
    # training: a val or test block's variable whose units only it or the train block gives is compared with
    # the train block's values (read only then), as new data with a model's: a K block beside degC train files
    # was scored as it stood
    compared = () if units else tuple(data_variable_names(first))
    parts = [first]
    for name in SPLIT_NAMES[1:]:
        files = (*data.paths, *data.split_files[name])
        with periods.block(name):
            part = _open_subset(unstrided, files, first_units, reference=f"the {SPLIT_NAMES[0]} block" if not units
                                else model, cell_methods=first_methods, renames=renames, units_checked=compared,
                                quantities=first_quantities, held_values=held_values)
        one_sided = [variable for variable in compared if variable in part.data_vars
                     and bool(_units_of(first[variable])) != bool(_units_of(part[variable]))]
        if one_sided:
            check_unitless_values(part, checked_values(first, one_sided), where=_files_text(files),
                                  reference=f"the {SPLIT_NAMES[0]} block")
        parts.append(part)
    periods.warn()
    renames.check_applied(at_last=True)
    if shared_only_target(data.target, shared, blocks_files, renames):  # the same target steps in two blocks
        refuse_shared_target_on_shared_dates(parts, SPLIT_NAMES, target=data.target, shared=shared)
    sources = [", ".join(Path(f).name for f in data.split_files[name][:2]) + (" …" if len(data.split_files[name]) > 2
               else "") for name in SPLIT_NAMES]
    combined = concat_blocks(parts, SPLIT_NAMES, sources=sources, used=used_variables(config))
    blocks = with_cell_edges(subset_dataset(combined, grid_stride=data.grid_stride), data.cell_edges)
    return _weighed_as_configured(blocks, data)


def _weighed_as_configured(dataset: xr.Dataset, data: DataConfig) -> xr.Dataset:
    """``dataset`` marked to weigh whole cells (:func:`~climann.data.area_fractions.with_whole_cell_weights`)
    unless ``[data] weigh_by_area_fraction``: runs trained before 4 December 2026 weighed a "where land"
    target's cells by their whole areas, and are scored again so; marked to weigh whole cells in the area-mean
    features (:func:`~climann.data.area_fractions.with_whole_cell_area_means`) unless ``[data]
    area_means_by_fraction``: runs trained before 7 December 2026 did, whatever the variable."""
    time_name = time_coordinate(dataset)
    if time_name is not None and not data.weigh_by_area_fraction:
        dataset = with_whole_cell_weights(dataset, time_name)
    if time_name is not None and not data.area_means_by_fraction:  # before 7 December 2026, of any variable
        dataset = with_whole_cell_area_means(dataset, time_name)
    return dataset


def _units_of(variable: xr.DataArray) -> str:
    return str(variable.attrs.get("units", "")).strip()


def _files_text(files: tuple[str, ...]) -> str:
    return files_text(files)


def on_training_grid(dataset: xr.Dataset, grid: Mapping[str, list[float]], *, where: str) -> xr.Dataset:
    """``dataset`` with the cells of a trained model's grid put in its order by value.

    Data that hold the training grid's cells in another order (latitude north-to-south
    against south-to-north) or longitude convention (−180…180 against 0…360) are aligned
    into the training order, their CF bounds with them, as several files are combined
    (:func:`climann.data.open.on_reference_grid`), with one warning naming ``where``. A run
    that keeps a climatology per cell, or outputs whole maps, then finds each cell where it
    was in training. Data on another grid are returned as they are: the caller refuses
    them or notes it.

    Parameters
    ----------
    dataset : xarray.Dataset
        Opened and subset (:func:`open_selected`).
    grid : mapping of axis name to values
        The training grid's 1-D row and column axes (``{"lat": [...], "lon": [...]}``), paired
        with the data's row and column axes as found by their CF attributes, whatever either
        names them (:func:`~climann.workflow.training_cells.data_axis_names`: ERA5's
        ``latitude`` is a CMIP run's ``lat``).
    where : str
        The data's files, for the note.
    """
    axes = _row_and_column_axes(dataset)
    grid = grid if axes is None else axes_named_as_data(grid, *axes)
    reference = {name: xr.DataArray(np.asarray(values, np.float64), dims=(name,)) for name, values in grid.items()}
    if any(dataset.sizes.get(name) != values.size for name, values in reference.items()):
        return dataset  # another grid
    try:
        aligned = on_reference_grid(dataset, reference, labels=("the training grid", where))
    except ClimannError:
        return dataset
    # an axis with values of its own: a dimension without a coordinate (NEMO's y and x, whose cells
    # nav_lat/nav_lon place) is no axis of the training grid's values, and nothing here moves it (verify28 V9)
    moved = [name for name, values in reference.items()
             if name in dataset.coords and dataset[name].dims == (name,)
             and np.any(np.abs(np.asarray(dataset[name].values, np.float64) - values.values)
                        > 0.5 * _smallest_step(values.values))]
    if moved:
        # a warning, not a note: the output's cell order differs from the file's, which a reader by index must know
        note_once(run_logger, logging.WARNING, f"{where} holds the training grid's cells in another order "
                  f"({', '.join(moved)}): aligned by value to the training grid, whose order the output takes")
    return aligned


def _row_and_column_axes(dataset: xr.Dataset) -> tuple[str, str] | None:
    """The names of the dataset's row (latitude) and column (longitude) axes, found by their CF
    attributes (:func:`~climann.data.coords.find_coordinate`); None when either is not found."""
    try:
        return find_coordinate(dataset, "latitude"), find_coordinate(dataset, "longitude")
    except ClimannError:
        return None


def _smallest_step(values: np.ndarray) -> float:
    steps = np.abs(np.diff(values))
    return float(steps[steps > 0].min()) if (steps > 0).any() else 0.0


def anomaly_climatologies(
    config: RunConfig, dataset: xr.Dataset, split: TimeSplit | None = None,
    saved: Mapping[str, np.ndarray] | None = None,
) -> dict[str, np.ndarray]:
    """The monthly climatology of each ``[data] anomalies`` variable, shape (12, n_lat, n_lon):
    that of the training years of ``split`` (default: the configured split of ``dataset``),
    or the ones ``saved`` with a trained model, which new data must use unchanged.

    Raises
    ------
    ClimannError
        If ``saved`` lacks one (a model file written before climatologies were saved) or is
        on another grid than ``dataset``.
    """
    names = config.data.anomalies
    if saved is not None:
        missing = [name for name in names if name not in saved]
        if missing:
            raise ClimannError(
                f"this run's model.npz does not hold the training climatology of '{missing[0]}' that its anomaly "
                "feature needs (written before climatologies were saved): retrain the run"
            )
        layout = grid_layout(dataset, config.data.target, list(config.data.paths))
        for name in names:
            if saved[name].shape[1:] != layout.shape[1:]:
                raise ClimannError(
                    f"the anomaly feature of '{name}' needs its training climatology, saved on the "
                    f"{saved[name].shape[1]}×{saved[name].shape[2]} training grid; the data are on "
                    f"{layout.shape[1]}×{layout.shape[2]}: regrid them to the training grid"
                )
        return {name: saved[name] for name in names}
    if not names:
        return {}
    layout = grid_layout(dataset, config.data.target, list(config.data.paths))
    dims = (layout.time.name, layout.latitude.name, layout.longitude.name)
    train_steps = (split or split_for(config, layout)).time_masks["train"]
    fields = {name: on_grid(require_variable(dataset, name), dims, needs_time=True) for name in names}
    where = files_text(config.data.paths) or "the data"  # as the sample source says it
    held = held_dtypes(fields, dtype=config.model.dtype, where=where)
    return {name: monthly_climatology(field, train_steps, dtype=held[name]) for name, field in fields.items()}


def pointwise_source(
    config: RunConfig, dataset: xr.Dataset, split: TimeSplit | None = None, *, require_target: bool = True,
    climatologies: Mapping[str, np.ndarray] | None = None,
) -> PointwiseSource:
    """The lazy sample source of ``config.data`` on an opened (and subset) dataset.

    Anomaly features need the split: their climatology is that of the training years (or
    the ``climatologies`` saved with a trained model, see :func:`anomaly_climatologies`); so
    does a ``sample_fraction`` below 1, which thins the training block's samples only.
    Predictors or features not given are chosen from ``dataset`` first
    (:func:`resolve_default_inputs`).
    """
    data = resolve_default_inputs(config, dataset).data
    climatologies = anomaly_climatologies(config, dataset, split, climatologies)
    thinned = None  # sample_fraction gives a cheaper training set; the other blocks are scored on every value
    if data.sample_fraction < 1:
        layout = grid_layout(dataset, data.target, list(data.paths))
        thinned = (split or split_for(config, layout)).time_masks["train"]
    return PointwiseSource(
        dataset,
        target=data.target,
        predictors=data.predictors,
        features=data.features,
        lags=data.lags,
        area_means={name: dataset[name] for name in area_mean_names(data.global_means, data.regional_means)},
        anomalies=climatologies,
        sample_fraction=data.sample_fraction,
        seed=config.training.seed,
        source_files=list(data.paths),
        require_target=require_target,
        season_dated_by=data.season_dated_by,
        thinned_steps=thinned,
        dtype=config.model.dtype,
    )


def split_for(config: RunConfig, layout: GridLayout) -> TimeSplit:
    """The configured train/val/test blocks over the layout's time axis, each named by its
    years, or by its first and last dates where it does not cover those years whole
    (:func:`~climann.data.splits.with_dated_descriptions`). With months crossing the year
    boundary (``--seasons DJF``) the years are season years: December counts with the next
    year's January (:func:`~climann.data.splits.season_years`), so no winter is split."""
    months = selected_months(config)
    before = layout.steps_before_range  # read for persistence and lags only: in no block
    years = season_years(layout.period_times()[before:], months)
    if layout.time_blocks:
        split = split_by_blocks(layout.time_blocks, years)
    elif config.data.split_years:
        split = split_by_year_ranges(years, config.data.split_years)
    else:
        split = split_time_blocks(years, config.data.split_fractions, gap_years=config.data.split_gap_years)
    for note in split.notes:  # a first or last year of a few steps counted with its neighbour (rerun41 R3)
        note_once(run_logger, logging.INFO, note)
    return _with_block_descriptions(_after_steps_before(split, before), layout, months)


def _after_steps_before(split: TimeSplit, before: int) -> TimeSplit:
    """``split`` of the steps after the first ``before`` ones, on the whole axis: the steps
    read from before the chosen period (:attr:`GridLayout.steps_before_range`) in no block."""
    if not before:
        return split
    masks = {name: np.concatenate([np.zeros(before, dtype=bool), mask]) for name, mask in split.time_masks.items()}
    return dataclasses.replace(split, time_masks=masks)


def whole_period_split(config: RunConfig, layout: GridLayout) -> TimeSplit:
    """Every time step of ``layout`` in one block ``all`` (a run scored on other data,
    ``evaluate --data``), named as :func:`split_for` names a run's blocks: by its years
    (``"2000–2005"``), or by its first and last dates where it does not cover those years
    whole (``"2000-03 to 2005-02"``; see :func:`~climann.data.splits.with_dated_descriptions`)."""
    months = selected_months(config)
    before = layout.steps_before_range  # read for persistence and lags only: in no block
    years = season_years(layout.period_times()[before:], months)
    split = TimeSplit({"all": np.ones(len(years), dtype=bool)}, {"all": years_text(years)})
    return _with_block_descriptions(_after_steps_before(split, before), layout, months)


def selected_months(config: RunConfig) -> tuple[int, ...]:
    """The calendar months ``[data] months`` and ``seasons`` keep (empty: all)."""
    return tuple(config.data.months) + season_months(config.data.seasons)


def _with_block_descriptions(split: TimeSplit, layout: GridLayout, months: tuple[int, ...]) -> TimeSplit:
    """The one way a block is named (``metrics.json`` ``split_periods``, ``report.md``, the
    terminal, figure titles): ``split``'s blocks of years dated where they do not cover their
    years whole, at the nominal step of the layout's time axis, and the season-year note."""
    times = layout.period_times()
    return with_season_year_note(with_dated_descriptions(split, times, step=_nominal_step(layout), months=months),
                                 months)


def _nominal_step(layout: GridLayout) -> TimeStep | None:
    """The nominal step of the layout's time axis, each file of ``split_files`` on its own,
    without the target's steps read for a forecast's persistence alone that lead it
    (:attr:`GridLayout.steps_before_common`, in their own order: October of each year before
    the Decembers of November starts made the axis of no step, and a one-December block was
    dated '1997-12-16 12:00' in place of '1997', fix55d)."""
    apart = layout.steps_before_common
    bounds = None if layout.time_bounds is None else np.asarray(layout.time_bounds)[apart:]
    return series_time_step(layout.time.values[apart:], segment_starts=np.maximum(
        layout.time_segment_starts()[apart:] - apart, 0), known_step=layout.known_time_step, bounds=bounds)


def _part_year_step(layout: GridLayout) -> TimeStep | None:
    """The step :func:`warn_about_part_years` reads the blocks' years by: the axis's nominal step
    (:func:`_nominal_step`), or, beside a forecast at a lead of fixed length, whose valid days are
    irregular (S2S starts twice a week), the length of their time cells (:attr:`GridLayout.time_bounds`),
    else a day: the valid days of the last starts that spill into the next year made a test block
    of 2 of 730 forecasts, scored without a word (break54c A3)."""
    from climann.data.time_axis import cell_time_step
    from climann.evaluation.baselines import forecast_lead_time

    step = _nominal_step(layout)
    if step is not None or forecast_lead_time(layout) is None:
        return step
    cells = cell_time_step(np.asarray(layout.time_bounds)) if layout.time_bounds is not None else None
    return cells if cells is not None else TimeStep(duration=datetime.timedelta(days=1))


def warn_about_part_years(config: RunConfig, layout: GridLayout, split: TimeSplit) -> None:
    """Warn (on the terminal and in ``train.log``), in one line, when a block of ``train``'s
    split by years holds less than one year (:func:`~climann.data.splits.part_year_blocks`:
    data ending in January give a test block of that January alone), with the way out: a
    ``--time-range`` of whole years, or the blocks' years chosen in ``[data] split_years``.
    Nothing when every block holds a year.

    A block of whole years holding a gap is no such block: it covers its year from its
    first month to its last.
    """
    months = selected_months(config)
    _warn_about_one_year(layout, split)
    _warn_about_cut_seasons(config, layout, split)
    short = part_year_blocks(split, layout.period_times(), step=_part_year_step(layout), months=months)
    if not short:
        return
    before = layout.steps_before_range
    years = season_years(layout.period_times()[before:], months)
    first, last = int(years.min()), int(years.max())
    blocks = "; ".join(f"the {name} block holds {count} time step{'s' * (count != 1)} "
                       f"({compact_periods(split.descriptions[name])})" for name, count in short.items())
    labels = split.labels()[before:]
    held = {int(years[labels == name][0]) for name in short}
    start, end = first + (first in held), last - (last in held)
    # leaving a year out helps only where at least three years stay: fewer are split by time steps,
    # one summer cut in three (break51b A2: --time-range 2010,2010 of JJA 2009–2011)
    kept = {int(year) for year in years if start <= year <= end}
    way_out = (f"leave that year out, --time-range {start},{end}, or choose the blocks' years in "
               if held & {first, last} and len(kept) >= 3 else "choose the blocks' years in ")
    run_logger.warning(f"{blocks}: less than a year (the split gives each block whole years of the data, "
                       f"{compact_periods(years_text(years))}, and the data hold that part of its year), so its "
                       f"scores are of part of the seasonal cycle; {way_out}[data] split_years")


def _warn_about_cut_seasons(config: RunConfig, layout: GridLayout, split: TimeSplit) -> None:
    """Warn, in one line, when the data are a seasonal subset across the new year (a file of
    DJF) and the split by calendar years puts one winter in two blocks at each boundary
    (:func:`~climann.data.seasonal_subsets.seasons_cut_by_calendar_years`), with the option that
    splits by winters (``--seasons DJF``: December counted with the next year, every month of
    the file kept). The split is not changed unasked: runs trained before keep their blocks."""
    if selected_months(config) or layout.time_blocks:
        return  # months selected: the split already counts season years; split_files: the files are the blocks
    before = layout.steps_before_range
    subset, cut = seasons_cut_by_calendar_years(layout.period_times()[before:], split.labels()[before:])
    if not cut:
        return
    run_logger.warning(
        f"the data are a seasonal subset, {subset.text}, split by calendar years, which puts "
        f"{len(cut)} season{'s' * (len(cut) > 1)} in two blocks ({'; '.join(cut)}): the same season's months, "
        f"close in time, trained on and scored; to split by whole seasons{season_year_note(subset.months)} "
        f"train with {subset.selection} (or [data] {_selection_key(subset.selection)}), which keeps every month "
        "of these data")


def _selection_key(option: str) -> str:
    """``seasons = ["DJF"]`` for ``--seasons DJF``, ``months = [11, 12, 1]`` for ``--months 11,12,1``."""
    key, value = option.removeprefix("--").split(" ")
    return f'seasons = ["{value}"]' if key == "seasons" else f"months = [{value.replace(',', ', ')}]"


def _warn_about_one_year(layout: GridLayout, split: TimeSplit) -> None:
    """Warn, in one line, when the data hold one year only and the split's blocks are its
    consecutive steps (:func:`~climann.data.splits.split_time_blocks` with fewer than three
    years): the test block is a part of the year the network never trained on, not unseen
    years. Twelve monthly steps may be a climatology whose CF mark is missing (PMIP's
    ``Aclim`` without a ``climatology`` attribute, break32b A5b; a marked one is refused,
    :func:`~climann.data.climatology_axes.climatology_axes`): said, with what to give."""
    before = layout.steps_before_range
    times = layout.period_times()[before:]
    if len({time.year for time in times}) != 1 or split.year_ranges is not None or "test" not in split.time_masks:
        return
    step = _nominal_step(layout)
    precision = "month" if step is not None and step.months else "day"
    dated = {name: mask[before:] for name, mask in split.time_masks.items() if mask[before:].any()}
    blocks = ", ".join(f"{name} {date_text(times[mask][0], precision=precision)} to "
                       f"{date_text(times[mask][-1], precision=precision)}" for name, mask in dated.items())
    twelve_months = step is not None and step.months == 1 and len(times) == 12
    climatology = ("; if its 12 months are a climatology (averaged over years, as PMIP's Aclim tables: CF §7.4 "
                   "marks one by a climatology attribute or cell_methods 'time: mean within years time: mean over "
                   "years'), they are no series to train on: give the yearly series it was computed from"
                   if twelve_months else "")
    run_logger.warning(f"the data hold one year only ({len(times)} time steps), so the blocks are parts of it "
                       f"({blocks}): the scores are of parts of the year the network never saw, not of unseen "
                       f"years{climatology}")


def field_samples(
    config: RunConfig, dataset: xr.Dataset, *, climatologies: Mapping[str, np.ndarray] | None = None,
    require_target: bool = True,
) -> FieldSamples:
    """The field-mode samples of ``config.data`` on an opened (and subset) dataset, with the
    anomaly inputs taken from the training years (or from the ``climatologies`` saved with a
    trained model, see :func:`anomaly_climatologies`)."""
    data = resolve_default_inputs(config, dataset).data
    return build_field_samples(
        dataset, target=data.target, predictors=data.predictors, features=data.features,
        field_inputs=data.field_inputs, source_files=list(data.paths),
        area_means={name: dataset[name] for name in area_mean_names(data.global_means, data.regional_means)},
        lags=data.lags, anomalies=anomaly_climatologies(config, dataset, saved=climatologies),
        require_target=require_target, season_dated_by=data.season_dated_by, dtype=config.model.dtype,
    )


def build_samples(
    config: RunConfig, source: PointwiseSource | None = None, *, units: Mapping[str, str] | None = None,
    climatologies: Mapping[str, np.ndarray] | None = None, dataset: xr.Dataset | None = None,
    grid: Mapping[str, list[float]] | None = None,
) -> PointwiseSamples | FieldSamples:
    """The samples of ``config.data`` in memory: pointwise (from ``source`` when given) or field mode;
    ``units`` and ``grid`` as in :func:`open_selected`, ``climatologies`` as in :func:`anomaly_climatologies`;
    ``dataset``: the data as :func:`open_selected` opens them, opened here when not given."""
    if source is not None and config.data.mode == "pointwise":
        return source.read_all()
    dataset = open_selected(config, units=units, grid=grid) if dataset is None else dataset
    if config.data.mode == "field":
        return field_samples(config, dataset, climatologies=climatologies)
    return pointwise_source(config, dataset, climatologies=climatologies).read_all()


def _pooled_scaler(values: np.ndarray, name: str) -> Standardizer:
    """One mean and standard deviation for every output (a map's cells), NaN and ±inf skipped
    (missing, as the samples' mask has them; SPEIbase's -inf made both NaN: break34b A4):
    scaling each cell on its own would blow up nearly constant cells."""
    finite = values[np.isfinite(values)].astype(np.float64)
    mean, std = (float(finite.mean()), float(finite.std())) if finite.size else (np.nan, np.nan)
    if not std > 0:
        raise ClimannError(f"the target '{name}' does not vary over the training block")
    n_outputs = values.shape[1]
    return Standardizer(mean=np.full(n_outputs, mean), std=np.full(n_outputs, std), names=(name,) * n_outputs)


def target_climatology(samples: PointwiseSamples, train_steps: np.ndarray, *, window_days: int) -> np.ndarray:
    """The target's climatology of the training block, as the climatology baseline takes it
    (:func:`climann.evaluation.baselines.seasonal_climatology`: per calendar month, per day of
    year for daily data, per day of year and hour for sub-daily data, these two smoothed over
    ``window_days`` days of the year, ``[evaluation] climatology_window_days``), rounded to
    the type the target is held in (float32; float64 where float32 would lose its variation,
    :mod:`climann.data.value_precision`) so that the copy saved in ``model.npz`` is exact.

    Returns
    -------
    ndarray, shape (12 or 366, n_lat, n_lon), float32 or float64 (``layout.value_dtype``)
    """
    from climann.evaluation.baselines import seasonal_climatology

    layout = samples.layout
    return seasonal_climatology(target_grid(samples), layout.time.values, train_steps, window_days=window_days,
                                value_step=layout.climatology_value_step,
                                dates=layout.period_times()).astype(layout.value_dtype)


def target_grid(samples: PointwiseSamples) -> np.ndarray:
    """The samples' target on the grid, shape (n_time, n_lat, n_lon), float64, NaN where no
    sample is (the values :func:`target_climatology` is taken from)."""
    if samples.target_field is not None:
        return samples.target_field.astype(np.float64)
    return samples.layout.to_grid(samples.target[:, 0].astype(np.float64), samples.flat_index)


def say_time_axis_notes(layout: GridLayout) -> None:
    """Say the warnings about the time axis of ``layout`` that its climatology keys give
    (:func:`climann.evaluation.baselines.key_time_step`: no regular step, uneven spacings),
    before the training and with commands on the target's first file
    (:mod:`climann.data.time_commands`): the evaluation, which has only the times, said them
    after the training with ``IN OUT`` in place of the file, and says each only once."""
    from climann.evaluation.baselines import climatology_keys

    if len(layout.time.values):
        climatology_keys(layout.time.values, known_step=layout.known_time_step,
                         value_step=layout.climatology_value_step,
                         source=time_source(layout.files_of(layout.target_name), layout.time.name))


def climatology_rows(layout: GridLayout, climatology: np.ndarray, *, calendar: str | None = None,
                     keys: ClimatologyKeys | None = None) -> np.ndarray:
    """The row of ``climatology`` (from :func:`target_climatology`) for each time step of
    ``layout``, 0-based, shape (n_time,).

    ``keys``: what the climatology is taken per (a trained run's, saved in ``model.npz``,
    :func:`climann.workflow.predict.saved_climatology_keys`); None: the data's own keys
    (:func:`climann.evaluation.baselines.climatology_keys`, by their nominal step, or by the
    run's training step for a single time step). ``calendar``: the one the climatology's days
    of year are counted in (the training data's); data in another are looked up at the same
    fraction of the year (:func:`climann.evaluation.baselines.climatology_days`). None: the
    data's own.

    Raises
    ------
    ClimannError
        If the data's own keys are not the climatology's (data of another time step), or the
        climatology is on another grid than the data.
    """
    from climann.evaluation.baselines import climatology_keys, key_time_step

    times = layout.time.values
    own = climatology_keys(times, known_step=layout.known_time_step, value_step=layout.climatology_value_step,
                           source=time_source(layout.files_of(layout.target_name), layout.time.name))
    if keys is None:
        keys = own
    elif own.month_periods and keys.window_days and not keys.fits(own):
        raise ClimannError(_windows_for_periods_text(keys, own))
    elif (not keys.fits(own)  # first: the step of half-months is no nominal one, and would be warned about
          and key_time_step(times, layout.known_time_step, value_step=layout.climatology_value_step) is not None):
        if layout.value_periods is not None and keys.window_days and not keys.month_periods:
            raise ClimannError(_strided_periods_text(keys, own))
        raise ClimannError(f"the target's training climatology is per {keys.description} but these data need one "
                           f"per {own.description}: give data at the training time step")
    if climatology.shape[0] != keys.count:
        raise ClimannError(
            f"the target's training climatology has {climatology.shape[0]} rows but these data need one per "
            f"{keys.per}: give data at the training time step"
        )
    if climatology.shape[1:] != layout.shape[1:]:
        raise ClimannError(
            f"the target's training climatology is on the {climatology.shape[1]}×{climatology.shape[2]} training "
            f"grid; the data are on {layout.shape[1]}×{layout.shape[2]}: regrid them to the training grid"
        )
    return keys.of(times, calendar=calendar, dates=layout.period_times()) - 1


def _windows_for_periods_text(keys: ClimatologyKeys, own: ClimatologyKeys) -> str:
    """Why a run's climatology keyed by windows of the year (``keys``, a model file written before
    climann keyed half-months and dekads by their place in the year, break38b A2) cannot be
    looked up for half-months or dekads (``own``), and what to do: the data are of the step the
    run was trained on, so "give data at the training time step" could not be followed."""
    period = MONTH_PERIOD_NAMES[own.month_periods]
    return (f"the run's training climatology of the target (model.npz) is per {keys.description}, as climann "
            f"keyed {period}s before it keyed them per {own.per} (model files written before 5 December 2026); "
            f"such windows drift through the {period}s (two {period}s in some windows, none in others), so its rows "
            f"are not these {period}s' and cannot be looked up for them, though the data are of the step the run was "
            f"trained on; retrain the run on its data (climann train --config RUN/config.toml) for a climatology per "
            f"{own.per}")


def _strided_periods_text(keys: ClimatologyKeys, own: ClimatologyKeys) -> str:
    """Why a run trained on periods of the year thinned by ``time_stride`` (every other CPC pentad)
    before fix41c cannot look up its climatology (``keys``: windows of the kept steps' spacing,
    10 days for every other pentad, each pooling two pentads) for data of that same thinning, now
    keyed by each step's own period (``own``): "give data at the training time step" could not be
    followed (the data are of that step); retraining keys the climatology per period."""
    return (f"the run's training climatology of the target (model.npz) is per {keys.description}: climann keyed "
            f"the steps time_stride kept by their spacing before it keyed each by its own {own.per} (model files "
            f"written before 6 December 2026), which pooled neighbouring periods in one row; these data are of the "
            f"step the run was trained on, and need one per {own.per}, which the saved rows are not; retrain the run "
            f"on its data (climann train --config RUN/config.toml) for a climatology per {own.per}")


def climatology_offset(samples: PointwiseSamples, climatology: np.ndarray, *, calendar: str | None = None,
                       keys: ClimatologyKeys | None = None) -> np.ndarray:
    """The ``climatology`` (from :func:`target_climatology`) at each sample's cell and time
    of year, shape (n_samples, 1), float64; NaN where it is undefined. ``calendar`` and
    ``keys`` as in :func:`climatology_rows`.

    Raises
    ------
    ClimannError
        If the climatology is per another time of year or on another grid than the samples.
    """
    layout = samples.layout
    rows = climatology_rows(layout, climatology, calendar=calendar, keys=keys)[samples.time_index]
    cells = samples.flat_index % layout.n_cells
    return climatology.reshape(climatology.shape[0], -1)[rows, cells].astype(np.float64)[:, None]


def _anomaly_target(
    config: RunConfig, samples: PointwiseSamples, split: TimeSplit, sample_masks: dict[str, np.ndarray],
    saved: np.ndarray | None = None, saved_calendar: str | None = None, saved_keys: ClimatologyKeys | None = None,
) -> tuple[np.ndarray | None, np.ndarray | None, np.ndarray]:
    """``[data] target_anomaly``: (climatology, per-sample offset, target to scale): the
    training block's climatology (or the ``saved`` one of a trained model, counted in
    ``saved_calendar`` and taken per ``saved_keys``), and y − offset.
    Samples whose climatology is undefined (no training value at that cell and time of year)
    leave every block's mask. Without the option: (None, None, the target unchanged)."""
    if not config.data.target_anomaly:
        return None, None, samples.target
    if isinstance(samples, FieldSamples):
        raise ClimannError('[data] target_anomaly needs mode = "pointwise"')
    climatology = (target_climatology(samples, split.time_masks["train"],
                                      window_days=config.evaluation.climatology_window_days)
                   if saved is None else saved)
    offset = (climatology_offset(samples, climatology) if saved is None
              else climatology_offset(samples, climatology, calendar=saved_calendar, keys=saved_keys))
    for name, mask in sample_masks.items():
        sample_masks[name] = mask & np.isfinite(offset[:, 0])
    anomaly = samples.target - offset
    if saved is None and not np.ptp(anomaly[sample_masks["train"]]) > 0:
        raise ClimannError(
            "[data] target_anomaly: the target equals its training climatology everywhere in the training block "
            "(one training year per time of year leaves no anomaly to learn): train on more years or drop the option"
        )
    return climatology, offset, anomaly


def empty_block_error(config: RunConfig, split: TimeSplit, name: str,
                      source: PointwiseSource | None = None) -> ClimannError:
    """The error of a block of the split without a complete sample, with its cause
    (:func:`climann.data.pointwise.no_complete_sample_text`) when the samples are pointwise
    (``source``; read again, block by block, only to say why)."""
    problem = (f"the {name} block ({compact_periods(split.descriptions[name])}) has no sample with "
               f"'{config.data.target}' and every feature present")
    if config.data.mode != "pointwise":
        return ClimannError(problem)
    source = source or pointwise_source(config, open_selected(config))
    n_target, missing = source.missing_where_target_present(split.time_masks[name])
    held, time_range = None, None
    if not n_target:  # where the target has values at all: the period to choose
        steps = np.flatnonzero(source.target_steps())
        if steps.size:
            times = source.layout.period_times()
            held = f"{month_text(times[steps[0]])} to {month_text(times[steps[-1]])}"
            time_range = held_time_range(times, int(steps[0]), int(steps[-1]))
    return ClimannError(no_complete_sample_text(problem, config.data.target, n_target, missing, held,
                                                time_range=time_range, levels=source.layout.scalar_coordinates))


def warn_steps_without_target(split: TimeSplit, present: np.ndarray, target: str, times: np.ndarray, *,
                              scored: np.ndarray | None = None) -> None:
    """Say, once per block, which of its time steps hold no value of the target anywhere.

    A block named by its years ("the test block (2017)") whose target is missing at whole time
    steps (the ERA5T months of a version left out, a month the file lacks as a field of fill
    values) is scored on fewer steps than its name says; the warning names them, and how many
    steps its scores cover: fewer again where a step holds values of the target but no complete
    sample (the month after a missing one, when the target is lagged: break29a A4, "its scores
    cover the other 94" of a block scored on 92).

    Parameters
    ----------
    split : TimeSplit
    present : ndarray of bool, shape (n_time,)
        Whether the target has a value at some cell at each time step.
    target : str
        The target's name.
    times : ndarray, shape (n_time,)
        The time axis (datetime64 or cftime), for the dates shown.
    scored : ndarray of bool, shape (n_time,), optional
        Whether each time step holds a complete sample (target and every feature present);
        None: every step that holds the target.
    """
    scored = present if scored is None else np.asarray(scored, dtype=bool) & present
    for name, steps in split.time_masks.items():
        empty = np.flatnonzero(np.asarray(steps, dtype=bool) & ~present)
        if empty.size == 0:
            continue
        n_steps = int(np.count_nonzero(steps))
        if empty.size == n_steps:  # no value at all: the block is refused (empty_block_error)
            continue
        unscored = np.flatnonzero(np.asarray(steps, dtype=bool) & present & ~scored)
        covered = (f"its scores cover the other {n_steps - empty.size}" if not unscored.size else
                   f"its scores cover {n_steps - empty.size - unscored.size} (at {unscored.size} more, "
                   f"{_dates_text(unscored, times)}, no value has every feature present: a lag of a step without "
                   "values, or a missing predictor)")
        note_once(run_logger, logging.WARNING,
                  f"the {name} block ({compact_periods(split.descriptions[name])}) has no value of '{target}' at "
                  f"{empty.size} of its {n_steps} time steps ({_dates_text(empty, times)}): {covered}")


def _dates_text(steps: np.ndarray, times: np.ndarray) -> str:
    """``1995-03-01, 1995-04-01``: the dates of ``steps``, the first two and the last of more than three;
    each with its hour (``2018-01-10 06:00``) when the time axis has several steps a day there
    (6-hourly steps read "2018-01-10, 2018-01-10, …": break29b A7)."""
    shown = list(steps) if len(steps) <= 3 else [steps[0], steps[1], steps[-1]]
    sub_daily = any(date_text(times[near], precision="day") == date_text(times[step], precision="day")
                    for step in shown for near in (step - 1, step + 1) if 0 <= near < len(times))
    days = [date_text(times[step], precision="minute" if sub_daily else "day") for step in shown]
    return ", ".join(days) if len(steps) <= 3 else f"{days[0]}, {days[1]}, …, {days[-1]}"


def warn_dropped_targets(dropped: DroppedTargets | None, layout: GridLayout) -> str | None:
    """Warn when missing predictors drop more than
    :data:`~climann.data.dropped_targets.MAX_DROPPED_SHARE` of the target's values, saying how
    those differ from the values kept (:func:`~climann.data.dropped_targets.dropped_target_warning`):
    the scores are of the rest (break33b B2, HadISST's sea ice scored on open water only).

    Parameters
    ----------
    dropped : DroppedTargets or None
        As the samples (in memory) or the chunks' score sums (streamed) counted them; None: not counted.
    layout : GridLayout
        The target's name and units.

    Returns
    -------
    str or None
        The warning (once per run on the terminal and in train.log), or None.
    """
    line = None if dropped is None else dropped_target_warning(
        dropped, layout.target_name, layout.target_units, trained_run=layout.for_trained_run)
    if line:
        note_once(run_logger, logging.WARNING, line)
    return line


def dropped_target_entry(dropped: DroppedTargets | None, layout: GridLayout) -> dict:
    """``metrics.json``'s record of the target's values a missing feature dropped:
    ``n_target_dropped`` (beside ``n_dropped``, which counts every grid point without target or
    feature) and, above :data:`~climann.data.dropped_targets.MAX_DROPPED_SHARE`,
    ``target_dropped_note`` (the warning, shown in report.md); empty when not counted (field mode,
    no target required)."""
    if dropped is None:
        return {}
    line = dropped_target_warning(dropped, layout.target_name, layout.target_units,
                                  trained_run=layout.for_trained_run)
    return {"n_target_dropped": int(dropped.n_dropped), **({"target_dropped_note": line} if line else {})}


def prepare_data(
    config: RunConfig, source: PointwiseSource | None = None, *, dataset: xr.Dataset | None = None
) -> PreparedData:
    """Open the files, subset them, build samples, split them in time, standardise.

    The scalers are fit on the training block only. ``config.data.paths`` must already be
    resolved (see :func:`resolve_inputs`); ``source`` and ``dataset`` (the data as
    :func:`open_selected` opens them) are used instead of opening the files when given.

    Raises
    ------
    ClimannError
        For any problem with the data (see the data layer), or a block without samples.
    """
    samples = build_samples(config, source, dataset=dataset)
    split = split_for(config, samples.layout)
    say_time_axis_notes(samples.layout)
    sample_masks = {name: split.time_masks[name][samples.time_index] for name in SPLIT_NAMES}
    for name, mask in sample_masks.items():
        if not mask.any():
            raise empty_block_error(config, split, name, source)
    if samples.target_field is not None:
        n_time = samples.target_field.shape[0]
        warn_steps_without_target(split, np.isfinite(samples.target_field).reshape(n_time, -1).any(axis=1),
                                  config.data.target, samples.layout.time.values,
                                  scored=np.bincount(samples.time_index, minlength=n_time) > 0)
    warn_dropped_targets(getattr(samples, "dropped_targets", None), samples.layout)
    climatology, offset, target = _anomaly_target(config, samples, split, sample_masks)
    train_mask, dtype = sample_masks["train"], config.model.dtype
    input_scaler = Standardizer.fit(samples.inputs[train_mask], samples.feature_names)
    if offset is not None:
        target_scaler = Standardizer.fit(target[train_mask], (config.data.target,), role="target")
        scaled_target, target_mask = target_scaler.transform(target, dtype), None
    elif isinstance(samples, FieldSamples):
        target_scaler = _pooled_scaler(samples.target[train_mask], config.data.target)
        scaled_target = np.where(samples.mask, target_scaler.transform(samples.target, dtype), 0).astype(dtype)
        target_mask = samples.mask
    else:
        target_scaler = Standardizer.fit(samples.target[train_mask], (config.data.target,), role="target")
        scaled_target, target_mask = target_scaler.transform(samples.target, dtype), None
    return PreparedData(
        samples=samples,
        split=split,
        sample_masks=sample_masks,
        input_scaler=input_scaler,
        target_scaler=target_scaler,
        scaled_inputs=input_scaler.transform(samples.inputs, dtype),
        scaled_target=scaled_target,
        target_mask=target_mask,
        target_climatology=climatology,
        target_offset=offset,
    )


def prepared_for_training(
    config: RunConfig, source: PointwiseSource | None, *, streamed: bool, dataset: xr.Dataset | None = None
) -> PreparedData | None:
    """What ``climann train`` checks (and prepares) of the data before it trains.

    In memory, the prepared data (:func:`prepare_data`); streamed, nothing more is read
    here. Either way, that ``predictions.nc`` can be written with the input's time encoding
    (:func:`climann.evaluation.predictions.check_predictions_encodable`), so that nothing
    fails after training.

    Parameters
    ----------
    config : RunConfig
        With resolved paths and inputs (:func:`resolve_inputs`, :func:`resolve_default_inputs`).
    source, streamed
        From :func:`sample_source`.
    dataset : xarray.Dataset, optional
        The data as :func:`open_selected` opens them (:func:`opened_for_run`); opened when
        needed and not given.

    Returns
    -------
    PreparedData or None
        None when streamed.

    Raises
    ------
    ClimannError
        For any problem with the data.
    """
    if streamed:
        check_predictions_encodable(source.layout, config.evaluation.baselines)
        return None
    data = prepare_data(config, source, dataset=dataset)
    check_predictions_encodable(data.samples.layout, config.evaluation.baselines)
    return data


#: ``climann info`` reads the values to check its config (:func:`check_trains`) only for
#: samples up to this size, so that it stays quick on large files (a 125 MB file's check
#: took 27 s and 1.3 GB more); beyond it, ``train`` checks the values when it reads them.
INFO_VALUES_LIMIT_GB = 0.1


def check_trains(settings: Mapping[str, Mapping], *, values_up_to_gb: float | None = None) -> bool:
    """Make the checks ``climann train --config`` makes before training, on the settings of a
    config file (as :func:`climann.workflow.config.load_config_file` reads them), quietly:
    the inputs it would choose are not logged. ``climann info`` checks its config with it.

    Parameters
    ----------
    settings : mapping
        The config file's tables.
    values_up_to_gb : float, optional
        Read and check the values (the samples, the split, constant features) only when the
        samples take at most this many GB; beyond it only what ``train`` checks before it
        reads them (files, grid, time axis, the predictions file's encoding). None: always,
        as ``train`` does.

    Returns
    -------
    bool
        Whether the values were checked.

    Raises
    ------
    ClimannError
        The first problem ``climann train`` would refuse the settings or the data for.
    """
    disabled, run_logger.disabled = run_logger.disabled, True
    try:
        config = resolve_inputs(build_config({k: dict(v) for k, v in settings.items()}))
        with files_given(_given_files(config)):  # advice names only these (break46b A4)
            config, dataset = opened_for_run(config)
            source, streamed = sample_source(config, dataset)
            large = (source is not None and values_up_to_gb is not None
                     and estimated_bytes(source) > values_up_to_gb * 2**30)
            prepared_for_training(config, source, streamed=streamed or large, dataset=dataset)
            return not (streamed or large)
    finally:
        run_logger.disabled = disabled


def _given_files(config: RunConfig) -> list[Path]:
    """The files ``config`` names (``[data] paths`` and ``split_files``, patterns expanded) that
    exist now: those the user gave (:func:`~climann.data.shell.files_given`)."""
    found = []
    for pattern in [*config.data.paths, *(file for files in config.data.split_files.values() for file in files)]:
        try:
            found += expand_paths([pattern])
        except ClimannError:  # refused where it is read
            continue
    return found


def prepared_with_scalers(
    config: RunConfig, input_scaler: Standardizer, target_scaler: Standardizer, *, whole_period: bool = False,
    units: Mapping[str, str] | None = None, climatologies: Mapping[str, np.ndarray] | None = None,
    target_climatology: np.ndarray | None = None, dataset: xr.Dataset | None = None,
    grid: Mapping[str, list[float]] | None = None, climatology_calendar: str | None = None,
    climatology_keys: ClimatologyKeys | None = None,
) -> PreparedData:
    """Samples of ``config.data``, split as configured (or as one block ``all``), scaled with
    given scalers — those of a trained model, never refitted on these data — and with the
    variables in the model's ``units`` on its ``grid`` (see :func:`open_selected`) and anomalies from its
    ``climatologies`` (see :func:`anomaly_climatologies`); with ``[data] target_anomaly``
    the target's climatology is its saved ``target_climatology`` (recomputed from the
    training block when None), counted in ``climatology_calendar`` (the training data's; None
    for model files that predate its record: the data's own) and taken per
    ``climatology_keys`` (see :func:`climatology_rows`); ``dataset`` as in
    :func:`build_samples`."""
    samples = build_samples(config, units=units, climatologies=climatologies, dataset=dataset, grid=grid)
    if whole_period:
        split = whole_period_split(config, samples.layout)
    else:
        split = split_for(config, samples.layout)
    dtype = config.model.dtype
    sample_masks = {name: mask[samples.time_index] for name, mask in split.time_masks.items()}
    if config.data.target_anomaly and target_climatology is None and whole_period:
        raise ClimannError("this run's model.npz does not hold the target's training climatology that "
                           "[data] target_anomaly needs: retrain the run")
    climatology, offset, target = _anomaly_target(config, samples, split, sample_masks, target_climatology,
                                                  climatology_calendar, climatology_keys)
    scaled = ({"scaled_target": target_scaler.transform(target, dtype), "target_mask": None} if offset is not None
              else _scaled_target(samples, target_scaler, dtype))
    return PreparedData(
        samples=samples,
        split=split,
        sample_masks=sample_masks,
        input_scaler=input_scaler,
        target_scaler=target_scaler,
        scaled_inputs=input_scaler.transform(samples.inputs, dtype),
        **scaled,
        target_climatology=climatology,
        target_offset=offset,
    )


def _scaled_target(samples: PointwiseSamples | FieldSamples, target_scaler: Standardizer, dtype: str) -> dict:
    """``scaled_target`` and ``target_mask`` of :class:`PreparedData`: in field mode the
    missing cells are masked (zero, and False in the mask)."""
    if isinstance(samples, FieldSamples):
        scaled = np.where(samples.mask, target_scaler.transform(samples.target, dtype), 0).astype(dtype)
        return {"scaled_target": scaled, "target_mask": samples.mask}
    return {"scaled_target": target_scaler.transform(samples.target, dtype), "target_mask": None}


def exceeds_memory_limit(source: PointwiseSource, config: RunConfig) -> bool:
    """Whether the samples of ``source`` (:func:`~climann.data.batches.estimated_bytes`) exceed
    ``[data] in_memory_limit_gb``: a run on them is streamed, never held in memory whole.

    Parameters
    ----------
    source : PointwiseSource
        The run's sample source (opened lazily: nothing is read).
    config : RunConfig

    Returns
    -------
    bool
    """
    return estimated_bytes(source) > config.data.in_memory_limit_gb * 2**30


def sample_source(config: RunConfig, dataset: xr.Dataset | None = None) -> tuple[PointwiseSource | None, bool]:
    """The pointwise sample source (None in field mode) and whether it must be streamed:
    its samples exceed ``[data] in_memory_limit_gb``; ``dataset``: the data as
    :func:`open_selected` opens them, opened here when not given."""
    if config.data.mode != "pointwise":
        return None, False
    source = pointwise_source(config, open_selected(config) if dataset is None else dataset)
    streamed = exceeds_memory_limit(source, config)
    if streamed and config.data.target_anomaly:
        raise ClimannError(
            f"[data] target_anomaly needs the samples in memory, and they exceed in_memory_limit_gb = "
            f"{config.data.in_memory_limit_gb:g}: raise it, or subset the data (region, time_range, grid_stride)"
        )
    return source, streamed


def record_split(config: RunConfig, split: TimeSplit) -> RunConfig:
    """The configuration with the split written as the year ranges actually used, so that
    the run directory's ``config.toml`` says (and reproduces) which years were which."""
    if split.year_ranges is None:
        return config
    return dataclasses.replace(config, data=dataclasses.replace(config.data, split_years=split.year_ranges))
