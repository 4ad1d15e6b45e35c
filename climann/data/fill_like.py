"""Values that mark missing data in many files, held by a variable whose attributes do not say so.

Files often hold fill values without the ``_FillValue`` or ``missing_value`` that marks them:
CMIP's 1e20 over land, an observation product's -9999, and the netCDF default fill value
that the library writes where nothing was written (NUG "Fill Values": 9.96921e36 for
``float``, -32767 for ``short`` …), which the data then hold as numbers (a packed ``short``
field with ``scale_factor = 0.01``, ``add_offset = 280`` reads its default fill as 352.33 K).
climann does not guess them missing (xarray does not either; netCDF4-python masks a default
fill, netCDF4 1.7.5's ``_toma``): a target or predictor that holds one is named in a warning
with the count over every value and the time steps that hold it (a fill written at two steps
of 120 is not missed: routes16 F2), and the ``ncatted`` that marks them
(:func:`warn_fill_like_values`); one of magnitude :data:`REFUSED_AT_LEAST` (1e30) or more, which
no quantity reaches, is refused with that command (:func:`refuse_huge_fill_like_values`).
Counting every value reads the data once more before training (one pass, each of dask's blocks
read and counted in one task, computed with the count below absolute zero,
:mod:`climann.data.absolute_zero`, and that of negative values, :mod:`climann.data.nonnegative`:
:mod:`climann.data.value_checks`): on a streamed run as much as an epoch's reading, said before
the scalers are fitted and the data used, on every route alike.

The values looked for (:func:`fill_like_values`):

- :data:`FILL_LIKE_VALUES`, the values of :data:`USUAL_FILL_VALUES` (each with the tool or
  product that writes it), in the data's units: ``1e20`` in float32 data is ``float32(1e20)``;
  in float64 data ``1e20``, or ``float32(1e20)`` as a double (a float32 field written as
  doubles, ``1.0000000200408773e+20``, which a ``_FillValue`` of 1e20 does not mark);
- the netCDF default fill value of the stored type (:data:`DEFAULT_FILL_VALUES`) when the
  variable has no ``_FillValue`` (the default is then what a reader that masks it takes; bytes
  have none, NUG), unpacked as xarray unpacks the data;
- the lowest and highest values of a stored integer type (:data:`INTEGER_EXTREMES`: ``short``'s
  -32768 and 32767, which the IRI Data Library and NOAA PSL write as fill values beside the
  default -32767), with or without a ``_FillValue`` (a marked one is missing already); for
  packed data the lowest only, unpacked, as packers put the data's maximum at the highest
  (NCO's ``ncpdq`` maps the range to ±32767, gdalcubes' ``pack_minmax`` the maximum to the
  highest value and missing data to the lowest), and the lowest not either when the packed
  variable's ``_FillValue`` or ``missing_value`` marks another code and the data hold the code
  one below the highest (ECMWF's CAMS and ERA5 files pack their range onto -32768…32766 and mark
  -32767: the lowest is their minimum, :attr:`FillLike.minimum_if_held`); not for bytes, whose
  whole range holds data (flags, categories; NUG).

A usual fill value held no more often than the data's other values near it is one of the data's
values, not named (:func:`_standing_apart`: -99 among whole-mm sea-level anomalies of -141…182 mm).

The ``ncatted`` gives the value in the stored type (for packed data the packed value, CF-1.8
§8.1), to the digit that type needs (``o,d,9.969209968386869e+36`` for a double), and names
the attribute the variable lacks: ``_FillValue``; else ``missing_value``; else ``missing_value``
with its values and the new one. The variables of one file get one command, every ``-a`` in
it: two commands that each write the file's corrected copy from the original would keep only
the second's change. That command is given once, on the first line of the file's variables; the
others name that line (the same command again, chained from the first's copy, would write a
second copy that changes nothing: break39a F5).
"""

from __future__ import annotations

import collections
import dataclasses
import functools
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import dask
import dask.optimization
import numpy as np
import xarray as xr
from dask.base import tokenize
from dask.core import flatten
from dask.delayed import Delayed
from dask.highlevelgraph import HighLevelGraph, MaterializedLayer

from climann.data.file_encodings import CONVERSIONS_KEY, as_stored_in, converted_forms, file_encodings
from climann.data.notes import with_store_notes
from climann.data.shell import (
    copies_of_files, in_place_note, input_and_copy, ncatted_attribute, attribute_command, ncatted_number,
    ncatted_type, note_advised_marks, one_copy_advice, users_file_copied,
)
from climann.data.sources import as_file_stamps, dates_in, files_at, files_text, held_by, name_in_file
from climann.data.sentinel_codes import block_ends, merged_ends, standing_codes
from climann.data.stored_values import FILL_ATTRIBUTES, exact_cast, read_type, unpacked
from climann.data.time_axis import date_text
from climann.data.top_codes import (TOP_CODES, TOP_WINDOW, LevelForm, TopCodes, deepest_level, first_and_change,
                                    level_form, levels_in_block, merged_below, top_codes, unchanging)
from climann.errors import ClimannError

__all__ = ["DEFAULT_FILL_VALUES", "FILL_LIKE_CHECKED_STEPS", "FILL_LIKE_VALUES", "INTEGER_EXTREMES",
           "NETCDF_TYPE_NAMES", "REFUSED_AT_LEAST", "USUAL_FILL_VALUES", "BlockReads", "FillLike", "FillLikeCount",
           "blocks_by_place", "blocks_by_step", "checked_blocks", "checked_step_numbers", "checked_steps",
           "command_files", "command_target", "counts_by_step", "fill_like_counts", "fill_like_values",
           "marking_command", "marking_fix", "name_in_command",
           "planned_counts_by_step", "planned_fill_like_counts", "read_together", "refuse_codes_beyond_bound",
           "refuse_huge_fill_like_values",
           "steps_text", "time_dimension", "warn_fill_like_values"]

_log = logging.getLogger(__name__)

#: Values that mark missing data in many files, sometimes left without the attribute that
#: says so (a copy that dropped it, a tool that writes its own flag without one), each with
#: whose it is, for the message. Never guessed missing: a variable that holds one is named in
#: a warning (:func:`warn_fill_like_values`); a temperature holding one below absolute zero has
#: it read as missing before (:mod:`climann.data.absolute_zero`). Sources:
#:
#: - 9.96921e36: netCDF's default fill of float and double (NUG "Fill Values");
#: - 1e20: CMIP's missing value (CMOR; the CMIP6 data request);
#: - -9999, -99999, -999: observation products (GHCN, station series);
#: - -999.9: NOAA NCEI's ERSST, whose ASCII Readme's reader writes -999.9 where a value is
#:   missing (ncei.noaa.gov/pub/data/cmb/ersst/v5/ascii/Readme);
#: - -99.9: APHRODITE's missing value (its daily gridded precipitation, "-99.9: missing",
#:   over the sea), left without an attribute by conversions of its binary files;
#: - -99: a missing value of station series and Fortran-era products (break13 F1);
#: - -1e34: Ferret's and PyFerret's missing value flag -1.E+34 (Ferret User's Guide, chapter 3,
#:   "Missing value flags"), written into model output with no attribute (ferret_users 2013,
#:   msg00420);
#: - -1e30: the Met Office Hadley Centre's HadISST (``_FillValue = missing_value = -1e30`` over
#:   land) and CRUTEM4 (its Read_instructions.txt);
#: - 1e30: the IRI Data Library's ``missing_value 1.00000002E30`` (its Kaplan extended SST v2);
#: - -9.99e8: GrADS's output undef (``set undef``: -9.99e8 by default since 2.0.a6, written by
#:   fwrite and sdfwrite; cola.gmu.edu/grads/gadoc/gradcomdsetundef.html);
#: - -9.99e33: GrADS's output undef before 2.0.a6, and the undef its sdfopen assumes without an
#:   attribute (gradsusr, May 2014, J. Adams);
#: - 32767 and -32768: short's highest and lowest values, fill values of short data (NOAA PSL's
#:   ``_FillValue 32767s``, the IRI Data Library's ``missing_value -32768``; see
#:   :data:`INTEGER_EXTREMES`), left as numbers in a float copy of such data.
USUAL_FILL_VALUES = {
    9.969209968386869e36: "netCDF's default fill of float and double",
    1e20: "CMIP's missing value",
    -9999.0: "observation products' missing value",
    -99999.0: "observation products' missing value",
    -999.0: "observation products' missing value",
    -999.9: "ERSST's missing value",
    -99.9: "APHRODITE's missing value",
    -99.0: "a missing value of station and Fortran-era products",
    -1e34: "Ferret's missing value flag",
    -1e30: "HadISST's and CRUTEM's fill value",
    1e30: "the IRI Data Library's missing value",
    -9.99e8: "GrADS's undef",
    -9.99e33: "GrADS's undef before 2.0.a6",
    32767.0: "short's highest value, a fill value of short data",
    -32768.0: "short's lowest value, a fill value of short data",
}
FILL_LIKE_VALUES = tuple(USUAL_FILL_VALUES)

#: The values of :data:`USUAL_FILL_VALUES` looked for in data stored as floats only: data
#: stored as integers are checked for the extremes of their own type (:data:`INTEGER_EXTREMES`).
_IN_FLOAT_DATA = frozenset({32767.0, -32768.0})

#: The netCDF default fill value of each integer type but the bytes (netcdf.h ``NC_FILL_SHORT``
#: …; NUG "Fill Values": "no default fill value for byte types"), by NumPy type code.
DEFAULT_FILL_VALUES = {"i2": -32767, "u2": 65535, "i4": -2147483647, "u4": 4294967295,
                       "i8": -9223372036854775806, "u8": 18446744073709551614}

#: The netCDF names of the types in :data:`DEFAULT_FILL_VALUES`, for the messages.
NETCDF_TYPE_NAMES = {"i2": "short", "u2": "ushort", "i4": "int", "u4": "uint", "i8": "int64", "u8": "uint64"}

