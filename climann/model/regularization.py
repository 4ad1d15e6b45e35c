"""Penalties and limits on the parameters and gradients: L2 penalty, gradient-norm clipping.

The L2 penalty adds ``(l2/2)·Σ_l ‖W_l‖²`` to the loss, on the weights only (not the biases),
so its gradient adds ``l2·W``. Its strength is the same for every batch, whatever the batch
size (scikit-learn's ``alpha`` is divided by the batch size instead, so there the penalty
grows relative to the loss as the batches shrink).

All functions work on the flat vectors of :mod:`climann.model.parameters`, where the weights
are the first ``n_weights`` entries.
"""

from __future__ import annotations

import math

import numpy as np

from climann.errors import ClimannError

__all__ = ["add_l2_gradient", "check_clip_norm", "check_l2", "clip_by_global_norm", "l2_penalty"]


def check_l2(l2: float) -> float:
    """``l2`` as a float, if it is a finite number >= 0; else a ClimannError."""
    if not _is_number(l2) or not (math.isfinite(l2) and l2 >= 0):
        raise ClimannError(f"l2 must be a finite number >= 0 (0 for no penalty); got {l2!r}")
    return float(l2)


def check_clip_norm(clip_norm: float | None) -> float | None:
    """``clip_norm`` as a float, if it is None or a finite number > 0; else a ClimannError."""
    if clip_norm is None:
        return None
    if not _is_number(clip_norm) or not (math.isfinite(clip_norm) and clip_norm > 0):
        raise ClimannError(
            f"clip_norm must be a finite number > 0, or None for no clipping; got {clip_norm!r}"
        )
    return float(clip_norm)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)


def l2_penalty(weights: np.ndarray, l2: float) -> float:
    """``(l2/2)·Σ w²`` over the flat vector of weights ``weights : (n_weights,)``."""
    return 0.5 * l2 * float(np.dot(weights, weights))


def add_l2_gradient(
    weight_gradients: np.ndarray, weights: np.ndarray, l2: float, scratch: np.ndarray
) -> None:
    """``∂J/∂W += l2·W``, the gradient of :func:`l2_penalty`, in place.

    Parameters
    ----------
    weight_gradients, weights, scratch : ndarray, shape (n_weights,)
        ``scratch`` receives ``l2·W`` on the way.
    """
    np.multiply(weights, l2, out=scratch)
    weight_gradients += scratch


def clip_by_global_norm(gradients: np.ndarray, clip_norm: float) -> float:
    """Scale all gradients together so that their global L2 norm is at most ``clip_norm``.

    ``‖g‖ = √(Σ g²)`` over every weight and bias; if ``‖g‖ > clip_norm``,
    ``g ← g · clip_norm / ‖g‖`` (the direction is kept, only the length shrinks).

    Parameters
    ----------
    gradients : ndarray, shape (n_parameters,)
        All gradients as one flat vector; scaled in place.
    clip_norm : float
        The largest norm allowed.

    Returns
    -------
    float
        The norm before clipping.
    """
    with np.errstate(over="ignore"):
        norm = math.sqrt(float(np.dot(gradients, gradients)))
    if math.isinf(norm):  # Σ g² overflowed float32: recompute it in float64
        wide = gradients.astype(np.float64)
        norm = math.sqrt(float(np.dot(wide, wide)))
    if norm > clip_norm:
        gradients *= clip_norm / norm
    return norm
