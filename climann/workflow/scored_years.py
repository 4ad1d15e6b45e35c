"""Other data that hold a run's own training or validation years.

``climann evaluate RUN --data FILES`` scores a run on data it has not seen: another scenario,
observations, the years after its test block. Files that cover the dates the network was
trained on (its training block) or chose its weights on (its validation block) — the run's
own files again, or any files of those dates — score it in part on what it learnt: the block
``all`` is then no out-of-sample score. Dates are what matter, not the files: the same
model's data from another archive, with other names or another grid, are the same years.

The run's blocks are read from what the run wrote, its ``predictions.nc`` (the ``split`` of
each time step, :func:`climann.evaluation.predictions.split_labels`); for a run directory
without it, from ``[data] split_years`` of its configuration (whole years). Dates are compared
at the run's time step (:func:`date_key`): the month of monthly data, whatever day a file
stamps it on (ERA5's 1st, CMIP's 16th) or in whichever calendar; the minute of data of steps
shorter than a day, as a split by steps parts a day between its blocks (break48c A2: 3-hourly
ERA5 whose validation block ends at 09:00 of the day its test block begins, counted by days,
had 4 validation steps counted and advised as test).

Another model's simulation of the same years is no such data (rerun41 R5: a run trained on
CESM2 scored on MPI-ESM1-2-LR was told its scores were "not of unseen data"): when every
training file and every scored file names its model (CMIP6 ``source_id``, CMIP5 ``model_id``)
and no model is in both, nothing is said (:func:`other_models`); a regional model (CORDEX) is told
by its driving model too (break54c A5: RCA4 driven by HadGEM2-ES, scored on RCA4 driven by
IPSL-CM5A-MR, was told "not of unseen data", and advised to keep 1 year of 8). Nor of the same years at another
place: a run of one flux tower scored at another 6 000 km away was told its scores were "not of
unseen data" (break45a A8); :func:`climann.workflow.new_data.other_place` tells such data, and
:func:`climann.workflow.new_data.check_place` warns of the transfer instead.
"""

from __future__ import annotations

import bisect
import logging
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from climann.data.handles import open_netcdf
from climann.data.time_axis import year_span, year_text
from climann.evaluation.report import OWN_YEARS_BLOCKS, scored_own_years_text

__all__ = ["date_key", "own_block_keys", "scored_own_years", "sub_daily", "warn_scored_own_years"]

_log = logging.getLogger(__name__)

def date_key(time: object, months: int | None, *, minutes: bool = False) -> tuple[int, ...]:
    """A time step as compared across files and calendars: ``(year,)`` for a run of yearly
    steps (``months`` a multiple of 12), ``(year, month)`` for monthly ones (``months`` ≥ 1),
    else ``(year, month, day)`` (``months`` 0 or None: daily steps, compared by day), or with
    ``minutes`` (steps shorter than a day, :func:`sub_daily`) ``(year, month, day, minute of the day)``.

    Parameters
    ----------
    time : cftime.datetime, datetime or numpy.datetime64
    months : int or None
        The run's time step in months (``model.npz`` ``time_step``), 0 for steps of days or
        hours, None when not recorded.
    minutes : bool
        Whether the key holds the minute of the day (0–1439).

    Examples
    --------
    >>> date_key(np.datetime64("1999-02-16T12:00"), 1)
    (1999, 2)
    >>> date_key(np.datetime64("2019-09-13T09:00"), 0, minutes=True)
    (2019, 9, 13, 540)
    """
    if isinstance(time, np.datetime64):
        time = pd.Timestamp(time)
    if months and months % 12 == 0:
        return (time.year,)
    if months:
        return (time.year, time.month)
    day = (time.year, time.month, time.day)
    return (*day, 60 * time.hour + time.minute) if minutes else day


def sub_daily(record: dict | None) -> bool:
    """Whether a run's time step (``model.npz`` metadata ``time_step``,
    :meth:`~climann.data.time_axis.TimeStep.record`) is shorter than a day: its blocks are
    then told apart by the minute (:func:`date_key`)."""
    record = record or {}
    microseconds = int(record.get("microseconds") or 0)
    return not record.get("months") and 0 < microseconds < 86_400_000_000


def own_block_keys(run_dir: str | Path, config, months: int | None,
                   blocks: Sequence[str] = OWN_YEARS_BLOCKS, *, minutes: bool = False
                   ) -> dict[str, set[tuple[int, ...]]]:
    """The dates (:func:`date_key`) of the run's training and validation blocks (or others of
    ``blocks``), by block.

    Parameters
    ----------
    run_dir : str or Path
        The run directory: its ``predictions.nc`` (the ``split`` of each time step) is read.
    config : RunConfig
        The run's configuration: its ``[data] split_years`` when ``predictions.nc`` is absent.
    months : int or None
        The run's time step in months (see :func:`date_key`).
    blocks : sequence of str
        The blocks wanted (``"test"`` for the run's test dates).
    minutes : bool
        Whether dates are told by the minute (:func:`date_key`).

    Returns
    -------
    dict of str to set of tuple
        ``{"train": {...}, "val": {...}}``; empty when neither record tells them (a run split
        by files or by fractions whose predictions.nc is gone).
    """
    from climann.evaluation.predictions import split_labels

    path = Path(run_dir) / "predictions.nc"
    if path.is_file():
        with open_netcdf(path, decode_times=xr.coders.CFDatetimeCoder(use_cftime=True)) as predictions:
            if "split" in predictions:
                labels = split_labels(predictions["split"])
                times = _dated_times(predictions, predictions["split"].dims[0])
                return {block: {date_key(time, months, minutes=minutes) for time in times[labels == block]}
                        for block in blocks}
    years = config.data.split_years or {}
    if not all(block in years for block in blocks):
        return {}
    return {block: {(year,) for year in range(years[block][0], years[block][1] + 1)} for block in blocks}