#: The lowest and highest values of each integer type but the bytes, by NumPy type code, which
#: writers use as fill values as they do the default fills one step inside them (short's
#: -32768 and 32767: the IRI Data Library's packed ``missing_value -32768``, NOAA PSL's
#: ``_FillValue 32767s``); the highest value of an unsigned type is its default fill.
INTEGER_EXTREMES = {code: ((("lowest", int(np.iinfo(code).min)),) if code[0] == "i" else ())
                    + (("highest", int(np.iinfo(code).max)),) for code in NETCDF_TYPE_NAMES}

#: The netCDF names of the byte types, whose top values are looked for as codes too.
_BYTE_TYPE_NAMES = {"i1": "byte", "u1": "ubyte"}

#: At most this many evenly spaced time steps are read by the checks that look at a sample of the
#: data (:func:`checked_steps`: units, land masks, valid-range tails); the fill-like values and
#: the temperatures below absolute zero are counted on every value.
FILL_LIKE_CHECKED_STEPS = 24


@dataclass(frozen=True)
class FillLike:
    """One value a variable may hold as an unmarked fill value.

    Attributes
    ----------
    shown : float
        The number as the message names it: the usual fill value, or the default fill in the
        stored type (``-32767``).
    decoded : tuple of numpy scalars
        The values of the decoded data that are it (``float32(1e20)`` in float32 data; in
        float64 data ``1e20``, and apart ``float32(1e20)`` as a double; a packed default
        fill unpacked).
    stored : numpy scalar or None
        It in the stored type, as an attribute that marks it holds it; None when no stored
        value is it.
    default_of : str or None
        The netCDF type whose default fill value it is (``"short"``), None for a usual one.
    extreme_of : str or None
        ``"the lowest value of short"`` (or highest) for an extreme of the stored integer type
        (:data:`INTEGER_EXTREMES`), None otherwise.
    files : tuple of str or None
        The files of a series stored otherwise than the rest whose stored type and packing it is
        of, looked for in their steps only (:mod:`climann.data.file_encodings`); None: every file.
    code_of : str or None
        ``"ubyte"`` for a code at the top of an integer type's range, found from the levels the
        variable holds (:mod:`climann.data.top_codes`, :func:`planned_fill_like_counts`); None
        otherwise.
    minimum_if_held : int or None
        For the lowest value of a packed type whose own ``_FillValue`` or ``missing_value`` is
        another code (:func:`_marks_own_fill`): the packed code one below the type's highest
        (32766 of ``short``). Where the data hold that code, the packing is ECMWF's (range
        mapped onto -32768…32766), the lowest value is the data's minimum, and it is not
        named (:func:`planned_fill_like_counts`); None otherwise.
    data_top : float or None
        For a code above a gap that stands it apart from the data: the data's highest value below
        the codes, decoded; None otherwise.
    apart : (int, int, int, bool) or None
        With ``data_top``: that value's level in the stored type, the empty levels between it and
        the lowest code, the values the data hold in as many levels below it, and whether that
        is all of them (:attr:`~climann.data.top_codes.TopCodes.below_exact`).
    fixed : bool
        For a code: whether it is held at the same cells every step
        (:func:`~climann.data.top_codes.at_fixed_cells`).
    apart_from : (float, float) or None
        For a code of repeated digits far outside the data (IGRA2's -8888:
        :mod:`climann.data.sentinel_codes`): the lowest and highest of the data's other values;
        None otherwise.
    """

    shown: float
    decoded: tuple
    stored: np.generic | None
    default_of: str | None = None
    extreme_of: str | None = None
    files: tuple[str, ...] | None = None
    code_of: str | None = None
    minimum_if_held: int | None = None
    data_top: float | None = None
    apart: tuple[int, int, int, bool] | None = None
    fixed: bool = False
    apart_from: tuple[float, float] | None = None


def _stored_value(variable: xr.DataArray, decoded: np.generic) -> np.generic | None:
    """The value in the stored type whose decoding is ``decoded``: for packed data the packed
    integer that xarray unpacks to it exactly, else the value cast exactly; None if none is."""
    encoding = variable.encoding
    stored, kind = np.dtype(encoding.get("dtype", variable.dtype)), read_type(variable)
    if not ("scale_factor" in encoding or "add_offset" in encoding):
        typed = exact_cast(np.asarray(decoded), kind)
    else:
        scale, offset = float(encoding.get("scale_factor", 1.0)), float(encoding.get("add_offset", 0.0))
        guess = np.round((float(decoded) - offset) / scale) if scale else np.nan
        found = [candidate for candidate in (guess, guess - 1, guess + 1) if np.isfinite(candidate)
                 and (typed := exact_cast(np.asarray(candidate), kind)) is not None
                 and unpacked(typed, encoding, variable.dtype) == decoded]
        typed = exact_cast(np.asarray(found[0]), kind) if found else None
    return None if typed is None else (typed.view(stored) if kind != stored else typed)[()]


def fill_like_values(variable: xr.DataArray, *, codes: bool = False) -> list[FillLike]:
    """The fill-like values a decoded variable may hold (see the module's description): of a
    series whose files store it otherwise (a float file beside old packed ``short`` ones, two
    packed files of different scales), each group of files' own, tagged with those files
    (:func:`~climann.data.file_encodings.file_encodings`; verify25 F2).

    Parameters
    ----------
    variable : xarray.DataArray
        As opened: decoded values, the file's packing and stored type in ``encoding``.
    codes : bool
        Also the :data:`TOP_CODES` values at the top of an integer type's range
        (:func:`_top_codes`), which only the count by time step tells from data
        (:func:`planned_fill_like_counts`).

    Returns
    -------
    list of FillLike
    """
    records = file_encodings(variable)
    if not records or any(record.times is None for record in records) or time_dimension(variable) is None:
        return _fill_like_values_stored_as(variable, codes)  # one file's values (a static field keeps the first's)
    return [dataclasses.replace(value, files=record.files) for record in records
            for value in _fill_like_values_stored_as(as_stored_in(variable, record), codes)]


def _stored_as(variable: xr.DataArray, value: FillLike) -> xr.DataArray:
    """``variable`` as the files of ``value`` store it: a stand-in with their encoding
    (:func:`~climann.data.file_encodings.as_stored_in`), or itself when ``value`` is every file's."""
    if value.files is None:
        return variable
    record = next(record for record in file_encodings(variable) if record.files == value.files)
    return as_stored_in(variable, record)


def _in_files(variable: xr.DataArray, value: FillLike, times: np.ndarray) -> np.ndarray:
    """Which of ``times`` (the variable's steps as its files stamp them,
    :func:`~climann.data.sources.as_file_stamps`) are those of the files of ``value``: all for every file's."""
    if value.files is None:
        return np.ones(len(times), dtype=bool)
    record = next(record for record in file_encodings(variable) if record.files == value.files)
    return dates_in(times, record.times)


def _fill_like_values_stored_as(variable: xr.DataArray, codes: bool = False) -> list[FillLike]:
    """The fill-like values of a variable stored as its ``encoding`` says (one file's, or alike files'),
    converted as its values were (:func:`~climann.data.file_encodings.converted_forms`)."""
    found, dtype, kind = [], variable.dtype, read_type(variable)
    for value in FILL_LIKE_VALUES:
        if value in _IN_FLOAT_DATA and kind.kind != "f":
            continue  # stored as integers (decoded as floats when masked or packed): their own type's extremes
        typed = exact_cast(np.asarray(value), dtype)
        if typed is None:
            continue
        forms = [typed[()]]
        if dtype == np.float64 and np.float64(np.float32(value)) != typed:
            forms.append(np.float64(np.float32(value)))  # a float32 field written as doubles
        found += [FillLike(value, (form,), _stored_value(variable, form)) for form in forms]
    code = kind.str[1:]
    default = DEFAULT_FILL_VALUES.get(code)
    if default is not None and "_FillValue" not in variable.encoding:
        decoded = unpacked(np.asarray(default, kind), variable.encoding, dtype)[()]
        if not any(decoded in item.decoded for item in found):
            found.append(FillLike(default, (decoded,), _stored_value(variable, decoded),
                                  default_of=NETCDF_TYPE_NAMES[code]))
    packed = "scale_factor" in variable.encoding or "add_offset" in variable.encoding
    for end, extreme in INTEGER_EXTREMES.get(code, ()):
        if packed and end == "highest":
            continue  # where packers put the data's maximum (NCO's ncpdq, gdalcubes' pack_minmax)
        decoded = unpacked(np.asarray(extreme, kind), variable.encoding, dtype)[()]
        # ECMWF's packing puts the data's minimum at the lowest value and their maximum one below the highest
        minimum_if_held = (int(np.iinfo(kind).max) - 1 if packed and end == "lowest"
                           and _marks_own_fill(variable, kind) else None)
        if not any(decoded in item.decoded for item in found):
            found.append(FillLike(extreme, (decoded,), _stored_value(variable, decoded),
                                  extreme_of=f"the {end} value of {NETCDF_TYPE_NAMES[code]}",
                                  minimum_if_held=minimum_if_held))
    found += _top_codes(variable, found) if codes else []
    if CONVERSIONS_KEY not in variable.encoding:
        return found
    # a file converted to the first file's units (degC made K; kg m-2 month-1 made kg m-2 s-1 by
    # the days of each month) holds its fill values converted
    return [dataclasses.replace(item, decoded=tuple(converted for form in item.decoded
                                                    for converted in converted_forms(form, variable.encoding)))
            for item in found]


