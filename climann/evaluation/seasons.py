"""Meteorological seasons of a time axis: DJF, MAM, JJA, SON by the calendar month of each step.

Each time step belongs to the season of its own month (``cftime`` dates of any calendar:
``360_day``, ``noleap``, …), so a block's DJF is its Decembers, Januaries and Februaries,
whatever year they fall in. Seasons are defined for sub-annual data only (monthly, daily,
…): a yearly axis has one step per year and no seasons.

The times given are the dates of the values, not necessarily the file's stamps: every run
scores its seasons on :meth:`climann.data.layout.GridLayout.season_times`, the middles of the
time cells (CF 7.1), as the ``season`` feature dates them, so that a weekly mean stamped at the
start of its 7 days on 28 February is counted in MAM, where its middle lies.
"""

from __future__ import annotations

import numpy as np

from climann.data.multiyear_steps import years_apart

#: The months of each season, in the order the tables show them.
SEASONS: dict[str, tuple[int, ...]] = {"DJF": (12, 1, 2), "MAM": (3, 4, 5), "JJA": (6, 7, 8), "SON": (9, 10, 11)}


def is_sub_annual(times: np.ndarray) -> bool:
    """Whether the axis has seasons: some calendar year holds more than one time step, and its
    samples are not usually a year or more apart (an ice core's, a few of which share a year:
    :func:`climann.data.multiyear_steps.years_apart`).

    Parameters
    ----------
    times : ndarray of cftime.datetime, shape (n_time,)
    """
    years = [time.year for time in times]
    return len(set(years)) < len(years) and not years_apart(times)


def season_masks(times: np.ndarray) -> dict[str, np.ndarray]:
    """The time steps of each season, bool arrays of shape (n_time,), from each step's month.

    Parameters
    ----------
    times : ndarray of cftime.datetime, shape (n_time,)

    Returns
    -------
    dict of str to ndarray of bool
        ``{"DJF": …, "MAM": …, "JJA": …, "SON": …}``; the four masks partition the axis.
    """
    months = np.array([time.month for time in times], dtype=np.int64)
    return {season: np.isin(months, chosen) for season, chosen in SEASONS.items()}


def block_season_masks(time_masks: dict[str, np.ndarray], times: np.ndarray) -> dict[str, dict[str, np.ndarray]]:
    """``{block: {season: block ∧ season}}``, the time masks of the scores per season."""
    seasons = season_masks(times)
    return {block: {season: steps & chosen for season, chosen in seasons.items()}
            for block, steps in time_masks.items()}


def axis_seasons(times: np.ndarray) -> tuple[str, ...]:
    """The seasons of :data:`SEASONS` (in their order) that hold at least one step of the axis:
    the seasons ``metrics.json`` and ``report.md`` score. A run restricted to some months
    (``--seasons DJF``, ``--months 6,7,8``) or new data of a few months have no step in the
    others, whose rows would be n/a with n = 0 in every block.

    Parameters
    ----------
    times : ndarray of cftime.datetime, shape (n_time,)
    """
    return tuple(season for season, chosen in season_masks(times).items() if chosen.any())


def season_index(times: np.ndarray) -> np.ndarray:
    """Each step's season as its position in :data:`SEASONS` (0 DJF … 3 SON), shape (n_time,)."""
    index = np.full(len(times), -1, dtype=np.int64)
    for position, chosen in enumerate(season_masks(times).values()):
        index[chosen] = position
    return index
