"""GRIB files read through cfgrib, refused where cfgrib would read them otherwise than they are.

cfgrib builds one variable per ecCodes ``paramId`` (cfgrib ``dataset.build_dataset_components``).
Two kinds of file are then read wrong without an error:

- **Parameters ecCodes cannot name.** CDO's code-only output (``cdo -f grb``, ``-f grb2``:
  ``code167``, ``code228``) and other centres' local tables have ``paramId = 0``, ``shortName =
  "unknown"``, ``units = "unknown"`` for this ecCodes. Every such parameter is one ``paramId``,
  so cfgrib folds them all into one variable ``unknown``, keeping one message per time step and
  dropping the others without a word; where the message order changes between steps (``cat``
  of two downloads) the variable splices two fields (break18 F2: tas for 4 years, the other
  field for 4). A file holding more than one such parameter (distinct GRIB1
  ``table2Version``/``indicatorOfParameter``, GRIB2 ``discipline``/``parameterCategory``/
  ``parameterNumber``, counted over its messages with ecCodes) is refused, naming the codes and
  the commands that split it. One such parameter alone is read, renamed as CDO names it
  (``code167``, see :func:`parameter_name`) so that files of two different codes are never one
  variable, and without ``units``: ecCodes' ``"unknown"`` is no unit, and the scores of a
  target without units say so (:func:`climann.evaluation.report.units_texts`), with a warning.
- **Parameters cfgrib cannot put in one dataset with the others.** An ERA5 download of ``2t``
  (analyses, step 0, hourly) and ``tp`` (``stepType = accum``, forecasts from 06 and 18 UTC,
  steps 1…12 h) has two time axes; cfgrib keeps the first parameter, logs the other as
  ``skipping variable`` with a ``DatasetBuildError`` traceback, and drops it (break18 F5). The
  file is refused in one line naming the parameters skipped and the ``grib_copy`` commands that
  split it, rather than opened per cfgrib group (``cfgrib.open_datasets``): the groups' time
  axes cannot be one ``time`` dimension of one dataset, and every later step (``info``'s list,
  the default predictors, "not in the file") would otherwise see a part of the file as the
  whole. cfgrib's log records of skipped variables are kept from the terminal.

- **Messages cut short or unreadable.** cfgrib logs each message ecCodes cannot read (a file
  cut short inside one: ``PrematureEndOfFileError``; a wrong length) as ``skipping corrupted
  Message`` with a traceback, and reads the others as the whole file (5 of 24 months, exit 0).
  A file cut short is refused before cfgrib reads it, naming the message cut and how much of it
  the file holds (:func:`climann.data.grib_framing.cut_message`); one with another unreadable
  message after cfgrib's reading, with ecCodes' error (:func:`corrupted_message_text`). cfgrib's
  tracebacks are kept from the terminal (:func:`corrupted_messages`).

A parameter on several kinds of level (ERA5's ``t`` on pressure and model levels), which cfgrib
refuses itself with the ``filter_by_keys`` groups to re-open the file with, is refused in one
line naming the groups and the ``grib_copy -w`` lines that split the file along them
(:func:`several_groups_message`); climann takes no ``filter_by_keys`` of its own.

ecCodes is imported only when a GRIB file is checked (it comes with cfgrib, the ``grib`` extra).

**Read once per command.** A command opens a file several times (``climann info``: the data,
its times undecoded for diagnosis, the check that its config trains), and each cfgrib opening
read every message's headers again to build its index (break33b B7: 3 × 17 s of a 1 500-message
file). cfgrib's index is kept in a folder of climann's own in the temporary directory
(:func:`index_path`), never beside the user's file, named by the file's identity (path, device,
inode, size, modification time: a file rewritten since is indexed again) and removed when the
process ends. The header scans of this module (:func:`unknown_parameters`,
:func:`held_forecast_pairs`, :func:`step_ranges`) read each message once per file and command
(:func:`message_headers`).
"""

from __future__ import annotations

import ast
import atexit
import hashlib
import logging
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr

from climann.data.forecast_times import on_held_valid_times
from climann.data.grib_framing import CutMessage, cut_message, cut_message_text
from climann.data.notes import kept_for_the_run, note_once
from climann.data.paths import is_grib
from climann.data.shell import (
    beside, cdo_command, copies_folder, glob_words, none_there_in_loop, shared_glob, shown_path, stopping_loop,
    working_path,
)
from climann.errors import ClimannError

_log = logging.getLogger(__name__)

#: The logger cfgrib says "skipping variable" on (``cfgrib/dataset.py``).
CFGRIB_LOGGER = "cfgrib.dataset"

#: ecCodes' ``paramId`` of a parameter not in its tables.
UNKNOWN_PARAM_ID = 0