def _marks_own_fill(variable: xr.DataArray, kind: np.dtype) -> bool:
    """Whether a packed variable's ``_FillValue`` or ``missing_value`` marks a code of its stored
    integer type other than the type's lowest value: its writer chose that code for missing
    data. ECMWF's CAMS and ERA5 NetCDF files (EAC4: ``scale_factor = (max − min)/65534``,
    ``add_offset = min + 32768·scale_factor``, ``_FillValue = missing_value = -32767s``) then hold
    their minimum at -32768 and their maximum at 32766 (break39a F5: the minimum was named an
    unmarked fill value at one cell of each year)."""
    lowest = int(np.iinfo(kind).min)
    codes = [code for key in FILL_ATTRIBUTES if key in variable.encoding
             for code in np.atleast_1d(variable.encoding[key]).tolist()]
    return bool(codes) and lowest not in codes


def _top_codes(variable: xr.DataArray, found: Sequence[FillLike]) -> list[FillLike]:
    """The :data:`TOP_CODES` highest values of an integer variable's stored type (bytes too),
    unpacked if packed, that ``found`` does not hold already: where products write class codes
    beside their data's values (MOD15's LAI 0-100 packed by 0.1, its land-cover codes 248-254:
    LAI 25.4 m2/m2 when no valid_range masks them, break38b B3; MOD17's GPP packed by 1e-4, its
    codes 32761-32766: 3.2761-3.2766 kgC/m2/8day, break40c C1; the same codes in a copy left
    unpacked). Not those of an unpacked variable that declares its codes (CF ``flag_values`` or
    ``flag_masks``: a class variable, MCD12Q1's land cover, whose top classes are classes;
    :mod:`climann.data.flags` reads declared flags)."""
    kind, encoding = read_type(variable), variable.encoding
    packed = "scale_factor" in encoding or "add_offset" in encoding
    if kind.kind not in "iu" or (not packed and ("flag_values" in variable.attrs or "flag_masks" in variable.attrs)):
        return []
    name = {**NETCDF_TYPE_NAMES, **_BYTE_TYPE_NAMES}.get(kind.str[1:], str(kind))
    top, codes = int(np.iinfo(kind).max), []
    for code in range(top - TOP_CODES + 1, top + 1):
        decoded = unpacked(np.asarray(code, kind), encoding, variable.dtype)[()]
        if not any(decoded in item.decoded for item in found):
            codes.append(FillLike(code, (decoded,), _stored_value(variable, decoded), code_of=name))
    return codes


def checked_steps(variable: xr.DataArray) -> xr.DataArray:
    """At most :data:`FILL_LIKE_CHECKED_STEPS` evenly spaced steps of its time dimension (the
    values a check that reads a sample of the data looks at: units, land masks, valid-range
    tails; the fill-like values and those below absolute zero are counted on every value)."""
    time, steps = time_dimension(variable), checked_step_numbers(variable)
    return variable if time is None or steps.size == variable.sizes[time] else variable.isel({time: steps})


def checked_step_numbers(variable: xr.DataArray) -> np.ndarray:
    """The indices of the steps :func:`checked_steps` takes along the variable's time dimension
    (every step when it has at most :data:`FILL_LIKE_CHECKED_STEPS`; ``[0]`` for a static field),
    sorted, int64."""
    time = time_dimension(variable)
    n_steps = 1 if time is None else variable.sizes[time]
    if n_steps <= FILL_LIKE_CHECKED_STEPS:
        return np.arange(n_steps, dtype=np.int64)
    return np.unique(np.linspace(0, n_steps - 1, FILL_LIKE_CHECKED_STEPS).round().astype(np.int64))


def time_dimension(variable: xr.DataArray) -> str | None:
    """The variable's time dimension (a dimension coordinate of dates), None for a static field.

    The first dimension whose coordinate holds ``datetime64`` values or cftime dates (objects
    with a ``calendar``; only an object coordinate's first value is looked at). The coordinates
    are read as :class:`xarray.Variable` objects: a run asks this some ten thousand times, and
    a DataArray built for each dimension cost 25 times the answer."""
    coordinates = variable.coords.variables
    for dim in variable.dims:
        coordinate = coordinates.get(dim)
        if coordinate is None or not coordinate.size:
            continue
        kind = coordinate.dtype.kind
        if kind == "M" or (kind == "O" and hasattr(coordinate.values.flat[0], "calendar")):
            return str(dim)
    return None


#: At most this many of the time steps that hold a value are named in a warning.
STEPS_NAMED = 3


def steps_text(times: np.ndarray) -> str:
    """The time steps that hold the values, for a warning: ``"at 1 time step (1990-08-16)"``,
    ``"at 5 time steps (1990-08-16, 1990-09-16, 1990-10-16, …)"``; ``""`` for a static field
    (``times`` empty)."""
    if not times.size:
        return ""
    labels = [date_text(value) for value in times[:STEPS_NAMED]] + (["…"] if times.size > STEPS_NAMED else [])
    return f"at {times.size} time step{'s' if times.size > 1 else ''} ({', '.join(labels)})"


def blocks_by_step(data: object, time_axis: int | None, *, shared: bool = False) -> list[tuple[object, int]]:
    """Each block of ``data`` (dask's blocks, or a NumPy array whole) with the index of its first
    time step (0 for a static field, ``time_axis`` None): for counts by time step that read every
    block once, one block in memory per task.

    ``shared``: the blocks keep the keys of the file's reads (dask's graph not optimized, each
    block's culled to the tasks it needs: :func:`_own_graph_blocks`), so that a check of other data
    made from the same reads (the values a mask removed, :mod:`climann.data.absolute_zero`),
    computed together (:func:`read_together`), reads the file once with it; else the graph is
    optimized (a region read alone from the file).
    """
    return [(block, 0 if time_axis is None else offsets[time_axis])
            for block, offsets in blocks_by_place(data, shared=shared)]


def blocks_by_place(data: object, *, shared: bool = False) -> list[tuple[object, tuple[int, ...]]]:
    """Each block of ``data`` (dask's blocks, or a NumPy array whole) with the index of its first
    value along every axis; ``shared`` as :func:`blocks_by_step` (which takes the time axis's), each
    block's graph then holding only the tasks it needs (:func:`_own_graph_blocks`)."""
    if not dask.is_dask_collection(data):
        return [(data, (0,) * np.ndim(data))]
    blocks = _own_graph_blocks(data) if shared else data.to_delayed(optimize_graph=True)
    starts = [np.cumsum([0, *sizes]) for sizes in data.chunks]
    return [(blocks[index], tuple(int(starts[axis][place]) for axis, place in enumerate(index)))
            for index in np.ndindex(*blocks.shape)]


def _own_graph_blocks(data: object) -> np.ndarray:
    """``data.to_delayed(optimize_graph=False)``, each block's Delayed holding only the tasks its
    value needs (the graph culled to its key, :func:`dask.optimization.cull`), under the keys of
    ``data``'s graph: checks made from the same reads still read the file once (dask merges equal
    keys), while a check's task per block no longer carries the graph of every file. Unculled, each
    of the 1 095 blocks of 1 095 daily files held the whole graph's 1 100 layers, copied into each
    of the ~11 000 check tasks made from them (:func:`dask.delayed` merges its arguments' graphs):
    ``climann info`` of those files peaked at 2.8 GB (fix57b).

    Parameters
    ----------
    data : dask.array.Array
        Of shape ``data.numblocks`` in blocks.

    Returns
    -------
    numpy.ndarray of dask.delayed.Delayed
        Of shape ``data.numblocks``: each block under its key in ``data``'s graph.
    """
    keys = data.__dask_keys__()
    tasks, dependencies = dask.optimization.cull(dict(data.__dask_graph__()), list(flatten(keys)))
    blocks = np.empty(data.numblocks, dtype=object)
    for index in np.ndindex(*data.numblocks):
        key = functools.reduce(lambda nested, place: nested[place], index, keys)
        needed, waiting = {key}, [key]
        while waiting:
            for dependency in dependencies[waiting.pop()]:
                if dependency not in needed:
                    needed.add(dependency)
                    waiting.append(dependency)
        layer = f"block-{tokenize(key)}"  # the same block's graph, made again by another check, under the same name
        graph = HighLevelGraph({layer: MaterializedLayer({name: tasks[name] for name in needed})}, {layer: set()})
        blocks[index] = Delayed(key, graph, layer=layer)
    return blocks


def checked_blocks(variable: xr.DataArray, *, shared: bool = False) -> list[tuple[object, tuple[int, ...], object]]:
    """Each block of ``variable``'s data that holds a step :func:`checked_steps` takes, as the checks
    of every value read it (:func:`blocks_by_place`, the same keys, so that dask reads it once for
    all): the block, the index of its first value along every dimension but time, and the indices
    in the block of the checked steps it holds (None for a static field, all its values checked).
    A block that holds no checked step is left out (not read)."""
    time = time_dimension(variable)
    axis = None if time is None else variable.dims.index(time)
    steps = checked_step_numbers(variable)
    chunks = variable.data.chunks if dask.is_dask_collection(variable.data) else tuple((n,) for n in variable.shape)
    found = []
    for block, offsets in blocks_by_place(variable.data, shared=shared):
        held = None
        if axis is not None:
            start = offsets[axis]
            size = dict(zip(np.cumsum([0, *chunks[axis]]).tolist(), chunks[axis]))[start]
            held = steps[(steps >= start) & (steps < start + size)] - start
            if not held.size:
                continue
        found.append((block, tuple(offset for number, offset in enumerate(offsets) if number != axis), held))
    return found


@dataclass(frozen=True)
class BlockReads:
    """Tasks that each read one block of a variable, and what makes their results a check's answer,
    so that several checks read the data in one computation (:func:`read_together`).

    Attributes
    ----------
    tasks : list of dask.delayed.Delayed
        One per block read.
    finish : callable
        ``finish(results)``, the results of ``tasks`` in order, gives the check's answer.
    """

    tasks: list
    finish: Callable[[Sequence], object]


