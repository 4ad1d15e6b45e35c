"""All parameters of a network in one flat vector, and the per-layer views into it.

Layout for layers ``l = 1 … L`` with ``W_l : (n_(l−1), n_l)`` and ``b_l : (n_l,)``::

    [ W_1 (row by row) | W_2 | … | W_L | b_1 | b_2 | … | b_L ]
      ←——————— the first n_weights entries ——————→

Keeping everything in one contiguous vector lets an optimizer update all parameters with a
handful of NumPy calls, instead of a handful per array; putting the weights first makes
"the weights only" (for an L2 penalty or weight decay) one slice, ``vector[:n_weights]``.
The same layout holds the gradients.

The per-layer arrays ``W_l`` and ``b_l`` are *views* into the vector: writing into them
(``weights[0][...] = values``, ``weights[0] -= step``) writes into the vector. A network
hands them out as :class:`LayerArrays`, whose item assignment (``weights[0] = values``)
also copies into the vector instead of replacing the view.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import overload

import numpy as np

from climann.errors import ClimannError

__all__ = ["LayerArrays", "count_parameters", "layer_views"]


def count_parameters(layer_sizes: Sequence[int]) -> tuple[int, int]:
    """How many weights, and how many parameters in all, a network of ``layer_sizes`` has.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``[n_0, n_1, …, n_L]``.

    Returns
    -------
    n_weights : int
        ``Σ_l n_(l−1)·n_l``.
    n_parameters : int
        ``n_weights + Σ_l n_l`` (the biases).
    """
    fans = zip(layer_sizes[:-1], layer_sizes[1:], strict=True)
    n_weights = sum(n_in * n_out for n_in, n_out in fans)
    return n_weights, n_weights + sum(layer_sizes[1:])


def layer_views(
    vector: np.ndarray, layer_sizes: Sequence[int]
) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
    """The weight matrices and bias vectors inside ``vector``, as views (no copies).

    Parameters
    ----------
    vector : ndarray, shape (n_parameters,)
        Laid out as described in this module's docstring.
    layer_sizes : sequence of int

    Returns
    -------
    weights : tuple of ndarray, shapes (n_(l−1), n_l)
    biases : tuple of ndarray, shapes (n_l,)
    """
    weights, biases = [], []
    start = 0
    for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:], strict=True):
        weights.append(vector[start : start + n_in * n_out].reshape(n_in, n_out))
        start += n_in * n_out
    for n_out in layer_sizes[1:]:
        biases.append(vector[start : start + n_out])
        start += n_out
    return tuple(weights), tuple(biases)


class LayerArrays(Sequence[np.ndarray]):
    """A network's weight matrices (or bias vectors): a sequence of views into its vector.

    Reading gives the views themselves. Assigning copies the values into the view, so the
    parameter vector stays the one storage: ``weights[0] = new_values`` and
    ``weights[0] -= learning_rate * dW`` both change the network, as expected.

    Parameters
    ----------
    views : iterable of ndarray
        From :func:`layer_views`.
    kind : str
        ``"weights"`` or ``"biases"``, for messages.
    """

    def __init__(self, views: Iterable[np.ndarray], *, kind: str) -> None:
        self._views = tuple(views)
        self._kind = kind

    @overload
    def __getitem__(self, index: int) -> np.ndarray: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[np.ndarray, ...]: ...
    def __getitem__(self, index):
        return self._views[index]

    def __len__(self) -> int:
        return len(self._views)

    def __setitem__(self, index: int, values: object) -> None:
        view = self._views[index]
        if values is view:  # ``weights[0] -= step`` already changed the view in place
            return
        if np.shape(values) != view.shape:
            raise ClimannError(
                f"{self._kind}[{index}] has shape {view.shape}; cannot assign an array of "
                f"shape {np.shape(values)} (the layer sizes are fixed)"
            )
        view[...] = values

    def assign(self, arrays: Sequence[object]) -> None:
        """Copy ``arrays[l]`` into every view ``l``; shapes must match."""
        if len(arrays) != len(self._views):
            raise ClimannError(
                f"expected {len(self._views)} {self._kind} arrays (one per layer); "
                f"got {len(arrays)}"
            )
        for index, values in enumerate(arrays):
            self[index] = values

    def __add__(self, other: Iterable[np.ndarray]) -> tuple[np.ndarray, ...]:
        return self._views + tuple(other)

    def __radd__(self, other: Iterable[np.ndarray]) -> tuple[np.ndarray, ...]:
        return tuple(other) + self._views

    def __repr__(self) -> str:
        return f"LayerArrays({self._kind}, shapes={[view.shape for view in self._views]})"
