"""Gradient checking: backpropagation against central finite differences.

``∂J/∂w ≈ (J(w + ε) − J(w − ε)) / (2ε)`` for each parameter in turn, computed on a float64
copy of the network so that rounding does not swamp the difference. It costs two loss
evaluations per parameter: meant for tests and small networks, not for training.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from climann.model.losses import Loss
from climann.model.network import Network

__all__ = ["finite_difference_gradients", "relative_error"]


def _partial_derivatives(
    objective: Callable[[], float], parameter: np.ndarray, epsilon: float
) -> np.ndarray:
    """``(J(w + ε) − J(w − ε)) / (2ε)`` for every entry ``w`` of ``parameter`` (restored after).

    ``objective()`` evaluates ``J`` with the parameters as they are at the time of the call.
    """
    derivatives = np.empty_like(parameter)
    for index in np.ndindex(parameter.shape):
        original = parameter[index]
        parameter[index] = original + epsilon
        loss_plus = objective()
        parameter[index] = original - epsilon
        loss_minus = objective()
        parameter[index] = original
        derivatives[index] = (loss_plus - loss_minus) / (2 * epsilon)
    return derivatives


def finite_difference_gradients(
    network: Network,
    X: np.ndarray,
    y: np.ndarray,
    *,
    loss: str | Loss = "mse",
    sample_weight: np.ndarray | None = None,
    mask: np.ndarray | None = None,
    l2: float = 0.0,
    epsilon: float = 1e-6,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Gradients of the loss by central differences, in float64.

    Parameters
    ----------
    network : Network
        Not modified; a float64 copy is perturbed.
    X : array_like, shape (m, n_in)
    y : array_like, shape (m, n_out)
    loss : str or Loss, default "mse"
    sample_weight : array_like, shape (m,), optional
    mask : array_like of bool, shape (m, n_out), optional
        True where ``y`` is observed.
    l2 : float, default 0
        Differentiates ``J + (l2/2)·Σ‖W‖²`` instead of ``J``.
    epsilon : float, default 1e-6
        Step ``ε``.

    Returns
    -------
    list of (dW, db)
        Same structure and shapes as from ``network.loss_and_gradients``, dtype float64.

    Examples
    --------
    >>> net = Network([2, 3, 1], activation="tanh", dtype="float64")
    >>> X, y = np.ones((4, 2)), np.zeros((4, 1))
    >>> _, grads = net.loss_and_gradients(X, y)
    >>> relative_error(grads[0][0], finite_difference_gradients(net, X, y)[0][0]) < 1e-6
    True
    """
    network64 = network.astype("float64")
    X64, y64 = np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64)

    def objective() -> float:
        return network64.loss(X64, y64, loss=loss, sample_weight=sample_weight, mask=mask, l2=l2)

    return [
        (
            _partial_derivatives(objective, weights, epsilon),
            _partial_derivatives(objective, biases, epsilon),
        )
        for weights, biases in zip(network64.weights, network64.biases, strict=True)
    ]


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """``‖a − b‖ / (‖a‖ + ‖b‖)`` (Euclidean norms over all entries); 0 when both are 0.

    Parameters
    ----------
    a, b : array_like, same shape

    Returns
    -------
    float
        Below about 1e-7 when a float64 gradient check passes.
    """
    a64, b64 = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    scale = np.linalg.norm(a64) + np.linalg.norm(b64)
    return 0.0 if scale == 0 else float(np.linalg.norm(a64 - b64) / scale)