def read_together(*reads: BlockReads) -> list[Callable[[], object]]:
    """Every task of ``reads`` in one computation (dask reads a block that several checks look at
    once), each check's answer then given by a call of the function returned for it, so that
    its caller says each answer in its order (a warning before a check that refuses).
    """
    results = dask.compute(*[task for read in reads for task in read.tasks])
    answers, start = [], 0
    for read in reads:
        part = results[start:start + len(read.tasks)]
        answers.append(functools.partial(read.finish, part))
        start += len(read.tasks)
    return answers


def folded_by_place(reads: Sequence[tuple[Callable, tuple, Mapping]], places: Sequence,
                    combine: Callable[[object, object], object]) -> tuple[list, list]:
    """One task per place (the same cells, each block along time giving its own result) that
    computes its blocks' results one after another and combines each with the previous ones' as it
    is made: ``combine(combine(r₁, r₂), r₃)``…, each node of the chain computing rₖ and combining it
    in one task, so that no block's result outlives its task, however dask orders the block reads.
    A check whose blocks each give a per-cell result then holds one per place rather than one per
    block (per file): the sums of 60 daily OISST files' blocks, 431 MB each, were all held until
    they were added (18.9 GB, break51a); as separate tasks combined after them, dask still ran the
    blocks' tasks first, beside the other checks' reads of the same blocks.

    Parameters
    ----------
    reads : sequence of (callable, tuple, mapping)
        The function, positional and keyword arguments (dask collections or Delayed among them:
        the block) of each block's result.
    places : sequence
        The place of each block (a tuple of ints or slices), as the check's ``finish`` puts its result.
    combine : callable
        ``combine(a, b)`` of two results of one place, a result of that place (``numpy.add`` for
        sums: the same additions in the same order as adding each result to the total in turn).

    Returns
    -------
    (list of dask.delayed.Delayed, list)
        One task per place, in the order each place first appears, and those places.

    Examples
    --------
    >>> import dask, numpy as np
    >>> reads = [(np.full, (2, value), {}) for value in (1.0, 2.0, 4.0)]
    >>> folded, places = folded_by_place(reads, [(0,), (2,), (0,)], np.add)
    >>> [part.tolist() for part in dask.compute(*folded)], places
    ([[5.0, 5.0], [2.0, 2.0]], [(0,), (2,)])
    """
    folds: dict[tuple, tuple[object, object]] = {}
    for (function, args, kwargs), place in zip(reads, places, strict=True):
        key = tuple((part.start, part.stop, part.step) if isinstance(part, slice) else part for part in place)
        previous = folds[key][0] if key in folds else None
        folds[key] = (dask.delayed(_combined_with)(previous, combine, function, *args, **kwargs), place)
    return [task for task, _ in folds.values()], [place for _, place in folds.values()]


def _combined_with(previous: object, combine: Callable[[object, object], object], function: Callable,
                   *args: object, **kwargs: object) -> object:
    """``function(*args, **kwargs)``, combined with ``previous`` (None: the first of its place)."""
    result = function(*args, **kwargs)
    return result if previous is None else combine(previous, result)


def planned_counts_by_step(
    arrays: Sequence[tuple[object, int | None, Callable, int]], *, shared: Sequence[bool] = ()
) -> BlockReads:
    """The reads of :func:`counts_by_step`, to be computed with other checks' (:func:`read_together`);
    ``shared``, by array, whether its blocks keep the keys of the file's reads (:func:`blocks_by_step`)."""
    tasks, places, shapes = [], [], []
    for number, (data, time_axis, count, n_counts) in enumerate(arrays):
        shapes.append((n_counts, 1 if time_axis is None else data.shape[time_axis]))
        for block, offset in blocks_by_step(data, time_axis, shared=number < len(shared) and shared[number]):
            tasks.append(dask.delayed(count)(block, time_axis))
            places.append((number, offset))

    def finish(parts: Sequence[np.ndarray]) -> list[np.ndarray]:
        results = [np.zeros(shape, dtype=np.int64) for shape in shapes]
        for (number, offset), part in zip(places, parts, strict=True):
            results[number][:, offset:offset + part.shape[1]] += part
        return results

    return BlockReads(tasks, finish)


def counts_by_step(arrays: Sequence[tuple[object, int | None, Callable, int]]) -> list[np.ndarray]:
    """Counts of every block of each array, by time step, in one computation (each block read once).

    Parameters
    ----------
    arrays : sequence of (data, time_axis, count, n_counts)
        ``data`` a variable's values (dask or NumPy array); ``time_axis`` its time axis, None for
        a static field (one "step"); ``count(block, time_axis)`` gives ``(n_counts, n_steps)`` for
        a block.

    Returns
    -------
    list of numpy.ndarray
        One per array, shape (n_counts, n_time) (n_time 1 for a static field), int64.
    """
    return read_together(planned_counts_by_step(arrays))[0]()


def _counts_in_block(block: np.ndarray, time_axis: int | None, tables: Sequence[Sequence[np.generic]]) -> np.ndarray:
    """How many values of ``block`` are in each table (``numpy.isin``), by time step: shape
    (n_tables, n_steps) (one column for a static field). The values of every table are looked
    for at once, each table then among those found only (a tenth of the time of one look per
    table, in the usual block that holds none)."""
    block = np.asarray(block)
    n_steps = 1 if time_axis is None else block.shape[time_axis]
    counts = np.zeros((len(tables), n_steps), dtype=np.int64)
    found = np.isin(block, [value for table in tables for value in table])
    if not found.any():
        return counts
    held = block[found]
    steps = np.zeros(held.size, dtype=np.int64) if time_axis is None else np.nonzero(found)[time_axis]
    for row, table in enumerate(tables):
        counts[row] = np.bincount(steps[np.isin(held, table)], minlength=n_steps)
    return counts


def _counts_and_near_in_block(block: np.ndarray, time_axis: int | None, tables: Sequence[Sequence[np.generic]],
                              centres: Sequence[float | None] = ()) -> np.ndarray:
    """:func:`_counts_in_block`; below them, for each table with a centre, the other values within
    :data:`NEAR_FRACTION` of it (:func:`_standing_apart`; zeros for a table without). Shape
    (2 n_tables, n_steps) with ``centres``, else (n_tables, n_steps)."""
    block = np.asarray(block)
    counts = _counts_in_block(block, time_axis, tables)
    rows = [counts]
    for table, centre in zip(tables, centres, strict=False):
        if centre is None:
            rows.append(np.zeros_like(counts[:1]))
            continue
        near = np.abs(block - centre) <= NEAR_FRACTION * abs(centre)
        for form in table:
            near &= block != form
        rows.append(_by_step(near, time_axis)[None, :])
    return np.vstack(rows)


def _by_step(flags: np.ndarray, time_axis: int | None) -> np.ndarray:
    """The number of true ``flags`` at each step along ``time_axis`` (one number without)."""
    if time_axis is None:
        return np.array([flags.sum()], dtype=np.int64)
    return flags.sum(axis=tuple(axis for axis in range(flags.ndim) if axis != time_axis), dtype=np.int64)


@dataclass(frozen=True)
class FillLikeCount:
    """How many values of a variable are one fill-like value, out of how many read, and where.

    Attributes
    ----------
    count : int
        The values that are it.
    size : int
        Every value read of the files that hold it (all their time steps; every value of the
        variable for a static field or when its files' steps are not recorded).
    times : numpy.ndarray
        The time steps that hold it (their coordinate values); empty for a static field.
    """

    count: int
    size: int
    times: np.ndarray


def fill_like_counts(dataset: xr.Dataset, names: Sequence[str]) -> dict[str, dict[FillLike, FillLikeCount]]:
    """How many values of each variable are each of its :func:`fill_like_values`, counted on
    every value (every time step: a fill written at a few steps only, HadISST's sea ice in one
    winter, is not missed), by time step.

    Each block of a variable's data is read once and counted for all its values in one task
    (a reduction per value cost dask a graph each: a third of a second per file opened, for a
    dozen values of half a dozen variables, whatever the file's size); the blocks are dask's
    (:func:`climann.data.open.open_dataset`), so that no more than one is in memory per task.

    Returns
    -------
    dict
        Variable name → {fill-like value → :class:`FillLikeCount`}, only the values found.
    """
    return read_together(planned_fill_like_counts(dataset, names))[0]()


