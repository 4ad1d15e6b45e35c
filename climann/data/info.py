"""What climann sees in NetCDF files: a report as TOML comments, then a config that trains.

:func:`describe` backs ``climann info PATH...``: the files, the data variables (units,
dimensions, missing values), the grid and its conventions, the time axis and its calendar,
extra dimensions to ``select``, each line a TOML comment (``# …``); then a ``[data]`` section
with the inputs :mod:`climann.data.defaults` chooses, the same as ``climann train`` chooses
when they are not given. The whole output is valid TOML, so ``climann info FILE > my.toml``
then ``climann train --config my.toml`` trains as it is: ``climann info`` prints the config
only when the checks ``train`` makes before training pass (see :func:`describe`'s ``check``),
else "No config to start from: <why>" (then ``climann info`` exits 2 with that reason,
:func:`no_config_reason`).
"""

from __future__ import annotations

import datetime
import itertools
import json
import re
import tomllib
import warnings
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path

import dask
import numpy as np
import xarray as xr

from climann.data.composites import period_cells, period_positions
from climann.data.age_axes import AgeAlong, age_along_dimension, age_axis_advice
from climann.data.ancillary import ancillary_in_itself
from climann.data.cell_bounds import MADE_BOUNDS_KEY
from climann.data.containers import groups_beside_root_note, grouped_variables, input_size
from climann.data.coordinate_values import position_kind
from climann.data.coords import FILE_TIME_COORDINATE, find_coordinate, is_staggered
from climann.data.grid_axis_variables import READING_KEY
from climann.data.infinite_values import note_infinite_values, planned_missing_counts
from climann.data.circular import is_direction, refuse_direction_target
from climann.data.corner_arrays import CORNERS_READ_KEY
from climann.data.latitude_weights import WEIGHTS_READ_KEY
from climann.data.climatology_axes import CLIMATOLOGIES_KEY
from climann.data.cyclic import DROPPED_KEY
from climann.data.repeated_cells import USED_ONCE_KEY
from climann.data.time_encodings import time_encoding_names
from climann.data.defaults import default_inputs, say_metric_areas
from climann.data.ensemble_spreads import ensemble_spread_reason
from climann.data.running_totals import planned_running_totals, running_total_reasons
from climann.data.flags import codes_of_a_quantity, flag_classes
from climann.data.identifiers import class_map_values
from climann.data.forecast_times import (
    LEAD_MONTH_NAMES, calendar_months_per_unit, first_choices, forecast_valid_times, forecast_variables, is_dated,
    is_forecast_period, lead_month_of_months,
)
from climann.data.geometry import encircled_pole, longitude_ends, longitude_ends_text, steps_around_the_circle
from climann.data.grid_points import named_points, on_points_of
from climann.data.grids import horizontal_grid
from climann.data.layout import Coordinate
from climann.data.levels import is_level, ml2pl_needs, parametric_level
from climann.data.members import is_member_axis
from climann.data.ncl_initial_times import one_record_dating_advice
from climann.data.notes import notes_grouped_by_file
from climann.data.sources import files_text
from climann.data.open import (
    check_files_of_one_simulation,
    check_undated_files,
    REGRID_ADVICE, check_forecast_names, to_one_grid, expand_paths, files_on_the_most_common_grid,
    forecasts_to_choose_in, months_of_files, open_dataset, open_input,
)
from climann.data.paths import path_list
from climann.data.renames import FileRenames, toml_rename_table
from climann.data.point_pairs import files_at_different_places
from climann.data.run_outputs import refuse_run_directory, run_outputs
from climann.data.shell import files_given, wrapped_lines
from climann.data.short_cells import short_cells_found, warn_short_cells
from climann.data.seasonal_subsets import seasonal_subset
from climann.data.stations import SeveralStations
from climann.data.subset import coordinates_along, select_values
from climann.data.text_times import digit_dates, text_dates_in
from climann.data.time_units import TIME_STORAGE_KEY, time_units_problem
from climann.data.time_axis import (  # noqa: F401 (re-exported)
    MONTH_STEP_NAMES, PeriodStep, TimeStep, coarse_storage_text, date_text, time_step_positions,
)
from climann.data.user_types import user_type_kind
from climann.data.variables import data_variable_names, grid_layout, variable_levels
from climann.data.vector_frames import warn_frame_mismatch
from climann.data.absolute_zero import BELOW_ABSOLUTE_ZERO_KEY, planned_below_absolute_zero
from climann.data.fill_like import read_together
from climann.data.flags import meaning_of_code, values_with_meanings
from climann.errors import ClimannError



def describe(
    paths: str | Sequence[str], *, overlap: str = "error", check: Callable[[dict], bool | None] | None = None,
    select: Mapping[str, object] | None = None, rename: Mapping[str, Mapping[str, str]] | None = None,
    worded: Callable[[str], str] | None = None,
) -> str:
    """A report of what climann sees in NetCDF files, as TOML comments, and a config to train.

    Reads every data variable once (in one dask computation) to count missing values and find
    the totals accumulated since a start by their values (left out of the default predictors,
    as ``train`` refuses them), and a few time steps of the target and its candidate predictors (a second one) to choose
    the default predictors.

    Parameters
    ----------
    paths : str or sequence of str
        Files, glob patterns or directories, as in ``[data] paths`` (one alone: a str).
    overlap : {"error", "first", "last"}
        Times held twice, as ``[data] overlap`` (written into the suggested config when not
        "error").
    check : callable, optional
        Called with the suggested config's settings (``{"data": {...}}``, as read from the
        TOML); the ``ClimannError`` it raises replaces the config by "No config to start
        from: <why>". ``climann info`` passes the checks ``climann train`` makes before
        training (:func:`climann.workflow.preparation.check_trains`), so that the config it
        prints trains as it is (reading the values only for samples up to
        :data:`~climann.workflow.preparation.INFO_VALUES_LIMIT_GB`: when it returns False,
        a line under the config's heading says the values were not read). Without it, only
        the grid and time axis are checked (:func:`climann.data.variables.grid_layout`, as
        ``train`` does).
    select : mapping of dimension name to value, optional
        One value of extra dimensions, as ``[data] select`` (``climann info --select``): the
        report is of what ``train`` reads with it (one station of a station file, one level),
        and the config keeps it. A file of several stations without one chosen is described
        (a Stations section: their count, names and positions, :func:`~climann.data.stations.stations_summary`),
        the rest of the report and the config being of its first station (break36b B3: info
        refused it, advising a ``--select`` that info did not take).
    rename : mapping of glob pattern to {old name: new name}, optional
        Variables renamed in the files matching each pattern, as ``[data] rename``
        (``climann info --rename``, parsed as ``train --rename``): the report is of the files as
        ``train`` reads them, and the config keeps it (break48c A3: info on ERA5's members and
        spread was refused with a rename that info did not take).
    worded : callable, optional
        Applied to the text of each section and to the reason for no config before they are
        wrapped: ``climann info`` passes
        :func:`~climann.workflow.terminal.with_positional_paths`, which puts the data layer's
        ``--data`` advice (train's words) in the words of a command of positional paths, the
        lines still wrapped at :data:`REPORT_WIDTH` (fix53h: the reason said ``--data``, which
        info does not take).

    Returns
    -------
    str
        Valid TOML: sections for the files, variables, grid, time axis and extra dimensions
        as comments, then a ``[data]`` table (paths, target, predictors, features and, for a
        target with levels, ``select``) that ``climann train --config`` trains as it is;
        when no such config exists (no time axis, no grid), the reason as a comment.

    Raises
    ------
    ClimannError
        If a pattern matches nothing or a file cannot be opened as NetCDF, ``paths`` are not
        paths (:func:`~climann.data.paths.path_list`), or one is a climann run directory
        (:func:`~climann.data.run_outputs.refuse_run_directory`).
    """
    paths = path_list(paths)
    files, other_grids, forecasts, choice, opened, stations = _opened_for_info(paths, overlap=overlap, select=select,
                                                                              rename=rename)
    given = dict(select or {})
    # advice names only the files given, as train's (break50a A7: the FAPAR files beside LAI's, never given)
    with files_given([*files, *(other_grids or {})]):
        try:
            # A grid with several sets of points (POP's T and U): those most variables name (climann.data.grid_points).
            on = named_points(opened)
            dataset, points, names = _shown_dataset(opened, files, forecasts,
                                                    {**choice, **given, **{s.dim: s.first for s in stations}})
            grid, problems = _find_grid(dataset)
            constant = _constant_in_time(dataset, names, grid.get("time"))  # read once, for both sections
            # a partial last day (cdo daysum through 00 UTC) told whatever the config uses or if there is none
            short = short_cells_found(dataset, names, where=files_text(files, listed=3))
            # every value is read once there; the totals found by their values are neither the target
            # proposed nor default predictors, as train refuses them. With --select, the values train
            # reads: the level chosen, its own missing share (break46d A6: TS of all 6 depths, 0.4 %
            # missing, shown under "depth = 50", where 2.69 % are)
            described = select_values(opened, given, where=_where(files)) if given else opened
            variables_text, value_totals = _variables_section(described, data_variable_names(described),
                                                              selected=given)
            grid_text = (_grid_section(dataset, grid, problems, target=_target_choice(
                             dataset, names, grid, constant=constant, value_totals=value_totals)[0])
                         + _other_points_text(on, points, opened.dims))
            sections = [
                _files_section(files, other_grids),
                *[_stations_section(several) for several in stations],
                variables_text,
                *_climatologies_section(opened),
                grid_text,
                _time_section(dataset, grid, problems),
                _extra_dimensions_section(dataset, names, grid),
                *([_forecasts_section(forecasts, choice)] if forecasts else []),
            ]
            # a problem the grid section states (with its way out) is named, not repeated (fix37c)
            shown = {kind: f"no {kind} coordinate read (see Grid above)" for kind, problem in problems.items()
                     if problem in grid_text}
            config = _config_section(paths, dataset, names, grid, overlap=overlap, problems={**problems, **shown},
                                     constant=constant, value_totals=value_totals,
                                     files=files, forecast_choice=choice, given=given,
                                     forecast_dims={name: set(forecast[name].dims) for forecast, _ in forecasts.values()
                                                    for name in forecast_variables(forecast)},
                                     stations={several.dim: several for several in stations}, rename=rename)
        finally:
            opened.close()
    if check is not None and not config.startswith(_NO_CONFIG):
        config = _checked(config, check)
    if short is not None and short.cells not in config:  # said once: not again beside the check's refusal
        warn_short_cells(short)
    worded = worded or (lambda text: text)
    if config.startswith(_NO_CONFIG):
        config = _commented(_NO_CONFIG[2:] + worded(config[len(_NO_CONFIG):]))
    return "\n\n".join([*(_commented(worded(section)) for section in sections), config]) + "\n"


def target_proposal(paths: str | Sequence[str], *, overlap: str = "error",
                    select: Mapping[str, object] | None = None,
                    rename: Mapping[str, Mapping[str, str]] | None = None) -> tuple[str, str]:
    """The target :func:`describe` chooses for ``paths`` (:func:`_target_choice`: the files opened as
    it opens them, three time steps of each variable read to pass over fields constant in time)
    and, where its config section proposes none for it, info's reason: ``("orog", "no
    time-varying variable on the latitude-longitude grid to predict")`` for a file of orography
    alone, where ``climann info`` refuses (rerun39 N2: train named 'orog' as info's proposal).
    ``climann train`` without a target checks its default against it
    (:mod:`climann.workflow.default_target`).

    Parameters
    ----------
    paths : str or sequence of str
        Files, glob patterns or directories, as in ``[data] paths``.
    overlap : {"error", "first", "last"}
        As ``[data] overlap``.
    select : mapping of dimension name to value, optional
        As ``[data] select``.
    rename : mapping of glob pattern to {old name: new name}, optional
        As ``[data] rename``.

    Returns
    -------
    tuple of str
        The variable's name (``""`` when there is none) and why info proposes no config with it
        (``""`` when it does). Where the grid has no latitude or longitude, no name and the grid's
        problem, as info's Grid section tells it: train named info's choice among the variables of
        a GRACE Level-2 file ("climann info proposes 'clm'") where info proposed no config
        (break40a A2).

    Raises
    ------
    ClimannError
        As :func:`describe`.
    """
    files, _, forecasts, choice, opened, stations = _opened_for_info(path_list(paths), overlap=overlap, select=select,
                                                                     rename=rename)
    try:
        dataset, _, names = _shown_dataset(opened, files, forecasts,
                                           {**choice, **dict(select or {}), **{s.dim: s.first for s in stations}})
        grid, problems = _find_grid(dataset)
        if "latitude" not in grid or "longitude" not in grid:  # info proposes no config: its grid's problem
            return "", problems.get("latitude") or problems["longitude"]
        target = _target_choice(dataset, names, grid, value_totals=_value_totals_of_candidates(dataset, names, grid))[0]
        return target, _unusable_target_reason(dataset, grid, target, files)
    finally:
        opened.close()


