"""A ``_FillValue`` or ``missing_value`` that is a value of the data themselves.

CF says a variable's ``_FillValue`` and ``missing_value`` mark missing data (CF-1.8 §2.5.1),
and climann reads them so, as xarray does: every value equal to one is missing. Some files
mark with a number the data also take: a gauge-derived precipitation grid with
``missing_value = 0`` ("no data = 0"), where every dry cell (a third of the values) is then
dropped, every score becomes a wet-cell score and the climatology a wet-cell mean
(break19b F4); a packer that left 0 as the ``_FillValue`` of a temperature packed around
280 K, where the values that were exactly 280 K vanish. Following CF, climann keeps reading
them as missing (the attribute may be right: a product that writes 0 where it has no
gauge), but says so in one warning line per variable (:func:`warn_fill_among_values`), with
the count of the values it marks and the ``ncatted`` that removes the attribute in a copy,
and with it the other fill attribute where that marks the same value (ECMWF's packed CAMS
files give ``_FillValue`` and ``missing_value`` both -32767: deleting one leaves the value
missing through the other, break39a F5).

Each file of a series is checked with its own marks (:data:`FILE_MARKS_KEY`, recorded as the
files are combined: the combined variable keeps the first file's ``encoding``, and a later
file's ``missing_value = 0`` went unnamed, verify20 F7) and on its own time steps. The count
is that of the file's stored values equal to the mark (verify20 F8: the ocean's ``_FillValue``
1e20 beside a ``missing_value`` 0 is no dry cell), read from the file only when a warning is
said; the decision reads nothing but the one read of :mod:`climann.data.value_checks`.

A mark is suspect (:func:`_suspect`) when its decoded value is

- 0 for a quantity that cannot be negative (:func:`climann.data.nonnegative.cannot_be_negative`:
  precipitation, snow, runoff, contents): 0 is its lower bound and a common value;
- strictly between the smallest and the largest value the data hold besides it: a fill value
  is chosen outside the data (CF §2.5.1: "a value outside the valid range"; NUG "Fill
  Values"), never in their midst.

Only a mark that marks values is named (the file's stored values equal it).
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import shlex
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import dask
import numpy as np
import xarray as xr

from climann.data.fill_like import (DEFAULT_FILL_VALUES, NETCDF_TYPE_NAMES, BlockReads, blocks_by_step, read_together,
                                    time_dimension)
from climann.data.nonnegative import cannot_be_negative, is_thickness
from climann.data.notes import with_store_notes
from climann.data.shell import (advised_marks, attribute_command, copies_of_files, input_and_copy, is_zarr_store,
                                one_copy_advice, one_copy_line, users_file_copied, working_path,
                                ncatted_attribute, ncatted_number, ncatted_type, none_there)
from climann.data.sources import as_file_stamps, files_text, variable_file, variable_where
from climann.data.stored_values import FILL_ATTRIBUTES, unpacked

__all__ = ["FILE_MARKS_KEY", "FileMarks", "FillAmongValues", "fill_among_values", "planned_fill_among_values",
           "warn_fill_among_values", "with_file_marks"]

#: The key, in a data variable's ``encoding``, of the :class:`FileMarks` of each of its files
#: that has marks. Encoding, not attributes: it describes the files read.
FILE_MARKS_KEY = "climann_file_marks"

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileMarks:
    """One file's fill marks of a variable, as opened.

    Attributes
    ----------
    file : str or None
        The file (None for data built in memory).
    name : str
        The variable's name in the file (before the run's renames).
    marks : dict
        {attribute: its values decoded} (:func:`_marks`).
    times : numpy.ndarray or None
        The file's time steps kept (coordinate values); None: every step of the variable.
    open_stored : callable or None
        Opens the file lazily without masking or unpacking its values (its stored values),
        for the count of those equal to a mark; None for data built in memory.
    """

    file: str | None
    name: str
    marks: dict[str, list[float]]
    times: np.ndarray | None = None
    open_stored: Callable[[], xr.Dataset] | None = None


def with_file_marks(combined: xr.Dataset, parts: Sequence[tuple[xr.Dataset, Path | None, Mapping[str, str]]], *,
                    open_stored: Callable[..., xr.Dataset] | None = None) -> xr.Dataset:
    """``combined`` whose float variables record the :class:`FileMarks` of each file of
    ``parts`` (each file's dataset as combined, its path and {name after the renames: name in
    the file}) that marks values (:data:`FILE_MARKS_KEY`); a part that records its files'
    already (a ``split_files`` block) gives those. ``open_stored(path, mask_and_scale=False,
    decode_times=False, chunks={})`` opens a file (:func:`climann.data.open.open_input`, passed
    in by the module that imports this one)."""
    recorded = {}
    for name, variable in combined.data_vars.items():
        records = []
        for part, path, names in parts:
            if name not in part.data_vars:
                continue
            if FILE_MARKS_KEY in part[name].encoding:
                records.extend(part[name].encoding[FILE_MARKS_KEY])
            elif path is not None and (marks := _marks(part[name])):
                time = time_dimension(part[name])
                stored = None if open_stored is None else functools.partial(
                    open_stored, Path(path), mask_and_scale=False, decode_times=False, chunks={})
                records.append(FileMarks(str(path), names.get(str(name), str(name)), marks,
                                         None if time is None else as_file_stamps(part[name], part[time].values),
                                         stored))
        if records:
            recorded[name] = variable.variable.copy(deep=False)
            recorded[name].encoding = {**variable.encoding, FILE_MARKS_KEY: tuple(records)}
    return combined.assign(recorded) if recorded else combined


def _file_marks(name: str, variable: xr.DataArray) -> tuple[FileMarks, ...]:
    """The :class:`FileMarks` of ``variable``: recorded by :func:`with_file_marks`, else its own
    marks over every step (a dataset built in memory)."""
    if FILE_MARKS_KEY in variable.encoding:
        return tuple(variable.encoding[FILE_MARKS_KEY])
    marks = _marks(variable) if variable.dtype.kind == "f" else {}
    return (FileMarks(variable_file(variable), name, marks),) if marks else ()


@dataclass(frozen=True)
class FillAmongValues:
    """What the data of one file of a variable with fill marks hold, counted on every value.

    Attributes
    ----------
    missing, size : int
        The missing (NaN) values, and every value read.
    lowest, highest : float
        The smallest and largest values held (NaN when every value is missing).
    """

    missing: int
    size: int
    lowest: float
    highest: float
    marks: FileMarks | None = None


def _marks(variable: xr.DataArray) -> dict[str, list[float]]:
    """{attribute: its values decoded (unpacked as the data are)} of the variable's
    ``_FillValue`` and ``missing_value`` (CF-1.8 §2.5.1), NaN marks left out."""
    found = {}
    for key in FILL_ATTRIBUTES:
        if key in variable.encoding:
            values = np.atleast_1d(unpacked(np.atleast_1d(variable.encoding[key]), variable.encoding,
                                            np.dtype(variable.dtype)))
            found[key] = [float(value) for value in values if np.isfinite(value)]
    return {key: values for key, values in found.items() if values}


def _in_block(block: np.ndarray, time_axis: int | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The missing values of ``block`` by time step (one step for a static field), and its
    smallest and largest value by step (NaN left out: +inf and -inf for a step without any)."""
    block = np.asarray(block, dtype=np.float64)
    steps = np.moveaxis(block, time_axis, 0) if time_axis is not None else block[np.newaxis]
    steps = steps.reshape(steps.shape[0], -1)
    missing = np.isnan(steps)
    lowest = np.where(missing, np.inf, steps).min(axis=1, initial=np.inf)
    highest = np.where(missing, -np.inf, steps).max(axis=1, initial=-np.inf)
    return missing.sum(axis=1), lowest, highest


