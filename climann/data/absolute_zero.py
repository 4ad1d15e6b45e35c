"""Temperatures at or below absolute zero: codes, read as missing.

No temperature lies below absolute zero (0 K, -273.15 degC, -459.67 degF), so a value of a
temperature below it cannot be a temperature: it is a code. Nor is one at absolute zero a
measured or modelled temperature (the third law of thermodynamics: it is never reached; no
air, sea or land surface in a climate model or an observation comes near it), while land
stored as exactly 0 in an ocean temperature in K written without a fill value is common
(break13 F1: a ``tos`` in K with its 30 land cells at 0.0 was trained on, test climatology MSE
0.244307 over 4608 values instead of 0.282911 over 3888). So a value at absolute zero is read
as missing too, by the same rules: it is one code (a few different values at most, below).
A temperature difference (below) may be 0 and is never masked; nor is a variable whose
``cell_methods`` make it a difference (``standard_deviation``, ``range``: CF-1.8 Appendix E,
whose units are those of the variable: a standard deviation of SST under sea ice is 0 K). The Met Office's HadISST1
(``HadISST_sst.nc``, Rayner et al. 2003, doi:10.1029/2002JD002670) marks the grid boxes covered
by sea ice with -1000 in its ``sst`` of ``units = "C"``, beside the ``_FillValue`` -1e30 of land,
and no attribute says so: read as data, the -1000 °C "temperatures" enter every mean, baseline
and loss (a test-period mean SST of -115 °C instead of 15 °C). So:

- a variable whose units are a temperature on a scale (pint's dimensionality ``[temperature]``:
  ``K``, ``degC``, ``C``, ``degF``; :func:`climann.data.units.parse_units`) has its values at or
  below absolute zero in those units read as missing, lazily, in every file as it is opened
  (:func:`climann.data.masking.mask_invalid`, the one place that also applies the valid range),
  so that every route (in memory, streamed, on a cluster, ``info``) reads the same values;
- not a temperature difference: ``units_metadata = "temperature: difference"`` (CF-1.11
  §3.1.2), ``cell_methods`` of a standard deviation or a range
  (:data:`climann.data.temperature_readings.DIFFERENCE_METHODS`), or,
  when it does not say ``on_scale``, a variable called an anomaly, a change or a difference
  (:func:`climann.data.units.described_as_anomaly`): -5 K is an anomaly, not a code; nor one
  called a bias, an error, an uncertainty, a standard deviation or a spread
  (:func:`climann.data.units.described_as_error`: GHRSST's ``sses_bias`` in "kelvin", -0.8 K
  where clouds cool the retrieval, was read 69 % missing instead of its 4 % of land); nor
  climann's own ``T_error`` and ``T_spread`` of predictions files written before they said so
  (:func:`climann.data.run_outputs.is_own_difference`: known by climann's exact ``long_name``);
- nor a flag variable (``flag_values`` or ``flag_masks``, CF-1.8 §3.5), whose values are
  classes whatever units it carries (a ``frozen`` 0/1 made from a ``tas`` keeps its ``K``);
- one warning per variable and run (:func:`warn_below_absolute_zero`, where a run checks its
  target and predictors for fill-like values: opening reads nothing) names the values, how
  many of the values checked (every value of the files that hold them), the time
  steps that hold them (HadISST's -1000 in one winter is not missed: routes16 F2) and the
  ``ncatted`` that
  states it in the file: for values below, a ``valid_min`` (or the low end of its
  ``valid_range``) at absolute zero in the data's units, in the type that says so (the data's
  type; for packed data the unpacked type, NUG "Attribute Conventions",
  :mod:`climann.data.masking`); for values at absolute zero, which a ``valid_min`` there keeps
  valid, a ``_FillValue`` (or ``missing_value``) of that value in the stored type
  (:func:`climann.data.fill_like.marking_fix`);
- codes are a few values (at most :data:`CODES_AT_MOST` different ones: HadISST's one -1000,
  a land's 0 K). Many different values at or below absolute zero are no codes but a quantity
  whose units do not say what it is (an anomaly in ``K`` not called one): refused, with the
  ``units_metadata`` that says it is a difference.

Only absolute zero itself is so read: land stored as 0.0 in a temperature in degC (0 °C is a
sea surface temperature, and a land's value) cannot be told from data, and is left as it is.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import dask
import numpy as np
import xarray as xr

from climann.data.averaged_codes import averaged_code_refusal, codes_among, says_temperature_on_scale
from climann.data.file_encodings import every_file_records
from climann.data.fill_like import (BlockReads, blocks_by_step, marking_fix, read_together, steps_text,
                                   time_dimension)
from climann.data.notes import note_once, unsaid_records
from climann.data.shell import copies_of_files, ncatted_attribute, attribute_command, ncatted_number, ncatted_type
from climann.data.sources import files_text, name_in_file
from climann.data.temperature_readings import DIFFERENCE, difference_by_cell_methods, temperature_reading
from climann.data.units import parse_units, unit_registry
from climann.errors import ClimannError

__all__ = ["BELOW_ABSOLUTE_ZERO_KEY", "CODES_AT_MOST", "HADISST_SEA_ICE", "BelowAbsoluteZero", "absolute_zero",
           "masked_below_absolute_zero", "planned_below_absolute_zero", "warn_below_absolute_zero"]

_log = logging.getLogger(__name__)

#: The most different values at or below absolute zero that are read as codes (missing) rather than
#: refused as a quantity that is no temperature on its scale.
CODES_AT_MOST = 5

#: HadISST1's value of a sea-ice grid box in its ``sst`` (degC).
HADISST_SEA_ICE = -1000.0


def absolute_zero(name: str, variable: xr.DataArray | xr.Variable) -> float | None:
    """Absolute zero in a variable's units, if its values are temperatures on a scale.

    Parameters
    ----------
    name : str
        The variable's name (an anomaly may say so only there: ``tas_anom``).
    variable : xarray.DataArray or xarray.Variable
        Decoded; its ``units`` and ``units_metadata`` are read.

    Returns
    -------
    float or None
        ``0.0`` for ``K``, ``-273.15`` for ``degC`` or ``C``, ``-459.67`` for ``degF`` (``0.1 K``:
        0.0 in tenths of a kelvin); None for units that are not a temperature, that cannot be
        read (refused where they are converted), for temperature differences, standard
        deviations and ranges, and for flag variables (see the module's rules).
    """
    units = variable.attrs.get("units")
    if units is None or not str(units).strip() or variable.dtype.kind not in "fiu":
        return None
    if "flag_values" in variable.attrs or "flag_masks" in variable.attrs:
        return None  # classes (CF §3.5), whatever their units
    reading = temperature_reading(name, variable.attrs)  # None: no temperature, or units unread
    if reading is None or reading.kind == DIFFERENCE:
        return None
    # on purpose beyond temperature_reading (units_metadata first): a standard deviation or range, even said on_scale
    if difference_by_cell_methods(variable.attrs):
        return None
    quantity = parse_units(str(units), variable=name)
    zero = unit_registry().Quantity(0.0, "kelvin").to(quantity.units).magnitude / quantity.magnitude
    return float(np.round(zero, 10))  # -459.66999999999996 degF is -459.67


@dataclass(frozen=True)
class BelowAbsoluteZero:
    """What opening a file read as missing at or below absolute zero in one of its variables, kept
    in the masked variable's ``encoding`` (:data:`BELOW_ABSOLUTE_ZERO_KEY`) for the warning,
    which reads the values only when the run checks its inputs (the data layer stays lazy).

    Attributes
    ----------
    zero : float
        Absolute zero in the variable's units in that file.
    sample : dask.array.Array
        The variable's values as read before that mask, every value of the file (lazy; read
        block by block when the run checks its inputs).
    file : str or None
        The file (``encoding["source"]``).
    units : str
        Its units there.
    fix : str
        The ``-a`` of ``ncatted`` that states absolute zero as the lowest valid value.
    fix_at_zero : str or None
        The ``-a`` of ``ncatted`` that marks absolute zero itself missing (a ``_FillValue`` or
        ``missing_value``: a ``valid_min`` there keeps it valid); None when no stored value
        is exactly it (packed data).
    time_axis : int or None
        The axis of ``sample`` that is time; None for a static field.
    times : numpy.ndarray or None
        The time steps of ``sample`` (coordinate values), for the message; None for a static field.
    own_name : str
        The variable's own name in the file, for the commands ("" when not renamed).
    theirs : str
        The variable's ``Units`` (HDF-EOS's, IMERG's) where it names another temperature scale
        than its ``units`` (:func:`~climann.data.attribute_names.disagreeing_units_warning`),
        else ``""``: values below absolute zero in the ``units`` may be temperatures in these.
    standard_name : str
        Its ``standard_name`` (``""`` if none): one of a temperature on its scale is never offered
        the reading as differences (:mod:`climann.data.averaged_codes`).
    history : str
        The file's global ``history`` (``""`` if none), whose CDO line is given again with a code
        averaged in masked first (:func:`climann.data.averaged_codes.cdo_masked_command`).
    """

    zero: float
    sample: object
    file: str | None
    units: str
    fix: str
    fix_at_zero: str | None = None
    time_axis: int | None = None
    times: np.ndarray | None = None
    own_name: str = ""
    theirs: str = ""
    standard_name: str = ""
    history: str = ""


#: The key, in a masked variable's ``encoding``, of its :class:`BelowAbsoluteZero`. Encoding,
#: not attributes: it describes the file read, and xarray does not write keys it does not know
#: into an output file.
BELOW_ABSOLUTE_ZERO_KEY = "climann_below_absolute_zero"

#: The new folders of the copies the commands write for a variable's files (:func:`_commands`):
#: absolute zero said to be missing, or the values said to be temperature differences.
_MISSING_FOLDER, _DIFFERENCES_FOLDER = "absolute_zero_marked", "temperature_differences"

#: The new folder of the copies read in their ``Units`` (:func:`_their_scale`).
_UNITS_FOLDER = "units_fixed"

#: How far below absolute zero (in the variable's units) a few values may lie and still be
#: temperature differences (a warming hole's −0.3 K in a change field): the warning then also
#: gives the ``units_metadata`` that keeps them. Anomalies of monthly and daily means stay
#: within ±30 K; HadISST's −1000 °C and packed fills do not.
ANOMALY_AT_MOST = 30.0


def _fix(name: str, variable: xr.DataArray, zero: float, high: float | None) -> str:
    """The ``-a`` of ``ncatted`` that makes absolute zero the lowest valid value: ``valid_min``
    (or ``valid_range`` with its maximum kept, when the variable has one), in the unpacked type
    for packed data, else in the data's (a double for integers, which cannot hold -273.15: NUG,
    a limit of the unpacked type is in the data's units; :mod:`climann.data.masking`)."""
    encoding = variable.encoding
    packing = [encoding[key] for key in ("scale_factor", "add_offset") if key in encoding]
    kind = np.result_type(*[np.asarray(value).dtype for value in packing]) if packing else \
        np.dtype(encoding.get("dtype", variable.dtype))
    if kind.kind != "f":
        kind = np.dtype("f8")
    if "valid_range" in variable.attrs and high is not None and np.isfinite(high):
        numbers = f"{ncatted_number(zero, kind)},{ncatted_number(high, kind)}"
        return ncatted_attribute("valid_range", name, "o", ncatted_type(kind), numbers)
    return ncatted_attribute("valid_min", name, "o", ncatted_type(kind), ncatted_number(zero, kind))


