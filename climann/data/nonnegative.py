"""Negative values of quantities that cannot be negative: precipitation, snow, runoff, contents.

No rain falls upward: a precipitation of -5 mm/day is no measurement but a fault of the file (a
sign flipped in a conversion, an anomaly stored under the name of the field, a code), and a
network trained on it learns it. Many files hold tiny negatives all the same: regridding
(bicubic and patch interpolation overshoot near sharp edges), packing (a value one packing step
below 0) and the products themselves (ERA5's ``tp`` holds very small negative values, from its
GRIB encoding: ECMWF's "ERA5: data documentation", known issues). So negatives are never
refused nor masked: a variable whose most negative value lies below
:data:`NEGATIVE_TOLERANCE` times its largest absolute value is named in a warning
(:func:`warn_negative_values`) with how many values are negative, the most negative, the time
steps that hold values below that tolerance, and the ``ncap2`` that sets them to 0 or missing.

One negative value repeated exactly over many values (:data:`CODE_SHARE`,
:data:`CODE_MIN_REPEATS`) is a code, not a measurement: MRMS's -3 "no coverage" offshore, as
wgrib2 writes it, and -1, -9, -99 of other products. Its warning says so, with the value, how
many values hold it, their share of the values, of the cells of a step and of the steps, and
the ``ncatted`` that marks it missing beside the fill values the variable already has (for a
Zarr store, the line that edits its attributes: :func:`~climann.data.shell.attribute_command`),
not a command that sets it to 0: no coverage is no dry weather. Such a code is warned about,
not refused, as the fill-like values no attribute marks (-999, -9999:
:mod:`climann.data.value_checks`): its count is said, and what it stands for (no coverage,
below detection, a dry day) only the product's documentation tells.

Which variables cannot be negative (:func:`cannot_be_negative`):

- by ``standard_name`` (CF standard name table): :data:`NONNEGATIVE_STANDARD_NAMES`, amounts,
  fluxes and rates of precipitation and snowfall, ``lwe_thickness_of_`` an amount and ``lwe_``
  rates (not GRACE's bare ``lwe_thickness``, an anomaly from a mean period that its names do
  not call one), runoff, snow
  amounts, mass contents, mass and mole fractions, concentrations, specific humidity, and
  thicknesses (:data:`THICKNESS_STANDARD_NAMES`: ``surface_snow_thickness``, a snow depth,
  ``sea_ice_thickness``; break46d A3: 451 of 2191 predicted snow depths below 0, unwarned); but not
  evaporation or water fluxes (``water_evapotranspiration_flux`` is negative where dew forms;
  ``water_flux_into_sea_water`` either way), tendencies or changes (:data:`SIGNED_WORDS`);
- without a ``standard_name``, a snow water equivalent by its ``long_name`` or its name
  (:func:`climann.data.units.snow_amount_said`, the one reading of it, which also decides a
  state of water: "Snow Water Equivalent" of ESA Snow CCI and GlobSnow, "Surface Snow Amount",
  ``swe``, ``swe_average``, ``snw``) in units of a length or a mass per area;
- without a ``standard_name``, a thickness or a depth of snow or ice by its ``long_name``
  (:data:`THICKNESS_WORDS`: GHCN-Daily's "Snow depth", ERA5's ``licd`` "Lake ice total depth")
  whose units are a length or a mass per area by pint; else by the water quantity its name or ``long_name`` says
  (:func:`climann.data.units.water_quantity`, the reading that also decides which depths are
  of liquid water): the usual names of such fields (:data:`NONNEGATIVE_NAMES`: CMIP's ``pr``,
  ``mrro``, ``snw``, ERA5's ``tp``, ``precip``, ``precipitation``), or a ``long_name`` that
  says precipitation, rain, snowfall or runoff (wgrib2's MRMS ``PrecipRate_0mabovemeansealevel``,
  "Radar Precipitation Rate [mm/hr]") and no signed word ("precipitation minus evaporation"),
  unless it is a standardized index (:func:`standardized_index`: the SPI, a z-score computed
  from precipitation, or a dimensionless index);
- never a variable called an anomaly, a change or a difference
  (:func:`climann.data.units.described_as_anomaly`), nor a flag variable of classes or bits
  (CF-1.8 §3.5: ``flag_masks``, or ``flag_values`` in units "1" or none); a quantity in units
  whose ``flag_values`` stand beside its data (GlobSnow's SWE in mm, -2 and -1 for water and
  mountains) is judged as that quantity, so a negative code its flags do not list is warned of.

The values are counted in the pass that counts the fill-like values
(:mod:`climann.data.value_checks`), and the fill-like values themselves are left out: a -9999
is named by that warning, and a 1e20 over land would hide every negative behind its size.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import dask
import numpy as np
import xarray as xr

from climann.data.standard_names import standard_name_of
from climann.data.file_encodings import as_stored_in, commands_for_files, file_encodings, files_by_answer
from climann.data.fill_like import (BlockReads, blocks_by_step, command_files, command_target, fill_like_values,
                                   marking_command, marking_fix, name_in_command, read_together, steps_text,
                                   time_dimension)
from climann.data.shell import ncap2_name, ncatted_number, values_command
from climann.data.sources import as_file_stamps, files_at, files_text, held_by, name_in_file, source_files
# SNOW_AMOUNT_NAMES and SNOW_AMOUNT_WORDS: their home is climann.data.units (fix50c), re-exported here
from climann.data.units import (NONNEGATIVE_WATER_QUANTITIES, SNOW_AMOUNT_NAMES, SNOW_AMOUNT_WORDS,
                                 WATER_VARIABLE_NAMES, described_as_anomaly, snow_amount_said, water_quantity)

__all__ = ["INDEX_WORDS", "NEGATIVE_TOLERANCE", "NONNEGATIVE_NAMES", "NONNEGATIVE_STANDARD_NAMES", "NegativeValues",
           "SNOW_AMOUNT_NAMES", "SNOW_AMOUNT_WORDS", "STANDARDIZED_WORDS", "THICKNESS_STANDARD_NAMES",
           "THICKNESS_WORDS", "cannot_be_negative", "is_thickness", "negative_values", "planned_negative_values",
           "standardized_index", "warn_negative_values"]

_log = logging.getLogger(__name__)

#: How far below 0 a variable's most negative value may lie, as a fraction of its largest
#: absolute value, and be taken for rounding (not named): 1e-3, some 65 steps of a field packed
#: into shorts from 0 to its maximum (65534 steps), far beyond ERA5's tiny negatives of ``tp``
#: and a regridding's overshoot of a smooth field, and far above nothing of a real sign fault
#: (-5 mm/day in a field whose maximum is 300 mm/day is 1.7e-2).
NEGATIVE_TOLERANCE = 1e-3

#: How many of a variable's negative values one value must hold, at least, to be taken for a
#: code (MRMS's -3 "no coverage", -1, -9, -99) rather than measurements: half of them, and
#: :data:`CODE_MIN_REPEATS` values. A sign fault or an anomaly spreads its negatives over many
#: values; a code repeats one exactly.
CODE_SHARE = 0.5
#: The fewest repeats of one negative value that make it a code (:data:`CODE_SHARE`).
CODE_MIN_REPEATS = 10
#: How many of the most frequent negative values of each block are kept as candidate codes.
_CODE_CANDIDATES = 4

#: Parts of a CF ``standard_name`` that make a quantity that cannot be negative.
NONNEGATIVE_STANDARD_NAMES = re.compile(
    r"precipitation_(flux|amount|rate)|^lwe_thickness_of_|^lwe_\w*_rate$|snowfall|runoff|snow_amount|mass_content|"
    r"^mass_fraction_"
    r"|^mole_fraction_|concentration|^specific_humidity$"
)

#: A CF ``standard_name`` of a thickness: a length, never below 0 (break46d A3: 451 of 2191
#: predicted snow depths below 0, down to -132 mm, unwarned): ``surface_snow_thickness`` (a snow
#: depth), ``sea_ice_thickness``, ``land_ice_thickness``, ``ocean_mixed_layer_thickness``,
#: ``cell_thickness``; not GRACE's bare ``lwe_thickness`` (an anomaly from a mean period its
#: names do not call one), nor a tendency or a difference (:data:`SIGNED_WORDS`).
THICKNESS_STANDARD_NAMES = re.compile(r"(^|_)thickness(_|$)(?<!^lwe_thickness$)")

#: Words of a ``long_name`` (without a ``standard_name``) that name a thickness or a depth of snow
#: or ice: GHCN-Daily's SNWD "Snow depth", ERA5's ``licd`` "Lake ice total depth" and ``sde`` "Snow
#: depth", "Sea ice thickness". Such a variable cannot be negative when its units are a length or
#: a mass per area (a water equivalent) by pint (:func:`_thickness_units`).
THICKNESS_WORDS = re.compile(r"\bthickness\b|\b(snow|ice)\b(\s+\w+){0,2}\s+depth\b|\bdepth\s+of\s+(snow|ice)\b",
                             re.IGNORECASE)

#: Words of a ``standard_name`` (or of a ``long_name``, its blanks read as ``_``) that make it a
#: quantity that may be negative even so ("precipitation minus evaporation", "precipitation
#: bias", "precipitation trend").
SIGNED_WORDS = re.compile(r"evaporation|evapotranspiration|water_flux|tendency|change|anomaly|difference|"
                          r"divergence|transport|sublimation|minus|bias|error|residual|trend", re.IGNORECASE)

#: Names of fields that cannot be negative, for a variable without a ``standard_name``: those of
#: :data:`climann.data.units.WATER_VARIABLE_NAMES` whose quantity cannot be
#: (:data:`~climann.data.units.NONNEGATIVE_WATER_QUANTITIES`).
NONNEGATIVE_NAMES = frozenset(name for name, quantity in WATER_VARIABLE_NAMES.items()
                              if quantity in NONNEGATIVE_WATER_QUANTITIES)


#: Words of a name, ``long_name`` or ``description`` that make a variable a standardized index
#: (a z-score, half of whose values are negative), whatever quantity it is computed from: the
#: SPI and SPEI of climate-indices (``spi_gamma_03``) and xclim (``spi``, "Standardized
#: Precipitation Index (SPI)"), "z-score", "standardised anomaly"; their units are z-values.
STANDARDIZED_WORDS = re.compile(r"standardi[sz]ed|z[-_ ]?scores?|z[-_ ]?values?|normali[sz]ed such that|"
                                r"(?<![a-z])spe?i(?![a-z])", re.IGNORECASE)

#: Words of a ``long_name`` that call a variable an index: signed unless its units say an amount
#: (an "intensity index" in mm/day stays one; a dimensionless index is a z-score or a ratio).
INDEX_WORDS = re.compile(r"\bind(ex|ices)\b", re.IGNORECASE)

#: Units of a dimensionless number (CF's "1", none, or a plain dash).
_DIMENSIONLESS_UNITS = frozenset({"", "1", "-", "none", "dimensionless", "unitless"})


def standardized_index(name: str, attrs: Mapping) -> bool:
    """Whether a variable is a standardized index, signed whatever it is computed from: its
    name, ``long_name`` or ``description`` says so (:data:`STANDARDIZED_WORDS`: SPI, SPEI,
    "standardized", "z-score"; units ``z-values``), or its ``long_name`` calls it an index
    (:data:`INDEX_WORDS`) and its units are those of a dimensionless number. The SPI's
    ``long_name`` says "precipitation", which made it an amount that cannot be negative, and
    climann advised setting every dry anomaly to 0 (break34b B1).

    Parameters
    ----------
    name : str
        The variable's name.
    attrs : mapping
        Its attributes (``long_name``, ``description``, ``units``).

    Returns
    -------
    bool

    Examples
    --------
    >>> standardized_index("spi_gamma_03", {"long_name": "Standardized Precipitation Index (Gamma), 3-month"})
    True
    >>> standardized_index("sdii", {"long_name": "Simple daily precipitation intensity index", "units": "mm/day"})
    False
    """
    units = " ".join(str(attrs.get("units", "")).split()).lower()
    words = " ".join(str(attrs.get(key, "")) for key in ("long_name", "description"))
    if STANDARDIZED_WORDS.search(f"{name} {words} {units}"):
        return True
    return bool(INDEX_WORDS.search(str(attrs.get("long_name", "")))) and units in _DIMENSIONLESS_UNITS


def cannot_be_negative(name: str, variable: xr.DataArray) -> str | None:
    """What says ``variable`` cannot be negative, for the message (``"its standard_name
    precipitation_flux"``, ``"its name 'pr'"``); None when it may be (see the module's rules).

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> cannot_be_negative("pr", xr.DataArray(np.zeros(2), dims="x"))
    "its name 'pr'"
    >>> cannot_be_negative("evspsbl", xr.DataArray(np.zeros(2), dims="x", attrs={"standard_name":
    ...     "water_evapotranspiration_flux"})) is None
    True
    """
    attrs = variable.attrs
    if variable.dtype.kind not in "fiu" or "flag_masks" in attrs or ("flag_values" in attrs and _unitless(attrs)):
        return None
    if described_as_anomaly(name, attrs):
        return None
    standard = standard_name_of(attrs)  # cfgrib's placeholder "unknown" (ERA5's tp, CDS NetCDF) names none
    if standard:
        if ((NONNEGATIVE_STANDARD_NAMES.search(standard) or THICKNESS_STANDARD_NAMES.search(standard))
                and not SIGNED_WORDS.search(standard)):
            return f"its standard_name {standard}"
        return None
    long_name = " ".join(str(attrs.get("long_name", "")).split())
    if _thickness_words(name, attrs):
        return f"its long_name '{long_name}' (a thickness or depth, in {attrs['units']})"
    if (said := _snow_amount(name, attrs)) is not None:
        return said
    if water_quantity(name, attrs) not in NONNEGATIVE_WATER_QUANTITIES or standardized_index(name, attrs):
        return None
    if name.lower() in NONNEGATIVE_NAMES:
        return f"its name '{name}'"
    return None if SIGNED_WORDS.search(long_name.replace(" ", "_")) else f"its long_name '{long_name}'"


def _unitless(attrs: Mapping) -> bool:
    """Whether a variable's ``units`` are none or "1": with ``flag_values``, a class variable (land
    cover 1…17), whose codes are no amount; with units ("mm"), a quantity whose flags stand beside
    its data (CF-1.8 §3.5), judged as that quantity (fix50c: GlobSnow's SWE with ``flag_values``
    -2, -1 kept its other negative codes unwarned)."""
    return str(attrs.get("units", "")).strip() in ("", "1")


def _snow_amount(name: str, attrs: Mapping) -> str | None:
    """What says a variable without a ``standard_name`` is a snow water equivalent, for the
    message: its ``long_name`` or its name, as :func:`climann.data.units.snow_amount_said` reads
    them (the one reading, shared with :func:`~climann.data.units.is_water_state`), without a
    signed word in its ``long_name``, in units of a length or a mass per area
    (:func:`_thickness_units`); None otherwise."""
    long_name = " ".join(str(attrs.get("long_name", "")).split())
    if SIGNED_WORDS.search(long_name.replace(" ", "_")) or not _thickness_units(name, attrs.get("units")):
        return None
    said = snow_amount_said(name, attrs)
    if said == "long_name":
        return f"its long_name '{long_name}' (a snow water equivalent, in {attrs['units']})"
    if said == "name":
        return f"its name '{name}' (a snow water equivalent, in {attrs['units']})"
    return None


def _thickness_words(name: str, attrs: Mapping) -> bool:
    """Whether a variable without a ``standard_name`` is a thickness or a depth of snow or ice by
    its ``long_name`` (:data:`THICKNESS_WORDS`, no signed word) and its units (:func:`_thickness_units`)."""
    long_name = " ".join(str(attrs.get("long_name", "")).split())
    return bool(THICKNESS_WORDS.search(long_name) and not SIGNED_WORDS.search(long_name.replace(" ", "_"))
                and _thickness_units(name, attrs.get("units")))


def is_thickness(name: str, variable: xr.DataArray) -> bool:
    """Whether :func:`cannot_be_negative` holds ``variable`` nonnegative as a thickness alone (its
    ``standard_name``, :data:`THICKNESS_STANDARD_NAMES`, or its ``long_name`` and units) rather than
    as an amount: 0 is then its lower bound, but a value data hold only as a thickness of something
    that may be absent (snow, ice, rain), which the words of the substance tell; an ocean's mixed
    layer is never 0 thick over the sea (:mod:`climann.data.constant_cells`)."""
    standard = standard_name_of(variable.attrs)
    if standard:
        return bool(THICKNESS_STANDARD_NAMES.search(standard)) and not NONNEGATIVE_STANDARD_NAMES.search(standard)
    return _thickness_words(name, variable.attrs)


def _thickness_units(name: str, units: object) -> bool:
    """Whether ``units`` are a length (``mm``, ``m``, ``cm``) or a mass per area (``kg m-2``: a snow
    depth as its water equivalent), by pint's dimensionality (:func:`climann.data.units.parse_units`);
    False when absent or unreadable."""
    import pint

    from climann.errors import ClimannError
    from climann.data.units import parse_units

    if units is None:
        return False
    try:
        dimensions = dict(parse_units(str(units), variable=name).dimensionality)
    except (ClimannError, pint.PintError):  # unreadable units say no kind
        return False
    return dimensions in ({"[length]": 1}, {"[mass]": 1, "[length]": -2})


@dataclass(frozen=True)
class NegativeValues:
    """The negative values of a variable that cannot hold any, counted on every value.

    Attributes
    ----------
    count : int
        The values below 0 (fill-like values left out).
    size : int
        Every value read.
    lowest : float
        The most negative value.
    largest : float
        The largest absolute value (fill-like values left out).
    times : numpy.ndarray
        The time steps that hold a value below ``-NEGATIVE_TOLERANCE * largest`` (their
        coordinate values); empty for a static field.
    code : float or None
        One negative value beyond rounding that holds at least :data:`CODE_SHARE` of the
        negative values, and :data:`CODE_MIN_REPEATS` of them: a code, not a measurement.
    code_counts : numpy.ndarray or None
        Shape (n_steps,): how many values are ``code`` (or one of ``other_codes``) at each time
        step (one number for a static field); ``code_counts / step_size`` is the share of the
        cells of each step.
    step_size : int
        The values of one time step (the cells).
    other_codes : tuple of float
        The other codes, when ``code`` and they, each repeated :data:`CODE_MIN_REPEATS` times
        at least, hold every negative value: GlobSnow's -1 (water) beside -2 (mountains).
    lowest_other : float or None
        The most negative value besides ``code`` and ``other_codes`` (the code's warning names it,
        not the code itself: fix49i); None without a code, ``inf`` when the codes are every
        negative value. A code some block holds without holding it among its
        :data:`_CODE_CANDIDATES` most repeated negatives would count there as another value.
    """

    count: int
    size: int
    lowest: float
    largest: float
    times: np.ndarray
    code: float | None = None
    code_counts: np.ndarray | None = None
    step_size: int = 0
    other_codes: tuple[float, ...] = ()
    lowest_other: float | None = None

    @property
    def beyond_rounding(self) -> bool:
        """Whether the most negative value lies below :data:`NEGATIVE_TOLERANCE` times the largest
        absolute value: no rounding of packing or regridding."""
        return self.lowest < -NEGATIVE_TOLERANCE * self.largest


def _negative_in_block(block: np.ndarray, time_axis: int | None, excluded: Sequence) -> tuple:
    """How many values of ``block`` are below 0 at each time step, the lowest value at each step,
    the largest absolute value (NaN, ``-inf``, ``+inf`` and the ``excluded`` values left out),
    shapes (n_steps,), (n_steps,), (), the candidate codes (:func:`_repeated_negatives`) and the
    lowest value at each step besides the candidates, shape (n_steps,) (the code's warning names
    the lowest of the other values: the candidates not chosen are put back in by the caller). A
    finite block with no negative value and no excluded one costs two reductions. ``±inf`` are
    missing values counted by :mod:`climann.data.infinite_values`: counted here too, ``-inf`` was
    a negative value twice over and the lowest, and ``+inf`` the largest, which put every
    negative within rounding."""
    block = np.asarray(block)
    n_steps = 1 if time_axis is None else block.shape[time_axis]
    if not block.size or np.isnan(low := np.fmin.reduce(block, axis=None)):
        return np.zeros(n_steps, dtype=np.int64), np.full(n_steps, np.inf), 0.0, {}, np.full(n_steps, np.inf)
    high = np.fmax.reduce(block, axis=None)
    excluded = [value for value in excluded if low <= value <= high]
    if low >= 0 and not excluded and np.isfinite(high):
        return np.zeros(n_steps, dtype=np.int64), np.full(n_steps, np.inf), float(high), {}, np.full(n_steps, np.inf)
    kept = np.isfinite(block) if block.dtype.kind == "f" else np.ones(block.shape, dtype=bool)
    if excluded:
        kept &= ~np.isin(block, excluded)
    if not kept.any():
        return np.zeros(n_steps, dtype=np.int64), np.full(n_steps, np.inf), 0.0, {}, np.full(n_steps, np.inf)
    others = tuple(axis for axis in range(block.ndim) if axis != time_axis)
    negative = (block < 0) & kept
    lowest = np.where(kept, block, np.inf).min(axis=others if time_axis is not None else None)
    counts = negative.sum(axis=others) if time_axis is not None else negative.sum()
    largest = float(np.abs(block[kept]).max())
    # a code lies beyond rounding of the whole variable, so beyond that of this block: rounding
    # negatives (ERA5's tp holds them in every block) are no candidates and cost no count
    limit = -NEGATIVE_TOLERANCE * largest
    candidates = (_repeated_negatives(block, negative & (block < limit), others if time_axis is not None else None)
                  if np.min(lowest) < limit else {})
    besides = lowest  # the lowest besides the candidates: read again only when there are any
    if candidates:
        besides = np.where(kept & ~np.isin(block, list(candidates)), block, np.inf).min(
            axis=others if time_axis is not None else None)
    return (np.asarray(counts, dtype=np.int64).reshape(-1), np.asarray(lowest, dtype=np.float64).reshape(-1),
            largest, candidates, np.asarray(besides, dtype=np.float64).reshape(-1))


def _repeated_negatives(block: np.ndarray, negative: np.ndarray, others: tuple | None) -> dict[float, np.ndarray]:
    """The :data:`_CODE_CANDIDATES` values of ``block`` where ``negative`` that it holds most often, each with how
    many times at each time step (summed over the axes ``others``; one number for a static
    field, ``others`` None): shape (n_steps,). A value outside a block's candidates is counted
    there as 0, which only a code no block holds most often would miss."""
    values, repeats = np.unique(block[negative], return_counts=True)
    if not values.size:
        return {}
    chosen = values[np.argsort(repeats, kind="stable")[::-1][:_CODE_CANDIDATES]]
    return {float(value): np.asarray((block == value).sum(axis=others), dtype=np.int64).reshape(-1)
            for value in chosen}


def _code(candidates: dict[float, np.ndarray], checked: np.ndarray, count: int,
          limit: float) -> tuple[tuple[float, ...], np.ndarray | None]:
    """The candidate value (:func:`_repeated_negatives`, their counts summed over the blocks)
    below ``limit`` (rounding) that holds at least :data:`CODE_SHARE` of the ``count`` negative
    values of the steps ``checked`` and :data:`CODE_MIN_REPEATS` of them, with its counts at
    those steps (summed with those of the other codes); ``((), None)`` when no value is repeated
    so. The other candidates repeated :data:`CODE_MIN_REPEATS` times are codes too when, with
    it, they hold every negative value (GlobSnow's -2 mountains and -1 water, break49b A2): the
    command that marks one left the other trained on as data."""
    totals = {value: int(counts[checked].sum()) for value, counts in candidates.items() if value < limit}
    if not totals:
        return (), None
    ranked = sorted(totals, key=lambda value: (-totals[value], value))
    if totals[ranked[0]] < max(CODE_MIN_REPEATS, CODE_SHARE * count):
        return (), None
    repeated = [value for value in ranked if totals[value] >= CODE_MIN_REPEATS]
    codes = repeated if sum(totals[value] for value in repeated) == count else ranked[:1]
    return tuple(codes), np.sum([candidates[value][checked] for value in codes], axis=0)


def _steps_named(variable: xr.DataArray, time: str | None, below: np.ndarray) -> np.ndarray:
    """Which steps the warning counts, shape (n_steps,): those of the files that hold the steps
    ``below`` rounding (:func:`~climann.data.sources.files_at`), which it names, not those of
    every file read with them (verify28 V3, as the fill-like values: verify26 G3); every step
    of a static field, or when no step is below rounding or the files are not recorded."""
    if time is None:
        return np.ones(1, dtype=bool)
    times = variable[time].values
    return held_by(variable, as_file_stamps(variable, times), files_at(variable, times[below]))


def planned_negative_values(dataset: xr.Dataset, names: Sequence[str], *, shared: Sequence[str] = ()) -> BlockReads:
    """The reads of :func:`negative_values`, to be computed with other checks'
    (:func:`~climann.data.fill_like.read_together`); the variables ``shared`` keep the keys of
    the file's reads (:func:`~climann.data.fill_like.blocks_by_step`)."""
    chosen, tasks, places = [], [], []
    for name in names:
        if name not in dataset.data_vars or cannot_be_negative(name, variable := dataset[name]) is None:
            continue
        time = time_dimension(variable)
        axis = None if time is None else variable.dims.index(time)
        excluded = [float(form) for value in fill_like_values(variable) for form in value.decoded]
        count = functools.partial(_negative_in_block, excluded=excluded)
        for block, offset in blocks_by_step(variable.data, axis, shared=name in shared):
            tasks.append(dask.delayed(count)(block, axis))
            places.append((len(chosen), offset))
        chosen.append((name, time))

    def finish(parts: Sequence[tuple]) -> dict[str, NegativeValues]:
        sizes = [1 if time is None else dataset[name].sizes[time] for name, time in chosen]
        counts = [np.zeros(size, dtype=np.int64) for size in sizes]
        lowest = [np.full(size, np.inf) for size in sizes]
        besides = [np.full(size, np.inf) for size in sizes]
        largest = [0.0 for _ in chosen]
        candidates: list[dict[float, np.ndarray]] = [{} for _ in chosen]
        for (number, offset), (count, low, large, repeated, other) in zip(places, parts, strict=True):
            counts[number][offset:offset + count.size] += count
            np.minimum(lowest[number][offset:offset + low.size], low, out=lowest[number][offset:offset + low.size])
            held = besides[number][offset:offset + other.size]
            np.minimum(held, other, out=held)
            largest[number] = max(largest[number], large)
            for value, repeats in repeated.items():
                candidates[number].setdefault(value, np.zeros(sizes[number], dtype=np.int64))
                candidates[number][value][offset:offset + repeats.size] += repeats
        found = {}
        for number, (name, time) in enumerate(chosen):
            if not counts[number].sum():
                continue
            below = lowest[number] < -NEGATIVE_TOLERANCE * largest[number]
            checked = _steps_named(dataset[name], time, below)
            times = dataset[name][time].values[below] if time is not None else np.array([])
            step_size = int(dataset[name].size) // len(checked)
            count = int(counts[number][checked].sum())
            codes, code_counts = _code(candidates[number], checked, count, -NEGATIVE_TOLERANCE * largest[number])
            lowest_other = None
            if codes:  # the candidates that are no code, put back at the steps that hold them
                other = besides[number].copy()
                for value, repeats in candidates[number].items():
                    if value not in codes:
                        other[repeats > 0] = np.minimum(other[repeats > 0], value)
                lowest_other = float(other[checked].min())
            found[name] = NegativeValues(count, step_size * int(checked.sum()), float(lowest[number][checked].min()),
                                         largest[number], times, codes[0] if codes else None, code_counts, step_size,
                                         codes[1:], lowest_other)
        return found

    return BlockReads(tasks, finish)


def negative_values(dataset: xr.Dataset, names: Sequence[str]) -> dict[str, NegativeValues]:
    """The negative values of each variable of ``names`` that cannot be negative
    (:func:`cannot_be_negative`), counted on every value, each block read once.

    Returns
    -------
    dict
        Variable name → :class:`NegativeValues`, only the variables that hold any.
    """
    return read_together(planned_negative_values(dataset, names))[0]()


def _fixes(name: str, variable: xr.DataArray) -> tuple[str, str | None]:
    """The ``ncap2`` scripts that set the negative values to 0, and to missing (a fill value the
    variable has, else 1e20 marked as its ``_FillValue``; None for data stored as integers)."""
    word = ncap2_name(name)
    zero = f"where({word} < 0) {word} = 0"
    encoding = variable.encoding
    if any(key in encoding for key in ("_FillValue", "missing_value")):
        return zero, f"where({word} < 0) {word} = {word}.get_miss()"
    stored = np.dtype(encoding.get("dtype", variable.dtype))
    if stored.kind != "f" or "scale_factor" in encoding or "add_offset" in encoding:
        return zero, None
    fill = ncatted_number(1e20, stored) + ("f" if stored == np.float32 else "")
    return zero, f"where({word} < 0) {word} = {fill}; {word}.set_miss({fill})"


def _to_missing(script: str | None, files: str) -> str:
    """The ``ncap2`` of ``script`` (:func:`_fixes`) on ``files``; for files that store the
    variable as integers, which have no value to mark missing, the words that say so."""
    return _command(script, files) if script else "none (stored as integers: set them to 0)"


#: An ncap2 script of :func:`_fixes`: ``where(NAME < 0) NAME = VALUE`` and what follows.
_FIX_SCRIPT = re.compile(r"where\((?P<name>.+) < 0\) (?P=name) = (?P<value>[^;]+)")


def _command(script: str, files: str) -> str:
    """The ``ncap2`` of ``script`` (:func:`_fixes`) on ``files``; for a Zarr store, the xarray
    line that does the same in a copy of it (:func:`~climann.data.shell.values_command`): 0,
    or missing (NaN, written as the store's fill value)."""
    found = _FIX_SCRIPT.match(script)
    name = found["name"].strip("'")
    value = "0" if found["value"] == "0" else "float('nan')"
    statement = f"d[{name!r}] = d[{name!r}].where(~(d[{name!r}] < 0), {value})"
    return values_command([script], [statement], files)


def _scripts_by_file(name: str, variable: xr.DataArray, holding: Sequence[str],
                     script: Callable[[str, xr.DataArray], Hashable]) -> list[tuple[tuple[str, ...], Hashable]]:
    """``script(name in the file, the variable as the file stores it)`` for each of the files
    ``holding``, the files of one script together, fewest first: ``[((), script)]`` when it is
    one file (the command is on it), the one group of them all when several have one script (a
    loop over them, :func:`~climann.data.file_encodings.commands_for_files`; fix45b: the command
    was on ``IN.nc OUT.nc``). Each file's own name (:func:`~climann.data.sources.name_in_file`: ``tp`` of the
    ERA5 file read as ``pr``, verify28 V3) and stored form (its fill value or none,
    :func:`~climann.data.file_encodings.as_stored_in`)."""
    stored = {path: as_stored_in(variable, record) for record in file_encodings(variable) for path in record.files}
    groups = files_by_answer(((path,), script(name_in_file(variable, name, path), stored.get(path, variable)))
                             for path in holding)
    return groups if len(groups) > 1 or len(holding) > 1 else [((), groups[0][1])]


def _commands(name: str, variable: xr.DataArray, times: np.ndarray, file: str | Path | None) -> tuple[str, str]:
    """The ``ncap2`` commands that set the negative values found at ``times`` to 0 and to missing
    (``""`` when no file can mark them missing), on the files that hold those steps, each naming
    the variable as that file holds it: one command when they hold it alike, else one per file
    or group of files (``for a.nc: …; for b.nc: …``)."""
    holding = files_at(variable, times)
    if not holding:  # its files not recorded (built in memory): the name and file the caller gives
        own = name_in_command(name, variable, times, file)
        zero, missing = [((), _fixes(own, variable)[0])], [((), _fixes(own, variable)[1])]
    else:
        zero = _scripts_by_file(name, variable, holding, lambda own, stored: _fixes(own, stored)[0])
        missing = _scripts_by_file(name, variable, holding, lambda own, stored: _fixes(own, stored)[1])
    every = len(holding) == len(source_files(variable))
    files = command_files(variable, times, file)
    # the two ways are alternatives: each its own folder of copies (fix54b: both wrote fixed/, the second refused)
    to_zero = commands_for_files(zero, lambda script, files: _command(script, files), files=files,
                                 every_file=every, copies=ZERO_COPIES_FOLDER)
    if not any(script for _, script in missing):
        return to_zero, ""
    return to_zero, commands_for_files(missing, _to_missing, files=files, every_file=every,
                                       copies=MISSING_COPIES_FOLDER)


#: The folders of the copies with the negative values set to 0, and set missing (:func:`_commands`):
#: each way its own, so that either can be run, or both, each reading the original.
ZERO_COPIES_FOLDER, MISSING_COPIES_FOLDER = "negatives_zero", "negatives_missing"


def _said_by_names(name: str, variable: xr.DataArray, holding: Sequence[str]) -> str | None:
    """What says ``variable`` cannot be negative (:func:`cannot_be_negative`), with the name
    each of the files ``holding`` gives it rather than the name it was read as (break29a: ``tp``
    of ERA5's file read as ``pr`` is "its name 'tp'", not "its name 'pr'", which no file holds).

    Parameters
    ----------
    name : str
        The variable's name as read (after the renames).
    variable : xarray.DataArray
        As opened (the record of its files and their names in ``encoding``).
    holding : sequence of str
        The files that hold the values meant; empty when none is recorded (``name`` is then said).

    Returns
    -------
    str or None
        ``"its name 'tp'"``, ``"its names 'tp' in a.nc, 'precip' in b.nc"``, ``"its name 'var228' in
        a.nc, read as 'pr'"`` (a name that says nothing by itself); the standard_name's words
        unchanged; None when the variable may be negative.
    """
    said = cannot_be_negative(name, variable)
    owns = {path: name_in_file(variable, name, path) for path in holding}
    distinct = list(dict.fromkeys(owns.values()))
    if said is None or not said.startswith("its name") or not distinct or distinct == [name]:
        return said
    listed = all(own.lower() in NONNEGATIVE_NAMES for own in distinct)
    if len(distinct) == 1 and listed:
        return f"its name '{distinct[0]}'"
    by_file = ", ".join(f"'{own}' in {files_text([path for path, held in owns.items() if held == own])}"
                        for own in distinct)
    return f"its name{'s' if len(distinct) > 1 else ''} {by_file}" + ("" if listed else f", read as '{name}'")


def _code_steps(variable: xr.DataArray, negative: NegativeValues) -> np.ndarray:
    """The time steps (coordinate values) that hold the code of ``negative``: those of the steps
    checked (:func:`_steps_named`) whose count of it is not 0; empty for a static field."""
    time = time_dimension(variable)
    if time is None:
        return np.array([])
    checked = _steps_named(variable, time, np.isin(variable[time].values, negative.times))
    return variable[time].values[checked][negative.code_counts > 0]


def _code_warning(name: str, variable: xr.DataArray, negative: NegativeValues, *, where: str,
                  file: str | Path | None, unmarked: Sequence[float] = ()) -> str:
    """The warning about a code (:attr:`NegativeValues.code`): how many values it is, the share of
    the values, of the cells of a step and of the steps, what says the variable cannot be
    negative, and the ``ncatted`` that marks it missing (with the fill values the variable
    has and the fill values ``unmarked`` that it holds unmarked, one command for all; for a
    Zarr store the line that edits its attributes,
    :func:`~climann.data.shell.attribute_command`), else the ``ncap2`` that sets it to missing."""
    units = f" {variable.attrs['units']}" if variable.attrs.get("units") else ""
    repeats = int(negative.code_counts.sum())
    times = _code_steps(variable, negative)
    holding = files_at(variable, times)
    shares = negative.code_counts[negative.code_counts > 0] / max(negative.step_size, 1)
    widest = f"{100 * shares.max():.3g} %"
    cells = (f"{widest} of the cells" if np.isclose(shares.min(), shares.max()) else f"up to {widest} of the cells")
    steps = (f"{cells} at {times.size} of the {negative.code_counts.size} time steps" if times.size
             else f"{cells} of the field")
    others = negative.count - repeats
    # the lowest of the OTHER values, not the code's own (fix49i: "down to -9" of a code -9 beside a -5)
    rest = f"; {others} other negative values, down to {negative.lowest_other:g}{units}" if others else ""
    mark = marking_fix(name_in_command(name, variable, times, file), variable, negative.code,
                       also=[*negative.other_codes, *unmarked])
    unmarked_words = ", ".join(f"{value:g}" for value in unmarked)
    if mark is not None and unmarked and unmarked_words in mark:
        mark_note = f" (which marks {unmarked_words} too)"
    else:
        mark_note = ""
    if mark is not None:
        # one file's copy or a loop over the files that hold it (fix45m: not IN.nc OUT.nc), in a new folder (fix55a)
        target = command_target(variable, times, file)
        advice = f"if it marks missing values{mark_note}: {marking_command([mark], target)}"
    else:
        advice = f"to set it to missing: {_commands(name, variable, times, file)[1] or 'none (set it in the source)'}"
    several = bool(negative.other_codes)
    if several:
        codes = [f"{code:g}" for code in (negative.code, *negative.other_codes)]
        values, repeated = f"the values {', '.join(codes[:-1])} and {codes[-1]}{units}", f"{repeats} times in all"
        code_words = "negative values each repeated so are codes"
    else:
        values, repeated = f"the value {negative.code:g}{units}", f"{repeats} times"
        code_words = "one negative value repeated so is a code"
    measured = "not measurements, and they are" if several else "not a measurement, and it is"
    if several:
        advice = advice.replace("if it marks missing values", "if they mark missing values")
    return (f"'{name}' in {files_text(holding) if holding else where} holds {values} "
            f"{repeated} ({100 * repeats / negative.size:.3g} % of the {negative.size} values checked; {steps}), "
            f"which {_said_by_names(name, variable, holding)} says it cannot hold: {code_words} "
            f"(no coverage, no data, below detection), {measured} used as data{rest}; {advice}")


def warn_negative_values(
    dataset: xr.Dataset, names: Sequence[str], *, where: str, file: str | Path | None,
    found: dict[str, NegativeValues] | None = None, unmarked: dict[str, Sequence[float]] | None = None,
) -> None:
    """Warn, one line per variable, when a variable that cannot be negative holds negative values
    beyond rounding (:data:`NEGATIVE_TOLERANCE`): they are used as data as they are; the warning
    names the files that hold them and gives the ``ncap2`` that sets them to 0 or missing, on
    those files, with the variable's name in each.

    Parameters
    ----------
    dataset : xarray.Dataset
        As opened.
    names : sequence of str
        The variables to check (those absent are skipped).
    where : str
        The files, for the message, when the variable does not record its own.
    file : str or Path or None
        The file to name in the command when the variable does not record its one file; None
        for data from several files (``IN.nc OUT.nc``).
    found : dict, optional
        :func:`negative_values` of ``names`` when the caller read them with other checks; by
        default they are read here.
    unmarked : dict, optional
        Variable name → the fill-like values it holds that nothing marks (decoded,
        :func:`~climann.data.fill_like.fill_like_counts`): the command that marks a code marks
        them too.
    """
    present = [name for name in names if name in dataset.data_vars]
    found = negative_values(dataset, present) if found is None else found
    for name, negative in found.items():
        if not negative.beyond_rounding:
            continue
        variable = dataset[name]
        if negative.code is not None:
            _log.warning("%s", _code_warning(name, variable, negative, where=where, file=file,
                                             unmarked=(unmarked or {}).get(name, ())))
            continue
        holding = files_at(variable, negative.times)
        units = f" {variable.attrs['units']}" if variable.attrs.get("units") else ""
        limit = -NEGATIVE_TOLERANCE * negative.largest
        steps = f", below {limit:g}{units} {steps_text(negative.times)}" if negative.times.size else ""
        to_zero, to_missing = _commands(name, variable, negative.times, file)
        _log.warning(
            "'%s' in %s holds %d negative values of the %d values checked, down to %g%s (%.3g of its largest absolute "
            "value %g%s: beyond the rounding of packing or regridding, which stays within %g of it)%s, which %s says "
            "it cannot hold, so they are used as data; to set them to 0: %s%s",
            name, files_text(holding) if holding else where, negative.count, negative.size, negative.lowest, units,
            -negative.lowest / negative.largest, negative.largest, units, NEGATIVE_TOLERANCE, steps,
            _said_by_names(name, variable, holding), to_zero, f", or to missing: {to_missing}" if to_missing else "",
        )