def _per_file(name: str, variable: xr.DataArray, time: str | None, missing: np.ndarray, lowest: np.ndarray,
              highest: np.ndarray) -> list[FillAmongValues]:
    """The :class:`FillAmongValues` of each file of ``variable`` from its counts by step."""
    found = []
    per_step = variable.size // max(len(missing), 1)
    index = {} if time is None else {value: number for number, value in
                                     enumerate(as_file_stamps(variable, variable[time].values).tolist())}
    for record in _file_marks(name, variable):
        steps = np.ones(len(missing), dtype=bool)
        if record.times is not None and time is not None:
            steps[:] = False
            steps[[index[value] for value in record.times.tolist() if value in index]] = True
        if not steps.any():
            continue
        low, high = lowest[steps].min(), highest[steps].max()
        found.append(FillAmongValues(int(missing[steps].sum()), int(steps.sum()) * per_step,
                                     float(low) if np.isfinite(low) else np.nan,
                                     float(high) if np.isfinite(high) else np.nan, record))
    return found


def planned_fill_among_values(dataset: xr.Dataset, names: Sequence[str], *, shared: Sequence[str] = ()) -> BlockReads:
    """The reads of :func:`fill_among_values`, to be computed with other checks'
    (:func:`~climann.data.fill_like.read_together`)."""
    chosen, tasks, places = [], [], []
    for name in names:
        if name not in dataset.data_vars or dataset[name].dtype.kind != "f" or not _file_marks(name, dataset[name]):
            continue
        variable = dataset[name]
        time = time_dimension(variable)
        axis = None if time is None else variable.dims.index(time)
        for block, start in blocks_by_step(variable.data, axis, shared=name in shared):
            tasks.append(dask.delayed(_in_block)(block, axis))
            places.append((len(chosen), start))
        chosen.append((name, time, 1 if time is None else variable.sizes[time]))

    def finish(parts: Sequence[tuple]) -> dict[str, list[FillAmongValues]]:
        missing = [np.zeros(steps, dtype=np.int64) for _, _, steps in chosen]
        lowest = [np.full(steps, np.inf) for _, _, steps in chosen]
        highest = [np.full(steps, -np.inf) for _, _, steps in chosen]
        for (number, start), (count, low, high) in zip(places, parts, strict=True):
            where = slice(start, start + len(count))
            missing[number][where] += count
            lowest[number][where] = np.minimum(lowest[number][where], low)
            highest[number][where] = np.maximum(highest[number][where], high)
        return {name: _per_file(name, dataset[name], time, missing[number], lowest[number], highest[number])
                for number, (name, time, _) in enumerate(chosen)}

    return BlockReads(tasks, finish)