def _dated_times(predictions: xr.Dataset, name: str) -> np.ndarray:
    """The times of ``predictions.nc`` as the run dated its steps for the split: the middles of
    the time cells it writes as bounds beside the file's stamps (:func:`~climann.data.time_cells.cell_middles`),
    as the scored data are dated (GloFAS ``dis24`` stamped at the end of its day: the stamp
    2021-01-01 is the last validation day, 2020-12-31; break46b A3 named the stamps' years and
    advised a ``--time-range`` that left out the first test day); the stamps without bounds."""
    from climann.data.time_cells import cell_middles

    times = np.asarray(predictions[name].values)
    bounds = predictions[name].attrs.get("bounds") or predictions[name].encoding.get("bounds")
    if bounds not in predictions.variables:
        return times
    middles = cell_middles(times, np.asarray(predictions[bounds].values))
    return times if middles is None else middles


#: Global attributes naming the model a file's data come from (CMIP6, CMIP5).
MODEL_ATTRIBUTES = ("source_id", "model_id")
#: The global attribute naming the global model that drove a regional one (CORDEX): a simulation of the
#: same regional model driven by another is another model's (break54c A5).
DRIVING_MODEL_ATTRIBUTE = "driving_model_id"


def _models(paths: Sequence[str | Path]) -> set[str] | None:
    """The models the files name (:data:`MODEL_ATTRIBUTES`); None when a file names none or
    cannot be read (then nothing is known)."""
    from climann.data.open import expand_paths, file_header

    models: set[str] = set()
    try:
        files = expand_paths([str(path) for path in paths])
        for path in files:
            header = file_header(Path(path))
            named = {str(header.attrs[key]).strip() for key in MODEL_ATTRIBUTES if key in header.attrs}
            named.discard("")
            if not named:
                return None
            # a regional model's simulation is also its driving model's (CORDEX): HadGEM2-ES's RCA4 is not IPSL's
            driving = str(header.attrs.get(DRIVING_MODEL_ATTRIBUTE, "")).strip()
            models |= {f"{model} driven by {driving}" if driving else model for model in named}
    except Exception:  # noqa: BLE001 — a training file moved or unreadable: nothing is known
        return None
    return models or None


def other_models(training_paths: Sequence[str | Path], scored_paths: Sequence[str | Path]) -> bool:
    """Whether the scored files are another model's than the training files: each of them
    names its model (``source_id``, ``model_id``: CMIP6 and CMIP5 global attributes; with
    CORDEX's ``driving_model_id``, the regional model and the model driving it) and no model is
    in both sets. False when any file names none or cannot be read.

    Parameters
    ----------
    training_paths : sequence of str or Path
        The run's ``[data] paths`` (globs allowed).
    scored_paths : sequence of str or Path
        The files ``climann evaluate --data`` scores.

    Returns
    -------
    bool
    """
    trained, scored = _models(training_paths), _models(scored_paths)
    return trained is not None and scored is not None and not trained & scored


def scored_own_years(run_dir: str | Path, run, times: Sequence[object]) -> dict | None:
    """What of the scored steps ``times`` (the block ``all`` of other data) are the run's
    training and validation dates; None when none are. ``climann evaluate`` warns of them in
    one line once it has scored the data (:func:`warn_scored_own_years`), after any refusal.

    Parameters
    ----------
    run_dir : str or Path
    run : climann.workflow.predict.TrainedRun
    times : sequence of datetime-like
        The time steps scored (cftime, datetime or numpy.datetime64).

    Returns
    -------
    dict or None
        ``metrics.json`` ``own_years_scored``: ``n_steps`` (of ``times``), per block held
        (``train``, ``val``) its ``n_steps`` and ``years`` ("1980–2004"), ``time_range``, the
        ``--time-range`` of the steps after them (None when the data end before), and
        ``test_years`` and ``test_time_range``, the run's test years and the ``--time-range``
        of the steps of them the data hold (None when they hold none, or those steps are not
        one period without training or validation dates).
    """
    step = run.network.metadata.get("time_step") or {}
    months, minutes = step.get("months"), sub_daily(step)
    own = own_block_keys(run_dir, run.config, months, minutes=minutes)
    if not any(own.values()):
        return None
    keys = [date_key(time, months, minutes=minutes) for time in times]
    last_own = max(key for block in own for key in own[block])
    length = len(last_own)  # whole years when only [data] split_years tells them
    test = own_block_keys(run_dir, run.config, months, ("test",), minutes=minutes).get("test", set())
    block_of = _block_of({**own, "test": test}, length)
    held = {block: [key for key in keys if block_of(key) == block] for block in own}
    held = {block: found for block, found in held.items() if found}
    if not held:
        return None
    last = max(last_own[:length], *(max(found)[:length] for found in held.values()))
    after = [key for key in keys if key[:length] > last]
    record = {"n_steps": len(keys),
              # the years of each block the data hold, not all of its years (verify28 V7)
              **{block: {"n_steps": len(found), "years": _years(set(found))} for block, found in held.items()},
              "time_range": _range_text(min(after), max(after), keys) if after else None,
              # a run whose test years come first has none after its own (verify28 V8)
              "test_years": _years(test) if test else None,
              "test_time_range": _test_time_range(keys, block_of)}
    return record


