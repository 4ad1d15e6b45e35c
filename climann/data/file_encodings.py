"""Each file's stored type and packing of a variable combined from several files.

xarray's combine keeps the first file's ``encoding`` for the combined variable: of a series
whose first year is a float32 file (ERA5 from the new CDS) and whose later years are old packed
``short`` files, the combined ``t2m`` says float32 and no ``scale_factor``. A check that reads a
value's meaning from the stored type and packing (the fill-like values,
:mod:`climann.data.fill_like`: short's -32768 unpacked with the file's own scale and offset)
then looked for the first file's values in every file's steps, and an old file's unmarked
-32768 was trained on without a word (verify25 F2). As the files are combined
(:func:`climann.data.open.open_dataset`), each file's stored type, packing and fill attributes
(:data:`STORED_KEYS`) are recorded with its time steps (:data:`FILE_ENCODINGS_KEY`); the
checks take each file's own (:func:`file_encodings`, :func:`as_stored_in`). Encoding, not
attributes: it describes the files read, and xarray does not write keys it does not know.

What a file's mask removed is recorded the same way, by file rather than by stored type (each
file's sample of the values it read as missing: below absolute zero,
:mod:`climann.data.absolute_zero`; outside its valid range, :mod:`climann.data.valid_range_tails`):
:func:`with_every_file_records` keeps every file's record, :func:`every_file_records` reads them.
A later file whose ``valid_max`` cut a tail of its data was otherwise never warned of when the
first file had no valid range, or one that removed nothing (encodfix).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
import dataclasses
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr

from climann.data.paths import is_zarr_store
from climann.data.shell import copies_of_files, input_and_copy, one_copy_advice
from climann.data.sources import source_files

__all__ = ["CONVERSIONS_KEY", "FILE_ENCODINGS_KEY", "STORED_KEYS", "FileEncoding", "as_stored_in",
           "commands_for_files", "conversion_recorded", "converted_forms",
           "every_file_records", "file_encodings", "files_by_answer", "stored_forms", "with_every_file_records",
           "with_file_encodings"]

#: The key, in a data variable's ``encoding``, of the :class:`FileEncoding` of each of its files.
FILE_ENCODINGS_KEY = "climann_file_encodings"

#: The key, in a variable's ``encoding``, of the unit conversions made to its decoded values, in
#: order, recorded by :func:`climann.data.units.convert_variable` (:func:`conversion_recorded`)
#: so that a value the file stores (its packed -32768) is still known in the converted values
#: (:func:`converted_forms`): each an affine ``(scale, offset)`` (degC made K: ``(1.0, 273.15)``)
#: or, for a conversion by the length of each time step (a total over each month in
#: ``kg m-2 month-1`` made a flux in ``kg m-2 s-1``), the factors it multiplied the values by, in
#: the data's type, each distinct factor once: an array of shape (n_factors,). One ordered record
#: of both kinds: a series opened with one file converted by its months' lengths and then
#: converted as a whole (new data in the run's units) keeps both (encodfix; the step factors
#: were kept apart, and an affine conversion after them dropped the record).
CONVERSIONS_KEY = "climann_unit_conversions"

#: The ``encoding`` keys that say how a file's stored values are read: the stored type, the
#: packing (CF-1.8 §8.1), the fill attributes (§2.5.1), ``_Unsigned`` (NUG) and the unit
#: conversions made to them (:data:`CONVERSIONS_KEY`).
STORED_KEYS = ("dtype", "scale_factor", "add_offset", "_FillValue", "missing_value", "_Unsigned", CONVERSIONS_KEY)


def converted_forms(value: np.generic, encoding: dict) -> tuple[np.generic, ...]:
    """Every value a decoded ``value`` of the file takes in the converted data: the recorded
    conversions (:data:`CONVERSIONS_KEY`) made in order, with the same operations in the same
    types as the data's (times the scale, plus the offset; times each factor of a conversion
    by the steps' lengths, one value per factor; back to a float type), so that each equals a
    converted data value; the value itself when nothing was converted.

    Parameters
    ----------
    value : numpy scalar
        Decoded, as the file's values read.
    encoding : dict
        The variable's.

    Returns
    -------
    tuple of numpy scalars
        One per combination of the step-length factors (one without such a conversion).
    """
    forms = np.asarray(value).reshape(1)
    for conversion in encoding.get(CONVERSIONS_KEY, ()):
        with np.errstate(over="ignore", invalid="ignore"):  # 9.97e36 W m-2 in mW m-2: inf, as in the data
            if isinstance(conversion, np.ndarray):  # factors of a conversion by the steps' lengths
                converted = (forms[:, None] * conversion[None, :]).reshape(-1)
            else:
                scale, offset = conversion
                converted = forms * scale + offset
        forms = converted.astype(forms.dtype) if forms.dtype.kind == "f" else converted
    return tuple(forms)


def conversion_recorded(encoding: dict, conversion: tuple[float, float] | np.ndarray) -> dict:
    """``encoding`` (a variable's) with one more unit conversion of its values appended to
    :data:`CONVERSIONS_KEY`: an affine ``(scale, offset)`` or the factors of a conversion by
    the length of each step; in the variable's own record and in that of each group of its
    files (:data:`FILE_ENCODINGS_KEY`): a series converted again (new data in the run's units)
    keeps each file's earlier conversions, which its file's record holds (encodfix: b.nc's
    kg m-2 month-1 made kg m-2 s-1 as opened, then the whole series kg m-2 day-1).

    Parameters
    ----------
    encoding : dict
    conversion : (float, float) or ndarray
        The scale and offset (degC made K: ``(1.0, 273.15)``), or the distinct factors, shape
        (n_factors,), in the data's type.

    Returns
    -------
    dict
        A new dict; ``encoding`` is left as it is.
    """
    converted = {**encoding, CONVERSIONS_KEY: (*encoding.get(CONVERSIONS_KEY, ()), conversion)}
    if FILE_ENCODINGS_KEY in encoding:
        converted[FILE_ENCODINGS_KEY] = tuple(
            dataclasses.replace(record, encoding=conversion_recorded(record.encoding, conversion))
            for record in encoding[FILE_ENCODINGS_KEY])
    return converted


@dataclass(frozen=True)
class FileEncoding:
    """How the files of a variable that share one stored type and packing store it.

    Attributes
    ----------
    files : tuple of str
        The files (paths as given).
    times : numpy.ndarray or None
        Their time steps kept (coordinate values); None for a static field.
    encoding : dict
        Their ``encoding`` entries of :data:`STORED_KEYS`.
    dtype : numpy.dtype
        Their decoded type (a ``short`` packed with a float64 ``scale_factor`` decodes to float64).
    """

    files: tuple[str, ...]
    times: np.ndarray | None
    encoding: dict
    dtype: np.dtype


def _stored(encoding: dict) -> dict:
    return {key: encoding[key] for key in STORED_KEYS if key in encoding}


def _same(one: FileEncoding, other: FileEncoding) -> bool:
    """Whether two records read their stored values alike (same keys, values, decoded type)."""
    if one.dtype != other.dtype or one.encoding.keys() != other.encoding.keys():
        return False
    return all(_equal(one.encoding[key], other.encoding[key]) for key in one.encoding)


def _equal(one: object, other: object) -> bool:
    """Whether two encoding values are the same values of the same types; a record of
    conversions (:data:`CONVERSIONS_KEY`: pairs and arrays of factors) entry by entry. A NaN
    fill value is the same as another NaN (xarray writes ``_FillValue = NaN`` on every float
    variable): compared as numbers, each such file was a group of its own, and the fill-like
    values were looked for once per file in every file's values (400 one-day files: 6 000
    values looked for in each block, ≈ 13 s of ``climann info``'s CPU, fix43c)."""
    if isinstance(one, tuple) and isinstance(other, tuple) and any(isinstance(item, tuple | np.ndarray)
                                                                   for item in (*one, *other)):
        return len(one) == len(other) and all(_equal(a, b) for a, b in zip(one, other, strict=True))
    one, other = np.asarray(one), np.asarray(other)
    return one.dtype == other.dtype and np.array_equal(one, other, equal_nan=one.dtype.kind in "fc")


def with_file_encodings(combined: xr.Dataset, parts: Sequence[tuple[xr.Dataset, Path | None]], *,
                        steps: Callable[[xr.DataArray], np.ndarray]) -> xr.Dataset:
    """``combined`` whose data variables record the :class:`FileEncoding` of each of ``parts``
    holding them, grouped where alike, when they differ (:data:`FILE_ENCODINGS_KEY`); lazy as given.

    Parameters
    ----------
    combined : xarray.Dataset
        The parts combined.
    parts : sequence of (xarray.Dataset, Path or None)
        Each file's dataset as combined and its path; None for a part combined from files
        already (a ``split_files`` block): its variables' own records, else the files they record.
    steps : callable
        A variable's time steps (coordinate values; empty for a static field).

    Returns
    -------
    xarray.Dataset
    """
    recorded = {}
    for name, variable in combined.data_vars.items():
        records: list[FileEncoding] = []
        for part, path in parts:
            if name not in part.data_vars:
                continue
            own = part[name]
            if FILE_ENCODINGS_KEY in own.encoding:
                records.extend(own.encoding[FILE_ENCODINGS_KEY])
                continue
            files = (str(path),) if path is not None else source_files(own)
            held = np.asarray(steps(own))
            records.append(FileEncoding(files, held if held.size else None, _stored(own.encoding), own.dtype))
        groups: list[FileEncoding] = []
        for record in records:
            alike = next((number for number, group in enumerate(groups) if _same(group, record)), None)
            if alike is None:
                groups.append(record)
                continue
            group = groups[alike]
            times = None if group.times is None or record.times is None else np.concatenate([group.times,
                                                                                          record.times])
            groups[alike] = FileEncoding(group.files + record.files, times, group.encoding, group.dtype)
        if len(groups) > 1:
            recorded[name] = variable.variable.copy(deep=False)
            recorded[name].encoding = {**variable.encoding, FILE_ENCODINGS_KEY: tuple(groups)}
    return combined.assign(recorded) if recorded else combined


def file_encodings(variable: xr.DataArray) -> tuple[FileEncoding, ...]:
    """The :class:`FileEncoding` of each group of ``variable``'s files that store it alike, in
    their order; empty when all its files store it alike (its own ``encoding`` says how)."""
    return tuple(variable.encoding.get(FILE_ENCODINGS_KEY, ()))


def as_stored_in(variable: xr.DataArray, record: FileEncoding) -> xr.DataArray:
    """An empty stand-in of ``variable`` with the record's decoded type and ``encoding`` (its
    attributes and the record of its files kept): what the checks that read a value's meaning
    from the stored type and packing take for those files."""
    stand_in = xr.DataArray(np.zeros(0, dtype=record.dtype), dims="value", attrs=dict(variable.attrs))
    kept = {key: value for key, value in variable.encoding.items() if key not in STORED_KEYS}
    stand_in.encoding = {**kept, **record.encoding}
    return stand_in


def stored_forms(variable: xr.DataArray, of: Callable[[xr.DataArray], Hashable]) -> list[tuple[tuple[str, ...],
                                                                                              Hashable]]:
    """What ``of`` (a command's script, read from the stored type and fill attributes) is for each
    group of ``variable``'s files (:func:`file_encodings`, each as :func:`as_stored_in`), the
    files of one answer together, fewest files first: ``[((), of(variable))]`` when every file
    gives the same (or they store it alike), so that a valid series keeps its one command.

    Parameters
    ----------
    variable : xarray.DataArray
        As opened.
    of : callable
        The answer for a variable as its files store it (hashable: a script, or None).

    Returns
    -------
    list of (tuple of str, answer)
        The files (none: all) and their answer.
    """
    groups = files_by_answer((record.files, of(as_stored_in(variable, record))) for record in file_encodings(variable))
    return groups if len(groups) > 1 else [((), of(variable))]


def files_by_answer(answers: Iterable[tuple[tuple[str, ...], Hashable]]) -> list[tuple[tuple[str, ...], Hashable]]:
    """The files of each answer together, fewest files first, from ``(files, answer)`` pairs
    (a group of files that store a variable alike, or one file, and what a check says of them).

    Parameters
    ----------
    answers : iterable of (tuple of str, answer)
        Files and their hashable answer (a script, or None), in the files' order.

    Returns
    -------
    list of (tuple of str, answer)
        One entry per distinct answer, its files in their order; ties in the order first met.
    """
    found: dict[Hashable, tuple[str, ...]] = {}
    for files, answer in answers:
        found[answer] = found.get(answer, ()) + files
    return sorted(((files, answer) for answer, files in found.items()), key=lambda group: len(group[0]))


def commands_for_files(forms: Sequence[tuple[tuple[str, ...], Hashable]], command: Callable[[Hashable, str], str], *,
                       files: str, every_file: bool = True, copies: str = "fixed") -> str:
    """The commands of :func:`stored_forms`' groups, ``command(answer, file arguments)`` each:
    the one command on ``files`` when every file has the same (on one user's file, its copy in a
    new folder ``copies`` beside it, fix54b); else one command per group, each named, writing
    the copies into a new folder beside them (``copies``): a group of one file its command on it,
    a group of several a loop over them (fix54b: a group of one file was a loop over that one
    file), then the ``--data`` that takes them (:func:`~climann.data.shell.copies_of_files`;
    fix45b: such a group was told ``CMD IN.nc OUT.nc`` "for the other files", no file to run it
    on). Two alternatives (set to 0, or missing) give each its own ``copies``: in one folder, the
    second refused or mixed with the first's copies (fix54b). Every group's files are named now, so
    ``every_file`` (whether the groups hold all of the variable's files) no longer changes the
    words; it is kept for the callers."""
    if len(forms) == 1 and not forms[0][0]:
        # one file: its copy in a new folder too (fix54b: pr_fixed.nc beside pr.nc, taken with it by a glob)
        return one_copy_advice(lambda arguments: command(forms[0][1], arguments), files, copies)
    if not any(is_zarr_store(file) for held, _ in forms for file in held):  # one file's copy in a folder (fix53a)
        answer_of = {file: answer for held, answer in forms for file in held}
        return copies_of_files(lambda arguments, file: command(answer_of[file], arguments),
                               [file for held, _ in forms for file in held], name=copies)
    return "; ".join(f"for {Path(held[0]).name}: {command(answer, input_and_copy(held[0]))}" for held, answer in forms)


def every_file_records(variable: xr.DataArray, key: str) -> tuple:
    """The records under ``key`` in ``variable``'s ``encoding`` of each of its files that has one
    (:func:`with_every_file_records`): a record, a tuple of them, or none, as a tuple."""
    records = variable.encoding.get(key)
    return () if records is None else records if isinstance(records, tuple) else (records,)


def with_every_file_records(combined: xr.Dataset, parts: Sequence[xr.Dataset], *, keys: Sequence[str]) -> xr.Dataset:
    """``combined`` whose variables keep, under each of ``keys``, the records of every one of
    ``parts`` (the files or blocks it was combined from; xarray keeps the first's encoding) as a
    tuple in their order, so that a warning reads what every file had masked, not the first's only.

    Parameters
    ----------
    combined : xarray.Dataset
        The parts combined.
    parts : sequence of xarray.Dataset
        Each file's (or block's) dataset as combined.
    keys : sequence of str
        The ``encoding`` keys of the records (one per file, or a tuple of them for a block).

    Returns
    -------
    xarray.Dataset
    """
    recorded = {}
    for name in combined.data_vars:
        found = {key: [record for part in parts if name in part.data_vars
                       for record in every_file_records(part[name], key)] for key in keys}
        # a later file's one record too: the combined variable has none when the first file had none
        found = {key: tuple(records) for key, records in found.items()
                 if len(records) > 1 or (records and not every_file_records(combined[name], key))}
        if found:
            variable = combined[name].variable.copy(deep=False)
            variable.encoding = {**variable.encoding, **found}
            recorded[name] = variable
    return combined.assign(recorded) if recorded else combined
