"""Loss functions J(ŷ, y) and their gradients ∂J/∂ŷ, with optional per-sample weights.

Every loss here is the (weighted) mean over samples AND outputs of a pointwise loss
``ℓ(a)`` of the residual ``a = ŷ − y``::

    J = Σ_i c_i Σ_j ℓ(a_ij)        ∂J/∂ŷ_ij = c_i ℓ'(a_ij)
    c_i = 1 / (m·k)                without weights
    c_i = w_i / (k·Σ_l w_l)        with weights w : (m,)

for ``m`` samples and ``k`` outputs. With ``ℓ(a) = ½a²`` this is the lesson's
``J = 1/(2m) Σ(ŷ − y)²`` (divided also by ``k``). The factor ``c_i`` lives in one place,
:func:`sample_scale`, so value and gradient cannot disagree (scikit-learn's multi-output
gradient is off by a factor ``k``, its issue #8349).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from climann.errors import ClimannError
from climann.model._names import lookup

__all__ = [
    "LOSSES",
    "Huber",
    "Loss",
    "MeanAbsoluteError",
    "MeanSquaredError",
    "check_sample_weight",
    "get_loss",
    "sample_scale",
    "weighted_mean",
    "weighted_mean_gradient",
]


def check_sample_weight(sample_weight: np.ndarray | None, *, n_samples: int) -> np.ndarray | None:
    """Check per-sample weights: shape (n_samples,), finite, non-negative, positive sum.

    Parameters
    ----------
    sample_weight : array_like, shape (n_samples,), or None
    n_samples : int

    Returns
    -------
    ndarray of float64, shape (n_samples,), or None

    Raises
    ------
    ClimannError
        If any of the conditions above fails.
    """
    if sample_weight is None:
        return None
    weights = np.asarray(sample_weight, dtype=np.float64)
    if weights.shape != (n_samples,):
        raise ClimannError(
            f"sample_weight must have shape ({n_samples},), one weight per sample; "
            f"got shape {weights.shape}"
        )
    if not np.all(np.isfinite(weights)) or np.any(weights < 0):
        raise ClimannError("sample_weight must be finite and non-negative; fix the weights")
    if n_samples > 0 and not weights.sum() > 0:
        raise ClimannError(
            "sample_weight sums to zero; at least one sample needs a positive weight"
        )
    return weights


def sample_scale(
    sample_weight: np.ndarray | None, *, n_samples: int, n_outputs: int, dtype: np.dtype
) -> np.ndarray:
    """Each sample's share ``c_i`` of a mean over samples and outputs.

    ``c_i = 1/(m·k)`` without weights, ``c_i = w_i/(k·Σ_l w_l)`` with weights, so that the
    mean of ``E : (m, k)`` is ``Σ_i c_i Σ_j E_ij``.

    Parameters
    ----------
    sample_weight : ndarray, shape (m,), or None
    n_samples, n_outputs : int
        ``m`` and ``k``.
    dtype : numpy dtype
        Dtype of the result (the predictions' dtype).

    Returns
    -------
    ndarray, shape (m, 1)
        A column, so that it broadcasts over the outputs.
    """
    if sample_weight is None:
        return np.full((n_samples, 1), 1 / (n_samples * n_outputs), dtype=dtype)
    weights = np.asarray(sample_weight, dtype=np.float64)
    # Normalise in float64: Σw over many float32 weights would lose digits.
    return (weights / (n_outputs * weights.sum())).astype(dtype)[:, np.newaxis]


def weighted_mean(pointwise: np.ndarray, sample_weight: np.ndarray | None = None) -> float:
    """Mean over samples and outputs, ``J = Σ_i c_i Σ_j E_ij`` (see :func:`sample_scale`).

    Parameters
    ----------
    pointwise : ndarray, shape (m, k)
        ``E_ij``, e.g. the pointwise losses.
    sample_weight : ndarray, shape (m,), or None

    Returns
    -------
    float
    """
    n_samples, n_outputs = pointwise.shape
    scale = sample_scale(sample_weight, n_samples=n_samples, n_outputs=n_outputs, dtype=np.float64)
    return float(pointwise.sum(axis=1, dtype=np.float64) @ scale[:, 0])


def weighted_mean_gradient(
    pointwise_derivative: np.ndarray, sample_weight: np.ndarray | None = None
) -> np.ndarray:
    """Gradient of :func:`weighted_mean`, ``∂J/∂ŷ_ij = c_i ℓ'(a_ij)``; scales in place.

    Parameters
    ----------
    pointwise_derivative : ndarray, shape (m, k)
        ``ℓ'(a_ij)``; overwritten with the result.
    sample_weight : ndarray, shape (m,), or None

    Returns
    -------
    ndarray, shape (m, k), same dtype: ``pointwise_derivative`` itself, scaled
    """
    n_samples, n_outputs = pointwise_derivative.shape
    scale = sample_scale(
        sample_weight, n_samples=n_samples, n_outputs=n_outputs, dtype=pointwise_derivative.dtype
    )
    return np.multiply(pointwise_derivative, scale, out=pointwise_derivative)


class Loss:
    """A mean of a pointwise loss ``ℓ(a)`` of the residual ``a = ŷ − y``.

    Subclasses define ``pointwise(a)`` and ``pointwise_derivative(a)``; averaging, weights
    and shapes are handled here once.
    """

    name: ClassVar[str]

    def pointwise(self, residual: np.ndarray) -> np.ndarray:
        """``ℓ(a)`` elementwise; ``residual : (m, k)``."""
        raise NotImplementedError

    def pointwise_derivative(self, residual: np.ndarray) -> np.ndarray:
        """``ℓ'(a)`` elementwise, a new array; ``residual : (m, k)``."""
        raise NotImplementedError

    def value(
        self, predictions: np.ndarray, targets: np.ndarray, sample_weight: np.ndarray | None = None
    ) -> float:
        """``J = Σ_i c_i Σ_j ℓ(ŷ_ij − y_ij)``; ``predictions, targets : (m, k)``."""
        return weighted_mean(self.pointwise(predictions - targets), sample_weight)

    def gradient(
        self, predictions: np.ndarray, targets: np.ndarray, sample_weight: np.ndarray | None = None
    ) -> np.ndarray:
        """``∂J/∂ŷ : (m, k)``, same dtype as ``predictions``."""
        return self.value_and_gradient(predictions, targets, sample_weight)[1]

    def value_and_gradient(
        self, predictions: np.ndarray, targets: np.ndarray, sample_weight: np.ndarray | None = None
    ) -> tuple[float, np.ndarray]:
        """``(J, ∂J/∂ŷ)`` from one residual ``a = ŷ − y``; ``predictions, targets : (m, k)``."""
        residual = predictions - targets
        loss = weighted_mean(self.pointwise(residual), sample_weight)
        return loss, weighted_mean_gradient(self.pointwise_derivative(residual), sample_weight)


@dataclass(frozen=True)
class MeanSquaredError(Loss):
    """``ℓ(a) = ½a²``, ``ℓ'(a) = a``: ``J = 1/(2·m·k) Σ(ŷ − y)²``, ``∂J/∂ŷ = (ŷ − y)/(m·k)``."""

    name: ClassVar[str] = "mse"

    def pointwise(self, residual: np.ndarray) -> np.ndarray:
        return 0.5 * residual * residual

    def pointwise_derivative(self, residual: np.ndarray) -> np.ndarray:
        return residual.copy()


@dataclass(frozen=True)
class MeanAbsoluteError(Loss):
    """``ℓ(a) = |a|``, subgradient ``ℓ'(a) = sign(a)`` (0 at ``a = 0``)."""

    name: ClassVar[str] = "mae"

    def pointwise(self, residual: np.ndarray) -> np.ndarray:
        return np.abs(residual)

    def pointwise_derivative(self, residual: np.ndarray) -> np.ndarray:
        return np.sign(residual)


@dataclass(frozen=True)
class Huber(Loss):
    """``ℓ(a) = ½a²`` for ``|a| ≤ δ``, ``δ(|a| − ½δ)`` beyond; ``ℓ'(a) = clip(a, −δ, δ)``."""

    delta: float = 1.0
    name: ClassVar[str] = "huber"

    def __post_init__(self) -> None:
        if not self.delta > 0:
            raise ClimannError(f"Huber delta must be positive, got {self.delta}")

    def pointwise(self, residual: np.ndarray) -> np.ndarray:
        size = np.abs(residual)
        return np.where(
            size <= self.delta, 0.5 * residual * residual, self.delta * (size - 0.5 * self.delta)
        )

    def pointwise_derivative(self, residual: np.ndarray) -> np.ndarray:
        return np.clip(residual, -self.delta, self.delta)


LOSSES: dict[str, Loss] = {
    "mse": MeanSquaredError(),
    "mae": MeanAbsoluteError(),
    "huber": Huber(),
}
"""Losses by name; ``huber`` has ``delta = 1`` (use ``Huber(delta=...)`` for another)."""


def get_loss(name: str | Loss) -> Loss:
    """The loss called ``name`` (or ``name`` itself if it is already a :class:`Loss`).

    Parameters
    ----------
    name : str or Loss
        ``"mse"``, ``"mae"`` or ``"huber"`` (case-insensitive), or e.g. ``Huber(delta=0.5)``.

    Returns
    -------
    Loss

    Raises
    ------
    ClimannError
        If ``name`` is unknown; the message lists the valid names and the closest one.
    """
    if isinstance(name, Loss):
        return name
    return lookup(LOSSES, name, kind="loss")