#: 255: GRIB2's "missing" code (WMO GRIB2 Code Tables 0.0, 4.1), as CDO writes its code-only fields.
MISSING_CODE = 255


#: The logger cfgrib reports a message ecCodes cannot read on, and its index file's faults (``cfgrib/messages.py``).
CFGRIB_MESSAGES_LOGGER = "cfgrib.messages"


class _MessageRecords(logging.Filter):
    """Keeps the errors of cfgrib's ``skipping corrupted Message`` records (ecCodes' exception,
    e.g. ``PrematureEndOfFileError``) and stops every record of its messages logger with a
    traceback: they are said in one line of climann's own (:func:`open_grib`)."""

    def __init__(self) -> None:
        super().__init__()
        self.corrupted: list[str] = []

    def filter(self, record: logging.LogRecord) -> bool:
        if str(record.msg).startswith("skipping corrupted Message"):
            error = record.exc_info[1] if record.exc_info else None
            self.corrupted.append(f"{type(error).__name__}: {error}" if error else "?")
            return False
        return record.exc_info is None


@contextmanager
def corrupted_messages() -> Iterator[list[str]]:
    """ecCodes' error for each message cfgrib skips as corrupted while the block runs; cfgrib's
    log records with a traceback (those, and the index file it could not write after one) are
    not passed on, its other records are."""
    logger = logging.getLogger(CFGRIB_MESSAGES_LOGGER)
    records = _MessageRecords()
    logger.addFilter(records)
    try:
        yield records.corrupted
    finally:
        logger.removeFilter(records)


class _SkipRecords(logging.Filter):
    """Keeps the arguments of cfgrib's ``skipping variable: paramId==%r shortName=%r`` records
    and stops them (a logger's filters run before any handler sees a record)."""

    def __init__(self) -> None:
        super().__init__()
        self.skipped: list[tuple[int, str]] = []

    def filter(self, record: logging.LogRecord) -> bool:
        if not str(record.msg).startswith("skipping variable"):
            return True
        arguments = record.args if isinstance(record.args, tuple) else ()
        self.skipped.append((int(arguments[0]), str(arguments[1])) if len(arguments) == 2 else (0, "?"))
        return False


@contextmanager
def skipped_variables() -> Iterator[list[tuple[int, str]]]:
    """The ``(paramId, shortName)`` of each variable cfgrib skips while the block runs; its log
    records of them (a traceback each) are not passed on, its other records are."""
    logger = logging.getLogger(CFGRIB_LOGGER)
    records = _SkipRecords()
    logger.addFilter(records)
    try:
        yield records.skipped
    finally:
        logger.removeFilter(records)


#: The ``encoding`` key of a variable climann renamed (:func:`_with_unknown_parameter_named`):
#: cfgrib's name of it (``unknown``), which a printed xarray line opening the file uses.
GRIB_FILE_NAME_KEY = "climann_grib_name"


def no_message_text(path: Path) -> str:
    """Why cfgrib finds no GRIB message in ``path``: a GRIB file (it begins with ``GRIB``, WMO
    FM 92 Section 0) cut short, or a file named as GRIB that is none."""
    if is_grib(path):
        return (f"{path} is a GRIB file (it begins with 'GRIB', or a WMO heading and 'GRIB') without one whole "
                f"message: cut short (a download or copy that did not finish); fetch or copy the file again")
    return (f"{path} holds no GRIB message (it does not begin with 'GRIB', as GRIB does): another format, or a file "
            f"cut short; fetch or copy the file again")


#: ecCodes keys cfgrib adds to each variable's attributes (``GRIB_derivedForecast``) beside its own: a
#: derived forecast's code (WMO GRIB2 Code Table 4.7) tells an ensemble's spread from its mean
#: (:mod:`climann.data.ensemble_spreads`).
READ_KEYS = ("derivedForecast",)


