"""Values a valid range reads as missing: a few codes, or a tail of the data cut off.

CF-1.8 §2.5.1 (and the NUG's attribute conventions) make a value below ``valid_min`` or above
``valid_max`` (or outside ``valid_range``) missing, and climann reads them so
(:func:`climann.data.masking.mask_invalid`). Usually the values so removed are codes outside
the range of the data: NSIDC's 251…255 beside concentrations 0…100, a land flag. But a limit
that is stale or conservative cuts off a tail of the data themselves (break13 F16: a ``tas``
with ``valid_max = 289`` lost its warmest 6.5 %, 848 of 12960 values, and every baseline and
score was computed on the rest without a word; plain xarray does not apply the range at all).

The two are told apart as :mod:`climann.data.absolute_zero` tells codes from quantities: codes
are a few values (at most :data:`~climann.data.absolute_zero.CODES_AT_MOST` different ones on
each side of the range); more are a continuous tail of the data. So, once per variable and run,
when a run checks its target and predictors (:func:`warn_outside_valid_range`; opening reads
nothing, :func:`sample_outside_valid_range` records a lazy sample):

- a tail is warned about: the limit, how many of the values checked (at most
  :data:`~climann.data.fill_like.FILL_LIKE_CHECKED_STEPS` evenly spaced time steps of each file
  that holds the variable, with that file's own range) it removes and their range, and the
  ``ncatted`` that removes the limit (a ``valid_range`` replaced by the other side's
  ``valid_min`` or ``valid_max``, which stays) — or set it beyond the data's largest value to
  widen it; of a series, the first file with a tail, and the other files with one named (a
  later file's range was checked only as the first file's before, and a tail it cut was never
  said: encodfix);
- a few codes are noted at ``INFO`` (``-v``, ``train.log``): they are what a valid range is for.

The values stay missing either way: the file says they are invalid, and climann does not
second-guess it; the warning makes a clipped distribution visible.

The sample is read with the run's other checks of every value (:mod:`climann.data.value_checks`,
:func:`planned_outside_valid_range`), block by block from the same reads of the file: it made a
pass over the data of its own before (with one dask block per file, a folder of daily files
was read once more whole).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import dask
import numpy as np
import xarray as xr

from climann.data.absolute_zero import CODES_AT_MOST
from climann.data.file_encodings import every_file_records
from climann.data.fill_like import (BlockReads, blocks_by_place, checked_step_numbers, checked_steps, read_together,
                                   time_dimension)
from climann.data.notes import note_once, unsaid_records
from climann.data.sources import name_in_file, source_files
from climann.data.paths import is_zarr_store
from climann.data.shell import (attribute_command, copies_of_files, input_and_copy, ncatted_attribute, ncatted_number,
                                ncatted_type)

__all__ = ["OUTSIDE_VALID_RANGE_KEY", "OutsideValidRange", "planned_outside_valid_range", "read_with_its_sample",
           "sample_outside_valid_range", "warn_outside_valid_range"]

_log = logging.getLogger(__name__)

#: The key, in a variable's ``encoding``, of its :class:`OutsideValidRange`. Encoding, not
#: attributes: it describes the file read, and xarray does not write keys it does not know.
OUTSIDE_VALID_RANGE_KEY = "climann_outside_valid_range"


@dataclass(frozen=True)
class OutsideValidRange:
    """What a variable's valid range reads as missing in one file, for the warning.

    Attributes
    ----------
    low, high : float
        The valid minimum and maximum in the data's units (``-inf``/``inf`` for a side without
        a limit; :func:`climann.data.masking.valid_limits`).
    sample : dask.array.Array
        The variable's values before the valid range is applied, on at most
        :data:`~climann.data.fill_like.FILL_LIKE_CHECKED_STEPS` evenly spaced time steps (lazy).
    file : str or None
        The file (``encoding["source"]``).
    units : str
        The variable's units there ('' without).
    limits : dict
        The valid-range attributes as the file gives them (``{"valid_max": 289.0}``), for the
        messages and the command.
    status_codes : bool
        Whether its ``flag_values`` are status codes outside the range, already noted
        (:func:`climann.data.flags.status_codes`).
    own_name : str
        The variable's own name in the file, for the command ("" when not renamed).
    codes : str
        For flag values beyond the range of the quantity (no valid range:
        :func:`climann.data.flags.codes_beyond_units_range`), the codes and what bounds the
        range (``"-2 -1 (below 0, where …)"``); the sample then holds only those codes.
    every_block : bool
        Whether the sample holds a value of every block of the file's data (each dask block of
        the time axis holds a checked step: a file of at most 24 blocks, about 3 GB): dask then
        reads every block whole for it, and the run's checks of every value read them from the
        same reads (:mod:`climann.data.value_checks`) at no cost; else they read their own (a
        region of each block, where the run selects one).
    zero_codes : tuple or None
        The flag values read as 0 of the quantity (:func:`climann.data.flags.zero_amount_codes`:
        ESA Snow CCI's 0 "no_snow"): their decoded values, shape (n,), their text (``"0
        (no_snow)"``) and the ``ncatted`` that marks them missing instead ("" without one).
    """

    low: float
    high: float
    sample: object
    file: str | None
    units: str
    limits: dict
    status_codes: bool = False
    own_name: str = ""
    codes: str = ""
    every_block: bool = False
    zero_codes: tuple | None = None


def sample_outside_valid_range(variable: xr.DataArray, limits: tuple[float, float], *,
                               status_codes: bool = False, codes: str = "", zero_codes: tuple | None = None) -> dict:
    """The ``encoding`` entry that records, lazily, what the valid range ``limits`` of one
    file's ``variable`` (as opened, before the range is applied) reads as missing.

    Returns
    -------
    dict
        ``{OUTSIDE_VALID_RANGE_KEY: OutsideValidRange}``, to merge into the masked variable's
        encoding.
    """
    import dask.array as da  # imported here: ~0.2 s that a process opening no file need not pay

    given = {key: np.asarray(variable.attrs[key]) for key in ("valid_range", "valid_min", "valid_max")
             if key in variable.attrs}
    found = OutsideValidRange(limits[0], limits[1], da.asarray(checked_steps(variable).data),
                              variable.encoding.get("source"), str(variable.attrs.get("units", "")).strip(), given,
                              status_codes, name_in_file(variable), codes, _sampled_in_every_block(variable),
                              zero_codes)
    return {OUTSIDE_VALID_RANGE_KEY: found}


def _sampled_in_every_block(variable: xr.DataArray) -> bool:
    """Whether each block of ``variable``'s data along its time axis holds one of the checked
    steps (:func:`~climann.data.fill_like.checked_step_numbers`); True for NumPy data or a
    static field (one block, or every block sampled whole)."""
    time = time_dimension(variable)
    if time is None or not dask.is_dask_collection(variable.data):
        return True
    sizes = variable.data.chunks[variable.dims.index(time)]
    holding = np.searchsorted(np.cumsum(sizes), checked_step_numbers(variable), side="right")
    return bool(np.unique(holding).size == len(sizes))


def read_with_its_sample(variable: xr.DataArray) -> bool:
    """Whether the run's checks of every value read ``variable`` from the reads of its valid
    range's samples (``shared`` keys, :func:`~climann.data.fill_like.blocks_by_step`): it has
    such samples, and each reads every block of its file's data (:class:`OutsideValidRange`
    ``every_block``), so that reading from them reads nothing more (a region of a larger file is
    read alone), of every file that holds it."""
    if OUTSIDE_VALID_RANGE_KEY not in variable.encoding:
        return False
    records = every_file_records(variable, OUTSIDE_VALID_RANGE_KEY)  # a file without a valid range has none
    return len(records) >= len(source_files(variable)) and all(record.every_block for record in records)


def _side_text(found: OutsideValidRange, side: str, values: np.ndarray) -> str:
    """``848 lie above its valid_max, 289 K (from 289.1 to 305.2)``: the values of one side."""
    key = "valid_range" if "valid_range" in found.limits else "valid_min" if side == "low" else "valid_max"
    limit = f"{found.low if side == 'low' else found.high:g}{f' {found.units}' if found.units else ''}"
    return (f"{values.size} lie {'below' if side == 'low' else 'above'} its {key}, {limit} (from {values.min():g} to "
            f"{values.max():g})")


def _removal(name: str, found: OutsideValidRange, side: str) -> str:
    """The ``-a`` of ``ncatted`` that removes the limit of ``side`` ("low" or "high"): the
    attribute deleted, or a ``valid_range`` replaced by the other side's ``valid_min`` or
    ``valid_max`` in its own type (so in the same units: packed or not)."""
    if "valid_range" not in found.limits:
        return ncatted_attribute("valid_min" if side == "low" else "valid_max", name, "d")
    kept = found.limits["valid_range"].reshape(-1)
    key, value = ("valid_max", kept[1]) if side == "low" else ("valid_min", kept[0])
    return (f"{ncatted_attribute('valid_range', name, 'd')} "
            f"{ncatted_attribute(key, name, 'o', ncatted_type(kept.dtype), ncatted_number(value, kept.dtype))}")


def _tail_sides(found: OutsideValidRange, below: np.ndarray, above: np.ndarray) -> list[str]:
    """The sides ("low", "high") whose values read as missing are a tail of the data, not a few
    codes (more than :data:`~climann.data.absolute_zero.CODES_AT_MOST` distinct values)."""
    if found.codes:
        return []
    return [side for side, values in (("low", below), ("high", above))
            if values.size and np.unique(values).size > CODES_AT_MOST]


#: The folder of the copies of several files with their stale limits removed (:func:`_removal_of_files`).
_REMOVED_FOLDER = "valid_range_removed"


def _removal_of_files(name: str, tailed: Sequence[tuple[OutsideValidRange, list[str]]], files: Sequence[str]) -> str:
    """The ``ncatted`` that removes the limits of each file's tails (``tailed``: each file's record
    and its sides), on a copy of each of the variable's ``files`` in a new folder
    (:func:`~climann.data.shell.copies_of_files`; fix38i: the line named the first file alone, the
    others kept their limit); a file without a tail is copied as it is (``ncks``), so that the
    new folder holds the whole series."""
    of_file = {found.file: (found, sides) for found, sides in tailed}

    def advice(arguments: str, file: str) -> str:
        if file not in of_file:
            return f"ncks {arguments}"
        found, sides = of_file[file]
        return attribute_command([_removal(found.own_name or name, found, side) for side in sides], arguments)

    return copies_of_files(advice, files, name=_REMOVED_FOLDER)


def _message(name: str, found: OutsideValidRange, below: np.ndarray, above: np.ndarray, *,
             removal: str | None = None) -> tuple[int, str] | None:
    """The level and text of what the valid range of ``name`` removed (``below`` and ``above``
    its limits, on the checked steps): a warning for a tail, an ``INFO`` note for codes; None
    when it removed nothing (or only status codes, noted already). ``removal``: the command
    that removes the limits, when not this file's alone."""
    sides = {side: values for side, values in (("low", below), ("high", above)) if values.size}
    if not sides:
        return None
    where = Path(found.file).name if found.file else "the data"
    size = int(np.prod(found.sample.shape))
    said = "; ".join(_side_text(found, side, values) for side, values in sides.items())
    counted = f"'{name}' in {where}: of the {size} values checked, {said}, read as missing"
    if found.codes:  # flag values beyond the quantity's range: only the codes were sampled
        count = sum(values.size for values in sides.values())
        return logging.INFO, (f"'{name}' in {where}: of the {size} values checked, {count} "
                              f"({100 * count / size:.1f} %) hold its flag_values {found.codes}, read as missing")
    tails = _tail_sides(found, below, above)
    zeros = _zero_codes_text(name, found, below, above, size)
    if zeros and not tails:
        return logging.WARNING, zeros
    if not tails:
        return None if found.status_codes else (logging.INFO, f"{counted}: a few codes (CF §2.5.1)")
    if removal is None:
        files = input_and_copy(found.file) if found.file else "IN.nc OUT.nc"
        removal = attribute_command([_removal(found.own_name or name, found, side) for side in tails], files)
    share = 100 * sum(sides[side].size for side in tails) / size
    return logging.WARNING, (
        f"{counted}: not a few codes but {'a tail' if len(tails) == 1 else 'both tails'} of the data ({share:.1f} %), "
        f"which every score then leaves out (CF §2.5.1 makes values outside the valid range missing); if the limit "
        f"is stale, remove it: {removal} (or set it beyond the data's extreme values)"
        + (f"; and {zeros}" if zeros else ""))


