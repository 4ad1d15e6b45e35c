"""Features derived from coordinates: latitude, longitude, season, time of day and year.

Each function maps coordinate values to feature columns. Periodic quantities (longitude,
the season, the time of day) are encoded as (sin, cos) so that 359° and 1°, 31 December and
1 January, or 23:00 and 00:00 are neighbours for the network.

The time of day is the hour in UTC, as the time axis holds it (sub-daily stamps are instants
in UTC, :mod:`climann.data.time_zones`), not local solar time: with ``lon`` among the inputs
the network can combine the two itself (local solar time = UTC + λ/15°), and the climatology
baseline keys its diurnal cycle by the same UTC hour (as WeatherBench 2's climatology, Rasp et al.
2024, per day of year and UTC hour).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import cftime
import numpy as np

from climann.data.time_axis import years_later

#: How the season and year features date a time step (``[data] season_dated_by``, recorded
#: in ``model.npz``): by the middle of its time cell, or by the file's stamp (climann before
#: the record; a model file without it is used so). See
#: :func:`climann.data.time_cells.season_feature_times`.
SEASON_DATINGS = ("cell_middle", "stamp")


def longitude_sin_cos(longitude: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Encode longitude on the circle: (sin λ, cos λ).

    Parameters
    ----------
    longitude : ndarray, shape (n_lon,) or (n_lat, n_lon)
        Degrees east, in either the 0…360 or the −180…180 convention (same result); 2-D on
        a curvilinear grid.

    Returns
    -------
    (ndarray, ndarray)
        sin λ and cos λ, each of the shape of ``longitude``.
    """
    radians = np.deg2rad(np.asarray(longitude, dtype=np.float64))
    return np.sin(radians), np.cos(radians)


@lru_cache(maxsize=4096)  # asked once per time stamp by the composite checks (≈ 10⁵ stamps of 6-hourly data)
def days_in_year(year: int, calendar: str) -> int:
    """Length of ``year`` in days in ``calendar`` (360 in ``360_day``, 366 in a leap year…)."""
    start = cftime.datetime(year, 1, 1, calendar=calendar)
    end = cftime.datetime(years_later(year, 1, has_year_zero=start.has_year_zero), 1, 1, calendar=calendar)
    return (end - start).days


def year_fraction(times: Sequence[cftime.datetime]) -> np.ndarray:
    """Fraction of its year elapsed at each time, calendar-aware.

    f = (day_of_year − 1 + hour/24 + minute/1440) / days_in_year, so 1 January 00:00 is 0
    and a ``360_day`` year has 360 days.

    Parameters
    ----------
    times : sequence of cftime.datetime, length n_time

    Returns
    -------
    ndarray, shape (n_time,)
        Values in [0, 1).
    """
    lengths: dict[int, int] = {}
    fractions = np.empty(len(times), dtype=np.float64)
    for index, time in enumerate(times):
        if time.year not in lengths:
            lengths[time.year] = days_in_year(time.year, time.calendar)
        elapsed = time.dayofyr - 1 + time.hour / 24 + time.minute / 1440
        fractions[index] = elapsed / lengths[time.year]
    return fractions


def season_sin_cos(times: Sequence[cftime.datetime]) -> tuple[np.ndarray, np.ndarray]:
    """Encode the time of year on the circle: (sin 2πf, cos 2πf) with f from :func:`year_fraction`.

    Returns
    -------
    (ndarray, ndarray)
        Each of shape (n_time,).
    """
    angle = 2 * np.pi * year_fraction(times)
    return np.sin(angle), np.cos(angle)


def hour_sin_cos(times: Sequence[cftime.datetime]) -> tuple[np.ndarray, np.ndarray]:
    """Encode the time of day on the circle: (sin 2πh/24, cos 2πh/24), h the UTC hour.

    h = hour + minute/60 + second/3600, so 00:00 and 24:00 fall together and 23:00 lies next
    to 01:00. The hour is the stamp's own (UTC: :mod:`climann.data.time_zones`), not local
    solar time (see the module's notes).

    Parameters
    ----------
    times : sequence of cftime.datetime, length n_time

    Returns
    -------
    (ndarray, ndarray)
        Each of shape (n_time,), float64.

    Examples
    --------
    >>> import cftime
    >>> sin, cos = hour_sin_cos([cftime.DatetimeNoLeap(2010, 1, 1, 6)])
    >>> round(float(sin[0]), 12), round(float(cos[0]), 12)
    (1.0, 0.0)
    """
    hours = np.array([time.hour + time.minute / 60 + time.second / 3600 for time in times], dtype=np.float64)
    angle = 2 * np.pi * hours / 24
    return np.sin(angle), np.cos(angle)


def sub_daily(times: Sequence, *, segment_starts: np.ndarray | None = None) -> bool:
    """Whether some calendar day holds more than one of ``times`` (hourly, 3-hourly, 6-hourly
    values) within one segment: then the time of day varies and the ``hour`` feature can be
    learnt; daily, monthly and yearly values have one time a day at most. Each segment is one
    series (a block of ``split_files``): two members' monthly means of the same years given as
    the training and the validation block repeat every date, which is no time of day
    (break43c A6: the ``hour`` feature was added to them, then refused).

    Parameters
    ----------
    times : sequence of cftime.datetime, length n_time
    segment_starts : ndarray of int, shape (n_time,), optional
        First index of each time's segment (:func:`climann.data.layout.segment_starts`).
        Default: one segment.

    Examples
    --------
    >>> import cftime
    >>> months = [cftime.DatetimeNoLeap(2000, 1, 16, 12), cftime.DatetimeNoLeap(2000, 2, 15)]
    >>> sub_daily(months * 2), sub_daily(months * 2, segment_starts=np.array([0, 0, 2, 2]))
    (True, False)
    """
    if len(times) < 2 or not hasattr(times[0], "day"):
        return False
    starts = np.zeros(len(times), np.int64) if segment_starts is None else np.asarray(segment_starts)
    days = {(int(start), time.year, time.month, time.day) for start, time in zip(starts, times)}
    return len(days) < len(times)


def decimal_year(times: Sequence[cftime.datetime]) -> np.ndarray:
    """The year as a decimal number, year + f (for trends), shape (n_time,)."""
    years = np.array([time.year for time in times], dtype=np.float64)
    return years + year_fraction(times)
