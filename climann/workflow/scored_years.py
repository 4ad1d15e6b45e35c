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
stamps it on (ERA5's 1st, CMIP's 16th) or in whichever calendar.

Another model's simulation of the same years is no such data (rerun41 R5: a run trained on
CESM2 scored on MPI-ESM1-2-LR was told its scores were "not of unseen data"): when every
training file and every scored file names its model (CMIP6 ``source_id``, CMIP5 ``model_id``)
and no model is in both, nothing is said (:func:`other_models`). Nor of the same years at another
place: a run of one flux tower scored at another 6 000 km away was told its scores were "not of
unseen data" (break45a A8); :func:`climann.workflow.new_data.other_place` tells such data, and
:func:`climann.workflow.new_data.check_place` warns of the transfer instead.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from climann.data.handles import open_netcdf
from climann.data.time_axis import year_span, year_text
from climann.evaluation.report import OWN_YEARS_BLOCKS, scored_own_years_text

__all__ = ["date_key", "own_block_keys", "scored_own_years", "warn_scored_own_years"]

_log = logging.getLogger(__name__)

def date_key(time: object, months: int | None) -> tuple[int, ...]:
    """A time step as compared across files and calendars: ``(year,)`` for a run of yearly
    steps (``months`` a multiple of 12), ``(year, month)`` for monthly ones (``months`` ≥ 1),
    else ``(year, month, day)`` (``months`` 0 or None: daily and sub-daily steps, compared
    by day).

    Parameters
    ----------
    time : cftime.datetime, datetime or numpy.datetime64
    months : int or None
        The run's time step in months (``model.npz`` ``time_step``), 0 for steps of days or
        hours, None when not recorded.

    Examples
    --------
    >>> date_key(np.datetime64("1999-02-16T12:00"), 1)
    (1999, 2)
    """
    if isinstance(time, np.datetime64):
        time = pd.Timestamp(time)
    if months and months % 12 == 0:
        return (time.year,)
    return (time.year, time.month) if months else (time.year, time.month, time.day)


def own_block_keys(run_dir: str | Path, config, months: int | None,
                   blocks: Sequence[str] = OWN_YEARS_BLOCKS) -> dict[str, set[tuple[int, ...]]]:
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
                times = predictions[predictions["split"].dims[0]].values
                return {block: {date_key(time, months) for time in times[labels == block]} for block in blocks}
    years = config.data.split_years or {}
    if not all(block in years for block in blocks):
        return {}
    return {block: {(year,) for year in range(years[block][0], years[block][1] + 1)} for block in blocks}


#: Global attributes naming the model a file's data come from (CMIP6, CMIP5).
MODEL_ATTRIBUTES = ("source_id", "model_id")


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
            models |= named
    except Exception:  # noqa: BLE001 — a training file moved or unreadable: nothing is known
        return None
    return models or None


def other_models(training_paths: Sequence[str | Path], scored_paths: Sequence[str | Path]) -> bool:
    """Whether the scored files are another model's than the training files: each of them
    names its model (``source_id``, ``model_id``: CMIP6 and CMIP5 global attributes) and no
    model is in both sets. False when any file names none or cannot be read.

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
    months = (run.network.metadata.get("time_step") or {}).get("months")
    own = own_block_keys(run_dir, run.config, months)
    if not any(own.values()):
        return None
    keys = [date_key(time, months) for time in times]
    last_own = max(key for block in own for key in own[block])
    length = len(last_own)  # whole years when only [data] split_years tells them
    held = {block: [key for key in keys if key[:length] in own[block]] for block in own}
    held = {block: found for block, found in held.items() if found}
    if not held:
        return None
    after = [key for key in keys if key[:length] > last_own]
    test = own_block_keys(run_dir, run.config, months, ("test",)).get("test", set())
    record = {"n_steps": len(keys),
              # the years of each block the data hold, not all of its years (verify28 V7)
              **{block: {"n_steps": len(found), "years": _years(set(found))} for block, found in held.items()},
              "time_range": f"{_key_text(min(after))},{_key_text(max(after))}" if after else None,
              # a run whose test years come first has none after its own (verify28 V8)
              "test_years": _years(test) if test else None,
              "test_time_range": _test_time_range(keys, test, own, length)}
    return record


def _test_time_range(keys: Sequence[tuple[int, ...]], test: set[tuple[int, ...]],
                     own: dict[str, set[tuple[int, ...]]], length: int) -> str | None:
    """The ``--time-range`` of the scored steps ``keys`` of the run's test dates ``test``: from
    the first to the last, when no training or validation date lies between them; else None.
    ``length``: the parts of a key the run's blocks are known by (1: whole years)."""
    held = sorted(key for key in keys if key[:length] in test)
    if not held:
        return None
    if any(held[0] <= key <= held[-1] and any(key[:length] in found for found in own.values()) for key in keys):
        return None
    return f"{_key_text(held[0])},{_key_text(held[-1])}"


def warn_scored_own_years(record: dict | None) -> None:
    """One warning line from :func:`scored_own_years`' record (none for None)."""
    if record:
        _log.warning(scored_own_years_text(record))


def _years(keys: set[tuple[int, ...]]) -> str:
    return year_span(min(keys)[0], max(keys)[0])


def _key_text(key: tuple[int, ...]) -> str:
    """``(2010, 1)`` → ``2010-01``, ``(-9, 1)`` → ``-0009-01``: a ``--time-range`` end
    ('YYYY[-MM[-DD]]', the year as :func:`~climann.data.time_axis.year_text` writes it)."""
    return "-".join([year_text(key[0]), *(f"{part:02d}" for part in key[1:])])