def _opened_for_info(paths: Sequence[str], *, overlap: str, select: Mapping[str, object] | None,
                     rename: Mapping[str, Mapping[str, str]] | None = None):
    """The files on the most common grid, those on others, the forecasts among them and the lead
    time and member chosen of each, the dataset opened (its variables renamed as ``rename``
    says, as ``[data] rename``) and its stations (:func:`_opened_with_a_station`)."""
    for path in paths:
        refuse_run_directory(path)
    given = expand_paths(paths)
    with notes_grouped_by_file(given, named=files_text):  # warnings alike but for their file said once (break41d B4)
        return _opened_for_info_of(given, overlap=overlap, select=select, rename=rename)


def _opened_for_info_of(given: list[Path], *, overlap: str, select: Mapping[str, object] | None,
                        rename: Mapping[str, Mapping[str, str]] | None = None):
    """:func:`_opened_for_info` of the ``given`` files."""
    renames = FileRenames(given, rename or {})  # a pattern that matches no file is refused, as train refuses it
    check_undated_files(given, renames)  # refused after two files, not after opening every one (break41d B1)
    check_files_of_one_simulation(given, renames)  # every model named, as train names them, before a grid is chosen
    files, other_grids = files_on_the_most_common_grid(given)
    # A forecast with several lead times beside other files is read on its valid times, one lead
    # time (and member) chosen as train chooses it; by its reference times it was shown, and a
    # config proposed, with observations paired by start month (break30a A2).
    forecasts = forecasts_to_choose_in(files, renames)  # named as --rename names them (fix49d)
    check_forecast_names(files, forecasts, renames)  # a forecast beside observations of its name: renamed first
    choice = {dim: value for dataset, grid_dims in forecasts.values()
              for dim, value in first_choices(dataset, grid_dims).items()}
    if forecasts:  # a seasonal forecast's lead month whose valid months the observations hold (break45d B1)
        months = months_of_files([path for path in files if path not in forecasts])
        for dataset, _ in forecasts.values():
            choice.update(lead_month_of_months(dataset, months))
    opened, stations = _opened_with_a_station(files, overlap=overlap, select={**choice, **dict(select or {})},
                                              rename=rename)
    return files, other_grids, forecasts, choice, opened, stations


def _shown_dataset(opened: xr.Dataset, files: Sequence[Path], forecasts: Mapping, chosen: Mapping[str, object]
                   ) -> tuple[xr.Dataset, object, list[str]]:
    """The dataset on its grid's points with the ``chosen`` values selected, the points, and its
    variable names, observations first (the target to suggest; forecasts are their predictors)."""
    dataset, points = on_points_of(opened, None, where=_where(files))
    dataset = select_values(dataset, chosen) if chosen else dataset
    held = {name for forecast, _ in forecasts.values() for name in forecast_variables(forecast)}
    return dataset, points, sorted(data_variable_names(dataset), key=lambda name: name in held)


def _opened_with_a_station(files: Sequence[Path], *, overlap: str, select: dict[str, object],
                           rename: Mapping[str, Mapping[str, str]] | None = None
                           ) -> tuple[xr.Dataset, list[SeveralStations]]:
    """The files opened as :func:`describe` shows them: with ``select`` (None when empty, as
    ``open_dataset`` shows the files as they are), and a file of several stations with its first
    chosen (:class:`~climann.data.stations.SeveralStations`: train's refusal of it, kept to
    describe its stations)."""
    stations: list[SeveralStations] = []
    select = dict(select)
    while True:
        try:
            return open_dataset(files, overlap=overlap, select=select or None, rename=rename), stations
        except SeveralStations as several:
            if several.dim in select:  # chosen and still several: not a choice info can make
                raise
            stations.append(several)
            select[several.dim] = several.first


def _stations_section(several: SeveralStations) -> str:
    """The stations of a file of several (:func:`~climann.data.stations.stations_summary`), and
    which one the report below and the config are of."""
    dim, first = several.dim, several.first
    return (f"{several.summary}\n  shown below, and chosen in the config, with select = {{{dim} = {_toml(first)}}} "
            f"({several.shown_as}); another: --select {dim}=N ({several.choice}), which climann info and "
            f"train take (predict and evaluate read the run's own {dim}: --select there may only repeat it)")


def no_config_reason(report: str) -> str | None:
    """Why :func:`describe`'s ``report`` holds no ``[data]`` config, in one line; None when it has one.

    ``climann info`` prints the report, then exits 2 with this reason: ``climann info DIR >
    my.toml`` would otherwise leave a file of comments only, with exit 0 (verify20 F13).
    """
    lines = report.rstrip("\n").split("\n")
    start = max((index for index, line in enumerate(lines) if line.startswith(_NO_CONFIG)), default=None)
    if start is None or any(line.strip() == "[data]" for line in lines):
        return None
    # the reason's wrapped continuation lines follow it as comments (see _commented)
    return " ".join(line[2:].strip() for line in lines[start:] if line.startswith("#"))[len(_NO_CONFIG) - 2:]


#: The first words of the config section when there is none.
_NO_CONFIG = "# No config to start from: "


def _checked(config: str, check: Callable[[dict], bool | None]) -> str:
    """The config section, or why there is none: ``check``'s refusal of its settings; a note
    when ``check`` returned False (it did not read the values)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the report said them already
            values_checked = check(tomllib.loads(config))
    except ClimannError as error:
        return f"{_NO_CONFIG}{error}"
    if values_checked is False:  # the note ends the comment lines above the table
        lines = config.split("\n")
        table = next(index for index, line in enumerate(lines) if not line.startswith("#"))
        return "\n".join([*lines[:table], _VALUES_NOT_READ, *lines[table:]])
    return config


#: The line that ends the config's heading when its check did not read the values (large data).
_VALUES_NOT_READ = "# (The data are large: their values are checked when train reads them.)"


#: Width of the report's comment lines: an 80-column terminal.
REPORT_WIDTH = 80


def _commented(text: str) -> str:
    """Each line of ``text`` as a TOML comment, wrapped at :data:`REPORT_WIDTH` columns after
    a space but never inside a shell command (:func:`climann.data.shell.wrapped_lines`), its
    continuation indented four more spaces than the line (two more is a line that belongs
    under it)."""
    lines = []
    for line in text.splitlines():
        body = line.lstrip(" ")
        indent = " " * (len(line) - len(body))
        lines += wrapped_lines(body, REPORT_WIDTH, initial_indent=f"# {indent}", subsequent_indent=f"# {indent}    ")
    return "\n".join(line.rstrip() for line in lines)


def missing_fractions(dataset: xr.Dataset, names: Sequence[str]) -> dict[str, float]:
    """Fraction of missing values of each variable (NaN after decoding ``_FillValue``,
    ``missing_value`` and the valid range, see :mod:`climann.data.masking`), all computed in
    one pass over the data.

    Returns
    -------
    dict of str to float
        Values in [0, 1]; 0 for an empty variable.
    """
    return missing_and_infinite(dataset, names)[0]


def missing_and_infinite(dataset: xr.Dataset, names: Sequence[str]
                         ) -> tuple[dict[str, float], dict[str, tuple[int, int, int]]]:
    """:func:`missing_fractions` and, in the same pass over the data (each value read once), how
    many ``-inf`` and ``+inf`` of each floating-point variable it counted as missing
    (:mod:`climann.data.infinite_values`): the reads of
    :func:`~climann.data.infinite_values.planned_missing_counts`, computed alone.

    Returns
    -------
    (dict of str to float, dict of str to (int, int, int))
        The fractions; ``{name: (n_minus_inf, n_plus_inf, n_values)}`` of the variables that hold any.
    """
    return read_together(planned_missing_counts(dataset, names))[0]()


def time_step_name(times: Sequence) -> str:
    """Name of the axis's nominal step: "monthly", "daily", "6-hourly", "5 days"…

    Judged against the calendar as lags and persistence judge it
    (:func:`climann.data.time_axis.time_step_positions`): calendar months whatever their
    length (30-day steps in ``360_day`` and October 1582 are monthly), otherwise an exact
    duration; gaps allowed. Dekads and half-months (steps 8 to 11 and 13 to 16 days apart, tied
    to the days of the month: :func:`climann.data.composites.month_periods`) by their days, as
    the climatology keys them: "dekads (1st, 11th, 21st of each month)" (rerun38 N9: called
    "irregular (8 to 20 days)"). So are the other calendars of periods that restart each year
    (:func:`climann.data.composites.period_positions`): "16-day composites restarting each 1
    January (23 a year)" (break38c T2: "irregular (13 to 16 days)"), CPC's "pentads (73 a year,
    …)" (break38c T1: "irregular (5 to 6 days)"). "irregular (…)" when there is no such step.

    Parameters
    ----------
    times : sequence of cftime.datetime, length n_time
    """
    if len(times) < 2:
        return "a single time step"
    step, _ = time_step_positions(times)
    if step is not None:
        return step.name
    periods = period_positions(times)
    if periods is not None:
        return periods[0].description + _period_stamps_text(times, periods[0])
    days = np.array([(later - earlier).total_seconds() / 86400 for earlier, later in zip(times[:-1], times[1:])])
    return f"irregular ({days.min():g} to {days.max():g} days)"


def _period_stamps_text(times: Sequence, periods: PeriodStep) -> str:
    """Where in its period each stamp of a calendar of periods lies, and so the period it is read as
    (:func:`~climann.data.composites.period_cells`: the period that holds the stamp): ", each stamped
    on its last day (2017-01-10, 2017-01-20, 2017-01-31, …), each value that of the dekad ending
    there", or "" (stamps on the first days the description names, elsewhere, or no cells). Copernicus Global
    Land stamps its dekads on their last day; "dekads (1st, 11th, 21st of each month)" alone read as
    if those were the stamps (break50a A6)."""
    found = period_cells(list(times), periods)
    if found is None:
        return ""
    cells, day = found[1], datetime.timedelta(days=1)
    if all(high - day <= time < high for time, (_, high) in zip(times, cells)):
        shown = ", ".join(date_text(time) for time in list(times)[:3]) + (", …" if len(times) > 3 else "")
        return f", each stamped on its last day ({shown}), each value that of the {periods.period} ending there"
    return ""


def _missing_steps_text(times: Sequence) -> str:
    """", 3 steps missing (gaps)" when the regular axis has gaps, ", 180 dekads missing (gaps)" when
    an axis of a period calendar (:func:`climann.data.composites.period_positions`) lacks periods
    (dekads of June to August only: fix40d, info said nothing of the months between), else "".
    A seasonal subset (:func:`climann.data.seasonal_subsets.seasonal_subset`) is named: ", 261
    steps missing (gaps: a seasonal subset, June to August (JJA) of each year only)"."""
    step, positions = time_step_positions(times)
    if step is None and len(times) > 1:
        step, positions = period_positions(times) or (None, None)
    missing = 0 if positions is None else int(positions[-1] - positions[0] + 1 - len(positions))
    what = "step" if step is None or step.months or step.duration is not None else step.period
    subset = seasonal_subset(times) if missing else None
    # a file cut to one season a year (cdo selseas,JJA) is named as such, its gaps the months between
    why = "gaps" if subset is None else f"gaps: a seasonal subset, {subset.text} of each year only"
    return f", {missing} {what}{'s' if missing != 1 else ''} missing ({why})" if missing else ""


def _find_grid(dataset: xr.Dataset) -> tuple[dict[str, str], dict[str, str]]:
    """Names of the time, latitude and longitude found, and why the others were not."""
    grid, problems = {}, {}
    for kind in ("time", "latitude", "longitude"):
        try:
            grid[kind] = find_coordinate(dataset, kind)
        except ClimannError as error:
            problems[kind] = str(error)
    return grid, problems


def _size_text(size: int) -> str:
    """Bytes as "12.3 KiB", "1.0 MiB" or "2.5 GiB"."""
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size / 2**10:.1f} KiB"


#: At most this many files are looked into for variables in NetCDF-4 groups (their headers).
_GROUPED_FILES_CHECKED = 100


def _files_section(files: Sequence[Path], other_grids: dict[Path, str] | None = None) -> str:
    """The files described, those whose NetCDF-4 groups hold variables beside the root's data,
    which no run reads (with the ``ncks`` that copies a group into a plain file), and those
    left out as on another grid than most (with the first difference): a run reads the
    variables of one grid."""
    sizes = [input_size(path) for path in files]  # a Zarr store: its files, not its directory entry
    lines = [f"Files: {len(files)}, {_size_text(sum(sizes))} in all"]
    lines += [f"  {path.name}  ({_size_text(size)})" for path, size in list(zip(files, sizes))[:10]]
    if len(files) > 10:
        lines.append(f"  … and {len(files) - 10} more")
    grouped = [(path, groups) for path in files[:_GROUPED_FILES_CHECKED] if (groups := grouped_variables(path))]
    alike: dict[tuple, list[Path]] = {}  # files whose groups hold the same variables: one line (break44b B5)
    for path, groups in grouped:
        alike.setdefault(tuple((group, tuple(names)) for group, names in groups.items()), []).append(path)
    if len(alike) == 1 and len(grouped) == min(len(files), _GROUPED_FILES_CHECKED):
        alike = {key: list(files) for key in alike}  # every file looked into alike: the loop takes them all
    lines += [groups_beside_root_note(paths[0], {group: list(names) for group, names in key}, files=paths)
              for key, paths in alike.items()]
    if other_grids:
        first = next(iter(other_grids.values()))
        names = ", ".join(path.name for path in list(other_grids)[:10]) + (" …" if len(other_grids) > 10 else "")
        # two files of one place each at different places: no grid to interpolate onto (point_pairs)
        places = files_at_different_places(files[0], next(iter(other_grids)), opener=open_input) if files else None
        lines.append(f"Left out, at another place than the files above: {names}; {places}" if places else
                     f"Left out, on another grid than the files above ({first}): {names}; "
                     f"{_one_grid_ways(files, list(other_grids))}")
    return "\n".join(lines)