def _difference_attribute(name: str) -> str:
    """The ``-a`` of ``ncatted`` that says ``name`` holds temperature differences (CF 1.11
    section 3.1.2, ``units_metadata``)."""
    return ncatted_attribute("units_metadata", name, "o", "c", "temperature: difference")


def _commands(attributes_of: Callable[[BelowAbsoluteZero], list[str]], records: Sequence[BelowAbsoluteZero],
              name: str) -> str:
    """The ``ncatted`` that makes the changes ``attributes_of(record)`` to each of the variable's
    files (``records``, one per file, each with the variable's own name there): on one file a copy
    beside it, on several a loop writing their copies into a new folder (``name``) and the
    ``--data`` that takes them (:func:`climann.data.shell.copies_of_files`: a copy of the first
    file alone left a folder mixed, rerun38 N5); ``IN.nc OUT.nc`` when the data name no file."""
    by_file = {found.file: found for found in records if found.file}
    if not by_file or len(by_file) < len(records):  # built in memory, or files not all known
        return attribute_command(attributes_of(records[0]), "IN.nc OUT.nc")
    return copies_of_files(lambda arguments, file: attribute_command(attributes_of(by_file[file]), arguments),
                           list(by_file), name=name)


def _warning(
    name: str, found: BelowAbsoluteZero, values: np.ndarray, counts: np.ndarray, times: np.ndarray, *,
    size: int, holders: Sequence[str | None], records: Sequence[BelowAbsoluteZero] = ()
) -> str | None:
    """The warning about the values at or below absolute zero of a variable: ``values`` the
    different ones found in every value read (``size`` of them), ``counts`` how many times each
    is there (most first), ``times`` the time steps that hold them (empty for a static field),
    ``holders`` the files that hold them; ``found`` the record of the first; ``records`` those of
    every file of the variable, whose copies the commands write (default: ``found`` alone);
    None when there are none.

    Raises
    ------
    ClimannError
        When they are more than :data:`CODES_AT_MOST` different values: no codes.
    """
    if not values.size:
        return None
    named = [file for file in holders if file]
    where = files_text(named) if named else "the data"
    records = records or [found]
    zero, units = found.zero, found.units
    at, below = bool((values == zero).any()), bool((values < zero).any())
    side = "at or below" if at and below else "at" if at else "below"

    def difference() -> str:  # called only where said: a loop's new folder is handed out once
        return _commands(lambda record: [_difference_attribute(record.own_name or name)], records,
                         _DIFFERENCES_FOLDER)

    if values.size > CODES_AT_MOST:
        raise ClimannError(f"'{name}' in {where} holds {values.size} different values {side} absolute zero ({zero:g} "
                           f"{units}), from {values.min():g} to {values.max():g}, at {counts.sum()} of the {size} "
                           f"values checked{_no_codes(name, values, counts, found, records)}")
    shown = " and ".join(f"{value:g}" for value in values)
    hadisst = " (HadISST marks sea ice so)" if HADISST_SEA_ICE in values and zero == -273.15 else ""

    def fixes(record: BelowAbsoluteZero) -> list[str]:
        return [*([record.fix] if below else []), *([record.fix_at_zero] if at and record.fix_at_zero else [])]

    in_files = "the files" if len(records) > 1 else "the file"
    said = f"; to say so in {in_files}: {_commands(fixes, records, _MISSING_FOLDER)}" if fixes(found) else ""
    if below and values.min() >= zero - ANOMALY_AT_MOST:  # a difference whose names do not call it one?
        said += f"; if '{name}' holds temperature differences (changes, anomalies), say so instead: {difference()}"
    steps = f", {steps_text(times)}" if times.size else ""
    return (
        f"'{name}' in {where} holds {shown} at {counts.sum()} of the {size} values checked{hadisst}{steps}, {side} "
        f"absolute zero ({zero:g} {units}), which no {'measured or modelled ' if at else ''}temperature can be, so "
        f"they are read as missing{said}"
    )