def _block_of(blocks: dict[str, set[tuple[int, ...]]], length: int) -> Callable[[tuple[int, ...]], str | None]:
    """The block (of ``blocks``, the run's dates by block: :func:`own_block_keys`) a scored date
    (:func:`date_key`) is of: the block of that date, else, for a day the run's calendar does not
    hold, the block of every day of its month the run holds (break46a A1: a run on a model's
    360_day calendar scored on data in the standard one counted 1791 of the 1826 days of its
    training years, the 31sts left out, and its validation year's 31 December was advised as the
    first date after it); None when neither tells. ``length``: the parts of a key the blocks are
    known by (1: whole years, from ``[data] split_years``; 4: by the minute, :func:`sub_daily`).
    By the minute, a scored step is of the block of the run's last step of that day at or before
    it (the day's first when it comes before them all: data stamped at other minutes of the day)."""
    of_date = {key[:3]: block for block, found in blocks.items() for key in found}
    of_month: dict[tuple[int, ...], set[str]] = {}
    for key, block in of_date.items():
        if len(key) == 3:
            of_month.setdefault(key[:2], set()).add(block)
    of_day: dict[tuple[int, ...], list[tuple[int, str]]] = {}
    for block, found in blocks.items():
        for key in found:
            if len(key) == 4:
                of_day.setdefault(key[:3], []).append((key[3], block))
    for steps in of_day.values():
        steps.sort()

    def block_of(key: tuple[int, ...]) -> str | None:
        if length == 4 and (steps := of_day.get(key[:3])):
            before = bisect.bisect_right(steps, (key[3], "~")) - 1
            return steps[max(before, 0)][1]
        if (block := of_date.get(key[:min(length, 3)])) is not None or len(key) < 3 or length < 3:
            return block
        month = of_month.get(key[:2], set())
        return next(iter(month)) if len(month) == 1 else None

    return block_of


def _test_time_range(keys: Sequence[tuple[int, ...]], block_of: Callable[[tuple[int, ...]], str | None]
                     ) -> str | None:
    """The ``--time-range`` of the scored steps ``keys`` of the run's test dates (``block_of``
    "test", :func:`_block_of`): from the first to the last, when no training or validation date
    lies between them; else None."""
    held = sorted(key for key in keys if block_of(key) == "test")
    if not held:
        return None
    if any(held[0] <= key <= held[-1] and block_of(key) in OWN_YEARS_BLOCKS for key in keys):
        return None
    return _range_text(held[0], held[-1], keys)


def _range_text(first: tuple[int, ...], last: tuple[int, ...], keys: Sequence[tuple[int, ...]]) -> str:
    """The ``--time-range`` from the scored step ``first`` to ``last`` (:func:`date_key`): by the
    day, its time of day only where the day holds scored steps outside the range
    (``2019-09-13T12:00,2019-12-31``), so that it chooses the same steps."""
    if len(first) < 4:
        return f"{_key_text(first)},{_key_text(last)}"
    start = first if any(key[:3] == first[:3] and key < first for key in keys) else first[:3]
    end = last if any(key[:3] == last[:3] and key > last for key in keys) else last[:3]
    return f"{_key_text(start)},{_key_text(end)}"


def warn_scored_own_years(record: dict | None) -> None:
    """One warning line from :func:`scored_own_years`' record (none for None)."""
    if record:
        _log.warning(scored_own_years_text(record))


def _years(keys: set[tuple[int, ...]]) -> str:
    return year_span(min(keys)[0], max(keys)[0])


def _key_text(key: tuple[int, ...]) -> str:
    """``(2010, 1)`` → ``2010-01``, ``(-9, 1)`` → ``-0009-01``, ``(2019, 9, 13, 720)`` →
    ``2019-09-13T12:00``: a ``--time-range`` end ('YYYY[-MM[-DD[THH:MM]]]', the year as
    :func:`~climann.data.time_axis.year_text` writes it)."""
    day = "-".join([year_text(key[0]), *(f"{part:02d}" for part in key[1:3])])
    return f"{day}T{key[3] // 60:02d}:{key[3] % 60:02d}" if len(key) == 4 else day