def planned_fill_like_counts(
    dataset: xr.Dataset, names: Sequence[str], *, shared: Sequence[str] = (),
    wholes: Mapping[str, float | None] | None = None,
) -> BlockReads:
    """The reads of :func:`fill_like_counts`, to be computed with other checks' (:func:`read_together`);
    the variables ``shared`` keep the keys of the file's reads (:func:`blocks_by_step`). The codes at
    the top of an integer type's range are found from the levels held, in the same read
    (:func:`_planned_top_codes`); ``wholes``: each variable's value of a whole in its units (100
    in ``%``: :func:`climann.data.units.full_scale`), so that a 0/1 field written in them holds no
    codes (:func:`~climann.data.top_codes.zero_and_one`); 1 for a variable not in it."""
    chosen, arrays, known = [], [], {}
    for name in names:
        variable = dataset[name]
        if variable.dtype.kind not in "fiu":
            continue
        known[name] = values = fill_like_values(variable)  # the sentinel codes' read passes them over
        if not values:
            continue
        time = time_dimension(variable)
        tables = [list(value.decoded) for value in values]
        centres = [float(value.decoded[0]) if _looked_at_near(value) else None for value in values]
        chosen.append((name, values, time))
        arrays.append((variable.data, None if time is None else variable.dims.index(time),
                       functools.partial(_counts_and_near_in_block, tables=tables, centres=centres),
                       2 * len(tables)))
    reads = planned_counts_by_step(arrays, shared=[name in shared for name, _, _ in chosen])
    tops = _planned_top_codes(dataset, names, shared=shared, wholes=wholes)
    sentinels = _planned_sentinel_codes(dataset, names, shared=shared, known=known)
    n_reads, n_tops = len(reads.tasks), len(tops.tasks)

    def finish(parts: Sequence[np.ndarray]) -> dict[str, dict[FillLike, FillLikeCount]]:
        codes, held_tops = tops.finish(parts[n_reads:n_reads + n_tops])
        found: dict[str, dict[FillLike, FillLikeCount]] = {}
        near: dict[tuple[str, FillLike], int] = {}
        for (name, values, time), counted in zip(chosen, reads.finish(parts[:len(reads.tasks)]), strict=True):
            counted, neighbours = counted[:len(values)], counted[len(values):]
            near.update({(name, value): int(by_step.sum()) for value, by_step in zip(values, neighbours, strict=True)})
            times = dataset[name][time].values if time is not None else np.array([])
            stamps = as_file_stamps(dataset[name], times)  # how each file's record names the steps
            for value, by_step in zip(values, counted, strict=True):
                if not int(by_step.sum()):
                    continue  # not held: its files need not be looked up
                if value.minimum_if_held is not None and (value.files, value.minimum_if_held) in held_tops[name]:
                    continue  # ECMWF's packing: the data's minimum (break39a F5)
                if (count := _counted(dataset[name], value, by_step, times, stamps)) is not None:
                    found.setdefault(name, {})[value] = count
        for name, values in codes.items():
            found.setdefault(name, {}).update(values)
        for name, values in sentinels.finish(parts[n_reads + n_tops:]).items():
            named = {form for value in found.get(name, {}) for form in value.decoded}  # a top code stays one
            found.setdefault(name, {}).update({value: count for value, count in values.items()
                                               if value.decoded[0] not in named})
        return _standing_apart(found, near)

    return BlockReads(reads.tasks + tops.tasks + sentinels.tasks, finish)


def _planned_sentinel_codes(dataset: xr.Dataset, names: Sequence[str], *, shared: Sequence[str] = (),
                            known: Mapping[str, list[FillLike]] | None = None) -> BlockReads:
    """The reads that find the codes of repeated digits far outside each variable's data
    (:mod:`climann.data.sentinel_codes`: IGRA2's -8888), the usual fill values passed over (counted by
    :func:`planned_fill_like_counts`); its answer: {name: {code: count}}, each code a :class:`FillLike`
    with ``apart_from``. Not the variables that declare their classes (``flag_values``, ``flag_masks``).
    ``known``: the :func:`fill_like_values` of variables already found (by
    :func:`planned_fill_like_counts`), not derived again."""
    known = known or {}
    tasks, places = [], []
    for number, name in enumerate(names):
        variable = dataset[name]
        if (variable.dtype.kind not in "fiu" or "flag_values" in variable.attrs
                or "flag_masks" in variable.attrs or not variable.size):
            continue
        time = time_dimension(variable)
        axis = None if time is None else variable.dims.index(time)
        values = known[name] if name in known else fill_like_values(variable)
        skip = sorted({float(form) for value in values for form in value.decoded})
        for block, offset in blocks_by_step(variable.data, axis, shared=name in shared):
            tasks.append(dask.delayed(block_ends)(block, axis, skip))
            places.append((number, offset))

    def finish(parts: Sequence) -> dict[str, dict[FillLike, FillLikeCount]]:
        found: dict[str, dict[FillLike, FillLikeCount]] = {}
        for number in dict.fromkeys(number for number, _ in places):
            name = names[number]
            variable = dataset[name]
            time = time_dimension(variable)
            times = variable[time].values if time is not None else np.array([])
            ends = [(part, offset) for (each, offset), part in zip(places, parts, strict=True) if each == number]
            for code, by_step, lowest, highest in standing_codes(*merged_ends(ends, max(times.size, 1))):
                decoded = np.asarray(code, dtype=variable.dtype)[()]
                value = FillLike(float(code), (decoded,), _stored_value(variable, decoded),
                                 apart_from=(lowest, highest))
                stamps = as_file_stamps(variable, times)
                if (count := _counted(variable, value, by_step, times, stamps)) is not None:
                    found.setdefault(name, {})[value] = count
        return found

    return BlockReads(tasks, finish)


def _counted(variable: xr.DataArray, value: FillLike, by_step: np.ndarray, times: np.ndarray,
             stamps: np.ndarray) -> FillLikeCount | None:
    """The :class:`FillLikeCount` of ``value`` held ``by_step`` (shape (n_time,); one step for a
    static field, ``times`` empty): the steps of its own files only (another file's values are
    data), out of the values of the files named in the message (those holding the steps found);
    None when its files hold none."""
    size = int(variable.size)
    if times.size:
        own = _in_files(variable, value, stamps)
        by_step = by_step * own
        holding = files_at(variable, times[np.flatnonzero(by_step)])
        checked = own & held_by(variable, stamps, holding)
        size = size // max(len(times), 1) * int(checked.sum())
    if not int(by_step.sum()):
        return None
    steps = times[np.flatnonzero(by_step)] if times.size else np.array([])
    return FillLikeCount(int(by_step.sum()), size, steps)


def _level_forms(variable: xr.DataArray) -> list[tuple[tuple[str, ...] | None, xr.DataArray, LevelForm]]:
    """The :class:`~climann.data.top_codes.LevelForm` of each group of the variable's files stored
    alike (:func:`~climann.data.file_encodings.file_encodings`; one for every file when all are),
    with those files (None: every file) and the variable as they store it: those of an integer
    type, not an unpacked class variable that declares its codes (CF ``flag_values`` or
    ``flag_masks``: MCD12Q1's land cover, whose top classes are classes; :mod:`climann.data.flags`)."""
    records = file_encodings(variable)
    whole = not records or any(record.times is None for record in records) or time_dimension(variable) is None
    stored = [(None, variable)] if whole else [(record.files, as_stored_in(variable, record)) for record in records]
    forms = []
    for files, stand_in in stored:
        encoding = stand_in.encoding
        packed = "scale_factor" in encoding or "add_offset" in encoding
        if not packed and ("flag_values" in stand_in.attrs or "flag_masks" in stand_in.attrs):
            continue
        if (form := level_form(encoding, read_type(stand_in))) is not None:
            forms.append((files, stand_in, form))
    return forms


def _planned_top_codes(dataset: xr.Dataset, names: Sequence[str], *, shared: Sequence[str] = (),
                       wholes: Mapping[str, float | None] | None = None) -> BlockReads:
    """The reads that find the codes at the top of each integer variable's type
    (:mod:`climann.data.top_codes`): each block's levels (:func:`~climann.data.top_codes.levels_in_block`),
    for each group of its files stored alike on their own steps; ``finish`` gives {name: {code:
    count}} (each code a :class:`FillLike` with ``code_of`` set) and {name: the (files, level) of
    each level of the window held, code or not} (ECMWF's packing holds its maximum at 32766,
    :attr:`FillLike.minimum_if_held`)."""
    tasks, places, chosen, changes, lows = [], [], [], [], []
    for name in names:
        variable = dataset[name]
        if variable.dtype.kind not in "fiu":
            continue
        time = time_dimension(variable)
        axis = None if time is None else variable.dims.index(time)
        times = variable[time].values if time is not None else np.array([])
        for files, stand_in, form in _level_forms(variable):
            steps = None
            if files is not None:
                record = next(record for record in file_encodings(variable) if record.files == files)
                steps = dates_in(as_file_stamps(variable, times), record.times)
            for block, start in blocks_by_step(variable.data, axis, shared=name in shared):
                tasks.append(dask.delayed(levels_in_block)(block, axis, form=form, steps=steps, start=start))
                places.append((len(chosen), start))
                changes.append((len(chosen), dask.delayed(first_and_change)(block, axis)))
                lows.append((len(chosen), dask.delayed(deepest_level)(block, axis, form=form, steps=steps,
                                                                       start=start)))
            chosen.append((name, files, stand_in, form, 1 if time is None else variable.sizes[time]))
    tasks += [task for _, task in changes] + [task for _, task in lows]

    def finish(parts: Sequence[tuple]) -> tuple[dict[str, dict[FillLike, FillLikeCount]], dict[str, set]]:
        windows = [np.zeros((TOP_WINDOW, n_steps), np.int64) for *_, n_steps in chosen]
        missing = [np.zeros(n_steps, np.int64) for *_, n_steps in chosen]
        below: list[list] = [[] for _ in chosen]
        steps: list[list] = [[] for _ in chosen]
        deepest = [-1 for _ in chosen]  # a variable packed over its type's whole range holds no codes (break48d A7)
        for (number, _), change in zip(changes, parts[len(places):len(places) + len(changes)], strict=True):
            steps[number].append(change)
        for (number, _), low in zip(lows, parts[len(places) + len(changes):], strict=True):
            deepest[number] = max(deepest[number], int(low))
        for (number, start), (window, gone, lower, counts) in zip(places, parts[:len(places)], strict=True):
            windows[number][:, start:start + window.shape[1]] += window
            missing[number][start:start + gone.size] += gone
            below[number].append((lower, counts))
        found: dict[str, dict[FillLike, FillLikeCount]] = {}
        held: dict[str, set] = collections.defaultdict(set)
        for number, (name, files, stand_in, form, _) in enumerate(chosen):
            held[name] |= {(files, form.top - int(level)) for level in np.flatnonzero(windows[number].sum(axis=1))}
            codes = top_codes(windows[number], missing[number], *merged_below(below[number]), form=form,
                              same_every_step=unchanging(steps[number]), whole=(wholes or {}).get(name, 1.0),
                              deepest=deepest[number])
            if codes is None:
                continue
            variable = dataset[name]
            time = time_dimension(variable)
            times = variable[time].values if time is not None else np.array([])
            stamps = as_file_stamps(variable, times)
            for value, level in _code_values(variable, stand_in, form, codes, files):
                if (count := _counted(variable, value, windows[number][level], times, stamps)) is not None:
                    found.setdefault(name, {})[value] = count
        return found, held

    return BlockReads(tasks, finish)


