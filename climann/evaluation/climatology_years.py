"""Whether the training block holds enough years for the climatology the scores take as reference.

The climatology baseline, the reference of the ACC and of the skill (1 − MSE/MSE_climatology)
and ``target_anomaly``'s offset are all the training block's mean at each time of year
(:func:`~climann.evaluation.baselines.seasonal_climatology`). From one training year each key
holds one value: the "climatology" is that year itself, noise included. Anomalies y − c and
ŷ − c then share −c, so a forecast with no information about the anomaly correlates with the
truth's (break29a A5: a uniform field scored a centred ACC of 0.57 on half-hourly IMERG with one
training year). WMO's climatological standard normals take 30 years (WMO-No. 1203). No score is
changed; :func:`few_years_note` says so, in the notes of ``metrics.json`` (shown on the
terminal, in ``train.log`` and in ``report.md``), when the keys hold fewer than
:data:`MIN_VALUES_PER_KEY` training values on average at some cell: the climatology is each
cell's own, so a station with half the years rests on half the values.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta

import cftime
import numpy as np

from climann.data.features import days_in_year
from climann.data.time_axis import TimeStep
from climann.evaluation.baselines import (ClimatologyKeys, climatology_keys, is_smoothed, smoothing_reach,
                                          smoothing_reach_at_cells)

__all__ = ["MIN_VALUES_PER_KEY", "NARROWED_KEY", "add_climatology_narrowed", "add_few_years_note", "decimals_below",
           "few_years_note", "narrowed_days", "selected_days", "values_per_key"]

#: The key of ``metrics.json`` recording the days of the year the training years lack, near
#: which the day-of-year climatology's window was narrowed (null: nowhere).
NARROWED_KEY = "climatology_narrowed"

#: Fewer training values per climatology key than this, on average, make the climatology one
#: year's values: its note is given.
MIN_VALUES_PER_KEY = 2.0

#: The number of years of WMO's climatological standard normals (WMO-No. 1203, 2017).
WMO_NORMAL_YEARS = 30


def values_per_key(times: np.ndarray, train_steps: np.ndarray, *, value_step: TimeStep | None = None,
                   window_days: int = 1, counts: np.ndarray | None = None) -> float:
    """The mean number of training values each climatology value rests on, over the keys that
    have one, at the cell where it is fewest: a key's own values, or for a day-of-year
    climatology smoothed over ``window_days`` > 1 the values inside its window
    (:func:`~climann.evaluation.baselines.smoothing_reach`: ~61 × a key's own with the 61-day
    window; break34a S1 counted a key's own only). The climatology is each cell's own
    (:func:`~climann.evaluation.baselines.key_sums`): a station with half the years rests on
    half the values, which the training steps of the file did not say (fix36d). On a grid
    whose every cell holds every training step it is the training steps per key.

    Parameters
    ----------
    times : ndarray of cftime.datetime, shape (n_time,)
    train_steps : ndarray of bool, shape (n_time,)
        The training block's steps.
    value_step : TimeStep, optional
        As :func:`~climann.evaluation.baselines.climatology_keys` takes it.
    window_days : int
        The run's ``climatology_window_days`` (1: the raw mean of each key).
    counts : ndarray, shape (n_keys, n_cells...), optional
        The training values of each key at each cell
        (:func:`~climann.evaluation.baselines.training_key_counts`); None: every training step
        holds a value at every cell.

    Returns
    -------
    float
        min over the cells c holding training values of Σ_k n_kc / #{k : n_kc > 0}, n_kc the
        training values of key k (or of its window) at cell c; 0.0 without training values.
    """
    means = _means_per_key(_training_values_per_key(times, train_steps, value_step=value_step,
                                                    window_days=window_days, counts=counts))
    return float(means.min()) if means.size else 0.0


def _means_per_key(counts: np.ndarray) -> np.ndarray:
    """Σ_k n_kc / #{k : n_kc > 0} at each cell c of :func:`_training_values_per_key`'s counts,
    shape (n_cells,)."""
    return counts.sum(axis=0) / np.maximum(np.count_nonzero(counts, axis=0), 1)


def _training_values_per_key(times: np.ndarray, train_steps: np.ndarray, *, value_step: TimeStep | None = None,
                             window_days: int = 1, counts: np.ndarray | None = None) -> np.ndarray:
    """n_kc, the training values of each climatology key at each cell that holds any, or of its
    window when the day-of-year climatology is smoothed over ``window_days`` > 1, shape
    (n_keys, n_cells_held); ``counts`` None: the training steps, as one cell."""
    trained = np.asarray(times)[np.asarray(train_steps, dtype=bool)]
    keys = climatology_keys(times, value_step=value_step) if trained.size else None
    if keys is None:
        return np.zeros((0, 0), np.int64)
    if counts is None:
        counts = np.bincount(keys.of(trained), minlength=keys.count + 1)[1:]
    counts = np.asarray(counts).reshape(keys.count, -1)
    if window_days > 1 and is_smoothed(keys.per):
        counts, _ = smoothing_reach_at_cells(counts, keys, calendar=trained[0].calendar, window_days=window_days)
    return counts[:, counts.any(axis=0)]


def _keys_below_text(counts: np.ndarray, keys: ClimatologyKeys) -> str:
    """How many of the keys held hold fewer than :data:`MIN_VALUES_PER_KEY` training values, as
    the subject of "hold(s) fewer than 2 training values": "1 of its 366 days of the year holds",
    "all 12 of its calendar months hold" (rerun33 R3b: "1.997 values per day of year on average,
    fewer than 2" did not say that one day of the year, 29 February, was short)."""
    below = int(np.count_nonzero(counts < MIN_VALUES_PER_KEY))
    if below == counts.size:
        return f"all {below} of its {_plural(keys)} hold" if below > 1 else f"its one {keys.per} holds"
    return f"{below} of its {counts.size} {_plural(keys)} hold{'s' if below == 1 else ''}"


def _plural(keys: ClimatologyKeys) -> str:
    """The keys in the plural: "calendar months", "days of the year", "6-hour slots of the year",
    "16-day composites of the year"."""
    if keys.slot_seconds:
        return f"{keys.slot_seconds / 3600:g}-hour slots of the year"
    head, of, tail = keys.per.partition(" of ")
    return f"{head}s{of}{'the year' if tail == 'year' else tail}"


def narrowed_days(times: np.ndarray, train_steps: np.ndarray, *, value_step: TimeStep | None = None,
                  window_days: int, months: Collection[int] = (), counts: np.ndarray | None = None) -> list[int] | None:
    """The days of the year the training years lack, near which the smoothed day-of-year
    climatology's window was narrowed (:func:`~climann.evaluation.baselines.smoothing_reach`),
    at one cell or more: each cell's window narrows near the days that cell lacks for 28 days
    or more in a row (a station without winter retrievals beside one with every day). Days of
    months the run did not select (``--months``, ``--seasons``: that narrowing is the
    selection's, documented) are left out: a day of the year is of a selected month when its
    date is in one in a training year (:func:`selected_days`: day 60 is 29 February in a leap
    year, 1 March in another; day 366 is 31 December of a leap year). None where it is nowhere
    narrowed otherwise.

    Parameters
    ----------
    times, train_steps, value_step
        As :func:`values_per_key`.
    window_days : int
        The run's ``climatology_window_days``.
    months : collection of int
        The calendar months the run selected (1–12); empty: all.
    counts : ndarray, shape (n_keys, n_cells...), optional
        The training values of each climatology key at each cell
        (:func:`~climann.evaluation.baselines.key_sums`); None: every training time step
        holds a value at every cell.

    Returns
    -------
    list of int or None
        1-based days of the year (of the training data's calendar), ascending.
    """
    trained = np.asarray(times)[np.asarray(train_steps, dtype=bool)]
    keys = climatology_keys(times, value_step=value_step) if trained.size else None
    if keys is None or window_days <= 1 or not is_smoothed(keys.per):
        return None
    if counts is None:
        counts = np.bincount(keys.of(trained), minlength=keys.count + 1)[1:]
    _, left_out = smoothing_reach(counts, keys, calendar=trained[0].calendar, window_days=window_days)
    if months:
        left_out = left_out[selected_days(trained, months)[left_out - 1]]
    return [int(day) for day in left_out] or None


def selected_days(trained: np.ndarray, months: Collection[int]) -> np.ndarray:
    """Whether each day of the year (1 … 366, index d − 1) is the number of a date in one of
    ``months`` in some year of ``trained``, each year counted in its own length in its calendar
    (CF-1.8 §4.4.1): day 60 is 29 February of a leap year and 1 March of another, day 366 only
    31 December of a leap year (a ``360_day`` year's day 60 is 30 February; ``noleap`` and
    ``all_leap`` years are all alike).

    Parameters
    ----------
    trained : ndarray of cftime.datetime, shape (n_time,)
        The training block's times (one calendar).
    months : collection of int
        Calendar months, 1–12.

    Returns
    -------
    ndarray of bool, shape (366,)
    """
    calendar = trained[0].calendar
    years_of_length = {days_in_year(int(year), calendar): int(year)
                       for year in np.unique([time.year for time in trained])}
    selected = np.zeros(366, dtype=bool)
    for length, year in years_of_length.items():  # at most a few kinds of year (leap or not)
        start = cftime.datetime(year, 1, 1, calendar=calendar)
        in_months = [(start + timedelta(days=day)).month in set(months) for day in range(min(length, 366))]
        selected[:len(in_months)] |= in_months
    return selected


def add_climatology_narrowed(metrics: dict, times: np.ndarray, train_steps: np.ndarray, *,
                             value_step: TimeStep | None = None, months: Collection[int] = (),
                             counts: np.ndarray | None = None) -> None:
    """Record :func:`narrowed_days` as ``metrics[NARROWED_KEY]`` for a climatology smoothed over
    the days of the year (``climatology_window_days`` in ``metrics``): the one place every route
    (in memory, streamed, cluster) fills it, from the training values of each key at each cell
    (``counts``); the key is absent for other climatologies."""
    if "climatology_window_days" in metrics:
        metrics[NARROWED_KEY] = narrowed_days(times, train_steps, value_step=value_step, months=months,
                                              window_days=int(metrics["climatology_window_days"]), counts=counts)


def decimals_below(value: float, limit: float, *, fewest: int = 2, most: int = 12) -> int:
    """The decimals that show ``value`` below ``limit`` once rounded: 2 for 1.50 below 2, 3 for
    731/366 (1.997; "2.00 … fewer than 2" said the opposite, break31b B4).

    Parameters
    ----------
    value, limit : float
        ``value < limit``.
    fewest, most : int
        The decimals to start from and at most.

    Returns
    -------
    int

    Examples
    --------
    >>> decimals_below(1.5, 2), decimals_below(731 / 366, 2)
    (2, 3)
    """
    digits = fewest
    while digits < most and round(value, digits) >= limit:
        digits += 1
    return digits


def few_years_note(times: np.ndarray, train_steps: np.ndarray, *, value_step: TimeStep | None = None,
                   n_samples: int = 0, of: int = 0, window_days: int = 1,
                   counts: np.ndarray | None = None) -> dict | None:
    """The note of ``metrics.json`` for a climatology of fewer than :data:`MIN_VALUES_PER_KEY`
    training values per key, or per key's window when smoothed, at some cell
    (:func:`values_per_key`), or None.

    Parameters
    ----------
    times, train_steps, value_step, window_days, counts
        As :func:`values_per_key`.
    n_samples, of : int
        The climatology's values scored in the training block and the network's there: kept in
        the note as in every note of ``metrics.json``
        (:func:`~climann.evaluation.scores.baseline_notes`).

    Returns
    -------
    dict or None
        ``{"split": "train", "model": "climatology", "n_samples", "of", "n_years",
        "values_per_key", "reason"}``: the training block's calendar years, its values per key
        at the cell where they are fewest (rounded to 0.01, or to as many decimals as show it
        below :data:`MIN_VALUES_PER_KEY`: :func:`decimals_below`) and the line said
        (:func:`~climann.evaluation.scores.note_text`); where the cells' values per key differ,
        also ``n_cells_below`` (the cells below :data:`MIN_VALUES_PER_KEY`) and ``n_cells`` (the
        cells holding training values), and the line says "at some cells".
    """
    held = _training_values_per_key(times, train_steps, value_step=value_step, window_days=window_days, counts=counts)
    means = _means_per_key(held)
    if not means.size or not 0 < (per_key := float(means.min())) < MIN_VALUES_PER_KEY:
        return None
    fewest = held[:, int(np.argmin(means))]
    trained = np.asarray(times)[np.asarray(train_steps, dtype=bool)]
    n_years = len({time.year for time in trained})
    keys = climatology_keys(times, value_step=value_step)
    years = f"{n_years} training year{'' if n_years == 1 else 's'}"
    digits = decimals_below(per_key, MIN_VALUES_PER_KEY)
    within = f" within its {window_days}-day window" if window_days > 1 and is_smoothed(keys.per) else ""
    # one mean at every cell: what the climatology's keys hold, each its most at any cell (break38b C1:
    # the first cell's 10 months, clouded two months, were said as "all 10 of its calendar months" of 12)
    short = _keys_below_text(fewest[fewest > 0] if means.max() > means.min() else held.max(axis=1)[held.any(axis=1)],
                             keys)
    reason = (f"the climatology rests on {years}: {short} fewer than {MIN_VALUES_PER_KEY:g} training values{within} "
              f"({per_key:.{digits}f} per {keys.per} on average; ")
    cells = {}
    if means.max() > means.min():  # each cell's climatology is its own: a station with half the years
        below = int(np.count_nonzero(means < MIN_VALUES_PER_KEY))
        cells = {"n_cells_below": below, "n_cells": int(means.size)}
        reason = (f"the climatology rests on {years}, at some cells on fewer values (each cell's climatology is its "
                  f"own): {below} of the {means.size} cells with training values hold{'s' if below == 1 else ''} "
                  f"fewer than {MIN_VALUES_PER_KEY:g} per {keys.per}{within} on average; at the cell with fewest, "
                  f"{short} fewer than {MIN_VALUES_PER_KEY:g} training values{within} ({per_key:.{digits}f} per "
                  f"{keys.per} on average there; ")
    reason += (f"WMO's climatological standard normals take {WMO_NORMAL_YEARS} years, WMO-No. 1203), so it holds the "
               f"training years' own noise{' there' if cells else ''}; the ACC and the skill against it are unreliable "
               "(a forecast with no information about the anomaly can score a high ACC); train on more years "
               "(split_years) for a climatology to compare with")
    return {"split": "train", "model": "climatology", "n_samples": int(n_samples), "of": int(of), "n_years": n_years,
            "values_per_key": round(per_key, digits), **cells, "reason": reason}


def add_few_years_note(metrics: dict, times: np.ndarray, train_steps: np.ndarray, *,
                       value_step: TimeStep | None = None, counts: np.ndarray | None = None) -> None:
    """Append :func:`few_years_note` (when there is one) to ``metrics["notes"]``, with the
    climatology's and the network's values scored in the training block (``metrics["splits"]``);
    ``counts``: the training values of each key at each cell, as :func:`values_per_key` takes them."""
    scored = metrics.get("splits", {}).get("train", {})
    note = few_years_note(times, train_steps, value_step=value_step,
                          n_samples=scored.get("climatology", {}).get("n_samples", 0),
                          of=scored.get("model", {}).get("n_samples", 0),
                          window_days=int(metrics.get("climatology_window_days", 1)), counts=counts)
    if note is not None:
        metrics["notes"] = metrics.get("notes", []) + [note]