def fill_among_values(dataset: xr.Dataset, names: Sequence[str]) -> dict[str, list[FillAmongValues]]:
    """:class:`FillAmongValues` of each file of each variable of ``names`` with a fill mark,
    each block read once."""
    return read_together(planned_fill_among_values(dataset, names))[0]()


def _suspect(name: str, variable: xr.DataArray, value: float, held: FillAmongValues) -> str | None:
    """Why the decoded mark ``value`` looks like data (see the module description), or None."""
    # a thickness's 0 is a value only of a substance that may be absent: a mixed layer's 0 is land
    nonnegative = None if is_thickness(name, variable) else cannot_be_negative(name, variable)
    if value == 0 and nonnegative:
        return f"0 is a valid value of it ({nonnegative} says it cannot be negative, and 0 is its lower bound)"
    if held.lowest < value < held.highest:
        return f"it lies among the values the data hold ({held.lowest:g} to {held.highest:g})"
    return None


def warn_fill_among_values(
    dataset: xr.Dataset, names: Sequence[str], *, where: str, file: str | Path | None,
    found: dict[str, list[FillAmongValues]] | None = None, ceilings: Mapping[str, float] | None = None,
) -> None:
    """Warn, one line per variable and file, when a ``_FillValue`` or ``missing_value`` of the
    file that marks values looks like a value of its data (see the module description): the
    values it marks stay missing, as CF says; the warning gives how many of the file's stored
    values equal it and the ``ncatted`` that removes the attribute in a copy (NCO manual,
    "ncatted": mode ``d``). Files whose mark, reason and fix are alike get one line together,
    with one loop that writes their copies into a new folder (:func:`_suspects_said`).

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
        :func:`fill_among_values` of ``names`` when the caller read them with other checks.
    ceilings : mapping of str to float, optional
        Variable name → the highest value of its data below the codes that stand apart above
        them (:attr:`climann.data.fill_like.FillLike.data_top`), which another warning names:
        the values the data hold end there (break43a A3: AMSR-E's ``missing_value`` 506, 508
        marked as advised was said to lie among the data, "0 to 510", 510 being its code 255).
    """
    present = [name for name in names if name in dataset.data_vars]
    found = fill_among_values(dataset, present) if found is None else found
    for name, files in found.items():
        if ceilings and name in ceilings:
            files = [dataclasses.replace(held, highest=min(held.highest, ceilings[name])) for held in files]
        suspects = [suspect for held in files
                    if (suspect := _suspect_of_file(name, dataset[name], held, where=where, file=file)) is not None]
        for line in _suspects_said(name, suspects):
            _log.warning("%s", with_store_notes(line))