def _zero_codes_text(name: str, found: OutsideValidRange, below: np.ndarray, above: np.ndarray, size: int) -> str:
    """The warning's words on the flag values read as 0 of the quantity (:attr:`OutsideValidRange.zero_codes`):
    how many of the values checked hold them, and the line that marks them missing instead; "" when
    there are none or the checked values hold none (break49b A1: ESA Snow CCI's 0 "no_snow" was
    read as missing, 49.5 % of the land values, said in train.log only)."""
    if found.zero_codes is None:
        return ""
    values, shown, command = found.zero_codes
    count = int(np.isin(below, values).sum() + np.isin(above, values).sum())
    if not count:
        return ""
    where = Path(found.file).name if found.file else "the data"
    units = f" {found.units}" if found.units else ""
    way_out = f"; if it marks no data rather than no snow, ice or rain, mark it missing: {command}" if command else ""
    return (f"'{name}' in {where}: {count} of the {size} values checked ({100 * count / size:.3g} %) hold its flag "
            f"value {shown}, which says none of the quantity is there: read as 0{units}, a value trained on and "
            f"scored, not as missing like its other flag values (outside its valid range){way_out}")


def warn_outside_valid_range(dataset: xr.Dataset, names: Sequence[str], *,
                             found: Callable[[], Mapping] | None = None) -> None:
    """Warn, once per variable and run, when the valid range of a variable of ``names`` read a
    tail of its data as missing rather than a few codes (see the module's rules), naming the
    limit, how many of the values checked it removed and their range, and the ``ncatted`` that
    removes it; a few codes are noted at ``INFO``. Of a series, every file's range is checked
    with its own values (:func:`~climann.data.file_encodings.every_file_records`): the first
    file that has a tail is warned of, and the others that have one are named.

    Parameters
    ----------
    dataset : xarray.Dataset
        As opened (:func:`climann.data.open.open_dataset`).
    names : sequence of str
        The variables to check (those absent, or without a valid range, are skipped).
    found : callable, optional
        The answer of :func:`planned_outside_valid_range` of ``names``, when the caller read
        them with its other checks (:func:`~climann.data.fill_like.read_together`); by default
        they are read here, in one computation.
    """
    if found is None:
        found = read_together(planned_outside_valid_range(dataset, names))[0]
    for name, read in found().items():
        tailed = [(record, sides) for record, below, above in read if (sides := _tail_sides(record, below, above))]
        removal = None
        files = source_files(dataset[name])
        if files and not any(is_zarr_store(file) for file in files) and tailed and all(  # one too (fix53a)
                record.file in files for record, _ in tailed):
            removal = _removal_of_files(name, tailed, files)
        said = [_message(name, record, below, above, removal=removal) for record, below, above in read]
        level, text = _first_said([record for record, _, _ in read], said)
        note_once(_log, level, lambda text=text: text, key=("outside the valid range", name))


