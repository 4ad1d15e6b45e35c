"""Baselines the network must beat.

Linear regression is the lesson's network without activation functions: ŷ = X w + b. It is
fitted in closed form by least squares on exactly the network's features.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


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