def _stored_equal(record: FileMarks, key: str) -> tuple[int, int] | None:
    """How many of the values stored in ``record``'s file equal its attribute ``key`` (before any
    unpacking), and how many it stores; None when the file cannot be read again (data built
    in memory)."""
    if record.open_stored is None:
        return None
    try:
        with record.open_stored() as raw:
            stored = raw[record.name]
            mark = stored.attrs.get(key, stored.encoding.get(key))
            return int(stored.isin(np.atleast_1d(mark)).sum()), int(stored.size)
    except (OSError, ValueError, KeyError, TypeError):
        return None


@dataclass(frozen=True)
class _Suspect:
    """What one file's warning of :func:`warn_fill_among_values` says: the attribute ``key`` and
    its decoded ``values``, why they look like data (``reason``, ``zero``: its first words for a
    0 of a quantity that cannot be negative), how many of the file's ``size`` stored values equal
    them (``marked``), the data's range, the words naming what the copy removes (``removed``),
    the ``ncatted`` edits (``edits``), and the ``line`` said for the file alone."""

    file: str | None
    key: str
    values: tuple[float, ...]
    reason: str
    zero: bool
    marked: int
    size: int
    held: FillAmongValues
    removed: str
    edits: tuple[str, ...]
    alone: bool
    line: str


def _suspect_of_file(name: str, variable: xr.DataArray, held: FillAmongValues, *, where: str,
                     file: str | Path | None) -> _Suspect | None:
    """The :class:`_Suspect` of :func:`warn_fill_among_values` for one file of ``name``, if its
    marks call for a warning."""
    record = held.marks
    if not held.missing or record is None:
        return None
    for key, values in record.marks.items():
        reason = next((why for value in values if (why := _suspect(name, variable, value, held))), None)
        if reason is None:
            continue
        counted = _stored_equal(record, key)
        marked, size = counted if counted is not None else (held.missing, held.size)
        if not marked:
            continue
        own = record.file or variable_file(variable) or file
        files = "IN.nc OUT.nc" if own is None else input_and_copy(own)
        where_held = Path(record.file).name if record.file else variable_where(variable, where)
        marks = ", ".join(f"{value:g}" for value in values)
        edits, others = _unmarking(record, key, values)
        same = f"the same value{'s' if len(values) > 1 else ''}"
        removed = " and ".join(["the attribute" if not others else "it"]
                               + [f"the {other} that marks {same}" if deleted else f"{same} from the {other}"
                                  for other, deleted in others])
        unpack = _default_fill_code(record, key)
        advised, keeping = _keeping_advised(record, key, edits, files, unpacked=unpack is not None)
        command, then = attribute_command(advised, files), ""
        # the user's NetCDF file: its copy in a new folder; beside it, a glob over their folder took both (fix55a)
        copied = users_file_copied(files)
        if unpack is not None and not is_zarr_store(shlex.split(files)[0]):
            if copied is None:
                command = _unpacked_copy(record.name, advised, files, shlex.split(files)[1])
            else:
                command = one_copy_line(lambda arguments, copy: _unpacked_copy(record.name, advised, arguments, copy),
                                        copied, "fill_value_removed")
            then = (f", and unpack it in the copy to floats (ncpdq -U), so that no code {unpack[0]} is left for "
                    f"netCDF to read as the default fill value of {unpack[1]}")
        elif copied is not None:
            command = one_copy_advice(lambda arguments: f"`{attribute_command(advised, arguments)}`", files,
                                      "fill_value_removed")
        # a copy that unpacks or keeps an earlier line's marks is advised file by file
        alone = bool(then or keeping) or own is None or is_zarr_store(str(own))
        return _Suspect(
            None if own is None else str(own), key, tuple(values), reason, reason.startswith("0 is"), marked, size,
            held, removed, tuple(edits), alone,
            f"'{name}' in {where_held} has {key} {marks}, and {reason}: {marked} of its {size} values "
            f"({100 * marked / size:.3g} %) are read as missing (CF §2.5.1); if they are data, remove "
            f"{removed} in a copy{keeping}{then}: {command}")
    return None