def open_grib(path: Path, **options: object) -> xr.Dataset:
    """:func:`xarray.open_dataset` of a GRIB file through cfgrib, without an index file
    (``indexpath=""``), checked for the faults of this module's docstring.

    Parameters
    ----------
    path : Path
        A GRIB file (edition 1 or 2).
    **options
        Given to :func:`xarray.open_dataset` (``chunks``, ``decode_times`` …).

    Returns
    -------
    xarray.Dataset
        As cfgrib reads it; a variable of one parameter ecCodes cannot name renamed as CDO
        names it (``code167``) and without its ``units = "unknown"``.

    Raises
    ------
    ClimannError
        If cfgrib skipped a parameter, or if the file holds more than one parameter ecCodes
        cannot name, or no whole GRIB message (:func:`no_message_text`).
    """
    cut = _cut_message(path)
    if cut is not None:  # cfgrib reads the whole messages before the cut as the whole file
        raise ClimannError(cut_message_text(path, cut, shown=shown_path(path)))
    backend_kwargs = options.pop("backend_kwargs", None) or {}
    # the derived forecast code says a mean or a spread of the members (GEFS's geavg and gespr: both t2m in K)
    options["backend_kwargs"] = {"read_keys": list(READ_KEYS), **backend_kwargs, "indexpath": index_path(path)}
    with skipped_variables() as skipped, corrupted_messages() as corrupted:
        try:
            # one opening at a time: a second thread would read the index file while the first writes it
            with _INDEX_LOCK:
                dataset = xr.open_dataset(path, engine="cfgrib", **options)
        except EOFError:  # cfgrib's "No valid message found": click took an EOFError for Ctrl-C (SIGINT)
            raise ClimannError(no_message_text(path)) from None
        except Exception as error:
            # cfgrib refuses parameters it cannot tell apart on two level types (the same
            # "unknown" paramId); the codes are the user's way out, not cfgrib's filter_by_keys.
            _refuse_several_unknown(path, _unknown_parameters_if_readable(path))
            # A named parameter on two kinds of level: the groups cfgrib names, split apart.
            groups = filter_groups(str(error))
            if groups:
                raise ClimannError(several_groups_message(path, groups)) from None
            raise
    if corrupted:
        dataset.close()
        _forget_index(path)  # a second opening would read the index of the messages kept, without a word
        raise ClimannError(corrupted_message_text(path, corrupted))
    if skipped:
        dataset.close()
        names = [name for _, name in skipped]
        raise SkippedParameters(skipped_message(path, names), path=path, names=names)
    if any(variable.attrs.get("GRIB_paramId") == UNKNOWN_PARAM_ID for variable in dataset.data_vars.values()):
        dataset = _with_unknown_parameter_named(dataset, path, unknown_parameters(path))
    return _on_held_valid_times(_with_step_intervals(dataset, path), path)


def corrupted_message_text(path: Path, errors: list[str]) -> str:
    """The one-line refusal of a GRIB file with messages ecCodes cannot read (cfgrib skips them
    and reads the others as the whole file): how many, ecCodes' first error, and how to see them."""
    shown = shown_path(path)
    count = f"{len(errors)} message{'s' if len(errors) != 1 else ''}"
    return (f"{path} holds {count} that ecCodes cannot read ({errors[0]}), which cfgrib would leave out without a "
            f"word: grib_ls {shown} lists the messages and says 'unreadable message' for each; fetch or copy the "
            f"file again")


#: Each file's message cut short (or None) as :func:`_cut_message` found it, by the file's identity.
_CUTS: dict[tuple, CutMessage | None] = {}
kept_for_the_run(_CUTS.clear)


def _cut_message(path: Path) -> CutMessage | None:
    """:func:`~climann.data.grib_framing.cut_message`, once per unchanged file in a run (a command
    opens a file several times; 24 000 messages take 0.2 s)."""
    key = _identity(path)
    with _INDEX_LOCK:
        if key not in _CUTS:
            _CUTS[key] = cut_message(path)
        return _CUTS[key]


def _identity(path: Path) -> tuple:
    """A file's identity in this run: resolved path, device, inode, size, modification time."""
    status = os.stat(path)
    return (str(Path(path).resolve()), status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns)


def _forget_index(path: Path) -> None:
    """Remove this process's cfgrib index files of ``path`` (:func:`index_path`)."""
    prefix = Path(index_path(path)).name.split(".")[0]
    for index in _index_folder().glob(f"{prefix}.*"):
        index.unlink(missing_ok=True)