def _code_values(variable: xr.DataArray, stand_in: xr.DataArray, form: LevelForm, codes: TopCodes,
                 files: tuple[str, ...] | None) -> list[tuple[FillLike, int]]:
    """Each code of ``codes`` as a :class:`FillLike` of ``stand_in``'s files (its decoded value,
    converted as the data were; its stored value), with its distance from the type's highest
    level; those that are already a fill-like value of their own (netCDF's default fill of
    ``ushort``, 65535, the highest value of an unpacked ``short``) are left to that line."""
    kind, encoding = read_type(stand_in), stand_in.encoding
    name = {**NETCDF_TYPE_NAMES, **_BYTE_TYPE_NAMES}.get(kind.str[1:], str(kind))
    others = [form_ for item in fill_like_values(variable) if item.files == files for form_ in item.decoded]

    def decoded(level: int) -> np.generic:
        return unpacked(np.asarray(level, kind), encoding, stand_in.dtype)[()]

    top = None
    if codes.data_top is not None:
        level = form.top - codes.data_top
        top = float(converted_forms(decoded(level), encoding)[0])
        apart = (level, codes.gap, codes.below, codes.below_exact)
    found = []
    for distance in codes.codes:
        value = decoded(form.top - distance)
        forms = converted_forms(value, encoding)
        if any(form_ in others for form_ in forms):
            continue
        found.append((FillLike(form.top - distance, tuple(forms), _stored_value(stand_in, value), files=files,
                               code_of=name, data_top=top, apart=apart if top is not None else None,
                               fixed=distance in codes.fixed), distance))
    return found


#: How near a usual fill value the data's other values are looked for (:func:`_standing_apart`):
#: within this fraction of its magnitude (-99: from -103.95 to -94.05).
NEAR_FRACTION = 0.05


def _looked_at_near(value: FillLike) -> bool:
    """Whether :func:`_standing_apart` asks how many values lie near ``value``: a usual fill value,
    not a default fill, an extreme or a code of the stored type, nor 0 (nothing else is within
    5 % of it) nor :data:`REFUSED_AT_LEAST` and more."""
    return (value.default_of is None and value.extreme_of is None and value.code_of is None and value.apart_from is None
            and 0 < abs(float(value.decoded[0])) < REFUSED_AT_LEAST)


def _standing_apart(found: dict[str, dict[FillLike, FillLikeCount]],
                    near: Mapping[tuple[str, FillLike], int]) -> dict[str, dict[FillLike, FillLikeCount]]:
    """``found`` without the usual fill values (:data:`USUAL_FILL_VALUES`) that sit inside the data's
    distribution: those held no more often than the data's other values within
    :data:`NEAR_FRACTION` of them, all together. A fill value stands apart from the data: nothing
    near it (-99 mm of rain, -9999 K), or held far more often than its neighbours (-99 at every
    land cell of a sea-level field that reaches -99 mm elsewhere now and then). A value held as
    often as the values about it is one of them: whole-mm sea-level anomalies of -141…182 mm hold
    -99 at 10 of 18 432 values beside -101 (7), -100 (10) and -98 (2), and a 0.1 mm field -99.9 once
    (break42b A2: named a fill value, and the advised ncatted threw those real values away).
    Not the default fills and extremes of the stored type, nor the class codes (their own rules), nor
    0, nor the values of :data:`REFUSED_AT_LEAST` and more, which no quantity reaches
    (:func:`_looked_at_near`).

    The values near each candidate are counted in the same read as the candidates themselves
    (:func:`_counts_and_missing_in_block`): every value is read once.

    Parameters
    ----------
    found : dict
        :func:`fill_like_counts`'s answer.
    near : mapping of (name, value) to int
        The values of variable ``name`` within :data:`NEAR_FRACTION` of ``value``, other than it.

    Returns
    -------
    dict
        ``found`` without those values (and without a variable left with none).
    """
    inside = {(name, value) for name, values in found.items() for value, count in values.items()
              if _looked_at_near(value) and count.count <= near.get((name, value), 0)}
    for name, value in inside:
        _log.debug("'%s' holds %g at %d values and %d values within %g%% of it: data, not a fill value",
                   name, value.shown, found[name][value].count, near[(name, value)], 100 * NEAR_FRACTION)
    kept = {name: {value: count for value, count in values.items() if (name, value) not in inside}
            for name, values in found.items()}
    return {name: values for name, values in kept.items() if values}


def _marks(variable: xr.DataArray) -> dict[str, np.ndarray]:
    """The fill and missing value attributes the variable was read with, as given."""
    return {key: np.atleast_1d(variable.encoding[key]) for key in FILL_ATTRIBUTES if key in variable.encoding}


def _nan_fill(marks: dict[str, np.ndarray]) -> bool:
    """Whether the ``_FillValue`` among ``marks`` (:func:`_marks`) is NaN."""
    fill = marks.get("_FillValue")
    return fill is not None and np.asarray(fill).dtype.kind == "f" and bool(np.isnan(fill).all())


def _advice(name: str, variable: xr.DataArray, value: FillLike, also: Sequence[FillLike] = ()) -> str | None:
    """The ``-a`` of ``ncatted`` that marks ``value`` missing: a ``_FillValue`` where the
    variable has none, else a ``missing_value``, else its ``missing_value`` values and this one;
    with it the values ``also`` (others of the same files: IGRA2's -8888 beside an unmarked -9999),
    one ``missing_value`` of them all (two ``-a`` of one attribute keep the second's)."""
    if value.stored is None:
        return None
    return _marking_attribute(name, _stored_as(variable, value),
                              [value.stored, *(other.stored for other in also if other.stored is not None)])


def _marking_attribute(name: str, variable: xr.DataArray, values: Sequence[np.generic]) -> str:
    """The ``-a`` of ``ncatted`` that marks the stored ``values`` missing beside the marks the
    variable has: a ``_FillValue`` where it has none and one value is marked, else a
    ``missing_value`` with those it has (a ``_FillValue`` is one number, CF-1.8 §2.5.1: AMSR-E's
    codes 247 and 255 beside a ``missing_value`` of 253, 254 were advised as ``_FillValue``
    247,255, break43a A3). A ``_FillValue`` of NaN (xarray's default for floats, in the files of
    pandas' ``to_xarray().to_netcdf()``) marks nothing a float does not already hold as missing:
    one value takes its place. A ``missing_value`` of -999 beside it made a file that xarray
    reads but refuses to write ("conflicting _FillValue (nan) and missing_value"), so that
    climann's next xarray line on the copy failed (break44c A4)."""
    marks = _marks(variable)
    if _nan_fill(marks) and "missing_value" not in marks and len(set(values)) == 1:
        marks.pop("_FillValue")
    key = "missing_value" if "_FillValue" in marks or len(set(values)) > 1 else "_FillValue"
    stored = np.dtype(type(values[0]))
    kept = exact_cast(marks[key], stored) if key in marks else None  # a missing_value that marks nothing goes
    numbers = list(dict.fromkeys([*(() if kept is None else kept), *values]))
    return ncatted_attribute(key, name, "o", ncatted_type(stored), ",".join(ncatted_number(number, stored)
                                                                     for number in numbers))


def marking_fix(name: str, variable: xr.DataArray, decoded: float, *, also: Sequence[float] = ()) -> str | None:
    """The ``-a`` of ``ncatted`` that marks the decoded value ``decoded`` of a variable missing:
    a ``_FillValue`` where it has none, else a ``missing_value`` (with those it has), in the
    stored type (for packed data the packed value that unpacks to it exactly); None when no
    stored value is it. The decoded values ``also`` (other unmarked fill values it holds,
    each that a stored value is) are marked with it, so that one command marks them all:
    two commands that each write ``missing_value`` would keep only the second's.

    Parameters
    ----------
    name : str
        The variable's name in the file.
    variable : xarray.DataArray
        As opened (its packing, stored type and fill attributes in ``encoding``).
    decoded : float
        The value, in the data's units (0.0 for 0 K).

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> marking_fix("tos", xr.DataArray(np.zeros(2, "f4"), dims="x"), 0.0)
    '-a _FillValue,tos,o,f,0'
    """
    def stored(number: float) -> np.generic | None:
        typed = exact_cast(np.asarray(number), variable.dtype)
        return None if typed is None else _stored_value(variable, typed[()])

    if (value := stored(decoded)) is None:
        return None
    return _marking_attribute(name, variable, [*(other for other in map(stored, also) if other is not None), value])


def name_in_command(name: str, variable: xr.DataArray, times: np.ndarray, file: str | Path | None) -> str:
    """The variable's name in the file :func:`command_files` names, as that file holds it
    (:func:`~climann.data.sources.name_in_file`): ERA5's ``temp`` read as ``tas`` with a rename
    rule is marked by ``-a missing_value,temp,…`` (verify28 V1: ``…,tas,…`` changed nothing).

    Parameters
    ----------
    name : str
        The variable's name as read (after the renames).
    variable : xarray.DataArray
        As opened (the record of its files and their names in ``encoding``).
    times : numpy.ndarray
        Shape (n,): the time steps (coordinate values) of the values the command changes.
    file : str or Path or None
        The file meant when the variable does not record one file holding ``times``.

    Returns
    -------
    str
    """
    holding = files_at(variable, times)
    return name_in_file(variable, name, holding[0] if len(holding) == 1 else file)