def _suspects_said(name: str, suspects: Sequence[_Suspect]) -> list[str]:
    """The lines of ``suspects`` (one variable's, one per file): those of files whose mark, reason
    and fix are alike said once for them all, naming how many files and their values together,
    with one loop that writes the copies (:func:`~climann.data.shell.copies_of_files`); a folder
    of 365 daily files each with ``_FillValue`` 0 on precipitation gave 365 lines. The others as
    they are, in the order of their files."""
    groups: dict[tuple, list[_Suspect]] = {}
    for suspect in suspects:
        alike = (suspect.key, suspect.values, suspect.zero, suspect.reason if suspect.zero else "", suspect.removed,
                 suspect.edits)
        groups.setdefault(("alone", id(suspect)) if suspect.alone else alike, []).append(suspect)
    lines = []
    for held in groups.values():
        if len(held) == 1:
            lines.append(held[0].line)
            continue
        first, marked, size = held[0], sum(one.marked for one in held), sum(one.size for one in held)
        reason = first.reason if first.zero else (
            f"it lies among the values the data hold ({min(one.held.lowest for one in held):g} to "
            f"{max(one.held.highest for one in held):g})")
        marks = ", ".join(f"{value:g}" for value in first.values)
        files = [one.file for one in held]
        fix = copies_of_files(lambda arguments, file: attribute_command(list(first.edits), arguments), files,
                              name="fill_value_removed")
        lines.append(
            f"'{name}' in {len(held)} files ({files_text(files)}) has {first.key} {marks}, and {reason}: {marked} "
            f"of their {size} values ({100 * marked / size:.3g} %) are read as missing (CF §2.5.1); if they are "
            f"data, remove {first.removed} in a copy of each: {fix}")
    return lines


def _keeping_advised(record: FileMarks, key: str, edits: list[str], files: str, *,
                     unpacked: bool) -> tuple[list[str], str]:
    """``edits`` (:func:`_unmarking`'s) made to keep the fill codes that an earlier message's
    ``ncatted`` marked on the copy this command reads (:func:`~climann.data.shell.advised_marks`),
    other than the codes of ``key`` made data, and the words saying so ("" when none).

    ERA5's ``licd`` (rerun41 R7): the line shown first writes ``missing_value`` -32767,-32768
    (its 34806 packed -32768 zeros missing); this line, reading that copy, deleted
    ``missing_value`` with ``_FillValue`` (-32767, among the data), and the zeros were data
    again. Now the fill attributes are deleted and the kept codes marked again: as
    ``_FillValue`` when the copy is then unpacked (``ncpdq -U`` unpacks by ``_FillValue`` alone,
    NCO manual, "ncpdq"; one code), else as ``missing_value`` (CF §2.5.1)."""
    if not files.strip() or is_zarr_store(shlex.split(files)[0]):
        return edits, ""
    advised = advised_marks(shlex.split(files)[0], record.name)
    made_data = _stored_attribute(record, key)
    if not advised or made_data is None:
        return edits, ""
    codes = {float(value) for value in made_data}
    kind, kept = "", []
    for attribute, (kind_of, values) in advised.items():
        for value in values:
            if float(value) not in codes and value not in kept:
                kind, kept = kind_of, [*kept, value]
    if not kept:
        return edits, ""
    deleted = dict.fromkeys([key, *record.marks, *advised])
    new = [ncatted_attribute(attribute, record.name, "d") for attribute in deleted]
    attribute = "_FillValue" if unpacked and len(kept) == 1 else "missing_value"
    new.append(ncatted_attribute(attribute, record.name, "c" if attribute == "_FillValue" else "o", kind,
                                 ",".join(kept)))
    pronoun = "them" if len(kept) > 1 else "it"
    return new, (f", keeping the stored {', '.join(kept)} missing as the line before marks {pronoun} "
                 f"(its {' and '.join(advised)}; here as {attribute})")


def _unpacked_copy(name: str, advised: Sequence[str], files: str, copy: str | Path) -> str:
    """The line that makes the attribute changes ``advised`` on a copy of the input of ``files``
    (``IN OUT``), ``copy``, then unpacks the variable ``name`` in it (:func:`_unpacking`), checked first
    that neither the copy nor the temporary is there (:func:`~climann.data.shell.none_there`)."""
    copy = working_path(copy)  # as the user reaches it, as the line's other words name it
    guard = none_there(copy, _unpacked_path(name, copy))
    return f"{guard}{attribute_command(list(advised), files)} && {_unpacking(name, copy)}"