def _with_step_intervals(dataset: xr.Dataset, path: Path) -> xr.Dataset:
    """``dataset`` whose GRIB accumulations are totals over intervals of lead times that do not
    all begin at the forecast start (product template 11, ``stepRange`` "0-6", "6-12": at step
    12 the total over 6–12 h, break33b B4) with CF bounds of its lead time ``step`` from the
    messages' ``startStep`` and ``endStep`` (:func:`step_ranges`): they give each step's window
    (:mod:`climann.data.forecast_windows`), the value taken as it is. As it is otherwise (totals
    from the start, "0-6", "0-12", which cfgrib's ``step`` alone says; a step of several ranges).
    A single lead time (cfgrib's scalar ``step``) gets the bounds of its one range whatever it
    is, "0-24" as "18-24" (NCEP's GFS bucket at 24 h): one lead time does not say that its total
    is from the start (fix34c), and the bounds lie on ``bnds`` alone (CF 7.1)."""
    if ("step" not in dataset.coords or "bounds" in dataset["step"].attrs or dataset["step"].ndim > 1
            or not np.issubdtype(dataset["step"].dtype, np.timedelta64)
            or not any(str(variable.attrs.get("GRIB_stepType")) == "accum" for variable in dataset.data_vars.values())):
        return dataset
    ranges = step_ranges(path)
    hours = np.atleast_1d(dataset["step"].values / np.timedelta64(1, "h"))
    scalar = dataset["step"].ndim == 0
    if (any(len(ranges.get(hour, ())) != 1 for hour in hours)
            or (not scalar and all(ranges[hour] == {0.0} for hour in hours))):
        return dataset
    lower = np.array([next(iter(ranges[hour])) for hour in hours]) * np.timedelta64(3600, "s")
    bounds = np.stack([lower.astype(dataset["step"].dtype), np.atleast_1d(dataset["step"].values)], axis=-1)
    step = dataset["step"].variable.copy(deep=False)
    step.attrs = {**step.attrs, "bounds": "step_bnds"}
    dims = ("bnds",) if scalar else ("step", "bnds")
    return dataset.assign_coords(step=step).assign(step_bnds=(dims, bounds[0] if scalar else bounds))


def step_ranges(path: Path) -> dict[float, set[float]]:
    """The start of each accumulation's interval by its end, in hours, from ``path``'s message
    headers: ecCodes' ``startStep`` and ``endStep`` (the GRIB ``stepRange`` "6-12": {12.0: {6.0}}),
    of the messages of statistics over lead times (``stepType`` not ``instant``: an instant's
    start is its end).

    Parameters
    ----------
    path : Path
        A GRIB file.

    Returns
    -------
    dict of float to set of float
        endStep (hours) → every startStep (hours) of the messages ending there.
    """
    headers = message_headers(path)
    if headers.ranges_error is not None:
        raise headers.ranges_error
    return {end: set(starts) for end, starts in headers.step_ranges.items()}


#: The folder of this process's cfgrib index files (:func:`index_path`), made when first needed.
_INDEX_FOLDER: list[Path] = []
_INDEX_LOCK = threading.RLock()


def index_path(path: Path) -> str:
    """cfgrib's ``indexpath`` for ``path``: a file in a temporary folder of this process's own,
    named by the file's identity, so that every opening of an unchanged file in one command
    reuses the index the first one wrote, and nothing is written beside the user's file.

    Parameters
    ----------
    path : Path
        A GRIB file.

    Returns
    -------
    str
        ``<folder>/<identity hash>.{hash}.idx``: cfgrib fills in ``{hash}``, the hash of its index
        keys (cfgrib ``messages.FileIndex.from_indexpath_or_filestream``), so that openings with
        other keys have other index files. The folder is removed when the process ends.
    """
    identity = repr(_identity(path))
    folder = str(_index_folder()).replace("{", "{{").replace("}", "}}")  # cfgrib formats the whole path
    return f"{folder}{os.sep}{hashlib.sha256(identity.encode()).hexdigest()[:32]}.{{hash}}.idx"


def _index_folder() -> Path:
    """This process's folder of cfgrib index files, made on first use, removed at exit."""
    with _INDEX_LOCK:
        if not _INDEX_FOLDER:
            folder = Path(tempfile.mkdtemp(prefix="climann-grib-index-"))
            atexit.register(_remove_index_folder, folder, os.getpid())
            _INDEX_FOLDER.append(folder)
        return _INDEX_FOLDER[0]


def _remove_index_folder(folder: Path, owner: int) -> None:
    """Remove ``folder`` in the process that made it (a forked child exiting leaves it)."""
    if os.getpid() == owner:
        shutil.rmtree(folder, ignore_errors=True)


def _on_held_valid_times(dataset: xr.Dataset, path: Path) -> xr.Dataset:
    """``dataset`` on one axis of valid times where its messages' (reference time, lead time)
    pairs reach each valid time once (:func:`climann.data.forecast_times.on_held_valid_times`:
    CDO's ``cdo -f grb copy`` of a monthly file), with a note; as it is otherwise."""
    if not any(coordinate.ndim == 2 and coordinate.attrs.get("standard_name") == "time"
               for coordinate in dataset.coords.values()):
        return dataset
    one_axis = on_held_valid_times(dataset, held_forecast_pairs(path))
    if one_axis is not dataset:
        reference, lead = next(coordinate.dims for coordinate in dataset.coords.values() if coordinate.ndim == 2)
        note_once(_log, logging.INFO,
                  f"{path.name}: its {one_axis.sizes[reference]} fields are stamped as forecasts from "
                  f"{dataset.sizes[reference]} reference times at {dataset.sizes[lead]} lead times ({lead}), but each "
                  f"valid time is reached once (as cdo -f grb copy writes a time axis): read on their valid times, "
                  f"one axis of {one_axis.sizes[reference]} steps")
    return one_axis


