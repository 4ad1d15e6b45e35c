"""The loss and its gradient as sums over samples: what one chunk of data contributes.

The training loss is a weighted mean over samples and outputs (see :mod:`climann.model.losses`)::

    J = S / W        S = Σ_ij w_i m_ij ℓ(ŷ_ij − y_ij)        W = Σ_ij w_i m_ij

and its gradient is ``∂J/∂θ = G / W`` with ``G = ∂S/∂θ``. ``S``, ``G`` and ``W`` are sums over
samples, so for data split into chunks k they are the sums of the chunks' own
``S_k``, ``G_k`` and ``W_k``::

    J = Σ_k S_k / Σ_k W_k        ∂J/∂θ = Σ_k G_k / Σ_k W_k

exactly the mean over all samples (the lesson's J = 1/(2m) Σ(ŷ − y)² when every w and m is 1
and ℓ(a) = ½a²). This is data parallelism: whoever holds a chunk computes its sums from the
current parameter vector; only these small arrays (as long as the parameter vector) travel.
:func:`chunk_sums` is the per-chunk computation, :class:`ChunkSums` the sums and their
addition. Nothing here knows where the chunks live (see :mod:`climann.workflow.compute`).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from climann.errors import ClimannError
from climann.model.backprop import BatchBuffers, backward, forward
from climann.model.losses import Loss, get_loss, total_weight
from climann.model.network import Network
from climann.model.parameters import layer_views

__all__ = ["ROWS_PER_PASS", "ChunkSums", "chunk_sums"]

#: Rows per forward/backward pass inside a chunk: bounds the per-layer buffers (64 hidden
#: units × 2048 rows × 4 bytes = 0.5 MiB each) whatever the chunk's size. Each call allocates
#: its buffers afresh, and their first touch costs page faults: with 8192 rows, the
#: validation sums of a 31 104-row chunk through 64 × 64 took 14.5 ms on a dask worker, with
#: 2048 rows 7.5 ms (float32, one BLAS thread, 2 cores).
ROWS_PER_PASS = 2048


@dataclass(frozen=True)
class ChunkSums:
    """``S``, ``W`` and ``G`` of some samples (one chunk, or several added up).

    Attributes
    ----------
    loss : float
        ``S = Σ_ij w_i m_ij ℓ(a_ij)``.
    weight : float
        ``W = Σ_ij w_i m_ij``: the number of observed targets when there are no weights.
    n_samples : int
        Rows (samples) summed over.
    gradient : ndarray of float64, shape (n_parameters,), or None
        ``G = ∂S/∂θ`` laid out like the parameter vector; None when only the loss was summed.
    """

    loss: float
    weight: float
    n_samples: int
    gradient: np.ndarray | None = None

    def __add__(self, other: ChunkSums) -> ChunkSums:
        if (self.gradient is None) != (other.gradient is None):
            raise ClimannError("cannot add loss-only sums to sums with a gradient")
        gradient = None if self.gradient is None else self.gradient + other.gradient
        return ChunkSums(self.loss + other.loss, self.weight + other.weight, self.n_samples + other.n_samples, gradient)

    @staticmethod
    def total(parts: Sequence[ChunkSums]) -> ChunkSums:
        """``parts[0] + parts[1] + …`` in the order given (the same order gives the same bits).

        Raises
        ------
        ClimannError
            If ``parts`` is empty.
        """
        if not parts:
            raise ClimannError("no chunk to sum over")
        return functools.reduce(ChunkSums.__add__, parts)

    def mean_loss(self) -> float:
        """``J = S / W``.

        Raises
        ------
        ClimannError
            If no target is observed with a positive weight (``W = 0``).
        """
        if not self.weight > 0:
            raise ClimannError("no target is observed with a positive sample weight in these chunks")
        return self.loss / self.weight

    def mean_gradient(self, out: np.ndarray) -> np.ndarray:
        """``∂J/∂θ = G / W``, written into ``out`` (its dtype, e.g. the network's float32)."""
        if self.gradient is None:
            raise ClimannError("these sums hold no gradient")
        if not self.weight > 0:
            raise ClimannError("no target is observed with a positive sample weight in these chunks")
        return np.divide(self.gradient, self.weight, out=out, casting="same_kind")


def _rows(values: np.ndarray | None, rows: slice) -> np.ndarray | None:
    return None if values is None else values[rows]


def chunk_sums(
    network: Network,
    parameters: np.ndarray,
    inputs: np.ndarray,
    targets: np.ndarray,
    sample_weight: np.ndarray | None = None,
    mask: np.ndarray | None = None,
    *,
    loss: str | Loss = "mse",
    gradient: bool = True,
    rows_per_pass: int = ROWS_PER_PASS,
) -> ChunkSums:
    """``S``, ``W`` and ``G`` of one chunk of samples, at the parameters ``parameters``.

    Forward pass, the loss as a sum (:meth:`Loss.sum_and_gradient`) and backpropagation,
    ``rows_per_pass`` rows at a time; ``G`` is accumulated in float64.

    Parameters
    ----------
    network : Network
        Gives the architecture (layer sizes, activations, dtype); its own parameters are
        not used (nor changed).
    parameters : ndarray, shape (n_parameters,)
        The flat parameter vector to evaluate at (laid out as ``network.parameter_vector``).
    inputs : ndarray, shape (m, n_in)
        Finite, already checked and scaled (e.g. a chunk persisted on a worker).
    targets : ndarray, shape (m, n_out)
        May be NaN where ``mask`` is False.
    sample_weight : ndarray, shape (m,), or None
    mask : ndarray of bool, shape (m, n_out), or None
    loss : str or Loss, default "mse"
    gradient : bool, default True
        Also compute ``G`` (False: the loss sum only, e.g. for validation).
    rows_per_pass : int, default :data:`ROWS_PER_PASS`

    Returns
    -------
    ChunkSums
        With ``weight`` and ``loss`` 0 (and a zero gradient) for a chunk without rows.

    Examples
    --------
    >>> net = Network([2, 8, 1], seed=0)
    >>> X, y = np.ones((10, 2), np.float32), np.zeros((10, 1), np.float32)
    >>> sums = chunk_sums(net, net.parameter_vector, X, y)
    >>> bool(np.isclose(sums.mean_loss(), net.loss(X, y)))
    True
    """
    loss = get_loss(loss)
    parameters = np.asarray(parameters, dtype=network.dtype)
    if parameters.shape != network.parameter_vector.shape:
        raise ClimannError(f"parameters must have shape {network.parameter_vector.shape}; got {parameters.shape}")
    weights, biases = layer_views(parameters, network.layer_sizes)
    activations = network.layer_activations
    step = np.empty_like(parameters)
    step_views = list(zip(*layer_views(step, network.layer_sizes), strict=True))
    total = np.zeros(parameters.shape, np.float64) if gradient else None
    loss_sum, buffers = 0.0, None
    for first in range(0, inputs.shape[0], rows_per_pass):
        rows = slice(first, first + rows_per_pass)
        # Memory that is not aligned to the item size (arrays deserialised from a network
        # message can be) makes NumPy's matmul skip BLAS for a loop that rounds differently:
        # copied, the same chunk gives the same bits wherever it is computed.
        batch = np.require(inputs[rows], dtype=network.dtype, requirements="A")
        if buffers is None or buffers.n_samples != batch.shape[0]:
            buffers = BatchBuffers.allocate(network.layer_sizes, batch.shape[0], network.dtype)
        pre_activations, outputs = forward(batch, weights, biases, activations, buffers, keep_derivatives=gradient)
        value, output_gradient = loss.sum_and_gradient(
            outputs[-1], np.require(targets[rows], dtype=network.dtype, requirements="A"), _rows(sample_weight, rows),
            _rows(mask, rows), out=buffers.gradients[-1],
        )
        loss_sum += value
        if gradient:
            backward(output_gradient, pre_activations, outputs, weights, activations, gradients=step_views,
                     buffers=buffers, derivatives_kept=True)
            total += step
    weight = total_weight(
        None if sample_weight is None else np.asarray(sample_weight, np.float64), mask, shape=targets.shape
    )
    return ChunkSums(loss=loss_sum, weight=weight, n_samples=int(inputs.shape[0]), gradient=total)