def _unpacked_path(name: str, copy: str) -> str:
    """The temporary file :func:`_unpacking` writes beside ``copy``: ``x_fixed.lmlt_unpacked.nc``."""
    return str(Path(copy).with_suffix(f".{name}_unpacked.nc"))


def _unpacking(name: str, copy: str) -> str:
    """The commands that unpack the variable ``name`` of the file ``copy`` to floats in place,
    its other variables kept as stored: ``ncpdq -U`` of the whole file unpacked them too, and
    NCO unpacks by ``_FillValue`` alone, so that the values an earlier line marked missing by
    a ``missing_value`` were data again (break41a A4: ERA5's ``lmlt`` 273.15 at the packed
    -32768, 8608 values). ``ncpdq -U -v`` writes the variable alone, unpacked, to a file beside
    the copy; ``ncks -A -x -v`` appends every other variable of the copy to it as stored; ``mv``
    puts it in the copy's place (NCO manual, "ncpdq", "ncks": appending)."""
    own, unpacked = shlex.quote(name), shlex.quote(_unpacked_path(name, copy))
    copy = shlex.quote(copy)
    return (f"ncpdq -U -v {own} {copy} {unpacked} && ncks -A -x -v {own} {copy} {unpacked} && "
            f"mv {unpacked} {copy}")


def _default_fill_code(record: FileMarks, key: str) -> tuple[int, str] | None:
    """The code and netCDF type name when ``record``'s variable is stored packed (``scale_factor``
    or ``add_offset``) in an integer type whose default fill value (:data:`DEFAULT_FILL_VALUES`,
    NUG "Fill Values") the attribute ``key`` holds: ECMWF's packed int16 with ``_FillValue`` and
    ``missing_value`` -32767 (rerun39 N1). Deleting the attributes leaves the code, which the
    netCDF default fill of short then marks (:mod:`climann.data.fill_like` warned at every later
    run, advising to set ``_FillValue`` back); unpacked to floats (``ncpdq -U``, NCO manual,
    "ncpdq": unpacking), the values are data with no code. None otherwise, or when the file
    cannot be read again."""
    if record.open_stored is None:
        return None
    try:
        with record.open_stored() as raw:
            stored = raw[record.name]
            attributes = {**stored.encoding, **stored.attrs}
            code = stored.dtype.str[1:]
            mark = np.atleast_1d(attributes.get(key))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if code not in DEFAULT_FILL_VALUES or not ({"scale_factor", "add_offset"} & set(attributes)):
        return None
    default = DEFAULT_FILL_VALUES[code]
    return (default, NETCDF_TYPE_NAMES[code]) if (mark == default).any() else None


def _unmarking(record: FileMarks, key: str, values: Sequence[float]) -> tuple[list[str], list[tuple[str, bool]]]:
    """The ``-a`` of ``ncatted`` that make ``values`` (the decoded marks of attribute ``key``)
    data: ``key`` deleted, and each other fill attribute that marks one of them deleted too,
    or, when it marks other values as well, written with those only (CF §2.5.1: a value
    ``_FillValue`` or ``missing_value`` holds is missing; deleting ``_FillValue`` alone left the
    value missing through ``missing_value``, break39a F5); and those others, each with whether it
    is deleted (else written with its other values)."""
    edits, others = [ncatted_attribute(key, record.name, "d")], []
    for other, marked in record.marks.items():
        if other == key or not set(marked) & set(values):
            continue
        kept = [index for index, value in enumerate(marked) if value not in values]
        stored = _stored_attribute(record, other)
        if kept and stored is None:
            continue  # its other values cannot be written in the stored type: left as it is
        others.append((other, not kept))
        if not kept:
            edits.append(ncatted_attribute(other, record.name, "d"))
        else:
            edits.append(ncatted_attribute(other, record.name, "o", ncatted_type(stored.dtype),
                                           ",".join(ncatted_number(stored[index], stored.dtype) for index in kept)))
    return edits, others


def _stored_attribute(record: FileMarks, key: str) -> np.ndarray | None:
    """The values of attribute ``key`` of ``record``'s variable as its file stores them (before
    any unpacking), None when the file cannot be read again."""
    if record.open_stored is None:
        return None
    try:
        with record.open_stored() as raw:
            stored = raw[record.name]
            return np.atleast_1d(stored.attrs.get(key, stored.encoding.get(key)))
    except (OSError, ValueError, KeyError, TypeError):
        return None