def held_forecast_pairs(path: Path) -> set[tuple[np.datetime64, np.datetime64]]:
    """The (reference time, valid time) pairs of ``path``'s messages, as ``datetime64[s]``:
    ecCodes' ``dataDate``/``dataTime`` and ``validityDate``/``validityTime`` (the reference
    time + the lead time in the message's own units), from the headers only
    (:func:`message_headers`)."""
    headers = message_headers(path)
    if headers.pairs_error is not None:
        raise headers.pairs_error
    return set(headers.forecast_pairs)


@dataclass(frozen=True)
class MessageHeaders:
    """What this module reads from the headers of every message of a GRIB file.

    Attributes
    ----------
    unknown_parameters : tuple of tuple of int
        See :func:`unknown_parameters`.
    forecast_pairs : frozenset of (numpy.datetime64, numpy.datetime64)
        See :func:`held_forecast_pairs`.
    step_ranges : dict of float to frozenset of float
        See :func:`step_ranges`.
    pairs_error, ranges_error : Exception or None
        What ecCodes raised reading a message's times (steps), raised again by
        :func:`held_forecast_pairs` (:func:`step_ranges`).
    """

    unknown_parameters: tuple[tuple[int, ...], ...]
    forecast_pairs: frozenset[tuple[np.datetime64, np.datetime64]]
    step_ranges: dict[float, frozenset[float]]
    pairs_error: Exception | None = None
    ranges_error: Exception | None = None


#: Each file's headers as :func:`message_headers` read them, by the file's identity.
_HEADERS: dict[tuple, MessageHeaders] = {}
kept_for_the_run(_HEADERS.clear)


def message_headers(path: Path) -> MessageHeaders:
    """The parameters ecCodes cannot name, the (reference time, valid time) pairs and the
    accumulation intervals of ``path``'s messages, read in one pass over the message headers (ecCodes), once per
    unchanged file in a run (path, device, inode, size, modification time).

    Raises
    ------
    Exception
        ecCodes' errors where the file is not GRIB (they have no common base class).
    """
    key = _identity(path)
    with _INDEX_LOCK:
        if key not in _HEADERS:
            _HEADERS[key] = _read_message_headers(path)
        return _HEADERS[key]


def _read_message_headers(path: Path) -> MessageHeaders:
    """:func:`message_headers`, read: up to a last message cut short (:func:`open_grib` refuses such a file)."""
    import eccodes  # with cfgrib, the grib extra

    unknown: dict[tuple[int, ...], None] = {}
    pairs: set[tuple[np.datetime64, np.datetime64]] = set()
    ranges: dict[float, set[float]] = {}
    pairs_error = ranges_error = None
    with open(path, "rb") as file:
        while (message := _next_message(eccodes, file)) is not None:
            try:
                if eccodes.codes_get(message, "paramId") == UNKNOWN_PARAM_ID:
                    unknown[_parameter_codes(eccodes, message)] = None
                if pairs_error is None:
                    try:
                        pairs.add((_stamp(eccodes, message, "dataDate", "dataTime"),
                                   _stamp(eccodes, message, "validityDate", "validityTime")))
                    except Exception as error:  # ecCodes' errors: raised by held_forecast_pairs only
                        pairs_error = error
                # an instant's "range" is its step alone (startStep = endStep): beside an accumulation of the same end
                # (GFS's 2t at 24 h and tp 18-24 in one file) it left that step two starts, and no bounds (break38a B2)
                if ranges_error is None and str(eccodes.codes_get(message, "stepType")) != "instant":
                    try:  # last: it sets the handle's stepUnits
                        eccodes.codes_set(message, "stepUnits", 1)  # hours
                        start, end = (float(eccodes.codes_get(message, key)) for key in ("startStep", "endStep"))
                        ranges.setdefault(end, set()).add(start)
                    except Exception as error:  # ecCodes' errors: raised by step_ranges only
                        ranges_error = error
            finally:
                eccodes.codes_release(message)
    return MessageHeaders(tuple(unknown), frozenset(pairs), {end: frozenset(starts) for end, starts in ranges.items()},
                          pairs_error, ranges_error)


