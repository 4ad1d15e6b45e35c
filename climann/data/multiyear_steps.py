"""Time axes whose samples are a year or more apart: no seasonal cycle to sample.

An ice core or a sediment core dated by an age model holds one value every few decades
(an EPICA-like d18O record: ages 49.7 … 29 771.5 years before 1950, about 31 years apart,
irregular from a few weeks to centuries). Written as dates, each age lands on some day of
its year, but that day is the fraction of a year the age model gave, not a season: a
"climatology per calendar month" of such a record groups samples decades apart by that
fraction and fits noise, and a ``season`` feature feeds the network the same noise
(break35a A1). Such an axis, most of its spacings at least :data:`YEAR_DAYS` days, has no
seasonal cycle: its climatology is the training mean (one key,
:func:`climann.evaluation.baselines.climatology_keys_of_step`), the ``season`` feature is
neither proposed nor taken, no meteorological season is scored, and persistence forecasts
each sample by the one before it (:func:`previous_samples`), however far back that is.
Regular yearly (or coarser) axes keep their calendar steps for lags and persistence; their
climatology is the whole record's too: a step of whole calendar years puts every value in one
month, whose mean is the training mean (named "calendar month" before fix36b, for that number).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from climann.data.time_axis import microsecond_differences

#: The usual spacing, in days, from which an axis has no seasonal cycle to sample: a year of
#: the shortest calendar (``360_day``).
YEAR_DAYS = 360


def spacings_days(times: Sequence) -> np.ndarray:
    """The spacings of the distinct times in order, in days, shape (n_distinct − 1,).

    Parameters
    ----------
    times : sequence of cftime.datetime, length n_time
    """
    distinct = np.unique(np.asarray(times))
    if len(distinct) < 2:
        return np.zeros(0)
    return microsecond_differences(list(distinct)) / 1e6 / 86400


def usual_spacing_days(times: Sequence) -> float | None:
    """The median spacing of the distinct times, in days; None for fewer than two.

    Parameters
    ----------
    times : sequence of cftime.datetime, length n_time
    """
    spacings = spacings_days(times)
    return float(np.median(spacings)) if spacings.size else None


def years_apart(times: Sequence) -> bool:
    """Whether the time axis's samples are mostly a year or more apart (more than half of the
    spacings between its distinct times at least :data:`YEAR_DAYS` days): no seasonal cycle to
    sample.

    Parameters
    ----------
    times : sequence of cftime.datetime, length n_time

    Examples
    --------
    >>> import cftime
    >>> years_apart([cftime.DatetimeProlepticGregorian(year, 4, 21) for year in (-20000, -19969, -19900)])
    True
    >>> years_apart([cftime.DatetimeNoLeap(2000, month, 15) for month in (1, 2, 3)])
    False
    """
    spacings = spacings_days(times)
    return bool(spacings.size and np.count_nonzero(spacings >= YEAR_DAYS) > spacings.size / 2)


def previous_samples(times: Sequence) -> np.ndarray | None:
    """The sample before each one in time on an axis of samples a year or more apart
    (:func:`years_apart`): persistence's forecast there, whatever the spacing; None for other
    axes (their previous step is one nominal step earlier,
    :func:`climann.data.lags.previous_steps`).

    Parameters
    ----------
    times : sequence of cftime.datetime, length n_time
        Distinct times, in any order.

    Returns
    -------
    ndarray of int64, shape (n_time,), or None
        The index of the previous sample, −1 for the earliest.

    Examples
    --------
    >>> import cftime
    >>> previous_samples([cftime.DatetimeNoLeap(year, 1, 1) for year in (1000, 1500, 1200)]).tolist()
    [-1, 2, 0]
    """
    values = np.asarray(times)
    if len(np.unique(values)) != len(values) or not years_apart(values):
        return None
    order = np.argsort(values, kind="stable")
    previous = np.full(len(values), -1, dtype=np.int64)
    previous[order[1:]] = order[:-1]
    return previous