def command_files(variable: xr.DataArray, times: np.ndarray, file: str | Path | None) -> str:
    """The input and output of a command that changes the values found at ``times``: the
    one file of the variable that holds those steps (:func:`~climann.data.sources.files_at`:
    of a series combined from an old packed file and newer float ones, the packed file), with
    its corrected copy beside it; ``file`` when the variable records none; ``IN.nc OUT.nc``
    when several files hold them and ``file`` is None.

    Parameters
    ----------
    variable : xarray.DataArray
        As opened.
    times : numpy.ndarray
        Shape (n,): time coordinate values.
    file : str or Path or None
        As for :func:`name_in_command`.

    Returns
    -------
    str
        The two file arguments (:func:`~climann.data.shell.input_and_copy`).
    """
    holding = files_at(variable, times)
    own = holding[0] if len(holding) == 1 else file
    return "IN.nc OUT.nc" if own is None else input_and_copy(own)


def command_target(variable: xr.DataArray, times: np.ndarray, file: str | Path | None) -> str | tuple[str, ...]:
    """What a command that changes the values found at ``times`` works on: the two file
    arguments of :func:`command_files`, or, when several files of the variable hold those steps
    (where :func:`command_files` has only ``IN.nc OUT.nc``), those files (a tuple), for a loop
    over them (:func:`marking_command`). Two variables of the same files get the same target,
    so one command serves both.

    Parameters
    ----------
    variable, times, file
        As for :func:`command_files`.

    Returns
    -------
    str or tuple of str
    """
    holding = files_at(variable, times)
    if len(holding) > 1 and file is None:
        return tuple(str(held) for held in holding)
    return command_files(variable, times, file)


def marking_command(attributes: Sequence[str], target: str | tuple[str, ...], *, folder: str = "missing_marked") -> str:
    """The command that makes the attribute changes ``attributes`` (ncatted's ``-a``) on the
    files of ``target`` (:func:`command_target`), with what to give in ``--data`` afterwards: the
    copies written into a new folder ``missing_marked`` beside the files, for one file its command
    on it and its copy there (:func:`~climann.data.shell.one_copy_advice`), for several one loop over
    them (:func:`~climann.data.shell.copies_of_files`), then the ``--data`` that takes the copies. A
    variable whose -9999 was held by two of its three files was told ``ncatted … IN.nc OUT.nc``,
    which names no file to run it on (fix45m); one file's copy written beside it (``a_fixed.nc``) was
    taken with it by a glob over their folder, and the run refused the two files of one variable
    (fix55a). Placeholders (``IN.nc OUT.nc``) and a Zarr store (changed in place) are given the
    command alone.

    Parameters
    ----------
    attributes : sequence of str
        ``-a att,var,mode,type,value`` words (:func:`~climann.data.shell.ncatted_attribute`).
    target : str or tuple of str
        As :func:`command_target` gives it.
    folder : str
        The new folder's name, saying what the copies' change is (``units_fixed`` for a units
        attribute: a copy relabelled in kelvin is no "missing_marked" one).

    Returns
    -------
    str
    """
    if isinstance(target, tuple):
        return copies_of_files(lambda words, _: attribute_command(attributes, words), target, name=folder)
    if users_file_copied(target) is None:  # placeholders, a Zarr store (changed in place), or no file there
        return f"{attribute_command(attributes, target)}{in_place_note(target)}"
    # one file's copy into a new folder too: beside the file, a glob over their folder took both (fix55a)
    return one_copy_advice(lambda files: f"`{attribute_command(attributes, files)}`", target, folder)


def _number(value: object) -> str:
    """A fill value as the messages show it: ``1e+20``, ``-999``, ``NaN``."""
    return "NaN" if np.isnan(float(value)) else f"{float(value):g}"


def _sentence(name: str, variable: xr.DataArray, where: str, value: FillLike, found: FillLikeCount) -> str:
    """What the variable holds and why it is used as data, without the command."""
    stored = _stored_as(variable, value)
    packed = "scale_factor" in stored.encoding or "add_offset" in stored.encoding
    decoded = float(value.decoded[0])
    if value.apart_from is not None:
        held = f"{value.shown:g}" + (f" (the packed value {value.stored})" if packed and value.stored is not None
                                     else "")
        kind = _apart_from_words(variable, value)
    elif value.default_of is None and value.extreme_of is None:
        held = f"{value.shown:g}" + (f" (the packed value {value.stored})" if packed and value.stored is not None
                                     else "")
        kind = f"a usual fill value ({USUAL_FILL_VALUES[value.shown]})"
    else:
        held = f"{decoded:g} (the packed value {value.shown})" if packed else f"{value.shown}"
        kind = (f"the netCDF default fill value of {value.default_of}" if value.default_of else
                f"{value.extreme_of}, a fill value of many writers,")
    marks = _marks(stored)
    unmarked = ("no _FillValue or missing_value marks as missing" if not marks else
                " or ".join(f"its {key} {', '.join(_number(v) for v in values)}" for key, values in marks.items())
                + " does not mark")
    reader = " (netCDF4-python masks a default fill; xarray and climann do not guess)" if value.default_of else ""
    which = ", which" if value.default_of else " which" if value.extreme_of else " that"
    steps = f", {steps_text(found.times)}" if found.times.size else ""
    holding = files_at(variable, found.times)  # those of its files that hold the steps found
    return (f"'{name}' in {files_text(holding) if holding else where} holds {held} at {found.count} of the "
            f"{found.size} values checked{steps}, {kind}{which} {unmarked}{reader}, so they are used as data")


def _apart_from_words(variable: xr.DataArray, value: FillLike) -> str:
    """Why a value of repeated digits far outside the data is taken for a code
    (:mod:`climann.data.sentinel_codes`): "a code of repeated digits 13913 m below the data's other
    values (5025 to 6002 m), farther than their whole range (as IGRA2's -8888, a value its quality
    assurance removed)"."""
    lowest, highest = value.apart_from
    units = f" {variable.attrs['units']}" if variable.attrs.get("units") else ""
    code = float(value.decoded[0])
    side = f"{lowest - code:g}{units} below" if code < lowest else f"{code - highest:g}{units} above"
    return (f"a code of repeated digits {side} the data's other values ({lowest:g} to {highest:g}{units}), farther "
            f"than their whole range (as IGRA2's -8888, a value its quality assurance removed, and ISD's 9999.9)")


def _codes_warning(name: str, variable: xr.DataArray, where: str, file: str | Path | None,
                   codes: Sequence[tuple[FillLike, FillLikeCount]], *, bound: tuple[float, str] | None = None) -> str:
    """The warning of a variable that holds codes at the top of its stored type's range
    (:mod:`climann.data.top_codes`), with the ``ncatted`` that marks them all missing (one
    ``missing_value`` of every code, beside the ``_FillValue``): MOD15's LAI without its
    valid_range read its land-cover codes 250, 253 and 254 as LAI 25.0, 25.3 and 25.4 m2/m2 at the
    same cells every step (break38b B3), MOD17's GPP its codes 32761-32766 as 3.2761-3.2766
    kgC/m2/8day (break40c C1), AMSR-E's SWE its codes 247 and 253-255 as 494-510 mm, of which
    247 and 255 move from step to step (break43a A3: named over three rounds of advice, 247 never).
    Codes above a gap that stands them apart from the data, some of them not at the same cells
    every step, are said so, with the data's highest value (:func:`_apart_words`). With ``bound``
    (:func:`~climann.data.bounded_quantities.upper_bound`, every code above it), the line of the
    refusal of :func:`refuse_codes_beyond_bound`."""
    codes = sorted(codes, key=lambda item: item[0].shown)
    value = codes[0][0]
    times = np.unique(np.concatenate([found.times for _, found in codes]))
    holding = files_at(variable, times)
    units = f" {variable.attrs['units']}" if variable.attrs.get("units") else ""
    held = ", ".join(f"{float(code.decoded[0]):g}" for code, _ in codes)
    packed = ", ".join(f"{code.shown}" for code, _ in codes)
    total = sum(found.count for _, found in codes)
    size = _checked_size(variable, [code for code, _ in codes], holding)
    stored_as = _stored_as(variable, value)
    is_packed = "scale_factor" in stored_as.encoding or "add_offset" in stored_as.encoding
    values = f"the packed values {packed}, " if is_packed else ""  # unpacked, the values held are the codes
    top = int(np.iinfo(read_type(stored_as)).max)
    stored = [code.stored for code, _ in codes if code.stored is not None]
    files = command_target(variable, times, file)
    marking = _marking_attribute(name_in_command(name, variable, times, file), _stored_as(variable, value), stored)
    apart = next((code for code, _ in codes if code.apart is not None), None)
    if apart is not None and not all(code.fixed for code, _ in codes):
        where_held = f"{steps_text(times)}: " if times.size else ": "
        why = _apart_words(apart, units, is_packed)
    else:
        per_step = total // max(len(times), 1)
        each = f"{per_step} at each" if per_step * len(times) == total else f"some {per_step} at each"
        where_held = f"{each} of its {len(times)} time steps: "
        why = ("class codes written at the same cells every step (as MODIS's land-cover codes: 248-254 beside LAI and "
               "FPAR, 32761-32766 beside GPP and ET)")
    return (f"'{name}' in {files_text(holding) if holding else where} holds {held}{units} ({values}"
            f"at the top of {value.code_of}'s range, whose highest is {top}) at {total} "
            f"of the {size} values checked, {where_held}{why}, which "
            f"no valid_range, _FillValue or missing_value marks, so they are used as data; if they are codes, mark "
            f"them missing: {marking_command([marking], files)}") if bound is None else (
        f"the target '{name}' in {files_text(holding) if holding else where} holds {held}{units} ({values}at the "
        f"top of {value.code_of}'s range) at {total} of the {size} values checked, {where_held}above "
        f"{bound[0]:g}{units}, which {bound[1]} say it cannot be: codes that no valid_range, _FillValue or "
        f"missing_value marks, which would be trained on and scored as truth; mark them missing: "
        f"{marking_command([marking], files)}")