def _one_grid_ways(files: Sequence[Path], left_out: Sequence[Path]) -> str:
    """The ways to one grid of the ``files`` described and those ``left_out`` on another, as train
    gives them (:func:`~climann.data.open.to_one_grid`): a run's files are put on its target's grid,
    which info does not know, so both: the files left out onto the grid above, for a target above,
    and the files above onto theirs, for a target of theirs (break46c A3: info proposed the first
    file of the target's 72 bilinearly onto the predictors' finer grid, train the opposite)."""
    if not files:
        return f"a run reads the variables of one grid: {REGRID_ADVICE}"
    onto_above = to_one_grid(files[0], left_out, beside=files)
    onto_theirs = to_one_grid(left_out[0], files, beside=left_out)
    if onto_above is None and onto_theirs is None:
        return f"a run reads the variables of one grid: {REGRID_ADVICE}"
    if onto_above == onto_theirs:  # tiles of one grid: one mosaic whichever the target (break53d A2)
        return f"a run reads the variables of one grid: {onto_above}"
    ways = ([f"for a target of the files above, {onto_above}"] if onto_above else []) + (
        [f"for a target of the files left out, {onto_theirs}"] if onto_theirs else [])
    return f"a run reads the variables of one grid, its target's (the others are put on it): {'; '.join(ways)}"


def _dims_text(variable: xr.DataArray) -> str:
    return "(" + ", ".join(f"{dim}: {size}" for dim, size in variable.sizes.items()) + ")"


def _percent(fraction: float) -> str:
    """The "missing" column's share: ``all`` when every value is missing (a station with no data),
    ``>99.9%`` when a few are not (fix38d: rounded, they read "100%", as if none were there),
    ``<0.1%`` when a few are, else to 0.1 %."""
    if fraction >= 1:
        return "all"
    if fraction > 0.999:
        return ">99.9%"
    if fraction == 0 or fraction >= 0.001:
        return f"{100 * fraction:.1f}%".replace(".0%", "%")
    return "<0.1%"