def _no_codes(name: str, values: np.ndarray, counts: np.ndarray, found: BelowAbsoluteZero,
              records: Sequence[BelowAbsoluteZero]) -> str:
    """The end of the refusal of many different values below absolute zero (``values``, ``counts``
    of each, most first; ``found`` the record of the first file holding them, ``records`` those of
    every file of the variable):
    a code averaged into means where one is among them or they lie far below absolute zero
    (:mod:`climann.data.averaged_codes`), else a quantity that is no temperature on its scale; the
    reading as temperature differences offered only where the ``standard_name`` does not name a
    temperature on its scale, or with that ``standard_name`` removed (it would say otherwise)."""
    codes = codes_among(values, counts)
    on_scale = says_temperature_on_scale(found.standard_name)

    def difference(removed: bool) -> str:  # called only where said: a loop's new folder is handed out once
        def attributes(record: BelowAbsoluteZero) -> list[str]:
            own = record.own_name or name
            gone = removed and says_temperature_on_scale(record.standard_name)
            return [_difference_attribute(own), *([ncatted_attribute("standard_name", own, "d")] if gone else [])]
        return _commands(attributes, records, _DIFFERENCES_FOLDER)

    if codes or values.min() < found.zero - ANOMALY_AT_MOST:
        reading = (f" (nor are they temperature differences: its standard_name '{found.standard_name}' names a "
                   "temperature on its scale)" if on_scale else "")
        averaged = averaged_code_refusal(name, codes, zero=found.zero, units=found.units, lowest=float(values.min()),
                                         file=found.file, history=found.history, reading=reading)
        if on_scale:
            return f"{averaged}{_their_scale(name, values, records)}"
        return (f"{averaged}; or, if they are temperature differences (anomalies), say so: {difference(False)}"
                f"{_their_scale(name, values, records)}")
    named = (f" (nor can its standard_name '{found.standard_name}', which names a temperature on its scale, stay: "
             "the line below removes it)" if on_scale else "")
    return (f": not a few codes but values of something other than a temperature on the scale of its units "
            f"'{found.units}'{named}; if they are temperature differences (anomalies), say so: {difference(True)}"
            f"{_their_scale(name, values, records)}")


