"""Loss functions J(ŷ, y) and their gradients ∂J/∂ŷ, with optional weights and masks.

Every loss here is the (weighted) mean over samples AND outputs of a pointwise loss
``ℓ(a)`` of the residual ``a = ŷ − y``::

    J = Σ_ij c_ij ℓ(a_ij)              ∂J/∂ŷ_ij = c_ij ℓ'(a_ij)
    c_ij = 1 / (m·k)                   without weights or mask
    c_ij = w_i m_ij / Σ_ij w_i m_ij    with weights w : (m,) and/or a mask m : (m, k)

for ``m`` samples and ``k`` outputs; a missing ``w`` counts as 1, a missing mask as all
True. With ``ℓ(a) = ½a²`` this is the lesson's ``J = 1/(2m) Σ(ŷ − y)²`` (divided also by
``k``). The factor ``c_ij`` lives in one place, :func:`sample_scale`, so value and gradient
cannot disagree (scikit-learn's multi-output gradient is off by a factor ``k``, its issue
#8349).

A mask marks observed targets (True) and missing ones (False): a missing target adds
nothing to ``J`` or to its gradient, may hold NaN, and does not count in the mean.
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
    "check_mask",
    "check_sample_weight",
    "get_loss",
    "masked_residual",
    "sample_scale",
    "scaled_sum",
    "sum_scale",
    "total_weight",
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


def check_mask(mask: np.ndarray | None, *, shape: tuple[int, int]) -> np.ndarray | None:
    """Check a mask of observed targets: boolean, shape (m, k) like ``y``.

    Parameters
    ----------
    mask : array_like of bool, shape (m, k), or None
        True where the target is observed, False where it is missing.
    shape : (int, int)
        The targets' shape.

    Returns
    -------
    ndarray of bool, shape (m, k), or None

    Raises
    ------
    ClimannError
        If the mask is not boolean or has another shape than the targets.
    """
    if mask is None:
        return None
    observed = np.asarray(mask)
    if observed.dtype != np.bool_:
        raise ClimannError(
            f"mask must be boolean (True = observed target), got dtype {observed.dtype}; "
            "use mask.astype(bool)"
        )
    if observed.shape != tuple(shape):
        raise ClimannError(
            f"mask must have the shape of y, {tuple(shape)}; got shape {observed.shape}"
        )
    return observed


def total_weight(
    sample_weight: np.ndarray | None, mask: np.ndarray | None, *, shape: tuple[int, int]
) -> float:
    """``Σ_ij w_i m_ij``: the (weighted) number of observed targets, the mean's denominator.

    Parameters
    ----------
    sample_weight : ndarray, shape (m,), or None
        None counts every sample once.
    mask : ndarray of bool, shape (m, k), or None
        None counts every target as observed.
    shape : (int, int)
        ``(m, k)``.

    Returns
    -------
    float
    """
    n_samples, n_outputs = shape
    if mask is None:
        return float(
            n_samples * n_outputs if sample_weight is None else n_outputs * sample_weight.sum()
        )
    observed_per_sample = np.count_nonzero(mask, axis=1)
    if sample_weight is None:
        return float(observed_per_sample.sum())
    return float(sample_weight @ observed_per_sample)


def sample_scale(
    sample_weight: np.ndarray | None,
    *,
    n_samples: int,
    n_outputs: int,
    dtype: np.dtype,
    mask: np.ndarray | None = None,
) -> float | np.ndarray:
    """Each target's share ``c_ij`` of a mean over samples and outputs.

    ``c_ij = w_i m_ij / Σ_ij w_i m_ij`` (see :func:`total_weight`), so that the mean of
    ``E : (m, k)`` is ``Σ_ij c_ij E_ij``. Without a mask every ``m_ij`` is 1 and ``c`` is
    one column, ``w_i/(k·Σ_l w_l)``; without weights or mask every ``c_ij`` is ``1/(m·k)``.

    Parameters
    ----------
    sample_weight : ndarray, shape (m,), or None
    n_samples, n_outputs : int
        ``m`` and ``k``.
    dtype : numpy dtype
        Dtype of the result (the predictions' dtype).
    mask : ndarray of bool, shape (m, k), or None

    Returns
    -------
    float or ndarray
        The float ``1/(m·k)`` without weights or mask; else an array of shape (m, 1)
        (weights only: it broadcasts over the outputs) or (m, k) (with a mask).
    """
    if sample_weight is None and mask is None:
        return 1 / (n_samples * n_outputs)
    # Normalise in float64: Σw over many float32 weights would lose digits.
    total = total_weight(sample_weight, mask, shape=(n_samples, n_outputs))
    if sample_weight is None:
        weights = np.ones((n_samples, 1))
    else:
        weights = np.asarray(sample_weight, dtype=np.float64)[:, np.newaxis]
    if mask is not None:
        weights = weights * mask
    return (weights / total).astype(dtype, copy=False)


def sum_scale(
    sample_weight: np.ndarray | None, mask: np.ndarray | None, *, n_samples: int, dtype: np.dtype
) -> float | np.ndarray:
    """Each target's weight ``w_i m_ij`` in a *sum* over targets (not divided by ``Σ w m``).

    For data split into chunks: ``J = Σ_chunks S / Σ_chunks W`` with ``S = Σ_ij w_i m_ij ℓ(a_ij)``
    and ``W`` = :func:`total_weight`, which is exactly :func:`sample_scale`'s mean.

    Parameters
    ----------
    sample_weight : ndarray, shape (m,), or None
    mask : ndarray of bool, shape (m, k), or None
    n_samples : int
    dtype : numpy dtype

    Returns
    -------
    float or ndarray
        ``1.0`` without weights or mask; else shape (m, 1) (weights only) or (m, k).
    """
    if sample_weight is None and mask is None:
        return 1.0
    if sample_weight is None:
        weights = np.ones((n_samples, 1))
    else:
        weights = np.asarray(sample_weight, dtype=np.float64)[:, np.newaxis]
    if mask is not None:
        weights = weights * mask
    return weights.astype(dtype, copy=False)


def scaled_sum(values: np.ndarray, scale: float | np.ndarray) -> float:
    """``Σ_ij c_ij E_ij`` for ``values = E : (m, k)``, ``scale = c`` from :func:`sample_scale`."""
    if isinstance(scale, float):
        return scale * float(values.sum())
    return float((values * scale).sum())


def weighted_mean(
    pointwise: np.ndarray, sample_weight: np.ndarray | None = None, mask: np.ndarray | None = None
) -> float:
    """Mean over samples and outputs, ``J = Σ_ij c_ij E_ij`` (see :func:`sample_scale`).

    Parameters
    ----------
    pointwise : ndarray, shape (m, k)
        ``E_ij``, e.g. the pointwise losses; ignored (even if NaN) where ``mask`` is False.
    sample_weight : ndarray, shape (m,), or None
    mask : ndarray of bool, shape (m, k), or None

    Returns
    -------
    float
    """
    n_samples, n_outputs = pointwise.shape
    scale = sample_scale(
        sample_weight, n_samples=n_samples, n_outputs=n_outputs, dtype=pointwise.dtype, mask=mask
    )
    if mask is not None:
        pointwise = np.where(mask, pointwise, 0)
    return scaled_sum(pointwise, scale)


def weighted_mean_gradient(
    pointwise_derivative: np.ndarray,
    sample_weight: np.ndarray | None = None,
    mask: np.ndarray | None = None,
) -> np.ndarray:
    """Gradient of :func:`weighted_mean`, ``∂J/∂E_ij = c_ij ℓ'(a_ij)``; scales in place.

    Parameters
    ----------
    pointwise_derivative : ndarray, shape (m, k)
        ``ℓ'(a_ij)``, finite everywhere; overwritten with the result.
    sample_weight : ndarray, shape (m,), or None
    mask : ndarray of bool, shape (m, k), or None

    Returns
    -------
    ndarray, shape (m, k), same dtype: ``pointwise_derivative`` itself, scaled
    """
    n_samples, n_outputs = pointwise_derivative.shape
    scale = sample_scale(
        sample_weight,
        n_samples=n_samples,
        n_outputs=n_outputs,
        dtype=pointwise_derivative.dtype,
        mask=mask,
    )
    return np.multiply(pointwise_derivative, scale, out=pointwise_derivative)


def masked_residual(
    predictions: np.ndarray,
    targets: np.ndarray,
    mask: np.ndarray | None = None,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """The residual ``a = ŷ − y``, set to 0 where the target is missing (it may be NaN there).

    Parameters
    ----------
    predictions, targets : ndarray, shape (m, k)
    mask : ndarray of bool, shape (m, k), or None
    out : ndarray, shape (m, k), optional
        Where to write the residual.

    Returns
    -------
    ndarray, shape (m, k), the predictions' dtype
    """
    residual = np.subtract(predictions, targets, out=out)
    if mask is not None:
        np.copyto(residual, 0, where=~mask)
    return residual


class Loss:
    """A mean of a pointwise loss ``ℓ(a)`` of the residual ``a = ŷ − y``.

    Subclasses define ``pointwise(a)`` and ``pointwise_derivative(a)``; averaging, weights,
    masks and shapes are handled here once.
    """

    name: ClassVar[str]

    def pointwise(self, residual: np.ndarray) -> np.ndarray:
        """``ℓ(a)`` elementwise, a new array; ``residual : (m, k)``."""
        raise NotImplementedError

    def pointwise_derivative(
        self, residual: np.ndarray, out: np.ndarray | None = None
    ) -> np.ndarray:
        """``ℓ'(a)`` elementwise; into ``out`` if given (``out`` may be ``residual``)."""
        raise NotImplementedError

    def value(
        self,
        predictions: np.ndarray,
        targets: np.ndarray,
        sample_weight: np.ndarray | None = None,
        mask: np.ndarray | None = None,
    ) -> float:
        """``J = Σ_ij c_ij ℓ(ŷ_ij − y_ij)``; ``predictions, targets : (m, k)``."""
        residual = masked_residual(predictions, targets, mask)
        return weighted_mean(self.pointwise(residual), sample_weight, mask)

    def gradient(
        self,
        predictions: np.ndarray,
        targets: np.ndarray,
        sample_weight: np.ndarray | None = None,
        mask: np.ndarray | None = None,
    ) -> np.ndarray:
        """``∂J/∂ŷ : (m, k)``, same dtype as ``predictions``."""
        return self.value_and_gradient(predictions, targets, sample_weight, mask)[1]

    def value_and_gradient(
        self,
        predictions: np.ndarray,
        targets: np.ndarray,
        sample_weight: np.ndarray | None = None,
        mask: np.ndarray | None = None,
        *,
        out: np.ndarray | None = None,
    ) -> tuple[float, np.ndarray]:
        """``(J, ∂J/∂ŷ)`` from one residual ``a = ŷ − y``; ``predictions, targets : (m, k)``.

        ``J = Σ c ℓ(a)`` and ``∂J/∂ŷ = c ℓ'(a)``, with ``c`` computed once, as in
        :func:`weighted_mean` and :func:`weighted_mean_gradient`. ``out`` (shape (m, k),
        the predictions' dtype) receives the gradient if given.
        """
        residual = masked_residual(predictions, targets, mask, out=out)
        n_samples, n_outputs = residual.shape
        scale = sample_scale(
            sample_weight, n_samples=n_samples, n_outputs=n_outputs, dtype=residual.dtype, mask=mask
        )
        loss = scaled_sum(self.pointwise(residual), scale)
        derivative = self.pointwise_derivative(residual, out=residual)
        return loss, np.multiply(derivative, scale, out=derivative)

    def sum_and_gradient(
        self,
        predictions: np.ndarray,
        targets: np.ndarray,
        sample_weight: np.ndarray | None = None,
        mask: np.ndarray | None = None,
        *,
        out: np.ndarray | None = None,
    ) -> tuple[float, np.ndarray]:
        """The loss as a sum, ``S = Σ_ij w_i m_ij ℓ(a_ij)``, and ``∂S/∂ŷ = w_i m_ij ℓ'(a_ij)``.

        :meth:`value_and_gradient` divided by nothing: ``J = S / W`` with ``W`` =
        :func:`total_weight`. Sums of chunks add up, so the loss and gradient of data split
        into chunks are ``Σ S / Σ W`` and ``Σ ∂S/∂ŷ / Σ W`` (data-parallel training). ``S`` is
        accumulated in float64; ``out`` (shape (m, k), the predictions' dtype) receives the
        gradient if given.
        """
        residual = masked_residual(predictions, targets, mask, out=out)
        scale = sum_scale(sample_weight, mask, n_samples=residual.shape[0], dtype=residual.dtype)
        pointwise = self.pointwise(residual)
        if not isinstance(scale, float):
            pointwise *= scale
        loss = float(pointwise.sum(dtype=np.float64))
        derivative = self.pointwise_derivative(residual, out=residual)
        if isinstance(scale, float):
            return loss, derivative
        return loss, np.multiply(derivative, scale, out=derivative)


@dataclass(frozen=True)
class MeanSquaredError(Loss):
    """``ℓ(a) = ½a²``, ``ℓ'(a) = a``: ``J = 1/(2·m·k) Σ(ŷ − y)²``, ``∂J/∂ŷ = (ŷ − y)/(m·k)``."""

    name: ClassVar[str] = "mse"

    def pointwise(self, residual: np.ndarray) -> np.ndarray:
        return 0.5 * residual * residual

    def pointwise_derivative(
        self, residual: np.ndarray, out: np.ndarray | None = None
    ) -> np.ndarray:
        if out is None:
            return residual.copy()
        if out is not residual:  # ℓ'(a) = a: in place there is nothing to do
            np.copyto(out, residual)
        return out


@dataclass(frozen=True)
class MeanAbsoluteError(Loss):
    """``ℓ(a) = |a|``, subgradient ``ℓ'(a) = sign(a)`` (0 at ``a = 0``)."""

    name: ClassVar[str] = "mae"

    def pointwise(self, residual: np.ndarray) -> np.ndarray:
        return np.abs(residual)

    def pointwise_derivative(
        self, residual: np.ndarray, out: np.ndarray | None = None
    ) -> np.ndarray:
        return np.sign(residual, out=out)


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

    def pointwise_derivative(
        self, residual: np.ndarray, out: np.ndarray | None = None
    ) -> np.ndarray:
        return np.clip(residual, -self.delta, self.delta, out=out)


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
