"""The files of a set that hold the variables a run uses: the others are left unopened.

A folder of CMIP or reanalysis downloads often holds more than a run asks for: an ocean
variable on its own grid beside the atmosphere's, a static field of another model. Only the
variables a run uses count when its files are combined (as for their common period, see
:mod:`climann.data.time_axes`): a file holding none of them is left out before its data are
opened, so that its grid, calendar or time axis neither blocks nor changes the run. Which
variables a file holds is read from its header alone (no values, no time decoding), after
the file's renames (:class:`~climann.data.renames.FileRenames`).

A file is kept when it holds a used variable (by its name after the renames), or the cell
areas one of them names in its ``cell_measures`` (``"area: areacella"``, CF conventions
section 7.2; a CMIP ``areacella_fx`` file beside the data), or the fraction of each cell one of
them is an area mean over (``"area: mean where land"``: the ``land_area_fraction``, a CMIP
``sftlf_fx`` file, which weighs the scores, see :mod:`climann.data.area_fractions`), or a static
land-sea mask on the grid (last two dimensions and their sizes) of one of them (NEMO's ``tmask``
in a ``mesh_mask.nc``, ROMS's ``mask_rho`` in its grid file: it tells where land stored as a value
in the target is, :mod:`climann.data.land_masks`; break37a A1). When a used variable is in none
of the files, every file is kept: the variable's absence is then refused with the variables
of every file named (:func:`~climann.data.variables.require_variable`). A file whose header
cannot be read is kept too, to be refused with its own message when opened.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from climann.data.area_fractions import FRACTION_STANDARD_NAMES, fraction_standard_name, partial_surfaces
from climann.data.notes import note_once
from climann.data.renames import FileRenames
from climann.data.series_files import series_file_refusal
from climann.data.series_names import Quantity, refuse_series_under_two_names
from climann.data.sources import files_text
from climann.data.variables import data_variable_names
from climann.errors import ClimannError

if TYPE_CHECKING:
    import xarray as xr

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Header:
    """What a file's header says: its data variables (after its renames) with the cell-measure
    variables each names, and every variable it holds (by its names in the file)."""

    measures: dict[str, set[str]]
    variables: set[str]
    quantities: dict[str, Quantity]
    grids: dict[str, tuple[tuple[str, int], ...]]
    masks: frozenset[str]


def _periods(raw: xr.Dataset) -> dict[str, tuple[object, object] | None]:
    """{dimension: the first and last value of its coordinate, decoded} of each dimension whose
    coordinate has units ``<unit> since <date>`` (CF section 4.4); None when they cannot be
    decoded. Each time coordinate is read once, whatever the number of variables on it."""
    import cftime
    import numpy as np

    periods: dict[str, tuple[object, object] | None] = {}
    for dim in map(str, raw.dims):
        coordinate = raw.variables.get(dim)
        units = str(coordinate.attrs.get("units", "")) if coordinate is not None else ""
        if " since " in units and coordinate.size:
            try:
                values = np.asarray(coordinate.values, dtype=float)
                ends = cftime.num2date([np.nanmin(values), np.nanmax(values)], units,
                                       str(coordinate.attrs.get("calendar", "standard")).lower())
                periods[dim] = (ends[0], ends[1])
            except (ValueError, TypeError, OverflowError):
                periods[dim] = None
    return periods


def _quantity(raw: xr.Dataset, name: str, periods: dict[str, tuple[object, object] | None], *,
              renamed: bool, rule: str = "") -> Quantity:
    """What the header ``raw`` says of variable ``name`` (see climann.data.series_names);
    ``renamed``: the run's renames gave it its name; ``rule``: the pattern of the rename rule
    its file takes ("" for none)."""
    from climann.data.standard_name_aliases import current_standard_name
    from climann.data.standard_names import standard_name_of
    from climann.data.units import parse_units

    attrs = raw[name].attrs
    try:
        kind = str(parse_units(str(attrs["units"]), variable=name).dimensionality) if "units" in attrs else None
    except ClimannError:
        kind = None
    times = [dim for dim in map(str, raw[name].dims) if dim in periods]
    standard_name = standard_name_of(attrs)  # "unknown" (ERA5 from the new CDS) names no quantity
    standard_name = current_standard_name(standard_name) if standard_name else ""  # CF aliases: one quantity
    return Quantity(standard_name, " ".join(str(attrs.get("cell_methods", "")).split()),
                    kind, periods[times[0]] if times else None, timed=bool(times), renamed=renamed, rule=rule)


def _header(path: Path, renames: FileRenames, open_header: Callable[[Path], xr.Dataset]) -> _Header | None:
    """The header of ``path``; None when it cannot be read."""
    try:
        raw = open_header(path)
    except Exception:  # noqa: BLE001 — the file is refused with its own message when opened
        return None
    with raw:
        mapping = renames.mapping(path)
        measures = {mapping.get(name, name): set(str(raw[name].attrs.get("cell_measures", "")).split()[1::2])
                    for name in data_variable_names(raw)}
        if mapping:  # a file left out still counts for its renames (FileRenames.check_applied)
            renames.applied(raw, path)
        periods = _periods(raw)
        rule = renames.rule_of.get(Path(path), "")
        quantities = {mapping.get(name, name): _quantity(raw, name, periods, renamed=name in mapping, rule=rule)
                      for name in data_variable_names(raw)}
        grids = {mapping.get(name, name): tuple((str(dim), int(raw.sizes[dim])) for dim in raw[name].dims[-2:])
                 for name in data_variable_names(raw) if raw[name].ndim >= 2}
        masks = frozenset(mapping.get(name, name) for name in data_variable_names(raw)
                          if raw[name].ndim >= 2 and _is_land_sea_mask(raw, name, periods))
        return _Header(measures, {str(name) for name in raw.variables}, quantities, grids, masks)


def _is_land_sea_mask(raw: xr.Dataset, name: str, periods: Mapping[str, object]) -> bool:
    """Whether variable ``name`` of the header ``raw`` is a static land-sea mask
    (:func:`climann.data.land_masks.land_codes`: a NEMO ``tmask``, a ROMS ``mask_rho``, a CF
    flag variable whose ``flag_meanings`` name land and water), or one written on a time axis
    (ERA5's ``lsm(time, latitude, longitude)``), read at its first step: whether it is the same
    at every step is checked where it is used (:func:`climann.data.land_masks.land_stored_as_value`)."""
    from climann.data.land_masks import land_codes

    steps = [dim for dim in raw[name].dims if dim in periods]
    if raw[name].dtype.kind not in "iufb" or raw[name].ndim - len(steps) < 2:
        return False
    return land_codes(name, raw[name].isel({dim: 0 for dim in steps})) is not None


def _mask_grids(headers: Collection[_Header], wanted: Collection[str]) -> set[tuple[tuple[str, int], ...]]:
    """The grids (last two dimensions with their sizes) of the variables ``wanted``."""
    return {header.grids[name] for header in headers for name in set(wanted) & set(header.grids)}


class FileHeaders:
    """The headers of a set's files (:func:`_header`), each read once however many times it is asked for:
    what :func:`files_in_use`, :func:`fraction_files` and :func:`mask_files` are given to read the files.

    :func:`climann.data.open.open_dataset` asks the three of the same files: each read every
    header again (a folder of 300 daily GHRSST files: 900 readings, 47 s of 305 s; issue 15). One
    instance passed to the three reads each file once.

    Parameters
    ----------
    renames : FileRenames
        The renames of the files.
    open_header : callable
        Opens a file lazily without decoding it (``decode_cf=False``: no values, no times
        decoded): :func:`climann.data.open.open_input`'s, passed in by
        :func:`climann.data.open.open_dataset` (which imports this module).
    """

    def __init__(self, renames: FileRenames, open_header: Callable[[Path], xr.Dataset]) -> None:
        self.renames, self.open_header = renames, open_header
        self._read: dict[Path, _Header | None] = {}

    def __call__(self, path: Path) -> _Header | None:
        """The header of ``path``, read the first time only; None when it cannot be read."""
        if path not in self._read:
            self._read[path] = _header(path, self.renames, self.open_header)
        return self._read[path]


def _headers(files: Sequence[Path], headers: FileHeaders) -> dict[Path, _Header] | None:
    """Each file's header (:func:`_header`), for :func:`mask_files` and :func:`fraction_files`:
    none to read for one file (nothing beside it to keep), None when one cannot be read."""
    read = {path: headers(path) for path in files} if len(files) > 1 else {}
    return None if any(header is None for header in read.values()) else read  # type: ignore[return-value]


def _measures_named(headers: Collection[_Header], wanted: Collection[str]) -> set[str]:
    """The cell-measure variables (``areacello``) that the variables ``wanted`` name in their
    ``cell_measures``."""
    return {measure for header in headers for name in set(wanted) & set(header.measures)
            for measure in header.measures[name]}


def mask_files(files: Sequence[Path], variables: Collection[str], headers: FileHeaders) -> list[Path]:
    """The files of ``files`` kept only for a land-sea mask on the grid of one of ``variables``
    (:func:`files_in_use`: a NEMO ``mesh_mask.nc`` beside the output, a ROMS grid file): they hold
    none of the variables, nor the cell areas or fraction they name, but a mask that tells where
    land stored as a value is (:mod:`climann.data.land_masks`); empty when a header cannot be read.
    ``headers``: the files' headers (:class:`FileHeaders`), read once for the three choices."""
    read = _headers(files, headers)
    if read is None:
        return []
    wanted = set(variables)
    grids = _mask_grids(read.values(), wanted)
    measures = _measures_named(read.values(), wanted)
    fractions = _fractions_named(read.values(), wanted)
    return [path for path, header in read.items() if not wanted & set(header.measures)
            and not measures & header.variables
            and not fractions & {quantity.standard_name for quantity in header.quantities.values()}
            and any(header.grids[name] in grids for name in header.masks)]


def _one_series(name: str, holding: Path, other: str, filling: Path, *, headers: FileHeaders) -> bool:
    """Whether ``other`` of ``filling`` would join ``name`` of ``holding`` as one series by the
    comparisons of :func:`climann.data.series_files.series_file_refusal` (level, sign
    convention, statistic), both headers read again with their CF attributes decoded (their
    scalar coordinates found) but not their times; the names are those after the renames."""
    import xarray as xr

    def in_file(path: Path, renamed: str) -> str:
        return next((old for old, new in headers.renames.mapping(path).items() if new == renamed), renamed)

    with headers.open_header(holding) as first, headers.open_header(filling) as later:
        try:
            first, later = xr.decode_cf(first, decode_times=False), xr.decode_cf(later, decode_times=False)
        except (ValueError, TypeError):  # nothing more to compare: the headers' names and attributes say it
            return True
        return series_file_refusal(in_file(holding, name), first, holding, later, filling,
                                   later_name=in_file(filling, other)) is None


def _fractions_named(headers: Collection[_Header], wanted: Collection[str]) -> set[str]:
    """The standard names of the cell fractions (``land_area_fraction``) that the variables
    ``wanted`` are area means over, by their ``cell_methods`` (``"area: mean where land"``; both of
    ``"where snow over sea_ice"``)."""
    surfaces = {surface for header in headers for name in set(wanted) & set(header.quantities)
                for surface in partial_surfaces(header.quantities[name].cell_methods)}  # snow over sea_ice: both
    named = {fraction_standard_name(surface) for surface in surfaces}
    # a mean where sea without a sea fraction is weighed by 1 − the land fraction (atmosphere grids)
    return named | ({FRACTION_STANDARD_NAMES["land"]} if "sea" in surfaces else set())


def measure_files(files: Sequence[Path], variables: Collection[str], headers: FileHeaders) -> list[Path]:
    """The files of ``files`` kept only for the cell areas one of ``variables`` names in its
    ``cell_measures`` (:func:`files_in_use`: a CMIP ``areacello_Ofx_….nc`` beside the data): they
    hold none of the variables but such an area variable; empty when a header cannot be read.
    ``headers``: the files' headers (:class:`FileHeaders`), read once for every choice."""
    read = _headers(files, headers)
    if read is None:
        return []
    wanted = set(variables)
    measures = _measures_named(read.values(), wanted)
    return [path for path, header in read.items() if not wanted & set(header.measures) and measures & header.variables]


def fraction_files(files: Sequence[Path], variables: Collection[str], headers: FileHeaders) -> list[Path]:
    """The files of ``files`` kept only for the land or sea fraction that one of ``variables``
    is an area mean over (:func:`files_in_use`): they hold none of the variables nor the cell
    areas they name, but that fraction; empty when a header cannot be read. ``headers``: the
    files' headers (:class:`FileHeaders`), read once for the three choices."""
    read = _headers(files, headers)
    if read is None:
        return []
    wanted = set(variables)
    fractions = _fractions_named(read.values(), wanted)
    measures = _measures_named(read.values(), wanted)
    return [path for path, header in read.items() if not wanted & set(header.measures)
            and not measures & header.variables
            and fractions & {quantity.standard_name for quantity in header.quantities.values()}]


def files_in_use(files: Sequence[Path], variables: Collection[str] | None, headers: FileHeaders, *,
                 time_range: Sequence[str] = ()) -> list[Path]:
    """The files that hold any of ``variables`` or the cell areas they name (see the module
    description), in the order given; the files left out are named in one INFO line per run.

    Parameters
    ----------
    files : sequence of Path
        The files of one set (a run's ``[data] paths``, or those of one block of its ``split_files``).
    variables : collection of str or None
        The variables the run reads (:func:`climann.workflow.preparation.used_variables`), by
        their names after the renames; None: every file is used.
    headers : FileHeaders
        The headers of ``files`` with their renames, each read once per run
        (:func:`climann.data.open.file_header`; shared with
        :func:`fraction_files` and :func:`mask_files`).
    time_range : sequence of two str, optional
        The run's period: files of a variable wholly outside it do not count when one quantity
        is held under two names (:func:`~climann.data.series_names.refuse_series_under_two_names`).

    Returns
    -------
    list of Path
        ``files`` without those holding none of ``variables``; all of ``files`` when
        ``variables`` is None, when a file's header cannot be read, or when a variable of
        ``variables`` is in none of them.
    """
    if variables is None or len(files) < 2:
        return list(files)
    read = {path: headers(path) for path in files}
    if any(header is None for header in read.values()):
        return list(files)
    wanted = set(variables)
    refuse_series_under_two_names({path: header.quantities for path, header in read.items()}, wanted,
                                  one_series=functools.partial(_one_series, headers=headers),
                                  time_range=time_range, renames=headers.renames)
    if wanted - {name for header in read.values() for name in header.measures}:
        return list(files)
    measures = _measures_named(read.values(), wanted)
    fractions = _fractions_named(read.values(), wanted)
    grids = _mask_grids(read.values(), wanted)
    kept = [path for path in files if wanted & set(read[path].measures) or measures & read[path].variables
            or fractions & {quantity.standard_name for quantity in read[path].quantities.values()}
            or any(read[path].grids[name] in grids for name in read[path].masks)]
    if len(kept) < len(files):
        left_out = files_text([path for path in files if path not in kept], listed=3)
        note_once(_log, logging.INFO, f"left out, as they hold none of the variables the run uses "
                  f"({', '.join(sorted(wanted))}): {left_out}")  # once per run
    return kept