def masked_below_absolute_zero(
    dataset: xr.Dataset, limits: dict[str, tuple[float, float]], *, given: xr.Dataset | None = None
) -> xr.Dataset:
    """One file's dataset with each temperature's values at or below absolute zero set to NaN (see
    the module's rules), each such variable recording what was masked
    (:data:`BELOW_ABSOLUTE_ZERO_KEY`) for :func:`warn_below_absolute_zero`.

    Lazy: nothing is read; the mask is part of the dask graph.

    Parameters
    ----------
    dataset : xarray.Dataset
        One file as opened, its valid range already applied.
    limits : dict
        Variable name → its valid limits in its units, for the variables that have them: a
        ``valid_min`` above absolute zero has masked them already (nothing to do; one at it
        keeps absolute zero itself valid).
    given : xarray.Dataset, optional
        The file before its valid range was applied, whose attributes (``valid_range``) the
        advised command keeps; by default ``dataset``.

    Returns
    -------
    xarray.Dataset
    """
    import dask.array as da  # imported here: ~0.2 s that a process opening no file need not pay

    given = dataset if given is None else given
    masked, blanked, records = {}, {}, {}
    for name, variable in dataset.data_vars.items():
        zero = absolute_zero(str(name), variable)
        low, high = limits.get(str(name), (-np.inf, None))
        if zero is None or low > zero:
            continue
        original = given[name] if name in given.data_vars else variable
        time, own = time_dimension(variable), name_in_file(variable, str(name))
        records[name] = BelowAbsoluteZero(zero, da.asarray(variable.data),
                                          variable.encoding.get("source"), str(variable.attrs.get("units")),
                                          _fix(own, original, zero, high), marking_fix(own, original, zero),
                                          None if time is None else variable.dims.index(time),
                                          None if time is None else variable[time].values, own,
                                          _other_scale(variable), str(variable.attrs.get("standard_name", "")),
                                          str(dataset.attrs.get("history", "")))
        if variable.dtype.kind == "f":  # one dask operation per file and variable, not xarray's three
            blanked[name] = _blanked(variable.data, zero)
            continue
        kept = variable.where(~(variable <= zero))  # integers: xarray's promotion to a type that holds NaN
        kept.attrs, kept.encoding = dict(variable.attrs), dict(variable.encoding)
        masked[name] = kept
    if not records:
        return dataset
    # values replaced in a shallow copy of every variable (no alignment: the same variables on
    # the same coordinates), whose encodings are then its own to add the records to
    result = dataset.assign(masked) if masked else dataset
    result = result.copy(deep=False, data={name: blanked.get(name, result[name].data) for name in result.data_vars})
    for name, found in records.items():
        result.variables[name].encoding = {**result.variables[name].encoding, BELOW_ABSOLUTE_ZERO_KEY: found}
    return result