def _stamp(eccodes, message, date_key: str, time_key: str) -> np.datetime64:
    """A message's date and time keys (``20150101``, ``600``) as ``datetime64[s]``."""
    date, hhmm = int(eccodes.codes_get(message, date_key)), int(eccodes.codes_get(message, time_key))
    day = np.datetime64(f"{date // 10000:04d}-{date // 100 % 100:02d}-{date % 100:02d}", "s")
    return day + np.timedelta64(hhmm // 100 * 60 + hhmm % 100, "m")


def _parameter_codes(eccodes, message) -> tuple[int, ...]:
    """A message's parameter codes: see :func:`unknown_parameters`."""
    edition = eccodes.codes_get(message, "edition")
    keys = ("table2Version", "indicatorOfParameter") if edition == 1 else ("discipline", "parameterCategory",
                                                                           "parameterNumber")
    return (edition, *(int(eccodes.codes_get(message, key)) for key in keys))


#: cfgrib's advice when one parameter lies on several kinds of level (or steps): one line per
#: group, ``filter_by_keys={'typeOfLevel': 'isobaricInhPa'}`` (cfgrib ``dataset.build_dataset_components``).
_FILTER_BY_KEYS = re.compile(r"filter_by_keys=(\{[^}]*\})")


def filter_groups(text: str) -> list[dict[str, object]]:
    """The groups cfgrib's error ``text`` proposes to re-open the file with, each its
    ``filter_by_keys`` (``{"typeOfLevel": "hybrid"}``); empty when it proposes none.

    >>> filter_groups("multiple values for unique key, try re-open the file with one of:\\n"
    ...               "    filter_by_keys={'typeOfLevel': 'isobaricInhPa'}\\n"
    ...               "    filter_by_keys={'typeOfLevel': 'hybrid'}")
    [{'typeOfLevel': 'isobaricInhPa'}, {'typeOfLevel': 'hybrid'}]
    """
    groups = []
    for found in _FILTER_BY_KEYS.findall(text):
        try:
            keys = ast.literal_eval(found)
        except (ValueError, SyntaxError):
            return []
        if isinstance(keys, dict) and keys:
            groups.append(keys)
    return groups


def several_groups_message(path: Path, groups: list[dict[str, object]]) -> str:
    """Why a GRIB file whose one parameter lies on several kinds of level (ERA5's ``t`` on
    pressure and on model levels) is refused, and the ``grib_copy`` commands that split it.

    >>> several_groups_message(Path("t.grib2"), [{"typeOfLevel": "isobaricInhPa"}, {"typeOfLevel": "hybrid"}])
    ... # doctest: +NORMALIZE_WHITESPACE
    't.grib2 holds a parameter on several kinds of level or time (typeOfLevel isobaricInhPa; typeOfLevel \
hybrid), which cfgrib cannot read as one dataset; split the file, one kind per file: grib_copy -w \
typeOfLevel=isobaricInhPa t.grib2 t_isobaricInhPa.grib2; grib_copy -w typeOfLevel=hybrid t.grib2 t_hybrid.grib2'
    """
    kinds = "; ".join(", ".join(f"{key} {value}" for key, value in group.items()) for group in groups)
    copies = "; ".join(
        f"grib_copy -w {','.join(f'{key}={value}' for key, value in group.items())} {shown_path(path)} "
        f"{_split_part(path, '_'.join(str(value) for value in group.values()))}" for group in groups)
    return (f"{path.name} holds a parameter on several kinds of level or time ({kinds}), which cfgrib cannot read "
            f"as one dataset; split the file, one kind per file: {copies}")


def _split_part(path: Path, part: str) -> str:
    """The shell argument of the GRIB file a command writes beside ``path`` holding ``part`` of
    it (``era5_tp.grib``): never ``path`` nor an existing file (:func:`~climann.data.shell.beside`)."""
    return beside(path, part, path.suffix, renumber=False)  # ens_cf_pf.grib2's pf part: ens_cf_pf_pf.grib2


def skipped_message(path: Path, names: list[str]) -> str:
    """Why a GRIB file whose parameters cfgrib skipped is refused, and the commands that split it.

    >>> skipped_message(Path("era5.grib"), ["tp"])  # doctest: +NORMALIZE_WHITESPACE
    "era5.grib holds 'tp' on other times or steps than the rest of the file (an accumulation \
from forecasts beside analyses, say): cfgrib cannot read them as one dataset and drops 'tp'; \
split the file, one parameter per file: grib_copy -w shortName=tp era5.grib era5_tp.grib; \
grib_copy -w shortName!=tp era5.grib era5_rest.grib"
    """
    quoted = ", ".join(f"'{name}'" for name in names)
    copies = "; ".join(f"grib_copy -w shortName={name} {shown_path(path)} {_split_part(path, name)}" for name in names)
    rest = ",".join(f"shortName!={name}" for name in names)
    return (f"{path.name} holds {quoted} on other times or steps than the rest of the file (an accumulation from "
            f"forecasts beside analyses, say): cfgrib cannot read them as one dataset and drops {quoted}; split the "
            f"file, one parameter per file: {copies}; "
            f"grib_copy -w {rest} {shown_path(path)} {_split_part(path, 'rest')}")


class SkippedParameters(ClimannError):
    """The refusal of :func:`skipped_message`, with the file (``path``) and the parameters cfgrib
    dropped (``names``): a caller that opens several such files says the split of them all
    (:func:`skipped_loop_message`)."""

    def __init__(self, message: str, *, path: Path, names: list[str]) -> None:
        super().__init__(message)
        self.path, self.names = Path(path), list(names)


def skipped_loop_message(refused: SkippedParameters, files: list[Path]) -> str | None:
    """:func:`skipped_message` for ``refused``'s file and the other GRIB ``files`` of its folder with
    its ending given with it (NLDAS-2's 72 hourly files, ``APCP`` beside ``TMP`` in each): one loop
    over them all that splits each, one parameter per file, into a new folder beside them
    (:func:`~climann.data.shell.copies_folder`), guarded so that no copy there is written over
    (:func:`~climann.data.shell.none_there_in_loop`), then the ``--data`` of the folder. fix54k: the
    line split the first file alone, and the next run refused the second. None for one file."""
    path = refused.path
    alike = [file for file in dict.fromkeys(Path(each) for each in files)
             if file.parent == path.parent and file.suffix == path.suffix]
    if len(alike) < 2 or path not in alike:
        return None
    pattern = shared_glob(alike)
    listed = glob_words(pattern) if pattern is not None else " ".join(shown_path(file) for file in alike)
    folder = copies_folder(path.parent, "split")
    parts = [(f"shortName={name}", name) for name in refused.names]
    parts.append((",".join(f"shortName!={name}" for name in refused.names), "rest"))
    copies = [(condition, f'{shown_path(folder)}/"$(basename "${{f%.*}}")"_{part}{path.suffix}')
              for condition, part in parts]
    guards = "".join(none_there_in_loop(listed, copy) for _, copy in copies)
    split = " && ".join(f'grib_copy -w {condition} "$f" {copy}' for condition, copy in copies)
    quoted = ", ".join(f"'{name}'" for name in refused.names)
    return (f"{path.name} holds {quoted} on other times or steps than the rest of the file (an accumulation from "
            f"forecasts beside analyses, say): cfgrib cannot read them as one dataset and drops {quoted}; split "
            f"each of the {len(alike)} files, one parameter per file, into a new folder: `{guards}mkdir -p "
            f"{shown_path(folder)} && {stopping_loop(listed, split)}`, then give --data "
            f"'{working_path(folder)}/*{path.suffix}' in place of {listed} (the copies are in a folder of their "
            f"own: a glob over the originals' folder does not take them)")


def unknown_parameters(path: Path) -> list[tuple[int, ...]]:
    """The distinct parameters of ``path``'s messages that ecCodes cannot name (``paramId`` 0),
    in file order: ``(1, table2Version, indicatorOfParameter)`` for GRIB1 (WMO FM 92 GRIB
    edition 1, section 1 octets 4 and 9), ``(2, discipline, parameterCategory,
    parameterNumber)`` for GRIB2 (sections 0 and 4). Reads the message headers only, up to a
    last message cut short (:func:`open_grib` refuses such a file): :func:`message_headers`."""
    return list(message_headers(path).unknown_parameters)


def _next_message(eccodes, file):
    """The next message's handle (headers only), None at the end or at a message cut short."""
    try:
        return eccodes.codes_grib_new_from_file(file, headers_only=True)
    except eccodes.PrematureEndOfFileError:
        return None


def _unknown_parameters_if_readable(path: Path) -> list[tuple[int, ...]]:
    """:func:`unknown_parameters`, or none where ecCodes cannot read the file either (not GRIB,
    cut short): cfgrib's error, diagnosed by the caller, then says what is wrong."""
    try:
        return unknown_parameters(path)
    except Exception:  # ecCodes' errors have no common base class apart from Exception
        return []


def parameter_name(parameter: tuple[int, ...]) -> str:
    """The name CDO gives a parameter ecCodes cannot name, in ``cdo -f nc copy``'s output and
    ``cdo showname``: ``code167`` (GRIB1 code 167, or GRIB2 number 167 with category and
    discipline missing, 255, as CDO writes them), else ``param8.1.0`` (GRIB2 number 8,
    category 1, discipline 0: CDO's ``number.category.discipline``)."""
    if parameter[0] == 1 or parameter[1:3] == (MISSING_CODE, MISSING_CODE):
        return f"code{parameter[-1]}"
    _, discipline, category, number = parameter
    return f"param{number}.{category}.{discipline}"


def parameter_text(parameter: tuple[int, ...]) -> str:
    """A parameter's codes in GRIB's words: ``GRIB1 code 167 of table 128``, ``GRIB2 discipline
    255 category 255 number 167``."""
    if parameter[0] == 1:
        return f"GRIB1 code {parameter[2]} of table {parameter[1]}"
    return "GRIB2 discipline {1} category {2} number {3}".format(*parameter)


def _distinct_names(parameters: list[tuple[int, ...]]) -> list[str]:
    """The parameters' names (:func:`parameter_name`), a GRIB1 code held in several tables of
    the file told apart by its table (``code167_t251``, ``code167_t252``): CDO names both
    ``code167`` and reads them as one variable, keeping the first table's fields."""
    names = [parameter_name(parameter) for parameter in parameters]
    return [f"{name}_t{parameter[1]}" if names.count(name) > 1 and parameter[0] == 1 else name
            for name, parameter in zip(names, parameters, strict=True)]


def _copy_condition(parameter: tuple[int, ...], *, with_table: bool = False) -> str:
    """``grib_copy -w``'s condition selecting ``parameter``'s messages; a GRIB1 code with its
    table where the file holds the code in several tables (the code alone selects them all)."""
    if parameter[0] == 1:
        table = f"table2Version={parameter[1]}," if with_table else ""
        return f"{table}indicatorOfParameter={parameter[2]}"
    return "discipline={1},parameterCategory={2},parameterNumber={3}".format(*parameter)


def _refuse_several_unknown(path: Path, parameters: list[tuple[int, ...]]) -> None:
    """Refuse a file of more than one parameter ecCodes cannot name (see the module docstring)."""
    if len(parameters) < 2:
        return
    texts = "; ".join(parameter_text(parameter) for parameter in parameters)
    names = _distinct_names(parameters)
    cannot = (f"{path.name} holds {len(parameters)} parameters that ecCodes' tables do not name ({texts}): cfgrib "
              f"cannot tell them apart (all are its one variable 'unknown', one field per time step kept, the others "
              f"dropped)")
    shared = [parameter_name(parameter) for parameter, name in zip(parameters, names, strict=True)
              if name != parameter_name(parameter)]
    if not shared:
        named = cdo_command("-f nc copy", f"{shown_path(path)} {beside(path, 'codes')}")
        raise ClimannError(
            f"{cannot}; give each its own name with `{named}` "
            f"(variables {', '.join(names)}), or split the file: grib_copy -w {_copy_condition(parameters[0])} "
            f"{shown_path(path)} {_split_part(path, names[0])}")
    copies = "; ".join(f"grib_copy -w {_copy_condition(parameter, with_table=True)} {shown_path(path)} "
                       f"{_split_part(path, name)}" for parameter, name in zip(parameters, names, strict=True))
    raise ClimannError(
        f"{cannot}, nor can CDO, which names each of them '{shared[0]}'; split "
        f"the file, one parameter per file: {copies}")


def _with_unknown_parameter_named(dataset: xr.Dataset, path: Path, parameters: list[tuple[int, ...]]) -> xr.Dataset:
    """``dataset`` whose variable of one parameter ecCodes cannot name is named as CDO names it
    and has no ``units`` (ecCodes' ``"unknown"``), with a warning; refused for several."""
    _refuse_several_unknown(path, parameters)
    unknown = [name for name, variable in dataset.data_vars.items()
               if variable.attrs.get("GRIB_paramId") == UNKNOWN_PARAM_ID]
    if len(parameters) != 1 or len(unknown) != 1:  # the header scan and cfgrib disagree: say nothing named
        return dataset
    name = parameter_name(parameters[0])
    if name in dataset.variables:
        return dataset
    # once per parameter per run, not per file: a run of yearly files would say it once a year
    note_once(_log, logging.WARNING,
              f"{path.name}: its parameter {parameter_text(parameters[0])} is not in ecCodes' tables: read as '{name}' "
              f"(the name CDO gives it) with no units (ecCodes says 'unknown'), so nothing checks or converts its "
              f"units and scores are in the file's own units, whatever they are (said once for every file of the run "
              f"holding it)", key=(__name__, UNKNOWN_PARAM_ID, parameters[0]))
    renamed = dataset.rename({unknown[0]: name})  # new variables: the opened dataset is left as it is
    # the name a line of advice that opens the file with xarray (cfgrib) will see
    renamed.variables[name].encoding = {**renamed.variables[name].encoding, GRIB_FILE_NAME_KEY: unknown[0]}
    renamed.variables[name].attrs = {key: value for key, value in renamed.variables[name].attrs.items()
                                     if key not in ("units", "GRIB_units")}
    return renamed
