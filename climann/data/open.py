"""Open gridded NetCDF files lazily (dask-backed) from paths, globs or directories.

Besides NetCDF: local Zarr stores (a directory ending ``.zarr``; the ``zarr`` extra) and
GRIB files (``.grib``, ``.grb``, ``.grib2``, ``.grb2``; read through cfgrib, the ``grib``
extra, imported only when a GRIB file is opened).
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import logging
import os
import re
import shlex
import threading
import warnings
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from pathlib import Path

import cftime
import dask
import numpy as np
import xarray as xr

from climann.data.absolute_time import AbsoluteTimeError, with_absolute_time_bounds, with_duration_time_bounds
from climann.data.calendars import blocks_in_one_calendar, calendar_plan
from climann.data.bounds_dimensions import with_bounds_on_own_dimensions
from climann.data.cell_bounds import with_vertices_last, without_absent_bounds
from climann.data.corner_arrays import with_corner_arrays_as_bounds
from climann.data.coordinate_tolerance import grid_tolerance
from climann.data.latitude_weights import with_latitude_weights_as_bounds
from climann.data.containers import (
    coordinate_groups,
    compressed_message,
    cut_short_message,
    data_groups_first,
    grouped_message,
    groups_with_variables,
    hdfeos_dating_of,
    hdfeos_grid_of,
    format_by_content,
    grouped_fields,
    pps_grid_of,
    other_format_message,
    short_file_message,
)
from climann.data.coordinate_values import checked_coordinates, geographic_kind
from climann.data.varying_levels import check_levels_fixed
from climann.data.coverage_cells import with_covered_cells
from climann.data.gauge_days import warn_gauge_days
from climann.data.ecmwf_means import with_stated_month_cells
from climann.data.empty_files import check_not_empty
from climann.data.earlier_steps import steps_before_common_apart, with_steps_before_common_joined
from climann.data.absolute_zero import BELOW_ABSOLUTE_ZERO_KEY
from climann.data.attribute_names import disagreeing_units_warning, refuse_hdfeos_packing, same_units, with_cf_names
from climann.data.datenums import counts_from_datenum_origin, datenum_message
from climann.data.date_values import dated_data_names
from climann.data.duration_values import with_time_values_as_numbers
from climann.data.hdfeos import HdfEosGrid
from climann.data.cyclic import DROPPED_KEY
from climann.data.handles import data_model, open_netcdf, open_zarr
from climann.data.shared_handles import briefly_open
from climann.data.coords import (
    bare_coordinates, bounds_names, find_coordinate, fixed_in_time, named_coordinates,
    time_coordinate, two_dimensional_coordinates, with_2d_coordinates,
)
from climann.data.duplicate_files import without_duplicate_files
from climann.data.experiment_versions import with_experiment_versions_combined
from climann.data.month_end_steps import with_steps_as_lead_months
from climann.data.forecast_times import forecast_variables, lead_dimensions, on_valid_time, unchosen_lead_message
from climann.data.forecast_windows import with_one_lead_window_cells, with_window_cells
from climann.data.ncl_forecasts import with_ncl_forecast_names
from climann.data.hindcast_dates import with_hindcast_dates
from climann.data.gathered import ungathered
from climann.data.grid_axis_variables import with_grid_axis_variables_as_coordinates
from climann.data.geometry import wrapped_difference
from climann.data.cut_copies import cut_copy_message
from climann.data.grid_tiles import cubed_sphere_tiles_message, lattice_offsets, mosaic_advice, same_grid_mapping
from climann.data.grid_cuts import (cut_advice, index_cut, index_cut_advice, interpolation_advice,
                                    interpolation_onto_2d_advice)
from climann.data.grib import SkippedParameters, open_grib, skipped_loop_message
from climann.data.grid_points import on_points_of
from climann.data.layout import SPLIT_BLOCK_COORDINATE, SPLIT_SERIES_COORDINATE
from climann.data.level_axes import level_axes, on_reference_levels
from climann.data.member_order import in_reference_order
from climann.data.masking import mask_invalid
from climann.data.radar_codes import read_radar_codes
from climann.data.text_numbers import refuse_text_attributes_of
from climann.data.members import with_member_labels_as_coordinates
from climann.data.place_beside_grid import check_place_beside_grid
from climann.data.paths import (
    GRIB_FILE_SUFFIXES, NETCDF_SUFFIXES, is_glob_pattern, is_grib_file, is_zarr_store, matched_paths, path_list,
    relative_to_working_directory,
)
from climann.data.left_out_files import left_out_files, left_out_note
from climann.data.notes import kept_for_the_run, note_once, notes_grouped_by_file
from climann.data.fill_among_values import with_file_marks
from climann.data.fill_like import time_dimension
from climann.data.file_encodings import with_every_file_records, with_file_encodings
from climann.data.renames import FileRenames, rename_table, several_clashes_message
from climann.data.repeated_cells import each_place_once, grid_of_each_place_once
from climann.data.repeated_dimensions import XARRAY_WARNING, without_repeated_dimensions
from climann.data.scalar_coordinates import with_scalar_coordinates_as_axes, with_scalar_time_as_axis
from climann.data.shell import (
    attribute_command, beside, copies_in_place_advice, copy_in_place_advice, files_given, given_files, input_and_copy,
    ncatted_attribute, none_there, original_and_copy, shared_glob, shown_path, superseded_copies,
)
from climann.data.paired_simulations import check_paired_simulations
from climann.data.simulations import check_one_simulation
from climann.data.slanted_profiles import slanted_profile, slanted_profile_message
from climann.data.sources import (
    BOUNDS_FILES_KEY, SOURCE_TIMES_KEY, as_file_stamps, files_text, names_apart, source_files, two_names,
    with_source_files, with_unused_files,
)
from climann.data.swaths import grouped_swath_message, moving_pixels_message, swath_message
from climann.data.selected_members import check_selected_members
from climann.data.subset import select_values
from climann.data.char_labels import with_char_labels_as_text
from climann.data.station_positions import with_station_positions_fixed
from climann.data.spherical_harmonics import harmonic_coefficients_refusal
from climann.data.stations import (
    SeveralStations, check_times_shared_by_stations, with_station_chosen, with_station_rows,
)
from climann.data.undated_axes import check_times_are_dates
from climann.data.undated_files import (
    first_undated_pair_message, scalar_time_on_dimension_message, undated_files_message,
)
from climann.data.series_files import check_series_file
from climann.data.phony_dimensions import is_phony
from climann.data.phony_grids import PhonyGrid, phony_grid, phony_grid_message
from climann.data.pps_grids import (FILE_HEADER, GRID_HEADER, PpsGrid, grid_header_message, pps_grid, pps_group_message,
                                    states_start)
from climann.data.point_pairs import blocks_at_places_message, different_places_message, place_grid
from climann.data.unitless_values import TrainingValues, check_unitless_values, checked_values
from climann.data.unnamed_leads import with_lead_names
from climann.data.units import convert_dataset, variable_units
from climann.data.unmarked_coordinates import with_coordinates_named_elsewhere
from climann.data.unplaced_variables import check_variables_placed
from climann.data.used_files import FileHeaders, files_in_use, fraction_files, mask_files, measure_files
from climann.data.valid_range_tails import OUTSIDE_VALID_RANGE_KEY
from climann.data.variable_sets import by_variable_sets, sharing_series
from climann.data.variables import data_variable_names, with_levels_recorded
from climann.data.time_axes import (
    check_mixed_day_instants,
    check_one_step_per_variable, on_common_time_steps, own_series_lags, own_series_lags_on_axis,
)
from climann.data.time_axis import check_no_own_series_lag_names, continues_series, own_series_lag_of
from climann.data.summed_rates import refuse_summed_rates
from climann.data.time_cell_gaps import warn_cell_gaps, warn_part_cells
from climann.data.time_cells import check_period_stamps, on_common_time_cells, time_bounds_name, times_at_cell_middles
from climann.data.time_overlap import (
    CHOSEN_FROM_LEADS_KEY, forecast_name_refusal, interleaved_forecasts_joined, keep_times, sorted_in_time,
    time_steps_to_keep,
)
from climann.data.file_levels import own_level_dimensions, with_level_variables_as_coordinates
from climann.data.grid_match import _is_longitude, grid_coordinates, grid_mismatch
from climann.data.grid_names import on_reference_names, one_grid_name
from climann.data.grids import GRID_TOLERANCE
from climann.data.time_names import check_one_time_axis, one_time_name, time_on_its_dimension
from climann.data.season_counts import SEASON_COUNT_REASON, counts_growing_seasons, season_count_message
from climann.data.time_units import (
    MONTHS_SINCE_REASON, TIME_WARNING_KEY, ExactCalendarCoder, calendar_unit, months_since_message,
    unreadable_reference_message,
)
from climann.data.time_precision import with_rounding_commands
from climann.data.daylight_saving import file_daylight_saving_message
from climann.data.time_zones import file_abbreviated_zone_message, file_local_time_notes
from climann.data.time_values import (
    ClimatologyError, TimeValuesError, climatology_message, climatology_steps_note, is_time_axis, year_zero_message,
)
from climann.data.climatology_axes import (
    CLIMATOLOGIES_KEY, climatology_axes, named_climatology_message, records_of, without_climatologies_beside_series,
)
from climann.errors import ClimannError, library_message

#: The calendars of the CF conventions (cftime decodes them all but utc, read as standard:
#: :func:`~climann.data.time_values.utc_as_standard_message`).
KNOWN_CALENDARS = (
    "standard", "gregorian", "proleptic_gregorian", "noleap", "365_day",
    "all_leap", "366_day", "360_day", "julian", "tai", "utc", "none",
)

#: File name endings of GRIB files, read through cfgrib (:data:`~climann.data.paths.GRIB_FILE_SUFFIXES`).
GRIB_SUFFIXES = GRIB_FILE_SUFFIXES

#: The optional package each non-NetCDF engine needs, and the extra that installs it.
_ENGINE_EXTRAS: dict[str, tuple[str, str]] = {"zarr": ("zarr", "zarr"), "cfgrib": ("cfgrib", "grib")}

_log = logging.getLogger(__name__)


def input_engine(path: Path) -> str:
    """The xarray engine that reads ``path``: ``zarr`` for a Zarr store (``*.zarr``, or a
    directory holding a store's metadata: :func:`~climann.data.paths.is_zarr_store`), ``cfgrib`` for
    a GRIB file, else ``netcdf4`` (NetCDF3 and NetCDF4). A file is told by its first bytes
    (:func:`~climann.data.containers.format_by_content`: ``GRIB``, ``CDF``, HDF5's signature),
    whatever its name (GEFS's ``gec00.t00z.pgrb2a.0p50.f006`` is GRIB2), and by its name's ending
    (:data:`GRIB_SUFFIXES`) when they say neither.

    Always named explicitly: when xarray guesses, it imports every installed backend, cfgrib
    among them, whose eccodes crashes the interpreter at exit beside pyproj.

    Raises
    ------
    ClimannError
        If the engine's optional package is not installed, with the ``pip install`` line.
    """
    # the first bytes before the name: NCEP's GRIB2 is named ….pgrb2a.0p50.f006 (break42c B1)
    content = None if is_zarr_store(path) else format_by_content(path)
    engine = ("zarr" if is_zarr_store(path) else "netcdf4" if content == "netcdf"
              else "cfgrib" if is_grib_file(path) else "netcdf4")
    if engine in _ENGINE_EXTRAS:
        module, extra = _ENGINE_EXTRAS[engine]
        try:
            importlib.import_module(module)
        except (ImportError, RuntimeError, OSError):  # eccodes raises RuntimeError without its library
            kind = "GRIB files" if engine == "cfgrib" else "Zarr stores"
            raise ClimannError(
                f"reading {kind} ({Path(path).name}) needs the optional {module}: pip install 'climann[{extra}]'"
            ) from None
    return engine


def expand_paths(patterns: str | os.PathLike | Sequence[str | Path]) -> list[Path]:
    """Turn files, glob patterns and directories into a sorted list of files.

    Parameters
    ----------
    patterns : str, os.PathLike or sequence of them
        Each a file, a glob (``data/tas_*.nc``) or a directory (all ``*.nc`` inside); one
        of them alone is one pattern (:func:`~climann.data.paths.path_list`).

    Returns
    -------
    list of Path
        Absolute paths as given (symbolic links not followed), without duplicates (two paths
        to one file: the first), in the order given (each glob sorted).

    Raises
    ------
    ClimannError
        If a pattern matches nothing, or a file it matches is a symbolic link to nothing (naming the
        link and its target), or ``patterns`` are not paths (:func:`~climann.data.paths.path_list`).
    """
    files: list[Path] = []
    read: set[Path] = set()  # the files behind them (a set: thousands of daily files)
    for pattern in path_list(patterns):
        text = str(pattern)
        matched = matched_paths(text)
        if not matched:
            raise ClimannError(_nothing_matched(text))
        broken = next((path for path in matched if path.is_symlink() and not path.exists()), None)
        if broken is not None:  # named before its target's "no such file" blames the files opened with it
            raise ClimannError(f"{broken.name} is a broken symbolic link (to {os.readlink(broken)}): restore its "
                               f"target (a store not mounted?) or leave it out of the files given")
        folder = Path(text)
        if not is_glob_pattern(text) and folder.is_dir() and not is_zarr_store(folder) \
                and (others := left_out_files(folder)):
            # MERRA-2's *.nc4 beside *.nc: left out, and said (break55a A5)
            note_once(_log, logging.WARNING, left_out_note(folder, len(matched), others))
        # each as given, a symbolic link kept (its folder is where advised copies belong, break51a A7),
        # a file given twice (by a link and its target) once
        for path in matched:
            if path.resolve() not in read:
                read.add(path.resolve())
                files.append(Path(os.path.abspath(path)))
    return files


def _nothing_matched(text: str) -> str:
    """Why a pattern gives no file: nothing of that name (a relative one: in the working
    directory, which it names, since a configuration file's paths are read from there too,
    not from the file's folder), or a directory without ``*.nc`` files (of climann run
    directories, perhaps: they are not data), saying what it holds and, for NetCDF, HDF5 or
    GRIB files under another ending (MERRA-2's ``*.nc4``), the glob that gives them."""
    from climann.run_files import is_finished_run

    folder = Path(text)
    if "," in text and all(matched_paths(part.strip()) for part in text.split(",") if part.strip()):
        # `--data a.nc,b.nc`: the README's comma lists are of other flags (break53b A5)
        parts = [part.strip() for part in text.split(",") if part.strip()]
        return (f"no file matches '{text}': a path or glob names no list; give each of its {len(parts)} paths on "
                f"its own, as {' '.join(f'--data {shlex.quote(part)}' for part in parts)} (--data is repeatable; "
                f"[data] paths a TOML list)")
    if not folder.is_dir() or is_zarr_store(folder):
        return f"no file matches '{text}'{relative_to_working_directory(text)}"
    runs = sorted(entry for entry in folder.iterdir() if entry.is_dir() and is_finished_run(entry))
    if runs:
        shown = ", ".join(run.name for run in runs[:3]) + (" …" if len(runs) > 3 else "")
        return (f"no file matches '{text}': the directory holds no NetCDF file (*.nc) but climann run directories "
                f"({shown}), which are not data; use a run with climann evaluate {shlex.quote(str(runs[0]))}, or "
                f"climann predict {shlex.quote(str(runs[0]))} with --data and the files to predict from, --out and a "
                "new file for the predictions")
    endings = _file_endings(folder)
    readable = [ending for ending in endings if ending.lower() in (*NETCDF_SUFFIXES, *GRIB_SUFFIXES)]
    held = "; it holds " + ", ".join(f"{count} *{ending}" if ending else f"{count} without an ending"
                                     for ending, count in list(endings.items())[:4]) + (
        " …" if len(endings) > 4 else "")
    if not endings:
        folders = sorted(entry.name for entry in folder.iterdir() if entry.is_dir())
        return (f"no file matches '{text}': the directory holds no file but directories ({', '.join(folders[:3])}"
                f"{' …' if len(folders) > 3 else ''}); give the files in them by a glob ('{folder / '*' / '*.nc'}')"
                if folders else f"no file matches '{text}': the directory is empty")
    if readable:
        return (f"no file matches '{text}': the directory holds no NetCDF file named *.nc{held}; a directory gives "
                f"its *.nc files only: give the *{readable[0]} files by a glob ('{folder / f'*{readable[0]}'}')")
    # WRF's wrfout_d01_2005-01-01_00:00:00: NetCDF without an ending (break38a B5: '*.EXT' advised); NCEP's
    # GEFS gec00.t00z.pgrb2a.0p50.f006: GRIB2 whose "ending" is the lead time (break42c B1)
    kinds = {entry: format_by_content(entry) for entry in sorted(folder.iterdir())
             if entry.is_file() and not entry.name.startswith(".")}
    unnamed = [entry for entry, kind in kinds.items() if kind is not None]
    if unnamed:
        every = sum(endings.values()) == len(unnamed)
        pattern = unnamed[0] if len(unnamed) == 1 else shared_glob(unnamed) or (folder / "*" if every else None)
        way = f"a glob ('{pattern}')" if len(unnamed) > 1 and pattern else f"name ('{pattern or unnamed[0]}')"
        grib = sum(kinds[entry] == "grib" for entry in unnamed)
        what = ("NetCDF (as WRF names its output)" if not grib else "GRIB (as NCEP names GEFS's; read by their first "
                "bytes)" if grib == len(unnamed) else f"NetCDF or GRIB ({grib} GRIB; read by their first bytes)")
        return (f"no file matches '{text}': the directory holds no NetCDF file named *.nc{held}, of which "
                f"{len(unnamed)} are {what}; a directory gives its *.nc files only: give them by {way}")
    return (f"no file matches '{text}': the directory holds no NetCDF file (*.nc){held}; give its files by name "
            f"or a glob ('{folder / '*.EXT'}', EXT their ending)")


def _file_endings(folder: Path) -> dict[str, int]:
    """The endings of the files in ``folder`` (``.nc4``; ``""`` for none) → how many, most
    common first; hidden files left out."""
    counts = Counter(entry.suffix for entry in folder.iterdir() if entry.is_file() and not entry.name.startswith("."))
    return dict(counts.most_common())


def _open_group(
    files: Sequence[Path], renames: FileRenames, overlap: str = "error", target: str | None = None,
    variables: Collection[str] | None = None, select: Mapping[str, object] | None = None,
    lags: Mapping[str, Sequence[int]] | None = None, *, time_range: Sequence[str] = (), climatologies: bool = False,
    earlier: bool = False,
) -> xr.Dataset:
    """Open files that together hold one set of variables (e.g. one file per year), each
    with its variables renamed as ``renames`` says and its station chosen as ``select`` says
    (``lags``, ``time_range``, ``climatologies``, ``earlier``: see :func:`open_dataset`)."""
    # also months since … in 360_day
    time_coder = ExactCalendarCoder(use_cftime=True, climatologies=climatologies)
    with warnings.catch_warnings():
        # "hours since 1-1-1 00:00:0.0" (NCEP/NCAR reanalysis): xarray reads year-month-day, as
        # UDUNITS does, and says it padded the year; the dates are right, the warning only alarms.
        warnings.filterwarnings("ignore", message="Ambiguous reference date string")
        try:
            opened = _open_files(files, time_coder, renames, overlap, target, variables, select, lags,
                                 time_range=time_range, earlier=earlier)
        except SkippedParameters as refused:  # every file alike split by one loop, not the first alone (fix54k)
            looped = skipped_loop_message(refused, list(files))
            if looped is None:
                raise
            raise ClimannError(looped) from None
        return _with_bare_coordinates(opened, files)


def open_input(path: Path, **options: object) -> xr.Dataset:
    """:func:`xarray.open_dataset` of one input file with the engine of :func:`input_engine`.

    A variable on one dimension twice (an averaging kernel) is left out, with a note
    (:mod:`climann.data.repeated_dimensions`). Values equal to ``_FillValue`` or to
    ``missing_value`` are missing, also when the two differ, without xarray's warning (CF-1.8
    §2.5.1: both mark missing data). A NetCDF file is opened through its one handle in the process
    (:func:`climann.data.handles.open_netcdf`): HDF5 crashes on NetCDF-4 string variables when
    a file is open twice at once. A GRIB file's cfgrib index is written in a temporary folder
    of the process's own and reused by its later openings (:func:`climann.data.grib.index_path`):
    cfgrib would write ``<file>.<hash>.idx`` beside it, and nothing is written next to a user's
    files; every opening (the data, the diagnosis of a failure) comes here.

    Parameters
    ----------
    path : Path
        A NetCDF or GRIB file, or a Zarr store.
    **options
        Given to :func:`xarray.open_dataset` (``chunks``, ``decode_times`` …).

    Raises
    ------
    ClimannError
        If the engine's optional package is missing (see :func:`input_engine`).
    OSError, ValueError
        From the backend, when the file cannot be read.
    """
    engine = input_engine(path)
    with _quiet_decoding():
        if engine == "netcdf4":
            dataset = open_netcdf(path, **options)
        elif engine == "zarr":
            dataset = open_zarr(path, **options)
        else:  # cfgrib, checked for what it would fold or drop; see climann.data.grib
            dataset = open_grib(path, **options)
        return without_repeated_dimensions(dataset, path.name)


@contextlib.contextmanager
def _quiet_decoding() -> Iterator[None]:
    """xarray's warnings that opening a file (:func:`open_input`) or decoding its header
    (:func:`_times_undecoded`) gives and climann says otherwise or not at all."""
    with warnings.catch_warnings():
        # Packed files often give both _FillValue and missing_value; both mark missing values
        # (CF-1.8 §2.5.1), xarray masks both and says so in a warning that would only alarm.
        warnings.filterwarnings("ignore", message=".*multiple fill values.*")
        # Most local Zarr stores have no consolidated metadata; reading without is right, not alarming.
        warnings.filterwarnings("ignore", message=".*consolidated metadata.*")
        # A matrix on one dimension twice is left out (open_input), said once in climann's words.
        warnings.filterwarnings("ignore", message=XARRAY_WARNING)
        yield


#: Each file's header as :func:`file_header` read it in this run, by :func:`_opening_key`; at
#: most :data:`_KEPT_OPENINGS`, first in first out, forgotten at a run's start with its notes.
_HEADERS: dict[tuple, xr.Dataset] = {}
_HEADERS_LOCK = threading.Lock()
kept_for_the_run(_HEADERS.clear)


def file_header(path: Path) -> xr.Dataset:
    """The header of ``path``: :func:`open_input` with nothing decoded (``decode_cf=False``, lazy
    in the file's storage chunks), read once per run.

    A command reads the headers of its files for several choices (which files hold the
    variables it uses, :class:`~climann.data.used_files.FileHeaders`; which share the most
    common grid, :func:`files_on_the_most_common_grid`; which are on its target's grid,
    :func:`files_on_grid_of`), and ``climann info`` opens the files twice (its report, then the
    checks of its config): each read every file's header again (a folder of 300 daily GHRSST
    files: 900 header readings for ``climann info``, fix40e). The same unchanged file (resolved
    path, device, inode, size and modification time) is the same header; each caller gets its
    own shallow copy. A file that cannot be read is not kept: its error is raised again.

    Parameters
    ----------
    path : Path
        A NetCDF or GRIB file, or a Zarr store.

    Returns
    -------
    xarray.Dataset
        Its variables as stored (packed, fill values unmasked, times as numbers), lazy.

    Raises
    ------
    OSError, ValueError, ClimannError
        As :func:`open_input`.
    """
    key = _opening_key(path, None, None)
    with _HEADERS_LOCK:
        known = _HEADERS.get(key)
    if known is None:
        known = open_input(Path(path), decode_cf=False, chunks={})
        with _HEADERS_LOCK:
            if len(_HEADERS) >= _KEPT_OPENINGS:
                _HEADERS.pop(next(iter(_HEADERS)))
            _HEADERS[key] = known
    return known.copy(deep=False)


#: The cells' corners CMOR writes beside a curvilinear grid's latitude and longitude (CMIP6 ``Ofx`` and ``Omon``
#: files of UKESM1, NorESM2, EC-Earth3, MPI-ESM gn): bounds even where a copy lost the ``bounds`` attribute.
_CMIP_VERTICES = ("vertices_latitude", "vertices_longitude")


def check_undated_files(files: Sequence[Path], renames: FileRenames | None = None) -> None:
    """Refuse files of one variable that hold no time, on one grid, once the first two show it
    (:func:`~climann.data.undated_files.first_undated_pair_message`), before every file is opened:
    the refusal of a folder of 730 such files came after 118 s of CPU (break41d B1). Only the
    headers of the files up to the second undated one are read, their variables renamed as
    ``renames`` says.

    Raises
    ------
    ClimannError
        If the first two files without a time hold one variable on the same grid.
    """
    if len(files) < 2:
        return
    renames = renames if renames is not None else FileRenames(list(files), {})

    read: list[Path] = []
    first: list[xr.Dataset] = []
    bounds: set[str] = set(_CMIP_VERTICES)

    def renamed() -> Iterator[tuple[Path, xr.Dataset]]:
        for path, raw in _renamed_raw_datasets(files, renames):
            read.append(path)
            first[:] = first or [raw]
            # the cells' bounds the CF way (named by a coordinate's bounds attribute): CMOR's vertices_latitude of
            # every curvilinear CMIP6 ocean grid was refused as the field of two Ofx files (break57d A1)
            bounds.update(bounds_names(raw))
            yield path, raw

    def is_field(name: str, variable: xr.DataArray) -> bool:
        # as _duplicated_variable_message: the grid's latitude, longitude, bounds and mapping are in every file alike
        return (geographic_kind(name, variable) is None and not name.endswith("bnds") and name not in bounds
                and not _is_grid_mapping(variable))

    message = first_undated_pair_message(renamed(), files, is_field, renames)
    if message:
        check_files_of_one_simulation(read, renames)  # two models' fx files: named as two models first
        # a TRMM/GPM grid copied out of its group, or GFED's HDF5, lacks its coordinates too: one loop writes both
        # (break43b A5, break43d A3)
        placed = _copied_grid_error(first[0], read[0])
        raise placed.for_files(files) if placed is not None else ClimannError(message)


def check_files_of_one_simulation(files: Sequence[Path], renames: FileRenames | None = None) -> None:
    """Refuse files of one variable from several simulations (:func:`~climann.data.simulations.check_one_simulation`)
    among every file given, before any is left out for its grid: a folder of three CMIP6 models on two grids
    was refused as two models, a different two by ``info`` (the most common grid's) and ``train`` (break41c A1).
    Only each file's header is read (:func:`file_header`), its variables renamed as ``renames`` says and its
    times decoded (:func:`_header_with_times`); a file that cannot be read so is left to the later checks.

    Raises
    ------
    ClimannError
        From :func:`~climann.data.simulations.check_one_simulation`.
    """
    if len(files) < 2:
        return
    renames = renames if renames is not None else FileRenames(list(files), {})
    found = {}
    for path in files:
        try:
            found[path] = _header_with_times(path, renames)
        except (OSError, ValueError, TypeError, KeyError, OverflowError, ClimannError):
            continue
    check_one_simulation(found)


#: Each file's header as :func:`_header_with_times` decoded it in this run, by :func:`_opening_key`
#: and the renames applied; at most :data:`_KEPT_OPENINGS`, first in first out.
_WITH_TIMES: dict[tuple, xr.Dataset] = {}
_WITH_TIMES_LOCK = threading.Lock()
kept_for_the_run(_WITH_TIMES.clear)


def _header_with_times(path: Path, renames: FileRenames) -> xr.Dataset:
    """The header of ``path`` (:func:`file_header`), its variables renamed as ``renames`` says and
    decoded, times included (as :class:`xarray.coders.CFDatetimeCoder` with cftime, but the dates its
    data variables hold: :func:`_decoding_of`), once per run and renames: ``climann info`` checks
    the simulations of its files three times (its own look, then the two openings of its report
    and of its config's check), and each decoded every file's header again (fix43c). Each caller
    gets its own shallow copy; a file that cannot be decoded is not kept: its error is raised again.

    Raises
    ------
    OSError, ValueError, TypeError, KeyError, OverflowError, ClimannError
        As :func:`file_header` and :func:`xarray.decode_cf`.
    """
    header = file_header(path)
    names = {str(name) for name in header.variables}
    renamed = {old: new for old, new in renames.mapping(path).items()
               if old in names and old != new and new not in names}
    key = (*_opening_key(path, None, None), repr(sorted(renamed.items())))
    with _WITH_TIMES_LOCK:
        known = _WITH_TIMES.get(key)
    if known is None:
        with _quiet_decoding():
            header = header.rename(renamed)
            known = xr.decode_cf(header, decode_times=_decoding_of(header, xr.coders.CFDatetimeCoder(use_cftime=True)))
        with _WITH_TIMES_LOCK:
            if len(_WITH_TIMES) >= _KEPT_OPENINGS:
                _WITH_TIMES.pop(next(iter(_WITH_TIMES)))
            _WITH_TIMES[key] = known
    return known.copy(deep=False)


#: Each NetCDF file as :func:`_times_undecoded` decoded it in this run, by :func:`_opening_key`.
_UNDECODED: dict[tuple, xr.Dataset] = {}
_UNDECODED_LOCK = threading.Lock()
kept_for_the_run(_UNDECODED.clear)


def _times_undecoded(path: Path) -> xr.Dataset:
    """``path`` as ``open_input(path, decode_times=False, chunks={})`` opens it (CF decoded but
    its times), decoded from its header (:func:`file_header`) for a NetCDF file: xarray decodes
    an opened file's variables by the same rules (:func:`xarray.decode_cf`). Another file is
    opened so.

    A NetCDF file is decoded once per run, as its header is read once (:func:`file_header`):
    ``climann info``'s diagnostics asked for each file four times, and each decoded it again
    (160 one-step ISCCP files: 641 decodings, break42c E1). Each caller gets its own shallow copy."""
    if input_engine(path) != "netcdf4":
        return open_input(path, decode_times=False, chunks={})
    key = _opening_key(path, None, None)
    with _UNDECODED_LOCK:
        known = _UNDECODED.get(key)
    if known is None:
        header = file_header(path)
        with _quiet_decoding():
            known = xr.decode_cf(header, decode_times=False)
        known.encoding = dict(header.encoding)
        with _UNDECODED_LOCK:
            if len(_UNDECODED) >= _KEPT_OPENINGS:
                _UNDECODED.pop(next(iter(_UNDECODED)))
            _UNDECODED[key] = known
    decoded = known.copy(deep=False)
    decoded.encoding = dict(known.encoding)
    return decoded


def _open_in_chunks(path: Path, time_coder: xr.coders.CFDatetimeCoder) -> xr.Dataset:
    """``path`` opened lazily in dask's automatic chunks (see :func:`_open_one`), or in its
    storage chunks where dask cannot size them: a variable whose decoding gives text or
    objects of no known size (a ``scale_factor`` stored as text, refused later with its fix).
    Times that cannot be decoded are refused with this file's name alone, as when it is given
    alone: every caller that opens several files one by one (``climann info``'s look for
    forecasts among them) crashed on xarray's ValueError, or named all the files (break34b A1, B2).
    A file whose data variables hold dates (MCD12Q2's Greenup_0) is opened again with them not
    decoded (:func:`_time_decoding`; its header read only then): they are read as days of year
    (:mod:`climann.data.date_values`), and xarray's decoding of their first and last values on
    opening failed where one was missing."""
    try:
        try:
            dataset = _open_chunked(path, time_coder)
        except ValueError as failure:
            try:
                decoding = _time_decoding(path, time_coder)
            except (OSError, ValueError, KeyError, ClimannError):  # a header that does not read: the first failure
                decoding = time_coder
            if decoding is time_coder:
                raise failure from None
            return _open_chunked(path, decoding)
        if dated_data_names(dataset):
            return _open_chunked(path, _time_decoding(path, time_coder))
        return dataset
    except ValueError as error:
        if _UNDECODED_TIMES.search(library_message(error)):
            raise ClimannError(_explain_open_failure([path], error)) from None
        raise


def _open_chunked(path: Path, decoding: xr.coders.CFDatetimeCoder | dict) -> xr.Dataset:
    """``path`` opened lazily in dask's automatic chunks, or in its storage chunks where dask cannot size them."""
    try:
        return open_input(path, chunks="auto", decode_times=decoding)
    except (ZeroDivisionError, NotImplementedError):  # dask's auto_chunks: an item size of 0, or object dtype
        return open_input(path, chunks={}, decode_times=decoding)


def _time_decoding(path: Path, time_coder: xr.coders.CFDatetimeCoder
                   ) -> xr.coders.CFDatetimeCoder | dict[str, xr.coders.CFDatetimeCoder | bool]:
    """``time_coder`` for each variable of ``path`` but the dates its data variables hold (MCD12Q2's
    Greenup_0), left undecoded to be read as days of year (:mod:`climann.data.date_values`): xarray
    decodes their first and last values on opening, and a missing one failed. A GRIB file: ``time_coder``."""
    if input_engine(path) == "cfgrib":
        return time_coder
    return _decoding_of(file_header(path), time_coder)


def _decoding_of(header: xr.Dataset, time_coder: xr.coders.CFDatetimeCoder
                 ) -> xr.coders.CFDatetimeCoder | dict[str, xr.coders.CFDatetimeCoder | bool]:
    """``decode_times`` for a file of this ``header``: ``time_coder``, False for each of its
    :func:`~climann.data.date_values.dated_data_names`."""
    dated = set(dated_data_names(header))
    return {str(name): name not in dated and time_coder for name in header.variables} if dated else time_coder


#: What xarray says of times it cannot decode (units or calendar cftime does not read).
_UNDECODED_TIMES = re.compile(r"unable to decode time units|calendar", re.IGNORECASE)


#: Each file as :func:`_open_one` opened it in this run, by :func:`_opening_key`; at most
#: :data:`_KEPT_OPENINGS`, first in first out, forgotten at a run's start with its notes.
_OPENED: dict[tuple, xr.Dataset] = {}
_OPENED_LOCK = threading.Lock()
_KEPT_OPENINGS = 4096
kept_for_the_run(_OPENED.clear)


def _opening_key(path: Path, time_coder: xr.coders.CFDatetimeCoder | None, select: Mapping[str, object] | None
                 ) -> tuple:
    """What :func:`_open_one`'s dataset depends on: the file (resolved path, device, inode,
    size and modification time: a file rewritten since is opened again), the time decoder's
    settings (None: :func:`file_header`'s, which decodes nothing) and the selection (none and an
    empty one alike: only its entries are read)."""
    status = os.stat(path)
    coder = (type(time_coder).__qualname__, repr(sorted(vars(time_coder).items()))) if time_coder is not None else ()
    return (str(Path(path).resolve()), status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns,
            *coder, repr(dict(select or {})))


def _open_one(path: Path, time_coder: xr.coders.CFDatetimeCoder, select: Mapping[str, object] | None = None,
              ) -> xr.Dataset:
    """One file opened lazily and checked on its own (:func:`_opened_one`), once per run: a run
    (and ``climann info``, which checks that its config trains) opens its inputs several times,
    and each opening decoded and checked every file again (issue 15: 730 daily files, 2 × 65 s
    of 230 s). The same unchanged file with the same settings is the same dataset; each caller
    gets its own shallow copy (its own attributes and encodings to change). Refusals are not
    kept: they are raised again."""
    key = _opening_key(path, time_coder, select)
    with _OPENED_LOCK:
        known = _OPENED.get(key)
    if known is None:
        known = _with_cells_in_memory(_opened_one(path, time_coder, select))
        with _OPENED_LOCK:
            if len(_OPENED) >= _KEPT_OPENINGS:
                _OPENED.pop(next(iter(_OPENED)))
            _OPENED[key] = known
    return known.copy(deep=False)


def _with_cells_in_memory(dataset: xr.Dataset) -> xr.Dataset:
    """``dataset`` with its grid coordinates (:func:`grid_coordinates`: 1-D axes, 2-D latitude and
    longitude) and its coordinates' bounds (:func:`_with_bounds_in_memory`) read into memory, for
    :func:`_open_one` to keep: every combination of the files read them from each file again (the
    bounds once, the grid at its first comparison), and ``climann info`` combines its files twice
    (its report, its config's check; fix47b: 200 OSI-405 drift files, 2 × 200 reads of each file's
    2-D ``lat``/``lon`` and ``time_bnds``). A file whose cells cannot be read is kept lazy, to be
    refused where they are read, as before.

    Memory: what every combination already held for all its files at once (the bounds and 2-D
    coordinates read before the files' periods are compared), now for the run: 2 × 8 bytes a cell
    of a curvilinear grid per file (40 kB for 50 × 50 cells), nothing more for 1-D axes."""
    try:
        grid = grid_coordinates(dataset)
        return _with_bounds_in_memory(dataset.assign_coords(
            {name: values.variable for name, values in grid.items() if name not in dataset.indexes}))
    except (OSError, ValueError, TypeError, KeyError, RuntimeError):
        return dataset


def _opened_one(path: Path, time_coder: xr.coders.CFDatetimeCoder, select: Mapping[str, object] | None = None,
                ) -> xr.Dataset:
    engine = input_engine(path)
    # dask chunks of about dask's array.chunk-size (128 MiB), whole multiples of the file's own
    # storage chunks ("auto"): netCDF-4 files with an unlimited time dimension (most CMIP and
    # model output) store one time step per chunk, and dask arrays of the storage chunks alone
    # (chunks={}) held one task per step: `climann info` of 4 years of hourly values took
    # 1.5 CPU minutes in dask's graph ordering.
    # A bounds attribute naming a variable the file lacks is no bounds, and bounds with their
    # vertex dimension first are read with it last; see climann.data.cell_bounds. Bounds
    # broadcast over a member dimension are put back on their coordinate's; see
    # climann.data.bounds_dimensions.
    try:
        dataset = _decoded(path, time_coder)
    except ClimatologyError:  # a CF climatology: read with its stamps, left out beside a series (or refused below)
        dataset = _decoded(path, ExactCalendarCoder(use_cftime=True, climatologies=True))
    # A zone with daylight saving time named by the file's global attributes over a local clock's stamps is refused
    # as the time variable's own attribute is; see climann.data.daylight_saving.
    if (daylight := file_daylight_saving_message(dataset)) is not None:
        raise ClimannError(TimeValuesError(daylight).in_file(path))
    # ... and one named by an abbreviation only (:time_zone = "CST", or the time's long name "local time (CST/CDT)"
    # where no attribute names the zone); see climann.data.time_zones.
    if (abbreviated := file_abbreviated_zone_message(dataset)) is not None:
        raise ClimannError(TimeValuesError(abbreviated).in_file(path))
    # A time zone named by the file's global attributes (:time_zone = "UTC+01:00") over sub-daily stamps whose
    # units carry no offset is warned of as the time variable's own; see climann.data.time_zones.
    for name, note in file_local_time_notes(dataset).items():
        encoding = dataset.variables[name].encoding
        encoding[TIME_WARNING_KEY] = "; ".join(text for text in (encoding.get(TIME_WARNING_KEY), note) if text)
    # Labels stored as char arrays (CMOR's vegtype, a station's name) are text from here on; see
    # climann.data.char_labels.
    dataset = with_char_labels_as_text(dataset)
    # HDF-EOS's Units (OMI's molec/cm2), WRF's description, where a variable has no CF units, long_name; see
    # climann.data.attribute_names. Both, and differing (K and degC): read in CF's units, with one warning.
    if (disagreeing := disagreeing_units_warning(dataset, str(path))) is not None:
        note_once(_log, logging.WARNING, disagreeing)
    dataset = with_cf_names(dataset)
    # A Level-2 satellite swath (MODIS L2, GHRSST L2P) is refused with the way to a grid, before anything is said
    # of its variables (MOD04's Scan_Start_Time read as days of year, break47d A2); see climann.data.swaths.
    # (a root without data, OBPG's grouped L2, is told with its groups below)
    swath = swath_message(dataset, path.name) if dataset.data_vars else None
    if swath:
        raise ClimannError(swath)
    refuse_hdfeos_packing(dataset, path.name)
    # A duration xarray wrote (xclim's growing_season_length in days) is a number of its units, an
    # integer in units of time that xarray masked with NaT's integer is NaN where missing, and dates
    # held by a data variable (MCD12Q2's Greenup_0) are days of year; see climann.data.duration_values.
    dataset = with_time_values_as_numbers(dataset, path)
    # Spherical-harmonic coefficients (GRACE Level-2 clm(time, degree, order)) are no grid, with a
    # position given them or not (break40a A2); see climann.data.spherical_harmonics.
    if (harmonics := harmonic_coefficients_refusal(dataset)) is not None:
        raise ClimannError(f"{path.name}: {harmonics}")
    # A projected axis stored under another name than its dimension (NSIDC CDR v4's xgrid(x)) is
    # its dimension's coordinate; see climann.data.grid_axis_variables.
    dataset = with_grid_axis_variables_as_coordinates(dataset)
    # A climatology's variables beside the file's dated series (CERES EBAF's ctime) are left out; see
    # climann.data.climatology_axes. A climatology alone, said by its climatology attribute, its cell_methods
    # or its name and 12 months: refused for training, read as its steps are for new data of a trained run;
    # see climann.data.time_values.
    dataset = without_climatologies_beside_series(dataset, path.name)
    axis, climatology = next(iter(climatology_axes(dataset).items()), (None, None))
    if climatology is not None and getattr(time_coder, "climatologies", False):
        note_once(_log, logging.WARNING, TimeValuesError(climatology_steps_note(*climatology)).in_file(path))
    elif climatology is not None:
        # its data, never a bounds or other auxiliary variable on the axis (break51a A1: HadCRUT5's
        # time_bnds, defined before tas, was the variable of the advised cdo line, which aborted)
        variable = next((name for name in data_variable_names(dataset) if axis in dataset[name].dims), None)
        raise ClimatologyRefusal(path, *climatology, variable=variable)
    if engine == "netcdf4":
        _refuse_cut_short(path)
    if engine == "netcdf4" and not dataset.data_vars:
        _refuse_grouped(path)
    # A TRMM/GPM Level-3 grid copied out of its group: placed by its GridHeader; see climann.data.pps_grids.
    # HDF5 without dimension scales (GFED): the root's 2-D lat/lon place the groups; see climann.data.phony_grids.
    if engine == "netcdf4" and (copied := _copied_grid_error(dataset, path)) is not None:
        raise copied
    swath = swath_message(dataset, path.name)  # one whose root holds no data and is no grouped file
    if swath:
        raise ClimannError(swath)
    # xESMF's corner arrays lat_b/lon_b are the cells' bounds; see climann.data.corner_arrays.
    dataset = with_corner_arrays_as_bounds(dataset, path.name)
    # CESM's Gaussian weights gw(lat) give a CAM file's latitude edges; see climann.data.latitude_weights.
    dataset = with_latitude_weights_as_bounds(dataset, path.name)
    # A forecast's fields on their valid times (cfgrib's GRIB, and its NetCDF or Zarr copies);
    # see climann.data.forecast_times. One map per file with a scalar time (CF §5.7) is one
    # step; see climann.data.scalar_coordinates.
    # Land-only output compressed by gathering (CF §8.2) is put back on its grid; see climann.data.gathered.
    dataset = ungathered(dataset, path.name)
    # A member label that no coordinates attribute names is still a scalar coordinate; see climann.data.members.
    dataset = with_member_labels_as_coordinates(dataset)
    # So is a level (NCO's ncwa -a height) that the variables' cell_methods name; see climann.data.file_levels.
    dataset = with_level_variables_as_coordinates(dataset)
    # A ragged array of stations (CF §9.3.3, §9.3.4) is cut to the chosen station's observations
    # before its time(obs) becomes the axis; see climann.data.stations.
    dataset = with_station_rows(dataset, select, where=path.name)
    check_times_shared_by_stations(dataset, where=path.name)
    # A forecast's lead time chosen with select puts its 2-D valid times on one axis before any
    # other file is set beside it: files are combined by the times their fields are valid at.
    # (on_valid_time first: a lead time decoded to timedelta64 is selected in its units, as in the run's select)
    # ECMWF reforecasts' integer start dates hdate (YYYYMMDD) are their reference times; see
    # climann.data.hindcast_dates.
    # A forecast of one lead time (cfgrib's scalar step) is read as that lead time chosen: a statistic
    # over a window of lead times gets its window; see climann.data.forecast_windows.
    # ncl_convert2nc's initial_time0_hours and forecast_time1 are a reference and a lead time; see
    # climann.data.ncl_forecasts.
    # A lead time no CF name marks (CAMS's leadtime in hours beside its "FORECAST base time") is marked so,
    # or refused when the time axis may be the start or the valid time; see climann.data.unnamed_leads.
    dataset = with_lead_names(with_ncl_forecast_names(with_hindcast_dates(dataset), where=path.name),
                              where=path.name)
    # cfgrib's monthly means of a seasonal forecast, step = end of each averaged month, are regrouped on the
    # lead month (forecastMonth) as the new CDS gives them; see climann.data.month_end_steps.
    dataset = with_steps_as_lead_months(dataset, select, where=path.name, path=path)
    dataset = with_one_lead_window_cells(dataset, where=path.name)
    dataset = with_lead_chosen(on_valid_time(dataset), select, where=path.name)
    dataset = time_on_its_dimension(with_scalar_time_as_axis(on_valid_time(dataset)), path.name)
    # ECMWF's monthly means, which their GRIB attributes date by the month each opens, get that
    # month as their time cell; see climann.data.ecmwf_means.
    dataset = with_stated_month_cells(dataset, path.name)
    # Means stamped on their periods' first instants whose stated time coverage (ACDD's
    # time_coverage_start) says whether each stamp opens or closes its period get those periods as
    # cells; see climann.data.coverage_cells.
    dataset = with_covered_cells(dataset, path.name)
    # CPC's gauge days (12–12 UTC over CONUS) stamped at 00 UTC without bounds; see climann.data.gauge_days.
    warn_gauge_days(dataset, path)
    # A file with two time axes is split by the user, never guessed from; see climann.data.time_names.
    check_one_time_axis(dataset, path.name)
    # One station of a CF station file (one in the file, or the one selected) is a point; see climann.data.stations.
    # Positions given at each time step (WRF's XLAT(Time, y, x), WAVEWATCH III's latitude(time,
    # station)) are fixed first, so that the stations are found on their own dimension; a
    # station's only where the run uses it (the one selected): see climann.data.station_positions.
    dataset = with_station_positions_fixed(dataset, select, where=path.name)
    dataset = with_station_chosen(fixed_in_time(dataset, path.name), select, where=path.name)
    # A station's scalar lat/lon (CF §5.7) become a 1×1 grid; see climann.data.scalar_coordinates.
    dataset = with_scalar_coordinates_as_axes(dataset)
    # A profile whose position moves with height (a radio occultation's Lat(MSL_alt)) is no place;
    # see climann.data.slanted_profiles.
    if (profile := slanted_profile(dataset)) is not None:
        raise ClimannError(slanted_profile_message(dataset, profile, path.name))
    dataset = checked_coordinates(dataset, path.name)
    # Levels whose pressure changes from sounding to sounding (IGRA's pres(station, time, level)) are
    # no fixed level to select; see climann.data.varying_levels.
    check_levels_fixed(dataset, path.name, select)
    # Each variable's level (CF §5.7 scalar plev, height) is recorded before files are combined.
    return with_levels_recorded(dataset)


def _decoded(path: Path, time_coder: xr.coders.CFDatetimeCoder) -> xr.Dataset:
    """``path`` opened lazily with its times decoded (:func:`_open_in_chunks`), CDO's absolute
    time axis and its bounds included; the time decoder's refusals in the file's words (a
    climatology's as :class:`~climann.data.time_values.ClimatologyError`, for the caller)."""
    try:  # CDO's absolute time axis, decoded by ExactCalendarCoder, bounds included
        opened = with_vertices_last(without_absent_bounds(_open_in_chunks(path, time_coder), path.name), path.name)
        opened = with_absolute_time_bounds(with_bounds_on_own_dimensions(opened, path.name))
        return with_duration_time_bounds(opened)  # FMS's time_bnds in "days"
    except AbsoluteTimeError as error:
        raise ClimannError(f"{path.name}: {error}") from None
    except ClimatologyError:
        raise
    except TimeValuesError as error:  # a step without a date, a pre-1582 reference; see climann.data.time_values
        raise ClimannError(error.in_file(path)) from None


def _series_beside(files: Sequence[Path], climatology: Path, target: str | None,
                   opened: Callable[[Path], xr.Dataset]) -> tuple[str, Path] | None:
    """The run's ``target`` and the first of ``files`` (other than ``climatology``) that holds it
    as it is opened (``opened``), for a climatology's ``cdo`` line; None without a target, or when
    no other file that opens holds it."""
    if target is None:
        return None
    for path in files:
        if path == climatology:
            continue
        try:
            if target in opened(path).data_vars:
                return target, path
        except ClimannError:  # told when the file is opened on its own
            continue
    return None


class ClimatologyRefusal(ClimannError):
    """A file that is a climatology refused for training (:mod:`climann.data.climatology_axes`):
    ``path``, how it says so (``said``), its number of steps and its ``variable``
    (:func:`~climann.data.time_values.climatology_message`); beside other files, its message
    names the series and says to leave the file out (:func:`_open_files`, :meth:`beside`)."""

    def __init__(self, path: Path, said: str, size: int, *, variable: str | None = None) -> None:
        self.path, self.said, self.size, self.variable = Path(path), said, size, variable
        super().__init__(TimeValuesError(climatology_message(said, size, variable=variable)).in_file(path))

    def beside(self, series: tuple[str, Path] | None, files: Sequence[Path]) -> str:
        """The message beside the other ``files`` given, its ``cdo`` line on ``series`` (a variable of
        the series and the first file that holds it) when known."""
        others = [other for other in files if other != self.path]
        message = climatology_message(self.said, self.size, variable=self.variable, series=series,
                                      other_files=len(others) - 1 if series is not None else 0)
        return (f"{TimeValuesError(message).in_file(self.path)}; beside {files_text(others)}, "
                f"leave {self.path.name} out of the files given (--data): its stamps are no dates to pair with theirs")


def with_lead_chosen(dataset: xr.Dataset, select: Mapping[str, object] | None, *, where: str) -> xr.Dataset:
    """``dataset`` with the values of its lead-time dimensions that ``select`` chooses
    (:func:`~climann.data.forecast_times.lead_dimensions`: ``forecastMonth`` of the new CDS's
    ``valid_time(forecast_reference_time, forecastMonth)``), picked as
    :func:`~climann.data.subset.select_values` picks them, so that its valid times lie on one
    dimension and become its time axis (:func:`~climann.data.forecast_times.on_valid_time`)
    before it is combined with other files. Left to the run's selection after the files were
    combined, the forecast was set beside observations by its reference times (break30a A2).
    The run's later selection finds the lead a scalar coordinate of the chosen value. A
    statistic over a window of lead times (GRIB ``avg``, ``accum`` …) gets that window as the
    CF bounds of its valid times (:func:`~climann.data.forecast_windows.with_window_cells`).

    Raises
    ------
    ClimannError
        If the value is not one of the lead dimension's (naming the file ``where``); if the
        window of the values cannot be told or is no single step
        (:func:`~climann.data.forecast_windows.with_window_cells`).
    """
    chosen = {dim: value for dim, value in (select or {}).items() if dim in lead_dimensions(dataset)}
    if not chosen:
        return dataset
    selected = select_values(dataset, chosen, where=where)
    for dim in chosen:  # lead 0 chosen from a forecast's leads is still a forecast's (climann.data.time_overlap)
        if dim in selected.coords and selected[dim].ndim == 0 and np.any(np.asarray(dataset[dim].values, bool)):
            selected[dim].encoding[CHOSEN_FROM_LEADS_KEY] = True
    # a mean, extreme or total over a window of lead times gets that window as its time cell; see
    # climann.data.forecast_windows
    return with_window_cells(selected, dataset, where=where)


def check_forecast_names(files: Sequence[Path], forecasts: Mapping[Path, tuple[xr.Dataset, set[str]]],
                         renames: FileRenames | None = None) -> None:
    """Refuse a forecast file of ``forecasts`` (:func:`forecasts_to_choose_in`) beside another of
    ``files`` that holds a variable of the same name without lead times (S2S ``t2m`` beside ERA5
    ``t2m``), with the rename that tells them apart
    (:func:`~climann.data.time_overlap.forecast_name_refusal`): ``climann info`` advised
    ``[data] overlap``, which merges forecasts into observations (break31a B3). The names are those
    after the run's ``renames`` (``--rename``), as in ``forecasts``: the rename this refusal
    advises was refused again (fix49d)."""
    if not forecasts:
        return
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Ambiguous reference date string")  # as _open_group
        for path in (Path(path) for path in files if Path(path) not in forecasts):
            with _season_counts_of_every_file(files):
                opened = _open_one(path, ExactCalendarCoder(use_cftime=True))
            names = set(map(str, (renames.applied(opened, path) if renames is not None else opened).data_vars))
            for forecast, (dataset, _) in forecasts.items():
                if shared := sorted(names & set(forecast_variables(dataset))):
                    others = [other for other, (held, _) in forecasts.items()
                              if other != forecast and set(shared) & set(forecast_variables(held))]
                    raise forecast_name_refusal(forecast, path, shared, others=others, renames=renames,
                                                files=[Path(file) for file in files])


@contextlib.contextmanager
def _season_counts_of_every_file(files: Sequence[str | Path]) -> Iterator[None]:
    """Opening one of ``files``: a refusal of its time axis in growing seasons (ISIMIP's crop
    outputs, :func:`~climann.data.season_counts.season_count_message`), whose advice dates that
    file alone, made the refusal that dates every file of ``files`` with those units in one
    loop: the line for the first file alone met the refusal again at the next (rerun34)."""
    try:
        yield
    except ClimannError as error:
        # and of one file in 'months since' (break54d A5: a line for the first of 13 RG files)
        if len(files) > 1 and (SEASON_COUNT_REASON in str(error) or MONTHS_SINCE_REASON in str(error)):
            raise ClimannError(_time_units_message([Path(file) for file in files]) or str(error)) from None
        raise


def months_of_files(files: Sequence[Path]) -> set[int]:
    """The calendar months (1–12) of the time stamps of ``files``, each opened alone as a run
    opens it (:func:`_open_one`); a file without a time axis of dates adds none. ``climann info``
    proposes the lead month of a seasonal forecast whose valid months these are
    (:func:`~climann.data.forecast_times.lead_month_of_months`)."""
    months: set[int] = set()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Ambiguous reference date string")  # as _open_group
        for path in files:
            dataset = _open_one(Path(path), ExactCalendarCoder(use_cftime=True))
            time = time_coordinate(dataset)
            if time is None or dataset[time].ndim != 1:
                continue
            months |= {stamp.month for stamp in np.ravel(dataset[time].values) if hasattr(stamp, "month")}
    return months


def forecasts_to_choose_in(files: Sequence[Path], renames: FileRenames | None = None
                           ) -> dict[Path, tuple[xr.Dataset, set[str]]]:
    """The files of several whose valid times lie on several dimensions (a forecast with
    several lead times, :func:`~climann.data.forecast_times.lead_dimensions`), each opened
    alone as a run opens it (lazily, no lead chosen; its variables renamed as ``renames`` says)
    with its horizontal dimensions: what ``climann info`` needs to say what such a file is and to
    propose the ``select`` that reads it on its valid times
    (:func:`~climann.data.forecast_times.first_choices`). Empty for one file: it is not set
    beside any other.

    Parameters
    ----------
    files : sequence of Path
        As given to :func:`open_dataset`.
    renames : FileRenames, optional
        The run's renames (``--rename``, ``[data] rename``): a forecast renamed apart from the
        observations of its name was still found holding that name (fix49d).

    Returns
    -------
    dict of Path to (xarray.Dataset, set of str)
        In the order of ``files``.
    """
    if len(files) < 2:
        return {}
    found = {}
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Ambiguous reference date string")  # as _open_group
        for path in files:
            with _season_counts_of_every_file(files):
                try:
                    dataset = _open_one(Path(path), ExactCalendarCoder(use_cftime=True))
                except GroupedFileError as error:  # HDF-EOS5 grids: one loop over the files given
                    raise error.for_files([Path(file) for file in files]) from None
                except (OSError, ValueError) as error:  # a file of no format read here: said as a run says it
                    if not _UNREADABLE.search(library_message(error)):
                        raise
                    raise ClimannError(_explain_open_failure([Path(path)], error)) from None
                except SeveralStations as several:  # a station file beside its copy: info chooses one later
                    dataset = _open_one(Path(path), ExactCalendarCoder(use_cftime=True), {several.dim: several.first})
            if lead_dimensions(dataset):
                grid_dims = {str(dim) for coordinate in grid_coordinates(dataset).values() for dim in coordinate.dims}
                named = renames.applied(dataset, Path(path)) if renames is not None else dataset
                found[Path(path)] = (named, grid_dims)
    return found


def _check_leads_chosen(datasets: Mapping[Path, xr.Dataset]) -> None:
    """Refuse a forecast file whose valid times lie on several dimensions (no lead time
    selected) among other files (:func:`~climann.data.forecast_times.unchosen_lead_message`)."""
    for path, dataset in datasets.items():
        grid_dims = {str(dim) for coordinate in grid_coordinates(dataset).values() for dim in coordinate.dims}
        others = files_text([other for other in datasets if other != path])
        message = unchosen_lead_message(dataset, grid_dims, where=path.name, others=others)
        if message:
            raise ClimannError(message)


def _refuse_cut_short(path: Path) -> None:
    """Refuse a NetCDF-3 file shorter than its header says (see climann.data.containers); a
    NetCDF-4 file (its data model as its store read it) is not opened again to say so."""
    if not data_model(path).startswith("NETCDF3"):
        return
    with briefly_open(path) as handle:
        message = cut_short_message(handle, path)
    if message:
        raise ClimannError(message)


class GroupedFileError(ClimannError):
    """A file whose root holds no data variables while its groups do (:func:`_refuse_grouped`),
    with what makes the message for the files given with it (``GroupedFileError.for_files``)."""

    def __init__(self, path: Path, groups: list[str], grid: HdfEosGrid | None, dated: str | None,
                 coordinates_in: Sequence[str] = (), pps: tuple[PpsGrid, bool] | None = None) -> None:
        self.path, self.groups, self.grid, self.dated, self.pps = path, groups, grid, dated, pps
        self.coordinates_in = coordinates_in
        super().__init__(self._message([path]) if pps else
                         grouped_message(path, groups, grid, dated=dated, coordinates_in=coordinates_in))

    def _message(self, files: Sequence[Path]) -> str:
        """The refusal of a PPS grid's group (:func:`~climann.data.pps_grids.pps_group_message`)."""
        grid, start_stated = self.pps
        said = (f"{self.path.name} holds its variables in the NetCDF-4 group '{self.groups[0].strip('/')}', not in "
                "the root group that climann reads")
        return pps_group_message(said, self.groups[0].strip("/"), grid, files, start_stated=start_stated)

    def for_files(self, files: Sequence[Path]) -> ClimannError:
        """The refusal for ``files``, all given together: a loop over them (break43b A5: one file's
        ncks line for 72 files)."""
        grids = [file for file in files if Path(file).suffix == self.path.suffix]
        if len(grids) < 2:
            return self
        if self.pps is not None:
            return ClimannError(self._message(grids))
        return ClimannError(grouped_message(self.path, self.groups, self.grid, files=grids, dated=self.dated,
                                            coordinates_in=self.coordinates_in))


class HeaderGridError(GroupedFileError):
    """A file whose grid only its PPS ``GridHeader`` attribute places (:func:`_header_grid_error`),
    with the loop over the files given with it (``for_files``)."""

    def __init__(self, path: Path, grid: PpsGrid, *, timed: bool, start_stated: bool) -> None:
        self.path, self.header_grid, self.timed, self.start_stated = path, grid, timed, start_stated
        ClimannError.__init__(self, self._message([path]))

    def _message(self, files: Sequence[Path]) -> str:
        return grid_header_message(self.path, self.header_grid, files, timed=self.timed,
                                   start_stated=self.start_stated)

    def for_files(self, files: Sequence[Path]) -> ClimannError:
        """The refusal for ``files``: one loop over those of this file's ending."""
        grids = [file for file in files if Path(file).suffix == self.path.suffix]
        return self if len(grids) < 2 else ClimannError(self._message(grids))


def _refuse_grouped(path: Path) -> None:
    """Refuse a NetCDF-4 file whose root holds no data variables while its groups do (see
    climann.data.containers)."""
    with briefly_open(path) as handle:
        groups = data_groups_first(handle, groups_with_variables(handle))
        swath = grouped_swath_message(handle, path.name, groups) if groups else None
        grid = hdfeos_grid_of(handle, groups[0]) if groups else None
        dated = hdfeos_dating_of(handle, path) if grid is not None else None
        pps = pps_grid_of(handle, groups[0]) if groups and grid is None else None
        coordinates = coordinate_groups(handle, groups[0]) if groups and grid is None and pps is None else []
    if swath:
        raise ClimannError(swath)
    if groups:
        raise GroupedFileError(path, groups, grid, dated, coordinates, pps)


class PhonyGridError(GroupedFileError):
    """An HDF5 file without dimension scales whose root's 2-D latitude and longitude place its
    groups' fields (:func:`_phony_grid_error`), with the loop over the files given with it."""

    def __init__(self, path: Path, grid: PhonyGrid, groups: dict[str, list[str]], dims: Sequence[str]) -> None:
        self.path, self.phony_grid, self.fields, self.dims = path, grid, groups, dims
        ClimannError.__init__(self, phony_grid_message(path, grid, groups, [path], dims))

    def for_files(self, files: Sequence[Path]) -> ClimannError:
        """The refusal for ``files``: one loop over those of this file's ending."""
        grids = [file for file in files if Path(file).suffix == self.path.suffix]
        return self if len(grids) < 2 else ClimannError(
            phony_grid_message(self.path, self.phony_grid, self.fields, grids, self.dims))


def _phony_grid_error(dataset: xr.Dataset, path: Path) -> PhonyGridError | None:
    """The refusal of an HDF5 file without dimension scales (``phony_dim_N``) whose root's 2-D
    latitude and longitude place the fields of its groups (GFED4.1s; see climann.data.phony_grids),
    or None for any other file."""
    dims = sorted({str(dim) for variable in dataset.variables.values() for dim in variable.dims if is_phony(dim)})
    if not dims or (grid := phony_grid(dataset)) is None:
        return None
    try:
        with briefly_open(path) as handle:
            groups = grouped_fields(handle, grid.shape)
    except (OSError, RuntimeError, ValueError, KeyError):
        return None
    return PhonyGridError(path, grid, groups, dims) if groups else None


def _copied_grid_error(dataset: xr.Dataset, path: Path) -> GroupedFileError | None:
    """The refusal of a file whose grid no variable places but its PPS GridHeader or, without
    dimension scales, its root's 2-D latitude and longitude (:func:`_header_grid_error`,
    :func:`_phony_grid_error`), or None."""
    return _header_grid_error(dataset, path) or _phony_grid_error(dataset, path)


def _header_grid_error(dataset: xr.Dataset, path: Path) -> HeaderGridError | None:
    """The refusal of a file without a latitude or longitude whose grid its PPS ``GridHeader``
    attribute places (a TRMM/GPM Level-3 group copied out by ``ncks`` or xarray; see
    climann.data.pps_grids), with the line that writes its coordinates; ``dataset`` with its times
    decoded or not; None for any other file."""
    header = dataset.attrs.get(GRID_HEADER)
    if not isinstance(header, str) or any(geographic_kind(str(name), dataset[name]) for name in dataset.variables):
        return None
    grid = pps_grid(header, dict(dataset.sizes))
    if grid is None or not any({grid.latitude, grid.longitude} <= set(variable.dims)
                               for variable in dataset.data_vars.values()):
        return None
    timed = any(variable.dtype.kind == "M" or " since " in str(variable.encoding.get("units", ""))
                or " since " in str(variable.attrs.get("units", "")) for variable in dataset.variables.values())
    return HeaderGridError(path, grid, timed=timed, start_stated=states_start(str(dataset.attrs.get(FILE_HEADER, ""))))


def _note_time_warnings(datasets: Mapping[Path, xr.Dataset]) -> None:
    """Warn of what the time decoder noted about the files' time axes (a pre-1582 reference
    date in the ``standard`` calendar, stamps rounded; see climann.data.time_values), once per
    note and run: files with the same note are one line naming the first and the others, as
    other file warnings do (NCEP/NCAR's yearly files since 1-1-1 gave one line each: break31b B5)."""
    held: dict[str, list[Path]] = {}
    for path, dataset in datasets.items():
        for variable in dataset.variables.values():
            note = variable.encoding.get(TIME_WARNING_KEY)
            if note:
                held.setdefault(note, []).append(path)
    for note, paths in held.items():
        first, others = paths[0], list(dict.fromkeys(paths[1:]))
        # the rounding command first: for a Zarr store it is an xarray line (time_precision)
        said = TimeValuesError(with_rounding_commands(note, input_and_copy(first))).in_file(first)
        if others:
            said += (f" (so do {len(others)} other file{'s' * (len(others) > 1)}: {files_text(others)}; each "
                     "takes the same command on its own copy)")
        note_once(_log, logging.WARNING, said)  # once per run


def _open_files(
    files: Sequence[Path], time_coder: xr.coders.CFDatetimeCoder, renames: FileRenames, overlap: str = "error",
    target: str | None = None, variables: Collection[str] | None = None, select: Mapping[str, object] | None = None,
    lags: Mapping[str, Sequence[int]] | None = None, *, time_range: Sequence[str] = (), earlier: bool = False,
) -> xr.Dataset:
    # Attributes (global and of each variable) that the files agree on are kept, those that
    # differ dropped (two GRIB files' GRIB_* and history): none claims for all what one file says.
    combine = {"data_vars": "minimal", "coords": "minimal", "compat": "override", "join": "exact",
               "combine_attrs": "drop_conflicts"}
    # Repeated and overlapping times are found (and resolved as ``overlap`` says) from the
    # files' time coordinates before they are combined; see climann.data.time_overlap.
    # valid_min/valid_max/valid_range are applied to each file with its own packing (xarray
    # masks only _FillValue and missing_value); see climann.data.masking.
    # A repeated (cyclic) longitude column is dropped from each file before the grids are
    # compared: one file with it beside others without is one grid; see climann.data.cyclic
    # (and an ORCA grid's halo: climann.data.repeated_cells).
    # Renamed variables are renamed as each file is opened, before anything looks at them:
    # the files are then one set, as if renamed by hand; see climann.data.renames.
    # Each file is opened once: its times are read to plan calendars and overlaps, then the
    # same lazy dataset is combined (it was opened two or three times, each time decoded again).
    opened_files: dict[Path, xr.Dataset] = {}
    # A grid with several sets of points (POP's T and U) is its target's; see climann.data.grid_points.
    points: list = [None]

    def opened(path: Path) -> xr.Dataset:
        if path not in opened_files:
            with _season_counts_of_every_file(files):
                try:
                    dataset = renames.applied(_open_one(path, time_coder, select), path)
                except GroupedFileError as error:  # HDF-EOS5 grids: one loop over the files given
                    raise error.for_files(files) from None
                except ClimatologyRefusal as error:  # beside dated files: never read as one year of dates
                    if len(files) < 2:
                        raise
                    raise ClimannError(error.beside(_series_beside(files, path, target, opened), files)) from None
            # a variable named as a predictor's own-series lag (x@lag1) is refused, not taken for it
            check_no_own_series_lag_names(list(map(str, dataset.data_vars)), path)
            if target is not None:
                dataset, found = on_points_of(dataset, target, used=variables, points=points[0], where=path.name)
                points[0] = points[0] if target not in dataset.data_vars else found
            opened_files[path] = dataset
        return opened_files[path]

    given = list(files)  # the files as given: a clash of two of them is told by them (break52a A1)
    try:
        _note_time_warnings({path: opened(path) for path in files})
        # A variable left out as a climatology beside its file's series is refused when the run names it and no
        # other file holds it; see climann.data.climatology_axes.
        _check_no_climatology_named([opened(path) for path in files], variables, target)
        # A fill value, packing or valid range stored as text that is not exactly its number is
        # refused naming every file that has one (each file's masking named the first only:
        # rerun34 F4); see climann.data.text_numbers.
        refuse_text_attributes_of({path: opened(path) for path in files})
        # A file of no time step (or no grid cell) is named before anything combines it; see
        # climann.data.empty_files.
        check_not_empty({path: opened(path) for path in files})
        # A time axis that is not dates (LIS/OTD's Month 1 … 12 without units) is refused as in a
        # file alone, before the files' times are compared; see climann.data.undated_axes.
        if len(files) > 1:
            check_times_are_dates({path: opened(path) for path in files})
        # A coordinate of one file stored as a plain variable of another (NEMO's mesh_mask.nc's nav_lat)
        # is that coordinate when its values are (xarray's "should be coordinates or not" reached the
        # user: break42b A4); see climann.data.unmarked_coordinates.
        if len(files) > 1:
            opened_files.update(with_coordinates_named_elsewhere({path: opened(path) for path in files}))
        # A used variable whose file gives its time or grid no coordinates is never paired with
        # the other files' by position; see climann.data.unplaced_variables.
        if len(files) > 1:
            used = None if variables is None else {*variables, *([target] if target is not None else [])}
            # a 2-D latitude no coordinates attribute names (areacello rewritten by another tool) places its
            # file's j, i as it does once opened (break47a A2: 'latitude' was refused as an unplaced variable)
            marked = {path: with_2d_coordinates(opened(path)) for path in files}
            check_variables_placed(marked, {path: grid_coordinates(dataset) for path, dataset in marked.items()}, used)
        # Daily statistics and instants on one time axis without bounds: split the file, so that the
        # statistics alone get bounds (a day's cell for an analysis otherwise); see climann.data.time_axes.
        check_mixed_day_instants({path: opened(path) for path in files},
                                 None if variables is None else {*variables, *([target] if target else [])})
        if len(files) == 1:
            kept = time_steps_to_keep(files, opened, overlap=overlap, renames=renames)
            single = _masked(keep_times(kept, opened(files[0])), files[0])
            renames.check_applied()
            single = with_source_files(single, holders := {str(name): files for name in single.data_vars},
                                       names=_file_names(renames, holders))
            single = with_file_marks(single, [(single, files[0], _names_in_file(renames, files[0]))],
                                     open_stored=open_input)
            return _with_climatology_records(each_place_once(single, files=files), [opened(files[0])])
        # A forecast is set beside other files by its valid times: one lead time chosen, or refused.
        if select is not None:
            _check_leads_chosen({path: opened(path) for path in files})
        # A station (one place) beside a grid of several cells: refused with the line that writes the
        # grid's cell at the place (xarray's "conflicting sizes" reached the user); see climann.data.place_beside_grid.
        check_place_beside_grid({path: opened(path) for path in files})
        # Time axes named differently (ERA5 from the old and new CDS: time, valid_time) get one
        # name before anything compares the files' times; see climann.data.time_names.
        names = [path.name for path in files]
        opened_files.update(zip(files, one_time_name([opened(path) for path in files], names, renames=renames,
                                                     files=files), strict=True))
        # So do latitude and longitude axes named differently (ERA5's latitude beside CMIP's lat); see
        # climann.data.grid_names.
        # The target's file gives the grid its names, order and values (own-data.md: "aligned … into
        # the target file's order"); the first file's did (break29b A8: predictions.nc in a
        # predictor file's lat/lon and order).
        # without a target, the first file of data: a cell-area file (areacello) is matched to the data's
        # grid (cut to its rows when the data are cut, break47a A2), not the data to its
        home = next((index for index, path in enumerate(files) if target in opened(path).data_vars),
                    next((index for index, path in enumerate(files) if not _holds_only_cell_areas(opened(path))), 0))
        opened_files.update(zip(files, one_grid_name([opened(path) for path in files], names, reference=home,
                                                     renames=renames, files=files), strict=True))
        # One variable's files from two simulations (models, members) are refused before anything
        # else is said of them (their calendars); see climann.data.simulations.
        check_one_simulation({path: opened(path) for path in files})
        # ... and the predictors, fractions and cell areas of another simulation than the target's (another
        # member's weather beside the target, another model's sftlf weighing its scores: break52c A3, A7); see
        # climann.data.paired_simulations.
        check_paired_simulations({path: opened(path) for path in files}, target, variables)
        # ... and a member --select takes from an ensemble file beside another member's file of a predictor (the
        # file's global variant_label is its first member's, break57d A2); see climann.data.selected_members.
        check_selected_members({path: opened(path) for path in files}, target, variables, select)
        # Files in different calendars are brought to one first (or refused); see climann.data.calendars.
        on_calendar = calendar_plan(files, opened).apply
        keep = functools.partial(
            keep_times, time_steps_to_keep(files, lambda path: on_calendar(opened(path)), overlap=overlap,
                                        renames=renames)
        )
        first_units = _FirstUnits(files)
        # (and a level of size 1 that is each file's own: ICON's ta split into ta1.nc … ta4.nc, one level each; see
        # climann.data.file_levels)
        lone = [*_lone_dimensions([opened(path) for path in files]),
                *own_level_dimensions([opened(path) for path in files], [path.name for path in files])]

        def prepared(path: Path) -> xr.Dataset:
            alone = opened(path)
            alone = _lone_dimensions_squeezed(alone, lone) if lone else alone
            in_first_units = first_units.converted(_masked(keep(on_calendar(alone)), path))
            return each_place_once(with_2d_coordinates(in_first_units), files=[path])

        each = [prepared(path) for path in files]
        renames.check_applied()
        # a file whose every step another file holds (an analysis' day inside a forecast's four, --overlap first)
        # keeps no field: left out, not combined as a file of coordinates alone (xarray's "Could not find any
        # dimension coordinates", told as the same variable twice: break56d A6)
        held_elsewhere = [index for index, dataset in enumerate(each)
                          if index != home and not dataset.data_vars and opened(files[index]).data_vars]
        if held_elsewhere:
            home_file = files[home]
            files = [path for index, path in enumerate(files) if index not in held_elsewhere]
            each = [dataset for index, dataset in enumerate(each) if index not in held_elsewhere]
            home = files.index(home_file)
        # passes of a swath whose files say nothing of Level 2 (each one's own 2-D latitude and longitude, no time
        # axis): refused as swaths, not remapped onto one pass (break47d A2); see climann.data.swaths
        for index, (dataset, path) in enumerate(zip(each, files)):
            if index != home and (passes := _moving_pixels(each[home], dataset, (files[home].name, path.name))):
                raise ClimannError(passes)
        if (tiles := cubed_sphere_tiles_message(list(zip(files, each)))) is not None:
            raise ClimannError(tiles)  # six faces of one cube, not grids of one place to interpolate (break57a A4)
        reference = grid_coordinates(each[home])
        # 2-D positions missing in some files where others hold them (SMAP L3's -9999 outside each day's
        # swaths): the files' positions together, compared below wherever two hold one (break44b B1)
        reference, united = _positions_united(reference, [grid_coordinates(dataset) for dataset in each], files)
        datasets = [dataset if index == home and not united else on_reference_grid(dataset, reference,
                                                                    labels=tuple(names_apart(files[home], path)),
                                                                    paths=(files[home], path), beside=files)
                    for index, (dataset, path) in enumerate(zip(each, files))]
        # Level axes (depth, lev, plev) stored as float32 in one file and float64 in another, or in cm
        # and m, are matched as the grid is (break34b A5); see climann.data.level_axes.
        datasets = on_reference_levels(datasets, files, home=home, select=select)
        # Other axes (ensemble members) with the same values in another order: put in the target file's
        # order where the run selects one value, else refused (xarray's "cannot align … join='exact'"
        # reached the user: rerun41 R1); see climann.data.member_order.
        datasets = in_reference_order(datasets, files, home=home, select=select, skip=[
            *(str(name) for dataset in datasets for name in (*grid_coordinates(dataset), *level_axes(dataset)))])
        # One grid's cells have one set of edges: the combined files keep the first file's bounds,
        # whose areas weight every file's values (fix31c).
        for dataset, path in zip(datasets, files):
            check_same_cell_bounds(datasets[home], dataset, (files[home], path))
        # Variables at different time steps: their common period, or refused; see climann.data.time_axes.
        # (their time bounds read: the steps are paired by the periods of their cells)
        # A step that leaves a dataset out (a predictor's year wholly before the target's first step)
        # returns the files kept beside the datasets kept: each dataset stays paired with its own file.
        datasets, kept = on_common_time_steps(before := [_with_bounds_in_memory(dataset) for dataset in datasets],
                                              every_file := list(files), target=target, variables=variables,
                                              time_range=time_range, earlier=earlier)
        # the target's steps before that period beside a forecast (its first forecasts' persistence) set apart
        # while the files are combined, joined in front below; see climann.data.earlier_steps
        datasets, kept, before_common = steps_before_common_apart(datasets, kept)
        files = [Path(path) for path in kept]
        check_one_step_per_variable(datasets, files)
        datasets = _periods_on_common_time_cells(datasets, [path.name for path in files])
        datasets = _without_partial_step_labels(datasets, [path.name for path in files])
        # One variable twice at the very same times: a copy left out, two fields refused (xarray's
        # compat="override" would keep one of them silently); see climann.data.duplicate_files.
        datasets, files = without_duplicate_files(datasets, files, renames, target=target)
        # Files of different sets of one series' variables (an old-CDS file of every variable
        # beside new-CDS files of some) are combined variable by variable; see climann.data.variable_sets.
        # Forecast files whose starts interleave (S2S reforecasts, one file per model version date) are
        # joined in time order first; see climann.data.time_overlap.interleaved_forecasts_joined.
        combined = xr.combine_by_coords(interleaved_forecasts_joined(by_variable_sets(datasets), **combine),
                                        **combine)
        combined = _with_bounds_files(combined, datasets, files)
        _check_period_stamps(combined, _where(files), dict(zip(files, datasets, strict=True)))
        # each variable's own files, named in the messages about it; see climann.data.sources
        holders = {str(name): [path for path, dataset in zip(files, datasets, strict=True)
                               if name in dataset.data_vars] for name in combined.data_vars}
        # and each file's steps, so that a message about values at some steps names their files
        held_times = {str(name): [_steps_of(dataset[name]) for dataset in datasets if name in dataset.data_vars]
                      for name in combined.data_vars if time_dimension(combined[name]) is not None}
        # and whether each variable's own files had time bounds, which files beside the target at other stamps
        # lose (the target's give the combined cells): a check of a variable's own period reads these (break47d A1)
        bounded = {str(name): all(time_bounds_name(dataset) is not None for dataset in before
                                  if name in dataset.data_vars and time_dimension(dataset[name]) is not None)
                   for name in held_times}
        # what every file had masked below absolute zero or outside its valid range, for their
        # warnings; see climann.data.absolute_zero, climann.data.valid_range_tails
        combined = with_every_file_records(combined, datasets, keys=_MASK_RECORD_KEYS)
        # each file's own fill marks, for the warning about one that is a value of the data; see
        # climann.data.fill_among_values
        combined = with_file_marks(combined, [(dataset, path, _names_in_file(renames, path))
                                              for dataset, path in zip(datasets, files, strict=True)],
                                   open_stored=open_input)
        # and each file's stored type and packing, which the combined variable keeps of the first
        # file only; see climann.data.file_encodings
        combined = with_file_encodings(combined, list(zip(datasets, files, strict=True)), steps=_steps_of)
        if target is not None and lags:  # a predictor's lags across the target's missing steps: from its own series
            combined = combined.assign(own_series_lags(before, every_file, combined, target=target, lags=lags))
        combined = with_steps_before_common_joined(combined, before_common)
        return _with_climatology_records(_with_dropped_longitudes(
            with_source_files(combined, holders, times=held_times, names=_file_names(renames, holders),
                              bounded=bounded), each),
            [opened(path) for path in every_file])
    except (OSError, ValueError, TypeError, KeyError, EOFError) as error:
        raise ClimannError(_explain_open_failure(files, error, target=target, renames=renames, given=given)) from None


def _check_no_climatology_named(datasets: Sequence[xr.Dataset], variables: Collection[str] | None,
                                target: str | None) -> None:
    """Refuse a run that names (as ``target`` or among ``variables``) a variable left out of its
    file as a climatology (:func:`~climann.data.climatology_axes.named_climatology_message`),
    unless another file holds it as data (the climatology repeated over the series' months)."""
    records = records_of(datasets)
    held = {str(name) for dataset in datasets for name in dataset.data_vars}
    for name in [*([target] if target is not None else []), *(variables or ())]:
        if name in records and name not in held:
            raise ClimannError(named_climatology_message(name, records[name]))


def _with_climatology_records(dataset: xr.Dataset, datasets: Sequence[xr.Dataset]) -> xr.Dataset:
    """``dataset`` recording (``encoding``) the climatologies left out of each of ``datasets``, for ``climann info``."""
    records = records_of(datasets)
    if records:
        dataset.encoding[CLIMATOLOGIES_KEY] = records
    return dataset


#: The ``encoding`` keys of what a file's mask removed, kept for every file of a series
#: (:func:`~climann.data.file_encodings.with_every_file_records`).
_MASK_RECORD_KEYS = (BELOW_ABSOLUTE_ZERO_KEY, OUTSIDE_VALID_RANGE_KEY)


def _steps_of(variable: xr.DataArray) -> np.ndarray:
    """The time steps (coordinate values) of one file's variable; none for a static field."""
    time = time_dimension(variable)
    return as_file_stamps(variable, variable[time].values) if time is not None else np.array([])


def _names_in_file(renames: FileRenames, path: Path) -> dict[str, str]:
    """{name after the run's renames: name in the file} of the variables ``path``'s renames change."""
    return {new: old for old, new in renames.mapping(path).items()}


def _file_names(renames: FileRenames, holders: Mapping[str, Sequence[Path]]) -> dict[str, list[tuple[str, str]]]:
    """{name after the renames: [(pattern of the rule the file takes or "", name in the file)
    of each of its ``holders``]} (:data:`climann.data.sources.SOURCE_NAMES_KEY`)."""
    return {name: [(renames.rule_of.get(Path(path), ""), _names_in_file(renames, Path(path)).get(name, name))
                   for path in files] for name, files in holders.items()}


def _lone_dimensions(datasets: Sequence[xr.Dataset]) -> list[str]:
    """The dimensions of size 1 that some of the files' datasets have and others lack (a CMIP
    ``tas(time, height=1, lat, lon)`` or a ``realization`` of one member beside a CDO-processed
    file without it): each such file's is made a scalar coordinate before the files are
    combined, as one file's are dropped (:mod:`climann.data.variables`); xarray refused to
    combine them when the first file had it ("Every dimension requires a corresponding 1D
    coordinate and index…", break19b F7), and combined them when a later file had it."""
    sizes = [dict(dataset.sizes) for dataset in datasets]
    found = dict.fromkeys(dim for each in sizes for dim in each)
    dated = {dim for dataset in datasets for dim in found if dim in dataset.coords
             and (dataset[dim].dtype.kind == "M" or _holds_dates(dataset[dim]))}  # a time axis of one step stays
    return [str(dim) for dim in found if all(each.get(dim, 1) == 1 for each in sizes)
            and any(dim not in each for each in sizes) and dim not in dated]


def _lone_dimensions_squeezed(dataset: xr.Dataset, lone: Sequence[str]) -> xr.Dataset:
    """One file's ``lone`` dimensions (:func:`_lone_dimensions`) made scalar coordinates, each
    listed in the CF ``coordinates`` (kept in ``encoding``, CF 1.8 §5.7) of the variables that
    had it: combined with other files, xarray gives every variable each scalar coordinate, and
    JRA-55's 2 m analysis was written with the precipitation's ``forecast_time1 = 3`` hours
    (break31b B3; :func:`climann.data.variables.scalar_coordinates` reads the lists)."""
    dims = [dim for dim in lone if dim in dataset.dims]
    had = {name: [dim for dim in dims if dim in dataset[name].dims] for name in dataset.data_vars}
    squeezed = dataset.squeeze(dims)
    listed = {}
    for name, own in had.items():
        if own:
            variable = squeezed.variables[name].copy(deep=False)
            names = dict.fromkeys([*named_coordinates(variable), *own])
            variable.encoding = {**variable.encoding, "coordinates": " ".join(names)}
            listed[name] = variable
    return squeezed.assign(listed) if listed else squeezed


def _holds_dates(coordinate: xr.DataArray) -> bool:
    """Whether a coordinate of objects holds cftime dates (its first value read)."""
    return coordinate.dtype.kind == "O" and coordinate.size > 0 and isinstance(
        coordinate.values.ravel()[0], cftime.datetime)


def _masked(dataset: xr.Dataset, path: Path) -> xr.Dataset:
    """One file's ODIM radar codes read (``nodata`` missing, ``undetect`` 0: climann.data.radar_codes)
    and its values outside its valid range missing (climann.data.masking), then ERA5's and ERA5T's
    experiment versions combined into one series (climann.data.experiment_versions)."""
    return with_experiment_versions_combined(mask_invalid(read_radar_codes(dataset, where=path.name)), path.name)


def _without_partial_step_labels(datasets: Sequence[xr.Dataset], names: Sequence[str]) -> list[xr.Dataset]:
    """The files' datasets without the labels of time steps that only some of them have.

    A label of each time step is a coordinate along the time dimension alone, other than the
    time itself: the experiment version ``expver(valid_time)`` of ERA5 from the new CDS, a
    forecast's reference time. It says where a value came from, never what it is, and files
    from two sources carry different labels (ERA5 from the old CDS has none); xarray cannot
    join a coordinate that some files lack. Such a label is left out, with a note; one that
    every file has is kept and joined along time.
    """

    def labels(dataset: xr.Dataset) -> set[str] | None:
        """The labels of its time steps; None for a file without a time axis (a static field)."""
        time = time_coordinate(dataset)
        if time is None:
            return None
        dim = dataset[time].dims[0]
        return {str(name) for name, coordinate in dataset.coords.items()
                if coordinate.dims == (dim,) and name != time and name not in dataset.dims}

    found = [labels(dataset) for dataset in datasets]
    in_series = [these for these in found if these is not None]
    held = [these or set() for these in found]
    partial = set().union(*in_series) - set.intersection(*in_series) if in_series else set()
    if not partial:
        return list(datasets)
    holders = [name for name, these in zip(names, held) if these & partial]
    note_once(_log, logging.INFO,
              f"{', '.join(sorted(partial))}, a label of each time step in {', '.join(holders)} that the other files "
              "do not have, is left out: it says where a value came from, not what it is")
    return [dataset.drop_vars(sorted(these & partial)) if these & partial else dataset
            for dataset, these in zip(datasets, held)]


def _periods_on_common_time_cells(datasets: Sequence[xr.Dataset], names: Sequence[str]) -> list[xr.Dataset]:
    """The files, those linked by a variable they share (one per period, each of some of the
    variables: :func:`~climann.data.variable_sets.sharing_series`) of which only some have CF time
    bounds (section 7.1) dated and stripped of the bounds as split blocks are
    (:func:`~climann.data.time_cells.on_common_time_cells`), so that they concatenate along
    time; the others as they are (dated once combined). Datasets in the order given."""
    datasets = list(datasets)
    for members in sharing_series(datasets):
        if len({time_bounds_name(datasets[index]) is None for index in members}) > 1:
            dated = on_common_time_cells([_with_bounds_in_memory(datasets[index]) for index in members],
                                         [names[index] for index in members])
            for index, dataset in zip(members, dated):
                datasets[index] = dataset
    return datasets


def _with_dropped_longitudes(combined: xr.Dataset, datasets: Sequence[xr.Dataset]) -> xr.Dataset:
    """``combined`` with the repeated longitudes dropped from any of ``datasets`` recorded on
    its longitude (see :data:`~climann.data.cyclic.DROPPED_KEY`), whichever file had them."""
    dropped = {value for dataset in datasets for coordinate in dataset.coords.values()
               for value in coordinate.encoding.get(DROPPED_KEY, ())}
    if not dropped:
        return combined
    longitude = find_coordinate(combined, "longitude")
    combined[longitude].encoding[DROPPED_KEY] = tuple(sorted(dropped))
    return combined


def _same_units(one: str, other: str) -> bool:
    """Whether two units strings are one unit (``K`` and ``kelvin``; identical strings, even
    unreadable ones); not when either cannot be read (:func:`~climann.data.attribute_names.same_units`)."""
    return same_units(one, other) is True


class _FirstUnits:
    """The units of each variable in the first file (in the order given) that holds it,
    learnt file by file: a variable split over several files (one per period, perhaps from
    different providers) is brought to those units in every later file, or refused when
    they do not convert (:func:`~climann.data.units.convert_dataset`). Whichever file comes
    first overall — another variable's, or a static field's — does not matter."""

    def __init__(self, files: Sequence[Path] = ()) -> None:
        self.given = list(files)  # every file given: a chain of copies (X_fixed_2.nc) is named at once
        self.units: dict[str, str] = {}
        self.files: dict[str, Path] = {}
        self.cell_methods: dict[str, str] = {}  # with the units: whether they are totals over time steps
        self.datasets: dict[str, xr.Dataset] = {}  # the first file's, for values compared when one lacks units
        self.values: dict[str, TrainingValues] = {}  # read from it once

    def converted(self, dataset: xr.Dataset) -> xr.Dataset:
        """``dataset`` (one file) with its variables in their first units."""
        path = Path(str(dataset.encoding.get("source", "another file")))
        for name, units in variable_units(dataset, data_variable_names(dataset)).items():
            if name not in self.units:
                self.units[name], self.files[name] = units, path
                self.cell_methods[name] = str(dataset[name].attrs.get("cell_methods", ""))
                self.datasets[name] = dataset
        for source in dict.fromkeys(self.files.values()):
            if source != path:  # by path: hist/tas.nc and ssp/tas.nc are two files
                wanted = {name: self.units[name] for name, file in self.files.items() if file == source}
                self._refuse_copy_in_other_units(dataset, wanted, path, source)
                compared = self._check_one_sided(dataset, wanted, path, source)
                dataset = convert_dataset(dataset, wanted, where=path.name, reference=source.name,
                                          cell_methods=self.cell_methods, values_checked=compared,
                                          reference_attrs={name: self.datasets[name][name].attrs for name in wanted},
                                          reference_values={name: self.datasets[name][name] for name in wanted})
        # after the conversion: totals over each step converted to the first file's rates say time: mean
        for name in data_variable_names(dataset):
            if name in self.files and self.files[name] != path:
                check_series_file(name, self.datasets[name], self.files[name], dataset, path)
        return dataset

    def _refuse_copy_in_other_units(self, dataset: xr.Dataset, wanted: Mapping[str, str], path: Path,
                                    source: Path) -> None:
        """Refuse a file and its copy (:func:`~climann.data.shell.original_and_copy`: ``X_fixed.nc``,
        the copy climann's ``ncatted`` advice writes beside ``X.nc``) that give a variable in two
        units: the copy corrects the original's, and reading both converts the copy to the
        original's units, or refuses them as the original's units (break40a A3: "give 'storage' in
        resops_mcm_fixed.nc with units 'MCM' exactly as in resops_mcm.nc", undoing the fix). The
        way out: the latest copy in place of the original, as for copies of one field."""
        if original_and_copy(source, path) is None:
            return
        differing = [name for name, units in wanted.items() if name in dataset.data_vars
                     and not _same_units(str(dataset[name].attrs.get("units", "")), str(units))]
        if not differing:
            return
        name = differing[0]
        original, copy = original_and_copy(source, path)
        units = {source: self.units[name], path: str(dataset[name].attrs.get("units", "")).strip()}
        chain = superseded_copies(original, copy, self.given)
        advice = copy_in_place_advice(original, copy) if chain is None else copies_in_place_advice(*chain)
        raise ClimannError(f"'{name}' is in both {original.name} (units '{units[original]}') and {copy.name} (units "
                           f"'{units[copy]}'), and both are read; {advice}")

    def _check_one_sided(self, dataset: xr.Dataset, wanted: Mapping[str, str], path: Path, source: Path) -> list[str]:
        """Compare the values of each variable whose units only this file or the first gives
        with the first file's (a file of the series without units, in °C beside K files, was
        spliced in as it stood: break19b F1); the names compared."""
        one_sided = [name for name, units in wanted.items() if name in dataset.data_vars
                     and dataset[name].dtype.kind in "fiu"
                     and bool(str(units).strip()) != bool(str(dataset[name].attrs.get("units", "")).strip())]
        for name in one_sided:
            if name not in self.values:
                self.values.update(checked_values(self.datasets[name], [name]))
        known = [name for name in one_sided if name in self.values]
        check_unitless_values(dataset, {name: self.values[name] for name in known}, where=path.name,
                              reference=source.name, series=True)
        return known


def open_dataset(
    files: Sequence[Path], *, rename: Mapping[str, Mapping[str, str]] | None = None, overlap: str = "error",
    grid_of: str | None = None, renames: FileRenames | None = None, variables: Collection[str] | None = None,
    select: Mapping[str, object] | None = None, lags: Mapping[str, Sequence[int]] | None = None,
    time_range: Sequence[str] = (), climatologies: bool = False, earlier: bool = False,
) -> xr.Dataset:
    """Open one or many NetCDF files as one lazy dataset.

    Times are decoded to ``cftime`` objects whatever the calendar, so that ``noleap`` or
    ``360_day`` dates survive unchanged; several files are combined along their coordinates
    (e.g. one file per year, or one file per variable on the same grid). A repeated (cyclic)
    longitude column, and the halo of a curvilinear (ORCA) grid, are dropped from each file
    before the grids are compared (:func:`~climann.data.repeated_cells.each_place_once`). Grid coordinates that agree
    within :data:`GRID_TOLERANCE` of the grid spacing are one grid: the values (and axis names)
    of the file of ``grid_of`` are used, else the first file's; the same cells in another order
    or longitude convention are aligned by value, their CF bounds with them (:func:`on_reference_grid`).

    Parameters
    ----------
    files : sequence of Path (or one Path)
        Existing NetCDF3 or NetCDF4 files, e.g. from :func:`expand_paths`.
    rename : mapping of glob pattern to {old name: new name}, optional
        Variables to rename in the files matching each pattern (by file name or path), e.g.
        ``{"*ssp585*": {"air_temperature": "tas_ssp585"}}`` when two files use one name for
        different fields, ``{"t2m_*": {"t2m": "tas"}}`` when one field changes its name
        between periods. Each file's variables are renamed as it is opened; the files are
        then combined as if renamed by hand (see :mod:`climann.data.renames`).
    overlap : {"error", "first", "last"}
        What to do with times that two files of one variable both hold, or that one file
        holds twice: refuse naming the files and dates, or keep the values of the earlier
        (``first``) or later (``last``) file, or of the first or last repeat in a file
        (see :mod:`climann.data.time_overlap`). Nothing is read but the time coordinates.
    grid_of : str, optional
        A variable (the target) whose file's grid order and longitude convention the result
        takes when the files hold the same cells in other orders (see
        :func:`on_reference_grid`); without it, the first file's.
    renames : FileRenames, optional
        Instead of ``rename``: the renames of a larger set of files these are part of (one
        block of ``[data] split_files``), checked by the caller once every part is open.
    variables : collection of str, optional
        The variables the caller will use (a run's target, predictors, lagged, area-mean and
        anomaly variables). Only these count when files of different variables cover
        different periods: the others neither narrow the common period nor block it, and
        are left out where their time steps differ (see :mod:`climann.data.time_axes`). A
        file holding none of them (nor the cell areas they name) is left out unopened: its
        grid, calendar or time axis does not count (see :mod:`climann.data.used_files`).
        Without it, every variable counts, and with ``grid_of`` the files on another grid
        than its file's are left out (:func:`files_on_grid_of`: the variables a run's
        predictors are chosen from).
    select : mapping of dimension name to value, optional
        The run's selection (``[data] select``); here only an entry naming a file's station
        dimension counts, which chooses that station as the file is opened (see
        :mod:`climann.data.stations`; the other entries are applied by
        :func:`climann.data.subset.select_values`). A file of one station is that point.
        So does an entry naming a forecast's lead-time dimension (the new CDS's
        ``forecastMonth`` of ``valid_time(forecast_reference_time, forecastMonth)``, see
        :func:`with_lead_chosen`): the forecast is combined with the other files on its valid
        times. With other files, a run's selection (not None) that chooses no lead time of
        such a forecast is refused (:func:`~climann.data.forecast_times.unchosen_lead_message`);
        None (``climann info``) shows the files as they are.
    lags : mapping of str to sequence of int, optional
        The run's lags (``{"lcopy": [1]}``), with ``grid_of`` its target. When the target lacks
        time steps that a lagged predictor holds (GRACE's missing months), each such lag is
        added as the variable ``lcopy@lag1``, taken from the predictor's own series
        (:func:`~climann.data.time_axes.own_series_lags`), for the samples to use.
    time_range : sequence of two str, optional
        The run's period (``[data] time_range``; cut later by :mod:`climann.data.subset`): a
        file of a variable wholly outside it does not count when a used variable is held under
        another name in other files (:mod:`climann.data.series_names`), and steps outside it
        that one variable holds and another lacks are not warned of
        (:func:`~climann.data.time_axes.on_common_time_steps`).
    climatologies : bool
        The files are new data of a trained run (``predict``, ``evaluate --data``): a
        climatology (CF §7.4: a ``climatology`` attribute of the time axis, or ``cell_methods``
        ``time: mean within years time: mean over years``) is read as its steps are, each
        period's mean over the years, with a warning
        (:func:`~climann.data.time_values.climatology_steps_note`). False (training, ``climann
        info``): refused, a climatology has no years to split.
    earlier : bool
        Beside a forecast at one lead (a run's ``grid_of`` target observed), keep the target's
        steps before the variables' common period in front, the other variables missing there,
        their number recorded (:mod:`climann.data.earlier_steps`): the values observed before the
        first forecasts were issued, their persistence. The run's time selection reads as many
        as it needs (:func:`climann.data.subset.select_time`). False (``climann info``): the
        common period only.

    Returns
    -------
    xarray.Dataset
        Dask-backed: nothing is read but the coordinates.

    Raises
    ------
    ClimannError
        If a file is not NetCDF, is truncated, is a climatology (unless ``climatologies``), the
        files do not combine (different grids, the same variable twice), files overlap in time
        or repeat times (with ``overlap`` "error"), or a rename does not apply; ``files`` not
        paths (:func:`~climann.data.paths.path_list`); a file with several stations of which
        ``select`` chooses none; a forecast with several lead times among other files, of which
        ``select`` chooses none.
    """
    files = [Path(file) for file in path_list(files, name="files")]
    renames = renames if renames is not None else FileRenames(files, rename or {})
    # warnings alike but for their file said once (break41d B4); advice names only the files given (break46b A4)
    with notes_grouped_by_file(files, named=files_text), files_given(files):
        return _opened_dataset(files, renames, overlap=overlap, grid_of=grid_of, variables=variables, select=select,
                               lags=lags, time_range=time_range, climatologies=climatologies, earlier=earlier)


def _opened_dataset(
    files: list[Path], renames: FileRenames, *, overlap: str, grid_of: str | None, variables: Collection[str] | None,
    select: Mapping[str, object] | None, lags: Mapping[str, Sequence[int]] | None, time_range: Sequence[str],
    climatologies: bool, earlier: bool = False,
) -> xr.Dataset:
    """:func:`open_dataset` of ``files`` renamed as ``renames`` says."""
    # each file's header read once per run (no values, no times decoded), whatever else reads it (fix40e),
    # for the three choices below (issue 15)
    headers = FileHeaders(renames, file_header)
    given, files = files, files_in_use(files, variables, headers, time_range=time_range)
    check_undated_files(files, renames)  # after two files, not after opening every one (break41d B1)
    # every simulation among the files a run reads, also those on another grid than its target's (break41c A1)
    check_files_of_one_simulation(files, renames)
    if variables is None:
        files = files_on_grid_of(files, grid_of, renames)
    else:  # the fraction weighing a "where land" target is kept beside it when on its grid only
        files = fractions_on_grid_of(files, fraction_files(files, variables, headers), grid_of, renames)
        # so are its cell areas, as when the predictors are chosen (break43c A1: warned as unused, then refused)
        files = cell_areas_on_grid_of(files, measure_files(files, variables, headers), grid_of, renames)
        masks = mask_files(files, variables, headers)  # a mesh_mask.nc: climann.data.land_masks
        files = fractions_on_grid_of(files, masks, grid_of, renames, held=_MASK_HELD)
    opened = with_2d_coordinates(_open_group(files, renames, overlap, grid_of, variables, select, lags,
                                             time_range=time_range, climatologies=climatologies, earlier=earlier))
    only = _on_grid_of(opened, grid_of, files, renames)
    beside = _unused_beside(given, files, grid_of, renames)
    return with_unused_files(_dated_by_cells(_with_bounds_in_memory(each_place_once(only, files=files)), files),
                             grid_of, beside)


def _unused_beside(given: Sequence[Path], used: Sequence[Path], name: str | None, renames: FileRenames) -> list[Path]:
    """The files of ``given`` left out of ``used`` (holding none of the run's variables) that are
    on the grid of ``name`` (a run's target) and have a time axis without bounds, in the order
    given: those a line giving the run's files time bounds is for too
    (:data:`~climann.data.sources.UNUSED_FILES_KEY`). None without ``name`` or when the target's
    grid cannot be told; an unreadable file is not one."""
    unused = [path for path in given if path not in used]
    if not unused or name is None:
        return []
    compared = _grid_differences([*used, *unused], name, renames)
    if compared is None:
        return []
    differences = compared[2]
    return [path for path in unused if not differences.get(path) and _unbounded_time(path)]


def _unbounded_time(path: Path) -> bool:
    """Whether the header of ``path`` has a variable in dates (units ``UNIT since DATE``, CF 4.4)
    and none of them names bounds (CF 7.1)."""
    try:
        header = file_header(path)
    except (OSError, ValueError, ClimannError):
        return False
    dated = [variable for variable in header.variables.values() if " since " in str(variable.attrs.get("units", ""))]
    return bool(dated) and not any("bounds" in variable.attrs for variable in dated)


def files_on_grid_of(files: Sequence[Path], name: str | None, renames: FileRenames) -> list[Path]:
    """The files on the grid of the first file holding variable ``name`` (a run's target),
    those holding ``name`` itself, and those without a horizontal grid (series, scalars), in
    the order given; the others are left out with one warning naming them and the first
    difference.

    A run whose predictors are chosen from the data (``predictors = "auto"``) takes "every
    other variable on the target's grid": a folder of downloads that also holds an ocean
    variable on its own grid is not refused for it. The same cells in another order or
    longitude convention are the same grid (they are aligned when combined, see
    :func:`on_reference_grid`).

    Parameters
    ----------
    files : sequence of Path
    name : str or None
        The variable whose grid counts, by its name after the renames; None: every file is kept.
    renames : FileRenames
        The renames of ``files``.

    Returns
    -------
    list of Path
        All of ``files`` when fewer than two, when ``name`` is None or in no readable file, or
        when its file has no grid; unreadable files are kept, to be refused when opened.
    """
    if name is None or len(files) < 2:
        return list(files)
    compared = _grid_differences(files, name, renames)
    if compared is None:
        return list(files)
    reference, grids, differences, areas = compared
    left_out = [path for path, difference in differences.items() if difference]
    _warn_unused_areas([path for path in left_out if path in areas], differences, name)
    left_out_data = [path for path in left_out if path not in areas]
    if left_out_data and not _target_in_tiles(files, reference, grids, differences):
        left = left_out_data[0]
        names = files_text(left_out_data, listed=3)  # not 72 names in one line (break46c A5)
        # one place beside another: no grid to interpolate onto (see climann.data.point_pairs)
        places = different_places_message(grids[reference], grids[left], (reference, left), opener=open_input)
        cut = to_one_grid(reference, left_out_data, grids)
        note_once(_log, logging.WARNING, f"left out, at another place than the target '{name}': {names}; {places}"
                  if places else f"left out, on another grid than the target '{name}' ({differences[left]}): "
                  f"{names}; the predictors chosen from the data are the variables on the target's grid: "
                  f"{cut or REGRID_ADVICE}")
    return [path for path in files if path not in left_out]


def _target_in_tiles(files: Sequence[Path], reference: Path, grids: Mapping[Path, Mapping[str, xr.DataArray]],
                     differences: Mapping[Path, str | None]) -> bool:
    """Whether a file holding the target (one of ``files`` not in ``differences``) is another tile
    of ``reference``'s grid (:func:`~climann.data.grid_tiles.lattice_offsets`): the target's files are
    then refused when combined, with the mosaic line of every tile (:func:`_mosaic`), and the
    warning of the files left out on "another grid", with the same line, was said before it
    (fix54e)."""
    return any(lattice_offsets(grids[reference], grids[path], tolerance=GRID_TOLERANCE) is not None
               for path in files if path != reference and path not in differences and grids.get(path))


def _warn_unused_areas(files: Sequence[Path], differences: Mapping[Path, str | None], name: str) -> None:
    """One warning for each file of cell areas left out, on another grid than the target ``name``'s
    (``differences``: how): not a predictor, so what is lost is said (break24a F4)."""
    for path in files:
        note_once(_log, logging.WARNING, (
            f"the cell areas of {path.name} are not used: they are on another grid than the target '{name}' "
            f"({differences[path]}), even in another order of its rows and columns; the areas are computed from "
            f"the target's grid instead: give the cell-area file of the target's own grid to use its areas"))


def cell_areas_on_grid_of(files: Sequence[Path], areas: Collection[Path], name: str | None,
                          renames: FileRenames) -> list[Path]:
    """``files`` without those of ``areas`` (files kept only for the cell areas the run's
    variables name, :func:`~climann.data.used_files.measure_files`) on another grid than the
    target ``name``'s, each named in the warning :func:`files_on_grid_of` gives when the
    predictors are chosen from the data: areas are not interpolated, and the run's areas are
    computed from its grid (its ``metrics.json`` ``cell_areas`` says so). A run whose predictors
    are chosen opens its files twice, first without naming its variables: the areacello of the
    native grid beside ``cdo remapbil`` output was warned as unused at the first opening and
    refused at the second (break43c A1)."""
    left_out, differences = _off_the_grid_of(files, areas, name, renames)
    _warn_unused_areas(left_out, differences, name)
    return [path for path in files if path not in left_out]


def _off_the_grid_of(files: Sequence[Path], kept: Collection[Path], name: str | None,
                     renames: FileRenames) -> tuple[list[Path], dict[Path, str]]:
    """Those of ``kept`` (files kept only for cell areas, a fraction or a mask) whose grid is not
    the target ``name``'s, and how each file's grid differs (:func:`_grid_differences`); none when
    there is no target, nothing kept, or no file of the target with a grid."""
    compared = _grid_differences(files, name, renames) if name is not None and kept else None
    if compared is None:
        return [], {}
    differences = compared[2]
    return [path for path in kept if differences.get(path)], differences


def _grid_differences(files: Sequence[Path], name: str, renames: FileRenames):
    """The first file holding ``name`` with a grid, the files' grids, how the grid of each
    file not holding ``name`` differs from it ('' when it does not, or when it holds only cell
    areas on a grid the target's is cut from, :func:`~climann.data.grid_cuts.index_cut`: cut to
    it as it is opened, break48e A2), and the files holding only cell areas; None when no file
    holding ``name`` has a grid."""
    holders, areas = set(), set()

    def note_holder(path: Path, raw: xr.Dataset) -> None:
        if renames.original_name(path, name, set(map(str, raw.variables))) is not None:
            holders.add(path)
        elif _holds_only_cell_areas(raw):
            areas.add(path)

    grids = _file_grids(files, also=note_holder)
    reference = next((path for path in files if path in holders and grids.get(path)), None)
    if reference is None:
        return None
    differences = {path: _cells_mismatch(grids[reference], grids[path], labels=tuple(names_apart(reference, path)))
                   for path in files if path not in holders and grids.get(path)}
    for path in areas:  # a whole grid's areacello beside data cut from it: cut as it is opened (_cell_areas_cut_to)
        if differences.get(path) and index_cut(grids[reference], grids[path], tolerance=GRID_TOLERANCE):
            differences[path] = ""
    return reference, grids, differences, areas


#: What a file kept only for its land-sea mask holds, for :func:`fractions_on_grid_of`'s note.
_MASK_HELD = ("a land-sea mask: land stored as a value in the target is not looked for on its land "
              "(climann.data.land_masks); to have it looked for, give the mask on the target's grid")

#: What a file kept only for a land or sea fraction holds, for :func:`fractions_on_grid_of`'s note.
_FRACTION_HELD = ("the land or sea fraction its cell_methods name: the scores weigh whole cells; to weigh by that "
                  "fraction, give its file on the target's grid")


def fractions_on_grid_of(files: Sequence[Path], fractions: Collection[Path], name: str | None,
                         renames: FileRenames, *, held: str = _FRACTION_HELD) -> list[Path]:
    """``files`` without those of ``fractions`` (files kept only for the land or sea fraction
    that weighs the target's cells, :func:`~climann.data.used_files.fraction_files`, or for a
    land-sea mask, :func:`~climann.data.used_files.mask_files`) on another grid
    than the target ``name``'s: neither is interpolated; one note names them and says what they
    hold and what follows (``held``: for a fraction, the scores weigh whole cells,
    :mod:`climann.data.area_fractions`)."""
    left_out, differences = _off_the_grid_of(files, fractions, name, renames)
    if left_out:
        note_once(_log, logging.WARNING, (
            f"left out, on another grid than the target '{name}' ({differences[left_out[0]]}): "
            f"{files_text(left_out, listed=3)}, {held}"))
    return [path for path in files if path not in left_out]


def files_on_the_most_common_grid(files: Sequence[Path]) -> tuple[list[Path], dict[Path, str]]:
    """The files on the grid most of ``files`` share (the first file's on a tie), and each
    other file with how its grid differs, for ``climann info`` on a folder of downloads that
    mixes an atmosphere and an ocean grid. Files without a horizontal grid, and files whose
    coordinates cannot be read (refused when opened), count as on every grid.

    Returns
    -------
    tuple of (list of Path, dict of Path to str)
        The files kept, in the order given; the files left out, with the first difference
        (:func:`grid_mismatch`'s words).
    """
    if len(files) < 2:  # one grid whatever it is: no file opened to read it (each `climann info FILE`)
        return list(files), {}
    grids = _file_grids(files)
    gridded = [path for path in files if grids.get(path)]
    groups: list[list[Path]] = []
    for path in gridded:
        group = next((g for g in groups if not _cells_mismatch(grids[g[0]], grids[path], labels=("", ""))), None)
        if group is None:
            groups.append([path])
        else:
            group.append(path)
    if len(groups) < 2:
        return list(files), {}
    main = max(groups, key=len)
    others = {path: _cells_mismatch(grids[main[0]], grids[path], labels=tuple(names_apart(main[0], path)))
              for group in groups if group is not main for path in group}
    return [path for path in files if path not in others], others


#: The way out for a file on another grid whose cells are not part of the run's, when
#: :func:`to_one_grid` has no command for it (a rotated or curvilinear grid).
REGRID_ADVICE = "put a file on that grid first (e.g. cdo remapbil or xESMF) to use it"


def to_one_grid(reference: Path, others: Path | Sequence[Path],
                grids: Mapping[Path, Mapping[str, xr.DataArray]] | None = None,
                beside: Sequence[Path] = ()) -> str | None:
    """Advice to put the first of ``others`` on ``reference``'s grid: to cut it to the cells of
    ``reference``'s grid, or ``reference`` to its, when one grid is a part of the other
    (:func:`~climann.data.grid_cuts.cut_advice`), else the commands that interpolate it, and each
    other file on its grid (:func:`_on_the_grid_of`), onto ``reference``'s latitude-longitude grid
    (:func:`~climann.data.grid_cuts.interpolation_advice`: a loop over them into a folder of their
    own, then the ``--data`` that takes the copies and the other files); None when neither applies.

    The one advice of train's refusal and of ``climann info``'s files left out: info proposed the
    first file alone, bilinearly, its copy beside it (break46c A3: followed, the copy was taken with
    the original, "two scenarios?").

    Parameters
    ----------
    reference : Path
        A file of the grid to put the others on (a run's: its target's).
    others : Path or sequence of Path
        The files on other grids; the advice is for those on the first's.
    grids : mapping of Path to grid coordinates, optional
        Each file's grid (:func:`_file_grids`), when read already; else each file's header is read.
    beside : sequence of Path, optional
        Other files that may be on ``reference``'s grid: a cut of ``reference``'s grid cuts
        those of them that are as well (one loop, :func:`~climann.data.grid_cuts.cut_advice`).
    """
    others = [others] if isinstance(others, (str, Path)) else list(others)
    grids = _file_grids([reference, *others]) if grids is None else grids
    first = others[0] if others else None
    if reference not in grids or first not in grids:
        return None
    alike = _on_the_grid_of(grids[first], {path: grids[path] for path in others if path in grids})
    cut = _cut((reference, grids[reference]), (first, grids[first]), {first: alike})
    beside = [path for path in beside if path != reference]
    if cut and beside:  # the other files' headers read only for a cut (730 daily files, issue 15)
        own = [reference, *_on_the_grid_of(grids[reference], _file_grids(beside))]
        cut = _cut((reference, grids[reference]), (first, grids[first]), {reference: own, first: alike})
    return (cut or _mosaic(reference, first, [*others, *beside], grids)
            or interpolation_advice(grids[reference], reference, grids[first], alike)
            or interpolation_onto_2d_advice(grids[reference], reference, grids[first], alike))


def _mosaic(reference: Path, first: Path, others: Sequence[Path],
            grids: Mapping[Path, Mapping[str, xr.DataArray]]) -> str | None:
    """When ``first``'s grid and ``reference``'s are tiles of one grid (one lattice offset by whole
    cells, :func:`~climann.data.grid_tiles.lattice_offsets`, under one grid mapping), the advice that
    joins them side by side (:func:`~climann.data.grid_tiles.mosaic_advice`), with every file of
    ``others`` on that lattice (each tile's other variables and years); else None. Interpolating one
    tile onto the other's extent lost 60 of two Daymet tiles' 144 cells with data (break53d A2)."""
    offsets = lattice_offsets(grids[reference], grids[first], tolerance=GRID_TOLERANCE)
    if offsets is None:
        return None
    opened = dict(_raw_datasets([reference, first]))
    if len(opened) < 2 or not same_grid_mapping(opened[reference], opened[first]):
        return None
    known = {path.resolve() for path in [*grids, *others]}
    # every file the user gave on the lattice, not only those opened together (a year's, a variable's)
    others = [*others, *sorted(path for path in given_files() if path not in known)]
    unread = [path for path in others if path not in grids and path not in (reference, first)]
    every = {**grids, **(_file_grids(unread) if unread else {})}
    tiles = [reference, first] + [  # every file read on the lattice: each tile's other variables and years
        path for path in dict.fromkeys([*others, *every]) if path not in (reference, first) and path in every
        and (not grid_mismatch(dict(grids[reference]), dict(every[path]))
             or lattice_offsets(grids[reference], every[path], tolerance=GRID_TOLERANCE) is not None)]
    return mosaic_advice(sorted(tiles, key=str), grids[reference], offsets)


def _file_grids(files: Sequence[Path], also=None) -> dict[Path, dict[str, xr.DataArray]]:
    """Each file's horizontal grid coordinates (:func:`grid_coordinates`, read from its header
    undecoded); a file whose coordinates cannot be read is left out (it is refused with its own
    message when opened). ``also(path, raw)`` is called on each file's undecoded dataset."""
    grids = {}
    for path, raw in _raw_datasets(files):
        with raw:
            if also is not None:
                also(path, raw)
            try:
                # 2-D latitudes and longitudes no coordinates attribute names, as the opening reads them (fix57d)
                grid = grid_coordinates(grid_of_each_place_once(with_2d_coordinates(checked_coordinates(raw,
                                                                                                        path.name))))
                grids[path] = place_grid(raw, grid)  # a one-place file's station numbers are no degrees
            except ClimannError:
                continue
    return grids


def _cells_mismatch(reference: dict[str, xr.DataArray], other: dict[str, xr.DataArray], *,
                    labels: tuple[str, str]) -> str | None:
    """:func:`grid_mismatch` of the two grids once ``other``'s cells are put in the reference's
    order along each 1-D axis whose values are the reference's in another order
    (:func:`_axis_orders`: rows north to south, the index axes ``j``/``i`` of a CMIP file
    stored reversed or rolled, its 2-D latitude and longitude moved with them, break24a F4),
    and the 1-D axes compared sorted (longitudes modulo 360°), so that the same cells in another
    order or longitude convention are one grid, as they are aligned when combined; ``other``'s
    latitude and longitude axes under the reference's names
    (:func:`~climann.data.grid_names.on_reference_names`), as they are named when combined. A grid
    identical to the reference (names, values, attributes) is one with it without the comparison:
    a folder of one-day files compared each file's grid so (fix43c)."""
    if reference.keys() == other.keys() and all(other[name].identical(values) for name, values in reference.items()):
        return None
    other = on_reference_names(reference, other)
    orders = _axis_orders(reference, other, lambda name: _is_longitude(name, reference[name]))
    other = {name: values.isel({dim: orders[dim] for dim in values.dims if dim in orders})
             for name, values in other.items()}

    def sorted_axes(grid: dict[str, xr.DataArray]) -> dict[str, xr.DataArray]:
        axes = {}
        for axis, values in grid.items():
            if values.ndim == 1:
                numbers = np.asarray(values.values, np.float64)
                if str(values.attrs.get("units", "")).startswith("degrees_east") or axis in ("lon", "longitude"):
                    numbers = np.mod(numbers, 360.0)
                values = values.copy(data=np.sort(numbers).astype(values.dtype, copy=False))
            axes[axis] = values
        return axes

    return grid_mismatch(sorted_axes(reference), sorted_axes(other), labels=labels)


#: The ``encoding`` key of the combined time bounds: the files that held them (see
#: :data:`climann.data.sources.BOUNDS_FILES_KEY`).
_BOUNDS_FILES_KEY = BOUNDS_FILES_KEY


def _with_bounds_files(combined: xr.Dataset, datasets: Sequence[xr.Dataset], files: Sequence[Path]) -> xr.Dataset:
    """``combined`` with the files of ``datasets`` holding its time bounds recorded in the
    bounds' encoding (:data:`_BOUNDS_FILES_KEY`): a warning about stamps at the ends of the
    cells named a file without bounds beside them (break33b B6)."""
    bounds_name = time_bounds_name(combined)
    if bounds_name is None:
        return combined
    held = tuple(str(path) for dataset, path in zip(datasets, files, strict=True) if bounds_name in dataset.variables)
    combined[bounds_name].encoding[_BOUNDS_FILES_KEY] = held
    return combined


def _dated_by_cells(dataset: xr.Dataset, files: Sequence[Path]) -> xr.Dataset:
    """Time steps in increasing time (see climann.data.time_overlap.sorted_in_time), dated by the
    middles of their CF time cells (see climann.data.time_cells); monthly stamps without
    cells refused where they switch between the 1st at 00:00 and inside their months; cells
    that stop short of the next ones, or cover part of their step, warned about (see
    climann.data.time_cell_gaps); rates summed over cells longer than their period refused (see
    climann.data.summed_rates)."""
    where = _where(files)
    bounds_name = time_bounds_name(dataset)
    held = dataset[bounds_name].encoding.get(_BOUNDS_FILES_KEY) if bounds_name else None
    dated = times_at_cell_middles(sorted_in_time(dataset, where), files_text(held) if held else where)
    warn_cell_gaps(dated, where)
    warn_part_cells(dated, where)
    refuse_summed_rates(dated, where)
    _check_period_stamps(dated, where, {files[0]: dated} if len(files) == 1 else None)
    return dated


def _where(files: Sequence[Path]) -> str:
    """The files for a message: the first three names."""
    return ", ".join(path.name for path in files[:3]) + (" …" if len(files) > 3 else "")


def _check_period_stamps(dataset: xr.Dataset, where: str, parts: Mapping[object, xr.Dataset] | None = None) -> None:
    """:func:`~climann.data.time_cells.check_period_stamps` on the distinct times of a dataset
    without time bounds; ``parts``: what each part of it was read from (a file, a split
    block) → its dataset, to name the part holding a stamp."""
    name = time_coordinate(dataset)
    if name is None or dataset[name].ndim != 1 or time_bounds_name(dataset) is not None:
        return
    parts = parts or {}

    def source_of(time: object) -> str | None:
        return next((str(source) for source, part in parts.items()
                     if name in part.indexes and time in part.indexes[name]), None)

    check_period_stamps(np.unique(np.asarray(dataset[name].values)), where, source_of if parts else None)


def _on_grid_of(dataset: xr.Dataset, name: str | None, files: Sequence[Path], renames: FileRenames) -> xr.Dataset:
    """``dataset`` in the grid order and longitude convention of the first file holding
    variable ``name`` (by its name in that file, before a rename), when that differs."""
    if name is None:
        return dataset
    for path, raw in _raw_datasets(files):
        with raw:
            in_file = renames.original_name(path, name, set(map(str, raw.variables)))
            try:
                checked = checked_coordinates(raw, path.name) if in_file is not None else None
                checked = on_points_of(checked, in_file, where=path.name)[0] if checked is not None else None
            except ClimannError:  # a station file's stations: no grid (the file opened, its station chosen)
                checked = None
            reference = grid_coordinates(grid_of_each_place_once(checked)) if checked is not None else None
        if reference is not None:
            return _in_reference_order(dataset, reference)
    return dataset


def _with_bare_coordinates(dataset: xr.Dataset, files: Sequence[Path]) -> xr.Dataset:
    """The dataset, after a warning naming its coordinates without CF attributes that are
    taken for latitude or longitude by their name (once per files and names)."""
    recognised = bare_coordinates(dataset)
    key = (tuple(str(path) for path in files), tuple(recognised))
    if recognised:
        names = ", ".join(f"'{name}' as {kind}" for name, kind in recognised.items())
        where = ", ".join(path.name for path in files[:3]) + (" …" if len(files) > 3 else "")
        note_once(_log, logging.WARNING, f"{where}: coordinates without CF attributes recognised by name: {names}; "
                  "add standard_name and units to the file to say so", key=key)  # once per run
    return dataset


def concat_blocks(
    parts: Sequence[xr.Dataset], names: Sequence[str], *, sources: Sequence[str] | None = None,
    used: Sequence[str] | None = None,
) -> xr.Dataset:
    """Datasets of the split blocks (e.g. one scenario each) one after another along time.

    Time-varying variables are concatenated; static fields and bounds are taken from the
    first block. The coordinate :data:`~climann.data.layout.SPLIT_BLOCK_COORDINATE` names the
    block of each step, since dates may repeat (two scenarios over the same years).

    A block that holds the first block's cells in another order (latitude north-to-south)
    or longitude convention (−180…180 against 0…360) is aligned by value into the first
    block's, as files are (:func:`on_reference_grid`). Grid coordinates that agree within
    :data:`GRID_TOLERANCE` of the grid spacing are one grid, the first block's values used.
    Each block keeps its own dating: by its time cells' middles, or by its stamps without
    time bounds; when only some blocks have time bounds, they are dropped for all, with one
    warning (:func:`~climann.data.time_cells.on_common_time_cells`). Blocks in ``standard`` and
    ``proleptic_gregorian`` after 1582 are read in one calendar, with a warning, and blocks in
    other calendars refused (:func:`~climann.data.calendars.blocks_in_one_calendar`).

    Parameters
    ----------
    parts : sequence of xarray.Dataset
        One per block, in the order of ``names``.
    names : sequence of str
        The blocks' names (``train``, ``val``, ``test``).
    sources : sequence of str, optional
        What each block was read from (its file names), named in messages with the block;
        without it, the block alone.
    used : sequence of str, optional
        The variables the run reads (:func:`~climann.workflow.preparation.used_variables`):
        only these must be in every block. A variable along time that the run does not use
        and some block lacks is dropped from every block (else its missing steps would be
        filled with NaN); a static one is taken from the first block. None while the
        predictors are still to be chosen from the data: every variable of the first block
        must then be in every block.

    Raises
    ------
    ClimannError
        If the blocks are on different grids (naming the largest difference and both
        blocks' files), in calendars that cannot be aligned, or lack a variable of the first
        block that the run uses (every one when ``used`` is None), naming the way out.
    """
    labels = [f"{source} ({name})" for source, name in zip(sources, names)] if sources else [
        f"the {name} block" for name in names]
    parts = one_time_name(parts, [source.split(", ")[0] for source in sources] if sources else labels)
    parts = one_grid_name(parts, [source.split(", ")[0] for source in sources] if sources else labels)
    # Blocks in different calendars (observations for training, a model for testing): one, or refused, the
    # blocks' other grids named in the same line (break46a A5: told only once the calendars were fixed)
    try:
        parts = blocks_in_one_calendar(parts, names, labels)
    except ClimannError as refusal:
        grids = _blocks_grid_refusal(parts, names, labels, find_coordinate(parts[0], "time"))
        if grids is None:
            raise
        raise ClimannError(f"{refusal}; and {grids}") from None
    time_name = find_coordinate(parts[0], "time")
    if (grids := _blocks_grid_refusal(parts, names, labels, time_name)) is not None:
        raise ClimannError(grids)
    reference = grid_coordinates(parts[0])
    aligned = [parts[0]]
    for part, label in zip(parts[1:], labels[1:]):
        part = _in_reference_order(part, reference)
        aligned.append(on_reference_grid(part, reference, labels=(labels[0], label)))
    parts = on_common_time_cells(aligned, labels)
    # a predictor's own-series lag made in some blocks only (where it holds a step the block's target
    # lacks): by date on the axis of the others, as their samples would take it (break44d A1)
    own_lags = list(dict.fromkeys(str(name) for part in parts for name in part.data_vars
                                  if own_series_lag_of(str(name)) is not None))
    parts = [part.assign(own_series_lags_on_axis(part, [name for name in own_lags if name not in part.variables]))
             for part in parts]
    parts = _blocks_with_used_variables(parts, names, used, sources)
    every_time = xr.Dataset(coords={time_name: np.concatenate([part[time_name].values for part in parts])})
    every_time[time_name].attrs.update(parts[0][time_name].attrs)  # its bounds, if any
    _check_period_stamps(every_time, "the split blocks", dict(zip(labels, parts)))
    labels = [label for name, part in zip(names, parts) for label in [name] * part.sizes[time_name]]
    series = [label for name, part in zip(_series_names(parts, names, time_name), parts)
              for label in [name] * part.sizes[time_name]]
    try:
        combined = xr.concat(
            list(parts), dim=time_name, data_vars="minimal", coords="minimal", compat="override",
            join="override", combine_attrs="drop_conflicts",
        )
    except (ValueError, xr.MergeError) as error:
        raise ClimannError(f"the split blocks do not combine along {time_name}: {library_message(error)}") from None
    holders = {str(name): list(dict.fromkeys(file for part in parts if name in part.data_vars
                                             for file in source_files(part[name])))
               for name in combined.data_vars}
    combined = with_every_file_records(combined, parts, keys=_MASK_RECORD_KEYS)
    combined = with_file_marks(combined, [(part, None, {}) for part in parts])
    combined = with_file_encodings(combined, [(part, None) for part in parts], steps=_steps_of)
    held_times = {name: times for name in holders if time_dimension(combined[name]) is not None
                  and (times := _blocks_file_steps(parts, name)) is not None and len(times) == len(holders[name])}
    return with_source_files(combined, holders, times=held_times).assign_coords(
        {SPLIT_BLOCK_COORDINATE: (time_name, labels), SPLIT_SERIES_COORDINATE: (time_name, series)})


def _blocks_grid_refusal(parts: Sequence[xr.Dataset], names: Sequence[str], labels: Sequence[str],
                         time_name: str | None) -> str | None:
    """The refusal of split blocks on other grids than the first block's (each aligned by value
    first, :func:`_in_reference_order`), naming the largest difference and both blocks' files,
    or their places when each is one place (:func:`_blocks_at_places`); None when every block is
    on the first's grid."""
    reference = grid_coordinates(parts[0])
    for part, label in zip(parts[1:], labels[1:]):
        own = grid_coordinates(_in_reference_order(part, reference))
        mismatch = grid_mismatch(reference, own, labels=(labels[0], label))
        if mismatch:
            said = _cells_mismatch(reference, own, labels=(labels[0], label)) or mismatch
            return _blocks_at_places(parts, names, time_name) or _different_grids("split blocks", said)
    return None


def _series_names(parts: Sequence[xr.Dataset], names: Sequence[str], time_name: str) -> list[str]:
    """The series of each block: that of the block before when it continues it, consecutive
    pieces of one series (:func:`~climann.data.time_axis.continues_series`: the 2019 monthly
    files after the 2004–2018 file, whose first month's lag and persistence are the last month
    of the block before, as in a split by years, break44a A7), else its own name. When any two
    blocks overlap in time (ensemble members or scenarios over the same years, break43c A6) every
    block is its own series: train r1 2001–2006, val r2 2001–2006, test r1 2007–2008 would
    otherwise take the test block's first lag from r2. The blocks are on one grid already (the
    caller refuses others)."""
    times = [np.asarray(part[time_name].values) for part in parts]
    spans = [(piece.min(), piece.max()) for piece in times if piece.size]
    if any(spans[i][0] <= spans[j][1] and spans[j][0] <= spans[i][1]
           for i in range(len(spans)) for j in range(i + 1, len(spans))):
        return [str(name) for name in names]
    series = [str(names[0])]
    for k in range(1, len(parts)):
        joined = continues_series(times[k - 1], times[k])
        series.append(series[-1] if joined else str(names[k]))
    return series


def _variable_words(name: str) -> str:
    """A variable as a message names it: ``'tp'``, or an own-series lag (``tp@lag1``,
    :func:`~climann.data.time_axis.own_series_lag_name`) as the variable the user lagged:
    ``'tp' (its lag 1, --lags)``."""
    found = own_series_lag_of(name)
    return f"'{name}'" if found is None else f"'{found[0]}' (its lag {found[1]}, --lags)"


def _blocks_with_used_variables(parts: Sequence[xr.Dataset], names: Sequence[str], used: Sequence[str] | None,
                                sources: Sequence[str] | None) -> list[xr.Dataset]:
    """The split blocks ``parts`` without the variables along time that the run does not use
    (``used``) and some block lacks; refused when a block lacks a variable of the first block
    that the run uses (every one when ``used`` is None), naming the way out."""
    time_name = find_coordinate(parts[0], "time")
    # a used predictor's own-series lag (pred@lag1) is used with it
    wanted = set(parts[0].data_vars) if used is None else set(used) | {
        str(variable) for part in parts for variable in part.data_vars
        if (lagged := own_series_lag_of(str(variable))) is not None and lagged[0] in used}
    for number, (name, part) in enumerate(zip(names[1:], parts[1:]), start=1):
        missing = [str(variable) for variable in parts[0].data_vars if variable not in part.variables]
        needed = [variable for variable in missing if variable in wanted]
        if not needed:
            continue
        variable = needed[0]
        stored = (own_series_lag_of(variable) or (variable,))[0]
        if used is None:
            way_out = (f"give it in every block's files, or leave it out of the run: name its predictors without it "
                       f"(--predictors, [data] predictors), or leave it out of the {names[0]} block's files (e.g. "
                       f"ncks -x -v {stored} IN.nc OUT.nc)")
        elif time_name is not None and time_name in parts[0][variable].dims:
            way_out = "give it in every block's files, or leave it out of the run's inputs"
        else:
            way_out = (f"it is a static field: give it in a shared file beside the blocks (e.g. ncks -v {stored} "
                       f"TRAIN.nc {stored}.nc, then --data {stored}.nc), or leave it out of the run's inputs")
        files = f" ({sources[number]})" if sources else ""
        uses = "" if used is None else " and the run uses"
        raise ClimannError(f"the {name} block's files{files} lack {_variable_words(variable)}, which the {names[0]} "
                           f"block's files hold{uses}; {way_out}")
    along_time = {str(variable) for part in parts for variable in part.data_vars
                  if time_name is not None and time_name in part[variable].dims}
    unused = {variable for variable in along_time - wanted if any(variable not in part.variables for part in parts)}
    return [part.drop_vars([variable for variable in unused if variable in part.variables]) for part in parts]


def _blocks_at_places(parts: Sequence[xr.Dataset], names: Sequence[str], time_name: str | None) -> str | None:
    """The refusal of split blocks of one place each at different places
    (:func:`~climann.data.point_pairs.blocks_at_places_message`), from the files of each block's
    variables along time; None when a block holds a grid or its files are not recorded."""
    blocks = []
    for name, part in zip(names, parts):
        files = dict.fromkeys(Path(file) for variable in part.data_vars.values()
                              if time_name in variable.dims for file in source_files(variable))
        blocks.append((str(name), list(files)))
    return blocks_at_places_message(blocks, opener=open_input)


def _blocks_file_steps(parts: Sequence[xr.Dataset], name: str) -> list[np.ndarray] | None:
    """The time steps of each file of the variable ``name`` in the split blocks ``parts``, in the
    order of their files (:data:`~climann.data.sources.SOURCE_TIMES_KEY`), so that a message about
    values at some steps names their file; None when a block of several files does not record them."""
    steps = []
    for part in parts:
        if name not in part.data_vars:
            continue
        files, recorded = source_files(part[name]), part[name].encoding.get(SOURCE_TIMES_KEY)
        if recorded is not None and len(recorded) == len(files):
            steps.extend(recorded)
        elif len(files) == 1:
            steps.append(_steps_of(part[name]))
        else:
            return None
    return steps


def _with_bounds_in_memory(dataset: xr.Dataset) -> xr.Dataset:
    """Read the coordinates' bounds variables (and 2-D latitude and longitude) now, like the
    coordinates themselves: they are small metadata (cell edges), and the data variables stay
    lazy. Read deliberately with dask's synchronous scheduler, so that it is not counted as a
    data computation."""
    names = [
        str(variable.attrs["bounds"]) for variable in dataset.coords.values()
        if str(variable.attrs.get("bounds")) in dataset.variables
    ]
    try:  # the 2-D latitude and longitude of a curvilinear grid are such metadata too
        names += list(two_dimensional_coordinates(dataset) or ())
    except ClimannError:
        pass  # refused with its message where the grid is used
    # those read already (each file's kept opening holds them: _with_cells_in_memory) are not assigned again, which
    # aligned each file's dataset anew in each combination (fix47b)
    names = [name for name in names if not isinstance(dataset[name].variable._data, np.ndarray)]
    if not names:
        return dataset
    with dask.config.set(scheduler="synchronous"):
        return dataset.assign({name: dataset[name].load() for name in names})


def _explain_open_failure(files: Sequence[Path], error: Exception, *, target: str | None = None,
                          renames: FileRenames | None = None, given: Sequence[Path] = ()) -> str:
    """One line saying why the files could not be opened together, as precisely as possible
    (files on different grids compared with the file of ``target``, a run's target, when given).
    ``given``: every file given, of which ``files`` may be those left once copies were left out:
    two files of one variable among them are the clash to name (break52a A1: a copy with time
    bounds beside its original, the original kept and dated otherwise, was told as xarray's
    "cannot align" of the original and another variable's file)."""
    names = ", ".join(path.name for path in files[:3]) + (" …" if len(files) > 3 else "")
    reason = library_message(error)
    if "calendar" in reason:
        return _calendar_message(files) or _time_units_message(files) or f"cannot decode the times of {names}: {reason}"
    # A file that does not open on its own is the cause whatever the others hold: named
    # first, before the diagnoses below compare the files that do open.
    unreadable = _unreadable_file(files) if _UNREADABLE.search(reason) else None
    if unreadable is not None:
        unknown = (f"{unreadable} is a GRIB file (it begins with 'GRIB') that cfgrib cannot read (truncated?): "
                   f"{reason}" if format_by_content(unreadable) == "grib"
                   else f"{unreadable} is not a readable NetCDF file (truncated or another format)")
        return (compressed_message(unreadable) or other_format_message(unreadable) or short_file_message(unreadable)
                or unknown)
    scalar_time = scalar_time_on_dimension_message(_unreadable_file(files) or files[0], reason) \
        if "already exists as a scalar variable" in reason else None
    if scalar_time:
        return scalar_time
    duplicated = _duplicated_variable_message(given if len(given) > len(files) else files, renames)
    if duplicated:
        return duplicated
    if "should be coordinates or not" in reason and len(files) > 1:  # a coordinate here, a variable there
        return (f"the files {names} do not combine: a variable is a coordinate in one file and a data variable in "
                f"another ({reason.rsplit(': ', 1)[-1]}); give the files where it is the same kind, or leave the "
                "file that holds it as a data variable out of the files given (--data)")
    if ("align" in reason or "conflicting sizes" in reason) and len(files) > 1:
        return _grid_mismatch_message(files, target, given) or f"the files {names} do not combine: {reason}"
    return f"cannot open {names} as NetCDF: {reason}"


# What the backends say of a file that is not NetCDF (or GRIB) or is cut short.
_UNREADABLE = re.compile(r"did not find a match in any of xarray|HDF error|NetCDF: |not a valid NetCDF|"
                         r"file format|is not a valid|unexpected end|truncated", re.IGNORECASE)


def _unreadable_file(files: Sequence[Path]) -> Path | None:
    """The first of ``files`` that does not open on its own (the only one, if one)."""
    if len(files) == 1:
        return files[0]
    for path in files:
        try:
            open_input(path, decode_times=False, chunks={}).close()
        except Exception:  # noqa: BLE001 — any failure makes it the unreadable one
            return path
    return None


def _raw_datasets(files: Sequence[Path]) -> Iterator[tuple[Path, xr.Dataset]]:
    """Each file opened without decoding times, for diagnostics; unreadable files skipped.
    Opened one by one as the caller asks: a caller that stops at the first file it wants
    opens no other (``_on_grid_of`` opened all 730 daily files to read the first, issue 15)."""
    for path in files:
        try:
            raw = _times_undecoded(path)
        except (OSError, ValueError, KeyError, EOFError, ClimannError):
            continue
        yield path, raw


def _renamed_raw_datasets(files: Sequence[Path], renames: FileRenames | None) -> Iterator[tuple[Path, xr.Dataset]]:
    """:func:`_raw_datasets`, each file's variables renamed by the rule it takes (none that would
    clash with a name the file holds: :meth:`FileRenames.applied` refuses those itself)."""
    for path, raw in _raw_datasets(files):
        names = {str(name) for name in raw.variables}
        mapping = renames.mapping(path) if renames is not None else {}
        yield path, raw.rename({old: new for old, new in mapping.items() if old in names and old != new
                                and new not in names})


def _alike_time_files(files: Sequence[Path], path: Path, name: str, attrs: Mapping) -> list[Path]:
    """The files of ``files`` other than ``path`` whose variable ``name`` has the ``units`` and
    ``calendar`` of ``attrs``: the files one advice for ``path``'s time axis serves as well."""
    wanted = (attrs.get("units"), attrs.get("calendar"))
    return [other for other, dataset in _raw_datasets([file for file in files if file != path])
            if name in dataset.variables
            and (dataset[name].attrs.get("units"), dataset[name].attrs.get("calendar")) == wanted]


def _calendar_message(files: Sequence[Path]) -> str | None:
    for path, dataset in _raw_datasets(files):
        for name, variable in dataset.variables.items():
            calendar = variable.attrs.get("calendar")
            if calendar and str(calendar).lower() not in KNOWN_CALENDARS:
                # IRI Data Library files say '360' for CF's 360_day; not guessed, but named
                calendar_360 = ncatted_attribute("calendar", name, "o", "c", "360_day")
                fix = f"`{attribute_command([calendar_360], input_and_copy(path))}`"
                hint = f"; if it means 30-day months, CF's name is '360_day': {fix}" if str(calendar) == "360" else ""
                return (
                    f"'{name}' in {path.name} uses calendar '{calendar}', which is not a CF calendar; "
                    f"known: {', '.join(KNOWN_CALENDARS)}{hint}"
                )
    return None


def _time_units_message(files: Sequence[Path]) -> str | None:
    """For time units in calendar months or years where they are not exact, or since a date in
    year 0 in a calendar without one (whichever variable xarray decoded first): why, and the fix."""
    for path, dataset in _raw_datasets(files):
        for name, variable in dataset.variables.items():
            units, calendar = variable.attrs.get("units"), str(variable.attrs.get("calendar", "standard"))
            bounds = variable.attrs.get("bounds")
            message = isinstance(units, str) and (
                months_since_message(str(name), units, calendar, path, bounds,
                                     alike=_alike_time_files(files, path, str(name), variable.attrs)
                                     if calendar_unit(units) else ())
                or (counts_growing_seasons(units)
                    and season_count_message(str(name), variable, calendar, path, bounds,
                                             alike=_alike_time_files(files, path, str(name), variable.attrs)))
                or (counts_from_datenum_origin(units)  # MATLAB's datenum; see climann.data.datenums
                    and f"time '{name}' in {path.name}: "
                    + datenum_message(str(name), units, variable.values, bounds, input_and_copy(path)))
                or unreadable_reference_message(str(name), units, calendar, path))
            if message:
                return message
            if isinstance(units, str) and is_time_axis(name, variable.dims, variable.attrs):
                values = np.asarray(variable.values, np.float64)
                year_zero = year_zero_message(str(name), values, units, calendar)
                if year_zero:
                    return TimeValuesError(year_zero).in_file(path)
    return None


def _moving_pixels(reference: xr.Dataset, other: xr.Dataset, names: tuple[str, str]) -> str | None:
    """The refusal of two files of one product whose 2-D latitude and longitude differ, without a
    time axis: passes of a swath (:func:`~climann.data.swaths.moving_pixels_message`); None otherwise."""
    try:
        one, two = grid_coordinates(reference), grid_coordinates(other)
    except ClimannError:
        return None  # refused with its own message where the grid is read
    message = moving_pixels_message(
        one, two, names, same_variables=set(reference.data_vars) == set(other.data_vars),
        time_axis=any(time_coordinate(dataset) is not None for dataset in (reference, other)))
    return message if message and grid_mismatch(one, two, labels=names) else None


def _grid_mismatch_message(files: Sequence[Path], target: str | None = None,
                           given: Sequence[Path] = ()) -> str | None:
    """The first file whose grid differs from the first file's (the file of ``target`` when given:
    the others are put on its grid), with the largest difference and the way to one grid (for
    tiles of one grid, the mosaic of every file of ``given`` on their lattice, :func:`_mosaic`)."""
    # as the files were combined: a 1-D latitude on a dimension of another name (GPCP 1DD's latitude(nlat)) the
    # axis of its dimension, as each file's opening made it (break49a A1: else no grid was found in such a file,
    # and xarray's "conflicting sizes for dimension 'latitude'" reached the user)
    opened = [(path, with_2d_coordinates(_coordinates_checked(raw, path))) for path, raw in _raw_datasets(files)]
    if len(opened) < 2:
        return None
    if (tiles := cubed_sphere_tiles_message(opened)) is not None:
        return tiles  # six faces of one cube, not grids of one place to interpolate (break57a A4)
    opened.sort(key=lambda pair: target is None or target not in pair[1].variables)  # stable: else in order
    first_path, first = opened[0]
    reference = place_grid(first, grid_coordinates(grid_of_each_place_once(first)))
    for path, dataset in opened[1:]:
        own = place_grid(dataset, grid_coordinates(grid_of_each_place_once(dataset)))
        # the cells compared in order (an axis stored the other way round read as 170° apart for a 10° shift)
        mismatch = _cells_mismatch(reference, own, labels=tuple(names_apart(first_path, path))) or grid_mismatch(
            reference, own, labels=tuple(names_apart(first_path, path)))
        if mismatch:
            places = different_places_message(reference, own, (first_path, path), opener=open_input)
            if places:
                return places
            if passes := _moving_pixels(first, dataset, (first_path.name, path.name)):
                return passes
            others = {other: place_grid(raw, grid_coordinates(grid_of_each_place_once(raw)))
                      for other, raw in opened[1:]}
            # every file on either grid cut by one loop (break49a A1: GPCP 1DD's first month alone was told)
            every = {first_path: reference, **others}
            cut = _cut((first_path, reference), (path, own),
                       {first_path: _on_the_grid_of(reference, every), path: _on_the_grid_of(own, every)})
            if cut:  # the same cells, a part of them in one file: cell areas as well are cut, not interpolated
                return _different_grids("files", mismatch, cut)
            areas = _cell_areas_of_another_grid((first_path, first), (path, dataset), mismatch)
            return areas or _different_grids("files", mismatch, to_one_grid(
                first_path, [path, *(other for other in others if other != path)], {first_path: reference, **others},
                beside=given))
    return None


def _coordinates_checked(raw: xr.Dataset, path: Path) -> xr.Dataset:
    """``raw`` (one file undecoded) with its latitudes and longitudes as its opening reads them
    (:func:`~climann.data.coordinate_values.checked_coordinates`), or as it is where they are refused:
    the file's own refusal is told when it is opened alone."""
    try:
        return checked_coordinates(raw, path.name)
    except ClimannError:
        return raw


def _on_the_grid_of(grid: dict[str, xr.DataArray], files: Mapping[Path, dict[str, xr.DataArray]]) -> list[Path]:
    """The files of ``files`` (each with its grid coordinates) whose grid is ``grid`` (no
    :func:`grid_mismatch`, their cells in any order along an axis), in their order: the files that
    one interpolation to another grid serves (fix45b: the refusal of three yearly files on another
    grid than the target's named the first alone, and its copy given left the others refused)."""
    return [path for path, own in files.items()
            if not (_cells_mismatch(grid, own, labels=("one", "another")) or grid_mismatch(grid, own))]


def _cell_areas_of_another_grid(one: tuple[Path, xr.Dataset], other: tuple[Path, xr.Dataset],
                                mismatch: str) -> str | None:
    """When one of two files on different grids holds only cell areas (a CMIP ``areacella``,
    :func:`~climann.data.defaults.is_cell_area`), the refusal for it: cell areas are not
    interpolated or cut, they are the areas of the data's own grid or none (break13 F17: an
    ``areacella`` of the ``gr`` grid beside ``gn`` data was advised ``cdo remapbil``)."""
    for (areas, data), (other_path, _) in ((one, other), (other, one)):
        if _holds_only_cell_areas(data):
            return (f"{areas.name} holds cell areas of another grid than {other_path.name}: {mismatch}; cell areas are "
                    f"not interpolated: give the cell-area file of the data's own grid (for CMIP data, the areacella "
                    f"of the same grid label, gn or gr), or leave {areas.name} out and climann computes the areas "
                    f"from the grid")
    return None


def _holds_only_cell_areas(dataset: xr.Dataset) -> bool:
    """Whether every gridded variable of a file is cell areas (a CMIP ``areacella``/``areacello``,
    :func:`~climann.data.defaults.is_cell_area`)."""
    from climann.data.defaults import is_cell_area

    # the cells' vertices of a CMIP file (vertices_latitude, named by latitude's bounds) are no data
    bounds = {str(variable.attrs.get("bounds")) for variable in dataset.variables.values()}
    names = [name for name in dataset.data_vars if dataset[name].ndim >= 2 and str(name) not in bounds]
    return bool(names) and all(is_cell_area(dataset[name], time_dim="time") for name in names)


def _cut(one: tuple[Path, dict[str, xr.DataArray]], other: tuple[Path, dict[str, xr.DataArray]],
         alike: Mapping[Path, Sequence[Path]] | None = None) -> str | None:
    """Advice to cut whichever of two files' grids holds the other's cells to them: by latitude
    and longitude (:func:`~climann.data.grid_cuts.cut_advice`: every file of ``alike[path]``, the
    files on that file's grid, when given), or by the index values of a curvilinear grid's rows
    and columns (:func:`~climann.data.grid_cuts.index_cut_advice`); or None."""
    alike = alike or {}
    for advice in (cut_advice, index_cut_advice):
        cut = (lambda path: alike.get(path) or path) if advice is cut_advice else (lambda path: path)
        way = (advice(one[1], one[0].name, other[1], cut(other[0]), tolerance=GRID_TOLERANCE)
               or advice(other[1], other[0].name, one[1], cut(one[0]), tolerance=GRID_TOLERANCE))
        if way:
            return way
    return None


def _different_grids(what: str, mismatch: str, way: str | None = None) -> str:
    """The refusal of files on different grids, with ``way`` to one grid (the cut, or the
    interpolation, :func:`to_one_grid`) when there is one."""
    if way:
        return f"the {what} are on different grids: {mismatch}; {way}"
    return (
        f"the {what} are on different grids: {mismatch}. Regridding is out of scope: put them on one grid "
        "first (e.g. cdo remapbil or xESMF)"
    )


def _duplicated_variable_message(files: Sequence[Path], renames: FileRenames | None = None) -> str | None:
    """When two files hold the same variable at the same times (two scenarios?), say so: by the
    names after the run's ``renames`` (a rename of the user's tells the two apart), with the
    rename advised merged into them.

    Every clash is found before one is told: where several names clash, or a name is in more than
    two files (CLIMDEX/GHCNDEX index files, each holding ``Ann`` and ``Jan`` … ``Dec``), one message
    names them all with one set of renames (:func:`several_clashes_message`); one clash at a time
    took 15 runs for three files (break45d C1)."""
    seen: dict[tuple[str, object], list[tuple[Path, xr.Dataset]]] = {}
    for path, dataset in _renamed_raw_datasets(files, renames):
        times = _first_dates(dataset)
        # a latitude or longitude left a data variable (MODIS MOD08's Latitude(YDim)) is the grid's,
        # in every file alike: the clash is of the fields (break34a A3 named 'Latitude'); so are the
        # cells' bounds (CMIP's vertices_latitude, named by latitude's bounds): a whole grid beside
        # a cut of it was told they were held twice, not the cut (fix48c)
        bounds = bounds_names(dataset)
        for name in (name for name in dataset.data_vars if geographic_kind(str(name), dataset[name]) is None
                     and not _is_grid_mapping(dataset[name]) and str(name) not in bounds):
            if not str(name).endswith("bnds"):
                seen.setdefault((str(name), times), []).append((path, dataset))
    clashes = {key: held for key, held in seen.items() if len(held) > 1}
    if not clashes:
        return None
    (name, _), held = next(iter(clashes.items()))
    # files with no time at all (OceanColor L3m, GDAL's GeoTIFF copies); see climann.data.undated_files
    undated = undated_files_message(name, held[0], held[1], files, renames)
    if undated:
        return undated
    names = [key[0] for key in clashes]
    if len(set(names)) == len(names) and (len(names) > 1 or len(held) > 2):  # each name at one set of times
        return several_clashes_message({key[0]: [path for path, _ in each] for key, each in clashes.items()},
                                       files, renames)
    # the grids compared without time: an analysis of 24 h beside a forecast of 96 h from one date is on one grid,
    # and was told "on different grids" with two identical lists of sizes (break56d A6)
    shapes = [{dim: size for dim, size in dataset[name].sizes.items() if dim not in _time_dims(dataset)}
              for _, dataset in held[:2]]
    if [sorted(shape.values()) for shape in shapes][0] != sorted(shapes[1].values()):
        # a whole grid beside an `ncks -d j,6,11` cut of itself: which cells, and give one (break48e A3)
        cut = cut_copy_message(name, *((path, dataset, grid_coordinates(dataset)) for path, dataset in held[:2]),
                               files, renames, tolerance=GRID_TOLERANCE)
        if cut:
            return cut
        # a copy on another grid beside its original, taken with it by a glob over the folder (break46c A3)
        first, second = (held[index][0].name for index in (0, 1))
        return (f"'{name}' is in both {first} and {second} at the same times, on different grids "
                f"({_sizes_text(shapes[0])} and {_sizes_text(shapes[1])}): one interpolated from the other? If so, "
                f"give the interpolated file in place of its original (a --data that takes both, as a glob over "
                f"their folder does, reads both; copies of several files go in a folder of their own); if they are two "
                f"scenarios, give one a new name with [data] rename = "
                f"{rename_table(name, held[1][0], held[0][0], files, renames)}")
    bounded = [time_bounds_name(dataset) is not None for _, dataset in held[:2]]
    if bounded[0] != bounded[1]:  # a copy with time bounds added beside its original (break52a A1)
        copy, original = (held[0][0], held[1][0]) if bounded[0] else (held[1][0], held[0][0])
        return (f"'{name}' is in both {two_names(original, copy)} at the same stamps, {copy.name} with time "
                f"bounds and {original.name} without: a copy with bounds added beside its original? Give "
                f"{shown_path(copy)} in place of {shown_path(original)} in --data (a glob over their folder takes "
                f"both; a copy in a folder of its own is not taken with them); if they are two scenarios, give one "
                f"a new name with [data] rename = {rename_table(name, held[1][0], held[0][0], files, renames)}")
    return (
        f"'{name}' is in both {two_names(held[0][0], held[1][0])} at the same times (two scenarios?); "
        f"give one a new name with [data] rename = "
        f"{rename_table(name, held[1][0], held[0][0], files, renames)}"
    )


def _time_dims(dataset: xr.Dataset) -> set[str]:
    """The dimensions of ``dataset``'s time axes (``time``, and any of another name that
    :func:`~climann.data.time_values.is_time_axis` takes: the new CDS's ``valid_time``)."""
    return {str(dim) for name, variable in dataset.variables.items()
            if name == "time" or is_time_axis(name, variable.dims, variable.attrs) for dim in variable.dims}


def _sizes_text(sizes: Mapping[str, int]) -> str:
    """``lat: 121, lon: 145`` for a variable's sizes, its time left out."""
    return ", ".join(f"{dim}: {size}" for dim, size in sizes.items() if dim != "time")


#: The attributes of a grid mapping variable (CF-1.11 §5.6: ``grid_mapping_name``, ``crs_wkt``; GDAL's
#: ``spatial_ref``): the grid's description, the same in every file of one grid, no field.
_GRID_MAPPING_ATTRIBUTES = ("grid_mapping_name", "crs_wkt", "spatial_ref")


def _is_grid_mapping(variable: xr.DataArray) -> bool:
    """Whether ``variable`` is a grid mapping (:data:`_GRID_MAPPING_ATTRIBUTES`): Stage IV's
    ``polar_stereographic`` in each daily file was named as the field the files hold twice."""
    return any(key in variable.attrs for key in _GRID_MAPPING_ATTRIBUTES)


def _first_dates(dataset: xr.Dataset) -> tuple:
    """The first three dates of an undecoded ``time`` variable, decoded with its own units
    and calendar (cftime; CF section 4.4): yearly files written as ``days since <their
    year>-01-01`` all hold 0, 31, 59 and are different years. Undecodable times are kept
    as raw values with their units, empty without a time. The time is ``time`` or, without it,
    the first time axis of another name (:func:`~climann.data.time_values.is_time_axis`: the new
    CDS's ``valid_time``): CAMS January and February files beside an ERA5 file on another grid
    were refused as holding ``pm2p5`` "at the same times (two scenarios?)" (break44c A1)."""
    name = "time" if "time" in dataset.variables else next(
        (name for name, variable in dataset.variables.items() if is_time_axis(name, variable.dims, variable.attrs)),
        None)
    if name is None:
        return ()
    time = dataset[name]
    values, units = np.ravel(time.values)[:3], str(time.attrs.get("units", ""))  # a scalar time: one
    try:
        dates = cftime.num2date(values, units, str(time.attrs.get("calendar", "standard")))
    except (ValueError, TypeError, OverflowError):
        return (units, *values.tolist())
    return tuple(date.isoformat() for date in np.ravel(dates))


def _positions_united(reference: dict[str, xr.DataArray], others: Sequence[dict[str, xr.DataArray]],
                      files: Sequence[Path]) -> tuple[dict[str, xr.DataArray], bool]:
    """``reference`` (the target file's grid coordinates) with each 2-D coordinate's missing values
    taken from the first of ``others`` (every file's, in order) that holds one there, and whether
    any was: SMAP L3's daily files write latitude and longitude as -9999 outside the day's swaths,
    so the first file's placed only the cells it held (break44b B1: 960 cells "cannot be placed",
    with NEMO's mesh_mask advice, where the four files together placed all 2400 and agreed wherever
    two held one). Where the files hold different values, :func:`on_reference_grid` refuses as for
    any two grids; an INFO note says the positions were combined."""
    filled, taken = dict(reference), []
    for name, values in reference.items():
        own = np.asarray(values.values, np.float64)
        if values.ndim != 2 or np.isfinite(own).all():
            continue
        united = own.copy()
        for grid in others:
            other = grid.get(name)
            if other is None or other.dims != values.dims or other.shape != values.shape:
                continue
            gap = ~np.isfinite(united)
            united[gap] = np.asarray(other.values, np.float64)[gap]
        if np.isfinite(united).sum() > np.isfinite(own).sum():
            filled[name] = values.copy(data=united.astype(values.dtype, copy=False))
            taken.append(name)
    if taken:
        note_once(_log, logging.INFO, (
            f"{'/'.join(repr(name) for name in taken)} are missing in some of {files_text(list(files))} at cells that "
            f"other files place: each cell's position is taken from the files that hold one (compared wherever two "
            f"do)"), key=("positions united", tuple(taken)))
    return filled, bool(taken)


def check_same_cell_bounds(reference: xr.Dataset, other: xr.Dataset, files: tuple[Path, Path]) -> None:
    """Refuse two files on one grid whose grid coordinates' cell bounds (CF §7.1) differ.

    Combined, the files keep one file's bounds (xarray's ``compat="override"``), and the cell
    areas computed from them weight every file's values in the scores and area means: a file
    whose own edges differ (a latitude with Gaussian edges beside one with edges midway between
    the centres) would be weighted by the other's areas without a word. Bounds are compared as
    the coordinates are (:func:`grid_mismatch`, each cell's edges sorted, longitudes modulo
    360°), after ``other`` was put in ``reference``'s order (:func:`on_reference_grid`); a
    coordinate without bounds in either file is not compared.

    Parameters
    ----------
    reference, other : xarray.Dataset
        The target's file and another, on the same grid (their cells' centres agree).
    files : (Path, Path)
        Their files, for the message.

    Raises
    ------
    ClimannError
        Naming the bounds, the largest difference, both files and the way out.
    """
    for name, coordinate in grid_coordinates(reference).items():
        bounds = [str(dataset[name].attrs.get("bounds", "")) if name in dataset.coords else ""
                  for dataset in (reference, other)]
        if not all(bounds) or bounds[0] not in reference.variables or bounds[1] not in other.variables:
            continue
        edges = [xr.DataArray(np.sort(np.asarray(dataset[bound].values, np.float64), axis=-1), attrs=coordinate.attrs)
                 for dataset, bound in zip((reference, other), bounds)]
        mismatch = grid_mismatch({bounds[0]: edges[0]}, {bounds[0]: edges[1]},
                                 labels=tuple(names_apart(files[0], files[1])))
        if mismatch is not None:
            copy = beside(files[1], "bounds")
            raise ClimannError(
                f"{name}'s cell bounds are not the same in the files: {mismatch}; one grid's cells have one set of "
                f"edges, and one file's would give the areas that weight both files' values in the scores; give the "
                f"files the right edges, e.g. {files[0].name}'s in a copy of {files[1].name} ("
                # cp wrote over a file there, the line followed again (fix51j): none_there first
                f"{none_there(shlex.split(copy)[0])}cp "
                f"{shown_path(files[1])} {copy} && ncks -A -v {bounds[0]} {shown_path(files[0])} {copy})")


def _like(coordinate: xr.DataArray, dims: tuple, values: np.ndarray) -> xr.Variable:
    """``coordinate``'s attributes and its record of dropped cyclic longitudes (the only
    encoding kept, see :data:`~climann.data.cyclic.DROPPED_KEY`) on other values."""
    kept = {key: value for key, value in coordinate.encoding.items() if key == DROPPED_KEY}
    return xr.Variable(dims, values, coordinate.attrs, encoding=kept)


def _axis_orders(reference: dict[str, xr.DataArray], own: dict[str, xr.DataArray],
                 is_longitude: Callable[[str], bool]) -> dict[str, np.ndarray]:
    """For each 1-D grid axis of ``own`` whose values are the reference's in another order (or,
    for a longitude, ``is_longitude(name)``, in another convention: equal modulo 360°) within
    :func:`grid_tolerance`, the indices of ``own`` that put it in the reference's order. Axes
    already in that order, and axes that are no such permutation, are left out."""
    orders = {}
    for name, values in reference.items():
        if name not in own or values.dims != (name,) or own[name].dims != (name,) or own[name].shape != values.shape:
            continue
        wanted, present = np.asarray(values.values, np.float64), np.asarray(own[name].values, np.float64)
        tolerance = grid_tolerance(values, own[name])
        if np.all(np.abs(present - wanted) <= tolerance):
            continue  # the same order (perhaps with float rounding, replaced by on_reference_grid)
        gaps = present[None, :] - wanted[:, None]
        matches = np.abs(wrapped_difference(gaps, 0.0) if is_longitude(name) else gaps) <= tolerance
        order = np.argmax(matches, axis=1)
        if matches.sum(axis=1).tolist() == [1] * order.size and len(set(order.tolist())) == order.size:
            orders[name] = order
    return orders


def _in_reference_order(dataset: xr.Dataset, reference: dict[str, xr.DataArray]) -> xr.Dataset:
    """``dataset`` reordered along each 1-D grid axis whose values are the reference's in
    another order (latitude north-to-south against south-to-north) or, for longitude, in
    another convention (−180…180 against 0…360, equal modulo 360°), within
    :func:`grid_tolerance` (:func:`_axis_orders`): the cells are the same, aligned by value, and
    the axis's CF bounds follow them (see :func:`_bounds_following`). Axes that are not such a
    permutation are left as they are (and compared as they are)."""
    own = grid_coordinates(dataset)
    try:
        longitude = find_coordinate(dataset, "longitude")
    except ClimannError:
        longitude = None
    orders = _axis_orders(reference, own, lambda name: name == longitude)
    if not orders:
        return dataset
    values_of = {name: _like(own[name], (name,), reference[name].values) for name in orders}
    reordered = dataset.isel(orders).assign_coords(values_of)
    for name, order in orders.items():
        before = np.asarray(own[name].values, np.float64)[order]
        after = np.asarray(reference[name].values, np.float64)
        reordered = _bounds_following(reordered, name, after, shift=after - before if name == longitude else None)
    return reordered


def _bounds_following(
    dataset: xr.Dataset, axis: str, centres: np.ndarray, *, shift: np.ndarray | None = None
) -> xr.Dataset:
    """The 1-D bounds of ``axis`` (variables named by a CF ``bounds`` attribute, shape
    (n, 2)) made to follow its cells once they are reordered (their rows already are):
    each longitude cell's edges moved by the multiple of 360° its centre moved (``shift``,
    one per cell, e.g. −180…180 to 0…360), and each cell's two edges in the direction of
    the axis's new order (``centres``), so that a cell's upper edge is the next cell's lower
    one (CF section 7.1, contiguous bounds): a north-to-south file's (90, 60), …, (−60, −90)
    become (−90, −60), …, (60, 90) in south-to-north order. Lazy: nothing is read."""
    steps = np.diff(centres)
    if shift is not None and not ((steps > 0).all() or (steps < 0).all()):
        steps = wrapped_difference(centres[1:], centres[:-1])  # 350, 355, 0, 5: eastward across 0°
    direction = 1.0 if (steps > 0).sum() >= (steps < 0).sum() else -1.0
    named = {str(variable.attrs.get("bounds")) for variable in dataset.variables.values()}
    for name in sorted(named & set(map(str, dataset.variables))):
        bounds = dataset[name]
        if bounds.ndim != 2 or bounds.dims[0] != axis or bounds.shape[1] != 2:
            continue
        vertex = bounds.dims[1]
        if shift is not None:
            bounds = bounds + xr.DataArray(360.0 * np.round(shift / 360.0), dims=axis)
        width = bounds.isel({vertex: 1}) - bounds.isel({vertex: 0})
        if shift is not None:
            width = (width + 180.0) % 360.0 - 180.0  # a cell across the seam, (350, 10), is 20° wide
        swapped = bounds.copy(data=bounds.data[:, ::-1])
        following = {name: xr.where(width * direction < 0, swapped, bounds).assign_attrs(bounds.attrs)}
        dataset = dataset.assign_coords(following) if name in dataset.coords else dataset.assign(following)
    return dataset


def on_reference_grid(
    dataset: xr.Dataset, reference: dict[str, xr.DataArray], *, labels: tuple[str, str],
    paths: tuple[Path, Path] | None = None, beside: Sequence[Path] = ()
) -> xr.Dataset:
    """``dataset`` with its grid coordinates replaced by the reference's of the same size, which
    they match within the tolerance (see :func:`grid_mismatch`): files written with float rounding
    combine exactly, with the first file's values. The same cells in another order (latitude
    north-to-south) or longitude convention (−180…180) are first put in the reference's order
    and convention, with their CF bounds (rows reordered, longitude edges in the reference's
    convention, each cell's edges in the axis's new direction, CF section 7.1).

    ``paths``, the reference's file and ``dataset``'s, when given, let two files of one point each
    at different places be refused as such (:func:`~climann.data.point_pairs.different_places_message`).
    ``beside``: the run's other files, those on ``dataset``'s grid put on the reference's by the
    refusal's one loop (break53a A4: named predictors tas and uas on the atmosphere's grid were
    told of tas alone, where the folder's own warning gives the loop over both).

    Raises
    ------
    ClimannError
        If a grid coordinate differs by more, naming it, the largest difference and ``labels``.
    """
    dataset = _in_reference_order(dataset, reference)
    own = grid_coordinates(dataset)
    if paths is not None and _holds_only_cell_areas(dataset):
        dataset, own = _cell_areas_cut_to(dataset, own, reference)
    # Other sizes may be tiles of one grid, to be combined along latitude or longitude; if
    # they do not combine, the combination fails and _grid_mismatch_message says why.
    same_size = {name: values for name, values in reference.items() if name in own and own[name].shape == values.shape}
    if reference and own and (not set(reference) & set(own) or any(
            own[name].ndim != values.ndim for name, values in reference.items() if name in own)):
        # no coordinate of one name (1-D lat, lon beside a curvilinear latitude(j, i)), or one name of another
        # rank (CMIP's Amon lat(lat) beside Omon's lat(nlat, nlon), break53a A4: told of "lat's cell bounds"):
        # no tiles of one grid, which xarray would still combine on their own dimensions; compared by the
        # cells' positions
        same_size = reference
    mismatch = grid_mismatch(same_size, own, labels=labels)
    if mismatch and paths is not None and (places := different_places_message(reference, own, paths,
                                                                              opener=open_input)):
        raise ClimannError(places)
    if mismatch and paths is not None and _holds_only_cell_areas(dataset):  # break43c A1
        # the whole grid's areas beside a cut without index values: the ncks line that cuts them (break47a A2)
        cut = _cut((paths[0], reference), (paths[1], own))
        raise ClimannError(_different_grids("files", mismatch, cut) if cut else
                           _cell_areas_of_another_grid((paths[1], dataset), (paths[0], xr.Dataset()), mismatch))
    if mismatch:  # said of the cells in order: an axis stored the other way round is no 170° shift
        # the way to one grid, the reference's (break49b A3: an EASE-Grid target beside ERA5 was told "e.g. cdo")
        way = to_one_grid(paths[0], [paths[1], *(path for path in beside if path not in paths)]
                          ) if paths is not None else None
        raise ClimannError(_different_grids("files", _cells_mismatch(same_size, own, labels=labels) or mismatch, way))
    replaced = {
        name: _like(own[name], values.dims, values.values)
        for name, values in reference.items()
        if name in own and own[name].dims == values.dims and not np.array_equal(own[name].values, values.values)
    }
    return _in_reference_spelling(dataset.assign_coords(replaced) if replaced else dataset, reference)


def _cell_areas_cut_to(dataset: xr.Dataset, own: dict[str, xr.DataArray],
                       reference: dict[str, xr.DataArray]) -> tuple[xr.Dataset, dict[str, xr.DataArray]]:
    """A file of cell areas alone (a CMIP ``areacello``, :func:`_holds_only_cell_areas`) of the whole
    grid beside data cut from it (``ncks -d j,10,19``): cut to the data's rows and columns, found by
    the values of the index axes both files hold and checked by their 2-D latitudes and longitudes
    (:func:`~climann.data.grid_cuts.index_cut`), with its grid coordinates; else as it is. Areas are
    the cells' own, not interpolated: cutting them changes no value (break47a A2: xarray's "cannot
    reindex or align along dimension 'j'" reached the user)."""
    cut = index_cut(reference, own, tolerance=GRID_TOLERANCE)
    if not cut:
        return dataset, own
    dataset = dataset.isel({axis: slice(first, last + 1) for axis, (first, last) in cut.items()})
    return dataset, grid_coordinates(dataset)


def _in_reference_spelling(dataset: xr.Dataset, reference: Mapping[str, xr.DataArray]) -> xr.Dataset:
    """``dataset`` with each grid coordinate whose ``units`` are the reference's one unit
    spelled otherwise (``"m"`` beside the NSIDC CDR's ``"meters"``, :func:`_same_units`) given
    the reference's spelling: combined, xarray drops an attribute the files disagree on, and the
    grid's x/y lost their units (predictions.nc without them, and a warning that the axes had
    none, break43a A2). Units that are no one unit are left as they are."""
    respelled = {}
    for name, values in reference.items():
        wanted = values.attrs.get("units")
        if name not in dataset.coords or wanted is None:
            continue
        units = dataset[name].attrs.get("units")
        if units is not None and str(units) != str(wanted) and _same_units(str(units), str(wanted)):
            respelled[name] = dataset[name].variable.copy(deep=False)
            respelled[name].attrs = {**respelled[name].attrs, "units": wanted}
    if not respelled:
        return dataset
    result = dataset.assign_coords(respelled)
    for name, variable in respelled.items():  # an index keeps its old attributes through assign_coords
        result[name].attrs = dict(variable.attrs)
    return result