def _other_scale(variable: xr.DataArray) -> str:
    """The variable's ``Units`` where it is a temperature scale other than its ``units`` (``degC``
    beside ``K``), else ``""`` (see :attr:`BelowAbsoluteZero.theirs`)."""
    from climann.data.attribute_names import same_units

    units, theirs = variable.attrs.get("units"), variable.attrs.get("Units")
    if not isinstance(theirs, str) or not isinstance(units, str) or same_units(str(units), theirs) is not False:
        return ""
    try:
        return theirs if parse_units(theirs, variable="").check("[temperature]") else ""
    except ClimannError:
        return ""


def _their_scale(name: str, values: np.ndarray, records: Sequence[BelowAbsoluteZero]) -> str:
    """``; or they are temperatures in its Units 'degC' …`` with the ``ncatted`` that reads them so, when the
    variable's ``Units`` names a scale above whose absolute zero all ``values`` lie; else ``""``."""
    theirs = records[0].theirs
    if not theirs:
        return ""
    quantity = parse_units(theirs, variable=name)
    zero = float(unit_registry().Quantity(0.0, "kelvin").to(quantity.units).magnitude / quantity.magnitude)
    if not values.min() > zero:
        return ""
    command = _commands(lambda record: [ncatted_attribute("units", record.own_name or name, "o", "c", theirs),
                                        ncatted_attribute("Units", record.own_name or name, "d")], records,
                        _UNITS_FOLDER)
    return (f"; or they are temperatures in its Units '{theirs}' (HDF-EOS's attribute, which says otherwise than "
            f"its CF units, read first), where the lowest, {values.min():g} {theirs}, lies above absolute zero "
            f"({zero:g} {theirs}): {command}")