def _table(rows: list[list[str]]) -> list[str]:
    """Rows of cells as lines with aligned columns, indented by two spaces."""
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return ["  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]


def _variables_section(dataset: xr.Dataset, names: list[str], *, selected: Mapping[str, object] | None = None
                       ) -> tuple[str, dict[str, str | None]]:
    """The Variables section, and the totals accumulated since a start found by their values in
    the same read (:func:`~climann.data.running_totals.planned_running_totals`: variable → the
    date each year they restart, or None), which ``train`` refuses as predictors. ``dataset``
    holds the values ``selected`` (``climann info --select``) alone: each variable's dimensions
    and missing share are those of the level chosen, which the header names."""
    # bounds climann made as it opened the files are none of theirs (break39b B10a)
    left_out = [str(name) for name, variable in dataset.data_vars.items()
                if name not in names and not variable.encoding.get(MADE_BOUNDS_KEY)]
    # none said once: "Variables: 0" above a line "none" read as a count and its list (fix38d)
    header = f"Variables: {len(names) or 'none'}"
    if selected:
        header += f" (of {', '.join(f'{dim} = {_toml(value)}' for dim, value in selected.items())}, as selected)"
    # NetCDF-4 VLEN and compound variables are no metadata: said for what they hold (break41b B4, B10)
    typed = {name: kind for name in left_out if (kind := user_type_kind(dataset[name])) is not None}
    # NCL's initial_time0_encoded: the time written again, said as such, not "metadata" (fix53d)
    encodings = [name for name in time_encoding_names(dataset) if name in left_out and name not in typed]
    left_out = [name for name in left_out if name not in typed and name not in encodings]
    if encodings:
        header += f" (time encodings left out, the time steps written again: {', '.join(encodings)})"
    if left_out:
        header += f" (bounds, grid-mapping, text and other metadata variables left out: {', '.join(left_out)})"
    if typed:
        header += (f" (left out, not numbers: {', '.join(f'{name} ({kind})' for name, kind in typed.items())}; "
                   f"climann train --target {next(iter(typed))} gives the way out)")
    if not names:
        return header, {}
    # the missing values, infinities, values below absolute zero and running totals in one
    # computation: the temperatures' blocks keep the keys of the files' reads, read once for all (issue 15)
    below = [name for name in names if BELOW_ABSOLUTE_ZERO_KEY in dataset[name].encoding]
    counted, totals, *reasons = read_together(
        planned_missing_counts(dataset, names, shared=below), planned_running_totals(dataset, names, shared=below),
        *[planned_below_absolute_zero(dataset, [name], once=False) for name in below])
    value_totals = totals()
    missing, infinite = counted()
    note_infinite_values(dataset, infinite, where="the files")  # in the run log; the report says it below
    rows = [["name", "units", "dimensions", "missing", "long_name"]] + [
        [
            name,
            str(dataset[name].attrs.get("units", "-")),
            _dims_text(dataset[name]),
            _percent(missing[name]),
            str(dataset[name].attrs.get("long_name", "")),
        ]
        for name in names
    ]
    table = _table(rows)
    held = [f"  {name} holds {_infinite_text(*counts)}" for name, counts in infinite.items()]
    why_missing = _below_absolute_zero_reasons(missing, dict(zip(below, reasons)))
    held += [f"  {name}: {why}" for name, why in why_missing.items()]
    # cfgrib names ECMWF's 'es' and GEFS's gespr t2m "2 metre temperature" in K, as the field itself (break42c D1)
    held += [f"  {name}: an ensemble spread ({why}): the members' spread about their mean, not the field itself"
             for name in names if (why := ensemble_spread_reason(dataset[name])) is not None]
    start = table[0].index("long_name")  # long names cut to the report's width, not wrapped under the table
    last = REPORT_WIDTH - 2  # after "# "
    if last - 1 > start + 8:
        table = [line if len(line) <= last else line[: last - 1].rstrip() + "…" for line in table]
        return "\n".join([header, *table, *held]), value_totals
    # no room beside the dimensions: each long name on a line of its own under its row's units, never
    # broken between words by the report's wrapping (ERA5's "2 metre temperature" read as "2" missing)
    table = _table([row[:-1] for row in rows])
    if max(map(len, table)) > last:  # MOD08's 42-character names: the dimensions wrap in their column
        table = _wrapped_table([row[:-1] for row in rows], width=last, wrapping=2)
        return "\n".join([header, *_long_names_beside_dimensions(table, [row[-1] for row in rows[1:]]),
                          *held]), value_totals
    indent = " " * table[0].index("units")
    lines = [header, table[0]]
    for block, row in zip(_row_blocks(table[1:]), rows[1:], strict=True):
        lines.extend(block)
        if row[-1]:
            below = indent + row[-1]
            lines.append(below if len(below) <= last else below[: last - 1].rstrip() + "…")
    return "\n".join([*lines, *held]), value_totals


def _long_names_beside_dimensions(table: list[str], long_names: list[str]) -> list[str]:
    """The lines of a table whose dimensions wrap in their column (:func:`_wrapped_table`), each
    row's long name in the blank its continuation lines leave under the names, two spaces in,
    wrapped between words over those lines and cut with "…" where they end (a row of one line
    gets one more): a row takes the lines of its dimensions, two at least. Under the units, on
    a line of its own, MOD08's 90-character long names made each row four lines at 80 columns
    and showed 31 characters of them (fix53d)."""
    import textwrap

    column = table[0].index("dimensions")
    room = column - 4 - 2  # from two spaces under the names to two before the dimensions
    lines = [table[0]]
    for block, long_name in zip(_row_blocks(table[1:]), long_names, strict=True):
        if not long_name:
            lines.extend(block)
            continue
        block = block + [""] * (len(block) == 1)
        pieces = textwrap.wrap(long_name, room, max_lines=len(block) - 1, placeholder=" …")
        lines.append(block[0])
        lines.extend((f"    {piece}".ljust(column) + line[column:]).rstrip() if piece else line
                     for line, piece in itertools.zip_longest(block[1:], pieces, fillvalue=""))
    return lines


def _climatologies_section(dataset: xr.Dataset) -> list[str]:
    """The climatologies left out beside their files' series (:mod:`climann.data.climatology_axes`),
    listed apart from the variables: none or one section."""
    records: dict[tuple[str, str, str], list[str]] = {}
    for name, (source, axis, said, _, _) in dataset.encoding.get(CLIMATOLOGIES_KEY, {}).items():
        records.setdefault((Path(source).name, axis, said), []).append(name)
    if not records:
        return []
    lines = [f"Climatologies: {sum(map(len, records.values()))} (left out: not dated; a run reads the series "
             "beside them and refuses a run that names one)"]
    lines += [f"  {', '.join(names)} on '{axis}' in {file}: {said}" for (file, axis, said), names in records.items()]
    return ["\n".join(lines)]


def _wrapped_table(rows: list[list[str]], *, width: int, wrapping: int) -> list[str]:
    """Rows of cells as :func:`_table` lays them out, within ``width`` columns: the cells of
    column ``wrapping`` (the dimensions, ``(time: 60, Latitude: 11, Longitude: 20)``) go on
    over lines inside their column, broken after a comma only (never inside ``Latitude: 11``),
    the others never broken; a :class:`rich.table.Table` without borders, two spaces between
    columns, aligns them. The report's own wrapping broke such a row across the next line, a
    variable's missing share under its name and the "missing" header on a line of its own
    (break37a D2, MOD08's ``Aerosol_Optical_Depth_Land_Ocean_Mean_Mean`` at 80 columns)."""
    import io

    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    others = sum(max(len(row[column]) for row in rows) for column in range(len(rows[0])) if column != wrapping)
    room = max(width - 2 - others - 2 * (len(rows[0]) - 1), len(rows[0][wrapping]))
    table = Table(box=None, show_edge=False, pad_edge=False, padding=(0, 1), header_style="", expand=False)
    # the wrapping column and the short ones after it (missing) keep their width: rich shortens the
    # names and units before them (…), never "mis…" or "altitude: …" (break41b B12, CALIPSO at 80 columns)
    parts = max(len(part.strip()) + 1 for row in rows[1:] for part in row[wrapping].split(","))
    natural = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    kept = {column: max(parts, len(rows[0][column])) if column == wrapping else natural[column]
            for column in range(wrapping, len(rows[0]))}
    free = width - 2 - sum(kept.values()) - 2 * (len(rows[0]) - 1)
    before = sum(natural[:wrapping])
    for column, heading in enumerate(rows[0]):
        if column in kept:
            table.add_column(Text(heading), no_wrap=True, min_width=kept[column])
        else:  # shortened in proportion to their widths where they do not fit
            share = natural[column] if before <= free else max(len(heading), natural[column] * free // before)
            table.add_column(Text(heading), no_wrap=True, max_width=share, overflow="ellipsis")
    for row in rows[1:]:
        table.add_row(*(Text(_comma_lines(cell, room) if column == wrapping else cell)
                        for column, cell in enumerate(row)))
    console = Console(file=io.StringIO(), width=width - 2, color_system=None, highlight=False, emoji=False,
                      markup=False, legacy_windows=False)
    with console.capture() as captured:
        console.print(table)
    return ["  " + line.rstrip() for line in captured.get().splitlines()]  # the two spaces within width


def _comma_lines(text: str, room: int) -> str:
    """``text`` broken into lines of at most ``room`` characters after its commas (a part longer
    than ``room`` on a line of its own): ``"(time: 60,\nLatitude: 11,\nLongitude: 20)"``."""
    lines: list[str] = []
    for part in (piece + "," for piece in text.split(",")):
        part = part.strip()
        if lines and len(lines[-1]) + 1 + len(part) <= room:
            lines[-1] += " " + part
        else:
            lines.append(part)
    lines[-1] = lines[-1].removesuffix(",")
    return "\n".join(lines)


def _below_absolute_zero_reasons(missing: Mapping[str, float],
                                 read: Mapping[str, Callable[[], Mapping[str, str]]]) -> dict[str, str]:
    """Why a variable's values read as missing were: values at or below absolute zero of a
    temperature on a scale (:mod:`climann.data.absolute_zero`), by variable, in the words of the
    run's warning, or of its refusal when they are too many different values to be codes (WRF's
    ``T``, a perturbation potential temperature in K, half of it below 0 K: "50.1 %" missing,
    no word why, break38a B4). Only variables with missing values that opening so masked:
    ``read``, each one's answer of :func:`~climann.data.absolute_zero.planned_below_absolute_zero`
    (read with the missing values)."""
    reasons = {}
    for name, answer in read.items():
        if not missing.get(name):
            continue
        try:
            said = answer().get(name)
        except ClimannError as refused:
            said = str(refused)
        if said:
            reasons[name] = said
    return reasons


def _row_blocks(lines: list[str]) -> list[list[str]]:
    """The lines of a table's rows (:func:`_table`, :func:`_wrapped_table`) grouped by row: a row
    begins on a line whose first column (a variable's name, never empty) is written."""
    blocks: list[list[str]] = []
    for line in lines:
        if line[2:3] != " " or not blocks:
            blocks.append([line])
        else:
            blocks[-1].append(line)
    return blocks


def _infinite_text(minus: int, plus: int, size: int) -> str:
    """``3 -inf and 4 +inf (0.0054 % of its 129600 values), counted as missing``."""
    held = " and ".join(f"{count} {sign}inf" for count, sign in ((minus, "-"), (plus, "+")) if count)
    return f"{held} ({100 * (minus + plus) / size:.3g} % of its {size} values), counted as missing"


def _spacing_text(steps: np.ndarray) -> str:
    """"regular, every 5°" or "irregular, 1° to 3° apart", from the steps between neighbours
    (degrees, any sign)."""
    steps = np.abs(steps)
    if steps.size == 0:
        return "one value"
    if np.allclose(steps, steps[0], rtol=1e-3, atol=1e-6):
        return f"regular, every {steps[0]:g}°"
    return f"irregular, {steps.min():g}° to {steps.max():g}° apart"


def _single_value_text(values: np.ndarray) -> str:
    """One latitude or longitude: a station, or a scalar coordinate read as a grid axis of
    length 1 (see climann.data.scalar_coordinates)."""
    return f"one value, {values[0]:g}"


def _latitude_text(values: np.ndarray) -> str:
    if len(values) == 1:
        return _single_value_text(values)
    steps = np.diff(values)
    if steps.size and (steps > 0).all():
        order = "ascending (south-to-north)"
    elif steps.size and (steps < 0).all():
        order = "descending (north-to-south)"
    else:
        order = "unordered" if steps.size else "a single latitude"
    spacing = _spacing_text(steps)
    if spacing.startswith("irregular") and _gaussian_latitudes(values):  # JRA-3Q's, ERA's N-grids (break51d)
        spacing = spacing.replace("irregular", "Gaussian", 1)
    return f"{len(values)} values, {values[0]:g} to {values[-1]:g}, {order}, {spacing}"


def _gaussian_latitudes(values: np.ndarray) -> bool:
    """Whether ``values`` (degrees, either order) are the latitudes of a global Gaussian grid of
    as many rows: the arcsines of the roots of the Legendre polynomial of that degree
    (:func:`numpy.polynomial.legendre.leggauss`), to 0.001°; they are not evenly spaced, and
    no irregular grid."""
    values = np.sort(np.asarray(values, dtype=np.float64))
    if values.size < 4 or not np.isfinite(values).all():
        return False
    roots, _ = np.polynomial.legendre.leggauss(values.size)
    return bool(np.allclose(values, np.degrees(np.arcsin(roots)), rtol=0, atol=1e-3))


def longitude_convention(values: np.ndarray) -> str:
    """"0…360" or "−180…180", by where the longitudes lie ("0…180, either" within 0…180: the
    words before " convention" in the summary); "neither −180…180 nor 0…360" for values
    below 0° beside values above 180° (a curvilinear grid whose longitudes run on across the
    seam, −9.7…354.7) or beyond −180…360. NaN (a cell without a position) left out."""
    low, high = np.nanmin(values), np.nanmax(values)
    if (low < 0 and high > 180) or low < -180 or high > 360:
        return "neither −180…180 nor 0…360"
    if low < 0:
        return "−180…180"
    return "0…360" if high > 180 else "0…180, either"


def _longitude_text(values: np.ndarray) -> str:
    """The longitudes from their western to their eastern end (:func:`~climann.data.geometry.
    longitude_ends`, as ``predict`` names a grid), their convention and spacing. Longitude is
    periodic (CF section 4.2), so the steps are taken modulo 360° in the cells' order round the
    circle (:func:`~climann.data.geometry.steps_around_the_circle`): a regional grid across the
    dateline stored 150, …, 180, −175, …, −150 is "150 to -150 across the dateline, …,
    regular, every 5°", not 355° apart at its seam; one across the prime meridian stored
    ascending in a 0…360 file, 0.25, …, 17.75, 350.25, …, 357.75 (as ``cdo sellonlatbox,0,360,…``
    leaves it), is "350.25 to 17.75 across the prime meridian, stored 0.25 to 357.75
    (ascending), …, regular, every 2.5°": the 332.5° between 17.75 and 350.25 is the gap
    outside the region, and the file's order is kept."""
    if len(values) == 1:
        return _single_value_text(values)
    steps = steps_around_the_circle(values)
    spacing = _spacing_text(steps)
    covers_globe = spacing.startswith("regular") and np.isclose(len(values) * abs(steps[0]), 360)
    ends = longitude_ends(values)
    stored = ""
    if ends[0] > ends[1] and values[0] != ends[0]:  # across the seam, not stored from its western end
        order = "ascending" if (np.diff(values) > 0).all() else "descending" if (np.diff(values) < 0).all() else ""
        stored = f", stored {values[0]:g} to {values[-1]:g}{f' ({order})' if order else ''}"
    return (
        f"{len(values)} values, {longitude_ends_text(ends, separator=' to ')}{stored}, "
        f"{longitude_convention(values)} convention, {spacing}{', global' if covers_globe else ''}"
    )


def _grid_kind(mapping: Coordinate | None) -> str:
    """"rotated-pole grid (…, north pole at 39.25°N, 198°E)", "regular latitude-longitude grid (…)",
    "projected grid (…)" or "curvilinear grid"."""
    if mapping is None:
        return "curvilinear grid (2-D latitude and longitude)"
    name = mapping.attrs.get("grid_mapping_name", "unnamed")
    if name == "rotated_latitude_longitude":
        pole_lat = float(mapping.attrs.get("grid_north_pole_latitude", np.nan))
        pole_lon = float(mapping.attrs.get("grid_north_pole_longitude", np.nan))
        return (
            f"rotated-pole grid ('{mapping.name}', {name}; north pole at "
            f"{_latitude_label(pole_lat)}, {_longitude_label(pole_lon)})"
        )
    if _is_latitude_longitude(mapping):  # CDO's projection_x/y_coordinate on lat/lon beside it (break47b A4)
        return f"regular latitude-longitude grid ('{mapping.name}', {name}; not a projection)"
    return f"projected grid ('{mapping.name}', {name})"


def _is_latitude_longitude(mapping: Coordinate | None) -> bool:
    """Whether the grid mapping is CF's ``latitude_longitude`` (CF §5.6, Appendix F): the
    rows and columns are latitudes and longitudes on that ellipsoid, not a projection, however
    the axes' standard names read (CDO writes ``projection_y_coordinate`` and
    ``projection_x_coordinate`` on ``lat`` and ``lon`` beside it)."""
    return mapping is not None and mapping.attrs.get("grid_mapping_name") == "latitude_longitude"


#: How near (degrees) a rotated grid's 2-D latitude and longitude lie to its rows and columns
#: where its rotation is the identity (:func:`_identity_rotation`): far below any grid's spacing,
#: far above the round-off of a float64 rotation (4e-15° and 2e-14° on CORDEX AFR-22).
IDENTITY_TOLERANCE_DEGREES = 1e-6


def _identity_rotation(dataset: xr.Dataset, dims: tuple[str, str], geographic, mapping: Coordinate | None) -> bool:
    """Whether a rotated-pole grid's rotation is the identity: its latitudes equal its rows' values and
    its longitudes its columns' (modulo 360°) within :data:`IDENTITY_TOLERANCE_DEGREES`, as CORDEX's
    AFR domains write them (north pole at 90°N, 180°W: break48c A5 was told "rows and columns are not
    latitude and longitude"). The latitudes and longitudes are the file's 2-D ones, or pyproj's from
    the mapping (:func:`~climann.data.grids.horizontal_grid`); rows and columns in radians are none."""
    if (mapping is None or mapping.attrs.get("grid_mapping_name") != "rotated_latitude_longitude"
            or any(dim not in dataset.coords or dataset[dim].ndim != 1 for dim in dims)
            or any("rad" in str(dataset[dim].attrs.get("units", "")).lower() for dim in dims)):
        return False
    rows, columns = (np.asarray(dataset[dim].values, np.float64) for dim in dims)
    latitude, longitude = (np.asarray(coordinate.values, np.float64)  # (n_rows, n_columns)
                           for coordinate in (geographic.latitude, geographic.longitude))
    if latitude.shape != (rows.size, columns.size) or longitude.shape != latitude.shape:
        return False
    with np.errstate(invalid="ignore"):
        apart = max(np.nanmax(np.abs(latitude - rows[:, None])),
                    np.nanmax(np.abs((longitude - columns[None, :] + 180) % 360 - 180)))
    return bool(apart <= IDENTITY_TOLERANCE_DEGREES)


def _latitude_label(value: float) -> str:
    return f"{abs(value):g}°{'S' if value < 0 else 'N'}"


def _longitude_label(value: float) -> str:
    wrapped = (value + 180.0) % 360.0 - 180.0
    return f"{abs(wrapped):g}°{'W' if wrapped < 0 else 'E'}"


def _axis_text(dataset: xr.Dataset, dim: str) -> str:
    if dim not in dataset.coords:
        return f"'{dim}': {dataset.sizes[dim]} values, index only"
    values = np.asarray(dataset[dim].values, np.float64)
    kind = dataset[dim].attrs.get("standard_name", "no standard_name")
    if READING_KEY in dataset[dim].encoding:  # the file gave no standard_name: say what was read
        kind += f", read from {dataset[dim].encoding[READING_KEY]}; the file gives no standard_name"
    units = str(dataset[dim].attrs.get("units", "no units")).strip()
    # CMOR's index axes j/i have units "1", a pure number: "0 to 44 1" read as a range to 441 (break24a F6)
    units_text = "" if units == "1" else f" {units}"
    return f"'{dim}': {values.size} values, {values[0]:g} to {values[-1]:g}{units_text} ({kind})"


def _curvilinear_lines(dataset: xr.Dataset, target: str) -> list[str] | None:
    """The grid section's lines for a curvilinear, rotated-pole or projected grid; None for a
    regular one. Its geographic extent is that of the true latitudes and longitudes; its
    cells judged by the suggested target (:func:`climann.data.grids.horizontal_grid`)."""
    try:
        dims, geographic, mapping = horizontal_grid(dataset, target=target or None)
    except ClimannError as error:
        return [f"  {error}"]
    if geographic is None:
        return None
    latitude, longitude = np.asarray(geographic.latitude.values), np.asarray(geographic.longitude.values)
    in_file = geographic.latitude.name in dataset.variables
    source = "in the file" if in_file else "computed from the grid mapping with pyproj"
    if geographic.latitude_bounds is None:
        bounds = "no cell corners"
    elif in_file:
        bounds = f"cell corners '{geographic.latitude_bounds.name}', '{geographic.longitude_bounds.name}'"
        if dataset[geographic.latitude.name].encoding.get(CORNERS_READ_KEY):
            bounds += f" ({_corners_read_text(2)})"
    else:
        bounds = "cell corners computed from the rows' and columns' edges"
    bounds = f"{bounds}; {_areas_text(dataset, dims, geographic, mapping, target=target)}"
    if geographic.point_list:  # a land-point or station list written as 2-D: no grid (climann.data.point_lists)
        return _point_list_lines(dataset, dims, geographic, source, bounds)
    identity = _identity_rotation(dataset, dims, geographic, mapping)
    return [
        f"  {_grid_kind(mapping)}; "
        + ("rows are latitudes and columns longitudes" if _is_latitude_longitude(mapping)
           else f"the rotation is the identity: rows are latitudes and columns longitudes (the 2-D latitude and "
                f"longitude, {source}, equal them within {IDENTITY_TOLERANCE_DEGREES:g}°)" if identity
           else "rows and columns are not latitude and longitude"),
        f"  rows      {_axis_text(dataset, dims[0])}",
        f"  columns   {_axis_text(dataset, dims[1])}",
        f"  latitude  '{geographic.latitude.name}' (2-D, {source}): {np.nanmin(latitude):.4g} to "
        f"{np.nanmax(latitude):.4g} degrees north",
        f"  longitude '{geographic.longitude.name}' (2-D, {source}): {np.nanmin(longitude):.4g} to "
        f"{np.nanmax(longitude):.4g} degrees east, {longitude_convention(longitude)} convention"
        + (f", round the {pole}" if (pole := encircled_pole(latitude, longitude)) else ""),
        f"  {bounds}",
        *_used_once_lines(dataset, geographic.latitude.name),
    ]


def _point_list_lines(dataset: xr.Dataset, dims: tuple[str, str], geographic, source: str, bounds: str) -> list[str]:
    """The grid section's lines for 2-D latitudes and longitudes that list points (JULES's land
    points on ``y`` = 1, ``x``; scattered stations): how many points and why they are no grid's
    cells (:func:`climann.data.point_lists.listed_points`), where they lie, how they weigh."""
    latitude, longitude = np.asarray(geographic.latitude.values), np.asarray(geographic.longitude.values)
    placed = int((np.isfinite(latitude) & np.isfinite(longitude)).sum())
    shape = " × ".join(f"{dim}: {dataset.sizes[dim]}" for dim in dims)
    return [
        f"  points, not a grid: {placed} points listed along {shape} ({geographic.point_list}), as a land-surface "
        "model's land points or a list of stations are written",
        f"  latitude  '{geographic.latitude.name}' ({source}): {np.nanmin(latitude):.4g} to "
        f"{np.nanmax(latitude):.4g} degrees north",
        f"  longitude '{geographic.longitude.name}' ({source}): {np.nanmin(longitude):.4g} to "
        f"{np.nanmax(longitude):.4g} degrees east, {longitude_convention(longitude)} convention",
        f"  {bounds}",
    ]


def _corners_read_text(ndim: int) -> str:
    """Where cell bounds read from xESMF's corner arrays (:mod:`climann.data.corner_arrays`)
    of a coordinate of ``ndim`` dimensions came from."""
    shape = "n + 1 edges" if ndim == 1 else "(rows + 1) × (columns + 1) corners"
    return f"xESMF's corner array{'' if ndim == 1 else 's'} of {shape}, read as CF bounds"


def _used_once_lines(dataset: xr.Dataset, latitude: str) -> list[str]:
    """The line on cells that repeat others' positions (an ORCA grid's halo) used once on
    reading (:mod:`climann.data.repeated_cells`), if any."""
    said = dataset[latitude].encoding.get(USED_ONCE_KEY) if latitude in dataset.variables else None
    return [f"  {said}"] if said else []


def _areas_text(dataset: xr.Dataset, dims: tuple[str, str], geographic, mapping: Coordinate | None, *,
                target: str) -> str:
    """Where the area weights of a curvilinear, rotated-pole or projected grid come from, as
    :meth:`climann.data.layout.GridLayout.cell_area_weights` takes them: the file's own (the
    target's CF ``cell_measures``, section 7.2) first."""
    words = str(dataset[target].attrs.get("cell_measures", "")).split() if target in dataset else []
    measure = next((value for key, value in zip(words[::2], words[1::2]) if key == "area:"), None)
    if measure in dataset.variables:
        return f"areas the file's own, cell measure '{measure}'"
    if mapping is not None and mapping.attrs.get("grid_mapping_name") == "rotated_latitude_longitude":
        bounded = all(dim in dataset and str(dataset[dim].attrs.get("bounds", "")) in dataset.variables for dim in dims)
        edges = "from their bounds" if bounded else "midway between the centres"
        return (f"areas exact, (sin φ₂ − sin φ₁)·Δλ of the rotated rows' and columns' edges {edges} (a rotation "
                "keeps areas)")
    if geographic.cell_areas is not None:
        return "areas geodesic, of the cells' corners in the projection"
    if geographic.latitude_bounds is not None:
        return "areas from the cell corners"
    if geographic.point_list:  # climann.data.point_lists
        return "each point weighed by cos(latitude) (points have no cells), drawn as a dot"
    from climann.data.geometry import corners_from_centres

    latitude, longitude = np.asarray(geographic.latitude.values), np.asarray(geographic.longitude.values)
    boxes = corners_from_centres(latitude, longitude)[2][np.isfinite(latitude) & np.isfinite(longitude)]
    if boxes.size and boxes.all() and _even_rows(latitude):  # a latitude-longitude grid written with 2-D coordinates
        return "areas exact, of latitude-longitude cells with edges midway between the centres"
    if boxes.size and boxes.all():  # rows of a projection (EASE-Grid 2.0): midway is not where their edges are
        return ("areas approximate, of latitude-longitude cells with edges midway between the unevenly spaced rows' "
                "centres " + _midway_error_text(latitude, longitude))
    return ("areas approximate, of quadrilaterals with corners midway between the centres "
            + _midway_error_text(latitude, longitude))


def _even_rows(latitude: np.ndarray) -> bool:
    """Whether the rows of 2-D ``latitude`` (degrees, (n_rows, n_columns), NaN where unplaced) are
    evenly spaced (within 0.1 % of their spacing), as a latitude-longitude grid's are and a
    cylindrical projection's (EASE-Grid 2.0) are not."""
    rows = np.nanmean(np.where(np.isfinite(latitude), latitude, np.nan), axis=1)
    steps = np.diff(rows[np.isfinite(rows)])
    return steps.size < 2 or bool(np.ptp(steps) <= 1e-3 * np.abs(steps).max())


#: WGS 84's first eccentricity squared, e² = f (2 − f), f = 1 / 298.257223563.
_WGS84_E2 = (2 - 1 / 298.257223563) / 298.257223563


def _midway_error_text(latitude: np.ndarray, longitude: np.ndarray) -> str:
    """How far the areas of :func:`~climann.data.geometry.centre_spacing_areas` may be off, in
    numbers of this grid (centres in degrees, shape (n_rows, n_columns)): the midway corners'
    error, of the order of the squared spacing Δ² (radians, the largest between neighbours),
    and the sphere's: the areas take the latitudes as a sphere's, while a satellite product's
    are geodetic on WGS 84, whose cells of equal area then weigh by up to
    max g / min g − 1 apart over the grid's latitudes, g(φ) = (1 − e²) / (1 − e² sin² φ)²
    (the ratio of the ellipsoid's area element to the sphere's at geodetic latitude φ;
    break55c A4: EASE-Grid 2.0's equal cells of a SMAP file copied out of its group weighed
    −1.07 % … +0.16 % apart, where info promised an error of the order of Δ², 4e-5)."""
    phi, lam = np.deg2rad(np.asarray(latitude, np.float64)), np.deg2rad(np.asarray(longitude, np.float64))
    steps = [np.abs(np.diff(phi, axis=axis)) for axis in (0, 1)]
    steps += [np.abs(np.angle(np.exp(1j * np.diff(lam, axis=axis)))) * np.cos(phi[:-1] if axis == 0 else phi[:, :-1])
              for axis in (0, 1)]
    spacing = max((float(np.nanmax(step)) for step in steps if step.size and np.isfinite(step).any()), default=0.0)
    placed = phi[np.isfinite(phi)]
    if not placed.size:
        return "(error of the order of the squared spacing in radians)"
    g = (1 - _WGS84_E2) / (1 - _WGS84_E2 * np.sin(placed) ** 2) ** 2
    apart = 100 * (float(g.max() / g.min()) - 1)
    return (f"on a sphere (error of the order of the squared spacing, {spacing**2:.1g} here"
            f"{_outer_rows_text(latitude)}; latitudes geodetic on WGS 84, as a satellite product's, weigh cells of "
            f"equal area up to {apart:.2g} % apart over this grid's rows: a CF grid mapping of its x/y gives exact "
            "areas)")


def _outer_rows_text(latitude: np.ndarray) -> str:
    """The error of the first and last rows' areas, whose outer edges are put as far out as the
    next row is in (:func:`~climann.data.geometry.corners_from_centres`): half the relative change
    of the row spacing there, |Δ₁ − Δ₀| / (2 Δ₀), when it passes 0.1 % (unevenly spaced rows);
    empty otherwise. latitude: degrees, (n_rows, n_columns)."""
    rows = np.nanmean(np.where(np.isfinite(latitude), latitude, np.nan), axis=1)
    steps = np.abs(np.diff(rows[np.isfinite(rows)]))
    if steps.size < 2 or not steps[0] or not steps[-1]:
        return ""
    outer = 50 * max(abs(steps[1] - steps[0]) / steps[0], abs(steps[-1] - steps[-2]) / steps[-2])
    if outer <= 0.1:
        return ""
    return f", up to {outer:.2g} % in the first and last rows, whose outer edges are extrapolated"


def _grid_section(dataset: xr.Dataset, grid: dict[str, str], problems: dict[str, str], *, target: str) -> str:
    lines = ["Grid:"]
    curvilinear = _curvilinear_lines(dataset, target)
    for kind, describe_values in (("latitude", _latitude_text), ("longitude", _longitude_text)):
        if curvilinear is not None:
            lines += curvilinear
            break
        if kind in grid:
            values = np.asarray(dataset[grid[kind]].values, dtype=np.float64)
            lines.append(f"  {kind:<9} '{grid[kind]}': {describe_values(values)}")
            dropped = dataset[grid[kind]].encoding.get(DROPPED_KEY, ())
            if dropped:
                lines.append(f"  {'':<9} dropped on reading: {', '.join(f'{value:g}°' for value in dropped)}, "
                             "the same meridian again with the same values (a cyclic column)")
            if corners := dataset[grid[kind]].encoding.get(CORNERS_READ_KEY):
                lines.append(f"  {'':<9} cell edges from '{corners}' ({_corners_read_text(dataset[grid[kind]].ndim)})")
            if weights := dataset[grid[kind]].encoding.get(WEIGHTS_READ_KEY):
                lines.append(f"  {'':<9} cell edges from '{weights}' (CAM's Gaussian weights: the sines of the edges, "
                             "summed from the south pole)")
        else:
            lines.append(f"  {kind:<9} {problems[kind]}")
    scalars = [name for name in dataset.coords if dataset[name].ndim == 0]
    if scalars:
        lines.append(f"  {'scalar':<9} {', '.join(_scalar_text(dataset, str(name)) for name in scalars)}")
    return "\n".join(lines)


def _scalar_text(dataset: xr.Dataset, name: str) -> str:
    """``height = 2.0 m``, or each value with the variables of files that give it when they differ:
    ``height = 2.0 m (tas), 10.0 m (sfcWind)`` (combined, the files keep the first one's value,
    which info showed for all: break29b A8)."""
    coordinate = dataset[name]
    given: dict[str, list[str]] = {}
    for variable in data_variable_names(dataset):
        for level in variable_levels(dataset, variable):
            if level.name == name:
                value = xr.DataArray(level.values, attrs=level.attrs)
                given.setdefault(f"{_duration_text(value.values)}{_units_suffix(value)}", []).append(variable)
    if len(given) < 2:  # a float32 as numpy prints it (ECCO's Z -105.31), not as the float64 -105.30999755859375
        shown = str(coordinate.values[()]) if coordinate.dtype.kind == "f" else _duration_text(coordinate.values)
        return f"{name} = {shown}{_units_suffix(coordinate)}"
    return f"{name} = " + ", ".join(f"{value} ({', '.join(names)})" for value, names in given.items())


def _duration_text(value: object) -> object:
    """A scalar duration (``timedelta64``: CEMS-Flood's ``step``, decoded from seconds) in words,
    "1 day", "6 hours" (:meth:`~climann.data.time_axis.TimeStep.span`), not numpy's
    "86400000000000 nanoseconds" (break47d A5); any other value as it is."""
    array = np.asarray(value)
    if array.dtype.kind != "m" or array.ndim != 0 or np.isnat(array):
        return value
    microseconds = int(array.astype("timedelta64[us]").astype(np.int64))
    if microseconds <= 0:
        return value
    return TimeStep(duration=datetime.timedelta(microseconds=microseconds)).span()


def _other_points_text(
    on: dict[str, tuple[str, str]], points: tuple[str, str] | None, axes: Collection[str],
) -> str:
    """The grid section's lines on variables at other points than the grid's (POP's U points
    beside its T points, CAM-FV's ``slat``/``slon``, MOM's U cells; :mod:`climann.data.grid_points`),
    empty when there are none; ``axes``: the dataset's dimensions (points that are axes are lain along)."""
    elsewhere = {name: pair for name, pair in on.items() if pair != points}
    if points is None or not elsewhere:
        return ""
    listed = "; ".join(f"{name} on {' and '.join(pair)}" for name, pair in elsewhere.items())
    first = next(iter(elsewhere))
    said = "lie along" if all(name in axes for name in points) else "name in their coordinates attribute"
    return (f"\n  points    '{points[0]}' and '{points[1]}', those most variables {said}; other points: {listed}, "
            f"left out here (not predictors of a target on these points; to "
            f"predict one on its own points: climann train --target {first} …)")


def _where(files: Sequence[Path]) -> str:
    """The files for a message: the first three names."""
    return ", ".join(path.name for path in files[:3]) + (" …" if len(files) > 3 else "")


def _units_suffix(variable: xr.DataArray) -> str:
    """`` K`` after a scalar coordinate's value; nothing for CF's dimensionless ``units = "1"``
    and ``(units 1e-3)`` for another bare number, which after the value read as a second value
    (``number = 0 1`` for ERA5's ``number``, break28a A4)."""
    units = str(variable.attrs.get("units", "")).strip()
    try:
        factor = float(units)
    except ValueError:
        return f" {units}" if units else ""
    return "" if factor == 1 else f" (units {units})"


def _undimensioned_age(dataset: xr.Dataset, grid: dict[str, str]) -> AgeAlong | None:
    """The age variable along the data's samples (:func:`climann.data.age_axes.age_along_dimension`)
    when no time axis was found or the one found is that age, not a dimension; else None."""
    age = age_along_dimension(dataset)
    return age if age is not None and grid.get("time", age.name) == age.name else None


def _undecoded_time_reason(time: xr.DataArray, files: Sequence[Path]) -> str | None:
    """Why no config trains on a time axis that was not read as dates, naming the Time section
    above for the way out instead of repeating it: its advice (the years-BP conversion, a dozen
    lines) was printed three times, in the Time section, here and in ``info``'s error line
    (fix36b). None for a time axis of dates."""
    values = time.values
    if len(values) and hasattr(values[0], "calendar"):
        return None
    units = time.attrs.get("units")
    found = "it holds text" if time.dtype.kind in "SUO" else f"its units are '{units}'" if units else "it has no units"
    where = f" in {', '.join(path.name for path in files)}" if len(files) == 1 else ""
    return f"time coordinate '{time.name}'{where} could not be read as dates ({found}): see Time above for the way out"


def _time_section(dataset: xr.Dataset, grid: dict[str, str], problems: dict[str, str]) -> str:
    if "time" not in grid:
        return f"Time: {problems['time']}"
    age = _undimensioned_age(dataset, grid)
    if age is not None:
        return f"Time '{age.name}': not a dimension of the data{age_axis_advice(dataset, age)}"
    time = dataset[grid["time"]]
    values = time.values
    if len(values) == 0 or not hasattr(values[0], "calendar"):
        problem = time_units_problem(time, dataset.encoding.get("source"))
        return f"Time '{time.name}': {len(values)} values not decoded to dates: {problem}"
    calendar = time.encoding.get("calendar", values[0].calendar)
    storage = time.encoding.get(TIME_STORAGE_KEY)  # float32 stamps too coarse for their step
    # the sign only where a year is negative, as every text of years: -1050-01-01 to 0980-01-01
    return (
        f"Time '{time.name}': {date_text(values[0])} to {date_text(values[-1])}{_stamps_text(dataset, time)}, "
        f"{time_step_name(values)}, {len(values)} steps{_missing_steps_text(values)}, calendar {calendar}"
        + (f"; {coarse_storage_text(storage)}" if storage else "")
    )


def _stamps_text(dataset: xr.Dataset, time: xr.DataArray) -> str:
    """`` (its cells' middles; stamped 1880-01-15 to 2023-12-15 in the file)`` when the times are
    read at the middles of their cells (:func:`~climann.data.time_cells.times_at_cell_middles`)
    and the file's own stamps differ (break51a A5: GISTEMP's 15ths shown as 16ths, unsaid);
    ``""`` otherwise."""
    if FILE_TIME_COORDINATE not in dataset.coords or dataset[FILE_TIME_COORDINATE].dims != time.dims:
        return ""
    stamps = dataset[FILE_TIME_COORDINATE].values
    if len(stamps) == 0:
        return ""
    first, last = date_text(stamps[0]), date_text(stamps[-1])
    if (" " in first) != (" " in last):  # both with their hour: not "2017-01-01 06:00 to 2017-01-03"
        first, last = date_text(stamps[0], precision="minute"), date_text(stamps[-1], precision="minute")
    return f" (its cells' middles; stamped {first} to {last} in the file, as predictions keep them)"


def _values_text(dataset: xr.Dataset, dim: str) -> tuple[str, object]:
    """The values of dimension ``dim`` as text, and the first one (to put in ``select``): its
    flag meaning where the coordinate has one (``"ascending"`` of AMSR2's pass)."""
    # a dimension already chosen by info's --select is a scalar coordinate: its one value
    values = np.atleast_1d(dataset[dim].values) if dim in dataset.coords else np.arange(dataset.sizes[dim])
    texts = [f"{v:g}" if isinstance(v, (int, float, np.number)) else str(v) for v in values[:8]]
    if dim in dataset.coords:  # AMSR2's pass: 1 (ascending), 2 (descending)
        texts = values_with_meanings(dataset[dim], texts, values[:8])
    shown = ", ".join(texts)
    first = values[0].item() if isinstance(values[0], np.generic) else values[0]
    if isinstance(values[0], np.floating) and values.dtype.itemsize < 8:  # 0.01 in float32, not 0.009999999776482582
        first = float(str(values[0]))
    if dim in dataset.coords:  # select = {pass = "ascending"}: the config says what it chose, not the code 1
        first = meaning_of_code(dataset[dim], first)
    return shown + (", …" if len(values) > 8 else ""), first


def extra_dimensions(dataset: xr.Dataset, names: Sequence[str], grid: dict[str, str]) -> dict[str, list[str]]:
    """Dimensions other than time, latitude and longitude, each with the variables that have it.

    Only variables on the horizontal grid count when it is found: a select on another's
    dimension (WRF's ``west_east_stag`` of ``U``, a station list) would not put it on the grid."""
    horizontal = {grid[kind] for kind in ("latitude", "longitude") if kind in grid}
    found: dict[str, list[str]] = {}
    for name in names:
        if not horizontal <= set(dataset[name].dims):
            continue
        for dim in dataset[name].dims:
            if dim not in grid.values():
                found.setdefault(str(dim), []).append(name)
    return found


def _extra_dimensions_section(dataset: xr.Dataset, names: list[str], grid: dict[str, str]) -> str:
    extra = extra_dimensions(dataset, names, grid)
    if not extra:
        return "Extra dimensions: none"
    if not {"latitude", "longitude"} <= set(grid):
        # Without the horizontal grid its own dimensions cannot be told from extra ones, and
        # select on a grid dimension would keep one row or column of cells.
        return (f"Extra dimensions: not known until the grid is found (dimensions besides time: "
                f"{', '.join(extra)}); no select suggested")
    lines = ["Extra dimensions:"]
    texts = text_dates_in(dataset)  # a time axis whose dates are text (WRF's Times): no date to select
    age = _undimensioned_age(dataset, grid)  # a core's samples along depth, dated by age(depth)
    for dim, variables in extra.items():
        size = dataset.sizes[dim]
        if dim in texts:
            lines.append(f"  {dim}: {size} steps on {', '.join(variables)}, dated by the text in '{texts[dim].name}': "
                         "the time axis once its dates are numbers (see Time above), not a dimension to select from")
            continue
        if age is not None and dim == age.dim:  # a core's depth, each sample dated by its age
            lines.append(f"  {dim}: {size} samples on {', '.join(variables)}, each dated by '{age.name}': the "
                         f"record's time axis once '{age.name}' is its dimension (see Time above), not a dimension to "
                         "select from")
            continue
        if _is_dated_dimension(dataset, dim):  # a time axis (not found, or a second one): never a date to select
            lines.append(f"  {dim}: {size} steps on {', '.join(variables)}, dated: a time axis (see Time above), not "
                         "a dimension to select from")
            continue
        shown, first = _values_text(dataset, dim)
        lead = dim in dataset.coords and is_forecast_period(dataset[dim])
        own = "" if lead else _numbers_units(dataset, dim)  # CESM2's lev in centimeters, not metres (break34b C2)
        in_units = f" in {own}" if own else ""
        where = f"{size} value{'s' if size > 1 else ''}{in_units} ({shown}) on {', '.join(variables)}"
        units = str(dataset[dim].attrs.get("units", "")) if lead else ""
        calendar = " (added to each start date in calendar months)" if calendar_months_per_unit(units) else ""
        kind = (f": forecast lead times{f' in {units}' if units else ''}{calendar}, whose valid times become the time "
                "axis once one is chosen") if lead else ""
        interleaved = interleaved_leads(dataset, dim) if lead else None
        kind += f" ({interleaved})" if interleaved else ""
        model_level = parametric_level(dataset[dim]) if dim in dataset.coords else None
        if model_level:  # CAM's lev in hPa is a nominal 1000·(A+B), no pressure; see climann.data.levels
            interpolation = (f"cdo ml2pl, which {ml2pl_needs(dataset[dim], dim)}" if "sigma-pressure" in model_level
                             else "cdo ml2pl or ml2hl")
            kind = (f": {model_level}, not a pressure or height (each level's is computed from its formula_terms); "
                    f"chosen by its own value, or interpolate first ({interpolation})")
        along = coordinates_along(dataset, dim)
        if size == 1:
            lines.append(f"  {dim}: {where}; dropped automatically")
        elif along:  # ECCO's index k, each at a depth Z(k): k=10 (Z = -105.31 m)
            lines.append(f"  {dim}: {size} values on {', '.join(variables)}{kind}, "
                         f"{_values_with_coordinate(dataset, dim, along[0])}; choose one with select = "
                         f"{{{dim} = {_toml(first)}}}, or by its {along[0]}, select = "
                         f"{{{along[0]} = {_toml(_values_text(dataset, along[0])[1])}}}")
        else:
            end = vertical_end(dataset, dim, first)
            lines.append(f"  {dim}: {where}{kind}; choose one with select = {{{dim} = {_toml(first)}}}"
                         + (f": {end}" if end else ""))
    return "\n".join(lines)


def interleaved_leads(dataset: xr.Dataset, dim: str) -> str | None:
    """When the lead times ``dim`` of a forecast reach distinct valid times from every start, each
    start's falling between it and the next (CAMS EAC4's GRIB: analyses at 00, 06, 12, 18 UTC and
    3-hour forecasts from them, together the 3-hourly series), what choosing one keeps: one in
    ``n`` of them. The config's ``select`` of the first lead time was proposed without a word that
    it halves the 3-hourly series (break44c). None for other forecasts: valid times repeated, or
    not one even series (a few short leads from monthly starts)."""
    valid = next((coordinate for coordinate in dataset.coords.values() if coordinate.ndim == 2
                  and dim in coordinate.dims and coordinate.attrs.get("standard_name") == "time"
                  and coordinate.dtype.kind in "MO"), None)
    count = dataset.sizes[dim]
    if valid is None or count < 2:
        return None
    ordered = np.asarray(valid.transpose(..., dim).values).ravel()  # datetime64 or cftime dates
    try:  # rising along starts then leads by one step: every valid time once, the leads filling each gap evenly
        steps = {later - earlier for earlier, later in zip(ordered[:-1], ordered[1:])}
    except TypeError:
        return None
    step = next(iter(steps), None)
    if len(steps) != 1 or not step > step * 0:
        return None
    return (f"every valid time once, each start's {count} lead times before the next start: together a series "
            f"{count} times as fine as the starts, of which one lead time keeps 1 in {count}")


#: Units of pressure, whose smallest value on a vertical axis is its top.
_PRESSURE_UNITS = frozenset({"pa", "hpa", "kpa", "mbar", "millibar", "millibars", "mb", "bar", "atm"})


def vertical_end(dataset: xr.Dataset, dim: str, value: object) -> str | None:
    """Which end of its vertical axis ``value`` of dimension ``dim`` is, when it is one and the axis
    says which way is up: CF's ``positive`` (``"down"``: values grow downwards, so the smallest is
    the top; ``"up"``: the largest), or units of pressure (the smallest the top); None otherwise.
    A MERRA-2 model level ``lev`` 1 … 72 (``positive = "down"``) was proposed as ``lev = 1.0``
    without a word that it is the model's top, ~0.01 hPa (break44c A3).

    Returns
    -------
    str or None
        ``lev = 1.0 is the top of the 72 levels, as positive = 'down' says; the bottom is lev = 72.0``.
    """
    if dim not in dataset.coords or dataset[dim].ndim != 1 or dataset.sizes[dim] < 2:
        return None
    axis = dataset[dim]
    positive = str(axis.attrs.get("positive", "")).strip().lower()
    if positive not in ("up", "down"):
        positive = "down" if str(axis.attrs.get("units", "")).strip().lower() in _PRESSURE_UNITS else ""
        said = "as its units of pressure say"
    else:
        said = f"as positive = '{positive}' says"
    if not positive or axis.dtype.kind not in "iuf":
        return None
    values = np.asarray(axis.values, dtype=np.float64)
    top, bottom = (values.min(), values.max()) if positive == "down" else (values.max(), values.min())
    try:
        chosen = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    ends = {top: ("top", bottom, "bottom"), bottom: ("bottom", top, "top")}
    if chosen not in ends:
        return None
    end, other, other_end = ends[chosen]
    return (f"{dim} = {_toml(value)} is the {end} of the {axis.size} levels, {said}; the {other_end} is "
            f"{dim} = {_toml(axis.values[values == other][0].item())}")


def _values_with_coordinate(dataset: xr.Dataset, dim: str, name: str) -> str:
    """``k=0 (Z = -5 m), k=1 (Z = -15 m), …``: every value of dimension ``dim`` (its indices
    without a coordinate variable) with the value of its coordinate ``name`` along it, so that a
    level is found by what it is (break40b B1: ECCO's k listed as "0, 1, 2, …", with no depth)."""
    values = dataset[dim].values if dim in dataset.coords else np.arange(dataset.sizes[dim])
    units = _units_suffix(dataset[name])
    shown = [f"{dim}={_number_text(value)} ({name} = {_number_text(other)}{units})"
             for value, other in zip(values, dataset[name].values, strict=True)]
    return ", ".join(shown)


def _number_text(value: object) -> str:
    """A number as climann prints values (``-5``, ``-105.31`` of a float32, not
    ``-105.30999755859375``); anything else as it prints."""
    if isinstance(value, (float, np.floating)):
        return f"{float(str(value)):g}"
    return str(value)


def _numbers_units(dataset: xr.Dataset, dim: str) -> str:
    """The units of a numeric coordinate of ``dim`` (its CF ``units``: CESM2's ``lev`` in
    ``centimeters``); "" for none, CF's dimensionless ``"1"`` or text values."""
    if dim not in dataset.coords or dataset[dim].dtype.kind not in "iuf":
        return ""
    return _units_suffix(dataset[dim]).strip()


def _forecasts_section(forecasts: dict[Path, tuple[xr.Dataset, set[str]]], choice: dict[str, object]) -> str:
    """What each forecast file with several lead times is (its forecasts, on reference time ×
    lead time, their valid times on both), and the ``select`` it is shown with."""
    lines = ["Forecasts (several lead times, beside other files):"]
    # files alike but for their number of reference times (36 monthly ICON files) are one entry: five lines a
    # file made the section 180 lines (break38a B5)
    alike: dict[tuple, list[tuple[Path, tuple[int, ...]]]] = {}
    for path, (dataset, grid_dims) in forecasts.items():
        valid = forecast_valid_times(dataset)
        held = ", ".join(f"{name}({', '.join(map(str, dataset[name].dims))})" for name in forecast_variables(dataset))
        firsts = first_choices(dataset, grid_dims)
        matched = [dim for dim, value in firsts.items() if choice[dim] != value]
        chosen = ", ".join(f"{dim} = {_toml(choice[dim])}" for dim in firsts) + (
            f" ({', '.join(matched)}: the lead month whose valid months the other files hold; the first of each other)"
            if matched else " (the first of each)")
        key = (held, str(valid.name), tuple(map(str, valid.dims)), tuple(valid.shape[1:]), chosen)
        alike.setdefault(key, []).append((path, tuple(valid.shape)))
    for (held, name, dims, _, chosen), files in alike.items():
        firsts = sorted({shape[0] for _, shape in files})
        first = f"{firsts[0]}" if len(firsts) == 1 else f"{firsts[0]} to {firsts[-1]}"
        shape = " × ".join([first, *map(str, files[0][1][1:])])
        named = files[0][0].name + (f" and {len(files) - 1} more files alike" if len(files) > 1 else "")
        lines.append(f"  {named}: {held}, forecasts on reference time × lead time, their valid times "
                     f"'{name}' on {' × '.join(dims)} ({shape}): set beside the other files by "
                     f"valid time once one lead time and one value of each other extra dimension are chosen; shown "
                     f"here, and in the config below, with {chosen}")
    return "\n".join(lines)


def _is_dated_dimension(dataset: xr.Dataset, dim: str) -> bool:
    """Whether a coordinate on dimension ``dim`` alone holds dates (its own, or an auxiliary one)."""
    return any(coordinate.dims == (dim,) and is_dated(coordinate) for coordinate in dataset.coords.values())


def _toml(value: object) -> str:
    """A value as TOML: strings quoted and escaped, floats with a decimal point, lists."""
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)


def _value_totals_of_candidates(dataset: xr.Dataset, names: Sequence[str], grid: dict[str, str]
                                ) -> dict[str, str | None]:
    """The totals accumulated since a start found by their values
    (:func:`~climann.data.running_totals.planned_running_totals`) among the variables of ``names``
    on the grid with a time axis, the target's candidates: :func:`target_proposal` passes them over as
    :func:`describe` does. Only the amounts and thermal-time indices such a total can be are read."""
    horizontal = {grid.get("latitude"), grid.get("longitude")} - {None}
    candidates = [name for name in names if horizontal <= set(dataset[name].dims) and grid.get("time") in
                  dataset[name].dims]
    (totals,) = read_together(planned_running_totals(dataset, candidates))
    return totals()


def _target_choice(dataset: xr.Dataset, names: list[str], grid: dict[str, str], *,
                   constant: Collection[str] | None = None,
                   value_totals: Mapping[str, str | None] | None = None) -> tuple[str, list[str]]:
    """The variable to suggest as target, and the variables off the grid.

    The target is the first time-varying variable on the grid that has an ensemble member axis
    (:func:`climann.data.members.is_member_axis`; CF standard name ``realization``) and no
    other extra dimension of several values: in an ensemble file the members' own output,
    not a forcing or a static field they share. Else the first whose extra dimensions of
    several values are all vertical levels (:func:`climann.data.levels.is_level`: CF §4.3's
    ``axis = "Z"``, ``positive``, a vertical standard name, units of pressure), or that has
    none: the file's main variable, with a ``select`` of its first level (an ocean file's
    ``thetao(time, lev, lat, lon)`` before the surface flux ``hfds`` beside it, which was
    proposed with no predictor at all). Else the first without an extra dimension of several
    values, else the first time-varying one; among those, one whose values change in time before a
    field constant in time written at every step (``constant``, :func:`_constant_in_time`, found
    when not given: WRF's ``HGT``, first of its variables, was proposed and trained on, rerun38
    N4). Never dates written as digits while another is there (FLUXNET's ``TIMESTAMP_START``,
    :func:`~climann.data.text_times.digit_dates`). Never a latitude or longitude left as data
    (:func:`~climann.data.coordinate_values.position_kind`: CALIPSO's ``Latitude(time)`` in
    ``degrees``, break41b B3). Never one of climann's outputs in a predictions file
    (:func:`~climann.data.run_outputs.run_outputs`): its target is. A variable train refuses
    as the target (:func:`refused_as_target`: a direction, a CF flag variable of classes such as
    ESA CCI land cover's ``lccs_class``, break39b B3; a total accumulated since a start, by its words
    or by its values, ``value_totals`` as :func:`_variables_section` finds them: a growing-degree-day
    total restarting each 1 January, first in its file, was proposed and train refused it) only when
    nothing else is there (the config then says why it cannot train). Nor, while another is there,
    data about other values (:func:`~climann.data.ancillary.ancillary_in_itself`: SOCAT's
    ``count_ncruise``, "Number of cruises", first in its file, before the fCO2 it counts), nor an
    ensemble spread (:func:`~climann.data.ensemble_spreads.ensemble_spread_reason`) beside its field, nor a
    quantity of the sun's position alone (:func:`astronomical_reason`: Daymet's ``dayl``, first of its variables,
    was proposed and every other declared a copy of it, break50c A1)."""
    horizontal = {grid.get("latitude"), grid.get("longitude")} - {None}
    # a latitude or longitude left as data (CALIPSO's Latitude(time) in "degrees") is a position, never the target
    names = [name for name in names if name not in run_outputs(dataset) and position_kind(name, dataset[name]) is None]
    # dates written as digits (FLUXNET's TIMESTAMP_START) stamp the steps: no quantity to predict (break45a A2)
    names = [name for name in names if digit_dates(dataset[name], time_dim=grid.get("time")) is None] or names
    chosen = [name for name in names if refused_as_target(dataset, name, value_totals=value_totals) is None
              and horizontal <= set(dataset[name].dims) and grid.get("time") in dataset[name].dims] or names
    chosen = [name for name in chosen if ancillary_in_itself(dataset[name]) is None] or chosen
    chosen = [name for name in chosen if ensemble_spread_reason(dataset[name]) is None] or chosen
    # a quantity of the sun's position alone (Daymet's daylength dayl, first of its files; TOA insolation rsdt)
    # is the latitude and the calendar, nothing to predict: proposed was dayl, break50c A1
    chosen = [name for name in chosen if astronomical_reason(dataset[name]) is None] or chosen
    on_grid = [name for name in chosen if horizontal <= set(dataset[name].dims)]
    varying = [name for name in on_grid if grid.get("time") in dataset[name].dims]
    extra = extra_dimensions(dataset, names, grid)
    several_values = [dim for dim in extra if dataset.sizes[dim] > 1 and not is_member_axis(dataset, dim)]
    several = {name for dim in several_values for name in extra[dim]}
    not_levels = {name for dim in several_values if not (dim in dataset.coords and is_level(dataset[dim]))
                  for name in extra[dim]}
    members = {name for dim, variables in extra.items() if is_member_axis(dataset, dim) for name in variables}

    def first(excluded: set[str]) -> str:
        plain = [name for name in varying if name not in several and name not in excluded]
        left = [name for name in varying if name not in excluded]
        return ([name for name in plain if name in members] or [name for name in left if name not in not_levels]
                or plain or left or on_grid or names or [""])[0]

    # a field written at every step but constant in time (WRF's terrain HGT, the map factors) has
    # nothing to predict: another is proposed while one is left (rerun38 N4)
    constant = set(_constant_in_time(dataset, varying, grid.get("time")) if constant is None else constant)
    target = first(constant) if set(varying) - constant else first(set())
    return target, [name for name in names if not horizontal <= set(dataset[name].dims)]


#: CF standard names of quantities the latitude, longitude and date alone give (the sun's position and the
#: radiation at the top of the atmosphere): the sample's rsdt is a predictor, never the target.
ASTRONOMICAL_STANDARD_NAMES = frozenset({
    "toa_incoming_shortwave_flux", "solar_zenith_angle", "solar_elevation_angle", "solar_azimuth_angle",
})
#: Long names of the same (Daymet's ``dayl``: "daylength"), matched as words, case aside.
_ASTRONOMICAL_LONG_NAME = re.compile(r"\b(day ?length|length of (the )?day|duration of daylight|"
                                     r"toa (incident|incoming) (solar|shortwave)|solar (zenith|elevation) angle)\b",
                                     re.IGNORECASE)


def astronomical_reason(variable: xr.DataArray) -> str | None:
    """Why a variable is a function of the position and the calendar alone (none of the weather):
    its CF standard name (:data:`ASTRONOMICAL_STANDARD_NAMES`) or its long name (a daylength, the
    solar zenith angle, TOA incident solar radiation); None otherwise.

    Parameters
    ----------
    variable : xarray.DataArray

    Returns
    -------
    str or None
        ``"standard_name = 'toa_incoming_shortwave_flux'"`` or ``"long_name = 'daylength'"``.
    """
    standard = str(variable.attrs.get("standard_name", "")).strip()
    if standard in ASTRONOMICAL_STANDARD_NAMES:
        return f"standard_name = '{standard}'"
    long_name = str(variable.attrs.get("long_name", ""))
    if _ASTRONOMICAL_LONG_NAME.search(long_name.replace("_", " ")):
        return f"long_name = '{long_name}'"
    return None


def refused_as_target(dataset: xr.Dataset, name: str, *,
                      value_totals: Mapping[str, str | None] | None = None) -> str | None:
    """Why ``climann train`` refuses ``name`` as the target, read from its attributes (and the
    totals found by their values), for :func:`describe`'s choice of target; None when it does not.

    The refusals of :func:`climann.workflow.preparation.prepare_data` that need no values: a
    direction (:func:`~climann.data.circular.refuse_direction_target`), a CF flag variable of
    more than two values or an integer map of more than two classes (read until a third is found)
    (:func:`~climann.data.flags.refuse_flag_target`), a continuous
    quantity whose flag codes lie within its values
    (:func:`~climann.data.flags.codes_of_a_quantity`); and that of a total accumulated since a
    start (:func:`~climann.data.running_totals.refuse_running_totals`), by train's own rule
    (:func:`~climann.data.running_totals.running_total_reasons`): by its words, or by its values
    where ``value_totals`` holds it.

    Parameters
    ----------
    dataset : xarray.Dataset
        As opened.
    name : str
        A data variable of it.
    value_totals : mapping of str to (str or None), optional
        The totals found by their values
        (:func:`~climann.data.running_totals.planned_running_totals`: variable → the date each
        year they restart, or None); default: none (the words alone are read).

    Returns
    -------
    str or None
        ``"a CF flag variable of classes"``, ``"an integer map of classes"``, ``"a direction"``,
        ``"a quantity with flag codes among its values"`` or ``"a running total (<what says so>)"``.
    """
    variable = dataset[name]
    if is_direction(str(name), variable.attrs):
        return "a direction"
    if flag_classes(variable) is not None:
        return "a CF flag variable of classes"
    if class_map_values(str(name), variable) is not None:  # read until a third class (fix45c)
        return "an integer map of classes"
    if codes_of_a_quantity(str(name), variable) is not None:
        return "a quantity with flag codes among its values"
    found = {total: date for total, date in (value_totals or {}).items() if total == name}
    if reason := running_total_reasons(dataset, [name], found=found).get(name):
        return f"a running total ({reason})"
    return None


def _refused_targets_note(dataset: xr.Dataset, names: Sequence[str], target: str, grid: dict[str, str], *,
                          value_totals: Mapping[str, str | None] | None = None) -> list[str]:
    """The comment that names the variables of ``names`` before ``target`` on its grid and time
    axis that were not proposed because train refuses them as the target (:func:`refused_as_target`;
    ``value_totals`` as there)."""
    horizontal = {grid.get("latitude"), grid.get("longitude")} - {None}
    before = names[:names.index(target)] if target in names else []
    refused = {name: reason for name in before if horizontal <= set(dataset[name].dims)
               and grid.get("time") in dataset[name].dims
               and (reason := refused_as_target(dataset, name, value_totals=value_totals))}
    if not refused:
        return []
    listed = "; ".join(f"{name}, {reason}" for name, reason in refused.items())
    first = next(iter(refused))
    return [_commented(f"target: {target}, the first variable train takes as the target; not {listed}, which it "
                       f"refuses (climann train --target {first} says why and gives the way to a target of it)")]


def _constant_in_time(dataset: xr.Dataset, names: Sequence[str], time: str | None) -> list[str]:
    """Those of ``names`` that hold the same values (missing at the same cells) at their first,
    middle and last steps along ``time``: static fields written at every step. Three steps of
    each are read, in one computation."""
    candidates = [name for name in names if time in dataset[name].dims and dataset.sizes[time] > 1]
    if not candidates:
        return []
    n_steps = dataset.sizes[time]
    steps = sorted({0, n_steps // 2, n_steps - 1})
    samples = [dataset[name].isel({time: steps}) for name in candidates]
    if sum(sample.size for sample in samples) <= CONSTANT_SAMPLE_VALUES:
        # read first, compared in memory: xarray's comparisons of lazy arrays built a dask graph
        # per variable and operation, a tenth of a tiny run's CPU (the same blocks are read)
        samples = list(dask.compute(*samples))
    same = []
    for sample in samples:
        first_step = sample.isel({time: 0})
        equal = (sample == first_step) | (sample.isnull() & first_step.isnull())
        same.append(equal.all().data)
    return [name for name, flag in zip(candidates, dask.compute(*same), strict=True) if bool(flag)]


#: :func:`_constant_in_time` reads the three steps of all its variables into memory first when
#: they hold at most this many values (32 MiB of float64); larger, it compares them block by block.
CONSTANT_SAMPLE_VALUES = 2**22


def _target_selection(dataset: xr.Dataset, target: str, grid: dict[str, str]) -> dict[str, object]:
    """The first value of each extra dimension of the target with several values."""
    extra = extra_dimensions(dataset, [target], grid)
    return {dim: _values_text(dataset, dim)[1] for dim in extra if dataset.sizes[dim] > 1}


def _member_note(dataset: xr.Dataset, dim: str) -> str:
    """What the ``select`` of an ensemble member axis means: one member is trained on."""
    shown, first = _values_text(dataset, dim)
    if dim in dataset.coords and dataset[dim].ndim == 0:  # chosen by info's --select (break42c: IndexError)
        return (f"{dim}: an ensemble member axis; the model is trained on one, {dim} = {_toml(first)} as given to "
                f"climann info --select (the others can be predicted with climann predict --select {dim}=VALUE)")
    return (f"{dim}: the ensemble members ({shown}); the model is trained on one, {dim} = {_toml(first)} here: "
            f"pick the member to train on (the others can be predicted with climann predict --select {dim}=VALUE)")


def _relative_paths_note(paths: Sequence[str]) -> list[str]:
    """The comment above relative ``paths``: they are read from the working directory of
    ``climann train``, not from the config file's folder (break22b F12: ``info my_data/ >
    my.toml``, then ``train --config`` from another folder found no ``my_data/``); none when
    every path is absolute."""
    if all(Path(path).is_absolute() for path in paths):
        return []
    try:
        here = str(Path.cwd())
    except OSError:  # the working directory was removed
        return []
    return [_commented(f"paths are relative to the working directory of climann train, not to this file; written in "
                       f"{here}: train from there, or make them absolute")]


def _unusable_target_reason(dataset: xr.Dataset, grid: dict[str, str], target: str, files: Sequence[Path], *,
                            see: str = "") -> str:
    """Why :func:`_config_section` proposes no config for ``target`` on a grid with latitude and
    longitude: dates as text or along another dimension, no time-varying target (a field with
    no time axis, as a file of orography only), a time axis not decoded; ``""`` when none.
    ``see`` follows the reasons told in the report's Time section (`` (see Time above)``)."""
    texts = text_dates_in(dataset) if "time" not in grid else {}
    if texts:
        name = next(iter(texts.values())).name
        return f"no time coordinate: the dates are text in '{name}'{see}"
    age = _undimensioned_age(dataset, grid)
    if age is not None:
        return (f"no time coordinate: '{age.name}' along '{age.dim}' dates the samples; make it the "
                f"dimension{see}")
    dating = one_record_dating_advice(dataset) if "time" not in grid else ""
    if dating:  # ncl_convert2nc's one record, dated in attributes alone; see climann.data.ncl_initial_times
        return f"no time coordinate{see}{dating}"
    if not target or "time" not in grid or grid["time"] not in dataset[target].dims:
        return NO_TIME_VARYING_TARGET.format(grid=_grid_words(dataset, grid))
    return _undecoded_time_reason(dataset[grid["time"]], files) or ""


#: Why a file whose variables have no time axis (orography alone) has no target to propose, on
#: the grid the file has (:func:`_grid_words`).
NO_TIME_VARYING_TARGET = "no time-varying variable on the {grid} to predict"

#: The words for a grid whose horizontal axes are of these CF standard names (CF 1.8 §4.1, §5.6).
_GRID_WORDS = {"projection_x_coordinate": "map projection's grid", "projection_y_coordinate": "map projection's grid",
               "grid_latitude": "rotated-pole grid", "grid_longitude": "rotated-pole grid"}


def _grid_words(dataset: xr.Dataset, grid: Mapping[str, str]) -> str:
    """The grid ``dataset`` has, in words: ``latitude-longitude grid``, or, for axes of a map
    projection (BedMachine's polar stereographic ``x``, ``y``: fix55f, said to be latitude and
    longitude), ``map projection's grid (x, y: polar_stereographic)``."""
    axes = [grid[kind] for kind in ("latitude", "longitude") if grid.get(kind) in dataset.variables]
    kinds = {_GRID_WORDS.get(str(dataset[axis].attrs.get("standard_name"))) for axis in axes} - {None}
    if not kinds:
        return "latitude-longitude grid"
    mappings = {str(dataset[str(variable.attrs["grid_mapping"])].attrs.get("grid_mapping_name"))
                for variable in dataset.data_vars.values()
                if str(variable.attrs.get("grid_mapping", "")) in dataset.variables
                and "grid_mapping_name" in dataset[str(variable.attrs["grid_mapping"])].attrs}
    named = f": {', '.join(sorted(mappings))}" if mappings else ""
    return f"{sorted(kinds)[0]} ({', '.join(axes)}{named})"


def _config_section(
    paths: Sequence[str], dataset: xr.Dataset, names: list[str], grid: dict[str, str], *, overlap: str = "error",
    problems: dict[str, str] | None = None, files: Sequence[Path] = (),
    forecast_choice: dict[str, object] | None = None, given: Mapping[str, object] | None = None,
    stations: Mapping[str, SeveralStations] | None = None, constant: Collection[str] | None = None,
    value_totals: Mapping[str, str | None] | None = None, rename: Mapping[str, Mapping[str, str]] | None = None,
    forecast_dims: Mapping[str, Collection[str]] | None = None,
) -> str:
    """The ``[data]`` table that trains as it is, with the inputs climann's defaults choose;
    none without a horizontal grid (``problems`` says why): a selection could then take a
    row of the grid for a level, and find a latitude in what is left. ``forecast_choice``
    (the lead time and member that read a forecast among the files on its valid times), the
    user's ``given`` selection (``climann info --select``) and the first station of a file of
    several ``stations``, each already applied to ``dataset``, are written into its ``select``;
    ``constant`` the variables constant in time, no target while another is there
    (:func:`_constant_in_time`, read when not given); ``value_totals`` the totals accumulated
    since a start found by their values (:func:`_variables_section`), left out of the predictors
    as ``train`` would refuse them; ``rename`` the renames given (``climann info --rename``), kept;
    ``forecast_dims`` the dimensions of each forecast variable as its file holds them: a lead time
    or member chosen for forecasts none of which is the target or a predictor (member 0 equal to
    the observations, left out as a leak) is no part of the ``select``, which ``train`` would
    refuse as a select of a dimension the variables it reads do not have (fix49i)."""
    unfound = [kind for kind in ("latitude", "longitude") if kind not in grid]
    if unfound:
        return f"# No config to start from: {(problems or {}).get(unfound[0], f'no {unfound[0]} found')}"
    target, off_grid = _target_choice(dataset, names, grid, constant=constant, value_totals=value_totals)
    stations = dict(stations or {})
    firsts = {dim: several.first for dim, several in stations.items()}
    selection = {**(forecast_choice or {}), **(given or {}), **firsts,
                 **(_target_selection(dataset, target, grid) if target else {})}
    unusable = _unusable_target_reason(dataset, grid, target, files, see=" (see Time above)")
    if unusable:
        return f"{_NO_CONFIG}{unusable}"
    # given, forecast_choice and the stations' firsts were applied when the files were opened, as
    # train applies them: chosen again from the one value left, a value train takes among several
    # (depth=1.54138 of 1.541375) was refused (break37a C2); only the target's first level is new.
    pending = {dim: value for dim, value in selection.items() if dim in dataset.dims}
    try:
        selected = select_values(dataset, pending)
        grid_layout(selected, target, [str(path) for path in files])  # train's check of the grid and time axis
        refuse_direction_target(selected, target, where=files_text(files) or "the data")
        chosen = default_inputs(selected, target, value_totals=value_totals)
        say_metric_areas(chosen)  # on one line: the comments below wrap it
        warn_frame_mismatch(selected, chosen.predictors, target, chosen.features,
                            where=files_text(files) or "the data")
    except ClimannError as error:
        return f"{_NO_CONFIG}{error}"
    lines = [
        "# A config that trains as it is (save it: climann info PATH > my.toml;",
        "# train: climann train --config my.toml). Predictors: every other variable",
        "# on the target's grid; features: lat, plus season when the time axis is finer",
        "# than a year, plus hour (the UTC time of day) when it is finer than a day.",
        "[data]",
        *_relative_paths_note(paths),
        f"paths = {_toml([str(path) for path in paths])}",
        *([f"rename = {toml_rename_table(rename)}"] if rename else []),
        f"target = {_toml(target)}",
        *_refused_targets_note(selected, names, target, grid, value_totals=value_totals),
        f"predictors = {_toml(list(chosen.predictors))}",
        f"features = {_toml(list(chosen.features))}",
    ]
    if overlap != "error":
        lines.append(f"overlap = {_toml(overlap)}")
    used = {target, *chosen.predictors}
    unread = [dim for dim in (forecast_choice or {}) if dim not in (given or {}) and dim not in firsts
              and not any(dim in (forecast_dims or {}).get(name, ()) for name in used)]
    if unread:  # train reads the target and predictors alone: a select of none of their dimensions is refused
        selection = {dim: value for dim, value in selection.items() if dim not in unread}
        forecast_choice = {dim: value for dim, value in forecast_choice.items() if dim not in unread}
        held = sorted(name for name, dims in (forecast_dims or {}).items() if set(unread) & set(dims))
        lines.append(_commented(f"no select of {', '.join(unread)}: only {', '.join(held)}, not read (neither the "
                                "target nor a predictor), has them"))
    if selection:
        choices = ", ".join(f"{dim} = {_toml(value)}" for dim, value in selection.items())
        defaulted = [dim for dim in selection if dim not in (given or {})]
        lines.append(f"select = {{{choices}}}")
        if given:
            lines.append(_commented(f"select: {', '.join(given)} as given to climann info --select"
                                    + (f"; the first value of {', '.join(defaulted)}: change it to the one you want"
                                       if defaulted else "")))
        else:
            matched = [f"{dim} = {_toml(value)}" for dim, value in selection.items()
                       if str(dim).lower() in LEAD_MONTH_NAMES and value != 1]
            lines.append(_commented(f"select: {matched[0]}, the lead month whose valid months the other files hold, "
                                    f"and the first value of each other; change it to the one you want") if matched
                         else "# select: the first value of each; change it to the one you want")
        lines += [_commented(end) for dim, value in selection.items() if (end := vertical_end(dataset, dim, value))]
        lines += [_commented(f"{dim}: {note}") for dim in selection
                  if dim in dataset.dims and (note := interleaved_leads(dataset, dim))]
        lines += [_commented(f"{dim}: the first of the {several.summary.split()[1]} stations (see Stations above); "
                             f"climann trains on one: change it to the station you want ({several.choice})")
                  for dim, several in stations.items()]
        lines += [_commented(_member_note(dataset, dim)) for dim in selection
                  if is_member_axis(dataset, dim) and dim not in (forecast_choice or {})]
        if forecast_choice:
            lines.append(_commented(f"{', '.join(forecast_choice)}: the forecast's lead time and member, so that it is "
                                    "set beside the other files by valid time (see Forecasts above)"))
    lines += [_commented(note) for note in chosen.notes(target)]
    if off_grid:
        lines.append(f"# not on the latitude-longitude grid, so not predictors: {', '.join(off_grid)}")
    staggered = [name for name in off_grid if is_staggered(dataset[name])]
    if staggered:
        lines.append(f"# on a staggered grid: {', '.join(staggered)}; interpolate to the grid's points to use them "
                     "(e.g. wrf-python's wrf.destagger)")
    return "\n".join(lines)
