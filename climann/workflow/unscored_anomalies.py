"""The values a ``[data] target_anomaly`` run cannot predict, noted in ``metrics.json``.

With ``target_anomaly`` the network predicts the departure from the training years'
climatology and adds that climatology back. Where the climatology is undefined (no training
value at that cell and time of year, e.g. 31 December of a leap year, day 366, when no leap
year is trained on and the climatology is unsmoothed, ``climatology_window_days = 1``; smoothed,
day 366 takes day 365's value: the climatology's own day 366 says so, in the run and on other data) a
value is neither predicted nor scored, by the network or by any
baseline. :func:`unscored_anomaly_notes` says how many values each block lost and why, as a
note of ``metrics.json`` (shown on the terminal, in ``train.log`` and in ``report.md`` like
the notes of a baseline scored on part of a block; break28c C1: a leap year's 31 December left
the validation scores without a word).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from climann.data.time_axis import date_text
from climann.evaluation.extrapolation import percent_text

#: Why a value of a ``target_anomaly`` run has no climatology, in general and at day 366.
UNDEFINED_ANOMALY_REASONS = {
    "unseen": ("the training years have no value of the target at that cell and time of year, so there is no "
               "climatology for [data] target_anomaly to add the network's anomaly to"),
    "day 366": ("the training years hold no value on day 366 of the year (31 December of a leap year; none of them "
                "is a leap year, or none has a value that day), so it has no climatology for [data] target_anomaly to "
                "add the network's anomaly to; train on years that include a leap year (split_years, or a longer "
                "train period) to predict and score it"),
}


def unscored_anomaly_notes(
    undefined: np.ndarray, time_index: np.ndarray, times: np.ndarray, time_masks: Mapping[str, np.ndarray],
    n_samples: Mapping[str, int], *, climatology: np.ndarray, flat_index: np.ndarray | None = None,
    n_cells: int | None = None,
) -> list[dict]:
    """One note per block where samples have no training climatology to add back.

    Parameters
    ----------
    undefined : ndarray of bool, shape (n_samples,)
        Where the sample's climatology is undefined (the offset of
        :class:`~climann.workflow.preparation.PreparedData` is NaN).
    time_index : ndarray of int, shape (n_samples,)
        Each sample's time step.
    times : ndarray of cftime.datetime, shape (n_time,)
        The time axis, for the dates named.
    time_masks : mapping of block to ndarray of bool, shape (n_time,)
        The steps of each block.
    n_samples : mapping of block to int
        The values scored in each block (``n_samples`` of ``metrics.json``).
    climatology : ndarray, shape (n_keys, n_lat, n_lon)
        The run's training climatology (the record of ``model.npz`` on other data), whose day
        366 tells whether the training years hold that day (:func:`holds_day_366`).
    flat_index : ndarray of int, shape (n_samples,), optional
        Each sample's place on the grid (:class:`~climann.data.layout.GridLayout`); with
        ``n_cells``, a note whose cause is cells the training years never saw names how many
        (:func:`unseen_cells_text`, as ``predict`` says it).
    n_cells : int, optional
        Cells per time step.

    Returns
    -------
    list of dict
        ``{"split", "model": "model", "n_samples", "of", "reason"}`` as the notes of
        :func:`~climann.evaluation.scores.baseline_notes`: ``of`` counts the values left out too.
    """
    notes = []
    for block, steps in time_masks.items():
        in_block = np.asarray(steps, bool)[time_index]
        lost = undefined & in_block
        if not lost.any():
            continue
        scored = int(n_samples.get(block, 0))
        reason = undefined_anomaly_text(lost[in_block], time_index[in_block], times, climatology=climatology,
                                        flat_index=None if flat_index is None else flat_index[in_block],
                                        n_cells=n_cells)
        notes.append({"split": block, "model": "model", "n_samples": scored, "of": scored + int(lost.sum()),
                      "reason": reason})
    return notes


def undefined_anomaly_text(
    undefined: np.ndarray, time_index: np.ndarray, times: np.ndarray, *, climatology: np.ndarray,
    flat_index: np.ndarray | None = None, n_cells: int | None = None, scored: bool = True,
) -> str:
    """Why the values ``undefined`` have no training climatology, and how many: the one wording
    of ``predict``'s note and of the notes of ``metrics.json``, e.g. "12 values at 1 time step
    (2000-12-31) are neither predicted nor scored: the training years hold no value on day 366
    …". Day 366 is named as the cause when every such value is on a day 366 and the training
    climatology holds that day nowhere (:func:`holds_day_366`); otherwise the cells that lack
    a climatology are counted (:func:`unseen_cells_text`).

    Parameters
    ----------
    undefined : ndarray of bool, shape (n_samples,)
        Where the sample's climatology is undefined (some True).
    time_index : ndarray of int, shape (n_samples,)
        Each sample's time step.
    times : ndarray of cftime.datetime, shape (n_time,)
        The time axis, for the dates named.
    climatology : ndarray, shape (n_keys, n_lat, n_lon)
        The run's training climatology (NaN where undefined).
    flat_index : ndarray of int, shape (n_samples,), optional
        Each sample's place on the grid; with ``n_cells`` (cells per time step), the cells are counted.
    n_cells : int, optional
    scored : bool
        Whether the values would have been scored ("neither predicted nor scored"), or only
        predicted (``predict``: "not predicted").

    Returns
    -------
    str
    """
    lost_steps = np.unique(time_index[undefined])
    day_366 = not holds_day_366(climatology) and all(getattr(times[step], "dayofyr", 0) == 366 for step in lost_steps)
    cells = ("" if day_366 or flat_index is None or n_cells is None
             else unseen_cells_text(flat_index, undefined, n_cells))
    lost = _lost_text(int(np.count_nonzero(undefined)), lost_steps, times, cells=cells, scored=scored)
    return f"{lost}: {UNDEFINED_ANOMALY_REASONS['day 366' if day_366 else 'unseen']}"


def holds_day_366(climatology: np.ndarray) -> bool:
    """Whether a training climatology holds a value on day 366 at some cell: one by day of year
    (366 rows, or 366 × the slots of a day, day by day) whose training years held a 31 December
    of a leap year with a value; True for a climatology of other keys (months, weeks), which day
    366 never lacks."""
    if climatology.shape[0] % 366:
        return True
    return bool(np.isfinite(climatology.reshape(366, -1)[365]).any())


def unseen_cells_text(flat_index: np.ndarray, undefined: np.ndarray, n_cells: int) -> str:
    """``"24 of the 288 cells with samples (8.3 %)"``: the cells where some sample has no
    training climatology, of the cells with samples.

    Parameters
    ----------
    flat_index : ndarray of int, shape (n_samples,)
        Each sample's place on the grid (time step × ``n_cells`` + cell).
    undefined : ndarray of bool, shape (n_samples,)
        Where the climatology is undefined.
    n_cells : int
        Cells per time step.
    """
    cells, unseen = np.unique(flat_index % n_cells), np.unique(flat_index[undefined] % n_cells)
    return f"{unseen.size} of the {cells.size} cells with samples ({percent_text(unseen.size / cells.size)})"


def _lost_text(n_values: int, steps: np.ndarray, times: np.ndarray, *, cells: str = "", scored: bool = True) -> str:
    """``"47 values at 1 time step (2004-12-31) are neither predicted nor scored"`` (not
    ``scored``: "are not predicted"); with ``cells``, ``"… (…, …) and 24 of the 288 cells with
    samples (8.3 %) are …"``."""
    days = [date_text(times[step], precision="day") for step in steps]
    # sub-daily steps of one day are told apart by their hour
    if len(set(days)) < len(days):
        days = [date_text(times[step], precision="minute") for step in steps]
    dates = days[:3]
    shown = ", ".join(dates) + (", …" if steps.size > 3 else "")
    values = "value" if n_values == 1 else "values"
    verb = "is" if n_values == 1 else "are"
    where = f" and {cells}" if cells else ""
    what = "neither predicted nor scored" if scored else "not predicted"
    return (f"{n_values} {values} at {steps.size} time step{'' if steps.size == 1 else 's'} ({shown}){where} "
            f"{verb} {what}")