def _blanked_block(block: np.ndarray, zero: float) -> np.ndarray:
    """A block of floating-point values with those at or below ``zero`` set to NaN (NaN stays NaN;
    ``-inf`` stays ``-inf``: :func:`_at_or_below`)."""
    return np.where(_at_or_below(block, zero), np.nan, block).astype(block.dtype, copy=False)


def _at_or_below(block: np.ndarray, zero: float) -> np.ndarray:
    """Where ``block`` is at or below ``zero`` and finite: ``-inf`` is no temperature code but an
    infinite value, missing everywhere as ``+inf`` is and said as such
    (:mod:`climann.data.infinite_values`; fix37c: an SPEI-like ``-inf`` in a ``tas`` was called
    "below absolute zero", its ``+inf`` an infinite value)."""
    return (block <= zero) & (block != -np.inf)


def _blanked(values: object, zero: float) -> object:
    """:func:`_blanked_block` of every value, lazily for a dask array (one ``map_blocks``: in
    a series of 730 daily files, xarray's ``where`` of ``~(variable <= zero)`` built three
    dask operations per file and variable, ~15 % of opening them, issue 15)."""
    if hasattr(values, "map_blocks"):
        return values.map_blocks(_blanked_block, zero, dtype=values.dtype)
    return _blanked_block(np.asarray(values), zero)


def warn_below_absolute_zero(
    dataset: xr.Dataset, names: Sequence[str], *, messages: Callable[[], dict[str, str]] | None = None
) -> None:
    """Warn, once per variable and run, when a variable of ``names`` held values at or below
    absolute zero that opening read as missing (:func:`masked_below_absolute_zero`): the
    values, how many of the values checked (every value of the files that hold them) and
    at which time steps, that HadISST marks sea ice with -1000, and the ``ncatted`` that says so in the
    file; the variables are read in one computation.

    Parameters
    ----------
    dataset : xarray.Dataset
        As opened (:func:`climann.data.open.open_dataset`).
    names : sequence of str
        The variables to check (those absent, or not masked so, are skipped).
    messages : callable, optional
        The answer of :func:`planned_below_absolute_zero` of ``names`` when the caller read
        them with other checks (:func:`~climann.data.fill_like.read_together`); by default they
        are read here.

    Raises
    ------
    ClimannError
        If a variable holds more than :data:`CODES_AT_MOST` different values at or below
        absolute zero: no codes, but a quantity that is no temperature on its scale (an anomaly not
        said to be one).
    """
    if messages is None:
        messages = read_together(planned_below_absolute_zero(dataset, names))[0]
    for name, message in messages().items():
        note_once(_log, logging.WARNING, message, key=("below absolute zero", name))


