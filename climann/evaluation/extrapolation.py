"""Inputs outside the range seen in training: where a prediction is an extrapolation.

A network learns its function only where it saw data. Beyond the range a feature had in the
training block (a mountain higher than any it was trained on, a latitude it never saw) its
output is an extrapolation — a ReLU network continues linearly, a tanh network saturates — and
its error can be large with no sign of it in the prediction. A sample is flagged when any of
its features lies outside [min, max] of that feature over the training block (unscaled, as
recorded in ``model.npz`` under ``input_ranges``) by more than :data:`RANGE_MARGIN` of the
range's width: a value a hair beyond the range (the sine of a day of the year the training
months did not hit exactly, an insolation 0.1 % above the largest seen) is no extrapolation
worth a warning, and flagging it would teach users to ignore the warning. Inside the range is no guarantee (a
combination of features never seen together is not flagged); outside it is a warning sign.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from climann.data.unit_text import after_number
from climann.evaluation.negative_skill import significant_texts

#: How far beyond its training range, as a share of the range's width (max − min), a
#: feature must lie to be flagged.
RANGE_MARGIN = 0.01

#: Units of the derived features, which are no variable of the files.
_FEATURE_UNITS = {"lat": "degrees_north", "lon": "degrees_east"}

#: What follows ``<variable>_`` in the name of a feature in that variable's units: its lags
#: (``tas_lag1``), anomaly, global and regional means (``tas_global_mean``, ``tas_mean_<box>``),
#: and in field mode each of these as a grid mean or one cell (``tas_lag1_mean``, ``tas_cell7``).
_SAME_UNITS_SUFFIX = re.compile(r"(lag\d+|anomaly|global_mean|mean_.+)?(_?(mean|cell\d+))?")


def feature_units(name: str, units: Mapping[str, str]) -> str:
    """The units of feature ``name``: its variable's (``units``, ``model.npz`` metadata), else
    those of the variable it is derived from without a change of units (``tos_lag1`` has the
    units of ``tos``; the longest such variable name wins), else lat's and lon's; "" unknown."""
    if units.get(name):
        return units[name]
    sources = [variable for variable in units if name.startswith(variable + "_")
               and _SAME_UNITS_SUFFIX.fullmatch(name[len(variable) + 1:])]
    return units[max(sources, key=len)] if sources else _FEATURE_UNITS.get(name, "")


def outside_training_range(inputs: np.ndarray, minimum: np.ndarray, maximum: np.ndarray) -> np.ndarray:
    """Where each feature of each sample lies outside its training range:
    x < min − m (max − min) or x > max + m (max − min), m = :data:`RANGE_MARGIN`.

    Parameters
    ----------
    inputs : ndarray, shape (n_samples, n_features)
        Unscaled features, in the units the model was trained in.
    minimum, maximum : ndarray, shape (n_features,)
        Each feature's smallest and largest value in the training block.

    Returns
    -------
    ndarray of bool, shape (n_samples, n_features)
        False for a missing (NaN) value: it is not predicted from, so not extrapolated.

    Examples
    --------
    >>> outside_training_range(np.array([[0.5], [1.005], [2.0], [-1.0]]), np.array([0.0]), np.array([1.0]))[:, 0]
    array([False, False,  True,  True])
    """
    inputs, minimum, maximum = np.asarray(inputs), np.asarray(minimum), np.asarray(maximum)
    margin = RANGE_MARGIN * (maximum - minimum)
    with np.errstate(invalid="ignore"):
        return (inputs < minimum - margin) | (inputs > maximum + margin)


@dataclass(frozen=True)
class Extrapolation:
    """Which samples lie outside the training range, and for which features.

    Attributes
    ----------
    fraction : float
        The share of samples with some feature outside its training range (0 without samples).
    features : dict of str to dict
        For each feature outside its range somewhere (in the model's feature order):
        ``fraction`` of the samples outside, ``training_range`` [min, max] and
        ``range_here`` [min, max] of the present values.
    outside : ndarray of bool, shape (n_samples,), or None
        True where any feature lies outside its training range (None when summed chunk by
        chunk, see :func:`from_counts`).
    n_outside : int
        The number of samples with some feature outside its training range.
    """

    fraction: float
    features: dict[str, dict]
    outside: np.ndarray | None = None
    n_outside: int = 0

    def summary(self) -> dict:
        """``{"fraction", "features"}`` for ``metrics.json`` (``extrapolation``)."""
        return {"fraction": self.fraction, "features": self.features}


def check_extrapolation(inputs: np.ndarray, ranges: Mapping) -> Extrapolation:
    """Compare new inputs with the training range of each feature.

    Parameters
    ----------
    inputs : ndarray, shape (n_samples, n_features)
        Unscaled features, in the model's feature order and units.
    ranges : mapping
        ``{"names": [...], "min": [...], "max": [...]}``, the model file's ``input_ranges``.

    Returns
    -------
    Extrapolation
    """
    names, minimum, maximum = list(ranges["names"]), np.asarray(ranges["min"]), np.asarray(ranges["max"])
    flags = outside_training_range(inputs, minimum, maximum)
    features = {}
    for column in np.flatnonzero(flags.any(axis=0)):
        values = np.asarray(inputs[:, column], np.float64)
        features[names[column]] = {
            "fraction": float(flags[:, column].mean()),
            "training_range": [float(minimum[column]), float(maximum[column])],
            "range_here": [float(np.nanmin(values)), float(np.nanmax(values))],
        }
    outside = flags.any(axis=1)
    return Extrapolation(fraction=float(outside.mean()) if outside.size else 0.0, features=features, outside=outside,
                         n_outside=int(outside.sum()))


def from_counts(
    ranges: Mapping, n_samples: int, n_outside: int, outside: np.ndarray, low: np.ndarray, high: np.ndarray
) -> Extrapolation:
    """The :class:`Extrapolation` of data seen chunk by chunk, from counts added over chunks.

    Parameters
    ----------
    ranges : mapping
        The model file's ``input_ranges``.
    n_samples, n_outside : int
        Samples, and samples with some feature outside its training range.
    outside : ndarray of int, shape (n_features,)
        Samples outside the training range of each feature.
    low, high : ndarray, shape (n_features,)
        The smallest and largest value of each feature in the data.
    """
    names, minimum, maximum = list(ranges["names"]), ranges["min"], ranges["max"]
    features = {
        names[column]: {
            "fraction": float(outside[column] / n_samples),
            "training_range": [float(minimum[column]), float(maximum[column])],
            "range_here": [float(low[column]), float(high[column])],
        }
        for column in np.flatnonzero(outside)
    }
    return Extrapolation(fraction=float(n_outside / n_samples) if n_samples else 0.0, features=features,
                         n_outside=int(n_outside))


def extrapolation_message(extrapolation: Extrapolation, units: Mapping[str, str] | None = None) -> str | None:
    """One line naming the features outside their training range and the share of samples,
    or None when every sample is inside.

    "3.2 % of samples lie outside the training range of orog (max 3100 m seen, up to 5800 m
    here: 3.2 % of samples), lat (min -30 degrees_north seen, down to -60 here: 1.1 %)".
    """
    if not extrapolation.features:
        return None
    units = units or {}
    parts = []
    for index, (name, found) in enumerate(extrapolation.features.items()):
        unit = feature_units(name, units)
        unit = after_number(unit)
        (low, high), (low_here, high_here) = found["training_range"], found["range_here"]
        sides = []
        # a side only when it lies beyond the tolerance (outside_training_range): orog down to 0 m
        # here against 6e-17 m seen is inside it, and was listed (break28b A7)
        margin = RANGE_MARGIN * (high - low)
        if low_here < low - margin:
            seen, here = distinct_texts(low, low_here)
            sides.append(f"min {seen}{unit} seen, down to {here}{unit} here")
        if high_here > high + margin:
            seen, here = distinct_texts(high, high_here)
            sides.append(f"max {seen}{unit} seen, up to {here}{unit} here")
        # each feature's own share only when there are several (with one it is the total)
        share = "" if len(extrapolation.features) == 1 else (
            f": {percent_text(found['fraction'])}" + (" of samples" if index == 0 else ""))
        parts.append(f"{name} ({'; '.join(sides)}{share})")
    return (f"{percent_text(extrapolation.fraction)} of samples lie outside the training range of "
            f"{', '.join(parts)}; the predictions there are extrapolations")


def distinct_texts(seen: float, here: float) -> tuple[str, str]:
    """The two numbers to four significant digits, or to as many more as make them differ:
    "max 2044 mmol/m3 seen, up to 2044 mmol/m3 here" said nothing (break42b A8; 2043.6 and 2044.4);
    trailing zeros kept, so the two show as many digits (5.0 and 4.9997: "5.0000" and "4.9997", not "5").

    Parameters
    ----------
    seen, here : float
        The training range's end and the data's.

    Returns
    -------
    tuple of str
        Each in ``g`` form, with the same number of significant digits (4 to 17).
    """
    for digits in range(4, 18):  # both written exactly ("-5.72", "-7") as they are, else with as many digits
        texts = significant_texts((seen, here), digits)
        if float(texts[0]) != float(texts[1]):
            return texts
    return texts


def percent_text(fraction: float) -> str:
    """"3.2 %", "0.041 %", "45 %": two significant digits, never in exponent form."""
    percent = 100 * fraction
    return f"{percent:.0f} %" if percent >= 10 else f"{float(f'{percent:.2g}'):g} %"
