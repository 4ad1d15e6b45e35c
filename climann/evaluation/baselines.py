"""Baselines the network must beat.

Linear regression is the lesson's network without activation functions: ŷ = X w + b. It is
fitted in closed form by least squares on exactly the network's features.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from climann.evaluation.metrics import nanmean_over_time


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
    """Whether consecutive time steps are evenly spaced (monthly counts as even), so that
    "the previous step" means the same lag everywhere."""
    if len(times) < 3:
        return False
    steps = np.array([(later - earlier).total_seconds() for earlier, later in zip(times[:-1], times[1:])])
    return bool(np.all(np.abs(steps / np.median(steps) - 1) < 0.12))


def persistence_prediction(truth: np.ndarray, *, lag: int = 1) -> np.ndarray:
    """Predict each value by the value ``lag`` steps earlier at the same cell: ŷ[t] = y[t − lag].

    Returns
    -------
    ndarray, shape (n_time, n_lat, n_lon)
        NaN for the first ``lag`` steps.
    """
    predicted = np.full(truth.shape, np.nan, dtype=np.float64)
    predicted[lag:] = truth[:-lag]
    return predicted