def planned_outside_valid_range(dataset: xr.Dataset, names: Sequence[str]) -> BlockReads:
    """The reads of :func:`warn_outside_valid_range`, to be computed with the run's other checks
    of every value (:func:`~climann.data.fill_like.read_together`): each block of each file's
    sample (:class:`OutsideValidRange`) with the keys of the file's reads
    (:func:`~climann.data.fill_like.blocks_by_place`, ``shared``), so that dask reads the file
    once for them and for the checks of the masked values made from the same reads, reduced to
    its values below and above the limits.

    Returns
    -------
    climann.data.fill_like.BlockReads
        Its answer: {name: [(record, values below, values above) of each file, float64]}, the
        variables not noted yet in the run that have a record.
    """
    chosen = unsaid_records(dataset, names, OUTSIDE_VALID_RANGE_KEY, "outside the valid range")
    records = [(name, record) for name in chosen
               for record in every_file_records(dataset[name], OUTSIDE_VALID_RANGE_KEY)]
    tasks, owners = [], []
    for number, (_, record) in enumerate(records):
        for block, _ in blocks_by_place(record.sample, shared=True):
            tasks.append(dask.delayed(_outside_in_block)(block, record.low, record.high))
            owners.append(number)

    def finish(parts: Sequence[tuple[np.ndarray, np.ndarray]]) -> dict[str, list]:
        outside = [([], []) for _ in records]
        for number, (below, above) in zip(owners, parts, strict=True):
            outside[number][0].append(below)
            outside[number][1].append(above)
        found: dict[str, list] = {}
        for (name, record), (below, above) in zip(records, outside, strict=True):
            found.setdefault(name, []).append((record, *(np.concatenate([np.empty(0), *values]).astype(np.float64)
                                                         for values in (below, above))))
        return found

    return BlockReads(tasks, finish)


def _outside_in_block(block: np.ndarray, low: float, high: float) -> tuple[np.ndarray, np.ndarray]:
    """The values of one block below ``low`` and above ``high``, as float64."""
    block = np.asarray(block)
    return np.asarray(block[block < low], np.float64), np.asarray(block[block > high], np.float64)


def _first_said(records: Sequence[OutsideValidRange], said: Sequence[tuple[int, str] | None]) -> tuple[int, str | None]:
    """The level and text of one variable's note: the first file's warning, the other files
    that have a tail named after it; else the first file's ``INFO`` note; else nothing."""
    tails = [(found, text) for found, message in zip(records, said, strict=True) if message is not None
             for level, text in [message] if level == logging.WARNING]
    if not tails:
        noted = [message for message in said if message is not None]
        return noted[0] if noted else (logging.INFO, None)
    others = [Path(found.file).name if found.file else "the data" for found, _ in tails[1:]]
    also = f" (so does its valid range in {len(others)} other file{'s' * (len(others) > 1)}: {', '.join(others)})"
    return logging.WARNING, tails[0][1] + (also if others else "")