def planned_below_absolute_zero(dataset: xr.Dataset, names: Sequence[str], *, once: bool = True) -> BlockReads:
    """The reads of :func:`warn_below_absolute_zero`, to be computed with other checks'
    (:func:`~climann.data.fill_like.read_together`); their answer is each warning by variable
    (none for a variable that held none), and raises the ``ClimannError`` of that function.
    ``once``: leave out the variables warned of already in the run (``climann info`` says why
    a variable's values are missing whatever was said before: ``once=False``)."""
    chosen = (unsaid_records(dataset, names, BELOW_ABSOLUTE_ZERO_KEY, "below absolute zero") if once else
              {name: dataset[name].encoding[BELOW_ABSOLUTE_ZERO_KEY] for name in dict.fromkeys(names)
               if name in dataset.data_vars and BELOW_ABSOLUTE_ZERO_KEY in dataset[name].encoding})
    files_of = {name: every_file_records(dataset[name], BELOW_ABSOLUTE_ZERO_KEY) for name in chosen}
    reads = _planned_below_by_step([found for records in files_of.values() for found in records])

    def finish(parts: Sequence[object]) -> dict[str, str]:
        read, messages = iter(reads.finish(parts)), {}
        for name, records in files_of.items():
            message = _message_of(name, records, [next(read) for _ in records])
            if message is not None:
                messages[name] = message
        return messages

    return BlockReads(reads.tasks, finish)


def _message_of(name: str, records: Sequence[BelowAbsoluteZero], read: Sequence[tuple]) -> str | None:
    """The warning about one variable from what each of its files' records read (values, counts,
    counts by step); None when none held any."""
    each, steps, holding = {}, [], []
    for found, (values, counts, by_step) in zip(records, read, strict=True):
        for value, count in zip(values.tolist(), counts.tolist(), strict=True):
            each[value] = each.get(value, 0) + count
        if by_step.sum():
            holding.append(found)
            steps.append(found.times[np.flatnonzero(by_step)] if found.times is not None else np.array([]))
    if not holding:
        return None
    values, counts = np.array(list(each)), np.array(list(each.values()), dtype=np.int64)
    order = np.argsort(-counts, kind="stable")
    return _warning(name, holding[0], values[order], counts[order], np.concatenate(steps),
                    # the values of the files named, not of every file read (verify28 V2)
                    size=sum(int(np.prod(found.sample.shape)) for found in holding),
                    holders=[found.file for found in holding], records=records)


def _below_in_block(block: np.ndarray, time_axis: int | None, zero: float) -> tuple[np.ndarray, ...]:
    """The different values of ``block`` at or below ``zero``, how many of each, and how many
    at each of its time steps (one count for a static field)."""
    block = np.asarray(block)
    below = _at_or_below(block, zero)
    values, counts = np.unique(block[below], return_counts=True)
    if time_axis is None:
        return values, counts, np.array([below.sum()])
    return values, counts, below.sum(axis=tuple(axis for axis in range(block.ndim) if axis != time_axis))


def _planned_below_by_step(records: Sequence[BelowAbsoluteZero]) -> BlockReads:
    """For each record, the different values at or below absolute zero of every value it holds,
    how many of each, and how many at each time step: every block read once, in one computation
    (with other checks', :func:`~climann.data.fill_like.read_together`)."""
    tasks, places = [], []
    for number, found in enumerate(records):
        for block, offset in blocks_by_step(found.sample, found.time_axis, shared=True):
            tasks.append(dask.delayed(_below_in_block)(block, found.time_axis, found.zero))
            places.append((number, offset))

    def finish(parts: Sequence[tuple]) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        totals = [({}, np.zeros(1 if found.times is None else found.times.size, dtype=np.int64)) for found in records]
        for (number, offset), (values, counts, by_step) in zip(places, parts, strict=True):
            each, steps = totals[number]
            for value, count in zip(values.tolist(), counts.tolist(), strict=True):
                each[value] = each.get(value, 0) + count
            steps[offset:offset + by_step.size] += by_step
        return [(np.array(list(each), dtype=found.sample.dtype), np.array(list(each.values()), dtype=np.int64), steps)
                for (each, steps), found in zip(totals, records, strict=True)]

    return BlockReads(tasks, finish)
