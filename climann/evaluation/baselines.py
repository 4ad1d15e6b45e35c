"""Baselines the network must beat.

Linear regression is the lesson's network without activation functions: ŷ = X w + b. It is
fitted in closed form by least squares on exactly the network's features.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from climann.data.time_axis import lagged_steps, time_step_positions
from climann.evaluation.metrics import nanmean_over_time

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LinearRegression:
    """ŷ = X W + b, fitted by least squares.

    Attributes
    ----------
    weights : ndarray, shape (n_features, n_outputs)
    bias : ndarray, shape (n_outputs,)
    """

    weights: np.ndarray
    bias: np.ndarray

    @classmethod
    def fit(cls, inputs: np.ndarray, target: np.ndarray) -> LinearRegression:
        """Minimise Σ(X W + b − y)² with ``numpy.linalg.lstsq`` (in float64).

        Parameters
        ----------
        inputs : ndarray, shape (n_samples, n_features)
        target : ndarray, shape (n_samples, n_outputs)
        """
        design = np.hstack([np.asarray(inputs, np.float64), np.ones((len(inputs), 1))])
        solution, *_ = np.linalg.lstsq(design, np.asarray(target, np.float64), rcond=None)
        return cls(weights=solution[:-1], bias=solution[-1])

    def predict(self, inputs: np.ndarray) -> np.ndarray:
        """ŷ = X W + b, shape (n_samples, n_outputs), float64."""
        return np.asarray(inputs, np.float64) @ self.weights + self.bias


def season_name(times: np.ndarray) -> str:
    """What the climatology is taken per: ``"day of year"`` for data finer than monthly
    (daily), else ``"calendar month"``."""
    return "day of year" if len(times) > 1 and (times[1] - times[0]).days < 28 else "calendar month"


def season_keys(times: np.ndarray) -> np.ndarray:
    """The climatology's key of each time step: the calendar month for monthly or coarser
    data, the day of year for finer (daily) data (see :func:`season_name`)."""
    if season_name(times) == "day of year":
        return np.array([time.dayofyr for time in times])
    return np.array([time.month for time in times])


def climatology_prediction(truth: np.ndarray, times: np.ndarray, train_steps: np.ndarray) -> np.ndarray:
    """Predict each value by the training years' mean at that cell for that time of year.

    ŷ[t, i, j] = mean{ y[s, i, j] : s in the training block, key(s) = key(t) }, key the
    calendar month (or the day of year for daily data); NaN where no training value exists.

    Parameters
    ----------
    truth : ndarray, shape (n_time, n_lat, n_lon)
        NaN where missing.
    times : ndarray of cftime.datetime, shape (n_time,)
    train_steps : ndarray of bool, shape (n_time,)

    Returns
    -------
    ndarray, shape (n_time, n_lat, n_lon)
    """
    keys = season_keys(times)
    predicted = np.full(truth.shape, np.nan, dtype=np.float64)
    for key in np.unique(keys):
        chosen = train_steps & (keys == key)
        if chosen.any():
            predicted[keys == key] = nanmean_over_time(truth[chosen])
    return predicted


def is_regular(times: np.ndarray) -> bool:
    """Whether the time axis has a nominal step (monthly, daily, … judged against its
    calendar, gaps allowed; see :func:`climann.data.time_axis.time_step_positions`), so that
    "the previous step" has a meaning; at least 3 steps."""
    return len(times) >= 3 and time_step_positions(times)[0] is not None


def persistence_prediction(truth: np.ndarray, times: np.ndarray | None = None, *, lag: int = 1) -> np.ndarray:
    """Predict each value by the value ``lag`` steps earlier at the same cell: ŷ[t] = y[t − lag].

    With ``times``, "earlier" is by time: ``lag`` steps of the axis's nominal frequency
    (``lag`` months on a monthly axis), so that after a gap in the axis the forecast is
    missing rather than the value from before the gap.

    Parameters
    ----------
    truth : ndarray, shape (n_time, n_lat, n_lon)
    times : ndarray of cftime.datetime, shape (n_time,), optional
        The time axis; without it, ``lag`` array positions.
    lag : int

    Returns
    -------
    ndarray, shape (n_time, n_lat, n_lon)
        NaN where the earlier step is not in the data (the first ``lag`` steps, and after gaps).

    Raises
    ------
    ClimannError
        If ``times`` has no nominal step.
    """
    predicted = np.full(truth.shape, np.nan, dtype=np.float64)
    if times is None:
        predicted[lag:] = truth[:-lag]
        return predicted
    lagged = lagged_steps(times, [lag])
    earlier, n_gaps = lagged.earlier[lag], int(lagged.in_gap[lag].sum())
    if n_gaps:
        _log.warning("persistence is missing at %d time step%s after gaps in the %s time axis",
                  n_gaps, "" if n_gaps == 1 else "s", lagged.step.name)
    have = earlier >= 0
    predicted[have] = truth[earlier[have]]
    return predicted