def refuse_codes_beyond_bound(dataset: xr.Dataset, target: str, *, where: str, file: str | Path | None,
                              counts: dict[str, dict[FillLike, FillLikeCount]],
                              bound: tuple[float, str] | None) -> None:
    """Refuse, in one line, a target that holds codes at the top of its stored type's range
    (:mod:`climann.data.top_codes`) that all lie above the largest value its units or description
    allow (:func:`~climann.data.bounded_quantities.upper_bound`: 100 for a percentage, 1 for a
    fraction): no share of a whole is 211 %, so they are codes, and scored as truth they make
    every score (break44b B6: MOD10CM's 211/250/253/254 "percent" of snow cover, unmarked, gave
    an RMSE of 65.8 % where it is 0.77 % with them missing). The line gives the ``ncatted`` that
    marks them missing. Codes within the bound (LAI's 25.0-25.4 m2/m2 are values an LAI can
    take) are warned of and used (:func:`warn_fill_like_values`): the file does not say which.

    Parameters
    ----------
    dataset : xarray.Dataset
        As opened.
    target : str
        The run's target (absent: nothing to do).
    where, file
        As for :func:`warn_fill_like_values`.
    counts : dict
        :func:`fill_like_counts` of the target.
    bound : (float, str) or None
        The target's :func:`~climann.data.bounded_quantities.upper_bound` (None: nothing to do);
        given by the caller, as that module's imports lead back here.

    Raises
    ------
    ClimannError
        When every such code of the target lies above its bound.
    """
    codes = [(value, count) for value, count in counts.get(target, {}).items() if value.code_of is not None]
    if not codes or target not in dataset.data_vars or bound is None:
        return
    if all(float(value.decoded[0]) > bound[0] for value, _ in codes):
        raise ClimannError(_codes_warning(target, dataset[target], where, file, codes, bound=bound))


def _checked_size(variable: xr.DataArray, codes: Sequence[FillLike], holding: Sequence[str]) -> int:
    """How many values the counts of ``codes`` (together) were taken over: every step of the files
    ``holding`` (those the message names) that the files of any of the codes store, times the
    values of a step; every value of a static field. Each code's own :attr:`FillLikeCount.size`
    is over its own steps: MOD10CM's night code 211, held in the 6 winter months of 36, gave
    "75637 of the 120000 values checked" for codes counted over all 36 (break44b B6: 10.5 % of
    720 000, not 63 %)."""
    time = time_dimension(variable)
    if time is None:
        return int(variable.size)
    stamps = as_file_stamps(variable, variable[time].values)
    own = np.logical_or.reduce([_in_files(variable, code, stamps) for code in codes])
    checked = own & held_by(variable, stamps, holding) if holding else own
    return int(variable.size) // max(len(stamps), 1) * int(checked.sum())


def _apart_words(code: FillLike, units: str, packed: bool) -> str:
    """Why codes above a gap are taken for codes: "values standing apart above the data, whose
    highest is 480 mm (stored as 240): none is stored from 241 to 246, the 6 values between, while
    the data hold 707 values in the 6 below, as codes do (…)"."""
    level, gap, below, exact = code.apart
    stored = f" (stored as {level})" if packed else ""
    between = f"as {level + 1}, the value" if gap == 1 else f"from {level + 1} to {level + gap}, the {gap} values"
    return (f"values standing apart above the data, whose highest is {code.data_top:g}{units}{stored}: none is stored "
            f"{between} between, while the data hold {below}{'' if exact else ' or more'} values in the {gap} below, "
            f"as codes do (AMSR-E's "
            f"247-255 beside its snow water equivalent of 0-240, MODIS's 248-254 beside LAI and FPAR of 0-100)")


#: The magnitude from which a fill-like value held by a target or predictor is refused, not warned
#: about (:func:`refuse_huge_fill_like_values`): 1e30, above any measured or modelled quantity in
#: any unit climate data use (the air's 2.5e25 molecules per m3, the ocean's heat content of some
#: 1e25 J), and at or below the values that mark nothing else: netCDF's default fill 9.96921e36,
#: Ferret's -1e34, GrADS's -9.99e33, HadISST's -1e30 and the IRI Data Library's 1e30. Trained on,
#: one such value is the mean and spread of its variable (a predictor standardised by a sigma
#: of 1e36 is a constant to the network) and every score of a target (break17 F1: a "skill"
#: 0.40 computed from fills); CMIP's 1e20 stays a warning (its squares still fit a float64).
REFUSED_AT_LEAST = 1e30


def refuse_huge_fill_like_values(
    dataset: xr.Dataset, names: Sequence[str], *, where: str, file: str | Path | None,
    counts: dict[str, dict[FillLike, FillLikeCount]] | None = None,
) -> None:
    """Refuse a variable of ``names`` that holds a fill-like value of magnitude at least
    :data:`REFUSED_AT_LEAST` that no attribute marks missing: no quantity is that large, and the
    run would train on it and print scores computed from it; the message gives the ``ncatted``
    that marks it (one command for the variables of one file).

    Parameters
    ----------
    dataset, names, where, file, counts
        As for :func:`warn_fill_like_values`.

    Raises
    ------
    ClimannError
        For the first such variable.
    """
    present = [name for name in names if name in dataset.data_vars]
    counted = fill_like_counts(dataset, present) if counts is None else counts
    huge = {name: [(value, count) for value, count in found.items()
                   if abs(float(value.decoded[0])) >= REFUSED_AT_LEAST and value.code_of is None]
            for name, found in counted.items()}
    huge = {name: found for name, found in huge.items() if found}
    if not huge:
        return
    fixes = {}
    for name, found in huge.items():
        files = command_target(dataset[name], found[0][1].times, file)
        advice = _advice(name_in_command(name, dataset[name], found[0][1].times, file), dataset[name], found[0][0])
        if advice is not None:
            fixes.setdefault(files, []).append(advice)
    name, found = next(iter(huge.items()))
    value, count = max(found, key=lambda item: item[1].count)
    files = command_target(dataset[name], count.times, file)
    sentence = _sentence(name, dataset[name], where, value, count).replace(", so they are used as data", "")
    fix = fixes.get(files, [])
    command = f"; mark them missing: {marking_command(fix, files)}" if fix else ""
    raise ClimannError(f"{sentence}: no measured or modelled quantity reaches {REFUSED_AT_LEAST:g}, and trained on "
                       f"they would be its mean, spread and scores{command}")


def _most_found_per_files(found: dict[FillLike, FillLikeCount]) -> list[tuple[FillLike, FillLikeCount]]:
    """The value found most often in each group of files stored alike (one for a variable whose
    files all are): each group's its own line, with the command for its file."""
    most: dict[tuple[str, ...] | None, tuple[FillLike, FillLikeCount]] = {}
    for value, count in found.items():
        if value.files not in most or count.count > most[value.files][1].count:
            most[value.files] = (value, count)
    return list(most.values())


def warn_fill_like_values(
    dataset: xr.Dataset, names: Sequence[str], *, where: str, file: str | Path | None,
    counts: dict[str, dict[FillLike, FillLikeCount]] | None = None,
) -> None:
    """Warn, one line per variable, when a variable holds one of its :func:`fill_like_values`
    that no ``_FillValue`` or ``missing_value`` marks as missing: they are used as data (a
    field of 280 K with 1e20 over land would be trained on as it is), and climann does not
    guess; the warning gives the ``ncatted`` that marks them (NUG "Fill Values", CF §2.5.1),
    one command for the variables of one file.

    Parameters
    ----------
    dataset : xarray.Dataset
        As opened (fill values and valid ranges already NaN).
    names : sequence of str
        The variables to check (those absent are skipped).
    where : str
        The files, for the message, when the variable does not record its own
        (:func:`climann.data.sources.variable_where`).
    file : str or Path or None
        The file to name in the ``ncatted`` command, with its corrected copy beside it (see
        :func:`climann.data.shell.input_and_copy`), when the variable does not record its one
        file (:func:`climann.data.sources.variable_file`); None for data from several files
        (``IN.nc OUT.nc``).
    counts : dict, optional
        :func:`fill_like_counts` of ``names`` when the caller read them with other checks
        (:func:`read_together`); by default they are read here.
    """
    present = [name for name in names if name in dataset.data_vars]
    lines, line_names, fixes = [], [], {}
    counted = fill_like_counts(dataset, present) if counts is None else counts
    for name, found in counted.items():
        codes = [(value, count) for value, count in found.items() if value.code_of is not None]
        if codes:
            _log.warning("%s", with_store_notes(_codes_warning(name, dataset[name], where, file, codes)))
        found = {value: count for value, count in found.items() if value.code_of is None}
        for value, count in _most_found_per_files(found):
            files = command_target(dataset[name], count.times, file)
            also = [other for other in found if other.files == value.files and other != value
                    and other.stored is not None]  # one line, one command: every value of these files
            held = "".join(f", and {other.shown:g} at {found[other].count}" + (
                f" ({_apart_from_words(dataset[name], other)})" if other.apart_from is not None else "")
                for other in also)
            lines.append((_sentence(name, dataset[name], where, value, count) + held, files))
            line_names.append(name)
            advice = _advice(name_in_command(name, dataset[name], count.times, file), dataset[name], value, also)
            if advice is not None:
                fixes.setdefault(files, []).append(advice)
    given: dict[str | tuple[str, ...], str] = {}  # files → the variable whose line gave their one command
    for (sentence, files), name in zip(lines, line_names):
        fix = fixes.get(files, [])
        if fix and files in given:  # the same command again would write a second copy that changes nothing
            _log.warning("%s; if they are missing values, the command on the line of '%s' above marks them too",
                         sentence, given[files])
            continue
        given[files] = name
        if isinstance(files, str):  # a later line on this file's copy keeps these marks (rerun41 R7)
            note_advised_marks(files, fix)
        command = f"; if they are missing values: {marking_command(fix, files)}" if fix else ""
        together = f" (one command for the {len(fix)} variables of that file named here)" if len(fix) > 1 else ""
        _log.warning("%s", with_store_notes(f"{sentence}{command}{together}"))
