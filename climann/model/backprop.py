"""Forward pass and backpropagation through a stack of fully connected layers.

Samples are rows: ``X : (m, n_in)``. A layer computes ``Z = A_prev @ W + b`` and
``A = σ(Z)`` with ``W : (n_in, n_out)``, ``b : (n_out,)``; this is the lesson's
``Z = σ(WᵀX + b)`` transposed, with ``X`` holding one sample per column there.
Backpropagation runs the chain rule from the output back::

    δ_L = ∂J/∂ŷ ⊙ σ_L'(Z_L)
    dW_l = A_(l−1)ᵀ δ_l        db_l = Σ_rows δ_l        δ_(l−1) = (δ_l W_lᵀ) ⊙ σ_(l−1)'(Z_(l−1))

Every function can write into preallocated arrays (:class:`BatchBuffers`, and gradient
arrays that are views into one flat vector), so that training allocates nothing per batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from climann.model.activations import Activation, Identity, value_and_derivative

__all__ = [
    "BatchBuffers",
    "affine",
    "backward",
    "forward",
    "layer_delta",
    "layer_gradients",
]


@dataclass(frozen=True)
class BatchBuffers:
    """Arrays for the forward and backward pass of batches of ``n_samples`` rows.

    Allocated once per batch size and overwritten by every batch of that size.

    Attributes
    ----------
    pre_activations : list of ndarray, shapes (m, n_l)
        ``Z_l``, one per layer.
    outputs : list of ndarray, shapes (m, n_l)
        ``A_l = σ(Z_l)``, one per layer.
    gradients : list of ndarray, shapes (m, n_l)
        ``∂J/∂A_l``, turned into ``δ_l = ∂J/∂Z_l`` in place.
    derivatives : list of ndarray, shapes (m, n_l)
        ``σ'(Z_l)``.
    ones : ndarray, shape (m,)
        For the bias gradient ``db = 1ᵀ δ``.
    """

    pre_activations: list[np.ndarray]
    outputs: list[np.ndarray]
    gradients: list[np.ndarray]
    derivatives: list[np.ndarray]
    ones: np.ndarray

    @classmethod
    def allocate(cls, layer_sizes: Sequence[int], n_samples: int, dtype: np.dtype) -> BatchBuffers:
        """Buffers for a network of ``layer_sizes`` and batches of ``n_samples`` rows."""

        def per_layer() -> list[np.ndarray]:
            return [np.empty((n_samples, n_out), dtype=dtype) for n_out in layer_sizes[1:]]

        return cls(per_layer(), per_layer(), per_layer(), per_layer(), np.ones(n_samples, dtype))

    @property
    def n_samples(self) -> int:
        return self.ones.shape[0]


def _matrix_product(
    left: np.ndarray, right: np.ndarray, out: np.ndarray | None = None
) -> np.ndarray:
    """``left @ right``, into ``out`` if given.

    ``np.matmul`` (the ``@`` operator), except for an outer product (``left`` has one
    column: ``δ Wᵀ`` for a layer with one output), where ``np.dot`` is about 4× faster
    (measured with NumPy 2.4 and OpenBLAS: ``np.dot`` hands this shape to BLAS).
    """
    if left.ndim == 2 and left.shape[1] == 1:
        return np.dot(left, right, out=out)
    return np.matmul(left, right, out=out)


def affine(
    inputs: np.ndarray, weights: np.ndarray, biases: np.ndarray, out: np.ndarray | None = None
) -> np.ndarray:
    """Pre-activation of a layer, ``Z = A_prev @ W + b`` (the lesson's ``WᵀX + b``).

    Parameters
    ----------
    inputs : ndarray, shape (m, n_in)
        ``A_prev``, the previous layer's activations (or ``X``).
    weights : ndarray, shape (n_in, n_out)
    biases : ndarray, shape (n_out,)
    out : ndarray, shape (m, n_out), optional
        Where to write ``Z``.

    Returns
    -------
    ndarray, shape (m, n_out)
    """
    pre_activation = _matrix_product(inputs, weights, out)
    pre_activation += biases
    return pre_activation


def forward(
    inputs: np.ndarray,
    weights: Sequence[np.ndarray],
    biases: Sequence[np.ndarray],
    activations: Sequence[Activation],
    buffers: BatchBuffers | None = None,
    *,
    keep_derivatives: bool = False,
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Forward pass, ``Z_l = A_(l−1) @ W_l + b_l``, ``A_l = σ_l(Z_l)``, ``A_0 = X``.

    Parameters
    ----------
    inputs : ndarray, shape (m, n_in)
        ``X``.
    weights, biases : sequences of ndarray, shapes (n_(l−1), n_l) and (n_l,)
    activations : sequence of Activation, one per layer (the last is the output's)
    buffers : BatchBuffers, optional
        Arrays for ``m`` rows to write ``Z_l`` and ``A_l`` into; new arrays if None.
    keep_derivatives : bool, default False
        Also write ``σ_l'(Z_l)`` into ``buffers.derivatives`` (``buffers`` required), for a
        :func:`backward` with ``derivatives_kept=True``; a ReLU computes both from one
        comparison (:func:`~climann.model.activations.value_and_derivative`).

    Returns
    -------
    pre_activations : list of ndarray, shapes (m, n_l)
        ``Z_1 … Z_L``.
    layer_outputs : list of ndarray, shapes (m, n_l)
        ``A_0 = X, A_1 … A_L = ŷ``; one longer than ``pre_activations``.

    Raises
    ------
    TypeError
        If a layer changed the dtype (a float32 network must stay float32).
    ValueError
        If ``keep_derivatives`` is set without ``buffers``.
    """
    if keep_derivatives and buffers is None:
        raise ValueError("keep_derivatives needs buffers to keep the derivatives in")
    pre_activations: list[np.ndarray] = []
    layer_outputs = [inputs]
    for layer, (layer_weights, layer_biases, activation) in enumerate(
        zip(weights, biases, activations, strict=True)
    ):
        z_out = None if buffers is None else buffers.pre_activations[layer]
        a_out = None if buffers is None else buffers.outputs[layer]
        pre_activation = affine(layer_outputs[-1], layer_weights, layer_biases, out=z_out)
        pre_activations.append(pre_activation)
        if keep_derivatives and not isinstance(activation, Identity):  # (σ' = 1: never used)
            value, _ = value_and_derivative(activation, pre_activation, a_out, buffers.derivatives[layer])
            layer_outputs.append(value)
        else:
            layer_outputs.append(activation.value(pre_activation, out=a_out))
    if layer_outputs[-1].dtype != inputs.dtype:
        raise TypeError(f"forward pass turned {inputs.dtype} into {layer_outputs[-1].dtype}")
    return pre_activations, layer_outputs


def layer_delta(
    gradient_wrt_output: np.ndarray,
    activation: Activation,
    pre_activation: np.ndarray,
    output: np.ndarray,
    scratch: np.ndarray | None = None,
    *,
    derivative_kept: bool = False,
) -> np.ndarray:
    """``δ = ∂J/∂Z = ∂J/∂A ⊙ σ'(Z)``, computed in place in ``gradient_wrt_output``.

    Parameters
    ----------
    gradient_wrt_output : ndarray, shape (m, n_out)
        ``∂J/∂A``; overwritten with ``δ``.
    activation : Activation
    pre_activation, output : ndarray, shape (m, n_out)
        The stored ``Z`` and ``A = σ(Z)`` of the forward pass.
    scratch : ndarray, shape (m, n_out), optional
        Receives ``σ'(Z)``; or holds it already, with ``derivative_kept``.
    derivative_kept : bool, default False
        ``scratch`` holds ``σ'(Z)`` from the forward pass (``forward(keep_derivatives=True)``).

    Returns
    -------
    ndarray: ``gradient_wrt_output``, now ``δ``
    """
    if isinstance(activation, Identity):  # σ' = 1: δ is ∂J/∂A itself
        return gradient_wrt_output
    if derivative_kept and scratch is None:
        raise ValueError("derivative_kept needs the derivative in scratch")
    derivative = scratch if derivative_kept else activation.derivative(pre_activation, output, out=scratch)
    return np.multiply(gradient_wrt_output, derivative, out=gradient_wrt_output)


def layer_gradients(
    delta: np.ndarray,
    inputs: np.ndarray,
    out: tuple[np.ndarray, np.ndarray] | None = None,
    ones: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Gradients of one layer's parameters, ``dW = A_prevᵀ δ`` and ``db = Σ_rows δ``.

    Parameters
    ----------
    delta : ndarray, shape (m, n_out)
        ``δ = ∂J/∂Z`` for this layer.
    inputs : ndarray, shape (m, n_in)
        ``A_prev``.
    out : (ndarray, ndarray), optional
        Where to write ``dW : (n_in, n_out)`` and ``db : (n_out,)``.
    ones : ndarray, shape (m,), optional
        A vector of ones: the column sums are computed as the product ``1ᵀ δ``, which for
        these shapes is several times faster than ``np.sum(δ, axis=0)``.

    Returns
    -------
    dW : ndarray, shape (n_in, n_out)
    db : ndarray, shape (n_out,)
    """
    weight_gradient, bias_gradient = (None, None) if out is None else out
    if ones is None:
        ones = np.ones(delta.shape[0], dtype=delta.dtype)
    return (
        _matrix_product(inputs.T, delta, weight_gradient),
        _matrix_product(ones, delta, bias_gradient),
    )


def backward(
    output_gradient: np.ndarray,
    pre_activations: Sequence[np.ndarray],
    layer_outputs: Sequence[np.ndarray],
    weights: Sequence[np.ndarray],
    activations: Sequence[Activation],
    *,
    gradients: Sequence[tuple[np.ndarray, np.ndarray]] | None = None,
    buffers: BatchBuffers | None = None,
    derivatives_kept: bool = False,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Backpropagation: the gradient of the loss for every weight and bias.

    ``δ_L = ∂J/∂ŷ ⊙ σ_L'(Z_L)``; for each layer ``dW_l = A_(l−1)ᵀ δ_l``,
    ``db_l = Σ_rows δ_l`` and ``δ_(l−1) = (δ_l W_lᵀ) ⊙ σ_(l−1)'(Z_(l−1))``.

    Parameters
    ----------
    output_gradient : ndarray, shape (m, n_L)
        ``∂J/∂ŷ``; overwritten.
    pre_activations, layer_outputs : as returned by :func:`forward`
    weights : sequence of ndarray, shapes (n_(l−1), n_l)
    activations : sequence of Activation, one per layer
    gradients : sequence of (dW, db), optional
        Arrays to write the gradients into, shapes as ``weights[l]`` and ``biases[l]``.
    buffers : BatchBuffers, optional
        Arrays for ``m`` rows for ``∂J/∂A_l`` and ``σ'(Z_l)``; new arrays if None.
    derivatives_kept : bool, default False
        ``buffers.derivatives`` already hold ``σ_l'(Z_l)`` (``forward(keep_derivatives=True)``
        on the same buffers).

    Returns
    -------
    list of (dW, db), one per layer, shapes as ``weights[l]`` and ``biases[l]``
    """
    n_layers = len(weights)
    results: list[tuple[np.ndarray, np.ndarray]] = [None] * n_layers  # type: ignore[list-item]
    gradient_wrt_output = output_gradient  # ∂J/∂A_l, starting with ∂J/∂ŷ
    for layer in reversed(range(n_layers)):
        scratch = None if buffers is None else buffers.derivatives[layer]
        delta = layer_delta(
            gradient_wrt_output,
            activations[layer],
            pre_activations[layer],
            layer_outputs[layer + 1],
            scratch,
            derivative_kept=derivatives_kept,
        )
        results[layer] = layer_gradients(
            delta,
            layer_outputs[layer],
            out=None if gradients is None else gradients[layer],
            ones=None if buffers is None else buffers.ones,
        )
        if layer > 0:  # ∂J/∂X is never needed
            out = None if buffers is None else buffers.gradients[layer - 1]
            gradient_wrt_output = _matrix_product(delta, weights[layer].T, out)
    return results
